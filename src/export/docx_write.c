/*
 * docx_write.c - table documents as Word files (DOCX) in the Decree 30/2020 layout (DOMAIN J),
 * streamed a row at a time: the DOCX twin of the PDF table in pdf.c, for documents the commune
 * edits before signing (the table of comments received, accepted or explained, C4).
 *
 * libzip writes an archive only at zip_close(), so the body is not built in memory: rows go as
 * WordprocessingML into word/document.xml in a temporary file (unlinked as soon as it is made,
 * so nothing is left behind whatever happens), written through a FILE with a large buffer. At
 * the end the archive is made in a second temporary file: the small parts from memory, the body
 * from the first file (deflated at level 6), then read back in 64 KiB chunks into the
 * caller's export_write_fn, and removed. Memory stays a few hundred kilobytes for any number of
 * rows; the caller's callback sees bytes only at export_docx_table_end().
 *
 * The page: A4 portrait, margins top and bottom 20 mm, left 30 mm, right 15 mm; Times New Roman
 * (Liberation Serif stands in for it on Debian), 14 pt body, 13 pt table; page numbers at the
 * top centre from page 2 (a first-page header left empty). The heading block and the closing
 * block (recipients at the left, signature at the right) are borderless two-column tables; the
 * data table has borders and a header row that Word and LibreOffice repeat on every page. Rules
 * (under the issuer, the motto and the summary) are top borders of tiny empty paragraphs whose
 * indents set their length; their lengths come from Liberation Serif's widths, estimated.
 *
 * Text: every string is escaped for XML; bytes that are not UTF-8 become U+FFFD and characters
 * XML 1.0 forbids (C0 and C1 controls, U+FFFE, U+FFFF) are dropped; tabs and line breaks
 * become w:tab and w:br. Text is otherwise written as given (the HTTP layer has made it NFC).
 *
 * Ownership: struct export_docx_table owns the body's FILE and its buffer, the column widths
 * and the document title; export_docx_table_end() frees them all, on every path. Errors are
 * sticky: after the first, every call returns it and the end writes nothing.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <utf8proc.h>
#include <zip.h>

#include "core/err.h"
#include "export/export.h"

#define TWIPS_PER_MM 56.7
#define PAGE_W 11906                                 /* A4 width, twips */
#define PAGE_H 16838                                 /* A4 height */
#define MARGIN_TOP 1134                              /* 20 mm */
#define MARGIN_BOTTOM 1134                           /* 20 mm */
#define MARGIN_LEFT 1701                             /* 30 mm */
#define MARGIN_RIGHT 850                             /* 15 mm */
#define HEADER_DIST 567                              /* page number 10 mm from the top */
#define TEXT_W (PAGE_W - MARGIN_LEFT - MARGIN_RIGHT) /* 9355 twips, 165 mm */
#define HEAD_LEFT_W (TEXT_W * 2 / 5)                 /* issuer column, as in pdf.c */
#define HEAD_RIGHT_W (TEXT_W - HEAD_LEFT_W)          /* national title column */
#define MOTTO_W 3500    /* "Độc lập - Tự do - Hạnh phúc", Liberation Serif bold 14 pt */
#define CELL_PAD 85     /* left and right padding of a table cell, 1.5 mm */
#define ROW_LINES 32    /* rows estimated taller than this (of a page's ~45 lines) may split */
#define SIGN_SPACE 1417 /* 25 mm for the hand signature and seal */
#define MAX_COLS 63     /* Word's limit */
#define BODY_BUF (256 * 1024) /* stdio buffer of word/document.xml */
#define CHUNK (64 * 1024)     /* read-back chunk */
#define DOC_LEVEL 6 /* deflate level of the body: 5,000 rows, 1: 43 ms 522 KB, 6: 68 ms 384 KB */

static const char W_NS[] = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
static const char R_NS[] = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

struct export_docx_table {
    FILE *doc;              /* word/document.xml being written (an unlinked temporary file) */
    char *doc_buf;          /* its stdio buffer; freed after the FILE is closed */
    export_write_fn write;  /* the caller's sink */
    void *ctx;              /* its context */
    size_t n_cols;          /* number of columns */
    int *col_w;             /* width of each column, twips */
    int *col_align;         /* 0 left, 1 centre, 2 right */
    int table_w;            /* sum of col_w */
    char **titles;          /* header texts (heap copies): the header opens every table */
    int in_table;           /* a data table is open in the body */
    char *title;            /* "type - summary" for docProps/core.xml (heap), "" for none */
    struct date date;       /* document date, for docProps/core.xml */
    const char *recipients; /* "Nơi nhận" list beside the signature, or NULL (borrowed) */
    int rc;                 /* first error (sticky), 0 while all is well */
    char msg[160];          /* English reason for rc, reported by export_docx_table_end */
};

static void set_err(char *err, size_t err_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t err_len, const char *fmt, ...)
{
    va_list ap;

    if (!err || !err_len)
        return;
    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
}

static const char *nz(const char *s)
{
    return s ? s : "";
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);

    if (!p)
        abort();
    return p;
}

static char *xstrdup(const char *s)
{
    char *p = strdup(s);

    if (!p)
        abort();
    return p;
}

/* ---- XML text ---- */

/* 1 for a code point XML 1.0 allows in text and that means something in a document. */
static int xml_char_ok(utf8proc_int32_t c)
{
    if (c < 0x20)
        return c == '\t' || c == '\n' || c == '\r';
    if (c >= 0x7F && c <= 0x9F)
        return 0; /* DEL and C1 controls: allowed by XML 1.0, meaningless, refused by some */
    return c != 0xFFFE && c != 0xFFFF;
}

/*
 * Writes s[0..n) as XML character data: & < > " escaped, bad UTF-8 as U+FFFD, forbidden
 * characters dropped, letters in upper case (Vietnamese ones too) when upper. Tabs and line
 * breaks are written as they are: callers split on them first.
 */
static void put_xml(FILE *f, const char *s, size_t n, int upper)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;

    while (p < end) {
        const unsigned char *run = p;
        utf8proc_int32_t c;
        utf8proc_ssize_t len;
        unsigned char enc[4];

        /* Plain ASCII goes out in one piece. */
        while (p < end && *p >= 0x20 && *p < 0x7F && *p != '&' && *p != '<' && *p != '>' &&
               *p != '"' && !(upper && *p >= 'a' && *p <= 'z'))
            p++;
        if (p > run)
            fwrite(run, 1, (size_t)(p - run), f);
        if (p == end)
            break;
        switch (*p) {
        case '&':
            fputs("&amp;", f);
            p++;
            continue;
        case '<':
            fputs("&lt;", f);
            p++;
            continue;
        case '>':
            fputs("&gt;", f);
            p++;
            continue;
        case '"':
            fputs("&quot;", f);
            p++;
            continue;
        default:
            break;
        }
        len = utf8proc_iterate(p, end - p, &c);
        if (len <= 0) {
            fputs("\xEF\xBF\xBD", f); /* U+FFFD for a byte that starts no character */
            p++;
            continue;
        }
        p += len;
        if (!xml_char_ok(c))
            continue;
        if (upper)
            c = utf8proc_toupper(c);
        len = utf8proc_encode_char(c, enc);
        fwrite(enc, 1, (size_t)len, f);
    }
}

/*
 * One run of s[0..n) with run properties rpr ("" for none): tabs become w:tab, line breaks
 * (LF, CR LF or CR) w:br. Nothing for an empty string.
 */
static void put_run(FILE *f, const char *s, size_t n, const char *rpr, int upper)
{
    size_t i = 0, start = 0;

    if (!n)
        return;
    fprintf(f, "<w:r>%s%s%s<w:t xml:space=\"preserve\">", *rpr ? "<w:rPr>" : "", rpr,
            *rpr ? "</w:rPr>" : "");
    for (;; i++) {
        if (i < n && s[i] != '\n' && s[i] != '\r' && s[i] != '\t')
            continue;
        put_xml(f, s + start, i - start, upper);
        if (i == n)
            break;
        fputs(s[i] == '\t' ? "</w:t><w:tab/><w:t xml:space=\"preserve\">"
                           : "</w:t><w:br/><w:t xml:space=\"preserve\">",
              f);
        if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
            i++;
        start = i + 1;
    }
    fputs("</w:t></w:r>", f);
}

/* A paragraph with properties ppr (inside w:pPr) holding one run of s[0..n). */
static void put_para(FILE *f, const char *ppr, const char *s, size_t n, const char *rpr, int upper)
{
    fprintf(f, "<w:p><w:pPr>%s</w:pPr>", ppr);
    put_run(f, s, n, rpr, upper);
    fputs("</w:p>", f);
}

/* A paragraph per line of s (split on \n), each with ppr and rpr. */
static void put_lines(FILE *f, const char *ppr, const char *s, const char *rpr, int upper)
{
    for (;;) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);

        if (n && s[n - 1] == '\r')
            n--;
        put_para(f, ppr, s, n, rpr, upper);
        if (!nl)
            break;
        s = nl + 1;
    }
}

/*
 * A rule: an empty paragraph a hair tall whose top border, len twips long, is centred in a
 * column width twips wide, right under the paragraph above.
 */
static void put_rule(FILE *f, int width, int len)
{
    int side;

    if (len > width)
        len = width;
    side = (width - len) / 2;
    fprintf(f,
            "<w:p><w:pPr><w:pBdr><w:top w:val=\"single\" w:sz=\"6\" w:space=\"0\" "
            "w:color=\"000000\"/></w:pBdr><w:spacing w:before=\"40\" w:after=\"0\" "
            "w:line=\"40\" w:lineRule=\"exact\"/><w:ind w:left=\"%d\" w:right=\"%d\"/>"
            "<w:rPr><w:sz w:val=\"4\"/></w:rPr></w:pPr></w:p>",
            side, side);
}

/* Code points in s (an estimate of its width once multiplied by a letter's). */
static int chars(const char *s)
{
    int n = 0;

    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

/* ---- heading and closing blocks ---- */

/* Opens a borderless table of two columns, left twips and TEXT_W - left. */
static void open_plain_table(FILE *f, int left)
{
    fprintf(f,
            "<w:tbl><w:tblPr><w:tblW w:w=\"%d\" w:type=\"dxa\"/><w:tblBorders>"
            "<w:top w:val=\"nil\"/><w:left w:val=\"nil\"/><w:bottom w:val=\"nil\"/>"
            "<w:right w:val=\"nil\"/><w:insideH w:val=\"nil\"/><w:insideV w:val=\"nil\"/>"
            "</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar>"
            "<w:left w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"0\" w:type=\"dxa\"/>"
            "</w:tblCellMar><w:tblLook w:val=\"0000\"/></w:tblPr><w:tblGrid>"
            "<w:gridCol w:w=\"%d\"/><w:gridCol w:w=\"%d\"/></w:tblGrid>",
            TEXT_W, left, TEXT_W - left);
}

static void open_plain_cell(FILE *f, int width)
{
    fprintf(f, "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/></w:tcPr>", width);
}

/* Ends a table; the empty paragraph after it keeps two tables from merging into one. */
static void close_table(FILE *f)
{
    fputs("</w:tbl><w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"20\" "
          "w:lineRule=\"exact\"/><w:rPr><w:sz w:val=\"2\"/></w:rPr></w:pPr></w:p>",
          f);
}

/* "Bình Giang, ngày 05 tháng 01 năm 2026": day < 10 and months 1-2 zero-padded (as pdf.c). */
static void date_line(char *out, size_t out_len, const char *place, struct date d)
{
    char month[16];

    snprintf(month, sizeof(month), d.m <= 2 ? "%02d" : "%d", d.m);
    if (*place)
        snprintf(out, out_len, "%s, ngày %02d tháng %s năm %d", place, d.d, month, d.y);
    else
        snprintf(out, out_len, "Ngày %02d tháng %s năm %d", d.d, month, d.y);
}

/* Paragraph and run properties; w:jc comes last in w:pPr (the schema's order: Word checks). */
#define CENTRE "<w:jc w:val=\"center\"/>"
#define SZ13 "<w:sz w:val=\"26\"/><w:szCs w:val=\"26\"/>"
#define SZ12 "<w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/>"
#define SZ11 "<w:sz w:val=\"22\"/><w:szCs w:val=\"22\"/>"

/*
 * The heading block: parent body and issuer (with a rule a third of its length) at the left,
 * national title and motto (with a rule as long as itself) at the right; the number and the
 * place and date on one line under both; the type and the summary centred under it all.
 */
static void heading(FILE *f, const struct export_doc_head *h)
{
    static const char TITLE[] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
    static const char MOTTO[] = "Độc lập - Tự do - Hạnh phúc";
    char line[512];
    int rule;

    open_plain_table(f, HEAD_LEFT_W);
    fputs("<w:tr>", f);
    open_plain_cell(f, HEAD_LEFT_W);
    if (*nz(h->parent_body))
        put_para(f, CENTRE, h->parent_body, strlen(h->parent_body), SZ13, 1);
    if (*nz(h->issuer)) {
        /* Liberation Serif bold 13 pt capitals average about 150 twips. */
        put_para(f, CENTRE, h->issuer, strlen(h->issuer), "<w:b/>" SZ13, 1);
        rule = chars(h->issuer) * 150 * 2 / 5;
        put_rule(f, HEAD_LEFT_W, rule > 720 ? rule : 720);
    }
    if (!*nz(h->parent_body) && !*nz(h->issuer))
        fputs("<w:p/>", f);
    fputs("</w:tc>", f);
    open_plain_cell(f, HEAD_RIGHT_W);
    put_para(f, CENTRE, TITLE, strlen(TITLE), "<w:b/>" SZ13, 0);
    put_para(f, CENTRE, MOTTO, strlen(MOTTO), "<w:b/>", 0);
    put_rule(f, HEAD_RIGHT_W, MOTTO_W);
    fputs("</w:tc></w:tr><w:tr>", f);

    open_plain_cell(f, HEAD_LEFT_W);
    if (*nz(h->number))
        snprintf(line, sizeof(line), "Số: %s", h->number);
    else
        snprintf(line, sizeof(line), "Số:   /");
    put_para(f, "<w:spacing w:before=\"120\"/>" CENTRE, line, strlen(line), SZ13, 0);
    fputs("</w:tc>", f);
    open_plain_cell(f, HEAD_RIGHT_W);
    date_line(line, sizeof(line), nz(h->place), h->date);
    put_para(f, "<w:spacing w:before=\"120\"/>" CENTRE, line, strlen(line), "<w:i/>", 0);
    fputs("</w:tc></w:tr>", f);
    close_table(f);

    if (*nz(h->doc_type))
        put_lines(f, "<w:keepNext/><w:spacing w:before=\"360\"/>" CENTRE, h->doc_type, "<w:b/>", 1);
    if (*nz(h->summary)) {
        /* Bold 14 pt lower case averages about 130 twips a letter; the rule a third of it. */
        int len = chars(h->summary) * 130;

        if (len > TEXT_W)
            len = TEXT_W;
        put_lines(f, "<w:keepNext/>" CENTRE, h->summary, "<w:b/>", 0);
        put_rule(f, TEXT_W, len / 3 > 1134 ? len / 3 : 1134);
    }
    fputs("<w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"240\" "
          "w:lineRule=\"exact\"/></w:pPr></w:p>",
          f);
}

/*
 * The closing block: "Nơi nhận:" and its list at the left, the signer's role (upper case), room
 * for the signature and seal, and the name at the right.
 */
static void closing(FILE *f, const char *role, const char *name, const char *recipients)
{
    role = nz(role);
    name = nz(name);
    recipients = nz(recipients);
    if (!*role && !*name && !*recipients)
        return;
    fputs("<w:p><w:pPr><w:spacing w:before=\"240\" w:after=\"0\"/></w:pPr></w:p>", f);
    open_plain_table(f, HEAD_LEFT_W);
    fputs("<w:tr><w:trPr><w:cantSplit/></w:trPr>", f);
    open_plain_cell(f, HEAD_LEFT_W);
    if (*recipients) {
        put_para(f, "", "Nơi nhận:", strlen("Nơi nhận:"), "<w:b/><w:i/>" SZ12, 0);
        put_lines(f, "", recipients, SZ11, 0);
    } else {
        fputs("<w:p/>", f);
    }
    fputs("</w:tc>", f);
    open_plain_cell(f, HEAD_RIGHT_W);
    if (*role)
        put_lines(f, CENTRE, role, "<w:b/>", 1);
    if (*name) {
        char ppr[128];

        snprintf(ppr, sizeof(ppr), "<w:spacing w:before=\"%d\"/>" CENTRE, SIGN_SPACE);
        put_para(f, ppr, name, strlen(name), "<w:b/>", 0);
    } else {
        fputs("<w:p/>", f);
    }
    fputs("</w:tc></w:tr>", f);
    close_table(f);
}

/* ---- body text ---- */

/* A paragraph of the body: style Body, a list item (hanging after its dash) or a heading. */
static void body_para(FILE *f, const char *s, size_t n, int kind)
{
    static const char *const ppr[] = {
        "<w:pStyle w:val=\"Body\"/>",
        "<w:pStyle w:val=\"Body\"/><w:ind w:left=\"880\" w:hanging=\"160\"/>",
        "<w:pStyle w:val=\"Body\"/><w:keepNext/>",
    };

    if (n)
        put_para(f, ppr[kind], s, n, kind == 2 ? "<w:b/>" : "", 0);
}

/*
 * Plain text as body paragraphs, the same syntax as export_notice.body: paragraphs separated
 * by blank lines (lines inside one joined by a space); "- " or "+ " starts a list item; "# "
 * (or "## "...) a bold paragraph.
 */
static void body_text(FILE *f, const char *text)
{
    struct buf p;
    int kind = 0;
    const char *s = nz(text);

    buf_init(&p, NULL);
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        const char *next = nl ? nl + 1 : s + n;
        size_t h = 0;

        while (n && (*s == ' ' || *s == '\t')) {
            s++;
            n--;
        }
        while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        while (h < n && s[h] == '#')
            h++;
        if (!n) {
            body_para(f, p.ptr, p.len, kind);
            buf_reset(&p);
        } else if (n >= 2 && (s[0] == '-' || s[0] == '+') && s[1] == ' ') {
            body_para(f, p.ptr, p.len, kind);
            buf_reset(&p);
            kind = 1;
            buf_append(&p, s, n);
        } else if (h && h < n && s[h] == ' ') {
            body_para(f, p.ptr, p.len, kind);
            buf_reset(&p);
            while (h < n && s[h] == ' ')
                h++;
            body_para(f, s + h, n - h, 2);
            kind = 0;
        } else {
            if (!p.len)
                kind = 0;
            else
                buf_putc(&p, ' ');
            buf_append(&p, s, n);
        }
        s = next;
    }
    body_para(f, p.ptr, p.len, kind);
    buf_free(&p);
}

/* ---- the data table ---- */

static const char *const ALIGN[] = {"left", "center", "right"};

/* One cell of width w with its paragraph (alignment al, style) and text. */
static void put_cell(FILE *f, int w, const char *style, int al, const char *text)
{
    fprintf(f,
            "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/></w:tcPr><w:p><w:pPr>"
            "<w:pStyle w:val=\"%s\"/><w:jc w:val=\"%s\"/></w:pPr>",
            w, style, ALIGN[al]);
    put_run(f, text, strlen(text), "", 0);
    fputs("</w:p></w:tc>", f);
}

/*
 * Lines text takes in a cell w twips wide at 13 pt, estimated (about 120 twips a letter, a
 * sixth more for word wrap), counted only up to limit.
 */
static int cell_lines(const char *text, int w, int limit)
{
    int per_line = (w - 2 * CELL_PAD) * 6 / 7 / 120;
    int lines = 0, n = 0;

    if (per_line < 1)
        per_line = 1;
    for (const unsigned char *p = (const unsigned char *)text; lines <= limit; p++) {
        if (*p == '\n' || !*p) {
            lines += n / per_line + 1;
            n = 0;
            if (!*p)
                break;
        } else {
            n += (*p & 0xC0) != 0x80;
        }
    }
    return lines;
}

/* Opens the data table: borders, column grid and the header row repeated on every page. */
static void open_table(struct export_docx_table *t)
{
    FILE *f = t->doc;

    /* 6 pt above the table, whatever stands before it. */
    fputs("<w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"120\" "
          "w:lineRule=\"exact\"/><w:rPr><w:sz w:val=\"2\"/></w:rPr></w:pPr></w:p>",
          f);
    fprintf(f,
            "<w:tbl><w:tblPr><w:tblW w:w=\"%d\" w:type=\"dxa\"/><w:tblBorders>"
            "<w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
            "<w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
            "<w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
            "<w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
            "<w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
            "<w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
            "</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar>"
            "<w:top w:w=\"57\" w:type=\"dxa\"/><w:left w:w=\"%d\" w:type=\"dxa\"/>"
            "<w:bottom w:w=\"57\" w:type=\"dxa\"/><w:right w:w=\"%d\" w:type=\"dxa\"/>"
            "</w:tblCellMar><w:tblLook w:val=\"0000\"/></w:tblPr><w:tblGrid>",
            t->table_w, CELL_PAD, CELL_PAD);
    for (size_t i = 0; i < t->n_cols; i++)
        fprintf(f, "<w:gridCol w:w=\"%d\"/>", t->col_w[i]);
    fputs("</w:tblGrid><w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>", f);
    for (size_t i = 0; i < t->n_cols; i++)
        put_cell(f, t->col_w[i], "CellHead", 1, t->titles[i]);
    fputs("</w:tr>", f);
    t->in_table = 1;
}

/* A write error on the temporary file makes every later call fail. */
static int check_doc(struct export_docx_table *t)
{
    if (!t->rc && ferror(t->doc)) {
        t->rc = ERR_IO;
        snprintf(t->msg, sizeof(t->msg), "docx: writing the temporary body: %s", strerror(errno));
    }
    return t->rc;
}

static void table_free(struct export_docx_table *t)
{
    if (t->doc)
        fclose(t->doc);
    free(t->doc_buf);
    for (size_t i = 0; t->titles && i < t->n_cols; i++)
        free(t->titles[i]);
    free(t->titles);
    free(t->col_w);
    free(t->col_align);
    free(t->title);
    free(t);
}

/* The directory for temporary files: $TMPDIR, or /tmp. */
static const char *tmp_dir(void)
{
    const char *d = getenv("TMPDIR");

    return d && *d ? d : "/tmp";
}

/* Creates an empty temporary file named in path (path_len bytes); its descriptor, or -1. */
static int make_temp(char *path, size_t path_len, const char *stem)
{
    int n = snprintf(path, path_len, "%s/danchu-%s-XXXXXX", tmp_dir(), stem);

    if (n < 0 || (size_t)n >= path_len) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return mkstemp(path);
}

int export_docx_table_begin(const struct export_doc_head *head, const struct export_col *cols,
                            size_t n_cols, export_write_fn write, void *ctx,
                            struct export_docx_table **out, char *err, size_t err_len)
{
    struct export_docx_table *t;
    char path[4096];
    double sum = 0, scale = 1;
    int fd;

    if (!out) {
        set_err(err, err_len, "docx table: no place for the table");
        return ERR_INVALID;
    }
    *out = NULL;
    if (!cols || !n_cols || n_cols > MAX_COLS || !write) {
        set_err(err, err_len, "docx table: no columns, over %d columns, or no output", MAX_COLS);
        return ERR_INVALID;
    }
    for (size_t i = 0; i < n_cols; i++) {
        if (!(cols[i].width_mm > 0)) {
            set_err(err, err_len, "docx table: column %zu has no width", i + 1);
            return ERR_INVALID;
        }
        sum += cols[i].width_mm * TWIPS_PER_MM;
    }
    /* Wider than the text width: shrink every column in proportion, never overflow. */
    if (sum > TEXT_W)
        scale = TEXT_W / sum;

    fd = make_temp(path, sizeof(path), "docx");
    if (fd < 0) {
        set_err(err, err_len, "docx table: temporary file in %s: %s", tmp_dir(), strerror(errno));
        return ERR_IO;
    }
    unlink(path); /* gone from the directory now; the space is freed when it is closed */
    t = xcalloc(1, sizeof(*t));
    t->doc = fdopen(fd, "w+b");
    if (!t->doc) {
        set_err(err, err_len, "docx table: temporary file: %s", strerror(errno));
        close(fd);
        table_free(t);
        return ERR_IO;
    }
    t->doc_buf = xcalloc(1, BODY_BUF);
    setvbuf(t->doc, t->doc_buf, _IOFBF, BODY_BUF);
    t->write = write;
    t->ctx = ctx;
    t->n_cols = n_cols;
    t->col_w = xcalloc(n_cols, sizeof(int));
    t->col_align = xcalloc(n_cols, sizeof(int));
    t->titles = xcalloc(n_cols, sizeof(char *));
    for (size_t i = 0; i < n_cols; i++) {
        t->col_w[i] = (int)(cols[i].width_mm * TWIPS_PER_MM * scale);
        if (t->col_w[i] < 1)
            t->col_w[i] = 1;
        t->table_w += t->col_w[i];
        t->col_align[i] = cols[i].align >= 0 && cols[i].align <= 2 ? cols[i].align : 0;
        t->titles[i] = xstrdup(nz(cols[i].title));
    }
    if (head) {
        size_t tl = strlen(nz(head->doc_type)), sl = strlen(nz(head->summary));

        t->title = xcalloc(1, tl + sl + 4);
        snprintf(t->title, tl + sl + 4, "%s%s%s", nz(head->doc_type), tl && sl ? " - " : "",
                 nz(head->summary));
        t->date = head->date;
    } else {
        t->title = xstrdup("");
    }

    fprintf(t->doc,
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
            "<w:document xmlns:w=\"%s\" xmlns:r=\"%s\"><w:body>",
            W_NS, R_NS);
    if (head)
        heading(t->doc, head);
    if (check_doc(t)) {
        set_err(err, err_len, "%s", t->msg);
        table_free(t);
        return ERR_IO;
    }
    *out = t;
    return 0;
}

int export_docx_table_text(struct export_docx_table *t, const char *text)
{
    if (!t)
        return ERR_INVALID;
    if (t->rc)
        return t->rc;
    if (t->in_table) {
        close_table(t->doc);
        t->in_table = 0;
    }
    body_text(t->doc, text);
    return check_doc(t);
}

int export_docx_table_group(struct export_docx_table *t, const char *text)
{
    if (!t)
        return ERR_INVALID;
    if (t->rc)
        return t->rc;
    if (!t->in_table)
        open_table(t);
    /* Kept with the row under it, so a heading never ends a page alone. */
    fputs("<w:tr><w:trPr><w:cantSplit/></w:trPr>", t->doc);
    fprintf(t->doc, "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/>", t->table_w);
    if (t->n_cols > 1)
        fprintf(t->doc, "<w:gridSpan w:val=\"%zu\"/>", t->n_cols);
    fputs("</w:tcPr><w:p><w:pPr><w:pStyle w:val=\"Cell\"/><w:keepNext/></w:pPr>", t->doc);
    put_run(t->doc, nz(text), strlen(nz(text)), "<w:b/>", 0);
    fputs("</w:p></w:tc></w:tr>", t->doc);
    return check_doc(t);
}

int export_docx_table_row(struct export_docx_table *t, const char *const *cells)
{
    int tall = 0;

    if (!t)
        return ERR_INVALID;
    if (t->rc)
        return t->rc;
    if (!t->in_table)
        open_table(t);
    /* A row that surely fits on a page never splits (as in the PDF); a longer one may. */
    for (size_t i = 0; i < t->n_cols && cells; i++)
        tall = tall || cell_lines(nz(cells[i]), t->col_w[i], ROW_LINES) > ROW_LINES;
    fputs(tall ? "<w:tr>" : "<w:tr><w:trPr><w:cantSplit/></w:trPr>", t->doc);
    for (size_t i = 0; i < t->n_cols; i++)
        put_cell(t->doc, t->col_w[i], "Cell", t->col_align[i], cells ? nz(cells[i]) : "");
    fputs("</w:tr>", t->doc);
    return check_doc(t);
}

void export_docx_table_recipients(struct export_docx_table *t, const char *recipients)
{
    if (t)
        t->recipients = recipients;
}

/* ---- the package ---- */

static const char CONTENT_TYPES[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" "
    "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "<Override PartName=\"/word/styles.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
    "<Override PartName=\"/word/settings.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>"
    "<Override PartName=\"/word/header1.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
    "<Override PartName=\"/word/header2.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
    "<Override PartName=\"/docProps/core.xml\" "
    "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
    "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
    "</Types>";

static const char RELS[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/officeDocument\" Target=\"word/document.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/"
    "relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/extended-properties\" Target=\"docProps/app.xml\"/>"
    "</Relationships>";

static const char DOC_RELS[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/styles\" Target=\"styles.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/settings\" Target=\"settings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/header\" Target=\"header1.xml\"/>"
    "<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/header\" Target=\"header2.xml\"/>"
    "</Relationships>";

/* Times New Roman 14 pt, Vietnamese; Body (justified, indented), Cell and CellHead (13 pt). */
static const char STYLES[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
    "<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Times New Roman\" "
    "w:hAnsi=\"Times New Roman\" w:eastAsia=\"Times New Roman\" w:cs=\"Times New Roman\"/>"
    "<w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/><w:lang w:val=\"vi-VN\" w:eastAsia=\"en-US\" "
    "w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"0\" "
    "w:line=\"240\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>"
    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name "
    "w:val=\"Normal\"/><w:qFormat/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Body\"><w:name w:val=\"Danchu Body\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr><w:spacing w:before=\"120\" w:after=\"0\" "
    "w:line=\"276\" w:lineRule=\"auto\"/><w:ind w:firstLine=\"720\"/><w:jc w:val=\"both\"/>"
    "</w:pPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Cell\"><w:name w:val=\"Danchu Cell\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:rPr><w:sz w:val=\"26\"/><w:szCs w:val=\"26\"/></w:rPr>"
    "</w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"CellHead\"><w:name w:val=\"Danchu Cell "
    "Header\"/><w:basedOn w:val=\"Cell\"/><w:pPr><w:keepNext/><w:jc w:val=\"center\"/></w:pPr>"
    "<w:rPr><w:b/><w:bCs/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Header\"><w:name w:val=\"header\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:pPr><w:jc w:val=\"center\"/></w:pPr></w:style>"
    "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name "
    "w:val=\"Normal Table\"/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar>"
    "<w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" "
    "w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>"
    "</w:styles>";

static const char SETTINGS[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
    "<w:zoom w:percent=\"100\"/><w:defaultTabStop w:val=\"720\"/>"
    "<w:characterSpacingControl w:val=\"doNotCompress\"/><w:compat><w:compatSetting "
    "w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" "
    "w:val=\"15\"/></w:compat></w:settings>";

/* Page numbers from page 2: the default header holds a PAGE field, the first page's is empty. */
static const char HEADER_PAGE[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:hdr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
    "<w:p><w:pPr><w:pStyle w:val=\"Header\"/></w:pPr><w:r><w:fldChar w:fldCharType=\"begin\"/>"
    "</w:r><w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r><w:r>"
    "<w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>2</w:t></w:r><w:r>"
    "<w:fldChar w:fldCharType=\"end\"/></w:r></w:p></w:hdr>";

static const char HEADER_FIRST[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:hdr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
    "<w:p><w:pPr><w:pStyle w:val=\"Header\"/></w:pPr></w:p></w:hdr>";

static const char APP[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-"
    "properties\"><Application>danchu</Application></Properties>";

/* docProps/core.xml: title, creator, language and the document's date. Owned by the caller. */
static char *core_xml(const struct export_docx_table *t, size_t *len)
{
    char *s = NULL;
    FILE *f = open_memstream(&s, len);

    if (!f)
        abort();
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
          "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/"
          "metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
          "xmlns:dcterms=\"http://purl.org/dc/terms/\" "
          "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>",
          f);
    put_xml(f, t->title, strlen(t->title), 0);
    fputs("</dc:title><dc:creator>danchu</dc:creator><dc:language>vi-VN</dc:language>", f);
    if (date_valid(t->date))
        fprintf(f,
                "<dcterms:created xsi:type=\"dcterms:W3CDTF\">%04d-%02d-%02dT00:00:00Z"
                "</dcterms:created>",
                t->date.y, t->date.m, t->date.d);
    fputs("</cp:coreProperties>", f);
    if (fclose(f) != 0 || !s)
        abort();
    return s;
}

/* Adds name with the len bytes at data (which must live until zip_close) to z; 0 or -1. */
static zip_int64_t add_buffer(zip_t *z, const char *name, const void *data, size_t len)
{
    zip_source_t *src = zip_source_buffer(z, data, len, 0);
    zip_int64_t idx;

    if (!src)
        return -1;
    idx = zip_file_add(z, name, src, ZIP_FL_ENC_UTF_8);
    if (idx < 0)
        zip_source_free(src);
    return idx;
}

/*
 * Makes the archive at path from the parts and t's body (whose FILE then belongs to libzip and
 * is closed by it; t->doc becomes NULL). 0 or ERR_IO with a reason in err.
 */
static int write_zip(struct export_docx_table *t, const char *path, char *err, size_t err_len)
{
    struct {
        const char *name;
        const char *data;
    } parts[] = {
        {"[Content_Types].xml", CONTENT_TYPES},
        {"_rels/.rels", RELS},
        {"word/_rels/document.xml.rels", DOC_RELS},
        {"word/styles.xml", STYLES},
        {"word/settings.xml", SETTINGS},
        {"word/header1.xml", HEADER_PAGE},
        {"word/header2.xml", HEADER_FIRST},
        {"docProps/app.xml", APP},
    };
    zip_source_t *src;
    zip_int64_t idx;
    char *core;
    size_t core_len;
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);

    if (!z) {
        zip_error_t ze;

        zip_error_init_with_code(&ze, zerr);
        set_err(err, err_len, "docx: opening the archive: %s", zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return ERR_IO;
    }
    core = core_xml(t, &core_len);
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        if (add_buffer(z, parts[i].name, parts[i].data, strlen(parts[i].data)) < 0)
            goto fail;
    }
    if (add_buffer(z, "docProps/core.xml", core, core_len) < 0)
        goto fail;
    rewind(t->doc); /* libzip reads from where the FILE stands when start is 0 */
    src = zip_source_filep(z, t->doc, 0, -1);
    if (!src)
        goto fail;
    t->doc = NULL; /* the source owns (and closes) the FILE now */
    idx = zip_file_add(z, "word/document.xml", src, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
        zip_source_free(src);
        goto fail;
    }
    if (zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_DEFLATE, DOC_LEVEL) < 0)
        goto fail;
    if (zip_close(z) < 0)
        goto fail;
    free(core);
    return 0;
fail:
    set_err(err, err_len, "docx: writing the archive: %s", zip_strerror(z));
    zip_discard(z); /* closes the body's FILE too when a source holds it */
    free(core);
    return ERR_IO;
}

/* Hands the file at path to the caller's sink in 64 KiB chunks. */
static int send_file(struct export_docx_table *t, const char *path, char *err, size_t err_len)
{
    unsigned char *chunk;
    FILE *in = fopen(path, "rb");
    int rc = 0;
    size_t n;

    if (!in) {
        set_err(err, err_len, "docx: reading the archive back: %s", strerror(errno));
        return ERR_IO;
    }
    chunk = xcalloc(1, CHUNK);
    while ((n = fread(chunk, 1, CHUNK, in)) > 0) {
        if (t->write(t->ctx, chunk, n) != 0) {
            set_err(err, err_len, "docx: the output stopped");
            rc = ERR_IO;
            break;
        }
    }
    if (!rc && ferror(in)) {
        set_err(err, err_len, "docx: reading the archive back: %s", strerror(errno));
        rc = ERR_IO;
    }
    free(chunk);
    fclose(in);
    return rc;
}

int export_docx_table_end(struct export_docx_table *t, const char *footer, const char *signer_role,
                          const char *signer_name, char *err, size_t err_len)
{
    char path[4096];
    int rc, fd;

    if (!t) {
        set_err(err, err_len, "docx table: no table");
        return ERR_INVALID;
    }
    rc = t->rc;
    if (rc) {
        set_err(err, err_len, "%s", t->msg);
        goto out;
    }
    if (t->in_table)
        close_table(t->doc);
    body_text(t->doc, footer);
    closing(t->doc, signer_role, signer_name, t->recipients);
    fprintf(t->doc,
            "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rId3\"/>"
            "<w:headerReference w:type=\"first\" r:id=\"rId4\"/>"
            "<w:pgSz w:w=\"%d\" w:h=\"%d\"/><w:pgMar w:top=\"%d\" w:right=\"%d\" "
            "w:bottom=\"%d\" w:left=\"%d\" w:header=\"%d\" w:footer=\"%d\" w:gutter=\"0\"/>"
            "<w:titlePg/></w:sectPr></w:body></w:document>",
            PAGE_W, PAGE_H, MARGIN_TOP, MARGIN_RIGHT, MARGIN_BOTTOM, MARGIN_LEFT, HEADER_DIST,
            HEADER_DIST);
    if (fflush(t->doc) != 0 || check_doc(t)) {
        set_err(err, err_len, "docx: writing the temporary body: %s", strerror(errno));
        rc = ERR_IO;
        goto out;
    }

    fd = make_temp(path, sizeof(path), "zip");
    if (fd < 0) {
        set_err(err, err_len, "docx: temporary file in %s: %s", tmp_dir(), strerror(errno));
        rc = ERR_IO;
        goto out;
    }
    close(fd);
    rc = write_zip(t, path, err, err_len);
    if (rc == 0)
        rc = send_file(t, path, err, err_len);
    unlink(path);
out:
    table_free(t);
    return rc;
}

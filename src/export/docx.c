/*
 * docx.c - the text of a Word (DOCX) file as light Markdown, for documents
 * an official imports instead of typing them again.
 *
 * The archive is read from memory with libzip; word/styles.xml (when
 * present) tells which paragraph styles are headings or numbered lists,
 * whatever their ids (localised Word writes its own ids, but built-in style
 * names stay "heading 1", "title"...); word/document.xml is streamed
 * through expat in chunks, counting unzipped bytes against a cap (zip
 * bombs), with any DOCTYPE refused (entity expansion).
 *
 * What comes out: one block per paragraph, blocks separated by a blank line
 * (consecutive list items by a single newline); Heading 1-3 and Title as
 * "#".."###" (deeper headings as "###"); numbered and bulleted paragraphs as
 * "- "; bold runs as **...**; tables as GitHub pipe tables, the first row as
 * header, merged cells padded so columns line up (a later row with more
 * cells than the header and the table grid loses the extra ones, as GitHub
 * would). Text that Markdown would read as markup is escaped ("1." at the
 * start of a paragraph that is not a list becomes "1\."), so the rendered
 * page shows what the document says.
 * Left out on purpose: text boxes, deleted and moved-away tracked changes,
 * the fallback copies of mc:AlternateContent, headers, footers and notes.
 * Everything this file allocates besides the result lives in heap buffers
 * and arenas freed before returning.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <expat.h>
#include <zip.h>

#include "core/err.h"
#include "core/utf8.h"
#include "export/export.h"

#define NS_SEP '|'
#define CHUNK 16384
#define MAX_DOCUMENT_XML (50u * 1024 * 1024) /* unzipped word/document.xml */
#define MAX_STYLES_XML (16u * 1024 * 1024)   /* unzipped word/styles.xml */
#define MAX_STYLES 10000                     /* style definitions kept */
#define MAX_COLS 64                          /* table columns kept */
#define MAX_BASED_ON 8                       /* basedOn links followed */

static const char W_NS[] = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
static const char W_NS_STRICT[] = "http://purl.oclc.org/ooxml/wordprocessingml/main";
static const char MC_NS[] = "http://schemas.openxmlformats.org/markup-compatibility/2006";

/* A style of word/styles.xml, resolved through its basedOn chain once all are read. */
struct docx_style {
    char *id;       /* w:styleId */
    char *name;     /* w:name, ASCII lower case ("heading 1"); "" when absent */
    char *based_on; /* w:basedOn, or NULL */
    int has_num;    /* its paragraph properties carry numbering (a list style) */
    int bold;       /* its run properties are bold (character styles such as "Strong") */
    int heading;    /* resolved: 1-9 for Title / Heading n, 0 otherwise */
    int list;       /* resolved: has_num here or in a style it is based on */
};

/* A stretch of a paragraph's text with one weight. */
struct docx_seg {
    size_t off; /* start in the paragraph text */
    size_t len; /* bytes */
    int bold;   /* 1 when bold */
};

struct docx {
    struct arena *tmp;  /* styles; freed at the end */
    XML_Parser parser;  /* the parser of the entry being read */
    int rc;             /* error a handler stopped the parser with */
    const char *reason; /* English reason for that error */

    /* word/styles.xml */
    struct docx_style *styles; /* sorted by id once read */
    size_t n_styles;           /* entries used */
    size_t cap_styles;         /* entries allocated */
    struct docx_style *cur;    /* the style being read, or NULL */
    int in_style_ppr;          /* inside that style's w:pPr */
    int in_style_rpr;          /* inside that style's w:rPr */

    /* word/document.xml */
    int skip;              /* depth inside a subtree left out (text boxes, deletions...) */
    int in_p;              /* inside a top-level w:p */
    int p_nested;          /* w:p opened inside that paragraph (malformed files) */
    int in_ppr;            /* inside the paragraph's w:pPr */
    int in_r;              /* inside a run */
    int in_rpr;            /* inside the run's w:rPr */
    int in_t;              /* inside w:t: character data is text */
    char p_style[128];     /* the paragraph's w:pStyle, "" for none */
    int p_num;             /* -1 numbering not set, 0 removed (numId 0), 1 numbered */
    int r_bold;            /* the current run is bold */
    struct buf ptext;      /* the paragraph's text (heap) */
    struct docx_seg *segs; /* its stretches (heap) */
    size_t n_segs;         /* entries used */
    size_t cap_segs;       /* entries allocated */

    /* tables: only the outermost one has rows; nested tables flow into its cells */
    int tbl_depth;    /* w:tbl nesting */
    struct buf table; /* the outermost table's Markdown so far (heap) */
    struct buf row;   /* the current row's line (heap) */
    size_t n_cur;     /* cells in that row */
    size_t cols;      /* columns, fixed when the header row ends; 0 before */
    size_t grid_cols; /* w:gridCol entries of the outermost table (at most MAX_COLS) */
    int in_tc;        /* inside a cell of the outermost table */
    int grid_span;    /* columns the current cell spans */
    struct buf cell;  /* the current cell's Markdown (heap) */

    /* output */
    struct buf out; /* the Markdown (heap) */
    int last_list;  /* the last block written was a list item */
};

static void set_err(char *err, size_t err_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t err_len, const char *fmt, ...)
{
    if (!err || err_len == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
}

/* ---- names and attributes ---- */

/* The local name of a WordprocessingML element or attribute, or NULL for another namespace. */
static const char *w_local(const char *name)
{
    const char *sep = strchr(name, NS_SEP);
    if (!sep)
        return NULL;
    size_t n = (size_t)(sep - name);
    if ((n == sizeof W_NS - 1 && memcmp(name, W_NS, n) == 0) ||
        (n == sizeof W_NS_STRICT - 1 && memcmp(name, W_NS_STRICT, n) == 0))
        return sep + 1;
    return NULL;
}

static int is_mc(const char *name, const char *local)
{
    size_t n = sizeof MC_NS - 1;
    return strncmp(name, MC_NS, n) == 0 && name[n] == NS_SEP && strcmp(name + n + 1, local) == 0;
}

/* The w:val (or any namespace's val) attribute; NULL when absent. */
static const char *attr_val(const char **atts)
{
    for (size_t i = 0; atts[i]; i += 2) {
        const char *sep = strrchr(atts[i], NS_SEP);
        if (strcmp(sep ? sep + 1 : atts[i], "val") == 0)
            return atts[i + 1];
    }
    return NULL;
}

/* An on/off property (w:b): on unless w:val says 0, false or off. */
static int attr_on(const char **atts)
{
    const char *v = attr_val(atts);
    return !v || !(strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0);
}

static void stop(struct docx *d, int rc, const char *reason)
{
    if (d->rc == 0) {
        d->rc = rc;
        d->reason = reason;
    }
    XML_StopParser(d->parser, XML_FALSE);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal)
{
    stop(ud, ERR_INVALID, "a DOCTYPE is not allowed");
}

static char *lower_dup(struct arena *a, const char *s)
{
    char *r = arena_strdup(a, s);
    for (char *p = r; *p; p++) {
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    }
    return r;
}

/* ---- word/styles.xml ---- */

static void XMLCALL styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct docx *d = ud;
    const char *ln = w_local(name);
    if (!ln)
        return;
    if (strcmp(ln, "style") == 0) {
        d->cur = NULL;
        const char *id = NULL;
        for (size_t i = 0; atts[i]; i += 2) {
            const char *l = w_local(atts[i]);
            if (l && strcmp(l, "styleId") == 0)
                id = atts[i + 1];
        }
        if (!id || d->n_styles >= MAX_STYLES)
            return;
        if (d->n_styles == d->cap_styles) {
            size_t cap = d->cap_styles ? d->cap_styles * 2 : 64;
            d->styles = arena_realloc(d->tmp, d->styles, d->cap_styles * sizeof *d->styles,
                                      cap * sizeof *d->styles);
            d->cap_styles = cap;
        }
        d->cur = &d->styles[d->n_styles++];
        *d->cur = (struct docx_style){arena_strdup(d->tmp, id), "", NULL, 0, 0, 0, 0};
        d->in_style_ppr = d->in_style_rpr = 0;
        return;
    }
    if (!d->cur)
        return;
    const char *v = attr_val(atts);
    if (strcmp(ln, "name") == 0 && v) {
        d->cur->name = lower_dup(d->tmp, v);
    } else if (strcmp(ln, "basedOn") == 0 && v) {
        d->cur->based_on = arena_strdup(d->tmp, v);
    } else if (strcmp(ln, "pPr") == 0) {
        d->in_style_ppr = 1;
    } else if (strcmp(ln, "rPr") == 0) {
        d->in_style_rpr = 1;
    } else if (strcmp(ln, "numPr") == 0 && d->in_style_ppr) {
        d->cur->has_num = 1;
    } else if (strcmp(ln, "numId") == 0 && d->in_style_ppr && v && strcmp(v, "0") == 0) {
        d->cur->has_num = 0;
    } else if (strcmp(ln, "b") == 0 && d->in_style_rpr) {
        d->cur->bold = attr_on(atts);
    }
}

static void XMLCALL styles_end(void *ud, const XML_Char *name)
{
    struct docx *d = ud;
    const char *ln = w_local(name);
    if (!ln)
        return;
    if (strcmp(ln, "style") == 0)
        d->cur = NULL;
    else if (strcmp(ln, "pPr") == 0)
        d->in_style_ppr = 0;
    else if (strcmp(ln, "rPr") == 0)
        d->in_style_rpr = 0;
}

static int style_cmp(const void *a, const void *b)
{
    const struct docx_style *x = a, *y = b;
    return strcmp(x->id, y->id);
}

static struct docx_style *find_style(struct docx *d, const char *id)
{
    if (!id || !id[0] || d->n_styles == 0)
        return NULL;
    struct docx_style key = {0};
    key.id = (char *)id;
    return bsearch(&key, d->styles, d->n_styles, sizeof *d->styles, style_cmp);
}

/* 1-9 when s is "heading n" or "headingn" (any case), 10 for "title", else 0. */
static int heading_of(const char *s)
{
    if (strcasecmp(s, "title") == 0)
        return 10;
    if (strncasecmp(s, "heading", 7) != 0)
        return 0;
    s += 7;
    if (*s == ' ')
        s++;
    if (s[0] >= '1' && s[0] <= '9' && s[1] == '\0')
        return s[0] - '0';
    return 0;
}

/* Heading level of style id: its name, its id as Word writes it in English, then its base. */
static int resolve_heading(struct docx *d, const char *id, int depth)
{
    struct docx_style *s = find_style(d, id);
    int h = s ? heading_of(s->name) : 0;
    if (!h && id)
        h = heading_of(id);
    if (!h && s && s->based_on && depth < MAX_BASED_ON)
        h = resolve_heading(d, s->based_on, depth + 1);
    return h;
}

static int resolve_list(struct docx *d, const char *id, int depth)
{
    struct docx_style *s = find_style(d, id);
    if (!s)
        return 0;
    if (s->has_num)
        return 1;
    return s->based_on && depth < MAX_BASED_ON ? resolve_list(d, s->based_on, depth + 1) : 0;
}

static void resolve_styles(struct docx *d)
{
    if (d->n_styles)
        qsort(d->styles, d->n_styles, sizeof *d->styles, style_cmp);
    for (size_t i = 0; i < d->n_styles; i++) {
        d->styles[i].heading = resolve_heading(d, d->styles[i].id, 0);
        d->styles[i].list = resolve_list(d, d->styles[i].id, 0);
    }
}

/* ---- building Markdown ---- */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* How text is escaped. */
struct esc {
    int line_start; /* the next character starts a line: block markers are escaped */
    int table;      /* inside a table cell: '|' is escaped */
    int heading;    /* inside a heading: '#' is escaped (a closing sequence otherwise) */
};

/* Appends s[0..n) so that Markdown shows it as written. */
static void put_escaped(struct buf *b, const char *s, size_t n, struct esc *e)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (e->line_start) {
            e->line_start = 0;
            if (c == '#' || c == '>' || c == '-' || c == '+') {
                buf_putc(b, '\\');
                buf_putc(b, c);
                continue;
            }
            if (is_digit(c)) {
                size_t j = i;
                while (j < n && is_digit(s[j]))
                    j++;
                if (j < n && (s[j] == '.' || s[j] == ')') && (j + 1 == n || s[j + 1] == ' ')) {
                    buf_append(b, s + i, j - i);
                    buf_putc(b, '\\');
                    buf_putc(b, s[j]);
                    i = j;
                    continue;
                }
            }
        }
        char next = i + 1 < n ? s[i + 1] : '\0';
        int esc = c == '\\' || c == '*' || c == '_' || c == '`' || c == '[' || c == ']' ||
                  c == '~' || (c == '|' && e->table) || (c == '#' && e->heading) ||
                  (c == '<' && (is_alnum(next) || next == '/' || next == '!' || next == '?')) ||
                  (c == '&' && (is_alnum(next) || next == '#'));
        if (esc)
            buf_putc(b, '\\');
        buf_putc(b, c);
    }
}

/* Whether s[0..n) has a letter or digit (any non-ASCII byte counts as a letter). */
static int has_word(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (is_alnum(s[i]) || (unsigned char)s[i] >= 0x80)
            return 1;
    }
    return 0;
}

/* The paragraph's text as inline Markdown (trimmed, bold runs marked) appended to b. */
static void put_inline(struct docx *d, struct buf *b, struct esc *e, int allow_bold)
{
    const char *t = d->ptext.ptr;
    size_t start = 0, end = d->ptext.len;
    while (start < end && t[start] == ' ')
        start++;
    while (end > start && t[end - 1] == ' ')
        end--;
    for (size_t i = 0; i < d->n_segs; i++) {
        const struct docx_seg *sg = &d->segs[i];
        size_t a = sg->off < start ? start : sg->off;
        size_t z = sg->off + sg->len > end ? end : sg->off + sg->len;
        if (a >= z)
            continue;
        if (!sg->bold || !allow_bold) {
            put_escaped(b, t + a, z - a, e);
            continue;
        }
        /* "**x **" is not emphasis: the spaces go outside the markers. */
        size_t ca = a, cz = z;
        while (ca < cz && t[ca] == ' ')
            ca++;
        while (cz > ca && t[cz - 1] == ' ')
            cz--;
        put_escaped(b, t + a, ca - a, e);
        if (!has_word(t + ca, cz - ca)) {
            put_escaped(b, t + ca, cz - ca, e); /* bold ":" alone would print its stars */
        } else {
            buf_puts(b, "**");
            e->line_start = 0;
            put_escaped(b, t + ca, cz - ca, e);
            buf_puts(b, "**");
        }
        put_escaped(b, t + cz, z - cz, e);
    }
}

static void emit_block(struct docx *d, const char *s, size_t n, int list)
{
    if (d->out.len)
        buf_puts(&d->out, list && d->last_list ? "\n" : "\n\n");
    buf_append(&d->out, s, n);
    d->last_list = list;
}

/* Heading level (0-3) and list flag of the current paragraph. */
static void paragraph_kind(struct docx *d, int *level, int *list)
{
    struct docx_style *s = find_style(d, d->p_style);
    int h = s ? s->heading : heading_of(d->p_style);
    *level = h == 10 ? 1 : h > 3 ? 3 : h;
    int numbered = d->p_num >= 0 ? d->p_num : (s ? s->list : 0);
    *list = *level == 0 && numbered;
}

static void end_paragraph(struct docx *d)
{
    if (d->tbl_depth > 0) {
        if (!d->in_tc)
            return; /* text outside any cell: malformed, dropped */
        struct esc e = {0, 1, 0};
        size_t before = d->cell.len;
        if (before)
            buf_putc(&d->cell, ' ');
        size_t mark = d->cell.len;
        put_inline(d, &d->cell, &e, 1);
        if (d->cell.len == mark && d->cell.ptr) {
            d->cell.len = before; /* an empty paragraph adds no space */
            d->cell.ptr[before] = '\0';
        }
        return;
    }
    int level, list;
    paragraph_kind(d, &level, &list);
    struct buf line;
    buf_init(&line, NULL);
    if (level)
        buf_append(&line, "###", (size_t)level);
    if (level || list)
        buf_puts(&line, level ? " " : "- ");
    size_t prefix = line.len;
    struct esc e = {level == 0, 0, level > 0};
    put_inline(d, &line, &e, level == 0);
    if (line.len > prefix)
        emit_block(d, line.ptr, line.len, list);
    buf_free(&line);
}

/* Adds run text (control characters become spaces) with the current run's weight. */
static void add_text(struct docx *d, const char *s, size_t n)
{
    if (n == 0)
        return;
    size_t off = d->ptext.len;
    buf_append(&d->ptext, s, n);
    for (size_t i = off; i < d->ptext.len; i++) {
        if ((unsigned char)d->ptext.ptr[i] < 0x20)
            d->ptext.ptr[i] = ' ';
    }
    if (d->n_segs && d->segs[d->n_segs - 1].bold == d->r_bold) {
        d->segs[d->n_segs - 1].len += n;
        return;
    }
    if (d->n_segs == d->cap_segs) {
        d->cap_segs = d->cap_segs ? d->cap_segs * 2 : 16;
        d->segs = realloc(d->segs, d->cap_segs * sizeof *d->segs);
        if (!d->segs)
            abort();
    }
    d->segs[d->n_segs++] = (struct docx_seg){off, n, d->r_bold};
}

/* ---- tables ---- */

/* Appends a cell to the row; cells past the table's columns are dropped. */
static void add_cell(struct docx *d, const char *text, size_t len)
{
    if (d->n_cur >= (d->cols ? d->cols : MAX_COLS))
        return;
    buf_putc(&d->row, ' ');
    buf_append(&d->row, text, len);
    buf_puts(&d->row, " |");
    d->n_cur++;
}

static void end_cell(struct docx *d)
{
    d->in_tc = 0;
    add_cell(d, d->cell.ptr ? d->cell.ptr : "", d->cell.len);
    for (int i = 1; i < d->grid_span; i++)
        add_cell(d, "", 0); /* merged across columns: keep the next cells in their column */
}

/*
 * Ends a row of the outermost table. The first one is the header: it fixes the number of
 * columns (its cells or the table grid, whichever is more) and is followed by the delimiter
 * row. Rows are written as they end, so a long table costs no memory per row.
 */
static void end_row(struct docx *d)
{
    if (d->n_cur == 0)
        return;
    int header = d->cols == 0;
    if (header)
        d->cols = d->n_cur > d->grid_cols ? d->n_cur : d->grid_cols;
    while (d->n_cur < d->cols)
        add_cell(d, "", 0);
    if (!header)
        buf_putc(&d->table, '\n');
    buf_append(&d->table, d->row.ptr, d->row.len);
    if (header) {
        buf_puts(&d->table, "\n|");
        for (size_t c = 0; c < d->cols; c++)
            buf_puts(&d->table, " --- |");
    }
    buf_reset(&d->row);
    d->n_cur = 0;
}

static void reset_table(struct docx *d)
{
    buf_reset(&d->table);
    buf_reset(&d->row);
    d->n_cur = d->cols = d->grid_cols = 0;
    d->in_tc = 0;
}

/* Writes the outermost table as a pipe table. */
static void end_table(struct docx *d)
{
    if (d->table.len)
        emit_block(d, d->table.ptr, d->table.len, 0);
    reset_table(d);
}

/* A small count attribute (gridSpan, gridBefore) clamped to 1..MAX_COLS. */
static int attr_count(const char **atts)
{
    const char *v = attr_val(atts);
    long n = v ? strtol(v, NULL, 10) : 1;
    return n < 1 ? 1 : n > MAX_COLS ? MAX_COLS : (int)n;
}

/* ---- word/document.xml ---- */

/* Subtrees whose text is not part of the document body as read. */
static int skipped(const char *ln)
{
    static const char *const names[] = {
        "txbxContent", "del",        "moveFrom",   "pPrChange",    "rPrChange",
        "tblPrChange", "trPrChange", "tcPrChange", "sectPrChange", "numberingChange"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(ln, names[i]) == 0)
            return 1;
    }
    return 0;
}

/* The outermost table's grid, rows, cells and merges; 1 when ln was one of them. */
static int table_start(struct docx *d, const char *ln, const char **atts)
{
    if (d->tbl_depth != 1 || d->in_p)
        return 0;
    if (strcmp(ln, "gridCol") == 0) {
        if (d->grid_cols < MAX_COLS)
            d->grid_cols++;
    } else if (strcmp(ln, "tr") == 0) {
        buf_reset(&d->row);
        buf_putc(&d->row, '|');
        d->n_cur = 0;
    } else if (strcmp(ln, "gridBefore") == 0 && !d->in_tc) {
        for (int i = attr_count(atts); i > 0; i--)
            add_cell(d, "", 0); /* the row starts some columns in */
    } else if (strcmp(ln, "tc") == 0) {
        buf_reset(&d->cell);
        d->grid_span = 1;
        d->in_tc = 1;
    } else if (strcmp(ln, "gridSpan") == 0 && d->in_tc) {
        d->grid_span = attr_count(atts);
    } else {
        return 0;
    }
    return 1;
}

/* Paragraph properties, runs, run properties and text inside a paragraph. */
static void paragraph_start(struct docx *d, const char *ln, const char **atts)
{
    if (strcmp(ln, "pPr") == 0 && !d->in_r) {
        d->in_ppr = 1;
    } else if (d->in_ppr) {
        const char *v = attr_val(atts);
        if (strcmp(ln, "pStyle") == 0 && v)
            snprintf(d->p_style, sizeof d->p_style, "%s", v);
        else if (strcmp(ln, "numPr") == 0)
            d->p_num = 1;
        else if (strcmp(ln, "numId") == 0 && v)
            d->p_num = strcmp(v, "0") != 0;
    } else if (strcmp(ln, "r") == 0) {
        d->in_r = 1;
        d->in_rpr = 0;
        d->r_bold = 0;
    } else if (!d->in_r) {
        return;
    } else if (strcmp(ln, "rPr") == 0) {
        d->in_rpr = 1;
    } else if (d->in_rpr) {
        if (strcmp(ln, "b") == 0) {
            d->r_bold = attr_on(atts);
        } else if (strcmp(ln, "rStyle") == 0) {
            struct docx_style *s = find_style(d, attr_val(atts));
            if (s && s->bold)
                d->r_bold = 1;
        }
    } else if (strcmp(ln, "t") == 0) {
        d->in_t = 1;
    } else if (strcmp(ln, "tab") == 0 || strcmp(ln, "br") == 0 || strcmp(ln, "cr") == 0) {
        add_text(d, " ", 1);
    } else if (strcmp(ln, "noBreakHyphen") == 0) {
        add_text(d, "-", 1);
    }
}

static void XMLCALL doc_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct docx *d = ud;
    if (d->skip) {
        d->skip++;
        return;
    }
    if (is_mc(name, "Fallback")) {
        d->skip = 1;
        return;
    }
    const char *ln = w_local(name);
    if (!ln)
        return;
    if (skipped(ln)) {
        d->skip = 1;
    } else if (strcmp(ln, "p") == 0) {
        if (d->in_p) {
            d->p_nested++;
            return;
        }
        d->in_p = 1;
        d->in_ppr = d->in_r = d->in_rpr = d->in_t = 0;
        d->p_style[0] = '\0';
        d->p_num = -1;
        buf_reset(&d->ptext);
        d->n_segs = 0;
    } else if (strcmp(ln, "tbl") == 0) {
        if (d->tbl_depth++ == 0)
            reset_table(d);
    } else if (!table_start(d, ln, atts) && d->in_p) {
        paragraph_start(d, ln, atts);
    }
}

static void XMLCALL doc_end(void *ud, const XML_Char *name)
{
    struct docx *d = ud;
    if (d->skip) {
        d->skip--;
        return;
    }
    const char *ln = w_local(name);
    if (!ln)
        return;
    if (strcmp(ln, "p") == 0) {
        if (d->p_nested) {
            d->p_nested--;
        } else if (d->in_p) {
            end_paragraph(d);
            d->in_p = 0;
        }
    } else if (strcmp(ln, "tbl") == 0 && d->tbl_depth > 0) {
        if (--d->tbl_depth == 0)
            end_table(d);
    } else if (d->tbl_depth == 1 && !d->in_p && strcmp(ln, "tc") == 0 && d->in_tc) {
        end_cell(d);
    } else if (d->tbl_depth == 1 && !d->in_p && strcmp(ln, "tr") == 0) {
        end_row(d);
    } else if (strcmp(ln, "pPr") == 0 && !d->in_r) {
        d->in_ppr = 0;
    } else if (strcmp(ln, "r") == 0) {
        d->in_r = d->in_rpr = d->in_t = 0;
    } else if (strcmp(ln, "rPr") == 0) {
        d->in_rpr = 0;
    } else if (strcmp(ln, "t") == 0) {
        d->in_t = 0;
    }
}

static void XMLCALL doc_text(void *ud, const XML_Char *s, int n)
{
    struct docx *d = ud;
    if (d->skip == 0 && d->in_p && d->in_r && d->in_t && n > 0)
        add_text(d, s, (size_t)n);
}

/* ---- reading entries ---- */

/*
 * Streams entry name of z through a fresh parser with the given handlers, allowing at most
 * max unzipped bytes. Returns 0, ERR_NOT_FOUND (no such entry), ERR_TOO_LARGE or ERR_INVALID
 * with a reason in err.
 */
static int parse_entry(struct docx *d, zip_t *z, const char *name, size_t max,
                       XML_StartElementHandler start, XML_EndElementHandler end,
                       XML_CharacterDataHandler text, char *err, size_t err_len)
{
    int rc = 0;
    zip_file_t *f = NULL;
    char *chunk = NULL;
    XML_Parser p = NULL;
    zip_int64_t idx = zip_name_locate(z, name, 0);
    if (idx < 0)
        idx = zip_name_locate(z, name, ZIP_FL_NOCASE);
    if (idx < 0) {
        set_err(err, err_len, "no %s in the archive", name);
        return ERR_NOT_FOUND;
    }
    f = zip_fopen_index(z, (zip_uint64_t)idx, 0);
    if (!f) {
        set_err(err, err_len, "%s cannot be opened (%s)", name, zip_strerror(z));
        return ERR_INVALID;
    }
    p = XML_ParserCreateNS(NULL, NS_SEP);
    chunk = malloc(CHUNK);
    if (!p || !chunk)
        abort();
    XML_SetUserData(p, d);
    XML_SetElementHandler(p, start, end);
    XML_SetCharacterDataHandler(p, text);
    XML_SetStartDoctypeDeclHandler(p, on_doctype);
    d->parser = p;
    d->rc = 0;
    d->reason = NULL;
    size_t used = 0;
    for (;;) {
        zip_int64_t n = zip_fread(f, chunk, CHUNK);
        if (n < 0) {
            set_err(err, err_len, "%s cannot be unzipped (%s)", name, zip_file_strerror(f));
            rc = ERR_INVALID;
            goto out;
        }
        if ((zip_uint64_t)n > max - used) {
            set_err(err, err_len, "%s is over %zu MB unzipped", name, max / (1024 * 1024));
            rc = ERR_TOO_LARGE;
            goto out;
        }
        used += (size_t)n;
        if (XML_Parse(p, chunk, (int)n, n == 0) != XML_STATUS_OK) {
            rc = d->rc ? d->rc : ERR_INVALID;
            if (d->reason)
                set_err(err, err_len, "%s: %s", name, d->reason);
            else
                set_err(err, err_len, "%s is not well-formed XML (%s, line %lu)", name,
                        XML_ErrorString(XML_GetErrorCode(p)),
                        (unsigned long)XML_GetCurrentLineNumber(p));
            goto out;
        }
        if (n == 0)
            break;
    }
out:
    d->parser = NULL;
    XML_ParserFree(p);
    free(chunk);
    zip_fclose(f);
    return rc;
}

int export_docx_markdown(struct arena *a, const void *data, size_t len, char **out, char *err,
                         size_t err_len)
{
    int rc = 0;
    zip_t *z = NULL;
    zip_error_t ze;
    struct docx d = {0};
    d.tmp = arena_new(0);
    buf_init(&d.ptext, NULL);
    buf_init(&d.cell, NULL);
    buf_init(&d.table, NULL);
    buf_init(&d.row, NULL);
    buf_init(&d.out, NULL);
    *out = NULL;
    if (err && err_len)
        err[0] = '\0';

    zip_error_init(&ze);
    zip_source_t *src = data && len ? zip_source_buffer_create(data, len, 0, &ze) : NULL;
    if (src)
        z = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (!z) {
        if (src)
            zip_source_free(src);
        set_err(err, err_len, "not a ZIP archive (so not a DOCX file)");
        rc = ERR_INVALID;
        goto out;
    }
    /* Styles only refine headings and lists: a missing or broken styles.xml is not fatal. */
    char ignored[8];
    rc = parse_entry(&d, z, "word/styles.xml", MAX_STYLES_XML, styles_start, styles_end, NULL,
                     ignored, sizeof ignored);
    if (rc == ERR_TOO_LARGE) {
        set_err(err, err_len, "word/styles.xml is over %u MB unzipped",
                MAX_STYLES_XML / (1024 * 1024));
        goto out;
    }
    d.cur = NULL;
    resolve_styles(&d);
    rc = parse_entry(&d, z, "word/document.xml", MAX_DOCUMENT_XML, doc_start, doc_end, doc_text,
                     err, err_len);
    if (rc == ERR_NOT_FOUND)
        rc = ERR_INVALID;
    if (rc != 0)
        goto out;
    size_t n = 0;
    *out = utf8_nfc(a, d.out.ptr ? d.out.ptr : "", d.out.len, &n);
    if (!*out) {
        set_err(err, err_len, "the text is not valid UTF-8");
        rc = ERR_INVALID;
    }
out:
    if (z)
        zip_discard(z);
    buf_free(&d.table);
    buf_free(&d.row);
    free(d.segs);
    buf_free(&d.ptext);
    buf_free(&d.cell);
    buf_free(&d.out);
    arena_free(d.tmp);
    return rc;
}

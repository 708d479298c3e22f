/*
 * pdf.c - A4 PDFs in the Decree 30/2020 layout (DOMAIN J): notices with a QR code back to
 * their online page (and, for a community's minutes, several signatures), and tables streamed a
 * row at a time; and pages built around one large QR code (a desk's rating poster, a receipt's
 * slip, a sheet of ballot cards one page each) of any size.
 *
 * cairo draws (its PDF surface writes through the caller's export_write_fn as pages are
 * shown, so memory stays bounded however long the document), pango lays out the text in
 * Liberation Serif (metric-compatible with Times New Roman), libqrencode builds the QR
 * symbol, drawn as filled rectangles so it stays sharp at any zoom.
 *
 * Units: cairo's PDF user space is in points (1/72 in); every size here is in points unless
 * its name says mm. Fonts use absolute sizes, so "14" is 14 pt whatever pango's resolution.
 *
 * Ownership: struct pdfw owns the cairo surface and context, a private pango font map and
 * context, and its layouts; pdfw_close() frees all of them whatever happened before. A table
 * adds its per-column layouts and column arrays, freed by export_pdf_table_end().
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include "core/err.h"
#include "export/export.h"

#define MM (72.0 / 25.4)
#define PAGE_W (210.0 * MM)
#define PAGE_H (297.0 * MM)
#define MARGIN_TOP (20.0 * MM)
#define MARGIN_BOTTOM (20.0 * MM)
#define MARGIN_LEFT (30.0 * MM)
#define MARGIN_RIGHT (15.0 * MM)
#define TEXT_W (PAGE_W - MARGIN_LEFT - MARGIN_RIGHT) /* 165 mm */
#define BODY_BOTTOM (PAGE_H - MARGIN_BOTTOM)
#define FONT_FAMILY "Liberation Serif"

#define HEAD_LEFT_W (0.4 * TEXT_W) /* issuer column of the heading block */
#define PARA_INDENT (12.7 * MM)    /* first-line indent of body paragraphs */
#define PARA_GAP 6.0               /* space between paragraphs */
#define LINE_SPACING 1.15          /* body line height, times the font's own */
#define SIGN_SPACE (25.0 * MM)     /* room for the hand signature and seal */
#define CARD_SIGN (15.0 * MM)      /* room for a signature on a QR page (a ballot card) */
#define QR_MM 24.0                 /* side of the QR symbol without its quiet zone */
#define QR_QUIET 4                 /* quiet zone, in modules */
#define CELL_PAD (1.5 * MM)        /* table cell padding */
#define CELL_SIZE 12.0             /* table text size */
#define RULE_W 0.6                 /* rules under issuer, motto and summary */
#define BORDER_W 0.5               /* table borders */

enum { ST_BOLD = 1, ST_ITALIC = 2 };

/* One document being written: the drawing state shared by notices and tables. */
struct pdfw {
    cairo_surface_t *surface; /* PDF surface writing through write/ctx */
    cairo_t *cr;              /* drawing context on surface */
    PangoContext *pctx;       /* pango context on a private font map (no hinting: vector) */
    PangoLayout *lay;         /* general layout for headings, paragraphs, signature */
    PangoLayout *pnum;        /* page number layout (used while lay is mid-paragraph) */
    export_write_fn write;    /* the caller's sink */
    void *ctx;                /* its context */
    int write_failed;         /* the sink returned non-zero once: everything after is lost */
    double y;                 /* current vertical position on the page */
    int page;                 /* current page number, from 1 */
    void (*on_page)(void *);  /* called after a new page is started (table header), or NULL */
    void *on_page_arg;        /* its argument */
};

struct export_pdf_table {
    struct pdfw w;          /* the document */
    size_t n_cols;          /* number of columns */
    double *col_x;          /* left edge of each column */
    double *col_w;          /* width of each column */
    PangoLayout **cell;     /* one reused layout per column, 12 pt, wrapped and aligned */
    PangoLayout **head;     /* header layouts, laid out once, drawn on every page */
    double head_h;          /* height of the header row */
    double table_w;         /* sum of col_w */
    double page_top;        /* y right under the header row on the current page */
    int rc;                 /* first error (sticky), 0 while all is well */
    char msg[160];          /* English reason for rc, reported by export_pdf_table_end */
    const char *recipients; /* "Nơi nhận" list beside the signature, or NULL (borrowed) */
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

/* s as valid UTF-8: s itself, or a copy with bad bytes replaced put in *tofree (g_free). */
static const char *valid_text(const char *s, char **tofree)
{
    *tofree = NULL;
    if (g_utf8_validate(s, -1, NULL))
        return s;
    *tofree = g_utf8_make_valid(s, -1);
    return *tofree;
}

/* Upper case copy of s (Vietnamese letters included); owned by the caller, g_free(). */
static char *upper_dup(const char *s)
{
    char *tmp;
    char *up = g_utf8_strup(valid_text(nz(s), &tmp), -1);

    g_free(tmp);
    return up;
}

/* ---- the output stream ---- */

static cairo_status_t sink(void *closure, const unsigned char *data, unsigned int len)
{
    struct pdfw *w = closure;

    if (w->write_failed)
        return CAIRO_STATUS_WRITE_ERROR;
    if (w->write(w->ctx, data, len) != 0) {
        w->write_failed = 1;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

/* 0, or ERR_IO with the reason when the sink or cairo failed. */
static int pdfw_status(struct pdfw *w, char *err, size_t err_len)
{
    cairo_status_t st;

    if (w->write_failed) {
        set_err(err, err_len, "pdf: the output callback failed");
        return ERR_IO;
    }
    st = w->cr ? cairo_status(w->cr) : CAIRO_STATUS_SUCCESS;
    if (st == CAIRO_STATUS_SUCCESS && w->surface)
        st = cairo_surface_status(w->surface);
    if (st != CAIRO_STATUS_SUCCESS) {
        set_err(err, err_len, "pdf: cairo: %s", cairo_status_to_string(st));
        return ERR_IO;
    }
    return 0;
}

static PangoLayout *new_layout(struct pdfw *w)
{
    PangoLayout *l = pango_layout_new(w->pctx);

    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    return l;
}

static void set_font(PangoLayout *l, double size, int style)
{
    PangoFontDescription *fd = pango_font_description_new();

    pango_font_description_set_family_static(fd, FONT_FAMILY);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_font_description_set_weight(fd,
                                      (style & ST_BOLD) ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(fd,
                                     (style & ST_ITALIC) ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
}

static int pdfw_open(struct pdfw *w, export_write_fn write, void *ctx, char *err, size_t err_len)
{
    cairo_font_options_t *fo;
    PangoFontMap *fm;

    memset(w, 0, sizeof(*w));
    w->write = write;
    w->ctx = ctx;
    w->surface = cairo_pdf_surface_create_for_stream(sink, w, PAGE_W, PAGE_H);
    w->cr = cairo_create(w->surface);
    /*
     * A font map of our own, freed with the document: the per-thread default one would keep
     * its font caches in every server thread that ever printed, for the life of the process.
     * Costs ~10 ms per document for loading the fonts again.
     */
    fm = pango_cairo_font_map_new();
    w->pctx = pango_font_map_create_context(fm);
    g_object_unref(fm); /* the context holds it */
    pango_cairo_update_context(w->cr, w->pctx);
    /* Vector output: no hinting, unrounded positions, so the layout is the font's own. */
    fo = cairo_font_options_create();
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(w->pctx, fo);
    cairo_font_options_destroy(fo);
    pango_context_set_round_glyph_positions(w->pctx, FALSE);
    w->lay = new_layout(w);
    w->pnum = new_layout(w);
    set_font(w->pnum, 13, 0);
    pango_layout_set_width(w->pnum, (int)(TEXT_W * PANGO_SCALE));
    pango_layout_set_alignment(w->pnum, PANGO_ALIGN_CENTER);
    cairo_set_source_rgb(w->cr, 0, 0, 0);
    w->page = 1;
    w->y = MARGIN_TOP;
    return pdfw_status(w, err, err_len);
}

/* Finishes the PDF and frees everything; returns the first error (or 0). */
static int pdfw_close(struct pdfw *w, int rc, char *err, size_t err_len)
{
    int st;

    if (w->lay)
        g_object_unref(w->lay);
    if (w->pnum)
        g_object_unref(w->pnum);
    if (w->pctx)
        g_object_unref(w->pctx);
    if (rc == 0)
        rc = pdfw_status(w, err, err_len);
    if (w->cr)
        cairo_destroy(w->cr);
    w->cr = NULL;
    if (w->surface) {
        cairo_surface_finish(w->surface);
        st = pdfw_status(w, rc ? NULL : err, err_len);
        if (rc == 0)
            rc = st;
        cairo_surface_destroy(w->surface);
    }
    memset(w, 0, sizeof(*w));
    return rc;
}

/* Ends the page and starts the next one: page number at the top centre, then on_page. */
static void new_page(struct pdfw *w)
{
    char num[16];

    cairo_show_page(w->cr);
    w->page++;
    snprintf(num, sizeof(num), "%d", w->page);
    pango_layout_set_text(w->pnum, num, -1);
    cairo_move_to(w->cr, MARGIN_LEFT, 10.0 * MM);
    pango_cairo_show_layout(w->cr, w->pnum);
    w->y = MARGIN_TOP;
    if (w->on_page)
        w->on_page(w->on_page_arg);
}

/* ---- text ---- */

/*
 * Prepares w->lay for text: width in points, wrapped at words, one of the alignments,
 * justified or not, first-line indent (negative: hanging), line spacing factor (0: the font's).
 */
static void prepare(PangoLayout *l, const char *text, double width, double size, int style,
                    PangoAlignment align, int justify, double indent, double spacing)
{
    char *tmp;

    set_font(l, size, style);
    pango_layout_set_width(l, (int)(width * PANGO_SCALE));
    pango_layout_set_alignment(l, align);
    pango_layout_set_justify(l, justify);
    pango_layout_set_indent(l, (int)(indent * PANGO_SCALE));
    pango_layout_set_line_spacing(l, (float)spacing);
    pango_layout_set_text(l, valid_text(text, &tmp), -1);
    g_free(tmp);
}

/* Height of the prepared layout l. */
static double layout_h(PangoLayout *l)
{
    PangoRectangle r;

    pango_layout_get_extents(l, NULL, &r);
    return (double)r.height / PANGO_SCALE;
}

/* Width of the widest line of the prepared layout l. */
static double layout_w(PangoLayout *l)
{
    PangoRectangle r;

    pango_layout_get_extents(l, NULL, &r);
    return (double)r.width / PANGO_SCALE;
}

/* Draws text in a box at (x, y) that is assumed to fit on the page; returns its height. */
static double put(struct pdfw *w, const char *text, double x, double y, double width, double size,
                  int style, PangoAlignment align)
{
    prepare(w->lay, text, width, size, style, align, 0, 0, 0);
    cairo_move_to(w->cr, x, y);
    pango_cairo_show_layout(w->cr, w->lay);
    return layout_h(w->lay);
}

static void hrule(struct pdfw *w, double cx, double y, double len)
{
    cairo_set_line_width(w->cr, RULE_W);
    cairo_move_to(w->cr, cx - len / 2, y);
    cairo_line_to(w->cr, cx + len / 2, y);
    cairo_stroke(w->cr);
}

/*
 * Flows text from w->y down, a line at a time, starting a new page whenever the next line
 * would cross the bottom margin. Leaves w->y under the last line.
 */
static void flow(struct pdfw *w, const char *text, double x, double width, double size, int style,
                 PangoAlignment align, int justify, double indent)
{
    PangoLayoutIter *it;
    double origin = w->y; /* page y of layout coordinate base */
    double base = 0;      /* layout y shown at origin */
    double bottom = 0;    /* layout y under the last line */

    prepare(w->lay, text, width, size, style, align, justify, indent, LINE_SPACING);
    it = pango_layout_get_iter(w->lay);
    do {
        PangoRectangle lr;
        double top, h;

        pango_layout_iter_get_line_extents(it, NULL, &lr);
        top = (double)lr.y / PANGO_SCALE;
        h = (double)lr.height / PANGO_SCALE;
        /* A line taller than a page at the page top is drawn anyway (clipped by the page). */
        if (origin + (top - base) + h > BODY_BOTTOM && origin + (top - base) > MARGIN_TOP + 0.5) {
            new_page(w);
            origin = w->y;
            base = top;
        }
        cairo_move_to(w->cr, x + (double)lr.x / PANGO_SCALE,
                      origin + (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE - base);
        pango_cairo_show_layout_line(w->cr, pango_layout_iter_get_line_readonly(it));
        bottom = top + h;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    w->y = origin + (bottom - base);
}

/* Space before a paragraph, none at the top of a page. */
static void para_gap(struct pdfw *w, double gap)
{
    if (w->y > MARGIN_TOP + 0.5)
        w->y += gap;
}

enum para_kind { PARA_TEXT, PARA_ITEM, PARA_HEADING };

static void emit_para(struct pdfw *w, struct buf *p, enum para_kind kind, double item_indent)
{
    if (!p->len)
        return;
    para_gap(w, PARA_GAP);
    switch (kind) {
    case PARA_ITEM:
        /* "- text": starts at the paragraph indent, wrapped lines align after the dash. */
        flow(w, p->ptr, MARGIN_LEFT + PARA_INDENT, TEXT_W - PARA_INDENT, 14, 0, PANGO_ALIGN_LEFT, 1,
             -item_indent);
        break;
    case PARA_HEADING:
        flow(w, p->ptr, MARGIN_LEFT, TEXT_W, 14, ST_BOLD, PANGO_ALIGN_LEFT, 1, PARA_INDENT);
        break;
    default:
        flow(w, p->ptr, MARGIN_LEFT, TEXT_W, 14, 0, PANGO_ALIGN_LEFT, 1, PARA_INDENT);
        break;
    }
    buf_reset(p);
}

/*
 * The body: paragraphs separated by blank lines (lines inside one are joined by a space);
 * a line starting with "- " or "+ " is a list item; "# " (or "## "...) a bold paragraph.
 */
static void body_text(struct pdfw *w, const char *text)
{
    struct buf p;
    enum para_kind kind = PARA_TEXT;
    const char *s = nz(text);
    double item_indent;

    prepare(w->lay, "- ", TEXT_W, 14, 0, PANGO_ALIGN_LEFT, 0, 0, 0);
    item_indent = layout_w(w->lay);
    buf_init(&p, NULL);
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        const char *next = nl ? nl + 1 : s + n;

        while (n && (*s == ' ' || *s == '\t')) {
            s++;
            n--;
        }
        while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        if (!n) {
            emit_para(w, &p, kind, item_indent);
        } else if (n >= 2 && (s[0] == '-' || s[0] == '+') && s[1] == ' ') {
            emit_para(w, &p, kind, item_indent);
            kind = PARA_ITEM;
            buf_append(&p, s, n);
        } else if (s[0] == '#') {
            size_t h = 0;

            while (h < n && s[h] == '#')
                h++;
            if (h < n && s[h] == ' ') {
                emit_para(w, &p, kind, item_indent);
                while (h < n && s[h] == ' ')
                    h++;
                buf_append(&p, s + h, n - h);
                emit_para(w, &p, PARA_HEADING, item_indent);
                kind = PARA_TEXT;
            } else {
                if (!p.len)
                    kind = PARA_TEXT;
                else
                    buf_putc(&p, ' ');
                buf_append(&p, s, n);
            }
        } else {
            if (!p.len)
                kind = PARA_TEXT;
            else
                buf_putc(&p, ' ');
            buf_append(&p, s, n);
        }
        s = next;
    }
    emit_para(w, &p, kind, item_indent);
    buf_free(&p);
}

/* ---- heading block (DOMAIN J) ---- */

/* "Bình Giang, ngày 05 tháng 01 năm 2026": day < 10 and months 1-2 zero-padded. */
static void date_line(char *out, size_t out_len, const char *place, struct date d)
{
    char month[16];

    snprintf(month, sizeof(month), d.m <= 2 ? "%02d" : "%d", d.m);
    if (*place)
        snprintf(out, out_len, "%s, ngày %02d tháng %s năm %d", place, d.d, month, d.y);
    else
        snprintf(out, out_len, "Ngày %02d tháng %s năm %d", d.d, month, d.y);
}

static void heading(struct pdfw *w, const struct export_doc_head *h)
{
    const double lx = MARGIN_LEFT, lw = HEAD_LEFT_W;
    const double rx = MARGIN_LEFT + HEAD_LEFT_W, rw = TEXT_W - HEAD_LEFT_W;
    double yl = MARGIN_TOP, yr = MARGIN_TOP, y, hl, hr;
    char line[512];
    char *up;

    /* Left: parent body, issuer with a short rule. */
    if (*nz(h->parent_body)) {
        up = upper_dup(h->parent_body);
        yl += put(w, up, lx, yl, lw, 13, 0, PANGO_ALIGN_CENTER);
        g_free(up);
    }
    if (*nz(h->issuer)) {
        up = upper_dup(h->issuer);
        yl += put(w, up, lx, yl, lw, 13, ST_BOLD, PANGO_ALIGN_CENTER);
        g_free(up);
        yl += 1.5;
        hrule(w, lx + lw / 2, yl, layout_w(w->lay) * 0.4);
        yl += 2;
    }
    /* Right: national title, motto with a rule as long as itself. */
    yr += put(w, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", rx, yr, rw, 13, ST_BOLD, PANGO_ALIGN_CENTER);
    yr += put(w, "Độc lập - Tự do - Hạnh phúc", rx, yr, rw, 14, ST_BOLD, PANGO_ALIGN_CENTER);
    yr += 1.5;
    hrule(w, rx + rw / 2, yr, layout_w(w->lay));
    yr += 2;

    /* Number and date on one line under both. */
    y = (yl > yr ? yl : yr) + 6;
    if (*nz(h->number))
        snprintf(line, sizeof(line), "Số: %s", h->number);
    else
        snprintf(line, sizeof(line), "Số:   /");
    hl = put(w, line, lx, y, lw, 13, 0, PANGO_ALIGN_CENTER);
    date_line(line, sizeof(line), nz(h->place), h->date);
    hr = put(w, line, rx, y, rw, 14, ST_ITALIC, PANGO_ALIGN_CENTER);
    w->y = y + (hl > hr ? hl : hr);

    /* Type and summary, centred, with a short rule under the summary. */
    if (*nz(h->doc_type) || *nz(h->summary))
        w->y += 18;
    if (*nz(h->doc_type)) {
        up = upper_dup(h->doc_type);
        flow(w, up, MARGIN_LEFT, TEXT_W, 14, ST_BOLD, PANGO_ALIGN_CENTER, 0, 0);
        g_free(up);
    }
    if (*nz(h->summary)) {
        double len;

        flow(w, h->summary, MARGIN_LEFT, TEXT_W, 14, ST_BOLD, PANGO_ALIGN_CENTER, 0, 0);
        len = layout_w(w->lay) / 3;
        if (len < 20 * MM)
            len = 20 * MM;
        w->y += 2;
        hrule(w, MARGIN_LEFT + TEXT_W / 2, w->y, len);
        w->y += 2;
    }
    w->y += 12;
}

/* ---- QR code ---- */

/* Draws qr with its dark modules' top-left corner at (x, y), module side m, as one fill. */
static void draw_qr(struct pdfw *w, const QRcode *qr, double x, double y, double m)
{
    cairo_save(w->cr);
    cairo_set_fill_rule(w->cr, CAIRO_FILL_RULE_WINDING);
    for (int r = 0; r < qr->width; r++) {
        const unsigned char *row = qr->data + (size_t)r * (size_t)qr->width;

        for (int c = 0; c < qr->width;) {
            int run;

            if (!(row[c] & 1)) {
                c++;
                continue;
            }
            for (run = 1; c + run < qr->width && (row[c + run] & 1); run++)
                ;
            cairo_rectangle(w->cr, x + c * m, y + r * m, run * m, m);
            c += run;
        }
    }
    cairo_fill(w->cr);
    cairo_restore(w->cr);
}

/* ---- signature block, recipients, QR ---- */

/*
 * Further signers in rows of up to three equal columns: each role (upper case, bold), room for
 * the signature, the name. With draw 0, only measures. Returns the rows' height with the gaps
 * above them; when drawing, a row moves to a new page when it does not fit under the text.
 */
static double cosign(struct pdfw *w, const struct export_signer *s, size_t n, int draw)
{
    double total = 0;

    for (size_t i = 0; s && i < n; i += 3) {
        size_t k = n - i < 3 ? n - i : 3;
        double cw = TEXT_W / (double)k, role_h = 0, name_h = 0, y;
        char *up[3] = {NULL, NULL, NULL};

        for (size_t j = 0; j < k; j++) {
            up[j] = upper_dup(s[i + j].role);
            prepare(w->lay, up[j], cw - 4, 14, ST_BOLD, PANGO_ALIGN_CENTER, 0, 0, 0);
            if (layout_h(w->lay) > role_h)
                role_h = layout_h(w->lay);
            if (*nz(s[i + j].name)) {
                prepare(w->lay, s[i + j].name, cw - 4, 14, ST_BOLD, PANGO_ALIGN_CENTER, 0, 0, 0);
                if (layout_h(w->lay) > name_h)
                    name_h = layout_h(w->lay);
            }
        }
        total += 12 + role_h + SIGN_SPACE + name_h;
        if (draw) {
            para_gap(w, 12);
            if (w->y + role_h + SIGN_SPACE + name_h > BODY_BOTTOM && w->y > MARGIN_TOP + 0.5)
                new_page(w);
            y = w->y;
            for (size_t j = 0; j < k; j++) {
                double x = MARGIN_LEFT + (double)j * cw + 2;

                put(w, up[j], x, y, cw - 4, 14, ST_BOLD, PANGO_ALIGN_CENTER);
                if (*nz(s[i + j].name))
                    put(w, s[i + j].name, x, y + role_h + SIGN_SPACE, cw - 4, 14, ST_BOLD,
                        PANGO_ALIGN_CENTER);
            }
            w->y = y + role_h + SIGN_SPACE + name_h;
        }
        for (size_t j = 0; j < k; j++)
            g_free(up[j]);
    }
    return total;
}

/*
 * The end of a document: the co-signers' rows (may be none), then the signer's role, room for
 * the signature, name at the right; the QR code with its caption, then "Nơi nhận:" and the
 * recipients at the left. Moves to a new page when the whole does not fit under the text.
 */
static void closing(struct pdfw *w, const char *role, const char *name, const char *recipients,
                    const QRcode *qr, const char *caption, const struct export_signer *cosigners,
                    size_t n_cosigners)
{
    const double lx = MARGIN_LEFT, lw = HEAD_LEFT_W;
    const double rx = MARGIN_LEFT + HEAD_LEFT_W, rw = TEXT_W - HEAD_LEFT_W;
    double role_h = 0, name_h = 0, label_h = 0, list_h = 0, cap_h = 0, qr_h = 0, m = 0;
    double right_h = 0, left_h = 0, cos_h, y, yl;
    char *up = NULL;

    role = nz(role);
    name = nz(name);
    recipients = nz(recipients);
    caption = nz(caption);
    if (*role) {
        up = upper_dup(role);
        prepare(w->lay, up, rw, 14, ST_BOLD, PANGO_ALIGN_CENTER, 0, 0, 0);
        role_h = layout_h(w->lay);
    }
    if (*name) {
        prepare(w->lay, name, rw, 14, ST_BOLD, PANGO_ALIGN_CENTER, 0, 0, 0);
        name_h = layout_h(w->lay);
    }
    if (*role || *name)
        right_h = role_h + SIGN_SPACE + name_h;
    if (qr) {
        m = QR_MM * MM / qr->width;
        qr_h = (qr->width + 2 * QR_QUIET) * m;
        if (*caption) {
            prepare(w->lay, caption, lw, 10, 0, PANGO_ALIGN_LEFT, 0, 0, 0);
            cap_h = layout_h(w->lay);
        }
        left_h += qr_h + cap_h + 6;
    }
    if (*recipients) {
        prepare(w->lay, "Nơi nhận:", lw, 12, ST_BOLD | ST_ITALIC, PANGO_ALIGN_LEFT, 0, 0, 0);
        label_h = layout_h(w->lay);
        prepare(w->lay, recipients, lw, 11, 0, PANGO_ALIGN_LEFT, 0, 0, 0);
        list_h = layout_h(w->lay);
        left_h += label_h + list_h;
    }
    cos_h = cosign(w, cosigners, n_cosigners, 0);
    /* The signatures stay together: all on the next page when they do not fit. */
    if (cos_h > 0 && w->y + cos_h + 12 + (right_h > left_h ? right_h : left_h) > BODY_BOTTOM &&
        w->y > MARGIN_TOP + 0.5)
        new_page(w);
    cosign(w, cosigners, n_cosigners, 1);
    if (right_h == 0 && left_h == 0)
        goto out;

    para_gap(w, 12);
    if (w->y + (right_h > left_h ? right_h : left_h) > BODY_BOTTOM && w->y > MARGIN_TOP + 0.5)
        new_page(w);
    y = w->y;

    if (*role)
        put(w, up, rx, y, rw, 14, ST_BOLD, PANGO_ALIGN_CENTER);
    if (*name)
        put(w, name, rx, y + role_h + SIGN_SPACE, rw, 14, ST_BOLD, PANGO_ALIGN_CENTER);

    yl = y;
    if (qr) {
        /* The quiet zone reaches left into the margin, so the code lines up with the text. */
        draw_qr(w, qr, lx, yl + QR_QUIET * m, m);
        yl += qr_h;
        if (*caption)
            yl += put(w, caption, lx, yl, lw, 10, 0, PANGO_ALIGN_LEFT);
        yl += 6;
    }
    if (*recipients) {
        yl += put(w, "Nơi nhận:", lx, yl, lw, 12, ST_BOLD | ST_ITALIC, PANGO_ALIGN_LEFT);
        yl += put(w, recipients, lx, yl, lw, 11, 0, PANGO_ALIGN_LEFT);
    }
    w->y = y + (right_h > left_h ? right_h : left_h);
out:
    g_free(up);
}

static void set_title(struct pdfw *w, const struct export_doc_head *h)
{
    char title[512];

    snprintf(title, sizeof(title), "%s%s%s", nz(h->doc_type),
             *nz(h->doc_type) && *nz(h->summary) ? " - " : "", nz(h->summary));
    if (*title && g_utf8_validate(title, -1, NULL))
        cairo_pdf_surface_set_metadata(w->surface, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(w->surface, CAIRO_PDF_METADATA_CREATOR, "danchu");
}

/* ---- notices ---- */

int export_notice_pdf(const struct export_notice *n, export_write_fn write, void *ctx, char *err,
                      size_t err_len)
{
    struct pdfw w;
    QRcode *qr = NULL;
    int rc;

    if (!n || !write) {
        set_err(err, err_len, "pdf: no notice or no output");
        return ERR_INVALID;
    }
    if (n->qr_url && *n->qr_url) {
        qr = QRcode_encodeData((int)strlen(n->qr_url), (const unsigned char *)n->qr_url, 0,
                               QR_ECLEVEL_M);
        if (!qr) {
            set_err(err, err_len, "pdf: QR code: %s", strerror(errno));
            return errno == ENOMEM ? ERR_NOMEM : ERR_INVALID;
        }
    }
    rc = pdfw_open(&w, write, ctx, err, err_len);
    if (rc == 0) {
        set_title(&w, &n->head);
        heading(&w, &n->head);
        body_text(&w, n->body);
        closing(&w, n->signer_role, n->signer_name, n->recipients, qr, n->qr_caption, n->cosigners,
                n->n_cosigners);
    }
    rc = pdfw_close(&w, rc, err, err_len);
    if (qr)
        QRcode_free(qr);
    return rc;
}

/* ---- tables ---- */

/* Draws the header row at w->y (every page of a table starts with it). */
static void table_header(void *arg)
{
    struct export_pdf_table *t = arg;
    cairo_t *cr = t->w.cr;

    for (size_t i = 0; i < t->n_cols; i++) {
        cairo_move_to(cr, t->col_x[i] + CELL_PAD, t->w.y + CELL_PAD);
        pango_cairo_show_layout(cr, t->head[i]);
        cairo_rectangle(cr, t->col_x[i], t->w.y, t->col_w[i], t->head_h);
    }
    cairo_set_line_width(cr, BORDER_W);
    cairo_stroke(cr);
    t->w.y += t->head_h;
    t->page_top = t->w.y;
}

static void table_free(struct export_pdf_table *t)
{
    for (size_t i = 0; i < t->n_cols; i++) {
        if (t->cell && t->cell[i])
            g_object_unref(t->cell[i]);
        if (t->head && t->head[i])
            g_object_unref(t->head[i]);
    }
    free(t->cell);
    free(t->head);
    free(t->col_x);
    free(t->col_w);
    free(t);
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);

    if (!p)
        abort();
    return p;
}

int export_pdf_table_begin(const struct export_doc_head *head, const struct export_col *cols,
                           size_t n_cols, export_write_fn write, void *ctx,
                           struct export_pdf_table **out, char *err, size_t err_len)
{
    struct export_pdf_table *t;
    double sum = 0, scale = 1, x = MARGIN_LEFT;
    int rc;

    if (!out) {
        set_err(err, err_len, "pdf table: no place for the table");
        return ERR_INVALID;
    }
    *out = NULL;
    if (!cols || !n_cols || !write) {
        set_err(err, err_len, "pdf table: no columns or no output");
        return ERR_INVALID;
    }
    for (size_t i = 0; i < n_cols; i++) {
        if (!(cols[i].width_mm > 0)) {
            set_err(err, err_len, "pdf table: column %zu has no width", i + 1);
            return ERR_INVALID;
        }
        sum += cols[i].width_mm * MM;
    }
    /* Wider than the text width: shrink every column in proportion, never overflow. */
    if (sum > TEXT_W + 0.01)
        scale = TEXT_W / sum;

    t = xcalloc(1, sizeof(*t));
    rc = pdfw_open(&t->w, write, ctx, err, err_len);
    if (rc) {
        pdfw_close(&t->w, rc, NULL, 0);
        free(t);
        return rc;
    }
    t->n_cols = n_cols;
    t->col_x = xcalloc(n_cols, sizeof(double));
    t->col_w = xcalloc(n_cols, sizeof(double));
    t->cell = xcalloc(n_cols, sizeof(PangoLayout *));
    t->head = xcalloc(n_cols, sizeof(PangoLayout *));
    for (size_t i = 0; i < n_cols; i++) {
        PangoAlignment al = cols[i].align == 1   ? PANGO_ALIGN_CENTER
                            : cols[i].align == 2 ? PANGO_ALIGN_RIGHT
                                                 : PANGO_ALIGN_LEFT;
        double inner;
        double h;

        t->col_x[i] = x;
        t->col_w[i] = cols[i].width_mm * MM * scale;
        x += t->col_w[i];
        inner = t->col_w[i] - 2 * CELL_PAD;
        if (inner < 1)
            inner = 1;
        t->cell[i] = new_layout(&t->w);
        set_font(t->cell[i], CELL_SIZE, 0);
        pango_layout_set_width(t->cell[i], (int)(inner * PANGO_SCALE));
        pango_layout_set_alignment(t->cell[i], al);
        t->head[i] = new_layout(&t->w);
        prepare(t->head[i], nz(cols[i].title), inner, CELL_SIZE, ST_BOLD, PANGO_ALIGN_CENTER, 0, 0,
                0);
        h = layout_h(t->head[i]) + 2 * CELL_PAD;
        if (h > t->head_h)
            t->head_h = h;
    }
    t->table_w = x - MARGIN_LEFT;
    if (head) {
        set_title(&t->w, head);
        heading(&t->w, head);
    }
    t->w.on_page = table_header;
    t->w.on_page_arg = t;
    table_header(t);
    rc = pdfw_status(&t->w, err, err_len);
    if (rc) {
        pdfw_close(&t->w, rc, NULL, 0);
        table_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

/* Draws the cells laid out in t->cell with their top at page y top, clipped to [clip0, clip1). */
static void draw_row(struct export_pdf_table *t, double top, double row_h, double clip0,
                     double clip1)
{
    cairo_t *cr = t->w.cr;
    int clipped = top < clip0 || top + row_h > clip1;

    if (clipped) {
        cairo_save(cr);
        cairo_rectangle(cr, MARGIN_LEFT, clip0, t->table_w, clip1 - clip0);
        cairo_clip(cr);
    }
    for (size_t i = 0; i < t->n_cols; i++) {
        cairo_move_to(cr, t->col_x[i] + CELL_PAD, top + CELL_PAD);
        pango_cairo_show_layout(cr, t->cell[i]);
    }
    if (clipped)
        cairo_restore(cr);
    for (size_t i = 0; i < t->n_cols; i++) {
        double y0 = top > clip0 ? top : clip0;
        double y1 = top + row_h < clip1 ? top + row_h : clip1;

        cairo_rectangle(cr, t->col_x[i], y0, t->col_w[i], y1 - y0);
    }
    cairo_set_line_width(cr, BORDER_W);
    cairo_stroke(cr);
}

int export_pdf_table_row(struct export_pdf_table *t, const char *const *cells)
{
    double row_h = 0;

    if (!t)
        return ERR_INVALID;
    if (t->rc)
        return t->rc;
    for (size_t i = 0; i < t->n_cols; i++) {
        const char *s = cells ? nz(cells[i]) : "";
        char *tmp;
        double h;

        pango_layout_set_text(t->cell[i], valid_text(s, &tmp), -1);
        g_free(tmp);
        h = layout_h(t->cell[i]);
        if (h > row_h)
            row_h = h;
    }
    row_h += 2 * CELL_PAD;

    /* A row never splits: it moves to the next page (after the repeated header). */
    if (t->w.y + row_h > BODY_BOTTOM && t->w.y > t->page_top + 0.5)
        new_page(&t->w);
    if (t->w.y + row_h <= BODY_BOTTOM) {
        draw_row(t, t->w.y, row_h, t->w.y, BODY_BOTTOM);
        t->w.y += row_h;
    } else {
        /* Taller than a whole page: show it in slices, one per page. */
        double done = 0;

        for (;;) {
            double avail = BODY_BOTTOM - t->w.y;
            double piece = row_h - done < avail ? row_h - done : avail;

            draw_row(t, t->w.y - done, row_h, t->w.y, t->w.y + piece);
            done += piece;
            t->w.y += piece;
            if (done >= row_h - 0.01 || avail <= 0)
                break;
            new_page(&t->w);
        }
    }
    t->rc = pdfw_status(&t->w, t->msg, sizeof(t->msg));
    return t->rc;
}

void export_pdf_table_recipients(struct export_pdf_table *t, const char *recipients)
{
    t->recipients = recipients;
}

int export_pdf_table_end(struct export_pdf_table *t, const char *footer, const char *signer_role,
                         const char *signer_name, char *err, size_t err_len)
{
    int rc;

    if (!t) {
        set_err(err, err_len, "pdf table: no table");
        return ERR_INVALID;
    }
    rc = t->rc;
    if (rc) {
        set_err(err, err_len, "%s", t->msg);
    } else {
        /* Footer and signature are ordinary text: no repeated header on their pages. */
        t->w.on_page = NULL;
        t->w.y += 6;
        body_text(&t->w, footer);
        closing(&t->w, signer_role, signer_name, t->recipients, NULL, NULL, NULL, 0);
    }
    rc = pdfw_close(&t->w, rc, err, err_len);
    table_free(t);
    return rc;
}

/* ---- pages built around one QR code (posters, slips, ballot cards) ---- */

/* Height of the centred texts t[0..n) in width w: each followed by a gap of 0.35 x its size. */
static double qr_texts_h(struct pdfw *w, const struct export_qr_text *t, size_t n, double width)
{
    double h = 0;

    for (size_t i = 0; i < n; i++) {
        if (*nz(t[i].text)) {
            prepare(w->lay, t[i].text, width, t[i].size, t[i].bold ? ST_BOLD : 0,
                    PANGO_ALIGN_CENTER, 0, 0, 0);
            h += layout_h(w->lay);
        }
        h += 0.35 * t[i].size;
    }
    return h;
}

/* Draws the texts from y down; returns the y under them. */
static double qr_texts_put(struct pdfw *w, const struct export_qr_text *t, size_t n, double x,
                           double y, double width)
{
    for (size_t i = 0; i < n; i++) {
        if (*nz(t[i].text))
            y += put(w, t[i].text, x, y, width, t[i].size, t[i].bold ? ST_BOLD : 0,
                     PANGO_ALIGN_CENTER);
        y += 0.35 * t[i].size;
    }
    return y;
}

/* 1 when p can be drawn: a page wider than its margins, a code (if any) that fits. */
static int qr_page_ok(const struct export_qr_page *p)
{
    if (p->width_mm < 20 || p->margin_mm < 0 || 2 * p->margin_mm >= p->width_mm)
        return 0;
    if (!p->qr_url || !*p->qr_url)
        return 1;
    return p->qr_mm >= 10 && p->qr_mm <= p->width_mm - 2 * p->margin_mm;
}

/*
 * Draws p on the current page, which must still be blank (its size is set here): the texts
 * above, qr (or nothing when NULL), the texts below, in the middle of a page of a given height
 * (above the signature block when there is one), or of one as tall as they are when they do
 * not fit.
 */
static void qr_page_draw(struct pdfw *w, const struct export_qr_page *p, const QRcode *qr,
                         const char *signature)
{
    const double width = p->width_mm * MM, margin = p->margin_mm * MM;
    const double text_w = width - 2 * margin;
    const double m = qr ? p->qr_mm * MM / qr->width : 0;
    const double side = qr ? (qr->width + 2 * QR_QUIET) * m : 0;
    double above = qr_texts_h(w, p->above, p->n_above, text_w);
    double below = qr_texts_h(w, p->below, p->n_below, text_w);
    double content = above + side + below;
    double height = p->height_mm > 0 ? p->height_mm * MM : 0;
    double sign_h = 0, y;

    if (*nz(signature)) {
        prepare(w->lay, signature, text_w / 2, 12, ST_BOLD, PANGO_ALIGN_CENTER, 0, 0, 0);
        sign_h = 6 + layout_h(w->lay) + CARD_SIGN;
    }
    if (height < 2 * margin + content + sign_h)
        height = 2 * margin + content + sign_h;
    y = (height - sign_h - content) / 2;
    cairo_pdf_surface_set_size(w->surface, width, height);
    y = qr_texts_put(w, p->above, p->n_above, margin, y, text_w);
    if (qr)
        draw_qr(w, qr, (width - qr->width * m) / 2, y + QR_QUIET * m, m);
    qr_texts_put(w, p->below, p->n_below, margin, y + side, text_w);
    if (sign_h > 0)
        put(w, signature, margin + text_w / 2, height - margin - sign_h + 6, text_w / 2, 12,
            ST_BOLD, PANGO_ALIGN_CENTER);
}

int export_qr_pages_pdf(const struct export_qr_page *pages, size_t n, const char *signature,
                        export_write_fn write, void *ctx, char *err, size_t err_len)
{
    struct pdfw w;
    int rc;

    if (!pages || !n || !write) {
        set_err(err, err_len, "pdf: no QR pages or no output");
        return ERR_INVALID;
    }
    for (size_t i = 0; i < n; i++)
        if (!qr_page_ok(&pages[i])) {
            set_err(err, err_len, "pdf: QR page %zu: a code wider than the page, or no page",
                    i + 1);
            return ERR_INVALID;
        }
    rc = pdfw_open(&w, write, ctx, err, err_len);
    if (rc == 0)
        cairo_pdf_surface_set_metadata(w.surface, CAIRO_PDF_METADATA_CREATOR, "danchu");
    for (size_t i = 0; rc == 0 && i < n && !w.write_failed; i++) {
        const char *url = pages[i].qr_url;
        QRcode *qr = NULL;

        if (url && *url) {
            qr = QRcode_encodeData((int)strlen(url), (const unsigned char *)url, 0, QR_ECLEVEL_M);
            if (!qr) {
                set_err(err, err_len, "pdf: QR code: %s", strerror(errno));
                rc = errno == ENOMEM ? ERR_NOMEM : ERR_INVALID;
                break;
            }
        }
        /* Each page takes its size before anything is drawn on it. */
        if (i > 0)
            cairo_show_page(w.cr);
        qr_page_draw(&w, &pages[i], qr, signature);
        if (qr)
            QRcode_free(qr);
    }
    return pdfw_close(&w, rc, err, err_len);
}

int export_qr_page_pdf(const struct export_qr_page *p, export_write_fn write, void *ctx, char *err,
                       size_t err_len)
{
    if (!p || !p->qr_url || !*p->qr_url) {
        set_err(err, err_len, "pdf: QR page without a URL, or a code wider than the page");
        return ERR_INVALID;
    }
    return export_qr_pages_pdf(p, 1, NULL, write, ctx, err, err_len);
}

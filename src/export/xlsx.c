/*
 * xlsx.c - tables as Excel workbooks (libxlsxwriter): the compliance dashboard's table and any
 * other list an official takes away to sort, filter and sum.
 *
 * The workbook is opened in libxlsxwriter's constant_memory mode: each row goes to a temporary
 * file as soon as the next one starts, so a sheet of a million rows costs a few kilobytes of
 * memory. The price is that rows must be written in order (they are: export_xlsx_row() only
 * appends) and strings are written inline in the sheet XML (<is><t>…</t></is>) instead of in
 * xl/sharedStrings.xml. Column widths, the frozen header and the autofilter live outside the
 * streamed cell data and are assembled at close, so the autofilter can be set once a sheet's
 * row count is known (at the next sheet or at close).
 *
 * What Excel would refuse or misread is cleaned here rather than left to the caller: sheet
 * names lose the characters Excel forbids ([ ] : * ? / \), leading and trailing apostrophes and
 * control characters, are cut to 31 characters at a code point boundary and made unique the way
 * Excel compares them (case-insensitively, "Hà Nội" and "HÀ NỘI" clash) with " (2)", " (3)"...;
 * text is NFC, invalid UTF-8 becomes U+FFFD, and text over Excel's 32,767 characters per cell is
 * cut and ends with "…"; numbers that are not finite (Excel has no NaN) leave the cell empty.
 * Text is always written as a string, never parsed as a number, so "0912345678" keeps its 0.
 *
 * Errors are sticky: after the first one every call returns it, and export_xlsx_close() frees
 * the workbook without writing anything, so a half-done export is never served as a whole one.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>
#include <xlsxwriter.h>

#include "core/err.h"
#include "core/utf8.h"
#include "export/export.h"

#define SHEET_NAME_MAX 31    /* Excel's limit, in UTF-16 units */
#define CELL_TEXT_MAX 32767  /* Excel's limit per cell, in UTF-16 units */
#define DEFAULT_WIDTH 15.0   /* column width when the caller gives none */
#define HEADER_FILL 0xD9D9D9 /* light grey behind the header row */
#define DEFAULT_SHEET "Bảng" /* name of a sheet whose name cleans away to nothing */

struct export_xlsx {
    lxw_workbook *wb;    /* the workbook being written */
    lxw_worksheet *ws;   /* the current sheet, NULL before the first */
    lxw_format *header;  /* bold, wrapped, grey header cells */
    size_t n_cols;       /* header columns of the current sheet */
    uint32_t n_rows;     /* rows written to the current sheet, header included */
    struct arena *names; /* case-folded names of the sheets so far */
    char **used;         /* those names (in names) */
    size_t n_used;       /* their count */
    size_t cap_used;     /* entries allocated in used */
    struct arena *tmp;   /* scratch for one row's cleaned text; reset per row */
    int rc;              /* first error, 0 while none */
    char why[256];       /* English reason for rc */
};

/* Records the first error and its reason; returns the sticky error code. */
static int fail(struct export_xlsx *x, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct export_xlsx *x, int rc, const char *fmt, ...)
{
    if (x->rc)
        return x->rc;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->why, sizeof x->why, fmt, ap);
    va_end(ap);
    x->rc = rc;
    return rc;
}

/* UTF-16 units of code point cp (what Excel's length limits count). */
static size_t utf16_units(utf8proc_int32_t cp)
{
    return cp >= 0x10000 ? 2 : 1;
}

/*
 * s with invalid UTF-8 replaced: each byte that does not start a well-formed sequence becomes
 * U+FFFD, or bad (when not NULL) for sheet names. Control characters (except tab, LF and CR in
 * text) become bad too when given. The result is NFC, in a.
 */
static char *clean_utf8(struct arena *a, const char *s, const char *bad)
{
    size_t n = strlen(s);
    size_t out_len;
    if (!bad) {
        char *r = utf8_nfc(a, s, n, &out_len);
        if (r)
            return r;
    }
    struct buf b;
    buf_init(&b, a);
    buf_reserve(&b, n + 1);
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) {
            buf_puts(&b, bad ? bad : "\xEF\xBF\xBD");
            i++;
            continue;
        }
        if (bad && (cp < 0x20 || cp == 0x7F))
            buf_puts(&b, bad);
        else
            buf_append(&b, p + i, (size_t)k);
        i += (size_t)k;
    }
    char *r = utf8_nfc(a, b.ptr ? b.ptr : "", b.len, &out_len);
    return r ? r : arena_strdup(a, "");
}

/* Bytes of the longest prefix of valid UTF-8 s that holds at most max UTF-16 units. */
static size_t cut_units(const char *s, size_t max, int *was_cut)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t n = strlen(s), i = 0, units = 0;
    *was_cut = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0)
            break; /* cannot happen after clean_utf8() */
        if (units + utf16_units(cp) > max) {
            *was_cut = 1;
            break;
        }
        units += utf16_units(cp);
        i += (size_t)k;
    }
    return i;
}

/* Cell text fit for Excel: clean UTF-8, NFC, at most CELL_TEXT_MAX units (then ending "…"). */
static const char *cell_text(struct arena *a, const char *s)
{
    char *t = clean_utf8(a, s, NULL);
    int was_cut;
    size_t len = cut_units(t, CELL_TEXT_MAX, &was_cut);
    if (!was_cut)
        return t;
    len = cut_units(t, CELL_TEXT_MAX - 1, &was_cut);
    return arena_printf(a, "%.*s…", (int)len, t);
}

/* The case-folded form Excel compares sheet names by. */
static char *fold_name(struct arena *a, const char *name)
{
    utf8proc_uint8_t *m = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)name, 0, &m,
                                      (utf8proc_option_t)(UTF8PROC_NULLTERM | UTF8PROC_STABLE |
                                                          UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD));
    char *r = n >= 0 ? arena_strndup(a, (const char *)m, (size_t)n) : arena_strdup(a, name);
    free(m);
    return r;
}

/* 1 when a sheet already has this name as Excel compares names, or Excel reserves it. */
static int name_taken(struct export_xlsx *x, const char *name)
{
    char *f = fold_name(x->tmp, name);
    if (strcmp(f, "history") == 0)
        return 1; /* Excel keeps "History" for its change tracking */
    for (size_t i = 0; i < x->n_used; i++)
        if (strcmp(x->used[i], f) == 0)
            return 1;
    return 0;
}

/* s without leading and trailing apostrophes (Excel refuses names that start or end so). */
static char *trim_quotes(char *s)
{
    while (*s == '\'')
        s++;
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '\'')
        s[--n] = '\0';
    return s;
}

/* s cut to max UTF-16 units, without a trailing apostrophe, in a. */
static char *cut_name(struct arena *a, const char *s, size_t max)
{
    int was_cut;
    size_t len = cut_units(s, max, &was_cut);
    return trim_quotes(arena_strndup(a, s, len));
}

/*
 * The name the sheet gets: forbidden characters [ ] : * ? / \ and control characters as "-",
 * no leading or trailing apostrophe, at most 31 characters, " (2)", " (3)"... when taken.
 */
static char *sheet_name(struct export_xlsx *x, const char *name)
{
    char *s = clean_utf8(x->tmp, name ? name : "", "-");
    for (char *p = s; *p; p++)
        if (strchr("[]:*?/\\", *p))
            *p = '-';
    s = trim_quotes(s);
    if (!*s)
        s = arena_strdup(x->tmp, DEFAULT_SHEET);
    char *base = cut_name(x->tmp, s, SHEET_NAME_MAX);
    if (!*base)
        base = arena_strdup(x->tmp, DEFAULT_SHEET);
    char *cand = base;
    for (unsigned k = 2; name_taken(x, cand); k++) {
        char suffix[16];
        int sl = snprintf(suffix, sizeof suffix, " (%u)", k);
        cand = arena_printf(x->tmp, "%s%s", cut_name(x->tmp, base, SHEET_NAME_MAX - (size_t)sl),
                            suffix);
    }
    return cand;
}

/* Remembers a sheet name so later sheets do not clash with it. */
static void name_add(struct export_xlsx *x, const char *name)
{
    if (x->n_used == x->cap_used) {
        size_t cap = x->cap_used ? x->cap_used * 2 : 8;
        x->used =
            arena_realloc(x->names, x->used, x->cap_used * sizeof *x->used, cap * sizeof *x->used);
        x->cap_used = cap;
    }
    x->used[x->n_used++] = fold_name(x->names, name);
}

/* Sets the autofilter of the current sheet over its header and rows. */
static int finish_sheet(struct export_xlsx *x)
{
    if (!x->ws || x->rc)
        return x->rc;
    lxw_error e =
        worksheet_autofilter(x->ws, 0, 0, (lxw_row_t)(x->n_rows - 1), (lxw_col_t)(x->n_cols - 1));
    if (e != LXW_NO_ERROR)
        return fail(x, ERR_IO, "autofilter: %s", lxw_strerror(e));
    return 0;
}

int export_xlsx_new(const char *path, struct export_xlsx **out)
{
    *out = NULL;
    if (!path || !*path)
        return ERR_INVALID;
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = 0};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    if (!wb)
        return ERR_IO;
    struct export_xlsx *x = calloc(1, sizeof *x);
    if (!x)
        abort();
    x->wb = wb;
    x->names = arena_new(0);
    x->tmp = arena_new_sized(0, 64 * 1024);
    x->header = workbook_add_format(wb);
    format_set_bold(x->header);
    format_set_text_wrap(x->header);
    format_set_align(x->header, LXW_ALIGN_VERTICAL_TOP);
    format_set_pattern(x->header, LXW_PATTERN_SOLID);
    format_set_bg_color(x->header, HEADER_FILL);
    format_set_bottom(x->header, LXW_BORDER_THIN);
    *out = x;
    return 0;
}

int export_xlsx_sheet(struct export_xlsx *x, const char *name, const char *const *headers,
                      const double *widths, size_t n_cols)
{
    if (x->rc)
        return x->rc;
    if (!headers || n_cols == 0)
        return fail(x, ERR_INVALID, "a sheet needs at least one column");
    if (n_cols > LXW_COL_MAX)
        return fail(x, ERR_TOO_LARGE, "%zu columns (Excel allows %d)", n_cols, LXW_COL_MAX);
    int rc = finish_sheet(x);
    if (rc)
        return rc;
    arena_reset(x->tmp);
    const char *nm = sheet_name(x, name);
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, nm);
    if (!ws)
        return fail(x, ERR_IO, "sheet \"%s\" cannot be added", nm);
    name_add(x, nm);
    x->ws = ws;
    x->n_cols = n_cols;
    x->n_rows = 0;
    for (size_t c = 0; c < n_cols; c++) {
        double w = widths ? widths[c] : DEFAULT_WIDTH;
        if (!isfinite(w) || w <= 0 || w > 255)
            w = DEFAULT_WIDTH; /* Excel's widest column is 255 characters */
        lxw_error e = worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w, NULL);
        if (e != LXW_NO_ERROR)
            return fail(x, ERR_IO, "column width: %s", lxw_strerror(e));
    }
    worksheet_freeze_panes(ws, 1, 0);
    for (size_t c = 0; c < n_cols; c++) {
        const char *t = cell_text(x->tmp, headers[c] ? headers[c] : "");
        lxw_error e = worksheet_write_string(ws, 0, (lxw_col_t)c, t, x->header);
        if (e != LXW_NO_ERROR)
            return fail(x, ERR_IO, "header: %s", lxw_strerror(e));
    }
    x->n_rows = 1;
    return 0;
}

int export_xlsx_row(struct export_xlsx *x, const struct export_cell *cells, size_t n_cells)
{
    if (x->rc)
        return x->rc;
    if (!x->ws)
        return fail(x, ERR_INVALID, "a row before any sheet");
    if (n_cells > x->n_cols)
        return fail(x, ERR_INVALID, "a row of %zu cells under %zu columns", n_cells, x->n_cols);
    if (x->n_rows >= LXW_ROW_MAX)
        return fail(x, ERR_TOO_LARGE, "more than %d rows in a sheet (Excel's limit)", LXW_ROW_MAX);
    arena_reset(x->tmp);
    lxw_row_t r = (lxw_row_t)x->n_rows;
    for (size_t c = 0; c < n_cells; c++) {
        lxw_error e = LXW_NO_ERROR;
        if (cells[c].text)
            e = worksheet_write_string(x->ws, r, (lxw_col_t)c, cell_text(x->tmp, cells[c].text),
                                       NULL);
        else if (isfinite(cells[c].number))
            e = worksheet_write_number(x->ws, r, (lxw_col_t)c, cells[c].number, NULL);
        if (e != LXW_NO_ERROR)
            return fail(x, ERR_IO, "row %u, column %zu: %s", (unsigned)r + 1, c + 1,
                        lxw_strerror(e));
    }
    x->n_rows++;
    return 0;
}

int export_xlsx_close(struct export_xlsx *x, char *err, size_t err_len)
{
    if (!x)
        return ERR_INVALID;
    finish_sheet(x);
    int rc = x->rc;
    if (rc) {
        lxw_workbook_free(x->wb); /* nothing is written */
    } else {
        lxw_error e = workbook_close(x->wb);
        if (e != LXW_NO_ERROR)
            rc = fail(x, ERR_IO, "%s", lxw_strerror(e));
    }
    if (rc && err && err_len)
        snprintf(err, err_len, "%s", x->why);
    arena_free(x->names);
    arena_free(x->tmp);
    free(x);
    return rc;
}

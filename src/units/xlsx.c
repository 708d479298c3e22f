/*
 * xlsx.c - reads the first visible worksheet of an XLSX workbook held in
 * memory, with libzip and expat (Debian ships no C XLSX reader).
 *
 * Only what a household roll needs: shared strings, inline strings,
 * formula results, numbers, and whether a number's style is a date.
 * Entries are streamed from the archive into expat in chunks, counting
 * the decompressed bytes against ROLLFILE_MAX_UNZIPPED (zip bombs), and
 * documents with a DOCTYPE are refused (entity expansion). Everything this
 * file allocates lives in arenas it frees before returning; a record's
 * cells are valid only during the callback.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>
#include <zip.h>

#include "core/err.h"
#include "core/str.h"
#include "units/rollfile.h"

#define NS_SEP '|'
#define MAX_CELL_TEXT (32767 * 4) /* Excel's cell limit, in UTF-8 bytes */
#define CHUNK 16384

static const char MSG_BROKEN[] = "Tệp Excel bị hỏng hoặc có mật khẩu; hãy lưu lại dạng .xlsx "
                                 "hoặc 'CSV UTF-8'";
static const char MSG_NO_SHEET[] = "Không tìm thấy trang tính trong tệp; hãy lưu lại dạng .xlsx "
                                   "hoặc 'CSV UTF-8'";
static const char MSG_TOO_LARGE[] = "Tệp Excel quá lớn khi giải nén (tối đa 50 MB)";

struct xlsx {
    struct arena *tmp;     /* names, shared strings and styles; freed at the end */
    struct arena *scratch; /* one row's cells; reset per row */
    XML_Parser parser;     /* the parser of the entry being read */
    int rc;                /* error a handler stopped the parser with */
    size_t budget;         /* decompressed bytes still allowed */

    /* xl/workbook.xml and its relationships */
    const char *sheet_rid;    /* r:id of the first visible sheet */
    int date1904;             /* workbookPr date1904: serials count from 1904 */
    const char *sheet_path;   /* entry of that sheet */
    const char *strings_path; /* entry of the shared strings, or NULL */
    const char *styles_path;  /* entry of the styles, or NULL */

    /* shared strings */
    struct str *sst; /* the table, in order */
    size_t n_sst;    /* entries in sst */
    size_t cap_sst;  /* allocated entries */
    int in_si;       /* inside <si> */
    int in_rph;      /* inside <rPh> (phonetic runs, not part of the text) */

    /* styles */
    int *date_fmts;         /* custom numFmtId that are dates */
    size_t n_date_fmts;     /* entries in date_fmts */
    unsigned char *xf_date; /* per cellXfs index: 1 when its number format is a date */
    size_t n_xf;            /* entries in xf_date */
    int in_cellxfs;         /* inside <cellXfs> */

    /* text being collected (<t> or <v>) */
    struct buf text; /* heap buffer, freed at the end */
    int in_text;     /* collecting character data */

    /* worksheet */
    roll_record_fn fn;                     /* called per row */
    roll_merge_fn merge_fn;                /* called per merged range */
    void *ctx;                             /* fn's context */
    struct roll_cell cells[ROLL_MAX_COLS]; /* the current row */
    size_t n_cells;                        /* highest column used + 1 */
    int row;                               /* current row number, 1-based */
    int col;                               /* current cell's column, 0-based */
    char cell_type[12];                    /* the t attribute of the current cell */
    int cell_style;                        /* the s attribute of the current cell */
    int in_is;                             /* inside <is> (inline string) */
};

static const char *local_name(const char *name)
{
    const char *p = strrchr(name, NS_SEP);
    return p ? p + 1 : name;
}

/* The attribute whose local name is want; NULL when absent. */
static const char *attr(const char **atts, const char *want)
{
    for (size_t i = 0; atts[i]; i += 2) {
        if (strcmp(local_name(atts[i]), want) == 0)
            return atts[i + 1];
    }
    return NULL;
}

/* r:id, told from a plain id by its namespace. */
static const char *attr_rid(const char **atts)
{
    for (size_t i = 0; atts[i]; i += 2) {
        if (strchr(atts[i], NS_SEP) && strcmp(local_name(atts[i]), "id") == 0)
            return atts[i + 1];
    }
    return NULL;
}

static void stop(struct xlsx *x, int rc)
{
    if (x->rc == 0)
        x->rc = rc;
    XML_StopParser(x->parser, XML_FALSE);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal)
{
    stop(ud, ERR_INVALID);
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int n)
{
    struct xlsx *x = ud;
    if (!x->in_text || n <= 0)
        return;
    if (x->text.len + (size_t)n > MAX_CELL_TEXT)
        return;
    buf_append(&x->text, s, (size_t)n);
}

/* A small non-negative integer attribute; def when absent or bad. */
static int attr_int(const char *v, int max, int def)
{
    int out;
    if (!v || parse_int(v, 0, max, &out) != 0)
        return def;
    return out;
}

/* ---- xl/workbook.xml ---- */

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct xlsx *x = ud;
    const char *ln = local_name(name);
    if (strcmp(ln, "workbookPr") == 0) {
        const char *v = attr(atts, "date1904");
        x->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
    } else if (strcmp(ln, "sheet") == 0 && !x->sheet_rid) {
        const char *state = attr(atts, "state");
        const char *rid = attr_rid(atts);
        if (rid && (!state || strcmp(state, "visible") == 0))
            x->sheet_rid = arena_strdup(x->tmp, rid);
    }
}

/* ---- xl/_rels/workbook.xml.rels ---- */

/* Entry name of a relationship target, relative to xl/. */
static const char *rel_path(struct xlsx *x, const char *target)
{
    if (target[0] == '/')
        return arena_strdup(x->tmp, target + 1);
    while (strncmp(target, "./", 2) == 0)
        target += 2;
    return arena_printf(x->tmp, "xl/%s", target);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct xlsx *x = ud;
    if (strcmp(local_name(name), "Relationship") != 0)
        return;
    const char *id = attr(atts, "Id");
    const char *type = attr(atts, "Type");
    const char *target = attr(atts, "Target");
    if (!target || !type)
        return;
    if (id && x->sheet_rid && strcmp(id, x->sheet_rid) == 0)
        x->sheet_path = rel_path(x, target);
    else if (ends_with(type, "/sharedStrings"))
        x->strings_path = rel_path(x, target);
    else if (ends_with(type, "/styles"))
        x->styles_path = rel_path(x, target);
}

/* ---- xl/sharedStrings.xml ---- */

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct xlsx *x = ud;
    const char *ln = local_name(name);
    if (strcmp(ln, "si") == 0) {
        x->in_si = 1;
        x->in_rph = 0;
        buf_reset(&x->text);
    } else if (strcmp(ln, "rPh") == 0) {
        x->in_rph = 1;
    } else if (strcmp(ln, "t") == 0 && x->in_si && !x->in_rph) {
        x->in_text = 1;
    }
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
    struct xlsx *x = ud;
    const char *ln = local_name(name);
    if (strcmp(ln, "t") == 0) {
        x->in_text = 0;
    } else if (strcmp(ln, "rPh") == 0) {
        x->in_rph = 0;
    } else if (strcmp(ln, "si") == 0 && x->in_si) {
        x->in_si = 0;
        if (x->n_sst == x->cap_sst) {
            size_t cap = x->cap_sst ? x->cap_sst * 2 : 256;
            x->sst =
                arena_realloc(x->tmp, x->sst, x->cap_sst * sizeof *x->sst, cap * sizeof *x->sst);
            x->cap_sst = cap;
        }
        x->sst[x->n_sst].ptr = arena_strndup(x->tmp, x->text.ptr ? x->text.ptr : "", x->text.len);
        x->sst[x->n_sst].len = x->text.len;
        x->n_sst++;
    }
}

/* ---- xl/styles.xml ---- */

/* Whether a custom number format code shows a date (has d or y outside quotes). */
static int format_is_date(const char *code)
{
    for (const char *p = code; *p; p++) {
        if (*p == '"') {
            p = strchr(p + 1, '"');
            if (!p)
                return 0;
        } else if (*p == '[') {
            p = strchr(p + 1, ']');
            if (!p)
                return 0;
        } else if (*p == '\\' && p[1]) {
            p++;
        } else if (*p == 'd' || *p == 'D' || *p == 'y' || *p == 'Y') {
            return 1;
        }
    }
    return 0;
}

static int builtin_is_date(int id)
{
    return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
           (id >= 50 && id <= 58);
}

static void XMLCALL styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct xlsx *x = ud;
    const char *ln = local_name(name);
    if (strcmp(ln, "numFmt") == 0) {
        int id = attr_int(attr(atts, "numFmtId"), 100000, -1);
        const char *code = attr(atts, "formatCode");
        if (id >= 0 && code && format_is_date(code) && x->n_date_fmts < 1000) {
            x->date_fmts = arena_realloc(x->tmp, x->date_fmts, x->n_date_fmts * sizeof(int),
                                         (x->n_date_fmts + 1) * sizeof(int));
            x->date_fmts[x->n_date_fmts++] = id;
        }
    } else if (strcmp(ln, "cellXfs") == 0) {
        x->in_cellxfs = 1;
    } else if (strcmp(ln, "xf") == 0 && x->in_cellxfs && x->n_xf < 65536) {
        int id = attr_int(attr(atts, "numFmtId"), 100000, 0);
        int is_date = builtin_is_date(id);
        for (size_t i = 0; i < x->n_date_fmts && !is_date; i++)
            is_date = x->date_fmts[i] == id;
        if ((x->n_xf & 255) == 0)
            x->xf_date = arena_realloc(x->tmp, x->xf_date, x->n_xf, x->n_xf + 256);
        x->xf_date[x->n_xf++] = (unsigned char)is_date;
    }
}

static void XMLCALL styles_end(void *ud, const XML_Char *name)
{
    struct xlsx *x = ud;
    if (strcmp(local_name(name), "cellXfs") == 0)
        x->in_cellxfs = 0;
}

/* ---- the worksheet ---- */

/* 0-based column of a reference like "AB12"; -1 when it has no letters. */
static int ref_column(const char *ref)
{
    int col = 0, n = 0;
    for (; *ref; ref++, n++) {
        char c = *ref;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c < 'A' || c > 'Z')
            break;
        if (n >= 3)
            return ROLL_MAX_COLS;
        col = col * 26 + (c - 'A' + 1);
    }
    return n ? col - 1 : -1;
}

/* Column and row of a reference like "B4"; 0 when it is not one. */
static int parse_ref(const char *ref, size_t n, int *col, int *row)
{
    char tmp[16];
    if (n == 0 || n >= sizeof tmp)
        return 0;
    memcpy(tmp, ref, n);
    tmp[n] = '\0';
    *col = ref_column(tmp);
    const char *digits = tmp;
    while ((*digits >= 'A' && *digits <= 'Z') || (*digits >= 'a' && *digits <= 'z'))
        digits++;
    return *col >= 0 && parse_int(digits, 1, 10000000, row) == 0;
}

static void clear_row(struct xlsx *x)
{
    for (size_t i = 0; i < x->n_cells; i++)
        x->cells[i] = (struct roll_cell){"", 0, ROLL_CELL_TEXT, 0};
    x->n_cells = 0;
    arena_reset(x->scratch);
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct xlsx *x = ud;
    const char *ln = local_name(name);
    if (strcmp(ln, "row") == 0) {
        clear_row(x);
        x->row = attr_int(attr(atts, "r"), 10000000, x->row + 1);
        x->col = -1;
    } else if (strcmp(ln, "c") == 0) {
        const char *r = attr(atts, "r");
        int col = r ? ref_column(r) : -1;
        x->col = col >= 0 ? col : x->col + 1;
        const char *t = attr(atts, "t");
        snprintf(x->cell_type, sizeof x->cell_type, "%s", t ? t : "n");
        x->cell_style = attr_int(attr(atts, "s"), 1000000, 0);
        x->in_is = 0;
        x->in_rph = 0;
        buf_reset(&x->text);
    } else if (strcmp(ln, "v") == 0) {
        buf_reset(&x->text);
        x->in_text = 1;
    } else if (strcmp(ln, "is") == 0) {
        x->in_is = 1;
    } else if (strcmp(ln, "rPh") == 0) {
        x->in_rph = 1;
    } else if (strcmp(ln, "t") == 0 && x->in_is && !x->in_rph) {
        x->in_text = 1;
    } else if (strcmp(ln, "mergeCell") == 0 && x->merge_fn) {
        const char *ref = attr(atts, "ref");
        const char *colon = ref ? strchr(ref, ':') : NULL;
        int c0, r0, c1, r1;
        if (colon && parse_ref(ref, (size_t)(colon - ref), &c0, &r0) &&
            parse_ref(colon + 1, strlen(colon + 1), &c1, &r1) && c0 <= c1 && r0 <= r1)
            x->merge_fn(x->ctx, r0, r1, c0, c1);
    }
}

/* Stores the finished cell at x->col. */
static void end_cell(struct xlsx *x)
{
    if (x->col < 0 || x->col >= ROLL_MAX_COLS)
        return;
    const char *t = x->cell_type;
    const char *s = x->text.ptr ? x->text.ptr : "";
    size_t len = x->text.len;
    struct roll_cell c = {"", 0, ROLL_CELL_TEXT, 0};
    if (strcmp(t, "s") == 0) {
        int i = attr_int(s, 100000000, -1);
        if (i >= 0 && (size_t)i < x->n_sst) {
            c.text = x->sst[i].ptr;
            c.len = x->sst[i].len;
        }
    } else if (strcmp(t, "n") == 0) {
        char *end = NULL;
        double v = len ? strtod(s, &end) : 0;
        if (len == 0 || !end || *end != '\0' || !isfinite(v))
            return;
        c.kind = ROLL_CELL_NUMBER;
        if (x->cell_style >= 0 && (size_t)x->cell_style < x->n_xf && x->xf_date[x->cell_style])
            c.kind = ROLL_CELL_DATE;
        c.serial = v + (x->date1904 ? 1462 : 0);
        if (fabs(v) < 1e15 && v == floor(v))
            c.text = arena_printf(x->scratch, "%.0f", v);
        else
            c.text = arena_strndup(x->scratch, s, len);
        c.len = strlen(c.text);
    } else {
        /* inlineStr, str (formula result), b, e, d: the text as written */
        c.text = arena_strndup(x->scratch, s, len);
        c.len = len;
    }
    x->cells[x->col] = c;
    if ((size_t)x->col + 1 > x->n_cells)
        x->n_cells = (size_t)x->col + 1;
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
    struct xlsx *x = ud;
    const char *ln = local_name(name);
    if (strcmp(ln, "v") == 0 || strcmp(ln, "t") == 0) {
        x->in_text = 0;
    } else if (strcmp(ln, "rPh") == 0) {
        x->in_rph = 0;
    } else if (strcmp(ln, "is") == 0) {
        x->in_is = 0;
    } else if (strcmp(ln, "c") == 0) {
        end_cell(x);
        x->in_text = 0;
    } else if (strcmp(ln, "row") == 0 && x->n_cells > 0) {
        struct roll_record rec = {x->row, x->cells, x->n_cells};
        int rc = x->fn(x->ctx, &rec);
        clear_row(x);
        if (rc < 0)
            stop(x, rc);
    }
}

/* ---- reading entries ---- */

/*
 * Streams entry name of z through a fresh parser with the given handlers.
 * Returns 0, ERR_NOT_FOUND (no such entry), ERR_TOO_LARGE or ERR_INVALID.
 */
static int parse_entry(struct xlsx *x, zip_t *z, const char *name, XML_StartElementHandler start,
                       XML_EndElementHandler end)
{
    int rc = 0;
    zip_file_t *f = NULL;
    char *chunk = NULL;
    XML_Parser p = NULL;
    zip_int64_t idx = zip_name_locate(z, name, 0);
    if (idx < 0)
        idx = zip_name_locate(z, name, ZIP_FL_NOCASE);
    if (idx < 0)
        return ERR_NOT_FOUND;
    f = zip_fopen_index(z, (zip_uint64_t)idx, 0);
    if (!f)
        return ERR_INVALID;
    p = XML_ParserCreateNS(NULL, NS_SEP);
    chunk = malloc(CHUNK);
    if (!p || !chunk) {
        rc = ERR_NOMEM;
        goto out;
    }
    XML_SetUserData(p, x);
    XML_SetElementHandler(p, start, end);
    XML_SetCharacterDataHandler(p, on_text);
    XML_SetStartDoctypeDeclHandler(p, on_doctype);
    x->parser = p;
    x->rc = 0;
    x->in_text = 0;
    for (;;) {
        zip_int64_t n = zip_fread(f, chunk, CHUNK);
        if (n < 0) {
            rc = ERR_INVALID;
            goto out;
        }
        if ((zip_uint64_t)n > x->budget) {
            rc = ERR_TOO_LARGE;
            goto out;
        }
        x->budget -= (size_t)n;
        if (XML_Parse(p, chunk, (int)n, n == 0) != XML_STATUS_OK) {
            rc = x->rc ? x->rc : ERR_INVALID;
            goto out;
        }
        if (n == 0)
            break;
    }
out:
    x->parser = NULL;
    if (p)
        XML_ParserFree(p);
    free(chunk);
    zip_fclose(f);
    return rc;
}

int rollfile_xlsx_read(const char *bytes, size_t len, roll_record_fn fn, roll_merge_fn merge_fn,
                       void *ctx, const char **why)
{
    int rc = 0;
    zip_t *z = NULL;
    zip_error_t ze;
    struct xlsx *x = calloc(1, sizeof *x);
    if (!x)
        return ERR_NOMEM;
    x->tmp = arena_new(0);
    x->scratch = arena_new(0);
    x->budget = ROLLFILE_MAX_UNZIPPED;
    x->fn = fn;
    x->merge_fn = merge_fn;
    x->ctx = ctx;
    buf_init(&x->text, NULL);
    *why = MSG_BROKEN;

    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(bytes, len, 0, &ze);
    if (!src) {
        rc = ERR_INVALID;
        goto out;
    }
    z = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (!z) {
        zip_source_free(src);
        rc = ERR_INVALID;
        goto out;
    }

    rc = parse_entry(x, z, "xl/workbook.xml", wb_start, NULL);
    if (rc == 0)
        rc = parse_entry(x, z, "xl/_rels/workbook.xml.rels", rels_start, NULL);
    if (rc == ERR_NOT_FOUND)
        rc = 0; /* a bare workbook: fall back to the usual names */
    if (rc < 0)
        goto out;
    if (!x->sheet_path)
        x->sheet_path = "xl/worksheets/sheet1.xml";
    rc = parse_entry(x, z, x->strings_path ? x->strings_path : "xl/sharedStrings.xml", sst_start,
                     sst_end);
    if (rc == 0 || rc == ERR_NOT_FOUND)
        rc = parse_entry(x, z, x->styles_path ? x->styles_path : "xl/styles.xml", styles_start,
                         styles_end);
    if (rc == ERR_NOT_FOUND)
        rc = 0;
    if (rc < 0)
        goto out;
    x->row = 0;
    rc = parse_entry(x, z, x->sheet_path, sheet_start, sheet_end);
    if (rc == ERR_NOT_FOUND) {
        *why = MSG_NO_SHEET;
        rc = ERR_INVALID;
    }
out:
    if (rc == ERR_TOO_LARGE)
        *why = MSG_TOO_LARGE;
    if (z)
        zip_discard(z);
    zip_error_fini(&ze);
    buf_free(&x->text);
    arena_free(x->scratch);
    arena_free(x->tmp);
    free(x);
    return rc;
}

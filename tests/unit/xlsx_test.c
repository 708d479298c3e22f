/*
 * xlsx_test.c - tables as Excel workbooks (src/export/xlsx.c), read back the way Excel would:
 * unzipped with libzip, the XML parsed with expat.
 *
 * What a user notices: the workbook opens (sheet names Excel accepts, even from a long
 * Vietnamese title with a "/"), Vietnamese text reads as typed (NFC), a phone number keeps its
 * leading 0 because it stays text, counts are numbers Excel can sum, the header row is bold,
 * grey, frozen and filterable, a huge export streams, a sheet over Excel's row limit is refused
 * rather than cut, and a broken export is reported instead of leaving a file behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <expat.h>
#include <zip.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/utf8.h"
#include "export/export.h"

static struct arena *A;
static char dir[64]; /* scratch directory of this run */

static int setup(void **state)
{
    A = arena_new(0);
    snprintf(dir, sizeof dir, "/tmp/danchu-xlsx-test-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int teardown(void **state)
{
    rmdir(dir);
    arena_free(A);
    return 0;
}

static char *path_of(const char *name)
{
    return arena_printf(A, "%s/%s", dir, name);
}

/* The unzipped entry name of the XLSX file at path (NUL-terminated, in A), or NULL. */
static char *entry(const char *path, const char *name)
{
    int zerr;
    zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
    assert_non_null(z);
    zip_stat_t st;
    char *r = NULL;
    if (zip_stat(z, name, 0, &st) == 0) {
        zip_file_t *f = zip_fopen(z, name, 0);
        assert_non_null(f);
        r = arena_alloc(A, st.size + 1);
        assert_int_equal(zip_fread(f, r, st.size), (zip_int64_t)st.size);
        r[st.size] = '\0';
        zip_fclose(f);
    }
    zip_close(z);
    return r;
}

/* A cell read back from a sheet. */
struct cell {
    char *ref;  /* "B2" */
    char *type; /* t attribute: "inlineStr", "s", ... or "" for a number */
    char *s;    /* attribute s (style index) or "" */
    char *text; /* the <v> or inline <t> text */
};

/* What the parser collects: cells of a sheet, or sheet names of the workbook. */
struct xml_read {
    struct cell *cells; /* cells in order */
    size_t n, cap;      /* used and allocated */
    int in_text;        /* inside <v> or <t> of a cell */
    char *names[16];    /* <sheet name="..."> of xl/workbook.xml */
    size_t n_names;     /* their count */
    size_t rows;        /* <row> elements */
};

static const char *attr(const XML_Char **atts, const char *name)
{
    for (int k = 0; atts[k]; k += 2)
        if (strcmp(atts[k], name) == 0)
            return atts[k + 1];
    return NULL;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct xml_read *x = ud;
    if (strcmp(name, "sheet") == 0 && x->n_names < 16) {
        x->names[x->n_names++] = arena_strdup(A, attr(atts, "name"));
    } else if (strcmp(name, "row") == 0) {
        x->rows++;
    } else if (strcmp(name, "c") == 0) {
        if (x->n == x->cap) {
            size_t cap = x->cap ? 2 * x->cap : 64;
            x->cells =
                arena_realloc(A, x->cells, x->cap * sizeof *x->cells, cap * sizeof *x->cells);
            x->cap = cap;
        }
        const char *t = attr(atts, "t"), *s = attr(atts, "s");
        x->cells[x->n++] =
            (struct cell){arena_strdup(A, attr(atts, "r")), arena_strdup(A, t ? t : ""),
                          arena_strdup(A, s ? s : ""), arena_strdup(A, "")};
    } else if ((strcmp(name, "v") == 0 || strcmp(name, "t") == 0) && x->n) {
        x->in_text = 1;
    }
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    struct xml_read *x = ud;
    if (strcmp(name, "v") == 0 || strcmp(name, "t") == 0)
        x->in_text = 0;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    struct xml_read *x = ud;
    if (!x->in_text)
        return;
    struct cell *c = &x->cells[x->n - 1];
    c->text = arena_printf(A, "%s%.*s", c->text, len, s);
}

static struct xml_read *read_xml(const char *xml)
{
    assert_non_null(xml);
    struct xml_read *x = arena_zalloc(A, sizeof *x);
    XML_Parser p = XML_ParserCreate("UTF-8");
    XML_SetUserData(p, x);
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_text);
    if (XML_Parse(p, xml, (int)strlen(xml), 1) != XML_STATUS_OK)
        fail_msg("not well-formed: %s", XML_ErrorString(XML_GetErrorCode(p)));
    XML_ParserFree(p);
    return x;
}

static const struct cell *cell_at(const struct xml_read *x, const char *ref)
{
    for (size_t i = 0; i < x->n; i++)
        if (strcmp(x->cells[i].ref, ref) == 0)
            return &x->cells[i];
    return NULL;
}

#define TEXT(s) ((struct export_cell){(s), 0})
#define NUM(v) ((struct export_cell){NULL, (v)})

static const char LONG_NAME[] = "Tình hình công khai/xã Bình Giang năm 2026";
static const char NAME_31[] = "Tình hình công khai-xã Bình Gia";
/* "Nguyễn Thị Hòa" typed with combining marks (NFD), as some Mac keyboards send it. */
static const char NFD_NAME[] = "Nguye\xCC\x82\xCC\x83n Thi\xCC\xA3 Ho\xCC\x80"
                               "a";
static const char NFC_NAME[] = "Nguyễn Thị Hòa";

/* The workbook most tests read: three sheets, text, phones, numbers. */
static char *write_sample(void)
{
    char *p = path_of("sample.xlsx");
    struct export_xlsx *x;
    assert_int_equal(export_xlsx_new(p, &x), 0);
    const char *h1[] = {"Họ và tên", "Số điện thoại", "Số thông tin", "Tỷ lệ (%)"};
    const double w1[] = {30, 14, 10, 12};
    assert_int_equal(export_xlsx_sheet(x, LONG_NAME, h1, w1, 4), 0);
    struct export_cell r1[] = {TEXT("Trần Văn Ánh"), TEXT("0912345678"), NUM(42), NUM(87.5)};
    struct export_cell r2[] = {TEXT(NFD_NAME), TEXT("0087"), NUM(-3), NUM(NAN)};
    struct export_cell r3[] = {TEXT("=SUM(A1:A2)"), TEXT("  có khoảng trắng  "), NUM(0)};
    assert_int_equal(export_xlsx_row(x, r1, 4), 0);
    assert_int_equal(export_xlsx_row(x, r2, 4), 0);
    assert_int_equal(export_xlsx_row(x, r3, 3), 0);

    const char *h2[] = {"Thôn", "Tổng"};
    assert_int_equal(export_xlsx_sheet(x, "'[Thôn]*Đông?\\'", h2, NULL, 2), 0);
    struct export_cell r4[] = {TEXT("Thôn Đông"), NUM(12)};
    assert_int_equal(export_xlsx_row(x, r4, 2), 0);

    /* Excel compares names without case: this one clashes with the first sheet. */
    assert_int_equal(export_xlsx_sheet(x, "TÌNH HÌNH CÔNG KHAI:XÃ BÌNH GIANG", h2, NULL, 2), 0);
    char err[200] = "";
    assert_int_equal(export_xlsx_close(x, err, sizeof err), 0);
    return p;
}

static void xlsx_sheet_names_are_cleaned_cut_and_unique(void **state)
{
    char *p = write_sample();
    struct xml_read *wb = read_xml(entry(p, "xl/workbook.xml"));
    assert_int_equal(wb->n_names, 3);
    assert_string_equal(wb->names[0], NAME_31);
    assert_int_equal(utf8_length(wb->names[0], strlen(wb->names[0])), 31);
    assert_string_equal(wb->names[1], "-Thôn--Đông--");
    assert_string_equal(wb->names[2], "TÌNH HÌNH CÔNG KHAI-XÃ BÌNH (2)");
    assert_int_equal(utf8_length(wb->names[2], strlen(wb->names[2])), 31);
    unlink(p);
}

static void xlsx_text_stays_text_and_numbers_are_numbers(void **state)
{
    char *p = write_sample();
    /* constant_memory mode writes strings inline in the sheet, not in sharedStrings.xml. */
    char *xml = entry(p, "xl/worksheets/sheet1.xml");
    struct xml_read *s = read_xml(xml);
    const struct cell *c;

    c = cell_at(s, "A1");
    assert_string_equal(c->text, "Họ và tên");
    c = cell_at(s, "A2");
    assert_string_equal(c->type, "inlineStr");
    assert_string_equal(c->text, "Trần Văn Ánh");
    c = cell_at(s, "B2"); /* the phone keeps its 0: a string, never a number */
    assert_string_equal(c->type, "inlineStr");
    assert_string_equal(c->text, "0912345678");
    c = cell_at(s, "B3");
    assert_string_equal(c->type, "inlineStr");
    assert_string_equal(c->text, "0087");
    c = cell_at(s, "C2"); /* a number cell: no t attribute, the value in <v> */
    assert_string_equal(c->type, "");
    assert_string_equal(c->text, "42");
    assert_string_equal(cell_at(s, "D2")->text, "87.5");
    assert_string_equal(cell_at(s, "C3")->text, "-3");
    assert_null(cell_at(s, "D3")); /* NaN: an empty cell, not "nan" that breaks the file */
    assert_null(strstr(xml, "NAN"));
    assert_null(strstr(xml, "nan<"));

    /* Decomposed input comes out NFC. */
    c = cell_at(s, "A3");
    assert_string_equal(c->text, NFC_NAME);
    assert_non_null(strstr(xml, NFC_NAME));
    assert_null(strstr(xml, "e\xCC\x82"));

    /* A formula-looking text stays text, spaces stay. */
    c = cell_at(s, "A4");
    assert_string_equal(c->type, "inlineStr");
    assert_string_equal(c->text, "=SUM(A1:A2)");
    assert_null(strstr(xml, "<f>"));
    assert_string_equal(cell_at(s, "B4")->text, "  có khoảng trắng  ");
    unlink(p);
}

static void xlsx_header_is_bold_grey_frozen_and_filtered(void **state)
{
    char *p = write_sample();
    char *xml = entry(p, "xl/worksheets/sheet1.xml");
    struct xml_read *s = read_xml(xml);
    /* Frozen first row, autofilter over header + 3 rows, widths as given. */
    assert_non_null(strstr(xml, "ySplit=\"1\""));
    assert_non_null(strstr(xml, "state=\"frozen\""));
    assert_non_null(strstr(xml, "<autoFilter ref=\"A1:D4\"/>"));
    assert_non_null(strstr(xml, "width=\"30.7109375\""));
    /* Header cells carry a style, data cells do not. */
    const char *style = cell_at(s, "A1")->s;
    assert_true(*style);
    assert_string_equal(cell_at(s, "D1")->s, style);
    assert_string_equal(cell_at(s, "A2")->s, "");
    /* That style is bold, wrapped and filled light grey. */
    char *styles = entry(p, "xl/styles.xml");
    assert_non_null(strstr(styles, "<b/>"));
    assert_non_null(strstr(styles, "wrapText=\"1\""));
    assert_non_null(strstr(styles, "patternType=\"solid\""));
    assert_non_null(strstr(styles, "FFD9D9D9"));
    /* The second sheet: filter over its header and one row; default widths. */
    char *xml2 = entry(p, "xl/worksheets/sheet2.xml");
    assert_non_null(strstr(xml2, "<autoFilter ref=\"A1:B2\"/>"));
    assert_non_null(strstr(xml2, "width=\"15.7109375\""));
    /* The third sheet has only its header. */
    assert_non_null(strstr(entry(p, "xl/worksheets/sheet3.xml"), "<autoFilter ref=\"A1:B1\"/>"));
    unlink(p);
}

static void xlsx_long_cell_is_cut_to_excel_limit(void **state)
{
    char *p = path_of("long.xlsx");
    size_t n = 40000;
    char *big = arena_alloc(A, 2 * n + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(big + 2 * i, "ơ", 2);
    big[2 * n] = '\0';
    struct export_xlsx *x;
    assert_int_equal(export_xlsx_new(p, &x), 0);
    const char *h[] = {"Nội dung"};
    assert_int_equal(export_xlsx_sheet(x, "Nội dung", h, NULL, 1), 0);
    struct export_cell r[] = {TEXT(big)};
    assert_int_equal(export_xlsx_row(x, r, 1), 0);
    assert_int_equal(export_xlsx_close(x, NULL, 0), 0);
    const struct cell *c = cell_at(read_xml(entry(p, "xl/worksheets/sheet1.xml")), "A2");
    size_t len = strlen(c->text);
    assert_int_equal(utf8_length(c->text, len), 32767);
    assert_string_equal(c->text + len - strlen("…"), "…");
    unlink(p);
}

static void xlsx_100k_rows_stream(void **state)
{
    enum { ROWS = 100000 };
    char *p = path_of("big.xlsx");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct export_xlsx *x;
    assert_int_equal(export_xlsx_new(p, &x), 0);
    const char *h[] = {"Mã hộ", "Chủ hộ", "Điện thoại", "Số nhân khẩu", "Ghi chú"};
    assert_int_equal(export_xlsx_sheet(x, "Sổ hộ khẩu", h, NULL, 5), 0);
    char code[32], phone[32];
    for (int i = 0; i < ROWS; i++) {
        snprintf(code, sizeof code, "%06d", i);
        snprintf(phone, sizeof phone, "09%08d", i);
        struct export_cell r[] = {TEXT(code), TEXT("Nguyễn Văn Bình"), TEXT(phone), NUM(i % 9 + 1),
                                  TEXT("Thôn Đông, xã Bình Giang")};
        assert_int_equal(export_xlsx_row(x, r, 5), 0);
    }
    assert_int_equal(export_xlsx_close(x, NULL, 0), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    print_message("100,000 rows x 5 columns: %.2f s, %.1f MB\n", s, (double)st.st_size / 1e6);
    assert_true(s < 60); /* a sanity bound, not a benchmark */
    struct xml_read *sh = read_xml(entry(p, "xl/worksheets/sheet1.xml"));
    assert_int_equal(sh->rows, ROWS + 1);
    const struct cell *c = cell_at(sh, "A100001");
    assert_non_null(c);
    assert_string_equal(c->text, "099999");
    assert_string_equal(cell_at(sh, "C100001")->text, "0900099999");
    assert_string_equal(cell_at(sh, "D100001")->text, "1");
    unlink(p);
}

static void xlsx_over_excel_row_limit_is_too_large(void **state)
{
    char *p = path_of("limit.xlsx");
    struct export_xlsx *x;
    assert_int_equal(export_xlsx_new(p, &x), 0);
    const char *h[] = {"Số"};
    assert_int_equal(export_xlsx_sheet(x, "Giới hạn", h, NULL, 1), 0);
    /* Empty rows up to the last one Excel has (1,048,576 counting the header). */
    for (int i = 1; i < 1048575; i++)
        assert_int_equal(export_xlsx_row(x, NULL, 0), 0);
    struct export_cell last[] = {NUM(1048576)};
    assert_int_equal(export_xlsx_row(x, last, 1), 0);
    assert_int_equal(export_xlsx_row(x, last, 1), ERR_TOO_LARGE);
    assert_int_equal(export_xlsx_row(x, last, 1), ERR_TOO_LARGE); /* and it stays so */
    char err[200] = "";
    assert_int_equal(export_xlsx_close(x, err, sizeof err), ERR_TOO_LARGE);
    assert_non_null(strstr(err, "1048576"));
    assert_int_not_equal(access(p, F_OK), 0); /* an incomplete export leaves no file */
}

static void xlsx_unwritable_path_is_err_io(void **state)
{
    struct export_xlsx *x;
    assert_int_equal(export_xlsx_new("/nonexistent-dir/danchu/out.xlsx", &x), 0);
    const char *h[] = {"A"};
    assert_int_equal(export_xlsx_sheet(x, "A", h, NULL, 1), 0);
    char err[200] = "";
    assert_int_equal(export_xlsx_close(x, err, sizeof err), ERR_IO);
    assert_true(err[0] != '\0');
}

static void xlsx_misuse_is_invalid(void **state)
{
    struct export_xlsx *x;
    assert_int_equal(export_xlsx_new("", &x), ERR_INVALID);
    assert_null(x);
    char *p = path_of("misuse.xlsx");
    assert_int_equal(export_xlsx_new(p, &x), 0);
    struct export_cell r[] = {NUM(1), NUM(2)};
    assert_int_equal(export_xlsx_row(x, r, 1), ERR_INVALID); /* no sheet yet */
    char err[200] = "";
    assert_int_equal(export_xlsx_close(x, err, sizeof err), ERR_INVALID);
    assert_non_null(strstr(err, "sheet"));

    assert_int_equal(export_xlsx_new(p, &x), 0);
    const char *h[] = {"A"};
    assert_int_equal(export_xlsx_sheet(x, "A", h, NULL, 1), 0);
    assert_int_equal(export_xlsx_row(x, r, 2), ERR_INVALID); /* wider than its header */
    assert_int_equal(export_xlsx_close(x, NULL, 0), ERR_INVALID);
    assert_int_not_equal(access(p, F_OK), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(xlsx_sheet_names_are_cleaned_cut_and_unique),
        cmocka_unit_test(xlsx_text_stays_text_and_numbers_are_numbers),
        cmocka_unit_test(xlsx_header_is_bold_grey_frozen_and_filtered),
        cmocka_unit_test(xlsx_long_cell_is_cut_to_excel_limit),
        cmocka_unit_test(xlsx_100k_rows_stream),
        cmocka_unit_test(xlsx_over_excel_row_limit_is_too_large),
        cmocka_unit_test(xlsx_unwritable_path_is_err_io),
        cmocka_unit_test(xlsx_misuse_is_invalid),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

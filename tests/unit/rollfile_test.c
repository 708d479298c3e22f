/*
 * rollfile_test.c - the household roll upload as a village head makes it:
 * CSV in the encodings Excel saves, headers as people write them, every bad
 * row reported on its line with a Vietnamese reason, and XLSX workbooks made
 * here with libxlsxwriter and read back. Fixtures: tests/data/roll/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "core/err.h"
#include "units/rollfile.h"

static const struct roll_opts opts_today = {{2026, 11, 23}, NULL, 0};

struct fixture {
    struct arena *a;     /* everything a test parses */
    struct roll_file rf; /* the last parse */
    int rc;              /* its result */
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->a = arena_new(0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    arena_free(f->a);
    free(f);
    return 0;
}

static void parse_bytes(struct fixture *f, const char *s, size_t n, const struct roll_opts *o)
{
    f->rc = rollfile_parse(f->a, s, n, o ? o : &opts_today, &f->rf);
}

static void parse_str(struct fixture *f, const char *s)
{
    parse_bytes(f, s, strlen(s), NULL);
}

static char *slurp(struct arena *a, const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        fail_msg("cannot open %s (run from the repository root)", path);
    struct buf b;
    buf_init(&b, a);
    char chunk[4096];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, fp)) > 0)
        buf_append(&b, chunk, k);
    fclose(fp);
    *n = b.len;
    return b.ptr;
}

static void parse_file(struct fixture *f, const char *path)
{
    size_t n;
    char *s = slurp(f->a, path, &n);
    parse_bytes(f, s, n, NULL);
}

static void dump_errors(const struct roll_file *rf)
{
    for (size_t i = 0; i < rf->n_errors; i++)
        print_message("  line %d: %s\n", rf->errors[i].line, rf->errors[i].message);
}

/* Asserts an error on line whose message contains needle. */
static void assert_error(const struct roll_file *rf, int line, const char *needle)
{
    for (size_t i = 0; i < rf->n_errors; i++) {
        if (rf->errors[i].line == line && strstr(rf->errors[i].message, needle))
            return;
    }
    dump_errors(rf);
    fail_msg("no error on line %d containing \"%s\"", line, needle);
}

static void assert_no_errors(const struct fixture *f)
{
    if (f->rf.n_errors)
        dump_errors(&f->rf);
    assert_int_equal(f->rf.n_errors, 0);
    assert_int_equal(f->rc, 0);
}

static const struct roll_row *row_named(const struct roll_file *rf, const char *name)
{
    for (size_t i = 0; i < rf->n_rows; i++) {
        if (strcmp(rf->rows[i].full_name, name) == 0)
            return &rf->rows[i];
    }
    fail_msg("no row named %s", name);
    return NULL;
}

static const struct roll_household *household(const struct roll_file *rf, const char *code)
{
    for (size_t i = 0; i < rf->n_households; i++) {
        if (strcmp(rf->households[i].code, code) == 0)
            return &rf->households[i];
    }
    fail_msg("no household %s", code);
    return NULL;
}

/* ---- encodings and delimiters ---- */

static void test_utf8_bom_comma_with_multiline_address(void **state)
{
    struct fixture *f = *state;
    parse_file(f, "tests/data/roll/utf8_bom_comma.csv");
    assert_no_errors(f);
    assert_string_equal(f->rf.format, "csv");
    assert_int_equal(f->rf.n_rows, 4);
    assert_int_equal(f->rf.n_households, 2);
    const struct roll_row *an = row_named(&f->rf, "Nguyễn Văn An");
    assert_int_equal(an->line, 2);
    assert_string_equal(an->household_code, "H01");
    assert_string_equal(an->birth, "1968-03-12");
    assert_string_equal(an->gender, "nam");
    assert_string_equal(an->village, "Thôn Đông");
    assert_string_equal(an->address, "Xóm Giữa, ngõ 3"); /* newline inside quotes kept as a space */
    assert_string_equal(an->phone, "0912345678");
    assert_string_equal(an->national_id, "001068012345");
    /* The record after the two-line quoted field starts on line 4. */
    assert_int_equal(row_named(&f->rf, "Trần Thị Bình")->line, 4);
    assert_string_equal(row_named(&f->rf, "Trần Thị Bình")->birth, "1970");
    const struct roll_row *cuong = row_named(&f->rf, "Lê Văn Cường");
    assert_string_equal(cuong->birth, "1950-09-05");
    assert_string_equal(cuong->phone, "0987654321");
    assert_string_equal(row_named(&f->rf, "Lê Thị Dung")->birth, "1980-02-29");
    assert_string_equal(row_named(&f->rf, "Lê Thị Dung")->gender, "nu");
}

static void test_utf8_without_bom(void **state)
{
    struct fixture *f = *state;
    parse_str(f, "Mã hộ,Họ và tên,Thôn\nH1,Đỗ Thị Mai,Thôn 1\n");
    assert_no_errors(f);
    assert_int_equal(f->rf.n_rows, 1);
    assert_string_equal(f->rf.rows[0].full_name, "Đỗ Thị Mai");
    assert_int_equal(f->rf.rows[0].line, 2);
}

static void test_utf16le_bom_tab_separated(void **state)
{
    struct fixture *f = *state;
    parse_file(f, "tests/data/roll/utf16le_tab.txt");
    assert_no_errors(f);
    assert_int_equal(f->rf.n_rows, 2);
    const struct roll_row *en = row_named(&f->rf, "Phạm Thị Én");
    assert_string_equal(en->village, "Thôn Bắc");
    assert_string_equal(en->birth, "1991");
    assert_int_equal(row_named(&f->rf, "Phạm Văn Giang")->line, 3);
}

/* Converts ASCII+UTF-8 text to UTF-16 without BOM, as some tools save it. */
static char *to_utf16(struct arena *a, const char *s, int big_endian, size_t *n)
{
    size_t len = strlen(s);
    char *out = arena_alloc(a, len * 2);
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        unsigned cp;
        if (c < 0x80) {
            cp = c;
            i += 1;
        } else if (c < 0xE0) {
            cp = (c & 0x1Fu) << 6 | ((unsigned char)s[i + 1] & 0x3Fu);
            i += 2;
        } else {
            cp = (c & 0x0Fu) << 12 | ((unsigned char)s[i + 1] & 0x3Fu) << 6 |
                 ((unsigned char)s[i + 2] & 0x3Fu);
            i += 3;
        }
        out[o++] = (char)(big_endian ? cp >> 8 : cp & 0xFF);
        out[o++] = (char)(big_endian ? cp & 0xFF : cp >> 8);
    }
    *n = o;
    return out;
}

static void test_utf16_without_bom_detected(void **state)
{
    struct fixture *f = *state;
    const char *text = "Mã hộ\tHọ và tên\tThôn\r\nH7\tVũ Thị Thu\tThôn Tây\r\n";
    for (int be = 0; be <= 1; be++) {
        size_t n;
        char *u16 = to_utf16(f->a, text, be, &n);
        parse_bytes(f, u16, n, NULL);
        assert_no_errors(f);
        assert_int_equal(f->rf.n_rows, 1);
        assert_string_equal(f->rf.rows[0].full_name, "Vũ Thị Thu");
    }
}

static void test_semicolon_headers_without_tone_marks_reordered(void **state)
{
    struct fixture *f = *state;
    parse_file(f, "tests/data/roll/semicolon_notone.csv");
    assert_no_errors(f);
    assert_int_equal(f->rf.n_rows, 2);
    const struct roll_row *hai = row_named(&f->rf, "Hoàng Văn Hải");
    assert_string_equal(hai->household_code, "H04");
    assert_string_equal(hai->village, "Thôn Nam");
    assert_string_equal(hai->birth, "1962");
    assert_string_equal(row_named(&f->rf, "Hoàng Thị Lan")->gender, "nu");
}

static void test_header_case_and_tone_variants(void **state)
{
    struct fixture *f = *state;
    const char *heads[] = {"Ma ho,Ho va ten,Thon\n", "MÃ HỘ,HỌ VÀ TÊN,THÔN\n",
                           "mã hộ,họ tên,thôn/tổ dân phố\n", "Mã hộ (*),Họ và tên (*),Thôn:\n"};
    for (size_t i = 0; i < 4; i++) {
        char *s = arena_printf(f->a, "%sH9,Ngô Bảo Châu,Thôn 2\n", heads[i]);
        parse_str(f, s);
        assert_no_errors(f);
        assert_int_equal(f->rf.n_rows, 1);
        assert_string_equal(f->rf.rows[0].household_code, "H9");
    }
}

static void test_header_synonyms_and_title_rows(void **state)
{
    struct fixture *f = *state;
    parse_str(f, "DANH SÁCH HỘ GIA ĐÌNH THÔN ĐÔNG\n"
                 ",,,,,\n"
                 "STT,Mã hộ gia đình,Họ,Tên,Quan hệ,Thôn,SĐT,Số CMND/CCCD,Người đại diện\n"
                 "1,H10,Nguyễn Thị,Hằng,Chủ hộ,Thôn Đông,0901.234.567,012345678901,\n");
    assert_no_errors(f);
    assert_int_equal(f->rf.n_rows, 1);
    const struct roll_row *r = &f->rf.rows[0];
    assert_int_equal(r->line, 4);
    assert_string_equal(r->full_name, "Nguyễn Thị Hằng");
    assert_string_equal(r->phone, "0901234567");
    assert_string_equal(r->national_id, "012345678901");
    assert_string_equal(r->relation, "Chủ hộ");
}

static void test_excel_sep_line_and_crlf(void **state)
{
    struct fixture *f = *state;
    parse_str(f, "sep=;\r\nMã hộ;Họ và tên;Thôn\r\nH1;\"Lý, Thị Nga\";Thôn 3\r\n");
    assert_no_errors(f);
    assert_string_equal(f->rf.rows[0].full_name, "Lý, Thị Nga");
    assert_int_equal(f->rf.rows[0].line, 3);
}

static void test_nfd_input_stored_nfc_and_spaces_collapsed(void **state)
{
    struct fixture *f = *state;
    /* "Nguyễn" decomposed: e + circumflex (CC 82) + tilde (CC 83). */
    parse_str(f, "Mã hộ,Họ và tên,Thôn\n H1 ,  Nguye\xCC\x82\xCC\x83n   Văn\xC2\xA0"
                 "Ba ,Thôn 1\n");
    assert_no_errors(f);
    assert_string_equal(f->rf.rows[0].full_name, "Nguyễn Văn Ba");
    assert_string_equal(f->rf.rows[0].household_code, "H1");
}

static void test_blank_lines_skipped_line_numbers_kept(void **state)
{
    struct fixture *f = *state;
    parse_str(f, "\n\nMã hộ,Họ và tên,Thôn\n\nH1,A Một,T1\n,,\n\nH1,,T1\n");
    assert_int_equal(f->rf.n_rows, 1);
    assert_int_equal(f->rf.rows[0].line, 5);
    assert_int_equal(f->rf.n_errors, 1);
    assert_error(&f->rf, 8, "Thiếu họ và tên");
}

/* ---- bad rows ---- */

static void test_every_bad_row_reported_on_its_line(void **state)
{
    struct fixture *f = *state;
    parse_str(f, "Mã hộ,Họ và tên,Ngày sinh,Giới tính,Quan hệ,Thôn,Địa chỉ,SĐT,CCCD\n" /* 1 */
                 "H1,Trần Văn A,1970,Nam,Chủ hộ,Thôn 1,\"Số 1,\n\nngõ 2\",,\n"         /* 2-4 */
                 "H1,,1972,Nữ,Vợ,Thôn 1,,,\n"                                          /* 5 */
                 ",Không Mã Hộ,1990,Nam,Con,Thôn 1,,,\n"                               /* 6 */
                 "H2,Ngày Sai,31/02/1990,Nam,Chủ hộ,Thôn 1,,,\n"                       /* 7 */
                 "H2,Tương Lai,2099,Nữ,Con,Thôn 1,,,\n"                                /* 8 */
                 "H2,Sai Dạng,1990.12,Nữ,Con,Thôn 1,,,\n"                              /* 9 */
                 "H2,Giới Lạ,1990,Đực,Con,Thôn 1,,,\n"                                 /* 10 */
                 "H3,Điện Thoại,1990,Nam,Chủ hộ,Thôn 2,,12345,\n"                      /* 11 */
                 "H3,Căn Cước,1990,Nam,Con,Thôn 2,,,12345\n"                           /* 12 */
                 "H3,Khác Thôn,1990,Khác,Con,Thôn 3,,,\n"                              /* 13 */
                 "H4,Không Thôn,1990,Nam,Con,,,,\n"                                    /* 14 */
                 "H5,Ngày Tháng Sai,13/13/1990,Nam,Con,Thôn 1,,,\n");                  /* 15 */
    assert_int_equal(f->rc, 0);
    assert_error(&f->rf, 5, "Thiếu họ và tên");
    assert_error(&f->rf, 6, "Thiếu mã hộ");
    assert_error(&f->rf, 7, "\"31/02/1990\" không có thật");
    assert_error(&f->rf, 8, "\"2099\" ở tương lai");
    assert_error(&f->rf, 9, "không đúng dạng");
    assert_error(&f->rf, 10, "Giới tính \"Đực\" không hợp lệ");
    assert_error(&f->rf, 11, "Số điện thoại \"12345\" không hợp lệ");
    assert_error(&f->rf, 12, "Số CCCD \"12345\" không hợp lệ");
    assert_error(&f->rf, 13, "Mã hộ \"H3\" đã dùng cho thôn \"Thôn 2\" ở dòng 11");
    assert_error(&f->rf, 14, "Thiếu thôn");
    assert_error(&f->rf, 15, "không có thật");
    assert_int_equal(f->rf.n_errors, 11);
    /* Errors come in line order. */
    for (size_t i = 1; i < f->rf.n_errors; i++)
        assert_true(f->rf.errors[i - 1].line <= f->rf.errors[i].line);
    /* Only the good row of H1 is kept, and H1 is marked as having an error. */
    const struct roll_household *h1 = household(&f->rf, "H1");
    assert_int_equal(h1->n_members, 1);
    assert_true(h1->has_error);
    assert_string_equal(h1->address, "Số 1, ngõ 2");
}

static void test_date_formats_and_boundaries(void **state)
{
    struct fixture *f = *state;
    parse_str(f, "Mã hộ,Họ và tên,Ngày sinh,Thôn\n"
                 "H1,A,1/2/2000,T\n"
                 "H1,B,2000-12-01,T\n"
                 "H1,C,29/02/2000,T\n" /* leap year */
                 "H1,D,23/11/2026,T\n" /* today */
                 "H1,E,2026,T\n"       /* this year */
                 "H1,F,01.02.1985,T\n" /* dots */
                 "H1,G,1985-05-06 00:00:00,T\n"
                 "H1,H,29/02/1900,T\n" /* 1900 is not a leap year */
                 "H1,I,24/11/2026,T\n" /* tomorrow */
                 "H1,J,2027,T\n"
                 "H1,K,1850,T\n"
                 "H1,L,85,T\n"
                 "H1,M,12/1985,T\n");
    assert_string_equal(row_named(&f->rf, "A")->birth, "2000-02-01");
    assert_string_equal(row_named(&f->rf, "B")->birth, "2000-12-01");
    assert_string_equal(row_named(&f->rf, "C")->birth, "2000-02-29");
    assert_string_equal(row_named(&f->rf, "D")->birth, "2026-11-23");
    assert_string_equal(row_named(&f->rf, "E")->birth, "2026");
    assert_string_equal(row_named(&f->rf, "F")->birth, "1985-02-01");
    assert_string_equal(row_named(&f->rf, "G")->birth, "1985-05-06");
    assert_error(&f->rf, 9, "không có thật");
    assert_error(&f->rf, 10, "ở tương lai");
    assert_error(&f->rf, 11, "ở tương lai");
    assert_error(&f->rf, 12, "quá xa");
    assert_error(&f->rf, 13, "không đúng dạng");
    assert_error(&f->rf, 14, "không đúng dạng");
    assert_int_equal(f->rf.n_errors, 6);
}

static void test_gender_tolerates_case_and_missing_tone_marks(void **state)
{
    struct fixture *f = *state;
    parse_str(f, "Mã hộ,Họ và tên,Giới tính,Thôn\nH1,A,nu,T\nH1,B,NỮ,T\nH1,C,NAM,T\nH1,D,khac,T\n"
                 "H1,E,Khác,T\nH1,F,,T\n");
    assert_no_errors(f);
    assert_string_equal(row_named(&f->rf, "A")->gender, "nu");
    assert_string_equal(row_named(&f->rf, "B")->gender, "nu");
    assert_string_equal(row_named(&f->rf, "C")->gender, "nam");
    assert_string_equal(row_named(&f->rf, "D")->gender, "khac");
    assert_string_equal(row_named(&f->rf, "E")->gender, "khac");
    assert_string_equal(row_named(&f->rf, "F")->gender, "");
}

static void test_phone_and_cccd_normalised(void **state)
{
    struct fixture *f = *state;
    parse_str(f, "Mã hộ,Họ và tên,Thôn,Số điện thoại,CCCD\n"
                 "H1,A,T,+84 912 345 678,001 068 012 345\n"
                 "H1,B,T,0912.345.679,\n"
                 "H1,C,T,912345670,01068012346\n" /* Excel dropped the leading zeros */
                 "H1,D,T,84912345671,\n"
                 "H1,E,T,1912345678,\n"
                 "H1,F,T,091234567x,\n"
                 "H1,G,T,,0010680123456\n");
    assert_string_equal(row_named(&f->rf, "A")->phone, "0912345678");
    assert_string_equal(row_named(&f->rf, "A")->national_id, "001068012345");
    assert_string_equal(row_named(&f->rf, "B")->phone, "0912345679");
    assert_string_equal(row_named(&f->rf, "C")->phone, "0912345670");
    assert_string_equal(row_named(&f->rf, "C")->national_id, "001068012346");
    assert_string_equal(row_named(&f->rf, "D")->phone, "0912345671");
    assert_error(&f->rf, 6, "Số điện thoại");
    assert_error(&f->rf, 7, "Số điện thoại");
    assert_error(&f->rf, 8, "Số CCCD");
    assert_int_equal(f->rf.n_errors, 3);
}

static void test_repeated_cccd_reported(void **state)
{
    struct fixture *f = *state;
    parse_str(f, "Mã hộ,Họ và tên,Thôn,CCCD\nH1,A,T,001068012345\nH2,B,T,001068012345\n");
    assert_error(&f->rf, 3, "trùng với dòng 2");
    assert_int_equal(f->rf.n_errors, 1);
}

static void test_unknown_village_with_commune_list(void **state)
{
    struct fixture *f = *state;
    struct roll_village v[] = {{11, "0101", "Thôn Đông"},
                               {12, "0102", "Thôn Đoài"},
                               {13, "0103", "Tổ dân phố 1"},
                               {14, "0104", "Thôn 1"}};
    struct roll_opts o = {{2026, 11, 23}, v, 4};
    const char *csv = "Mã hộ,Họ và tên,Thôn\n"
                      "H1,A,thon dong\n" /* folded name */
                      "H2,B,0102\n"      /* code */
                      "H3,C,Đông\n"      /* short name, unique */
                      "H4,D,Thôn Bắc\n"  /* unknown */
                      "H5,E,1\n"         /* "Tổ dân phố 1" or "Thôn 1" */
                      "H1,F,Thôn Đông\n";
    parse_bytes(f, csv, strlen(csv), &o);
    assert_int_equal(row_named(&f->rf, "A")->village_id, 11);
    assert_int_equal(row_named(&f->rf, "B")->village_id, 12);
    assert_int_equal(row_named(&f->rf, "C")->village_id, 11);
    assert_error(&f->rf, 5, "Không có thôn, tổ dân phố \"Thôn Bắc\" ở nơi nhập danh sách này");
    assert_error(&f->rf, 6, "trùng với nhiều thôn");
    assert_int_equal(f->rf.n_errors, 2);
    /* "thon dong" and "Thôn Đông" are one village for household H1. */
    assert_int_equal(household(&f->rf, "H1")->n_members, 2);
    assert_int_equal(household(&f->rf, "H1")->village_id, 11);
}

static void test_missing_required_columns_named(void **state)
{
    struct fixture *f = *state;
    parse_str(f, "Họ và tên,Ngày sinh\nA,1990\n");
    assert_int_equal(f->rc, ERR_INVALID);
    assert_int_equal(f->rf.n_errors, 1);
    assert_error(&f->rf, 0, "Thiếu cột bắt buộc: Mã hộ, Thôn");

    parse_str(f, "a,b,c\n1,2,3\n");
    assert_int_equal(f->rc, ERR_INVALID);
    assert_error(&f->rf, 0, "Không tìm thấy dòng tiêu đề");

    parse_str(f, "");
    assert_int_equal(f->rc, ERR_INVALID);
    assert_error(&f->rf, 0, "Tệp trống");

    parse_str(f, "Mã hộ,Họ và tên,Thôn\n\n");
    assert_int_equal(f->rc, ERR_INVALID);
    assert_error(&f->rf, 0, "không có dòng dữ liệu");
}

static void test_windows1258_refused_with_advice(void **state)
{
    struct fixture *f = *state;
    parse_file(f, "tests/data/roll/win1258.csv");
    assert_int_equal(f->rc, ERR_INVALID);
    assert_int_equal(f->rf.n_errors, 1);
    assert_int_equal(f->rf.errors[0].line, 0);
    assert_string_equal(f->rf.errors[0].message,
                        "Tệp không phải UTF-8 hoặc UTF-16; hãy lưu lại bằng 'CSV UTF-8'");
    assert_int_equal(f->rf.n_rows, 0);
}

static void test_unclosed_quote_reported_on_its_line(void **state)
{
    struct fixture *f = *state;
    parse_str(f, "Mã hộ,Họ và tên,Thôn\nH1,A,T\nH1,\"B,T\nH1,C,T\n");
    assert_int_equal(f->rc, ERR_INVALID);
    assert_error(&f->rf, 3, "không được đóng");
}

static void test_old_xls_refused(void **state)
{
    struct fixture *f = *state;
    static const char ole[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 rest of an old workbook";
    parse_bytes(f, ole, sizeof ole - 1, NULL);
    assert_int_equal(f->rc, ERR_INVALID);
    assert_error(&f->rf, 0, ".xls");
}

/* ---- households and representatives (B3) ---- */

static void test_b3_head_becomes_representative(void **state)
{
    struct fixture *f = *state;
    parse_str(f, "Mã hộ,Họ và tên,Quan hệ với chủ hộ,Thôn,Địa chỉ\n"
                 "H1,Con Cả,Con,T,\n"
                 "H2,Chủ Hai,Chủ hộ,T,Số 2\n"
                 "H1,Chủ Một,CHU HO,T,Số 1\n"
                 "H1,Vợ Một,Vợ,T,\n");
    assert_no_errors(f);
    assert_int_equal(f->rf.n_households, 2);
    /* Households in the order they first appear; members grouped, in file order. */
    const struct roll_household *h1 = &f->rf.households[0];
    assert_string_equal(h1->code, "H1");
    assert_int_equal(h1->n_members, 3);
    assert_string_equal(f->rf.rows[h1->first_row].full_name, "Con Cả");
    assert_string_equal(f->rf.rows[h1->first_row + 1].full_name, "Chủ Một");
    assert_string_equal(f->rf.rows[h1->first_row + 2].full_name, "Vợ Một");
    assert_true(h1->has_head);
    assert_int_equal(h1->representative_row, (ptrdiff_t)h1->first_row + 1);
    assert_string_equal(h1->address, "Số 1");
    const struct roll_household *h2 = &f->rf.households[1];
    assert_string_equal(f->rf.rows[h2->representative_row].full_name, "Chủ Hai");
}

static void test_b3_marked_member_overrides_head(void **state)
{
    struct fixture *f = *state;
    parse_str(f, "Mã hộ,Họ và tên,Quan hệ,Thôn,Đại diện\n"
                 "H1,Ông Chủ,Chủ hộ,T,\n"
                 "H1,Con Đại Diện,Con,T,x\n"
                 "H1,Cháu,Cháu,T,không\n");
    assert_no_errors(f);
    const struct roll_household *h = &f->rf.households[0];
    assert_true(h->has_head);
    assert_string_equal(f->rf.rows[h->representative_row].full_name, "Con Đại Diện");
    assert_true(f->rf.rows[h->representative_row].is_representative);
}

static void test_b3_two_marked_representatives_refused(void **state)
{
    struct fixture *f = *state;
    parse_str(f, "Mã hộ,Họ và tên,Quan hệ,Thôn,Đại diện\n"
                 "H1,A,Chủ hộ,T,có\n"
                 "H1,B,Vợ,T,1\n"
                 "H1,C,Con,T,ai biết\n");
    assert_error(&f->rf, 3, "hơn một người được đánh dấu đại diện (dòng 2 và dòng 3)");
    assert_error(&f->rf, 4, "Cột đại diện");
    assert_true(household(&f->rf, "H1")->has_error);
}

static void test_b3_household_without_head_is_flagged_not_refused(void **state)
{
    struct fixture *f = *state;
    parse_str(f, "Mã hộ,Họ và tên,Quan hệ,Thôn\nH1,A,Anh,T\nH1,B,Em,T\n");
    assert_no_errors(f);
    const struct roll_household *h = &f->rf.households[0];
    assert_false(h->has_head);
    assert_int_equal(h->representative_row, -1);
}

static void test_b3_two_heads_refused(void **state)
{
    struct fixture *f = *state;
    parse_str(f, "Mã hộ,Họ và tên,Quan hệ,Thôn\nH1,A,Chủ hộ,T\nH1,B,Chủ hộ,T\n");
    assert_error(&f->rf, 3, "hơn một chủ hộ");
}

/* ---- template ---- */

static void test_template_csv_parses_back_clean(void **state)
{
    struct fixture *f = *state;
    struct buf b;
    buf_init(&b, f->a);
    rollfile_template_csv(&b);
    static const char head[] = "\xEF\xBB\xBFMã hộ,Họ và tên,Ngày sinh";
    assert_memory_equal(b.ptr, head, sizeof head - 1);
    parse_bytes(f, b.ptr, b.len, NULL);
    assert_no_errors(f);
    assert_int_equal(f->rf.n_households, 2);
    const struct roll_household *h2 = household(&f->rf, "H002");
    assert_string_equal(f->rf.rows[h2->representative_row].full_name, "Lê Thị Hoa");
    assert_string_equal(household(&f->rf, "H001")->address, "Xóm Giữa, Thôn Đông");
}

/* ---- XLSX ---- */

static char *temp_path(struct arena *a)
{
    char *p = arena_printf(a, "/tmp/rollfile_test_XXXXXX");
    int fd = mkstemp(p);
    assert_true(fd >= 0);
    close(fd);
    return p;
}

static char *read_and_unlink(struct arena *a, const char *path, size_t *n)
{
    char *s = slurp(a, path, n);
    unlink(path);
    return s;
}

/* A workbook as a village head makes it: a title row, a date cell, numbers. */
static void write_workbook(const char *path, int constant_memory)
{
    lxw_workbook_options wo = {.constant_memory = (uint8_t)constant_memory, .tmpdir = NULL};
    lxw_workbook *wb = workbook_new_opt(path, &wo);
    assert_non_null(wb);
    lxw_worksheet *hidden = workbook_add_worksheet(wb, "Cũ");
    worksheet_write_string(hidden, 0, 0, "not this sheet", NULL);
    worksheet_hide(hidden);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Danh sách");
    worksheet_set_first_sheet(ws);
    worksheet_activate(ws);
    lxw_format *datef = workbook_add_format(wb);
    format_set_num_format(datef, "dd/mm/yyyy");
    const char *head[] = {"STT",     "Mã hộ", "Họ và tên",     "Ngày sinh", "Giới tính",
                          "Quan hệ", "Thôn",  "Số điện thoại", "CCCD"};
    worksheet_write_string(ws, 0, 0, "DANH SÁCH HỘ GIA ĐÌNH", NULL);
    for (int c = 0; c < 9; c++)
        worksheet_write_string(ws, 2, (lxw_col_t)c, head[c], NULL);
    /* Row 4: a date cell, a phone typed as a number (its 0 lost), CCCD as text. */
    lxw_datetime dt = {1985, 7, 15, 0, 0, 0};
    worksheet_write_number(ws, 3, 0, 1, NULL);
    worksheet_write_string(ws, 3, 1, "H01", NULL);
    worksheet_write_string(ws, 3, 2, "Nguyễn Văn Bình", NULL);
    worksheet_write_datetime(ws, 3, 3, &dt, datef);
    worksheet_write_string(ws, 3, 4, "Nam", NULL);
    worksheet_write_string(ws, 3, 5, "Chủ hộ", NULL);
    worksheet_write_string(ws, 3, 6, "Thôn Đông", NULL);
    worksheet_write_number(ws, 3, 7, 912345678, NULL);
    worksheet_write_string(ws, 3, 8, "001085001234", NULL);
    /* Row 5: a year typed as a number; shared string repeated. */
    worksheet_write_number(ws, 4, 0, 2, NULL);
    worksheet_write_string(ws, 4, 1, "H01", NULL);
    worksheet_write_string(ws, 4, 2, "Trần Thị Cúc", NULL);
    worksheet_write_number(ws, 4, 3, 1987, NULL);
    worksheet_write_string(ws, 4, 4, "Nữ", NULL);
    worksheet_write_string(ws, 4, 5, "Vợ", NULL);
    worksheet_write_string(ws, 4, 6, "Thôn Đông", NULL);
    /* Row 7 (row 6 left empty): a serial number without date style, a CCCD number. */
    worksheet_write_string(ws, 6, 1, "H02", NULL);
    worksheet_write_string(ws, 6, 2, "Lê Văn Đức", NULL);
    worksheet_write_number(ws, 6, 3, 32874, NULL); /* 01/01/1990 */
    worksheet_write_string(ws, 6, 6, "Thôn Đoài", NULL);
    worksheet_write_number(ws, 6, 8, 1090001234, NULL);
    /* Row 8: errors, reported with the sheet's row number. */
    worksheet_write_string(ws, 7, 1, "H02", NULL);
    worksheet_write_number(ws, 7, 3, 60, datef); /* Excel's fictitious 29/02/1900 */
    worksheet_write_string(ws, 7, 6, "Thôn Đoài", NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
}

static void check_workbook(struct fixture *f)
{
    assert_int_equal(f->rc, 0);
    assert_string_equal(f->rf.format, "xlsx");
    assert_int_equal(f->rf.n_rows, 3);
    const struct roll_row *binh = row_named(&f->rf, "Nguyễn Văn Bình");
    assert_int_equal(binh->line, 4);
    assert_string_equal(binh->birth, "1985-07-15");
    assert_string_equal(binh->phone, "0912345678");
    assert_string_equal(binh->national_id, "001085001234");
    assert_string_equal(binh->relation, "Chủ hộ");
    const struct roll_row *cuc = row_named(&f->rf, "Trần Thị Cúc");
    assert_int_equal(cuc->line, 5);
    assert_string_equal(cuc->birth, "1987");
    assert_string_equal(cuc->gender, "nu");
    const struct roll_row *duc = row_named(&f->rf, "Lê Văn Đức");
    assert_int_equal(duc->line, 7);
    assert_string_equal(duc->birth, "1990-01-01");
    assert_string_equal(duc->national_id, "001090001234");
    assert_error(&f->rf, 8, "Thiếu họ và tên");
    assert_error(&f->rf, 8, "Ngày sinh \"29/02/1900\" không có thật");
    assert_int_equal(f->rf.n_errors, 2);
    assert_int_equal(f->rf.n_households, 2);
    assert_string_equal(f->rf.rows[household(&f->rf, "H01")->representative_row].full_name,
                        "Nguyễn Văn Bình");
}

static void test_xlsx_shared_strings_and_date_cell(void **state)
{
    struct fixture *f = *state;
    char *path = temp_path(f->a);
    write_workbook(path, 0);
    size_t n;
    char *bytes = read_and_unlink(f->a, path, &n);
    parse_bytes(f, bytes, n, NULL);
    check_workbook(f);
}

static void test_xlsx_inline_strings(void **state)
{
    struct fixture *f = *state;
    char *path = temp_path(f->a);
    write_workbook(path, 1); /* constant memory mode writes inline strings */
    size_t n;
    char *bytes = read_and_unlink(f->a, path, &n);
    assert_non_null(memmem(bytes, n, "sheet", 5));
    parse_bytes(f, bytes, n, NULL);
    check_workbook(f);
}

static void test_xlsx_merged_household_cells_fill_members(void **state)
{
    struct fixture *f = *state;
    char *path = temp_path(f->a);
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    const char *head[] = {"Mã hộ", "Họ và tên", "Thôn", "Địa chỉ", "Quan hệ"};
    for (int c = 0; c < 5; c++)
        worksheet_write_string(ws, 0, (lxw_col_t)c, head[c], NULL);
    /* One household written the way village heads do: code, village, address merged. */
    worksheet_merge_range(ws, 1, 0, 3, 0, "H01", NULL);
    worksheet_merge_range(ws, 1, 2, 3, 2, "Thôn Đông", NULL);
    worksheet_merge_range(ws, 1, 3, 3, 3, "Số 1, ngõ 2", NULL);
    worksheet_write_string(ws, 1, 1, "Phan Văn Tài", NULL);
    worksheet_write_string(ws, 1, 4, "Chủ hộ", NULL);
    worksheet_write_string(ws, 2, 1, "Phan Thị Lụa", NULL);
    worksheet_write_string(ws, 3, 1, "Phan Văn Lộc", NULL);
    /* Not merged: a member without a village is still reported. */
    worksheet_write_string(ws, 4, 0, "H02", NULL);
    worksheet_write_string(ws, 4, 1, "Mai Văn Sơn", NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    size_t n;
    char *bytes = read_and_unlink(f->a, path, &n);
    parse_bytes(f, bytes, n, NULL);
    const struct roll_household *h = household(&f->rf, "H01");
    assert_int_equal(h->n_members, 3);
    assert_false(h->has_error);
    assert_string_equal(h->village, "Thôn Đông");
    const struct roll_row *loc = row_named(&f->rf, "Phan Văn Lộc");
    assert_string_equal(loc->household_code, "H01");
    assert_string_equal(loc->village, "Thôn Đông");
    assert_string_equal(loc->address, "Số 1, ngõ 2");
    assert_error(&f->rf, 5, "Thiếu thôn");
    assert_int_equal(f->rf.n_errors, 1);
}

static void test_template_xlsx_parses_back_clean(void **state)
{
    struct fixture *f = *state;
    char *path = temp_path(f->a);
    assert_int_equal(rollfile_template_xlsx(path), 0);
    size_t n;
    char *bytes = read_and_unlink(f->a, path, &n);
    parse_bytes(f, bytes, n, NULL);
    assert_no_errors(f);
    assert_int_equal(f->rf.n_households, 2);
    assert_int_equal(f->rf.n_rows, 5);
    assert_string_equal(row_named(&f->rf, "Nguyễn Văn An")->phone, "0912345678");
    assert_string_equal(row_named(&f->rf, "Nguyễn Văn An")->birth, "1968-03-12");
}

/* Writes a ZIP with the given entries (name, data, length) to path. */
static void write_zip(const char *path, const char *const *names, const char *const *data,
                      const size_t *lens, size_t n)
{
    int err;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    assert_non_null(z);
    for (size_t i = 0; i < n; i++) {
        zip_source_t *s = zip_source_buffer(z, data[i], lens[i], 0);
        assert_non_null(s);
        assert_true(zip_file_add(z, names[i], s, ZIP_FL_ENC_UTF_8) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
}

static void test_xlsx_zip_bomb_refused(void **state)
{
    struct fixture *f = *state;
    size_t big = ROLLFILE_MAX_UNZIPPED + 1024;
    char *sheet = malloc(big);
    assert_non_null(sheet);
    static const char head[] = "<worksheet><sheetData>";
    memset(sheet, ' ', big);
    memcpy(sheet, head, sizeof head - 1);
    const char *names[] = {"xl/worksheets/sheet1.xml"};
    const char *data[] = {sheet};
    size_t lens[] = {big};
    char *path = temp_path(f->a);
    write_zip(path, names, data, lens, 1);
    free(sheet);
    size_t n;
    char *bytes = read_and_unlink(f->a, path, &n);
    assert_true(n < 1024 * 1024);
    parse_bytes(f, bytes, n, NULL);
    assert_int_equal(f->rc, ERR_TOO_LARGE);
    assert_error(&f->rf, 0, "quá lớn");
}

static void test_xlsx_minimal_hand_written(void **state)
{
    struct fixture *f = *state;
    /* No workbook.xml, prefixed element names, a DOCTYPE-free inline sheet. */
    static const char sheet[] =
        "<?xml version=\"1.0\"?><x:worksheet "
        "xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><x:sheetData>"
        "<x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>Ma ho</x:t></x:is></x:c>"
        "<x:c r=\"B1\" t=\"inlineStr\"><x:is><x:t>Ho va ten</x:t></x:is></x:c>"
        "<x:c r=\"C1\" t=\"inlineStr\"><x:is><x:t>Thon</x:t></x:is></x:c></x:row>"
        "<x:row r=\"2\"><x:c r=\"A2\" t=\"inlineStr\"><x:is><x:t>H1</x:t></x:is></x:c>"
        "<x:c r=\"B2\" t=\"inlineStr\"><x:is><x:r><x:t>Đinh </x:t></x:r><x:r><x:t>Thị "
        "Yến</x:t></x:r></x:is></x:c>"
        "<x:c r=\"C2\" t=\"str\"><x:f>A1</x:f><x:v>Thôn 5</x:v></x:c></x:row>"
        "</x:sheetData></x:worksheet>";
    const char *names[] = {"xl/worksheets/sheet1.xml"};
    const char *data[] = {sheet};
    size_t lens[] = {sizeof sheet - 1};
    char *path = temp_path(f->a);
    write_zip(path, names, data, lens, 1);
    size_t n;
    char *bytes = read_and_unlink(f->a, path, &n);
    parse_bytes(f, bytes, n, NULL);
    assert_no_errors(f);
    assert_string_equal(f->rf.rows[0].full_name, "Đinh Thị Yến");
    assert_string_equal(f->rf.rows[0].village, "Thôn 5");
}

static void test_xlsx_broken_or_doctype_refused(void **state)
{
    struct fixture *f = *state;
    static const char junk[] = "PK\3\4 this is not really a zip archive";
    parse_bytes(f, junk, sizeof junk - 1, NULL);
    assert_int_equal(f->rc, ERR_INVALID);
    assert_error(&f->rf, 0, "Tệp Excel bị hỏng");

    static const char sheet[] = "<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY a \"aaaa\">]>"
                                "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&a;</t>"
                                "</is></c></row></sheetData></worksheet>";
    const char *names[] = {"xl/worksheets/sheet1.xml"};
    const char *data[] = {sheet};
    size_t lens[] = {sizeof sheet - 1};
    char *path = temp_path(f->a);
    write_zip(path, names, data, lens, 1);
    size_t n;
    char *bytes = read_and_unlink(f->a, path, &n);
    parse_bytes(f, bytes, n, NULL);
    assert_int_equal(f->rc, ERR_INVALID);
    assert_error(&f->rf, 0, "Tệp Excel bị hỏng");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_utf8_bom_comma_with_multiline_address, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_utf8_without_bom, setup, teardown),
        cmocka_unit_test_setup_teardown(test_utf16le_bom_tab_separated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_utf16_without_bom_detected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_semicolon_headers_without_tone_marks_reordered, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_header_case_and_tone_variants, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_synonyms_and_title_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_excel_sep_line_and_crlf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nfd_input_stored_nfc_and_spaces_collapsed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_blank_lines_skipped_line_numbers_kept, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_every_bad_row_reported_on_its_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_date_formats_and_boundaries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gender_tolerates_case_and_missing_tone_marks, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_phone_and_cccd_normalised, setup, teardown),
        cmocka_unit_test_setup_teardown(test_repeated_cccd_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_village_with_commune_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_required_columns_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_windows1258_refused_with_advice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unclosed_quote_reported_on_its_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_old_xls_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_b3_head_becomes_representative, setup, teardown),
        cmocka_unit_test_setup_teardown(test_b3_marked_member_overrides_head, setup, teardown),
        cmocka_unit_test_setup_teardown(test_b3_two_marked_representatives_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_b3_household_without_head_is_flagged_not_refused,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_b3_two_heads_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_template_csv_parses_back_clean, setup, teardown),
        cmocka_unit_test_setup_teardown(test_xlsx_shared_strings_and_date_cell, setup, teardown),
        cmocka_unit_test_setup_teardown(test_xlsx_inline_strings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_xlsx_merged_household_cells_fill_members, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_template_xlsx_parses_back_clean, setup, teardown),
        cmocka_unit_test_setup_teardown(test_xlsx_zip_bomb_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_xlsx_minimal_hand_written, setup, teardown),
        cmocka_unit_test_setup_teardown(test_xlsx_broken_or_doctype_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

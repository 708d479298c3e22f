/*
 * roll_test.c - importing the household roll through the upload form
 * (POST /don-vi/{code}/nhap-ho), as the ward officer `canbo` does for
 * residential group 9900102: a good CSV, the same file again, a changed
 * file, a file with bad rows, an XLSX workbook and an oversized upload.
 *
 * Each case uses household codes of its own (9900102-8xxx), so cases do not
 * depend on each other's order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <xlsxwriter.h>

#include "harness.h"

#define BOM "\xEF\xBB\xBF"
#define HEADER                                                                                     \
    "mã hộ,họ và tên,ngày sinh,giới tính,quan hệ với chủ hộ,thôn,địa chỉ,số điện thoại,CCCD\r\n"
#define IMPORT "/don-vi/9900102/nhap-ho"

static struct h_server srv;

/* Three new households in 9900102, six people, Vietnamese names, Excel's BOM and CRLF. */
static const char good_csv[] = BOM HEADER
    "9900102-8001,Nguyễn Thị Hương,12/03/1975,Nữ,Chủ hộ,9900102,\"Số 5, ngõ 3\",0912345678,"
    "001175012345\r\n"
    "9900102-8001,Trần Văn Đức,1972,Nam,Chồng,9900102,,,\r\n"
    "9900102-8002,Lê Văn Bình,01/01/1960,Nam,Chủ hộ,9900102,Số 7,0987654321,\r\n"
    "9900102-8002,Phạm Thị Mai,1962,Nữ,Vợ,9900102,,,\r\n"
    "9900102-8002,Lê Thị Ánh,2001,Nữ,Con,9900102,,,\r\n"
    "9900102-8003,Đặng Quốc Việt,1990,Nam,Chủ hộ,Tổ dân phố số 2,Số 9,,\r\n";

static const char base_csv[] =
    BOM HEADER "9900102-8101,Hoàng Văn Nam,1980,Nam,Chủ hộ,9900102,Số 11,0911111111,\r\n"
               "9900102-8101,Vũ Thị Lan,1982,Nữ,Vợ,9900102,,0922222222,\r\n"
               "9900102-8102,Đỗ Minh Tâm,05/06/1970,Nam,Chủ hộ,9900102,Số 12,,\r\n"
               "9900102-8103,Bùi Thị Hoa,1955,Nữ,Chủ hộ,9900102,Số 13,,\r\n";

/* base_csv with Vũ Thị Lan's phone changed and a son added to 8102. */
static const char changed_csv[] =
    BOM HEADER "9900102-8101,Hoàng Văn Nam,1980,Nam,Chủ hộ,9900102,Số 11,0911111111,\r\n"
               "9900102-8101,Vũ Thị Lan,1982,Nữ,Vợ,9900102,,0933333333,\r\n"
               "9900102-8102,Đỗ Minh Tâm,05/06/1970,Nam,Chủ hộ,9900102,Số 12,,\r\n"
               "9900102-8102,Đỗ Minh Khang,2010,Nam,Con,9900102,,,\r\n"
               "9900102-8103,Bùi Thị Hoa,1955,Nữ,Chủ hộ,9900102,Số 13,,\r\n";

/* Line 2 is fine; lines 3-6 are each wrong in one way. */
static const char bad_csv[] =
    BOM HEADER "9900102-8201,Mai Văn Tốt,1980,Nam,Chủ hộ,9900102,Số 20,,\r\n"
               "9900102-8202,,1981,Nam,Chủ hộ,9900102,Số 21,,\r\n"
               "9900102-8203,Cao Văn Lạc,1982,Nam,Chủ hộ,Thôn Không Có,Số 22,,\r\n"
               "9900102-8204,Lý Thị Sai,31/02/1990,Nữ,Chủ hộ,9900102,Số 23,,\r\n"
               "9900101-0001,Tạ Văn Mượn,1983,Nam,Chủ hộ,9900102,Số 24,,\r\n";

static struct h_client *officer(void)
{
    struct h_client *c = h_client_new(&srv);
    assert_int_equal(h_signin(c, "canbo", "danchu2026"), 0);
    return c;
}

static struct h_response *upload(struct h_client *c, const char *name, const char *data, size_t len,
                                 int json)
{
    const char *csrf = h_csrf(c, IMPORT);
    assert_non_null(csrf);
    const char *f[] = {"_csrf", csrf, NULL};
    return h_post_multipart(c, json ? IMPORT "?format=json" : IMPORT, f, "tep", name, data, len);
}

static long long household_id(const char *code)
{
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT coalesce(max(id), 0) FROM households WHERE code = '%s'",
             code);
    return h_db_count(&srv, sql);
}

/* The household's page as JSON. */
static json_t *household(struct h_client *c, const char *code)
{
    long long id = household_id(code);
    assert_true(id > 0);
    struct h_response *r = h_get(c, h_fmt(c, "/ho/%lld?format=json", id));
    assert_int_equal(r->status, 200);
    return h_json(r);
}

static size_t n_events(struct h_client *c, const char *code)
{
    return json_array_size(h_jget(household(c, code), "events"));
}

static json_t *member_named(json_t *hh, const char *name)
{
    size_t i;
    json_t *m;
    json_array_foreach(h_jget(hh, "members"), i, m)
    {
        if (strcmp(h_jstr(m, "full_name"), name) == 0)
            return m;
    }
    return NULL;
}

/* The 9900102 list (one page holds it) as JSON. */
static json_t *group_list(struct h_client *c)
{
    struct h_response *r = h_get(c, "/don-vi/9900102/ho?format=json");
    assert_int_equal(r->status, 200);
    return h_json(r);
}

static json_t *listed(json_t *list, const char *code)
{
    size_t i;
    json_t *h;
    json_array_foreach(h_jget(list, "households"), i, h)
    {
        if (strcmp(h_jstr(h, "code"), code) == 0)
            return h;
    }
    return NULL;
}

static void import_good_csv_adds_households_then_same_file_changes_nothing(void **state)
{
    (void)state;
    struct h_client *c = officer();
    long long total_before = h_jint(group_list(c), "total");

    struct h_response *r = upload(c, "danh-sach.csv", good_csv, sizeof good_csv - 1, 1);
    assert_int_equal(r->status, 200);
    json_t *j = h_json(r);
    assert_int_equal(h_jint(j, "result.added_households"), 3);
    assert_int_equal(h_jint(j, "result.added_members"), 6);
    assert_int_equal(h_jint(j, "result.updated_households"), 0);
    assert_false(json_is_true(h_jget(j, "result.unchanged")));

    /* In the list, as HTML and as JSON. */
    json_t *list = group_list(c);
    assert_int_equal(h_jint(list, "total"), total_before + 3);
    json_t *h2 = listed(list, "9900102-8002");
    assert_non_null(h2);
    assert_string_equal(h_jstr(h2, "representative"), "Lê Văn Bình");
    assert_int_equal(h_jint(h2, "n_members"), 3);
    assert_non_null(listed(list, "9900102-8001"));
    assert_non_null(listed(list, "9900102-8003"));
    r = h_get(c, "/don-vi/9900102/ho");
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "9900102-8001"));
    assert_true(h_has(r, "Nguyễn Thị Hương"));
    assert_true(h_has(r, "Đặng Quốc Việt"));
    json_t *hh = household(c, "9900102-8001");
    assert_string_equal(h_jstr(hh, "household.address"), "Số 5, ngõ 3");
    json_t *m = member_named(hh, "Nguyễn Thị Hương");
    assert_non_null(m);
    assert_string_equal(h_jstr(m, "birth"), "1975-03-12");
    assert_string_equal(h_jstr(m, "phone"), "0912345678");
    assert_string_equal(h_jstr(m, "gender"), "nu");

    /* The same file again: nothing new anywhere. */
    size_t ev[3] = {n_events(c, "9900102-8001"), n_events(c, "9900102-8002"),
                    n_events(c, "9900102-8003")};
    long long audit = h_db_count(&srv, "SELECT count(*) FROM audit_log");
    long long hev = h_db_count(&srv, "SELECT count(*) FROM household_events");
    r = upload(c, "danh-sach.csv", good_csv, sizeof good_csv - 1, 0);
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "Không có gì thay đổi"));
    r = upload(c, "danh-sach.csv", good_csv, sizeof good_csv - 1, 1);
    assert_int_equal(r->status, 200);
    j = h_json(r);
    assert_true(json_is_true(h_jget(j, "result.unchanged")));
    assert_int_equal(h_jint(j, "result.added_households"), 0);
    assert_int_equal(h_jint(j, "result.added_members"), 0);
    assert_int_equal(h_jint(j, "result.updated_members"), 0);
    assert_int_equal(n_events(c, "9900102-8001"), ev[0]);
    assert_int_equal(n_events(c, "9900102-8002"), ev[1]);
    assert_int_equal(n_events(c, "9900102-8003"), ev[2]);
    assert_int_equal(h_db_count(&srv, "SELECT count(*) FROM audit_log"), audit);
    assert_int_equal(h_db_count(&srv, "SELECT count(*) FROM household_events"), hev);
    assert_int_equal(h_jint(group_list(c), "total"), total_before + 3);
    h_client_free(c);
}

static void import_changed_file_updates_only_what_changed(void **state)
{
    (void)state;
    struct h_client *c = officer();
    struct h_response *r = upload(c, "ban-dau.csv", base_csv, sizeof base_csv - 1, 1);
    assert_int_equal(r->status, 200);
    assert_int_equal(h_jint(h_json(r), "result.added_households"), 3);
    size_t ev[3] = {n_events(c, "9900102-8101"), n_events(c, "9900102-8102"),
                    n_events(c, "9900102-8103")};
    long long members = h_db_count(&srv, "SELECT count(*) FROM members");

    r = upload(c, "sua-doi.csv", changed_csv, sizeof changed_csv - 1, 1);
    assert_int_equal(r->status, 200);
    json_t *j = h_json(r);
    assert_false(json_is_true(h_jget(j, "result.unchanged")));
    assert_int_equal(h_jint(j, "result.added_households"), 0);
    assert_int_equal(h_jint(j, "result.updated_households"), 2);
    assert_int_equal(h_jint(j, "result.updated_members"), 1);
    assert_int_equal(h_jint(j, "result.added_members"), 1);
    assert_int_equal(h_jint(j, "result.representative_changes"), 0);

    json_t *a = household(c, "9900102-8101");
    assert_string_equal(h_jstr(member_named(a, "Vũ Thị Lan"), "phone"), "0933333333");
    assert_string_equal(h_jstr(member_named(a, "Hoàng Văn Nam"), "phone"), "0911111111");
    json_t *b = household(c, "9900102-8102");
    assert_int_equal(json_array_size(h_jget(b, "members")), 2);
    assert_non_null(member_named(b, "Đỗ Minh Khang"));
    assert_string_equal(h_jstr(b, "household.representative"), "Đỗ Minh Tâm");
    assert_int_equal(n_events(c, "9900102-8101"), ev[0] + 1);
    assert_int_equal(n_events(c, "9900102-8102"), ev[1] + 1);
    assert_int_equal(n_events(c, "9900102-8103"), ev[2]);
    assert_int_equal(h_db_count(&srv, "SELECT count(*) FROM members"), members + 1);
    /* The list's member counts and representatives follow the import (migration 0008). */
    assert_int_equal(h_jint(h_json(h_get(c, "/don-vi/9900102/ho?q=9900102-8102&format=json")),
                            "households[0].n_members"),
                     2);
    assert_int_equal(h_roll_summary_mismatches(&srv), 0);
    h_client_free(c);
}

static void import_bad_rows_lists_every_line_and_applies_nothing(void **state)
{
    (void)state;
    struct h_client *c = officer();
    long long total = h_jint(group_list(c), "total");
    long long households = h_db_count(&srv, "SELECT count(*) FROM households");
    long long audit = h_db_count(&srv, "SELECT count(*) FROM audit_log");

    struct h_response *r = upload(c, "loi.csv", bad_csv, sizeof bad_csv - 1, 1);
    assert_int_equal(r->status, 422);
    json_t *errors = h_jget(h_json(r), "errors");
    assert_true(json_is_array(errors));
    int seen[8] = {0};
    size_t i;
    json_t *e;
    json_array_foreach(errors, i, e)
    {
        long long line = h_jint(e, "line");
        assert_true(line >= 3 && line <= 6);
        assert_non_null(h_jstr(e, "message"));
        seen[line]++;
    }
    for (int line = 3; line <= 6; line++) {
        if (!seen[line])
            fprintf(stderr, "line %d is not listed among the errors\n", line);
        assert_true(seen[line] > 0);
    }
    assert_int_equal(seen[2], 0);

    /* The page says so in Vietnamese, line by line. */
    r = upload(c, "loi.csv", bad_csv, sizeof bad_csv - 1, 0);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Không có dữ liệu nào được thay đổi"));
    for (int line = 3; line <= 6; line++)
        assert_true(h_has(r, h_fmt(c, "<td class=\"num\">%d</td>", line)));
    assert_true(h_has(r, "Thiếu họ và tên"));
    assert_true(h_has(r, "31/02/1990"));
    assert_true(h_has(r, "Thôn Không Có"));

    /* Nothing applied, not even the good line 2. */
    assert_int_equal(h_jint(group_list(c), "total"), total);
    assert_int_equal(h_db_count(&srv, "SELECT count(*) FROM households"), households);
    assert_int_equal(household_id("9900102-8201"), 0);
    assert_int_equal(h_db_count(&srv, "SELECT count(*) FROM audit_log"), audit);
    h_client_free(c);
}

/* Builds a small workbook with libxlsxwriter; returns its bytes (malloc'd). */
static char *xlsx_bytes(size_t *len)
{
    char path[700];
    assert_int_equal(h_write_file(&srv, "so-ho.xlsx", "", 0, path, sizeof path), 0);
    lxw_workbook *wb = workbook_new(path);
    assert_non_null(wb);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Danh sách hộ");
    static const char *const cells[3][7] = {
        {"Mã hộ", "Họ và tên", "Ngày sinh", "Giới tính", "Quan hệ với chủ hộ", "Thôn", "Địa chỉ"},
        {"9900102-8301", "Khúc Thị Xuân", "20/10/1968", "Nữ", "Chủ hộ", "9900102", "Số 30"},
        {"9900102-8301", "Khúc Văn Hạ", "1995", "Nam", "Con", "9900102", ""},
    };
    for (int row = 0; row < 3; row++)
        for (int col = 0; col < 7; col++)
            worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, cells[row][col], NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *data = malloc(1 << 20);
    assert_non_null(data);
    *len = fread(data, 1, 1 << 20, f);
    fclose(f);
    assert_true(*len > 100);
    return data;
}

static void import_xlsx_workbook(void **state)
{
    (void)state;
    struct h_client *c = officer();
    size_t len = 0;
    char *data = xlsx_bytes(&len);
    struct h_response *r = upload(c, "so-ho.xlsx", data, len, 1);
    free(data);
    assert_int_equal(r->status, 200);
    assert_int_equal(h_jint(h_json(r), "result.added_households"), 1);
    assert_int_equal(h_jint(h_json(r), "result.added_members"), 2);
    json_t *hh = household(c, "9900102-8301");
    assert_string_equal(h_jstr(hh, "household.representative"), "Khúc Thị Xuân");
    assert_string_equal(h_jstr(member_named(hh, "Khúc Thị Xuân"), "birth"), "1968-10-20");
    h_client_free(c);
}

static void import_over_20_mb_is_refused_quickly(void **state)
{
    (void)state;
    struct h_client *c = officer();
    size_t len = 21u * 1024 * 1024;
    char *data = malloc(len);
    assert_non_null(data);
    memcpy(data, good_csv, sizeof good_csv - 1);
    memset(data + sizeof good_csv - 1, ' ', len - (sizeof good_csv - 1));
    long long households = h_db_count(&srv, "SELECT count(*) FROM households");
    struct h_response *r = upload(c, "qua-lon.csv", data, len, 0);
    free(data);
    assert_true(r->seconds < 3.0);
    assert_int_equal(h_db_count(&srv, "SELECT count(*) FROM households"), households);
    /* The server is still fine afterwards. */
    assert_int_equal(h_get(c, "/healthz")->status, 200);
    assert_int_equal(r->status, 413);
    assert_true(h_has(r, "quá lớn"));
    h_client_free(c);
}

static void import_needs_import_right_on_the_group(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    assert_int_equal(h_signin(c, "truongthon", "danchu2026"), 0);
    assert_int_equal(h_get(c, IMPORT)->status, 403);
    const char *csrf = h_csrf(c, "/don-vi/9900101/nhap-ho");
    assert_non_null(csrf);
    const char *f[] = {"_csrf", csrf, NULL};
    struct h_response *r =
        h_post_multipart(c, IMPORT, f, "tep", "x.csv", good_csv, sizeof good_csv - 1);
    assert_int_equal(r->status, 403);
    h_client_free(c);
}

static void template_download_is_csv_with_bom(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    struct h_response *r = h_get(c, "/mau-danh-sach-ho.csv");
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(h_header(r, "Content-Type"), "text/csv"));
    assert_true(r->len > 3);
    assert_memory_equal(r->body, BOM, 3);
    assert_true(h_has(r, "Mã hộ"));
    h_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(import_good_csv_adds_households_then_same_file_changes_nothing),
        cmocka_unit_test(import_changed_file_updates_only_what_changed),
        cmocka_unit_test(import_bad_rows_lists_every_line_and_applies_nothing),
        cmocka_unit_test(import_xlsx_workbook),
        cmocka_unit_test(import_over_20_mb_is_refused_quickly),
        cmocka_unit_test(import_needs_import_right_on_the_group),
        cmocka_unit_test(template_download_is_csv_with_bom),
    };
    return h_run_group(tests, &srv);
}

/*
 * cli_test.c - the danchu command line run as an operator would: help
 * texts, `units list --format json`, `import households` (bad file refused
 * line by line, good file twice), `audit verify` before and after someone
 * edits the audit log by hand, `backup`, and `users add` followed by a real
 * sign-in on the served database.
 *
 * The commands run against a demo database made by the harness (SQLite
 * file, or a PostgreSQL database when DANCHU_TEST_PG_URL is set); only the
 * last case starts a server.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "harness.h"

#define BOM "\xEF\xBB\xBF"
#define HEADER "Mã hộ;Họ và tên;Ngày sinh;Giới tính;Quan hệ với chủ hộ;Thôn;Địa chỉ\n"

static struct h_server srv;

static const char good_csv[] = BOM HEADER "9900103-5001;Tô Văn Dòng;1966;Nam;Chủ hộ;9900103;Số 51\n"
                                          "9900103-5001;Tô Thị Lệnh;1968;Nữ;Vợ;9900103;\n"
                                          "9900103-5002;Hứa Thị Nhập;02/09/1979;Nữ;Chủ hộ;"
                                          "Tổ dân phố số 3;Số 52\n";

/* Line 3: no name; line 4: a village of another commune; line 5: 31 February. */
static const char bad_csv[] =
    BOM HEADER "9900103-5101;Ninh Văn Ổn;1970;Nam;Chủ hộ;9900103;Số 1\n"
               "9900103-5102;;1971;Nam;Chủ hộ;9900103;Số 2\n"
               "9900103-5103;Ninh Văn Lạc;1972;Nam;Chủ hộ;9900201;Số 3\n"
               "9900103-5104;Ninh Thị Sai;31/02/1990;Nữ;Chủ hộ;9900103;\n";

static void help_texts_exit_zero(void **state)
{
    (void)state;
    struct h_proc p;
    assert_int_equal(h_run(&srv, (const char *[]){"--help", NULL}, NULL, &p), 0);
    assert_non_null(strstr(p.out, "Usage: danchu COMMAND"));
    assert_non_null(strstr(p.out, "import"));
    assert_non_null(strstr(p.out, "audit"));
    h_proc_free(&p);
    assert_int_equal(h_run(&srv, (const char *[]){"import", "--help", NULL}, NULL, &p), 0);
    assert_non_null(strstr(p.out, "danchu import households --unit CODE FILE"));
    assert_non_null(strstr(p.out, "--db URL"));
    h_proc_free(&p);
    /* Misuse is not success. */
    assert_true(h_run(&srv, (const char *[]){"khong-co-lenh", NULL}, NULL, &p) != 0);
    assert_non_null(strstr(p.err, "unknown command"));
    h_proc_free(&p);
    assert_true(h_run(&srv, (const char *[]){"import", "--khong-co", NULL}, NULL, &p) != 0);
    h_proc_free(&p);
}

static void units_list_json(void **state)
{
    (void)state;
    static const char *const kinds[] = {"province", "commune_rural",     "ward",  "special_zone",
                                        "village",  "residential_group", "agency"};
    struct h_proc p;
    int rc =
        h_run(&srv, (const char *[]){"units", "list", "--format", "json", "--db", srv.db_url, NULL},
              NULL, &p);
    assert_int_equal(rc, 0);
    json_error_t err;
    json_t *j = json_loads(p.out, 0, &err);
    assert_non_null(j);
    json_t *units = json_object_get(j, "units");
    assert_true(json_is_array(units));
    assert_int_equal(json_array_size(units), 13);
    size_t i;
    json_t *u;
    int found_group = 0;
    json_array_foreach(units, i, u)
    {
        assert_true(json_is_string(json_object_get(u, "code")));
        assert_true(json_is_string(json_object_get(u, "name")));
        assert_true(json_is_string(json_object_get(u, "parent")));
        const char *kind = json_string_value(json_object_get(u, "kind"));
        assert_non_null(kind);
        int ok = 0;
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
            ok |= strcmp(kind, kinds[k]) == 0;
        assert_true(ok);
        if (strcmp(json_string_value(json_object_get(u, "code")), "9900101") == 0) {
            found_group = 1;
            assert_string_equal(kind, "residential_group");
            assert_string_equal(json_string_value(json_object_get(u, "parent")), "99001");
        }
    }
    assert_true(found_group);
    json_decref(j);
    h_proc_free(&p);
}

static void import_bad_file_lists_each_line_and_exits_nonzero(void **state)
{
    (void)state;
    char path[700];
    assert_int_equal(h_write_file(&srv, "loi.csv", bad_csv, sizeof bad_csv - 1, path, sizeof path),
                     0);
    long long before = h_db_count(&srv, "SELECT count(*) FROM households");
    struct h_proc p;
    int rc = h_run(&srv,
                   (const char *[]){"import", "households", "--unit", "9900103", path, "--db",
                                    srv.db_url, NULL},
                   NULL, &p);
    assert_true(rc != 0);
    assert_non_null(strstr(p.err, "nothing imported"));
    assert_non_null(strstr(p.err, "dòng 3:"));
    assert_non_null(strstr(p.err, "dòng 4:"));
    assert_non_null(strstr(p.err, "dòng 5:"));
    assert_null(strstr(p.err, "dòng 2:"));
    assert_non_null(strstr(p.err, "Thiếu họ và tên"));
    h_proc_free(&p);
    assert_int_equal(h_db_count(&srv, "SELECT count(*) FROM households"), before);
    assert_int_equal(
        h_db_count(&srv, "SELECT count(*) FROM households WHERE code = '9900103-5101'"), 0);
}

static void import_good_file_twice_second_changes_nothing(void **state)
{
    (void)state;
    char path[700];
    assert_int_equal(
        h_write_file(&srv, "tot.csv", good_csv, sizeof good_csv - 1, path, sizeof path), 0);
    const char *args[] = {"import", "households", "--unit",   "9900103",
                          path,     "--db",       srv.db_url, NULL};
    struct h_proc p;
    assert_int_equal(h_run(&srv, args, NULL, &p), 0);
    assert_non_null(strstr(p.out, "2 household(s) added, 0 updated; 3 member(s) added"));
    h_proc_free(&p);
    long long audit = h_db_count(&srv, "SELECT count(*) FROM audit_log");
    long long events = h_db_count(&srv, "SELECT count(*) FROM household_events");
    assert_int_equal(h_run(&srv, args, NULL, &p), 0);
    assert_non_null(strstr(p.out, "0 household(s) added, 0 updated; 0 member(s) added, 0 updated"));
    h_proc_free(&p);
    assert_int_equal(h_db_count(&srv, "SELECT count(*) FROM audit_log"), audit);
    assert_int_equal(h_db_count(&srv, "SELECT count(*) FROM household_events"), events);
    assert_int_equal(
        h_db_count(&srv, "SELECT count(*) FROM households WHERE code LIKE '9900103-50%'"), 2);
}

static void backup_is_readable(void **state)
{
    (void)state;
    char path[700];
    assert_int_equal(h_write_file(&srv, "sao-luu.bak", "", 0, path, sizeof path), 0);
    remove(path);
    struct h_proc p;
    assert_int_equal(
        h_run(&srv, (const char *[]){"backup", path, "--db", srv.db_url, NULL}, NULL, &p), 0);
    h_proc_free(&p);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size > 1000);
    if (srv.is_pg) {
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        char *text = calloc(1, (size_t)st.st_size + 1);
        assert_non_null(text);
        assert_int_equal(fread(text, 1, (size_t)st.st_size, f), (size_t)st.st_size);
        fclose(f);
        int ok = strstr(text, "CREATE TABLE") && strstr(text, "audit_log") &&
                 strstr(text, "Phường Bình Minh");
        free(text);
        assert_true(ok);
        return;
    }
    const char *url = NULL;
    char buf[800];
    snprintf(buf, sizeof buf, "sqlite:%s", path);
    url = buf;
    assert_int_equal(h_run(&srv,
                           (const char *[]){"units", "list", "--format", "json", "--db", url, NULL},
                           NULL, &p),
                     0);
    json_t *j = json_loads(p.out, 0, NULL);
    assert_non_null(j);
    assert_int_equal(json_array_size(json_object_get(j, "units")), 13);
    json_decref(j);
    h_proc_free(&p);
}

static void audit_verify_detects_a_row_edited_by_hand(void **state)
{
    (void)state;
    /* A database of its own: this case breaks the chain on purpose. */
    struct h_server own;
    assert_int_equal(h_db_create(&own), 0);
    struct h_proc p;
    const char *args[] = {"audit", "verify", "--db", own.db_url, NULL};
    int rc = h_run(&own, args, NULL, &p);
    if (rc != 0)
        fprintf(stderr, "%s%s", p.out, p.err);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(p.out, "intact"));
    h_proc_free(&p);

    long long id = h_db_count(&own, "SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 3");
    assert_true(id > 0);
    char sql[200];
    snprintf(sql, sizeof sql, "UPDATE audit_log SET detail = 'sửa tay' WHERE id = %lld", id);
    assert_int_equal(h_db_exec(&own, sql), 0);
    rc = h_run(&own, args, NULL, &p);
    assert_int_equal(rc, 1);
    char want[64];
    snprintf(want, sizeof want, "row %lld", id);
    const char *both = strstr(p.out, want) ? p.out : p.err;
    assert_non_null(strstr(both, want));
    assert_non_null(strstr(both, "ALTERED"));
    h_proc_free(&p);

    assert_int_equal(h_stop(&own), 0);
}

static void users_add_then_sign_in(void **state)
{
    (void)state;
    struct h_proc p;
    const char *args[] = {
        "users",    "add",       "--unit", "9900104",     "--role",           "village_head",
        "--login",  "totruong4", "--name", "Kha Văn Bốn", "--password-stdin", "--db",
        srv.db_url, NULL};
    int rc = h_run(&srv, args, "mat-khau-rat-dai-2026\n", &p);
    if (rc != 0)
        fprintf(stderr, "%s%s", p.out, p.err);
    assert_int_equal(rc, 0);
    h_proc_free(&p);
    /* An unknown role is refused. */
    const char *bad[] = {"users",   "add", "--unit", "9900104",  "--role", "vua",
                         "--login", "x",   "--db",   srv.db_url, NULL};
    assert_true(h_run(&srv, bad, NULL, &p) != 0);
    h_proc_free(&p);

    assert_int_equal(h_serve(&srv), 0);
    struct h_client *c = h_client_new(&srv);
    assert_int_equal(h_signin(c, "totruong4", "mat-khau-rat-dai-2026"), 0);
    struct h_response *r = h_get(c, "/don-vi/9900104/ho");
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "Kha Văn Bốn"));
    assert_int_equal(h_get(c, "/don-vi/9900105/ho")->status, 403);
    /* Only his own group. */
    r = h_get(c, "/don-vi/9900103/ho?format=json");
    assert_int_equal(r->status, 403);
    h_client_free(c);
}

/* The server keeps the unit tree in memory (units/cache.c): a unit renamed or added by the
 * command line while it runs shows on the next signed-in page and counts for permissions. */
static void units_changed_by_command_line_reach_the_running_server(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    assert_int_equal(h_signin(c, "canbo", "danchu2026"), 0);
    struct h_response *r = h_get(c, "/don-vi/9900101/ho?format=json");
    assert_int_equal(r->status, 200);
    const char *old_name = h_jstr(h_json(r), "unit.name");
    assert_non_null(old_name);
    assert_int_equal(h_get(c, "/don-vi/9900199/ho")->status, 403); /* no such unit yet */

    static const char csv[] = "code,kind,name,parent\n"
                              "9900101,residential_group,Tổ dân phố Đổi Tên,99001\n"
                              "9900199,village,Thôn Mới Lập,99001\n";
    char path[700];
    assert_int_equal(h_write_file(&srv, "don-vi.csv", csv, sizeof csv - 1, path, sizeof path), 0);
    struct h_proc p;
    assert_int_equal(
        h_run(&srv, (const char *[]){"import", "units", path, "--db", srv.db_url, NULL}, NULL, &p),
        0);
    h_proc_free(&p);

    r = h_get(c, "/don-vi/9900101/ho?format=json");
    assert_int_equal(r->status, 200);
    assert_string_equal(h_jstr(h_json(r), "unit.name"), "Tổ dân phố Đổi Tên");
    /* The new village is found, and the commune official's role reaches it. */
    r = h_get(c, "/don-vi/9900199/ho?format=json");
    assert_int_equal(r->status, 200);
    assert_string_equal(h_jstr(h_json(r), "unit.name"), "Thôn Mới Lập");
    assert_string_equal(h_jstr(h_json(r), "unit.parent.code"), "99001");
    h_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(help_texts_exit_zero),
        cmocka_unit_test(units_list_json),
        cmocka_unit_test(import_bad_file_lists_each_line_and_exits_nonzero),
        cmocka_unit_test(import_good_file_twice_second_changes_nothing),
        cmocka_unit_test(backup_is_readable),
        cmocka_unit_test(audit_verify_detects_a_row_edited_by_hand),
        cmocka_unit_test(users_add_then_sign_in),
        cmocka_unit_test(units_changed_by_command_line_reach_the_running_server),
    };
    return h_run_group(tests, &srv);
}

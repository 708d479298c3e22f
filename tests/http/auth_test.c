/*
 * auth_test.c - signing in and out, the sign-in rate limit, and who may see
 * or change which part of the household roll, through the real server.
 *
 * Demo accounts (password danchu2026): truongthon heads group 9900101,
 * canbo is an officer of the ward 99001, tinh administers the province,
 * nguoidan is a resident without roll rights, hdnd sits on the ward's council
 * (may view, may not edit), truongthon2 heads village 9900201.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define PW "danchu2026"
#define WRONG_PW_MSG "Tên đăng nhập hoặc mật khẩu không đúng."

static struct h_server srv;

/* A refused sign-in shows the form again: 200 as documented; the server answers 422 (the
 * status http_form_error sets), which a browser shows the same way. Never a redirect. */
#define assert_form_again(r) assert_true((r)->status == 200 || (r)->status == 422)

/* Posts the sign-in form from a fresh copy of it. */
static struct h_response *post_signin(struct h_client *c, const char *login, const char *pw,
                                      const char *next)
{
    const char *csrf = h_csrf(c, h_fmt(c, "/dang-nhap?tiep=%s", next));
    assert_non_null(csrf);
    const char *f[] = {"_csrf", csrf, "ten_dang_nhap", login, "mat_khau", pw, "tiep", next, NULL};
    return h_post_form(c, "/dang-nhap", f);
}

static void signin_good_password_opens_session(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    struct h_response *r = post_signin(c, "truongthon", PW, "/don-vi/9900101/ho");
    assert_int_equal(r->status, 303);
    assert_string_equal(h_header(r, "Location"), "/don-vi/9900101/ho");
    const char *sc = h_set_cookie(r, "dc_session");
    assert_non_null(sc);
    assert_non_null(strstr(sc, "HttpOnly"));
    assert_non_null(strstr(sc, "SameSite="));
    assert_non_null(h_cookie(c, "dc_session"));

    r = h_get(c, "/don-vi/9900101/ho");
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "Phạm Văn Tổ trưởng"));
    assert_true(h_has(r, "9900101-0001"));
    h_client_free(c);
}

static void signin_wrong_password_shows_error_and_no_session(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    struct h_response *r = post_signin(c, "chutich", "sai-mat-khau", "/");
    assert_form_again(r);
    assert_true(h_has(r, WRONG_PW_MSG));
    assert_true(h_has(r, "value=\"chutich\"")); /* the login stays typed in */
    assert_null(h_set_cookie(r, "dc_session"));
    assert_null(h_cookie(c, "dc_session"));
    r = h_get(c, "/don-vi/9900101/ho");
    assert_int_equal(r->status, 303);
    h_client_free(c);
}

static void signin_unknown_login_same_message(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    struct h_response *bad_pw = post_signin(c, "quantri", "khong-dung-dau", "/");
    struct h_response *unknown = post_signin(c, "khong-co-ai", PW, "/");
    assert_form_again(unknown);
    assert_true(h_has(unknown, WRONG_PW_MSG));
    assert_true(h_has(bad_pw, WRONG_PW_MSG));
    assert_null(h_set_cookie(unknown, "dc_session"));
    /* Nothing tells an unknown login from a known one: same status, same sentence. */
    assert_int_equal(unknown->status, bad_pw->status);
    assert_int_equal(h_count(unknown, WRONG_PW_MSG), h_count(bad_pw, WRONG_PW_MSG));
    h_client_free(c);
}

static void signout_ends_session(void **state)
{
    (void)state;
    struct h_client *c = h_signed_in(&srv, "mattran");
    const char *old = h_cookie(c, "dc_session");
    assert_non_null(old);
    struct h_response *r = h_get(c, "/don-vi/9900101/ho");
    assert_int_equal(r->status, 200);
    const char *csrf = h_between(c, r, "name=\"_csrf\" value=\"", "\"");
    assert_non_null(csrf);
    /* The same cookie on several connections: each server thread has seen the session (and
     * keeps it in memory, auth/session.c). */
    struct h_client *copies[12];
    for (size_t i = 0; i < 12; i++) {
        copies[i] = h_client_new(&srv);
        h_cookie_put(copies[i], "dc_session", old);
        assert_int_equal(h_get(copies[i], "/don-vi/9900101/ho?format=json")->status, 200);
    }
    const char *f[] = {"_csrf", csrf, NULL};
    r = h_post_form(c, "/dang-xuat", f);
    assert_int_equal(r->status, 303);
    assert_string_equal(h_header(r, "Location"), "/");
    assert_null(h_cookie(c, "dc_session"));
    for (size_t i = 0; i < 12; i++) {
        h_cookie_put(copies[i], "dc_session", old);
        assert_int_equal(h_get(copies[i], "/don-vi/9900101/ho?format=json")->status, 401);
        h_client_free(copies[i]);
    }

    /* Someone who kept the old cookie is not let in. */
    struct h_client *thief = h_client_new(&srv);
    h_cookie_put(thief, "dc_session", old);
    r = h_get(thief, "/don-vi/9900101/ho");
    assert_int_equal(r->status, 303);
    assert_non_null(strstr(h_header(r, "Location"), "/dang-nhap"));
    h_cookie_put(thief, "dc_session", old);
    r = h_get(thief, "/don-vi/9900101/ho?format=json");
    assert_int_equal(r->status, 401);
    h_client_free(thief);
    h_client_free(c);
}

/* A role taken away, or an account disabled, by anyone (here straight in the database, as
 * another server or the command line would) counts from the next request of a signed-in
 * account, on every connection. */
static void revoked_role_and_disabled_account_count_at_once(void **state)
{
    (void)state;
    struct h_client *c[6];
    for (size_t i = 0; i < 6; i++) {
        c[i] = i ? h_client_new(&srv) : h_signed_in(&srv, "truongthon2");
        if (i)
            h_cookie_put(c[i], "dc_session", h_cookie(c[0], "dc_session"));
        assert_int_equal(h_get(c[i], "/don-vi/9900201/ho?format=json")->status, 200);
    }
    assert_int_equal(h_db_exec(&srv, "DELETE FROM account_roles WHERE account_id = (SELECT id "
                                     "FROM accounts WHERE login = 'truongthon2')"),
                     0);
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(h_get(c[i], "/don-vi/9900201/ho?format=json")->status, 403);
    assert_int_equal(h_db_exec(&srv, "INSERT INTO account_roles (account_id, unit_id, role) "
                                     "SELECT a.id, u.id, 'village_head' FROM accounts a, units u "
                                     "WHERE a.login = 'truongthon2' AND u.code = '9900201'"),
                     0);
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(h_get(c[i], "/don-vi/9900201/ho?format=json")->status, 200);
    assert_int_equal(
        h_db_exec(&srv, "UPDATE accounts SET status = 'disabled' WHERE login = 'truongthon2'"), 0);
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(h_get(c[i], "/don-vi/9900201/ho?format=json")->status, 401);
        h_client_free(c[i]);
    }
    assert_int_equal(
        h_db_exec(&srv, "UPDATE accounts SET status = 'active' WHERE login = 'truongthon2'"), 0);
}

static void signin_rate_limited_after_ten_bad_attempts(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    for (int i = 1; i <= 10; i++) {
        struct h_response *r = post_signin(c, "giamsat", "doan-mo-mat-khau", "/");
        assert_form_again(r);
        assert_true(h_has(r, WRONG_PW_MSG));
    }
    struct h_response *r = post_signin(c, "giamsat", "doan-tiep", "/");
    assert_int_equal(r->status, 429);
    assert_true(h_has(r, "quá nhiều lần"));
    /* Even the right password waits now. */
    r = post_signin(c, "giamsat", PW, "/");
    assert_int_equal(r->status, 429);
    assert_null(h_cookie(c, "dc_session"));
    /* From another address too: the limit is on the login as well. */
    struct h_client *other = h_client_new(&srv);
    r = post_signin(other, "giamsat", PW, "/");
    assert_int_equal(r->status, 429);
    h_client_free(other);
    h_client_free(c);
}

static void anonymous_roll_redirects_to_signin(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    struct h_response *r = h_get(c, "/don-vi/9900101/ho?q=Tr%E1%BA%A7n");
    assert_int_equal(r->status, 303);
    const char *loc = h_header(r, "Location");
    assert_non_null(loc);
    assert_int_equal(strncmp(loc, "/dang-nhap?tiep=", 16), 0);
    assert_non_null(strstr(loc, "%2Fdon-vi%2F9900101%2Fho"));
    /* Following it shows the form that returns there. */
    r = h_get(c, loc);
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "name=\"tiep\" value=\"/don-vi/9900101/ho?q="));

    r = h_get(c, "/don-vi/9900101/ho?format=json");
    assert_int_equal(r->status, 401);
    assert_int_equal(h_jint(h_json(r), "status"), 401);
    r = h_get_hdr(c, "/ho/1", (const char *[]){"Accept: application/json", NULL});
    assert_int_equal(r->status, 401);
    h_client_free(c);
}

/* ---- permissions --------------------------------------------------------------------------- */

static long long households_in_db(void)
{
    long long n = -1;
    assert_int_equal(h_db_int(&srv, "SELECT count(*) FROM households", &n), 0);
    return n;
}

/* Form fields of a valid new household with code `code`. */
#define NEW_HOUSEHOLD(csrf, code)                                                                  \
    {                                                                                              \
        "_csrf", (csrf), "ma_ho", (code), "dia_chi", "Số 1", "ho_ten", "Nguyễn Văn Thử",           \
            "gioi_tinh", "nam", NULL                                                               \
    }

static void resident_cannot_view_roll(void **state)
{
    (void)state;
    struct h_client *c = h_signed_in(&srv, "nguoidan");
    struct h_response *r = h_get(c, "/don-vi/9900101/ho");
    assert_int_equal(r->status, 403);
    assert_false(h_has(r, "9900101-0001"));
    r = h_get(c, "/ho/1");
    assert_int_equal(r->status, 403);
    r = h_get(c, "/don-vi/9900101/ho?format=json");
    assert_int_equal(r->status, 403);
    assert_null(h_jget(h_json(r), "households"));
    h_client_free(c);
}

static void village_head_only_own_village(void **state)
{
    (void)state;
    struct h_client *c = h_signed_in(&srv, "truongthon");
    assert_int_equal(h_get(c, "/don-vi/9900101/ho")->status, 200);
    assert_int_equal(h_get(c, "/don-vi/9900201/ho")->status, 403);
    assert_int_equal(h_get(c, "/don-vi/9900102/ho")->status, 403);
    assert_int_equal(h_get(c, "/don-vi/9900201/ho/them")->status, 403);

    long long before = households_in_db();
    const char *csrf = h_csrf(c, "/don-vi/9900101/ho");
    assert_non_null(csrf);
    const char *f[] = NEW_HOUSEHOLD(csrf, "9900201-9001");
    struct h_response *r = h_post_form(c, "/don-vi/9900201/ho", f);
    assert_int_equal(r->status, 403);
    assert_int_equal(households_in_db(), before);

    /* A household of another village is closed to him too. */
    long long other = -1;
    assert_int_equal(h_db_int(&srv,
                              "SELECT h.id FROM households h JOIN units u ON u.id = h.village_id "
                              "WHERE u.code = '9900201' ORDER BY h.id LIMIT 1",
                              &other),
                     0);
    assert_int_equal(h_get(c, h_fmt(c, "/ho/%lld", other))->status, 403);
    h_client_free(c);
}

static void officer_sees_ward_groups_not_rural_villages(void **state)
{
    (void)state;
    struct h_client *c = h_signed_in(&srv, "canbo");
    for (int g = 1; g <= 5; g++) {
        struct h_response *r = h_get(c, h_fmt(c, "/don-vi/990010%d/ho?format=json", g));
        assert_int_equal(r->status, 200);
        assert_true(h_jint(h_json(r), "total") > 0);
        assert_string_equal(h_jstr(h_json(r), "unit.code"), h_fmt(c, "990010%d", g));
    }
    for (int v = 1; v <= 5; v++)
        assert_int_equal(h_get(c, h_fmt(c, "/don-vi/990020%d/ho", v))->status, 403);
    assert_int_equal(h_get(c, "/don-vi/99002/ho")->status, 403);
    h_client_free(c);
}

static void province_admin_sees_everything(void **state)
{
    (void)state;
    struct h_client *c = h_signed_in(&srv, "tinh");
    long long sum = 0;
    for (int cm = 1; cm <= 2; cm++)
        for (int v = 1; v <= 5; v++) {
            struct h_response *r = h_get(c, h_fmt(c, "/don-vi/99%03d0%d/ho?format=json", cm, v));
            assert_int_equal(r->status, 200);
            sum += h_jint(h_json(r), "total");
        }
    struct h_response *r = h_get(c, "/don-vi/99002/ho");
    assert_int_equal(r->status, 200);
    assert_true(sum >= 150);
    h_client_free(c);
}

static void council_views_but_cannot_edit(void **state)
{
    (void)state;
    struct h_client *c = h_signed_in(&srv, "hdnd");
    struct h_response *r = h_get(c, "/don-vi/9900101/ho?format=json");
    assert_int_equal(r->status, 200);
    assert_false(json_is_true(h_jget(h_json(r), "can_edit")));
    long long id = h_jint(h_json(r), "households[0].id");
    assert_true(id > 0);
    const char *addr = h_jstr(h_json(r), "households[0].address");
    assert_non_null(addr);

    struct h_response *page = h_get(c, h_fmt(c, "/ho/%lld", id));
    assert_int_equal(page->status, 200);
    assert_false(h_has(page, "/dia-chi\""));
    const char *csrf = h_between(c, page, "name=\"_csrf\" value=\"", "\"");
    assert_non_null(csrf);

    const char *f[] = {"_csrf", csrf, "dia_chi", "Địa chỉ do HĐND sửa", NULL};
    assert_int_equal(h_post_form(c, h_fmt(c, "/ho/%lld/dia-chi", id), f)->status, 403);
    long long before = households_in_db();
    const char *nf[] = NEW_HOUSEHOLD(csrf, "9900101-9002");
    assert_int_equal(h_post_form(c, "/don-vi/9900101/ho", nf)->status, 403);
    assert_int_equal(households_in_db(), before);
    const char *mf[] = {"_csrf", csrf, "ho_ten", "Người Lạ", NULL};
    assert_int_equal(h_post_form(c, h_fmt(c, "/ho/%lld/thanh-vien", id), mf)->status, 403);
    assert_int_equal(h_post_form(c, h_fmt(c, "/ho/%lld/chuyen-di", id), f)->status, 403);

    r = h_get(c, h_fmt(c, "/ho/%lld?format=json", id));
    assert_string_equal(h_jstr(h_json(r), "household.address"), addr);
    assert_string_equal(h_jstr(h_json(r), "household.status"), "active");
    h_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(signin_good_password_opens_session),
        cmocka_unit_test(signin_wrong_password_shows_error_and_no_session),
        cmocka_unit_test(signin_unknown_login_same_message),
        cmocka_unit_test(signout_ends_session),
        cmocka_unit_test(revoked_role_and_disabled_account_count_at_once),
        cmocka_unit_test(signin_rate_limited_after_ten_bad_attempts),
        cmocka_unit_test(anonymous_roll_redirects_to_signin),
        cmocka_unit_test(resident_cannot_view_roll),
        cmocka_unit_test(village_head_only_own_village),
        cmocka_unit_test(officer_sees_ward_groups_not_rural_villages),
        cmocka_unit_test(province_admin_sees_everything),
        cmocka_unit_test(council_views_but_cannot_edit),
    };
    return h_run_group(tests, &srv);
}

/*
 * security_test.c - what the dispatcher enforces before any handler runs
 * and what every response carries: CSRF tokens on every POST, undeclared
 * parameters dropped, declared ones type-checked (400 in Vietnamese),
 * security headers and cookie attributes, ETag revalidation, escaping of
 * stored text in templates, no open redirect after sign-in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define XSS "<script>alert(1)</script>"

static struct h_server srv;

static struct h_client *head(void)
{
    struct h_client *c = h_client_new(&srv);
    assert_int_equal(h_signin(c, "truongthon", "danchu2026"), 0);
    return c;
}

static const char *address_of(struct h_client *c, long long id)
{
    struct h_response *r = h_get(c, h_fmt(c, "/ho/%lld?format=json", id));
    assert_int_equal(r->status, 200);
    return h_jstr(h_json(r), "household.address");
}

static void post_without_csrf_is_refused_and_changes_nothing(void **state)
{
    (void)state;
    struct h_client *c = head();
    const char *before = address_of(c, 2);
    const char *f[] = {"dia_chi", "Địa chỉ giả mạo", NULL};
    struct h_response *r = h_post_form(c, "/ho/2/dia-chi", f);
    assert_int_equal(r->status, 403);
    assert_true(h_has(r, "Vui lòng tải lại trang"));
    assert_string_equal(address_of(c, 2), before);

    long long households = h_db_count(&srv, "SELECT count(*) FROM households");
    const char *g[] = {"ma_ho", "9900101-6001", "ho_ten", "Không Có Mã", NULL};
    assert_int_equal(h_post_form(c, "/don-vi/9900101/ho", g)->status, 403);
    /* Empty token, and a multipart form without one. */
    const char *e[] = {"_csrf", "", "ma_ho", "9900101-6001", "ho_ten", "Không Có Mã", NULL};
    assert_int_equal(h_post_form(c, "/don-vi/9900101/ho", e)->status, 403);
    r = h_post_multipart(c, "/don-vi/9900101/nhap-ho", NULL, "tep", "a.csv", "x", 1);
    assert_int_equal(r->status, 403);
    assert_int_equal(h_db_count(&srv, "SELECT count(*) FROM households"), households);

    /* Sign-out needs the token too: without it the session stays. */
    assert_int_equal(h_post_form(c, "/dang-xuat", NULL)->status, 403);
    assert_int_equal(h_get(c, "/don-vi/9900101/ho")->status, 200);
    h_client_free(c);
}

static void wrong_csrf_is_refused(void **state)
{
    (void)state;
    struct h_client *c = head();
    struct h_client *other = head();
    const char *mine = h_csrf(c, "/ho/2");
    const char *theirs = h_csrf(other, "/ho/2");
    assert_non_null(mine);
    assert_non_null(theirs);
    assert_string_not_equal(mine, theirs);
    const char *before = address_of(c, 2);
    /* Another session's token, a made-up one, and mine with one digit changed. */
    char altered[200];
    snprintf(altered, sizeof altered, "%s", mine);
    altered[0] = altered[0] == '0' ? '1' : '0';
    const char *tokens[] = {theirs, "00000000000000000000000000000000", altered};
    for (size_t i = 0; i < 3; i++) {
        const char *f[] = {"_csrf", tokens[i], "dia_chi", "Địa chỉ giả mạo", NULL};
        assert_int_equal(h_post_form(c, "/ho/2/dia-chi", f)->status, 403);
    }
    assert_string_equal(address_of(c, 2), before);
    /* An anonymous visitor's sign-in with someone else's token. */
    struct h_client *anon = h_client_new(&srv);
    const char *anon_token = h_csrf(anon, "/dang-nhap");
    struct h_client *anon2 = h_client_new(&srv);
    h_get(anon2, "/dang-nhap");
    const char *f[] = {"_csrf",      anon_token, "ten_dang_nhap", "truongthon", "mat_khau",
                       "danchu2026", NULL};
    assert_int_equal(h_post_form(anon2, "/dang-nhap", f)->status, 403);
    assert_null(h_cookie(anon2, "dc_session"));
    /* With the right one it works (the token was not the problem). */
    const char *ok[] = {"_csrf", mine, "dia_chi", before, NULL};
    assert_int_equal(h_post_form(c, "/ho/2/dia-chi", ok)->status, 303);
    h_client_free(anon);
    h_client_free(anon2);
    h_client_free(other);
    h_client_free(c);
}

static void undeclared_parameter_is_ignored(void **state)
{
    (void)state;
    struct h_client *c = head();
    const char *q = "q=Nguy%E1%BB%85n";
    /* The first page after sign-in carries the one-time "signed in" message: use it up. */
    assert_true(h_has(h_get(c, "/don-vi/9900101/ho"), "Đăng nhập thành công"));
    struct h_response *plain = h_get(c, h_fmt(c, "/don-vi/9900101/ho?%s", q));
    struct h_response *extra = h_get(c, h_fmt(c, "/don-vi/9900101/ho?xyz=1&%s", q));
    struct h_response *bogus =
        h_get(c, h_fmt(c, "/don-vi/9900101/ho?%s&trang_khac=abc&sort=drop%%20table", q));
    assert_int_equal(plain->status, 200);
    assert_int_equal(extra->status, 200);
    assert_int_equal(bogus->status, 200);
    assert_string_equal(plain->body, extra->body);
    assert_string_equal(plain->body, bogus->body);
    struct h_response *jp = h_get(c, h_fmt(c, "/don-vi/9900101/ho?format=json&%s", q));
    struct h_response *jx = h_get(c, h_fmt(c, "/don-vi/9900101/ho?format=json&xyz=1&%s", q));
    assert_true(json_equal(h_json(jp), h_json(jx)));
    assert_true(h_jint(h_json(jp), "total") > 0);
    assert_string_equal(h_jstr(h_json(jp), "q"), "Nguyễn");
    assert_null(h_jget(h_json(jx), "xyz"));
    /* The search did filter: fewer than the whole group. */
    long long all = h_jint(h_json(h_get(c, "/don-vi/9900101/ho?format=json")), "total");
    assert_true(h_jint(h_json(jp), "total") < all);
    h_client_free(c);
}

static void declared_int_with_bad_value_is_400(void **state)
{
    (void)state;
    struct h_client *c = head();
    const char *bad[] = {"trang=abc", "trang=1.5", "trang=0", "trang=-3", "trang=99999999999"};
    for (size_t i = 0; i < 5; i++) {
        struct h_response *r = h_get(c, h_fmt(c, "/don-vi/9900101/ho?%s", bad[i]));
        assert_int_equal(r->status, 400);
        assert_true(h_has(r, "“trang” phải là số"));
    }
    struct h_response *r = h_get(c, "/don-vi/9900101/ho?trang=abc&format=json");
    assert_int_equal(r->status, 400);
    assert_non_null(h_jstr(h_json(r), "message"));
    assert_non_null(strstr(h_jstr(h_json(r), "detail"), "trang"));
    assert_int_equal(h_get(c, "/don-vi/9900101/ho?trang=1")->status, 200);
    /* Over-long text is refused the same way. */
    char q[400] = "/don-vi/9900101/ho?q=";
    size_t n = strlen(q);
    memset(q + n, 'a', 150);
    q[n + 150] = '\0';
    r = h_get(c, q);
    assert_int_equal(r->status, 400);
    assert_true(h_has(r, "dài quá"));
    h_client_free(c);
}

static void responses_carry_security_headers(void **state)
{
    (void)state;
    struct h_client *c = head();
    struct h_client *anon = h_client_new(&srv);
    struct h_response *rs[] = {
        h_get(c, "/don-vi/9900101/ho"),    h_get(c, "/don-vi/9900101/ho?format=json"),
        h_get(c, "/don-vi/9900201/ho"),    h_get(anon, "/"),
        h_get(anon, "/don-vi/9900101/ho"), h_get(anon, "/khong-co-trang-nay"),
        h_get(anon, "/dang-nhap"),
    };
    long want[] = {200, 200, 403, 200, 303, 404, 200};
    for (size_t i = 0; i < sizeof rs / sizeof rs[0]; i++) {
        assert_int_equal(rs[i]->status, want[i]);
        const char *csp = h_header(rs[i], "Content-Security-Policy");
        assert_non_null(csp);
        assert_non_null(strstr(csp, "default-src 'none'"));
        assert_null(strstr(csp, "unsafe-inline"));
        assert_null(strstr(csp, "unsafe-eval"));
        assert_string_equal(h_header(rs[i], "X-Content-Type-Options"), "nosniff");
    }
    /* No inline script in the pages themselves. */
    assert_false(h_has(rs[0], "<script>"));
    assert_false(h_has(rs[0], " onclick="));

    /* Cookies: HttpOnly and SameSite, for the session and the anonymous visitor. */
    struct h_client *fresh = h_client_new(&srv);
    struct h_response *form = h_get(fresh, "/dang-nhap");
    const char *anon_cookie = h_set_cookie(form, "dc_anon");
    assert_non_null(anon_cookie);
    assert_non_null(strstr(anon_cookie, "HttpOnly"));
    assert_non_null(strstr(anon_cookie, "SameSite=Lax"));
    const char *f[] = {"_csrf",
                       h_between(fresh, form, "name=\"_csrf\" value=\"", "\""),
                       "ten_dang_nhap",
                       "canbo",
                       "mat_khau",
                       "danchu2026",
                       NULL};
    struct h_response *r = h_post_form(fresh, "/dang-nhap", f);
    assert_int_equal(r->status, 303);
    const char *sc = h_set_cookie(r, "dc_session");
    assert_non_null(sc);
    assert_non_null(strstr(sc, "HttpOnly"));
    assert_true(strstr(sc, "SameSite=Lax") || strstr(sc, "SameSite=Strict"));
    assert_non_null(strstr(sc, "Path=/"));
    h_client_free(fresh);
    h_client_free(anon);
    h_client_free(c);
}

static void etag_revalidation_gives_304(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    struct h_response *home = h_get(c, "/");
    assert_int_equal(home->status, 200);
    const char *etag = h_header(home, "ETag");
    assert_non_null(etag);
    struct h_response *again =
        h_get_hdr(c, "/", (const char *[]){h_fmt(c, "If-None-Match: %s", etag), NULL});
    assert_int_equal(again->status, 304);
    assert_int_equal(again->len, 0);
    struct h_response *stale =
        h_get_hdr(c, "/", (const char *[]){"If-None-Match: \"0000000000000000\"", NULL});
    assert_int_equal(stale->status, 200);
    assert_int_equal(stale->len, home->len);

    /* The stylesheet the page links to. */
    const char *css = h_between(c, home, "<link rel=\"stylesheet\" href=\"", "\"");
    assert_non_null(css);
    assert_int_equal(strncmp(css, "/s/", 3), 0);
    assert_non_null(strstr(css, "app.css"));
    struct h_response *a = h_get(c, css);
    assert_int_equal(a->status, 200);
    assert_true(a->len > 100);
    assert_non_null(strstr(h_header(a, "Content-Type"), "text/css"));
    const char *aetag = h_header(a, "ETag");
    assert_non_null(aetag);
    struct h_response *a2 =
        h_get_hdr(c, css, (const char *[]){h_fmt(c, "If-None-Match: %s", aetag), NULL});
    assert_int_equal(a2->status, 304);
    assert_int_equal(a2->len, 0);
    h_client_free(c);
}

static void stored_markup_comes_back_escaped(void **state)
{
    (void)state;
    struct h_client *c = head();
    const char *csrf = h_csrf(c, "/don-vi/9900101/ho/them");
    const char *name = "Lê \"Văn\" <b>Đậm</b> & Co";
    const char *f[] = {"_csrf",  csrf, "ma_ho", "9900101-6002", "dia_chi", XSS,
                       "ho_ten", name, NULL};
    struct h_response *r = h_post_form(c, "/don-vi/9900101/ho", f);
    assert_int_equal(r->status, 303);
    const char *loc = h_header(r, "Location");
    assert_non_null(loc);
    const char *esc_xss = "&lt;script&gt;alert(1)&lt;/script&gt;";
    r = h_get(c, loc);
    assert_int_equal(r->status, 200);
    assert_false(h_has(r, XSS));
    assert_false(h_has(r, "<b>Đậm"));
    assert_true(h_has(r, esc_xss));
    assert_true(h_has(r, "&lt;b&gt;Đậm&lt;/b&gt; &amp; Co"));
    /* Inside an attribute (the address form field) too. */
    assert_false(h_has(r, "value=\"<script>"));
    r = h_get(c, "/don-vi/9900101/ho?q=9900101-6002");
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, esc_xss));
    assert_false(h_has(r, XSS));
    /* JSON keeps the text as data. */
    r = h_get(c, h_fmt(c, "%s?format=json", loc));
    assert_string_equal(h_jstr(h_json(r), "household.address"), XSS);
    assert_string_equal(h_jstr(h_json(r), "household.representative"), name);
    h_client_free(c);
}

static void signin_never_redirects_off_site(void **state)
{
    (void)state;
    const char *targets[] = {"//evil.example/", "https://evil.example/", "/\\evil.example"};
    for (size_t i = 0; i < 3; i++) {
        struct h_client *c = h_client_new(&srv);
        const char *csrf = h_csrf(c, "/dang-nhap");
        const char *f[] = {"_csrf",      csrf,   "ten_dang_nhap", "quantri", "mat_khau",
                           "danchu2026", "tiep", targets[i],      NULL};
        struct h_response *r = h_post_form(c, "/dang-nhap", f);
        assert_int_equal(r->status, 303);
        assert_string_equal(h_header(r, "Location"), "/");
        h_client_free(c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(post_without_csrf_is_refused_and_changes_nothing),
        cmocka_unit_test(wrong_csrf_is_refused),
        cmocka_unit_test(undeclared_parameter_is_ignored),
        cmocka_unit_test(declared_int_with_bad_value_is_400),
        cmocka_unit_test(responses_carry_security_headers),
        cmocka_unit_test(etag_revalidation_gives_304),
        cmocka_unit_test(stored_markup_comes_back_escaped),
        cmocka_unit_test(signin_never_redirects_off_site),
    };
    return h_run_group(tests, &srv);
}

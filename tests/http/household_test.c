/*
 * household_test.c - editing the household roll through the forms, as the
 * head of residential group 9900101 (`truongthon`) does: add a household,
 * refused forms that keep what was typed, members joining and leaving, a new
 * representative, split, merge and moving away (closed, never deleted); and
 * the JSON variant of the pages (same view-model as the HTML).
 *
 * Every case makes its own households (codes 9900101-7xxx) so that cases do
 * not depend on each other's order.
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

#define JSON_ACCEPT                                                                                \
    (const char *[])                                                                               \
    {                                                                                              \
        "Accept: application/json", NULL                                                           \
    }

static struct h_server srv;

static struct h_client *head(void)
{
    struct h_client *c = h_client_new(&srv);
    assert_int_equal(h_signin(c, "truongthon", "danchu2026"), 0);
    return c;
}

/* Adds a household to 9900101 through the form; returns its id. */
static long long add_household(struct h_client *c, const char *code, const char *name,
                               const char *address)
{
    const char *csrf = h_csrf(c, "/don-vi/9900101/ho/them");
    assert_non_null(csrf);
    const char *f[] = {"_csrf",      csrf,     "ma_ho",        code,        "dia_chi",
                       address,      "ho_ten", name,           "ngay_sinh", "15/08/1970",
                       "gioi_tinh",  "nam",    "quan_he",      "Chủ hộ",    "dien_thoai",
                       "0912000111", "cccd",   "001070000111", NULL};
    struct h_response *r = h_post_form(c, "/don-vi/9900101/ho", f);
    assert_int_equal(r->status, 303);
    const char *loc = h_header(r, "Location");
    assert_non_null(loc);
    assert_int_equal(strncmp(loc, "/ho/", 4), 0);
    return strtoll(loc + 4, NULL, 10);
}

static json_t *household(struct h_client *c, long long id)
{
    struct h_response *r = h_get(c, h_fmt(c, "/ho/%lld?format=json", id));
    assert_int_equal(r->status, 200);
    return h_json(r);
}

/* Posts a form of the household page to /ho/{id}/{action} (its own _csrf added): h_post_page
 * with both paths made from the household's id. */
static struct h_response *post(struct h_client *c, long long id, const char *action,
                               const char *const *fields)
{
    return h_post_page(c, h_fmt(c, "/ho/%lld", id), h_fmt(c, "/ho/%lld/%s", id, action), fields);
}

static long long member_id(json_t *hh, const char *name)
{
    size_t i;
    json_t *m;
    json_array_foreach(h_jget(hh, "members"), i, m)
    {
        if (strcmp(h_jstr(m, "full_name"), name) == 0)
            return h_jint(m, "id");
    }
    return -1;
}

static json_t *member(json_t *hh, const char *name)
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

static int has_event(json_t *hh, const char *label)
{
    size_t i;
    json_t *e;
    json_array_foreach(h_jget(hh, "events"), i, e)
    {
        if (strcmp(h_jstr(e, "label"), label) == 0)
            return 1;
    }
    return 0;
}

static void add_household_shows_it_with_history(void **state)
{
    (void)state;
    struct h_client *c = head();
    long long total = h_jint(h_json(h_get(c, "/don-vi/9900101/ho?format=json")), "total");
    long long id = add_household(c, "9900101-7001", "Trương Văn Mới", "Số 70, ngõ 7");
    struct h_response *r = h_get(c, h_fmt(c, "/ho/%lld", id));
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "Hộ 9900101-7001"));
    assert_true(h_has(r, "Trương Văn Mới"));
    assert_true(h_has(r, "Số 70, ngõ 7"));
    assert_true(h_has(r, "Lập hộ"));
    assert_true(h_has(r, "Đã thêm hộ mới vào danh sách."));
    json_t *hh = household(c, id);
    assert_string_equal(h_jstr(hh, "household.representative"), "Trương Văn Mới");
    assert_string_equal(h_jstr(hh, "members[0].birth"), "1970-08-15");
    assert_string_equal(h_jstr(hh, "members[0].national_id"), "001070000111");
    assert_true(has_event(hh, "Lập hộ"));
    assert_int_equal(h_jint(h_json(h_get(c, "/don-vi/9900101/ho?format=json")), "total"),
                     total + 1);
    r = h_get(c, "/don-vi/9900101/ho?q=9900101-7001");
    assert_true(h_has(r, h_fmt(c, "<a href=\"/ho/%lld\">9900101-7001</a>", id)));
    h_client_free(c);
}

static void add_household_duplicate_code_keeps_typed_values(void **state)
{
    (void)state;
    struct h_client *c = head();
    long long before = h_db_count(&srv, "SELECT count(*) FROM households");
    const char *csrf = h_csrf(c, "/don-vi/9900101/ho/them");
    /* 9900101-0002 exists; 9900102-0001 is in another group of the same ward. */
    const char *codes[] = {"9900101-0002", "9900102-0001"};
    for (size_t k = 0; k < 2; k++) {
        const char *f[] = {"_csrf",     csrf,    "ma_ho",  codes[k],
                           "dia_chi",   "Số 99", "ho_ten", "Đinh Thị Gõ Lại",
                           "ngay_sinh", "1988",  NULL};
        struct h_response *r = h_post_form_hdr(c, "/don-vi/9900101/ho", f, JSON_ACCEPT);
        assert_int_equal(r->status, 422);
        json_t *j = h_json(r);
        assert_non_null(h_jstr(j, "errors.ma_ho"));
        assert_string_equal(h_jstr(j, "form.ho_ten"), "Đinh Thị Gõ Lại");
        assert_string_equal(h_jstr(j, "form.ma_ho"), codes[k]);
        assert_string_equal(h_jstr(j, "form.ngay_sinh"), "1988");

        r = h_post_form(c, "/don-vi/9900101/ho", f);
        assert_int_equal(r->status, 422);
        assert_true(h_has(r, "id=\"ho_ten\" name=\"ho_ten\" value=\"Đinh Thị Gõ Lại\""));
        assert_true(h_has(r, h_fmt(c, "name=\"ma_ho\" value=\"%s\"", codes[k])));
        assert_true(h_has(r, "name=\"dia_chi\" value=\"Số 99\""));
        assert_true(h_has(r, "id=\"loi-ma_ho\""));
    }
    assert_int_equal(h_db_count(&srv, "SELECT count(*) FROM households"), before);

    /* Codes are unique within a commune only: the rural commune's code is free here. */
    long long id = add_household(c, "9900201-0001", "Lâm Văn Khác Xã", "Số 1");
    assert_true(id > 0);
    h_client_free(c);
}

static void add_household_invalid_fields_are_named(void **state)
{
    (void)state;
    struct h_client *c = head();
    long long before = h_db_count(&srv, "SELECT count(*) FROM households");
    const char *csrf = h_csrf(c, "/don-vi/9900101/ho/them");
    const char *f[] = {"_csrf",      csrf,        "ma_ho",      "9900101-7002", "ho_ten",
                       "Hà Văn Sai", "ngay_sinh", "31/02/1990", "gioi_tinh",    "x",
                       "dien_thoai", "12345",     "cccd",       "12345678901a", NULL};
    struct h_response *r = h_post_form_hdr(c, "/don-vi/9900101/ho", f, JSON_ACCEPT);
    assert_int_equal(r->status, 422);
    json_t *j = h_json(r);
    assert_non_null(h_jstr(j, "errors.dien_thoai"));
    assert_non_null(h_jstr(j, "errors.cccd"));
    assert_non_null(h_jstr(j, "errors.ngay_sinh"));
    assert_non_null(h_jstr(j, "errors.gioi_tinh"));
    assert_null(h_jget(j, "errors.ma_ho"));
    assert_string_equal(h_jstr(j, "form.dien_thoai"), "12345");

    r = h_post_form(c, "/don-vi/9900101/ho", f);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Số điện thoại gồm 10 chữ số"));
    assert_true(h_has(r, "id=\"loi-cccd\""));
    assert_true(h_has(r, "value=\"31/02/1990\""));

    /* No name at all. */
    const char *g[] = {"_csrf", csrf, "ma_ho", "9900101-7003", "ho_ten", "   ", NULL};
    r = h_post_form_hdr(c, "/don-vi/9900101/ho", g, JSON_ACCEPT);
    assert_int_equal(r->status, 422);
    assert_non_null(h_jstr(h_json(r), "errors.ho_ten"));
    assert_int_equal(h_db_count(&srv, "SELECT count(*) FROM households"), before);
    h_client_free(c);
}

static void member_added_then_leaves_and_stays_listed(void **state)
{
    (void)state;
    struct h_client *c = head();
    long long id = add_household(c, "9900101-7004", "Kiều Văn Cha", "Số 74");
    const char *m[] = {"ho_ten", "Kiều Thị Con", "ngay_sinh", "2005", "gioi_tinh",
                       "nu",     "quan_he",      "Con",       NULL};
    struct h_response *r = post(c, id, "thanh-vien", m);
    assert_int_equal(r->status, 303);
    assert_string_equal(h_header(r, "Location"), h_fmt(c, "/ho/%lld", id));
    json_t *hh = household(c, id);
    assert_int_equal(json_array_size(h_jget(hh, "members")), 2);
    assert_true(has_event(hh, "Thêm thành viên"));
    long long child = member_id(hh, "Kiều Thị Con");
    assert_true(child > 0);

    /* A bad phone for a new member: 422 and the form keeps it. */
    const char *bad[] = {"ho_ten", "Kiều Văn Út", "dien_thoai", "09abc", NULL};
    r = post(c, id, "thanh-vien", bad);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "value=\"09abc\""));
    assert_int_equal(json_array_size(h_jget(household(c, id), "members")), 2);

    const char *leave[] = {"thanh_vien", h_fmt(c, "%lld", child), "ly_do", "left", NULL};
    r = post(c, id, "roi-ho", leave);
    assert_int_equal(r->status, 303);
    hh = household(c, id);
    json_t *gone = member(hh, "Kiều Thị Con");
    assert_non_null(gone); /* kept, shown as left */
    assert_string_equal(h_jstr(gone, "status"), "left");
    assert_false(json_is_true(h_jget(gone, "active")));
    assert_true(has_event(hh, "Thành viên rời hộ"));
    r = h_get(c, h_fmt(c, "/ho/%lld", id));
    assert_true(h_has(r, "<tr class=\"closed\">\n<td>Kiều Thị Con"));
    /* Leaving twice is refused. */
    r = post(c, id, "roi-ho", leave);
    assert_int_equal(r->status, 422);
    h_client_free(c);
}

static void representative_change_is_recorded(void **state)
{
    (void)state;
    struct h_client *c = head();
    long long id = add_household(c, "9900101-7005", "Mạc Văn Trưởng", "Số 75");
    const char *m[] = {"ho_ten", "Mạc Thị Vợ", "ngay_sinh", "1975", "quan_he", "Vợ", NULL};
    assert_int_equal(post(c, id, "thanh-vien", m)->status, 303);
    json_t *hh = household(c, id);
    long long wife = member_id(hh, "Mạc Thị Vợ");
    assert_false(has_event(hh, "Đổi người đại diện"));
    const char *f[] = {"thanh_vien", h_fmt(c, "%lld", wife), NULL};
    assert_int_equal(post(c, id, "dai-dien", f)->status, 303);
    hh = household(c, id);
    assert_string_equal(h_jstr(hh, "household.representative"), "Mạc Thị Vợ");
    assert_true(json_is_true(h_jget(member(hh, "Mạc Thị Vợ"), "is_representative")));
    assert_false(json_is_true(h_jget(member(hh, "Mạc Văn Trưởng"), "is_representative")));
    assert_true(has_event(hh, "Đổi người đại diện"));
    struct h_response *r = h_get(c, "/don-vi/9900101/ho?q=9900101-7005&format=json");
    assert_string_equal(h_jstr(h_json(r), "households[0].representative"), "Mạc Thị Vợ");

    /* A member of another household cannot be made representative here. */
    const char *other[] = {"thanh_vien", "1", NULL};
    r = post(c, id, "dai-dien", other);
    assert_int_equal(r->status, 422);
    assert_string_equal(h_jstr(household(c, id), "household.representative"), "Mạc Thị Vợ");
    h_client_free(c);
}

static void split_and_merge(void **state)
{
    (void)state;
    struct h_client *c = head();
    long long id = add_household(c, "9900101-7006", "Âu Văn Gốc", "Số 76");
    const char *m1[] = {"ho_ten", "Âu Văn Tách", "ngay_sinh", "1995", "quan_he", "Con", NULL};
    const char *m2[] = {"ho_ten", "Âu Thị Dâu", "ngay_sinh", "1997", "quan_he", "Con dâu", NULL};
    assert_int_equal(post(c, id, "thanh-vien", m1)->status, 303);
    assert_int_equal(post(c, id, "thanh-vien", m2)->status, 303);
    json_t *hh = household(c, id);
    long long son = member_id(hh, "Âu Văn Tách");
    long long dil = member_id(hh, "Âu Thị Dâu");

    /* Split: the son and his wife form household 9900101-7007, the son representing it. */
    const char *s[] = {"ma_ho_moi",  "9900101-7007",        "thanh_vien", h_fmt(c, "%lld", son),
                       "thanh_vien", h_fmt(c, "%lld", dil), NULL};
    struct h_response *r = post(c, id, "tach", s);
    assert_int_equal(r->status, 303);
    hh = household(c, id);
    assert_int_equal(member_id(hh, "Âu Văn Tách"), -1);
    assert_true(member_id(hh, "Âu Văn Gốc") > 0);
    assert_true(has_event(hh, "Tách hộ"));
    r = h_get(c, "/don-vi/9900101/ho?q=9900101-7007&format=json");
    assert_int_equal(h_jint(h_json(r), "total"), 1);
    long long nid = h_jint(h_json(r), "households[0].id");
    json_t *nh = household(c, nid);
    assert_string_equal(h_jstr(nh, "household.representative"), "Âu Văn Tách");
    assert_int_equal(json_array_size(h_jget(nh, "members")), 2);
    assert_true(has_event(nh, "Lập hộ"));

    /* Splitting to a code in use is refused and moves nobody. */
    const char *dup[] = {"ma_ho_moi", "9900101-0003", "thanh_vien",
                         h_fmt(c, "%lld", member_id(hh, "Âu Văn Gốc")), NULL};
    assert_int_equal(post(c, id, "tach", dup)->status, 422);
    assert_true(member_id(household(c, id), "Âu Văn Gốc") > 0);

    /* Merge: 9900101-7007 joins back; it stays on the roll, closed. */
    const char *mg[] = {"ma_ho", "9900101-7007", NULL};
    r = post(c, id, "nhap", mg);
    assert_int_equal(r->status, 303);
    hh = household(c, id);
    assert_true(member_id(hh, "Âu Văn Tách") > 0);
    assert_true(member_id(hh, "Âu Thị Dâu") > 0);
    assert_true(has_event(hh, "Nhập hộ"));
    nh = household(c, nid);
    assert_string_equal(h_jstr(nh, "household.status"), "merged");
    assert_false(json_is_true(h_jget(nh, "can_edit")));
    r = h_get(c, "/don-vi/9900101/ho?q=9900101-7007&format=json");
    assert_int_equal(h_jint(h_json(r), "total"), 1);
    assert_string_equal(h_jstr(h_json(r), "households[0].status"), "merged");
    h_client_free(c);
}

static void merge_needs_rights_on_the_other_household(void **state)
{
    (void)state;
    /* truongthon heads 9900101 only: pulling in a household of 9900102 (same ward) must be
     * refused, or he could empty another group's household. */
    struct h_client *c = head();
    long long id = add_household(c, "9900101-7008", "Ông Văn Nhận", "Số 78");
    long long other = -1;
    assert_int_equal(
        h_db_int(&srv,
                 "SELECT h.id FROM households h JOIN units u ON u.id = h.village_id WHERE "
                 "u.code = '9900102' AND h.status = 'active' ORDER BY h.id LIMIT 1",
                 &other),
        0);
    long long members =
        h_db_count(&srv, h_fmt(c, "SELECT count(*) FROM members WHERE household_id = %lld", other));
    const char *code = NULL;
    struct h_client *t = h_client_new(&srv);
    assert_int_equal(h_signin(t, "tinh", "danchu2026"), 0);
    code = h_jstr(household(t, other), "household.code");
    assert_non_null(code);
    const char *mg[] = {"ma_ho", code, NULL};
    struct h_response *r = post(c, id, "nhap", mg);
    assert_true(r->status == 403 || r->status == 422);
    json_t *oh = household(t, other);
    assert_string_equal(h_jstr(oh, "household.status"), "active");
    assert_int_equal(
        h_db_count(&srv, h_fmt(c, "SELECT count(*) FROM members WHERE household_id = %lld", other)),
        members);
    h_client_free(t);
    h_client_free(c);
}

static void move_out_closes_but_keeps_household(void **state)
{
    (void)state;
    struct h_client *c = head();
    long long id = add_household(c, "9900101-7009", "Dư Văn Đi", "Số 79");
    long long households = h_db_count(&srv, "SELECT count(*) FROM households");
    long long total = h_jint(h_json(h_get(c, "/don-vi/9900101/ho?format=json")), "total");
    struct h_response *r = post(c, id, "chuyen-di", NULL);
    assert_int_equal(r->status, 303);
    json_t *hh = household(c, id);
    assert_string_equal(h_jstr(hh, "household.status"), "moved_out");
    assert_false(json_is_true(h_jget(hh, "household.active")));
    assert_false(json_is_true(h_jget(hh, "can_edit")));
    assert_true(has_event(hh, "Chuyển đi"));
    assert_int_equal(json_array_size(h_jget(hh, "members")), 1);
    assert_int_equal(h_db_count(&srv, "SELECT count(*) FROM households"), households);
    r = h_get(c, "/don-vi/9900101/ho?q=9900101-7009&format=json");
    assert_int_equal(h_jint(h_json(r), "total"), 1);
    assert_string_equal(h_jstr(h_json(r), "households[0].status"), "moved_out");
    assert_int_equal(h_jint(h_json(h_get(c, "/don-vi/9900101/ho?format=json")), "total"), total);
    r = h_get(c, h_fmt(c, "/ho/%lld", id));
    assert_int_equal(r->status, 200);
    assert_false(h_has(r, "/chuyen-di\""));
    /* A closed household takes no more edits. */
    assert_int_equal(post(c, id, "chuyen-di", NULL)->status, 422);
    const char *m[] = {"ho_ten", "Người Đến Sau", NULL};
    assert_int_equal(post(c, id, "thanh-vien", m)->status, 422);
    h_client_free(c);
}

static void json_variants_match_html(void **state)
{
    (void)state;
    struct h_client *c = head();
    struct h_response *html = h_get(c, "/don-vi/9900101/ho");
    struct h_response *q = h_get(c, "/don-vi/9900101/ho?format=json");
    struct h_response *a = h_get_hdr(c, "/don-vi/9900101/ho", JSON_ACCEPT);
    assert_int_equal(html->status, 200);
    assert_int_equal(q->status, 200);
    assert_int_equal(a->status, 200);
    assert_non_null(strstr(h_header(q, "Content-Type"), "application/json"));
    assert_non_null(strstr(h_header(html, "Content-Type"), "text/html"));
    json_t *jq = h_json(q);
    json_t *ja = h_json(a);
    assert_non_null(jq);
    assert_non_null(ja);
    assert_true(json_equal(h_jget(jq, "households"), h_jget(ja, "households")));
    assert_int_equal(h_jint(jq, "total"), h_jint(ja, "total"));
    assert_true(json_array_size(h_jget(jq, "households")) > 0);
    size_t i;
    json_t *h;
    json_array_foreach(h_jget(jq, "households"), i, h)
    {
        assert_true(h_has(html, h_fmt(c, ">%s</a>", h_jstr(h, "code"))));
        assert_true(h_has(html, h_fmt(c, "<td>%s</td>", h_jstr(h, "representative"))));
    }
    assert_true(h_has(html, h_fmt(c, "%lld hộ", h_jint(jq, "total"))));
    /* JSON carries data, not markup. */
    assert_false(h_has(q, "<td"));
    assert_false(h_has(q, "<html"));
    assert_int_equal(q->body[0], '{');

    long long id = h_jint(jq, "households[0].id");
    struct h_response *ph = h_get(c, h_fmt(c, "/ho/%lld", id));
    json_t *pj = household(c, id);
    assert_true(h_has(ph, h_fmt(c, "Hộ %s", h_jstr(pj, "household.code"))));
    json_array_foreach(h_jget(pj, "members"), i, h)
    {
        assert_true(h_has(ph, h_fmt(c, "<td>%s", h_jstr(h, "full_name"))));
    }
    h_client_free(c);
}

/* The list shows each household's active members and representative from columns the
 * database keeps (migration 0008): after every edit above, they agree with the members. */
static void list_counts_agree_with_members_after_edits(void **state)
{
    (void)state;
    struct h_client *c = head();
    long long id = add_household(c, "9900101-7010", "Kiều Văn Đếm", "Số 10");
    const char *m1[] = {"ho_ten", "Kiều Thị Hai", "quan_he", "Vợ", NULL};
    assert_int_equal(post(c, id, "thanh-vien", m1)->status, 303);
    const char *m2[] = {"ho_ten", "Kiều Văn Ba", "quan_he", "Con", NULL};
    assert_int_equal(post(c, id, "thanh-vien", m2)->status, 303);
    json_t *hh = household(c, id);
    const char *leave[] = {"thanh_vien", h_fmt(c, "%lld", member_id(hh, "Kiều Văn Ba")), "ly_do",
                           "left", NULL};
    assert_int_equal(post(c, id, "roi-ho", leave)->status, 303);
    const char *rep[] = {"thanh_vien", h_fmt(c, "%lld", member_id(hh, "Kiều Thị Hai")), NULL};
    assert_int_equal(post(c, id, "dai-dien", rep)->status, 303);

    json_t *list = h_json(h_get(c, "/don-vi/9900101/ho?q=9900101-7010&format=json"));
    assert_int_equal(h_jint(list, "total"), 1);
    assert_int_equal(h_jint(list, "households[0].n_members"), 2);
    assert_string_equal(h_jstr(list, "households[0].representative"), "Kiều Thị Hai");
    struct h_response *html = h_get(c, "/don-vi/9900101/ho?q=9900101-7010");
    assert_true(h_has(html, "<td>Kiều Thị Hai</td><td class=\"num\">2</td>"));
    assert_int_equal(h_roll_summary_mismatches(&srv), 0);
    h_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(add_household_shows_it_with_history),
        cmocka_unit_test(add_household_duplicate_code_keeps_typed_values),
        cmocka_unit_test(add_household_invalid_fields_are_named),
        cmocka_unit_test(member_added_then_leaves_and_stays_listed),
        cmocka_unit_test(representative_change_is_recorded),
        cmocka_unit_test(split_and_merge),
        cmocka_unit_test(merge_needs_rights_on_the_other_household),
        cmocka_unit_test(move_out_closes_but_keeps_household),
        cmocka_unit_test(json_variants_match_html),
        cmocka_unit_test(list_counts_agree_with_members_after_edits),
    };
    return h_run_group(tests, &srv);
}

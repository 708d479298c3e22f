/*
 * decision_commune_test.c - a matter the whole commune decides, over HTTP on either back end
 * (DOMAIN D1, D2; Law Arts 16, 21): the UBND chairperson tables an M1/M2 after agreeing with
 * the MTTQ, danchu opens it in every village of the commune, each village decides it against
 * all of its own households (at least 2/3), and the chairperson concludes once every village
 * has counted: the matter passes when at least 2/3 of the villages approved (4 of the demo
 * ward's 5 passes, 3 of 5 fails), and the UBND sets the day it takes effect.
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

static struct h_server srv;

#define WARD "99001"
#define LIST "/quan-ly/bieu-quyet/toan-xa?don_vi=" WARD

/* Tables a commune-wide M1 decided at meetings; returns its id. */
static long long table(struct h_client *c, const char *title)
{
    const char *f[] = {"don_vi",
                       WARD,
                       "loai",
                       "1",
                       "tieu_de",
                       title,
                       "cau_hoi",
                       "Hộ gia đình có tán thành không?",
                       "hinh_thuc",
                       "0",
                       "ngay_thong_nhat",
                       h_vn_day(c, -1),
                       NULL};
    struct h_response *r = h_post_page(c, LIST, "/quan-ly/bieu-quyet/toan-xa", f);
    assert_int_equal(r->status, 303);
    return strtoll(strrchr(h_header(r, "Location"), '/') + 1, NULL, 10);
}

/* The village matters of commune-wide matter cid, by village code. */
static long long village_matter(long long cid, int k)
{
    return h_db_count(&srv,
                      h_fmt(h_client_new(&srv),
                            "SELECT d.id FROM decisions d JOIN units u ON u.id = d.unit_id WHERE "
                            "d.commune_id = %lld ORDER BY u.code LIMIT 1 OFFSET %d",
                            cid, k));
}

/* A village decides its part at a meeting every household attends: exactly its 2/3 approve
 * (less short households), the rest reject. */
static void village_votes(struct h_client *c, long long id, long long short_by)
{
    const char *page = h_fmt(c, "/quan-ly/bieu-quyet/%lld", id);
    const char *nf[] = {"ngay_thong_bao", h_vn_day(c, 0), "ngay_hop", h_vn_day(c, 3), NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/thong-bao", page), nf)->status, 303);
    long long total =
        h_db_count(&srv, h_fmt(c, "SELECT households_total FROM decisions WHERE id = %lld", id));
    const char *att[120];
    size_t n = 0;
    for (long long k = 0; k < total && n < 116; k++) {
        att[n++] = "ho";
        att[n++] = h_fmt(c, "%lld",
                         h_db_count(&srv, h_fmt(c,
                                                "SELECT household_id FROM decision_roll WHERE "
                                                "decision_id = %lld ORDER BY household_id LIMIT 1 "
                                                "OFFSET %lld",
                                                id, k)));
    }
    att[n] = NULL;
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/diem-danh", page), att)->status, 303);
    long long approve = (2 * total + 2) / 3 - short_by; /* at least 2/3 of all households */
    const char *hands[] = {"nguon",
                           "meeting",
                           "tan_thanh",
                           h_fmt(c, "%lld", approve),
                           "khong_tan_thanh",
                           h_fmt(c, "%lld", total - approve),
                           NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/kiem-phieu", page), hands)->status, 303);
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/ket-qua", page), NULL)->status, 303);
}

static void D2_commune_wide_tabled_by_the_chairperson_after_the_front_agrees(void **state)
{
    long long villages =
        h_db_count(&srv, "SELECT COUNT(*) FROM units WHERE parent_id = (SELECT id FROM "
                         "units WHERE code = '" WARD "')");
    assert_true(villages >= 3);
    /* A village head may not table a commune-wide matter. */
    struct h_client *head = h_signed_in(&srv, "truongthon");
    const char *f[] = {"don_vi",          WARD,         "loai", "1",         "tieu_de",
                       "Đường liên thôn", "cau_hoi",    "?",    "hinh_thuc", "0",
                       "ngay_thong_nhat", "01/12/2026", NULL};
    assert_int_equal(
        h_post_page(head, "/quan-ly/bieu-quyet", "/quan-ly/bieu-quyet/toan-xa", f)->status, 403);
    struct h_client *c = h_signed_in(&srv, "chutich");
    /* Without the day the MTTQ agreed: refused, with what was typed kept. */
    const char *no_front[] = {"don_vi",    WARD,
                              "loai",      "2",
                              "tieu_de",   "Quỹ bảo trì đường",
                              "cau_hoi",   "Hộ gia đình có tán thành mức thu không?",
                              "hinh_thuc", "1",
                              NULL};
    struct h_response *r = h_post_page(c, LIST, "/quan-ly/bieu-quyet/toan-xa", no_front);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "thống nhất với Ủy ban Mặt trận Tổ quốc"));
    assert_true(h_has(r, "Quỹ bảo trì đường"));
    assert_true(h_has(r, "Hộ gia đình có tán thành mức thu không?"));
    const char *later[] = {"don_vi",  WARD, "loai",      "2", "tieu_de",         "Quỹ",
                           "cau_hoi", "?",  "hinh_thuc", "1", "ngay_thong_nhat", h_vn_day(c, 2),
                           NULL};
    r = h_post_page(c, LIST, "/quan-ly/bieu-quyet/toan-xa", later);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "không thể sau hôm nay"));
    /* Only M1 and M2 are decided commune-wide. */
    const char *m3[] = {"don_vi",  WARD, "loai",      "3", "tieu_de",         "Hương ước",
                        "cau_hoi", "?",  "hinh_thuc", "0", "ngay_thong_nhat", h_vn_day(c, -1),
                        NULL};
    assert_int_equal(h_post_page(c, LIST, "/quan-ly/bieu-quyet/toan-xa", m3)->status, 400);
    long long cid = table(c, "Đóng góp bê tông hóa đường liên tổ");
    /* One matter in every village, proposed by the chairperson, waiting for its notice. */
    assert_int_equal(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM decisions WHERE commune_id = %lld AND "
                               "proposer = 'chairperson' AND status = 'draft' AND matter = 1",
                               cid)),
        villages);
    assert_int_equal(h_db_count(&srv, h_fmt(c,
                                            "SELECT COUNT(*) FROM audit_log WHERE action = "
                                            "'decision.commune_create' AND object = "
                                            "'decision_commune:%lld'",
                                            cid)),
                     1);
    /* The village head sees it on the village's page, linked to the commune's. */
    r = h_get(head, h_fmt(head, "/quan-ly/bieu-quyet/%lld", village_matter(cid, 0)));
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, h_fmt(head, "/decisions/toan-xa/%lld", cid)));
    /* The council reads the commune's page but may not conclude. */
    struct h_client *council = h_signed_in(&srv, "hdnd");
    const char *page = h_fmt(c, "/quan-ly/bieu-quyet/toan-xa/%lld", cid);
    r = h_get(council, page);
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "chưa có kết quả"));
    assert_int_equal(h_post_form(council, h_fmt(c, "%s/ket-luan", page),
                                 (const char *[]){"_csrf", h_csrf(council, page), NULL})
                         ->status,
                     403);
}

/* Villages k < passing approve with exactly their 2/3; the others with one household short. */
static long long commune_vote(struct h_client *c, const char *title, int passing)
{
    long long cid = table(c, title);
    struct h_client *officer = h_signed_in(&srv, "canbo");
    const char *page = h_fmt(c, "/quan-ly/bieu-quyet/toan-xa/%lld", cid);
    long long villages =
        h_db_count(&srv, h_fmt(c, "SELECT COUNT(*) FROM decisions WHERE commune_id = %lld", cid));
    for (int k = 0; k < villages; k++) {
        village_votes(officer, village_matter(cid, k), k < passing ? 0 : 1);
        if (k == villages - 2) {
            /* Not every village has counted: no conclusion yet. */
            const char *f[] = {"ngay_hieu_luc", h_vn_day(c, 10), NULL};
            struct h_response *r = h_post_page(c, page, h_fmt(c, "%s/ket-luan", page), f);
            assert_int_equal(r->status, 422);
            assert_true(h_has(r, "chưa có kết quả biểu quyết"));
        }
    }
    return cid;
}

static void D1_commune_wide_passes_with_two_thirds_of_villages(void **state)
{
    struct h_client *c = h_signed_in(&srv, "chutich");
    long long villages =
        h_db_count(&srv, "SELECT COUNT(*) FROM units WHERE parent_id = (SELECT id FROM "
                         "units WHERE code = '" WARD "')");
    long long needed = (2 * villages + 2) / 3; /* 4 of 5 */
    long long cid = commune_vote(c, "Mức đóng góp xây nhà văn hóa", (int)needed);
    const char *page = h_fmt(c, "/quan-ly/bieu-quyet/toan-xa/%lld", cid);
    struct h_response *r = h_get(c, page);
    assert_true(h_has(r, "Đã đủ số thôn, tổ dân phố tán thành"));
    /* Passing: the UBND must set the day it takes effect. */
    struct h_response *no_day = h_post_page(c, page, h_fmt(c, "%s/ket-luan", page), NULL);
    assert_int_equal(no_day->status, 422);
    assert_true(h_has(no_day, "ngày có hiệu lực"));
    const char *f[] = {"ngay_hieu_luc", h_vn_day(c, 10), NULL};
    r = h_post_page(c, page, h_fmt(c, "%s/ket-luan", page), f);
    assert_int_equal(r->status, 303);
    r = h_get(c, h_fmt(c, "/decisions/toan-xa/%lld?format=json", cid));
    assert_int_equal(r->status, 200);
    json_t *j = h_jget(h_json(r), "c");
    assert_int_equal(h_jint(j, "villages_total"), villages);
    assert_int_equal(h_jint(j, "villages_passed"), needed);
    assert_int_equal(h_jint(j, "villages_needed"), needed);
    assert_true(json_is_true(json_object_get(j, "passed")));
    assert_string_equal(json_string_value(json_object_get(j, "effective_on")), h_vn_day(c, 10));
    /* Concluded once only. */
    r = h_post_page(c, page, h_fmt(c, "%s/ket-luan", page), f);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "đã được kết luận"));
    /* The public list of the ward and of each village shows it. */
    r = h_get(c, "/decisions?unit=" WARD "&format=json");
    json_t *list = json_object_get(h_json(r), "commune_decisions");
    assert_true(json_array_size(list) >= 1);
    r = h_get(h_client_new(&srv), "/decisions?unit=9900101");
    assert_true(h_has(r, "Mức đóng góp xây nhà văn hóa"));
    assert_true(h_has(r, "được thông qua"));
    /* D12: the report to the council names the conclusion with its villages and its day. */
    struct h_client *council = h_signed_in(&srv, "hdnd");
    r = h_get(council, "/quan-ly/bieu-quyet/bao-cao?don_vi=" WARD);
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "Toàn Phường Bình Minh"));
    assert_true(h_has(r, h_fmt(c, "%lld/%lld thôn, tổ dân phố", needed, villages)));
    assert_true(h_has(r, h_fmt(c, "Có hiệu lực từ %s", h_vn_day(c, 10))));
    r = h_get(council, "/quan-ly/bieu-quyet/bao-cao.pdf?don_vi=" WARD);
    assert_int_equal(r->status, 200);
    char path[700];
    assert_int_equal(h_write_file(&srv, "bao-cao.pdf", r->body, r->len, path, sizeof path), 0);
    FILE *p = popen(h_fmt(c, "pdftotext -enc UTF-8 '%s' - | tr -s ' \\n' '  '", path), "r");
    assert_non_null(p);
    static char text[65536];
    size_t len = fread(text, 1, sizeof text - 1, p);
    text[len] = '\0';
    pclose(p);
    /* (pdftotext reads a table's wrapped cells side by side: check the short ones.) */
    assert_non_null(strstr(text, "Toàn Phường Bình Minh"));
    assert_non_null(strstr(text, h_fmt(c, "%lld/%lld thôn", needed, villages)));
    assert_non_null(strstr(text, "2/3 số thôn, tổ dân phố"));
}

static void D1_commune_wide_fails_with_one_village_short_of_two_thirds(void **state)
{
    struct h_client *c = h_signed_in(&srv, "chutich");
    long long villages =
        h_db_count(&srv, "SELECT COUNT(*) FROM units WHERE parent_id = (SELECT id FROM "
                         "units WHERE code = '" WARD "')");
    long long needed = (2 * villages + 2) / 3;
    /* 3 of 5: every village that failed missed by one household of its own 2/3. */
    long long cid = commune_vote(c, "Mức thu quỹ bảo trì đường", (int)needed - 1);
    const char *page = h_fmt(c, "/quan-ly/bieu-quyet/toan-xa/%lld", cid);
    struct h_response *r = h_get(c, page);
    assert_true(h_has(r, "Không còn đủ số thôn"));
    /* Not passing: no effective day needed, none recorded. */
    const char *f[] = {"ngay_hieu_luc", h_vn_day(c, 10), NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/ket-luan", page), f)->status, 303);
    r = h_get(h_client_new(&srv), h_fmt(c, "/decisions/toan-xa/%lld?format=json", cid));
    json_t *j = h_jget(h_json(r), "c");
    assert_int_equal(h_jint(j, "villages_passed"), needed - 1);
    assert_false(json_is_true(json_object_get(j, "passed")));
    assert_string_equal(json_string_value(json_object_get(j, "effective_on")), "");
    assert_int_equal(h_db_count(&srv, h_fmt(c,
                                            "SELECT COUNT(*) FROM audit_log WHERE action = "
                                            "'decision.commune_decide' AND object = "
                                            "'decision_commune:%lld'",
                                            cid)),
                     1);
    /* The public page in HTML names every village with its result. */
    r = h_get(h_client_new(&srv), h_fmt(c, "/decisions/toan-xa/%lld", cid));
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "Không được thông qua"));
    assert_true(h_has(r, "Tổ dân phố Quyết Tiến"));
    /* ... and a chart of each village's households, approving or not, as an image with its
     * title for screen readers. */
    assert_true(h_has(r, "<svg"));
    assert_true(h_has(r, "Kết quả biểu quyết của từng thôn, tổ dân phố"));
}

/* D5: a commune-wide ballot comes from the UBND (its stamp at the top), not signed by the
 * village head as a village's own ballot is. */
static void D5_commune_wide_ballot_cards_bear_the_committee_not_the_village_head(void **state)
{
    struct h_client *c = h_signed_in(&srv, "chutich");
    const char *f[] = {"don_vi",
                       WARD,
                       "loai",
                       "2",
                       "tieu_de",
                       "Thu quỹ đèn đường",
                       "cau_hoi",
                       "Hộ gia đình có tán thành mức thu 50.000 đồng/năm không?",
                       "hinh_thuc",
                       "1",
                       "ngay_thong_nhat",
                       h_vn_day(c, 0),
                       NULL};
    struct h_response *r = h_post_page(c, LIST, "/quan-ly/bieu-quyet/toan-xa", f);
    assert_int_equal(r->status, 303);
    long long cid = strtoll(strrchr(h_header(r, "Location"), '/') + 1, NULL, 10);
    struct h_client *head = h_signed_in(&srv, "truongthon");
    const char *page = h_fmt(head, "/quan-ly/bieu-quyet/%lld", village_matter(cid, 0));
    const char *nf[] = {"ngay_thong_bao", h_vn_day(head, 0), "han_phieu", h_vn_day(head, 7), NULL};
    assert_int_equal(h_post_page(head, page, h_fmt(head, "%s/thong-bao", page), nf)->status, 303);
    assert_int_equal(h_post_page(head, page, h_fmt(head, "%s/phat-phieu", page), NULL)->status,
                     303);
    r = h_get(head, h_fmt(head, "%s/phieu.pdf", page));
    assert_int_equal(r->status, 200);
    char path[700];
    assert_int_equal(h_write_file(&srv, "phieu-toan-xa.pdf", r->body, r->len, path, sizeof path),
                     0);
    FILE *p = popen(h_fmt(head, "pdftotext -enc UTF-8 -l 1 '%s' -", path), "r");
    assert_non_null(p);
    char text[8192];
    size_t len = fread(text, 1, sizeof text - 1, p);
    text[len] = '\0';
    pclose(p);
    assert_non_null(strstr(text, "ỦY BAN NHÂN DÂN PHƯỜNG BÌNH MINH"));
    assert_non_null(strstr(text, "Dấu của Ủy ban nhân dân"));
    assert_non_null(strstr(text, "PHIẾU LẤY Ý KIẾN HỘ GIA ĐÌNH"));
    assert_non_null(strstr(text, "Thu quỹ đèn đường"));
    assert_null(strstr(text, "Chữ ký"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(D2_commune_wide_tabled_by_the_chairperson_after_the_front_agrees),
        cmocka_unit_test(D1_commune_wide_passes_with_two_thirds_of_villages),
        cmocka_unit_test(D1_commune_wide_fails_with_one_village_short_of_two_thirds),
        cmocka_unit_test(D5_commune_wide_ballot_cards_bear_the_committee_not_the_village_head),
    };
    return h_run_group(tests, &srv);
}

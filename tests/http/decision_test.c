/*
 * decision_test.c - residents deciding by household over HTTP, on either back end (DOMAIN B3,
 * D1-D6): a village head tables a matter, gives notice (the roll freezes), ticks the households
 * at the meeting, enters the show of hands, completes it with household ballots (Art 19(1)(b))
 * and counts against ALL households of the village; an M6 matter is decided online after the
 * opt-in poll, secretly, with receipts; every duplicate path is tried (a household present at
 * the meeting then balloted, one card code used twice, two members of one household online)
 * and each household counts once; a household added after the notice does not vote or count,
 * one that moved away stays counted; no table links a household to a secret choice.
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

#define VILLAGE "9900101"

static long long village_households(void)
{
    return h_db_count(&srv,
                      "SELECT COUNT(*) FROM households h JOIN units u ON u.id = h.village_id WHERE "
                      "u.code = '" VILLAGE "' AND h.status = 'active'");
}

/* Tables a matter; returns its id. forms: extra pairs ("hinh_thuc", "0", ...). */
static long long table(struct h_client *c, const char *matter, const char *title,
                       const char *const *forms, int secret)
{
    const char *f[24] = {"don_vi",          VILLAGE,        "loai",    matter,
                         "tieu_de",         title,          "cau_hoi", "Bà con có tán thành không?",
                         "ngay_thong_nhat", h_vn_day(c, -1)};
    size_t n = 10;
    for (size_t i = 0; forms[i]; i++)
        f[n++] = forms[i];
    if (secret) {
        f[n++] = "bo_phieu_kin";
        f[n++] = "1";
    }
    f[n] = NULL;
    struct h_response *r =
        h_post_page(c, "/quan-ly/bieu-quyet?don_vi=" VILLAGE, "/quan-ly/bieu-quyet", f);
    assert_int_equal(r->status, 303);
    return strtoll(strrchr(h_header(r, "Location"), '/') + 1, NULL, 10);
}

static void notify(struct h_client *c, long long id)
{
    const char *page = h_fmt(c, "/quan-ly/bieu-quyet/%lld", id);
    const char *f[] = {"ngay_thong_bao", h_vn_day(c, 0), "ngay_hop", h_vn_day(c, 3), NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/thong-bao", page), f)->status, 303);
}

/* Household ids of the frozen roll, in code order. */
static long long roll_id(long long id, int k)
{
    return h_db_count(&srv,
                      h_fmt(h_client_new(&srv),
                            "SELECT r.household_id FROM decision_roll r JOIN households h ON h.id "
                            "= r.household_id WHERE r.decision_id = %lld ORDER BY h.code LIMIT 1 "
                            "OFFSET %d",
                            id, k));
}

static void D3_forms_follow_the_matter(void **state)
{
    struct h_client *c = h_signed_in(&srv, "truongthon");
    /* Online only for M6; a covenant (M3) only at a meeting. */
    const char *online[] = {"hinh_thuc", "2", NULL};
    const char *f[] = {"don_vi",          VILLAGE,        "loai", "1",         "tieu_de",
                       "Làm đường",       "cau_hoi",      "?",    "hinh_thuc", "2",
                       "ngay_thong_nhat", h_vn_day(c, 0), NULL};
    struct h_response *r =
        h_post_page(c, "/quan-ly/bieu-quyet?don_vi=" VILLAGE, "/quan-ly/bieu-quyet", f);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Chỉ nội dung tự quản khác (M6)"));
    const char *f3[] = {"don_vi",          VILLAGE,        "loai", "3",         "tieu_de",
                        "Hương ước",       "cau_hoi",      "?",    "hinh_thuc", "1",
                        "ngay_thong_nhat", h_vn_day(c, 0), NULL};
    r = h_post_page(c, "/quan-ly/bieu-quyet?don_vi=" VILLAGE, "/quan-ly/bieu-quyet", f3);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "phải quyết định tại cuộc họp"));
    /* ... with the matter and the form that were chosen. */
    assert_true(h_has(r, "<option value=\"3\" selected>"));
    assert_true(h_has(r, "name=\"hinh_thuc\" value=\"1\" checked"));
    /* D2: the head tables a matter after agreeing with the Ban CTMT, on a day already past;
     * refused without it, with what was typed kept. */
    const char *alone[] = {
        "don_vi",  VILLAGE, "loai",      "6", "tieu_de", "Giờ tắt loa phát thanh",
        "cau_hoi", "?",     "hinh_thuc", "2", NULL};
    r = h_post_page(c, "/quan-ly/bieu-quyet?don_vi=" VILLAGE, "/quan-ly/bieu-quyet", alone);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "sau khi thống nhất với Ban công tác Mặt trận"));
    assert_true(h_has(r, "Giờ tắt loa phát thanh"));
    const char *later[] = {"don_vi",          VILLAGE,        "loai", "6",         "tieu_de",
                           "Giờ tắt loa",     "cau_hoi",      "?",    "hinh_thuc", "0",
                           "ngay_thong_nhat", h_vn_day(c, 1), NULL};
    r = h_post_page(c, "/quan-ly/bieu-quyet?don_vi=" VILLAGE, "/quan-ly/bieu-quyet", later);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "không thể sau hôm nay"));
    long long on = table(c, "6", "Giờ thu gom rác", online, 0);
    assert_true(on > 0);
    assert_true(
        h_has(h_get(c, h_fmt(c, "/quan-ly/bieu-quyet/%lld", on)),
              h_fmt(c, "Thống nhất với Ban công tác Mặt trận</dt><dd>ngày %s", h_vn_day(c, -1))));
    /* A resident may not table anything. */
    struct h_client *a = h_signed_in(&srv, "nguoidan");
    assert_int_equal(h_get(a, "/quan-ly/bieu-quyet?don_vi=" VILLAGE)->status, 403);
}

static void D4_notice_at_least_2_days_before_freezes_the_roll(void **state)
{
    struct h_client *c = h_signed_in(&srv, "truongthon");
    const char *meeting[] = {"hinh_thuc", "0", NULL};
    long long id = table(c, "6", "Trồng cây xanh", meeting, 0);
    const char *page = h_fmt(c, "/quan-ly/bieu-quyet/%lld", id);
    /* A meeting 2 days away is too soon (notice at least 2 days before: by day - 3). */
    const char *f[] = {"ngay_thong_bao", h_vn_day(c, 0), "ngay_hop", h_vn_day(c, 2), NULL};
    struct h_response *r = h_post_page(c, page, h_fmt(c, "%s/thong-bao", page), f);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "ít nhất 2 ngày"));
    notify(c, id);
    assert_int_equal(
        h_db_count(&srv, h_fmt(c, "SELECT households_total FROM decisions WHERE id = %lld", id)),
        village_households());
    /* The notice (Mẫu 01) is public from now on, with the threshold on all households. */
    struct h_client *anon = h_client_new(&srv);
    r = h_get(anon, h_fmt(anon, "/decisions/%lld/thong-bao.pdf", id));
    assert_int_equal(r->status, 200);
    assert_memory_equal(r->body, "%PDF", 4);
    char path[700];
    assert_int_equal(h_write_file(&srv, "thong-bao.pdf", r->body, r->len, path, sizeof path), 0);
    FILE *p = popen(h_fmt(anon, "pdftotext '%s' -", path), "r");
    assert_non_null(p);
    char text[8192];
    size_t len = fread(text, 1, sizeof text - 1, p);
    text[len] = '\0';
    pclose(p);
    assert_non_null(strstr(text, "THÔNG BÁO"));
    assert_non_null(strstr(text, "Trồng cây xanh"));
    assert_non_null(strstr(text, "tổng số hộ"));
}

static void D1_meeting_of_40_percent_completed_by_ballots_counts_all_households(void **state)
{
    struct h_client *c = h_signed_in(&srv, "truongthon");
    const char *forms[] = {"hinh_thuc", "0", "hinh_thuc", "1", NULL};
    long long id = table(c, "1", "Đóng góp làm đường ngõ 3", forms, 0);
    notify(c, id);
    long long total = village_households();
    long long present = total * 40 / 100;
    long long needed = (2 * total + 2) / 3; /* at least 2/3 */
    const char *page = h_fmt(c, "/quan-ly/bieu-quyet/%lld", id);
    /* Attendance: the first 40%. */
    const char *att[70];
    size_t n = 0;
    for (long long k = 0; k < present; k++) {
        att[n++] = "ho";
        att[n++] = h_fmt(c, "%lld", roll_id(id, (int)k));
    }
    att[n] = NULL;
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/diem-danh", page), att)->status, 303);
    /* More hands than households present is refused. */
    const char *too_many[] = {
        "nguon",           "meeting", "tan_thanh", h_fmt(c, "%lld", present + 1),
        "khong_tan_thanh", "0",       NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/kiem-phieu", page), too_many)->status, 422);
    const char *hands[] = {"nguon",           "meeting", "tan_thanh", h_fmt(c, "%lld", present),
                           "khong_tan_thanh", "0",       NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/kiem-phieu", page), hands)->status, 303);
    /* Cards for the others only. */
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/phat-phieu", page), NULL)->status, 303);
    assert_int_equal(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM decision_cards WHERE decision_id = "
                               "%lld",
                               id)),
        total - present);
    /* A household present at the meeting cannot also hand in a ballot. */
    const char *dup[] = {"ho", h_fmt(c, "%lld", roll_id(id, 0)), "thu", "1", NULL};
    struct h_response *r = h_post_page(c, page, h_fmt(c, "%s/thu-phieu", page), dup);
    assert_int_equal(r->status, 303);
    /* Collect exactly enough for needed approvals, minus one: the vote fails by one household. */
    long long collect = needed - present;
    for (long long k = present; k < present + collect; k++) {
        const char *f[] = {"ho", h_fmt(c, "%lld", roll_id(id, (int)k)), "thu", "1", NULL};
        assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/thu-phieu", page), f)->status, 303);
    }
    /* The ballot count must match the cards collected, with 2 witnesses. */
    const char *bad[] = {"nguon", "ballot", "tan_thanh", "1",          "khong_tan_thanh",
                         "0",     "cach",   "paper",     "nhan_chung", "Nguyễn Văn A\nTrần Thị B",
                         NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/kiem-phieu", page), bad)->status, 422);
    const char *ballots[] = {"nguon",
                             "ballot",
                             "tan_thanh",
                             h_fmt(c, "%lld", collect - 1),
                             "khong_tan_thanh",
                             "1",
                             "cach",
                             "paper",
                             "nhan_chung",
                             "Nguyễn Văn A\nTrần Thị B",
                             NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/kiem-phieu", page), ballots)->status, 303);
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/ket-qua", page), NULL)->status, 303);
    struct h_response *res = h_get(c, h_fmt(c, "/decisions/%lld?format=json", id));
    assert_int_equal(res->status, 200);
    json_t *d = h_jget(h_json(res), "d");
    assert_int_equal(h_jint(d, "households_total"), total);
    assert_int_equal(h_jint(d, "households_voted"), present + collect);
    assert_int_equal(h_jint(d, "approve"), needed - 1);
    assert_int_equal(h_jint(d, "reject"), 1);
    assert_int_equal(h_jint(d, "other"), 0);
    assert_false(json_is_true(json_object_get(d, "passed")));
    /* The list answers with relative urls. */
    res = h_get(c, "/decisions?unit=99001&format=json");
    json_t *list = json_object_get(h_json(res), "decisions");
    assert_true(json_array_size(list) >= 1);
    assert_memory_equal(json_string_value(json_object_get(json_array_get(list, 0), "url")),
                        "/decisions/", 11);
}

static void D6_online_vote_after_opt_in_secret_with_receipts_once_per_household(void **state)
{
    struct h_client *c = h_signed_in(&srv, "truongthon");
    const char *forms[] = {"hinh_thuc", "2", NULL};
    long long id = table(c, "6", "Giờ mở cửa nhà văn hóa", forms, 1);
    notify(c, id);
    long long total = village_households();
    const char *page = h_fmt(c, "/quan-ly/bieu-quyet/%lld", id);
    /* Exactly half agreeing to vote online is not enough; half plus one is. */
    const char *half[] = {"dong_y", h_fmt(c, "%lld", total / 2), "so_gio", "24", NULL};
    struct h_response *r = h_post_page(c, page, h_fmt(c, "%s/truc-tuyen", page), half);
    if (total % 2 == 0) {
        assert_int_equal(r->status, 422);
        assert_true(h_has(r, "quá 50%"));
    }
    const char *more[] = {"dong_y", h_fmt(c, "%lld", total / 2 + 1), "so_gio", "24", NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/truc-tuyen", page), more)->status, 303);
    /* Cards carry the one-time codes; read three from the officials' page. */
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/phat-phieu", page), NULL)->status, 303);
    r = h_get(c, h_fmt(c, "%s?format=json", page));
    assert_int_equal(r->status, 200);
    json_t *cards = json_object_get(h_json(r), "cards");
    assert_int_equal(json_array_size(cards), total);
    const char *code0 = json_string_value(json_object_get(json_array_get(cards, 0), "code"));
    const char *code1 = json_string_value(json_object_get(json_array_get(cards, 1), "code"));
    assert_non_null(code0);
    /* Vote by code, without an account: a receipt. */
    struct h_client *v = h_client_new(&srv);
    const char *card = h_fmt(v, "/phieu/%s", code0);
    assert_int_equal(h_get(v, card)->status, 200);
    const char *yes[] = {"lua_chon", "1", NULL};
    r = h_post_page(v, card, card, yes);
    assert_int_equal(r->status, 200);
    const char *receipt = h_between(v, r, "<code>", "</code>");
    assert_non_null(receipt);
    assert_int_equal(strlen(receipt), 12);
    /* The same code again: refused, counted once. */
    r = h_post_page(v, card, card, yes);
    assert_int_equal(r->status, 409);
    assert_true(h_has(r, "đã biểu quyết"));
    /* Lower-case with a dash still finds the card. */
    struct h_client *v2 = h_client_new(&srv);
    char low[16];
    snprintf(low, sizeof low, "%.5s-%s", code1, code1 + 5);
    for (char *p = low; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    r = h_get(v2, h_fmt(v2, "/phieu?ma=%s", low));
    assert_int_equal(r->status, 303);
    const char *no[] = {"lua_chon", "2", NULL};
    assert_int_equal(
        h_post_page(v2, h_fmt(v2, "/phieu/%s", code1), h_fmt(v2, "/phieu/%s", code1), no)->status,
        200);
    /* Two members of one household online: the second is refused. */
    long long h2 = roll_id(id, 2);
    assert_int_equal(h_db_exec(&srv, h_fmt(c,
                                           "UPDATE accounts SET household_id = %lld WHERE login "
                                           "IN ('nguoidan', 'mattran')",
                                           h2)),
                     0);
    struct h_client *m1 = h_signed_in(&srv, "nguoidan"), *m2 = h_signed_in(&srv, "mattran");
    const char *vp = h_fmt(m1, "/bieu-quyet/%lld", id);
    assert_int_equal(h_post_page(m1, vp, vp, yes)->status, 200);
    assert_int_equal(h_post_page(m2, vp, vp, yes)->status, 409);
    /* A wrong code says so. */
    r = h_get(v, "/phieu?ma=AAAAAAAAAA");
    assert_int_equal(r->status, 422);
    /* Close and count: 2 approve, 1 reject of the whole roll: not passed. */
    assert_int_equal(h_db_exec(&srv, h_fmt(c,
                                           "UPDATE decisions SET online_closes_at = 1 WHERE id = "
                                           "%lld",
                                           id)),
                     0);
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/ket-qua", page), NULL)->status, 303);
    r = h_get(v, h_fmt(v, "/decisions/%lld?format=json", id));
    json_t *d = h_jget(h_json(r), "d");
    assert_int_equal(h_jint(d, "households_voted"), 3);
    assert_int_equal(h_jint(d, "approve"), 2);
    assert_int_equal(h_jint(d, "reject"), 1);
    assert_false(json_is_true(json_object_get(d, "passed")));
    /* The receipt is on the public list; the list's size matches the tally. */
    r = h_get(v, h_fmt(v, "/decisions/%lld/receipts?format=json", id));
    assert_int_equal(r->status, 200);
    json_t *list = json_object_get(h_json(r), "receipts");
    assert_int_equal(json_array_size(list), 3);
    int found = 0;
    for (size_t i = 0; i < json_array_size(list); i++)
        found |= !strcmp(json_string_value(json_array_get(list, i)), receipt);
    assert_true(found);
    assert_false(h_has(r, "Tán thành"));
    /* Nothing links a household to a secret choice: the ballots table has no household, no
     * time, no account column, and the votes of a secret matter carry no choice. */
    long long linking =
        srv.is_pg
            ? h_db_count(&srv, "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = "
                               "'decision_ballots' AND column_name NOT IN ('decision_id', "
                               "'receipt', 'choice')")
            : h_db_count(&srv, "SELECT COUNT(*) FROM pragma_table_info('decision_ballots') WHERE "
                               "name NOT IN ('decision_id', 'receipt', 'choice')");
    assert_int_equal(linking, 0);
    assert_int_equal(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM decision_votes WHERE decision_id = "
                               "%lld AND choice IS NOT NULL",
                               id)),
        0);
    /* D6: the decision document records the online window, the opt-in poll, where the receipts
     * are (in place of a screenshot) and the households that took part - never their choices. */
    r = h_get(v, h_fmt(v, "/decisions/%lld/quyet-dinh.pdf", id));
    assert_int_equal(r->status, 200);
    char path[700];
    assert_int_equal(h_write_file(&srv, "d6.pdf", r->body, r->len, path, sizeof path), 0);
    FILE *p = popen(h_fmt(v, "pdftotext -enc UTF-8 '%s' - | tr -s ' \\n' '  '", path), "r");
    assert_non_null(p);
    static char text[65536];
    size_t len = fread(text, 1, sizeof text - 1, p);
    text[len] = '\0';
    pclose(p);
    assert_non_null(strstr(text, "6. Biểu quyết trực tuyến"));
    assert_non_null(strstr(text, "hộ gia đình đồng ý biểu quyết trực tuyến"));
    assert_non_null(strstr(text, h_fmt(v, "/decisions/%lld/receipts", id)));
    assert_non_null(strstr(text, "Các hộ gia đình tham gia biểu quyết trực tuyến (3 hộ)"));
}

static void D1_roll_frozen_household_added_later_or_moved_away(void **state)
{
    struct h_client *c = h_signed_in(&srv, "truongthon");
    const char *forms[] = {"hinh_thuc", "0", NULL};
    long long id = table(c, "6", "Sửa nhà văn hóa", forms, 0);
    notify(c, id);
    long long total = village_households();
    /* After the notice: a household arrives, another moves away. */
    long long left = roll_id(id, 0);
    assert_int_equal(h_db_exec(&srv, h_fmt(c,
                                           "UPDATE households SET status = 'moved_out' WHERE id "
                                           "= %lld",
                                           left)),
                     0);
    assert_int_equal(h_db_exec(&srv, "INSERT INTO households (commune_id, village_id, code, "
                                     "address, status, created_at, updated_at) SELECT "
                                     "parent_id, id, 'MOI-01', 'Nhà mới', 'active', 0, 0 FROM "
                                     "units WHERE code = '" VILLAGE "'"),
                     0);
    long long added = h_db_count(&srv, "SELECT id FROM households WHERE code = 'MOI-01'");
    const char *page = h_fmt(c, "/quan-ly/bieu-quyet/%lld", id);
    const char *att[] = {"ho", h_fmt(c, "%lld", left),           "ho", h_fmt(c, "%lld", added),
                         "ho", h_fmt(c, "%lld", roll_id(id, 1)), NULL};
    struct h_response *r = h_post_page(c, page, h_fmt(c, "%s/diem-danh", page), att);
    assert_int_equal(r->status, 303);
    assert_int_equal(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM decision_votes WHERE decision_id = "
                               "%lld",
                               id)),
        1);
    const char *hands[] = {"nguon", "meeting", "tan_thanh", "1", "khong_tan_thanh", "0", NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/kiem-phieu", page), hands)->status, 303);
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/ket-qua", page), NULL)->status, 303);
    r = h_get(c, h_fmt(c, "/decisions/%lld?format=json", id));
    json_t *d = h_jget(h_json(r), "d");
    assert_int_equal(h_jint(d, "households_total"), total); /* the one who left still counts */
    r = h_get(c, h_fmt(c, "/decisions/%lld", id));
    assert_true(h_has(r, "MOI-01"));
    assert_true(h_has(r, "vẫn tính vào tổng số hộ"));
}

static void D8_D9_head_election_recognised_refused_with_reasons_and_annulled(void **state)
{
    struct h_client *c = h_signed_in(&srv, "truongthon");
    const char *forms[] = {"hinh_thuc", "0", NULL};
    long long id = table(c, "4", "Bầu Tổ trưởng tổ dân phố nhiệm kỳ 2027-2029", forms, 0);
    notify(c, id);
    long long total = village_households();
    const char *page = h_fmt(c, "/quan-ly/bieu-quyet/%lld", id);
    /* More than half of ALL households attend and approve. */
    long long yes = total / 2 + 1;
    const char *att[70];
    size_t n = 0;
    for (long long k = 0; k < yes; k++) {
        att[n++] = "ho";
        att[n++] = h_fmt(c, "%lld", roll_id(id, (int)k));
    }
    att[n] = NULL;
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/diem-danh", page), att)->status, 303);
    const char *hands[] = {"nguon",           "meeting", "tan_thanh", h_fmt(c, "%lld", yes),
                           "khong_tan_thanh", "0",       NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/kiem-phieu", page), hands)->status, 303);
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/ket-qua", page), NULL)->status, 303);
    const char *result = h_fmt(c, "/decisions/%lld", id);
    struct h_response *r = h_get(c, result);
    assert_true(h_has(r, "chờ công nhận"));
    assert_true(h_has(r, "chưa gửi"));
    /* The village head cannot recognise; sends it. */
    assert_int_equal(h_post_page(c, result, h_fmt(c, "%s/cong-nhan", result), NULL)->status, 403);
    assert_int_equal(h_post_page(c, result, h_fmt(c, "%s/gui", result), NULL)->status, 303);
    /* The chairperson refuses without reasons: refused; with reasons: recorded. */
    struct h_client *ch = h_signed_in(&srv, "chutich");
    const char *bare[] = {"ket_qua", "refused", "ly_do", "", NULL};
    r = h_post_page(ch, result, h_fmt(ch, "%s/cong-nhan", result), bare);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "phải nêu rõ lý do"));
    const char *why[] = {"ket_qua", "refused", "ly_do", "Người trúng cử chưa đủ 21 tuổi.", NULL};
    assert_int_equal(h_post_page(ch, result, h_fmt(ch, "%s/cong-nhan", result), why)->status, 303);
    r = h_get(ch, result);
    assert_true(h_has(r, "từ chối công nhận"));
    assert_true(h_has(r, "chưa đủ 21 tuổi"));
    /* Once decided, not again. */
    const char *ok[] = {"ket_qua", "recognised", NULL};
    assert_int_equal(h_post_page(ch, result, h_fmt(ch, "%s/cong-nhan", result), ok)->status, 303);
    assert_int_equal(h_db_count(&srv, h_fmt(c,
                                            "SELECT COUNT(*) FROM decisions WHERE id = %lld AND "
                                            "recognition = 'refused'",
                                            id)),
                     1);
    /* Annulment needs a reason and the UBND. */
    const char *annul[] = {"ly_do", "Thủ tục bầu cử không đúng quy định.", NULL};
    assert_int_equal(h_post_page(c, result, h_fmt(c, "%s/bai-bo", result), annul)->status, 403);
    assert_int_equal(h_post_page(ch, result, h_fmt(ch, "%s/bai-bo", result), annul)->status, 303);
    assert_true(h_has(h_get(ch, result), "đã bị Ủy ban nhân dân bãi bỏ"));
    assert_true(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM audit_log WHERE object = 'decision:%lld' "
                               "AND action IN ('decision.sent', 'decision.recognition', "
                               "'decision.annul')",
                               id)) == 3);
}

static void
D2_initiative_obliges_at_10_percent_of_households_each_consent_valid_3_months(void **state)
{
    long long h1 =
        h_db_count(&srv, "SELECT h.id FROM households h JOIN units u ON u.id = h.village_id "
                         "WHERE u.code = '" VILLAGE "' AND h.status = 'active' ORDER BY h.code "
                         "LIMIT 1 OFFSET 5");
    long long h2 =
        h_db_count(&srv, "SELECT h.id FROM households h JOIN units u ON u.id = h.village_id "
                         "WHERE u.code = '" VILLAGE "' AND h.status = 'active' ORDER BY h.code "
                         "LIMIT 1 OFFSET 6");
    struct h_client *c = h_client_new(&srv);
    assert_int_equal(h_db_exec(&srv, h_fmt(c,
                                           "UPDATE accounts SET household_id = %lld WHERE login "
                                           "= 'nguoidan'",
                                           h1)),
                     0);
    assert_int_equal(h_db_exec(&srv, h_fmt(c,
                                           "UPDATE accounts SET household_id = %lld WHERE login "
                                           "= 'mattran'",
                                           h2)),
                     0);
    long long total = village_households();
    long long needed = (total + 9) / 10;
    struct h_client *a = h_signed_in(&srv, "nguoidan");
    assert_true(h_has(h_get(a, "/decisions/de-xuat"), "Gửi đề xuất"));
    const char *f[] = {"loai",    "6",
                       "tieu_de", "Lắp camera an ninh đầu ngõ",
                       "cau_hoi", "Bà con có tán thành lắp camera không?",
                       NULL};
    struct h_response *r = h_post_page(a, "/decisions/de-xuat", "/decisions/de-xuat", f);
    assert_int_equal(r->status, 303);
    const char *page = h_header(r, "Location");
    long long id = strtoll(strrchr(page, '/') + 1, NULL, 10);
    r = h_get(a, page);
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, h_fmt(a, "<strong>1</strong> trên %lld hộ", total)));
    /* Anyone reads it; it shows in the village's list. */
    struct h_client *anon = h_client_new(&srv);
    assert_int_equal(h_get(anon, page)->status, 200);
    assert_true(h_has(h_get(anon, "/decisions?unit=" VILLAGE), "Lắp camera an ninh"));
    /* Consents up to one short of 10% (the village head enters some from paper). */
    struct h_client *c2 = h_signed_in(&srv, "truongthon");
    const char *paper[40];
    size_t n = 0;
    for (long long k = 0; k < needed - 2 && k < 15; k++) {
        paper[n++] = "ho";
        paper[n++] =
            h_fmt(c2, "%lld",
                  h_db_count(&srv, h_fmt(c2,
                                         "SELECT h.id FROM households h JOIN units u ON u.id = "
                                         "h.village_id WHERE u.code = '" VILLAGE "' AND "
                                         "h.status = 'active' ORDER BY h.code LIMIT 1 OFFSET "
                                         "%lld",
                                         10 + k)));
    }
    paper[n] = NULL;
    if (n)
        assert_int_equal(
            h_post_page(c2, page, h_fmt(c2, "%s/dong-thuan-giay", page), paper)->status, 303);
    r = h_get(a, page);
    assert_false(h_has(r, "Đã đủ số hộ đồng thuận")); /* one short */
    /* A resident may not enter paper consents. */
    assert_int_equal(h_post_page(a, page, h_fmt(a, "%s/dong-thuan-giay", page), paper)->status,
                     403);
    struct h_client *m = h_signed_in(&srv, "mattran");
    assert_int_equal(h_post_page(m, page, h_fmt(m, "%s/dong-thuan", page), NULL)->status, 303);
    r = h_get(a, page);
    assert_true(h_has(r, "Đã đủ số hộ đồng thuận"));
    /* A consent older than 3 months no longer counts. */
    assert_int_equal(h_db_exec(&srv, h_fmt(c,
                                           "UPDATE decision_consents SET given_on = '2020-01-01' "
                                           "WHERE decision_id = %lld AND household_id = %lld",
                                           id, h2)),
                     0);
    r = h_get(a, page);
    assert_false(h_has(r, "Đã đủ số hộ đồng thuận"));
    /* A household of another village cannot consent. */
    long long other =
        h_db_count(&srv, "SELECT h.id FROM households h JOIN units u ON u.id = h.village_id "
                         "WHERE u.code = '9900102' AND h.status = 'active' LIMIT 1");
    const char *far[] = {"ho", h_fmt(c2, "%lld", other), NULL};
    assert_int_equal(h_post_page(c2, page, h_fmt(c2, "%s/dong-thuan-giay", page), far)->status,
                     303);
    assert_int_equal(h_db_count(&srv, h_fmt(c,
                                            "SELECT COUNT(*) FROM decision_consents WHERE "
                                            "decision_id = %lld AND household_id = %lld",
                                            id, other)),
                     0);
}

static void D4_village_of_200_households_meets_in_clusters_and_results_add_up(void **state)
{
    struct h_client *c = h_signed_in(&srv, "truongthon");
    /* Grow the village to 200 households. */
    long long have = village_households();
    assert_int_equal(h_db_exec(&srv, h_fmt(c,
                                           "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i "
                                           "+ 1 FROM n WHERE i < %lld) INSERT INTO households "
                                           "(commune_id, village_id, code, address, status, "
                                           "created_at, updated_at) SELECT u.parent_id, u.id, "
                                           "'CUM-' || i, 'Khu mới', 'active', 0, 0 FROM n, units "
                                           "u WHERE u.code = '" VILLAGE "'",
                                           200 - have)),
                     0);
    const char *forms[] = {"hinh_thuc", "0", NULL};
    long long id = table(c, "6", "Làm mái che chợ", forms, 0);
    notify(c, id);
    const char *page = h_fmt(c, "/quan-ly/bieu-quyet/%lld", id);
    assert_true(h_has(h_get(c, page), "họp theo cụm"));
    /* Two clusters of 60 households each. */
    const char *att[250];
    size_t n = 0;
    for (int k = 0; k < 120; k++) {
        att[n++] = "ho";
        att[n++] = h_fmt(c, "%lld", roll_id(id, k));
    }
    att[n] = NULL;
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/diem-danh", page), att)->status, 303);
    const char *c1[] = {"nguon", "meeting",         "cum", "Cụm 1", "tan_thanh",
                        "55",    "khong_tan_thanh", "5",   NULL};
    const char *c2[] = {"nguon", "meeting",         "cum", "Cụm 2", "tan_thanh",
                        "50",    "khong_tan_thanh", "10",  NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/kiem-phieu", page), c1)->status, 303);
    struct h_response *r = h_post_page(c, page, h_fmt(c, "%s/kiem-phieu", page), c1);
    assert_int_equal(r->status, 303);
    assert_true(h_has(h_get(c, h_header(r, "Location")), "Kết quả của cụm này đã được nhập"));
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/kiem-phieu", page), c2)->status, 303);
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/ket-qua", page), NULL)->status, 303);
    json_t *d = h_jget(h_json(h_get(c, h_fmt(c, "/decisions/%lld?format=json", id))), "d");
    assert_int_equal(h_jint(d, "households_total"), 200);
    assert_int_equal(h_jint(d, "approve"), 105);
    assert_int_equal(h_jint(d, "reject"), 15);
    assert_true(json_is_true(json_object_get(d, "passed"))); /* 105 > 100 */
    /* Leave the village as it was for the other cases. */
    assert_int_equal(h_db_exec(&srv, "UPDATE households SET status = 'dissolved' WHERE code LIKE "
                                     "'CUM-%'"),
                     0);
}

static void D10_D1_two_candidates_counted_each_elected_above_half_of_all_households(void **state)
{
    struct h_client *ch = h_signed_in(&srv, "chutich");
    const char *f[] = {"don_vi",   VILLAGE,          "loai",        "head",
                       "ngay_bau", h_vn_day(ch, 30), "ung_cu_vien", "Nguyễn Văn An\nLê Thị Bình",
                       NULL};
    struct h_response *r = h_post_page(ch, "/quan-ly/bau-cu?don_vi=" VILLAGE, "/quan-ly/bau-cu", f);
    assert_int_equal(r->status, 303);
    long long id = strtoll(strrchr(h_header(r, "Location"), '/') + 1, NULL, 10);
    struct h_client *c = h_signed_in(&srv, "truongthon");
    const char *page = h_fmt(c, "/quan-ly/bieu-quyet/%lld", id);
    const char *fn[] = {"ngay_thong_bao", h_vn_day(c, 0), "ngay_hop", h_vn_day(c, 30), NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/thong-bao", page), fn)->status, 303);
    r = h_get(c, page);
    assert_true(h_has(r, "Số phiếu bầu của từng người ứng cử"));
    assert_true(h_has(r, "Lê Thị Bình"));
    long long total = village_households();
    const char *att[70];
    size_t n = 0;
    for (long long k = 0; k < total; k++) {
        att[n++] = "ho";
        att[n++] = h_fmt(c, "%lld", roll_id(id, (int)k));
    }
    att[n] = NULL;
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/diem-danh", page), att)->status, 303);
    /* One more than half of ALL households for the first: elected (exactly half would not be). */
    long long half = total / 2;
    const char *t[] = {"nguon",
                       "meeting",
                       "cach",
                       "secret",
                       "ung_vien_1",
                       h_fmt(c, "%lld", half + 1),
                       "ung_vien_2",
                       h_fmt(c, "%lld", total - half - 1),
                       "to_kiem_phieu",
                       "Trần Văn Một\nLê Thị Hai\nPhạm Văn Ba",
                       "nhan_chung",
                       "Đỗ Văn Tư\nNgô Thị Năm",
                       NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/kiem-phieu", page), t)->status, 303);
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/ket-qua", page), NULL)->status, 303);
    r = h_get(c, h_fmt(c, "/decisions/%lld?format=json", id));
    json_t *m = h_json(r);
    json_t *cands = json_object_get(m, "candidates");
    assert_int_equal(json_array_size(cands), 2);
    assert_string_equal(h_jstr(json_array_get(cands, 0), "name"), "Nguyễn Văn An");
    assert_int_equal(h_jint(json_array_get(cands, 0), "votes"), half + 1);
    assert_true(json_is_true(json_object_get(json_array_get(cands, 0), "elected")));
    assert_true(json_is_true(json_object_get(h_jget(m, "d"), "passed")));
    assert_true(h_has(h_get(c, h_fmt(c, "/decisions/%lld", id)), "Người trúng cử: Nguyễn Văn An"));
}

static void D4_D5_documents_two_days_before_and_a_ballot_team_of_three_to_five(void **state)
{
    struct h_client *c = h_signed_in(&srv, "truongthon");
    const char *forms[] = {"hinh_thuc", "0", "hinh_thuc", "1", NULL};
    long long id = table(c, "1", "Đóng góp sửa cổng làng", forms, 0);
    const char *page = h_fmt(c, "/quan-ly/bieu-quyet/%lld", id);
    /* Meeting in 10 days: documents at least 2 days before, so by day 7. */
    const char *fn[] = {"ngay_thong_bao", h_vn_day(c, 0), "ngay_hop", h_vn_day(c, 10), NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/thong-bao", page), fn)->status, 303);
    struct h_response *r = h_get(c, page);
    assert_true(h_has(r, h_fmt(c, "chậm nhất ngày %s", h_vn_day(c, 7))));
    assert_true(h_has(r, "<strong>Chưa đủ:</strong> Tài liệu"));
    /* Day 8 is too late; day 7 is in time. */
    const char *late[] = {"tai_lieu", h_vn_day(c, 8), NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/chuan-bi", page), late)->status, 303);
    assert_true(h_has(h_get(c, page), "<strong>Chưa đủ:</strong> Tài liệu"));
    /* A team of two is refused; of three, recorded with the plan. */
    const char *two[] = {"tai_lieu", h_vn_day(c, 7), "to", "Hoàng Thị Mặt trận\nLê Văn Nam", NULL};
    r = h_post_page(c, page, h_fmt(c, "%s/chuan-bi", page), two);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Tổ gồm từ 3 đến 5 người"));
    const char *three[] = {"tai_lieu",
                           h_vn_day(c, 7),
                           "to",
                           "Hoàng Thị Mặt trận\nLê Văn Nam\nPhạm Thị Lan",
                           "ke_hoach",
                           h_vn_day(c, 0),
                           "gui_ke_hoach",
                           h_vn_day(c, 1),
                           "phat_phieu",
                           h_vn_day(c, 12),
                           NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/chuan-bi", page), three)->status, 303);
    r = h_get(c, page);
    assert_true(h_has(r, "Đã đủ: Tài liệu"));
    assert_true(h_has(r, "Đã đủ: Tổ phát phiếu"));
    assert_true(h_has(r, "Đã đủ: Kế hoạch ban hành"));
    assert_true(h_has(r, "Đã đủ: Thông báo trước ngày phát phiếu"));
}

static void D12_report_of_decided_matters_for_the_council(void **state)
{
    /* The demo's three finished votes (and any counted by the cases above) are in it. */
    struct h_client *h = h_signed_in(&srv, "hdnd");
    struct h_response *r = h_get(h, "/quan-ly/bieu-quyet/bao-cao?don_vi=99001&format=json");
    assert_int_equal(r->status, 200);
    json_t *m = h_json(r);
    assert_true(h_jint(m, "total") >= 3);
    assert_true(h_jint(m, "passed") >= 3);
    json_t *first = json_array_get(json_object_get(m, "lines"), 0);
    assert_non_null(strstr(h_jstr(first, "households"), "/"));
    r = h_get(h, "/quan-ly/bieu-quyet/bao-cao.pdf?don_vi=99001");
    assert_int_equal(r->status, 200);
    assert_memory_equal(r->body, "%PDF", 4);
    /* An empty period, and a resident who may not read it. */
    r = h_get(h, "/quan-ly/bieu-quyet/bao-cao?don_vi=99001&tu=01/01/2020&den=31/12/2020");
    assert_true(h_has(r, "Không có nội dung nào"));
    struct h_client *a = h_signed_in(&srv, "nguoidan");
    assert_int_equal(h_get(a, "/quan-ly/bieu-quyet/bao-cao?don_vi=99001")->status, 403);
}

static void D4_secretary_and_method_chosen_by_more_than_half_of_those_attending(void **state)
{
    struct h_client *c = h_signed_in(&srv, "truongthon");
    const char *forms[] = {"hinh_thuc", "0", NULL};
    long long id = table(c, "6", "Chọn ngày tổng vệ sinh", forms, 0);
    notify(c, id);
    const char *page = h_fmt(c, "/quan-ly/bieu-quyet/%lld", id);
    const char *att[30];
    size_t n = 0;
    for (int k = 0; k < 10; k++) {
        att[n++] = "ho";
        att[n++] = h_fmt(c, "%lld", roll_id(id, k));
    }
    att[n] = NULL;
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/diem-danh", page), att)->status, 303);
    /* 10 attend: 5 for the secretary is half, not more than half. */
    const char *half[] = {
        "nguon",  "meeting",           "tan_thanh",    "8", "khong_tan_thanh", "2",
        "thu_ky", "Nguyễn Thị Thư ký", "thu_ky_phieu", "5", "cach_phieu",      "10",
        NULL};
    struct h_response *r = h_post_page(c, page, h_fmt(c, "%s/kiem-phieu", page), half);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Thư ký cuộc họp phải được quá nửa"));
    /* The refused count comes back as typed. */
    assert_true(h_has(r, "value=\"Nguyễn Thị Thư ký\""));
    assert_true(h_has(r, "name=\"tan_thanh\" inputmode=\"numeric\" value=\"8\""));
    const char *method[] = {
        "nguon",  "meeting",           "tan_thanh",    "8", "khong_tan_thanh", "2",
        "thu_ky", "Nguyễn Thị Thư ký", "thu_ky_phieu", "6", "cach_phieu",      "5",
        NULL};
    r = h_post_page(c, page, h_fmt(c, "%s/kiem-phieu", page), method);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Hình thức giơ tay hay bỏ phiếu kín"));
    const char *ok[] = {"nguon",  "meeting",           "tan_thanh",    "8", "khong_tan_thanh", "2",
                        "thu_ky", "Nguyễn Thị Thư ký", "thu_ky_phieu", "6", "cach_phieu",      "6",
                        NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/kiem-phieu", page), ok)->status, 303);
    assert_int_equal(h_db_count(&srv, h_fmt(c,
                                            "SELECT secretary_votes FROM decision_tallies WHERE "
                                            "decision_id = %lld",
                                            id)),
                     6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(D3_forms_follow_the_matter),
        cmocka_unit_test(D4_notice_at_least_2_days_before_freezes_the_roll),
        cmocka_unit_test(D1_meeting_of_40_percent_completed_by_ballots_counts_all_households),
        cmocka_unit_test(D6_online_vote_after_opt_in_secret_with_receipts_once_per_household),
        cmocka_unit_test(D1_roll_frozen_household_added_later_or_moved_away),
        cmocka_unit_test(D8_D9_head_election_recognised_refused_with_reasons_and_annulled),
        cmocka_unit_test(D4_village_of_200_households_meets_in_clusters_and_results_add_up),
        cmocka_unit_test(D10_D1_two_candidates_counted_each_elected_above_half_of_all_households),
        cmocka_unit_test(D4_D5_documents_two_days_before_and_a_ballot_team_of_three_to_five),
        cmocka_unit_test(D12_report_of_decided_matters_for_the_council),
        cmocka_unit_test(D4_secretary_and_method_chosen_by_more_than_half_of_those_attending),
        cmocka_unit_test(
            D2_initiative_obliges_at_10_percent_of_households_each_consent_valid_3_months),
    };
    return h_run_group(tests, &srv);
}

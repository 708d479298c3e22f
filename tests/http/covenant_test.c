/*
 * covenant_test.c - village covenants over HTTP, on either back end (DOMAIN G, D1, D3, D8): a
 * tổ dân phố of 16 households proposes a covenant (the village head with the Ban công tác Mặt
 * trận), names its drafting team, posts the draft; the adoption vote is refused on day 30 of the
 * posting and started on day 31 (dates moved by SQL where time must pass); a meeting of exactly
 * half the households says ballots are needed, and household ballots complete the vote; the
 * dossier goes in; the UBND refuses without reasons (422) and with reasons; a second covenant
 * adopted at a meeting of more than half is recognised, distributed (the community house plus
 * another channel), reviewed, suspended in part and amended, then annulled when the fix did
 * not come; each decision prints as a Decree 30 notice; the public pages show what is in force
 * and the commune's statistics count it all; a resident gets 403 on every back-office step.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"

static struct h_server srv;
static int file_seq;

#define VILLAGE "9900101"
#define COMMUNE "99001"

/* Covenants shared by the cases, in order: A refused, B recognised then annulled, C amends B. */
static long long cov_a, cov_b, cov_c;

/* Today plus days in Vietnam (UTC+7). */
static struct tm vn_tm(int days)
{
    time_t t = time(NULL) + 7 * 3600 + (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm;
}

/* As stored, yyyy-mm-dd; h_vn_day gives the dd/mm/yyyy of the forms. */
static const char *iso_day(struct h_client *c, int days)
{
    struct tm tm = vn_tm(days);
    return h_fmt(c, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* Asserts the response holds needle, printing the body when it does not. */
static void has(const struct h_response *r, const char *needle)
{
    if (!h_has(r, needle)) {
        fprintf(stderr, "status %ld, body:\n%s\n", r->status, r->body);
        fail_msg("missing \"%s\"", needle);
    }
}

static const char *page_of(struct h_client *c, long long id)
{
    return h_fmt(c, "/quan-ly/huong-uoc/%lld", id);
}

/* A step's POST on the covenant's page. */
static struct h_response *step(struct h_client *c, long long id, const char *what,
                               const char *const *fields)
{
    const char *page = page_of(c, id);
    return h_post_page(c, page, h_fmt(c, "%s/%s", page, what), fields);
}

static long long village_households(void)
{
    return h_db_count(&srv,
                      "SELECT COUNT(*) FROM households h JOIN units u ON u.id = h.village_id WHERE "
                      "u.code = '" VILLAGE "' AND h.status = 'active'");
}

static long long covenant_int(struct h_client *c, long long id, const char *column)
{
    return h_db_count(&srv, h_fmt(c, "SELECT %s FROM covenants WHERE id = %lld", column, id));
}

static int status_is(struct h_client *c, long long id, const char *status)
{
    return h_db_count(&srv,
                      h_fmt(c, "SELECT COUNT(*) FROM covenants WHERE id = %lld AND status = '%s'",
                            id, status)) == 1;
}

/* Proposes a covenant as the village head with the Ban CTMT; returns its id. */
static long long propose(struct h_client *c, const char *title, const char *amends)
{
    /* Proposed 60 days ago, so that a posting 30 days ago comes after it. */
    const char *f[] = {"don_vi",       VILLAGE,          "tieu_de", title,     "de_xuat",
                       "head",         "ban_ctmt",       "1",       "sua_doi", amends ? amends : "",
                       "ngay_de_xuat", h_vn_day(c, -60), NULL};
    struct h_response *r =
        h_post_page(c, "/quan-ly/huong-uoc?don_vi=" VILLAGE, "/quan-ly/huong-uoc", f);
    assert_int_equal(r->status, 303);
    return strtoll(strrchr(h_header(r, "Location"), '/') + 1, NULL, 10);
}

/* The drafting team, then the draft posted (today), then moved 31 days back by SQL. */
static void draft_and_post(struct h_client *c, long long id)
{
    const char *team[] = {"to_soan_thao",
                          "Nguyễn Văn An (Hội Nông dân)\nTrần Thị Bình (Hội "
                          "Liên hiệp Phụ nữ)\nLê Văn Cường (người có uy tín)",
                          NULL};
    assert_int_equal(step(c, id, "to-soan-thao", team)->status, 303);
    const char *posting[] = {"ngay_niem_yet", h_vn_day(c, 0), "ma_gop_y", "", NULL};
    assert_int_equal(step(c, id, "niem-yet", posting)->status, 303);
    assert_int_equal(h_db_exec(&srv, h_fmt(c,
                                           "UPDATE covenants SET posted_on = '%s' WHERE id = "
                                           "%lld",
                                           iso_day(c, -31), id)),
                     0);
}

/* Starts the adoption vote; returns the M3 matter's id. */
static long long start_vote(struct h_client *c, long long id)
{
    assert_int_equal(step(c, id, "bieu-quyet", NULL)->status, 303);
    long long did = covenant_int(c, id, "decision_id");
    assert_true(did > 0);
    return did;
}

static const char *vote_page(struct h_client *c, long long did)
{
    return h_fmt(c, "/quan-ly/bieu-quyet/%lld", did);
}

/* The notice of the meeting (in 3 days): the roll freezes. */
static void notify(struct h_client *c, long long did)
{
    const char *page = vote_page(c, did);
    const char *f[] = {"ngay_thong_bao", h_vn_day(c, 0), "ngay_hop", h_vn_day(c, 3), NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/thong-bao", page), f)->status, 303);
}

static long long roll_id(long long did, int k)
{
    return h_db_count(&srv,
                      h_fmt(h_client_new(&srv),
                            "SELECT r.household_id FROM decision_roll r JOIN households h ON h.id "
                            "= r.household_id WHERE r.decision_id = %lld ORDER BY h.code LIMIT 1 "
                            "OFFSET %d",
                            did, k));
}

/* Ticks the first n households of the roll present, and enters their hands (all approve). */
static void meeting(struct h_client *c, long long did, int n)
{
    const char *page = vote_page(c, did);
    const char *att[78];
    int k = 0;
    for (int i = 0; i < n && k < 76; i++) {
        att[k++] = "ho";
        att[k++] = h_fmt(c, "%lld", roll_id(did, i));
    }
    att[k] = NULL;
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/diem-danh", page), att)->status, 303);
    const char *hands[] = {"nguon",           "meeting", "tan_thanh", h_fmt(c, "%d", n),
                           "khong_tan_thanh", "0",       NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/kiem-phieu", page), hands)->status, 303);
}

static void count(struct h_client *c, long long did)
{
    const char *page = vote_page(c, did);
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/ket-qua", page), NULL)->status, 303);
}

/* A covenant from proposal to the dossier sent, adopted at a meeting of more than half. */
static long long adopted_and_submitted(struct h_client *c, const char *title, const char *amends)
{
    long long id = propose(c, title, amends);
    draft_and_post(c, id);
    long long did = start_vote(c, id);
    notify(c, did);
    long long total = village_households();
    meeting(c, did, (int)(total / 2 + 1));
    count(c, did);
    assert_int_equal(step(c, id, "thong-qua", NULL)->status, 303);
    assert_true(status_is(c, id, "adopted"));
    assert_int_equal(step(c, id, "ho-so", NULL)->status, 303);
    return id;
}

static int sh(const char *cmd)
{
    int st = system(cmd);
    return st == -1 ? -1 : WEXITSTATUS(st);
}

/* The text of a PDF response (pdftotext), white space collapsed, client-owned. */
static const char *pdf_text(struct h_client *c, const struct h_response *r)
{
    assert_int_equal(r->status, 200);
    assert_string_equal(h_header(r, "Content-Type"), "application/pdf");
    assert_memory_equal(r->body, "%PDF", 4);
    char path[700];
    assert_int_equal(h_write_file(&srv, h_fmt(c, "covenant-%d.pdf", ++file_seq), r->body, r->len,
                                  path, sizeof path),
                     0);
    FILE *p = popen(h_fmt(c, "pdftotext -enc UTF-8 '%s' - 2>/dev/null", path), "r");
    assert_non_null(p);
    size_t cap = 1 << 16, n = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    int ch, space = 1;
    while ((ch = fgetc(p)) != EOF) {
        int ws = ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t' || ch == '\f';
        if (ws && space)
            continue;
        space = ws;
        if (n + 2 > cap) {
            cap *= 2;
            text = realloc(text, cap);
            assert_non_null(text);
        }
        text[n++] = ws ? ' ' : (char)ch;
    }
    text[n] = '\0';
    pclose(p);
    const char *out = h_fmt(c, "%s", text);
    free(text);
    return out;
}

static void text_has(const char *text, const char *needle)
{
    if (!strstr(text, needle)) {
        fprintf(stderr, "text: %s\n", text);
        fail_msg("missing \"%s\"", needle);
    }
}

/* G (Art 7, 8, 9, 10, 11), D1, D3, D8: the whole path of covenant A to a refusal. */
static void G_D3_posted_30_days_refused_31_starts_half_present_completed_by_ballots(void **state)
{
    assert_int_equal(sh("command -v pdftotext >/dev/null"), 0);
    struct h_client *c = h_signed_in(&srv, "truongthon");
    /* Art 7: the village head proposes after agreeing with the Ban CTMT; an initiative needs
     * 10% of households. */
    const char *bare[] = {"don_vi",  VILLAGE, "tieu_de", "Hương ước Tổ dân phố số 1",
                          "de_xuat", "head",  NULL};
    struct h_response *r =
        h_post_page(c, "/quan-ly/huong-uoc?don_vi=" VILLAGE, "/quan-ly/huong-uoc", bare);
    assert_int_equal(r->status, 422);
    has(r, "Ban công tác Mặt trận");
    has(r, "value=\"Hương ước Tổ dân phố số 1\"");
    const char *few[] = {"don_vi",  VILLAGE,      "tieu_de",          "Quy ước giữ gìn vệ sinh",
                         "de_xuat", "initiative", "so_ho_dong_thuan", "1",
                         NULL};
    r = h_post_page(c, "/quan-ly/huong-uoc?don_vi=" VILLAGE, "/quan-ly/huong-uoc", few);
    assert_int_equal(r->status, 422);
    has(r, "10%");
    cov_a = propose(c, "Hương ước Tổ dân phố số 1", NULL);
    assert_true(status_is(c, cov_a, "proposed"));
    /* Art 8: the team first; the ethnic-area guidance is on the page. */
    const char *posting[] = {"ngay_niem_yet", h_vn_day(c, -30), "ma_gop_y", "1", NULL};
    r = step(c, cov_a, "niem-yet", posting);
    assert_int_equal(r->status, 422);
    has(r, "tổ soạn thảo");
    has(r, "người biết tiếng dân tộc thiểu số");
    const char *empty[] = {"to_soan_thao", "  ", NULL};
    assert_int_equal(step(c, cov_a, "to-soan-thao", empty)->status, 422);
    const char *team[] = {"to_soan_thao", "Nguyễn Văn An (Hội Nông dân)\nTrần Thị Bình", NULL};
    assert_int_equal(step(c, cov_a, "to-soan-thao", team)->status, 303);
    assert_true(status_is(c, cov_a, "drafting"));
    /* Art 9: posted 30 days ago, with the consultation linked by its id. */
    assert_int_equal(step(c, cov_a, "niem-yet", posting)->status, 303);
    assert_true(status_is(c, cov_a, "consulting"));
    r = h_get(c, page_of(c, cov_a));
    has(r, "href=\"/gop-y/du-thao/1\"");
    has(r, h_fmt(c, "Được biểu quyết thông qua từ ngày %s", h_vn_day(c, 1)));
    /* Day 30 of the posting: too early, and the page says from when. */
    r = step(c, cov_a, "bieu-quyet", NULL);
    assert_int_equal(r->status, 422);
    has(r, h_fmt(c, "sớm nhất được biểu quyết từ ngày %s", h_vn_day(c, 1)));
    assert_int_equal(covenant_int(c, cov_a, "COALESCE(decision_id, 0)"), 0);
    /* Day 31 (time passes by SQL): the M3 matter is made and linked. */
    assert_int_equal(h_db_exec(&srv, h_fmt(c,
                                           "UPDATE covenants SET posted_on = '%s' WHERE id = "
                                           "%lld",
                                           iso_day(c, -31), cov_a)),
                     0);
    long long did = start_vote(c, cov_a);
    assert_int_equal(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM decisions WHERE id = %lld AND matter "
                               "= 3 AND title = 'Thông qua hương ước: Hương ước Tổ dân phố "
                               "số 1' AND forms = 1",
                               did)),
        1);
    assert_int_equal(step(c, cov_a, "bieu-quyet", NULL)->status, 422); /* once */
    /* Not counted yet: no adoption. */
    r = step(c, cov_a, "thong-qua", NULL);
    assert_int_equal(r->status, 422);
    /* Art 10: a meeting of exactly half the households is not enough; ballots are needed. */
    notify(c, did);
    long long total = village_households();
    meeting(c, did, (int)(total / 2));
    r = h_get(c, page_of(c, cov_a));
    has(r, h_fmt(c, "chỉ có %lld/%lld hộ gia đình tham dự, chưa quá 50%%", total / 2, total));
    has(r, "cần phát phiếu lấy ý kiến các hộ gia đình");
    /* Household ballots complete it: enough approvals for more than half of ALL households. */
    const char *vp = vote_page(c, did);
    assert_int_equal(h_post_page(c, vp, h_fmt(c, "%s/phat-phieu", vp), NULL)->status, 303);
    long long needed = total / 2 + 1, collect = needed - total / 2 + 1;
    for (long long k = total / 2; k < total / 2 + collect; k++) {
        const char *f[] = {"ho", h_fmt(c, "%lld", roll_id(did, (int)k)), "thu", "1", NULL};
        assert_int_equal(h_post_page(c, vp, h_fmt(c, "%s/thu-phieu", vp), f)->status, 303);
    }
    const char *ballots[] = {"nguon",
                             "ballot",
                             "tan_thanh",
                             h_fmt(c, "%lld", collect - 1),
                             "khong_tan_thanh",
                             "1",
                             "cach",
                             "paper",
                             "nhan_chung",
                             "Đỗ Văn Hùng\nPhan Thị Lan",
                             NULL};
    assert_int_equal(h_post_page(c, vp, h_fmt(c, "%s/kiem-phieu", vp), ballots)->status, 303);
    count(c, did);
    assert_int_equal(step(c, cov_a, "thong-qua", NULL)->status, 303);
    assert_true(status_is(c, cov_a, "adopted"));
    assert_int_equal(h_db_count(&srv, h_fmt(c,
                                            "SELECT COUNT(*) FROM covenants WHERE id = %lld AND "
                                            "adopted_on = '%s'",
                                            cov_a, iso_day(c, 0))),
                     1);
    r = h_get(c, page_of(c, cov_a));
    has(r, h_fmt(c, "Kết quả: %lld/%lld hộ gia đình tán thành", needed, total));
    has(r, "Hạn gửi hồ sơ: ");
    has(r, "(5 ngày làm việc)");
    /* Art 11(3): the dossier, with its request (Mẫu 01); the M3 matter counts as sent. */
    const char *future[] = {"ngay_ho_so", h_vn_day(c, 2), NULL};
    assert_int_equal(step(c, cov_a, "ho-so", future)->status, 422);
    assert_int_equal(step(c, cov_a, "ho-so", NULL)->status, 303);
    assert_true(status_is(c, cov_a, "submitted"));
    assert_int_equal(h_db_count(&srv, h_fmt(c,
                                            "SELECT COUNT(*) FROM decisions WHERE id = %lld AND "
                                            "sent_on <> ''",
                                            did)),
                     1);
    const char *text = pdf_text(c, h_get(c, h_fmt(c, "%s/van-ban/mau-01.pdf", page_of(c, cov_a))));
    text_has(text, "TỜ TRÌNH");
    text_has(text, "Đề nghị công nhận hương ước “Hương ước Tổ dân phố số 1”");
    text_has(text, h_fmt(c, "%lld trên tổng số %lld hộ gia đình tán thành", needed, total));
    /* D8: only the UBND recognises; a refusal needs its reasons in writing. */
    const char *ok[] = {"ket_qua", "recognised", NULL};
    assert_int_equal(step(c, cov_a, "cong-nhan", ok)->status, 403);
    struct h_client *ch = h_signed_in(&srv, "chutich");
    const char *no[] = {"ket_qua", "refused", "ly_do_tu_choi", " ", NULL};
    r = step(ch, cov_a, "cong-nhan", no);
    assert_int_equal(r->status, 422);
    has(r, "nêu rõ lý do");
    const char *why[] = {"ket_qua", "refused", "ly_do_tu_choi",
                         "Điều 5 quy định mức phạt tiền thay cho xử phạt hành chính.", NULL};
    assert_int_equal(step(ch, cov_a, "cong-nhan", why)->status, 303);
    assert_true(status_is(c, cov_a, "refused"));
    r = h_get(ch, page_of(ch, cov_a));
    has(r, "Điều 5 quy định mức phạt tiền");
    assert_int_equal(h_db_count(&srv, h_fmt(c,
                                            "SELECT COUNT(*) FROM decisions WHERE id = %lld AND "
                                            "recognition = 'refused'",
                                            did)),
                     1);
    /* Not public. */
    assert_int_equal(h_get(h_client_new(&srv), h_fmt(c, "/huong-uoc/%lld", cov_a))->status, 404);
    /* Every step audited on the covenant. */
    assert_true(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM audit_log WHERE object = 'covenant:%lld' "
                               "AND action IN ('covenant.create', 'covenant.team', "
                               "'covenant.post', 'covenant.vote', 'covenant.adopt', "
                               "'covenant.submit', 'covenant.refuse')",
                               cov_a)) >= 7);
}

/* G (Arts 10, 11, 15, 18), D8: covenant B, a meeting of more than half, recognised, distributed
 * at the community house plus one channel, reviewed yearly. */
static void G_D8_second_covenant_recognised_distributed_reviewed(void **state)
{
    struct h_client *c = h_signed_in(&srv, "truongthon");
    struct h_client *ch = h_signed_in(&srv, "chutich");
    long long id = propose(c, "Quy ước nếp sống văn minh", NULL);
    draft_and_post(c, id);
    long long did = start_vote(c, id);
    notify(c, did);
    long long total = village_households();
    meeting(c, did, (int)(total / 2 + 1));
    struct h_response *r = h_get(c, page_of(c, id));
    has(r, h_fmt(c, "Cuộc họp có %lld/%lld hộ gia đình tham dự: quá 50%%", total / 2 + 1, total));
    assert_false(h_has(r, "cần phát phiếu lấy ý kiến"));
    count(c, did);
    assert_int_equal(step(c, id, "thong-qua", NULL)->status, 303);
    assert_int_equal(step(c, id, "ho-so", NULL)->status, 303);
    r = h_get(ch, page_of(ch, id));
    has(r, "Hạn công nhận: ");
    const char *ok[] = {"ket_qua", "recognised", NULL};
    assert_int_equal(step(ch, id, "cong-nhan", ok)->status, 303);
    assert_true(status_is(c, id, "recognised"));
    assert_int_equal(h_db_count(&srv, h_fmt(c,
                                            "SELECT COUNT(*) FROM decisions WHERE id = %lld AND "
                                            "recognition = 'recognised'",
                                            did)),
                     1);
    r = h_get(ch, page_of(ch, id));
    has(r, "Hạn gửi, phổ biến: ");
    has(r, "(2 ngày làm việc)");
    /* Arts 15(1), 18(1)(a): the community house is required, with another channel. */
    const char *no_house[] = {"kenh", "loa", "kenh", "mang_xa_hoi", NULL};
    r = step(ch, id, "phan-phat", no_house);
    assert_int_equal(r->status, 422);
    has(r, "niêm yết tại nhà văn hóa");
    has(r, "value=\"loa\" checked");
    const char *house_only[] = {"kenh", "nha_van_hoa", NULL};
    assert_int_equal(step(ch, id, "phan-phat", house_only)->status, 422);
    assert_int_equal(step(c, id, "phan-phat", no_house)->status, 403); /* the UBND's step */
    const char *both[] = {"kenh", "nha_van_hoa", "kenh", "loa", NULL};
    assert_int_equal(step(ch, id, "phan-phat", both)->status, 303);
    r = h_get(ch, page_of(ch, id));
    has(r, "Niêm yết tại nhà văn hóa; Loa truyền thanh");
    /* Art 15(4): one review a year; the next is 18/11 of next year. */
    const char *nothing[] = {"bao_cao", "", NULL};
    assert_int_equal(step(c, id, "ra-soat", nothing)->status, 422);
    const char *review[] = {"bao_cao", "Các hộ thực hiện tốt; đề nghị bổ sung điều về rác thải.",
                            NULL};
    assert_int_equal(step(c, id, "ra-soat", review)->status, 303);
    r = step(c, id, "ra-soat", review);
    assert_int_equal(r->status, 422);
    has(r, "Đã ghi rà soát năm");
    r = h_get(c, page_of(c, id));
    has(r, h_fmt(c, "Rà soát tiếp theo: ngày 18/11/%d", vn_tm(0).tm_year + 1900 + 1));
    /* Mẫu 03, and the public page. */
    const char *text = pdf_text(ch, h_get(ch, h_fmt(ch, "%s/van-ban/mau-03.pdf", page_of(ch, id))));
    text_has(text, "QUYẾT ĐỊNH");
    text_has(text, "Số: /QĐ-UBND");
    text_has(text, "Về việc công nhận hương ước “Quy ước nếp sống văn minh”");
    text_has(text, "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG BÌNH MINH");
    struct h_client *anon = h_client_new(&srv);
    r = h_get(anon, h_fmt(anon, "/huong-uoc/%lld", id));
    assert_int_equal(r->status, 200);
    has(r, "Đang có hiệu lực kể từ ngày");
    has(r, h_fmt(anon, "niêm yết dự thảo từ ngày %s", h_vn_day(anon, -31)));
    has(r, "đề nghị bổ sung điều về rác thải");
    r = h_get(anon, "/huong-uoc?unit=" COMMUNE);
    has(r, "Quy ước nếp sống văn minh");
    assert_false(h_has(r, "Hương ước Tổ dân phố số 1")); /* refused: not listed */
    cov_b = id;
}

/* G (Arts 12, 13, 14): B suspended in part, amended by C (recognised), then annulled when the
 * fix did not come in time; Mẫu 04 and Mẫu 05. */
static void G_suspension_amendment_and_annulment_with_their_pdfs(void **state)
{
    assert_true(cov_b > 0);
    struct h_client *c = h_signed_in(&srv, "truongthon");
    struct h_client *ch = h_signed_in(&srv, "chutich");
    long long id = cov_b;
    /* Art 12: a partial suspension names its parts; the fix deadline comes after it. */
    const char *partial[] = {
        "ngay_bao_cao",  h_vn_day(c, 0),    "pham_vi",
        "partial",       "ly_do_tam_ngung", "Nội dung Điều 7 không còn phù hợp.",
        "han_khac_phuc", h_vn_day(c, 20),   NULL};
    struct h_response *r = step(ch, id, "tam-ngung", partial);
    assert_int_equal(r->status, 422);
    has(r, "ghi rõ các điều, khoản");
    const char *late_fix[] = {"ngay_bao_cao",
                              h_vn_day(c, 0),
                              "pham_vi",
                              "partial",
                              "noi_dung_tam_ngung",
                              "Điều 7",
                              "ly_do_tam_ngung",
                              "Nội dung Điều 7 không còn phù hợp.",
                              "han_khac_phuc",
                              h_vn_day(c, 0),
                              NULL};
    assert_int_equal(step(ch, id, "tam-ngung", late_fix)->status, 422);
    const char *good[] = {"ngay_bao_cao",
                          h_vn_day(c, 0),
                          "pham_vi",
                          "partial",
                          "noi_dung_tam_ngung",
                          "Điều 7",
                          "ly_do_tam_ngung",
                          "Nội dung Điều 7 không còn phù hợp.",
                          "han_khac_phuc",
                          h_vn_day(c, 20),
                          NULL};
    assert_int_equal(step(c, id, "tam-ngung", good)->status, 403);
    assert_int_equal(step(ch, id, "tam-ngung", good)->status, 303);
    assert_true(status_is(c, id, "suspended"));
    const char *text = pdf_text(ch, h_get(ch, h_fmt(ch, "%s/van-ban/mau-04.pdf", page_of(ch, id))));
    text_has(text, "Về việc tạm ngừng thi hành hương ước “Quy ước nếp sống văn minh”");
    text_has(text, "Tạm ngừng thi hành một phần");
    text_has(text, h_fmt(ch, "trước ngày %s", h_vn_day(ch, 20)));
    /* Art 13: the amendment repeats the steps and is recognised. */
    cov_c =
        adopted_and_submitted(c, "Sửa đổi Điều 7 Quy ước nếp sống văn minh", h_fmt(c, "%lld", id));
    assert_int_equal(covenant_int(c, cov_c, "amends_id"), id);
    const char *ok[] = {"ket_qua", "recognised", NULL};
    assert_int_equal(step(ch, cov_c, "cong-nhan", ok)->status, 303);
    has(h_get(c, page_of(c, id)), "Sửa đổi Điều 7 Quy ước nếp sống văn minh");
    /* Art 14: "not fixed in time" only once the deadline has passed. */
    const char *not_fixed[] = {"can_cu", "not_fixed", "ly_do_bai_bo",
                               "Không sửa đổi Điều 7 trong thời hạn.", NULL};
    r = step(ch, id, "bai-bo", not_fixed);
    assert_int_equal(r->status, 422);
    has(r, "đã quá thời hạn khắc phục");
    assert_int_equal(h_db_exec(&srv, h_fmt(c, "UPDATE covenants SET fix_by = '%s' WHERE id = %lld",
                                           iso_day(c, -1), id)),
                     0);
    const char *no_reason[] = {"can_cu", "not_fixed", "ly_do_bai_bo", "", NULL};
    assert_int_equal(step(ch, id, "bai-bo", no_reason)->status, 422);
    assert_int_equal(step(c, id, "bai-bo", not_fixed)->status, 403);
    assert_int_equal(step(ch, id, "bai-bo", not_fixed)->status, 303);
    assert_true(status_is(c, id, "annulled"));
    text = pdf_text(ch, h_get(ch, h_fmt(ch, "%s/van-ban/mau-05.pdf", page_of(ch, id))));
    text_has(text, "Về việc bãi bỏ hương ước “Quy ước nếp sống văn minh”");
    text_has(text, "Không khắc phục trong thời hạn tạm ngừng thi hành");
    /* No annulment paper for a covenant not annulled. */
    assert_int_equal(h_get(ch, h_fmt(ch, "%s/van-ban/mau-05.pdf", page_of(ch, cov_c)))->status,
                     404);
    struct h_client *anon = h_client_new(&srv);
    r = h_get(anon, h_fmt(anon, "/huong-uoc/%lld", id));
    assert_int_equal(r->status, 200);
    has(r, "Đã bị Ủy ban nhân dân bãi bỏ");
    assert_true(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM audit_log WHERE object = 'covenant:%lld' "
                               "AND action IN ('covenant.suspend', 'covenant.annul', "
                               "'covenant.distribute', 'covenant.review', 'covenant.recognise')",
                               id)) == 5);
}

/* G "Statistics" (Art 16): the commune's counts of the year. */
static void G_statistics_count_recognised_refused_amended_suspended_annulled(void **state)
{
    assert_true(cov_a > 0 && cov_b > 0 && cov_c > 0);
    struct h_client *anon = h_client_new(&srv);
    int year = vn_tm(0).tm_year + 1900;
    struct h_response *r =
        h_get(anon, h_fmt(anon, "/huong-uoc/thong-ke?unit=" COMMUNE "&nam=%d&format=json", year));
    assert_int_equal(r->status, 200);
    json_t *j = h_json(r);
    assert_int_equal(h_jint(j, "counts.recognised"), 1); /* B (annulled since: still counted) */
    assert_int_equal(h_jint(j, "counts.amended"), 1);    /* C */
    assert_int_equal(h_jint(j, "counts.refused"), 1);    /* A */
    assert_int_equal(h_jint(j, "counts.suspended"), 1);  /* B */
    assert_int_equal(h_jint(j, "counts.annulled"), 1);   /* B */
    assert_int_equal(h_jint(j, "counts.in_force"), 1);   /* C */
    r = h_get(anon, h_fmt(anon, "/huong-uoc/thong-ke?unit=" COMMUNE "&nam=%d", year));
    assert_int_equal(r->status, 200);
    has(r, "id=\"so-tu-choi\">1<");
    r = h_get(anon,
              h_fmt(anon, "/huong-uoc/thong-ke?unit=" COMMUNE "&nam=%d&format=json", year - 1));
    assert_int_equal(h_jint(h_json(r), "counts.recognised"), 0);
    /* The village's own figures are the same here (every covenant is of 9900101). */
    r = h_get(anon, h_fmt(anon, "/huong-uoc/thong-ke?unit=" VILLAGE "&nam=%d&format=json", year));
    assert_int_equal(h_jint(h_json(r), "counts.annulled"), 1);
}

/* A resident gets 403 on every back-office page and step; nothing changes. */
static void G_resident_gets_403_on_the_back_office(void **state)
{
    assert_true(cov_c > 0);
    struct h_client *a = h_signed_in(&srv, "nguoidan");
    assert_int_equal(h_get(a, "/quan-ly/huong-uoc?don_vi=" VILLAGE)->status, 403);
    assert_int_equal(h_get(a, page_of(a, cov_c))->status, 403);
    assert_int_equal(h_get(a, h_fmt(a, "%s/van-ban/mau-03.pdf", page_of(a, cov_c)))->status, 403);
    const char *csrf = h_csrf(a, "/huong-uoc?unit=" COMMUNE);
    assert_non_null(csrf);
    static const char *const steps[] = {"to-soan-thao", "niem-yet",  "bieu-quyet", "thong-qua",
                                        "ho-so",        "cong-nhan", "phan-phat",  "ra-soat",
                                        "tam-ngung",    "bai-bo"};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        const char *f[] = {"_csrf", csrf, "ly_do_bai_bo", "x", "can_cu", "unlawful", NULL};
        assert_int_equal(h_post_form(a, h_fmt(a, "%s/%s", page_of(a, cov_c), steps[i]), f)->status,
                         403);
    }
    const char *nf[] = {"_csrf",   csrf,   "don_vi",   VILLAGE, "tieu_de", "Hương ước giả",
                        "de_xuat", "head", "ban_ctmt", "1",     NULL};
    assert_int_equal(h_post_form(a, "/quan-ly/huong-uoc", nf)->status, 403);
    assert_true(status_is(a, cov_c, "recognised"));
    /* Anonymous: sent to sign in, never shown. */
    struct h_client *anon = h_client_new(&srv);
    assert_true(h_get(anon, page_of(anon, cov_c))->status != 200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(G_D3_posted_30_days_refused_31_starts_half_present_completed_by_ballots),
        cmocka_unit_test(G_D8_second_covenant_recognised_distributed_reviewed),
        cmocka_unit_test(G_suspension_amendment_and_annulment_with_their_pdfs),
        cmocka_unit_test(G_statistics_count_recognised_refused_amended_suspended_annulled),
        cmocka_unit_test(G_resident_gets_403_on_the_back_office),
    };
    return h_run_group(tests, &srv);
}

/*
 * election_test.c - elections, dismissals and the annual conference of a village over HTTP, on
 * either back end (DOMAIN D10, D11, F1, F2, with D8 recognition): a village head election
 * tables its M4 matter and keeps the D10 timeline at its edges (days counted as A7 counts them:
 * "at least 20 days before" an election on the 25th is the 4th at the latest, 20 whole days
 * between), a candidate on the election team is refused; a dismissal petition counts at exactly
 * half of the households and not one household less; a recognised dismissal starts the 60-day
 * clock for the new election; a board member's election (M5) is recognised by the MTTQ and not
 * by the chairperson; the conference's invitation at least 5 days before, its minutes printed
 * with the three reports in intact Vietnamese; a resident sees none of it.
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
#define VILLAGE2 "9900102"

static long long village_households(const char *village)
{
    return h_db_count(&srv, h_fmt(h_client_new(&srv),
                                  "SELECT COUNT(*) FROM households h JOIN units u ON u.id = "
                                  "h.village_id WHERE u.code = '%s' AND h.status = 'active'",
                                  village));
}

/* The k-th active household of the village, in code order. */
static long long household(const char *village, long long k)
{
    return h_db_count(&srv,
                      h_fmt(h_client_new(&srv),
                            "SELECT h.id FROM households h JOIN units u ON u.id = h.village_id "
                            "WHERE u.code = '%s' AND h.status = 'active' ORDER BY h.code LIMIT 1 "
                            "OFFSET %lld",
                            village, k));
}

/* Creates an election (fields after don_vi); returns its matter's id. */
static long long elect(struct h_client *c, const char *village, const char *const *fields)
{
    const char *f[40] = {"don_vi", village};
    size_t n = 2;
    for (size_t i = 0; fields[i]; i++)
        f[n++] = fields[i];
    f[n] = NULL;
    struct h_response *r =
        h_post_page(c, h_fmt(c, "/quan-ly/bau-cu?don_vi=%s", village), "/quan-ly/bau-cu", f);
    assert_int_equal(r->status, 303);
    const char *loc = h_header(r, "Location");
    assert_non_null(loc);
    assert_memory_equal(loc, "/quan-ly/bau-cu/", 16);
    return strtoll(strrchr(loc, '/') + 1, NULL, 10);
}

/* Runs matter id through the decision pages: notice, the first `yes` households of the roll
 * present and approving by hands, the count, the decision sent. */
static void vote(struct h_client *c, long long id, long long yes)
{
    const char *page = h_fmt(c, "/quan-ly/bieu-quyet/%lld", id);
    const char *notice[] = {"ngay_thong_bao", h_vn_day(c, 0), "ngay_hop", h_vn_day(c, 3), NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/thong-bao", page), notice)->status, 303);
    const char *att[78];
    size_t n = 0;
    for (long long k = 0; k < yes && n < 76; k++) {
        att[n++] = "ho";
        att[n++] = h_fmt(
            c, "%lld",
            h_db_count(&srv, h_fmt(c,
                                   "SELECT r.household_id FROM decision_roll r JOIN households h "
                                   "ON h.id = r.household_id WHERE r.decision_id = %lld ORDER BY "
                                   "h.code LIMIT 1 OFFSET %lld",
                                   id, k)));
    }
    att[n] = NULL;
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/diem-danh", page), att)->status, 303);
    const char *hands[] = {"nguon",           "meeting", "tan_thanh", h_fmt(c, "%lld", yes),
                           "khong_tan_thanh", "0",       NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/kiem-phieu", page), hands)->status, 303);
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/ket-qua", page), NULL)->status, 303);
    const char *result = h_fmt(c, "/decisions/%lld", id);
    assert_int_equal(h_post_page(c, result, h_fmt(c, "%s/gui", result), NULL)->status, 303);
}

/* The page of an election as JSON. */
static json_t *election_json(struct h_client *c, long long id)
{
    struct h_response *r = h_get(c, h_fmt(c, "/quan-ly/bau-cu/%lld?format=json", id));
    assert_int_equal(r->status, 200);
    json_t *j = h_json(r);
    assert_non_null(j);
    return j;
}

static int sh(const char *cmd)
{
    int st = system(cmd);
    return st == -1 ? -1 : WEXITSTATUS(st);
}

/* The text of a PDF response (pdftotext), every run of white space as one space. */
static const char *pdf_text(struct h_client *c, const struct h_response *r)
{
    assert_int_equal(r->status, 200);
    assert_string_equal(h_header(r, "Content-Type"), "application/pdf");
    assert_memory_equal(r->body, "%PDF", 4);
    char path[700];
    assert_int_equal(h_write_file(&srv, h_fmt(c, "election-%d.pdf", ++file_seq), r->body, r->len,
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

static void has(const char *text, const char *needle)
{
    if (!strstr(text, needle)) {
        fprintf(stderr, "text: %s\n", text);
        fail_msg("missing \"%s\"", needle);
    }
}

/* ---- D10: the village head's election ---- */

static long long head_election(struct h_client *c, int in_days)
{
    const char *f[] = {"loai",
                       "head",
                       "ngay_bau",
                       h_vn_day(c, in_days),
                       "ung_cu_vien",
                       "Nguyễn Văn An\nLê Thị Bình",
                       "nhiem_ky",
                       "60",
                       "bo_phieu_kin",
                       "1",
                       NULL};
    return elect(c, VILLAGE, f);
}

static void D10_head_election_tables_its_M4_matter(void **state)
{
    struct h_client *c = h_signed_in(&srv, "chutich");
    /* No candidate: refused, what was typed kept. */
    const char *none[] = {"don_vi", VILLAGE, "loai", "head", "ngay_bau", h_vn_day(c, 30), NULL};
    struct h_response *r =
        h_post_page(c, "/quan-ly/bau-cu?don_vi=" VILLAGE, "/quan-ly/bau-cu", none);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "ít nhất 1 người"));
    assert_true(h_has(r, h_fmt(c, "value=\"%s\"", h_vn_day(c, 30))));
    long long id = head_election(c, 30);
    assert_int_equal(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM decisions WHERE id = %lld AND matter = "
                               "4 AND proposer = 'election_team' AND status = 'draft' AND "
                               "forms = 1",
                               id)),
        1);
    assert_int_equal(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM decision_elections WHERE decision_id = "
                               "%lld AND kind = 'head' AND term_months = 60",
                               id)),
        1);
    /* The matter is on the decision pages, where its vote runs. */
    struct h_client *t = h_signed_in(&srv, "truongthon");
    struct h_response *list = h_get(t, "/quan-ly/bieu-quyet?don_vi=" VILLAGE);
    assert_int_equal(list->status, 200);
    assert_true(h_has(list, "Bầu Tổ trưởng tổ dân phố – Tổ dân phố số 1"));
    r = h_get(t, h_fmt(t, "/decisions/%lld", id));
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "Tán thành bầu Nguyễn Văn An, Lê Thị Bình") ||
                h_has(r, "trong số những người ứng cử: Nguyễn Văn An, Lê Thị Bình"));
    assert_int_equal(h_get(t, h_fmt(t, "/quan-ly/bieu-quyet/%lld", id))->status, 200);
    /* Its page and the list of elections. */
    r = h_get(c, h_fmt(c, "/quan-ly/bau-cu/%lld", id));
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "Quyết định và kế hoạch bầu cử của Chủ tịch Ủy ban nhân dân"));
    assert_true(
        h_has(h_get(c, "/quan-ly/bau-cu?don_vi=99001"), h_fmt(c, "/quan-ly/bau-cu/%lld", id)));
    assert_int_equal(h_db_count(&srv, h_fmt(c,
                                            "SELECT COUNT(*) FROM audit_log WHERE object = "
                                            "'decision:%lld' AND action IN ('decision.create', "
                                            "'election.create')",
                                            id)),
                     2);
}

/* Plan at least 20 days before (A7: 20 whole days between): an election on day E takes a plan
 * made on E-21 at the latest; E-20 leaves only 19 days and is refused. */
static void D10_plan_20_days_before_on_time_19_refused(void **state)
{
    struct h_client *c = h_signed_in(&srv, "chutich");
    const int E = 5; /* the election in 5 days: every latest day is already past */
    long long id = head_election(c, E);
    const char *page = h_fmt(c, "/quan-ly/bau-cu/%lld", id);
    const char *late[] = {"buoc", "ke_hoach", "ngay", h_vn_day(c, E - 20), NULL};
    struct h_response *r = h_post_page(c, page, h_fmt(c, "%s/buoc", page), late);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "ít nhất 20 ngày"));
    assert_true(h_has(r, h_fmt(c, "chậm nhất là ngày %s", h_vn_day(c, E - 21))));
    assert_true(h_has(r, h_fmt(c, "value=\"%s\"", h_vn_day(c, E - 20)))); /* what was typed */
    assert_int_equal(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM decision_elections WHERE decision_id = "
                               "%lld AND plan_on = ''",
                               id)),
        1);
    /* A day not yet come is no record. */
    const char *future[] = {"buoc", "ke_hoach", "ngay", h_vn_day(c, 1), NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/buoc", page), future)->status, 422);
    const char *edge[] = {"buoc", "ke_hoach", "ngay", h_vn_day(c, E - 21), NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/buoc", page), edge)->status, 303);
    /* The other steps' edges: candidates 15, team 10, notice 7 days before. */
    const char *cand_late[] = {"buoc", "ung_cu_vien", "ngay", h_vn_day(c, E - 15), NULL};
    r = h_post_page(c, page, h_fmt(c, "%s/buoc", page), cand_late);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "ít nhất 15 ngày"));
    const char *notice_late[] = {"buoc", "niem_yet", "ngay", h_vn_day(c, E - 7), NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/buoc", page), notice_late)->status, 422);
    const char *notice[] = {"buoc", "niem_yet", "ngay", h_vn_day(c, E - 8), NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/buoc", page), notice)->status, 303);
    /* On the page: the plan and the notice on time, the candidate list and the team missing. */
    json_t *j = election_json(c, id);
    json_t *steps = json_object_get(j, "steps");
    assert_int_equal(json_array_size(steps), 4);
    for (size_t i = 0; i < 4; i++) {
        json_t *s = json_array_get(steps, i);
        const char *key = h_jstr(s, "key");
        int done = !strcmp(key, "ke_hoach") || !strcmp(key, "niem_yet");
        assert_int_equal(json_is_true(json_object_get(s, "on_time")), done);
        assert_int_equal(json_is_true(json_object_get(s, "missing")), !done);
        assert_false(json_is_true(json_object_get(s, "late")));
        if (!strcmp(key, "ke_hoach")) {
            assert_string_equal(h_jstr(s, "latest"), h_vn_day(c, E - 21));
            assert_string_equal(h_jstr(s, "recorded"), h_vn_day(c, E - 21));
        }
        if (!strcmp(key, "to_bau_cu"))
            assert_string_equal(h_jstr(s, "latest"), h_vn_day(c, E - 11));
    }
    r = h_get(c, page);
    assert_true(h_has(r, "Đúng hạn"));
    assert_true(h_has(r, "Chưa thực hiện, đã quá hạn"));
    /* Later days still ahead are pending, with their latest day. */
    long long later = head_election(c, 40);
    r = h_get(c, h_fmt(c, "/quan-ly/bau-cu/%lld", later));
    assert_true(h_has(r, h_fmt(c, "Chưa thực hiện (hạn chót %s)", h_vn_day(c, 40 - 21))));
    assert_int_equal(h_db_count(&srv, h_fmt(c,
                                            "SELECT COUNT(*) FROM audit_log WHERE object = "
                                            "'decision:%lld' AND action IN ('election.plan', "
                                            "'election.notice')",
                                            id)),
                     2);
}

static void D10_candidate_on_the_election_team_refused(void **state)
{
    struct h_client *c = h_signed_in(&srv, "canbo");
    long long id = head_election(c, 5);
    const char *page = h_fmt(c, "/quan-ly/bau-cu/%lld", id);
    /* A candidate (typed in lower case, with "ông") among the members. */
    const char *team[] = {
        "buoc",      "to_bau_cu",      "ngay",       h_vn_day(c, 5 - 11),
        "to_truong", "Trần Văn Cường", "thanh_vien", "Phạm Thị Dung\nông nguyễn văn an",
        NULL};
    struct h_response *r = h_post_page(c, page, h_fmt(c, "%s/buoc", page), team);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Người ứng cử không được là thành viên Tổ bầu cử"));
    assert_true(h_has(r, "Nguyễn Văn An"));
    assert_true(h_has(r, "ông nguyễn văn an")); /* the members typed, kept */
    /* As its leader too. */
    const char *lead[] = {"buoc",      "to_bau_cu",   "ngay", h_vn_day(c, 5 - 11),
                          "to_truong", "Lê Thị Bình", NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/buoc", page), lead)->status, 422);
    /* Without a leader: refused. */
    const char *bare[] = {"buoc", "to_bau_cu", "ngay", h_vn_day(c, 5 - 11), NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/buoc", page), bare)->status, 422);
    const char *ok[] = {
        "buoc",      "to_bau_cu",      "ngay",       h_vn_day(c, 5 - 11),
        "to_truong", "Trần Văn Cường", "thanh_vien", "Phạm Thị Dung\nHoàng Văn Giang",
        NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/buoc", page), ok)->status, 303);
    /* A team member cannot then be put on the candidate list (Mẫu 05). */
    const char *cand[] = {"buoc",        "ung_cu_vien",
                          "ngay",        h_vn_day(c, 5 - 16),
                          "ung_cu_vien", "Nguyễn Văn An\nPhạm Thị Dung",
                          NULL};
    r = h_post_page(c, page, h_fmt(c, "%s/buoc", page), cand);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Phạm Thị Dung có tên trong Tổ bầu cử"));
    const char *cand_ok[] = {"buoc",        "ung_cu_vien",
                             "ngay",        h_vn_day(c, 5 - 16),
                             "ung_cu_vien", "Nguyễn Văn An\nLê Thị Bình\nĐỗ Văn Hải",
                             NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/buoc", page), cand_ok)->status, 303);
    assert_int_equal(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM decision_elections WHERE decision_id = "
                               "%lld AND team_leader = 'Trần Văn Cường' AND candidates LIKE "
                               "'%%Đỗ Văn Hải'",
                               id)),
        1);
    /* Ân is not An: tone marks make different names. */
    long long other = head_election(c, 5);
    const char *page2 = h_fmt(c, "/quan-ly/bau-cu/%lld", other);
    const char *an[] = {"buoc",      "to_bau_cu",     "ngay", h_vn_day(c, 5 - 11),
                        "to_truong", "Nguyễn Văn Ân", NULL};
    assert_int_equal(h_post_page(c, page2, h_fmt(c, "%s/buoc", page2), an)->status, 303);
}

/* ---- D10: dismissal ---- */

static void D10_dismissal_petition_counts_at_50_percent_not_one_household_less(void **state)
{
    struct h_client *c = h_signed_in(&srv, "mattran");
    /* An even village, so that exactly half exists. */
    if (village_households(VILLAGE) % 2)
        assert_int_equal(h_db_exec(&srv, "INSERT INTO households (commune_id, village_id, code, "
                                         "address, status, created_at, updated_at) SELECT "
                                         "u.parent_id, u.id, 'KN-1', 'Khu mới', 'active', 0, 0 "
                                         "FROM units u WHERE u.code = '" VILLAGE "'"),
                         0);
    long long total = village_households(VILLAGE);
    long long half = total / 2;
    const char *f[] = {"loai",
                       "head_dismissal",
                       "ly_do",
                       "petition",
                       "nguoi_bi_mien",
                       "Hoàng Văn Em",
                       "ngay_bau",
                       h_vn_day(c, 20),
                       "ghi_chu",
                       "Vi phạm quy chế dân chủ.",
                       NULL};
    long long id = elect(c, VILLAGE, f);
    assert_int_equal(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM decisions WHERE id = %lld AND matter = "
                               "4 AND proposer = 'initiative'",
                               id)),
        1);
    const char *page = h_fmt(c, "/quan-ly/bau-cu/%lld", id);
    /* Paper signatures of half minus two households. */
    const char *paper[80];
    size_t n = 0;
    for (long long k = 0; k < half - 2 && n < 76; k++) {
        paper[n++] = "ho";
        paper[n++] = h_fmt(c, "%lld", household(VILLAGE, k));
    }
    paper[n] = NULL;
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/kien-nghi", page), paper)->status, 303);
    /* A household signs online as a citizen initiative's consent (the same machinery). */
    assert_int_equal(h_db_exec(&srv, h_fmt(c,
                                           "UPDATE accounts SET household_id = %lld WHERE login "
                                           "= 'nguoidan'",
                                           household(VILLAGE, half - 2))),
                     0);
    struct h_client *a = h_signed_in(&srv, "nguoidan");
    const char *result = h_fmt(a, "/decisions/%lld", id);
    assert_int_equal(h_post_page(a, result, h_fmt(a, "%s/dong-thuan", result), NULL)->status, 303);
    /* One household less than half: not enough. */
    json_t *j = election_json(c, id);
    assert_int_equal(h_jint(j, "petition.signed"), half - 1);
    assert_int_equal(h_jint(j, "petition.households"), total);
    assert_int_equal(h_jint(j, "petition.needed"), half);
    assert_false(json_is_true(h_jget(j, "petition.meets")));
    assert_true(h_has(h_get(c, page), "Chưa đủ số hộ kiến nghị"));
    /* Exactly half: counts (at least 50%). */
    const char *last[] = {"ho", h_fmt(c, "%lld", household(VILLAGE, half - 1)), NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/kien-nghi", page), last)->status, 303);
    j = election_json(c, id);
    assert_int_equal(h_jint(j, "petition.signed"), half);
    assert_true(json_is_true(h_jget(j, "petition.meets")));
    assert_true(h_has(h_get(c, page), "Đủ số hộ kiến nghị"));
    /* A household of another village cannot sign. */
    const char *far[] = {"ho", h_fmt(c, "%lld", household(VILLAGE2, 0)), NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/kien-nghi", page), far)->status, 303);
    assert_int_equal(h_jint(election_json(c, id), "petition.signed"), half);
    /* A resident may not enter paper signatures. */
    assert_int_equal(h_post_page(a, result, h_fmt(a, "%s/kien-nghi", page), last)->status, 403);
}

static void D10_new_election_due_60_days_after_a_recognised_dismissal(void **state)
{
    struct h_client *c = h_signed_in(&srv, "mattran");
    const char *f[] = {"loai",        "head_dismissal", "ly_do",
                       "resignation", "nguoi_bi_mien",  "Vũ Văn Khoa",
                       "ngay_bau",    h_vn_day(c, 3),   NULL};
    long long id = elect(c, VILLAGE, f);
    assert_int_equal(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM decisions WHERE id = %lld AND matter = "
                               "4 AND proposer = 'front' AND title LIKE 'Miễn nhiệm%%'",
                               id)),
        1);
    const char *page = h_fmt(c, "/quan-ly/bau-cu/%lld", id);
    /* No interim head before the dismissal is recognised. */
    const char *interim[] = {"ten", "Lê Văn Phúc", "ngay", h_vn_day(c, 0), NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/tam-thoi", page), interim)->status, 422);
    long long total = village_households(VILLAGE);
    vote(c, id, total / 2 + 1);
    /* The UBND recognises it today. */
    struct h_client *ch = h_signed_in(&srv, "chutich");
    const char *result = h_fmt(ch, "/decisions/%lld", id);
    const char *ok[] = {"ket_qua", "recognised", "ngay", h_vn_day(ch, 0), NULL};
    assert_int_equal(h_post_page(ch, result, h_fmt(ch, "%s/cong-nhan", result), ok)->status, 303);
    json_t *j = election_json(c, id);
    assert_string_equal(h_jstr(j, "reelect.due"), h_vn_day(c, 60));
    assert_false(json_is_true(h_jget(j, "reelect.late")));
    assert_false(json_is_true(h_jget(j, "reelect.has_next")));
    struct h_response *r = h_get(c, page);
    assert_true(h_has(r, h_fmt(c, "chậm nhất ngày <strong>%s</strong>", h_vn_day(c, 60))));
    assert_true(h_has(r, "chỉ định người tạm thời đảm nhiệm"));
    /* The interim head. */
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/tam-thoi", page), interim)->status, 303);
    assert_true(h_has(h_get(c, page), "Lê Văn Phúc"));
    /* A new election planned a day after the due day is late; on the due day, on time. */
    long long next = head_election(c, 61);
    j = election_json(c, id);
    assert_true(json_is_true(h_jget(j, "reelect.has_next")));
    assert_string_equal(h_jstr(j, "reelect.next_on"), h_vn_day(c, 61));
    assert_true(json_is_true(h_jget(j, "reelect.late")));
    assert_true(h_has(h_get(c, page), "Quá hạn"));
    const char *due_iso;
    {
        time_t t = time(NULL) + 7 * 3600 + 60 * 86400;
        struct tm tm;
        gmtime_r(&t, &tm);
        due_iso = h_fmt(c, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    }
    assert_int_equal(h_db_exec(&srv, h_fmt(c,
                                           "UPDATE decision_elections SET election_on = '%s' "
                                           "WHERE decision_id = %lld",
                                           due_iso, next)),
                     0);
    assert_false(json_is_true(h_jget(election_json(c, id), "reelect.late")));
    /* Recognised long ago with no election since: late. */
    assert_int_equal(h_db_exec(&srv, h_fmt(c,
                                           "UPDATE decisions SET recognition_on = '2020-01-01' "
                                           "WHERE id = %lld",
                                           id)),
                     0);
    j = election_json(c, id);
    assert_string_equal(h_jstr(j, "reelect.due"), "01/03/2020");
    assert_true(json_is_true(h_jget(j, "reelect.late")));
}

/* ---- F1, F2: board members (M5), recognised by the MTTQ (D8) ---- */

static void F1_board_member_election_recognised_by_the_front_not_the_chairperson(void **state)
{
    struct h_client *c = h_signed_in(&srv, "mattran");
    /* Eligibility must be confirmed. */
    const char *unconfirmed[] = {"don_vi",           VILLAGE,        "loai",
                                 "inspection_board", "ngay_bau",     h_vn_day(c, 10),
                                 "ung_cu_vien",      "Đặng Thị Mai", NULL};
    struct h_response *r =
        h_post_page(c, "/quan-ly/bau-cu?don_vi=" VILLAGE, "/quan-ly/bau-cu", unconfirmed);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "xác nhận những người ứng cử đủ điều kiện"));
    /* F2: a board of a project. */
    const char *no_project[] = {"don_vi",
                                VILLAGE,
                                "loai",
                                "investment_board",
                                "ngay_bau",
                                h_vn_day(c, 10),
                                "ung_cu_vien",
                                "Bùi Văn Nam",
                                "du_dieu_kien",
                                "1",
                                NULL};
    r = h_post_page(c, "/quan-ly/bau-cu?don_vi=" VILLAGE, "/quan-ly/bau-cu", no_project);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "cho từng dự án"));
    const char *f[] = {"loai",        "inspection_board", "ngay_bau",     h_vn_day(c, 10),
                       "ung_cu_vien", "Đặng Thị Mai",     "du_dieu_kien", "1",
                       NULL};
    long long id = elect(c, VILLAGE, f);
    assert_int_equal(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM decisions WHERE id = %lld AND matter = "
                               "5 AND proposer = 'front'",
                               id)),
        1);
    /* The size of the board as guidance: 5 residential groups, one member each. */
    r = h_get(c, h_fmt(c, "/quan-ly/bau-cu/%lld", id));
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "có 5 thôn, tổ dân phố: Ban Thanh tra nhân dân có 5 thành viên"));
    assert_true(h_has(r, "Ủy ban Mặt trận Tổ quốc"));
    vote(c, id, village_households(VILLAGE) / 2 + 1);
    const char *result = h_fmt(c, "/decisions/%lld", id);
    const char *ok[] = {"ket_qua", "recognised", NULL};
    /* The chairperson may not recognise an M5 result. */
    struct h_client *ch = h_signed_in(&srv, "chutich");
    assert_int_equal(h_post_page(ch, result, h_fmt(ch, "%s/cong-nhan", result), ok)->status, 403);
    assert_int_equal(h_db_count(&srv, h_fmt(c,
                                            "SELECT COUNT(*) FROM decisions WHERE id = %lld AND "
                                            "recognition = 'pending'",
                                            id)),
                     1);
    /* The MTTQ may, and reads the election's page. */
    struct h_client *f1 = h_signed_in(&srv, "mttq");
    assert_int_equal(h_post_page(f1, result, h_fmt(f1, "%s/cong-nhan", result), ok)->status, 303);
    assert_int_equal(h_db_count(&srv, h_fmt(c,
                                            "SELECT COUNT(*) FROM decisions WHERE id = %lld AND "
                                            "recognition = 'recognised'",
                                            id)),
                     1);
    r = h_get(f1, h_fmt(f1, "/quan-ly/bau-cu/%lld", id));
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "Ủy ban Mặt trận Tổ quốc: đã công nhận"));
    /* An F2 board of a project. */
    const char *f2[] = {"loai",
                        "investment_board",
                        "ngay_bau",
                        h_vn_day(c, 10),
                        "ung_cu_vien",
                        "Bùi Văn Nam",
                        "du_dieu_kien",
                        "1",
                        "du_an",
                        "Đường liên tổ dân phố số 1",
                        NULL};
    long long id2 = elect(c, VILLAGE, f2);
    assert_int_equal(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM decisions WHERE id = %lld AND matter = "
                               "5",
                               id2)),
        1);
    assert_true(
        h_has(h_get(c, h_fmt(c, "/quan-ly/bau-cu/%lld", id2)), "Đường liên tổ dân phố số 1"));
}

/* ---- D11: the annual conference ---- */

static long long conference(struct h_client *c, const char *village, const char *held,
                            const char *const *more)
{
    const char *f[20] = {"don_vi", village, "ngay_hop", held};
    size_t n = 4;
    for (size_t i = 0; more && more[i]; i++)
        f[n++] = more[i];
    f[n] = NULL;
    struct h_response *r = h_post_page(c, h_fmt(c, "/quan-ly/hoi-nghi-thon?don_vi=%s", village),
                                       "/quan-ly/hoi-nghi-thon", f);
    assert_int_equal(r->status, 303);
    return strtoll(strrchr(h_header(r, "Location"), '/') + 1, NULL, 10);
}

/* Invitations at least 5 days before (A7: 5 whole days between): for a conference on day H,
 * H-6 at the latest; H-5 leaves 4 days and is refused. */
static void D11_invitation_5_days_before_accepted_4_refused(void **state)
{
    struct h_client *c = h_signed_in(&srv, "truongthon");
    const int H = 3;
    long long id = conference(c, VILLAGE, h_vn_day(c, H), NULL);
    const char *page = h_fmt(c, "/quan-ly/hoi-nghi-thon/%lld", id);
    struct h_response *r = h_get(c, page);
    assert_int_equal(r->status, 200);
    /* The agenda D11 sets, pre-filled. */
    assert_true(h_has(r, "Báo cáo của Tổ trưởng tổ dân phố"));
    assert_true(h_has(r, "Báo cáo của Ban công tác Mặt trận về việc thực hiện dân chủ ở cơ sở"));
    assert_true(h_has(r, "Báo cáo của thành viên Ban Thanh tra nhân dân ở Tổ dân phố số 1"));
    const char *four[] = {"buoc", "giay_moi", "ngay", h_vn_day(c, H - 5), NULL};
    r = h_post_page(c, page, h_fmt(c, "%s/buoc", page), four);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "ít nhất 5 ngày"));
    assert_true(h_has(r, h_fmt(c, "chậm nhất là ngày %s", h_vn_day(c, H - 6))));
    assert_true(h_has(r, h_fmt(c, "value=\"%s\"", h_vn_day(c, H - 5))));
    const char *five[] = {"buoc", "giay_moi", "ngay", h_vn_day(c, H - 6), NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/buoc", page), five)->status, 303);
    json_t *j = h_json(h_get(c, h_fmt(c, "%s?format=json", page)));
    json_t *steps = json_object_get(j, "steps");
    int seen = 0;
    for (size_t i = 0; i < json_array_size(steps); i++) {
        json_t *s = json_array_get(steps, i);
        if (!strcmp(h_jstr(s, "key"), "giay_moi")) {
            seen = 1;
            assert_true(json_is_true(json_object_get(s, "on_time")));
            assert_string_equal(h_jstr(s, "recorded"), h_vn_day(c, H - 6));
        }
    }
    assert_true(seen);
    /* The plan before the conference; the report only after it. */
    const char *plan[] = {"buoc", "ke_hoach", "ngay", h_vn_day(c, -7), NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/buoc", page), plan)->status, 303);
    const char *report[] = {"buoc", "bao_cao", "ngay", h_vn_day(c, 0), NULL};
    r = h_post_page(c, page, h_fmt(c, "%s/buoc", page), report);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "gửi sau hội nghị"));
    /* One conference a village a year. */
    r = h_post_page(c, "/quan-ly/hoi-nghi-thon?don_vi=" VILLAGE, "/quan-ly/hoi-nghi-thon",
                    (const char *const[]){"don_vi", VILLAGE, "ngay_hop", h_vn_day(c, H), NULL});
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "đã có hội nghị định kỳ năm"));
    /* Minutes wait for the conference. */
    const char *early[] = {"chuong_trinh", "1. Báo cáo", "bien_ban", "Đã họp.", NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/bien-ban", page), early)->status, 422);
    assert_int_equal(h_db_count(&srv, h_fmt(c,
                                            "SELECT COUNT(*) FROM audit_log WHERE object = "
                                            "'conference:%lld' AND action IN ('conference.create', "
                                            "'conference.invite', 'conference.plan')",
                                            id)),
                     3);
}

static void D11_minutes_pdf_with_the_three_reports_in_intact_Vietnamese(void **state)
{
    assert_int_equal(sh("command -v pdftotext >/dev/null"), 0);
    struct h_client *c = h_signed_in(&srv, "canbo");
    const char *more[] = {"gio", "7 giờ 30", NULL};
    long long id = conference(c, VILLAGE2, h_vn_day(c, -1), more);
    const char *page = h_fmt(c, "/quan-ly/hoi-nghi-thon/%lld", id);
    struct h_response *r = h_get(c, page);
    /* The pre-filled agenda, as the form holds it; the minutes under its headings. */
    const char *agenda = h_between(c, r, "name=\"chuong_trinh\" rows=\"7\">", "</textarea>");
    assert_non_null(agenda);
    assert_non_null(strstr(agenda, "Báo cáo của Ban công tác Mặt trận"));
    const char *minutes =
        "# 1. Báo cáo của Tổ trưởng tổ dân phố\n"
        "Ông Nguyễn Văn Hùng báo cáo kết quả công việc năm; đường ngõ 3 đã bê tông hóa.\n"
        "# 2. Báo cáo của Ban công tác Mặt trận\n"
        "Bà Trần Thị Lan báo cáo việc thực hiện dân chủ ở cơ sở: 4 nội dung được bàn và quyết "
        "định.\n"
        "# 3. Báo cáo của thành viên Ban Thanh tra nhân dân\n"
        "Ông Đỗ Quốc Việt báo cáo kết quả giám sát.\n"
        "# 4. Thảo luận, giải đáp ý kiến\n"
        "Bà con đề nghị lắp đèn chiếu sáng ngõ 5; Tổ trưởng giải đáp.\n"
        "# 5. Thông qua kết quả hội nghị\n"
        "Hội nghị thống nhất thông qua.\n"
        "# 6. Khen thưởng\n"
        "Khen 3 hộ gia đình tiêu biểu.";
    long long total = village_households(VILLAGE2);
    const char *too_many[] = {
        "chuong_trinh", agenda, "bien_ban", minutes, "so_ho", h_fmt(c, "%lld", total + 1), NULL};
    r = h_post_page(c, page, h_fmt(c, "%s/bien-ban", page), too_many);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "nhiều hơn số hộ"));
    const char *f[] = {"chuong_trinh", agenda,         "chu_tri", "Nguyễn Văn Hùng",
                       "thu_ky",       "Trần Thị Lan", "so_ho",   "12",
                       "bien_ban",     minutes,        NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/bien-ban", page), f)->status, 303);
    const char *t = pdf_text(c, h_get(c, h_fmt(c, "%s/bien-ban.pdf", page)));
    has(t, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    has(t, "TỔ DÂN PHỐ SỐ 2");
    has(t, "BIÊN BẢN");
    has(t, "Hội nghị định kỳ của cộng đồng dân cư năm");
    has(t, "Báo cáo của Tổ trưởng tổ dân phố");
    has(t, "Báo cáo của Ban công tác Mặt trận về việc thực hiện dân chủ ở cơ sở");
    has(t, "Báo cáo của thành viên Ban Thanh tra nhân dân ở Tổ dân phố số 2");
    has(t, "Thảo luận, giải đáp ý kiến của Nhân dân");
    has(t, h_fmt(c, "Đại diện 12 trên tổng số %lld hộ gia đình", total));
    has(t, "Vào hồi 7 giờ 30");
    has(t, "đường ngõ 3 đã bê tông hóa");
    has(t, "Khen 3 hộ gia đình tiêu biểu");
    has(t, "Trần Thị Lan");
    has(t, "Nguyễn Văn Hùng");
    /* The invitation. */
    t = pdf_text(c, h_get(c, h_fmt(c, "%s/giay-moi.pdf", page)));
    has(t, "GIẤY MỜI");
    has(t, "Ủy ban Mặt trận Tổ quốc Việt Nam Phường Bình Minh");
    has(t, "Báo cáo của thành viên Ban Thanh tra nhân dân ở Tổ dân phố số 2");
    /* The report afterwards. */
    const char *report[] = {"buoc", "bao_cao", "ngay", h_vn_day(c, 0), NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/buoc", page), report)->status, 303);
    assert_int_equal(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM community_conferences WHERE id = %lld "
                               "AND attendance = 12 AND report_sent_on <> ''",
                               id)),
        1);
    assert_int_equal(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM audit_log WHERE object = "
                               "'conference:%lld' AND action IN ('conference.minutes', "
                               "'conference.report')",
                               id)),
        2);
}

/* ---- D10, D11: residents see none of it ---- */

static void D10_D11_resident_gets_403(void **state)
{
    struct h_client *c = h_signed_in(&srv, "canbo");
    long long e = head_election(c, 30);
    long long k = conference(c, "9900103", h_vn_day(c, 10), NULL);
    struct h_client *a = h_signed_in(&srv, "nguoidan");
    assert_int_equal(h_get(a, "/quan-ly/bau-cu?don_vi=" VILLAGE)->status, 403);
    assert_int_equal(h_get(a, h_fmt(a, "/quan-ly/bau-cu/%lld", e))->status, 403);
    assert_int_equal(h_get(a, "/quan-ly/hoi-nghi-thon?don_vi=" VILLAGE)->status, 403);
    assert_int_equal(h_get(a, h_fmt(a, "/quan-ly/hoi-nghi-thon/%lld", k))->status, 403);
    assert_int_equal(h_get(a, h_fmt(a, "/quan-ly/hoi-nghi-thon/%lld/bien-ban.pdf", k))->status,
                     403);
    assert_int_equal(h_get(a, h_fmt(a, "/quan-ly/hoi-nghi-thon/%lld/giay-moi.pdf", k))->status,
                     403);
    const char *f[] = {"don_vi",        VILLAGE,       "loai",          "head", "ngay_bau",
                       h_vn_day(a, 30), "ung_cu_vien", "Nguyễn Văn An", NULL};
    assert_int_equal(h_post_page(a, "/", "/quan-ly/bau-cu", f)->status, 403);
    const char *step[] = {"buoc", "ke_hoach", "ngay", h_vn_day(a, -20), NULL};
    assert_int_equal(h_post_page(a, "/", h_fmt(a, "/quan-ly/bau-cu/%lld/buoc", e), step)->status,
                     403);
    const char *inv[] = {"buoc", "giay_moi", "ngay", h_vn_day(a, 0), NULL};
    assert_int_equal(
        h_post_page(a, "/", h_fmt(a, "/quan-ly/hoi-nghi-thon/%lld/buoc", k), inv)->status, 403);
    /* Another village's head neither. */
    struct h_client *t2 = h_signed_in(&srv, "truongthon2");
    assert_int_equal(h_get(t2, h_fmt(t2, "/quan-ly/hoi-nghi-thon/%lld", k))->status, 403);
    /* The front, which recognises M5 only, does not read a head election's page. */
    struct h_client *f1 = h_signed_in(&srv, "mttq");
    assert_int_equal(h_get(f1, h_fmt(f1, "/quan-ly/bau-cu/%lld", e))->status, 403);
    assert_int_equal(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM decision_elections WHERE decision_id = "
                               "%lld AND plan_on = ''",
                               e)),
        1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(D10_head_election_tables_its_M4_matter),
        cmocka_unit_test(D10_plan_20_days_before_on_time_19_refused),
        cmocka_unit_test(D10_candidate_on_the_election_team_refused),
        cmocka_unit_test(D10_dismissal_petition_counts_at_50_percent_not_one_household_less),
        cmocka_unit_test(D10_new_election_due_60_days_after_a_recognised_dismissal),
        cmocka_unit_test(F1_board_member_election_recognised_by_the_front_not_the_chairperson),
        cmocka_unit_test(D11_invitation_5_days_before_accepted_4_refused),
        cmocka_unit_test(D11_minutes_pdf_with_the_three_reports_in_intact_Vietnamese),
        cmocka_unit_test(D10_D11_resident_gets_403),
    };
    return h_run_group(tests, &srv);
}

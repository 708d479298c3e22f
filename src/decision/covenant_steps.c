/*
 * covenant_steps.c - the steps of a village covenant after it is proposed (DOMAIN G, Decree
 * 61/2023/NĐ-CP), each a form on the covenant's back-office page with its legal check: the
 * drafting team (Art 8), the draft posted for comments (Art 9), the adoption vote started and
 * its result taken (Art 10), the dossier sent (Art 11(3)), recognition or refusal (Art 11),
 * distribution (Arts 15, 18), the yearly review (Art 15(4)), suspension (Art 12) and annulment
 * (Art 14). A step refused shows the page again with what was typed and why (422); a step taken
 * is one write (cv_store_step) and a redirect to the page.
 */
#include <string.h>
#include <time.h>

#include "decision/covenant.h"

/* ---- the writes: one job shape, one runner ---- */

struct cv_job {
    struct cv_write w; /* the write */
    const char *back;  /* the covenant's page */
    const char *flash; /* said after the write */
};

static int run_step(struct db *db, void *arg)
{
    struct cv_job *j = arg;
    return cv_store_step(db, &j->w);
}

static int after_step(struct http_request *r, struct http_response *res, int rc)
{
    struct cv_job *j = r->state;
    if (rc && rc != ERR_CONFLICT)
        return rc;
    res->redirect = j->back;
    res->flash = rc ? "Thao tác không thực hiện được vì tình trạng hương ước đã thay đổi; vui lòng "
                      "xem lại."
                    : j->flash;
    return 0;
}

enum { PERM_MANAGE = 1, PERM_RECOGNISE = 2, PERM_EITHER = 3 };

/* Loads the covenant of capture "id" and checks perm; a job for it in *j. */
static int step_begin(struct http_request *r, struct cv_ctx **x, struct cv_job **j, int perm)
{
    *x = arena_zalloc(r->a, sizeof **x);
    int rc = cv_load(r, *x);
    if (rc)
        return rc;
    int ok = ((perm & PERM_MANAGE) && (*x)->manage) || ((perm & PERM_RECOGNISE) && (*x)->recognise);
    if (!ok)
        return ERR_FORBIDDEN;
    *j = arena_zalloc(r->a, sizeof **j);
    (*j)->w.actor = r->user->id;
    (*j)->w.id = (*x)->c.id;
    (*j)->w.unit_id = (*x)->v.id;
    (*j)->w.decision_id = (*x)->c.decision_id;
    (*j)->back = arena_printf(r->a, "/quan-ly/huong-uoc/%lld", (long long)(*x)->c.id);
    r->state = *j;
    return 0;
}

static int step_defer(struct http_request *r, struct cv_job *j, enum cv_step step,
                      const char *flash)
{
    j->w.step = step;
    j->flash = flash;
    http_defer_write(r, run_step, j);
    return HTTP_DEFERRED;
}

/* A refused step: the page again with what was typed and why (422). */
static int step_error(struct http_request *r, struct http_response *res, const struct cv_ctx *x,
                      const char *field, const char *message)
{
    if (!res->model)
        res->model = json_object();
    http_form_error(res, field, message);
    return cv_manage_page(r, res, x);
}

/* A day typed for a step: not in the future, not before `after` (stored "yyyy-mm-dd", may be
 * ""; after_what names it). NULL when fine, else the reason. */
static const char *day_check(struct http_request *r, struct date d, const char *after,
                             const char *after_what)
{
    struct date a;
    if (date_cmp(d, cv_today()) > 0)
        return "Ngày ghi nhận không được sau hôm nay.";
    if (after && after[0] && date_parse(after, &a) == 0 && date_cmp(d, a) < 0)
        return arena_printf(r->a, "Ngày này không được trước %s (%s).", after_what, dm_vn(r->a, a));
    return NULL;
}

/* ---- POST .../to-soan-thao: the drafting team (Art 8) ---- */

static const struct http_param_spec team_params[] = {
    {"to_soan_thao", HP_LINES, 0, 0, 5000},
};

static int post_team(struct http_request *r, struct http_response *res)
{
    struct cv_ctx *x;
    struct cv_job *j;
    int rc = step_begin(r, &x, &j, PERM_MANAGE);
    if (rc)
        return rc;
    const char *s = x->c.status;
    if (x->c.decision_id ||
        (strcmp(s, "proposed") && strcmp(s, "drafting") && strcmp(s, "consulting")))
        return step_error(r, res, x, "soan_thao",
                          "Đã bắt đầu biểu quyết thông qua: không thay đổi tổ soạn thảo.");
    j->w.s[0] = dm_trimmed(r, "to_soan_thao");
    if (!j->w.s[0][0])
        return step_error(r, res, x, "soan_thao",
                          "Vui lòng ghi các thành viên tổ soạn thảo, mỗi người một dòng (Điều 8).");
    return step_defer(r, j, CV_TEAM, "Đã ghi tổ soạn thảo.");
}

/* ---- POST .../niem-yet: the draft posted for comments (Art 9) ---- */

static const struct http_param_spec post_params[] = {
    {"ngay_niem_yet", HP_TEXT, 0, 0, 10},
    {"ma_gop_y", HP_TEXT, 0, 0, 20},
};

static int post_post(struct http_request *r, struct http_response *res)
{
    struct cv_ctx *x;
    struct cv_job *j;
    int rc = step_begin(r, &x, &j, PERM_MANAGE);
    if (rc)
        return rc;
    const char *s = x->c.status;
    if (!strcmp(s, "proposed"))
        return step_error(r, res, x, "niem_yet",
                          "Cần lập tổ soạn thảo trước khi niêm yết dự thảo (Điều 8).");
    if (x->c.decision_id || (strcmp(s, "drafting") && strcmp(s, "consulting")))
        return step_error(r, res, x, "niem_yet", "Đã bắt đầu biểu quyết thông qua.");
    struct date d;
    const char *typed = dm_trimmed(r, "ngay_niem_yet");
    if (!typed[0])
        return step_error(r, res, x, "niem_yet", "Vui lòng nhập ngày niêm yết dự thảo.");
    if (date_parse(typed, &d) != 0)
        return step_error(r, res, x, "niem_yet", cv_bad_date);
    const char *why = day_check(r, d, x->c.proposed_on, "ngày đề xuất");
    if (why)
        return step_error(r, res, x, "niem_yet", why);
    const char *id = dm_trimmed(r, "ma_gop_y");
    if (id[0] && parse_int64(str_c(id), 1, INT64_MAX, &j->w.n) != 0)
        return step_error(r, res, x, "niem_yet",
                          "Mã cuộc lấy ý kiến là một số (xem trong mục Lấy ý kiến dự thảo).");
    j->w.s[0] = dm_iso(r->a, d);
    return step_defer(r, j, CV_POST, "Đã ghi ngày niêm yết dự thảo và cuộc lấy ý kiến.");
}

/* ---- POST .../bieu-quyet: start the adoption vote, an M3 matter (Art 10) ---- */

static int post_vote(struct http_request *r, struct http_response *res)
{
    struct cv_ctx *x;
    struct cv_job *j;
    int rc = step_begin(r, &x, &j, PERM_MANAGE);
    if (rc)
        return rc;
    const struct cv_item *c = &x->c;
    if (strcmp(c->status, "consulting") != 0 || c->decision_id)
        return step_error(r, res, x, "bieu_quyet",
                          "Chỉ bắt đầu biểu quyết khi dự thảo đã niêm yết lấy ý kiến.");
    const struct dr_rules *rules = cv_rules(dm_env(r), c);
    struct date posted;
    if (date_parse(c->posted_on, &posted) != 0)
        return step_error(r, res, x, "bieu_quyet", "Chưa ghi ngày niêm yết dự thảo.");
    struct date from = dr_covenant_adopt_from(rules, posted);
    if (date_cmp(cv_today(), from) < 0)
        return step_error(
            r, res, x, "bieu_quyet",
            arena_printf(r->a,
                         "Dự thảo phải niêm yết ít nhất %d ngày trước khi biểu quyết thông qua "
                         "(Điều 9 Nghị định 61/2023/NĐ-CP): niêm yết ngày %s, sớm nhất được "
                         "biểu quyết từ ngày %s.",
                         rules->covenant_post_days, dm_vn(r->a, posted), dm_vn(r->a, from)));
    struct buf body;
    buf_init(&body, r->a);
    if (c->summary[0])
        buf_printf(&body, "%s\n\n", c->summary);
    buf_printf(&body, "Dự thảo hương ước niêm yết lấy ý kiến Nhân dân từ ngày %s.",
               dm_vn(r->a, posted));
    if (c->consultation_id)
        buf_printf(&body, " Xem dự thảo và các ý kiến tại /gop-y/du-thao/%lld.",
                   (long long)c->consultation_id);
    j->w.vote = (struct dm_new){
        .actor = j->w.actor,
        .unit_id = x->v.id,
        .matter = DM_M3,
        .title = arena_printf(r->a, "Thông qua hương ước: %s", c->title),
        .question = arena_printf(r->a, "Hộ gia đình có tán thành thông qua hương ước “%s” không?",
                                 c->title),
        .body = body.ptr,
        .proposer = "head",
        /* D3: a covenant is decided at a meeting; household ballots complete a meeting short of
         * attendance (dr_ballot_completes), without being a form of their own. */
        .forms = 1u << DF_MEETING,
        .secret = 0,
        .tabled_on = dm_iso(r->a, cv_today()),
    };
    return step_defer(r, j, CV_VOTE,
                      "Đã lập nội dung biểu quyết thông qua hương ước (M3): thông báo và tổ "
                      "chức cuộc họp tại trang biểu quyết.");
}

/* ---- POST .../thong-qua: the vote's result taken (Art 10) ---- */

static int post_adopt(struct http_request *r, struct http_response *res)
{
    struct cv_ctx *x;
    struct cv_job *j;
    int rc = step_begin(r, &x, &j, PERM_MANAGE);
    if (rc)
        return rc;
    if (strcmp(x->c.status, "consulting") != 0 || !x->c.decision_id)
        return step_error(r, res, x, "thong_qua", "Chưa bắt đầu biểu quyết thông qua.");
    struct dm_item d;
    if ((rc = dm_store_get(r->db, r->a, x->c.decision_id, &d)) != 0)
        return rc;
    if (strcmp(d.status, "counted") != 0)
        return step_error(r, res, x, "thong_qua",
                          !strcmp(d.status, "annulled")
                              ? "Kết quả biểu quyết đã bị bãi bỏ."
                              : "Biểu quyết chưa kiểm xong kết quả (trang biểu quyết: Kiểm kết "
                                "quả).");
    j->w.s[0] = d.passed ? "adopted" : "not_adopted";
    j->w.s[1] = d.passed ? dm_iso(r->a, date_vn_from_time((time_t)d.counted_at)) : "";
    return step_defer(r, j, CV_ADOPT,
                      d.passed ? "Hương ước đã được quá nửa tổng số hộ gia đình tán thành: đã ghi "
                                 "ngày thông qua. Gửi hồ sơ đề nghị công nhận trước hạn ghi trên "
                                 "trang."
                               : "Hương ước không được quá nửa tổng số hộ gia đình tán thành: "
                                 "không được thông qua.");
}

/* ---- POST .../ho-so: the dossier sent to the UBND (Art 11(3)) ---- */

static const struct http_param_spec day_params[] = {
    {"ngay_ho_so", HP_TEXT, 0, 0, 10},
};

static int post_submit(struct http_request *r, struct http_response *res)
{
    struct cv_ctx *x;
    struct cv_job *j;
    int rc = step_begin(r, &x, &j, PERM_MANAGE);
    if (rc)
        return rc;
    if (strcmp(x->c.status, "adopted") != 0)
        return step_error(r, res, x, "ho_so", "Hương ước chưa được thông qua.");
    struct date d;
    if (cv_typed_date(r, "ngay_ho_so", cv_today(), &d) != 0)
        return step_error(r, res, x, "ho_so", cv_bad_date);
    const char *why = day_check(r, d, x->c.adopted_on, "ngày thông qua");
    if (why)
        return step_error(r, res, x, "ho_so", why);
    j->w.s[0] = dm_iso(r->a, d);
    return step_defer(r, j, CV_SUBMIT,
                      "Đã ghi ngày gửi hồ sơ đề nghị Ủy ban nhân dân công nhận hương ước.");
}

/* ---- POST .../cong-nhan: recognition or refusal with reasons (Art 11) ---- */

static const struct http_param_spec recognise_params[] = {
    {"ket_qua", HP_TEXT, 0, 0, 12},
    {"ngay_cong_nhan", HP_TEXT, 0, 0, 10},
    {"ly_do_tu_choi", HP_LINES, 0, 0, 5000},
};

static int post_recognise(struct http_request *r, struct http_response *res)
{
    struct cv_ctx *x;
    struct cv_job *j;
    int rc = step_begin(r, &x, &j, PERM_RECOGNISE);
    if (rc)
        return rc;
    if (strcmp(x->c.status, "submitted") != 0)
        return step_error(r, res, x, "cong_nhan", "Chưa nhận hồ sơ đề nghị công nhận.");
    struct date d;
    if (cv_typed_date(r, "ngay_cong_nhan", cv_today(), &d) != 0)
        return step_error(r, res, x, "cong_nhan", cv_bad_date);
    const char *why = day_check(r, d, x->c.submitted_on, "ngày nhận hồ sơ");
    if (why)
        return step_error(r, res, x, "cong_nhan", why);
    int refuse = !strcmp(dm_trimmed(r, "ket_qua"), "refused");
    j->w.s[0] = dm_iso(r->a, d);
    if (!refuse)
        return step_defer(r, j, CV_RECOGNISE,
                          "Đã công nhận hương ước: có hiệu lực từ ngày công nhận. Gửi văn bản và "
                          "phổ biến trước hạn ghi trên trang.");
    j->w.s[1] = dm_trimmed(r, "ly_do_tu_choi");
    if (!j->w.s[1][0])
        return step_error(r, res, x, "cong_nhan",
                          "Từ chối công nhận phải trả lời bằng văn bản, nêu rõ lý do (Điều 11 "
                          "Nghị định 61/2023/NĐ-CP).");
    return step_defer(r, j, CV_REFUSE, "Đã ghi văn bản từ chối công nhận và lý do.");
}

/* ---- POST .../phan-phat: distribution (Arts 15(1), 18(1)(a)) ---- */

static const struct http_param_spec distribute_params[] = {
    {"ngay_phan_phat", HP_TEXT, 0, 0, 10},
    {"kenh", HP_TEXT, 0, 0, 20},
};

static int post_distribute(struct http_request *r, struct http_response *res)
{
    struct cv_ctx *x;
    struct cv_job *j;
    int rc = step_begin(r, &x, &j, PERM_RECOGNISE);
    if (rc)
        return rc;
    if (strcmp(x->c.status, "recognised") != 0 || x->c.distributed_on[0])
        return step_error(r, res, x, "phan_phat", "Hương ước chưa được công nhận, hoặc đã gửi.");
    struct date d;
    if (cv_typed_date(r, "ngay_phan_phat", cv_today(), &d) != 0)
        return step_error(r, res, x, "phan_phat", cv_bad_date);
    const char *why = day_check(r, d, x->c.recognised_on, "ngày công nhận");
    if (why)
        return step_error(r, res, x, "phan_phat", why);
    struct buf codes;
    buf_init(&codes, r->a);
    buf_puts(&codes, "");
    size_t others = 0;
    for (size_t i = 0; i < cv_n_channels; i++)
        if (cv_has_value(r, "kenh", cv_channels[i].code)) {
            buf_printf(&codes, "%s%s", codes.len ? "," : "", cv_channels[i].code);
            others += i > 0;
        }
    if (!cv_has_value(r, "kenh", cv_channels[0].code) || !others)
        return step_error(r, res, x, "phan_phat",
                          "Hương ước phải được niêm yết tại nhà văn hóa và phổ biến bằng ít nhất "
                          "một hình thức khác (Điều 15, Điều 18 Nghị định 61/2023/NĐ-CP).");
    j->w.s[0] = dm_iso(r->a, d);
    j->w.s[1] = codes.ptr;
    return step_defer(r, j, CV_DISTRIBUTE,
                      "Đã ghi việc gửi và phổ biến hương ước đến Trưởng thôn, Ủy ban Mặt trận "
                      "Tổ quốc và Nhân dân.");
}

/* ---- POST .../ra-soat: the yearly review (Art 15(4)) ---- */

static const struct http_param_spec review_params[] = {
    {"nam", HP_TEXT, 0, 0, 4},
    {"ngay_ra_soat", HP_TEXT, 0, 0, 10},
    {"bao_cao", HP_LINES, 0, 0, 20000},
};

static int post_review(struct http_request *r, struct http_response *res)
{
    struct cv_ctx *x;
    struct cv_job *j;
    int rc = step_begin(r, &x, &j, PERM_EITHER);
    if (rc)
        return rc;
    const struct cv_item *c = &x->c;
    if (strcmp(c->status, "recognised") && strcmp(c->status, "suspended"))
        return step_error(r, res, x, "ra_soat", "Chỉ rà soát hương ước đang có hiệu lực.");
    struct date now = cv_today(), rec, d;
    int first = date_parse(c->recognised_on, &rec) == 0 ? rec.y : now.y;
    const char *y = dm_trimmed(r, "nam");
    if (y[0] && parse_int64(str_c(y), first, now.y, &j->w.n) != 0)
        return step_error(r, res, x, "ra_soat",
                          arena_printf(r->a, "Năm rà soát từ %d đến %d.", first, now.y));
    if (!y[0])
        j->w.n = now.y;
    if (cv_typed_date(r, "ngay_ra_soat", now, &d) != 0)
        return step_error(r, res, x, "ra_soat", cv_bad_date);
    const char *why = day_check(r, d, c->recognised_on, "ngày công nhận");
    if (why)
        return step_error(r, res, x, "ra_soat", why);
    j->w.s[0] = dm_iso(r->a, d);
    j->w.s[1] = dm_trimmed(r, "bao_cao");
    if (!j->w.s[1][0])
        return step_error(r, res, x, "ra_soat",
                          "Vui lòng ghi kết quả rà soát (báo cáo của Trưởng thôn).");
    struct rows *t;
    if ((rc = cv_store_reviews(r->db, r->a, c->id, &t)) != 0)
        return rc;
    for (size_t i = 0; i < t->n_rows; i++)
        if (rows_at(t, i, 0)->i == j->w.n)
            return step_error(r, res, x, "ra_soat",
                              arena_printf(r->a, "Đã ghi rà soát năm %lld.", (long long)j->w.n));
    return step_defer(r, j, CV_REVIEW, "Đã ghi kết quả rà soát hằng năm.");
}

/* ---- POST .../tam-ngung: suspension (Art 12) ---- */

static const struct http_param_spec suspend_params[] = {
    {"ngay_bao_cao", HP_TEXT, 0, 0, 10},
    {"ngay_tam_ngung", HP_TEXT, 0, 0, 10},
    {"pham_vi", HP_TEXT, 0, 0, 10},
    {"noi_dung_tam_ngung", HP_LINES, 0, 0, 5000},
    {"ly_do_tam_ngung", HP_LINES, 0, 0, 5000},
    {"han_khac_phuc", HP_TEXT, 0, 0, 10},
};

static int post_suspend(struct http_request *r, struct http_response *res)
{
    struct cv_ctx *x;
    struct cv_job *j;
    int rc = step_begin(r, &x, &j, PERM_RECOGNISE);
    if (rc)
        return rc;
    if (strcmp(x->c.status, "recognised") != 0)
        return step_error(r, res, x, "tam_ngung", "Chỉ tạm ngừng hương ước đang có hiệu lực.");
    struct date reported, on, fix;
    const char *rep = dm_trimmed(r, "ngay_bao_cao"), *fx = dm_trimmed(r, "han_khac_phuc");
    if (!rep[0])
        return step_error(r, res, x, "tam_ngung",
                          "Vui lòng nhập ngày nhận báo cáo về hương ước (Điều 12).");
    if (date_parse(rep, &reported) != 0 || cv_typed_date(r, "ngay_tam_ngung", cv_today(), &on) != 0)
        return step_error(r, res, x, "tam_ngung", cv_bad_date);
    const char *why = day_check(r, reported, x->c.recognised_on, "ngày công nhận");
    if (!why)
        why = day_check(r, on, dm_iso(r->a, reported), "ngày nhận báo cáo");
    if (why)
        return step_error(r, res, x, "tam_ngung", why);
    int partial = !strcmp(dm_trimmed(r, "pham_vi"), "partial");
    const char *parts = dm_trimmed(r, "noi_dung_tam_ngung"),
               *reason = dm_trimmed(r, "ly_do_tam_ngung");
    if (partial && !parts[0])
        return step_error(r, res, x, "tam_ngung",
                          "Tạm ngừng một phần: ghi rõ các điều, khoản tạm ngừng thi hành.");
    if (!reason[0])
        return step_error(r, res, x, "tam_ngung", "Vui lòng ghi lý do tạm ngừng thi hành.");
    if (!fx[0] || date_parse(fx, &fix) != 0 || date_cmp(fix, on) <= 0)
        return step_error(r, res, x, "tam_ngung",
                          "Vui lòng nhập thời hạn khắc phục (ngày/tháng/năm), sau ngày tạm ngừng.");
    j->w.s[0] = dm_iso(r->a, reported);
    j->w.s[1] = dm_iso(r->a, on);
    j->w.s[2] = partial ? "partial" : "whole";
    j->w.s[3] = partial ? parts : "";
    j->w.s[4] = reason;
    j->w.s[5] = dm_iso(r->a, fix);
    return step_defer(r, j, CV_SUSPEND, "Đã tạm ngừng thi hành hương ước.");
}

/* ---- POST .../bai-bo: annulment (Art 14) ---- */

static const struct http_param_spec annul_params[] = {
    {"can_cu", HP_TEXT, 0, 0, 12},
    {"ngay_can_cu", HP_TEXT, 0, 0, 10},
    {"ngay_bai_bo", HP_TEXT, 0, 0, 10},
    {"ly_do_bai_bo", HP_LINES, 0, 0, 5000},
};

static int post_annul(struct http_request *r, struct http_response *res)
{
    struct cv_ctx *x;
    struct cv_job *j;
    int rc = step_begin(r, &x, &j, PERM_RECOGNISE);
    if (rc)
        return rc;
    const struct cv_item *c = &x->c;
    if (strcmp(c->status, "recognised") && strcmp(c->status, "suspended"))
        return step_error(r, res, x, "bai_bo", "Chỉ bãi bỏ hương ước đã được công nhận.");
    const char *ground = dm_trimmed(r, "can_cu");
    if (!cv_ground_label(ground)[0])
        return step_error(r, res, x, "bai_bo", "Vui lòng chọn căn cứ bãi bỏ (Điều 14).");
    struct date on, basis, fix = cv_today();
    if (cv_typed_date(r, "ngay_bai_bo", cv_today(), &on) != 0)
        return step_error(r, res, x, "bai_bo", cv_bad_date);
    int not_fixed = !strcmp(ground, "not_fixed");
    if (not_fixed && (strcmp(c->status, "suspended") != 0 || date_parse(c->fix_by, &fix) != 0 ||
                      date_cmp(on, fix) <= 0))
        return step_error(
            r, res, x, "bai_bo",
            arena_printf(r->a,
                         "Chỉ bãi bỏ vì không khắc phục khi hương ước đang tạm ngừng thi hành "
                         "và đã quá thời hạn khắc phục%s%s.",
                         c->fix_by[0] ? " " : "", dm_vn_iso(r->a, c->fix_by)));
    /* The ground arose: a suspension not fixed, on the day its deadline passed; otherwise the
     * day the UBND found it (typed), or the annulment's day. */
    struct date def = not_fixed ? fix : on;
    if (cv_typed_date(r, "ngay_can_cu", def, &basis) != 0)
        return step_error(r, res, x, "bai_bo", cv_bad_date);
    const char *why = day_check(r, on, c->recognised_on, "ngày công nhận");
    if (!why && date_cmp(basis, on) > 0)
        why = "Ngày phát sinh căn cứ không được sau ngày bãi bỏ.";
    if (why)
        return step_error(r, res, x, "bai_bo", why);
    j->w.s[0] = dm_iso(r->a, on);
    j->w.s[1] = ground;
    j->w.s[2] = dm_iso(r->a, basis);
    j->w.s[3] = dm_trimmed(r, "ly_do_bai_bo");
    if (!j->w.s[3][0])
        return step_error(r, res, x, "bai_bo", "Vui lòng ghi lý do bãi bỏ.");
    return step_defer(r, j, CV_ANNUL, "Đã bãi bỏ hương ước.");
}

#define N(x) (sizeof(x) / sizeof((x)[0]))

const struct http_route dm_covenant_step_routes[] = {
    {"POST", "/quan-ly/huong-uoc/{id}/to-soan-thao", post_team, after_step, NULL, NULL, HTTP_LOGIN,
     team_params, N(team_params), 0},
    {"POST", "/quan-ly/huong-uoc/{id}/niem-yet", post_post, after_step, NULL, NULL, HTTP_LOGIN,
     post_params, N(post_params), 0},
    {"POST", "/quan-ly/huong-uoc/{id}/bieu-quyet", post_vote, after_step, NULL, NULL, HTTP_LOGIN,
     NULL, 0, 0},
    {"POST", "/quan-ly/huong-uoc/{id}/thong-qua", post_adopt, after_step, NULL, NULL, HTTP_LOGIN,
     NULL, 0, 0},
    {"POST", "/quan-ly/huong-uoc/{id}/ho-so", post_submit, after_step, NULL, NULL, HTTP_LOGIN,
     day_params, N(day_params), 0},
    {"POST", "/quan-ly/huong-uoc/{id}/cong-nhan", post_recognise, after_step, NULL, NULL,
     HTTP_LOGIN, recognise_params, N(recognise_params), 0},
    {"POST", "/quan-ly/huong-uoc/{id}/phan-phat", post_distribute, after_step, NULL, NULL,
     HTTP_LOGIN, distribute_params, N(distribute_params), 0},
    {"POST", "/quan-ly/huong-uoc/{id}/ra-soat", post_review, after_step, NULL, NULL, HTTP_LOGIN,
     review_params, N(review_params), 0},
    {"POST", "/quan-ly/huong-uoc/{id}/tam-ngung", post_suspend, after_step, NULL, NULL, HTTP_LOGIN,
     suspend_params, N(suspend_params), 0},
    {"POST", "/quan-ly/huong-uoc/{id}/bai-bo", post_annul, after_step, NULL, NULL, HTTP_LOGIN,
     annul_params, N(annul_params), 0},
};
const size_t dm_covenant_step_n_routes = N(dm_covenant_step_routes);

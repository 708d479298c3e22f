/*
 * recognise.c - what follows a count (DOMAIN D4, D8, D9, D12): the village head sends the
 * decision to the UBND and the MTTQ within 5 working days; for a covenant or the village head's
 * election (M3, M4) the UBND, for board members (M5) the MTTQ, recognises it or refuses in
 * writing with reasons within 5 working days of receipt; the UBND may annul an unlawful
 * decision or, for a breach of procedure, ask in writing that it be amended (D9), and the
 * community amends it by deciding again (a new matter naming the one it amends, Arts 18-21).
 * The result page shows each step with its legal deadline, for everyone to follow.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "decision/internal.h"

/* The permission of d's recogniser. */
static const char *recognise_perm(const struct dm_item *d)
{
    return dr_recogniser(d->matter) == DR_MTTQ ? "decision.recognise_front" : "decision.recognise";
}

int dm_followup_model(struct http_request *r, const struct dm_item *d, const struct unit *v,
                      json_t *m)
{
    if (strcmp(d->status, "counted") != 0 && strcmp(d->status, "annulled") != 0)
        return 0;
    const struct decision_env *env = dm_env(r);
    const struct dr_rules *rules = dm_rules_for(env, d);
    enum dm_recogniser who = dr_recogniser(d->matter);
    struct date counted = date_vn_from_time((time_t)d->counted_at), due,
                today = date_vn_from_time(time(NULL));
    json_t *f = json_object();
    json_object_set_new(f, "recogniser",
                        json_string(who == DR_UBND   ? "Ủy ban nhân dân xã, phường"
                                    : who == DR_MTTQ ? "Ủy ban Mặt trận Tổ quốc"
                                                     : ""));
    json_object_set_new(f, "needs_recognition", json_boolean(who != DR_NONE && d->passed));
    if (d->sent_on[0]) {
        struct date s;
        date_parse(d->sent_on, &s);
        json_object_set_new(f, "sent_on", json_string(dm_vn(r->a, s)));
        if (who != DR_NONE && d->passed && dr_recognise_due(rules, env->cal, s, &due) == 0) {
            json_object_set_new(f, "recognise_due", json_string(dm_vn(r->a, due)));
            json_object_set_new(
                f, "recognise_late",
                json_boolean(!strcmp(d->recognition, "pending") && date_cmp(today, due) > 0));
        }
    } else if (dr_send_due(rules, env->cal, counted, &due) == 0) {
        json_object_set_new(f, "send_due", json_string(dm_vn(r->a, due)));
        json_object_set_new(f, "send_late", json_boolean(date_cmp(today, due) > 0));
    }
    json_object_set_new(f, "pending", json_boolean(!strcmp(d->recognition, "pending")));
    json_object_set_new(f, "recognised", json_boolean(!strcmp(d->recognition, "recognised")));
    json_object_set_new(f, "refused", json_boolean(!strcmp(d->recognition, "refused")));
    struct date ro;
    if (d->recognition_on[0] && date_parse(d->recognition_on, &ro) == 0)
        json_object_set_new(f, "recognition_on", json_string(dm_vn(r->a, ro)));
    json_object_set_new(f, "recognition_note", json_string(d->recognition_note));
    json_object_set_new(f, "annulled", json_boolean(!strcmp(d->status, "annulled")));
    json_object_set_new(f, "annulled_reason", json_string(d->annulled_reason));
    int counted_now = !strcmp(d->status, "counted");
    json_object_set_new(f, "can_send",
                        json_boolean(counted_now && !d->sent_on[0] && r->user &&
                                     http_authorize(r, "decision.manage", v->code) == 0));
    json_object_set_new(f, "can_recognise",
                        json_boolean(counted_now && !strcmp(d->recognition, "pending") &&
                                     d->sent_on[0] && r->user &&
                                     http_authorize(r, recognise_perm(d), v->code) == 0));
    json_object_set_new(f, "can_annul",
                        json_boolean(counted_now && r->user &&
                                     http_authorize(r, "decision.recognise", v->code) == 0));
    /* D9: amendment - the UBND's written request, and the matters that amend this one. */
    struct date aq;
    json_object_set_new(f, "amend_request", json_string(d->amend_request));
    json_object_set_new(
        f, "amend_requested_on",
        json_string(d->amend_requested_on[0] && date_parse(d->amend_requested_on, &aq) == 0
                        ? dm_vn(r->a, aq)
                        : ""));
    json_object_set_new(f, "can_request_amend",
                        json_boolean(counted_now && !d->amend_request[0] && r->user &&
                                     http_authorize(r, "decision.recognise", v->code) == 0));
    json_object_set_new(
        f, "can_amend",
        json_boolean(r->user && http_authorize(r, "decision.manage", v->code) == 0));
    struct rows *am;
    int rc = dm_store_amendments(r->db, r->a, d->id, &am);
    if (rc)
        return rc;
    size_t url = rows_add_col(am, "url"), sl = rows_add_col(am, "status_label");
    for (size_t i = 0; i < am->n_rows; i++) {
        rows_set_text(rows_at(am, i, url),
                      arena_printf(r->a, "/decisions/%lld", (long long)rows_at(am, i, 0)->i));
        const char *st = rows_text(rows_at(am, i, 2));
        rows_set_text(rows_at(am, i, sl),
                      !strcmp(st, "counted")
                          ? rows_at(am, i, 3)->i ? "được thông qua" : "không được thông qua"
                          : dm_status_label(st));
    }
    json_object_set_new(f, "has_amendments", json_boolean(am->n_rows > 0));
    json_object_set_new(f, "amendments", rows_json(am));
    json_object_set_new(m, "follow", f);
    return 0;
}

/* ---- the writes ---- */

struct step_job {
    int64_t actor, id, unit_id;
    const char *a1, *a2, *a3;
    int kind; /* 0 sent, 1 recognition, 2 annulment, 3 request to amend */
};

static int run_step(struct db *db, void *arg)
{
    struct step_job *j = arg;
    if (j->kind == 0)
        return dm_store_sent(db, j->actor, j->id, j->unit_id, j->a1);
    if (j->kind == 1)
        return dm_store_recognise(db, j->actor, j->id, j->unit_id, j->a1, j->a2, j->a3);
    if (j->kind == 3)
        return dm_store_amend_request(db, j->actor, j->id, j->unit_id, j->a2, j->a1);
    return dm_store_annul(db, j->actor, j->id, j->unit_id, j->a1);
}

static int after_step(struct http_request *r, struct http_response *res, int rc)
{
    struct step_job *j = r->state;
    return http_after_write(res, rc, arena_printf(r->a, "/decisions/%lld", (long long)j->id),
                            j->kind == 0 ? "Đã ghi ngày gửi quyết định đến UBND và Ủy ban MTTQ."
                            : j->kind == 2 ? "Đã bãi bỏ quyết định."
                            : j->kind == 3 ? "Đã ghi văn bản yêu cầu sửa đổi, bổ sung quyết định."
                            : !strcmp(j->a1, "recognised") ? "Đã công nhận."
                                                           : "Đã ghi văn bản từ chối công nhận.");
}

static const struct http_param_spec step_params[] = {
    {"ngay", HP_DATE, 0, 0, 0},
    {"ket_qua", HP_TEXT, 0, 0, 12},
    {"ly_do", HP_LINES, 0, 0, 5000},
};

/* A refused step: the result page again, with the reason. */
static int step_error(struct http_request *r, struct http_response *res, const struct dm_item *d,
                      const struct unit *v, const char *message)
{
    res->model = json_object();
    http_form_error(res, "follow", message);
    return dm_result_page(r, res, d, v);
}

static int post_step(struct http_request *r, struct http_response *res, int kind)
{
    struct dm_item d;
    struct unit v;
    int rc = dm_access(r, &d, &v, NULL);
    if (rc)
        return rc;
    const char *perm = kind == 0   ? "decision.manage"
                       : kind == 1 ? recognise_perm(&d)
                                   : "decision.recognise"; /* annul, request to amend: the UBND */
    if ((rc = http_authorize(r, perm, v.code)) != 0)
        return rc;
    struct step_job *j = arena_zalloc(r->a, sizeof *j);
    j->actor = r->user->id;
    j->id = d.id;
    j->unit_id = v.id;
    j->kind = kind;
    const char *day = http_param(r, "ngay");
    struct date dt = date_vn_from_time(time(NULL));
    if (day && day[0] && date_parse(day, &dt) != 0)
        return step_error(r, res, &d, &v, "Ngày phải viết dạng ngày/tháng/năm.");
    char *iso = arena_alloc(r->a, 11);
    date_format_iso(dt, iso);
    const char *reason =
        str_dup(r->a, str_trim(str_c(http_param(r, "ly_do") ? http_param(r, "ly_do") : "")));
    if (kind == 0) {
        j->a1 = iso;
    } else if (kind == 1) {
        const char *k = http_param(r, "ket_qua");
        j->a1 = k && !strcmp(k, "refused") ? "refused" : "recognised";
        j->a2 = iso;
        j->a3 = reason;
        if (!strcmp(j->a1, "refused") && !reason[0])
            return step_error(r, res, &d, &v,
                              "Từ chối công nhận phải nêu rõ lý do bằng văn bản (Điều 21).");
    } else if (kind == 2) {
        j->a1 = reason;
        if (!reason[0])
            return step_error(r, res, &d, &v, "Vui lòng ghi lý do bãi bỏ (Điều 22).");
    } else {
        j->a1 = reason;
        j->a2 = iso;
        if (!reason[0])
            return step_error(r, res, &d, &v,
                              "Yêu cầu sửa đổi, bổ sung phải nêu rõ sai sót về trình tự, thủ tục "
                              "cần khắc phục (Điều 22).");
    }
    r->state = j;
    http_defer_write(r, run_step, j);
    return HTTP_DEFERRED;
}

static int post_sent(struct http_request *r, struct http_response *res)
{
    return post_step(r, res, 0);
}

static int post_recognise(struct http_request *r, struct http_response *res)
{
    return post_step(r, res, 1);
}

static int post_annul(struct http_request *r, struct http_response *res)
{
    return post_step(r, res, 2);
}

static int post_amend_request(struct http_request *r, struct http_response *res)
{
    return post_step(r, res, 3);
}

/* ---- POST /decisions/{id}/sua-doi: the community amends a decision by deciding again (D9) ---- */

struct amend_job {
    struct dm_new in;
};

static int run_amend(struct db *db, void *arg)
{
    struct amend_job *j = arg;
    return dm_store_create(db, &j->in);
}

static int after_amend(struct http_request *r, struct http_response *res, int rc)
{
    struct amend_job *j = r->state;
    if (rc)
        return rc;
    res->redirect = arena_printf(r->a, "/quan-ly/bieu-quyet/%lld", (long long)j->in.id);
    res->flash = "Đã lập nội dung sửa đổi, bổ sung: thông báo và biểu quyết lại theo trình tự "
                 "như quyết định ban đầu (Điều 18 - 21).";
    return 0;
}

static int post_amend(struct http_request *r, struct http_response *res)
{
    struct dm_item d;
    struct unit v;
    int rc = dm_access(r, &d, &v, NULL);
    if (rc)
        return rc;
    if ((rc = http_authorize(r, "decision.manage", v.code)) != 0)
        return rc;
    if (strcmp(d.status, "counted") != 0 && strcmp(d.status, "annulled") != 0)
        return step_error(r, res, &d, &v, "Chỉ sửa đổi, bổ sung quyết định đã có kết quả.");
    struct amend_job *j = arena_zalloc(r->a, sizeof *j);
    j->in = (struct dm_new){
        .actor = r->user->id,
        .unit_id = v.id,
        .matter = d.matter,
        .title = arena_printf(r->a, "Sửa đổi, bổ sung: %s", d.title),
        .question = d.question,
        .body = d.amend_request[0]
                    ? arena_printf(r->a, "Theo yêu cầu của Ủy ban nhân dân ngày %s: %s\n\n%s",
                                   dm_vn_iso(r->a, d.amend_requested_on), d.amend_request, d.body)
                    : d.body,
        .proposer = d.proposer,
        .forms = d.forms,
        .secret = d.secret,
        .tabled_on = dm_iso(r->a, date_vn_from_time(time(NULL))),
        /* not a second part of a commune-wide matter: its villages are counted once */
        .amends_id = d.id,
    };
    r->state = j;
    http_defer_write(r, run_amend, j);
    return HTTP_DEFERRED;
}

#define N(x) (sizeof(x) / sizeof((x)[0]))

const struct http_route dm_recognise_routes[] = {
    {"POST", "/decisions/{id}/gui", post_sent, after_step, NULL, NULL, HTTP_LOGIN, step_params,
     N(step_params), 0},
    {"POST", "/decisions/{id}/cong-nhan", post_recognise, after_step, NULL, NULL, HTTP_LOGIN,
     step_params, N(step_params), 0},
    {"POST", "/decisions/{id}/bai-bo", post_annul, after_step, NULL, NULL, HTTP_LOGIN, step_params,
     N(step_params), 0},
    {"POST", "/decisions/{id}/yeu-cau-sua-doi", post_amend_request, after_step, NULL, NULL,
     HTTP_LOGIN, step_params, N(step_params), 0},
    {"POST", "/decisions/{id}/sua-doi", post_amend, after_amend, NULL, NULL, HTTP_LOGIN, NULL, 0,
     0},
};
const size_t dm_recognise_n_routes = N(dm_recognise_routes);

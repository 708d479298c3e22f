/*
 * initiative.c - a citizen initiative (sáng kiến, DOMAIN D2): a household's representative
 * proposes a matter for the village to decide; other households consent to it, online or on
 * paper entered by the village head; each consent stays valid 3 months; once at least 10% of
 * the village's households have valid consents, the village head must table it (the page says
 * so to everyone). Below 10%, the village head may still table it with the Ban công tác Mặt
 * trận's agreement: the matter is an ordinary draft in the back office either way.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "decision/internal.h"

/* The earliest day a consent may have been given and still be valid today. */
static struct date valid_from(const struct dr_rules *rules, struct date today)
{
    struct date d = date_add_days(today, -(31 * rules->consent_months + 31));
    while (date_cmp(dr_consent_expires(rules, d), today) < 0)
        d = date_add_days(d, 1);
    return d;
}

int dm_initiative_model(struct http_request *r, const struct dm_item *d, const struct unit *v,
                        json_t *m)
{
    if (strcmp(d->proposer, "initiative") != 0 || strcmp(d->status, "draft") != 0)
        return 0;
    const struct dr_rules *rules = dm_rules_for(dm_env(r), d);
    struct date today = date_vn_from_time(time(NULL));
    /* A petition to dismiss the village head (M4, D10) needs half of the households and its
     * signatures do not lapse; an initiative needs 10%, each consent valid 3 months (D2). */
    int petition = d->matter == DM_M4;
    char from[11] = "";
    if (!petition)
        date_format_iso(valid_from(rules, today), from);
    int64_t valid, households;
    int rc = dm_store_consents(r->db, d->id, d->unit_id, from, &valid, &households);
    if (rc)
        return rc;
    int64_t hid = 0;
    if (r->user)
        dm_store_account_household(r->db, r->user->id, &hid);
    struct dr_threshold t = petition ? rules->head_dismissal : rules->initiative;
    json_t *j =
        json_pack("{s:I,s:I,s:I,s:b,s:i,s:b,s:b}", "consents", (json_int_t)valid, "households",
                  (json_int_t)households, "needed", (json_int_t)dr_needed(t, households), "obliges",
                  petition ? dr_dismissal_petition(rules, valid, households)
                           : dr_initiative_obliges(rules, valid, households),
                  "months", rules->consent_months, "can_consent", hid != 0, "petition", petition);
    json_object_set_new(j, "share",
                        json_string(arena_printf(r->a, "%d%%", 100 * t.p / (t.q ? t.q : 1))));
    json_object_set_new(m, "initiative", j);
    return 0;
}

/* ---- GET/POST /decisions/de-xuat: a household proposes ---- */

static const struct http_param_spec propose_params[] = {
    {"loai", HP_INT, 0, 1, 6},
    {"tieu_de", HP_TEXT, 0, 0, 300},
    {"cau_hoi", HP_LINES, 0, 0, 2000},
    {"noi_dung", HP_LINES, 0, 0, 20000},
};

static int propose_form(struct http_request *r, struct http_response *res, const char *why)
{
    if (!res->model)
        res->model = json_object();
    json_object_set_new(res->model, "form",
                        json_pack("{s:s,s:s,s:s}", "tieu_de", dm_param(r, "tieu_de"), "cau_hoi",
                                  dm_param(r, "cau_hoi"), "noi_dung", dm_param(r, "noi_dung")));
    json_t *matters = json_array();
    static const int allowed[] = {DM_M1, DM_M2, DM_M3, DM_M6};
    for (size_t i = 0; i < 4; i++)
        json_array_append_new(matters,
                              json_pack("{s:i,s:s,s:b}", "value", allowed[i], "label",
                                        dm_matter_label((enum dm_matter)allowed[i]), "selected",
                                        http_param_int(r, "loai", 6) == allowed[i]));
    json_object_set_new(res->model, "matters", matters);
    if (why)
        json_object_set_new(res->model, "blocked", json_string(why));
    res->template = "decision/propose";
    res->title = "Đề xuất nội dung để Nhân dân bàn và quyết định";
    return 0;
}

static int page_propose(struct http_request *r, struct http_response *res)
{
    int64_t hid = 0;
    dm_store_account_household(r->db, r->user->id, &hid);
    return propose_form(r, res,
                        hid ? NULL
                            : "Tài khoản của bạn chưa được trưởng thôn xác nhận là đại diện hộ "
                              "gia đình nên chưa đề xuất được.");
}

struct propose_job {
    struct dm_new in;
    int64_t hid;
    const char *today;
};

static int run_propose(struct db *db, void *arg)
{
    struct propose_job *j = arg;
    int rc = dm_store_create(db, &j->in);
    /* The proposing household consents first. */
    if (rc == 0)
        rc = dm_store_consent(db, j->in.actor, j->in.id, j->in.unit_id, j->hid, j->today, 0);
    return rc;
}

static int after_propose(struct http_request *r, struct http_response *res, int rc)
{
    struct propose_job *j = r->state;
    if (rc)
        return rc;
    res->redirect = arena_printf(r->a, "/decisions/%lld", (long long)j->in.id);
    res->flash = "Đã gửi đề xuất. Hãy mời các hộ gia đình khác cùng đồng thuận.";
    return 0;
}

static int post_propose(struct http_request *r, struct http_response *res)
{
    struct propose_job *j = arena_zalloc(r->a, sizeof *j);
    int64_t village;
    if (dm_store_account_household(r->db, r->user->id, &j->hid) != 0 || !j->hid ||
        dm_store_household_village(r->db, j->hid, &village) != 0) {
        res->status = 409;
        return page_propose(r, res);
    }
    const char *title = str_dup(r->a, str_trim(str_c(dm_param(r, "tieu_de"))));
    const char *question = str_dup(r->a, str_trim(str_c(dm_param(r, "cau_hoi"))));
    int matter = (int)http_param_int(r, "loai", DM_M6);
    if (!title[0] || !question[0] || matter == DM_M4 || matter == DM_M5) {
        res->model = json_object();
        http_form_error(res, "form",
                        "Vui lòng nhập nội dung đề xuất và câu hỏi đưa ra biểu quyết.");
        return propose_form(r, res, NULL);
    }
    char *today = arena_alloc(r->a, 11);
    date_format_iso(date_vn_from_time(time(NULL)), today);
    j->today = today;
    j->in = (struct dm_new){
        .actor = r->user->id,
        .unit_id = village,
        .matter = (enum dm_matter)matter,
        .title = title,
        .question = question,
        .body = str_dup(r->a, str_trim(str_c(dm_param(r, "noi_dung")))),
        .proposer = "initiative",
        .forms = 1u << DF_MEETING,
        .tabled_on = today,
    };
    r->state = j;
    http_defer_write(r, run_propose, j);
    return HTTP_DEFERRED;
}

/* ---- consenting: online by a household, on paper by the village head ---- */

struct consent_job {
    int64_t actor, id, village, *hids;
    size_t n, done, refused;
    const char *today, *back;
    int paper;
};

static int run_consent(struct db *db, void *arg)
{
    struct consent_job *j = arg;
    j->done = j->refused = 0;
    for (size_t i = 0; i < j->n; i++) {
        int rc = dm_store_consent(db, j->actor, j->id, j->village, j->hids[i], j->today, j->paper);
        if (rc == ERR_FORBIDDEN || rc == ERR_NOT_FOUND)
            j->refused++;
        else if (rc)
            return rc;
        else
            j->done++;
    }
    return 0;
}

static int after_consent(struct http_request *r, struct http_response *res, int rc)
{
    struct consent_job *j = r->state;
    if (rc)
        return rc;
    res->redirect = j->back;
    res->flash = j->paper ? arena_printf(r->a, "Đã ghi %zu hộ đồng thuận%s.", j->done,
                                         j->refused ? "; có hộ không thuộc thôn, không ghi" : "")
                 : j->done ? "Đã ghi nhận hộ gia đình của bạn đồng thuận với đề xuất."
                           : "Hộ gia đình của bạn không thuộc thôn của đề xuất này.";
    return 0;
}

static int consent_begin(struct http_request *r, struct dm_item *d, struct unit *v)
{
    int rc = dm_access(r, d, v, NULL);
    if (rc)
        return rc;
    if (strcmp(d->proposer, "initiative") != 0 || strcmp(d->status, "draft") != 0)
        return ERR_CONFLICT;
    return 0;
}

static int post_consent(struct http_request *r, struct http_response *res)
{
    struct dm_item d;
    struct unit v;
    int rc = consent_begin(r, &d, &v);
    if (rc)
        return rc;
    struct consent_job *j = arena_zalloc(r->a, sizeof *j);
    j->hids = arena_alloc(r->a, sizeof *j->hids);
    if (dm_store_account_household(r->db, r->user->id, &j->hids[0]) != 0 || !j->hids[0]) {
        res->model = json_object();
        http_form_error(res, "initiative",
                        "Tài khoản của bạn chưa được xác nhận là đại diện hộ gia đình.");
        return dm_result_page(r, res, &d, &v);
    }
    char *today = arena_alloc(r->a, 11);
    date_format_iso(date_vn_from_time(time(NULL)), today);
    *j = (struct consent_job){r->user->id,
                              d.id,
                              d.unit_id,
                              j->hids,
                              1,
                              0,
                              0,
                              today,
                              arena_printf(r->a, "/decisions/%lld", (long long)d.id),
                              0};
    r->state = j;
    http_defer_write(r, run_consent, j);
    return HTTP_DEFERRED;
}

static const struct http_param_spec paper_params[] = {
    {"ho", HP_INT, 0, 1, INT64_MAX},
    {"ngay", HP_DATE, 0, 0, 0},
};

static int post_paper(struct http_request *r, struct http_response *res)
{
    struct dm_item d;
    struct unit v;
    int rc = consent_begin(r, &d, &v);
    if (rc)
        return rc;
    if ((rc = http_authorize(r, "decision.manage", v.code)) != 0)
        return rc;
    struct consent_job *j = arena_zalloc(r->a, sizeof *j);
    j->hids = arena_alloc(r->a, (r->params.n_items + 1) * sizeof *j->hids);
    for (size_t i = 0; i < r->params.n_items; i++) {
        int64_t h;
        if (str_eq_c(r->params.items[i].name, "ho") &&
            parse_int64(str_trim(r->params.items[i].value), 1, INT64_MAX, &h) == 0)
            j->hids[j->n++] = h;
    }
    struct date day = date_vn_from_time(time(NULL));
    const char *ngay = http_param(r, "ngay");
    if (ngay && ngay[0] && date_parse(ngay, &day) != 0)
        return ERR_INVALID;
    char *iso = arena_alloc(r->a, 11);
    date_format_iso(day, iso);
    j->actor = r->user->id;
    j->id = d.id;
    j->village = d.unit_id;
    j->today = iso;
    j->paper = 1;
    j->back = arena_printf(r->a, "/decisions/%lld", (long long)d.id);
    r->state = j;
    http_defer_write(r, run_consent, j);
    return HTTP_DEFERRED;
}

#define N(x) (sizeof(x) / sizeof((x)[0]))

const struct http_route dm_initiative_routes[] = {
    {"GET", "/decisions/de-xuat", page_propose, NULL, NULL, NULL, HTTP_LOGIN, propose_params,
     N(propose_params), 0},
    {"POST", "/decisions/de-xuat", post_propose, after_propose, NULL, NULL, HTTP_LOGIN,
     propose_params, N(propose_params), 0},
    {"POST", "/decisions/{id}/dong-thuan", post_consent, after_consent, NULL, NULL, HTTP_LOGIN,
     NULL, 0, 0},
    {"POST", "/decisions/{id}/dong-thuan-giay", post_paper, after_consent, NULL, NULL, HTTP_LOGIN,
     paper_params, N(paper_params), 256 * 1024},
};
const size_t dm_initiative_n_routes = N(dm_initiative_routes);

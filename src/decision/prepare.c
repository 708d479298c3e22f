/*
 * prepare.c - what the law asks before households vote, recorded and checked (DOMAIN D4, D5,
 * D6): for M1-M3 decided at a meeting, the documents reach every household at least 2 days
 * before it; household ballots and online votes are run by a team of 3-5 led by the Ban công
 * tác Mặt trận (online: with a member who knows IT); the ballot plan reaches the Chairman and the
 * MTTQ within 2 days of being issued; notice at least 2 days before ballots are distributed.
 * The manage page shows each requirement as met, late or missing.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "decision/internal.h"

static int names_in(const char *lines)
{
    int n = 0, in = 0;
    for (const char *p = lines; p && *p; p++) {
        if (*p == '\n') {
            in = 0;
        } else if (*p != ' ' && *p != '\r' && !in) {
            n++;
            in = 1;
        }
    }
    return n;
}

/* One requirement for the page: its text and whether it is met. */
static void need(json_t *list, const char *text, int met, int applies)
{
    if (applies)
        json_array_append_new(list, json_pack("{s:s,s:b}", "text", text, "met", met));
}

int dm_prepare_model(struct http_request *r, const struct dm_item *d, json_t *m)
{
    const struct decision_env *env = dm_env(r);
    const struct dr_rules *rules = dm_rules_for(env, d);
    struct arena *a = r->a;
    int meeting = (d->forms & (1u << DF_MEETING)) != 0,
        ballot = (d->forms & (1u << DF_BALLOT)) != 0, online = (d->forms & (1u << DF_ONLINE)) != 0;
    json_t *list = json_array();
    struct date mt, dd, pi, ps, dist, notice;
    int has_meeting = d->meeting_on[0] && date_parse(d->meeting_on, &mt) == 0;
    if (meeting && d->matter <= DM_M3 && has_meeting) {
        struct date latest = dr_documents_latest(rules, mt);
        char l[11];
        date_format_vn(latest, l);
        int ok = d->documents_on[0] && date_parse(d->documents_on, &dd) == 0 &&
                 date_cmp(dd, latest) <= 0;
        need(list,
             arena_printf(a, "Tài liệu gửi đến từng hộ gia đình chậm nhất ngày %s%s", l,
                          d->documents_on[0]
                              ? arena_printf(a, " (đã gửi ngày %s)", dm_vn_iso(a, d->documents_on))
                              : ""),
             ok, 1);
    }
    int team = names_in(d->team);
    need(list,
         arena_printf(a,
                      "%s gồm %d–%d người, do đại diện Ban công tác Mặt trận làm tổ trưởng "
                      "(hiện có %d)",
                      online && !ballot ? "Tổ biểu quyết trực tuyến" : "Tổ phát phiếu",
                      rules->team_min, rules->team_max, team),
         dr_team_ok(rules, team), ballot || online);
    need(list, "Có thành viên am hiểu công nghệ thông tin", d->team_it[0] != '\0', online);
    if (ballot) {
        int ok = 0;
        const char *text = "Kế hoạch phát phiếu gửi Chủ tịch UBND và Ủy ban MTTQ trong 2 ngày";
        if (d->plan_issued_on[0] && date_parse(d->plan_issued_on, &pi) == 0) {
            struct date due;
            if (dr_plan_due(rules, env->cal, pi, &due) == 0) {
                char l[11];
                date_format_vn(due, l);
                text = arena_printf(a,
                                    "Kế hoạch ban hành ngày %s, gửi Chủ tịch UBND và Ủy ban "
                                    "MTTQ chậm nhất ngày %s%s",
                                    dm_vn_iso(a, d->plan_issued_on), l,
                                    d->plan_sent_on[0] ? arena_printf(a, " (đã gửi ngày %s)",
                                                                      dm_vn_iso(a, d->plan_sent_on))
                                                       : "");
                ok = d->plan_sent_on[0] && date_parse(d->plan_sent_on, &ps) == 0 &&
                     date_cmp(ps, due) <= 0;
            }
        }
        need(list, text, ok, 1);
        if (d->distribution_on[0] && date_parse(d->distribution_on, &dist) == 0 &&
            date_parse(d->notice_on, &notice) == 0) {
            struct date latest = dr_ballot_notice_latest(rules, dist);
            char l[11];
            date_format_vn(latest, l);
            need(list,
                 arena_printf(a,
                              "Thông báo trước ngày phát phiếu (%s) ít nhất %d ngày: chậm "
                              "nhất ngày %s",
                              dm_vn_iso(a, d->distribution_on), rules->ballot_notice_days, l),
                 date_cmp(notice, latest) <= 0, 1);
        }
    }
    json_object_set_new(m, "needs", list);
    json_object_set_new(m, "has_needs", json_boolean(json_array_size(list) > 0));
    json_object_set_new(m, "prep",
                        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:b}", "tai_lieu",
                                  dm_vn_iso(a, d->documents_on), "to", d->team, "cntt", d->team_it,
                                  "ke_hoach", dm_vn_iso(a, d->plan_issued_on), "gui_ke_hoach",
                                  dm_vn_iso(a, d->plan_sent_on), "phat_phieu",
                                  dm_vn_iso(a, d->distribution_on), "docs",
                                  meeting && d->matter <= DM_M3, "team", ballot || online));
    return 0;
}

/* ---- POST /quan-ly/bieu-quyet/{id}/chuan-bi ---- */

static const struct http_param_spec prep_params[] = {
    {"tai_lieu", HP_DATE, 0, 0, 0},     {"to", HP_LINES, 0, 0, 1000},
    {"cntt", HP_TEXT, 0, 0, 200},       {"ke_hoach", HP_DATE, 0, 0, 0},
    {"gui_ke_hoach", HP_DATE, 0, 0, 0}, {"phat_phieu", HP_DATE, 0, 0, 0},
};

struct prep_job {
    int64_t actor;
    struct dm_item d;
};

static int run_prep(struct db *db, void *arg)
{
    struct prep_job *j = arg;
    return dm_store_prepare(db, j->actor, &j->d);
}

static int after_prep(struct http_request *r, struct http_response *res, int rc)
{
    struct prep_job *j = r->state;
    return http_after_write(res, rc,
                            arena_printf(r->a, "/quan-ly/bieu-quyet/%lld", (long long)j->d.id),
                            "Đã ghi việc chuẩn bị.");
}

/* A date field as "yyyy-mm-dd", "" when empty; *bad when it does not parse. */
static const char *iso_param(struct http_request *r, const char *name, int *bad)
{
    const char *v = http_param(r, name);
    struct date d;
    if (!v || !v[0])
        return "";
    if (date_parse(v, &d) != 0) {
        *bad = 1;
        return "";
    }
    char *s = arena_alloc(r->a, 11);
    date_format_iso(d, s);
    return s;
}

static int post_prep(struct http_request *r, struct http_response *res)
{
    struct prep_job *j = arena_zalloc(r->a, sizeof *j);
    struct unit v;
    int manage, rc = dm_access(r, &j->d, &v, &manage);
    if (rc)
        return rc;
    if (!manage)
        return ERR_FORBIDDEN;
    int bad = 0;
    j->d.documents_on = iso_param(r, "tai_lieu", &bad);
    j->d.plan_issued_on = iso_param(r, "ke_hoach", &bad);
    j->d.plan_sent_on = iso_param(r, "gui_ke_hoach", &bad);
    j->d.distribution_on = iso_param(r, "phat_phieu", &bad);
    const char *team = http_param(r, "to"), *it = http_param(r, "cntt");
    j->d.team = str_dup(r->a, str_trim(str_c(team ? team : "")));
    j->d.team_it = str_dup(r->a, str_trim(str_c(it ? it : "")));
    const struct dr_rules *rules = dm_rules_for(dm_env(r), &j->d);
    const char *error = NULL;
    struct date a1, a2;
    if (bad)
        error = "Ngày phải viết dạng ngày/tháng/năm.";
    else if (strcmp(j->d.status, "notified") && strcmp(j->d.status, "voting"))
        error = "Chưa thông báo, hoặc đã có kết quả.";
    else if (j->d.team[0] && !dr_team_ok(rules, names_in(j->d.team)))
        error = arena_printf(r->a, "Tổ gồm từ %d đến %d người, mỗi người một dòng.",
                             rules->team_min, rules->team_max);
    else if (j->d.plan_sent_on[0] && !j->d.plan_issued_on[0])
        error = "Vui lòng nhập ngày ban hành kế hoạch.";
    else if (j->d.plan_sent_on[0] && date_parse(j->d.plan_sent_on, &a2) == 0 &&
             date_parse(j->d.plan_issued_on, &a1) == 0 && date_cmp(a2, a1) < 0)
        error = "Ngày gửi kế hoạch không thể trước ngày ban hành.";
    if (error) {
        res->model = json_object();
        http_form_error(res, "chuan_bi", error);
        res->status = 422;
        return dm_manage_page(r, res, &j->d, &v);
    }
    j->actor = r->user->id;
    r->state = j;
    http_defer_write(r, run_prep, j);
    return HTTP_DEFERRED;
}

#define N(x) (sizeof(x) / sizeof((x)[0]))

const struct http_route dm_prepare_routes[] = {
    {"POST", "/quan-ly/bieu-quyet/{id}/chuan-bi", post_prep, after_prep, NULL, NULL, HTTP_LOGIN,
     prep_params, N(prep_params), 0},
};
const size_t dm_prepare_n_routes = N(dm_prepare_routes);

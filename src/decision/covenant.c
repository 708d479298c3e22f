/*
 * covenant.c - village covenants (hương ước, quy ước; DOMAIN G, Decree 61/2023/NĐ-CP) end to
 * end, one page per covenant in the back office with a form for each step and its legal check:
 * proposed by the village head with the Ban công tác Mặt trận or by residents with at least 10%
 * of households consenting (Art 7); drafted by a team (Art 8); posted for comments at least 30
 * days (Art 9: the consultation module's draft is linked by its id, never read); adopted by an
 * M3 matter of this module decided at a meeting, completed by household ballots when the meeting
 * had too few households (Art 10); the dossier sent within 5 working days (Art 11(3)); recognised
 * by the UBND within 5 working days of a complete dossier, or refused in writing with reasons
 * (Art 11), in force from recognition; distributed within 2 working days at the community house
 * and at least one other channel (Arts 15, 18); reviewed yearly (Art 15(4)); suspended within 3
 * working days of a report with a deadline to fix (Art 12); annulled within 5 (Art 14); amended
 * by repeating the steps (Art 13). The UBND's decisions print as Decree 30 notices (Mẫu 01, 03,
 * 04, 05; DOMAIN notes their exact layouts are U). The public sees covenants once recognised,
 * and the commune's yearly statistics (Art 16).
 *
 * This file holds what the covenant's pages share (labels, who may do what, the deadlines, the
 * view-model) and the back office's pages: the list with a new covenant, and a covenant's page
 * with a form for each step. covenant.h lists the other files: the steps' writes, the
 * documents, the public pages, and the SQL (store_covenant.c). Writes go through the write queue
 * and each appends an audit row on object "covenant:<id>".
 */
#include <string.h>
#include <time.h>

#include "decision/covenant.h"

/* D61 Art 12 (suspension within 3 working days of a report) and Art 14 (annulment within 5):
 * DOMAIN G, V; the numbers are covenant_suspend_wd and covenant_annul_wd of
 * data/rules/decision.ini. */

/* ---- labels and small helpers ---- */

static const struct {
    const char *id, *label;
} statuses[] = {
    {"proposed", "Đã đề xuất"},
    {"drafting", "Đang soạn thảo"},
    {"consulting", "Đang lấy ý kiến Nhân dân"},
    {"adopted", "Đã được cộng đồng dân cư thông qua"},
    {"submitted", "Đã gửi hồ sơ đề nghị công nhận"},
    {"recognised", "Đã được công nhận, đang có hiệu lực"},
    {"refused", "Bị từ chối công nhận"},
    {"suspended", "Tạm ngừng thi hành"},
    {"annulled", "Đã bị bãi bỏ"},
    {"not_adopted", "Không được thông qua"},
};

static const char *status_label(const struct cv_item *c)
{
    if (!strcmp(c->status, "consulting") && c->decision_id)
        return "Đang biểu quyết thông qua";
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        if (!strcmp(c->status, statuses[i].id))
            return statuses[i].label;
    return "";
}

const char *cv_status_label_of(const char *status)
{
    struct cv_item c = {.status = status};
    return status_label(&c);
}

/* The channels of distribution (Arts 15(1), 18(1)(a)): the community house is required. */
const struct cv_choice cv_channels[] = {
    {"nha_van_hoa", "Niêm yết tại nhà văn hóa"},  {"loa", "Loa truyền thanh"},
    {"cong_thong_tin", "Cổng thông tin điện tử"}, {"mang_xa_hoi", "Mạng xã hội"},
    {"ban_in", "Bản in gửi các hộ gia đình"},
};
const size_t cv_n_channels = sizeof cv_channels / sizeof cv_channels[0];

static const struct {
    const char *code, *label;
} grounds[] = {
    {"unlawful", "Trái pháp luật hoặc trái đạo đức xã hội"},
    {"not_fixed", "Không khắc phục trong thời hạn tạm ngừng thi hành"},
    {"threshold", "Không được quá nửa tổng số hộ gia đình tán thành lại"},
};
#define N_GROUNDS (sizeof grounds / sizeof grounds[0])

const char *cv_ground_label(const char *code)
{
    for (size_t i = 0; i < N_GROUNDS; i++)
        if (!strcmp(code, grounds[i].code))
            return grounds[i].label;
    return "";
}

/* "Niêm yết tại nhà văn hóa; Loa truyền thanh" from "nha_van_hoa,loa". */
static const char *channels_text(struct arena *a, const char *codes)
{
    struct buf b;
    buf_init(&b, a);
    buf_puts(&b, "");
    for (size_t i = 0; i < cv_n_channels; i++) {
        size_t n = strlen(cv_channels[i].code);
        for (const char *p = codes; (p = strstr(p, cv_channels[i].code)) != NULL; p += n)
            if ((p == codes || p[-1] == ',') && (p[n] == ',' || !p[n])) {
                buf_printf(&b, "%s%s", b.len ? "; " : "", cv_channels[i].label);
                break;
            }
    }
    return b.ptr;
}

struct date cv_today(void)
{
    return date_vn_from_time(time(NULL));
}

static const char *param_or(struct http_request *r, const char *name, const char *def)
{
    const char *v = http_param(r, name);
    return v ? v : def;
}

const char cv_bad_date[] = "Ngày phải viết dạng ngày/tháng/năm, ví dụ 05/03/2027.";

/* A typed date: *out, 0; empty: def (0); else ERR_INVALID. */
int cv_typed_date(struct http_request *r, const char *name, struct date def, struct date *out)
{
    const char *s = dm_trimmed(r, name);
    if (!s[0]) {
        *out = def;
        return 0;
    }
    return date_parse(s, out);
}

/* The rule version in force on the day the covenant was proposed. */
const struct dr_rules *cv_rules(const struct decision_env *env, const struct cv_item *c)
{
    return dm_rules_on(env, c->proposed_on);
}

/* The commune above village v (or v itself when it has no parent). */
void cv_commune_of(struct http_request *r, const struct unit *v, struct unit *c)
{
    if (!v->parent_id || units_get_id(r->db, v->parent_id, c) != 0)
        *c = *v;
}

/* ---- the covenant of capture "id", with who may do what ---- */

int cv_load(struct http_request *r, struct cv_ctx *x)
{
    int64_t id;
    if (parse_int64(str_c(http_arg(r, "id")), 1, INT64_MAX, &id) != 0)
        return ERR_NOT_FOUND;
    int rc = cv_store_get(r->db, r->a, id, &x->c);
    if (rc == 0)
        rc = units_get_id(r->db, x->c.unit_id, &x->v);
    if (rc)
        return rc;
    x->manage = r->user && http_authorize(r, "decision.manage", x->v.code) == 0;
    x->recognise = r->user && http_authorize(r, "decision.recognise", x->v.code) == 0;
    return 0;
}

/* ---- the deadlines of a covenant (G) ---- */

/* due = event + n working days of unit wd (or the rule's function); late when done is after it,
 * or when done is "" and today is after it. */
static void due_of(struct arena *a, const struct calendar *cal, const char *event, int n,
                   const char *done, const char **due, int *late)
{
    struct date e, d, t = cv_today(), dn;
    *due = "";
    *late = 0;
    if (!event[0] || date_parse(event, &e) != 0 || deadline_add(cal, e, n, DAY_WORKING, &d) != 0)
        return;
    *due = dm_vn(a, d);
    if (done[0] && date_parse(done, &dn) == 0)
        *late = date_cmp(dn, d) > 0;
    else
        *late = date_cmp(t, d) > 0;
}

void cv_dues(struct http_request *r, const struct cv_item *c, struct cv_dues *o)
{
    const struct decision_env *env = dm_env(r);
    const struct dr_rules *rules = cv_rules(env, c);
    memset(o, 0, sizeof *o);
    o->adopt_from = "";
    struct date p;
    if (c->posted_on[0] && date_parse(c->posted_on, &p) == 0) {
        struct date from = dr_covenant_adopt_from(rules, p);
        o->adopt_from = dm_vn(r->a, from);
        o->adopt_ready = date_cmp(cv_today(), from) >= 0;
    }
    due_of(r->a, env->cal, c->adopted_on, rules->covenant_submit_wd, c->submitted_on,
           &o->submit_due, &o->submit_late);
    const char *decided = c->recognised_on[0] ? c->recognised_on : c->refused_on;
    due_of(r->a, env->cal, c->submitted_on, rules->covenant_recognise_wd, decided,
           &o->recognise_due, &o->recognise_late);
    due_of(r->a, env->cal, c->recognised_on, rules->covenant_distribute_wd, c->distributed_on,
           &o->distribute_due, &o->distribute_late);
    due_of(r->a, env->cal, c->reported_on, rules->covenant_suspend_wd, c->suspended_on,
           &o->suspend_due, &o->suspend_late);
    due_of(r->a, env->cal, c->ground_on, rules->covenant_annul_wd, c->annulled_on, &o->annul_due,
           &o->annul_late);
}

/* ---- the view-model shared by the back office and the public page ---- */

static void set_s(json_t *j, const char *k, const char *v)
{
    json_object_set_new(j, k, json_string(v ? v : ""));
}

/* Sets k only when v is not empty: the templates test such values as sections, and an empty
 * string is truthy in Mustache. */
static void set_opt(json_t *j, const char *k, const char *v)
{
    if (v && v[0])
        json_object_set_new(j, k, json_string(v));
}

static void set_b(json_t *j, const char *k, int v)
{
    json_object_set_new(j, k, json_boolean(v));
}

/* The drafting team's names, one a line, as a list. */
json_t *cv_lines_json(struct arena *a, const char *s)
{
    json_t *out = json_array();
    while (*s) {
        size_t len = strcspn(s, "\n");
        struct str w = str_trim((struct str){s, len});
        if (w.len)
            json_array_append_new(out, json_string(str_dup(a, w)));
        s += len;
        if (*s)
            s++;
    }
    return out;
}

json_t *cv_json(struct http_request *r, const struct cv_ctx *x, const struct cv_dues *du)
{
    const struct cv_item *c = &x->c;
    struct arena *a = r->a;
    struct unit commune;
    cv_commune_of(r, &x->v, &commune);
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer(c->id));
    set_s(j, "title", c->title);
    set_opt(j, "summary", c->summary);
    set_s(j, "status", c->status);
    set_s(j, "status_label", status_label(c));
    json_object_set_new(j, "village", json_pack("{s:s,s:s}", "code", x->v.code, "name", x->v.name));
    json_object_set_new(j, "commune",
                        json_pack("{s:s,s:s}", "code", commune.code, "name", commune.name));
    set_s(j, "admin_url", arena_printf(a, "/quan-ly/huong-uoc/%lld", (long long)c->id));
    set_s(j, "public_url", arena_printf(a, "/huong-uoc/%lld", (long long)c->id));
    set_b(j, "by_initiative", !strcmp(c->proposer, "initiative"));
    set_s(j, "proposer_label",
          !strcmp(c->proposer, "initiative")
              ? arena_printf(a, "Sáng kiến của Nhân dân (%lld hộ gia đình đồng thuận)",
                             (long long)c->consents)
              : arena_printf(a, "%s thống nhất với Ban công tác Mặt trận", dm_head_title(&x->v)));
    set_opt(j, "initiative_url",
            c->initiative_id ? arena_printf(a, "/decisions/%lld", (long long)c->initiative_id)
                             : "");
    set_s(j, "proposed_on", dm_vn_iso(a, c->proposed_on));
    set_opt(j, "amends_url",
            c->amends_id ? arena_printf(a, "/quan-ly/huong-uoc/%lld", (long long)c->amends_id)
                         : "");
    set_opt(j, "amends_public_url",
            c->amends_id ? arena_printf(a, "/huong-uoc/%lld", (long long)c->amends_id) : "");
    set_s(j, "drafting_team", c->drafting_team);
    json_t *team = cv_lines_json(a, c->drafting_team);
    set_b(j, "has_team", json_array_size(team) > 0);
    json_object_set_new(j, "team", team);
    set_s(j, "consultation_id",
          c->consultation_id ? arena_printf(a, "%lld", (long long)c->consultation_id) : "");
    set_opt(j, "consultation_url",
            c->consultation_id
                ? arena_printf(a, "/gop-y/du-thao/%lld", (long long)c->consultation_id)
                : "");
    set_opt(j, "posted_on", dm_vn_iso(a, c->posted_on));
    set_s(j, "adopt_from", du->adopt_from);
    set_b(j, "adopt_ready", du->adopt_ready);
    set_opt(j, "decision_url",
            c->decision_id ? arena_printf(a, "/decisions/%lld", (long long)c->decision_id) : "");
    set_opt(j, "adopted_on", dm_vn_iso(a, c->adopted_on));
    set_opt(j, "submitted_on", dm_vn_iso(a, c->submitted_on));
    set_opt(j, "submit_due", du->submit_due);
    set_b(j, "submit_late", du->submit_late);
    set_opt(j, "recognised_on", dm_vn_iso(a, c->recognised_on));
    set_opt(j, "refused_on", dm_vn_iso(a, c->refused_on));
    set_s(j, "refused_reasons", c->refused_reasons);
    set_opt(j, "recognise_due", du->recognise_due);
    set_b(j, "recognise_late", du->recognise_late);
    set_opt(j, "distributed_on", dm_vn_iso(a, c->distributed_on));
    set_s(j, "channels", channels_text(a, c->channels));
    set_opt(j, "distribute_due", du->distribute_due);
    set_b(j, "distribute_late", du->distribute_late);
    set_s(j, "reported_on", dm_vn_iso(a, c->reported_on));
    set_opt(j, "suspended_on", dm_vn_iso(a, c->suspended_on));
    set_s(j, "scope_label",
          !strcmp(c->scope, "partial") ? "Tạm ngừng thi hành một phần"
          : c->scope[0]                ? "Tạm ngừng thi hành toàn bộ"
                                       : "");
    set_opt(j, "suspension_parts", c->parts);
    set_s(j, "suspension_reason", c->suspension_reason);
    set_s(j, "fix_by", dm_vn_iso(a, c->fix_by));
    set_s(j, "suspend_due", du->suspend_due);
    set_b(j, "suspend_late", du->suspend_late);
    set_opt(j, "annulled_on", dm_vn_iso(a, c->annulled_on));
    set_s(j, "annul_ground", cv_ground_label(c->ground));
    set_s(j, "annul_ground_on", dm_vn_iso(a, c->ground_on));
    set_s(j, "annul_reason", c->annul_reason);
    set_s(j, "annul_due", du->annul_due);
    set_b(j, "annul_late", du->annul_late);
    set_b(j, "in_force", !strcmp(c->status, "recognised"));
    set_b(j, "suspended", !strcmp(c->status, "suspended"));
    set_b(j, "annulled", !strcmp(c->status, "annulled"));
    return j;
}

/* The yearly reviews, and the next review day (Art 15(4): 18/11 unless agreed otherwise). */
int cv_reviews_model(struct http_request *r, const struct cv_item *c, json_t *m,
                     int *reviewed_this_year)
{
    struct rows *t;
    int rc = cv_store_reviews(r->db, r->a, c->id, &t);
    if (rc)
        return rc;
    struct date now = cv_today();
    *reviewed_this_year = 0;
    json_t *list = json_array();
    for (size_t i = 0; i < t->n_rows; i++) {
        int64_t y = rows_at(t, i, 0)->i;
        *reviewed_this_year |= y == now.y;
        json_array_append_new(list, json_pack("{s:I,s:s,s:s}", "year", (json_int_t)y, "reviewed_on",
                                              dm_vn_iso(r->a, rows_text(rows_at(t, i, 1))),
                                              "report", rows_text(rows_at(t, i, 2))));
    }
    json_object_set_new(m, "reviews", list);
    set_b(m, "has_reviews", t->n_rows > 0);
    const struct dr_rules *rules = cv_rules(dm_env(r), c);
    int live = !strcmp(c->status, "recognised") || !strcmp(c->status, "suspended");
    if (live) {
        struct date rec, next = dr_covenant_review(rules, now.y);
        if (*reviewed_this_year ||
            (date_parse(c->recognised_on, &rec) == 0 && date_cmp(rec, next) > 0))
            next = dr_covenant_review(rules, now.y + 1);
        json_object_set_new(m, "next_review",
                            json_pack("{s:s,s:i,s:b}", "day", dm_vn(r->a, next), "year", next.y,
                                      "late", date_cmp(now, next) > 0));
    }
    return 0;
}

int cv_amendments_model(struct http_request *r, const struct cv_item *c, json_t *m, int public)
{
    struct rows *t;
    int rc = cv_store_amendments(r->db, r->a, c->id, &t);
    if (rc)
        return rc;
    json_t *list = json_array();
    for (size_t i = 0; i < t->n_rows; i++) {
        const char *st = rows_text(rows_at(t, i, 2));
        if (public && strcmp(st, "recognised") && strcmp(st, "suspended") && strcmp(st, "annulled"))
            continue;
        json_t *e =
            json_pack("{s:s,s:s,s:s}", "title", rows_text(rows_at(t, i, 1)), "url",
                      arena_printf(r->a, public ? "/huong-uoc/%lld" : "/quan-ly/huong-uoc/%lld",
                                   (long long)rows_at(t, i, 0)->i),
                      "status_label", cv_status_label_of(st));
        set_opt(e, "recognised_on", dm_vn_iso(r->a, rows_text(rows_at(t, i, 3))));
        json_array_append_new(list, e);
    }
    set_b(m, "has_amendments", json_array_size(list) > 0);
    json_object_set_new(m, "amendments", list);
    return 0;
}

/* ---- the back office page: GET /quan-ly/huong-uoc/{id} ---- */

/* Every field of every step's form, as typed (on a refused step) or as stored. */
static json_t *form_json(struct http_request *r, const struct cv_item *c)
{
    struct arena *a = r->a;
    const char *fields[][2] = {
        {"to_soan_thao", c->drafting_team},
        {"ma_gop_y",
         c->consultation_id ? arena_printf(a, "%lld", (long long)c->consultation_id) : ""},
        {"ngay_niem_yet", dm_vn_iso(a, c->posted_on)},
        {"ngay_ho_so", ""},
        {"ngay_cong_nhan", ""},
        {"ly_do_tu_choi", ""},
        {"ngay_phan_phat", ""},
        {"nam", arena_printf(a, "%d", cv_today().y)},
        {"ngay_ra_soat", ""},
        {"bao_cao", ""},
        {"ngay_bao_cao", ""},
        {"ngay_tam_ngung", ""},
        {"noi_dung_tam_ngung", ""},
        {"ly_do_tam_ngung", ""},
        {"han_khac_phuc", ""},
        {"ngay_can_cu", ""},
        {"ngay_bai_bo", ""},
        {"ly_do_bai_bo", ""},
        {"tieu_de", arena_printf(a, "Sửa đổi, bổ sung %s", c->title)},
    };
    json_t *f = json_object();
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        set_s(f, fields[i][0], param_or(r, fields[i][0], fields[i][1]));
    return f;
}

/* 1 when the request carries value among its (repeated) parameter name. */
int cv_has_value(struct http_request *r, const char *name, const char *value)
{
    for (size_t i = 0; i < r->params.n_items; i++)
        if (str_eq_c(r->params.items[i].name, name) &&
            str_eq_c(str_trim(r->params.items[i].value), value))
            return 1;
    return 0;
}

int cv_manage_page(struct http_request *r, struct http_response *res, const struct cv_ctx *x)
{
    const struct cv_item *c = &x->c;
    const struct decision_env *env = dm_env(r);
    const struct dr_rules *rules = cv_rules(env, c);
    struct cv_dues du;
    cv_dues(r, c, &du);
    if (!res->model)
        res->model = json_object();
    json_t *m = res->model;
    json_object_set_new(m, "c", cv_json(r, x, &du));
    int reviewed;
    int rc = cv_reviews_model(r, c, m, &reviewed);
    if (rc == 0)
        rc = cv_amendments_model(r, c, m, 0);
    if (rc)
        return rc;
    const char *s = c->status;
    int open = !strcmp(s, "proposed") || !strcmp(s, "drafting") || !strcmp(s, "consulting");
    int live = !strcmp(s, "recognised") || !strcmp(s, "suspended");
    set_b(m, "can_manage", x->manage);
    set_b(m, "can_recognise", x->recognise);
    set_b(m, "show_team", x->manage && open && !c->decision_id);
    set_b(m, "show_post",
          x->manage && !c->decision_id && (!strcmp(s, "drafting") || !strcmp(s, "consulting")));
    set_b(m, "show_vote", x->manage && !strcmp(s, "consulting") && !c->decision_id);
    set_b(m, "show_submit", x->manage && !strcmp(s, "adopted"));
    set_b(m, "show_recognise", x->recognise && !strcmp(s, "submitted"));
    set_b(m, "show_distribute", x->recognise && !strcmp(s, "recognised") && !c->distributed_on[0]);
    set_b(m, "show_review", (x->manage || x->recognise) && live && !reviewed);
    set_b(m, "show_suspend", x->recognise && !strcmp(s, "recognised"));
    set_b(m, "show_annul", x->recognise && live);
    set_b(m, "show_amend", x->manage && live);
    /* The adoption vote, once started: its state, the meeting's quorum (Art 10). */
    set_b(m, "show_adopt", 0);
    if (c->decision_id) {
        struct dm_item d;
        int64_t meeting = 0, ballot = 0, online = 0;
        if ((rc = dm_store_get(r->db, r->a, c->decision_id, &d)) != 0 ||
            (rc = dm_store_turnout(r->db, d.id, &meeting, &ballot, &online)) != 0)
            return rc;
        int counted = !strcmp(d.status, "counted");
        int notified = d.households_total > 0;
        int quorum = dr_covenant_quorum(rules, meeting, d.households_total);
        json_t *v = json_object();
        set_s(v, "admin_url", arena_printf(r->a, "/quan-ly/bieu-quyet/%lld", (long long)d.id));
        set_s(v, "url", arena_printf(r->a, "/decisions/%lld", (long long)d.id));
        set_s(v, "status_label", dm_status_label(d.status));
        set_b(v, "counted", counted);
        set_b(v, "passed", counted && d.passed);
        set_b(v, "notified", notified);
        json_object_set_new(v, "total", json_integer(d.households_total));
        json_object_set_new(v, "present", json_integer(meeting));
        json_object_set_new(v, "ballots", json_integer(ballot));
        set_b(v, "has_ballots", ballot > 0);
        json_object_set_new(v, "approve", json_integer(d.approve));
        json_object_set_new(v, "quorum_needed",
                            json_integer(dr_needed(rules->covenant_quorum, d.households_total)));
        set_b(v, "show_quorum", notified && (meeting > 0 || counted));
        set_b(v, "quorum", quorum);
        set_b(v, "ballots_needed", notified && meeting > 0 && !counted && !quorum);
        set_b(v, "completed_by_ballots", counted && !quorum && ballot > 0);
        json_object_set_new(m, "vote", v);
        set_b(m, "show_adopt", x->manage && !strcmp(s, "consulting") && counted);
    }
    /* Channels of distribution, ticked as typed (the community house by default). */
    int typed = http_param(r, "kenh") != NULL || http_param(r, "ngay_phan_phat") != NULL;
    json_t *chs = json_array();
    for (size_t i = 0; i < cv_n_channels; i++)
        json_array_append_new(
            chs, json_pack("{s:s,s:s,s:b,s:b}", "code", cv_channels[i].code, "label",
                           cv_channels[i].label, "checked",
                           typed ? cv_has_value(r, "kenh", cv_channels[i].code) : i == 0,
                           "required", i == 0));
    json_object_set_new(m, "channels", chs);
    json_t *gr = json_array();
    for (size_t i = 0; i < N_GROUNDS; i++)
        json_array_append_new(gr, json_pack("{s:s,s:s,s:b}", "code", grounds[i].code, "label",
                                            grounds[i].label, "checked",
                                            cv_has_value(r, "can_cu", grounds[i].code)));
    json_object_set_new(m, "grounds", gr);
    set_b(m, "partial_checked", cv_has_value(r, "pham_vi", "partial"));
    set_b(m, "refuse_checked", cv_has_value(r, "ket_qua", "refused"));
    json_object_set_new(m, "form", form_json(r, c));
    json_object_set_new(m, "rules",
                        json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:s}", "post_days",
                                  rules->covenant_post_days, "submit_wd", rules->covenant_submit_wd,
                                  "recognise_wd", rules->covenant_recognise_wd, "distribute_wd",
                                  rules->covenant_distribute_wd, "suspend_wd",
                                  rules->covenant_suspend_wd, "annul_wd", rules->covenant_annul_wd,
                                  "review_day",
                                  arena_printf(r->a, "%02d/%02d", rules->covenant_review_day,
                                               rules->covenant_review_month)));
    /* The documents that exist so far. */
    json_t *docs = json_array();
    const char *base = arena_printf(r->a, "/quan-ly/huong-uoc/%lld/van-ban", (long long)c->id);
    if (c->adopted_on[0])
        json_array_append_new(docs,
                              json_pack("{s:s,s:s}", "label", "Tờ trình đề nghị công nhận (Mẫu 01)",
                                        "url", arena_printf(r->a, "%s/mau-01.pdf", base)));
    if (c->recognised_on[0])
        json_array_append_new(docs, json_pack("{s:s,s:s}", "label", "Quyết định công nhận (Mẫu 03)",
                                              "url", arena_printf(r->a, "%s/mau-03.pdf", base)));
    if (c->suspended_on[0])
        json_array_append_new(docs, json_pack("{s:s,s:s}", "label",
                                              "Quyết định tạm ngừng thi hành (Mẫu 04)", "url",
                                              arena_printf(r->a, "%s/mau-04.pdf", base)));
    if (c->annulled_on[0])
        json_array_append_new(docs, json_pack("{s:s,s:s}", "label", "Quyết định bãi bỏ (Mẫu 05)",
                                              "url", arena_printf(r->a, "%s/mau-05.pdf", base)));
    set_b(m, "has_docs", json_array_size(docs) > 0);
    json_object_set_new(m, "docs", docs);
    res->template = "decision/covenant";
    res->title = c->title;
    return 0;
}

static int page_manage(struct http_request *r, struct http_response *res)
{
    struct cv_ctx x;
    int rc = cv_load(r, &x);
    if (rc)
        return rc;
    if (!x.manage && !x.recognise)
        return ERR_FORBIDDEN;
    return cv_manage_page(r, res, &x);
}

/* ---- GET /quan-ly/huong-uoc?don_vi=CODE: the list and a new covenant ---- */

static const struct http_param_spec index_params[] = {
    {"don_vi", HP_TEXT, 0, 0, 32},
};

int cv_list_rows(struct http_request *r, int64_t unit, int public, struct rows **out)
{
    int rc = cv_store_list(r->db, r->a, unit, public, out);
    if (rc)
        return rc;
    struct rows *t = *out;
    size_t sl = rows_add_col(t, "status_label"), url = rows_add_col(t, "url"),
           rec = rows_add_col(t, "recognised");
    for (size_t i = 0; i < t->n_rows; i++) {
        rows_set_text(rows_at(t, i, sl), cv_status_label_of(rows_text(rows_at(t, i, 2))));
        rows_set_text(rows_at(t, i, url),
                      arena_printf(r->a, public ? "/huong-uoc/%lld" : "/quan-ly/huong-uoc/%lld",
                                   (long long)rows_at(t, i, 0)->i));
        rows_set_text(rows_at(t, i, rec), dm_vn_iso(r->a, rows_text(rows_at(t, i, 7))));
    }
    return 0;
}

static int index_page(struct http_request *r, struct http_response *res, const struct unit *u)
{
    struct rows *t;
    int rc = cv_list_rows(r, u->id, 0, &t);
    if (rc)
        return rc;
    if (!res->model)
        res->model = json_object();
    json_t *m = res->model;
    http_model_rows(res, "items", t);
    json_object_set_new(m, "unit", json_pack("{s:s,s:s}", "code", u->code, "name", u->name));
    json_t *villages = json_array();
    if (units_kind_is_commune(u->kind)) {
        struct unit *vs;
        size_t n;
        if ((rc = units_villages_of(r->db, r->a, u->id, &vs, &n)) != 0)
            return rc;
        for (size_t i = 0; i < n; i++)
            json_array_append_new(villages,
                                  json_pack("{s:s,s:s}", "code", vs[i].code, "name", vs[i].name));
    } else {
        json_array_append_new(villages, json_pack("{s:s,s:s}", "code", u->code, "name", u->name));
    }
    json_object_set_new(m, "villages", villages);
    if (!json_object_get(m, "form")) {
        json_t *f = json_object();
        static const char *const fields[] = {"tieu_de",          "tom_tat",      "sang_kien",
                                             "so_ho_dong_thuan", "ngay_de_xuat", "sua_doi"};
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
            set_s(f, fields[i], param_or(r, fields[i], ""));
        json_object_set_new(m, "form", f);
    }
    set_b(m, "initiative_checked", !strcmp(param_or(r, "de_xuat", ""), "initiative"));
    set_b(m, "ban_ctmt_checked", param_or(r, "ban_ctmt", "")[0] != '\0');
    res->template = "decision/covenant_list";
    res->title = arena_printf(r->a, "Hương ước, quy ước – %s", u->name);
    return 0;
}

static int page_index(struct http_request *r, struct http_response *res)
{
    const struct auth_user *au = r->user->ext;
    struct unit u;
    const char *code = http_param(r, "don_vi");
    int rc = code && code[0] ? units_get(r->db, code, &u)
             : au->unit_id   ? units_get_id(r->db, au->unit_id, &u)
                             : ERR_NOT_FOUND;
    if (rc)
        return rc;
    if (http_authorize(r, "decision.manage", u.code) != 0 &&
        http_authorize(r, "decision.recognise", u.code) != 0)
        return ERR_FORBIDDEN;
    return index_page(r, res, &u);
}

/* ---- POST /quan-ly/huong-uoc: proposed (Art 7), or an amendment (Art 13) ---- */

static const struct http_param_spec new_params[] = {
    {"don_vi", HP_TEXT, 1, 1, 32},          {"tieu_de", HP_TEXT, 0, 0, 250},
    {"tom_tat", HP_LINES, 0, 0, 5000},      {"de_xuat", HP_TEXT, 0, 0, 12},
    {"ban_ctmt", HP_TEXT, 0, 0, 2},         {"sang_kien", HP_TEXT, 0, 0, 20},
    {"so_ho_dong_thuan", HP_TEXT, 0, 0, 9}, {"ngay_de_xuat", HP_TEXT, 0, 0, 10},
    {"sua_doi", HP_TEXT, 0, 0, 20},
};

static int run_new(struct db *db, void *arg)
{
    return cv_store_create(db, arg);
}

static int after_new(struct http_request *r, struct http_response *res, int rc)
{
    struct cv_new *j = r->state;
    if (rc)
        return rc;
    res->redirect = arena_printf(r->a, "/quan-ly/huong-uoc/%lld", (long long)j->id);
    res->flash = j->amends_id ? "Đã đề xuất sửa đổi, bổ sung hương ước: thực hiện lại các bước "
                                "soạn thảo, lấy ý kiến, thông qua và công nhận (Điều 13)."
                              : "Đã ghi đề xuất xây dựng hương ước.";
    return 0;
}

/* The earliest day a consent may have been given and still be valid on day t (D2). */
static struct date consent_valid_from(const struct dr_rules *rules, struct date t)
{
    struct date d = date_add_days(t, -(31 * rules->consent_months + 31));
    while (date_cmp(dr_consent_expires(rules, d), t) < 0)
        d = date_add_days(d, 1);
    return d;
}

static int new_error(struct http_request *r, struct http_response *res, const struct unit *u,
                     const char *message)
{
    if (!res->model)
        res->model = json_object();
    http_form_error(res, "form", message);
    return index_page(r, res, u);
}

static int post_new(struct http_request *r, struct http_response *res)
{
    struct unit v;
    int rc = units_get(r->db, dm_trimmed(r, "don_vi"), &v);
    if (rc)
        return rc;
    if ((rc = http_authorize(r, "decision.manage", v.code)) != 0)
        return rc;
    if (strcmp(v.kind, "village") != 0 && strcmp(v.kind, "residential_group") != 0)
        return new_error(r, res, &v, "Chọn thôn, tổ dân phố của hương ước.");
    struct cv_new *j = arena_zalloc(r->a, sizeof *j);
    const struct decision_env *env = dm_env(r);
    struct date on;
    if (cv_typed_date(r, "ngay_de_xuat", cv_today(), &on) != 0)
        return new_error(r, res, &v, cv_bad_date);
    if (date_cmp(on, cv_today()) > 0)
        return new_error(r, res, &v, "Ngày đề xuất không được sau hôm nay.");
    const struct dr_rules *rules = dm_rules_day(env, on);
    j->actor = r->user->id;
    j->unit_id = v.id;
    j->title = dm_trimmed(r, "tieu_de");
    j->summary = dm_trimmed(r, "tom_tat");
    j->proposed_on = dm_iso(r->a, on);
    j->proposer = !strcmp(dm_trimmed(r, "de_xuat"), "initiative") ? "initiative" : "head";
    if (!j->title[0])
        return new_error(r, res, &v, "Vui lòng nhập tên hương ước, quy ước.");
    const char *amends = dm_trimmed(r, "sua_doi");
    if (amends[0]) {
        struct cv_item old;
        if (parse_int64(str_c(amends), 1, INT64_MAX, &j->amends_id) != 0 ||
            cv_store_get(r->db, r->a, j->amends_id, &old) != 0 || old.unit_id != v.id ||
            (strcmp(old.status, "recognised") && strcmp(old.status, "suspended")))
            return new_error(r, res, &v,
                             "Chỉ sửa đổi, bổ sung hương ước đã được công nhận của thôn này.");
    }
    if (!strcmp(j->proposer, "head")) {
        if (!dm_trimmed(r, "ban_ctmt")[0])
            return new_error(r, res, &v,
                             "Trưởng thôn đề xuất sau khi thống nhất với Ban công tác Mặt trận "
                             "(Điều 7 Nghị định 61/2023/NĐ-CP): đánh dấu đã thống nhất.");
    } else {
        /* A citizen initiative: the consents of the linked initiative still valid today, or the
         * count of paper consents typed; either must reach 10% of households (D2). */
        char from[11];
        date_format_iso(consent_valid_from(rules, cv_today()), from);
        const char *link = dm_trimmed(r, "sang_kien"), *typed = dm_trimmed(r, "so_ho_dong_thuan");
        int64_t valid = 0, households = 0;
        if (link[0]) {
            struct dm_item d;
            if (parse_int64(str_c(link), 1, INT64_MAX, &j->initiative_id) != 0 ||
                dm_store_get(r->db, r->a, j->initiative_id, &d) != 0 || d.unit_id != v.id ||
                strcmp(d.proposer, "initiative") != 0)
                return new_error(r, res, &v,
                                 "Mã sáng kiến không đúng: chọn một sáng kiến của Nhân dân thuộc "
                                 "thôn này (mục Bàn và quyết định).");
            if ((rc = dm_store_consents(r->db, d.id, v.id, from, &valid, &households)) != 0)
                return rc;
        } else {
            if (parse_int64(str_c(typed), 0, 1000000, &valid) != 0)
                return new_error(r, res, &v,
                                 "Sáng kiến của Nhân dân: nhập mã sáng kiến, hoặc số hộ gia đình "
                                 "đã đồng thuận trên giấy.");
            if ((rc = dm_store_consents(r->db, 0, v.id, from, &(int64_t){0}, &households)) != 0)
                return rc;
        }
        if (!dr_initiative_obliges(rules, valid, households))
            return new_error(
                r, res, &v,
                arena_printf(r->a,
                             "Sáng kiến cần ít nhất %lld trên %lld hộ gia đình đồng thuận (10%%, "
                             "Điều 7 Nghị định 61/2023/NĐ-CP); hiện có %lld hộ.",
                             (long long)dr_needed(rules->initiative, households),
                             (long long)households, (long long)valid));
        j->consents = valid;
    }
    r->state = j;
    http_defer_write(r, run_new, j);
    return HTTP_DEFERRED;
}

#define N(x) (sizeof(x) / sizeof((x)[0]))

const struct http_route dm_covenant_routes[] = {
    {"GET", "/quan-ly/huong-uoc", page_index, NULL, NULL, NULL, HTTP_LOGIN, index_params,
     N(index_params), 0},
    {"POST", "/quan-ly/huong-uoc", post_new, after_new, NULL, NULL, HTTP_LOGIN, new_params,
     N(new_params), 0},
    {"GET", "/quan-ly/huong-uoc/{id}", page_manage, NULL, NULL, NULL, HTTP_LOGIN, NULL, 0, 0},
};
const size_t dm_covenant_n_routes = N(dm_covenant_routes);

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
 * Its SQL is in store_covenant.c (covenant.h; migration 0028), apart from the adoption vote's
 * in store.c. Writes go through the write queue and each appends an audit row on object
 * "covenant:<id>".
 */
#include <string.h>
#include <time.h>

#include <utf8proc.h>

#include "decision/covenant.h"
#include "export/export.h"

/* D61 Art 12 (suspension within 3 working days of a report) and Art 14 (annulment within 5):
 * DOMAIN G, V. rules.h has no keys for them yet; named here until data/rules/decision.ini
 * carries them. */

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

static const char *status_label_of(const char *status)
{
    struct cv_item c = {.status = status};
    return status_label(&c);
}

/* The channels of distribution (Arts 15(1), 18(1)(a)): the community house is required. */
static const struct {
    const char *code, *label;
} channels[] = {
    {"nha_van_hoa", "Niêm yết tại nhà văn hóa"},  {"loa", "Loa truyền thanh"},
    {"cong_thong_tin", "Cổng thông tin điện tử"}, {"mang_xa_hoi", "Mạng xã hội"},
    {"ban_in", "Bản in gửi các hộ gia đình"},
};
#define N_CHANNELS (sizeof channels / sizeof channels[0])

static const struct {
    const char *code, *label;
} grounds[] = {
    {"unlawful", "Trái pháp luật hoặc trái đạo đức xã hội"},
    {"not_fixed", "Không khắc phục trong thời hạn tạm ngừng thi hành"},
    {"threshold", "Không được quá nửa tổng số hộ gia đình tán thành lại"},
};
#define N_GROUNDS (sizeof grounds / sizeof grounds[0])

static const char *ground_label(const char *code)
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
    for (size_t i = 0; i < N_CHANNELS; i++) {
        size_t n = strlen(channels[i].code);
        for (const char *p = codes; (p = strstr(p, channels[i].code)) != NULL; p += n)
            if ((p == codes || p[-1] == ',') && (p[n] == ',' || !p[n])) {
                buf_printf(&b, "%s%s", b.len ? "; " : "", channels[i].label);
                break;
            }
    }
    return b.ptr;
}

static struct date today(void)
{
    return date_vn_from_time(time(NULL));
}

static const char *param_or(struct http_request *r, const char *name, const char *def)
{
    const char *v = http_param(r, name);
    return v ? v : def;
}

/* A typed date: *out, 0; empty: def (0); else ERR_INVALID. */
static int typed_date(struct http_request *r, const char *name, struct date def, struct date *out)
{
    const char *s = dm_trimmed(r, name);
    if (!s[0]) {
        *out = def;
        return 0;
    }
    return date_parse(s, out);
}

/* The rule version in force on the day the covenant was proposed. */
static const struct dr_rules *cv_rules(const struct decision_env *env, const struct cv_item *c)
{
    struct date t;
    const struct dr_rules *r = NULL;
    if (date_parse(c->proposed_on, &t) == 0)
        r = dr_rules_at(env->rules, t);
    return r ? r : &env->rules->versions[0];
}

/* s in capitals, Vietnamese letters included (arena). */
static const char *upper(struct arena *a, const char *s)
{
    struct buf b;
    buf_init(&b, a);
    buf_puts(&b, "");
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(s);
    while (left > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, left, &cp);
        if (k <= 0)
            break;
        utf8proc_uint8_t out[4];
        buf_append(&b, out, (size_t)utf8proc_encode_char(utf8proc_toupper(cp), out));
        p += k;
        left -= k;
    }
    return b.ptr;
}

/* The commune above village v (or v itself when it has no parent). */
static void commune_of(struct http_request *r, const struct unit *v, struct unit *c)
{
    if (!v->parent_id || units_get_id(r->db, v->parent_id, c) != 0)
        *c = *v;
}

/* ---- the covenant of capture "id", with who may do what ---- */

struct cv_ctx {
    struct cv_item c; /* the covenant */
    struct unit v;    /* its village */
    int manage;       /* decision.manage on the village: the village's steps */
    int recognise;    /* decision.recognise: the UBND's steps */
};

static int cv_load(struct http_request *r, struct cv_ctx *x)
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

struct cv_dues {
    const char *adopt_from;     /* the earliest adoption day (posted + 30 days, A7) */
    int adopt_ready;            /* today is on or after it */
    const char *submit_due;     /* dossier: adoption + 5 wd */
    int submit_late;            /* sent after it, or not sent and today is after it */
    const char *recognise_due;  /* recognition: dossier + 5 wd */
    int recognise_late;         /* as above */
    const char *distribute_due; /* distribution: recognition + 2 wd */
    int distribute_late;        /* as above */
    const char *suspend_due;    /* suspension: report + 3 wd */
    int suspend_late;           /* suspended after it */
    const char *annul_due;      /* annulment: its ground + 5 wd */
    int annul_late;             /* annulled after it */
};

/* due = event + n working days of unit wd (or the rule's function); late when done is after it,
 * or when done is "" and today is after it. */
static void due_of(struct arena *a, const struct calendar *cal, const char *event, int n,
                   const char *done, const char **due, int *late)
{
    struct date e, d, t = today(), dn;
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

static void cv_dues(struct http_request *r, const struct cv_item *c, struct cv_dues *o)
{
    const struct decision_env *env = dm_env(r);
    const struct dr_rules *rules = cv_rules(env, c);
    memset(o, 0, sizeof *o);
    o->adopt_from = "";
    struct date p;
    if (c->posted_on[0] && date_parse(c->posted_on, &p) == 0) {
        struct date from = dr_covenant_adopt_from(rules, p);
        o->adopt_from = dm_vn(r->a, from);
        o->adopt_ready = date_cmp(today(), from) >= 0;
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
static json_t *lines_json(struct arena *a, const char *s)
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

static json_t *cv_json(struct http_request *r, const struct cv_ctx *x, const struct cv_dues *du)
{
    const struct cv_item *c = &x->c;
    struct arena *a = r->a;
    struct unit commune;
    commune_of(r, &x->v, &commune);
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
    json_t *team = lines_json(a, c->drafting_team);
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
    set_s(j, "annul_ground", ground_label(c->ground));
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
static int reviews_model(struct http_request *r, const struct cv_item *c, json_t *m,
                         int *reviewed_this_year)
{
    struct rows *t;
    int rc = cv_store_reviews(r->db, r->a, c->id, &t);
    if (rc)
        return rc;
    struct date now = today();
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

static int amendments_model(struct http_request *r, const struct cv_item *c, json_t *m, int public)
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
                      "status_label", status_label_of(st));
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
        {"nam", arena_printf(a, "%d", today().y)},
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
static int has_value(struct http_request *r, const char *name, const char *value)
{
    for (size_t i = 0; i < r->params.n_items; i++)
        if (str_eq_c(r->params.items[i].name, name) &&
            str_eq_c(str_trim(r->params.items[i].value), value))
            return 1;
    return 0;
}

static int manage_page(struct http_request *r, struct http_response *res, const struct cv_ctx *x)
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
    int rc = reviews_model(r, c, m, &reviewed);
    if (rc == 0)
        rc = amendments_model(r, c, m, 0);
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
    for (size_t i = 0; i < N_CHANNELS; i++)
        json_array_append_new(chs,
                              json_pack("{s:s,s:s,s:b,s:b}", "code", channels[i].code, "label",
                                        channels[i].label, "checked",
                                        typed ? has_value(r, "kenh", channels[i].code) : i == 0,
                                        "required", i == 0));
    json_object_set_new(m, "channels", chs);
    json_t *gr = json_array();
    for (size_t i = 0; i < N_GROUNDS; i++)
        json_array_append_new(gr, json_pack("{s:s,s:s,s:b}", "code", grounds[i].code, "label",
                                            grounds[i].label, "checked",
                                            has_value(r, "can_cu", grounds[i].code)));
    json_object_set_new(m, "grounds", gr);
    set_b(m, "partial_checked", has_value(r, "pham_vi", "partial"));
    set_b(m, "refuse_checked", has_value(r, "ket_qua", "refused"));
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
    return manage_page(r, res, &x);
}

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
    return manage_page(r, res, x);
}

static const char *bad_date = "Ngày phải viết dạng ngày/tháng/năm, ví dụ 05/03/2027.";

/* A day typed for a step: not in the future, not before `after` (stored "yyyy-mm-dd", may be
 * ""; after_what names it). NULL when fine, else the reason. */
static const char *day_check(struct http_request *r, struct date d, const char *after,
                             const char *after_what)
{
    struct date a;
    if (date_cmp(d, today()) > 0)
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
        return step_error(r, res, x, "niem_yet", bad_date);
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
    if (date_cmp(today(), from) < 0)
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
        .tabled_on = dm_iso(r->a, today()),
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
    if (typed_date(r, "ngay_ho_so", today(), &d) != 0)
        return step_error(r, res, x, "ho_so", bad_date);
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
    if (typed_date(r, "ngay_cong_nhan", today(), &d) != 0)
        return step_error(r, res, x, "cong_nhan", bad_date);
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
    if (typed_date(r, "ngay_phan_phat", today(), &d) != 0)
        return step_error(r, res, x, "phan_phat", bad_date);
    const char *why = day_check(r, d, x->c.recognised_on, "ngày công nhận");
    if (why)
        return step_error(r, res, x, "phan_phat", why);
    struct buf codes;
    buf_init(&codes, r->a);
    buf_puts(&codes, "");
    size_t others = 0;
    for (size_t i = 0; i < N_CHANNELS; i++)
        if (has_value(r, "kenh", channels[i].code)) {
            buf_printf(&codes, "%s%s", codes.len ? "," : "", channels[i].code);
            others += i > 0;
        }
    if (!has_value(r, "kenh", channels[0].code) || !others)
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
    struct date now = today(), rec, d;
    int first = date_parse(c->recognised_on, &rec) == 0 ? rec.y : now.y;
    const char *y = dm_trimmed(r, "nam");
    if (y[0] && parse_int64(str_c(y), first, now.y, &j->w.n) != 0)
        return step_error(r, res, x, "ra_soat",
                          arena_printf(r->a, "Năm rà soát từ %d đến %d.", first, now.y));
    if (!y[0])
        j->w.n = now.y;
    if (typed_date(r, "ngay_ra_soat", now, &d) != 0)
        return step_error(r, res, x, "ra_soat", bad_date);
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
    if (date_parse(rep, &reported) != 0 || typed_date(r, "ngay_tam_ngung", today(), &on) != 0)
        return step_error(r, res, x, "tam_ngung", bad_date);
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
    if (!ground_label(ground)[0])
        return step_error(r, res, x, "bai_bo", "Vui lòng chọn căn cứ bãi bỏ (Điều 14).");
    struct date on, basis, fix = today();
    if (typed_date(r, "ngay_bai_bo", today(), &on) != 0)
        return step_error(r, res, x, "bai_bo", bad_date);
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
    if (typed_date(r, "ngay_can_cu", def, &basis) != 0)
        return step_error(r, res, x, "bai_bo", bad_date);
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

/* ---- GET /quan-ly/huong-uoc?don_vi=CODE: the list and a new covenant ---- */

static const struct http_param_spec index_params[] = {
    {"don_vi", HP_TEXT, 0, 0, 32},
};

static int list_rows(struct http_request *r, int64_t unit, int public, struct rows **out)
{
    int rc = cv_store_list(r->db, r->a, unit, public, out);
    if (rc)
        return rc;
    struct rows *t = *out;
    size_t sl = rows_add_col(t, "status_label"), url = rows_add_col(t, "url"),
           rec = rows_add_col(t, "recognised");
    for (size_t i = 0; i < t->n_rows; i++) {
        rows_set_text(rows_at(t, i, sl), status_label_of(rows_text(rows_at(t, i, 2))));
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
    int rc = list_rows(r, u->id, 0, &t);
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
        static const char *const fields[] = {"tieu_de", "tom_tat", "sang_kien", "so_ho_dong_thuan",
                                             "ngay_de_xuat"};
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
            set_s(f, fields[i], param_or(r, fields[i], ""));
        json_object_set_new(m, "form", f);
    }
    set_b(m, "initiative_checked", !strcmp(param_or(r, "de_xuat", ""), "initiative"));
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
    if (typed_date(r, "ngay_de_xuat", today(), &on) != 0)
        return new_error(r, res, &v, bad_date);
    if (date_cmp(on, today()) > 0)
        return new_error(r, res, &v, "Ngày đề xuất không được sau hôm nay.");
    const struct dr_rules *rules = dr_rules_at(env->rules, on);
    if (!rules)
        rules = &env->rules->versions[0];
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
        date_format_iso(consent_valid_from(rules, today()), from);
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

/* ---- the documents: GET /quan-ly/huong-uoc/{id}/van-ban/{kind}.pdf ---- */

static int to_buf(void *ctx, const unsigned char *data, size_t len)
{
    buf_append(ctx, data, len);
    return 0;
}

/* The basis every UBND decision on a covenant cites. */
static const char legal_basis[] =
    "Căn cứ Luật Tổ chức chính quyền địa phương;\n\n"
    "Căn cứ Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15;\n\n"
    "Căn cứ Nghị định số 61/2023/NĐ-CP của Chính phủ về xây dựng và thực hiện hương ước, quy "
    "ước của cộng đồng dân cư;\n\n";

static int get_doc(struct http_request *r, struct http_response *res)
{
    struct cv_ctx x;
    int rc = cv_load(r, &x);
    if (rc)
        return rc;
    if (!x.manage && !x.recognise)
        return ERR_FORBIDDEN;
    const struct cv_item *c = &x.c;
    struct arena *a = r->a;
    const char *kind = http_arg(r, "kind");
    size_t kl = strlen(kind);
    if (kl < 5 || strcmp(kind + kl - 4, ".pdf") != 0)
        return ERR_NOT_FOUND;
    kind = arena_strndup(a, kind, kl - 4);
    struct unit commune, province;
    commune_of(r, &x.v, &commune);
    int has_province = commune.parent_id && units_get_id(r->db, commune.parent_id, &province) == 0;
    const struct decision_env *env = dm_env(r);
    const struct dr_rules *rules = cv_rules(env, c);
    struct cv_dues du;
    cv_dues(r, c, &du);
    struct export_notice n = {0};
    n.head.parent_body = has_province ? arena_printf(a, "UBND %s", province.name) : "";
    n.head.issuer = arena_printf(a, "UBND %s", commune.name);
    n.head.number = "  /QĐ-UBND";
    n.head.place = commune.name;
    n.head.doc_type = "QUYẾT ĐỊNH";
    n.signer_role = "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH";
    n.signer_name = "";
    n.qr_url = arena_printf(a, "%s/huong-uoc/%lld", env->base_url, (long long)c->id);
    n.qr_caption = "Quét mã để xem hương ước trên trang điện tử";
    struct buf b;
    buf_init(&b, a);
    struct date d = today();
    const char *village = x.v.name, *cname = commune.name;
    const char *self = arena_printf(a, "hương ước “%s” của %s, %s", c->title, village, cname);
    if (!strcmp(kind, "mau-01")) {
        /* The village's request for recognition, part of the dossier (Art 11(3)(a)). */
        if (!c->adopted_on[0])
            return ERR_NOT_FOUND;
        struct dm_item v = {0};
        if (c->decision_id && (rc = dm_store_get(r->db, a, c->decision_id, &v)) != 0)
            return rc;
        int64_t meeting = 0, ballot = 0, online = 0;
        if (c->decision_id && (rc = dm_store_turnout(r->db, v.id, &meeting, &ballot, &online)) != 0)
            return rc;
        date_parse(c->submitted_on[0] ? c->submitted_on : c->adopted_on, &d);
        n.head.parent_body = arena_printf(a, "UBND %s", cname);
        n.head.issuer = village;
        n.head.number = "";
        n.head.doc_type = "TỜ TRÌNH";
        n.head.summary = arena_printf(a, "Đề nghị công nhận hương ước “%s”", c->title);
        buf_printf(&b, "Kính gửi: Ủy ban nhân dân %s.\n\n", cname);
        buf_printf(&b,
                   "Thực hiện Nghị định số 61/2023/NĐ-CP của Chính phủ về xây dựng và thực hiện "
                   "hương ước, quy ước của cộng đồng dân cư, %s đề nghị Ủy ban nhân dân %s xem "
                   "xét, công nhận hương ước “%s” như sau:\n\n",
                   village, cname, c->title);
        buf_puts(&b, "# 1. Quá trình xây dựng hương ước\n");
        buf_printf(
            &b, "- Đề xuất: %s, ngày %s.\n",
            !strcmp(c->proposer, "initiative")
                ? arena_printf(a, "sáng kiến của Nhân dân, %lld hộ gia đình đồng thuận",
                               (long long)c->consents)
                : arena_printf(a, "%s thống nhất với Ban công tác Mặt trận", dm_head_title(&x.v)),
            dm_vn_iso(a, c->proposed_on));
        buf_puts(&b, c->drafting_team[0] ? "- Tổ soạn thảo gồm:\n" : "- Tổ soạn thảo: chưa ghi.\n");
        json_t *team = lines_json(a, c->drafting_team);
        for (size_t i = 0; i < json_array_size(team); i++)
            buf_printf(&b, "+ %s;\n", json_string_value(json_array_get(team, i)));
        json_decref(team);
        buf_printf(&b, "- Dự thảo niêm yết lấy ý kiến Nhân dân từ ngày %s%s.\n",
                   dm_vn_iso(a, c->posted_on),
                   c->consultation_id
                       ? arena_printf(a, " và trên trang điện tử (%s/gop-y/du-thao/%lld)",
                                      env->base_url, (long long)c->consultation_id)
                       : "");
        buf_printf(&b,
                   "- Thông qua ngày %s: %lld trên tổng số %lld hộ gia đình tán thành (%lld hộ dự "
                   "họp, %lld hộ biểu quyết bằng phiếu lấy ý kiến).\n\n",
                   dm_vn_iso(a, c->adopted_on), (long long)v.approve, (long long)v.households_total,
                   (long long)meeting, (long long)ballot);
        buf_puts(&b, "# 2. Hồ sơ kèm theo\n- Tờ trình này (Mẫu 01);\n- Biên bản hoặc nghị quyết "
                     "của cuộc họp cộng đồng dân cư (Mẫu 02);\n- Văn bản hương ước.\n\n");
        buf_printf(&b,
                   "Hồ sơ gửi chậm nhất ngày %s (%d ngày làm việc kể từ ngày thông qua). Kính đề "
                   "nghị Ủy ban nhân dân %s xem xét, công nhận trong %d ngày làm việc kể từ ngày "
                   "nhận đủ hồ sơ.\n",
                   du.submit_due, rules->covenant_submit_wd, cname, rules->covenant_recognise_wd);
        static const struct export_signer cos[] = {{"Trưởng Ban công tác Mặt trận", ""}};
        n.cosigners = cos;
        n.n_cosigners = 1;
        n.signer_role = dm_head_title(&x.v);
        n.recipients = arena_printf(a, "- Như trên;\n- Ủy ban MTTQ %s;\n- Lưu.", cname);
        n.qr_url = NULL;
    } else if (!strcmp(kind, "mau-03")) {
        if (!c->recognised_on[0])
            return ERR_NOT_FOUND;
        date_parse(c->recognised_on, &d);
        n.head.summary = arena_printf(a, "Về việc công nhận hương ước “%s”", c->title);
        buf_printf(&b, "# CHỦ TỊCH ỦY BAN NHÂN DÂN %s\n\n%s", upper(a, cname), legal_basis);
        buf_printf(&b,
                   "Xét hồ sơ đề nghị công nhận hương ước của %s nhận ngày %s và đề nghị của công "
                   "chức Văn hóa - Xã hội, công chức Tư pháp - Hộ tịch.\n\n# QUYẾT ĐỊNH:\n\n",
                   village, dm_vn_iso(a, c->submitted_on));
        buf_printf(
            &b,
            "Điều 1. Công nhận %s, được cộng đồng dân cư thông qua ngày %s%s.\n\n"
            "Điều 2. Hương ước có hiệu lực kể từ ngày %s. Ủy ban nhân dân gửi văn bản hương "
            "ước đến %s và Ủy ban Mặt trận Tổ quốc Việt Nam %s chậm nhất ngày %s "
            "(%d ngày làm việc); hương ước được niêm yết tại nhà văn hóa và phổ biến bằng ít "
            "nhất một hình thức khác. Hương ước được rà soát hằng năm vào ngày %02d/%02d.\n\n"
            "Điều 3. Công chức Văn hóa - Xã hội, công chức Tư pháp - Hộ tịch, %s và các hộ "
            "gia đình có liên quan chịu trách nhiệm thi hành Quyết định này.\n",
            self, dm_vn_iso(a, c->adopted_on),
            c->amends_id ? " (sửa đổi, bổ sung hương ước đã được công nhận)" : "",
            dm_vn_iso(a, c->recognised_on), dm_head_title(&x.v), cname, du.distribute_due,
            rules->covenant_distribute_wd, rules->covenant_review_day, rules->covenant_review_month,
            village);
        n.recipients = arena_printf(a, "- Như Điều 3;\n- Ủy ban MTTQ %s;\n- Lưu: VT.", cname);
    } else if (!strcmp(kind, "mau-04")) {
        if (!c->suspended_on[0])
            return ERR_NOT_FOUND;
        date_parse(c->suspended_on, &d);
        int partial = !strcmp(c->scope, "partial");
        n.head.summary = arena_printf(a, "Về việc tạm ngừng thi hành hương ước “%s”", c->title);
        buf_printf(&b, "# CHỦ TỊCH ỦY BAN NHÂN DÂN %s\n\n%s", upper(a, cname), legal_basis);
        buf_printf(
            &b, "Xét báo cáo nhận ngày %s về việc thực hiện hương ước của %s.\n\n# QUYẾT ĐỊNH:\n\n",
            dm_vn_iso(a, c->reported_on), village);
        if (partial)
            buf_printf(&b,
                       "Điều 1. Tạm ngừng thi hành một phần %s, gồm các nội dung sau:\n\n%s\n\n",
                       self, c->parts);
        else
            buf_printf(&b, "Điều 1. Tạm ngừng thi hành toàn bộ %s.\n\n", self);
        buf_printf(&b, "Lý do: %s\n\n", c->suspension_reason);
        buf_printf(
            &b,
            "Điều 2. %s tổ chức sửa đổi, khắc phục theo quy định và báo cáo Ủy ban nhân "
            "dân trước ngày %s. Quá thời hạn này mà không khắc phục, hương ước bị bãi bỏ "
            "(Điều 14 Nghị định số 61/2023/NĐ-CP).\n\n"
            "Điều 3. Quyết định có hiệu lực kể từ ngày ký. Công chức Văn hóa - Xã hội, công "
            "chức Tư pháp - Hộ tịch, %s và các hộ gia đình có liên quan chịu trách nhiệm thi "
            "hành Quyết định này.\n",
            village, dm_vn_iso(a, c->fix_by), village);
        n.recipients = arena_printf(a, "- Như Điều 3;\n- Ủy ban MTTQ %s;\n- Lưu: VT.", cname);
    } else if (!strcmp(kind, "mau-05")) {
        if (!c->annulled_on[0])
            return ERR_NOT_FOUND;
        date_parse(c->annulled_on, &d);
        n.head.summary = arena_printf(a, "Về việc bãi bỏ hương ước “%s”", c->title);
        buf_printf(&b, "# CHỦ TỊCH ỦY BAN NHÂN DÂN %s\n\n%s", upper(a, cname), legal_basis);
        if (!strcmp(c->ground, "not_fixed"))
            buf_printf(&b,
                       "Xét việc %s không khắc phục trong thời hạn (đến ngày %s) theo Quyết định "
                       "tạm ngừng thi hành hương ước ngày %s.\n\n",
                       village, dm_vn_iso(a, c->fix_by), dm_vn_iso(a, c->suspended_on));
        else
            buf_printf(&b, "Xét căn cứ phát sinh ngày %s: %s.\n\n", dm_vn_iso(a, c->ground_on),
                       ground_label(c->ground));
        buf_printf(&b,
                   "# QUYẾT ĐỊNH:\n\nĐiều 1. Bãi bỏ %s, đã được công nhận ngày %s.\n\n"
                   "Căn cứ bãi bỏ: %s. Lý do: %s\n\n"
                   "Điều 2. Quyết định có hiệu lực kể từ ngày ký. %s thông báo đến các hộ gia đình "
                   "và niêm yết tại nhà văn hóa.\n\n"
                   "Điều 3. Công chức Văn hóa - Xã hội, công chức Tư pháp - Hộ tịch, %s và các hộ "
                   "gia đình có liên quan chịu trách nhiệm thi hành Quyết định này.\n",
                   self, dm_vn_iso(a, c->recognised_on), ground_label(c->ground), c->annul_reason,
                   village, village);
        n.recipients = arena_printf(a, "- Như Điều 3;\n- Ủy ban MTTQ %s;\n- Lưu: VT.", cname);
    } else {
        return ERR_NOT_FOUND;
    }
    n.head.date = d;
    n.body = b.ptr;
    buf_init(&res->body, a);
    char err[256];
    if ((rc = export_notice_pdf(&n, to_buf, &res->body, err, sizeof err)) != 0) {
        log_error("covenant %lld %s: %s", (long long)c->id, kind, err);
        return rc;
    }
    res->content_type = "application/pdf";
    res->filename = arena_printf(a, "huong-uoc-%lld-%s.pdf", (long long)c->id, kind);
    return 0;
}

/* ---- public: GET /huong-uoc?unit=CODE, /huong-uoc/{id}, /huong-uoc/thong-ke ---- */

static const struct http_param_spec public_list_params[] = {
    {"unit", HP_TEXT, 1, 1, 32},
};

static int page_public_list(struct http_request *r, struct http_response *res)
{
    struct unit u;
    int rc = units_get(r->db, http_param(r, "unit"), &u);
    if (rc)
        return rc;
    struct rows *t;
    if ((rc = list_rows(r, u.id, 1, &t)) != 0)
        return rc;
    res->model = json_object();
    http_model_rows(res, "covenants", t);
    json_object_set_new(res->model, "unit", json_pack("{s:s,s:s}", "code", u.code, "name", u.name));
    set_b(res->model, "has_covenants", t->n_rows > 0);
    set_s(res->model, "year", arena_printf(r->a, "%d", today().y));
    res->template = "decision/covenant_public_list";
    res->title = arena_printf(r->a, "Hương ước, quy ước – %s", u.name);
    return 0;
}

/* GET /huong-uoc/{id} - public once recognised (also while suspended, and after annulment). */
static int page_public(struct http_request *r, struct http_response *res)
{
    struct cv_ctx x;
    int rc = cv_load(r, &x);
    if (rc)
        return rc;
    const char *s = x.c.status;
    if (strcmp(s, "recognised") && strcmp(s, "suspended") && strcmp(s, "annulled"))
        return ERR_NOT_FOUND;
    struct cv_dues du;
    cv_dues(r, &x.c, &du);
    res->model = json_object();
    json_object_set_new(res->model, "c", cv_json(r, &x, &du));
    int reviewed;
    if ((rc = reviews_model(r, &x.c, res->model, &reviewed)) != 0 ||
        (rc = amendments_model(r, &x.c, res->model, 1)) != 0)
        return rc;
    set_b(res->model, "can_manage", x.manage || x.recognise);
    res->template = "decision/covenant_public";
    res->title = x.c.title;
    return 0;
}

static const struct http_param_spec stats_params[] = {
    {"unit", HP_TEXT, 1, 1, 32},
    {"nam", HP_INT, 0, 2000, 2100},
};

static int page_stats(struct http_request *r, struct http_response *res)
{
    struct unit u;
    int rc = units_get(r->db, http_param(r, "unit"), &u);
    if (rc)
        return rc;
    int year = (int)http_param_int(r, "nam", today().y);
    const char *first = arena_printf(r->a, "%04d-01-01", year),
               *last = arena_printf(r->a, "%04d-12-31", year);
    int64_t v[6] = {0, 0, 0, 0, 0, 0};
    if ((rc = cv_store_stats(r->db, u.id, first, last, v)) != 0)
        return rc;
    struct rows *t;
    if ((rc = cv_store_stats_items(r->db, r->a, u.id, first, last, &t)) != 0)
        return rc;
    size_t sl = rows_add_col(t, "status_label"), url = rows_add_col(t, "url");
    for (size_t i = 0; i < t->n_rows; i++) {
        rows_set_text(rows_at(t, i, sl), status_label_of(rows_text(rows_at(t, i, 2))));
        rows_set_text(rows_at(t, i, url),
                      arena_printf(r->a, "/huong-uoc/%lld", (long long)rows_at(t, i, 0)->i));
        for (size_t k = 5; k <= 8; k++)
            rows_set_text(rows_at(t, i, k), dm_vn_iso(r->a, rows_text(rows_at(t, i, k))));
    }
    res->model = json_object();
    http_model_rows(res, "items", t);
    json_object_set_new(res->model, "unit", json_pack("{s:s,s:s}", "code", u.code, "name", u.name));
    json_object_set_new(res->model, "year", json_integer(year));
    json_object_set_new(res->model, "counts",
                        json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "recognised", (json_int_t)v[0],
                                  "amended", (json_int_t)v[1], "refused", (json_int_t)v[2],
                                  "suspended", (json_int_t)v[3], "annulled", (json_int_t)v[4],
                                  "in_force", (json_int_t)v[5]));
    set_b(res->model, "has_items", t->n_rows > 0);
    res->template = "decision/covenant_stats";
    res->title = arena_printf(r->a, "Thống kê hương ước, quy ước năm %d – %s", year, u.name);
    return 0;
}

#define N(x) (sizeof(x) / sizeof((x)[0]))

const struct http_route dm_covenant_routes[] = {
    {"GET", "/quan-ly/huong-uoc", page_index, NULL, NULL, NULL, HTTP_LOGIN, index_params,
     N(index_params), 0},
    {"POST", "/quan-ly/huong-uoc", post_new, after_new, NULL, NULL, HTTP_LOGIN, new_params,
     N(new_params), 0},
    {"GET", "/quan-ly/huong-uoc/{id}", page_manage, NULL, NULL, NULL, HTTP_LOGIN, NULL, 0, 0},
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
    {"GET", "/quan-ly/huong-uoc/{id}/van-ban/{kind}", get_doc, NULL, NULL, NULL,
     HTTP_LOGIN | HTTP_RAW, NULL, 0, 0},
    {"GET", "/huong-uoc", page_public_list, NULL, NULL, NULL, 0, public_list_params,
     N(public_list_params), 0},
    {"GET", "/huong-uoc/thong-ke", page_stats, NULL, NULL, NULL, 0, stats_params, N(stats_params),
     0},
    {"GET", "/huong-uoc/{id}", page_public, NULL, NULL, NULL, 0, NULL, 0, 0},
};
const size_t dm_covenant_n_routes = N(dm_covenant_routes);

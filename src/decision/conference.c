/*
 * conference.c - the village's annual community conference (hội nghị định kỳ, DOMAIN D11; Law
 * Art 33, D59 Arts 10-11): held once a year at the year's end; its plan sent to the UBND, the
 * MTTQ and the Ban Thanh tra nhân dân; invitations out at least 5 days before
 * (dr_conference_invite_latest: a later day is refused with the reason); the agenda in the
 * law's order - the village head's report, the Ban công tác Mặt trận's on democracy, the
 * village's Ban Thanh tra nhân dân member's, then discussion, answers, adoption and
 * commendations - pre-filled; the minutes and the households present; the written report to
 * the UBND and the MTTQ afterwards. The invitation and the minutes print as Decree 30
 * documents with the village as issuer.
 *
 * Everything here needs decision.manage on the village. Every write appends an audit row
 * ("conference:<id>"). The SQL of community_conferences (migration 0029) is in
 * store_conference.c (conference.h).
 */
#include <string.h>
#include <time.h>

#include "decision/conference.h"
#include "export/export.h"

/* ---- small helpers ---- */

/* The agenda D11 sets, one item a line (arena). */
static const char *default_agenda(struct arena *a, const struct unit *v)
{
    return arena_printf(a,
                        "1. Báo cáo của %s về kết quả công việc của cộng đồng dân cư trong năm "
                        "và phương hướng năm tới\n"
                        "2. Báo cáo của Ban công tác Mặt trận về việc thực hiện dân chủ ở cơ sở\n"
                        "3. Báo cáo của thành viên Ban Thanh tra nhân dân ở %s\n"
                        "4. Thảo luận, giải đáp ý kiến của Nhân dân\n"
                        "5. Thông qua kết quả hội nghị\n"
                        "6. Khen thưởng (nếu có)",
                        dm_head_title(v), v->name);
}

/* The minutes' skeleton: a heading for each item of the agenda. */
static const char *minutes_skeleton(struct arena *a, const char *agenda)
{
    struct buf b;
    buf_init(&b, a);
    buf_puts(&b, "");
    for (const char *p = agenda; *p;) {
        size_t len = strcspn(p, "\r\n");
        struct str s = str_trim((struct str){p, len});
        if (s.len)
            buf_printf(&b, "# %.*s\n\n\n", (int)s.len, s.ptr);
        p += len;
        while (*p == '\r' || *p == '\n')
            p++;
    }
    return b.ptr;
}

/* 1 when every line of text that is not blank is a heading ("# ..."). */
static int only_headings(const char *text)
{
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, "\r\n");
        struct str s = str_trim((struct str){p, len});
        if (s.len && s.ptr[0] != '#')
            return 0;
        p += len;
        while (*p == '\r' || *p == '\n')
            p++;
    }
    return 1;
}

/* Text typed in a box as the body of a document: every line its own paragraph (a heading
 * "# ..." or an item "- ..." stays one). */
static void put_lines(struct buf *b, const char *text)
{
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, "\r\n");
        struct str s = str_trim((struct str){p, len});
        if (s.len)
            buf_printf(b, "%.*s\n\n", (int)s.len, s.ptr);
        p += len;
        while (*p == '\r' || *p == '\n')
            p++;
    }
}

/* ---- access ---- */

static int cf_access(struct http_request *r, struct cf_row *c, struct unit *v)
{
    int64_t id;
    if (parse_int64(str_c(http_arg(r, "id")), 1, INT64_MAX, &id) != 0)
        return ERR_NOT_FOUND;
    int rc = cf_store_get(r->db, r->a, id, c);
    if (rc == 0)
        rc = units_get_id(r->db, c->unit_id, v);
    if (rc == 0)
        rc = http_authorize(r, "decision.manage", v->code);
    return rc;
}

/* ---- GET /quan-ly/hoi-nghi-thon?don_vi=CODE: the conferences, and a new one ---- */

static const struct http_param_spec index_params[] = {
    {"don_vi", HP_TEXT, 0, 0, 32},
};

static int index_page(struct http_request *r, struct http_response *res, const struct unit *u)
{
    struct rows *t;
    int rc = cf_store_list(r->db, r->a, u->id, &t);
    if (rc)
        return rc;
    size_t url = rows_add_col(t, "url"), held = rows_add_col(t, "held_day"),
           inv = rows_add_col(t, "invited"), plan = rows_add_col(t, "plan_sent"),
           rep = rows_add_col(t, "report_sent"), min = rows_add_col(t, "has_minutes");
    for (size_t i = 0; i < t->n_rows; i++) {
        rows_set_text(rows_at(t, i, url), arena_printf(r->a, "/quan-ly/hoi-nghi-thon/%lld",
                                                       (long long)rows_at(t, i, 0)->i));
        rows_set_text(rows_at(t, i, held), dm_vn_iso(r->a, rows_text(rows_at(t, i, 3))));
        rows_set_bool(rows_at(t, i, inv), rows_text(rows_at(t, i, 4))[0] != '\0');
        rows_set_bool(rows_at(t, i, plan), rows_text(rows_at(t, i, 5))[0] != '\0');
        rows_set_bool(rows_at(t, i, rep), rows_text(rows_at(t, i, 6))[0] != '\0');
        rows_set_bool(rows_at(t, i, min), rows_at(t, i, 7)->i != 0);
    }
    if (!res->model)
        res->model = json_object();
    json_t *m = res->model;
    http_model_rows(res, "items", t);
    json_object_set_new(m, "has_items", json_boolean(t->n_rows > 0));
    json_object_set_new(m, "unit", json_pack("{s:s,s:s}", "code", u->code, "name", u->name));
    json_t *villages = json_array();
    const char *chosen = dm_param(r, "don_vi");
    if (units_kind_is_commune(u->kind)) {
        struct unit *vs;
        size_t n;
        if ((rc = units_villages_of(r->db, r->a, u->id, &vs, &n)) != 0)
            return rc;
        for (size_t i = 0; i < n; i++)
            json_array_append_new(villages,
                                  json_pack("{s:s,s:s,s:b}", "code", vs[i].code, "name", vs[i].name,
                                            "selected", !strcmp(chosen, vs[i].code)));
    } else {
        json_array_append_new(
            villages, json_pack("{s:s,s:s,s:b}", "code", u->code, "name", u->name, "selected", 1));
    }
    json_object_set_new(m, "villages", villages);
    if (!json_object_get(m, "form")) {
        const char *agenda = http_param(r, "chuong_trinh");
        json_object_set_new(m, "form",
                            json_pack("{s:s,s:s,s:s,s:s,s:s}", "ngay_hop", dm_param(r, "ngay_hop"),
                                      "gio", dm_param(r, "gio"), "dia_diem",
                                      dm_param(r, "dia_diem"), "nam", dm_param(r, "nam"),
                                      "chuong_trinh", agenda ? agenda : default_agenda(r->a, u)));
    }
    const struct dr_rules *today = dm_rules_day(dm_env(r), date_vn_from_time(time(NULL)));
    json_object_set_new(m, "invite_days", json_integer(today->conference_invite_days));
    res->template = "decision/conference_list";
    res->title = arena_printf(r->a, "Hội nghị định kỳ của cộng đồng dân cư – %s", u->name);
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
    if ((rc = http_authorize(r, "decision.manage", u.code)) != 0)
        return rc;
    return index_page(r, res, &u);
}

/* ---- POST /quan-ly/hoi-nghi-thon: a new conference ---- */

static const struct http_param_spec new_params[] = {
    {"don_vi", HP_TEXT, 1, 1, 32},    {"ngay_hop", HP_TEXT, 0, 0, 10},
    {"nam", HP_TEXT, 0, 0, 4},        {"gio", HP_TEXT, 0, 0, 20},
    {"dia_diem", HP_TEXT, 0, 0, 300}, {"chuong_trinh", HP_LINES, 0, 0, 5000},
};

struct new_job {
    struct cf_row c; /* the conference (id set on the writer) */
    int64_t actor;   /* who made it */
};

static int run_new(struct db *db, void *arg)
{
    struct new_job *j = arg;
    return cf_store_create(db, j->actor, &j->c);
}

static int after_new(struct http_request *r, struct http_response *res, int rc)
{
    struct new_job *j = r->state;
    if (rc)
        return rc;
    res->redirect = arena_printf(r->a, "/quan-ly/hoi-nghi-thon/%lld", (long long)j->c.id);
    res->flash = "Đã lập hội nghị định kỳ của cộng đồng dân cư.";
    return 0;
}

static int post_new(struct http_request *r, struct http_response *res)
{
    struct unit v;
    int rc = units_get(r->db, dm_trimmed(r, "don_vi"), &v);
    if (rc)
        return rc;
    if ((rc = http_authorize(r, "decision.manage", v.code)) != 0)
        return rc;
    struct date held;
    const char *why = NULL;
    int year = 0;
    if (strcmp(v.kind, "village") != 0 && strcmp(v.kind, "residential_group") != 0)
        why = "Chọn thôn, tổ dân phố tổ chức hội nghị.";
    else if (date_parse(dm_trimmed(r, "ngay_hop"), &held) != 0)
        why = "Vui lòng nhập ngày hội nghị (ngày/tháng/năm).";
    else {
        year = held.y;
        const char *nam = dm_trimmed(r, "nam");
        if (nam[0] && (parse_int(nam, held.y - 1, held.y, &year) != 0))
            why = "Năm của hội nghị là năm tổ chức, hoặc năm trước nếu hội nghị họp đầu năm sau.";
    }
    int64_t n = 0;
    if (!why && (rc = cf_store_count_year(r->db, v.id, year, &n)) != 0)
        return rc;
    if (!why && n)
        why = arena_printf(r->a, "%s đã có hội nghị định kỳ năm %d.", v.name, year);
    if (why) {
        http_form_error(res, "form", why);
        return index_page(r, res, &v);
    }
    struct new_job *j = arena_zalloc(r->a, sizeof *j);
    j->actor = r->user->id;
    j->c.unit_id = v.id;
    j->c.year = year;
    j->c.held_on = dm_iso(r->a, held);
    j->c.starts_at = dm_trimmed(r, "gio");
    j->c.place = dm_trimmed(r, "dia_diem")[0] ? dm_trimmed(r, "dia_diem")
                                              : arena_printf(r->a, "Nhà văn hóa %s", v.name);
    j->c.agenda =
        dm_trimmed(r, "chuong_trinh")[0] ? dm_trimmed(r, "chuong_trinh") : default_agenda(r->a, &v);
    r->state = j;
    http_defer_write(r, run_new, j);
    return HTTP_DEFERRED;
}

/* ---- GET /quan-ly/hoi-nghi-thon/{id}: the conference's steps and minutes ---- */

static const char *const cstep_keys[N_CSTEPS] = {"ke_hoach", "giay_moi", "bao_cao"};

static int cstep_parse(const char *s)
{
    for (int i = 0; s && i < N_CSTEPS; i++)
        if (!strcmp(s, cstep_keys[i]))
            return i;
    return -1;
}

static const char *cstep_recorded(const struct cf_row *c, int step)
{
    return step == CS_PLAN     ? c->plan_sent_on
           : step == CS_INVITE ? c->invited_on
                               : c->report_sent_on;
}

/* A step's label, its rule in words, and the days it must fall within: [*from, *to] (a day of
 * {0,0,0} for an open end). */
static void cstep_rule(struct http_request *r, const struct dr_rules *rules, struct date held,
                       int step, const char **label, const char **rule, struct date *from,
                       struct date *to)
{
    *from = (struct date){0, 0, 0};
    *to = (struct date){0, 0, 0};
    switch (step) {
    case CS_PLAN:
        *label = "Kế hoạch tổ chức hội nghị gửi Ủy ban nhân dân, Ủy ban Mặt trận Tổ quốc và Ban "
                 "Thanh tra nhân dân";
        *rule = "trước ngày hội nghị";
        *to = date_add_days(held, -1);
        break;
    case CS_INVITE:
        *label = "Giấy mời dự hội nghị";
        *rule = arena_printf(r->a, "ít nhất %d ngày trước ngày hội nghị",
                             rules->conference_invite_days);
        *to = dr_conference_invite_latest(rules, held);
        break;
    default:
        *label = "Báo cáo bằng văn bản kết quả hội nghị gửi Ủy ban nhân dân và Ủy ban Mặt trận "
                 "Tổ quốc";
        *rule = "sau hội nghị";
        *from = held;
        break;
    }
}

/* The rules for the conference: the version in force on its day. */
static const struct dr_rules *cf_rules(struct http_request *r, const struct cf_row *c)
{
    return dm_rules_on(dm_env(r), c->held_on);
}

static json_t *csteps_json(struct http_request *r, const struct cf_row *c, int posted)
{
    const struct dr_rules *rules = cf_rules(r, c);
    struct date held, today = date_vn_from_time(time(NULL));
    json_t *arr = json_array();
    if (date_parse(c->held_on, &held) != 0)
        return arr;
    for (int i = 0; i < N_CSTEPS; i++) {
        const char *label, *rule;
        struct date from, to, rec;
        cstep_rule(r, rules, held, i, &label, &rule, &from, &to);
        const char *recorded = cstep_recorded(c, i);
        int has = recorded[0] && date_parse(recorded, &rec) == 0;
        int in_time =
            has && (!from.y || date_cmp(rec, from) >= 0) && (!to.y || date_cmp(rec, to) <= 0);
        int missing = !has && to.y && date_cmp(today, to) > 0;
        const char *state =
            in_time   ? "Đúng hạn"
            : has     ? "Không đúng thời hạn"
            : missing ? "Chưa thực hiện, đã quá hạn"
            : to.y    ? arena_printf(r->a, "Chưa thực hiện (hạn chót %s)", dm_vn(r->a, to))
                      : "Chưa thực hiện";
        json_t *s = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:b,s:b}", "key", cstep_keys[i],
                              "label", label, "rule", rule, "recorded", has ? dm_vn(r->a, rec) : "",
                              "state", state, "on_time", in_time, "late", has && !in_time,
                              "missing", missing, "pending", !has && !missing);
        json_object_set_new(s, "latest", json_string(to.y ? dm_vn(r->a, to) : ""));
        json_object_set_new(s, "has_latest", json_boolean(to.y != 0));
        json_object_set_new(s, "value",
                            json_string(posted == i ? dm_param(r, "ngay")
                                        : has       ? dm_vn(r->a, rec)
                                                    : ""));
        json_array_append_new(arr, s);
    }
    return arr;
}

/* The page; posted: the step refused (-1 none, N_CSTEPS the minutes' form). */
static int conference_page(struct http_request *r, struct http_response *res,
                           const struct cf_row *c, const struct unit *v, int posted)
{
    int64_t households;
    int rc = cf_store_households(r->db, v->id, &households);
    if (rc)
        return rc;
    if (!res->model)
        res->model = json_object();
    json_t *m = res->model;
    struct date held, today = date_vn_from_time(time(NULL));
    date_parse(c->held_on, &held);
    const char *url = arena_printf(r->a, "/quan-ly/hoi-nghi-thon/%lld", (long long)c->id);
    json_t *cj = json_pack("{s:I,s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:b,s:b,s:b,s:s,s:s}", "id",
                           (json_int_t)c->id, "year", c->year, "url", url, "held_on",
                           dm_vn(r->a, held), "starts_at", c->starts_at, "place", c->place,
                           "agenda", c->agenda, "chair", c->chair, "secretary", c->secretary,
                           "households", (json_int_t)households, "has_attendance",
                           c->attendance >= 0, "held", date_cmp(today, held) >= 0, "has_minutes",
                           c->minutes[0] != '\0', "minutes", c->minutes, "role", dm_head_title(v));
    json_object_set_new(cj, "has_starts_at", json_boolean(c->starts_at[0] != '\0'));
    json_object_set_new(cj, "attendance", json_integer(c->attendance < 0 ? 0 : c->attendance));
    /* D11: at the year's end - November, December, or early January for the year before. */
    json_object_set_new(cj, "year_end",
                        json_boolean(held.m >= 11 || (held.m == 1 && c->year == held.y - 1)));
    json_object_set_new(cj, "village", json_pack("{s:s,s:s}", "code", v->code, "name", v->name));
    json_object_set_new(m, "c", cj);
    json_object_set_new(m, "steps", csteps_json(r, c, posted));
    int mp = posted == N_CSTEPS;
    json_object_set_new(m, "minutes_form",
                        json_pack("{s:s,s:s,s:s,s:s,s:s}", "chuong_trinh",
                                  mp ? dm_param(r, "chuong_trinh") : c->agenda, "chu_tri",
                                  mp ? dm_param(r, "chu_tri") : c->chair, "thu_ky",
                                  mp ? dm_param(r, "thu_ky") : c->secretary, "bien_ban",
                                  mp              ? dm_param(r, "bien_ban")
                                  : c->minutes[0] ? c->minutes
                                                  : minutes_skeleton(r->a, c->agenda),
                                  "so_ho",
                                  mp ? dm_param(r, "so_ho")
                                  : c->attendance >= 0
                                      ? arena_printf(r->a, "%lld", (long long)c->attendance)
                                      : ""));
    res->template = "decision/conference";
    res->title = arena_printf(r->a, "Hội nghị định kỳ năm %d – %s", c->year, v->name);
    return 0;
}

static int page_conference(struct http_request *r, struct http_response *res)
{
    struct cf_row c;
    struct unit v;
    int rc = cf_access(r, &c, &v);
    return rc ? rc : conference_page(r, res, &c, &v, -1);
}

/* ---- the writes after creation share one job ---- */

struct step_job {
    int64_t actor, id, unit_id; /* who, which conference, its village */
    enum cf_step step;          /* the step whose day is recorded */
    const char *day;            /* its day; NULL for the minutes' form */
    struct cf_minutes m;        /* the minutes' form */
    const char *flash;          /* said after it */
};

static int run_step(struct db *db, void *arg)
{
    struct step_job *j = arg;
    if (j->day)
        return cf_store_step(db, j->actor, j->id, j->unit_id, j->step, j->day);
    return cf_store_minutes(db, j->actor, j->id, j->unit_id, &j->m);
}

static int after_step(struct http_request *r, struct http_response *res, int rc)
{
    struct step_job *j = r->state;
    if (rc)
        return rc;
    res->redirect = arena_printf(r->a, "/quan-ly/hoi-nghi-thon/%lld", (long long)j->id);
    res->flash = j->flash;
    return 0;
}

/* ---- POST /quan-ly/hoi-nghi-thon/{id}/buoc: the plan sent, the invitation, the report ---- */

static const struct http_param_spec step_params[] = {
    {"buoc", HP_TEXT, 1, 1, 20},
    {"ngay", HP_TEXT, 0, 0, 10},
};

static int post_step(struct http_request *r, struct http_response *res)
{
    struct cf_row c;
    struct unit v;
    int rc = cf_access(r, &c, &v);
    if (rc)
        return rc;
    int step = cstep_parse(dm_trimmed(r, "buoc"));
    const struct dr_rules *rules = cf_rules(r, &c);
    struct date day = {0, 0, 0}, held;
    const char *why = NULL;
    if (step < 0)
        why = "Chọn bước cần ghi.";
    else if (date_parse(dm_trimmed(r, "ngay"), &day) != 0)
        why = "Ngày phải viết dạng ngày/tháng/năm.";
    else if (date_cmp(day, date_vn_from_time(time(NULL))) > 0)
        why = "Ngày này chưa đến: chỉ ghi việc đã làm.";
    else if (date_parse(c.held_on, &held) != 0)
        why = "Hội nghị chưa có ngày họp.";
    if (!why) {
        const char *label, *rule;
        struct date from, to;
        cstep_rule(r, rules, held, step, &label, &rule, &from, &to);
        if (step == CS_INVITE && date_cmp(day, to) > 0)
            why = arena_printf(r->a,
                               "Giấy mời phải gửi trước ngày hội nghị ít nhất %d ngày (Điều 11 "
                               "Nghị định số 59/2023/NĐ-CP): với hội nghị ngày %s, chậm nhất là "
                               "ngày %s.",
                               rules->conference_invite_days, dm_vn(r->a, held), dm_vn(r->a, to));
        else if (step == CS_PLAN && date_cmp(day, to) > 0)
            why = arena_printf(r->a,
                               "Kế hoạch tổ chức phải gửi trước ngày hội nghị (%s): chậm nhất "
                               "ngày %s.",
                               dm_vn(r->a, held), dm_vn(r->a, to));
        else if (step == CS_REPORT && date_cmp(day, from) < 0)
            why = arena_printf(r->a,
                               "Báo cáo kết quả gửi sau hội nghị: ngày gửi không được trước "
                               "ngày hội nghị (%s).",
                               dm_vn(r->a, held));
    }
    if (why) {
        http_form_error(res, "buoc", why);
        return conference_page(r, res, &c, &v, step);
    }
    struct step_job *j = arena_zalloc(r->a, sizeof *j);
    j->actor = r->user->id;
    j->id = c.id;
    j->unit_id = v.id;
    j->day = dm_iso(r->a, day);
    j->step = (enum cf_step)step;
    switch (step) {
    case CS_PLAN:
        j->flash = "Đã ghi ngày gửi kế hoạch tổ chức hội nghị.";
        break;
    case CS_INVITE:
        j->flash = "Đã ghi ngày gửi giấy mời.";
        break;
    default:
        j->flash = "Đã ghi ngày gửi báo cáo kết quả hội nghị.";
        break;
    }
    r->state = j;
    http_defer_write(r, run_step, j);
    return HTTP_DEFERRED;
}

/* ---- POST /quan-ly/hoi-nghi-thon/{id}/bien-ban: the agenda, the minutes, attendance ---- */

static const struct http_param_spec minutes_params[] = {
    {"chuong_trinh", HP_LINES, 0, 0, 5000}, {"chu_tri", HP_TEXT, 0, 0, 200},
    {"thu_ky", HP_TEXT, 0, 0, 200},         {"bien_ban", HP_LINES, 0, 0, 50000},
    {"so_ho", HP_TEXT, 0, 0, 10},
};

static int post_minutes(struct http_request *r, struct http_response *res)
{
    struct cf_row c;
    struct unit v;
    int rc = cf_access(r, &c, &v);
    if (rc)
        return rc;
    struct step_job *j = arena_zalloc(r->a, sizeof *j);
    j->m.agenda = dm_trimmed(r, "chuong_trinh");
    j->m.chair = dm_trimmed(r, "chu_tri");
    j->m.secretary = dm_trimmed(r, "thu_ky");
    j->m.minutes = dm_trimmed(r, "bien_ban");
    /* The skeleton of headings alone is no minutes. */
    if (only_headings(j->m.minutes))
        j->m.minutes = "";
    j->m.attendance = -1;
    const char *so_ho = dm_trimmed(r, "so_ho");
    int64_t households = 0;
    if ((rc = cf_store_households(r->db, v.id, &households)) != 0)
        return rc;
    struct date held;
    int held_ok =
        date_parse(c.held_on, &held) == 0 && date_cmp(date_vn_from_time(time(NULL)), held) >= 0;
    const char *why = NULL;
    if (!j->m.agenda[0])
        why = "Chương trình hội nghị không được để trống.";
    else if (so_ho[0] && parse_int64(str_c(so_ho), 0, 1000000, &j->m.attendance) != 0)
        why = "Số hộ dự hội nghị phải là một số.";
    else if (j->m.attendance > households)
        why = arena_printf(r->a, "Số hộ dự hội nghị (%lld) nhiều hơn số hộ của %s (%lld).",
                           (long long)j->m.attendance, v.name, (long long)households);
    else if (!held_ok && (j->m.minutes[0] || j->m.attendance >= 0))
        why = "Hội nghị chưa diễn ra: biên bản và số hộ dự ghi sau hội nghị.";
    if (why) {
        http_form_error(res, "bien_ban", why);
        return conference_page(r, res, &c, &v, N_CSTEPS);
    }
    j->actor = r->user->id;
    j->id = c.id;
    j->unit_id = v.id;
    j->flash = "Đã ghi chương trình và biên bản hội nghị.";
    r->state = j;
    http_defer_write(r, run_step, j);
    return HTTP_DEFERRED;
}

/* ---- the invitation and the minutes as Decree 30 documents ---- */

static int to_buf(void *ctx, const unsigned char *data, size_t len)
{
    buf_append(ctx, data, len);
    return 0;
}

/* The heading both documents share: the village as issuer under the commune's UBND. */
static void doc_head(struct http_request *r, const struct unit *v, const char *commune,
                     struct export_doc_head *h)
{
    h->parent_body = arena_printf(r->a, "UBND %s", commune);
    h->issuer = v->name;
    h->number = "";
    h->place = commune;
}

static int send_pdf(struct http_request *r, struct http_response *res,
                    const struct export_notice *n, const char *filename, int64_t id)
{
    buf_init(&res->body, r->a);
    char err[256];
    int rc = export_notice_pdf(n, to_buf, &res->body, err, sizeof err);
    if (rc) {
        log_error("conference %lld: %s", (long long)id, err);
        return rc;
    }
    res->content_type = "application/pdf";
    res->filename = filename;
    return 0;
}

/* GET /quan-ly/hoi-nghi-thon/{id}/giay-moi.pdf - decision.manage on the village. */
static int get_invitation_pdf(struct http_request *r, struct http_response *res)
{
    struct cf_row c;
    struct unit v, cm;
    int rc = cf_access(r, &c, &v);
    if (rc == 0)
        rc = units_commune_of(r->db, v.id, &cm);
    if (rc)
        return rc;
    struct arena *a = r->a;
    struct date held, day = date_vn_from_time(time(NULL));
    date_parse(c.held_on, &held);
    if (c.invited_on[0])
        date_parse(c.invited_on, &day);
    struct buf b;
    buf_init(&b, a);
    buf_printf(&b,
               "%s trân trọng kính mời:\n"
               "- Đại diện các hộ gia đình trong %s;\n"
               "- Đại diện Ủy ban nhân dân %s;\n"
               "- Đại diện Ủy ban Mặt trận Tổ quốc Việt Nam %s;\n"
               "- Đại diện Ban Thanh tra nhân dân %s.\n\n"
               "Tới dự Hội nghị định kỳ của cộng đồng dân cư năm %d (Điều 33 Luật Thực hiện dân "
               "chủ ở cơ sở; Điều 10, Điều 11 Nghị định số 59/2023/NĐ-CP).\n\n"
               "- Thời gian: %s%sngày %s.\n"
               "- Địa điểm: %s.\n\n"
               "# Nội dung hội nghị\n",
               v.name, v.name, cm.name, cm.name, cm.name, c.year, c.starts_at,
               c.starts_at[0] ? ", " : "", dm_vn(a, held), c.place);
    put_lines(&b, c.agenda);
    buf_puts(&b, "Rất mong đại biểu và đại diện các hộ gia đình đến dự đầy đủ, đúng giờ.\n");
    struct export_notice n = {0};
    doc_head(r, &v, cm.name, &n.head);
    n.head.date = day;
    n.head.doc_type = "GIẤY MỜI";
    n.head.summary = arena_printf(a, "Dự Hội nghị định kỳ của cộng đồng dân cư năm %d", c.year);
    n.body = b.ptr;
    n.signer_role = dm_head_title(&v);
    n.signer_name = "";
    n.recipients = "- Như trên;\n- Lưu.";
    return send_pdf(r, res, &n, arena_printf(a, "giay-moi-hoi-nghi-%lld.pdf", (long long)c.id),
                    c.id);
}

/* GET /quan-ly/hoi-nghi-thon/{id}/bien-ban.pdf - decision.manage on the village. The minutes in
 * the order of Decree 30's Mẫu 1.9: time and place, who attended, who chaired and wrote, the
 * agenda, what was said and decided, the signatures. */
static int get_minutes_pdf(struct http_request *r, struct http_response *res)
{
    struct cf_row c;
    struct unit v, cm;
    int rc = cf_access(r, &c, &v);
    if (rc == 0)
        rc = units_commune_of(r->db, v.id, &cm);
    if (rc)
        return rc;
    int64_t households;
    if ((rc = cf_store_households(r->db, v.id, &households)) != 0)
        return rc;
    struct arena *a = r->a;
    struct date held;
    date_parse(c.held_on, &held);
    struct buf b;
    buf_init(&b, a);
    buf_printf(&b,
               "%s%s%sngày %s, tại %s, %s tổ chức Hội nghị định kỳ của cộng đồng dân cư năm %d "
               "(Điều 33 Luật Thực hiện dân chủ ở cơ sở; Điều 10, Điều 11 Nghị định số "
               "59/2023/NĐ-CP).\n\n"
               "# I. Thành phần tham dự\n",
               c.starts_at[0] ? "Vào hồi " : "Vào ", c.starts_at[0] ? c.starts_at : "",
               c.starts_at[0] ? ", " : "", dm_vn(a, held), c.place, v.name, c.year);
    if (c.attendance >= 0)
        buf_printf(&b, "- Đại diện %lld trên tổng số %lld hộ gia đình của %s.\n",
                   (long long)c.attendance, (long long)households, v.name);
    else
        buf_printf(&b, "- Đại diện ...... trên tổng số %lld hộ gia đình của %s.\n",
                   (long long)households, v.name);
    buf_printf(&b,
               "- Đại biểu mời: đại diện Ủy ban nhân dân, Ủy ban Mặt trận Tổ quốc Việt Nam và Ban "
               "Thanh tra nhân dân %s.\n"
               "- Chủ trì: %s.\n"
               "- Thư ký: %s.\n\n"
               "# II. Chương trình hội nghị\n",
               cm.name, c.chair[0] ? c.chair : "......", c.secretary[0] ? c.secretary : "......");
    put_lines(&b, c.agenda);
    buf_puts(&b, "# III. Diễn biến hội nghị\n");
    if (c.minutes[0])
        put_lines(&b, c.minutes);
    else
        buf_puts(&b, "......\n\n");
    buf_printf(&b,
               "Hội nghị kết thúc vào hồi ...... cùng ngày. Sau hội nghị, %s báo cáo bằng văn "
               "bản kết quả hội nghị gửi Ủy ban nhân dân và Ủy ban Mặt trận Tổ quốc Việt Nam "
               "%s.\n",
               dm_head_title(&v), cm.name);
    const struct export_signer cosigners[] = {{"Thư ký", c.secretary}};
    struct export_notice n = {0};
    doc_head(r, &v, cm.name, &n.head);
    n.head.date = held;
    n.head.doc_type = "BIÊN BẢN";
    n.head.summary = arena_printf(a, "Hội nghị định kỳ của cộng đồng dân cư năm %d", c.year);
    n.body = b.ptr;
    n.signer_role = "Chủ trì hội nghị";
    n.signer_name = c.chair;
    n.recipients =
        arena_printf(a, "- UBND %s;\n- Ủy ban MTTQ %s;\n- Lưu: %s.", cm.name, cm.name, v.name);
    n.cosigners = cosigners;
    n.n_cosigners = 1;
    return send_pdf(r, res, &n, arena_printf(a, "bien-ban-hoi-nghi-%lld.pdf", (long long)c.id),
                    c.id);
}

#define N(x) (sizeof(x) / sizeof((x)[0]))

const struct http_route dm_conference_routes[] = {
    {"GET", "/quan-ly/hoi-nghi-thon", page_index, NULL, NULL, NULL, HTTP_LOGIN, index_params,
     N(index_params), 0},
    {"POST", "/quan-ly/hoi-nghi-thon", post_new, after_new, NULL, NULL, HTTP_LOGIN, new_params,
     N(new_params), 0},
    {"GET", "/quan-ly/hoi-nghi-thon/{id}", page_conference, NULL, NULL, NULL, HTTP_LOGIN, NULL, 0,
     0},
    {"POST", "/quan-ly/hoi-nghi-thon/{id}/buoc", post_step, after_step, NULL, NULL, HTTP_LOGIN,
     step_params, N(step_params), 0},
    {"POST", "/quan-ly/hoi-nghi-thon/{id}/bien-ban", post_minutes, after_step, NULL, NULL,
     HTTP_LOGIN, minutes_params, N(minutes_params), 256 * 1024},
    {"GET", "/quan-ly/hoi-nghi-thon/{id}/giay-moi.pdf", get_invitation_pdf, NULL, NULL, NULL,
     HTTP_LOGIN | HTTP_RAW, NULL, 0, 0},
    {"GET", "/quan-ly/hoi-nghi-thon/{id}/bien-ban.pdf", get_minutes_pdf, NULL, NULL, NULL,
     HTTP_LOGIN | HTTP_RAW, NULL, 0, 0},
};
const size_t dm_conference_n_routes = N(dm_conference_routes);

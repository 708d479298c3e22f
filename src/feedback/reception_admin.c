/*
 * reception_admin.c - citizen reception (tiếp công dân; DOMAIN table I, I4; issue 4): the
 * officials' pages.
 *
 * Officials (reception.manage) plan sessions (a weekly plan is expanded into one session per
 * day, holidays skipped), cancel one with its reason, see who booked and mark who came; they
 * keep the reception register (Art 25(2): number, date, name, address, content, prior handling,
 * request, action), numbered per commune and year without gaps, printed as an A4 table in the
 * Decree 30 layout; each entry carries the clock of Art 28 (tell the visitor within the rule
 * set's reception_notify, 10 working days, whether the matter was accepted or forwarded), and
 * its notice is recorded here; and "Tạo hồ sơ" turns an entry, or each part of a mixed one (Art
 * 25(3)), into a case through fb_store_create, as a paper request is entered - a denunciation
 * sealed (Art 47), its name then blanked on the entry.
 *
 * The schedule these pages show and the small helpers are reception.c's (reception.h). Writes
 * go through the write queue (http_defer_write) and are answered once durable; the store
 * (store_reception.c) checks again what a concurrent write could have changed.
 */
#include <string.h>
#include <time.h>

#include "feedback/reception.h"

#define N(x) (sizeof(x) / sizeof((x)[0]))

/* What an official did for the visitor (reception_register.handling), as the form offers it. */
static const struct {
    const char *key;   /* stored */
    const char *label; /* shown and printed */
} handlings[] = {
    {"guided", "Hướng dẫn, giải thích, trả lời trực tiếp"},
    {"received", "Tiếp nhận đơn, chuyển người có thẩm quyền giải quyết"},
    {"forwarded", "Hướng dẫn, chuyển đơn đến cơ quan có thẩm quyền khác"},
};

/* The kinds an entry may become: what the Reception Law receives (not information requests). */
static const enum fb_kind entry_kinds[] = {FB_FEEDBACK, FB_RECOMMENDATION, FB_COMPLAINT,
                                           FB_DENUNCIATION};

static const char *handling_label(const char *key)
{
    for (size_t i = 0; i < N(handlings); i++)
        if (!strcmp(handlings[i].key, key))
            return handlings[i].label;
    return key;
}

/* ---- the Art 28 clock ---- */

int rc_art28_state(const struct calendar *cal, const struct rc_entry *e, struct date today,
                   int soon_days, enum fb_clock_state *state, int *days_left)
{
    *days_left = 0;
    if (!e->due_on.y) {
        *state = FB_NOT_APPLICABLE;
        return 0;
    }
    if (e->notified_on.y) {
        *state = date_cmp(e->notified_on, e->due_on) <= 0 ? FB_MET : FB_MET_LATE;
        return 0;
    }
    if (date_cmp(today, e->due_on) > 0) {
        *state = FB_OVERDUE;
        return 0;
    }
    int left = working_days_between(cal, today, e->due_on);
    if (left < 0)
        return ERR_INVALID;
    *days_left = left;
    *state = left <= soon_days ? FB_SOON : FB_RUNNING;
    return 0;
}

int rc_notify_due(const struct feedback_env *env, struct date day, struct date *due)
{
    const struct fb_rules *r = fb_rules_for(env, day);
    *due = (struct date){0, 0, 0};
    if (!r)
        return ERR_INVALID;
    if (!r->reception_notify.n)
        return 0; /* switched off in the rule set: no clock, as when answered on the spot */
    int rc = deadline_add(env->cal, day, r->reception_notify.n, r->reception_notify.unit, due);
    if (rc)
        *due = (struct date){0, 0, 0};
    return rc;
}

/* soon_days of the feedback rules in force on day (2 when there are none). */
static int soon_days_at(const struct feedback_env *env, struct date day)
{
    const struct fb_rules *r = fb_rules_for(env, day);
    return r ? r->soon_days : 2;
}

/* The clock of e as a view-model: {label, due, state_label, days_left, late, running}. */
static json_t *clock_json(struct http_request *r, const struct rc_entry *e)
{
    struct feedback_env *env = fb_env(r);
    enum fb_clock_state s;
    int left;
    if (rc_art28_state(env->cal, e, fb_today(), soon_days_at(env, e->day), &s, &left) != 0)
        return json_pack("{s:b,s:s}", "applies", 0, "state_label", "Chưa có lịch ngày nghỉ");
    json_t *j = json_pack("{s:b,s:s,s:s,s:i}", "applies", s != FB_NOT_APPLICABLE, "due",
                          rc_vn(r->a, e->due_on), "state_label", fb_clock_state_label(s),
                          "days_left", left);
    json_object_set_new(j, "late", json_boolean(s == FB_OVERDUE || s == FB_MET_LATE));
    json_object_set_new(j, "running", json_boolean(s == FB_RUNNING || s == FB_SOON));
    json_object_set_new(j, "overdue", json_boolean(s == FB_OVERDUE));
    return j;
}

/* ---- officials: the schedule and the plan ---- */

/* The schedule's first week (tu_ngay, as rc_schedule_first reads it). */
static const struct http_param_spec schedule_params[] = {
    {"tu_ngay", HP_DATE, 0, 0, 0},
};

static const char *const plan_fields[] = {"ngay",     "bat_dau", "ket_thuc",
                                          "dia_diem", "chu_tri", "thoi_luong",
                                          "lap_lai",  "loai",    "ghi_chu"};

static const struct http_param_spec plan_params[] = {
    {"ngay", HP_TEXT, 0, 0, 10},     {"bat_dau", HP_TEXT, 0, 0, 5},
    {"ket_thuc", HP_TEXT, 0, 0, 5},  {"dia_diem", HP_TEXT, 0, 0, 300},
    {"chu_tri", HP_TEXT, 0, 0, 200}, {"thoi_luong", HP_TEXT, 0, 0, 3},
    {"lap_lai", HP_TEXT, 0, 0, 2},   {"loai", HP_TEXT, 0, 0, 10},
    {"ghi_chu", HP_TEXT, 0, 0, 500}, {"tu_ngay", HP_DATE, 0, 0, 0},
};

/* The name of the commune's first chairperson with keys (who receives by default), or "". */
static const char *chair_name(struct http_request *r, const struct unit *u)
{
    struct auth_key_holder h[1];
    size_t n = 0;
    if (auth_key_holders(r->db, u->id, "chairperson", h, 1, &n) != 0 || n == 0)
        return "";
    return arena_strdup(r->a, h[0].display_name);
}

/* The officials' page: the schedule (as residents see it, with links to each session's
 * bookings) and the form to plan sessions, with what was typed. */
static int admin_model(struct http_request *r, struct http_response *res, const struct unit *u,
                       struct date first)
{
    if (!res->model)
        res->model = json_object();
    json_object_set_new(res->model, "unit", rc_unit_json(u));
    int rc = rc_schedule_model(r, res->model, u, first, "/quan-ly/tiep-cong-dan/buoi/",
                               arena_printf(r->a, "/quan-ly/tiep-cong-dan/%s", u->code));
    if (rc)
        return rc;
    json_t *f = json_object_get(res->model, "form");
    if (!f) {
        f = json_object();
        json_object_set_new(res->model, "form", f);
    }
    /* The next Thursday (the demo commune's habit) as a suggestion. */
    struct date today = fb_today();
    int to_thu = (3 - date_weekday(today) + 7) % 7;
    struct date thu = date_add_days(today, to_thu ? to_thu : 7);
    const char *chair = chair_name(r, u);
    rc_form_default(f, "ngay", rc_vn(r->a, thu));
    rc_form_default(f, "bat_dau", "07:30");
    rc_form_default(f, "ket_thuc", "11:30");
    rc_form_default(f, "dia_diem", arena_printf(r->a, "Phòng tiếp công dân, UBND %s", u->name));
    rc_form_default(f, "chu_tri",
                    chair[0] ? arena_printf(r->a, "Chủ tịch UBND %s", chair) : "Chủ tịch UBND");
    rc_form_default(f, "thoi_luong", "20");
    rc_form_default(f, "lap_lai", "1");
    rc_form_default(f, "loai", "regular");
    rc_form_default(f, "ghi_chu", "");
    json_object_set_new(
        res->model, "adhoc_checked",
        json_boolean(!strcmp(json_string_value(json_object_get(f, "loai")), "adhoc")));
    res->template = "feedback/reception_admin";
    res->title = arena_printf(r->a, "Tiếp công dân – %s", u->name);
    return 0;
}

/* GET /quan-ly/tiep-cong-dan/{code}?tu_ngay= - reception.manage on the commune. The schedule
 * of the coming weeks and the form to plan sessions. */
static int page_admin(struct http_request *r, struct http_response *res)
{
    struct unit u;
    int rc = units_get_commune(r->db, http_arg(r, "code"), &u);
    if (rc)
        return rc;
    res->model = json_object();
    return admin_model(r, res, &u, rc_schedule_first(r));
}

/* The sessions a plan makes (writer thread), and the holidays it skipped (for the flash). */
struct plan {
    struct rc_session_new in; /* the write */
    const char *skipped;      /* "30/04/2026, 01/05/2026" or "" */
};

static int run_plan(struct db *db, void *arg)
{
    struct plan *p = arg;
    return rc_store_sessions_add(db, &p->in);
}

static int after_plan(struct http_request *r, struct http_response *res, int rc)
{
    struct plan *p = r->state;
    struct unit u;
    if (rc == ERR_CONFLICT) {
        int rc2 = units_get_commune(r->db, http_arg(r, "code"), &u);
        if (rc2)
            return rc2;
        res->model = json_object();
        http_form_error(res, "ngay",
                        "Đã có buổi tiếp bắt đầu cùng giờ vào một trong các ngày này; hãy hủy "
                        "buổi đó hoặc chọn giờ khác.");
        json_object_set_new(res->model, "form", rc_typed_form(r, plan_fields, N(plan_fields)));
        int status = res->status;
        if ((rc = admin_model(r, res, &u, p->in.days[0])) != 0)
            return rc;
        res->status = status;
        return 0;
    }
    if (rc)
        return rc;
    res->redirect = arena_printf(r->a, "/quan-ly/tiep-cong-dan/%s?tu_ngay=%s", http_arg(r, "code"),
                                 rc_vn(r->a, p->in.days[0]));
    res->flash = arena_printf(r->a, "Đã lên lịch %zu buổi tiếp công dân.%s%s%s", p->in.n_days,
                              p->skipped[0] ? " Bỏ qua ngày nghỉ: " : "", p->skipped,
                              p->skipped[0] ? "." : "");
    return 0;
}

/* Validates the plan form into p (and its days); form errors on res. 1 when bad. */
static int plan_read(struct http_request *r, struct http_response *res, const struct unit *u,
                     struct plan *p)
{
    struct feedback_env *env = fb_env(r);
    struct rc_session *s = &p->in.s;
    struct date first, today = fb_today();
    int bad = 0;
    s->unit_id = u->id;
    if (date_parse(rc_param(r, "ngay"), &first) != 0 || date_cmp(first, today) < 0 ||
        date_to_days(first) - date_to_days(today) > 366) {
        http_form_error(res, "ngay",
                        "Ngày tiếp phải có dạng dd/mm/yyyy, từ hôm nay đến một năm tới.");
        bad = 1;
    }
    s->start_min = rc_time_parse(rc_param(r, "bat_dau"));
    s->end_min = rc_time_parse(rc_param(r, "ket_thuc"));
    if (s->start_min < 0 || s->end_min < 0 || s->end_min <= s->start_min) {
        http_form_error(res, "bat_dau",
                        "Giờ bắt đầu và kết thúc có dạng 07:30, 11:30; kết thúc sau bắt đầu.");
        bad = 1;
    }
    int64_t v;
    s->slot_minutes = parse_int64(str_c(rc_param(r, "thoi_luong")), 5, 120, &v) == 0 ? (int)v : 0;
    if (!s->slot_minutes) {
        http_form_error(res, "thoi_luong", "Mỗi lượt từ 5 đến 120 phút.");
        bad = 1;
    } else if (!bad && ((s->end_min - s->start_min) / s->slot_minutes < 1 ||
                        (s->end_min - s->start_min) / s->slot_minutes > RC_MAX_SLOTS)) {
        http_form_error(res, "thoi_luong", "Buổi tiếp phải có từ 1 đến 48 lượt.");
        bad = 1;
    }
    s->place = rc_param(r, "dia_diem");
    if (!s->place[0]) {
        http_form_error(res, "dia_diem", "Vui lòng ghi địa điểm tiếp.");
        bad = 1;
    }
    s->host = rc_param(r, "chu_tri");
    if (!s->host[0]) {
        http_form_error(res, "chu_tri",
                        "Vui lòng ghi người tiếp (Chủ tịch hoặc người được ủy "
                        "quyền).");
        bad = 1;
    }
    s->regular = strcmp(rc_param(r, "loai"), "adhoc") != 0;
    s->note = rc_param(r, "ghi_chu");
    int weeks = parse_int64(str_c(rc_param(r, "lap_lai")), 1, RC_MAX_REPEAT, &v) == 0 ? (int)v : 0;
    if (!weeks) {
        http_form_error(res, "lap_lai", "Số tuần lặp lại từ 1 đến 26.");
        bad = 1;
    }
    if (bad)
        return 1;
    /* The weekly plan expanded; a regular session never falls on a holiday: the week shows
     * its warning instead, for the officials to choose another day. */
    struct buf skipped;
    buf_init(&skipped, r->a);
    for (int w = 0; w < weeks; w++) {
        struct date d = date_add_days(first, 7 * w);
        if (s->regular && !calendar_is_working(env->cal, d)) {
            buf_puts(&skipped, skipped.len ? ", " : "");
            buf_puts(&skipped, rc_vn(r->a, d));
            continue;
        }
        p->in.days[p->in.n_days++] = d;
    }
    buf_putc(&skipped, '\0');
    p->skipped = skipped.ptr;
    if (!p->in.n_days) {
        http_form_error(res, "ngay",
                        "Ngày đã chọn là ngày nghỉ; buổi tiếp định kỳ cần một ngày "
                        "làm việc.");
        return 1;
    }
    return 0;
}

/* POST /quan-ly/tiep-cong-dan/{code} - reception.manage. Plans sessions: ngay (the first),
 * bat_dau, ket_thuc, dia_diem, chu_tri, thoi_luong (minutes a slot), loai (regular|adhoc),
 * lap_lai (weeks: the same weekday that many weeks running), ghi_chu. */
static int post_plan(struct http_request *r, struct http_response *res)
{
    struct unit u;
    int rc = units_get_commune(r->db, http_arg(r, "code"), &u);
    if (rc)
        return rc;
    res->model = json_object();
    struct plan *p = arena_zalloc(r->a, sizeof *p);
    r->state = p;
    p->in.actor = r->user->id;
    if (plan_read(r, res, &u, p)) {
        json_object_set_new(res->model, "form", rc_typed_form(r, plan_fields, N(plan_fields)));
        int status = res->status;
        if ((rc = admin_model(r, res, &u, fb_today())) != 0)
            return rc;
        res->status = status;
        return 0;
    }
    json_decref(res->model);
    res->model = NULL;
    http_defer_write(r, run_plan, p);
    return HTTP_DEFERRED;
}

/* The session of the {id} capture and its commune, for an official holding perm there. */
static int session_for(struct http_request *r, const char *perm, struct rc_session *s,
                       struct unit *u)
{
    int64_t id = rc_id_arg(r, "id");
    int rc = id ? rc_store_session_get(r->db, r->a, id, s) : ERR_NOT_FOUND;
    if (rc == 0)
        rc = units_get_id(r->db, s->unit_id, u);
    if (rc == 0)
        rc = http_authorize(r, perm, u->code);
    return rc;
}

/* The session page: facts, bookings with their village, and what may be done. */
static int session_model(struct http_request *r, struct http_response *res,
                         const struct rc_session *s, const struct unit *u)
{
    json_t *rows;
    int rc = rc_store_bookings_json(r->db, s->id, &rows);
    if (rc)
        return rc;
    struct unit *villages;
    size_t nv;
    if ((rc = units_villages_of(r->db, r->a, u->id, &villages, &nv)) != 0) {
        json_decref(rows);
        return rc;
    }
    int begun = date_cmp(s->day, fb_today()) <= 0;
    size_t i;
    json_t *b;
    int active = 0;
    json_array_foreach(rows, i, b)
    {
        int64_t vid = json_integer_value(json_object_get(b, "village_id"));
        for (size_t k = 0; vid && k < nv; k++)
            if (villages[k].id == vid)
                json_object_set_new(b, "village", json_string(villages[k].name));
        const char *st = json_string_value(json_object_get(b, "status"));
        int cancelled = !strcmp(st, "cancelled");
        active += !cancelled;
        json_object_set_new(b, "status_label", json_string(rc_booking_label(st)));
        json_object_set_new(b, "can_mark", json_boolean(!cancelled && begun));
        json_object_set_new(b, "attended", json_boolean(!strcmp(st, "attended")));
        json_object_set_new(b, "entry_url",
                            json_string(arena_printf(
                                r->a, "/quan-ly/tiep-cong-dan/%s/so/moi?dat_lich=%lld", u->code,
                                (long long)json_integer_value(json_object_get(b, "id")))));
    }
    if (!res->model)
        res->model = json_object();
    json_object_set_new(res->model, "bookings", rows);
    json_object_set_new(res->model, "n_booked", json_integer(active));
    json_object_set_new(res->model, "session", rc_session_json(r, s));
    json_object_set_new(res->model, "unit", rc_unit_json(u));
    json_object_set_new(res->model, "can_cancel",
                        json_boolean(!s->cancelled && date_cmp(s->day, fb_today()) >= 0));
    json_t *f = json_object_get(res->model, "form");
    if (!f) {
        f = json_object();
        json_object_set_new(res->model, "form", f);
    }
    rc_form_default(f, "ly_do", "");
    res->template = "feedback/reception_session";
    res->title =
        arena_printf(r->a, "Buổi tiếp công dân %s %s", rc_weekday(s->day), rc_vn(r->a, s->day));
    return 0;
}

/* GET /quan-ly/tiep-cong-dan/buoi/{id} - reception.manage on the session's commune. Who booked,
 * who came. */
static int page_session(struct http_request *r, struct http_response *res)
{
    struct rc_session s;
    struct unit u;
    int rc = session_for(r, "reception.manage", &s, &u);
    if (rc)
        return rc;
    return session_model(r, res, &s, &u);
}

static const struct http_param_spec cancel_params[] = {
    {"ly_do", HP_TEXT, 0, 0, 500},
};

/* A session cancelled (writer thread). */
struct cancel {
    int64_t id;         /* the session */
    const char *reason; /* why */
    int64_t actor;      /* the official */
};

static int run_cancel(struct db *db, void *arg)
{
    struct cancel *c = arg;
    return rc_store_session_cancel(db, c->id, c->reason, c->actor);
}

static int after_cancel(struct http_request *r, struct http_response *res, int rc)
{
    if (rc && rc != ERR_CONFLICT)
        return rc;
    res->redirect = arena_printf(r->a, "/quan-ly/tiep-cong-dan/buoi/%s", http_arg(r, "id"));
    res->flash = rc ? "Buổi tiếp này đã được hủy trước đó."
                    : "Đã hủy buổi tiếp. Hãy báo cho những người đã đặt lịch.";
    return 0;
}

/* POST /quan-ly/tiep-cong-dan/buoi/{id}/huy - reception.manage. Cancels a session that has not
 * passed, with its reason (ly_do, shown on the public schedule). */
static int post_cancel(struct http_request *r, struct http_response *res)
{
    struct rc_session s;
    struct unit u;
    int rc = session_for(r, "reception.manage", &s, &u);
    if (rc)
        return rc;
    const char *reason = rc_param(r, "ly_do");
    const char *error = NULL;
    if (s.cancelled || date_cmp(s.day, fb_today()) < 0)
        error = "Buổi tiếp đã hủy hoặc đã qua, không hủy được.";
    else if (!reason[0])
        error = "Vui lòng ghi lý do hủy (người dân sẽ thấy lý do này).";
    if (error) {
        res->model = json_object();
        http_form_error(res, "ly_do", error);
        json_object_set_new(res->model, "form", json_pack("{s:s}", "ly_do", reason));
        int status = res->status;
        if ((rc = session_model(r, res, &s, &u)) != 0)
            return rc;
        res->status = status;
        return 0;
    }
    struct cancel *c = arena_zalloc(r->a, sizeof *c);
    *c = (struct cancel){s.id, reason, r->user->id};
    r->state = c;
    http_defer_write(r, run_cancel, c);
    return HTTP_DEFERRED;
}

static const struct http_param_spec attend_params[] = {
    {"ket_qua", HP_TEXT, 0, 0, 10},
};

static int after_attend(struct http_request *r, struct http_response *res, int rc)
{
    struct rc_booking_set *x = r->state;
    if (rc && rc != ERR_CONFLICT)
        return rc;
    struct rc_booking b;
    if ((rc = rc_store_booking_get(r->db, r->a, x->id, &b)) != 0)
        return rc;
    res->redirect = arena_printf(r->a, "/quan-ly/tiep-cong-dan/buoi/%lld", (long long)b.session_id);
    res->flash = !strcmp(b.status, x->status) ? "Đã ghi nhận." : "Lịch hẹn này đã bị hủy.";
    return 0;
}

/* POST /quan-ly/tiep-cong-dan/dat-lich/{id} - reception.manage on the booking's commune.
 * ket_qua=attended|no_show, from the session's day on. */
static int post_attend(struct http_request *r, struct http_response *res)
{
    struct rc_booking b;
    struct rc_session s;
    struct unit u;
    int64_t id = rc_id_arg(r, "id");
    int rc = id ? rc_store_booking_get(r->db, r->a, id, &b) : ERR_NOT_FOUND;
    if (rc == 0)
        rc = rc_store_session_get(r->db, r->a, b.session_id, &s);
    if (rc == 0)
        rc = units_get_id(r->db, s.unit_id, &u);
    if (rc == 0)
        rc = http_authorize(r, "reception.manage", u.code);
    if (rc)
        return rc;
    const char *what = rc_param(r, "ket_qua");
    if ((strcmp(what, "attended") && strcmp(what, "no_show")) || date_cmp(s.day, fb_today()) > 0 ||
        !strcmp(b.status, "cancelled")) {
        res->model = json_object();
        http_form_error(res, "form",
                        "Chỉ ghi có mặt hoặc vắng mặt cho lịch hẹn chưa hủy, từ ngày tiếp trở đi.");
        int status = res->status;
        if ((rc = session_model(r, res, &s, &u)) != 0)
            return rc;
        res->status = status;
        return 0;
    }
    struct rc_booking_set *x = arena_zalloc(r->a, sizeof *x);
    *x = (struct rc_booking_set){b.id, what, r->user->id};
    r->state = x;
    http_defer_write(r, rc_run_booking_set, x);
    return HTTP_DEFERRED;
}

/* GET /quan-ly/tiep-cong-dan - signed in. The page of the account's own commune (a menu
 * link). */
static int go_home(struct http_request *r, struct http_response *res)
{
    const struct auth_user *au = r->user ? r->user->ext : NULL;
    struct unit c;
    if (!au || !au->unit_id || units_commune_of(r->db, au->unit_id, &c) != 0)
        return ERR_NOT_FOUND;
    res->redirect = arena_printf(r->a, "/quan-ly/tiep-cong-dan/%s", c.code);
    return 0;
}

/* ---- the register (sổ tiếp công dân) ---- */

static const char *const entry_fields[] = {"ngay",     "ho_ten",        "dia_chi", "dien_thoai",
                                           "noi_dung", "da_giai_quyet", "yeu_cau", "xu_ly",
                                           "ket_qua",  "can_bo",        "dat_lich"};

static const struct http_param_spec entry_params[] = {
    {"ngay", HP_TEXT, 0, 0, 10},        {"ho_ten", HP_TEXT, 0, 0, 120},
    {"dia_chi", HP_TEXT, 0, 0, 300},    {"dien_thoai", HP_TEXT, 0, 0, 20},
    {"noi_dung", HP_LINES, 0, 0, 5000}, {"da_giai_quyet", HP_LINES, 0, 0, 2000},
    {"yeu_cau", HP_LINES, 0, 0, 2000},  {"xu_ly", HP_TEXT, 0, 0, 12},
    {"ket_qua", HP_LINES, 0, 0, 2000},  {"can_bo", HP_TEXT, 0, 0, 120},
    {"dat_lich", HP_TEXT, 0, 0, 20},
};

/* The entry of the {id} capture and its commune, for an official holding reception.manage. */
static int entry_for(struct http_request *r, struct rc_entry *e, struct unit *u)
{
    int64_t id = rc_id_arg(r, "id");
    int rc = id ? rc_store_entry_get(r->db, r->a, id, e) : ERR_NOT_FOUND;
    if (rc == 0)
        rc = units_get_id(r->db, e->unit_id, u);
    if (rc == 0)
        rc = http_authorize(r, "reception.manage", u->code);
    return rc;
}

/* The booking named by dat_lich when it is of a session of commune u, else 0. */
static int64_t booking_of_commune(struct http_request *r, const struct unit *u,
                                  struct rc_booking *b)
{
    int64_t id;
    struct rc_session s;
    if (parse_int64(str_c(rc_param(r, "dat_lich")), 1, INT64_MAX, &id) != 0 ||
        rc_store_booking_get(r->db, r->a, id, b) != 0 ||
        rc_store_session_get(r->db, r->a, b->session_id, &s) != 0 || s.unit_id != u->id)
        return 0;
    return id;
}

/* The new entry's form, with what was typed (or a booking's details, or today and the
 * official's name). */
static int entry_form(struct http_request *r, struct http_response *res, const struct unit *u)
{
    if (!res->model)
        res->model = json_object();
    json_t *f = json_object_get(res->model, "form");
    if (!f) {
        f = json_object();
        json_object_set_new(res->model, "form", f);
        struct rc_booking b;
        if (booking_of_commune(r, u, &b)) {
            /* The resident came with a booking: what they gave then. */
            json_object_set_new(f, "ho_ten", json_string(b.name));
            json_object_set_new(f, "dien_thoai", json_string(b.phone));
            json_object_set_new(f, "noi_dung", json_string(b.subject));
            json_object_set_new(f, "dat_lich", json_string(rc_param(r, "dat_lich")));
            struct unit v;
            if (b.village_id && units_get_id(r->db, b.village_id, &v) == 0)
                json_object_set_new(f, "dia_chi", json_string(v.name));
        }
    }
    for (size_t i = 0; i < N(entry_fields); i++)
        rc_form_default(f, entry_fields[i], "");
    rc_form_default(f, "ngay", rc_vn(r->a, fb_today()));
    rc_form_default(f, "can_bo", r->user->display_name);
    rc_form_default(f, "xu_ly", "received");
    const char *chosen = json_string_value(json_object_get(f, "xu_ly"));
    json_t *hs = json_array();
    for (size_t i = 0; i < N(handlings); i++)
        json_array_append_new(hs, json_pack("{s:s,s:s,s:b}", "key", handlings[i].key, "label",
                                            handlings[i].label, "checked",
                                            !strcmp(chosen, handlings[i].key)));
    json_object_set_new(res->model, "handlings", hs);
    json_object_set_new(res->model, "from_booking",
                        json_boolean(json_string_value(json_object_get(f, "dat_lich"))[0] != 0));
    json_object_set_new(res->model, "unit", rc_unit_json(u));
    res->template = "feedback/reception_entry_new";
    res->title = "Ghi sổ tiếp công dân";
    return 0;
}

static const struct http_param_spec entry_new_params[] = {
    {"dat_lich", HP_TEXT, 0, 0, 20},
};

/* GET /quan-ly/tiep-cong-dan/{code}/so/moi?dat_lich= - reception.manage. The form of a new
 * entry (from a booking: its name, phone, village and subject filled in). */
static int page_entry_new(struct http_request *r, struct http_response *res)
{
    struct unit u;
    int rc = units_get_commune(r->db, http_arg(r, "code"), &u);
    if (rc)
        return rc;
    res->model = json_object();
    return entry_form(r, res, &u);
}

/* An entry written (writer thread). */
struct entry_add {
    struct rc_entry e; /* in: the entry; out: id, year, number */
    int64_t actor;     /* the official */
};

static int run_entry_add(struct db *db, void *arg)
{
    struct entry_add *x = arg;
    return rc_store_entry_add(db, &x->e, x->actor);
}

static int after_entry_add(struct http_request *r, struct http_response *res, int rc)
{
    struct entry_add *x = r->state;
    if (rc)
        return rc;
    res->redirect = arena_printf(r->a, "/quan-ly/tiep-cong-dan/luot/%lld", (long long)x->e.id);
    res->flash =
        arena_printf(r->a, "Đã ghi vào sổ tiếp công dân, số %d/%d.", x->e.number, x->e.year);
    return 0;
}

/* Validates the entry form into e; form errors on res. 1 when bad. */
static int entry_read(struct http_request *r, struct http_response *res, const struct unit *u,
                      struct rc_entry *e)
{
    struct feedback_env *env = fb_env(r);
    int bad = 0;
    e->unit_id = u->id;
    struct date today = fb_today();
    if (date_parse(rc_param(r, "ngay"), &e->day) != 0 || date_cmp(e->day, today) > 0 ||
        date_to_days(today) - date_to_days(e->day) > 2 * 366) {
        http_form_error(res, "ngay", "Ngày tiếp phải có dạng dd/mm/yyyy, không ở tương lai.");
        bad = 1;
    }
    e->name = rc_param(r, "ho_ten");
    if (!e->name[0]) {
        http_form_error(res, "ho_ten", "Vui lòng ghi họ và tên người đến.");
        bad = 1;
    }
    e->address = rc_param(r, "dia_chi");
    if (!e->address[0]) {
        http_form_error(res, "dia_chi", "Vui lòng ghi địa chỉ người đến.");
        bad = 1;
    }
    const char *phone = rc_param(r, "dien_thoai");
    e->phone = "";
    if (phone[0] && !(e->phone = fb_phone_of(r->a, phone))) {
        e->phone = "";
        http_form_error(res, "dien_thoai", "Số điện thoại chỉ gồm chữ số, ví dụ 0912345678.");
        bad = 1;
    }
    e->content = rc_param(r, "noi_dung");
    if (!e->content[0]) {
        http_form_error(res, "noi_dung", "Vui lòng ghi nội dung người đến trình bày.");
        bad = 1;
    }
    e->prior = rc_param(r, "da_giai_quyet");
    e->request = rc_param(r, "yeu_cau");
    e->action = rc_param(r, "ket_qua");
    e->handling = NULL;
    const char *h = rc_param(r, "xu_ly");
    for (size_t i = 0; i < N(handlings); i++)
        if (!strcmp(h, handlings[i].key))
            e->handling = handlings[i].key;
    if (!e->handling) {
        http_form_error(res, "xu_ly", "Vui lòng chọn cách xử lý.");
        bad = 1;
    }
    e->officer = rc_param(r, "can_bo");
    if (!e->officer[0]) {
        http_form_error(res, "can_bo", "Vui lòng ghi người tiếp.");
        bad = 1;
    }
    e->officer_id = r->user->id;
    struct rc_booking b;
    if (rc_param(r, "dat_lich")[0] && !(e->booking_id = booking_of_commune(r, u, &b))) {
        http_form_error(res, "form", "Lịch hẹn không thuộc đơn vị này.");
        bad = 1;
    }
    /* Art 28: the visitor is told within the rules' reception_notify (10 working days) of the
     * day of reception, unless answered on the spot. */
    if (!bad && strcmp(e->handling, "guided") != 0 && rc_notify_due(env, e->day, &e->due_on) != 0) {
        http_form_error(res, "ngay", "Chưa có lịch ngày nghỉ của năm này để tính thời hạn.");
        bad = 1;
    }
    return bad;
}

/* POST /quan-ly/tiep-cong-dan/{code}/so - reception.manage. A new entry of the register (Art
 * 25(2)): ngay, ho_ten, dia_chi, dien_thoai, noi_dung, da_giai_quyet (prior handling), yeu_cau
 * (request), xu_ly (guided|received|forwarded) and ket_qua (action), can_bo, dat_lich (the
 * booking, optional). The number is given by the store. */
static int post_entry(struct http_request *r, struct http_response *res)
{
    struct unit u;
    int rc = units_get_commune(r->db, http_arg(r, "code"), &u);
    if (rc)
        return rc;
    res->model = json_object();
    struct entry_add *x = arena_zalloc(r->a, sizeof *x);
    r->state = x;
    x->actor = r->user->id;
    if (entry_read(r, res, &u, &x->e)) {
        json_object_set_new(res->model, "form", rc_typed_form(r, entry_fields, N(entry_fields)));
        int status = res->status;
        if ((rc = entry_form(r, res, &u)) != 0)
            return rc;
        res->status = status;
        return 0;
    }
    json_decref(res->model);
    res->model = NULL;
    http_defer_write(r, run_entry_add, x);
    return HTTP_DEFERRED;
}

static const struct http_param_spec register_params[] = {
    {"nam", HP_INT, 0, 2000, 2100},
};

/* The register's year: nam, or this year. */
static int register_year(struct http_request *r)
{
    return (int)http_param_int(r, "nam", fb_today().y);
}

/* The text of column name in row i of t ("" when none). */
static const char *cell(const struct rows *t, size_t i, const char *name)
{
    int c = rows_col(t, name, strlen(name));
    const char *s = c >= 0 ? rows_text(rows_at(t, i, (size_t)c)) : NULL;
    return s ? s : "";
}

/* The dates of the entry in row i of t (columns of rc_store_register_rows), for its clock. */
static void row_entry(const struct rows *t, size_t i, struct rc_entry *e)
{
    memset(e, 0, sizeof *e);
    date_parse(cell(t, i, "day"), &e->day);
    if (cell(t, i, "due_on")[0])
        date_parse(cell(t, i, "due_on"), &e->due_on);
    if (cell(t, i, "notified_on")[0])
        date_parse(cell(t, i, "notified_on"), &e->notified_on);
}

/* GET /quan-ly/tiep-cong-dan/{code}/so?nam= - reception.manage. The register of one year in
 * number order, with each entry's Art 28 clock. */
static int page_register(struct http_request *r, struct http_response *res)
{
    struct feedback_env *env = fb_env(r);
    struct unit u;
    int rc = units_get_commune(r->db, http_arg(r, "code"), &u);
    if (rc)
        return rc;
    int year = register_year(r);
    struct rows *t;
    if ((rc = rc_store_register_rows(r->db, r->a, u.id, year, 6, &t)) != 0)
        return rc;
    size_t dv = rows_add_col(t, "day_vn"), hv = rows_add_col(t, "handling_label"),
           cv = rows_add_col(t, "clock_label"), lv = rows_add_col(t, "late"),
           sv = rows_add_col(t, "show_name"), nv = rows_add_col(t, "has_cases");
    int ch = rows_col(t, "handling", 8), cs = rows_col(t, "sealed", 6),
        cc = rows_col(t, "n_cases", 7);
    struct date today = fb_today();
    for (size_t i = 0; ch >= 0 && cs >= 0 && i < t->n_rows; i++) {
        struct rc_entry e;
        row_entry(t, i, &e);
        rows_set_text(rows_at(t, i, dv), rc_vn(r->a, e.day));
        rows_set_text(rows_at(t, i, hv), handling_label(rows_text(rows_at(t, i, (size_t)ch))));
        enum fb_clock_state s;
        int left;
        if (rc_art28_state(env->cal, &e, today, soon_days_at(env, e.day), &s, &left) != 0)
            s = FB_NOT_APPLICABLE;
        rows_set_text(
            rows_at(t, i, cv),
            s == FB_NOT_APPLICABLE ? "Đã trả lời tại chỗ"
            : s == FB_RUNNING || s == FB_SOON
                ? arena_printf(r->a, "%s (hạn %s)", fb_clock_state_label(s), rc_vn(r->a, e.due_on))
                : fb_clock_state_label(s));
        rows_set_bool(rows_at(t, i, lv), s == FB_OVERDUE || s == FB_MET_LATE);
        rows_set_bool(rows_at(t, i, sv), rows_at(t, i, (size_t)cs)->i == 0);
        rows_set_bool(rows_at(t, i, nv), cc >= 0 && rows_at(t, i, (size_t)cc)->i > 0);
    }
    res->model = json_object();
    http_model_rows(res, "entries", t);
    json_object_set_new(res->model, "unit", rc_unit_json(&u));
    json_object_set_new(res->model, "year", json_integer(year));
    json_object_set_new(res->model, "count", json_integer((json_int_t)t->n_rows));
    json_t *years;
    if ((rc = rc_store_register_years_json(r->db, u.id, &years)) != 0)
        return rc;
    size_t i;
    json_t *y;
    json_array_foreach(years, i, y)
    {
        json_object_set_new(y, "current",
                            json_boolean(json_integer_value(json_object_get(y, "year")) == year));
    }
    json_object_set_new(res->model, "has_years", json_boolean(json_array_size(years) > 0));
    json_object_set_new(res->model, "years", years);
    res->template = "feedback/reception_register";
    res->title = arena_printf(r->a, "Sổ tiếp công dân năm %d – %s", year, u.name);
    return 0;
}

static int pdf_to_body(void *ctx, const unsigned char *data, size_t len)
{
    buf_append(ctx, data, len);
    return 0;
}

/* The "Họ tên, địa chỉ" cell of a register row: never a sealed denouncer's. */
static const char *who_cell(struct http_request *r, const struct rows *t, size_t i)
{
    int cs = rows_col(t, "sealed", 6), cn = rows_col(t, "name", 4), ca = rows_col(t, "address", 7);
    if (cs < 0 || cn < 0 || ca < 0 || rows_at(t, i, (size_t)cs)->i)
        return "Người tố cáo (danh tính được giữ bí mật)";
    return arena_printf(r->a, "%s\n%s", rows_text(rows_at(t, i, (size_t)cn)),
                        rows_text(rows_at(t, i, (size_t)ca)));
}

/* GET /quan-ly/tiep-cong-dan/{code}/so/ban-in.pdf?nam= - reception.manage. The register of a
 * year as an A4 table in the Decree 30 layout, with the columns of Art 25(2). */
static int get_register_pdf(struct http_request *r, struct http_response *res)
{
    struct unit u, province;
    int rc = units_get_commune(r->db, http_arg(r, "code"), &u);
    if (rc)
        return rc;
    int year = register_year(r);
    struct rows *t;
    if ((rc = rc_store_register_rows(r->db, r->a, u.id, year, 0, &t)) != 0)
        return rc;
    struct export_doc_head head = {0};
    head.parent_body = "";
    if (u.parent_id && units_get_id(r->db, u.parent_id, &province) == 0)
        head.parent_body = arena_printf(r->a, "UBND %s", province.name);
    head.issuer = arena_printf(r->a, "UBND %s", u.name);
    head.number = "";
    head.place = u.name;
    head.date = fb_today();
    head.doc_type = "SỔ TIẾP CÔNG DÂN";
    head.summary = arena_printf(r->a, "Năm %d", year);
    static const struct export_col cols[] = {
        {"Số", 9, 1},
        {"Ngày", 23, 1},
        {"Họ tên, địa chỉ", 30, 0},
        {"Nội dung", 32, 0},
        {"Đã được giải quyết (ở đâu)", 21, 0},
        {"Yêu cầu", 21, 0},
        {"Kết quả tiếp, xử lý", 29, 0},
    };
    struct export_pdf_table *pt;
    char err[256];
    buf_init(&res->body, r->a);
    if ((rc = export_pdf_table_begin(&head, cols, N(cols), pdf_to_body, &res->body, &pt, err,
                                     sizeof err)) != 0) {
        log_error("reception register pdf: %s", err);
        return rc;
    }
    int cn = rows_col(t, "number", 6), cc = rows_col(t, "n_cases", 7);
    for (size_t i = 0; rc == 0 && i < t->n_rows; i++) {
        struct date d = {0, 0, 0};
        date_parse(cell(t, i, "day"), &d);
        const char *action = cell(t, i, "action_taken");
        int64_t n_cases = cc >= 0 ? rows_at(t, i, (size_t)cc)->i : 0;
        const char *cells[7] = {
            arena_printf(r->a, "%lld", (long long)(cn >= 0 ? rows_at(t, i, (size_t)cn)->i : 0)),
            rc_vn(r->a, d),
            who_cell(r, t, i),
            cell(t, i, "content"),
            cell(t, i, "prior_handling"),
            cell(t, i, "request"),
            arena_printf(r->a, "%s%s\nNgười tiếp: %s",
                         action[0] ? action : handling_label(cell(t, i, "handling")),
                         n_cases ? arena_printf(r->a, "\nĐã lập %lld hồ sơ", (long long)n_cases)
                                 : "",
                         cell(t, i, "officer")),
        };
        rc = export_pdf_table_row(pt, cells);
    }
    export_pdf_table_recipients(pt, "- Lưu: VT.");
    int rc2 = export_pdf_table_end(
        pt, arena_printf(r->a, "Tổng số lượt tiếp công dân trong năm %d: %zu.", year, t->n_rows),
        "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", "", err, sizeof err);
    if (rc || rc2) {
        log_error("reception register pdf: %s", err);
        return rc ? rc : rc2;
    }
    res->content_type = "application/pdf";
    res->filename = arena_printf(r->a, "so-tiep-cong-dan-%s-%d.pdf", u.code, year);
    return 0;
}

/* ---- an entry, its clock, its cases ---- */

static const char *const case_fields[] = {"loai", "tieu_de", "noi_dung", "linh_vuc"};
static const char *const notify_fields[] = {"ngay_tb", "thong_bao"};

/* The entry page: the register's columns, the Art 28 clock, the cases made from it, the forms
 * to make another and to record that the visitor was told. */
static int entry_model(struct http_request *r, struct http_response *res, const struct rc_entry *e,
                       const struct unit *u)
{
    struct feedback_env *env = fb_env(r);
    if (!res->model)
        res->model = json_object();
    json_t *j =
        json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "id", (json_int_t)e->id, "number",
                  arena_printf(r->a, "%d/%d", e->number, e->year), "day", rc_vn(r->a, e->day),
                  "content", e->content, "handling", handling_label(e->handling), "officer",
                  e->officer, "name", e->name, "address", e->address, "sealed", e->sealed);
    const char *const opt[][2] = {{"phone", e->phone},
                                  {"prior", e->prior},
                                  {"request", e->request},
                                  {"action", e->action},
                                  {"notice", e->notice}};
    for (size_t i = 0; i < N(opt); i++)
        if (opt[i][1][0])
            json_object_set_new(j, opt[i][0], json_string(opt[i][1]));
    if (e->notified_on.y)
        json_object_set_new(j, "notified", json_string(rc_vn(r->a, e->notified_on)));
    json_object_set_new(res->model, "entry", j);
    json_t *clock = clock_json(r, e);
    int can_notify = json_is_true(json_object_get(clock, "applies")) && !e->notified_on.y;
    json_object_set_new(res->model, "clock", clock);
    json_object_set_new(res->model, "can_notify", json_boolean(can_notify));
    json_t *cases;
    int rc = rc_store_entry_cases_json(r->db, e->id, &cases);
    if (rc)
        return rc;
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c)
    {
        enum fb_kind k = (enum fb_kind)json_integer_value(json_object_get(c, "kind"));
        json_object_set_new(c, "kind_label", json_string(fb_kind_label(k)));
        json_object_set_new(
            c, "code_display",
            json_string(fb_code_display(r->a, json_string_value(json_object_get(c, "code")))));
        json_object_set_new(
            c, "status_label",
            json_string(fb_status_label(json_string_value(json_object_get(c, "status")))));
        json_object_set_new(
            c, "url",
            json_string(arena_printf(r->a, "/quan-ly/y-kien/ho-so/%lld",
                                     (long long)json_integer_value(json_object_get(c, "id")))));
    }
    json_object_set_new(res->model, "has_cases", json_boolean(json_array_size(cases) > 0));
    json_object_set_new(res->model, "cases", cases);
    json_t *f = json_object_get(res->model, "form");
    if (!f) {
        f = json_object();
        json_object_set_new(res->model, "form", f);
    }
    for (size_t k = 0; k < N(case_fields); k++)
        rc_form_default(f, case_fields[k], "");
    rc_form_default(f, "noi_dung", e->content);
    rc_form_default(f, "thong_bao", "");
    rc_form_default(f, "ngay_tb", rc_vn(r->a, fb_today()));
    const char *kind = json_string_value(json_object_get(f, "loai"));
    json_t *kinds = json_array();
    for (size_t k = 0; k < N(entry_kinds); k++) {
        /* Once sealed, the entry has no name left: only anonymous parts can follow. */
        if (e->sealed && entry_kinds[k] != FB_FEEDBACK && entry_kinds[k] != FB_RECOMMENDATION)
            continue;
        json_array_append_new(kinds, json_pack("{s:s,s:s,s:b}", "key", fb_kind_key(entry_kinds[k]),
                                               "label", fb_kind_label(entry_kinds[k]), "checked",
                                               !strcmp(kind, fb_kind_key(entry_kinds[k]))));
    }
    json_object_set_new(res->model, "kinds", kinds);
    const char *field = json_string_value(json_object_get(f, "linh_vuc"));
    json_t *fields = json_array();
    for (size_t k = 0; k < env->n_fields; k++)
        json_array_append_new(fields, json_pack("{s:s,s:s,s:b}", "key", env->fields[k].key, "label",
                                                env->fields[k].label, "selected",
                                                !strcmp(field, env->fields[k].key)));
    json_object_set_new(res->model, "fields", fields);
    json_object_set_new(res->model, "can_case",
                        json_boolean(http_authorize(r, "feedback.manage", u->code) == 0));
    json_object_set_new(res->model, "unit", rc_unit_json(u));
    json_object_set_new(
        res->model, "list_url",
        json_string(arena_printf(r->a, "/quan-ly/tiep-cong-dan/%s/so?nam=%d", u->code, e->year)));
    res->template = "feedback/reception_entry";
    res->title = arena_printf(r->a, "Sổ tiếp công dân, số %d/%d", e->number, e->year);
    return 0;
}

/* GET /quan-ly/tiep-cong-dan/luot/{id} - reception.manage on the entry's commune. */
static int page_entry(struct http_request *r, struct http_response *res)
{
    struct rc_entry e;
    struct unit u;
    int rc = entry_for(r, &e, &u);
    if (rc)
        return rc;
    return entry_model(r, res, &e, &u);
}

/* The entry page again with the error why and what was typed. */
static int entry_again(struct http_request *r, struct http_response *res, const char *field,
                       const char *error, const char *const *names, size_t n)
{
    struct rc_entry e;
    struct unit u;
    int rc = entry_for(r, &e, &u);
    if (rc)
        return rc;
    if (!res->model)
        res->model = json_object();
    http_form_error(res, field, error);
    json_object_set_new(res->model, "form", rc_typed_form(r, names, n));
    int status = res->status;
    if ((rc = entry_model(r, res, &e, &u)) != 0)
        return rc;
    res->status = status;
    return 0;
}

static const struct http_param_spec case_params[] = {
    {"loai", HP_TEXT, 0, 0, 20},
    {"tieu_de", HP_TEXT, 0, 0, 200},
    {"noi_dung", HP_LINES, 0, 0, 10000},
    {"linh_vuc", HP_TEXT, 0, 0, 32},
};

static int run_to_case(struct db *db, void *arg)
{
    return rc_store_entry_to_case(db, arg);
}

static int after_to_case(struct http_request *r, struct http_response *res, int rc)
{
    struct rc_to_case *x = r->state;
    if (rc == ERR_CONFLICT)
        return entry_again(r, res, "loai",
                           "Lượt tiếp này vừa được cập nhật (danh tính đã được mã hóa vào hồ sơ "
                           "tố cáo); vui lòng xem lại.",
                           case_fields, N(case_fields));
    if (rc)
        return rc;
    res->redirect = arena_printf(r->a, "/quan-ly/y-kien/ho-so/%lld", (long long)x->n.c.id);
    res->flash = arena_printf(r->a, "Đã lập hồ sơ %s, mã %s, từ sổ tiếp công dân.",
                              fb_kind_label(x->n.c.kind), fb_code_display(r->a, x->n.code));
    return 0;
}

/* The case a part of entry e becomes; the reason it cannot (a Vietnamese sentence), or NULL. */
static const char *to_case_read(struct http_request *r, const struct rc_entry *e,
                                struct rc_to_case *x, const char **field)
{
    struct feedback_env *env = fb_env(r);
    struct fb_new *n = &x->n;
    struct fb_case *c = &n->c;
    x->entry_id = e->id;
    n->env = env;
    n->actor = r->user->id;
    c->unit_id = e->unit_id;
    c->channel = FB_IN_PERSON;
    c->received_on = e->day;
    c->received_at = (int64_t)time(NULL);
    int kind = fb_kind_parse(rc_param(r, "loai")), offered = 0;
    for (size_t k = 0; k < N(entry_kinds); k++)
        offered |= kind == (int)entry_kinds[k];
    *field = "loai";
    if (!offered)
        return "Vui lòng chọn loại hồ sơ: phản ánh, kiến nghị, khiếu nại hay tố cáo.";
    c->kind = (enum fb_kind)kind;
    c->title = rc_param(r, "tieu_de");
    c->body = rc_param(r, "noi_dung");
    if (!c->body[0])
        c->body = e->content;
    c->field = "";
    const char *fk = rc_param(r, "linh_vuc");
    for (size_t k = 0; k < env->n_fields; k++)
        if (!strcmp(env->fields[k].key, fk))
            c->field = env->fields[k].key;
    if (!calendar_has_year(env->cal, e->day.y)) {
        *field = "form";
        return "Chưa có lịch ngày nghỉ của năm tiếp công dân để tính thời hạn.";
    }
    if (e->sealed) {
        /* The visitor's identity went sealed into a denunciation: what follows is anonymous. */
        if (c->kind != FB_FEEDBACK && c->kind != FB_RECOMMENDATION)
            return "Danh tính người đến đã được mã hóa vào hồ sơ tố cáo; chỉ có thể lập thêm "
                   "phản ánh, kiến nghị không ghi tên.";
        c->anonymous = 1;
        c->name = c->address = c->phone = c->email = "";
    } else {
        c->name = e->name;
        c->address = e->address;
        c->phone = e->phone;
        c->email = "";
    }
    if (c->kind == FB_DENUNCIATION) {
        if (fb_seal_ready(r->db) != 0) {
            *field = "form";
            return "Chưa có khóa khôi phục (danchu init) nên chưa thể lập hồ sơ tố cáo.";
        }
        n->sealed = 1;
        n->who = (struct fb_identity){c->name, c->address, c->phone, ""};
    }
    *field = "tieu_de";
    if (!c->title[0])
        return "Vui lòng ghi tóm tắt nội dung của hồ sơ này.";
    return NULL;
}

/* POST /quan-ly/tiep-cong-dan/luot/{id}/ho-so - reception.manage and feedback.manage on the
 * entry's commune. "Tạo hồ sơ": loai (feedback|recommendation|complaint|denunciation), tieu_de,
 * noi_dung (this part of the petition; the entry's content when empty), linh_vuc. A case
 * received in person on the entry's day, linked to the entry; repeated, one per part of a mixed
 * petition (Art 25(3)). A denunciation is sealed and the entry's name blanked. */
static int post_to_case(struct http_request *r, struct http_response *res)
{
    struct rc_entry e;
    struct unit u;
    int rc = entry_for(r, &e, &u);
    if (rc == 0)
        rc = http_authorize(r, "feedback.manage", u.code);
    if (rc)
        return rc;
    struct rc_to_case *x = arena_zalloc(r->a, sizeof *x);
    r->state = x;
    const char *field;
    const char *error = to_case_read(r, &e, x, &field);
    if (error)
        return entry_again(r, res, field, error, case_fields, N(case_fields));
    http_defer_write(r, run_to_case, x);
    return HTTP_DEFERRED;
}

static const struct http_param_spec notify_params[] = {
    {"ngay_tb", HP_TEXT, 0, 0, 10},
    {"thong_bao", HP_LINES, 0, 0, 2000},
};

/* That the visitor was told (writer thread). */
struct notify {
    int64_t id;         /* the entry */
    struct date day;    /* when */
    const char *notice; /* what */
    int64_t actor;      /* the official */
};

static int run_notify(struct db *db, void *arg)
{
    struct notify *x = arg;
    return rc_store_entry_notify(db, x->id, x->day, x->notice, x->actor);
}

static int after_notify(struct http_request *r, struct http_response *res, int rc)
{
    if (rc && rc != ERR_CONFLICT)
        return rc;
    res->redirect = arena_printf(r->a, "/quan-ly/tiep-cong-dan/luot/%s", http_arg(r, "id"));
    res->flash = rc ? "Việc thông báo đã được ghi trước đó." : "Đã ghi nhận việc thông báo.";
    return 0;
}

/* POST /quan-ly/tiep-cong-dan/luot/{id}/thong-bao - reception.manage. Records that the visitor
 * was told whether the matter was accepted or forwarded (Art 28): ngay_tb (dd/mm/yyyy, from the
 * day of reception to today), thong_bao (what). */
static int post_notify(struct http_request *r, struct http_response *res)
{
    struct rc_entry e;
    struct unit u;
    int rc = entry_for(r, &e, &u);
    if (rc)
        return rc;
    struct notify *x = arena_zalloc(r->a, sizeof *x);
    r->state = x;
    x->id = e.id;
    x->actor = r->user->id;
    x->notice = rc_param(r, "thong_bao");
    const char *error = NULL;
    if (!e.due_on.y || e.notified_on.y)
        error = "Lượt tiếp này không cần hoặc đã có thông báo.";
    else if (date_parse(rc_param(r, "ngay_tb"), &x->day) != 0 || date_cmp(x->day, e.day) < 0 ||
             date_cmp(x->day, fb_today()) > 0)
        error = "Ngày thông báo có dạng dd/mm/yyyy, từ ngày tiếp đến hôm nay.";
    else if (!x->notice[0])
        error = "Vui lòng ghi nội dung đã thông báo (đã thụ lý, đã chuyển đơn đến...).";
    if (error)
        return entry_again(r, res, "thong_bao", error, notify_fields, N(notify_fields));
    http_defer_write(r, run_notify, x);
    return HTTP_DEFERRED;
}

/* ---- routes ---- */

#define ADMIN "/quan-ly/tiep-cong-dan"

const struct http_route fb_reception_admin_routes[] = {
    {"GET", ADMIN, go_home, NULL, NULL, NULL, HTTP_LOGIN, NULL, 0, 0},
    {"GET", ADMIN "/buoi/{id}", page_session, NULL, NULL, NULL, HTTP_LOGIN, NULL, 0, 0},
    {"POST", ADMIN "/buoi/{id}/huy", post_cancel, after_cancel, NULL, NULL, HTTP_LOGIN,
     cancel_params, N(cancel_params), 0},
    {"POST", ADMIN "/dat-lich/{id}", post_attend, after_attend, NULL, NULL, HTTP_LOGIN,
     attend_params, N(attend_params), 0},
    {"GET", ADMIN "/luot/{id}", page_entry, NULL, NULL, NULL, HTTP_LOGIN, NULL, 0, 0},
    {"POST", ADMIN "/luot/{id}/ho-so", post_to_case, after_to_case, NULL, NULL, HTTP_LOGIN,
     case_params, N(case_params), 0},
    {"POST", ADMIN "/luot/{id}/thong-bao", post_notify, after_notify, NULL, NULL, HTTP_LOGIN,
     notify_params, N(notify_params), 0},
    {"GET", ADMIN "/{code}", page_admin, NULL, "reception.manage", "code", 0, schedule_params,
     N(schedule_params), 0},
    {"POST", ADMIN "/{code}", post_plan, after_plan, "reception.manage", "code", 0, plan_params,
     N(plan_params), 0},
    {"GET", ADMIN "/{code}/so", page_register, NULL, "reception.manage", "code", 0, register_params,
     N(register_params), 0},
    {"GET", ADMIN "/{code}/so/moi", page_entry_new, NULL, "reception.manage", "code", 0,
     entry_new_params, N(entry_new_params), 0},
    {"POST", ADMIN "/{code}/so", post_entry, after_entry_add, "reception.manage", "code", 0,
     entry_params, N(entry_params), 0},
    {"GET", ADMIN "/{code}/so/ban-in.pdf", get_register_pdf, NULL, "reception.manage", "code",
     HTTP_RAW, register_params, N(register_params), 0},
};
const size_t fb_reception_admin_n_routes = N(fb_reception_admin_routes);

/*
 * reception.c - citizen reception (tiếp công dân; DOMAIN table I, I4; issue 4): the public pages
 * and the helpers every page of reception shares (reception.h).
 *
 * Residents, without an account, see the commune's reception sessions for the coming weeks
 * (day, time, place, who receives), with a warning on any week that has no regular session
 * (Reception Law 42/2013 Art 15(2)(d): the chairperson receives at least one day a week), and
 * book a slot: the confirmation has a code of its own, with which they can cancel it. The
 * schedule is built here for the officials' page too (reception_admin.c), which plans the
 * sessions and keeps the register; reception_demo.c makes the demo's.
 *
 * Writes go through the write queue (http_defer_write) and are answered once durable; the store
 * (store_reception.c) checks again what a concurrent write could have changed.
 */
#include <string.h>
#include <time.h>

#include "feedback/reception.h"

#define N(x) (sizeof(x) / sizeof((x)[0]))

static const char *const weekdays[7] = {"Thứ Hai", "Thứ Ba",  "Thứ Tư",  "Thứ Năm",
                                        "Thứ Sáu", "Thứ Bảy", "Chủ nhật"};

static const struct {
    const char *key;   /* reception_bookings.status */
    const char *label; /* shown */
} booking_states[] = {
    {"booked", "Đã đặt"},
    {"cancelled", "Đã hủy"},
    {"attended", "Đã đến"},
    {"no_show", "Không đến"},
};

/* ---- helpers shared by the pages of reception (reception.h) ---- */

const char *rc_weekday(struct date d)
{
    return weekdays[date_weekday(d)];
}

const char *rc_booking_label(const char *status)
{
    for (size_t i = 0; i < N(booking_states); i++)
        if (!strcmp(booking_states[i].key, status))
            return booking_states[i].label;
    return status;
}

const char *rc_param(struct http_request *r, const char *name)
{
    const char *v = http_param(r, name);
    return str_dup(r->a, str_trim(str_c(v ? v : "")));
}

const char *rc_vn(struct arena *a, struct date d)
{
    char *s = arena_alloc(a, 11);
    s[0] = '\0';
    if (d.y)
        date_format_vn(d, s);
    return s;
}

/* "HH:MM" of minutes after midnight (arena). */
static const char *hhmm(struct arena *a, int minutes)
{
    return arena_printf(a, "%02d:%02d", (minutes / 60) % 24, minutes % 60);
}

int rc_time_parse(const char *s)
{
    int h = 0, m = 0, nd = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9' && nd < 2; p++, nd++)
        h = h * 10 + (*p - '0');
    if (!nd)
        return -1;
    if (*p == ':' || *p == 'h' || *p == 'H' || *p == '.') {
        p++;
        int md = 0;
        for (; *p >= '0' && *p <= '9' && md < 2; p++, md++)
            m = m * 10 + (*p - '0');
        if (md == 1 || (md == 0 && p[-1] == ':'))
            return -1;
    }
    if (*p || h > 23 || m > 59)
        return -1;
    return h * 60 + m;
}

/* Minutes after midnight now, in Vietnam (A6). */
static int now_minutes_vn(void)
{
    return (int)((((int64_t)time(NULL) + 7 * 3600) % 86400) / 60);
}

struct date rc_week_start(struct date d)
{
    return date_add_days(d, -date_weekday(d));
}

json_t *rc_unit_json(const struct unit *u)
{
    return json_pack("{s:s,s:s}", "code", u->code, "name", u->name);
}

json_t *rc_typed_form(struct http_request *r, const char *const *names, size_t n)
{
    json_t *f = json_object();
    for (size_t i = 0; i < n; i++) {
        const char *v = http_param(r, names[i]);
        json_object_set_new(f, names[i], json_string(v ? v : ""));
    }
    return f;
}

void rc_form_default(json_t *form, const char *key, const char *def)
{
    const char *v = json_string_value(json_object_get(form, key));
    if (!v || !v[0])
        json_object_set_new(form, key, json_string(def));
}

int64_t rc_id_arg(struct http_request *r, const char *name)
{
    int64_t id;
    return parse_int64(str_c(http_arg(r, name)), 1, INT64_MAX, &id) == 0 ? id : 0;
}

/* ---- the schedule (public and officials' pages) ---- */

/* A session row of rc_store_sessions_json as the pages show it. */
static json_t *session_view(struct http_request *r, json_t *row, const char *url_prefix)
{
    struct date day = {0, 0, 0}, today = fb_today();
    date_parse(json_string_value(json_object_get(row, "day")), &day);
    int64_t id = json_integer_value(json_object_get(row, "id"));
    int slot = (int)json_integer_value(json_object_get(row, "slot_minutes"));
    int start = rc_time_parse(json_string_value(json_object_get(row, "starts")));
    int end = rc_time_parse(json_string_value(json_object_get(row, "ends")));
    int slots = slot > 0 && end > start ? (end - start) / slot : 0;
    int booked = (int)json_integer_value(json_object_get(row, "booked"));
    int cancelled = !strcmp(json_string_value(json_object_get(row, "status")), "cancelled");
    int regular = !strcmp(json_string_value(json_object_get(row, "kind")), "regular");
    /* Bookable while a slot is still ahead: any day after today, or later today. */
    int ahead =
        date_cmp(day, today) > 0 || (date_cmp(day, today) == 0 && end - slot > now_minutes_vn());
    json_t *s = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:i,s:i}", "id", (json_int_t)id,
                          "day", rc_vn(r->a, day), "weekday", day.y ? rc_weekday(day) : "",
                          "starts", json_string_value(json_object_get(row, "starts")), "ends",
                          json_string_value(json_object_get(row, "ends")), "place",
                          json_string_value(json_object_get(row, "place")), "host",
                          json_string_value(json_object_get(row, "host")), "regular", regular,
                          "cancelled", cancelled, "slots", slots, "booked", booked);
    json_object_set_new(s, "free", json_integer(slots - booked));
    json_object_set_new(s, "bookable", json_boolean(!cancelled && ahead && slots - booked > 0));
    json_object_set_new(s, "full", json_boolean(!cancelled && ahead && slots - booked <= 0));
    json_object_set_new(s, "past", json_boolean(!ahead));
    json_object_set_new(s, "url",
                        json_string(arena_printf(r->a, "%s%lld", url_prefix, (long long)id)));
    const char *note = json_string_value(json_object_get(row, "note"));
    if (note && note[0])
        json_object_set_new(s, "note", json_string(note));
    if (cancelled)
        json_object_set_new(s, "cancel_reason",
                            json_string(json_string_value(json_object_get(row, "cancel_reason"))));
    return s;
}

int rc_schedule_model(struct http_request *r, json_t *model, const struct unit *u,
                      struct date first, const char *url_prefix, const char *page_url)
{
    struct date monday = rc_week_start(first), today_monday = rc_week_start(fb_today());
    struct date last = date_add_days(monday, 7 * RC_WEEKS_SHOWN - 1);
    char from[11], to[11];
    date_format_iso(monday, from);
    date_format_iso(last, to);
    json_t *rows;
    int rc = rc_store_sessions_json(r->db, u->id, from, to, &rows);
    if (rc)
        return rc;
    json_t *weeks = json_array();
    size_t k = 0, n_rows = json_array_size(rows);
    int warnings = 0;
    for (int w = 0; w < RC_WEEKS_SHOWN; w++) {
        struct date ws = date_add_days(monday, 7 * w), we = date_add_days(ws, 6);
        char wend[11];
        date_format_iso(we, wend);
        json_t *list = json_array();
        int regular = 0;
        for (; k < n_rows; k++) {
            json_t *row = json_array_get(rows, k);
            if (strcmp(json_string_value(json_object_get(row, "day")), wend) > 0)
                break;
            json_t *s = session_view(r, row, url_prefix);
            regular |= json_is_true(json_object_get(s, "regular")) &&
                       !json_is_true(json_object_get(s, "cancelled"));
            json_array_append_new(list, s);
        }
        warnings += !regular;
        json_array_append_new(
            weeks,
            json_pack("{s:i,s:s,s:o,s:b,s:b,s:b}", "n", w + 1, "label",
                      arena_printf(r->a, "Tuần từ %s đến %s", rc_vn(r->a, ws), rc_vn(r->a, we)),
                      "sessions", list, "has_sessions", json_array_size(list) > 0, "no_regular",
                      !regular, "current", date_cmp(ws, today_monday) == 0));
    }
    json_decref(rows);
    json_object_set_new(model, "weeks", weeks);
    json_object_set_new(model, "warnings", json_integer(warnings));
    json_object_set_new(model, "has_warnings", json_boolean(warnings > 0));
    json_object_set_new(
        model, "next_url",
        json_string(arena_printf(r->a, "%s?tu_ngay=%s", page_url,
                                 rc_vn(r->a, date_add_days(monday, 7 * RC_WEEKS_SHOWN)))));
    if (date_cmp(monday, today_monday) > 0) {
        struct date prev = date_add_days(monday, -7 * RC_WEEKS_SHOWN);
        if (date_cmp(prev, today_monday) < 0)
            prev = today_monday;
        json_object_set_new(
            model, "prev_url",
            json_string(arena_printf(r->a, "%s?tu_ngay=%s", page_url, rc_vn(r->a, prev))));
    }
    return 0;
}

struct date rc_schedule_first(struct http_request *r)
{
    struct date today = fb_today(), d;
    const char *from = http_param(r, "tu_ngay");
    if (from && from[0] && date_parse(from, &d) == 0 &&
        date_cmp(rc_week_start(d), rc_week_start(today)) >= 0 &&
        date_to_days(d) - date_to_days(today) <= 2 * 366)
        return d;
    return today;
}

static const struct http_param_spec schedule_params[] = {
    {"tu_ngay", HP_DATE, 0, 0, 0},
};

/* GET /tiep-cong-dan/{code}?tu_ngay= - public. The commune's reception schedule for the coming
 * weeks, with a warning on a week without a regular session, and where to book. */
static int page_schedule(struct http_request *r, struct http_response *res)
{
    struct unit u;
    int rc = units_get_commune(r->db, http_arg(r, "code"), &u);
    if (rc)
        return rc;
    res->model = json_object();
    json_object_set_new(res->model, "unit", rc_unit_json(&u));
    const char *page = arena_printf(r->a, "/tiep-cong-dan/%s", u.code);
    rc = rc_schedule_model(r, res->model, &u, rc_schedule_first(r),
                           arena_printf(r->a, "/tiep-cong-dan/%s/buoi/", u.code), page);
    if (rc)
        return rc;
    res->template = "feedback/reception_schedule";
    res->title = arena_printf(r->a, "Lịch tiếp công dân – %s", u.name);
    return 0;
}

/* ---- booking a slot (public) ---- */

static const char *const book_fields[] = {"gio", "ho_ten", "dien_thoai", "thon", "noi_dung"};

static const struct http_param_spec book_params[] = {
    {"gio", HP_TEXT, 0, 0, 5},         {"ho_ten", HP_TEXT, 0, 0, 120},
    {"dien_thoai", HP_TEXT, 0, 0, 20}, {"thon", HP_TEXT, 0, 0, 20},
    {"noi_dung", HP_TEXT, 0, 0, 200},
};

/* The session of the {id} capture if it belongs to commune u; ERR_NOT_FOUND otherwise. */
static int session_of_commune(struct http_request *r, const struct unit *u, struct rc_session *s)
{
    int64_t id = rc_id_arg(r, "id");
    int rc = id ? rc_store_session_get(r->db, r->a, id, s) : ERR_NOT_FOUND;
    if (rc == 0 && s->unit_id != u->id)
        rc = ERR_NOT_FOUND;
    return rc;
}

/* 1 when a resident may still take the slot starting at m of s (today: not begun yet). */
static int slot_ahead(const struct rc_session *s, int m)
{
    int c = date_cmp(s->day, fb_today());
    return !s->cancelled && (c > 0 || (c == 0 && m > now_minutes_vn()));
}

json_t *rc_session_json(struct http_request *r, const struct rc_session *s)
{
    json_t *j = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:i}", "id", (json_int_t)s->id,
                          "day", rc_vn(r->a, s->day), "weekday", rc_weekday(s->day), "starts",
                          hhmm(r->a, s->start_min), "ends", hhmm(r->a, s->end_min), "place",
                          s->place, "host", s->host, "regular", s->regular, "cancelled",
                          s->cancelled, "slot_minutes", s->slot_minutes);
    if (s->note[0])
        json_object_set_new(j, "note", json_string(s->note));
    if (s->cancelled)
        json_object_set_new(j, "cancel_reason", json_string(s->cancel_reason));
    return j;
}

/* The booking form's view-model: the session, its free slots, the villages, what was typed. */
static int book_model(struct http_request *r, struct http_response *res, const struct unit *u,
                      const struct rc_session *s)
{
    int held[RC_MAX_SLOTS];
    size_t n_held = 0;
    int rc = rc_store_slots_held(r->db, s->id, held, RC_MAX_SLOTS, &n_held);
    if (rc)
        return rc;
    if (!res->model)
        res->model = json_object();
    json_t *f = json_object_get(res->model, "form");
    if (!f) {
        f = json_object();
        json_object_set_new(res->model, "form", f);
    }
    for (size_t i = 0; i < N(book_fields); i++)
        rc_form_default(f, book_fields[i], "");
    const char *chosen = json_string_value(json_object_get(f, "gio"));
    json_t *slots = json_array();
    for (int m = s->start_min; s->slot_minutes > 0 && m + s->slot_minutes <= s->end_min;
         m += s->slot_minutes) {
        int taken = 0;
        for (size_t i = 0; i < n_held; i++)
            taken |= held[i] == m;
        if (taken || !slot_ahead(s, m))
            continue;
        const char *t = hhmm(r->a, m);
        json_array_append_new(slots, json_pack("{s:s,s:s,s:b}", "time", t, "until",
                                               hhmm(r->a, m + s->slot_minutes), "checked",
                                               !strcmp(chosen, t)));
    }
    json_object_set_new(res->model, "has_slots", json_boolean(json_array_size(slots) > 0));
    json_object_set_new(res->model, "slots", slots);
    struct unit *villages;
    size_t nv;
    if ((rc = units_villages_of(r->db, r->a, u->id, &villages, &nv)) != 0)
        return rc;
    const char *vchosen = json_string_value(json_object_get(f, "thon"));
    json_t *vs = json_array();
    for (size_t i = 0; i < nv; i++)
        json_array_append_new(vs, json_pack("{s:s,s:s,s:b}", "code", villages[i].code, "name",
                                            villages[i].name, "selected",
                                            !strcmp(vchosen, villages[i].code)));
    json_object_set_new(res->model, "villages", vs);
    json_object_set_new(res->model, "unit", rc_unit_json(u));
    json_object_set_new(res->model, "session", rc_session_json(r, s));
    res->template = "feedback/reception_book";
    res->title = arena_printf(r->a, "Đặt lịch tiếp công dân – %s", u->name);
    return 0;
}

/* GET /tiep-cong-dan/{code}/buoi/{id} - public. The form to book a slot of a session. */
static int page_book(struct http_request *r, struct http_response *res)
{
    struct unit u;
    struct rc_session s;
    int rc = units_get_commune(r->db, http_arg(r, "code"), &u);
    if (rc == 0)
        rc = session_of_commune(r, &u, &s);
    if (rc)
        return rc;
    res->model = json_object();
    return book_model(r, res, &u, &s);
}

static int run_book(struct db *db, void *arg)
{
    return rc_store_book(db, arg);
}

/* The booking form again with what was typed and why (status). */
static int book_again(struct http_request *r, struct http_response *res, int status)
{
    struct unit u;
    struct rc_session s;
    int rc = units_get_commune(r->db, http_arg(r, "code"), &u);
    if (rc == 0)
        rc = session_of_commune(r, &u, &s);
    if (rc)
        return rc;
    json_object_set_new(res->model, "form", rc_typed_form(r, book_fields, N(book_fields)));
    if ((rc = book_model(r, res, &u, &s)) != 0)
        return rc;
    res->status = status;
    return 0;
}

static int after_book(struct http_request *r, struct http_response *res, int rc)
{
    struct rc_booking *b = r->state;
    if (rc == ERR_CONFLICT) {
        /* Someone took the slot (or the session was cancelled) meanwhile. */
        res->model = json_object();
        http_form_error(res, "gio",
                        "Khung giờ này vừa có người khác đặt hoặc buổi tiếp đã thay đổi; vui "
                        "lòng chọn giờ khác.");
        return book_again(r, res, 409);
    }
    if (rc)
        return rc;
    res->redirect = arena_printf(r->a, "/tiep-cong-dan/lich-hen/%s", b->code);
    res->flash = arena_printf(r->a, "Đã đặt lịch. Mã lịch hẹn của bạn là %s.",
                              fb_code_display(r->a, b->code));
    return 0;
}

/* POST /tiep-cong-dan/{code}/buoi/{id} - public (CSRF, rate-limited per address). Books the slot
 * gio for ho_ten, dien_thoai, thon, noi_dung; a slot held already is refused (409). */
static int post_book(struct http_request *r, struct http_response *res)
{
    struct feedback_env *env = fb_env(r);
    struct unit u;
    struct rc_session s;
    int rc = units_get_commune(r->db, http_arg(r, "code"), &u);
    if (rc == 0)
        rc = session_of_commune(r, &u, &s);
    if (rc)
        return rc;
    res->model = json_object();
    struct rc_booking *b = arena_zalloc(r->a, sizeof *b);
    r->state = b;
    b->session_id = s.id;
    int bad = 0;
    if (s.cancelled) {
        http_form_error(res, "gio", "Buổi tiếp này đã hủy; vui lòng chọn buổi khác.");
        bad = 1;
    }
    b->slot_min = rc_time_parse(rc_param(r, "gio"));
    int on_grid = b->slot_min >= s.start_min && b->slot_min + s.slot_minutes <= s.end_min &&
                  (b->slot_min - s.start_min) % s.slot_minutes == 0;
    if (!bad && (!on_grid || !slot_ahead(&s, b->slot_min))) {
        http_form_error(res, "gio", "Vui lòng chọn một khung giờ còn trống.");
        bad = 1;
    }
    b->name = rc_param(r, "ho_ten");
    if (!b->name[0]) {
        http_form_error(res, "ho_ten", "Vui lòng ghi họ và tên.");
        bad = 1;
    }
    const char *phone = rc_param(r, "dien_thoai");
    if (!(b->phone = fb_phone_of(r->a, phone))) {
        http_form_error(res, "dien_thoai",
                        "Vui lòng ghi số điện thoại (chỉ gồm chữ số, ví dụ 0912345678) để xã báo "
                        "khi lịch thay đổi.");
        bad = 1;
    }
    const char *vcode = rc_param(r, "thon");
    if (vcode[0]) {
        struct unit v;
        if (units_get(r->db, vcode, &v) != 0 || v.parent_id != u.id) {
            http_form_error(res, "thon", "Thôn, tổ dân phố không thuộc đơn vị này.");
            bad = 1;
        } else {
            b->village_id = v.id;
        }
    }
    b->subject = rc_param(r, "noi_dung");
    if (!b->subject[0]) {
        http_form_error(res, "noi_dung", "Vui lòng ghi ngắn gọn việc bạn muốn trình bày.");
        bad = 1;
    }
    if (!bad && env->submit_rl &&
        ratelimit_hit(env->submit_rl, arena_printf(r->a, "rcp:%s", r->ip), (int64_t)time(NULL))) {
        http_form_error(res, "form",
                        "Bạn đã đặt lịch nhiều lần trong thời gian ngắn; vui lòng thử lại sau.");
        res->status = 429;
        bad = 1;
    }
    if (bad)
        return book_again(r, res, res->status);
    char *code = arena_alloc(r->a, FB_CODE_SIZE);
    fb_code_new(code);
    b->code = code;
    json_decref(res->model);
    res->model = NULL;
    http_defer_write(r, run_book, b);
    return HTTP_DEFERRED;
}

/* The booking of the {ma} capture (typed any way), ERR_NOT_FOUND otherwise. */
static int booking_by_code(struct http_request *r, struct rc_booking *b)
{
    const char *code = fb_code_normal(r->a, http_arg(r, "ma"));
    if (!code)
        return ERR_NOT_FOUND;
    return rc_store_booking_by_code(r->db, r->a, code, b);
}

/* GET /tiep-cong-dan/lich-hen/{ma} - public (the code is the key). A booking: the session, the
 * slot, its state, and a button to cancel it while it is ahead. Never the person's phone. */
static int page_booking(struct http_request *r, struct http_response *res)
{
    struct rc_booking b;
    struct rc_session s;
    struct unit u;
    int rc = booking_by_code(r, &b);
    if (rc == 0)
        rc = rc_store_session_get(r->db, r->a, b.session_id, &s);
    if (rc == 0)
        rc = units_get_id(r->db, s.unit_id, &u);
    if (rc)
        return rc;
    res->model = json_object();
    json_object_set_new(res->model, "unit", rc_unit_json(&u));
    json_object_set_new(res->model, "session", rc_session_json(r, &s));
    json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "code", b.code, "code_display",
                          fb_code_display(r->a, b.code), "slot", hhmm(r->a, b.slot_min), "until",
                          hhmm(r->a, b.slot_min + s.slot_minutes), "subject", b.subject,
                          "status_label", rc_booking_label(b.status));
    json_object_set_new(j, "can_cancel",
                        json_boolean(!strcmp(b.status, "booked") && slot_ahead(&s, b.slot_min)));
    json_object_set_new(j, "cancelled", json_boolean(!strcmp(b.status, "cancelled")));
    json_object_set_new(res->model, "booking", j);
    res->template = "feedback/reception_booking";
    res->title = arena_printf(r->a, "Lịch hẹn tiếp công dân %s", fb_code_display(r->a, b.code));
    return 0;
}

int rc_run_booking_set(struct db *db, void *arg)
{
    struct rc_booking_set *x = arg;
    return rc_store_booking_set(db, x->id, x->status, x->actor);
}

static int after_unbook(struct http_request *r, struct http_response *res, int rc)
{
    if (rc && rc != ERR_CONFLICT)
        return rc;
    res->redirect = arena_printf(r->a, "/tiep-cong-dan/lich-hen/%s", http_arg(r, "ma"));
    res->flash = rc ? "Lịch hẹn này không còn hủy được." : "Đã hủy lịch hẹn.";
    return 0;
}

/* POST /tiep-cong-dan/lich-hen/{ma}/huy - public (CSRF; the code is the key). Cancels a booking
 * still ahead, which frees its slot. */
static int post_unbook(struct http_request *r, struct http_response *res)
{
    struct rc_booking b;
    struct rc_session s;
    int rc = booking_by_code(r, &b);
    if (rc == 0)
        rc = rc_store_session_get(r->db, r->a, b.session_id, &s);
    if (rc)
        return rc;
    if (strcmp(b.status, "booked") || !slot_ahead(&s, b.slot_min))
        return after_unbook(r, res, ERR_CONFLICT);
    struct rc_booking_set *x = arena_zalloc(r->a, sizeof *x);
    *x = (struct rc_booking_set){b.id, "cancelled", 0};
    r->state = x;
    http_defer_write(r, rc_run_booking_set, x);
    return HTTP_DEFERRED;
}

/* ---- routes ---- */

const struct http_route fb_reception_routes[] = {
    {"GET", "/tiep-cong-dan/lich-hen/{ma}", page_booking, NULL, NULL, NULL, HTTP_SECRET_URL, NULL,
     0, 0},
    {"POST", "/tiep-cong-dan/lich-hen/{ma}/huy", post_unbook, after_unbook, NULL, NULL,
     HTTP_SECRET_URL, NULL, 0, 0},
    {"GET", "/tiep-cong-dan/{code}", page_schedule, NULL, NULL, NULL, 0, schedule_params,
     N(schedule_params), 0},
    {"GET", "/tiep-cong-dan/{code}/buoi/{id}", page_book, NULL, NULL, NULL, 0, NULL, 0, 0},
    {"POST", "/tiep-cong-dan/{code}/buoi/{id}", post_book, after_book, NULL, NULL, 0, book_params,
     N(book_params), 0},
};
const size_t fb_reception_n_routes = N(fb_reception_routes);

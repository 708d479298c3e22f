/*
 * reception.h - internal to src/feedback: citizen reception (tiếp công dân; DOMAIN table I, I4;
 * issue 4). The chairperson's reception sessions published for the coming weeks, with a warning
 * for a week without a regular one (Reception Law Art 15(2)(d): at least one day a week); the
 * slots residents book in them without an account; the reception register (sổ tiếp công dân,
 * Art 25(2)) numbered per commune and year without gaps, with the clock of Art 28 (the rule
 * set's reception_notify: 10 working days), printed as an A4 table; and an entry turned into one
 * or more cases (Art 25(3)) through fb_store_create, a denunciation's identity sealed.
 *
 * reception.c holds the public pages (schedule, booking, cancelling it) and the helpers the
 * pages share, reception_admin.c the officials' pages (sessions, bookings, the register and its
 * PDF, "Tạo hồ sơ", the Art 28 notice), reception_demo.c the demo, store_reception.c every SQL
 * statement (migration 0020). A booking is not a case: it holds a slot, has a code of its own,
 * and goes into the register only when an official writes the entry.
 */
#ifndef DANCHU_FEEDBACK_RECEPTION_H
#define DANCHU_FEEDBACK_RECEPTION_H

#include "feedback/internal.h"

/* Weeks the schedule shows from its first week. */
#define RC_WEEKS_SHOWN 6
/* A plan repeated weekly covers at most this many weeks. */
#define RC_MAX_REPEAT 26
/* Slots in one session at most (e.g. 8 hours of 10 minutes). */
#define RC_MAX_SLOTS 48

/* One reception session (buổi tiếp công dân). Strings are arena memory. */
struct rc_session {
    int64_t id;                /* reception_sessions.id */
    int64_t unit_id;           /* the commune */
    struct date day;           /* the day (Vietnam) */
    int start_min;             /* starts, minutes after midnight */
    int end_min;               /* ends, minutes after midnight */
    const char *place;         /* where ("Phòng tiếp công dân, UBND phường") */
    const char *host;          /* who receives ("Chủ tịch UBND Nguyễn Văn A") */
    int slot_minutes;          /* length of one booking slot */
    int regular;               /* 1: regular (định kỳ), 0: ad hoc (đột xuất) */
    const char *note;          /* or "" */
    int cancelled;             /* cancelled, with ... */
    const char *cancel_reason; /* ... this reason, or "" */
};

/* New sessions: s on each of days (a weekly plan expanded), one write. */
struct rc_session_new {
    int64_t actor;                   /* the official */
    struct rc_session s;             /* what every session is (its day is ignored) */
    struct date days[RC_MAX_REPEAT]; /* the days */
    size_t n_days;                   /* their count */
    int64_t ids[RC_MAX_REPEAT];      /* out: the sessions' ids, as days */
};

/* A booking of one slot. */
struct rc_booking {
    int64_t id;          /* reception_bookings.id */
    int64_t session_id;  /* the session */
    const char *code;    /* 10 characters: the resident's link to it */
    int slot_min;        /* the slot's start, minutes after midnight */
    const char *name;    /* who comes */
    const char *phone;   /* their phone */
    int64_t village_id;  /* where they live (a village of the commune), or 0 */
    const char *subject; /* what about, in short */
    const char *status;  /* booked cancelled attended no_show */
};

/* One entry of the reception register (Art 25(2)). Strings are arena memory. */
struct rc_entry {
    int64_t id;           /* reception_register.id */
    int64_t unit_id;      /* the commune */
    int year;             /* the register's year (of day) */
    int number;           /* its number in that year's register, from 1 */
    struct date day;      /* the day of reception */
    const char *name;     /* the visitor ("" once sealed) */
    const char *address;  /* their address ("" once sealed) */
    const char *phone;    /* or "" */
    const char *content;  /* what they came about */
    const char *prior;    /* prior handling: whether and where it was dealt with before */
    const char *request;  /* what they ask */
    const char *handling; /* guided received forwarded */
    const char *action; /* what was done (hướng dẫn, tiếp nhận đơn, chuyển đơn...) */
    const char *officer;     /* who received them */
    int64_t officer_id;      /* their account, or 0 */
    int64_t booking_id;      /* the booking they came with, or 0 */
    struct date due_on;      /* Art 28: tell the visitor by then (rc_notify_due; {0} when
                                guided on the spot) */
    struct date notified_on; /* told on, or {0} */
    const char *notice;      /* what they were told, or "" */
    int sealed;              /* identity sealed into a denunciation case, blanked here */
};

/* An entry turned into a case: the case to create and the entry it comes from (one write). */
struct rc_to_case {
    int64_t entry_id; /* the entry */
    struct fb_new n;  /* the case, as post_record in admin.c makes it */
};

/* ---- store_reception.c: every SQL statement of citizen reception ---- */
int rc_store_sessions_add(struct db *db, struct rc_session_new *in);
int rc_store_session_get(struct db *db, struct arena *a, int64_t id, struct rc_session *out);
/* Sessions of a commune with day in [from, to] (yyyy-mm-dd), cancelled ones included, in day
 * and time order, each with `booked` (bookings not cancelled), as JSON rows. */
int rc_store_sessions_json(struct db *db, int64_t unit_id, const char *from, const char *to,
                           json_t **out);
/* ERR_CONFLICT when the session is already cancelled. Audited. */
int rc_store_session_cancel(struct db *db, int64_t id, const char *reason, int64_t actor);
/* The starts (minutes) of the slots of a session held by bookings not cancelled, into
 * held[0..*n) (at most max). */
int rc_store_slots_held(struct db *db, int64_t session_id, int *held, size_t max, size_t *n);
/* Bookings of a session in slot order, with the village's name, as JSON rows. */
int rc_store_bookings_json(struct db *db, int64_t session_id, json_t **out);
/* Books b (code and slot set by the caller) on a planned session: ERR_CONFLICT when the slot is
 * held (the unique index decides, so two residents at once cannot both get it) or the session
 * was cancelled meanwhile. b->id is set. Audited without the person's details. */
int rc_store_book(struct db *db, struct rc_booking *b);
int rc_store_booking_get(struct db *db, struct arena *a, int64_t id, struct rc_booking *out);
int rc_store_booking_by_code(struct db *db, struct arena *a, const char *code,
                             struct rc_booking *out);
/* Sets a booking's status (attended, no_show, cancelled) from `booked` or, for an official's
 * correction, from attended/no_show; ERR_CONFLICT when it is cancelled. Audited. */
int rc_store_booking_set(struct db *db, int64_t id, const char *status, int64_t actor);
/* Adds e to its commune's register of e->year under the next number (e->number, e->id set):
 * counter and entry in the caller's transaction, so numbers have no gaps. Audited. */
int rc_store_entry_add(struct db *db, struct rc_entry *e, int64_t actor);
int rc_store_entry_get(struct db *db, struct arena *a, int64_t id, struct rc_entry *out);
/* A commune's register of one year in number order (columns as rc_store_entry_get's plus
 * n_cases), into a table with room for extra_cols more columns. */
int rc_store_register_rows(struct db *db, struct arena *a, int64_t unit_id, int year,
                           size_t extra_cols, struct rows **out);
/* The years a commune's register has entries in, newest first, as JSON rows {year, n}. */
int rc_store_register_years_json(struct db *db, int64_t unit_id, json_t **out);
/* The cases made from an entry {id, code, kind, title, status} as JSON rows. */
int rc_store_entry_cases_json(struct db *db, int64_t entry_id, json_t **out);
/* Creates in->n's case (fb_store_create), links it to the entry, and for a sealed one blanks the
 * entry's name, address and phone. Audited. */
int rc_store_entry_to_case(struct db *db, struct rc_to_case *in);
/* Records that the visitor was told (Art 28) on day, with what. ERR_CONFLICT when already
 * recorded. Audited. */
int rc_store_entry_notify(struct db *db, int64_t id, struct date day, const char *notice,
                          int64_t actor);

/* ---- reception.c: the public pages, and helpers for every page of reception ---- */

/* "Thứ Hai" ... "Chủ nhật" of d. */
const char *rc_weekday(struct date d);
/* "Đã đặt", "Đã hủy"... of a reception_bookings.status, or the status itself. */
const char *rc_booking_label(const char *status);
/* The trimmed value of a declared parameter, "" when absent (arena). */
const char *rc_param(struct http_request *r, const char *name);
/* dd/mm/yyyy of d, "" for an unset date (arena). */
const char *rc_vn(struct arena *a, struct date d);
/* Minutes after midnight of a time as people type it: "7:30", "07:30", "7h30", "7h", "7.30";
 * -1 when it is not one. */
int rc_time_parse(const char *s);
/* The Monday of d's week. */
struct date rc_week_start(struct date d);
/* {code, name} of a unit. */
json_t *rc_unit_json(const struct unit *u);
/* The form's typed values of names[0..n) as a JSON object (what comes back with errors). */
json_t *rc_typed_form(struct http_request *r, const char *const *names, size_t n);
/* Sets form[key] to def when it is missing or empty. */
void rc_form_default(json_t *form, const char *key, const char *def);
/* The id in capture name, or 0. */
int64_t rc_id_arg(struct http_request *r, const char *name);
/* The facts of a session every page shows, as JSON. */
json_t *rc_session_json(struct http_request *r, const struct rc_session *s);
/* The weeks from the one holding first (RC_WEEKS_SHOWN of them) with their sessions, each
 * flagged no_regular when it has no regular session that is not cancelled (Art 15(2)(d)); a
 * session links to url_prefix followed by its id. Sets model keys weeks, warnings (how many weeks
 * lack one), and the neighbouring pages of page_url. */
int rc_schedule_model(struct http_request *r, json_t *model, const struct unit *u,
                      struct date first, const char *url_prefix, const char *page_url);
/* The first day a schedule page shows: the parameter tu_ngay when given and not before this
 * week, else today. */
struct date rc_schedule_first(struct http_request *r);

/* A booking's status change (writer thread: rc_run_booking_set). */
struct rc_booking_set {
    int64_t id;         /* the booking */
    const char *status; /* cancelled attended no_show */
    int64_t actor;      /* the official, or 0 for the resident */
};
int rc_run_booking_set(struct db *db, void *arg);

/* Residents' routes: the schedule, booking a slot, a booking and its cancelling. */
extern const struct http_route fb_reception_routes[];
extern const size_t fb_reception_n_routes;

/* ---- reception_admin.c: the officials' pages ---- */

/* The Art 28 clock of an entry on day today: its state (FB_NOT_APPLICABLE when the visitor was
 * answered on the spot), and the working days left while it runs. soon_days as the feedback
 * rules'. 0, or ERR_INVALID when the calendar lacks a year it needs. */
int rc_art28_state(const struct calendar *cal, const struct rc_entry *e, struct date today,
                   int soon_days, enum fb_clock_state *state, int *days_left);
/* The last day to tell a visitor received on day whether the matter was accepted or forwarded
 * (Art 28): the reception_notify period of the feedback rules in force on that day. {0} when
 * the rule set switches the period off (0 days). 0, or ERR_INVALID (due {0}) when the calendar
 * lacks a year it needs. */
int rc_notify_due(const struct feedback_env *env, struct date day, struct date *due);

/* Officials' routes under /quan-ly/tiep-cong-dan (reception.manage). */
extern const struct http_route fb_reception_admin_routes[];
extern const size_t fb_reception_admin_n_routes;

/* ---- reception_demo.c ---- */

/* The demo (called by the app's demo): a weekly plan of Thursday-morning sessions held by the
 * chairperson over the coming weeks, a few bookings, and a register of about twenty past entries
 * of commune_code, some turned into cases through fb_store_create; officer (an official of the
 * commune, or 0) records them. Deterministic for seed and today. Runs in the caller's
 * transaction. 0 or an ERR_* code. */
int fb_reception_demo(struct db *db, const struct feedback_env *env, const char *commune_code,
                      int64_t officer, unsigned seed);

#endif

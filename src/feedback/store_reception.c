/*
 * store_reception.c - all SQL of citizen reception (migration 0020): sessions, bookings, the
 * reception register and its links to cases. Every write appends an audit row in the caller's
 * transaction; none carries a person's name or phone (audit details are object ids only).
 * Statements are static so each connection caches them.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "feedback/reception.h"

static const char sql_session_insert[] =
    "INSERT INTO reception_sessions (unit_id, day, starts, ends, place, host, slot_minutes, kind, "
    "note, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
    "$11, $11) RETURNING id";
static const char sql_session_get[] =
    "SELECT id, unit_id, day, starts, ends, place, host, slot_minutes, kind, note, status, "
    "cancel_reason FROM reception_sessions WHERE id = $1";
static const char sql_sessions[] =
    "SELECT s.id, s.day, s.starts, s.ends, s.place, s.host, s.slot_minutes, s.kind, s.note, "
    "s.status, s.cancel_reason, COUNT(b.id) AS booked FROM reception_sessions s "
    "LEFT JOIN reception_bookings b ON b.session_id = s.id AND b.status <> 'cancelled' "
    "WHERE s.unit_id = $1 AND s.day >= $2 AND s.day <= $3 GROUP BY s.id "
    "ORDER BY s.day, s.starts, s.id";
static const char sql_session_cancel[] =
    "UPDATE reception_sessions SET status = 'cancelled', cancel_reason = $2, updated_at = $3 "
    "WHERE id = $1 AND status = 'planned'";
static const char sql_session_unit[] = "SELECT unit_id FROM reception_sessions WHERE id = $1";

static const char sql_slots_held[] =
    "SELECT slot FROM reception_bookings WHERE session_id = $1 AND status <> 'cancelled'";
static const char sql_bookings[] =
    "SELECT id, code, slot, name, phone, COALESCE(village_id, 0) AS village_id, subject, status "
    "FROM reception_bookings WHERE session_id = $1 ORDER BY slot, id";
static const char sql_book_session[] =
    "SELECT unit_id, status FROM reception_sessions WHERE id = $1";
static const char sql_book[] =
    "INSERT INTO reception_bookings (session_id, code, slot, name, phone, village_id, subject, "
    "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id";
#define BOOKING_COLUMNS                                                                            \
    "SELECT id, session_id, code, slot, name, phone, COALESCE(village_id, 0), subject, status "    \
    "FROM reception_bookings "
static const char sql_booking_get[] = BOOKING_COLUMNS "WHERE id = $1";
static const char sql_booking_by_code[] = BOOKING_COLUMNS "WHERE code = $1";
static const char sql_booking_cancel[] = "UPDATE reception_bookings SET status = 'cancelled', "
                                         "updated_at = $2 WHERE id = $1 AND status = 'booked'";
static const char sql_booking_mark[] = "UPDATE reception_bookings SET status = $2, updated_at = $3 "
                                       "WHERE id = $1 AND status <> 'cancelled'";
static const char sql_booking_unit[] =
    "SELECT s.unit_id FROM reception_bookings b JOIN reception_sessions s ON s.id = b.session_id "
    "WHERE b.id = $1";

static const char sql_counter_init[] =
    "INSERT INTO reception_register_counters (unit_id, year, last_number) VALUES ($1, $2, 0) "
    "ON CONFLICT (unit_id, year) DO NOTHING";
static const char sql_counter_bump[] = "UPDATE reception_register_counters SET last_number = "
                                       "last_number + 1 WHERE unit_id = $1 AND year = $2";
static const char sql_counter_get[] =
    "SELECT last_number FROM reception_register_counters WHERE unit_id = $1 AND year = $2";
static const char sql_entry_insert[] =
    "INSERT INTO reception_register (unit_id, year, number, day, name, address, phone, content, "
    "prior_handling, request, handling, action_taken, officer, officer_id, booking_id, due_on, "
    "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
    "$15, $16, $17, $17) RETURNING id";
static const char sql_entry_get[] =
    "SELECT id, unit_id, year, number, day, name, address, phone, content, prior_handling, "
    "request, handling, action_taken, officer, COALESCE(officer_id, 0), COALESCE(booking_id, 0), "
    "due_on, notified_on, notice, sealed FROM reception_register WHERE id = $1";
static const char sql_register[] =
    "SELECT r.id, r.number, r.day, r.name, r.address, r.phone, r.content, r.prior_handling, "
    "r.request, r.handling, r.action_taken, r.officer, r.due_on, r.notified_on, r.sealed, "
    "COUNT(l.case_id) AS n_cases FROM reception_register r "
    "LEFT JOIN reception_register_cases l ON l.entry_id = r.id "
    "WHERE r.unit_id = $1 AND r.year = $2 GROUP BY r.id ORDER BY r.number";
static const char sql_years[] = "SELECT year, COUNT(*) AS n FROM reception_register WHERE "
                                "unit_id = $1 GROUP BY year ORDER BY year DESC";
static const char sql_entry_cases[] =
    "SELECT c.id, c.code, c.kind, c.title, c.status FROM reception_register_cases l "
    "JOIN cases c ON c.id = l.case_id WHERE l.entry_id = $1 ORDER BY c.id";
static const char sql_link[] =
    "INSERT INTO reception_register_cases (entry_id, case_id, created_at) VALUES ($1, $2, $3)";
static const char sql_entry_seal[] = "UPDATE reception_register SET name = '', address = '', "
                                     "phone = '', sealed = 1, updated_at = $2 WHERE id = $1";
static const char sql_entry_unit[] = "SELECT unit_id FROM reception_register WHERE id = $1";
static const char sql_entry_notify[] =
    "UPDATE reception_register SET notified_on = $2, notice = $3, updated_at = $4 "
    "WHERE id = $1 AND notified_on = ''";

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

/* "HH:MM" of minutes after midnight. */
static const char *hhmm(int minutes, char out[6])
{
    unsigned m = minutes > 0 ? (unsigned)minutes : 0;
    snprintf(out, 6, "%02u:%02u", (m / 60) % 24, m % 60);
    return out;
}

/* Minutes after midnight of "HH:MM", or -1. */
static int minutes_of(const char *s)
{
    if (strlen(s) != 5 || s[2] != ':')
        return -1;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    return h >= 0 && h < 24 && m >= 0 && m < 60 ? h * 60 + m : -1;
}

static struct date date_or_zero(const char *s)
{
    struct date d = {0, 0, 0};
    if (s && s[0] && date_parse(s, &d) != 0)
        d = (struct date){0, 0, 0};
    return d;
}

/* "yyyy-mm-dd" of d, or "" for an unset date. */
static const char *iso_or_empty(struct date d, char out[11])
{
    out[0] = '\0';
    if (d.y)
        date_format_iso(d, out);
    return out;
}

static const char *text(struct arena *a, struct db_stmt *st, int col)
{
    return arena_strdup(a, db_col_text(st, col));
}

/* The one integer of a one-row query on id, or ERR_NOT_FOUND. */
static int one_int(struct db *db, const char *sql, int64_t id, int64_t *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        *out = db_col_int(st, 0);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_NOT_FOUND;
    }
    db_reset(st);
    return rc;
}

static int audit(struct db *db, int64_t actor, int64_t unit_id, const char *action,
                 const char *kind, int64_t id, const char *detail)
{
    char obj[48];
    snprintf(obj, sizeof obj, "%s:%lld", kind, (long long)id);
    return audit_append(db, actor, unit_id, action, obj, detail ? detail : "");
}

/* ---- sessions ---- */

static int session_insert(struct db *db, const struct rc_session *s, struct date day, int64_t actor,
                          int64_t *id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_session_insert, &st);
    if (rc)
        return rc;
    char d[11], a[6], b[6];
    date_format_iso(day, d);
    db_bind_int(st, 1, s->unit_id);
    db_bind_cstr(st, 2, d);
    db_bind_cstr(st, 3, hhmm(s->start_min, a));
    db_bind_cstr(st, 4, hhmm(s->end_min, b));
    db_bind_cstr(st, 5, s->place);
    db_bind_cstr(st, 6, s->host);
    db_bind_int(st, 7, s->slot_minutes);
    db_bind_cstr(st, 8, s->regular ? "regular" : "adhoc");
    db_bind_cstr(st, 9, s->note ? s->note : "");
    db_bind_id(st, 10, actor);
    db_bind_int(st, 11, now_s());
    rc = db_step(st);
    if (rc == DB_ROW)
        *id = db_col_int(st, 0);
    db_reset(st);
    return rc == DB_ROW ? 0 : rc < 0 ? rc : ERR_DB;
}

int rc_store_sessions_add(struct db *db, struct rc_session_new *in)
{
    for (size_t i = 0; i < in->n_days; i++) {
        char d[11];
        int rc = session_insert(db, &in->s, in->days[i], in->actor, &in->ids[i]);
        if (rc == 0)
            rc = audit(db, in->actor, in->s.unit_id, "reception.plan", "session", in->ids[i],
                       iso_or_empty(in->days[i], d));
        if (rc)
            return rc;
    }
    return 0;
}

int rc_store_session_get(struct db *db, struct arena *a, int64_t id, struct rc_session *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_session_get, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        memset(out, 0, sizeof *out);
        out->id = db_col_int(st, 0);
        out->unit_id = db_col_int(st, 1);
        out->day = date_or_zero(db_col_text(st, 2));
        out->start_min = minutes_of(db_col_text(st, 3));
        out->end_min = minutes_of(db_col_text(st, 4));
        out->place = text(a, st, 5);
        out->host = text(a, st, 6);
        out->slot_minutes = (int)db_col_int(st, 7);
        out->regular = strcmp(db_col_text(st, 8), "regular") == 0;
        out->note = text(a, st, 9);
        out->cancelled = strcmp(db_col_text(st, 10), "cancelled") == 0;
        out->cancel_reason = text(a, st, 11);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_NOT_FOUND;
    }
    db_reset(st);
    return rc;
}

int rc_store_sessions_json(struct db *db, int64_t unit_id, const char *from, const char *to,
                           json_t **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_sessions, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    db_bind_cstr(st, 2, from);
    db_bind_cstr(st, 3, to);
    return db_rows_json(st, out);
}

int rc_store_session_cancel(struct db *db, int64_t id, const char *reason, int64_t actor)
{
    int64_t unit_id;
    int rc = one_int(db, sql_session_unit, id, &unit_id);
    if (rc)
        return rc;
    struct db_stmt *st;
    if ((rc = db_prepare(db, sql_session_cancel, &st)) != 0)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_cstr(st, 2, reason);
    db_bind_int(st, 3, now_s());
    int64_t changed = 0;
    if ((rc = db_run(st, &changed)) != 0)
        return rc;
    if (changed != 1)
        return ERR_CONFLICT;
    return audit(db, actor, unit_id, "reception.cancel", "session", id, NULL);
}

/* ---- bookings ---- */

int rc_store_slots_held(struct db *db, int64_t session_id, int *held, size_t max, size_t *n)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_slots_held, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, session_id);
    *n = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        int m = minutes_of(db_col_text(st, 0));
        if (m >= 0 && *n < max)
            held[(*n)++] = m;
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int rc_store_bookings_json(struct db *db, int64_t session_id, json_t **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_bookings, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, session_id);
    return db_rows_json(st, out);
}

int rc_store_book(struct db *db, struct rc_booking *b)
{
    b->id = 0;
    struct db_stmt *st;
    int rc = db_prepare(db, sql_book_session, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, b->session_id);
    rc = db_step(st);
    int64_t unit_id = 0;
    int planned = 0;
    if (rc == DB_ROW) {
        unit_id = db_col_int(st, 0);
        planned = strcmp(db_col_text(st, 1), "planned") == 0;
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    if (rc == DB_DONE)
        return ERR_NOT_FOUND;
    if (!planned)
        return ERR_CONFLICT; /* cancelled while the resident was choosing */
    if ((rc = db_prepare(db, sql_book, &st)) != 0)
        return rc;
    char slot[6];
    db_bind_int(st, 1, b->session_id);
    db_bind_cstr(st, 2, b->code);
    db_bind_cstr(st, 3, hhmm(b->slot_min, slot));
    db_bind_cstr(st, 4, b->name);
    db_bind_cstr(st, 5, b->phone);
    db_bind_id(st, 6, b->village_id);
    db_bind_cstr(st, 7, b->subject);
    db_bind_int(st, 8, now_s());
    rc = db_step(st);
    if (rc == DB_ROW)
        b->id = db_col_int(st, 0);
    db_reset(st);
    if (rc != DB_ROW)
        return rc < 0 ? rc : ERR_DB; /* ERR_CONFLICT: the slot was taken */
    return audit(db, 0, unit_id, "reception.book", "booking", b->id, NULL);
}

static int booking_one(struct db *db, struct arena *a, const char *sql, int64_t id,
                       const char *code, struct rc_booking *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    if (code)
        db_bind_cstr(st, 1, code);
    else
        db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        memset(out, 0, sizeof *out);
        out->id = db_col_int(st, 0);
        out->session_id = db_col_int(st, 1);
        out->code = text(a, st, 2);
        out->slot_min = minutes_of(db_col_text(st, 3));
        out->name = text(a, st, 4);
        out->phone = text(a, st, 5);
        out->village_id = db_col_int(st, 6);
        out->subject = text(a, st, 7);
        out->status = text(a, st, 8);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_NOT_FOUND;
    }
    db_reset(st);
    return rc;
}

int rc_store_booking_get(struct db *db, struct arena *a, int64_t id, struct rc_booking *out)
{
    return booking_one(db, a, sql_booking_get, id, NULL, out);
}

int rc_store_booking_by_code(struct db *db, struct arena *a, const char *code,
                             struct rc_booking *out)
{
    return booking_one(db, a, sql_booking_by_code, 0, code, out);
}

int rc_store_booking_set(struct db *db, int64_t id, const char *status, int64_t actor)
{
    int64_t unit_id;
    int rc = one_int(db, sql_booking_unit, id, &unit_id);
    if (rc)
        return rc;
    int cancel = strcmp(status, "cancelled") == 0;
    struct db_stmt *st;
    if ((rc = db_prepare(db, cancel ? sql_booking_cancel : sql_booking_mark, &st)) != 0)
        return rc;
    db_bind_int(st, 1, id);
    if (cancel) {
        db_bind_int(st, 2, now_s());
    } else {
        db_bind_cstr(st, 2, status);
        db_bind_int(st, 3, now_s());
    }
    int64_t changed = 0;
    if ((rc = db_run(st, &changed)) != 0)
        return rc;
    if (changed != 1)
        return ERR_CONFLICT;
    return audit(db, actor, unit_id, cancel ? "reception.unbook" : "reception.attend", "booking",
                 id, status);
}

/* ---- the register ---- */

/* The next number of a commune's register of one year, taken in the caller's transaction. */
static int next_number(struct db *db, int64_t unit_id, int year, int *out)
{
    static const char *const steps[] = {sql_counter_init, sql_counter_bump};
    struct db_stmt *st;
    int rc;
    for (size_t i = 0; i < 2; i++) {
        if ((rc = db_prepare(db, steps[i], &st)) != 0)
            return rc;
        db_bind_int(st, 1, unit_id);
        db_bind_int(st, 2, year);
        if ((rc = db_run(st, NULL)) != 0)
            return rc;
    }
    if ((rc = db_prepare(db, sql_counter_get, &st)) != 0)
        return rc;
    db_bind_int(st, 1, unit_id);
    db_bind_int(st, 2, year);
    rc = db_step(st);
    if (rc == DB_ROW)
        *out = (int)db_col_int(st, 0);
    db_reset(st);
    return rc == DB_ROW ? 0 : rc < 0 ? rc : ERR_INTERNAL;
}

int rc_store_entry_add(struct db *db, struct rc_entry *e, int64_t actor)
{
    e->id = 0;
    e->year = e->day.y;
    int rc = next_number(db, e->unit_id, e->year, &e->number);
    if (rc)
        return rc;
    struct db_stmt *st;
    if ((rc = db_prepare(db, sql_entry_insert, &st)) != 0)
        return rc;
    char day[11], due[11];
    db_bind_int(st, 1, e->unit_id);
    db_bind_int(st, 2, e->year);
    db_bind_int(st, 3, e->number);
    db_bind_cstr(st, 4, iso_or_empty(e->day, day));
    db_bind_cstr(st, 5, e->name);
    db_bind_cstr(st, 6, e->address);
    db_bind_cstr(st, 7, e->phone ? e->phone : "");
    db_bind_cstr(st, 8, e->content);
    db_bind_cstr(st, 9, e->prior ? e->prior : "");
    db_bind_cstr(st, 10, e->request ? e->request : "");
    db_bind_cstr(st, 11, e->handling);
    db_bind_cstr(st, 12, e->action ? e->action : "");
    db_bind_cstr(st, 13, e->officer);
    db_bind_id(st, 14, e->officer_id);
    db_bind_id(st, 15, e->booking_id);
    db_bind_cstr(st, 16, iso_or_empty(e->due_on, due));
    db_bind_int(st, 17, now_s());
    rc = db_step(st);
    if (rc == DB_ROW)
        e->id = db_col_int(st, 0);
    db_reset(st);
    if (rc != DB_ROW)
        return rc < 0 ? rc : ERR_DB;
    char detail[32];
    snprintf(detail, sizeof detail, "%d/%d", e->number, e->year);
    return audit(db, actor, e->unit_id, "reception.register", "reception", e->id, detail);
}

int rc_store_entry_get(struct db *db, struct arena *a, int64_t id, struct rc_entry *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_entry_get, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        memset(out, 0, sizeof *out);
        out->id = db_col_int(st, 0);
        out->unit_id = db_col_int(st, 1);
        out->year = (int)db_col_int(st, 2);
        out->number = (int)db_col_int(st, 3);
        out->day = date_or_zero(db_col_text(st, 4));
        out->name = text(a, st, 5);
        out->address = text(a, st, 6);
        out->phone = text(a, st, 7);
        out->content = text(a, st, 8);
        out->prior = text(a, st, 9);
        out->request = text(a, st, 10);
        out->handling = text(a, st, 11);
        out->action = text(a, st, 12);
        out->officer = text(a, st, 13);
        out->officer_id = db_col_int(st, 14);
        out->booking_id = db_col_int(st, 15);
        out->due_on = date_or_zero(db_col_text(st, 16));
        out->notified_on = date_or_zero(db_col_text(st, 17));
        out->notice = text(a, st, 18);
        out->sealed = (int)db_col_int(st, 19);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_NOT_FOUND;
    }
    db_reset(st);
    return rc;
}

int rc_store_register_rows(struct db *db, struct arena *a, int64_t unit_id, int year,
                           size_t extra_cols, struct rows **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_register, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    db_bind_int(st, 2, year);
    return db_rows(st, a, extra_cols, out);
}

int rc_store_register_years_json(struct db *db, int64_t unit_id, json_t **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_years, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    return db_rows_json(st, out);
}

int rc_store_entry_cases_json(struct db *db, int64_t entry_id, json_t **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_entry_cases, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, entry_id);
    return db_rows_json(st, out);
}

int rc_store_entry_to_case(struct db *db, struct rc_to_case *in)
{
    struct arena *a = arena_new(0);
    struct rc_entry e;
    int rc = rc_store_entry_get(db, a, in->entry_id, &e);
    if (rc)
        goto out;
    /* Checked again on the writer: once sealed, the entry has no name to give a case. */
    if (e.sealed && (in->n.sealed || !in->n.c.anonymous)) {
        rc = ERR_CONFLICT;
        goto out;
    }
    if ((rc = fb_store_create(db, &in->n)) != 0)
        goto out;
    struct db_stmt *st;
    if ((rc = db_prepare(db, sql_link, &st)) != 0)
        goto out;
    db_bind_int(st, 1, e.id);
    db_bind_int(st, 2, in->n.c.id);
    db_bind_int(st, 3, now_s());
    if ((rc = db_run(st, NULL)) != 0)
        goto out;
    if (in->n.sealed) {
        /* The denouncer's identity now lives sealed in the case only (Art 47). */
        if ((rc = db_prepare(db, sql_entry_seal, &st)) != 0)
            goto out;
        db_bind_int(st, 1, e.id);
        db_bind_int(st, 2, now_s());
        if ((rc = db_run(st, NULL)) != 0)
            goto out;
    }
    char detail[48];
    snprintf(detail, sizeof detail, "case:%lld", (long long)in->n.c.id);
    rc = audit(db, in->n.actor, e.unit_id, "reception.case", "reception", e.id, detail);
out:
    arena_free(a);
    return rc;
}

int rc_store_entry_notify(struct db *db, int64_t id, struct date day, const char *notice,
                          int64_t actor)
{
    int64_t unit_id;
    int rc = one_int(db, sql_entry_unit, id, &unit_id);
    if (rc)
        return rc;
    struct db_stmt *st;
    if ((rc = db_prepare(db, sql_entry_notify, &st)) != 0)
        return rc;
    char d[11];
    db_bind_int(st, 1, id);
    db_bind_cstr(st, 2, iso_or_empty(day, d));
    db_bind_cstr(st, 3, notice);
    db_bind_int(st, 4, now_s());
    int64_t changed = 0;
    if ((rc = db_run(st, &changed)) != 0)
        return rc;
    if (changed != 1)
        return ERR_CONFLICT;
    return audit(db, actor, unit_id, "reception.notify", "reception", id, d);
}

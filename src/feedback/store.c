/*
 * store.c - all SQL of the feedback module: cases, their history and files. Every write appends
 * an audit row in the caller's transaction and rewrites the case's due_on from the rules, so
 * the queue's order is always the law's. Statements are static so each connection caches them.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "feedback/internal.h"

#define CASE_COLUMNS                                                                               \
    "SELECT id, unit_id, COALESCE(village_id, 0), code, kind, channel, field, title, body, "       \
    "place, name, phone, email, address, anonymous, COALESCE(account_id, 0), received_at, "        \
    "received_on, complexity, remote, multi_site, status, not_competent, forwarded_to, "           \
    "forwarded_on, accepted_on, refused_on, notified_on, extensions, answered_on, answer, "        \
    "sent_on, published_on, closed_on, reason, COALESCE(assignee_id, 0), section, "                \
    "COALESCE(parent_id, 0), confirmed, created_at, updated_at, lat, lon, qa_question, "           \
    "qa_answer, COALESCE(qa_published_at, 0) FROM cases "

static const char sql_get[] = CASE_COLUMNS "WHERE id = $1";
static const char sql_by_code[] = CASE_COLUMNS "WHERE code = $1";
static const char sql_period[] = CASE_COLUMNS "WHERE unit_id = $1 AND kind = $2 AND "
                                              "received_on >= $3 AND received_on <= $4 ORDER BY id";
static const char sql_insert[] =
    "INSERT INTO cases (unit_id, village_id, code, kind, channel, field, title, body, place, "
    "name, phone, email, address, anonymous, account_id, received_at, received_on, complexity, "
    "parent_id, due_on, created_by, created_at, updated_at, lat, lon, submit_key) VALUES ($1, "
    "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, "
    "$22, $22, $23, $24, $25) RETURNING id";
static const char sql_by_submit_key[] = "SELECT code FROM cases WHERE submit_key = $1";
static const char sql_update[] =
    "UPDATE cases SET kind = $2, field = $3, complexity = $4, remote = $5, multi_site = $6, "
    "status = $7, not_competent = $8, forwarded_to = $9, forwarded_on = $10, accepted_on = $11, "
    "refused_on = $12, notified_on = $13, extensions = $14, answered_on = $15, answer = $16, "
    "sent_on = $17, published_on = $18, closed_on = $19, reason = $20, assignee_id = $21, "
    "section = $22, confirmed = $23, due_on = $24, updated_at = $25 WHERE id = $1";
static const char sql_event[] = "INSERT INTO case_events (case_id, kind, day, detail, public, "
                                "actor_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
/* A case's history: its receipt, which the case row itself records (day, time, who entered
 * it; $2 the channel's label), then its case_events rows. */
static const char sql_events[] =
    "SELECT 'received' AS kind, c.received_on AS day, CAST($2 AS TEXT) AS detail, "
    "c.received_at AS at, 1 AS public, COALESCE(a.display_name, '') AS actor, 0 AS seq "
    "FROM cases c LEFT JOIN accounts a ON a.id = c.created_by WHERE c.id = $1 "
    "UNION ALL SELECT e.kind, e.day, e.detail, e.at, e.public, COALESCE(a.display_name, ''), "
    "e.id FROM case_events e LEFT JOIN accounts a ON a.id = e.actor_id WHERE e.case_id = $1 "
    "ORDER BY seq";
static const char sql_events_public[] =
    "SELECT 'received' AS kind, received_on AS day, CAST($2 AS TEXT) AS detail, "
    "received_at AS at, 1 AS public, '' AS actor, 0 AS seq FROM cases WHERE id = $1 "
    "UNION ALL SELECT kind, day, detail, at, public, '', id FROM case_events WHERE "
    "case_id = $1 AND public = 1 ORDER BY seq";
static const char sql_file_insert[] =
    "INSERT INTO case_files (case_id, purpose, name, mime, size, data, created_by, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
static const char sql_files[] = "SELECT id, name, mime, size, purpose FROM case_files "
                                "WHERE case_id = $1 AND sealed = 0 ORDER BY id";
static const char sql_file_get[] = "SELECT name, mime, data, purpose FROM case_files WHERE "
                                   "case_id = $1 AND id = $2 AND sealed = 0";
/* The queue: cases with a deadline still to meet (due_on is '' once nothing is due), the
 * soonest first, straight from the index cases_due(unit_id, due_on) or cases_kind_due.
 * "due_on > ''" rather than "<> ''": the same rows, but a range the index can seek into
 * instead of a scan that skips every finished case first. */
#define QUEUE_COLUMNS                                                                              \
    "SELECT id, code, kind, title, status, received_on, due_on, field, name, anonymous "           \
    "FROM cases WHERE unit_id = $1 "
static const char sql_queue_open[] =
    QUEUE_COLUMNS "AND due_on > '' ORDER BY due_on, id LIMIT $2 OFFSET $3";
static const char sql_queue_open_kind[] =
    QUEUE_COLUMNS "AND kind = $4 AND due_on > '' ORDER BY due_on, id LIMIT $2 OFFSET $3";
static const char sql_queue_overdue[] =
    QUEUE_COLUMNS "AND due_on > '' AND due_on < $4 ORDER BY due_on, id LIMIT $2 OFFSET $3";
static const char sql_count_open[] =
    "SELECT COUNT(*) FROM cases WHERE unit_id = $1 AND due_on > ''";
static const char sql_count_open_kind[] =
    "SELECT COUNT(*) FROM cases WHERE unit_id = $1 AND kind = $2 AND due_on > ''";
static const char sql_count_before[] =
    "SELECT COUNT(*) FROM cases WHERE unit_id = $1 AND due_on > '' AND due_on < $2";
static const char sql_queue_all[] = QUEUE_COLUMNS "ORDER BY id DESC LIMIT $2 OFFSET $3";
/* One status: those with a deadline the soonest first (cases_status_due), then the others
 * newest first. */
static const char sql_queue_status_due[] =
    QUEUE_COLUMNS "AND status = $4 AND due_on > '' ORDER BY due_on, id LIMIT $2 OFFSET $3";
static const char sql_queue_status_none[] =
    QUEUE_COLUMNS "AND status = $4 AND due_on = '' ORDER BY id DESC LIMIT $2 OFFSET $3";
static const char sql_count_status_due[] =
    "SELECT COUNT(*) FROM cases WHERE unit_id = $1 AND status = $2 AND due_on > ''";
static const char sql_count_status_none[] =
    "SELECT COUNT(*) FROM cases WHERE unit_id = $1 AND status = $2 AND due_on = ''";
static const char sql_count_all[] = "SELECT COUNT(*) FROM cases WHERE unit_id = $1";

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

/* "yyyy-mm-dd" of d, or "" for an unset date. */
static const char *iso_or_empty(struct date d, char out[11])
{
    if (!d.y) {
        out[0] = '\0';
        return out;
    }
    date_format_iso(d, out);
    return out;
}

static struct date date_or_zero(const char *s)
{
    struct date d = {0, 0, 0};
    if (s && s[0] && date_parse(s, &d) != 0)
        d = (struct date){0, 0, 0};
    return d;
}

static const char *text(struct arena *a, struct db_stmt *st, int col)
{
    return arena_strdup(a, db_col_text(st, col));
}

static void read_case(struct db_stmt *st, struct arena *a, struct fb_case *c)
{
    memset(c, 0, sizeof *c);
    c->id = db_col_int(st, 0);
    c->unit_id = db_col_int(st, 1);
    c->village_id = db_col_int(st, 2);
    c->code = text(a, st, 3);
    c->kind = (enum fb_kind)db_col_int(st, 4);
    c->channel = (enum fb_channel)db_col_int(st, 5);
    c->field = text(a, st, 6);
    c->title = text(a, st, 7);
    c->body = text(a, st, 8);
    c->place = text(a, st, 9);
    c->name = text(a, st, 10);
    c->phone = text(a, st, 11);
    c->email = text(a, st, 12);
    c->address = text(a, st, 13);
    c->anonymous = (int)db_col_int(st, 14);
    c->account_id = db_col_int(st, 15);
    c->received_at = db_col_int(st, 16);
    c->received_on = date_or_zero(db_col_text(st, 17));
    c->complexity = (enum fb_complexity)db_col_int(st, 18);
    c->remote = (int)db_col_int(st, 19);
    c->multi_site = (int)db_col_int(st, 20);
    c->status = text(a, st, 21);
    c->not_competent = (int)db_col_int(st, 22);
    c->forwarded_to = text(a, st, 23);
    c->forwarded_on = date_or_zero(db_col_text(st, 24));
    c->accepted_on = date_or_zero(db_col_text(st, 25));
    c->refused_on = date_or_zero(db_col_text(st, 26));
    c->notified_on = date_or_zero(db_col_text(st, 27));
    c->extensions = (int)db_col_int(st, 28);
    c->answered_on = date_or_zero(db_col_text(st, 29));
    c->answer = text(a, st, 30);
    c->sent_on = date_or_zero(db_col_text(st, 31));
    c->published_on = date_or_zero(db_col_text(st, 32));
    c->closed_on = date_or_zero(db_col_text(st, 33));
    c->reason = text(a, st, 34);
    c->assignee_id = db_col_int(st, 35);
    c->section = text(a, st, 36);
    c->parent_id = db_col_int(st, 37);
    c->confirmed = (int)db_col_int(st, 38);
    c->created_at = db_col_int(st, 39);
    c->updated_at = db_col_int(st, 40);
    c->has_position = !db_col_is_null(st, 41) && !db_col_is_null(st, 42);
    if (c->has_position) {
        c->lat = db_col_double(st, 41);
        c->lon = db_col_double(st, 42);
    }
    c->qa_question = text(a, st, 43);
    c->qa_answer = text(a, st, 44);
    c->qa_published_at = db_col_int(st, 45);
}

/* Every row of st (bound, not yet stepped) as cases in a. */
static int read_cases(struct db_stmt *st, struct arena *a, struct fb_case **out, size_t *n)
{
    int rc;
    size_t cap = 16, k = 0;
    struct fb_case *v = arena_alloc(a, cap * sizeof *v);
    while ((rc = db_step(st)) == DB_ROW) {
        if (k == cap) {
            v = arena_realloc(a, v, cap * sizeof *v, 2 * cap * sizeof *v);
            cap *= 2;
        }
        read_case(st, a, &v[k++]);
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    *out = v;
    *n = k;
    return 0;
}

static int get_one(struct db *db, struct arena *a, const char *sql, int64_t id, const char *code,
                   struct fb_case *out)
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
        read_case(st, a, out);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_NOT_FOUND;
    }
    db_reset(st);
    return rc;
}

int fb_store_get(struct db *db, struct arena *a, int64_t id, struct fb_case *out)
{
    return get_one(db, a, sql_get, id, NULL, out);
}

int fb_store_by_code(struct db *db, struct arena *a, const char *code, struct fb_case *out)
{
    return get_one(db, a, sql_by_code, 0, code, out);
}

static int event(struct db *db, int64_t case_id, const char *kind, struct date day,
                 const char *detail, int is_public, int64_t actor)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_event, &st);
    if (rc)
        return rc;
    char d[11];
    db_bind_int(st, 1, case_id);
    db_bind_cstr(st, 2, kind);
    db_bind_cstr(st, 3, iso_or_empty(day, d));
    db_bind_cstr(st, 4, detail ? detail : "");
    db_bind_int(st, 5, is_public ? 1 : 0);
    db_bind_id(st, 6, actor);
    db_bind_int(st, 7, now_s());
    return db_run(st, NULL);
}

static int file_insert(struct db *db, int64_t case_id, const char *purpose,
                       const struct fb_file_in *f, int64_t actor)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_file_insert, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, case_id);
    db_bind_cstr(st, 2, purpose);
    db_bind_cstr(st, 3, f->name);
    db_bind_cstr(st, 4, f->mime);
    db_bind_int(st, 5, (int64_t)f->len);
    db_bind_blob(st, 6, f->data, f->len);
    db_bind_id(st, 7, actor);
    db_bind_int(st, 8, now_s());
    rc = db_step(st);
    db_reset(st);
    return rc == DB_ROW ? 0 : rc < 0 ? rc : ERR_DB;
}

static const char *object_of(char *buf, size_t n, int64_t id)
{
    snprintf(buf, n, "case:%lld", (long long)id);
    return buf;
}

/* Inserts c with a fresh tracking code (into code), its dates, due_on and first event. */
static int insert_case(struct db *db, const struct feedback_env *env, int64_t actor,
                       int64_t account_id, const char *submit_key, struct fb_case *c,
                       char code[FB_CODE_SIZE])
{
    char received[11], due[11];
    int64_t now = now_s();
    if (!c->received_at)
        c->received_at = now;
    if (!c->received_on.y)
        c->received_on = date_vn_from_time((time_t)c->received_at);
    c->status = "received";
    fb_due_on(env, c, due);
    struct db_stmt *st;
    int rc = db_prepare(db, sql_insert, &st);
    if (rc)
        return rc;
    /* A random code; a clash (one in 10^14 within a day) only costs another try. */
    for (int attempt = 0; attempt < 4; attempt++) {
        fb_code_new(code);
        db_bind_int(st, 1, c->unit_id);
        db_bind_id(st, 2, c->village_id);
        db_bind_cstr(st, 3, code);
        db_bind_int(st, 4, c->kind);
        db_bind_int(st, 5, c->channel);
        db_bind_cstr(st, 6, c->field ? c->field : "");
        db_bind_cstr(st, 7, c->title);
        db_bind_cstr(st, 8, c->body);
        db_bind_cstr(st, 9, c->place ? c->place : "");
        db_bind_cstr(st, 10, c->name ? c->name : "");
        db_bind_cstr(st, 11, c->phone ? c->phone : "");
        db_bind_cstr(st, 12, c->email ? c->email : "");
        db_bind_cstr(st, 13, c->address ? c->address : "");
        db_bind_int(st, 14, c->anonymous ? 1 : 0);
        db_bind_id(st, 15, account_id);
        db_bind_int(st, 16, c->received_at);
        db_bind_cstr(st, 17, iso_or_empty(c->received_on, received));
        db_bind_int(st, 18, c->complexity);
        db_bind_id(st, 19, c->parent_id);
        db_bind_cstr(st, 20, due);
        db_bind_id(st, 21, actor);
        db_bind_int(st, 22, now);
        if (c->has_position) {
            db_bind_double(st, 23, c->lat);
            db_bind_double(st, 24, c->lon);
        } else {
            db_bind_null(st, 23);
            db_bind_null(st, 24);
        }
        db_bind_cstr(st, 25, submit_key); /* NULL binds NULL */
        rc = db_step(st);
        if (rc == DB_ROW)
            c->id = db_col_int(st, 0);
        db_reset(st);
        if (rc == DB_ROW)
            break;
        if (rc != ERR_CONFLICT)
            return rc < 0 ? rc : ERR_DB;
    }
    if (!c->id)
        return ERR_CONFLICT;
    /* The receipt is in the history through the case row itself (sql_events). */
    char obj[48];
    return audit_append(db, actor, c->unit_id, "case.receive", object_of(obj, sizeof obj, c->id),
                        fb_kind_key(c->kind));
}

/* The code of the case made with submit_key, into code; ERR_NOT_FOUND when none. */
static int by_submit_key(struct db *db, const char *submit_key, char code[FB_CODE_SIZE])
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_by_submit_key, &st);
    if (rc)
        return rc;
    db_bind_cstr(st, 1, submit_key);
    rc = db_step(st);
    if (rc == DB_ROW) {
        snprintf(code, FB_CODE_SIZE, "%s", db_col_text(st, 0));
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_NOT_FOUND;
    }
    db_reset(st);
    return rc;
}

int fb_store_create(struct db *db, struct fb_new *in)
{
    in->c.id = 0;
    in->existing = 0;
    if (in->submit_key && in->submit_key[0]) {
        /* Sent again (the answer was lost, a double tap): the case already made. The check and
         * the insert run in one write on the single writer, and the unique index stands behind
         * them. */
        int rc = by_submit_key(db, in->submit_key, in->code);
        if (rc == 0) {
            in->existing = 1;
            return 0;
        }
        if (rc != ERR_NOT_FOUND)
            return rc;
    }
    if (in->sealed) {
        /* Never on the row in clear: only sealed (seal.c). */
        in->c.name = in->c.phone = in->c.email = in->c.address = "";
        in->c.anonymous = 0;
    }
    int rc =
        insert_case(db, in->env, in->actor, in->account_id,
                    in->submit_key && in->submit_key[0] ? in->submit_key : NULL, &in->c, in->code);
    if (rc == 0 && in->sealed)
        rc = fb_seal_new(db, in->c.id, in->c.unit_id, in->actor, &in->who, in->scans, in->n_scans);
    for (size_t i = 0; rc == 0 && i < in->n_photos; i++)
        rc = file_insert(db, in->c.id, "photo", &in->photos[i], in->actor);
    return rc;
}

static int update_case(struct db *db, const struct fb_case *c, const char *due)
{
    char d[9][11];
    struct db_stmt *st;
    int rc = db_prepare(db, sql_update, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, c->id);
    db_bind_int(st, 2, c->kind);
    db_bind_cstr(st, 3, c->field);
    db_bind_int(st, 4, c->complexity);
    db_bind_int(st, 5, c->remote);
    db_bind_int(st, 6, c->multi_site);
    db_bind_cstr(st, 7, c->status);
    db_bind_int(st, 8, c->not_competent);
    db_bind_cstr(st, 9, c->forwarded_to);
    db_bind_cstr(st, 10, iso_or_empty(c->forwarded_on, d[0]));
    db_bind_cstr(st, 11, iso_or_empty(c->accepted_on, d[1]));
    db_bind_cstr(st, 12, iso_or_empty(c->refused_on, d[2]));
    db_bind_cstr(st, 13, iso_or_empty(c->notified_on, d[3]));
    db_bind_int(st, 14, c->extensions);
    db_bind_cstr(st, 15, iso_or_empty(c->answered_on, d[4]));
    db_bind_cstr(st, 16, c->answer);
    db_bind_cstr(st, 17, iso_or_empty(c->sent_on, d[5]));
    db_bind_cstr(st, 18, iso_or_empty(c->published_on, d[6]));
    db_bind_cstr(st, 19, iso_or_empty(c->closed_on, d[7]));
    db_bind_cstr(st, 20, c->reason);
    db_bind_id(st, 21, c->assignee_id);
    db_bind_cstr(st, 22, c->section);
    db_bind_int(st, 23, c->confirmed);
    db_bind_cstr(st, 24, due);
    db_bind_int(st, 25, now_s());
    int64_t changed = 0;
    if ((rc = db_run(st, &changed)) != 0)
        return rc;
    return changed == 1 ? 0 : ERR_NOT_FOUND;
}

/* What each action writes in the history (event kind, whether the resident sees it) and in the
 * audit log. */
static const struct {
    const char *event; /* case_events.kind */
    int is_public;     /* shown on the tracking page */
    const char *audit; /* audit action */
} act_names[] = {
    [FB_ACT_CLASSIFY] = {"classified", 1, "case.classify"},
    [FB_ACT_ASSIGN] = {"assigned", 0, "case.assign"},
    [FB_ACT_ACCEPT] = {"accepted", 1, "case.accept"},
    [FB_ACT_REFUSE] = {"refused", 1, "case.refuse"},
    [FB_ACT_FORWARD] = {"forwarded", 1, "case.forward"},
    [FB_ACT_NOTIFY] = {"notified", 0, "case.notify"},
    [FB_ACT_EXTEND] = {"extended", 1, "case.extend"},
    [FB_ACT_ANSWER] = {"answered", 1, "case.answer"},
    [FB_ACT_SEND] = {"sent", 1, "case.send"},
    [FB_ACT_PUBLISH] = {"published", 1, "case.publish"},
    [FB_ACT_CLOSE] = {"closed", 1, "case.close"},
    [FB_ACT_CONFIRM] = {"confirmed", 1, "case.confirm"},
    [FB_ACT_REOPEN] = {"reopened_by", 1, "case.reopen"},
    [FB_ACT_SPLIT] = {"split", 1, "case.split"},
};

/* The case split off c (I4: a mixed letter becomes separate letters): the chosen kind, title and
 * content, the same person, channel and day of receipt (its clocks count from that day), linked
 * both ways in the histories. A part that is a denunciation is sealed like any other. */
static int split_off(struct db *db, struct fb_act *act, const struct fb_case *c, struct date today,
                     struct arena *a)
{
    struct fb_new n;
    memset(&n, 0, sizeof n);
    n.env = act->env;
    n.actor = act->actor;
    n.c.unit_id = c->unit_id;
    n.c.village_id = c->village_id;
    n.c.kind = act->set.kind;
    n.c.channel = c->channel;
    n.c.field = act->set.field ? act->set.field : c->field;
    n.c.title = act->title;
    n.c.body = act->text && act->text[0] ? act->text : act->title;
    n.c.place = c->place;
    n.c.name = c->name;
    n.c.phone = c->phone;
    n.c.email = c->email;
    n.c.address = c->address;
    n.c.anonymous = c->anonymous;
    n.c.received_on = c->received_on;
    n.c.received_at = c->received_at;
    n.c.parent_id = c->id;
    if (n.c.kind == FB_DENUNCIATION) {
        n.sealed = 1;
        n.who = (struct fb_identity){c->name, c->address, c->phone, c->email};
    }
    int rc = fb_store_create(db, &n);
    if (rc)
        return rc;
    act->new_id = n.c.id;
    snprintf(act->new_code, sizeof act->new_code, "%s", n.code);
    if ((rc = event(db, c->id, "split", today, fb_code_display(a, n.code), 1, act->actor)) != 0)
        return rc;
    if ((rc = event(db, n.c.id, "split_from", today, fb_code_display(a, c->code), 1, act->actor)) !=
        0)
        return rc;
    char obj[48];
    return audit_append(db, act->actor, c->unit_id, "case.split", object_of(obj, sizeof obj, c->id),
                        n.code);
}

int fb_store_act(struct db *db, struct fb_act *act)
{
    struct arena *a = arena_new(0);
    struct fb_case c;
    int rc = fb_store_get(db, a, act->case_id, &c);
    if (rc)
        goto out;
    /* Checked again here, on the writer, against the row as it is now. */
    struct fb_status st;
    struct date today = act->on.y ? act->on : fb_today();
    if ((rc = fb_case_status(act->env, &c, today, &st)) != 0)
        goto out;
    if (fb_act_refusal(&c, &st, act)) {
        rc = ERR_CONFLICT;
        goto out;
    }
    if (act->action == FB_ACT_SPLIT) {
        /* This case keeps its state; the part split off is a case of its own. */
        act->new_id = 0;
        rc = split_off(db, act, &c, today, a);
        goto out;
    }
    const char *detail = act->text ? act->text : "";
    switch (act->action) {
    case FB_ACT_CLASSIFY:
        c.kind = act->set.kind;
        c.field = act->set.field ? act->set.field : c.field;
        c.complexity = act->set.complexity;
        c.remote = act->set.remote;
        c.multi_site = act->set.multi_site;
        detail = fb_kind_label(c.kind);
        break;
    case FB_ACT_ASSIGN:
        if (act->has_key && act->set.assignee_id &&
            (rc = fb_reseal(db, c.id, c.unit_id, act->set.assignee_id, c.assignee_id, act->key)) !=
                0)
            goto out;
        c.section = act->set.section ? act->set.section : "";
        c.assignee_id = act->set.assignee_id;
        detail = c.section;
        break;
    case FB_ACT_ACCEPT:
        c.accepted_on = today;
        c.status = "accepted";
        break;
    case FB_ACT_REFUSE:
        c.refused_on = today;
        c.reason = detail;
        c.status = "refused";
        if (c.kind == FB_INFO_REQUEST || c.kind == FB_FEEDBACK || c.kind == FB_RECOMMENDATION) {
            /* A written refusal with reasons is the answer the law asks for. */
            c.answered_on = today;
            c.answer = detail;
        }
        break;
    case FB_ACT_FORWARD:
        c.not_competent = 1;
        c.forwarded_to = detail;
        c.forwarded_on = today;
        c.status = "forwarded";
        break;
    case FB_ACT_NOTIFY:
        c.notified_on = today;
        break;
    case FB_ACT_EXTEND:
        c.extensions++;
        c.reason = detail;
        break;
    case FB_ACT_ANSWER:
        c.answered_on = today;
        c.answer = detail;
        c.status = "answered";
        break;
    case FB_ACT_SEND:
        c.sent_on = today;
        break;
    case FB_ACT_PUBLISH:
        c.published_on = today;
        break;
    case FB_ACT_CLOSE:
        c.closed_on = today;
        c.reason = detail;
        c.status = "closed";
        break;
    case FB_ACT_REOPEN:
        /* Taken up again: the acts that finished it are undone (the history keeps them); the
         * clocks run on from the dates the case already has. */
        c.status = c.accepted_on.y ? "accepted" : "received";
        c.closed_on = c.refused_on = c.answered_on = c.sent_on = c.published_on = c.forwarded_on =
            (struct date){0, 0, 0};
        c.not_competent = 0;
        c.forwarded_to = "";
        c.answer = "";
        c.confirmed = 0;
        c.reason = detail;
        break;
    case FB_ACT_SPLIT:
        break; /* handled above */
    case FB_ACT_CONFIRM:
        c.confirmed = act->confirmed;
        detail = act->confirmed > 0 ? "Người gửi xác nhận vấn đề đã được giải quyết"
                                    : "Người gửi cho biết vấn đề chưa được giải quyết";
        break;
    }
    char due[11];
    fb_due_on(act->env, &c, due);
    if ((rc = update_case(db, &c, due)) != 0)
        goto out;
    if (act->action == FB_ACT_ANSWER && act->file.len &&
        (rc = file_insert(db, c.id, "answer", &act->file, act->actor)) != 0)
        goto out;
    if ((rc = event(db, c.id, act_names[act->action].event, today, detail,
                    act_names[act->action].is_public, act->actor)) != 0)
        goto out;
    char obj[48];
    if ((rc = audit_append(db, act->actor, c.unit_id, act_names[act->action].audit,
                           object_of(obj, sizeof obj, c.id), "")) != 0)
        goto out;
    act->new_id = 0;
    /* Not fixed after an answer to a phản ánh or kiến nghị: it comes back as a new case, with
     * its own clock from today, linked to this one. */
    if (act->action == FB_ACT_CONFIRM && act->confirmed < 0 &&
        (c.kind == FB_FEEDBACK || c.kind == FB_RECOMMENDATION)) {
        /* What the person sent, again; none of the first case's steps. */
        struct fb_case n;
        memset(&n, 0, sizeof n);
        n.unit_id = c.unit_id;
        n.village_id = c.village_id;
        n.kind = c.kind;
        n.channel = FB_ONLINE;
        n.field = c.field;
        n.title = arena_printf(a, "Mở lại: %s", c.title);
        n.body = c.body;
        n.place = c.place;
        n.name = c.name;
        n.phone = c.phone;
        n.email = c.email;
        n.address = c.address;
        n.anonymous = c.anonymous;
        n.complexity = c.complexity;
        n.parent_id = c.id;
        n.received_on = today;
        char code[FB_CODE_SIZE];
        if ((rc = insert_case(db, act->env, 0, c.account_id, NULL, &n, code)) != 0)
            goto out;
        act->new_id = n.id;
        snprintf(act->new_code, sizeof act->new_code, "%s", code);
        rc = event(db, c.id, "reopened", today, act->new_code, 1, 0);
    }
out:
    arena_free(a);
    return rc;
}

int fb_store_events_json(struct db *db, const struct fb_case *c, int public_only, json_t **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, public_only ? sql_events_public : sql_events, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, c->id);
    db_bind_cstr(st, 2, fb_channel_label(c->channel));
    return db_rows_json(st, out);
}

int fb_store_files_json(struct db *db, int64_t case_id, json_t **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_files, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, case_id);
    return db_rows_json(st, out);
}

int fb_store_file_get(struct db *db, struct arena *a, int64_t case_id, int64_t file_id,
                      const char **name, const char **mime, const void **data, size_t *len,
                      const char **purpose)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_file_get, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, case_id);
    db_bind_int(st, 2, file_id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        *name = arena_strdup(a, db_col_text(st, 0));
        *mime = arena_strdup(a, db_col_text(st, 1));
        size_t n;
        const void *p = db_col_blob(st, 2, &n);
        void *copy = arena_alloc(a, n ? n : 1);
        memcpy(copy, p, n);
        *data = copy;
        *len = n;
        *purpose = arena_strdup(a, db_col_text(st, 3));
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_NOT_FOUND;
    }
    db_reset(st);
    return rc;
}

static int count(struct db *db, const char *sql, int64_t unit_id, const char *s2, int64_t i2,
                 int64_t *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    if (s2)
        db_bind_cstr(st, 2, s2);
    else if (i2 >= 0)
        db_bind_int(st, 2, i2);
    rc = db_step(st);
    *out = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_reset(st);
    return rc < 0 ? rc : 0;
}

/* Rows of a status query (bound but for $2, $3) from offset, at most per_page. */
static int status_rows(struct db *db, struct arena *a, const char *sql, int64_t unit_id,
                       const char *status, int64_t offset, int per_page, struct rows **rows)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    db_bind_int(st, 2, per_page);
    db_bind_int(st, 3, offset);
    db_bind_cstr(st, 4, status);
    return db_rows(st, a, 6, rows);
}

/* A page of one status: the cases with a deadline first, then the others (two index walks). */
static int queue_status(struct db *db, struct arena *a, int64_t unit_id, const char *status,
                        int page, int per_page, struct rows **rows, int64_t *total)
{
    int64_t n_due = 0, n_none = 0, offset = (int64_t)(page - 1) * per_page;
    int rc = count(db, sql_count_status_due, unit_id, status, -1, &n_due);
    if (!rc)
        rc = count(db, sql_count_status_none, unit_id, status, -1, &n_none);
    if (rc)
        return rc;
    *total = n_due + n_none;
    if (offset < n_due) {
        if ((rc = status_rows(db, a, sql_queue_status_due, unit_id, status, offset, per_page,
                              rows)) != 0)
            return rc;
        if ((*rows)->n_rows == (size_t)per_page || n_none == 0)
            return 0;
        struct rows *more;
        if ((rc = status_rows(db, a, sql_queue_status_none, unit_id, status, 0,
                              per_page - (int)(*rows)->n_rows, &more)) != 0)
            return rc;
        for (size_t i = 0; i < more->n_rows; i++) {
            struct rows_cell *dst = rows_add_row(*rows);
            for (size_t k = 0; k < more->n_cols && k < (*rows)->n_cols; k++)
                dst[k] = *rows_at(more, i, k);
        }
        return 0;
    }
    return status_rows(db, a, sql_queue_status_none, unit_id, status, offset - n_due, per_page,
                       rows);
}

int fb_store_queue(struct db *db, struct arena *a, int64_t unit_id, const char *filter, int kind,
                   const char *today, int page, int per_page, struct rows **rows, int64_t *total)
{
    const char *sql;
    int rc;
    if (strncmp(filter, "status:", 7) == 0)
        return queue_status(db, a, unit_id, filter + 7, page, per_page, rows, total);
    int known = *total >= 0; /* the caller counted it already (the queue's header) */
    if (strcmp(filter, "overdue") == 0) {
        sql = sql_queue_overdue;
        rc = known ? 0 : count(db, sql_count_before, unit_id, today, -1, total);
    } else if (strcmp(filter, "all") == 0) {
        sql = sql_queue_all;
        rc = count(db, sql_count_all, unit_id, NULL, -1, total);
    } else if (kind >= 0) {
        sql = sql_queue_open_kind;
        rc = count(db, sql_count_open_kind, unit_id, NULL, kind, total);
    } else {
        sql = sql_queue_open;
        rc = known ? 0 : count(db, sql_count_open, unit_id, NULL, -1, total);
    }
    if (rc)
        return rc;
    struct db_stmt *st;
    if ((rc = db_prepare(db, sql, &st)) != 0)
        return rc;
    db_bind_int(st, 1, unit_id);
    db_bind_int(st, 2, per_page);
    db_bind_int(st, 3, (int64_t)(page - 1) * per_page);
    if (sql == sql_queue_overdue)
        db_bind_cstr(st, 4, today);
    else if (sql == sql_queue_open_kind)
        db_bind_int(st, 4, kind);
    return db_rows(st, a, 6, rows);
}

int fb_store_queue_counts(struct db *db, int64_t unit_id, const char *today, const char *soon,
                          int64_t *open, int64_t *due_soon, int64_t *overdue)
{
    int rc = count(db, sql_count_open, unit_id, NULL, -1, open);
    if (!rc)
        rc = count(db, sql_count_before, unit_id, today, -1, overdue);
    int64_t upto = 0;
    if (!rc)
        rc = count(db, sql_count_before, unit_id, soon, -1, &upto);
    *due_soon = upto - *overdue;
    return rc;
}

int fb_store_period(struct db *db, struct arena *a, int64_t unit_id, int kind, const char *from,
                    const char *to, struct fb_case **out, size_t *n)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_period, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    db_bind_int(st, 2, kind);
    db_bind_cstr(st, 3, from);
    db_bind_cstr(st, 4, to);
    return read_cases(st, a, out, n);
}

/* ---- sealed identities (seal.c holds the cryptography) ---- */

static const char sql_identity_set[] = "UPDATE cases SET identity_sealed = $2 WHERE id = $1";
static const char sql_identity_get[] =
    "SELECT identity_sealed FROM cases WHERE id = $1 AND identity_sealed IS NOT NULL";
static const char sql_case_key_put[] =
    "INSERT INTO case_keys (case_id, account_id, escrow_id, sealed_key, created_at) "
    "VALUES ($1, $2, $3, $4, $5)";
static const char sql_case_key_drop[] =
    "DELETE FROM case_keys WHERE case_id = $1 AND account_id = $2";
static const char sql_case_key_of[] =
    "SELECT sealed_key FROM case_keys WHERE case_id = $1 AND account_id = $2 "
    "ORDER BY id DESC LIMIT 1";
static const char sql_case_key_escrow[] =
    "SELECT sealed_key FROM case_keys WHERE case_id = $1 AND account_id IS NULL "
    "ORDER BY id DESC LIMIT 1 OFFSET $2";
static const char sql_case_holders[] =
    "SELECT k.account_id AS id, COALESCE(a.display_name, '') AS name FROM case_keys k "
    "JOIN accounts a ON a.id = k.account_id WHERE k.case_id = $1 ORDER BY k.id";
static const char sql_sealed_file_insert[] =
    "INSERT INTO case_files (case_id, purpose, name, mime, size, data, sealed, created_by, "
    "created_at) VALUES ($1, 'scan', $2, $3, $4, $5, 1, $6, $7)";
static const char sql_sealed_files[] = "SELECT id, name, mime, size FROM case_files "
                                       "WHERE case_id = $1 AND sealed = 1 ORDER BY id";
static const char sql_sealed_file_get[] = "SELECT name, mime, data FROM case_files WHERE "
                                          "case_id = $1 AND id = $2 AND sealed = 1";

int fb_store_identity_set(struct db *db, int64_t case_id, const void *blob, size_t len)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_identity_set, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, case_id);
    db_bind_blob(st, 2, blob, len);
    return db_run(st, NULL);
}

/* The first column of the one row of st as a copy in a; ERR_NOT_FOUND when none. */
static int one_blob(struct db_stmt *st, struct arena *a, const unsigned char **out, size_t *len)
{
    int rc = db_step(st);
    if (rc == DB_ROW) {
        size_t n = 0;
        const void *p = db_col_blob(st, 0, &n);
        unsigned char *copy = arena_alloc(a, n ? n : 1);
        if (n)
            memcpy(copy, p, n);
        *out = copy;
        *len = n;
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_NOT_FOUND;
    }
    db_reset(st);
    return rc;
}

int fb_store_identity_get(struct db *db, struct arena *a, int64_t case_id,
                          const unsigned char **blob, size_t *len)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_identity_get, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, case_id);
    return one_blob(st, a, blob, len);
}

int fb_store_case_key_put(struct db *db, int64_t case_id, int64_t account_id, int64_t escrow_id,
                          const void *sealed, size_t len)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_case_key_put, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, case_id);
    db_bind_id(st, 2, account_id);
    db_bind_id(st, 3, escrow_id);
    db_bind_blob(st, 4, sealed, len);
    db_bind_int(st, 5, now_s());
    return db_run(st, NULL);
}

int fb_store_case_key_drop(struct db *db, int64_t case_id, int64_t account_id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_case_key_drop, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, case_id);
    db_bind_int(st, 2, account_id);
    return db_run(st, NULL);
}

int fb_store_case_key_get(struct db *db, struct arena *a, int64_t case_id, int64_t account_id,
                          int64_t escrow_id, const unsigned char **sealed, size_t *len)
{
    struct db_stmt *st;
    int rc = db_prepare(db, account_id ? sql_case_key_of : sql_case_key_escrow, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, case_id);
    db_bind_int(st, 2, account_id ? account_id : escrow_id);
    return one_blob(st, a, sealed, len);
}

int fb_store_case_holders_json(struct db *db, int64_t case_id, json_t **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_case_holders, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, case_id);
    return db_rows_json(st, out);
}

int fb_store_sealed_file_put(struct db *db, int64_t case_id, const char *name, const char *mime,
                             size_t plain_len, const void *blob, size_t len, int64_t actor)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_sealed_file_insert, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, case_id);
    db_bind_cstr(st, 2, name);
    db_bind_cstr(st, 3, mime);
    db_bind_int(st, 4, (int64_t)plain_len);
    db_bind_blob(st, 5, blob, len);
    db_bind_id(st, 6, actor);
    db_bind_int(st, 7, now_s());
    return db_run(st, NULL);
}

int fb_store_sealed_files_json(struct db *db, int64_t case_id, json_t **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_sealed_files, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, case_id);
    return db_rows_json(st, out);
}

int fb_store_sealed_file_get(struct db *db, struct arena *a, int64_t case_id, int64_t file_id,
                             const char **name, const char **mime, const unsigned char **blob,
                             size_t *len)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_sealed_file_get, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, case_id);
    db_bind_int(st, 2, file_id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        *name = arena_strdup(a, db_col_text(st, 0));
        *mime = arena_strdup(a, db_col_text(st, 1));
        size_t n = 0;
        const void *p = db_col_blob(st, 2, &n);
        unsigned char *copy = arena_alloc(a, n ? n : 1);
        if (n)
            memcpy(copy, p, n);
        *blob = copy;
        *len = n;
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_NOT_FOUND;
    }
    db_reset(st);
    return rc;
}

/* ---- reminders ---- */

static const char sql_due_upto[] =
    CASE_COLUMNS "WHERE due_on > '' AND due_on <= $1 ORDER BY due_on, id LIMIT $2";

int fb_store_due_upto(struct db *db, struct arena *a, const char *upto, int max,
                      struct fb_case **out, size_t *n)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_due_upto, &st);
    if (rc)
        return rc;
    db_bind_cstr(st, 1, upto);
    db_bind_int(st, 2, max);
    return read_cases(st, a, out, n);
}

/* ---- published questions and answers, statistics ---- */

static const char sql_received_since[] =
    CASE_COLUMNS "WHERE unit_id = $1 AND received_on >= $2 ORDER BY id";
static const char sql_qa_set[] = "UPDATE cases SET qa_question = $2, qa_answer = $3, "
                                 "qa_published_at = $4, updated_at = $5 WHERE id = $1";
static const char sql_qa_list[] =
    "SELECT id, code, kind, field, qa_question, qa_answer, qa_published_at, answered_on "
    "FROM cases WHERE unit_id = $1 AND qa_published_at IS NOT NULL "
    "ORDER BY qa_published_at DESC, id DESC LIMIT $2 OFFSET $3";
static const char sql_qa_count[] =
    "SELECT COUNT(*) FROM cases WHERE unit_id = $1 AND qa_published_at IS NOT NULL";

int fb_store_received_since(struct db *db, struct arena *a, int64_t unit_id, const char *from,
                            struct fb_case **out, size_t *n)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_received_since, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    db_bind_cstr(st, 2, from);
    return read_cases(st, a, out, n);
}

int fb_store_qa_set(struct db *db, int64_t actor, const struct fb_case *c, const char *question,
                    const char *answer, int publish)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_qa_set, &st);
    if (rc)
        return rc;
    int64_t now = now_s();
    db_bind_int(st, 1, c->id);
    db_bind_cstr(st, 2, question);
    db_bind_cstr(st, 3, answer);
    if (publish)
        db_bind_int(st, 4, now);
    else
        db_bind_null(st, 4);
    db_bind_int(st, 5, now);
    int64_t changed = 0;
    if ((rc = db_run(st, &changed)) != 0)
        return rc;
    if (changed != 1)
        return ERR_NOT_FOUND;
    if ((rc = event(db, c->id, publish ? "qa_published" : "qa_withdrawn", fb_today(), "", 1,
                    actor)) != 0)
        return rc;
    char obj[48];
    return audit_append(db, actor, c->unit_id, publish ? "case.qa_publish" : "case.qa_withdraw",
                        object_of(obj, sizeof obj, c->id), "");
}

int fb_store_qa_page(struct db *db, struct arena *a, int64_t unit_id, int page, int per_page,
                     struct rows **rows, int64_t *total)
{
    int rc = count(db, sql_qa_count, unit_id, NULL, -1, total);
    if (rc)
        return rc;
    struct db_stmt *st;
    if ((rc = db_prepare(db, sql_qa_list, &st)) != 0)
        return rc;
    db_bind_int(st, 1, unit_id);
    db_bind_int(st, 2, per_page);
    db_bind_int(st, 3, (int64_t)(page - 1) * per_page);
    return db_rows(st, a, 8, rows);
}

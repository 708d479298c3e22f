/*
 * outbox.c - all of the outbox's SQL (migration 0014): queueing a message inside the
 * caller's write, and what the sender reads and records.
 *
 * A duplicate dedupe_key is skipped with ON CONFLICT DO NOTHING rather than caught as a
 * unique-key error: on PostgreSQL a failed statement would abort the caller's whole
 * transaction, and the reminder's other writes with it.
 */
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "comms/internal.h"

static const char sql_insert[] =
    "INSERT INTO outbox (unit_id, channel, recipient, subject, body, status, attempts, "
    "next_attempt_at, last_error, dedupe_key, created_at) "
    "VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, '', $7, $6) "
    "ON CONFLICT (dedupe_key) DO NOTHING";

/* Queues one message; the caller checked its fields. */
static int enqueue(struct db *db, int64_t unit_id, const char *channel, const char *to,
                   const char *subject, const char *body, const char *dedupe_key)
{
    if (unit_id < 0 || (dedupe_key && strlen(dedupe_key) > COMMS_MAX_DEDUPE_KEY))
        return ERR_INVALID;
    struct db_stmt *st;
    int rc = db_prepare(db, sql_insert, &st);
    if (rc != 0)
        return rc;
    if (unit_id)
        db_bind_int(st, 1, unit_id);
    else
        db_bind_null(st, 1);
    db_bind_cstr(st, 2, channel);
    db_bind_cstr(st, 3, to);
    db_bind_cstr(st, 4, subject);
    db_bind_cstr(st, 5, body);
    db_bind_int(st, 6, (int64_t)time(NULL));
    db_bind_cstr(st, 7, dedupe_key && dedupe_key[0] ? dedupe_key : NULL);
    return db_run(st, NULL);
}

int comms_enqueue_email(struct db *db, int64_t unit_id, const char *to, const char *subject,
                        const char *body, const char *dedupe_key)
{
    if (comms_address_check(to) != 0 || comms_subject_check(subject) != 0 || !body)
        return ERR_INVALID;
    size_t n = strlen(body);
    if (n > COMMS_MAX_BODY || !utf8_valid(body, n))
        return ERR_INVALID;
    return enqueue(db, unit_id, "email", to, subject, body, dedupe_key);
}

/* 0 when url is an http(s) URL without white space or control characters. */
static int url_check(const char *url)
{
    size_t n = strlen(url);
    if (n > COMMS_MAX_URL || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0))
        return ERR_INVALID;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)url[i] <= ' ' || url[i] == 0x7f)
            return ERR_INVALID;
    return 0;
}

int comms_enqueue_webhook(struct db *db, int64_t unit_id, const char *url, const char *json_body,
                          const char *dedupe_key)
{
    if (!url)
        url = "";
    if ((url[0] && url_check(url) != 0) || !json_body)
        return ERR_INVALID;
    size_t n = strlen(json_body);
    if (n > COMMS_MAX_BODY || !utf8_valid(json_body, n))
        return ERR_INVALID;
    json_error_t jerr;
    json_t *j = json_loadb(json_body, n, 0, &jerr);
    if (!j)
        return ERR_INVALID;
    json_decref(j);
    return enqueue(db, unit_id, "webhook", url, "", json_body, dedupe_key);
}

/* Due messages, oldest first; $2 = 1 lets e-mail through, $3 = 1 webhooks without a URL. */
static const char sql_due[] =
    "SELECT id, channel, recipient, subject, body, attempts, created_at FROM outbox "
    "WHERE status = 'pending' AND next_attempt_at <= $1 "
    "AND (channel = 'webhook' OR $2 = 1) AND (channel = 'email' OR recipient <> '' OR $3 = 1) "
    "ORDER BY id LIMIT $4";

int comms_outbox_due(struct db *db, int64_t now, int with_email, int with_default_webhook,
                     struct arena *a, struct comms_msg *out, size_t max, size_t *n)
{
    struct db_stmt *st;
    *n = 0;
    int rc = db_prepare(db, sql_due, &st);
    if (rc != 0)
        return rc;
    db_bind_int(st, 1, now);
    db_bind_int(st, 2, with_email ? 1 : 0);
    db_bind_int(st, 3, with_default_webhook ? 1 : 0);
    db_bind_int(st, 4, (int64_t)max);
    while ((rc = db_step(st)) == DB_ROW && *n < max) {
        struct comms_msg *m = &out[(*n)++];
        m->id = db_col_int(st, 0);
        m->is_email = strcmp(db_col_text(st, 1), "email") == 0;
        m->to = arena_strndup(a, db_col_text(st, 2), db_col_len(st, 2));
        m->subject = arena_strndup(a, db_col_text(st, 3), db_col_len(st, 3));
        m->body = arena_strndup(a, db_col_text(st, 4), db_col_len(st, 4));
        m->attempts = (int)db_col_int(st, 5);
        m->created_at = db_col_int(st, 6);
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

static const char sql_waiting_email[] =
    "SELECT count(*) FROM outbox WHERE status = 'pending' AND channel = 'email'";
static const char sql_waiting_webhook[] = "SELECT count(*) FROM outbox WHERE status = 'pending' "
                                          "AND channel = 'webhook' AND recipient = ''";

int comms_outbox_waiting(struct db *db, int what, int *yes)
{
    struct db_stmt *st;
    *yes = 0;
    int rc = db_prepare(db, what == 0 ? sql_waiting_email : sql_waiting_webhook, &st);
    if (rc != 0)
        return rc;
    rc = db_step(st);
    if (rc == DB_ROW)
        *yes = db_col_int(st, 0) > 0;
    db_reset(st);
    return rc < 0 ? rc : 0;
}

static const char sql_claim[] = "UPDATE outbox SET next_attempt_at = $2 "
                                "WHERE id = $1 AND status = 'pending' AND next_attempt_at <= $3";

int comms_outbox_claim(struct db *db, int64_t id, int64_t now, int64_t until, int *claimed)
{
    struct db_stmt *st;
    int64_t changed = 0;
    *claimed = 0;
    int rc = db_prepare(db, sql_claim, &st);
    if (rc != 0)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, until);
    db_bind_int(st, 3, now);
    rc = db_run(st, &changed);
    *claimed = rc == 0 && changed == 1;
    return rc;
}

static const char sql_sent[] =
    "UPDATE outbox SET status = 'sent', sent_at = $2, attempts = attempts + 1, last_error = '' "
    "WHERE id = $1 AND status = 'pending'";

int comms_outbox_sent(struct db *db, int64_t id, int64_t now)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_sent, &st);
    if (rc != 0)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, now);
    return db_run(st, NULL);
}

static const char sql_failed[] =
    "UPDATE outbox SET attempts = $2, status = $3, next_attempt_at = $4, last_error = $5 "
    "WHERE id = $1 AND status = 'pending'";

int comms_outbox_failed(struct db *db, int64_t id, int attempts, int give_up, int64_t next,
                        const char *error)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_failed, &st);
    if (rc != 0)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, attempts);
    db_bind_cstr(st, 3, give_up ? "failed" : "pending");
    db_bind_int(st, 4, next);
    db_bind_cstr(st, 5, error);
    return db_run(st, NULL);
}

static const char sql_release[] =
    "UPDATE outbox SET next_attempt_at = $2 WHERE id = $1 AND status = 'pending'";

int comms_outbox_release(struct db *db, int64_t id, int64_t at)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_release, &st);
    if (rc != 0)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, at);
    return db_run(st, NULL);
}

/*
 * store_conference.c - all SQL of the village's annual community conference
 * (community_conferences, migration 0029; conference.h). Every write appends an audit row on
 * "conference:<id>" in the caller's transaction. Statements are static so each connection
 * caches them.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "decision/conference.h"

static const char sql_cf_insert[] =
    "INSERT INTO community_conferences (unit_id, year, held_on, starts_at, place, agenda, "
    "created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING "
    "id";
static const char sql_cf_get[] =
    "SELECT id, unit_id, year, held_on, starts_at, place, invited_on, plan_sent_on, agenda, "
    "chair, secretary, minutes, COALESCE(attendance, -1), report_sent_on FROM "
    "community_conferences WHERE id = $1";
static const char sql_cf_list[] =
    "SELECT c.id, u.name AS village, c.year, c.held_on, c.invited_on, c.plan_sent_on, "
    "c.report_sent_on, CASE WHEN c.minutes = '' THEN 0 ELSE 1 END AS minutes_n FROM "
    "community_conferences c JOIN units u ON u.id = c.unit_id WHERE c.unit_id = $1 OR "
    "u.parent_id = $1 ORDER BY c.year DESC, u.code LIMIT 500";
static const char sql_cf_exists[] =
    "SELECT COUNT(*) FROM community_conferences WHERE unit_id = $1 AND year = $2";
static const char sql_cf_households[] =
    "SELECT COUNT(*) FROM households WHERE village_id = $1 AND status = 'active'";
/* The steps: $2 the day, $3 the time of the change. */
static const char sql_cf_invited[] =
    "UPDATE community_conferences SET invited_on = $2, updated_at = $3 WHERE id = $1";
static const char sql_cf_plan[] =
    "UPDATE community_conferences SET plan_sent_on = $2, updated_at = $3 WHERE id = $1";
static const char sql_cf_report[] =
    "UPDATE community_conferences SET report_sent_on = $2, updated_at = $3 WHERE id = $1";
static const char sql_cf_minutes[] =
    "UPDATE community_conferences SET agenda = $2, chair = $3, secretary = $4, minutes = $5, "
    "attendance = $6, updated_at = $7 WHERE id = $1";

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

static int cf_audit(struct db *db, int64_t actor, int64_t unit_id, const char *action, int64_t id,
                    const char *detail)
{
    char obj[48];
    snprintf(obj, sizeof obj, "conference:%lld", (long long)id);
    return audit_append(db, actor, unit_id, action, obj, detail);
}

int cf_store_create(struct db *db, int64_t actor, struct cf_row *c)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_cf_insert, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, c->unit_id);
    db_bind_int(st, 2, c->year);
    db_bind_cstr(st, 3, c->held_on);
    db_bind_cstr(st, 4, c->starts_at);
    db_bind_cstr(st, 5, c->place);
    db_bind_cstr(st, 6, c->agenda);
    db_bind_int(st, 7, actor);
    db_bind_int(st, 8, now_s());
    if ((rc = db_insert_id(st, &c->id)) != 0)
        return rc;
    char d[64];
    snprintf(d, sizeof d, "year %d on %s", c->year, c->held_on);
    return cf_audit(db, actor, c->unit_id, "conference.create", c->id, d);
}

int cf_store_get(struct db *db, struct arena *a, int64_t id, struct cf_row *o)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_cf_get, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc != DB_ROW) {
        db_reset(st);
        return rc == DB_DONE ? ERR_NOT_FOUND : rc;
    }
    memset(o, 0, sizeof *o);
    o->id = db_col_int(st, 0);
    o->unit_id = db_col_int(st, 1);
    o->year = (int)db_col_int(st, 2);
    o->held_on = arena_strdup(a, db_col_text(st, 3));
    o->starts_at = arena_strdup(a, db_col_text(st, 4));
    o->place = arena_strdup(a, db_col_text(st, 5));
    o->invited_on = arena_strdup(a, db_col_text(st, 6));
    o->plan_sent_on = arena_strdup(a, db_col_text(st, 7));
    o->agenda = arena_strdup(a, db_col_text(st, 8));
    o->chair = arena_strdup(a, db_col_text(st, 9));
    o->secretary = arena_strdup(a, db_col_text(st, 10));
    o->minutes = arena_strdup(a, db_col_text(st, 11));
    o->attendance = db_col_int(st, 12);
    o->report_sent_on = arena_strdup(a, db_col_text(st, 13));
    db_reset(st);
    return 0;
}

int cf_store_list(struct db *db, struct arena *a, int64_t unit_id, struct rows **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_cf_list, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    return db_rows(st, a, 6, out);
}

int cf_store_count_year(struct db *db, int64_t village_id, int year, int64_t *n)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_cf_exists, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, village_id);
    db_bind_int(st, 2, year);
    return db_ints(st, n, 1);
}

int cf_store_households(struct db *db, int64_t village_id, int64_t *n)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_cf_households, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, village_id);
    return db_ints(st, n, 1);
}

/* Runs a bound update of conference id, then audits it: ERR_NOT_FOUND when it changed nothing. */
static int run_audited(struct db *db, struct db_stmt *st, int64_t actor, int64_t id,
                       int64_t unit_id, const char *action, const char *detail)
{
    int64_t changed = 0;
    int rc = db_run(st, &changed);
    if (rc)
        return rc;
    if (!changed)
        return ERR_NOT_FOUND;
    return cf_audit(db, actor, unit_id, action, id, detail);
}

int cf_store_step(struct db *db, int64_t actor, int64_t id, int64_t unit_id, enum cf_step step,
                  const char *day)
{
    const char *sql = sql_cf_report, *action = "conference.report";
    if (step == CS_PLAN) {
        sql = sql_cf_plan;
        action = "conference.plan";
    } else if (step == CS_INVITE) {
        sql = sql_cf_invited;
        action = "conference.invite";
    }
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_cstr(st, 2, day);
    db_bind_int(st, 3, now_s());
    char detail[160];
    snprintf(detail, sizeof detail, "%s", day);
    return run_audited(db, st, actor, id, unit_id, action, detail);
}

int cf_store_minutes(struct db *db, int64_t actor, int64_t id, int64_t unit_id,
                     const struct cf_minutes *m)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_cf_minutes, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_cstr(st, 2, m->agenda);
    db_bind_cstr(st, 3, m->chair);
    db_bind_cstr(st, 4, m->secretary);
    db_bind_cstr(st, 5, m->minutes);
    if (m->attendance >= 0)
        db_bind_int(st, 6, m->attendance);
    else
        db_bind_null(st, 6);
    db_bind_int(st, 7, now_s());
    char detail[160];
    snprintf(detail, sizeof detail, "attendance %lld, minutes %zu bytes", (long long)m->attendance,
             strlen(m->minutes));
    return run_audited(db, st, actor, id, unit_id, "conference.minutes", detail);
}

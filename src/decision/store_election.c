/*
 * store_election.c - all SQL of elections and dismissals in a village (decision_elections,
 * migration 0029; election.h). The matter an election is decided by is stored by store.c
 * (dm_store_create). Every write appends an audit row on the matter ("decision:<id>") in the
 * caller's transaction. Statements are static so each connection caches them.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "decision/election.h"

static const char sql_el_insert[] =
    "INSERT INTO decision_elections (decision_id, kind, election_on, candidates, term_months, "
    "project, eligibility_confirmed, dismissal_trigger, dismissed_name, dismissal_note, "
    "created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
    "$12, $12)";
static const char sql_el_get[] =
    "SELECT decision_id, kind, election_on, plan_on, team_on, team_leader, team_members, "
    "notice_on, candidates_on, candidates, term_months, project, eligibility_confirmed, "
    "dismissal_trigger, dismissed_name, dismissal_note, interim_head, interim_on FROM "
    "decision_elections WHERE decision_id = $1";
static const char sql_el_list[] =
    "SELECT e.decision_id AS id, u.name AS village, e.kind, e.election_on, d.title, d.status, "
    "d.recognition FROM decision_elections e JOIN decisions d ON d.id = e.decision_id JOIN units "
    "u ON u.id = d.unit_id WHERE d.unit_id = $1 OR u.parent_id = $1 ORDER BY e.decision_id DESC "
    "LIMIT 500";
/* The steps: $2 the day, $3 the time of the change, $4 and $5 what comes with it. */
static const char sql_el_plan[] =
    "UPDATE decision_elections SET plan_on = $2, updated_at = $3 WHERE decision_id = $1";
static const char sql_el_team[] =
    "UPDATE decision_elections SET team_on = $2, updated_at = $3, team_leader = $4, "
    "team_members = $5 WHERE decision_id = $1";
static const char sql_el_notice[] =
    "UPDATE decision_elections SET notice_on = $2, updated_at = $3 WHERE decision_id = $1";
static const char sql_el_candidates[] =
    "UPDATE decision_elections SET candidates_on = $2, updated_at = $3, candidates = $4 WHERE "
    "decision_id = $1 AND EXISTS (SELECT 1 FROM decisions WHERE id = $1 AND status = 'draft')";
static const char sql_el_interim[] =
    "UPDATE decision_elections SET interim_on = $2, updated_at = $3, interim_head = $4 WHERE "
    "decision_id = $1";
/* The village's next head election after a dismissal (not annulled). */
static const char sql_el_next_head[] =
    "SELECT e.decision_id, e.election_on FROM decision_elections e JOIN decisions d ON d.id = "
    "e.decision_id WHERE d.unit_id = $1 AND e.kind = 'head' AND e.decision_id > $2 AND d.status "
    "<> 'annulled' ORDER BY e.decision_id LIMIT 1";
/* The village's active households and whether each signed the petition. */
static const char sql_el_signatures[] =
    "SELECT h.id AS household_id, h.code, h.representative_name AS representative, CASE WHEN "
    "c.household_id IS NULL THEN 0 ELSE 1 END AS signed_n FROM households h LEFT JOIN "
    "decision_consents c ON c.decision_id = $1 AND c.household_id = h.id WHERE h.village_id = $2 "
    "AND h.status = 'active' ORDER BY h.code";

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

static int el_audit(struct db *db, int64_t actor, int64_t unit_id, const char *action, int64_t id,
                    const char *detail)
{
    char obj[48];
    snprintf(obj, sizeof obj, "decision:%lld", (long long)id);
    return audit_append(db, actor, unit_id, action, obj, detail);
}

int el_store_get(struct db *db, struct arena *a, int64_t id, struct el_row *o)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_el_get, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc != DB_ROW) {
        db_reset(st);
        return rc == DB_DONE ? ERR_NOT_FOUND : rc;
    }
    memset(o, 0, sizeof *o);
    o->decision_id = db_col_int(st, 0);
    int k = el_kind_parse(db_col_text(st, 1));
    o->kind = k < 0 ? EL_HEAD : (enum el_kind)k;
    o->election_on = arena_strdup(a, db_col_text(st, 2));
    o->plan_on = arena_strdup(a, db_col_text(st, 3));
    o->team_on = arena_strdup(a, db_col_text(st, 4));
    o->team_leader = arena_strdup(a, db_col_text(st, 5));
    o->team_members = arena_strdup(a, db_col_text(st, 6));
    o->notice_on = arena_strdup(a, db_col_text(st, 7));
    o->candidates_on = arena_strdup(a, db_col_text(st, 8));
    o->candidates = arena_strdup(a, db_col_text(st, 9));
    o->term_months = (int)db_col_int(st, 10);
    o->project = arena_strdup(a, db_col_text(st, 11));
    o->eligible = (int)db_col_int(st, 12);
    o->trigger = arena_strdup(a, db_col_text(st, 13));
    o->dismissed_name = arena_strdup(a, db_col_text(st, 14));
    o->dismissal_note = arena_strdup(a, db_col_text(st, 15));
    o->interim_head = arena_strdup(a, db_col_text(st, 16));
    o->interim_on = arena_strdup(a, db_col_text(st, 17));
    db_reset(st);
    return 0;
}

static int el_insert(struct db *db, int64_t actor, const struct el_row *e)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_el_insert, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, e->decision_id);
    db_bind_cstr(st, 2, el_kind_id(e->kind));
    db_bind_cstr(st, 3, e->election_on);
    db_bind_cstr(st, 4, e->candidates);
    db_bind_int(st, 5, e->term_months);
    db_bind_cstr(st, 6, e->project);
    db_bind_int(st, 7, e->eligible ? 1 : 0);
    db_bind_cstr(st, 8, e->trigger);
    db_bind_cstr(st, 9, e->dismissed_name);
    db_bind_cstr(st, 10, e->dismissal_note);
    db_bind_id(st, 11, actor);
    db_bind_int(st, 12, now_s());
    return db_run(st, NULL);
}

int el_store_create(struct db *db, int64_t actor, struct dm_new *in, struct el_row *e)
{
    int rc = dm_store_create(db, in);
    if (rc)
        return rc;
    e->decision_id = in->id;
    if ((rc = el_insert(db, actor, e)) != 0)
        return rc;
    char d[160];
    snprintf(d, sizeof d, "%s on %s", el_kind_id(e->kind), e->election_on);
    return el_audit(db, actor, in->unit_id, "election.create", in->id, d);
}

int el_store_list(struct db *db, struct arena *a, int64_t unit_id, struct rows **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_el_list, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    return db_rows(st, a, 4, out);
}

int el_store_step(struct db *db, int64_t actor, int64_t id, int64_t unit_id, enum el_step step,
                  const char *day, const char *text, const char *text2)
{
    static const char *const sqls[] = {
        [ST_PLAN] = sql_el_plan,     [ST_CANDIDATES] = sql_el_candidates, [ST_TEAM] = sql_el_team,
        [ST_NOTICE] = sql_el_notice, [ST_INTERIM] = sql_el_interim,
    };
    static const char *const actions[] = {
        [ST_PLAN] = "election.plan",       [ST_CANDIDATES] = "election.candidates",
        [ST_TEAM] = "election.team",       [ST_NOTICE] = "election.notice",
        [ST_INTERIM] = "election.interim",
    };
    struct db_stmt *st;
    int rc = db_prepare(db, sqls[step], &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_cstr(st, 2, day);
    db_bind_int(st, 3, now_s());
    if (text)
        db_bind_cstr(st, 4, text);
    if (text2)
        db_bind_cstr(st, 5, text2);
    int64_t changed = 0;
    if ((rc = db_run(st, &changed)) != 0)
        return rc;
    if (!changed)
        return ERR_NOT_FOUND;
    char detail[600];
    snprintf(detail, sizeof detail, "%s%s%.250s%s%.250s", day, text ? ": " : "", text ? text : "",
             text2 ? "; " : "", text2 ? text2 : "");
    return el_audit(db, actor, unit_id, actions[step], id, detail);
}

int el_store_next_head(struct db *db, struct arena *a, int64_t village_id, int64_t id,
                       int64_t *next, const char **on)
{
    struct db_stmt *st;
    *next = 0;
    *on = "";
    int rc = db_prepare(db, sql_el_next_head, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, village_id);
    db_bind_int(st, 2, id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        *next = db_col_int(st, 0);
        *on = arena_strdup(a, db_col_text(st, 1));
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int el_store_signatures(struct db *db, struct arena *a, int64_t id, int64_t village_id,
                        struct rows **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_el_signatures, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, village_id);
    return db_rows(st, a, 1, out);
}

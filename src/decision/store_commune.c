/*
 * store_commune.c - all SQL of commune-wide matters (migration 0034, DOMAIN D1, D2): the
 * commune's row, the village matters it opens (ordinary rows of decisions, commune_id set, made
 * by dm_store_create so each village's vote runs as any other), the villages' results, and the
 * conclusion. Every write appends an audit row in the caller's transaction.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "decision/internal.h"

static const char sql_insert[] =
    "INSERT INTO decision_communes (unit_id, matter, title, question, body, forms, secret, "
    "front_agreed_on, tabled_on, villages_total, created_by, created_at, updated_at) VALUES ($1, "
    "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id";
static const char sql_get[] =
    "SELECT id, unit_id, matter, title, question, body, forms, secret, front_agreed_on, "
    "tabled_on, status, villages_total, villages_passed, passed, decided_at, effective_on, "
    "created_at FROM decision_communes WHERE id = $1";
static const char sql_list[] =
    "SELECT c.id, c.matter, c.title, c.status, c.villages_total, c.villages_passed, c.passed, "
    "c.tabled_on, c.effective_on, (SELECT COUNT(*) FROM decisions d WHERE d.commune_id = c.id "
    "AND d.status IN ('counted', 'annulled')) AS villages_done FROM decision_communes c WHERE "
    "c.unit_id = $1 ORDER BY c.id DESC LIMIT 200";
static const char sql_villages[] =
    "SELECT d.id, u.code, u.name, d.status, d.households_total, d.households_voted, d.approve, "
    "d.reject, d.other, d.passed, d.matter FROM decisions d JOIN units u ON u.id = d.unit_id "
    "WHERE d.commune_id = $1 ORDER BY u.code";
static const char sql_period[] =
    "SELECT c.id, c.matter, c.title, c.forms, c.villages_total, c.villages_passed, c.passed, "
    "c.effective_on, c.decided_at, COALESCE(SUM(d.households_voted), 0), "
    "COALESCE(SUM(d.households_total), 0) FROM decision_communes c LEFT JOIN decisions d ON "
    "d.commune_id = c.id WHERE c.unit_id = $1 AND c.status = 'decided' AND c.decided_at >= $2 "
    "AND c.decided_at < $3 GROUP BY c.id, c.matter, c.title, c.forms, c.villages_total, "
    "c.villages_passed, c.passed, c.effective_on, c.decided_at ORDER BY c.decided_at, c.id";
static const char sql_decided[] =
    "UPDATE decision_communes SET status = 'decided', villages_passed = $2, passed = $3, "
    "effective_on = $4, decided_at = $5, updated_at = $5 WHERE id = $1 AND status = 'open'";

static int audit(struct db *db, int64_t actor, int64_t unit_id, const char *action, int64_t id,
                 const char *detail)
{
    char obj[48];
    snprintf(obj, sizeof obj, "decision_commune:%lld", (long long)id);
    return audit_append(db, actor, unit_id, action, obj, detail ? detail : "");
}

int dm_commune_create(struct db *db, struct dm_commune_new *in)
{
    struct db_stmt *st;
    int64_t now = (int64_t)time(NULL);
    int rc = db_prepare(db, sql_insert, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, in->unit_id);
    db_bind_int(st, 2, in->matter);
    db_bind_cstr(st, 3, in->title);
    db_bind_cstr(st, 4, in->question);
    db_bind_cstr(st, 5, in->body ? in->body : "");
    db_bind_int(st, 6, in->forms);
    db_bind_int(st, 7, in->secret ? 1 : 0);
    db_bind_cstr(st, 8, in->front_agreed_on);
    db_bind_cstr(st, 9, in->tabled_on);
    db_bind_int(st, 10, (int64_t)in->n_villages);
    db_bind_id(st, 11, in->actor);
    db_bind_int(st, 12, now);
    if ((rc = db_insert_id(st, &in->id)) != 0)
        return rc;
    char d[360];
    snprintf(d, sizeof d, "M%d, %zu villages: %.280s", (int)in->matter, in->n_villages, in->title);
    if ((rc = audit(db, in->actor, in->unit_id, "decision.commune_create", in->id, d)) != 0)
        return rc;
    for (size_t i = 0; i < in->n_villages; i++) {
        struct dm_new v = {
            .actor = in->actor,
            .unit_id = in->villages[i],
            .matter = in->matter,
            .title = in->title,
            .question = in->question,
            .body = in->body,
            .proposer = "chairperson",
            .forms = in->forms,
            .secret = in->secret,
            .tabled_on = in->tabled_on,
            .commune_id = in->id,
        };
        if ((rc = dm_store_create(db, &v)) != 0)
            return rc;
    }
    return 0;
}

static const char *dup(struct arena *a, struct db_stmt *st, int col)
{
    return arena_strdup(a, db_col_text(st, col));
}

int dm_commune_get(struct db *db, struct arena *a, int64_t id, struct dm_commune *o)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_get, &st);
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
    o->matter = (enum dm_matter)db_col_int(st, 2);
    o->title = dup(a, st, 3);
    o->question = dup(a, st, 4);
    o->body = dup(a, st, 5);
    o->forms = (unsigned)db_col_int(st, 6);
    o->secret = (int)db_col_int(st, 7);
    o->front_agreed_on = dup(a, st, 8);
    o->tabled_on = dup(a, st, 9);
    o->status = dup(a, st, 10);
    o->villages_total = db_col_int(st, 11);
    o->villages_passed = db_col_int(st, 12);
    o->passed = (int)db_col_int(st, 13);
    o->decided_at = db_col_int(st, 14);
    o->effective_on = dup(a, st, 15);
    o->created_at = db_col_int(st, 16);
    db_reset(st);
    return 0;
}

int dm_commune_list(struct db *db, struct arena *a, int64_t unit_id, struct rows **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_list, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    return db_rows(st, a, 2, out);
}

int dm_commune_villages(struct db *db, struct arena *a, int64_t id, struct rows **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_villages, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    return db_rows(st, a, 0, out);
}

int dm_commune_period(struct db *db, struct arena *a, int64_t unit_id, int64_t from, int64_t to,
                      struct rows **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_period, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    db_bind_int(st, 2, from);
    db_bind_int(st, 3, to);
    return db_rows(st, a, 0, out);
}

void dm_commune_tally(const struct rows *villages, struct dm_commune_count *c)
{
    memset(c, 0, sizeof *c);
    c->total = (int64_t)villages->n_rows;
    for (size_t i = 0; i < villages->n_rows; i++) {
        const char *status = rows_text(rows_at(villages, i, 3));
        int counted = !strcmp(status, "counted"), annulled = !strcmp(status, "annulled");
        c->done += counted || annulled;
        c->passed += counted && rows_at(villages, i, 9)->i;
    }
}

int dm_commune_decide(struct db *db, struct dm_commune_decision *in)
{
    struct arena *a = arena_new(0);
    struct rows *villages;
    struct dm_commune_count c;
    int rc = dm_commune_villages(db, a, in->id, &villages);
    if (rc)
        goto out;
    dm_commune_tally(villages, &c);
    /* Decided on what the villages' rows say inside this write, not on the page the
     * chairperson saw: a village counted meanwhile is included. */
    if (c.done < c.total || c.total == 0) {
        rc = ERR_CONFLICT;
        goto out;
    }
    in->villages_total = c.total;
    in->villages_passed = c.passed;
    in->passed = dr_commune_passes(in->rules, (int)c.total, (int)c.passed);
    struct db_stmt *st;
    if ((rc = db_prepare(db, sql_decided, &st)) != 0)
        goto out;
    db_bind_int(st, 1, in->id);
    db_bind_int(st, 2, c.passed);
    db_bind_int(st, 3, in->passed);
    db_bind_cstr(st, 4, in->passed ? in->effective_on : "");
    db_bind_int(st, 5, (int64_t)time(NULL));
    int64_t changed;
    if ((rc = db_run(st, &changed)) != 0)
        goto out;
    if (!changed) {
        rc = ERR_CONFLICT;
        goto out;
    }
    char d[96];
    snprintf(d, sizeof d, "%lld/%lld villages approve: %s%s", (long long)c.passed,
             (long long)c.total, in->passed ? "passed, effective " : "not passed",
             in->passed ? in->effective_on : "");
    rc = audit(db, in->actor, in->unit_id, "decision.commune_decide", in->id, d);
out:
    arena_free(a);
    return rc;
}

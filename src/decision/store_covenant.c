/*
 * store_covenant.c - all SQL of village covenants (covenants, covenant_reviews; migration 0028;
 * covenant.h): the covenant's steps, its reviews, the lists and the commune's yearly statistics.
 * The adoption vote is a matter of store.c, tabled and followed up from here in the same
 * transaction. Every write appends an audit row on "covenant:<id>" in the caller's transaction.
 * Statements are static so each connection caches them.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "decision/covenant.h"

static const char sql_insert[] =
    "INSERT INTO covenants (unit_id, amends_id, title, summary, proposer, initiative_id, "
    "initiative_consents, proposed_on, created_by, created_at, updated_at) VALUES ($1, $2, $3, "
    "$4, $5, $6, $7, $8, $9, $10, $10) RETURNING id";
static const char sql_get[] =
    "SELECT id, unit_id, COALESCE(amends_id, 0), COALESCE(initiative_id, 0), "
    "initiative_consents, COALESCE(consultation_id, 0), COALESCE(decision_id, 0), title, "
    "summary, status, proposer, proposed_on, drafting_team, posted_on, adopted_on, submitted_on, "
    "recognised_on, refused_on, refused_reasons, distributed_on, channels, reported_on, "
    "suspended_on, suspension_scope, suspension_parts, suspension_reason, fix_by, annulled_on, "
    "annul_ground, annul_ground_on, annul_reason FROM covenants WHERE id = $1";
static const char sql_list[] =
    "SELECT c.id, c.title, c.status, u.name AS village, COALESCE(c.amends_id, 0) AS amends_id, "
    "c.posted_on, c.adopted_on, c.recognised_on FROM covenants c JOIN units u ON u.id = "
    "c.unit_id WHERE c.unit_id = $1 OR u.parent_id = $1 ORDER BY c.id DESC LIMIT 500";
static const char sql_list_public[] =
    "SELECT c.id, c.title, c.status, u.name AS village, COALESCE(c.amends_id, 0) AS amends_id, "
    "c.posted_on, c.adopted_on, c.recognised_on FROM covenants c JOIN units u ON u.id = "
    "c.unit_id WHERE (c.unit_id = $1 OR u.parent_id = $1) AND c.status IN ('recognised', "
    "'suspended') ORDER BY c.recognised_on DESC, c.id DESC LIMIT 500";
static const char sql_amendments[] =
    "SELECT id, title, status, recognised_on FROM covenants WHERE amends_id = $1 ORDER BY id";
static const char sql_reviews[] =
    "SELECT year, reviewed_on, report FROM covenant_reviews WHERE covenant_id = $1 ORDER BY year "
    "DESC";
static const char sql_team[] =
    "UPDATE covenants SET drafting_team = $2, status = CASE WHEN status = 'proposed' THEN "
    "'drafting' ELSE status END, updated_at = $3 WHERE id = $1 AND status IN ('proposed', "
    "'drafting', 'consulting') AND decision_id IS NULL";
static const char sql_post[] =
    "UPDATE covenants SET posted_on = $2, consultation_id = $3, status = 'consulting', "
    "updated_at = $4 WHERE id = $1 AND status IN ('drafting', 'consulting') AND decision_id IS "
    "NULL";
static const char sql_vote[] =
    "UPDATE covenants SET decision_id = $2, updated_at = $3 WHERE id = $1 AND status = "
    "'consulting' AND decision_id IS NULL";
static const char sql_adopt[] =
    "UPDATE covenants SET status = $2, adopted_on = $3, updated_at = $4 WHERE id = $1 AND "
    "status = 'consulting' AND decision_id = $5";
static const char sql_submit[] =
    "UPDATE covenants SET status = 'submitted', submitted_on = $2, updated_at = $3 WHERE id = $1 "
    "AND status = 'adopted'";
static const char sql_recognise[] =
    "UPDATE covenants SET status = 'recognised', recognised_on = $2, updated_at = $3 WHERE id = "
    "$1 AND status = 'submitted'";
static const char sql_refuse[] =
    "UPDATE covenants SET status = 'refused', refused_on = $2, refused_reasons = $3, updated_at "
    "= $4 WHERE id = $1 AND status = 'submitted'";
static const char sql_distribute[] =
    "UPDATE covenants SET distributed_on = $2, channels = $3, updated_at = $4 WHERE id = $1 AND "
    "status = 'recognised' AND distributed_on = ''";
static const char sql_review[] =
    "INSERT INTO covenant_reviews (covenant_id, year, reviewed_on, report, entered_by, "
    "created_at) VALUES ($1, $2, $3, $4, $5, $6)";
static const char sql_suspend[] =
    "UPDATE covenants SET status = 'suspended', reported_on = $2, suspended_on = $3, "
    "suspension_scope = $4, suspension_parts = $5, suspension_reason = $6, fix_by = $7, "
    "updated_at = $8 WHERE id = $1 AND status = 'recognised'";
static const char sql_annul[] =
    "UPDATE covenants SET status = 'annulled', annulled_on = $2, annul_ground = $3, "
    "annul_ground_on = $4, annul_reason = $5, updated_at = $6 WHERE id = $1 AND status IN "
    "('recognised', 'suspended')";
/* Art 16: a year's counts for a commune (or one village): recognised covenants, amendments
 * recognised, refusals, suspensions, annulments; and those in force now. $2, $3: the year's
 * first and last days. */
static const char sql_stats[] =
    "SELECT COALESCE(SUM(CASE WHEN c.amends_id IS NULL AND c.recognised_on >= $2 AND "
    "c.recognised_on <= $3 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN c.amends_id IS NOT "
    "NULL AND c.recognised_on >= $2 AND c.recognised_on <= $3 THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN c.refused_on >= $2 AND c.refused_on <= $3 THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN c.suspended_on >= $2 AND c.suspended_on <= $3 THEN 1 ELSE 0 END), "
    "0), COALESCE(SUM(CASE WHEN c.annulled_on >= $2 AND c.annulled_on <= $3 THEN 1 ELSE 0 END), "
    "0), COALESCE(SUM(CASE WHEN c.status = 'recognised' THEN 1 ELSE 0 END), 0) FROM covenants c "
    "JOIN units u ON u.id = c.unit_id WHERE c.unit_id = $1 OR u.parent_id = $1";
static const char sql_stats_items[] =
    "SELECT c.id, c.title, c.status, u.name AS village, COALESCE(c.amends_id, 0) AS amends_id, "
    "c.recognised_on, c.refused_on, c.suspended_on, c.annulled_on FROM covenants c JOIN units u "
    "ON u.id = c.unit_id WHERE (c.unit_id = $1 OR u.parent_id = $1) AND ((c.recognised_on >= $2 "
    "AND c.recognised_on <= $3) OR (c.refused_on >= $2 AND c.refused_on <= $3) OR "
    "(c.suspended_on >= $2 AND c.suspended_on <= $3) OR (c.annulled_on >= $2 AND c.annulled_on "
    "<= $3)) ORDER BY u.name, c.id";

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

static const char *col(struct arena *a, struct db_stmt *st, int i)
{
    return arena_strdup(a, db_col_text(st, i));
}

int cv_store_get(struct db *db, struct arena *a, int64_t id, struct cv_item *o)
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
    o->amends_id = db_col_int(st, 2);
    o->initiative_id = db_col_int(st, 3);
    o->consents = db_col_int(st, 4);
    o->consultation_id = db_col_int(st, 5);
    o->decision_id = db_col_int(st, 6);
    const char **s[] = {&o->title,
                        &o->summary,
                        &o->status,
                        &o->proposer,
                        &o->proposed_on,
                        &o->drafting_team,
                        &o->posted_on,
                        &o->adopted_on,
                        &o->submitted_on,
                        &o->recognised_on,
                        &o->refused_on,
                        &o->refused_reasons,
                        &o->distributed_on,
                        &o->channels,
                        &o->reported_on,
                        &o->suspended_on,
                        &o->scope,
                        &o->parts,
                        &o->suspension_reason,
                        &o->fix_by,
                        &o->annulled_on,
                        &o->ground,
                        &o->ground_on,
                        &o->annul_reason};
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        *s[i] = col(a, st, 7 + (int)i);
    db_reset(st);
    return 0;
}

/* Rows of a statement taking one id (or unit) parameter. */
static int rows_of(struct db *db, struct arena *a, const char *sql, int64_t id, size_t extra,
                   struct rows **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    return db_rows(st, a, extra, out);
}

int cv_store_list(struct db *db, struct arena *a, int64_t unit_id, int public, struct rows **out)
{
    return rows_of(db, a, public ? sql_list_public : sql_list, unit_id, 3, out);
}

int cv_store_amendments(struct db *db, struct arena *a, int64_t id, struct rows **out)
{
    return rows_of(db, a, sql_amendments, id, 0, out);
}

int cv_store_reviews(struct db *db, struct arena *a, int64_t id, struct rows **out)
{
    return rows_of(db, a, sql_reviews, id, 0, out);
}

int cv_store_stats(struct db *db, int64_t unit_id, const char *first, const char *last,
                   int64_t v[6])
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_stats, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    db_bind_cstr(st, 2, first);
    db_bind_cstr(st, 3, last);
    return db_ints(st, v, 6);
}

int cv_store_stats_items(struct db *db, struct arena *a, int64_t unit_id, const char *first,
                         const char *last, struct rows **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_stats_items, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    db_bind_cstr(st, 2, first);
    db_bind_cstr(st, 3, last);
    return db_rows(st, a, 2, out);
}

static int audit(struct db *db, int64_t actor, int64_t unit_id, const char *action, int64_t id,
                 const char *detail)
{
    char obj[48];
    snprintf(obj, sizeof obj, "covenant:%lld", (long long)id);
    return audit_append(db, actor, unit_id, action, obj, detail ? detail : "");
}

static int run_changed(struct db_stmt *st)
{
    int64_t changed;
    int rc = db_run(st, &changed);
    return rc ? rc : changed ? 0 : ERR_CONFLICT;
}

int cv_store_create(struct db *db, struct cv_new *in)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_insert, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, in->unit_id);
    db_bind_id(st, 2, in->amends_id);
    db_bind_cstr(st, 3, in->title);
    db_bind_cstr(st, 4, in->summary);
    db_bind_cstr(st, 5, in->proposer);
    db_bind_id(st, 6, in->initiative_id);
    db_bind_int(st, 7, in->consents);
    db_bind_cstr(st, 8, in->proposed_on);
    db_bind_id(st, 9, in->actor);
    db_bind_int(st, 10, now_s());
    if ((rc = db_insert_id(st, &in->id)) != 0)
        return rc;
    char d[400];
    snprintf(d, sizeof d, "%s, amends %lld: %.300s", in->proposer, (long long)in->amends_id,
             in->title);
    return audit(db, in->actor, in->unit_id, in->amends_id ? "covenant.amend" : "covenant.create",
                 in->id, d);
}

/* The adoption vote's side of recognition: its decision sent (D4), recognised or refused (D8)
 * while pending. */
static int vote_follow(struct db *db, const struct cv_write *j)
{
    if (!j->decision_id ||
        (j->step != CV_SUBMIT && j->step != CV_RECOGNISE && j->step != CV_REFUSE))
        return 0;
    struct arena *a = arena_new(0);
    struct dm_item d;
    int rc = dm_store_get(db, a, j->decision_id, &d);
    if (rc == 0 && !strcmp(d.status, "counted")) {
        if (j->step == CV_SUBMIT && !d.sent_on[0])
            rc = dm_store_sent(db, j->actor, d.id, j->unit_id, j->s[0]);
        else if ((j->step == CV_RECOGNISE || j->step == CV_REFUSE) &&
                 !strcmp(d.recognition, "pending"))
            rc = dm_store_recognise(db, j->actor, d.id, j->unit_id,
                                    j->step == CV_RECOGNISE ? "recognised" : "refused", j->s[0],
                                    j->step == CV_REFUSE ? j->s[1] : "");
    }
    arena_free(a);
    return rc;
}

int cv_store_step(struct db *db, struct cv_write *j)
{
    static const char *const sqls[] = {
        [CV_TEAM] = sql_team,     [CV_POST] = sql_post,
        [CV_VOTE] = sql_vote,     [CV_ADOPT] = sql_adopt,
        [CV_SUBMIT] = sql_submit, [CV_RECOGNISE] = sql_recognise,
        [CV_REFUSE] = sql_refuse, [CV_DISTRIBUTE] = sql_distribute,
        [CV_REVIEW] = sql_review, [CV_SUSPEND] = sql_suspend,
        [CV_ANNUL] = sql_annul,
    };
    static const char *const actions[] = {
        [CV_TEAM] = "covenant.team",     [CV_POST] = "covenant.post",
        [CV_VOTE] = "covenant.vote",     [CV_ADOPT] = "covenant.adopt",
        [CV_SUBMIT] = "covenant.submit", [CV_RECOGNISE] = "covenant.recognise",
        [CV_REFUSE] = "covenant.refuse", [CV_DISTRIBUTE] = "covenant.distribute",
        [CV_REVIEW] = "covenant.review", [CV_SUSPEND] = "covenant.suspend",
        [CV_ANNUL] = "covenant.annul",
    };
    int rc;
    if (j->step == CV_VOTE && (rc = dm_store_create(db, &j->vote)) != 0)
        return rc;
    struct db_stmt *st;
    if ((rc = db_prepare(db, sqls[j->step], &st)) != 0)
        return rc;
    int k = 1;
    db_bind_int(st, k++, j->id);
    switch (j->step) {
    case CV_POST:
        db_bind_cstr(st, k++, j->s[0]);
        db_bind_id(st, k++, j->n);
        break;
    case CV_VOTE:
        db_bind_int(st, k++, j->vote.id);
        break;
    case CV_REVIEW:
        db_bind_int(st, k++, j->n);
        db_bind_cstr(st, k++, j->s[0]);
        db_bind_cstr(st, k++, j->s[1]);
        db_bind_id(st, k++, j->actor);
        break;
    default:
        for (size_t i = 0; i < sizeof j->s / sizeof j->s[0] && j->s[i]; i++)
            db_bind_cstr(st, k++, j->s[i]);
    }
    db_bind_int(st, k++, now_s());
    if (j->step == CV_ADOPT)
        db_bind_int(st, k++, j->decision_id);
    if (j->step == CV_REVIEW)
        rc = db_run(st, NULL); /* a second review of a year: ERR_CONFLICT from the key */
    else
        rc = run_changed(st);
    if (rc == 0)
        rc = vote_follow(db, j);
    if (rc)
        return rc;
    char detail[400];
    switch (j->step) {
    case CV_POST:
        snprintf(detail, sizeof detail, "posted %s, consultation %lld", j->s[0], (long long)j->n);
        break;
    case CV_VOTE:
        snprintf(detail, sizeof detail, "adoption vote decision:%lld", (long long)j->vote.id);
        break;
    case CV_REVIEW:
        snprintf(detail, sizeof detail, "review %lld on %s", (long long)j->n, j->s[0]);
        break;
    default:
        snprintf(detail, sizeof detail, "%s%s%.300s", j->s[0] ? j->s[0] : "", j->s[1] ? " " : "",
                 j->s[1] ? j->s[1] : "");
    }
    return audit(db, j->actor, j->unit_id, actions[j->step], j->id, detail);
}

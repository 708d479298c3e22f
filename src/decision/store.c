/*
 * store.c - all SQL of residents' decisions (internal.h, migration 0026). Every write that an
 * official makes appends an audit row; a household's vote writes none that could tie it to a
 * secret choice (an online vote writes no audit row at all, and the ballot row has neither time
 * nor order). Statements are static so each connection caches them.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "decision/internal.h"

static const char sql_insert[] =
    "INSERT INTO decisions (unit_id, matter, title, question, body, proposer, forms, secret, "
    "tabled_on, created_by, created_at, updated_at, commune_id, amends_id, front_agreed_on) VALUES "
    "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13, $14) RETURNING id";
static const char sql_get[] =
    "SELECT id, unit_id, matter, title, question, body, proposer, forms, secret, status, "
    "tabled_on, notice_on, meeting_on, ballot_deadline, online_optin_agree, online_opens_at, "
    "online_closes_at, card_key, roll_frozen_at, households_total, counted_at, approve, reject, "
    "other, households_voted, passed, decision_text, sent_on, recognition, recognition_on, "
    "recognition_note, annulled_reason, created_at, documents_on, team, team_it, plan_issued_on, "
    "plan_sent_on, distribution_on, COALESCE(commune_id, 0), amend_request, amend_requested_on, "
    "COALESCE(amends_id, 0), front_agreed_on FROM decisions WHERE id = $1";
static const char sql_list[] =
    "SELECT d.id, d.unit_id, u.name AS village, d.matter, d.title, d.status, d.tabled_on, "
    "d.meeting_on, d.households_total, d.households_voted, d.approve, d.reject, d.other, "
    "d.passed, d.counted_at, d.proposer FROM decisions d JOIN units u ON u.id = d.unit_id WHERE "
    "d.unit_id = "
    "$1 OR u.parent_id = $1 ORDER BY d.id DESC LIMIT 500";
static const char sql_freeze[] =
    "INSERT INTO decision_roll (decision_id, household_id) SELECT $1, id FROM households WHERE "
    "village_id = $2 AND status = 'active'";
static const char sql_notified[] =
    "UPDATE decisions SET status = 'notified', notice_on = $2, meeting_on = $3, "
    "ballot_deadline = $4, card_key = $5, roll_frozen_at = $6, households_total = (SELECT "
    "COUNT(*) FROM decision_roll WHERE decision_id = $1), updated_at = $6 WHERE id = $1 AND "
    "status = 'draft'";
static const char sql_roll[] =
    "SELECT h.id AS household_id, h.code, h.address, h.representative_name AS representative, "
    "h.status, COALESCE(v.channel, '') AS channel FROM decision_roll r JOIN households h ON h.id "
    "= r.household_id LEFT JOIN decision_votes v ON v.decision_id = r.decision_id AND "
    "v.household_id = r.household_id WHERE r.decision_id = $1 ORDER BY h.code";
static const char sql_in_roll[] =
    "SELECT h.status FROM decision_roll r JOIN households h ON h.id = r.household_id WHERE "
    "r.decision_id = $1 AND r.household_id = $2";
static const char sql_vote_fast[] =
    "INSERT INTO decision_votes (decision_id, household_id, channel, choice, at) SELECT $1, "
    "r.household_id, $3, $4, $5 FROM decision_roll r JOIN households h ON h.id = "
    "r.household_id WHERE r.decision_id = $1 AND r.household_id = $2 AND h.status = 'active' "
    "AND EXISTS (SELECT 1 FROM decisions d WHERE d.id = $1 AND d.status IN ('notified', "
    "'voting')) ON CONFLICT DO NOTHING";
static const char sql_ballot_insert[] =
    "INSERT INTO decision_ballots (decision_id, receipt, choice) VALUES ($1, $2, $3)";
static const char sql_tally_insert[] =
    "INSERT INTO decision_tallies (decision_id, source, cluster, approve, reject, other, invalid, "
    "method, board, witnesses, secretary, entered_by, created_at, secretary_votes, method_votes) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id";
static const char sql_tallies[] =
    "SELECT id, source, cluster, approve, reject, other, invalid, method, board, witnesses, "
    "secretary, created_at FROM decision_tallies WHERE decision_id = $1 ORDER BY id";
static const char sql_turnout[] =
    "SELECT COALESCE(SUM(CASE WHEN channel = 'meeting' THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN channel = 'ballot' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN "
    "channel = 'online' THEN 1 ELSE 0 END), 0) FROM decision_votes WHERE decision_id = $1";
static const char sql_card_insert[] =
    "INSERT INTO decision_cards (decision_id, household_id, code_hash) SELECT $1, $2, $3 WHERE "
    "NOT EXISTS (SELECT 1 FROM decision_cards WHERE decision_id = $1 AND household_id = $2)";
static const char sql_uncarded[] =
    "SELECT r.household_id FROM decision_roll r JOIN households h ON h.id = r.household_id "
    "WHERE r.decision_id = $1 AND h.status = 'active' AND NOT EXISTS (SELECT 1 FROM "
    "decision_votes v WHERE v.decision_id = r.decision_id AND v.household_id = r.household_id) "
    "AND NOT EXISTS (SELECT 1 FROM decision_cards c WHERE c.decision_id = r.decision_id AND "
    "c.household_id = r.household_id) ORDER BY r.household_id";
static const char sql_cards[] =
    "SELECT c.household_id, h.code AS household_code, h.address, h.representative_name AS "
    "representative, "
    "c.delivered_at, c.collected_at FROM decision_cards c JOIN households h ON h.id = "
    "c.household_id WHERE c.decision_id = $1 ORDER BY h.code";
static const char sql_card_find[] =
    "SELECT decision_id, household_id, collected_at FROM decision_cards WHERE code_hash = $1";
static const char sql_card_delivered[] =
    "UPDATE decision_cards SET delivered_at = $3 WHERE decision_id = $1 AND household_id = $2 "
    "AND delivered_at = 0";
static const char sql_card_collected[] =
    "UPDATE decision_cards SET collected_at = $3, delivered_at = CASE WHEN delivered_at = 0 "
    "THEN $3 ELSE delivered_at END WHERE decision_id = $1 AND household_id = $2 AND "
    "collected_at = 0";
static const char sql_online[] =
    "UPDATE decisions SET online_optin_agree = $2, online_opens_at = $3, online_closes_at = $4, "
    "status = CASE WHEN status = 'notified' THEN 'voting' ELSE status END, updated_at = $5 WHERE "
    "id = $1";
static const char sql_tally_sums[] =
    "SELECT COALESCE(SUM(approve), 0), COALESCE(SUM(reject), 0), COALESCE(SUM(other), 0) FROM "
    "decision_tallies WHERE decision_id = $1";
static const char sql_ballot_sums[] =
    "SELECT COALESCE(SUM(CASE WHEN choice = 1 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN "
    "choice = 2 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN choice = 3 THEN 1 ELSE 0 END), 0) "
    "FROM decision_ballots WHERE decision_id = $1";
static const char sql_open_sums[] =
    "SELECT COALESCE(SUM(CASE WHEN choice = 1 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN "
    "choice = 2 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN choice = 3 THEN 1 ELSE 0 END), 0) "
    "FROM decision_votes WHERE decision_id = $1 AND channel = 'online'";
static const char sql_voted_count[] = "SELECT COUNT(*) FROM decision_votes WHERE decision_id = $1";
static const char sql_counted[] =
    "UPDATE decisions SET status = 'counted', counted_at = $2, approve = $3, reject = $4, "
    "other = $5, households_voted = $6, passed = $7, decision_text = $8, recognition = $9, "
    "updated_at = $2 WHERE id = $1 AND status IN ('notified', 'voting')";
static const char sql_receipts[] =
    "SELECT receipt, choice FROM decision_ballots WHERE decision_id = $1 ORDER BY receipt";
static const char sql_account_household[] =
    "SELECT COALESCE(household_id, 0) FROM accounts WHERE id = $1";
/* Roll changes since the freeze: households of the village that are active and not on the roll
 * (added later), and households on the roll that are no longer active (left). */
static const char sql_log_added[] =
    "INSERT INTO decision_roll_changes (decision_id, household_id, change, at) SELECT $1, h.id, "
    "'added', $3 FROM households h WHERE h.village_id = $2 AND h.status = 'active' AND NOT "
    "EXISTS (SELECT 1 FROM decision_roll r WHERE r.decision_id = $1 AND r.household_id = h.id) "
    "AND NOT EXISTS (SELECT 1 FROM decision_roll_changes c WHERE c.decision_id = $1 AND "
    "c.household_id = h.id AND c.change = 'added')";
static const char sql_log_left[] =
    "INSERT INTO decision_roll_changes (decision_id, household_id, change, at) SELECT $1, h.id, "
    "'left', $2 FROM decision_roll r JOIN households h ON h.id = r.household_id WHERE "
    "r.decision_id = $1 AND h.status <> 'active' AND NOT EXISTS (SELECT 1 FROM "
    "decision_roll_changes c WHERE c.decision_id = $1 AND c.household_id = h.id AND c.change = "
    "'left')";
static const char sql_changes[] =
    "SELECT c.household_id, h.code, c.change FROM decision_roll_changes c JOIN households h ON "
    "h.id = c.household_id WHERE c.decision_id = $1 ORDER BY c.change, h.code";

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

static int sums3(struct db *db, const char *sql, int64_t id, int64_t v[3])
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    return db_ints(st, v, 3);
}

static int audit(struct db *db, int64_t actor, int64_t unit_id, const char *action, int64_t id,
                 const char *detail)
{
    char obj[48];
    snprintf(obj, sizeof obj, "decision:%lld", (long long)id);
    return audit_append(db, actor, unit_id, action, obj, detail ? detail : "");
}

int dm_store_create(struct db *db, struct dm_new *in)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_insert, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, in->unit_id);
    db_bind_int(st, 2, in->matter);
    db_bind_cstr(st, 3, in->title);
    db_bind_cstr(st, 4, in->question);
    db_bind_cstr(st, 5, in->body ? in->body : "");
    db_bind_cstr(st, 6, in->proposer ? in->proposer : "head");
    db_bind_int(st, 7, in->forms);
    db_bind_int(st, 8, in->secret ? 1 : 0);
    db_bind_cstr(st, 9, in->tabled_on);
    db_bind_id(st, 10, in->actor);
    db_bind_int(st, 11, now_s());
    db_bind_id(st, 12, in->commune_id);
    db_bind_id(st, 13, in->amends_id);
    db_bind_cstr(st, 14, in->front_agreed_on ? in->front_agreed_on : "");
    if ((rc = db_insert_id(st, &in->id)) != 0)
        return rc;
    char d[320];
    snprintf(d, sizeof d, "M%d: %.280s", (int)in->matter, in->title);
    return audit(db, in->actor, in->unit_id, "decision.create", in->id, d);
}

static const char *dup(struct arena *a, struct db_stmt *st, int col)
{
    return arena_strdup(a, db_col_text(st, col));
}

int dm_store_get(struct db *db, struct arena *a, int64_t id, struct dm_item *o)
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
    o->proposer = dup(a, st, 6);
    o->forms = (unsigned)db_col_int(st, 7);
    o->secret = (int)db_col_int(st, 8);
    o->status = dup(a, st, 9);
    o->tabled_on = dup(a, st, 10);
    o->notice_on = dup(a, st, 11);
    o->meeting_on = dup(a, st, 12);
    o->ballot_deadline = dup(a, st, 13);
    o->online_optin_agree = db_col_int(st, 14);
    o->online_opens_at = db_col_int(st, 15);
    o->online_closes_at = db_col_int(st, 16);
    o->card_key = dup(a, st, 17);
    o->roll_frozen_at = db_col_int(st, 18);
    o->households_total = db_col_int(st, 19);
    o->counted_at = db_col_int(st, 20);
    o->approve = db_col_int(st, 21);
    o->reject = db_col_int(st, 22);
    o->other = db_col_int(st, 23);
    o->households_voted = db_col_int(st, 24);
    o->passed = (int)db_col_int(st, 25);
    o->decision_text = dup(a, st, 26);
    o->sent_on = dup(a, st, 27);
    o->recognition = dup(a, st, 28);
    o->recognition_on = dup(a, st, 29);
    o->recognition_note = dup(a, st, 30);
    o->annulled_reason = dup(a, st, 31);
    o->created_at = db_col_int(st, 32);
    o->documents_on = dup(a, st, 33);
    o->team = dup(a, st, 34);
    o->team_it = dup(a, st, 35);
    o->plan_issued_on = dup(a, st, 36);
    o->plan_sent_on = dup(a, st, 37);
    o->distribution_on = dup(a, st, 38);
    o->commune_id = db_col_int(st, 39);
    o->amend_request = dup(a, st, 40);
    o->amend_requested_on = dup(a, st, 41);
    o->amends_id = db_col_int(st, 42);
    o->front_agreed_on = dup(a, st, 43);
    db_reset(st);
    return 0;
}

int dm_store_list(struct db *db, struct arena *a, int64_t unit_id, struct rows **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_list, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    return db_rows(st, a, 2, out);
}

int dm_store_notify(struct db *db, int64_t actor, int64_t id, const char *notice_on,
                    const char *meeting_on, const char *ballot_deadline)
{
    struct arena *a = arena_new(0);
    struct dm_item d;
    struct db_stmt *st;
    int64_t changed = 0;
    int rc = dm_store_get(db, a, id, &d);
    if (rc == 0 && strcmp(d.status, "draft") != 0)
        rc = ERR_CONFLICT;
    if (rc == 0 && (rc = db_prepare(db, sql_freeze, &st)) == 0) {
        db_bind_int(st, 1, id);
        db_bind_int(st, 2, d.unit_id);
        rc = db_run(st, NULL);
    }
    unsigned char key[32];
    char hex[65];
    randombytes_buf(key, sizeof key);
    sodium_bin2hex(hex, sizeof hex, key, sizeof key);
    if (rc == 0 && (rc = db_prepare(db, sql_notified, &st)) == 0) {
        db_bind_int(st, 1, id);
        db_bind_cstr(st, 2, notice_on);
        db_bind_cstr(st, 3, meeting_on ? meeting_on : "");
        db_bind_cstr(st, 4, ballot_deadline ? ballot_deadline : "");
        db_bind_cstr(st, 5, hex);
        db_bind_int(st, 6, now_s());
        if ((rc = db_run(st, &changed)) == 0 && !changed)
            rc = ERR_CONFLICT;
    }
    if (rc == 0)
        rc = audit(db, actor, d.unit_id, "decision.notify", id,
                   arena_printf(a, "notice %s, meeting %s; roll frozen", notice_on,
                                meeting_on ? meeting_on : ""));
    arena_free(a);
    return rc;
}

int dm_store_roll(struct db *db, struct arena *a, int64_t id, struct rows **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_roll, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    return db_rows(st, a, 4, out);
}

int dm_store_take_part(struct db *db, int64_t id, int64_t hid, const char *channel, int choice)
{
    struct db_stmt *st;
    int64_t n;
    /* One statement on the way every vote takes: on the frozen roll, still in the village, not
     * yet voted. Only when it inserts nothing do the checks below say why. */
    int rc = db_prepare(db, sql_vote_fast, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, hid);
    db_bind_cstr(st, 3, channel);
    if (choice)
        db_bind_int(st, 4, choice);
    else
        db_bind_null(st, 4);
    db_bind_int(st, 5, now_s());
    if ((rc = db_run(st, &n)) != 0 || n == 1)
        return rc;
    if ((rc = db_prepare(db, sql_in_roll, &st)) != 0)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, hid);
    rc = db_step(st);
    if (rc != DB_ROW) {
        db_reset(st);
        return rc == DB_DONE ? ERR_NOT_FOUND : rc;
    }
    int active = strcmp(db_col_text(st, 0), "active") == 0;
    db_reset(st);
    /* On the roll and still here: it has voted already, or the vote is no longer open. */
    return active ? ERR_CONFLICT : ERR_FORBIDDEN;
}

int dm_store_vote_online(struct db *db, int64_t id, int64_t hid, int choice, int secret,
                         const char *receipt)
{
    int rc = dm_store_take_part(db, id, hid, "online", secret ? 0 : choice);
    if (rc || !secret)
        return rc;
    struct db_stmt *st;
    if ((rc = db_prepare(db, sql_ballot_insert, &st)) != 0)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_cstr(st, 2, receipt);
    db_bind_int(st, 3, choice);
    return db_run(st, NULL);
}

int dm_store_tally(struct db *db, const struct dm_tally_in *in)
{
    struct db_stmt *st;
    int64_t tid;
    int rc = db_prepare(db, sql_tally_insert, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, in->id);
    db_bind_cstr(st, 2, in->source);
    db_bind_cstr(st, 3, in->cluster ? in->cluster : "");
    db_bind_int(st, 4, in->approve);
    db_bind_int(st, 5, in->reject);
    db_bind_int(st, 6, in->other);
    db_bind_int(st, 7, in->invalid);
    db_bind_cstr(st, 8, in->method ? in->method : "hands");
    db_bind_cstr(st, 9, in->board ? in->board : "");
    db_bind_cstr(st, 10, in->witnesses ? in->witnesses : "");
    db_bind_cstr(st, 11, in->secretary ? in->secretary : "");
    db_bind_id(st, 12, in->actor);
    db_bind_int(st, 13, now_s());
    db_bind_int(st, 14, in->secretary_votes);
    db_bind_int(st, 15, in->method_votes);
    if ((rc = db_insert_id(st, &tid)) != 0)
        return rc;
    char d[160];
    snprintf(d, sizeof d, "%s %s: %d/%d/%d (%d invalid)", in->source,
             in->cluster ? in->cluster : "", in->approve, in->reject, in->other, in->invalid);
    return audit(db, in->actor, in->unit_id, "decision.tally", in->id, d);
}

int dm_store_tallies(struct db *db, struct arena *a, int64_t id, struct rows **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_tallies, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    return db_rows(st, a, 2, out);
}

int dm_store_turnout(struct db *db, int64_t id, int64_t *meeting, int64_t *ballot, int64_t *online)
{
    int64_t v[3] = {0, 0, 0};
    int rc = sums3(db, sql_turnout, id, v);
    *meeting = v[0];
    *ballot = v[1];
    *online = v[2];
    return rc;
}

int dm_store_cards_make(struct db *db, int64_t actor, const struct dm_item *d, int64_t *n)
{
    struct db_stmt *st, *ins;
    struct arena *a = arena_new(0);
    struct rows *t;
    *n = 0;
    int rc = db_prepare(db, sql_uncarded, &st);
    if (rc == 0) {
        db_bind_int(st, 1, d->id);
        rc = db_rows(st, a, 0, &t);
    }
    if (rc == 0)
        rc = db_prepare(db, sql_card_insert, &ins);
    for (size_t i = 0; rc == 0 && i < t->n_rows; i++) {
        char code[DM_CODE_LEN + 1], hash[65];
        int64_t hid = rows_at(t, i, 0)->i;
        dm_card_code(d->card_key, d->id, hid, code);
        dm_code_hash(code, hash);
        db_bind_int(ins, 1, d->id);
        db_bind_int(ins, 2, hid);
        db_bind_cstr(ins, 3, hash);
        int64_t ch;
        if ((rc = db_run(ins, &ch)) == 0)
            *n += ch;
    }
    if (rc == 0)
        rc = audit(db, actor, d->unit_id, "decision.cards", d->id,
                   arena_printf(a, "%lld cards", (long long)*n));
    arena_free(a);
    return rc;
}

int dm_store_cards(struct db *db, struct arena *a, int64_t id, struct rows **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_cards, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    return db_rows(st, a, 4, out);
}

int dm_store_card_find(struct db *db, const char *code_hash, int64_t *id, int64_t *hid,
                       int64_t *collected_at)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_card_find, &st);
    if (rc)
        return rc;
    db_bind_cstr(st, 1, code_hash);
    rc = db_step(st);
    if (rc == DB_ROW) {
        *id = db_col_int(st, 0);
        *hid = db_col_int(st, 1);
        *collected_at = db_col_int(st, 2);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_NOT_FOUND;
    }
    db_reset(st);
    return rc;
}

int dm_store_card_mark(struct db *db, int64_t actor, int64_t id, int64_t unit_id, int64_t hid,
                       int collected)
{
    struct db_stmt *st;
    int64_t changed;
    int rc;
    if (collected && (rc = dm_store_take_part(db, id, hid, "ballot", 0)) != 0)
        return rc;
    if ((rc = db_prepare(db, collected ? sql_card_collected : sql_card_delivered, &st)) != 0)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, hid);
    db_bind_int(st, 3, now_s());
    if ((rc = db_run(st, &changed)) != 0)
        return rc;
    if (!changed)
        return collected ? ERR_NOT_FOUND : 0;
    char d[64];
    snprintf(d, sizeof d, "household %lld card %s", (long long)hid,
             collected ? "collected" : "delivered");
    return audit(db, actor, unit_id,
                 collected ? "decision.card_collected" : "decision.card_delivered", id, d);
}

int dm_store_online(struct db *db, int64_t actor, int64_t id, int64_t unit_id, int64_t agree,
                    int64_t opens_at, int64_t closes_at)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_online, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, agree);
    db_bind_int(st, 3, opens_at);
    db_bind_int(st, 4, closes_at);
    db_bind_int(st, 5, now_s());
    if ((rc = db_run(st, NULL)) != 0)
        return rc;
    char d[96];
    snprintf(d, sizeof d, "opt-in %lld; online %lld..%lld", (long long)agree, (long long)opens_at,
             (long long)closes_at);
    return audit(db, actor, unit_id, "decision.online", id, d);
}

int dm_store_sums(struct db *db, int64_t id, int secret, int64_t *approve, int64_t *reject,
                  int64_t *other, int64_t *voted)
{
    int64_t t[3] = {0, 0, 0}, o[3] = {0, 0, 0};
    struct db_stmt *st;
    int rc = sums3(db, sql_tally_sums, id, t);
    if (rc == 0)
        rc = sums3(db, secret ? sql_ballot_sums : sql_open_sums, id, o);
    if (rc == 0 && (rc = db_prepare(db, sql_voted_count, &st)) == 0) {
        db_bind_int(st, 1, id);
        rc = db_ints(st, voted, 1);
    }
    *approve = t[0] + o[0];
    *reject = t[1] + o[1];
    *other = t[2] + o[2];
    return rc;
}

int dm_store_counted(struct db *db, int64_t actor, int64_t id, int64_t unit_id,
                     const struct dr_result *r, const char *decision_text)
{
    struct arena *a = arena_new(0);
    struct dm_item d;
    struct db_stmt *st;
    int rc = dm_store_get(db, a, id, &d);
    /* Roll changes since the freeze, logged for the result page (D1). */
    if (rc == 0 && (rc = db_prepare(db, sql_log_added, &st)) == 0) {
        db_bind_int(st, 1, id);
        db_bind_int(st, 2, d.unit_id);
        db_bind_int(st, 3, now_s());
        rc = db_run(st, NULL);
    }
    if (rc == 0 && (rc = db_prepare(db, sql_log_left, &st)) == 0) {
        db_bind_int(st, 1, id);
        db_bind_int(st, 2, now_s());
        rc = db_run(st, NULL);
    }
    enum dm_recogniser who = dr_recogniser(d.matter);
    if (rc == 0 && (rc = db_prepare(db, sql_counted, &st)) == 0) {
        db_bind_int(st, 1, id);
        db_bind_int(st, 2, now_s());
        db_bind_int(st, 3, r->approve);
        db_bind_int(st, 4, r->reject);
        db_bind_int(st, 5, r->other);
        db_bind_int(st, 6, r->households_voted);
        db_bind_int(st, 7, r->passed ? 1 : 0);
        db_bind_cstr(st, 8, decision_text ? decision_text : "");
        db_bind_cstr(st, 9, r->passed && who != DR_NONE ? "pending" : "");
        int64_t changed;
        if ((rc = db_run(st, &changed)) == 0 && !changed)
            rc = ERR_CONFLICT;
    }
    if (rc == 0)
        rc = audit(db, actor, unit_id, "decision.count", id,
                   arena_printf(a, "%lld of %lld households: %lld/%lld/%lld, %s",
                                (long long)r->households_voted, (long long)r->households_total,
                                (long long)r->approve, (long long)r->reject, (long long)r->other,
                                r->passed ? "passed" : "not passed"));
    arena_free(a);
    return rc;
}

int dm_store_receipts(struct db *db, struct arena *a, int64_t id, struct rows **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_receipts, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    return db_rows(st, a, 1, out);
}

int dm_store_account_household(struct db *db, int64_t account_id, int64_t *hid)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_account_household, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, account_id);
    return db_ints(st, hid, 1);
}

int dm_store_roll_changes(struct db *db, struct arena *a, int64_t id, struct rows **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_changes, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    return db_rows(st, a, 1, out);
}

/* ---- after the count: sending, recognition (D8), annulment (D9) ---- */

static const char sql_sent[] =
    "UPDATE decisions SET sent_on = $2, updated_at = $3 WHERE id = $1 AND status = 'counted' AND "
    "sent_on = ''";
static const char sql_recognised[] =
    "UPDATE decisions SET recognition = $2, recognition_on = $3, recognition_note = $4, "
    "updated_at = $5 WHERE id = $1 AND status = 'counted' AND recognition = 'pending'";
static const char sql_amend_request[] =
    "UPDATE decisions SET amend_request = $2, amend_requested_on = $3, updated_at = $4 WHERE id "
    "= $1 AND status = 'counted' AND amend_request = ''";
static const char sql_amendments[] =
    "SELECT id, title, status, passed FROM decisions WHERE amends_id = $1 ORDER BY id";
static const char sql_annul[] =
    "UPDATE decisions SET status = 'annulled', annulled_reason = $2, updated_at = $3 WHERE id = "
    "$1 AND status = 'counted'";

static int run_changed(struct db_stmt *st)
{
    int64_t changed;
    int rc = db_run(st, &changed);
    return rc ? rc : changed ? 0 : ERR_CONFLICT;
}

int dm_store_sent(struct db *db, int64_t actor, int64_t id, int64_t unit_id, const char *sent_on)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_sent, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_cstr(st, 2, sent_on);
    db_bind_int(st, 3, now_s());
    if ((rc = run_changed(st)) != 0)
        return rc;
    return audit(db, actor, unit_id, "decision.sent", id, sent_on);
}

int dm_store_recognise(struct db *db, int64_t actor, int64_t id, int64_t unit_id,
                       const char *outcome, const char *on, const char *note)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_recognised, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_cstr(st, 2, outcome);
    db_bind_cstr(st, 3, on);
    db_bind_cstr(st, 4, note ? note : "");
    db_bind_int(st, 5, now_s());
    if ((rc = run_changed(st)) != 0)
        return rc;
    char d[320];
    snprintf(d, sizeof d, "%s %s: %.280s", outcome, on, note ? note : "");
    return audit(db, actor, unit_id, "decision.recognition", id, d);
}

int dm_store_annul(struct db *db, int64_t actor, int64_t id, int64_t unit_id, const char *reason)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_annul, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_cstr(st, 2, reason);
    db_bind_int(st, 3, now_s());
    if ((rc = run_changed(st)) != 0)
        return rc;
    return audit(db, actor, unit_id, "decision.annul", id, reason);
}

int dm_store_amend_request(struct db *db, int64_t actor, int64_t id, int64_t unit_id,
                           const char *on, const char *reason)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_amend_request, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_cstr(st, 2, reason);
    db_bind_cstr(st, 3, on);
    db_bind_int(st, 4, now_s());
    if ((rc = run_changed(st)) != 0)
        return rc;
    return audit(db, actor, unit_id, "decision.amend_request", id, reason);
}

int dm_store_amendments(struct db *db, struct arena *a, int64_t id, struct rows **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_amendments, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    return db_rows(st, a, 2, out);
}

/* ---- citizen initiatives (D2) ---- */

static const char sql_consent_insert[] =
    "INSERT INTO decision_consents (decision_id, household_id, given_on, source, entered_by) "
    "VALUES ($1, $2, $3, $4, $5)";
static const char sql_consent_update[] =
    "UPDATE decision_consents SET given_on = $3, source = $4, entered_by = $5 WHERE "
    "decision_id = $1 AND household_id = $2";
static const char sql_consent_has[] =
    "SELECT COUNT(*) FROM decision_consents WHERE decision_id = $1 AND household_id = $2";
static const char sql_household_village[] =
    "SELECT village_id, status FROM households WHERE id = $1";
static const char sql_consents_valid[] =
    "SELECT COUNT(*) FROM decision_consents c JOIN households h ON h.id = c.household_id WHERE "
    "c.decision_id = $1 AND c.given_on >= $2 AND h.status = 'active'";
static const char sql_active_households[] =
    "SELECT COUNT(*) FROM households WHERE village_id = $1 AND status = 'active'";

int dm_store_consent(struct db *db, int64_t actor, int64_t id, int64_t village_id, int64_t hid,
                     const char *given_on, int paper)
{
    struct db_stmt *st;
    int64_t n;
    int rc = db_prepare(db, sql_household_village, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, hid);
    rc = db_step(st);
    if (rc != DB_ROW) {
        db_reset(st);
        return rc == DB_DONE ? ERR_NOT_FOUND : rc;
    }
    int here = db_col_int(st, 0) == village_id && !strcmp(db_col_text(st, 1), "active");
    db_reset(st);
    if (!here)
        return ERR_FORBIDDEN;
    if ((rc = db_prepare(db, sql_consent_has, &st)) != 0)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, hid);
    if ((rc = db_ints(st, &n, 1)) != 0)
        return rc;
    /* Given again (an expired consent renewed): the new day replaces the old one. */
    if ((rc = db_prepare(db, n ? sql_consent_update : sql_consent_insert, &st)) != 0)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, hid);
    db_bind_cstr(st, 3, given_on);
    db_bind_cstr(st, 4, paper ? "paper" : "online");
    db_bind_id(st, 5, actor);
    if ((rc = db_run(st, NULL)) != 0)
        return rc;
    char d[64];
    snprintf(d, sizeof d, "household %lld consents (%s)", (long long)hid,
             paper ? "paper" : "online");
    return audit(db, actor, village_id, "decision.consent", id, d);
}

int dm_store_consents(struct db *db, int64_t id, int64_t village_id, const char *valid_from,
                      int64_t *valid, int64_t *households)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_consents_valid, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_cstr(st, 2, valid_from);
    if ((rc = db_ints(st, valid, 1)) != 0)
        return rc;
    if ((rc = db_prepare(db, sql_active_households, &st)) != 0)
        return rc;
    db_bind_int(st, 1, village_id);
    return db_ints(st, households, 1);
}

int dm_store_household_village(struct db *db, int64_t hid, int64_t *village_id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_household_village, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, hid);
    rc = db_step(st);
    if (rc == DB_ROW) {
        *village_id = db_col_int(st, 0);
        rc = strcmp(db_col_text(st, 1), "active") == 0 ? 0 : ERR_FORBIDDEN;
    } else if (rc == DB_DONE) {
        rc = ERR_NOT_FOUND;
    }
    db_reset(st);
    return rc;
}

/* ---- elections: votes per candidate (D10) ---- */

static const char sql_candidates[] =
    "SELECT candidates FROM decision_elections WHERE decision_id = $1";
static const char sql_candidate_insert[] =
    "INSERT INTO decision_candidate_votes (decision_id, source, cluster, candidate, votes) VALUES "
    "($1, $2, $3, $4, $5)";
static const char sql_candidate_sums[] =
    "SELECT candidate, SUM(votes) AS votes FROM decision_candidate_votes WHERE decision_id = $1 "
    "GROUP BY candidate ORDER BY SUM(votes) DESC, candidate";

int dm_store_candidates(struct db *db, struct arena *a, int64_t id, const char ***names, size_t *n)
{
    struct db_stmt *st;
    *names = NULL;
    *n = 0;
    int rc = db_prepare(db, sql_candidates, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc != DB_ROW) {
        db_reset(st);
        return rc < 0 ? rc : 0;
    }
    char *text = arena_strdup(a, db_col_text(st, 0));
    db_reset(st);
    const char **v = arena_alloc(a, (DM_MAX_CANDIDATES + 1) * sizeof *v);
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line && *n < DM_MAX_CANDIDATES;
         line = strtok_r(NULL, "\n", &save)) {
        struct str t = str_trim(str_c(line));
        if (t.len)
            v[(*n)++] = str_dup(a, t);
    }
    /* One candidate is a yes/no vote; counting per candidate needs two or more. */
    if (*n < 2)
        *n = 0;
    *names = v;
    return 0;
}

int dm_store_candidate_tally(struct db *db, const struct dm_tally_in *in, const char *const *names,
                             const int *votes, size_t n)
{
    int rc = dm_store_tally(db, in);
    struct db_stmt *st;
    if (rc == 0)
        rc = db_prepare(db, sql_candidate_insert, &st);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        db_bind_int(st, 1, in->id);
        db_bind_cstr(st, 2, in->source);
        db_bind_cstr(st, 3, in->cluster ? in->cluster : "");
        db_bind_cstr(st, 4, names[i]);
        db_bind_int(st, 5, votes[i]);
        rc = db_run(st, NULL);
    }
    return rc;
}

int dm_store_candidate_sums(struct db *db, struct arena *a, int64_t id, struct rows **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_candidate_sums, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    return db_rows(st, a, 2, out);
}

/* ---- preparation (D4 documents, D5/D6 team and plan) ---- */

static const char sql_prepare[] =
    "UPDATE decisions SET documents_on = $2, team = $3, team_it = $4, plan_issued_on = $5, "
    "plan_sent_on = $6, distribution_on = $7, updated_at = $8 WHERE id = $1 AND status IN "
    "('notified', 'voting')";

int dm_store_prepare(struct db *db, int64_t actor, const struct dm_item *d)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_prepare, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, d->id);
    db_bind_cstr(st, 2, d->documents_on);
    db_bind_cstr(st, 3, d->team);
    db_bind_cstr(st, 4, d->team_it);
    db_bind_cstr(st, 5, d->plan_issued_on);
    db_bind_cstr(st, 6, d->plan_sent_on);
    db_bind_cstr(st, 7, d->distribution_on);
    db_bind_int(st, 8, now_s());
    if ((rc = run_changed(st)) != 0)
        return rc;
    char detail[160];
    snprintf(detail, sizeof detail, "documents %s, plan %s sent %s, distribution %s",
             d->documents_on, d->plan_issued_on, d->plan_sent_on, d->distribution_on);
    return audit(db, actor, d->unit_id, "decision.prepare", d->id, detail);
}

/* ---- the report to the HĐND (D12) ---- */

static const char sql_period[] =
    "SELECT d.id, u.name AS village, d.matter, d.title, d.forms, d.households_total, "
    "d.households_voted, d.approve, d.reject, d.other, d.passed, d.recognition, d.counted_at, "
    "d.status FROM decisions d JOIN units u ON u.id = d.unit_id WHERE (u.parent_id = $1 OR "
    "d.unit_id = $1) AND d.counted_at >= $2 AND d.counted_at < $3 AND d.status IN ('counted', "
    "'annulled') ORDER BY d.counted_at, d.id";

int dm_store_period(struct db *db, struct arena *a, int64_t unit_id, int64_t from, int64_t to,
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

/*
 * store_rating.c - all SQL of the one-stop desk's ratings (rating.h, migration 0019): desks and
 * who serves at them, QR codes (by the hash of their secret only), ratings and their counts.
 * Every write appends an audit row in the caller's transaction. Statements are static so each
 * connection caches them.
 */
#include <stdio.h>
#include <string.h>

#include "feedback/rating.h"

static const char sql_desk_named[] = "SELECT COUNT(*) FROM rating_desks WHERE unit_id = $1 AND "
                                     "active = 1 AND name = $2 AND id <> $3";
static const char sql_desk_insert[] =
    "INSERT INTO rating_desks (unit_id, name, section, active, created_by, created_at) VALUES "
    "($1, $2, $3, 1, $4, $5) RETURNING id";
static const char sql_desk_get[] =
    "SELECT id, unit_id, name, section, active, created_at FROM rating_desks WHERE id = $1";
static const char sql_desk_active[] =
    "UPDATE rating_desks SET active = $2 WHERE id = $1 AND unit_id = $3";
static const char sql_desks[] =
    "SELECT d.id, d.name, d.section, d.active, COUNT(r.id) AS n_ratings FROM rating_desks d "
    "LEFT JOIN ratings r ON r.desk_id = d.id WHERE d.unit_id = $1 "
    "GROUP BY d.id, d.name, d.section, d.active ORDER BY d.active DESC, d.name, d.id";
static const char sql_staff[] =
    "SELECT s.desk_id, s.account_id, a.display_name AS name FROM rating_desk_officers s "
    "JOIN rating_desks d ON d.id = s.desk_id JOIN accounts a ON a.id = s.account_id "
    "WHERE d.unit_id = $1 ORDER BY s.desk_id, a.display_name, a.id";
static const char sql_staff_clear[] = "DELETE FROM rating_desk_officers WHERE desk_id = $1";
static const char sql_staff_add[] =
    "INSERT INTO rating_desk_officers (desk_id, account_id) VALUES ($1, $2)";
/* Officers are the accounts holding `officer` on the commune itself (auth's tables, read
 * for their names as the feedback history does). */
static const char sql_officers[] =
    "SELECT a.id, a.display_name AS name FROM account_roles ar JOIN accounts a ON "
    "a.id = ar.account_id WHERE ar.unit_id = $1 AND ar.role = 'officer' AND "
    "a.status <> 'disabled' ORDER BY a.display_name, a.id";
static const char sql_account_name[] = "SELECT display_name FROM accounts WHERE id = $1";
static const char sql_token_insert[] =
    "INSERT INTO rating_tokens (token_hash, unit_id, desk_id, officer_id, via, reference, "
    "expires_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
    "RETURNING id";
static const char sql_token_find[] =
    "SELECT id, unit_id, desk_id, COALESCE(officer_id, 0), via, reference, "
    "COALESCE(expires_at, 0), COALESCE(used_at, 0), created_at FROM rating_tokens "
    "WHERE token_hash = $1";
static const char sql_token_used[] = "SELECT COALESCE(used_at, 0) FROM rating_tokens WHERE id = $1";
static const char sql_receipt_use[] =
    "UPDATE rating_tokens SET used_at = $2 WHERE id = $1 AND via = 'receipt' AND "
    "used_at IS NULL AND expires_at > $2";
static const char sql_desk_open[] = "SELECT section FROM rating_desks WHERE id = $1 AND active = 1";
static const char sql_visited[] =
    "SELECT COUNT(*) FROM ratings WHERE token_id = $1 AND visitor = $2 AND day = $3";
static const char sql_rating_insert[] =
    "INSERT INTO ratings (unit_id, desk_id, officer_id, section, score, comment, via, token_id, "
    "visitor, day, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
    "RETURNING id";

static const char sql_comments[] =
    "SELECT r.day, d.name AS desk, r.score, r.comment, r.via FROM ratings r JOIN rating_desks d "
    "ON d.id = r.desk_id WHERE r.unit_id = $1 AND r.day >= $2 AND r.day <= $3 AND "
    "r.comment <> '' ORDER BY r.id DESC LIMIT $4";

/* The counts behind the indices: one statement per grouping, the same columns. */
#define TALLY_WHERE " WHERE r.unit_id = $1 AND r.day >= $2 AND r.day <= $3 "
static const char sql_tally_desk[] =
    "SELECT r.desk_id AS k, d.name AS label, r.via, r.score, COUNT(*) AS n FROM ratings r "
    "JOIN rating_desks d ON d.id = r.desk_id" TALLY_WHERE
    "GROUP BY r.desk_id, d.name, r.via, r.score ORDER BY d.name, r.desk_id";
static const char sql_tally_officer[] =
    "SELECT r.officer_id AS k, a.display_name AS label, r.via, r.score, COUNT(*) AS n "
    "FROM ratings r JOIN accounts a ON a.id = r.officer_id" TALLY_WHERE
    "GROUP BY r.officer_id, a.display_name, r.via, r.score ORDER BY a.display_name, r.officer_id";
static const char sql_tally_section[] =
    "SELECT 0 AS k, r.section AS label, r.via, r.score, COUNT(*) AS n FROM ratings r" TALLY_WHERE
    "GROUP BY r.section, r.via, r.score ORDER BY r.section";
static const char sql_tally_month[] =
    "SELECT 0 AS k, substr(r.day, 1, 7) AS label, r.via, r.score, COUNT(*) AS n FROM ratings "
    "r" TALLY_WHERE "GROUP BY substr(r.day, 1, 7), r.via, r.score ORDER BY substr(r.day, 1, 7)";

static const char *via_key(enum fb_via v)
{
    return v == FB_VIA_RECEIPT ? "receipt" : "poster";
}

/* Another active desk of unit_id called name (other than desk_id)? ERR_CONFLICT when so. */
static int name_free(struct db *db, int64_t unit_id, const char *name, int64_t desk_id)
{
    struct db_stmt *st;
    int64_t n;
    int rc = db_prepare(db, sql_desk_named, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    db_bind_cstr(st, 2, name);
    db_bind_int(st, 3, desk_id);
    if ((rc = db_ints(st, &n, 1)) != 0)
        return rc;
    return n ? ERR_CONFLICT : 0;
}

int fb_rating_desk_add(struct db *db, struct fb_desk_new *in)
{
    int rc = name_free(db, in->unit_id, in->name, 0);
    if (rc)
        return rc;
    struct db_stmt *st;
    if ((rc = db_prepare(db, sql_desk_insert, &st)) != 0)
        return rc;
    db_bind_int(st, 1, in->unit_id);
    db_bind_cstr(st, 2, in->name);
    db_bind_cstr(st, 3, in->section);
    db_bind_id(st, 4, in->actor);
    db_bind_int(st, 5, in->now);
    if ((rc = db_insert_id(st, &in->id)) != 0)
        return rc;
    char obj[40];
    snprintf(obj, sizeof obj, "desk:%lld", (long long)in->id);
    return audit_append(db, in->actor, in->unit_id, "rating.desk_add", obj, in->name);
}

int fb_rating_desk_get(struct db *db, struct arena *a, int64_t id, struct fb_desk *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_desk_get, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        out->id = db_col_int(st, 0);
        out->unit_id = db_col_int(st, 1);
        out->name = arena_strdup(a, db_col_text(st, 2));
        out->section = arena_strdup(a, db_col_text(st, 3));
        out->active = (int)db_col_int(st, 4);
        out->created_at = db_col_int(st, 5);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_NOT_FOUND;
    }
    db_reset(st);
    return rc;
}

int fb_rating_desk_set_active(struct db *db, int64_t actor, int64_t unit_id, int64_t desk_id,
                              int active)
{
    struct arena *a = arena_new(0);
    struct fb_desk d;
    int rc = fb_rating_desk_get(db, a, desk_id, &d);
    if (rc == 0 && d.unit_id != unit_id)
        rc = ERR_NOT_FOUND;
    if (rc == 0 && active)
        rc = name_free(db, unit_id, d.name, desk_id);
    arena_free(a);
    if (rc)
        return rc;
    struct db_stmt *st;
    if ((rc = db_prepare(db, sql_desk_active, &st)) != 0)
        return rc;
    db_bind_int(st, 1, desk_id);
    db_bind_int(st, 2, active ? 1 : 0);
    db_bind_int(st, 3, unit_id);
    if ((rc = db_run(st, NULL)) != 0)
        return rc;
    char obj[40];
    snprintf(obj, sizeof obj, "desk:%lld", (long long)desk_id);
    return audit_append(db, actor, unit_id, active ? "rating.desk_open" : "rating.desk_close", obj,
                        "");
}

/* A list of a commune's rows (statement sql with the unit as $1). */
static int unit_rows(struct db *db, struct arena *a, const char *sql, int64_t unit_id, size_t extra,
                     struct rows **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    return db_rows(st, a, extra, out);
}

int fb_rating_desks(struct db *db, struct arena *a, int64_t unit_id, struct rows **out)
{
    return unit_rows(db, a, sql_desks, unit_id, 4, out);
}

int fb_rating_staff(struct db *db, struct arena *a, int64_t unit_id, struct rows **out)
{
    return unit_rows(db, a, sql_staff, unit_id, 0, out);
}

int fb_rating_officers(struct db *db, struct arena *a, int64_t unit_id, struct rows **out)
{
    return unit_rows(db, a, sql_officers, unit_id, 2, out);
}

int fb_rating_account_name(struct db *db, struct arena *a, int64_t id, const char **name)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_account_name, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        *name = arena_strdup(a, db_col_text(st, 0));
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_NOT_FOUND;
    }
    db_reset(st);
    return rc;
}

int fb_rating_staff_set(struct db *db, const struct fb_staff_set *in)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_staff_clear, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, in->desk_id);
    if ((rc = db_run(st, NULL)) != 0)
        return rc;
    struct buf detail;
    struct arena *a = arena_new(0);
    buf_init(&detail, a);
    buf_puts(&detail, "officers:");
    for (size_t i = 0; i < in->n_ids && rc == 0; i++) {
        if ((rc = db_prepare(db, sql_staff_add, &st)) != 0)
            break;
        db_bind_int(st, 1, in->desk_id);
        db_bind_int(st, 2, in->ids[i]);
        rc = db_run(st, NULL);
        buf_printf(&detail, "%s%lld", i ? "," : "", (long long)in->ids[i]);
    }
    if (rc == 0) {
        char obj[40];
        snprintf(obj, sizeof obj, "desk:%lld", (long long)in->desk_id);
        rc = audit_append(db, in->actor, in->unit_id, "rating.desk_staff", obj, detail.ptr);
    }
    arena_free(a);
    return rc;
}

int fb_rating_token_add(struct db *db, struct fb_rtoken_new *in)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_token_insert, &st);
    if (rc)
        return rc;
    db_bind_cstr(st, 1, in->hash);
    db_bind_int(st, 2, in->unit_id);
    db_bind_int(st, 3, in->desk_id);
    db_bind_id(st, 4, in->officer_id);
    db_bind_cstr(st, 5, via_key(in->via));
    db_bind_cstr(st, 6, in->reference ? in->reference : "");
    if (in->via == FB_VIA_RECEIPT)
        db_bind_int(st, 7, in->expires_at);
    else
        db_bind_null(st, 7);
    db_bind_id(st, 8, in->actor);
    db_bind_int(st, 9, in->now);
    if ((rc = db_insert_id(st, &in->id)) != 0)
        return rc;
    char obj[40], detail[80];
    snprintf(obj, sizeof obj, "rating_code:%lld", (long long)in->id);
    snprintf(detail, sizeof detail, "desk:%lld officer:%lld", (long long)in->desk_id,
             (long long)in->officer_id);
    return audit_append(db, in->actor, in->unit_id,
                        in->via == FB_VIA_RECEIPT ? "rating.receipt" : "rating.poster", obj,
                        detail);
}

int fb_rating_token_find(struct db *db, struct arena *a, const char *hash, struct fb_rtoken *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_token_find, &st);
    if (rc)
        return rc;
    db_bind_cstr(st, 1, hash);
    rc = db_step(st);
    if (rc == DB_ROW) {
        out->id = db_col_int(st, 0);
        out->unit_id = db_col_int(st, 1);
        out->desk_id = db_col_int(st, 2);
        out->officer_id = db_col_int(st, 3);
        out->via = strcmp(db_col_text(st, 4), "receipt") == 0 ? FB_VIA_RECEIPT : FB_VIA_POSTER;
        out->reference = arena_strdup(a, db_col_text(st, 5));
        out->expires_at = db_col_int(st, 6);
        out->used_at = db_col_int(st, 7);
        out->created_at = db_col_int(st, 8);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_NOT_FOUND;
    }
    db_reset(st);
    return rc;
}

int fb_rating_visited(struct db *db, int64_t token_id, const char *visitor, const char *day,
                      int *out)
{
    struct db_stmt *st;
    int64_t n;
    int rc = db_prepare(db, sql_visited, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, token_id);
    db_bind_cstr(st, 2, visitor);
    db_bind_cstr(st, 3, day);
    rc = db_ints(st, &n, 1);
    *out = n > 0;
    return rc;
}

/* The section of an active desk into out (arena a); ERR_NOT_FOUND when it takes no ratings. */
static int desk_open(struct db *db, struct arena *a, int64_t desk_id, const char **section)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_desk_open, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, desk_id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        *section = arena_strdup(a, db_col_text(st, 0));
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_NOT_FOUND;
    }
    db_reset(st);
    return rc;
}

/* Uses a receipt's code up at now: ERR_CONFLICT when it was used already, ERR_NOT_FOUND when it
 * has expired. */
static int receipt_use(struct db *db, int64_t token_id, int64_t now)
{
    struct db_stmt *st;
    int64_t changed = 0, used = 0;
    int rc = db_prepare(db, sql_receipt_use, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, token_id);
    db_bind_int(st, 2, now);
    if ((rc = db_run(st, &changed)) != 0)
        return rc;
    if (changed == 1)
        return 0;
    if ((rc = db_prepare(db, sql_token_used, &st)) != 0)
        return rc;
    db_bind_int(st, 1, token_id);
    if ((rc = db_ints(st, &used, 1)) != 0)
        return rc;
    return used ? ERR_CONFLICT : ERR_NOT_FOUND;
}

/* The rating row itself. */
static int rating_insert(struct db *db, struct fb_rating_new *in, const char *section)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_rating_insert, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, in->unit_id);
    db_bind_int(st, 2, in->desk_id);
    db_bind_id(st, 3, in->officer_id);
    db_bind_cstr(st, 4, section);
    db_bind_int(st, 5, in->score);
    db_bind_cstr(st, 6, in->comment ? in->comment : "");
    db_bind_cstr(st, 7, via_key(in->via));
    db_bind_int(st, 8, in->token_id);
    db_bind_cstr(st, 9, in->via == FB_VIA_POSTER ? in->visitor : NULL);
    db_bind_cstr(st, 10, in->day);
    db_bind_int(st, 11, in->now);
    return db_insert_id(st, &in->id);
}

int fb_rating_add(struct db *db, struct fb_rating_new *in)
{
    struct arena *a = arena_new(0);
    const char *section = "";
    int rc = desk_open(db, a, in->desk_id, &section);
    if (rc == 0 && in->via == FB_VIA_RECEIPT)
        rc = receipt_use(db, in->token_id, in->now);
    if (rc == 0 && in->via == FB_VIA_POSTER) {
        int seen = 0;
        rc = fb_rating_visited(db, in->token_id, in->visitor, in->day, &seen);
        if (rc == 0 && seen)
            rc = ERR_CONFLICT;
    }
    if (rc == 0)
        rc = rating_insert(db, in, section);
    arena_free(a);
    if (rc)
        return rc;
    char obj[40], detail[96];
    snprintf(obj, sizeof obj, "rating:%lld", (long long)in->id);
    snprintf(detail, sizeof detail, "desk:%lld officer:%lld via:%s score:%d",
             (long long)in->desk_id, (long long)in->officer_id, via_key(in->via), in->score);
    return audit_append(db, 0, in->unit_id, "rating.add", obj, detail);
}

int fb_rating_tally(struct db *db, struct arena *a, int64_t unit_id, enum fb_tally_by by,
                    const char *from, const char *to, struct rows **out)
{
    const char *sql = by == FB_BY_DESK      ? sql_tally_desk
                      : by == FB_BY_OFFICER ? sql_tally_officer
                      : by == FB_BY_SECTION ? sql_tally_section
                                            : sql_tally_month;
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    db_bind_cstr(st, 2, from);
    db_bind_cstr(st, 3, to);
    return db_rows(st, a, 0, out);
}

int fb_rating_comments(struct db *db, struct arena *a, int64_t unit_id, const char *from,
                       const char *to, int limit, struct rows **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_comments, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    db_bind_cstr(st, 2, from);
    db_bind_cstr(st, 3, to);
    db_bind_int(st, 4, limit);
    return db_rows(st, a, 3, out);
}

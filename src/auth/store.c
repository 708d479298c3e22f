/*
 * store.c - all of auth's SQL (accounts, account_roles, sessions, audit_log),
 * as static statements with bound parameters, written once for SQLite and
 * PostgreSQL except the audit lock, which differs by engine. The functions
 * here only move rows; the rules live in password.c, session.c and audit.c.
 */
#include <string.h>

#include "auth/internal.h"
#include "core/core.h"
#include "store/store.h"

/* ---- statements ------------------------------------------------------------------------ */

/* ON CONFLICT ... DO NOTHING RETURNING yields no row when the login is taken. */
static const char sql_account_insert[] =
    "INSERT INTO accounts (login, display_name, password_hash, phone, status, unit_id,"
    " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    " ON CONFLICT (login) DO NOTHING RETURNING id";

static const char sql_account_by_login[] =
    "SELECT id, login, display_name, password_hash, status, unit_id"
    " FROM accounts WHERE login = $1";

static const char sql_account_set_status[] = "UPDATE accounts SET status = $2 WHERE id = $1";

static const char sql_password_update[] =
    "UPDATE accounts SET password_hash = $2,"
    " status = CASE WHEN status = 'pending' THEN 'active' ELSE status END"
    " WHERE id = $1";

static const char sql_grants_load[] =
    "SELECT role, unit_id FROM account_roles WHERE account_id = $1 ORDER BY unit_id, role";

static const char sql_grant_insert[] =
    "INSERT INTO account_roles (account_id, unit_id, role) VALUES ($1, $2, $3)"
    " ON CONFLICT DO NOTHING";

static const char sql_grant_delete[] =
    "DELETE FROM account_roles WHERE account_id = $1 AND unit_id = $2 AND role = $3";

static const char sql_session_insert[] =
    "INSERT INTO sessions (token_hash, account_id, csrf, created_at, expires_at)"
    " VALUES ($1, $2, $3, $4, $5)";

static const char sql_session_get[] =
    "SELECT a.id, a.login, a.display_name, a.status, a.unit_id, s.csrf, s.expires_at"
    " FROM sessions s JOIN accounts a ON a.id = s.account_id"
    " WHERE s.token_hash = $1 AND s.expires_at > $2 AND a.status = 'active'";

static const char sql_session_delete[] = "DELETE FROM sessions WHERE token_hash = $1";

static const char sql_sessions_delete_account[] = "DELETE FROM sessions WHERE account_id = $1";

static const char sql_sessions_purge[] = "DELETE FROM sessions WHERE expires_at <= $1";

/* SQLite: BEGIN IMMEDIATE and the single writer already serialise appenders. */
static const char sql_audit_lock_sqlite[] = "SELECT 0";
/* PostgreSQL: one appender at a time per database until COMMIT; the key is "audit" in ASCII. */
static const char sql_audit_lock_pg[] = "SELECT pg_advisory_xact_lock(418654300020)";

static const char sql_audit_last[] = "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1";

static const char sql_audit_insert[] =
    "INSERT INTO audit_log (at, actor_id, unit_id, action, object, detail, prev_hash, hash)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";

static const char sql_audit_walk[] =
    "SELECT id, at, actor_id, unit_id, action, object, detail, prev_hash, hash"
    " FROM audit_log ORDER BY id";

/* ---- helpers --------------------------------------------------------------------------- */

static struct str col_str(struct db_stmt *st, int col)
{
    struct str s = {db_col_text(st, col), db_col_len(st, col)};
    return s;
}

/* ---- accounts -------------------------------------------------------------------------- */

int auth_store_account_insert(struct db *db, const char *login, const char *display_name,
                              const char *hash, const char *phone, enum auth_status status,
                              int64_t unit_id, int64_t now, int64_t *id)
{
    struct db_stmt *st = NULL;
    int rc = db_prepare(db, sql_account_insert, &st);
    if (rc < 0)
        return rc;
    if ((rc = db_bind_cstr(st, 1, login)) < 0 || (rc = db_bind_cstr(st, 2, display_name)) < 0 ||
        (rc = db_bind_cstr(st, 3, hash)) < 0 || (rc = db_bind_cstr(st, 4, phone)) < 0 ||
        (rc = db_bind_cstr(st, 5, auth_status_name(status))) < 0 ||
        (rc = db_bind_id(st, 6, unit_id)) < 0 || (rc = db_bind_int(st, 7, now)) < 0)
        goto out;
    rc = db_step(st);
    if (rc == DB_DONE) {
        rc = ERR_CONFLICT; /* the login is taken */
        goto out;
    }
    if (rc < 0)
        goto out;
    *id = db_col_int(st, 0);
    rc = 0;
out:
    db_reset(st);
    return rc;
}

int auth_store_account_by_login(struct db *db, const char *login, struct auth_user *out, char *hash)
{
    struct db_stmt *st = NULL;
    int rc = db_prepare(db, sql_account_by_login, &st);
    if (rc < 0)
        return rc;
    if ((rc = db_bind_cstr(st, 1, login)) < 0)
        goto out;
    rc = db_step(st);
    if (rc == DB_DONE) {
        rc = ERR_NOT_FOUND;
        goto out;
    }
    if (rc < 0)
        goto out;
    memset(out, 0, sizeof *out);
    out->id = db_col_int(st, 0);
    auth_copy_text(out->login, sizeof out->login, db_col_text(st, 1), db_col_len(st, 1));
    auth_copy_text(out->display_name, sizeof out->display_name, db_col_text(st, 2),
                   db_col_len(st, 2));
    if (hash) {
        /* A hash that does not fit is not one of ours: treat it as no password. */
        size_t n = db_col_len(st, 3);
        if (n < AUTH_HASH_SIZE) {
            memcpy(hash, db_col_text(st, 3), n);
            hash[n] = '\0';
        } else {
            hash[0] = '\0';
        }
    }
    out->status = auth_status_parse(db_col_text(st, 4));
    out->unit_id = db_col_is_null(st, 5) ? 0 : db_col_int(st, 5);
    rc = 0;
out:
    db_reset(st);
    return rc;
}

int auth_store_account_set_status(struct db *db, int64_t id, enum auth_status status)
{
    struct db_stmt *st = NULL;
    int64_t n = 0;
    int rc = db_prepare(db, sql_account_set_status, &st);
    if (rc < 0)
        return rc;
    if ((rc = db_bind_int(st, 1, id)) < 0 ||
        (rc = db_bind_cstr(st, 2, auth_status_name(status))) < 0) {
        db_reset(st);
        return rc;
    }
    rc = db_run(st, &n);
    if (rc == 0 && n == 0)
        rc = ERR_NOT_FOUND;
    return rc;
}

int auth_store_password_update(struct db *db, int64_t id, const char *hash)
{
    struct db_stmt *st = NULL;
    int64_t n = 0;
    int rc = db_prepare(db, sql_password_update, &st);
    if (rc < 0)
        return rc;
    if ((rc = db_bind_int(st, 1, id)) < 0 || (rc = db_bind_cstr(st, 2, hash)) < 0) {
        db_reset(st);
        return rc;
    }
    rc = db_run(st, &n);
    if (rc == 0 && n == 0)
        rc = ERR_NOT_FOUND;
    return rc;
}

/* ---- roles ----------------------------------------------------------------------------- */

int auth_store_grants_load(struct db *db, struct auth_user *out)
{
    struct db_stmt *st = NULL;
    int rc = db_prepare(db, sql_grants_load, &st);
    if (rc < 0)
        return rc;
    out->n_grants = 0;
    if ((rc = db_bind_int(st, 1, out->id)) < 0)
        goto out;
    while ((rc = db_step(st)) == DB_ROW) {
        enum auth_role r;
        if (auth_role_parse(db_col_text(st, 0), &r) < 0)
            continue; /* the CHECK constraint forbids it; skip rather than guess */
        if (out->n_grants == AUTH_GRANTS_MAX) {
            log_warn("auth: account %lld holds more than %d roles; extra ones ignored",
                     (long long)out->id, AUTH_GRANTS_MAX);
            break;
        }
        out->grants[out->n_grants].role = r;
        out->grants[out->n_grants].unit_id = db_col_int(st, 1);
        out->n_grants++;
    }
    if (rc < 0)
        goto out;
    rc = 0;
out:
    db_reset(st);
    return rc;
}

int auth_store_grant_insert(struct db *db, int64_t account_id, int64_t unit_id, const char *role)
{
    struct db_stmt *st = NULL;
    int rc = db_prepare(db, sql_grant_insert, &st);
    if (rc < 0)
        return rc;
    if ((rc = db_bind_int(st, 1, account_id)) < 0 || (rc = db_bind_int(st, 2, unit_id)) < 0 ||
        (rc = db_bind_cstr(st, 3, role)) < 0) {
        db_reset(st);
        return rc;
    }
    return db_run(st, NULL);
}

int auth_store_grant_delete(struct db *db, int64_t account_id, int64_t unit_id, const char *role,
                            int64_t *n_deleted)
{
    struct db_stmt *st = NULL;
    int rc = db_prepare(db, sql_grant_delete, &st);
    if (rc < 0)
        return rc;
    if ((rc = db_bind_int(st, 1, account_id)) < 0 || (rc = db_bind_int(st, 2, unit_id)) < 0 ||
        (rc = db_bind_cstr(st, 3, role)) < 0) {
        db_reset(st);
        return rc;
    }
    return db_run(st, n_deleted);
}

/* ---- sessions -------------------------------------------------------------------------- */

int auth_store_session_insert(struct db *db, const char *token_hash, int64_t account_id,
                              const char *csrf, int64_t now, int64_t expires_at)
{
    struct db_stmt *st = NULL;
    int rc = db_prepare(db, sql_session_insert, &st);
    if (rc < 0)
        return rc;
    if ((rc = db_bind_cstr(st, 1, token_hash)) < 0 || (rc = db_bind_int(st, 2, account_id)) < 0 ||
        (rc = db_bind_cstr(st, 3, csrf)) < 0 || (rc = db_bind_int(st, 4, now)) < 0 ||
        (rc = db_bind_int(st, 5, expires_at)) < 0) {
        db_reset(st);
        return rc;
    }
    return db_run(st, NULL);
}

int auth_store_session_get(struct db *db, const char *token_hash, int64_t now,
                           struct auth_user *out, int64_t *expires_at)
{
    struct db_stmt *st = NULL;
    int rc = db_prepare(db, sql_session_get, &st);
    if (rc < 0)
        return rc;
    if ((rc = db_bind_cstr(st, 1, token_hash)) < 0 || (rc = db_bind_int(st, 2, now)) < 0)
        goto out;
    rc = db_step(st);
    if (rc == DB_DONE) {
        rc = ERR_NOT_FOUND;
        goto out;
    }
    if (rc < 0)
        goto out;
    memset(out, 0, sizeof *out);
    out->id = db_col_int(st, 0);
    auth_copy_text(out->login, sizeof out->login, db_col_text(st, 1), db_col_len(st, 1));
    auth_copy_text(out->display_name, sizeof out->display_name, db_col_text(st, 2),
                   db_col_len(st, 2));
    out->status = auth_status_parse(db_col_text(st, 3));
    out->unit_id = db_col_is_null(st, 4) ? 0 : db_col_int(st, 4);
    if (db_col_len(st, 5) == AUTH_HEX_SIZE - 1)
        memcpy(out->csrf, db_col_text(st, 5), AUTH_HEX_SIZE);
    *expires_at = db_col_int(st, 6);
    rc = 0;
out:
    db_reset(st);
    return rc;
}

static int delete_by_text(struct db *db, const char *sql, const char *key)
{
    struct db_stmt *st = NULL;
    int rc = db_prepare(db, sql, &st);
    if (rc < 0)
        return rc;
    if ((rc = db_bind_cstr(st, 1, key)) < 0) {
        db_reset(st);
        return rc;
    }
    return db_run(st, NULL);
}

int auth_store_session_delete(struct db *db, const char *token_hash)
{
    return delete_by_text(db, sql_session_delete, token_hash);
}

static int delete_by_int(struct db *db, const char *sql, int64_t v, int64_t *n_deleted)
{
    struct db_stmt *st = NULL;
    int rc = db_prepare(db, sql, &st);
    if (rc < 0)
        return rc;
    if ((rc = db_bind_int(st, 1, v)) < 0) {
        db_reset(st);
        return rc;
    }
    return db_run(st, n_deleted);
}

int auth_store_sessions_delete_account(struct db *db, int64_t account_id)
{
    return delete_by_int(db, sql_sessions_delete_account, account_id, NULL);
}

int auth_store_sessions_purge(struct db *db, int64_t now, int64_t *n_deleted)
{
    return delete_by_int(db, sql_sessions_purge, now, n_deleted);
}

/* ---- audit log ------------------------------------------------------------------------- */

int auth_store_audit_lock(struct db *db)
{
    struct db_stmt *st = NULL;
    int rc = db_prepare2(db, sql_audit_lock_sqlite, sql_audit_lock_pg, &st);
    if (rc < 0)
        return rc;
    rc = db_step(st);
    if (rc > 0)
        rc = 0;
    db_reset(st);
    return rc;
}

int auth_store_audit_last_hash(struct db *db, char *out)
{
    struct db_stmt *st = NULL;
    int rc = db_prepare(db, sql_audit_last, &st);
    if (rc < 0)
        return rc;
    rc = db_step(st);
    if (rc < 0)
        goto out;
    if (rc == DB_DONE) {
        memset(out, '0', AUTH_HEX_SIZE - 1);
        out[AUTH_HEX_SIZE - 1] = '\0';
        rc = 0;
        goto out;
    }
    if (db_col_len(st, 0) != AUTH_HEX_SIZE - 1) {
        /* A damaged head: chain on from it anyway; audit_verify will name the row. */
        log_warn("auth: the newest audit row has a malformed hash");
    }
    auth_copy_text(out, AUTH_HEX_SIZE, db_col_text(st, 0), db_col_len(st, 0));
    rc = 0;
out:
    db_reset(st);
    return rc;
}

int auth_store_audit_insert(struct db *db, const struct auth_audit_row *row, int64_t *id)
{
    struct db_stmt *st = NULL;
    int rc = db_prepare(db, sql_audit_insert, &st);
    if (rc < 0)
        return rc;
    if ((rc = db_bind_int(st, 1, row->at)) < 0)
        goto out;
    rc = row->actor_null ? db_bind_null(st, 2) : db_bind_int(st, 2, row->actor_id);
    if (rc < 0)
        goto out;
    rc = row->unit_null ? db_bind_null(st, 3) : db_bind_int(st, 3, row->unit_id);
    if (rc < 0)
        goto out;
    if ((rc = db_bind_text(st, 4, row->action.ptr, row->action.len)) < 0 ||
        (rc = db_bind_text(st, 5, row->object.ptr, row->object.len)) < 0 ||
        (rc = db_bind_text(st, 6, row->detail.ptr, row->detail.len)) < 0 ||
        (rc = db_bind_text(st, 7, row->prev_hash.ptr, row->prev_hash.len)) < 0 ||
        (rc = db_bind_text(st, 8, row->hash.ptr, row->hash.len)) < 0)
        goto out;
    rc = db_step(st);
    if (rc == DB_DONE)
        rc = ERR_DB;
    if (rc < 0)
        goto out;
    if (id)
        *id = db_col_int(st, 0);
    rc = 0;
out:
    db_reset(st);
    return rc;
}

int auth_store_audit_walk(struct db *db, int (*fn)(const struct auth_audit_row *row, void *arg),
                          void *arg)
{
    struct db_stmt *st = NULL;
    int rc = db_prepare(db, sql_audit_walk, &st);
    if (rc < 0)
        return rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct auth_audit_row row;
        row.id = db_col_int(st, 0);
        row.at = db_col_int(st, 1);
        row.actor_null = db_col_is_null(st, 2);
        row.actor_id = row.actor_null ? 0 : db_col_int(st, 2);
        row.unit_null = db_col_is_null(st, 3);
        row.unit_id = row.unit_null ? 0 : db_col_int(st, 3);
        row.action = col_str(st, 4);
        row.object = col_str(st, 5);
        row.detail = col_str(st, 6);
        row.prev_hash = col_str(st, 7);
        row.hash = col_str(st, 8);
        if ((rc = fn(&row, arg)) != 0)
            goto out;
    }
    if (rc > 0)
        rc = 0;
out:
    db_reset(st);
    return rc;
}

/* ---- resident registration --------------------------------------------------------------- */

static const char sql_register[] =
    "INSERT INTO accounts (login, display_name, password_hash, phone, status, unit_id,"
    " claimed_household, created_at) VALUES ($1, $2, $3, $1, 'pending', $4, $5, $6)"
    " ON CONFLICT (login) DO NOTHING RETURNING id";
static const char sql_pending[] =
    "SELECT id, login, display_name, phone, claimed_household, created_at FROM accounts"
    " WHERE unit_id = $1 AND status = 'pending' ORDER BY id";
static const char sql_account_by_id[] =
    "SELECT id, login, display_name, phone, status, COALESCE(unit_id, 0), claimed_household"
    " FROM accounts WHERE id = $1";
static const char sql_account_link[] =
    "UPDATE accounts SET household_id = $2, member_id = $3, status = 'active' WHERE id = $1";
static const char sql_code_put[] =
    "INSERT INTO phone_codes (phone, code_hash, account_id, expires_at, tries)"
    " VALUES ($1, $2, $3, $4, 0) ON CONFLICT (phone, account_id)"
    " DO UPDATE SET code_hash = $2, expires_at = $4, tries = 0";
static const char sql_code_get[] =
    "SELECT account_id, code_hash, expires_at, tries FROM phone_codes WHERE phone = $1"
    " ORDER BY expires_at DESC LIMIT 1";
static const char sql_code_try[] =
    "UPDATE phone_codes SET tries = tries + 1 WHERE phone = $1 AND account_id = $2";
static const char sql_code_drop[] = "DELETE FROM phone_codes WHERE phone = $1";

int auth_store_register(struct db *db, const char *login, const char *name, const char *hash,
                        int64_t unit_id, const char *claimed, int64_t now, int64_t *id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_register, &st);
    if (rc)
        return rc;
    db_bind_cstr(st, 1, login);
    db_bind_cstr(st, 2, name);
    db_bind_cstr(st, 3, hash);
    db_bind_int(st, 4, unit_id);
    db_bind_cstr(st, 5, claimed);
    db_bind_int(st, 6, now);
    rc = db_step(st);
    if (rc == DB_ROW) {
        *id = db_col_int(st, 0);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_CONFLICT;
    }
    db_reset(st);
    return rc;
}

int auth_store_pending(struct db *db, int64_t unit_id, json_t **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_pending, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    return db_rows_json(st, out);
}

int auth_store_account_by_id(struct db *db, int64_t id, struct auth_registration *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_account_by_id, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        memset(out, 0, sizeof *out);
        out->id = db_col_int(st, 0);
        auth_copy_text(out->login, sizeof out->login, db_col_text(st, 1), db_col_len(st, 1));
        auth_copy_text(out->display_name, sizeof out->display_name, db_col_text(st, 2),
                       db_col_len(st, 2));
        auth_copy_text(out->phone, sizeof out->phone, db_col_text(st, 3), db_col_len(st, 3));
        out->status = auth_status_parse(db_col_text(st, 4));
        out->unit_id = db_col_int(st, 5);
        auth_copy_text(out->claimed_household, sizeof out->claimed_household, db_col_text(st, 6),
                       db_col_len(st, 6));
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_NOT_FOUND;
    }
    db_reset(st);
    return rc;
}

int auth_store_account_link(struct db *db, int64_t id, int64_t household_id, int64_t member_id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_account_link, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, household_id);
    db_bind_id(st, 3, member_id);
    return db_run(st, NULL);
}

int auth_store_code_put(struct db *db, const char *phone, const char *code_hash, int64_t account_id,
                        int64_t expires_at)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_code_put, &st);
    if (rc)
        return rc;
    db_bind_cstr(st, 1, phone);
    db_bind_cstr(st, 2, code_hash);
    db_bind_int(st, 3, account_id);
    db_bind_int(st, 4, expires_at);
    return db_run(st, NULL);
}

int auth_store_code_get(struct db *db, const char *phone, int64_t *account_id, char *code_hash,
                        size_t hash_size, int64_t *expires_at, int64_t *tries)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_code_get, &st);
    if (rc)
        return rc;
    db_bind_cstr(st, 1, phone);
    rc = db_step(st);
    if (rc == DB_ROW) {
        *account_id = db_col_int(st, 0);
        auth_copy_text(code_hash, hash_size, db_col_text(st, 1), db_col_len(st, 1));
        *expires_at = db_col_int(st, 2);
        *tries = db_col_int(st, 3);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_NOT_FOUND;
    }
    db_reset(st);
    return rc;
}

int auth_store_code_try(struct db *db, const char *phone, int64_t account_id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_code_try, &st);
    if (rc)
        return rc;
    db_bind_cstr(st, 1, phone);
    db_bind_int(st, 2, account_id);
    return db_run(st, NULL);
}

int auth_store_code_drop(struct db *db, const char *phone)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_code_drop, &st);
    if (rc)
        return rc;
    db_bind_cstr(st, 1, phone);
    return db_run(st, NULL);
}

/* ---- keys for sealed data ------------------------------------------------------------------ */

static const char sql_keys_insert[] =
    "INSERT INTO account_keys (account_id, public_key, secret_wrapped, created_at)"
    " VALUES ($1, $2, $3, $4) ON CONFLICT (account_id) DO NOTHING";
static const char sql_keys_replace[] =
    "INSERT INTO account_keys (account_id, public_key, secret_wrapped, created_at)"
    " VALUES ($1, $2, $3, $4) ON CONFLICT (account_id) DO UPDATE SET public_key = $2,"
    " secret_wrapped = $3, created_at = $4";
static const char sql_keys_get[] =
    "SELECT public_key, secret_wrapped FROM account_keys WHERE account_id = $1";
static const char sql_key_holders[] =
    "SELECT a.id, a.display_name, k.public_key FROM account_roles r"
    " JOIN accounts a ON a.id = r.account_id JOIN account_keys k ON k.account_id = a.id"
    " WHERE r.unit_id = $1 AND r.role = $2 AND a.status = 'active' ORDER BY a.id LIMIT $3";
static const char sql_escrow_insert[] =
    "INSERT INTO escrow_keys (public_key, created_at) VALUES ($1, $2) RETURNING id";
static const char sql_escrow_current[] =
    "SELECT id, public_key FROM escrow_keys ORDER BY id DESC LIMIT 1";

int auth_store_keys_put(struct db *db, int64_t account_id, const struct auth_keys *k, int replace,
                        int64_t now)
{
    struct db_stmt *st;
    int rc = db_prepare(db, replace ? sql_keys_replace : sql_keys_insert, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, account_id);
    db_bind_blob(st, 2, k->pk, sizeof k->pk);
    db_bind_blob(st, 3, k->wrapped, sizeof k->wrapped);
    db_bind_int(st, 4, now);
    return db_run(st, NULL);
}

/* Copies a blob column of exactly n bytes; ERR_INVALID for any other size. */
static int blob_exact(struct db_stmt *st, int col, unsigned char *out, size_t n)
{
    size_t len = 0;
    const void *p = db_col_blob(st, col, &len);
    if (!p || len != n)
        return ERR_INVALID;
    memcpy(out, p, n);
    return 0;
}

int auth_store_keys_get(struct db *db, int64_t account_id, struct auth_keys *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_keys_get, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, account_id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        rc = blob_exact(st, 0, out->pk, sizeof out->pk);
        if (!rc)
            rc = blob_exact(st, 1, out->wrapped, sizeof out->wrapped);
    } else if (rc == DB_DONE) {
        rc = ERR_NOT_FOUND;
    }
    db_reset(st);
    return rc;
}

int auth_store_key_holders(struct db *db, int64_t unit_id, const char *role,
                           struct auth_key_holder *out, size_t max, size_t *n)
{
    *n = 0;
    if (!max)
        return 0;
    struct db_stmt *st;
    int rc = db_prepare(db, sql_key_holders, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    db_bind_cstr(st, 2, role);
    db_bind_int(st, 3, (int64_t)max);
    while ((rc = db_step(st)) == DB_ROW) {
        struct auth_key_holder *h = &out[*n];
        h->account_id = db_col_int(st, 0);
        const char *name = db_col_text(st, 1);
        auth_copy_text(h->display_name, sizeof h->display_name, name, strlen(name));
        if (blob_exact(st, 2, h->pk, sizeof h->pk) == 0)
            (*n)++;
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int auth_store_escrow_insert(struct db *db, const unsigned char pk[AUTH_BOX_KEY], int64_t now,
                             int64_t *id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_escrow_insert, &st);
    if (rc)
        return rc;
    db_bind_blob(st, 1, pk, AUTH_BOX_KEY);
    db_bind_int(st, 2, now);
    rc = db_step(st);
    if (rc == DB_ROW)
        *id = db_col_int(st, 0);
    db_reset(st);
    return rc == DB_ROW ? 0 : rc < 0 ? rc : ERR_DB;
}

int auth_store_escrow_current(struct db *db, int64_t *id, unsigned char pk[AUTH_BOX_KEY])
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_escrow_current, &st);
    if (rc)
        return rc;
    rc = db_step(st);
    if (rc == DB_ROW) {
        *id = db_col_int(st, 0);
        rc = blob_exact(st, 1, pk, AUTH_BOX_KEY);
    } else if (rc == DB_DONE) {
        rc = ERR_NOT_FOUND;
    }
    db_reset(st);
    return rc;
}

/* ---- contacts ------------------------------------------------------------------------------ */

static const char sql_email_set[] = "UPDATE accounts SET email = $2 WHERE id = $1";
static const char sql_contact[] = "SELECT id, display_name, email FROM accounts WHERE id = $1";
static const char sql_contacts[] =
    "SELECT a.id, a.display_name, a.email FROM account_roles r JOIN accounts a ON a.id = "
    "r.account_id WHERE r.unit_id = $1 AND r.role = $2 AND a.status = 'active' AND a.email <> '' "
    "ORDER BY a.id LIMIT $3";

static void read_contact(struct db_stmt *st, struct auth_contact *c)
{
    c->account_id = db_col_int(st, 0);
    const char *name = db_col_text(st, 1), *email = db_col_text(st, 2);
    auth_copy_text(c->display_name, sizeof c->display_name, name, strlen(name));
    auth_copy_text(c->email, sizeof c->email, email, strlen(email));
}

int auth_store_email_set(struct db *db, int64_t account_id, const char *email)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_email_set, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, account_id);
    db_bind_cstr(st, 2, email);
    int64_t changed = 0;
    if ((rc = db_run(st, &changed)) != 0)
        return rc;
    return changed ? 0 : ERR_NOT_FOUND;
}

int auth_store_contact(struct db *db, int64_t account_id, struct auth_contact *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_contact, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, account_id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        read_contact(st, out);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_NOT_FOUND;
    }
    db_reset(st);
    return rc;
}

int auth_store_contacts(struct db *db, int64_t unit_id, const char *role, struct auth_contact *out,
                        size_t max, size_t *n)
{
    *n = 0;
    if (!max)
        return 0;
    struct db_stmt *st;
    int rc = db_prepare(db, sql_contacts, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    db_bind_cstr(st, 2, role);
    db_bind_int(st, 3, (int64_t)max);
    while ((rc = db_step(st)) == DB_ROW)
        read_contact(st, &out[(*n)++]);
    db_reset(st);
    return rc < 0 ? rc : 0;
}

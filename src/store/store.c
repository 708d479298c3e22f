/*
 * store.c - opening the store, per-thread connections, the per-connection
 * statement cache and the engine-neutral half of every db_* call; the engine
 * halves live in sqlite.c and postgres.c.
 *
 * Ownership: store_open() returns a struct store the caller frees with
 * store_close(); store_connect() returns a struct db owned by the calling
 * thread until db_close(). Statements belong to their connection's cache and
 * are finalized by db_close(); callers only borrow them between db_prepare()
 * and db_reset().
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"

int store_set_err(struct db *db, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(db->err, sizeof db->err, fmt, ap);
    va_end(ap);
    /* Engine messages may span lines (libpq's DETAIL); logs want one line. */
    for (char *p = db->err; *p; p++)
        if (*p == '\n' && p[1])
            *p = ' ';
    size_t n = strlen(db->err);
    while (n > 0 && (db->err[n - 1] == '\n' || db->err[n - 1] == ' '))
        db->err[--n] = '\0';
    return code;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (!p)
        abort();
    memcpy(p, s, n);
    return p;
}

int store_open(const char *url, struct store **out, char *err, size_t err_len)
{
    struct store *s = NULL;
    struct db *db = NULL;
    int rc = 0;

    *out = NULL;
    s = calloc(1, sizeof *s);
    if (!s)
        abort();
    if (strncmp(url, "sqlite:", 7) == 0) {
        const char *path = url + 7;
        /* "sqlite:///abs/path" and "sqlite://rel" are accepted too. */
        if (strncmp(path, "//", 2) == 0)
            path += 2;
        if (*path == '\0') {
            snprintf(err, err_len, "sqlite: URL names no file");
            rc = ERR_INVALID;
            goto out;
        }
        s->kind = STORE_SQLITE;
        s->target = xstrdup(path);
        /* SQLite's memory statistics take one global mutex on every allocation, which the
         * worker threads and the writer then contend on; nothing here reads them. Once SQLite
         * is initialized (a second store) the call fails harmlessly with SQLITE_MISUSE. */
        (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    } else if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0) {
        s->kind = STORE_POSTGRES;
        s->target = xstrdup(url);
    } else {
        snprintf(err, err_len, "database URL must start with sqlite: or postgres://");
        rc = ERR_INVALID;
        goto out;
    }
    store_writeq_init(&s->wq);
    /* Connect once now, so a wrong path or URL fails at start-up, not on the first request;
     * on SQLite this also switches the file to WAL. */
    rc = store_connect(s, &db);
    if (rc != 0) {
        snprintf(err, err_len, "%s", db ? db_errmsg(db) : "cannot connect");
        goto out;
    }
out:
    if (db)
        db_close(db);
    if (rc != 0) {
        if (s && s->kind)
            store_writeq_destroy(&s->wq);
        if (s)
            free(s->target);
        free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void store_close(struct store *s)
{
    if (!s)
        return;
    store_write_stop(s);
    store_writeq_destroy(&s->wq);
    free(s->target);
    free(s);
}

enum store_kind store_kind(const struct store *s)
{
    return s->kind;
}

/*
 * On failure *out is still set (when memory allowed) so the caller can read
 * db_errmsg(); it must db_close() it.
 */
int store_connect(struct store *s, struct db **out)
{
    struct db *db = calloc(1, sizeof *db);
    int rc;
    if (!db)
        abort();
    db->s = s;
    db->kind = s->kind;
    *out = db;
    if (s->kind == STORE_SQLITE)
        rc = store_lite_connect(db, s->target);
    else
        rc = store_pg_connect(db, s->target);
    return rc;
}

static void stmt_free(struct db_stmt *st)
{
    if (st->db->kind == STORE_SQLITE)
        store_lite_finalize(st);
    else
        store_pg_finalize(st);
    free(st->sql);
    free(st);
}

void db_close(struct db *db)
{
    if (!db)
        return;
    for (size_t i = 0; i < sizeof db->memos / sizeof db->memos[0]; i++)
        if (db->memos[i].key && db->memos[i].free_fn)
            db->memos[i].free_fn(db->memos[i].p);
    for (size_t i = 0; i < db->n_slots; i++)
        if (db->slots[i])
            stmt_free(db->slots[i]);
    free(db->slots);
    if (db->kind == STORE_SQLITE)
        store_lite_disconnect(db);
    else
        store_pg_disconnect(db);
    free(db);
}

void db_epoch_bump(struct db *db)
{
    if (++db->epoch == 0)
        db->epoch = 1; /* 0 means "outside any request" */
}

unsigned db_epoch(const struct db *db)
{
    return db->epoch;
}

static const char sql_cache_versions[] = "SELECT name, version FROM cache_versions";

int db_cache_version(struct db *db, const char *name, int64_t *out)
{
    if (db->epoch == 0)
        return ERR_UNAVAILABLE; /* outside a request nothing may be trusted from memory */
    if (db->versions_epoch != db->epoch) {
        struct db_stmt *st;
        int rc = db_prepare(db, sql_cache_versions, &st);
        if (rc)
            return rc;
        db->n_versions = 0;
        while ((rc = db_step(st)) == DB_ROW) {
            if (db->n_versions == sizeof db->versions / sizeof db->versions[0])
                continue;
            snprintf(db->versions[db->n_versions].name, sizeof db->versions[0].name, "%s",
                     db_col_text(st, 0));
            db->versions[db->n_versions++].version = db_col_int(st, 1);
        }
        db_reset(st);
        if (rc < 0)
            return rc;
        db->versions_epoch = db->epoch;
    }
    for (size_t i = 0; i < db->n_versions; i++) {
        if (strcmp(db->versions[i].name, name) == 0) {
            *out = db->versions[i].version;
            return 0;
        }
    }
    return ERR_NOT_FOUND;
}

void *db_memo(struct db *db, const void *key)
{
    for (size_t i = 0; i < sizeof db->memos / sizeof db->memos[0]; i++)
        if (db->memos[i].key == key)
            return db->memos[i].p;
    return NULL;
}

void db_memo_put(struct db *db, const void *key, void *p, void (*free_fn)(void *))
{
    for (size_t i = 0; i < sizeof db->memos / sizeof db->memos[0]; i++) {
        if (!db->memos[i].key) {
            db->memos[i] = (struct db_memo){key, p, free_fn};
            return;
        }
    }
    assert(!"db_memo_put: no free slot"); /* four modules' caches per connection at most */
    free_fn(p);
}

struct store *db_store(struct db *db)
{
    return db->s;
}

enum store_kind db_kind(const struct db *db)
{
    return db->kind;
}

const char *db_errmsg(const struct db *db)
{
    return db->err[0] ? db->err : "no error";
}

int db_exec(struct db *db, const char *sql)
{
    if (db->kind == STORE_SQLITE)
        return store_lite_exec(db, sql);
    return store_pg_exec(db, sql);
}

int db_exec_static(struct db *db, const char *sql)
{
    /* PostgreSQL cannot prepare transaction control statements; they are short to parse. */
    if (db->kind != STORE_SQLITE)
        return store_pg_exec(db, sql);
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    return rc ? rc : db_run(st, NULL);
}

static const char sql_begin_immediate[] = "BEGIN IMMEDIATE";
static const char sql_begin[] = "BEGIN";
static const char sql_commit[] = "COMMIT";
static const char sql_rollback[] = "ROLLBACK";

int db_begin(struct db *db)
{
    return db_exec_static(db, db->kind == STORE_SQLITE ? sql_begin_immediate : sql_begin);
}

int db_commit(struct db *db)
{
    if (db->kind == STORE_SQLITE)
        return db_exec_static(db, sql_commit);
    return store_pg_commit(db);
}

int db_rollback(struct db *db)
{
    /* Rolling back when nothing is open is not an error: cleanup paths call this blindly. */
    if (db->kind == STORE_SQLITE && sqlite3_get_autocommit(db->lite))
        return 0;
    return db_exec_static(db, sql_rollback);
}

/* ---- statement cache: open addressing, linear probing, keyed by the sql pointer ---- */

static size_t ptr_hash(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x;
}

static struct db_stmt **cache_slot(struct db *db, const char *key)
{
    size_t mask = db->n_slots - 1;
    size_t i = ptr_hash(key) & mask;
    while (db->slots[i] && db->slots[i]->key != key)
        i = (i + 1) & mask;
    return &db->slots[i];
}

static void cache_grow(struct db *db)
{
    size_t old_n = db->n_slots;
    struct db_stmt **old = db->slots;
    db->n_slots = old_n ? old_n * 2 : 64;
    db->slots = calloc(db->n_slots, sizeof *db->slots);
    if (!db->slots)
        abort();
    for (size_t i = 0; i < old_n; i++)
        if (old[i])
            *cache_slot(db, old[i]->key) = old[i];
    free(old);
}

int db_prepare2(struct db *db, const char *sqlite_sql, const char *pg_sql, struct db_stmt **out)
{
    const char *sql = db->kind == STORE_SQLITE || !pg_sql ? sqlite_sql : pg_sql;
    struct db_stmt **slot;
    struct db_stmt *st;
    int rc;

    *out = NULL;
    if ((db->n_stmts + 1) * 2 > db->n_slots)
        cache_grow(db);
    slot = cache_slot(db, sql);
    st = *slot;
    /* The text is compared too, so a caller that (wrongly) passes a reused buffer gets the
     * right statement instead of a stale one. */
    if (st && strcmp(st->sql, sql) == 0) {
        db_reset(st);
        *out = st;
        return 0;
    }
    struct db_stmt *fresh = calloc(1, sizeof *fresh);
    if (!fresh)
        abort();
    fresh->db = db;
    fresh->key = sql;
    fresh->sql = xstrdup(sql);
    rc = db->kind == STORE_SQLITE ? store_lite_prepare(fresh) : store_pg_prepare(fresh);
    if (rc != 0) {
        stmt_free(fresh);
        return rc;
    }
    /* A stale statement under the same pointer is replaced in its slot: emptying a slot
     * would break the probe chains that pass through it. */
    if (st)
        stmt_free(st);
    else
        db->n_stmts++;
    *slot = fresh;
    *out = fresh;
    return 0;
}

int db_prepare(struct db *db, const char *sql, struct db_stmt **out)
{
    return db_prepare2(db, sql, NULL, out);
}

static int bind(struct db_stmt *st, int idx, enum bind_kind k, int64_t i, const void *p, size_t len)
{
    if (idx < 1)
        return store_set_err(st->db, ERR_INVALID, "parameter index %d out of range", idx);
    if (st->db->kind == STORE_SQLITE)
        return store_lite_bind(st, idx, k, i, p, len);
    return store_pg_bind(st, idx, k, i, p, len);
}

int db_bind_int(struct db_stmt *st, int idx, int64_t v)
{
    return bind(st, idx, BIND_INT, v, NULL, 0);
}

int db_bind_text(struct db_stmt *st, int idx, const char *s, size_t len)
{
    return bind(st, idx, BIND_TEXT, 0, s ? s : "", s ? len : 0);
}

int db_bind_cstr(struct db_stmt *st, int idx, const char *s)
{
    if (!s)
        return bind(st, idx, BIND_NULL, 0, NULL, 0);
    return bind(st, idx, BIND_TEXT, 0, s, strlen(s));
}

int db_bind_null(struct db_stmt *st, int idx)
{
    return bind(st, idx, BIND_NULL, 0, NULL, 0);
}

int db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t len)
{
    return bind(st, idx, BIND_BLOB, 0, p ? p : "", p ? len : 0);
}

int db_bind_double(struct db_stmt *st, int idx, double v)
{
    char t[32];
    int n = snprintf(t, sizeof t, "%.9g", v);
    return bind(st, idx, BIND_TEXT, 0, t, (size_t)n);
}

int db_step(struct db_stmt *st)
{
    if (st->db->kind == STORE_SQLITE)
        return store_lite_step(st);
    return store_pg_step(st);
}

int db_column_count(struct db_stmt *st)
{
    if (st->db->kind == STORE_SQLITE)
        return st->lite_returning ? 1 : sqlite3_column_count(st->lite);
    return store_pg_column_count(st);
}

const char *db_column_name(struct db_stmt *st, int col)
{
    if (st->db->kind == STORE_SQLITE) {
        if (st->lite_returning)
            return "id";
        const char *n = sqlite3_column_name(st->lite, col);
        return n ? n : "";
    }
    return store_pg_column_name(st, col);
}

int db_col_is_null(struct db_stmt *st, int col)
{
    if (st->db->kind == STORE_SQLITE)
        return st->lite_returning ? 0 : sqlite3_column_type(st->lite, col) == SQLITE_NULL;
    return store_pg_is_null(st, col);
}

int64_t db_col_int(struct db_stmt *st, int col)
{
    if (st->db->kind == STORE_SQLITE)
        return st->lite_returning ? st->lite_id : sqlite3_column_int64(st->lite, col);
    return store_pg_col_int(st, col);
}

double db_col_double(struct db_stmt *st, int col)
{
    if (st->db->kind == STORE_SQLITE)
        return st->lite_returning ? 0 : sqlite3_column_double(st->lite, col);
    if (store_pg_is_null(st, col))
        return 0;
    return strtod(store_pg_col_text(st, col), NULL);
}

const char *db_col_text(struct db_stmt *st, int col)
{
    if (st->db->kind == STORE_SQLITE) {
        assert(!st->lite_returning); /* RETURNING id is read with db_col_int() */
        const unsigned char *t = sqlite3_column_text(st->lite, col);
        return t ? (const char *)t : "";
    }
    return store_pg_col_text(st, col);
}

size_t db_col_len(struct db_stmt *st, int col)
{
    if (st->db->kind == STORE_SQLITE) {
        /* column_text first: the length must be that of the text form. */
        (void)sqlite3_column_text(st->lite, col);
        return (size_t)sqlite3_column_bytes(st->lite, col);
    }
    return store_pg_col_len(st, col);
}

const void *db_col_blob(struct db_stmt *st, int col, size_t *len)
{
    if (st->db->kind == STORE_SQLITE) {
        const void *p = sqlite3_column_blob(st->lite, col);
        *len = (size_t)sqlite3_column_bytes(st->lite, col);
        return p ? p : "";
    }
    return store_pg_col_blob(st, col, len);
}

void db_reset(struct db_stmt *st)
{
    if (!st)
        return;
    if (st->db->kind == STORE_SQLITE)
        store_lite_reset(st);
    else
        store_pg_reset(st);
}

int64_t db_last_id(struct db *db)
{
    if (db->kind == STORE_SQLITE)
        return sqlite3_last_insert_rowid(db->lite);
    /* PostgreSQL has no cheap and always-safe equivalent (lastval() errors, and so aborts
     * the transaction, when no sequence was used yet): callers use RETURNING id. */
    log_warn("db_last_id() called on PostgreSQL; use INSERT ... RETURNING id");
    return 0;
}

int64_t db_changes(struct db_stmt *st)
{
    return st->changes;
}

int db_run(struct db_stmt *st, int64_t *changes)
{
    int rc = db_step(st);
    if (rc == DB_ROW) {
        rc = ERR_INTERNAL; /* a statement meant to return nothing returned a row */
    } else if (rc == DB_DONE) {
        if (changes)
            *changes = db_changes(st);
        rc = 0;
    }
    db_reset(st);
    return rc;
}

int db_bind_id(struct db_stmt *st, int idx, int64_t id)
{
    return id ? db_bind_int(st, idx, id) : db_bind_null(st, idx);
}

int db_insert_id(struct db_stmt *st, int64_t *id)
{
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *id = db_col_int(st, 0);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_INTERNAL;
    }
    db_reset(st);
    return rc;
}

int db_ints(struct db_stmt *st, int64_t *out, size_t n)
{
    int rc = db_step(st);
    for (size_t i = 0; i < n; i++)
        out[i] = rc == DB_ROW ? db_col_int(st, (int)i) : 0;
    db_reset(st);
    return rc < 0 ? rc : 0;
}

/* An empty table with st's columns (known once it has run) and room for extra ones. */
static struct rows *rows_for(struct db_stmt *st, struct arena *a, size_t extra_cols)
{
    int n = db_column_count(st);
    if (n < 0)
        n = 0;
    struct rows *t = rows_new(a, (size_t)n + extra_cols);
    /* Column names live only as long as the statement's result: copied. */
    for (int c = 0; c < n; c++)
        rows_add_col(t, arena_strdup(a, db_column_name(st, c)));
    return t;
}

int db_rows(struct db_stmt *st, struct arena *a, size_t extra_cols, struct rows **out)
{
    struct rows *t = NULL;
    size_t n_sql = 0;
    int rc;
    *out = NULL;
    while ((rc = db_step(st)) == DB_ROW) {
        if (!t) {
            t = rows_for(st, a, extra_cols);
            n_sql = t->n_cols;
        }
        struct rows_cell *row = rows_add_row(t);
        for (size_t c = 0; c < n_sql; c++) {
            if (st->db->kind == STORE_SQLITE)
                store_lite_cell(st, (int)c, t, &row[c]);
            else
                store_pg_cell(st, (int)c, t, &row[c]);
        }
    }
    if (!t && rc >= 0)
        t = rows_for(st, a, extra_cols);
    db_reset(st);
    if (rc < 0)
        return rc;
    *out = t;
    return 0;
}

int db_rows_json(struct db_stmt *st, json_t **out)
{
    struct arena *a = arena_new(0);
    struct rows *t;
    int rc = db_rows(st, a, 0, &t);
    *out = rc == 0 ? rows_json(t) : NULL;
    arena_free(a);
    return rc;
}

int store_backup(struct store *s, const char *path, char *err, size_t err_len)
{
    if (s->kind == STORE_SQLITE)
        return store_lite_backup(s, path, err, err_len);
    return store_pg_backup(s, path, err, err_len);
}

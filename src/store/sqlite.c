/*
 * sqlite.c - the SQLite back end: connection set-up (WAL, synchronous=FULL,
 * foreign keys, a larger page cache on every connection), "$N"
 * parameters bound by name, result rows as JSON, online backup.
 *
 * A connection is opened SQLITE_OPEN_NOMUTEX: it belongs to one thread, as
 * store.h requires, so SQLite's per-connection mutex would be pure cost.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/internal.h"

/* Every connection: durable WAL commits, enforced foreign keys, and a page cache large enough
 * for a commune's database (DESIGN.md: the small default halves read throughput). No mmap:
 * whenever another connection has committed, SQLite unmaps a reader's whole mapping at its
 * next read transaction, and the munmap with its TLB shootdown cost a third of the durable
 * write rate under `make bench` (7.6k -> 10.8k writes/s without it; reads unchanged).
 * secure_delete FAST: what a write removes or overwrites (a reception visitor's name blanked
 * when the matter turns out to be a denunciation and is sealed) is zeroed in its page rather
 * than left in the file's free space, wherever that costs no extra I/O. */
static const char lite_pragmas[] = "PRAGMA synchronous = FULL;"
                                   "PRAGMA foreign_keys = ON;"
                                   "PRAGMA mmap_size = 0;"
                                   "PRAGMA cache_size = -32768;"
                                   "PRAGMA temp_store = MEMORY;"
                                   "PRAGMA secure_delete = FAST;";

static int lite_err(struct db *db, int rc)
{
    int ext = db->lite ? sqlite3_extended_errcode(db->lite) : rc;
    int code = ERR_DB;
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        code = ERR_CONFLICT;
    else if ((ext & 0xff) == SQLITE_CONSTRAINT)
        code = ERR_INVALID;
    else if ((ext & 0xff) == SQLITE_BUSY || (ext & 0xff) == SQLITE_LOCKED)
        code = ERR_UNAVAILABLE;
    return store_set_err(db, code, "%s", db->lite ? sqlite3_errmsg(db->lite) : sqlite3_errstr(rc));
}

int store_lite_connect(struct db *db, const char *path)
{
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_open_v2(path, &db->lite, flags, NULL);
    if (rc != SQLITE_OK) {
        rc = store_set_err(db, ERR_DB, "%s: %s", path,
                           db->lite ? sqlite3_errmsg(db->lite) : sqlite3_errstr(rc));
        goto out;
    }
    sqlite3_extended_result_codes(db->lite, 1);
    /* Without the query planner stability guarantee, binding a "LIKE $n" parameter expires
     * the statement and every step re-prepares it (17% of a roll page's time in perf). */
    sqlite3_db_config(db->lite, SQLITE_DBCONFIG_ENABLE_QPSG, 1, (int *)NULL);
    sqlite3_busy_timeout(db->lite, 10000);
    /* journal_mode answers with a row: read it to learn whether WAL took. */
    rc = sqlite3_prepare_v2(db->lite, "PRAGMA journal_mode = WAL", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        rc = lite_err(db, rc);
        goto out;
    }
    const char *mode = (const char *)sqlite3_column_text(st, 0);
    if (!mode || strcmp(mode, "wal") != 0)
        log_warn("%s: journal_mode is %s, not wal", path, mode ? mode : "?");
    rc = sqlite3_exec(db->lite, lite_pragmas, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        rc = lite_err(db, rc);
        goto out;
    }
    rc = store_search_register(db->lite);
    if (rc != 0) {
        rc = store_set_err(db, rc, "cannot register the danchu FTS5 tokenizer");
        goto out;
    }
    rc = 0;
out:
    sqlite3_finalize(st);
    return rc;
}

void store_lite_disconnect(struct db *db)
{
    if (db->lite)
        sqlite3_close_v2(db->lite);
    db->lite = NULL;
}

/* Length of sql without a final "RETURNING id" when sql is a one-row INSERT ... VALUES that
 * ends so (no SELECT, no upsert that may update instead), else 0. */
static size_t returning_id_cut(const char *sql)
{
    static const char suffix[] = "RETURNING id";
    size_t n = strlen(sql);
    while (n && (sql[n - 1] == ' ' || sql[n - 1] == '\n' || sql[n - 1] == ';'))
        n--;
    size_t k = sizeof suffix - 1;
    while (*sql == ' ' || *sql == '\n')
        sql++, n--;
    if (n <= k || strncmp(sql, "INSERT ", 7) != 0 || memcmp(sql + n - k, suffix, k) != 0 ||
        !strstr(sql, " VALUES ") || strstr(sql, "SELECT") || strstr(sql, "DO UPDATE") ||
        strstr(sql, "),") || strstr(sql, ") ,"))
        return 0;
    return n - k;
}

int store_lite_prepare(struct db_stmt *st)
{
    struct db *db = st->db;
    int rc;
    size_t cut = returning_id_cut(st->sql);
    if (cut) {
        /* SQLite runs RETURNING through a temporary table, as costly as the insert itself;
         * last_insert_rowid() gives the same id. The text before the cut is prepared. */
        const char *start = st->sql;
        while (*start == ' ' || *start == '\n')
            start++;
        rc = sqlite3_prepare_v3(db->lite, start, (int)cut, SQLITE_PREPARE_PERSISTENT, &st->lite,
                                NULL);
        st->lite_returning = 1;
    } else {
        rc = sqlite3_prepare_v3(db->lite, st->sql, -1, SQLITE_PREPARE_PERSISTENT, &st->lite, NULL);
    }
    if (rc != SQLITE_OK)
        return lite_err(db, rc);
    if (!st->lite)
        return store_set_err(db, ERR_INVALID, "empty SQL statement");
    /* Map "$N" (and "?N", "?") to SQLite's own parameter numbers once; SQLite numbers them by
     * first appearance, so "$2" may well be parameter 1. */
    int n = sqlite3_bind_parameter_count(st->lite);
    int max = 0;
    for (int i = 1; i <= n; i++) {
        const char *name = sqlite3_bind_parameter_name(st->lite, i);
        int k = i;
        if (name && parse_int(name + 1, 1, 32766, &k) != 0)
            return store_set_err(db, ERR_INVALID, "unsupported parameter %s", name);
        if (k > max)
            max = k;
    }
    st->n_pmap = max + 1;
    st->pmap = calloc((size_t)st->n_pmap, sizeof *st->pmap);
    if (!st->pmap)
        abort();
    for (int i = 1; i <= n; i++) {
        const char *name = sqlite3_bind_parameter_name(st->lite, i);
        int k = i;
        if (name)
            (void)parse_int(name + 1, 1, 32766, &k);
        st->pmap[k] = i;
    }
    return 0;
}

void store_lite_finalize(struct db_stmt *st)
{
    sqlite3_finalize(st->lite);
    st->lite = NULL;
    free(st->pmap);
    st->pmap = NULL;
}

int store_lite_bind(struct db_stmt *st, int idx, enum bind_kind k, int64_t i, const void *p,
                    size_t len)
{
    int rc = SQLITE_OK;
    /* A parameter the text does not use is ignored, as with db_prepare2() texts that differ. */
    if (idx >= st->n_pmap || st->pmap[idx] == 0)
        return 0;
    int at = st->pmap[idx];
    switch (k) {
    case BIND_NULL:
        rc = sqlite3_bind_null(st->lite, at);
        break;
    case BIND_INT:
        rc = sqlite3_bind_int64(st->lite, at, i);
        break;
    case BIND_TEXT:
        rc = sqlite3_bind_text64(st->lite, at, p, len, SQLITE_TRANSIENT, SQLITE_UTF8);
        break;
    case BIND_BLOB:
        rc = sqlite3_bind_blob64(st->lite, at, p, len, SQLITE_TRANSIENT);
        break;
    }
    return rc == SQLITE_OK ? 0 : lite_err(st->db, rc);
}

int store_lite_step(struct db_stmt *st)
{
    if (st->lite_returning && st->lite_row) {
        st->lite_row = 0; /* the one row was read */
        return DB_DONE;
    }
    int rc = sqlite3_step(st->lite);
    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE) {
        st->changes = sqlite3_changes64(st->db->lite);
        if (st->lite_returning && st->changes > 0) {
            /* The row RETURNING id would have given (none when ON CONFLICT DO NOTHING). */
            st->lite_id = sqlite3_last_insert_rowid(st->db->lite);
            st->lite_row = 1;
            return DB_ROW;
        }
        return DB_DONE;
    }
    return lite_err(st->db, rc);
}

void store_lite_reset(struct db_stmt *st)
{
    st->lite_row = 0;
    sqlite3_reset(st->lite);
    sqlite3_clear_bindings(st->lite);
}

int store_lite_exec(struct db *db, const char *sql)
{
    int rc = sqlite3_exec(db->lite, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : lite_err(db, rc);
}

void store_lite_cell(struct db_stmt *st, int c, struct rows *t, struct rows_cell *out)
{
    /* One sqlite3_column_value() and the value's own accessors: each sqlite3_column_*() call
     * looks the column up again, and a list reads hundreds of cells. */
    assert(!st->lite_returning); /* RETURNING id rows are read with db_col_int() */
    sqlite3_value *v = sqlite3_column_value(st->lite, c);
    memset(out, 0, sizeof *out);
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
        rows_set_int(out, sqlite3_value_int64(v));
        break;
    case SQLITE_FLOAT:
        out->kind = ROWS_REAL;
        out->d = sqlite3_value_double(v);
        break;
    case SQLITE_TEXT: {
        const char *text = (const char *)sqlite3_value_text(v);
        rows_set_textn(t, out, text, (size_t)sqlite3_value_bytes(v));
        break;
    }
    case SQLITE_BLOB: {
        /* Rows carry text: bytes travel as lower-case hex. */
        const unsigned char *p = sqlite3_value_blob(v);
        size_t len = (size_t)sqlite3_value_bytes(v);
        char *hex = arena_alloc(t->a, 2 * len + 1);
        hex_encode(p, len, hex);
        out->kind = ROWS_TEXT;
        out->s = hex;
        out->len = 2 * len;
        break;
    }
    default:
        break;
    }
}

int store_lite_backup(struct store *s, const char *path, char *err, size_t err_len)
{
    struct db *src = NULL;
    sqlite3 *dst = NULL;
    sqlite3_backup *bk = NULL;
    char tmp[4096];
    int rc;

    /* Into PATH.tmp, renamed at the end: a reader never sees half a copy. */
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        snprintf(err, err_len, "backup path too long");
        return ERR_INVALID;
    }
    unlink(tmp);
    rc = store_connect(s, &src);
    if (rc != 0) {
        snprintf(err, err_len, "%s", db_errmsg(src));
        goto out;
    }
    if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        snprintf(err, err_len, "%s: %s", tmp, dst ? sqlite3_errmsg(dst) : "cannot open");
        rc = ERR_IO;
        goto out;
    }
    bk = sqlite3_backup_init(dst, "main", src->lite, "main");
    if (!bk) {
        snprintf(err, err_len, "backup: %s", sqlite3_errmsg(dst));
        rc = ERR_DB;
        goto out;
    }
    /* All pages in one step: one read transaction, so writers (WAL) never force a restart. */
    int step;
    while ((step = sqlite3_backup_step(bk, -1)) == SQLITE_BUSY || step == SQLITE_LOCKED)
        sqlite3_sleep(50);
    int fin = sqlite3_backup_finish(bk);
    bk = NULL;
    if (step != SQLITE_DONE || fin != SQLITE_OK) {
        snprintf(err, err_len, "backup: %s", sqlite3_errmsg(dst));
        rc = ERR_DB;
        goto out;
    }
    /* The copy keeps WAL mode from the source header; fold its WAL into the file so that
     * PATH alone is the whole backup. */
    if (sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, err_len, "backup: %s", sqlite3_errmsg(dst));
        rc = ERR_DB;
        goto out;
    }
    sqlite3_close(dst);
    dst = NULL;
    if (rename(tmp, path) != 0) {
        snprintf(err, err_len, "rename %s: cannot move into place", tmp);
        rc = ERR_IO;
        goto out;
    }
    rc = 0;
out:
    if (bk)
        sqlite3_backup_finish(bk);
    if (dst)
        sqlite3_close(dst);
    if (rc != 0)
        unlink(tmp);
    db_close(src);
    return rc;
}

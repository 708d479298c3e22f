/*
 * migrate.c - applies the embedded db/migrations/NNNN_name.sql files in
 * numeric order, forward only. Each file runs in one transaction together
 * with its row in schema_migrations, so it is applied entirely or not at all.
 *
 * A file is written once for both engines: lines after "-- dialect: sqlite"
 * or "-- dialect: postgres" are for that engine only, until "-- dialect: both".
 * A file with the line "-- sqlite: foreign_keys off" rebuilds tables on SQLite:
 * foreign keys are turned off around its transaction and every key is checked
 * before it commits (https://sqlite.org/lang_altertable.html, "other changes").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/internal.h"

static const char create_table_sql[] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                       "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                                       "applied_at BIGINT NOT NULL)";
static const char applied_sql[] = "SELECT 1 FROM schema_migrations WHERE version = $1";
static const char record_sql[] =
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)";

#define MIGRATION_DIR "db/migrations/"

/* One migration file found among the embedded files. */
struct migration {
    int version;                /* NNNN */
    const char *name;           /* file name without the directory, e.g. "0001_init.sql" */
    const struct embed_file *f; /* the embedded file */
};

static int by_version(const void *a, const void *b)
{
    const struct migration *x = a, *y = b;
    return (x->version > y->version) - (x->version < y->version);
}

/* 1 when line (without its newline) is a dialect marker; *which gets the dialect. */
static int marker(struct str line, struct str *which)
{
    line = str_trim(line);
    if (!str_starts_with(line, "--"))
        return 0;
    struct str rest = str_trim((struct str){line.ptr + 2, line.len - 2});
    if (!str_starts_with(rest, "dialect:"))
        return 0;
    *which = str_trim((struct str){rest.ptr + 8, rest.len - 8});
    return 1;
}

/* The text of file f that applies to kind, into out. */
static int filter_dialect(const struct embed_file *f, enum store_kind kind, struct buf *out,
                          char *err, size_t err_len)
{
    const char *p = (const char *)f->data, *end = p + f->len;
    int keep = 1;
    int line_no = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl + 1 : end;
        struct str line = {p, (size_t)(stop - p)};
        struct str which;
        line_no++;
        if (marker(line, &which)) {
            if (str_eq_c(which, "both"))
                keep = 1;
            else if (str_eq_c(which, "sqlite"))
                keep = kind == STORE_SQLITE;
            else if (str_eq_c(which, "postgres"))
                keep = kind == STORE_POSTGRES;
            else {
                snprintf(err, err_len, "%s:%d: unknown dialect marker", f->name, line_no);
                return ERR_INVALID;
            }
            /* Keep the line count, so the engine's line numbers match the file's. */
            buf_putc(out, '\n');
        } else if (keep) {
            buf_append(out, line.ptr, line.len);
        } else {
            buf_putc(out, '\n');
        }
        p = stop;
    }
    return 0;
}

#define FK_OFF_MARK "\n-- sqlite: foreign_keys off\n"
static const char fk_check_sql[] = "PRAGMA foreign_key_check";

/* Applies one migration unless it is already recorded; *ran is set to 1 when it ran. */
static int apply_one(struct db *db, const struct migration *m, int *ran, char *err, size_t err_len)
{
    struct db_stmt *st = NULL;
    struct buf sql;
    int in_tx = 0, fk_off = 0;
    int rc;

    *ran = 0;
    buf_init(&sql, NULL);
    rc = filter_dialect(m->f, db->kind, &sql, err, err_len);
    if (rc != 0)
        goto out;
    /* A migration that rebuilds a table on SQLite (new table, copy, drop, rename) says so; the
     * foreign keys are then off around its transaction, as SQLite requires (the pragma is a
     * no-op inside one), and checked in full before it commits. */
    fk_off = db->kind == STORE_SQLITE &&
             memmem(m->f->data, m->f->len, FK_OFF_MARK, sizeof FK_OFF_MARK - 1) != NULL;
    if (fk_off && (rc = db_exec(db, "PRAGMA foreign_keys = OFF")) != 0)
        goto fail;
    rc = db_begin(db);
    if (rc != 0)
        goto fail;
    in_tx = 1;
    /* Two processes migrating at once: the second waits here, then sees the row. (SQLite's
     * BEGIN IMMEDIATE already serialises.) */
    if (db->kind == STORE_POSTGRES) {
        rc = db_exec(db, "LOCK TABLE schema_migrations IN EXCLUSIVE MODE");
        if (rc != 0)
            goto fail;
    }
    rc = db_prepare(db, applied_sql, &st);
    if (rc != 0)
        goto fail;
    db_bind_int(st, 1, m->version);
    rc = db_step(st);
    db_reset(st);
    if (rc < 0)
        goto fail;
    if (rc == DB_ROW) {
        rc = db_commit(db);
        in_tx = 0;
        if (rc != 0)
            goto fail;
        goto out;
    }
    rc = db_exec(db, sql.ptr);
    if (rc != 0)
        goto fail;
    if (fk_off) {
        /* Any row the rebuild left pointing nowhere fails the migration. */
        rc = db_prepare(db, fk_check_sql, &st);
        if (rc != 0)
            goto fail;
        rc = db_step(st);
        db_reset(st);
        if (rc == DB_ROW) {
            snprintf(err, err_len, "%s: a foreign key points nowhere after the rebuild",
                     m->f->name);
            rc = ERR_INVALID;
            goto out;
        }
        if (rc < 0)
            goto fail;
    }
    rc = db_prepare(db, record_sql, &st);
    if (rc != 0)
        goto fail;
    db_bind_int(st, 1, m->version);
    db_bind_cstr(st, 2, m->name);
    db_bind_int(st, 3, (int64_t)time(NULL));
    rc = db_step(st);
    db_reset(st);
    if (rc < 0)
        goto fail;
    rc = db_commit(db);
    in_tx = 0;
    if (rc != 0)
        goto fail;
    *ran = 1;
    goto out;
fail:
    snprintf(err, err_len, "%s: %s", m->f->name, db_errmsg(db));
out:
    if (in_tx)
        db_rollback(db);
    if (fk_off)
        db_exec(db, "PRAGMA foreign_keys = ON");
    buf_free(&sql);
    return rc;
}

int store_migrate_files(struct store *s, const struct embed_file *files, size_t n_files,
                        int *applied, char *err, size_t err_len)
{
    struct migration *ms = NULL;
    struct db *db = NULL;
    size_t n = 0;
    int count = 0;
    int rc;

    if (applied)
        *applied = 0;
    ms = calloc(n_files ? n_files : 1, sizeof *ms);
    if (!ms)
        abort();
    for (size_t i = 0; i < n_files; i++) {
        struct str name = str_c(files[i].name);
        size_t dir_len = sizeof MIGRATION_DIR - 1;
        if (!str_starts_with(name, MIGRATION_DIR) || name.len < dir_len + 4 ||
            memcmp(name.ptr + name.len - 4, ".sql", 4) != 0)
            continue;
        const char *base = name.ptr + dir_len;
        size_t digits = strspn(base, "0123456789");
        int64_t v;
        if (digits == 0 || base[digits] != '_' ||
            parse_int64((struct str){base, digits}, 1, 99999999, &v) != 0) {
            snprintf(err, err_len, "%s: name is not NNNN_name.sql", files[i].name);
            rc = ERR_INVALID;
            goto out;
        }
        ms[n].version = (int)v;
        ms[n].name = base;
        ms[n].f = &files[i];
        n++;
    }
    qsort(ms, n, sizeof *ms, by_version);
    for (size_t i = 1; i < n; i++) {
        if (ms[i].version == ms[i - 1].version) {
            snprintf(err, err_len, "%s and %s share version %d", ms[i - 1].f->name, ms[i].f->name,
                     ms[i].version);
            rc = ERR_INVALID;
            goto out;
        }
    }
    rc = store_connect(s, &db);
    if (rc != 0) {
        snprintf(err, err_len, "%s", db_errmsg(db));
        goto out;
    }
    rc = db_exec(db, create_table_sql);
    if (rc != 0) {
        snprintf(err, err_len, "schema_migrations: %s", db_errmsg(db));
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        int ran;
        rc = apply_one(db, &ms[i], &ran, err, err_len);
        if (rc != 0)
            goto out;
        if (ran) {
            log_info("migration %s applied", ms[i].name);
            count++;
        }
    }
out:
    if (applied)
        *applied = count;
    db_close(db);
    free(ms);
    return rc;
}

int store_migrate(struct store *s, int *applied, char *err, size_t err_len)
{
    return store_migrate_files(s, embed_files, embed_count, applied, err, err_len);
}

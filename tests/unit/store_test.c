/*
 * store_test.c - the store module on SQLite (a temporary file) and, when
 * DANCHU_TEST_PG_URL is set, on PostgreSQL with the very same cases:
 * migrations, parameters, RETURNING, JSON rows, transactions, the group-commit
 * write queue, accent-insensitive search and backup.
 *
 * On PostgreSQL the public schema of that database is dropped first: point
 * it at a throwaway database (scripts/with-postgres.sh does).
 *   scripts/with-postgres.sh build/tests/store_test
 */
#include <ftw.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/internal.h"

/* One engine under test; the group state of cmocka. */
struct fixture {
    const char *engine; /* "sqlite" or "postgres" */
    char dir[256];      /* temporary folder (SQLite) */
    char url[1024];     /* database URL */
    struct store *s;    /* the store under test */
    struct db *db;      /* a connection of the test thread */
};

static const char ins_unit_sql[] = "INSERT INTO units (name, code, kind, name_fold, created_at) "
                                   "VALUES ($2, $1, 'village', $3, $4) RETURNING id";
static const char unit_name_sql[] = "SELECT name, created_at FROM units WHERE code = $1";
static const char count_code_sql[] = "SELECT count(*) FROM units WHERE code = $1";
static const char count_like_sql[] = "SELECT count(*) FROM units WHERE code LIKE $1";

static int64_t add_unit(struct db *db, const char *code, const char *name, int *rc_out)
{
    struct db_stmt *st;
    int64_t id = 0;
    int rc = db_prepare(db, ins_unit_sql, &st);
    if (rc == 0) {
        db_bind_cstr(st, 1, code);
        db_bind_cstr(st, 2, name);
        db_bind_cstr(st, 3, name);
        db_bind_int(st, 4, 1700000000);
        rc = db_step(st);
        if (rc == DB_ROW) {
            id = db_col_int(st, 0);
            rc = db_step(st) == DB_DONE ? 0 : ERR_DB;
        }
        db_reset(st);
    }
    if (rc_out)
        *rc_out = rc;
    return id;
}

static int64_t count_code(struct db *db, const char *sql, const char *arg)
{
    struct db_stmt *st;
    int64_t n = -1;
    if (db_prepare(db, sql, &st) != 0)
        return -1;
    db_bind_cstr(st, 1, arg);
    if (db_step(st) == DB_ROW)
        n = db_col_int(st, 0);
    db_reset(st);
    return n;
}

static int64_t scalar(struct db *db, const char *sql)
{
    struct db_stmt *st;
    int64_t n = -1;
    if (db_prepare(db, sql, &st) != 0)
        return -1;
    if (db_step(st) == DB_ROW)
        n = db_col_int(st, 0);
    db_reset(st);
    return n;
}

static void must_migrate(struct fixture *f)
{
    char err[512] = "";
    int rc = store_migrate(f->s, NULL, err, sizeof err);
    if (rc != 0)
        fail_msg("migrate: %s", err);
}

static int n_embedded_migrations(void)
{
    int n = 0;
    for (unsigned long i = 0; i < embed_count; i++)
        if (strncmp(embed_files[i].name, "db/migrations/", 14) == 0)
            n++;
    return n;
}

/* ---- migrations ---- */

static void test_migrations_apply_once(void **state)
{
    struct fixture *f = *state;
    char err[512] = "";
    int applied = -1;
    int n = n_embedded_migrations();

    assert_true(n >= 2);
    assert_int_equal(store_migrate(f->s, &applied, err, sizeof err), 0);
    assert_int_equal(applied, n);
    assert_int_equal(store_migrate(f->s, &applied, err, sizeof err), 0);
    assert_int_equal(applied, 0);
    assert_int_equal(scalar(f->db, "SELECT count(*) FROM schema_migrations"), n);
    assert_int_equal(scalar(f->db, "SELECT count(*) FROM search_docs"), 0);

    struct db_stmt *st;
    assert_int_equal(db_prepare(f->db, "SELECT name FROM schema_migrations WHERE version = 1", &st),
                     0);
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_col_text(st, 0), "0001_init.sql");
    db_reset(st);
}

static const unsigned char dialect_sql[] = "-- dialect: sqlite\n"
                                           "CREATE TABLE only_lite (x INTEGER);\n"
                                           "-- dialect: postgres\n"
                                           "CREATE TABLE only_pg (x INTEGER);\n"
                                           "-- dialect: both\n"
                                           "CREATE TABLE both_t (x INTEGER);\n";
static const unsigned char broken_sql[] = "CREATE TABLE half_done (x INTEGER);\n"
                                          "CREATE TABLE broken (;\n";

static void test_migrations_dialects_and_failure(void **state)
{
    struct fixture *f = *state;
    char err[512] = "";
    int applied = -1;
    struct embed_file files[2] = {
        {"db/migrations/9998_dialect.sql", dialect_sql, sizeof dialect_sql - 1},
        {"db/migrations/9999_broken.sql", broken_sql, sizeof broken_sql - 1},
    };
    int lite = db_kind(f->db) == STORE_SQLITE;
    struct db_stmt *st;

    must_migrate(f);
    assert_int_equal(store_migrate_files(f->s, files, 1, &applied, err, sizeof err), 0);
    assert_int_equal(applied, 1);
    assert_int_equal(scalar(f->db, "SELECT count(*) FROM both_t"), 0);
    assert_int_equal(db_prepare(f->db, "SELECT x FROM only_lite", &st) == 0, lite);
    assert_int_equal(db_prepare(f->db, "SELECT x FROM only_pg", &st) == 0, !lite);
    db_rollback(f->db); /* PostgreSQL: the failed prepare may not leave anything open */

    /* A failing file is rolled back whole, and the report names the file. */
    int rc = store_migrate_files(f->s, files, 2, &applied, err, sizeof err);
    assert_int_not_equal(rc, 0);
    assert_int_equal(applied, 0);
    assert_non_null(strstr(err, "db/migrations/9999_broken.sql: "));
    assert_true(strlen(err) > strlen("db/migrations/9999_broken.sql: ") + 3);
    assert_int_not_equal(db_prepare(f->db, "SELECT x FROM half_done", &st), 0);
    assert_int_equal(scalar(f->db, "SELECT count(*) FROM schema_migrations WHERE version = 9999"),
                     0);
    /* Unknown markers are refused before anything runs. */
    static const unsigned char bad_marker[] = "-- dialect: mysql\nSELECT 1;\n";
    struct embed_file odd = {"db/migrations/9997_odd.sql", bad_marker, sizeof bad_marker - 1};
    assert_int_equal(store_migrate_files(f->s, &odd, 1, &applied, err, sizeof err), ERR_INVALID);
}

/* A SQLite table rebuild (new table, copy, drop, rename) under "-- sqlite: foreign_keys off":
 * the rows that point at the rebuilt table keep pointing at it; a rebuild that loses a row
 * they point at is refused whole. */
static void test_migrations_table_rebuild(void **state)
{
    struct fixture *f = *state;
    char err[512] = "";
    int applied = -1;
    if (db_kind(f->db) != STORE_SQLITE) {
        skip(); /* PostgreSQL alters constraints in place */
        return;
    }
    must_migrate(f);
    static const unsigned char setup[] =
        "CREATE TABLE rb_parent (id INTEGER PRIMARY KEY, kind TEXT CHECK (kind IN ('a', 'b', "
        "'c')));\nCREATE TABLE rb_child (id INTEGER PRIMARY KEY, parent_id BIGINT NOT NULL "
        "REFERENCES rb_parent(id));\nINSERT INTO rb_parent VALUES (1, 'a'), (2, 'b');\n"
        "INSERT INTO rb_child VALUES (10, 1), (11, 2);\n";
    static const unsigned char rebuild[] =
        "-- rebuild\n-- sqlite: foreign_keys off\n"
        "CREATE TABLE rb_new (id INTEGER PRIMARY KEY, kind TEXT CHECK (kind = 'a' OR kind = 'b' "
        "OR kind = 'c'));\nINSERT INTO rb_new SELECT id, kind FROM rb_parent;\n"
        "DROP TABLE rb_parent;\nALTER TABLE rb_new RENAME TO rb_parent;\n";
    static const unsigned char lossy[] =
        "-- rebuild that drops a row\n-- sqlite: foreign_keys off\n"
        "CREATE TABLE rb_new (id INTEGER PRIMARY KEY, kind TEXT);\n"
        "INSERT INTO rb_new SELECT id, kind FROM rb_parent WHERE id = 1;\n"
        "DROP TABLE rb_parent;\nALTER TABLE rb_new RENAME TO rb_parent;\n";
    struct embed_file files[3] = {
        {"db/migrations/9995_setup.sql", setup, sizeof setup - 1},
        {"db/migrations/9996_rebuild.sql", rebuild, sizeof rebuild - 1},
        {"db/migrations/9997_lossy.sql", lossy, sizeof lossy - 1},
    };
    assert_int_equal(store_migrate_files(f->s, files, 2, &applied, err, sizeof err), 0);
    assert_int_equal(applied, 2);
    assert_int_equal(scalar(f->db, "SELECT count(*) FROM rb_child c JOIN rb_parent p ON "
                                   "p.id = c.parent_id"),
                     2);
    assert_int_not_equal(db_exec(f->db, "INSERT INTO rb_parent VALUES (3, 'z')"), 0);
    /* Foreign keys are on again after the migration. */
    assert_int_not_equal(db_exec(f->db, "INSERT INTO rb_child VALUES (12, 99)"), 0);
    int rc = store_migrate_files(f->s, files, 3, &applied, err, sizeof err);
    assert_int_not_equal(rc, 0);
    assert_non_null(strstr(err, "9997_lossy.sql"));
    assert_int_equal(scalar(f->db, "SELECT count(*) FROM rb_parent"), 2);
    assert_int_not_equal(db_exec(f->db, "INSERT INTO rb_child VALUES (12, 99)"), 0);
}

/* ---- statements ---- */

static void test_params_second_before_first(void **state)
{
    struct fixture *f = *state;
    struct db_stmt *st, *again;
    int rc;

    must_migrate(f);
    int64_t id = add_unit(f->db, "p-1", "Thôn Một", &rc);
    assert_int_equal(rc, 0);
    assert_true(id > 0);

    assert_int_equal(db_prepare(f->db, unit_name_sql, &st), 0);
    assert_int_equal(db_bind_cstr(st, 1, "p-1"), 0);
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_col_text(st, 0), "Thôn Một");
    assert_int_equal(db_col_len(st, 0), strlen("Thôn Một"));
    assert_int_equal(db_col_int(st, 1), 1700000000);
    assert_string_equal(db_column_name(st, 0), "name");
    assert_int_equal(db_column_count(st), 2);
    assert_int_equal(db_step(st), DB_DONE);
    db_reset(st);

    /* The cache hands back the same statement, reset, for the same text pointer. */
    assert_int_equal(db_prepare(f->db, unit_name_sql, &again), 0);
    assert_ptr_equal(st, again);
    db_bind_cstr(again, 1, "nobody");
    assert_int_equal(db_step(again), DB_DONE);
    db_reset(again);

    /* Unused parameters are ignored; unbound ones are NULL. */
    assert_int_equal(db_prepare(f->db, count_code_sql, &st), 0);
    assert_int_equal(db_bind_cstr(st, 5, "x"), 0);
    assert_int_equal(db_step(st), DB_ROW);
    assert_int_equal(db_col_int(st, 0), 0);
    db_reset(st);
}

static void test_returning_id(void **state)
{
    struct fixture *f = *state;
    int rc;

    must_migrate(f);
    int64_t a = add_unit(f->db, "r-1", "A", &rc);
    assert_int_equal(rc, 0);
    int64_t b = add_unit(f->db, "r-2", "B", &rc);
    assert_int_equal(rc, 0);
    assert_true(a > 0);
    assert_true(b > a);
    if (db_kind(f->db) == STORE_SQLITE)
        assert_int_equal(db_last_id(f->db), b);

    static const char upd[] = "UPDATE units SET name = $1 WHERE code LIKE $2";
    struct db_stmt *st;
    assert_int_equal(db_prepare(f->db, upd, &st), 0);
    db_bind_cstr(st, 1, "Z");
    db_bind_cstr(st, 2, "r-%");
    assert_int_equal(db_step(st), DB_DONE);
    assert_int_equal(db_changes(st), 2);
    db_reset(st);

    /* RETURNING id gives one row with the new id, and none when ON CONFLICT DO NOTHING kept
     * the old row (SQLite makes that row from last_insert_rowid, see store.h). A trigger that
     * inserts elsewhere does not change the id returned. */
    assert_int_equal(db_exec(f->db, "CREATE TABLE r_log (id INTEGER PRIMARY KEY, x BIGINT)"), 0);
    assert_int_equal(
        db_exec(f->db, db_kind(f->db) == STORE_SQLITE
                           ? "CREATE TABLE r_t (id INTEGER PRIMARY KEY, k TEXT UNIQUE)"
                           : "CREATE TABLE r_t (id BIGINT GENERATED BY DEFAULT AS IDENTITY "
                             "PRIMARY KEY, k TEXT UNIQUE)"),
        0);
    if (db_kind(f->db) == STORE_SQLITE)
        assert_int_equal(db_exec(f->db, "CREATE TRIGGER r_t_ai AFTER INSERT ON r_t BEGIN "
                                        "INSERT INTO r_log (x) VALUES (new.id + 1000); END"),
                         0);
    static const char ins[] =
        "INSERT INTO r_t (k) VALUES ($1) ON CONFLICT (k) DO NOTHING RETURNING id";
    int64_t ids[2];
    for (int i = 0; i < 2; i++) {
        assert_int_equal(db_prepare(f->db, ins, &st), 0);
        db_bind_cstr(st, 1, i ? "b" : "a");
        assert_int_equal(db_step(st), DB_ROW);
        assert_int_equal(db_column_count(st), 1);
        ids[i] = db_col_int(st, 0);
        assert_int_equal(db_step(st), DB_DONE);
        db_reset(st);
    }
    assert_true(ids[0] > 0 && ids[1] == ids[0] + 1);
    assert_int_equal(db_prepare(f->db, ins, &st), 0);
    db_bind_cstr(st, 1, "a");
    assert_int_equal(db_step(st), DB_DONE); /* taken: no row */
    db_reset(st);
}

static void test_rows_json_types(void **state)
{
    struct fixture *f = *state;
    static const char sql[] = "SELECT id, code, parent_id, 1.5 AS ratio, (1 = 1) AS yes, "
                              "(SELECT count(*) FROM units WHERE code = $1) AS n, "
                              "(SELECT sum(created_at) FROM units WHERE code = $1) AS total "
                              "FROM units WHERE code = $1";
    struct db_stmt *st;
    json_t *rows = NULL;
    int rc;

    must_migrate(f);
    int64_t id = add_unit(f->db, "j-1", "Tổ dân phố 3", &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(db_prepare(f->db, sql, &st), 0);
    db_bind_cstr(st, 1, "j-1");
    assert_int_equal(db_rows_json(st, &rows), 0);
    assert_int_equal(json_array_size(rows), 1);
    json_t *r = json_array_get(rows, 0);
    assert_true(json_is_integer(json_object_get(r, "id")));
    assert_int_equal(json_integer_value(json_object_get(r, "id")), id);
    assert_string_equal(json_string_value(json_object_get(r, "code")), "j-1");
    assert_true(json_is_null(json_object_get(r, "parent_id")));
    assert_true(json_is_real(json_object_get(r, "ratio")));
    assert_true(json_real_value(json_object_get(r, "ratio")) == 1.5);
    assert_true(json_is_integer(json_object_get(r, "yes")));
    assert_int_equal(json_integer_value(json_object_get(r, "yes")), 1);
    assert_true(json_is_integer(json_object_get(r, "n")));
    assert_int_equal(json_integer_value(json_object_get(r, "n")), 1);
    assert_true(json_is_integer(json_object_get(r, "total")));
    assert_int_equal(json_integer_value(json_object_get(r, "total")), 1700000000);
    json_decref(rows);

    /* No rows: an empty array, and the statement is reusable. */
    assert_int_equal(db_prepare(f->db, sql, &st), 0);
    db_bind_cstr(st, 1, "none");
    assert_int_equal(db_rows_json(st, &rows), 0);
    assert_int_equal(json_array_size(rows), 0);
    json_decref(rows);
}

static void test_blob_round_trip(void **state)
{
    struct fixture *f = *state;
    static const unsigned char bytes[] = {0x00, 0xff, 0x10, 0x00, 'a', 0x80};
    static const char ins[] = "INSERT INTO t_blob (b) VALUES ($1)";
    static const char sel[] = "SELECT b FROM t_blob";
    struct db_stmt *st;
    size_t len = 0;

    assert_int_equal(db_exec(f->db, "CREATE TEMP TABLE t_blob (b BYTEA)"), 0);
    assert_int_equal(db_prepare(f->db, ins, &st), 0);
    db_bind_blob(st, 1, bytes, sizeof bytes);
    assert_int_equal(db_step(st), DB_DONE);
    db_reset(st);
    assert_int_equal(db_prepare(f->db, sel, &st), 0);
    assert_int_equal(db_step(st), DB_ROW);
    const void *p = db_col_blob(st, 0, &len);
    assert_int_equal(len, sizeof bytes);
    assert_memory_equal(p, bytes, sizeof bytes);
    db_reset(st);
    json_t *rows;
    assert_int_equal(db_prepare(f->db, sel, &st), 0);
    assert_int_equal(db_rows_json(st, &rows), 0);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "b")),
                        "00ff10006180");
    json_decref(rows);
    assert_int_equal(db_exec(f->db, "DROP TABLE t_blob"), 0);
}

static void test_transactions_and_errors(void **state)
{
    struct fixture *f = *state;
    int rc;

    must_migrate(f);
    assert_int_equal(db_begin(f->db), 0);
    add_unit(f->db, "t-gone", "X", &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(count_code(f->db, count_code_sql, "t-gone"), 1);
    assert_int_equal(db_rollback(f->db), 0);
    assert_int_equal(count_code(f->db, count_code_sql, "t-gone"), 0);

    assert_int_equal(db_begin(f->db), 0);
    add_unit(f->db, "t-kept", "X", &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(db_commit(f->db), 0);
    assert_int_equal(count_code(f->db, count_code_sql, "t-kept"), 1);

    /* A duplicate key is a conflict; a CHECK violation is invalid input. */
    add_unit(f->db, "t-kept", "X", &rc);
    assert_int_equal(rc, ERR_CONFLICT);
    assert_true(strlen(db_errmsg(f->db)) > 0);
    struct db_stmt *st;
    static const char bad_kind[] = "INSERT INTO units (name, code, kind, name_fold, created_at) "
                                   "VALUES ('a', 't-bad', 'planet', 'a', 0)";
    assert_int_equal(db_prepare(f->db, bad_kind, &st), 0);
    assert_int_equal(db_step(st), ERR_INVALID);
    db_reset(st);
    /* Rolling back with nothing open is harmless. */
    assert_int_equal(db_rollback(f->db), 0);
}

/* ---- write queue ---- */

/* One queued insert of the many-threads test. */
struct wq_item {
    struct write_job job;    /* queued */
    char code[32];           /* unit code it inserts */
    int done_calls;          /* how often done() ran */
    int visible_at_done;     /* the row was committed when done() ran */
    int rc;                  /* rc passed to done() */
    struct wq_thread *owner; /* to signal */
};

/* One submitting thread. */
struct wq_thread {
    struct fixture *f;        /* store */
    struct db *checker;       /* used by done() on the writer thread only */
    int index;                /* thread number */
    struct wq_item items[50]; /* its jobs */
    pthread_mutex_t mu;       /* guards n_done */
    pthread_cond_t cv;        /* signalled per done() */
    int n_done;               /* done() calls seen */
    int sync_failures;        /* store_write_sync() results that were not 0 */
};

static int insert_code_job(struct db *db, void *arg)
{
    int rc;
    add_unit(db, arg, "wq", &rc);
    return rc;
}

static int item_run(struct db *db, void *arg)
{
    struct wq_item *it = arg;
    return insert_code_job(db, it->code);
}

static void item_done(void *arg, int rc)
{
    struct wq_item *it = arg;
    struct wq_thread *t = it->owner;
    it->done_calls++;
    it->rc = rc;
    /* A connection other than the writer's sees only committed rows. */
    it->visible_at_done = count_code(t->checker, count_code_sql, it->code) == 1;
    pthread_mutex_lock(&t->mu);
    t->n_done++;
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
}

static void *wq_thread_main(void *arg)
{
    struct wq_thread *t = arg;
    if (t->index % 2 == 0) {
        for (int j = 0; j < 50; j++) {
            struct wq_item *it = &t->items[j];
            it->job.run = item_run;
            it->job.done = item_done;
            it->job.arg = it;
            if (store_write_submit(t->f->s, &it->job) != 0)
                t->sync_failures++;
        }
        pthread_mutex_lock(&t->mu);
        while (t->n_done < 50 - t->sync_failures)
            pthread_cond_wait(&t->cv, &t->mu);
        pthread_mutex_unlock(&t->mu);
    } else {
        for (int j = 0; j < 50; j++) {
            struct wq_item *it = &t->items[j];
            it->rc = store_write_sync(t->f->s, insert_code_job, it->code);
            it->done_calls = 1;
            it->visible_at_done = 1;
            if (it->rc != 0)
                t->sync_failures++;
        }
    }
    return NULL;
}

static void test_writeq_64_threads(void **state)
{
    struct fixture *f = *state;
    enum { THREADS = 64 };
    struct wq_thread *ts = calloc(THREADS, sizeof *ts);
    pthread_t tid[THREADS];
    struct db *checker = NULL;
    struct store_stats before, after;

    assert_non_null(ts);
    must_migrate(f);
    assert_int_equal(store_connect(f->s, &checker), 0);
    assert_int_equal(store_write_start(f->s), 0);
    store_stats(f->s, &before);
    for (int i = 0; i < THREADS; i++) {
        ts[i].f = f;
        ts[i].checker = checker;
        ts[i].index = i;
        pthread_mutex_init(&ts[i].mu, NULL);
        pthread_cond_init(&ts[i].cv, NULL);
        for (int j = 0; j < 50; j++) {
            snprintf(ts[i].items[j].code, sizeof ts[i].items[j].code, "wq-%d-%d", i, j);
            ts[i].items[j].owner = &ts[i];
        }
    }
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&tid[i], NULL, wq_thread_main, &ts[i]), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(tid[i], NULL);
    store_stats(f->s, &after);

    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(ts[i].sync_failures, 0);
        for (int j = 0; j < 50; j++) {
            assert_int_equal(ts[i].items[j].done_calls, 1);
            assert_int_equal(ts[i].items[j].rc, 0);
            assert_true(ts[i].items[j].visible_at_done);
        }
        pthread_mutex_destroy(&ts[i].mu);
        pthread_cond_destroy(&ts[i].cv);
    }
    assert_int_equal(count_code(f->db, count_like_sql, "wq-%"), THREADS * 50);
    assert_int_equal(after.jobs - before.jobs, THREADS * 50);
    assert_int_equal(after.job_errors - before.job_errors, 0);
    /* Group commit: far fewer transactions than jobs. */
    assert_true(after.batches - before.batches < (uint64_t)THREADS * 50);
    print_message("[ INFO     ] %s: %d jobs in %llu batches\n", f->engine, THREADS * 50,
                  (unsigned long long)(after.batches - before.batches));
    store_write_stop(f->s);
    db_close(checker);
    free(ts);
}

/* A job that holds the writer until the test lets it go, so the next jobs share a batch. */
struct gate {
    pthread_mutex_t mu; /* guards the flags */
    pthread_cond_t cv;  /* signalled on each change */
    int entered;        /* the writer is inside the gate job */
    int open;           /* the test let it go */
};

static int gate_run(struct db *db, void *arg)
{
    struct gate *g = arg;
    (void)db;
    pthread_mutex_lock(&g->mu);
    g->entered = 1;
    pthread_cond_broadcast(&g->cv);
    while (!g->open)
        pthread_cond_wait(&g->cv, &g->mu);
    pthread_mutex_unlock(&g->mu);
    return 0;
}

/* A job of the batch tests and its answer. */
struct batch_job {
    struct write_job job; /* queued */
    const char *code;     /* unit code to insert */
    int twice;            /* insert it twice: fails with a conflict */
    int deferred_bad;     /* insert a row breaking a deferred foreign key */
    int runs;             /* run() calls (on the writer thread, read after done()) */
    int rc;               /* result given to done() */
    int calls;            /* done() calls */
    pthread_mutex_t *mu;  /* guards calls and rc */
    pthread_cond_t *cv;   /* signalled by done() */
};

static int batch_run(struct db *db, void *arg)
{
    struct batch_job *b = arg;
    int rc;
    b->runs++;
    add_unit(db, b->code, "batch", &rc);
    if (rc == 0 && b->twice)
        add_unit(db, b->code, "batch", &rc);
    if (rc == 0 && b->deferred_bad)
        rc = db_exec(db, "INSERT INTO wq_deferred (unit_id) VALUES (987654321)");
    return rc;
}

static void batch_done(void *arg, int rc)
{
    struct batch_job *b = arg;
    pthread_mutex_lock(b->mu);
    b->rc = rc;
    b->calls++;
    pthread_cond_broadcast(b->cv);
    pthread_mutex_unlock(b->mu);
}

/* Runs jobs[0..n) as one batch behind a gate; returns the number of batches committed. */
static uint64_t run_one_batch(struct fixture *f, struct batch_job *jobs, int n)
{
    struct gate g = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};
    struct write_job gate_job = {gate_run, NULL, &g, 0, NULL};
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
    struct store_stats before, after;

    store_stats(f->s, &before);
    assert_int_equal(store_write_submit(f->s, &gate_job), 0);
    pthread_mutex_lock(&g.mu);
    while (!g.entered)
        pthread_cond_wait(&g.cv, &g.mu);
    pthread_mutex_unlock(&g.mu);
    for (int i = 0; i < n; i++) {
        jobs[i].job.run = batch_run;
        jobs[i].job.done = batch_done;
        jobs[i].job.arg = &jobs[i];
        jobs[i].mu = &mu;
        jobs[i].cv = &cv;
        assert_int_equal(store_write_submit(f->s, &jobs[i].job), 0);
    }
    pthread_mutex_lock(&g.mu);
    g.open = 1;
    pthread_cond_broadcast(&g.cv);
    pthread_mutex_unlock(&g.mu);
    pthread_mutex_lock(&mu);
    for (int i = 0; i < n; i++)
        while (jobs[i].calls == 0)
            pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    store_stats(f->s, &after);
    for (int i = 0; i < n; i++)
        assert_int_equal(jobs[i].calls, 1);
    return after.batches - before.batches;
}

static void test_writeq_failing_job_spares_its_batch(void **state)
{
    struct fixture *f = *state;
    struct batch_job jobs[3] = {
        {.code = "fb-a"},
        {.code = "fb-b", .twice = 1},
        {.code = "fb-c"},
    };

    must_migrate(f);
    assert_int_equal(store_write_start(f->s), 0);
    /* The gate's batch, then one batch holding all three. */
    assert_int_equal(run_one_batch(f, jobs, 3), 2);
    assert_int_equal(jobs[0].rc, 0);
    assert_int_equal(jobs[1].rc, ERR_CONFLICT);
    assert_int_equal(jobs[2].rc, 0);
    assert_int_equal(count_code(f->db, count_code_sql, "fb-a"), 1);
    assert_int_equal(count_code(f->db, count_code_sql, "fb-b"), 0);
    assert_int_equal(count_code(f->db, count_code_sql, "fb-c"), 1);
    /* The batch ran without savepoints until the failing job, then again with one per job. */
    assert_int_equal(jobs[0].runs, 2);
    assert_int_equal(jobs[1].runs, 2);
    assert_int_equal(jobs[2].runs, 1);
    store_write_stop(f->s);
    /* Stopped: new jobs are refused, not lost. */
    assert_int_equal(store_write_sync(f->s, insert_code_job, "fb-late"), ERR_UNAVAILABLE);
}

/* A batch whose jobs all succeed runs each of them once, in one transaction. */
static void test_writeq_good_batch_runs_each_job_once(void **state)
{
    struct fixture *f = *state;
    struct batch_job jobs[4] = {
        {.code = "ok-a"}, {.code = "ok-b"}, {.code = "ok-c"}, {.code = "ok-d"}};

    must_migrate(f);
    assert_int_equal(store_write_start(f->s), 0);
    assert_int_equal(run_one_batch(f, jobs, 4), 2);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(jobs[i].rc, 0);
        assert_int_equal(jobs[i].runs, 1);
        assert_int_equal(count_code(f->db, count_code_sql, jobs[i].code), 1);
    }
    /* A batch of one failing job is rolled back without a second run. */
    struct batch_job alone[1] = {{.code = "ok-alone", .twice = 1}};
    run_one_batch(f, alone, 1);
    assert_int_equal(alone[0].rc, ERR_CONFLICT);
    assert_int_equal(alone[0].runs, 1);
    assert_int_equal(count_code(f->db, count_code_sql, "ok-alone"), 0);
    store_write_stop(f->s);
}

static void test_writeq_failed_commit_fails_every_job(void **state)
{
    struct fixture *f = *state;
    struct batch_job jobs[2] = {
        {.code = "fc-innocent"},
        {.code = "fc-guilty", .deferred_bad = 1},
    };

    must_migrate(f);
    /* The foreign key is checked only at COMMIT, which therefore fails for the whole batch. */
    assert_int_equal(db_exec(f->db, "CREATE TABLE wq_deferred (unit_id BIGINT REFERENCES "
                                    "units(id) DEFERRABLE INITIALLY DEFERRED)"),
                     0);
    assert_int_equal(store_write_start(f->s), 0);
    run_one_batch(f, jobs, 2);
    assert_int_equal(jobs[0].rc, ERR_DB);
    assert_int_equal(jobs[1].rc, ERR_DB);
    assert_int_equal(count_code(f->db, count_code_sql, "fc-innocent"), 0);
    /* The writer goes on with the next batch. */
    assert_int_equal(store_write_sync(f->s, insert_code_job, "fc-after"), 0);
    assert_int_equal(count_code(f->db, count_code_sql, "fc-after"), 1);
    store_write_stop(f->s);
}

/* ---- search ---- */

static void expect_refs(struct db *db, int64_t unit, const char *kind, const char *q,
                        const int64_t *refs, size_t n)
{
    json_t *res = NULL;
    int rc = store_search(db, unit, kind, q, 20, &res);
    if (rc != 0)
        fail_msg("search \"%s\": %s", q, db_errmsg(db));
    if (json_array_size(res) != n) {
        char *dump = json_dumps(res, 0);
        fail_msg("search \"%s\": %zu results, expected %zu: %s", q, json_array_size(res), n, dump);
    }
    for (size_t i = 0; i < n; i++) {
        int found = 0;
        for (size_t j = 0; j < n; j++)
            found |=
                json_integer_value(json_object_get(json_array_get(res, j), "ref_id")) == refs[i];
        if (!found)
            fail_msg("search \"%s\": ref %lld missing", q, (long long)refs[i]);
    }
    json_decref(res);
}

static void test_search_folds_case_tones_and_d(void **state)
{
    struct fixture *f = *state;
    int rc;

    must_migrate(f);
    int64_t u1 = add_unit(f->db, "s-1", "Xã Một", &rc);
    assert_int_equal(rc, 0);
    int64_t u2 = add_unit(f->db, "s-2", "Xã Hai", &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(store_search_put(f->db, u1, "disclosure", 1, "Họp bàn DÂN CHỦ ở cơ sở",
                                      "Biên bản cuộc họp. Ông Đặng Văn An phát biểu về việc "
                                      "làm đường, thủy lợi và các khoản đóng góp."),
                     0);
    assert_int_equal(store_search_put(f->db, u1, "feedback", 2, "Đường làng hỏng",
                                      "Xin sửa đoạn đường trước nhà văn hóa."),
                     0);
    assert_int_equal(store_search_put(f->db, u2, "disclosure", 3, "Quy chế dân chủ thôn", ""), 0);

    const int64_t both[] = {1, 3}, one[] = {1}, two[] = {2}, three[] = {3};
    const char *same[] = {"dan chu",       "dân chủ",
                          "DÂN CHỦ",       "Dân Chủ",
                          "  dân   chủ! ", "da\xcc\x82n chu\xcc\x89" /* decomposed (NFD) */};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        expect_refs(f->db, 0, NULL, same[i], both, 2);
    expect_refs(f->db, 0, NULL, "chủ dân", both, 2);       /* any order */
    expect_refs(f->db, u1, NULL, "dan chu", one, 1);       /* one unit */
    expect_refs(f->db, 0, "feedback", "dan chu", NULL, 0); /* one kind */
    expect_refs(f->db, 0, "disclosure", "DAN CHU", both, 2);
    expect_refs(f->db, 0, NULL, "dang", one, 1); /* Đặng by dang */
    expect_refs(f->db, 0, NULL, "Đặng", one, 1);
    expect_refs(f->db, 0, NULL, "duong", (const int64_t[]){1, 2}, 2); /* đường */
    expect_refs(f->db, 0, NULL, "dan xyz", NULL, 0);                  /* every word required */
    expect_refs(f->db, 0, NULL, "da", both, 2);    /* words by their beginning: dân, Đặng */
    expect_refs(f->db, 0, NULL, "thu", one, 1);    /* thủy, not thôn */
    expect_refs(f->db, 0, NULL, "ang", NULL, 0);   /* a word's middle does not match */
    expect_refs(f->db, 0, NULL, "d chu", both, 2); /* every word may be a beginning */
    expect_refs(f->db, 0, NULL, "", NULL, 0);
    expect_refs(f->db, 0, NULL, "AND OR NOT \" *", NULL, 0); /* no query syntax leaks */

    /* The snippet is the body's own text around the match. */
    json_t *res = NULL;
    assert_int_equal(store_search(f->db, 0, NULL, "dang", 5, &res), 0);
    json_t *hit = json_array_get(res, 0);
    assert_string_equal(json_string_value(json_object_get(hit, "kind")), "disclosure");
    assert_string_equal(json_string_value(json_object_get(hit, "title")),
                        "Họp bàn DÂN CHỦ ở cơ sở");
    assert_non_null(strstr(json_string_value(json_object_get(hit, "snippet")), "Đặng Văn An"));
    json_decref(res);

    /* Putting again replaces; dropping removes. */
    assert_int_equal(store_search_put(f->db, u1, "disclosure", 1, "Họp thôn", "Không có gì"), 0);
    expect_refs(f->db, 0, NULL, "dan chu", three, 1);
    expect_refs(f->db, 0, NULL, "khong", one, 1);
    assert_int_equal(store_search_drop(f->db, "disclosure", 3), 0);
    expect_refs(f->db, 0, NULL, "dan chu", NULL, 0);
    expect_refs(f->db, 0, NULL, "duong lang", two, 1);
}

/* PostgreSQL only: danchu_fold() in SQL folds as utf8_fold() does in C. */
static void test_search_sql_fold_matches_c_fold(void **state)
{
    struct fixture *f = *state;
    struct db_stmt *st;
    static const char sql[] = "SELECT danchu_fold($1)";
    const char *in = "ĐẶNG Dân Chủ Ứng Thủy";
    struct arena *a = arena_new(0);
    size_t n;

    must_migrate(f);
    assert_int_equal(db_prepare(f->db, sql, &st), 0);
    db_bind_cstr(st, 1, in);
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_col_text(st, 0), utf8_fold(a, in, strlen(in), &n));
    db_reset(st);
    arena_free(a);
}

/* PostgreSQL only: a connection the server dropped comes back, statements and all. */
static void test_pg_connection_comes_back(void **state)
{
    struct fixture *f = *state;
    struct db *other = NULL;
    struct db_stmt *st;
    static const char kill_sql[] = "SELECT pg_terminate_backend($1)";
    int rc;

    must_migrate(f);
    int64_t pid = scalar(f->db, "SELECT pg_backend_pid()");
    assert_true(pid > 0);
    assert_int_equal(store_connect(f->s, &other), 0);
    assert_int_equal(db_prepare(other, kill_sql, &st), 0);
    db_bind_int(st, 1, pid);
    assert_int_equal(db_step(st), DB_ROW);
    db_reset(st);
    db_close(other);
    /* The first statement learns of the loss; the next ones run on a new session. */
    assert_int_equal(db_prepare(f->db, count_code_sql, &st), 0);
    db_bind_cstr(st, 1, "p-1");
    rc = db_step(st);
    db_reset(st);
    assert_true(rc == DB_ROW || rc == ERR_UNAVAILABLE);
    assert_int_equal(count_code(f->db, count_code_sql, "p-1"), 1);
    assert_int_not_equal(scalar(f->db, "SELECT pg_backend_pid()"), pid);
}

/* ---- backup ---- */

static void test_backup_is_readable(void **state)
{
    struct fixture *f = *state;
    char path[512], err[512] = "", url[600];
    struct store *copy = NULL;
    struct db *cdb = NULL;
    int rc;

    must_migrate(f);
    add_unit(f->db, "b-1", "Thôn Sao Lưu", &rc);
    assert_int_equal(rc, 0);
    int64_t n = scalar(f->db, "SELECT count(*) FROM units");
    if (db_kind(f->db) == STORE_SQLITE) {
        snprintf(path, sizeof path, "%s/backup.db", f->dir);
        rc = store_backup(f->s, path, err, sizeof err);
        if (rc != 0)
            fail_msg("backup: %s", err);
        snprintf(url, sizeof url, "sqlite:%s", path);
        assert_int_equal(store_open(url, &copy, err, sizeof err), 0);
        assert_int_equal(store_connect(copy, &cdb), 0);
        assert_int_equal(scalar(cdb, "SELECT count(*) FROM units"), n);
        assert_int_equal(count_code(cdb, count_code_sql, "b-1"), 1);
        int applied = -1;
        assert_int_equal(store_migrate(copy, &applied, err, sizeof err), 0);
        assert_int_equal(applied, 0);
        db_close(cdb);
        store_close(copy);
    } else {
        char tmpl[] = "/tmp/danchu-dump-XXXXXX";
        int fd = mkstemp(tmpl);
        assert_true(fd >= 0);
        close(fd);
        rc = store_backup(f->s, tmpl, err, sizeof err);
        if (rc != 0) {
            unlink(tmpl);
            fail_msg("backup: %s", err);
        }
        FILE *fp = fopen(tmpl, "r");
        assert_non_null(fp);
        char line[1024];
        int saw_table = 0, saw_row = 0;
        while (fgets(line, sizeof line, fp)) {
            saw_table |= strstr(line, "CREATE TABLE public.units") != NULL;
            saw_row |= strstr(line, "Thôn Sao Lưu") != NULL;
        }
        fclose(fp);
        unlink(tmpl);
        assert_true(saw_table);
        assert_true(saw_row);
    }
}

/* ---- fixtures ---- */

static int setup_common(struct fixture *f)
{
    char err[512] = "";
    if (store_open(f->url, &f->s, err, sizeof err) != 0) {
        fprintf(stderr, "store_open %s: %s\n", f->engine, err);
        return -1;
    }
    if (store_connect(f->s, &f->db) != 0) {
        fprintf(stderr, "store_connect %s: %s\n", f->engine, db_errmsg(f->db));
        return -1;
    }
    return 0;
}

static int setup_sqlite(void **state)
{
    static struct fixture f = {.engine = "sqlite"};
    snprintf(f.dir, sizeof f.dir, "/tmp/danchu-store-XXXXXX");
    if (!mkdtemp(f.dir))
        return -1;
    snprintf(f.url, sizeof f.url, "sqlite:%s/test.db", f.dir);
    *state = &f;
    return setup_common(&f);
}

static int setup_postgres(void **state)
{
    static struct fixture f = {.engine = "postgres"};
    struct store *s = NULL;
    struct db *db = NULL;
    char err[512] = "";
    snprintf(f.url, sizeof f.url, "%s", getenv("DANCHU_TEST_PG_URL"));
    *state = &f;
    /* Start from an empty database, so that "migrations apply to an empty db" is true. */
    if (store_open(f.url, &s, err, sizeof err) != 0 || store_connect(s, &db) != 0 ||
        db_exec(db, "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public") != 0) {
        fprintf(stderr, "postgres reset: %s %s\n", err, db ? db_errmsg(db) : "");
        db_close(db);
        store_close(s);
        return -1;
    }
    db_close(db);
    store_close(s);
    return setup_common(&f);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    db_close(f->db);
    store_close(f->s);
    if (f->dir[0])
        nftw(f->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrations_apply_once),
        cmocka_unit_test(test_migrations_dialects_and_failure),
        cmocka_unit_test(test_migrations_table_rebuild),
        cmocka_unit_test(test_params_second_before_first),
        cmocka_unit_test(test_returning_id),
        cmocka_unit_test(test_rows_json_types),
        cmocka_unit_test(test_blob_round_trip),
        cmocka_unit_test(test_transactions_and_errors),
        cmocka_unit_test(test_writeq_64_threads),
        cmocka_unit_test(test_writeq_failing_job_spares_its_batch),
        cmocka_unit_test(test_writeq_good_batch_runs_each_job_once),
        cmocka_unit_test(test_writeq_failed_commit_fails_every_job),
        cmocka_unit_test(test_search_folds_case_tones_and_d),
        cmocka_unit_test(test_backup_is_readable),
    };
    /* The same cases, plus what only PostgreSQL has. */
    const struct CMUnitTest pg_tests[] = {
        cmocka_unit_test(test_migrations_apply_once),
        cmocka_unit_test(test_migrations_dialects_and_failure),
        cmocka_unit_test(test_params_second_before_first),
        cmocka_unit_test(test_returning_id),
        cmocka_unit_test(test_rows_json_types),
        cmocka_unit_test(test_blob_round_trip),
        cmocka_unit_test(test_transactions_and_errors),
        cmocka_unit_test(test_writeq_64_threads),
        cmocka_unit_test(test_writeq_failing_job_spares_its_batch),
        cmocka_unit_test(test_writeq_good_batch_runs_each_job_once),
        cmocka_unit_test(test_writeq_failed_commit_fails_every_job),
        cmocka_unit_test(test_search_folds_case_tones_and_d),
        cmocka_unit_test(test_search_sql_fold_matches_c_fold),
        cmocka_unit_test(test_pg_connection_comes_back),
        cmocka_unit_test(test_backup_is_readable),
    };
    int failed = cmocka_run_group_tests_name("store_sqlite", tests, setup_sqlite, teardown);
    if (getenv("DANCHU_TEST_PG_URL") && *getenv("DANCHU_TEST_PG_URL"))
        failed += cmocka_run_group_tests_name("store_postgres", pg_tests, setup_postgres, teardown);
    else
        printf("postgres cases skipped: no DANCHU_TEST_PG_URL "
               "(run: scripts/with-postgres.sh build/tests/store_test)\n");
    return failed ? 1 : 0;
}

/*
 * store.h - the one database interface, with SQLite and PostgreSQL back ends.
 *
 * SQL is written once with $1, $2 ... parameters; both engines accept it
 * (SQLite binds "$1" as a named parameter). Where the dialects must differ,
 * a module passes both texts to db_prepare2().
 *
 * A struct store is the opened database (shared, thread-safe). Each thread
 * takes its own struct db connection from it with store_connect(); a
 * connection caches its prepared statements by SQL text pointer, so the SQL
 * must be a static const string.
 *
 * Writes from HTTP handlers go through the write queue (store_write_submit):
 * one writer thread groups the jobs that arrive together into one
 * transaction and calls each job's done callback only after COMMIT is
 * durable (WAL + synchronous=FULL on SQLite; synchronous_commit on on PG).
 */
#ifndef DANCHU_STORE_H
#define DANCHU_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/core.h"

enum store_kind { STORE_SQLITE = 1, STORE_POSTGRES = 2 };

struct store;
struct db;
struct db_stmt;

/* Opens url ("sqlite:PATH" or "postgres://..."). Returns 0 and an owned store, or an error. */
int store_open(const char *url, struct store **out, char *err, size_t err_len);
void store_close(struct store *s);
enum store_kind store_kind(const struct store *s);

/* A new connection for the calling thread; free with db_close(). */
int store_connect(struct store *s, struct db **out);
void db_close(struct db *db);
/* The store a connection came from (to open another one, for a long stream). */
struct store *db_store(struct db *db);
enum store_kind db_kind(const struct db *db);
/*
 * Per-connection caches for modules (a connection belongs to one thread: no locks). A module
 * keys its memory by the address of one of its static objects; the connection frees it with
 * free_fn when it closes. The epoch is bumped (db_epoch_bump) each time the HTTP layer hands
 * the connection to a request, so a cache revalidates at most once per request; it is 0 for a
 * connection that never served one (command line, writer thread): there, caches must not be
 * trusted at all.
 */
void db_epoch_bump(struct db *db);
unsigned db_epoch(const struct db *db);
/* The version of cache `name` (a row of cache_versions, bumped by triggers whenever what the
 * cache covers changes: migration 0009), read once per request for every cache at once. A
 * cache built at an older version must be rebuilt. ERR_UNAVAILABLE outside a request (epoch 0),
 * ERR_NOT_FOUND for an unknown name, or a database error. */
int db_cache_version(struct db *db, const char *name, int64_t *out);
void *db_memo(struct db *db, const void *key);
void db_memo_put(struct db *db, const void *key, void *p, void (*free_fn)(void *));

/* Last error message of this connection (English, for logs). */
const char *db_errmsg(const struct db *db);

/* Applies embedded db/migrations/NNNN_*.sql not yet in schema_migrations, each in one
 * transaction. *applied gets how many ran (may be NULL). */
int store_migrate(struct store *s, int *applied, char *err, size_t err_len);

/* Runs a static statement without parameters or results (sql must be a static string: it is
 * prepared once per connection on SQLite, like db_prepare()). For BEGIN, SAVEPOINT and such,
 * run many times a second. */
int db_exec_static(struct db *db, const char *sql);
int db_begin(struct db *db); /* BEGIN (IMMEDIATE on SQLite) */
int db_commit(struct db *db);
int db_rollback(struct db *db);
/* Runs SQL without parameters or results (may hold several statements). On SQLite it is
 * parsed every time: use db_prepare() for anything run often. */
int db_exec(struct db *db, const char *sql);

/*
 * Prepared statement, cached per connection by the sql pointer. Bind, step,
 * read columns, then db_reset() (also clears bindings). Parameter indexes are
 * 1-based ($1 is 1); column indexes are 0-based. Binding a parameter the text
 * does not use is ignored. Errors: ERR_CONFLICT for a unique key, ERR_INVALID
 * for another constraint, ERR_UNAVAILABLE when busy or disconnected, else ERR_DB.
 */
int db_prepare(struct db *db, const char *sql, struct db_stmt **out);
/* Same, with a separate PostgreSQL text when the dialects differ. */
int db_prepare2(struct db *db, const char *sqlite_sql, const char *pg_sql, struct db_stmt **out);
int db_bind_int(struct db_stmt *st, int idx, int64_t v);
int db_bind_text(struct db_stmt *st, int idx, const char *s, size_t len);
int db_bind_cstr(struct db_stmt *st, int idx, const char *s); /* NULL binds NULL */
int db_bind_null(struct db_stmt *st, int idx);
int db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t len);
/* A REAL / DOUBLE PRECISION value (sent as text, "%.9g"; both engines convert it). */
int db_bind_double(struct db_stmt *st, int idx, double v);
/* DB_ROW when a row is ready, DB_DONE when finished, or a negative error. */
#define DB_ROW 1
#define DB_DONE 0
int db_step(struct db_stmt *st);
int db_column_count(struct db_stmt *st);
const char *db_column_name(struct db_stmt *st, int col);
int db_col_is_null(struct db_stmt *st, int col);
int64_t db_col_int(struct db_stmt *st, int col);
/* A REAL / DOUBLE PRECISION column; 0 for NULL. */
double db_col_double(struct db_stmt *st, int col);
/* Borrowed until the next step or reset; "" for NULL. */
const char *db_col_text(struct db_stmt *st, int col);
size_t db_col_len(struct db_stmt *st, int col);
/* Blob bytes; PostgreSQL bytea arrives decoded. */
const void *db_col_blob(struct db_stmt *st, int col, size_t *len);
void db_reset(struct db_stmt *st);
/* Id of the row the last INSERT created (SQLite only: 0 on PostgreSQL, where callers use
 * INSERT ... RETURNING id, which both engines accept; on SQLite, a one-row INSERT ... VALUES
 * ending "RETURNING id" is run without RETURNING, which costs SQLite a temporary table each
 * time, and its row is made from the new rowid: read it with db_col_int(st, 0)). */
int64_t db_last_id(struct db *db);
/* Rows changed by the last statement. */
int64_t db_changes(struct db_stmt *st);

/* Runs a bound statement that returns no rows, then resets it: 0 (with *changes, may be NULL,
 * the rows it changed), ERR_INTERNAL if it returned a row, or the engine's error. */
int db_run(struct db_stmt *st, int64_t *changes);
/* Binds id, or NULL when id is 0 (an optional reference to another row). Returns db_bind_int's
 * or db_bind_null's result. */
int db_bind_id(struct db_stmt *st, int idx, int64_t id);
/* Runs a bound INSERT ... RETURNING id, then resets it: 0 with *id, ERR_INTERNAL when it
 * returned no row, or the engine's error. */
int db_insert_id(struct db_stmt *st, int64_t *id);
/* Runs a bound statement that returns at most one row of n integers (a COUNT, some SUMs), then
 * resets it: 0 with out[0..n) (zeros when it returned no row), or the engine's error. */
int db_ints(struct db_stmt *st, int64_t *out, size_t n);
/* Runs a bound statement and returns all rows as a table in arena a (core/rows.h), with room
 * for extra_cols computed columns after the statement's own; then resets the statement. The
 * fast way to a long list: no JSON object per row. Cells are typed as db_rows_json says. */
int db_rows(struct db_stmt *st, struct arena *a, size_t extra_cols, struct rows **out);
/* Runs a bound statement and returns all rows as a new JSON array of objects keyed by
 * column name (integers for integer columns, including PostgreSQL booleans as 0/1 and
 * integral numeric sums; reals for floats; blobs as hex strings; strings otherwise; null for
 * NULL), then resets the statement. */
int db_rows_json(struct db_stmt *st, json_t **out);

/*
 * The write queue. A job runs on the writer thread inside the batch's transaction
 * with the writer's connection; it returns 0 or an error (its own changes are
 * rolled back, others in the batch still commit). done() is called on the writer
 * thread after COMMIT returned (rc = the job's result, or ERR_DB if the commit
 * failed). Jobs are never lost once submitted unless the process dies before
 * done() ran - and then the client never got an answer.
 *
 * run() may be called more than once for one job: a batch runs without savepoints
 * and, when one of its jobs fails, is rolled back and run again with a savepoint per
 * job. So run() must depend only on its arg's inputs and the database, and set its
 * outputs afresh each time (never append to them), and do nothing outside the
 * database (messages go out from done() or `after`).
 */
struct write_job {
    int (*run)(struct db *db, void *arg); /* the write */
    void (*done)(void *arg, int rc);      /* after durable commit */
    void *arg;                            /* owned by the submitter */
    int rc;                               /* result of run, set by the queue */
    struct write_job *next;               /* queue link, owned by the queue */
};

int store_write_start(struct store *s);
/* Queues job; returns ERR_UNAVAILABLE when the queue is stopped. */
int store_write_submit(struct store *s, struct write_job *job);
/* Runs job synchronously through the queue and waits for its durable commit. */
int store_write_sync(struct store *s, int (*run)(struct db *, void *), void *arg);
/* Finishes every queued job, then stops the writer thread. */
void store_write_stop(struct store *s);
/* Counters for /metrics. */
struct store_stats {
    uint64_t batches;    /* transactions committed by the writer */
    uint64_t jobs;       /* jobs run */
    uint64_t job_errors; /* jobs that returned an error */
};
void store_stats(struct store *s, struct store_stats *out);

/*
 * Search. One index for every module: a document is (unit, kind, ref_id) with a title and a
 * body, e.g. ("disclosure", 42). Matching ignores case, tone marks and đ/d ("dan chu" finds
 * "DÂN CHỦ"); each query word matches the beginning of a word ("dau" finds "đầu tư"), every
 * word of the query required, in any order.
 */
/* Adds or replaces the document (kind, ref_id); call it inside the write that changes it. */
int store_search_put(struct db *db, int64_t unit_id, const char *kind, int64_t ref_id,
                     const char *title, const char *body);
/* Removes the document (kind, ref_id), if any. */
int store_search_drop(struct db *db, const char *kind, int64_t ref_id);
/* At most limit matches, newest first (most recently put), as a new array of {kind, ref_id, title,
 * snippet} (snippet: plain text of the body around the first match). unit_id 0 searches every unit
 * (no descendants: exactly that unit otherwise); kind NULL searches every kind. */
int store_search(struct db *db, int64_t unit_id, const char *kind, const char *query, int limit,
                 json_t **out);

/* Consistent online copy: SQLite backup API to path, or a plain-SQL dump (pg_dump) on PG. */
int store_backup(struct store *s, const char *path, char *err, size_t err_len);

#endif

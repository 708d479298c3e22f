/*
 * internal.h - private to src/store: the structs behind struct store, struct db
 * and struct db_stmt, and the calls between store.c (dispatch, statement
 * cache), sqlite.c, postgres.c, migrate.c, writeq.c and search.c.
 *
 * Nothing outside src/store includes this file (tests/unit/store_test.c does,
 * to feed migrate a broken file).
 */
#ifndef DANCHU_STORE_INTERNAL_H
#define DANCHU_STORE_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "store/store.h"

/* The write queue's state; lives inside struct store. */
struct writeq {
    pthread_mutex_t mu;       /* guards everything below */
    pthread_cond_t wake;      /* signalled when jobs arrive or stop is asked */
    pthread_t thread;         /* the writer thread, valid while running */
    struct write_job *head;   /* oldest queued job */
    struct write_job *tail;   /* newest queued job */
    size_t n_queued;          /* jobs in the list */
    int running;              /* the writer thread exists */
    int stopping;             /* store_write_stop() was called: drain, then exit */
    struct db *db;            /* the writer's own connection */
    struct store_stats stats; /* counters for /metrics */
};

struct store {
    enum store_kind kind; /* engine */
    char *target;         /* SQLite file path or PostgreSQL URL (owned) */
    struct writeq wq;     /* group-commit write queue */
};

struct db {
    struct store *s;        /* the store this connection belongs to */
    enum store_kind kind;   /* copy of s->kind */
    sqlite3 *lite;          /* SQLite connection, or NULL */
    PGconn *pg;             /* PostgreSQL connection, or NULL */
    unsigned pg_gen;        /* bumped whenever the PG session was reset */
    unsigned pg_names;      /* counter for generated statement names */
    struct db_stmt **slots; /* statement cache: open addressing by sql pointer */
    size_t n_slots;         /* capacity of slots (a power of two, or 0) */
    size_t n_stmts;         /* statements in slots */
    unsigned epoch;         /* bumped by db_epoch_bump(): 0 outside requests */
    struct db_memo {
        const void *key;          /* a module's static object (its address is the key) */
        void *p;                  /* the module's per-connection memory */
        void (*free_fn)(void *p); /* frees p with the connection */
    } memos[4];                   /* module caches kept with this connection */
    unsigned versions_epoch;      /* epoch the rows below were read in (0: never) */
    size_t n_versions;            /* rows of cache_versions read */
    struct {
        char name[16];   /* cache_versions.name */
        int64_t version; /* its version */
    } versions[8];       /* cache_versions as read in versions_epoch */
    char err[512];       /* last error message */
};

/* One bound PostgreSQL parameter. */
struct pg_param {
    char *buf;  /* owned bytes (NUL-terminated for text) */
    size_t cap; /* bytes allocated in buf */
    int len;    /* bytes used */
    int fmt;    /* 0 text, 1 binary */
    int set;    /* 0: NULL */
};

struct db_stmt {
    struct db *db;   /* owning connection */
    const char *key; /* the sql pointer the cache is keyed by */
    char *sql;       /* owned copy of the text, checked on cache hits */
    int64_t changes; /* rows changed by the last run */
    /* SQLite */
    sqlite3_stmt *lite; /* prepared statement */
    int *pmap;          /* pmap[N] = SQLite index of "$N", 0 when unused */
    int n_pmap;         /* entries in pmap (highest N + 1) */
    int lite_returning; /* "RETURNING id" was dropped: the row is made from the new rowid */
    int lite_row;       /* that row is current */
    int64_t lite_id;    /* its id */
    /* PostgreSQL */
    char name[24];           /* server-side statement name */
    unsigned gen;            /* db->pg_gen when prepared */
    int n_params;            /* parameters the server expects */
    struct pg_param *params; /* n_params bound values */
    const char **values;     /* scratch for PQexecPrepared */
    int *lengths;            /* scratch for PQexecPrepared */
    int *formats;            /* scratch for PQexecPrepared */
    PGresult *desc;          /* column names and types from PQdescribePrepared */
    PGresult *res;           /* result of the current run, or NULL */
    int row;                 /* current row in res */
    int n_rows;              /* rows in res */
    int executed;            /* res belongs to this run */
    unsigned char **blobs;   /* decoded bytea per column of the current row */
    size_t *blob_lens;       /* their lengths */
    int n_blobs;             /* entries in blobs */
};

/* Bound value kinds, shared by both back ends. */
enum bind_kind { BIND_NULL, BIND_INT, BIND_TEXT, BIND_BLOB };

/* Sets db->err from a printf format; returns code. */
int store_set_err(struct db *db, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* sqlite.c */
int store_lite_connect(struct db *db, const char *path);
void store_lite_disconnect(struct db *db);
int store_lite_prepare(struct db_stmt *st);
void store_lite_finalize(struct db_stmt *st);
int store_lite_bind(struct db_stmt *st, int idx, enum bind_kind k, int64_t i, const void *p,
                    size_t len);
int store_lite_step(struct db_stmt *st);
void store_lite_reset(struct db_stmt *st);
int store_lite_exec(struct db *db, const char *sql);
/* Fills out with column c of the current row; text is copied into t's arena. */
void store_lite_cell(struct db_stmt *st, int c, struct rows *t, struct rows_cell *out);
int store_lite_backup(struct store *s, const char *path, char *err, size_t err_len);

/* postgres.c */
int store_pg_connect(struct db *db, const char *url);
void store_pg_disconnect(struct db *db);
int store_pg_prepare(struct db_stmt *st);
void store_pg_finalize(struct db_stmt *st);
int store_pg_bind(struct db_stmt *st, int idx, enum bind_kind k, int64_t i, const void *p,
                  size_t len);
int store_pg_step(struct db_stmt *st);
void store_pg_reset(struct db_stmt *st);
int store_pg_exec(struct db *db, const char *sql);
int store_pg_commit(struct db *db);
int store_pg_column_count(struct db_stmt *st);
const char *store_pg_column_name(struct db_stmt *st, int col);
int store_pg_is_null(struct db_stmt *st, int col);
int64_t store_pg_col_int(struct db_stmt *st, int col);
const char *store_pg_col_text(struct db_stmt *st, int col);
size_t store_pg_col_len(struct db_stmt *st, int col);
const void *store_pg_col_blob(struct db_stmt *st, int col, size_t *len);
void store_pg_cell(struct db_stmt *st, int c, struct rows *t, struct rows_cell *out);
int store_pg_backup(struct store *s, const char *path, char *err, size_t err_len);

/* migrate.c: applies files (names like "db/migrations/0001_init.sql") in version order. */
int store_migrate_files(struct store *s, const struct embed_file *files, size_t n_files,
                        int *applied, char *err, size_t err_len);

/* writeq.c */
void store_writeq_init(struct writeq *q);
void store_writeq_destroy(struct writeq *q);

/* search.c: registers the "danchu" FTS5 tokenizer on a SQLite connection. */
int store_search_register(sqlite3 *lite);

#endif

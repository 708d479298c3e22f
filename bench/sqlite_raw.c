/*
 * sqlite_raw.c - the physical limit for durable single-row writes: one SQLite
 * connection committing one row per transaction (WAL, synchronous=FULL), as
 * fast as the disk allows, for a fixed time.
 *
 * bench/run.sh compares danchu's HTTP write rate with this figure, measured in
 * the same run on the same filesystem. The row is shaped like a household row
 * (two ids, a code unique per commune, an address, a status, timestamps) with
 * the same UNIQUE index, so each commit touches a similar number of pages.
 *
 * Usage: sqlite_raw DB_PATH SECONDS
 * Prints one line: "rows N seconds S rows_per_s R". The database file and its
 * WAL are removed first and left behind afterwards for inspection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

static const char schema[] = "PRAGMA journal_mode = WAL;"
                             "PRAGMA synchronous = FULL;"
                             "CREATE TABLE households ("
                             " id INTEGER PRIMARY KEY,"
                             " commune_id BIGINT NOT NULL,"
                             " village_id BIGINT NOT NULL,"
                             " code TEXT NOT NULL,"
                             " address TEXT NOT NULL DEFAULT '',"
                             " status TEXT NOT NULL DEFAULT 'active',"
                             " representative_id BIGINT,"
                             " created_at BIGINT NOT NULL,"
                             " updated_at BIGINT NOT NULL,"
                             " UNIQUE (commune_id, code));"
                             "CREATE INDEX households_village ON households(village_id, status);";

static const char sql_insert[] =
    "INSERT INTO households (commune_id, village_id, code, address, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?5)";

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_seconds(const char *s, double *out)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (!end || *end || v <= 0 || v > 600)
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    double seconds = 0;
    int rc = 1;
    if (argc != 3 || parse_seconds(argv[2], &seconds) != 0) {
        fprintf(stderr, "usage: sqlite_raw DB_PATH SECONDS\n");
        return 2;
    }
    const char *path = argv[1];
    char side[4096];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);

    if (sqlite3_open(path, &db) != SQLITE_OK || sqlite3_exec(db, schema, 0, 0, 0) != SQLITE_OK ||
        sqlite3_prepare_v2(db, sql_insert, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "sqlite_raw: %s\n", db ? sqlite3_errmsg(db) : "cannot open");
        goto out;
    }
    long rows = 0;
    double start = now_s(), end = start + seconds, t = start;
    while (t < end) {
        char code[32];
        snprintf(code, sizeof code, "R%07ld", rows);
        sqlite3_bind_int64(st, 1, 2);
        sqlite3_bind_int64(st, 2, 3);
        sqlite3_bind_text(st, 3, code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, "Số 12 đường Hùng Vương, Tổ dân phố số 1", -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, (sqlite3_int64)time(NULL));
        /* Autocommit: each step is its own durable transaction (fsync of the WAL). */
        if (sqlite3_step(st) != SQLITE_DONE) {
            fprintf(stderr, "sqlite_raw: insert: %s\n", sqlite3_errmsg(db));
            goto out;
        }
        sqlite3_reset(st);
        rows++;
        t = now_s();
    }
    double took = t - start;
    printf("rows %ld seconds %.3f rows_per_s %.1f\n", rows, took, (double)rows / took);
    rc = 0;
out:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc;
}

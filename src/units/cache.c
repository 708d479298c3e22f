/*
 * cache.c - the unit tree in memory, one copy per database connection.
 *
 * Every signed-in page asks for units several times: the page's own unit and its parent, the
 * ancestor chain that permissions are checked against, the account's home unit for the menu.
 * The tree changes a few times a year (a merger of communes, a renamed village), so each
 * connection keeps it whole and trusts it for the rest of a request once its row of
 * cache_versions says it is current (migration 0009: bumped by triggers on any change of code,
 * kind, name or parent; read once per request for every cache, db_cache_version). A change made by
 * another process or another server is seen by the next request.
 *
 * Only a connection serving requests (db_epoch() > 0) uses the cache: the command line and the
 * writer thread, which may change units themselves, always read the table.
 *
 * Memory: a struct unit (328 bytes) per unit; a province of 3,000 units keeps about 1 MB per
 * connection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units/internal.h"

static const char sql_all[] =
    "SELECT id, code, kind, name, COALESCE(parent_id, 0) FROM units ORDER BY id";

struct units_cache {
    int64_t version;             /* cache version the copy was read at (0: never read) */
    unsigned epoch;              /* db_epoch() when the version was last checked */
    struct unit *by_id;          /* every unit, ordered by id */
    size_t n;                    /* their count */
    const struct unit **by_code; /* the same units ordered by code */
};

/* The key of this module's memo on a connection: the address of this object. */
static const char cache_key;

static void cache_free(void *p)
{
    struct units_cache *c = p;
    if (!c)
        return;
    free(c->by_id);
    free(c->by_code);
    free(c);
}

static int by_code_cmp(const void *a, const void *b)
{
    const struct unit *const *x = a, *const *y = b;
    return strcmp((*x)->code, (*y)->code);
}

/* Reads the whole tree into c. */
static int reload(struct db *db, struct units_cache *c, int64_t version)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_all, &st);
    if (rc)
        return rc;
    struct unit *units = NULL;
    size_t n = 0, cap = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            struct unit *u = realloc(units, cap * sizeof *units);
            if (!u)
                abort();
            units = u;
        }
        struct unit *u = &units[n++];
        memset(u, 0, sizeof *u);
        u->id = db_col_int(st, 0);
        snprintf(u->code, sizeof u->code, "%s", db_col_text(st, 1));
        snprintf(u->kind, sizeof u->kind, "%s", db_col_text(st, 2));
        snprintf(u->name, sizeof u->name, "%s", db_col_text(st, 3));
        u->parent_id = db_col_int(st, 4);
    }
    db_reset(st);
    if (rc < 0) {
        free(units);
        return rc;
    }
    const struct unit **codes = malloc((n ? n : 1) * sizeof *codes);
    if (!codes)
        abort();
    for (size_t i = 0; i < n; i++)
        codes[i] = &units[i];
    qsort(codes, n, sizeof *codes, by_code_cmp);
    free(c->by_id);
    free(c->by_code);
    c->by_id = units;
    c->by_code = codes;
    c->n = n;
    c->version = version;
    return 0;
}

/* The connection's copy of the tree, checked against its cache version once per request; NULL
 * outside requests or on a database error (the caller then reads the table). */
static struct units_cache *cache_get(struct db *db)
{
    unsigned epoch = db_epoch(db);
    if (epoch == 0)
        return NULL;
    struct units_cache *c = db_memo(db, &cache_key);
    if (!c) {
        c = calloc(1, sizeof *c);
        if (!c)
            abort();
        db_memo_put(db, &cache_key, c, cache_free);
    }
    if (c->epoch == epoch && c->version)
        return c;
    int64_t version = 0;
    if (db_cache_version(db, "units", &version) != 0 || version <= 0)
        return NULL;
    if (version != c->version && reload(db, c, version) != 0) {
        c->version = 0;
        return NULL;
    }
    c->epoch = epoch;
    return c;
}

/* 1 when the cache answered (found or not: *rc says), 0 when the caller must read the table. */
int units_cache_by_code(struct db *db, const char *code, struct unit *out, int *rc)
{
    struct units_cache *c = cache_get(db);
    if (!c)
        return 0;
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(c->by_code[mid]->code, code);
        if (cmp == 0) {
            *out = *c->by_code[mid];
            *rc = 0;
            return 1;
        }
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *rc = ERR_NOT_FOUND;
    return 1;
}

int units_cache_by_id(struct db *db, int64_t id, struct unit *out, int *rc)
{
    struct units_cache *c = cache_get(db);
    if (!c)
        return 0;
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->by_id[mid].id == id) {
            *out = c->by_id[mid];
            *rc = 0;
            return 1;
        }
        if (c->by_id[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    *rc = ERR_NOT_FOUND;
    return 1;
}

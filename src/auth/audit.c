/*
 * audit.c - the hash-chained audit log ("danchu audit verify").
 *
 * Every state change writes one row. A row's hash covers the previous row's
 * hash and the row's own fields, so changing, deleting or reordering rows by
 * hand breaks the chain at the first row touched:
 *
 *   hash = hex(SHA-256("danchu-audit-v1\n" prev_hash "\n"
 *                      F(at) F(actor) F(unit) F(action) F(object) F(detail)))
 *
 * where F(x) is the decimal byte length of x, ':', x, ',' (a netstring), the
 * integers are written in decimal and a NULL actor or unit as "null" (which
 * no decimal number can equal). The row id is not hashed: PostgreSQL may
 * skip ids after a rollback, and the chain order is the id order anyway.
 * The first row's prev_hash is 64 zeros.
 *
 * Appenders are serialised so two rows never chain from the same parent:
 * on SQLite by the single writer (BEGIN IMMEDIATE), on PostgreSQL by a
 * transaction-scoped advisory lock taken before reading the last hash.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "auth/internal.h"
#include "core/core.h"

#define DOMAIN_TAG "danchu-audit-v1\n"
/* Longest action, object and detail we accept, in bytes. */
#define ACTION_MAX 64
#define OBJECT_MAX 256
#define DETAIL_MAX 16384

static void put_field(crypto_hash_sha256_state *st, const char *p, size_t n)
{
    char len[24];
    int k = snprintf(len, sizeof len, "%zu:", n);
    crypto_hash_sha256_update(st, (const unsigned char *)len, (unsigned long long)k);
    if (n)
        crypto_hash_sha256_update(st, (const unsigned char *)p, n);
    crypto_hash_sha256_update(st, (const unsigned char *)",", 1);
}

static void put_int(crypto_hash_sha256_state *st, int64_t v, int is_null)
{
    char num[24];
    int k;
    if (is_null) {
        put_field(st, "null", 4);
        return;
    }
    k = snprintf(num, sizeof num, "%" PRId64, v);
    put_field(st, num, (size_t)k);
}

/* The hash of row given prev (its prev_hash field as stored or as expected). */
static void row_hash(const struct auth_audit_row *row, struct str prev, char out[AUTH_HEX_SIZE])
{
    crypto_hash_sha256_state st;
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)DOMAIN_TAG, sizeof DOMAIN_TAG - 1);
    if (prev.len)
        crypto_hash_sha256_update(&st, (const unsigned char *)prev.ptr, prev.len);
    crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
    put_int(&st, row->at, 0);
    put_int(&st, row->actor_id, row->actor_null);
    put_int(&st, row->unit_id, row->unit_null);
    put_field(&st, row->action.ptr, row->action.len);
    put_field(&st, row->object.ptr, row->object.len);
    put_field(&st, row->detail.ptr, row->detail.len);
    crypto_hash_sha256_final(&st, h);
    hex_encode(h, sizeof h, out);
}

int audit_append(struct db *db, int64_t actor_id, int64_t unit_id, const char *action,
                 const char *object, const char *detail)
{
    struct auth_audit_row row;
    char prev[AUTH_HEX_SIZE];
    char hash[AUTH_HEX_SIZE];
    int rc;
    if ((rc = auth_init()) < 0)
        return rc;
    memset(&row, 0, sizeof row);
    row.action = str_c(action ? action : "");
    row.object = str_c(object ? object : "");
    row.detail = str_c(detail ? detail : "");
    if (row.action.len == 0 || row.action.len > ACTION_MAX || row.object.len > OBJECT_MAX ||
        row.detail.len > DETAIL_MAX || actor_id < 0 || unit_id < 0 ||
        !utf8_valid(row.action.ptr, row.action.len) ||
        !utf8_valid(row.object.ptr, row.object.len) || !utf8_valid(row.detail.ptr, row.detail.len))
        return ERR_INVALID;
    row.at = (int64_t)time(NULL);
    row.actor_id = actor_id;
    row.actor_null = actor_id == 0;
    row.unit_id = unit_id;
    row.unit_null = unit_id == 0;
    if ((rc = auth_store_audit_lock(db)) < 0)
        return rc;
    if ((rc = auth_store_audit_last_hash(db, prev)) < 0)
        return rc;
    row.prev_hash = str_c(prev);
    row_hash(&row, row.prev_hash, hash);
    row.hash = str_c(hash);
    return auth_store_audit_insert(db, &row, NULL);
}

struct verify_state {
    char prev[AUTH_HEX_SIZE]; /* the hash the next row must link to */
    int64_t n_rows;           /* rows checked */
    int64_t bad_id;           /* first broken row, 0 while intact */
};

static int verify_row(const struct auth_audit_row *row, void *arg)
{
    struct verify_state *vs = arg;
    char want[AUTH_HEX_SIZE];
    vs->n_rows++;
    /* The link: catches deleted and reordered rows. */
    if (!str_eq_c(row->prev_hash, vs->prev))
        goto bad;
    /* The content: catches edited rows. */
    row_hash(row, row->prev_hash, want);
    if (!str_eq_c(row->hash, want))
        goto bad;
    memcpy(vs->prev, want, AUTH_HEX_SIZE);
    return 0;
bad:
    vs->bad_id = row->id;
    return ERR_CONFLICT;
}

int audit_verify(struct db *db, int64_t *n_rows, int64_t *bad_id)
{
    struct verify_state vs;
    int rc;
    memset(&vs, 0, sizeof vs);
    memset(vs.prev, '0', AUTH_HEX_SIZE - 1);
    if ((rc = auth_init()) < 0)
        return rc;
    rc = auth_store_audit_walk(db, verify_row, &vs);
    if (n_rows)
        *n_rows = vs.n_rows;
    if (bad_id)
        *bad_id = vs.bad_id;
    if (rc == ERR_CONFLICT)
        log_warn("audit: chain broken at row %" PRId64, vs.bad_id);
    return rc;
}

/*
 * store_open311.c - the SQL of Open311 GeoReport v2 (open311.c): the cases it may show and the
 * API keys of the applications that post to it (migration 0018).
 *
 * Every statement that reads cases names the two kinds Open311 carries ($k1, $k2 bound to
 * FB_FEEDBACK and FB_RECOMMENDATION) and none reads the sender's name, phone, e-mail, address
 * or sealed identity, nor the tracking code (the sender's key to their case): what cannot be
 * read cannot leak. Keys are stored as their SHA-256 only.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "feedback/open311.h"

#define O311_COLUMNS                                                                               \
    "SELECT c.id, c.unit_id, c.kind, c.field, c.body, c.status, c.answer, c.forwarded_to, "        \
    "c.reason, c.place, c.due_on, c.lat, c.lon, c.received_at, c.updated_at "

/* The window of GET requests, walked backwards on cases_received(unit_id, received_at). The
 * service codes come as one ",a,b," parameter (a field key never holds a comma); SQLite says
 * instr where PostgreSQL says strpos. */
#define O311_WINDOW_SQL(FIND)                                                                      \
    O311_COLUMNS "FROM cases c WHERE c.unit_id = $1 AND c.received_at >= $2 AND "                  \
                 "c.received_at <= $3 AND c.kind IN ($4, $5) AND ($6 = '' OR " FIND                \
                 "($6, ',' || c.field || ',') > 0) AND ($7 = 0 OR ($7 = 1 AND c.status IN "        \
                 "('received', 'accepted')) OR ($7 = 2 AND c.status NOT IN ('received', "          \
                 "'accepted'))) ORDER BY c.received_at DESC, c.id DESC LIMIT $8"
static const char sql_window_sqlite[] = O311_WINDOW_SQL("instr");
static const char sql_window_pg[] = O311_WINDOW_SQL("strpos");
static const char sql_by_id[] = O311_COLUMNS "FROM cases c WHERE c.id = $1 AND c.kind IN ($2, $3)";
static const char sql_by_token[] =
    O311_COLUMNS "FROM api_key_cases t JOIN cases c ON c.id = t.case_id "
                 "WHERE t.token = $1 AND c.kind IN ($2, $3)";

static const char sql_key_find[] =
    "SELECT id, unit_id, key_hash FROM api_keys WHERE prefix = $1 AND revoked_at IS NULL";
static const char sql_key_posts[] =
    "SELECT COUNT(*) FROM api_key_cases WHERE key_id = $1 AND created_at >= $2";
static const char sql_key_link[] = "INSERT INTO api_key_cases (key_id, case_id, token, created_at) "
                                   "VALUES ($1, $2, $3, $4)";
static const char sql_key_add[] = "INSERT INTO api_keys (unit_id, name, prefix, key_hash, "
                                  "created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id";
static const char sql_key_unit[] = "SELECT unit_id FROM api_keys WHERE id = $1 AND "
                                   "revoked_at IS NULL";
static const char sql_key_revoke[] =
    "UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL";
static const char sql_keys[] = "SELECT id, unit_id, name, prefix, created_at, revoked_at FROM "
                               "api_keys ORDER BY id";

/* Characters of a key kept in clear to find its row. */
#define KEY_PREFIX 8

/* Column col of the current row as a copy in a. */
static const char *col_text(struct arena *a, struct db_stmt *st, int col)
{
    return arena_strdup(a, db_col_text(st, col));
}

/* The current row of an O311_COLUMNS statement into c (strings in a). */
static void read_case(struct db_stmt *st, struct arena *a, struct fb_o311_case *c)
{
    memset(c, 0, sizeof *c);
    c->id = db_col_int(st, 0);
    c->unit_id = db_col_int(st, 1);
    c->kind = (enum fb_kind)db_col_int(st, 2);
    c->field = col_text(a, st, 3);
    c->body = col_text(a, st, 4);
    c->status = col_text(a, st, 5);
    c->answer = col_text(a, st, 6);
    c->forwarded_to = col_text(a, st, 7);
    c->reason = col_text(a, st, 8);
    c->place = col_text(a, st, 9);
    c->due_on = col_text(a, st, 10);
    c->has_position = !db_col_is_null(st, 11) && !db_col_is_null(st, 12);
    if (c->has_position) {
        c->lat = db_col_double(st, 11);
        c->lon = db_col_double(st, 12);
    }
    c->received_at = db_col_int(st, 13);
    c->updated_at = db_col_int(st, 14);
}

int fb_o311_cases(struct db *db, struct arena *a, const struct fb_o311_query *q,
                  struct fb_o311_case **out, size_t *n)
{
    struct db_stmt *st;
    int rc = db_prepare2(db, sql_window_sqlite, sql_window_pg, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, q->unit_id);
    db_bind_int(st, 2, q->from);
    db_bind_int(st, 3, q->to);
    db_bind_int(st, 4, FB_FEEDBACK);
    db_bind_int(st, 5, FB_RECOMMENDATION);
    db_bind_cstr(st, 6, q->fields);
    db_bind_int(st, 7, q->status);
    db_bind_int(st, 8, q->limit);
    size_t cap = 32, k = 0;
    struct fb_o311_case *v = arena_alloc(a, cap * sizeof *v);
    while ((rc = db_step(st)) == DB_ROW) {
        if (k == cap) {
            v = arena_realloc(a, v, cap * sizeof *v, 2 * cap * sizeof *v);
            cap *= 2;
        }
        read_case(st, a, &v[k++]);
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    *out = v;
    *n = k;
    return 0;
}

/* The one case of st (prepared, $1 bound) of the Open311 kinds; ERR_NOT_FOUND when none. */
static int one_case(struct db_stmt *st, struct arena *a, struct fb_o311_case *out)
{
    db_bind_int(st, 2, FB_FEEDBACK);
    db_bind_int(st, 3, FB_RECOMMENDATION);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        read_case(st, a, out);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_NOT_FOUND;
    }
    db_reset(st);
    return rc;
}

int fb_o311_case_by_id(struct db *db, struct arena *a, int64_t id, struct fb_o311_case *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_by_id, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    return one_case(st, a, out);
}

int fb_o311_case_by_token(struct db *db, struct arena *a, const char *token,
                          struct fb_o311_case *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_by_token, &st);
    if (rc)
        return rc;
    db_bind_cstr(st, 1, token);
    return one_case(st, a, out);
}

/* 1 when key is FEEDBACK_APIKEY_LEN lower-case hex characters. */
static int key_shape_ok(const char *key)
{
    size_t n = strlen(key);
    if (n != FEEDBACK_APIKEY_LEN)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((key[i] >= '0' && key[i] <= '9') || (key[i] >= 'a' && key[i] <= 'f')))
            return 0;
    return 1;
}

/* The hex SHA-256 of key. A key carries 256 random bits, so a fast hash is enough: nobody can
 * search that space, and only a slow hash would help against a guessable secret. */
static void key_hash(const char *key, char out[2 * crypto_hash_sha256_BYTES + 1])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)key, strlen(key));
    hex_encode(h, sizeof h, out);
}

int fb_o311_key_find(struct db *db, const char *key, struct fb_o311_key *out)
{
    if (!key || !key_shape_ok(key))
        return ERR_FORBIDDEN;
    char hash[2 * crypto_hash_sha256_BYTES + 1], prefix[KEY_PREFIX + 1];
    key_hash(key, hash);
    memcpy(prefix, key, KEY_PREFIX);
    prefix[KEY_PREFIX] = '\0';
    struct db_stmt *st;
    int rc = db_prepare(db, sql_key_find, &st);
    if (rc)
        return rc;
    db_bind_cstr(st, 1, prefix);
    int found = 0;
    /* Every row of the prefix is compared, in constant time, whichever matches. */
    while ((rc = db_step(st)) == DB_ROW) {
        const char *stored = db_col_text(st, 2);
        if (strlen(stored) == sizeof hash - 1 &&
            sodium_memcmp(stored, hash, sizeof hash - 1) == 0 && !found) {
            out->id = db_col_int(st, 0);
            out->unit_id = db_col_int(st, 1);
            found = 1;
        }
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    return found ? 0 : ERR_FORBIDDEN;
}

int fb_o311_key_posts(struct db *db, int64_t key_id, int64_t since, int64_t *n)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_key_posts, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, key_id);
    db_bind_int(st, 2, since);
    rc = db_step(st);
    *n = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int fb_o311_key_link(struct db *db, int64_t key_id, int64_t case_id, const char *token)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_key_link, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, key_id);
    db_bind_int(st, 2, case_id);
    db_bind_cstr(st, 3, token);
    db_bind_int(st, 4, (int64_t)time(NULL));
    return db_run(st, NULL);
}

void feedback_apikey_new(char key[FEEDBACK_APIKEY_LEN + 1])
{
    unsigned char raw[FEEDBACK_APIKEY_LEN / 2];
    randombytes_buf(raw, sizeof raw);
    hex_encode(raw, sizeof raw, key);
    sodium_memzero(raw, sizeof raw);
}

int feedback_apikey_add(struct db *db, int64_t unit_id, const char *name, const char *key,
                        int64_t *id)
{
    if (!key_shape_ok(key) || !name || !name[0])
        return ERR_INVALID;
    char hash[2 * crypto_hash_sha256_BYTES + 1], prefix[KEY_PREFIX + 1];
    key_hash(key, hash);
    memcpy(prefix, key, KEY_PREFIX);
    prefix[KEY_PREFIX] = '\0';
    struct db_stmt *st;
    int rc = db_prepare(db, sql_key_add, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    db_bind_cstr(st, 2, name);
    db_bind_cstr(st, 3, prefix);
    db_bind_cstr(st, 4, hash);
    db_bind_int(st, 5, (int64_t)time(NULL));
    rc = db_step(st);
    if (rc == DB_ROW)
        *id = db_col_int(st, 0);
    db_reset(st);
    if (rc != DB_ROW)
        return rc < 0 ? rc : ERR_DB;
    char obj[40];
    snprintf(obj, sizeof obj, "apikey:%lld", (long long)*id);
    return audit_append(db, 0, unit_id, "apikey.add", obj, name);
}

int feedback_apikey_revoke(struct db *db, int64_t id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_key_unit, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    int64_t unit_id = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_reset(st);
    if (rc < 0)
        return rc;
    if (rc != DB_ROW)
        return ERR_NOT_FOUND;
    if ((rc = db_prepare(db, sql_key_revoke, &st)) != 0)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, (int64_t)time(NULL));
    int64_t changed = 0;
    if ((rc = db_run(st, &changed)) != 0)
        return rc;
    if (changed != 1)
        return ERR_NOT_FOUND;
    char obj[40];
    snprintf(obj, sizeof obj, "apikey:%lld", (long long)id);
    return audit_append(db, 0, unit_id, "apikey.revoke", obj, "");
}

int feedback_apikeys_json(struct db *db, json_t **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_keys, &st);
    if (rc)
        return rc;
    return db_rows_json(st, out);
}

/*
 * session.c - sign-in sessions and CSRF tokens.
 *
 * The cookie carries 32 random bytes as hex; the sessions table keeps only
 * their SHA-256, so a copy of the database (a backup, a replica) cannot be
 * used to sign in as anyone. Each session has its own random CSRF token.
 * A session lives AUTH_SESSION_TTL_S from sign-in, however busy it is.
 *
 * Anonymous forms (sign-in) get a stateless CSRF token: the HMAC of a random
 * per-visitor cookie under the server secret, so no row is written for
 * visitors who never sign in.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/internal.h"
#include "core/core.h"
#include "store/store.h"

_Static_assert(AUTH_SECRET_BYTES == crypto_auth_KEYBYTES, "AUTH_SECRET_BYTES");
_Static_assert(AUTH_HEX_SIZE == 2 * crypto_auth_BYTES + 1, "AUTH_HEX_SIZE vs crypto_auth");
_Static_assert(AUTH_HEX_SIZE == 2 * crypto_hash_sha256_BYTES + 1, "AUTH_HEX_SIZE vs sha256");

#define RAND_BYTES 32

void auth_random_hex(char out[AUTH_HEX_SIZE])
{
    unsigned char b[RAND_BYTES];
    (void)auth_init(); /* libsodium's generator wants sodium_init() first */
    randombytes_buf(b, sizeof b);
    hex_encode(b, sizeof b, out);
    sodium_memzero(b, sizeof b);
}

void auth_secret_new(unsigned char secret[AUTH_SECRET_BYTES])
{
    (void)auth_init();
    randombytes_buf(secret, AUTH_SECRET_BYTES);
}

/* 1 when s is exactly AUTH_HEX_SIZE - 1 lower-case hex digits (what we hand out). */
static int is_token(const char *s, size_t n)
{
    if (!s || n != AUTH_HEX_SIZE - 1)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

/* Hex SHA-256 of a cookie token: the sessions table's key. */
static void token_hash(const char *token, char out[AUTH_HEX_SIZE])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)token, AUTH_HEX_SIZE - 1);
    hex_encode(h, sizeof h, out);
}

int auth_session_create(struct db *db, int64_t account_id, int64_t now, char token[AUTH_HEX_SIZE],
                        char csrf[AUTH_HEX_SIZE])
{
    char th[AUTH_HEX_SIZE];
    char c[AUTH_HEX_SIZE];
    int rc;
    token[0] = '\0';
    if (csrf)
        csrf[0] = '\0';
    if ((rc = auth_init()) < 0)
        return rc;
    if (account_id <= 0)
        return ERR_INVALID;
    auth_random_hex(token);
    auth_random_hex(c);
    token_hash(token, th);
    rc = auth_store_session_insert(db, th, account_id, c, now, now + AUTH_SESSION_TTL_S);
    if (rc < 0) {
        sodium_memzero(token, AUTH_HEX_SIZE);
        token[0] = '\0';
        return rc;
    }
    if (csrf)
        memcpy(csrf, c, AUTH_HEX_SIZE);
    return 0;
}

/*
 * Sessions recently seen by a connection, so that a signed-in page does not read its session
 * and roles again on every request. The copy is dropped whenever the auth row of
 * cache_versions moves (bumped by triggers on any change of sessions, accounts and roles:
 * migration 0009; checked once per request) and an entry is used only until its session
 * expires. Only connections serving requests keep one (db_cache_version).
 */
#define SESSION_SLOTS 32

struct session_cache {
    int64_t version; /* the auth cache version the entries were read at */
    struct session_slot {
        char th[AUTH_HEX_SIZE]; /* token hash; "" for an empty slot */
        int64_t expires_at;     /* when the session ends */
        struct auth_user user;  /* the account as the session found it */
    } slots[SESSION_SLOTS];     /* direct-mapped by token hash */
};

static const char session_cache_key; /* its address keys the connection's memo */

/* The connection's session cache, current for this request; NULL when none may be used. */
static struct session_cache *session_cache(struct db *db)
{
    int64_t version;
    if (db_cache_version(db, "auth", &version) != 0)
        return NULL;
    struct session_cache *c = db_memo(db, &session_cache_key);
    if (!c) {
        c = calloc(1, sizeof *c);
        if (!c)
            abort();
        db_memo_put(db, &session_cache_key, c, free);
    }
    if (c->version != version) {
        for (size_t i = 0; i < SESSION_SLOTS; i++)
            c->slots[i].th[0] = '\0';
        c->version = version;
    }
    return c;
}

static struct session_slot *session_slot(struct session_cache *c, const char *th)
{
    unsigned h = 0;
    for (size_t i = 0; i < 8; i++) /* the hash is already uniform: a few digits do */
        h = h * 16 + (unsigned)(th[i] <= '9' ? th[i] - '0' : th[i] - 'a' + 10);
    return &c->slots[h % SESSION_SLOTS];
}

int auth_session_lookup(struct db *db, const char *token, int64_t now, struct auth_user *out)
{
    char th[AUTH_HEX_SIZE];
    int rc;
    memset(out, 0, sizeof *out);
    if (!token || !is_token(token, strlen(token)))
        return ERR_UNAUTH;
    if ((rc = auth_init()) < 0)
        return rc;
    token_hash(token, th);
    struct session_cache *c = session_cache(db);
    struct session_slot *slot = c ? session_slot(c, th) : NULL;
    if (slot && slot->expires_at > now && sodium_memcmp(slot->th, th, AUTH_HEX_SIZE) == 0) {
        *out = slot->user;
        return 0;
    }
    int64_t expires_at = 0;
    rc = auth_store_session_get(db, th, now, out, &expires_at);
    if (rc == ERR_NOT_FOUND)
        return ERR_UNAUTH;
    if (rc < 0)
        return rc;
    if (out->csrf[0] == '\0') {
        memset(out, 0, sizeof *out);
        return ERR_UNAUTH; /* a damaged row: never accept a session without its CSRF token */
    }
    if ((rc = auth_store_grants_load(db, out)) < 0) {
        memset(out, 0, sizeof *out);
        return rc;
    }
    if (slot) {
        memcpy(slot->th, th, AUTH_HEX_SIZE);
        slot->expires_at = expires_at;
        slot->user = *out;
    }
    return 0;
}

int auth_session_delete(struct db *db, const char *token)
{
    char th[AUTH_HEX_SIZE];
    int rc;
    if (!token || !is_token(token, strlen(token)))
        return 0; /* nothing we could have stored */
    if ((rc = auth_init()) < 0)
        return rc;
    token_hash(token, th);
    return auth_store_session_delete(db, th);
}

int auth_session_purge(struct db *db, int64_t now, int64_t *n_deleted)
{
    return auth_store_sessions_purge(db, now, n_deleted);
}

/* Constant-time equality of a submitted token with the expected 64-hex-digit one. */
static int token_eq(const char *expected, const char *token, size_t token_len)
{
    if (!token || token_len != AUTH_HEX_SIZE - 1 || strlen(expected) != AUTH_HEX_SIZE - 1)
        return 0;
    return sodium_memcmp(expected, token, AUTH_HEX_SIZE - 1) == 0;
}

int auth_csrf_check(const struct auth_user *u, const char *token, size_t token_len)
{
    if (!u || !token_eq(u->csrf, token, token_len))
        return ERR_CSRF;
    return 0;
}

int auth_anon_csrf(const unsigned char secret[AUTH_SECRET_BYTES], const char *visitor,
                   char out[AUTH_HEX_SIZE])
{
    unsigned char mac[crypto_auth_BYTES];
    int rc;
    out[0] = '\0';
    if (!visitor || !is_token(visitor, strlen(visitor)))
        return ERR_INVALID;
    if ((rc = auth_init()) < 0)
        return rc;
    crypto_auth(mac, (const unsigned char *)visitor, AUTH_HEX_SIZE - 1, secret);
    hex_encode(mac, sizeof mac, out);
    return 0;
}

int auth_anon_csrf_check(const unsigned char secret[AUTH_SECRET_BYTES], const char *visitor,
                         const char *token, size_t token_len)
{
    char want[AUTH_HEX_SIZE];
    int rc = ERR_CSRF;
    if (auth_anon_csrf(secret, visitor, want) < 0)
        goto out;
    if (token_eq(want, token, token_len))
        rc = 0;
out:
    sodium_memzero(want, sizeof want);
    return rc;
}

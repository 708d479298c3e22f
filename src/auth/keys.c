/*
 * keys.c - the key pairs that keep sealed data (a denouncer's identity) readable only by the
 * officials handling it, and the installation's escrow key.
 *
 * An official's secret key is wrapped with crypto_secretbox under a key derived by Argon2id
 * (crypto_pwhash, INTERACTIVE limits) from the NFC form of their password and a random salt;
 * the wrapped form is AUTH_WRAPPED_SIZE bytes: a version byte, the salt, the nonce and the box.
 * The limits are those of the version byte, so a later version may raise them and keep reading
 * old rows. Nothing here keeps a secret key or a password after the call returns: each is
 * wiped with sodium_memzero.
 *
 * The escrow key pair is made by `danchu init` (or the demo): its public key is stored, its
 * secret key is shown once as a recovery key - "DC1-" and 17 groups of four hex digits, the
 * last group a BLAKE2b check of the key so that a typing mistake is caught before any
 * decryption is tried.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "auth/internal.h"
#include "core/core.h"

_Static_assert(AUTH_BOX_KEY == crypto_box_PUBLICKEYBYTES, "AUTH_BOX_KEY");
_Static_assert(AUTH_BOX_KEY == crypto_box_SECRETKEYBYTES, "AUTH_BOX_KEY");
_Static_assert(AUTH_WRAPPED_SIZE == 1 + crypto_pwhash_SALTBYTES + crypto_secretbox_NONCEBYTES +
                                        crypto_box_SECRETKEYBYTES + crypto_secretbox_MACBYTES,
               "AUTH_WRAPPED_SIZE");

#define WRAP_VERSION 1
#define SALT_AT 1
#define NONCE_AT (SALT_AT + crypto_pwhash_SALTBYTES)
#define BOX_AT (NONCE_AT + crypto_secretbox_NONCEBYTES)

int auth_keys_needed(const struct auth_user *u)
{
    return auth_can_anywhere(u, "feedback.manage");
}

/* The wrapping key of password and salt (Argon2id). */
static int derive(const char *password, const unsigned char *salt,
                  unsigned char key[crypto_secretbox_KEYBYTES])
{
    struct arena *a = arena_new(0);
    size_t len = 0;
    char *nfc = auth_password_nfc(a, password, &len, NULL);
    int rc = 0;
    if (!nfc)
        rc = ERR_INVALID;
    else if (crypto_pwhash(key, crypto_secretbox_KEYBYTES, nfc, len, salt,
                           crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                           crypto_pwhash_ALG_ARGON2ID13) != 0)
        rc = ERR_NOMEM;
    if (nfc)
        sodium_memzero(nfc, len);
    arena_free(a);
    return rc;
}

int auth_keys_make(const char *password, struct auth_keys *out)
{
    int rc = auth_init();
    if (rc)
        return rc;
    unsigned char sk[crypto_box_SECRETKEYBYTES], key[crypto_secretbox_KEYBYTES];
    memset(out, 0, sizeof *out);
    crypto_box_keypair(out->pk, sk);
    out->wrapped[0] = WRAP_VERSION;
    randombytes_buf(out->wrapped + SALT_AT, crypto_pwhash_SALTBYTES);
    randombytes_buf(out->wrapped + NONCE_AT, crypto_secretbox_NONCEBYTES);
    if ((rc = derive(password, out->wrapped + SALT_AT, key)) == 0)
        crypto_secretbox_easy(out->wrapped + BOX_AT, sk, sizeof sk, out->wrapped + NONCE_AT, key);
    sodium_memzero(sk, sizeof sk);
    sodium_memzero(key, sizeof key);
    return rc;
}

int auth_keys_unwrap(const struct auth_keys *k, const char *password,
                     unsigned char sk[AUTH_BOX_KEY])
{
    if (k->wrapped[0] != WRAP_VERSION)
        return ERR_INVALID;
    unsigned char key[crypto_secretbox_KEYBYTES];
    int rc = derive(password, k->wrapped + SALT_AT, key);
    if (rc)
        return rc == ERR_INVALID ? ERR_UNAUTH : rc;
    if (crypto_secretbox_open_easy(sk, k->wrapped + BOX_AT,
                                   crypto_box_SECRETKEYBYTES + crypto_secretbox_MACBYTES,
                                   k->wrapped + NONCE_AT, key) != 0)
        rc = ERR_UNAUTH;
    sodium_memzero(key, sizeof key);
    if (rc)
        sodium_memzero(sk, AUTH_BOX_KEY);
    return rc;
}

int auth_keys_save(struct db *db, int64_t account_id, const struct auth_keys *k)
{
    return auth_store_keys_put(db, account_id, k, 1, (int64_t)time(NULL));
}

int auth_keys_save_new(struct db *db, int64_t account_id, const struct auth_keys *k)
{
    return auth_store_keys_put(db, account_id, k, 0, (int64_t)time(NULL));
}

int auth_keys_get(struct db *db, int64_t account_id, struct auth_keys *out)
{
    return auth_store_keys_get(db, account_id, out);
}

int auth_key_holders(struct db *db, int64_t unit_id, const char *role, struct auth_key_holder *out,
                     size_t max, size_t *n)
{
    enum auth_role r;
    if (auth_role_parse(role, &r) != 0)
        return ERR_INVALID;
    return auth_store_key_holders(db, unit_id, role, out, max, n);
}

int auth_key_holders_perm(struct db *db, const int64_t *units, size_t n_units, const char *perm,
                          struct auth_key_holder *out, size_t max, size_t *n)
{
    *n = 0;
    for (int r = 0; r < AUTH_ROLE_COUNT; r++) {
        if (!auth_perm_has_role(perm, (enum auth_role)r))
            continue;
        for (size_t u = 0; u < n_units; u++) {
            size_t got = 0;
            int rc = auth_store_key_holders(db, units[u], auth_role_name((enum auth_role)r),
                                            out + *n, max - *n, &got);
            if (rc)
                return rc;
            /* One entry per account, whatever roles it holds. */
            for (size_t i = *n; i < *n + got;) {
                int dup = 0;
                for (size_t j = 0; j < i && !dup; j++)
                    dup = out[j].account_id == out[i].account_id;
                if (dup) {
                    out[i] = out[*n + got - 1];
                    got--;
                } else {
                    i++;
                }
            }
            *n += got;
            if (*n == max)
                return 0;
        }
    }
    return 0;
}

/* The 2-byte check of a recovery key. */
static unsigned check_of(const unsigned char sk[AUTH_BOX_KEY])
{
    unsigned char h[crypto_generichash_BYTES_MIN];
    crypto_generichash(h, sizeof h, sk, AUTH_BOX_KEY, (const unsigned char *)"danchu-recovery", 15);
    return (unsigned)h[0] << 8 | h[1];
}

int auth_escrow_create(struct db *db, char recovery[AUTH_RECOVERY_SIZE], int64_t *id)
{
    int rc = auth_init();
    if (rc)
        return rc;
    unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
    crypto_box_keypair(pk, sk);
    char hex[2 * AUTH_BOX_KEY + 5];
    sodium_bin2hex(hex, sizeof hex, sk, sizeof sk);
    snprintf(hex + 2 * AUTH_BOX_KEY, 5, "%04x", check_of(sk));
    sodium_memzero(sk, sizeof sk);
    size_t k = 0;
    memcpy(recovery, "DC1", 3);
    k = 3;
    for (size_t g = 0; g < 17; g++) {
        recovery[k++] = '-';
        for (size_t i = 0; i < 4; i++)
            recovery[k++] =
                (char)(hex[4 * g + i] >= 'a' ? hex[4 * g + i] - 'a' + 'A' : hex[4 * g + i]);
    }
    recovery[k] = '\0';
    sodium_memzero(hex, sizeof hex);
    return auth_store_escrow_insert(db, pk, (int64_t)time(NULL), id);
}

int auth_escrow_current(struct db *db, int64_t *id, unsigned char pk[AUTH_BOX_KEY])
{
    return auth_store_escrow_current(db, id, pk);
}

int auth_recovery_parse(const char *typed, unsigned char sk[AUTH_BOX_KEY],
                        unsigned char pk[AUTH_BOX_KEY])
{
    char hex[2 * AUTH_BOX_KEY + 4 + 1];
    size_t k = 0;
    const char *p = typed ? typed : "";
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    if ((p[0] == 'D' || p[0] == 'd') && (p[1] == 'C' || p[1] == 'c') && p[2] == '1')
        p += 3;
    for (; *p; p++) {
        char c = *p;
        if (c == '-' || c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        if (c >= 'A' && c <= 'F')
            c = (char)(c - 'A' + 'a');
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) || k == sizeof hex - 1) {
            sodium_memzero(hex, sizeof hex);
            return ERR_INVALID;
        }
        hex[k++] = c;
    }
    hex[k] = '\0';
    int rc = ERR_INVALID;
    size_t bin_len = 0;
    unsigned check = 0;
    if (k == sizeof hex - 1 &&
        sodium_hex2bin(sk, AUTH_BOX_KEY, hex, 2 * AUTH_BOX_KEY, NULL, &bin_len, NULL) == 0 &&
        bin_len == AUTH_BOX_KEY && sscanf(hex + 2 * AUTH_BOX_KEY, "%4x", &check) == 1 &&
        check == check_of(sk)) {
        crypto_scalarmult_base(pk, sk);
        rc = 0;
    }
    if (rc)
        sodium_memzero(sk, AUTH_BOX_KEY);
    sodium_memzero(hex, sizeof hex);
    return rc;
}

/*
 * seal.c - a denouncer's identity, sealed (Denunciations Law Art 47: the denouncer's name,
 * address and handwriting are kept secret). Each denunciation gets a key of its own (K, 32
 * random bytes). Its identity (name, address, phone, e-mail as JSON) and the scans of the
 * signed letter are encrypted under K with crypto_secretbox (nonce || box); K itself is kept
 * only sealed (crypto_box_seal) to the public key of each official holding the case and to the
 * installation's escrow key (case_keys). The server never holds K at rest: opening it needs a
 * holder's password (their wrapped secret key, auth/keys.c) or the printed recovery key.
 *
 * Who holds a new case: the commune's chairpersons (competent for denunciations at the commune)
 * and the official who recorded it, with keys; and the escrow key always, so that a case
 * outlives any official. Reassigning reseals K to the new holder and drops the previous
 * assignee (not a chairperson, not the escrow).
 *
 * Writes run on the writer thread inside the caller's transaction; the slow part (Argon2id to
 * open a holder's secret key) runs in the request's thread before any write. Keys and plain
 * text are wiped (sodium_memzero) as soon as they are no longer needed.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "feedback/internal.h"
#include "view/view.h"

#define MAX_HOLDERS 16
#define SEALED_KEY_LEN (crypto_box_SEALBYTES + FB_CASE_KEY)

_Static_assert(FB_CASE_KEY == crypto_secretbox_KEYBYTES, "FB_CASE_KEY");

/* nonce || secretbox(plain) in a. */
static unsigned char *box(struct arena *a, const unsigned char key[FB_CASE_KEY], const void *plain,
                          size_t len, size_t *out_len)
{
    *out_len = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len;
    unsigned char *out = arena_alloc(a, *out_len);
    randombytes_buf(out, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, plain, len, out, key);
    return out;
}

/* The plain text of nonce || secretbox in a (NUL-terminated for convenience); ERR_INVALID
 * when it does not open with key. */
static int unbox(struct arena *a, const unsigned char key[FB_CASE_KEY], const unsigned char *blob,
                 size_t len, unsigned char **plain, size_t *plain_len)
{
    if (len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
        return ERR_INVALID;
    size_t n = len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
    unsigned char *out = arena_alloc(a, n + 1);
    if (crypto_secretbox_open_easy(out, blob + crypto_secretbox_NONCEBYTES,
                                   len - crypto_secretbox_NONCEBYTES, blob, key) != 0)
        return ERR_INVALID;
    out[n] = '\0';
    *plain = out;
    *plain_len = n;
    return 0;
}

/* Seals key to pk and stores it for account_id (0: the escrow escrow_id). */
static int put_key(struct db *db, int64_t case_id, int64_t account_id, int64_t escrow_id,
                   const unsigned char pk[AUTH_BOX_KEY], const unsigned char key[FB_CASE_KEY])
{
    unsigned char sealed[SEALED_KEY_LEN];
    crypto_box_seal(sealed, key, FB_CASE_KEY, pk);
    return fb_store_case_key_put(db, case_id, account_id, escrow_id, sealed, sizeof sealed);
}

int fb_seal_ready(struct db *db)
{
    int64_t id;
    unsigned char pk[AUTH_BOX_KEY];
    return auth_escrow_current(db, &id, pk);
}

int fb_seal_new(struct db *db, int64_t case_id, int64_t unit_id, int64_t recorder,
                const struct fb_identity *who, const struct fb_file_in *scans, size_t n_scans)
{
    int64_t escrow_id;
    unsigned char escrow_pk[AUTH_BOX_KEY];
    int rc = auth_escrow_current(db, &escrow_id, escrow_pk);
    if (rc)
        return rc == ERR_NOT_FOUND ? ERR_UNAVAILABLE : rc;
    struct arena *a = arena_new(0);
    unsigned char key[FB_CASE_KEY];
    crypto_secretbox_keygen(key);
    json_t *j = json_pack("{s:s,s:s,s:s,s:s}", "name", who->name ? who->name : "", "address",
                          who->address ? who->address : "", "phone", who->phone ? who->phone : "",
                          "email", who->email ? who->email : "");
    struct buf plain;
    buf_init(&plain, a);
    rc = view_json_dump(j, JSON_COMPACT, &plain) == 0 ? 0 : ERR_INVALID;
    json_decref(j);
    size_t len = 0;
    unsigned char *blob = rc ? NULL : box(a, key, plain.ptr, plain.len, &len);
    if (plain.ptr)
        sodium_memzero(plain.ptr, plain.len);
    if (rc == 0)
        rc = fb_store_identity_set(db, case_id, blob, len);
    for (size_t i = 0; rc == 0 && i < n_scans; i++) {
        blob = box(a, key, scans[i].data, scans[i].len, &len);
        rc = fb_store_sealed_file_put(db, case_id, scans[i].name, scans[i].mime, scans[i].len, blob,
                                      len, recorder);
    }
    if (rc == 0)
        rc = put_key(db, case_id, 0, escrow_id, escrow_pk, key);
    struct auth_key_holder holders[MAX_HOLDERS];
    size_t n = 0;
    if (rc == 0)
        rc = auth_key_holders(db, unit_id, "chairperson", holders, MAX_HOLDERS - 1, &n);
    int recorder_holds = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rc = put_key(db, case_id, holders[i].account_id, 0, holders[i].pk, key);
        recorder_holds |= holders[i].account_id == recorder;
    }
    if (rc == 0 && recorder && !recorder_holds) {
        struct auth_keys k;
        int got = auth_keys_get(db, recorder, &k);
        if (got == 0)
            rc = put_key(db, case_id, recorder, 0, k.pk, key);
        else if (got != ERR_NOT_FOUND)
            rc = got;
    }
    sodium_memzero(key, sizeof key);
    arena_free(a);
    return rc;
}

/* Opens a sealed case key with the holder's key pair. */
static int open_key(const unsigned char *sealed, size_t len, const unsigned char pk[AUTH_BOX_KEY],
                    const unsigned char sk[AUTH_BOX_KEY], unsigned char key[FB_CASE_KEY])
{
    if (len != SEALED_KEY_LEN || crypto_box_seal_open(key, sealed, len, pk, sk) != 0)
        return ERR_INVALID;
    return 0;
}

int fb_case_key_open(struct db *db, int64_t case_id, int64_t account_id, const char *password,
                     unsigned char key[FB_CASE_KEY])
{
    struct arena *a = arena_new(0);
    const unsigned char *sealed;
    size_t len;
    struct auth_keys k;
    int rc = fb_store_case_key_get(db, a, case_id, account_id, 0, &sealed, &len);
    if (rc == 0)
        rc = auth_keys_get(db, account_id, &k);
    if (rc == ERR_NOT_FOUND)
        rc = ERR_FORBIDDEN; /* not a holder of this case, or no keys */
    unsigned char sk[AUTH_BOX_KEY];
    if (rc == 0 && (rc = auth_keys_unwrap(&k, password, sk)) == 0) {
        /* Keys remade after a password reset cannot open what was sealed to the old ones. */
        if (open_key(sealed, len, k.pk, sk, key) != 0)
            rc = ERR_FORBIDDEN;
        sodium_memzero(sk, sizeof sk);
    }
    arena_free(a);
    return rc;
}

int fb_case_key_recover(struct db *db, int64_t case_id, const unsigned char sk[AUTH_BOX_KEY],
                        const unsigned char pk[AUTH_BOX_KEY], unsigned char key[FB_CASE_KEY])
{
    /* Every escrow key the case was sealed to, newest first: a recovery key from before a
     * rotation still opens the cases of its time. */
    struct arena *a = arena_new(0);
    int rc = ERR_NOT_FOUND;
    for (int64_t nth = 0; nth < 16; nth++) {
        const unsigned char *sealed;
        size_t len;
        rc = fb_store_case_key_get(db, a, case_id, 0, nth, &sealed, &len);
        if (rc == ERR_NOT_FOUND) {
            rc = nth ? ERR_UNAUTH : ERR_NOT_FOUND; /* sealed, but not to this key */
            break;
        }
        if (rc)
            break;
        if (open_key(sealed, len, pk, sk, key) == 0) {
            rc = 0;
            break;
        }
    }
    arena_free(a);
    return rc;
}

int fb_identity_open(struct db *db, struct arena *a, int64_t case_id,
                     const unsigned char key[FB_CASE_KEY], struct fb_identity *out)
{
    const unsigned char *blob;
    size_t len;
    int rc = fb_store_identity_get(db, a, case_id, &blob, &len);
    if (rc)
        return rc;
    unsigned char *plain;
    size_t n;
    if ((rc = unbox(a, key, blob, len, &plain, &n)) != 0)
        return rc;
    json_t *j = json_loadb((const char *)plain, n, 0, NULL);
    sodium_memzero(plain, n);
    if (!json_is_object(j)) {
        json_decref(j);
        return ERR_INVALID;
    }
    const char *const keys[] = {"name", "address", "phone", "email"};
    const char **fields[] = {&out->name, &out->address, &out->phone, &out->email};
    for (size_t i = 0; i < 4; i++) {
        const char *v = json_string_value(json_object_get(j, keys[i]));
        *fields[i] = arena_strdup(a, v ? v : "");
    }
    json_decref(j);
    return 0;
}

int fb_sealed_file_open(struct db *db, struct arena *a, int64_t case_id, int64_t file_id,
                        const unsigned char key[FB_CASE_KEY], struct fb_file_in *out)
{
    const unsigned char *blob;
    size_t len;
    int rc = fb_store_sealed_file_get(db, a, case_id, file_id, &out->name, &out->mime, &blob, &len);
    if (rc)
        return rc;
    unsigned char *plain;
    size_t n;
    if ((rc = unbox(a, key, blob, len, &plain, &n)) != 0)
        return rc;
    out->data = plain;
    out->len = n;
    return 0;
}

int fb_reseal(struct db *db, int64_t case_id, int64_t unit_id, int64_t to, int64_t drop,
              const unsigned char key[FB_CASE_KEY])
{
    struct auth_keys k;
    int rc = auth_keys_get(db, to, &k);
    if (rc)
        return rc == ERR_NOT_FOUND ? ERR_CONFLICT : rc;
    if ((rc = fb_store_case_key_drop(db, case_id, to)) != 0 ||
        (rc = put_key(db, case_id, to, 0, k.pk, key)) != 0)
        return rc;
    if (!drop || drop == to)
        return 0;
    /* The commune's chairpersons keep their key whoever handles the case. */
    struct auth_key_holder chairs[MAX_HOLDERS];
    size_t n = 0;
    if ((rc = auth_key_holders(db, unit_id, "chairperson", chairs, MAX_HOLDERS, &n)) != 0)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (chairs[i].account_id == drop)
            return 0;
    return fb_store_case_key_drop(db, case_id, drop);
}

int feedback_escrow_recover(struct db *db, int64_t case_id, const char *recovery, const char *login,
                            char *err, size_t err_len)
{
    unsigned char sk[AUTH_BOX_KEY], pk[AUTH_BOX_KEY], key[FB_CASE_KEY];
    struct auth_user to;
    struct arena *a = arena_new(0);
    struct fb_case c;
    int rc = fb_store_get(db, a, case_id, &c);
    if (rc) {
        snprintf(err, err_len, "no case %lld", (long long)case_id);
        goto out;
    }
    if ((rc = auth_account_by_login(db, login, &to)) != 0) {
        snprintf(err, err_len, "no account %s", login);
        goto out;
    }
    if ((rc = auth_recovery_parse(recovery, sk, pk)) != 0) {
        snprintf(err, err_len, "that is not a recovery key (DC1- and 17 groups of 4)");
        goto out;
    }
    rc = fb_case_key_recover(db, case_id, sk, pk, key);
    sodium_memzero(sk, sizeof sk);
    if (rc) {
        snprintf(err, err_len,
                 rc == ERR_NOT_FOUND ? "case %lld holds nothing sealed"
                                     : "case %lld was not sealed to this key",
                 (long long)case_id);
        goto out;
    }
    rc = fb_reseal(db, case_id, c.unit_id, to.id, 0, key);
    sodium_memzero(key, sizeof key);
    if (rc == ERR_CONFLICT) {
        snprintf(err, err_len, "%s has no keys yet: they must sign in once first", login);
        goto out;
    }
    char obj[48];
    snprintf(obj, sizeof obj, "case:%lld", (long long)case_id);
    if (rc == 0)
        rc = audit_append(db, 0, c.unit_id, "case.recover", obj, to.login);
out:
    arena_free(a);
    return rc;
}

/*
 * password.c - Argon2id password hashing, accounts and sign-in.
 *
 * Passwords are hashed in their NFC form, so a Vietnamese password typed on
 * a keyboard that sends decomposed marks still matches. Hashes use libsodium's
 * INTERACTIVE limits (64 MiB, a few tens of ms). A sign-in for a login that
 * does not exist, or cannot sign in, verifies against a dummy hash made at
 * start-up with the same limits, so its answer takes as long as a wrong
 * password and does not reveal which logins exist. The dummy is a constant (the
 * hash of 32 random bytes that were thrown away), so start-up does not pay for
 * an Argon2id run: `danchu serve` answers its first request within 100 ms.
 *
 * Process-wide state: libsodium's initialisation and the dummy hash, both
 * written once under pthread_once and only read afterwards.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "auth/internal.h"
#include "core/core.h"

_Static_assert(AUTH_HASH_SIZE == crypto_pwhash_STRBYTES, "AUTH_HASH_SIZE");

#define OPSLIMIT crypto_pwhash_OPSLIMIT_INTERACTIVE
#define MEMLIMIT crypto_pwhash_MEMLIMIT_INTERACTIVE
#define ALG_PREFIX "$argon2id$"

#define XSTR(x) #x
#define STR(x) XSTR(x)

static const char msg_pw_short[] = "Mật khẩu phải có ít nhất " STR(AUTH_PASSWORD_MIN) " ký tự.";
static const char msg_pw_long[] = "Mật khẩu quá dài (tối đa " STR(AUTH_PASSWORD_MAX) " byte).";
static const char msg_pw_bad[] = "Mật khẩu chứa ký tự không hợp lệ.";
#define LOGIN_LEN STR(AUTH_LOGIN_MIN) " đến " STR(AUTH_LOGIN_MAX)
static const char msg_login_bad[] =
    "Tên đăng nhập phải dài từ " LOGIN_LEN " ký tự, chỉ gồm chữ cái không dấu, chữ số và . _ - @ +";

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc; /* result of init_run, read after init_once */
/* Hash, with the INTERACTIVE limits, of a random password nobody knows. */
static const char dummy_hash[crypto_pwhash_STRBYTES] =
    "$argon2id$v=19$m=65536,t=2,p=1$0MS54DTDQWw1vZYUzEHKig$gl/PwJijGGpMZXmkqLA5q3WOzfP6zHx/"
    "f80hMbTLMPA";

static void init_run(void)
{
    if (sodium_init() < 0)
        init_rc = ERR_INTERNAL;
}

int auth_init(void)
{
    pthread_once(&init_once, init_run);
    return init_rc;
}

/* ---- small helpers shared by the module ------------------------------------------------ */

void auth_copy_text(char *out, size_t size, const char *s, size_t n)
{
    if (size == 0)
        return;
    if (n >= size) {
        n = size - 1;
        /* Do not leave half a UTF-8 character behind. */
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    if (n)
        memcpy(out, s, n);
    out[n] = '\0';
}

const char *auth_status_name(enum auth_status st)
{
    switch (st) {
    case AUTH_STATUS_ACTIVE:
        return "active";
    case AUTH_STATUS_PENDING:
        return "pending";
    case AUTH_STATUS_DISABLED:
        return "disabled";
    }
    return "disabled";
}

enum auth_status auth_status_parse(const char *s)
{
    if (strcmp(s, "active") == 0)
        return AUTH_STATUS_ACTIVE;
    if (strcmp(s, "pending") == 0)
        return AUTH_STATUS_PENDING;
    return AUTH_STATUS_DISABLED;
}

/* ---- policy ---------------------------------------------------------------------------- */

static int set_msg(const char **msg_vi, const char *msg)
{
    if (msg_vi)
        *msg_vi = msg;
    return ERR_INVALID;
}

char *auth_password_nfc(struct arena *a, const char *password, size_t *len, const char **msg_vi)
{
    size_t n = password ? strlen(password) : 0;
    char *nfc;
    if (n > AUTH_PASSWORD_MAX) {
        set_msg(msg_vi, msg_pw_long);
        return NULL;
    }
    nfc = password ? utf8_nfc(a, password, n, len) : NULL;
    if (!nfc) {
        set_msg(msg_vi, password ? msg_pw_bad : msg_pw_short);
        return NULL;
    }
    if (*len > AUTH_PASSWORD_MAX) {
        sodium_memzero(nfc, *len);
        set_msg(msg_vi, msg_pw_long);
        return NULL;
    }
    if (utf8_length(nfc, *len) < AUTH_PASSWORD_MIN) {
        sodium_memzero(nfc, *len);
        set_msg(msg_vi, msg_pw_short);
        return NULL;
    }
    return nfc;
}

int auth_password_check(const char *password, const char **msg_vi)
{
    struct arena *a = arena_new(0);
    size_t len = 0;
    char *nfc = auth_password_nfc(a, password, &len, msg_vi);
    if (nfc)
        sodium_memzero(nfc, len);
    arena_free(a);
    return nfc ? 0 : ERR_INVALID;
}

static int login_char_ok(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
           c == '@' || c == '+';
}

int auth_login_fold(const char *login, char *out, const char **msg_vi)
{
    size_t n = login ? strlen(login) : 0;
    out[0] = '\0';
    if (n < AUTH_LOGIN_MIN || n > AUTH_LOGIN_MAX)
        return set_msg(msg_vi, msg_login_bad);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)login[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + ('a' - 'A'));
        if (!login_char_ok(c)) {
            out[0] = '\0';
            return set_msg(msg_vi, msg_login_bad);
        }
        out[i] = (char)c;
    }
    out[n] = '\0';
    return 0;
}

/* ---- hashing --------------------------------------------------------------------------- */

int auth_password_hash(const char *password, char out[AUTH_HASH_SIZE])
{
    struct arena *a;
    size_t len = 0;
    char *nfc;
    int rc;
    out[0] = '\0';
    if ((rc = auth_init()) < 0)
        return rc;
    a = arena_new(0);
    nfc = auth_password_nfc(a, password, &len, NULL);
    if (!nfc) {
        rc = ERR_INVALID;
        goto out;
    }
    if (crypto_pwhash_str_alg(out, nfc, len, OPSLIMIT, MEMLIMIT, crypto_pwhash_ALG_ARGON2ID13) !=
        0) {
        rc = ERR_NOMEM; /* libsodium could not get its 64 MiB */
        goto out;
    }
    rc = 0;
out:
    if (nfc)
        sodium_memzero(nfc, len);
    arena_free(a);
    return rc;
}

/* Verifies without the length policy (old passwords keep working); 0 or ERR_UNAUTH. */
static int verify_nfc(const char *hash, const char *password)
{
    struct arena *a = arena_new(0);
    size_t n = password ? strlen(password) : 0;
    size_t len = 0;
    char *nfc = NULL;
    int rc = ERR_UNAUTH;
    if (n <= AUTH_PASSWORD_MAX && password)
        nfc = utf8_nfc(a, password, n, &len);
    if (!nfc) {
        /* Spend the same time anyway. */
        if (crypto_pwhash_str_verify(dummy_hash, "", 0) == 0)
            rc = ERR_INTERNAL; /* cannot happen: nobody knows the dummy password */
        goto out;
    }
    if (crypto_pwhash_str_verify(hash, nfc, len) == 0)
        rc = 0;
out:
    if (nfc)
        sodium_memzero(nfc, len);
    arena_free(a);
    return rc;
}

int auth_password_verify(const char *hash, const char *password)
{
    if (auth_init() < 0 || !hash || !hash[0])
        return ERR_UNAUTH;
    return verify_nfc(hash, password);
}

static int hash_ok(const char *hash)
{
    size_t n = strlen(hash);
    return n > 0 && n < AUTH_HASH_SIZE && strncmp(hash, "$argon2", 7) == 0;
}

static int needs_rehash(const char *hash)
{
    if (strncmp(hash, ALG_PREFIX, strlen(ALG_PREFIX)) != 0)
        return 1; /* argon2i from an older setup */
    return crypto_pwhash_str_needs_rehash(hash, OPSLIMIT, MEMLIMIT) != 0;
}

/* ---- accounts -------------------------------------------------------------------------- */

static int name_ok(const char *s, size_t n)
{
    if (!utf8_valid(s, n))
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 0;
    return 1;
}

static int phone_ok(const char *s)
{
    size_t n = strlen(s);
    if (n > AUTH_PHONE_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || c == '+' || c == ' ' || c == '.' || c == '-'))
            return 0;
    }
    return 1;
}

int auth_account_create_hash(struct db *db, const char *login, const char *display_name,
                             const char *hash, const char *phone, int64_t unit_id, int64_t *id)
{
    struct arena *a = arena_new(0);
    char folded[AUTH_LOGIN_MAX + 1];
    struct str name = str_trim(str_c(display_name ? display_name : ""));
    char *nfc_name;
    size_t nfc_len = 0;
    int rc;
    if ((rc = auth_login_fold(login, folded, NULL)) < 0)
        goto out;
    if (!name_ok(name.ptr, name.len) || (hash && !hash_ok(hash)) || (phone && !phone_ok(phone)) ||
        unit_id < 0) {
        rc = ERR_INVALID;
        goto out;
    }
    nfc_name = utf8_nfc(a, name.ptr ? name.ptr : "", name.len, &nfc_len);
    if (!nfc_name || nfc_len > AUTH_NAME_MAX) {
        rc = ERR_INVALID;
        goto out;
    }
    rc = auth_store_account_insert(db, folded, nfc_name, hash ? hash : "", phone ? phone : "",
                                   hash ? AUTH_STATUS_ACTIVE : AUTH_STATUS_PENDING, unit_id,
                                   (int64_t)time(NULL), id);
out:
    arena_free(a);
    return rc;
}

int auth_account_create(struct db *db, const char *login, const char *display_name,
                        const char *password, const char *phone, int64_t unit_id, int64_t *id)
{
    char hash[AUTH_HASH_SIZE];
    char folded[AUTH_LOGIN_MAX + 1];
    int rc;
    /* Refuse a bad login before spending the hash. */
    if ((rc = auth_login_fold(login, folded, NULL)) < 0)
        return rc;
    if (password && (rc = auth_password_hash(password, hash)) < 0)
        return rc;
    return auth_account_create_hash(db, folded, display_name, password ? hash : NULL, phone,
                                    unit_id, id);
}

int auth_account_set_status(struct db *db, int64_t account_id, enum auth_status status)
{
    int rc;
    if ((unsigned)status > AUTH_STATUS_DISABLED)
        return ERR_INVALID;
    if ((rc = auth_store_account_set_status(db, account_id, status)) < 0)
        return rc;
    if (status != AUTH_STATUS_ACTIVE)
        rc = auth_store_sessions_delete_account(db, account_id);
    return rc;
}

int auth_account_by_login(struct db *db, const char *login, struct auth_user *out)
{
    char folded[AUTH_LOGIN_MAX + 1];
    int rc;
    memset(out, 0, sizeof *out);
    if (auth_login_fold(login, folded, NULL) < 0)
        return ERR_NOT_FOUND; /* no account can have that login */
    if ((rc = auth_store_account_by_login(db, folded, out, NULL)) < 0)
        return rc;
    return auth_store_grants_load(db, out);
}

int auth_password_set_hash(struct db *db, int64_t account_id, const char *hash)
{
    int rc;
    if (!hash || !hash_ok(hash))
        return ERR_INVALID;
    if ((rc = auth_store_password_update(db, account_id, hash)) < 0)
        return rc;
    return auth_store_sessions_delete_account(db, account_id);
}

int auth_password_set(struct db *db, int64_t account_id, const char *password)
{
    char hash[AUTH_HASH_SIZE];
    int rc = auth_password_hash(password, hash);
    if (rc < 0)
        return rc;
    return auth_password_set_hash(db, account_id, hash);
}

int auth_login(struct db *db, const char *login, const char *password, struct auth_user *out)
{
    char folded[AUTH_LOGIN_MAX + 1];
    char hash[AUTH_HASH_SIZE] = "";
    struct auth_user u;
    int found = 0;
    int rc;
    memset(out, 0, sizeof *out);
    memset(&u, 0, sizeof u);
    if ((rc = auth_init()) < 0)
        return rc;
    if (auth_login_fold(login, folded, NULL) == 0) {
        rc = auth_store_account_by_login(db, folded, &u, hash);
        if (rc < 0 && rc != ERR_NOT_FOUND)
            return rc;
        found = rc == 0 && u.status != AUTH_STATUS_DISABLED && hash_ok(hash);
    }
    /* The same Argon2 work whether or not the account exists. */
    rc = verify_nfc(found ? hash : dummy_hash, password);
    if (!found || rc < 0) {
        rc = ERR_UNAUTH;
        goto out;
    }
    if (u.status == AUTH_STATUS_PENDING) {
        /* Right password, not yet confirmed by the village head: say so (only someone who
         * knows the password learns it). */
        rc = ERR_FORBIDDEN;
        goto out;
    }
    if ((rc = auth_store_grants_load(db, &u)) < 0)
        goto out;
    u.needs_rehash = needs_rehash(hash);
    *out = u;
    rc = 0;
out:
    sodium_memzero(hash, sizeof hash);
    return rc;
}

/* ---- contacts ---------------------------------------------------------------------------- */

int auth_email_check(const char *email, const char **msg_vi)
{
    static const char bad[] = "Địa chỉ thư điện tử chưa đúng, ví dụ ten@ubnd.gov.vn.";
    size_t n = email ? strlen(email) : 0;
    if (n == 0)
        return 0;
    const char *at = strchr(email, '@');
    int ok = n <= AUTH_EMAIL_MAX && at && at != email && !strchr(at + 1, '@') &&
             strchr(at + 1, '.') && at[strlen(at) - 1] != '.' && utf8_valid(email, n);
    for (const char *p = email; ok && *p; p++)
        ok = (unsigned char)*p > 0x20 && *p != '<' && *p != '>' && *p != '"' && *p != ',' &&
             *p != ';' && *p != 0x7f;
    if (!ok) {
        set_msg(msg_vi, bad);
        return ERR_INVALID;
    }
    return 0;
}

int auth_account_set_email(struct db *db, int64_t account_id, const char *email)
{
    if (auth_email_check(email, NULL) != 0)
        return ERR_INVALID;
    return auth_store_email_set(db, account_id, email ? email : "");
}

int auth_account_contact(struct db *db, int64_t account_id, struct auth_contact *out)
{
    return auth_store_contact(db, account_id, out);
}

int auth_contacts(struct db *db, int64_t unit_id, const char *role, struct auth_contact *out,
                  size_t max, size_t *n)
{
    enum auth_role r;
    if (auth_role_parse(role, &r) != 0)
        return ERR_INVALID;
    return auth_store_contacts(db, unit_id, role, out, max, n);
}

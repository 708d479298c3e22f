/*
 * auth.h - the public header of src/auth: accounts, passwords, sessions,
 * CSRF tokens, roles scoped to units, login rate limits and the
 * hash-chained audit log.
 *
 * Files: password.c (hashing, accounts, sign-in), session.c (sessions and
 * CSRF), roles.c (role ids and the permission table), ratelimit.c (in-memory
 * token buckets), audit.c (the audit chain), store.c (all of auth's SQL).
 *
 * Functions taking a struct db run on the caller's connection and inside the
 * caller's transaction; they never BEGIN or COMMIT. Writes from HTTP handlers
 * belong in a write-queue job (store_write_submit). Password hashing costs
 * tens of milliseconds and 64 MiB, so a handler hashes with
 * auth_password_hash() before it submits the job and stores the finished hash
 * inside it (auth_account_create_hash, auth_password_set_hash): the single
 * writer thread must never wait for Argon2.
 *
 * Nothing here logs or stores a password, a session token or a CSRF token in
 * clear; the database keeps only SHA-256 of session tokens.
 */
#ifndef DANCHU_AUTH_H
#define DANCHU_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct db;

/* Absolute lifetime of a session in seconds, counted from sign-in (no idle extension). */
#define AUTH_SESSION_TTL_S (12 * 60 * 60)
/* Shortest password, in Unicode code points (after NFC). */
#define AUTH_PASSWORD_MIN 8
/* Longest password in bytes; longer input is refused before hashing. */
#define AUTH_PASSWORD_MAX 1024
/* Login names: 3..64 characters of a-z 0-9 . _ - @ + after folding to lower case. */
#define AUTH_LOGIN_MIN 3
#define AUTH_LOGIN_MAX 64
/* Longest display name in bytes (UTF-8, NFC). */
#define AUTH_NAME_MAX 200
/* Longest phone number in bytes. */
#define AUTH_PHONE_MAX 32
/* Grants kept per account in a struct auth_user; further rows are ignored (fail closed). */
#define AUTH_GRANTS_MAX 32
/* A 32-byte random value as lower-case hex plus the NUL: session tokens, CSRF tokens. */
#define AUTH_HEX_SIZE 65
/* An Argon2id hash string with its NUL (crypto_pwhash_STRBYTES). */
#define AUTH_HASH_SIZE 128
/* Server secret for anonymous CSRF tokens (crypto_auth_KEYBYTES). */
#define AUTH_SECRET_BYTES 32

/* Sets up libsodium and the dummy hash used for unknown logins. Safe to call often. */
int auth_init(void);

/* ---- roles (roles.c) ------------------------------------------------------------------- */

/* DESIGN.md "Roles". A role is held on a unit and covers that unit's descendants. */
enum auth_role {
    AUTH_ROLE_RESIDENT = 0,     /* resident / household representative */
    AUTH_ROLE_VILLAGE_HEAD,     /* trưởng thôn, tổ trưởng tổ dân phố */
    AUTH_ROLE_FRONT_BOARD,      /* Ban công tác Mặt trận of a village */
    AUTH_ROLE_OFFICER,          /* commune official or agency staff */
    AUTH_ROLE_UNIT_ADMIN,       /* administers accounts and units of a unit */
    AUTH_ROLE_CHAIRPERSON,      /* chủ tịch UBND */
    AUTH_ROLE_INSPECTION_BOARD, /* Ban Thanh tra nhân dân */
    AUTH_ROLE_INVESTMENT_BOARD, /* Ban Giám sát đầu tư của cộng đồng */
    AUTH_ROLE_COUNCIL,          /* HĐND, read-only supervision */
    AUTH_ROLE_FRONT,            /* Mặt trận Tổ quốc */
    AUTH_ROLE_PROVINCE_ADMIN,   /* province (Sở Nội vụ) administrator */
    AUTH_ROLE_COUNT
};

/* The role id as stored in account_roles.role, e.g. "village_head". */
const char *auth_role_name(enum auth_role r);
/* The role's Vietnamese name ("Chủ tịch Ủy ban nhân dân"), "" out of range. */
const char *auth_role_label(enum auth_role r);
/* Role id → enum; ERR_INVALID for anything else. */
int auth_role_parse(const char *s, enum auth_role *out);

/*
 * Permissions and the roles that hold them (on the unit and its descendants):
 *
 *   roll.view        village_head officer unit_admin chairperson province_admin
 *                    front_board inspection_board council front
 *   roll.edit        village_head officer unit_admin chairperson province_admin
 *   roll.import      village_head officer unit_admin chairperson province_admin
 *   resident.confirm village_head officer unit_admin
 *   units.view       every role
 *   units.edit       unit_admin province_admin
 *   users.manage     unit_admin chairperson province_admin
 *   audit.view       unit_admin chairperson inspection_board council province_admin
 *   disclosure.manage   officer unit_admin chairperson (create, publish, correct, withdraw)
 *   disclosure.post     village_head officer unit_admin chairperson (record postings)
 *   disclosure.view     the above plus inspection_board council front province_admin
 *                       (back-office lists and the compliance dashboard)
 *   disclosure.secret   officer unit_admin chairperson (see items marked state secret)
 *   feedback.manage     officer unit_admin chairperson (receive, classify, answer residents'
 *                       requests and cases, record those received on paper)
 *   feedback.view       the above plus inspection_board council front province_admin (the
 *                       queue and the cases, never a sealed identity)
 *   reception.manage    officer unit_admin chairperson (reception days, bookings, the
 *                       citizen reception register)
 *   rating.manage       officer unit_admin chairperson (desks, QR posters and receipts)
 *   rating.view         the above plus inspection_board council front province_admin
 *                       (satisfaction indices)
 *   consultation.manage officer unit_admin chairperson (import drafts, open consultations,
 *                       enter comments from other forms, synthesise, decide, publish)
 *   consultation.view   the above plus inspection_board council front province_admin (drafts
 *                       and the synthesis in the back office)
 *   consultation.staff  officer unit_admin chairperson (read and comment on an agency's
 *                       internal drafts, DOMAIN H)
 *   decision.view       decision.manage's roles plus inspection_board council front
 *                       province_admin (the report of decided matters to the HĐND, D12)
 *   decision.recognise  chairperson unit_admin (the UBND recognises, refuses or annuls a
 *                       community decision, DOMAIN D8, D9)
 *   decision.recognise_front  front (the MTTQ recognises elections of board members, D8)
 *   decision.manage     village_head front_board officer unit_admin chairperson (table a
 *                       matter, notice, attendance, counts, ballot cards, online voting)
 *   decision.commune    chairperson unit_admin (table a commune-wide M1/M2 in every village
 *                       and conclude it from the villages' results, DOMAIN D1, D2)
 *
 * 1 when perm is in the table and role r holds it, else 0.
 */
int auth_perm_has_role(const char *perm, enum auth_role r);
/* 1 when perm names a permission of the table above. */
int auth_perm_known(const char *perm);

/* ---- accounts and passwords (password.c) ----------------------------------------------- */

enum auth_status {
    AUTH_STATUS_ACTIVE = 0, /* may sign in */
    AUTH_STATUS_PENDING,    /* created without a password; cannot sign in yet */
    AUTH_STATUS_DISABLED,   /* switched off by an administrator */
};

struct auth_grant {
    enum auth_role role; /* the role held */
    int64_t unit_id;     /* the unit it is held on; covers its descendants */
};

/* A signed-in person (or an account read by login). Plain data; copy it freely. */
struct auth_user {
    int64_t id;                           /* accounts.id */
    char login[AUTH_LOGIN_MAX + 1];       /* folded login name */
    char display_name[AUTH_NAME_MAX + 1]; /* name shown on pages */
    int64_t unit_id;                      /* the account's home unit, 0 for none */
    enum auth_status status;              /* active, pending or disabled */
    char csrf[AUTH_HEX_SIZE];             /* the session's CSRF token, "" outside a session */
    int needs_rehash; /* auth_login: hash uses old parameters; store a new one */
    size_t n_grants;  /* roles held, at most AUTH_GRANTS_MAX */
    struct auth_grant grants[AUTH_GRANTS_MAX]; /* (role, unit) pairs */
};

/*
 * Checks a new password against the policy (valid UTF-8, at least
 * AUTH_PASSWORD_MIN characters, at most AUTH_PASSWORD_MAX bytes). Returns 0 or
 * ERR_INVALID with *msg_vi (may be NULL) set to the Vietnamese sentence to show.
 */
int auth_password_check(const char *password, const char **msg_vi);
/*
 * Folds login to lower case into out (AUTH_LOGIN_MAX + 1 bytes) and checks it.
 * Returns 0 or ERR_INVALID with *msg_vi (may be NULL) set.
 */
int auth_login_fold(const char *login, char *out, const char **msg_vi);

/*
 * Argon2id hash (OPSLIMIT/MEMLIMIT_INTERACTIVE) of the NFC form of password
 * into out (AUTH_HASH_SIZE bytes). Checks the policy first (ERR_INVALID).
 * Slow on purpose: call it outside the writer thread, once per distinct
 * password (demo seeding hashes each distinct password once and reuses it).
 */
int auth_password_hash(const char *password, char out[AUTH_HASH_SIZE]);
/* 0 when password matches hash, else ERR_UNAUTH. */
int auth_password_verify(const char *hash, const char *password);

/*
 * Creates an account. password NULL creates a pending account without a
 * password (it cannot sign in until auth_password_set). phone may be NULL,
 * unit_id 0 for none. *id gets the new id. ERR_INVALID for a bad login, name,
 * phone or password; ERR_CONFLICT when the login is taken. Hashes inline:
 * meant for the CLI, tests and seeding.
 */
int auth_account_create(struct db *db, const char *login, const char *display_name,
                        const char *password, const char *phone, int64_t unit_id, int64_t *id);
/* The same with a hash from auth_password_hash() (NULL: pending account). */
int auth_account_create_hash(struct db *db, const char *login, const char *display_name,
                             const char *hash, const char *phone, int64_t unit_id, int64_t *id);
/* Active, pending or disabled. A disabled account's sessions stop working at once. */
int auth_account_set_status(struct db *db, int64_t account_id, enum auth_status status);
/* Reads an account (without session fields) by login; ERR_NOT_FOUND when none. */
int auth_account_by_login(struct db *db, const char *login, struct auth_user *out);

/*
 * Sets a new password: checks the policy, hashes, stores, activates a pending
 * account and deletes all of the account's sessions (signs out everywhere; a
 * person changing their own password gets a fresh session from the caller).
 */
int auth_password_set(struct db *db, int64_t account_id, const char *password);
/* The same with a finished hash from auth_password_hash(). */
int auth_password_set_hash(struct db *db, int64_t account_id, const char *hash);

/*
 * Checks a login name and password. Returns 0 with out filled (roles included,
 * csrf empty) or ERR_UNAUTH for an unknown login, a wrong password, or a
 * disabled account - always the same code, and after the same Argon2 work, so
 * the answer does not reveal which logins exist. ERR_FORBIDDEN when the
 * password is right but the account is still pending (a resident waiting for
 * the village head), so the person can be told why.
 * ERR_DB when the database fails. Read-only: when out->needs_rehash is set,
 * the caller may store auth_password_hash(password) with auth_password_set_hash.
 */
int auth_login(struct db *db, const char *login, const char *password, struct auth_user *out);

/* Grants role (an id of enum auth_role, e.g. "officer") on unit_id. Granting twice is fine. */
int auth_role_grant(struct db *db, int64_t account_id, int64_t unit_id, const char *role);
/* Takes the grant away; ERR_NOT_FOUND when it was not held. */
int auth_role_revoke(struct db *db, int64_t account_id, int64_t unit_id, const char *role);

/*
 * Does u hold role_or_perm (a role id such as "village_head", or a permission
 * of the table above such as "roll.edit") on unit_id? ancestors lists the
 * ancestors of unit_id (parent, grandparent, ... in any order), so a grant on
 * any of them covers unit_id; the caller passes the chain, so checks need no
 * query. u NULL (anonymous) or an unknown name → 0. Returns 1 or 0.
 */
int auth_can(const struct auth_user *u, const char *role_or_perm, int64_t unit_id,
             const int64_t *ancestors, size_t n_ancestors);
/* 1 when u holds role_or_perm on some unit (menus: "show the admin link at all"). */
int auth_can_anywhere(const struct auth_user *u, const char *role_or_perm);

/* ---- sessions and CSRF (session.c) ----------------------------------------------------- */

/*
 * Starts a session for account_id at now (unix seconds), valid for
 * AUTH_SESSION_TTL_S. token gets the cookie value (random 32 bytes, hex);
 * only its SHA-256 is stored. csrf gets the session's CSRF token (may be NULL).
 */
int auth_session_create(struct db *db, int64_t account_id, int64_t now, char token[AUTH_HEX_SIZE],
                        char csrf[AUTH_HEX_SIZE]);
/*
 * The session of cookie value token at now: fills out (account, roles, csrf).
 * ERR_UNAUTH when the token is malformed, unknown, expired, or the account is
 * no longer active.
 */
int auth_session_lookup(struct db *db, const char *token, int64_t now, struct auth_user *out);
/* Sign-out: deletes the session row (no error when it is already gone). */
int auth_session_delete(struct db *db, const char *token);
/* Deletes expired sessions; *n_deleted (may be NULL) gets how many. */
int auth_session_purge(struct db *db, int64_t now, int64_t *n_deleted);
/* Constant-time check of a submitted CSRF token against u's session: 0 or ERR_CSRF. */
int auth_csrf_check(const struct auth_user *u, const char *token, size_t token_len);

/* Fills out with 32 random bytes as hex: a visitor cookie value, a secret seed. */
void auth_random_hex(char out[AUTH_HEX_SIZE]);
/* Fills secret with AUTH_SECRET_BYTES random bytes (a new server secret). */
void auth_secret_new(unsigned char secret[AUTH_SECRET_BYTES]);
/*
 * Stateless CSRF token for anonymous forms (sign-in): hex(HMAC(secret,
 * visitor)), where visitor is a random per-visitor cookie value from
 * auth_random_hex(). ERR_INVALID when visitor is not such a value.
 */
int auth_anon_csrf(const unsigned char secret[AUTH_SECRET_BYTES], const char *visitor,
                   char out[AUTH_HEX_SIZE]);
/* Constant-time check of token against auth_anon_csrf(secret, visitor): 0 or ERR_CSRF. */
int auth_anon_csrf_check(const unsigned char secret[AUTH_SECRET_BYTES], const char *visitor,
                         const char *token, size_t token_len);

/* ---- rate limits (ratelimit.c) --------------------------------------------------------- */

/*
 * In-memory token buckets keyed by strings such as "login:" + IP and
 * "login:" + login name: limit hits per window seconds, refilled evenly
 * (GCRA). Fixed size: n_slots entries (rounded up to a power of two), chosen
 * once; when the table is full the least restricted key is forgotten.
 * Thread-safe.
 */
struct ratelimit;

/* Returns a new owned table; free with ratelimit_free(). limit > 0, window_s > 0. */
struct ratelimit *ratelimit_new(size_t n_slots, int limit, int64_t window_s);
void ratelimit_free(struct ratelimit *rl);
/* Counts one hit for key at now (unix seconds): 0 when allowed, ERR_RATE when over the limit. */
int ratelimit_hit(struct ratelimit *rl, const char *key, int64_t now);
/* Forgets key (e.g. the login name after a successful sign-in). */
/* Would a hit now be refused? Like ratelimit_hit but counts nothing (sign-in counts only
 * failures, so an office behind one address is not locked out by good sign-ins). */
int ratelimit_check(struct ratelimit *rl, const char *key, int64_t now);
void ratelimit_clear(struct ratelimit *rl, const char *key);

/* ---- keys for sealed data (keys.c) ------------------------------------------------------ */

/*
 * Officials who may handle a denunciation hold an X25519 key pair (libsodium crypto_box): the
 * public key in clear, the secret key wrapped under a key derived with Argon2id from their
 * password (INTERACTIVE limits, the NFC form of the password, a salt of its own). The server
 * can open a secret key only while the person types their password. The escrow key pair of
 * the installation has its secret half printed once (the recovery key) and never stored.
 */
#define AUTH_BOX_KEY 32 /* crypto_box public and secret key size */
/* version 1 | salt 16 | nonce 24 | secret key 32 + MAC 16 */
#define AUTH_WRAPPED_SIZE (1 + 16 + 24 + 32 + 16)
/* "DC1-" and 17 groups of 4 hex digits (the key and a 2-byte check) joined by '-', and NUL */
#define AUTH_RECOVERY_SIZE (4 + 17 * 5)

/* An account's key pair as stored. */
struct auth_keys {
    unsigned char pk[AUTH_BOX_KEY];           /* public key */
    unsigned char wrapped[AUTH_WRAPPED_SIZE]; /* secret key under the password */
};

/* 1 when u holds a role that may be given sealed cases (feedback.manage anywhere). */
int auth_keys_needed(const struct auth_user *u);
/* A new key pair whose secret is wrapped under password (Argon2id: tens of ms and 64 MiB).
 * 0, ERR_INVALID for a password that is not valid UTF-8, ERR_NOMEM when Argon2id cannot get
 * its memory. */
int auth_keys_make(const char *password, struct auth_keys *out);
/* The secret key of k, opened with password (Argon2id again). 0, or ERR_UNAUTH when the
 * password does not open it. sk is the caller's to wipe (sodium_memzero). */
int auth_keys_unwrap(const struct auth_keys *k, const char *password,
                     unsigned char sk[AUTH_BOX_KEY]);
/* Stores k as account_id's keys, replacing any (a reset password makes new keys: cases sealed
 * to the old ones need the recovery key). Call inside a write. */
int auth_keys_save(struct db *db, int64_t account_id, const struct auth_keys *k);
/* Stores k only when the account has no keys yet (sign-in); 0 either way. */
int auth_keys_save_new(struct db *db, int64_t account_id, const struct auth_keys *k);
/* account_id's keys; ERR_NOT_FOUND when it has none. */
int auth_keys_get(struct db *db, int64_t account_id, struct auth_keys *out);

/* A key holder: an account and its public key. */
struct auth_key_holder {
    int64_t account_id;                   /* accounts.id */
    char display_name[AUTH_NAME_MAX + 1]; /* its name */
    unsigned char pk[AUTH_BOX_KEY];       /* its public key */
};
/* Active accounts holding role on unit_id itself (not above it) that have keys, at most max,
 * in id order: the people a sealed case of that unit goes to. */
int auth_key_holders(struct db *db, int64_t unit_id, const char *role, struct auth_key_holder *out,
                     size_t max, size_t *n);
/* Active accounts with keys holding perm on one of units[0..n_units) (a unit and its
 * ancestors), at most max, each once: whom a sealed case may be reassigned to. */
int auth_key_holders_perm(struct db *db, const int64_t *units, size_t n_units, const char *perm,
                          struct auth_key_holder *out, size_t max, size_t *n);

/* A new escrow key pair: stores its public key and gives its secret key in recovery form
 * (print it once; it is not kept). *id is the escrow_keys row. Call inside a write. */
int auth_escrow_create(struct db *db, char recovery[AUTH_RECOVERY_SIZE], int64_t *id);
/* The newest escrow public key; ERR_NOT_FOUND when the installation has none. */
int auth_escrow_current(struct db *db, int64_t *id, unsigned char pk[AUTH_BOX_KEY]);
/* The secret and public keys of a typed recovery key (spaces, dashes and case ignored);
 * ERR_INVALID when it is not one (wrong length, digit or check). */
int auth_recovery_parse(const char *typed, unsigned char sk[AUTH_BOX_KEY],
                        unsigned char pk[AUTH_BOX_KEY]);

/* ---- contacts (password.c): where an account's notifications go ------------------------- */

#define AUTH_EMAIL_MAX 254

/* Someone to notify. */
struct auth_contact {
    int64_t account_id;                   /* accounts.id */
    char display_name[AUTH_NAME_MAX + 1]; /* name for the greeting */
    char email[AUTH_EMAIL_MAX + 1];       /* address */
};

/* Checks an e-mail address as a person types it (one address, no display name, at most
 * AUTH_EMAIL_MAX bytes, a dot after the @); "" is allowed (none). 0, or ERR_INVALID with the
 * Vietnamese sentence in *msg_vi. */
int auth_email_check(const char *email, const char **msg_vi);
/* Sets an account's e-mail ("" for none). Call inside a write; audited by the caller. */
int auth_account_set_email(struct db *db, int64_t account_id, const char *email);
/* The contact of one account; ERR_NOT_FOUND when it does not exist. email "" when none. */
int auth_account_contact(struct db *db, int64_t account_id, struct auth_contact *out);
/* Active accounts holding role on unit_id itself that have an e-mail, at most max, in id
 * order. */
int auth_contacts(struct db *db, int64_t unit_id, const char *role, struct auth_contact *out,
                  size_t max, size_t *n);

/* ---- audit log (audit.c) --------------------------------------------------------------- */

/*
 * Appends one row to the hash-chained audit log inside the caller's
 * transaction: hash = hex(SHA-256(prev_hash, at, actor, unit, action, object,
 * detail)), each field length-prefixed; the first row's prev_hash is 64 zeros.
 * actor_id / unit_id 0 store NULL (system, no unit). object names the thing
 * changed ("household:12"), detail says what changed. Never put passwords,
 * tokens or a denouncer's identity into object or detail.
 */
int audit_append(struct db *db, int64_t actor_id, int64_t unit_id, const char *action,
                 const char *object, const char *detail);
/*
 * Walks the log in id order recomputing the chain. 0 when intact, with
 * *n_rows (may be NULL) = rows checked. ERR_CONFLICT when a row was changed,
 * deleted or reordered by hand, with *bad_id (may be NULL) = the first row
 * whose hash or link does not match (after a deletion: the row that followed
 * it). Deleting rows at the very end leaves a shorter valid chain; compare
 * n_rows with an earlier count to catch that.
 */
int audit_verify(struct db *db, int64_t *n_rows, int64_t *bad_id);

/*
 * Resident registration (issue 2). A resident registers with a phone number
 * (the login), a name, a password and their village; the account waits as
 * pending until the village head confirms it against the roll (linking it to
 * a household and member), or until an SMS one-time code proves the phone
 * and that phone is already on the roll of that village.
 */
struct auth_registration {
    int64_t id;                           /* accounts.id */
    char login[AUTH_LOGIN_MAX + 1];       /* the phone number */
    char display_name[AUTH_NAME_MAX + 1]; /* the name they gave */
    char phone[AUTH_PHONE_MAX + 1];       /* 10 digits */
    enum auth_status status;              /* pending until confirmed */
    int64_t unit_id;                      /* the village they chose */
    char claimed_household[32];           /* household code they typed, may be "" */
};

#define AUTH_CODE_TTL_S 600 /* an SMS code lives 10 minutes */
#define AUTH_CODE_TRIES 5   /* wrong codes allowed before a new one is needed */

/* Pending account for phone (normalised 0xxxxxxxxx); ERR_CONFLICT when it is taken. */
int auth_register(struct db *db, const char *phone, const char *display_name, const char *hash,
                  int64_t village_id, const char *claimed_household, int64_t *id);
/* Pending registrations of one village as [{id, login, display_name, phone,
 * claimed_household, created_at}]. */
int auth_pending_json(struct db *db, int64_t village_id, json_t **out);
int auth_registration_get(struct db *db, int64_t id, struct auth_registration *out);
/* Links the account to its household (and member, 0 for none), activates it and grants
 * `resident` on its village. */
int auth_registration_confirm(struct db *db, int64_t id, int64_t household_id, int64_t member_id);
int auth_registration_reject(struct db *db, int64_t id);
/* Links an active account to the household it represents (member 0 for none), as a village
 * head's confirmation does, without touching its roles (the demo's resident). */
int auth_account_link_household(struct db *db, int64_t id, int64_t household_id, int64_t member_id);
/* A new 6-digit code for the account's phone: stored hashed, returned in code (7 bytes). */
int auth_phone_code_new(struct db *db, int64_t account_id, const char *phone, int64_t now,
                        char code[7]);
/* Checks code for phone: 0 and *account_id, ERR_UNAUTH for a wrong or expired code, ERR_RATE
 * after AUTH_CODE_TRIES wrong tries. A good code is used up. */
int auth_phone_code_check(struct db *db, const char *phone, const char *code, int64_t now,
                          int64_t *account_id);

#endif

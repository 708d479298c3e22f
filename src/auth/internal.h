/*
 * internal.h - what the files of src/auth share with each other and nobody
 * else: the data-access functions of store.c (all of auth's SQL lives
 * there) and small helpers. Other modules include auth.h only.
 */
#ifndef DANCHU_AUTH_INTERNAL_H
#define DANCHU_AUTH_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/str.h"

#include <jansson.h>

struct db;

/* Copies s[0..n) into out (size bytes), cut at a UTF-8 character boundary, NUL-terminated. */
void auth_copy_text(char *out, size_t size, const char *s, size_t n);
/* "active" / "pending" / "disabled" and back; unknown text reads as disabled (fail closed). */
const char *auth_status_name(enum auth_status st);
enum auth_status auth_status_parse(const char *s);

/* NFC form of password in a, or NULL (msg_vi, may be NULL, set) when it breaks the policy. The
 * caller wipes the result with sodium_memzero before freeing a. */
char *auth_password_nfc(struct arena *a, const char *password, size_t *len, const char **msg_vi);

/* keys (keys.c) */
int auth_store_keys_put(struct db *db, int64_t account_id, const struct auth_keys *k, int replace,
                        int64_t now);
int auth_store_keys_get(struct db *db, int64_t account_id, struct auth_keys *out);
int auth_store_key_holders(struct db *db, int64_t unit_id, const char *role,
                           struct auth_key_holder *out, size_t max, size_t *n);
int auth_store_escrow_insert(struct db *db, const unsigned char pk[AUTH_BOX_KEY], int64_t now,
                             int64_t *id);
int auth_store_escrow_current(struct db *db, int64_t *id, unsigned char pk[AUTH_BOX_KEY]);

/* contacts */
int auth_store_email_set(struct db *db, int64_t account_id, const char *email);
int auth_store_contact(struct db *db, int64_t account_id, struct auth_contact *out);
int auth_store_contacts(struct db *db, int64_t unit_id, const char *role, struct auth_contact *out,
                        size_t max, size_t *n);

/* accounts */
int auth_store_account_insert(struct db *db, const char *login, const char *display_name,
                              const char *hash, const char *phone, enum auth_status status,
                              int64_t unit_id, int64_t now, int64_t *id);
/* Fills out's account fields and hash (AUTH_HASH_SIZE bytes, "" for none); ERR_NOT_FOUND. */
int auth_store_account_by_login(struct db *db, const char *login, struct auth_user *out,
                                char *hash);
int auth_store_account_set_status(struct db *db, int64_t id, enum auth_status status);
/* Stores hash and turns a pending account active. ERR_NOT_FOUND for no such account. */
int auth_store_password_update(struct db *db, int64_t id, const char *hash);

/* roles: loads out->grants for out->id. */
int auth_store_grants_load(struct db *db, struct auth_user *out);
int auth_store_grant_insert(struct db *db, int64_t account_id, int64_t unit_id, const char *role);
int auth_store_grant_delete(struct db *db, int64_t account_id, int64_t unit_id, const char *role,
                            int64_t *n_deleted);

/* sessions */
int auth_store_session_insert(struct db *db, const char *token_hash, int64_t account_id,
                              const char *csrf, int64_t now, int64_t expires_at);
/* Session joined with its active account; ERR_NOT_FOUND when none valid at now. */
int auth_store_session_get(struct db *db, const char *token_hash, int64_t now,
                           struct auth_user *out, int64_t *expires_at);
int auth_store_session_delete(struct db *db, const char *token_hash);
int auth_store_sessions_delete_account(struct db *db, int64_t account_id);
int auth_store_sessions_purge(struct db *db, int64_t now, int64_t *n_deleted);

/* audit log */
struct auth_audit_row {
    int64_t id;           /* audit_log.id */
    int64_t at;           /* unix seconds */
    int64_t actor_id;     /* account, meaningful when !actor_null */
    int actor_null;       /* actor_id is NULL (the system acted) */
    int64_t unit_id;      /* unit, meaningful when !unit_null */
    int unit_null;        /* unit_id is NULL */
    struct str action;    /* what kind of change */
    struct str object;    /* what was changed */
    struct str detail;    /* how */
    struct str prev_hash; /* hash of the row before (hex) */
    struct str hash;      /* this row's hash (hex) */
};

/* Serialises appenders: pg_advisory_xact_lock on PostgreSQL, nothing on SQLite. */
int auth_store_audit_lock(struct db *db);
/* The newest row's hash into out (AUTH_HEX_SIZE bytes), or 64 zeros when the log is empty. */
int auth_store_audit_last_hash(struct db *db, char *out);
/* Inserts row (id ignored); *id gets the new id. */
int auth_store_audit_insert(struct db *db, const struct auth_audit_row *row, int64_t *id);
/* Calls fn for every row in id order; stops at fn's first non-zero result and returns it. */
int auth_store_audit_walk(struct db *db, int (*fn)(const struct auth_audit_row *row, void *arg),
                          void *arg);

/* resident registration (register.c) */
int auth_store_register(struct db *db, const char *login, const char *name, const char *hash,
                        int64_t unit_id, const char *claimed, int64_t now, int64_t *id);
int auth_store_pending(struct db *db, int64_t unit_id, json_t **out);
int auth_store_account_by_id(struct db *db, int64_t id, struct auth_registration *out);
int auth_store_account_link(struct db *db, int64_t id, int64_t household_id, int64_t member_id);
int auth_store_code_put(struct db *db, const char *phone, const char *code_hash, int64_t account_id,
                        int64_t expires_at);
int auth_store_code_get(struct db *db, const char *phone, int64_t *account_id, char *code_hash,
                        size_t hash_size, int64_t *expires_at, int64_t *tries);
int auth_store_code_try(struct db *db, const char *phone, int64_t account_id);
int auth_store_code_drop(struct db *db, const char *phone);

#endif

/*
 * register.c - residents' self-registration: pending accounts, confirmation
 * against the roll by the village head, and SMS one-time codes.
 *
 * Codes are 6 digits, stored only as a keyed hash, valid AUTH_CODE_TTL_S and
 * AUTH_CODE_TRIES wrong tries; a good code is used up at once.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth/internal.h"
#include "core/core.h"
#include "store/store.h"

int auth_register(struct db *db, const char *phone, const char *display_name, const char *hash,
                  int64_t village_id, const char *claimed_household, int64_t *id)
{
    if (!phone || strlen(phone) != 10 || !display_name || !display_name[0] || !hash)
        return ERR_INVALID;
    return auth_store_register(db, phone, display_name, hash, village_id,
                               claimed_household ? claimed_household : "", (int64_t)time(NULL), id);
}

int auth_pending_json(struct db *db, int64_t village_id, json_t **out)
{
    return auth_store_pending(db, village_id, out);
}

int auth_registration_get(struct db *db, int64_t id, struct auth_registration *out)
{
    return auth_store_account_by_id(db, id, out);
}

int auth_registration_confirm(struct db *db, int64_t id, int64_t household_id, int64_t member_id)
{
    struct auth_registration reg;
    int rc = auth_store_account_by_id(db, id, &reg);
    if (rc)
        return rc;
    if (reg.status != AUTH_STATUS_PENDING || !reg.unit_id)
        return ERR_CONFLICT;
    if ((rc = auth_store_account_link(db, id, household_id, member_id)) != 0)
        return rc;
    return auth_role_grant(db, id, reg.unit_id, "resident");
}

int auth_account_link_household(struct db *db, int64_t id, int64_t household_id, int64_t member_id)
{
    return auth_store_account_link(db, id, household_id, member_id);
}

int auth_registration_reject(struct db *db, int64_t id)
{
    struct auth_registration reg;
    int rc = auth_store_account_by_id(db, id, &reg);
    if (rc)
        return rc;
    if (reg.status != AUTH_STATUS_PENDING)
        return ERR_CONFLICT;
    return auth_account_set_status(db, id, AUTH_STATUS_DISABLED);
}

static void code_hash(const char *phone, const char *code, char out[65])
{
    unsigned char h[32];
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    crypto_generichash_update(&st, (const unsigned char *)phone, strlen(phone));
    crypto_generichash_update(&st, (const unsigned char *)":", 1);
    crypto_generichash_update(&st, (const unsigned char *)code, strlen(code));
    crypto_generichash_final(&st, h, sizeof h);
    hex_encode(h, sizeof h, out);
}

int auth_phone_code_new(struct db *db, int64_t account_id, const char *phone, int64_t now,
                        char code[7])
{
    snprintf(code, 7, "%06u", (unsigned)randombytes_uniform(1000000));
    char h[65];
    code_hash(phone, code, h);
    return auth_store_code_put(db, phone, h, account_id, now + AUTH_CODE_TTL_S);
}

int auth_phone_code_check(struct db *db, const char *phone, const char *code, int64_t now,
                          int64_t *account_id)
{
    char stored[65], h[65];
    int64_t expires, tries;
    int rc = auth_store_code_get(db, phone, account_id, stored, sizeof stored, &expires, &tries);
    if (rc == ERR_NOT_FOUND)
        return ERR_UNAUTH;
    if (rc)
        return rc;
    if (tries >= AUTH_CODE_TRIES)
        return ERR_RATE;
    if (now > expires)
        return ERR_UNAUTH;
    code_hash(phone, code ? code : "", h);
    if (sodium_memcmp(h, stored, 64) != 0) {
        if ((rc = auth_store_code_try(db, phone, *account_id)) != 0)
            return rc;
        return tries + 1 >= AUTH_CODE_TRIES ? ERR_RATE : ERR_UNAUTH;
    }
    return auth_store_code_drop(db, phone);
}

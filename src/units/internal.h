/*
 * internal.h - shared by the files of src/units only (store.c, import.c,
 * routes.c, demo.c). Other modules use units.h.
 */
#ifndef DANCHU_UNITS_INTERNAL_H
#define DANCHU_UNITS_INTERNAL_H

#include "units/units.h"

/* A household found by its code. */
struct hh_found {
    int64_t id;             /* households.id */
    int64_t village_id;     /* its village */
    char status[16];        /* households.status */
    char address[512];      /* households.address */
    int64_t representative; /* member id or 0 */
};

/* A member as stored, for comparing with an imported row. */
struct member_rec {
    int64_t id;              /* members.id */
    const char *full_name;   /* NFC */
    const char *name_fold;   /* folded, for matching */
    const char *birth;       /* "yyyy-mm-dd", "yyyy" or "" */
    const char *gender;      /* "nam", "nu", "khac" or "" */
    const char *relation;    /* free text */
    const char *phone;       /* "" or 10 digits */
    const char *national_id; /* "" or 12 digits */
    int matched;             /* import: paired with a file row */
};

/* units_household_add for a village and commune the caller already resolved (the HTTP handler
 * reads them on its worker thread, so the writer thread does less). */
int units_household_add_in(struct db *db, int64_t actor, int64_t commune_id, int64_t village_id,
                           const char *code, const char *address, const struct member_input *head,
                           int64_t *id);
int units_event(struct db *db, int64_t actor, int64_t household_id, const char *kind,
                const char *detail);
int units_member_insert(struct db *db, int64_t household_id, const struct member_input *m,
                        int64_t *id);
int units_household_insert(struct db *db, int64_t commune_id, int64_t village_id, const char *code,
                           const char *address, int64_t *id);
int units_household_find(struct db *db, int64_t commune_id, const char *code, struct hh_found *out);
int units_set_representative_raw(struct db *db, int64_t household_id, int64_t member_id);
int units_set_address_raw(struct db *db, int64_t household_id, const char *address);
/* Active members of a household, in the arena. */
int units_members_load(struct db *db, struct arena *a, int64_t household_id,
                       struct member_rec **out, size_t *n);
/* Overwrites a member's fields (not its name or household). */
int units_member_update_raw(struct db *db, int64_t member_id, const struct member_input *m);
/* Codes of active households in a unit (village or commune) as a JSON array of strings. */
int units_active_codes(struct db *db, int64_t unit_id, json_t **out);
/* cache.c: the unit tree of this connection, for connections serving requests. Each returns 1
 * when it answered (*rc 0 with *out filled, or ERR_NOT_FOUND), 0 when the caller must read the
 * table itself. */
int units_cache_by_code(struct db *db, const char *code, struct unit *out, int *rc);
int units_cache_by_id(struct db *db, int64_t id, struct unit *out, int *rc);

#endif

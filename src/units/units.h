/*
 * units.h - public header of the units module: administrative units
 * (province → commune → village/residential group, agencies) and the
 * household roll (households, members, the representative, history).
 *
 * Nothing here is ever deleted: households are closed (moved_out, merged,
 * dissolved) and members leave, each change writing a household event and
 * an audit row in the same transaction.
 */
#ifndef DANCHU_UNITS_H
#define DANCHU_UNITS_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "core/core.h"
#include "http/http.h"
#include "store/store.h"

struct unit {
    int64_t id;        /* units.id */
    char code[32];     /* official or local code */
    char kind[24];     /* province, commune_rural, ward, special_zone, village, ... */
    char name[256];    /* Vietnamese name, NFC */
    int64_t parent_id; /* 0 for a root */
};

/* 1 when kind is one of the seven unit kinds. */
int units_kind_valid(const char *kind);
/* 1 for the kinds of the commune level: xã, phường, đặc khu. */
int units_kind_is_commune(const char *kind);
/* Vietnamese label of a kind ("Thôn", "Tổ dân phố", "Phường"...). */
const char *units_kind_label(const char *kind);

int units_get(struct db *db, const char *code, struct unit *out);
int units_get_id(struct db *db, int64_t id, struct unit *out);
/* The unit of code when it is a commune (xã, phường, đặc khu), else ERR_NOT_FOUND. */
int units_get_commune(struct db *db, const char *code, struct unit *out);
/* Ancestors of unit_id from itself up to the root (at most max). */
int units_ancestors(struct db *db, int64_t unit_id, int64_t *out, size_t max, size_t *n);
/* Adds a unit; parent_code may be NULL for a root. Audited with actor. */
int units_add(struct db *db, int64_t actor, const char *code, const char *kind, const char *name,
              const char *parent_code, int64_t *id);
/* {"units": [{"code","kind","name","parent"}]} ordered by the tree. */
int units_list_json(struct db *db, json_t **out);
/* Children of a unit as a JSON array. */
int units_children_json(struct db *db, int64_t unit_id, json_t **out);
/*
 * Imports units from a CSV file with header code,kind,name,parent (UTF-8).
 * All or nothing; each bad line is reported in errors (JSON array of
 * {"line","message"}). Existing codes are updated (name) when changed.
 */
int units_import_csv(struct db *db, int64_t actor, const char *text, size_t len, json_t *errors,
                     int *n_added, int *n_updated);

/* Villages (and residential groups) below a commune, in the arena. */
int units_villages_of(struct db *db, struct arena *a, int64_t commune_id, struct unit **out,
                      size_t *n);
/* The commune a unit belongs to (itself if it is one). */
int units_commune_of(struct db *db, int64_t unit_id, struct unit *out);

/* --- the household roll --- */

struct roll_import_report {
    int added_households;   /* new households */
    int updated_households; /* households with any change */
    int added_members;      /* new members */
    int updated_members;    /* members with a changed field */
    int rep_changes;        /* representatives changed */
    json_t *missing;        /* codes of active households absent from the file (array) */
    json_t *errors;         /* [{"line","message"}], empty when applied */
};

/*
 * Parses and applies a roll file (CSV or XLSX bytes) for a commune or one of
 * its villages, inside the caller's transaction. Returns 0 when applied,
 * ERR_INVALID when the file has bad rows (report->errors lists them and the
 * caller must roll back), or another error.
 */
int units_roll_import(struct db *db, struct arena *a, int64_t actor, int64_t unit_id,
                      const char *bytes, size_t len, struct roll_import_report *report);

/* Households of a unit (village, or all villages of a commune), filtered by q (name or code,
 * folded), one page of per_page: the rows into *rows (arena a; columns id, code, address,
 * status, village_code, village, representative, n_members, status_label, active), and
 * "total", "page", "pages", "prev_page", "next_page" into model. */
int units_households_page(struct db *db, struct arena *a, const struct unit *u, const char *q,
                          int page, int per_page, json_t *model, struct rows **rows);
/* One household with members and history into model. */
int units_household_json(struct db *db, struct arena *a, int64_t household_id, json_t *model);
/* The village and commune ids of a household. */
int units_household_unit(struct db *db, int64_t household_id, int64_t *village_id);

struct member_input {
    const char *full_name;   /* required */
    const char *birth;       /* "yyyy-mm-dd", "yyyy" or "" */
    const char *gender;      /* "nam", "nu", "khac" or "" */
    const char *relation;    /* free text, e.g. "Con" */
    const char *phone;       /* "" or 10 digits */
    const char *national_id; /* "" or 12 digits */
};

int units_household_add(struct db *db, int64_t actor, int64_t village_id, const char *code,
                        const char *address, const struct member_input *head, int64_t *id);
int units_household_update(struct db *db, int64_t actor, int64_t household_id, const char *address);
int units_member_add(struct db *db, int64_t actor, int64_t household_id,
                     const struct member_input *m, int64_t *id);
/* kind: "left" (moved away) or "deceased". */
int units_member_leave(struct db *db, int64_t actor, int64_t member_id, const char *kind);
int units_representative_set(struct db *db, int64_t actor, int64_t household_id, int64_t member_id);
int units_household_move_out(struct db *db, int64_t actor, int64_t household_id);
/* Moves members (ids) of household_id into a new household code in the same village. */
int units_household_split(struct db *db, int64_t actor, int64_t household_id, const char *new_code,
                          const int64_t *member_ids, size_t n_members, int64_t *new_id);
/* Moves every active member of from_id into into_id and closes from_id as merged. */
int units_household_merge(struct db *db, int64_t actor, int64_t into_id, int64_t from_id);

/* Resident registration: the active household with code in the village. */
int units_household_in_village(struct db *db, int64_t village_id, const char *code,
                               int64_t *household_id);
/* The active member of a household whose name folds like full_name. */
int units_member_match(struct db *db, int64_t household_id, const char *full_name,
                       int64_t *member_id);
/* The one active member of the village with this phone (ERR_NOT_FOUND if none or several). */
int units_member_by_phone(struct db *db, int64_t village_id, const char *phone,
                          int64_t *household_id, int64_t *member_id);

/* Routes of the module (sign-in pages live in the app). */
extern const struct http_route units_routes[];
extern const size_t units_n_routes;

/* Builds the demo province into an empty, migrated database; prints progress. */
int units_demo_build(struct db *db, int n_households, FILE *progress);

/* "dd/mm/yyyy hh:mm" of unix time t in Vietnam's time (histories, logs shown to people). */
void units_format_time(int64_t t, char out[20]);

#endif

/*
 * conference.h - internal to src/decision: the village's annual community conference (hội nghị
 * định kỳ, DOMAIN D11). conference.c holds its pages, steps and documents; store_conference.c
 * every SQL statement of community_conferences (migration 0029). Included by those two files
 * only.
 */
#ifndef DANCHU_DECISION_CONFERENCE_H
#define DANCHU_DECISION_CONFERENCE_H

#include "decision/internal.h"

/* A conference as stored. Strings are arena memory; dates "yyyy-mm-dd" or "". */
struct cf_row {
    int64_t id, unit_id;                     /* the conference, its village */
    int year;                                /* the year it reviews */
    const char *held_on, *starts_at, *place; /* when and where */
    const char *invited_on, *plan_sent_on;   /* before it */
    const char *agenda, *chair, *secretary;  /* the agenda (one item a line), who led */
    const char *minutes;                     /* what was said and decided */
    int64_t attendance;                      /* households present, -1 not recorded */
    const char *report_sent_on;              /* the written report afterwards */
};

/* The steps whose day is recorded, in the order they fall due. */
enum cf_step { CS_PLAN, CS_INVITE, CS_REPORT, N_CSTEPS };

/* The minutes' form as saved (writer thread). */
struct cf_minutes {
    const char *agenda, *chair, *secretary; /* the agenda (one item a line), who led */
    const char *minutes;                    /* what was said and decided, or "" */
    int64_t attendance;                     /* households present, -1 not recorded */
};

/* ---- store_conference.c ---- */

/* Stores conference c of village c->unit_id made by actor, audited; sets c->id. */
int cf_store_create(struct db *db, int64_t actor, struct cf_row *c);
/* ERR_NOT_FOUND when there is no such conference. */
int cf_store_get(struct db *db, struct arena *a, int64_t id, struct cf_row *out);
/* Conferences of the unit and the villages below it, newest year first (id, village, year,
 * held_on, invited_on, plan_sent_on, report_sent_on, minutes_n), with room for 6 more columns. */
int cf_store_list(struct db *db, struct arena *a, int64_t unit_id, struct rows **out);
/* How many conferences village_id has for year (one at most). */
int cf_store_count_year(struct db *db, int64_t village_id, int year, int64_t *n);
/* The village's active households today. */
int cf_store_households(struct db *db, int64_t village_id, int64_t *n);
/* Records the day of step (yyyy-mm-dd) of conference id, audited. ERR_NOT_FOUND when the row is
 * gone. */
int cf_store_step(struct db *db, int64_t actor, int64_t id, int64_t unit_id, enum cf_step step,
                  const char *day);
/* Saves the agenda, the minutes and the attendance of conference id, audited. ERR_NOT_FOUND when
 * the row is gone. */
int cf_store_minutes(struct db *db, int64_t actor, int64_t id, int64_t unit_id,
                     const struct cf_minutes *m);

#endif

/*
 * election.h - internal to src/decision: elections in a village and the village head's
 * dismissal (DOMAIN D10, F1, F2). election.c holds their pages and steps; store_election.c every
 * SQL statement of decision_elections (migration 0029). Included by those two files only.
 */
#ifndef DANCHU_DECISION_ELECTION_H
#define DANCHU_DECISION_ELECTION_H

#include "decision/internal.h"

enum el_kind {
    EL_HEAD = 0,       /* the village head (M4) */
    EL_INSPECTION = 1, /* a Ban Thanh tra nhân dân member (M5, F1) */
    EL_INVESTMENT = 2, /* residents' representatives on a Ban GSĐTCĐ (M5, F2) */
    EL_DISMISSAL = 3,  /* the village head's dismissal (M4) */
};

/* The steps of the head's timeline (D10), in the order they fall due; after them, the interim
 * head recorded after a dismissal. */
enum el_step { ST_PLAN, ST_CANDIDATES, ST_TEAM, ST_NOTICE, N_STEPS, ST_INTERIM = N_STEPS };

/* An election as stored. Strings are arena memory; dates "yyyy-mm-dd" or "". */
struct el_row {
    int64_t decision_id;                    /* the M4/M5 matter */
    enum el_kind kind;                      /* what is elected, or a dismissal */
    const char *election_on;                /* the day of the vote (the meeting) */
    const char *plan_on, *team_on;          /* D10 steps recorded */
    const char *notice_on, *candidates_on;  /* D10 steps recorded */
    const char *team_leader, *team_members; /* the election team (members one a line) */
    const char *candidates;                 /* one a line */
    int term_months;                        /* the term */
    const char *project;                    /* Ban GSĐTCĐ: the project supervised */
    int eligible;                           /* board: eligibility confirmed */
    const char *trigger;                    /* dismissal: resignation, proposal, petition */
    const char *dismissed_name;             /* dismissal: the head dismissed */
    const char *dismissal_note;             /* dismissal: why, in words */
    const char *interim_head, *interim_on;  /* after a recognised dismissal */
};

/* ---- election.c ---- */

/* The stored name of kind k (decision_elections.kind). */
const char *el_kind_id(enum el_kind k);
/* The kind of a stored or typed name, or -1. */
int el_kind_parse(const char *s);

/* ---- store_election.c ---- */

/* Tables matter in (dm_store_create) and stores election e for it made by actor, audited; sets
 * in->id and e->decision_id. */
int el_store_create(struct db *db, int64_t actor, struct dm_new *in, struct el_row *e);
/* The election of matter id; ERR_NOT_FOUND when there is none. */
int el_store_get(struct db *db, struct arena *a, int64_t id, struct el_row *out);
/* Elections of the unit and the villages below it, newest first (id, village, kind, election_on,
 * title, status, recognition), with room for 4 more columns. */
int el_store_list(struct db *db, struct arena *a, int64_t unit_id, struct rows **out);
/*
 * Records the day (yyyy-mm-dd) of step for election id with what comes with it - ST_CANDIDATES:
 * the candidates (text); ST_TEAM: the team's leader (text) and members (text2); ST_INTERIM: the
 * interim head (text); NULL where nothing comes - audited on the matter. ERR_NOT_FOUND when the
 * row is gone.
 */
int el_store_step(struct db *db, int64_t actor, int64_t id, int64_t unit_id, enum el_step step,
                  const char *day, const char *text, const char *text2);
/* The village's next head election after matter id (not annulled): *next its matter, *on its
 * day (arena); 0 and "" when there is none. */
int el_store_next_head(struct db *db, struct arena *a, int64_t village_id, int64_t id,
                       int64_t *next, const char **on);
/* The village's active households and whether each signed the petition of matter id
 * (household_id, code, representative, signed_n), with room for 1 more column. */
int el_store_signatures(struct db *db, struct arena *a, int64_t id, int64_t village_id,
                        struct rows **out);

#endif

/*
 * covenant.h - internal to src/decision: village covenants (hương ước, quy ước; DOMAIN G,
 * Decree 61/2023/NĐ-CP). covenant.c holds the pages and the steps; store_covenant.c every SQL
 * statement of covenants and covenant_reviews (migration 0028). Included by those files only.
 */
#ifndef DANCHU_DECISION_COVENANT_H
#define DANCHU_DECISION_COVENANT_H

#include "decision/internal.h"

/* A covenant as stored. Strings are arena memory; dates "yyyy-mm-dd" or "". */
struct cv_item {
    int64_t id, unit_id;
    int64_t amends_id;       /* the covenant this amends, 0 for none */
    int64_t initiative_id;   /* the initiative matter (D2), 0 for none */
    int64_t consents;        /* households consenting to an initiative */
    int64_t consultation_id; /* the posted draft in the consultation module, 0 for none */
    int64_t decision_id;     /* the M3 adoption vote, 0 before it starts */
    const char *title, *summary, *status, *proposer, *proposed_on, *drafting_team, *posted_on;
    const char *adopted_on, *submitted_on, *recognised_on, *refused_on, *refused_reasons;
    const char *distributed_on, *channels;
    const char *reported_on, *suspended_on, *scope, *parts, *suspension_reason, *fix_by;
    const char *annulled_on, *ground, *ground_on, *annul_reason;
};

/* A new covenant, proposed (Art 7) or amending another (Art 13) (writer thread). */
struct cv_new {
    int64_t actor, unit_id; /* the village head, the village */
    int64_t amends_id;      /* the covenant amended, 0 for none */
    int64_t initiative_id;  /* the initiative matter, 0 for none */
    int64_t consents;       /* households consenting to the initiative */
    int64_t id;             /* out: the new covenant */
    const char *title, *summary, *proposer, *proposed_on;
};

/* The writes after a covenant is proposed, one form each on its page. */
enum cv_step {
    CV_TEAM,       /* the drafting team (Art 8) */
    CV_POST,       /* the draft posted for comments (Art 9) */
    CV_VOTE,       /* the adoption vote started, an M3 matter (Art 10) */
    CV_ADOPT,      /* the vote's result taken (Art 10) */
    CV_SUBMIT,     /* the dossier sent (Art 11(3)) */
    CV_RECOGNISE,  /* recognised (Art 11) */
    CV_REFUSE,     /* refused with reasons (Art 11) */
    CV_DISTRIBUTE, /* distributed (Arts 15(1), 18(1)(a)) */
    CV_REVIEW,     /* the yearly review (Art 15(4)) */
    CV_SUSPEND,    /* suspended (Art 12) */
    CV_ANNUL,      /* annulled (Art 14) */
};

/* A step's write (writer thread). */
struct cv_write {
    enum cv_step step;   /* which write */
    int64_t actor;       /* the official */
    int64_t id, unit_id; /* the covenant and its village */
    int64_t decision_id; /* the adoption vote (CV_ADOPT, CV_SUBMIT, CV_RECOGNISE, CV_REFUSE) */
    int64_t n;           /* CV_POST: consultation id; CV_REVIEW: year */
    const char *s[6];    /* the step's texts and dates, in its statement's order */
    struct dm_new vote;  /* CV_VOTE: the M3 matter made */
};

/* ---- store_covenant.c ---- */

/* Stores a new covenant, audited; sets in->id. */
int cv_store_create(struct db *db, struct cv_new *in);
/* ERR_NOT_FOUND when there is no such covenant. */
int cv_store_get(struct db *db, struct arena *a, int64_t id, struct cv_item *out);
/*
 * Runs step w on covenant w->id: CV_VOTE first tables the M3 matter w->vote; the covenant's
 * update; on CV_SUBMIT, CV_RECOGNISE and CV_REFUSE the adoption vote's decision sent (D4),
 * recognised or refused (D8) while pending; then the audit row. ERR_CONFLICT when the covenant's
 * state no longer allows the step (or a second review of one year).
 */
int cv_store_step(struct db *db, struct cv_write *w);
/* Covenants of the unit and the villages below it (id, title, status, village, amends_id,
 * posted_on, adopted_on, recognised_on), newest first; public: only those recognised or
 * suspended, by recognition. With room for 3 more columns. */
int cv_store_list(struct db *db, struct arena *a, int64_t unit_id, int public, struct rows **out);
/* The covenants amending covenant id (id, title, status, recognised_on). */
int cv_store_amendments(struct db *db, struct arena *a, int64_t id, struct rows **out);
/* The yearly reviews of covenant id, newest first (year, reviewed_on, report). */
int cv_store_reviews(struct db *db, struct arena *a, int64_t id, struct rows **out);
/* Art 16: the counts of the unit's covenants recognised, amendments recognised, refusals,
 * suspensions and annulments with their day in [first, last] (yyyy-mm-dd), and those in force
 * now, into v[0..6). */
int cv_store_stats(struct db *db, int64_t unit_id, const char *first, const char *last,
                   int64_t v[6]);
/* The covenants behind those counts (id, title, status, village, amends_id, recognised_on,
 * refused_on, suspended_on, annulled_on), by village, with room for 2 more columns. */
int cv_store_stats_items(struct db *db, struct arena *a, int64_t unit_id, const char *first,
                         const char *last, struct rows **out);

#endif

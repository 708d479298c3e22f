/*
 * covenant.h - internal to src/decision: village covenants (hương ước, quy ước; DOMAIN G,
 * Decree 61/2023/NĐ-CP). Included by these files only:
 *   covenant.c         what the pages share (labels, who may do what, the deadlines, the
 *                      view-model) and the back office's pages: the list, a new covenant, a
 *                      covenant's page;
 *   covenant_steps.c   the steps after the proposal, one form each on the covenant's page;
 *   covenant_docs.c    the village's request and the UBND's decisions as Decree 30 PDFs;
 *   covenant_public.c  the public list and page, and the commune's yearly statistics (Art 16);
 *   store_covenant.c   every SQL statement of covenants and covenant_reviews (migration 0028).
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

/* ---- covenant.c: what the covenant's pages share ---- */

/* A choice offered on a form: its code (stored) and its label. */
struct cv_choice {
    const char *code, *label;
};
/* The channels of distribution (Arts 15(1), 18(1)(a)); the first, the community house, is
 * required. */
extern const struct cv_choice cv_channels[];
extern const size_t cv_n_channels;

/* The label of a stored status. */
const char *cv_status_label_of(const char *status);
/* The label of a ground of annulment (Art 14), "" for an unknown code. */
const char *cv_ground_label(const char *code);
/* Today in Vietnam. */
struct date cv_today(void);
/* Why a typed day was refused: not dd/mm/yyyy. */
extern const char cv_bad_date[];
/* A typed date: *out, 0; empty: def (0); else ERR_INVALID. */
int cv_typed_date(struct http_request *r, const char *name, struct date def, struct date *out);
/* 1 when the request carries value among its (repeated) parameter name. */
int cv_has_value(struct http_request *r, const char *name, const char *value);
/* The rule version in force on the day the covenant was proposed. */
const struct dr_rules *cv_rules(const struct decision_env *env, const struct cv_item *c);
/* The commune above village v (or v itself when it has no parent). */
void cv_commune_of(struct http_request *r, const struct unit *v, struct unit *c);
/* Names typed one a line, as a list of strings. */
json_t *cv_lines_json(struct arena *a, const char *s);

/* The covenant of capture "id", with who may do what. */
struct cv_ctx {
    struct cv_item c; /* the covenant */
    struct unit v;    /* its village */
    int manage;       /* decision.manage on the village: the village's steps */
    int recognise;    /* decision.recognise: the UBND's steps */
};

/* Loads the covenant of capture "id" and its village, and what r may do there. */
int cv_load(struct http_request *r, struct cv_ctx *x);

/* The deadlines of a covenant (G). Days "dd/mm/yyyy" (arena) or "". */
struct cv_dues {
    const char *adopt_from;     /* the earliest adoption day (posted + 30 days, A7) */
    int adopt_ready;            /* today is on or after it */
    const char *submit_due;     /* dossier: adoption + 5 wd */
    int submit_late;            /* sent after it, or not sent and today is after it */
    const char *recognise_due;  /* recognition: dossier + 5 wd */
    int recognise_late;         /* as above */
    const char *distribute_due; /* distribution: recognition + 2 wd */
    int distribute_late;        /* as above */
    const char *suspend_due;    /* suspension: report + 3 wd */
    int suspend_late;           /* suspended after it */
    const char *annul_due;      /* annulment: its ground + 5 wd */
    int annul_late;             /* annulled after it */
};

void cv_dues(struct http_request *r, const struct cv_item *c, struct cv_dues *o);

/* The covenant's view-model, shared by the back office and the public page. */
json_t *cv_json(struct http_request *r, const struct cv_ctx *x, const struct cv_dues *du);
/* The yearly reviews into m, and the next review day (Art 15(4)); *reviewed_this_year. */
int cv_reviews_model(struct http_request *r, const struct cv_item *c, json_t *m,
                     int *reviewed_this_year);
/* The amendments into m (public: only those recognised, suspended or annulled). */
int cv_amendments_model(struct http_request *r, const struct cv_item *c, json_t *m, int public);
/* The covenant's back-office page (template decision/covenant); also a refused step's. */
int cv_manage_page(struct http_request *r, struct http_response *res, const struct cv_ctx *x);
/* The covenants of a unit (cv_store_list) with their status label, url and day of recognition. */
int cv_list_rows(struct http_request *r, int64_t unit, int public, struct rows **out);

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

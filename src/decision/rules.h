/*
 * rules.h - the legal rules of residents deciding by household (DOMAIN B3, D1-D12, G) as pure
 * functions over plain structs: which forms a matter allows, how many households it needs,
 * who recognises the result and by when, the notice and ballot periods, a citizen initiative's
 * consents, the village head's election timeline and the covenant's steps.
 *
 * The numbers live in a rule set versioned by effective date (data/rules/decision.ini,
 * embedded; an operator may replace it), chosen by the day the matter is tabled. Thresholds are
 * fractions compared in integers against ALL households of the village on the frozen roll (D1),
 * never against those who took part. Nothing here touches the database or the clock.
 */
#ifndef DANCHU_DECISION_RULES_H
#define DANCHU_DECISION_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"

/* The matters of Art 15 (D1). Stored in the database: never renumber. */
enum dm_matter {
    DM_M1 = 1, /* resident contributions to infrastructure */
    DM_M2 = 2, /* community money and assets */
    DM_M3 = 3, /* village covenant (hương ước, quy ước) */
    DM_M4 = 4, /* elect / dismiss the village head */
    DM_M5 = 5, /* elect / dismiss Ban TTND, Ban GSĐTCĐ members */
    DM_M6 = 6, /* other self-governing matters */
};

/* The forms of deciding (D3). Bits of a mask; stored: never renumber. */
enum dm_form {
    DF_MEETING = 0, /* community meeting (show of hands or secret ballot) */
    DF_BALLOT = 1,  /* household ballots delivered and collected door to door */
    DF_ONLINE = 2,  /* online vote (M6 only, after the opt-in poll) */
};

/* Who recognises a decision (D8). */
enum dm_recogniser {
    DR_NONE = 0, /* takes effect on the vote */
    DR_UBND = 1, /* the commune's People's Committee (M3, M4) */
    DR_MTTQ = 2, /* the Fatherland Front (M5) */
};

/* A ratio P/Q, 0 < P <= Q. `strict`: more than P/Q; else at least P/Q. */
struct dr_threshold {
    int p, q;
    int strict;
};

/* One version of the rules. */
struct dr_rules {
    struct date effective;                /* in force for matters tabled on or after this day */
    struct dr_threshold pass[7];          /* D1, by matter (index 1..6): of all households */
    struct dr_threshold commune_villages; /* D1: share of villages a commune-wide M1/M2 needs */
    struct dr_threshold initiative;       /* D2: consents needed to oblige tabling (at least 10%) */
    int consent_months;                   /* D2: a consent is valid this many months */
    int notice_days;                      /* D4: notice at least N days before the meeting */
    int documents_days;                   /* D4: M1-M3 documents to households N days before */
    int cluster_households;               /* D4: villages this large meet in clusters */
    struct dr_threshold secretary;        /* D4: the secretary is elected by more than half */
    int board_min, board_max;             /* D4: counting board size */
    int witnesses;                        /* D4/D5: household witnesses at a count */
    int send_working_days;                /* D4/D5/D6: decision sent within N working days */
    int plan_days;                      /* D5: ballot plan to the Chairman and MTTQ within N days */
    int ballot_notice_days;             /* D5: notice N days before distribution */
    int team_min, team_max;             /* D5/D6: ballot or online team size */
    struct dr_threshold online_optin;   /* D6: opt-in poll of all households */
    int recognise_working_days;         /* D8: recognition or refusal within N working days */
    int head_plan_days;                 /* D10: plan at least N days before the election */
    int head_team_days;                 /* D10: election team at least N days before */
    int head_notice_days;               /* D10: public notice at least N days before */
    int head_candidates_days;           /* D10: candidate list to UBND at least N days before */
    struct dr_threshold head_dismissal; /* D10: petition of households to dismiss */
    int head_reelect_days;              /* D10: new election within N days of the dismissal */
    int covenant_post_days;             /* G: draft posted at least N days */
    struct dr_threshold covenant_quorum; /* G: a covenant meeting needs more than half present */
    int covenant_submit_wd;              /* G: dossier within N working days of adoption */
    int covenant_recognise_wd;           /* G: recognition within N working days */
    int covenant_distribute_wd;          /* G: distribution within N working days */
    int covenant_suspend_wd;             /* G: suspension within N working days of a report */
    int covenant_annul_wd;               /* G: annulment within N working days of its ground */
    int covenant_review_month, covenant_review_day; /* G: yearly review day (18/11) */
    int conference_invite_days;                     /* D11: invitation at least N days before */
};

/* Every version, oldest first. */
struct dr_ruleset {
    struct dr_rules *versions; /* owned; effective dates strictly increasing */
    size_t n_versions;         /* at least 1 */
};

/* Parses a rule file (format in data/rules/decision.ini). 0, or ERR_INVALID with "line N:
 * reason" in err. */
int dr_ruleset_parse(const char *text, size_t len, struct dr_ruleset **out, char *err,
                     size_t err_len);
void dr_ruleset_free(struct dr_ruleset *rs);
/* The version in force on day d, or NULL when d precedes every version. */
const struct dr_rules *dr_rules_at(const struct dr_ruleset *rs, struct date d);

/* 1 when part of whole meets t (at least, or more than, p/q of whole); 0 when whole <= 0, when
 * part is outside 0..whole, and when t is not a fraction 0 < p <= q. */
int dr_meets(struct dr_threshold t, int64_t part, int64_t whole);
/* The fewest of whole that meet t (whole + 1 when none can, 0 for whole <= 0). */
int64_t dr_needed(struct dr_threshold t, int64_t whole);

/* 1 when m is M1..M6. */
int dr_matter_valid(int m);
/* Forms matter m allows (D3), as a mask of 1u << enum dm_form. Meeting always; household
 * ballots for M1, M2, M6 (and for M3-M5 only to complete a meeting short of attendance,
 * dr_ballot_completes); online only for M6. */
unsigned dr_forms_allowed(enum dm_matter m);
/* 1 when household ballots may complete a meeting of matter m that fell short (Art 19(1)(b)). */
int dr_ballot_completes(enum dm_matter m);
/* Who recognises m (D8). */
enum dm_recogniser dr_recogniser(enum dm_matter m);

/* The outcome of a vote on the frozen roll. */
struct dr_result {
    int64_t households_total; /* the frozen roll (denominator, D1) */
    int64_t households_voted; /* households counted once, whatever the channel */
    int64_t approve, reject, other;
    int64_t needed; /* approvals needed */
    int passed;     /* approve meets the matter's threshold of households_total */
};
/* Judges approve of households_total for matter m under r (D1). */
void dr_judge(const struct dr_rules *r, enum dm_matter m, int64_t households_total, int64_t approve,
              int64_t reject, int64_t other, struct dr_result *out);
/* D1: a commune-wide M1/M2 passes when at least r->commune_villages of the villages passed. */
int dr_commune_passes(const struct dr_rules *r, int villages_total, int villages_passed);

/* D2: a citizen initiative with `consents` valid consents of households_total households obliges
 * the village head to table it. */
int dr_initiative_obliges(const struct dr_rules *r, int64_t consents, int64_t households_total);
/* D2: the last day a consent given on `given` is valid. */
struct date dr_consent_expires(const struct dr_rules *r, struct date given);

/* D4: the last day notice of a meeting on `meeting` may be given (at least notice_days before,
 * A7). */
struct date dr_notice_latest(const struct dr_rules *r, struct date meeting);
/* D4: the last day M1-M3 documents may reach households for a meeting on `meeting` (A7). */
struct date dr_documents_latest(const struct dr_rules *r, struct date meeting);
/* D5: the last day of notice before ballots are distributed on `distribution` (A7). */
struct date dr_ballot_notice_latest(const struct dr_rules *r, struct date distribution);
/* D4: 1 when a village of `households` households must meet in clusters. */
int dr_needs_clusters(const struct dr_rules *r, int64_t households);
/* D4/D5: 1 when a counting board (or ballot team) of n people is lawful. */
int dr_board_ok(const struct dr_rules *r, int n);
int dr_team_ok(const struct dr_rules *r, int n);
/* D6: 1 when the opt-in poll lets online voting go ahead: agree of households_total. */
int dr_online_optin(const struct dr_rules *r, int64_t agree, int64_t households_total);

/* Working-day deadlines (D4 send, D8 recognise, G steps) from an event: *due, or ERR_INVALID
 * when the calendar lacks a year. */
int dr_send_due(const struct dr_rules *r, const struct calendar *cal, struct date event,
                struct date *due);
int dr_recognise_due(const struct dr_rules *r, const struct calendar *cal, struct date received,
                     struct date *due);
/* D5: the ballot plan reaches the Chairman and the MTTQ within plan_days calendar days of being
 * issued, rolled past a weekend or holiday (A1, A2): *due, or ERR_INVALID as above. */
int dr_plan_due(const struct dr_rules *r, const struct calendar *cal, struct date issued,
                struct date *due);
/* G: the dossier after adoption, the recognition after a complete dossier, the distribution
 * after recognition, each in working days: *due, or ERR_INVALID as above. */
int dr_covenant_submit_due(const struct dr_rules *r, const struct calendar *cal,
                           struct date adopted, struct date *due);
int dr_covenant_recognise_due(const struct dr_rules *r, const struct calendar *cal,
                              struct date received, struct date *due);
int dr_covenant_distribute_due(const struct dr_rules *r, const struct calendar *cal,
                               struct date recognised, struct date *due);

/* D10: the latest days for each step of a village head election on `election`. */
struct dr_head_timeline {
    struct date plan, team, notice, candidates;
};
void dr_head_timeline(const struct dr_rules *r, struct date election, struct dr_head_timeline *out);
/* D10: 1 when a dismissal petition of `petitioners` households of households_total counts. */
int dr_dismissal_petition(const struct dr_rules *r, int64_t petitioners, int64_t households_total);
/* D10: the last day for a new election after a dismissal recognised on `recognised`. */
struct date dr_reelect_by(const struct dr_rules *r, struct date recognised);

/* G: the earliest day a covenant draft posted on `posted` may be adopted (posted at least
 * covenant_post_days, A7). */
struct date dr_covenant_adopt_from(const struct dr_rules *r, struct date posted);
/* G: 1 when a covenant meeting with `present` of households_total may vote (else ballots). */
int dr_covenant_quorum(const struct dr_rules *r, int64_t present, int64_t households_total);
/* G: the yearly review day of year y. */
struct date dr_covenant_review(const struct dr_rules *r, int y);

/* D11: the last day invitations to a conference on `conference` may go out. */
struct date dr_conference_invite_latest(const struct dr_rules *r, struct date conference);

#endif

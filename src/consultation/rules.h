/*
 * rules.h - the legal rules of consultations (DOMAIN E1-E6) and of the staff conference inside
 * an agency (DOMAIN H) as pure functions over plain structs: how long a draft must stay open,
 * when its window closes, what the majority view is and whether a decision departs from it,
 * whether a staff conference was valid and a resolution passed.
 *
 * The numbers live in a rule set versioned by effective date (data/rules/consultation.ini,
 * embedded; an operator may replace it), chosen by the day a consultation opens. Ratios are
 * kept as fractions P/Q and compared in integers, so "exactly half" is never a rounding
 * question. Nothing here touches the database or the clock.
 */
#ifndef DANCHU_CONSULTATION_RULES_H
#define DANCHU_CONSULTATION_RULES_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/calendar.h"

/* A ratio P/Q (0 < P <= Q). */
struct cs_ratio {
    int p, q;
};

/* One version of the rules. */
struct cs_rules {
    struct date effective;         /* in force for consultations opened on or after this day */
    int open_days;                 /* E3: public consultation open at least this many days */
    int internal_open_days;        /* H: a draft inside an agency, at least this many days */
    struct cs_ratio majority;      /* E3: a view is the majority's above this share */
    struct cs_ratio staff_quorum;  /* H: conference valid with at least this share present */
    struct cs_ratio staff_pass;    /* H: a resolution passes above this share of those present */
    struct cs_ratio staff_request; /* H: this share of staff may ask for a conference */
    int staff_conference_months;   /* H: the yearly conference within this many months */
    int staff_failures;            /* H: after this many failed conferences, a staff ballot */
};

/* Every version, oldest first. */
struct cs_ruleset {
    struct cs_rules *versions;
    size_t n_versions;
};

/* Parses a rule file (format in data/rules/consultation.ini). 0, or ERR_INVALID with
 * "line N: reason" in err. */
int cs_ruleset_parse(const char *text, size_t len, struct cs_ruleset **out, char *err,
                     size_t err_len);
void cs_ruleset_free(struct cs_ruleset *rs);
/* The version in force on day d, or NULL when d precedes every version. */
const struct cs_rules *cs_rules_at(const struct cs_ruleset *rs, struct date d);

/* ---- the consultation window (E3, A6, A7) ---- */

/*
 * The earliest last day of a consultation opened on `opens` that must stay open n days,
 * counted as A7 counts minimum durations: opened 01/03, day 1 is 02/03, day 20 is 21/03.
 */
struct date cs_earliest_close(struct date opens, int n);

/*
 * Checks the window [opens, closes] of a consultation (internal: inside an agency, H) against
 * r: 0, or ERR_INVALID when it closes before cs_earliest_close() (*earliest gets that day,
 * may be NULL), or when closes precedes opens.
 */
int cs_window_check(const struct cs_rules *r, int internal, struct date opens, struct date closes,
                    struct date *earliest);

enum cs_phase {
    CS_PHASE_NOT_YET = 0, /* before its first day */
    CS_PHASE_OPEN = 1,    /* taking comments */
    CS_PHASE_CLOSED = 2,  /* after 24:00 of its last day */
};

/* Where the window [opens, closes] stands at unix time now: open from 00:00 of opens to
 * 24:00 of closes, Vietnam time (A6), whatever the server's zone. */
enum cs_phase cs_window_phase(struct date opens, struct date closes, time_t now);

/* ---- the majority view and the decision (E3) ---- */

enum cs_view {
    CS_VIEW_NONE = 0,     /* no view has the majority (a tie, or none above the share) */
    CS_VIEW_AGREE = 1,    /* tán thành the draft */
    CS_VIEW_DISAGREE = 2, /* không tán thành */
    CS_VIEW_OTHER = 3,    /* another view */
};

/* The majority view of agree/disagree/other views expressed: the one above r->majority of
 * their sum, else CS_VIEW_NONE (also when nobody expressed a view). */
enum cs_view cs_majority(const struct cs_rules *r, int64_t agree, int64_t disagree, int64_t other);

enum cs_decision {
    CS_DEC_NONE = 0,   /* not decided yet */
    CS_DEC_ADOPT = 1,  /* adopted as drafted */
    CS_DEC_AMEND = 2,  /* adopted with the changes accepted */
    CS_DEC_REJECT = 3, /* not adopted (stopped, withdrawn) */
};

/* 1 when decision departs from the majority view: adopting what most did not agree with, or
 * not adopting what most agreed with. */
int cs_departs(enum cs_view majority, enum cs_decision decision);

/* E3: may the result be published? 0, or ERR_INVALID when the decision departs from the
 * majority view and explanation is empty (blank), or when nothing is decided. */
int cs_publish_check(enum cs_view majority, enum cs_decision decision, const char *explanation);

/* ---- the staff conference inside an agency (H) ---- */

/* 1 when present of staff people make the conference valid (at least r->staff_quorum), 0 else
 * (also when present exceeds staff or staff is 0). */
int cs_staff_quorum(const struct cs_rules *r, int staff, int present);
/* 1 when votes_for of present people pass a resolution (more than r->staff_pass). */
int cs_staff_passes(const struct cs_rules *r, int present, int votes_for);
/* 1 when requesters of staff people may ask for a conference (at least r->staff_request). */
int cs_staff_request_ok(const struct cs_rules *r, int staff, int requesters);
/* The last day of the yearly conference for year y (within r->staff_conference_months of its
 * end: 31/03/(y+1) for 3 months). */
struct date cs_staff_conference_due(const struct cs_rules *r, int y);

#endif

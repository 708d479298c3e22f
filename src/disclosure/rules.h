/*
 * rules.h - the legal rules of disclosure (DOMAIN C2, C3, A1, A6, A7) as pure
 * functions over plain structs: which channels a category needs, how long,
 * when publication is due, and what state an item is in on a given day.
 *
 * The numbers live in a rule set versioned by effective date
 * (data/rules/disclosure.ini, embedded; the operator may override it), never
 * in code: the Law was amended in 2024 and 2025 and more changes may come.
 * Nothing here touches the database or the clock: callers pass "today".
 */
#ifndef DANCHU_DISCLOSURE_RULES_H
#define DANCHU_DISCLOSURE_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"

/* Disclosure categories CK01..CK14 are numbered 1..14 (DOMAIN C1). */
#define DC_N_CATEGORIES 14

/* Channels of C2, as bit positions in masks. */
enum dc_channel {
    DC_WEBSITE = 0,      /* the commune's portal (danchu itself: automatic on publication) */
    DC_BOARD = 1,        /* posting (niêm yết) at the UBND office and each community house */
    DC_LOUDSPEAKER = 2,  /* the commune loudspeaker (truyền thanh) */
    DC_VILLAGE_HEAD = 3, /* through the village head to each household */
    DC_N_CHANNELS = 4,
};

/* One version of the rules, in force from `effective` until the next version. */
struct dc_rules {
    struct date effective;      /* first day this version applies (by decision date) */
    int publish_within;         /* C3: disclose within this many days of the decision */
    enum day_unit publish_unit; /* ... counted in working days (C3) */
    int posting_days;           /* C2: posted at least this many consecutive days (30) */
    int loudspeaker_days;       /* C2: broadcast at least this many consecutive days (3) */
    int at_risk_days;           /* warn when this many working days or fewer remain (2) */
    unsigned required[DC_N_CATEGORIES + 1]; /* [category] = mask of 1u << enum dc_channel */
    unsigned permanent;                     /* mask of 1u << category: posted permanently */
};

/* All versions, oldest first. */
struct dc_ruleset {
    struct dc_rules *versions; /* owned */
    size_t n_versions;         /* their count */
};

/*
 * Parses an INI rule set (format documented at the top of data/rules/disclosure.ini):
 * one [yyyy-mm-dd] section per version with keys publish_within, publish_unit (working |
 * calendar), posting_days, loudspeaker_days, at_risk_days, and per category "CK07 = website
 * board loudspeaker village_head", plus "permanent = CK04 CK13". A later version inherits
 * every key it does not set from the version before it. On error returns ERR_INVALID and
 * writes "line N: reason" into err. *out is owned by the caller: dc_ruleset_free().
 */
int dc_ruleset_parse(const char *text, size_t len, struct dc_ruleset **out, char *err,
                     size_t err_len);
void dc_ruleset_free(struct dc_ruleset *rs);

/* The version in force on day d (the newest with effective <= d), or NULL when d precedes
 * every version. */
const struct dc_rules *dc_rules_at(const struct dc_ruleset *rs, struct date d);

/* "CK07" → 7; 0 when s is not CK01..CK14. */
int dc_category_parse(const char *s);

/*
 * A record of one posting, broadcast or delivery.
 *  DC_BOARD: posted on `from` at `place`, taken down on `to` (has_to), or still up. A posting
 *            put up again on the day it came down continues the same run; any gap of a day
 *            or more breaks it (an interrupted posting is not consecutive).
 *  DC_LOUDSPEAKER: broadcast on every day from `from` to `to` inclusive (has_to = 1;
 *            one day: from == to). place is ignored.
 *  DC_VILLAGE_HEAD: delivered to the households of village `place` on `from`.
 *  DC_WEBSITE: never recorded by hand; the website runs from publication to withdrawal.
 */
struct dc_posting {
    enum dc_channel channel; /* which channel */
    int64_t place;           /* unit id: the commune (its office) or a village (its house) */
    struct date from;        /* first day */
    struct date to;          /* see above */
    int has_to;              /* 1 when `to` is set */
};

/* Everything the rules need to know about one item. */
struct dc_facts {
    int category;                      /* 1..14 */
    struct date decision;              /* the decision the item discloses (C3's event) */
    int published;                     /* 1 when published (on the website) */
    struct date published_on;          /* Vietnam date of publication (A6) */
    int withdrawn;                     /* 1 when withdrawn */
    struct date withdrawn_on;          /* its date */
    const struct dc_posting *postings; /* every record, any order */
    size_t n_postings;                 /* their count */
    const int64_t *board_places;       /* where it must be posted: the commune, then villages */
    size_t n_board_places;             /* their count */
    const int64_t *villages;           /* villages the village head must reach */
    size_t n_villages;                 /* their count */
};

/* State of one channel of one item. */
enum dc_channel_state {
    DC_CH_NOT_REQUIRED = 0, /* the category does not need this channel */
    DC_CH_PENDING = 1,      /* not started, and not yet late */
    DC_CH_RUNNING = 2,      /* started everywhere needed; the minimum duration is still running */
    DC_CH_DONE = 3,         /* the minimum duration is met everywhere (or permanent and up) */
    DC_CH_MISSING = 4,      /* publication is past due and a place/day has no record */
    DC_CH_BROKEN = 5,       /* taken down too early (interrupted, or a permanent item removed) */
};

struct dc_channel_status {
    enum dc_channel_state state; /* see enum */
    int places_needed;           /* board: places; village head: villages; else 1 */
    int places_done;             /* how many of those met the rule (permanent: still up) */
    int days_done;               /* board/loudspeaker: consecutive days reached at the weakest
                                    place (board: full days after the posting day, A7) */
    int days_needed;             /* posting_days / loudspeaker_days; 0 for permanent */
    struct date done_on;         /* board/loudspeaker: first day the rule is met (or will be, if
                                    the posting stays up); zeroed when not computable */
};

/* The state of an item, for the lists officials work from. */
enum dc_state {
    DC_DUE = 0,       /* not published; the deadline is more than at_risk_days away */
    DC_AT_RISK = 1,   /* not published and at most at_risk_days working days remain, or
                         published but a required channel has not started with the same
                         margin left before the publication deadline */
    DC_LATE = 2,      /* published after the deadline, or unpublished past it, or a required
                         channel MISSING or BROKEN */
    DC_RUNNING = 3,   /* published on time, channels started, durations running */
    DC_COMPLETE = 4,  /* published on time and every required channel DONE */
    DC_WITHDRAWN = 5, /* withdrawn (kept for the record) */
};

struct dc_status {
    enum dc_state state;                        /* overall */
    struct date due;                            /* publication deadline (C3 with A1) */
    int published_late;                         /* published after `due` */
    int wd_left;                                /* working days from today to due (>= 0) */
    struct dc_channel_status ch[DC_N_CHANNELS]; /* per channel */
};

/*
 * Evaluates f on day today (a Vietnam date). Returns 0, or ERR_INVALID when the calendar lacks
 * a year the arithmetic needs or f is malformed (category out of range).
 */
int dc_evaluate(const struct dc_rules *r, const struct calendar *cal, const struct dc_facts *f,
                struct date today, struct dc_status *out);

/* Vietnamese labels: "Đúng hạn"… for states; "Cổng thông tin"… for channels. */
const char *dc_state_label(enum dc_state s);
const char *dc_channel_label(enum dc_channel c);
const char *dc_channel_state_label(enum dc_channel_state s);
/* "Kế hoạch, kết quả phát triển kinh tế - xã hội" for 1 ... "Khác" for 14; "" out of range. */
const char *dc_category_label(int category);

#endif

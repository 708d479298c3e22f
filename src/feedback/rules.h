/*
 * rules.h - the legal clocks of residents' requests and cases (DOMAIN C6, I, I1, I6, A1-A8) as
 * pure functions over plain structs: which deadlines a case has, counted in calendar or working
 * days over the holiday tables, by the rule set in force on its date of receipt.
 *
 * Processes (enum fb_kind): information on request (Access to Information Law, C6), feedback
 * (phản ánh) and recommendations (kiến nghị) to the commune (I6: no national period, local
 * defaults), complaints (khiếu nại) and denunciations (tố cáo) (table I). The numbers live in
 * a rule set versioned by effective date (data/rules/feedback.ini, embedded; an operator may
 * replace it), chosen by the case's date of receipt: the complaint and denunciation texts
 * change on 01/07/2026 (I1). The same rule set holds the period of the citizen reception
 * register (Reception Law Art 28), counted by the register itself. Nothing here touches the
 * database or the clock.
 */
#ifndef DANCHU_FEEDBACK_RULES_H
#define DANCHU_FEEDBACK_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"

/* What a resident sends. The identifiers are stored in the database; never renumber. */
enum fb_kind {
    FB_INFO_REQUEST = 0,   /* yêu cầu cung cấp thông tin (C6) */
    FB_FEEDBACK = 1,       /* phản ánh (I6) */
    FB_RECOMMENDATION = 2, /* kiến nghị (I6) */
    FB_COMPLAINT = 3,      /* khiếu nại (table I, Complaints Law) */
    FB_DENUNCIATION = 4,   /* tố cáo (table I, Denunciations Law) */
    FB_N_KINDS = 5,
};

/* How it arrived. For information requests the channel sets the period (C6). */
enum fb_channel {
    FB_ONLINE = 0,    /* the portal, e-mail, an app (C6: "electronic") */
    FB_IN_PERSON = 1, /* at the office or the citizen reception */
    FB_POST = 2,      /* by letter */
    FB_PHONE = 3,     /* hotline, phone (C6 names no phone channel: info_phone_* in the rules) */
    FB_N_CHANNELS = 4,
};

/* How hard the case is, as the official classes it (periods differ, C6 and table I). */
enum fb_complexity {
    FB_SIMPLE = 0,
    FB_COMPLEX = 1,      /* phức tạp */
    FB_VERY_COMPLEX = 2, /* đặc biệt phức tạp (denunciations: a second extension) */
};

/* The deadlines a case may carry. */
enum fb_clock {
    FB_CLK_ACCEPT = 0,  /* complaint: accept (thụ lý) or refuse with reasons; denunciation:
                           register and check the denouncer, then accept or not */
    FB_CLK_FORWARD = 1, /* not competent: forward to the competent body (denunciation, feedback,
                           recommendation) */
    FB_CLK_NOTIFY = 2,  /* denunciation: notify the parties after acceptance */
    FB_CLK_ANSWER = 3,  /* information request, feedback, recommendation: the answer (or, for
                           feedback, a progress report) */
    FB_CLK_RESOLVE = 4, /* complaint (1st instance) and denunciation: the decision or conclusion,
                           counted from acceptance; extensions add to it */
    FB_CLK_SEND = 5,    /* complaint: send the decision to the parties after it is made */
    FB_CLK_PUBLISH = 6, /* denunciation: publish the conclusion */
    FB_N_CLOCKS = 7,
};

/* One period: n days in unit, and how far it may be extended. */
struct fb_period {
    int n;              /* 0: the period does not apply */
    enum day_unit unit; /* calendar days (A1 roll-over) or working days */
    int extend_n;       /* days one extension adds (0: none allowed) */
    int max_extensions; /* how many extensions at most */
};

/* One version of the rules, in force for cases received from `effective` on. */
struct fb_rules {
    struct date effective; /* first day of receipt it applies to */
    int soon_days; /* "Sắp đến hạn" when this many working days or fewer remain (I6: 2) */
    /* C6: information requests by channel and complexity ([channel][complexity > simple];
     * phone has its own entries, shipped as in person). */
    struct fb_period info[FB_N_CHANNELS][2];
    struct fb_period feedback_answer;         /* I6: phản ánh, local default 10 wd */
    struct fb_period recommendation_answer;   /* I6: kiến nghị, local default 10 wd */
    struct fb_period feedback_forward;        /* Decree 20/2008 Art 9: 5 wd */
    struct fb_period complaint_accept;        /* Art 27: 10 wd; from 01/07/2026 7 wd (I1, S) */
    struct fb_period complaint_resolve[2][2]; /* Art 28 [remote][complex]: 30/45, 45/60 */
    struct fb_period complaint_send;          /* Art 32: 3 wd */
    struct fb_period denunciation_accept[2];  /* Art 24(1) [multi-site]: 7 wd, 10 wd */
    struct fb_period denunciation_forward;    /* Art 24(2): 5 wd */
    struct fb_period denunciation_notify;     /* Art 29(3): 5 wd */
    struct fb_period denunciation_resolve;    /* Art 30: 30 days, +30 (complex), +30 again
                                                 (very complex) */
    struct fb_period denunciation_publish;    /* Art 40: 7 wd */
    /* Reception Law 42/2013 Art 28: 10 wd to tell a visitor of the citizen reception whether
     * the matter was accepted or forwarded. Not a case's clock (fb_evaluate ignores it): the
     * reception register's (feedback/reception.h), by the entry's day of reception. */
    struct fb_period reception_notify;
};

/* All versions, oldest first. */
struct fb_ruleset {
    struct fb_rules *versions; /* owned */
    size_t n_versions;         /* their count */
};

/*
 * Parses an INI rule set (format at the top of data/rules/feedback.ini): one [yyyy-mm-dd]
 * section per version; a later version inherits every key it does not set. A period is
 * written "N working" or "N calendar", optionally followed by ", extend M" and "once" or
 * "twice" (e.g. "30 calendar, extend 30 twice"). ERR_INVALID with "line N: reason" in err.
 * *out is owned by the caller: fb_ruleset_free().
 */
int fb_ruleset_parse(const char *text, size_t len, struct fb_ruleset **out, char *err,
                     size_t err_len);
void fb_ruleset_free(struct fb_ruleset *rs);
/* The version in force for a case received on day d, or NULL before the first. */
const struct fb_rules *fb_rules_at(const struct fb_ruleset *rs, struct date d);

/* Everything the rules need to know about one case. Dates are Vietnam dates (A6). */
struct fb_facts {
    enum fb_kind kind;             /* what it is */
    enum fb_channel channel;       /* how it came */
    enum fb_complexity complexity; /* as classed (simple until an official says otherwise) */
    int remote;                    /* complaint from a remote, hard-to-reach area (Art 28) */
    int multi_site;                /* denunciation needing checks at several places */
    struct date received;          /* day of receipt: every intake clock counts from it */
    int not_competent;             /* an official found another body competent */
    int forwarded;                 /* ... and forwarded it (on `forwarded_on`) */
    struct date forwarded_on;      /* day forwarded */
    int accepted;                  /* complaint/denunciation accepted (thụ lý) on accepted_on */
    struct date accepted_on;       /* day of acceptance */
    int refused;                   /* not accepted (with reasons), on refused_on */
    struct date refused_on;        /* day of refusal */
    int notified;                  /* denunciation: parties told of the acceptance, on ... */
    struct date notified_on;       /* ... this day */
    int extensions;                /* extensions granted so far (in writing) */
    int answered;                  /* answer given / decision or conclusion made, on answered_on */
    struct date answered_on;       /* day of the answer, decision or conclusion */
    int sent;                      /* complaint: decision sent to the parties, on sent_on */
    struct date sent_on;           /* day sent */
    int published;                 /* denunciation: conclusion published, on published_on */
    struct date published_on;      /* day published */
    int closed;                    /* closed (withdrawn by the resident, merged...): clocks not
                                      met by then no longer apply */
};

/* The state of one clock on a given day. */
enum fb_clock_state {
    FB_NOT_APPLICABLE = 0, /* this case has no such deadline (now or ever) */
    FB_WAITING = 1,        /* not started yet (e.g. resolution before acceptance) */
    FB_RUNNING = 2,        /* due later; more than soon_days working days left */
    FB_SOON = 3,           /* due within soon_days working days (inclusive), not yet past */
    FB_OVERDUE = 4,        /* past its last day and not met */
    FB_MET = 5,            /* done on or before its last day */
    FB_MET_LATE = 6,       /* done, after its last day */
};

struct fb_clock_status {
    enum fb_clock_state state; /* see enum */
    struct date due;           /* last day (with extensions), when the clock has started and
                                  applies; zeroed for NOT_APPLICABLE and WAITING */
    int days_left;             /* RUNNING, SOON: working days from today to due (0 when due
                                  today); 0 in every other state */
};

/* All clocks of a case on day today, and the one that matters most. */
struct fb_status {
    struct fb_clock_status clk[FB_N_CLOCKS]; /* per clock */
    int next;             /* the unmet clock (RUNNING, SOON, OVERDUE) due first (-1: none) */
    struct date next_due; /* its due date (zeroed when next is -1) */
    int overdue;          /* 1 when any clock is FB_OVERDUE */
    int can_extend;       /* the resolve/answer clock may take another extension now (while it
                             runs: not once overdue, nor after its act) */
};

/*
 * Evaluates facts f on day today with rules r (normally fb_rules_at(rs, f->received)). f is the
 * case as recorded: acts are taken as done whatever their dates, so judge past days only with the
 * facts of that day. 0, or ERR_INVALID (out zeroed, next -1) when the calendar lacks a year the
 * arithmetic needs or f is malformed (kind, channel or complexity out of range, negative
 * extensions, an invalid date).
 */
int fb_evaluate(const struct fb_rules *r, const struct calendar *cal, const struct fb_facts *f,
                struct date today, struct fb_status *out);

/* Vietnamese labels: "Yêu cầu cung cấp thông tin", "Phản ánh", ... ; "Trực tuyến", ... ;
 * "Thụ lý", "Giải quyết", ... ; "Trong hạn", "Sắp đến hạn", "Quá hạn", ... ; "" out of range. */
const char *fb_kind_label(enum fb_kind k);
const char *fb_channel_label(enum fb_channel c);
const char *fb_clock_label(enum fb_clock c);
const char *fb_clock_state_label(enum fb_clock_state s);
/* Stable lower-case keys for JSON and the database: "info_request", "feedback", ...;
 * "online", "in_person", ...; NULL out of range. Parsing returns -1 for an unknown key. */
const char *fb_kind_key(enum fb_kind k);
int fb_kind_parse(const char *key);
const char *fb_channel_key(enum fb_channel c);
int fb_channel_parse(const char *key);

#endif

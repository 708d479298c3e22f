/*
 * rules.c - the rules of consultations and staff conferences (rules.h): the rule file's keys,
 * the window arithmetic of E3 over A6/A7, the majority view and the departure check of E3, the
 * staff conference's quorum and majority of H. Fractions compare in 64-bit integers.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "consultation/rules.h"
#include "core/core.h"
#include "core/rulefile.h"

#define MAX_DAYS 365

/* The keys of a version, each a bit for rulefile_mark(). */
enum {
    K_OPEN_DAYS,
    K_INTERNAL_OPEN_DAYS,
    K_MAJORITY,
    K_STAFF_QUORUM,
    K_STAFF_PASS,
    K_STAFF_REQUEST,
    K_STAFF_MONTHS,
    K_STAFF_FAILURES,
    K_N
};

static const char *const key_names[K_N] = {
    "open_days",     "internal_open_days",      "majority",       "staff_quorum", "staff_pass",
    "staff_request", "staff_conference_months", "staff_failures",
};

/* Parses "P/Q" with 0 < P <= Q <= 1000. */
static int parse_ratio(struct str s, struct cs_ratio *out)
{
    const char *slash = memchr(s.ptr, '/', s.len);
    if (!s.len || !slash)
        return ERR_INVALID;
    struct str p = {s.ptr, (size_t)(slash - s.ptr)};
    struct str q = {slash + 1, s.len - p.len - 1};
    int64_t pv, qv;
    if (parse_int64(str_trim(p), 1, 1000, &pv) != 0 ||
        parse_int64(str_trim(q), 1, 1000, &qv) != 0 || pv > qv)
        return ERR_INVALID;
    out->p = (int)pv;
    out->q = (int)qv;
    return 0;
}

static int key_value(struct rulefile *rf, void *version, struct str key, struct str val, int line)
{
    struct cs_rules *v = version;
    unsigned k = 0;
    while (k < K_N && !str_eq_c(key, key_names[k]))
        k++;
    if (k == K_N)
        return rulefile_error(rf, line, "unknown key '%.*s'", rulefile_qlen(key), key.ptr);
    int *days = k == K_OPEN_DAYS            ? &v->open_days
                : k == K_INTERNAL_OPEN_DAYS ? &v->internal_open_days
                : k == K_STAFF_MONTHS       ? &v->staff_conference_months
                : k == K_STAFF_FAILURES     ? &v->staff_failures
                                            : NULL;
    if (days) {
        int max = k == K_STAFF_MONTHS ? 12 : k == K_STAFF_FAILURES ? 10 : MAX_DAYS;
        if (rulefile_day_count(val, 1, max, days) != 0)
            return rulefile_error(rf, line, "%s must be a whole number from 1 to %d, not '%.*s'",
                                  key_names[k], max, rulefile_qlen(val), val.ptr);
    } else {
        struct cs_ratio *r = k == K_MAJORITY       ? &v->majority
                             : k == K_STAFF_QUORUM ? &v->staff_quorum
                             : k == K_STAFF_PASS   ? &v->staff_pass
                                                   : &v->staff_request;
        if (parse_ratio(val, r) != 0)
            return rulefile_error(rf, line, "%s must be a fraction P/Q with 0 < P <= Q, not '%.*s'",
                                  key_names[k], rulefile_qlen(val), val.ptr);
    }
    return rulefile_mark(rf, k, key);
}

static int check_complete(struct rulefile *rf, uint64_t set, int line)
{
    for (unsigned k = 0; k < K_N; k++)
        if (!((set >> k) & 1))
            return rulefile_error(rf, line, "the first version must set %s", key_names[k]);
    return 0;
}

static const struct rulefile_spec ruleset_spec = {
    .version_size = sizeof(struct cs_rules),
    .effective_off = offsetof(struct cs_rules, effective),
    .key = key_value,
    .complete = check_complete,
};

int cs_ruleset_parse(const char *text, size_t len, struct cs_ruleset **out, char *err,
                     size_t err_len)
{
    void *versions;
    size_t n;
    *out = NULL;
    if (rulefile_parse(&ruleset_spec, text, len, &versions, &n, err, err_len) != 0)
        return ERR_INVALID;
    struct cs_ruleset *rs = calloc(1, sizeof *rs);
    if (!rs)
        abort();
    rs->versions = versions;
    rs->n_versions = n;
    *out = rs;
    return 0;
}

void cs_ruleset_free(struct cs_ruleset *rs)
{
    if (!rs)
        return;
    free(rs->versions);
    free(rs);
}

const struct cs_rules *cs_rules_at(const struct cs_ruleset *rs, struct date d)
{
    return rs ? rulefile_at(&ruleset_spec, rs->versions, rs->n_versions, d) : NULL;
}

/* ---- the window ---- */

struct date cs_earliest_close(struct date opens, int n)
{
    /* min_duration_end() is the first day the posting may come down; the day before is the
     * last of the n days. */
    return date_add_days(min_duration_end(opens, n), -1);
}

int cs_window_check(const struct cs_rules *r, int internal, struct date opens, struct date closes,
                    struct date *earliest)
{
    struct date e = cs_earliest_close(opens, internal ? r->internal_open_days : r->open_days);
    if (earliest)
        *earliest = e;
    if (!date_valid(opens) || !date_valid(closes) || date_cmp(closes, e) < 0)
        return ERR_INVALID;
    return 0;
}

enum cs_phase cs_window_phase(struct date opens, struct date closes, time_t now)
{
    struct date today = date_vn_from_time(now);
    if (date_cmp(today, opens) < 0)
        return CS_PHASE_NOT_YET;
    if (date_cmp(today, closes) > 0)
        return CS_PHASE_CLOSED;
    return CS_PHASE_OPEN;
}

/* ---- majority and decision ---- */

/* 1 when part is above share of whole: part / whole > p / q. */
static int above(struct cs_ratio share, int64_t part, int64_t whole)
{
    return whole > 0 && part * share.q > whole * share.p;
}

enum cs_view cs_majority(const struct cs_rules *r, int64_t agree, int64_t disagree, int64_t other)
{
    if (agree < 0 || disagree < 0 || other < 0)
        return CS_VIEW_NONE;
    int64_t total = agree + disagree + other;
    if (above(r->majority, agree, total))
        return CS_VIEW_AGREE;
    if (above(r->majority, disagree, total))
        return CS_VIEW_DISAGREE;
    if (above(r->majority, other, total))
        return CS_VIEW_OTHER;
    return CS_VIEW_NONE;
}

int cs_departs(enum cs_view majority, enum cs_decision decision)
{
    if (majority == CS_VIEW_AGREE)
        return decision == CS_DEC_REJECT;
    if (majority == CS_VIEW_DISAGREE)
        return decision == CS_DEC_ADOPT || decision == CS_DEC_AMEND;
    return 0;
}

int cs_publish_check(enum cs_view majority, enum cs_decision decision, const char *explanation)
{
    if (decision != CS_DEC_ADOPT && decision != CS_DEC_AMEND && decision != CS_DEC_REJECT)
        return ERR_INVALID;
    if (!cs_departs(majority, decision))
        return 0;
    for (const char *p = explanation; p && *p; p++)
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            return 0;
    return ERR_INVALID;
}

/* ---- the staff conference ---- */

int cs_staff_quorum(const struct cs_rules *r, int staff, int present)
{
    if (staff <= 0 || present < 0 || present > staff)
        return 0;
    return (int64_t)present * r->staff_quorum.q >= (int64_t)staff * r->staff_quorum.p;
}

int cs_staff_passes(const struct cs_rules *r, int present, int votes_for)
{
    if (present <= 0 || votes_for < 0 || votes_for > present)
        return 0;
    return above(r->staff_pass, votes_for, present);
}

int cs_staff_request_ok(const struct cs_rules *r, int staff, int requesters)
{
    if (staff <= 0 || requesters < 0 || requesters > staff)
        return 0;
    return (int64_t)requesters * r->staff_request.q >= (int64_t)staff * r->staff_request.p;
}

struct date cs_staff_conference_due(const struct cs_rules *r, int y)
{
    /* The last day of the N-th month after 31/12 of y. */
    int m = r->staff_conference_months;
    struct date first_after = {y + 1 + m / 12, m % 12 + 1, 1};
    return date_add_days(first_after, -1);
}

/*
 * rules.c - the rules of residents deciding by household (rules.h): the rule file's keys, the
 * thresholds of D1, D2, D6, D10 and G compared in 64-bit integers without overflow, the forms and
 * recognisers of D3 and D8, and the dates of D4, D5, D10, D11 and G over the calendar's A1/A2/A7
 * arithmetic.
 *
 * Interpretations made here (also in data/rules/decision.ini, where an operator reads them):
 *   - a consent is valid for consent_months months counted as the Civil Code counts months
 *     (Arts 147-148): from the day after it is given to the end of the same day number of the
 *     last month, or of that month's last day when it has no such day; no weekend roll-over,
 *     since a consent's validity is not a deadline for acting;
 *   - the new village head election after a dismissal is due head_reelect_days calendar days
 *     after the recognition, without A1's roll-over: an election is a community meeting, often
 *     held on a Sunday, not a filing at an office.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "core/rulefile.h"
#include "decision/rules.h"

/* Largest denominator of a fraction in the rule file. */
#define MAX_Q 1000

enum key_kind {
    KIND_SHARE, /* "at least P/Q" or "more than P/Q": a struct dr_threshold */
    KIND_COUNT, /* a whole number in [min, max]: an int */
    KIND_DAY,   /* "dd/mm": covenant_review_day and covenant_review_month */
};

/* One key of a version: its name, its kind, where it goes and, for a count, its range. */
struct key_spec {
    const char *name;   /* as written in the file */
    enum key_kind kind; /* how its value is read */
    size_t off;         /* offsetof its member in struct dr_rules */
    int min, max;       /* KIND_COUNT: accepted range */
};

#define OFF(member) offsetof(struct dr_rules, member)

/* The keys, in the order decision.ini lists them; the index is the rulefile_mark() bit. */
static const struct key_spec keys[] = {
    {"pass_m1", KIND_SHARE, OFF(pass[DM_M1]), 0, 0},
    {"pass_m2", KIND_SHARE, OFF(pass[DM_M2]), 0, 0},
    {"pass_m3", KIND_SHARE, OFF(pass[DM_M3]), 0, 0},
    {"pass_m4", KIND_SHARE, OFF(pass[DM_M4]), 0, 0},
    {"pass_m5", KIND_SHARE, OFF(pass[DM_M5]), 0, 0},
    {"pass_m6", KIND_SHARE, OFF(pass[DM_M6]), 0, 0},
    {"commune_villages", KIND_SHARE, OFF(commune_villages), 0, 0},
    {"initiative", KIND_SHARE, OFF(initiative), 0, 0},
    {"consent_months", KIND_COUNT, OFF(consent_months), 1, 24},
    {"notice_days", KIND_COUNT, OFF(notice_days), 1, 365},
    {"documents_days", KIND_COUNT, OFF(documents_days), 1, 365},
    {"cluster_households", KIND_COUNT, OFF(cluster_households), 1, 1000000},
    {"secretary", KIND_SHARE, OFF(secretary), 0, 0},
    {"board_min", KIND_COUNT, OFF(board_min), 1, 50},
    {"board_max", KIND_COUNT, OFF(board_max), 1, 50},
    {"witnesses", KIND_COUNT, OFF(witnesses), 1, 20},
    {"send_working_days", KIND_COUNT, OFF(send_working_days), 1, 60},
    {"plan_days", KIND_COUNT, OFF(plan_days), 1, 365},
    {"ballot_notice_days", KIND_COUNT, OFF(ballot_notice_days), 1, 365},
    {"team_min", KIND_COUNT, OFF(team_min), 1, 50},
    {"team_max", KIND_COUNT, OFF(team_max), 1, 50},
    {"online_optin", KIND_SHARE, OFF(online_optin), 0, 0},
    {"recognise_working_days", KIND_COUNT, OFF(recognise_working_days), 1, 60},
    {"head_plan_days", KIND_COUNT, OFF(head_plan_days), 1, 365},
    {"head_team_days", KIND_COUNT, OFF(head_team_days), 1, 365},
    {"head_notice_days", KIND_COUNT, OFF(head_notice_days), 1, 365},
    {"head_candidates_days", KIND_COUNT, OFF(head_candidates_days), 1, 365},
    {"head_dismissal", KIND_SHARE, OFF(head_dismissal), 0, 0},
    {"head_reelect_days", KIND_COUNT, OFF(head_reelect_days), 1, 365},
    {"covenant_post_days", KIND_COUNT, OFF(covenant_post_days), 1, 365},
    {"covenant_quorum", KIND_SHARE, OFF(covenant_quorum), 0, 0},
    {"covenant_submit_wd", KIND_COUNT, OFF(covenant_submit_wd), 1, 60},
    {"covenant_recognise_wd", KIND_COUNT, OFF(covenant_recognise_wd), 1, 60},
    {"covenant_distribute_wd", KIND_COUNT, OFF(covenant_distribute_wd), 1, 60},
    {"covenant_suspend_wd", KIND_COUNT, OFF(covenant_suspend_wd), 1, 60},
    {"covenant_annul_wd", KIND_COUNT, OFF(covenant_annul_wd), 1, 60},
    {"covenant_review", KIND_DAY, 0, 0, 0},
    {"conference_invite_days", KIND_COUNT, OFF(conference_invite_days), 1, 365},
};

#define N_KEYS (sizeof keys / sizeof keys[0])
_Static_assert(N_KEYS <= 64, "rulefile_mark() numbers keys 0 to 63");

/* ---- the rule file ---- */

/* Splits "A/B" at its slash into two whole numbers in [1, amax] and [1, bmax]. */
static int parse_pair(struct str s, int amax, int bmax, int *a, int *b)
{
    const char *slash = s.len ? memchr(s.ptr, '/', s.len) : NULL;
    if (!slash)
        return ERR_INVALID;
    struct str as = {s.ptr, (size_t)(slash - s.ptr)};
    struct str bs = {slash + 1, s.len - as.len - 1};
    int64_t av, bv;
    if (parse_int64(str_trim(as), 1, amax, &av) != 0 ||
        parse_int64(str_trim(bs), 1, bmax, &bv) != 0)
        return ERR_INVALID;
    *a = (int)av;
    *b = (int)bv;
    return 0;
}

/* Parses "at least P/Q" or "more than P/Q" ("more than" needs P < Q: all of a whole is never
 * more than all of it). */
static int parse_share(struct str s, struct dr_threshold *out)
{
    struct str w1, w2;
    if (!rulefile_next_word(&s, &w1) || !rulefile_next_word(&s, &w2))
        return ERR_INVALID;
    int strict;
    if (str_eq_c(w1, "at") && str_eq_c(w2, "least"))
        strict = 0;
    else if (str_eq_c(w1, "more") && str_eq_c(w2, "than"))
        strict = 1;
    else
        return ERR_INVALID;
    struct dr_threshold t = {.strict = strict};
    if (parse_pair(str_trim(s), MAX_Q, MAX_Q, &t.p, &t.q) != 0 || t.p > t.q ||
        (strict && t.p == t.q))
        return ERR_INVALID;
    *out = t;
    return 0;
}

/* Parses "dd/mm", a day that every year has (29/02 is refused). */
static int parse_day_month(struct str s, int *day, int *month)
{
    int d, m;
    if (parse_pair(s, 31, 12, &d, &m) != 0 || !date_valid((struct date){2027, m, d}))
        return ERR_INVALID; /* 2027 is not a leap year */
    *day = d;
    *month = m;
    return 0;
}

static int key_value(struct rulefile *rf, void *version, struct str key, struct str val, int line)
{
    struct dr_rules *v = version;
    unsigned k = 0;
    while (k < N_KEYS && !str_eq_c(key, keys[k].name))
        k++;
    if (k == N_KEYS)
        return rulefile_error(rf, line, "unknown key '%.*s'", rulefile_qlen(key), key.ptr);
    const struct key_spec *ks = &keys[k];
    char *member = (char *)v + ks->off;
    switch (ks->kind) {
    case KIND_SHARE:
        if (parse_share(val, (struct dr_threshold *)member) != 0)
            return rulefile_error(rf, line,
                                  "%s must be 'at least P/Q' or 'more than P/Q' with 0 < P <= Q "
                                  "<= %d (P < Q for 'more than'), not '%.*s'",
                                  ks->name, MAX_Q, rulefile_qlen(val), val.ptr);
        break;
    case KIND_COUNT:
        if (rulefile_day_count(val, ks->min, ks->max, (int *)member) != 0)
            return rulefile_error(rf, line, "%s must be a whole number from %d to %d, not '%.*s'",
                                  ks->name, ks->min, ks->max, rulefile_qlen(val), val.ptr);
        break;
    case KIND_DAY:
        if (parse_day_month(val, &v->covenant_review_day, &v->covenant_review_month) != 0)
            return rulefile_error(rf, line, "%s must be a day of every year as dd/mm, not '%.*s'",
                                  ks->name, rulefile_qlen(val), val.ptr);
        break;
    }
    return rulefile_mark(rf, k, key);
}

static int check_complete(struct rulefile *rf, uint64_t set, int line)
{
    for (unsigned k = 0; k < N_KEYS; k++)
        if (!((set >> k) & 1))
            return rulefile_error(rf, line, "the first version must set %s", keys[k].name);
    return 0;
}

static const struct rulefile_spec ruleset_spec = {
    .version_size = sizeof(struct dr_rules),
    .effective_off = offsetof(struct dr_rules, effective),
    .key = key_value,
    .complete = check_complete,
};

/* The line of text whose section header names day eff (1 when none does, which the parser
 * rules out). */
static int section_line(const char *text, size_t len, struct date eff)
{
    char want[11];
    date_format_iso(eff, want);
    int line = 1;
    for (size_t pos = 0; pos < len; line++) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        struct str s = str_trim((struct str){text + pos, end - pos});
        if (s.len && s.ptr[0] == '[' && memmem(s.ptr, s.len, want, strlen(want)))
            return line;
        pos = end + 1;
    }
    return 1;
}

/*
 * A size range split over two keys can only be checked once a section is whole, since a section
 * may move both ends in either order; the error names the section's header line.
 */
static int check_ranges(const struct dr_rules *versions, size_t n, const char *text, size_t len,
                        char *err, size_t err_len)
{
    for (size_t i = 0; i < n; i++) {
        const struct dr_rules *v = &versions[i];
        const char *what = v->board_min > v->board_max ? "board"
                           : v->team_min > v->team_max ? "team"
                                                       : NULL;
        if (!what)
            continue;
        int lo = what[0] == 'b' ? v->board_min : v->team_min;
        int hi = what[0] == 'b' ? v->board_max : v->team_max;
        if (err && err_len)
            snprintf(err, err_len, "line %d: %s_min (%d) is above %s_max (%d) in this version",
                     section_line(text, len, v->effective), what, lo, what, hi);
        return ERR_INVALID;
    }
    return 0;
}

int dr_ruleset_parse(const char *text, size_t len, struct dr_ruleset **out, char *err,
                     size_t err_len)
{
    void *versions;
    size_t n;
    *out = NULL;
    if (rulefile_parse(&ruleset_spec, text, len, &versions, &n, err, err_len) != 0)
        return ERR_INVALID;
    if (check_ranges(versions, n, text, len, err, err_len) != 0) {
        free(versions);
        return ERR_INVALID;
    }
    struct dr_ruleset *rs = calloc(1, sizeof *rs);
    if (!rs)
        abort();
    rs->versions = versions;
    rs->n_versions = n;
    *out = rs;
    return 0;
}

void dr_ruleset_free(struct dr_ruleset *rs)
{
    if (!rs)
        return;
    free(rs->versions);
    free(rs);
}

const struct dr_rules *dr_rules_at(const struct dr_ruleset *rs, struct date d)
{
    return rs ? rulefile_at(&ruleset_spec, rs->versions, rs->n_versions, d) : NULL;
}

/* ---- thresholds ---- */

static int threshold_valid(struct dr_threshold t)
{
    return t.p > 0 && t.q > 0 && t.p <= t.q;
}

/*
 * whole * p / q is split as (whole / q) * p + (whole % q) * p / q so that nothing overflows:
 * the first term is at most whole (p <= q), the second's product below q * q < 2^62.
 */
int64_t dr_needed(struct dr_threshold t, int64_t whole)
{
    if (whole <= 0)
        return 0;
    if (!threshold_valid(t) || (t.strict && t.p == t.q))
        return whole < INT64_MAX ? whole + 1 : INT64_MAX;
    int64_t base = whole / t.q * t.p;
    int64_t rest = whole % t.q * t.p;
    if (t.strict)
        return base + rest / t.q + 1;     /* the first count above whole * p / q */
    return base + (rest + t.q - 1) / t.q; /* whole * p / q rounded up */
}

int dr_meets(struct dr_threshold t, int64_t part, int64_t whole)
{
    if (whole <= 0 || part < 0 || part > whole)
        return 0;
    if (!threshold_valid(t) || (t.strict && t.p == t.q))
        return 0;
    return part >= dr_needed(t, whole);
}

/* ---- matters, forms and recognisers ---- */

int dr_matter_valid(int m)
{
    return m >= DM_M1 && m <= DM_M6;
}

unsigned dr_forms_allowed(enum dm_matter m)
{
    const unsigned meeting = 1u << DF_MEETING, ballot = 1u << DF_BALLOT, online = 1u << DF_ONLINE;
    switch (m) {
    case DM_M1:
    case DM_M2:
        return meeting | ballot;
    case DM_M3:
    case DM_M4:
    case DM_M5:
        return meeting; /* ballots only complete a meeting short of attendance */
    case DM_M6:
        return meeting | ballot | online;
    }
    return 0;
}

int dr_ballot_completes(enum dm_matter m)
{
    /* Art 19(1)(b) lets household ballots complete any meeting that fell short, and D3 names
     * that exception for M3-M5, the matters that otherwise need a meeting. */
    return dr_matter_valid((int)m);
}

enum dm_recogniser dr_recogniser(enum dm_matter m)
{
    switch (m) {
    case DM_M3:
    case DM_M4:
        return DR_UBND;
    case DM_M5:
        return DR_MTTQ;
    case DM_M1:
    case DM_M2:
    case DM_M6:
        break;
    }
    return DR_NONE;
}

void dr_judge(const struct dr_rules *r, enum dm_matter m, int64_t households_total, int64_t approve,
              int64_t reject, int64_t other, struct dr_result *out)
{
    memset(out, 0, sizeof *out);
    out->households_total = households_total;
    out->approve = approve;
    out->reject = reject;
    out->other = other;
    int sane = approve >= 0 && reject >= 0 && other >= 0 && households_total >= 0 &&
               approve <= households_total && reject <= households_total - approve &&
               other <= households_total - approve - reject;
    if (sane)
        out->households_voted = approve + reject + other;
    if (!dr_matter_valid((int)m)) {
        /* "more than all of them": whole + 1, none can pass */
        out->needed = dr_needed((struct dr_threshold){1, 1, 1}, households_total);
        return;
    }
    out->needed = dr_needed(r->pass[m], households_total);
    /* More votes than households on the roll is a counting error: nothing passes on it. */
    out->passed = sane && dr_meets(r->pass[m], approve, households_total);
}

int dr_commune_passes(const struct dr_rules *r, int villages_total, int villages_passed)
{
    return dr_meets(r->commune_villages, villages_passed, villages_total);
}

/* ---- citizen initiative (D2) ---- */

int dr_initiative_obliges(const struct dr_rules *r, int64_t consents, int64_t households_total)
{
    return dr_meets(r->initiative, consents, households_total);
}

static int days_in_month(int y, int m)
{
    struct date first = {y, m, 1};
    struct date next = m == 12 ? (struct date){y + 1, 1, 1} : (struct date){y, m + 1, 1};
    return (int)(date_to_days(next) - date_to_days(first));
}

struct date dr_consent_expires(const struct dr_rules *r, struct date given)
{
    if (!date_valid(given))
        return given;
    int months = given.y * 12 + (given.m - 1) + r->consent_months;
    struct date last = {months / 12, months % 12 + 1, 0};
    int dim = days_in_month(last.y, last.m);
    last.d = given.d < dim ? given.d : dim;
    return last;
}

/* ---- meetings, ballots, online votes (D4-D6) ---- */

struct date dr_notice_latest(const struct dr_rules *r, struct date meeting)
{
    return notice_latest(meeting, r->notice_days);
}

struct date dr_documents_latest(const struct dr_rules *r, struct date meeting)
{
    return notice_latest(meeting, r->documents_days);
}

struct date dr_ballot_notice_latest(const struct dr_rules *r, struct date distribution)
{
    return notice_latest(distribution, r->ballot_notice_days);
}

int dr_needs_clusters(const struct dr_rules *r, int64_t households)
{
    return households >= r->cluster_households;
}

int dr_board_ok(const struct dr_rules *r, int n)
{
    return n >= r->board_min && n <= r->board_max;
}

int dr_team_ok(const struct dr_rules *r, int n)
{
    return n >= r->team_min && n <= r->team_max;
}

int dr_online_optin(const struct dr_rules *r, int64_t agree, int64_t households_total)
{
    return dr_meets(r->online_optin, agree, households_total);
}

/* ---- deadlines for acting (A1, A2) ---- */

static int due(const struct calendar *cal, struct date event, int n, enum day_unit unit,
               struct date *out)
{
    if (!cal)
        return ERR_INVALID;
    return deadline_add(cal, event, n, unit, out);
}

int dr_send_due(const struct dr_rules *r, const struct calendar *cal, struct date event,
                struct date *out)
{
    return due(cal, event, r->send_working_days, DAY_WORKING, out);
}

int dr_recognise_due(const struct dr_rules *r, const struct calendar *cal, struct date received,
                     struct date *out)
{
    return due(cal, received, r->recognise_working_days, DAY_WORKING, out);
}

int dr_plan_due(const struct dr_rules *r, const struct calendar *cal, struct date issued,
                struct date *out)
{
    return due(cal, issued, r->plan_days, DAY_CALENDAR, out);
}

int dr_covenant_submit_due(const struct dr_rules *r, const struct calendar *cal,
                           struct date adopted, struct date *out)
{
    return due(cal, adopted, r->covenant_submit_wd, DAY_WORKING, out);
}

int dr_covenant_recognise_due(const struct dr_rules *r, const struct calendar *cal,
                              struct date received, struct date *out)
{
    return due(cal, received, r->covenant_recognise_wd, DAY_WORKING, out);
}

int dr_covenant_distribute_due(const struct dr_rules *r, const struct calendar *cal,
                               struct date recognised, struct date *out)
{
    return due(cal, recognised, r->covenant_distribute_wd, DAY_WORKING, out);
}

/* ---- the village head (D10) ---- */

void dr_head_timeline(const struct dr_rules *r, struct date election, struct dr_head_timeline *out)
{
    out->plan = notice_latest(election, r->head_plan_days);
    out->team = notice_latest(election, r->head_team_days);
    out->notice = notice_latest(election, r->head_notice_days);
    out->candidates = notice_latest(election, r->head_candidates_days);
}

int dr_dismissal_petition(const struct dr_rules *r, int64_t petitioners, int64_t households_total)
{
    return dr_meets(r->head_dismissal, petitioners, households_total);
}

struct date dr_reelect_by(const struct dr_rules *r, struct date recognised)
{
    return date_add_days(recognised, r->head_reelect_days);
}

/* ---- the covenant (G) and the conference (D11) ---- */

struct date dr_covenant_adopt_from(const struct dr_rules *r, struct date posted)
{
    return min_duration_end(posted, r->covenant_post_days);
}

int dr_covenant_quorum(const struct dr_rules *r, int64_t present, int64_t households_total)
{
    return dr_meets(r->covenant_quorum, present, households_total);
}

struct date dr_covenant_review(const struct dr_rules *r, int y)
{
    return (struct date){y, r->covenant_review_month, r->covenant_review_day};
}

struct date dr_conference_invite_latest(const struct dr_rules *r, struct date conference)
{
    return notice_latest(conference, r->conference_invite_days);
}

/*
 * rules.c - the legal clocks of residents' requests and cases (rules.h): the rule set file, and
 * the state of every clock of one case on one day (DOMAIN C6, I, I1, I6, counted per A1, A2).
 *
 * Pure functions: no database, no clock, no global state; fb_evaluate allocates nothing. The
 * rule set is owned by whoever parsed it.
 *
 * Choices the texts leave to us, kept here in one place:
 *  - A clock is met by the first act that ends it (the answer; acceptance or refusal; ...).
 *    Acting on the last day is on time: the period ends at 24:00 of that day (A1).
 *  - Extensions count only as far as the rules allow (the period's max_extensions; for a
 *    denunciation also its complexity, Art 30): one recorded beyond that does not move the
 *    legal deadline.
 *  - An extension may be granted only while its clock still runs (today on or before the due
 *    day): the texts want it decided, in writing, within the period, and one granted later
 *    would turn a missed deadline into a running one.
 *  - A complaint sent to a body that is not competent keeps its acceptance clock: refusing it
 *    with reasons (Art 27) is what meets it. A denunciation is forwarded instead (Art 24(2)), and
 *    so are feedback and recommendations (Decree 20/2008 Art 9). An information request sent to
 *    the wrong body has no clock here (DOMAIN names none).
 *  - Until an official classes a case, it is simple (the shorter periods).
 *  - A period of 0 days in the rule set switches its clock off (FB_NOT_APPLICABLE).
 *  - "Sắp đến hạn" counts working days left even for calendar-day periods: officials act on
 *    working days.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/rulefile.h"
#include "core/str.h"
#include "feedback/rules.h"

/* ---- labels and keys ---- */

static const char *const kind_labels[FB_N_KINDS] = {
    [FB_INFO_REQUEST] = "Yêu cầu cung cấp thông tin",
    [FB_FEEDBACK] = "Phản ánh",
    [FB_RECOMMENDATION] = "Kiến nghị",
    [FB_COMPLAINT] = "Khiếu nại",
    [FB_DENUNCIATION] = "Tố cáo",
};

static const char *const kind_keys[FB_N_KINDS] = {
    [FB_INFO_REQUEST] = "info_request",     [FB_FEEDBACK] = "feedback",
    [FB_RECOMMENDATION] = "recommendation", [FB_COMPLAINT] = "complaint",
    [FB_DENUNCIATION] = "denunciation",
};

static const char *const channel_labels[FB_N_CHANNELS] = {
    [FB_ONLINE] = "Trực tuyến",
    [FB_IN_PERSON] = "Trực tiếp",
    [FB_POST] = "Qua bưu chính",
    [FB_PHONE] = "Điện thoại",
};

static const char *const channel_keys[FB_N_CHANNELS] = {
    [FB_ONLINE] = "online",
    [FB_IN_PERSON] = "in_person",
    [FB_POST] = "post",
    [FB_PHONE] = "phone",
};

static const char *const clock_labels[FB_N_CLOCKS] = {
    [FB_CLK_ACCEPT] = "Thụ lý",
    [FB_CLK_FORWARD] = "Chuyển đơn",
    [FB_CLK_NOTIFY] = "Thông báo thụ lý",
    [FB_CLK_ANSWER] = "Trả lời",
    [FB_CLK_RESOLVE] = "Giải quyết",
    [FB_CLK_SEND] = "Gửi quyết định",
    [FB_CLK_PUBLISH] = "Công khai kết luận",
};

static const char *const state_labels[] = {
    [FB_NOT_APPLICABLE] = "Không áp dụng",
    [FB_WAITING] = "Chưa bắt đầu",
    [FB_RUNNING] = "Trong hạn",
    [FB_SOON] = "Sắp đến hạn",
    [FB_OVERDUE] = "Quá hạn",
    [FB_MET] = "Đúng hạn",
    [FB_MET_LATE] = "Trễ hạn",
};

const char *fb_kind_label(enum fb_kind k)
{
    if ((int)k < 0 || k >= FB_N_KINDS)
        return "";
    return kind_labels[k];
}

const char *fb_channel_label(enum fb_channel c)
{
    if ((int)c < 0 || c >= FB_N_CHANNELS)
        return "";
    return channel_labels[c];
}

const char *fb_clock_label(enum fb_clock c)
{
    if ((int)c < 0 || c >= FB_N_CLOCKS)
        return "";
    return clock_labels[c];
}

const char *fb_clock_state_label(enum fb_clock_state s)
{
    if ((int)s < 0 || (size_t)s >= sizeof state_labels / sizeof state_labels[0])
        return "";
    return state_labels[s];
}

const char *fb_kind_key(enum fb_kind k)
{
    if ((int)k < 0 || k >= FB_N_KINDS)
        return NULL;
    return kind_keys[k];
}

int fb_kind_parse(const char *key)
{
    for (int k = 0; key && k < FB_N_KINDS; k++)
        if (strcmp(key, kind_keys[k]) == 0)
            return k;
    return -1;
}

const char *fb_channel_key(enum fb_channel c)
{
    if ((int)c < 0 || c >= FB_N_CHANNELS)
        return NULL;
    return channel_keys[c];
}

int fb_channel_parse(const char *key)
{
    for (int c = 0; key && c < FB_N_CHANNELS; c++)
        if (strcmp(key, channel_keys[c]) == 0)
            return c;
    return -1;
}

/* ---- the rule set file ---- */

/* Upper bound of every day count in the file (a year). */
#define MAX_DAYS 365

/* One period key of the file. */
struct period_key {
    const char *name; /* as written in the file */
    size_t off;       /* offset of its struct fb_period in struct fb_rules */
    int extendable;   /* its clock takes extensions (", extend M once|twice") */
};

#define PK(name, member, ext)                                                                      \
    {                                                                                              \
        name, offsetof(struct fb_rules, member), ext                                               \
    }

/* Every period, in the order the first version's completeness is checked. Extensions exist in
 * the texts for information requests (C6) and denunciations (Art 30); feedback and
 * recommendations may take them as a local choice (I6); nothing else may. */
static const struct period_key period_keys[] = {
    PK("info_online_simple", info[FB_ONLINE][0], 1),
    PK("info_online_complex", info[FB_ONLINE][1], 1),
    PK("info_in_person_simple", info[FB_IN_PERSON][0], 1),
    PK("info_in_person_complex", info[FB_IN_PERSON][1], 1),
    PK("info_post_simple", info[FB_POST][0], 1),
    PK("info_post_complex", info[FB_POST][1], 1),
    PK("info_phone_simple", info[FB_PHONE][0], 1),
    PK("info_phone_complex", info[FB_PHONE][1], 1),
    PK("feedback_answer", feedback_answer, 1),
    PK("recommendation_answer", recommendation_answer, 1),
    PK("feedback_forward", feedback_forward, 0),
    PK("complaint_accept", complaint_accept, 0),
    PK("complaint_resolve", complaint_resolve[0][0], 0),
    PK("complaint_resolve_complex", complaint_resolve[0][1], 0),
    PK("complaint_resolve_remote", complaint_resolve[1][0], 0),
    PK("complaint_resolve_remote_complex", complaint_resolve[1][1], 0),
    PK("complaint_send", complaint_send, 0),
    PK("denunciation_accept", denunciation_accept[0], 0),
    PK("denunciation_accept_multi_site", denunciation_accept[1], 0),
    PK("denunciation_forward", denunciation_forward, 0),
    PK("denunciation_notify", denunciation_notify, 0),
    PK("denunciation_resolve", denunciation_resolve, 1),
    PK("denunciation_publish", denunciation_publish, 0),
    PK("reception_notify", reception_notify, 0),
};

#define N_PERIOD_KEYS (sizeof period_keys / sizeof period_keys[0])
/* Bit of soon_days for rulefile_mark() (period_keys[i] is bit i). */
#define K_SOON ((unsigned)N_PERIOD_KEYS)
_Static_assert(N_PERIOD_KEYS < 64, "a section's keys fit in rulefile_mark()'s bits");

/* Checks that the first version set every key (spec->complete); reported at its header. */
static int check_complete(struct rulefile *rf, uint64_t set, int line)
{
    if (!((set >> K_SOON) & 1))
        return rulefile_error(rf, line, "the first version must set soon_days");
    for (size_t i = 0; i < N_PERIOD_KEYS; i++)
        if (!((set >> i) & 1))
            return rulefile_error(rf, line, "the first version must set %s", period_keys[i].name);
    return 0;
}

/* "N working" or "N calendar", optionally followed by ", extend M once" or "... twice". */
static int parse_period(struct rulefile *rf, int line, const struct period_key *k, struct str val,
                        struct fb_period *out)
{
    struct fb_period r = {0, DAY_WORKING, 0, 0};
    const char *comma = memchr(val.ptr, ',', val.len);
    struct str head = val, tail = {val.ptr, 0}, num, unit, extra;
    if (comma) {
        head.len = (size_t)(comma - val.ptr);
        tail = (struct str){comma + 1, val.len - head.len - 1};
    }
    if (!rulefile_next_word(&head, &num) || !rulefile_next_word(&head, &unit) ||
        rulefile_next_word(&head, &extra))
        return rulefile_error(rf, line,
                              "%s: want 'N working' or 'N calendar', optionally followed by ', "
                              "extend M once' or ', extend M twice', not '%.*s'",
                              k->name, rulefile_qlen(val), val.ptr);
    if (rulefile_day_count(num, 0, MAX_DAYS, &r.n) != 0)
        return rulefile_error(
            rf, line, "%s: the number of days must be a whole number from 0 to %d, not '%.*s'",
            k->name, MAX_DAYS, rulefile_qlen(num), num.ptr);
    if (str_eq_c(unit, "working"))
        r.unit = DAY_WORKING;
    else if (str_eq_c(unit, "calendar"))
        r.unit = DAY_CALENDAR;
    else
        return rulefile_error(rf, line, "%s: the unit must be working or calendar, not '%.*s'",
                              k->name, rulefile_qlen(unit), unit.ptr);
    if (comma) {
        struct str word, m, times;
        if (!rulefile_next_word(&tail, &word) || !str_eq_c(word, "extend") ||
            !rulefile_next_word(&tail, &m) || !rulefile_next_word(&tail, &times) ||
            rulefile_next_word(&tail, &extra))
            return rulefile_error(
                rf, line,
                "%s: after the comma want 'extend M once' or 'extend M twice', not '%.*s'", k->name,
                rulefile_qlen(val), val.ptr);
        if (!k->extendable)
            return rulefile_error(rf, line, "%s takes no extension", k->name);
        if (rulefile_day_count(m, 1, MAX_DAYS, &r.extend_n) != 0)
            return rulefile_error(
                rf, line,
                "%s: an extension must be a whole number of days from 1 to %d, not '%.*s'", k->name,
                MAX_DAYS, rulefile_qlen(m), m.ptr);
        if (str_eq_c(times, "once"))
            r.max_extensions = 1;
        else if (str_eq_c(times, "twice"))
            r.max_extensions = 2;
        else
            return rulefile_error(rf, line, "%s: an extension is granted once or twice, not '%.*s'",
                                  k->name, rulefile_qlen(times), times.ptr);
    }
    *out = r;
    return 0;
}

/* key = val in version v (spec->key). */
static int key_value(struct rulefile *rf, void *version, struct str key, struct str val, int line)
{
    struct fb_rules *v = version;
    if (str_eq_c(key, "soon_days")) {
        if (rulefile_day_count(val, 0, MAX_DAYS, &v->soon_days) != 0)
            return rulefile_error(rf, line,
                                  "soon_days must be a whole number from 0 to %d, not '%.*s'",
                                  MAX_DAYS, rulefile_qlen(val), val.ptr);
        return rulefile_mark(rf, K_SOON, key);
    }
    size_t i = 0;
    while (i < N_PERIOD_KEYS && !str_eq_c(key, period_keys[i].name))
        i++;
    if (i == N_PERIOD_KEYS)
        return rulefile_error(rf, line, "unknown key '%.*s'", rulefile_qlen(key), key.ptr);
    const struct period_key *k = &period_keys[i];
    int rc = parse_period(rf, line, k, val, (struct fb_period *)((char *)v + k->off));
    if (rc)
        return rc;
    return rulefile_mark(rf, (unsigned)i, key);
}

/* The rule set's layout for the shared parser (core/rulefile.h). */
static const struct rulefile_spec ruleset_spec = {
    .version_size = sizeof(struct fb_rules),
    .effective_off = offsetof(struct fb_rules, effective),
    .key = key_value,
    .complete = check_complete,
};

int fb_ruleset_parse(const char *text, size_t len, struct fb_ruleset **out, char *err,
                     size_t err_len)
{
    void *versions;
    size_t n;
    *out = NULL;
    if (rulefile_parse(&ruleset_spec, text, len, &versions, &n, err, err_len) != 0)
        return ERR_INVALID;
    struct fb_ruleset *rs = calloc(1, sizeof *rs);
    if (!rs)
        abort();
    rs->versions = versions;
    rs->n_versions = n;
    *out = rs;
    return 0;
}

void fb_ruleset_free(struct fb_ruleset *rs)
{
    if (!rs)
        return;
    free(rs->versions);
    free(rs);
}

const struct fb_rules *fb_rules_at(const struct fb_ruleset *rs, struct date d)
{
    return rs ? rulefile_at(&ruleset_spec, rs->versions, rs->n_versions, d) : NULL;
}

/* ---- evaluation ---- */

/* One clock of a case, as the kind's rules set it up. */
struct clock {
    const struct fb_period *per; /* its period; NULL: the case has no such clock */
    int started;                 /* its event has happened... */
    struct date from;            /* ... on this day: the period runs from the day after (A1) */
    int met;                     /* the act that ends it is done... */
    struct date met_on;          /* ... on this day */
    int allowed;                 /* extensions it may take (0 for most clocks) */
};

static void set_clock(struct clock *c, const struct fb_period *per, int started, struct date from,
                      int met, struct date met_on)
{
    c->per = per;
    c->started = started;
    c->from = from;
    c->met = met;
    c->met_on = met_on;
}

/* The earlier of two acts that end the same clock (either may be missing). */
static int first_act(int a, struct date a_on, int b, struct date b_on, struct date *on)
{
    if (a && (!b || date_cmp(a_on, b_on) <= 0))
        *on = a_on;
    else if (b)
        *on = b_on;
    return a || b;
}

/* Which clocks the case has (DOMAIN C6, I, I6), with their events. */
static void clocks_of(const struct fb_rules *r, const struct fb_facts *f,
                      struct clock c[FB_N_CLOCKS])
{
    int cx = f->complexity > FB_SIMPLE;
    struct date on = {0, 0, 0};
    memset(c, 0, FB_N_CLOCKS * sizeof *c);
    switch (f->kind) {
    case FB_INFO_REQUEST:
    case FB_FEEDBACK:
    case FB_RECOMMENDATION: {
        const struct fb_period *ans = f->kind == FB_INFO_REQUEST ? &r->info[f->channel][cx]
                                      : f->kind == FB_FEEDBACK   ? &r->feedback_answer
                                                                 : &r->recommendation_answer;
        if (!f->not_competent) {
            set_clock(&c[FB_CLK_ANSWER], ans, 1, f->received, f->answered, f->answered_on);
            c[FB_CLK_ANSWER].allowed = ans->extend_n > 0 ? ans->max_extensions : 0;
        } else if (f->kind != FB_INFO_REQUEST) {
            set_clock(&c[FB_CLK_FORWARD], &r->feedback_forward, 1, f->received, f->forwarded,
                      f->forwarded_on);
        }
        break;
    }
    case FB_COMPLAINT: {
        /* Not competent or not: accepted, or refused with reasons, within the period (Art 27). */
        int done = first_act(f->accepted, f->accepted_on, f->refused, f->refused_on, &on);
        set_clock(&c[FB_CLK_ACCEPT], &r->complaint_accept, 1, f->received, done, on);
        if (f->refused || f->not_competent)
            break;
        set_clock(&c[FB_CLK_RESOLVE], &r->complaint_resolve[f->remote != 0][cx], f->accepted,
                  f->accepted_on, f->answered, f->answered_on);
        set_clock(&c[FB_CLK_SEND], &r->complaint_send, f->answered, f->answered_on, f->sent,
                  f->sent_on);
        break;
    }
    case FB_DENUNCIATION: {
        if (f->not_competent) {
            set_clock(&c[FB_CLK_FORWARD], &r->denunciation_forward, 1, f->received, f->forwarded,
                      f->forwarded_on);
            break;
        }
        int done = first_act(f->accepted, f->accepted_on, f->refused, f->refused_on, &on);
        set_clock(&c[FB_CLK_ACCEPT], &r->denunciation_accept[f->multi_site != 0], 1, f->received,
                  done, on);
        if (f->refused)
            break;
        set_clock(&c[FB_CLK_NOTIFY], &r->denunciation_notify, f->accepted, f->accepted_on,
                  f->notified, f->notified_on);
        set_clock(&c[FB_CLK_RESOLVE], &r->denunciation_resolve, f->accepted, f->accepted_on,
                  f->answered, f->answered_on);
        /* Art 30: complex once, very complex twice, simple never. */
        const struct fb_period *res = &r->denunciation_resolve;
        int allowed = res->extend_n > 0 ? res->max_extensions : 0;
        if ((int)f->complexity < allowed)
            allowed = (int)f->complexity;
        c[FB_CLK_RESOLVE].allowed = allowed;
        set_clock(&c[FB_CLK_PUBLISH], &r->denunciation_publish, f->answered, f->answered_on,
                  f->published, f->published_on);
        break;
    }
    default:
        break;
    }
}

/* The state of one clock on day today. */
static int judge(const struct fb_rules *r, const struct calendar *cal, const struct fb_facts *f,
                 const struct clock *c, struct date today, struct fb_clock_status *cs)
{
    memset(cs, 0, sizeof *cs);
    if (!c->per || c->per->n == 0) {
        cs->state = FB_NOT_APPLICABLE;
        return 0;
    }
    if (!c->started) {
        cs->state = f->closed ? FB_NOT_APPLICABLE : FB_WAITING;
        return 0;
    }
    if (f->closed && !c->met) {
        cs->state = FB_NOT_APPLICABLE; /* still running when the case was closed */
        return 0;
    }
    int ext = f->extensions < c->allowed ? f->extensions : c->allowed;
    int64_t days = c->per->n + (int64_t)ext * c->per->extend_n;
    if (days > MAX_DAYS * 3)
        return ERR_INVALID; /* only a hand-made struct fb_rules gets here */
    int rc = deadline_add(cal, c->from, (int)days, c->per->unit, &cs->due);
    if (rc)
        return ERR_INVALID;
    if (c->met) {
        cs->state = date_cmp(c->met_on, cs->due) <= 0 ? FB_MET : FB_MET_LATE;
        return 0;
    }
    if (date_cmp(today, cs->due) > 0) {
        cs->state = FB_OVERDUE;
        return 0;
    }
    int left = working_days_between(cal, today, cs->due);
    if (left < 0)
        return ERR_INVALID;
    cs->days_left = left;
    cs->state = left <= r->soon_days ? FB_SOON : FB_RUNNING;
    return 0;
}

/* 0 when the facts and the day are well formed. */
static int check_facts(const struct fb_rules *r, const struct fb_facts *f, struct date today)
{
    if ((int)f->kind < 0 || f->kind >= FB_N_KINDS || (int)f->channel < 0 ||
        f->channel >= FB_N_CHANNELS || (int)f->complexity < FB_SIMPLE ||
        f->complexity > FB_VERY_COMPLEX || f->extensions < 0)
        return ERR_INVALID;
    if (!date_valid(today) || !date_valid(f->received))
        return ERR_INVALID;
    const struct {
        int flag;         /* the act happened */
        struct date date; /* on this day */
    } acts[] = {
        {f->forwarded, f->forwarded_on}, {f->accepted, f->accepted_on}, {f->refused, f->refused_on},
        {f->notified, f->notified_on},   {f->answered, f->answered_on}, {f->sent, f->sent_on},
        {f->published, f->published_on},
    };
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++)
        if (acts[i].flag && !date_valid(acts[i].date))
            return ERR_INVALID;
    if (r->soon_days < 0)
        return ERR_INVALID;
    return 0;
}

/* A period a hand-made struct fb_rules could get wrong. */
static int period_ok(const struct fb_period *per)
{
    return !per || (per->n >= 0 && per->n <= MAX_DAYS && per->extend_n >= 0 &&
                    per->extend_n <= MAX_DAYS && per->max_extensions >= 0);
}

int fb_evaluate(const struct fb_rules *r, const struct calendar *cal, const struct fb_facts *f,
                struct date today, struct fb_status *out)
{
    struct clock c[FB_N_CLOCKS];
    memset(out, 0, sizeof *out);
    out->next = -1;
    if (!r || !cal || !f || check_facts(r, f, today) != 0)
        return ERR_INVALID;
    clocks_of(r, f, c);
    for (int i = 0; i < FB_N_CLOCKS; i++) {
        if (!period_ok(c[i].per) || judge(r, cal, f, &c[i], today, &out->clk[i]) != 0) {
            memset(out, 0, sizeof *out);
            out->next = -1;
            return ERR_INVALID;
        }
    }
    for (int i = 0; i < FB_N_CLOCKS; i++) {
        const struct fb_clock_status *cs = &out->clk[i];
        if (cs->state != FB_RUNNING && cs->state != FB_SOON && cs->state != FB_OVERDUE)
            continue;
        out->overdue |= cs->state == FB_OVERDUE;
        if (out->next < 0 || date_cmp(cs->due, out->next_due) < 0) {
            out->next = i;
            out->next_due = cs->due;
        }
        /* Another extension, decided while the period still runs. */
        if (cs->state != FB_OVERDUE && f->extensions < c[i].allowed)
            out->can_extend = 1;
    }
    return 0;
}

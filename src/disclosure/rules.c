/*
 * rules.c - the legal rules of disclosure (rules.h): the rule set file, and the
 * state of one item on one day (DOMAIN C2, C3 counted per A1, A6, A7).
 *
 * Pure functions: no database, no clock, no global state. The rule set is owned
 * by whoever parsed it; dc_evaluate only reads its arguments and allocates a
 * scratch array it frees before returning.
 *
 * Choices the Law leaves to us, kept here in one place:
 *  - Board postings (A7): posted on day P, the first full day is P+1; n days are
 *    met when the posting is still up, or came down, on P+n+1 (min_duration_end).
 *    A posting put up again on the day it came down continues its run.
 *  - Loudspeaker: a run of broadcast days that ended yesterday still counts as
 *    running, because today's broadcast may not be recorded yet (officials record
 *    after the fact and the form refuses future days); a whole day without a
 *    broadcast breaks the run.
 *  - A withdrawn item is judged as it stood on the day it was withdrawn: postings
 *    that came down on or after that day were not taken down too early.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/rulefile.h"
#include "core/str.h"
#include "disclosure/rules.h"

/* ---- labels ---- */

static const char *const state_labels[] = {
    "Chờ công khai",  /* DC_DUE */
    "Sắp đến hạn",    /* DC_AT_RISK */
    "Trễ hạn",        /* DC_LATE */
    "Đang thực hiện", /* DC_RUNNING */
    "Hoàn thành",     /* DC_COMPLETE */
    "Đã thu hồi",     /* DC_WITHDRAWN */
};

static const char *const channel_labels[DC_N_CHANNELS] = {
    "Cổng thông tin điện tử",
    "Niêm yết",
    "Loa truyền thanh",
    "Qua trưởng thôn, tổ trưởng",
};

static const char *const channel_state_labels[] = {
    "Không bắt buộc", /* DC_CH_NOT_REQUIRED */
    "Chưa thực hiện", /* DC_CH_PENDING */
    "Đang thực hiện", /* DC_CH_RUNNING */
    "Đã đủ",          /* DC_CH_DONE */
    "Thiếu",          /* DC_CH_MISSING */
    "Gián đoạn",      /* DC_CH_BROKEN */
};

/* Short names of Law Art 11's contents (DOMAIN C1), index = category. */
static const char *const category_labels[DC_N_CATEGORIES + 1] = {
    "",
    "Kế hoạch, kết quả phát triển kinh tế - xã hội",
    "Ngân sách: dự toán, thực hiện, quyết toán",
    "Dự án đầu tư, thu hồi đất, bồi thường, quy hoạch",
    "Quy chế dân chủ, nhiệm vụ cán bộ, quy tắc ứng xử",
    "Quỹ, tài trợ, các khoản huy động Nhân dân đóng góp",
    "Tài sản công",
    "Chính sách hỗ trợ, trợ cấp, tín dụng và đối tượng thụ hưởng",
    "Cứu trợ thiên tai, dịch bệnh, ủng hộ",
    "Nghĩa vụ quân sự, công an: chỉ tiêu, danh sách",
    "Kết quả thanh tra, phòng, chống tham nhũng, lấy phiếu tín nhiệm",
    "Lấy ý kiến Nhân dân: kế hoạch, tổng hợp, tiếp thu",
    "Phí, lệ phí",
    "Thủ tục hành chính",
    "Thông tin khác",
};

const char *dc_state_label(enum dc_state s)
{
    if ((int)s < 0 || (size_t)s >= sizeof state_labels / sizeof state_labels[0])
        return "";
    return state_labels[s];
}

const char *dc_channel_label(enum dc_channel c)
{
    if ((int)c < 0 || c >= DC_N_CHANNELS)
        return "";
    return channel_labels[c];
}

const char *dc_channel_state_label(enum dc_channel_state s)
{
    if ((int)s < 0 || (size_t)s >= sizeof channel_state_labels / sizeof channel_state_labels[0])
        return "";
    return channel_state_labels[s];
}

const char *dc_category_label(int category)
{
    if (category < 1 || category > DC_N_CATEGORIES)
        return "";
    return category_labels[category];
}

/* Exactly "CK" (capitals) and two digits, 01..14: callers that accept "ck07" in a URL
 * upper-case it first, so the rule file and the database see one spelling. */
static int category_of(struct str s)
{
    if (s.len != 4 || s.ptr[0] != 'C' || s.ptr[1] != 'K' || s.ptr[2] < '0' || s.ptr[2] > '9' ||
        s.ptr[3] < '0' || s.ptr[3] > '9')
        return 0;
    int n = (s.ptr[2] - '0') * 10 + (s.ptr[3] - '0');
    return n >= 1 && n <= DC_N_CATEGORIES ? n : 0;
}

int dc_category_parse(const char *s)
{
    return s ? category_of(str_c(s)) : 0;
}

/* ---- the rule set file ---- */

/* Bits of the keys a section has set, for rulefile_mark(). */
enum {
    K_WITHIN = 0,
    K_UNIT = 1,
    K_POSTING = 2,
    K_LOUD = 3,
    K_RISK = 4,
    K_PERMANENT = 5,
    K_CAT0 = K_PERMANENT, /* category c (1..14) is bit K_CAT0 + c */
};
_Static_assert(K_CAT0 + DC_N_CATEGORIES < 64, "a section's keys fit in rulefile_mark()'s bits");

/* Upper bound of every day count in the file (a year). */
#define MAX_DAYS 365

static const char *const channel_names[DC_N_CHANNELS] = {"website", "board", "loudspeaker",
                                                         "village_head"};

/* Checks that the first version set everything a version needs (spec->complete). */
static int check_complete(struct rulefile *rf, uint64_t set, int line)
{
    static const struct {
        unsigned bit;     /* K_* */
        const char *name; /* its key */
    } need[] = {
        {K_WITHIN, "publish_within"}, {K_UNIT, "publish_unit"}, {K_POSTING, "posting_days"},
        {K_LOUD, "loudspeaker_days"}, {K_RISK, "at_risk_days"},
    };
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (!((set >> need[i].bit) & 1))
            return rulefile_error(rf, line, "the first version must set %s", need[i].name);
    for (int c = 1; c <= DC_N_CATEGORIES; c++)
        if (!((set >> (K_CAT0 + c)) & 1))
            return rulefile_error(rf, line, "the first version must list the channels of CK%02d",
                                  c);
    return 0;
}

/* A day count in [min, MAX_DAYS]. */
static int set_number(struct rulefile *rf, int line, struct str key, struct str val, int min,
                      int *out)
{
    if (rulefile_day_count(val, min, MAX_DAYS, out) != 0)
        return rulefile_error(rf, line, "%.*s must be a whole number from %d to %d, not '%.*s'",
                              rulefile_qlen(key), key.ptr, min, MAX_DAYS, rulefile_qlen(val),
                              val.ptr);
    return 0;
}

static int set_channels(struct rulefile *rf, int line, struct str key, struct str val,
                        unsigned *out)
{
    unsigned mask = 0;
    struct str tok;
    while (rulefile_next_item(&val, &tok)) {
        int found = -1;
        for (int c = 0; c < DC_N_CHANNELS; c++)
            if (str_eq_c(tok, channel_names[c]))
                found = c;
        if (found < 0)
            return rulefile_error(rf, line,
                                  "unknown channel '%.*s' for %.*s: want website, board, "
                                  "loudspeaker or village_head",
                                  rulefile_qlen(tok), tok.ptr, rulefile_qlen(key), key.ptr);
        mask |= 1u << found;
    }
    if (!mask)
        return rulefile_error(rf, line, "%.*s lists no channel", rulefile_qlen(key), key.ptr);
    *out = mask;
    return 0;
}

static int set_permanent(struct rulefile *rf, int line, struct str val, unsigned *out)
{
    unsigned mask = 0;
    struct str tok;
    while (rulefile_next_item(&val, &tok)) {
        int c = category_of(tok);
        if (!c)
            return rulefile_error(rf, line,
                                  "permanent: unknown category '%.*s' (want CK01 to CK14)",
                                  rulefile_qlen(tok), tok.ptr);
        mask |= 1u << c;
    }
    *out = mask;
    return 0;
}

/* key = val in version v (spec->key). */
static int key_value(struct rulefile *rf, void *version, struct str key, struct str val, int line)
{
    struct dc_rules *v = version;
    unsigned bit;
    int rc;
    if (str_eq_c(key, "publish_within")) {
        bit = K_WITHIN;
        rc = set_number(rf, line, key, val, 0, &v->publish_within);
    } else if (str_eq_c(key, "publish_unit")) {
        bit = K_UNIT;
        rc = 0;
        if (str_eq_c(val, "working"))
            v->publish_unit = DAY_WORKING;
        else if (str_eq_c(val, "calendar"))
            v->publish_unit = DAY_CALENDAR;
        else
            rc = rulefile_error(rf, line, "publish_unit must be working or calendar, not '%.*s'",
                                rulefile_qlen(val), val.ptr);
    } else if (str_eq_c(key, "posting_days")) {
        bit = K_POSTING;
        rc = set_number(rf, line, key, val, 1, &v->posting_days);
    } else if (str_eq_c(key, "loudspeaker_days")) {
        bit = K_LOUD;
        rc = set_number(rf, line, key, val, 1, &v->loudspeaker_days);
    } else if (str_eq_c(key, "at_risk_days")) {
        bit = K_RISK;
        rc = set_number(rf, line, key, val, 0, &v->at_risk_days);
    } else if (str_eq_c(key, "permanent")) {
        bit = K_PERMANENT;
        rc = set_permanent(rf, line, val, &v->permanent);
    } else if (key.len >= 2 && (key.ptr[0] == 'C' || key.ptr[0] == 'c') &&
               (key.ptr[1] == 'K' || key.ptr[1] == 'k')) {
        int c = category_of(key);
        if (!c)
            return rulefile_error(rf, line, "unknown category '%.*s' (want CK01 to CK14)",
                                  rulefile_qlen(key), key.ptr);
        bit = K_CAT0 + (unsigned)c;
        rc = set_channels(rf, line, key, val, &v->required[c]);
    } else {
        return rulefile_error(rf, line, "unknown key '%.*s'", rulefile_qlen(key), key.ptr);
    }
    if (rc)
        return rc;
    return rulefile_mark(rf, bit, key);
}

/* The rule set's layout for the shared parser (core/rulefile.h). */
static const struct rulefile_spec ruleset_spec = {
    .version_size = sizeof(struct dc_rules),
    .effective_off = offsetof(struct dc_rules, effective),
    .key = key_value,
    .complete = check_complete,
};

int dc_ruleset_parse(const char *text, size_t len, struct dc_ruleset **out, char *err,
                     size_t err_len)
{
    void *versions;
    size_t n;
    *out = NULL;
    if (rulefile_parse(&ruleset_spec, text, len, &versions, &n, err, err_len) != 0)
        return ERR_INVALID;
    struct dc_ruleset *rs = calloc(1, sizeof *rs);
    if (!rs)
        abort();
    rs->versions = versions;
    rs->n_versions = n;
    *out = rs;
    return 0;
}

void dc_ruleset_free(struct dc_ruleset *rs)
{
    if (!rs)
        return;
    free(rs->versions);
    free(rs);
}

const struct dc_rules *dc_rules_at(const struct dc_ruleset *rs, struct date d)
{
    return rs ? rulefile_at(&ruleset_spec, rs->versions, rs->n_versions, d) : NULL;
}

/* ---- evaluation ---- */

/* What the evaluation of one item needs besides the rules. */
struct eval {
    struct date day; /* the day judged: today, or the withdrawal day */
    int lenient;     /* withdrawn: a posting ending on `day` was not cut short */
    int past_due;    /* day > due: a channel not started is MISSING */
    int n_days;      /* posting_days or loudspeaker_days */
    int permanent;   /* the board posting is permanent */
};

/* b - a in days (negative when b is earlier), clamped far beyond any real period. */
static int days_between(struct date a, struct date b)
{
    int64_t n = date_to_days(b) - date_to_days(a);
    return n > 1000000 ? 1000000 : n < -1000000 ? -1000000 : (int)n;
}

static struct date later(struct date a, struct date b)
{
    return date_cmp(a, b) >= 0 ? a : b;
}

/* Orders records by first day, then open-ended last, then by last day. */
static int by_from(const void *pa, const void *pb)
{
    const struct dc_posting *a = pa, *b = pb;
    int c = date_cmp(a->from, b->from);
    if (c)
        return c;
    if (a->has_to != b->has_to)
        return a->has_to ? -1 : 1;
    return a->has_to ? date_cmp(a->to, b->to) : 0;
}

/* Per place (or the loudspeaker as one place). */
enum place_state { PL_NONE, PL_RUNNING, PL_DONE, PL_BROKEN };

struct place {
    enum place_state state; /* see enum */
    int days;               /* days counted toward the rule (see callers) */
    struct date done_on;    /* when the rule is or will be met (DONE, RUNNING) */
};

/* One run of consecutive posting at a place. */
struct run {
    struct date from; /* day it went up */
    struct date end;  /* day it came down, or the judged day while up */
    int open;         /* still up on the judged day */
};

/* Board records of one place, sorted by from, all with from <= e->day. */
static void board_place(const struct dc_posting *recs, size_t n, const struct eval *e,
                        struct place *out)
{
    struct run cur = {{0, 0, 0}, {0, 0, 0}, 0};
    int have = 0, best_days = 0, met = 0;
    struct date met_on = {0, 0, 0};
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i <= n; i++) {
        const struct dc_posting *r = i < n ? &recs[i] : NULL;
        int open = 0;
        struct date end = e->day;
        if (r) {
            open = !r->has_to || date_cmp(r->to, e->day) > 0 ||
                   (e->lenient && date_cmp(r->to, e->day) == 0);
            end = open ? e->day : r->to;
            if (have && (cur.open || date_cmp(r->from, cur.end) <= 0)) {
                /* Up again the day it came down, or overlapping: the same run. */
                if (open) {
                    cur.open = 1;
                    cur.end = e->day;
                } else if (!cur.open) {
                    cur.end = later(cur.end, end);
                }
                continue;
            }
        }
        if (have) {
            /* Full days after the posting day (A7), up to the day it came down. */
            int days = days_between(cur.from, cur.end) - 1;
            if (days < 0)
                days = 0;
            if (days > best_days)
                best_days = days;
            if (!met && !e->permanent && days >= e->n_days) {
                met = 1;
                met_on = min_duration_end(cur.from, e->n_days);
            }
        }
        if (!r)
            break;
        cur = (struct run){r->from, end, open};
        have = 1;
    }
    if (!have)
        return; /* PL_NONE */
    int last_days = days_between(cur.from, cur.end) - 1;
    if (last_days < 0)
        last_days = 0;
    if (e->permanent) {
        out->state = cur.open ? PL_DONE : PL_BROKEN;
        out->days = last_days;
        out->done_on = cur.from;
    } else if (met) {
        out->state = PL_DONE;
        out->days = best_days;
        out->done_on = met_on;
    } else if (cur.open) {
        out->state = PL_RUNNING;
        out->days = last_days;
        out->done_on = min_duration_end(cur.from, e->n_days);
    } else {
        out->state = PL_BROKEN;
        out->days = best_days;
    }
}

/* Loudspeaker records sorted by from, all with from <= e->day. */
static void loudspeaker_runs(const struct dc_posting *recs, size_t n, const struct eval *e,
                             struct place *out)
{
    struct date from = {0, 0, 0}, to = {0, 0, 0};
    int have = 0, best_days = 0, met = 0;
    struct date met_on = {0, 0, 0};
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i <= n; i++) {
        const struct dc_posting *r = i < n ? &recs[i] : NULL;
        struct date rto = {0, 0, 0};
        if (r) {
            rto = r->has_to ? r->to : r->from;
            if (date_cmp(rto, e->day) > 0)
                rto = e->day; /* not broadcast yet */
            /* A range starting the day after the run's last day continues it. */
            if (have && days_between(to, r->from) <= 1) {
                to = later(to, rto);
                continue;
            }
        }
        if (have) {
            int days = days_between(from, to) + 1;
            if (days > best_days)
                best_days = days;
            if (!met && days >= e->n_days) {
                met = 1;
                met_on = date_add_days(from, e->n_days - 1);
            }
        }
        if (!r)
            break;
        from = r->from;
        to = rto;
        have = 1;
    }
    if (!have)
        return;
    if (met) {
        out->state = PL_DONE;
        out->days = best_days;
        out->done_on = met_on;
    } else if (days_between(to, e->day) <= 1) {
        /* Broadcast today or yesterday: today's broadcast may still continue it. */
        out->state = PL_RUNNING;
        out->days = days_between(from, to) + 1;
        out->done_on = date_add_days(from, e->n_days - 1);
    } else {
        out->state = PL_BROKEN;
        out->days = best_days;
    }
}

/* Copies the records of channel ch (and place, when want_place) started by e->day into buf,
 * sorted by from; returns their count. */
static size_t select_records(const struct dc_facts *f, enum dc_channel ch, int want_place,
                             int64_t place, const struct eval *e, struct dc_posting *buf)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n_postings; i++) {
        const struct dc_posting *r = &f->postings[i];
        if (r->channel != ch || (want_place && r->place != place) || date_cmp(r->from, e->day) > 0)
            continue;
        buf[n++] = *r;
    }
    qsort(buf, n, sizeof *buf, by_from);
    return n;
}

static void eval_board(const struct dc_rules *r, const struct dc_facts *f, struct eval *e,
                       struct dc_posting *buf, struct dc_channel_status *cs)
{
    int any_broken = 0, any_none = 0, all_done = 1, weakest = -1;
    struct date done_on = {0, 0, 0};
    e->n_days = r->posting_days;
    e->permanent = (r->permanent >> f->category) & 1;
    cs->places_needed = (int)f->n_board_places;
    cs->days_needed = e->permanent ? 0 : r->posting_days;
    for (size_t i = 0; i < f->n_board_places; i++) {
        struct place pl;
        size_t n = select_records(f, DC_BOARD, 1, f->board_places[i], e, buf);
        board_place(buf, n, e, &pl);
        any_broken |= pl.state == PL_BROKEN;
        any_none |= pl.state == PL_NONE;
        all_done &= pl.state == PL_DONE;
        cs->places_done += pl.state == PL_DONE;
        if (weakest < 0 || pl.days < weakest)
            weakest = pl.days;
        if (pl.state == PL_DONE || pl.state == PL_RUNNING)
            done_on = done_on.y ? later(done_on, pl.done_on) : pl.done_on;
    }
    cs->days_done = weakest < 0 ? 0 : weakest;
    if (any_broken)
        cs->state = DC_CH_BROKEN;
    else if (any_none)
        cs->state = e->past_due ? DC_CH_MISSING : DC_CH_PENDING;
    else
        cs->state = all_done ? DC_CH_DONE : DC_CH_RUNNING;
    if (cs->state == DC_CH_DONE || cs->state == DC_CH_RUNNING)
        cs->done_on = done_on;
}

static void eval_loudspeaker(const struct dc_rules *r, const struct dc_facts *f, struct eval *e,
                             struct dc_posting *buf, struct dc_channel_status *cs)
{
    struct place pl;
    e->n_days = r->loudspeaker_days;
    size_t n = select_records(f, DC_LOUDSPEAKER, 0, 0, e, buf);
    loudspeaker_runs(buf, n, e, &pl);
    cs->places_needed = 1;
    cs->days_needed = r->loudspeaker_days;
    cs->days_done = pl.days;
    switch (pl.state) {
    case PL_NONE:
        cs->state = e->past_due ? DC_CH_MISSING : DC_CH_PENDING;
        break;
    case PL_RUNNING:
        cs->state = DC_CH_RUNNING;
        cs->done_on = pl.done_on;
        break;
    case PL_DONE:
        cs->state = DC_CH_DONE;
        cs->places_done = 1;
        cs->done_on = pl.done_on;
        break;
    case PL_BROKEN:
        cs->state = DC_CH_BROKEN;
        break;
    }
}

static void eval_village_head(const struct dc_facts *f, const struct eval *e,
                              struct dc_channel_status *cs)
{
    struct date done_on = {0, 0, 0};
    cs->places_needed = (int)f->n_villages;
    for (size_t v = 0; v < f->n_villages; v++) {
        struct date first = {0, 0, 0};
        for (size_t i = 0; i < f->n_postings; i++) {
            const struct dc_posting *r = &f->postings[i];
            if (r->channel == DC_VILLAGE_HEAD && r->place == f->villages[v] &&
                date_cmp(r->from, e->day) <= 0 && (!first.y || date_cmp(r->from, first) < 0))
                first = r->from;
        }
        if (first.y) {
            cs->places_done++;
            done_on = done_on.y ? later(done_on, first) : first;
        }
    }
    if (cs->places_done == cs->places_needed) {
        /* Every village reached (vacuously when the commune lists none yet). */
        cs->state = DC_CH_DONE;
        cs->done_on = done_on;
    } else if (e->past_due) {
        cs->state = DC_CH_MISSING;
    } else {
        cs->state = cs->places_done ? DC_CH_RUNNING : DC_CH_PENDING;
    }
}

static void eval_website(const struct dc_facts *f, const struct eval *e,
                         struct dc_channel_status *cs)
{
    cs->places_needed = 1;
    if (f->published) {
        cs->state = DC_CH_DONE;
        cs->places_done = 1;
        cs->done_on = f->published_on;
    } else {
        cs->state = e->past_due ? DC_CH_MISSING : DC_CH_PENDING;
    }
}

/* 0 when the facts are well formed. */
static int check_facts(const struct dc_rules *r, const struct dc_facts *f, struct date today)
{
    if (f->category < 1 || f->category > DC_N_CATEGORIES || !date_valid(today) ||
        !date_valid(f->decision) || (f->published && !date_valid(f->published_on)) ||
        (f->withdrawn && !date_valid(f->withdrawn_on)))
        return ERR_INVALID;
    if (r->posting_days < 0 || r->loudspeaker_days < 0 || r->at_risk_days < 0)
        return ERR_INVALID;
    if ((f->n_postings && !f->postings) || (f->n_board_places && !f->board_places) ||
        (f->n_villages && !f->villages))
        return ERR_INVALID;
    /* The UBND office is always a place: a board-required item with none is a caller's bug. */
    if (((r->required[f->category] >> DC_BOARD) & 1) && f->n_board_places == 0)
        return ERR_INVALID;
    for (size_t i = 0; i < f->n_postings; i++) {
        const struct dc_posting *p = &f->postings[i];
        if ((int)p->channel < 0 || p->channel >= DC_N_CHANNELS || !date_valid(p->from))
            return ERR_INVALID;
        if (p->has_to && (!date_valid(p->to) || date_cmp(p->to, p->from) < 0))
            return ERR_INVALID;
    }
    return 0;
}

int dc_evaluate(const struct dc_rules *r, const struct calendar *cal, const struct dc_facts *f,
                struct date today, struct dc_status *out)
{
    memset(out, 0, sizeof *out);
    if (!r || !cal || !f)
        return ERR_INVALID;
    int rc = check_facts(r, f, today);
    if (rc)
        return rc;
    if ((rc = deadline_add(cal, f->decision, r->publish_within, r->publish_unit, &out->due)) != 0)
        return rc;
    if (date_cmp(today, out->due) < 0) {
        if ((rc = working_days_between(cal, today, out->due)) < 0)
            return rc;
        out->wd_left = rc;
    }
    out->published_late = f->published && date_cmp(f->published_on, out->due) > 0;

    /* A withdrawn item is judged as it stood when it was withdrawn. */
    struct eval e = {.day = today};
    if (f->withdrawn && date_cmp(f->withdrawn_on, today) <= 0) {
        e.day = f->withdrawn_on;
        e.lenient = 1;
    }
    e.past_due = date_cmp(e.day, out->due) > 0;

    struct dc_posting *buf = malloc((f->n_postings ? f->n_postings : 1) * sizeof *buf);
    if (!buf)
        abort();
    unsigned req = r->required[f->category];
    for (int c = 0; c < DC_N_CHANNELS; c++) {
        struct dc_channel_status *cs = &out->ch[c];
        if (!((req >> c) & 1))
            continue; /* DC_CH_NOT_REQUIRED */
        switch (c) {
        case DC_WEBSITE:
            eval_website(f, &e, cs);
            break;
        case DC_BOARD:
            eval_board(r, f, &e, buf, cs);
            break;
        case DC_LOUDSPEAKER:
            eval_loudspeaker(r, f, &e, buf, cs);
            break;
        case DC_VILLAGE_HEAD:
            eval_village_head(f, &e, cs);
            break;
        }
    }
    free(buf);

    int past_due = date_cmp(today, out->due) > 0;
    int near = !past_due && out->wd_left <= r->at_risk_days;
    if (f->withdrawn) {
        out->state = DC_WITHDRAWN;
    } else if (!f->published) {
        out->state = past_due ? DC_LATE : near ? DC_AT_RISK : DC_DUE;
    } else {
        int bad = out->published_late, all_done = 1, pending = 0;
        for (int c = 0; c < DC_N_CHANNELS; c++) {
            enum dc_channel_state s = out->ch[c].state;
            if (s == DC_CH_NOT_REQUIRED)
                continue;
            bad |= s == DC_CH_MISSING || s == DC_CH_BROKEN;
            all_done &= s == DC_CH_DONE;
            pending |= s == DC_CH_PENDING;
        }
        out->state = bad               ? DC_LATE
                     : all_done        ? DC_COMPLETE
                     : pending && near ? DC_AT_RISK
                                       : DC_RUNNING;
    }
    return 0;
}

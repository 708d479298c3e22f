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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
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

/* Bits of the keys a section has set (categories from bit K_CAT0 + 1). */
enum {
    K_WITHIN = 1u << 0,
    K_UNIT = 1u << 1,
    K_POSTING = 1u << 2,
    K_LOUD = 1u << 3,
    K_RISK = 1u << 4,
    K_PERMANENT = 1u << 5,
    K_CAT0 = 5, /* category c is bit K_CAT0 + c */
};

/* Longest key or value quoted in an error message. */
#define QUOTE_MAX 40
/* Upper bound of every day count in the file (a year). */
#define MAX_DAYS 365

static const char *const channel_names[DC_N_CHANNELS] = {"website", "board", "loudspeaker",
                                                         "village_head"};

/* Parser state. */
struct ini {
    struct dc_ruleset *rs; /* being built */
    size_t cap;            /* allocated versions */
    unsigned set;          /* K_* bits set in the current section */
    int section_line;      /* line of the current section header (0: none yet) */
    char *err;             /* caller's message buffer (may be NULL) */
    size_t err_len;        /* its size */
};

static void ini_error(struct ini *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void ini_error(struct ini *p, int line, const char *fmt, ...)
{
    if (!p->err || p->err_len == 0)
        return;
    int n = snprintf(p->err, p->err_len, "line %d: ", line);
    if (n < 0 || (size_t)n >= p->err_len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err + n, p->err_len - (size_t)n, fmt, ap);
    va_end(ap);
}

/* Length of s for "%.*s" in messages, capped. */
static int qlen(struct str s)
{
    return s.len > QUOTE_MAX ? QUOTE_MAX : (int)s.len;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Next token of a list separated by blanks or commas; 0 at the end. */
static int next_token(struct str *rest, struct str *tok)
{
    size_t i = 0;
    while (i < rest->len && (is_blank(rest->ptr[i]) || rest->ptr[i] == ','))
        i++;
    size_t start = i;
    while (i < rest->len && !is_blank(rest->ptr[i]) && rest->ptr[i] != ',')
        i++;
    tok->ptr = rest->ptr + start;
    tok->len = i - start;
    rest->ptr += i;
    rest->len -= i;
    return tok->len > 0;
}

/* "[yyyy-mm-dd]": strictly that form, a real date. */
static int parse_section_date(struct str s, struct date *out)
{
    if (s.len != 10 || s.ptr[4] != '-' || s.ptr[7] != '-')
        return ERR_INVALID;
    for (size_t i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s.ptr[i] < '0' || s.ptr[i] > '9'))
            return ERR_INVALID;
    int64_t y, m, d;
    if (parse_int64((struct str){s.ptr, 4}, 1900, 9999, &y) != 0 ||
        parse_int64((struct str){s.ptr + 5, 2}, 1, 12, &m) != 0 ||
        parse_int64((struct str){s.ptr + 8, 2}, 1, 31, &d) != 0)
        return ERR_INVALID;
    struct date r = {(int)y, (int)m, (int)d};
    if (!date_valid(r))
        return ERR_INVALID;
    *out = r;
    return 0;
}

/* Checks that the first version set everything a version needs. */
static int check_complete(struct ini *p)
{
    static const struct {
        unsigned bit;     /* K_* */
        const char *name; /* its key */
    } need[] = {
        {K_WITHIN, "publish_within"}, {K_UNIT, "publish_unit"}, {K_POSTING, "posting_days"},
        {K_LOUD, "loudspeaker_days"}, {K_RISK, "at_risk_days"},
    };
    if (p->rs->n_versions != 1)
        return 0;
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
        if (!(p->set & need[i].bit)) {
            ini_error(p, p->section_line, "the first version must set %s", need[i].name);
            return ERR_INVALID;
        }
    }
    for (int c = 1; c <= DC_N_CATEGORIES; c++) {
        if (!(p->set & (1u << (K_CAT0 + c)))) {
            ini_error(p, p->section_line, "the first version must list the channels of CK%02d", c);
            return ERR_INVALID;
        }
    }
    return 0;
}

static int start_section(struct ini *p, int line, struct str name)
{
    struct date d;
    if (parse_section_date(name, &d) != 0) {
        ini_error(p, line, "section [%.*s] is not a date: want [yyyy-mm-dd]", qlen(name), name.ptr);
        return ERR_INVALID;
    }
    int rc = check_complete(p);
    if (rc)
        return rc;
    struct dc_ruleset *rs = p->rs;
    if (rs->n_versions && date_cmp(d, rs->versions[rs->n_versions - 1].effective) <= 0) {
        ini_error(p, line, "[%.*s] must come after the version before it (oldest first)",
                  qlen(name), name.ptr);
        return ERR_INVALID;
    }
    if (rs->n_versions == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 4;
        rs->versions = realloc(rs->versions, p->cap * sizeof *rs->versions);
        if (!rs->versions)
            abort();
    }
    struct dc_rules *v = &rs->versions[rs->n_versions];
    if (rs->n_versions)
        *v = rs->versions[rs->n_versions - 1]; /* inherit */
    else
        memset(v, 0, sizeof *v);
    v->effective = d;
    rs->n_versions++;
    p->set = 0;
    p->section_line = line;
    return 0;
}

/* A day count in [min, MAX_DAYS]. */
static int set_number(struct ini *p, int line, struct str key, struct str val, int min, int *out)
{
    int64_t n;
    if (parse_int64(val, min, MAX_DAYS, &n) != 0) {
        ini_error(p, line, "%.*s must be a whole number from %d to %d, not '%.*s'", qlen(key),
                  key.ptr, min, MAX_DAYS, qlen(val), val.ptr);
        return ERR_INVALID;
    }
    *out = (int)n;
    return 0;
}

static int set_channels(struct ini *p, int line, struct str key, struct str val, unsigned *out)
{
    unsigned mask = 0;
    struct str tok;
    while (next_token(&val, &tok)) {
        int found = -1;
        for (int c = 0; c < DC_N_CHANNELS; c++)
            if (str_eq_c(tok, channel_names[c]))
                found = c;
        if (found < 0) {
            ini_error(p, line,
                      "unknown channel '%.*s' for %.*s: want website, board, loudspeaker or "
                      "village_head",
                      qlen(tok), tok.ptr, qlen(key), key.ptr);
            return ERR_INVALID;
        }
        mask |= 1u << found;
    }
    if (!mask) {
        ini_error(p, line, "%.*s lists no channel", qlen(key), key.ptr);
        return ERR_INVALID;
    }
    *out = mask;
    return 0;
}

static int set_permanent(struct ini *p, int line, struct str val, unsigned *out)
{
    unsigned mask = 0;
    struct str tok;
    while (next_token(&val, &tok)) {
        int c = category_of(tok);
        if (!c) {
            ini_error(p, line, "permanent: unknown category '%.*s' (want CK01 to CK14)", qlen(tok),
                      tok.ptr);
            return ERR_INVALID;
        }
        mask |= 1u << c;
    }
    *out = mask;
    return 0;
}

static int key_value(struct ini *p, int line, struct str key, struct str val)
{
    if (!p->rs->n_versions) {
        ini_error(p, line, "'%.*s' comes before the first [yyyy-mm-dd] section", qlen(key),
                  key.ptr);
        return ERR_INVALID;
    }
    struct dc_rules *v = &p->rs->versions[p->rs->n_versions - 1];
    unsigned bit;
    int rc;
    if (str_eq_c(key, "publish_within")) {
        bit = K_WITHIN;
        rc = set_number(p, line, key, val, 0, &v->publish_within);
    } else if (str_eq_c(key, "publish_unit")) {
        bit = K_UNIT;
        rc = 0;
        if (str_eq_c(val, "working")) {
            v->publish_unit = DAY_WORKING;
        } else if (str_eq_c(val, "calendar")) {
            v->publish_unit = DAY_CALENDAR;
        } else {
            ini_error(p, line, "publish_unit must be working or calendar, not '%.*s'", qlen(val),
                      val.ptr);
            rc = ERR_INVALID;
        }
    } else if (str_eq_c(key, "posting_days")) {
        bit = K_POSTING;
        rc = set_number(p, line, key, val, 1, &v->posting_days);
    } else if (str_eq_c(key, "loudspeaker_days")) {
        bit = K_LOUD;
        rc = set_number(p, line, key, val, 1, &v->loudspeaker_days);
    } else if (str_eq_c(key, "at_risk_days")) {
        bit = K_RISK;
        rc = set_number(p, line, key, val, 0, &v->at_risk_days);
    } else if (str_eq_c(key, "permanent")) {
        bit = K_PERMANENT;
        rc = set_permanent(p, line, val, &v->permanent);
    } else if (key.len >= 2 && (key.ptr[0] == 'C' || key.ptr[0] == 'c') &&
               (key.ptr[1] == 'K' || key.ptr[1] == 'k')) {
        int c = category_of(key);
        if (!c) {
            ini_error(p, line, "unknown category '%.*s' (want CK01 to CK14)", qlen(key), key.ptr);
            return ERR_INVALID;
        }
        bit = 1u << (K_CAT0 + c);
        rc = set_channels(p, line, key, val, &v->required[c]);
    } else {
        ini_error(p, line, "unknown key '%.*s'", qlen(key), key.ptr);
        return ERR_INVALID;
    }
    if (rc)
        return rc;
    if (p->set & bit) {
        ini_error(p, line, "%.*s is set twice in this section", qlen(key), key.ptr);
        return ERR_INVALID;
    }
    p->set |= bit;
    return 0;
}

/* The line without its comment: '#' or ';' at the start or after a blank. */
static struct str strip_comment(struct str s)
{
    for (size_t i = 0; i < s.len; i++)
        if ((s.ptr[i] == '#' || s.ptr[i] == ';') && (i == 0 || is_blank(s.ptr[i - 1])))
            return (struct str){s.ptr, i};
    return s;
}

static int parse_line(struct ini *p, int line, struct str s)
{
    s = str_trim(strip_comment(s));
    if (!s.len)
        return 0;
    if (s.ptr[0] == '[') {
        if (s.ptr[s.len - 1] != ']') {
            ini_error(p, line, "a section header must end with ']'");
            return ERR_INVALID;
        }
        return start_section(p, line, str_trim((struct str){s.ptr + 1, s.len - 2}));
    }
    const char *eq = memchr(s.ptr, '=', s.len);
    if (!eq) {
        ini_error(p, line, "expected 'key = value' or [yyyy-mm-dd], not '%.*s'", qlen(s), s.ptr);
        return ERR_INVALID;
    }
    struct str key = str_trim((struct str){s.ptr, (size_t)(eq - s.ptr)});
    struct str val = str_trim((struct str){eq + 1, s.len - (size_t)(eq - s.ptr) - 1});
    if (!key.len) {
        ini_error(p, line, "a key is missing before '='");
        return ERR_INVALID;
    }
    return key_value(p, line, key, val);
}

int dc_ruleset_parse(const char *text, size_t len, struct dc_ruleset **out, char *err,
                     size_t err_len)
{
    struct ini p = {.err = err, .err_len = err_len};
    int rc = 0, line = 0;
    if (err && err_len)
        err[0] = '\0';
    *out = NULL;
    p.rs = calloc(1, sizeof *p.rs);
    if (!p.rs)
        abort();
    if (!text)
        len = 0;
    size_t pos = 0;
    while (pos < len) {
        line++;
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        struct str s = {text + pos, end - pos};
        if (memchr(s.ptr, '\0', s.len)) {
            ini_error(&p, line, "NUL byte in the text");
            rc = ERR_INVALID;
            goto out;
        }
        if ((rc = parse_line(&p, line, s)) != 0)
            goto out;
        pos = nl ? end + 1 : len;
    }
    if (!p.rs->n_versions) {
        ini_error(&p, line ? line : 1, "no [yyyy-mm-dd] section: the rule set is empty");
        rc = ERR_INVALID;
        goto out;
    }
    rc = check_complete(&p);
out:
    if (rc) {
        dc_ruleset_free(p.rs);
        return ERR_INVALID;
    }
    *out = p.rs;
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
    const struct dc_rules *best = NULL;
    for (size_t i = 0; rs && i < rs->n_versions; i++)
        if (date_cmp(rs->versions[i].effective, d) <= 0)
            best = &rs->versions[i];
    return best;
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

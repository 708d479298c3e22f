/*
 * calendar.c - the legal calendar (see calendar.h and data/calendar/README.md).
 *
 * Dates are plain proleptic Gregorian arithmetic on day numbers (days since
 * 1970-01-01); nothing here reads the process time zone, so the server's TZ
 * cannot move a deadline (A6). Each year with a table holds one entry per day
 * of the year: the table's kind for that day, or "not listed" (then the
 * weekday decides). The calendar owns its tables and their names (in its
 * arena); it is read-only once loaded and may be shared between threads.
 */
#include "calendar.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "embed.h"
#include "err.h"
#include "str.h"
#include "utf8.h"

#define UNLISTED 0xFF
/* A longer period is a caller's bug; refusing it bounds the day-by-day walks. */
#define MAX_PERIOD 100000
/* Largest calendar file read from the operator's directory. */
#define MAX_FILE (1 << 20)
#define EMBED_PREFIX "data/calendar/"

struct cal_year {
    int year;                /* the year this table covers */
    unsigned char kind[366]; /* enum day_kind per day of year, UNLISTED when not in the table */
    const char *name[366];   /* the table's name for the day (in the calendar's arena), or NULL */
};

struct calendar {
    struct cal_year *years; /* tables, in the order they were first added */
    size_t n_years;         /* number of tables */
    struct arena *a;        /* owns the names */
};

/* ---- pure date arithmetic ---- */

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : mdays[m - 1];
}

int date_valid(struct date d)
{
    return d.y >= 1 && d.y <= 9999 && d.m >= 1 && d.m <= 12 && d.d >= 1 &&
           d.d <= days_in_month(d.y, d.m);
}

/* Howard Hinnant's days_from_civil. */
int64_t date_to_days(struct date d)
{
    int64_t y = d.m <= 2 ? d.y - 1 : d.y;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t mp = d.m > 2 ? d.m - 3 : d.m + 9;
    int64_t doy = (153 * mp + 2) / 5 + d.d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

struct date date_from_days(int64_t days)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    struct date r;
    r.d = (int)(doy - (153 * mp + 2) / 5 + 1);
    r.m = (int)(mp < 10 ? mp + 3 : mp - 9);
    r.y = (int)(yoe + era * 400 + (r.m <= 2));
    return r;
}

struct date date_add_days(struct date d, int n)
{
    return date_from_days(date_to_days(d) + n);
}

int date_cmp(struct date a, struct date b)
{
    int64_t x = date_to_days(a), y = date_to_days(b);
    return x < y ? -1 : x > y;
}

/* Weekday of a day number, 0 = Monday; 1970-01-01 was a Thursday. */
static int weekday_of_days(int64_t days)
{
    int64_t w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

int date_weekday(struct date d)
{
    return weekday_of_days(date_to_days(d));
}

struct date date_vn_from_time(time_t t)
{
    int64_t s = (int64_t)t + 7 * 3600; /* Asia/Ho_Chi_Minh: UTC+7, no DST (A6) */
    int64_t days = s / 86400;
    if (s % 86400 < 0)
        days--;
    return date_from_days(days);
}

/* Parses s[0..n) of only digits into [min, max]. */
static int parse_digits(const char *s, size_t n, int min, int max, int *out)
{
    int64_t v;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return ERR_INVALID;
    struct str t = {s, n};
    if (parse_int64(t, min, max, &v) != 0)
        return ERR_INVALID;
    *out = (int)v;
    return 0;
}

int date_parse(const char *s, struct date *out)
{
    struct date d;
    size_t n = s ? strlen(s) : 0;
    if (n == 10 && s[4] == '-' && s[7] == '-') {
        if (parse_digits(s, 4, 1, 9999, &d.y) || parse_digits(s + 5, 2, 1, 12, &d.m) ||
            parse_digits(s + 8, 2, 1, 31, &d.d))
            return ERR_INVALID;
    } else {
        /* d/m/yyyy with one- or two-digit day and month, as people write it. */
        const char *s1 = s ? memchr(s, '/', n) : NULL;
        const char *s2 = s1 ? memchr(s1 + 1, '/', n - (size_t)(s1 + 1 - s)) : NULL;
        if (!s2)
            return ERR_INVALID;
        size_t ld = (size_t)(s1 - s), lm = (size_t)(s2 - s1 - 1), ly = n - (size_t)(s2 + 1 - s);
        if (ld < 1 || ld > 2 || lm < 1 || lm > 2 || ly != 4)
            return ERR_INVALID;
        if (parse_digits(s, ld, 1, 31, &d.d) || parse_digits(s1 + 1, lm, 1, 12, &d.m) ||
            parse_digits(s2 + 1, 4, 1, 9999, &d.y))
            return ERR_INVALID;
    }
    if (!date_valid(d))
        return ERR_INVALID;
    *out = d;
    return 0;
}

static void put2(char *p, int v)
{
    p[0] = (char)('0' + v / 10 % 10);
    p[1] = (char)('0' + v % 10);
}

static void put4(char *p, int v)
{
    put2(p, v / 100 % 100);
    put2(p + 2, v % 100);
}

void date_format_vn(struct date d, char *out)
{
    put2(out, d.d);
    out[2] = '/';
    put2(out + 3, d.m);
    out[5] = '/';
    put4(out + 6, d.y);
    out[10] = '\0';
}

void date_format_iso(struct date d, char *out)
{
    put4(out, d.y);
    out[4] = '-';
    put2(out + 5, d.m);
    out[7] = '-';
    put2(out + 8, d.d);
    out[10] = '\0';
}

struct date min_duration_end(struct date start, int n)
{
    return date_add_days(start, n + 1);
}

struct date notice_latest(struct date ev, int n)
{
    return date_add_days(ev, -n - 1);
}

/* ---- tables ---- */

static const struct cal_year *find_year(const struct calendar *c, int y)
{
    for (size_t i = 0; i < c->n_years; i++)
        if (c->years[i].year == y)
            return &c->years[i];
    return NULL;
}

static int day_of_year(struct date d)
{
    struct date jan1 = {d.y, 1, 1};
    return (int)(date_to_days(d) - date_to_days(jan1));
}

int calendar_has_year(const struct calendar *c, int y)
{
    return find_year(c, y) != NULL;
}

/* Kind of d from its year's table t (may be NULL: the weekday alone decides). */
static enum day_kind kind_in(const struct cal_year *t, struct date d)
{
    if (t) {
        unsigned char k = t->kind[day_of_year(d)];
        if (k != UNLISTED)
            return (enum day_kind)k;
    }
    return date_weekday(d) >= 5 ? DAYK_WEEKEND : DAYK_WORKING;
}

/* The table for d's year, or NULL when there is none or d is not a date. */
static const struct cal_year *table_for(const struct calendar *c, struct date d)
{
    return date_valid(d) ? find_year(c, d.y) : NULL;
}

enum day_kind calendar_kind(const struct calendar *c, struct date d)
{
    return kind_in(table_for(c, d), d);
}

static int kind_is_working(enum day_kind k)
{
    return k == DAYK_WORKING || k == DAYK_MAKEUP;
}

int calendar_is_working(const struct calendar *c, struct date d)
{
    return kind_is_working(calendar_kind(c, d));
}

const char *calendar_holiday_name(const struct calendar *c, struct date d)
{
    const struct cal_year *t = table_for(c, d);
    return t ? t->name[day_of_year(d)] : NULL;
}

/*
 * Whether day number days is a working day, from a table: 1 or 0, or
 * ERR_INVALID when its year has none. *t caches the last table used.
 */
static int working_at(const struct calendar *c, int64_t days, const struct cal_year **t)
{
    struct date d = date_from_days(days);
    if (!*t || (*t)->year != d.y) {
        *t = find_year(c, d.y);
        if (!*t)
            return ERR_INVALID;
    }
    return kind_is_working(kind_in(*t, d));
}

int deadline_add(const struct calendar *c, struct date event, int n, enum day_unit unit,
                 struct date *out)
{
    const struct cal_year *t = NULL;
    int rc;
    if (!date_valid(event) || n < 0 || n > MAX_PERIOD)
        return ERR_INVALID;
    int64_t day = date_to_days(event);
    if (unit == DAY_WORKING) {
        /* Count n working days after the event (A2). */
        int counted = 0;
        while (counted < n) {
            day++;
            rc = working_at(c, day, &t);
            if (rc < 0)
                return rc;
            counted += rc;
        }
    } else {
        day += n; /* the n-th day after the event (A1) */
    }
    /* A period ending on a non-working day ends on the next working day (A1);
     * for a working-day count this only moves n == 0. */
    while ((rc = working_at(c, day, &t)) == 0)
        day++;
    if (rc < 0)
        return rc;
    *out = date_from_days(day);
    return 0;
}

int working_days_between(const struct calendar *c, struct date from, struct date to)
{
    const struct cal_year *t = NULL;
    int64_t a = date_to_days(from), b = date_to_days(to);
    int count = 0;
    if (!date_valid(from) || !date_valid(to))
        return ERR_INVALID;
    if (b - a > MAX_PERIOD)
        return ERR_INVALID;
    for (int64_t day = a + 1; day <= b; day++) {
        int rc = working_at(c, day, &t);
        if (rc < 0)
            return rc;
        count += rc;
    }
    return count;
}

/* ---- loading ---- */

struct calendar *calendar_new(void)
{
    struct calendar *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->a = arena_new(0);
    return c;
}

void calendar_free(struct calendar *c)
{
    if (!c)
        return;
    free(c->years);
    arena_free(c->a);
    free(c);
}

static void set_err(char *err, size_t err_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t err_len, const char *fmt, ...)
{
    va_list ap;
    if (!err || !err_len)
        return;
    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
}

/* Splits off the first blank-separated word of *s. */
static struct str next_word(struct str *s)
{
    struct str w;
    *s = str_trim(*s);
    size_t i = 0;
    while (i < s->len && s->ptr[i] != ' ' && s->ptr[i] != '\t')
        i++;
    w.ptr = s->ptr;
    w.len = i;
    s->ptr += i;
    s->len -= i;
    *s = str_trim(*s);
    return w;
}

/* The line without a comment: '#' at its start or after a blank. */
static struct str strip_comment(struct str line)
{
    for (size_t i = 0; i < line.len; i++)
        if (line.ptr[i] == '#' && (i == 0 || line.ptr[i - 1] == ' ' || line.ptr[i - 1] == '\t')) {
            line.len = i;
            break;
        }
    return str_trim(line);
}

static int parse_kind(struct str w, enum day_kind *k)
{
    if (str_eq_c(w, "holiday"))
        *k = DAYK_HOLIDAY;
    else if (str_eq_c(w, "day_off"))
        *k = DAYK_DAY_OFF;
    else if (str_eq_c(w, "makeup"))
        *k = DAYK_MAKEUP;
    else
        return ERR_INVALID;
    return 0;
}

/* Installs t in c, replacing a table for the same year. */
static void put_year(struct calendar *c, const struct cal_year *t)
{
    for (size_t i = 0; i < c->n_years; i++)
        if (c->years[i].year == t->year) {
            c->years[i] = *t;
            return;
        }
    struct cal_year *y = realloc(c->years, (c->n_years + 1) * sizeof *y);
    if (!y)
        abort();
    c->years = y;
    c->years[c->n_years++] = *t;
}

int calendar_add_text(struct calendar *c, const char *text, size_t len, char *err, size_t err_len)
{
    struct cal_year *t = calloc(1, sizeof *t);
    struct str rest = {text, len};
    int rc = ERR_INVALID;
    int lineno = 0;
    if (!t)
        abort();
    memset(t->kind, UNLISTED, sizeof t->kind);
    if (!utf8_valid(text, len)) {
        set_err(err, err_len, "calendar is not valid UTF-8");
        goto out;
    }
    while (rest.len) {
        const char *nl = memchr(rest.ptr, '\n', rest.len);
        struct str line = {rest.ptr, nl ? (size_t)(nl - rest.ptr) : rest.len};
        rest.ptr += line.len + (nl ? 1 : 0);
        rest.len -= line.len + (nl ? 1 : 0);
        lineno++;
        line = strip_comment(line);
        if (!line.len)
            continue;
        struct str w = next_word(&line);
        if (str_eq_c(w, "year")) {
            int64_t y;
            if (t->year) {
                set_err(err, err_len, "line %d: a second 'year' line", lineno);
                goto out;
            }
            if (parse_int64(line, 1, 9999, &y) != 0) {
                set_err(err, err_len, "line %d: 'year' needs a year, e.g. 'year 2026'", lineno);
                goto out;
            }
            t->year = (int)y;
            continue;
        }
        if (!t->year) {
            set_err(err, err_len, "line %d: the table must start with a 'year YYYY' line", lineno);
            goto out;
        }
        char ds[16];
        struct date d;
        enum day_kind k;
        if (w.len >= sizeof ds) {
            set_err(err, err_len, "line %d: bad date", lineno);
            goto out;
        }
        memcpy(ds, w.ptr, w.len);
        ds[w.len] = '\0';
        if (date_parse(ds, &d) != 0) {
            set_err(err, err_len, "line %d: bad date '%s'", lineno, ds);
            goto out;
        }
        if (d.y != t->year) {
            set_err(err, err_len, "line %d: %s is not in year %d", lineno, ds, t->year);
            goto out;
        }
        w = next_word(&line);
        if (parse_kind(w, &k) != 0) {
            set_err(err, err_len, "line %d: kind must be holiday, day_off or makeup", lineno);
            goto out;
        }
        if (k == DAYK_MAKEUP && date_weekday(d) < 5) {
            set_err(err, err_len, "line %d: a makeup day must be a Saturday or Sunday", lineno);
            goto out;
        }
        int doy = day_of_year(d);
        if (t->kind[doy] != UNLISTED) {
            set_err(err, err_len, "line %d: %s is listed twice", lineno, ds);
            goto out;
        }
        t->kind[doy] = (unsigned char)k;
        t->name[doy] = line.len ? str_dup(c->a, line) : NULL;
    }
    if (!t->year) {
        set_err(err, err_len, "no 'year YYYY' line");
        goto out;
    }
    put_year(c, t);
    rc = 0;
out:
    free(t);
    return rc;
}

/* Reads path whole into a heap buffer the caller frees. */
static int read_file(const char *path, char **out, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    size_t n = 0;
    int rc = ERR_IO;
    if (!f)
        goto out;
    p = malloc(MAX_FILE + 1);
    if (!p)
        abort();
    n = fread(p, 1, MAX_FILE + 1, f);
    if (ferror(f))
        goto out;
    if (n > MAX_FILE) {
        rc = ERR_TOO_LARGE;
        goto out;
    }
    *out = p;
    *out_len = n;
    p = NULL;
    rc = 0;
out:
    if (f)
        fclose(f);
    free(p);
    return rc;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds every *.txt file of dir, in name order, over what c already has. */
static int load_dir(struct calendar *c, const char *dir, char *err, size_t err_len)
{
    DIR *dp = opendir(dir);
    char **names = NULL;
    size_t n_names = 0;
    char *text = NULL;
    int rc = ERR_IO;
    if (!dp) {
        set_err(err, err_len, "%s: cannot open the calendar folder", dir);
        goto out;
    }
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        if (de->d_name[0] == '.' || !ends_with(de->d_name, ".txt"))
            continue;
        char **nn = realloc(names, (n_names + 1) * sizeof *nn);
        if (!nn)
            abort();
        names = nn;
        names[n_names++] = arena_strdup(c->a, de->d_name);
    }
    if (n_names)
        qsort(names, n_names, sizeof *names, cmp_names);
    for (size_t i = 0; i < n_names; i++) {
        char path[4096];
        char msg[200];
        size_t len;
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= sizeof path) {
            set_err(err, err_len, "%s: path too long", names[i]);
            rc = ERR_INVALID;
            goto out;
        }
        rc = read_file(path, &text, &len);
        if (rc != 0) {
            set_err(err, err_len, "%s: cannot read the file", path);
            goto out;
        }
        rc = calendar_add_text(c, text, len, msg, sizeof msg);
        if (rc != 0) {
            set_err(err, err_len, "%s: %s", path, msg);
            goto out;
        }
        free(text);
        text = NULL;
    }
    rc = 0;
out:
    free(text);
    free(names);
    if (dp)
        closedir(dp);
    return rc;
}

struct calendar *calendar_load(const char *dir, char *err, size_t err_len)
{
    struct calendar *c = calendar_new();
    size_t plen = strlen(EMBED_PREFIX);
    for (unsigned long i = 0; i < embed_count; i++) {
        const struct embed_file *f = &embed_files[i];
        char msg[200];
        if (strncmp(f->name, EMBED_PREFIX, plen) != 0 || !ends_with(f->name, ".txt"))
            continue;
        if (calendar_add_text(c, (const char *)f->data, f->len, msg, sizeof msg) != 0) {
            set_err(err, err_len, "%s: %s", f->name, msg);
            goto fail;
        }
    }
    if (dir && load_dir(c, dir, err, err_len) != 0)
        goto fail;
    return c;
fail:
    calendar_free(c);
    return NULL;
}

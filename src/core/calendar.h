/*
 * calendar.h - the legal calendar: Vietnam's dates, working days and the
 * deadline arithmetic of DOMAIN A1-A8.
 *
 * All legal dates are in Asia/Ho_Chi_Minh (UTC+7, no DST) whatever the
 * server's zone (A6). Holidays, compensatory days off and make-up Saturdays
 * come from per-year tables (A3, A8), data/calendar/YYYY.txt, embedded in
 * the binary and overridable by the operator.
 */
#ifndef DANCHU_CORE_CALENDAR_H
#define DANCHU_CORE_CALENDAR_H

#include <stdint.h>
#include <time.h>

struct date {
    int y; /* year, e.g. 2026 */
    int m; /* month 1-12 */
    int d; /* day 1-31 */
};

enum day_unit {
    DAY_CALENDAR = 0, /* "N ngày": calendar days, with A1 roll-over */
    DAY_WORKING = 1,  /* "N ngày làm việc" */
};

enum day_kind {
    DAYK_WORKING = 0, /* an ordinary working day */
    DAYK_WEEKEND = 1, /* Saturday or Sunday */
    DAYK_HOLIDAY = 2, /* paid public holiday */
    DAYK_DAY_OFF = 3, /* compensatory day off (nghỉ bù) */
    DAYK_MAKEUP = 4,  /* a Saturday that is a working day (làm bù) */
};

struct calendar;

/* Returns an empty calendar (no years) owned by the caller, for fixtures. */
struct calendar *calendar_new(void);

/*
 * Loads the embedded tables (data/calendar/YYYY.txt) plus, when dir is not
 * NULL, the operator's files in dir, which override a year they name.
 * Returns an owned calendar or NULL with a message in err (may be NULL).
 */
struct calendar *calendar_load(const char *dir, char *err, size_t err_len);
void calendar_free(struct calendar *c);

/*
 * Parses one year's table (format in data/calendar/README.md) into c,
 * replacing any table c already has for that year. On error c is unchanged
 * and err (may be NULL) says which line is wrong. 0 or ERR_INVALID.
 */
int calendar_add_text(struct calendar *c, const char *text, size_t len, char *err, size_t err_len);

/* 1 when year y has a table. Working-day arithmetic outside known years fails. */
int calendar_has_year(const struct calendar *c, int y);

/*
 * Kind of day d. In a year without a table only the weekday decides
 * (display only: deadline arithmetic refuses such years).
 */
enum day_kind calendar_kind(const struct calendar *c, struct date d);
/* 1 for DAYK_WORKING and DAYK_MAKEUP, else 0. */
int calendar_is_working(const struct calendar *c, struct date d);
/*
 * The table's Vietnamese name for d ("Tết Nguyên đán", "Nghỉ bù ...",
 * "Làm bù ..."), or NULL; check calendar_kind() for what the day is.
 */
const char *calendar_holiday_name(const struct calendar *c, struct date d);

int date_valid(struct date d);
/* Days since 1970-01-01 and back. */
int64_t date_to_days(struct date d);
struct date date_from_days(int64_t days);
struct date date_add_days(struct date d, int n);
int date_cmp(struct date a, struct date b);
/* 0 = Monday ... 6 = Sunday. */
int date_weekday(struct date d);
/* Today in Vietnam (UTC+7) for the instant t. */
struct date date_vn_from_time(time_t t);
/* Parses "dd/mm/yyyy" (day, month may have one digit) or "yyyy-mm-dd". 0 or ERR_INVALID. */
int date_parse(const char *s, struct date *out);
/* "dd/mm/yyyy" into out (at least 11 bytes). */
void date_format_vn(struct date d, char *out);
/* "yyyy-mm-dd" into out (at least 11 bytes). */
void date_format_iso(struct date d, char *out);

/*
 * Deadline for acting (A1, A2): n days counted from the day after event;
 * calendar days end on the n-th day, rolled forward to the next working day
 * when that falls on a weekend or holiday; working days skip non-working
 * days. Returns 0, or ERR_INVALID when the calendar lacks a year it needs.
 */
int deadline_add(const struct calendar *c, struct date event, int n, enum day_unit unit,
                 struct date *out);

/*
 * Minimum durations (A7): posted on start for at least n consecutive days
 * may come down from the returned date (start + n + 1); no roll-over.
 */
struct date min_duration_end(struct date start, int n);

/*
 * Notice "at least n days before" an event on day ev (A7): the last day on
 * which notice may be given (ev - n - 1).
 */
struct date notice_latest(struct date ev, int n);

/*
 * Working days strictly after from, up to and including to (0 when to <= from),
 * or ERR_INVALID when the calendar lacks a year it needs.
 */
int working_days_between(const struct calendar *c, struct date from, struct date to);

#endif

/*
 * calendar_test.c - the legal calendar and deadline arithmetic (src/core/calendar.c),
 * against the shipped 2025 and 2026 tables (data/calendar/) and DOMAIN A1-A8.
 *
 * What a user notices: the deadline printed on a notice, whether a day is
 * shown as a holiday, and that a deadline the calendar cannot know is refused
 * rather than guessed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/calendar.h"
#include "core/err.h"

static struct calendar *CAL;

static struct date D(int y, int m, int d) {
    struct date r = {y, m, d};
    return r;
}

static void
assert_date(struct date got, int y, int m, int d)
{
    char g[11], w[11];
    date_format_vn(got, g);
    date_format_vn(D(y, m, d), w);
    assert_string_equal(g, w);
}

static struct date deadline(struct date ev, int n, enum day_unit unit)
{
    struct date out = {0, 0, 0};
    assert_int_equal(deadline_add(CAL, ev, n, unit, &out), 0);
    return out;
}

static int setup(void **state)
{
    char err[256] = "";
    CAL = calendar_load(NULL, err, sizeof err);
    if (!CAL)
        fprintf(stderr, "calendar_load: %s\n", err);
    return CAL ? 0 : -1;
}

static int teardown(void **state)
{
    calendar_free(CAL);
    return 0;
}

/* ---- A1: calendar days, roll-over ---- */

static void A1_calendar_deadline_ending_sunday_rolls_to_monday(void **state)
{
    /* Event Sun 02/03/2025; 7 days end Sun 09/03, so the period ends Mon 10/03. */
    assert_int_equal(date_weekday(D(2025, 3, 9)), 6);
    assert_date(deadline(D(2025, 3, 2), 7, DAY_CALENDAR), 2025, 3, 10);
    /* One day less ends on Saturday 08/03: also rolls to Monday. */
    assert_date(deadline(D(2025, 3, 2), 6, DAY_CALENDAR), 2025, 3, 10);
    /* One day less still: Friday 07/03, a working day, stays. */
    assert_date(deadline(D(2025, 3, 2), 5, DAY_CALENDAR), 2025, 3, 7);
}

static void A1_period_starts_the_day_after_the_event(void **state)
{
    /* 1 day after Mon 10/03/2025 is Tue 11/03. */
    assert_date(deadline(D(2025, 3, 10), 1, DAY_CALENDAR), 2025, 3, 11);
    /* 30 days after 01/03/2025 is 31/03/2025 (Monday). */
    assert_date(deadline(D(2025, 3, 1), 30, DAY_CALENDAR), 2025, 3, 31);
}

static void A1_deadline_ending_inside_tet_2026_rolls_to_23_02(void **state)
{
    /* Ends Mon 16/02/2026, the first Tết holiday. */
    assert_date(deadline(D(2026, 1, 17), 30, DAY_CALENDAR), 2026, 2, 23);
    /* Ends Sat 14/02/2026, the first day of the break. */
    assert_date(deadline(D(2026, 1, 15), 30, DAY_CALENDAR), 2026, 2, 23);
    /* Ends Sun 22/02/2026, the last day of the break. */
    assert_date(deadline(D(2026, 2, 7), 15, DAY_CALENDAR), 2026, 2, 23);
    /* Ends Fri 13/02/2026, the last working day before Tết: stays. */
    assert_date(deadline(D(2026, 1, 14), 30, DAY_CALENDAR), 2026, 2, 13);
}

static void A1_deadline_rolls_over_holiday_and_day_off_2025(void **state)
{
    /* Ends Wed 30/04/2025: 30/04, 01/05 holidays, 02/05 off, weekend → Mon 05/05. */
    assert_date(deadline(D(2025, 4, 20), 10, DAY_CALENDAR), 2025, 5, 5);
    /* Ends Sat 26/04/2025, a make-up working Saturday: no roll-over. */
    assert_date(deadline(D(2025, 4, 16), 10, DAY_CALENDAR), 2025, 4, 26);
    /* Ends Sun 26/04/2026, Giỗ Tổ; Mon 27/04 is off → Tue 28/04. */
    assert_date(deadline(D(2026, 4, 16), 10, DAY_CALENDAR), 2026, 4, 28);
}

/* ---- A2: working days ---- */

static void A2_five_working_days_across_tet_2026(void **state)
{
    /* Event Fri 13/02/2026: 23, 24, 25, 26, 27/02. */
    assert_date(deadline(D(2026, 2, 13), 5, DAY_WORKING), 2026, 2, 27);
    assert_int_equal(working_days_between(CAL, D(2026, 2, 13), D(2026, 2, 27)), 5);
    /* Event on Tết itself counts from the first working day after. */
    assert_date(deadline(D(2026, 2, 17), 1, DAY_WORKING), 2026, 2, 23);
}

static void A2_working_days_count_the_makeup_saturday_26_04_2025(void **state)
{
    /* Event Fri 25/04/2025: the first working day is Sat 26/04 (làm bù). */
    assert_date(deadline(D(2025, 4, 25), 1, DAY_WORKING), 2025, 4, 26);
    assert_int_equal(calendar_kind(CAL, D(2025, 4, 26)), DAYK_MAKEUP);
    assert_true(calendar_is_working(CAL, D(2025, 4, 26)));
    /* An ordinary Saturday a week earlier is not. */
    assert_false(calendar_is_working(CAL, D(2025, 4, 19)));
    assert_int_equal(working_days_between(CAL, D(2025, 4, 25), D(2025, 4, 28)), 2);
}

static void A2_ten_working_days_across_30_04_to_02_05_2025(void **state)
{
    /* 26/04 (Sat, làm bù), 28, 29/04, then 30/04-04/05 off, then 05-09, 12, 13/05. */
    assert_date(deadline(D(2025, 4, 25), 10, DAY_WORKING), 2025, 5, 13);
    assert_int_equal(working_days_between(CAL, D(2025, 4, 25), D(2025, 5, 13)), 10);
    /* From Tue 29/04: 05, 06, 07, 08, 09, 12, 13, 14, 15, 16/05. */
    assert_date(deadline(D(2025, 4, 29), 10, DAY_WORKING), 2025, 5, 16);
    assert_int_equal(calendar_kind(CAL, D(2025, 5, 2)), DAYK_DAY_OFF);
    assert_int_equal(working_days_between(CAL, D(2025, 5, 13), D(2025, 4, 25)), 0);
}

static void A2_working_days_across_new_year(void **state)
{
    /* Wed 31/12/2025 + 2 working days: 01/01 is a holiday → Fri 02/01, Mon 05/01. */
    assert_date(deadline(D(2025, 12, 31), 2, DAY_WORKING), 2026, 1, 5);
}

/* ---- A4/A5/A8: the tables ---- */

static void A5_24_11_2026_is_a_holiday_but_24_11_2025_is_not(void **state)
{
    assert_int_equal(calendar_kind(CAL, D(2026, 11, 24)), DAYK_HOLIDAY);
    assert_false(calendar_is_working(CAL, D(2026, 11, 24)));
    assert_string_equal(calendar_holiday_name(CAL, D(2026, 11, 24)),
                        "Ng\xC3\xA0y V\xC4\x83n h\xC3\xB3"
                        "a Vi\xE1\xBB\x87t Nam");
    assert_int_equal(calendar_kind(CAL, D(2025, 11, 24)), DAYK_WORKING);
    assert_true(calendar_is_working(CAL, D(2025, 11, 24)));
    assert_null(calendar_holiday_name(CAL, D(2025, 11, 24)));
}

static void A8_tables_2025_2026(void **state)
{
    /* Every weekday from Mon 16/02 to Fri 20/02/2026 is Tết. */
    for (int d = 16; d <= 20; d++) {
        assert_int_equal(calendar_kind(CAL, D(2026, 2, d)), DAYK_HOLIDAY);
        assert_string_equal(calendar_holiday_name(CAL, D(2026, 2, d)),
                            "T\xE1\xBA\xBFt Nguy\xC3\xAAn \xC4\x91\xC3\xA1n");
    }
    for (int d = 27; d <= 31; d++)
        assert_int_equal(calendar_kind(CAL, D(2025, 1, d)), DAYK_HOLIDAY);
    assert_int_equal(calendar_kind(CAL, D(2025, 1, 25)), DAYK_WEEKEND);
    assert_int_equal(calendar_kind(CAL, D(2025, 2, 3)), DAYK_WORKING);
    /* Giỗ Tổ. */
    assert_int_equal(calendar_kind(CAL, D(2025, 4, 7)), DAYK_HOLIDAY);
    assert_int_equal(calendar_kind(CAL, D(2026, 4, 26)), DAYK_HOLIDAY);
    assert_int_equal(calendar_kind(CAL, D(2026, 4, 27)), DAYK_DAY_OFF);
    /* Quốc khánh. */
    assert_false(calendar_is_working(CAL, D(2025, 9, 1)));
    assert_false(calendar_is_working(CAL, D(2025, 9, 2)));
    assert_true(calendar_is_working(CAL, D(2025, 9, 3)));
    assert_false(calendar_is_working(CAL, D(2026, 9, 2)));
    assert_false(calendar_is_working(CAL, D(2026, 1, 1)));
    assert_true(calendar_is_working(CAL, D(2026, 1, 2)));
    assert_true(calendar_has_year(CAL, 2025));
    assert_true(calendar_has_year(CAL, 2026));
    assert_false(calendar_has_year(CAL, 2030));
}

static void A3_year_without_table_is_invalid(void **state)
{
    struct date out = {0, 0, 0};
    assert_int_equal(deadline_add(CAL, D(2030, 3, 2), 7, DAY_CALENDAR, &out), ERR_INVALID);
    assert_int_equal(deadline_add(CAL, D(2030, 3, 2), 7, DAY_WORKING, &out), ERR_INVALID);
    /* Starting in a known year but ending in 2028, which has no table. */
    assert_int_equal(deadline_add(CAL, D(2027, 12, 20), 30, DAY_CALENDAR, &out), ERR_INVALID);
    assert_int_equal(deadline_add(CAL, D(2027, 12, 28), 5, DAY_WORKING, &out), ERR_INVALID);
    assert_int_equal(working_days_between(CAL, D(2027, 12, 1), D(2028, 1, 10)), ERR_INVALID);
    /* Across New Year into the provisional 2027 table: Mon 28/12/2026 + 5 working days skips
     * Fri 01/01/2027 (Tết Dương lịch) and the weekend: Tue 05/01/2027. */
    assert_int_equal(deadline_add(CAL, D(2026, 12, 28), 5, DAY_WORKING, &out), 0);
    assert_int_equal(date_cmp(out, D(2027, 1, 5)), 0);
    /* Bad input. */
    assert_int_equal(deadline_add(CAL, D(2025, 2, 29), 1, DAY_CALENDAR, &out), ERR_INVALID);
    assert_int_equal(deadline_add(CAL, D(2025, 3, 2), -1, DAY_CALENDAR, &out), ERR_INVALID);
    /* Display still works there: weekday only. */
    assert_int_equal(calendar_kind(CAL, D(2030, 3, 2)), DAYK_WEEKEND);
    assert_int_equal(calendar_kind(CAL, D(2030, 3, 4)), DAYK_WORKING);
}

/* ---- A7: minimum durations and notices, no roll-over ---- */

static void A7_posting_01_03_for_30_days_comes_down_01_04(void **state)
{
    assert_date(min_duration_end(D(2025, 3, 1), 30), 2025, 4, 1);
    /* 30/01/2026: day 1 is 31/01, day 30 is 01/03 (February has 28 days). */
    assert_date(min_duration_end(D(2026, 1, 30), 30), 2026, 3, 2);
    /* Leap February 2024: day 1 is 02/02, day 28 is 29/02, day 30 is 02/03. */
    assert_date(min_duration_end(D(2024, 2, 1), 30), 2024, 3, 3);
    assert_date(min_duration_end(D(2025, 2, 1), 30), 2025, 3, 4);
    /* Month of 30 days, and of 31. */
    assert_date(min_duration_end(D(2025, 4, 1), 30), 2025, 5, 2);
    assert_date(min_duration_end(D(2025, 7, 1), 30), 2025, 8, 1);
    /* Lands on a holiday (30/04/2026) and stays there: no roll-over. */
    assert_date(min_duration_end(D(2026, 3, 30), 30), 2026, 4, 30);
    /* No table needed either. */
    assert_date(min_duration_end(D(2031, 12, 15), 20), 2032, 1, 5);
}

static void A7_notice_two_days_before_10_03_is_07_03(void **state)
{
    assert_date(notice_latest(D(2025, 3, 10), 2), 2025, 3, 7);
    /* Across a month end of a leap year. */
    assert_date(notice_latest(D(2024, 3, 2), 2), 2024, 2, 28);
    /* Lands on a Sunday (07/12/2025) and stays. */
    assert_date(notice_latest(D(2025, 12, 10), 2), 2025, 12, 7);
}

/* ---- A6: Vietnam's time ---- */

static void A6_day_changes_at_17_00_utc(void **state)
{
    time_t midnight_utc = (time_t)date_to_days(D(2025, 12, 31)) * 86400;
    assert_date(date_vn_from_time(midnight_utc + 16 * 3600 + 59 * 60 + 59), 2025, 12, 31);
    assert_date(date_vn_from_time(midnight_utc + 17 * 3600), 2026, 1, 1);
    /* Before 1970 too. */
    time_t t = (time_t)date_to_days(D(1969, 12, 31)) * 86400;
    assert_date(date_vn_from_time(t + 16 * 3600 + 59 * 60 + 59), 1969, 12, 31);
    assert_date(date_vn_from_time(t + 17 * 3600), 1970, 1, 1);
}

static void A6_server_time_zone_does_not_matter(void **state)
{
    time_t t = (time_t)date_to_days(D(2026, 2, 16)) * 86400 + 17 * 3600;
    setenv("TZ", "America/Los_Angeles", 1);
    tzset();
    assert_date(date_vn_from_time(t), 2026, 2, 17);
    unsetenv("TZ");
    tzset();
}

/* ---- dates ---- */

static void date_parse_checks_the_calendar(void **state)
{
    struct date d;
    assert_int_equal(date_parse("29/02/2025", &d), ERR_INVALID);
    assert_int_equal(date_parse("29/02/2024", &d), 0);
    assert_date(d, 2024, 2, 29);
    assert_int_equal(date_parse("2024-02-29", &d), 0);
    assert_date(d, 2024, 2, 29);
    assert_int_equal(date_parse("2025-02-29", &d), ERR_INVALID);
    assert_int_equal(date_parse("29/02/1900", &d), ERR_INVALID);
    assert_int_equal(date_parse("29/02/2000", &d), 0);
    assert_int_equal(date_parse("1/9/2025", &d), 0);
    assert_date(d, 2025, 9, 1);
    assert_int_equal(date_parse("31/04/2025", &d), ERR_INVALID);
    assert_int_equal(date_parse("32/01/2025", &d), ERR_INVALID);
    assert_int_equal(date_parse("01/13/2025", &d), ERR_INVALID);
    assert_int_equal(date_parse("00/01/2025", &d), ERR_INVALID);
    assert_int_equal(date_parse("01/01/25", &d), ERR_INVALID);
    assert_int_equal(date_parse(" 01/01/2025", &d), ERR_INVALID);
    assert_int_equal(date_parse("01/01/2025 ", &d), ERR_INVALID);
    assert_int_equal(date_parse("+1/01/2025", &d), ERR_INVALID);
    assert_int_equal(date_parse("2025-1-01", &d), ERR_INVALID);
    assert_int_equal(date_parse("2025/01/01", &d), ERR_INVALID);
    assert_int_equal(date_parse("01/01/2025/1", &d), ERR_INVALID);
    assert_int_equal(date_parse("", &d), ERR_INVALID);
    assert_int_equal(date_parse(NULL, &d), ERR_INVALID);
}

static void date_formats_dd_mm_yyyy(void **state)
{
    char buf[11];
    date_format_vn(D(2026, 2, 16), buf);
    assert_string_equal(buf, "16/02/2026");
    date_format_vn(D(2025, 9, 2), buf);
    assert_string_equal(buf, "02/09/2025");
    date_format_iso(D(2025, 9, 2), buf);
    assert_string_equal(buf, "2025-09-02");
    /* Round trip through the parser. */
    struct date d;
    date_format_vn(D(2024, 12, 31), buf);
    assert_int_equal(date_parse(buf, &d), 0);
    assert_date(d, 2024, 12, 31);
}

static void date_arithmetic(void **state)
{
    assert_int_equal(date_to_days(D(1970, 1, 1)), 0);
    assert_int_equal(date_to_days(D(2000, 3, 1)), 11017);
    assert_int_equal(date_weekday(D(1970, 1, 1)), 3);  /* Thursday */
    assert_int_equal(date_weekday(D(2026, 2, 16)), 0); /* Monday */
    assert_int_equal(date_weekday(D(1969, 12, 28)), 6);
    assert_date(date_add_days(D(2024, 2, 28), 1), 2024, 2, 29);
    assert_date(date_add_days(D(2025, 2, 28), 1), 2025, 3, 1);
    assert_date(date_add_days(D(2025, 1, 1), -1), 2024, 12, 31);
    assert_int_equal(date_cmp(D(2025, 1, 1), D(2024, 12, 31)), 1);
    assert_int_equal(date_cmp(D(2025, 1, 1), D(2025, 1, 1)), 0);
    assert_int_equal(date_cmp(D(2024, 12, 31), D(2025, 1, 1)), -1);
    /* Every day of 1600-2400 round-trips and follows the one before. */
    int64_t first = date_to_days(D(1600, 1, 1)), last = date_to_days(D(2400, 12, 31));
    struct date prev = date_from_days(first - 1);
    for (int64_t n = first; n <= last; n++) {
        struct date d = date_from_days(n);
        assert_true(date_valid(d));
        assert_int_equal(date_to_days(d), n);
        assert_true(date_cmp(prev, d) < 0);
        prev = d;
    }
}

/* ---- table files ---- */

static void table_errors_name_the_line(void **state)
{
    struct calendar *c = calendar_new();
    char err[200];
    const char *bad_kind = "year 2027\n2027-01-01 holyday T\xE1\xBA\xBFt\n";
    assert_int_equal(calendar_add_text(c, bad_kind, strlen(bad_kind), err, sizeof err),
                     ERR_INVALID);
    assert_non_null(strstr(err, "line 2"));
    const char *wrong_year = "# c\nyear 2027\n2026-01-01 holiday X\n";
    assert_int_equal(calendar_add_text(c, wrong_year, strlen(wrong_year), err, sizeof err),
                     ERR_INVALID);
    assert_non_null(strstr(err, "line 3"));
    const char *no_year = "2027-01-01 holiday X\n";
    assert_int_equal(calendar_add_text(c, no_year, strlen(no_year), err, sizeof err), ERR_INVALID);
    const char *twice = "year 2027\n2027-01-01 holiday X\n01/01/2027 day_off Y\n";
    assert_int_equal(calendar_add_text(c, twice, strlen(twice), err, sizeof err), ERR_INVALID);
    /* A make-up day on a weekday (Fri 01/01/2027) makes no sense. */
    const char *makeup = "year 2027\n2027-01-01 makeup X\n";
    assert_int_equal(calendar_add_text(c, makeup, strlen(makeup), err, sizeof err), ERR_INVALID);
    const char *bad_date = "year 2027\n2027-02-29 holiday X\n";
    assert_int_equal(calendar_add_text(c, bad_date, strlen(bad_date), err, sizeof err),
                     ERR_INVALID);
    assert_int_equal(calendar_add_text(c, "year 2027\n\xC3", 11, err, sizeof err), ERR_INVALID);
    /* None of the failures left a table behind. */
    assert_false(calendar_has_year(c, 2027));
    /* A good one, with comments, CRLF and no final newline. */
    const char *good = "# x\r\nyear 2027\r\n  2027-01-01   holiday  T\xE1\xBA\xBFt  # U: check\r\n"
                       "2027-01-02 makeup";
    assert_int_equal(calendar_add_text(c, good, strlen(good), err, sizeof err), 0);
    assert_string_equal(calendar_holiday_name(c, D(2027, 1, 1)), "T\xE1\xBA\xBFt");
    assert_int_equal(calendar_kind(c, D(2027, 1, 2)), DAYK_MAKEUP);
    assert_null(calendar_holiday_name(c, D(2027, 1, 2)));
    struct date out;
    /* Only the days walked through need a table: 31/12/2026 does, 2027 does not. */
    assert_int_equal(deadline_add(c, D(2026, 12, 30), 2, DAY_WORKING, &out), ERR_INVALID);
    assert_int_equal(deadline_add(c, D(2026, 12, 31), 1, DAY_WORKING, &out), 0);
    assert_date(out, 2027, 1, 2);
    calendar_free(c);
}

static void operator_folder_overrides_a_whole_year(void **state)
{
    char dir[] = "/tmp/danchu_cal_XXXXXX";
    char path[128];
    char err[256] = "";
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/2025.txt", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    /* An operator's 2025 with only 1 January: Giỗ Tổ 07/04 becomes working. */
    fputs("year 2025\n2025-01-01 holiday T\xE1\xBA\xBFt D\xC6\xB0\xC6\xA1ng l\xE1\xBB\x8B"
          "ch\n",
          f);
    fclose(f);
    struct calendar *c = calendar_load(dir, err, sizeof err);
    assert_non_null(c);
    assert_true(calendar_is_working(c, D(2025, 4, 7)));
    assert_false(calendar_is_working(c, D(2025, 1, 1)));
    /* 2026 still comes from the built-in table. */
    assert_false(calendar_is_working(c, D(2026, 2, 16)));
    calendar_free(c);

    /* A broken file stops loading and says where. */
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("year 2025\n2025-13-01 holiday X\n", f);
    fclose(f);
    assert_null(calendar_load(dir, err, sizeof err));
    assert_non_null(strstr(err, "2025.txt"));
    assert_non_null(strstr(err, "line 2"));
    unlink(path);
    rmdir(dir);

    /* A folder that is not there is an operator error. */
    assert_null(calendar_load("/nonexistent/danchu", err, sizeof err));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(A1_calendar_deadline_ending_sunday_rolls_to_monday),
        cmocka_unit_test(A1_period_starts_the_day_after_the_event),
        cmocka_unit_test(A1_deadline_ending_inside_tet_2026_rolls_to_23_02),
        cmocka_unit_test(A1_deadline_rolls_over_holiday_and_day_off_2025),
        cmocka_unit_test(A2_five_working_days_across_tet_2026),
        cmocka_unit_test(A2_working_days_count_the_makeup_saturday_26_04_2025),
        cmocka_unit_test(A2_ten_working_days_across_30_04_to_02_05_2025),
        cmocka_unit_test(A2_working_days_across_new_year),
        cmocka_unit_test(A5_24_11_2026_is_a_holiday_but_24_11_2025_is_not),
        cmocka_unit_test(A8_tables_2025_2026),
        cmocka_unit_test(A3_year_without_table_is_invalid),
        cmocka_unit_test(A7_posting_01_03_for_30_days_comes_down_01_04),
        cmocka_unit_test(A7_notice_two_days_before_10_03_is_07_03),
        cmocka_unit_test(A6_day_changes_at_17_00_utc),
        cmocka_unit_test(A6_server_time_zone_does_not_matter),
        cmocka_unit_test(date_parse_checks_the_calendar),
        cmocka_unit_test(date_formats_dd_mm_yyyy),
        cmocka_unit_test(date_arithmetic),
        cmocka_unit_test(table_errors_name_the_line),
        cmocka_unit_test(operator_folder_overrides_a_whole_year),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

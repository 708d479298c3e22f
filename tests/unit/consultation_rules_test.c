/*
 * consultation_rules_test.c - the rules of consultations (DOMAIN E3, counted per A6/A7) and of
 * the staff conference inside an agency (DOMAIN H) at their edges, against the shipped rule set
 * (data/rules/consultation.ini, embedded).
 *
 * What a user notices: the earliest closing day the "open a consultation" form accepts, whether
 * a comment sent at 23:59 of the last day is taken and one at 00:00 the next day refused,
 * whether "publish the result" is refused for a decision against most views without its
 * explanation, and whether a staff conference is valid and its resolutions pass.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "consultation/rules.h"
#include "core/calendar.h"
#include "core/embed.h"
#include "core/err.h"

static struct cs_ruleset *RS;
static const struct cs_rules *R; /* the version for 2026 */

static void assert_date(struct date got, int y, int m, int d)
{
    char g[11], w[11];
    date_format_vn(got, g);
    date_format_vn((struct date){y, m, d}, w);
    assert_string_equal(g, w);
}

/* Unix time of hh:mm:ss on day d, Vietnam time (UTC+7). */
static time_t vn_time(struct date d, int hh, int mm, int ss)
{
    return (time_t)(date_to_days(d) * 86400 + hh * 3600 + mm * 60 + ss - 7 * 3600);
}

static void E3_open_at_least_20_days_counted_from_the_day_after(void **state)
{
    struct date e;
    /* Opened 01/03/2026: day 1 is 02/03, day 20 is 21/03 (A7). */
    assert_date(cs_earliest_close((struct date){2026, 3, 1}, 20), 2026, 3, 21);
    assert_int_equal(
        cs_window_check(R, 0, (struct date){2026, 3, 1}, (struct date){2026, 3, 21}, &e), 0);
    assert_date(e, 2026, 3, 21);
    /* Day 19 is too short. */
    assert_int_equal(
        cs_window_check(R, 0, (struct date){2026, 3, 1}, (struct date){2026, 3, 20}, &e),
        ERR_INVALID);
    assert_date(e, 2026, 3, 21);
    /* Across the end of a 28-day February and a leap year's 29th. */
    assert_date(cs_earliest_close((struct date){2026, 2, 9}, 20), 2026, 3, 1);
    assert_date(cs_earliest_close((struct date){2028, 2, 9}, 20), 2028, 2, 29);
    /* 30- and 31-day months. */
    assert_date(cs_earliest_close((struct date){2026, 4, 11}, 20), 2026, 5, 1);
    assert_date(cs_earliest_close((struct date){2026, 5, 11}, 20), 2026, 5, 31);
    /* A minimum duration does not roll over a Sunday or Tết (A7): opened 27/01/2026, day 20 is
     * Monday 16/02, the first day of Tết, and stays so. */
    assert_date(cs_earliest_close((struct date){2026, 1, 27}, 20), 2026, 2, 16);
    /* Opened 30/03/2026: day 20 is Sunday 19/04. */
    assert_date(cs_earliest_close((struct date){2026, 3, 30}, 20), 2026, 4, 19);
    /* A window that ends before it starts. */
    assert_int_equal(
        cs_window_check(R, 0, (struct date){2026, 3, 21}, (struct date){2026, 3, 1}, NULL),
        ERR_INVALID);
    /* Longer is always allowed. */
    assert_int_equal(
        cs_window_check(R, 0, (struct date){2026, 3, 1}, (struct date){2026, 6, 30}, NULL), 0);
}

static void H_internal_draft_open_at_least_20_days(void **state)
{
    assert_int_equal(
        cs_window_check(R, 1, (struct date){2026, 12, 1}, (struct date){2026, 12, 21}, NULL), 0);
    assert_int_equal(
        cs_window_check(R, 1, (struct date){2026, 12, 1}, (struct date){2026, 12, 20}, NULL),
        ERR_INVALID);
}

static void E3_A6_window_closes_at_2400_vietnam_time_of_its_last_day(void **state)
{
    struct date opens = {2026, 3, 1}, closes = {2026, 3, 21};
    /* The first second of the first day, Vietnam time (17:00 UTC the day before). */
    assert_int_equal(cs_window_phase(opens, closes, vn_time(opens, 0, 0, 0)), CS_PHASE_OPEN);
    assert_int_equal(cs_window_phase(opens, closes, vn_time(opens, 0, 0, 0) - 1), CS_PHASE_NOT_YET);
    /* 23:59:59 of the last day is inside; 24:00 is not. */
    assert_int_equal(cs_window_phase(opens, closes, vn_time(closes, 23, 59, 59)), CS_PHASE_OPEN);
    assert_int_equal(cs_window_phase(opens, closes, vn_time(closes, 24, 0, 0)), CS_PHASE_CLOSED);
    /* 20:00 UTC on the last day is already 03:00 the next day in Vietnam. */
    assert_int_equal(
        cs_window_phase(opens, closes, vn_time(closes, 0, 0, 0) + 7 * 3600 + 20 * 3600),
        CS_PHASE_CLOSED);
}

static void E3_majority_view_at_49_9_50_and_50_1_percent(void **state)
{
    /* 499 of 1000 agree: no majority; 500 of 1000: exactly half, still none; 501: agree. */
    assert_int_equal(cs_majority(R, 499, 501, 0), CS_VIEW_DISAGREE);
    assert_int_equal(cs_majority(R, 499, 400, 101), CS_VIEW_NONE);
    assert_int_equal(cs_majority(R, 500, 500, 0), CS_VIEW_NONE);
    assert_int_equal(cs_majority(R, 500, 300, 200), CS_VIEW_NONE);
    assert_int_equal(cs_majority(R, 501, 300, 199), CS_VIEW_AGREE);
    assert_int_equal(cs_majority(R, 0, 0, 3), CS_VIEW_OTHER);
    assert_int_equal(cs_majority(R, 0, 0, 0), CS_VIEW_NONE);
    assert_int_equal(cs_majority(R, -1, 5, 0), CS_VIEW_NONE);
}

static void E3_departing_from_the_majority_needs_its_explanation(void **state)
{
    assert_true(cs_departs(CS_VIEW_DISAGREE, CS_DEC_ADOPT));
    assert_true(cs_departs(CS_VIEW_DISAGREE, CS_DEC_AMEND));
    assert_true(cs_departs(CS_VIEW_AGREE, CS_DEC_REJECT));
    assert_false(cs_departs(CS_VIEW_AGREE, CS_DEC_ADOPT));
    assert_false(cs_departs(CS_VIEW_AGREE, CS_DEC_AMEND));
    assert_false(cs_departs(CS_VIEW_DISAGREE, CS_DEC_REJECT));
    assert_false(cs_departs(CS_VIEW_NONE, CS_DEC_ADOPT));
    assert_false(cs_departs(CS_VIEW_NONE, CS_DEC_REJECT));

    assert_int_equal(cs_publish_check(CS_VIEW_DISAGREE, CS_DEC_ADOPT, ""), ERR_INVALID);
    assert_int_equal(cs_publish_check(CS_VIEW_DISAGREE, CS_DEC_ADOPT, " \n\t"), ERR_INVALID);
    assert_int_equal(cs_publish_check(CS_VIEW_DISAGREE, CS_DEC_ADOPT, NULL), ERR_INVALID);
    assert_int_equal(cs_publish_check(CS_VIEW_DISAGREE, CS_DEC_ADOPT,
                                      "Dự án bắt buộc theo quy hoạch tỉnh đã phê duyệt."),
                     0);
    assert_int_equal(cs_publish_check(CS_VIEW_AGREE, CS_DEC_ADOPT, ""), 0);
    /* Exactly half against and adopted: no majority, nothing to explain. */
    assert_int_equal(cs_publish_check(cs_majority(R, 50, 50, 0), CS_DEC_ADOPT, ""), 0);
    /* 50.1% against and adopted: explanation required. */
    assert_int_equal(cs_publish_check(cs_majority(R, 499, 501, 0), CS_DEC_ADOPT, ""), ERR_INVALID);
    /* Nothing decided cannot be published. */
    assert_int_equal(cs_publish_check(CS_VIEW_AGREE, CS_DEC_NONE, "x"), ERR_INVALID);
}

static void H_staff_conference_quorum_two_thirds_at_its_edges(void **state)
{
    /* 30 staff: 20 present is exactly 2/3 (valid), 19 is not. */
    assert_true(cs_staff_quorum(R, 30, 20));
    assert_false(cs_staff_quorum(R, 30, 19));
    /* 31 staff: 2/3 is 20.67, so 21 are needed. */
    assert_false(cs_staff_quorum(R, 31, 20));
    assert_true(cs_staff_quorum(R, 31, 21));
    assert_true(cs_staff_quorum(R, 31, 31));
    /* Nonsense counts. */
    assert_false(cs_staff_quorum(R, 31, 32));
    assert_false(cs_staff_quorum(R, 0, 0));
    assert_false(cs_staff_quorum(R, 10, -1));
}

static void H_staff_resolution_needs_more_than_half_of_those_present(void **state)
{
    assert_false(cs_staff_passes(R, 20, 10)); /* exactly half */
    assert_true(cs_staff_passes(R, 20, 11));
    assert_false(cs_staff_passes(R, 21, 10));
    assert_true(cs_staff_passes(R, 21, 11));
    assert_false(cs_staff_passes(R, 0, 0));
    assert_false(cs_staff_passes(R, 20, 21));
    /* One third of staff may ask for a conference. */
    assert_true(cs_staff_request_ok(R, 30, 10));
    assert_false(cs_staff_request_ok(R, 30, 9));
    assert_false(cs_staff_request_ok(R, 31, 10));
    assert_true(cs_staff_request_ok(R, 31, 11));
}

static void H_yearly_conference_within_three_months_of_year_end(void **state)
{
    assert_date(cs_staff_conference_due(R, 2026), 2027, 3, 31);
    assert_date(cs_staff_conference_due(R, 2027), 2028, 3, 31);
    assert_int_equal(R->staff_failures, 2);
}

static void E3_rule_file_versions_and_errors(void **state)
{
    const char *two = "[2023-07-01]\nopen_days = 20\ninternal_open_days = 20\nmajority = 1/2\n"
                      "staff_quorum = 2/3\nstaff_pass = 1/2\nstaff_request = 1/3\n"
                      "staff_conference_months = 3\nstaff_failures = 2\n"
                      "[2027-01-01]\nopen_days = 30\n";
    struct cs_ruleset *rs;
    char err[200] = "";
    assert_int_equal(cs_ruleset_parse(two, strlen(two), &rs, err, sizeof err), 0);
    assert_int_equal(cs_rules_at(rs, (struct date){2026, 12, 31})->open_days, 20);
    const struct cs_rules *v2 = cs_rules_at(rs, (struct date){2027, 1, 1});
    assert_int_equal(v2->open_days, 30);
    assert_int_equal(v2->staff_quorum.p, 2); /* inherited */
    assert_null(cs_rules_at(rs, (struct date){2023, 6, 30}));
    cs_ruleset_free(rs);

    const char *bad = "[2023-07-01]\nopen_days = 20\nmajority = 2/1\n";
    assert_int_equal(cs_ruleset_parse(bad, strlen(bad), &rs, err, sizeof err), ERR_INVALID);
    assert_non_null(strstr(err, "line 3"));
    const char *missing = "[2023-07-01]\nopen_days = 20\n";
    assert_int_equal(cs_ruleset_parse(missing, strlen(missing), &rs, err, sizeof err), ERR_INVALID);
    assert_non_null(strstr(err, "internal_open_days"));
    const char *unknown = "[2023-07-01]\nopen_dayz = 20\n";
    assert_int_equal(cs_ruleset_parse(unknown, strlen(unknown), &rs, err, sizeof err), ERR_INVALID);
    assert_non_null(strstr(err, "unknown key"));
}

static int setup(void **state)
{
    const struct embed_file *e = embed_find("data/rules/consultation.ini");
    char err[256] = "";
    if (!e || cs_ruleset_parse((const char *)e->data, e->len, &RS, err, sizeof err) != 0) {
        fprintf(stderr, "consultation.ini: %s\n", e ? err : "not embedded");
        return -1;
    }
    R = cs_rules_at(RS, (struct date){2026, 1, 1});
    return R ? 0 : -1;
}

static int teardown(void **state)
{
    cs_ruleset_free(RS);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(E3_open_at_least_20_days_counted_from_the_day_after),
        cmocka_unit_test(H_internal_draft_open_at_least_20_days),
        cmocka_unit_test(E3_A6_window_closes_at_2400_vietnam_time_of_its_last_day),
        cmocka_unit_test(E3_majority_view_at_49_9_50_and_50_1_percent),
        cmocka_unit_test(E3_departing_from_the_majority_needs_its_explanation),
        cmocka_unit_test(H_staff_conference_quorum_two_thirds_at_its_edges),
        cmocka_unit_test(H_staff_resolution_needs_more_than_half_of_those_present),
        cmocka_unit_test(H_yearly_conference_within_three_months_of_year_end),
        cmocka_unit_test(E3_rule_file_versions_and_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

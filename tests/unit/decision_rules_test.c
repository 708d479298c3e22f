/*
 * decision_rules_test.c - the rules of residents deciding by household (DOMAIN B3, D1-D11) and of
 * the village covenant (DOMAIN G) at their edges, against the shipped rule set
 * (data/rules/decision.ini, embedded) and the shipped holiday tables (data/calendar/).
 *
 * What a user notices: whether a vote of 200 or 201 households out of 301 is announced as passed,
 * whether exactly half is refused where the Law says "more than half", which forms the "new vote"
 * page offers for each matter, the last day for notice printed on Mẫu 01, the due dates shown for
 * sending and recognising a decision across Tết 2026, and the village head's election timeline.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/calendar.h"
#include "core/embed.h"
#include "core/err.h"
#include "decision/rules.h"

static struct dr_ruleset *RS;
static const struct dr_rules *R; /* the version for 2026 */
static struct calendar *CAL;     /* the embedded holiday tables */

enum { MON, TUE, WED, THU, FRI, SAT, SUN };

static void assert_date(struct date got, int y, int m, int d)
{
    char g[11], w[11];
    date_format_vn(got, g);
    date_format_vn((struct date){y, m, d}, w);
    assert_string_equal(g, w);
}

static struct date D(int d, int m, int y) {
    return (struct date){y, m, d};
}

/* The version of the first section of every file below, each key once. */
#define FIRST_VERSION                                                                              \
    "[2023-07-01]\n"                                                                               \
    "pass_m1 = at least 2/3\npass_m2 = at least 2/3\npass_m3 = more than 1/2\n"                    \
    "pass_m4 = more than 1/2\npass_m5 = more than 1/2\npass_m6 = more than 1/2\n"                  \
    "commune_villages = at least 2/3\ninitiative = at least 1/10\nconsent_months = 3\n"            \
    "notice_days = 2\ndocuments_days = 2\ncluster_households = 200\nsecretary = more than 1/2\n"   \
    "board_min = 3\nboard_max = 5\nwitnesses = 2\nsend_working_days = 5\nplan_days = 2\n"          \
    "ballot_notice_days = 2\nteam_min = 3\nteam_max = 5\nonline_optin = more than 1/2\n"           \
    "recognise_working_days = 5\nhead_plan_days = 20\nhead_team_days = 10\n"                       \
    "head_notice_days = 7\nhead_candidates_days = 15\nhead_dismissal = at least 1/2\n"             \
    "head_reelect_days = 60\ncovenant_post_days = 30\ncovenant_quorum = more than 1/2\n"           \
    "covenant_submit_wd = 5\ncovenant_recognise_wd = 5\ncovenant_distribute_wd = 2\n"              \
    "covenant_suspend_wd = 3\ncovenant_annul_wd = 5\n"                                             \
    "covenant_review = 18/11\nconference_invite_days = 5\n"

/* ---- D1: thresholds of all households ---- */

static void
D1_M1_M2_at_least_two_thirds_at_its_edges(void **state)
{
    struct dr_result res;
    for (int m = DM_M1; m <= DM_M2; m++) {
        /* 2/3 of 301 is 200.67: 200 fails, 201 passes. */
        assert_int_equal(dr_needed(R->pass[m], 301), 201);
        assert_false(dr_meets(R->pass[m], 200, 301));
        assert_true(dr_meets(R->pass[m], 201, 301));
        /* 2/3 of 300 is exactly 200: "at least" takes it. */
        assert_int_equal(dr_needed(R->pass[m], 300), 200);
        assert_true(dr_meets(R->pass[m], 200, 300));
        assert_false(dr_meets(R->pass[m], 199, 300));
        /* 2/3 of 302 is 201.33. */
        assert_int_equal(dr_needed(R->pass[m], 302), 202);
    }
    dr_judge(R, DM_M1, 301, 200, 90, 11, &res);
    assert_false(res.passed);
    assert_int_equal(res.needed, 201);
    assert_int_equal(res.households_voted, 301);
    dr_judge(R, DM_M2, 301, 201, 0, 0, &res);
    assert_true(res.passed);
    assert_int_equal(res.households_voted, 201);
}

static void D1_M3_to_M6_more_than_half_at_49_9_50_and_50_1_percent(void **state)
{
    struct dr_result res;
    for (int m = DM_M3; m <= DM_M6; m++) {
        /* Exactly half is not more than half. */
        assert_false(dr_meets(R->pass[m], 150, 300));
        assert_true(dr_meets(R->pass[m], 151, 300));
        assert_int_equal(dr_needed(R->pass[m], 300), 151);
        /* 49.9%, 50%, 50.1%. */
        assert_false(dr_meets(R->pass[m], 499, 1000));
        assert_false(dr_meets(R->pass[m], 500, 1000));
        assert_true(dr_meets(R->pass[m], 501, 1000));
        assert_int_equal(dr_needed(R->pass[m], 1000), 501);
        /* An odd roll: half of 301 is 150.5. */
        assert_false(dr_meets(R->pass[m], 150, 301));
        assert_true(dr_meets(R->pass[m], 151, 301));
        assert_int_equal(dr_needed(R->pass[m], 301), 151);
        /* One household: it must approve. */
        assert_int_equal(dr_needed(R->pass[m], 1), 1);
    }
    dr_judge(R, DM_M4, 300, 150, 150, 0, &res);
    assert_false(res.passed);
    assert_int_equal(res.needed, 151);
    dr_judge(R, DM_M6, 300, 151, 10, 3, &res);
    assert_true(res.passed);
}

static void D1_B3_denominator_is_all_households_not_those_who_voted(void **state)
{
    struct dr_result res;
    /* 110 of the 120 households that voted approve: 92% of the votes, 37% of the village. */
    dr_judge(R, DM_M3, 300, 110, 10, 0, &res);
    assert_false(res.passed);
    assert_int_equal(res.households_total, 300);
    assert_int_equal(res.households_voted, 120);
    assert_int_equal(res.needed, 151);
    assert_int_equal(res.approve, 110);
    assert_int_equal(res.reject, 10);
    assert_int_equal(res.other, 0);
    /* Everyone who came approved, but only 199 of 300 came: short of 2/3 for a contribution. */
    dr_judge(R, DM_M1, 300, 199, 0, 0, &res);
    assert_false(res.passed);
}

static void D1_empty_roll_and_impossible_counts_never_pass(void **state)
{
    struct dr_result res;
    struct dr_threshold half = R->pass[DM_M3];
    /* whole 0. */
    assert_false(dr_meets(half, 0, 0));
    assert_int_equal(dr_needed(half, 0), 0);
    assert_int_equal(dr_needed(half, -5), 0);
    dr_judge(R, DM_M3, 0, 0, 0, 0, &res);
    assert_false(res.passed);
    assert_int_equal(res.needed, 0);
    /* More approvals than households, negative counts. */
    assert_false(dr_meets(half, 301, 300));
    assert_false(dr_meets(half, -1, 300));
    dr_judge(R, DM_M3, 300, 200, 101, 0, &res); /* 301 votes on a roll of 300 */
    assert_false(res.passed);
    dr_judge(R, DM_M3, 300, 200, -1, 0, &res);
    assert_false(res.passed);
    /* A matter that does not exist. */
    dr_judge(R, (enum dm_matter)7, 300, 300, 0, 0, &res);
    assert_false(res.passed);
    assert_int_equal(res.needed, 301);
    /* A threshold that is not a fraction 0 < p <= q, and "more than all". */
    assert_false(dr_meets((struct dr_threshold){0, 2, 0}, 1, 2));
    assert_false(dr_meets((struct dr_threshold){3, 2, 0}, 2, 2));
    assert_false(dr_meets((struct dr_threshold){1, 1, 1}, 300, 300));
    assert_int_equal(dr_needed((struct dr_threshold){1, 1, 1}, 300), 301);
    assert_true(dr_meets((struct dr_threshold){1, 1, 0}, 300, 300));
    /* Huge rolls do not overflow: half of INT64_MAX (odd) plus a half. */
    assert_int_equal(dr_needed(half, INT64_MAX), INT64_MAX / 2 + 1);
    assert_true(dr_meets(half, INT64_MAX / 2 + 1, INT64_MAX));
    assert_false(dr_meets(half, INT64_MAX / 2, INT64_MAX));
}

static void D1_integer_comparison_matches_the_fractions(void **state)
{
    /* dr_meets and dr_needed agree with part * q against whole * p for every small roll. */
    const struct dr_threshold ts[] = {
        {2, 3, 0}, {1, 2, 1}, {1, 2, 0}, {1, 10, 0}, {3, 4, 1}, {1, 1, 0}, {999, 1000, 1},
    };
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
        struct dr_threshold t = ts[i];
        for (int64_t whole = 1; whole <= 400; whole++) {
            int64_t first = -1;
            for (int64_t part = 0; part <= whole; part++) {
                int want = t.strict ? part * t.q > whole * t.p : part * t.q >= whole * t.p;
                assert_int_equal(dr_meets(t, part, whole), want);
                if (want && first < 0)
                    first = part;
            }
            assert_int_equal(dr_needed(t, whole), first < 0 ? whole + 1 : first);
        }
    }
}

static void D1_commune_wide_needs_two_thirds_of_villages(void **state)
{
    assert_true(dr_commune_passes(R, 9, 6));
    assert_false(dr_commune_passes(R, 9, 5));
    assert_true(dr_commune_passes(R, 10, 7));
    assert_false(dr_commune_passes(R, 10, 6));
    assert_true(dr_commune_passes(R, 3, 2));
    assert_false(dr_commune_passes(R, 0, 0));
    assert_false(dr_commune_passes(R, 9, 10));
}

/* ---- D2: the citizen initiative ---- */

static void D2_initiative_needs_ten_percent_of_households(void **state)
{
    /* 10% of 301 is 30.1: 30 fails, 31 obliges the village head. */
    assert_false(dr_initiative_obliges(R, 30, 301));
    assert_true(dr_initiative_obliges(R, 31, 301));
    assert_int_equal(dr_needed(R->initiative, 301), 31);
    /* Exactly 10% counts ("at least"). */
    assert_true(dr_initiative_obliges(R, 30, 300));
    assert_false(dr_initiative_obliges(R, 29, 300));
    assert_false(dr_initiative_obliges(R, 0, 0));
}

static void D2_consent_valid_three_months_to_the_same_day_of_the_month(void **state)
{
    assert_date(dr_consent_expires(R, D(15, 1, 2026)), 2026, 4, 15);
    /* April has no 31st: through its last day. */
    assert_date(dr_consent_expires(R, D(31, 1, 2026)), 2026, 4, 30);
    /* Into February, leap and not. */
    assert_date(dr_consent_expires(R, D(30, 11, 2026)), 2027, 2, 28);
    assert_date(dr_consent_expires(R, D(30, 11, 2027)), 2028, 2, 29);
    assert_date(dr_consent_expires(R, D(29, 11, 2027)), 2028, 2, 29);
    assert_date(dr_consent_expires(R, D(28, 11, 2026)), 2027, 2, 28);
    /* Across a year end; from a short month. */
    assert_date(dr_consent_expires(R, D(31, 10, 2026)), 2027, 1, 31);
    assert_date(dr_consent_expires(R, D(28, 2, 2026)), 2026, 5, 28);
    /* No roll-over: 30/04/2026 is a holiday and the consent of 31/01 still ends on it. */
    assert_int_equal(calendar_kind(CAL, D(30, 4, 2026)), DAYK_HOLIDAY);
}

/* ---- D3, D8: forms and recognisers ---- */

static void D3_forms_per_matter_online_only_for_M6(void **state)
{
    const unsigned meeting = 1u << DF_MEETING, ballot = 1u << DF_BALLOT, online = 1u << DF_ONLINE;
    assert_int_equal(dr_forms_allowed(DM_M1), meeting | ballot);
    assert_int_equal(dr_forms_allowed(DM_M2), meeting | ballot);
    assert_int_equal(dr_forms_allowed(DM_M3), meeting);
    assert_int_equal(dr_forms_allowed(DM_M4), meeting);
    assert_int_equal(dr_forms_allowed(DM_M5), meeting);
    assert_int_equal(dr_forms_allowed(DM_M6), meeting | ballot | online);
    assert_int_equal(dr_forms_allowed((enum dm_matter)0), 0);
    assert_int_equal(dr_forms_allowed((enum dm_matter)7), 0);
    /* Ballots complete a meeting short of attendance, for every matter (Art 19(1)(b)). */
    for (int m = DM_M1; m <= DM_M6; m++) {
        assert_true(dr_matter_valid(m));
        assert_true(dr_ballot_completes((enum dm_matter)m));
    }
    assert_false(dr_matter_valid(0));
    assert_false(dr_matter_valid(7));
    assert_false(dr_ballot_completes((enum dm_matter)7));
}

static void D8_recogniser_per_matter(void **state)
{
    assert_int_equal(dr_recogniser(DM_M1), DR_NONE);
    assert_int_equal(dr_recogniser(DM_M2), DR_NONE);
    assert_int_equal(dr_recogniser(DM_M3), DR_UBND);
    assert_int_equal(dr_recogniser(DM_M4), DR_UBND);
    assert_int_equal(dr_recogniser(DM_M5), DR_MTTQ);
    assert_int_equal(dr_recogniser(DM_M6), DR_NONE);
    assert_int_equal(dr_recogniser((enum dm_matter)9), DR_NONE);
}

/* ---- D4: the meeting ---- */

static void D4_A7_notice_at_least_two_days_before(void **state)
{
    /* A meeting on Tuesday 10/03/2026: 08/03 and 09/03 lie between, so notice by Saturday 07/03
     * (no roll-over for notice, A7). */
    assert_int_equal(date_weekday(D(10, 3, 2026)), TUE);
    assert_date(dr_notice_latest(R, D(10, 3, 2026)), 2026, 3, 7);
    assert_int_equal(date_weekday(dr_notice_latest(R, D(10, 3, 2026))), SAT);
    assert_date(dr_documents_latest(R, D(10, 3, 2026)), 2026, 3, 7);
    /* Across the end of February. */
    assert_date(dr_notice_latest(R, D(2, 3, 2026)), 2026, 2, 27);
    assert_date(dr_notice_latest(R, D(1, 3, 2028)), 2028, 2, 27);
}

static void D4_clusters_from_200_households(void **state)
{
    assert_false(dr_needs_clusters(R, 199));
    assert_true(dr_needs_clusters(R, 200));
    assert_true(dr_needs_clusters(R, 1500));
}

static void D4_D5_counting_board_and_team_of_three_to_five(void **state)
{
    assert_false(dr_board_ok(R, 2));
    assert_true(dr_board_ok(R, 3));
    assert_true(dr_board_ok(R, 5));
    assert_false(dr_board_ok(R, 6));
    assert_false(dr_team_ok(R, 2));
    assert_true(dr_team_ok(R, 3));
    assert_true(dr_team_ok(R, 5));
    assert_false(dr_team_ok(R, 6));
    assert_int_equal(R->witnesses, 2);
    /* The secretary needs more than half of 40 attendees. */
    assert_false(dr_meets(R->secretary, 20, 40));
    assert_true(dr_meets(R->secretary, 21, 40));
}

static void D4_D8_working_day_deadlines_over_weekends_and_Tet_2026(void **state)
{
    struct date due;
    /* A meeting on Friday 13/02/2026: Tết holidays Mon 16/02 - Fri 20/02 and two weekends are
     * skipped; 23, 24, 25, 26, 27/02 are the five working days. */
    assert_int_equal(date_weekday(D(13, 2, 2026)), FRI);
    assert_int_equal(dr_send_due(R, CAL, D(13, 2, 2026), &due), 0);
    assert_date(due, 2026, 2, 27);
    assert_int_equal(date_weekday(due), FRI);
    assert_int_equal(dr_recognise_due(R, CAL, D(13, 2, 2026), &due), 0);
    assert_date(due, 2026, 2, 27);
    /* Received Thursday 30/04/2026 (a holiday, as is 01/05): Mon 04/05 is day 1, Fri 08/05 day 5.
     */
    assert_int_equal(date_weekday(D(30, 4, 2026)), THU);
    assert_int_equal(dr_recognise_due(R, CAL, D(30, 4, 2026), &due), 0);
    assert_date(due, 2026, 5, 8);
    assert_int_equal(date_weekday(due), FRI);
    /* Received Friday 24/04/2026: Mon 27/04 is off for Giỗ Tổ; 28, 29/04, 04, 05, 06/05. */
    assert_int_equal(dr_recognise_due(R, CAL, D(24, 4, 2026), &due), 0);
    assert_date(due, 2026, 5, 6);
    assert_int_equal(date_weekday(due), WED);
    /* An ordinary week: Friday 06/03 -> Friday 13/03; a meeting on Sunday 08/03 -> 13/03 too. */
    assert_int_equal(dr_send_due(R, CAL, D(6, 3, 2026), &due), 0);
    assert_date(due, 2026, 3, 13);
    assert_int_equal(dr_send_due(R, CAL, D(8, 3, 2026), &due), 0);
    assert_date(due, 2026, 3, 13);
    /* No table for the year, or no calendar at all: refused, not guessed. */
    struct calendar *empty = calendar_new();
    assert_int_equal(dr_send_due(R, empty, D(13, 2, 2026), &due), ERR_INVALID);
    calendar_free(empty);
    assert_int_equal(dr_recognise_due(R, NULL, D(13, 2, 2026), &due), ERR_INVALID);
}

/* ---- D5, D6: household ballots and online votes ---- */

static void D5_ballot_plan_within_two_days_rolled_past_Tet(void **state)
{
    struct date due;
    /* Issued Thursday 12/02/2026: day 2 is Saturday 14/02, then Tết and a weekend; the plan is
     * due on Monday 23/02 (A1). */
    assert_int_equal(dr_plan_due(R, CAL, D(12, 2, 2026), &due), 0);
    assert_date(due, 2026, 2, 23);
    assert_int_equal(date_weekday(due), MON);
    /* Issued Monday 09/03/2026: Wednesday 11/03. */
    assert_int_equal(dr_plan_due(R, CAL, D(9, 3, 2026), &due), 0);
    assert_date(due, 2026, 3, 11);
    /* Calendar days, not working days: issued Friday 06/03, day 2 is Sunday 08/03, rolled to
     * Monday 09/03 (two working days would reach Tuesday 10/03). */
    assert_int_equal(dr_plan_due(R, CAL, D(6, 3, 2026), &due), 0);
    assert_date(due, 2026, 3, 9);
    /* Notice two days before ballots go out on 10/03: by 07/03. */
    assert_date(dr_ballot_notice_latest(R, D(10, 3, 2026)), 2026, 3, 7);
}

static void D6_online_opt_in_more_than_half_of_all_households(void **state)
{
    assert_false(dr_online_optin(R, 150, 300));
    assert_true(dr_online_optin(R, 151, 300));
    assert_false(dr_online_optin(R, 499, 1000));
    assert_false(dr_online_optin(R, 500, 1000));
    assert_true(dr_online_optin(R, 501, 1000));
    assert_false(dr_online_optin(R, 0, 0));
}

/* ---- D10: the village head ---- */

static void D10_head_election_timeline_counted_as_A7(void **state)
{
    struct dr_head_timeline t;
    /* An election on Sunday 31/05/2026. "At least 7 days before": 24/05-30/05 lie between. */
    dr_head_timeline(R, D(31, 5, 2026), &t);
    assert_date(t.plan, 2026, 5, 10);
    assert_date(t.team, 2026, 5, 20);
    assert_date(t.notice, 2026, 5, 23);
    assert_date(t.candidates, 2026, 5, 15);
    /* Across a month and a year end. */
    dr_head_timeline(R, D(10, 1, 2027), &t);
    assert_date(t.plan, 2026, 12, 20);
    assert_date(t.team, 2026, 12, 30);
    assert_date(t.notice, 2027, 1, 2);
    assert_date(t.candidates, 2026, 12, 25);
}

static void D10_dismissal_petition_at_half_of_households(void **state)
{
    /* "≥50%": exactly half counts. */
    assert_true(dr_dismissal_petition(R, 150, 300));
    assert_false(dr_dismissal_petition(R, 149, 300));
    /* 150 of 301 is 49.8%. */
    assert_false(dr_dismissal_petition(R, 150, 301));
    assert_true(dr_dismissal_petition(R, 151, 301));
    assert_true(dr_dismissal_petition(R, 500, 1000));
    assert_false(dr_dismissal_petition(R, 499, 1000));
    assert_false(dr_dismissal_petition(R, 0, 0));
}

static void D10_new_election_within_60_days_of_recognised_dismissal(void **state)
{
    /* Day 60 after 01/03/2026 is 30/04, a holiday: kept, an election is not an office filing. */
    assert_date(dr_reelect_by(R, D(1, 3, 2026)), 2026, 4, 30);
    assert_date(dr_reelect_by(R, D(15, 12, 2026)), 2027, 2, 13);
    assert_date(dr_reelect_by(R, D(1, 1, 2028)), 2028, 3, 1);
}

/* ---- G: the covenant ---- */

static void G_covenant_adopted_from_day_31_after_posting(void **state)
{
    /* Posted 01/03/2026: day 1 is 02/03, day 30 is 31/03; adoption from 01/04. */
    assert_date(dr_covenant_adopt_from(R, D(1, 3, 2026)), 2026, 4, 1);
    /* Across February, leap and not. */
    assert_date(dr_covenant_adopt_from(R, D(30, 1, 2026)), 2026, 3, 2);
    assert_date(dr_covenant_adopt_from(R, D(30, 1, 2028)), 2028, 3, 1);
    /* A minimum duration does not roll: posted 16/01/2026, adoption from Monday 16/02, the first
     * day of Tết (the meeting itself is another matter). */
    assert_date(dr_covenant_adopt_from(R, D(16, 1, 2026)), 2026, 2, 16);
}

static void G_covenant_meeting_needs_more_than_half_present(void **state)
{
    assert_false(dr_covenant_quorum(R, 150, 300));
    assert_true(dr_covenant_quorum(R, 151, 300));
    assert_false(dr_covenant_quorum(R, 500, 1000));
    assert_true(dr_covenant_quorum(R, 501, 1000));
    assert_false(dr_covenant_quorum(R, 0, 0));
    /* Adopted by more than half of all households, as M3. */
    assert_false(dr_meets(R->pass[DM_M3], 500, 1000));
}

static void G_covenant_steps_in_working_days(void **state)
{
    struct date due;
    /* Adopted Friday 13/02/2026: dossier by Friday 27/02 (Tết skipped). */
    assert_int_equal(dr_covenant_submit_due(R, CAL, D(13, 2, 2026), &due), 0);
    assert_date(due, 2026, 2, 27);
    assert_int_equal(dr_covenant_recognise_due(R, CAL, D(27, 2, 2026), &due), 0);
    assert_date(due, 2026, 3, 6);
    assert_int_equal(date_weekday(due), FRI);
    /* Recognised Thursday 30/04/2026: distributed by Tuesday 05/05. */
    assert_int_equal(dr_covenant_distribute_due(R, CAL, D(30, 4, 2026), &due), 0);
    assert_date(due, 2026, 5, 5);
    assert_int_equal(date_weekday(due), TUE);
    assert_int_equal(dr_covenant_distribute_due(R, NULL, D(30, 4, 2026), &due), ERR_INVALID);
}

static void G_covenant_review_on_18_11(void **state)
{
    assert_date(dr_covenant_review(R, 2026), 2026, 11, 18);
    assert_date(dr_covenant_review(R, 2028), 2028, 11, 18);
}

/* ---- D11: the yearly conference ---- */

static void D11_conference_invitation_five_days_before(void **state)
{
    assert_date(dr_conference_invite_latest(R, D(20, 12, 2026)), 2026, 12, 14);
    assert_date(dr_conference_invite_latest(R, D(3, 1, 2027)), 2026, 12, 28);
}

/* ---- the rule file ---- */

/* Parses text expecting failure; err must contain want. */
static void assert_refused(const char *text, const char *want)
{
    struct dr_ruleset *rs = (struct dr_ruleset *)1;
    char err[200] = "";
    assert_int_equal(dr_ruleset_parse(text, strlen(text), &rs, err, sizeof err), ERR_INVALID);
    assert_null(rs);
    if (!strstr(err, want))
        fail_msg("error '%s' lacks '%s'", err, want);
}

static void D_rule_file_versions_and_inheritance(void **state)
{
    const char *two = FIRST_VERSION "[2027-01-01]\npass_m6 = at least 3/5\nboard_min = 5\n"
                                    "board_max = 7\ncovenant_review = 1/12\n";
    struct dr_ruleset *rs;
    char err[200] = "";
    assert_int_equal(dr_ruleset_parse(two, strlen(two), &rs, err, sizeof err), 0);
    assert_int_equal(rs->n_versions, 2);
    assert_null(dr_rules_at(rs, D(30, 6, 2023)));
    const struct dr_rules *v1 = dr_rules_at(rs, D(31, 12, 2026));
    const struct dr_rules *v2 = dr_rules_at(rs, D(1, 1, 2027));
    assert_true(dr_meets(v1->pass[DM_M6], 151, 300));
    assert_false(dr_meets(v2->pass[DM_M6], 151, 300));
    assert_true(dr_meets(v2->pass[DM_M6], 180, 300)); /* exactly 3/5 */
    assert_false(dr_board_ok(v2, 4));
    assert_true(dr_board_ok(v2, 7));
    assert_date(dr_covenant_review(v2, 2027), 2027, 12, 1);
    /* Inherited. */
    assert_true(dr_meets(v2->pass[DM_M1], 200, 300));
    assert_int_equal(v2->head_reelect_days, 60);
    assert_date(dr_notice_latest(v2, D(10, 3, 2027)), 2027, 3, 7);
    dr_ruleset_free(rs);
    dr_ruleset_free(NULL);
    assert_null(dr_rules_at(NULL, D(1, 1, 2027)));
}

static void D_rule_file_errors(void **state)
{
    assert_refused("[2023-07-01]\npass_m7 = at least 1/2\n", "unknown key 'pass_m7'");
    /* Fractions: upside down, zero, "more than all", no comparison word, trailing words. */
    assert_refused("[2023-07-01]\npass_m1 = at least 3/2\n", "line 2: pass_m1 must be");
    assert_refused("[2023-07-01]\npass_m1 = at least 0/3\n", "pass_m1 must be");
    assert_refused("[2023-07-01]\npass_m1 = at least 2/0\n", "pass_m1 must be");
    assert_refused("[2023-07-01]\npass_m3 = more than 1/1\n", "pass_m3 must be");
    assert_refused("[2023-07-01]\npass_m3 = 1/2\n", "pass_m3 must be");
    assert_refused("[2023-07-01]\npass_m3 = about 1/2\n", "pass_m3 must be");
    assert_refused("[2023-07-01]\npass_m3 = more than 1/2 or so\n", "pass_m3 must be");
    assert_refused("[2023-07-01]\npass_m3 = more than 1/2000\n", "pass_m3 must be");
    /* Counts and days out of range. */
    assert_refused("[2023-07-01]\nnotice_days = 0\n", "notice_days must be a whole number");
    assert_refused("[2023-07-01]\nconsent_months = three\n", "consent_months must be");
    assert_refused("[2023-07-01]\ncovenant_review = 29/02\n", "covenant_review must be");
    assert_refused("[2023-07-01]\ncovenant_review = 31/11\n", "covenant_review must be");
    assert_refused("[2023-07-01]\ncovenant_review = 18-11\n", "covenant_review must be");
    /* A key set twice, a key missing from the first version. */
    assert_refused("[2023-07-01]\nwitnesses = 2\nwitnesses = 3\n", "set twice");
    assert_refused("[2023-07-01]\npass_m1 = at least 2/3\n", "line 1: the first version must set");
    /* A range turned upside down by a later version, reported at its header (line 40). */
    assert_refused(FIRST_VERSION "[2027-01-01]\nboard_min = 6\n",
                   "line 40: board_min (6) is above board_max (5)");
    assert_refused(FIRST_VERSION "\n[2027-01-01]\nteam_max = 2\n",
                   "line 41: team_min (3) is above team_max (2)");
    /* Versions out of order. */
    assert_refused(FIRST_VERSION "[2023-01-01]\nwitnesses = 3\n", "oldest first");
}

static void D_shipped_rule_file_has_the_legal_numbers(void **state)
{
    /* Matters tabled before the Law took effect have no rules. */
    assert_null(dr_rules_at(RS, D(30, 6, 2023)));
    assert_non_null(dr_rules_at(RS, D(1, 7, 2023)));
    assert_int_equal(R->consent_months, 3);
    assert_int_equal(R->head_reelect_days, 60);
    assert_int_equal(R->covenant_post_days, 30);
    for (int m = DM_M1; m <= DM_M6; m++)
        assert_int_equal(R->pass[m].strict, m >= DM_M3);
}

static int setup(void **state)
{
    const struct embed_file *e = embed_find("data/rules/decision.ini");
    char err[256] = "";
    if (!e || dr_ruleset_parse((const char *)e->data, e->len, &RS, err, sizeof err) != 0) {
        fprintf(stderr, "decision.ini: %s\n", e ? err : "not embedded");
        return -1;
    }
    R = dr_rules_at(RS, D(1, 1, 2026));
    CAL = calendar_load(NULL, err, sizeof err);
    if (!CAL)
        fprintf(stderr, "calendar_load: %s\n", err);
    return R && CAL ? 0 : -1;
}

static int teardown(void **state)
{
    dr_ruleset_free(RS);
    calendar_free(CAL);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(D1_M1_M2_at_least_two_thirds_at_its_edges),
        cmocka_unit_test(D1_M3_to_M6_more_than_half_at_49_9_50_and_50_1_percent),
        cmocka_unit_test(D1_B3_denominator_is_all_households_not_those_who_voted),
        cmocka_unit_test(D1_empty_roll_and_impossible_counts_never_pass),
        cmocka_unit_test(D1_integer_comparison_matches_the_fractions),
        cmocka_unit_test(D1_commune_wide_needs_two_thirds_of_villages),
        cmocka_unit_test(D2_initiative_needs_ten_percent_of_households),
        cmocka_unit_test(D2_consent_valid_three_months_to_the_same_day_of_the_month),
        cmocka_unit_test(D3_forms_per_matter_online_only_for_M6),
        cmocka_unit_test(D8_recogniser_per_matter),
        cmocka_unit_test(D4_A7_notice_at_least_two_days_before),
        cmocka_unit_test(D4_clusters_from_200_households),
        cmocka_unit_test(D4_D5_counting_board_and_team_of_three_to_five),
        cmocka_unit_test(D4_D8_working_day_deadlines_over_weekends_and_Tet_2026),
        cmocka_unit_test(D5_ballot_plan_within_two_days_rolled_past_Tet),
        cmocka_unit_test(D6_online_opt_in_more_than_half_of_all_households),
        cmocka_unit_test(D10_head_election_timeline_counted_as_A7),
        cmocka_unit_test(D10_dismissal_petition_at_half_of_households),
        cmocka_unit_test(D10_new_election_within_60_days_of_recognised_dismissal),
        cmocka_unit_test(G_covenant_adopted_from_day_31_after_posting),
        cmocka_unit_test(G_covenant_meeting_needs_more_than_half_present),
        cmocka_unit_test(G_covenant_steps_in_working_days),
        cmocka_unit_test(G_covenant_review_on_18_11),
        cmocka_unit_test(D11_conference_invitation_five_days_before),
        cmocka_unit_test(D_rule_file_versions_and_inheritance),
        cmocka_unit_test(D_rule_file_errors),
        cmocka_unit_test(D_shipped_rule_file_has_the_legal_numbers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

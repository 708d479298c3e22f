/*
 * feedback_rules_test.c - the legal clocks of residents' requests and cases
 * (src/feedback/rules.c) at their edges: information on request by channel (DOMAIN C6),
 * complaints and denunciations (table I, I1), feedback and recommendations (I6), counted per
 * A1/A2 over the shipped holiday tables; rule versions and the rule file's errors.
 *
 * Runs against the shipped rule set (data/rules/feedback.ini, embedded) and the shipped
 * 2025-2027 holiday tables (data/calendar/). What a user notices: the due day and state an
 * official sees on each case ("Sắp đến hạn", "Quá hạn", "Trễ hạn"), whether the "extend" action
 * is offered, which deadline the case list sorts by, and which line of an edited rule file is
 * wrong.
 *
 * Every date is written D(year, month, day, weekday): the weekday is asserted, so a comment
 * about weekends cannot drift from the calendar.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/calendar.h"
#include "core/embed.h"
#include "core/err.h"
#include "core/utf8.h"
#include "feedback/rules.h"

enum { MON, TUE, WED, THU, FRI, SAT, SUN };

static struct calendar *CAL;
static struct fb_ruleset *RS; /* the embedded rule set */

static struct date D(int y, int m, int d, int weekday) {
    struct date r = {y, m, d};
    assert_true(date_valid(r));
    assert_int_equal(date_weekday(r), weekday);
    return r;
}

static void
assert_date(struct date got, struct date want)
{
    char g[11], w[11];
    date_format_vn(got, g);
    date_format_vn(want, w);
    assert_string_equal(g, w);
}

static void assert_no_date(struct date got)
{
    assert_int_equal(got.y, 0);
    assert_int_equal(got.m, 0);
    assert_int_equal(got.d, 0);
}

static void assert_period(const struct fb_period *p, int n, enum day_unit unit, int extend_n,
                          int max_extensions)
{
    assert_int_equal(p->n, n);
    assert_int_equal(p->unit, unit);
    assert_int_equal(p->extend_n, extend_n);
    assert_int_equal(p->max_extensions, max_extensions);
}

/* A new case of kind k that came by channel ch on day received; simple until classed. */
static struct fb_facts fcase(enum fb_kind k, enum fb_channel ch, struct date received)
{
    struct fb_facts f;
    memset(&f, 0, sizeof f);
    f.kind = k;
    f.channel = ch;
    f.complexity = FB_SIMPLE;
    f.received = received;
    return f;
}

static void accept_on(struct fb_facts *f, struct date d)
{
    f->accepted = 1;
    f->accepted_on = d;
}

static void answer_on(struct fb_facts *f, struct date d)
{
    f->answered = 1;
    f->answered_on = d;
}

static struct fb_status eval_with(const struct fb_rules *r, const struct fb_facts *f,
                                  struct date today)
{
    struct fb_status st;
    assert_non_null(r);
    assert_int_equal(fb_evaluate(r, CAL, f, today, &st), 0);
    return st;
}

/* As the module does: the rules in force on the day of receipt (I1). */
static struct fb_status eval(const struct fb_facts *f, struct date today)
{
    return eval_with(fb_rules_at(RS, f->received), f, today);
}

/* Every clock but those in mask is FB_NOT_APPLICABLE. */
static void assert_only(const struct fb_status *st, unsigned mask)
{
    for (int c = 0; c < FB_N_CLOCKS; c++)
        if (!((mask >> c) & 1))
            assert_int_equal(st->clk[c].state, FB_NOT_APPLICABLE);
}

#define BIT(c) (1u << (c))

static int setup(void **state)
{
    char err[256] = "";
    CAL = calendar_load(NULL, err, sizeof err);
    if (!CAL) {
        fprintf(stderr, "calendar_load: %s\n", err);
        return -1;
    }
    const struct embed_file *e = embed_find("data/rules/feedback.ini");
    if (!e) {
        fprintf(stderr, "data/rules/feedback.ini is not embedded\n");
        return -1;
    }
    if (fb_ruleset_parse((const char *)e->data, e->len, &RS, err, sizeof err) != 0) {
        fprintf(stderr, "feedback.ini: %s\n", err);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    fb_ruleset_free(RS);
    calendar_free(CAL);
    return 0;
}

/* ---- the shipped rule set ---- */

static void C6_I_shipped_rules_follow_the_law(void **state)
{
    assert_int_equal(RS->n_versions, 2);
    const struct fb_rules *a = &RS->versions[0], *b = &RS->versions[1];
    assert_date(a->effective, D(2023, 7, 1, SAT));
    assert_date(b->effective, D(2026, 7, 1, WED));
    assert_null(fb_rules_at(RS, D(2023, 6, 30, FRI)));
    assert_ptr_equal(fb_rules_at(RS, D(2023, 7, 1, SAT)), a);
    assert_ptr_equal(fb_rules_at(RS, D(2026, 6, 30, TUE)), a);
    assert_ptr_equal(fb_rules_at(RS, D(2026, 7, 1, WED)), b);

    assert_int_equal(a->soon_days, 2); /* I6 */
    /* C6 */
    assert_period(&a->info[FB_ONLINE][0], 3, DAY_WORKING, 0, 0);
    assert_period(&a->info[FB_ONLINE][1], 15, DAY_WORKING, 15, 1);
    assert_period(&a->info[FB_IN_PERSON][0], 10, DAY_WORKING, 10, 1);
    assert_period(&a->info[FB_IN_PERSON][1], 10, DAY_WORKING, 10, 1);
    assert_period(&a->info[FB_POST][0], 5, DAY_WORKING, 0, 0);
    assert_period(&a->info[FB_POST][1], 15, DAY_WORKING, 15, 1);
    assert_period(&a->info[FB_PHONE][0], 10, DAY_WORKING, 10, 1);
    assert_period(&a->info[FB_PHONE][1], 10, DAY_WORKING, 10, 1);
    /* I6 and Decree 20/2008 Art 9 */
    assert_period(&a->feedback_answer, 10, DAY_WORKING, 0, 0);
    assert_period(&a->recommendation_answer, 10, DAY_WORKING, 0, 0);
    assert_period(&a->feedback_forward, 5, DAY_WORKING, 0, 0);
    /* Complaints Law Arts 27, 28, 32 */
    assert_period(&a->complaint_accept, 10, DAY_WORKING, 0, 0);
    assert_period(&a->complaint_resolve[0][0], 30, DAY_CALENDAR, 0, 0);
    assert_period(&a->complaint_resolve[0][1], 45, DAY_CALENDAR, 0, 0);
    assert_period(&a->complaint_resolve[1][0], 45, DAY_CALENDAR, 0, 0);
    assert_period(&a->complaint_resolve[1][1], 60, DAY_CALENDAR, 0, 0);
    assert_period(&a->complaint_send, 3, DAY_WORKING, 0, 0);
    /* Denunciations Law Arts 24, 29, 30, 40 */
    assert_period(&a->denunciation_accept[0], 7, DAY_WORKING, 0, 0);
    assert_period(&a->denunciation_accept[1], 10, DAY_WORKING, 0, 0);
    assert_period(&a->denunciation_forward, 5, DAY_WORKING, 0, 0);
    assert_period(&a->denunciation_notify, 5, DAY_WORKING, 0, 0);
    assert_period(&a->denunciation_resolve, 30, DAY_CALENDAR, 30, 2);
    assert_period(&a->denunciation_publish, 7, DAY_WORKING, 0, 0);
    /* Citizen Reception Law 42/2013 Art 28: accepted or forwarded, told within 10 wd */
    assert_period(&a->reception_notify, 10, DAY_WORKING, 0, 0);

    /* I1: from 01/07/2026 only the complaint's acceptance changes, to 7 working days. */
    assert_period(&b->complaint_accept, 7, DAY_WORKING, 0, 0);
    struct fb_rules same = *a;
    same.effective = b->effective;
    same.complaint_accept = b->complaint_accept;
    assert_memory_equal(&same, b, sizeof same);
}

/* ---- C6: information on request ---- */

static void C6_online_simple_3_working_days_over_a_weekend(void **state)
{
    /* Received online Thu 05/11/2026: Fri 06, Mon 09, Tue 10/11. */
    struct fb_facts f = fcase(FB_INFO_REQUEST, FB_ONLINE, D(2026, 11, 5, THU));
    struct fb_status st = eval(&f, D(2026, 11, 5, THU));
    assert_only(&st, BIT(FB_CLK_ANSWER));
    assert_int_equal(st.clk[FB_CLK_ANSWER].state, FB_RUNNING);
    assert_date(st.clk[FB_CLK_ANSWER].due, D(2026, 11, 10, TUE));
    assert_int_equal(st.clk[FB_CLK_ANSWER].days_left, 3);
    assert_int_equal(st.next, FB_CLK_ANSWER);
    assert_date(st.next_due, D(2026, 11, 10, TUE));
    assert_int_equal(st.overdue, 0);
    assert_int_equal(st.can_extend, 0); /* a simple online request has no extension */
    /* Fri 06/11: 2 working days left (Mon 09, Tue 10) = soon_days. */
    st = eval(&f, D(2026, 11, 6, FRI));
    assert_int_equal(st.clk[FB_CLK_ANSWER].state, FB_SOON);
    assert_int_equal(st.clk[FB_CLK_ANSWER].days_left, 2);
    /* Sun 08/11: the weekend takes nothing away. */
    st = eval(&f, D(2026, 11, 8, SUN));
    assert_int_equal(st.clk[FB_CLK_ANSWER].state, FB_SOON);
    assert_int_equal(st.clk[FB_CLK_ANSWER].days_left, 2);
    /* Tue 10/11, the due day: still soon, not overdue. */
    st = eval(&f, D(2026, 11, 10, TUE));
    assert_int_equal(st.clk[FB_CLK_ANSWER].state, FB_SOON);
    assert_int_equal(st.clk[FB_CLK_ANSWER].days_left, 0);
    assert_int_equal(st.overdue, 0);
    /* Wed 11/11: overdue, and it stays the case's next deadline. */
    st = eval(&f, D(2026, 11, 11, WED));
    assert_int_equal(st.clk[FB_CLK_ANSWER].state, FB_OVERDUE);
    assert_int_equal(st.clk[FB_CLK_ANSWER].days_left, 0);
    assert_int_equal(st.overdue, 1);
    assert_int_equal(st.next, FB_CLK_ANSWER);
    assert_date(st.next_due, D(2026, 11, 10, TUE));
}

static void C6_online_complex_15_working_days_extended_once_by_15(void **state)
{
    /* Received online Mon 02/11/2026, complex: 15 working days end Mon 23/11/2026. */
    struct fb_facts f = fcase(FB_INFO_REQUEST, FB_ONLINE, D(2026, 11, 2, MON));
    f.complexity = FB_COMPLEX;
    struct fb_status st = eval(&f, D(2026, 11, 2, MON));
    assert_date(st.clk[FB_CLK_ANSWER].due, D(2026, 11, 23, MON));
    assert_int_equal(st.clk[FB_CLK_ANSWER].days_left, 15);
    assert_int_equal(st.can_extend, 1);
    /* On the due day it may still be extended... */
    st = eval(&f, D(2026, 11, 23, MON));
    assert_int_equal(st.clk[FB_CLK_ANSWER].state, FB_SOON);
    assert_int_equal(st.can_extend, 1);
    /* ... not on Tue 24/11 (Ngày Văn hóa Việt Nam), once the period has run out. */
    assert_int_equal(calendar_kind(CAL, D(2026, 11, 24, TUE)), DAYK_HOLIDAY);
    st = eval(&f, D(2026, 11, 24, TUE));
    assert_int_equal(st.clk[FB_CLK_ANSWER].state, FB_OVERDUE);
    assert_int_equal(st.can_extend, 0);
    /* Extended (in writing) within the period: 30 working days, skipping 24/11, end Tue 15/12. */
    f.extensions = 1;
    st = eval(&f, D(2026, 11, 24, TUE));
    assert_int_equal(st.clk[FB_CLK_ANSWER].state, FB_RUNNING);
    assert_date(st.clk[FB_CLK_ANSWER].due, D(2026, 12, 15, TUE));
    assert_int_equal(st.clk[FB_CLK_ANSWER].days_left, 15);
    assert_int_equal(st.can_extend, 0);
    /* A second extension recorded by mistake does not move the legal deadline. */
    f.extensions = 2;
    st = eval(&f, D(2026, 11, 24, TUE));
    assert_date(st.clk[FB_CLK_ANSWER].due, D(2026, 12, 15, TUE));
    assert_int_equal(st.can_extend, 0);
}

static void C6_in_person_10_working_days_across_tet_2026_and_one_extension(void **state)
{
    /* Received at the office Thu 12/02/2026. Fri 13/02 is day 1; Sat 14 - Sun 22/02 is the Tết
     * break (holidays Mon 16 - Fri 20); Mon 23 - Fri 27/02 are days 2-6, Mon 02 - Thu 05/03
     * days 7-10. */
    assert_int_equal(calendar_kind(CAL, D(2026, 2, 16, MON)), DAYK_HOLIDAY);
    assert_int_equal(calendar_kind(CAL, D(2026, 2, 20, FRI)), DAYK_HOLIDAY);
    struct fb_facts f = fcase(FB_INFO_REQUEST, FB_IN_PERSON, D(2026, 2, 12, THU));
    struct fb_status st = eval(&f, D(2026, 2, 12, THU));
    assert_only(&st, BIT(FB_CLK_ANSWER));
    assert_date(st.clk[FB_CLK_ANSWER].due, D(2026, 3, 5, THU));
    assert_int_equal(st.clk[FB_CLK_ANSWER].days_left, 10);
    assert_int_equal(st.can_extend, 1); /* in person: extendable by 10 working days */
    /* Wed 18/02, in the middle of Tết: 9 working days still left. */
    st = eval(&f, D(2026, 2, 18, WED));
    assert_int_equal(st.clk[FB_CLK_ANSWER].state, FB_RUNNING);
    assert_int_equal(st.clk[FB_CLK_ANSWER].days_left, 9);
    /* Answered Fri 13/03 without an extension: late. */
    answer_on(&f, D(2026, 3, 13, FRI));
    st = eval(&f, D(2026, 3, 13, FRI));
    assert_int_equal(st.clk[FB_CLK_ANSWER].state, FB_MET_LATE);
    assert_int_equal(st.can_extend, 0);
    /* With its one extension (+10 working days: Fri 06/03 - Thu 19/03), on time. */
    f.answered = 0;
    f.extensions = 1;
    st = eval(&f, D(2026, 3, 5, THU));
    assert_int_equal(st.clk[FB_CLK_ANSWER].state, FB_RUNNING);
    assert_date(st.clk[FB_CLK_ANSWER].due, D(2026, 3, 19, THU));
    assert_int_equal(st.clk[FB_CLK_ANSWER].days_left, 10);
    assert_int_equal(st.can_extend, 0); /* once only */
    answer_on(&f, D(2026, 3, 13, FRI));
    st = eval(&f, D(2026, 3, 13, FRI));
    assert_int_equal(st.clk[FB_CLK_ANSWER].state, FB_MET);
    assert_int_equal(st.next, -1);
    /* A complex request in person has the same 10 days. */
    f = fcase(FB_INFO_REQUEST, FB_IN_PERSON, D(2026, 2, 12, THU));
    f.complexity = FB_COMPLEX;
    st = eval(&f, D(2026, 2, 12, THU));
    assert_date(st.clk[FB_CLK_ANSWER].due, D(2026, 3, 5, THU));
}

static void C6_post_simple_5_working_days_over_the_april_holidays(void **state)
{
    /* Received by post Fri 24/04/2026. Mon 27/04 is the day off for Giỗ Tổ (Sun 26/04), Thu 30/04
     * and Fri 01/05 are holidays: Tue 28, Wed 29/04, Mon 04, Tue 05, Wed 06/05. */
    assert_int_equal(calendar_kind(CAL, D(2026, 4, 27, MON)), DAYK_DAY_OFF);
    assert_int_equal(calendar_kind(CAL, D(2026, 5, 1, FRI)), DAYK_HOLIDAY);
    struct fb_facts f = fcase(FB_INFO_REQUEST, FB_POST, D(2026, 4, 24, FRI));
    struct fb_status st = eval(&f, D(2026, 4, 24, FRI));
    assert_date(st.clk[FB_CLK_ANSWER].due, D(2026, 5, 6, WED));
    assert_int_equal(st.clk[FB_CLK_ANSWER].days_left, 5);
    assert_int_equal(st.can_extend, 0);
    /* Thu 30/04, a holiday: 3 working days left (Mon 04, Tue 05, Wed 06/05). */
    st = eval(&f, D(2026, 4, 30, THU));
    assert_int_equal(st.clk[FB_CLK_ANSWER].days_left, 3);
    assert_int_equal(st.clk[FB_CLK_ANSWER].state, FB_RUNNING);
    st = eval(&f, D(2026, 5, 4, MON));
    assert_int_equal(st.clk[FB_CLK_ANSWER].days_left, 2);
    assert_int_equal(st.clk[FB_CLK_ANSWER].state, FB_SOON);
    /* Complex, by post (U: as electronic): 15 working days to Wed 20/05, +15 to Wed 10/06. */
    f.complexity = FB_COMPLEX;
    st = eval(&f, D(2026, 4, 24, FRI));
    assert_date(st.clk[FB_CLK_ANSWER].due, D(2026, 5, 20, WED));
    assert_int_equal(st.can_extend, 1);
    f.extensions = 1;
    st = eval(&f, D(2026, 4, 24, FRI));
    assert_date(st.clk[FB_CLK_ANSWER].due, D(2026, 6, 10, WED));
}

static void C6_phone_requests_have_their_own_entries_shipped_as_in_person(void **state)
{
    /* Received by phone Thu 05/11/2026: 10 working days, Fri 06 - Thu 19/11. */
    struct fb_facts f = fcase(FB_INFO_REQUEST, FB_PHONE, D(2026, 11, 5, THU));
    struct fb_status st = eval(&f, D(2026, 11, 5, THU));
    assert_date(st.clk[FB_CLK_ANSWER].due, D(2026, 11, 19, THU));
    assert_int_equal(st.can_extend, 1);
    /* The entries are the phone's own: a rule set may set them apart from in person. */
    struct fb_rules r = *fb_rules_at(RS, f.received);
    r.info[FB_PHONE][0].n = 3;
    st = eval_with(&r, &f, D(2026, 11, 5, THU));
    assert_date(st.clk[FB_CLK_ANSWER].due, D(2026, 11, 10, TUE));
    f.channel = FB_IN_PERSON;
    st = eval_with(&r, &f, D(2026, 11, 5, THU));
    assert_date(st.clk[FB_CLK_ANSWER].due, D(2026, 11, 19, THU));
}

/* ---- I6: feedback and recommendations ---- */

static void I6_feedback_answer_10_working_days_soon_at_2_left_overdue_the_day_after(void **state)
{
    /* Feedback received online Thu 05/11/2026: Fri 06, Mon 09 - Fri 13, Mon 16 - Thu 19/11. */
    struct fb_facts f = fcase(FB_FEEDBACK, FB_ONLINE, D(2026, 11, 5, THU));
    struct fb_status st = eval(&f, D(2026, 11, 5, THU));
    assert_only(&st, BIT(FB_CLK_ANSWER));
    assert_date(st.clk[FB_CLK_ANSWER].due, D(2026, 11, 19, THU));
    assert_int_equal(st.can_extend, 0);
    /* Mon 16/11: 3 left (17, 18, 19), one more than soon_days. */
    st = eval(&f, D(2026, 11, 16, MON));
    assert_int_equal(st.clk[FB_CLK_ANSWER].days_left, 3);
    assert_int_equal(st.clk[FB_CLK_ANSWER].state, FB_RUNNING);
    /* Tue 17/11: exactly 2 left. */
    st = eval(&f, D(2026, 11, 17, TUE));
    assert_int_equal(st.clk[FB_CLK_ANSWER].days_left, 2);
    assert_int_equal(st.clk[FB_CLK_ANSWER].state, FB_SOON);
    /* Thu 19/11, the due day: 0 left, soon. */
    st = eval(&f, D(2026, 11, 19, THU));
    assert_int_equal(st.clk[FB_CLK_ANSWER].days_left, 0);
    assert_int_equal(st.clk[FB_CLK_ANSWER].state, FB_SOON);
    assert_int_equal(st.overdue, 0);
    /* Fri 20/11: overdue. */
    st = eval(&f, D(2026, 11, 20, FRI));
    assert_int_equal(st.clk[FB_CLK_ANSWER].state, FB_OVERDUE);
    assert_int_equal(st.overdue, 1);
    /* The channel does not matter, and a recommendation has the same default. */
    f.channel = FB_PHONE;
    st = eval(&f, D(2026, 11, 5, THU));
    assert_date(st.clk[FB_CLK_ANSWER].due, D(2026, 11, 19, THU));
    f = fcase(FB_RECOMMENDATION, FB_POST, D(2026, 11, 5, THU));
    st = eval(&f, D(2026, 11, 17, TUE));
    assert_only(&st, BIT(FB_CLK_ANSWER));
    assert_date(st.clk[FB_CLK_ANSWER].due, D(2026, 11, 19, THU));
    assert_int_equal(st.clk[FB_CLK_ANSWER].state, FB_SOON);
}

static void I6_answered_on_the_due_day_is_met_a_day_later_is_met_late(void **state)
{
    struct fb_facts f = fcase(FB_FEEDBACK, FB_IN_PERSON, D(2026, 11, 5, THU));
    /* Answered on Thu 19/11, the last day: on time, seen then and weeks later (Mon 30/11). */
    answer_on(&f, D(2026, 11, 19, THU));
    struct fb_status st = eval(&f, D(2026, 11, 19, THU));
    assert_int_equal(st.clk[FB_CLK_ANSWER].state, FB_MET);
    assert_date(st.clk[FB_CLK_ANSWER].due, D(2026, 11, 19, THU));
    assert_int_equal(st.clk[FB_CLK_ANSWER].days_left, 0);
    assert_int_equal(st.next, -1);
    assert_no_date(st.next_due);
    st = eval(&f, D(2026, 11, 30, MON));
    assert_int_equal(st.clk[FB_CLK_ANSWER].state, FB_MET);
    assert_int_equal(st.overdue, 0);
    /* Answered on Fri 20/11: late for good, but no longer overdue. */
    answer_on(&f, D(2026, 11, 20, FRI));
    st = eval(&f, D(2026, 11, 30, MON));
    assert_int_equal(st.clk[FB_CLK_ANSWER].state, FB_MET_LATE);
    assert_int_equal(st.overdue, 0);
    assert_int_equal(st.next, -1);
}

static void I_feedback_forwarded_within_5_working_days_when_not_competent(void **state)
{
    /* Decree 20/2008 Art 9. Received Thu 27/08/2026, for another body: Fri 28, Mon 31/08, then
     * Tue 01 and Wed 02/09 are Quốc khánh, so Thu 03, Fri 04 and Mon 07/09. */
    assert_int_equal(calendar_kind(CAL, D(2026, 9, 1, TUE)), DAYK_HOLIDAY);
    struct fb_facts f = fcase(FB_FEEDBACK, FB_ONLINE, D(2026, 8, 27, THU));
    f.not_competent = 1;
    struct fb_status st = eval(&f, D(2026, 9, 2, WED));
    assert_only(&st, BIT(FB_CLK_FORWARD));
    assert_int_equal(st.clk[FB_CLK_ANSWER].state, FB_NOT_APPLICABLE);
    assert_date(st.clk[FB_CLK_FORWARD].due, D(2026, 9, 7, MON));
    assert_int_equal(st.clk[FB_CLK_FORWARD].days_left, 3);
    assert_int_equal(st.next, FB_CLK_FORWARD);
    f.forwarded = 1;
    f.forwarded_on = D(2026, 9, 7, MON);
    st = eval(&f, D(2026, 9, 8, TUE));
    assert_int_equal(st.clk[FB_CLK_FORWARD].state, FB_MET);
    assert_int_equal(st.next, -1);
    /* A recommendation too. */
    f = fcase(FB_RECOMMENDATION, FB_ONLINE, D(2026, 8, 27, THU));
    f.not_competent = 1;
    st = eval(&f, D(2026, 9, 8, TUE));
    assert_only(&st, BIT(FB_CLK_FORWARD));
    assert_int_equal(st.clk[FB_CLK_FORWARD].state, FB_OVERDUE);
    /* An information request for another body has no clock (no text gives one). */
    f = fcase(FB_INFO_REQUEST, FB_ONLINE, D(2026, 8, 27, THU));
    f.not_competent = 1;
    st = eval(&f, D(2026, 9, 8, TUE));
    assert_only(&st, 0);
    assert_int_equal(st.next, -1);
}

/* ---- I, I1: complaints ---- */

static void I1_complaint_acceptance_10_working_days_until_30_06_2026_then_7(void **state)
{
    /* Received Tue 30/06/2026, under the rules before Law 136/2025: 10 working days,
     * Wed 01/07 - Tue 14/07. */
    struct fb_facts a = fcase(FB_COMPLAINT, FB_IN_PERSON, D(2026, 6, 30, TUE));
    struct fb_status st = eval(&a, D(2026, 6, 30, TUE));
    assert_ptr_equal(fb_rules_at(RS, a.received), &RS->versions[0]);
    assert_only(&st, BIT(FB_CLK_ACCEPT) | BIT(FB_CLK_RESOLVE) | BIT(FB_CLK_SEND));
    assert_int_equal(st.clk[FB_CLK_ACCEPT].state, FB_RUNNING);
    assert_date(st.clk[FB_CLK_ACCEPT].due, D(2026, 7, 14, TUE));
    assert_int_equal(st.clk[FB_CLK_RESOLVE].state, FB_WAITING);
    assert_no_date(st.clk[FB_CLK_RESOLVE].due);
    assert_int_equal(st.clk[FB_CLK_SEND].state, FB_WAITING);
    assert_int_equal(st.next, FB_CLK_ACCEPT);
    /* Received a day later, Wed 01/07/2026 (I1, reported): 7 working days, Thu 02 - Fri 10/07.
     * The later complaint is due four days earlier. */
    struct fb_facts b = fcase(FB_COMPLAINT, FB_IN_PERSON, D(2026, 7, 1, WED));
    assert_ptr_equal(fb_rules_at(RS, b.received), &RS->versions[1]);
    st = eval(&b, D(2026, 7, 1, WED));
    assert_date(st.clk[FB_CLK_ACCEPT].due, D(2026, 7, 10, FRI));
    /* Fri 10/07: the first has 2 working days left, the second is on its last day. */
    st = eval(&a, D(2026, 7, 10, FRI));
    assert_int_equal(st.clk[FB_CLK_ACCEPT].days_left, 2);
    assert_int_equal(st.clk[FB_CLK_ACCEPT].state, FB_SOON);
    st = eval(&b, D(2026, 7, 10, FRI));
    assert_int_equal(st.clk[FB_CLK_ACCEPT].days_left, 0);
    assert_int_equal(st.clk[FB_CLK_ACCEPT].state, FB_SOON);
    /* Mon 13/07: only the second is overdue. */
    st = eval(&a, D(2026, 7, 13, MON));
    assert_int_equal(st.clk[FB_CLK_ACCEPT].state, FB_SOON);
    st = eval(&b, D(2026, 7, 13, MON));
    assert_int_equal(st.clk[FB_CLK_ACCEPT].state, FB_OVERDUE);
    assert_int_equal(st.overdue, 1);
    /* Accepted on Mon 13/07: late for the second, on time for the first. */
    accept_on(&a, D(2026, 7, 13, MON));
    accept_on(&b, D(2026, 7, 13, MON));
    assert_int_equal(eval(&a, D(2026, 7, 13, MON)).clk[FB_CLK_ACCEPT].state, FB_MET);
    assert_int_equal(eval(&b, D(2026, 7, 13, MON)).clk[FB_CLK_ACCEPT].state, FB_MET_LATE);
}

static void I_complaint_resolution_30_days_ending_on_a_sunday_rolls_to_monday(void **state)
{
    /* Received Mon 03/08/2026, accepted Fri 07/08/2026. Day 30 is Sun 06/09, so the decision is
     * due Mon 07/09 (A1); Tue 01 and Wed 02/09 (Quốc khánh) do not matter to calendar days. */
    struct fb_facts f = fcase(FB_COMPLAINT, FB_ONLINE, D(2026, 8, 3, MON));
    accept_on(&f, D(2026, 8, 7, FRI));
    struct fb_status st = eval(&f, D(2026, 8, 7, FRI));
    assert_int_equal(st.clk[FB_CLK_ACCEPT].state, FB_MET);
    assert_int_equal(st.clk[FB_CLK_RESOLVE].state, FB_RUNNING);
    assert_date(st.clk[FB_CLK_RESOLVE].due, D(2026, 9, 7, MON));
    assert_int_equal(st.clk[FB_CLK_SEND].state, FB_WAITING);
    assert_int_equal(st.next, FB_CLK_RESOLVE);
    assert_int_equal(st.can_extend, 0); /* Art 28: no extension */
    /* Fri 04/09: one working day left. */
    st = eval(&f, D(2026, 9, 4, FRI));
    assert_int_equal(st.clk[FB_CLK_RESOLVE].days_left, 1);
    assert_int_equal(st.clk[FB_CLK_RESOLVE].state, FB_SOON);
    /* Sun 06/09, day 30 itself: not overdue, the period runs on to Monday. */
    st = eval(&f, D(2026, 9, 6, SUN));
    assert_int_equal(st.clk[FB_CLK_RESOLVE].state, FB_SOON);
    st = eval(&f, D(2026, 9, 8, TUE));
    assert_int_equal(st.clk[FB_CLK_RESOLVE].state, FB_OVERDUE);
    /* A decision on Mon 07/09 is on time. */
    answer_on(&f, D(2026, 9, 7, MON));
    st = eval(&f, D(2026, 9, 8, TUE));
    assert_int_equal(st.clk[FB_CLK_RESOLVE].state, FB_MET);
    /* Complex: 45 days, Mon 21/09. Remote: 45 days too; remote and complex: 60, Tue 06/10. */
    f.answered = 0;
    f.complexity = FB_COMPLEX;
    assert_date(eval(&f, D(2026, 8, 7, FRI)).clk[FB_CLK_RESOLVE].due, D(2026, 9, 21, MON));
    f.complexity = FB_VERY_COMPLEX; /* complaints know no third class: as complex */
    assert_date(eval(&f, D(2026, 8, 7, FRI)).clk[FB_CLK_RESOLVE].due, D(2026, 9, 21, MON));
    f.complexity = FB_SIMPLE;
    f.remote = 1;
    assert_date(eval(&f, D(2026, 8, 7, FRI)).clk[FB_CLK_RESOLVE].due, D(2026, 9, 21, MON));
    f.complexity = FB_COMPLEX;
    assert_date(eval(&f, D(2026, 8, 7, FRI)).clk[FB_CLK_RESOLVE].due, D(2026, 10, 6, TUE));
    /* Extensions recorded on a complaint change nothing. */
    f.extensions = 1;
    st = eval(&f, D(2026, 8, 7, FRI));
    assert_date(st.clk[FB_CLK_RESOLVE].due, D(2026, 10, 6, TUE));
    assert_int_equal(st.can_extend, 0);
}

static void I_complaint_decision_sent_within_3_working_days(void **state)
{
    /* Accepted Fri 07/08/2026, decided Thu 03/09: sent by Tue 08/09 (Fri 04, Mon 07, Tue 08). */
    struct fb_facts f = fcase(FB_COMPLAINT, FB_ONLINE, D(2026, 8, 3, MON));
    accept_on(&f, D(2026, 8, 7, FRI));
    answer_on(&f, D(2026, 9, 3, THU));
    struct fb_status st = eval(&f, D(2026, 9, 3, THU));
    assert_int_equal(st.clk[FB_CLK_RESOLVE].state, FB_MET);
    assert_int_equal(st.clk[FB_CLK_SEND].state, FB_RUNNING);
    assert_date(st.clk[FB_CLK_SEND].due, D(2026, 9, 8, TUE));
    assert_int_equal(st.clk[FB_CLK_SEND].days_left, 3);
    assert_int_equal(st.next, FB_CLK_SEND);
    f.sent = 1;
    f.sent_on = D(2026, 9, 8, TUE);
    st = eval(&f, D(2026, 9, 8, TUE));
    assert_int_equal(st.clk[FB_CLK_SEND].state, FB_MET);
    assert_int_equal(st.next, -1);
    f.sent_on = D(2026, 9, 9, WED);
    assert_int_equal(eval(&f, D(2026, 9, 9, WED)).clk[FB_CLK_SEND].state, FB_MET_LATE);
}

static void I_complaint_refused_or_for_another_body_has_no_resolution(void **state)
{
    /* Refused with reasons on Fri 07/08/2026 (received Mon 03/08): acceptance met, nothing
     * else runs. */
    struct fb_facts f = fcase(FB_COMPLAINT, FB_POST, D(2026, 8, 3, MON));
    f.refused = 1;
    f.refused_on = D(2026, 8, 7, FRI);
    struct fb_status st = eval(&f, D(2026, 10, 1, THU));
    assert_only(&st, BIT(FB_CLK_ACCEPT));
    assert_int_equal(st.clk[FB_CLK_ACCEPT].state, FB_MET);
    assert_int_equal(st.next, -1);
    /* Not competent: the refusal is still owed (Art 27), no forwarding. Received after
     * 01/07/2026, so within 7 working days (I1): Tue 04 - Fri 07, Mon 10 - Wed 12/08. */
    f = fcase(FB_COMPLAINT, FB_POST, D(2026, 8, 3, MON));
    f.not_competent = 1;
    st = eval(&f, D(2026, 8, 3, MON));
    assert_only(&st, BIT(FB_CLK_ACCEPT));
    assert_date(st.clk[FB_CLK_ACCEPT].due, D(2026, 8, 12, WED));
    assert_int_equal(st.clk[FB_CLK_FORWARD].state, FB_NOT_APPLICABLE);
    f.refused = 1;
    f.refused_on = D(2026, 8, 13, THU);
    assert_int_equal(eval(&f, D(2026, 8, 13, THU)).clk[FB_CLK_ACCEPT].state, FB_MET_LATE);
}

/* ---- I: denunciations ---- */

static void I_denunciation_accepted_within_7_working_days_or_10_multi_site(void **state)
{
    /* Received Mon 03/08/2026: Tue 04 - Fri 07, Mon 10 - Wed 12/08. */
    struct fb_facts f = fcase(FB_DENUNCIATION, FB_IN_PERSON, D(2026, 8, 3, MON));
    struct fb_status st = eval(&f, D(2026, 8, 4, TUE));
    assert_only(&st, BIT(FB_CLK_ACCEPT) | BIT(FB_CLK_NOTIFY) | BIT(FB_CLK_RESOLVE) |
                         BIT(FB_CLK_PUBLISH));
    assert_int_equal(st.clk[FB_CLK_ACCEPT].state, FB_RUNNING);
    assert_date(st.clk[FB_CLK_ACCEPT].due, D(2026, 8, 12, WED));
    assert_int_equal(st.clk[FB_CLK_NOTIFY].state, FB_WAITING);
    assert_int_equal(st.clk[FB_CLK_RESOLVE].state, FB_WAITING);
    assert_int_equal(st.clk[FB_CLK_PUBLISH].state, FB_WAITING);
    assert_int_equal(st.next, FB_CLK_ACCEPT);
    /* Checks at several places: 10 working days, to Mon 17/08. */
    f.multi_site = 1;
    st = eval(&f, D(2026, 8, 4, TUE));
    assert_date(st.clk[FB_CLK_ACCEPT].due, D(2026, 8, 17, MON));
    /* Not accepted (with reasons) on Fri 14/08: met, and nothing follows. */
    f.refused = 1;
    f.refused_on = D(2026, 8, 14, FRI);
    st = eval(&f, D(2026, 8, 14, FRI));
    assert_only(&st, BIT(FB_CLK_ACCEPT));
    assert_int_equal(st.clk[FB_CLK_ACCEPT].state, FB_MET);
}

static void I_denunciation_forwarded_within_5_working_days_when_not_competent(void **state)
{
    /* Art 24(2). Received Thu 27/08/2026: Fri 28, Mon 31/08, (Quốc khánh 01-02/09), Thu 03,
     * Fri 04, Mon 07/09. Forwarding replaces acceptance and everything after it. */
    struct fb_facts f = fcase(FB_DENUNCIATION, FB_POST, D(2026, 8, 27, THU));
    f.not_competent = 1;
    struct fb_status st = eval(&f, D(2026, 8, 27, THU));
    assert_only(&st, BIT(FB_CLK_FORWARD));
    assert_int_equal(st.clk[FB_CLK_FORWARD].state, FB_RUNNING);
    assert_date(st.clk[FB_CLK_FORWARD].due, D(2026, 9, 7, MON));
    assert_int_equal(st.clk[FB_CLK_FORWARD].days_left, 5);
    st = eval(&f, D(2026, 9, 8, TUE));
    assert_int_equal(st.clk[FB_CLK_FORWARD].state, FB_OVERDUE);
    f.forwarded = 1;
    f.forwarded_on = D(2026, 9, 8, TUE);
    st = eval(&f, D(2026, 9, 8, TUE));
    assert_int_equal(st.clk[FB_CLK_FORWARD].state, FB_MET_LATE);
    assert_int_equal(st.overdue, 0);
}

static void I_denunciation_parties_notified_5_working_days_after_acceptance(void **state)
{
    /* Art 29(3). Accepted Fri 07/08/2026: Mon 10 - Fri 14/08. */
    struct fb_facts f = fcase(FB_DENUNCIATION, FB_IN_PERSON, D(2026, 8, 3, MON));
    accept_on(&f, D(2026, 8, 7, FRI));
    struct fb_status st = eval(&f, D(2026, 8, 7, FRI));
    assert_int_equal(st.clk[FB_CLK_ACCEPT].state, FB_MET);
    assert_int_equal(st.clk[FB_CLK_NOTIFY].state, FB_RUNNING);
    assert_date(st.clk[FB_CLK_NOTIFY].due, D(2026, 8, 14, FRI));
    assert_int_equal(st.clk[FB_CLK_NOTIFY].days_left, 5);
    f.notified = 1;
    f.notified_on = D(2026, 8, 14, FRI);
    assert_int_equal(eval(&f, D(2026, 8, 17, MON)).clk[FB_CLK_NOTIFY].state, FB_MET);
    f.notified_on = D(2026, 8, 17, MON);
    assert_int_equal(eval(&f, D(2026, 8, 17, MON)).clk[FB_CLK_NOTIFY].state, FB_MET_LATE);
}

static void I_denunciation_resolved_in_30_days_plus_30_if_complex_plus_30_again_if_very(void **s)
{
    /* Art 30. Accepted Fri 07/08/2026: 30 days end Sun 06/09, so Mon 07/09 (A1). */
    struct fb_facts f = fcase(FB_DENUNCIATION, FB_ONLINE, D(2026, 8, 3, MON));
    accept_on(&f, D(2026, 8, 7, FRI));
    struct fb_status st = eval(&f, D(2026, 8, 10, MON));
    assert_int_equal(st.clk[FB_CLK_RESOLVE].state, FB_RUNNING);
    assert_date(st.clk[FB_CLK_RESOLVE].due, D(2026, 9, 7, MON));
    /* Simple: no extension, and one recorded anyway does not count. */
    assert_int_equal(st.can_extend, 0);
    f.extensions = 1;
    st = eval(&f, D(2026, 8, 10, MON));
    assert_date(st.clk[FB_CLK_RESOLVE].due, D(2026, 9, 7, MON));
    assert_int_equal(st.can_extend, 0);
    /* Complex: one extension of 30 days, to Tue 06/10. */
    f.complexity = FB_COMPLEX;
    f.extensions = 0;
    st = eval(&f, D(2026, 8, 10, MON));
    assert_int_equal(st.can_extend, 1);
    f.extensions = 1;
    st = eval(&f, D(2026, 8, 10, MON));
    assert_date(st.clk[FB_CLK_RESOLVE].due, D(2026, 10, 6, TUE));
    assert_int_equal(st.can_extend, 0);
    f.extensions = 2;
    assert_date(eval(&f, D(2026, 8, 10, MON)).clk[FB_CLK_RESOLVE].due, D(2026, 10, 6, TUE));
    /* Very complex: twice, to Thu 05/11; a third is never possible. */
    f.complexity = FB_VERY_COMPLEX;
    f.extensions = 1;
    st = eval(&f, D(2026, 8, 10, MON));
    assert_date(st.clk[FB_CLK_RESOLVE].due, D(2026, 10, 6, TUE));
    assert_int_equal(st.can_extend, 1);
    f.extensions = 2;
    st = eval(&f, D(2026, 8, 10, MON));
    assert_date(st.clk[FB_CLK_RESOLVE].due, D(2026, 11, 5, THU));
    assert_int_equal(st.can_extend, 0);
    f.extensions = 3;
    assert_date(eval(&f, D(2026, 8, 10, MON)).clk[FB_CLK_RESOLVE].due, D(2026, 11, 5, THU));
    /* Before acceptance the resolution has not started: nothing to extend. */
    f = fcase(FB_DENUNCIATION, FB_ONLINE, D(2026, 8, 3, MON));
    f.complexity = FB_VERY_COMPLEX;
    st = eval(&f, D(2026, 8, 4, TUE));
    assert_int_equal(st.clk[FB_CLK_RESOLVE].state, FB_WAITING);
    assert_int_equal(st.can_extend, 0);
}

static void I_denunciation_conclusion_published_within_7_working_days(void **state)
{
    /* Art 40. Concluded Fri 04/09/2026: Mon 07 - Fri 11, Mon 14, Tue 15/09. */
    struct fb_facts f = fcase(FB_DENUNCIATION, FB_ONLINE, D(2026, 8, 3, MON));
    accept_on(&f, D(2026, 8, 7, FRI));
    f.notified = 1;
    f.notified_on = D(2026, 8, 10, MON);
    struct fb_status st = eval(&f, D(2026, 9, 4, FRI));
    assert_int_equal(st.clk[FB_CLK_PUBLISH].state, FB_WAITING);
    answer_on(&f, D(2026, 9, 4, FRI));
    st = eval(&f, D(2026, 9, 4, FRI));
    assert_int_equal(st.clk[FB_CLK_RESOLVE].state, FB_MET);
    assert_int_equal(st.clk[FB_CLK_PUBLISH].state, FB_RUNNING);
    assert_date(st.clk[FB_CLK_PUBLISH].due, D(2026, 9, 15, TUE));
    assert_int_equal(st.clk[FB_CLK_PUBLISH].days_left, 7);
    assert_int_equal(st.next, FB_CLK_PUBLISH);
    f.published = 1;
    f.published_on = D(2026, 9, 16, WED);
    st = eval(&f, D(2026, 9, 16, WED));
    assert_int_equal(st.clk[FB_CLK_PUBLISH].state, FB_MET_LATE);
    assert_int_equal(st.next, -1);
}

/* ---- every kind ---- */

static void I_next_is_the_unmet_clock_due_first(void **state)
{
    /* A denunciation accepted Fri 07/08/2026: notify by Fri 14/08, resolve by Mon 07/09. */
    struct fb_facts f = fcase(FB_DENUNCIATION, FB_ONLINE, D(2026, 8, 3, MON));
    accept_on(&f, D(2026, 8, 7, FRI));
    struct fb_status st = eval(&f, D(2026, 8, 10, MON));
    assert_int_equal(st.next, FB_CLK_NOTIFY);
    assert_date(st.next_due, D(2026, 8, 14, FRI));
    /* Mon 17/08: notification overdue; it is still the first thing due. */
    st = eval(&f, D(2026, 8, 17, MON));
    assert_int_equal(st.clk[FB_CLK_NOTIFY].state, FB_OVERDUE);
    assert_int_equal(st.clk[FB_CLK_RESOLVE].state, FB_RUNNING);
    assert_int_equal(st.overdue, 1);
    assert_int_equal(st.next, FB_CLK_NOTIFY);
    /* Once notified, the resolution is next. */
    f.notified = 1;
    f.notified_on = D(2026, 8, 17, MON);
    st = eval(&f, D(2026, 8, 17, MON));
    assert_int_equal(st.overdue, 0);
    assert_int_equal(st.next, FB_CLK_RESOLVE);
    assert_date(st.next_due, D(2026, 9, 7, MON));
    /* Concluded and published: nothing left. */
    answer_on(&f, D(2026, 9, 4, FRI));
    f.published = 1;
    f.published_on = D(2026, 9, 7, MON);
    st = eval(&f, D(2026, 9, 7, MON));
    assert_int_equal(st.next, -1);
    assert_no_date(st.next_due);
}

static void I_closed_case_stops_its_unmet_clocks(void **state)
{
    /* A very complex denunciation, accepted Fri 07/08/2026, notified late on Mon 17/08, then
     * withdrawn (closed). Seen on Fri 30/10, well past the unextended due day. */
    struct fb_facts f = fcase(FB_DENUNCIATION, FB_IN_PERSON, D(2026, 8, 3, MON));
    f.complexity = FB_VERY_COMPLEX;
    accept_on(&f, D(2026, 8, 7, FRI));
    f.notified = 1;
    f.notified_on = D(2026, 8, 17, MON);
    struct fb_status st = eval(&f, D(2026, 10, 30, FRI));
    assert_int_equal(st.clk[FB_CLK_RESOLVE].state, FB_OVERDUE);
    assert_int_equal(st.clk[FB_CLK_PUBLISH].state, FB_WAITING);
    f.closed = 1;
    st = eval(&f, D(2026, 10, 30, FRI));
    assert_int_equal(st.clk[FB_CLK_ACCEPT].state, FB_MET);
    assert_int_equal(st.clk[FB_CLK_NOTIFY].state, FB_MET_LATE); /* what was done stays */
    assert_int_equal(st.clk[FB_CLK_RESOLVE].state, FB_NOT_APPLICABLE);
    assert_no_date(st.clk[FB_CLK_RESOLVE].due);
    assert_int_equal(st.clk[FB_CLK_PUBLISH].state, FB_NOT_APPLICABLE);
    assert_int_equal(st.overdue, 0);
    assert_int_equal(st.next, -1);
    assert_int_equal(st.can_extend, 0);
    /* A request closed before its answer, even one whose deadline would fall in 2028 (a year
     * without a table): nothing is counted, nothing fails. */
    f = fcase(FB_INFO_REQUEST, FB_ONLINE, D(2027, 12, 24, FRI));
    f.complexity = FB_COMPLEX;
    f.closed = 1;
    st = eval(&f, D(2027, 12, 27, MON));
    assert_only(&st, 0);
    assert_int_equal(st.can_extend, 0);
}

static void A3_years_without_a_calendar_and_malformed_cases_are_refused(void **state)
{
    struct fb_status st;
    const struct fb_rules *r = &RS->versions[1];
    /* Received Fri 24/12/2027: the 10 working days run into 2028, which has no table. */
    struct fb_facts f = fcase(FB_FEEDBACK, FB_ONLINE, D(2027, 12, 24, FRI));
    assert_int_equal(fb_evaluate(r, CAL, &f, D(2027, 12, 24, FRI), &st), ERR_INVALID);
    assert_int_equal(st.next, -1);
    assert_int_equal(st.clk[FB_CLK_ANSWER].state, FB_NOT_APPLICABLE);
    /* A complaint accepted Wed 15/12/2027: 30 days end in January 2028. */
    f = fcase(FB_COMPLAINT, FB_ONLINE, D(2027, 12, 6, MON));
    accept_on(&f, D(2027, 12, 15, WED));
    assert_int_equal(fb_evaluate(r, CAL, &f, D(2027, 12, 15, WED), &st), ERR_INVALID);
    /* Received Mon 02/12/2024: its days fall in 2024, which has no table either. */
    f = fcase(FB_FEEDBACK, FB_ONLINE, D(2024, 12, 2, MON));
    assert_int_equal(fb_evaluate(&RS->versions[0], CAL, &f, D(2024, 12, 2, MON), &st), ERR_INVALID);
    /* Malformed facts. */
    f = fcase(FB_FEEDBACK, FB_ONLINE, D(2026, 11, 5, THU));
    assert_int_equal(fb_evaluate(r, CAL, &f, D(2026, 11, 5, THU), &st), 0);
    f.kind = FB_N_KINDS;
    assert_int_equal(fb_evaluate(r, CAL, &f, D(2026, 11, 5, THU), &st), ERR_INVALID);
    f.kind = (enum fb_kind) - 1;
    assert_int_equal(fb_evaluate(r, CAL, &f, D(2026, 11, 5, THU), &st), ERR_INVALID);
    f = fcase(FB_INFO_REQUEST, FB_N_CHANNELS, D(2026, 11, 5, THU));
    assert_int_equal(fb_evaluate(r, CAL, &f, D(2026, 11, 5, THU), &st), ERR_INVALID);
    f = fcase(FB_INFO_REQUEST, FB_ONLINE, D(2026, 11, 5, THU));
    f.complexity = (enum fb_complexity)3;
    assert_int_equal(fb_evaluate(r, CAL, &f, D(2026, 11, 5, THU), &st), ERR_INVALID);
    f.complexity = FB_SIMPLE;
    f.extensions = -1;
    assert_int_equal(fb_evaluate(r, CAL, &f, D(2026, 11, 5, THU), &st), ERR_INVALID);
    f.extensions = 0;
    f.answered = 1;
    f.answered_on = (struct date){2026, 2, 30};
    assert_int_equal(fb_evaluate(r, CAL, &f, D(2026, 11, 5, THU), &st), ERR_INVALID);
    f.answered = 0;
    assert_int_equal(fb_evaluate(r, CAL, &f, (struct date){2026, 13, 1}, &st), ERR_INVALID);
    assert_int_equal(fb_evaluate(NULL, CAL, &f, D(2026, 11, 5, THU), &st), ERR_INVALID);
    assert_int_equal(fb_evaluate(r, NULL, &f, D(2026, 11, 5, THU), &st), ERR_INVALID);
}

/* ---- rule versions and the rule file ---- */

static const char two_versions[] =
    "# test rule set\n"                                                  /* 1 */
    "[2023-07-01]\n"                                                     /* 2 */
    "soon_days = 2\n"                                                    /* 3 */
    "info_online_simple = 3 working\n"                                   /* 4 */
    "info_online_complex = 15 working, extend 15 once\n"                 /* 5 */
    "info_in_person_simple = 10 working, extend 10 once\n"               /* 6 */
    "info_in_person_complex = 10 working, extend 10 once\n"              /* 7 */
    "info_post_simple = 5 working\n"                                     /* 8 */
    "info_post_complex = 15 working ,  extend 15 once\n"                 /* 9 */
    "info_phone_simple = 10 working, extend 10 once\n"                   /* 10 */
    "info_phone_complex = 10 working,extend 10 once ; no blank needed\n" /* 11 */
    "feedback_answer = 10 working\n"                                     /* 12 */
    "recommendation_answer = 10 working\n"                               /* 13 */
    "feedback_forward = 5 working\n"                                     /* 14 */
    "complaint_accept = 10 working\n"                                    /* 15 */
    "complaint_resolve = 30 calendar\n"                                  /* 16 */
    "complaint_resolve_complex = 45 calendar\n"                          /* 17 */
    "complaint_resolve_remote = 45 calendar\n"                           /* 18 */
    "complaint_resolve_remote_complex = 60 calendar\n"                   /* 19 */
    "complaint_send = 3 working\n"                                       /* 20 */
    "denunciation_accept = 7 working\n"                                  /* 21 */
    "denunciation_accept_multi_site = 10 working\n"                      /* 22 */
    "denunciation_forward = 5 working\n"                                 /* 23 */
    "denunciation_notify = 5 working\n"                                  /* 24 */
    "denunciation_resolve = 30 calendar, extend 30 twice\n"              /* 25 */
    "denunciation_publish = 7 working\n"                                 /* 26 */
    "reception_notify = 10 working\n"                                    /* 27 */
    "\n"                                                                 /* 28 */
    "[2026-07-01]\n"                                                     /* 29 */
    "complaint_accept = 7 working\n"                                     /* 30 */
    "feedback_answer = 5 calendar\n"                                     /* 31 */
    "recommendation_answer = 0 working\n";                               /* 32 */

static void I1_rule_versions_inherit_and_apply_by_date_of_receipt(void **state)
{
    struct fb_ruleset *rs;
    char err[160] = "";
    assert_int_equal(fb_ruleset_parse(two_versions, strlen(two_versions), &rs, err, sizeof err), 0);
    assert_int_equal(rs->n_versions, 2);
    const struct fb_rules *a = &rs->versions[0], *b = &rs->versions[1];
    /* The first version is the shipped one, written another way. */
    assert_memory_equal(a, &RS->versions[0], sizeof *a);
    /* The second inherits every key it does not set. */
    assert_period(&b->complaint_accept, 7, DAY_WORKING, 0, 0);
    assert_period(&b->feedback_answer, 5, DAY_CALENDAR, 0, 0);
    assert_period(&b->recommendation_answer, 0, DAY_WORKING, 0, 0);
    assert_int_equal(b->soon_days, 2);
    assert_memory_equal(b->info, a->info, sizeof a->info);
    assert_memory_equal(&b->denunciation_resolve, &a->denunciation_resolve,
                        sizeof a->denunciation_resolve);
    /* Feedback received Mon 06/07/2026: 5 calendar days end Sat 11/07, so Mon 13/07 (A1). */
    struct fb_facts f = fcase(FB_FEEDBACK, FB_ONLINE, D(2026, 7, 6, MON));
    const struct fb_rules *r = fb_rules_at(rs, f.received);
    assert_ptr_equal(r, b);
    struct fb_status st = eval_with(r, &f, D(2026, 7, 6, MON));
    assert_date(st.clk[FB_CLK_ANSWER].due, D(2026, 7, 13, MON));
    /* Received Tue 30/06 the old 10 working days apply: Wed 01 - Tue 14/07. */
    f.received = D(2026, 6, 30, TUE);
    r = fb_rules_at(rs, f.received);
    assert_ptr_equal(r, a);
    st = eval_with(r, &f, D(2026, 6, 30, TUE));
    assert_date(st.clk[FB_CLK_ANSWER].due, D(2026, 7, 14, TUE));
    /* A period of 0 switches the clock off: recommendations from 01/07/2026 have no answer
     * deadline under this file. */
    f = fcase(FB_RECOMMENDATION, FB_ONLINE, D(2026, 7, 6, MON));
    st = eval_with(fb_rules_at(rs, f.received), &f, D(2026, 9, 30, WED));
    assert_only(&st, 0);
    assert_int_equal(st.next, -1);
    fb_ruleset_free(rs);
}

/* Parses two_versions with `from` replaced by `to` (first occurrence); expects an error whose
 * message starts with want_prefix and contains want_part. */
static void expect_error(const char *from, const char *to, const char *want_prefix,
                         const char *want_part)
{
    char text[4096], err[200] = "";
    const char *at = strstr(two_versions, from);
    assert_non_null(at);
    int n = snprintf(text, sizeof text, "%.*s%s%s", (int)(at - two_versions), two_versions, to,
                     at + strlen(from));
    assert_true(n > 0 && (size_t)n < sizeof text);
    struct fb_ruleset *rs = (struct fb_ruleset *)1;
    int rc = fb_ruleset_parse(text, (size_t)n, &rs, err, sizeof err);
    if (rc != ERR_INVALID || strncmp(err, want_prefix, strlen(want_prefix)) != 0 ||
        !strstr(err, want_part))
        fprintf(stderr, "replacing '%s' by '%s': rc %d, err '%s'\n", from, to, rc, err);
    assert_int_equal(rc, ERR_INVALID);
    assert_null(rs);
    assert_true(strncmp(err, want_prefix, strlen(want_prefix)) == 0);
    assert_non_null(strstr(err, want_part));
}

static void I_rule_file_errors_name_the_line(void **state)
{
    /* A bad unit (line 20). */
    expect_error("complaint_send = 3 working", "complaint_send = 3 workdays",
                 "line 20: ", "unit must be working or calendar, not 'workdays'");
    expect_error("complaint_send = 3 working", "complaint_send = 3",
                 "line 20: ", "want 'N working' or 'N calendar'");
    expect_error("complaint_send = 3 working", "complaint_send = 3 working days",
                 "line 20: ", "complaint_send");
    expect_error("complaint_send = 3 working", "complaint_send =", "line 20: ", "not ''");
    /* Numbers out of range or not numbers. */
    expect_error("complaint_send = 3", "complaint_send = 366", "line 20: ", "from 0 to 365");
    expect_error("complaint_send = 3", "complaint_send = -3", "line 20: ", "'-3'");
    expect_error("complaint_send = 3", "complaint_send = 3x", "line 20: ", "'3x'");
    expect_error("complaint_send = 3", "complaint_send = 99999999999999999999",
                 "line 20: ", "from 0 to 365");
    expect_error("soon_days = 2", "soon_days = two", "line 3: ", "soon_days");
    /* Extensions: only where a text allows one, with a count and once or twice. */
    expect_error("complaint_send = 3 working", "complaint_send = 3 working, extend 3 once",
                 "line 20: ", "complaint_send takes no extension");
    expect_error("reception_notify = 10 working", "reception_notify = 10 working, extend 10 once",
                 "line 27: ", "reception_notify takes no extension");
    expect_error("complaint_resolve = 30 calendar",
                 "complaint_resolve = 30 calendar, extend 15 once",
                 "line 16: ", "takes no extension");
    expect_error("extend 30 twice", "extend 30 thrice", "line 25: ", "once or twice, not 'thrice'");
    expect_error("extend 30 twice", "extend 0 twice", "line 25: ", "from 1 to 365, not '0'");
    expect_error("extend 30 twice", "extend 30", "line 25: ", "after the comma");
    expect_error("extend 30 twice", "prolong 30 twice", "line 25: ", "after the comma");
    expect_error("extend 30 twice", "extend 30 twice more", "line 25: ", "after the comma");
    expect_error("30 calendar, extend 30 twice", "30 calendar extend 30 twice",
                 "line 25: ", "want 'N working' or 'N calendar'");
    /* An unknown key (line 12), and a known one set twice (line 13 repeats line 12's key). */
    expect_error(
        "feedback_answer =", "feedbak_answer =", "line 12: ", "unknown key 'feedbak_answer'");
    expect_error("recommendation_answer =", "feedback_answer =", "line 13: ", "twice");
    expect_error("soon_days = 2", "soon_days = 2\nsoon_days = 3", "line 4: ", "twice");
    /* The first version must set every key: reported at its section header (line 2). */
    expect_error("denunciation_publish = 7 working\n", "",
                 "line 2: ", "the first version must set denunciation_publish");
    expect_error("soon_days = 2\n", "", "line 2: ", "the first version must set soon_days");
    expect_error("info_phone_complex = 10 working,extend 10 once ; no blank needed\n", "",
                 "line 2: ", "info_phone_complex");
    expect_error("reception_notify = 10 working\n", "",
                 "line 2: ", "the first version must set reception_notify");
    /* Versions out of order or repeated (line 29 is the second section). */
    expect_error("[2026-07-01]", "[2023-01-01]", "line 29: ", "must come after");
    expect_error("[2026-07-01]", "[2023-07-01]", "line 29: ", "must come after");
    /* Sections and lines that are not what they should be. */
    expect_error("[2023-07-01]", "[2023-02-30]", "line 2: ", "2023-02-30");
    expect_error("[2023-07-01]", "[01/07/2023]", "line 2: ", "yyyy-mm-dd");
    expect_error("[2023-07-01]", "[2023-07-01", "line 2: ", "]");
    expect_error("# test rule set", "soon_days = 2", "line 1: ", "before the first");
    expect_error("soon_days = 2", "soon_days 2", "line 3: ", "key = value");
    expect_error("soon_days = 2", "= 2", "line 3: ", "key is missing");
    /* No version at all. */
    char err[160];
    struct fb_ruleset *rs;
    assert_int_equal(fb_ruleset_parse("# nothing\n", 10, &rs, err, sizeof err), ERR_INVALID);
    assert_string_equal(err, "line 1: no [yyyy-mm-dd] section: the rule set is empty");
    assert_null(rs);
    assert_int_equal(fb_ruleset_parse("", 0, &rs, err, sizeof err), ERR_INVALID);
    assert_int_equal(fb_ruleset_parse(NULL, 5, &rs, err, sizeof err), ERR_INVALID);
    /* A NUL inside the given length. */
    assert_int_equal(fb_ruleset_parse("[2023-07-01]\n\0x", 15, &rs, err, sizeof err), ERR_INVALID);
    assert_string_equal(err, "line 2: NUL byte in the text");
    /* Windows line ends are fine, and the error buffer may be absent or tiny. */
    static const char crlf[] = "[2023-07-01]\r\nsoon_days = 2\r\ncomplaint_send = 3 working,\r\n";
    assert_int_equal(fb_ruleset_parse(crlf, strlen(crlf), &rs, NULL, 0), ERR_INVALID);
    assert_int_equal(fb_ruleset_parse(crlf, strlen(crlf), &rs, err, 4), ERR_INVALID);
    assert_string_equal(err, "lin");
    assert_int_equal(fb_ruleset_parse(crlf, strlen(crlf), &rs, err, sizeof err), ERR_INVALID);
    assert_string_equal(err, "line 3: complaint_send: after the comma want 'extend M once' or "
                             "'extend M twice', not '3 working,'");
}

/* ---- labels and keys ---- */

static void assert_nfc(const char *s)
{
    struct arena *a = arena_new(0);
    size_t n;
    const char *nfc = utf8_nfc(a, s, strlen(s), &n);
    assert_non_null(nfc);
    assert_string_equal(nfc, s);
    arena_free(a);
}

static void labels_are_vietnamese_in_nfc_and_keys_are_stable(void **state)
{
    assert_string_equal(fb_kind_label(FB_INFO_REQUEST), "Yêu cầu cung cấp thông tin");
    assert_string_equal(fb_kind_label(FB_FEEDBACK), "Phản ánh");
    assert_string_equal(fb_kind_label(FB_RECOMMENDATION), "Kiến nghị");
    assert_string_equal(fb_kind_label(FB_COMPLAINT), "Khiếu nại");
    assert_string_equal(fb_kind_label(FB_DENUNCIATION), "Tố cáo");
    assert_string_equal(fb_kind_label(FB_N_KINDS), "");
    assert_string_equal(fb_kind_label((enum fb_kind) - 1), "");
    assert_string_equal(fb_channel_label(FB_ONLINE), "Trực tuyến");
    assert_string_equal(fb_channel_label(FB_IN_PERSON), "Trực tiếp");
    assert_string_equal(fb_channel_label(FB_POST), "Qua bưu chính");
    assert_string_equal(fb_channel_label(FB_PHONE), "Điện thoại");
    assert_string_equal(fb_channel_label(FB_N_CHANNELS), "");
    assert_string_equal(fb_clock_label(FB_CLK_ACCEPT), "Thụ lý");
    assert_string_equal(fb_clock_label(FB_CLK_FORWARD), "Chuyển đơn");
    assert_string_equal(fb_clock_label(FB_CLK_NOTIFY), "Thông báo thụ lý");
    assert_string_equal(fb_clock_label(FB_CLK_ANSWER), "Trả lời");
    assert_string_equal(fb_clock_label(FB_CLK_RESOLVE), "Giải quyết");
    assert_string_equal(fb_clock_label(FB_CLK_SEND), "Gửi quyết định");
    assert_string_equal(fb_clock_label(FB_CLK_PUBLISH), "Công khai kết luận");
    assert_string_equal(fb_clock_label(FB_N_CLOCKS), "");
    assert_string_equal(fb_clock_state_label(FB_NOT_APPLICABLE), "Không áp dụng");
    assert_string_equal(fb_clock_state_label(FB_WAITING), "Chưa bắt đầu");
    assert_string_equal(fb_clock_state_label(FB_RUNNING), "Trong hạn");
    assert_string_equal(fb_clock_state_label(FB_SOON), "Sắp đến hạn");
    assert_string_equal(fb_clock_state_label(FB_OVERDUE), "Quá hạn");
    assert_string_equal(fb_clock_state_label(FB_MET), "Đúng hạn");
    assert_string_equal(fb_clock_state_label(FB_MET_LATE), "Trễ hạn");
    assert_string_equal(fb_clock_state_label((enum fb_clock_state)7), "");
    /* Every label is NFC, as the rest of the site stores and compares text. */
    for (int k = 0; k < FB_N_KINDS; k++)
        assert_nfc(fb_kind_label(k));
    for (int c = 0; c < FB_N_CHANNELS; c++)
        assert_nfc(fb_channel_label(c));
    for (int c = 0; c < FB_N_CLOCKS; c++)
        assert_nfc(fb_clock_label(c));
    for (int s = FB_NOT_APPLICABLE; s <= FB_MET_LATE; s++)
        assert_nfc(fb_clock_state_label(s));
    /* Keys are stored in the database: they round-trip and never change. */
    static const char *const kinds[] = {"info_request", "feedback", "recommendation", "complaint",
                                        "denunciation"};
    for (int k = 0; k < FB_N_KINDS; k++) {
        assert_string_equal(fb_kind_key(k), kinds[k]);
        assert_int_equal(fb_kind_parse(kinds[k]), k);
    }
    static const char *const channels[] = {"online", "in_person", "post", "phone"};
    for (int c = 0; c < FB_N_CHANNELS; c++) {
        assert_string_equal(fb_channel_key(c), channels[c]);
        assert_int_equal(fb_channel_parse(channels[c]), c);
    }
    assert_null(fb_kind_key(FB_N_KINDS));
    assert_null(fb_channel_key(FB_N_CHANNELS));
    assert_int_equal(fb_kind_parse("Complaint"), -1);
    assert_int_equal(fb_kind_parse("complaint "), -1);
    assert_int_equal(fb_kind_parse(""), -1);
    assert_int_equal(fb_kind_parse(NULL), -1);
    assert_int_equal(fb_channel_parse("email"), -1);
    assert_int_equal(fb_channel_parse(NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(C6_I_shipped_rules_follow_the_law),
        cmocka_unit_test(C6_online_simple_3_working_days_over_a_weekend),
        cmocka_unit_test(C6_online_complex_15_working_days_extended_once_by_15),
        cmocka_unit_test(C6_in_person_10_working_days_across_tet_2026_and_one_extension),
        cmocka_unit_test(C6_post_simple_5_working_days_over_the_april_holidays),
        cmocka_unit_test(C6_phone_requests_have_their_own_entries_shipped_as_in_person),
        cmocka_unit_test(I6_feedback_answer_10_working_days_soon_at_2_left_overdue_the_day_after),
        cmocka_unit_test(I6_answered_on_the_due_day_is_met_a_day_later_is_met_late),
        cmocka_unit_test(I_feedback_forwarded_within_5_working_days_when_not_competent),
        cmocka_unit_test(I1_complaint_acceptance_10_working_days_until_30_06_2026_then_7),
        cmocka_unit_test(I_complaint_resolution_30_days_ending_on_a_sunday_rolls_to_monday),
        cmocka_unit_test(I_complaint_decision_sent_within_3_working_days),
        cmocka_unit_test(I_complaint_refused_or_for_another_body_has_no_resolution),
        cmocka_unit_test(I_denunciation_accepted_within_7_working_days_or_10_multi_site),
        cmocka_unit_test(I_denunciation_forwarded_within_5_working_days_when_not_competent),
        cmocka_unit_test(I_denunciation_parties_notified_5_working_days_after_acceptance),
        cmocka_unit_test(
            I_denunciation_resolved_in_30_days_plus_30_if_complex_plus_30_again_if_very),
        cmocka_unit_test(I_denunciation_conclusion_published_within_7_working_days),
        cmocka_unit_test(I_next_is_the_unmet_clock_due_first),
        cmocka_unit_test(I_closed_case_stops_its_unmet_clocks),
        cmocka_unit_test(A3_years_without_a_calendar_and_malformed_cases_are_refused),
        cmocka_unit_test(I1_rule_versions_inherit_and_apply_by_date_of_receipt),
        cmocka_unit_test(I_rule_file_errors_name_the_line),
        cmocka_unit_test(labels_are_vietnamese_in_nfc_and_keys_are_stable),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * disclosure_rules_test.c - the legal rules of disclosure (src/disclosure/rules.c) at their
 * edges: posting durations (DOMAIN C2, A7), the publication deadline (C3, A1, A2), the
 * loudspeaker and the village head (C2), rule versions and the rule file's errors.
 *
 * Runs against the shipped rule set (data/rules/disclosure.ini, embedded) and the shipped
 * 2025/2026 holiday tables (data/calendar/). What a user notices: the state and deadline an
 * official sees in the disclosure list, "Gián đoạn" when a notice came down a day too early,
 * and which line of an edited rule file is wrong.
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

#include "core/calendar.h"
#include "core/embed.h"
#include "core/err.h"
#include "disclosure/rules.h"

enum { MON, TUE, WED, THU, FRI, SAT, SUN };

static struct calendar *CAL;
static struct dc_ruleset *RS; /* the embedded rule set */
static const struct dc_rules *R;

/* Places: the commune (UBND office) and two villages (community houses). */
#define COMMUNE 1
#define V1 11
#define V2 12

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

/* One item under test, owning its arrays. */
struct item {
    struct dc_facts f;       /* what dc_evaluate sees */
    struct dc_posting p[16]; /* records */
    int64_t places[3];       /* board places */
    int64_t villages[2];     /* villages for the village head */
};

static void item_init(struct item *it, int category, struct date decision)
{
    memset(it, 0, sizeof *it);
    it->f.category = category;
    it->f.decision = decision;
    it->places[0] = COMMUNE;
    it->f.n_board_places = 1;
    it->villages[0] = V1;
    it->villages[1] = V2;
    it->f.n_villages = 2;
}

static void publish(struct item *it, struct date on)
{
    it->f.published = 1;
    it->f.published_on = on;
}

static void withdraw(struct item *it, struct date on)
{
    it->f.withdrawn = 1;
    it->f.withdrawn_on = on;
}

static void add(struct item *it, enum dc_channel ch, int64_t place, struct date from, int has_to,
                struct date to)
{
    assert_true(it->f.n_postings < sizeof it->p / sizeof it->p[0]);
    struct dc_posting *p = &it->p[it->f.n_postings++];
    p->channel = ch;
    p->place = place;
    p->from = from;
    p->to = to;
    p->has_to = has_to;
}

/* Posted at place on from, still up. */
static void board_up(struct item *it, int64_t place, struct date from)
{
    struct date none = {0, 0, 0};
    add(it, DC_BOARD, place, from, 0, none);
}

/* Posted at place on from, taken down on to. */
static void board(struct item *it, int64_t place, struct date from, struct date to)
{
    add(it, DC_BOARD, place, from, 1, to);
}

/* Broadcast every day from..to inclusive. */
static void loud(struct item *it, struct date from, struct date to)
{
    add(it, DC_LOUDSPEAKER, 0, from, 1, to);
}

static void delivered(struct item *it, int64_t village, struct date on)
{
    struct date none = {0, 0, 0};
    add(it, DC_VILLAGE_HEAD, village, on, 0, none);
}

/* The facts, with their arrays pointing into it. */
static const struct dc_facts *facts(struct item *it)
{
    it->f.postings = it->p;
    it->f.board_places = it->places;
    it->f.villages = it->villages;
    return &it->f;
}

static struct dc_status eval_with(const struct dc_rules *r, struct item *it, struct date today)
{
    struct dc_status st;
    assert_int_equal(dc_evaluate(r, CAL, facts(it), today, &st), 0);
    return st;
}

static struct dc_status eval(struct item *it, struct date today)
{
    return eval_with(R, it, today);
}

/*
 * The usual CK01 item of the posting tests: decided Mon 23/02/2026, so due 5 working days
 * later on Mon 02/03/2026 (24, 25, 26, 27/02 and 02/03); published on Wed 25/02.
 */
static void ck01_published(struct item *it)
{
    item_init(it, 1, D(2026, 2, 23, MON));
    publish(it, D(2026, 2, 25, WED));
}

static int setup(void **state)
{
    char err[256] = "";
    CAL = calendar_load(NULL, err, sizeof err);
    if (!CAL) {
        fprintf(stderr, "calendar_load: %s\n", err);
        return -1;
    }
    const struct embed_file *e = embed_find("data/rules/disclosure.ini");
    if (!e) {
        fprintf(stderr, "data/rules/disclosure.ini is not embedded\n");
        return -1;
    }
    if (dc_ruleset_parse((const char *)e->data, e->len, &RS, err, sizeof err) != 0) {
        fprintf(stderr, "disclosure.ini: %s\n", err);
        return -1;
    }
    R = dc_rules_at(RS, D(2026, 1, 1, THU));
    return R ? 0 : -1;
}

static int teardown(void **state)
{
    dc_ruleset_free(RS);
    calendar_free(CAL);
    return 0;
}

/* ---- the shipped rule set ---- */

static void C2_C3_shipped_rules_follow_the_law(void **state)
{
    assert_int_equal(RS->n_versions, 1);
    assert_date(RS->versions[0].effective, D(2023, 7, 1, SAT));
    /* Before the Law took effect there are no rules. */
    assert_null(dc_rules_at(RS, D(2023, 6, 30, FRI)));
    assert_ptr_equal(dc_rules_at(RS, D(2023, 7, 1, SAT)), &RS->versions[0]);
    assert_int_equal(R->publish_within, 5);
    assert_int_equal(R->publish_unit, DAY_WORKING);
    assert_int_equal(R->posting_days, 30);
    assert_int_equal(R->loudspeaker_days, 3);
    assert_int_equal(R->at_risk_days, 2);
    const unsigned web_board = 1u << DC_WEBSITE | 1u << DC_BOARD;
    const unsigned all = web_board | 1u << DC_LOUDSPEAKER | 1u << DC_VILLAGE_HEAD;
    for (int c = 1; c <= DC_N_CATEGORIES; c++) {
        unsigned want = c >= 7 && c <= 12 ? all : web_board;
        assert_int_equal(R->required[c], want);
    }
    assert_int_equal(R->permanent, 1u << 4 | 1u << 13);
}

/* ---- C2: posting for 30 consecutive days, counted per A7 ---- */

static void C2_posting_taken_down_on_day_30_is_broken_with_29_days(void **state)
{
    struct item it;
    ck01_published(&it);
    /* Posted Sun 01/03/2026, taken down Tue 31/03: full days 02/03..30/03 = 29. */
    board(&it, COMMUNE, D(2026, 3, 1, SUN), D(2026, 3, 31, TUE));
    struct dc_status st = eval(&it, D(2026, 3, 31, TUE));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_BROKEN);
    assert_int_equal(st.ch[DC_BOARD].days_done, 29);
    assert_int_equal(st.ch[DC_BOARD].days_needed, 30);
    assert_int_equal(st.ch[DC_BOARD].places_done, 0);
    assert_int_equal(st.state, DC_LATE);
    /* And it stays broken afterwards (Sun 05/04). */
    st = eval(&it, D(2026, 4, 5, SUN));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_BROKEN);
    assert_int_equal(st.state, DC_LATE);
}

static void C2_posting_taken_down_on_day_31_is_done_with_30_days(void **state)
{
    struct item it;
    ck01_published(&it);
    /* Posted Sun 01/03/2026, taken down Wed 01/04: 30 full days 02/03..31/03. */
    board(&it, COMMUNE, D(2026, 3, 1, SUN), D(2026, 4, 1, WED));
    struct dc_status st = eval(&it, D(2026, 4, 1, WED));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_DONE);
    assert_int_equal(st.ch[DC_BOARD].days_done, 30);
    assert_int_equal(st.ch[DC_BOARD].places_needed, 1);
    assert_int_equal(st.ch[DC_BOARD].places_done, 1);
    assert_date(st.ch[DC_BOARD].done_on, D(2026, 4, 1, WED));
    assert_int_equal(st.ch[DC_WEBSITE].state, DC_CH_DONE);
    assert_int_equal(st.state, DC_COMPLETE);
}

static void C2_posting_taken_down_on_day_32_is_done(void **state)
{
    struct item it;
    ck01_published(&it);
    /* Posted Sun 01/03/2026, taken down Thu 02/04: 31 full days. */
    board(&it, COMMUNE, D(2026, 3, 1, SUN), D(2026, 4, 2, THU));
    struct dc_status st = eval(&it, D(2026, 4, 10, FRI));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_DONE);
    assert_int_equal(st.ch[DC_BOARD].days_done, 31);
    assert_date(st.ch[DC_BOARD].done_on, D(2026, 4, 1, WED));
    assert_int_equal(st.state, DC_COMPLETE);
}

static void C2_still_up_runs_on_day_30_and_is_done_on_day_31(void **state)
{
    struct item it;
    ck01_published(&it);
    board_up(&it, COMMUNE, D(2026, 3, 1, SUN));
    /* Tue 31/03 is day 30: it ends at 24:00, so not yet done. */
    struct dc_status st = eval(&it, D(2026, 3, 31, TUE));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_RUNNING);
    assert_int_equal(st.ch[DC_BOARD].days_done, 29);
    assert_date(st.ch[DC_BOARD].done_on, D(2026, 4, 1, WED));
    assert_int_equal(st.state, DC_RUNNING);
    /* Wed 01/04: 30 full days behind it. */
    st = eval(&it, D(2026, 4, 1, WED));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_DONE);
    assert_int_equal(st.ch[DC_BOARD].days_done, 30);
    assert_date(st.ch[DC_BOARD].done_on, D(2026, 4, 1, WED));
    assert_int_equal(st.state, DC_COMPLETE);
}

static void C2_posted_today_has_zero_days(void **state)
{
    struct item it;
    ck01_published(&it);
    board_up(&it, COMMUNE, D(2026, 3, 1, SUN));
    struct dc_status st = eval(&it, D(2026, 3, 1, SUN));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_RUNNING);
    assert_int_equal(st.ch[DC_BOARD].days_done, 0);
}

static void C2_interrupted_posting_is_not_consecutive(void **state)
{
    struct item it;
    ck01_published(&it);
    /* Up Sun 01/03 - Tue 10/03, down on Wed 11/03, up again Thu 12/03. */
    board(&it, COMMUNE, D(2026, 3, 1, SUN), D(2026, 3, 10, TUE));
    board_up(&it, COMMUNE, D(2026, 3, 12, THU));
    /* Fri 10/04: 40 days since 01/03, but the second run alone has 28 full days. */
    struct dc_status st = eval(&it, D(2026, 4, 10, FRI));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_RUNNING);
    assert_int_equal(st.ch[DC_BOARD].days_done, 28);
    /* Done when the second run has 30 days: Sun 12/04; A7 rolls nothing to Monday. */
    assert_date(st.ch[DC_BOARD].done_on, D(2026, 4, 12, SUN));
    assert_int_equal(st.state, DC_RUNNING);
    st = eval(&it, D(2026, 4, 12, SUN));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_DONE);
    assert_int_equal(st.state, DC_COMPLETE);
}

static void C2_interrupted_then_second_run_long_enough_is_done(void **state)
{
    struct item it;
    ck01_published(&it);
    /* Up 01/03 (Sun) - 10/03 (Tue), again 12/03 (Thu) - 15/04 (Wed): 33 full days alone. */
    board(&it, COMMUNE, D(2026, 3, 1, SUN), D(2026, 3, 10, TUE));
    board(&it, COMMUNE, D(2026, 3, 12, THU), D(2026, 4, 15, WED));
    struct dc_status st = eval(&it, D(2026, 4, 20, MON));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_DONE);
    assert_int_equal(st.ch[DC_BOARD].days_done, 33);
    assert_date(st.ch[DC_BOARD].done_on, D(2026, 4, 12, SUN));
}

static void C2_interrupted_and_second_run_short_is_broken(void **state)
{
    struct item it;
    ck01_published(&it);
    /* 01/03 (Sun) - 10/03 (Tue) and 12/03 (Thu) - 10/04 (Fri): 8 and 28 full days; together
     * they would span 40 days, but a gap breaks the run. */
    board(&it, COMMUNE, D(2026, 3, 12, THU), D(2026, 4, 10, FRI)); /* any order */
    board(&it, COMMUNE, D(2026, 3, 1, SUN), D(2026, 3, 10, TUE));
    struct dc_status st = eval(&it, D(2026, 4, 20, MON));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_BROKEN);
    assert_int_equal(st.ch[DC_BOARD].days_done, 28);
    assert_int_equal(st.state, DC_LATE);
}

static void C2_reposted_the_day_it_came_down_continues(void **state)
{
    struct item it;
    ck01_published(&it);
    /* Down on Tue 10/03 and up again the same day (a new copy): one run from 01/03. */
    board(&it, COMMUNE, D(2026, 3, 1, SUN), D(2026, 3, 10, TUE));
    board_up(&it, COMMUNE, D(2026, 3, 10, TUE));
    struct dc_status st = eval(&it, D(2026, 4, 1, WED));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_DONE);
    assert_int_equal(st.ch[DC_BOARD].days_done, 30);
    assert_date(st.ch[DC_BOARD].done_on, D(2026, 4, 1, WED));
    /* A day earlier (Tue 31/03) it is still running, on the same run. */
    st = eval(&it, D(2026, 3, 31, TUE));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_RUNNING);
    assert_int_equal(st.ch[DC_BOARD].days_done, 29);
}

static void C2_taken_down_short_but_up_again_later_is_running_not_broken(void **state)
{
    struct item it;
    ck01_published(&it);
    /* 01/03 (Sun) - 05/03 (Thu), then from Mon 09/03 still up: the early run is forgotten
     * while the new one runs. */
    board(&it, COMMUNE, D(2026, 3, 1, SUN), D(2026, 3, 5, THU));
    board_up(&it, COMMUNE, D(2026, 3, 9, MON));
    struct dc_status st = eval(&it, D(2026, 3, 20, FRI));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_RUNNING);
    assert_int_equal(st.ch[DC_BOARD].days_done, 10);
    assert_date(st.ch[DC_BOARD].done_on, D(2026, 4, 9, THU));
    assert_int_equal(st.state, DC_RUNNING);
}

static void C2_two_places_one_short_is_broken(void **state)
{
    struct item it;
    ck01_published(&it);
    it.places[1] = V1;
    it.f.n_board_places = 2;
    /* The UBND office from Sun 01/03, still up; the village house 01/03 - Fri 20/03 only. */
    board_up(&it, COMMUNE, D(2026, 3, 1, SUN));
    board(&it, V1, D(2026, 3, 1, SUN), D(2026, 3, 20, FRI));
    struct dc_status st = eval(&it, D(2026, 4, 5, SUN));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_BROKEN);
    assert_int_equal(st.ch[DC_BOARD].places_needed, 2);
    assert_int_equal(st.ch[DC_BOARD].places_done, 1);
    /* The weakest place: 02/03..19/03. */
    assert_int_equal(st.ch[DC_BOARD].days_done, 18);
    assert_int_equal(st.state, DC_LATE);
}

static void C2_two_places_done_on_the_later_one(void **state)
{
    struct item it;
    ck01_published(&it);
    it.places[1] = V1;
    it.f.n_board_places = 2;
    /* Office from Sun 01/03, village house from Tue 03/03: done on Fri 03/04. */
    board_up(&it, COMMUNE, D(2026, 3, 1, SUN));
    board_up(&it, V1, D(2026, 3, 3, TUE));
    struct dc_status st = eval(&it, D(2026, 4, 2, THU));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_RUNNING);
    assert_int_equal(st.ch[DC_BOARD].places_done, 1);
    assert_int_equal(st.ch[DC_BOARD].days_done, 29);
    assert_date(st.ch[DC_BOARD].done_on, D(2026, 4, 3, FRI));
    st = eval(&it, D(2026, 4, 3, FRI));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_DONE);
    assert_int_equal(st.ch[DC_BOARD].places_done, 2);
    assert_int_equal(st.state, DC_COMPLETE);
}

static void C2_place_without_record_pending_then_missing(void **state)
{
    struct item it;
    ck01_published(&it);
    it.places[1] = V1;
    it.f.n_board_places = 2;
    board_up(&it, COMMUNE, D(2026, 3, 1, SUN));
    /* Due day Mon 02/03: the village house has nothing yet, not late; no margin left. */
    struct dc_status st = eval(&it, D(2026, 3, 2, MON));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_PENDING);
    assert_int_equal(st.wd_left, 0);
    assert_int_equal(st.state, DC_AT_RISK);
    /* Tue 03/03: past due. */
    st = eval(&it, D(2026, 3, 3, TUE));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_MISSING);
    assert_int_equal(st.state, DC_LATE);
}

static void C2_published_with_board_pending_and_margin_is_running(void **state)
{
    struct item it;
    /* Decided Mon 23/02/2026, due Mon 02/03, published the same Monday; nothing posted. */
    item_init(&it, 1, D(2026, 2, 23, MON));
    publish(&it, D(2026, 2, 23, MON));
    /* Tue 24/02: 4 working days left (25, 26, 27/02, 02/03). */
    struct dc_status st = eval(&it, D(2026, 2, 24, TUE));
    assert_int_equal(st.wd_left, 4);
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_PENDING);
    assert_int_equal(st.state, DC_RUNNING);
    /* Thu 26/02: 2 left (27/02, 02/03) = at_risk_days. */
    st = eval(&it, D(2026, 2, 26, THU));
    assert_int_equal(st.wd_left, 2);
    assert_int_equal(st.state, DC_AT_RISK);
}

/* ---- C2: permanent posting of CK04 and CK13 ---- */

static void C2_permanent_ck04_still_up_is_done_forever(void **state)
{
    struct item it;
    item_init(&it, 4, D(2026, 2, 23, MON));
    publish(&it, D(2026, 2, 25, WED));
    board_up(&it, COMMUNE, D(2026, 3, 1, SUN));
    struct dc_status st = eval(&it, D(2026, 3, 2, MON));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_DONE);
    assert_int_equal(st.ch[DC_BOARD].days_needed, 0);
    assert_int_equal(st.ch[DC_BOARD].places_done, 1);
    assert_int_equal(st.state, DC_COMPLETE);
    /* Thu 31/12/2026, ten months on: still complete. */
    st = eval(&it, D(2026, 12, 31, THU));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_DONE);
    assert_int_equal(st.state, DC_COMPLETE);
}

static void C2_permanent_ck13_removed_while_in_force_is_broken(void **state)
{
    struct item it;
    item_init(&it, 13, D(2026, 2, 23, MON));
    publish(&it, D(2026, 2, 25, WED));
    /* Up Sun 01/03 - Tue 30/06 (121 days, more than 30, but CK13 is permanent). */
    board(&it, COMMUNE, D(2026, 3, 1, SUN), D(2026, 6, 30, TUE));
    struct dc_status st = eval(&it, D(2026, 7, 1, WED));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_BROKEN);
    assert_int_equal(st.ch[DC_BOARD].places_done, 0);
    assert_int_equal(st.state, DC_LATE);
    /* Put up again (Wed 01/07, a gap of a day): permanent posting is judged by what is up. */
    board_up(&it, COMMUNE, D(2026, 7, 1, WED));
    st = eval(&it, D(2026, 7, 1, WED));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_DONE);
    assert_int_equal(st.state, DC_COMPLETE);
}

static void C2_permanent_removed_on_or_after_withdrawal_is_fine(void **state)
{
    struct item it;
    item_init(&it, 4, D(2026, 2, 23, MON));
    publish(&it, D(2026, 2, 25, WED));
    withdraw(&it, D(2026, 6, 30, TUE));
    /* Taken down on the day of withdrawal, Tue 30/06. */
    board(&it, COMMUNE, D(2026, 3, 1, SUN), D(2026, 6, 30, TUE));
    struct dc_status st = eval(&it, D(2026, 7, 10, FRI));
    assert_int_equal(st.state, DC_WITHDRAWN);
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_DONE);
    /* Taken down after it, Wed 01/07. */
    it.p[0].to = D(2026, 7, 1, WED);
    st = eval(&it, D(2026, 7, 10, FRI));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_DONE);
    /* Taken down the day before withdrawal, Mon 29/06: that was too early. */
    it.p[0].to = D(2026, 6, 29, MON);
    st = eval(&it, D(2026, 7, 10, FRI));
    assert_int_equal(st.state, DC_WITHDRAWN);
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_BROKEN);
}

static void C2_thirty_day_posting_removed_at_withdrawal_is_not_broken(void **state)
{
    struct item it;
    ck01_published(&it);
    /* Posted Sun 01/03, item withdrawn and taken down on Tue 10/03. */
    board(&it, COMMUNE, D(2026, 3, 1, SUN), D(2026, 3, 10, TUE));
    withdraw(&it, D(2026, 3, 10, TUE));
    struct dc_status st = eval(&it, D(2026, 4, 20, MON));
    assert_int_equal(st.state, DC_WITHDRAWN);
    assert_int_not_equal(st.ch[DC_BOARD].state, DC_CH_BROKEN);
    assert_int_equal(st.ch[DC_BOARD].days_done, 8);
}

/* ---- C3: publish within 5 working days, counted per A1/A2 ---- */

static void C3_five_working_days_across_a_weekend(void **state)
{
    struct item it;
    /* Decided Thu 05/11/2026: Fri 06, Mon 09, Tue 10, Wed 11, Thu 12/11. */
    item_init(&it, 1, D(2026, 11, 5, THU));
    struct dc_status st = eval(&it, D(2026, 11, 5, THU));
    assert_date(st.due, D(2026, 11, 12, THU));
    assert_int_equal(st.wd_left, 5);
    assert_int_equal(st.state, DC_DUE);
    assert_int_equal(st.ch[DC_WEBSITE].state, DC_CH_PENDING);
}

static void C3_five_working_days_across_tet_2026(void **state)
{
    struct item it;
    /* Decided Fri 13/02/2026. Sat 14 - Sun 22/02 is the Tết break (holidays Mon 16 - Fri 20,
     * data/calendar/2026.txt), so the five working days are Mon 23 - Fri 27/02. */
    assert_int_equal(calendar_kind(CAL, D(2026, 2, 16, MON)), DAYK_HOLIDAY);
    assert_int_equal(calendar_kind(CAL, D(2026, 2, 20, FRI)), DAYK_HOLIDAY);
    assert_true(calendar_is_working(CAL, D(2026, 2, 23, MON)));
    item_init(&it, 1, D(2026, 2, 13, FRI));
    struct dc_status st = eval(&it, D(2026, 2, 13, FRI));
    assert_date(st.due, D(2026, 2, 27, FRI));
    assert_int_equal(st.wd_left, 5);
    /* During Tết no working day passes: still 5 left on Thu 19/02. */
    st = eval(&it, D(2026, 2, 19, THU));
    assert_int_equal(st.wd_left, 5);
    assert_int_equal(st.state, DC_DUE);
}

static void C3_at_risk_boundary(void **state)
{
    struct item it;
    /* Decided Thu 05/11/2026, due Thu 12/11, not published. */
    item_init(&it, 1, D(2026, 11, 5, THU));
    /* Fri 06/11: 4 working days left (09, 10, 11, 12). */
    struct dc_status st = eval(&it, D(2026, 11, 6, FRI));
    assert_int_equal(st.wd_left, 4);
    assert_int_equal(st.state, DC_DUE);
    /* Mon 09/11: 3 left (10, 11, 12), one more than at_risk_days. */
    st = eval(&it, D(2026, 11, 9, MON));
    assert_int_equal(st.wd_left, 3);
    assert_int_equal(st.state, DC_DUE);
    /* Tue 10/11: 2 left = at_risk_days. */
    st = eval(&it, D(2026, 11, 10, TUE));
    assert_int_equal(st.wd_left, 2);
    assert_int_equal(st.state, DC_AT_RISK);
    /* Thu 12/11, the due day itself: still at risk, not late. */
    st = eval(&it, D(2026, 11, 12, THU));
    assert_int_equal(st.wd_left, 0);
    assert_int_equal(st.state, DC_AT_RISK);
    /* Fri 13/11: late, and the website is missing. */
    st = eval(&it, D(2026, 11, 13, FRI));
    assert_int_equal(st.wd_left, 0);
    assert_int_equal(st.state, DC_LATE);
    assert_int_equal(st.ch[DC_WEBSITE].state, DC_CH_MISSING);
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_MISSING);
}

static void C3_published_on_the_due_day_is_on_time(void **state)
{
    struct item it;
    /* Decided Thu 05/11/2026, due Thu 12/11, published and posted that day. */
    item_init(&it, 1, D(2026, 11, 5, THU));
    publish(&it, D(2026, 11, 12, THU));
    board_up(&it, COMMUNE, D(2026, 11, 12, THU));
    struct dc_status st = eval(&it, D(2026, 11, 20, FRI));
    assert_int_equal(st.published_late, 0);
    assert_int_equal(st.state, DC_RUNNING);
}

static void C3_published_a_day_after_the_due_day_is_late(void **state)
{
    struct item it;
    /* Decided Thu 05/11/2026, due Thu 12/11, published Fri 13/11. */
    item_init(&it, 1, D(2026, 11, 5, THU));
    publish(&it, D(2026, 11, 13, FRI));
    board_up(&it, COMMUNE, D(2026, 11, 13, FRI));
    struct dc_status st = eval(&it, D(2026, 11, 20, FRI));
    assert_int_equal(st.published_late, 1);
    assert_int_equal(st.state, DC_LATE);
    /* Even with every channel done later on (Thu 31/12), a late publication stays late. */
    st = eval(&it, D(2026, 12, 31, THU));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_DONE);
    assert_int_equal(st.state, DC_LATE);
}

static const char two_versions[] = "# test rule set\n"
                                   "[2023-07-01]\n"
                                   "publish_within = 5\n"
                                   "publish_unit = working\n"
                                   "posting_days = 30\n"
                                   "loudspeaker_days = 3\n"
                                   "at_risk_days = 2\n"
                                   "CK01 = website board\n"
                                   "CK02 = website board\n"
                                   "CK03 = website board\n"
                                   "CK04 = website board\n"
                                   "CK05 = website board\n"
                                   "CK06 = website board\n"
                                   "CK07 = website, board, loudspeaker, village_head\n"
                                   "CK08 = website board loudspeaker village_head\n"
                                   "CK09 = website board loudspeaker village_head\n"
                                   "CK10 = website board loudspeaker village_head\n"
                                   "CK11 = website board loudspeaker village_head\n"
                                   "CK12 = website board loudspeaker village_head\n"
                                   "CK13 = website board\n"
                                   "CK14 = website board ; inline comment\n"
                                   "permanent = CK04 CK13\n"
                                   "\n"
                                   "[2026-03-01]\n"
                                   "posting_days = 45\n"
                                   "publish_unit = calendar\n";

static void A1_calendar_day_deadline_on_sunday_rolls_to_monday(void **state)
{
    struct dc_ruleset *rs;
    char err[128];
    assert_int_equal(dc_ruleset_parse(two_versions, strlen(two_versions), &rs, err, sizeof err), 0);
    /* Decided Tue 03/03/2026 under the second version: 5 calendar days end on Sun 08/03, so
     * the deadline is Mon 09/03 (A1). */
    struct item it;
    item_init(&it, 1, D(2026, 3, 3, TUE));
    const struct dc_rules *r = dc_rules_at(rs, it.f.decision);
    assert_ptr_equal(r, &rs->versions[1]);
    struct dc_status st = eval_with(r, &it, D(2026, 3, 3, TUE));
    assert_date(st.due, D(2026, 3, 9, MON));
    /* Decided Wed 04/03: 5 calendar days end on Mon 09/03, a working day; no roll. */
    item_init(&it, 1, D(2026, 3, 4, WED));
    st = eval_with(r, &it, D(2026, 3, 4, WED));
    assert_date(st.due, D(2026, 3, 9, MON));
    /* Decided Mon 02/03: ends Sat 07/03, rolled to Mon 09/03 too. */
    item_init(&it, 1, D(2026, 3, 2, MON));
    st = eval_with(r, &it, D(2026, 3, 2, MON));
    assert_date(st.due, D(2026, 3, 9, MON));
    dc_ruleset_free(rs);
}

/* ---- C2: loudspeaker, 3 consecutive days (CK07-CK12) ---- */

static void ck07_published(struct item *it)
{
    /* Decided Mon 23/02/2026, due Mon 02/03, published Wed 25/02. */
    item_init(it, 7, D(2026, 2, 23, MON));
    publish(it, D(2026, 2, 25, WED));
}

static void C2_loudspeaker_three_consecutive_days_done(void **state)
{
    struct item it;
    ck07_published(&it);
    /* Broadcast Sun 01, Mon 02, Tue 03/03, recorded one day at a time. */
    loud(&it, D(2026, 3, 3, TUE), D(2026, 3, 3, TUE));
    loud(&it, D(2026, 3, 1, SUN), D(2026, 3, 1, SUN));
    loud(&it, D(2026, 3, 2, MON), D(2026, 3, 2, MON));
    struct dc_status st = eval(&it, D(2026, 3, 3, TUE));
    assert_int_equal(st.ch[DC_LOUDSPEAKER].state, DC_CH_DONE);
    assert_int_equal(st.ch[DC_LOUDSPEAKER].days_done, 3);
    assert_int_equal(st.ch[DC_LOUDSPEAKER].days_needed, 3);
    assert_date(st.ch[DC_LOUDSPEAKER].done_on, D(2026, 3, 3, TUE));
}

static void C2_loudspeaker_gap_breaks_the_run(void **state)
{
    struct item it;
    ck07_published(&it);
    /* Broadcast Sun 01, Mon 02 and Wed 04/03: nothing on Tue 03/03. */
    loud(&it, D(2026, 3, 1, SUN), D(2026, 3, 2, MON));
    loud(&it, D(2026, 3, 4, WED), D(2026, 3, 4, WED));
    /* On Wed 04/03 a new run has started (1 day); it could still reach 3 on Fri 06/03. */
    struct dc_status st = eval(&it, D(2026, 3, 4, WED));
    assert_int_equal(st.ch[DC_LOUDSPEAKER].state, DC_CH_RUNNING);
    assert_int_equal(st.ch[DC_LOUDSPEAKER].days_done, 1);
    assert_date(st.ch[DC_LOUDSPEAKER].done_on, D(2026, 3, 6, FRI));
    /* Tue 10/03: nothing since 04/03; the longest run had 2 days. */
    st = eval(&it, D(2026, 3, 10, TUE));
    assert_int_equal(st.ch[DC_LOUDSPEAKER].state, DC_CH_BROKEN);
    assert_int_equal(st.ch[DC_LOUDSPEAKER].days_done, 2);
    assert_int_equal(st.state, DC_LATE);
}

static void C2_loudspeaker_two_days_running_until_a_day_is_missed(void **state)
{
    struct item it;
    ck07_published(&it);
    /* Broadcast Sun 01 - Mon 02/03. */
    loud(&it, D(2026, 3, 1, SUN), D(2026, 3, 2, MON));
    struct dc_status st = eval(&it, D(2026, 3, 2, MON));
    assert_int_equal(st.ch[DC_LOUDSPEAKER].state, DC_CH_RUNNING);
    assert_int_equal(st.ch[DC_LOUDSPEAKER].days_done, 2);
    assert_date(st.ch[DC_LOUDSPEAKER].done_on, D(2026, 3, 3, TUE));
    /* Tue 03/03 before today's broadcast is recorded: it may still happen today. */
    st = eval(&it, D(2026, 3, 3, TUE));
    assert_int_equal(st.ch[DC_LOUDSPEAKER].state, DC_CH_RUNNING);
    /* Wed 04/03: Tuesday passed without a broadcast. */
    st = eval(&it, D(2026, 3, 4, WED));
    assert_int_equal(st.ch[DC_LOUDSPEAKER].state, DC_CH_BROKEN);
}

static void C2_loudspeaker_none_pending_then_missing(void **state)
{
    struct item it;
    ck07_published(&it);
    struct dc_status st = eval(&it, D(2026, 3, 2, MON)); /* the due day */
    assert_int_equal(st.ch[DC_LOUDSPEAKER].state, DC_CH_PENDING);
    st = eval(&it, D(2026, 3, 3, TUE));
    assert_int_equal(st.ch[DC_LOUDSPEAKER].state, DC_CH_MISSING);
    assert_int_equal(st.state, DC_LATE);
    /* CK01 does not need the loudspeaker at all. */
    ck01_published(&it);
    st = eval(&it, D(2026, 3, 3, TUE));
    assert_int_equal(st.ch[DC_LOUDSPEAKER].state, DC_CH_NOT_REQUIRED);
    assert_int_equal(st.ch[DC_VILLAGE_HEAD].state, DC_CH_NOT_REQUIRED);
}

/* ---- C2: through the village head (CK07-CK12) ---- */

static void C2_village_head_every_village_done(void **state)
{
    struct item it;
    ck07_published(&it);
    board_up(&it, COMMUNE, D(2026, 2, 25, WED));
    loud(&it, D(2026, 2, 25, WED), D(2026, 2, 27, FRI));
    delivered(&it, V1, D(2026, 2, 26, THU));
    /* Fri 27/02: one village of two reached, before the due day. */
    struct dc_status st = eval(&it, D(2026, 2, 27, FRI));
    assert_int_equal(st.ch[DC_VILLAGE_HEAD].state, DC_CH_RUNNING);
    assert_int_equal(st.ch[DC_VILLAGE_HEAD].places_needed, 2);
    assert_int_equal(st.ch[DC_VILLAGE_HEAD].places_done, 1);
    delivered(&it, V2, D(2026, 2, 27, FRI));
    st = eval(&it, D(2026, 2, 27, FRI));
    assert_int_equal(st.ch[DC_VILLAGE_HEAD].state, DC_CH_DONE);
    assert_int_equal(st.ch[DC_VILLAGE_HEAD].places_done, 2);
    assert_int_equal(st.ch[DC_LOUDSPEAKER].state, DC_CH_DONE);
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_RUNNING);
    assert_int_equal(st.state, DC_RUNNING);
    /* Sat 28/03, the 31st day of the posting from Wed 25/02: every channel done. */
    st = eval(&it, D(2026, 3, 28, SAT));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_DONE);
    assert_int_equal(st.state, DC_COMPLETE);
}

static void C2_village_head_one_village_missing_after_due(void **state)
{
    struct item it;
    ck07_published(&it);
    delivered(&it, V1, D(2026, 2, 26, THU));
    delivered(&it, 99, D(2026, 2, 26, THU)); /* another commune's village: does not count */
    struct dc_status st = eval(&it, D(2026, 3, 3, TUE));
    assert_int_equal(st.ch[DC_VILLAGE_HEAD].state, DC_CH_MISSING);
    assert_int_equal(st.ch[DC_VILLAGE_HEAD].places_done, 1);
    assert_int_equal(st.state, DC_LATE);
}

/* ---- the item's own state ---- */

static void C2_withdrawn_item_is_judged_on_its_withdrawal_day(void **state)
{
    struct item it;
    ck01_published(&it);
    withdraw(&it, D(2026, 2, 26, THU));
    struct dc_status st = eval(&it, D(2026, 3, 10, TUE));
    assert_int_equal(st.state, DC_WITHDRAWN);
    /* Withdrawn before the due day: nothing posted is not "missing". */
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_PENDING);
}

static void A3_dates_outside_the_calendar_are_refused(void **state)
{
    struct item it;
    struct dc_status st;
    /* Decided Fri 31/12/2027: the deadline runs into 2028, which has no table. */
    item_init(&it, 1, D(2027, 12, 31, FRI));
    assert_int_equal(dc_evaluate(R, CAL, facts(&it), D(2027, 12, 31, FRI), &st), ERR_INVALID);
    /* Decided Thu 31/12/2026: counted over the provisional 2027 table (01/01 a holiday, then
     * Mon 04 - Fri 08/01/2027). */
    item_init(&it, 1, D(2026, 12, 31, THU));
    assert_int_equal(dc_evaluate(R, CAL, facts(&it), D(2026, 12, 31, THU), &st), 0);
    assert_date(st.due, D(2027, 1, 8, FRI));
    /* Decided Mon 02/12/2024: the five working days fall in 2024, which has no table. */
    item_init(&it, 1, D(2024, 12, 2, MON));
    assert_int_equal(dc_evaluate(R, CAL, facts(&it), D(2024, 12, 2, MON), &st), ERR_INVALID);
    /* Decided Tue 31/12/2024: the days counted are all in 2025 (01/01 a holiday, then Thu 02,
     * Fri 03, Mon 06, Tue 07, Wed 08/01/2025), so this one is computable. */
    item_init(&it, 1, D(2024, 12, 31, TUE));
    assert_int_equal(dc_evaluate(R, CAL, facts(&it), D(2025, 1, 2, THU), &st), 0);
    assert_date(st.due, D(2025, 1, 8, WED));
    /* Decided Mon 02/11/2026, looked at on Fri 01/01/2027: long past due, no 2027 day needed. */
    item_init(&it, 1, D(2026, 11, 2, MON));
    assert_int_equal(dc_evaluate(R, CAL, facts(&it), D(2027, 1, 1, FRI), &st), 0);
    assert_int_equal(st.state, DC_LATE);
    /* A category outside CK01..CK14. */
    item_init(&it, 15, D(2026, 3, 2, MON));
    assert_int_equal(dc_evaluate(R, CAL, facts(&it), D(2026, 3, 2, MON), &st), ERR_INVALID);
    /* A posting taken down before it went up. */
    ck01_published(&it);
    board(&it, COMMUNE, D(2026, 3, 2, MON), D(2026, 3, 1, SUN));
    assert_int_equal(dc_evaluate(R, CAL, facts(&it), D(2026, 3, 2, MON), &st), ERR_INVALID);
}

/* ---- rule versions and the rule file ---- */

static void C2_rule_versions_inherit_and_apply_by_decision_date(void **state)
{
    struct dc_ruleset *rs;
    char err[128];
    assert_int_equal(dc_ruleset_parse(two_versions, strlen(two_versions), &rs, err, sizeof err), 0);
    assert_int_equal(rs->n_versions, 2);
    const struct dc_rules *a = &rs->versions[0], *b = &rs->versions[1];
    assert_date(b->effective, D(2026, 3, 1, SUN));
    assert_int_equal(a->posting_days, 30);
    assert_int_equal(b->posting_days, 45);
    /* Everything else comes from the version before. */
    assert_int_equal(b->publish_within, 5);
    assert_int_equal(b->loudspeaker_days, 3);
    assert_int_equal(b->at_risk_days, 2);
    assert_int_equal(b->permanent, a->permanent);
    assert_memory_equal(b->required, a->required, sizeof a->required);
    assert_int_equal(b->required[7], 15u);
    /* Chosen by the decision's date. */
    assert_null(dc_rules_at(rs, D(2023, 6, 30, FRI)));
    assert_ptr_equal(dc_rules_at(rs, D(2023, 7, 1, SAT)), a);
    assert_ptr_equal(dc_rules_at(rs, D(2026, 2, 28, SAT)), a);
    assert_ptr_equal(dc_rules_at(rs, D(2026, 3, 1, SUN)), b);
    assert_ptr_equal(dc_rules_at(rs, D(2026, 12, 31, THU)), b);
    /* The same 30-day posting is done under the first version, still running under the second. */
    struct item it;
    ck01_published(&it);
    board_up(&it, COMMUNE, D(2026, 3, 1, SUN));
    struct dc_status st = eval_with(b, &it, D(2026, 4, 1, WED));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_RUNNING);
    assert_int_equal(st.ch[DC_BOARD].days_needed, 45);
    assert_date(st.ch[DC_BOARD].done_on, D(2026, 4, 16, THU));
    st = eval_with(a, &it, D(2026, 4, 1, WED));
    assert_int_equal(st.ch[DC_BOARD].state, DC_CH_DONE);
    dc_ruleset_free(rs);
}

/* Parses two_versions with `from` replaced by `to` (first occurrence); expects an error whose
 * message starts with want_prefix and contains want_part. */
static void expect_error(const char *from, const char *to, const char *want_prefix,
                         const char *want_part)
{
    char text[2048], err[160] = "";
    const char *at = strstr(two_versions, from);
    assert_non_null(at);
    int n = snprintf(text, sizeof text, "%.*s%s%s", (int)(at - two_versions), two_versions, to,
                     at + strlen(from));
    assert_true(n > 0 && (size_t)n < sizeof text);
    struct dc_ruleset *rs = (struct dc_ruleset *)1;
    int rc = dc_ruleset_parse(text, (size_t)n, &rs, err, sizeof err);
    if (rc != ERR_INVALID || strncmp(err, want_prefix, strlen(want_prefix)) != 0 ||
        !strstr(err, want_part))
        fprintf(stderr, "replacing '%s' by '%s': rc %d, err '%s'\n", from, to, rc, err);
    assert_int_equal(rc, ERR_INVALID);
    assert_null(rs);
    assert_true(strncmp(err, want_prefix, strlen(want_prefix)) == 0);
    assert_non_null(strstr(err, want_part));
}

static void C2_rule_file_errors_name_the_line(void **state)
{
    /* Line 3 is "publish_within = 5". */
    expect_error("publish_within = 5", "publish_withn = 5", "line 3: ", "publish_withn");
    /* Line 9 is "CK02 = ...". */
    expect_error("CK02 =", "CK15 =", "line 9: ", "CK15");
    expect_error("CK02 =", "CK2 =", "line 9: ", "CK2");
    expect_error("CK02 = website board", "CK02 = website poster", "line 9: ", "poster");
    expect_error("CK02 = website board", "CK02 =", "line 9: ", "no channel");
    expect_error("[2023-07-01]", "[2023-02-30]", "line 2: ", "2023-02-30");
    expect_error("[2023-07-01]", "[01/07/2023]", "line 2: ", "yyyy-mm-dd");
    expect_error("[2023-07-01]", "[2023-07-01", "line 2: ", "]");
    expect_error("posting_days = 30", "posting_days = 3x", "line 5: ", "3x");
    expect_error("posting_days = 30", "posting_days = 0", "line 5: ", "posting_days");
    expect_error("posting_days = 30", "posting_days = -30", "line 5: ", "-30");
    expect_error("posting_days = 30", "posting_days = 99999999999999999999",
                 "line 5: ", "posting_days");
    expect_error("publish_unit = working", "publish_unit = weekdays", "line 4: ", "weekdays");
    expect_error("permanent = CK04 CK13", "permanent = CK04 CK31", "line 22: ", "CK31");
    expect_error("posting_days = 30", "posting_days", "line 5: ", "key = value");
    /* Set twice in one section (line 6 repeats line 5's key). */
    expect_error("loudspeaker_days = 3", "posting_days = 3", "line 6: ", "twice");
    /* A key before any section (line 1 was the comment). */
    expect_error("# test rule set", "posting_days = 30", "line 1: ", "before the first");
    /* Versions out of order (line 24 is the second section). */
    expect_error("[2026-03-01]", "[2023-01-01]", "line 24: ", "after");
    expect_error("[2026-03-01]", "[2023-07-01]", "line 24: ", "after");
    /* The first version must be complete: reported at its section header. */
    expect_error("at_risk_days = 2\n", "", "line 2: ", "at_risk_days");
    expect_error("CK14 = website board ; inline comment\n", "", "line 2: ", "CK14");
    /* No version at all. */
    char err[128];
    struct dc_ruleset *rs;
    assert_int_equal(dc_ruleset_parse("# nothing\n", 10, &rs, err, sizeof err), ERR_INVALID);
    assert_string_equal(err, "line 1: no [yyyy-mm-dd] section: the rule set is empty");
    assert_int_equal(dc_ruleset_parse("", 0, &rs, err, sizeof err), ERR_INVALID);
    /* A NUL inside the given length. */
    assert_int_equal(dc_ruleset_parse("[2023-07-01]\n\0x", 15, &rs, err, sizeof err), ERR_INVALID);
    assert_string_equal(err, "line 2: NUL byte in the text");
    /* Windows line ends are fine, and the error buffer may be absent. */
    static const char crlf[] = "[2023-07-01]\r\nposting_days = 30x\r\n";
    assert_int_equal(dc_ruleset_parse(crlf, strlen(crlf), &rs, NULL, 0), ERR_INVALID);
    assert_int_equal(dc_ruleset_parse(crlf, strlen(crlf), &rs, err, sizeof err), ERR_INVALID);
    assert_string_equal(err, "line 2: posting_days must be a whole number from 1 to 365, not "
                             "'30x'");
}

static void C1_category_codes(void **state)
{
    assert_int_equal(dc_category_parse("CK01"), 1);
    assert_int_equal(dc_category_parse("CK07"), 7);
    assert_int_equal(dc_category_parse("CK14"), 14);
    assert_int_equal(dc_category_parse("CK00"), 0);
    assert_int_equal(dc_category_parse("CK15"), 0);
    assert_int_equal(dc_category_parse("CK99"), 0);
    /* Exactly two capitals and two digits: callers upper-case a URL's "ck07" themselves. */
    assert_int_equal(dc_category_parse("ck07"), 0);
    assert_int_equal(dc_category_parse("Ck07"), 0);
    assert_int_equal(dc_category_parse("CK7"), 0);
    assert_int_equal(dc_category_parse("CK007"), 0);
    assert_int_equal(dc_category_parse("CK07 "), 0);
    assert_int_equal(dc_category_parse("CK-1"), 0);
    assert_int_equal(dc_category_parse(""), 0);
    assert_int_equal(dc_category_parse(NULL), 0);
}

static void labels_are_vietnamese(void **state)
{
    assert_string_equal(dc_state_label(DC_DUE), "Chờ công khai");
    assert_string_equal(dc_state_label(DC_AT_RISK), "Sắp đến hạn");
    assert_string_equal(dc_state_label(DC_LATE), "Trễ hạn");
    assert_string_equal(dc_state_label(DC_RUNNING), "Đang thực hiện");
    assert_string_equal(dc_state_label(DC_COMPLETE), "Hoàn thành");
    assert_string_equal(dc_state_label(DC_WITHDRAWN), "Đã thu hồi");
    assert_string_equal(dc_state_label((enum dc_state)6), "");
    assert_string_equal(dc_channel_label(DC_WEBSITE), "Cổng thông tin điện tử");
    assert_string_equal(dc_channel_label(DC_BOARD), "Niêm yết");
    assert_string_equal(dc_channel_label(DC_LOUDSPEAKER), "Loa truyền thanh");
    assert_string_equal(dc_channel_label(DC_VILLAGE_HEAD), "Qua trưởng thôn, tổ trưởng");
    assert_string_equal(dc_channel_label(DC_N_CHANNELS), "");
    assert_string_equal(dc_channel_state_label(DC_CH_NOT_REQUIRED), "Không bắt buộc");
    assert_string_equal(dc_channel_state_label(DC_CH_PENDING), "Chưa thực hiện");
    assert_string_equal(dc_channel_state_label(DC_CH_RUNNING), "Đang thực hiện");
    assert_string_equal(dc_channel_state_label(DC_CH_DONE), "Đã đủ");
    assert_string_equal(dc_channel_state_label(DC_CH_MISSING), "Thiếu");
    assert_string_equal(dc_channel_state_label(DC_CH_BROKEN), "Gián đoạn");
    assert_string_equal(dc_category_label(1), "Kế hoạch, kết quả phát triển kinh tế - xã hội");
    assert_string_equal(dc_category_label(13), "Thủ tục hành chính");
    assert_string_equal(dc_category_label(14), "Thông tin khác");
    for (int c = 1; c <= DC_N_CATEGORIES; c++)
        assert_true(strlen(dc_category_label(c)) > 0);
    assert_string_equal(dc_category_label(0), "");
    assert_string_equal(dc_category_label(15), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(C2_C3_shipped_rules_follow_the_law),
        cmocka_unit_test(C2_posting_taken_down_on_day_30_is_broken_with_29_days),
        cmocka_unit_test(C2_posting_taken_down_on_day_31_is_done_with_30_days),
        cmocka_unit_test(C2_posting_taken_down_on_day_32_is_done),
        cmocka_unit_test(C2_still_up_runs_on_day_30_and_is_done_on_day_31),
        cmocka_unit_test(C2_posted_today_has_zero_days),
        cmocka_unit_test(C2_interrupted_posting_is_not_consecutive),
        cmocka_unit_test(C2_interrupted_then_second_run_long_enough_is_done),
        cmocka_unit_test(C2_interrupted_and_second_run_short_is_broken),
        cmocka_unit_test(C2_reposted_the_day_it_came_down_continues),
        cmocka_unit_test(C2_taken_down_short_but_up_again_later_is_running_not_broken),
        cmocka_unit_test(C2_two_places_one_short_is_broken),
        cmocka_unit_test(C2_two_places_done_on_the_later_one),
        cmocka_unit_test(C2_place_without_record_pending_then_missing),
        cmocka_unit_test(C2_published_with_board_pending_and_margin_is_running),
        cmocka_unit_test(C2_permanent_ck04_still_up_is_done_forever),
        cmocka_unit_test(C2_permanent_ck13_removed_while_in_force_is_broken),
        cmocka_unit_test(C2_permanent_removed_on_or_after_withdrawal_is_fine),
        cmocka_unit_test(C2_thirty_day_posting_removed_at_withdrawal_is_not_broken),
        cmocka_unit_test(C3_five_working_days_across_a_weekend),
        cmocka_unit_test(C3_five_working_days_across_tet_2026),
        cmocka_unit_test(C3_at_risk_boundary),
        cmocka_unit_test(C3_published_on_the_due_day_is_on_time),
        cmocka_unit_test(C3_published_a_day_after_the_due_day_is_late),
        cmocka_unit_test(A1_calendar_day_deadline_on_sunday_rolls_to_monday),
        cmocka_unit_test(C2_loudspeaker_three_consecutive_days_done),
        cmocka_unit_test(C2_loudspeaker_gap_breaks_the_run),
        cmocka_unit_test(C2_loudspeaker_two_days_running_until_a_day_is_missed),
        cmocka_unit_test(C2_loudspeaker_none_pending_then_missing),
        cmocka_unit_test(C2_village_head_every_village_done),
        cmocka_unit_test(C2_village_head_one_village_missing_after_due),
        cmocka_unit_test(C2_withdrawn_item_is_judged_on_its_withdrawal_day),
        cmocka_unit_test(A3_dates_outside_the_calendar_are_refused),
        cmocka_unit_test(C2_rule_versions_inherit_and_apply_by_decision_date),
        cmocka_unit_test(C2_rule_file_errors_name_the_line),
        cmocka_unit_test(C1_category_codes),
        cmocka_unit_test(labels_are_vietnamese),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * fuzz_feedback_rules.c - libFuzzer target for fb_ruleset_parse(): any bytes must give a rule
 * set or ERR_INVALID with a line number, never a crash, leak or out-of-bounds read; a rule set
 * that parses must be usable: versions in date order, every period within the file's bounds
 * (0-365 days, extensions of 1-365 days at most twice), fb_rules_at() picking each version on
 * its own effective day, fb_evaluate() refusing (not guessing) when the calendar has no year to
 * count in, and its answers over the shipped tables consistent (a due day for every clock that
 * runs or was met, the next clock due no later than any other unmet one).
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/err.h"
#include "feedback/rules.h"

static void check_period(const struct fb_period *p)
{
    assert(p->n >= 0 && p->n <= 365);
    assert(p->unit == DAY_WORKING || p->unit == DAY_CALENDAR);
    assert(p->extend_n >= 0 && p->extend_n <= 365);
    assert(p->max_extensions >= 0 && p->max_extensions <= 2);
    assert((p->extend_n == 0) == (p->max_extensions == 0));
}

/* The shipped holiday tables, loaded once. */
static struct calendar *CAL;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    CAL = calendar_load(NULL, NULL, 0);
    assert(CAL);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fb_ruleset *rs = NULL;
    char err[256];
    int rc = fb_ruleset_parse((const char *)data, size, &rs, err, sizeof err);
    if (rc != 0) {
        assert(rc == ERR_INVALID && rs == NULL);
        assert(strncmp(err, "line ", 5) == 0);
        return 0;
    }
    assert(rs && rs->n_versions > 0);
    /* An empty calendar: every clock that needs counting must be refused, not guessed. */
    struct calendar *empty = calendar_new();
    for (size_t i = 0; i < rs->n_versions; i++) {
        const struct fb_rules *r = &rs->versions[i];
        if (i > 0)
            assert(date_cmp(rs->versions[i - 1].effective, r->effective) < 0);
        assert(r->soon_days >= 0 && r->soon_days <= 365);
        for (int c = 0; c < FB_N_CHANNELS; c++)
            for (int x = 0; x < 2; x++)
                check_period(&r->info[c][x]);
        for (int x = 0; x < 4; x++)
            check_period(&r->complaint_resolve[x / 2][x % 2]);
        const struct fb_period *rest[] = {
            &r->feedback_answer,        &r->recommendation_answer, &r->feedback_forward,
            &r->complaint_accept,       &r->complaint_send,        &r->denunciation_accept[0],
            &r->denunciation_accept[1], &r->denunciation_forward,  &r->denunciation_notify,
            &r->denunciation_resolve,   &r->denunciation_publish,  &r->reception_notify,
        };
        for (size_t j = 0; j < sizeof rest / sizeof rest[0]; j++)
            check_period(rest[j]);
        assert(fb_rules_at(rs, r->effective) == r);
        for (int k = 0; k < FB_N_KINDS; k++) {
            struct fb_facts f;
            struct fb_status st;
            memset(&f, 0, sizeof f);
            f.kind = (enum fb_kind)k;
            f.received = r->effective;
            rc = fb_evaluate(r, empty, &f, r->effective, &st);
            assert(rc == 0 || rc == ERR_INVALID);
            for (int c = 0; c < FB_N_CLOCKS; c++)
                assert(st.clk[c].state == FB_NOT_APPLICABLE || st.clk[c].state == FB_WAITING);
            assert(st.next == -1);
        }
    }
    /* With the shipped tables: a case of every kind and channel received on 02/03/2026,
     * accepted the next day, judged a month later. */
    struct date recv = {2026, 3, 2}, acc = {2026, 3, 3}, today = {2026, 4, 2};
    const struct fb_rules *r = fb_rules_at(rs, recv);
    for (int k = 0; r && k < FB_N_KINDS; k++) {
        for (int c = 0; c < FB_N_CHANNELS; c++) {
            struct fb_facts f;
            struct fb_status st;
            memset(&f, 0, sizeof f);
            f.kind = (enum fb_kind)k;
            f.channel = (enum fb_channel)c;
            f.complexity = (enum fb_complexity)((k + c) % 3);
            f.received = recv;
            f.accepted = c & 1;
            f.accepted_on = acc;
            f.extensions = c;
            int rc2 = fb_evaluate(r, CAL, &f, today, &st);
            assert(rc2 == 0 || rc2 == ERR_INVALID);
            if (rc2 != 0)
                continue;
            for (int i = 0; i < FB_N_CLOCKS; i++) {
                const struct fb_clock_status *cs = &st.clk[i];
                assert(cs->state >= FB_NOT_APPLICABLE && cs->state <= FB_MET_LATE);
                assert(cs->days_left >= 0);
                int counted = cs->state >= FB_RUNNING;
                assert(counted == (cs->due.y != 0));
                if (counted)
                    assert(date_cmp(cs->due, recv) >= 0);
                if (cs->state >= FB_RUNNING && cs->state <= FB_OVERDUE)
                    assert(st.next >= 0 && date_cmp(st.next_due, cs->due) <= 0);
            }
        }
    }
    calendar_free(empty);
    fb_ruleset_free(rs);
    return 0;
}

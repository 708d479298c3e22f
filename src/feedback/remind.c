/*
 * remind.c - reminders of cases due and overdue (issue 4), by e-mail through the outbox.
 *
 * The server's ticker calls feedback_tick() every few seconds; at most every FB_REMIND_EVERY
 * seconds (and once at start) it reads the open cases of every commune whose next deadline
 * falls within the rule set's soon_days working days, and queues:
 *   - "Sắp đến hạn" to whoever handles the case (its assignee, else the commune's officers);
 *   - "Quá hạn" to the same people once the day is past;
 *   - "Quá hạn – báo cáo Chủ tịch" to the commune's chairpersons: the escalation.
 * Each message has a dedupe key of (case, stage, due day, recipient), so a message is queued
 * once however often the scan runs, across restarts and servers; a new deadline (an extension,
 * the next step) is a new key. A denunciation's reminder names its kind and code only.
 * Messages are queued in one write through the write queue, then the sender is woken.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "comms/comms.h"
#include "feedback/internal.h"

#define FB_REMIND_EVERY 600 /* seconds between scans */
#define FB_REMIND_MAX 2000  /* cases per scan (the soonest first) */
#define MAX_TO 16           /* recipients of one case */

/* One message to queue. */
struct reminder {
    int64_t unit_id;     /* the commune */
    const char *to;      /* address */
    const char *subject; /* UTF-8 */
    const char *body;    /* UTF-8 text */
    const char *dedupe;  /* (case, stage, due, recipient) */
};

/* The messages of one scan. */
struct remind_batch {
    struct reminder *v; /* arena */
    size_t n, cap;      /* count, room */
};

static void add(struct arena *a, struct remind_batch *b, struct reminder m)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 64;
        b->v = arena_realloc(a, b->v, b->cap * sizeof *b->v, cap * sizeof *b->v);
        b->cap = cap;
    }
    b->v[b->n++] = m;
}

static int run_queue(struct db *db, void *arg)
{
    struct remind_batch *b = arg;
    for (size_t i = 0; i < b->n; i++) {
        const struct reminder *m = &b->v[i];
        int rc = comms_enqueue_email(db, m->unit_id, m->to, m->subject, m->body, m->dedupe);
        if (rc == ERR_INVALID)
            continue; /* an address typed wrong long ago: skip it, not the scan */
        if (rc)
            return rc;
    }
    return 0;
}

/* The people who handle c: its assignee when it has an address, else the commune's officers. */
static int handlers(struct db *db, const struct fb_case *c, struct auth_contact *out, size_t *n)
{
    *n = 0;
    if (c->assignee_id) {
        int rc = auth_account_contact(db, c->assignee_id, &out[0]);
        if (rc && rc != ERR_NOT_FOUND)
            return rc;
        if (rc == 0 && out[0].email[0]) {
            *n = 1;
            return 0;
        }
    }
    return auth_contacts(db, c->unit_id, "officer", out, MAX_TO, n);
}

static void message(struct arena *a, struct remind_batch *b, const struct feedback_env *env,
                    const struct fb_case *c, const struct fb_status *st, const char *stage,
                    const struct auth_contact *to)
{
    char due[11] = "", iso[11] = "";
    if (st->next >= 0) {
        date_format_vn(st->next_due, due);
        date_format_iso(st->next_due, iso);
    }
    const char *clock = st->next >= 0 ? fb_clock_label((enum fb_clock)st->next) : "";
    const char *code = fb_code_display(a, c->code);
    int overdue = strcmp(stage, "soon") != 0;
    int chair = strcmp(stage, "escalate") == 0;
    const char *what =
        c->kind == FB_DENUNCIATION
            ? arena_printf(a, "%s mã %s", fb_kind_label(c->kind), code)
            : arena_printf(a, "%s mã %s “%s”", fb_kind_label(c->kind), code, c->title);
    struct reminder m;
    m.unit_id = c->unit_id;
    m.to = arena_strdup(a, to->email); /* to is reused for the next case */
    m.subject = arena_printf(a, "%s: %s %s – hạn %s %s",
                             chair     ? "Báo cáo Chủ tịch, quá hạn"
                             : overdue ? "Quá hạn"
                                       : "Sắp đến hạn",
                             fb_kind_label(c->kind), code, clock, due);
    m.body = arena_printf(
        a,
        "Kính gửi %s,\n\n"
        "%s %s việc \"%s\": hạn %s.\n%s"
        "Xem và xử lý: %s/quan-ly/y-kien/ho-so/%lld\n\n"
        "Thư tự động của hệ thống Dân chủ cơ sở; vui lòng không trả lời thư này.\n",
        to->display_name, what, overdue ? "đã quá hạn" : "sắp đến hạn", clock, due,
        chair ? "Hồ sơ đã quá thời hạn theo quy định; đề nghị Chủ tịch chỉ đạo giải quyết.\n" : "",
        env->base_url ? env->base_url : "", (long long)c->id);
    m.dedupe = arena_printf(a, "remind:%lld:%s:%s:%lld", (long long)c->id, stage, iso,
                            (long long)to->account_id);
    add(a, b, m);
}

int feedback_tick(struct feedback_env *env, struct store *store, struct db *db, time_t now,
                  struct comms *comms)
{
    if (env->last_remind && now - env->last_remind < FB_REMIND_EVERY)
        return 0;
    env->last_remind = now;
    struct date today = date_vn_from_time(now);
    const struct fb_rules *rules = fb_rules_for(env, today);
    struct date soon = today;
    if (!rules || deadline_add(env->cal, today, rules->soon_days, DAY_WORKING, &soon) != 0)
        soon = today;
    char upto[11];
    date_format_iso(soon, upto);
    struct arena *a = arena_new(0);
    struct fb_case *cases;
    size_t n;
    struct remind_batch b = {NULL, 0, 0};
    int rc = fb_store_due_upto(db, a, upto, FB_REMIND_MAX, &cases, &n);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const struct fb_case *c = &cases[i];
        struct fb_status st;
        if (fb_case_status(env, c, today, &st) != 0 || st.next < 0)
            continue;
        enum fb_clock_state s = st.clk[st.next].state;
        if (s != FB_SOON && s != FB_OVERDUE)
            continue;
        struct auth_contact to[MAX_TO];
        size_t nto = 0;
        if ((rc = handlers(db, c, to, &nto)) != 0)
            break;
        for (size_t k = 0; k < nto; k++)
            message(a, &b, env, c, &st, s == FB_OVERDUE ? "overdue" : "soon", &to[k]);
        if (s == FB_OVERDUE) {
            if ((rc = auth_contacts(db, c->unit_id, "chairperson", to, MAX_TO, &nto)) != 0)
                break;
            for (size_t k = 0; k < nto; k++)
                message(a, &b, env, c, &st, "escalate", &to[k]);
        }
    }
    if (rc == 0 && b.n && (rc = store_write_sync(store, run_queue, &b)) == 0)
        comms_kick(comms);
    if (rc)
        log_warn("feedback reminders: %s", err_name(rc));
    int queued = rc ? 0 : (int)b.n;
    arena_free(a);
    return queued;
}

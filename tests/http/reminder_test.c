/*
 * reminder_test.c - reminders of cases due and overdue through the real binary (issue 4): the
 * demo's ward has overdue cases; once `danchu serve` runs, its officers get "Quá hạn" e-mails
 * and the chairperson the escalation, delivered to a real SMTP server (Debian's aiosmtpd); an
 * assigned case reminds its assignee only; a restart queues nothing twice; a denunciation's
 * reminder does not carry its content; an account sets where its reminders go on its page.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"

static struct h_server srv;
static struct h_sink sink;

/* Stops the server with SIGTERM (keeping its database) and starts it again: its first tick
 * scans for reminders. */
static void restart(void)
{
    int st = 0;
    kill(srv.pid, SIGTERM);
    waitpid(srv.pid, &st, 0);
    srv.pid = 0;
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_int_equal(h_serve(&srv), 0);
}

static long long q(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static long long q(const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    long long n = -1;
    assert_int_equal(h_db_int(&srv, sql, &n), 0);
    return n;
}

/* I6 / table I: the demo ward's overdue cases remind its officer and escalate to the
 * chairperson, delivered by SMTP; nothing is queued twice across a restart. */
static void I_overdue_cases_remind_the_officer_and_escalate_to_the_chairperson(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    const char *today = h_vn_day(c, 0); /* dd/mm/yyyy */
    long long overdue = q("SELECT COUNT(*) FROM cases c JOIN units u ON u.id = c.unit_id WHERE "
                          "u.code = '99001' AND c.due_on <> '' AND c.due_on < '%.4s-%.2s-%.2s'",
                          today + 6, today + 3, today);
    assert_true(overdue > 0);
    /* Every overdue case: one message to the officer, one escalation to the chairperson. */
    assert_true(
        h_wait_for(&srv, overdue, 10,
                   "SELECT COUNT(*) FROM outbox WHERE recipient = "
                   "'chutich@xa.example.gov.vn' AND dedupe_key LIKE 'remind:%%:escalate:%%'"));
    assert_true(q("SELECT COUNT(*) FROM outbox WHERE recipient = 'canbo@xa.example.gov.vn' AND "
                  "dedupe_key LIKE 'remind:%%:overdue:%%'") >= overdue);
    /* Officials of the other commune and people without an address get nothing. */
    assert_int_equal(q("SELECT COUNT(*) FROM outbox WHERE recipient NOT IN "
                       "('chutich@xa.example.gov.vn', 'canbo@xa.example.gov.vn', "
                       "'quantri@xa.example.gov.vn')"),
                     0);
    assert_true(h_wait_for(&srv, 0, 15, "SELECT COUNT(*) FROM outbox WHERE status <> 'sent'"));
    if (h_sink_usable(&sink)) {
        char *msg = NULL;
        assert_true(h_sink_count_to(&sink, "chutich@xa.example.gov.vn", &msg) >= (int)overdue);
        assert_non_null(strstr(msg, "Subject: =?UTF-8?B?"));
        free(msg);
    }
    /* The body speaks Vietnamese and links the case; a denunciation's carries no content. */
    assert_int_equal(
        q("SELECT COUNT(*) FROM outbox WHERE body NOT LIKE '%%/quan-ly/y-kien/ho-so/%%'"), 0);
    assert_true(q("SELECT COUNT(*) FROM outbox WHERE subject LIKE 'Báo cáo Chủ tịch, quá hạn%%'") >
                0);
    assert_int_equal(q("SELECT COUNT(*) FROM outbox o JOIN cases c ON o.dedupe_key LIKE "
                       "'remind:' || c.id || ':%%' WHERE c.kind = 4 AND o.body LIKE '%%' || "
                       "c.title || '%%'"),
                     0);
    long long before = q("SELECT COUNT(*) FROM outbox");
    restart();
    /* The new server's first scan has run once its ticker started. */
    assert_int_equal(h_get(c, "/healthz")->status, 200);
    struct timespec ts = {1, 500000000};
    nanosleep(&ts, NULL);
    assert_int_equal(q("SELECT COUNT(*) FROM outbox"), before);
    h_client_free(c);
}

/* A case given to one official reminds that official, not every officer; the reminder of a case
 * due soon says so. */
static void an_assigned_case_reminds_its_assignee_only(void **state)
{
    (void)state;
    struct h_client *o = h_signed_in(&srv, "canbo");
    long long quantri = q("SELECT id FROM accounts WHERE login = 'quantri'");
    long long ids[6];
    int n = 0;
    /* Received 8 to 13 days ago: the answer's 10 working days end in the next few days for
     * some of them, whatever the weekday and holidays. */
    for (int ago = 8; ago <= 13; ago++) {
        const char *csrf = h_csrf(o, "/quan-ly/y-kien/99001/moi");
        const char *f[] = {"_csrf",     csrf,
                           "loai",      "feedback",
                           "kenh",      "in_person",
                           "ngay_nhan", h_vn_day(o, -ago),
                           "tieu_de",   h_fmt(o, "R2 Cống tắc (%d ngày)", ago),
                           "ho_ten",    "Lò Văn Sáu",
                           NULL};
        struct h_response *r = h_post_form(o, "/quan-ly/y-kien/99001", f);
        assert_int_equal(r->status, 303);
        long long id = strtoll(strstr(h_header(r, "Location"), "ho-so/") + 6, NULL, 10);
        const char *page = h_fmt(o, "/quan-ly/y-kien/ho-so/%lld", id);
        const char *tok = h_csrf(o, page);
        const char *g[] = {
            "_csrf", tok, "bo_phan", "Địa chính", "nguoi_xu_ly", h_fmt(o, "%lld", quantri), NULL};
        assert_int_equal(
            h_post_multipart(o, h_fmt(o, "%s/giao", page), g, "tep", "", "", 0)->status, 303);
        ids[n++] = id;
    }
    restart();
    struct h_client *c = h_client_new(&srv);
    assert_int_equal(h_get(c, "/healthz")->status, 200);
    h_client_free(c);
    long long soon = 0;
    for (int i = 0; i < n; i++) {
        /* Wait for the scan, then: the assignee only (and, when overdue, the chairperson). */
        assert_true(h_wait_for(&srv, 0, 10,
                               "SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE 'remind:%lld:%%' "
                               "AND recipient = 'canbo@xa.example.gov.vn'",
                               ids[i]));
        soon += q("SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE 'remind:%lld:soon:%%' AND "
                  "recipient = 'quantri@xa.example.gov.vn' AND subject LIKE 'Sắp đến hạn%%'",
                  ids[i]);
    }
    assert_true(soon >= 1);
    h_client_free(o);
}

/* An official sets or clears the address on their account page; a malformed one comes back. */
static void an_official_sets_where_reminders_go(void **state)
{
    (void)state;
    struct h_client *o = h_signed_in(&srv, "quantri");
    struct h_response *r = h_get(o, "/tai-khoan");
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "quantri@xa.example.gov.vn"));
    assert_true(h_has(r, "Quản trị đơn vị"));
    assert_true(h_has(r, "Khóa mã hóa"));
    const char *csrf = h_csrf(o, "/tai-khoan");
    const char *bad[] = {"_csrf", csrf, "email", "quan tri@xa", NULL};
    r = h_post_form(o, "/tai-khoan", bad);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Địa chỉ thư điện tử chưa đúng"));
    assert_true(h_has(r, "value=\"quan tri@xa\""));
    const char *good[] = {"_csrf", csrf, "email", "qt@ubnd.example.gov.vn", NULL};
    assert_int_equal(h_post_form(o, "/tai-khoan", good)->status, 303);
    assert_int_equal(q("SELECT COUNT(*) FROM accounts WHERE login = 'quantri' AND email = "
                       "'qt@ubnd.example.gov.vn'"),
                     1);
    assert_int_equal(q("SELECT COUNT(*) FROM audit_log WHERE action = 'account.email'"), 1);
    const char *none[] = {"_csrf", csrf, "email", "", NULL};
    assert_int_equal(h_post_form(o, "/tai-khoan", none)->status, 303);
    assert_int_equal(q("SELECT COUNT(*) FROM accounts WHERE login = 'quantri' AND email = ''"), 1);
    h_client_free(o);
    struct h_client *anon = h_client_new(&srv);
    assert_int_equal(h_get(anon, "/tai-khoan")->status, 303);
    h_client_free(anon);
}

static int setup(void **state)
{
    (void)state;
    if (h_sink_init(&sink) != 0 || h_db_create(&srv) != 0)
        return -1;
    char conf[700];
    snprintf(conf, sizeof conf, "%s/danchu.conf", srv.tmp_dir);
    FILE *f = fopen(conf, "w");
    if (!f)
        return -1;
    fprintf(f,
            "[danchu]\nsmtp_url = smtp://127.0.0.1:%d\n"
            "smtp_from = UBND phường Bình Minh <no-reply@xa.example.gov.vn>\n",
            sink.port);
    fclose(f);
    if (h_db_exec(&srv, "UPDATE accounts SET email = login || '@xa.example.gov.vn' WHERE login "
                        "IN ('canbo', 'chutich', 'quantri')") != 0)
        return -1;
    return h_serve(&srv);
}

static int teardown(void **state)
{
    (void)state;
    int rc = h_stop(&srv);
    h_sink_free(&sink);
    return rc;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(I_overdue_cases_remind_the_officer_and_escalate_to_the_chairperson),
        cmocka_unit_test(an_assigned_case_reminds_its_assignee_only),
        cmocka_unit_test(an_official_sets_where_reminders_go),
    };
    signal(SIGPIPE, SIG_IGN);
    int failed = cmocka_run_group_tests_name("http_reminder", tests, setup, teardown);
    if (failed)
        h_log_tail(&srv, 40);
    return failed ? 1 : 0;
}

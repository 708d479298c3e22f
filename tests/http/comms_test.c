/*
 * comms_test.c - the outbox in the real binary: `danchu serve` starts the sender after the
 * writer (app.c), delivers e-mail to a real SMTP server (Debian's aiosmtpd, a child process
 * stopped by its PID) and webhook calls to a receiver thread here, keeps a message pending
 * with its error while the mail server is down, and delivers what was pending after a clean
 * stop and after kill -9.
 *
 * No route queues a message yet, so the cases put rows into the outbox table as a committed
 * comms_enqueue_*() leaves them (tests/unit/comms_test.c covers queueing itself).
 * Without aiosmtpd the e-mail checks print SKIPPED, unless CI is set: then they fail.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static struct h_server srv;
static struct h_sink sink; /* the SMTP server */

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* ---- the webhook receiver ------------------------------------------------------------------ */

struct hook {
    int fd;               /* listening socket */
    int port;             /* its port */
    pthread_t thread;     /* accept loop */
    pthread_mutex_t mu;   /* guards what follows */
    int n;                /* requests received */
    char last_path[256];  /* the last request's path */
    char last_body[2048]; /* its body */
    char last_head[4096]; /* its request line and headers */
};

static struct hook hook;

static void *hook_loop(void *arg)
{
    struct hook *h = arg;
    for (;;) {
        int c = accept(h->fd, NULL, NULL);
        if (c < 0)
            return NULL;
        char req[8192];
        size_t n = 0;
        ssize_t k;
        while (n < sizeof req - 1 && (k = read(c, req + n, sizeof req - 1 - n)) > 0) {
            n += (size_t)k;
            req[n] = '\0';
            char *hend = strstr(req, "\r\n\r\n");
            char *cl = strcasestr(req, "Content-Length:");
            if (hend && cl && (long)(n - (size_t)(hend + 4 - req)) >= strtol(cl + 15, NULL, 10))
                break;
        }
        req[n] = '\0';
        char *body = strstr(req, "\r\n\r\n");
        const char *sp = strchr(req, ' ');
        pthread_mutex_lock(&h->mu);
        snprintf(h->last_body, sizeof h->last_body, "%s", body ? body + 4 : "");
        snprintf(h->last_head, sizeof h->last_head, "%.*s", body ? (int)(body - req) : 0, req);
        snprintf(h->last_path, sizeof h->last_path, "%.*s", sp ? (int)strcspn(sp + 1, " ") : 0,
                 sp ? sp + 1 : "");
        h->n++;
        pthread_mutex_unlock(&h->mu);
        static const char ok[] =
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
        ssize_t w = write(c, ok, sizeof ok - 1);
        (void)w;
        close(c);
    }
}

static int listen_loopback(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 16) != 0) {
        close(fd);
        return -1;
    }
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    *port = ntohs(a.sin_port);
    return fd;
}

/* ---- helpers ------------------------------------------------------------------------------- */

/* A message as comms_enqueue_*() leaves it once its transaction committed. */
static void queue_row(const char *channel, const char *to, const char *subject, const char *body)
{
    char sql[2048];
    snprintf(sql, sizeof sql,
             "INSERT INTO outbox (channel, recipient, subject, body, next_attempt_at, created_at) "
             "VALUES ('%s', '%s', '%s', '%s', %lld, %lld)",
             channel, to, subject, body, (long long)time(NULL), (long long)time(NULL));
    assert_int_equal(h_db_exec(&srv, sql), 0);
}

/* Stops the server by its PID with sig, keeping its database; the exit status. */
static int server_kill(int sig)
{
    int st = 0;
    kill(srv.pid, sig);
    waitpid(srv.pid, &st, 0);
    srv.pid = 0;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- cases ----------------------------------------------------------------------------------- */

static void messages_queued_before_the_start_leave_once_it_runs(void **state)
{
    (void)state;
    /* Queued by setup() before `danchu serve` started. */
    assert_true(h_wait_for(&srv, 0, 10, "SELECT count(*) FROM outbox WHERE status <> 'sent'"));
    pthread_mutex_lock(&hook.mu);
    assert_int_equal(hook.n, 1);
    assert_string_equal(hook.last_path, "/notify");
    assert_string_equal(hook.last_body, "{\"kind\":\"reminder\",\"n\":3}");
    assert_non_null(strcasestr(hook.last_head, "\r\nContent-Type: application/json"));
    pthread_mutex_unlock(&hook.mu);
    if (!h_sink_usable(&sink))
        return;
    char *msg = NULL;
    assert_int_equal(h_sink_count_to(&sink, "chutich@xa.example.gov.vn", &msg), 1);
    assert_non_null(strstr(msg, "Subject: =?UTF-8?B?"));
    assert_non_null(strstr(msg, "From: =?UTF-8?B?"));
    assert_non_null(strstr(msg, "X-MailFrom: no-reply@xa.example.gov.vn"));
    /* "Kính gửi đồng chí Chủ tịch,\r\nCó 3 việc sắp quá hạn." in base64 */
    assert_non_null(
        strstr(msg, "S8OtbmggZ+G7rWkgxJHhu5NuZyBjaMOtIENo4bunIHThu4tjaCwNCkPDsyAzIHZp"));
    free(msg);
}

static void a_message_queued_while_serving_leaves_within_seconds(void **state)
{
    (void)state;
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/explicit", hook.port);
    queue_row("webhook", url, "", "{\"n\":2}");
    /* No kick from outside the process: the sender's one-second wake-up finds it. */
    assert_true(h_wait_for(&srv, 0, 5, "SELECT count(*) FROM outbox WHERE status <> 'sent'"));
    pthread_mutex_lock(&hook.mu);
    assert_int_equal(hook.n, 2);
    assert_string_equal(hook.last_path, "/explicit");
    assert_string_equal(hook.last_body, "{\"n\":2}");
    pthread_mutex_unlock(&hook.mu);
}

static void mail_waits_while_the_server_is_down_then_survives_a_clean_stop(void **state)
{
    (void)state;
    if (!h_sink_usable(&sink))
        return;
    h_sink_stop(&sink);
    queue_row("email", "phochutich@xa.example.gov.vn", "Khi máy chủ thư tắt", "Nội dung");
    assert_true(h_wait_for(&srv, 1, 10,
                           "SELECT count(*) FROM outbox WHERE recipient = "
                           "'phochutich@xa.example.gov.vn' AND status = 'pending' AND attempts = 1 "
                           "AND last_error LIKE 'smtp: %%'"));
    /* SIGTERM: the server stops cleanly with the message still pending. */
    assert_int_equal(server_kill(SIGTERM), 0);
    assert_int_equal(h_sink_start(&sink), 0);
    /* The minute of back-off passes (made so by hand). */
    assert_int_equal(h_db_exec(&srv, "UPDATE outbox SET next_attempt_at = 0 WHERE status = "
                                     "'pending'"),
                     0);
    assert_int_equal(h_serve(&srv), 0);
    assert_true(h_wait_for(&srv, 1, 10,
                           "SELECT count(*) FROM outbox WHERE recipient = "
                           "'phochutich@xa.example.gov.vn' AND status = 'sent' AND attempts = 2"));
    sleep_ms(300);
    assert_int_equal(h_sink_count_to(&sink, "phochutich@xa.example.gov.vn", NULL), 1);
}

static void a_message_pending_at_kill_9_leaves_after_the_restart(void **state)
{
    (void)state;
    int port = 0;
    close(listen_loopback(&port)); /* nobody listens there now */
    const char *dead = h_fmt(h_client_new(&srv), "http://127.0.0.1:%d/dead", port);
    queue_row("webhook", dead, "", "{\"after\":\"kill -9\"}");
    assert_true(h_wait_for(&srv, 1, 10,
                           "SELECT count(*) FROM outbox WHERE recipient = '%s' AND status = "
                           "'pending' AND attempts = 1 AND last_error LIKE 'webhook: %%'",
                           dead));
    /* The server dies outright; the gateway is mended (the message now goes to the default
     * webhook) and its back-off is over. */
    assert_int_equal(server_kill(SIGKILL), 128 + SIGKILL);
    assert_int_equal(h_db_exec(&srv, h_fmt(h_client_new(&srv),
                                           "UPDATE outbox SET recipient = '', next_attempt_at = 0 "
                                           "WHERE recipient = '%s'",
                                           dead)),
                     0);
    pthread_mutex_lock(&hook.mu);
    int before = hook.n;
    pthread_mutex_unlock(&hook.mu);
    assert_int_equal(h_serve(&srv), 0);
    assert_true(h_wait_for(&srv, 0, 10, "SELECT count(*) FROM outbox WHERE status <> 'sent'"));
    pthread_mutex_lock(&hook.mu);
    assert_int_equal(hook.n, before + 1);
    assert_string_equal(hook.last_path, "/notify");
    assert_string_equal(hook.last_body, "{\"after\":\"kill -9\"}");
    pthread_mutex_unlock(&hook.mu);
}

/* ---- group ----------------------------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    pthread_mutex_init(&hook.mu, NULL);
    hook.fd = listen_loopback(&hook.port);
    if (hook.fd < 0 || pthread_create(&hook.thread, NULL, hook_loop, &hook) != 0)
        return -1;
    if (h_sink_init(&sink) != 0)
        return -1;
    if (h_db_create(&srv) != 0)
        return -1;
    char conf[700];
    snprintf(conf, sizeof conf, "%s/danchu.conf", srv.tmp_dir);
    FILE *f = fopen(conf, "w");
    if (!f)
        return -1;
    fprintf(f,
            "[danchu]\nsmtp_url = smtp://127.0.0.1:%d\n"
            "smtp_from = UBND xã Bình Minh <no-reply@xa.example.gov.vn>\n"
            "notify_webhook = http://127.0.0.1:%d/notify\n",
            sink.port, hook.port);
    fclose(f);
    /* Queued while no server runs: the first case sees them leave after the start. */
    queue_row("email", "chutich@xa.example.gov.vn", "Nhắc hạn: 3 việc sắp quá hạn",
              "Kính gửi đồng chí Chủ tịch,\nCó 3 việc sắp quá hạn.");
    queue_row("webhook", "", "", "{\"kind\":\"reminder\",\"n\":3}");
    return h_serve(&srv);
}

static int teardown(void **state)
{
    (void)state;
    int rc = h_stop(&srv);
    h_sink_free(&sink);
    shutdown(hook.fd, SHUT_RDWR);
    close(hook.fd);
    pthread_join(hook.thread, NULL);
    return rc;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(messages_queued_before_the_start_leave_once_it_runs),
        cmocka_unit_test(a_message_queued_while_serving_leaves_within_seconds),
        cmocka_unit_test(mail_waits_while_the_server_is_down_then_survives_a_clean_stop),
        cmocka_unit_test(a_message_pending_at_kill_9_leaves_after_the_restart),
    };
    signal(SIGPIPE, SIG_IGN);
    int failed = cmocka_run_group_tests_name("http_comms", tests, setup, teardown);
    if (failed)
        h_log_tail(&srv, 40);
    return failed ? 1 : 0;
}

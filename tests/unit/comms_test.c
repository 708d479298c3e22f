/*
 * comms_test.c - the outbox (src/comms): the e-mail format (RFC 2047 subject that decodes
 * back to the same Vietnamese, CRLF body lines, no header injection), queueing inside a
 * transaction (dedupe, rollback), and the sender against real receivers: Debian's aiosmtpd
 * as the SMTP server (a child process, stopped by its PID) and a webhook receiver thread.
 *
 * The database cases run on SQLite (a temporary file) and, when DANCHU_TEST_PG_URL is set,
 * on PostgreSQL (its public schema is dropped first: point it at a throwaway database):
 *   scripts/with-postgres.sh build/tests/comms_test
 *
 * aiosmtpd comes from the python3-aiosmtpd package (scripts/install-deps.sh). The first of
 * $DANCHU_PYTHON, /usr/bin/python3, python3 that can import it is used. Without it the SMTP
 * cases print SKIPPED and are skipped, unless CI is set: then they fail.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "comms/internal.h"

static const char SUBJECT_VI[] = "Nhắc hạn: 3 việc sắp quá hạn – Phường Bình Minh";
static const char FROM_VI[] = "UBND xã Bình Minh <no-reply@xa.example.gov.vn>";

/* ---- small helpers ---------------------------------------------------------------------- */

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Decodes base64, skipping white space; malloc'd and NUL-terminated, or NULL when bad. */
static char *b64_decode(const char *s, size_t n, size_t *out_len)
{
    char *out = malloc(n + 1);
    size_t k = 0;
    unsigned acc = 0;
    int bits = 0;
    assert_non_null(out);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        if (c == '=')
            break;
        int v = b64_value(c);
        if (v < 0) {
            free(out);
            return NULL;
        }
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[k++] = (char)((acc >> bits) & 0xff);
        }
    }
    out[k] = '\0';
    if (out_len)
        *out_len = k;
    return out;
}

/* The unfolded value of header `name` (line ends CRLF or LF; folding removed), malloc'd, or
 * NULL when the header section has no such field. */
static char *header_value(const char *msg, const char *name)
{
    size_t nl = strlen(name);
    const char *p = msg;
    while (*p && *p != '\r' && *p != '\n') {
        const char *eol = strchr(p, '\n');
        if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ')
                v++;
            char *out = malloc(strlen(v) + 1);
            size_t k = 0;
            assert_non_null(out);
            for (;;) {
                const char *e = strchr(v, '\n');
                size_t len = e ? (size_t)(e - v) : strlen(v);
                if (len && v[len - 1] == '\r')
                    len--;
                memcpy(out + k, v, len);
                k += len;
                if (!e || (e[1] != ' ' && e[1] != '\t'))
                    break;
                v = e + 1; /* unfold: the CRLF goes, the white space stays */
            }
            out[k] = '\0';
            return out;
        }
        if (!eol)
            break;
        p = eol + 1;
    }
    return NULL;
}

/* RFC 2047 decoding of a header value holding encoded words (UTF-8, B), with the white space
 * between adjacent encoded words dropped. malloc'd. Fails the test on a malformed word. */
static char *decode_words(const char *v)
{
    char *out = malloc(strlen(v) + 1);
    size_t k = 0;
    int after_word = 0;
    assert_non_null(out);
    while (*v) {
        if (strncmp(v, "=?UTF-8?B?", 10) == 0) {
            const char *end = strstr(v + 10, "?=");
            assert_non_null(end);
            assert_true(end + 2 - v <= 75); /* RFC 2047: an encoded word is at most 75 */
            size_t n = 0;
            char *d = b64_decode(v + 10, (size_t)(end - v - 10), &n);
            assert_non_null(d);
            /* Each word decodes on its own into whole characters. */
            assert_true(utf8_valid(d, n));
            memcpy(out + k, d, n);
            k += n;
            free(d);
            v = end + 2;
            after_word = 1;
            continue;
        }
        size_t ws = strspn(v, " \t");
        if (ws && after_word && strncmp(v + ws, "=?", 2) == 0) {
            v += ws;
            continue;
        }
        out[k++] = *v++;
        after_word = 0;
    }
    out[k] = '\0';
    return out;
}

/* The body after the blank line, base64-decoded, malloc'd. */
static char *mail_body(const char *msg, size_t *len)
{
    const char *p = strstr(msg, "\r\n\r\n");
    size_t skip = 4;
    if (!p) {
        p = strstr(msg, "\n\n");
        skip = 2;
    }
    assert_non_null(p);
    char *d = b64_decode(p + skip, strlen(p + skip), len);
    assert_non_null(d);
    return d;
}

/* Formats one mail into a heap buffer (caller frees b->ptr). */
static int format(const char *from, const char *to, const char *subject, const char *body,
                  int64_t id, int64_t created_at, struct buf *b)
{
    struct comms_from f;
    assert_int_equal(comms_from_parse(from, &f), 0);
    struct comms_mail m = {id, created_at, &f, to, subject, body};
    buf_init(b, NULL);
    return comms_mail_format(&m, b);
}

/* ---- the format ------------------------------------------------------------------------- */

static void vietnamese_subject_decodes_back_and_lines_stay_short(void **state)
{
    (void)state;
    struct buf b;
    assert_int_equal(
        format(FROM_VI, "canbo@xa.example.gov.vn", SUBJECT_VI, "Nội dung.", 42, 1767225600, &b), 0);
    char *raw = header_value(b.ptr, "Subject");
    assert_non_null(raw);
    assert_null(strchr(raw, 0xe1)); /* no raw UTF-8 byte: encoded words only */
    char *subject = decode_words(raw);
    assert_string_equal(subject, SUBJECT_VI);
    free(subject);
    free(raw);
    /* The display name of From comes back too. */
    raw = header_value(b.ptr, "From");
    char *from = decode_words(raw);
    assert_string_equal(from, "UBND xã Bình Minh <no-reply@xa.example.gov.vn>");
    free(from);
    free(raw);
    /* Every line ends in CRLF, no header line is longer than 76 characters. */
    const char *p = b.ptr;
    while (*p) {
        const char *eol = strstr(p, "\r\n");
        assert_non_null(eol);
        assert_null(memchr(p, '\n', (size_t)(eol - p)));
        assert_null(memchr(p, '\r', (size_t)(eol - p)));
        assert_true(eol - p <= 76);
        p = eol + 2;
    }
    assert_non_null(strstr(b.ptr, "Date: Thu, 01 Jan 2026 07:00:00 +0700\r\n"));
    assert_non_null(strstr(b.ptr, "\r\nTo: canbo@xa.example.gov.vn\r\n"));
    assert_non_null(strstr(b.ptr, "\r\nMIME-Version: 1.0\r\n"));
    assert_non_null(strstr(b.ptr, "\r\nContent-Type: text/plain; charset=UTF-8\r\n"));
    assert_non_null(strstr(b.ptr, "\r\nContent-Transfer-Encoding: base64\r\n"));
    buf_free(&b);
}

static void a_long_subject_is_split_between_characters(void **state)
{
    (void)state;
    /* 300+ bytes, mostly 2- and 3-byte characters: many words, none cutting a character. */
    char subject[400] = "";
    for (int i = 0; i < 8; i++)
        snprintf(subject + strlen(subject), sizeof subject - strlen(subject), "%s",
                 "Đường ống nước – ");
    assert_true(strlen(subject) > 150);
    struct buf b;
    assert_int_equal(format("no-reply@xa.example.gov.vn", "a@b.vn", subject, "x", 1, 0, &b), 0);
    char *raw = header_value(b.ptr, "Subject");
    size_t words = 0;
    for (const char *w = raw; (w = strstr(w, "=?UTF-8?B?")) != NULL; w++)
        words++;
    assert_true(words >= 4);
    char *back = decode_words(raw);
    assert_string_equal(back, subject);
    free(back);
    free(raw);
    buf_free(&b);
}

static void body_lines_become_crlf_in_base64_lines_of_76(void **state)
{
    (void)state;
    static const char body[] = "Kính gửi đồng chí,\nDòng hai\r\nDòng ba\rDòng bốn\n\n"
                               "Một dòng rất dài để chia base64 thành nhiều dòng: "
                               "Ủy ban nhân dân xã Bình Minh trân trọng thông báo.";
    static const char want[] = "Kính gửi đồng chí,\r\nDòng hai\r\nDòng ba\r\nDòng bốn\r\n\r\n"
                               "Một dòng rất dài để chia base64 thành nhiều dòng: "
                               "Ủy ban nhân dân xã Bình Minh trân trọng thông báo.";
    struct buf b;
    assert_int_equal(format(FROM_VI, "a@b.vn", "Chào", body, 7, 0, &b), 0);
    const char *start = strstr(b.ptr, "\r\n\r\n") + 4;
    size_t lines = 0;
    for (const char *p = start; *p;) {
        const char *eol = strstr(p, "\r\n");
        assert_non_null(eol);
        assert_true(eol - p <= 76);
        lines++;
        p = eol + 2;
    }
    assert_true(lines >= 3);
    size_t n = 0;
    char *got = mail_body(b.ptr, &n);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(got, want, n);
    free(got);
    buf_free(&b);
}

static void message_id_is_stable_per_message_and_from_the_senders_domain(void **state)
{
    (void)state;
    struct buf a, b, c;
    format(FROM_VI, "a@b.vn", "Một", "x", 5, 1767225600, &a);
    format(FROM_VI, "a@b.vn", "Một", "x", 5, 1767225600, &b);
    format(FROM_VI, "a@b.vn", "Một", "x", 6, 1767225600, &c);
    char *ida = header_value(a.ptr, "Message-ID");
    char *idb = header_value(b.ptr, "Message-ID");
    char *idc = header_value(c.ptr, "Message-ID");
    assert_string_equal(ida, idb); /* a retried message keeps its Message-ID */
    assert_string_not_equal(ida, idc);
    assert_true(ida[0] == '<');
    assert_non_null(strstr(ida, "@xa.example.gov.vn>"));
    assert_true(strlen(ida) > 32 + 20);
    free(ida);
    free(idb);
    free(idc);
    buf_free(&a);
    buf_free(&b);
    buf_free(&c);
}

static void cr_or_lf_in_subject_or_address_is_refused(void **state)
{
    (void)state;
    struct buf b;
    assert_int_equal(format(FROM_VI, "a@b.vn", "Chào\r\nBcc: spy@evil.example", "x", 1, 0, &b),
                     ERR_INVALID);
    buf_free(&b);
    assert_int_equal(format(FROM_VI, "a@b.vn", "Chào\nBcc: spy@evil.example", "x", 1, 0, &b),
                     ERR_INVALID);
    buf_free(&b);
    assert_int_equal(format(FROM_VI, "a@b.vn\r\nBcc: spy@evil.example", "Chào", "x", 1, 0, &b),
                     ERR_INVALID);
    buf_free(&b);
    /* A body cannot add headers either: it is base64 after the blank line. */
    assert_int_equal(format(FROM_VI, "a@b.vn", "Chào", "\r\nBcc: spy@evil.example\r\n", 1, 0, &b),
                     0);
    assert_null(header_value(b.ptr, "Bcc"));
    buf_free(&b);

    static const char *const bad[] = {
        "",        "a@b",      "@b.vn",    "a@.vn",        "a@b.vn.",
        "a@-b.vn", "a b@c.vn", "a@b@c.vn", "Tên <a@b.vn>", "a..b@c.vn",
        ".a@b.vn", "a.@b.vn",  "a@b.vn\n", "a@b_c.vn",     "người@xa.vn",
        "a@xã.vn", "a@b.vn>",  "<a@b.vn>", "a\"b@c.vn",    "a@[127.0.0.1]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (comms_address_check(bad[i]) != ERR_INVALID)
            fail_msg("address accepted: \"%s\"", bad[i]);
    static const char *const good[] = {"canbo@xa.example.gov.vn", "a.b+c@ubnd-xa.vn",
                                       "VanThu@Example.VN"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (comms_address_check(good[i]) != 0)
            fail_msg("address refused: \"%s\"", good[i]);
    assert_int_equal(comms_subject_check("\xc3\x28"), ERR_INVALID); /* not UTF-8 */
}

static void smtp_from_forms(void **state)
{
    (void)state;
    struct comms_from f;
    assert_int_equal(comms_from_parse(FROM_VI, &f), 0);
    assert_string_equal(f.name, "UBND xã Bình Minh");
    assert_string_equal(f.addr, "no-reply@xa.example.gov.vn");
    assert_int_equal(comms_from_parse("\"Van thu\" <vt@xa.vn>", &f), 0);
    assert_string_equal(f.name, "Van thu");
    assert_int_equal(comms_from_parse(" vt@xa.vn ", &f), 0);
    assert_string_equal(f.name, "");
    assert_string_equal(f.addr, "vt@xa.vn");
    assert_int_equal(comms_from_parse("Xã <vt@xa.vn", &f), ERR_INVALID);
    assert_int_equal(comms_from_parse("Xã\r\nBcc: x@y.vn <vt@xa.vn>", &f), ERR_INVALID);
    assert_int_equal(comms_from_parse("", &f), ERR_INVALID);
    struct buf b;
    assert_int_equal(format("Van thu <vt@xa.vn>", "a@b.vn", "x", "y", 1, 0, &b), 0);
    assert_non_null(strstr(b.ptr, "\r\nFrom: Van thu <vt@xa.vn>\r\n"));
    buf_free(&b);
}

static void backoff_grows_to_six_hours(void **state)
{
    (void)state;
    assert_int_equal(comms_backoff(1), 60);
    assert_int_equal(comms_backoff(2), 300);
    assert_int_equal(comms_backoff(3), 1800);
    assert_int_equal(comms_backoff(4), 7200);
    assert_int_equal(comms_backoff(5), 21600);
    assert_int_equal(comms_backoff(7), 21600);
}

/* ---- receivers ---------------------------------------------------------------------------- */

/* The webhook receiver: a thread answering POSTs with the statuses it is told to. */
struct hook {
    int fd;               /* listening socket */
    int port;             /* its port */
    pthread_t thread;     /* accept loop */
    pthread_mutex_t mu;   /* guards everything below */
    int fail_next;        /* answer 500 to this many requests first */
    int n;                /* requests received */
    char last_body[2048]; /* the last request's body */
    char last_head[4096]; /* the last request's line and headers */
    char last_path[256];  /* its path */
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
        pthread_mutex_lock(&h->mu);
        int fail = h->fail_next > 0;
        if (fail)
            h->fail_next--;
        if (body) {
            snprintf(h->last_body, sizeof h->last_body, "%s", body + 4);
            snprintf(h->last_head, sizeof h->last_head, "%.*s", (int)(body - req), req);
        }
        const char *sp = strchr(req, ' ');
        snprintf(h->last_path, sizeof h->last_path, "%.*s", sp ? (int)strcspn(sp + 1, " ") : 0,
                 sp ? sp + 1 : "");
        h->n++;
        pthread_mutex_unlock(&h->mu);
        static const char ok[] = "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n";
        static const char bad[] =
            "HTTP/1.1 500 Oops\r\nContent-Length: 4\r\nConnection: close\r\n\r\noops";
        ssize_t w = fail ? write(c, bad, sizeof bad - 1) : write(c, ok, sizeof ok - 1);
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
    a.sin_port = htons((uint16_t)*port);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 16) != 0) {
        close(fd);
        return -1;
    }
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    *port = ntohs(a.sin_port);
    return fd;
}

static int free_port(void)
{
    int port = 0;
    int fd = listen_loopback(&port);
    if (fd < 0)
        return -1;
    close(fd);
    return port;
}

/* 1 when something accepts connections on the loopback port. */
static int port_open(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)port);
    int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

/* The SMTP sink: `python3 -m aiosmtpd` writing every message into a Maildir. */
struct smtp_sink {
    char python[256]; /* an interpreter that has aiosmtpd, "" when none */
    int port;         /* its loopback port (kept across restarts) */
    pid_t pid;        /* the child, 0 when stopped */
    char dir[256];    /* temporary folder: maildir/ and sink.log */
};

static struct smtp_sink sink;

static void find_python(struct smtp_sink *s)
{
    const char *env = getenv("DANCHU_PYTHON");
    const char *candidates[] = {env && env[0] ? env : NULL, "/usr/bin/python3", "python3"};
    for (size_t i = 0; i < 3; i++) {
        if (!candidates[i])
            continue;
        char cmd[512];
        snprintf(cmd, sizeof cmd, "%s -c 'import aiosmtpd' >/dev/null 2>&1", candidates[i]);
        if (system(cmd) == 0) {
            snprintf(s->python, sizeof s->python, "%s", candidates[i]);
            return;
        }
    }
}

static int sink_start(struct smtp_sink *s)
{
    char listen[64], maildir[300], log[300];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", s->port);
    snprintf(maildir, sizeof maildir, "%s/maildir", s->dir);
    snprintf(log, sizeof log, "%s/sink.log", s->dir);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execlp(s->python, s->python, "-m", "aiosmtpd", "-n", "-l", listen, "-c",
               "aiosmtpd.handlers.Mailbox", maildir, (char *)NULL);
        _exit(127);
    }
    s->pid = pid;
    double deadline = now_s() + 15;
    while (now_s() < deadline) {
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            s->pid = 0;
            fprintf(stderr, "aiosmtpd exited at start (see %s)\n", log);
            return -1;
        }
        if (port_open(s->port))
            return 0;
        sleep_ms(50);
    }
    fprintf(stderr, "aiosmtpd did not listen within 15 s\n");
    return -1;
}

static void sink_stop(struct smtp_sink *s)
{
    if (s->pid <= 0)
        return;
    kill(s->pid, SIGTERM);
    int st;
    double deadline = now_s() + 5;
    pid_t got;
    while ((got = waitpid(s->pid, &st, WNOHANG)) == 0 && now_s() < deadline)
        sleep_ms(20);
    if (got == 0) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, &st, 0);
    }
    s->pid = 0;
    while (port_open(s->port) && now_s() < deadline + 5)
        sleep_ms(20);
}

/* Reads a whole file; malloc'd. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct buf b;
    buf_init(&b, NULL);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    if (!b.ptr)
        buf_puts(&b, "");
    return b.ptr;
}

/* Messages in the sink's Maildir whose decoded Subject is subject; the last one's raw text
 * into *last (malloc'd) when last is not NULL. */
static int sink_count(const char *subject, char **last)
{
    char path[600];
    snprintf(path, sizeof path, "%s/maildir/new", sink.dir);
    DIR *d = opendir(path);
    int n = 0;
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char file[1000];
        snprintf(file, sizeof file, "%s/%s", path, e->d_name);
        char *text = slurp(file);
        if (!text)
            continue;
        char *raw = header_value(text, "Subject");
        char *dec = raw ? decode_words(raw) : NULL;
        if (dec && strcmp(dec, subject) == 0) {
            n++;
            if (last) {
                free(*last);
                *last = text;
                text = NULL;
            }
        }
        free(dec);
        free(raw);
        free(text);
    }
    closedir(d);
    return n;
}

/* ---- database fixture --------------------------------------------------------------------- */

struct fixture {
    const char *engine; /* "sqlite" or "postgres" */
    char dir[256];      /* temporary folder (SQLite) */
    char url[1024];     /* database URL */
    struct store *s;    /* the store, its write queue running */
    struct db *db;      /* the test thread's connection */
};

static int64_t scalar(struct db *db, const char *sql)
{
    struct db_stmt *st;
    int64_t n = -1;
    if (db_prepare(db, sql, &st) != 0) {
        fprintf(stderr, "%s: %s\n", sql, db_errmsg(db));
        return -1;
    }
    if (db_step(st) == DB_ROW)
        n = db_col_int(st, 0);
    db_reset(st);
    return n;
}

/* Runs a statement built at run time (tests only: the app never formats SQL). */
static void exec_fmt(struct db *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void exec_fmt(struct db *db, const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    if (db_exec(db, sql) != 0)
        fail_msg("%s: %s", sql, db_errmsg(db));
}

static int64_t scalar_fmt(struct db *db, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int64_t scalar_fmt(struct db *db, const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    struct db_stmt *st;
    int64_t n = -1;
    if (db_prepare(db, sql, &st) != 0)
        return -1;
    if (db_step(st) == DB_ROW)
        n = db_col_int(st, 0);
    db_reset(st);
    return n;
}

/* Text of one column of one row; copied into out. */
static void text_fmt(struct db *db, char *out, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void text_fmt(struct db *db, char *out, size_t cap, const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    struct db_stmt *st;
    out[0] = '\0';
    if (db_prepare(db, sql, &st) != 0)
        return;
    if (db_step(st) == DB_ROW)
        snprintf(out, cap, "%s", db_col_text(st, 0));
    db_reset(st);
}

/* Waits up to `seconds` for a query to give want. */
static int wait_for(struct db *db, int64_t want, double seconds, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int wait_for(struct db *db, int64_t want, double seconds, const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    double deadline = now_s() + seconds;
    int64_t got = -1;
    do {
        got = scalar_fmt(db, "%s", sql);
        if (got == want)
            return 1;
        sleep_ms(30);
    } while (now_s() < deadline);
    fprintf(stderr, "waited %.1f s for %s = %lld, got %lld\n", seconds, sql, (long long)want,
            (long long)got);
    return 0;
}

static const char sql_outbox_count[] = "SELECT count(*) FROM outbox";

static int64_t last_id(struct db *db)
{
    return scalar(db, "SELECT max(id) FROM outbox");
}

/* One enqueue as a write job. */
struct enq {
    int email;           /* 1 e-mail, 0 webhook */
    const char *to;      /* address or URL */
    const char *subject; /* e-mail subject */
    const char *body;    /* text or JSON */
    const char *key;     /* dedupe key */
    int fail_after;      /* return ERR_CONFLICT after queueing (a rolled-back change) */
    int rc;              /* what the enqueue returned */
};

static int run_enqueue(struct db *db, void *arg)
{
    struct enq *e = arg;
    e->rc = e->email ? comms_enqueue_email(db, 0, e->to, e->subject, e->body, e->key)
                     : comms_enqueue_webhook(db, 0, e->to, e->body, e->key);
    if (e->rc == 0 && e->fail_after)
        return ERR_CONFLICT;
    return e->rc;
}

static int enqueue_email(struct fixture *f, const char *to, const char *subject, const char *body,
                         const char *key)
{
    struct enq e = {1, to, subject, body, key, 0, 0};
    return store_write_sync(f->s, run_enqueue, &e);
}

static int enqueue_webhook(struct fixture *f, const char *url, const char *json, const char *key)
{
    struct enq e = {0, url, NULL, json, key, 0, 0};
    return store_write_sync(f->s, run_enqueue, &e);
}

static int start_sender(struct fixture *f, const char *smtp_url, const char *webhook,
                        struct comms **out)
{
    struct comms_config cfg = {smtp_url, FROM_VI, NULL, NULL, webhook};
    (void)f;
    return comms_start(f->s, &cfg, out);
}

/* Each case starts with an empty outbox. */
static int clean(void **state)
{
    struct fixture *f = *state;
    return db_exec(f->db, "DELETE FROM outbox") == 0 ? 0 : -1;
}

/* ---- queueing ------------------------------------------------------------------------------ */

static void dedupe_key_queues_once(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(enqueue_email(f, "a@xa.example.vn", SUBJECT_VI, "Một", "case:42:2026-05-12"),
                     0);
    assert_int_equal(enqueue_email(f, "a@xa.example.vn", SUBJECT_VI, "Hai", "case:42:2026-05-12"),
                     0);
    assert_int_equal(scalar(f->db, sql_outbox_count), 1);
    char body[64];
    text_fmt(f->db, body, sizeof body, "SELECT body FROM outbox");
    assert_string_equal(body, "Một");
    /* Without a key each message is queued. */
    assert_int_equal(enqueue_email(f, "a@xa.example.vn", "x", "y", NULL), 0);
    assert_int_equal(enqueue_email(f, "a@xa.example.vn", "x", "y", ""), 0);
    assert_int_equal(scalar(f->db, sql_outbox_count), 3);

    /* A duplicate inside a transaction does not spoil it (on PostgreSQL a failed statement
     * would abort the whole transaction). */
    assert_int_equal(db_begin(f->db), 0);
    assert_int_equal(comms_enqueue_webhook(f->db, 0, "", "{\"a\":1}", "k2"), 0);
    assert_int_equal(comms_enqueue_webhook(f->db, 0, "", "{\"a\":2}", "k2"), 0);
    assert_int_equal(comms_enqueue_webhook(f->db, 0, "", "{\"a\":3}", "k3"), 0);
    assert_int_equal(db_commit(f->db), 0);
    assert_int_equal(scalar(f->db, sql_outbox_count), 5);
    char status[16];
    text_fmt(f->db, status, sizeof status, "SELECT status FROM outbox WHERE dedupe_key = 'k3'");
    assert_string_equal(status, "pending");
}

static void a_rolled_back_change_queues_nothing(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(db_begin(f->db), 0);
    assert_int_equal(comms_enqueue_email(f->db, 0, "a@xa.example.vn", "x", "y", NULL), 0);
    assert_int_equal(db_rollback(f->db), 0);
    assert_int_equal(scalar(f->db, sql_outbox_count), 0);
    /* Through the write queue: the job fails after queueing, so its message goes with it,
     * while a good job beside it keeps its own. */
    struct enq bad = {1, "a@xa.example.vn", "x", "y", "rolled-back", 1, 0};
    assert_int_equal(store_write_sync(f->s, run_enqueue, &bad), ERR_CONFLICT);
    assert_int_equal(scalar(f->db, sql_outbox_count), 0);
    assert_int_equal(enqueue_email(f, "a@xa.example.vn", "x", "y", "rolled-back"), 0);
    assert_int_equal(scalar(f->db, sql_outbox_count), 1);
}

static void bad_messages_are_refused_at_the_door(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(enqueue_email(f, "a@xa.example.vn\r\nBcc: x@y.vn", "x", "y", NULL),
                     ERR_INVALID);
    assert_int_equal(enqueue_email(f, "a@xa.example.vn", "x\r\nBcc: x@y.vn", "y", NULL),
                     ERR_INVALID);
    assert_int_equal(enqueue_email(f, "a@xa.example.vn", "x", "\xff\xfe", NULL), ERR_INVALID);
    assert_int_equal(enqueue_webhook(f, NULL, "not json", NULL), ERR_INVALID);
    assert_int_equal(enqueue_webhook(f, "ftp://x.vn/", "{}", NULL), ERR_INVALID);
    assert_int_equal(enqueue_webhook(f, "http://x.vn/a b", "{}", NULL), ERR_INVALID);
    assert_int_equal(scalar(f->db, sql_outbox_count), 0);
    /* Vietnamese text is stored as it came. */
    assert_int_equal(enqueue_email(f, "a@xa.example.vn", SUBJECT_VI, "Nội dung", NULL), 0);
    char subject[200];
    text_fmt(f->db, subject, sizeof subject, "SELECT subject FROM outbox");
    assert_string_equal(subject, SUBJECT_VI);
}

/* ---- the sender: webhooks --------------------------------------------------------------- */

static void webhook_is_posted_and_retried_after_a_500(void **state)
{
    struct fixture *f = *state;
    char url[128], def[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/explicit", hook.port);
    snprintf(def, sizeof def, "http://127.0.0.1:%d/default", hook.port);
    pthread_mutex_lock(&hook.mu);
    int before = hook.n;
    hook.fail_next = 1;
    pthread_mutex_unlock(&hook.mu);

    assert_int_equal(enqueue_webhook(f, url, "{\"to\":\"0912345678\",\"message\":\"Chào\"}", NULL),
                     0);
    int64_t id = last_id(f->db);
    struct comms *c = NULL;
    assert_int_equal(start_sender(f, NULL, def, &c), 0);
    /* The first answer is a 500: pending again, one attempt, a minute later, the error kept. */
    assert_true(
        wait_for(f->db, 1, 5, "SELECT attempts FROM outbox WHERE id = %lld", (long long)id));
    char status[16], err[200];
    text_fmt(f->db, status, sizeof status, "SELECT status FROM outbox WHERE id = %lld",
             (long long)id);
    assert_string_equal(status, "pending");
    text_fmt(f->db, err, sizeof err, "SELECT last_error FROM outbox WHERE id = %lld",
             (long long)id);
    assert_non_null(strstr(err, "500"));
    int64_t wait =
        scalar_fmt(f->db, "SELECT next_attempt_at FROM outbox WHERE id = %lld", (long long)id) -
        (int64_t)time(NULL);
    assert_true(wait >= 55 && wait <= 61);

    /* A minute passes (made so by hand), and the next attempt delivers it. */
    exec_fmt(f->db, "UPDATE outbox SET next_attempt_at = 0 WHERE id = %lld", (long long)id);
    comms_kick(c);
    assert_true(wait_for(f->db, 1, 5,
                         "SELECT count(*) FROM outbox WHERE id = %lld AND status = 'sent' AND "
                         "attempts = 2 AND last_error = '' AND sent_at IS NOT NULL",
                         (long long)id));
    pthread_mutex_lock(&hook.mu);
    assert_int_equal(hook.n, before + 2);
    assert_string_equal(hook.last_path, "/explicit");
    assert_string_equal(hook.last_body, "{\"to\":\"0912345678\",\"message\":\"Chào\"}");
    assert_non_null(strcasestr(hook.last_head, "\r\nContent-Type: application/json"));
    char idh[64];
    snprintf(idh, sizeof idh, "\r\nX-Danchu-Outbox-Id: %lld", (long long)id);
    assert_non_null(strstr(hook.last_head, idh));
    pthread_mutex_unlock(&hook.mu);

    /* Without a URL it goes to the default webhook. */
    assert_int_equal(enqueue_webhook(f, "", "{\"n\":2}", NULL), 0);
    comms_kick(c);
    assert_true(wait_for(f->db, 0, 5, "SELECT count(*) FROM outbox WHERE status <> 'sent'"));
    pthread_mutex_lock(&hook.mu);
    assert_string_equal(hook.last_path, "/default");
    assert_string_equal(hook.last_body, "{\"n\":2}");
    pthread_mutex_unlock(&hook.mu);
    struct comms_stats st;
    comms_stats(c, &st);
    assert_int_equal(st.sent, 2);
    assert_int_equal(st.retried, 1);
    assert_int_equal(st.failed, 0);
    comms_stop(c);
}

static void the_eighth_failure_gives_up_with_the_last_error(void **state)
{
    struct fixture *f = *state;
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/gone", free_port());
    assert_int_equal(enqueue_webhook(f, url, "{}", NULL), 0);
    int64_t id = last_id(f->db);
    exec_fmt(f->db, "UPDATE outbox SET attempts = %d WHERE id = %lld", COMMS_MAX_ATTEMPTS - 1,
             (long long)id);
    struct comms *c = NULL;
    assert_int_equal(start_sender(f, NULL, NULL, &c), 0);
    assert_true(wait_for(f->db, 1, 5,
                         "SELECT count(*) FROM outbox WHERE id = %lld AND status = 'failed' AND "
                         "attempts = %d",
                         (long long)id, COMMS_MAX_ATTEMPTS));
    char err[300];
    text_fmt(f->db, err, sizeof err, "SELECT last_error FROM outbox WHERE id = %lld",
             (long long)id);
    assert_true(strncmp(err, "webhook: ", 9) == 0 && strlen(err) > 12);
    struct comms_stats st;
    comms_stats(c, &st);
    assert_int_equal(st.failed, 1);
    comms_stop(c);
}

static void without_a_setting_messages_wait(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(enqueue_email(f, "a@xa.example.vn", "x", "y", NULL), 0);
    assert_int_equal(enqueue_webhook(f, "", "{}", NULL), 0);
    struct comms *c = NULL;
    assert_int_equal(start_sender(f, "", "", &c), 0);
    comms_kick(c);
    sleep_ms(1500);
    assert_int_equal(
        scalar(f->db, "SELECT count(*) FROM outbox WHERE status = 'pending' AND attempts = 0"), 2);
    comms_stop(c);
    /* A bad setting is refused at start. */
    struct comms_config bad = {"http://127.0.0.1:25", FROM_VI, NULL, NULL, NULL};
    assert_int_equal(comms_start(f->s, &bad, &c), ERR_INVALID);
    struct comms_config bad_from = {"smtp://127.0.0.1:25", "Xã <nobody>", NULL, NULL, NULL};
    assert_int_equal(comms_start(f->s, &bad_from, &c), ERR_INVALID);
}

static const char sql_raw_email[] =
    "INSERT INTO outbox (channel, recipient, subject, body, next_attempt_at, created_at) "
    "VALUES ('email', $1, $2, 'x', 0, 0)";

/* Rows written past comms_enqueue_email() (by hand, by a bug) with a CR/LF where a header
 * goes: the sender refuses them before any connection and gives up at once. */
static void a_row_with_cr_lf_in_a_header_is_refused_not_sent(void **state)
{
    struct fixture *f = *state;
    static const char *const rows[][2] = {
        {"a@xa.example.vn", "Chào\r\nBcc: spy@evil.example"},
        {"a@xa.example.vn\r\nBcc: spy@evil.example", "Chào"},
    };
    for (size_t i = 0; i < 2; i++) {
        struct db_stmt *st;
        assert_int_equal(db_prepare(f->db, sql_raw_email, &st), 0);
        db_bind_cstr(st, 1, rows[i][0]);
        db_bind_cstr(st, 2, rows[i][1]);
        assert_int_equal(db_run(st, NULL), 0);
    }
    char url[64];
    snprintf(url, sizeof url, "smtp://127.0.0.1:%d", free_port());
    struct comms *c = NULL;
    assert_int_equal(start_sender(f, url, NULL, &c), 0);
    assert_true(wait_for(f->db, 2, 5,
                         "SELECT count(*) FROM outbox WHERE status = 'failed' AND attempts = 1 AND "
                         "last_error LIKE 'email: refused before sending%%'"));
    struct comms_stats st;
    comms_stats(c, &st);
    assert_int_equal(st.failed, 2);
    assert_int_equal(st.sent, 0);
    comms_stop(c);
}

/* A server that accepts the connection and never says a word: the stop cuts the transfer
 * after its grace and gives the message back untouched. */
static void stop_is_prompt_with_a_silent_server(void **state)
{
    struct fixture *f = *state;
    int port = 0;
    int fd = listen_loopback(&port);
    assert_true(fd >= 0);
    char url[64];
    snprintf(url, sizeof url, "smtp://127.0.0.1:%d", port);
    assert_int_equal(enqueue_email(f, "a@xa.example.vn", "im lặng", "y", NULL), 0);
    int64_t id = last_id(f->db);
    struct comms *c = NULL;
    assert_int_equal(start_sender(f, url, NULL, &c), 0);
    sleep_ms(500); /* the transfer is waiting for the greeting */
    double t0 = now_s();
    comms_stop(c);
    double took = now_s() - t0;
    close(fd);
    assert_true(took < 6.0);
    assert_int_equal(scalar_fmt(f->db,
                                "SELECT count(*) FROM outbox WHERE id = %lld AND status = "
                                "'pending' AND attempts = 0 AND next_attempt_at <= %lld",
                                (long long)id, (long long)time(NULL)),
                     1);
}

/* ---- the sender: e-mail through aiosmtpd --------------------------------------------------- */

/* Skips (or, under CI, fails) when there is no aiosmtpd. */
static int need_sink(void)
{
    if (sink.python[0])
        return 1;
    const char *ci = getenv("CI");
    if (ci && ci[0])
        fail_msg("python3 -m aiosmtpd is missing and CI is set: apt-get install python3-aiosmtpd");
    print_message("SKIPPED: python3 -m aiosmtpd is missing (apt-get install python3-aiosmtpd); "
                  "no SMTP delivery checked\n");
    skip();
    return 0;
}

static void email_arrives_is_retried_while_the_server_is_down_and_arrives_once(void **state)
{
    struct fixture *f = *state;
    if (!need_sink())
        return;
    char smtp[64];
    snprintf(smtp, sizeof smtp, "smtp://127.0.0.1:%d", sink.port);
    char subj1[200], subj2[200], subj3[200];
    snprintf(subj1, sizeof subj1, "%s (%s 1)", SUBJECT_VI, f->engine);
    snprintf(subj2, sizeof subj2, "Thư thứ hai (%s)", f->engine);
    snprintf(subj3, sizeof subj3, "Khi máy chủ thư tắt (%s)", f->engine);
    static const char body1[] = "Kính gửi đồng chí Chủ tịch,\n\n3 việc sắp quá hạn:\n"
                                "- Đơn số 12: hạn 12/05/2026\n.\n- Dòng bắt đầu bằng dấu chấm\n";
    assert_int_equal(enqueue_email(f, "chutich@xa.example.gov.vn", subj1, body1, NULL), 0);
    assert_int_equal(enqueue_email(f, "vanthu@xa.example.gov.vn", subj2, "Hai", NULL), 0);
    struct comms *c = NULL;
    assert_int_equal(start_sender(f, smtp, NULL, &c), 0);
    assert_true(wait_for(f->db, 2, 10, "SELECT count(*) FROM outbox WHERE status = 'sent'"));
    char *msg = NULL;
    assert_int_equal(sink_count(subj1, &msg), 1);
    char *to = header_value(msg, "To");
    assert_string_equal(to, "chutich@xa.example.gov.vn");
    char *rcpt = header_value(msg, "X-RcptTo"); /* the envelope, as aiosmtpd saw it */
    assert_string_equal(rcpt, "chutich@xa.example.gov.vn");
    char *mfrom = header_value(msg, "X-MailFrom");
    assert_string_equal(mfrom, "no-reply@xa.example.gov.vn");
    size_t n = 0;
    char *body = mail_body(msg, &n);
    assert_string_equal(body, "Kính gửi đồng chí Chủ tịch,\r\n\r\n3 việc sắp quá hạn:\r\n"
                              "- Đơn số 12: hạn 12/05/2026\r\n.\r\n- Dòng bắt đầu bằng dấu "
                              "chấm\r\n");
    free(body);
    free(mfrom);
    free(rcpt);
    free(to);
    free(msg);
    assert_int_equal(sink_count(subj2, NULL), 1);

    /* The server goes away: the message waits, with its error and one attempt. */
    sink_stop(&sink);
    assert_int_equal(enqueue_email(f, "pho@xa.example.gov.vn", subj3, "Ba", NULL), 0);
    int64_t id = last_id(f->db);
    comms_kick(c);
    assert_true(wait_for(f->db, 1, 10,
                         "SELECT count(*) FROM outbox WHERE id = %lld AND status = 'pending' AND "
                         "attempts = 1 AND last_error <> ''",
                         (long long)id));
    char err[300];
    text_fmt(f->db, err, sizeof err, "SELECT last_error FROM outbox WHERE id = %lld",
             (long long)id);
    assert_true(strncmp(err, "smtp: ", 6) == 0);
    print_message("[ INFO     ] %s: while down: %s\n", f->engine, err);

    /* Back up; when the retry is due the message arrives, once. */
    assert_int_equal(sink_start(&sink), 0);
    exec_fmt(f->db, "UPDATE outbox SET next_attempt_at = 0 WHERE id = %lld", (long long)id);
    comms_kick(c);
    assert_true(wait_for(f->db, 1, 10,
                         "SELECT count(*) FROM outbox WHERE id = %lld AND status = 'sent' AND "
                         "attempts = 2",
                         (long long)id));
    sleep_ms(300);
    assert_int_equal(sink_count(subj3, NULL), 1);
    assert_int_equal(sink_count(subj1, NULL), 1);
    struct comms_stats st;
    comms_stats(c, &st);
    assert_int_equal(st.sent, 3);
    assert_int_equal(st.retried, 1);
    comms_stop(c);
}

static void a_restarted_sender_delivers_what_was_pending(void **state)
{
    struct fixture *f = *state;
    if (!need_sink())
        return;
    char smtp[64];
    snprintf(smtp, sizeof smtp, "smtp://127.0.0.1:%d", sink.port);
    struct comms *c = NULL;
    assert_int_equal(start_sender(f, smtp, NULL, &c), 0);
    comms_stop(c);
    /* Queued while no sender runs (as after a crash or before a restart). */
    char subj[3][100];
    for (int i = 0; i < 3; i++) {
        snprintf(subj[i], sizeof subj[i], "Sau khi khởi động lại %d (%s)", i, f->engine);
        assert_int_equal(enqueue_email(f, "a@xa.example.gov.vn", subj[i], "Nội dung", NULL), 0);
    }
    /* One was claimed by a sender that died mid-send: its lease has run out. */
    exec_fmt(f->db, "UPDATE outbox SET next_attempt_at = %lld WHERE id = %lld",
             (long long)time(NULL) - 1, (long long)last_id(f->db));
    assert_int_equal(start_sender(f, smtp, NULL, &c), 0);
    assert_true(wait_for(f->db, 3, 10, "SELECT count(*) FROM outbox WHERE status = 'sent'"));
    sleep_ms(300);
    for (int i = 0; i < 3; i++)
        assert_int_equal(sink_count(subj[i], NULL), 1);
    comms_stop(c);
}

/* ---- fixtures ------------------------------------------------------------------------------ */

static int setup_common(struct fixture *f)
{
    char err[512] = "";
    if (store_open(f->url, &f->s, err, sizeof err) != 0 ||
        store_migrate(f->s, NULL, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", f->engine, err);
        return -1;
    }
    if (store_connect(f->s, &f->db) != 0) {
        fprintf(stderr, "store_connect %s: %s\n", f->engine, db_errmsg(f->db));
        return -1;
    }
    return store_write_start(f->s) == 0 ? 0 : -1;
}

static int setup_sqlite(void **state)
{
    static struct fixture f = {.engine = "sqlite"};
    snprintf(f.dir, sizeof f.dir, "/tmp/danchu-comms-XXXXXX");
    if (!mkdtemp(f.dir))
        return -1;
    snprintf(f.url, sizeof f.url, "sqlite:%s/test.db", f.dir);
    *state = &f;
    return setup_common(&f);
}

static int setup_postgres(void **state)
{
    static struct fixture f = {.engine = "postgres"};
    struct store *s = NULL;
    struct db *db = NULL;
    char err[512] = "";
    snprintf(f.url, sizeof f.url, "%s", getenv("DANCHU_TEST_PG_URL"));
    *state = &f;
    if (store_open(f.url, &s, err, sizeof err) != 0 || store_connect(s, &db) != 0 ||
        db_exec(db, "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public") != 0) {
        fprintf(stderr, "postgres reset: %s %s\n", err, db ? db_errmsg(db) : "");
        db_close(db);
        store_close(s);
        return -1;
    }
    db_close(db);
    store_close(s);
    return setup_common(&f);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_write_stop(f->s);
    db_close(f->db);
    store_close(f->s);
    if (f->dir[0])
        nftw(f->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    return 0;
}

int main(void)
{
    const struct CMUnitTest format_tests[] = {
        cmocka_unit_test(vietnamese_subject_decodes_back_and_lines_stay_short),
        cmocka_unit_test(a_long_subject_is_split_between_characters),
        cmocka_unit_test(body_lines_become_crlf_in_base64_lines_of_76),
        cmocka_unit_test(message_id_is_stable_per_message_and_from_the_senders_domain),
        cmocka_unit_test(cr_or_lf_in_subject_or_address_is_refused),
        cmocka_unit_test(smtp_from_forms),
        cmocka_unit_test(backoff_grows_to_six_hours),
    };
    const struct CMUnitTest db_tests[] = {
        cmocka_unit_test_setup(dedupe_key_queues_once, clean),
        cmocka_unit_test_setup(a_rolled_back_change_queues_nothing, clean),
        cmocka_unit_test_setup(bad_messages_are_refused_at_the_door, clean),
        cmocka_unit_test_setup(webhook_is_posted_and_retried_after_a_500, clean),
        cmocka_unit_test_setup(the_eighth_failure_gives_up_with_the_last_error, clean),
        cmocka_unit_test_setup(without_a_setting_messages_wait, clean),
        cmocka_unit_test_setup(a_row_with_cr_lf_in_a_header_is_refused_not_sent, clean),
        cmocka_unit_test_setup(stop_is_prompt_with_a_silent_server, clean),
        cmocka_unit_test_setup(email_arrives_is_retried_while_the_server_is_down_and_arrives_once,
                               clean),
        cmocka_unit_test_setup(a_restarted_sender_delivers_what_was_pending, clean),
    };
    signal(SIGPIPE, SIG_IGN);
    int failed = cmocka_run_group_tests_name("comms_format", format_tests, NULL, NULL);

    /* Receivers shared by both engines. */
    pthread_mutex_init(&hook.mu, NULL);
    hook.fd = listen_loopback(&hook.port);
    if (hook.fd < 0 || pthread_create(&hook.thread, NULL, hook_loop, &hook) != 0) {
        fprintf(stderr, "cannot start the webhook receiver\n");
        return 1;
    }
    snprintf(sink.dir, sizeof sink.dir, "/tmp/danchu-smtp-XXXXXX");
    if (!mkdtemp(sink.dir))
        return 1;
    find_python(&sink);
    if (sink.python[0]) {
        sink.port = free_port();
        if (sink_start(&sink) != 0) {
            fprintf(stderr, "cannot start aiosmtpd with %s\n", sink.python);
            return 1;
        }
    }

    failed += cmocka_run_group_tests_name("comms_sqlite", db_tests, setup_sqlite, teardown);
    if (getenv("DANCHU_TEST_PG_URL") && *getenv("DANCHU_TEST_PG_URL"))
        failed += cmocka_run_group_tests_name("comms_postgres", db_tests, setup_postgres, teardown);
    else
        printf("postgres cases skipped: no DANCHU_TEST_PG_URL "
               "(run: scripts/with-postgres.sh build/tests/comms_test)\n");

    sink_stop(&sink);
    nftw(sink.dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    shutdown(hook.fd, SHUT_RDWR);
    close(hook.fd);
    pthread_join(hook.thread, NULL);
    return failed ? 1 : 0;
}

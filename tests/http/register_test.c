/*
 * register_test.c - residents register with a phone number; the village head
 * confirms them against the roll; the SMS one-time code through the gateway
 * webhook (a local receiver started here) links a phone already on the roll.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static struct h_server srv;

/* The SMS gateway stand-in: accepts POSTs and remembers the last body. */
struct sms_sink {
    int fd;             /* listening socket */
    int port;           /* its port */
    pthread_t thread;   /* accept loop */
    pthread_mutex_t mu; /* guards last and n */
    char last[1024];    /* last request body */
    int n;              /* requests received */
};

static struct sms_sink sink;

static void *sink_loop(void *arg)
{
    struct sms_sink *s = arg;
    for (;;) {
        int c = accept(s->fd, NULL, NULL);
        if (c < 0)
            return NULL;
        char req[8192];
        size_t n = 0;
        ssize_t k;
        /* Read headers and the body (Content-Length is small). */
        while (n < sizeof req - 1 && (k = read(c, req + n, sizeof req - 1 - n)) > 0) {
            n += (size_t)k;
            req[n] = '\0';
            char *hend = strstr(req, "\r\n\r\n");
            char *cl = strcasestr(req, "Content-Length:");
            if (hend && cl) {
                long len = strtol(cl + 15, NULL, 10);
                if ((long)(n - (size_t)(hend + 4 - req)) >= len)
                    break;
            }
        }
        req[n] = '\0';
        char *body = strstr(req, "\r\n\r\n");
        pthread_mutex_lock(&s->mu);
        snprintf(s->last, sizeof s->last, "%s", body ? body + 4 : "");
        s->n++;
        pthread_mutex_unlock(&s->mu);
        const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
        ssize_t w = write(c, ok, sizeof ok - 1);
        (void)w;
        close(c);
    }
}

static int sink_start(struct sms_sink *s)
{
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s->fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(s->fd, 16) != 0)
        return -1;
    socklen_t len = sizeof a;
    getsockname(s->fd, (struct sockaddr *)&a, &len);
    s->port = ntohs(a.sin_port);
    pthread_mutex_init(&s->mu, NULL);
    return pthread_create(&s->thread, NULL, sink_loop, s);
}

/* The 6-digit code in the last SMS, or "" when none came. */
static void sink_code(struct sms_sink *s, char out[7])
{
    out[0] = '\0';
    pthread_mutex_lock(&s->mu);
    for (const char *p = s->last; *p; p++) {
        int run = 0;
        while (p[run] >= '0' && p[run] <= '9')
            run++;
        if (run == 6) {
            memcpy(out, p, 6);
            out[6] = '\0';
            break;
        }
        if (run)
            p += run - 1;
    }
    pthread_mutex_unlock(&s->mu);
}

static int setup(void **state)
{
    (void)state;
    if (sink_start(&sink) != 0)
        return -1;
    if (h_db_create(&srv) != 0)
        return -1;
    char conf[700];
    snprintf(conf, sizeof conf, "%s/danchu.conf", srv.tmp_dir);
    FILE *f = fopen(conf, "w");
    if (!f)
        return -1;
    fprintf(f, "[danchu]\nsms_webhook = http://127.0.0.1:%d/sms\n", sink.port);
    fclose(f);
    return h_serve(&srv);
}

static int teardown(void **state)
{
    (void)state;
    shutdown(sink.fd, SHUT_RDWR);
    close(sink.fd);
    pthread_join(sink.thread, NULL);
    return h_stop(&srv);
}

static struct h_response *register_as(struct h_client *c, const char *name, const char *phone,
                                      const char *village, const char *household)
{
    const char *csrf = h_csrf(c, "/dang-ky");
    const char *fields[] = {"_csrf",    csrf,         "ho_ten",    name,         "dien_thoai",
                            phone,      "thon",       village,     "ma_ho",      household,
                            "mat_khau", "matkhau123", "mat_khau2", "matkhau123", NULL};
    return h_post_form(c, "/dang-ky", fields);
}

/* A phone number unique to this run and to n. */
static const char *fresh_phone(struct h_client *c, int n)
{
    return h_fmt(c, "09%02d%06d", n, (int)(getpid() % 1000000));
}

static void registration_with_bad_fields_keeps_what_was_typed(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    const char *csrf = h_csrf(c, "/dang-ky");
    const char *fields[] = {"_csrf",     csrf,   "ho_ten", "Lê Thị Hoà", "dien_thoai",
                            "12345",     "thon", "",       "mat_khau",   "ngan",
                            "mat_khau2", "khac", "format", "json",       NULL};
    struct h_response *r = h_post_form(c, "/dang-ky?format=json", fields);
    assert_int_equal(r->status, 422);
    json_t *j = h_json(r);
    assert_string_equal(h_jstr(j, "form.ho_ten"), "Lê Thị Hoà");
    assert_non_null(h_jstr(j, "errors.dien_thoai"));
    assert_non_null(h_jstr(j, "errors.thon"));
    assert_non_null(h_jstr(j, "errors.mat_khau"));
    h_client_free(c);
}

static void village_head_confirms_a_registration_against_the_roll(void **state)
{
    (void)state;
    struct h_client *res = h_client_new(&srv);
    const char *phone = fresh_phone(res, 11);
    struct h_response *r = register_as(res, "Nguyễn Thị Đăng Ký", phone, "9900101", "9900101-0003");
    /* The SMS goes out, but this phone is not on the roll: the village head decides. */
    assert_true(r->status == 303 || r->status == 200);

    /* Pending: cannot sign in yet, and is told why. */
    struct h_client *early = h_client_new(&srv);
    const char *csrf = h_csrf(early, "/dang-nhap");
    const char *f1[] = {"_csrf", csrf, "ten_dang_nhap", phone, "mat_khau", "matkhau123", NULL};
    r = h_post_form(early, "/dang-nhap", f1);
    assert_int_not_equal(r->status, 303);
    assert_true(h_has(r, "chưa được xác nhận"));

    /* A head of another village can neither see nor confirm it. */
    struct h_client *other = h_client_new(&srv);
    assert_int_equal(h_signin(other, "truongthon2", "danchu2026"), 0);
    assert_int_equal(h_get(other, "/don-vi/9900101/xac-nhan")->status, 403);

    struct h_client *head = h_client_new(&srv);
    assert_int_equal(h_signin(head, "truongthon", "danchu2026"), 0);
    json_t *j = h_json(h_get(head, "/don-vi/9900101/xac-nhan?format=json"));
    json_t *list = h_jget(j, "pending");
    json_t *mine = NULL;
    size_t i;
    json_t *p;
    json_array_foreach(list, i, p)
    {
        if (strcmp(json_string_value(json_object_get(p, "phone")), phone) == 0)
            mine = p;
    }
    assert_non_null(mine);
    assert_true(json_is_true(json_object_get(mine, "household_known")));
    long long id = json_integer_value(json_object_get(mine, "id"));

    const char *ocsrf = h_csrf(other, "/");
    const char *fo[] = {"_csrf", ocsrf, "ma_ho", "9900101-0003", NULL};
    assert_int_equal(h_post_form(other, h_fmt(other, "/tai-khoan/%lld/xac-nhan", id), fo)->status,
                     403);

    /* A household code that is not in the village confirms nothing. */
    const char *hcsrf = h_jstr(j, "csrf");
    const char *fbad[] = {"_csrf", hcsrf, "ma_ho", "9900201-0001", NULL};
    r = h_post_form(head, h_fmt(head, "/tai-khoan/%lld/xac-nhan", id), fbad);
    assert_int_equal(r->status, 303);
    long long linked = -1;
    assert_int_equal(h_db_int(&srv,
                              h_fmt(head,
                                    "SELECT COUNT(*) FROM accounts WHERE id = %lld AND "
                                    "status = 'pending'",
                                    id),
                              &linked),
                     0);
    assert_int_equal(linked, 1);

    const char *fgood[] = {"_csrf", hcsrf, "ma_ho", "9900101-0003", NULL};
    r = h_post_form(head, h_fmt(head, "/tai-khoan/%lld/xac-nhan", id), fgood);
    assert_int_equal(r->status, 303);
    assert_int_equal(h_db_int(&srv,
                              h_fmt(head, "SELECT household_id FROM accounts WHERE id = %lld", id),
                              &linked),
                     0);
    assert_true(linked > 0);

    /* Now the resident signs in. */
    assert_int_equal(h_signin(res, phone, "matkhau123"), 0);
    h_client_free(res);
    h_client_free(early);
    h_client_free(other);
    h_client_free(head);
}

static void the_same_phone_cannot_register_twice(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    const char *phone = fresh_phone(c, 22);
    struct h_response *r = register_as(c, "Trần Văn Một", phone, "9900102", "");
    assert_true(r->status == 303 || r->status == 200);
    struct h_client *d = h_client_new(&srv);
    r = register_as(d, "Trần Văn Hai", phone, "9900102", "");
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "đã được đăng ký"));
    h_client_free(c);
    h_client_free(d);
}

static void sms_code_links_a_phone_already_on_the_roll(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    const char *phone = fresh_phone(c, 33);
    /* Put this phone on one member of group 9900104. */
    assert_int_equal(
        h_db_exec(&srv, h_fmt(c,
                              "UPDATE members SET phone = '%s' WHERE id = (SELECT MIN(m.id) FROM "
                              "members m JOIN households h ON h.id = m.household_id JOIN units u "
                              "ON u.id = h.village_id WHERE u.code = '9900104')",
                              phone)),
        0);
    int before = sink.n;
    struct h_response *r = register_as(c, "Người Có Số Trong Sổ", phone, "9900104", "");
    assert_int_equal(r->status, 303);
    assert_non_null(strstr(h_header(r, "Location"), "/dang-ky/xac-minh"));
    assert_int_equal(sink.n, before + 1);
    char code[7];
    sink_code(&sink, code);
    assert_int_equal(strlen(code), 6);

    /* A wrong code is refused with a Vietnamese message. */
    const char *csrf = h_csrf(c, h_fmt(c, "/dang-ky/xac-minh?so=%s", phone));
    char wrong[16];
    snprintf(wrong, sizeof wrong, "%06d", (int)((strtol(code, NULL, 10) + 1) % 1000000));
    const char *fw[] = {"_csrf", csrf, "so", phone, "ma", wrong, NULL};
    r = h_post_form(c, "/dang-ky/xac-minh", fw);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "không đúng"));

    const char *fr[] = {"_csrf", csrf, "so", phone, "ma", code, NULL};
    r = h_post_form(c, "/dang-ky/xac-minh", fr);
    assert_int_equal(r->status, 303);
    long long hh = 0;
    assert_int_equal(
        h_db_int(&srv, h_fmt(c, "SELECT household_id FROM accounts WHERE login = '%s'", phone),
                 &hh),
        0);
    assert_true(hh > 0);
    /* The code is used up. */
    r = h_post_form(c, "/dang-ky/xac-minh", fr);
    assert_int_equal(r->status, 422);
    assert_int_equal(h_signin(c, phone, "matkhau123"), 0);
    h_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(registration_with_bad_fields_keeps_what_was_typed),
        cmocka_unit_test(village_head_confirms_a_registration_against_the_roll),
        cmocka_unit_test(the_same_phone_cannot_register_twice),
        cmocka_unit_test(sms_code_links_a_phone_already_on_the_roll),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

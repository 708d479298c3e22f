/*
 * kill9_client.c - the writing side of the crash-durability test (tests/crash/kill9.sh).
 *
 *   kill9_client BASE_URL VILLAGE N_CLIENTS SECONDS ACK_FILE READY_FILE
 *
 * Signs in N_CLIENTS clients as the village head (each its own cookie jar, session and CSRF
 * token, each from its own loopback source address 127.0.0.(10+i), as separate phones would
 * be), then runs them at once: client i POSTs new households K<i>-<n> to
 * /don-vi/VILLAGE/ho as fast as the server answers, for SECONDS seconds or until the server
 * stops answering. A code goes to ACK_FILE (one per line, written and flushed before the next
 * request) only once its POST was answered 2xx or 303: the server has promised it is stored.
 * READY_FILE is created when every client has signed in and the writing starts, so the script
 * knows when to kill the server. Prints a one-line summary on stdout; exits 0 when every client
 * signed in, 1 otherwise.
 *
 * Memory: each client owns its curl handle and response buffer; main frees them at the end.
 */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_CLIENTS 200
#define LOGIN "truongthon"
#define PASSWORD "danchu2026"

/* A growable response body. */
struct body {
    char *ptr;  /* bytes, NUL-terminated, owned */
    size_t len; /* bytes used, without the NUL */
    size_t cap; /* bytes allocated */
};

/* One simulated person with a phone. */
struct client {
    int id;           /* 0..N_CLIENTS-1, part of every code it writes */
    CURL *h;          /* its handle, with its own cookie engine; owned */
    struct body body; /* the last response body */
    char csrf[256];   /* the session's CSRF token */
    char source[32];  /* loopback source address */
    long acked;       /* POSTs answered 2xx/303 */
    long rejected;    /* POSTs answered with another status */
    long failed;      /* POSTs that got no answer (connection refused, reset, timeout) */
};

/* What every thread shares. */
struct shared {
    const char *base;       /* http://127.0.0.1:PORT */
    const char *village;    /* unit code of the village written to */
    double seconds;         /* how long to write */
    struct timespec start;  /* when writing started */
    FILE *ack;              /* acknowledged codes, one per line */
    pthread_mutex_t ack_mu; /* guards ack */
    pthread_barrier_t go;   /* every writer starts together */
};

static struct shared sh;

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("kill9_client: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static size_t on_data(char *data, size_t size, size_t n, void *arg)
{
    struct body *b = arg;
    size_t add = size * n;
    if (b->len + add + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 16384;
        while (cap < b->len + add + 1)
            cap *= 2;
        char *p = realloc(b->ptr, cap);
        if (!p)
            die("out of memory");
        b->ptr = p;
        b->cap = cap;
    }
    memcpy(b->ptr + b->len, data, add);
    b->len += add;
    b->ptr[b->len] = '\0';
    return add;
}

static double elapsed(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - sh.start.tv_sec) + (double)(now.tv_nsec - sh.start.tv_nsec) / 1e9;
}

/*
 * Sends one request: a GET when form is NULL, else a POST of the urlencoded form. Returns the
 * HTTP status, or -1 when no answer came. Redirects are not followed.
 */
static long request(struct client *c, const char *path, const char *form)
{
    char url[512];
    long status = 0;
    snprintf(url, sizeof url, "%s%s", sh.base, path);
    c->body.len = 0;
    if (c->body.ptr)
        c->body.ptr[0] = '\0';
    curl_easy_setopt(c->h, CURLOPT_URL, url);
    if (form) {
        curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, form);
    } else {
        curl_easy_setopt(c->h, CURLOPT_HTTPGET, 1L);
    }
    if (curl_easy_perform(c->h) != CURLE_OK)
        return -1;
    curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &status);
    return status;
}

/* Copies the first form's _csrf value out of the last response body. */
static int read_csrf(struct client *c)
{
    static const char mark[] = "name=\"_csrf\" value=\"";
    const char *p = c->body.ptr ? strstr(c->body.ptr, mark) : NULL;
    if (!p)
        return -1;
    p += sizeof mark - 1;
    const char *end = strchr(p, '"');
    if (!end || (size_t)(end - p) >= sizeof c->csrf)
        return -1;
    memcpy(c->csrf, p, (size_t)(end - p));
    c->csrf[end - p] = '\0';
    return 0;
}

/* Signs the client in through the real form and reads its session's CSRF token. */
static int sign_in(struct client *c)
{
    char path[128];
    char form[512];
    snprintf(path, sizeof path, "/don-vi/%s/ho/them", sh.village);
    if (request(c, "/dang-nhap", NULL) != 200 || read_csrf(c) != 0)
        return -1;
    snprintf(form, sizeof form, "ten_dang_nhap=%s&mat_khau=%s&tiep=%s&_csrf=%s", LOGIN, PASSWORD,
             path, c->csrf);
    long st = request(c, "/dang-nhap", form);
    if (st != 303) {
        fprintf(stderr, "kill9_client: client %d: sign-in answered %ld\n", c->id, st);
        return -1;
    }
    if (request(c, path, NULL) != 200 || read_csrf(c) != 0)
        return -1;
    return 0;
}

static void *writer(void *arg)
{
    struct client *c = arg;
    char path[128];
    char form[1024];
    char code[64];
    snprintf(path, sizeof path, "/don-vi/%s/ho", sh.village);
    pthread_barrier_wait(&sh.go);
    for (int n = 1; elapsed() < sh.seconds; n++) {
        snprintf(code, sizeof code, "K%d-%d", c->id, n);
        /* "Nguyễn Văn Kiên", percent-encoded UTF-8. */
        snprintf(form, sizeof form,
                 "_csrf=%s&ma_ho=%s&ho_ten=Nguy%%E1%%BB%%85n+V%%C4%%83n+Ki%%C3%%AAn+%d+%d"
                 "&gioi_tinh=nam&ngay_sinh=1980&quan_he=Ch%%E1%%BB%%A7+h%%E1%%BB%%99"
                 "&dia_chi=S%%E1%%BB%%91+%d",
                 c->csrf, code, c->id, n, n);
        long st = request(c, path, form);
        if (st == 303 || (st >= 200 && st < 300)) {
            pthread_mutex_lock(&sh.ack_mu);
            fprintf(sh.ack, "%s\n", code);
            fflush(sh.ack);
            pthread_mutex_unlock(&sh.ack_mu);
            c->acked++;
        } else if (st > 0) {
            c->rejected++;
            if (c->rejected <= 3)
                fprintf(stderr, "kill9_client: %s answered %ld\n", code, st);
        } else {
            /* No answer: the server is gone; the request may or may not have committed. */
            c->failed++;
            break;
        }
    }
    return NULL;
}

static int parse_count(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    static struct client clients[MAX_CLIENTS];
    static pthread_t threads[MAX_CLIENTS];
    long n_clients;
    long seconds;
    int signed_in = 0;
    if (argc != 7 || parse_count(argv[3], 1, MAX_CLIENTS, &n_clients) != 0 ||
        parse_count(argv[4], 1, 60, &seconds) != 0)
        die("usage: kill9_client BASE_URL VILLAGE N_CLIENTS SECONDS ACK_FILE READY_FILE");
    sh.base = argv[1];
    sh.village = argv[2];
    sh.seconds = (double)seconds;
    sh.ack = fopen(argv[5], "w");
    if (!sh.ack)
        die("%s: %s", argv[5], strerror(errno));
    pthread_mutex_init(&sh.ack_mu, NULL);
    pthread_barrier_init(&sh.go, NULL, (unsigned)n_clients + 1);
    curl_global_init(CURL_GLOBAL_DEFAULT);

    /*
     * Sign in one after another: the server counts every sign-in of a login against its limit
     * until the password is checked, so 32 at once could be refused with 429.
     */
    for (int i = 0; i < (int)n_clients; i++) {
        struct client *c = &clients[i];
        c->id = i;
        c->h = curl_easy_init();
        if (!c->h)
            die("curl_easy_init failed");
        snprintf(c->source, sizeof c->source, "127.0.0.%d", 10 + i);
        curl_easy_setopt(c->h, CURLOPT_COOKIEFILE, "");
        curl_easy_setopt(c->h, CURLOPT_INTERFACE, c->source);
        curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, on_data);
        curl_easy_setopt(c->h, CURLOPT_WRITEDATA, &c->body);
        curl_easy_setopt(c->h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c->h, CURLOPT_TIMEOUT, 15L);
        curl_easy_setopt(c->h, CURLOPT_CONNECTTIMEOUT, 5L);
        if (sign_in(c) == 0)
            signed_in++;
        else
            fprintf(stderr, "kill9_client: client %d could not sign in\n", i);
    }
    if (signed_in != n_clients) {
        fprintf(stderr, "kill9_client: %d of %ld clients signed in\n", signed_in, n_clients);
        return 1;
    }

    for (int i = 0; i < (int)n_clients; i++)
        if (pthread_create(&threads[i], NULL, writer, &clients[i]) != 0)
            die("pthread_create failed");
    clock_gettime(CLOCK_MONOTONIC, &sh.start);
    FILE *ready = fopen(argv[6], "w");
    if (!ready)
        die("%s: %s", argv[6], strerror(errno));
    fclose(ready);
    pthread_barrier_wait(&sh.go);

    long acked = 0;
    long rejected = 0;
    long failed = 0;
    for (int i = 0; i < (int)n_clients; i++) {
        pthread_join(threads[i], NULL);
        acked += clients[i].acked;
        rejected += clients[i].rejected;
        failed += clients[i].failed;
        curl_easy_cleanup(clients[i].h);
        free(clients[i].body.ptr);
    }
    fclose(sh.ack);
    curl_global_cleanup();
    printf("kill9_client: %ld clients, %ld acknowledged, %ld refused, %ld unanswered, %.1f s\n",
           n_clients, acked, rejected, failed, elapsed());
    return 0;
}

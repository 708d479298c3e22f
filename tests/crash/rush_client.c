/*
 * rush_client.c - the voting side of the online closing-rush crash test
 * (tests/crash/decision_rush.sh).
 *
 *   rush_client BASE_URL N_CLIENTS CODES_FILE OUT_FILE READY_FILE
 *
 * N_CLIENTS households' phones, each with its own cookie jar, first GET the ballot page of one
 * card code (/phieu/CODE) for their visitor cookie (dc_anon) and the form's CSRF token, then
 * all at once vote with the codes of CODES_FILE (one a line), each code taken once by one
 * client, as fast as the server answers: POST /phieu/CODE with lua_chon = 1, 2 or 3 (derived
 * from the code, so a code sent again carries the same choice). They stop when every code is
 * taken, or a client at its first request without an answer (the server is gone).
 *
 * Each answer goes to OUT_FILE, written and flushed before the client's next request, as
 * "CODE RESULT RECEIPT CHOICE" (RECEIPT "-" when none):
 *   200      the vote is acknowledged: the page holds the receipt as <code>RECEIPT</code>
 *   409      the household has already voted (the page says "đã biểu quyết")
 *   closed   409 for another reason (the online window is closed)
 *   <status> any other status (a 200 without a receipt is "200-noreceipt")
 *   cut      sent, and the connection died unanswered: it may or may not have committed
 *   unsent   no answer, and the vote never left (connection refused)
 * Codes never taken do not appear. READY_FILE is created when every client has its token and
 * the voting starts. Prints a one-line summary on stdout; exits 0 when every client got its
 * token, 1 otherwise, 2 on bad usage or a local failure.
 *
 * Memory: each client owns its curl handle and response buffer, main owns the codes; all are
 * freed at the end.
 */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_CLIENTS 200
#define RECEIPT_LEN 12 /* DM_RECEIPT_LEN */
#define MAX_CODE 32    /* longer lines are not codes */
/* The refusal of a second vote (after_vote in src/decision/public.c). */
#define ALREADY_VOTED "đã biểu quyết"

/* A growable response body. */
struct body {
    char *ptr;  /* bytes, NUL-terminated, owned */
    size_t len; /* bytes used, without the NUL */
    size_t cap; /* bytes allocated */
};

/* One household's phone. */
struct client {
    int id;           /* 0..N_CLIENTS-1 */
    CURL *h;          /* its handle, with its own cookie engine; owned */
    struct body body; /* the last response body */
    char csrf[256];   /* the form's CSRF token for this visitor */
    long acked;       /* answered 200 with a receipt */
    long repeated;    /* answered 409: already voted */
    long refused;     /* answered otherwise */
    long cut;         /* sent, then the connection died unanswered */
    long unsent;      /* no connection */
    const char *form; /* the POST body being sent, NULL for a GET */
    size_t form_pos;  /* bytes of it handed to libcurl */
    int sent;         /* this request's body began to leave */
};

/* What every thread shares. */
struct shared {
    const char *base;       /* http://127.0.0.1:PORT */
    char **codes;           /* the codes; owned by main */
    long n_codes;           /* their count */
    atomic_long next;       /* the next code to take */
    struct timespec start;  /* when voting started */
    FILE *out;              /* one line per answer */
    pthread_mutex_t out_mu; /* guards out */
    pthread_barrier_t go;   /* every client starts together */
};

static struct shared sh;

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("rush_client: ", stderr);
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

/* Hands the form to libcurl as it sends the request, and notes that it is leaving. */
static size_t read_form(char *buf, size_t size, size_t n, void *arg)
{
    struct client *c = arg;
    size_t len = strlen(c->form) - c->form_pos;
    if (len > size * n)
        len = size * n;
    memcpy(buf, c->form + c->form_pos, len);
    c->form_pos += len;
    c->sent = 1;
    return len;
}

/*
 * Sends a GET of path (form NULL) or a POST of the form. Returns the HTTP status, or a negative
 * curl error when no answer came. The form is read through a callback without a seek function:
 * libcurl resends a request by itself when a reused connection dies before any answer, and a
 * vote resent that way to a dead server would come back "connection refused" though the first
 * sending had reached the server (and perhaps committed); without a way to rewind, libcurl
 * reports the failure instead, and c->sent tells that the vote left.
 */
static long request(struct client *c, const char *path, const char *form)
{
    char url[512];
    long status = 0;
    snprintf(url, sizeof url, "%s%s", sh.base, path);
    c->body.len = 0;
    if (c->body.ptr)
        c->body.ptr[0] = '\0';
    c->form = form;
    c->form_pos = 0;
    c->sent = 0;
    curl_easy_setopt(c->h, CURLOPT_URL, url);
    if (form) {
        curl_easy_setopt(c->h, CURLOPT_POST, 1L);
        curl_easy_setopt(c->h, CURLOPT_READFUNCTION, read_form);
        curl_easy_setopt(c->h, CURLOPT_READDATA, c);
        curl_easy_setopt(c->h, CURLOPT_POSTFIELDSIZE, (long)strlen(form));
    } else {
        curl_easy_setopt(c->h, CURLOPT_HTTPGET, 1L);
    }
    CURLcode rc = curl_easy_perform(c->h);
    if (rc != CURLE_OK)
        return -(long)rc;
    curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &status);
    return status;
}

/* Copies the form's _csrf value out of the last response body. */
static int read_csrf(struct client *c)
{
    static const char mark[] = "name=\"_csrf\" value=\"";
    const char *p = c->body.ptr ? strstr(c->body.ptr, mark) : NULL;
    if (!p)
        return -1;
    p += sizeof mark - 1;
    const char *end = strchr(p, '"');
    if (!end || end == p || (size_t)(end - p) >= sizeof c->csrf)
        return -1;
    memcpy(c->csrf, p, (size_t)(end - p));
    c->csrf[end - p] = '\0';
    return 0;
}

/* The receipt of the last response, <code>RECEIPT</code>, into out; -1 when there is none. */
static int read_receipt(const struct client *c, char *out)
{
    static const char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    const char *p = c->body.ptr ? strstr(c->body.ptr, "<code>") : NULL;
    if (!p)
        return -1;
    p += 6;
    if (strspn(p, alphabet) != RECEIPT_LEN || strncmp(p + RECEIPT_LEN, "</code>", 7) != 0)
        return -1;
    memcpy(out, p, RECEIPT_LEN);
    out[RECEIPT_LEN] = '\0';
    return 0;
}

/* The choice sent with a code: the same whenever the code is sent. */
static int choice_of(const char *code)
{
    unsigned sum = 0;
    for (const char *p = code; *p; p++)
        sum += (unsigned char)*p;
    return (int)(sum % 3) + 1;
}

static void record(const char *code, const char *result, const char *receipt, int choice)
{
    pthread_mutex_lock(&sh.out_mu);
    fprintf(sh.out, "%s %s %s %d\n", code, result, receipt, choice);
    fflush(sh.out);
    pthread_mutex_unlock(&sh.out_mu);
}

static void *voter(void *arg)
{
    struct client *c = arg;
    char path[64], body[512], receipt[RECEIPT_LEN + 1], status[32];
    pthread_barrier_wait(&sh.go);
    for (;;) {
        long i = atomic_fetch_add(&sh.next, 1);
        if (i >= sh.n_codes)
            break;
        const char *code = sh.codes[i];
        int choice = choice_of(code);
        snprintf(path, sizeof path, "/phieu/%s", code);
        snprintf(body, sizeof body, "lua_chon=%d&_csrf=%s", choice, c->csrf);
        long st = request(c, path, body);
        if (st == 200 && read_receipt(c, receipt) == 0) {
            record(code, "200", receipt, choice);
            c->acked++;
        } else if (st == 409 && c->body.ptr && strstr(c->body.ptr, ALREADY_VOTED)) {
            record(code, "409", "-", choice);
            c->repeated++;
        } else if (st > 0) {
            snprintf(status, sizeof status, "%s",
                     st == 200   ? "200-noreceipt"
                     : st == 409 ? "closed"
                                 : "");
            if (!status[0])
                snprintf(status, sizeof status, "%ld", st);
            record(code, status, "-", choice);
            c->refused++;
            if (c->refused <= 3)
                fprintf(stderr, "rush_client: %s answered %s\n", code, status);
        } else if (!c->sent) {
            record(code, "unsent", "-", choice);
            c->unsent++;
            break;
        } else {
            /* The request may have reached the server and committed before it died. */
            record(code, "cut", "-", choice);
            c->cut++;
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

/* The codes of path, one a line; exits on failure. */
static char **read_codes(const char *path, long *n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        die("%s: %s", path, strerror(errno));
    long cap = 1024;
    char **codes = malloc((size_t)cap * sizeof *codes);
    char line[MAX_CODE + 2];
    *n = 0;
    while (codes && fgets(line, sizeof line, f)) {
        size_t len = strcspn(line, "\r\n");
        if (len == 0)
            continue;
        if (len > MAX_CODE)
            die("%s: a line is not a code", path);
        line[len] = '\0';
        if (*n == cap) {
            char **more = realloc(codes, (size_t)(cap *= 2) * sizeof *codes);
            if (!more)
                die("out of memory");
            codes = more;
        }
        codes[(*n)++] = strdup(line);
        if (!codes[*n - 1])
            die("out of memory");
    }
    if (!codes)
        die("out of memory");
    if (ferror(f))
        die("%s: read error", path);
    fclose(f);
    return codes;
}

int main(int argc, char **argv)
{
    static struct client clients[MAX_CLIENTS];
    static pthread_t threads[MAX_CLIENTS];
    long n_clients;
    int ready_clients = 0;
    if (argc != 6 || parse_count(argv[2], 1, MAX_CLIENTS, &n_clients) != 0)
        die("usage: rush_client BASE_URL N_CLIENTS CODES_FILE OUT_FILE READY_FILE");
    sh.base = argv[1];
    sh.codes = read_codes(argv[3], &sh.n_codes);
    if (sh.n_codes == 0)
        die("%s: no codes", argv[3]);
    sh.out = fopen(argv[4], "w");
    if (!sh.out)
        die("%s: %s", argv[4], strerror(errno));
    pthread_mutex_init(&sh.out_mu, NULL);
    pthread_barrier_init(&sh.go, NULL, (unsigned)n_clients + 1);
    curl_global_init(CURL_GLOBAL_DEFAULT);

    /* One GET each, one after another: the ballot page is cheap, and a client without its
     * token would only send refusals. A ballot page stays open after its household voted. */
    struct curl_slist *headers = curl_slist_append(NULL, "Expect:");
    char path[64];
    for (int i = 0; i < (int)n_clients; i++) {
        struct client *c = &clients[i];
        c->id = i;
        c->h = curl_easy_init();
        if (!c->h)
            die("curl_easy_init failed");
        curl_easy_setopt(c->h, CURLOPT_COOKIEFILE, "");
        curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, on_data);
        curl_easy_setopt(c->h, CURLOPT_WRITEDATA, &c->body);
        curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(c->h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c->h, CURLOPT_TIMEOUT, 15L);
        curl_easy_setopt(c->h, CURLOPT_CONNECTTIMEOUT, 5L);
        snprintf(path, sizeof path, "/phieu/%s", sh.codes[i % sh.n_codes]);
        long st = request(c, path, NULL);
        if (st == 200 && read_csrf(c) == 0)
            ready_clients++;
        else if (st > 0)
            fprintf(stderr, "rush_client: client %d: %s answered %ld without a token\n", i, path,
                    st);
        else
            fprintf(stderr, "rush_client: client %d: %s: %s\n", i, path,
                    curl_easy_strerror((CURLcode)-st));
    }
    if (ready_clients != n_clients) {
        fprintf(stderr, "rush_client: %d of %ld clients got their token\n", ready_clients,
                n_clients);
        return 1;
    }

    for (int i = 0; i < (int)n_clients; i++)
        if (pthread_create(&threads[i], NULL, voter, &clients[i]) != 0)
            die("pthread_create failed");
    clock_gettime(CLOCK_MONOTONIC, &sh.start);
    FILE *ready = fopen(argv[5], "w");
    if (!ready)
        die("%s: %s", argv[5], strerror(errno));
    fclose(ready);
    pthread_barrier_wait(&sh.go);

    long acked = 0, repeated = 0, refused = 0, cut = 0, unsent = 0;
    for (int i = 0; i < (int)n_clients; i++) {
        struct client *c = &clients[i];
        pthread_join(threads[i], NULL);
        acked += c->acked;
        repeated += c->repeated;
        refused += c->refused;
        cut += c->cut;
        unsent += c->unsent;
        curl_easy_cleanup(c->h);
        free(c->body.ptr);
    }
    double took = elapsed();
    fclose(sh.out);
    curl_slist_free_all(headers);
    long taken = atomic_load(&sh.next);
    if (taken > sh.n_codes)
        taken = sh.n_codes;
    for (long i = 0; i < sh.n_codes; i++)
        free(sh.codes[i]);
    free(sh.codes);
    curl_global_cleanup();
    printf("rush_client: %ld clients, %ld codes, %ld acknowledged, %ld already voted, %ld "
           "refused, %ld unanswered (%ld cut in flight, %ld not sent), %ld never taken, %.1f s\n",
           n_clients, sh.n_codes, acked, repeated, refused, cut + unsent, cut, unsent,
           sh.n_codes - taken, took);
    return 0;
}

/*
 * burst_client.c - the sending side of the submission crash test (tests/crash/burst.sh).
 *
 *   burst_client BASE_URL COMMUNE N_CLIENTS TOTAL PHOTO_FILE ACK_FILE READY_FILE
 *
 * N_CLIENTS anonymous residents, each with its own cookie jar and its own loopback source
 * address 127.0.0.(10+i) (separate phones), first GET /gui-y-kien/COMMUNE once for their
 * visitor cookie (dc_anon) and the form's CSRF token, then all at once POST the form as
 * multipart/form-data as fast as the server answers: a phản ánh (loai=feedback,
 * linh_vuc=ha_tang), sent anonymously, titled BURST-<client>-<n> (unique), with a Vietnamese
 * text and the JPEG at PHOTO_FILE as anh1. They stop when TOTAL submissions were acknowledged
 * in all, or at their first request without an answer (the server is gone).
 *
 * An answer 303 whose Location is /theo-doi/<CODE> (12 characters of the code alphabet) is an
 * acknowledgement: the server has promised the case is stored. "<title> <code>" then goes to
 * ACK_FILE, written and flushed before the client's next request. READY_FILE is created when
 * every client has its token and the sending starts, so the script can time the burst.
 * Prints a one-line summary on stdout; exits 0 when every client got its token, 1 otherwise,
 * 2 on bad usage or a local failure.
 *
 * Memory: each client owns its curl handle and response buffer, main owns the photo; all are
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
#include <strings.h>
#include <time.h>

#define MAX_CLIENTS 200
#define MAX_STATUSES 8  /* distinct refusal statuses remembered per client */
#define CODE_LEN 12     /* a tracking code's length */
#define FIELD "ha_tang" /* a field of data/feedback_fields.txt */
/* What a resident would write about a broken road (UTF-8, NFC as the server stores it). */
static const char text[] =
    "Đường bê tông đầu ngõ bị sụt lún sau trận mưa lớn, xe máy đi qua rất nguy hiểm; đề nghị xã "
    "cho kiểm tra và sửa chữa sớm.";

/* A growable response body. */
struct body {
    char *ptr;  /* bytes, NUL-terminated, owned */
    size_t len; /* bytes used, without the NUL */
    size_t cap; /* bytes allocated */
};

/* How often one refusal status came. */
struct status_count {
    long status; /* HTTP status, or 303 to somewhere else than a tracking page (as 3030) */
    long n;      /* times */
};

/* One simulated resident with a phone. */
struct client {
    int id;                                     /* 0..N_CLIENTS-1, part of every title */
    CURL *h;                                    /* its handle with its own cookie engine; owned */
    struct body body;                           /* the last response body */
    char location[256];                         /* the last response's Location, "" for none */
    char csrf[256];                             /* the form's CSRF token for this visitor */
    char source[32];                            /* loopback source address */
    long acked;                                 /* submissions answered 303 to a tracking page */
    long rejected;                              /* answered otherwise */
    long cut;                                   /* sent, then the connection died unanswered */
    long unsent;                                /* no answer, and the photo never left */
    size_t photo_pos;                           /* bytes of the photo handed to libcurl */
    int sent;                                   /* this request's photo began to leave */
    struct status_count statuses[MAX_STATUSES]; /* rejected, by status */
};

/* What every thread shares. */
struct shared {
    const char *base;       /* http://127.0.0.1:PORT */
    const char *commune;    /* unit code of the commune written to */
    long total;             /* acknowledgements wanted in all */
    const char *photo;      /* the JPEG's bytes; owned by main */
    size_t photo_len;       /* its length */
    struct timespec start;  /* when sending started */
    atomic_long claimed;    /* submissions sent or acknowledged, against total */
    atomic_long rejected;   /* refusals in all: a bound on a server that refuses everything */
    FILE *ack;              /* "<title> <code>" per acknowledgement */
    pthread_mutex_t ack_mu; /* guards ack */
    pthread_barrier_t go;   /* every client starts together */
};

static struct shared sh;

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("burst_client: ", stderr);
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

/* Keeps the Location header exactly as the server sent it (not resolved against the URL). */
static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
    struct client *c = arg;
    size_t len = size * n;
    static const char name[] = "location:";
    if (len > sizeof name - 1 && strncasecmp(data, name, sizeof name - 1) == 0) {
        const char *v = data + sizeof name - 1;
        const char *end = data + len;
        while (v < end && (*v == ' ' || *v == '\t'))
            v++;
        while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
            end--;
        size_t vl =
            (size_t)(end - v) < sizeof c->location ? (size_t)(end - v) : sizeof c->location - 1;
        memcpy(c->location, v, vl);
        c->location[vl] = '\0';
    }
    return len;
}

static double elapsed(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - sh.start.tv_sec) + (double)(now.tv_nsec - sh.start.tv_nsec) / 1e9;
}

/*
 * Sends one request to path: a GET when form is NULL, else a POST of the multipart form.
 * Returns the HTTP status, or a negative curl error when no answer came. Redirects are not
 * followed.
 */
static long request(struct client *c, const char *path, curl_mime *form)
{
    char url[512];
    long status = 0;
    snprintf(url, sizeof url, "%s%s", sh.base, path);
    c->body.len = 0;
    if (c->body.ptr)
        c->body.ptr[0] = '\0';
    c->location[0] = '\0';
    curl_easy_setopt(c->h, CURLOPT_URL, url);
    if (form)
        curl_easy_setopt(c->h, CURLOPT_MIMEPOST, form);
    else
        curl_easy_setopt(c->h, CURLOPT_HTTPGET, 1L);
    CURLcode rc = curl_easy_perform(c->h);
    if (rc != CURLE_OK)
        return -(long)rc;
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
    if (!end || end == p || (size_t)(end - p) >= sizeof c->csrf)
        return -1;
    memcpy(c->csrf, p, (size_t)(end - p));
    c->csrf[end - p] = '\0';
    return 0;
}

/* The tracking code of an acknowledgement's Location "/theo-doi/<CODE>", or NULL. */
static const char *ack_code(const char *location)
{
    static const char prefix[] = "/theo-doi/";
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    if (strncmp(location, prefix, sizeof prefix - 1) != 0)
        return NULL;
    const char *code = location + sizeof prefix - 1;
    if (strlen(code) != CODE_LEN || strspn(code, alphabet) != CODE_LEN)
        return NULL;
    return code;
}

static void count_status(struct client *c, long status)
{
    for (int i = 0; i < MAX_STATUSES; i++) {
        if (c->statuses[i].n == 0)
            c->statuses[i].status = status;
        if (c->statuses[i].status == status) {
            c->statuses[i].n++;
            return;
        }
    }
}

/* Hands the photo to libcurl as it sends the request, and notes that it is leaving. */
static size_t read_photo(char *buf, size_t size, size_t n, void *arg)
{
    struct client *c = arg;
    size_t len = size * n;
    if (len > sh.photo_len - c->photo_pos)
        len = sh.photo_len - c->photo_pos;
    memcpy(buf, sh.photo + c->photo_pos, len);
    c->photo_pos += len;
    c->sent = 1;
    return len;
}

/*
 * The form for one submission; the caller frees it with curl_mime_free. The photo is read
 * through a callback without a seek function: libcurl resends a request by itself when a
 * reused connection dies before any answer, and a submission resent that way could be stored
 * twice by the client's doing; without a way to rewind, libcurl reports the failure instead.
 */
static curl_mime *make_form(struct client *c, const char *title)
{
    curl_mime *m = curl_mime_init(c->h);
    const char *fields[][2] = {
        {"_csrf", c->csrf}, {"loai", "feedback"}, {"linh_vuc", FIELD},
        {"tieu_de", title}, {"noi_dung", text},   {"an_danh", "1"},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        curl_mimepart *p = curl_mime_addpart(m);
        curl_mime_name(p, fields[i][0]);
        curl_mime_data(p, fields[i][1], CURL_ZERO_TERMINATED);
    }
    curl_mimepart *p = curl_mime_addpart(m);
    curl_mime_name(p, "anh1");
    c->photo_pos = 0;
    c->sent = 0;
    curl_mime_data_cb(p, (curl_off_t)sh.photo_len, read_photo, NULL, NULL, c);
    curl_mime_filename(p, "anh.jpg");
    curl_mime_type(p, "image/jpeg");
    return m;
}

static void *sender(void *arg)
{
    struct client *c = arg;
    char path[128];
    char title[64];
    snprintf(path, sizeof path, "/gui-y-kien/%s", sh.commune);
    pthread_barrier_wait(&sh.go);
    for (int n = 1;; n++) {
        /* A place among the TOTAL, given back when the server refuses: exactly TOTAL
         * acknowledgements when the server keeps answering. */
        if (atomic_fetch_add(&sh.claimed, 1) >= sh.total)
            break;
        snprintf(title, sizeof title, "BURST-%d-%d", c->id, n);
        curl_mime *form = make_form(c, title);
        long st = request(c, path, form);
        curl_mime_free(form);
        const char *code = st == 303 ? ack_code(c->location) : NULL;
        if (code) {
            pthread_mutex_lock(&sh.ack_mu);
            fprintf(sh.ack, "%s %s\n", title, code);
            fflush(sh.ack);
            pthread_mutex_unlock(&sh.ack_mu);
            c->acked++;
        } else if (st > 0) {
            atomic_fetch_sub(&sh.claimed, 1);
            c->rejected++;
            count_status(c, st == 303 ? 3030 : st);
            /* A page says little in its first bytes; a plain-text error says why. */
            if (c->rejected <= 3)
                fprintf(stderr, "burst_client: %s answered %ld%s%s%s%.200s\n", title, st,
                        c->location[0] ? " to " : "", c->location,
                        c->body.ptr && c->body.ptr[0] != '<' ? ": " : "",
                        c->body.ptr && c->body.ptr[0] != '<' ? c->body.ptr : "");
            /* A server that refuses everything would otherwise keep the clients busy forever. */
            if (atomic_fetch_add(&sh.rejected, 1) >= sh.total)
                break;
        } else {
            /* No answer: the server is gone. A submission whose photo began to leave was cut in
             * flight and may or may not have committed; one whose photo never left (connection
             * refused) never reached the server. */
            if (c->sent)
                c->cut++;
            else
                c->unsent++;
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

/* The whole file at path, malloc'd; exits on failure. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("%s: %s", path, strerror(errno));
    size_t cap = 65536, n = 0;
    char *p = malloc(cap);
    for (size_t got; p && (got = fread(p + n, 1, cap - n, f)) > 0;) {
        n += got;
        if (n == cap) {
            char *q = realloc(p, cap *= 2);
            if (!q)
                free(p);
            p = q;
        }
    }
    if (!p)
        die("out of memory");
    if (ferror(f))
        die("%s: read error", path);
    fclose(f);
    *len = n;
    return p;
}

int main(int argc, char **argv)
{
    static struct client clients[MAX_CLIENTS];
    static pthread_t threads[MAX_CLIENTS];
    long n_clients;
    int ready_clients = 0;
    if (argc != 8 || parse_count(argv[3], 1, MAX_CLIENTS, &n_clients) != 0 ||
        parse_count(argv[4], 1, 10000000, &sh.total) != 0)
        die("usage: burst_client BASE_URL COMMUNE N_CLIENTS TOTAL PHOTO_FILE ACK_FILE "
            "READY_FILE");
    sh.base = argv[1];
    sh.commune = argv[2];
    char *photo = read_file(argv[5], &sh.photo_len);
    sh.photo = photo;
    sh.ack = fopen(argv[6], "w");
    if (!sh.ack)
        die("%s: %s", argv[6], strerror(errno));
    pthread_mutex_init(&sh.ack_mu, NULL);
    pthread_barrier_init(&sh.go, NULL, (unsigned)n_clients + 1);
    curl_global_init(CURL_GLOBAL_DEFAULT);

    /* One GET each, one after another: the form page is cheap, and a client without its token
     * would only send refusals. */
    char path[128];
    snprintf(path, sizeof path, "/gui-y-kien/%s", sh.commune);
    struct curl_slist *headers = curl_slist_append(NULL, "Expect:"); /* no 100-continue wait */
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
        curl_easy_setopt(c->h, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(c->h, CURLOPT_HEADERDATA, c);
        curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(c->h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c->h, CURLOPT_TIMEOUT, 15L);
        curl_easy_setopt(c->h, CURLOPT_CONNECTTIMEOUT, 5L);
        long st = request(c, path, NULL);
        if (st == 200 && read_csrf(c) == 0)
            ready_clients++;
        else if (st > 0)
            fprintf(stderr, "burst_client: client %d: the form answered %ld without a token\n", i,
                    st);
        else
            fprintf(stderr, "burst_client: client %d: the form: %s\n", i,
                    curl_easy_strerror((CURLcode)-st));
    }
    if (ready_clients != n_clients) {
        fprintf(stderr, "burst_client: %d of %ld clients got their token\n", ready_clients,
                n_clients);
        return 1;
    }

    for (int i = 0; i < (int)n_clients; i++)
        if (pthread_create(&threads[i], NULL, sender, &clients[i]) != 0)
            die("pthread_create failed");
    clock_gettime(CLOCK_MONOTONIC, &sh.start);
    FILE *ready = fopen(argv[7], "w");
    if (!ready)
        die("%s: %s", argv[7], strerror(errno));
    fclose(ready);
    pthread_barrier_wait(&sh.go);

    long acked = 0, rejected = 0, cut = 0, unsent = 0;
    struct status_count all[MAX_CLIENTS * MAX_STATUSES];
    size_t n_all = 0;
    for (int i = 0; i < (int)n_clients; i++) {
        struct client *c = &clients[i];
        pthread_join(threads[i], NULL);
        acked += c->acked;
        rejected += c->rejected;
        cut += c->cut;
        unsent += c->unsent;
        for (int k = 0; k < MAX_STATUSES && c->statuses[k].n; k++) {
            size_t j = 0;
            while (j < n_all && all[j].status != c->statuses[k].status)
                j++;
            if (j == n_all)
                all[n_all++] = (struct status_count){c->statuses[k].status, 0};
            all[j].n += c->statuses[k].n;
        }
        curl_easy_cleanup(c->h);
        free(c->body.ptr);
    }
    double took = elapsed();
    fclose(sh.ack);
    curl_slist_free_all(headers);
    free(photo);
    curl_global_cleanup();

    char by_status[512] = "";
    size_t off = 0;
    for (size_t j = 0; j < n_all && off < sizeof by_status; j++)
        off += (size_t)snprintf(by_status + off, sizeof by_status - off, "%s%ld: %ld",
                                j ? ", " : " (", all[j].status, all[j].n);
    if (n_all && off < sizeof by_status)
        snprintf(by_status + off, sizeof by_status - off, ")");
    printf("burst_client: %ld clients, %ld acknowledged, %ld rejected%s, %ld unanswered (%ld cut "
           "in flight, %ld not sent), %.1f s\n",
           n_clients, acked, rejected, by_status, cut + unsent, cut, unsent, took);
    return 0;
}

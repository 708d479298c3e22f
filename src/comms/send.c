/*
 * send.c - the outbox's sender: one thread with its own database connection.
 *
 * Each pass reads up to BATCH due messages (oldest first) and, for each: claims it through
 * the write queue (its next_attempt_at becomes a lease LEASE seconds ahead, so a second
 * server on the same PostgreSQL database skips it and a crash gives it back when the lease
 * runs out), sends it with libcurl outside any transaction, and records the result through
 * the write queue. A pass that found a full batch is followed at once by another; otherwise
 * the thread sleeps a second or until comms_kick().
 *
 * Nothing is sent inside a transaction and nothing waits on the network while holding a
 * lock: a slow SMTP server delays only the sender. A stop finishes the message in flight;
 * a transfer still running STOP_GRACE_US after the stop was asked is cut and the message
 * released unchanged (at least once: it may have arrived, and will be sent again).
 *
 * Ownership: struct comms owns copies of its settings, its connection and its thread.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "comms/curl_api.h"
#include "comms/internal.h"

#define BATCH 8   /* messages per pass */
#define LEASE 300 /* seconds a claimed message is ours (> a 30 s transfer) */
#define STOP_GRACE_US (3 * 1000 * 1000LL) /* a transfer may finish this long after a stop */

struct comms {
    struct store *s;          /* whose write queue records results */
    struct db *db;            /* the sender's own connection (reads) */
    char *smtp_url;           /* owned, "" when e-mail waits */
    char *smtp_user;          /* owned, "" for none */
    char *smtp_password;      /* owned, "" for none */
    char *webhook_url;        /* owned default webhook, "" for none */
    struct comms_from from;   /* parsed smtp_from */
    long smtp_tls;            /* CURLOPT_USE_SSL for smtp:// */
    pthread_t thread;         /* the sender */
    pthread_mutex_t mu;       /* guards kicked, stopping and stats */
    pthread_cond_t cv;        /* kicks and the stop (CLOCK_MONOTONIC timed waits) */
    int kicked;               /* comms_kick() since the last wait */
    int stopping;             /* comms_stop() was called */
    atomic_llong stop_at_us;  /* log_now_us() when the stop was asked, 0 before */
    struct comms_stats stats; /* counters */
    int warned_email;         /* "e-mail waits without smtp_url" was logged */
    int warned_webhook;       /* "webhook waits without a default URL" was logged */
    int read_failing;         /* the last read of due messages failed (log once) */
    int curl_ready;           /* curl_global_init() done (sender thread, before the join) */
};

int64_t comms_backoff(int attempts)
{
    static const int64_t steps[] = {60, 300, 1800, 7200, 21600};
    int n = (int)(sizeof steps / sizeof steps[0]);
    if (attempts < 1)
        attempts = 1;
    return steps[attempts > n ? n - 1 : attempts - 1];
}

static int stopping(struct comms *c)
{
    return atomic_load(&c->stop_at_us) != 0;
}

/* ---- libcurl ---------------------------------------------------------------------------- */

/* How a send ended: delivered, failed (try again later), refused before sending (a row that
 * breaks the rules of comms_enqueue_*, edited by hand: trying again cannot help), or cut by a
 * stop. */
enum sent { SENT_OK, SENT_FAILED, SENT_REFUSED, SENT_CUT };

/* Cuts a transfer that outlives the stop's grace period. */
static int on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    struct comms *c = arg;
    long long at = atomic_load(&c->stop_at_us);
    (void)dt, (void)dn, (void)ut, (void)un;
    return at != 0 && (long long)log_now_us() - at > STOP_GRACE_US;
}

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
    (void)p, (void)arg;
    return size * n;
}

/* Options both channels share: timeouts, no signals, the stop check, error text. */
static void common_options(struct comms *c, CURL *h, char *errbuf)
{
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
}

/* The outcome of a transfer, with a line for last_error when it failed. */
static enum sent outcome(CURLcode cc, const char *what, const char *errbuf, long code, int ok,
                         char *err, size_t err_len)
{
    if (cc == CURLE_ABORTED_BY_CALLBACK)
        return SENT_CUT;
    if (cc == CURLE_OK && ok)
        return SENT_OK;
    if (cc == CURLE_OK)
        snprintf(err, err_len, "%s: answered %ld", what, code);
    else if (code)
        snprintf(err, err_len, "%s: %s (answered %ld)", what,
                 errbuf[0] ? errbuf : curl_easy_strerror(cc), code);
    else
        snprintf(err, err_len, "%s: %s", what, errbuf[0] ? errbuf : curl_easy_strerror(cc));
    /* A server's reply may hold any bytes; last_error must be valid UTF-8 (PostgreSQL refuses
     * the record otherwise, and the message would go round forever). */
    for (char *p = err; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
            *p = '?';
    return SENT_FAILED;
}

/* What libcurl reads the message from. */
struct upload {
    const char *p; /* the message */
    size_t left;   /* bytes not yet handed over */
};

static size_t on_read(char *dst, size_t size, size_t n, void *arg)
{
    struct upload *u = arg;
    size_t k = size * n < u->left ? size * n : u->left;
    memcpy(dst, u->p, k);
    u->p += k;
    u->left -= k;
    return k;
}

static enum sent send_email(struct comms *c, const struct comms_msg *m, char *err, size_t err_len)
{
    struct buf msg;
    buf_init(&msg, NULL);
    struct comms_mail cm = {m->id, m->created_at, &c->from, m->to, m->subject, m->body};
    if (comms_mail_format(&cm, &msg) != 0) {
        buf_free(&msg);
        snprintf(err, err_len, "email: refused before sending (address, subject or body)");
        return SENT_REFUSED;
    }
    CURL *h = curl_easy_init();
    if (!h) {
        buf_free(&msg);
        snprintf(err, err_len, "email: libcurl failed to start");
        return SENT_FAILED;
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    char from[300], to[300];
    snprintf(from, sizeof from, "<%s>", c->from.addr);
    snprintf(to, sizeof to, "<%s>", m->to);
    struct curl_slist *rcpt = curl_slist_append(NULL, to);
    struct upload up = {msg.ptr, msg.len};
    common_options(c, h, errbuf);
    curl_easy_setopt(h, CURLOPT_URL, c->smtp_url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_USE_SSL, c->smtp_tls);
    if (c->smtp_user[0]) {
        curl_easy_setopt(h, CURLOPT_USERNAME, c->smtp_user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, c->smtp_password);
    }
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(h, CURLOPT_READDATA, &up);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg.len);
    CURLcode cc = curl_easy_perform(h);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(h);
    buf_free(&msg);
    return outcome(cc, "smtp", errbuf, code, 1, err, err_len);
}

static enum sent send_webhook(struct comms *c, const struct comms_msg *m, char *err, size_t err_len)
{
    const char *url = m->to[0] ? m->to : c->webhook_url;
    CURL *h = curl_easy_init();
    if (!h) {
        snprintf(err, err_len, "webhook: libcurl failed to start");
        return SENT_FAILED;
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    char id[64];
    snprintf(id, sizeof id, "X-Danchu-Outbox-Id: %lld", (long long)m->id);
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
    hdr = curl_slist_append(hdr, id);
    hdr = curl_slist_append(hdr, "Expect:"); /* no 100-continue round trip */
    common_options(c, h, errbuf);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "danchu");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, m->body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(m->body));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    CURLcode cc = curl_easy_perform(h);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    return outcome(cc, "webhook", errbuf, code, code >= 200 && code < 300, err, err_len);
}

/* ---- recording, through the write queue ------------------------------------------------ */

/* One write of the sender. run() sets its outputs afresh: it may run twice (store.h). */
struct record {
    int64_t id;        /* outbox.id */
    int64_t now;       /* when */
    int64_t until;     /* claim: lease end; failure: next attempt */
    int attempts;      /* failure: attempts made, this one included */
    int give_up;       /* failure: mark 'failed' */
    const char *error; /* failure: last_error */
    int claimed;       /* claim: out, 1 when taken */
};

static int run_claim(struct db *db, void *arg)
{
    struct record *r = arg;
    return comms_outbox_claim(db, r->id, r->now, r->until, &r->claimed);
}

static int run_sent(struct db *db, void *arg)
{
    struct record *r = arg;
    return comms_outbox_sent(db, r->id, r->now);
}

static int run_failed(struct db *db, void *arg)
{
    struct record *r = arg;
    return comms_outbox_failed(db, r->id, r->attempts, r->give_up, r->until, r->error);
}

static int run_release(struct db *db, void *arg)
{
    struct record *r = arg;
    return comms_outbox_release(db, r->id, r->now);
}

/* Claims, sends and records one message. */
static void deliver(struct comms *c, const struct comms_msg *m)
{
    struct record r = {.id = m->id, .now = (int64_t)time(NULL)};
    r.until = r.now + LEASE;
    int rc = store_write_sync(c->s, run_claim, &r);
    if (rc != 0 || !r.claimed) {
        if (rc != 0)
            log_warn("outbox %lld: cannot claim it: %s", (long long)m->id, err_name(rc));
        return;
    }
    char err[COMMS_MAX_ERROR + 1] = "";
    enum sent sent = SENT_FAILED;
    /* libcurl (and OpenSSL's TLS, Kerberos, LDAP with it: about 1 MB) is loaded and started with
     * the first message, not with every server: most never send one. curl_global_init is
     * thread-safe in libcurl >= 7.84. */
    char why[256] = "";
    if (!c->curl_ready && curl_api_load(why, sizeof why) == 0 &&
        curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK)
        c->curl_ready = 1;
    if (!c->curl_ready)
        snprintf(err, sizeof err, "libcurl failed to start%s%s", why[0] ? ": " : "", why);
    else if (m->is_email)
        sent = send_email(c, m, err, sizeof err);
    else
        sent = send_webhook(c, m, err, sizeof err);
    r.now = (int64_t)time(NULL);
    const char *what = "";
    switch (sent) {
    case SENT_CUT:
        rc = store_write_sync(c->s, run_release, &r);
        what = "released";
        break;
    case SENT_OK:
        rc = store_write_sync(c->s, run_sent, &r);
        what = "sent";
        break;
    case SENT_FAILED:
    case SENT_REFUSED:
        r.attempts = m->attempts + 1;
        r.give_up = r.attempts >= COMMS_MAX_ATTEMPTS || sent == SENT_REFUSED;
        r.until = r.give_up ? r.now : r.now + comms_backoff(r.attempts);
        r.error = err;
        rc = store_write_sync(c->s, run_failed, &r);
        what = r.give_up ? "failed" : "retried";
        break;
    }
    if (rc != 0) {
        /* Not recorded: the lease runs out and the message goes again (at least once). */
        log_error("outbox %lld: %s but not recorded: %s", (long long)m->id, what, err_name(rc));
        return;
    }
    int failed = sent == SENT_FAILED || sent == SENT_REFUSED;
    pthread_mutex_lock(&c->mu);
    if (sent == SENT_OK)
        c->stats.sent++;
    else if (failed && r.give_up)
        c->stats.failed++;
    else if (failed)
        c->stats.retried++;
    pthread_mutex_unlock(&c->mu);
    if (failed)
        log_warn("outbox %lld: attempt %d %s: %s", (long long)m->id, r.attempts,
                 r.give_up ? "failed, giving up" : "failed, will retry", err);
    else
        log_info("outbox %lld: %s %s", (long long)m->id, m->is_email ? "email" : "webhook", what);
}

/* ---- the thread ------------------------------------------------------------------------- */

/* Logs once that messages wait for a setting that is missing. */
static void warn_unsendable(struct comms *c)
{
    int yes = 0;
    if (!c->smtp_url[0] && !c->warned_email && comms_outbox_waiting(c->db, 0, &yes) == 0 && yes) {
        log_warn("outbox: e-mail is waiting but smtp_url is not set; it stays pending until it "
                 "is");
        c->warned_email = 1;
    }
    if (!c->webhook_url[0] && !c->warned_webhook && comms_outbox_waiting(c->db, 1, &yes) == 0 &&
        yes) {
        log_warn("outbox: webhook calls without a URL are waiting but notify_webhook is not set; "
                 "they stay pending until it is");
        c->warned_webhook = 1;
    }
}

/* One pass; 1 when it found a full batch (more may be due). */
static int pass(struct comms *c, struct arena *a)
{
    struct comms_msg msgs[BATCH];
    size_t n = 0;
    warn_unsendable(c);
    int rc = comms_outbox_due(c->db, (int64_t)time(NULL), c->smtp_url[0] != 0,
                              c->webhook_url[0] != 0, a, msgs, BATCH, &n);
    if (rc != 0) {
        if (!c->read_failing)
            log_error("outbox: cannot read due messages: %s", db_errmsg(c->db));
        c->read_failing = 1;
        return 0;
    }
    c->read_failing = 0;
    for (size_t i = 0; i < n && !stopping(c); i++)
        deliver(c, &msgs[i]);
    return n == BATCH;
}

static void *sender_main(void *arg)
{
    struct comms *c = arg;
    struct arena *a = arena_new(0);
    while (!stopping(c)) {
        int more = pass(c, a);
        arena_reset(a);
        pthread_mutex_lock(&c->mu);
        if (!more && !c->kicked && !c->stopping) {
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            ts.tv_sec += 1;
            pthread_cond_timedwait(&c->cv, &c->mu, &ts);
        }
        c->kicked = 0;
        pthread_mutex_unlock(&c->mu);
    }
    arena_free(a);
    return NULL;
}

/* ---- start and stop --------------------------------------------------------------------- */

static char *dup_or_empty(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        abort();
    return d;
}

/* 1 when url's host is a loopback name or address (no TLS to be had or needed there). */
static int loopback_host(const char *url)
{
    CURLU *u = curl_url();
    char *host = NULL;
    int yes = 0;
    if (u && curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
        yes = strcmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 ||
              strcmp(host, "[::1]") == 0;
    curl_free(host);
    curl_url_cleanup(u);
    return yes;
}

static void comms_free(struct comms *c)
{
    db_close(c->db);
    free(c->smtp_url);
    free(c->smtp_user);
    free(c->smtp_password);
    free(c->webhook_url);
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

int comms_start(struct store *s, const struct comms_config *cfg, struct comms **out)
{
    *out = NULL;
    if (sodium_init() < 0)
        return ERR_INTERNAL;
    struct comms *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->s = s;
    c->smtp_url = dup_or_empty(cfg->smtp_url);
    c->smtp_user = dup_or_empty(cfg->smtp_user);
    c->smtp_password = dup_or_empty(cfg->smtp_password);
    c->webhook_url = dup_or_empty(cfg->webhook_url);
    pthread_mutex_init(&c->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&c->cv, &ca);
    pthread_condattr_destroy(&ca);
    int rc = 0;
    if (c->smtp_url[0]) {
        int smtps = strncmp(c->smtp_url, "smtps://", 8) == 0;
        if (!smtps && strncmp(c->smtp_url, "smtp://", 7) != 0) {
            log_error("smtp_url must start with smtp:// or smtps://");
            rc = ERR_INVALID;
            goto out;
        }
        if (comms_from_parse(cfg->smtp_from, &c->from) != 0) {
            log_error("smtp_from must be an address or \"Name <address>\" (it is \"%s\")",
                      cfg->smtp_from ? cfg->smtp_from : "");
            rc = ERR_INVALID;
            goto out;
        }
        /* With e-mail configured, libcurl is needed: load it now, so a server that cannot
         * send mail says so at start, not with its first message. */
        char why[256];
        if (curl_api_load(why, sizeof why) != 0) {
            log_error("smtp_url is set but %s", why);
            rc = ERR_UNAVAILABLE;
            goto out;
        }
        /* smtp://: STARTTLS when offered; required before a password crosses the network;
         * none on loopback, where a relay's self-signed certificate would only fail. */
        if (smtps)
            c->smtp_tls = CURLUSESSL_ALL;
        else if (loopback_host(c->smtp_url))
            c->smtp_tls = CURLUSESSL_NONE;
        else
            c->smtp_tls = c->smtp_user[0] ? CURLUSESSL_ALL : CURLUSESSL_TRY;
    }
    if (c->webhook_url[0] && strncmp(c->webhook_url, "http://", 7) != 0 &&
        strncmp(c->webhook_url, "https://", 8) != 0) {
        log_error("notify_webhook must start with http:// or https://");
        rc = ERR_INVALID;
        goto out;
    }
    rc = store_connect(s, &c->db);
    if (rc != 0) {
        log_error("outbox: cannot connect: %s", c->db ? db_errmsg(c->db) : "");
        goto out;
    }
    /* The sender takes no signals: the main thread waits for them (app_serve). */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    if (pthread_create(&c->thread, NULL, sender_main, c) != 0)
        rc = ERR_INTERNAL;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
out:
    if (rc != 0) {
        comms_free(c);
        return rc;
    }
    log_info("outbox: sender started (e-mail %s, default webhook %s)",
             c->smtp_url[0] ? "on" : "off", c->webhook_url[0] ? "on" : "off");
    *out = c;
    return 0;
}

void comms_kick(struct comms *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    c->kicked = 1;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

void comms_stop(struct comms *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    c->stopping = 1;
    atomic_store(&c->stop_at_us, (long long)log_now_us());
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    if (c->curl_ready)
        curl_global_cleanup();
    comms_free(c);
}

void comms_stats(struct comms *c, struct comms_stats *out)
{
    memset(out, 0, sizeof *out);
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    *out = c->stats;
    pthread_mutex_unlock(&c->mu);
}

/*
 * comms.h - public header of the comms module: the outbox through which every
 * notification leaves danchu (e-mail over SMTP, a generic JSON webhook).
 *
 * A module queues a message with comms_enqueue_*() INSIDE its write job, in the
 * transaction of the change that causes it: the message exists if and only if that
 * change committed. After the commit it may call comms_kick() so the sender does not
 * wait for its next one-second wake-up.
 *
 * The sender (comms_start) is one thread with its own database connection. It takes
 * due messages in id order, sends each outside any transaction, and records the result
 * through the store's write queue: sent; or tried again after about 1 min, 5 min,
 * 30 min, 2 h, then every 6 h; 'failed' with the last error after COMMS_MAX_ATTEMPTS (at
 * once for a row that breaks the rules below, e.g. one edited by hand).
 * Delivery is at least once: a crash between sending and recording sends the message
 * again (e-mails keep the same Message-ID, webhooks carry X-Danchu-Outbox-Id, so a
 * receiver can tell).
 *
 * Ownership: struct comms belongs to whoever started it and is freed by comms_stop().
 * Strings passed to the functions are borrowed for the call only.
 */
#ifndef DANCHU_COMMS_H
#define DANCHU_COMMS_H

#include <stdint.h>

#include "store/store.h"

/* Attempts after which a message is 'failed'. */
#define COMMS_MAX_ATTEMPTS 8

/*
 * Queues an e-mail to `to` (one address, "name@example.vn"; checked roughly: no display
 * name, no CR/LF) with a UTF-8 subject (no CR/LF) and plain-text UTF-8 body. unit_id 0
 * means none. dedupe_key NULL or "" means none; a key already queued queues nothing and
 * is not an error. Call inside a write job. 0, ERR_INVALID, or a database error.
 */
int comms_enqueue_email(struct db *db, int64_t unit_id, const char *to, const char *subject,
                        const char *body, const char *dedupe_key);
/*
 * Queues a webhook call: POST json_body (must parse as JSON) to url, or to the configured
 * default webhook when url is NULL or "" (resolved when it is sent). Same rules as above.
 */
int comms_enqueue_webhook(struct db *db, int64_t unit_id, const char *url, const char *json_body,
                          const char *dedupe_key);

/* The sender's settings; strings are copied by comms_start(). */
struct comms_config {
    const char *smtp_url;      /* smtp://host:port or smtps://...; NULL/"": e-mail waits */
    const char *smtp_from;     /* "UBND xã <no-reply@xa.example.gov.vn>" or a bare address */
    const char *smtp_user;     /* SMTP AUTH user, NULL/"" for none */
    const char *smtp_password; /* its password */
    const char *webhook_url;   /* default webhook for messages queued without a URL */
};

struct comms;

/*
 * Starts the sender on store s, whose write queue must be running (and must still run
 * when comms_stop() is called). It resumes whatever is pending. 0 and an owned *out, or
 * ERR_INVALID (bad smtp_from / URL: logged), or a database error.
 */
int comms_start(struct store *s, const struct comms_config *cfg, struct comms **out);
/* Wakes the sender now (after an enqueue committed). NULL is allowed and does nothing. */
void comms_kick(struct comms *c);
/* Finishes the message in flight (a slow transfer is cut a few seconds after the stop was
 * asked and the message left pending), joins the thread and frees c. NULL is allowed. */
void comms_stop(struct comms *c);

/* Counters for /metrics, since comms_start(). */
struct comms_stats {
    uint64_t sent;    /* messages delivered */
    uint64_t retried; /* failed attempts that will be tried again */
    uint64_t failed;  /* messages given up ('failed') */
};
void comms_stats(struct comms *c, struct comms_stats *out);

#endif

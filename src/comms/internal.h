/*
 * internal.h - shared by the files of src/comms and nobody else (tests/unit/comms_test.c
 * includes it to check the message format): the outbox's SQL (outbox.c), the RFC 5322
 * message builder (mail.c) and what the sender (send.c) reads.
 */
#ifndef DANCHU_COMMS_INTERNAL_H
#define DANCHU_COMMS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "comms/comms.h"
#include "core/core.h"

/* Limits checked at enqueue (a message past them is a bug of its caller). */
#define COMMS_MAX_ADDRESS 254    /* RFC 5321 path limit */
#define COMMS_MAX_SUBJECT 500    /* bytes of UTF-8 */
#define COMMS_MAX_BODY (1 << 20) /* bytes; a reminder is a few KB */
#define COMMS_MAX_URL 2000       /* bytes */
#define COMMS_MAX_ERROR 500      /* bytes of last_error kept */
#define COMMS_MAX_DEDUPE_KEY 200 /* bytes */

/* ---- mail.c: pure formatting ------------------------------------------------------------ */

/* 0 when addr is one plain address "local@domain.tld" (ASCII, no spaces, no CR/LF, no
 * display name, labels of letters, digits and '-'), else ERR_INVALID. Rough on purpose:
 * the SMTP server has the last word. */
int comms_address_check(const char *addr);

/* smtp_from split into its parts. */
struct comms_from {
    char name[256]; /* display name, UTF-8, "" for none */
    char addr[256]; /* the address (MAIL FROM and the Message-ID's domain) */
};
/* Parses "Name <addr>", "\"Name\" <addr>" or "addr". 0 or ERR_INVALID. */
int comms_from_parse(const char *from, struct comms_from *out);

/* Appends s[0..n) (valid UTF-8) as RFC 2047 encoded words ("=?UTF-8?B?...?="), each at most
 * 64 characters and holding whole characters, separated by CRLF SP (folding), so no header
 * line holding them exceeds 76 characters after a field name of up to 10. */
void comms_encode_words(struct buf *out, const char *s, size_t n);

/* Appends n bytes as base64 in lines of 76 characters, each ending in CRLF. */
void comms_base64_lines(struct buf *out, const unsigned char *p, size_t n);

/* One e-mail to format. */
struct comms_mail {
    int64_t id;                    /* outbox.id (part of the Message-ID's hash) */
    int64_t created_at;            /* unix seconds: the Date header */
    const struct comms_from *from; /* sender */
    const char *to;                /* recipient address */
    const char *subject;           /* UTF-8, no CR/LF */
    const char *body;              /* UTF-8 plain text, any line ends */
};
/*
 * Appends the whole RFC 5322 message with CRLF line ends: Date (+0700), From, To, Subject
 * (encoded words), Message-ID (a hash of the message: the same on every attempt), MIME
 * headers, Auto-Submitted, then the body in base64 after its line ends became CRLF.
 * ERR_INVALID when the address, subject or body breaks the rules of comms_enqueue_email.
 */
int comms_mail_format(const struct comms_mail *m, struct buf *out);

/* 0 when subject is valid UTF-8 of at most COMMS_MAX_SUBJECT bytes without CR or LF. */
int comms_subject_check(const char *subject);

/* ---- outbox.c: the table ------------------------------------------------------------------ */

/* A due message as the sender read it (strings in the sender's arena). */
struct comms_msg {
    int64_t id;          /* outbox.id */
    int is_email;        /* channel: 1 email, 0 webhook */
    const char *to;      /* address or URL ("" for the default webhook) */
    const char *subject; /* e-mail subject */
    const char *body;    /* e-mail text or JSON */
    int attempts;        /* attempts made before this one */
    int64_t created_at;  /* when it was queued */
};

/* Up to max due messages (status 'pending', next_attempt_at <= now), oldest id first,
 * leaving out e-mail when with_email is 0 and default-URL webhooks when with_default_webhook
 * is 0. Strings are copied into a. */
int comms_outbox_due(struct db *db, int64_t now, int with_email, int with_default_webhook,
                     struct arena *a, struct comms_msg *out, size_t max, size_t *n);
/* 1 in *yes when a pending e-mail (what = 0) or default-URL webhook (what = 1) waits. */
int comms_outbox_waiting(struct db *db, int what, int *yes);
/* Takes message id for sending when it is still pending and due at now: its next_attempt_at
 * becomes until (a lease). *claimed is 1 when this call took it. Write job. */
int comms_outbox_claim(struct db *db, int64_t id, int64_t now, int64_t until, int *claimed);
/* Marks it sent at now (attempts + 1). Write job. */
int comms_outbox_sent(struct db *db, int64_t id, int64_t now);
/* Records a failed attempt: attempts becomes attempts, status 'pending' (next try at next)
 * or 'failed', last_error error. Write job. */
int comms_outbox_failed(struct db *db, int64_t id, int attempts, int give_up, int64_t next,
                        const char *error);
/* Gives a claimed message back unchanged, due at `at` (a send cut short by a stop). */
int comms_outbox_release(struct db *db, int64_t id, int64_t at);

/* Seconds to wait after failed attempt number `attempts` (1-based): 60, 300, 1800, 7200,
 * then 21600. */
int64_t comms_backoff(int attempts);

#endif

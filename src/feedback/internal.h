/*
 * internal.h - shared by the files of src/feedback only (store.c, status.c, public.c, admin.c,
 * env.c, demo.c). Other modules use feedback.h.
 */
#ifndef DANCHU_FEEDBACK_INTERNAL_H
#define DANCHU_FEEDBACK_INTERNAL_H

#include "auth/auth.h"
#include "export/export.h"
#include "feedback/feedback.h"
#include "units/units.h"

/* A tracking code: its characters, and the bytes that hold it. */
#define FB_CODE_LEN 12
#define FB_CODE_SIZE (FB_CODE_LEN + 1)

/* Photos a resident may attach, and their size. */
#define FB_MAX_PHOTOS 3
#define FB_MAX_PHOTO (5u * 1024 * 1024)
/* An answer's attached document. */
#define FB_MAX_FILE (20u * 1024 * 1024)

/* One case as stored. Strings are arena memory; an unset date is {0, 0, 0}. */
struct fb_case {
    int64_t id;                    /* cases.id */
    int64_t unit_id;               /* the commune */
    int64_t village_id;            /* the village it concerns, or 0 */
    const char *code;              /* tracking code, FB_CODE_LEN characters (10 if older) */
    enum fb_kind kind;             /* what it is */
    enum fb_channel channel;       /* how it came */
    const char *field;             /* field key, or "" */
    const char *title;             /* short summary */
    const char *body;              /* the text */
    const char *place;             /* where (address, landmark), or "" */
    const char *name;              /* the person's name, or "" (anonymous) */
    const char *phone;             /* or "" */
    const char *email;             /* or "" */
    const char *address;           /* the person's address, or "" */
    int anonymous;                 /* sent without a name */
    int64_t account_id;            /* the resident's account, or 0 */
    int64_t received_at;           /* unix time */
    struct date received_on;       /* Vietnam date of receipt */
    enum fb_complexity complexity; /* as classed */
    int remote;                    /* complaint from a remote area */
    int multi_site;                /* denunciation checked at several places */
    const char *status;            /* received accepted answered forwarded refused closed */
    int not_competent;             /* another body is competent */
    const char *forwarded_to;      /* which, or "" */
    struct date forwarded_on;      /* the day forwarded */
    struct date accepted_on;       /* thụ lý */
    struct date refused_on;        /* not accepted */
    struct date notified_on;       /* parties notified (denunciation) */
    int extensions;                /* extensions granted */
    struct date answered_on;       /* answer, decision or conclusion */
    const char *answer;            /* its text */
    struct date sent_on;           /* decision sent (complaint) */
    struct date published_on;      /* conclusion published (denunciation) */
    struct date closed_on;         /* closed */
    const char *reason;            /* refusal, closing or last extension's reason */
    int64_t assignee_id;           /* the official handling it, or 0 */
    const char *section;           /* the section or agency it is assigned to, or "" */
    int64_t parent_id;             /* the case it was split from or reopens, or 0 */
    int confirmed;                 /* the resident: 1 fixed, -1 not fixed, 0 not said */
    int64_t created_at;            /* unix time */
    int64_t updated_at;            /* unix time */
    int has_position;              /* lat, lon given (typed, or the photo's with consent) */
    double lat, lon;               /* WGS 84 degrees */
    const char *qa_question;       /* as published (personal details removed), or "" */
    const char *qa_answer;         /* its answer as published, or "" */
    int64_t qa_published_at;       /* when it went public as a question and answer, or 0 */
};

/* A file on its way in. */
struct fb_file_in {
    const char *name; /* as shown */
    const char *mime; /* by content */
    const void *data; /* bytes */
    size_t len;       /* their count */
};

/* Scans of a signed denunciation letter (sealed), and their size. */
#define FB_MAX_SCANS 3
/* A case key (seal.c). */
#define FB_CASE_KEY 32

/* A denouncer's identity in clear (only ever in memory: seal.c). */
struct fb_identity {
    const char *name;    /* full name */
    const char *address; /* address */
    const char *phone;   /* or "" */
    const char *email;   /* or "" */
};

/* A new case (writer thread). */
struct fb_new {
    int64_t actor;                           /* account of the official recording it, or 0 */
    int64_t account_id;                      /* the resident's account, or 0 */
    struct fb_case c;                        /* the case (id, code, dates filled by the store) */
    struct fb_file_in photos[FB_MAX_PHOTOS]; /* photos */
    size_t n_photos;                         /* their count */
    const struct feedback_env *env;          /* rules for due_on */
    int sealed;                              /* a denunciation: who is sealed, not on the row */
    struct fb_identity who;                  /* sealed: the denouncer */
    struct fb_file_in scans[FB_MAX_SCANS];   /* sealed: the signed letter */
    size_t n_scans;                          /* their count */
    const char *submit_key;                  /* the public form's one-time key, or NULL */
    int existing;                            /* out: that key had made a case already */
    char code[FB_CODE_SIZE];                 /* out: the tracking code */
};

/* What an official does to a case (one write). */
enum fb_action {
    FB_ACT_CLASSIFY, /* kind, field, complexity, remote, multi-site, section */
    FB_ACT_ASSIGN,   /* section and the official in charge */
    FB_ACT_ACCEPT,   /* thụ lý */
    FB_ACT_REFUSE,   /* not accepted, with reasons */
    FB_ACT_FORWARD,  /* not competent: forwarded to another body */
    FB_ACT_NOTIFY,   /* parties told of the acceptance */
    FB_ACT_EXTEND,   /* an extension in writing, with reasons */
    FB_ACT_ANSWER,   /* the answer, decision or conclusion (text and a file) */
    FB_ACT_SEND,     /* the decision sent to the parties */
    FB_ACT_PUBLISH,  /* the conclusion published */
    FB_ACT_CLOSE,    /* closed (withdrawn by the person, a duplicate...) */
    FB_ACT_CONFIRM,  /* the resident: fixed (1) or not (-1) */
    FB_ACT_REOPEN,   /* an official takes a finished case up again, with reasons */
    FB_ACT_SPLIT,    /* part of a mixed letter becomes a case of its own (I4, Art 25(3)) */
};

struct fb_act {
    enum fb_action action;          /* what */
    int64_t actor;                  /* the official, or 0 for the resident */
    int64_t case_id;                /* which case */
    struct date on;                 /* the day it happened (Vietnam) */
    const char *text;               /* answer, reason, forwarded-to body */
    struct fb_case set;             /* classify/assign: the new kind, field, complexity,
                                       section and assignee_id */
    int confirmed;                  /* confirm: 1 or -1 */
    struct fb_file_in file;         /* answer: an attached document (len 0: none) */
    const struct feedback_env *env; /* rules for due_on */
    int has_key;                    /* assign on a sealed case: key opened by the actor, */
    unsigned char key[FB_CASE_KEY]; /* resealed to the new assignee (wiped after the write) */
    const char *title;              /* split: the new case's title (text: its content) */
    int64_t new_id;                 /* out: a reopened case (confirm -1 on an answered one), or
                                       the case split off */
    char new_code[FB_CODE_SIZE];    /* out: its code */
};

/* ---- store.c: every SQL statement of the module ---- */
int fb_store_create(struct db *db, struct fb_new *in);
int fb_store_get(struct db *db, struct arena *a, int64_t id, struct fb_case *out);
int fb_store_by_code(struct db *db, struct arena *a, const char *code, struct fb_case *out);
int fb_store_act(struct db *db, struct fb_act *act);
/* The history of a case as JSON rows {kind, day, detail, at, public, actor}, its receipt first
 * (from the row); public_only skips the officials' notes. */
int fb_store_events_json(struct db *db, const struct fb_case *c, int public_only, json_t **out);
/* Files of a case (id, name, mime, size, purpose) as JSON rows. */
int fb_store_files_json(struct db *db, int64_t case_id, json_t **out);
int fb_store_file_get(struct db *db, struct arena *a, int64_t case_id, int64_t file_id,
                      const char **name, const char **mime, const void **data, size_t *len,
                      const char **purpose);
/* One page of a commune's queue: open cases (filter "open"), those past their deadline
 * ("overdue"), all ("all", newest first), or one status ("status:accepted": those with a
 * deadline in due order, then the others newest first); kind -1 for every kind (open only).
 * Rows into *rows, total into *total (which the caller may set beforehand, >= 0, for the open
 * and overdue lists of every kind: then it is not counted again). */
int fb_store_queue(struct db *db, struct arena *a, int64_t unit_id, const char *filter, int kind,
                   const char *today, int page, int per_page, struct rows **rows, int64_t *total);
/* Counts per kind of a commune's open cases, those due soon and overdue (dates "yyyy-mm-dd"). */
int fb_store_queue_counts(struct db *db, int64_t unit_id, const char *today, const char *soon,
                          int64_t *open, int64_t *due_soon, int64_t *overdue);
/* Every case of kind k received in [from, to] (yyyy-mm-dd) of a commune (for the counts). */
int fb_store_period(struct db *db, struct arena *a, int64_t unit_id, int kind, const char *from,
                    const char *to, struct fb_case **out, size_t *n);

/* Every case of a commune received on or after from (yyyy-mm-dd), for statistics. */
int fb_store_received_since(struct db *db, struct arena *a, int64_t unit_id, const char *from,
                            struct fb_case **out, size_t *n);
/* Publishes (publish 1) or withdraws a case as a question and answer; its history and the
 * audit log say so. Writer thread. */
int fb_store_qa_set(struct db *db, int64_t actor, const struct fb_case *c, const char *question,
                    const char *answer, int publish);
/* One page of a commune's published questions and answers, newest first (columns id, code,
 * kind, field, qa_question, qa_answer, qa_published_at, answered_on). */
int fb_store_qa_page(struct db *db, struct arena *a, int64_t unit_id, int page, int per_page,
                     struct rows **rows, int64_t *total);
/* Open cases of every commune whose next deadline is on or before upto (yyyy-mm-dd), the
 * soonest first, at most max (the reminder scan). */
int fb_store_due_upto(struct db *db, struct arena *a, const char *upto, int max,
                      struct fb_case **out, size_t *n);

/* sealed identities: cases.identity_sealed, case_keys, sealed case_files */
int fb_store_identity_set(struct db *db, int64_t case_id, const void *blob, size_t len);
int fb_store_identity_get(struct db *db, struct arena *a, int64_t case_id,
                          const unsigned char **blob, size_t *len);
/* put: account_id 0 stores the row of the escrow key escrow_id. get: account_id 0 reads the
 * escrow_id-th (0 = newest) escrow row of the case; ERR_NOT_FOUND past the last. */
int fb_store_case_key_put(struct db *db, int64_t case_id, int64_t account_id, int64_t escrow_id,
                          const void *sealed, size_t len);
int fb_store_case_key_drop(struct db *db, int64_t case_id, int64_t account_id);
int fb_store_case_key_get(struct db *db, struct arena *a, int64_t case_id, int64_t account_id,
                          int64_t escrow_id, const unsigned char **sealed, size_t *len);
/* The accounts holding a case's key as JSON rows {id, name}. */
int fb_store_case_holders_json(struct db *db, int64_t case_id, json_t **out);
int fb_store_sealed_file_put(struct db *db, int64_t case_id, const char *name, const char *mime,
                             size_t plain_len, const void *blob, size_t len, int64_t actor);
/* Sealed files of a case (id, name, mime, size) as JSON rows. */
int fb_store_sealed_files_json(struct db *db, int64_t case_id, json_t **out);
int fb_store_sealed_file_get(struct db *db, struct arena *a, int64_t case_id, int64_t file_id,
                             const char **name, const char **mime, const unsigned char **blob,
                             size_t *len);

/* ---- seal.c: a denouncer's identity, sealed ---- */
/* 0 when the installation can take a denunciation (it has an escrow key), ERR_NOT_FOUND when
 * not (`danchu init` makes one). */
int fb_seal_ready(struct db *db);
/* Seals who and the scans of case_id under a fresh key, sealed to the commune's chairpersons
 * and the recorder (when they have keys) and to the escrow key. Writer thread, in the case's
 * transaction. ERR_UNAVAILABLE without an escrow key. */
int fb_seal_new(struct db *db, int64_t case_id, int64_t unit_id, int64_t recorder,
                const struct fb_identity *who, const struct fb_file_in *scans, size_t n_scans);
/* The case key as account_id holds it, opened with their password (Argon2id: run it in the
 * request's thread, never on the writer). ERR_FORBIDDEN when the account holds no key of the
 * case, ERR_UNAUTH for a wrong password. The caller wipes key. */
int fb_case_key_open(struct db *db, int64_t case_id, int64_t account_id, const char *password,
                     unsigned char key[FB_CASE_KEY]);
/* The case key opened with a recovery key (sk, pk from auth_recovery_parse). ERR_UNAUTH when
 * the case was not sealed to it, ERR_NOT_FOUND when the case has no sealed key. */
int fb_case_key_recover(struct db *db, int64_t case_id, const unsigned char sk[AUTH_BOX_KEY],
                        const unsigned char pk[AUTH_BOX_KEY], unsigned char key[FB_CASE_KEY]);
/* The identity of case_id in clear (arena a: show it, never store or log it). */
int fb_identity_open(struct db *db, struct arena *a, int64_t case_id,
                     const unsigned char key[FB_CASE_KEY], struct fb_identity *out);
/* A sealed file opened (arena a). */
int fb_sealed_file_open(struct db *db, struct arena *a, int64_t case_id, int64_t file_id,
                        const unsigned char key[FB_CASE_KEY], struct fb_file_in *out);
/* Seals key to account `to` (replacing its row) and drops the holder `drop` (0: none) unless
 * it is one of unit_id's chairpersons. ERR_CONFLICT when `to` has no keys. Writer thread. */
int fb_reseal(struct db *db, int64_t case_id, int64_t unit_id, int64_t to, int64_t drop,
              const unsigned char key[FB_CASE_KEY]);

/* ---- status.c: the rules applied to a stored case ---- */
const struct fb_rules *fb_rules_for(const struct feedback_env *env, struct date received);
void fb_facts_of(const struct fb_case *c, struct fb_facts *f);
/* The case's clocks today; ERR_INVALID when the calendar lacks a year. */
int fb_case_status(const struct feedback_env *env, const struct fb_case *c, struct date today,
                   struct fb_status *out);
/* The next deadline as "yyyy-mm-dd", or "" when nothing is due (for cases.due_on). */
void fb_due_on(const struct feedback_env *env, const struct fb_case *c, char out[11]);
/* Why act may not be done to c now (a Vietnamese sentence), or NULL when it may. */
const char *fb_act_refusal(const struct fb_case *c, const struct fb_status *st,
                           const struct fb_act *act);
/* How a case stands against the law's periods, for reports and statistics. */
enum fb_outcome {
    FB_OUT_ON_TIME = 0, /* every step done by its deadline */
    FB_OUT_LATE = 1,    /* done, at least one step after its deadline */
    FB_OUT_OVERDUE = 2, /* a deadline passed with its step not done */
    FB_OUT_OPEN = 3,    /* still within its periods */
    FB_OUT_NONE = 4,    /* no period applies (closed before any clock ran) */
    FB_N_OUTCOMES = 5,
};
enum fb_outcome fb_outcome_of(const struct fb_status *st);
/* The status as a view-model: the clocks that apply, the next one, whether overdue. */
json_t *fb_status_json(const struct fb_status *st);
/* Vietnamese label of a stored status ("Đã tiếp nhận", "Đang giải quyết", ...). */
const char *fb_status_label(const char *status);
/* Adds to each history row its label, the day it happened as dd/mm/yyyy (day_vn), when it was
 * recorded (when) and whether that was on a later day (recorded_later). */
void fb_events_decorate(json_t *events);
/* "Thụ lý", "Gia hạn"... for a case_events.kind. */
const char *fb_event_label(const char *kind);
/* The label of a field key, or the key itself. */
const char *fb_field_label(const struct feedback_env *env, const char *key);
/* "7K4Q-XM2P-9A4B" from "7K4QXM2P9A4B" (arena). */
const char *fb_code_display(struct arena *a, const char *code);
/* A tracking code typed by a person: upper-cased, dashes and spaces dropped; NULL when it
 * cannot be one (arena). */
const char *fb_code_normal(struct arena *a, const char *typed);
/* A new tracking code (12 characters without 0, O, 1, I, L: 4 of time, 8 random). */
void fb_code_new(char out[FB_CODE_SIZE]);
struct date fb_today(void);
/* "21.02851, 105.85417" (latitude, longitude; comma, semicolon or blank between) within Viet
 * Nam; ERR_INVALID otherwise. */
int fb_position_parse(const char *typed, double *lat, double *lon);
/* A phone number as typed ("0912 345 678", "+84.912-345-678"): its digits, with a leading +
 * kept, when it has 9 to 12 of them and nothing but spaces, dots and dashes between; NULL
 * otherwise (arena). The one rule of the public form, Open311 and citizen reception. */
const char *fb_phone_of(struct arena *a, const char *typed);
/* 1 when s looks like an e-mail address (one @, a dot after it, no blanks, quotes or angle
 * brackets); the one rule of the public form and Open311. */
int fb_email_ok(const char *s);
struct feedback_env *fb_env(struct http_request *r);

/* admin.c: the case page (its model and template) for another handler to show again, e.g.
 * with an error. */
int fb_case_page(struct http_request *r, struct http_response *res, const struct fb_case *c,
                 const struct unit *u);

extern const struct http_route fb_public_routes[];
extern const size_t fb_public_n_routes;
extern const struct http_route fb_admin_routes[];
extern const size_t fb_admin_n_routes;
extern const struct http_route fb_publish_routes[];
extern const size_t fb_publish_n_routes;

#endif

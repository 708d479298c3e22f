/*
 * feedback.h - the public header of src/feedback: what residents send the commune and how it is
 * answered within the law's periods - information on request (DOMAIN C6), phản ánh and kiến
 * nghị (I6), khiếu nại (table I) - each a case with a tracking code, its history and its legal
 * clocks (rules.h).
 *
 * The app creates one struct feedback_env at start-up and registers the routes with it
 * (http_add_routes_ctx); handlers reach it through http_route_ctx().
 */
#ifndef DANCHU_FEEDBACK_H
#define DANCHU_FEEDBACK_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "core/core.h"
#include "feedback/rules.h"
#include "http/http.h"
#include "store/store.h"

/* A field (lĩnh vực) a case may be filed under: configurable (data/feedback_fields.txt). */
struct fb_field {
    char key[32];   /* "dat_dai" */
    char label[96]; /* "Đất đai" */
};

/* Long-lived state of the module, owned by the app. */
struct feedback_env {
    const struct calendar *cal;  /* legal calendar (borrowed from the app) */
    struct fb_ruleset *rules;    /* rule set (owned: feedback_env_free) */
    const char *base_url;        /* absolute links (tracking pages) */
    struct fb_field *fields;     /* the fields offered (owned) */
    size_t n_fields;             /* their count */
    struct ratelimit *submit_rl; /* submissions per address (borrowed from the app), or NULL */
    struct ratelimit *rating_rl; /* poster ratings per poster and address (the app's), or NULL */
    struct ratelimit *lookup_rl; /* tracking codes not found, per address (the app's), or NULL */
    int64_t last_remind;         /* when feedback_tick last scanned (ticker thread only) */
};

/* Loads the embedded data/rules/feedback.ini (or rules_path) and data/feedback_fields.txt into
 * env. 0, or ERR_INVALID with the reason in err. */
int feedback_env_init(struct feedback_env *env, const struct calendar *cal, const char *base_url,
                      const char *rules_path, char *err, size_t err_len);
void feedback_env_free(struct feedback_env *env);

/* Registers the module's routes (the intake form, tracking pages, the officials' queue and case
 * pages) with env as context. */
void feedback_add_routes(struct http_server *srv, struct feedback_env *env);

struct comms;
/* Called by the server's ticker every few seconds: at most every ten minutes (and at the first
 * call) queues e-mail reminders of cases due soon or overdue to their handlers, and overdue
 * ones to the commune's chairpersons, through the outbox (queued once each: dedupe keys), then
 * wakes the sender (comms may be NULL). db is the ticker's connection; the messages are written
 * through store's write queue. Returns how many were queued. */
int feedback_tick(struct feedback_env *env, struct store *store, struct db *db, time_t now,
                  struct comms *comms);

/* Counts for a report over [from, to] (dates of receipt) of one commune: cases of kind k
 * received, answered on time, answered late, still open past their deadline. */
struct feedback_counts {
    int received; /* received in the period */
    int on_time;  /* answered, decided or forwarded by their deadline */
    int late;     /* done after it */
    int overdue;  /* still open past it */
    int open;     /* still open within it */
};
int feedback_counts(struct db *db, const struct feedback_env *env, int64_t unit_id, enum fb_kind k,
                    struct date from, struct date to, struct feedback_counts *out);

/* `danchu escrow recover`: opens case_id's key with the typed recovery key and seals it to the
 * account `login` (which must have keys: it has signed in once), audited. Runs in the caller's
 * transaction. 0, or an error with a sentence for the operator in err. */
int feedback_escrow_recover(struct db *db, int64_t case_id, const char *recovery, const char *login,
                            char *err, size_t err_len);

/* Adds n generated cases of every kind to commune commune_code (the demo), deterministic for
 * seed and today, received over the 60 days before today, in every state; actor (an official of
 * the commune, or 0) handles them; a line on progress (may be NULL) every 10,000 cases. Runs in
 * the caller's transaction. 0 or an ERR_* code. */
int feedback_demo_build(struct db *db, const struct feedback_env *env, const char *commune_code,
                        int64_t actor, int n, unsigned seed, FILE *progress);

/* `danchu apikeys`: the keys of the applications that send a commune phản ánh and kiến nghị
 * through Open311 (open311.c, migration 0018). A key is FEEDBACK_APIKEY_LEN lower-case hex
 * characters; the database keeps only its SHA-256 and first characters. */
#define FEEDBACK_APIKEY_LEN 64
/* A new random key (libsodium randombytes), made before the write so that the write depends
 * only on its inputs. */
void feedback_apikey_new(char key[FEEDBACK_APIKEY_LEN + 1]);
/* Stores key (its hash and prefix only) for commune unit_id under `name`, audited; the new
 * row's id into *id. Runs in the caller's transaction. ERR_INVALID for a key of another shape
 * or an empty name. */
int feedback_apikey_add(struct db *db, int64_t unit_id, const char *name, const char *key,
                        int64_t *id);
/* Revokes key id (it stops working at once), audited. ERR_NOT_FOUND when there is no such live
 * key. Runs in the caller's transaction. */
int feedback_apikey_revoke(struct db *db, int64_t id);
/* Every key as a new JSON array of {id, unit_id, name, prefix, created_at, revoked_at}
 * (revoked_at null while live), oldest first. Never the key itself: it is not stored. */
int feedback_apikeys_json(struct db *db, json_t **out);

#endif

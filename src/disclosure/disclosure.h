/*
 * disclosure.h - the public header of src/disclosure (dân biết): what the
 * commune must disclose (DOMAIN C1-C7), published on the portal, posted on
 * the notice boards, broadcast and delivered, with proof of when, where and
 * for how long; the public portal, search, Atom feeds, printed notices, the
 * quarterly list and the compliance dashboard.
 *
 * The legal rules are pure functions in rules.h. The app creates one
 * struct disclosure_env at start-up and registers disclosure_routes with it
 * (http_add_routes_ctx); handlers reach it through http_route_ctx().
 */
#ifndef DANCHU_DISCLOSURE_H
#define DANCHU_DISCLOSURE_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "core/core.h"
#include "feedback/feedback.h"
#include "disclosure/rules.h"
#include "http/http.h"
#include "store/store.h"

/* Long-lived state of the module, owned by the app. */
struct disclosure_env {
    const struct calendar *cal;    /* legal calendar (borrowed from the app) */
    struct dc_ruleset *rules;      /* rule set (owned: disclosure_env_free) */
    const char *base_url;          /* absolute links in feeds, notices and QR codes */
    _Atomic int64_t next_due;      /* earliest scheduled publication not yet public (0: none) */
    const struct feedback_env *fb; /* requests for information (C6) for the report to the HĐND
                                      (borrowed from the app), or NULL */
};

/* Loads the rule set (the embedded data/rules/disclosure.ini, or rules_path when not NULL)
 * into env. 0, or ERR_INVALID with the reason in err. */
int disclosure_env_init(struct disclosure_env *env, const struct calendar *cal,
                        const char *base_url, const char *rules_path, char *err, size_t err_len);
void disclosure_env_free(struct disclosure_env *env);

/* Called about every 10 s by the server: 1 when a scheduled item became public since the
 * last call (the caller then drops cached pages), else 0. */
int disclosure_tick(struct disclosure_env *env, struct db *db, time_t now);

/* Registers the module's routes (portal, search, feeds, back office) with env as context. */
void disclosure_add_routes(struct http_server *srv, struct disclosure_env *env);

/* What `danchu import document` reads. */
struct disclosure_import {
    const char *unit_code; /* commune code */
    int category;          /* 1..14 */
    const char *title;     /* NULL: the first heading or line of the file */
    const char *decision;  /* "dd/mm/yyyy" or NULL for today */
    int publish;           /* 1: publish now; 0: keep as a draft */
    const char *path;      /* .txt, .md or .docx */
    const char *owner;     /* who answers for the disclosure plan (C4), NULL or "" for none */
};

/*
 * Imports one file as a disclosure item (plain text and Markdown as they are; DOCX through
 * export_docx_markdown) on the write queue of s. *id gets the new item. Vietnamese reason in
 * err on failure.
 */
int disclosure_import_file(struct store *s, struct disclosure_env *env, int64_t actor,
                           const struct disclosure_import *in, int64_t *id, char *err,
                           size_t err_len);

/* Adds n_items generated disclosure items (and their posting records, corrections, files)
 * to commune commune_code, deterministic for seed, spread over the 150 days before today
 * (Vietnam time). One transaction per 1,000 items (db_begin/db_commit on db: the caller does
 * not hold a transaction). Progress lines to progress (may be NULL) every 10,000 items.
 * 0 or an ERR_* code. */
int disclosure_demo_build(struct db *db, const struct disclosure_env *env, const char *commune_code,
                          int n_items, unsigned seed, FILE *progress);

#endif

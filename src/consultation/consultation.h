/*
 * consultation.h - the public header of src/consultation (dân bàn): consultations on drafts
 * (DOMAIN E1-E6) and democracy inside an agency (DOMAIN H).
 *
 * An official imports a draft (plain text, Markdown or DOCX); its structure (Chương, Mục,
 * Điều, khoản, điểm, dash items, appendix tables...) is recognised by export/outline.h into
 * sections residents comment on one by one. Every form of consultation feeds one list of
 * comments: online on a section by signed-in residents, or entered by officials from meetings,
 * ballots, the suggestion box, the hotline, mass organisations. Officials group comments and
 * accept (tiếp thu) or explain (giải trình) each group; the response table comes out as DOCX
 * and PDF in the Decree 30 layout and is published with the decision, which must explain
 * itself when it departs from the majority view (E3). A revised draft is a new version, compared
 * with the one before section by section. Inside an agency the same machinery consults staff
 * on the democracy regulation, and the staff conference records its quorum and resolutions.
 *
 * The legal rules are pure functions in rules.h. The app creates one struct consultation_env
 * at start-up and registers consultation_add_routes with it.
 */
#ifndef DANCHU_CONSULTATION_H
#define DANCHU_CONSULTATION_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "consultation/rules.h"
#include "core/core.h"
#include "http/http.h"
#include "store/store.h"

/* Long-lived state of the module, owned by the app. */
struct consultation_env {
    const struct calendar *cal; /* legal calendar (borrowed) */
    struct cs_ruleset *rules;   /* rule set (owned: consultation_env_free) */
    const char *base_url;       /* absolute links in documents and QR codes */
};

/* Loads the rule set (the embedded data/rules/consultation.ini, or rules_path when not NULL).
 * 0, or ERR_INVALID with the reason in err. */
int consultation_env_init(struct consultation_env *env, const struct calendar *cal,
                          const char *base_url, const char *rules_path, char *err, size_t err_len);
void consultation_env_free(struct consultation_env *env);

/* Registers the module's routes (public pages, the back office, the staff conference). */
void consultation_add_routes(struct http_server *srv, struct consultation_env *env);

/* What `danchu import document --kind draft` reads. */
struct consultation_import {
    const char *unit_code; /* the commune (or agency) */
    int topic;             /* 1..9 (YK1..YK9) */
    const char *title;     /* NULL: the document's own summary line, or the file name */
    const char *path;      /* .txt, .md or .docx */
    int dry_run;           /* 1: recognise and print the outline; save nothing */
};

/*
 * Imports one file as a new consultation in draft (not yet open) on the write queue of s, or,
 * with dry_run, only recognises it: *outline (may be NULL) gets the recognised outline as
 * {"doc_type", ..., "sections": [...]} (a new reference). *id gets the new consultation.
 * Vietnamese reason in err on failure.
 */
int consultation_import_file(struct store *s, struct consultation_env *env, int64_t actor,
                             const struct consultation_import *in, int64_t *id, json_t **outline,
                             char *err, size_t err_len);

/*
 * Adds demo consultations to commune commune_code inside the caller's transaction: a plan open
 * for comments (from every form, with agreements and counts, online ones by residents[0..n)),
 * a regulation closed, synthesised, decided, revised and published, and a land-use draft not
 * yet open. actor is the official. 0 or an ERR_* code.
 */
int consultation_demo_build(struct db *db, const char *commune_code, int64_t actor,
                            const int64_t *residents, size_t n_residents);

#endif

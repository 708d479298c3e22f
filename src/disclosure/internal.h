/*
 * internal.h - shared by the files of src/disclosure only (store.c, status.c,
 * public.c, admin.c, import.c). Other modules use disclosure.h.
 */
#ifndef DANCHU_DISCLOSURE_INTERNAL_H
#define DANCHU_DISCLOSURE_INTERNAL_H

#include "auth/auth.h"
#include "disclosure/disclosure.h"
#include "export/export.h"
#include "units/units.h"

/* Largest attachment, and how many one form may carry. */
#define DC_MAX_FILE (20u * 1024 * 1024)
#define DC_MAX_FILES 5

/* One item as stored. Strings are arena memory. */
struct dc_item {
    int64_t id;                  /* disclosures.id */
    int64_t unit_id;             /* the commune */
    int64_t village_id;          /* a village it concerns, or 0 for the whole commune */
    int category;                /* 1..14 */
    const char *title;           /* current version's title */
    const char *body_md;         /* its Markdown */
    const char *body_html;       /* rendered by view_markdown_html */
    const char *doc_number;      /* "05/TB-UBND" or "" */
    struct date decision;        /* the decision date (C3's event) */
    unsigned channels;           /* mask of 1u << enum dc_channel chosen */
    int secret;                  /* 1: state secret, never public */
    const char *status;          /* "draft", "published", "withdrawn" */
    int64_t published_at;        /* unix time, 0 when never; may be in the future (scheduled) */
    int64_t withdrawn_at;        /* unix time or 0 */
    const char *withdraw_reason; /* why, or "" */
    int version;                 /* 1 + number of corrections */
    const char *signer_title;    /* "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH" or "" */
    const char *signer_name;     /* or "" */
    int64_t created_at;          /* unix time */
    int64_t updated_at;          /* unix time */
    const char *owner;           /* the official who answers for its plan (C4), or "" */
};

/* An uploaded file on its way in. */
struct dc_file_in {
    const char *name; /* file name as shown (sanitised) */
    const char *mime; /* by content */
    const void *data; /* bytes (arena) */
    size_t len;       /* their count */
};

/* A new item (writer thread). */
struct dc_new {
    int64_t actor;            /* account */
    int64_t unit_id;          /* commune */
    int64_t village_id;       /* 0 or a village of it */
    int category;             /* 1..14 */
    const char *title;        /* NFC */
    const char *body_md;      /* Markdown */
    const char *body_html;    /* rendered */
    const char *body_text;    /* plain text for the search index */
    const char *doc_number;   /* or "" */
    const char *decision;     /* "yyyy-mm-dd" */
    unsigned channels;        /* chosen channels (required ones included by the caller) */
    int secret;               /* state secret */
    const char *signer_title; /* or "" */
    const char *signer_name;  /* or "" */
    const char *owner;        /* who answers for the plan (C4), or "" */
    int64_t publish_at;       /* 0: draft; else unix time of publication (now or later) */
    struct dc_file_in files[DC_MAX_FILES]; /* attachments */
    size_t n_files;                        /* their count */
    int64_t id;                            /* out: the new item */
};

/* A posting record on its way in (writer thread). */
struct dc_posting_in {
    int64_t actor;           /* account */
    int64_t disclosure_id;   /* item */
    int channel;             /* DC_BOARD, DC_LOUDSPEAKER or DC_VILLAGE_HEAD */
    int64_t place_id;        /* the commune or a village */
    const char *posted_on;   /* "yyyy-mm-dd" */
    const char *removed_on;  /* "yyyy-mm-dd" or NULL */
    const char *note;        /* free text or "" */
    struct dc_file_in photo; /* optional photo (len 0: none) */
    int64_t unit_id;         /* for the audit row */
};

/* ---- store.c: all of the module's SQL ---- */
int dc_store_create(struct db *db, struct dc_new *in);
int dc_store_get(struct db *db, struct arena *a, int64_t id, struct dc_item *out);
int dc_store_publish(struct db *db, int64_t actor, int64_t id, int64_t at, const char *text);
int dc_store_correct(struct db *db, int64_t actor, int64_t id, const char *title,
                     const char *body_md, const char *body_html, const char *text,
                     const char *reason);
int dc_store_withdraw(struct db *db, int64_t actor, int64_t id, const char *reason);
int dc_store_file_add(struct db *db, int64_t actor, int64_t id, const struct dc_file_in *f,
                      const char *purpose, int64_t *file_id);
/* The bytes of file fid of item id (arena memory). */
int dc_store_file_get(struct db *db, struct arena *a, int64_t id, int64_t fid, const char **name,
                      const char **mime, const void **data, size_t *len);
int dc_store_posting_add(struct db *db, const struct dc_posting_in *in, int64_t *posting_id);
int dc_store_posting_end(struct db *db, int64_t actor, int64_t id, int64_t posting_id,
                         const char *removed_on);

/* Public lists: published, public by now, not secret. category 0 / village 0: any. */
int dc_store_public_json(struct db *db, int64_t unit_id, int category, int64_t village_id,
                         int64_t now, int limit, int offset, json_t **rows, int64_t *total);
/* The feed's rows: as dc_store_public_json plus changed_at, newest change first. */
int dc_store_feed_json(struct db *db, int64_t unit_id, int category, int64_t now, int limit,
                       json_t **rows);
/* Items per category visible to the public, as {category, n}. */
int dc_store_public_counts(struct db *db, int64_t unit_id, int64_t now, json_t **rows);
/* Of ids, those visible to the public now (search results pass through this). */
int dc_store_visible(struct db *db, int64_t now, const int64_t *ids, size_t n, int *visible);
int dc_store_versions_json(struct db *db, int64_t id, json_t **rows);
int dc_store_version_get(struct db *db, int64_t id, int version, json_t **row);
int dc_store_files_json(struct db *db, int64_t id, const char *purpose, json_t **rows);
int dc_store_postings_json(struct db *db, int64_t id, json_t **rows);
/* Every item of a commune (drafts and secret ones too), newest decision first. */
int dc_store_items(struct db *db, struct arena *a, int64_t unit_id, struct dc_item **items,
                   size_t *n);
/* Every posting record of the commune's items, for the rules. */
int dc_store_unit_postings(struct db *db, struct arena *a, int64_t unit_id, int64_t **item_ids,
                           struct dc_posting **postings, size_t *n);
/* Items published in [from, to) (unix times), not secret, oldest first, as JSON rows. */
int dc_store_period_json(struct db *db, int64_t unit_id, int64_t from, int64_t to, json_t **rows);
/* The same rows as a bound statement to step (columns id, category, title, doc_number,
 * decision_date, published_at, channels, status); the caller resets it. */
int dc_store_period_open(struct db *db, int64_t unit_id, int64_t from, int64_t to,
                         struct db_stmt **st);
/* The earliest published_at > now among published items (0: none). */
int dc_store_next_due(struct db *db, int64_t now, int64_t *t);

/* ---- status.c: the rules applied to stored items ---- */
/* Evaluates item it on today (postings: those of it; villages: every village of its commune,
 * where it must be posted unless it names one village); fills st. */
int dc_item_status(const struct disclosure_env *env, const struct dc_item *it,
                   const struct dc_posting *postings, size_t n_postings, const int64_t *villages,
                   size_t n_villages, struct date today, struct dc_status *st);
/* The status as JSON: state, label, due, channels [...]. */
json_t *dc_status_json(const struct dc_status *st);
/* Publication time → Vietnam date. */
struct date dc_vn_date(int64_t t);
/* "dd/mm/yyyy" of a unix time in Vietnam, arena memory. */
const char *dc_vn_date_text(struct arena *a, int64_t t);

/* ---- public.c helpers shared with admin.c ---- */
struct disclosure_env *dc_env(struct http_request *r);
int64_t dc_now(void);
/* Sets has_items, has_files ... = (that array is not empty) for templates. */
void dc_flag_lists(json_t *model);
int dc_is_commune(const struct unit *u);
json_t *dc_unit_json(const struct unit *u);
/* The commune named by path capture arg; ERR_NOT_FOUND when it is not a commune. */
int dc_commune_arg(struct http_request *r, const char *arg, struct unit *u);
/* Path capture name as an id, 0 when it is not one. */
int64_t dc_id_arg(struct http_request *r, const char *name);
/* Item id with its commune, when r may see it (*is_public: anyone may). ERR_NOT_FOUND else. */
int dc_item_access(struct http_request *r, int64_t id, struct dc_item *it, struct unit *commune,
                   int *is_public);
json_t *dc_item_json(struct http_request *r, const struct dc_item *it, const struct unit *commune);
/* Adds url, category code/label, dd/mm/yyyy dates to rows of dc_store_public_json. */
void dc_decorate_rows(struct arena *a, json_t *rows);

/* ---- status.c: the rules applied to a commune's stored items ---- */

/* Every village of the commune (where an item must be posted), their ids, and (villages may be
 * NULL) the units. Arena memory. */
int dc_village_ids(struct http_request *r, int64_t commune, int64_t **ids, size_t *n,
                   struct unit **villages);

/* What the dashboard and the report count: one class per published item. */
enum dc_class { CL_OK, CL_LATE, CL_MISSING, CL_PENDING, CL_N };
extern const char *const dc_class_labels[CL_N]; /* "Đúng hạn"... */
extern const char *const dc_class_colors[CL_N]; /* chart fills */
enum dc_class dc_classify(const struct dc_status *st);

/* Every item of a commune with its status today. */
struct dc_evaluated {
    struct dc_item *items; /* the commune's items */
    struct dc_status *st;  /* their status (drafts: state DC_DUE with due computed) */
    size_t n;              /* their count */
};
int dc_evaluate_commune(struct http_request *r, const struct unit *u, struct dc_evaluated *ev);

extern const struct http_route dc_public_routes[];
extern const size_t dc_public_n_routes;
extern const struct http_route dc_admin_routes[];
extern const size_t dc_admin_n_routes;
extern const struct http_route dc_report_routes[];
extern const size_t dc_report_n_routes;

#endif

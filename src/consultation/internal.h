/*
 * internal.h - shared by the files of src/consultation only. Other modules use
 * consultation.h.
 */
#ifndef DANCHU_CONSULTATION_INTERNAL_H
#define DANCHU_CONSULTATION_INTERNAL_H

#include "auth/auth.h"
#include "consultation/consultation.h"
#include "core/rows.h"
#include "export/export.h"
#include "export/outline.h"
#include "units/units.h"

/* Largest draft file, and the most sections one version may hold. */
#define CS_MAX_FILE (10u * 1024 * 1024)
#define CS_MAX_SECTIONS 5000
/* Longest comment, in code points. */
#define CS_MAX_COMMENT 5000

/* The forms of consultation (E2), as bits of consultations.forms. Never renumber. */
enum cs_form {
    CS_FORM_ONLINE = 0,     /* the commune's portal (danchu itself) */
    CS_FORM_MEETING = 1,    /* community meeting (cuộc họp cộng đồng dân cư) */
    CS_FORM_CONFERENCE = 2, /* dialogue conference (hội nghị đối thoại) */
    CS_FORM_BALLOT = 3,     /* household ballot (phát phiếu lấy ý kiến hộ gia đình) */
    CS_FORM_BOX = 4,        /* suggestion box, hotline (hòm thư góp ý, đường dây nóng) */
    CS_FORM_ORGANISATION = 5, /* via the Ban công tác Mặt trận and mass organisations */
    CS_FORM_SOCIAL = 6,       /* social networks */
    CS_N_FORMS = 7,
};

/* Labels of forms ("Trên Cổng thông tin điện tử"...), of comment sources and of topics. */
const char *cs_form_label(enum cs_form f);
/* A comment source id ("online", "meeting"...) → its label; NULL when unknown. */
const char *cs_source_label(const char *source);
/* YK1..YK9 → "Dự thảo kế hoạch phát triển kinh tế - xã hội"...; "" out of range. */
const char *cs_topic_label(int topic);
/* Labels of decisions and stances. */
const char *cs_decision_label(enum cs_decision d);
const char *cs_view_label(enum cs_view v);
/* A section kind ("dieu") → the Vietnamese word shown ("Điều"); "" for kinds shown bare. */
const char *cs_kind_word(const char *kind);

/* A consultation as stored. Strings are arena memory. */
struct cs_item {
    int64_t id;                    /* consultations.id */
    int64_t unit_id;               /* the commune or agency */
    int topic;                     /* 1..9 */
    int internal;                  /* 1: inside an agency (H), staff only */
    const char *title;             /* what is consulted on */
    const char *summary;           /* what residents are asked, plain text */
    const char *owner;             /* who answers for it */
    unsigned forms;                /* mask of 1u << enum cs_form */
    struct date opens, closes;     /* the window; zero dates while unset */
    const char *status;            /* draft, open, published */
    int version;                   /* the version on consultation */
    const char *plan_council_on;   /* "yyyy-mm-dd" the plan went to the HĐND, or "" */
    const char *plan_front_on;     /* ... to the MTTQ, or "" */
    enum cs_decision decision;     /* what was decided */
    const char *decision_note;     /* the decision in a sentence or two */
    const char *explanation;       /* why it departs from the majority view, or "" */
    const char *decided_on;        /* "yyyy-mm-dd" or "" */
    const char *council_report_on; /* reported to the HĐND on, or "" */
    int64_t comment_count;         /* comments not hidden */
    int64_t created_at, opened_at, published_at; /* unix times (0: not yet) */
};

/* One recognised section on its way in. */
struct cs_section_in {
    int ord, parent_ord, depth; /* document order from 1; 0 for top level; nesting */
    const char *kind;           /* outline kind name ("dieu") */
    const char *number;         /* as written, "" for none */
    const char *title;          /* heading or first words */
    const char *body;           /* its own text (tables: rows as lines, cells tab-separated) */
    const char *path;           /* "dieu-1/khoan-2" (unique in its version) */
    const char *label;          /* "Điều 1, khoản 2" */
};

/* A version of the draft on its way in (first import, outline correction, revision). */
struct cs_version_in {
    const char *doc_type, *doc_number, *doc_summary; /* from the document's head, or "" */
    const char *source_name;                         /* the file's name, or "" */
    const char *source_text;                         /* the text as imported */
    const char *note;                                /* what changed (revisions), or "" */
    struct cs_section_in *sections;                  /* in document order */
    size_t n_sections;                               /* their count */
};

/* A new consultation (writer thread). */
struct cs_new {
    int64_t actor;          /* account, 0 for the command line */
    int64_t unit_id;        /* commune or agency */
    int topic;              /* 1..9 */
    int internal;           /* H */
    const char *title;      /* NFC */
    const char *summary;    /* or "" */
    const char *owner;      /* or "" */
    unsigned forms;         /* chosen forms */
    struct cs_version_in v; /* version 1 */
    int64_t id;             /* out */
};

/* A comment on its way in (writer thread). */
struct cs_comment_in {
    int64_t actor; /* who sends it online, or the official entering it */
    int online;    /* 1: the actor's own comment; 0: entered from another form */
    int64_t consultation_id;
    int64_t section_id;      /* 0: the draft as a whole */
    int version;             /* the version commented on */
    const char *body;        /* NFC */
    const char *source;      /* "online", "meeting"... */
    const char *source_note; /* "Họp thôn Đông, 12/01/2026" or "" */
    const char *author_name; /* as shown (online: the account's name), or "" */
    int64_t village_id;      /* 0 or the village the comment comes from */
    const char *submit_key;  /* the form's one-time key, or NULL */
    int64_t unit_id;         /* for the audit row */
    int64_t id;              /* out */
};

/* Converts a recognised outline into sections (arena a). ERR_TOO_LARGE beyond
 * CS_MAX_SECTIONS. */
int cs_outline_sections(struct arena *a, const struct outline *o, struct cs_version_in *v);
/* The text of an uploaded draft (plain text or Markdown in UTF-8, NFC; DOCX as light
 * Markdown). ERR_INVALID with a Vietnamese *error for anything else. */
int cs_text_of_file(struct arena *a, const void *data, size_t len, const char **text,
                    const char **error);
/* Recognises text into v (source_text, head fields, sections); *outline (may be NULL) gets the
 * tree. ERR_INVALID / ERR_TOO_LARGE with a Vietnamese *error. */
int cs_recognise(struct arena *a, const char *text, struct cs_version_in *v,
                 const struct outline **outline, const char **error);

/* ---- store.c: all of the module's SQL; every write appends an audit row ---- */
int cs_store_create(struct db *db, struct cs_new *in);
int cs_store_get(struct db *db, struct arena *a, int64_t id, struct cs_item *out);
/* Consultations of a unit, newest first; public_only: not internal, not drafts. Columns: id,
 * topic, internal, title, status, opens_on, closes_on, comment_count, version, published_at. */
int cs_store_list(struct db *db, struct arena *a, int64_t unit_id, int public_only,
                  struct rows **out);
/* The sections of a version in document order (id, ord, parent_ord, depth, kind, number, title,
 * body, path, label, comment_count). */
int cs_store_sections(struct db *db, struct arena *a, int64_t id, int version, struct rows **out);
/* One section (must belong to consultation id). */
int cs_store_section(struct db *db, struct arena *a, int64_t id, int64_t section_id, json_t **out);
/* Replaces the sections of the draft's current version (only while it is a draft). */
int cs_store_resection(struct db *db, int64_t actor, int64_t id, const struct cs_version_in *v);
/* Edits a draft's title, summary, owner, forms and topic. */
int cs_store_edit(struct db *db, int64_t actor, const struct cs_item *c);
/* Opens the consultation for comments on [opens, closes]. */
int cs_store_open(struct db *db, int64_t actor, int64_t id, struct date opens, struct date closes);
/* Records when the plan went to the HĐND and the MTTQ ("yyyy-mm-dd" or ""). */
int cs_store_plan_sent(struct db *db, int64_t actor, int64_t id, const char *council_on,
                       const char *front_on);
int cs_store_comment_add(struct db *db, struct cs_comment_in *in);
/* Comments, newest first unless by_agree (most agreed first). section_id 0: every section;
 * -1: the draft as a whole only. Hidden ones only when with_hidden. Columns: id, section_id,
 * body, source, source_note, author_name, agree_count, group_id, hidden, hidden_reason,
 * created_at, label (the section's). */
int cs_store_comments(struct db *db, struct arena *a, int64_t id, int64_t section_id, int by_agree,
                      int with_hidden, int limit, int offset, struct rows **out, int64_t *total);
/* The n most agreed comments of every section of version (section_id, id, body, author_name,
 * agree_count, rank). */
int cs_store_top_comments(struct db *db, struct arena *a, int64_t id, int version, int n,
                          struct rows **out);
/* Comments of id whose folded text holds at least min_hits of the folded words (prefixes of
 * words), most hits then most agreed first, at most limit. */
int cs_store_similar(struct db *db, struct arena *a, int64_t id, const char *const *words,
                     size_t n_words, int min_hits, int limit, struct rows **out);
/* The most words cs_store_similar() looks for (more are ignored). */
size_t cs_similar_max_words(void);
/* The actor agrees with comment cid: ERR_CONFLICT when they already did, ERR_FORBIDDEN for
 * their own comment. *consultation_id gets its consultation. */
int cs_store_agree(struct db *db, int64_t actor, int64_t unit_id, int64_t cid,
                   int64_t *consultation_id);
/* The actor's stance on the draft as a whole (1..3), replacing an earlier one. */
int cs_store_stance(struct db *db, int64_t actor, int64_t id, int64_t unit_id, int stance);
/* The actor's stance (0: none). */
int cs_store_stance_of(struct db *db, int64_t actor, int64_t id, int *stance);
/* Stances online plus counted on paper. */
int cs_store_stances(struct db *db, int64_t id, int64_t *agree, int64_t *disagree, int64_t *other);
/* A count of stances from a paper form. */
int cs_store_tally_add(struct db *db, int64_t actor, int64_t id, int64_t unit_id,
                       const char *source, const char *note, int agree, int disagree, int other);
int cs_store_tallies(struct db *db, struct arena *a, int64_t id, struct rows **out);
/* Groups comments[0..n) under a new answer. Comments must belong to id and not be grouped. */
int cs_store_group_add(struct db *db, int64_t actor, int64_t id, int64_t unit_id,
                       int64_t section_id, const char *summary, const char *outcome,
                       const char *answer, const int64_t *comments, size_t n, int64_t *gid);
/* Dissolves group gid of id: its comments are ungrouped. */
int cs_store_group_drop(struct db *db, int64_t actor, int64_t id, int64_t unit_id, int64_t gid);
/* Groups with their section's label and ord and comment count and agreements, in section
 * order (id, section_id, label, ord, summary, outcome, answer, n_comments, n_agree). */
int cs_store_groups(struct db *db, struct arena *a, int64_t id, struct rows **out);
/* Counts: comments, grouped ones, hidden ones. */
int cs_store_counts(struct db *db, int64_t id, int64_t *comments, int64_t *grouped,
                    int64_t *hidden);
int cs_store_hide(struct db *db, int64_t actor, int64_t id, int64_t unit_id, int64_t cid,
                  const char *reason);
int cs_store_decide(struct db *db, int64_t actor, const struct cs_item *c);
int cs_store_publish(struct db *db, int64_t actor, int64_t id, int64_t unit_id);
/* Adds a revised version (its sections) and makes it current. *version gets its number. */
int cs_store_version_add(struct db *db, int64_t actor, int64_t id, int64_t unit_id,
                         const struct cs_version_in *v, int *version);
/* Versions (version, doc_type, note, created_at, n_sections). */
int cs_store_versions(struct db *db, struct arena *a, int64_t id, struct rows **out);
/* The response table's rows in order, as a statement to step: section label, ord, then each
 * group (kind 'g': summary, outcome, answer, n_comments, n_agree, sources) and each ungrouped
 * comment (kind 'c'). Columns: kind, ord, label, text, outcome, answer, n, agree, sources. */
int cs_store_table_open(struct db *db, int64_t id, struct db_stmt **st);

/* ---- staff conference (H) ---- */
struct cs_conference_in {
    int64_t actor, unit_id, consultation_id; /* the agency; the draft it discussed, or 0 */
    int year;                                /* the year it reviews */
    const char *kind;                        /* "yearly" or "requested" */
    const char *held_on;                     /* "yyyy-mm-dd" */
    const char *place, *chair, *secretary, *notes;
    int staff_total, present, valid;
    int64_t id; /* out */
};
int cs_store_conference_add(struct db *db, struct cs_conference_in *in);
int cs_store_conferences(struct db *db, struct arena *a, int64_t unit_id, struct rows **out);
int cs_store_conference_get(struct db *db, struct arena *a, int64_t cid, json_t **out);
int cs_store_resolution_add(struct db *db, int64_t actor, int64_t unit_id, int64_t conference_id,
                            const char *title, int votes_for, int votes_against, int abstain,
                            int passed);
int cs_store_resolutions(struct db *db, struct arena *a, int64_t conference_id, struct rows **out);

/* ---- shared by the handlers ---- */
/* The consultation plan (E3: content, forms, dates, owner) as plain text with "# " headings. */
const char *cs_plan_text(struct arena *a, const struct consultation_env *env,
                         const struct cs_item *c, const struct unit *u);
struct consultation_env *cs_env(struct http_request *r);
/* Consultation `id` capture with its unit; ERR_NOT_FOUND unless r may see it (drafts and
 * internal ones need consultation.view or consultation.staff). *manage: r may manage it. */
int cs_access(struct http_request *r, struct cs_item *c, struct unit *u, int *manage);
/* The consultation as JSON for pages (title, dates dd/mm/yyyy, phase, labels, urls). */
json_t *cs_item_json(struct http_request *r, const struct cs_item *c, const struct unit *u);
/* Where the window stands now. */
enum cs_phase cs_phase_now(const struct cs_item *c);
/* The rules for c (by its opening day, or today for a draft). */
const struct cs_rules *cs_rules_for(const struct consultation_env *env, const struct cs_item *c);

extern const struct http_route cs_public_routes[];
extern const size_t cs_public_n_routes;
extern const struct http_route cs_admin_routes[];
extern const size_t cs_admin_n_routes;
extern const struct http_route cs_export_routes[];
extern const size_t cs_export_n_routes;
extern const struct http_route cs_staff_routes[];
extern const size_t cs_staff_n_routes;
extern const struct http_route cs_compare_routes[];
extern const size_t cs_compare_n_routes;

#endif

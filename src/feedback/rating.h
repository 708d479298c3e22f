/*
 * rating.h - internal to src/feedback: satisfaction ratings of the one-stop desk (Bộ phận một
 * cửa; issue 4). A commune's desks (quầy) and the officers serving at each; QR codes on a
 * printed poster (a desk, or a desk and one officer: scanned again and again) or on a
 * transaction's receipt slip (rated once, until it expires); the public rating page; the
 * satisfaction indices per desk, officer, section and month.
 *
 * Files: rating.c (pages, posters and slips, indices, the demo), store_rating.c (its SQL).
 * A QR code carries a random secret; only its SHA-256 is stored (fb_rating_secret_new).
 */
#ifndef DANCHU_FEEDBACK_RATING_H
#define DANCHU_FEEDBACK_RATING_H

#include "feedback/internal.h"

/* A resident's comment, in code points. */
#define FB_RATING_COMMENT_MAX 500
/* A receipt's QR code may be used until the end of the day this many days after printing
 * (the default), or of at most FB_RECEIPT_DAYS_MAX days. */
#define FB_RECEIPT_DAYS 30
#define FB_RECEIPT_DAYS_MAX 90
/* A QR code's secret as hex (16 random bytes) and its SHA-256 as hex, with their NULs. */
#define FB_RATING_SECRET 33
#define FB_RATING_HASH 65

/* How a rating came: a poster's code (reusable) or a receipt's (one transaction, once). */
enum fb_via { FB_VIA_POSTER = 0, FB_VIA_RECEIPT = 1 };

/* The scores a resident may give. */
enum fb_score { FB_UNSATISFIED = 1, FB_NEUTRAL = 2, FB_SATISFIED = 3 };

/* A desk of the one-stop shop. Strings are arena memory. */
struct fb_desk {
    int64_t id;          /* rating_desks.id */
    int64_t unit_id;     /* the commune */
    const char *name;    /* "Quầy 1 – Tư pháp, hộ tịch" */
    const char *section; /* lĩnh vực or bộ phận, or "" */
    int active;          /* 0 once deactivated: its codes are refused */
    int64_t created_at;  /* unix time */
};

/* A QR code as stored (found by its hash). */
struct fb_rtoken {
    int64_t id;            /* rating_tokens.id */
    int64_t unit_id;       /* the commune */
    int64_t desk_id;       /* the desk rated */
    int64_t officer_id;    /* the officer rated, or 0 (the desk as a whole) */
    enum fb_via via;       /* poster or receipt */
    const char *reference; /* a receipt's transaction number (số biên nhận), or "" (arena) */
    int64_t expires_at;    /* a receipt: unix time it stops working; 0 for a poster */
    int64_t used_at;       /* a receipt: when it was used, 0 while unused */
    int64_t created_at;    /* unix time */
};

/* A new desk (writer thread). */
struct fb_desk_new {
    int64_t actor;       /* the official adding it */
    int64_t unit_id;     /* the commune */
    const char *name;    /* its name */
    const char *section; /* its section, or "" */
    int64_t now;         /* unix time */
    int64_t id;          /* out: the new desk */
};

/* Who serves at a desk from now on (writer thread). */
struct fb_staff_set {
    int64_t actor;      /* the official */
    int64_t unit_id;    /* the commune */
    int64_t desk_id;    /* the desk */
    const int64_t *ids; /* account ids, each an officer of the commune */
    size_t n_ids;       /* their count */
};

/* A new QR code (writer thread): the caller made the secret and gives its hash. */
struct fb_rtoken_new {
    int64_t actor;             /* the official printing it, or 0 (the demo) */
    int64_t unit_id;           /* the commune */
    int64_t desk_id;           /* the desk */
    int64_t officer_id;        /* the officer, or 0 */
    enum fb_via via;           /* poster or receipt */
    const char *reference;     /* a receipt's transaction number, or "" */
    int64_t expires_at;        /* a receipt's end, or 0 */
    int64_t now;               /* unix time */
    char hash[FB_RATING_HASH]; /* SHA-256 of the secret, hex */
    int64_t id;                /* out: the new code */
};

/* A rating (writer thread). */
struct fb_rating_new {
    int64_t token_id;    /* the code scanned */
    int64_t unit_id;     /* its commune */
    int64_t desk_id;     /* its desk */
    int64_t officer_id;  /* its officer, or 0 */
    enum fb_via via;     /* poster or receipt */
    int score;           /* enum fb_score */
    const char *comment; /* or "" */
    const char *visitor; /* a poster: the visitor's hash (one rating a day); NULL for a receipt */
    char day[11];        /* the Vietnam day, yyyy-mm-dd */
    int64_t now;         /* unix time */
    int64_t id;          /* out: the new rating */
};

/* What the indices are grouped by. */
enum fb_tally_by { FB_BY_DESK, FB_BY_OFFICER, FB_BY_SECTION, FB_BY_MONTH };

/* ---- store_rating.c: every SQL statement of the ratings ---- */

/* Adds a desk, audited. ERR_CONFLICT when an active desk of the commune has that name. */
int fb_rating_desk_add(struct db *db, struct fb_desk_new *in);
/* ERR_NOT_FOUND when there is no such desk. */
int fb_rating_desk_get(struct db *db, struct arena *a, int64_t id, struct fb_desk *out);
/* Opens (1) or closes (0) a desk to ratings, audited. ERR_CONFLICT when reopening it would
 * give the commune two active desks of one name. */
int fb_rating_desk_set_active(struct db *db, int64_t actor, int64_t unit_id, int64_t desk_id,
                              int active);
/* A commune's desks, active first, by name: id, name, section, active, n_ratings. */
int fb_rating_desks(struct db *db, struct arena *a, int64_t unit_id, struct rows **out);
/* Who serves at each desk of a commune: desk_id, account_id, name (by desk, then name). */
int fb_rating_staff(struct db *db, struct arena *a, int64_t unit_id, struct rows **out);
/* Replaces who serves at a desk, audited. */
int fb_rating_staff_set(struct db *db, const struct fb_staff_set *in);
/* The officers of a commune (accounts holding `officer` on it, not disabled): id, name. */
int fb_rating_officers(struct db *db, struct arena *a, int64_t unit_id, struct rows **out);
/* The display name of account id (arena a); ERR_NOT_FOUND when none. */
int fb_rating_account_name(struct db *db, struct arena *a, int64_t id, const char **name);
/* Stores a new code, audited (never its secret). */
int fb_rating_token_add(struct db *db, struct fb_rtoken_new *in);
/* The code whose secret hashes to hash; ERR_NOT_FOUND when none. */
int fb_rating_token_find(struct db *db, struct arena *a, const char *hash, struct fb_rtoken *out);
/* *out = 1 when visitor rated through token_id on day (yyyy-mm-dd) already. */
int fb_rating_visited(struct db *db, int64_t token_id, const char *visitor, const char *day,
                      int *out);
/*
 * Stores a rating, audited, and for a receipt uses its code up in the same transaction.
 * ERR_CONFLICT when the receipt was used, or the visitor rated this poster on that day, already;
 * ERR_NOT_FOUND when the receipt has expired or the desk no longer takes ratings.
 */
int fb_rating_add(struct db *db, struct fb_rating_new *in);
/*
 * Counts of a commune's ratings with day in [from, to] (yyyy-mm-dd) grouped by `by`, then by
 * how they came and their score: rows of k (desk or officer id, else 0), label (desk name,
 * officer name, section, or the month yyyy-mm), via ("poster"/"receipt"), score, n; ordered by
 * label, k.
 */
int fb_rating_tally(struct db *db, struct arena *a, int64_t unit_id, enum fb_tally_by by,
                    const char *from, const char *to, struct rows **out);

/* The newest `limit` comments of a commune's ratings with day in [from, to]: day, desk (its
 * name), score, comment, via; with room for 3 more columns. */
int fb_rating_comments(struct db *db, struct arena *a, int64_t unit_id, const char *from,
                       const char *to, int limit, struct rows **out);

/* ---- rating.c ---- */

/* A new secret for a QR code (hex) and its SHA-256 (hex). */
void fb_rating_secret_new(char secret[FB_RATING_SECRET], char hash[FB_RATING_HASH]);
/* The SHA-256 (hex) of a secret as it came in a URL; 0, or ERR_NOT_FOUND when it cannot be
 * one (wrong length or not lower-case hex). */
int fb_rating_secret_hash(const char *secret, char hash[FB_RATING_HASH]);
/* Hex SHA-256 of s (arena): how a code's secret and a visitor are stored. */
const char *fb_rating_hash_hex(struct arena *a, const char *s);

/*
 * rating_demo.c - the demo: 3 desks of commune commune_code with their officers (the commune's
 * officers, and pending accounts holding `officer` made up to three), a poster for each desk and
 * each of its officers, and a few hundred ratings over the last 6 months through posters and
 * receipts, deterministic for seed and today. Runs in the caller's transaction. 0 or an ERR_* code.
 */
int fb_rating_demo(struct db *db, const struct feedback_env *env, const char *commune_code,
                   unsigned seed);

extern const struct http_route fb_rating_routes[];
extern const size_t fb_rating_n_routes;

#endif

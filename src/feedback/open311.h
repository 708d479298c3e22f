/*
 * open311.h - internal to src/feedback: Open311 GeoReport v2 at /open311/v2/ (issue 4):
 * discovery, services, service definitions, service requests, tokens; the store of the API keys
 * of the applications that post requests (migration 0018). What `danchu apikeys` needs of the
 * keys is public, in feedback.h.
 *
 * Open311 carries only phản ánh (FB_FEEDBACK) and kiến nghị (FB_RECOMMENDATION): requests for
 * information, complaints and denunciations are personal and are never listed nor accepted
 * here. Every query below names those two kinds in its SQL, and open311.c checks each case's
 * kind again before it shows it. No query here reads a sender's name, phone, e-mail or address,
 * nor the case's tracking code: the code is the sender's key to their case (public.c), so
 * service_request_id is the case's id.
 */
#ifndef DANCHU_FEEDBACK_OPEN311_H
#define DANCHU_FEEDBACK_OPEN311_H

#include "feedback/internal.h"

extern const struct http_route fb_open311_routes[];
extern const size_t fb_open311_n_routes;

/* A case as Open311 shows it: what the tracking page shows, never who sent it nor the tracking
 * code. Strings are arena memory. */
struct fb_o311_case {
    int64_t id;               /* cases.id = service_request_id (in decimal) */
    int64_t unit_id;          /* the commune (jurisdiction) */
    enum fb_kind kind;        /* FB_FEEDBACK or FB_RECOMMENDATION */
    const char *field;        /* field key = service_code, or "" */
    const char *body;         /* the text = description */
    const char *status;       /* received accepted answered forwarded refused closed */
    const char *answer;       /* the answer (or a refusal's reasons), or "" */
    const char *forwarded_to; /* the body it was forwarded to, or "" */
    const char *reason;       /* the reason it was closed, or "" */
    const char *place;        /* where = address, or "" */
    const char *due_on;       /* next deadline "yyyy-mm-dd", or "" when nothing is due */
    int has_position;         /* lat, lon given */
    double lat, lon;          /* WGS 84 degrees */
    int64_t received_at;      /* unix time = requested_datetime */
    int64_t updated_at;       /* unix time = updated_datetime */
};

/* What GET requests asks for: one commune's cases received in [from, to]. */
struct fb_o311_query {
    int64_t unit_id;    /* the commune */
    int64_t from, to;   /* unix times, inclusive */
    const char *fields; /* ",key,key," of the service codes asked for, or "" for every one */
    int status;         /* 0 any, 1 open (received, accepted), 2 closed (the rest) */
    int limit;          /* at most this many, newest first */
};

/* ---- store_open311.c: the SQL of Open311 ---- */

/* The cases q asks for, newest first, into *out (arena a) and their count *n. */
int fb_o311_cases(struct db *db, struct arena *a, const struct fb_o311_query *q,
                  struct fb_o311_case **out, size_t *n);
/* The case with id `id` when it is a phản ánh or kiến nghị; ERR_NOT_FOUND otherwise. */
int fb_o311_case_by_id(struct db *db, struct arena *a, int64_t id, struct fb_o311_case *out);
/* The case an Open311 POST made and answered with `token`; ERR_NOT_FOUND otherwise. */
int fb_o311_case_by_token(struct db *db, struct arena *a, const char *token,
                          struct fb_o311_case *out);

/* An application's key as found by fb_o311_key_find. */
struct fb_o311_key {
    int64_t id;      /* api_keys.id */
    int64_t unit_id; /* the commune it may post to */
};
/* The live key whose text is `key` (compared by its SHA-256, in constant time); ERR_FORBIDDEN
 * when there is none, it was revoked, or key is not one danchu made. */
int fb_o311_key_find(struct db *db, const char *key, struct fb_o311_key *out);
/* How many cases key_id posted at or after `since` (unix time) into *n. */
int fb_o311_key_posts(struct db *db, int64_t key_id, int64_t since, int64_t *n);
/* Records that key_id posted case_id and was answered with token (in the case's write). */
int fb_o311_key_link(struct db *db, int64_t key_id, int64_t case_id, const char *token);

#endif

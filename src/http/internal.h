/*
 * internal.h - state shared by the files of src/http only (server, page
 * cache, static assets, built-in routes). Modules use http.h.
 */
#ifndef DANCHU_HTTP_INTERNAL_H
#define DANCHU_HTTP_INTERNAL_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>

#include "http/http.h"

struct http_conn;

/* One embedded static file, served at /s/HASH/NAME with a year of caching. */
struct http_asset {
    char url[160];             /* "/s/1a2b3c4d/app.css" */
    char etag[24];             /* quoted content hash */
    size_t len;                /* body length */
    struct MHD_Response *resp; /* prebuilt, shared response */
};

struct page_entry {
    char *key;                 /* raw URI plus format, owned */
    uint64_t version;          /* data version it was rendered at */
    struct MHD_Response *resp; /* shared response (refcounted by MHD) */
    char etag[24];             /* its ETag */
    size_t len;                /* body length */
};

#define PAGE_CACHE_SLOTS 1024

struct http_server {
    struct http_config cfg;           /* copy of the caller's config */
    unsigned char secret[32];         /* anonymous CSRF key */
    int view_flags;                   /* MUSTACHE_STRICT in tests */
    struct MHD_Daemon *mhd;           /* the daemon */
    const struct http_route **routes; /* all modules' routes, in order */
    void **route_ctx;                 /* the context each route's table was added with */
    size_t n_routes, cap_routes;      /* count and capacity */
    struct http_asset *assets;        /* static files */
    size_t n_assets;                  /* their count */
    json_t *assets_model;             /* {"app_css": "/s/.../app.css", ...} for templates */
    _Atomic uint64_t data_version;    /* bumped after every committed write */
    pthread_rwlock_t cache_lock;      /* guards cache */
    struct page_entry cache[PAGE_CACHE_SLOTS]; /* direct-mapped page cache */
    _Atomic long inflight;                     /* requests not yet completed */
    _Atomic long streams;                      /* streamed bodies being sent */
    _Atomic long suspended;                    /* requests waiting for a durable write */
    /* metrics */
    _Atomic uint64_t n_requests[6]; /* by status class: 1xx..5xx, index 0 other */
    _Atomic uint64_t request_us;    /* sum of request durations */
    _Atomic uint64_t cache_hits;    /* anonymous pages served from cache */
    _Atomic uint64_t cache_misses;  /* cacheable pages rendered */
    time_t started;                 /* process start, for uptime */
};

void page_cache_init(struct http_server *srv);
void page_cache_free(struct http_server *srv);
/* Queues the cached page for uri when fresh; returns 1 and sets *ok, else 0. */
int page_cache_serve(struct http_server *srv, struct http_conn *c, const char *uri, int json,
                     enum MHD_Result *ok);
void page_cache_put(struct http_server *srv, const char *uri, int json, const char *ctype,
                    const char *body, size_t len);
/* Queues resp with status for c (server.c). */
enum MHD_Result http_conn_queue(struct http_conn *c, int status, struct MHD_Response *resp,
                                size_t len);
const char *http_conn_header(struct http_conn *c, const char *name);

/* Content-Security-Policy and the other security headers on every response. */
void http_add_security_headers(struct MHD_Response *resp);

void assets_init(struct http_server *srv);
void assets_free(struct http_server *srv);

void builtin_routes_add(struct http_server *srv);
void metrics_observe(struct http_server *srv, int status, uint64_t us);

#endif

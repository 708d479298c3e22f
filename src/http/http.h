/*
 * http.h - the public header of src/http: libmicrohttpd glue, route tables,
 * declared parameters, sessions and CSRF hooks, responses rendered from
 * view-models.
 *
 * A module declares one static table of struct http_route. The dispatcher
 * enforces method, sign-in, permission, CSRF, body size, content type and
 * parameter declarations before any handler runs; undeclared parameters are
 * dropped. A handler validates, calls its store, fills res->model (a JSON
 * view-model) and names a template; the dispatcher renders it as HTML, or
 * returns the model itself for `Accept: application/json` or `?format=json`.
 *
 * Writes go through the store's write queue: a handler calls
 * http_defer_write() and returns HTTP_DEFERRED; the connection is suspended
 * (it holds no worker thread) until the write's transaction is durable,
 * then the route's `after` function builds the response.
 */
#ifndef DANCHU_HTTP_H
#define DANCHU_HTTP_H

#include <stdint.h>

#include <jansson.h>

#include "core/core.h"
#include "http/parse.h"
#include "store/store.h"
#include "view/view.h"

struct http_request;
struct http_response;
struct http_server;

/* Returned by a handler that submitted a write with http_defer_write(). */
#define HTTP_DEFERRED 1

enum http_param_type {
    HP_TEXT = 0,  /* UTF-8 text (NFC), one line */
    HP_LINES = 1, /* UTF-8 text, may hold line breaks */
    HP_INT = 2,   /* base-10 integer within [min, max] */
    HP_FILE = 3,  /* multipart file part */
    HP_DATE = 4,  /* dd/mm/yyyy or yyyy-mm-dd */
};

/* One declared parameter of a route (query string or form body). */
struct http_param_spec {
    const char *name;          /* field name */
    enum http_param_type type; /* how it is validated */
    int required;              /* 1: missing or empty is a 400 (or the form's own error) */
    int64_t min, max;          /* HP_INT range; HP_TEXT/HP_LINES: max length in code points */
};

enum http_route_flags {
    HTTP_LOGIN = 1 << 0,      /* must be signed in (implied by a permission) */
    HTTP_CACHE = 1 << 1,      /* anonymous response may be cached as rendered bytes */
    HTTP_MULTIPART = 1 << 2,  /* accepts multipart/form-data (uploads) */
    HTTP_NO_CSRF = 1 << 3,    /* POST without CSRF (sign-in uses the anonymous token) */
    HTTP_RAW = 1 << 4,        /* handler fills res->body itself (CSV, files) */
    HTTP_SECRET_URL = 1 << 5, /* the path holds a secret (a tracking or rating code): the log
                                 line shows the route's pattern instead */
};

typedef int (*http_handler)(struct http_request *r, struct http_response *res);
typedef int (*http_after)(struct http_request *r, struct http_response *res, int rc);

struct http_route {
    const char *method;                   /* "GET" or "POST" */
    const char *pattern;                  /* "/don-vi/{code}/ho": {x} captures one segment */
    http_handler handler;                 /* runs after every check passed */
    http_after after;                     /* for deferred writes: builds the response */
    const char *perm;                     /* permission id, or NULL for public */
    const char *unit_arg;                 /* path capture naming the unit perm applies to */
    unsigned flags;                       /* enum http_route_flags */
    const struct http_param_spec *params; /* declared parameters */
    size_t n_params;                      /* their count */
    size_t max_body;                      /* body cap in bytes; 0 = 64 KiB default */
};

/* The signed-in person as the app's session hook sees them. */
struct http_user {
    int64_t id;               /* accounts.id */
    const char *login;        /* login name */
    const char *display_name; /* shown in the header */
    const char *csrf;         /* this session's anti-forgery token */
    void *ext;                /* the app's richer record (roles), owned by the request arena */
};

struct http_request {
    struct arena *a;                /* per-request arena; freed when the request completes */
    struct http_server *srv;        /* the server */
    struct db *db;                  /* this worker thread's database connection */
    const char *method;             /* "GET", "POST", ... */
    const char *path;               /* decoded path, without the query string */
    const char *ip;                 /* client address as text */
    const char *args[8];            /* pattern captures in order, decoded */
    const char *arg_names[8];       /* their names from the pattern */
    size_t n_args;                  /* captures */
    struct http_params params;      /* declared, validated parameters (query + body) */
    struct http_user *user;         /* NULL when anonymous */
    const char *csrf;               /* token that forms must carry (session or anonymous) */
    int want_json;                  /* Accept: application/json or ?format=json */
    const struct http_route *route; /* the matched route */
    void *route_ctx;                /* the context its table was added with (module state) */
    void *state;                    /* handler state carried to `after` (arena memory) */
    struct http_conn *conn;         /* internal: the connection state */
    void *app_memo;                 /* the app hooks' per-request memo (arena memory) */
    const char *session_token;      /* the session cookie when it named a live session */
};

struct http_header {
    const char *name;  /* header name */
    const char *value; /* header value */
};

/*
 * A body produced piece by piece while it is sent (long exports): the handler of an HTTP_RAW
 * route sets res->stream instead of res->body, and http calls next() whenever the client has
 * taken what came before, on the connection's worker thread, after the handler and its
 * request's read snapshot are done. So a producer owns everything it uses: its memory (not the
 * request arena, which may be gone before the last piece) and its own database connection
 * (store_connect) if it reads rows as it goes. Sent with chunked encoding, without an ETag.
 */
struct http_stream {
    int (*next)(void *ctx, struct buf *out); /* appends the next piece to out (a heap buffer,
                                                emptied between calls): 1 when more follows,
                                                0 after the last, or a negative error (the
                                                connection is then cut) */
    void (*close)(void *ctx);                /* frees ctx; called exactly once, at the end */
    void *ctx;                               /* the producer's state */
};

struct http_response {
    int status;                    /* HTTP status; 200 unless set */
    const char *template;          /* view name, e.g. "units/households" */
    json_t *model;                 /* view-model (owned: the dispatcher decrefs it) */
    const char *title;             /* page title (Vietnamese) */
    const char *redirect;          /* when set: 303 See Other to this location */
    const char *flash;             /* message shown on the next page (after a redirect) */
    struct buf body;               /* HTTP_RAW routes: the bytes to send */
    const char *content_type;      /* HTTP_RAW routes: their type; templates: overrides HTML */
    const char *filename;          /* HTTP_RAW routes: Content-Disposition attachment name */
    struct http_stream stream;     /* HTTP_RAW routes: a body made while it is sent, or none */
    struct http_header headers[8]; /* extra headers */
    size_t n_headers;              /* their count */
    const char *set_cookie[4];     /* full Set-Cookie values */
    size_t n_cookies;              /* their count */
    struct view_rows tables[4];    /* long lists standing at top-level keys of model */
    size_t n_tables;               /* their count */
};

/* Hooks the app supplies so that http never includes a module header. */
struct http_hooks {
    void *ctx; /* passed back to each hook */
    /* Resolves a session token (cookie) into r->user; leaves it NULL if none. */
    int (*session)(void *ctx, struct http_request *r, const char *token);
    /* 0 when r->user holds perm on the unit whose code is unit_code (NULL: on any unit),
     * else ERR_FORBIDDEN. */
    int (*authorize)(void *ctx, struct http_request *r, const char *perm, const char *unit_code);
    /* Adds site-wide keys (navigation, commune name) to every HTML model. May be NULL. */
    void (*decorate)(void *ctx, struct http_request *r, json_t *model);
};

struct http_config {
    const char *listen;           /* "ADDR:PORT" */
    int threads;                  /* worker threads, 0: one per processor, 4 to 8 */
    int secure_cookies;           /* Secure attribute on cookies (base_url is https) */
    const char *base_url;         /* for absolute links */
    struct store *store;          /* the database */
    struct view_templates *views; /* compiled templates */
    struct http_hooks hooks;      /* the app's hooks */
    const unsigned char *secret;  /* 32-byte server secret for anonymous CSRF tokens */
    int quiet;                    /* no request log lines */
};

/* Registers a module's route table; call before http_server_start. */
void http_add_routes(struct http_server *srv, const struct http_route *routes, size_t n);
/* The same with a context (the module's long-lived state) that its handlers get back from
 * http_route_ctx(r). ctx must outlive the server. */
void http_add_routes_ctx(struct http_server *srv, const struct http_route *routes, size_t n,
                         void *ctx);
void *http_route_ctx(const struct http_request *r);

struct http_server *http_server_new(const struct http_config *cfg);
int http_server_start(struct http_server *srv, char *err, size_t err_len);
/* Blocks until SIGTERM or SIGINT, then stops accepting, finishes in-flight requests and
 * pending writes, and returns. */
void http_server_run_until_signal(struct http_server *srv);
void http_server_free(struct http_server *srv);

/* Marks every cached page stale (called after each committed write). */
void http_cache_bump(struct http_server *srv);
/* The server's data version: bumped after every commit of this process (what invalidates the
 * page cache). A handler may keep a computed figure keyed by it. */
uint64_t http_data_version(const struct http_request *r);

/* Parameter access (declared parameters only). NULL / def when absent. */
const char *http_arg(const struct http_request *r, const char *name);
const char *http_param(const struct http_request *r, const char *name);
int64_t http_param_int(const struct http_request *r, const char *name, int64_t def);
const struct http_param *http_file(const struct http_request *r, const char *name);

/* Submits a write; the handler then returns HTTP_DEFERRED. run executes on the writer
 * thread inside a transaction; route->after gets the result once it is durable. */
int http_defer_write(struct http_request *r, int (*run)(struct db *, void *), void *arg);

/* Sets a cookie on the response (value already safe; attributes added). max_age < 0 deletes. */
void http_set_cookie(struct http_request *r, struct http_response *res, const char *name,
                     const char *value, long max_age);

/* The session token from the cookie (for sign-out), or NULL. */
const char *http_session_token(const struct http_request *r);

/* The app context given in http_config.hooks.ctx. */
void *http_app(const struct http_request *r);

/* 0 when the signed-in person holds perm on the unit with that code (NULL: any unit). */
int http_authorize(struct http_request *r, const char *perm, const char *unit_code);

/* Puts table t at the top-level key `key` of the view-model: rendered row by row without JSON
 * objects, and turned into an array of objects only for the JSON variant (view.h, view_rows).
 * t must live as long as the request (the request arena). At most 4 per response. */
void http_model_rows(struct http_response *res, const char *key, const struct rows *t);

/* Appends s percent-encoded for a URL's query or path (letters, digits, - _ . kept). */
void http_url_encode(struct buf *b, const char *s);

/* Form error helper: res->status = 422 and model["errors"][field] = message (Vietnamese). */
void http_form_error(struct http_response *res, const char *field, const char *message);
/* The usual answer of a deferred write's `after`: back to page `back` with flash, or, when the
 * write found the state changed under it (ERR_CONFLICT), back with a message saying so; any
 * other error is returned for the error page. */
int http_after_write(struct http_response *res, int rc, const char *back, const char *flash);

#endif

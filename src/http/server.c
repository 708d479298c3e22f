/*
 * server.c - libmicrohttpd glue: connection state, body buffering,
 * dispatch through the route table, deferred writes with suspend/resume,
 * responses and clean shutdown.
 *
 * Threading: MHD runs a pool of worker threads (MHD_OPTION_THREAD_POOL_SIZE);
 * each worker lazily opens its own database connection (thread-local, closed
 * by a pthread key destructor). A request's memory is one arena, created in
 * the URI callback and freed in the completion callback.
 *
 * Per DESIGN's machine notes, a response is never queued on the first call
 * of the access handler for a request: MHD 0.9.75 then closes the connection
 * after every request, which costs three quarters of the throughput.
 */
#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/http.h"
#include "http/internal.h"

#define DEFAULT_MAX_BODY (64 * 1024)
/* A 20 MB upload lives twice: the raw body and the parsed file part. */
#define REQUEST_ARENA_CAP (96u * 1024 * 1024)
#define REQUEST_ARENA_BLOCK (64u * 1024)

enum conn_phase {
    PH_HEADERS = 0,  /* first call: headers seen, nothing answered */
    PH_BODY = 1,     /* receiving the body */
    PH_DEFERRED = 2, /* suspended, waiting for a durable write */
    PH_DONE = 3,     /* a response was queued */
};

struct http_conn {
    struct arena *a;                       /* the request's arena */
    struct http_request req;               /* what handlers see */
    struct http_response res;              /* what handlers fill */
    struct MHD_Connection *mc;             /* the MHD connection */
    struct http_server *srv;               /* the server */
    char *raw_uri;                         /* URI as sent, with its query string */
    struct buf body;                       /* request body (capped) */
    size_t max_body;                       /* cap for this route */
    int too_large;                         /* body passed max_body */
    enum conn_phase phase;                 /* where the request is */
    struct write_job job;                  /* deferred write */
    int (*write_run)(struct db *, void *); /* the handler's write */
    void *write_arg;                       /* its argument */
    _Atomic int write_done;                /* set by the writer thread */
    uint64_t start_us;                     /* for the log line */
    int status;                            /* for the log line */
    uint64_t bytes;                        /* for the log line */
    int route_found;                       /* a route matched path and method */
    int method_mismatch;                   /* the path matched, the method did not */
    const char *flash_in; /* message from the previous redirect (dc_flash cookie) */
    uint64_t discarded;   /* body bytes dropped past max_body */
    int read_txn;         /* a read transaction is open on req.db */
};

static pthread_key_t tls_db_key;
static pthread_once_t tls_db_once = PTHREAD_ONCE_INIT;

static void tls_db_free(void *p)
{
    db_close(p);
}

static void tls_db_init(void)
{
    pthread_key_create(&tls_db_key, tls_db_free);
}

static struct db *thread_db(struct http_server *srv)
{
    pthread_once(&tls_db_once, tls_db_init);
    struct db *db = pthread_getspecific(tls_db_key);
    if (db)
        return db;
    if (store_connect(srv->cfg.store, &db) != 0)
        return NULL;
    pthread_setspecific(tls_db_key, db);
    return db;
}

/* ---- route table ---------------------------------------------------------------------- */

void http_add_routes_ctx(struct http_server *srv, const struct http_route *routes, size_t n,
                         void *ctx)
{
    for (size_t i = 0; i < n; i++) {
        if (srv->n_routes == srv->cap_routes) {
            srv->cap_routes = srv->cap_routes ? srv->cap_routes * 2 : 32;
            srv->routes = realloc(srv->routes, srv->cap_routes * sizeof *srv->routes);
            srv->route_ctx = realloc(srv->route_ctx, srv->cap_routes * sizeof *srv->route_ctx);
            if (!srv->routes || !srv->route_ctx)
                abort();
        }
        srv->route_ctx[srv->n_routes] = ctx;
        srv->routes[srv->n_routes++] = &routes[i];
    }
}

void http_add_routes(struct http_server *srv, const struct http_route *routes, size_t n)
{
    http_add_routes_ctx(srv, routes, n, NULL);
}

void *http_route_ctx(const struct http_request *r)
{
    return r->route_ctx;
}

/* Matches path against pattern; captures {x} segments into r. */
static int match_pattern(struct http_request *r, const char *pattern, const char *path)
{
    size_t n = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p == '{') {
            const char *pe = strchr(p, '}');
            if (!pe || n >= 8)
                return 0;
            const char *se = strchr(s, '/');
            size_t slen = se ? (size_t)(se - s) : strlen(s);
            if (slen == 0)
                return 0;
            r->arg_names[n] = arena_strndup(r->a, p + 1, (size_t)(pe - p - 1));
            r->args[n] = arena_strndup(r->a, s, slen);
            n++;
            p = pe + 1;
            s += slen;
            continue;
        }
        if (*p != *s)
            return 0;
        p++;
        s++;
    }
    if (*p || *s)
        return 0;
    r->n_args = n;
    return 1;
}

static void find_route(struct http_conn *c, const char *method, const char *path)
{
    struct http_server *srv = c->srv;
    int is_head = strcmp(method, "HEAD") == 0;
    for (size_t i = 0; i < srv->n_routes; i++) {
        const struct http_route *rt = srv->routes[i];
        if (!match_pattern(&c->req, rt->pattern, path))
            continue;
        if (strcmp(rt->method, method) == 0 || (is_head && strcmp(rt->method, "GET") == 0)) {
            c->req.route = rt;
            c->req.route_ctx = srv->route_ctx[i];
            c->route_found = 1;
            c->max_body = rt->max_body ? rt->max_body : DEFAULT_MAX_BODY;
            return;
        }
        c->method_mismatch = 1;
    }
    c->req.n_args = 0;
}

/* ---- parameters ---------------------------------------------------------------------- */

const char *http_arg(const struct http_request *r, const char *name)
{
    for (size_t i = 0; i < r->n_args; i++)
        if (strcmp(r->arg_names[i], name) == 0)
            return r->args[i];
    return NULL;
}

const char *http_param(const struct http_request *r, const char *name)
{
    const struct http_param *p = http_params_get(&r->params, name);
    if (!p || p->filename.len)
        return NULL;
    return p->value.ptr ? p->value.ptr : "";
}

int64_t http_param_int(const struct http_request *r, const char *name, int64_t def)
{
    const struct http_param *p = http_params_get(&r->params, name);
    int64_t v;
    if (!p || parse_int64(p->value, INT64_MIN, INT64_MAX, &v) != 0)
        return def;
    return v;
}

const struct http_param *http_file(const struct http_request *r, const char *name)
{
    const struct http_param *p = http_params_get(&r->params, name);
    return p && p->filename.len ? p : NULL;
}

static const struct http_param_spec *find_spec(const struct http_route *rt, struct str name)
{
    for (size_t i = 0; i < rt->n_params; i++)
        if (str_eq_c(name, rt->params[i].name))
            return &rt->params[i];
    return NULL;
}

/*
 * Keeps only declared parameters and validates each against its spec.
 * Returns 0, or ERR_INVALID with a Vietnamese message in *why.
 */
static int filter_params(struct http_request *r, const struct http_params *in, const char **why)
{
    const struct http_route *rt = r->route;
    struct http_params out = {arena_alloc(r->a, (in->n_items + 1) * sizeof(struct http_param)), 0};
    for (size_t i = 0; i < in->n_items; i++) {
        const struct http_param *p = &in->items[i];
        const struct http_param_spec *sp = find_spec(rt, p->name);
        if (!sp)
            continue; /* undeclared: dropped */
        if (sp->type == HP_FILE) {
            if (!p->filename.len)
                continue;
        } else {
            if (p->filename.len)
                continue;
            /* NUL-terminate values so handlers can pass them to libraries. */
            struct http_param *q = &out.items[out.n_items];
            *q = *p;
            q->value.ptr = str_dup(r->a, p->value);
            size_t cps = utf8_length(p->value.ptr, p->value.len);
            if (sp->type == HP_TEXT && memchr(p->value.ptr, '\n', p->value.len)) {
                *why = arena_printf(r->a, "Trường “%s” chỉ được nhập trên một dòng.", sp->name);
                return ERR_INVALID;
            }
            if ((sp->type == HP_TEXT || sp->type == HP_LINES) && sp->max && cps > (size_t)sp->max) {
                *why = arena_printf(r->a, "Trường “%s” dài quá %lld ký tự.", sp->name,
                                    (long long)sp->max);
                return ERR_INVALID;
            }
            if (sp->type == HP_INT && p->value.len) {
                int64_t v;
                if (parse_int64(str_trim(p->value), sp->min, sp->max, &v) != 0) {
                    *why = arena_printf(r->a, "Trường “%s” phải là số trong khoảng %lld–%lld.",
                                        sp->name, (long long)sp->min, (long long)sp->max);
                    return ERR_INVALID;
                }
            }
            if (sp->type == HP_DATE && p->value.len) {
                struct date d;
                if (date_parse(q->value.ptr, &d) != 0) {
                    *why =
                        arena_printf(r->a, "Trường “%s” phải là ngày dạng dd/mm/yyyy.", sp->name);
                    return ERR_INVALID;
                }
            }
            out.n_items++;
            continue;
        }
        out.items[out.n_items++] = *p;
    }
    for (size_t i = 0; i < rt->n_params; i++) {
        if (!rt->params[i].required)
            continue;
        const struct http_param *p = http_params_get(&out, rt->params[i].name);
        if (!p || (!p->value.len && !p->filename.len)) {
            *why = arena_printf(r->a, "Thiếu trường bắt buộc “%s”.", rt->params[i].name);
            return ERR_INVALID;
        }
    }
    r->params = out;
    return 0;
}

const char *http_session_token(const struct http_request *r)
{
    return r->session_token;
}

void *http_app(const struct http_request *r)
{
    return r->srv->cfg.hooks.ctx;
}

int http_authorize(struct http_request *r, const char *perm, const char *unit_code)
{
    struct http_server *srv = r->srv;
    if (!r->user)
        return ERR_UNAUTH;
    if (!srv->cfg.hooks.authorize)
        return ERR_FORBIDDEN;
    return srv->cfg.hooks.authorize(srv->cfg.hooks.ctx, r, perm, unit_code) == 0 ? 0
                                                                                 : ERR_FORBIDDEN;
}

/* ---- cookies, CSRF ------------------------------------------------------------------- */

void http_set_cookie(struct http_request *r, struct http_response *res, const char *name,
                     const char *value, long max_age)
{
    if (res->n_cookies >= sizeof res->set_cookie / sizeof res->set_cookie[0])
        return;
    const char *secure = r->srv->cfg.secure_cookies ? "; Secure" : "";
    if (max_age < 0)
        res->set_cookie[res->n_cookies++] =
            arena_printf(r->a, "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax%s", name, secure);
    else if (max_age == 0)
        res->set_cookie[res->n_cookies++] =
            arena_printf(r->a, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s", name, value, secure);
    else
        res->set_cookie[res->n_cookies++] =
            arena_printf(r->a, "%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Lax%s", name, value,
                         max_age, secure);
}

static const char *cookie_value(const struct http_params *cookies, const char *name)
{
    const struct http_param *p = http_params_get(cookies, name);
    return p ? p->value.ptr : NULL;
}

static int is_hex(const char *s, size_t n)
{
    if (!s || strlen(s) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

/* Anonymous CSRF token: HMAC of a random per-visitor cookie with the server secret. */
static const char *anon_csrf(struct http_server *srv, struct arena *a, const char *visitor)
{
    unsigned char mac[crypto_auth_BYTES];
    crypto_auth(mac, (const unsigned char *)visitor, strlen(visitor), srv->secret);
    char *hex = arena_alloc(a, 2 * sizeof mac + 1);
    hex_encode(mac, sizeof mac, hex);
    return hex;
}

static int csrf_ok(const char *expected, const char *got)
{
    if (!expected || !got)
        return 0;
    size_t n = strlen(expected);
    if (n == 0 || strlen(got) != n)
        return 0;
    return sodium_memcmp(expected, got, n) == 0;
}

/* ---- responses ----------------------------------------------------------------------- */

void http_model_rows(struct http_response *res, const char *key, const struct rows *t)
{
    for (size_t i = 0; i < res->n_tables; i++) {
        if (strcmp(res->tables[i].name, key) == 0) {
            res->tables[i].rows = t;
            return;
        }
    }
    assert(res->n_tables < sizeof res->tables / sizeof res->tables[0]);
    res->tables[res->n_tables++] = (struct view_rows){key, t};
}

void http_form_error(struct http_response *res, const char *field, const char *message)
{
    res->status = 422;
    if (!res->model)
        res->model = json_object();
    json_t *errs = json_object_get(res->model, "errors");
    if (!errs) {
        errs = json_object();
        json_object_set_new(res->model, "errors", errs);
    }
    json_object_set_new(errs, field, json_string(message));
    json_object_set_new(res->model, "has_errors", json_true());
}

int http_after_write(struct http_response *res, int rc, const char *back, const char *flash)
{
    if (rc && rc != ERR_CONFLICT)
        return rc;
    res->redirect = back;
    res->flash =
        rc ? "Thao tác không thực hiện được vì trạng thái đã thay đổi; vui lòng xem lại." : flash;
    return 0;
}

void http_add_security_headers(struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'none'; style-src 'self'; img-src 'self' data:; "
                            "script-src 'self'; connect-src 'self'; form-action 'self'; "
                            "frame-ancestors 'none'; "
                            "base-uri 'none'");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
}

static enum MHD_Result queue(struct http_conn *c, int status, struct MHD_Response *resp)
{
    c->status = status;
    c->phase = PH_DONE;
    enum MHD_Result ok = MHD_queue_response(c->mc, (unsigned)status, resp);
    return ok;
}

static const char *header(struct http_conn *c, const char *name)
{
    return MHD_lookup_connection_value(c->mc, MHD_HEADER_KIND, name);
}

const char *http_conn_header(struct http_conn *c, const char *name)
{
    return header(c, name);
}

enum MHD_Result http_conn_queue(struct http_conn *c, int status, struct MHD_Response *resp,
                                size_t len)
{
    c->bytes = len;
    return queue(c, status, resp);
}

/* Sends bytes with an ETag; answers 304 when the client already has them. */
static enum MHD_Result send_bytes(struct http_conn *c, int status, const char *type,
                                  const char *data, size_t len, int etag_ok)
{
    struct http_response *res = &c->res;
    char etag[24] = "";
    if (etag_ok && status == 200) {
        snprintf(etag, sizeof etag, "\"%016llx\"", (unsigned long long)hash64(data, len, 0));
        const char *inm = header(c, "If-None-Match");
        if (inm && strcmp(inm, etag) == 0) {
            status = 304;
            len = 0;
        }
    }
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
    http_add_security_headers(resp);
    if (type)
        MHD_add_response_header(resp, "Content-Type", type);
    if (etag[0])
        MHD_add_response_header(resp, "ETag", etag);
    MHD_add_response_header(resp, "Cache-Control", c->req.user ? "private, no-cache" : "no-cache");
    if (res->filename)
        MHD_add_response_header(resp, "Content-Disposition",
                                arena_printf(c->a, "attachment; filename=\"%s\"", res->filename));
    for (size_t i = 0; i < res->n_headers; i++)
        MHD_add_response_header(resp, res->headers[i].name, res->headers[i].value);
    for (size_t i = 0; i < res->n_cookies; i++)
        MHD_add_response_header(resp, "Set-Cookie", res->set_cookie[i]);
    c->bytes = len;
    enum MHD_Result ok = queue(c, status, resp);
    MHD_destroy_response(resp);
    return ok;
}

/* A streamed body between MHD's calls: heap memory, since MHD may free the response after
 * the request's arena is gone. */
/* Streamed bodies sent at once, at most: each holds a few megabytes (a PDF writer, its own
 * database connection) for as long as its client reads, so a burst of exports waits. */
#define MAX_STREAMS 4

struct stream_state {
    struct http_server *srv; /* counts the streams */
    struct http_stream s;    /* the producer */
    struct buf buf;          /* its last piece (heap) */
    size_t off;              /* bytes of buf already handed to MHD */
    int done;                /* next() said the last piece was made */
};

static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
    struct stream_state *st = cls;
    (void)pos;
    while (st->off == st->buf.len) {
        if (st->done)
            return MHD_CONTENT_READER_END_OF_STREAM;
        buf_reset(&st->buf);
        st->off = 0;
        int rc = st->s.next(st->s.ctx, &st->buf);
        if (rc < 0) {
            log_error("stream: the producer failed (%s); the download is cut", err_name(rc));
            return MHD_CONTENT_READER_END_WITH_ERROR;
        }
        if (rc == 0)
            st->done = 1;
    }
    size_t n = st->buf.len - st->off;
    if (n > max)
        n = max;
    memcpy(out, st->buf.ptr + st->off, n);
    st->off += n;
    return (ssize_t)n;
}

static void stream_free(void *cls)
{
    struct stream_state *st = cls;
    if (st->s.close)
        st->s.close(st->s.ctx);
    buf_free(&st->buf);
    atomic_fetch_sub(&st->srv->streams, 1);
    free(st);
    /* A long export freed megabytes (fonts, layouts, pages): give them back to the system. */
    malloc_trim(0);
}

static enum MHD_Result send_error(struct http_conn *c, int code, const char *detail);

/* Sends res->stream: 200, chunked, the producer called as the client reads; 503 when
 * MAX_STREAMS are being sent already. */
static enum MHD_Result send_stream(struct http_conn *c)
{
    struct http_response *res = &c->res;
    if (atomic_fetch_add(&c->srv->streams, 1) >= MAX_STREAMS) {
        atomic_fetch_sub(&c->srv->streams, 1);
        if (res->stream.close)
            res->stream.close(res->stream.ctx);
        res->stream = (struct http_stream){0};
        if (res->n_headers < sizeof res->headers / sizeof res->headers[0])
            res->headers[res->n_headers++] = (struct http_header){"Retry-After", "5"};
        return send_error(c, ERR_UNAVAILABLE, NULL);
    }
    struct stream_state *st = calloc(1, sizeof *st);
    if (!st)
        abort();
    st->srv = c->srv;
    st->s = res->stream;
    res->stream = (struct http_stream){0}; /* owned by st from here on */
    buf_init(&st->buf, NULL);
    struct MHD_Response *resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 32 * 1024,
                                                                  stream_read, st, stream_free);
    if (!resp) {
        stream_free(st);
        return MHD_NO;
    }
    http_add_security_headers(resp);
    MHD_add_response_header(resp, "Content-Type", res->content_type);
    MHD_add_response_header(resp, "Cache-Control", c->req.user ? "private, no-cache" : "no-cache");
    if (res->filename)
        MHD_add_response_header(resp, "Content-Disposition",
                                arena_printf(c->a, "attachment; filename=\"%s\"", res->filename));
    for (size_t i = 0; i < res->n_headers; i++)
        MHD_add_response_header(resp, res->headers[i].name, res->headers[i].value);
    enum MHD_Result ok = queue(c, 200, resp);
    MHD_destroy_response(resp);
    return ok;
}

void http_url_encode(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.') {
            buf_putc(b, (char)*p);
        } else {
            buf_putc(b, '%');
            buf_putc(b, hex[*p >> 4]);
            buf_putc(b, hex[*p & 15]);
        }
    }
}

static void base_model(struct http_conn *c, json_t *model)
{
    struct http_request *r = &c->req;
    struct http_server *srv = c->srv;
    if (!json_object_get(model, "title") && c->res.title)
        json_object_set_new(model, "title", json_string(c->res.title));
    if (!json_object_get(model, "title"))
        json_object_set_new(model, "title", json_string("Dân chủ cơ sở"));
    if (r->user) {
        json_t *u = json_object();
        json_object_set_new(u, "login", json_string(r->user->login));
        json_object_set_new(u, "display_name", json_string(r->user->display_name));
        json_object_set_new(model, "user", u);
    }
    if (r->csrf && (r->user || !(r->route && (r->route->flags & HTTP_CACHE))))
        json_object_set_new(model, "csrf", json_string(r->csrf));
    if (c->flash_in && !json_object_get(model, "flash") &&
        utf8_valid(c->flash_in, strlen(c->flash_in)))
        json_object_set_new(model, "flash", json_string(c->flash_in));
    /* Shared, read-only after start-up; jansson counts references atomically. */
    json_object_set(model, "asset", srv->assets_model);
    json_object_set_new(model, "base_url", json_string(srv->cfg.base_url));
    json_object_set_new(model, "path", json_string(r->path));
    if (srv->cfg.hooks.decorate)
        srv->cfg.hooks.decorate(srv->cfg.hooks.ctx, r, model);
}

/* Renders res->model through res->template (or as JSON) and queues it. */
static enum MHD_Result send_model(struct http_conn *c)
{
    struct http_response *res = &c->res;
    struct http_request *r = &c->req;
    struct http_server *srv = c->srv;
    int status = res->status ? res->status : 200;
    if (!res->model)
        res->model = json_object();
    base_model(c, res->model);
    if (r->want_json || !res->template) {
        json_object_del(res->model, "asset");
        for (size_t i = 0; i < res->n_tables; i++)
            json_object_set_new(res->model, res->tables[i].name, rows_json(res->tables[i].rows));
        struct buf out;
        buf_init(&out, c->a);
        if (view_json_dump(res->model, JSON_COMPACT, &out) != 0) {
            const char *msg = err_message_vi(ERR_INTERNAL);
            return send_bytes(c, 500, "text/plain; charset=utf-8", msg, strlen(msg), 0);
        }
        return send_bytes(c, status, "application/json; charset=utf-8", out.ptr, out.len, 1);
    }
    struct buf out;
    buf_init(&out, c->a);
    buf_reserve(&out, 16 * 1024); /* most pages fit: no regrowth while rendering */
    char err[256];
    if (view_render_rows(srv->cfg.views, res->template, res->model, res->tables, res->n_tables,
                         srv->view_flags, &out, err, sizeof err) != 0) {
        log_error("render %s: %s", res->template, err);
        const char *msg = err_message_vi(ERR_INTERNAL);
        return send_bytes(c, 500, "text/plain; charset=utf-8", msg, strlen(msg), 0);
    }
    int cacheable = status == 200 && !r->user && r->route && (r->route->flags & HTTP_CACHE) &&
                    res->n_cookies == 0;
    const char *ctype = res->content_type ? res->content_type : "text/html; charset=utf-8";
    if (cacheable)
        page_cache_put(srv, c->raw_uri, r->want_json, ctype, out.ptr, out.len);
    return send_bytes(c, status, ctype, out.ptr, out.len, 1);
}

static enum MHD_Result send_error(struct http_conn *c, int code, const char *detail)
{
    struct http_response *res = &c->res;
    json_decref(res->model);
    res->model = json_object();
    res->n_tables = 0;
    res->template = "error";
    res->status = err_http_status(code);
    res->title = "Có lỗi xảy ra";
    json_object_set_new(res->model, "status", json_integer(res->status));
    json_object_set_new(res->model, "message", json_string(err_message_vi(code)));
    if (detail)
        json_object_set_new(res->model, "detail", json_string(detail));
    json_object_set_new(res->model, "error", json_string(err_name(code)));
    return send_model(c);
}

static enum MHD_Result send_redirect(struct http_conn *c, const char *location)
{
    struct http_response *res = &c->res;
    if (res->flash) {
        struct buf b;
        buf_init(&b, c->a);
        http_url_encode(&b, res->flash);
        http_set_cookie(&c->req, res, "dc_flash", b.ptr, 60);
    }
    if (c->req.want_json) {
        if (!res->model)
            res->model = json_object();
        json_object_set_new(res->model, "redirect", json_string(location));
        if (res->flash)
            json_object_set_new(res->model, "flash", json_string(res->flash));
        res->template = NULL;
        res->status = res->status ? res->status : 200;
        return send_model(c);
    }
    struct MHD_Response *resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
    http_add_security_headers(resp);
    MHD_add_response_header(resp, "Location", location);
    for (size_t i = 0; i < res->n_cookies; i++)
        MHD_add_response_header(resp, "Set-Cookie", res->set_cookie[i]);
    enum MHD_Result ok = queue(c, 303, resp);
    MHD_destroy_response(resp);
    return ok;
}

/* Builds the response after a handler (or `after`) returned rc. */
static enum MHD_Result finish(struct http_conn *c, int rc)
{
    struct http_response *res = &c->res;
    if (res->stream.next && (rc < 0 || arena_over_cap(c->a) || res->redirect)) {
        /* Not sent after all: the producer is closed unused. */
        if (res->stream.close)
            res->stream.close(res->stream.ctx);
        res->stream = (struct http_stream){0};
    }
    if (rc < 0) {
        if (rc == ERR_UNAUTH && !c->req.want_json && strcmp(c->req.method, "GET") == 0) {
            struct buf b;
            buf_init(&b, c->a);
            buf_puts(&b, "/dang-nhap?tiep=");
            http_url_encode(&b, c->raw_uri);
            return send_redirect(c, b.ptr);
        }
        return send_error(c, rc, NULL);
    }
    if (arena_over_cap(c->a))
        return send_error(c, ERR_NOMEM, NULL);
    if (res->redirect)
        return send_redirect(c, res->redirect);
    if (c->req.route && (c->req.route->flags & HTTP_RAW) && res->content_type) {
        if (res->stream.next)
            return send_stream(c);
        return send_bytes(c, res->status ? res->status : 200, res->content_type, res->body.ptr,
                          res->body.len, 1);
    }
    return send_model(c);
}

/* ---- deferred writes ------------------------------------------------------------------ */

int http_defer_write(struct http_request *r, int (*run)(struct db *, void *), void *arg)
{
    struct http_conn *c = r->conn;
    c->write_run = run;
    c->write_arg = arg;
    return 0;
}

static int defer_run(struct db *db, void *arg)
{
    struct http_conn *c = arg;
    return c->write_run(db, c->write_arg);
}

static void defer_done(void *arg, int rc)
{
    struct http_conn *c = arg;
    c->job.rc = rc;
    if (rc == 0)
        http_cache_bump(c->srv);
    atomic_store(&c->write_done, 1);
    MHD_resume_connection(c->mc);
}

/* ---- static assets --------------------------------------------------------------------- */

static enum MHD_Result serve_static(struct http_conn *c, const char *path)
{
    struct http_server *srv = c->srv;
    for (size_t i = 0; i < srv->n_assets; i++) {
        struct http_asset *as = &srv->assets[i];
        if (strcmp(as->url, path) != 0)
            continue;
        const char *inm = header(c, "If-None-Match");
        if (inm && strcmp(inm, as->etag) == 0) {
            struct MHD_Response *resp =
                MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
            MHD_add_response_header(resp, "ETag", as->etag);
            enum MHD_Result ok = queue(c, 304, resp);
            MHD_destroy_response(resp);
            return ok;
        }
        c->bytes = as->len;
        return queue(c, 200, as->resp);
    }
    return send_error(c, ERR_NOT_FOUND, NULL);
}

/* ---- the access handler ----------------------------------------------------------------- */

static int wants_json(struct http_conn *c, const struct http_params *query)
{
    const struct http_param *f = http_params_get(query, "format");
    if (f && str_eq_c(f->value, "json"))
        return 1;
    const char *acc = header(c, "Accept");
    return acc && strstr(acc, "application/json") && !strstr(acc, "text/html");
}

/* Every request opens and ends a read transaction: prepared once per connection. */
static const char sql_begin[] = "BEGIN";
static const char sql_commit[] = "COMMIT";
static const char sql_rollback[] = "ROLLBACK";

/* Ends the read transaction dispatch() opened, if any. */
static void read_txn_end(struct http_conn *c)
{
    if (!c->read_txn)
        return;
    c->read_txn = 0;
    if (db_exec_static(c->req.db, sql_commit) != 0)
        db_exec_static(c->req.db, sql_rollback);
}

static enum MHD_Result dispatch(struct http_conn *c)
{
    struct http_request *r = &c->req;
    struct http_server *srv = c->srv;
    const char *why = NULL;

    if (strncmp(r->path, "/s/", 3) == 0)
        return serve_static(c, r->path);

    const char *q = strchr(c->raw_uri, '?');
    struct http_params query = {0};
    if (q && http_parse_query(c->a, q + 1, strlen(q + 1), &query) != 0)
        return send_error(c, ERR_INVALID, "Địa chỉ trang có ký tự không hợp lệ.");
    r->want_json = wants_json(c, &query);

    if (!c->route_found)
        return send_error(c, c->method_mismatch ? ERR_METHOD : ERR_NOT_FOUND, NULL);
    if (c->too_large)
        return send_error(c, ERR_TOO_LARGE, NULL);

    const struct http_route *rt = r->route;
    /* Cookies: session, anonymous visitor id, flash message. */
    struct http_params cookies = {0};
    const char *ch = header(c, "Cookie");
    if (ch)
        http_parse_cookies(c->a, ch, strlen(ch), &cookies);

    /* Anonymous cached pages skip the database entirely. */
    if (!cookie_value(&cookies, "dc_session") && (rt->flags & HTTP_CACHE) &&
        strcmp(r->method, "POST") != 0 && !cookie_value(&cookies, "dc_flash")) {
        enum MHD_Result ok;
        if (page_cache_serve(srv, c, c->raw_uri, r->want_json, &ok))
            return ok;
    }

    r->db = thread_db(srv);
    if (!r->db)
        return send_error(c, ERR_UNAVAILABLE, NULL);
    /* A request issues a dozen small reads (session, permission walk, unit, rows); on SQLite
     * each would open and close its own WAL read transaction, which cost more than the
     * queries. One snapshot for all of them: faster and consistent. It ends after the
     * response of a GET, and before the handler of any other method, which may write. */
    db_epoch_bump(r->db);
    if (db_kind(r->db) == STORE_SQLITE && db_exec_static(r->db, sql_begin) == 0)
        c->read_txn = 1;

    const char *tok = cookie_value(&cookies, "dc_session");
    if (tok && is_hex(tok, 64) && srv->cfg.hooks.session)
        srv->cfg.hooks.session(srv->cfg.hooks.ctx, r, tok);
    if (tok && !r->user)
        http_set_cookie(r, &c->res, "dc_session", "", -1);
    if (r->user)
        r->session_token = tok;

    if (r->user) {
        r->csrf = r->user->csrf;
    } else if (!(rt->flags & HTTP_CACHE)) {
        const char *visitor = cookie_value(&cookies, "dc_anon");
        if (!is_hex(visitor, 32)) {
            unsigned char raw[16];
            char *hex = arena_alloc(c->a, 33);
            randombytes_buf(raw, sizeof raw);
            hex_encode(raw, sizeof raw, hex);
            visitor = hex;
            http_set_cookie(r, &c->res, "dc_anon", visitor, 0);
        }
        r->csrf = anon_csrf(srv, c->a, visitor);
    }

    /* Body parameters. */
    struct http_params body = {0};
    int is_post = strcmp(r->method, "POST") == 0;
    if (is_post && c->body.len) {
        const char *ct = header(c, "Content-Type");
        if (!ct)
            ct = "";
        int rc = 0;
        if (strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0) {
            rc = http_parse_urlencoded(c->a, c->body.ptr, c->body.len, &body);
        } else if (strncasecmp(ct, "multipart/form-data", 19) == 0) {
            if (!(rt->flags & HTTP_MULTIPART))
                return send_error(c, ERR_UNSUPPORTED, NULL);
            struct http_limits lim = {256, 1024 * 1024, c->max_body, c->max_body};
            rc = http_parse_multipart(c->a, ct, c->body.ptr, c->body.len, &lim, &body);
        } else {
            return send_error(c, ERR_UNSUPPORTED, NULL);
        }
        if (rc != 0)
            return send_error(c, rc, rc == ERR_INVALID ? "Dữ liệu biểu mẫu không đọc được." : NULL);
    }

    /* CSRF on every state change. */
    if (is_post && !(rt->flags & HTTP_NO_CSRF)) {
        const struct http_param *t = http_params_get(&body, "_csrf");
        if (!t || !csrf_ok(r->csrf, t->value.ptr ? str_dup(c->a, t->value) : NULL))
            return send_error(c, ERR_CSRF, NULL);
    }

    /* Flash message from the previous redirect. */
    const char *flash = cookie_value(&cookies, "dc_flash");
    if (flash) {
        struct http_params fp = {0};
        struct buf fb;
        buf_init(&fb, c->a);
        buf_puts(&fb, "f=");
        buf_puts(&fb, flash);
        if (http_parse_query(c->a, fb.ptr, fb.len, &fp) == 0 && fp.n_items) {
            c->flash_in = str_dup(c->a, fp.items[0].value);
        }
        http_set_cookie(r, &c->res, "dc_flash", "", -1);
    }

    /* Sign-in and permission. */
    if ((rt->perm || (rt->flags & HTTP_LOGIN)) && !r->user)
        return finish(c, ERR_UNAUTH);
    if (rt->perm) {
        const char *unit = rt->unit_arg ? http_arg(r, rt->unit_arg) : NULL;
        if (!srv->cfg.hooks.authorize ||
            srv->cfg.hooks.authorize(srv->cfg.hooks.ctx, r, rt->perm, unit) != 0)
            return send_error(c, ERR_FORBIDDEN, NULL);
    }

    /* Declared parameters only. */
    struct http_params all = {
        arena_alloc(c->a, (query.n_items + body.n_items + 1) * sizeof(struct http_param)), 0};
    for (size_t i = 0; i < query.n_items; i++)
        all.items[all.n_items++] = query.items[i];
    for (size_t i = 0; i < body.n_items; i++)
        all.items[all.n_items++] = body.items[i];
    if (filter_params(r, &all, &why) != 0)
        return send_error(c, ERR_INVALID, why);

    if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0)
        read_txn_end(c);
    int rc = rt->handler(r, &c->res);
    if (rc == HTTP_DEFERRED) {
        if (!c->write_run)
            return send_error(c, ERR_INTERNAL, NULL);
        c->phase = PH_DEFERRED;
        c->job.run = defer_run;
        c->job.done = defer_done;
        c->job.arg = c;
        atomic_fetch_add(&srv->suspended, 1);
        MHD_suspend_connection(c->mc);
        if (store_write_submit(srv->cfg.store, &c->job) != 0) {
            c->job.rc = ERR_UNAVAILABLE;
            atomic_store(&c->write_done, 1);
            MHD_resume_connection(c->mc);
        }
        return MHD_YES;
    }
    return finish(c, rc);
}

static enum MHD_Result serve_request(struct http_server *srv, struct http_conn *c,
                                     struct MHD_Connection *mc, const char *url, const char *method,
                                     const char *version, const char *upload_data,
                                     size_t *upload_size)
{
    if (c->phase == PH_HEADERS) {
        c->mc = mc;
        c->req.method = arena_strdup(c->a, method);
        c->req.path = arena_strdup(c->a, url);
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        char ip[INET6_ADDRSTRLEN] = "?";
        if (ci && ci->client_addr) {
            if (ci->client_addr->sa_family == AF_INET)
                inet_ntop(AF_INET, &((struct sockaddr_in *)ci->client_addr)->sin_addr, ip,
                          sizeof ip);
            else if (ci->client_addr->sa_family == AF_INET6)
                inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ci->client_addr)->sin6_addr, ip,
                          sizeof ip);
        }
        c->req.ip = arena_strdup(c->a, ip);
        find_route(c, method, url);
        if (!c->max_body)
            c->max_body = DEFAULT_MAX_BODY;
        const char *cl = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Content-Length");
        int64_t n;
        if (cl && parse_int64(str_c(cl), 0, INT64_MAX, &n) == 0) {
            if ((uint64_t)n > c->max_body)
                c->too_large = 1;
            else if (n > 0)
                buf_reserve(&c->body, (size_t)n); /* one allocation, no regrowth copies */
        }
        c->phase = PH_BODY;
        return MHD_YES;
    }
    if (c->phase == PH_BODY && *upload_size) {
        if (c->too_large || c->body.len + *upload_size > c->max_body) {
            /* Drop the rest and answer 413 once it is read: a client that is still sending
             * would otherwise see a reset instead of the Vietnamese message. Past a hard
             * limit, stop reading and answer at once. */
            c->too_large = 1;
            c->discarded += *upload_size;
            if (c->discarded > 4 * (uint64_t)c->max_body + (1u << 20)) {
                *upload_size = 0;
                return send_error(c, ERR_TOO_LARGE, NULL);
            }
        } else {
            buf_append(&c->body, upload_data, *upload_size);
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (c->phase == PH_BODY) {
        enum MHD_Result ok = dispatch(c);
        read_txn_end(c);
        return ok;
    }
    if (c->phase == PH_DEFERRED && atomic_load(&c->write_done)) {
        atomic_fetch_sub(&srv->suspended, 1);
        c->phase = PH_BODY;
        c->req.db = thread_db(srv);
        if (c->req.db)
            db_epoch_bump(c->req.db); /* `after` may run on another thread's connection */
        int rc = c->job.rc;
        if (c->req.route->after)
            rc = c->req.route->after(&c->req, &c->res, rc);
        return finish(c, rc);
    }
    if (c->phase == PH_DONE)
        return MHD_YES;
    (void)version;
    return MHD_YES;
}

/* MHD's request callback. While it runs, the view-model and every other jansson value come from
 * the request's arena (see view_json_arena in view.h), so a page costs no malloc per value. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *mc, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    struct http_conn *c = *con_cls;
    if (!c)
        return MHD_NO; /* the URI callback always sets it */
    struct arena *old = view_json_arena(c->a);
    enum MHD_Result ok = serve_request(cls, c, mc, url, method, version, upload_data, upload_size);
    view_json_arena(old);
    return ok;
}

/* One spare request arena per worker thread: reset and reused, so a page costs no malloc for
 * its arena in the steady state. */
static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

static void spare_free(void *p)
{
    arena_free(p);
}

static void spare_init(void)
{
    pthread_key_create(&spare_key, spare_free);
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *mc)
{
    struct http_server *srv = cls;
    pthread_once(&spare_once, spare_init);
    struct arena *a = pthread_getspecific(spare_key);
    pthread_setspecific(spare_key, NULL);
    if (!a)
        a = arena_new_sized(REQUEST_ARENA_CAP, REQUEST_ARENA_BLOCK);
    struct http_conn *c = arena_zalloc(a, sizeof *c);
    c->a = a;
    c->srv = srv;
    c->mc = mc;
    c->req.a = a;
    c->req.srv = srv;
    c->req.conn = c;
    c->raw_uri = arena_strdup(a, uri);
    c->start_us = log_now_us();
    buf_init(&c->body, a);
    atomic_fetch_add(&srv->inflight, 1);
    return c;
}

static void on_completed(void *cls, struct MHD_Connection *mc, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct http_server *srv = cls;
    struct http_conn *c = *con_cls;
    if (!c)
        return;
    uint64_t us = log_now_us() - c->start_us;
    int status = c->status ? c->status : 499;
    metrics_observe(srv, status, us);
    if (!srv->cfg.quiet) {
        const char *path = c->req.path ? c->req.path : c->raw_uri;
        if (c->req.route && (c->req.route->flags & HTTP_SECRET_URL))
            path = c->req.route->pattern; /* "/theo-doi/{ma}": whoever reads logs gets no key */
        log_request(c->req.method ? c->req.method : "-", path, status, c->bytes, us);
    }
    json_decref(c->res.model);
    atomic_fetch_sub(&srv->inflight, 1);
    pthread_once(&spare_once, spare_init);
    struct arena *a = c->a; /* c lives in a: do not touch it after the reset */
    if (!pthread_getspecific(spare_key)) {
        arena_reset(a);
        pthread_setspecific(spare_key, a);
    } else {
        arena_free(a);
    }
    *con_cls = NULL;
    (void)mc;
    (void)toe;
}

/* ---- life cycle -------------------------------------------------------------------------- */

struct http_server *http_server_new(const struct http_config *cfg)
{
    struct http_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        abort();
    srv->cfg = *cfg;
    memcpy(srv->secret, cfg->secret, sizeof srv->secret);
    srv->view_flags = getenv("DANCHU_STRICT_TEMPLATES") ? MUSTACHE_STRICT : 0;
    page_cache_init(srv);
    assets_init(srv);
    builtin_routes_add(srv);
    return srv;
}

static int parse_listen(const char *listen, struct sockaddr_in *sa)
{
    char host[64];
    const char *colon = strrchr(listen, ':');
    if (!colon || (size_t)(colon - listen) >= sizeof host)
        return ERR_INVALID;
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    int port;
    if (parse_int(colon + 1, 1, 65535, &port) != 0)
        return ERR_INVALID;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    if (strcmp(host, "localhost") == 0)
        snprintf(host, sizeof host, "127.0.0.1");
    if (inet_pton(AF_INET, host[0] ? host : "0.0.0.0", &sa->sin_addr) != 1)
        return ERR_INVALID;
    return 0;
}

int http_server_start(struct http_server *srv, char *err, size_t err_len)
{
    struct sockaddr_in sa;
    if (parse_listen(srv->cfg.listen, &sa) != 0) {
        snprintf(err, err_len, "bad listen address %s (want ADDR:PORT)", srv->cfg.listen);
        return ERR_INVALID;
    }
    /* One worker per processor, 4 to 8, unless set. Writes wait for the writer suspended, not
     * in a worker, so more workers than that only cost memory (each keeps its SQLite
     * connection, schema and page cache: 8 workers on 2 processors added 2 MB of idle RSS);
     * fewer than 4 would let two slow requests (a long PDF, a sign-in's argon2id, a PostgreSQL
     * query) hold up every other. */
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned threads = srv->cfg.threads > 0 ? (unsigned)srv->cfg.threads
                       : ncpu < 4           ? 4
                       : ncpu > 8           ? 8
                                            : (unsigned)ncpu;
    srv->mhd = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_TURBO,
        0, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)4000, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
        MHD_OPTION_END);
    if (!srv->mhd) {
        snprintf(err, err_len, "cannot listen on %s: %s", srv->cfg.listen, strerror(errno));
        return ERR_IO;
    }
    return 0;
}

void http_server_run_until_signal(struct http_server *srv)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    int sig = 0;
    sigwait(&set, &sig);
    log_info("signal %d: finishing in-flight requests", sig);
    /* Stop accepting, let suspended writes commit and their clients get answers. The listen
     * socket is closed only after MHD_stop_daemon: each worker thread takes it out of its own
     * epoll set when it next wakes, and MHD panics if it is already closed by then. */
    MHD_socket ls = MHD_quiesce_daemon(srv->mhd);
    for (int i = 0; i < 1000 && atomic_load(&srv->inflight) > 0; i++)
        usleep(10000);
    MHD_stop_daemon(srv->mhd);
    srv->mhd = NULL;
    if (ls != MHD_INVALID_SOCKET)
        close(ls);
    log_info("stopped");
}

void http_server_free(struct http_server *srv)
{
    if (!srv)
        return;
    if (srv->mhd)
        MHD_stop_daemon(srv->mhd);
    page_cache_free(srv);
    assets_free(srv);
    free(srv->routes);
    free(srv->route_ctx);
    free(srv);
}

/*
 * harness.h - the HTTP test harness: starts the real danchu binary on a
 * loopback port against a fresh demo database and drives it as a browser
 * would (libcurl, cookie jar, no automatic redirects).
 *
 * The database is a temporary SQLite file, or, when DANCHU_TEST_PG_URL is
 * set, a new PostgreSQL database t_<pid>_<n> on that server (dropped by
 * h_stop). DANCHU_BIN names the binary (default build/danchu). The server's
 * output goes to a log file beside the binary (test-logs/), whose tail is
 * printed when something fails.
 *
 * Ownership: a client owns every response it returned and every string the
 * h_* helpers hand out for it, until h_client_free (or h_stop, which frees
 * the clients still open). Tests therefore never free responses.
 *
 * Each client talks from its own loopback source address (127.0.0.2,
 * 127.0.0.3, ...), so per-IP limits (sign-in attempts) of one case do not
 * leak into another.
 */
#ifndef DANCHU_TESTS_HTTP_HARNESS_H
#define DANCHU_TESTS_HTTP_HARNESS_H

#include <stddef.h>
#include <setjmp.h>
#include <stdarg.h>
#include <sys/types.h>

#include <cmocka.h>

#include <jansson.h>

struct h_client;

/* A running (or stopped) danchu server and its database. */
struct h_server {
    pid_t pid;              /* the `danchu serve` process, 0 when not running */
    int port;               /* its loopback port */
    int is_pg;              /* 1: PostgreSQL, 0: SQLite */
    int exit_status;        /* after h_stop: the server's exit code, 128+signal if killed */
    char bin[512];          /* the danchu binary */
    char base[64];          /* "http://127.0.0.1:PORT" */
    char db_url[1024];      /* --db URL given to danchu */
    char tmp_dir[512];      /* temporary folder (SQLite file, scratch files) */
    char db_file[600];      /* SQLite: the database file; "" on PostgreSQL */
    char pg_admin[1024];    /* PostgreSQL: DANCHU_TEST_PG_URL (where databases are created) */
    char pg_name[64];       /* PostgreSQL: the database created for this server */
    char log_path[700];     /* server (and demo) output */
    struct h_client *first; /* clients still open, freed by h_stop */
};

/* One header line of a response. */
struct h_header {
    char *name;  /* as sent */
    char *value; /* without leading white space or the line end */
};

/* A response, owned by the client that received it. */
struct h_response {
    long status;              /* HTTP status, 0 when the request failed */
    char *body;               /* the bytes, NUL-terminated for convenience */
    size_t len;               /* their count (without the NUL) */
    struct h_header *headers; /* in order */
    size_t n_headers;         /* their count */
    json_t *json;             /* parsed body, filled by h_json */
    double seconds;           /* total time of the request */
    struct h_response *next;  /* the client's list of responses */
};

/* Output of a danchu command run by h_run. */
struct h_proc {
    int status; /* exit code, or 128 + signal */
    char *out;  /* standard output, NUL-terminated (owned; h_proc_free) */
    char *err;  /* standard error, NUL-terminated (owned; h_proc_free) */
};

/* ---- server ---------------------------------------------------------------------------- */

/* Fresh database seeded with `danchu demo --households 200`, then h_serve. 0 or -1. */
int h_start(struct h_server *srv);
/* Only the database part of h_start (for command-line tests). 0 or -1. */
int h_db_create(struct h_server *srv);
/* Spawns `danchu serve` on a free loopback port and waits for /healthz (5 s). 0 or -1. */
int h_serve(struct h_server *srv);
/* SIGTERM, wait (SIGKILL after 5 s), free the clients, drop the database. 0 when the server
 * exited cleanly with status 0, else -1 (and its log tail is printed). */
int h_stop(struct h_server *srv);
/* Prints the last `lines` lines of the server log to stderr. */
void h_log_tail(const struct h_server *srv, int lines);

/* ---- client ----------------------------------------------------------------------------- */

/* A client with an empty cookie jar. Aborts the test program if libcurl fails. */
struct h_client *h_client_new(struct h_server *srv);
/* Frees the client, its responses and strings. NULL is fine. */
void h_client_free(struct h_client *c);

/*
 * Sends one request. headers: NULL-terminated "Name: value" strings, or NULL. body may be
 * NULL (no body). Never follows redirects. The result is never NULL; status 0 means the
 * request failed (the reason is printed).
 */
struct h_response *h_request(struct h_client *c, const char *method, const char *path,
                             const char *const *headers, const char *content_type, const char *body,
                             size_t len);
struct h_response *h_get(struct h_client *c, const char *path);
struct h_response *h_get_hdr(struct h_client *c, const char *path, const char *const *headers);
/* urlencoded POST. fields: NULL-terminated name, value, name, value, ... */
struct h_response *h_post_form(struct h_client *c, const char *path, const char *const *fields);
struct h_response *h_post_form_hdr(struct h_client *c, const char *path, const char *const *fields,
                                   const char *const *headers);
/* multipart POST: the fields, then one file part `file_field` holding data[0..len). */
struct h_response *h_post_multipart(struct h_client *c, const char *path, const char *const *fields,
                                    const char *file_field, const char *filename, const char *data,
                                    size_t len);

/* Value of the first header called name (any case), or NULL. */
const char *h_header(const struct h_response *r, const char *name);
/* The Set-Cookie value that sets cookie `cookie`, or NULL. */
const char *h_set_cookie(const struct h_response *r, const char *cookie);
/* 1 when the body contains needle. */
int h_has(const struct h_response *r, const char *needle);
/* Occurrences of needle in the body. */
size_t h_count(const struct h_response *r, const char *needle);
/* The body parsed as JSON (owned by the response), or NULL. */
json_t *h_json(struct h_response *r);

/* Value of cookie `name` in the client's jar, or NULL (client-owned). */
const char *h_cookie(struct h_client *c, const char *name);
/* Puts cookie name=value into the jar (replacing any). */
void h_cookie_put(struct h_client *c, const char *name, const char *value);
/* GETs path and returns the value of its `name="_csrf" value="..."` field, or NULL. */
const char *h_csrf(struct h_client *c, const char *path);
/* Signs in through the form; 0 when answered 303 with a dc_session cookie, else -1. */
int h_signin(struct h_client *c, const char *login, const char *password);
/* A new client signed in as login with the demo password, "danchu2026" (h_signin); fails the
 * running case when the sign-in does not succeed. */
struct h_client *h_signed_in(struct h_server *srv, const char *login);
/* GETs page for its _csrf token (failing the running case when it shows none), then POSTs the
 * urlencoded form _csrf, extra... to path. extra: NULL-terminated name, value pairs, or NULL. */
struct h_response *h_post_page(struct h_client *c, const char *page, const char *path,
                               const char *const *extra);
/* printf into a string the client owns. */
const char *h_fmt(struct h_client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Today in Vietnam (UTC+7, no daylight saving) shifted by days, as dd/mm/yyyy (client-owned):
 * what the forms take for a date. */
const char *h_vn_day(struct h_client *c, int days);
/* The first substring of the body between `before` and the next `after`, client-owned; or
 * NULL. */
const char *h_between(struct h_client *c, const struct h_response *r, const char *before,
                      const char *after);

/* ---- JSON ---------------------------------------------------------------------------------- */

/* Follows a path like "households[0].code" or "result.unchanged"; NULL when absent. */
json_t *h_jget(json_t *root, const char *path);
/* Its string value or NULL / its integer value or -1 when absent or of another type. */
const char *h_jstr(json_t *root, const char *path);
long long h_jint(json_t *root, const char *path);

/* ---- database and command line -------------------------------------------------------- */

/* Runs one SQL statement on the server's database (sqlite3 or libpq). 0 or -1. */
int h_db_exec(const struct h_server *srv, const char *sql);
/* The first column of the first row of a query, as an integer. 0 or -1. */
int h_db_int(const struct h_server *srv, const char *sql, long long *out);
/* The first column of the first row of a query, as text: *out is malloc'd (free it), NULL on
 * error. 0 or -1. */
int h_db_text(const struct h_server *srv, const char *sql, char **out);
/* The same answer, or the running case fails when the query does (h_db_int prints why). */
long long h_db_count(const struct h_server *srv, const char *sql);

/* Households whose kept summary (n_members, representative_name; migration 0008) disagrees
 * with their members, plus units whose kept counts (n_households, n_active) disagree with
 * their households, or -1 on a database error. Roll tests end with it at 0. */
long long h_roll_summary_mismatches(const struct h_server *srv);

/* Runs the danchu binary with args (NULL-terminated, without the program name), feeding
 * stdin_data (or nothing). Fills p; returns p->status. */
int h_run(const struct h_server *srv, const char *const *args, const char *stdin_data,
          struct h_proc *p);
void h_proc_free(struct h_proc *p);

/* Writes len bytes to the server's temporary folder as `name` and puts its full path into
 * out. 0 or -1. */
int h_write_file(const struct h_server *srv, const char *name, const char *data, size_t len,
                 char *out, size_t out_len);

/* ---- an SMTP server for e-mail tests: Debian's python3 -m aiosmtpd into a Maildir ---------- */

struct h_sink {
    char python[256]; /* an interpreter with aiosmtpd, "" when none */
    int port;         /* loopback port, kept across restarts */
    pid_t pid;        /* the child, 0 when stopped */
    char dir[256];    /* maildir/ and sink.log */
};

/* Makes a temporary folder, finds an interpreter with aiosmtpd ($DANCHU_PYTHON,
 * /usr/bin/python3, python3), picks a free port and starts the server when there is one.
 * 0, or -1 when it could not start. */
int h_sink_init(struct h_sink *k);
/* Starts (again) / stops the server by its PID. 0 or -1. */
int h_sink_start(struct h_sink *k);
void h_sink_stop(struct h_sink *k);
/* Stops it and removes its folder. */
void h_sink_free(struct h_sink *k);
/* Messages delivered To `to`; the last one's text (malloc'd, the caller frees) into *last. */
int h_sink_count_to(const struct h_sink *k, const char *to, char **last);
/* 1 when e-mail can be checked; 0 (SKIPPED printed) without aiosmtpd, a failed test when CI is
 * set. */
int h_sink_usable(const struct h_sink *k);
/* Waits up to seconds for a query's integer answer to be want; 1 when it was, 0 (the query, the
 * last answer and the log tail printed) when time ran out. */
int h_wait_for(const struct h_server *srv, long long want, double seconds, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Runs a cmocka group against srv, started before the first case (h_start) and stopped after
 * the last (h_stop). Returns the process exit code: 1 when a case failed or the server did
 * not start or stop cleanly (its log tail is printed then), else 0.
 */
#define h_run_group(tests, srv) h_run_group_(#tests, tests, sizeof(tests) / sizeof((tests)[0]), srv)
int h_run_group_(const char *name, const struct CMUnitTest *tests, size_t n, struct h_server *srv);

#endif

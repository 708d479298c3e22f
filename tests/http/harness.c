/*
 * harness.c - see harness.h. Process control (fork/exec, SIGTERM, waitpid
 * by PID), the throwaway databases (SQLite file or a PostgreSQL database of
 * its own), and a libcurl client with a cookie jar.
 *
 * Everything a client hands out lives on its lists (responses, strings) and
 * is freed with it; the server keeps the list of open clients so that a
 * failed case (cmocka jumps out of it) leaks nothing past h_stop.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "harness.h"

/* A string a client handed out. */
struct h_str {
    struct h_str *next; /* the client's list */
    char s[];           /* the text, NUL-terminated */
};

struct h_client {
    struct h_server *srv;         /* where requests go */
    CURL *curl;                   /* the easy handle (it holds the cookie jar) */
    char iface[48];               /* "host!127.0.0.N": this client's source address */
    struct h_response *responses; /* every response received, newest first */
    struct h_str *strings;        /* every string handed out */
    struct h_client *next;        /* the server's list of open clients */
};

/* A growable byte buffer for bodies and headers. */
struct h_buf {
    char *ptr;  /* malloc'd, NUL-terminated */
    size_t len; /* bytes used */
    size_t cap; /* bytes allocated */
};

static int n_databases;   /* databases created by this process, for their names */
static int n_clients;     /* clients created, for their source addresses */
static int curl_ready;    /* curl_global_init done */
static int n_san_reports; /* sanitizer reports seen in h_run outputs, failed by h_stop */

/* 1 when text holds an AddressSanitizer/UndefinedBehaviorSanitizer report. */
static int has_san_report(const char *text)
{
    return strstr(text, "runtime error:") || strstr(text, "ERROR: AddressSanitizer") ||
           strstr(text, "ERROR: LeakSanitizer");
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "harness: out of memory\n");
        abort();
    }
    return p;
}

static void buf_add(struct h_buf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *q = realloc(b->ptr, cap);
        if (!q) {
            fprintf(stderr, "harness: out of memory\n");
            abort();
        }
        b->ptr = q;
        b->cap = cap;
    }
    memcpy(b->ptr + b->len, p, n);
    b->len += n;
    b->ptr[b->len] = '\0';
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* ---- files and folders ------------------------------------------------------------------ */

static int mkdir_p(const char *path)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(tmp, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

/* Removes a folder of plain files (the temporary folder holds no sub-folders). */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char p[PATH_MAX];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

/* Reads a whole descriptor from its start into a malloc'd NUL-terminated string. */
static char *read_fd(int fd)
{
    struct h_buf b = {0};
    char chunk[8192];
    ssize_t n;
    lseek(fd, 0, SEEK_SET);
    while ((n = read(fd, chunk, sizeof chunk)) > 0)
        buf_add(&b, chunk, (size_t)n);
    if (!b.ptr)
        buf_add(&b, "", 0);
    return b.ptr;
}

void h_log_tail(const struct h_server *srv, int lines)
{
    FILE *f = srv->log_path[0] ? fopen(srv->log_path, "r") : NULL;
    if (!f) {
        fprintf(stderr, "harness: no server log\n");
        return;
    }
    /* Two passes: count the lines, then print the last ones. */
    long total = 0;
    int ch;
    while ((ch = fgetc(f)) != EOF)
        total += ch == '\n';
    rewind(f);
    long skip = total > lines ? total - lines : 0;
    fprintf(stderr, "---- last %d lines of %s ----\n", lines, srv->log_path);
    long seen = 0;
    while ((ch = fgetc(f)) != EOF) {
        if (seen >= skip)
            fputc(ch, stderr);
        seen += ch == '\n';
    }
    fprintf(stderr, "---- end of server log ----\n");
    fclose(f);
}

/* ---- processes ------------------------------------------------------------------------------ */

/* Exit code of a wait status: the code, or 128 + the signal. */
static int exit_code(int st)
{
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    return 255;
}

/*
 * fork/exec of srv->bin with args; stdin from in_fd (or /dev/null), stdout and stderr to
 * out_fd and err_fd. The child works in the temporary folder (no stray danchu.conf) and is
 * sent SIGTERM if the test program dies first.
 */
static pid_t spawn(const struct h_server *srv, const char *const *args, int in_fd, int out_fd,
                   int err_fd, int strict)
{
    const char *argv[32];
    int n = 0;
    argv[n++] = srv->bin;
    for (size_t i = 0; args[i] && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (strict)
        setenv("DANCHU_STRICT_TEMPLATES", "1", 1);
    if (in_fd < 0)
        in_fd = open("/dev/null", O_RDONLY);
    if (in_fd >= 0 && in_fd != 0)
        dup2(in_fd, 0);
    if (out_fd >= 0 && out_fd != 1)
        dup2(out_fd, 1);
    if (err_fd >= 0 && err_fd != 2)
        dup2(err_fd, 2);
    if (srv->tmp_dir[0] && chdir(srv->tmp_dir) != 0)
        _exit(126);
    execv(srv->bin, (char *const *)argv);
    fprintf(stderr, "harness: cannot run %s: %s\n", srv->bin, strerror(errno));
    _exit(127);
}

int h_run(const struct h_server *srv, const char *const *args, const char *stdin_data,
          struct h_proc *p)
{
    memset(p, 0, sizeof *p);
    int in_fd = -1;
    if (stdin_data) {
        in_fd = memfd_create("h_stdin", 0);
        if (in_fd >= 0) {
            size_t n = strlen(stdin_data);
            if (write(in_fd, stdin_data, n) != (ssize_t)n)
                fprintf(stderr, "harness: short write of stdin\n");
            lseek(in_fd, 0, SEEK_SET);
        }
    }
    int out_fd = memfd_create("h_stdout", 0);
    int err_fd = memfd_create("h_stderr", 0);
    p->status = 255;
    if (out_fd >= 0 && err_fd >= 0) {
        pid_t pid = spawn(srv, args, in_fd, out_fd, err_fd, 0);
        int st = 0;
        if (pid > 0 && waitpid(pid, &st, 0) == pid)
            p->status = exit_code(st);
    }
    p->out = out_fd >= 0 ? read_fd(out_fd) : strdup("");
    p->err = err_fd >= 0 ? read_fd(err_fd) : strdup("");
    if (has_san_report(p->err)) {
        fprintf(stderr, "harness: sanitizer report from danchu %s:\n%s\n", args[0] ? args[0] : "",
                p->err);
        n_san_reports++;
    }
    if (in_fd >= 0)
        close(in_fd);
    if (out_fd >= 0)
        close(out_fd);
    if (err_fd >= 0)
        close(err_fd);
    return p->status;
}

void h_proc_free(struct h_proc *p)
{
    free(p->out);
    free(p->err);
    p->out = p->err = NULL;
}

/* ---- databases --------------------------------------------------------------------------- */

static int pg_admin_exec(const char *admin_url, const char *sql)
{
    PGconn *pg = PQconnectdb(admin_url);
    int rc = -1;
    if (PQstatus(pg) != CONNECTION_OK) {
        fprintf(stderr, "harness: cannot connect to %s: %s", admin_url, PQerrorMessage(pg));
        goto out;
    }
    PGresult *res = PQexec(pg, sql);
    if (PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK)
        rc = 0;
    else
        fprintf(stderr, "harness: %s: %s", sql, PQerrorMessage(pg));
    PQclear(res);
out:
    PQfinish(pg);
    return rc;
}

static void resolve_bin(struct h_server *srv)
{
    const char *bin = getenv("DANCHU_BIN");
    if (!bin || !bin[0])
        bin = "build/danchu";
    char abs[PATH_MAX];
    if (realpath(bin, abs))
        snprintf(srv->bin, sizeof srv->bin, "%.500s", abs);
    else
        snprintf(srv->bin, sizeof srv->bin, "%.500s", bin);
}

/* Log file: test-logs/ beside the binary (build/ or build/san/), one per database. */
static void choose_log(struct h_server *srv, int n)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", srv->bin);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    size_t k = strlen(dir);
    snprintf(dir + k, sizeof dir - k, "/test-logs");
    if (mkdir_p(dir) != 0)
        snprintf(dir, sizeof dir, "%s", srv->tmp_dir);
    snprintf(srv->log_path, sizeof srv->log_path, "%.500s/%.100s-%s-%d.log", dir,
             program_invocation_short_name, srv->is_pg ? "pg" : "sqlite", n);
    FILE *f = fopen(srv->log_path, "w");
    if (f)
        fclose(f);
}

int h_db_create(struct h_server *srv)
{
    memset(srv, 0, sizeof *srv);
    resolve_bin(srv);
    int n = ++n_databases;
    const char *tmp = getenv("TMPDIR");
    snprintf(srv->tmp_dir, sizeof srv->tmp_dir, "%s/danchu-http-XXXXXX",
             tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(srv->tmp_dir)) {
        fprintf(stderr, "harness: mkdtemp: %s\n", strerror(errno));
        srv->tmp_dir[0] = '\0';
        return -1;
    }
    const char *pg = getenv("DANCHU_TEST_PG_URL");
    if (pg && pg[0]) {
        srv->is_pg = 1;
        snprintf(srv->pg_admin, sizeof srv->pg_admin, "%s", pg);
        snprintf(srv->pg_name, sizeof srv->pg_name, "t_%ld_%d", (long)getpid(), n);
        char sql[160];
        snprintf(sql, sizeof sql, "CREATE DATABASE %s", srv->pg_name);
        if (pg_admin_exec(srv->pg_admin, sql) != 0) {
            srv->pg_name[0] = '\0';
            return -1;
        }
        /* Same server and user, another database: replace the path after the authority. */
        const char *auth = strstr(pg, "://");
        const char *path = auth ? strchr(auth + 3, '/') : NULL;
        int keep = path ? (int)(path - pg) : (int)strlen(pg);
        const char *query = path ? strchr(path, '?') : NULL;
        snprintf(srv->db_url, sizeof srv->db_url, "%.*s/%s%s", keep, pg, srv->pg_name,
                 query ? query : "");
    } else {
        snprintf(srv->db_file, sizeof srv->db_file, "%s/danchu.db", srv->tmp_dir);
        snprintf(srv->db_url, sizeof srv->db_url, "sqlite:%s", srv->db_file);
    }
    choose_log(srv, n);
    const char *args[] = {"demo", "--db", srv->db_url, "--households", "200", "--no-serve", NULL};
    int fd = open(srv->log_path, O_WRONLY | O_APPEND | O_CREAT, 0644);
    pid_t pid = spawn(srv, args, -1, fd, fd, 0);
    int st = 0;
    int rc = pid > 0 && waitpid(pid, &st, 0) == pid ? exit_code(st) : 255;
    if (fd >= 0)
        close(fd);
    if (rc != 0) {
        fprintf(stderr, "harness: danchu demo failed (exit %d)\n", rc);
        h_log_tail(srv, 30);
        return -1;
    }
    return 0;
}

static int free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0)
        return -1;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    int port = -1;
    if (bind(s, (struct sockaddr *)&sa, sizeof sa) == 0 &&
        getsockname(s, (struct sockaddr *)&sa, &len) == 0)
        port = ntohs(sa.sin_port);
    close(s);
    return port;
}

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
    (void)p;
    (void)arg;
    return size * n;
}

/* 1 when GET /healthz answers 200. */
static int healthy(const struct h_server *srv)
{
    CURL *c = curl_easy_init();
    if (!c)
        return 0;
    char url[128];
    snprintf(url, sizeof url, "%s/healthz", srv->base);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 1000L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    long status = 0;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    return status == 200;
}

int h_serve(struct h_server *srv)
{
    if (!curl_ready) {
        curl_global_init(CURL_GLOBAL_ALL);
        curl_ready = 1;
    }
    /* The port is free when chosen; another process may take it first, so retry. */
    for (int attempt = 0; attempt < 3; attempt++) {
        srv->port = free_port();
        if (srv->port <= 0)
            return -1;
        snprintf(srv->base, sizeof srv->base, "http://127.0.0.1:%d", srv->port);
        char listen[32];
        snprintf(listen, sizeof listen, "127.0.0.1:%d", srv->port);
        const char *args[] = {"serve", "--db", srv->db_url, "--listen", listen, NULL};
        int fd = open(srv->log_path, O_WRONLY | O_APPEND | O_CREAT, 0644);
        srv->pid = spawn(srv, args, -1, fd, fd, 1);
        if (fd >= 0)
            close(fd);
        if (srv->pid <= 0) {
            srv->pid = 0;
            return -1;
        }
        double deadline = now_s() + 5.0;
        int st = 0;
        while (now_s() < deadline) {
            if (waitpid(srv->pid, &st, WNOHANG) == srv->pid) {
                fprintf(stderr, "harness: danchu serve exited early (%d)\n", exit_code(st));
                srv->pid = 0;
                break;
            }
            if (healthy(srv))
                return 0;
            sleep_ms(20);
        }
        if (srv->pid) {
            fprintf(stderr, "harness: /healthz did not answer within 5 s\n");
            h_log_tail(srv, 40);
            kill(srv->pid, SIGKILL);
            waitpid(srv->pid, &st, 0);
            srv->pid = 0;
            return -1;
        }
    }
    h_log_tail(srv, 40);
    return -1;
}

int h_start(struct h_server *srv)
{
    if (h_db_create(srv) != 0)
        return -1;
    return h_serve(srv);
}

int h_stop(struct h_server *srv)
{
    int rc = 0;
    while (srv->first)
        h_client_free(srv->first);
    if (srv->pid > 0) {
        int st = 0;
        pid_t got = 0;
        kill(srv->pid, SIGTERM);
        double deadline = now_s() + 5.0;
        while ((got = waitpid(srv->pid, &st, WNOHANG)) == 0 && now_s() < deadline)
            sleep_ms(10);
        if (got == 0) {
            fprintf(stderr, "harness: danchu serve ignored SIGTERM for 5 s, killing it\n");
            kill(srv->pid, SIGKILL);
            waitpid(srv->pid, &st, 0);
            rc = -1;
        }
        srv->exit_status = exit_code(st);
        srv->pid = 0;
        if (srv->exit_status != 0) {
            fprintf(stderr, "harness: danchu serve exited with %d\n", srv->exit_status);
            rc = -1;
        }
    }
    /* A sanitizer report in the log fails the run even when the exit code hides it. */
    FILE *f = srv->log_path[0] ? fopen(srv->log_path, "r") : NULL;
    if (f) {
        char line[1024];
        while (fgets(line, sizeof line, f))
            if (has_san_report(line)) {
                fprintf(stderr, "harness: sanitizer report in the server log\n");
                rc = -1;
                break;
            }
        fclose(f);
    }
    if (n_san_reports) {
        fprintf(stderr, "harness: %d command(s) printed a sanitizer report\n", n_san_reports);
        n_san_reports = 0;
        rc = -1;
    }
    if (rc != 0)
        h_log_tail(srv, 60);
    if (srv->is_pg && srv->pg_name[0]) {
        char sql[160];
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", srv->pg_name);
        pg_admin_exec(srv->pg_admin, sql);
        srv->pg_name[0] = '\0';
    }
    if (srv->tmp_dir[0] && !getenv("DANCHU_TEST_KEEP")) {
        remove_dir(srv->tmp_dir);
        srv->tmp_dir[0] = '\0';
    }
    return rc;
}

int h_db_exec(const struct h_server *srv, const char *sql)
{
    if (srv->is_pg) {
        PGconn *pg = PQconnectdb(srv->db_url);
        int rc = -1;
        if (PQstatus(pg) == CONNECTION_OK) {
            PGresult *res = PQexec(pg, sql);
            rc = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK
                     ? 0
                     : -1;
            if (rc)
                fprintf(stderr, "harness: %s: %s", sql, PQerrorMessage(pg));
            PQclear(res);
        }
        PQfinish(pg);
        return rc;
    }
    sqlite3 *db = NULL;
    int rc = -1;
    if (sqlite3_open_v2(srv->db_file, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        char *err = NULL;
        rc = sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK ? 0 : -1;
        if (rc)
            fprintf(stderr, "harness: %s: %s\n", sql, err ? err : "?");
        sqlite3_free(err);
    }
    sqlite3_close(db);
    return rc;
}

int h_db_int(const struct h_server *srv, const char *sql, long long *out)
{
    *out = -1;
    if (srv->is_pg) {
        PGconn *pg = PQconnectdb(srv->db_url);
        int rc = -1;
        if (PQstatus(pg) == CONNECTION_OK) {
            PGresult *res = PQexec(pg, sql);
            if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0) {
                *out = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
                rc = 0;
            } else {
                fprintf(stderr, "harness: %s: %s", sql, PQerrorMessage(pg));
            }
            PQclear(res);
        }
        PQfinish(pg);
        return rc;
    }
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_open_v2(srv->db_file, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW) {
            *out = sqlite3_column_int64(st, 0);
            rc = 0;
        } else {
            fprintf(stderr, "harness: %s: %s\n", sql, sqlite3_errmsg(db));
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return rc;
}

int h_db_text(const struct h_server *srv, const char *sql, char **out)
{
    *out = NULL;
    int rc = -1;
    if (srv->is_pg) {
        PGconn *pg = PQconnectdb(srv->db_url);
        if (PQstatus(pg) == CONNECTION_OK) {
            PGresult *res = PQexec(pg, sql);
            if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0) {
                *out = strdup(PQgetvalue(res, 0, 0));
                rc = *out ? 0 : -1;
            } else {
                fprintf(stderr, "harness: %s: %s", sql, PQerrorMessage(pg));
            }
            PQclear(res);
        }
        PQfinish(pg);
        return rc;
    }
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open_v2(srv->db_file, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW) {
            const unsigned char *t = sqlite3_column_text(st, 0);
            *out = strdup(t ? (const char *)t : "");
            rc = *out ? 0 : -1;
        } else {
            fprintf(stderr, "harness: %s: %s\n", sql, sqlite3_errmsg(db));
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return rc;
}

long long h_db_count(const struct h_server *srv, const char *sql)
{
    long long n = -1;
    if (h_db_int(srv, sql, &n) != 0)
        fail_msg("query failed: %s", sql);
    return n;
}

int h_write_file(const struct h_server *srv, const char *name, const char *data, size_t len,
                 char *out, size_t out_len)
{
    snprintf(out, out_len, "%s/%s", srv->tmp_dir, name);
    FILE *f = fopen(out, "wb");
    if (!f)
        return -1;
    int rc = fwrite(data, 1, len, f) == len ? 0 : -1;
    if (fclose(f) != 0)
        rc = -1;
    return rc;
}

/* ---- client ---------------------------------------------------------------------------------- */

static const char *keep(struct h_client *c, const char *s, size_t n)
{
    struct h_str *k = xmalloc(sizeof *k + n + 1);
    memcpy(k->s, s, n);
    k->s[n] = '\0';
    k->next = c->strings;
    c->strings = k;
    return k->s;
}

const char *h_fmt(struct h_client *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0) {
        fprintf(stderr, "harness: out of memory\n");
        abort();
    }
    const char *k = keep(c, s, (size_t)n);
    free(s);
    return k;
}

const char *h_vn_day(struct h_client *c, int days)
{
    time_t t = time(NULL) + 7 * 3600 + (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    return h_fmt(c, "%02d/%02d/%04d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
    buf_add(arg, p, size * n);
    return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
    struct h_response *r = arg;
    size_t len = size * n;
    if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
        /* A new status line (after 100 Continue): forget the interim headers. */
        for (size_t i = 0; i < r->n_headers; i++) {
            free(r->headers[i].name);
            free(r->headers[i].value);
        }
        r->n_headers = 0;
        return len;
    }
    const char *colon = memchr(p, ':', len);
    if (!colon)
        return len;
    size_t nl = (size_t)(colon - p);
    const char *v = colon + 1;
    const char *end = p + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n'))
        end--;
    struct h_header *h = realloc(r->headers, (r->n_headers + 1) * sizeof *h);
    if (!h)
        abort();
    r->headers = h;
    h[r->n_headers].name = strndup(p, nl);
    h[r->n_headers].value = strndup(v, (size_t)(end - v));
    r->n_headers++;
    return len;
}

struct h_client *h_client_new(struct h_server *srv)
{
    if (!curl_ready) {
        curl_global_init(CURL_GLOBAL_ALL);
        curl_ready = 1;
    }
    struct h_client *c = xmalloc(sizeof *c);
    memset(c, 0, sizeof *c);
    c->srv = srv;
    c->curl = curl_easy_init();
    if (!c->curl) {
        fprintf(stderr, "harness: curl_easy_init failed\n");
        abort();
    }
    int n = n_clients++;
    snprintf(c->iface, sizeof c->iface, "host!127.0.%d.%d", 1 + n / 250, 2 + n % 250);
    curl_easy_setopt(c->curl, CURLOPT_COOKIEFILE, "");
    curl_easy_setopt(c->curl, CURLOPT_INTERFACE, c->iface);
    curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c->curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c->curl, CURLOPT_HEADERFUNCTION, on_header);
    c->next = srv->first;
    srv->first = c;
    return c;
}

static void response_free(struct h_response *r)
{
    for (size_t i = 0; i < r->n_headers; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    free(r->headers);
    free(r->body);
    json_decref(r->json);
    free(r);
}

void h_client_free(struct h_client *c)
{
    if (!c)
        return;
    for (struct h_client **p = &c->srv->first; *p; p = &(*p)->next)
        if (*p == c) {
            *p = c->next;
            break;
        }
    while (c->responses) {
        struct h_response *r = c->responses;
        c->responses = r->next;
        response_free(r);
    }
    while (c->strings) {
        struct h_str *s = c->strings;
        c->strings = s->next;
        free(s);
    }
    curl_easy_cleanup(c->curl);
    free(c);
}

/* Common options, the request itself, and the response bookkeeping. */
static struct h_response *perform(struct h_client *c, const char *path, const char *const *headers,
                                  const char *content_type, struct curl_slist *extra)
{
    struct h_response *r = xmalloc(sizeof *r);
    memset(r, 0, sizeof *r);
    struct h_buf body = {0};
    char url[2048];
    snprintf(url, sizeof url, "%s%s", c->srv->base, path);
    struct curl_slist *hl = extra;
    for (size_t i = 0; headers && headers[i]; i++)
        hl = curl_slist_append(hl, headers[i]);
    if (content_type) {
        char ct[256];
        snprintf(ct, sizeof ct, "Content-Type: %s", content_type);
        hl = curl_slist_append(hl, ct);
    }
    curl_easy_setopt(c->curl, CURLOPT_URL, url);
    curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c->curl, CURLOPT_HEADERDATA, r);
    if (hl)
        curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, hl);
    double t0 = now_s();
    CURLcode cc = curl_easy_perform(c->curl);
    r->seconds = now_s() - t0;
    if (cc == CURLE_OK)
        curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &r->status);
    else
        fprintf(stderr, "harness: %s: %s\n", url, curl_easy_strerror(cc));
    curl_slist_free_all(hl);
    if (!body.ptr)
        buf_add(&body, "", 0);
    r->body = body.ptr;
    r->len = body.len;
    r->next = c->responses;
    c->responses = r;
    /* Back to a plain GET. Not curl_easy_reset: the cookie engine must stay on, and turning
     * it on again each time (CURLOPT_COOKIEFILE) leaks in libcurl 7.88. */
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, NULL);
    curl_easy_setopt(c->curl, CURLOPT_MIMEPOST, NULL);
    curl_easy_setopt(c->curl, CURLOPT_HTTPGET, 1L);
    return r;
}

struct h_response *h_request(struct h_client *c, const char *method, const char *path,
                             const char *const *headers, const char *content_type, const char *body,
                             size_t len)
{
    if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(c->curl, CURLOPT_HTTPGET, 1L);
    } else if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(c->curl, CURLOPT_POST, 1L);
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? len : 0));
        curl_easy_setopt(c->curl, CURLOPT_COPYPOSTFIELDS, body ? body : "");
    } else {
        curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, method);
        if (body) {
            curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
            curl_easy_setopt(c->curl, CURLOPT_COPYPOSTFIELDS, body);
        }
    }
    return perform(c, path, headers, content_type, NULL);
}

struct h_response *h_get(struct h_client *c, const char *path)
{
    return h_request(c, "GET", path, NULL, NULL, NULL, 0);
}

struct h_response *h_get_hdr(struct h_client *c, const char *path, const char *const *headers)
{
    return h_request(c, "GET", path, headers, NULL, NULL, 0);
}

struct h_response *h_post_form_hdr(struct h_client *c, const char *path, const char *const *fields,
                                   const char *const *headers)
{
    struct h_buf b = {0};
    for (size_t i = 0; fields && fields[i] && fields[i + 1]; i += 2) {
        char *k = curl_easy_escape(c->curl, fields[i], 0);
        char *v = curl_easy_escape(c->curl, fields[i + 1], 0);
        if (b.len)
            buf_add(&b, "&", 1);
        buf_add(&b, k, strlen(k));
        buf_add(&b, "=", 1);
        buf_add(&b, v, strlen(v));
        curl_free(k);
        curl_free(v);
    }
    if (!b.ptr)
        buf_add(&b, "", 0);
    struct h_response *r =
        h_request(c, "POST", path, headers, "application/x-www-form-urlencoded", b.ptr, b.len);
    free(b.ptr);
    return r;
}

struct h_response *h_post_form(struct h_client *c, const char *path, const char *const *fields)
{
    return h_post_form_hdr(c, path, fields, NULL);
}

struct h_response *h_post_multipart(struct h_client *c, const char *path, const char *const *fields,
                                    const char *file_field, const char *filename, const char *data,
                                    size_t len)
{
    curl_mime *mime = curl_mime_init(c->curl);
    for (size_t i = 0; fields && fields[i] && fields[i + 1]; i += 2) {
        curl_mimepart *p = curl_mime_addpart(mime);
        curl_mime_name(p, fields[i]);
        curl_mime_data(p, fields[i + 1], CURL_ZERO_TERMINATED);
    }
    if (file_field) {
        curl_mimepart *p = curl_mime_addpart(mime);
        curl_mime_name(p, file_field);
        curl_mime_data(p, data, len);
        curl_mime_filename(p, filename);
        curl_mime_type(p, "application/octet-stream");
    }
    curl_easy_setopt(c->curl, CURLOPT_MIMEPOST, mime);
    struct h_response *r = perform(c, path, NULL, NULL, NULL);
    curl_mime_free(mime);
    return r;
}

const char *h_header(const struct h_response *r, const char *name)
{
    for (size_t i = 0; i < r->n_headers; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

const char *h_set_cookie(const struct h_response *r, const char *cookie)
{
    size_t n = strlen(cookie);
    for (size_t i = 0; i < r->n_headers; i++)
        if (strcasecmp(r->headers[i].name, "Set-Cookie") == 0 &&
            strncmp(r->headers[i].value, cookie, n) == 0 && r->headers[i].value[n] == '=')
            return r->headers[i].value;
    return NULL;
}

int h_has(const struct h_response *r, const char *needle)
{
    return r->body && strstr(r->body, needle) != NULL;
}

size_t h_count(const struct h_response *r, const char *needle)
{
    size_t n = 0, k = strlen(needle);
    for (const char *p = r->body; k && p && (p = strstr(p, needle)) != NULL; p += k)
        n++;
    return n;
}

json_t *h_json(struct h_response *r)
{
    if (!r->json && r->body) {
        json_error_t err;
        r->json = json_loadb(r->body, r->len, 0, &err);
        if (!r->json)
            fprintf(stderr, "harness: body is not JSON (%s): %.200s\n", err.text, r->body);
    }
    return r->json;
}

const char *h_cookie(struct h_client *c, const char *name)
{
    struct curl_slist *list = NULL;
    const char *found = NULL;
    if (curl_easy_getinfo(c->curl, CURLINFO_COOKIELIST, &list) != CURLE_OK)
        return NULL;
    for (struct curl_slist *l = list; l && !found; l = l->next) {
        /* Netscape format: domain, tailmatch, path, secure, expires, name, value. */
        const char *p = l->data;
        for (int field = 0; field < 5 && p; field++) {
            p = strchr(p, '\t');
            if (p)
                p++;
        }
        if (!p)
            continue;
        const char *tab = strchr(p, '\t');
        if (!tab || (size_t)(tab - p) != strlen(name) || strncmp(p, name, strlen(name)) != 0)
            continue;
        found = keep(c, tab + 1, strlen(tab + 1));
    }
    curl_slist_free_all(list);
    return found;
}

void h_cookie_put(struct h_client *c, const char *name, const char *value)
{
    char line[1024];
    snprintf(line, sizeof line, "127.0.0.1\tFALSE\t/\tFALSE\t0\t%s\t%s", name, value);
    curl_easy_setopt(c->curl, CURLOPT_COOKIELIST, line);
}

const char *h_between(struct h_client *c, const struct h_response *r, const char *before,
                      const char *after)
{
    const char *p = r->body ? strstr(r->body, before) : NULL;
    if (!p)
        return NULL;
    p += strlen(before);
    const char *q = strstr(p, after);
    if (!q)
        return NULL;
    return keep(c, p, (size_t)(q - p));
}

const char *h_csrf(struct h_client *c, const char *path)
{
    struct h_response *r = h_get(c, path);
    return h_between(c, r, "name=\"_csrf\" value=\"", "\"");
}

int h_signin(struct h_client *c, const char *login, const char *password)
{
    const char *csrf = h_csrf(c, "/dang-nhap");
    if (!csrf) {
        fprintf(stderr, "harness: no _csrf on /dang-nhap\n");
        return -1;
    }
    const char *f[] = {"_csrf", csrf, "ten_dang_nhap", login, "mat_khau", password, "tiep",
                       "/",     NULL};
    struct h_response *r = h_post_form(c, "/dang-nhap", f);
    const char *s = h_cookie(c, "dc_session");
    if (r->status != 303 || !s || !s[0]) {
        fprintf(stderr, "harness: sign-in of %s answered %ld\n", login, r->status);
        return -1;
    }
    return 0;
}

struct h_client *h_signed_in(struct h_server *srv, const char *login)
{
    struct h_client *c = h_client_new(srv);
    if (h_signin(c, login, "danchu2026") != 0)
        fail_msg("%s could not sign in", login);
    return c;
}

struct h_response *h_post_page(struct h_client *c, const char *page, const char *path,
                               const char *const *extra)
{
    const char *csrf = h_csrf(c, page);
    if (!csrf)
        fail_msg("no _csrf on %s", page);
    size_t n_extra = 0;
    while (extra && extra[n_extra])
        n_extra++;
    /* Sized to the call: a meeting's attendance sends one field per household present. */
    const char **f = xmalloc((2 + n_extra + 1) * sizeof *f);
    f[0] = "_csrf";
    f[1] = csrf;
    for (size_t i = 0; i < n_extra; i++)
        f[2 + i] = extra[i];
    f[2 + n_extra] = NULL;
    struct h_response *r = h_post_form(c, path, f);
    free(f);
    return r;
}

/* ---- JSON ---------------------------------------------------------------------------------- */

json_t *h_jget(json_t *root, const char *path)
{
    json_t *cur = root;
    const char *p = path;
    while (cur && *p) {
        if (*p == '.') {
            p++;
            continue;
        }
        if (*p == '[') {
            char *end = NULL;
            long i = strtol(p + 1, &end, 10);
            if (!end || *end != ']' || !json_is_array(cur))
                return NULL;
            cur = json_array_get(cur, (size_t)i);
            p = end + 1;
            continue;
        }
        size_t n = strcspn(p, ".[");
        char key[128];
        if (n >= sizeof key || !json_is_object(cur))
            return NULL;
        memcpy(key, p, n);
        key[n] = '\0';
        cur = json_object_get(cur, key);
        p += n;
    }
    return cur;
}

const char *h_jstr(json_t *root, const char *path)
{
    return json_string_value(h_jget(root, path));
}

long long h_jint(json_t *root, const char *path)
{
    json_t *v = h_jget(root, path);
    return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

/* ---- group runner ------------------------------------------------------------------------ */

static struct h_server *group_srv; /* the server of the running group */
static int group_srv_failed;       /* start or stop failed */

static int group_setup(void **state)
{
    (void)state;
    if (h_start(group_srv) != 0) {
        group_srv_failed = 1;
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (h_stop(group_srv) != 0) {
        group_srv_failed = 1;
        return -1;
    }
    return 0;
}

int h_run_group_(const char *name, const struct CMUnitTest *tests, size_t n, struct h_server *srv)
{
    group_srv = srv;
    group_srv_failed = 0;
    int failed = _cmocka_run_group_tests(name, tests, n, group_setup, group_teardown);
    if (failed)
        h_log_tail(srv, 40);
    return failed || group_srv_failed ? 1 : 0;
}

long long h_roll_summary_mismatches(const struct h_server *srv)
{
    long long n = -1;
    if (h_db_int(srv,
                 "SELECT COUNT(*) FROM households h WHERE h.n_members <> (SELECT COUNT(*) FROM "
                 "members m WHERE m.household_id = h.id AND m.status = 'active') OR "
                 "h.representative_name <> COALESCE((SELECT r.full_name FROM members r WHERE "
                 "r.id = h.representative_id), '')",
                 &n) != 0)
        return -1;
    long long units = -1;
    if (h_db_int(srv,
                 "SELECT COUNT(*) FROM units u WHERE u.n_households <> (SELECT COUNT(*) FROM "
                 "households h WHERE h.village_id = u.id) OR u.n_active <> (SELECT COUNT(*) FROM "
                 "households h WHERE h.village_id = u.id AND h.status = 'active')",
                 &units) != 0)
        return -1;
    return n + units;
}

/* ---- the SMTP server --------------------------------------------------------------------- */

/* 1 when something listens on the loopback port. */
static int port_open(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)port);
    int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

/* ---- the SMTP server: python3 -m aiosmtpd into a Maildir ----------------------------------- */

static void sink_find_python(struct h_sink *k)
{
    const char *env = getenv("DANCHU_PYTHON");
    const char *candidates[] = {env && env[0] ? env : NULL, "/usr/bin/python3", "python3"};
    for (size_t i = 0; i < 3; i++) {
        char cmd[512];
        if (!candidates[i])
            continue;
        snprintf(cmd, sizeof cmd, "%s -c 'import aiosmtpd' >/dev/null 2>&1", candidates[i]);
        if (system(cmd) == 0) {
            snprintf(k->python, sizeof k->python, "%s", candidates[i]);
            return;
        }
    }
}

int h_sink_start(struct h_sink *k)
{
    char listen[64], maildir[300], log[300];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", k->port);
    snprintf(maildir, sizeof maildir, "%s/maildir", k->dir);
    snprintf(log, sizeof log, "%s/k->log", k->dir);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execlp(k->python, k->python, "-m", "aiosmtpd", "-n", "-l", listen, "-c",
               "aiosmtpd.handlers.Mailbox", maildir, (char *)NULL);
        _exit(127);
    }
    k->pid = pid;
    double deadline = now_s() + 15;
    while (now_s() < deadline) {
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            k->pid = 0;
            return -1;
        }
        if (port_open(k->port))
            return 0;
        sleep_ms(50);
    }
    return -1;
}

void h_sink_stop(struct h_sink *k)
{
    if (k->pid <= 0)
        return;
    kill(k->pid, SIGTERM);
    int st;
    double deadline = now_s() + 5;
    pid_t got;
    while ((got = waitpid(k->pid, &st, WNOHANG)) == 0 && now_s() < deadline)
        sleep_ms(20);
    if (got == 0) {
        kill(k->pid, SIGKILL);
        waitpid(k->pid, &st, 0);
    }
    k->pid = 0;
    while (port_open(k->port) && now_s() < deadline + 5)
        sleep_ms(20);
}

/* Messages in the Maildir addressed To `to`; the last one's text (malloc'd) into *last. */
int h_sink_count_to(const struct h_sink *k, const char *to, char **last)
{
    char path[600];
    snprintf(path, sizeof path, "%s/maildir/new", k->dir);
    DIR *d = opendir(path);
    int n = 0;
    if (!d)
        return 0;
    struct dirent *e;
    char want[300];
    snprintf(want, sizeof want, "\nTo: %s", to);
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char file[1000];
        snprintf(file, sizeof file, "%s/%s", path, e->d_name);
        FILE *f = fopen(file, "rb");
        if (!f)
            continue;
        char *text = calloc(1, 65536);
        size_t len = text ? fread(text, 1, 65535, f) : 0;
        fclose(f);
        (void)len;
        if (text && strstr(text, want)) {
            n++;
            if (last) {
                free(*last);
                *last = text;
                text = NULL;
            }
        }
        free(text);
    }
    closedir(d);
    return n;
}

/* Skips (or, under CI, fails) the e-mail part of a case when there is no aiosmtpd. */
int h_sink_usable(const struct h_sink *k)
{
    if (k->python[0])
        return 1;
    const char *ci = getenv("CI");
    if (ci && ci[0])
        fail_msg("python3 -m aiosmtpd is missing and CI is set: apt-get install python3-aiosmtpd");
    fprintf(stderr, "SKIPPED: python3 -m aiosmtpd is missing (apt-get install python3-aiosmtpd); "
                    "e-mail delivery unchecked\n");
    return 0;
}

int h_wait_for(const struct h_server *srv, long long want, double seconds, const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    double deadline = now_s() + seconds;
    long long got = -1;
    do {
        if (h_db_int(srv, sql, &got) == 0 && got == want)
            return 1;
        sleep_ms(50);
    } while (now_s() < deadline);
    fprintf(stderr, "waited %.0f s for [%s] = %lld, got %lld\n", seconds, sql, want, got);
    h_log_tail(srv, 20);
    return 0;
}

int h_sink_init(struct h_sink *k)
{
    memset(k, 0, sizeof *k);
    snprintf(k->dir, sizeof k->dir, "/tmp/danchu-smtp-XXXXXX");
    if (!mkdtemp(k->dir))
        return -1;
    sink_find_python(k);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    k->port = ntohs(a.sin_port);
    close(fd);
    if (k->python[0] && h_sink_start(k) != 0) {
        fprintf(stderr, "cannot start aiosmtpd with %s\n", k->python);
        return -1;
    }
    return 0;
}

void h_sink_free(struct h_sink *k)
{
    h_sink_stop(k);
    if (k->dir[0]) {
        char cmd[400];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", k->dir);
        if (system(cmd) != 0)
            fprintf(stderr, "cannot remove %s\n", k->dir);
        k->dir[0] = '\0';
    }
}

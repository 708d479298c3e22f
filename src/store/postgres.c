/*
 * postgres.c - the PostgreSQL back end over libpq: each struct db is one
 * PGconn; statements are prepared once per connection under generated names
 * ("d1", "d2" ...) and run with PQexecPrepared at the first db_step(), with
 * text parameters (blobs binary) and text results; later steps walk the rows
 * of the PGresult. When the server connection breaks, the next statement
 * resets it and prepares again.
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "store/internal.h"
#include "store/pq.h"

extern char **environ;

/* Type OIDs from pg_type.h (server headers are not installed with libpq). */
enum {
    OID_BOOL = 16,
    OID_BYTEA = 17,
    OID_INT8 = 20,
    OID_INT2 = 21,
    OID_INT4 = 23,
    OID_OID = 26,
    OID_FLOAT4 = 700,
    OID_FLOAT8 = 701,
    OID_NUMERIC = 1700,
};

/* Maps a failed result (or connection) to an ERR_* code and remembers the message. */
static int pg_err(struct db *db, const PGresult *res)
{
    const char *msg = res ? PQresultErrorMessage(res) : "";
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    int code = ERR_DB;
    if (!msg || !*msg)
        msg = PQerrorMessage(db->pg);
    if (PQstatus(db->pg) == CONNECTION_BAD)
        code = ERR_UNAVAILABLE;
    else if (state && strcmp(state, "23505") == 0)
        code = ERR_CONFLICT;
    else if (state && strncmp(state, "23", 2) == 0)
        code = ERR_INVALID;
    else if (state && (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0 ||
                       strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0))
        code = ERR_UNAVAILABLE;
    return store_set_err(db, code, "%s", msg);
}

/* Server notices ("relation already exists, skipping") go to the debug log, not stderr. */
static void pg_notice(void *arg, const char *msg)
{
    (void)arg;
    log_debug("postgres: %.*s", (int)strcspn(msg, "\n"), msg);
}

int store_pg_connect(struct db *db, const char *url)
{
    PGresult *res = NULL;
    char why[256];
    int rc = pq_load(why, sizeof why);
    if (rc)
        return store_set_err(db, rc, "%s", why);

    db->pg = PQconnectdb(url);
    if (!db->pg)
        abort();
    if (PQstatus(db->pg) != CONNECTION_OK) {
        rc = store_set_err(db, ERR_UNAVAILABLE, "%s", PQerrorMessage(db->pg));
        goto out;
    }
    PQsetNoticeProcessor(db->pg, pg_notice, NULL);
    if (PQsetClientEncoding(db->pg, "UTF8") != 0) {
        rc = store_set_err(db, ERR_DB, "%s", PQerrorMessage(db->pg));
        goto out;
    }
    /* A commit is answered only once it is durable, whatever the server's default says. */
    res = PQexec(db->pg, "SET synchronous_commit = on");
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        rc = pg_err(db, res);
        goto out;
    }
out:
    PQclear(res);
    return rc;
}

void store_pg_disconnect(struct db *db)
{
    if (db->pg)
        PQfinish(db->pg);
    db->pg = NULL;
}

/* After the server connection broke: reconnect; every statement then prepares again. */
static int pg_revive(struct db *db)
{
    if (PQstatus(db->pg) == CONNECTION_OK)
        return 0;
    PQreset(db->pg);
    if (PQstatus(db->pg) != CONNECTION_OK)
        return store_set_err(db, ERR_UNAVAILABLE, "%s", PQerrorMessage(db->pg));
    db->pg_gen++;
    log_warn("postgres: connection reset");
    return 0;
}

static int pg_prepare_on_server(struct db_stmt *st)
{
    struct db *db = st->db;
    PGresult *res;
    int rc = pg_revive(db);
    if (rc != 0)
        return rc;
    snprintf(st->name, sizeof st->name, "d%u", ++db->pg_names);
    res = PQprepare(db->pg, st->name, st->sql, 0, NULL);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        rc = pg_err(db, res);
        PQclear(res);
        return rc;
    }
    PQclear(res);
    PQclear(st->desc);
    st->desc = PQdescribePrepared(db->pg, st->name);
    if (PQresultStatus(st->desc) != PGRES_COMMAND_OK) {
        rc = pg_err(db, st->desc);
        PQclear(st->desc);
        st->desc = NULL;
        return rc;
    }
    st->gen = db->pg_gen;
    return 0;
}

int store_pg_prepare(struct db_stmt *st)
{
    int rc = pg_prepare_on_server(st);
    if (rc != 0)
        return rc;
    st->n_params = PQnparams(st->desc);
    if (st->n_params > 0) {
        size_t n = (size_t)st->n_params;
        st->params = calloc(n, sizeof *st->params);
        st->values = calloc(n, sizeof *st->values);
        st->lengths = calloc(n, sizeof *st->lengths);
        st->formats = calloc(n, sizeof *st->formats);
        if (!st->params || !st->values || !st->lengths || !st->formats)
            abort();
    }
    return 0;
}

static void free_blobs(struct db_stmt *st)
{
    for (int i = 0; i < st->n_blobs; i++) {
        if (st->blobs[i])
            PQfreemem(st->blobs[i]);
        st->blobs[i] = NULL;
    }
}

void store_pg_finalize(struct db_stmt *st)
{
    /* The server-side statement dies with the session; no DEALLOCATE round trip. */
    free_blobs(st);
    free(st->blobs);
    free(st->blob_lens);
    PQclear(st->res);
    PQclear(st->desc);
    for (int i = 0; i < st->n_params; i++)
        free(st->params[i].buf);
    free(st->params);
    free(st->values);
    free(st->lengths);
    free(st->formats);
}

int store_pg_bind(struct db_stmt *st, int idx, enum bind_kind k, int64_t i, const void *p,
                  size_t len)
{
    char num[24];
    /* A parameter the text does not use is ignored, as with db_prepare2() texts that differ. */
    if (idx > st->n_params)
        return 0;
    struct pg_param *pp = &st->params[idx - 1];
    if (k == BIND_NULL) {
        pp->set = 0;
        return 0;
    }
    if (k == BIND_INT) {
        len = (size_t)snprintf(num, sizeof num, "%lld", (long long)i);
        p = num;
    }
    if (len > 0x7fffffff)
        return store_set_err(st->db, ERR_TOO_LARGE, "parameter $%d too large", idx);
    if (pp->cap < len + 1) {
        pp->cap = len + 1 < 32 ? 32 : len + 1;
        free(pp->buf);
        pp->buf = malloc(pp->cap);
        if (!pp->buf)
            abort();
    }
    memcpy(pp->buf, p, len);
    pp->buf[len] = '\0';
    pp->len = (int)len;
    pp->fmt = k == BIND_BLOB;
    pp->set = 1;
    return 0;
}

static int64_t parse_changes(const PGresult *res)
{
    int64_t v = 0;
    const char *t = PQcmdTuples((PGresult *)res);
    if (t && *t && parse_int64(str_c(t), 0, INT64_MAX, &v) == 0)
        return v;
    return 0;
}

int store_pg_step(struct db_stmt *st)
{
    struct db *db = st->db;
    int rc;

    if (!st->executed) {
        if (st->gen != db->pg_gen || PQstatus(db->pg) != CONNECTION_OK) {
            rc = pg_prepare_on_server(st);
            if (rc != 0)
                return rc;
        }
        for (int i = 0; i < st->n_params; i++) {
            st->values[i] = st->params[i].set ? st->params[i].buf : NULL;
            st->lengths[i] = st->params[i].len;
            st->formats[i] = st->params[i].fmt;
        }
        PQclear(st->res);
        st->res =
            PQexecPrepared(db->pg, st->name, st->n_params, st->values, st->lengths, st->formats, 0);
        st->executed = 1;
        st->row = -1;
        st->n_rows = 0;
        switch (PQresultStatus(st->res)) {
        case PGRES_TUPLES_OK:
            st->n_rows = PQntuples(st->res);
            st->changes = parse_changes(st->res);
            break;
        case PGRES_COMMAND_OK:
            st->changes = parse_changes(st->res);
            break;
        default:
            rc = pg_err(db, st->res);
            PQclear(st->res);
            st->res = NULL;
            return rc;
        }
        int nf = PQnfields(st->res);
        if (nf > st->n_blobs) {
            free_blobs(st);
            free(st->blobs);
            free(st->blob_lens);
            st->blobs = calloc((size_t)nf, sizeof *st->blobs);
            st->blob_lens = calloc((size_t)nf, sizeof *st->blob_lens);
            if (!st->blobs || !st->blob_lens)
                abort();
            st->n_blobs = nf;
        }
    }
    free_blobs(st);
    if (st->row + 1 < st->n_rows) {
        st->row++;
        return DB_ROW;
    }
    st->row = st->n_rows;
    return DB_DONE;
}

void store_pg_reset(struct db_stmt *st)
{
    free_blobs(st);
    PQclear(st->res);
    st->res = NULL;
    st->executed = 0;
    st->row = -1;
    st->n_rows = 0;
    for (int i = 0; i < st->n_params; i++)
        st->params[i].set = 0;
}

int store_pg_exec(struct db *db, const char *sql)
{
    int rc = pg_revive(db);
    if (rc != 0)
        return rc;
    PGresult *res = PQexec(db->pg, sql);
    ExecStatusType status = PQresultStatus(res);
    rc = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK ? 0 : pg_err(db, res);
    PQclear(res);
    return rc;
}

int store_pg_commit(struct db *db)
{
    PGresult *res = PQexec(db->pg, "COMMIT");
    int rc = 0;
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        rc = pg_err(db, res);
    } else if (strcmp(PQcmdStatus(res), "COMMIT") != 0) {
        /* COMMIT of a transaction that an error had aborted "succeeds" as a ROLLBACK. */
        rc = store_set_err(db, ERR_DB, "transaction was aborted by an earlier error; rolled back");
    }
    PQclear(res);
    return rc;
}

/* The result's shape before the first step comes from the prepared statement's description. */
static const PGresult *shape(const struct db_stmt *st)
{
    return st->res ? st->res : st->desc;
}

static int have_row(const struct db_stmt *st, int col)
{
    return st->res && st->row >= 0 && st->row < st->n_rows && col >= 0 && col < PQnfields(st->res);
}

int store_pg_column_count(struct db_stmt *st)
{
    return shape(st) ? PQnfields(shape(st)) : 0;
}

const char *store_pg_column_name(struct db_stmt *st, int col)
{
    const char *n = shape(st) ? PQfname(shape(st), col) : NULL;
    return n ? n : "";
}

int store_pg_is_null(struct db_stmt *st, int col)
{
    return !have_row(st, col) || PQgetisnull(st->res, st->row, col);
}

const char *store_pg_col_text(struct db_stmt *st, int col)
{
    return have_row(st, col) ? PQgetvalue(st->res, st->row, col) : "";
}

size_t store_pg_col_len(struct db_stmt *st, int col)
{
    return have_row(st, col) ? (size_t)PQgetlength(st->res, st->row, col) : 0;
}

/* Integers arrive as text; booleans as "t"/"f"; numeric sums ("12" or "12.5") too. */
static int64_t text_int(const char *t, Oid type)
{
    int64_t v;
    if (type == OID_BOOL)
        return t[0] == 't';
    if (parse_int64(str_c(t), INT64_MIN, INT64_MAX, &v) == 0)
        return v;
    char *end;
    double d = strtod(t, &end);
    if (end != t && d >= -9.2e18 && d <= 9.2e18)
        return (int64_t)d;
    return 0;
}

int64_t store_pg_col_int(struct db_stmt *st, int col)
{
    if (store_pg_is_null(st, col))
        return 0;
    return text_int(PQgetvalue(st->res, st->row, col), PQftype(st->res, col));
}

const void *store_pg_col_blob(struct db_stmt *st, int col, size_t *len)
{
    *len = 0;
    if (store_pg_is_null(st, col))
        return "";
    if (PQftype(st->res, col) != OID_BYTEA) {
        *len = (size_t)PQgetlength(st->res, st->row, col);
        return PQgetvalue(st->res, st->row, col);
    }
    if (!st->blobs[col]) {
        st->blobs[col] = PQunescapeBytea((const unsigned char *)PQgetvalue(st->res, st->row, col),
                                         &st->blob_lens[col]);
        if (!st->blobs[col])
            abort();
    }
    *len = st->blob_lens[col];
    return st->blobs[col];
}

void store_pg_cell(struct db_stmt *st, int c, struct rows *t, struct rows_cell *out)
{
    memset(out, 0, sizeof *out);
    if (PQgetisnull(st->res, st->row, c))
        return;
    const char *v = PQgetvalue(st->res, st->row, c);
    size_t len = (size_t)PQgetlength(st->res, st->row, c);
    int64_t iv;
    switch (PQftype(st->res, c)) {
    case OID_INT2:
    case OID_INT4:
    case OID_INT8:
    case OID_OID:
    case OID_BOOL: /* SQLite has no booleans: 0/1 on both engines */
        rows_set_int(out, text_int(v, PQftype(st->res, c)));
        break;
    case OID_NUMERIC:
        /* SUM() of integers is numeric on PostgreSQL and an integer on SQLite. */
        if (parse_int64(str_c(v), INT64_MIN, INT64_MAX, &iv) == 0) {
            rows_set_int(out, iv);
            break;
        }
        /* fall through */
    case OID_FLOAT4:
    case OID_FLOAT8:
        out->kind = ROWS_REAL;
        out->d = strtod(v, NULL);
        break;
    case OID_BYTEA: {
        /* Rows carry text: bytes travel as lower-case hex. */
        size_t bn = 0;
        unsigned char *b = PQunescapeBytea((const unsigned char *)v, &bn);
        if (!b)
            abort();
        char *hex = arena_alloc(t->a, 2 * bn + 1);
        hex_encode(b, bn, hex);
        PQfreemem(b);
        out->kind = ROWS_TEXT;
        out->s = hex;
        out->len = 2 * bn;
        break;
    }
    default:
        rows_set_textn(t, out, v, len);
        break;
    }
}

/* libpq's environment variables, so that pg_dump gets the password without it showing in
 * the process list. */
static const struct {
    const char *keyword; /* conninfo keyword */
    const char *env;     /* libpq environment variable */
} pg_env_map[] = {
    {"host", "PGHOST"},
    {"hostaddr", "PGHOSTADDR"},
    {"port", "PGPORT"},
    {"dbname", "PGDATABASE"},
    {"user", "PGUSER"},
    {"password", "PGPASSWORD"},
    {"passfile", "PGPASSFILE"},
    {"options", "PGOPTIONS"},
    {"application_name", "PGAPPNAME"},
    {"connect_timeout", "PGCONNECT_TIMEOUT"},
    {"sslmode", "PGSSLMODE"},
    {"sslcert", "PGSSLCERT"},
    {"sslkey", "PGSSLKEY"},
    {"sslrootcert", "PGSSLROOTCERT"},
    {"sslcrl", "PGSSLCRL"},
    {"service", "PGSERVICE"},
    {"target_session_attrs", "PGTARGETSESSIONATTRS"},
    {"channel_binding", "PGCHANNELBINDING"},
    {"gssencmode", "PGGSSENCMODE"},
};

static const char *env_for(const char *keyword)
{
    for (size_t i = 0; i < sizeof pg_env_map / sizeof pg_env_map[0]; i++)
        if (strcmp(pg_env_map[i].keyword, keyword) == 0)
            return pg_env_map[i].env;
    return NULL;
}

int store_pg_backup(struct store *s, const char *path, char *err, size_t err_len)
{
    PQconninfoOption *opts = NULL;
    struct buf envs;
    char **envp = NULL;
    size_t n_env = 0, n_inherit = 0;
    char *errmsg = NULL;
    char file_arg[4200];
    int rc = 0;

    buf_init(&envs, NULL);
    if ((rc = pq_load(err, err_len)) != 0)
        goto out;
    opts = PQconninfoParse(s->target, &errmsg);
    if (!opts) {
        snprintf(err, err_len, "bad PostgreSQL URL: %s", errmsg ? errmsg : "out of memory");
        rc = ERR_INVALID;
        goto out;
    }
    if (snprintf(file_arg, sizeof file_arg, "--file=%s", path) >= (int)sizeof file_arg) {
        snprintf(err, err_len, "backup path too long");
        rc = ERR_INVALID;
        goto out;
    }
    /* Our variables first (NAME=value\0 each), then the inherited ones that we do not set. */
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        const char *env = o->val ? env_for(o->keyword) : NULL;
        if (o->val && !env) {
            snprintf(err, err_len, "backup: URL option %s has no pg_dump equivalent", o->keyword);
            rc = ERR_UNSUPPORTED;
            goto out;
        }
        if (!env)
            continue;
        buf_printf(&envs, "%s=%s", env, o->val);
        buf_append(&envs, "", 1);
        n_env++;
    }
    while (environ[n_inherit])
        n_inherit++;
    envp = calloc(n_env + n_inherit + 1, sizeof *envp);
    if (!envp)
        abort();
    size_t k = 0;
    for (char *p = envs.ptr; k < n_env; p += strlen(p) + 1)
        envp[k++] = p;
    for (size_t i = 0; i < n_inherit; i++) {
        size_t name_len = strcspn(environ[i], "=");
        int ours = 0;
        for (size_t j = 0; j < n_env && !ours; j++)
            ours = strncmp(envp[j], environ[i], name_len + 1) == 0;
        if (!ours)
            envp[k++] = environ[i];
    }
    envp[k] = NULL;

    char *argv[] = {"pg_dump", "--no-owner", "--format=plain", file_arg, NULL};
    pid_t pid;
    int status = 0;
    int e = posix_spawnp(&pid, "pg_dump", NULL, NULL, argv, envp);
    if (e != 0) {
        snprintf(err, err_len, "cannot run pg_dump: %s", strerror(e));
        rc = ERR_IO;
        goto out;
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            snprintf(err, err_len, "waitpid: %s", strerror(errno));
            rc = ERR_IO;
            goto out;
        }
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(err, err_len, "pg_dump failed (status %d)",
                 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        rc = ERR_DB;
        goto out;
    }
out:
    free(envp);
    buf_free(&envs);
    if (opts)
        PQconninfoFree(opts);
    if (errmsg)
        PQfreemem(errmsg);
    return rc;
}

/*
 * pq.h - libpq through a table loaded when the first PostgreSQL connection is made (core/dynlib.h):
 * a server on SQLite never maps libpq and its dependencies. Included by postgres.c (it includes
 * libpq-fe.h itself); the PQ* names used there become calls through the table.
 */
#ifndef DANCHU_STORE_PQ_H
#define DANCHU_STORE_PQ_H

#include <stddef.h>

#include <libpq-fe.h>

/* Every libpq function danchu calls. */
#define PQ_FUNCS(X)                                                                                \
    X(PQclear)                                                                                     \
    X(PQcmdStatus)                                                                                 \
    X(PQcmdTuples)                                                                                 \
    X(PQconnectdb)                                                                                 \
    X(PQconninfoFree)                                                                              \
    X(PQconninfoParse)                                                                             \
    X(PQdescribePrepared)                                                                          \
    X(PQerrorMessage)                                                                              \
    X(PQexec)                                                                                      \
    X(PQexecPrepared)                                                                              \
    X(PQfinish)                                                                                    \
    X(PQfname)                                                                                     \
    X(PQfreemem)                                                                                   \
    X(PQftype)                                                                                     \
    X(PQgetisnull)                                                                                 \
    X(PQgetlength)                                                                                 \
    X(PQgetvalue)                                                                                  \
    X(PQnfields)                                                                                   \
    X(PQnparams)                                                                                   \
    X(PQntuples)                                                                                   \
    X(PQprepare)                                                                                   \
    X(PQreset)                                                                                     \
    X(PQresultErrorField)                                                                          \
    X(PQresultErrorMessage)                                                                        \
    X(PQresultStatus)                                                                              \
    X(PQsetClientEncoding)                                                                         \
    X(PQsetNoticeProcessor)                                                                        \
    X(PQstatus)                                                                                    \
    X(PQunescapeBytea)

/* The table: each function by name, or all as the slots dynlib_load fills. */
#define X(f) +1
enum { PQ_API_N = 0 PQ_FUNCS(X) };
#undef X
union pq_api {
    struct {
#define X(f) __typeof__(f) *f;
        PQ_FUNCS(X)
#undef X
    } fn;
    void *slot[PQ_API_N];
};
extern union pq_api pq_api;

/* Loads libpq.so.5 once; 0, or ERR_UNAVAILABLE with the reason in err. */
int pq_load(char *err, size_t err_len);

/* The names, as calls through the table (not in the file that fills it). */
#ifndef PQ_API_IMPL
#define PQclear (pq_api.fn.PQclear)
#define PQcmdStatus (pq_api.fn.PQcmdStatus)
#define PQcmdTuples (pq_api.fn.PQcmdTuples)
#define PQconnectdb (pq_api.fn.PQconnectdb)
#define PQconninfoFree (pq_api.fn.PQconninfoFree)
#define PQconninfoParse (pq_api.fn.PQconninfoParse)
#define PQdescribePrepared (pq_api.fn.PQdescribePrepared)
#define PQerrorMessage (pq_api.fn.PQerrorMessage)
#define PQexec (pq_api.fn.PQexec)
#define PQexecPrepared (pq_api.fn.PQexecPrepared)
#define PQfinish (pq_api.fn.PQfinish)
#define PQfname (pq_api.fn.PQfname)
#define PQfreemem (pq_api.fn.PQfreemem)
#define PQftype (pq_api.fn.PQftype)
#define PQgetisnull (pq_api.fn.PQgetisnull)
#define PQgetlength (pq_api.fn.PQgetlength)
#define PQgetvalue (pq_api.fn.PQgetvalue)
#define PQnfields (pq_api.fn.PQnfields)
#define PQnparams (pq_api.fn.PQnparams)
#define PQntuples (pq_api.fn.PQntuples)
#define PQprepare (pq_api.fn.PQprepare)
#define PQreset (pq_api.fn.PQreset)
#define PQresultErrorField (pq_api.fn.PQresultErrorField)
#define PQresultErrorMessage (pq_api.fn.PQresultErrorMessage)
#define PQresultStatus (pq_api.fn.PQresultStatus)
#define PQsetClientEncoding (pq_api.fn.PQsetClientEncoding)
#define PQsetNoticeProcessor (pq_api.fn.PQsetNoticeProcessor)
#define PQstatus (pq_api.fn.PQstatus)
#define PQunescapeBytea (pq_api.fn.PQunescapeBytea)

#endif
#endif

/*
 * pq.h - libpq through a table loaded when the first PostgreSQL connection is made (core/dynlib.h):
 * a server on SQLite never maps libpq and its dependencies. Included by postgres.c after
 * libpq-fe.h; the PQ* names used there become calls through the table.
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

struct pq_api {
#define X(f) __typeof__(f) *f;
    PQ_FUNCS(X)
#undef X
};
extern struct pq_api pq_api;

/* Loads libpq.so.5 once; 0, or ERR_UNAVAILABLE with the reason in err. */
int pq_load(char *err, size_t err_len);

/* The names, as calls through the table (not in the file that fills it). */
#ifndef PQ_API_IMPL
#define PQclear (pq_api.PQclear)
#define PQcmdStatus (pq_api.PQcmdStatus)
#define PQcmdTuples (pq_api.PQcmdTuples)
#define PQconnectdb (pq_api.PQconnectdb)
#define PQconninfoFree (pq_api.PQconninfoFree)
#define PQconninfoParse (pq_api.PQconninfoParse)
#define PQdescribePrepared (pq_api.PQdescribePrepared)
#define PQerrorMessage (pq_api.PQerrorMessage)
#define PQexec (pq_api.PQexec)
#define PQexecPrepared (pq_api.PQexecPrepared)
#define PQfinish (pq_api.PQfinish)
#define PQfname (pq_api.PQfname)
#define PQfreemem (pq_api.PQfreemem)
#define PQftype (pq_api.PQftype)
#define PQgetisnull (pq_api.PQgetisnull)
#define PQgetlength (pq_api.PQgetlength)
#define PQgetvalue (pq_api.PQgetvalue)
#define PQnfields (pq_api.PQnfields)
#define PQnparams (pq_api.PQnparams)
#define PQntuples (pq_api.PQntuples)
#define PQprepare (pq_api.PQprepare)
#define PQreset (pq_api.PQreset)
#define PQresultErrorField (pq_api.PQresultErrorField)
#define PQresultErrorMessage (pq_api.PQresultErrorMessage)
#define PQresultStatus (pq_api.PQresultStatus)
#define PQsetClientEncoding (pq_api.PQsetClientEncoding)
#define PQsetNoticeProcessor (pq_api.PQsetNoticeProcessor)
#define PQstatus (pq_api.PQstatus)
#define PQunescapeBytea (pq_api.PQunescapeBytea)

#endif
#endif

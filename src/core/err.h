/*
 * err.h - the one error enum of danchu.
 *
 * Every function that can fail returns int: 0 on success or one of these
 * negative codes. One place (err.c) maps a code to an HTTP status and to
 * the Vietnamese sentence a person sees.
 */
#ifndef DANCHU_CORE_ERR_H
#define DANCHU_CORE_ERR_H

enum err {
    ERR_OK = 0,
    ERR_NOMEM = -1,        /* allocation failed (normally we abort instead) */
    ERR_INVALID = -2,      /* bad input from a person or a file */
    ERR_NOT_FOUND = -3,    /* no such row, page or file */
    ERR_CONFLICT = -4,     /* unique key or state conflict */
    ERR_FORBIDDEN = -5,    /* signed in, but the role does not allow it */
    ERR_UNAUTH = -6,       /* not signed in, or wrong password */
    ERR_TOO_LARGE = -7,    /* body, upload or per-request memory over its cap */
    ERR_DB = -8,           /* the database failed */
    ERR_IO = -9,           /* file system or network failed */
    ERR_CSRF = -10,        /* missing or wrong anti-forgery token */
    ERR_RATE = -11,        /* rate limit hit */
    ERR_UNAVAILABLE = -12, /* shutting down, or a dependency is down */
    ERR_METHOD = -13,      /* HTTP method not allowed on this route */
    ERR_UNSUPPORTED = -14, /* content type or format not supported */
    ERR_INTERNAL = -15,    /* a bug: an invariant failed at run time */
};

/* Short English name for logs, e.g. "invalid". Never NULL. */
const char *err_name(int code);

/* HTTP status for a code: 400, 404, 409, 403, 401, 413, 500, 503, ... */
int err_http_status(int code);

/* The Vietnamese sentence shown to a person for a code. Never NULL. */
const char *err_message_vi(int code);

#endif

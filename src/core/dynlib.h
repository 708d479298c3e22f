/*
 * dynlib.h - a shared library loaded when first needed, not when danchu starts.
 *
 * libpq (PostgreSQL) and libcurl (e-mail, webhooks, SMS) bring about 1 MB of resident memory
 * and 18 shared libraries with their dependencies (OpenSSL's TLS, Kerberos, LDAP...) into every
 * process that links them, while most servers never use one or the other: a commune on SQLite
 * never loads libpq, a server without smtp_url never loads libcurl. store/postgres.c,
 * comms/send.c and app/register.c (the SMS gateway) reach them through a table of function
 * pointers filled here, and call them by their usual names (store/pq.h and comms/curl_api.h
 * turn those names into calls through the table).
 */
#ifndef DANCHU_CORE_DYNLIB_H
#define DANCHU_CORE_DYNLIB_H

#include <pthread.h>
#include <stddef.h>

/* A library and the table its functions are loaded into. */
struct dynlib {
    const char *soname;       /* "libpq.so.5" */
    const char *const *names; /* the functions */
    size_t n;                 /* their count */
    void **slots;             /* n entries, the functions' addresses once loaded */
    pthread_mutex_t mu;       /* one load at a time */
    int loaded;               /* slots are filled (read atomically) */
};
#define DYNLIB_INIT(soname, names, slots)                                                          \
    {                                                                                              \
        (soname), (names), sizeof(names) / sizeof((names)[0]), (slots), PTHREAD_MUTEX_INITIALIZER, \
            0                                                                                      \
    }

/* Opens the library (it is never closed) and fills its slots, once; later calls return at
 * once. 0, or ERR_UNAVAILABLE with the reason in err. Thread-safe. */
int dynlib_load(struct dynlib *l, char *err, size_t err_len);

#endif

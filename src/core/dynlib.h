/*
 * dynlib.h - a shared library loaded when first needed, not when danchu starts.
 *
 * libpq (PostgreSQL) and libcurl (e-mail, webhooks, SMS) bring about 2 MB of resident memory
 * with their dependencies (OpenSSL, Kerberos, LDAP...) into every process that links them,
 * while most servers never use one or the other: a commune on SQLite never loads libpq, a
 * server without smtp_url never loads libcurl. The store and comms modules reach them through
 * a table of function pointers filled here, and call them by their usual names (store/pq.h,
 * comms/curl_api.h define those names to the table's entries).
 */
#ifndef DANCHU_CORE_DYNLIB_H
#define DANCHU_CORE_DYNLIB_H

#include <stddef.h>

/* Opens soname (e.g. "libpq.so.5"; it is never closed) and fills fns[i] with the address of
 * names[i], for i < n. The caller keeps the table and loads it once, under its own lock. 0, or
 * ERR_UNAVAILABLE with the reason in err. */
int dynlib_load(const char *soname, const char *const *names, void **fns, size_t n, char *err,
                size_t err_len);

#endif

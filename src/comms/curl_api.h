/*
 * curl_api.h - libcurl through a table loaded when the first message is sent (core/dynlib.h):
 * a server that never sends e-mail, a webhook or an SMS never maps libcurl and its
 * dependencies. Included after <curl/curl.h>; the curl_* names used there become calls through
 * the table (curl's compile-time option type checks, macros of the same names, are dropped).
 */
#ifndef DANCHU_COMMS_CURL_API_H
#define DANCHU_COMMS_CURL_API_H

#include <stddef.h>

#include <curl/curl.h>

/* Every libcurl function danchu calls. */
#define CURL_FUNCS(X)                                                                              \
    X(curl_easy_cleanup)                                                                           \
    X(curl_easy_getinfo)                                                                           \
    X(curl_easy_init)                                                                              \
    X(curl_easy_perform)                                                                           \
    X(curl_easy_setopt)                                                                            \
    X(curl_easy_strerror)                                                                          \
    X(curl_free)                                                                                   \
    X(curl_global_cleanup)                                                                         \
    X(curl_global_init)                                                                            \
    X(curl_slist_append)                                                                           \
    X(curl_slist_free_all)                                                                         \
    X(curl_url)                                                                                    \
    X(curl_url_cleanup)                                                                            \
    X(curl_url_get)                                                                                \
    X(curl_url_set)

/* The table: each function by name, or all as the slots dynlib_load fills. */
#define X(f) +1
enum { CURL_API_N = 0 CURL_FUNCS(X) };
#undef X
union curl_api {
    struct {
#define X(f) __typeof__(f) *f;
        CURL_FUNCS(X)
#undef X
    } fn;
    void *slot[CURL_API_N];
};
extern union curl_api curl_api;

/* Loads libcurl.so.4 once; 0, or ERR_UNAVAILABLE with the reason in err. */
int curl_api_load(char *err, size_t err_len);

/* The names, as calls through the table (not in the file that fills it). */
#ifndef CURL_API_IMPL
#undef curl_easy_cleanup
#define curl_easy_cleanup (curl_api.fn.curl_easy_cleanup)
#undef curl_easy_getinfo
#define curl_easy_getinfo (curl_api.fn.curl_easy_getinfo)
#undef curl_easy_init
#define curl_easy_init (curl_api.fn.curl_easy_init)
#undef curl_easy_perform
#define curl_easy_perform (curl_api.fn.curl_easy_perform)
#undef curl_easy_setopt
#define curl_easy_setopt (curl_api.fn.curl_easy_setopt)
#undef curl_easy_strerror
#define curl_easy_strerror (curl_api.fn.curl_easy_strerror)
#undef curl_free
#define curl_free (curl_api.fn.curl_free)
#undef curl_global_cleanup
#define curl_global_cleanup (curl_api.fn.curl_global_cleanup)
#undef curl_global_init
#define curl_global_init (curl_api.fn.curl_global_init)
#undef curl_slist_append
#define curl_slist_append (curl_api.fn.curl_slist_append)
#undef curl_slist_free_all
#define curl_slist_free_all (curl_api.fn.curl_slist_free_all)
#undef curl_url
#define curl_url (curl_api.fn.curl_url)
#undef curl_url_cleanup
#define curl_url_cleanup (curl_api.fn.curl_url_cleanup)
#undef curl_url_get
#define curl_url_get (curl_api.fn.curl_url_get)
#undef curl_url_set
#define curl_url_set (curl_api.fn.curl_url_set)

#endif
#endif

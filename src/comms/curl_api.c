/*
 * curl_api.c - loading libcurl when first needed (curl_api.h).
 */
#define CURL_API_IMPL /* the table's own names, not calls through it */
#include <pthread.h>
#include <string.h>

#include "comms/curl_api.h"
#include "core/core.h"
#include "core/dynlib.h"

struct curl_api curl_api;

static const char *const names[] = {
#define X(f) #f,
    CURL_FUNCS(X)
#undef X
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int loaded; /* curl_api is filled */

int curl_api_load(char *err, size_t err_len)
{
    if (__atomic_load_n(&loaded, __ATOMIC_ACQUIRE))
        return 0;
    int rc = 0;
    pthread_mutex_lock(&mu);
    if (!loaded) {
        void *fns[sizeof names / sizeof names[0]];
        rc = dynlib_load("libcurl.so.4", names, fns, sizeof names / sizeof names[0], err, err_len);
        if (rc == 0) {
            /* POSIX lets a dlsym result become a function pointer: copy it bit for bit. */
            size_t i = 0;
#define X(f) memcpy(&curl_api.f, &fns[i++], sizeof curl_api.f);
            CURL_FUNCS(X)
#undef X
            __atomic_store_n(&loaded, 1, __ATOMIC_RELEASE);
        }
    }
    pthread_mutex_unlock(&mu);
    return rc;
}

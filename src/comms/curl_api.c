/*
 * curl_api.c - loading libcurl when first needed (curl_api.h).
 */
#define CURL_API_IMPL /* the table's own names, not calls through it */
#include "comms/curl_api.h"
#include "core/core.h"
#include "core/dynlib.h"

union curl_api curl_api;

static const char *const names[] = {
#define X(f) #f,
    CURL_FUNCS(X)
#undef X
};

static struct dynlib lib = DYNLIB_INIT("libcurl.so.4", names, curl_api.slot);

int curl_api_load(char *err, size_t err_len)
{
    return dynlib_load(&lib, err, err_len);
}

/*
 * pq.c - loading libpq when first needed (pq.h).
 */
#define PQ_API_IMPL /* the table's own names, not calls through it */
#include "core/core.h"
#include "core/dynlib.h"
#include "store/pq.h"

union pq_api pq_api;

static const char *const names[] = {
#define X(f) #f,
    PQ_FUNCS(X)
#undef X
};

static struct dynlib lib = DYNLIB_INIT("libpq.so.5", names, pq_api.slot);

int pq_load(char *err, size_t err_len)
{
    return dynlib_load(&lib, err, err_len);
}

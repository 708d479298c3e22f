/*
 * jsonmem.c - where jansson's memory comes from (see view.h).
 *
 * A page's view-model is hundreds of small objects and strings that all die
 * together when the answer is sent, yet malloc and free of each one cost a
 * third of a list page's time. So while a thread serves a request it points
 * jansson at the request's arena: allocation is a pointer bump and free is a
 * no-op. Everywhere else (start-up, the writer thread, the CLI) jansson uses
 * the heap as before. Each block carries a 16-byte header that says which of
 * the two it came from, so one free function serves both, and a heap value
 * may hold arena values and the other way round.
 *
 * The rule that keeps this safe: a JSON value made while a request arena is
 * current must not outlive the request. Values shared across requests (the
 * asset table) are made at start-up, on the heap.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "view/view.h"

#define HDR 16 /* keeps the 16-byte alignment of malloc and of the arena */

enum { FROM_HEAP = 0x48, FROM_ARENA = 0x41 };

static _Thread_local struct arena *current;

static void *jm_malloc(size_t n)
{
    unsigned char *p;
    if (n > SIZE_MAX - HDR)
        return NULL;
    if (current) {
        p = arena_alloc(current, n + HDR);
        p[0] = FROM_ARENA;
    } else {
        p = malloc(n + HDR);
        if (!p)
            return NULL;
        p[0] = FROM_HEAP;
    }
    return p + HDR;
}

static void jm_free(void *ptr)
{
    if (!ptr)
        return;
    unsigned char *p = (unsigned char *)ptr - HDR;
    if (p[0] == FROM_HEAP)
        free(p);
}

void view_json_mem_init(void)
{
    json_set_alloc_funcs(jm_malloc, jm_free);
}

struct arena *view_json_arena(struct arena *a)
{
    struct arena *old = current;
    current = a;
    return old;
}

static int dump_to_buf(const char *s, size_t n, void *ctx)
{
    buf_append(ctx, s, n);
    return 0;
}

int view_json_dump(const json_t *j, size_t flags, struct buf *out)
{
    return json_dump_callback(j, dump_to_buf, out, flags) == 0 ? 0 : -1;
}

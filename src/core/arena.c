/*
 * arena.c - region allocator and growable buffer (see arena.h).
 */
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK 8192
#define ARENA_ALIGN 16

struct arena_block {
    struct arena_block *next; /* older block */
    size_t size;              /* usable bytes in data */
    size_t off;               /* next free offset in data */
    _Alignas(ARENA_ALIGN) unsigned char data[];
};

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fputs("danchu: out of memory\n", stderr);
        abort();
    }
    return p;
}

static struct arena_block *block_new(size_t size)
{
    struct arena_block *b = xmalloc(sizeof *b + size);
    b->next = NULL;
    b->size = size;
    b->off = 0;
    return b;
}

struct arena *arena_new(size_t cap)
{
    return arena_new_sized(cap, ARENA_BLOCK);
}

struct arena *arena_new_sized(size_t cap, size_t block_size)
{
    struct arena *a = xmalloc(sizeof *a);
    if (block_size < 1024)
        block_size = 1024;
    a->block = block_size;
    a->head = block_new(block_size - sizeof(struct arena_block));
    a->used = 0;
    a->cap = cap;
    a->over_cap = 0;
    return a;
}

void arena_free(struct arena *a)
{
    if (!a)
        return;
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

void arena_reset(struct arena *a)
{
    /* Keep one block of the standard size for reuse and free the rest. Not simply the oldest
     * block: a large object's own block is linked behind the head, so the oldest block may be
     * a large one (and the standard block holding the caller's first objects is freed). */
    size_t standard = a->block - sizeof(struct arena_block);
    struct arena_block *keep = NULL, *b = a->head;
    while (b) {
        struct arena_block *next = b->next;
        if (!keep && b->size == standard)
            keep = b;
        else
            free(b);
        b = next;
    }
    if (!keep)
        keep = block_new(standard);
    keep->next = NULL;
    keep->off = 0;
    a->head = keep;
    a->used = 0;
    a->over_cap = 0;
}

int arena_over_cap(const struct arena *a)
{
    return a->over_cap;
}

void *arena_alloc(struct arena *a, size_t n)
{
    if (n == 0)
        n = 1;
    size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (need < n) {
        fputs("danchu: allocation size overflow\n", stderr);
        abort();
    }
    struct arena_block *b = a->head;
    if (b->size - b->off < need) {
        size_t size = a->block - sizeof(struct arena_block);
        if (need > size / 2) {
            /* A large object gets its own block behind the head, so the
             * head's free space stays usable for small ones. */
            struct arena_block *big = block_new(need);
            big->off = need;
            big->next = b->next;
            b->next = big;
            a->used += need;
            if (a->cap && a->used > a->cap)
                a->over_cap = 1;
            return big->data;
        }
        b = block_new(size);
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->off;
    b->off += need;
    a->used += need;
    if (a->cap && a->used > a->cap)
        a->over_cap = 1;
    return p;
}

void *arena_zalloc(struct arena *a, size_t n)
{
    void *p = arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}

void *arena_realloc(struct arena *a, void *p, size_t old_n, size_t new_n)
{
    if (new_n <= old_n)
        return p;
    struct arena_block *b = a->head;
    size_t old_need = (old_n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    size_t new_need = (new_n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    /* Grow in place when p is the last allocation of the head block. */
    if (p && (unsigned char *)p + old_need == b->data + b->off &&
        b->size - b->off >= new_need - old_need) {
        b->off += new_need - old_need;
        a->used += new_need - old_need;
        if (a->cap && a->used > a->cap)
            a->over_cap = 1;
        return p;
    }
    void *q = arena_alloc(a, new_n);
    if (p && old_n)
        memcpy(q, p, old_n);
    return q;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    char *p = arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

void buf_init(struct buf *b, struct arena *a)
{
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
    b->a = a;
}

void buf_free(struct buf *b)
{
    if (!b->a)
        free(b->ptr);
    b->ptr = NULL;
    b->len = b->cap = 0;
}

void buf_reserve(struct buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    if (b->a) {
        b->ptr = arena_realloc(b->a, b->ptr, b->cap, cap);
    } else {
        char *p = realloc(b->ptr, cap);
        if (!p) {
            fputs("danchu: out of memory\n", stderr);
            abort();
        }
        b->ptr = p;
    }
    b->cap = cap;
}

void buf_append_slow(struct buf *b, const void *p, size_t n)
{
    buf_reserve(b, n);
    if (n)
        memcpy(b->ptr + b->len, p, n);
    b->len += n;
    b->ptr[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
    buf_append(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
    buf_reserve(b, 1);
    b->ptr[b->len++] = c;
    b->ptr[b->len] = '\0';
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n > 0) {
        buf_reserve(b, (size_t)n);
        vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
        b->len += (size_t)n;
    }
    va_end(ap);
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->ptr)
        b->ptr[0] = '\0';
}

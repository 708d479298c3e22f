/*
 * arena.h - region allocator and growable byte buffer.
 *
 * A request, a command or an import owns one arena; everything allocated
 * from it is freed at once by arena_free(). Allocation never returns NULL:
 * out of memory aborts (as Redis and h2o do). A soft cap lets the HTTP layer
 * refuse a request that grows past its memory budget: the allocation still
 * succeeds, arena_over_cap() turns true, and the dispatcher answers 503.
 */
#ifndef DANCHU_CORE_ARENA_H
#define DANCHU_CORE_ARENA_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct arena_block;

struct arena {
    struct arena_block *head; /* newest block; older ones chained behind */
    size_t used;              /* bytes handed out in all blocks */
    size_t cap;               /* soft cap in bytes, 0 for none */
    int over_cap;             /* set once used passed cap */
    size_t block;             /* size of each new block */
};

/* Returns a new arena owned by the caller; free with arena_free(). */
struct arena *arena_new(size_t cap);
/* The same with blocks of block_size bytes (requests use 64 KiB: one malloc for most pages). */
struct arena *arena_new_sized(size_t cap, size_t block_size);
void arena_free(struct arena *a);
/* Drops all allocations but keeps the first block for reuse. */
void arena_reset(struct arena *a);
int arena_over_cap(const struct arena *a);

/* 16-byte aligned, uninitialised / zeroed memory that lives as long as a. */
void *arena_alloc(struct arena *a, size_t n);
void *arena_zalloc(struct arena *a, size_t n);
/* Grows p (last allocated with old_n bytes) to new_n bytes; may move it. */
void *arena_realloc(struct arena *a, void *p, size_t old_n, size_t new_n);
char *arena_strdup(struct arena *a, const char *s);
/* Copies n bytes and adds a NUL. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

/*
 * A growable byte buffer. With an arena it allocates there; with a NULL
 * arena it uses the heap and buf_free() must be called. ptr is always
 * NUL-terminated after any append (the NUL is not counted in len).
 */
struct buf {
    char *ptr;       /* bytes, NUL-terminated */
    size_t len;      /* bytes used, without the NUL */
    size_t cap;      /* bytes allocated */
    struct arena *a; /* owner of ptr, or NULL for the heap */
};

void buf_init(struct buf *b, struct arena *a);
void buf_free(struct buf *b);
void buf_reserve(struct buf *b, size_t extra);
void buf_append_slow(struct buf *b, const void *p, size_t n);
/* Appends n bytes (inline when they fit: rendering appends thousands of short pieces). */
static inline void buf_append(struct buf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        buf_append_slow(b, p, n);
        return;
    }
    if (n)
        memcpy(b->ptr + b->len, p, n);
    b->len += n;
    b->ptr[b->len] = '\0';
}
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);

#endif

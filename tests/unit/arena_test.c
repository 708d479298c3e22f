/*
 * arena_test.c - the region allocator, growable buffer and checked number
 * parsing (src/core/arena.c, src/core/str.c).
 *
 * What a user notices: a request that grows past its memory budget gets a
 * 503 instead of taking the server down (the cap flag); numbers typed into a
 * form are taken whole or refused, never wrapped or truncated.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"

static void arena_alloc_is_16_byte_aligned(void **state)
{
    struct arena *a = arena_new(0);
    static const size_t sizes[] = {0, 1, 3, 7, 15, 16, 17, 31, 100, 4000, 5000, 20000, 1};
    for (int round = 0; round < 50; round++)
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            unsigned char *p = arena_alloc(a, sizes[i]);
            assert_int_equal((uintptr_t)p % 16, 0);
            memset(p, 0xAB, sizes[i]); /* ASan: the whole size is usable */
        }
    arena_free(a);
}

static void arena_allocations_do_not_overlap_across_blocks(void **state)
{
    struct arena *a = arena_new(0);
    enum { N = 5000 };
    static unsigned char *ptrs[N];
    /* 5000 x 24 bytes is far more than one 8 KiB block. */
    for (int i = 0; i < N; i++) {
        ptrs[i] = arena_alloc(a, 24);
        memset(ptrs[i], i & 0xFF, 24);
    }
    for (int i = 0; i < N; i++)
        for (int k = 0; k < 24; k++)
            assert_int_equal(ptrs[i][k], i & 0xFF);
    assert_true(a->used >= (size_t)N * 24);
    arena_free(a);
}

static void arena_big_block_keeps_head_usable(void **state)
{
    struct arena *a = arena_new(0);
    char *small1 = arena_alloc(a, 32);
    void *head_before = a->head;
    /* A 1 MiB object gets its own block... */
    char *big = arena_alloc(a, 1 << 20);
    memset(big, 1, 1 << 20);
    assert_ptr_equal(a->head, head_before);
    /* ...and the next small one still comes from the head, right after small1. */
    char *small2 = arena_alloc(a, 32);
    assert_ptr_equal(small2, small1 + 32);
    assert_true(a->used >= (1 << 20) + 64);
    arena_free(a);
}

static void arena_zalloc_strdup_printf(void **state)
{
    struct arena *a = arena_new(0);
    unsigned char *z = arena_zalloc(a, 100);
    for (int i = 0; i < 100; i++)
        assert_int_equal(z[i], 0);
    assert_string_equal(arena_strdup(a, "x\xC3\xA3"), "x\xC3\xA3");
    char *s = arena_strndup(a, "abcdef", 3);
    assert_string_equal(s, "abc");
    assert_string_equal(arena_strndup(a, NULL, 0), "");
    assert_string_equal(arena_printf(a, "%s-%d", "th\xC3\xB4n", 7), "th\xC3\xB4n-7");
    /* Longer than a block. */
    char *long_s = arena_printf(a, "%10000d", 5);
    assert_int_equal(strlen(long_s), 10000);
    assert_int_equal(long_s[9999], '5');
    arena_free(a);
}

static void arena_realloc_grows_in_place_or_copies(void **state)
{
    struct arena *a = arena_new(0);
    char *p = arena_alloc(a, 16);
    memcpy(p, "0123456789abcdef", 16);
    /* Last allocation of the head: grows in place. */
    char *q = arena_realloc(a, p, 16, 64);
    assert_ptr_equal(p, q);
    /* Not the last any more: moves, and keeps the bytes. */
    (void)arena_alloc(a, 8);
    char *r = arena_realloc(a, q, 64, 128);
    assert_ptr_not_equal(r, q);
    assert_memory_equal(r, "0123456789abcdef", 16);
    /* Shrinking is a no-op. */
    assert_ptr_equal(arena_realloc(a, r, 128, 10), r);
    arena_free(a);
}

static void arena_cap_flag_and_reset(void **state)
{
    struct arena *a = arena_new(1000);
    (void)arena_alloc(a, 900);
    assert_false(arena_over_cap(a));
    /* The allocation past the cap still succeeds; the flag turns on. */
    char *p = arena_alloc(a, 200);
    memset(p, 0, 200);
    assert_true(arena_over_cap(a));
    arena_reset(a);
    assert_false(arena_over_cap(a));
    assert_int_equal(a->used, 0);
    /* Reset keeps a usable block. */
    p = arena_alloc(a, 100);
    memset(p, 0, 100);
    assert_false(arena_over_cap(a));
    /* A big block counts against the cap too. */
    (void)arena_alloc(a, 5000);
    assert_true(arena_over_cap(a));
    arena_free(a);
    /* Cap 0 means none. */
    a = arena_new(0);
    (void)arena_alloc(a, 1 << 20);
    assert_false(arena_over_cap(a));
    arena_free(a);
    arena_free(NULL);
}

static void arena_reset_after_many_blocks(void **state)
{
    struct arena *a = arena_new(0);
    for (int i = 0; i < 100; i++)
        (void)arena_alloc(a, 3000);
    (void)arena_alloc(a, 100000);
    arena_reset(a);
    assert_int_equal(a->used, 0);
    char *p = arena_alloc(a, 10);
    memcpy(p, "ok", 3);
    assert_string_equal(p, "ok");
    arena_free(a);
}

static void buf_in_arena_and_on_heap(void **state)
{
    struct arena *a = arena_new(0);
    struct buf b;
    for (int pass = 0; pass < 2; pass++) {
        buf_init(&b, pass == 0 ? a : NULL);
        buf_puts(&b, "");
        assert_non_null(b.ptr);
        assert_string_equal(b.ptr, "");
        for (int i = 0; i < 1000; i++)
            buf_putc(&b, (char)('a' + i % 26));
        assert_int_equal(b.len, 1000);
        assert_int_equal(b.ptr[1000], '\0');
        assert_int_equal(b.ptr[999], 'a' + 999 % 26);
        buf_append(&b, "xyz", 3);
        assert_string_equal(b.ptr + 1000, "xyz");
        assert_true(b.cap > b.len);
        buf_reset(&b);
        assert_int_equal(b.len, 0);
        assert_string_equal(b.ptr, "");
        buf_append(&b, NULL, 0);
        assert_string_equal(b.ptr, "");
        buf_free(&b);
        assert_null(b.ptr);
    }
    arena_free(a);
}

static void buf_printf_appends_and_grows(void **state)
{
    struct buf b;
    buf_init(&b, NULL);
    buf_printf(&b, "%s", "");
    assert_int_equal(b.len, 0);
    buf_printf(&b, "%d/%02d/%04d", 2, 9, 2025);
    assert_string_equal(b.ptr, "2/09/2025");
    buf_printf(&b, " %s",
               "Qu\xE1\xBB\x91"
               "c kh\xC3\xA1nh");
    assert_string_equal(b.ptr, "2/09/2025 Qu\xE1\xBB\x91"
                               "c kh\xC3\xA1nh");
    size_t before = b.len;
    /* Past the initial 64 bytes, several doublings at once. */
    buf_printf(&b, "%-500s|", "x");
    assert_int_equal(b.len, before + 501);
    assert_int_equal(b.ptr[b.len - 1], '|');
    assert_int_equal(b.ptr[b.len], '\0');
    assert_int_equal(strlen(b.ptr), b.len);
    buf_free(&b);

    struct arena *a = arena_new(0);
    buf_init(&b, a);
    for (int i = 0; i < 2000; i++)
        buf_printf(&b, "%d,", i);
    assert_int_equal(strlen(b.ptr), b.len);
    assert_non_null(strstr(b.ptr, ",1999,"));
    assert_memory_equal(b.ptr, "0,1,2,", 6);
    arena_free(a);
}

static void parse_int64_edges(void **state)
{
    int64_t v = 42;
    struct str s;
    assert_int_equal(parse_int64(str_c("9223372036854775807"), INT64_MIN, INT64_MAX, &v), 0);
    assert_true(v == INT64_MAX);
    assert_int_equal(parse_int64(str_c("-9223372036854775808"), INT64_MIN, INT64_MAX, &v), 0);
    assert_true(v == INT64_MIN);
    v = 42;
    assert_int_equal(parse_int64(str_c("9223372036854775808"), INT64_MIN, INT64_MAX, &v),
                     ERR_INVALID);
    assert_int_equal(parse_int64(str_c("-9223372036854775809"), INT64_MIN, INT64_MAX, &v),
                     ERR_INVALID);
    assert_int_equal(parse_int64(str_c("18446744073709551615"), INT64_MIN, INT64_MAX, &v),
                     ERR_INVALID);
    assert_int_equal(parse_int64(str_c("18446744073709551616"), INT64_MIN, INT64_MAX, &v),
                     ERR_INVALID);
    assert_int_equal(parse_int64(str_c("99999999999999999999999"), INT64_MIN, INT64_MAX, &v),
                     ERR_INVALID);
    /* A failed parse leaves the output alone. */
    assert_true(v == 42);
    assert_int_equal(parse_int64(str_c("0"), 0, 0, &v), 0);
    assert_true(v == 0);
    assert_int_equal(parse_int64(str_c("-0"), 0, 0, &v), 0);
    assert_int_equal(parse_int64(str_c("+17"), 0, 100, &v), 0);
    assert_true(v == 17);
    assert_int_equal(parse_int64(str_c("007"), 0, 100, &v), 0);
    assert_true(v == 7);
    static const char *const bad[] = {"", "-", "+", " 1", "1 ", "1a", "0x10", "1.5", "--1", "1e3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(parse_int64(str_c(bad[i]), INT64_MIN, INT64_MAX, &v), ERR_INVALID);
    /* Range bounds are inclusive. */
    assert_int_equal(parse_int64(str_c("100"), 1, 100, &v), 0);
    assert_int_equal(parse_int64(str_c("101"), 1, 100, &v), ERR_INVALID);
    assert_int_equal(parse_int64(str_c("0"), 1, 100, &v), ERR_INVALID);
    /* Only len bytes count: "12" out of "123". */
    s.ptr = "123";
    s.len = 2;
    assert_int_equal(parse_int64(s, 0, 1000, &v), 0);
    assert_true(v == 12);
}

static void parse_int_edges(void **state)
{
    int v = 5;
    assert_int_equal(parse_int("2147483647", INT32_MIN, INT32_MAX, &v), 0);
    assert_int_equal(v, INT32_MAX);
    assert_int_equal(parse_int("-2147483648", INT32_MIN, INT32_MAX, &v), 0);
    assert_int_equal(v, INT32_MIN);
    assert_int_equal(parse_int("2147483648", INT32_MIN, INT32_MAX, &v), ERR_INVALID);
    assert_int_equal(parse_int("30", 1, 31, &v), 0);
    assert_int_equal(v, 30);
    assert_int_equal(parse_int("32", 1, 31, &v), ERR_INVALID);
    assert_int_equal(v, 30);
}

static void str_helpers(void **state)
{
    struct arena *a = arena_new(0);
    assert_true(str_eq_c(str_trim(str_c(" \t x y \r\n")), "x y"));
    assert_int_equal(str_trim(str_c("   ")).len, 0);
    assert_true(str_case_eq_c(str_c("Content-Type"), "content-type"));
    assert_false(str_case_eq_c(str_c("Content-Type"), "content-typ"));
    assert_true(str_starts_with(str_c("/static/app.css"), "/static/"));
    assert_false(str_starts_with(str_c("/st"), "/static/"));
    assert_true(str_eq(STR_LIT(""), str_c(NULL)));
    assert_string_equal(str_dup(a, STR_LIT("ab")), "ab");
    char hex[9];
    static const unsigned char bytes[] = {0x00, 0x0f, 0xa0, 0xff};
    hex_encode(bytes, 4, hex);
    assert_string_equal(hex, "000fa0ff");
    arena_free(a);
}

/* ETags and cache keys: one changed byte anywhere, or one more byte, changes the hash; the
 * same bytes always give the same hash. */
static void hash64_sees_every_byte(void **state)
{
    (void)state;
    static unsigned char page[13001];
    for (size_t i = 0; i < sizeof page; i++)
        page[i] = (unsigned char)(i * 31 + 7);
    uint64_t h = hash64(page, sizeof page, 0);
    assert_true(h == hash64(page, sizeof page, 0));
    assert_true(h != hash64(page, sizeof page - 1, 0));
    assert_true(h != hash64(page, sizeof page, 1));
    for (size_t i = 0; i < sizeof page; i += 97) {
        page[i] ^= 1;
        assert_true(h != hash64(page, sizeof page, 0));
        page[i] ^= 1;
    }
    for (size_t n = 0; n < 70; n++) /* every tail length and block edge */
        assert_true(hash64(page, n, 0) != hash64(page, n + 1, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hash64_sees_every_byte),
        cmocka_unit_test(arena_alloc_is_16_byte_aligned),
        cmocka_unit_test(arena_allocations_do_not_overlap_across_blocks),
        cmocka_unit_test(arena_big_block_keeps_head_usable),
        cmocka_unit_test(arena_zalloc_strdup_printf),
        cmocka_unit_test(arena_realloc_grows_in_place_or_copies),
        cmocka_unit_test(arena_cap_flag_and_reset),
        cmocka_unit_test(arena_reset_after_many_blocks),
        cmocka_unit_test(buf_in_arena_and_on_heap),
        cmocka_unit_test(buf_printf_appends_and_grows),
        cmocka_unit_test(parse_int64_edges),
        cmocka_unit_test(parse_int_edges),
        cmocka_unit_test(str_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

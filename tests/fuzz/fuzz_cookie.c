/*
 * fuzz_cookie.c - libFuzzer target for http_parse_cookies: the input is a
 * Cookie header value. Bad pairs are skipped, so any input up to
 * HTTP_MAX_PAIRS pairs must parse; every kept name is a non-empty token and
 * every value printable ASCII.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "http/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_ascii(struct str s)
{
    if (s.ptr[s.len] != '\0')
        abort();
    for (size_t i = 0; i < s.len; i++)
        if ((unsigned char)s.ptr[i] <= 0x20 || (unsigned char)s.ptr[i] >= 0x7f)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        data = (const uint8_t *)"";
    struct arena *a = arena_new(0);
    struct http_params p;
    int rc = http_parse_cookies(a, (const char *)data, size, &p);
    if (rc == 0) {
        for (size_t i = 0; i < p.n_items; i++) {
            if (p.items[i].name.len == 0)
                abort();
            check_ascii(p.items[i].name);
            check_ascii(p.items[i].value);
        }
    } else if (rc != ERR_TOO_LARGE || p.items || p.n_items) {
        abort();
    }
    arena_free(a);
    return 0;
}

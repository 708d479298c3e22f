/*
 * fuzz_urlencoded.c - libFuzzer target for http_parse_urlencoded: the input is an
 * application/x-www-form-urlencoded body. On success every name and value must be
 * NUL-terminated UTF-8 text without NUL bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/utf8.h"
#include "http/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(struct str s)
{
    if (s.ptr[s.len] != '\0' || memchr(s.ptr, '\0', s.len) || !utf8_valid(s.ptr, s.len))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        data = (const uint8_t *)"";
    struct arena *a = arena_new(0);
    struct http_params p;
    if (http_parse_urlencoded(a, (const char *)data, size, &p) == 0) {
        for (size_t i = 0; i < p.n_items; i++) {
            check_text(p.items[i].name);
            check_text(p.items[i].value);
        }
        if (p.n_items && http_params_get(&p, p.items[0].name.ptr) != &p.items[0])
            abort();
    } else if (p.items || p.n_items) {
        abort();
    }
    arena_free(a);
    return 0;
}

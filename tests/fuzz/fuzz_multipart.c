/*
 * fuzz_multipart.c - libFuzzer target for http_parse_multipart. The first
 * line of the input is the boundary (it becomes the Content-Type's boundary
 * parameter as is, so quoting and bad boundaries are fuzzed too); the rest
 * is the body. Small limits let the fuzzer reach every cap. On success names,
 * file names and text values must be NUL-terminated UTF-8, and no value may
 * exceed its cap.
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
    static const struct http_limits lim = {
        .max_fields = 32, .max_field_bytes = 512, .max_file_bytes = 8192, .max_total = 16384};
    const char *in = (const char *)data;
    const char *nl = memchr(in, '\n', size);
    size_t blen = nl ? (size_t)(nl - in) : size;
    size_t skip = nl ? blen + 1 : size;
    if (blen && in[blen - 1] == '\r')
        blen--;

    struct arena *a = arena_new(0);
    char *ct = arena_printf(a, "multipart/form-data; boundary=%.*s", (int)blen, in);
    struct http_params p;
    if (http_parse_multipart(a, ct, in + skip, size - skip, &lim, &p) == 0) {
        size_t total = 0;
        if (p.n_items > lim.max_fields)
            abort();
        for (size_t i = 0; i < p.n_items; i++) {
            const struct http_param *it = &p.items[i];
            check_text(it->name);
            check_text(it->filename);
            if (it->value.ptr[it->value.len] != '\0')
                abort();
            if (!it->is_file && (it->filename.len || it->value.len > lim.max_field_bytes))
                abort();
            if (it->is_file && it->value.len > lim.max_file_bytes)
                abort();
            if (!it->is_file)
                check_text(it->value);
            total += it->value.len;
        }
        if (total > lim.max_total)
            abort();
    } else if (p.items || p.n_items) {
        abort();
    }
    arena_free(a);
    return 0;
}

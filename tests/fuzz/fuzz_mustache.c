/*
 * fuzz_mustache.c - libFuzzer target for src/view: compiles arbitrary bytes
 * as a Mustache template and renders it against a fixed small document, in
 * normal and in strict mode. Partials: "self" is the input itself (so
 * recursion and inheritance through it are exercised), "p" a fixed parent
 * with blocks; any other name is missing.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "view/view.h"

static const char doc_json[] =
    "{\"name\": \"Thôn <Đông> & \\\"Tây\\\"\", \"n\": 3, \"r\": 1.21, \"t\": true, \"f\": false,"
    " \"z\": 0, \"e\": \"\", \"nil\": null, \"empty\": [],"
    " \"a\": {\"b\": {\"c\": \"deep\"}, \"list\": [1, 2]},"
    " \"list\": [{\"x\": \"one\"}, {\"x\": 2, \"y\": [true]}, \"three\"]}";

static const char parent_text[] = "<{{$b}}default {{name}}{{/b}}>\n  {{$c}}\n  c\n  {{/c}}\n";

/* The templates a render may load. */
struct fuzz_partials {
    const struct mustache *self;   /* the input */
    const struct mustache *parent; /* parent_text */
};

static int fuzz_load(void *ctx, const char *name, size_t len, const struct mustache **out)
{
    const struct fuzz_partials *fp = ctx;
    *out = NULL;
    if (len == 4 && memcmp(name, "self", 4) == 0)
        *out = fp->self;
    else if (len == 1 && name[0] == 'p')
        *out = fp->parent;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static json_t *doc;
    static struct mustache *parent;
    if (!doc) {
        doc = json_loads(doc_json, 0, NULL);
        if (mustache_compile("p", parent_text, sizeof(parent_text) - 1, &parent, NULL, 0))
            __builtin_trap();
    }
    if (size > 4096)
        return 0;
    struct mustache *t;
    char err[256];
    if (mustache_compile("fuzz", (const char *)data, size, &t, err, sizeof(err)) != 0) {
        if (err[0] == '\0')
            __builtin_trap(); /* every failure explains itself */
        return 0;
    }
    struct fuzz_partials fp = {t, parent};
    struct mustache_loader loader = {fuzz_load, &fp};
    for (int flags = 0; flags <= MUSTACHE_STRICT; flags += MUSTACHE_STRICT) {
        struct buf out;
        buf_init(&out, NULL);
        int rc = mustache_render(t, doc, &loader, flags, &out, err, sizeof(err));
        if (out.ptr == NULL || strlen(out.ptr) > out.len)
            __builtin_trap();
        if (rc != 0 && err[0] == '\0')
            __builtin_trap();
        buf_free(&out);
    }
    mustache_free(t);
    return 0;
}

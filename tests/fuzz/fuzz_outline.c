/*
 * fuzz_outline.c - libFuzzer target for outline_parse() (src/export/outline.c) on any bytes.
 *
 * Besides no crash, leak or out-of-bounds read: valid UTF-8 without NUL bytes always parses
 * and anything else is refused with ERR_INVALID; every string of the result is valid UTF-8;
 * the tree is consistent (parents, child counts, node count, table sizes); each node's key is
 * unique among its siblings, so outline_find(outline_path(n)) finds n again; labels are never
 * empty; outline_json() gives a "sections" array as long as the root's children.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/err.h"
#include "core/utf8.h"
#include "export/outline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s)
{
    assert(s != NULL);
    assert(utf8_valid(s, strlen(s)));
}

/* Checks n's subtree; returns its number of nodes. */
static size_t check_node(struct arena *a, const struct outline *o, const struct outline_node *n)
{
    size_t count = 0, kids = 0;
    for (const struct outline_node *c = n->first; c; c = c->next) {
        assert(c->parent == n);
        assert(outline_kind_name(c->kind)[0] != '\0');
        assert(outline_kind_from_name(outline_kind_name(c->kind)) == (int)c->kind);
        check_text(c->number);
        check_text(c->title);
        check_text(c->body);
        assert(c->key && c->key[0]);
        for (const struct outline_node *d = n->first; d != c; d = d->next)
            assert(strcmp(d->key, c->key) != 0);
        if (c->kind == OUTLINE_TABLE) {
            assert(c->n_cols > 0 && c->n_rows > 0 && c->header_rows <= c->n_rows);
            for (size_t r = 0; r < c->n_rows; r++)
                for (size_t k = 0; k < c->n_cols; k++)
                    check_text(c->rows[r][k]);
        } else {
            assert(c->rows == NULL && c->n_rows == 0);
        }
        assert(outline_find(o, outline_path(a, c)) == c);
        assert(outline_label(a, c)[0] != '\0');
        if (!c->next)
            assert(n->last == c);
        kids++;
        count += 1 + check_node(a, o, c);
    }
    assert(kids == n->n_children);
    return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = arena_new(0);
    struct outline *o = NULL;
    char err[200];
    const char *text = size ? (const char *)data : "";
    int rc = outline_parse(a, text, size, &o, err, sizeof(err));
    int ok = utf8_valid(text, size) && memchr(text, '\0', size) == NULL;
    if (rc != 0) {
        assert(!ok && rc == ERR_INVALID && o == NULL && err[0] != '\0');
        arena_free(a);
        return 0;
    }
    assert(ok && o != NULL);
    check_text(o->doc_type);
    check_text(o->summary);
    check_text(o->number);
    check_text(o->issuer);
    check_text(o->authority);
    check_text(o->place_date);
    assert(check_node(a, o, &o->root) == o->n_nodes);
    json_t *j = outline_json(o);
    assert(j != NULL);
    assert(json_array_size(json_object_get(j, "sections")) == o->root.n_children);
    char *dump = json_dumps(j, 0);
    assert(dump != NULL);
    free(dump);
    json_decref(j);
    arena_free(a);
    return 0;
}

/*
 * rows.c - tables of result cells in an arena (see rows.h).
 */
#include "core/rows.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

struct rows *rows_new(struct arena *a, size_t max_cols)
{
    struct rows *t = arena_zalloc(a, sizeof *t);
    t->a = a;
    t->max_cols = max_cols ? max_cols : 1;
    t->names = arena_zalloc(a, t->max_cols * sizeof *t->names);
    t->name_lens = arena_zalloc(a, t->max_cols * sizeof *t->name_lens);
    return t;
}

size_t rows_add_col(struct rows *t, const char *name)
{
    assert(t->n_cols < t->max_cols);
    t->names[t->n_cols] = name;
    t->name_lens[t->n_cols] = strlen(name);
    return t->n_cols++;
}

struct rows_cell *rows_add_row(struct rows *t)
{
    if (t->n_rows == t->cap_rows) {
        size_t cap = t->cap_rows ? 2 * t->cap_rows : 16;
        size_t row = t->max_cols * sizeof *t->cells;
        t->cells = arena_realloc(t->a, t->cells, t->cap_rows * row, cap * row);
        t->cap_rows = cap;
    }
    struct rows_cell *c = t->cells + t->n_rows * t->max_cols;
    memset(c, 0, t->max_cols * sizeof *c);
    t->n_rows++;
    return c;
}

struct rows_cell *rows_at(const struct rows *t, size_t row, size_t col)
{
    assert(row < t->n_rows && col < t->max_cols);
    return t->cells + row * t->max_cols + col;
}

int rows_col(const struct rows *t, const char *name, size_t len)
{
    for (size_t i = 0; i < t->n_cols; i++)
        if (t->name_lens[i] == len && memcmp(t->names[i], name, len) == 0)
            return (int)i;
    return -1;
}

void rows_set_text(struct rows_cell *c, const char *s)
{
    c->kind = ROWS_TEXT;
    c->s = s;
    c->len = strlen(s);
}

void rows_set_textn(struct rows *t, struct rows_cell *c, const char *s, size_t len)
{
    c->kind = ROWS_TEXT;
    c->s = arena_strndup(t->a, s, len);
    c->len = len;
}

void rows_set_int(struct rows_cell *c, int64_t v)
{
    c->kind = ROWS_INT;
    c->i = v;
}

void rows_set_bool(struct rows_cell *c, int v)
{
    c->kind = ROWS_BOOL;
    c->i = v != 0;
}

const char *rows_text(const struct rows_cell *c)
{
    return c->kind == ROWS_TEXT ? c->s : NULL;
}

json_t *rows_cell_json(const struct rows_cell *c)
{
    json_t *v = NULL;
    switch (c->kind) {
    case ROWS_INT:
        v = json_integer(c->i);
        break;
    case ROWS_REAL:
        v = json_real(c->d);
        break;
    case ROWS_TEXT:
        v = json_stringn(c->s, c->len);
        break;
    case ROWS_BOOL:
        v = json_boolean(c->i);
        break;
    case ROWS_NULL:
        break;
    }
    return v ? v : json_null();
}

json_t *rows_json(const struct rows *t)
{
    json_t *arr = json_array();
    if (!arr)
        abort();
    for (size_t r = 0; r < t->n_rows; r++) {
        json_t *obj = json_object();
        if (!obj)
            abort();
        const struct rows_cell *row = t->cells + r * t->max_cols;
        for (size_t c = 0; c < t->n_cols; c++)
            /* Column names come from our own SQL and code: ASCII, no need to check them. */
            json_object_set_new_nocheck(obj, t->names[c], rows_cell_json(&row[c]));
        json_array_append_new(arr, obj);
    }
    return arr;
}

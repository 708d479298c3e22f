/*
 * rows.h - a table of results kept as plain cells in an arena: what a list page shows,
 * without a JSON object per row.
 *
 * A page's view-model is a JSON document, but a list of hundreds of rows as JSON objects
 * costs a hash table, a key copy and a value copy per cell (half the time of the household
 * list). So the store can fill a struct rows straight from a statement (db_rows), a module
 * may add computed columns (a label, a flag), the view renders it as a Mustache section, and
 * the JSON variant of the page turns it into an array of objects only when JSON is asked for
 * (view_rows_json). Everything lives in the arena given to rows_new(); nothing is freed alone.
 */
#ifndef DANCHU_CORE_ROWS_H
#define DANCHU_CORE_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/arena.h"

enum rows_kind {
    ROWS_NULL = 0, /* SQL NULL: prints nothing, falsy in a section */
    ROWS_INT,      /* 64-bit integer */
    ROWS_REAL,     /* double */
    ROWS_TEXT,     /* UTF-8 text */
    ROWS_BOOL,     /* true or false (a computed flag) */
};

/* One cell. */
struct rows_cell {
    const char *s;       /* ROWS_TEXT: NUL-terminated text (arena or static) */
    size_t len;          /* ROWS_TEXT: its bytes */
    int64_t i;           /* ROWS_INT: the value; ROWS_BOOL: 0 or 1 */
    double d;            /* ROWS_REAL: the value */
    enum rows_kind kind; /* which of the above */
};

struct rows {
    struct arena *a;         /* owner of everything below */
    const char **names;      /* column names (static or arena strings) */
    size_t *name_lens;       /* their lengths */
    size_t n_cols;           /* columns in use */
    size_t max_cols;         /* columns a row has room for (the stride of cells) */
    struct rows_cell *cells; /* n_rows rows of max_cols cells each */
    size_t n_rows;           /* rows */
    size_t cap_rows;         /* rows allocated */
};

/* A new empty table with room for max_cols columns, in a. */
struct rows *rows_new(struct arena *a, size_t max_cols);
/* Adds a column named name (kept, not copied) and returns its index; every row gets a NULL
 * cell there. The caller sized the table for it (asserted). */
size_t rows_add_col(struct rows *t, const char *name);
/* Appends a row of NULL cells and returns its first cell. */
struct rows_cell *rows_add_row(struct rows *t);
/* The cell of row, col (both in range). */
struct rows_cell *rows_at(const struct rows *t, size_t row, size_t col);
/* Index of the column called name (len bytes), or -1. */
int rows_col(const struct rows *t, const char *name, size_t len);

void rows_set_text(struct rows_cell *c, const char *s); /* s is kept, not copied */
void rows_set_textn(struct rows *t, struct rows_cell *c, const char *s, size_t len); /* copied */
void rows_set_int(struct rows_cell *c, int64_t v);
void rows_set_bool(struct rows_cell *c, int v);

/* The text of a ROWS_TEXT cell, or NULL for any other kind. */
const char *rows_text(const struct rows_cell *c);

/* A new JSON value for a cell: null, integer, real, string (null when the text is not UTF-8,
 * which danchu never stores) or boolean. */
json_t *rows_cell_json(const struct rows_cell *c);
/* A new JSON array with one object per row, keyed by column name. */
json_t *rows_json(const struct rows *t);

#endif

/*
 * mustache_render.c - renders a compiled Mustache template against a jansson
 * document, appending to a struct buf.
 *
 * The context stack is a chain of struct ctx on the C stack, so rendering
 * allocates nothing but output (and, rarely, a combined indentation).
 * Template inheritance keeps a chain of frames, one per parent being
 * rendered; a block takes its content from the outermost frame that passes
 * one of its name (top-level substitutions win), else its default.
 *
 * Indentation follows the spec's model of "prepend the whitespace to every
 * line of the partial before rendering": nodes that begin a line of their
 * template (bol) get the current indentation first, and text gets it after
 * each of its line endings. Interpolated values are never re-indented.
 * Empty lines stay empty.
 *
 * Bounds keep a hostile or broken template from running away: expansion
 * depth, nodes visited and bytes appended per render.
 */
#include "view/mustache_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

enum {
    MAX_DEPTH = 200,               /* sections, partials, parents and blocks entered at once */
    MAX_STEPS = 1 << 22,           /* nodes, node lists and context levels visited in one render */
    MAX_OUTPUT = (size_t)64 << 20, /* bytes one render may append */
};

/* What a name resolves to: a JSON value, a table (core/rows.h), one row of it, or one cell;
 * all empty when the name resolves to nothing. */
struct val {
    json_t *j;                    /* a JSON value */
    const struct rows *t;         /* a table, or the table of the row */
    size_t row;                   /* the row, when is_row */
    int is_row;                   /* t and row name one row */
    const struct rows_cell *cell; /* a cell */
};

/* One level of the context stack. */
struct ctx {
    struct val v;         /* the value pushed (all empty for none) */
    const struct ctx *up; /* the level below, NULL at the root */
};

/* A parent being rendered: the blocks it passes. */
struct frame {
    const struct node *parent;    /* the {{<name}} node; its kids are the blocks */
    const struct mustache *owner; /* the template that holds it, for errors */
    const char *indent;           /* indentation in effect where it was written */
    size_t indent_len;            /* bytes in indent */
    const struct frame *up;       /* the enclosing parent, NULL for none */
};

/* State of one render. */
struct render {
    struct buf *out;                      /* where output goes */
    size_t out_start;                     /* out->len when the render began */
    const struct mustache_loader *loader; /* partials and parents, or NULL */
    int flags;                            /* MUSTACHE_STRICT */
    const struct mustache *tpl;           /* template of the nodes being rendered */
    const struct frame *args;             /* innermost parent, or NULL */
    const struct view_rows *tables;       /* tables standing at top-level keys */
    size_t n_tables;                      /* their count */
    struct col_memo {
        const char *name;     /* a name part of the template (its address is its identity) */
        const struct rows *t; /* the table it was looked up in */
        int col;              /* the column it found, or -1 */
    } cols[32];               /* rows_col() answers, hashed by name address */
    unsigned depth;           /* expansions entered */
    size_t steps;             /* nodes visited */
    char *err;                /* where a message goes */
    size_t err_len;           /* bytes available at err */
};

static int render_nodes(struct render *r, const struct node *nodes, size_t n, const struct ctx *cx,
                        const char *ind, size_t ind_len);

static int fail(struct render *r, int code, const struct node *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(struct render *r, int code, const struct node *n, const char *fmt, ...)
{
    if (r->err_len) {
        const char *name = r->tpl->name[0] ? r->tpl->name : "template";
        int k = snprintf(r->err, r->err_len, "%s:%u: ", name, n ? (unsigned)n->line : 0u);
        if (k >= 0 && (size_t)k < r->err_len) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(r->err + k, r->err_len - (size_t)k, fmt, ap);
            va_end(ap);
        }
    }
    return code;
}

/* The entity of each byte that needs one, else NULL, and how many bytes it adds. */
static const char *const html_entity[256] = {
    ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;",
};
static const unsigned char html_extra[256] = {
    ['&'] = 4, ['<'] = 3, ['>'] = 3, ['"'] = 5, ['\''] = 4,
};

void view_html_escape(struct buf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t extra = 0;
    for (size_t i = 0; i < n; i++)
        extra += html_extra[p[i]];
    if (extra == 0) {
        buf_append(b, s, n);
        return;
    }
    /* Most values need no entity at all; those that do are sized once and written once. */
    buf_reserve(b, n + extra);
    char *o = b->ptr + b->len;
    for (size_t i = 0; i < n; i++) {
        const char *rep = html_entity[p[i]];
        if (rep) {
            size_t k = (size_t)html_extra[p[i]] + 1;
            memcpy(o, rep, k);
            o += k;
        } else {
            *o++ = (char)p[i];
        }
    }
    *o = '\0';
    b->len = (size_t)(o - b->ptr);
}

/* Decimal digits of v (no printf: pages print hundreds of numbers). */
static void put_int(struct buf *b, int64_t v)
{
    char tmp[24];
    char *end = tmp + sizeof tmp, *p = end;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    buf_append(b, p, (size_t)(end - p));
}

/* Shortest "%g" form that reads back as the same double. */
static void put_real(struct buf *b, double d)
{
    char tmp[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    buf_puts(b, tmp);
}

static void put_text_value(struct buf *b, const char *s, size_t n, int escape)
{
    if (escape)
        view_html_escape(b, s, n);
    else
        buf_append(b, s, n);
}

static void put_cell(struct buf *b, const struct rows_cell *c, int escape)
{
    switch (c->kind) {
    case ROWS_TEXT:
        put_text_value(b, c->s, c->len, escape);
        break;
    case ROWS_INT:
        put_int(b, c->i);
        break;
    case ROWS_REAL:
        put_real(b, c->d);
        break;
    case ROWS_BOOL:
        buf_puts(b, c->i ? "true" : "false");
        break;
    case ROWS_NULL:
        break;
    }
}

static void put_value(struct buf *b, const struct val *val, int escape)
{
    if (val->cell) {
        put_cell(b, val->cell, escape);
        return;
    }
    const json_t *v = val->j;
    if (!v)
        return; /* tables and rows print nothing, as objects and lists do */
    switch (json_typeof(v)) {
    case JSON_STRING:
        put_text_value(b, json_string_value(v), json_string_length(v), escape);
        break;
    case JSON_INTEGER:
        put_int(b, json_integer_value(v));
        break;
    case JSON_REAL:
        put_real(b, json_real_value(v));
        break;
    case JSON_TRUE:
        buf_append(b, "true", 4);
        break;
    case JSON_FALSE:
        buf_append(b, "false", 5);
        break;
    default:
        break; /* null, objects and lists print nothing */
    }
}

/* Text, with the indentation after each line ending unless the next line is empty. */
static void put_text(struct buf *b, const struct node *n, const char *ind, size_t ind_len)
{
    const char *p = n->str, *end = n->str + n->len;
    if (ind_len == 0) {
        buf_append(b, p, n->len);
        return;
    }
    int at_bol = n->bol;
    while (p < end) {
        if (at_bol && *p != '\n' && !(*p == '\r' && p + 1 < end && p[1] == '\n'))
            buf_append(b, ind, ind_len);
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl + 1 : end;
        buf_append(b, p, (size_t)(stop - p));
        p = stop;
        at_bol = 1;
    }
}

static int found(const struct val *v)
{
    return v->j || v->t || v->cell;
}

/* Looks name up in one context level; 1 when found (into *out). The root level offers the
 * render's tables before the JSON document. */
static int lookup_level(struct render *r, const struct ctx *cx, const struct name_part name,
                        struct val *out)
{
    const struct val *in = &cx->v;
    if (!cx->up) {
        for (size_t i = 0; i < r->n_tables; i++) {
            if (strlen(r->tables[i].name) == name.len &&
                memcmp(r->tables[i].name, name.ptr, name.len) == 0) {
                *out = (struct val){.t = r->tables[i].rows};
                return 1;
            }
        }
    }
    if (in->is_row) {
        /* A row section looks the same few names up in every row: remember each answer. */
        struct col_memo *m = &r->cols[((uintptr_t)name.ptr >> 2) % 32];
        if (m->name != name.ptr || m->t != in->t)
            *m = (struct col_memo){name.ptr, in->t, rows_col(in->t, name.ptr, name.len)};
        int col = m->col;
        if (col < 0)
            return 0;
        *out = (struct val){.cell = rows_at(in->t, in->row, (size_t)col)};
        return 1;
    }
    if (json_is_object(in->j)) {
        json_t *v = json_object_getn(in->j, name.ptr, name.len);
        if (v) {
            *out = (struct val){.j = v};
            return 1;
        }
    }
    return 0;
}

/* The value a name resolves to in the context stack (empty when none). Each level searched is
 * a step. Dotted names go on through JSON objects only. */
static struct val lookup(struct render *r, const struct node *n, const struct ctx *cx)
{
    if (n->n_parts == 0)
        return cx->v;
    struct val v = {0};
    for (; cx; cx = cx->up) {
        r->steps++;
        if (lookup_level(r, cx, n->parts[0], &v))
            break;
    }
    for (size_t i = 1; found(&v) && i < n->n_parts; i++) {
        json_t *next =
            json_is_object(v.j) ? json_object_getn(v.j, n->parts[i].ptr, n->parts[i].len) : NULL;
        v = (struct val){.j = next};
    }
    return v;
}

/* Falsy in a section: false, null, an empty list - and an empty string, so that
 * {{#note}}…{{/note}} shows a line only when there is a note (the spec leaves strings to the
 * implementation; its tests pass either way). */
static int falsy(const struct val *val)
{
    if (val->cell)
        return val->cell->kind == ROWS_NULL || (val->cell->kind == ROWS_BOOL && !val->cell->i) ||
               (val->cell->kind == ROWS_TEXT && val->cell->len == 0);
    if (val->t)
        return !val->is_row && val->t->n_rows == 0;
    const json_t *v = val->j;
    return !v || json_is_false(v) || json_is_null(v) ||
           (json_is_array(v) && json_array_size(v) == 0) ||
           (json_is_string(v) && json_string_length(v) == 0);
}

/* Renders nodes with ind followed by extra as the indentation. */
static int render_indented(struct render *r, const struct node *nodes, size_t n,
                           const struct ctx *cx, const char *ind, size_t ind_len, const char *extra,
                           size_t extra_len)
{
    if (ind_len == 0 || extra_len == 0) {
        if (ind_len == 0)
            return render_nodes(r, nodes, n, cx, extra, extra_len);
        return render_nodes(r, nodes, n, cx, ind, ind_len);
    }
    char *both = malloc(ind_len + extra_len);
    if (!both)
        abort(); /* out of memory aborts, as everywhere in danchu */
    memcpy(both, ind, ind_len);
    memcpy(both + ind_len, extra, extra_len);
    int rc = render_nodes(r, nodes, n, cx, both, ind_len + extra_len);
    free(both);
    return rc;
}

/* {{>name}} and {{<name}}: the other template, in the same context. */
static int render_partial(struct render *r, const struct node *n, const struct ctx *cx,
                          const char *ind, size_t ind_len)
{
    const struct mustache *t = NULL;
    if (r->loader) {
        int rc = r->loader->load(r->loader->ctx, n->str, n->len, &t);
        if (rc)
            return fail(r, rc, n, "cannot load template '%.*s'", (int)n->len, n->str);
    }
    if (!t) {
        if (r->flags & MUSTACHE_STRICT)
            return fail(r, ERR_INVALID, n, "no template '%.*s'", (int)n->len, n->str);
        return 0;
    }
    const struct mustache *saved_tpl = r->tpl;
    const struct frame *saved_args = r->args;
    struct frame f = {n, r->tpl, ind, ind_len, r->args};
    if (n->kind == NODE_PARENT)
        r->args = &f;
    r->tpl = t;
    int rc;
    if (n->standalone)
        rc = render_indented(r, t->nodes, t->n_nodes, cx, ind, ind_len, n->indent, n->indent_len);
    else
        rc = render_nodes(r, t->nodes, t->n_nodes, cx, "", 0);
    r->tpl = saved_tpl;
    r->args = saved_args;
    return rc;
}

/* {{$name}}: what the outermost parent passes for it, else its default. */
static int render_block(struct render *r, const struct node *n, const struct ctx *cx,
                        const char *ind, size_t ind_len)
{
    const struct node *body = n;
    const struct frame *from = NULL;
    for (const struct frame *f = r->args; f; f = f->up) {
        for (size_t i = 0; i < f->parent->n_kids; i++) {
            const struct node *b = &f->parent->kids[i];
            if (b->len == n->len && memcmp(b->str, n->str, n->len) == 0) {
                body = b;
                from = f;
                break;
            }
        }
    }
    const struct mustache *saved_tpl = r->tpl;
    if (from)
        r->tpl = from->owner;
    int rc;
    if (n->standalone)
        rc = render_indented(r, body->kids, body->n_kids, cx, ind, ind_len, n->indent,
                             n->indent_len);
    else if (from)
        rc = render_nodes(r, body->kids, body->n_kids, cx, from->indent, from->indent_len);
    else
        rc = render_nodes(r, body->kids, body->n_kids, cx, ind, ind_len);
    r->tpl = saved_tpl;
    return rc;
}

static int render_section(struct render *r, const struct node *n, const struct ctx *cx,
                          const char *ind, size_t ind_len)
{
    struct val v = lookup(r, n, cx);
    if (n->kind == NODE_INVERTED)
        return falsy(&v) ? render_nodes(r, n->kids, n->n_kids, cx, ind, ind_len) : 0;
    if (falsy(&v))
        return 0;
    if (v.t && !v.is_row) {
        for (size_t i = 0; i < v.t->n_rows; i++) {
            struct ctx top = {{.t = v.t, .row = i, .is_row = 1}, cx};
            int rc = render_nodes(r, n->kids, n->n_kids, &top, ind, ind_len);
            if (rc)
                return rc;
        }
        return 0;
    }
    if (!json_is_array(v.j)) {
        struct ctx top = {v, cx};
        return render_nodes(r, n->kids, n->n_kids, &top, ind, ind_len);
    }
    size_t count = json_array_size(v.j);
    for (size_t i = 0; i < count; i++) {
        struct ctx top = {{.j = json_array_get(v.j, i)}, cx};
        int rc = render_nodes(r, n->kids, n->n_kids, &top, ind, ind_len);
        if (rc)
            return rc;
    }
    return 0;
}

static int render_nodes(struct render *r, const struct node *nodes, size_t n, const struct ctx *cx,
                        const char *ind, size_t ind_len)
{
    int rc = 0;
    if (++r->steps > MAX_STEPS) {
        rc = fail(r, ERR_TOO_LARGE, n ? &nodes[0] : NULL, "render too large");
        goto out;
    }
    if (++r->depth > MAX_DEPTH) {
        rc = fail(r, ERR_TOO_LARGE, n ? &nodes[0] : NULL, "templates nested more than %d deep",
                  MAX_DEPTH);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const struct node *nd = &nodes[i];
        if (++r->steps > MAX_STEPS || r->out->len - r->out_start > MAX_OUTPUT) {
            rc = fail(r, ERR_TOO_LARGE, nd, "render too large");
            goto out;
        }
        if (ind_len && nd->bol && nd->kind != NODE_TEXT)
            buf_append(r->out, ind, ind_len);
        switch (nd->kind) {
        case NODE_TEXT:
            put_text(r->out, nd, ind, ind_len);
            break;
        case NODE_VAR:
        case NODE_RAW: {
            struct val v = lookup(r, nd, cx);
            if (found(&v))
                put_value(r->out, &v, nd->kind == NODE_VAR);
            else if (r->flags & MUSTACHE_STRICT)
                rc = fail(r, ERR_INVALID, nd, "missing key '%.*s'", (int)nd->len, nd->str);
            break;
        }
        case NODE_SECTION:
        case NODE_INVERTED:
            rc = render_section(r, nd, cx, ind, ind_len);
            break;
        case NODE_PARTIAL:
        case NODE_PARENT:
            rc = render_partial(r, nd, cx, ind, ind_len);
            break;
        default:
            rc = render_block(r, nd, cx, ind, ind_len);
            break;
        }
        if (rc)
            goto out;
    }
out:
    r->depth--;
    return rc;
}

int mustache_render(const struct mustache *t, json_t *data, const struct mustache_loader *partials,
                    int flags, struct buf *out, char *err, size_t err_len)
{
    return mustache_render_rows(t, data, NULL, 0, partials, flags, out, err, err_len);
}

int mustache_render_rows(const struct mustache *t, json_t *data, const struct view_rows *tables,
                         size_t n_tables, const struct mustache_loader *partials, int flags,
                         struct buf *out, char *err, size_t err_len)
{
    struct render r = {
        .out = out,
        .out_start = out->len,
        .loader = partials,
        .flags = flags,
        .tpl = t,
        .tables = tables,
        .n_tables = n_tables,
        .err = err,
        .err_len = err_len,
    };
    struct ctx root = {{.j = data}, NULL};
    if (err_len)
        err[0] = '\0';
    buf_append(out, "", 0); /* out->ptr is a string even when nothing is rendered */
    return render_nodes(&r, t->nodes, t->n_nodes, &root, "", 0);
}

/*
 * view.h - the public header of src/view: a logic-less Mustache engine over
 * jansson documents, and the registry of the templates embedded from
 * web/templates/.
 *
 * Templates are compiled once into an owned tree and rendered many times with
 * no re-parsing. The engine follows the official Mustache spec (comments,
 * delimiters, interpolation, inverted, partials, sections, ~inheritance);
 * lambdas are not supported, since a JSON document holds no code.
 *
 *   {{x}}            value of x, HTML-escaped (& < > " ')
 *   {{{x}}} {{&x}}   value of x, raw: only for HTML made by the sanitiser
 *   {{a.b}} {{.}}    dotted names; the current item of a section
 *   {{#x}}..{{/x}}   section: once per list item, once for any other value
 *                    that is not false, null or an empty list (0 and "" are
 *                    truthy, as the spec says)
 *   {{^x}}..{{/x}}   inverted section: when x is missing, false, null or []
 *   {{>name}}        partial, indented when it stands alone on its line
 *   {{<name}}{{$b}}..{{/b}}{{/name}}   template inheritance (layouts) with
 *                    blocks {{$b}}default{{/b}} in the parent
 *   {{! comment }}   {{=<% %>=}} set delimiters
 *
 * Ownership: a struct mustache owns all of its memory (one arena); the
 * loader keeps owning the partials it hands out; rendering only appends to
 * the caller's struct buf. Compiled templates and the registry are read-only
 * after construction, so any number of threads may render them at once.
 */
#ifndef DANCHU_VIEW_H
#define DANCHU_VIEW_H

#include <jansson.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/embed.h"
#include "core/rows.h"

/* A compiled template. */
struct mustache;

/*
 * Where partials and parents ({{>name}}, {{<name}}) come from. load() sets
 * *out to a compiled template that the loader keeps owning (it must outlive
 * the render), or to NULL when there is no template of that name; it returns
 * 0, or a negative ERR_* code that aborts the render. name is not
 * NUL-terminated.
 */
struct mustache_loader {
    int (*load)(void *ctx, const char *name, size_t name_len,
                const struct mustache **out); /* finds a compiled template */
    void *ctx;                                /* passed back to load() */
};

/* Render flags. */
enum {
    /*
     * {{x}} or {{{x}}} whose name resolves to nothing, and {{>p}} or {{<p}}
     * naming no template, are errors that name the key and the line.
     * Sections and inverted sections over absent keys stay legal.
     */
    MUSTACHE_STRICT = 1,
};

/*
 * Compiles len bytes of text (copied; the caller may free text after) into
 * *out, owned by the caller and freed with mustache_free(). name (may be
 * NULL) is only used in error messages. On failure returns ERR_INVALID and
 * writes "name:line: reason" into err (err_len bytes, may be 0).
 */
int mustache_compile(const char *name, const char *text, size_t len, struct mustache **out,
                     char *err, size_t err_len);
void mustache_free(struct mustache *t);

/* The name given to mustache_compile(), or "" when none. */
const char *mustache_name(const struct mustache *t);

/*
 * Renders t against data (may be NULL), appending to out; out->ptr is a
 * string afterwards even when nothing was appended. partials may be NULL
 * (then every partial is missing). Returns 0; ERR_INVALID for a strict-mode
 * miss; ERR_TOO_LARGE when the render passes the engine's bounds (200
 * nested expansions, 4M steps, 64 MiB of output: a partial including itself
 * forever, say); or the loader's code. On error err holds "name:line: reason"
 * and out may hold partial output.
 */
int mustache_render(const struct mustache *t, json_t *data, const struct mustache_loader *partials,
                    int flags, struct buf *out, char *err, size_t err_len);

/*
 * A table (core/rows.h) that stands in the view-model at the top-level key `name`, for long
 * lists: a section over it runs once per row, names inside look up the row's columns first,
 * a cell prints like the JSON value it would be (rows_cell_json), NULL and false cells are
 * falsy, an empty table is falsy. The JSON variant of a page puts rows_json(rows) there.
 */
struct view_rows {
    const char *name;        /* top-level key */
    const struct rows *rows; /* the table (borrowed) */
};

/* mustache_render() with tables at top-level keys (they win over the document's keys). */
int mustache_render_rows(const struct mustache *t, json_t *data, const struct view_rows *tables,
                         size_t n_tables, const struct mustache_loader *partials, int flags,
                         struct buf *out, char *err, size_t err_len);

/* Appends n bytes of s to b with & < > " ' replaced by HTML entities. */
void view_html_escape(struct buf *b, const char *s, size_t n);

/*
 * The registry of templates: every file ending ".mustache" under
 * "web/templates/", named by its path without that prefix and suffix
 * ("web/templates/units/households.mustache" is "units/households").
 * Partials and parents resolve by the same names.
 */
struct view_templates;

/*
 * Compiles every template among the embedded files into *out (owned by the
 * caller, free with view_templates_free()). A template that fails to compile
 * fails the whole registry with its name and line in err.
 */
int view_templates_new(struct view_templates **out, char *err, size_t err_len);

/* The same from an explicit list of files (files other than templates are skipped). */
int view_templates_from(const struct embed_file *files, size_t n_files, struct view_templates **out,
                        char *err, size_t err_len);
void view_templates_free(struct view_templates *reg);

/* The compiled template called name, or NULL. */
const struct mustache *view_templates_find(const struct view_templates *reg, const char *name);
size_t view_templates_count(const struct view_templates *reg);

/*
 * Renders the template called name (ERR_NOT_FOUND if there is none) with
 * partials and parents from reg. Same flags and errors as mustache_render().
 */
int view_render(const struct view_templates *reg, const char *name, json_t *data, int flags,
                struct buf *out, char *err, size_t err_len);
/* The same with tables at top-level keys (see struct view_rows). */
int view_render_rows(const struct view_templates *reg, const char *name, json_t *data,
                     const struct view_rows *tables, size_t n_tables, int flags, struct buf *out,
                     char *err, size_t err_len);

/*
 * jansson's memory (jsonmem.c). view_json_mem_init() must run before any
 * other jansson call (main() does it). view_json_arena(a) makes jansson
 * allocate from arena a on this thread until it is called again, and returns
 * the arena that was current (NULL: the heap). A value made from an arena
 * must not outlive it; json_decref() of it frees nothing, arena_free() does.
 */
void view_json_mem_init(void);
struct arena *view_json_arena(struct arena *a);

/* Appends j as JSON text (json_dumps flags) to out; 0, or -1 when j cannot be encoded. */
int view_json_dump(const json_t *j, size_t flags, struct buf *out);

/*
 * Markdown (markdown.c): cmark-gfm in safe mode with the table, strikethrough and autolink
 * extensions. view_markdown_html() gives HTML fit for {{{x}}}: raw HTML in the source is
 * dropped and links other than http, https, mailto and site-relative ones are removed.
 * view_markdown_text() gives plain text for search and printed notices: paragraphs separated
 * by blank lines, list items as "- ", headings as "# text", table rows as cells joined by
 * " | ". Both write arena memory to *out; 0 or ERR_INVALID when md is not UTF-8.
 */
int view_markdown_html(struct arena *a, const char *md, size_t len, char **out);
int view_markdown_text(struct arena *a, const char *md, size_t len, char **out);

/* One series of a bar chart: a value per label. */
struct view_chart_series {
    const char *name;     /* legend text, e.g. "Đúng hạn" */
    const char *color;    /* "#2e7d32": a fill colour with enough contrast on white */
    const double *values; /* n_labels values, >= 0 */
};

/* A horizontal bar chart, one bar per label, series stacked within a bar. */
struct view_chart {
    const char *title;                      /* <title> of the SVG, read by screen readers */
    const char *desc;                       /* <desc>: one-sentence summary, may be NULL */
    const char *const *labels;              /* bar labels (left of each bar) */
    size_t n_labels;                        /* their count */
    const struct view_chart_series *series; /* stacked series */
    size_t n_series;                        /* their count */
};

/*
 * Appends an inline <svg> (role="img", <title>, <desc>, a legend, value labels) to out. No
 * script, no style attributes or <style> (the CSP forbids them): presentation attributes only;
 * text is escaped. Scales to its container's width (viewBox); readable printed in black and
 * white (series also differ by pattern or by a value label).
 */
void view_chart_svg(const struct view_chart *c, struct buf *out);

#endif

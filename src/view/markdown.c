/*
 * markdown.c - Markdown bodies (disclosed documents, imported notices) to
 * HTML for {{{x}}} and to plain text for search and printed notices, with
 * cmark-gfm and its table, strikethrough and autolink extensions.
 *
 * Safety does not rest on cmark's safe mode alone: after parsing, the tree
 * is cleaned before anything is rendered. Raw HTML nodes (blocks and
 * inline) are removed, and every link or image whose destination is not
 * http, https, mailto or site-relative is replaced by its text (cmark's
 * safe mode would still let data:image/... through). cmark is then run in
 * safe mode as well, so a node type we did not foresee still cannot emit
 * raw HTML. Everything cmark allocates is freed before returning; results
 * are copied into the caller's arena.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include "core/err.h"
#include "core/utf8.h"
#include "view/view.h"

#ifndef CMARK_OPT_SAFE
#define CMARK_OPT_SAFE 0
#endif

#define MD_OPTIONS (CMARK_OPT_DEFAULT | CMARK_OPT_SAFE)

static pthread_once_t registered = PTHREAD_ONCE_INIT;

static void register_extensions(void)
{
    cmark_gfm_core_extensions_ensure_registered();
}

/* Nodes the cleaning pass changes once the iterator is done with the tree. */
struct md_fix {
    cmark_node **nodes; /* heap array of nodes to unwrap or remove */
    size_t n_nodes;     /* entries used */
    size_t cap;         /* entries allocated */
};

static void fix_push(struct md_fix *f, cmark_node *n)
{
    if (f->n_nodes == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 16;
        f->nodes = realloc(f->nodes, f->cap * sizeof *f->nodes);
        if (!f->nodes)
            abort();
    }
    f->nodes[f->n_nodes++] = n;
}

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

static int scheme_is(const char *url, size_t n, const char *want)
{
    if (strlen(want) != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (ascii_lower((unsigned char)url[i]) != want[i])
            return 0;
    }
    return 1;
}

/*
 * Whether a link destination may stay: http, https or mailto, or a reference inside the site
 * ("/thong-bao/5", "#muc-2", "tep.pdf"). Protocol-relative ("//host") and anything with an
 * unexpected character before its first ':' are refused, so "java\tscript:" cannot slip by.
 */
static int url_allowed(const char *url)
{
    if (!url || !url[0])
        return 1; /* "[x]()": a link to the page itself */
    if ((url[0] == '/' || url[0] == '\\') && (url[1] == '/' || url[1] == '\\'))
        return 0;
    size_t i = 0;
    for (; url[i] && url[i] != ':' && url[i] != '/' && url[i] != '?' && url[i] != '#'; i++) {
        unsigned char c = (unsigned char)url[i];
        int scheme_char = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
        if (!scheme_char && c != '%' && c != '_' && c != '~' && c < 0x80)
            return 0; /* spaces, controls, quotes: not a URL we want to think about */
    }
    if (url[i] != ':')
        return 1; /* no scheme: relative to the site */
    return scheme_is(url, i, "http") || scheme_is(url, i, "https") || scheme_is(url, i, "mailto");
}

/* Collects raw HTML and links or images with refused destinations, then fixes them. */
static void clean_tree(cmark_node *doc)
{
    struct md_fix f = {0};
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        if (ev != CMARK_EVENT_ENTER)
            continue;
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(n);
        if (t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE)
            fix_push(&f, n);
        else if ((t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) &&
                 !url_allowed(cmark_node_get_url(n)))
            fix_push(&f, n);
    }
    cmark_iter_free(it);
    /* Children are moved out before their parent goes, so every collected pointer stays valid:
     * only leaves (raw HTML) and emptied links are freed. */
    for (size_t i = 0; i < f.n_nodes; i++) {
        cmark_node *n = f.nodes[i];
        cmark_node *child;
        while ((child = cmark_node_first_child(n)) != NULL) {
            cmark_node_unlink(child);
            cmark_node_insert_before(n, child);
        }
        cmark_node_free(n);
    }
    free(f.nodes);
}

/* Parses md (valid UTF-8, NFC) into a cleaned tree; the parser owns the extensions list. */
static cmark_node *parse(const char *md, size_t len, cmark_parser **parser_out)
{
    pthread_once(&registered, register_extensions);
    cmark_parser *p = cmark_parser_new(MD_OPTIONS);
    if (!p)
        abort();
    static const char *const names[] = {"table", "strikethrough", "autolink"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        cmark_syntax_extension *ext = cmark_find_syntax_extension(names[i]);
        if (ext)
            cmark_parser_attach_syntax_extension(p, ext);
    }
    cmark_parser_feed(p, md, len);
    cmark_node *doc = cmark_parser_finish(p);
    if (!doc)
        abort();
    clean_tree(doc);
    *parser_out = p;
    return doc;
}

/* The NFC copy of md in a, or NULL when md is not UTF-8. */
static char *normalised(struct arena *a, const char *md, size_t len, size_t *out_len)
{
    if (!md)
        return NULL;
    return utf8_nfc(a, md, len, out_len);
}

int view_markdown_html(struct arena *a, const char *md, size_t len, char **out)
{
    size_t n;
    char *src = normalised(a, md, len, &n);
    if (!src)
        return ERR_INVALID;
    cmark_parser *p;
    cmark_node *doc = parse(src, n, &p);
    char *html = cmark_render_html(doc, MD_OPTIONS, cmark_parser_get_syntax_extensions(p));
    if (!html)
        abort();
    *out = arena_strdup(a, html);
    free(html);
    cmark_node_free(doc);
    cmark_parser_free(p);
    return 0;
}

/* State of the plain-text walk. */
struct md_text {
    struct buf out;         /* the text so far */
    cmark_node *last_group; /* outermost list or table of the last line written, or NULL */
    int pending_item;       /* an item began: its first line gets "- " */
    size_t block_start;     /* out.len before the current block's separator */
    size_t content_start;   /* out.len after its separator and prefix */
    cmark_node *block;      /* the leaf block being written, or NULL */
};

static int is_type(cmark_node *n, const char *name)
{
    const char *s = cmark_node_get_type_string(n);
    return s && strcmp(s, name) == 0;
}

static int is_table_row(cmark_node *n)
{
    return is_type(n, "table_row") || is_type(n, "table_header");
}

/* The outermost list or table holding n: its lines are kept together without blank lines. */
static cmark_node *line_group(cmark_node *n)
{
    cmark_node *group = NULL;
    for (cmark_node *p = n; p; p = cmark_node_parent(p)) {
        if (cmark_node_get_type(p) == CMARK_NODE_LIST || is_type(p, "table"))
            group = p;
    }
    return group;
}

static void begin_block(struct md_text *t, cmark_node *n)
{
    cmark_node *group = line_group(n);
    t->block_start = t->out.len;
    if (t->out.len > 0)
        buf_puts(&t->out, group && group == t->last_group ? "\n" : "\n\n");
    t->last_group = group;
    if (t->pending_item) {
        buf_puts(&t->out, "- ");
        t->pending_item = 0;
    }
    if (cmark_node_get_type(n) == CMARK_NODE_HEADING)
        buf_puts(&t->out, "# ");
    t->content_start = t->out.len;
    t->block = n;
}

/* Ends the leaf block n; a block that wrote nothing (raw HTML only) leaves no empty line. */
static void end_block(struct md_text *t, cmark_node *n)
{
    if (t->block != n)
        return;
    while (t->out.len > t->content_start &&
           (t->out.ptr[t->out.len - 1] == '\n' || t->out.ptr[t->out.len - 1] == ' '))
        t->out.len--;
    if (t->out.len == t->content_start)
        t->out.len = t->block_start;
    if (t->out.ptr)
        t->out.ptr[t->out.len] = '\0';
    t->block = NULL;
}

static void put_literal(struct md_text *t, cmark_node *n)
{
    const char *s = cmark_node_get_literal(n);
    if (s)
        buf_puts(&t->out, s);
}

int view_markdown_text(struct arena *a, const char *md, size_t len, char **out)
{
    size_t n;
    char *src = normalised(a, md, len, &n);
    if (!src)
        return ERR_INVALID;
    cmark_parser *p;
    cmark_node *doc = parse(src, n, &p);
    struct md_text t = {0};
    buf_init(&t.out, NULL);
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        cmark_node_type type = cmark_node_get_type(node);
        int leaf_block = type == CMARK_NODE_PARAGRAPH || type == CMARK_NODE_HEADING ||
                         type == CMARK_NODE_CODE_BLOCK || is_table_row(node);
        if (ev == CMARK_EVENT_EXIT) {
            if (leaf_block)
                end_block(&t, node);
            else if (type == CMARK_NODE_ITEM)
                t.pending_item = 0;
            continue;
        }
        if (leaf_block && t.block == NULL)
            begin_block(&t, node);
        switch (type) {
        case CMARK_NODE_ITEM:
            t.pending_item = 1;
            break;
        case CMARK_NODE_CODE_BLOCK:
            put_literal(&t, node);
            end_block(&t, node); /* a leaf: no EXIT event comes */
            break;
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
            put_literal(&t, node);
            break;
        case CMARK_NODE_SOFTBREAK:
            buf_putc(&t.out, ' ');
            break;
        case CMARK_NODE_LINEBREAK:
            buf_putc(&t.out, '\n');
            break;
        default:
            if (is_type(node, "table_cell") && cmark_node_previous(node))
                buf_puts(&t.out, " | ");
            break;
        }
    }
    cmark_iter_free(it);
    cmark_node_free(doc);
    cmark_parser_free(p);
    *out = utf8_nfc(a, t.out.ptr ? t.out.ptr : "", t.out.len, NULL);
    buf_free(&t.out);
    return *out ? 0 : ERR_INVALID;
}

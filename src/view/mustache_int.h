/*
 * mustache_int.h - the compiled form of a Mustache template, shared by the
 * compiler (mustache.c) and the renderer (mustache_render.c). Not part of the
 * view module's public API: include view/view.h instead.
 *
 * A template is a tree of nodes in one arena. Text nodes point into the
 * arena's copy of the source (or into the dedented copy of a block's
 * content); the renderer never looks at the source again.
 */
#ifndef DANCHU_VIEW_MUSTACHE_INT_H
#define DANCHU_VIEW_MUSTACHE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "view/view.h"

enum {
    MUSTACHE_MAX_DELIM = 32, /* longest delimiter a {{=a b=}} tag may set */
    MUSTACHE_MAX_NEST = 64,  /* sections, parents and blocks open at once in one template */
};

enum mustache_node_kind {
    NODE_TEXT,     /* literal bytes */
    NODE_VAR,      /* {{x}}: escaped value */
    NODE_RAW,      /* {{{x}}} or {{&x}}: raw value */
    NODE_SECTION,  /* {{#x}}kids{{/x}} */
    NODE_INVERTED, /* {{^x}}kids{{/x}} */
    NODE_PARTIAL,  /* {{>name}} */
    NODE_PARENT,   /* {{<name}}: kids are the blocks passed to it */
    NODE_BLOCK,    /* {{$name}}: kids are the default content */
};

/* One part of a dotted name. */
struct name_part {
    const char *ptr; /* bytes of the part, not NUL-terminated */
    size_t len;      /* their count */
};

struct node {
    unsigned char kind;       /* enum mustache_node_kind */
    unsigned char bol;        /* begins a line of its template: indented in an indented partial */
    unsigned char standalone; /* a partial, parent or block that stood alone on its line */
    uint32_t line;            /* line in the template, for errors */
    const char *str;          /* text bytes, or the tag's name */
    size_t len;               /* bytes in str */
    const struct name_part *parts; /* the name split on '.'; none for "." */
    size_t n_parts;                /* number of parts */
    const char *indent;            /* what a standalone partial, parent or block indents by */
    size_t indent_len;             /* bytes in indent */
    const struct node *kids;       /* section body, block default, or a parent's blocks */
    size_t n_kids;                 /* number of kids */
};

struct mustache {
    struct arena *arena;      /* owns this struct, the nodes and the texts */
    const char *name;         /* for error messages; "" when none */
    const struct node *nodes; /* the top level */
    size_t n_nodes;           /* their count */
};

#endif

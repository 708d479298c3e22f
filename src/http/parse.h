/*
 * parse.h - parsers for what a client sends: query strings, urlencoded
 * forms, multipart/form-data bodies (RFC 7578) and Cookie headers (RFC 6265).
 *
 * The server buffers the whole body (capped by the route) and then calls
 * one of these. Every output byte lives in the caller's per-request arena:
 * names, values, file names and file bytes are copies, each NUL-terminated
 * (the NUL is not counted in len), so the input may be freed afterwards.
 *
 * Text is checked and normalised on the way in: a decoded name or text
 * value must be well-formed UTF-8 without NUL bytes and is stored in NFC,
 * so "Nguyễn" typed as decomposed (NFD) letters compares equal to the
 * precomposed form. File bytes are binary and kept as sent.
 *
 * Errors: ERR_INVALID for malformed input (bad %-escape, not UTF-8, a NUL
 * in text, a multipart body without its closing boundary or without part
 * headers), ERR_TOO_LARGE when a count or size limit is passed,
 * ERR_UNSUPPORTED when a multipart Content-Type is not multipart/form-data.
 * On error *out is left empty ({NULL, 0}).
 */
#ifndef DANCHU_HTTP_PARSE_H
#define DANCHU_HTTP_PARSE_H

#include <stddef.h>

#include "core/arena.h"
#include "core/str.h"

/* Most pairs a query string, urlencoded body or Cookie header may carry. */
#define HTTP_MAX_PAIRS 4096

/* One name=value pair, or one multipart field or file. */
struct http_param {
    struct str name;         /* decoded name, NFC */
    struct str value;        /* decoded value (NFC), or the file's bytes as sent */
    struct str filename;     /* multipart file: the client's file name, NFC, no
                                directory part; "" when none was given */
    struct str content_type; /* multipart: the part's Content-Type as sent, "" if none */
    int is_file;             /* 1 for a multipart part that carried a filename
                                parameter (even an empty one: an unused file input) */
};

/* Pairs in the order the client sent them; duplicate names are all kept. */
struct http_params {
    struct http_param *items; /* the pairs, in the arena */
    size_t n_items;           /* their count */
};

/*
 * Caps on a multipart body. A zero member takes the default shown; a NULL
 * limits pointer takes every default.
 */
struct http_limits {
    size_t max_fields;      /* parts (fields + files); default 256 */
    size_t max_field_bytes; /* bytes of one text field's value; default 64 KiB */
    size_t max_file_bytes;  /* bytes of one file; default 10 MiB */
    size_t max_total;       /* bytes of all values and files together; default 20 MiB */
};

/*
 * "a=1&b=%C3%A2+x" (without the leading '?'): %XX escapes and '+' for a
 * space are decoded in names and values. Empty pairs ("a=1&&b=2") are
 * skipped; a name without '=' has the value "". Returns 0, ERR_INVALID
 * or ERR_TOO_LARGE (more than HTTP_MAX_PAIRS pairs).
 */
int http_parse_query(struct arena *a, const char *s, size_t len, struct http_params *out);

/* An application/x-www-form-urlencoded body; same rules as http_parse_query. */
int http_parse_urlencoded(struct arena *a, const char *s, size_t len, struct http_params *out);

/*
 * A multipart/form-data body. content_type is the request's Content-Type
 * header (NUL-terminated), which carries the boundary. Text fields follow
 * the text rules above (no %-decoding); file parts are kept byte for byte.
 * filename*=UTF-8''... (RFC 5987) wins over filename="...". lim may be NULL.
 * Returns 0, ERR_INVALID, ERR_TOO_LARGE or ERR_UNSUPPORTED.
 */
int http_parse_multipart(struct arena *a, const char *content_type, const char *body, size_t len,
                         const struct http_limits *lim, struct http_params *out);

/*
 * A Cookie header value: "a=b; c=\"d\"". Spaces around pairs are tolerated;
 * a surrounding pair of double quotes is removed from a value. Pairs that
 * are not RFC 6265 name=cookie-value pairs are skipped, not fatal. Values are
 * not %-decoded. Returns 0 or ERR_TOO_LARGE (more than HTTP_MAX_PAIRS pairs).
 */
int http_parse_cookies(struct arena *a, const char *header, size_t len, struct http_params *out);

/* The first pair named name, or NULL. */
const struct http_param *http_params_get(const struct http_params *p, const char *name);

#endif

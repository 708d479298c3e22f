/*
 * parse.c - query, urlencoded, multipart/form-data and Cookie parsers (see
 * parse.h for the contract).
 *
 * Every scan is linear in the input: pairs are split with memchr, and a
 * multipart body is walked with memmem from the end of the previous match,
 * so a large upload is read once. Outputs are arena copies; nothing here
 * calls free().
 */
#include "http/parse.h"

#include <string.h>

#include "core/err.h"
#include "core/utf8.h"

#define DEFAULT_MAX_FIELDS 256
#define DEFAULT_MAX_FIELD_BYTES (64 * 1024)
#define DEFAULT_MAX_FILE_BYTES (10 * 1024 * 1024)
#define DEFAULT_MAX_TOTAL (20 * 1024 * 1024)
#define MAX_BOUNDARY 70       /* RFC 2046 section 5.1.1 */
#define MAX_PART_HEADER 16384 /* bytes of one part's header block */

/* Growing list of pairs in the arena. */
struct plist {
    struct arena *a;          /* owner of items */
    struct http_param *items; /* the pairs so far */
    size_t n;                 /* used */
    size_t cap;               /* allocated */
};

static const struct str empty_str = {"", 0};

static struct http_param *plist_add(struct plist *l)
{
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 8;
        l->items =
            arena_realloc(l->a, l->items, l->cap * sizeof(*l->items), ncap * sizeof(*l->items));
        l->cap = ncap;
    }
    struct http_param *p = &l->items[l->n++];
    p->name = empty_str;
    p->value = empty_str;
    p->filename = empty_str;
    p->content_type = empty_str;
    p->is_file = 0;
    return p;
}

static void plist_done(struct plist *l, int rc, struct http_params *out)
{
    if (rc == 0) {
        out->items = l->items;
        out->n_items = l->n;
    } else {
        out->items = NULL;
        out->n_items = 0;
    }
}

/*
 * Stores text s[0..n) in *out: no NUL bytes, well-formed UTF-8, NFC. When
 * owned is set, s is an arena buffer of n + 1 bytes that may be used in
 * place (ASCII text is already NFC, so it is not copied again).
 */
static int text_store(struct arena *a, char *s_owned, const char *s, size_t n, struct str *out)
{
    int ascii = 1;
    if (n == 0) {
        *out = empty_str;
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0)
            return ERR_INVALID;
        if (c >= 0x80)
            ascii = 0;
    }
    if (ascii) {
        if (s_owned) {
            s_owned[n] = '\0';
            out->ptr = s_owned;
        } else {
            out->ptr = arena_strndup(a, s, n);
        }
        out->len = n;
        return 0;
    }
    if (!utf8_valid(s, n))
        return ERR_INVALID;
    size_t m = 0;
    char *nfc = utf8_nfc(a, s, n, &m);
    if (!nfc)
        return ERR_INVALID;
    out->ptr = nfc;
    out->len = m;
    return 0;
}

static int hex_val(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * Percent-decodes s[0..n) into text (plus_space: '+' is a space, as in
 * forms). A '%' not followed by two hex digits is ERR_INVALID.
 */
static int pct_decode(struct arena *a, const char *s, size_t n, int plus_space, struct str *out)
{
    if (n == 0) {
        *out = empty_str;
        return 0;
    }
    if (!memchr(s, '%', n) && !(plus_space && memchr(s, '+', n)))
        return text_store(a, NULL, s, n, out);
    char *d = arena_alloc(a, n + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '+' && plus_space) {
            d[j++] = ' ';
        } else if (c == '%') {
            if (n - i < 3)
                return ERR_INVALID;
            int hi = hex_val((unsigned char)s[i + 1]);
            int lo = hex_val((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0)
                return ERR_INVALID;
            d[j++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            d[j++] = c;
        }
    }
    return text_store(a, d, d, j, out);
}

/* Shared by the query string and urlencoded body parsers. */
static int parse_pairs(struct arena *a, const char *s, size_t len, struct http_params *out)
{
    struct plist l = {a, NULL, 0, 0};
    int rc = 0;
    size_t i = 0;
    while (i < len) {
        const char *amp = memchr(s + i, '&', len - i);
        size_t e = amp ? (size_t)(amp - s) : len;
        if (e > i) {
            const char *eq = memchr(s + i, '=', e - i);
            size_t name_end = eq ? (size_t)(eq - s) : e;
            if (l.n == HTTP_MAX_PAIRS) {
                rc = ERR_TOO_LARGE;
                goto out;
            }
            struct http_param *p = plist_add(&l);
            rc = pct_decode(a, s + i, name_end - i, 1, &p->name);
            if (rc)
                goto out;
            if (eq) {
                rc = pct_decode(a, eq + 1, e - name_end - 1, 1, &p->value);
                if (rc)
                    goto out;
            }
        }
        i = e + 1;
    }
out:
    plist_done(&l, rc, out);
    return rc;
}

int http_parse_query(struct arena *a, const char *s, size_t len, struct http_params *out)
{
    return parse_pairs(a, s, len, out);
}

int http_parse_urlencoded(struct arena *a, const char *s, size_t len, struct http_params *out)
{
    return parse_pairs(a, s, len, out);
}

/* RFC 7230 tchar. */
static int is_tchar(int c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return 1;
    return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* RFC 6265 cookie-octet: visible ASCII except DQUOTE, comma, semicolon, backslash. */
static int is_cookie_octet(int c)
{
    return c == 0x21 || (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x3a) ||
           (c >= 0x3c && c <= 0x5b) || (c >= 0x5d && c <= 0x7e);
}

static struct str trim_sp(struct str s)
{
    while (s.len && (s.ptr[0] == ' ' || s.ptr[0] == '\t')) {
        s.ptr++;
        s.len--;
    }
    while (s.len && (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t'))
        s.len--;
    return s;
}

/* 1 when name=value is a cookie-pair worth keeping; strips a value's quotes. */
static int cookie_pair_ok(struct str name, struct str *value)
{
    if (name.len == 0)
        return 0;
    for (size_t i = 0; i < name.len; i++)
        if (!is_tchar((unsigned char)name.ptr[i]))
            return 0;
    if (value->len >= 2 && value->ptr[0] == '"' && value->ptr[value->len - 1] == '"') {
        value->ptr++;
        value->len -= 2;
    }
    for (size_t i = 0; i < value->len; i++)
        if (!is_cookie_octet((unsigned char)value->ptr[i]))
            return 0;
    return 1;
}

int http_parse_cookies(struct arena *a, const char *header, size_t len, struct http_params *out)
{
    struct plist l = {a, NULL, 0, 0};
    int rc = 0;
    size_t i = 0;
    while (i < len) {
        const char *semi = memchr(header + i, ';', len - i);
        size_t e = semi ? (size_t)(semi - header) : len;
        const char *eq = memchr(header + i, '=', e - i);
        if (eq) {
            struct str name = {header + i, (size_t)(eq - header) - i};
            struct str value = {eq + 1, e - (size_t)(eq - header) - 1};
            name = trim_sp(name);
            value = trim_sp(value);
            if (cookie_pair_ok(name, &value)) {
                if (l.n == HTTP_MAX_PAIRS) {
                    rc = ERR_TOO_LARGE;
                    goto out;
                }
                struct http_param *p = plist_add(&l);
                p->name.ptr = arena_strndup(a, name.ptr, name.len);
                p->name.len = name.len;
                if (value.len) {
                    p->value.ptr = arena_strndup(a, value.ptr, value.len);
                    p->value.len = value.len;
                }
            }
        }
        i = e + 1;
    }
out:
    plist_done(&l, rc, out);
    return rc;
}

const struct http_param *http_params_get(const struct http_params *p, const char *name)
{
    struct str n = str_c(name);
    for (size_t i = 0; i < p->n_items; i++)
        if (str_eq(p->items[i].name, n))
            return &p->items[i];
    return NULL;
}

/* ---- multipart/form-data ---- */

/* Cursor over a header value such as `form-data; name="x"`. */
struct hcur {
    const char *p;   /* next byte */
    const char *end; /* one past the last byte */
};

static void hcur_ows(struct hcur *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
        c->p++;
}

/* The leading value (before the first ';'), trimmed. */
static struct str hcur_type(struct hcur *c)
{
    const char *semi = memchr(c->p, ';', (size_t)(c->end - c->p));
    struct str t = {c->p, (size_t)((semi ? semi : c->end) - c->p)};
    c->p = semi ? semi : c->end;
    return trim_sp(t);
}

/*
 * Reads the next `; name=value` parameter. A quoted value has its quotes
 * removed and \" and \\ unescaped; any other backslash is kept, since old
 * browsers sent Windows paths (C:\dir\file.csv) unescaped. An unquoted
 * value runs to the next ';' (clients often leave boundaries unquoted even
 * when they hold characters a token may not). The value points into the
 * header, or into a when escapes had to be removed; callers copy what they
 * keep. Returns 1 with a parameter, 0 at the end, ERR_INVALID when
 * malformed.
 */
static int hcur_next(struct arena *a, struct hcur *c, struct str *name, struct str *value)
{
    hcur_ows(c);
    if (c->p == c->end)
        return 0;
    if (*c->p != ';')
        return ERR_INVALID;
    c->p++;
    hcur_ows(c);
    if (c->p == c->end)
        return 0;
    name->ptr = c->p;
    while (c->p < c->end && is_tchar((unsigned char)*c->p))
        c->p++;
    name->len = (size_t)(c->p - name->ptr);
    if (name->len == 0)
        return ERR_INVALID;
    hcur_ows(c);
    if (c->p == c->end || *c->p != '=')
        return ERR_INVALID;
    c->p++;
    hcur_ows(c);
    if (c->p < c->end && *c->p == '"') {
        /* First pass: find the closing quote and the unescaped length, so
         * that only a value with escapes is copied, and at its own size. */
        const char *q = ++c->p;
        size_t j = 0;
        int escaped = 0;
        for (;; j++) {
            if (q == c->end)
                return ERR_INVALID;
            if (*q == '"')
                break;
            if (*q == '\\' && q + 1 < c->end && (q[1] == '"' || q[1] == '\\')) {
                escaped = 1;
                q++;
            }
            q++;
        }
        value->len = j;
        if (!escaped) {
            value->ptr = c->p;
            c->p = q + 1;
            return 1;
        }
        char *d = arena_alloc(a, j + 1);
        for (size_t k = 0; k < j; k++) {
            if (*c->p == '\\' && (c->p[1] == '"' || c->p[1] == '\\'))
                c->p++;
            d[k] = *c->p++;
        }
        d[j] = '\0';
        value->ptr = d;
        c->p = q + 1;
        return 1;
    }
    const char *semi = memchr(c->p, ';', (size_t)(c->end - c->p));
    value->ptr = c->p;
    value->len = (size_t)((semi ? semi : c->end) - c->p);
    c->p = semi ? semi : c->end;
    *value = trim_sp(*value);
    return 1;
}

/* RFC 2046 bchars (the last one may not be a space). */
static int boundary_ok(struct str b)
{
    if (b.len == 0 || b.len > MAX_BOUNDARY || b.ptr[b.len - 1] == ' ')
        return 0;
    for (size_t i = 0; i < b.len; i++) {
        int c = (unsigned char)b.ptr[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              (c != 0 && strchr("'()+_,-./:=? ", c))))
            return 0;
    }
    return 1;
}

/* The boundary named by a request Content-Type of multipart/form-data. */
static int get_boundary(struct arena *a, const char *content_type, struct str *boundary)
{
    if (!content_type)
        return ERR_UNSUPPORTED;
    struct hcur c = {content_type, content_type + strlen(content_type)};
    if (!str_case_eq_c(hcur_type(&c), "multipart/form-data"))
        return ERR_UNSUPPORTED;
    struct str name, value;
    int rc;
    while ((rc = hcur_next(a, &c, &name, &value)) == 1) {
        if (str_case_eq_c(name, "boundary")) {
            if (!boundary_ok(value))
                return ERR_INVALID;
            *boundary = value;
            return 0;
        }
    }
    return ERR_INVALID;
}

/*
 * Finds the next delimiter line at or after body[from]: "--boundary" (d,
 * dlen) at the start of a line, followed by "--" (the close delimiter) or
 * by optional spaces and a line end. Text that merely starts like a
 * delimiter (file content holding "--boundaryX") is skipped. Sets *start to
 * the line's first byte and *next past the line (past "--" for the close).
 * Returns 1 when found, 0 when not.
 */
static int find_delim(const char *body, size_t len, size_t from, const char *d, size_t dlen,
                      size_t *start, size_t *next, int *close)
{
    size_t i = from;
    while (i < len && len - i >= dlen) {
        const char *hit = memmem(body + i, len - i, d, dlen);
        if (!hit)
            return 0;
        size_t at = (size_t)(hit - body);
        if (at == 0 || body[at - 1] == '\n') {
            size_t k = at + dlen;
            if (len - k >= 2 && body[k] == '-' && body[k + 1] == '-') {
                *start = at;
                *next = k + 2;
                *close = 1;
                return 1;
            }
            while (k < len && (body[k] == ' ' || body[k] == '\t'))
                k++;
            if (k < len && body[k] == '\n') {
                *start = at;
                *next = k + 1;
                *close = 0;
                return 1;
            }
            if (len - k >= 2 && body[k] == '\r' && body[k + 1] == '\n') {
                *start = at;
                *next = k + 2;
                *close = 0;
                return 1;
            }
        }
        i = at + 1;
    }
    return 0;
}

/* Visible ASCII and spaces only: a part's Content-Type. */
static int ascii_header_ok(struct str s)
{
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if ((c < 0x20 && c != '\t') || c >= 0x7f)
            return 0;
    }
    return 1;
}

/* A client file name: the part after any directory, text rules, no control characters. */
static int filename_store(struct arena *a, struct str raw, struct str *out)
{
    for (size_t i = raw.len; i > 0; i--) {
        if (raw.ptr[i - 1] == '/' || raw.ptr[i - 1] == '\\') {
            raw.ptr += i;
            raw.len -= i;
            break;
        }
    }
    for (size_t i = 0; i < raw.len; i++) {
        unsigned char c = (unsigned char)raw.ptr[i];
        if (c < 0x20 || c == 0x7f)
            return ERR_INVALID;
    }
    return text_store(a, NULL, raw.ptr, raw.len, out);
}

/* RFC 5987 ext-value: UTF-8'lang'pct-encoded. Other charsets are refused. */
static int ext_value_decode(struct arena *a, struct str v, struct str *out)
{
    const char *q1 = memchr(v.ptr, '\'', v.len);
    if (!q1)
        return ERR_INVALID;
    struct str charset = {v.ptr, (size_t)(q1 - v.ptr)};
    if (!str_case_eq_c(charset, "UTF-8"))
        return ERR_INVALID;
    size_t rest = v.len - charset.len - 1;
    const char *q2 = memchr(q1 + 1, '\'', rest);
    if (!q2)
        return ERR_INVALID;
    size_t off = (size_t)(q2 + 1 - v.ptr);
    return pct_decode(a, v.ptr + off, v.len - off, 0, out);
}

/* Parses `form-data; name="x"; filename="y"` into p. */
static int parse_disposition(struct arena *a, struct str hv, struct http_param *p)
{
    struct hcur c = {hv.ptr, hv.ptr + hv.len};
    if (!str_case_eq_c(hcur_type(&c), "form-data"))
        return ERR_INVALID;
    struct str name, value, fname = {NULL, 0}, fname_ext = {NULL, 0};
    int have_name = 0, have_fname = 0, have_ext = 0;
    int rc;
    while ((rc = hcur_next(a, &c, &name, &value)) == 1) {
        if (str_case_eq_c(name, "name") && !have_name) {
            rc = text_store(a, NULL, value.ptr, value.len, &p->name);
            if (rc)
                return rc;
            have_name = 1;
        } else if (str_case_eq_c(name, "filename") && !have_fname) {
            fname = value;
            have_fname = 1;
        } else if (str_case_eq_c(name, "filename*") && !have_ext) {
            fname_ext = value;
            have_ext = 1;
        }
    }
    if (rc < 0)
        return rc;
    if (!have_name)
        return ERR_INVALID;
    if (have_ext) {
        struct str decoded;
        rc = ext_value_decode(a, fname_ext, &decoded);
        if (rc)
            return rc;
        fname = decoded;
    }
    if (have_fname || have_ext) {
        p->is_file = 1;
        return filename_store(a, fname, &p->filename);
    }
    return 0;
}

/*
 * Reads one part's header block starting at body[*pos] up to and including
 * its blank line, fills p's name, filename and content type, and moves
 * *pos to the first content byte.
 */
static int parse_part_headers(struct arena *a, const char *body, size_t len, size_t *pos,
                              struct http_param *p)
{
    size_t i = *pos;
    int have_disp = 0, have_type = 0;
    for (;;) {
        if (i - *pos > MAX_PART_HEADER)
            return ERR_TOO_LARGE;
        size_t window = len - i;
        if (window > MAX_PART_HEADER + 1)
            window = MAX_PART_HEADER + 1;
        const char *nl = i < len ? memchr(body + i, '\n', window) : NULL;
        if (!nl)
            return len - i > MAX_PART_HEADER ? ERR_TOO_LARGE : ERR_INVALID;
        struct str line = {body + i, (size_t)(nl - (body + i))};
        if (line.len && line.ptr[line.len - 1] == '\r')
            line.len--;
        i = (size_t)(nl - body) + 1;
        if (line.len == 0)
            break;
        if (line.ptr[0] == ' ' || line.ptr[0] == '\t')
            return ERR_INVALID; /* obsolete line folding: browsers never send it */
        const char *colon = memchr(line.ptr, ':', line.len);
        if (!colon)
            return ERR_INVALID;
        struct str hname = trim_sp((struct str){line.ptr, (size_t)(colon - line.ptr)});
        struct str hval =
            trim_sp((struct str){colon + 1, line.len - (size_t)(colon - line.ptr) - 1});
        if (str_case_eq_c(hname, "Content-Disposition")) {
            if (have_disp)
                return ERR_INVALID;
            have_disp = 1;
            int rc = parse_disposition(a, hval, p);
            if (rc)
                return rc;
        } else if (str_case_eq_c(hname, "Content-Type")) {
            if (have_type || !ascii_header_ok(hval))
                return ERR_INVALID;
            have_type = 1;
            if (hval.len) {
                p->content_type.ptr = arena_strndup(a, hval.ptr, hval.len);
                p->content_type.len = hval.len;
            }
        }
    }
    if (!have_disp)
        return ERR_INVALID;
    *pos = i;
    return 0;
}

int http_parse_multipart(struct arena *a, const char *content_type, const char *body, size_t len,
                         const struct http_limits *lim, struct http_params *out)
{
    struct plist l = {a, NULL, 0, 0};
    struct http_limits lm = {DEFAULT_MAX_FIELDS, DEFAULT_MAX_FIELD_BYTES, DEFAULT_MAX_FILE_BYTES,
                             DEFAULT_MAX_TOTAL};
    char delim[2 + MAX_BOUNDARY];
    struct str boundary;
    size_t dlen, start, pos, total = 0;
    int close = 0;
    int rc;

    if (lim) {
        if (lim->max_fields)
            lm.max_fields = lim->max_fields;
        if (lim->max_field_bytes)
            lm.max_field_bytes = lim->max_field_bytes;
        if (lim->max_file_bytes)
            lm.max_file_bytes = lim->max_file_bytes;
        if (lim->max_total)
            lm.max_total = lim->max_total;
    }
    rc = get_boundary(a, content_type, &boundary);
    if (rc)
        goto out;
    delim[0] = '-';
    delim[1] = '-';
    memcpy(delim + 2, boundary.ptr, boundary.len);
    dlen = boundary.len + 2;

    if (!find_delim(body, len, 0, delim, dlen, &start, &pos, &close)) {
        rc = ERR_INVALID;
        goto out;
    }
    while (!close) {
        if (l.n == lm.max_fields) {
            rc = ERR_TOO_LARGE;
            goto out;
        }
        struct http_param *p = plist_add(&l);
        rc = parse_part_headers(a, body, len, &pos, p);
        if (rc)
            goto out;
        /* The content's last line end belongs to the next delimiter; an
         * empty LF-only part may share its blank line with it. */
        size_t content = pos;
        if (!find_delim(body, len, content, delim, dlen, &start, &pos, &close)) {
            rc = ERR_INVALID;
            goto out;
        }
        size_t cend = start > content ? start - 1 : content;
        if (cend > content && body[cend - 1] == '\r')
            cend--;
        size_t clen = cend - content;
        if (clen > (p->is_file ? lm.max_file_bytes : lm.max_field_bytes) ||
            clen > lm.max_total - total) {
            rc = ERR_TOO_LARGE;
            goto out;
        }
        total += clen;
        if (p->is_file) {
            if (clen) {
                p->value.ptr = arena_strndup(a, body + content, clen);
                p->value.len = clen;
            }
        } else {
            rc = text_store(a, NULL, body + content, clen, &p->value);
            if (rc)
                goto out;
        }
    }
out:
    plist_done(&l, rc, out);
    return rc;
}

/*
 * diff.c - edit scripts, word diffs, section alignment and their HTML (see diff.h).
 *
 * The edit script follows Myers, "An O(ND) Difference Algorithm and Its Variations" (1986),
 * section 4b, in the form GNU diff uses: trim the common prefix and suffix, find the middle
 * snake by searching from both ends at once, recurse on the two halves. Each half's edit
 * distance is at most half the whole's, so the recursion is O(log D) deep. Changes are
 * marked in one flag per element and turned into runs at the end.
 */
#include "core/diff.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

/* Cost cap for pairing sections by content: one comparison may walk two bodies' words. */
#define SECTION_COST 250000u

struct seq {
    diff_eq_fn eq;      /* element equality */
    const void *ctx;    /* its argument */
    ptrdiff_t *fd;      /* forward search: furthest x on each diagonal x - y */
    ptrdiff_t *bd;      /* backward search: furthest (lowest) x on each diagonal */
    unsigned char *del; /* 1 for each old element deleted */
    unsigned char *ins; /* 1 for each new element inserted */
    size_t cost;        /* work done so far */
    size_t max_cost;    /* work allowed */
    int approximate;    /* set when a stretch fell back to delete + insert */
};

#define EQ(s, x, y) ((s)->eq((s)->ctx, (size_t)(x), (size_t)(y)))

/*
 * Finds a point (xmid, ymid) on a shortest path through old[xoff..xlim) x new[yoff..ylim)
 * where about half its edits lie on each side. Returns 0 when the cost cap is reached.
 * Both ranges are non-empty and differ at both ends, so the edit distance is at least 2
 * and the point is neither corner.
 */
static int split(struct seq *s, ptrdiff_t xoff, ptrdiff_t xlim, ptrdiff_t yoff, ptrdiff_t ylim,
                 ptrdiff_t *xmid, ptrdiff_t *ymid)
{
    ptrdiff_t *fd = s->fd, *bd = s->bd;
    const ptrdiff_t dmin = xoff - ylim, dmax = xlim - yoff;
    const ptrdiff_t fmid = xoff - yoff, bmid = xlim - ylim;
    ptrdiff_t fmin = fmid, fmax = fmid, bmin = bmid, bmax = bmid;
    const int odd = (fmid - bmid) & 1;

    fd[fmid] = xoff;
    bd[bmid] = xlim;
    for (;;) {
        if (s->cost >= s->max_cost)
            return 0;
        /* One more edit forward on every diagonal in reach, then follow the snake. */
        if (fmin > dmin)
            fd[--fmin - 1] = -1;
        else
            ++fmin;
        if (fmax < dmax)
            fd[++fmax + 1] = -1;
        else
            --fmax;
        for (ptrdiff_t d = fmax; d >= fmin; d -= 2) {
            ptrdiff_t lo = fd[d - 1], hi = fd[d + 1];
            ptrdiff_t x0 = lo < hi ? hi : lo + 1, x = x0, y = x0 - d;
            while (x < xlim && y < ylim && EQ(s, x, y)) {
                x++;
                y++;
            }
            s->cost += (size_t)(x - x0) + 1;
            fd[d] = x;
            if (odd && bmin <= d && d <= bmax && bd[d] <= x) {
                *xmid = x;
                *ymid = y;
                return 1;
            }
        }
        /* The same backward from the end. */
        if (bmin > dmin)
            bd[--bmin - 1] = PTRDIFF_MAX;
        else
            ++bmin;
        if (bmax < dmax)
            bd[++bmax + 1] = PTRDIFF_MAX;
        else
            --bmax;
        for (ptrdiff_t d = bmax; d >= bmin; d -= 2) {
            ptrdiff_t lo = bd[d - 1], hi = bd[d + 1];
            ptrdiff_t x0 = lo < hi ? lo : hi - 1, x = x0, y = x0 - d;
            while (xoff < x && yoff < y && EQ(s, x - 1, y - 1)) {
                x--;
                y--;
            }
            s->cost += (size_t)(x0 - x) + 1;
            bd[d] = x;
            if (!odd && fmin <= d && d <= fmax && x <= fd[d]) {
                *xmid = x;
                *ymid = y;
                return 1;
            }
        }
    }
}

static void compare(struct seq *s, ptrdiff_t xoff, ptrdiff_t xlim, ptrdiff_t yoff, ptrdiff_t ylim)
{
    /* Common ends cost at most one failed comparison each, so they are not counted. */
    while (xoff < xlim && yoff < ylim && EQ(s, xoff, yoff)) {
        xoff++;
        yoff++;
    }
    while (xoff < xlim && yoff < ylim && EQ(s, xlim - 1, ylim - 1)) {
        xlim--;
        ylim--;
    }
    ptrdiff_t xmid, ymid;
    if (xoff == xlim || yoff == ylim || !split(s, xoff, xlim, yoff, ylim, &xmid, &ymid)) {
        if (xoff < xlim && yoff < ylim)
            s->approximate = 1;
        memset(s->del + xoff, 1, (size_t)(xlim - xoff));
        memset(s->ins + yoff, 1, (size_t)(ylim - yoff));
        return;
    }
    compare(s, xoff, xmid, yoff, ymid);
    compare(s, xmid, xlim, ymid, ylim);
}

/* Turns the change flags into runs; counts them when out is NULL. */
static size_t make_runs(const struct seq *s, size_t n_old, size_t n_new, struct diff_edit *out)
{
    size_t i = 0, j = 0, k = 0;
    while (i < n_old || j < n_new) {
        struct diff_edit e = {.old_at = i, .new_at = j};
        if (i < n_old && s->del[i]) {
            e.op = DIFF_DEL;
            while (i < n_old && s->del[i])
                i++;
            e.n = i - e.old_at;
        } else if (j < n_new && s->ins[j]) {
            e.op = DIFF_INS;
            while (j < n_new && s->ins[j])
                j++;
            e.n = j - e.new_at;
        } else {
            /* As many old elements are kept as new ones. */
            assert(i < n_old && j < n_new);
            e.op = DIFF_SAME;
            while (i < n_old && j < n_new && !s->del[i] && !s->ins[j]) {
                i++;
                j++;
            }
            e.n = i - e.old_at;
        }
        if (out)
            out[k] = e;
        k++;
    }
    return k;
}

void diff_seq(struct arena *a, size_t n_old, size_t n_new, diff_eq_fn eq, const void *ctx,
              size_t max_cost, struct diff_script *out)
{
    size_t diags = n_old + n_new + 3;
    struct seq s = {.eq = eq, .ctx = ctx, .max_cost = max_cost ? max_cost : DIFF_COST_DEFAULT};
    /* Diagonals run from -(n_new + 1) to n_old + 1. */
    s.fd = (ptrdiff_t *)arena_alloc(a, 2 * diags * sizeof(ptrdiff_t)) + n_new + 1;
    s.bd = s.fd + diags;
    s.del = arena_zalloc(a, n_old + 1);
    s.ins = arena_zalloc(a, n_new + 1);
    compare(&s, 0, (ptrdiff_t)n_old, 0, (ptrdiff_t)n_new);
    out->n_edits = make_runs(&s, n_old, n_new, NULL);
    out->edits = arena_alloc(a, (out->n_edits + 1) * sizeof *out->edits);
    make_runs(&s, n_old, n_new, out->edits);
    out->approximate = s.approximate;
}

/* --- Words --- */

struct tok {
    size_t off;    /* first byte in the text */
    size_t len;    /* bytes */
    uint64_t hash; /* hash64 of the bytes */
    int word;      /* 1 for a word, 0 for white space or punctuation */
};

enum { CH_WORD, CH_SPACE, CH_PUNCT };

/* Class of the character at s[0..n), n > 0; *clen gets its length in bytes. */
static int char_class(const char *s, size_t n, size_t *clen)
{
    unsigned char c = (unsigned char)*s;
    *clen = 1;
    if (c < 0x80) {
        if ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
            return CH_WORD;
        return c == ' ' || (c >= '\t' && c <= '\r') ? CH_SPACE : CH_PUNCT;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t r = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &cp);
    if (r <= 0)
        return CH_WORD; /* a stray byte stays with its word */
    *clen = (size_t)r;
    /* utf8proc orders the categories L*, M*, N* (1-11), then P*, S*, then Z* (23-25). */
    utf8proc_category_t cat = utf8proc_category(cp);
    if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO)
        return CH_WORD;
    return cat >= UTF8PROC_CATEGORY_ZS && cat <= UTF8PROC_CATEGORY_ZP ? CH_SPACE : CH_PUNCT;
}

/* Splits s into tokens (counts them when out is NULL). Words and white space runs are one
 * token each, any other character is a token of its own. */
static size_t scan(struct str s, struct tok *out)
{
    size_t n = 0, i = 0, clen;
    while (i < s.len) {
        size_t start = i;
        int cls = char_class(s.ptr + i, s.len - i, &clen);
        i += clen;
        if (cls != CH_PUNCT)
            while (i < s.len && char_class(s.ptr + i, s.len - i, &clen) == cls)
                i += clen;
        if (out)
            out[n] =
                (struct tok){start, i - start, hash64(s.ptr + start, i - start, 0), cls == CH_WORD};
        n++;
    }
    return n;
}

static struct tok *tokenize(struct arena *a, struct str s, size_t *n)
{
    *n = scan(s, NULL);
    struct tok *t = arena_alloc(a, (*n + 1) * sizeof *t);
    scan(s, t);
    return t;
}

struct texts {
    struct str old_text, new_text;         /* the two versions */
    const struct tok *old_toks, *new_toks; /* their tokens */
};

static int tok_eq(const void *ctx, size_t i, size_t j)
{
    const struct texts *t = ctx;
    const struct tok *x = &t->old_toks[i], *y = &t->new_toks[j];
    return x->hash == y->hash && x->len == y->len &&
           memcmp(t->old_text.ptr + x->off, t->new_text.ptr + y->off, x->len) == 0;
}

/* Appends a segment of bytes [from, to) of s, merged into the last one when the op is the
 * same (then the bytes follow each other in s). Texts are copied at the end. */
static void add_seg(struct diff_text *out, enum diff_op op, struct str s, size_t from, size_t to)
{
    if (from == to)
        return;
    struct diff_seg *last = out->n_segs ? &out->segs[out->n_segs - 1] : NULL;
    if (last && last->op == op) {
        last->len += to - from;
        return;
    }
    out->segs[out->n_segs++] = (struct diff_seg){op, s.ptr + from, to - from};
}

/* Byte offset where token k starts (the text's end for k == n). */
static size_t tok_at(const struct tok *t, size_t n, struct str s, size_t k)
{
    return k < n ? t[k].off : s.len;
}

void diff_words(struct arena *a, struct str old_text, struct str new_text, struct diff_text *out)
{
    struct texts t = {old_text, new_text, NULL, NULL};
    size_t n_old, n_new;
    t.old_toks = tokenize(a, old_text, &n_old);
    t.new_toks = tokenize(a, new_text, &n_new);
    struct diff_script sc;
    diff_seq(a, n_old, n_new, tok_eq, &t, 0, &sc);

    out->segs = arena_alloc(a, (sc.n_edits + 1) * sizeof *out->segs);
    out->n_segs = 0;
    out->approximate = sc.approximate;
    /* A change starts at token (co, cn); a kept run of separators alone between two changes
     * joins them. */
    size_t co = 0, cn = 0, o = 0, nw = 0;
    int changing = 0;
    for (size_t e = 0; e < sc.n_edits; e++) {
        const struct diff_edit *ed = &sc.edits[e];
        if (ed->op != DIFF_SAME) {
            if (!changing) {
                co = o;
                cn = nw;
                changing = 1;
            }
            if (ed->op == DIFF_DEL)
                o += ed->n;
            else
                nw += ed->n;
            continue;
        }
        int separators = changing && e + 1 < sc.n_edits;
        for (size_t k = 0; separators && k < ed->n; k++)
            separators = !t.old_toks[o + k].word;
        if (!separators) {
            if (changing) {
                add_seg(out, DIFF_DEL, old_text, tok_at(t.old_toks, n_old, old_text, co),
                        tok_at(t.old_toks, n_old, old_text, o));
                add_seg(out, DIFF_INS, new_text, tok_at(t.new_toks, n_new, new_text, cn),
                        tok_at(t.new_toks, n_new, new_text, nw));
                changing = 0;
            }
            add_seg(out, DIFF_SAME, old_text, tok_at(t.old_toks, n_old, old_text, o),
                    tok_at(t.old_toks, n_old, old_text, o + ed->n));
        }
        o += ed->n;
        nw += ed->n;
    }
    if (changing) {
        add_seg(out, DIFF_DEL, old_text, tok_at(t.old_toks, n_old, old_text, co), old_text.len);
        add_seg(out, DIFF_INS, new_text, tok_at(t.new_toks, n_new, new_text, cn), new_text.len);
    }
    for (size_t i = 0; i < out->n_segs; i++)
        out->segs[i].text = arena_strndup(a, out->segs[i].text, out->segs[i].len);
}

/* --- Sections --- */

struct sec_info {
    uint64_t *words; /* hashes of the body's words, sorted */
    size_t n_words;  /* their number */
};

struct sections {
    const struct diff_section *old_secs, *new_secs; /* the two versions */
    const struct sec_info *old_info, *new_info;     /* their words */
    size_t old_base, new_base;                      /* offsets of a gap (path matching) */
};

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

static void sec_words(struct arena *a, struct str body, struct sec_info *info)
{
    size_t n, k = 0;
    struct tok *t = tokenize(a, body, &n);
    info->words = arena_alloc(a, (n + 1) * sizeof *info->words);
    for (size_t i = 0; i < n; i++)
        if (t[i].word)
            info->words[k++] = t[i].hash;
    info->n_words = k;
    qsort(info->words, k, sizeof *info->words, cmp_u64);
}

/* Similar: identical, or at least 80% of the longer body's words (with repeats) shared. */
static int sec_similar(const void *ctx, size_t i, size_t j)
{
    const struct sections *c = ctx;
    if (str_eq(c->old_secs[i].body, c->new_secs[j].body))
        return 1;
    const struct sec_info *x = &c->old_info[i], *y = &c->new_info[j];
    size_t most = x->n_words > y->n_words ? x->n_words : y->n_words;
    size_t least = x->n_words + y->n_words - most, shared = 0;
    if (least * 5 < most * 4)
        return 0;
    for (size_t p = 0, q = 0; p < x->n_words && q < y->n_words;) {
        if (x->words[p] == y->words[q]) {
            shared++;
            p++;
            q++;
        } else if (x->words[p] < y->words[q]) {
            p++;
        } else {
            q++;
        }
    }
    return shared * 5 >= most * 4;
}

static int sec_same_path(const void *ctx, size_t i, size_t j)
{
    const struct sections *c = ctx;
    return str_eq(c->old_secs[c->old_base + i].path, c->new_secs[c->new_base + j].path);
}

static void add_pair(struct sections *c, struct diff_alignment *out, ptrdiff_t i, ptrdiff_t j)
{
    struct diff_pair *p = &out->pairs[out->n_pairs++];
    *p = (struct diff_pair){i, j, DIFF_SECTION_ADDED, 0};
    if (i < 0)
        return;
    if (j < 0) {
        p->status = DIFF_SECTION_REMOVED;
        return;
    }
    p->body_changed = !str_eq(c->old_secs[i].body, c->new_secs[j].body);
    if (!str_eq(c->old_secs[i].path, c->new_secs[j].path))
        p->status = DIFF_SECTION_RENUMBERED;
    else
        p->status = p->body_changed ? DIFF_SECTION_CHANGED : DIFF_SECTION_SAME;
}

/* Sections left between two content pairs: old [o, o + n_o), new [nw, nw + n_n). */
static void align_gap(struct arena *a, struct sections *c, struct diff_alignment *out, size_t o,
                      size_t n_o, size_t nw, size_t n_n)
{
    if (!n_o || !n_n) {
        for (size_t k = 0; k < n_o; k++)
            add_pair(c, out, (ptrdiff_t)(o + k), -1);
        for (size_t k = 0; k < n_n; k++)
            add_pair(c, out, -1, (ptrdiff_t)(nw + k));
        return;
    }
    struct diff_script sc;
    c->old_base = o;
    c->new_base = nw;
    diff_seq(a, n_o, n_n, sec_same_path, c, 0, &sc);
    for (size_t e = 0; e < sc.n_edits; e++)
        for (size_t k = 0; k < sc.edits[e].n; k++) {
            ptrdiff_t i = (ptrdiff_t)(o + sc.edits[e].old_at + k);
            ptrdiff_t j = (ptrdiff_t)(nw + sc.edits[e].new_at + k);
            add_pair(c, out, sc.edits[e].op == DIFF_INS ? -1 : i,
                     sc.edits[e].op == DIFF_DEL ? -1 : j);
        }
}

void diff_sections(struct arena *a, const struct diff_section *old_secs, size_t n_old,
                   const struct diff_section *new_secs, size_t n_new, struct diff_alignment *out)
{
    struct sec_info *oi = arena_alloc(a, (n_old + 1) * sizeof *oi);
    struct sec_info *ni = arena_alloc(a, (n_new + 1) * sizeof *ni);
    for (size_t i = 0; i < n_old; i++)
        sec_words(a, old_secs[i].body, &oi[i]);
    for (size_t j = 0; j < n_new; j++)
        sec_words(a, new_secs[j].body, &ni[j]);
    struct sections c = {old_secs, new_secs, oi, ni, 0, 0};
    struct diff_script sc;
    diff_seq(a, n_old, n_new, sec_similar, &c, SECTION_COST, &sc);

    out->pairs = arena_alloc(a, (n_old + n_new + 1) * sizeof *out->pairs);
    out->n_pairs = 0;
    out->approximate = sc.approximate;
    size_t o = 0, nw = 0, go = 0, gn = 0; /* cursors, and where the current gap starts */
    for (size_t e = 0; e <= sc.n_edits; e++) {
        if (e < sc.n_edits && sc.edits[e].op == DIFF_DEL) {
            o += sc.edits[e].n;
            continue;
        }
        if (e < sc.n_edits && sc.edits[e].op == DIFF_INS) {
            nw += sc.edits[e].n;
            continue;
        }
        align_gap(a, &c, out, go, o - go, gn, nw - gn);
        for (size_t k = 0; e < sc.n_edits && k < sc.edits[e].n; k++)
            add_pair(&c, out, (ptrdiff_t)(o + k), (ptrdiff_t)(nw + k));
        if (e < sc.n_edits) {
            o += sc.edits[e].n;
            nw += sc.edits[e].n;
        }
        go = o;
        gn = nw;
    }
}

/* --- HTML --- */

static void html_escape(struct buf *b, const char *s, size_t n)
{
    static const char *const esc[128] = {
        ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;",
    };
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 128 || !esc[c])
            continue;
        buf_append(b, s + from, i - from);
        buf_puts(b, esc[c]);
        from = i + 1;
    }
    buf_append(b, s + from, n - from);
}

void diff_html(struct buf *out, const struct diff_seg *segs, size_t n_segs)
{
    static const char *const tag_open[] = {"", "<del>", "<ins>"};
    static const char *const tag_close[] = {"", "</del>", "</ins>"};
    for (size_t i = 0; i < n_segs; i++) {
        buf_puts(out, tag_open[segs[i].op]);
        html_escape(out, segs[i].text, segs[i].len);
        buf_puts(out, tag_close[segs[i].op]);
    }
}

/*
 * utf8.c - UTF-8 validation, NFC and the Vietnamese search folding (see utf8.h).
 *
 * utf8proc does the Unicode work; this file adds a strict validator, fast
 * paths for the text danchu mostly sees (ASCII and precomposed Vietnamese)
 * and a one-pass folder. utf8_fold runs for every search token and every
 * imported row, so it decodes, folds and writes each code point straight into
 * one arena buffer instead of calling utf8proc_map (which mallocs twice and
 * walks the text three times). Every string returned here lives in the
 * caller's arena.
 */
#include "utf8.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Options for the folding decomposition of one code point. */
#define FOLD_OPTIONS (UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE)

/* Folding turns one code point into at most 3 (checked over all of Unicode 13). */
#define FOLD_MAX 32

#define HANGUL_SBASE 0xAC00
#define HANGUL_SEND 0xD7A4

/* Length of the leading run of ASCII bytes in s[0..n). */
static size_t ascii_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i + 8 <= n) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & UINT64_C(0x8080808080808080))
            break;
        i += 8;
    }
    while (i < n && s[i] < 0x80)
        i++;
    return i;
}

/*
 * Length of the well-formed sequence at s[0..n) (Unicode Table 3-7: no
 * overlongs, no surrogates, nothing past U+10FFFF), or 0 when ill-formed.
 */
static size_t seq_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xBF;
    size_t len;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t k = 2; k < len; k++)
        if (s[k] < 0x80 || s[k] > 0xBF)
            return 0;
    return len;
}

/* Decodes the well-formed sequence of length len at s. */
static int32_t decode(const unsigned char *s, size_t len)
{
    switch (len) {
    case 1:
        return s[0];
    case 2:
        return ((int32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
    case 3:
        return ((int32_t)(s[0] & 0x0F) << 12) | ((int32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    default:
        return ((int32_t)(s[0] & 0x07) << 18) | ((int32_t)(s[1] & 0x3F) << 12) |
               ((int32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    }
}

int utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = ascii_prefix(p, n);
    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t len = seq_len(p + i, n - i);
        if (len == 0)
            return 0;
        i += len;
    }
    return 1;
}

size_t utf8_length(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            count++;
    return count;
}

/*
 * 1 when s[0..n) (valid UTF-8) is certainly NFC without asking utf8proc:
 * every code point lies below U+0300 or in Latin Extended Additional
 * (U+1E00-U+1EFF, the precomposed Vietnamese letters). Those are all
 * NFC-stable starters, and none of them is the second half of a canonical
 * composition, so no sequence of them changes under NFC (utf8_test checks
 * the claim code point by code point).
 */
static int quick_nfc(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
        } else if (c < 0xCC) {
            i += 2; /* U+0080..U+02FF */
        } else if (c == 0xE1 &&
                   (s[i + 1] == 0xB8 || s[i + 1] == 0xB9 || s[i + 1] == 0xBA || s[i + 1] == 0xBB)) {
            i += 3; /* U+1E00..U+1EFF */
        } else {
            return 0;
        }
    }
    return 1;
}

char *utf8_nfc(struct arena *a, const char *s, size_t n, size_t *out_len)
{
    const unsigned char *p = (const unsigned char *)s;
    char *r = NULL;
    utf8proc_uint8_t *mapped = NULL;
    if (!utf8_valid(s, n))
        goto out;
    if (quick_nfc(p, n)) {
        r = arena_strndup(a, s, n);
        if (out_len)
            *out_len = n;
        goto out;
    }
    utf8proc_ssize_t m = utf8proc_map(p, (utf8proc_ssize_t)n, &mapped,
                                      (utf8proc_option_t)(UTF8PROC_COMPOSE | UTF8PROC_STABLE));
    if (m < 0)
        goto out;
    r = arena_strndup(a, (const char *)mapped, (size_t)m);
    if (out_len)
        *out_len = (size_t)m;
out:
    free(mapped);
    return r;
}

/* The folded text being written: one arena buffer grown in place. */
struct fold_out {
    char *p;         /* bytes, NUL-terminated when done */
    size_t len;      /* bytes written */
    size_t cap;      /* bytes allocated */
    struct arena *a; /* owner of p */
    int space;       /* a white-space run is pending */
};

static void out_reserve(struct fold_out *o, size_t extra)
{
    size_t need = o->len + extra + 1;
    if (need <= o->cap)
        return;
    size_t cap = o->cap * 2;
    while (cap < need)
        cap *= 2;
    o->p = arena_realloc(o->a, o->p, o->cap, cap);
    o->cap = cap;
}

/* Writes the pending space, if any text came before it. */
static void out_space(struct fold_out *o)
{
    if (o->space && o->len) {
        out_reserve(o, 1);
        o->p[o->len++] = ' ';
    }
    o->space = 0;
}

static void out_cp(struct fold_out *o, int32_t cp)
{
    out_reserve(o, 4);
    o->len += (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)o->p + o->len);
}

static int is_space_category(int32_t cp)
{
    utf8proc_category_t cat = utf8proc_category(cp);
    return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
           cat == UTF8PROC_CATEGORY_ZP || cat == UTF8PROC_CATEGORY_CC;
}

/*
 * Precomputed folds for the Latin blocks Vietnamese text lives in (U+0080-
 * U+024F and U+1E00-U+1EFF): an ASCII byte, or one of the markers below.
 * They turn the common case into one table load instead of three utf8proc
 * property look-ups; fold_cp computes the same answer the slow way.
 */
enum { FAST_NONE = 0, FAST_SPACE = 1, FAST_DROP = 2 };
static unsigned char fast_latin[0x250 - 0x80];
static unsigned char fast_ext[0x100];
static pthread_once_t fast_once = PTHREAD_ONCE_INIT;

static int fold_cp(struct fold_out *o, int32_t cp);

static unsigned char fast_entry(int32_t cp)
{
    char buf[16];
    struct fold_out o = {buf, 0, sizeof buf, NULL, 0};
    fold_cp(&o, cp);
    if (o.space && o.len == 0)
        return FAST_SPACE;
    if (o.len == 0)
        return FAST_DROP;
    if (o.len == 1 && (unsigned char)buf[0] > ' ' && (unsigned char)buf[0] < 0x7F)
        return (unsigned char)buf[0];
    return FAST_NONE;
}

static void fast_init(void)
{
    for (int32_t cp = 0x80; cp < 0x250; cp++)
        fast_latin[cp - 0x80] = fast_entry(cp);
    for (int32_t cp = 0x1E00; cp < 0x1F00; cp++)
        fast_ext[cp - 0x1E00] = fast_entry(cp);
}

static unsigned char fast_lookup(int32_t cp)
{
    if (cp < 0x250)
        return fast_latin[cp - 0x80];
    if (cp >= 0x1E00 && cp < 0x1F00)
        return fast_ext[cp - 0x1E00];
    return FAST_NONE;
}

/* Folds the non-ASCII code point cp into o; returns 1 when it wrote conjoining jamo. */
static int fold_cp(struct fold_out *o, int32_t cp)
{
    utf8proc_int32_t parts[FOLD_MAX];
    int boundclass = 0;
    int jamo = 0;
    if (is_space_category(cp)) {
        o->space = 1;
        return 0;
    }
    if (cp >= HANGUL_SBASE && cp < HANGUL_SEND) {
        /* Syllables carry no marks and no case: keep them composed (NFC). */
        out_space(o);
        out_cp(o, cp);
        return 0;
    }
    utf8proc_ssize_t k =
        utf8proc_decompose_char(cp, parts, FOLD_MAX, (utf8proc_option_t)FOLD_OPTIONS, &boundclass);
    if (k < 0 || k > FOLD_MAX) {
        /* Not reachable for a valid code point; keep the character rather than lose it. */
        parts[0] = cp;
        k = 1;
    }
    for (utf8proc_ssize_t j = 0; j < k; j++) {
        int32_t c = parts[j];
        /* đ is a letter of its own, not d + mark, so STRIPMARK keeps it. ð (eth,
         * U+00F0, folded from Ð U+00D0) is what old fonts and careless typing put in
         * place of Đ; it is not Vietnamese, so it folds to d as well. */
        if (c == 0x0111 || c == 0x00F0)
            c = 'd';
        if (c >= 0x1100 && c < 0x1200)
            jamo = 1;
        out_space(o);
        out_cp(o, c);
    }
    return jamo;
}

char *utf8_fold(struct arena *a, const char *s, size_t n, size_t *out_len)
{
    const unsigned char *p = (const unsigned char *)s;
    struct fold_out o = {NULL, 0, 0, a, 0};
    int jamo = 0;
    if (!utf8_valid(s, n))
        return NULL;
    pthread_once(&fast_once, fast_init);
    o.cap = n + 16;
    o.p = arena_alloc(a, o.cap);
    size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        if (c < 0x80) {
            i++;
            if (c <= 0x20 || c == 0x7F) {
                o.space = 1;
                continue;
            }
            if (c >= 'A' && c <= 'Z')
                c = (unsigned char)(c + ('a' - 'A'));
            out_space(&o);
            out_reserve(&o, 1);
            o.p[o.len++] = (char)c;
            continue;
        }
        size_t len = seq_len(p + i, n - i);
        int32_t cp = decode(p + i, len);
        unsigned char f = fast_lookup(cp);
        i += len;
        if (f == FAST_SPACE) {
            o.space = 1;
        } else if (f > FAST_DROP) {
            out_space(&o);
            out_reserve(&o, 1);
            o.p[o.len++] = (char)f;
        } else if (f == FAST_NONE) {
            jamo |= fold_cp(&o, cp);
        }
    }
    o.p[o.len] = '\0';
    if (jamo) {
        /* Decomposed Korean input: compose the jamo again so the result is NFC. */
        size_t m;
        char *r = utf8_nfc(a, o.p, o.len, &m);
        if (r) {
            o.p = r;
            o.len = m;
        }
    }
    if (out_len)
        *out_len = o.len;
    return o.p;
}

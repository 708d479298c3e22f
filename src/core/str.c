/*
 * str.c - length-carrying strings and checked number parsing (see str.h).
 */
#include "str.h"

#include <string.h>

#include "err.h"

struct str str_c(const char *s)
{
    struct str r = {s, s ? strlen(s) : 0};
    return r;
}

int str_eq(struct str a, struct str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

int str_eq_c(struct str a, const char *b)
{
    return str_eq(a, str_c(b));
}

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

int str_case_eq_c(struct str a, const char *b)
{
    size_t n = strlen(b);
    if (n != a.len)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)a.ptr[i]) != lower((unsigned char)b[i]))
            return 0;
    return 1;
}

int str_starts_with(struct str s, const char *prefix)
{
    size_t n = strlen(prefix);
    return s.len >= n && memcmp(s.ptr, prefix, n) == 0;
}

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

struct str str_trim(struct str s)
{
    while (s.len && is_space((unsigned char)s.ptr[0])) {
        s.ptr++;
        s.len--;
    }
    while (s.len && is_space((unsigned char)s.ptr[s.len - 1]))
        s.len--;
    return s;
}

char *str_dup(struct arena *a, struct str s)
{
    return arena_strndup(a, s.ptr, s.len);
}

int parse_int64(struct str s, int64_t min, int64_t max, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    uint64_t v = 0;
    if (s.len == 0)
        return ERR_INVALID;
    if (s.ptr[0] == '-' || s.ptr[0] == '+') {
        neg = s.ptr[0] == '-';
        i = 1;
        if (s.len == 1)
            return ERR_INVALID;
    }
    for (; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (c < '0' || c > '9')
            return ERR_INVALID;
        if (v > (UINT64_MAX - (c - '0')) / 10)
            return ERR_INVALID;
        v = v * 10 + (c - '0');
    }
    int64_t r;
    if (neg) {
        if (v > (uint64_t)INT64_MAX + 1)
            return ERR_INVALID;
        r = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    } else {
        if (v > (uint64_t)INT64_MAX)
            return ERR_INVALID;
        r = (int64_t)v;
    }
    if (r < min || r > max)
        return ERR_INVALID;
    *out = r;
    return 0;
}

int parse_int(const char *s, int min, int max, int *out)
{
    int64_t v;
    int rc = parse_int64(str_c(s), min, max, &v);
    if (rc == 0)
        *out = (int)v;
    return rc;
}

void hex_encode(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

/* One lane step: the word is multiplied in, rotated, multiplied again. */
static uint64_t lane(uint64_t acc, uint64_t w)
{
    acc += w * 0xc2b2ae3d27d4eb4full;
    acc = (acc << 31) | (acc >> 33);
    return acc * 0x9e3779b185ebca87ull;
}

uint64_t hash64(const void *p, size_t n, uint64_t seed)
{
    const unsigned char *s = p;
    uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15ull);
    /* Four independent lanes over 32-byte blocks, so the multiplies overlap in the CPU
     * (a page's ETag hashes tens of kilobytes per request). */
    if (n >= 32) {
        uint64_t v[4] = {h + 1, h + 2, h + 3, h + 4};
        while (n >= 32) {
            for (int i = 0; i < 4; i++) {
                uint64_t w;
                memcpy(&w, s + 8 * i, 8);
                v[i] = lane(v[i], w);
            }
            s += 32;
            n -= 32;
        }
        h = mix64(v[0]) ^ mix64(v[1] + 0x9e3779b97f4a7c15ull) ^
            mix64(v[2] + 0xc2b2ae3d27d4eb4full) ^ mix64(v[3] + 0x165667b19e3779f9ull);
    }
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ mix64(w)) * 0x9e3779b97f4a7c15ull;
        h = (h << 27) | (h >> 37);
        s += 8;
        n -= 8;
    }
    uint64_t tail = 0;
    memcpy(&tail, s, n);
    return mix64(h ^ mix64(tail ^ n));
}

/*
 * rollcsv.c - the text side of a roll upload: bytes in the encodings Excel
 * saves (UTF-8 with or without BOM, UTF-16 LE/BE with or without BOM) to
 * UTF-8, and RFC 4180 records streamed to a callback (see rollfile.h).
 * A record's cells point into the text or into a scratch arena reset per
 * record, so memory does not grow with the file.
 */
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/utf8.h"
#include "units/rollfile.h"

static void put_utf8(struct buf *b, unsigned cp)
{
    char o[4];
    if (cp < 0x80) {
        buf_putc(b, (char)cp);
        return;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        buf_append(b, o, 2);
    } else if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        buf_append(b, o, 3);
    } else {
        o[0] = (char)(0xF0 | (cp >> 18));
        o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (char)(0x80 | (cp & 0x3F));
        buf_append(b, o, 4);
    }
}

/* UTF-16 (big_endian or not) to UTF-8 in b. Returns 0 or ERR_INVALID (odd length, lone surrogate).
 */
static int utf16_to_utf8(const unsigned char *s, size_t n, int big_endian, struct buf *b)
{
    if (n % 2)
        return ERR_INVALID;
    buf_reserve(b, n + n / 2);
    for (size_t i = 0; i < n; i += 2) {
        unsigned u =
            big_endian ? (unsigned)(s[i] << 8 | s[i + 1]) : (unsigned)(s[i + 1] << 8 | s[i]);
        if (u >= 0xDC00 && u <= 0xDFFF)
            return ERR_INVALID;
        if (u >= 0xD800 && u <= 0xDBFF) {
            if (i + 3 >= n)
                return ERR_INVALID;
            unsigned lo = big_endian ? (unsigned)(s[i + 2] << 8 | s[i + 3])
                                     : (unsigned)(s[i + 3] << 8 | s[i + 2]);
            if (lo < 0xDC00 || lo > 0xDFFF)
                return ERR_INVALID;
            u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
            i += 2;
        }
        put_utf8(b, u);
    }
    return 0;
}

/* 1 for UTF-16LE, 2 for UTF-16BE without BOM (ASCII-heavy text has a NUL in every other byte), else
 * 0. */
static int guess_utf16(const unsigned char *s, size_t n)
{
    size_t lim = n < 2048 ? n & ~(size_t)1 : 2048, even = 0, odd = 0;
    if (lim < 4)
        return 0;
    for (size_t i = 0; i < lim; i += 2) {
        even += s[i] == 0;
        odd += s[i + 1] == 0;
    }
    size_t pairs = lim / 2;
    if (odd * 4 >= pairs && even * 8 < odd)
        return 1;
    if (even * 4 >= pairs && odd * 8 < even)
        return 2;
    return 0;
}

/* See rollfile.h. */
int rollfile_decode_text(struct arena *a, const char *bytes, size_t len, const char **out,
                         size_t *out_len)
{
    const unsigned char *u = (const unsigned char *)bytes;
    int kind = 0; /* 1 LE, 2 BE */
    size_t skip = 0;
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        bytes += 3;
        len -= 3;
    } else if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE) {
        kind = 1;
        skip = 2;
    } else if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF) {
        kind = 2;
        skip = 2;
    } else {
        kind = guess_utf16(u, len);
    }
    if (kind) {
        struct buf b;
        buf_init(&b, a);
        if (utf16_to_utf8(u + skip, len - skip, kind == 2, &b) != 0)
            return ERR_INVALID;
        const char *t = b.ptr ? b.ptr : "";
        size_t n = b.len;
        if (n >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0) {
            t += 3;
            n -= 3;
        }
        *out = t;
        *out_len = n;
        return 0;
    }
    if (!utf8_valid(bytes, len))
        return ERR_INVALID;
    *out = bytes;
    *out_len = len;
    return 0;
}

/* ---- CSV ---- */

static int count_newlines(const char *s, const char *end)
{
    int n = 0;
    for (; s < end; s++) {
        if (*s == '\n' || (*s == '\r' && (s + 1 == end || s[1] != '\n')))
            n++;
    }
    return n;
}

/* See rollfile.h. */
int rollfile_csv_read(const char *s, size_t n, int first_line, char delim, roll_record_fn fn,
                      void *ctx, int *open_line)
{
    int rc = 0;
    const char *p = s, *end = s + n;
    int line = first_line;
    struct roll_cell *cells = calloc(ROLL_MAX_COLS, sizeof *cells);
    struct arena *scratch = arena_new(0);
    if (!cells)
        abort();
    while (p < end) {
        int start_line = line;
        size_t nc = 0;
        arena_reset(scratch);
        for (;;) {
            struct roll_cell c = {"", 0, ROLL_CELL_TEXT, 0};
            if (p < end && *p == '"') {
                struct buf b;
                buf_init(&b, scratch);
                buf_reserve(&b, 0);
                p++;
                for (;;) {
                    const char *q = memchr(p, '"', (size_t)(end - p));
                    if (!q) {
                        *open_line = start_line;
                        rc = ERR_INVALID;
                        goto out;
                    }
                    line += count_newlines(p, q);
                    buf_append(&b, p, (size_t)(q - p));
                    p = q + 1;
                    if (p < end && *p == '"') {
                        buf_putc(&b, '"');
                        p++;
                        continue;
                    }
                    break;
                }
                const char *q = p;
                while (q < end && *q != delim && *q != '\n' && *q != '\r')
                    q++;
                buf_append(&b, p, (size_t)(q - p));
                p = q;
                c.text = b.ptr;
                c.len = b.len;
            } else {
                const char *q = p;
                while (q < end && *q != delim && *q != '\n' && *q != '\r')
                    q++;
                c.text = p;
                c.len = (size_t)(q - p);
                p = q;
            }
            if (nc < ROLL_MAX_COLS)
                cells[nc++] = c;
            if (p < end && *p == delim) {
                p++;
                continue;
            }
            break;
        }
        if (p < end && *p == '\r') {
            p++;
            if (p < end && *p == '\n')
                p++;
            line++;
        } else if (p < end && *p == '\n') {
            p++;
            line++;
        }
        struct roll_record rec = {start_line, cells, nc};
        rc = fn(ctx, &rec);
        if (rc < 0)
            goto out;
    }
out:
    arena_free(scratch);
    free(cells);
    return rc;
}

/*
 * mail.c - an outbox e-mail as an RFC 5322 message: headers with RFC 2047 encoded words
 * for Vietnamese text, a stable Message-ID, the body as UTF-8 in base64 with CRLF line ends.
 * Pure functions: no I/O, no database (send.c hands the result to libcurl).
 *
 * Header injection is impossible by construction: the recipient must be one plain address,
 * the subject may hold no CR or LF (both refused, not cleaned), every non-address text is
 * base64 inside encoded words, and the body is base64.
 */
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "comms/internal.h"

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Appends the base64 of p[0..n) without any line break. */
static void base64_append(struct buf *out, const unsigned char *p, size_t n)
{
    char q[4];
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        q[0] = b64[(v >> 18) & 63];
        q[1] = b64[(v >> 12) & 63];
        q[2] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
        q[3] = i + 2 < n ? b64[v & 63] : '=';
        buf_append(out, q, 4);
    }
}

void comms_base64_lines(struct buf *out, const unsigned char *p, size_t n)
{
    /* 57 input bytes make one line of 76 characters. */
    for (size_t i = 0; i < n; i += 57) {
        base64_append(out, p + i, n - i < 57 ? n - i : 57);
        buf_append(out, "\r\n", 2);
    }
}

/* Bytes of the UTF-8 sequence starting with lead byte c (1 for a stray byte). */
static size_t utf8_seq_len(unsigned char c)
{
    if (c >= 0xf0)
        return 4;
    if (c >= 0xe0)
        return 3;
    if (c >= 0xc0)
        return 2;
    return 1;
}

/* Payload bytes per encoded word: 39 bytes are 52 base64 characters, and with "=?UTF-8?B?"
 * and "?=" a word of 64; "Subject: " plus one word stays within RFC 2047's 76 per line. */
#define WORD_BYTES 39

void comms_encode_words(struct buf *out, const char *s, size_t n)
{
    size_t i = 0;
    int first = 1;
    while (i < n) {
        /* Take whole characters while they fit: a word must decode on its own. */
        size_t end = i;
        while (end < n) {
            size_t k = utf8_seq_len((unsigned char)s[end]);
            if (end + k > n || end + k - i > WORD_BYTES)
                break;
            end += k;
        }
        if (end == i) /* a truncated sequence at the end: keep its bytes, never loop */
            end = n;
        if (!first)
            buf_append(out, "\r\n ", 3);
        buf_puts(out, "=?UTF-8?B?");
        base64_append(out, (const unsigned char *)s + i, end - i);
        buf_puts(out, "?=");
        first = 0;
        i = end;
    }
}

/* The characters RFC 5322 allows in an unquoted local part (atext), plus '.'. */
static int atext(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return 1;
    return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~.", c) != NULL;
}

int comms_address_check(const char *addr)
{
    if (!addr)
        return ERR_INVALID;
    size_t n = strlen(addr);
    const char *at = strchr(addr, '@');
    if (n < 5 || n > COMMS_MAX_ADDRESS || !at || strchr(at + 1, '@'))
        return ERR_INVALID;
    size_t local = (size_t)(at - addr);
    if (local == 0 || local > 64 || addr[0] == '.' || at[-1] == '.')
        return ERR_INVALID;
    for (size_t i = 0; i < local; i++)
        if (!atext(addr[i]) || (addr[i] == '.' && addr[i + 1] == '.'))
            return ERR_INVALID;
    /* Domain: at least two labels of letters, digits and '-', not starting or ending with
     * '-'. Non-ASCII domains must arrive in their xn-- form. */
    const char *d = at + 1;
    int labels = 0;
    for (;;) {
        size_t len = 0;
        while ((d[len] >= 'a' && d[len] <= 'z') || (d[len] >= 'A' && d[len] <= 'Z') ||
               (d[len] >= '0' && d[len] <= '9') || d[len] == '-')
            len++;
        if (len == 0 || len > 63 || d[0] == '-' || d[len - 1] == '-')
            return ERR_INVALID;
        labels++;
        if (d[len] == '\0')
            break;
        if (d[len] != '.')
            return ERR_INVALID;
        d += len + 1;
    }
    return labels >= 2 ? 0 : ERR_INVALID;
}

int comms_subject_check(const char *subject)
{
    if (!subject)
        return ERR_INVALID;
    size_t n = strlen(subject);
    if (n > COMMS_MAX_SUBJECT || !utf8_valid(subject, n) || strpbrk(subject, "\r\n"))
        return ERR_INVALID;
    return 0;
}

static void trim_copy(char *dst, size_t cap, const char *s, size_t n)
{
    struct str t = str_trim((struct str){s, n});
    if (t.len >= 2 && t.ptr[0] == '"' && t.ptr[t.len - 1] == '"') {
        t.ptr++;
        t.len -= 2;
    }
    if (t.len >= cap)
        t.len = 0; /* refused by the caller's length check */
    memcpy(dst, t.ptr, t.len);
    dst[t.len] = '\0';
}

int comms_from_parse(const char *from, struct comms_from *out)
{
    memset(out, 0, sizeof *out);
    if (!from || strpbrk(from, "\r\n") || strlen(from) >= sizeof out->name)
        return ERR_INVALID;
    struct str f = str_trim(str_c(from));
    const char *lt = memchr(f.ptr, '<', f.len);
    if (lt) {
        if (f.ptr[f.len - 1] != '>')
            return ERR_INVALID;
        trim_copy(out->name, sizeof out->name, f.ptr, (size_t)(lt - f.ptr));
        trim_copy(out->addr, sizeof out->addr, lt + 1, f.len - (size_t)(lt - f.ptr) - 2);
        if (strpbrk(out->name, "\"\\<>") || !utf8_valid(out->name, strlen(out->name)))
            return ERR_INVALID;
    } else {
        trim_copy(out->addr, sizeof out->addr, f.ptr, f.len);
    }
    return comms_address_check(out->addr);
}

/* "Tue, 05 May 2026 07:30:00 +0700": Vietnam has no daylight saving time. */
static void date_vietnam(struct buf *out, int64_t t)
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t local = (time_t)(t + 7 * 3600);
    struct tm tm;
    if (!gmtime_r(&local, &tm))
        memset(&tm, 0, sizeof tm);
    buf_printf(out, "%s, %02d %s %04d %02d:%02d:%02d +0700", days[tm.tm_wday % 7], tm.tm_mday,
               months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* A Message-ID local part that is the same on every attempt of one message (so a receiver
 * can drop a duplicate of an at-least-once delivery) and unique across messages: a BLAKE2b
 * hash of everything that identifies it. */
static void message_id(struct buf *out, const struct comms_mail *m)
{
    crypto_generichash_state st;
    unsigned char h[16];
    char hex[33];
    char head[64];
    int k = snprintf(head, sizeof head, "%lld|%lld|", (long long)m->id, (long long)m->created_at);
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    crypto_generichash_update(&st, (const unsigned char *)head, (unsigned long long)k);
    crypto_generichash_update(&st, (const unsigned char *)m->to, strlen(m->to) + 1);
    crypto_generichash_update(&st, (const unsigned char *)m->subject, strlen(m->subject) + 1);
    crypto_generichash_update(&st, (const unsigned char *)m->body, strlen(m->body));
    crypto_generichash_final(&st, h, sizeof h);
    hex_encode(h, sizeof h, hex);
    const char *domain = strchr(m->from->addr, '@');
    buf_printf(out, "<%s.%lld@%s>", hex, (long long)m->id, domain ? domain + 1 : "localhost");
}

/* The From display name: ASCII letters, digits and spaces as they are, anything else as
 * encoded words. */
static int plain_phrase(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == ' '))
            return 0;
    return 1;
}

int comms_mail_format(const struct comms_mail *m, struct buf *out)
{
    if (comms_address_check(m->to) != 0 || comms_subject_check(m->subject) != 0 ||
        comms_address_check(m->from->addr) != 0)
        return ERR_INVALID;
    size_t body_len = strlen(m->body);
    if (body_len > COMMS_MAX_BODY || !utf8_valid(m->body, body_len))
        return ERR_INVALID;

    buf_puts(out, "Date: ");
    date_vietnam(out, m->created_at);
    buf_puts(out, "\r\nFrom: ");
    if (m->from->name[0] && plain_phrase(m->from->name)) {
        buf_printf(out, "%s <%s>", m->from->name, m->from->addr);
    } else if (m->from->name[0]) {
        comms_encode_words(out, m->from->name, strlen(m->from->name));
        buf_printf(out, "\r\n <%s>", m->from->addr);
    } else {
        buf_puts(out, m->from->addr);
    }
    buf_printf(out, "\r\nTo: %s\r\nSubject: ", m->to);
    comms_encode_words(out, m->subject, strlen(m->subject));
    buf_puts(out, "\r\nMessage-ID: ");
    message_id(out, m);
    buf_puts(out, "\r\nMIME-Version: 1.0\r\n"
                  "Content-Type: text/plain; charset=UTF-8\r\n"
                  "Content-Transfer-Encoding: base64\r\n"
                  "Auto-Submitted: auto-generated\r\n"
                  "\r\n");
    /* text/plain's canonical form has CRLF line ends: LF, CR and CRLF all become CRLF. */
    struct buf text;
    buf_init(&text, NULL);
    for (size_t i = 0; i < body_len; i++) {
        char c = m->body[i];
        if (c == '\r' || c == '\n') {
            buf_append(&text, "\r\n", 2);
            if (c == '\r' && i + 1 < body_len && m->body[i + 1] == '\n')
                i++;
        } else {
            buf_putc(&text, c);
        }
    }
    comms_base64_lines(out, (const unsigned char *)text.ptr, text.len);
    buf_free(&text);
    return 0;
}

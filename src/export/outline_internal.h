/*
 * outline_internal.h - what the two files of the outline recogniser share (not a public
 * header: only src/export/outline.c and src/export/outline_lines.c include it).
 *
 * outline_lines.c knows single lines: it cleans a raw line of its markup and tells how it
 * starts (Điều 1. / 1. / a) / - / Căn cứ...) or what the whole of it is (a signer's role, a
 * name, a stamp line). outline.c knows the document: blocks, paragraphs, the heading block,
 * joins across page breaks and the tree. Everything returned lives in the caller's arena or
 * points into the line given.
 */
#ifndef DANCHU_EXPORT_OUTLINE_INTERNAL_H
#define DANCHU_EXPORT_OUTLINE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <utf8proc.h>

#include "core/arena.h"

/* What a paragraph is, from how it starts (P_FORMULA, P_ROLE and P_TABLE: from all of it). */
enum pk {
    P_TEXT,
    P_PHAN,
    P_CHUONG,
    P_MUC,
    P_DIEU,
    P_KHOAN,
    P_DIEM,
    P_DASH,
    P_PLUS,
    P_PHU_LUC,
    P_BASIS,      /* Căn cứ, Xét, Theo đề nghị, Thực hiện <văn bản> */
    P_RECIPIENTS, /* Nơi nhận: */
    P_FORMULA,    /* QUYẾT NGHỊ: */
    P_ROLE,       /* a signature block: roles, then maybe the name */
    P_TABLE,
};

/* A cleaned line. */
struct pline {
    const char *s; /* no markup, single spaces, trimmed, NUL-terminated (arena) */
    size_t n;      /* its bytes */
    int no;        /* 1-based source line */
};

/* How a line starts. */
struct cls {
    enum pk kind;    /* its marker, or P_TEXT */
    const char *num; /* the number as written (inside the line) */
    size_t num_len;  /* its bytes */
    size_t rest;     /* offset of the text after the marker */
    int depth;       /* khoản: dots inside the number ("1.1" is 1) */
};

/* What outline_stamp_mark() tells of a line. */
enum stamp_mark {
    STAMP_NONE, /* not a stamp line */
    STAMP_LINE, /* "Chuyển:", "Ngày:", "Giờ:": in a stamp, but other lines may start so */
    STAMP_HS,   /* "Số và ký hiệu HS": only a stamp holds it */
    STAMP_DEN,  /* "ĐẾN" alone, before a tab or before "Số": the line that opens a stamp */
};

/* ---- characters ---- */

static inline int is_sp(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static inline int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The code point at s (n > 0 bytes), its length in *len; -1 (length 1) when malformed. */
static inline int32_t cp_at(const char *s, size_t n, size_t *len)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t k =
        utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)(n > 4 ? 4 : n), &c);
    if (k <= 0) {
        *len = 1;
        return -1;
    }
    *len = (size_t)k;
    return c;
}

static inline int cp_lower(int32_t c)
{
    return c >= 0 && utf8proc_category(c) == UTF8PROC_CATEGORY_LL;
}

static inline int cp_upper(int32_t c)
{
    return c >= 0 && (utf8proc_category(c) == UTF8PROC_CATEGORY_LU ||
                      utf8proc_category(c) == UTF8PROC_CATEGORY_LT);
}

/* Bytes of s[0..n) matched by lit at its start, letter case aside (both NFC); 0 if none. */
size_t outline_ci_prefix(const char *s, size_t n, const char *lit);
/* Whether s[0..n) has at least two letters and none of them lower case. */
int outline_upper_line(const char *s, size_t n);
/* Whether s[0..n) starts with a lower-case letter. */
int outline_starts_lower(const char *s, size_t n);
/* Words of s[0..n), separated by spaces. */
size_t outline_count_words(const char *s, size_t n);
/* The Vietnamese search folding of s[0..n) ("dieu 1."), NUL-terminated in a. */
const char *outline_fold(struct arena *a, const char *s, size_t n);
/* A sentence ends at s[n-1]: . ; : ! ? or an ellipsis. */
int outline_ends_sentence(const char *s, size_t n);
/* The first index from i on in s[0..n) that is not a space. */
size_t outline_skip_sp(const char *s, size_t n, size_t i);
/* Length of an upper-case Roman numeral made of set at s[i] (at most 8 letters), else 0. */
size_t outline_roman_at(const char *s, size_t n, size_t i, const char *set);
/* An en or em dash at s[i]: its bytes, else 0. */
size_t outline_long_dash(const char *s, size_t n, size_t i);

/* ---- lines ---- */

/*
 * The cleaned copy of the raw line in[0..len) (source line no) in a: backslash escapes
 * resolved first, so that an escaped marker counts as the marker, then Markdown heading marks,
 * emphasis stars, HTML tags and entities gone, spaces normalised and trimmed.
 */
struct pline outline_clean_line(struct arena *a, const char *in, size_t len, int no);
/* A line of only - _ = * ~ (three or more): a drawn rule. */
int outline_rule_line(const char *s, size_t n);
/* "3", "- 3 -", "Trang 3/12": a page number alone on its raw line. */
int outline_page_number(const char *s, size_t n);
/* How the cleaned line s[0..n) starts: its marker, number and where its text starts. */
void outline_classify(const char *s, size_t n, struct cls *c);
/* The enacting formula "QUYẾT NGHỊ:", "QUYẾT ĐỊNH:", "BAN HÀNH:" alone on its line. */
int outline_formula_line(struct arena *a, const struct pline *l);
/* "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "TỔ TRƯỞNG": a signer's role. */
int outline_role_line(const struct pline *l);
/* "(Đã ký)", "(để b/c)": a short note in brackets. */
int outline_note_line(const char *s, size_t n);
/* "Bùi Sỹ Hoàn": two to six capitalised words, no digits or punctuation. */
int outline_name_line(const struct pline *l);
/* Whether s[0..n) (raw or cleaned) is a line of an incoming-mail stamp, and which. */
enum stamp_mark outline_stamp_mark(const char *s, size_t n);

#endif

/*
 * utf8.h - UTF-8 validation, NFC normalisation (utf8proc) and the
 * Vietnamese folding used by search.
 *
 * Folding maps case, tone marks and vowel marks away and đ/Đ to d, so
 * "DÂN CHỦ", "dân chủ" and "dan chu" all fold to "dan chu". Decomposed
 * input (NFD, combining marks) folds the same as precomposed input.
 */
#ifndef DANCHU_CORE_UTF8_H
#define DANCHU_CORE_UTF8_H

#include <stddef.h>

#include "core/arena.h"

/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates), else 0. */
int utf8_valid(const char *s, size_t n);

/*
 * NFC form of s[0..n) as a NUL-terminated string in a; *out_len gets its length
 * (out_len may be NULL). Returns NULL when s is not valid UTF-8.
 */
char *utf8_nfc(struct arena *a, const char *s, size_t n, size_t *out_len);

/*
 * Search folding: NFC, lower case, no diacritics, đ→d, runs of white space
 * collapsed to one space, trimmed. Returns NULL when s is not valid UTF-8.
 */
char *utf8_fold(struct arena *a, const char *s, size_t n, size_t *out_len);

/* Number of code points in valid UTF-8 s[0..n). */
size_t utf8_length(const char *s, size_t n);

#endif

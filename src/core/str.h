/*
 * str.h - length-carrying strings and checked number parsing.
 *
 * Inside danchu strings travel as struct str (pointer + length, not
 * necessarily NUL-terminated); NUL-terminated strings appear only at
 * library boundaries. Numbers are parsed only with the checked helpers here
 * (atoi and friends are banned).
 */
#ifndef DANCHU_CORE_STR_H
#define DANCHU_CORE_STR_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

struct str {
    const char *ptr; /* first byte; may be NULL when len is 0 */
    size_t len;      /* number of bytes */
};

#define STR_LIT(s) ((struct str){(s), sizeof(s) - 1})

struct str str_c(const char *s);
int str_eq(struct str a, struct str b);
int str_eq_c(struct str a, const char *b);
/* ASCII case-insensitive equality. */
int str_case_eq_c(struct str a, const char *b);
int str_starts_with(struct str s, const char *prefix);
/* Without leading and trailing ASCII white space. */
struct str str_trim(struct str s);
/* NUL-terminated copy in a. */
char *str_dup(struct arena *a, struct str s);

/*
 * Parses a whole string as a base-10 integer within [min, max].
 * Leading/trailing spaces are not allowed. Returns 0 or ERR_INVALID.
 */
int parse_int64(struct str s, int64_t min, int64_t max, int64_t *out);
int parse_int(const char *s, int min, int max, int *out);

/*
 * Fast non-cryptographic 64-bit hash of n bytes, 8 bytes a step (ETags, cache keys). Not for
 * anything an attacker may aim collisions at.
 */
uint64_t hash64(const void *p, size_t n, uint64_t seed);

/* Lower-case hex of n bytes into out (2n+1 bytes, NUL-terminated). */
void hex_encode(const unsigned char *in, size_t n, char *out);

#endif

/*
 * rulefile.h - the parser shared by the rule sets versioned by effective date
 * (data/rules/disclosure.ini, data/rules/feedback.ini).
 *
 * Such a file is a list of [yyyy-mm-dd] sections, oldest first; each section is a
 * version of the rules that inherits every key of the one before it and sets some
 * again with "key = value" lines. '#' or ';' starts a comment at the start of a line
 * or after a blank. The first version must set every key; a key may be set only once
 * per section.
 *
 * This file owns that shape: the lines, comments, section headers and their dates,
 * their order, the growing array of versions (each a copy of the one before), the
 * "set twice" check and the "line N: reason" messages. A module supplies the size of
 * its version struct, where its `struct date effective` sits, and two callbacks: one
 * that gives a key its meaning, one that checks the first version is complete.
 */
#ifndef DANCHU_CORE_RULEFILE_H
#define DANCHU_CORE_RULEFILE_H

#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"
#include "core/str.h"

/* The parser's state while a file is read; callbacks pass it back to the functions below. */
struct rulefile;

/* What a module tells the parser about its rule set. */
struct rulefile_spec {
    size_t version_size;  /* sizeof the module's version struct */
    size_t effective_off; /* offsetof its `struct date effective` member */
    /*
     * Gives key = val on line `line` its meaning in `version` (the current section's,
     * already a copy of the one before, or zeroed for the first). Marks the key with
     * rulefile_mark() once the value is accepted. Returns 0, or ERR_INVALID after
     * rulefile_error() (an unknown key, a bad value).
     */
    int (*key)(struct rulefile *rf, void *version, struct str key, struct str val, int line);
    /*
     * Checks that the first version set everything a version needs: `set` has the bits
     * rulefile_mark() got in its section, `line` is its header's line (where a missing key
     * is reported). Called once, when the second section starts or at the end of the text.
     * Returns 0, or ERR_INVALID after rulefile_error().
     */
    int (*complete)(struct rulefile *rf, uint64_t set, int line);
};

/*
 * Parses text (len bytes; NULL reads as empty) as spec describes. On success *versions is a
 * heap array of *n_versions (at least one) version structs, oldest first, with strictly
 * increasing effective dates; the caller owns it and frees it with free(). On error returns
 * ERR_INVALID with *versions NULL and *n_versions 0, frees everything it built, and writes
 * "line N: reason" into err (may be NULL; truncated to err_len). A NUL byte, a malformed
 * section header or date, sections out of order, a key before the first section, a line
 * without '=' and a text without sections are errors here; the rest is the callbacks'.
 */
int rulefile_parse(const struct rulefile_spec *spec, const char *text, size_t len, void **versions,
                   size_t *n_versions, char *err, size_t err_len);

/*
 * The version in force on day d among n_versions versions laid out as spec says, oldest first
 * (as rulefile_parse() made them): the last whose effective date is on or before d, or NULL
 * when d precedes every version or there is none. The result points into versions.
 */
const void *rulefile_at(const struct rulefile_spec *spec, const void *versions, size_t n_versions,
                        struct date d);

/*
 * Writes "line N: " and the formatted reason into the caller's err buffer (nothing when it is
 * NULL). Returns ERR_INVALID, so a callback may `return rulefile_error(...)`.
 */
int rulefile_error(struct rulefile *rf, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Records that the current section set key, as bit `bit` (0 to 63, the module's numbering;
 * the set is passed to spec->complete). Returns 0, or ERR_INVALID with "KEY is set twice in
 * this section" on the current line when the bit is already set.
 */
int rulefile_mark(struct rulefile *rf, unsigned bit, struct str key);

/* Length of s for "%.*s" in a message, capped at 40 bytes so a long line stays readable. */
int rulefile_qlen(struct str s);

/*
 * Next word of *rest, separated by blanks (space, tab): the word goes to *word and *rest
 * moves past it. Returns 1, or 0 (with an empty *word) when only blanks are left.
 */
int rulefile_next_word(struct str *rest, struct str *word);

/* The same as rulefile_next_word() for a list separated by blanks, commas or both. */
int rulefile_next_item(struct str *rest, struct str *item);

/*
 * Parses s as a whole number of days in [min, max] (parse_int64()'s syntax: an optional sign,
 * digits, no blanks) into *out. Returns 0 or ERR_INVALID; the caller words the message, since it
 * knows the key.
 */
int rulefile_day_count(struct str s, int min, int max, int *out);

#endif

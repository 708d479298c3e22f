/*
 * rulefile.c - the parser of rule sets versioned by effective date (rulefile.h).
 *
 * The parser owns the version array while it builds it and hands it to the caller only
 * when the whole text is valid; a module's callbacks only fill the current version and
 * report their errors through rulefile_error().
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "core/err.h"
#include "core/rulefile.h"

/* Longest key or value quoted in an error message. */
#define QUOTE_MAX 40

struct rulefile {
    const struct rulefile_spec *spec; /* the module's description */
    char *versions;                   /* version_size bytes each, owned until handed over */
    size_t n_versions;                /* versions started */
    size_t cap;                       /* versions allocated */
    uint64_t set;                     /* rulefile_mark() bits of the current section */
    int section_line;                 /* line of the current section header (0: none yet) */
    int line;                         /* line being parsed */
    char *err;                        /* caller's message buffer (may be NULL) */
    size_t err_len;                   /* its size */
};

int rulefile_error(struct rulefile *rf, int line, const char *fmt, ...)
{
    if (!rf->err || rf->err_len == 0)
        return ERR_INVALID;
    int n = snprintf(rf->err, rf->err_len, "line %d: ", line);
    if (n < 0 || (size_t)n >= rf->err_len)
        return ERR_INVALID;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rf->err + n, rf->err_len - (size_t)n, fmt, ap);
    va_end(ap);
    return ERR_INVALID;
}

int rulefile_mark(struct rulefile *rf, unsigned bit, struct str key)
{
    assert(bit < 64);
    uint64_t b = (uint64_t)1 << bit;
    if (rf->set & b)
        return rulefile_error(rf, rf->line, "%.*s is set twice in this section", rulefile_qlen(key),
                              key.ptr);
    rf->set |= b;
    return 0;
}

int rulefile_qlen(struct str s)
{
    return s.len > QUOTE_MAX ? QUOTE_MAX : (int)s.len;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Next piece of *rest between separators: blanks, and commas when commas is set. */
static int next_piece(struct str *rest, struct str *out, int commas)
{
    size_t i = 0;
    while (i < rest->len && (is_blank(rest->ptr[i]) || (commas && rest->ptr[i] == ',')))
        i++;
    size_t start = i;
    while (i < rest->len && !is_blank(rest->ptr[i]) && !(commas && rest->ptr[i] == ','))
        i++;
    out->ptr = rest->ptr + start;
    out->len = i - start;
    rest->ptr += i;
    rest->len -= i;
    return out->len > 0;
}

int rulefile_next_word(struct str *rest, struct str *word)
{
    return next_piece(rest, word, 0);
}

int rulefile_next_item(struct str *rest, struct str *item)
{
    return next_piece(rest, item, 1);
}

int rulefile_day_count(struct str s, int min, int max, int *out)
{
    int64_t n;
    if (parse_int64(s, min, max, &n) != 0)
        return ERR_INVALID;
    *out = (int)n;
    return 0;
}

/* "[yyyy-mm-dd]": strictly that form, a real date. */
static int parse_section_date(struct str s, struct date *out)
{
    if (s.len != 10 || s.ptr[4] != '-' || s.ptr[7] != '-')
        return ERR_INVALID;
    for (size_t i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s.ptr[i] < '0' || s.ptr[i] > '9'))
            return ERR_INVALID;
    int64_t y, m, d;
    if (parse_int64((struct str){s.ptr, 4}, 1900, 9999, &y) != 0 ||
        parse_int64((struct str){s.ptr + 5, 2}, 1, 12, &m) != 0 ||
        parse_int64((struct str){s.ptr + 8, 2}, 1, 31, &d) != 0)
        return ERR_INVALID;
    struct date r = {(int)y, (int)m, (int)d};
    if (!date_valid(r))
        return ERR_INVALID;
    *out = r;
    return 0;
}

/* Version i of the array being built. */
static char *version_at(struct rulefile *rf, size_t i)
{
    return rf->versions + i * rf->spec->version_size;
}

/* The module's completeness check, once the first version has all its lines. */
static int check_first(struct rulefile *rf)
{
    if (rf->n_versions != 1)
        return 0;
    return rf->spec->complete(rf, rf->set, rf->section_line);
}

static int start_section(struct rulefile *rf, int line, struct str name)
{
    const struct rulefile_spec *spec = rf->spec;
    struct date d, prev;
    if (parse_section_date(name, &d) != 0)
        return rulefile_error(rf, line, "section [%.*s] is not a date: want [yyyy-mm-dd]",
                              rulefile_qlen(name), name.ptr);
    int rc = check_first(rf);
    if (rc)
        return rc;
    if (rf->n_versions) {
        memcpy(&prev, version_at(rf, rf->n_versions - 1) + spec->effective_off, sizeof prev);
        if (date_cmp(d, prev) <= 0)
            return rulefile_error(rf, line,
                                  "[%.*s] must come after the version before it (oldest first)",
                                  rulefile_qlen(name), name.ptr);
    }
    if (rf->n_versions == rf->cap) {
        rf->cap = rf->cap ? rf->cap * 2 : 4;
        rf->versions = realloc(rf->versions, rf->cap * spec->version_size);
        if (!rf->versions)
            abort();
    }
    char *v = version_at(rf, rf->n_versions);
    if (rf->n_versions)
        memcpy(v, version_at(rf, rf->n_versions - 1), spec->version_size); /* inherit */
    else
        memset(v, 0, spec->version_size);
    memcpy(v + spec->effective_off, &d, sizeof d);
    rf->n_versions++;
    rf->set = 0;
    rf->section_line = line;
    return 0;
}

const void *rulefile_at(const struct rulefile_spec *spec, const void *versions, size_t n_versions,
                        struct date d)
{
    const char *best = NULL;
    for (size_t i = 0; versions && i < n_versions; i++) {
        const char *v = (const char *)versions + i * spec->version_size;
        struct date eff;
        memcpy(&eff, v + spec->effective_off, sizeof eff);
        if (date_cmp(eff, d) <= 0)
            best = v;
    }
    return best;
}

/* The line without its comment: '#' or ';' at the start or after a blank. */
static struct str strip_comment(struct str s)
{
    for (size_t i = 0; i < s.len; i++)
        if ((s.ptr[i] == '#' || s.ptr[i] == ';') && (i == 0 || is_blank(s.ptr[i - 1])))
            return (struct str){s.ptr, i};
    return s;
}

static int parse_line(struct rulefile *rf, int line, struct str s)
{
    s = str_trim(strip_comment(s));
    if (!s.len)
        return 0;
    if (s.ptr[0] == '[') {
        if (s.ptr[s.len - 1] != ']')
            return rulefile_error(rf, line, "a section header must end with ']'");
        return start_section(rf, line, str_trim((struct str){s.ptr + 1, s.len - 2}));
    }
    const char *eq = memchr(s.ptr, '=', s.len);
    if (!eq)
        return rulefile_error(rf, line, "expected 'key = value' or [yyyy-mm-dd], not '%.*s'",
                              rulefile_qlen(s), s.ptr);
    struct str key = str_trim((struct str){s.ptr, (size_t)(eq - s.ptr)});
    struct str val = str_trim((struct str){eq + 1, s.len - (size_t)(eq - s.ptr) - 1});
    if (!key.len)
        return rulefile_error(rf, line, "a key is missing before '='");
    if (!rf->n_versions)
        return rulefile_error(rf, line, "'%.*s' comes before the first [yyyy-mm-dd] section",
                              rulefile_qlen(key), key.ptr);
    return rf->spec->key(rf, version_at(rf, rf->n_versions - 1), key, val, line);
}

int rulefile_parse(const struct rulefile_spec *spec, const char *text, size_t len, void **versions,
                   size_t *n_versions, char *err, size_t err_len)
{
    struct rulefile rf = {.spec = spec, .err = err, .err_len = err_len};
    int rc = 0;
    if (err && err_len)
        err[0] = '\0';
    *versions = NULL;
    *n_versions = 0;
    if (!text)
        len = 0;
    size_t pos = 0;
    while (pos < len) {
        rf.line++;
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        struct str s = {text + pos, end - pos};
        if (memchr(s.ptr, '\0', s.len)) {
            rc = rulefile_error(&rf, rf.line, "NUL byte in the text");
            goto out;
        }
        if ((rc = parse_line(&rf, rf.line, s)) != 0)
            goto out;
        pos = nl ? end + 1 : len;
    }
    if (!rf.n_versions) {
        rc = rulefile_error(&rf, rf.line ? rf.line : 1,
                            "no [yyyy-mm-dd] section: the rule set is empty");
        goto out;
    }
    rc = check_first(&rf);
out:
    if (rc) {
        free(rf.versions);
        return ERR_INVALID;
    }
    *versions = rf.versions;
    *n_versions = rf.n_versions;
    return 0;
}

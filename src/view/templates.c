/*
 * templates.c - the registry of embedded templates.
 *
 * Built once at start-up from every embedded file "web/templates/NAME.mustache",
 * compiled, and sorted by NAME so that lookups (of pages, partials and
 * parents alike) are a binary search. Nothing changes after construction, so
 * worker threads share the registry without locks. The registry owns the
 * compiled templates and its copies of the names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "view/view.h"

static const char prefix[] = "web/templates/";
static const char suffix[] = ".mustache";

/* One compiled template and its name. */
struct view_entry {
    char *name;           /* "units/households", owned */
    struct mustache *tpl; /* owned */
};

struct view_templates {
    struct view_entry *entries; /* sorted by name */
    size_t n_entries;           /* their count */
};

/* The template name of an embedded path, or 0 when the file is no template. */
static int template_name(const char *path, const char **name, size_t *len)
{
    size_t n = strlen(path), np = sizeof(prefix) - 1, ns = sizeof(suffix) - 1;
    if (n <= np + ns || strncmp(path, prefix, np) != 0 || strcmp(path + n - ns, suffix) != 0)
        return 0;
    *name = path + np;
    *len = n - np - ns;
    return 1;
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const struct view_entry *)a)->name, ((const struct view_entry *)b)->name);
}

/* Finds name (len bytes) among the sorted entries. */
static const struct view_entry *find(const struct view_templates *reg, const char *name, size_t len)
{
    size_t lo = 0, hi = reg->n_entries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *key = reg->entries[mid].name;
        int c = strncmp(key, name, len);
        if (c == 0)
            c = key[len] == '\0' ? 0 : 1;
        if (c == 0)
            return &reg->entries[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int load(void *ctx, const char *name, size_t name_len, const struct mustache **out)
{
    const struct view_entry *e = find(ctx, name, name_len);
    *out = e ? e->tpl : NULL;
    return 0;
}

int view_templates_from(const struct embed_file *files, size_t n_files, struct view_templates **out,
                        char *err, size_t err_len)
{
    int rc = 0;
    struct view_templates *reg = calloc(1, sizeof(*reg));
    if (!reg)
        abort(); /* out of memory aborts, as everywhere in danchu */
    reg->entries = calloc(n_files ? n_files : 1, sizeof(*reg->entries));
    if (!reg->entries)
        abort();
    if (err_len)
        err[0] = '\0';
    for (size_t i = 0; i < n_files; i++) {
        const char *name;
        size_t len;
        if (!template_name(files[i].name, &name, &len))
            continue;
        struct view_entry *e = &reg->entries[reg->n_entries];
        e->name = strndup(name, len);
        if (!e->name)
            abort();
        reg->n_entries++;
        rc = mustache_compile(e->name, (const char *)files[i].data, files[i].len, &e->tpl, err,
                              err_len);
        if (rc)
            goto out;
    }
    qsort(reg->entries, reg->n_entries, sizeof(*reg->entries), entry_cmp);
    for (size_t i = 1; i < reg->n_entries; i++) {
        if (strcmp(reg->entries[i - 1].name, reg->entries[i].name) == 0) {
            snprintf(err, err_len, "template '%s' embedded twice", reg->entries[i].name);
            rc = ERR_CONFLICT;
            goto out;
        }
    }
out:
    if (rc) {
        view_templates_free(reg);
        reg = NULL;
    }
    *out = reg;
    return rc;
}

int view_templates_new(struct view_templates **out, char *err, size_t err_len)
{
    return view_templates_from(embed_files, embed_count, out, err, err_len);
}

void view_templates_free(struct view_templates *reg)
{
    if (!reg)
        return;
    for (size_t i = 0; i < reg->n_entries; i++) {
        free(reg->entries[i].name);
        mustache_free(reg->entries[i].tpl);
    }
    free(reg->entries);
    free(reg);
}

const struct mustache *view_templates_find(const struct view_templates *reg, const char *name)
{
    const struct view_entry *e = find(reg, name, strlen(name));
    return e ? e->tpl : NULL;
}

size_t view_templates_count(const struct view_templates *reg)
{
    return reg->n_entries;
}

int view_render(const struct view_templates *reg, const char *name, json_t *data, int flags,
                struct buf *out, char *err, size_t err_len)
{
    return view_render_rows(reg, name, data, NULL, 0, flags, out, err, err_len);
}

int view_render_rows(const struct view_templates *reg, const char *name, json_t *data,
                     const struct view_rows *tables, size_t n_tables, int flags, struct buf *out,
                     char *err, size_t err_len)
{
    const struct mustache *t = view_templates_find(reg, name);
    if (!t) {
        snprintf(err, err_len, "no template '%s'", name);
        return ERR_NOT_FOUND;
    }
    struct mustache_loader loader = {load, (void *)reg};
    return mustache_render_rows(t, data, tables, n_tables, &loader, flags, out, err, err_len);
}

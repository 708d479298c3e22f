/*
 * mustache_spec_test.c - runs every case of the official Mustache spec
 * (comments, delimiters, interpolation, inverted, partials, sections,
 * ~inheritance) against src/view, one cmocka test per spec case, named
 * "file: case". Run from the repository root.
 *
 * The spec's JSON files are read from $DANCHU_SHARED_DATA/mustache-spec, else
 * ../shared/data/mustache-spec; they are never copied into the repository.
 * When the folder is absent the cases are skipped with a loud line on stderr.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "core/err.h"
#include "view/view.h"

static const char *const spec_files[] = {
    "comments", "delimiters", "interpolation", "inverted", "partials", "sections", "~inheritance",
};

/* One spec case, handed to its cmocka test as state. */
struct spec_case {
    const char *file; /* spec file without ".json" */
    json_t *test;     /* the case: name, template, data, partials, expected (borrowed) */
    char name[200];   /* "file: case name", the cmocka test's name */
};

/* The partials of one case, compiled on first use. */
struct spec_partials {
    json_t *texts;                 /* object name -> template text, or NULL */
    struct mustache *compiled[16]; /* compiled partials, in the order first asked for */
    const char *names[16];         /* their names (borrowed from texts) */
    size_t n;                      /* entries used */
};

static int spec_load(void *ctx, const char *name, size_t name_len, const struct mustache **out)
{
    struct spec_partials *sp = ctx;
    *out = NULL;
    for (size_t i = 0; i < sp->n; i++) {
        if (strlen(sp->names[i]) == name_len && memcmp(sp->names[i], name, name_len) == 0) {
            *out = sp->compiled[i];
            return 0;
        }
    }
    const char *key;
    json_t *text;
    json_object_foreach(sp->texts, key, text)
    {
        if (strlen(key) != name_len || memcmp(key, name, name_len) != 0)
            continue;
        if (sp->n == 16)
            return ERR_TOO_LARGE;
        char err[256];
        struct mustache *t;
        int rc = mustache_compile(key, json_string_value(text), json_string_length(text), &t, err,
                                  sizeof(err));
        if (rc) {
            print_error("partial %s: %s\n", key, err);
            return rc;
        }
        sp->names[sp->n] = key;
        sp->compiled[sp->n++] = t;
        *out = t;
        return 0;
    }
    return 0;
}

static void run_case(void **state)
{
    const struct spec_case *c = *state;
    json_t *tpl = json_object_get(c->test, "template");
    json_t *expected = json_object_get(c->test, "expected");
    struct spec_partials sp = {.texts = json_object_get(c->test, "partials")};
    struct mustache_loader loader = {spec_load, &sp};
    struct mustache *t = NULL;
    struct buf out;
    char err[256];
    buf_init(&out, NULL);

    int rc = mustache_compile(c->name, json_string_value(tpl), json_string_length(tpl), &t, err,
                              sizeof(err));
    if (rc == 0)
        rc = mustache_render(t, json_object_get(c->test, "data"), &loader, 0, &out, err,
                             sizeof(err));
    int same = rc == 0 && out.len == json_string_length(expected) &&
               memcmp(out.ptr, json_string_value(expected), out.len) == 0;
    char *got = strdup(rc == 0 ? out.ptr : err);
    mustache_free(t);
    for (size_t i = 0; i < sp.n; i++)
        mustache_free(sp.compiled[i]);
    buf_free(&out);
    if (!same) {
        char *want = json_dumps(expected, JSON_ENCODE_ANY);
        json_t *got_json = json_string(got);
        char *got_text = got_json ? json_dumps(got_json, JSON_ENCODE_ANY) : NULL;
        print_error(
            "spec case \"%s\" failed (%s)\n  template: %s\n  expected: %s\n  got:      %s\n",
            c->name, rc ? "error" : "wrong output", json_string_value(tpl), want,
            got_text ? got_text : got);
        free(want);
        free(got_text);
        json_decref(got_json);
        free(got);
        fail_msg("spec case \"%s\" failed", c->name);
    }
    free(got);
}

static void spec_missing(void **state)
{
    (void)state;
    skip();
}

int main(void)
{
    char dir[1024];
    const char *shared = getenv("DANCHU_SHARED_DATA");
    if (shared && shared[0])
        snprintf(dir, sizeof(dir), "%s/mustache-spec", shared);
    else
        snprintf(dir, sizeof(dir), "../shared/data/mustache-spec");
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "SKIPPED: mustache spec not found at %s (set DANCHU_SHARED_DATA)\n", dir);
        const struct CMUnitTest none[] = {cmocka_unit_test(spec_missing)};
        return cmocka_run_group_tests_name("mustache_spec", none, NULL, NULL);
    }

    json_t *docs[sizeof(spec_files) / sizeof(spec_files[0])] = {0};
    size_t n_cases = 0;
    for (size_t f = 0; f < sizeof(spec_files) / sizeof(spec_files[0]); f++) {
        char path[1200];
        json_error_t jerr;
        snprintf(path, sizeof(path), "%s/%s.json", dir, spec_files[f]);
        docs[f] = json_load_file(path, 0, &jerr);
        if (!docs[f]) {
            fprintf(stderr, "mustache spec: cannot read %s: %s\n", path, jerr.text);
            return 1;
        }
        n_cases += json_array_size(json_object_get(docs[f], "tests"));
    }

    struct spec_case *cases = calloc(n_cases, sizeof(*cases));
    struct CMUnitTest *tests = calloc(n_cases, sizeof(*tests));
    if (!cases || !tests)
        return 1;
    size_t k = 0;
    for (size_t f = 0; f < sizeof(spec_files) / sizeof(spec_files[0]); f++) {
        json_t *list = json_object_get(docs[f], "tests");
        size_t i;
        json_t *test;
        json_array_foreach(list, i, test)
        {
            struct spec_case *c = &cases[k];
            c->file = spec_files[f];
            c->test = test;
            snprintf(c->name, sizeof(c->name), "%s: %s", spec_files[f],
                     json_string_value(json_object_get(test, "name")));
            tests[k].name = c->name;
            tests[k].test_func = run_case;
            tests[k].initial_state = c;
            k++;
        }
    }
    int failed = _cmocka_run_group_tests("mustache_spec", tests, k, NULL, NULL);
    free(tests);
    free(cases);
    for (size_t f = 0; f < sizeof(spec_files) / sizeof(spec_files[0]); f++)
        json_decref(docs[f]);
    return failed;
}

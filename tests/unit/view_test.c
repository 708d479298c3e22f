/*
 * view_test.c - behaviour of src/view beyond the official spec: strict mode,
 * HTML escaping, layouts through inheritance, long lists, compile errors,
 * run-away templates, and the registry of embedded templates (the small
 * templates under web/templates/test/).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/err.h"
#include "view/view.h"

/* Partials given as a NULL-terminated list of name, text pairs, compiled on use. */
struct inline_partials {
    const char *const *pairs;     /* name, text, name, text, ..., NULL */
    struct mustache *compiled[8]; /* by pair index, compiled on first use */
};

static int inline_load(void *ctx, const char *name, size_t len, const struct mustache **out)
{
    struct inline_partials *ip = ctx;
    *out = NULL;
    for (size_t i = 0; ip->pairs[2 * i]; i++) {
        if (strlen(ip->pairs[2 * i]) != len || memcmp(ip->pairs[2 * i], name, len) != 0)
            continue;
        if (!ip->compiled[i]) {
            const char *text = ip->pairs[2 * i + 1];
            int rc =
                mustache_compile(ip->pairs[2 * i], text, strlen(text), &ip->compiled[i], NULL, 0);
            if (rc)
                return rc;
        }
        *out = ip->compiled[i];
    }
    return 0;
}

static void inline_free(struct inline_partials *ip)
{
    for (size_t i = 0; i < 8; i++)
        mustache_free(ip->compiled[i]);
}

/*
 * Compiles and renders text against the JSON document data_json; returns the
 * render's code, leaves the output (a heap string) in *html and any message in err.
 */
static int render(const char *text, const char *data_json, const char *const *partials, int flags,
                  char **html, char *err, size_t err_len)
{
    json_error_t jerr;
    json_t *data = json_loads(data_json, 0, &jerr);
    assert_non_null(data);
    struct mustache *t = NULL;
    int rc = mustache_compile("test", text, strlen(text), &t, err, err_len);
    assert_int_equal(rc, 0);
    const char *const none[] = {NULL};
    struct inline_partials ip = {.pairs = partials ? partials : none};
    struct mustache_loader loader = {inline_load, &ip};
    struct buf out;
    buf_init(&out, NULL);
    rc = mustache_render(t, data, &loader, flags, &out, err, err_len);
    *html = strdup(out.ptr);
    buf_free(&out);
    inline_free(&ip);
    mustache_free(t);
    json_decref(data);
    return rc;
}

/* Renders in normal mode and checks the output. */
static void expect(const char *text, const char *data_json, const char *const *partials,
                   const char *want)
{
    char *html, err[256];
    assert_int_equal(render(text, data_json, partials, 0, &html, err, sizeof(err)), 0);
    assert_string_equal(html, want);
    free(html);
}

static void strict_missing_key_is_error_naming_key_and_line(void **state)
{
    (void)state;
    char *html, err[256];
    int rc = render("<h1>{{title}}</h1>\n<p>{{unit.name}}</p>\n", "{\"title\": \"Thôn 1\"}", NULL,
                    MUSTACHE_STRICT, &html, err, sizeof(err));
    assert_int_equal(rc, ERR_INVALID);
    assert_non_null(strstr(err, "unit.name"));
    assert_non_null(strstr(err, "test:2:"));
    free(html);

    /* the same key in normal mode renders as nothing */
    expect("<p>{{unit.name}}</p>", "{}", NULL, "<p></p>");

    /* a raw interpolation is checked as well */
    rc = render("{{{body}}}", "{}", NULL, MUSTACHE_STRICT, &html, err, sizeof(err));
    assert_int_equal(rc, ERR_INVALID);
    assert_non_null(strstr(err, "body"));
    free(html);
}

static void strict_allows_absent_sections(void **state)
{
    (void)state;
    char *html, err[256];
    int rc = render("{{#notices}}<li>{{.}}</li>{{/notices}}{{^notices}}<p>Không có</p>{{/notices}}",
                    "{}", NULL, MUSTACHE_STRICT, &html, err, sizeof(err));
    assert_int_equal(rc, 0);
    assert_string_equal(html, "<p>Không có</p>");
    free(html);

    /* null is a present value: renders empty, no error */
    rc = render("[{{note}}]", "{\"note\": null}", NULL, MUSTACHE_STRICT, &html, err, sizeof(err));
    assert_int_equal(rc, 0);
    assert_string_equal(html, "[]");
    free(html);
}

static void strict_missing_partial_is_error(void **state)
{
    (void)state;
    char *html, err[256];
    int rc = render("{{>nowhere}}", "{}", NULL, MUSTACHE_STRICT, &html, err, sizeof(err));
    assert_int_equal(rc, ERR_INVALID);
    assert_non_null(strstr(err, "nowhere"));
    free(html);
    expect("[{{>nowhere}}]", "{}", NULL, "[]");
}

static void escapes_script_quotes_and_ampersands(void **state)
{
    (void)state;
    expect("<p title=\"{{t}}\">{{t}}</p>", "{\"t\": \"<script>alert(\\\"x\\\" & 'y')</script>\"}",
           NULL,
           "<p title=\"&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;\">"
           "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;</p>");
    /* raw only where asked for */
    expect("{{{t}}}|{{&t}}", "{\"t\": \"<b>&amp;</b>\"}", NULL, "<b>&amp;</b>|<b>&amp;</b>");
    /* Vietnamese text passes through untouched */
    expect("{{t}}", "{\"t\": \"Hội nghị thôn – “dân biết, dân bàn”\"}", NULL,
           "Hội nghị thôn – “dân biết, dân bàn”");

    struct buf b;
    buf_init(&b, NULL);
    view_html_escape(&b, "a<b>&\"'z", 9);
    assert_string_equal(b.ptr, "a&lt;b&gt;&amp;&quot;&#39;z");
    buf_free(&b);
}

static void numbers_and_truthiness(void **state)
{
    (void)state;
    expect("{{n}} {{r}} {{big}} {{t}}", "{\"n\": 42, \"r\": 1.21, \"big\": 0.1, \"t\": true}", NULL,
           "42 1.21 0.1 true");
    /* 0 is truthy; false, null, [] and "" are not (so {{#note}}…{{/note}} shows only a note
     * that has text, and {{^note}} its fallback) */
    expect("{{#z}}z{{/z}}{{#e}}e{{/e}}{{#f}}f{{/f}}{{#n}}n{{/n}}{{#l}}l{{/l}}{{^e}}!{{/e}}",
           "{\"z\": 0, \"e\": \"\", \"f\": false, \"n\": null, \"l\": []}", NULL, "z!");
}

/* A table of three households with every kind of cell, and a computed flag column. */
static struct rows *household_rows(struct arena *a)
{
    struct rows *t = rows_new(a, 6);
    rows_add_col(t, "code");
    rows_add_col(t, "name");
    rows_add_col(t, "n");
    rows_add_col(t, "note");
    rows_add_col(t, "share");
    size_t active = rows_add_col(t, "active");
    const char *codes[] = {"H-1", "H-2", "H-3"};
    const char *names[] = {"Nguyễn Văn <An>", "Trần \"Bình\" & Co", "Lê Thị Cúc"};
    for (size_t i = 0; i < 3; i++) {
        struct rows_cell *row = rows_add_row(t);
        rows_set_text(&row[0], codes[i]);
        rows_set_textn(t, &row[1], names[i], strlen(names[i]));
        rows_set_int(&row[2], (int64_t)i * 10 - 10); /* -10, 0, 10 */
        if (i == 1)
            rows_set_text(&row[3], ""); /* "" is falsy, like NULL */
        row[4] = (struct rows_cell){.kind = ROWS_REAL, .d = 0.25 * (double)i};
        rows_set_bool(rows_at(t, i, active), i != 2);
    }
    return t;
}

/* Rows render as the same data as JSON would: same output through both paths. */
static void rows_render_like_their_json(void **state)
{
    (void)state;
    const char *text = "{{title}}:{{#hh}}[{{code}} {{name}} {{{name}}} {{n}} "
                       "{{#note}}note{{/note}}{{^note}}-{{/note}} {{share}} "
                       "{{#active}}on{{/active}}{{^active}}off{{/active}} {{title}}]{{/hh}}"
                       "{{^hh}}none{{/hh}}{{^empty}}empty{{/empty}}{{#empty}}rows{{/empty}}";
    struct arena *a = arena_new(0);
    struct rows *t = household_rows(a);
    struct rows *empty = rows_new(a, 2);
    rows_add_col(empty, "code");
    struct mustache *m = NULL;
    assert_int_equal(mustache_compile("rows", text, strlen(text), &m, NULL, 0), 0);
    json_t *data = json_pack("{s:s}", "title", "Thôn 1");
    struct view_rows tables[] = {{"hh", t}, {"empty", empty}};
    struct buf with_rows;
    buf_init(&with_rows, NULL);
    char err[256];
    assert_int_equal(mustache_render_rows(m, data, tables, 2, NULL, MUSTACHE_STRICT, &with_rows,
                                          err, sizeof err),
                     0);
    /* The same model with the tables as JSON arrays. */
    json_object_set_new(data, "hh", rows_json(t));
    json_object_set_new(data, "empty", rows_json(empty));
    struct buf with_json;
    buf_init(&with_json, NULL);
    assert_int_equal(mustache_render(m, data, NULL, MUSTACHE_STRICT, &with_json, err, sizeof err),
                     0);
    assert_string_equal(with_rows.ptr, with_json.ptr);
    assert_non_null(strstr(with_rows.ptr, "[H-1 Nguyễn Văn &lt;An&gt; Nguyễn Văn <An> -10 - 0 on "
                                          "Thôn 1]"));
    assert_non_null(strstr(with_rows.ptr, "Trần &quot;Bình&quot; &amp; Co"));
    assert_non_null(strstr(with_rows.ptr, " 0 - 0.25 on "));
    assert_non_null(strstr(with_rows.ptr, "[H-3 Lê Thị Cúc Lê Thị Cúc 10 - 0.5 off Thôn 1]empty"));
    assert_null(strstr(with_rows.ptr, "none"));
    /* JSON keeps the kinds: integers, reals, strings, booleans, null. */
    json_t *j = json_object_get(data, "hh");
    assert_int_equal(json_array_size(j), 3);
    assert_true(json_is_integer(json_object_get(json_array_get(j, 0), "n")));
    assert_true(json_is_null(json_object_get(json_array_get(j, 0), "note")));
    assert_true(json_is_real(json_object_get(json_array_get(j, 2), "share")));
    assert_true(json_is_false(json_object_get(json_array_get(j, 2), "active")));
    /* A name no row column has, in strict mode, is still an error. */
    struct mustache *bad = NULL;
    assert_int_equal(mustache_compile("bad", "{{#hh}}{{missing}}{{/hh}}", 25, &bad, NULL, 0), 0);
    struct buf out;
    buf_init(&out, NULL);
    assert_int_equal(
        mustache_render_rows(bad, data, tables, 2, NULL, MUSTACHE_STRICT, &out, err, sizeof err),
        ERR_INVALID);
    assert_non_null(strstr(err, "missing"));
    buf_free(&out);
    mustache_free(bad);
    buf_free(&with_rows);
    buf_free(&with_json);
    json_decref(data);
    mustache_free(m);
    arena_free(a);
}

static void layout_with_blocks(void **state)
{
    (void)state;
    const char *const partials[] = {
        "layout",
        "<html>\n<head><title>{{$title}}Dân chủ{{/title}}</title></head>\n<body>\n"
        "  {{$main}}\n  <p>mặc định</p>\n  {{/main}}\n</body>\n</html>\n",
        NULL,
    };
    expect("{{<layout}}\n{{$title}}Họp thôn {{n}}{{/title}}\n{{$main}}\n<h1>Chương trình</h1>\n"
           "<p>{{n}}</p>\n{{/main}}\n{{/layout}}\n",
           "{\"n\": 3}", partials,
           "<html>\n<head><title>Họp thôn 3</title></head>\n<body>\n"
           "  <h1>Chương trình</h1>\n  <p>3</p>\n</body>\n</html>\n");
    /* a block not passed keeps its default */
    expect("{{<layout}}{{$title}}T{{/title}}{{/layout}}", "{}", partials,
           "<html>\n<head><title>T</title></head>\n<body>\n  <p>mặc định</p>\n</body>\n</html>\n");
}

/* Builds {"rows": [...50 households...]}. */
static json_t *fifty_rows(void)
{
    json_t *rows = json_array();
    for (int i = 1; i <= 50; i++) {
        char head[64];
        snprintf(head, sizeof(head), "Hộ %d & con", i);
        json_array_append_new(
            rows, json_pack("{s:i, s:s, s:b}", "id", i, "head", head, "poor", i % 10 == 0));
    }
    return json_pack("{s:o, s:s}", "rows", rows, "title", "Danh sách");
}

static void renders_fifty_rows(void **state)
{
    (void)state;
    static const char text[] = "<h1>{{title}}</h1>\n<table>\n{{#rows}}\n"
                               "  <tr><td>{{id}}</td><td>{{head}}</td>"
                               "<td>{{#poor}}nghèo{{/poor}}</td></tr>\n"
                               "{{/rows}}\n</table>\n";
    json_t *data = fifty_rows();
    struct mustache *t;
    char err[256];
    assert_int_equal(mustache_compile("rows", text, sizeof(text) - 1, &t, err, sizeof(err)), 0);
    struct buf out, want;
    buf_init(&out, NULL);
    buf_init(&want, NULL);
    buf_puts(&want, "<h1>Danh sách</h1>\n<table>\n");
    for (int i = 1; i <= 50; i++)
        buf_printf(&want, "  <tr><td>%d</td><td>Hộ %d &amp; con</td><td>%s</td></tr>\n", i, i,
                   i % 10 == 0 ? "nghèo" : "");
    buf_puts(&want, "</table>\n");
    assert_int_equal(mustache_render(t, data, NULL, MUSTACHE_STRICT, &out, err, sizeof(err)), 0);
    assert_string_equal(out.ptr, want.ptr);

    /* compiled once, rendered many times: must stay cheap (a hot path) */
    clock_t start = clock();
    for (int i = 0; i < 2000; i++) {
        buf_reset(&out);
        assert_int_equal(mustache_render(t, data, NULL, 0, &out, err, sizeof(err)), 0);
    }
    double secs = (double)(clock() - start) / CLOCKS_PER_SEC;
    print_message("2000 renders of 50 rows: %.3f s\n", secs);
    assert_true(secs < 4.0);
    buf_free(&out);
    buf_free(&want);
    mustache_free(t);
    json_decref(data);
}

/* Compiling text must fail with a message containing needle. */
static void expect_compile_error(const char *text, const char *needle)
{
    struct mustache *t = (struct mustache *)1;
    char err[256];
    if (mustache_compile("bad", text, strlen(text), &t, err, sizeof(err)) != ERR_INVALID)
        fail_msg("\"%s\" compiled", text);
    assert_null(t);
    if (!strstr(err, needle))
        fail_msg("error \"%s\" does not mention \"%s\"", err, needle);
}

static void unbalanced_sections_fail_to_compile(void **state)
{
    (void)state;
    expect_compile_error("<ul>\n{{#rows}}\n<li>{{x}}</li>\n",
                         "bad:2: section 'rows' is never closed");
    expect_compile_error("{{#a}}{{#b}}{{/a}}{{/b}}", "'a' does not match 'b'");
    expect_compile_error("x\n{{/a}}", "bad:2: closing tag 'a' has no open section");
    expect_compile_error("{{<layout}}{{$main}}{{/layout}}", "does not match");
    expect_compile_error("{{title", "never closed");
    expect_compile_error("{{}}", "empty tag");
    expect_compile_error("{{=<% =}}", "set-delimiter");
    expect_compile_error("{{=<% %> x=}}", "set-delimiter");
    expect_compile_error("{{a b}}", "space inside");
    expect_compile_error("{{a..b}}", "bad name");
}

static void runaway_recursion_is_stopped(void **state)
{
    (void)state;
    const char *const partials[] = {"loop", "x{{>loop}}", NULL};
    char *html, err[256];
    int rc = render("{{>loop}}", "{}", partials, 0, &html, err, sizeof(err));
    assert_int_equal(rc, ERR_TOO_LARGE);
    assert_non_null(strstr(err, "deep"));
    free(html);
}

static void registry_from_files(void **state)
{
    (void)state;
    static const char layout[] = "<main>{{$body}}{{/body}}</main>";
    static const char page[] =
        "{{<shell/layout}}{{$body}}{{>shell/item}}{{/body}}{{/shell/layout}}";
    static const char item[] = "<b>{{name}}</b>";
    const struct embed_file files[] = {
        {"web/templates/shell/layout.mustache", (const unsigned char *)layout, sizeof(layout) - 1},
        {"web/templates/shell/page.mustache", (const unsigned char *)page, sizeof(page) - 1},
        {"web/templates/shell/item.mustache", (const unsigned char *)item, sizeof(item) - 1},
        {"web/static/app.css", (const unsigned char *)"body{}", 6},
        {"web/templates/README.md", (const unsigned char *)"x", 1},
    };
    struct view_templates *reg;
    char err[256];
    assert_int_equal(view_templates_from(files, 5, &reg, err, sizeof(err)), 0);
    assert_int_equal(view_templates_count(reg), 3);
    assert_non_null(view_templates_find(reg, "shell/item"));
    assert_null(view_templates_find(reg, "shell/ite"));
    assert_null(view_templates_find(reg, "app"));

    json_t *data = json_pack("{s:s}", "name", "A & B");
    struct buf out;
    buf_init(&out, NULL);
    assert_int_equal(view_render(reg, "shell/page", data, MUSTACHE_STRICT, &out, err, sizeof(err)),
                     0);
    assert_string_equal(out.ptr, "<main><b>A &amp; B</b></main>");
    assert_int_equal(view_render(reg, "shell/nope", data, 0, &out, err, sizeof(err)),
                     ERR_NOT_FOUND);
    buf_free(&out);
    json_decref(data);
    view_templates_free(reg);

    /* one broken template fails the registry, naming it */
    static const char broken[] = "<p>\n{{#x}}\n";
    const struct embed_file bad[] = {
        {"web/templates/shell/item.mustache", (const unsigned char *)item, sizeof(item) - 1},
        {"web/templates/shell/broken.mustache", (const unsigned char *)broken, sizeof(broken) - 1},
    };
    reg = (struct view_templates *)1;
    assert_int_equal(view_templates_from(bad, 2, &reg, err, sizeof(err)), ERR_INVALID);
    assert_null(reg);
    assert_non_null(strstr(err, "shell/broken:2:"));
}

static void embedded_templates_compile_and_layout_renders(void **state)
{
    (void)state;
    struct view_templates *reg;
    char err[256];
    int rc = view_templates_new(&reg, err, sizeof(err));
    if (rc)
        fail_msg("embedded templates: %s", err);
    assert_non_null(view_templates_find(reg, "test/layout"));

    json_t *data = json_loads("{\"unit\": {\"name\": \"Thôn Đông\"}, \"households\": ["
                              "{\"head\": \"Nguyễn Văn A\", \"members\": 4},"
                              "{\"head\": \"Trần <B>\", \"members\": 3}]}",
                              0, NULL);
    struct buf out;
    buf_init(&out, NULL);
    rc = view_render(reg, "test/page", data, MUSTACHE_STRICT, &out, err, sizeof(err));
    if (rc)
        fail_msg("test/page: %s", err);
    assert_string_equal(out.ptr, "<!doctype html>\n<html lang=\"vi\">\n"
                                 "<head><title>Thôn Đông - hộ gia đình</title></head>\n"
                                 "<body>\n"
                                 "  <h1>Thôn Đông</h1>\n"
                                 "  <ul>\n"
                                 "    <li>Nguyễn Văn A (4)</li>\n"
                                 "    <li>Trần &lt;B&gt; (3)</li>\n"
                                 "  </ul>\n"
                                 "</body>\n</html>\n");

    /* no households: the inverted section, and strict mode does not mind the empty list */
    json_object_set_new(data, "households", json_array());
    buf_reset(&out);
    rc = view_render(reg, "test/page", data, MUSTACHE_STRICT, &out, err, sizeof(err));
    if (rc)
        fail_msg("test/page: %s", err);
    assert_non_null(strstr(out.ptr, "  <ul>\n  </ul>\n  <p>Chưa có hộ nào.</p>\n</body>"));

    /* the row partial names a key that is missing: strict mode says which and where */
    json_object_set_new(data, "households", json_pack("[{s:s}]", "head", "X"));
    buf_reset(&out);
    rc = view_render(reg, "test/page", data, MUSTACHE_STRICT, &out, err, sizeof(err));
    assert_int_equal(rc, ERR_INVALID);
    assert_non_null(strstr(err, "test/row:1: missing key 'members'"));

    buf_free(&out);
    json_decref(data);
    view_templates_free(reg);
}

/* jansson's memory: values made while an arena is current live in it, heap values outside it,
 * and a document may mix the two (the shared asset table inside a page's model). */
static void json_values_come_from_the_current_arena(void **state)
{
    (void)state;
    json_t *shared = json_pack("{s:s}", "app_css", "/s/abc/app.css"); /* heap */
    struct arena *a = arena_new(0);
    size_t before = a->used;
    assert_null(view_json_arena(a));
    json_t *model = json_object();
    json_object_set_new(model, "title", json_string("Danh sách hộ"));
    json_object_set(model, "asset", shared);
    json_t *rows = json_array();
    json_object_set_new(model, "rows", rows);
    for (int i = 0; i < 100; i++) /* the array grows: old storage stays in the arena */
        json_array_append_new(rows, json_integer(i));
    assert_ptr_equal(view_json_arena(NULL), a);
    assert_true(a->used > before); /* the model came from the arena */
    size_t used = a->used;
    json_t *heap = json_string("ngoài yêu cầu"); /* no arena current: the heap */
    assert_int_equal(a->used, used);
    struct buf out;
    buf_init(&out, NULL);
    assert_int_equal(view_json_dump(model, JSON_COMPACT | JSON_SORT_KEYS, &out), 0);
    assert_non_null(strstr(out.ptr, "\"asset\":{\"app_css\":\"/s/abc/app.css\"}"));
    assert_non_null(strstr(out.ptr, "\"rows\":[0,1,2,"));
    json_decref(model); /* frees nothing from the arena, drops its hold on the shared table */
    assert_int_equal(shared->refcount, 1);
    arena_free(a);
    assert_string_equal(json_string_value(json_object_get(shared, "app_css")), "/s/abc/app.css");
    json_decref(heap);
    json_decref(shared);
    buf_free(&out);
}

int main(void)
{
    view_json_mem_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(strict_missing_key_is_error_naming_key_and_line),
        cmocka_unit_test(strict_allows_absent_sections),
        cmocka_unit_test(strict_missing_partial_is_error),
        cmocka_unit_test(escapes_script_quotes_and_ampersands),
        cmocka_unit_test(numbers_and_truthiness),
        cmocka_unit_test(rows_render_like_their_json),
        cmocka_unit_test(layout_with_blocks),
        cmocka_unit_test(renders_fifty_rows),
        cmocka_unit_test(unbalanced_sections_fail_to_compile),
        cmocka_unit_test(runaway_recursion_is_stopped),
        cmocka_unit_test(registry_from_files),
        cmocka_unit_test(embedded_templates_compile_and_layout_renders),
        cmocka_unit_test(json_values_come_from_the_current_arena),
    };
    return cmocka_run_group_tests_name("view", tests, NULL, NULL);
}

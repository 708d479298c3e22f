/*
 * chart_test.c - the compliance dashboard's SVG bar chart (src/view/chart.c).
 *
 * What a user notices: the chart is drawn at all (well-formed XML: one broken character and
 * the browser shows nothing), a screen reader reads its title and summary, each coloured
 * segment matches a legend swatch, labels such as "A & B <x>" read as typed, a long commune or
 * category name is shortened on screen but whole in the tooltip, the scale ends on a round
 * number, an empty dashboard says "Chưa có số liệu", and nothing in it trips the page's
 * Content-Security-Policy (no style, no script, no outside reference).
 *
 * The SVG is parsed with expat into a flat list of elements (name, attributes, direct text,
 * parent), which the tests query.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <expat.h>

#include "core/arena.h"
#include "core/utf8.h"
#include "view/view.h"

#define MAX_EL 4096
#define MAX_ATTR 12

/* One element of the parsed SVG. */
struct el {
    char *name;                   /* element name */
    char *attr[MAX_ATTR * 2 + 1]; /* name, value, ..., NULL */
    struct buf text;              /* its direct character data */
    int parent;                   /* index of the parent element, -1 for the root */
};

/* The parsed document. */
struct doc {
    struct arena *a; /* owns everything below */
    struct el *els;  /* elements in document order */
    int n;           /* their count */
    int stack[64];   /* open elements */
    int depth;       /* entries in stack */
};

static struct arena *A;

static int setup(void **state)
{
    A = arena_new(0);
    return 0;
}

static int teardown(void **state)
{
    arena_free(A);
    return 0;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct doc *d = ud;
    assert_true(d->n < MAX_EL);
    struct el *e = &d->els[d->n];
    e->name = arena_strdup(d->a, name);
    int k = 0;
    for (; atts[k] && k < MAX_ATTR * 2; k++)
        e->attr[k] = arena_strdup(d->a, atts[k]);
    e->attr[k] = NULL;
    buf_init(&e->text, d->a);
    e->parent = d->depth ? d->stack[d->depth - 1] : -1;
    assert_true(d->depth < 64);
    d->stack[d->depth++] = d->n++;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    struct doc *d = ud;
    d->depth--;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    struct doc *d = ud;
    if (d->depth)
        buf_append(&d->els[d->stack[d->depth - 1]].text, s, (size_t)len);
}

/* Parses svg (failing the test when it is not well-formed XML). */
static struct doc *parse(const char *svg)
{
    struct doc *d = arena_zalloc(A, sizeof *d);
    d->a = A;
    d->els = arena_zalloc(A, MAX_EL * sizeof *d->els);
    XML_Parser p = XML_ParserCreate("UTF-8");
    XML_SetUserData(p, d);
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_text);
    enum XML_Status st = XML_Parse(p, svg, (int)strlen(svg), 1);
    if (st != XML_STATUS_OK)
        fail_msg("not well-formed: %s at line %lu col %lu\n%s",
                 XML_ErrorString(XML_GetErrorCode(p)), (unsigned long)XML_GetCurrentLineNumber(p),
                 (unsigned long)XML_GetCurrentColumnNumber(p), svg);
    XML_ParserFree(p);
    return d;
}

static const char *attr(const struct el *e, const char *name)
{
    for (int k = 0; e->attr[k]; k += 2)
        if (strcmp(e->attr[k], name) == 0)
            return e->attr[k + 1];
    return NULL;
}

static const char *text_of(const struct el *e)
{
    return e->text.ptr ? e->text.ptr : "";
}

static int count(const struct doc *d, const char *name)
{
    int n = 0;
    for (int i = 0; i < d->n; i++)
        n += strcmp(d->els[i].name, name) == 0;
    return n;
}

/* The element whose id is id, or NULL. */
static const struct el *by_id(const struct doc *d, const char *id)
{
    for (int i = 0; i < d->n; i++) {
        const char *v = attr(&d->els[i], "id");
        if (v && strcmp(v, id) == 0)
            return &d->els[i];
    }
    return NULL;
}

/* 1 when some element called name has exactly this direct text. */
static int has_text(const struct doc *d, const char *name, const char *text)
{
    for (int i = 0; i < d->n; i++)
        if (strcmp(d->els[i].name, name) == 0 && strcmp(text_of(&d->els[i]), text) == 0)
            return 1;
    return 0;
}

/*
 * The axis numbers: <text> children of the group drawn with text-anchor="middle" directly
 * under the root (segment labels set text-anchor on themselves, not on a group).
 */
static int axis_numbers(const struct doc *d, double *out, int max)
{
    int n = 0;
    for (int i = 0; i < d->n && n < max; i++) {
        const struct el *e = &d->els[i];
        if (strcmp(e->name, "text") || e->parent < 0)
            continue;
        const struct el *g = &d->els[e->parent];
        const char *anchor = attr(g, "text-anchor");
        if (strcmp(g->name, "g") == 0 && anchor && strcmp(anchor, "middle") == 0)
            out[n++] = strtod(text_of(e), NULL);
    }
    return n;
}

/* Renders c to a NUL-terminated SVG in A. */
static char *render(const struct view_chart *c)
{
    struct buf b;
    buf_init(&b, A);
    view_chart_svg(c, &b);
    assert_non_null(b.ptr);
    return b.ptr;
}

/* Nothing the page's CSP would block or that could run. */
static void assert_csp_clean(const char *svg)
{
    assert_null(strstr(svg, "style="));
    assert_null(strstr(svg, "<style"));
    assert_null(strstr(svg, "<script"));
    assert_null(strstr(svg, "href"));
    assert_null(strstr(svg, "url("));
    assert_null(strstr(svg, "javascript:"));
    assert_null(strstr(svg, " on")); /* no event handler attributes */
}

static const char *const NAMES[] = {"Đúng hạn", "Trễ hạn công bố", "Thiếu minh chứng niêm yết"};
static const char *const COLORS[] = {"#2e7d32", "#c62828", "#ef6c00"};

/* A chart of n labels and three series from a flat table of values (label-major). */
static struct view_chart make(const char *const *labels, size_t n, const double *vals)
{
    struct view_chart_series *s = arena_zalloc(A, 3 * sizeof *s);
    for (size_t k = 0; k < 3; k++) {
        double *v = arena_alloc(A, (n ? n : 1) * sizeof *v);
        for (size_t i = 0; i < n; i++)
            v[i] = vals[i * 3 + k];
        s[k] = (struct view_chart_series){NAMES[k], COLORS[k], v};
    }
    return (struct view_chart){
        .title = "Tình hình công khai thông tin – Xã Bình Giang",
        .desc = "Số thông tin đúng hạn, trễ hạn và thiếu minh chứng niêm yết.",
        .labels = labels,
        .n_labels = n,
        .series = s,
        .n_series = 3,
    };
}

static void chart_is_accessible_wellformed_svg(void **state)
{
    const char *labels[] = {"Thôn Đông", "Thôn Tây"};
    const double vals[] = {3, 1, 0, 5, 0, 2};
    struct view_chart c = make(labels, 2, vals);
    char *svg = render(&c);
    struct doc *d = parse(svg);
    const struct el *root = &d->els[0];
    assert_string_equal(root->name, "svg");
    assert_string_equal(attr(root, "xmlns"), "http://www.w3.org/2000/svg");
    assert_string_equal(attr(root, "role"), "img");
    assert_string_equal(attr(root, "width"), "100%");
    assert_null(attr(root, "height")); /* scales with the column, no fixed pixel height */
    assert_true(strncmp(attr(root, "viewBox"), "0 0 ", 4) == 0);
    assert_string_equal(attr(root, "font-family"), "Liberation Sans, Arial, sans-serif");

    /* aria-labelledby names the ids of the chart's own <title> and <desc>. */
    char ids[128];
    snprintf(ids, sizeof ids, "%s", attr(root, "aria-labelledby"));
    char *sp = strchr(ids, ' ');
    assert_non_null(sp);
    *sp = '\0';
    const struct el *t = by_id(d, ids), *de = by_id(d, sp + 1);
    assert_non_null(t);
    assert_non_null(de);
    assert_string_equal(t->name, "title");
    assert_int_equal(t->parent, 0);
    assert_string_equal(text_of(t), c.title);
    assert_string_equal(de->name, "desc");
    assert_string_equal(text_of(de), c.desc);

    /* The legend names every series. */
    for (int k = 0; k < 3; k++)
        assert_true(has_text(d, "text", NAMES[k]));
    assert_csp_clean(svg);
}

static void chart_draws_one_rect_per_nonzero_segment_plus_swatches(void **state)
{
    const char *labels[] = {"Thôn Đông", "Thôn Tây", "Thôn Nam"};
    const double vals[] = {3, 1, 0, 5, 0, 2, 0, 0, 0};
    struct view_chart c = make(labels, 3, vals);
    struct doc *d = parse(render(&c));
    assert_int_equal(count(d, "rect"), 4 + 3); /* 4 non-zero values, 3 swatches */
    /* Every rect is filled with one of the series colours, each colour used. */
    int used[3] = {0};
    for (int i = 0; i < d->n; i++) {
        if (strcmp(d->els[i].name, "rect"))
            continue;
        const char *fill = attr(&d->els[i], "fill");
        int k = 0;
        while (k < 3 && strcmp(fill, COLORS[k]))
            k++;
        assert_true(k < 3);
        used[k]++;
    }
    assert_int_equal(used[0], 1 + 2);
    assert_int_equal(used[1], 1 + 1);
    assert_int_equal(used[2], 1 + 1);
    /* Totals at the bar ends, a zero bar shows 0. */
    assert_true(has_text(d, "text", "4"));
    assert_true(has_text(d, "text", "7"));
    assert_true(has_text(d, "text", "0"));
}

static void chart_bars_are_proportional_and_stacked(void **state)
{
    const char *labels[] = {"Thôn Đông", "Thôn Tây"};
    const double vals[] = {6, 2, 0, 2, 0, 0}; /* totals 8 and 2: axis 0-10 */
    struct view_chart c = make(labels, 2, vals);
    struct doc *d = parse(render(&c));
    double x[3], w[3];
    int n = 0;
    for (int i = 0; i < d->n && n < 3; i++) {
        const struct el *e = &d->els[i];
        if (strcmp(e->name, "rect") || e->parent <= 0 || attr(&d->els[e->parent], "text-anchor"))
            continue;
        if (strcmp(attr(e, "width"), "12") == 0)
            continue; /* legend swatch */
        x[n] = strtod(attr(e, "x"), NULL);
        w[n] = strtod(attr(e, "width"), NULL);
        n++;
    }
    assert_int_equal(n, 3);
    assert_true(fabs(w[0] / w[1] - 3.0) < 0.05);    /* 6 against 2 */
    assert_true(fabs(w[2] - w[1]) < 0.15);          /* 2 against 2 */
    assert_true(fabs(x[1] - (x[0] + w[0])) < 0.15); /* second segment starts where first ends */
    assert_true(fabs(x[2] - x[0]) < 0.15);          /* every bar starts at the axis */
}

static void chart_escapes_labels_titles_and_names(void **state)
{
    const char *labels[] = {"A & B <x>", "Tổ \"Đoàn kết\" 'số 2'"};
    const double vals[] = {1, 0, 0, 2, 0, 0};
    struct view_chart c = make(labels, 2, vals);
    c.title = "Xã <An> & \"Bình\"";
    c.desc = NULL;
    char *svg = render(&c);
    assert_non_null(strstr(svg, "A &amp; B &lt;x&gt;"));
    assert_null(strstr(svg, "<x>"));
    assert_non_null(strstr(svg, "Xã &lt;An&gt; &amp; &quot;Bình&quot;"));
    struct doc *d = parse(svg);
    assert_true(has_text(d, "text", "A & B <x>"));
    assert_true(has_text(d, "text", "Tổ \"Đoàn kết\" 'số 2'"));
    /* Without a desc, aria-labelledby names the title alone. */
    const char *ids = attr(&d->els[0], "aria-labelledby");
    assert_null(strchr(ids, ' '));
    assert_string_equal(text_of(by_id(d, ids)), "Xã <An> & \"Bình\"");
    assert_int_equal(count(d, "desc"), 0);
}

static void chart_cuts_long_vietnamese_label_but_keeps_it_in_title(void **state)
{
    const char *full = "Kế hoạch sử dụng đất hằng năm của cấp huyện trên địa bàn xã";
    const char *labels[] = {full, "Thôn Tây"};
    const double vals[] = {2, 1, 0, 1, 0, 0};
    struct view_chart c = make(labels, 2, vals);
    struct doc *d = parse(render(&c));
    const struct el *shown = NULL;
    for (int i = 0; i < d->n; i++) {
        const char *t = text_of(&d->els[i]);
        if (strcmp(d->els[i].name, "text") == 0 && strncmp(t, "Kế hoạch", strlen("Kế hoạch")) == 0)
            shown = &d->els[i];
    }
    assert_non_null(shown);
    const char *t = text_of(shown);
    size_t n = strlen(t);
    const char *ell = "…";
    assert_true(n > 3 && strcmp(t + n - strlen(ell), ell) == 0);
    assert_true(utf8_valid(t, n));        /* cut at a code point boundary */
    assert_true(utf8_length(t, n) <= 28); /* "Kế hoạch sử dụng đất hằng n…" */
    assert_true(utf8_length(t, n) >= 20);
    assert_memory_equal(t, full, n - strlen(ell)); /* a prefix of the real name */
    /* The whole name in the bar group's <title> (the tooltip). */
    int found = 0;
    for (int i = 0; i < d->n; i++) {
        const struct el *e = &d->els[i];
        if (strcmp(e->name, "title") == 0 && e->parent > 0 &&
            strcmp(d->els[e->parent].name, "g") == 0 && strstr(text_of(e), full) == text_of(e))
            found = 1;
    }
    assert_true(found);
    /* A short label is shown whole. */
    assert_true(has_text(d, "text", "Thôn Tây"));
}

/* The largest axis number and the number of grid lines for one bar of the given total. */
static double axis_for(double total, int *n_lines)
{
    const char *labels[] = {"Xã"};
    const double vals[] = {total, 0, 0};
    struct view_chart c = make(labels, 1, vals);
    struct doc *d = parse(render(&c));
    double nums[16];
    int n = axis_numbers(d, nums, 16);
    assert_true(n >= 2);
    assert_true(nums[0] == 0);
    *n_lines = count(d, "line");
    assert_int_equal(*n_lines, n);
    return nums[n - 1];
}

static void chart_scale_ends_on_a_nice_number(void **state)
{
    int lines;
    assert_true(axis_for(7, &lines) == 10);
    assert_true(lines == 6); /* 0 2 4 6 8 10 */
    assert_true(axis_for(230, &lines) == 250);
    assert_true(lines == 6); /* 0 50 ... 250 */
    assert_true(axis_for(10, &lines) == 10);
    assert_true(axis_for(11, &lines) == 20);
    assert_true(lines == 5);               /* 0 5 10 15 20 */
    assert_true(axis_for(1, &lines) == 4); /* counts: no half steps */
    assert_true(axis_for(5, &lines) == 5);
    assert_true(axis_for(0, &lines) == 4); /* all zero still draws an axis */
    assert_true(axis_for(1234, &lines) == 2000);
    assert_true(axis_for(0.3, &lines) > 0.39 && axis_for(0.3, &lines) < 0.41);
    assert_true(lines >= 5 && lines <= 6);
}

static void chart_decimals_use_a_point_and_axis_steps_are_clean(void **state)
{
    const char *labels[] = {"Xã"};
    const double vals[] = {2.5, 0, 0};
    struct view_chart c = make(labels, 1, vals);
    char *svg = render(&c);
    struct doc *d = parse(svg);
    assert_true(has_text(d, "text", "2.5"));
    assert_true(has_text(d, "text", "0.5")); /* axis 0-2.5 by 0.5 */
    assert_null(strstr(svg, "2,5"));
    assert_null(strstr(svg, "0000001")); /* no floating-point noise */
}

static void chart_value_label_only_in_wide_segments(void **state)
{
    const char *labels[] = {"Xã"};
    const double vals[] = {300, 1, 0};
    struct view_chart c = make(labels, 1, vals);
    struct doc *d = parse(render(&c));
    assert_true(has_text(d, "text", "300"));   /* wide: labelled */
    assert_false(has_text(d, "text", "1"));    /* too narrow: omitted */
    assert_true(has_text(d, "text", "301"));   /* the total */
    assert_int_equal(count(d, "rect"), 2 + 3); /* the narrow segment is still drawn */
}

static void chart_negative_and_nan_count_as_zero(void **state)
{
    const char *labels[] = {"Xã"};
    const double vals[] = {4, -3, NAN};
    struct view_chart c = make(labels, 1, vals);
    struct doc *d = parse(render(&c));
    assert_int_equal(count(d, "rect"), 1 + 3);
    assert_true(has_text(d, "text", "4"));
    double nums[16];
    int n = axis_numbers(d, nums, 16);
    assert_true(nums[n - 1] == 4);
}

static void chart_without_labels_says_no_data(void **state)
{
    struct view_chart c = make(NULL, 0, NULL);
    char *svg = render(&c);
    struct doc *d = parse(svg);
    assert_true(has_text(d, "text", "Chưa có số liệu"));
    assert_string_equal(attr(&d->els[0], "role"), "img");
    assert_int_equal(count(d, "title"), 1);
    assert_int_equal(count(d, "rect"), 0);
    assert_csp_clean(svg);
}

static void chart_ids_differ_between_charts_on_one_page(void **state)
{
    const char *labels[] = {"Xã"};
    const double vals[] = {1, 1, 1};
    struct view_chart c = make(labels, 1, vals);
    struct doc *d1 = parse(render(&c));
    struct doc *d2 = parse(render(&c));
    assert_string_not_equal(attr(&d1->els[0], "aria-labelledby"),
                            attr(&d2->els[0], "aria-labelledby"));
}

static void chart_refuses_colours_that_are_not_plain_hex(void **state)
{
    const char *labels[] = {"Xã"};
    const double vals[] = {1, 1, 1};
    struct view_chart c = make(labels, 1, vals);
    struct view_chart_series s[3];
    memcpy(s, c.series, sizeof s);
    s[0].color = "url(https://evil.example/x.svg#p)";
    s[1].color = "red\" onload=\"alert(1)";
    s[2].color = NULL;
    c.series = s;
    char *svg = render(&c);
    struct doc *d = parse(svg);
    assert_csp_clean(svg);
    for (int i = 0; i < d->n; i++)
        if (strcmp(d->els[i].name, "rect") == 0)
            assert_int_equal(attr(&d->els[i], "fill")[0], '#');
}

static void chart_survives_broken_utf8_and_control_bytes(void **state)
{
    const char *labels[] = {"Th\xC3\xB4n \xFF\xFE \x01X\xE1\xBB", "Th\xC3"};
    const double vals[] = {1, 0, 0, 1, 0, 0};
    struct view_chart c = make(labels, 2, vals);
    char *svg = render(&c);
    assert_true(utf8_valid(svg, strlen(svg)));
    parse(svg);
}

static void chart_with_many_labels_stays_wellformed(void **state)
{
    enum { N = 200 };
    const char **labels = arena_alloc(A, N * sizeof *labels);
    double *vals = arena_alloc(A, N * 3 * sizeof *vals);
    for (int i = 0; i < N; i++) {
        labels[i] = arena_printf(A, "Xã số %d thuộc huyện Bình Giang tỉnh Hải Dương", i);
        vals[3 * i] = i;
        vals[3 * i + 1] = i % 7;
        vals[3 * i + 2] = i % 3;
    }
    struct view_chart c = make(labels, N, vals);
    struct doc *d = parse(render(&c));
    assert_int_equal(count(d, "g") >= N, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chart_is_accessible_wellformed_svg),
        cmocka_unit_test(chart_draws_one_rect_per_nonzero_segment_plus_swatches),
        cmocka_unit_test(chart_bars_are_proportional_and_stacked),
        cmocka_unit_test(chart_escapes_labels_titles_and_names),
        cmocka_unit_test(chart_cuts_long_vietnamese_label_but_keeps_it_in_title),
        cmocka_unit_test(chart_scale_ends_on_a_nice_number),
        cmocka_unit_test(chart_decimals_use_a_point_and_axis_steps_are_clean),
        cmocka_unit_test(chart_value_label_only_in_wide_segments),
        cmocka_unit_test(chart_negative_and_nan_count_as_zero),
        cmocka_unit_test(chart_without_labels_says_no_data),
        cmocka_unit_test(chart_ids_differ_between_charts_on_one_page),
        cmocka_unit_test(chart_refuses_colours_that_are_not_plain_hex),
        cmocka_unit_test(chart_survives_broken_utf8_and_control_bytes),
        cmocka_unit_test(chart_with_many_labels_stays_wellformed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * markdown_test.c - Markdown bodies to safe HTML and to plain text (src/view/markdown.c).
 *
 * What a user notices: a disclosed document typed in Markdown shows its headings, lists and
 * tables; Vietnamese text comes out in one byte form; a body pasted with a <script> or a
 * javascript: link shows no script and no such link (the page is fit for {{{x}}}); the plain
 * text used by search and the printed notice keeps paragraphs, "- " items and "# " headings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "view/view.h"

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

static const char *html(const char *md)
{
    char *out = NULL;
    assert_int_equal(view_markdown_html(A, md, strlen(md), &out), 0);
    assert_non_null(out);
    return out;
}

static const char *text(const char *md)
{
    char *out = NULL;
    assert_int_equal(view_markdown_text(A, md, strlen(md), &out), 0);
    assert_non_null(out);
    return out;
}

/* Case-insensitive substring search: "JaVaScRiPt" must not hide from the checks. */
static int contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++) {
        if (strncasecmp(p, needle, n) == 0)
            return 1;
    }
    return 0;
}

static void headings_and_paragraphs(void **state)
{
    assert_string_equal(html("# Thông báo\n\n## Điều 1\n\nNội dung *nghiêng* và **đậm**.\n"),
                        "<h1>Thông báo</h1>\n<h2>Điều 1</h2>\n"
                        "<p>Nội dung <em>nghiêng</em> và <strong>đậm</strong>.</p>\n");
}

static void lists(void **state)
{
    assert_string_equal(html("- Hộ nghèo\n- Hộ cận nghèo\n\n1. Bước một\n2. Bước hai\n"),
                        "<ul>\n<li>Hộ nghèo</li>\n<li>Hộ cận nghèo</li>\n</ul>\n"
                        "<ol>\n<li>Bước một</li>\n<li>Bước hai</li>\n</ol>\n");
}

static void tables(void **state)
{
    const char *h = html("| STT | Khoản chi | Số tiền |\n| --- | --- | ---: |\n"
                         "| 1 | Đường thôn Đông | 1.200.000.000 |\n");
    assert_non_null(strstr(h, "<table>"));
    assert_non_null(strstr(h, "<th>Khoản chi</th>"));
    assert_non_null(strstr(h, "<td>Đường thôn Đông</td>"));
    assert_non_null(strstr(h, "1.200.000.000</td>"));
    /* No style attribute: the Content-Security-Policy forbids inline styles. */
    assert_null(strstr(h, "style="));
}

static void strikethrough_and_autolink(void **state)
{
    assert_string_equal(html("Giá ~~cũ~~ mới, xem www.binhgiang.gov.vn\n"),
                        "<p>Giá <del>cũ</del> mới, xem "
                        "<a href=\"http://www.binhgiang.gov.vn\">www.binhgiang.gov.vn</a></p>\n");
}

static void vietnamese_comes_out_nfc(void **state)
{
    /* "Quyết định" typed with combining marks (NFD): stored and shown precomposed. */
    const char *h = html("Quye\xCC\x82\xCC\x81t \xC4\x91i\xCC\xA3nh");
    assert_string_equal(h, "<p>Quy\xE1\xBA\xBFt \xC4\x91\xE1\xBB\x8Bnh</p>\n");
    assert_string_equal(text("Quye\xCC\x82\xCC\x81t"), "Quy\xE1\xBA\xBFt");
}

static void raw_html_is_dropped(void **state)
{
    const char *h = html("<script>alert(1)</script>\n\nĐoạn <img src=x onerror=alert(2)> tiếp "
                         "<b onclick=\"x()\">đậm</b>\n\n<div>khối</div>\n");
    assert_false(contains_ci(h, "<script"));
    assert_false(contains_ci(h, "<img"));
    assert_false(contains_ci(h, "onerror"));
    assert_false(contains_ci(h, "onclick"));
    assert_false(contains_ci(h, "<div"));
    assert_false(contains_ci(h, "alert"));
    /* The text around the tags stays. */
    assert_non_null(strstr(h, "<p>Đoạn  tiếp đậm</p>"));
}

static void dangerous_links_are_removed(void **state)
{
    static const char *const bad[] = {
        "[bấm](javascript:alert(1))",
        "[bấm](JaVaScRiPt:alert(1))",
        "[bấm](&#106;avascript:alert(1))",
        "<javascript:alert(1)>",
        "[bấm](vbscript:msgbox(1))",
        "[bấm](data:text/html;base64,PHNjcmlwdD4=)",
        "![ảnh](data:image/png;base64,iVBORw0KGgo=)",
        "[bấm](file:///etc/passwd)",
        "[bấm](//evil.example/x)",
        "[bấm][r]\n\n[r]: javascript:alert(1)",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *h = html(bad[i]);
        /* No element can carry the URL any more; its words may stay as text. */
        if (contains_ci(h, "<a") || contains_ci(h, "href") || contains_ci(h, "<img") ||
            contains_ci(h, "src="))
            fail_msg("%s gave %s", bad[i], h);
    }
    /* The words of a removed link stay readable. */
    assert_string_equal(html("[bấm vào đây](javascript:alert(1))"), "<p>bấm vào đây</p>\n");
}

static void safe_links_stay(void **state)
{
    const char *h = html("[a](https://binhgiang.gov.vn/a) [b](/cong-khai/5) [c](#muc-2) "
                         "[d](mailto:ubnd@binhgiang.gov.vn) [e](http://x.vn) [f](tep.pdf)");
    assert_non_null(strstr(h, "href=\"https://binhgiang.gov.vn/a\""));
    assert_non_null(strstr(h, "href=\"/cong-khai/5\""));
    assert_non_null(strstr(h, "href=\"#muc-2\""));
    assert_non_null(strstr(h, "href=\"mailto:ubnd@binhgiang.gov.vn\""));
    assert_non_null(strstr(h, "href=\"http://x.vn\""));
    assert_non_null(strstr(h, "href=\"tep.pdf\""));
}

static void invalid_utf8_is_refused(void **state)
{
    char *out = NULL;
    assert_int_equal(view_markdown_html(A, "Th\xF4ng b\xE1o", 10, &out), ERR_INVALID);
    assert_int_equal(view_markdown_text(A, "Th\xF4ng b\xE1o", 10, &out), ERR_INVALID);
}

static void empty_input(void **state)
{
    assert_string_equal(html(""), "");
    assert_string_equal(text(""), "");
}

static void plain_text_layout(void **state)
{
    const char *md = "## Thông báo\n\n"
                     "Đoạn một\ndòng hai.  \nDòng sau ngắt.\n\n"
                     "- Hộ nghèo\n- Hộ **cận** nghèo\n  1. lồng\n\n"
                     "3. Ba\n4. Bốn\n\n"
                     "| STT | Nội dung |\n| --- | --- |\n| 1 | Đường `thôn` Đông |\n\n"
                     "<script>alert(1)</script>\n\n"
                     "> Trích dẫn [liên kết](https://x.vn) và [xấu](javascript:x)\n\n"
                     "```\nmã\n```\n";
    assert_string_equal(text(md), "# Thông báo\n\n"
                                  "Đoạn một dòng hai.\nDòng sau ngắt.\n\n"
                                  "- Hộ nghèo\n- Hộ cận nghèo\n- lồng\n\n"
                                  "- Ba\n- Bốn\n\n"
                                  "STT | Nội dung\n1 | Đường thôn Đông\n\n"
                                  "Trích dẫn liên kết và xấu\n\n"
                                  "mã");
}

static void plain_text_empty_cells_and_items(void **state)
{
    assert_string_equal(text("| A | B | C |\n|---|---|---|\n| 1 |  | 3 |\n"),
                        "A | B | C\n1 |  | 3");
    /* An empty item does not lend its "- " to the paragraph after the list. */
    assert_string_equal(text("-\n\nSau"), "Sau");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(headings_and_paragraphs, setup, teardown),
        cmocka_unit_test_setup_teardown(lists, setup, teardown),
        cmocka_unit_test_setup_teardown(tables, setup, teardown),
        cmocka_unit_test_setup_teardown(strikethrough_and_autolink, setup, teardown),
        cmocka_unit_test_setup_teardown(vietnamese_comes_out_nfc, setup, teardown),
        cmocka_unit_test_setup_teardown(raw_html_is_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(dangerous_links_are_removed, setup, teardown),
        cmocka_unit_test_setup_teardown(safe_links_stay, setup, teardown),
        cmocka_unit_test_setup_teardown(invalid_utf8_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(empty_input, setup, teardown),
        cmocka_unit_test_setup_teardown(plain_text_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(plain_text_empty_cells_and_items, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

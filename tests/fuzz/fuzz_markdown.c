/*
 * fuzz_markdown.c - libFuzzer target for view_markdown_html() and
 * view_markdown_text() (src/view/markdown.c) on any bytes.
 *
 * Besides no crash, leak or out-of-bounds read: valid UTF-8 is always
 * accepted and anything else refused; the HTML holds no <script>, <style>,
 * <iframe> or event-handler attribute that the source could have smuggled
 * in, and no href or src outside http, https, mailto and site-relative
 * references; both results are valid UTF-8.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"
#include "view/view.h"

static int has_ci(const char *s, const char *needle)
{
    return strcasestr(s, needle) != NULL;
}

/* Every href="..." and src="..." value starts with an allowed scheme or none at all. */
static void check_urls(const char *html, const char *attr)
{
    size_t n = strlen(attr);
    for (const char *p = strstr(html, attr); p; p = strstr(p + n, attr)) {
        const char *v = p + n;
        size_t len = strcspn(v, "\"");
        size_t colon = strcspn(v, ":/?#\"");
        if (colon < len && v[colon] == ':') {
            int ok = (colon == 4 && strncasecmp(v, "http", 4) == 0) ||
                     (colon == 5 && strncasecmp(v, "https", 5) == 0) ||
                     (colon == 6 && strncasecmp(v, "mailto", 6) == 0);
            assert(ok);
        }
        assert(!(len >= 2 && v[0] == '/' && v[1] == '/'));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = arena_new(0);
    const char *md = (const char *)data;
    int valid = utf8_valid(md, size);
    char *html = NULL, *text = NULL;
    int rc = view_markdown_html(a, md, size, &html);
    int rc2 = view_markdown_text(a, md, size, &text);
    assert(valid ? rc == 0 && rc2 == 0 : rc != 0 && rc2 != 0);
    if (valid) {
        assert(utf8_valid(html, strlen(html)));
        assert(utf8_valid(text, strlen(text)));
        assert(!has_ci(html, "<script") && !has_ci(html, "<style") && !has_ci(html, "<iframe"));
        /* Any " on...=" inside a tag would be an event handler; text is escaped, so '<' only
         * starts tags cmark wrote, and those carry no such attribute. */
        for (const char *p = strchr(html, '<'); p; p = strchr(p + 1, '<')) {
            size_t tag = strcspn(p, ">");
            for (size_t i = 0; i + 3 < tag; i++) {
                if (p[i] == ' ' && (p[i + 1] == 'o' || p[i + 1] == 'O') &&
                    (p[i + 2] == 'n' || p[i + 2] == 'N')) {
                    /* only inside a quoted attribute value (alt text, title) */
                    size_t quotes = 0;
                    for (size_t k = 0; k < i; k++)
                        quotes += p[k] == '"';
                    assert(quotes % 2 == 1);
                }
            }
        }
        check_urls(html, "href=\"");
        check_urls(html, "src=\"");
    }
    arena_free(a);
    return 0;
}

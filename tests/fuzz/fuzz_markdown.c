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

/* A URL attribute value starts with an allowed scheme or none at all, and is not "//host". */
static void check_url(const char *v, size_t len)
{
    size_t colon = strcspn(v, ":/?#\"");
    if (colon < len && v[colon] == ':') {
        int ok = (colon == 4 && strncasecmp(v, "http", 4) == 0) ||
                 (colon == 5 && strncasecmp(v, "https", 5) == 0) ||
                 (colon == 6 && strncasecmp(v, "mailto", 6) == 0);
        assert(ok);
    }
    assert(!(len >= 2 && v[0] == '/' && v[1] == '/'));
}

/*
 * Walks every tag of html (cmark escapes '<', '>' and '"' in text and values, so a tag runs
 * from '<' to the next '>' and a value to the next '"'): no on* event attribute, and every
 * href and src value is an allowed URL.
 */
static void check_tags(const char *html)
{
    for (const char *p = strchr(html, '<'); p; p = strchr(p, '<')) {
        const char *end = strchr(p, '>');
        assert(end != NULL);
        const char *q = p + 1;
        while (q < end && *q != ' ')
            q++; /* tag name */
        while (q < end) {
            while (q < end && *q == ' ')
                q++;
            const char *name = q;
            while (q < end && *q != '=' && *q != ' ')
                q++;
            size_t name_len = (size_t)(q - name);
            if (name_len >= 2)
                assert(strncasecmp(name, "on", 2) != 0);
            if (q < end && *q == '=' && q[1] == '"') {
                const char *v = q + 2;
                const char *close = strchr(v, '"');
                assert(close != NULL);
                if ((name_len == 4 && strncmp(name, "href", 4) == 0) ||
                    (name_len == 3 && strncmp(name, "src", 3) == 0))
                    check_url(v, (size_t)(close - v));
                q = close + 1;
                if (q > end)
                    end = strchr(q, '>'); /* the '>' seen was inside the value */
                assert(end != NULL);
            }
        }
        p = end + 1;
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
        check_tags(html);
    }
    arena_free(a);
    return 0;
}

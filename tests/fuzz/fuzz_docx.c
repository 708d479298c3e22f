/*
 * fuzz_docx.c - libFuzzer target for the incoming-document readers of
 * src/export: export_docx_markdown(), export_sniff(), export_jpeg_strip()
 * and export_png_strip() on any bytes.
 *
 * Input starting with '<' is also wrapped, as word/document.xml, into a
 * DOCX made here with stored (uncompressed) entries and a fixed styles.xml,
 * so the XML-to-Markdown code is reached without the fuzzer having to
 * forge deflate streams and CRCs. What must hold besides no crash, leak or
 * out-of-bounds read: the Markdown is valid UTF-8; a stripped JPEG runs from
 * SOI to EOI and a stripped PNG starts with its signature, neither larger
 * than the bound its function documents; stripping a stripped image again
 * changes nothing.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <zip.h>

#include "core/utf8.h"
#include "export/export.h"

static const char styles_xml[] =
    "<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
    "<w:style w:type=\"paragraph\" w:styleId=\"u1\"><w:name w:val=\"heading 1\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"u2\"><w:name w:val=\"x\"/>"
    "<w:basedOn w:val=\"u1\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"L\"><w:name w:val=\"List Bullet\"/>"
    "<w:pPr><w:numPr><w:numId w:val=\"1\"/></w:numPr></w:pPr></w:style>"
    "<w:style w:type=\"character\" w:styleId=\"S\"><w:name w:val=\"Strong\"/>"
    "<w:rPr><w:b/></w:rPr></w:style></w:styles>";

static void check_docx(struct arena *a, const void *data, size_t size)
{
    char *md = NULL;
    char err[128];
    int rc = export_docx_markdown(a, data, size, &md, err, sizeof err);
    if (rc == 0) {
        assert(md != NULL);
        assert(utf8_valid(md, strlen(md)));
    } else {
        assert(md == NULL);
        assert(memchr(err, '\0', sizeof err) != NULL);
    }
}

/* data as word/document.xml of a stored DOCX, then read back. */
static void check_wrapped(struct arena *a, const uint8_t *data, size_t size)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    if (!src)
        return;
    zip_source_keep(src);
    zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    if (!z) {
        zip_source_free(src);
        return;
    }
    static const char *const names[] = {"word/styles.xml", "word/document.xml"};
    const void *bodies[] = {styles_xml, data};
    size_t lens[] = {sizeof styles_xml - 1, size};
    for (int i = 0; i < 2; i++) {
        zip_source_t *s = zip_source_buffer(z, bodies[i], lens[i], 0);
        zip_int64_t idx = s ? zip_file_add(z, names[i], s, 0) : -1;
        if (idx < 0)
            zip_source_free(s);
        else
            zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
    }
    if (zip_close(z) != 0) {
        zip_discard(z);
        zip_source_free(src);
        return;
    }
    if (zip_source_open(src) == 0) {
        zip_source_seek(src, 0, SEEK_END);
        zip_int64_t n = zip_source_tell(src);
        zip_source_seek(src, 0, SEEK_SET);
        if (n > 0) {
            void *buf = arena_alloc(a, (size_t)n);
            if (zip_source_read(src, buf, (zip_uint64_t)n) == n) {
                assert(export_sniff(buf, (size_t)n) == EXPORT_TYPE_DOCX);
                check_docx(a, buf, (size_t)n);
            }
        }
        zip_source_close(src);
    }
    zip_source_free(src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = arena_new(0);
    enum export_type t = export_sniff(data, size);
    assert(t >= EXPORT_TYPE_UNKNOWN && t <= EXPORT_TYPE_TEXT);
    assert(export_type_mime(t) != NULL && export_type_ext(t) != NULL);
    check_docx(a, data, size);
    if (size > 0 && data[0] == '<')
        check_wrapped(a, data, size);

    void *out = NULL, *again = NULL;
    size_t n = 0, n2 = 0;
    if (export_jpeg_strip(a, data, size, &out, &n) == 0) {
        const uint8_t *o = out;
        assert(n >= 6 && n <= size + 8);
        assert(o[0] == 0xFF && o[1] == 0xD8 && o[n - 2] == 0xFF && o[n - 1] == 0xD9);
        assert(export_jpeg_strip(a, out, n, &again, &n2) == 0);
        assert(n2 == n && memcmp(again, out, n) == 0);
    }
    if (export_png_strip(a, data, size, &out, &n) == 0) {
        assert(n >= 8 + 25 && n <= size);
        assert(memcmp(out, "\x89PNG\r\n\x1A\n", 8) == 0);
        assert(export_png_strip(a, out, n, &again, &n2) == 0);
        assert(n2 == n && memcmp(again, out, n) == 0);
    }
    arena_free(a);
    return 0;
}

/*
 * docx_test.c - incoming documents (src/export/docx.c, src/export/sniff.c): Word files as
 * Markdown, upload types judged by content, image metadata stripped.
 *
 * What a user notices: an official imports a Word decision and gets its headings, numbered
 * clauses, bold words and tables as they were, Vietnamese letters intact; a broken or
 * oversized file is refused with a reason instead of a half-empty notice; a renamed program
 * or a Latin-1 text is not accepted as a document; a photo posted on the notice board no
 * longer tells where it was taken.
 *
 * The DOCX, XLSX, PNG and JPEG files are made here (libzip, libxlsxwriter, byte arrays made
 * with libjpeg and checked with it once), so the tests need no files beside them.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "core/arena.h"
#include "core/err.h"
#include "export/export.h"

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

/* ---- making files ---- */

/* One entry of a ZIP made in memory. */
struct entry {
    const char *name; /* path inside the archive */
    const char *data; /* contents */
    size_t len;       /* bytes; 0 means strlen(data) */
};

/* A ZIP archive of the entries, in arena memory. */
static unsigned char *make_zip(const struct entry *e, size_t n, size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    assert_non_null(src);
    zip_source_keep(src);
    zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    assert_non_null(z);
    for (size_t i = 0; i < n; i++) {
        size_t l = e[i].len ? e[i].len : strlen(e[i].data);
        zip_source_t *s = zip_source_buffer(z, e[i].data, l, 0);
        assert_non_null(s);
        assert_true(zip_file_add(z, e[i].name, s, ZIP_FL_ENC_UTF_8) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    assert_int_equal(zip_source_open(src), 0);
    assert_int_equal(zip_source_seek(src, 0, SEEK_END), 0);
    zip_int64_t size = zip_source_tell(src);
    assert_true(size > 0);
    assert_int_equal(zip_source_seek(src, 0, SEEK_SET), 0);
    unsigned char *out = arena_alloc(A, (size_t)size);
    assert_int_equal(zip_source_read(src, out, (zip_uint64_t)size), size);
    zip_source_close(src);
    zip_source_free(src);
    *len = (size_t)size;
    return out;
}

static const char CONTENT_TYPES[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "</Types>";

#define W_NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""

/* Styles as Vietnamese Word writes them: localised ids, English built-in names. */
static const char STYLES[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
    "<w:styles " W_NS ">"
    "<w:docDefaults><w:rPrDefault><w:rPr><w:b/></w:rPr></w:rPrDefault></w:docDefaults>"
    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\">"
    "<w:name w:val=\"Normal\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"u1\"><w:name w:val=\"heading 1\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:pPr><w:outlineLvl w:val=\"0\"/></w:pPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"TieuDe\"><w:name w:val=\"Title\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"TieuMuc\"><w:name w:val=\"Tiểu mục\"/>"
    "<w:basedOn w:val=\"Heading3\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"DanhSach\"><w:name w:val=\"List Bullet\"/>"
    "<w:pPr><w:numPr><w:numId w:val=\"2\"/></w:numPr></w:pPr></w:style>"
    "<w:style w:type=\"character\" w:styleId=\"Manh\"><w:name w:val=\"Strong\"/>"
    "<w:rPr><w:b/></w:rPr></w:style>"
    "</w:styles>";

#define P(text) "<w:p><w:r><w:t xml:space=\"preserve\">" text "</w:t></w:r></w:p>"
#define STYLED(style, text)                                                                        \
    "<w:p><w:pPr><w:pStyle w:val=\"" style "\"/></w:pPr><w:r><w:t>" text "</w:t></w:r></w:p>"
#define NUMBERED(text)                                                                             \
    "<w:p><w:pPr><w:pStyle w:val=\"ListParagraph\"/><w:numPr><w:ilvl w:val=\"0\"/>"                \
    "<w:numId w:val=\"1\"/></w:numPr></w:pPr><w:r><w:t>" text "</w:t></w:r></w:p>"
#define W_CELL(inner) "<w:tc><w:tcPr><w:tcW w:w=\"2000\" w:type=\"dxa\"/></w:tcPr>" inner "</w:tc>"

/* A decision as a commune writes it: every feature the converter knows, in one body. */
/* One line per paragraph reads better than what clang-format would make of it. */
/* clang-format off */
static const char DOCUMENT[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
    "<w:document " W_NS " xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\">"
    "<w:body>"
    STYLED("TieuDe", "Quyết định về việc công khai dự toán")
    STYLED("u1", "Điều 1. Phạm vi điều chỉnh")
    /* A numbered heading stays a heading; "Heading2" is understood without styles.xml. */
    "<w:p><w:pPr><w:pStyle w:val=\"Heading2\"/><w:numPr><w:numId w:val=\"3\"/></w:numPr>"
    "</w:pPr><w:r><w:t>Mục 2</w:t></w:r></w:p>"
    STYLED("TieuMuc", "Tiểu mục #1")
    /* Runs: bold split over two runs with the spaces at its edges, an un-bolded run,
       a bold colon alone, a bold character style, a moved-away run and an mc:Fallback
       copy that must not appear. */
    "<w:p><w:pPr><w:rPr><w:b/></w:rPr></w:pPr>"
    "<w:r><w:t xml:space=\"preserve\">Ủy ban nhân dân xã </w:t></w:r>"
    "<w:r><w:rPr><w:b/></w:rPr><w:t>Bình</w:t></w:r>"
    "<w:r><w:rPr><w:b w:val=\"1\"/></w:rPr><w:t xml:space=\"preserve\"> Giang </w:t></w:r>"
    "<w:moveFrom><w:r><w:t>đã chuyển</w:t></w:r></w:moveFrom>"
    "<w:r><w:rPr><w:b w:val=\"false\"/></w:rPr><w:t>thông báo</w:t></w:r>"
    "<w:r><w:rPr><w:b/></w:rPr><w:t>:</w:t></w:r><w:r><w:t xml:space=\"preserve\"> </w:t></w:r>"
    "<w:r><w:rPr><w:rStyle w:val=\"Manh\"/></w:rPr><w:t>ngay</w:t></w:r><w:r><w:t>.</w:t></w:r>"
    "<mc:AlternateContent><mc:Choice Requires=\"wps\"></mc:Choice><mc:Fallback>"
    "<w:r><w:t>bản sao</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>"
    /* Empty paragraphs (spacing) leave nothing. */
    "<w:p/>"
    P("   ")
    NUMBERED("Khoản một")
    NUMBERED("Khoản hai")
    STYLED("DanhSach", "Khoản ba")
    /* numId 0 takes the numbering of the list style away again. */
    "<w:p><w:pPr><w:pStyle w:val=\"DanhSach\"/><w:numPr><w:numId w:val=\"0\"/></w:numPr>"
    "</w:pPr><w:r><w:t>Không còn đánh số</w:t></w:r></w:p>"
    P("1. Không phải danh sách")
    P("- gạch đầu dòng gõ tay")
    P("# không phải tiêu đề")
    P("> không phải trích dẫn")
    /* Tab, line break and a decomposed "Quyết định" (e + circumflex + acute, i + dot). */
    "<w:p><w:r><w:t>Nghe</w:t><w:tab/><w:t>nhìn</w:t><w:br/>"
    "<w:t>Quye\xCC\x82\xCC\x81t \xC4\x91i\xCC\xA3nh</w:t></w:r></w:p>"
    P("Ký tự * _x_ [a](b) &lt;b&gt; &amp;amp; \\ ~ 1.5 triệu")
    /* A 2 x 3 table: header row, then a row with a pipe, two paragraphs and a bold cell. */
    "<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
    "<w:tr>" W_CELL(P("STT")) W_CELL(P("Nội dung")) W_CELL(P("Ghi chú")) "</w:tr>"
    "<w:tr>"
    W_CELL(P("1"))
    W_CELL(P("Dự toán a|b") NUMBERED("năm 2026"))
    W_CELL("<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Đã duyệt</w:t></w:r></w:p>")
    "</w:tr>"
    "</w:tbl>"
    P("Hết.")
    "<w:sectPr/></w:body></w:document>";
/* clang-format on */

static const char EXPECTED[] = "# Quyết định về việc công khai dự toán\n\n"
                               "# Điều 1. Phạm vi điều chỉnh\n\n"
                               "## Mục 2\n\n"
                               "### Tiểu mục \\#1\n\n"
                               "Ủy ban nhân dân xã **Bình Giang** thông báo: **ngay**.\n\n"
                               "- Khoản một\n"
                               "- Khoản hai\n"
                               "- Khoản ba\n\n"
                               "Không còn đánh số\n\n"
                               "1\\. Không phải danh sách\n\n"
                               "\\- gạch đầu dòng gõ tay\n\n"
                               "\\# không phải tiêu đề\n\n"
                               "\\> không phải trích dẫn\n\n"
                               "Nghe nhìn Quyết định\n\n"
                               "Ký tự \\* \\_x\\_ \\[a\\](b) \\<b> \\&amp; \\\\ \\~ 1.5 triệu\n\n"
                               "| STT | Nội dung | Ghi chú |\n"
                               "| --- | --- | --- |\n"
                               "| 1 | Dự toán a\\|b năm 2026 | **Đã duyệt** |\n\n"
                               "Hết.";

static unsigned char *make_docx(const char *document, const char *styles, size_t *len)
{
    struct entry e[] = {{"[Content_Types].xml", CONTENT_TYPES, 0},
                        {"word/document.xml", document, 0},
                        {"word/styles.xml", styles, 0}};
    return make_zip(e, styles ? 3 : 2, len);
}

static int docx(const void *data, size_t len, char **md, char *err, size_t err_len)
{
    return export_docx_markdown(A, data, len, md, err, err_len);
}

/* ---- DOCX to Markdown ---- */

static void docx_decision_as_markdown(void **state)
{
    size_t len;
    unsigned char *z = make_docx(DOCUMENT, STYLES, &len);
    char *md = NULL;
    char err[200] = "";
    assert_int_equal(docx(z, len, &md, err, sizeof err), 0);
    assert_string_equal(md, EXPECTED);
}

static void docx_without_styles_still_knows_english_style_ids(void **state)
{
    static const char doc[] = "<w:document " W_NS "><w:body>" STYLED("Title", "Thông báo")
        STYLED("Heading1", "Điều 1") STYLED("heading 3", "Khoản") STYLED("Heading7", "Sâu")
            STYLED("u1", "Không rõ kiểu") "</w:body></w:document>";
    size_t len;
    unsigned char *z = make_docx(doc, NULL, &len);
    char *md = NULL;
    assert_int_equal(docx(z, len, &md, NULL, 0), 0);
    assert_string_equal(md, "# Thông báo\n\n# Điều 1\n\n### Khoản\n\n### Sâu\n\nKhông rõ kiểu");
}

/* Rows of the table below: a merged header, a nested table, a row starting one column in,
 * and a row with one cell too many. */
#define ROW_MERGED                                                                                 \
    "<w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr>" P("Gộp") "</w:tc>" W_CELL(            \
        P("C")) "</w:tr>"
#define ROW_NESTED                                                                                 \
    "<w:tr>" W_CELL(P("1"))                                                                        \
        W_CELL("<w:tbl><w:tr>" W_CELL(P("lồng")) W_CELL(P("bảng")) "</w:tr></w:tbl>") "</w:tr>"
#define ROW_BEFORE "<w:tr><w:trPr><w:gridBefore w:val=\"1\"/></w:trPr>" W_CELL(P("x")) "</w:tr>"
#define ROW_EXTRA "<w:tr>" W_CELL(P("a")) W_CELL(P("b")) W_CELL(P("c")) W_CELL(P("d")) "</w:tr>"

static void docx_table_with_merged_cells_lines_up(void **state)
{
    static const char doc[] =
        "<w:document " W_NS "><w:body><w:tbl>" ROW_MERGED ROW_NESTED ROW_BEFORE ROW_EXTRA
        "</w:tbl></w:body></w:document>";
    size_t len;
    unsigned char *z = make_docx(doc, STYLES, &len);
    char *md = NULL;
    assert_int_equal(docx(z, len, &md, NULL, 0), 0);
    assert_string_equal(md, "| Gộp |  | C |\n"
                            "| --- | --- | --- |\n"
                            "| 1 | lồng bảng |  |\n"
                            "|  | x |  |\n"
                            "| a | b | c |");
}

/* A table whose first cell is empty (a layout table, a blank corner) still has its columns. */
static void docx_table_with_empty_cells(void **state)
{
    static const char doc[] =
        "<w:document " W_NS "><w:body><w:tbl>"
        "<w:tr><w:tc><w:p/></w:tc>" W_CELL(
            P("B")) "</w:tr>"
                    "<w:tr>" W_CELL(P("   "))
                        W_CELL("<w:p/>" P("c") "<w:p/>") "</w:tr>"
                                                         "</w:tbl></w:body></w:document>";
    size_t len;
    unsigned char *z = make_docx(doc, NULL, &len);
    char *md = NULL;
    assert_int_equal(docx(z, len, &md, NULL, 0), 0);
    assert_string_equal(md, "|  | B |\n| --- | --- |\n|  | c |");
}

static void docx_corrupt_zip_is_invalid(void **state)
{
    static const char bad[] = "PK\x03\x04 this is not really a zip archive";
    char *md = NULL;
    char err[200] = "";
    assert_int_equal(docx(bad, sizeof bad - 1, &md, err, sizeof err), ERR_INVALID);
    assert_null(md);
    assert_non_null(strstr(err, "ZIP"));
    /* A DOCX cut in half (an interrupted upload) is no better. */
    size_t len;
    unsigned char *z = make_docx(DOCUMENT, STYLES, &len);
    assert_int_equal(docx(z, len / 2, &md, err, sizeof err), ERR_INVALID);
    assert_int_equal(docx(z, 0, &md, err, sizeof err), ERR_INVALID);
}

static void docx_without_document_xml_is_invalid(void **state)
{
    struct entry e[] = {{"[Content_Types].xml", CONTENT_TYPES, 0},
                        {"xl/workbook.xml", "<workbook/>", 0}};
    size_t len;
    unsigned char *z = make_zip(e, 2, &len);
    char *md = NULL;
    char err[200] = "";
    assert_int_equal(docx(z, len, &md, err, sizeof err), ERR_INVALID);
    assert_non_null(strstr(err, "word/document.xml"));
}

static void docx_malformed_xml_is_invalid(void **state)
{
    static const char *const docs[] = {
        "<w:document " W_NS "><w:body><w:p><w:r><w:t>Điều 1</w:r></w:p></w:body></w:document>",
        "<w:document " W_NS "><w:body>",
        "not xml at all",
        /* A DOCTYPE could expand entities a billion times: refused outright. */
        "<!DOCTYPE d [<!ENTITY a \"aaaa\">]><w:document " W_NS
        "><w:body>" P("&a;") "</w:body></w:document>",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        size_t len;
        unsigned char *z = make_docx(docs[i], STYLES, &len);
        char *md = NULL;
        char err[200] = "";
        assert_int_equal(docx(z, len, &md, err, sizeof err), ERR_INVALID);
        assert_non_null(strstr(err, "word/document.xml"));
    }
}

static void docx_zip_bomb_is_too_large(void **state)
{
    /* 51 MB of spaces compress to a few dozen kilobytes. */
    static const char head[] = "<w:document " W_NS "><w:body>";
    static const char tail[] = "</w:body></w:document>";
    size_t n = 51u * 1024 * 1024;
    char *doc = malloc(n + 1);
    assert_non_null(doc);
    memset(doc, ' ', n);
    memcpy(doc, head, sizeof head - 1);
    memcpy(doc + n - (sizeof tail - 1), tail, sizeof tail - 1);
    doc[n] = '\0';
    struct entry e[] = {{"word/document.xml", doc, n}};
    size_t len;
    unsigned char *z = make_zip(e, 1, &len);
    free(doc);
    assert_true(len < 1024 * 1024);
    char *md = NULL;
    char err[200] = "";
    assert_int_equal(docx(z, len, &md, err, sizeof err), ERR_TOO_LARGE);
    assert_non_null(strstr(err, "50 MB"));
}

/* ---- what a file is ---- */

/* An 8 x 8 grey JPEG made by libjpeg (quality 50, optimised Huffman tables). */
static const unsigned char JPEG[] = {
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xdb, 0x00, 0x43, 0x00, 0x10, 0x0b, 0x0c, 0x0e, 0x0c,
    0x0a, 0x10, 0x0e, 0x0d, 0x0e, 0x12, 0x11, 0x10, 0x13, 0x18, 0x28, 0x1a, 0x18, 0x16, 0x16,
    0x18, 0x31, 0x23, 0x25, 0x1d, 0x28, 0x3a, 0x33, 0x3d, 0x3c, 0x39, 0x33, 0x38, 0x37, 0x40,
    0x48, 0x5c, 0x4e, 0x40, 0x44, 0x57, 0x45, 0x37, 0x38, 0x50, 0x6d, 0x51, 0x57, 0x5f, 0x62,
    0x67, 0x68, 0x67, 0x3e, 0x4d, 0x71, 0x79, 0x70, 0x64, 0x78, 0x5c, 0x65, 0x67, 0x63, 0xff,
    0xc0, 0x00, 0x0b, 0x08, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01, 0x11, 0x00, 0xff, 0xc4, 0x00,
    0x14, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x04, 0xff, 0xc4, 0x00, 0x16, 0x10, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x43, 0xff, 0xda,
    0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00, 0x1a, 0x6c, 0xcf, 0xff, 0xd9,
};
#define JPEG_JFIF_END 20 /* SOI + the 16-byte APP0 */

/* A 1 x 1 red PNG: IHDR, sRGB, IDAT, IEND. */
static const unsigned char PNG[] =
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00"
    "\x00\x01\x08\x02\x00\x00\x00\x90\x77\x53\xde\x00\x00\x00\x01\x73\x52\x47\x42\x00\xae\xce"
    "\x1c\xe9\x00\x00\x00\x0c\x49\x44\x41\x54\x78\x9c\x63\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00"
    "\xc9\xfe\x92\xef\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";
#define PNG_LEN (sizeof PNG - 1)
#define PNG_IDAT_AT 46 /* after the signature, IHDR and sRGB */

/* A tEXt chunk (with its CRC) naming the author and a place. */
static const unsigned char PNG_TEXT[] =
    "\x00\x00\x00\x1f\x74\x45\x58\x74\x41\x75\x74\x68\x6f\x72\x00\x4e\x67\x75\x79\x65\x6e\x20"
    "\x56\x61\x6e\x20\x41\x2c\x20\x47\x50\x53\x20\x32\x30\x2e\x32\x35\x4e\xae\x4a\x43\x01";
#define PNG_TEXT_LEN (sizeof PNG_TEXT - 1)

static void sniff_pdf(void **state)
{
    static const char pdf[] = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
                              "trailer\n<< /Root 1 0 R >>\n%%EOF\n";
    assert_int_equal(export_sniff(pdf, sizeof pdf - 1), EXPORT_TYPE_PDF);
    /* "%PDF-" further in is text that mentions PDF, not a PDF. */
    static const char later[] = "Xem tệp %PDF-1.4 đính kèm";
    assert_int_equal(export_sniff(later, sizeof later - 1), EXPORT_TYPE_TEXT);
}

static void sniff_images(void **state)
{
    assert_int_equal(export_sniff(JPEG, sizeof JPEG), EXPORT_TYPE_JPEG);
    assert_int_equal(export_sniff(PNG, PNG_LEN), EXPORT_TYPE_PNG);
    /* A picture renamed .pdf is still a picture; a PNG cut after its signature is not a PDF. */
    assert_int_not_equal(export_sniff(PNG, 8), EXPORT_TYPE_PDF);
}

static void sniff_office_files(void **state)
{
    size_t len;
    unsigned char *z = make_docx(DOCUMENT, STYLES, &len);
    assert_int_equal(export_sniff(z, len), EXPORT_TYPE_DOCX);

    char path[] = "/tmp/danchu-sniff-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    lxw_workbook *wb = workbook_new(path);
    assert_non_null(wb);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Dự toán");
    worksheet_write_string(ws, 0, 0, "Khoản chi", NULL);
    worksheet_write_number(ws, 0, 1, 1200000000, NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char *x = arena_alloc(A, 1 << 20);
    size_t xn = fread(x, 1, 1 << 20, f);
    fclose(f);
    unlink(path);
    assert_true(xn > 0 && xn < (1 << 20));
    assert_int_equal(export_sniff(x, xn), EXPORT_TYPE_XLSX);

    /* A ZIP of something else, and a macro-enabled document renamed .docx. */
    struct entry other[] = {{"anh/1.txt", "xin chào", 0}};
    z = make_zip(other, 1, &len);
    assert_int_equal(export_sniff(z, len), EXPORT_TYPE_UNKNOWN);
    struct entry docm[] = {{"[Content_Types].xml", CONTENT_TYPES, 0},
                           {"word/document.xml", DOCUMENT, 0},
                           {"word/vbaProject.bin", "\xD0\xCF\x11\xE0", 4}};
    z = make_zip(docm, 3, &len);
    assert_int_equal(export_sniff(z, len), EXPORT_TYPE_UNKNOWN);
}

static void sniff_text_only_when_utf8(void **state)
{
    static const char vi[] = "# Thông báo\n\nỦy ban nhân dân xã Bình Giang thông báo...\n";
    assert_int_equal(export_sniff(vi, sizeof vi - 1), EXPORT_TYPE_TEXT);
    /* The same words in Latin-1 / Windows-1258 bytes: not UTF-8, so not text. */
    static const char latin1[] = "Th\xF4ng b\xE1o c\xF4ng khai";
    assert_int_equal(export_sniff(latin1, sizeof latin1 - 1), EXPORT_TYPE_UNKNOWN);
    /* UTF-16 has NUL bytes. */
    static const char utf16[] = "T\0h\0\xF4\0n\0g\0";
    assert_int_equal(export_sniff(utf16, sizeof utf16 - 1), EXPORT_TYPE_UNKNOWN);
    assert_int_equal(export_sniff("", 0), EXPORT_TYPE_UNKNOWN);
}

static void sniff_programs_are_unknown(void **state)
{
    static const unsigned char elf[64] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0,   0,
                                          0,    0,   0,   0,   0, 0, 2, 0, 0x3e};
    assert_int_equal(export_sniff(elf, sizeof elf), EXPORT_TYPE_UNKNOWN);
    static const unsigned char exe[128] = {'M', 'Z', 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff};
    assert_int_equal(export_sniff(exe, sizeof exe), EXPORT_TYPE_UNKNOWN);
    /* A shell script is UTF-8 text: accepted only as text, never as a document. */
    static const char sh[] = "#!/bin/sh\nrm -rf /\n";
    assert_int_equal(export_sniff(sh, sizeof sh - 1), EXPORT_TYPE_TEXT);
}

/* Work for one thread of sniff_from_many_threads. */
struct sniff_job {
    const void *data;      /* file to sniff */
    size_t len;            /* its bytes */
    enum export_type want; /* expected answer */
    int wrong;             /* answers that differed */
};

static void *sniff_loop(void *arg)
{
    struct sniff_job *j = arg;
    for (int i = 0; i < 200; i++)
        j->wrong += export_sniff(j->data, j->len) != j->want;
    return NULL;
}

/* Upload handlers run on many worker threads; libmagic's one handle must not mix answers. */
static void sniff_from_many_threads(void **state)
{
    static const char pdf[] = "%PDF-1.4\n%%EOF\n";
    static const char txt[] = "Thông báo";
    struct sniff_job jobs[] = {{pdf, sizeof pdf - 1, EXPORT_TYPE_PDF, 0},
                               {JPEG, sizeof JPEG, EXPORT_TYPE_JPEG, 0},
                               {PNG, PNG_LEN, EXPORT_TYPE_PNG, 0},
                               {txt, sizeof txt - 1, EXPORT_TYPE_TEXT, 0}};
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, sniff_loop, &jobs[i]), 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(jobs[i].wrong, 0);
    }
}

static void type_names(void **state)
{
    assert_string_equal(export_type_mime(EXPORT_TYPE_PDF), "application/pdf");
    assert_string_equal(export_type_mime(EXPORT_TYPE_JPEG), "image/jpeg");
    assert_string_equal(export_type_mime(EXPORT_TYPE_PNG), "image/png");
    assert_string_equal(export_type_mime(EXPORT_TYPE_DOCX),
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    assert_string_equal(export_type_mime(EXPORT_TYPE_XLSX),
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert_string_equal(export_type_mime(EXPORT_TYPE_UNKNOWN), "application/octet-stream");
    assert_string_equal(export_type_ext(EXPORT_TYPE_PDF), "pdf");
    assert_string_equal(export_type_ext(EXPORT_TYPE_JPEG), "jpg");
    assert_string_equal(export_type_ext(EXPORT_TYPE_PNG), "png");
    assert_string_equal(export_type_ext(EXPORT_TYPE_DOCX), "docx");
    assert_string_equal(export_type_ext(EXPORT_TYPE_XLSX), "xlsx");
    assert_string_equal(export_type_ext(EXPORT_TYPE_TEXT), "txt");
    assert_string_equal(export_type_ext(EXPORT_TYPE_UNKNOWN), "bin");
}

/* ---- metadata ---- */

static size_t put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
    return 2;
}

static size_t put32(unsigned char *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xFFFF);
    return 4;
}

/*
 * An EXIF APP1 segment (big-endian TIFF) with a GPS IFD pointer, a camera name and the
 * position as text, plus an Orientation tag when orientation is not 0. Returns its size.
 */
static size_t make_exif(unsigned char *seg, unsigned orientation)
{
    static const char where[] = "GPS 21.0285N 105.8542E Canon EOS 80D";
    unsigned char *t = seg + 10; /* the TIFF structure, after FF E1, length and "Exif\0\0" */
    size_t n = 0;
    memcpy(t, "MM\0\x2A", 4);
    n += 4;
    n += put32(t + n, 8);
    unsigned entries = orientation ? 2 : 1;
    n += put16(t + n, entries);
    if (orientation) {
        n += put16(t + n, 0x0112);
        n += put16(t + n, 3);
        n += put32(t + n, 1);
        n += put16(t + n, orientation);
        n += put16(t + n, 0);
    }
    size_t text_at = 8 + 2 + 12 * entries + 4;
    n += put16(t + n, 0x8825); /* GPSInfo */
    n += put16(t + n, 4);
    n += put32(t + n, 1);
    n += put32(t + n, (uint32_t)text_at);
    n += put32(t + n, 0); /* no next IFD */
    memcpy(t + n, where, sizeof where);
    n += sizeof where;
    seg[0] = 0xFF;
    seg[1] = 0xE1;
    put16(seg + 2, (unsigned)(n + 8));
    memcpy(seg + 4, "Exif\0\0", 6);
    return n + 10;
}

/* The test JPEG with extra segments inserted after its JFIF APP0. */
static unsigned char *jpeg_with(const unsigned char *extra, size_t n, size_t *len)
{
    unsigned char *j = arena_alloc(A, sizeof JPEG + n);
    memcpy(j, JPEG, JPEG_JFIF_END);
    memcpy(j + JPEG_JFIF_END, extra, n);
    memcpy(j + JPEG_JFIF_END + n, JPEG + JPEG_JFIF_END, sizeof JPEG - JPEG_JFIF_END);
    *len = sizeof JPEG + n;
    return j;
}

static int has_bytes(const void *hay, size_t n, const char *needle)
{
    return memmem(hay, n, needle, strlen(needle)) != NULL;
}

static void jpeg_strip_removes_exif_gps_and_comments(void **state)
{
    unsigned char extra[256];
    size_t n = make_exif(extra, 0);
    static const unsigned char com[] = {0xFF, 0xFE, 0x00, 0x0F, 'N', 'g', 'u', 'y', 'e',
                                        'n',  ' ',  'V',  'a',  'n', ' ', 'A', 0x00};
    memcpy(extra + n, com, sizeof com);
    n += sizeof com;
    size_t len;
    unsigned char *in = jpeg_with(extra, n, &len);
    assert_int_equal(export_sniff(in, len), EXPORT_TYPE_JPEG);
    assert_true(has_bytes(in, len, "GPS"));

    void *out = NULL;
    size_t out_len = 0;
    assert_int_equal(export_jpeg_strip(A, in, len, &out, &out_len), 0);
    const unsigned char *o = out;
    assert_true(out_len > 4 && o[0] == 0xFF && o[1] == 0xD8);
    assert_true(o[out_len - 2] == 0xFF && o[out_len - 1] == 0xD9);
    assert_false(has_bytes(out, out_len, "Exif"));
    assert_false(has_bytes(out, out_len, "GPS"));
    assert_false(has_bytes(out, out_len, "Nguyen"));
    /* Exactly the original picture: JFIF, tables, frame, scan and data all kept. */
    assert_int_equal(out_len, sizeof JPEG);
    assert_memory_equal(out, JPEG, sizeof JPEG);
    assert_int_equal(export_sniff(out, out_len), EXPORT_TYPE_JPEG);
}

static void jpeg_strip_keeps_only_the_orientation(void **state)
{
    unsigned char extra[256];
    size_t n = make_exif(extra, 6); /* taken holding the phone upright */
    size_t len;
    unsigned char *in = jpeg_with(extra, n, &len);
    void *out = NULL;
    size_t out_len = 0;
    assert_int_equal(export_jpeg_strip(A, in, len, &out, &out_len), 0);
    assert_false(has_bytes(out, out_len, "GPS"));
    assert_false(has_bytes(out, out_len, "Canon"));
    static const unsigned char minimal[] = {
        0xFF, 0xE1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 0x2A, 0, 0, 0, 8,
        0,    1,    0x01, 0x12, 0,   3,   0,   0,   0, 1, 0,   6,   0, 0,    0, 0, 0, 0};
    assert_int_equal(out_len, sizeof JPEG + sizeof minimal);
    assert_memory_equal((const unsigned char *)out + JPEG_JFIF_END, minimal, sizeof minimal);
}

/* An EXIF APP1 segment whose GPS IFD holds a real position: 21°1'42.6" N, 105°51'15.12" E. */
static size_t make_exif_gps(unsigned char *seg)
{
    unsigned char *t = seg + 10;
    size_t n = 0;
    memcpy(t, "MM\0\x2A", 4);
    n += 4;
    n += put32(t + n, 8);
    n += put16(t + n, 1); /* IFD0: only the GPS pointer */
    n += put16(t + n, 0x8825);
    n += put16(t + n, 4);
    n += put32(t + n, 1);
    n += put32(t + n, 26);
    n += put32(t + n, 0);
    n += put16(t + n, 4); /* the GPS IFD at 26 */
    static const struct {
        unsigned tag, type, count;
        uint32_t value;
    } e[] = {{1, 2, 2, 0x4E000000u}, {2, 5, 3, 80}, {3, 2, 2, 0x45000000u}, {4, 5, 3, 104}};
    for (size_t i = 0; i < 4; i++) {
        n += put16(t + n, e[i].tag);
        n += put16(t + n, e[i].type);
        n += put32(t + n, e[i].count);
        n += put32(t + n, e[i].value);
    }
    n += put32(t + n, 0);
    static const uint32_t rationals[] = {21, 1, 1, 1, 426, 10, 105, 1, 51, 1, 1512, 100};
    for (size_t i = 0; i < 12; i++)
        n += put32(t + n, rationals[i]);
    seg[0] = 0xFF;
    seg[1] = 0xE1;
    put16(seg + 2, (unsigned)(n + 8));
    memcpy(seg + 4, "Exif\0\0", 6);
    return n + 10;
}

/* The position a photo was taken at is read (for a resident who agrees to share it) before
 * the photo loses every piece of metadata; a photo without one gives none. */
static void photo_position_read_then_stripped(void **state)
{
    unsigned char extra[256];
    size_t n = make_exif_gps(extra), len;
    unsigned char *in = jpeg_with(extra, n, &len);
    double lat = 0, lon = 0;
    assert_int_equal(export_photo_position(in, len, &lat, &lon), 0);
    assert_true(lat > 21.02849 && lat < 21.02851);
    assert_true(lon > 105.85419 && lon < 105.85421);
    void *out;
    size_t out_len;
    assert_int_equal(export_jpeg_strip(A, in, len, &out, &out_len), 0);
    assert_int_equal(export_photo_position(out, out_len, &lat, &lon), ERR_NOT_FOUND);
    assert_int_equal(export_photo_position(JPEG, sizeof JPEG, &lat, &lon), ERR_NOT_FOUND);
    /* The text-only "GPS" of make_exif is not a position. */
    n = make_exif(extra, 0);
    in = jpeg_with(extra, n, &len);
    assert_int_equal(export_photo_position(in, len, &lat, &lon), ERR_NOT_FOUND);
    assert_int_equal(export_photo_position(PNG, PNG_LEN, &lat, &lon), ERR_NOT_FOUND);
    assert_int_equal(export_photo_position(NULL, 0, &lat, &lon), ERR_NOT_FOUND);
}

static void jpeg_strip_refuses_broken_files(void **state)
{
    void *out;
    size_t out_len;
    /* Cut before EOI, cut inside a segment, a segment longer than the file, not a JPEG. */
    assert_int_equal(export_jpeg_strip(A, JPEG, sizeof JPEG - 2, &out, &out_len), ERR_INVALID);
    assert_int_equal(export_jpeg_strip(A, JPEG, 30, &out, &out_len), ERR_INVALID);
    unsigned char bad[sizeof JPEG];
    memcpy(bad, JPEG, sizeof JPEG);
    bad[22] = 0xFF;
    bad[23] = 0xFF;
    assert_int_equal(export_jpeg_strip(A, bad, sizeof bad, &out, &out_len), ERR_INVALID);
    assert_int_equal(export_jpeg_strip(A, PNG, PNG_LEN, &out, &out_len), ERR_INVALID);
    assert_int_equal(export_jpeg_strip(A, "\xFF\xD8", 2, &out, &out_len), ERR_INVALID);
    /* No picture at all: SOI then EOI. */
    assert_int_equal(export_jpeg_strip(A, "\xFF\xD8\xFF\xD9", 4, &out, &out_len), ERR_INVALID);
}

static void png_strip_removes_text(void **state)
{
    size_t len = PNG_LEN + PNG_TEXT_LEN;
    unsigned char *in = arena_alloc(A, len);
    memcpy(in, PNG, PNG_IDAT_AT);
    memcpy(in + PNG_IDAT_AT, PNG_TEXT, PNG_TEXT_LEN);
    memcpy(in + PNG_IDAT_AT + PNG_TEXT_LEN, PNG + PNG_IDAT_AT, PNG_LEN - PNG_IDAT_AT);
    assert_int_equal(export_sniff(in, len), EXPORT_TYPE_PNG);
    void *out = NULL;
    size_t out_len = 0;
    assert_int_equal(export_png_strip(A, in, len, &out, &out_len), 0);
    assert_false(has_bytes(out, out_len, "tEXt"));
    assert_false(has_bytes(out, out_len, "Nguyen"));
    /* Everything else, sRGB included, as it was. */
    assert_int_equal(out_len, PNG_LEN);
    assert_memory_equal(out, PNG, PNG_LEN);
}

static void png_strip_refuses_broken_files(void **state)
{
    void *out;
    size_t out_len;
    assert_int_equal(export_png_strip(A, PNG, PNG_LEN - 4, &out, &out_len), ERR_INVALID);
    assert_int_equal(export_png_strip(A, PNG, 20, &out, &out_len), ERR_INVALID);
    assert_int_equal(export_png_strip(A, JPEG, sizeof JPEG, &out, &out_len), ERR_INVALID);
    unsigned char bad[PNG_LEN];
    memcpy(bad, PNG, PNG_LEN);
    bad[8] = 0x7F; /* IHDR length past the end */
    assert_int_equal(export_png_strip(A, bad, PNG_LEN, &out, &out_len), ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(docx_decision_as_markdown, setup, teardown),
        cmocka_unit_test_setup_teardown(docx_without_styles_still_knows_english_style_ids, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(docx_table_with_merged_cells_lines_up, setup, teardown),
        cmocka_unit_test_setup_teardown(docx_table_with_empty_cells, setup, teardown),
        cmocka_unit_test_setup_teardown(docx_corrupt_zip_is_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(docx_without_document_xml_is_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(docx_malformed_xml_is_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(docx_zip_bomb_is_too_large, setup, teardown),
        cmocka_unit_test_setup_teardown(sniff_pdf, setup, teardown),
        cmocka_unit_test_setup_teardown(sniff_images, setup, teardown),
        cmocka_unit_test_setup_teardown(sniff_office_files, setup, teardown),
        cmocka_unit_test_setup_teardown(sniff_text_only_when_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(sniff_programs_are_unknown, setup, teardown),
        cmocka_unit_test(sniff_from_many_threads),
        cmocka_unit_test(type_names),
        cmocka_unit_test_setup_teardown(jpeg_strip_removes_exif_gps_and_comments, setup, teardown),
        cmocka_unit_test_setup_teardown(jpeg_strip_keeps_only_the_orientation, setup, teardown),
        cmocka_unit_test_setup_teardown(jpeg_strip_refuses_broken_files, setup, teardown),
        cmocka_unit_test_setup_teardown(photo_position_read_then_stripped, setup, teardown),
        cmocka_unit_test_setup_teardown(png_strip_removes_text, setup, teardown),
        cmocka_unit_test_setup_teardown(png_strip_refuses_broken_files, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

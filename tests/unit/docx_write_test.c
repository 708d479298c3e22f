/*
 * docx_write_test.c - table documents as Word files in the Decree 30 layout
 * (src/export/docx_write.c).
 *
 * What a user notices: the table of comments received, accepted or explained opens in Word
 * with its heading block (national title, motto, "ngày 05 tháng 01 năm 2026"), its header row,
 * every Vietnamese letter and every "<&>" as typed; 5,000 comments come out in a couple of
 * seconds without the server's memory growing; LibreOffice turns the file into a PDF that
 * reads the same; a download that breaks off reports ERR_IO and leaves no temporary files.
 *
 * Read back with danchu's own DOCX reader (export_docx_markdown), expat for well-formedness,
 * and LibreOffice + poppler-utils when installed (skipped with a message otherwise).
 */
#include <dirent.h>
#include <expat.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <zip.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/utf8.h"
#include "export/export.h"

/* AddressSanitizer: its shadow memory and quarantine make absolute memory sizes meaningless. */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

static struct arena *A;
static char tmp[64];       /* a fresh TMPDIR for every test of this file */
static char *saved_tmpdir; /* the TMPDIR the test started with, or NULL */

static const char TITLE[] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
static const char MOTTO[] = "Độc lập - Tự do - Hạnh phúc";

static int setup(void **state)
{
    const char *t = getenv("TMPDIR");

    A = arena_new(0);
    saved_tmpdir = t ? strdup(t) : NULL;
    snprintf(tmp, sizeof(tmp), "/tmp/danchu-docxw-XXXXXX");
    assert_non_null(mkdtemp(tmp));
    setenv("TMPDIR", tmp, 1);
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
    assert_int_equal(system(cmd), 0);
    if (saved_tmpdir)
        setenv("TMPDIR", saved_tmpdir, 1);
    else
        unsetenv("TMPDIR");
    free(saved_tmpdir);
    arena_free(A);
    return 0;
}

/* ---- output sink ---- */

/* The document as the caller's callback receives it. */
struct out {
    struct buf b;   /* bytes received (heap) */
    int keep;       /* keep the bytes (0: only count them) */
    size_t bytes;   /* bytes received */
    size_t limit;   /* fail once past this many bytes (0: never) */
    int calls;      /* write calls */
    size_t biggest; /* largest single write */
};

static int write_out(void *ctx, const unsigned char *data, size_t len)
{
    struct out *o = ctx;

    o->calls++;
    if (len > o->biggest)
        o->biggest = len;
    if (o->limit && o->bytes + len > o->limit)
        return -1;
    if (o->keep)
        buf_append(&o->b, data, len);
    o->bytes += len;
    return 0;
}

static void out_init(struct out *o, int keep)
{
    memset(o, 0, sizeof(*o));
    buf_init(&o->b, NULL);
    o->keep = keep;
}

/* Entries in the test's TMPDIR (the writer's temporary files, if any were left). */
static int tmp_entries(void)
{
    DIR *d = opendir(tmp);
    struct dirent *e;
    int n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "lo"))
            n++;
    }
    closedir(d);
    return n;
}

static void assert_has(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("expected \"%s\" in:\n%s", needle, hay);
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;

    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/*
 * Vietnamese prose of about len bytes into out (out_len bytes), different for every seed, so
 * the archive compresses as real comments do rather than as one sentence repeated.
 */
static void prose(char *out, size_t out_len, size_t len, uint32_t seed)
{
    static const char *const words[] = {"đề nghị",
                                        "làm rõ",
                                        "mức đóng góp",
                                        "xây dựng",
                                        "nhà văn hóa",
                                        "thôn",
                                        "hộ nghèo",
                                        "cận nghèo",
                                        "gia đình",
                                        "chính sách",
                                        "miễn",
                                        "giảm",
                                        "quy định",
                                        "giờ giấc",
                                        "sinh hoạt",
                                        "văn nghệ",
                                        "phù hợp",
                                        "thời vụ",
                                        "sản xuất",
                                        "bảo đảm",
                                        "yên tĩnh",
                                        "khu dân cư",
                                        "bổ sung",
                                        "trách nhiệm",
                                        "trưởng thôn",
                                        "công khai",
                                        "thu chi",
                                        "quỹ",
                                        "hằng quý",
                                        "nhóm thông tin",
                                        "tiếp thu",
                                        "giải trình",
                                        "dự thảo",
                                        "hội nghị",
                                        "biểu quyết",
                                        "đa số",
                                        "Nhân dân",
                                        "đường giao thông",
                                        "nông thôn",
                                        "vệ sinh môi trường",
                                        "rác thải",
                                        "tổ tự quản",
                                        "an ninh trật tự",
                                        "hương ước",
                                        "quy ước",
                                        "cưới hỏi",
                                        "việc tang",
                                        "lễ hội",
                                        "khuyến học",
                                        "người cao tuổi",
                                        "trẻ em",
                                        "phụ nữ",
                                        "thanh niên"};
    size_t n = 0;

    out[0] = 0;
    while (n < len && n + 32 < out_len) {
        const char *w;
        int k;

        seed = seed * 1103515245u + 12345u;
        w = words[(seed >> 16) % (sizeof(words) / sizeof(words[0]))];
        k = snprintf(out + n, out_len - n, "%s%s", n ? " " : "Ý kiến: ", w);
        n += (size_t)k;
    }
}

/* The unzipped entry name of the DOCX in o (arena memory, NUL-terminated). */
static char *entry(const struct out *o, const char *name)
{
    zip_error_t ze;
    zip_source_t *src;
    zip_t *z;
    zip_stat_t st;
    zip_file_t *f;
    char *s;

    zip_error_init(&ze);
    src = zip_source_buffer_create(o->b.ptr, o->b.len, 0, &ze);
    assert_non_null(src);
    z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    assert_non_null(z);
    if (zip_stat(z, name, 0, &st) != 0)
        fail_msg("no %s in the DOCX", name);
    s = arena_alloc(A, st.size + 1);
    f = zip_fopen(z, name, 0);
    assert_non_null(f);
    assert_int_equal(zip_fread(f, s, st.size), (zip_int64_t)st.size);
    s[st.size] = 0;
    zip_fclose(f);
    zip_discard(z);
    return s;
}

/* Fails unless the entry is well-formed XML. */
static void assert_xml(const struct out *o, const char *name)
{
    const char *s = entry(o, name);
    XML_Parser p = XML_ParserCreate(NULL);

    assert_non_null(p);
    if (XML_Parse(p, s, (int)strlen(s), 1) != XML_STATUS_OK)
        fail_msg("%s is not well-formed: %s at line %lu col %lu", name,
                 XML_ErrorString(XML_GetErrorCode(p)), (unsigned long)XML_GetCurrentLineNumber(p),
                 (unsigned long)XML_GetCurrentColumnNumber(p));
    XML_ParserFree(p);
}

/* The document as danchu's own DOCX reader sees it (Markdown, NFC). */
static char *markdown(const struct out *o)
{
    char *md = NULL, err[256] = "";
    int rc = export_docx_markdown(A, o->b.ptr, o->b.len, &md, err, sizeof(err));

    if (rc)
        fail_msg("export_docx_markdown: %d %s", rc, err);
    return md;
}

/* ---- fixtures ---- */

/* The comments table of a draft (C4): STT, article, comment, who, acceptance/explanation. */
static const struct export_col COLS[] = {
    {"STT", 12, 1},         {"Điều, khoản", 22, 0},          {"Nội dung góp ý", 55, 0},
    {"Người góp ý", 26, 0}, {"Tiếp thu, giải trình", 50, 0},
};
#define N_COLS 5

static const struct export_doc_head HEAD = {
    .parent_body = "UBND tỉnh Ninh Bình",
    .issuer = "UBND xã Bình Giang",
    .number = "05/BC-UBND",
    .place = "Bình Giang",
    .date = {2026, 1, 5},
    .doc_type = "Bảng tổng hợp, tiếp thu, giải trình ý kiến",
    .summary = "Về dự thảo Quy ước thôn Đông năm 2026",
};

static const char INTRO[] = "# I. Tình hình lấy ý kiến\n"
                            "Ủy ban nhân dân xã đã tổ chức lấy ý kiến\n"
                            "Nhân dân về dự thảo từ ngày 05/01 đến ngày 05/02/2026.\n"
                            "\n"
                            "- Số ý kiến nhận được: 3;\n"
                            "- Số ý kiến tiếp thu: 2.";

/* Starts a document with HEAD and COLS into o; fails the test on error. */
static struct export_docx_table *begin(struct out *o, const struct export_doc_head *head)
{
    struct export_docx_table *t = NULL;
    char err[256] = "";
    int rc = export_docx_table_begin(head, COLS, N_COLS, write_out, o, &t, err, sizeof(err));

    if (rc)
        fail_msg("begin: %d %s", rc, err);
    assert_non_null(t);
    return t;
}

static void end(struct export_docx_table *t)
{
    char err[256] = "";
    int rc = export_docx_table_end(t, "Tổng số: 3 ý kiến; tiếp thu 2, giải trình 1.",
                                   "KT. Chủ tịch\nPhó Chủ tịch", "Trần Thị Bình", err, sizeof(err));

    if (rc)
        fail_msg("end: %d %s", rc, err);
}

/* The small document of the read-back tests: intro, a group, three rows. */
static void small_document(struct out *o)
{
    struct export_docx_table *t = begin(o, &HEAD);
    const char *r1[N_COLS] = {"1", "Điều 2", "Đề nghị bổ sung mức đóng góp <&> \"quỹ\" 'thôn'",
                              "Nguyễn Văn An\nThôn Đông", "Tiếp thu, sửa khoản 2 Điều 2."};
    const char *r2[N_COLS] = {"2", "Điều 5, khoản 1",
                              "Giờ\tgiấc sinh hoạt\x01 văn hóa\x7f (bỏ ký tự điều khiển)",
                              "Lê Thị Hoa", "Giải trình: giữ như dự thảo vì đã thống nhất."};
    const char *r3[N_COLS] = {"3", "Điều 7", "Byte h\xFFng giữa chừng", NULL, "Tiếp thu."};

    assert_int_equal(export_docx_table_text(t, INTRO), 0);
    assert_int_equal(export_docx_table_group(t, "Chương I. Những quy định chung"), 0);
    assert_int_equal(export_docx_table_row(t, r1), 0);
    assert_int_equal(export_docx_table_row(t, r2), 0);
    assert_int_equal(export_docx_table_group(t, "Chương II. Nếp sống văn hóa"), 0);
    assert_int_equal(export_docx_table_row(t, r3), 0);
    export_docx_table_recipients(t, "- Thường trực Đảng ủy xã;\n- Thôn Đông;\n- Lưu: VT.");
    end(t);
}

/* ---- tests ---- */

/* The reader finds head, text, header, cells and "<&>" as written; every part is XML. */
static void j_docx_reads_back_with_head_cells_and_escaping(void **state)
{
    struct out o;
    const char *md, *doc, *styles;

    out_init(&o, 1);
    small_document(&o);
    assert_true(o.bytes > 1000);
    assert_memory_equal(o.b.ptr, "PK\x03\x04", 4);
    assert_int_equal(export_sniff(o.b.ptr, o.b.len), EXPORT_TYPE_DOCX);

    md = markdown(&o);
    /* Heading block: upper-cased parent and issuer, title, motto, number, date. */
    assert_has(md, "| UBND TỈNH NINH BÌNH **UBND XÃ BÌNH GIANG** | **" /* left */);
    assert_has(md, TITLE);
    assert_has(md, MOTTO);
    assert_has(md, "| Số: 05/BC-UBND | Bình Giang, ngày 05 tháng 01 năm 2026 |");
    assert_has(md, "**BẢNG TỔNG HỢP, TIẾP THU, GIẢI TRÌNH Ý KIẾN**");
    assert_has(md, "**Về dự thảo Quy ước thôn Đông năm 2026**");
    /* Intro: a bold heading, a paragraph joined from two lines, list items. */
    assert_has(md, "**I. Tình hình lấy ý kiến**\n\n"
                   "Ủy ban nhân dân xã đã tổ chức lấy ý kiến Nhân dân về dự thảo");
    assert_has(md, "\\- Số ý kiến nhận được: 3;\n\n\\- Số ý kiến tiếp thu: 2.");
    /* The table: header, group rows spanning every column, cells. */
    assert_has(md, "| STT | Điều, khoản | Nội dung góp ý | Người góp ý | Tiếp thu, giải trình |\n"
                   "| --- | --- | --- | --- | --- |\n"
                   "| **Chương I. Những quy định chung** |  |  |  |  |\n");
    assert_has(md, "| 1 | Điều 2 | Đề nghị bổ sung mức đóng góp <&> \"quỹ\" 'thôn' | "
                   "Nguyễn Văn An Thôn Đông | Tiếp thu, sửa khoản 2 Điều 2. |");
    /* A tab reads as a space; control characters are gone; bad bytes became U+FFFD. */
    assert_has(md, "| 2 | Điều 5, khoản 1 | Giờ giấc sinh hoạt văn hóa (bỏ ký tự điều khiển) |");
    assert_has(md, "| 3 | Điều 7 | Byte h\xEF\xBF\xBDng giữa chừng |  | Tiếp thu. |");
    /* Footer, recipients, signature. */
    assert_has(md, "Tổng số: 3 ý kiến; tiếp thu 2, giải trình 1.");
    assert_has(md, "**Nơi nhận:**");
    assert_has(md, "Thường trực Đảng ủy xã;");
    assert_has(md, "Lưu: VT.");
    assert_has(md, "**KT. CHỦ TỊCH** **PHÓ CHỦ TỊCH** **Trần Thị Bình**");

    /* Every part is well-formed XML, and the layout is Decree 30's. */
    assert_xml(&o, "[Content_Types].xml");
    assert_xml(&o, "_rels/.rels");
    assert_xml(&o, "word/_rels/document.xml.rels");
    assert_xml(&o, "word/document.xml");
    assert_xml(&o, "word/styles.xml");
    assert_xml(&o, "word/settings.xml");
    assert_xml(&o, "word/header1.xml");
    assert_xml(&o, "word/header2.xml");
    assert_xml(&o, "docProps/core.xml");
    assert_xml(&o, "docProps/app.xml");
    doc = entry(&o, "word/document.xml");
    assert_has(doc, "<w:pgSz w:w=\"11906\" w:h=\"16838\"/>");
    assert_has(doc, "<w:pgMar w:top=\"1134\" w:right=\"850\" w:bottom=\"1134\" w:left=\"1701\"");
    assert_has(doc, "<w:titlePg/>");
    assert_int_equal(count(doc, "<w:tblHeader/>"), 1);
    assert_has(doc, "<w:gridCol w:w=\"680\"/><w:gridCol w:w=\"1247\"/>"); /* 12, 22 mm */
    assert_has(doc, "&lt;&amp;&gt; &quot;quỹ&quot;");
    assert_has(doc, "<w:i/></w:rPr><w:t xml:space=\"preserve\">Bình Giang, ngày 05 tháng 01");
    styles = entry(&o, "word/styles.xml");
    assert_has(styles, "w:ascii=\"Times New Roman\"");
    assert_has(styles, "<w:sz w:val=\"28\"/>");
    assert_has(entry(&o, "word/header1.xml"), " PAGE ");
    assert_has(entry(&o, "docProps/core.xml"),
               "<dc:title>Bảng tổng hợp, tiếp thu, giải trình ý kiến - Về dự thảo");
    assert_int_equal(tmp_entries(), 0);
    buf_free(&o.b);
}

/* DOMAIN J: day < 10 and months 1-2 zero-padded; a blank number prints "Số:   /". */
static void j_date_pads_day_under_10_and_months_1_2(void **state)
{
    static const struct {
        struct date d;
        const char *want;
    } cases[] = {
        {{2026, 1, 5}, "Bình Giang, ngày 05 tháng 01 năm 2026"},
        {{2026, 2, 28}, "Bình Giang, ngày 28 tháng 02 năm 2026"},
        {{2026, 3, 9}, "Bình Giang, ngày 09 tháng 3 năm 2026"},
        {{2026, 12, 31}, "Bình Giang, ngày 31 tháng 12 năm 2026"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct export_doc_head h = HEAD;
        struct export_docx_table *t;
        struct out o;
        char err[128];

        h.date = cases[i].d;
        h.number = i == 0 ? "" : h.number;
        out_init(&o, 1);
        t = begin(&o, &h);
        assert_int_equal(export_docx_table_end(t, NULL, NULL, NULL, err, sizeof(err)), 0);
        assert_has(markdown(&o), cases[i].want);
        if (i == 0)
            assert_has(markdown(&o), "| Số:   / |");
        buf_free(&o.b);
    }
}

/* Text between rows ends the table; the rows after it start again under a new header row. */
static void text_between_rows_restarts_the_table_with_its_header(void **state)
{
    struct out o;
    struct export_docx_table *t;
    const char *cells[N_COLS] = {"1", "a", "b", "c", "d"};
    char err[128];
    const char *md;

    out_init(&o, 1);
    t = begin(&o, NULL);
    assert_int_equal(export_docx_table_row(t, cells), 0);
    assert_int_equal(export_docx_table_text(t, "# II. Ý kiến về phần còn lại"), 0);
    assert_int_equal(export_docx_table_row(t, NULL), 0); /* NULL cells: an empty row */
    assert_int_equal(export_docx_table_end(t, NULL, NULL, NULL, err, sizeof(err)), 0);
    md = markdown(&o);
    assert_int_equal(count(md, "| STT | Điều, khoản |"), 2);
    assert_has(md, "| 1 | a | b | c | d |\n\n**II. Ý kiến về phần còn lại**\n\n| STT");
    assert_has(md, "|  |  |  |  |  |");
    assert_int_equal(count(entry(&o, "word/document.xml"), "<w:tblHeader/>"), 2);
    buf_free(&o.b);
}

/* A row that fits on a page never splits across pages; one that may not fit is allowed to. */
static void short_rows_never_split_long_ones_may(void **state)
{
    struct out o;
    struct export_docx_table *t;
    char longer[8192], err[128];
    const char *short_row[N_COLS] = {"1", "Điều 1", "Ngắn", "An", "Tiếp thu"};
    const char *long_row[N_COLS] = {"2", "Điều 2", longer, "Bình", "Giải trình"};
    const char *doc;

    prose(longer, sizeof(longer), 6000, 42);
    out_init(&o, 1);
    t = begin(&o, NULL);
    assert_int_equal(export_docx_table_row(t, short_row), 0);
    assert_int_equal(export_docx_table_row(t, long_row), 0);
    assert_int_equal(export_docx_table_end(t, NULL, NULL, NULL, err, sizeof(err)), 0);
    doc = entry(&o, "word/document.xml");
    /* The header row and the short row; not the long one. */
    assert_int_equal(count(doc, "<w:cantSplit/>"), 2);
    assert_has(doc, "<w:tr><w:tc><w:tcPr><w:tcW w:w=\"680\" w:type=\"dxa\"/></w:tcPr><w:p><w:pPr>"
                    "<w:pStyle w:val=\"Cell\"/><w:jc w:val=\"center\"/></w:pPr><w:r><w:t "
                    "xml:space=\"preserve\">2<");
    buf_free(&o.b);
}

/* C4 at scale: 5,000 comments of ~300 characters in well under 2 s, memory flat. */
static void c4_5000_rows_fast_and_small(void **state)
{
    static const char *const comments[] = {
        "Đề nghị làm rõ mức đóng góp xây dựng nhà văn hóa thôn đối với hộ nghèo, hộ cận nghèo "
        "và gia đình chính sách; nên miễn hoặc giảm một nửa",
        "Quy định về giờ giấc sinh hoạt văn hóa, văn nghệ cần phù hợp với thời vụ sản xuất, "
        "không tổ chức sau 22 giờ để bảo đảm yên tĩnh cho khu dân cư",
        "Bổ sung trách nhiệm của trưởng thôn trong việc công khai thu chi quỹ thôn hằng quý "
        "tại nhà văn hóa và trên nhóm thông tin của thôn",
    };
    struct export_docx_table *t;
    struct out o;
    struct rusage ru0, ru1;
    double t0, t1, t_rows;
    char err[256] = "";
    int rc;

    getrusage(RUSAGE_SELF, &ru0);
    out_init(&o, 1);
    t0 = now();
    t = begin(&o, &HEAD);
    assert_int_equal(export_docx_table_text(t, INTRO), 0);
    for (int i = 1; i <= 5000; i++) {
        char no[16], art[48], who[64], comment[512], answer[256];
        const char *cells[N_COLS];

        if (i % 100 == 1) {
            char g[64];

            snprintf(g, sizeof(g), "Chương %d", (i + 99) / 100);
            assert_int_equal(export_docx_table_group(t, g), 0);
        }
        snprintf(no, sizeof(no), "%d", i);
        snprintf(art, sizeof(art), "Điều %d, khoản %d", i % 40 + 1, i % 4 + 1);
        snprintf(who, sizeof(who), "Hộ ông Nguyễn Văn %d\nThôn Đông", i);
        cells[0] = no;
        cells[1] = art;
        /* About 300 characters a row over the five cells, like a real comment and answer. */
        prose(comment, sizeof(comment), i % 10 ? 250 : 400, (uint32_t)i);
        prose(answer, sizeof(answer), 120, (uint32_t)i * 7919u);
        cells[2] = i % 50 ? comment : comments[i % 3];
        cells[3] = who;
        cells[4] = answer;
        assert_int_equal(export_docx_table_row(t, cells), 0);
    }
    t_rows = now() - t0;
    assert_int_equal(o.calls, 0); /* nothing leaves before the end: the archive is made there */
    assert_int_equal(tmp_entries(), 0); /* the body's file is already unlinked */
    rc = export_docx_table_end(t, "Tổng số: 5.000 ý kiến.", "TM. Ủy ban nhân dân\nChủ tịch",
                               "Nguyễn Văn An", err, sizeof(err));
    t1 = now();
    if (rc)
        fail_msg("end: %d %s", rc, err);
    getrusage(RUSAGE_SELF, &ru1);
    print_message("5,000 rows: %.3f s (rows %.3f s, archive %.3f s), %zu bytes in %d writes "
                  "(largest %zu), peak RSS %ld KB (before %ld KB)\n",
                  t1 - t0, t_rows, t1 - t0 - t_rows, o.bytes, o.calls, o.biggest, ru1.ru_maxrss,
                  ru0.ru_maxrss);
    assert_true(t1 - t0 < 10.0); /* sanity bound only; the target is under 2 s */
    assert_true(o.biggest <= 64 * 1024);
    assert_true(o.calls > 1);
    assert_int_equal(tmp_entries(), 0);
    /* Peak RSS counts the test's own copy of the output too (o.b, a few MB); the writer's part
       is its buffers only. */
    assert_true(ru1.ru_maxrss - ru0.ru_maxrss < 20 * 1024 + (long)(o.bytes / 1024));
    if (!SANITIZED)
        assert_true(ru1.ru_maxrss < 50 * 1024); /* AddressSanitizer's shadow memory is more */
    {
        /* Reading it back: the last row, the groups, and nothing lost in between. */
        const char *md = markdown(&o);
        size_t body = strlen(entry(&o, "word/document.xml"));

        print_message("word/document.xml: %zu bytes unzipped, %zu a row\n", body, body / 5000);

        assert_has(md, "| 5000 | Điều 1, khoản 1 |");
        assert_has(md, "| **Chương 50** |  |  |  |  |");
        assert_int_equal(count(md, " | Hộ ông Nguyễn Văn "), 5000);
        assert_int_equal(count(md, "| **Chương "), 50);
        assert_has(md, "**TM. ỦY BAN NHÂN DÂN** **CHỦ TỊCH** **Nguyễn Văn An**");
    }
    buf_free(&o.b);
}

/* Output of cmd (NUL-terminated, arena memory). */
static char *run(const char *cmd)
{
    struct buf b;
    char chunk[4096];
    size_t n;
    FILE *p = popen(cmd, "r");

    assert_non_null(p);
    buf_init(&b, A);
    while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
        buf_append(&b, chunk, n);
    pclose(p);
    return b.ptr ? b.ptr : arena_strdup(A, "");
}

/* raw, NFC, with every run of white space (line and page breaks too) made one space. */
static char *flat(const char *raw)
{
    char *s = utf8_nfc(A, raw, strlen(raw), NULL);
    char *o = s;
    int sp = 0;

    assert_non_null(s);
    for (const char *p = s; *p; p++) {
        if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\f' || *p == '\r') {
            sp = 1;
            continue;
        }
        if (sp && o != s)
            *o++ = ' ';
        sp = 0;
        *o++ = *p;
    }
    *o = 0;
    return s;
}

/*
 * LibreOffice (headless) opens the file and prints it to an A4 PDF whose text reads back with
 * every tone mark; the header row repeats on page 2, which is numbered at its top.
 */
static void libreoffice_prints_it_as_a4_with_vietnamese_intact(void **state)
{
    struct export_docx_table *t;
    struct out o;
    char dir[128], path[160], cmd[1024], pdf[160];
    const char *text, *page2, *info;
    double t0;
    FILE *f;

    if (access("/usr/bin/soffice", X_OK) != 0 ||
        system("command -v pdftotext >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1")) {
        print_message("SKIPPED: LibreOffice or poppler-utils is not installed "
                      "(apt-get install libreoffice-writer-nogui poppler-utils)\n");
        skip();
    }
    /* LibreOffice's profile and files in a directory of their own, removed with tmp. */
    snprintf(dir, sizeof(dir), "%s/lo", tmp);
    assert_int_equal(mkdir(dir, 0700), 0);
    out_init(&o, 1);
    t = begin(&o, &HEAD);
    assert_int_equal(export_docx_table_text(t, INTRO), 0);
    for (int i = 1; i <= 40; i++) {
        char no[16];
        const char *cells[N_COLS] = {no, "Điều 3", "Đề nghị làm rõ mức đóng góp <&> của hộ nghèo",
                                     "Lê Thị Hoa", i % 2 ? "Tiếp thu" : "Giải trình: giữ nguyên"};

        snprintf(no, sizeof(no), "%d", i);
        assert_int_equal(export_docx_table_row(t, cells), 0);
    }
    export_docx_table_recipients(t, "- Như trên;\n- Lưu: VT.");
    end(t);

    snprintf(path, sizeof(path), "%s/bang.docx", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(o.b.ptr, 1, o.b.len, f), o.b.len);
    assert_int_equal(fclose(f), 0);
    snprintf(cmd, sizeof(cmd),
             "cd '%s' && HOME='%s' soffice --headless --norestore --convert-to pdf --outdir '%s' "
             "'%s' >/dev/null 2>&1",
             dir, dir, dir, path);
    t0 = now();
    assert_int_equal(system(cmd), 0);
    print_message("LibreOffice converted it in %.1f s\n", now() - t0);
    snprintf(pdf, sizeof(pdf), "%s/bang.pdf", dir);
    assert_int_equal(access(pdf, R_OK), 0);

    /* Reading order (no -layout): a cell's wrapped lines come out together. */
    snprintf(cmd, sizeof(cmd), "pdftotext '%s' - 2>/dev/null", pdf);
    text = flat(run(cmd));
    assert_has(text, TITLE);
    assert_has(text, MOTTO);
    assert_has(text, "UBND XÃ BÌNH GIANG");
    assert_has(text, "Số: 05/BC-UBND");
    assert_has(text, "Bình Giang, ngày 05 tháng 01 năm 2026");
    assert_has(text, "BẢNG TỔNG HỢP, TIẾP THU, GIẢI TRÌNH Ý KIẾN");
    assert_has(text, "tiếp thu");
    assert_has(text, "giải trình");
    assert_has(text, "Đề nghị làm rõ mức đóng góp <&> của hộ nghèo");
    assert_has(text, "Nơi nhận:");
    assert_has(text, "PHÓ CHỦ TỊCH");
    assert_has(text, "Trần Thị Bình");

    snprintf(cmd, sizeof(cmd), "pdfinfo '%s' 2>/dev/null", pdf);
    info = run(cmd);
    assert_has(info, "(A4)");
    assert_true(strstr(info, "Pages:          1\n") == NULL); /* 40 rows run onto page 2 */
    snprintf(cmd, sizeof(cmd), "pdftotext -layout -f 2 -l 2 '%s' - 2>/dev/null", pdf);
    page2 = flat(run(cmd));
    print_message("page 2 starts: %.80s\n", page2);
    assert_true(strncmp(page2, "2 ", 2) == 0); /* page number at the top */
    assert_has(page2, "STT");                  /* the header row repeated */
    assert_has(page2, "Nội dung góp ý");
    assert_has(page2, "Tiếp thu, giải trình");
    snprintf(cmd, sizeof(cmd), "pdffonts '%s' 2>/dev/null", pdf);
    assert_has(run(cmd), "LiberationSerif");
    buf_free(&o.b);
}

/* A callback that stops gives ERR_IO with a reason; no temporary file is left in any case. */
static void failing_writer_is_err_io_and_leaves_no_temp_files(void **state)
{
    const char *cells[N_COLS] = {"1", "Điều 2", "Góp ý", "An", "Tiếp thu"};
    struct export_docx_table *t;
    struct out o;
    char err[256] = "";

    /* Stops at once. */
    out_init(&o, 0);
    o.limit = 1;
    t = begin(&o, &HEAD);
    assert_int_equal(export_docx_table_row(t, cells), 0);
    assert_int_equal(export_docx_table_end(t, "x", "y", "z", err, sizeof(err)), ERR_IO);
    assert_true(strlen(err) > 0);
    assert_int_equal(tmp_entries(), 0);

    /* Stops after the first 64 KiB chunk of a larger file. */
    out_init(&o, 0);
    o.limit = 100 * 1024;
    t = begin(&o, &HEAD);
    for (int i = 0; i < 3000; i++) {
        char no[16], comment[512];

        snprintf(no, sizeof(no), "%d", i);
        prose(comment, sizeof(comment), 300, (uint32_t)i);
        cells[0] = no;
        cells[2] = comment;
        assert_int_equal(export_docx_table_row(t, cells), 0);
    }
    err[0] = 0;
    assert_int_equal(export_docx_table_end(t, NULL, NULL, NULL, err, sizeof(err)), ERR_IO);
    print_message("stopped after %zu bytes in %d writes: %s\n", o.bytes, o.calls, err);
    assert_true(o.calls >= 2);
    assert_int_equal(tmp_entries(), 0);

    /* No place for temporary files: begin says ERR_IO and gives no table. */
    setenv("TMPDIR", "/nonexistent/danchu", 1);
    t = (void *)1;
    assert_int_equal(
        export_docx_table_begin(&HEAD, COLS, N_COLS, write_out, &o, &t, err, sizeof(err)), ERR_IO);
    assert_null(t);
    print_message("no TMPDIR: %s\n", err);
    setenv("TMPDIR", tmp, 1);

    /* Ending NULL is refused; a success leaves nothing either. */
    assert_int_equal(export_docx_table_end(NULL, NULL, NULL, NULL, err, sizeof(err)), ERR_INVALID);
    out_init(&o, 0);
    t = begin(&o, NULL);
    assert_int_equal(export_docx_table_end(t, NULL, NULL, NULL, err, sizeof(err)), 0);
    assert_int_equal(tmp_entries(), 0);
}

static void rejects_bad_columns(void **state)
{
    const struct export_col zero[] = {{"A", 0, 0}};
    struct export_col many[64];
    struct export_docx_table *t = (void *)1;
    struct out o;
    char err[128] = "";

    for (size_t i = 0; i < 64; i++)
        many[i] = (struct export_col){"c", 2, 0};
    out_init(&o, 0);
    assert_int_equal(export_docx_table_begin(NULL, COLS, 0, write_out, &o, &t, err, sizeof(err)),
                     ERR_INVALID);
    assert_null(t);
    assert_int_equal(export_docx_table_begin(NULL, zero, 1, write_out, &o, &t, err, sizeof(err)),
                     ERR_INVALID);
    assert_int_equal(export_docx_table_begin(NULL, many, 64, write_out, &o, &t, err, sizeof(err)),
                     ERR_INVALID);
    assert_int_equal(export_docx_table_begin(NULL, COLS, N_COLS, NULL, &o, &t, err, sizeof(err)),
                     ERR_INVALID);
    assert_int_equal(export_docx_table_row(NULL, NULL), ERR_INVALID);
    assert_int_equal(o.calls, 0);
    assert_int_equal(tmp_entries(), 0);
}

/* Columns wider than the page shrink in proportion to the 165 mm text width. */
static void too_wide_columns_are_shrunk_to_the_text_width(void **state)
{
    const struct export_col wide[] = {{"Cột một", 150, 0}, {"Cột hai", 150, 2}};
    const char *cells[2] = {"trái", "phải"};
    struct export_docx_table *t = NULL;
    struct out o;
    char err[128] = "";

    out_init(&o, 1);
    assert_int_equal(export_docx_table_begin(NULL, wide, 2, write_out, &o, &t, err, sizeof(err)),
                     0);
    assert_int_equal(export_docx_table_row(t, cells), 0);
    assert_int_equal(export_docx_table_end(t, NULL, NULL, NULL, err, sizeof(err)), 0);
    assert_has(entry(&o, "word/document.xml"),
               "<w:gridCol w:w=\"4677\"/><w:gridCol w:w=\"4677\"/>");
    assert_has(entry(&o, "word/document.xml"), "<w:jc w:val=\"right\"/>");
    buf_free(&o.b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(j_docx_reads_back_with_head_cells_and_escaping),
        cmocka_unit_test(j_date_pads_day_under_10_and_months_1_2),
        cmocka_unit_test(text_between_rows_restarts_the_table_with_its_header),
        cmocka_unit_test(short_rows_never_split_long_ones_may),
        cmocka_unit_test(c4_5000_rows_fast_and_small),
        cmocka_unit_test(libreoffice_prints_it_as_a4_with_vietnamese_intact),
        cmocka_unit_test(failing_writer_is_err_io_and_leaves_no_temp_files),
        cmocka_unit_test(rejects_bad_columns),
        cmocka_unit_test(too_wide_columns_are_shrunk_to_the_text_width),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * outline_test.c - the structure of Vietnamese legal documents (src/export/outline.c): head,
 * preamble, điều, khoản, điểm, items, phụ lục with their tables, recipients and signature.
 *
 * What a user notices: a resident commenting on a draft sees "Điều 1, khoản 3, điểm a" with
 * its whole text, not half a sentence cut by a PDF page break, a stray page number or
 * Markdown stars; an appendix table reads as one table with one header although the PDF
 * repeated the header on every page; the decision's number, type and signer are right.
 *
 * Three real documents are read from $DANCHU_SHARED_DATA/documents, else
 * ../shared/data/documents (run from the repository root); they are never copied into the
 * repository. When the folder is absent those tests are skipped with a loud line on stderr.
 * The other tests use text written here.
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
#include <jansson.h>

#include "core/arena.h"
#include "core/err.h"
#include "export/export.h"

static struct arena *A;

static int setup(void **state)
{
    (void)state;
    A = arena_new(0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(A);
    return 0;
}

/* ---- helpers ---- */

/* The document's text (arena), or skips the test when the shared folder is absent. */
static const char *load(const char *name, size_t *len)
{
    char path[1024];
    const char *shared = getenv("DANCHU_SHARED_DATA");
    if (shared && shared[0])
        snprintf(path, sizeof(path), "%s/documents/%s", shared, name);
    else
        snprintf(path, sizeof(path), "../shared/data/documents/%s", name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "SKIPPED: %s not found (set DANCHU_SHARED_DATA)\n", path);
        skip();
    }
    struct buf b;
    buf_init(&b, A);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return b.ptr;
}

static struct outline *parse_text(const char *text, size_t len)
{
    struct outline *o = NULL;
    char err[200];
    int rc = outline_parse(A, text, len, &o, err, sizeof(err));
    if (rc != 0)
        fail_msg("outline_parse: %d %s", rc, err);
    assert_non_null(o);
    return o;
}

static struct outline *parse_doc(const char *name)
{
    size_t len;
    const char *text = load(name, &len);
    return parse_text(text, len);
}

static struct outline *parse_str(const char *text)
{
    return parse_text(text, strlen(text));
}

/* The node at path; fails the test when there is none. */
static const struct outline_node *at(const struct outline *o, const char *path)
{
    const struct outline_node *n = outline_find(o, path);
    if (!n)
        fail_msg("no node at %s", path);
    return n;
}

/* The i-th child (from 0) of n. */
static const struct outline_node *nth(const struct outline_node *n, size_t i)
{
    const struct outline_node *c = n->first;
    while (c && i--)
        c = c->next;
    if (!c)
        fail_msg("node %s has no child %zu", n->key, i);
    return c;
}

static size_t count_kind(const struct outline_node *n, enum outline_kind k)
{
    size_t count = 0;
    for (const struct outline_node *c = n->first; c; c = c->next)
        count += c->kind == k;
    return count;
}

/* The numbers of n's children of kind k, joined by spaces: "a b c d đ". */
static const char *numbers(const struct outline_node *n, enum outline_kind k)
{
    struct buf b;
    buf_init(&b, A);
    buf_puts(&b, "");
    for (const struct outline_node *c = n->first; c; c = c->next) {
        if (c->kind != k)
            continue;
        if (b.len)
            buf_putc(&b, ' ');
        buf_puts(&b, c->number);
    }
    return b.ptr;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A text left over from the layout: markup, a tag, an escape, or a bare page number. */
static void assert_clean(const char *s, const char *where)
{
    static const char *const bad[] = {"**", "##", "<ul", "</", "\\", "\t", "  "};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (strstr(s, bad[i]))
            fail_msg("%s holds \"%s\": %s", where, bad[i], s);
    if (s[0] == '#' || s[0] == ' ' || (s[0] && s[strlen(s) - 1] == ' '))
        fail_msg("%s is not trimmed: \"%s\"", where, s);
    size_t digits = strspn(s, "0123456789");
    if (s[0] && digits == strlen(s))
        fail_msg("%s is a lone number: %s", where, s);
}

static void assert_tree_clean(const struct outline *o, const struct outline_node *n)
{
    for (const struct outline_node *c = n->first; c; c = c->next) {
        const char *where = outline_path(A, c);
        assert_clean(c->title, where);
        /* bodies of headings and signatures keep one line a paragraph or role */
        if (!strchr(c->body, '\n'))
            assert_clean(c->body, where);
        for (size_t r = 0; r < c->n_rows; r++)
            for (size_t k = 0; k < c->n_cols; k++)
                if (strstr(c->rows[r][k], "<") || strstr(c->rows[r][k], "**"))
                    fail_msg("%s cell %zu,%zu: %s", where, r, k, c->rows[r][k]);
        assert_tree_clean(o, c);
    }
}

/* ---- Nghị quyết of xã Kè Sắt (PDF text) ---- */

#define KE_SAT "nghi-quyet-xa-ke-sat-2025.txt"
#define HA_NAM "nghi-quyet-tinh-ha-nam-2024.txt"
#define KE_HOACH "ke-hoach-xa-binh-giang-2026.txt"

static void ke_sat_articles_clauses_and_points(void **state)
{
    (void)state;
    struct outline *o = parse_doc(KE_SAT);
    assert_int_equal(count_kind(&o->root, OUTLINE_DIEU), 3);
    assert_string_equal(numbers(&o->root, OUTLINE_DIEU), "1 2 3");

    const struct outline_node *d1 = at(o, "dieu-1");
    assert_string_equal(d1->title,
                        "Thông qua các biện pháp bảo đảm thực hiện dân chủ ở cơ sở trên địa bàn "
                        "xã như sau:");
    assert_string_equal(numbers(d1, OUTLINE_KHOAN), "1 2 3 4");
    assert_int_equal(d1->n_children, 4);
    assert_string_equal(at(o, "dieu-1/khoan-1")->title,
                        "Nguyên tắc bảo đảm thực hiện dân chủ ở cơ sở");
    assert_string_equal(at(o, "dieu-1/khoan-2")->title, "Mục tiêu thực hiện dân chủ ở cơ sở");
    assert_string_equal(at(o, "dieu-1/khoan-3")->title,
                        "Các biện pháp bảo đảm thực hiện dân chủ ở cơ sở");
    assert_string_equal(at(o, "dieu-1/khoan-4")->title,
                        "Tổ chức biểu dương, khen thưởng các tập thể, cá nhân điển\xe2\x80\xa6");

    assert_string_equal(numbers(at(o, "dieu-1/khoan-1"), OUTLINE_DIEM), "a b c");
    assert_string_equal(numbers(at(o, "dieu-1/khoan-2"), OUTLINE_DIEM), "a b c d đ");
    assert_string_equal(numbers(at(o, "dieu-1/khoan-3"), OUTLINE_DIEM), "a b c d đ");
    assert_string_equal(numbers(at(o, "dieu-1/khoan-4"), OUTLINE_DIEM), "a b");
    assert_string_equal(at(o, "dieu-1/khoan-2/diem-dd")->title,
                        "Xem xét mức độ thực hiện dân chủ ở cơ sở làm\xe2\x80\xa6");

    /* the dash items under each điểm of khoản 3 */
    static const struct {
        const char *path;
        size_t items;
    } items[] = {{"dieu-1/khoan-3/diem-a", 3},
                 {"dieu-1/khoan-3/diem-b", 4},
                 {"dieu-1/khoan-3/diem-c", 6},
                 {"dieu-1/khoan-3/diem-d", 2},
                 {"dieu-1/khoan-3/diem-dd", 3}};
    for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
        const struct outline_node *d = at(o, items[i].path);
        assert_int_equal(count_kind(d, OUTLINE_ITEM), items[i].items);
        assert_int_equal(d->n_children, items[i].items);
        assert_string_equal(d->first->number, "");
    }
    assert_true(starts_with(at(o, "dieu-1/khoan-3/diem-dd/item-3")->body,
                            "Chú trọng phát huy dân chủ trong quá trình"));

    const struct outline_node *d2 = at(o, "dieu-2");
    assert_string_equal(d2->title, "Nguồn kinh phí thực hiện");
    assert_int_equal(d2->n_children, 0);
    assert_true(starts_with(d2->body, "Kinh phí bảo đảm để triển khai thực hiện Nghị quyết"));

    const struct outline_node *d3 = at(o, "dieu-3");
    assert_string_equal(d3->title, "Tổ chức thực hiện");
    assert_string_equal(numbers(d3, OUTLINE_KHOAN), "1 2 3");
    assert_string_equal(at(o, "dieu-3/khoan-1")->title, "Giao Ủy ban nhân dân xã");
    assert_string_equal(numbers(at(o, "dieu-3/khoan-1"), OUTLINE_DIEM), "a b c");
    assert_string_equal(at(o, "dieu-3/khoan-3")->body,
                        "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam xã, các tổ chức chính trị - xã "
                        "hội xã giám sát việc thực hiện các quy định của pháp luật về dân chủ cơ "
                        "sở và Nghị quyết này.");
}

static void ke_sat_lines_broken_by_the_pdf_are_joined(void **state)
{
    (void)state;
    struct outline *o = parse_doc(KE_SAT);
    const struct outline_node *a = at(o, "dieu-1/khoan-3/diem-a");
    assert_string_equal(a->body, "Bồi dưỡng, nâng cao năng lực chuyên môn, nghiệp vụ cho người "
                                 "được giao nhiệm vụ tham mưu tổ chức thực hiện pháp luật về "
                                 "dân chủ ở cơ sở");
    assert_true(strstr(a->body, "cho người được giao nhiệm vụ tham mưu") != NULL);
    /* khoản 4 goes on after three blank lines */
    const struct outline_node *k4 = at(o, "dieu-1/khoan-4");
    assert_true(ends_with(k4->body, "có hành vi vi phạm pháp luật về thực hiện dân chủ ở cơ sở."));
    assert_true(strstr(k4->body, "phát huy và tổ chức thực hiện tốt") != NULL);
    assert_true(ends_with(at(o, "dieu-1/khoan-1/diem-a")->body,
                          "các quy định, cách thức thực hiện dân chủ ở cơ sở."));
    assert_true(strstr(at(o, "dieu-1/khoan-3/diem-c/item-6")->body,
                       "quyết định các nội dung và thực hiện nghiêm túc các nội dung thuộc trách "
                       "nhiệm đã được cộng đồng dân cư quyết định bằng văn bản.") != NULL);
    /* "*Dân biết, ...*" inside quotes loses its stars */
    assert_true(strstr(at(o, "dieu-1/khoan-3/diem-c/item-4")->body,
                       "\"Dân biết, dân bàn, dân làm, dân kiểm tra, dân giám sát, dân hưởng "
                       "thụ\"") != NULL);
    /* no continuation stayed behind as a paragraph of its own */
    for (const struct outline_node *n = o->root.first; n; n = n->next)
        assert_false(n->kind == OUTLINE_TEXT && n->body[0] >= 'a' && n->body[0] <= 'z');
}

static void ke_sat_head_preamble_closing_recipients_signature(void **state)
{
    (void)state;
    struct outline *o = parse_doc(KE_SAT);
    assert_string_equal(o->doc_type, "NGHỊ QUYẾT");
    assert_string_equal(o->summary, "Quyết định các biện pháp bảo đảm thực hiện dân chủ ở cơ sở "
                                    "trên địa bàn xã Kè Sắt");
    assert_string_equal(o->authority, "HỘI ĐỒNG NHÂN DÂN XÃ KÈ SẮT KHÓA I, KỲ HỌP THỨ 5");
    assert_string_equal(o->number, "");
    assert_string_equal(o->place_date, "");

    /* top level: preamble, three điều, the closing sentence, recipients, signature */
    static const enum outline_kind top[] = {OUTLINE_PREAMBLE, OUTLINE_DIEU, OUTLINE_DIEU,
                                            OUTLINE_DIEU,     OUTLINE_TEXT, OUTLINE_RECIPIENTS,
                                            OUTLINE_SIGNATURE};
    assert_int_equal(o->root.n_children, sizeof(top) / sizeof(top[0]));
    for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++)
        assert_int_equal(nth(&o->root, i)->kind, top[i]);

    /* seven Căn cứ (two of them shared one italic paragraph) and one Xét */
    const struct outline_node *pre = at(o, "preamble");
    assert_int_equal(pre->n_children, 8);
    assert_string_equal(nth(pre, 0)->body,
                        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;");
    assert_string_equal(nth(pre, 1)->body,
                        "Căn cứ Luật Thực hiện dân chủ ở cơ sở ngày 10 tháng 11 năm 2022;");
    for (size_t i = 0; i < 7; i++)
        assert_true(starts_with(nth(pre, i)->body, "Căn cứ "));
    assert_true(starts_with(nth(pre, 7)->body, "Xét Tờ trình số 73/TTr-UBND"));

    const struct outline_node *closing = nth(&o->root, 4);
    assert_string_equal(closing->body, "Nghị quyết này được Hội đồng nhân dân xã Kê Sắt khóa I, "
                                       "Kỳ họp thứ 5 thông qua ngày 18 tháng 12 năm 2025./.");

    const struct outline_node *rec = at(o, "recipients");
    assert_int_equal(count_kind(rec, OUTLINE_ITEM), 10);
    assert_string_equal(rec->first->body, "HĐND, UBND thành phố;");
    assert_string_equal(at(o, "recipients/item-10")->body, "Lưu: VT.");
    assert_string_equal(at(o, "recipients/text-1")->body, "(để b/c)");

    const struct outline_node *sig = at(o, "signature");
    assert_string_equal(sig->title, "Bùi Sỹ Hoàn");
    assert_string_equal(sig->body, "CHỦ TỊCH");
}

static void ke_sat_paths_and_labels(void **state)
{
    (void)state;
    struct outline *o = parse_doc(KE_SAT);
    const struct outline_node *n = at(o, "dieu-1/khoan-3/diem-dd/item-2");
    assert_string_equal(outline_path(A, n), "dieu-1/khoan-3/diem-dd/item-2");
    assert_string_equal(outline_label(A, n), "Điều 1, khoản 3, điểm đ, gạch đầu dòng thứ 2");
    assert_string_equal(outline_label(A, at(o, "dieu-1/khoan-2/diem-a")),
                        "Điều 1, khoản 2, điểm a");
    assert_string_equal(outline_label(A, at(o, "preamble/text-8")), "Phần căn cứ, đoạn 8");
    assert_string_equal(outline_label(A, at(o, "signature")), "Phần ký");
    assert_null(outline_find(o, "dieu-4"));
    assert_null(outline_find(o, "dieu-1/khoan-9"));
    assert_int_equal(at(o, "dieu-1/khoan-3/diem-a")->line, 53);
}

/* ---- Nghị quyết of tỉnh Hà Nam (Markdown leftovers, a scanned stamp) ---- */

static void ha_nam_head_and_stamp(void **state)
{
    (void)state;
    struct outline *o = parse_doc(HA_NAM);
    assert_string_equal(o->doc_type, "NGHỊ QUYẾT");
    assert_string_equal(o->number, "31/NQ-HĐND");
    assert_string_equal(o->issuer, "HỘI ĐỒNG NHÂN DÂN\nTỈNH HÀ NAM");
    assert_string_equal(o->place_date, "Hà Nam, ngày 17 tháng 7 năm 2024");
    assert_string_equal(o->summary, "Quyết định các biện pháp bảo đảm thực hiện dân chủ ở cơ sở "
                                    "trên địa bàn tỉnh Hà Nam");
    assert_string_equal(o->authority,
                        "HỘI ĐỒNG NHÂN DÂN TỈNH HÀ NAM KHÓA XIX, KỲ HỌP THỨ MƯỜI TÁM");
    /* the stamp (VPUBND ... ĐẾN ... Chuyển ...) and the motto are nowhere */
    json_t *j = outline_json(o);
    char *all = json_dumps(j, 0);
    json_decref(j);
    assert_non_null(all);
    assert_null(strstr(all, "VPUBND"));
    assert_null(strstr(all, "Chuyển"));
    assert_null(strstr(all, "ký hiệu HS"));
    assert_null(strstr(all, "Độc lập"));
    assert_null(strstr(all, "\"table\""));
    free(all);

    const struct outline_node *pre = at(o, "preamble");
    assert_int_equal(pre->n_children, 7); /* six Căn cứ in one italic paragraph, one Xét */
    assert_string_equal(nth(pre, 1)->body,
                        "Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và "
                        "Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;");
    assert_true(starts_with(nth(pre, 6)->body, "Xét Tờ trình số 1339/TTr-UBND"));
    assert_true(ends_with(nth(pre, 6)->body, "tại Kỳ họp."));
}

static void ha_nam_articles_from_markdown_headings(void **state)
{
    (void)state;
    struct outline *o = parse_doc(HA_NAM);
    assert_string_equal(numbers(&o->root, OUTLINE_DIEU), "1 2 3");
    /* "**Điều 1. ... trên địa  \nbàn tỉnh Hà Nam**": two lines, one title */
    assert_string_equal(at(o, "dieu-1")->title, "Các biện pháp bảo đảm thực hiện dân chủ ở cơ sở "
                                                "trên địa bàn tỉnh Hà Nam");
    assert_string_equal(numbers(at(o, "dieu-1"), OUTLINE_KHOAN), "1 2");
    assert_string_equal(at(o, "dieu-1/khoan-1")->title, "Mục đích, yêu cầu");
    assert_string_equal(numbers(at(o, "dieu-1/khoan-1"), OUTLINE_DIEM), "a b");
    /* "## 2. Các biện pháp..." is khoản 2 of Điều 1 */
    assert_string_equal(at(o, "dieu-1/khoan-2")->title,
                        "Các biện pháp bảo đảm thực hiện dân chủ ở cơ sở");
    assert_string_equal(numbers(at(o, "dieu-1/khoan-2"), OUTLINE_DIEM), "a b c d đ");
    static const size_t items[] = {2, 3, 4, 2, 4};
    const struct outline_node *d = at(o, "dieu-1/khoan-2")->first;
    for (size_t i = 0; i < 5; i++, d = d->next)
        assert_int_equal(count_kind(d, OUTLINE_ITEM), items[i]);
    /* "### **Điều 2. Kinh phí thực hiện**" */
    assert_string_equal(at(o, "dieu-2")->title, "Kinh phí thực hiện");
    assert_true(starts_with(at(o, "dieu-2")->body, "Kinh phí triển khai thực hiện Nghị quyết"));
    assert_string_equal(at(o, "dieu-3")->title, "Tổ chức thực hiện");
    assert_string_equal(numbers(at(o, "dieu-3"), OUTLINE_KHOAN), "1 2");

    const struct outline_node *closing = at(o, "text-1");
    assert_null(closing->parent->parent);
    assert_true(strstr(closing->body, "Kỳ họp thứ mười tám (Kỳ họp thường lệ giữa năm 2024) "
                                      "thông qua ngày 17 tháng 7 năm 2024") != NULL);
    /* "#### **Nơi nhận:**" */
    assert_int_equal(count_kind(at(o, "recipients"), OUTLINE_ITEM), 13);
    assert_string_equal(at(o, "recipients/item-13")->body, "Lưu: VT .");
    const struct outline_node *sig = at(o, "signature");
    assert_string_equal(sig->title, "Đặng Thanh Sơn");
    assert_string_equal(sig->body, "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH");
}

/* ---- Kế hoạch of xã Bình Giang (parts, items, appendix tables) ---- */

static void ke_hoach_parts_clauses_and_items(void **state)
{
    (void)state;
    struct outline *o = parse_doc(KE_HOACH);
    assert_string_equal(o->doc_type, "KẾ HOẠCH");
    assert_string_equal(o->number, "/KH-UBND");
    assert_string_equal(o->place_date, "Bình Giang, ngày tháng 01 năm 2025");
    assert_true(starts_with(o->summary, "Triển khai thực hiện Nghị quyết số 82/NQ-HĐND"));
    assert_int_equal(at(o, "preamble")->n_children, 1);
    assert_true(starts_with(at(o, "preamble/text-1")->body, "Thực hiện Nghị quyết số 82/NQ-HĐND"));
    assert_int_equal(count_kind(&o->root, OUTLINE_DIEU), 0);

    assert_string_equal(numbers(&o->root, OUTLINE_PHAN), "I II III IV");
    assert_string_equal(at(o, "phan-i")->title, "MỤC ĐÍCH, YÊU CẦU");
    assert_string_equal(at(o, "phan-ii")->title, "NỘI DUNG");
    assert_string_equal(at(o, "phan-iii")->title, "KINH PHÍ THỰC HIỆN");
    assert_string_equal(at(o, "phan-iv")->title, "TỔ CHỨC THỰC HIỆN");

    assert_string_equal(numbers(at(o, "phan-i"), OUTLINE_KHOAN), "1 2");
    assert_string_equal(at(o, "phan-i/khoan-1")->title, "Mục đích");
    assert_int_equal(count_kind(at(o, "phan-i/khoan-1"), OUTLINE_ITEM), 2);
    assert_int_equal(count_kind(at(o, "phan-i/khoan-2"), OUTLINE_ITEM), 3);

    assert_string_equal(numbers(at(o, "phan-ii"), OUTLINE_KHOAN), "1 2 3");
    assert_string_equal(numbers(at(o, "phan-ii/khoan-1"), OUTLINE_DIEM), "a b");
    assert_int_equal(count_kind(at(o, "phan-ii/khoan-1/diem-a"), OUTLINE_TEXT), 3);
    assert_string_equal(at(o, "phan-ii/khoan-1/diem-a/text-3")->body,
                        "Thời gian thực hiện: thường xuyên.");
    assert_int_equal(count_kind(at(o, "phan-ii/khoan-2"), OUTLINE_TEXT), 4);
    assert_string_equal(at(o, "phan-ii/khoan-2/text-2")->body, "(Có Phụ lục I chi tiết kèm theo)");
    /* "- Thời gian thực hiện:" with its two "+" items */
    const struct outline_node *when = at(o, "phan-ii/khoan-3/item-3");
    assert_string_equal(when->body, "Thời gian thực hiện:");
    assert_int_equal(count_kind(when, OUTLINE_ITEM), 2);
    assert_true(starts_with(at(o, "phan-ii/khoan-3/item-3/item-2")->body,
                            "Việc báo cáo kết quả thực hiện Nghị quyết:"));

    assert_string_equal(numbers(at(o, "phan-iii"), OUTLINE_KHOAN), "1 2");
    assert_string_equal(numbers(at(o, "phan-iv"), OUTLINE_KHOAN), "1 2 3 4 5 6 7");
    assert_true(strstr(at(o, "phan-iv/khoan-1/item-1")->body,
                       "hàng năm, xây dựng kế hoạch thực hiện dân chủ ở cơ sở gắn với triển khai "
                       "hiệu quả Nghị quyết này;") != NULL);
    assert_string_equal(at(o, "phan-iv/khoan-4")->title, "Phòng Kinh tế xã");
    assert_true(starts_with(at(o, "phan-iv/khoan-4/text-1")->body, "Hướng dẫn việc lập dự toán"));
    assert_string_equal(outline_label(A, at(o, "phan-iv/khoan-2/item-6")),
                        "Phần IV, khoản 2, gạch đầu dòng thứ 6");

    const struct outline_node *closing = at(o, "text-1");
    assert_true(starts_with(closing->body, "Trên đây là Kế hoạch thực hiện"));
    assert_int_equal(count_kind(at(o, "recipients"), OUTLINE_ITEM), 11);
    const struct outline_node *sig = at(o, "signature");
    assert_string_equal(sig->title, "Vũ Thị Hòa");
    assert_string_equal(sig->body, "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH");
}

static void ke_hoach_appendix_tables_span_page_breaks(void **state)
{
    (void)state;
    struct outline *o = parse_doc(KE_HOACH);
    assert_string_equal(numbers(&o->root, OUTLINE_PHU_LUC), "I II");
    const struct outline_node *p1 = at(o, "phu-luc-i"), *p2 = at(o, "phu-luc-ii");
    assert_null(p1->parent->parent);
    assert_string_equal(p1->title, "Phân công thực hiện các mục tiêu đảm bảo thực hiện dân chủ "
                                   "ở cơ sở theo Nghị quyết số 82/NQ-HĐND ngày 11/12/2025 của "
                                   "Hội đồng nhân dân thành phố");
    assert_string_equal(p1->body,
                        "(Kèm theo Kế hoạch số /KH-UBND ngày /01/2026 của UBND xã Bình Giang)");
    assert_true(starts_with(p2->title, "Các nhiệm vụ cụ thể thực hiện các biện pháp"));

    /* Phụ lục I: three pages, the header once, 12 rows (I, 1-4, II, 1-6) */
    assert_int_equal(count_kind(p1, OUTLINE_TABLE), 1);
    const struct outline_node *t1 = at(o, "phu-luc-i/table-1");
    assert_int_equal(t1->n_cols, 5);
    assert_int_equal(t1->header_rows, 1);
    assert_int_equal(t1->n_rows, 1 + 12);
    assert_string_equal(t1->rows[0][0], "STT");
    assert_string_equal(t1->rows[0][4], "Cơ quan phối hợp");
    assert_string_equal(t1->rows[1][0], "I");
    assert_string_equal(t1->rows[1][1], "MỤC TIÊU CHUNG");
    assert_string_equal(t1->rows[6][0], "II");
    assert_string_equal(t1->rows[12][0], "6");
    /* the cell with <ul style=...> keeps its text */
    assert_string_equal(t1->rows[12][4], "- Phòng Văn hóa – Xã hội xã (về khen thưởng) - Văn phòng "
                                         "HĐND và UBND xã (xử lý vi phạm)");

    /* Phụ lục II: six pages, 29 rows; two rows went on after a page break */
    assert_int_equal(count_kind(p2, OUTLINE_TABLE), 1);
    const struct outline_node *t2 = at(o, "phu-luc-ii/table-1");
    assert_int_equal(t2->n_cols, 6);
    assert_int_equal(t2->header_rows, 1);
    assert_int_equal(t2->n_rows, 1 + 29);
    assert_string_equal(t2->rows[0][5], "Sản phẩm");
    for (size_t r = 1; r < t2->n_rows; r++) {
        assert_string_not_equal(t2->rows[r][0], "STT");
        assert_string_not_equal(t2->rows[r][0], "");
    }
    assert_string_equal(t2->rows[4][0], "-");
    assert_true(ends_with(t2->rows[4][1], "tham gia góp ý vào các dự thảo văn bản có liên quan "
                                          "đến quyền, lợi ích hợp pháp chính đáng của đoàn viên, "
                                          "hội viên và Nhân dân."));
    assert_string_equal(t2->rows[16][3], "Cán bộ, công chức, viên chức, người lao động, công dân "
                                         "và hộ gia đình tại các thôn trên địa bàn xã");
    assert_true(ends_with(t2->rows[16][5], "biên bản họp các cuộc họp của cơ quan, đơn vị hoặc "
                                           "cộng đồng dân cư tại các thôn"));
    assert_string_equal(t2->rows[29][0], "-");
}

static void real_documents_hold_no_markup_or_page_numbers(void **state)
{
    (void)state;
    static const char *const docs[] = {KE_SAT, HA_NAM, KE_HOACH};
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        struct outline *o = parse_doc(docs[i]);
        assert_tree_clean(o, &o->root);
        assert_clean(o->summary, "summary");
        assert_clean(o->authority, "authority");
    }
}

static void documents_parse_in_well_under_ten_ms(void **state)
{
    (void)state;
    /* 4 chương, 48 điều, 144 khoản, 432 điểm */
    struct buf b;
    buf_init(&b, A);
    buf_puts(&b, "NGHỊ QUYẾT\n\nVề việc thử tốc độ\n\nQUYẾT NGHỊ:\n\n");
    for (int c = 1; c <= 4; c++) {
        buf_printf(&b, "Chương %d\n\nQUY ĐỊNH NHÓM %d\n\n", c, c);
        for (int d = 1; d <= 12; d++) {
            buf_printf(&b, "Điều %d. Tiêu đề của điều\n\n", (c - 1) * 12 + d);
            for (int k = 1; k <= 3; k++) {
                buf_printf(&b,
                           "%d. Khoản có nội dung dài vừa phải để thử việc ghép dòng và "
                           "tiêu đề của khoản, như một văn bản thật.\n\n",
                           k);
                buf_puts(&b, "a) Điểm a;\n\nb) Điểm b;\n\nđ) Điểm đ.\n\n- Gạch đầu dòng.\n\n");
            }
        }
    }
    double best = 1e9;
    struct outline *o = NULL;
    for (int run = 0; run < 3; run++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        o = parse_text(b.ptr, b.len);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
        if (ms < best)
            best = ms;
    }
    assert_int_equal(count_kind(&o->root, OUTLINE_CHUONG), 4);
    assert_int_equal(count_kind(at(o, "chuong-4"), OUTLINE_DIEU), 12);
    assert_int_equal(o->n_nodes, 4 + 48 + 144 * 5);
    if (best >= 10.0)
        fail_msg("a %zu-node document took %.2f ms", o->n_nodes, best);
}

/* ---- text written here ---- */

static void chuong_muc_dieu_nest(void **state)
{
    (void)state;
    struct outline *o = parse_str("QUY CHẾ\n\nThực hiện dân chủ ở thôn Đông\n\n"
                                  "Chương I\n\nNHỮNG QUY ĐỊNH CHUNG\n\n"
                                  "Điều 1. Phạm vi điều chỉnh\n\nQuy chế này quy định việc họp.\n\n"
                                  "Điều 2. Đối tượng áp dụng\n\n1. Người dân.\n\n2. Cán bộ:\n\n"
                                  "a) Trưởng thôn;\n\nb) Công an viên.\n\n"
                                  "Chương II\nHỌP THÔN\n\nMục 1. Họp định kỳ\n\n"
                                  "Điều 3. Số lần họp\n\nThôn họp hai lần một năm.\n\n"
                                  "Mục 2\n\nHọp bất thường\n\nĐiều 4. Khi nào họp\n\n"
                                  "Mục tiêu của thôn là họp đúng hạn.\n\n1.1. Khoản con.\n");
    assert_string_equal(o->doc_type, "QUY CHẾ");
    assert_string_equal(o->summary, "Thực hiện dân chủ ở thôn Đông");
    assert_int_equal(o->root.n_children, 2);
    assert_string_equal(at(o, "chuong-i")->title, "NHỮNG QUY ĐỊNH CHUNG");
    assert_string_equal(numbers(at(o, "chuong-i"), OUTLINE_DIEU), "1 2");
    assert_string_equal(at(o, "chuong-i/dieu-1")->body, "Quy chế này quy định việc họp.");
    assert_string_equal(numbers(at(o, "chuong-i/dieu-2"), OUTLINE_KHOAN), "1 2");
    assert_string_equal(numbers(at(o, "chuong-i/dieu-2/khoan-2"), OUTLINE_DIEM), "a b");
    assert_string_equal(at(o, "chuong-ii")->title, "HỌP THÔN");
    assert_string_equal(numbers(at(o, "chuong-ii"), OUTLINE_MUC), "1 2");
    assert_string_equal(at(o, "chuong-ii/muc-1")->title, "Họp định kỳ");
    assert_string_equal(at(o, "chuong-ii/muc-2")->title, "Họp bất thường");
    assert_string_equal(at(o, "chuong-ii/muc-1/dieu-3")->body, "Thôn họp hai lần một năm.");
    const struct outline_node *k = at(o, "chuong-ii/muc-2/dieu-4/khoan-1.1");
    assert_string_equal(k->number, "1.1");
    /* "Mục tiêu ..." is a sentence, not a mục: the điều's own text */
    assert_string_equal(at(o, "chuong-ii/muc-2/dieu-4")->body,
                        "Mục tiêu của thôn là họp đúng hạn.");
    assert_string_equal(outline_label(A, at(o, "chuong-i/dieu-2/khoan-2/diem-b")),
                        "Điều 2, khoản 2, điểm b");
    assert_string_equal(outline_label(A, at(o, "chuong-ii/muc-1")), "Chương II, Mục 1");
}

static void head_read_from_a_heading_table_and_a_cut_summary(void **state)
{
    (void)state;
    /* issuer and motto side by side (a table in Word), the summary cut by a page break */
    struct outline *o = parse_str("ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                                  "XÃ BÌNH AN\tĐộc lập - Tự do - Hạnh phúc\n"
                                  "Số: 05 /QĐ-UBND\tBình An, ngày 05 tháng 01 năm 2026\n\n"
                                  "QUYẾT ĐỊNH\n\nVề việc ban hành Quy chế thực hiện dân chủ\n\n"
                                  "ở cơ sở\n\nCHỦ TỊCH ỦY BAN NHÂN DÂN XÃ BÌNH AN\n\n"
                                  "Căn cứ Luật Thực hiện dân chủ ở cơ sở;\n\nQUYẾT ĐỊNH:\n\n"
                                  "Điều 1. Ban hành kèm theo Quyết định này Quy chế.\n");
    assert_string_equal(o->issuer, "ỦY BAN NHÂN DÂN\nXÃ BÌNH AN");
    assert_string_equal(o->number, "05/QĐ-UBND");
    assert_string_equal(o->place_date, "Bình An, ngày 05 tháng 01 năm 2026");
    assert_string_equal(o->doc_type, "QUYẾT ĐỊNH");
    assert_string_equal(o->summary, "Về việc ban hành Quy chế thực hiện dân chủ ở cơ sở");
    assert_string_equal(o->authority, "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ BÌNH AN");
    assert_int_equal(o->root.n_children, 2);
    assert_int_equal(at(o, "preamble")->n_children, 1);
    assert_string_equal(at(o, "dieu-1")->title, "Ban hành kèm theo Quyết định này Quy chế.");
}

static void markdown_draft_from_word(void **state)
{
    (void)state;
    /* what export_docx_markdown() writes: escaped numbers, lost numbering, bold, a table */
    struct outline *o = parse_str(
        "# KẾ HOẠCH\n\n**Tổ chức họp thôn năm 2026**\n\n"
        "## I. MỤC ĐÍCH\n\n1\\. Bảo đảm **dân chủ**.\n\n"
        "- 2\\. Công khai kết quả;\n- a) trên bảng tin;\n- b) trên loa.\n\n"
        "## II. LỊCH HỌP\n\n| STT | Nội dung | Thời gian |\n| --- | --- | --- |\n"
        "| 1 | Họp \\| giữa năm<br>lần 1 | Tháng 6 |\n| 2 | **Họp** cuối năm | Tháng 12 |\n\n"
        "TRƯỞNG THÔN\n\n*(Đã ký)*\n\nNguyễn Văn An\n");
    assert_string_equal(o->doc_type, "KẾ HOẠCH");
    assert_string_equal(o->summary, "Tổ chức họp thôn năm 2026");
    assert_string_equal(numbers(&o->root, OUTLINE_PHAN), "I II");
    assert_string_equal(at(o, "phan-i")->title, "MỤC ĐÍCH");
    assert_string_equal(numbers(at(o, "phan-i"), OUTLINE_KHOAN), "1 2");
    assert_string_equal(at(o, "phan-i/khoan-1")->body, "Bảo đảm dân chủ.");
    /* "- 2\. ..." is khoản 2, "- a) ..." its điểm */
    assert_string_equal(at(o, "phan-i/khoan-2")->body, "Công khai kết quả;");
    assert_string_equal(numbers(at(o, "phan-i/khoan-2"), OUTLINE_DIEM), "a b");
    assert_int_equal(count_kind(at(o, "phan-i"), OUTLINE_ITEM), 0);

    const struct outline_node *t = at(o, "phan-ii/table-1");
    assert_int_equal(t->n_cols, 3);
    assert_int_equal(t->n_rows, 3);
    assert_int_equal(t->header_rows, 1);
    assert_string_equal(t->rows[1][1], "Họp | giữa năm lần 1");
    assert_string_equal(t->rows[2][1], "Họp cuối năm");
    assert_string_equal(t->rows[2][2], "Tháng 12");

    const struct outline_node *sig = at(o, "signature");
    assert_string_equal(sig->body, "TRƯỞNG THÔN");
    assert_string_equal(sig->title, "Nguyễn Văn An");
}

/* The signature block of the Bình Giang plan one line a paragraph, as a Word file of it has it. */
static void signature_spread_over_paragraphs_is_one(void **state)
{
    (void)state;
    static const char *const forms[] = {
        "Nơi nhận:\n- Lưu: VT.\n\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nVũ Thị Hòa\n",
        "Nơi nhận:\n\n- Lưu: VT.\n\nTM. ỦY BAN NHÂN DÂN\n\nKT. CHỦ TỊCH\n\nPHÓ CHỦ TỊCH\n\n"
        "Vũ Thị Hòa\n",
        /* export_docx_markdown() of it: escaped dash, the roles and the name in bold */
        "Nơi nhận:\n\n\\- Lưu: VT.\n\n\\*\\*TM. ỦY BAN NHÂN DÂN\n\nKT. CHỦ TỊCH\n\n"
        "PHÓ CHỦ TỊCH\\*\\*\n\n(Đã ký)\n\n\\*\\*Vũ Thị Hòa\\*\\*\n",
    };
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        struct outline *o = parse_str(forms[i]);
        assert_int_equal(o->root.n_children, 2);
        assert_int_equal(count_kind(&o->root, OUTLINE_SIGNATURE), 1);
        const struct outline_node *sig = at(o, "signature");
        assert_string_equal(sig->title, "Vũ Thị Hòa");
        assert_string_equal(sig->body, "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH");
        assert_string_equal(at(o, "recipients/item-1")->body, "Lưu: VT.");
    }
    /* a name ends a signature: two signers of a joint plan stay two */
    struct outline *o = parse_str("TM. BAN THƯỜNG TRỰC\n\nCHỦ TỊCH\n\nNguyễn Văn An\n\n"
                                  "TM. ỦY BAN NHÂN DÂN\n\nCHỦ TỊCH\n\nTrần Văn Bình\n");
    assert_int_equal(count_kind(&o->root, OUTLINE_SIGNATURE), 2);
    assert_string_equal(at(o, "signature")->body, "TM. BAN THƯỜNG TRỰC\nCHỦ TỊCH");
    assert_string_equal(at(o, "signature")->title, "Nguyễn Văn An");
    assert_string_equal(at(o, "signature-2")->body, "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH");
    assert_string_equal(at(o, "signature-2")->title, "Trần Văn Bình");
}

/*
 * The Hà Nam resolution's Markdown leftovers as export_docx_markdown() writes the Word file
 * made of it: every line a paragraph, the "**", "#", "1." and "-" it held as characters
 * escaped, a bold heading cut over two paragraphs, the stamp one line a paragraph.
 */
static void escaped_markdown_markers_from_word(void **state)
{
    (void)state;
    struct outline *o = parse_str(
        "\\*\\*NGHỊ QUYẾT\\*\\*\n\n"
        "\\*\\*Quyết định các biện pháp bảo đảm thực hiện dân chủ ở cơ sở\n\n"
        "trên địa bàn tỉnh Hà Nam\\*\\*\n\n"
        "\\*\\*HỘI ĐỒNG NHÂN DÂN TỈNH HÀ NAM\n\nKHÓA XIX, KỲ HỌP THỨ MƯỜI TÁM\\*\\*\n\n"
        "VPUBND TỈNH HÀ NAM\n\nĐẾN Số: .....\n\nNgày: 18/7/2024\n\nChuyển: .....\n\n"
        "Số và ký hiệu HS: .....\n\n"
        "\\*Căn cứ Luật Thực hiện dân chủ ở cơ sở ngày 10 tháng 11 năm 2022;\n\n"
        "Căn cứ Nghị định số 59/2023/NĐ-CP ngày 14 tháng 8 năm 2023 của\n\n"
        "Chính phủ quy định chi tiết một số điều của Luật Thực hiện dân chủ ở cơ sở;\\*\n\n"
        "\\*\\*QUYẾT NGHỊ:\\*\\*\n\n"
        "\\*\\*Điều 1. Các biện pháp bảo đảm thực hiện dân chủ ở cơ sở trên địa\n\n"
        "bàn tỉnh Hà Nam\\*\\*\n\n"
        "1\\. Mục đích, yêu cầu\n\n"
        "a) Mục đích: quy định cụ thể các biện pháp.\n\n"
        "\\## 2. Các biện pháp bảo đảm thực hiện dân chủ ở cơ sở\n\n"
        "a) Bồi dưỡng nâng cao năng lực chuyên môn.\n\n"
        "\\- Bố trí cán bộ có năng lực.\n\n"
        "\\### \\*\\*Điều 2. Kinh phí thực hiện\\*\\*\n\n"
        "Kinh phí được bố trí từ nguồn ngân sách nhà nước.\n\n"
        "\\*\\*Điều 3. Tổ chức thực hiện\\*\\*\n\n"
        "1\\. Ủy ban nhân dân tỉnh tổ chức thực hiện Nghị quyết này.\n\n"
        "\\#### \\*\\*Nơi nhận:\\*\\*\n\n\\- UBTW Quốc hội;\n\n\\- Lưu: VT .\n");
    assert_string_equal(o->doc_type, "NGHỊ QUYẾT");
    assert_string_equal(o->summary, "Quyết định các biện pháp bảo đảm thực hiện dân chủ ở cơ sở "
                                    "trên địa bàn tỉnh Hà Nam");
    assert_string_equal(o->authority,
                        "HỘI ĐỒNG NHÂN DÂN TỈNH HÀ NAM KHÓA XIX, KỲ HỌP THỨ MƯỜI TÁM");
    /* the stamp is gone, its office line with it: the bases are the preamble */
    const struct outline_node *pre = at(o, "preamble");
    assert_int_equal(pre->n_children, 2);
    assert_string_equal(nth(pre, 1)->body,
                        "Căn cứ Nghị định số 59/2023/NĐ-CP ngày 14 tháng 8 năm 2023 của Chính phủ "
                        "quy định chi tiết một số điều của Luật Thực hiện dân chủ ở cơ sở;");
    assert_string_equal(numbers(&o->root, OUTLINE_DIEU), "1 2 3");
    assert_string_equal(at(o, "dieu-1")->title, "Các biện pháp bảo đảm thực hiện dân chủ ở cơ sở "
                                                "trên địa bàn tỉnh Hà Nam");
    assert_string_equal(numbers(at(o, "dieu-1"), OUTLINE_KHOAN), "1 2");
    assert_string_equal(at(o, "dieu-1/khoan-2")->title,
                        "Các biện pháp bảo đảm thực hiện dân chủ ở cơ sở");
    assert_string_equal(at(o, "dieu-1/khoan-2/diem-a/item-1")->body, "Bố trí cán bộ có năng lực.");
    assert_string_equal(at(o, "dieu-2")->title, "Kinh phí thực hiện");
    assert_string_equal(at(o, "dieu-2")->body, "Kinh phí được bố trí từ nguồn ngân sách nhà nước.");
    assert_string_equal(at(o, "dieu-3")->title, "Tổ chức thực hiện");
    assert_string_equal(numbers(at(o, "dieu-3"), OUTLINE_KHOAN), "1");
    assert_int_equal(count_kind(at(o, "recipients"), OUTLINE_ITEM), 2);
    assert_string_equal(at(o, "recipients/item-1")->body, "UBTW Quốc hội;");
    assert_tree_clean(o, &o->root);
    json_t *j = outline_json(o);
    char *all = json_dumps(j, 0);
    json_decref(j);
    assert_non_null(all);
    assert_null(strstr(all, "VPUBND"));
    assert_null(strstr(all, "ĐẾN"));
    assert_null(strstr(all, "Chuyển"));
    free(all);

    /* one line each way: an escaped marker is the marker */
    o = parse_str("\\*\\*Điều 3. Tổ chức thực hiện\\*\\*\n\n\\#\\# 2. Các biện pháp khác\n");
    assert_string_equal(at(o, "dieu-3")->title, "Tổ chức thực hiện");
    assert_string_equal(at(o, "dieu-3/khoan-2")->title, "Các biện pháp khác");
    /* an escaped star between spaces, or "(*)", is still a star */
    o = parse_str("Điều 1. Diện tích 5 \\* 3 mét (\\*)\n");
    assert_string_equal(at(o, "dieu-1")->title, "Diện tích 5 * 3 mét (*)");
}

static void dash_and_plus_items_nest(void **state)
{
    (void)state;
    struct outline *o = parse_str("1. Cơ quan thực hiện:\n\n- Phòng Văn hóa;\n\n- Thời gian:\n\n"
                                  "+ Hàng năm;\n\n+ Đột xuất.\n\n- Kinh phí: ngân sách.\n\n"
                                  "Ghi chú sau danh sách.\n\n+ Dấu cộng lẻ.\n");
    const struct outline_node *k = at(o, "khoan-1");
    assert_int_equal(count_kind(k, OUTLINE_ITEM), 4);
    assert_string_equal(at(o, "khoan-1/item-1")->body, "Phòng Văn hóa;");
    const struct outline_node *when = at(o, "khoan-1/item-2");
    assert_string_equal(when->body, "Thời gian:");
    assert_int_equal(count_kind(when, OUTLINE_ITEM), 2);
    assert_string_equal(at(o, "khoan-1/item-2/item-1")->body, "Hàng năm;");
    assert_string_equal(at(o, "khoan-1/item-2/item-2")->body, "Đột xuất.");
    assert_int_equal(at(o, "khoan-1/item-3")->n_children, 0);
    /* text after a list ends it: a later "+" item belongs to the khoản */
    assert_string_equal(at(o, "khoan-1/text-1")->body, "Ghi chú sau danh sách.");
    assert_string_equal(at(o, "khoan-1/item-4")->body, "Dấu cộng lẻ.");
    assert_string_equal(outline_label(A, at(o, "khoan-1/item-2/item-2")),
                        "Khoản 1, gạch đầu dòng thứ 2, gạch đầu dòng thứ 2");
}

static void page_numbers_headers_and_letters(void **state)
{
    (void)state;
    struct outline *o = parse_str(
        "Điều 1. Trách nhiệm\n\nCÔNG BÁO TỈNH\n\n1. Thôn có trách nhiệm tổ chức họp, lấy ý kiến "
        "của\n\n- 2 -\n\nNhân dân về các nội dung quy định tại Điều này.\n\n12\n\nCÔNG BÁO TỈNH\n\n"
        "a) một;\n\nb) hai;\n\nc) ba;\n\nd) bốn;\n\nđ) năm;\n\ne) sáu;\n\ng) bảy;\n\nh) tám;\n\n"
        "i) chín;\n\nk) mười;\n\nf) không phải điểm.\n\nTrang 3\n\nCÔNG BÁO TỈNH\n");
    const struct outline_node *k = at(o, "dieu-1/khoan-1");
    assert_string_equal(k->body, "Thôn có trách nhiệm tổ chức họp, lấy ý kiến của Nhân dân về "
                                 "các nội dung quy định tại Điều này.");
    assert_string_equal(numbers(k, OUTLINE_DIEM), "a b c d đ e g h i k");
    /* "f)" is no Vietnamese điểm letter: it stays text of điểm k */
    assert_string_equal(at(o, "dieu-1/khoan-1/diem-k/text-1")->body, "f) không phải điểm.");
    assert_tree_clean(o, &o->root);
    json_t *j = outline_json(o);
    char *all = json_dumps(j, 0);
    json_decref(j);
    assert_non_null(all);
    assert_null(strstr(all, "CÔNG BÁO"));
    assert_null(strstr(all, "Trang 3"));
    free(all);
}

static void empty_input_has_no_sections(void **state)
{
    (void)state;
    static const char *const inputs[] = {"", "\n\n  \n\t\n", "- 3 -\n\nTrang 2\n"};
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        struct outline *o = parse_str(inputs[i]);
        assert_int_equal(o->root.n_children, 0);
        assert_int_equal(o->n_nodes, 0);
        assert_string_equal(o->doc_type, "");
        json_t *j = outline_json(o);
        assert_int_equal(json_array_size(json_object_get(j, "sections")), 0);
        json_decref(j);
    }
}

static void bad_bytes_are_refused_and_garbage_does_not_crash(void **state)
{
    (void)state;
    struct outline *o = (struct outline *)1;
    char err[200];
    static const char latin1[] = "Điều 1. \xff\xfe", nul[] = "Điều 1.\0x";
    assert_int_equal(outline_parse(A, latin1, sizeof(latin1) - 1, &o, err, sizeof(err)),
                     ERR_INVALID);
    assert_null(o);
    assert_string_equal(err, "the text is not valid UTF-8");
    assert_int_equal(outline_parse(A, nul, sizeof(nul) - 1, &o, err, sizeof(err)), ERR_INVALID);
    assert_string_equal(err, "the text holds NUL bytes");

    /* pseudo-random bytes, and the same made valid UTF-8 out of markers and Vietnamese */
    static const char *const pieces[] = {
        "Điều ",  "1.",      "a)",        "đ)",       "- ",     "+ ",          "\t",
        "|",      "| --- |", "\n",        "\n\n",     "**",     "#",           "Chương ",
        "II",     "PHỤ LỤC", "Nơi nhận:", "CHỦ TỊCH", "Căn cứ", "<ul>",        "&amp;",
        "\\",     "Số: ",    "ngày",      " tháng ",  "năm",    "QUYẾT NGHỊ:", "NGHỊ QUYẾT",
        "ỦY BAN", "x",       " ",         "(",
    };
    uint32_t seed = 12345;
    for (int round = 0; round < 200; round++) {
        char raw[600];
        struct buf b;
        buf_init(&b, A);
        for (size_t i = 0; i < sizeof(raw); i++) {
            seed = seed * 1103515245u + 12345u;
            raw[i] = (char)(seed >> 16);
            if (i % 3 == 0)
                buf_puts(&b, pieces[(seed >> 8) % (sizeof(pieces) / sizeof(pieces[0]))]);
        }
        int rc = outline_parse(A, raw, sizeof(raw), &o, err, sizeof(err));
        assert_true(rc == 0 || rc == ERR_INVALID);
        o = parse_text(b.ptr, b.len);
        json_t *j = outline_json(o);
        assert_non_null(j);
        json_decref(j);
    }
}

static void json_has_the_documented_shape(void **state)
{
    (void)state;
    struct outline *o = parse_str("NGHỊ QUYẾT\n\nVề việc thử\n\nCăn cứ Luật A;\n\nQUYẾT NGHỊ:\n\n"
                                  "Điều 1. Một\n\n1. Khoản.\n\nPHỤ LỤC\n\nBảng\n\nA\tB\n1\t2\n");
    json_t *j = outline_json(o);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "doc_type")), "NGHỊ QUYẾT");
    assert_string_equal(json_string_value(json_object_get(j, "summary")), "Về việc thử");
    assert_non_null(json_object_get(j, "number"));
    assert_non_null(json_object_get(j, "place_date"));
    json_t *sections = json_object_get(j, "sections");
    assert_int_equal(json_array_size(sections), 3);
    size_t i;
    json_t *s;
    json_array_foreach(sections, i, s)
    {
        assert_true(json_is_string(json_object_get(s, "kind")));
        assert_true(json_is_string(json_object_get(s, "number")));
        assert_true(json_is_string(json_object_get(s, "title")));
        assert_true(json_is_string(json_object_get(s, "body")));
        assert_true(json_is_string(json_object_get(s, "path")));
        assert_true(json_is_array(json_object_get(s, "children")));
    }
    json_t *dieu = json_array_get(sections, 1);
    assert_string_equal(json_string_value(json_object_get(dieu, "kind")), "dieu");
    assert_string_equal(json_string_value(json_object_get(dieu, "number")), "1");
    assert_string_equal(json_string_value(json_object_get(dieu, "title")), "Một");
    json_t *khoan = json_array_get(json_object_get(dieu, "children"), 0);
    assert_string_equal(json_string_value(json_object_get(khoan, "path")), "dieu-1/khoan-1");
    json_t *pl = json_array_get(sections, 2);
    assert_string_equal(json_string_value(json_object_get(pl, "kind")), "phu_luc");
    assert_string_equal(json_string_value(json_object_get(pl, "title")), "Bảng");
    json_t *table = json_array_get(json_object_get(pl, "children"), 0);
    assert_string_equal(json_string_value(json_object_get(table, "kind")), "table");
    json_t *rows = json_object_get(table, "rows");
    assert_int_equal(json_array_size(rows), 2);
    assert_string_equal(json_string_value(json_array_get(json_array_get(rows, 1), 1)), "2");
    json_decref(j);
}

static void kind_names_round_trip(void **state)
{
    (void)state;
    static const char *const names[] = {"preamble",  "phan",       "chuong", "muc",     "dieu",
                                        "khoan",     "diem",       "item",   "phu_luc", "table",
                                        "signature", "recipients", "text"};
    for (int k = 0; k < (int)(sizeof(names) / sizeof(names[0])); k++) {
        assert_string_equal(outline_kind_name((enum outline_kind)k), names[k]);
        assert_int_equal(outline_kind_from_name(names[k]), k);
    }
    assert_int_equal(outline_kind_from_name("Điều"), -1);
    assert_int_equal(outline_kind_from_name(NULL), -1);
    assert_string_equal(outline_kind_name((enum outline_kind)99), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ke_sat_articles_clauses_and_points),
        cmocka_unit_test(ke_sat_lines_broken_by_the_pdf_are_joined),
        cmocka_unit_test(ke_sat_head_preamble_closing_recipients_signature),
        cmocka_unit_test(ke_sat_paths_and_labels),
        cmocka_unit_test(ha_nam_head_and_stamp),
        cmocka_unit_test(ha_nam_articles_from_markdown_headings),
        cmocka_unit_test(ke_hoach_parts_clauses_and_items),
        cmocka_unit_test(ke_hoach_appendix_tables_span_page_breaks),
        cmocka_unit_test(real_documents_hold_no_markup_or_page_numbers),
        cmocka_unit_test(documents_parse_in_well_under_ten_ms),
        cmocka_unit_test(chuong_muc_dieu_nest),
        cmocka_unit_test(head_read_from_a_heading_table_and_a_cut_summary),
        cmocka_unit_test(markdown_draft_from_word),
        cmocka_unit_test(signature_spread_over_paragraphs_is_one),
        cmocka_unit_test(escaped_markdown_markers_from_word),
        cmocka_unit_test(dash_and_plus_items_nest),
        cmocka_unit_test(page_numbers_headers_and_letters),
        cmocka_unit_test(empty_input_has_no_sections),
        cmocka_unit_test(bad_bytes_are_refused_and_garbage_does_not_crash),
        cmocka_unit_test(json_has_the_documented_shape),
        cmocka_unit_test(kind_names_round_trip),
    };
    return cmocka_run_group_tests_name("outline", tests, setup, teardown);
}

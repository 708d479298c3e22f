/*
 * decision_docs_test.c - the papers of a matter decided by households over HTTP, on either back
 * end (DOMAIN D4, D5, D7, J): the community's decision once counted (PDF read back with
 * pdftotext: every D7 field in intact Vietnamese, its QR code; the DOCX as a Word package with
 * the same counts), none before the count; the counting minutes of a meeting completed by
 * household ballots with its witnesses; the sheet of ballot cards, one page a card, whose QR
 * code (rendered by pdftoppm, read by zbarimg) opens that card's ballot, printed only when the
 * matter is also decided online, and kept by no cache; residents get neither the minutes nor
 * the cards.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "harness.h"

static struct h_server srv;
static int file_seq;

#define VILLAGE "9900101"

static long long village_households(const char *village)
{
    return h_db_count(&srv, h_fmt(h_client_new(&srv),
                                  "SELECT COUNT(*) FROM households h JOIN units u ON u.id = "
                                  "h.village_id WHERE u.code = '%s' AND h.status = 'active'",
                                  village));
}

/* Tables a matter on village; returns its id. forms: pairs ("hinh_thuc", "0", ...). */
static long long table(struct h_client *c, const char *village, const char *matter,
                       const char *title, const char *const *forms)
{
    const char *f[24] = {"don_vi",          village,       "loai",    matter,
                         "tieu_de",         title,         "cau_hoi", "Bà con có tán thành không?",
                         "ngay_thong_nhat", h_vn_day(c, 0)};
    size_t n = 10;
    for (size_t i = 0; forms[i]; i++)
        f[n++] = forms[i];
    f[n] = NULL;
    struct h_response *r = h_post_page(c, h_fmt(c, "/quan-ly/bieu-quyet?don_vi=%s", village),
                                       "/quan-ly/bieu-quyet", f);
    assert_int_equal(r->status, 303);
    return strtoll(strrchr(h_header(r, "Location"), '/') + 1, NULL, 10);
}

/* The notice: a meeting in 3 days, ballots back in 7. */
static void notify(struct h_client *c, long long id)
{
    const char *page = h_fmt(c, "/quan-ly/bieu-quyet/%lld", id);
    const char *f[] = {"ngay_thong_bao", h_vn_day(c, 0), "ngay_hop", h_vn_day(c, 3),
                       "han_phieu",      h_vn_day(c, 7), NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/thong-bao", page), f)->status, 303);
}

/* Household ids of the frozen roll, in code order. */
static long long roll_id(long long id, int k)
{
    return h_db_count(&srv,
                      h_fmt(h_client_new(&srv),
                            "SELECT r.household_id FROM decision_roll r JOIN households h ON h.id "
                            "= r.household_id WHERE r.decision_id = %lld ORDER BY h.code LIMIT 1 "
                            "OFFSET %d",
                            id, k));
}

/* Ticks the first n households of the roll present at the meeting. */
static void attend(struct h_client *c, long long id, int n)
{
    const char *page = h_fmt(c, "/quan-ly/bieu-quyet/%lld", id);
    const char *att[78];
    int k = 0;
    for (int i = 0; i < n && k < 76; i++) {
        att[k++] = "ho";
        att[k++] = h_fmt(c, "%lld", roll_id(id, i));
    }
    att[k] = NULL;
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/diem-danh", page), att)->status, 303);
}

static int sh(const char *cmd)
{
    int st = system(cmd);
    return st == -1 ? -1 : WEXITSTATUS(st);
}

/* Writes a response's body to the server's temporary folder; the path (client-owned). */
static const char *save(struct h_client *c, const struct h_response *r, const char *ext)
{
    char path[700];
    assert_int_equal(h_write_file(&srv, h_fmt(c, "doc-%d.%s", ++file_seq, ext), r->body, r->len,
                                  path, sizeof path),
                     0);
    return h_fmt(c, "%s", path);
}

/* What a command prints, with every run of white space (line and page breaks too) as one
 * space, client-owned. */
static const char *output(struct h_client *c, const char *cmd)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, n = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    int ch, space = 1;
    while ((ch = fgetc(p)) != EOF) {
        int ws = ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t' || ch == '\f';
        if (ws && space)
            continue;
        space = ws;
        if (n + 2 > cap) {
            cap *= 2;
            text = realloc(text, cap);
            assert_non_null(text);
        }
        text[n++] = ws ? ' ' : (char)ch;
    }
    text[n] = '\0';
    pclose(p);
    const char *out = h_fmt(c, "%s", text);
    free(text);
    return out;
}

/* The text of a PDF response (pdftotext, reading order), white space collapsed. */
static const char *pdf_text(struct h_client *c, const struct h_response *r)
{
    assert_int_equal(r->status, 200);
    assert_string_equal(h_header(r, "Content-Type"), "application/pdf");
    assert_memory_equal(r->body, "%PDF", 4);
    return output(c, h_fmt(c, "pdftotext -enc UTF-8 '%s' - 2>/dev/null", save(c, r, "pdf")));
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Asserts that text holds needle, naming it when it does not. */
static void has(const char *text, const char *needle)
{
    if (!strstr(text, needle)) {
        fprintf(stderr, "text: %s\n", text);
        fail_msg("missing \"%s\"", needle);
    }
}

static void tools_present(void)
{
    assert_int_equal(sh("command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null && "
                        "command -v zbarimg >/dev/null && command -v python3 >/dev/null"),
                     0);
}

/* A meeting of a tổ dân phố decides an M1 matter; the decision is printed once counted. */
static void D7_decision_document_after_the_count(void **state)
{
    tools_present();
    struct h_client *c = h_signed_in(&srv, "truongthon");
    const char *meeting[] = {"hinh_thuc", "0", NULL};
    const char *title = "Đóng góp làm đường ngõ 5 (200.000 đồng mỗi hộ)";
    long long id = table(c, VILLAGE, "1", title, meeting);
    const char *pdf_url = h_fmt(c, "/decisions/%lld/quyet-dinh.pdf", id);
    const char *docx_url = h_fmt(c, "/decisions/%lld/quyet-dinh.docx", id);
    struct h_client *anon = h_client_new(&srv);
    /* Nothing to print before the count, not even for the village head. */
    assert_int_equal(h_get(c, pdf_url)->status, 404);
    notify(c, id);
    assert_int_equal(h_get(c, pdf_url)->status, 404);
    assert_int_equal(h_get(anon, docx_url)->status, 404);
    long long total = village_households(VILLAGE);
    long long present = total - 2, needed = (2 * total + 2) / 3;
    assert_true(present - 1 >= needed);
    attend(c, id, (int)present);
    /* After the notice the last household of the roll moves away: it still counts. */
    long long gone = roll_id(id, (int)total - 1);
    const char *gone_code = "";
    struct h_response *hr = h_get(c, h_fmt(c, "/quan-ly/bieu-quyet/%lld?format=json", id));
    json_t *roll = json_object_get(h_json(hr), "roll");
    for (size_t i = 0; i < json_array_size(roll); i++)
        if (h_jint(json_array_get(roll, i), "household_id") == gone)
            gone_code = h_fmt(c, "%s", h_jstr(json_array_get(roll, i), "code"));
    assert_true(gone_code[0]);
    assert_int_equal(
        h_db_exec(&srv,
                  h_fmt(c, "UPDATE households SET status = 'moved_out' WHERE id = %lld", gone)),
        0);
    const char *page = h_fmt(c, "/quan-ly/bieu-quyet/%lld", id);
    const char *hands[] = {"nguon",
                           "meeting",
                           "tan_thanh",
                           h_fmt(c, "%lld", present - 1),
                           "khong_tan_thanh",
                           "1",
                           "thu_ky",
                           "Nguyễn Thị Thư",
                           NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/kiem-phieu", page), hands)->status, 303);
    const char *decision = "Mỗi hộ gia đình đóng góp 200.000 đồng để làm đường ngõ 5.";
    const char *count[] = {"noi_dung", decision, NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/ket-qua", page), count)->status, 303);

    /* Public once counted: anyone may print it. */
    struct h_response *r = h_get(anon, pdf_url);
    const char *t = pdf_text(anon, r);
    /* Heading (Decree 30): the ward, the tổ dân phố as issuer, the type and summary. */
    has(t, "UBND PHƯỜNG BÌNH MINH");
    has(t, "TỔ DÂN PHỐ SỐ 1");
    has(t, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    has(t, "NGHỊ QUYẾT");
    has(t, h_fmt(c, "Về %s", title));
    /* D7: date, households (total, taking part by channel, absent), matter, form, question,
     * result against the threshold, the decision, roll changes, the signatures. */
    has(t, h_fmt(c, "Ngày %s, cộng đồng dân cư Tổ dân phố số 1", h_vn_day(c, 0)));
    has(t, h_fmt(c, "Tổng số hộ gia đình: %lld hộ", total));
    has(t, h_fmt(c, "Số hộ gia đình tham gia biểu quyết: %lld hộ", present));
    has(t, h_fmt(c, "dự họp: %lld hộ", present));
    has(t, h_fmt(c, "vắng mặt, không tham gia: %lld hộ", total - present));
    has(t, "M1: Chủ trương, mức đóng góp xây dựng công trình công cộng");
    has(t, "Hình thức: Cuộc họp cộng đồng dân cư");
    has(t, "Câu hỏi biểu quyết: Bà con có tán thành không?");
    has(t, h_fmt(c, "Số hộ tán thành: %lld hộ", present - 1));
    has(t, "Số hộ không tán thành: 1 hộ");
    has(t, "Số hộ có ý kiến khác: 0 hộ");
    has(t, h_fmt(c, "Tán thành %lld hộ", present - 1));
    has(t, h_fmt(c,
                 "ĐẠT, nội dung được thông qua. Nội dung cần ít nhất 2/3 tổng số hộ gia "
                 "đình, tức ít nhất %lld hộ tán thành",
                 needed));
    has(t, decision);
    /* (A page break may fall inside the sentence: its number would stand in the text.) */
    has(t, h_fmt(c, "Hộ %s: hộ đã chuyển đi sau khi chốt danh sách", gone_code));
    has(t, "Nghị quyết này gửi UBND Phường Bình Minh và Ủy ban Mặt trận Tổ quốc Việt Nam Phường "
           "Bình Minh chậm nhất ngày");
    has(t, "TỔ TRƯỞNG TỔ DÂN PHỐ");
    has(t, "TRƯỞNG BAN CÔNG TÁC MẶT TRẬN");
    assert_int_equal(count_of(t, "ĐẠI DIỆN HỘ GIA ĐÌNH"), 2);
    has(t, "Nơi nhận: - UBND Phường Bình Minh; - Ủy ban MTTQ Phường Bình Minh; - Lưu.");
    /* Its QR code leads to the result's page. */
    const char *path = save(anon, r, "pdf");
    assert_int_equal(sh(h_fmt(anon, "pdftoppm -r 150 -png '%s' '%s'", path, path)), 0);
    const char *qr = output(anon, h_fmt(anon, "zbarimg --raw -q '%s'-*.png 2>/dev/null", path));
    has(qr, h_fmt(anon, "/decisions/%lld", id));

    /* The DOCX: a Word package holding the same counts in its table. */
    r = h_get(anon, docx_url);
    assert_int_equal(r->status, 200);
    assert_string_equal(h_header(r, "Content-Type"),
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    assert_memory_equal(r->body, "PK\x03\x04", 4);
    assert_true(r->len > 4000);
    const char *x = output(
        anon,
        h_fmt(anon,
              "python3 -c \"import re, sys, zipfile; sys.stdout.write(re.sub(r'<[^>]+>', ' ', "
              "zipfile.ZipFile(sys.argv[1]).read('word/document.xml').decode()))\" '%s'",
              save(anon, r, "docx")));
    has(x, h_fmt(c, "Tổng số hộ gia đình %lld", total));
    has(x, h_fmt(c, "Số hộ gia đình vắng mặt, không tham gia %lld", total - present));
    has(x, h_fmt(c, "Số hộ tán thành cần có để thông qua %lld", needed));
    has(x, decision);
    has(x, "Đại diện hộ gia đình (ký, ghi rõ họ tên)");
    has(x, "TỔ TRƯỞNG TỔ DÂN PHỐ");
}

/* A thôn's decision is signed by its Trưởng thôn, under the commune's UBND. */
static void D7_village_decision_signed_by_the_village_head(void **state)
{
    struct h_client *c = h_signed_in(&srv, "truongthon2");
    const char *meeting[] = {"hinh_thuc", "0", NULL};
    long long id = table(c, "9900201", "6", "Giờ mở cửa nhà văn hóa", meeting);
    notify(c, id);
    attend(c, id, 2);
    const char *page = h_fmt(c, "/quan-ly/bieu-quyet/%lld", id);
    const char *hands[] = {"nguon", "meeting", "tan_thanh", "2", "khong_tan_thanh", "0", NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/kiem-phieu", page), hands)->status, 303);
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/ket-qua", page), NULL)->status, 303);
    const char *t = pdf_text(c, h_get(c, h_fmt(c, "/decisions/%lld/quyet-dinh.pdf", id)));
    has(t, "UBND XÃ HÒA BÌNH");
    has(t, "THÔN ĐÔNG LAO");
    has(t, "TRƯỞNG THÔN");
    assert_null(strstr(t, "TỔ TRƯỞNG"));
    /* Two of all households approving is far from half: not passed, and said so. */
    has(t, "KHÔNG ĐẠT, nội dung không được thông qua");
    has(t, "Nội dung \"Giờ mở cửa nhà văn hóa\" không được thông qua.");
}

/* A meeting short of households completed by ballots: the minutes name the witnesses. */
static void D5_counting_minutes_of_a_meeting_completed_by_ballots(void **state)
{
    struct h_client *c = h_signed_in(&srv, "truongthon");
    const char *forms[] = {"hinh_thuc", "0", "hinh_thuc", "1", NULL};
    long long id = table(c, VILLAGE, "2", "Thu, chi quỹ khuyến học năm 2026", forms);
    const char *page = h_fmt(c, "/quan-ly/bieu-quyet/%lld", id);
    const char *minutes = h_fmt(c, "%s/bien-ban-kiem-phieu.pdf", page);
    notify(c, id);
    /* Nothing counted yet: no minutes. */
    assert_int_equal(h_get(c, minutes)->status, 404);
    attend(c, id, 3);
    const char *hands[] = {"nguon", "meeting", "tan_thanh", "3", "khong_tan_thanh", "0", NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/kiem-phieu", page), hands)->status, 303);
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/phat-phieu", page), NULL)->status, 303);
    long long made = h_db_count(
        &srv, h_fmt(c, "SELECT COUNT(*) FROM decision_cards WHERE decision_id = %lld", id));
    for (int k = 3; k < 7; k++) {
        const char *f[] = {"ho", h_fmt(c, "%lld", roll_id(id, k)), "thu", "1", NULL};
        assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/thu-phieu", page), f)->status, 303);
    }
    const char *ballots[] = {"nguon",
                             "ballot",
                             "tan_thanh",
                             "3",
                             "khong_tan_thanh",
                             "0",
                             "khac",
                             "1",
                             "cach",
                             "paper",
                             "to_kiem_phieu",
                             "Hoàng Văn Tổ\nLý Thị Phiếu\nĐỗ Văn Kiểm",
                             "nhan_chung",
                             "Nguyễn Văn Chứng\nTrần Thị Kiến",
                             NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/kiem-phieu", page), ballots)->status, 303);
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/ket-qua", page), NULL)->status, 303);
    struct h_response *r = h_get(c, minutes);
    const char *t = pdf_text(c, r);
    has(t, "BIÊN BẢN KIỂM PHIẾU");
    has(t, "Kết quả lấy ý kiến hộ gia đình bằng phiếu về Thu, chi quỹ khuyến học năm 2026");
    has(t, "Cuộc họp, biểu quyết bằng giơ tay");
    has(t, "Tán thành: 3; không tán thành: 0; ý kiến khác: 1; không hợp lệ: 0 (tổng số: 4)");
    has(t, "Tổ phát phiếu, kiểm phiếu: Hoàng Văn Tổ, Lý Thị Phiếu, Đỗ Văn Kiểm");
    has(t, "Đại diện hộ gia đình chứng kiến: Nguyễn Văn Chứng, Trần Thị Kiến");
    has(t, h_fmt(c, "đã lập %lld phiếu, đã phát 4 phiếu, đã thu 4 phiếu", made));
    has(t, "TM. TỔ PHÁT PHIẾU");
    /* The witnesses sign under their names. */
    assert_int_equal(count_of(t, "NGƯỜI CHỨNG KIẾN"), 2);
    assert_int_equal(count_of(t, "Nguyễn Văn Chứng"), 2);
    assert_int_equal(count_of(t, "Trần Thị Kiến"), 2);
    /* Residents and visitors get neither the minutes nor the cards. */
    struct h_client *a = h_signed_in(&srv, "nguoidan");
    long long st = h_get(a, minutes)->status;
    assert_true(st == 403 || st == 404);
    st = h_get(a, h_fmt(a, "%s/phieu.pdf", page))->status;
    assert_true(st == 403 || st == 404);
    struct h_client *anon = h_client_new(&srv);
    assert_int_not_equal(h_get(anon, minutes)->status, 200);
    assert_int_not_equal(h_get(anon, h_fmt(anon, "%s/phieu.pdf", page))->status, 200);
}

/* D5: the card sheet of an M6 matter decided by ballots or online. */
static void D5_ballot_cards_one_page_each_with_a_working_QR_code(void **state)
{
    struct h_client *c = h_signed_in(&srv, "truongthon");
    const char *forms[] = {"hinh_thuc", "1", "hinh_thuc", "2", NULL};
    long long id = table(c, VILLAGE, "6", "Giờ thu gom rác thải", forms);
    const char *page = h_fmt(c, "/quan-ly/bieu-quyet/%lld", id);
    const char *sheet = h_fmt(c, "%s/phieu.pdf", page);
    notify(c, id);
    /* No cards made yet: nothing to print. */
    assert_int_equal(h_get(c, sheet)->status, 404);
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/phat-phieu", page), NULL)->status, 303);
    struct h_response *m = h_get(c, h_fmt(c, "%s?format=json", page));
    json_t *cards = json_object_get(h_json(m), "cards");
    size_t n = json_array_size(cards);
    assert_true(n > 1);
    const char *code = h_fmt(c, "%s", h_jstr(json_array_get(cards, 0), "code"));
    const char *household = h_fmt(c, "%s", h_jstr(json_array_get(cards, 0), "household_code"));
    struct h_response *r = h_get(c, sheet);
    assert_int_equal(r->status, 200);
    /* The codes vote: no cache may keep the sheet. */
    int no_store = 0;
    for (size_t i = 0; i < r->n_headers; i++)
        no_store |= !strcasecmp(r->headers[i].name, "Cache-Control") &&
                    strstr(r->headers[i].value, "no-store") != NULL;
    assert_true(no_store);
    const char *t = pdf_text(c, r);
    /* One page a card, each whole. */
    const char *path = save(c, r, "pdf");
    has(output(c, h_fmt(c, "pdfinfo '%s' 2>/dev/null", path)), h_fmt(c, "Pages: %zu ", n));
    assert_int_equal(count_of(t, "PHIẾU LẤY Ý KIẾN HỘ GIA ĐÌNH"), n);
    assert_int_equal(count_of(t, "□ Tán thành □ Không tán thành □ Ý kiến khác"), n);
    assert_int_equal(count_of(t, "Chữ ký Tổ trưởng tổ dân phố"), n);
    has(t, "TỔ DÂN PHỐ SỐ 1");
    has(t, "Về: Giờ thu gom rác thải");
    has(t, "Câu hỏi: Bà con có tán thành không?");
    has(t, h_fmt(c, "Hộ gia đình: %s", household));
    has(t, h_fmt(c, "Hạn nộp phiếu: ngày %s", h_vn_day(c, 7)));
    has(t, h_fmt(c, "%.5s-%s", code, code + 5));
    has(t, "Quét mã để biểu quyết trực tuyến (nếu được tổ chức)");
    /* The first page's QR code, as a phone reads it, opens that household's ballot. */
    assert_int_equal(sh(h_fmt(c, "pdftoppm -r 150 -png -singlefile '%s' '%s'", path, path)), 0);
    const char *url = output(c, h_fmt(c, "zbarimg --raw -q '%s.png' 2>/dev/null", path));
    const char *p = strstr(url, "/phieu/");
    assert_non_null(p);
    assert_true(strncmp(url, "http", 4) == 0);
    const char *card = h_fmt(c, "%.*s", (int)strcspn(p, " "), p);
    assert_string_equal(card, h_fmt(c, "/phieu/%s", code));
    struct h_client *v = h_client_new(&srv);
    struct h_response *b = h_get(v, card);
    assert_int_equal(b->status, 200);
    assert_true(h_has(b, "Giờ thu gom rác thải"));
}

/* Cards of a matter not decided online carry no QR code (nothing to scan it for). */
static void D5_cards_without_the_online_form_have_no_QR_code(void **state)
{
    struct h_client *c = h_signed_in(&srv, "truongthon");
    const char *forms[] = {"hinh_thuc", "1", NULL};
    long long id = table(c, VILLAGE, "1", "Đóng góp sửa cống thoát nước", forms);
    const char *page = h_fmt(c, "/quan-ly/bieu-quyet/%lld", id);
    notify(c, id);
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/phat-phieu", page), NULL)->status, 303);
    struct h_response *r = h_get(c, h_fmt(c, "%s/phieu.pdf", page));
    const char *t = pdf_text(c, r);
    has(t, "PHIẾU LẤY Ý KIẾN HỘ GIA ĐÌNH");
    has(t, "Về: Đóng góp sửa cống thoát nước");
    assert_null(strstr(t, "Quét mã"));
    const char *path = save(c, r, "pdf");
    assert_int_equal(sh(h_fmt(c, "pdftoppm -r 150 -png -singlefile '%s' '%s'", path, path)), 0);
    /* zbarimg: 4 when it found no symbol. */
    assert_int_equal(sh(h_fmt(c, "zbarimg --raw -q '%s.png' >/dev/null 2>&1", path)), 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(D7_decision_document_after_the_count),
        cmocka_unit_test(D7_village_decision_signed_by_the_village_head),
        cmocka_unit_test(D5_counting_minutes_of_a_meeting_completed_by_ballots),
        cmocka_unit_test(D5_ballot_cards_one_page_each_with_a_working_QR_code),
        cmocka_unit_test(D5_cards_without_the_online_form_have_no_QR_code),
    };
    return h_run_group(tests, &srv);
}

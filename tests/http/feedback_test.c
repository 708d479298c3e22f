/*
 * feedback_test.c - dân kiểm tra, dân giám sát through the real binary: residents send ward
 * 99001 a phản ánh, a kiến nghị, a request for information (DOMAIN C6) or a khiếu nại from the
 * public form, without an account, and follow it by its tracking code; the officer (`canbo`)
 * records paper requests with their real day of receipt, classes, accepts, answers with a
 * document, sends the decision; the clocks of rules.c show on the queue and the case page; the
 * resident confirms the answer or reopens the case; bad input comes back with what was typed;
 * each role sees what it may and no more.
 *
 * Every case makes its own requests (titles carry a case tag), so cases do not depend on each
 * other's order.
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

#include "harness.h"

static struct h_server srv;

/* Sends the public form of ward 99001 with fields (NULL-terminated pairs) and an optional
 * photo; the response. */
static struct h_response *send_form(struct h_client *c, const char *const *extra,
                                    const char *photo_name, const char *photo, size_t photo_len)
{
    const char *csrf = h_csrf(c, "/gui-y-kien/99001");
    assert_non_null(csrf);
    const char *f[40] = {"_csrf", csrf};
    size_t n = 2;
    for (size_t i = 0; extra[i] && n < 38; i += 2) {
        f[n++] = extra[i];
        f[n++] = extra[i + 1];
    }
    f[n] = NULL;
    return h_post_multipart(c, "/gui-y-kien/99001", f, "anh1", photo_name ? photo_name : "",
                            photo ? photo : "", photo_len);
}

/* The tracking code of a 303 to /theo-doi/CODE. */
static const char *code_of(struct h_client *c, const struct h_response *r)
{
    if (r->status != 303)
        fprintf(stderr, "%s\n", h_between(c, r, "<p class=\"error\">", "</p>"));
    assert_int_equal(r->status, 303);
    const char *loc = h_header(r, "Location");
    assert_non_null(loc);
    assert_non_null(strstr(loc, "/theo-doi/"));
    const char *code = h_fmt(c, "%s", strstr(loc, "/theo-doi/") + 10);
    assert_int_equal(strlen(code), 12);
    return code;
}

/* The case id behind a tracking code (officials' pages are by id). */
static long long case_id(const char *code)
{
    long long id = -1;
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT id FROM cases WHERE code = '%s'", code);
    assert_int_equal(h_db_int(&srv, sql, &id), 0);
    return id;
}

/* Records a request received on paper (the officer's form) and returns its case id, or -1
 * with *resp set. */
static long long record(struct h_client *c, const char *const *extra, struct h_response **resp)
{
    const char *csrf = h_csrf(c, "/quan-ly/y-kien/99001/moi");
    assert_non_null(csrf);
    const char *f[40] = {"_csrf", csrf};
    size_t n = 2;
    for (size_t i = 0; extra[i] && n < 38; i += 2) {
        f[n++] = extra[i];
        f[n++] = extra[i + 1];
    }
    f[n] = NULL;
    struct h_response *r = h_post_form(c, "/quan-ly/y-kien/99001", f);
    if (resp)
        *resp = r;
    if (r->status != 303)
        return -1;
    const char *loc = h_header(r, "Location");
    assert_non_null(strstr(loc, "/quan-ly/y-kien/ho-so/"));
    return strtoll(strstr(loc, "/quan-ly/y-kien/ho-so/") + 22, NULL, 10);
}

/* Posts an action of the case page (fields NULL-terminated pairs after the CSRF token). */
static struct h_response *act(struct h_client *c, long long id, const char *what,
                              const char *const *extra)
{
    const char *page = h_fmt(c, "/quan-ly/y-kien/ho-so/%lld", id);
    const char *csrf = h_csrf(c, page);
    assert_non_null(csrf);
    const char *f[20] = {"_csrf", csrf};
    size_t n = 2;
    for (size_t i = 0; extra && extra[i] && n < 18; i += 2) {
        f[n++] = extra[i];
        f[n++] = extra[i + 1];
    }
    f[n] = NULL;
    return h_post_multipart(c, h_fmt(c, "%s/%s", page, what), f, "tep", "", "", 0);
}

static const char pdf_bytes[] =
    "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 "
    "0 R >>\n%%EOF\n";
/* The smallest PNG: one transparent pixel. */
static const unsigned char png_bytes[] = {
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48,
    0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
    0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0B, 0x49, 0x44, 0x41, 0x54, 0x78,
    0x9C, 0x63, 0x60, 0x00, 0x02, 0x00, 0x00, 0x05, 0x00, 0x01, 0x7A, 0x5E, 0xAB, 0x3F,
    0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82};

/* A resident sends a phản ánh with a photo and no account; the tracking code finds it, typed
 * any way; the page shows its state and deadline, never the sender's contact; the officer's
 * queue has it. */
static void resident_sends_feedback_and_follows_it_by_code(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    struct h_response *r = h_get(c, "/gui-y-kien/99001");
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "Phản ánh"));
    assert_true(h_has(r, "Yêu cầu cung cấp thông tin"));
    assert_true(h_has(r, "Khiếu nại"));
    const char *f[] = {"loai",       "feedback",
                       "linh_vuc",   "ha_tang",
                       "tieu_de",    "T1 Đường ngõ 5 sụt lún",
                       "noi_dung",   "Ổ gà sâu ngay đầu ngõ, trời mưa đọng nước.",
                       "dia_diem",   "Đầu ngõ 5",
                       "ho_ten",     "Nguyễn Thị Hoa",
                       "dien_thoai", "0912 345 678",
                       NULL};
    r = send_form(c, f, "o-ga.png", (const char *)png_bytes, sizeof png_bytes);
    const char *code = code_of(c, r);
    r = h_get(c, h_fmt(c, "/theo-doi/%s", code));
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "T1 Đường ngõ 5 sụt lún"));
    assert_true(h_has(r, "Mã theo dõi của bạn là")); /* the flash */
    assert_true(h_has(r, "Đã tiếp nhận"));
    assert_true(h_has(r, "Thời hạn"));
    assert_false(h_has(r, "0912345678"));
    assert_false(h_has(r, "Nguyễn Thị Hoa"));
    /* Typed in lower case with dashes and spaces, the code still finds it. */
    r = h_get(c, h_fmt(c, "/theo-doi?ma=%c%c%c%c-%c%c%c%c+%c%c%c%c", code[0] | 0x20, code[1] | 0x20,
                       code[2] | 0x20, code[3] | 0x20, code[4], code[5], code[6], code[7], code[8],
                       code[9], code[10] | 0x20, code[11]));
    assert_int_equal(r->status, 303);
    assert_non_null(strstr(h_header(r, "Location"), code));
    r = h_get(c, "/theo-doi?ma=ABCD-EFGH-JKMN");
    assert_int_equal(r->status, 404);
    assert_true(h_has(r, "Không tìm thấy mã này"));
    /* The officer sees it in the queue, with the photo and the sender. */
    struct h_client *o = h_signed_in(&srv, "canbo");
    r = h_get(o, "/quan-ly/y-kien/99001");
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "T1 Đường ngõ 5 sụt lún"));
    long long id = case_id(code);
    r = h_get(o, h_fmt(o, "/quan-ly/y-kien/ho-so/%lld", id));
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "0912345678"));
    assert_true(h_has(r, "Nguyễn Thị Hoa"));
    assert_true(h_has(r, "o-ga.png"));
    assert_true(h_has(r, "Hạ tầng, giao thông, điện, nước"));
    long long n = 0;
    assert_int_equal(h_db_int(&srv,
                              h_fmt(c,
                                    "SELECT COUNT(*) FROM audit_log WHERE action = "
                                    "'case.receive' AND object = 'case:%lld'",
                                    id),
                              &n),
                     0);
    assert_int_equal(n, 1);
    h_client_free(o);
    h_client_free(c);
}

/* A resident who sends the same form again (the answer was lost, a double tap) gets the case
 * already made, not a second one; a new form makes a new case. */
static void the_same_form_sent_twice_makes_one_case(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    struct h_response *r = h_get(c, "/gui-y-kien/99001");
    const char *csrf = h_between(c, r, "name=\"_csrf\" value=\"", "\"");
    const char *key = h_between(c, r, "name=\"ma_gui\" value=\"", "\"");
    assert_non_null(key);
    assert_int_equal(strlen(key), 32);
    const char *f[] = {
        "_csrf",           csrf,       "ma_gui", key,       "loai", "feedback", "tieu_de",
        "T14 Gửi hai lần", "noi_dung", "x",      "an_danh", "1",    NULL};
    const char *first = code_of(c, h_post_multipart(c, "/gui-y-kien/99001", f, "anh1", "", "", 0));
    r = h_post_multipart(c, "/gui-y-kien/99001", f, "anh1", "", "", 0);
    assert_string_equal(code_of(c, r), first);
    r = h_get(c, h_header(r, "Location"));
    assert_true(h_has(r, "đã được gửi trước đó"));
    long long n = -1;
    assert_int_equal(
        h_db_int(&srv, "SELECT COUNT(*) FROM cases WHERE title = 'T14 Gửi hai lần'", &n), 0);
    assert_int_equal(n, 1);
    /* A fresh form has a fresh key. */
    r = h_get(c, "/gui-y-kien/99001");
    const char *key2 = h_between(c, r, "name=\"ma_gui\" value=\"", "\"");
    assert_string_not_equal(key, key2);
    f[3] = key2;
    assert_string_not_equal(
        code_of(c, h_post_multipart(c, "/gui-y-kien/99001", f, "anh1", "", "", 0)), first);
    /* A form that comes back with a mistake keeps its key. */
    const char *bad[] = {"_csrf", csrf, "ma_gui", key2, "loai", "feedback", "tieu_de", "", NULL};
    r = h_post_multipart(c, "/gui-y-kien/99001", bad, "anh1", "", "", 0);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, h_fmt(c, "name=\"ma_gui\" value=\"%s\"", key2)));
    h_client_free(c);
}

/* Tracking codes are keys: an address that types 30 wrong ones is refused for a while, even a
 * right one, so that codes cannot be tried by the million; another address is not affected. */
static void wrong_codes_are_limited_per_address(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    const char *f[] = {"loai", "feedback", "tieu_de", "T15 Mã đúng", "noi_dung",
                       "x",    "an_danh",  "1",       NULL};
    const char *code = code_of(c, send_form(c, f, NULL, NULL, 0));
    assert_int_equal(strlen(code), 12);
    struct h_client *guesser = h_client_new(&srv);
    for (int i = 0; i < 30; i++)
        assert_int_equal(h_get(guesser, h_fmt(guesser, "/theo-doi/2222%08d", i))->status, 404);
    assert_int_equal(h_get(guesser, h_fmt(guesser, "/theo-doi/%s", code))->status, 429);
    struct h_response *r = h_get(guesser, h_fmt(guesser, "/theo-doi?ma=%s", code));
    assert_int_equal(r->status, 429);
    assert_true(h_has(r, "nhập sai mã quá nhiều lần"));
    assert_int_equal(h_get(c, h_fmt(c, "/theo-doi/%s", code))->status, 200);
    h_client_free(guesser);
    h_client_free(c);
}

/* Bad input comes back 422 with every mistake named and everything typed kept; nothing is
 * stored. */
static void bad_input_comes_back_with_what_was_typed(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    long long before = 0, after = 0;
    assert_int_equal(h_db_int(&srv, "SELECT COUNT(*) FROM cases", &before), 0);
    const char *f[] = {
        "loai",  "feedback", "tieu_de", "",          "noi_dung",   "T2 nội dung <b>giữ lại</b>",
        "thon",  "9900201",  "ho_ten",  "Lê Văn Tư", "dien_thoai", "09a12",
        "email", "tu@",      NULL};
    struct h_response *r = send_form(c, f, "anh.png", "not an image at all", 19);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Vui lòng ghi ngắn gọn nội dung chính"));
    assert_true(h_has(r, "không thuộc đơn vị này"));
    assert_true(h_has(r, "Số điện thoại chỉ gồm chữ số"));
    assert_true(h_has(r, "thư điện tử chưa đúng"));
    assert_true(h_has(r, "T2 nội dung &lt;b&gt;giữ lại&lt;/b&gt;"));
    assert_true(h_has(r, "value=\"Lê Văn Tư\""));
    assert_true(h_has(r, "value=\"09a12\""));
    assert_true(h_has(r, "value=\"feedback\" checked"));
    assert_true(h_has(r, "errors") || h_has(r, "class=\"error\""));
    /* Neither a name nor an anonymous tick. */
    const char *g[] = {"loai", "recommendation", "tieu_de", "T2 kiến nghị", "noi_dung", "x", NULL};
    r = send_form(c, g, NULL, NULL, 0);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "hoặc đánh dấu gửi ẩn danh"));
    /* No kind chosen. */
    const char *k[] = {"tieu_de", "T2 không loại", "noi_dung", "x", "an_danh", "1", NULL};
    r = send_form(c, k, NULL, NULL, 0);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Vui lòng chọn loại"));
    assert_int_equal(h_db_int(&srv, "SELECT COUNT(*) FROM cases", &after), 0);
    assert_int_equal(after, before);
    /* Without the CSRF token nothing happens. */
    const char *no_csrf[] = {"loai", "feedback", "tieu_de", "T2", "noi_dung",
                             "x",    "an_danh",  "1",       NULL};
    r = h_post_multipart(c, "/gui-y-kien/99001", no_csrf, "anh1", "", "", 0);
    assert_int_equal(r->status, 403);
    /* A village or a province is not a commune with a form. */
    assert_int_equal(h_get(c, "/gui-y-kien/9900101")->status, 404);
    assert_int_equal(h_get(c, "/gui-y-kien/99")->status, 404);
    h_client_free(c);
}

/* Only a phản ánh or kiến nghị may come without a name; a khiếu nại or an information request
 * needs the person, an address and a way to answer. */
static void anonymous_only_for_feedback_and_recommendation(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    const char *complaint[] = {"loai",     "complaint", "tieu_de", "T3 khiếu nại ẩn danh",
                               "noi_dung", "x",         "an_danh", "1",
                               NULL};
    struct h_response *r = send_form(c, complaint, NULL, NULL, 0);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "không gửi ẩn danh được"));
    const char *info[] = {"loai", "info_request", "tieu_de",     "T3 xin thông tin", "noi_dung",
                          "x",    "ho_ten",       "Trần Văn Ba", "dien_thoai",       "0987654321",
                          NULL};
    r = send_form(c, info, NULL, NULL, 0);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Vui lòng ghi địa chỉ"));
    const char *fb[] = {"loai",     "feedback",  "tieu_de", "T3 phản ánh ẩn danh",
                        "noi_dung", "Cống tắc.", "an_danh", "1",
                        "ho_ten",   "Tên bị bỏ", NULL};
    r = send_form(c, fb, NULL, NULL, 0);
    const char *code = code_of(c, r);
    long long n = -1;
    assert_int_equal(h_db_int(&srv,
                              h_fmt(c,
                                    "SELECT COUNT(*) FROM cases WHERE code = '%s' AND "
                                    "anonymous = 1 AND name = ''",
                                    code),
                              &n),
                     0);
    assert_int_equal(n, 1);
    h_client_free(c);
}

/* C6: a request for information online is answered within its period; the answer, with its
 * document, shows on the tracking page and the document downloads; the photo stays with the
 * officials. */
static void C6_information_request_is_answered_with_a_document(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    const char *info[] = {"loai",       "info_request",
                          "tieu_de",    "T4 Xin quy hoạch sử dụng đất",
                          "noi_dung",   "Đề nghị cung cấp bản đồ quy hoạch khu vực thôn.",
                          "ho_ten",     "Trần Văn Ba",
                          "dien_thoai", "0987654321",
                          "dia_chi",    "Số 5, tổ 2",
                          NULL};
    struct h_response *r = send_form(c, info, "anh.png", (const char *)png_bytes, sizeof png_bytes);
    const char *code = code_of(c, r);
    long long id = case_id(code);
    r = h_get(c, h_fmt(c, "/theo-doi/%s", code));
    assert_true(h_has(r, "Trả lời"));
    struct h_client *o = h_signed_in(&srv, "canbo");
    /* The report to the HĐND (C7) counts requests for information received in its period. */
    const char *report = h_fmt(o,
                               "/quan-ly/bao-cao-cong-khai/99001?tu_ngay=%s&den_ngay=%s"
                               "&format=json",
                               h_vn_day(o, 0), h_vn_day(o, 0));
    json_t *j = h_json(h_get(o, report));
    long long received = h_jint(j, "info.received"), on_time = h_jint(j, "info.on_time");
    assert_true(received >= 1);
    assert_true(h_jint(j, "info.open") >= 1);
    r = h_get(o, h_fmt(o, "/quan-ly/y-kien/ho-so/%lld", id));
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "Thời hạn theo quy định"));
    assert_true(h_has(r, "Trong hạn") || h_has(r, "Sắp đến hạn"));
    /* Neither text nor a file: refused, nothing stored. */
    const char *empty[] = {"noi_dung", "", NULL};
    r = act(o, id, "tra-loi", empty);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Vui lòng nhập nội dung trả lời"));
    /* The answer with its PDF. */
    const char *page = h_fmt(o, "/quan-ly/y-kien/ho-so/%lld", id);
    const char *csrf = h_csrf(o, page);
    const char *f[] = {"_csrf", csrf, "noi_dung", "Gửi kèm trích lục bản đồ quy hoạch.", NULL};
    r = h_post_multipart(o, h_fmt(o, "%s/tra-loi", page), f, "tep", "trich-luc.pdf", pdf_bytes,
                         sizeof pdf_bytes - 1);
    assert_int_equal(r->status, 303);
    r = h_get(c, h_fmt(c, "/theo-doi/%s", code));
    assert_true(h_has(r, "Gửi kèm trích lục bản đồ quy hoạch."));
    assert_true(h_has(r, "Đã trả lời"));
    assert_true(h_has(r, "trich-luc.pdf"));
    assert_true(h_has(r, "Đúng hạn"));
    j = h_json(h_get(o, report));
    assert_int_equal(h_jint(j, "info.received"), received);
    assert_int_equal(h_jint(j, "info.on_time"), on_time + 1);
    assert_non_null(strstr(h_jstr(j, "paragraphs[3]"), "yêu cầu cung cấp thông tin"));
    const char *url = h_between(c, r, "<p><a href=\"", "\"");
    assert_non_null(url);
    r = h_get(c, url);
    assert_int_equal(r->status, 200);
    assert_int_equal(r->len, sizeof pdf_bytes - 1);
    assert_string_equal(h_header(r, "Content-Type"), "application/pdf");
    /* The resident's photo is not public, even by guessing its number. */
    long long photo = -1;
    assert_int_equal(h_db_int(&srv,
                              h_fmt(c,
                                    "SELECT id FROM case_files WHERE case_id = %lld AND "
                                    "purpose = 'photo'",
                                    id),
                              &photo),
                     0);
    assert_int_equal(h_get(c, h_fmt(c, "/theo-doi/%s/tep/%lld", code, photo))->status, 404);
    assert_int_equal(h_get(o, h_fmt(o, "/quan-ly/y-kien/ho-so/%lld/tep/%lld", id, photo))->status,
                     200);
    /* Answered once: answering again is refused. */
    const char *again[] = {"noi_dung", "Lần hai", NULL};
    r = act(o, id, "tra-loi", again);
    assert_int_equal(r->status, 422);
    h_client_free(o);
    h_client_free(c);
}

/* A khiếu nại received on paper 20 days ago: the clocks count from that day; it cannot be
 * decided before it is accepted (thụ lý); it cannot be extended (Art 28 has no extension); the
 * decision must be sent; every step is in the history and the audit log. */
static void complaint_is_accepted_decided_and_sent(void **state)
{
    (void)state;
    struct h_client *o = h_signed_in(&srv, "canbo");
    const char *f[] = {"loai",      "complaint",      "kenh",       "post",
                       "ngay_nhan", h_vn_day(o, -20), "tieu_de",    "T5 Khiếu nại diện tích đất ở",
                       "noi_dung",  "Đo đạc sai.",    "ho_ten",     "Phạm Văn Năm",
                       "dia_chi",   "Tổ 3",           "dien_thoai", "0911111111",
                       NULL};
    struct h_response *r;
    long long id = record(o, f, &r);
    assert_true(id > 0);
    r = h_get(o, h_fmt(o, "/quan-ly/y-kien/ho-so/%lld", id));
    if (!h_has(r, h_vn_day(o, -20)))
        fprintf(stderr, "%s\n", r->body);
    assert_true(h_has(r, h_vn_day(o, -20)));
    assert_true(h_has(r, "Thụ lý"));
    /* Received 20 days ago, not accepted: the 10 (or 7) working days are past. */
    assert_true(h_has(r, "Quá hạn"));
    const char *text[] = {"noi_dung", "Quyết định giải quyết.", NULL};
    r = act(o, id, "tra-loi", text);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Cần thụ lý trước"));
    r = act(o, id, "thu-ly", NULL);
    assert_int_equal(r->status, 303);
    const char *why[] = {"ly_do", "Cần thêm thời gian", NULL};
    r = act(o, id, "gia-han", why);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "không được gia hạn"));
    r = act(o, id, "gui-quyet-dinh", NULL);
    assert_int_equal(r->status, 422);
    r = act(o, id, "tra-loi", text);
    assert_int_equal(r->status, 303);
    r = act(o, id, "gui-quyet-dinh", NULL);
    assert_int_equal(r->status, 303);
    r = h_get(o, h_fmt(o, "/quan-ly/y-kien/ho-so/%lld", id));
    assert_true(h_has(r, "Gửi quyết định"));
    assert_true(h_has(r, "Trễ hạn") || h_has(r, "Quá hạn")); /* the late acceptance stays */
    long long n = 0;
    assert_int_equal(h_db_int(&srv,
                              h_fmt(o,
                                    "SELECT COUNT(*) FROM audit_log WHERE object = "
                                    "'case:%lld'",
                                    id),
                              &n),
                     0);
    assert_int_equal(n, 4); /* received, accepted, answered, sent */
    assert_int_equal(
        h_db_int(&srv, h_fmt(o, "SELECT COUNT(*) FROM case_events WHERE case_id = %lld", id), &n),
        0);
    assert_int_equal(n, 3); /* accepted, answered, sent: the receipt is the case row */
    r = h_get(o, h_fmt(o, "/quan-ly/y-kien/ho-so/%lld", id));
    assert_true(
        h_has(r, h_fmt(o, "%s – Tiếp nhận: Qua bưu chính (Trần Thị Cán bộ)", h_vn_day(o, -20))));
    assert_true(h_has(r, "Gửi quyết định"));
    /* Done: nothing is due any more, so it leaves the open queue. */
    assert_int_equal(h_db_int(&srv,
                              h_fmt(o,
                                    "SELECT COUNT(*) FROM cases WHERE id = %lld AND "
                                    "due_on = ''",
                                    id),
                              &n),
                     0);
    assert_int_equal(n, 1);
    /* A paper request dated ahead, or typed wrong, comes back with what was typed. */
    const char *bad[] = {
        "loai",    "feedback",    "kenh",   "in_person", "ngay_nhan", h_vn_day(o, 3),
        "tieu_de", "T5 ngày sai", "ho_ten", "A",         NULL};
    assert_true(record(o, bad, &r) < 0);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "không ở tương lai"));
    assert_true(h_has(r, "value=\"T5 ngày sai\""));
    h_client_free(o);
}

/* The queue puts the case due first on top and lists those past their deadline apart. */
static void queue_orders_by_deadline_and_flags_overdue(void **state)
{
    (void)state;
    struct h_client *o = h_signed_in(&srv, "canbo");
    const char *old[] = {"loai",      "feedback",       "kenh",    "phone",
                         "ngay_nhan", h_vn_day(o, -40), "tieu_de", "T6 phản ánh cũ",
                         "ho_ten",    "Bà Sáu",         NULL};
    const char *fresh[] = {"loai",      "recommendation", "kenh",    "in_person",
                           "ngay_nhan", h_vn_day(o, 0),   "tieu_de", "T6 kiến nghị mới",
                           "ho_ten",    "Ông Bảy",        NULL};
    long long a = record(o, old, NULL), b = record(o, fresh, NULL);
    assert_true(a > 0 && b > 0);
    struct h_response *r = h_get(o, "/quan-ly/y-kien/99001?loc=overdue");
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "T6 phản ánh cũ"));
    assert_false(h_has(r, "T6 kiến nghị mới"));
    assert_true(h_has(r, "Quá hạn"));
    r = h_get(o, "/quan-ly/y-kien/99001?loc=open&loai=recommendation");
    assert_true(h_has(r, "T6 kiến nghị mới"));
    assert_false(h_has(r, "T6 phản ánh cũ"));
    /* In due order: the old one (overdue) comes before the fresh one. */
    r = h_get(o, "/quan-ly/y-kien/99001?loc=all&trang=1");
    assert_int_equal(r->status, 200);
    long long total = 0;
    assert_int_equal(h_db_int(&srv,
                              "SELECT COUNT(*) FROM cases WHERE unit_id = (SELECT id FROM "
                              "units WHERE code = '99001') AND due_on <> ''",
                              &total),
                     0);
    r = h_get(o, h_fmt(o, "/quan-ly/y-kien/99001?trang=%lld", (total + 49) / 50));
    (void)r;
    int found_old = 0, found_fresh = 0;
    size_t pos_old = 0, pos_fresh = 0;
    for (long long page = 1; page <= (total + 49) / 50; page++) {
        r = h_get(o, h_fmt(o, "/quan-ly/y-kien/99001?trang=%lld", page));
        const char *p1 = strstr(r->body, "T6 phản ánh cũ"),
                   *p2 = strstr(r->body, "T6 kiến nghị mới");
        if (p1 && !found_old) {
            found_old = 1;
            pos_old = (size_t)page * 1000000 + (size_t)(p1 - r->body);
        }
        if (p2 && !found_fresh) {
            found_fresh = 1;
            pos_fresh = (size_t)page * 1000000 + (size_t)(p2 - r->body);
        }
    }
    assert_true(found_old && found_fresh);
    assert_true(pos_old < pos_fresh);
    /* One status: every case of it, those with a deadline first in due order, then the rest;
     * page 2 continues where page 1 stopped. */
    static const char *const sts[] = {"received", "accepted", "answered", "closed"};
    for (size_t i = 0; i < 4; i++) {
        long long want = -1;
        assert_int_equal(h_db_int(&srv,
                                  h_fmt(o,
                                        "SELECT COUNT(*) FROM cases WHERE unit_id = (SELECT id "
                                        "FROM units WHERE code = '99001') AND status = '%s'",
                                        sts[i]),
                                  &want),
                         0);
        json_t *j =
            h_json(h_get(o, h_fmt(o, "/quan-ly/y-kien/99001?loc=all&tt=%s&format=json", sts[i])));
        assert_int_equal(h_jint(j, "total"), want);
        json_t *rows = json_object_get(j, "cases");
        int seen_none = 0;
        const char *prev = "";
        for (size_t k = 0; k < json_array_size(rows); k++) {
            json_t *row = json_array_get(rows, k);
            assert_string_equal(json_string_value(json_object_get(row, "status")), sts[i]);
            const char *due = json_string_value(json_object_get(row, "due_on"));
            if (!due[0]) {
                seen_none = 1;
                continue;
            }
            assert_false(seen_none); /* no deadline after one without */
            assert_true(strcmp(prev, due) <= 0);
            prev = due;
        }
    }
    r = h_get(o, "/quan-ly/y-kien/99001?loc=all&tt=accepted");
    assert_true(h_has(r, "value=\"accepted\" selected"));
    /* Wrong filters fall back to the open queue; a wrong page number is refused. */
    assert_int_equal(h_get(o, "/quan-ly/y-kien/99001?loc=xyz")->status, 200);
    assert_int_equal(h_get(o, "/quan-ly/y-kien/99001?trang=abc")->status, 400);
    h_client_free(o);
}

/* After an answer the resident says whether it is really fixed; "not fixed" on a phản ánh
 * reopens it as a new case with its own clock, linked to the first; saying it twice is not
 * possible. */
static void resident_confirms_or_reopens(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    struct h_client *o = h_signed_in(&srv, "canbo");
    const char *f[] = {"loai",    "feedback", "tieu_de", "T7 Đèn đường hỏng", "noi_dung", "x",
                       "an_danh", "1",        NULL};
    const char *code = code_of(c, send_form(c, f, NULL, NULL, 0));
    long long id = case_id(code);
    /* Not answered yet: the page offers no confirming, and a forged one changes nothing. */
    struct h_response *t = h_get(c, h_fmt(c, "/theo-doi/%s", code));
    assert_false(h_has(t, "xac-nhan"));
    const char *csrf = h_csrf(c, "/gui-y-kien/99001");
    const char *no[] = {"_csrf", csrf, "da_giai_quyet", "0", NULL};
    struct h_response *r = h_post_form(c, h_fmt(c, "/theo-doi/%s/xac-nhan", code), no);
    assert_int_equal(r->status, 303);
    r = h_get(c, h_header(r, "Location"));
    assert_true(h_has(r, "đã được xác nhận trước đó") || h_has(r, "Chỉ xác nhận"));
    const char *ans[] = {"noi_dung", "Đã thay bóng đèn.", NULL};
    assert_int_equal(act(o, id, "tra-loi", ans)->status, 303);
    r = h_get(c, h_fmt(c, "/theo-doi/%s", code));
    assert_true(h_has(r, "Vấn đề đã thực sự được giải quyết chưa?"));
    csrf = h_csrf(c, h_fmt(c, "/theo-doi/%s", code));
    const char *no2[] = {"_csrf", csrf, "da_giai_quyet", "0", NULL};
    r = h_post_form(c, h_fmt(c, "/theo-doi/%s/xac-nhan", code), no2);
    assert_int_equal(r->status, 303);
    const char *loc = h_header(r, "Location");
    assert_null(strstr(loc, code)); /* a new case */
    r = h_get(c, loc);
    assert_true(h_has(r, "Mở lại: T7 Đèn đường hỏng"));
    assert_true(h_has(r, "Đã mở lại thành hồ sơ mới"));
    long long n = 0;
    assert_int_equal(h_db_int(&srv,
                              h_fmt(c,
                                    "SELECT COUNT(*) FROM cases WHERE parent_id = %lld "
                                    "AND status = 'received' AND due_on <> ''",
                                    id),
                              &n),
                     0);
    assert_int_equal(n, 1);
    /* The first page says what happened. */
    r = h_get(c, h_fmt(c, "/theo-doi/%s", code));
    assert_true(h_has(r, "Mở lại thành hồ sơ mới"));
    assert_false(h_has(r, "Vấn đề đã thực sự được giải quyết chưa?"));
    /* Confirmed fixed on another. */
    code = code_of(c, send_form(c, f, NULL, NULL, 0));
    id = case_id(code);
    assert_int_equal(act(o, id, "tra-loi", ans)->status, 303);
    csrf = h_csrf(c, h_fmt(c, "/theo-doi/%s", code));
    const char *yes[] = {"_csrf", csrf, "da_giai_quyet", "1", NULL};
    r = h_post_form(c, h_fmt(c, "/theo-doi/%s/xac-nhan", code), yes);
    assert_int_equal(r->status, 303);
    r = h_get(c, h_header(r, "Location"));
    assert_true(h_has(r, "Bạn đã xác nhận vấn đề được giải quyết"));
    r = h_post_form(c, h_fmt(c, "/theo-doi/%s/xac-nhan", code), yes);
    r = h_get(c, h_header(r, "Location"));
    assert_true(h_has(r, "đã được xác nhận trước đó"));
    h_client_free(o);
    h_client_free(c);
}

/* Who sees and does what: a resident has no queue; the inspection board reads the queue and
 * the cases but neither acts nor sees who sent them; an officer of one commune reaches nothing
 * of another. */
static void each_role_sees_what_it_may(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    const char *f[] = {"loai",   "feedback",   "tieu_de",    "T8 Rác ven kênh", "noi_dung", "x",
                       "ho_ten", "Đỗ Thị Tám", "dien_thoai", "0933333333",      NULL};
    long long id = case_id(code_of(c, send_form(c, f, NULL, NULL, 0)));
    const char *page = h_fmt(c, "/quan-ly/y-kien/ho-so/%lld", id);
    assert_int_equal(h_get(c, "/quan-ly/y-kien/99001")->status, 303); /* to sign in */
    struct h_client *res = h_signed_in(&srv, "nguoidan");
    assert_int_equal(h_get(res, "/quan-ly/y-kien/99001")->status, 403);
    assert_int_equal(h_get(res, page)->status, 403);
    struct h_client *ib = h_signed_in(&srv, "thanhtra");
    struct h_response *r = h_get(ib, "/quan-ly/y-kien/99001");
    assert_int_equal(r->status, 200);
    assert_false(h_has(r, "/moi\""));
    r = h_get(ib, page);
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "T8 Rác ven kênh"));
    assert_false(h_has(r, "0933333333"));
    assert_false(h_has(r, "Đỗ Thị Tám"));
    assert_false(h_has(r, "/thu-ly\""));
    const char *csrf = h_csrf(ib, page);
    const char *ans[] = {"_csrf", csrf, "noi_dung", "x", NULL};
    r = h_post_multipart(ib, h_fmt(ib, "%s/tra-loi", page), ans, "tep", "", "", 0);
    assert_int_equal(r->status, 403);
    /* The menu takes the officer to the own commune's queue. */
    struct h_client *o = h_signed_in(&srv, "canbo");
    r = h_get(o, "/quan-ly/y-kien");
    assert_int_equal(r->status, 303);
    assert_non_null(strstr(h_header(r, "Location"), "/quan-ly/y-kien/99001"));
    assert_true(h_has(h_get(o, "/quan-ly/y-kien/99001"), "Ý kiến Nhân dân"));
    /* Another commune's queue and cases are not the officer's. */
    assert_int_equal(h_get(o, "/quan-ly/y-kien/99002")->status, 403);
    long long other = -1;
    assert_int_equal(h_db_int(&srv,
                              "SELECT MIN(id) FROM cases WHERE unit_id = (SELECT id FROM "
                              "units WHERE code = '99002')",
                              &other),
                     0);
    assert_true(other > 0);
    assert_int_equal(h_get(o, h_fmt(o, "/quan-ly/y-kien/ho-so/%lld", other))->status, 403);
    assert_int_equal(h_get(o, "/quan-ly/y-kien/ho-so/999999999")->status, 404);
    h_client_free(o);
    h_client_free(ib);
    h_client_free(res);
    h_client_free(c);
}

/* The demo gives the ward's queue cases in every state, handled by its officer. */
static void demo_has_cases_in_every_state(void **state)
{
    (void)state;
    static const char *const statuses[] = {"received",  "accepted", "answered",
                                           "forwarded", "refused",  "closed"};
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        long long n = 0;
        char sql[200];
        snprintf(sql, sizeof sql,
                 "SELECT COUNT(*) FROM cases WHERE status = '%s' AND created_at < %lld",
                 statuses[i], (long long)time(NULL) + 1);
        assert_int_equal(h_db_int(&srv, sql, &n), 0);
        if (n == 0)
            fprintf(stderr, "no demo case is %s\n", statuses[i]);
        assert_true(n > 0);
    }
    long long n = 0;
    assert_int_equal(h_db_int(&srv, "SELECT COUNT(*) FROM cases WHERE parent_id IS NOT NULL", &n),
                     0);
    assert_true(n > 0);
    assert_int_equal(h_db_int(&srv, "SELECT COUNT(*) FROM cases WHERE kind = 4 AND name <> ''", &n),
                     0);
    assert_int_equal(n, 0); /* a denouncer's name is never in clear */
    struct h_client *o = h_signed_in(&srv, "canbo");
    struct h_response *r = h_get(o, "/quan-ly/y-kien/99001?loc=overdue");
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "Quá hạn"));
    /* Every case page of every state renders; the other commune's are refused. */
    long long lo = 0, hi = 0;
    assert_int_equal(h_db_int(&srv, "SELECT MIN(id) FROM cases", &lo), 0);
    assert_int_equal(h_db_int(&srv, "SELECT MAX(id) FROM cases", &hi), 0);
    int shown = 0;
    for (long long id = lo; id <= hi; id++) {
        r = h_get(o, h_fmt(o, "/quan-ly/y-kien/ho-so/%lld", id));
        if (r->status != 200 && r->status != 403)
            fprintf(stderr, "case %lld: %ld\n", id, r->status);
        assert_true(r->status == 200 || r->status == 403);
        shown += r->status == 200;
    }
    assert_true(shown >= 30);
    for (int page = 1; page <= 2; page++)
        assert_int_equal(h_get(o, h_fmt(o, "/quan-ly/y-kien/99001?loc=all&trang=%d", page))->status,
                         200);
    h_client_free(o);
}

/* 1 when the file at path holds needle (bytes), 0 when not, -1 when it cannot be read. */
static int file_has(const char *path, const char *needle)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 1 << 20, len = 0, n;
    char *buf = malloc(cap);
    assert_non_null(buf);
    while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    fclose(f);
    int found = memmem(buf, len, needle, strlen(needle)) != NULL;
    free(buf);
    return found;
}

/* I4 (Reception Law Art 25(3)): a letter mixing a complaint and a denunciation is split into
 * separate cases, each with its own clocks from the same day of receipt; the denunciation part is
 * sealed at once. A closed case is reopened with reasons and its clocks run on. */
static void I4_a_mixed_letter_is_split_and_a_closed_case_reopened(void **state)
{
    (void)state;
    struct h_client *o = h_signed_in(&srv, "canbo");
    const char *f[] = {"loai",       "complaint",
                       "kenh",       "post",
                       "ngay_nhan",  h_vn_day(o, -3),
                       "tieu_de",    "T13 Đơn khiếu nại kèm tố cáo",
                       "noi_dung",   "Khiếu nại việc thu phí; tố cáo cán bộ thu nhận tiền.",
                       "ho_ten",     "Hà Văn Mười Ba",
                       "dia_chi",    "Tổ 13",
                       "dien_thoai", "0913131313",
                       NULL};
    long long id = record(o, f, NULL);
    assert_true(id > 0);
    const char *part[] = {"loai",     "denunciation",
                          "tieu_de",  "T13 Tố cáo cán bộ thu nhận tiền",
                          "noi_dung", "Phần tố cáo tách từ đơn khiếu nại.",
                          NULL};
    struct h_response *r = act(o, id, "tach", part);
    assert_int_equal(r->status, 303);
    const char *loc = h_header(r, "Location");
    long long part_id = strtoll(strstr(loc, "ho-so/") + 6, NULL, 10);
    assert_true(part_id > id);
    long long n = -1;
    assert_int_equal(h_db_int(&srv,
                              h_fmt(o,
                                    "SELECT COUNT(*) FROM cases a JOIN cases b ON b.id = %lld "
                                    "WHERE a.id = %lld AND b.kind = 4 AND b.parent_id = a.id "
                                    "AND b.received_on = a.received_on AND b.name = '' AND "
                                    "b.phone = '' AND b.identity_sealed IS NOT NULL",
                                    part_id, id),
                              &n),
                     0);
    assert_int_equal(n, 1);
    r = h_get(o, h_fmt(o, "/quan-ly/y-kien/ho-so/%lld", id));
    assert_true(h_has(r, "Tách thành đơn mới"));
    r = h_get(o, h_fmt(o, "/quan-ly/y-kien/ho-so/%lld", part_id));
    assert_true(h_has(r, "Tách từ đơn"));
    assert_false(h_has(r, "Hà Văn Mười Ba"));
    /* A part without its main content comes back. */
    const char *empty[] = {"loai", "feedback", "tieu_de", "", NULL};
    r = act(o, id, "tach", empty);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Vui lòng ghi nội dung chính"));
    /* Closed, then reopened: received again, with a deadline. */
    const char *why[] = {"ly_do", "Người gửi rút đơn", NULL};
    assert_int_equal(act(o, id, "dong", why)->status, 303);
    assert_int_equal(act(o, id, "dong", why)->status, 422);
    const char *again[] = {"ly_do", "Người gửi đề nghị tiếp tục giải quyết", NULL};
    const char *none[] = {"ly_do", "", NULL};
    assert_int_equal(act(o, id, "mo-lai", none)->status, 422);
    assert_int_equal(act(o, id, "mo-lai", again)->status, 303);
    assert_int_equal(h_db_int(&srv,
                              h_fmt(o,
                                    "SELECT COUNT(*) FROM cases WHERE id = %lld AND status = "
                                    "'received' AND closed_on = '' AND due_on <> ''",
                                    id),
                              &n),
                     0);
    assert_int_equal(n, 1);
    r = h_get(o, h_fmt(o, "/quan-ly/y-kien/ho-so/%lld", id));
    assert_true(h_has(r, "Mở lại hồ sơ: Người gửi đề nghị tiếp tục giải quyết"));
    assert_int_equal(act(o, id, "mo-lai", again)->status, 422); /* it is open */
    h_client_free(o);
}

/* An answered phản ánh is published as a question and answer in the official's words: text
 * that still carries the sender's name or phone is refused; the public page shows it, never the
 * sender; it can be withdrawn; unanswered cases and other kinds cannot be published. */
static void answered_feedback_published_as_qa_without_personal_details(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    struct h_client *o = h_signed_in(&srv, "canbo");
    const char *f[] = {"loai",       "feedback",
                       "tieu_de",    "T11 Cây đổ chắn đường",
                       "noi_dung",   "Cây bàng trước nhà Trịnh Văn Mười đổ chắn đường.",
                       "ho_ten",     "Trịnh Văn Mười",
                       "dien_thoai", "0944555666",
                       NULL};
    const char *code = code_of(c, send_form(c, f, NULL, NULL, 0));
    long long id = case_id(code);
    const char *page = h_fmt(o, "/quan-ly/y-kien/ho-so/%lld", id);
    const char *q[] = {"cau_hoi", "Cây đổ chắn đường?", "tra_loi", "Đã dọn.", NULL};
    const char *tok = h_csrf(o, page);
    const char *early[] = {"_csrf", tok, "cau_hoi", "Cây đổ?", "tra_loi", "Đã dọn.", NULL};
    struct h_response *r = h_post_form(o, h_fmt(o, "%s/hoi-dap", page), early);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Chỉ đăng phản ánh, kiến nghị đã được trả lời."));
    const char *ans[] = {"noi_dung", "Đội công trình đã cắt cây, dọn đường ngày hôm sau.", NULL};
    assert_int_equal(act(o, id, "tra-loi", ans)->status, 303);
    r = h_get(o, page);
    assert_true(h_has(r, "Đăng lên mục Hỏi đáp"));
    assert_true(h_has(r, "T11 Cây đổ chắn đường")); /* the question starts from the case */
    tok = h_csrf(o, page);
    const char *leak[] = {
        "_csrf",   tok,       "cau_hoi", "Cây bàng trước nhà Trịnh Văn Mười đổ chắn đường.",
        "tra_loi", "Đã dọn.", NULL};
    r = h_post_form(o, h_fmt(o, "%s/hoi-dap", page), leak);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "còn họ tên, số điện thoại"));
    assert_true(h_has(r, "Cây bàng trước nhà Trịnh Văn Mười")); /* what was typed comes back */
    const char *good[] = {
        "_csrf",   tok,
        "cau_hoi", "T11 Cây bàng đổ chắn đường trong tổ dân phố, xã xử lý thế nào?",
        "tra_loi", "Đội công trình đã cắt cây, dọn đường ngày hôm sau.",
        NULL};
    assert_int_equal(h_post_form(o, h_fmt(o, "%s/hoi-dap", page), good)->status, 303);
    struct h_client *pub = h_client_new(&srv);
    r = h_get(pub, "/hoi-dap/99001");
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "T11 Cây bàng đổ chắn đường trong tổ dân phố"));
    assert_true(h_has(r, "Đội công trình đã cắt cây"));
    assert_false(h_has(r, "Trịnh Văn Mười"));
    assert_false(h_has(r, "0944555666"));
    /* The inspection board reads, never publishes. */
    struct h_client *ib = h_signed_in(&srv, "thanhtra");
    const char *ibt[] = {"_csrf", h_csrf(ib, page), "rut", "1", NULL};
    assert_int_equal(h_post_form(ib, h_fmt(ib, "%s/hoi-dap", page), ibt)->status, 403);
    tok = h_csrf(o, page);
    const char *rut[] = {"_csrf", tok, "rut", "1", NULL};
    assert_int_equal(h_post_form(o, h_fmt(o, "%s/hoi-dap", page), rut)->status, 303);
    r = h_get(pub, "/hoi-dap/99001");
    assert_false(h_has(r, "T11 Cây bàng đổ chắn đường trong tổ dân phố"));
    long long n = -1;
    assert_int_equal(h_db_int(&srv,
                              h_fmt(c,
                                    "SELECT COUNT(*) FROM audit_log WHERE object = 'case:%lld' "
                                    "AND action IN ('case.qa_publish', 'case.qa_withdraw')",
                                    id),
                              &n),
                     0);
    assert_int_equal(n, 2);
    (void)q;
    h_client_free(ib);
    h_client_free(pub);
    h_client_free(o);
    h_client_free(c);
}

/* The public statistics count every case of the last twelve months once, by month, field and
 * section, and an answer on time moves one case from "in time" to "on time". */
static void statistics_count_cases_by_month_field_and_section(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    json_t *j = h_json(h_get(c, "/thong-ke-y-kien/99001?format=json"));
    assert_non_null(j);
    long long received = h_jint(j, "sum.received");
    long long parts = h_jint(j, "sum.on_time") + h_jint(j, "sum.late") + h_jint(j, "sum.overdue") +
                      h_jint(j, "sum.open");
    assert_true(received > 0);
    assert_true(parts <= received);
    long long by_month = 0, by_field = 0;
    for (size_t i = 0; i < json_array_size(json_object_get(j, "months")); i++)
        by_month += json_integer_value(
            json_object_get(json_array_get(json_object_get(j, "months"), i), "received"));
    for (size_t i = 0; i < json_array_size(json_object_get(j, "fields")); i++)
        by_field += json_integer_value(
            json_object_get(json_array_get(json_object_get(j, "fields"), i), "received"));
    assert_int_equal(by_month, received);
    assert_int_equal(by_field, received);
    assert_int_equal(json_array_size(json_object_get(j, "months")), 12);
    long long on_time = h_jint(j, "sum.on_time");
    const char *f[] = {
        "loai",     "feedback", "linh_vuc", "moi_truong", "tieu_de", "T12 Khói đốt rơm",
        "noi_dung", "x",        "an_danh",  "1",          NULL};
    long long id = case_id(code_of(c, send_form(c, f, NULL, NULL, 0)));
    struct h_client *o = h_signed_in(&srv, "canbo");
    const char *ans[] = {"noi_dung", "Đã nhắc các hộ không đốt rơm.", NULL};
    assert_int_equal(act(o, id, "tra-loi", ans)->status, 303);
    j = h_json(h_get(c, "/thong-ke-y-kien/99001?format=json"));
    assert_int_equal(h_jint(j, "sum.received"), received + 1);
    assert_int_equal(h_jint(j, "sum.on_time"), on_time + 1);
    struct h_response *r = h_get(c, "/thong-ke-y-kien/99001");
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "<svg"));
    assert_true(h_has(r, "Môi trường"));
    assert_int_equal(h_get(c, "/thong-ke-y-kien/9900101")->status, 404);
    h_client_free(o);
    h_client_free(c);
}

/* The bytes of a file (client-owned), or NULL. */
static const char *slurp(struct h_client *c, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    *len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    char *copy = (char *)h_fmt(c, "%*s", (int)*len, "");
    memcpy(copy, buf, *len);
    return copy;
}

/* A photo's position is kept only when the sender ticks the box (and the photo loses its EXIF
 * either way); typed coordinates win; coordinates outside Viet Nam or malformed come back. */
static void photo_position_kept_only_with_consent(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    size_t len = 0;
    const char *jpg = slurp(c, "tests/data/photo-gps.jpg", &len);
    assert_non_null(jpg);
    const char *without[] = {"loai",     "feedback", "tieu_de", "T10 Ổ gà không vị trí",
                             "noi_dung", "x",        "an_danh", "1",
                             NULL};
    long long a = case_id(code_of(c, send_form(c, without, "o-ga.jpg", jpg, len)));
    const char *with[] = {"loai",       "feedback", "tieu_de", "T10 Ổ gà có vị trí",
                          "noi_dung",   "x",        "an_danh", "1",
                          "giu_vi_tri", "1",        NULL};
    long long b = case_id(code_of(c, send_form(c, with, "o-ga.jpg", jpg, len)));
    const char *typed[] = {
        "loai",       "feedback", "tieu_de", "T10 Ổ gà gõ tọa độ",  "noi_dung", "x", "an_danh", "1",
        "giu_vi_tri", "1",        "toa_do",  "10.77689; 106.70085", NULL};
    long long t = case_id(code_of(c, send_form(c, typed, "o-ga.jpg", jpg, len)));
    long long n = -1;
    assert_int_equal(h_db_int(&srv,
                              h_fmt(c,
                                    "SELECT COUNT(*) FROM cases WHERE id = %lld AND "
                                    "lat IS NULL AND lon IS NULL",
                                    a),
                              &n),
                     0);
    assert_int_equal(n, 1);
    assert_int_equal(h_db_int(&srv,
                              h_fmt(c,
                                    "SELECT COUNT(*) FROM cases WHERE id = %lld AND "
                                    "lat > 21.0284 AND lat < 21.0286 AND lon > 105.8541 "
                                    "AND lon < 105.8543",
                                    b),
                              &n),
                     0);
    assert_int_equal(n, 1);
    assert_int_equal(h_db_int(&srv,
                              h_fmt(c,
                                    "SELECT COUNT(*) FROM cases WHERE id = %lld AND "
                                    "lat > 10.7768 AND lat < 10.7770",
                                    t),
                              &n),
                     0);
    assert_int_equal(n, 1);
    /* The stored photo has no EXIF left. */
    assert_int_equal(h_db_int(&srv,
                              h_fmt(c,
                                    srv.is_pg ? "SELECT COUNT(*) FROM case_files WHERE case_id = "
                                                "%lld AND position('Exif'::bytea in data) > 0"
                                              : "SELECT COUNT(*) FROM case_files WHERE case_id = "
                                                "%lld AND instr(data, 'Exif') > 0",
                                    b),
                              &n),
                     0);
    assert_int_equal(n, 0);
    /* The officials see it with a map link. */
    struct h_client *o = h_signed_in(&srv, "canbo");
    struct h_response *r = h_get(o, h_fmt(o, "/quan-ly/y-kien/ho-so/%lld", b));
    assert_true(h_has(r, "21.02850, 105.85420"));
    assert_true(h_has(r, "openstreetmap.org/?mlat=21.02850"));
    const char *bad[] = {"loai",    "feedback", "tieu_de", "T10 sai",       "noi_dung", "x",
                         "an_danh", "1",        "toa_do",  "105.85, 21.02", NULL};
    r = send_form(c, bad, NULL, NULL, 0);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Tọa độ phải có dạng"));
    assert_true(h_has(r, "value=\"105.85, 21.02\""));
    h_client_free(o);
    h_client_free(c);
}

/* Art 47 Denunciations Law: a denouncer's identity is sealed. Sent online with a scan of the
 * signed letter, it is on no page, in no log line, in no database file or backup in clear; an
 * official who holds no key cannot open it, a wrong password opens nothing, the chairperson
 * (holder) opens it and each look leaves an audit row; reassigning reseals it to the new
 * official; the recovery key reseals it to anyone when the holders are gone. */
static void I_denunciation_identity_is_sealed_and_revealed_only_to_holders(void **state)
{
    (void)state;
    static const char name[] = "Phạm Thị Kín Đáo";
    static const char phone[] = "0977000111";
    struct h_client *c = h_client_new(&srv);
    const char *f[] = {"loai",       "denunciation",
                       "tieu_de",    "T9 Cán bộ nhận tiền làm hồ sơ",
                       "noi_dung",   "Ngày 12, cán bộ địa chính nhận 5.000.000 đồng.",
                       "ho_ten",     name,
                       "dia_chi",    "Số 9 ngõ 4",
                       "dien_thoai", phone,
                       NULL};
    const char *csrf = h_csrf(c, "/gui-y-kien/99001");
    const char *ff[40] = {"_csrf", csrf};
    size_t nf = 2;
    for (size_t i = 0; f[i]; i += 2) {
        ff[nf++] = f[i];
        ff[nf++] = f[i + 1];
    }
    ff[nf] = NULL;
    struct h_response *r = h_post_multipart(c, "/gui-y-kien/99001", ff, "ban_quet", "don.pdf",
                                            pdf_bytes, sizeof pdf_bytes - 1);
    const char *code = code_of(c, r);
    long long id = case_id(code);
    r = h_get(c, h_fmt(c, "/theo-doi/%s", code));
    assert_int_equal(r->status, 200);
    assert_false(h_has(r, name));
    assert_false(h_has(r, phone));
    long long n = -1;
    assert_int_equal(h_db_int(&srv,
                              h_fmt(c,
                                    "SELECT COUNT(*) FROM cases WHERE id = %lld AND name = '' "
                                    "AND phone = '' AND address = '' AND identity_sealed IS "
                                    "NOT NULL",
                                    id),
                              &n),
                     0);
    assert_int_equal(n, 1);
    /* Sealed to the chairperson and the escrow key; the scan sealed too. */
    assert_int_equal(
        h_db_int(&srv, h_fmt(c, "SELECT COUNT(*) FROM case_keys WHERE case_id = %lld", id), &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(h_db_int(&srv,
                              h_fmt(c,
                                    "SELECT COUNT(*) FROM case_files WHERE case_id = %lld AND "
                                    "sealed = 1",
                                    id),
                              &n),
                     0);
    assert_int_equal(n, 1);
    const char *page = h_fmt(c, "/quan-ly/y-kien/ho-so/%lld", id);
    /* The inspection board and an officer without the key see the case, never the person. */
    struct h_client *ib = h_signed_in(&srv, "thanhtra");
    r = h_get(ib, page);
    assert_int_equal(r->status, 200);
    assert_false(h_has(r, name));
    assert_false(h_has(r, phone));
    assert_true(h_has(r, "được mã hóa"));
    struct h_client *o = h_signed_in(&srv, "canbo");
    r = h_get(o, page);
    assert_int_equal(r->status, 200);
    assert_false(h_has(r, name));
    assert_false(h_has(r, "/danh-tinh\""));
    const char *tok = h_csrf(o, page);
    const char *pw[] = {"_csrf", tok, "mat_khau", "danchu2026", NULL};
    r = h_post_form(o, h_fmt(o, "%s/danh-tinh", page), pw);
    assert_int_equal(r->status, 403);
    assert_false(h_has(r, name));
    assert_true(h_has(r, "không giữ khóa"));
    /* The chairperson: a wrong password opens nothing; the right one shows it, audited. */
    struct h_client *ch = h_signed_in(&srv, "chutich");
    r = h_get(ch, page);
    assert_true(h_has(r, "Xem danh tính người tố cáo"));
    tok = h_csrf(ch, page);
    const char *bad[] = {"_csrf", tok, "mat_khau", "sai-mat-khau", NULL};
    r = h_post_form(ch, h_fmt(ch, "%s/danh-tinh", page), bad);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Mật khẩu không đúng"));
    assert_false(h_has(r, name));
    long long before = 0;
    assert_int_equal(h_db_int(&srv,
                              h_fmt(c,
                                    "SELECT COUNT(*) FROM audit_log WHERE action = "
                                    "'case.reveal' AND object = 'case:%lld'",
                                    id),
                              &before),
                     0);
    assert_int_equal(before, 0);
    const char *good[] = {"_csrf", tok, "mat_khau", "danchu2026", NULL};
    r = h_post_form(ch, h_fmt(ch, "%s/danh-tinh", page), good);
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, name));
    assert_true(h_has(r, phone));
    assert_true(h_has(r, "Số 9 ngõ 4"));
    assert_non_null(strstr(h_header(r, "Cache-Control") ? h_header(r, "Cache-Control") : "", "no"));
    assert_int_equal(h_db_int(&srv,
                              h_fmt(c,
                                    "SELECT COUNT(*) FROM audit_log WHERE action = "
                                    "'case.reveal' AND object = 'case:%lld'",
                                    id),
                              &n),
                     0);
    assert_int_equal(n, 1);
    /* Given to the officer: resealed to them, who can then open it and the scan. */
    tok = h_csrf(ch, page);
    const char *give[] = {"_csrf",        tok,           "bo_phan",
                          "Thanh tra xã", "nguoi_xu_ly", h_fmt(ch, "%lld", 0LL),
                          "mat_khau",     "danchu2026",  NULL};
    long long canbo = 0;
    assert_int_equal(h_db_int(&srv, "SELECT id FROM accounts WHERE login = 'canbo'", &canbo), 0);
    give[5] = h_fmt(ch, "%lld", canbo);
    r = h_post_multipart(ch, h_fmt(ch, "%s/giao", page), give, "tep", "", "", 0);
    assert_int_equal(r->status, 303);
    assert_int_equal(h_db_int(&srv,
                              h_fmt(c,
                                    "SELECT COUNT(*) FROM case_keys WHERE case_id = %lld AND "
                                    "account_id = %lld",
                                    id, canbo),
                              &n),
                     0);
    assert_int_equal(n, 1);
    tok = h_csrf(o, page);
    const char *opw[] = {"_csrf", tok, "mat_khau", "danchu2026", NULL};
    r = h_post_form(o, h_fmt(o, "%s/danh-tinh", page), opw);
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, name));
    long long scan = -1;
    assert_int_equal(h_db_int(&srv,
                              h_fmt(c,
                                    "SELECT id FROM case_files WHERE case_id = %lld AND "
                                    "sealed = 1",
                                    id),
                              &scan),
                     0);
    r = h_post_form(o, h_fmt(o, "%s/danh-tinh/tep/%lld", page, scan), opw);
    assert_int_equal(r->status, 200);
    assert_int_equal(r->len, sizeof pdf_bytes - 1);
    assert_memory_equal(r->body, pdf_bytes, sizeof pdf_bytes - 1);
    /* The sealed scan is not served by the plain file route. */
    assert_int_equal(h_get(o, h_fmt(o, "%s/tep/%lld", page, scan))->status, 404);
    /* The recovery key printed by the demo gives it to the administrator. */
    struct h_client *qa = h_signed_in(&srv, "quantri");
    tok = h_csrf(qa, page);
    const char *qpw[] = {"_csrf", tok, "mat_khau", "danchu2026", NULL};
    assert_int_equal(h_post_form(qa, h_fmt(qa, "%s/danh-tinh", page), qpw)->status, 403);
    FILE *lf = fopen(srv.log_path, "r");
    assert_non_null(lf);
    char line[512], key[128] = "";
    while (fgets(line, sizeof line, lf))
        if (strstr(line, "danchu init): DC1-"))
            snprintf(key, sizeof key, "%s", strstr(line, "DC1-"));
    fclose(lf);
    assert_true(key[0]);
    const char *rec[] = {"escrow", "recover", "--db", srv.db_url, "--case", h_fmt(c, "%lld", id),
                         "--to",   "quantri", NULL};
    struct h_proc p;
    assert_int_equal(h_run(&srv, rec, key, &p), 0);
    h_proc_free(&p);
    const char *wrong_key[] = {"escrow",   "recover", "--db",
                               srv.db_url, "--case",  h_fmt(c, "%lld", id),
                               "--to",     "quantri", NULL};
    assert_int_not_equal(h_run(&srv, wrong_key, "DC1-0000-1111", &p), 0);
    h_proc_free(&p);
    r = h_post_form(qa, h_fmt(qa, "%s/danh-tinh", page), qpw);
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, name));
    /* In clear nowhere at rest: not in the server's log, the database files or a backup. */
    assert_int_equal(file_has(srv.log_path, name), 0);
    assert_int_equal(file_has(srv.log_path, phone), 0);
    if (!srv.is_pg) {
        assert_int_equal(file_has(srv.db_file, name), 0);
        assert_int_equal(file_has(srv.db_file, phone), 0);
        int w = file_has(h_fmt(c, "%s-wal", srv.db_file), name);
        assert_true(w <= 0);
    }
    const char *bk = h_fmt(c, "%s/backup-t9", srv.tmp_dir);
    const char *backup[] = {"backup", "--db", srv.db_url, bk, NULL};
    assert_int_equal(h_run(&srv, backup, NULL, &p), 0);
    h_proc_free(&p);
    assert_int_equal(file_has(bk, name), 0);
    assert_int_equal(file_has(bk, phone), 0);
    assert_int_equal(file_has(bk, "Số 9 ngõ 4"), 0);
    assert_int_equal(file_has(bk, "T9 Cán bộ nhận tiền"), 1); /* the backup is real */
    h_client_free(qa);
    h_client_free(ch);
    h_client_free(o);
    h_client_free(ib);
    h_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(demo_has_cases_in_every_state),
        cmocka_unit_test(resident_sends_feedback_and_follows_it_by_code),
        cmocka_unit_test(bad_input_comes_back_with_what_was_typed),
        cmocka_unit_test(anonymous_only_for_feedback_and_recommendation),
        cmocka_unit_test(C6_information_request_is_answered_with_a_document),
        cmocka_unit_test(complaint_is_accepted_decided_and_sent),
        cmocka_unit_test(queue_orders_by_deadline_and_flags_overdue),
        cmocka_unit_test(resident_confirms_or_reopens),
        cmocka_unit_test(each_role_sees_what_it_may),
        cmocka_unit_test(I_denunciation_identity_is_sealed_and_revealed_only_to_holders),
        cmocka_unit_test(photo_position_kept_only_with_consent),
        cmocka_unit_test(answered_feedback_published_as_qa_without_personal_details),
        cmocka_unit_test(statistics_count_cases_by_month_field_and_section),
        cmocka_unit_test(I4_a_mixed_letter_is_split_and_a_closed_case_reopened),
        cmocka_unit_test(the_same_form_sent_twice_makes_one_case),
        cmocka_unit_test(wrong_codes_are_limited_per_address),
    };
    return h_run_group(tests, &srv);
}

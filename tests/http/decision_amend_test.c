/*
 * decision_amend_test.c - amending a community decision over HTTP, on either back end (DOMAIN
 * D9, Law Art 22): the UBND asks in writing that a decision be amended for a breach of procedure
 * (with its reasons, once), and the community amends it by deciding again - a new matter naming
 * the one it amends, tabled by the village head and run as any other. Residents can do neither.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static struct h_server srv;

#define VILLAGE "9900101"

/* A counted M6 matter of the village, every household present and approving. */
static long long decided(struct h_client *c, const char *title)
{
    const char *f[] = {"don_vi",
                       VILLAGE,
                       "loai",
                       "6",
                       "tieu_de",
                       title,
                       "cau_hoi",
                       "Bà con có tán thành không?",
                       "hinh_thuc",
                       "0",
                       "ngay_thong_nhat",
                       h_vn_day(c, 0),
                       NULL};
    struct h_response *r =
        h_post_page(c, "/quan-ly/bieu-quyet?don_vi=" VILLAGE, "/quan-ly/bieu-quyet", f);
    assert_int_equal(r->status, 303);
    long long id = strtoll(strrchr(h_header(r, "Location"), '/') + 1, NULL, 10);
    const char *page = h_fmt(c, "/quan-ly/bieu-quyet/%lld", id);
    const char *nf[] = {"ngay_thong_bao", h_vn_day(c, 0), "ngay_hop", h_vn_day(c, 3), NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/thong-bao", page), nf)->status, 303);
    long long total =
        h_db_count(&srv, h_fmt(c, "SELECT households_total FROM decisions WHERE id = %lld", id));
    const char *att[120];
    size_t n = 0;
    for (long long k = 0; k < total && n < 116; k++) {
        att[n++] = "ho";
        att[n++] = h_fmt(c, "%lld",
                         h_db_count(&srv, h_fmt(c,
                                                "SELECT household_id FROM decision_roll WHERE "
                                                "decision_id = %lld ORDER BY household_id LIMIT 1 "
                                                "OFFSET %lld",
                                                id, k)));
    }
    att[n] = NULL;
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/diem-danh", page), att)->status, 303);
    const char *hands[] = {"nguon",           "meeting", "tan_thanh", h_fmt(c, "%lld", total),
                           "khong_tan_thanh", "0",       NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/kiem-phieu", page), hands)->status, 303);
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/ket-qua", page), NULL)->status, 303);
    return id;
}

static void D9_committee_requests_amendment_in_writing_and_the_community_decides_again(void **state)
{
    struct h_client *head = h_signed_in(&srv, "truongthon");
    long long id = decided(head, "Quy định giờ giữ trật tự trong khu dân cư");
    const char *result = h_fmt(head, "/decisions/%lld", id);
    /* A resident may not ask for an amendment, nor amend. */
    struct h_client *resident = h_signed_in(&srv, "nguoidan");
    const char *why[] = {"ly_do", "Thông báo họp chưa niêm yết tại nhà văn hóa.", NULL};
    assert_int_equal(
        h_post_page(resident, result, h_fmt(resident, "%s/yeu-cau-sua-doi", result), why)->status,
        403);
    assert_int_equal(
        h_post_page(resident, result, h_fmt(resident, "%s/sua-doi", result), NULL)->status, 403);
    /* The UBND must give its reasons in writing. */
    struct h_client *ubnd = h_signed_in(&srv, "chutich");
    struct h_response *r =
        h_post_page(ubnd, result, h_fmt(ubnd, "%s/yeu-cau-sua-doi", result), NULL);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "phải nêu rõ sai sót về trình tự, thủ tục"));
    assert_int_equal(
        h_post_page(ubnd, result, h_fmt(ubnd, "%s/yeu-cau-sua-doi", result), why)->status, 303);
    r = h_get(h_client_new(&srv), result);
    assert_true(h_has(r, "Ủy ban nhân dân yêu cầu sửa đổi, bổ sung"));
    assert_true(h_has(r, "Thông báo họp chưa niêm yết tại nhà văn hóa."));
    /* Once only: a second request changes nothing. */
    const char *again[] = {"ly_do", "Lý do khác", NULL};
    r = h_post_page(ubnd, result, h_fmt(ubnd, "%s/yeu-cau-sua-doi", result), again);
    assert_int_equal(r->status, 303);
    assert_int_equal(
        h_db_count(&srv, h_fmt(ubnd,
                               "SELECT COUNT(*) FROM decisions WHERE id = %lld AND "
                               "amend_request = 'Thông báo họp chưa niêm yết tại nhà văn "
                               "hóa.'",
                               id)),
        1);
    assert_int_equal(h_db_count(&srv, h_fmt(ubnd,
                                            "SELECT COUNT(*) FROM audit_log WHERE action = "
                                            "'decision.amend_request' AND object = 'decision:%lld'",
                                            id)),
                     1);
    /* The village head tables the amendment: a new matter, decided again from its notice. */
    r = h_post_page(head, result, h_fmt(head, "%s/sua-doi", result), NULL);
    assert_int_equal(r->status, 303);
    long long am = strtoll(strrchr(h_header(r, "Location"), '/') + 1, NULL, 10);
    assert_true(am > id);
    assert_int_equal(
        h_db_count(&srv, h_fmt(head,
                               "SELECT COUNT(*) FROM decisions WHERE id = %lld AND "
                               "amends_id = %lld AND status = 'draft' AND matter = 6 AND "
                               "title = 'Sửa đổi, bổ sung: Quy định giờ giữ trật tự trong "
                               "khu dân cư'",
                               am, id)),
        1);
    r = h_get(head, h_fmt(head, "/quan-ly/bieu-quyet/%lld", am));
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, h_fmt(head, "href=\"/decisions/%lld\"", id)));
    assert_int_equal(
        h_db_count(&srv, h_fmt(head,
                               "SELECT COUNT(*) FROM decisions WHERE id = %lld AND body "
                               "LIKE 'Theo yêu cầu của Ủy ban nhân dân ngày %%: Thông báo "
                               "họp chưa niêm yết tại nhà văn hóa.%%'",
                               am)),
        1);
    /* The original names its amendment. */
    r = h_get(h_client_new(&srv), result);
    assert_true(h_has(r, h_fmt(head, "/decisions/%lld", am)));
    /* Only a decided matter is amended. */
    r = h_post_page(head, h_fmt(head, "/quan-ly/bieu-quyet/%lld", am),
                    h_fmt(head, "/decisions/%lld/sua-doi", am), NULL);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Chỉ sửa đổi, bổ sung quyết định đã có kết quả"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            D9_committee_requests_amendment_in_writing_and_the_community_decides_again),
    };
    return h_run_group(tests, &srv);
}

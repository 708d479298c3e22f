/*
 * decision_meeting_test.c - the attendance of a community meeting from its paper sheet, over
 * HTTP on either back end (DOMAIN D4): the village head prints the frozen roll as a sheet each
 * household's representative signs, then enters the households present by typing their codes
 * from it (or ticking them); a code not on the roll refuses the whole entry, lists the bad codes
 * and keeps what was typed; a household already counted is not counted twice.
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

/* The code of the k-th household of the frozen roll of matter id (by code). */
static const char *roll_code(struct h_client *c, long long id, int k)
{
    char *out = NULL;
    assert_int_equal(h_db_text(&srv,
                               h_fmt(c,
                                     "SELECT h.code FROM decision_roll r JOIN households h ON "
                                     "h.id = r.household_id WHERE r.decision_id = %lld ORDER BY "
                                     "h.code LIMIT 1 OFFSET %d",
                                     id, k),
                               &out),
                     0);
    const char *code = h_fmt(c, "%s", out);
    free(out);
    return code;
}

static void D4_attendance_from_the_paper_sheet_by_household_codes(void **state)
{
    struct h_client *c = h_signed_in(&srv, "truongthon");
    const char *f[] = {"don_vi",
                       VILLAGE,
                       "loai",
                       "6",
                       "tieu_de",
                       "Lịch vệ sinh môi trường",
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
    /* No sheet before the roll is frozen. */
    assert_int_equal(h_get(c, h_fmt(c, "%s/diem-danh.pdf", page))->status, 404);
    const char *nf[] = {"ngay_thong_bao", h_vn_day(c, 0), "ngay_hop", h_vn_day(c, 3), NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/thong-bao", page), nf)->status, 303);
    long long total =
        h_db_count(&srv, h_fmt(c, "SELECT households_total FROM decisions WHERE id = %lld", id));
    /* The sheet: every household of the frozen roll with room to sign. */
    r = h_get(c, h_fmt(c, "%s/diem-danh.pdf", page));
    assert_int_equal(r->status, 200);
    assert_memory_equal(r->body, "%PDF", 4);
    char path[700];
    assert_int_equal(h_write_file(&srv, "diem-danh.pdf", r->body, r->len, path, sizeof path), 0);
    FILE *p = popen(h_fmt(c, "pdftotext -enc UTF-8 '%s' -", path), "r");
    assert_non_null(p);
    static char text[65536];
    size_t len = fread(text, 1, sizeof text - 1, p);
    text[len] = '\0';
    pclose(p);
    assert_non_null(strstr(text, "DANH SÁCH"));
    assert_non_null(strstr(text, "Lịch vệ sinh môi trường"));
    assert_non_null(strstr(text, "Ký tên"));
    assert_non_null(strstr(text, roll_code(c, id, 0)));
    assert_non_null(strstr(text, roll_code(c, id, (int)total - 1)));
    assert_non_null(strstr(text, h_fmt(c, "danh sách chốt ngày %s: %lld", h_vn_day(c, 0), total)));
    /* A resident gets no sheet. */
    long long st = h_get(h_signed_in(&srv, "nguoidan"), h_fmt(c, "%s/diem-danh.pdf", page))->status;
    assert_true(st == 403 || st == 404);
    /* One unknown code refuses the whole entry, names it and keeps what was typed. */
    const char *typed = h_fmt(c, "%s\n%s\nXX999", roll_code(c, id, 0), roll_code(c, id, 1));
    const char *bad[] = {"ma_ho", typed, NULL};
    r = h_post_page(c, page, h_fmt(c, "%s/diem-danh", page), bad);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "1 mã hộ không có trong danh sách đã chốt: XX999"));
    assert_true(h_has(r, roll_code(c, id, 1)));
    assert_int_equal(
        h_db_count(&srv,
                   h_fmt(c, "SELECT COUNT(*) FROM decision_votes WHERE decision_id = %lld", id)),
        0);
    /* Codes in lower case, separated by commas, one ticked as well: each household once. */
    const char *ok[] = {
        "ma_ho",
        h_fmt(c, "%s, %s ,%s", roll_code(c, id, 0), roll_code(c, id, 1), roll_code(c, id, 2)), "ho",
        h_fmt(c, "%lld",
              h_db_count(&srv, h_fmt(c, "SELECT h.id FROM households h WHERE h.code = '%s'",
                                     roll_code(c, id, 2)))),
        NULL};
    for (char *q = (char *)ok[1]; *q; q++)
        if (*q >= 'A' && *q <= 'Z')
            *q = (char)(*q - 'A' + 'a');
    r = h_post_page(c, page, h_fmt(c, "%s/diem-danh", page), ok);
    assert_int_equal(r->status, 303);
    assert_int_equal(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM decision_votes WHERE decision_id = %lld "
                               "AND channel = 'meeting'",
                               id)),
        3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(D4_attendance_from_the_paper_sheet_by_household_codes),
    };
    return h_run_group(tests, &srv);
}

/*
 * consultation_test.c - dân bàn over HTTP, on either back end: an official imports a real draft
 * (the Kè Sắt resolution from ../shared/data/documents), checks its outline and opens it for at
 * least 20 days (E3); residents comment on khoản 2 of Điều 1, agree with a comment instead of
 * repeating it, see similar comments while typing and give their stance; an official enters a
 * comment from a meeting and counts from paper, groups comments and accepts or explains them,
 * decides, and cannot publish a decision against the majority without its explanation (E3) or
 * while comments are unanswered; the response table downloads as DOCX and PDF; a revised draft
 * is compared with the first version; an agency's staff conference is judged at its 2/3 quorum
 * and its resolutions at more than half of those present (H).
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

#define DOC_REL "../shared/data/documents/nghi-quyet-xa-ke-sat-2025.txt"
static char DOC[4096]; /* absolute: danchu runs in the server's temporary folder */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 20];
    *len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[*len] = '\0';
    return buf;
}

/* Imports the Kè Sắt draft through the web form; returns the consultation's id. */
static long long import_draft(struct h_client *c)
{
    size_t len;
    const char *text = slurp(DOC, &len);
    const char *csrf = h_csrf(c, "/quan-ly/gop-y/moi");
    assert_non_null(csrf);
    const char *f[] = {"_csrf", csrf, "don_vi", "99001", "chu_de", "7", "tieu_de", "", NULL};
    struct h_response *r =
        h_post_multipart(c, "/quan-ly/gop-y/moi", f, "tep", "nghi-quyet.txt", text, len);
    assert_int_equal(r->status, 303);
    const char *loc = h_header(r, "Location");
    assert_non_null(loc);
    return strtoll(strrchr(loc, '/') + 1, NULL, 10);
}

/* The id of section `label` of consultation id (current version). */
static long long section_id(long long id, const char *path)
{
    return h_db_count(&srv,
                      h_fmt(h_client_new(&srv),
                            "SELECT s.id FROM consultation_sections s JOIN consultations c ON "
                            "c.id = s.consultation_id AND c.version = s.version WHERE "
                            "c.id = %lld AND s.path = '%s'",
                            id, path));
}

static void open_for(struct h_client *c, long long id, int days)
{
    const char *page = h_fmt(c, "/quan-ly/gop-y/%lld", id);
    const char *f[] = {"tu_ngay", h_vn_day(c, 0), "den_ngay", h_vn_day(c, days), NULL};
    struct h_response *r = h_post_page(c, page, h_fmt(c, "%s/mo", page), f);
    assert_int_equal(r->status, 303);
}

static void E_import_dry_run_prints_the_outline_of_a_real_resolution(void **state)
{
    const char *args[] = {"import", "document", "--kind", "draft", "--dry-run", DOC, NULL};
    struct h_proc p;
    assert_int_equal(h_run(&srv, args, NULL, &p), 0);
    json_error_t e;
    json_t *j = json_loads(p.out, 0, &e);
    assert_non_null(j);
    json_t *secs = json_object_get(j, "sections");
    int dieu = 0;
    size_t i;
    json_t *s;
    json_array_foreach(secs, i, s)
    {
        if (!strcmp(json_string_value(json_object_get(s, "kind")), "dieu"))
            dieu++;
    }
    assert_int_equal(dieu, 3);
    assert_string_equal(json_string_value(json_object_get(j, "doc_type")), "NGHỊ QUYẾT");
    json_decref(j);
    h_proc_free(&p);
    /* Saved as a draft of ward 99001, not yet open. */
    const char *save[] = {"import", "document", "--db",    srv.db_url, "--kind", "draft",
                          "--unit", "99001",    "--topic", "YK7",      DOC,      NULL};
    assert_int_equal(h_run(&srv, save, NULL, &p), 0);
    assert_non_null(strstr(p.out, "draft, not yet open"));
    long long id = strtoll(strstr(p.out, "as consultation ") + 16, NULL, 10);
    h_proc_free(&p);
    struct h_client *c = h_client_new(&srv);
    assert_int_equal(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM consultations WHERE id = %lld AND "
                               "status = 'draft' AND topic = 7",
                               id)),
        1);
    assert_int_equal(h_db_count(&srv, h_fmt(c,
                                            "SELECT COUNT(*) FROM consultation_sections WHERE "
                                            "consultation_id = %lld AND kind = 'diem'",
                                            id)),
                     18);
    /* A file that is not text gets a clear refusal, nothing saved. */
    char path[700];
    assert_int_equal(
        h_write_file(&srv, "anh.bin", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, path, sizeof path), 0);
    const char *bad[] = {"import", "document", "--db",  srv.db_url, "--kind",
                         "draft",  "--unit",   "99001", path,       NULL};
    assert_int_not_equal(h_run(&srv, bad, NULL, &p), 0);
    assert_non_null(strstr(p.err, "Dự thảo phải là tệp văn bản"));
    h_proc_free(&p);
}

static void E3_opening_needs_at_least_20_days_and_says_the_earliest_close(void **state)
{
    struct h_client *c = h_signed_in(&srv, "canbo");
    long long id = import_draft(c);
    const char *page = h_fmt(c, "/quan-ly/gop-y/%lld", id);
    struct h_response *r = h_get(c, page);
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "Điều 1, khoản 2"));
    /* A draft is not public yet. */
    struct h_client *anon = h_client_new(&srv);
    assert_int_equal(h_get(anon, h_fmt(anon, "/gop-y/du-thao/%lld", id))->status, 404);
    /* 19 days: refused, with the earliest closing day; 20: opened. */
    const char *f[] = {"tu_ngay", h_vn_day(c, 0), "den_ngay", h_vn_day(c, 19), NULL};
    r = h_post_page(c, page, h_fmt(c, "%s/mo", page), f);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, h_vn_day(c, 20)));
    assert_true(h_has(r, "ít nhất 20 ngày"));
    open_for(c, id, 20);
    r = h_get(anon, h_fmt(anon, "/gop-y/du-thao/%lld", id));
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "Đang lấy ý kiến"));
    assert_true(h_has(r, "Nguyên tắc bảo đảm thực hiện dân chủ ở cơ sở"));
}

static void E_residents_comment_on_a_khoan_agree_and_see_similar_comments(void **state)
{
    struct h_client *c = h_signed_in(&srv, "canbo");
    long long id = import_draft(c);
    open_for(c, id, 30);
    long long k2 = section_id(id, "dieu-1/khoan-2");
    assert_true(k2 > 0);
    struct h_client *a = h_signed_in(&srv, "nguoidan");
    const char *sec = h_fmt(a, "/gop-y/du-thao/%lld/muc/%lld", id, k2);
    /* Too short: the form comes back with what was typed. */
    const char *f0[] = {"muc", h_fmt(a, "%lld", k2), "noi_dung", "ok", NULL};
    struct h_response *r = h_post_page(a, sec, h_fmt(a, "/gop-y/du-thao/%lld/y-kien", id), f0);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "ít nhất 5 ký tự"));
    const char *text = "Đề nghị bổ sung chỉ tiêu đào tạo cán bộ thôn về ứng dụng công nghệ số.";
    const char *f1[] = {"muc", h_fmt(a, "%lld", k2), "noi_dung", text, "ma_gui", "k-1", NULL};
    r = h_post_page(a, sec, h_fmt(a, "/gop-y/du-thao/%lld/y-kien", id), f1);
    assert_int_equal(r->status, 303);
    /* The same form sent again makes no second comment. */
    r = h_post_page(a, sec, h_fmt(a, "/gop-y/du-thao/%lld/y-kien", id), f1);
    assert_int_equal(r->status, 303);
    assert_int_equal(h_db_count(&srv, h_fmt(a,
                                            "SELECT COUNT(*) FROM consultation_comments WHERE "
                                            "consultation_id = %lld",
                                            id)),
                     1);
    /* Similar comments while typing, folded: no tone marks typed. */
    struct h_response *sim =
        h_get(a, h_fmt(a, "/gop-y/du-thao/%lld/goi-y?q=dao+tao+can+bo+cong+nghe&format=json", id));
    assert_int_equal(sim->status, 200);
    assert_int_equal(json_array_size(h_jget(h_json(sim), "similar")), 1);
    /* Another resident agrees; twice counts once; one's own comment cannot be agreed. */
    long long cid = h_db_count(&srv, h_fmt(a,
                                           "SELECT id FROM consultation_comments WHERE "
                                           "consultation_id = %lld",
                                           id));
    struct h_client *b = h_signed_in(&srv, "truongthon");
    const char *fa[] = {"du_thao", h_fmt(b, "%lld", id), NULL};
    r = h_post_page(b, sec, h_fmt(b, "/gop-y/y-kien/%lld/dong-tinh", cid), fa);
    assert_int_equal(r->status, 303);
    r = h_post_page(b, sec, h_fmt(b, "/gop-y/y-kien/%lld/dong-tinh", cid), fa);
    assert_int_equal(r->status, 303);
    r = h_post_page(a, sec, h_fmt(a, "/gop-y/y-kien/%lld/dong-tinh", cid), fa);
    assert_int_equal(r->status, 303);
    assert_int_equal(h_db_count(&srv, h_fmt(a,
                                            "SELECT agree_count FROM consultation_comments WHERE "
                                            "id = %lld",
                                            cid)),
                     1);
    /* The draft page shows the comment under its khoản. */
    r = h_get(a, h_fmt(a, "/gop-y/du-thao/%lld", id));
    assert_true(h_has(r, "ứng dụng công nghệ số"));
    /* Anonymous visitors read but cannot post. */
    struct h_client *anon = h_client_new(&srv);
    r = h_get(anon, sec);
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "Đăng nhập để góp ý"));
}

static void E3_publishing_needs_answers_and_the_majority_departure_explained(void **state)
{
    struct h_client *c = h_signed_in(&srv, "canbo");
    long long id = import_draft(c);
    open_for(c, id, 20);
    const char *page = h_fmt(c, "/quan-ly/gop-y/%lld", id);
    const char *synth = h_fmt(c, "%s/tong-hop", page);
    long long k1 = section_id(id, "dieu-1/khoan-1");
    /* A comment from a village meeting, and a count of stances from household ballots: 40
     * agree, 60 disagree - the majority disagrees. */
    const char *fe[] = {"muc",
                        h_fmt(c, "%lld", k1),
                        "noi_dung",
                        "Cần nêu rõ trách nhiệm của trưởng thôn.",
                        "nguon",
                        "meeting",
                        "ghi_chu_nguon",
                        "Họp thôn Đông",
                        NULL};
    assert_int_equal(h_post_page(c, synth, h_fmt(c, "%s/y-kien", page), fe)->status, 303);
    const char *ft[] = {"nguon", "ballot", "tan_thanh", "40", "khong_tan_thanh", "60", NULL};
    assert_int_equal(h_post_page(c, synth, h_fmt(c, "%s/so-lieu", page), ft)->status, 303);
    /* Adopting without an explanation is refused; with one it is recorded. */
    const char *fd[] = {"quyet_dinh", "1", "noi_dung", "Ban hành", "giai_trinh", "", NULL};
    struct h_response *r = h_post_page(c, page, h_fmt(c, "%s/quyet-dinh", page), fd);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "phải giải trình"));
    const char *fd2[] = {"quyet_dinh", "1",
                         "noi_dung",   "Ban hành",
                         "giai_trinh", "Nội dung bắt buộc theo nghị quyết của HĐND thành phố.",
                         NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/quyet-dinh", page), fd2)->status, 303);
    /* Not before the window closes. */
    r = h_post_page(c, page, h_fmt(c, "%s/cong-bo", page), NULL);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "sau khi hết thời gian"));
    /* The window closed yesterday. */
    assert_int_equal(h_db_exec(&srv, h_fmt(c,
                                           "UPDATE consultations SET opens_on = '2025-01-01', "
                                           "closes_on = '2025-01-21' WHERE id = %lld",
                                           id)),
                     0);
    r = h_post_page(c, page, h_fmt(c, "%s/cong-bo", page), NULL);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "chưa được tiếp thu hoặc giải trình"));
    /* Group it, accepted. */
    long long cid = h_db_count(&srv, h_fmt(c,
                                           "SELECT id FROM consultation_comments WHERE "
                                           "consultation_id = %lld",
                                           id));
    const char *fg[] = {"y_kien",  h_fmt(c, "%lld", cid),
                        "muc",     h_fmt(c, "%lld", k1),
                        "tom_tat", "Nêu rõ trách nhiệm trưởng thôn",
                        "ket_qua", "accepted",
                        "tra_loi", "Bổ sung vào khoản 1 Điều 1.",
                        NULL};
    assert_int_equal(h_post_page(c, synth, h_fmt(c, "%s/nhom", page), fg)->status, 303);
    r = h_post_page(c, page, h_fmt(c, "%s/cong-bo", page), NULL);
    assert_int_equal(r->status, 303);
    /* Public result, with the explanation and the table. */
    struct h_client *anon = h_client_new(&srv);
    r = h_get(anon, h_fmt(anon, "/gop-y/du-thao/%lld/ket-qua", id));
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "Nội dung bắt buộc theo nghị quyết"));
    assert_true(h_has(r, "Bổ sung vào khoản 1 Điều 1."));
    assert_true(h_has(r, "Không tán thành"));
    r = h_get(anon, h_fmt(anon, "/gop-y/du-thao/%lld/bang-tong-hop.docx", id));
    assert_int_equal(r->status, 200);
    assert_true(r->len > 2000 && r->body[0] == 'P' && r->body[1] == 'K');
    r = h_get(anon, h_fmt(anon, "/gop-y/du-thao/%lld/bang-tong-hop.pdf", id));
    assert_int_equal(r->status, 200);
    assert_memory_equal(r->body, "%PDF", 4);
    /* Every step is in the audit log. */
    assert_true(h_db_count(&srv, h_fmt(c,
                                       "SELECT COUNT(*) FROM audit_log WHERE object = "
                                       "'consultation:%lld'",
                                       id)) >= 6);
}

static void E_revised_draft_is_compared_section_by_section(void **state)
{
    struct h_client *c = h_signed_in(&srv, "canbo");
    long long id = import_draft(c);
    open_for(c, id, 20);
    size_t len;
    char *text = slurp(DOC, &len);
    char *p = strstr(text, "Kinh phí bảo đảm");
    assert_non_null(p);
    const char *revised =
        h_fmt(c, "%.*sKinh phí bổ sung%s", (int)(p - text), text, p + strlen("Kinh phí bảo đảm"));
    text = (char *)revised;
    const char *page = h_fmt(c, "/quan-ly/gop-y/%lld", id);
    const char *f[] = {"_csrf", h_csrf(c, page), "ghi_chu", "Sửa Điều 2", NULL};
    struct h_response *r = h_post_multipart(c, h_fmt(c, "%s/phien-ban", page), f, "tep",
                                            "du-thao-2.txt", text, strlen(text));
    if (r->status != 303)
        fprintf(stderr, "%s\n", h_between(c, r, "class=\"error\" role=\"alert\">", "<"));
    assert_int_equal(r->status, 303);
    r = h_get(c, h_fmt(c, "/gop-y/du-thao/%lld/so-sanh?tu=1&den=2", id));
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "<del>bảo đảm</del>"));
    assert_true(h_has(r, "<ins>bổ sung</ins>"));
    assert_true(h_has(r, "1 mục sửa đổi"));
}

static void E3_plan_goes_to_the_council_and_the_front_who_watch_read_only(void **state)
{
    struct h_client *c = h_signed_in(&srv, "canbo");
    long long id = import_draft(c);
    const char *page = h_fmt(c, "/quan-ly/gop-y/%lld", id);
    /* Nothing chosen: the form says so. */
    struct h_response *r = h_post_page(c, page, h_fmt(c, "%s/ke-hoach", page), NULL);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Vui lòng chọn gửi Thường trực HĐND"));
    const char *f[] = {"gui_hdnd", "1", "gui_mttq", "1", NULL};
    r = h_post_page(c, page, h_fmt(c, "%s/ke-hoach", page), f);
    assert_int_equal(r->status, 303);
    /* One e-mail to each council and front account with an address, once. */
    assert_int_equal(h_db_count(&srv, h_fmt(c,
                                            "SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE "
                                            "'cs-plan:%lld:%%' AND recipient IN "
                                            "('hdnd@demo.example', 'mttq@demo.example')",
                                            id)),
                     2);
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/ke-hoach", page), f)->status, 303);
    assert_int_equal(h_db_count(&srv, h_fmt(c,
                                            "SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE "
                                            "'cs-plan:%lld:%%'",
                                            id)),
                     2);
    assert_int_equal(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM consultations WHERE id = %lld AND "
                               "plan_council_on <> '' AND plan_front_on <> ''",
                               id)),
        1);
    /* The council reads the draft's back-office page and the printed plan, changes nothing. */
    struct h_client *h = h_signed_in(&srv, "hdnd");
    r = h_get(h, page);
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "quyền giám sát"));
    assert_false(h_has(r, "/mo\""));
    r = h_get(h, h_fmt(h, "%s/ke-hoach.pdf", page));
    assert_int_equal(r->status, 200);
    assert_memory_equal(r->body, "%PDF", 4);
    const char *fo[] = {"tu_ngay", h_vn_day(h, 0), "den_ngay", h_vn_day(h, 30), NULL};
    assert_int_equal(h_post_page(h, page, h_fmt(h, "%s/mo", page), fo)->status, 403);
    /* A resident sees neither. */
    struct h_client *a = h_signed_in(&srv, "nguoidan");
    assert_int_equal(h_get(a, page)->status, 404);
    assert_int_equal(h_get(a, h_fmt(a, "%s/ke-hoach.pdf", page))->status, 404);
}

static void E3_A6_no_comment_after_2400_of_the_last_day(void **state)
{
    struct h_client *c = h_signed_in(&srv, "canbo");
    long long id = import_draft(c);
    open_for(c, id, 20);
    long long k1 = section_id(id, "dieu-1/khoan-1");
    struct h_client *a = h_signed_in(&srv, "nguoidan");
    const char *sec = h_fmt(a, "/gop-y/du-thao/%lld/muc/%lld", id, k1);
    /* The last day was yesterday (Vietnam time). */
    assert_int_equal(h_db_exec(&srv, h_fmt(c,
                                           "UPDATE consultations SET opens_on = '2025-01-01', "
                                           "closes_on = '%s' WHERE id = %lld",
                                           h_fmt(c, "%.4s-%.2s-%.2s", h_vn_day(c, -1) + 6,
                                                 h_vn_day(c, -1) + 3, h_vn_day(c, -1)),
                                           id)),
                     0);
    const char *f[] = {"muc", h_fmt(a, "%lld", k1), "noi_dung", "Góp ý sau khi đã hết hạn.", NULL};
    struct h_response *r = h_post_page(a, sec, h_fmt(a, "/gop-y/du-thao/%lld/y-kien", id), f);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Đã hết thời hạn góp ý"));
    assert_true(h_has(r, "Góp ý sau khi đã hết hạn.")); /* what was typed comes back */
    assert_int_equal(h_db_count(&srv, h_fmt(a,
                                            "SELECT COUNT(*) FROM consultation_comments WHERE "
                                            "consultation_id = %lld",
                                            id)),
                     0);
    /* Today is the last day: still open until 24:00. */
    assert_int_equal(h_db_exec(&srv, h_fmt(c,
                                           "UPDATE consultations SET closes_on = '%s' WHERE id = "
                                           "%lld",
                                           h_fmt(c, "%.4s-%.2s-%.2s", h_vn_day(c, 0) + 6,
                                                 h_vn_day(c, 0) + 3, h_vn_day(c, 0)),
                                           id)),
                     0);
    assert_int_equal(h_post_page(a, sec, h_fmt(a, "/gop-y/du-thao/%lld/y-kien", id), f)->status,
                     303);
}

static void H_internal_draft_is_for_staff_only(void **state)
{
    struct h_client *c = h_signed_in(&srv, "canbo");
    h_db_exec(&srv, "INSERT INTO units (code, kind, name, name_fold, parent_id, created_at) "
                    "SELECT '99001-CA', 'agency', 'Công an phường', 'cong an phuong', id, 0 "
                    "FROM units WHERE code = '99001' AND NOT EXISTS (SELECT 1 FROM units WHERE "
                    "code = '99001-CA')");
    size_t len;
    const char *text = slurp(DOC, &len);
    const char *csrf = h_csrf(c, "/quan-ly/gop-y/moi");
    const char *f[] = {"_csrf",  csrf, "don_vi",  "99001-CA",
                       "chu_de", "7",  "tieu_de", "Dự thảo quy chế dân chủ của cơ quan",
                       NULL};
    struct h_response *r =
        h_post_multipart(c, "/quan-ly/gop-y/moi", f, "tep", "quy-che.txt", text, len);
    assert_int_equal(r->status, 303);
    long long id = strtoll(strrchr(h_header(r, "Location"), '/') + 1, NULL, 10);
    assert_int_equal(
        h_db_count(&srv, h_fmt(c, "SELECT internal FROM consultations WHERE id = %lld", id)), 1);
    /* 19 days are too few inside an agency too (H). */
    const char *page = h_fmt(c, "/quan-ly/gop-y/%lld", id);
    const char *f19[] = {"tu_ngay", h_vn_day(c, 0), "den_ngay", h_vn_day(c, 19), NULL};
    assert_int_equal(h_post_page(c, page, h_fmt(c, "%s/mo", page), f19)->status, 422);
    open_for(c, id, 20);
    /* Residents and visitors do not see it; staff do, and comment as staff. */
    struct h_client *anon = h_client_new(&srv);
    assert_int_equal(h_get(anon, h_fmt(anon, "/gop-y/du-thao/%lld", id))->status, 404);
    struct h_client *a = h_signed_in(&srv, "nguoidan");
    assert_int_equal(h_get(a, h_fmt(a, "/gop-y/du-thao/%lld", id))->status, 404);
    assert_false(h_has(h_get(anon, "/gop-y/99001-CA"), "Dự thảo quy chế dân chủ của cơ quan"));
    struct h_client *s = h_signed_in(&srv, "chutich");
    long long k1 = section_id(id, "dieu-1/khoan-1");
    const char *sec = h_fmt(s, "/gop-y/du-thao/%lld/muc/%lld", id, k1);
    assert_int_equal(h_get(s, sec)->status, 200);
    const char *fc[] = {"muc", h_fmt(s, "%lld", k1), "noi_dung",
                        "Đề nghị bổ sung quy định về họp giao ban hằng tuần.", NULL};
    assert_int_equal(h_post_page(s, sec, h_fmt(s, "/gop-y/du-thao/%lld/y-kien", id), fc)->status,
                     303);
    assert_int_equal(h_db_count(&srv, h_fmt(s,
                                            "SELECT COUNT(*) FROM consultation_comments WHERE "
                                            "consultation_id = %lld AND source = 'staff'",
                                            id)),
                     1);
}

static void H_staff_conference_quorum_and_resolutions_at_their_edges(void **state)
{
    struct h_client *c = h_signed_in(&srv, "canbo");
    assert_int_equal(h_db_exec(&srv, "INSERT INTO units (code, kind, name, name_fold, parent_id, "
                                     "created_at) SELECT '99001-VP', 'agency', 'Văn phòng "
                                     "HĐND và UBND', 'van phong hdnd va ubnd', id, 0 FROM units "
                                     "WHERE code = '99001'"),
                     0);
    const char *page = "/quan-ly/hoi-nghi-can-bo/99001-VP";
    assert_int_equal(h_get(c, page)->status, 200);
    const char *f19[] = {"loai",    "yearly", "nam",    "2026", "ngay", h_vn_day(c, 0),
                         "tong_so", "30",     "co_mat", "19",   NULL};
    struct h_response *r = h_post_page(c, page, page, f19);
    assert_int_equal(r->status, 303);
    const char *loc = h_header(r, "Location");
    r = h_get(c, loc);
    assert_true(h_has(r, "chưa đủ 2/3"));
    const char *fr[] = {
        "noi_dung", "Quy chế dân chủ 2027", "tan_thanh", "15", "khong_tan_thanh", "4", NULL};
    r = h_post_page(c, loc, h_fmt(c, "%s/nghi-quyet", loc), fr);
    assert_int_equal(r->status, 422);
    const char *f20[] = {"loai",    "yearly", "nam",    "2026", "ngay", h_vn_day(c, 0),
                         "tong_so", "30",     "co_mat", "20",   NULL};
    r = h_post_page(c, page, page, f20);
    loc = h_header(r, "Location");
    const char *half[] = {
        "noi_dung", "Quy chế chi tiêu nội bộ", "tan_thanh", "10", "khong_tan_thanh", "10", NULL};
    assert_int_equal(h_post_page(c, loc, h_fmt(c, "%s/nghi-quyet", loc), half)->status, 303);
    const char *more[] = {
        "noi_dung", "Quy chế dân chủ 2027", "tan_thanh", "11", "khong_tan_thanh", "9", NULL};
    assert_int_equal(h_post_page(c, loc, h_fmt(c, "%s/nghi-quyet", loc), more)->status, 303);
    assert_int_equal(h_db_count(&srv,
                                "SELECT COUNT(*) FROM staff_resolutions WHERE passed = 1 AND title "
                                "= 'Quy chế dân chủ 2027'"),
                     1);
    assert_int_equal(h_db_count(&srv,
                                "SELECT COUNT(*) FROM staff_resolutions WHERE passed = 0 AND title "
                                "= 'Quy chế chi tiêu nội bộ'"),
                     1);
    /* A resident may not run it. */
    struct h_client *a = h_signed_in(&srv, "nguoidan");
    assert_int_equal(h_get(a, page)->status, 403);
}

int main(void)
{
    if (!realpath(DOC_REL, DOC)) {
        fprintf(stderr, "%s: not found\n", DOC_REL);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(E_import_dry_run_prints_the_outline_of_a_real_resolution),
        cmocka_unit_test(E3_opening_needs_at_least_20_days_and_says_the_earliest_close),
        cmocka_unit_test(E_residents_comment_on_a_khoan_agree_and_see_similar_comments),
        cmocka_unit_test(E3_publishing_needs_answers_and_the_majority_departure_explained),
        cmocka_unit_test(E_revised_draft_is_compared_section_by_section),
        cmocka_unit_test(E3_plan_goes_to_the_council_and_the_front_who_watch_read_only),
        cmocka_unit_test(E3_A6_no_comment_after_2400_of_the_last_day),
        cmocka_unit_test(H_internal_draft_is_for_staff_only),
        cmocka_unit_test(H_staff_conference_quorum_and_resolutions_at_their_edges),
    };
    return h_run_group(tests, &srv);
}

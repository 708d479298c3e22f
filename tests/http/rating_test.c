/*
 * rating_test.c - satisfaction ratings of the one-stop desk through the real binary: the
 * officer (`canbo`) of ward 99001 adds a desk, chooses who serves there and prints its QR codes
 * (an A4 poster, an 80 mm receipt slip); the test reads each code as a phone would, from the
 * printed PDF (pdftoppm, then zbarimg), and a resident without an account rates through it. A
 * receipt rates its transaction once and expires; a poster takes one rating a day from a visitor
 * and a bounded number an hour from one address; the indices count what was rated, receipts and
 * posters apart; each role sees what it may and no more.
 *
 * Every case makes its own desk (names carry a case tag) and compares index figures before and
 * after its own ratings, so cases do not depend on each other or on demo ratings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"

static struct h_server srv;
static int pdf_seq; /* numbers the PDFs written to the scratch folder */

/* POSTs fields (NULL-terminated pairs) with the CSRF token of page, or, when page shows no
 * form (a code already used: the form was open in another tab), of the public feedback form
 * (an anonymous visitor's token is the same on every page). Not h_post_page, which fails the
 * case when page has no token: posting a used code's form is what some cases test. */
static struct h_response *post(struct h_client *c, const char *page, const char *path,
                               const char *const *extra)
{
    const char *csrf = h_csrf(c, page);
    if (!csrf)
        csrf = h_csrf(c, "/gui-y-kien/99001");
    assert_non_null(csrf);
    const char *f[40] = {"_csrf", csrf};
    size_t n = 2;
    for (size_t i = 0; extra && extra[i] && n < 38; i += 2) {
        f[n++] = extra[i];
        f[n++] = extra[i + 1];
    }
    f[n] = NULL;
    return h_post_form(c, path, f);
}

/* Adds a desk to ward 99001 as c; its id. */
static long long new_desk(struct h_client *c, const char *name, const char *section)
{
    const char *f[] = {"ten", name, "bo_phan", section, NULL};
    struct h_response *r = post(c, "/quan-ly/danh-gia/99001", "/quan-ly/danh-gia/99001", f);
    assert_int_equal(r->status, 303);
    const char *loc = h_header(r, "Location");
    assert_non_null(loc);
    assert_non_null(strstr(loc, "/quan-ly/danh-gia/99001/quay/"));
    return strtoll(strrchr(loc, '/') + 1, NULL, 10);
}

static const char *desk_page(struct h_client *c, long long desk)
{
    return h_fmt(c, "/quan-ly/danh-gia/99001/quay/%lld", desk);
}

static long long account_id(const char *login)
{
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT id FROM accounts WHERE login = '%s'", login);
    return h_db_count(&srv, sql);
}

/* Makes canbo the only officer serving at desk. */
static void staff_with_canbo(struct h_client *c, long long desk)
{
    const char *f[] = {"can_bo", h_fmt(c, "%lld", account_id("canbo")), NULL};
    struct h_response *r =
        post(c, desk_page(c, desk), h_fmt(c, "%s/can-bo", desk_page(c, desk)), f);
    assert_int_equal(r->status, 303);
}

static int sh(const char *cmd)
{
    int st = system(cmd);
    return st == -1 ? -1 : WEXITSTATUS(st);
}

/* What a phone's camera reads from the QR code of a printed PDF: the page rendered at 150 dpi,
 * decoded by zbarimg (client-owned). */
static const char *scan_pdf(struct h_client *c, const struct h_response *r)
{
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(h_header(r, "Content-Type"), "application/pdf"));
    char path[700];
    const char *name = h_fmt(c, "qr-%d.pdf", ++pdf_seq);
    assert_int_equal(h_write_file(&srv, name, r->body, r->len, path, sizeof path), 0);
    assert_int_equal(sh(h_fmt(c, "pdftoppm -r 150 -png '%s' '%s'", path, path)), 0);
    FILE *p = popen(h_fmt(c, "zbarimg --raw -q '%s-1.png' 2>/dev/null", path), "r");
    assert_non_null(p);
    char line[512] = "";
    char *got = fgets(line, sizeof line, p);
    pclose(p);
    assert_non_null(got);
    line[strcspn(line, "\r\n")] = '\0';
    return h_fmt(c, "%s", line);
}

/* Reads the first sheet of an XLSX file and prints cells B to K of the row whose first cell is
 * argv[2], comma-separated (python3's zipfile: Debian's python3 is a test dependency already,
 * for the SMTP sink). */
static const char xlsx_reader[] =
    "import re, sys, zipfile\n"
    "sheet = zipfile.ZipFile(sys.argv[1]).read('xl/worksheets/sheet1.xml').decode()\n"
    "for row in re.findall(r'<row[^>]*>(.*?)</row>', sheet, re.S):\n"
    "    cells = {}\n"
    "    for col, body in re.findall(r'<c r=\"([A-Z]+)[0-9]+\"[^>]*?(?:/>|>(.*?)</c>)', row):\n"
    "        cells[col] = re.sub(r'<[^>]+>', '', body)\n"
    "    if cells.get('A') == sys.argv[2]:\n"
    "        print(','.join(cells.get(c, '') for c in 'BCDEFGHIJK'))\n";

/* The cells of the row of sheet 1 of the XLSX file at path whose first cell is label. */
static const char *xlsx_row(struct h_client *c, const char *path, const char *label)
{
    char script[700];
    assert_int_equal(
        h_write_file(&srv, "xlsx_row.py", xlsx_reader, strlen(xlsx_reader), script, sizeof script),
        0);
    FILE *p = popen(h_fmt(c, "python3 '%s' '%s' '%s'", script, path, label), "r");
    assert_non_null(p);
    char line[512] = "";
    if (!fgets(line, sizeof line, p))
        line[0] = '\0';
    pclose(p);
    line[strcspn(line, "\r\n")] = '\0';
    return h_fmt(c, "%s", line);
}

/* The text of a printed PDF (pdftotext), client-owned. */
static const char *pdf_text(struct h_client *c, const struct h_response *r)
{
    char path[700];
    const char *name = h_fmt(c, "text-%d.pdf", ++pdf_seq);
    assert_int_equal(h_write_file(&srv, name, r->body, r->len, path, sizeof path), 0);
    FILE *p = popen(h_fmt(c, "pdftotext -layout '%s' - 2>/dev/null", path), "r");
    assert_non_null(p);
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, p);
    buf[n] = '\0';
    pclose(p);
    return h_fmt(c, "%s", buf);
}

/* The path /danh-gia/SECRET of a scanned URL (it must be the server's base URL + that path). */
static const char *rating_path(struct h_client *c, const char *url)
{
    const char *p = strstr(url, "/danh-gia/");
    assert_non_null(p);
    assert_true(strncmp(url, "http", 4) == 0);
    assert_int_equal(strlen(p), strlen("/danh-gia/") + 32);
    return h_fmt(c, "%s", p);
}

/* Prints a code of desk (what: "ap-phich" or "bien-nhan") with fields, scans it: its path. */
static const char *print_code(struct h_client *c, long long desk, const char *what,
                              const char *const *fields, const struct h_response **pdf)
{
    struct h_response *r =
        post(c, desk_page(c, desk), h_fmt(c, "%s/%s", desk_page(c, desk), what), fields);
    if (pdf)
        *pdf = r;
    return rating_path(c, scan_pdf(c, r));
}

/* A resident rates through path with score (NULL: none chosen) and comment. */
static struct h_response *rate(struct h_client *c, const char *path, const char *score,
                               const char *comment)
{
    const char *with[] = {"muc", score, "gop_y", comment, NULL};
    const char *without[] = {"gop_y", comment, NULL};
    return post(c, path, path, score ? with : without);
}

/* The index of ward 99001 this month as JSON (owned by c's response). */
static json_t *index_json(struct h_client *c)
{
    struct h_response *r = h_get(c, "/quan-ly/danh-gia/99001/chi-so?format=json");
    assert_int_equal(r->status, 200);
    json_t *j = h_json(r);
    assert_non_null(j);
    return j;
}

/* The row of list `key` of an index whose id (or, when id is 0, label) matches; NULL. */
static json_t *index_row(json_t *idx, const char *key, long long id, const char *label)
{
    json_t *list = json_object_get(idx, key), *row;
    size_t i;
    json_array_foreach(list, i, row)
    {
        if (id && json_integer_value(json_object_get(row, "id")) == id)
            return row;
        if (!id && label && strcmp(json_string_value(json_object_get(row, "label")), label) == 0)
            return row;
    }
    return NULL;
}

static long long ival(json_t *row, const char *key)
{
    return row ? (long long)json_integer_value(json_object_get(row, key)) : 0;
}

/* A resident with no account scans the printed poster of a desk, sees the desk, its officer and
 * the commune named, forgets to choose (the form comes back with the comment kept), rates, and
 * lands on the thank-you page; the rating is stored with the desk's section and an audit row,
 * and the code's secret is nowhere in the database. */
static void resident_rates_a_desk_from_its_printed_poster(void **state)
{
    (void)state;
    struct h_client *o = h_signed_in(&srv, "canbo");
    long long desk = new_desk(o, "R1 Quầy hộ tịch", "R1 Tư pháp – hộ tịch");
    staff_with_canbo(o, desk);
    const char *f[] = {"can_bo", h_fmt(o, "%lld", account_id("canbo")), NULL};
    const struct h_response *pdf;
    const char *path = print_code(o, desk, "ap-phich", f, &pdf);
    const char *text = pdf_text(o, pdf);
    assert_non_null(strstr(text, "PHƯỜNG"));
    assert_non_null(strstr(text, "R1 Quầy hộ tịch"));
    assert_non_null(strstr(text, "Trần Thị Cán bộ"));
    assert_non_null(strstr(text, "ĐÁNH GIÁ MỨC ĐỘ HÀI LÒNG"));
    /* A4 portrait. */
    assert_non_null(memmem(pdf->body, pdf->len, "/MediaBox [ 0 0 595.27", 22));

    struct h_client *c = h_client_new(&srv);
    struct h_response *r = h_get(c, path);
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "R1 Quầy hộ tịch"));
    assert_true(h_has(r, "Trần Thị Cán bộ"));
    assert_true(h_has(r, "R1 Tư pháp – hộ tịch"));
    assert_true(h_has(r, "Phường"));
    assert_int_equal(h_count(r, "type=\"radio\" name=\"muc\""), 3);
    r = rate(c, path, NULL, "R1 chờ hơi lâu");
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Vui lòng chọn một mức"));
    assert_true(h_has(r, ">R1 chờ hơi lâu</textarea>"));
    assert_int_equal(
        h_db_count(&srv, h_fmt(c, "SELECT COUNT(*) FROM ratings WHERE desk_id = %lld", desk)), 0);
    r = rate(c, path, "3", "R1 chờ hơi lâu");
    assert_int_equal(r->status, 303);
    assert_string_equal(h_header(r, "Location"), h_fmt(c, "%s/cam-on", path));
    r = h_get(c, h_fmt(c, "%s/cam-on", path));
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "Cảm ơn bạn đã đánh giá"));
    assert_int_equal(
        h_db_count(
            &srv, h_fmt(c,
                        "SELECT COUNT(*) FROM ratings WHERE desk_id = %lld AND score = 3 AND via = "
                        "'poster' AND section = 'R1 Tư pháp – hộ tịch' AND officer_id = %lld AND "
                        "comment = 'R1 chờ hơi lâu' AND visitor IS NOT NULL",
                        desk, account_id("canbo"))),
        1);
    assert_int_equal(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM audit_log WHERE action = 'rating.add' "
                               "AND detail LIKE 'desk:%lld %%'",
                               desk)),
        1);
    const char *secret = strrchr(path, '/') + 1;
    assert_int_equal(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM rating_tokens WHERE token_hash LIKE "
                               "'%%%s%%' OR reference LIKE '%%%s%%'",
                               secret, secret)),
        0);
    assert_int_equal(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM rating_tokens WHERE desk_id = %lld AND "
                               "length(token_hash) = 64",
                               desk)),
        1);
    /* A code that was never printed. */
    r = h_get(c, "/danh-gia/0123456789abcdef0123456789abcdef");
    assert_int_equal(r->status, 404);
    assert_true(h_has(r, "Không tìm thấy mã đánh giá"));
    h_client_free(c);
    h_client_free(o);
}

/* A receipt's slip rates its one transaction once: the second try, from anyone, gets the
 * friendly "đã đánh giá" page and stores nothing; the slip names the transaction and the last
 * day it works. */
static void receipt_rates_its_transaction_once_only(void **state)
{
    (void)state;
    struct h_client *o = h_signed_in(&srv, "canbo");
    long long desk = new_desk(o, "R2 Quầy đất đai", "R2 Địa chính");
    staff_with_canbo(o, desk);
    const char *f[] = {
        "can_bo", h_fmt(o, "%lld", account_id("canbo")), "so_bien_nhan", "BN-R2-0001", "han", "30",
        NULL};
    const struct h_response *pdf;
    const char *path = print_code(o, desk, "bien-nhan", f, &pdf);
    const char *text = pdf_text(o, pdf);
    assert_non_null(strstr(text, "BN-R2-0001"));
    assert_non_null(strstr(text, h_fmt(o, "đến hết ngày %s", h_vn_day(o, 30))));

    struct h_client *c = h_client_new(&srv);
    struct h_response *r = h_get(c, path);
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "BN-R2-0001"));
    assert_true(h_has(r, h_vn_day(c, 30)));
    r = rate(c, path, "1", "R2 phải bổ sung giấy tờ hai lần");
    assert_int_equal(r->status, 303);
    /* Again, from the same phone and from another. */
    r = rate(c, path, "3", "");
    assert_int_equal(r->status, 409);
    assert_true(h_has(r, "Giao dịch này đã được đánh giá"));
    struct h_client *c2 = h_client_new(&srv);
    r = h_get(c2, path);
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "Giao dịch này đã được đánh giá"));
    assert_false(h_has(r, "name=\"muc\""));
    assert_int_equal(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM ratings WHERE desk_id = %lld AND via = "
                               "'receipt' AND score = 1",
                               desk)),
        1);
    assert_int_equal(
        h_db_count(&srv, h_fmt(c, "SELECT COUNT(*) FROM ratings WHERE desk_id = %lld", desk)), 1);
    assert_int_equal(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM rating_tokens WHERE desk_id = %lld AND "
                               "used_at IS NOT NULL AND reference = 'BN-R2-0001'",
                               desk)),
        1);
    h_client_free(c2);
    h_client_free(c);
    h_client_free(o);
}

/* A receipt's code works to the end of the last day printed on it, no longer: one past its time
 * is refused (410) with the day it ended and stores nothing; the number of days is 1 to 90. */
static void expired_receipt_is_refused(void **state)
{
    (void)state;
    struct h_client *o = h_signed_in(&srv, "canbo");
    long long desk = new_desk(o, "R3 Quầy chứng thực", "R3 Tư pháp");
    const char *bad[] = {"han", "91", "so_bien_nhan", "BN-R3-X", NULL};
    struct h_response *r =
        post(o, desk_page(o, desk), h_fmt(o, "%s/bien-nhan", desk_page(o, desk)), bad);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "từ 1 đến 90"));
    assert_true(h_has(r, "value=\"BN-R3-X\""));
    const char *one[] = {"han", "1", "so_bien_nhan", "BN-R3-0001", NULL};
    const char *path = print_code(o, desk, "bien-nhan", one, NULL);
    struct h_client *c = h_client_new(&srv);
    r = h_get(c, path);
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, h_vn_day(c, 1))); /* to the end of tomorrow */
    /* The slip's time has run out (as if a day and more had passed). */
    assert_int_equal(h_db_exec(&srv, h_fmt(c,
                                           "UPDATE rating_tokens SET expires_at = %lld WHERE "
                                           "reference = 'BN-R3-0001'",
                                           (long long)time(NULL) - 1)),
                     0);
    r = h_get(c, path);
    assert_int_equal(r->status, 410);
    assert_true(h_has(r, "Mã đánh giá đã hết hạn"));
    r = rate(c, path, "3", "");
    assert_int_equal(r->status, 410);
    assert_int_equal(
        h_db_count(&srv, h_fmt(c, "SELECT COUNT(*) FROM ratings WHERE desk_id = %lld", desk)), 0);
    assert_int_equal(h_db_count(&srv,
                                "SELECT COUNT(*) FROM rating_tokens WHERE reference = 'BN-R3-0001' "
                                "AND used_at IS NULL"),
                     1);
    h_client_free(c);
    h_client_free(o);
}

/* One visitor rates one poster once a day: the second rating is refused with a kind page, the
 * page itself says so; another visitor may still rate. */
static void one_rating_per_visitor_per_poster_per_day(void **state)
{
    (void)state;
    struct h_client *o = h_signed_in(&srv, "canbo");
    long long desk = new_desk(o, "R4 Quầy lao động", "R4 Lao động – xã hội");
    const char *path = print_code(o, desk, "ap-phich", NULL, NULL);
    struct h_client *c = h_client_new(&srv);
    struct h_response *r = rate(c, path, "2", "");
    assert_int_equal(r->status, 303);
    r = rate(c, path, "1", "R4 lần hai");
    assert_int_equal(r->status, 409);
    assert_true(h_has(r, "Bạn đã đánh giá hôm nay"));
    r = h_get(c, path);
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "Bạn đã đánh giá hôm nay"));
    assert_false(h_has(r, "name=\"muc\""));
    struct h_client *c2 = h_client_new(&srv);
    r = rate(c2, path, "3", "");
    assert_int_equal(r->status, 303);
    assert_int_equal(
        h_db_count(&srv, h_fmt(c, "SELECT COUNT(*) FROM ratings WHERE desk_id = %lld", desk)), 2);
    assert_int_equal(
        h_db_count(
            &srv,
            h_fmt(c, "SELECT COUNT(DISTINCT visitor) FROM ratings WHERE desk_id = %lld", desk)),
        2);
    h_client_free(c2);
    h_client_free(c);
    h_client_free(o);
}

/* Clearing the cookie gives a new visitor, but one network address is limited per poster: after
 * a burst of ratings it is told to wait (429) with its choice kept, while another address still
 * rates. */
static void poster_ratings_from_one_address_are_limited(void **state)
{
    (void)state;
    struct h_client *o = h_signed_in(&srv, "canbo");
    long long desk = new_desk(o, "R5 Quầy một cửa", "R5 Văn phòng");
    const char *path = print_code(o, desk, "ap-phich", NULL, NULL);
    struct h_client *c = h_client_new(&srv);
    int accepted = 0, limited = 0;
    struct h_response *r = NULL;
    for (int i = 0; i < 80 && !limited; i++) {
        h_cookie_put(c, "dc_anon", h_fmt(c, "%032x", 0x5a5a0000 + i));
        r = rate(c, path, "3", "R5 lần nữa");
        if (r->status == 303)
            accepted++;
        else
            limited = r->status == 429;
    }
    assert_true(limited);
    assert_true(accepted >= 5);
    assert_true(h_has(r, "quá nhiều lượt đánh giá"));
    assert_true(h_has(r, ">R5 lần nữa</textarea>"));
    assert_true(h_has(r, "value=\"3\" checked"));
    assert_int_equal(
        h_db_count(&srv, h_fmt(c, "SELECT COUNT(*) FROM ratings WHERE desk_id = %lld", desk)),
        accepted);
    struct h_client *other = h_client_new(&srv);
    r = rate(other, path, "3", "");
    assert_int_equal(r->status, 303);
    h_client_free(other);
    h_client_free(c);
    h_client_free(o);
}

/* The figures of the indices are those of the ratings made: per desk and section exactly (new
 * ones), per officer, month and the month's total by the difference; receipts and posters apart;
 * the page shows them and a bad month comes back named. */
static void index_figures_are_those_of_the_ratings_made(void **state)
{
    (void)state;
    struct h_client *o = h_signed_in(&srv, "canbo");
    long long canbo = account_id("canbo");
    long long desk = new_desk(o, "R6 Quầy kiểm tra chỉ số", "R6 Lĩnh vực kiểm tra");
    staff_with_canbo(o, desk);
    json_t *before = index_json(o);
    json_t *officer0 = index_row(before, "officers", canbo, NULL);
    json_t *months0 = json_object_get(before, "months");
    json_t *month0 = json_array_get(months0, json_array_size(months0) - 1);
    json_t *sum0 = json_object_get(before, "summary");
    long long o_n = ival(officer0, "n"), o_n3 = ival(officer0, "n3"),
              o_nr = ival(officer0, "n_receipt"), o_np = ival(officer0, "n_poster");
    long long m_n = ival(month0, "n"), m_n3 = ival(month0, "n3"), s_n = ival(sum0, "n"),
              s_np = ival(sum0, "n_poster");

    const char *cb = h_fmt(o, "%lld", canbo);
    const char *with_officer[] = {"can_bo", cb, NULL};
    const char *desk_poster = print_code(o, desk, "ap-phich", NULL, NULL);
    const char *officer_poster = print_code(o, desk, "ap-phich", with_officer, NULL);
    const char *receipt1 = print_code(o, desk, "bien-nhan", with_officer, NULL);
    const char *receipt2 = print_code(o, desk, "bien-nhan", with_officer, NULL);
    const char *receipt3 = print_code(o, desk, "bien-nhan", NULL, NULL);
    struct h_client *a = h_client_new(&srv), *b = h_client_new(&srv);
    assert_int_equal(rate(a, receipt1, "3", "")->status, 303);
    assert_int_equal(rate(a, receipt2, "3", "")->status, 303);
    assert_int_equal(rate(a, receipt3, "1", "R6 phải chờ gần hai giờ")->status, 303);
    assert_int_equal(rate(a, desk_poster, "2", "")->status, 303);
    assert_int_equal(rate(b, officer_poster, "3", "")->status, 303);

    json_t *after = index_json(o);
    json_t *d = index_row(after, "desks", desk, NULL);
    assert_non_null(d);
    assert_int_equal(ival(d, "n"), 5);
    assert_int_equal(ival(d, "n_receipt"), 3);
    assert_int_equal(ival(d, "n_poster"), 2);
    assert_int_equal(ival(d, "n3"), 3);
    assert_int_equal(ival(d, "n2"), 1);
    assert_int_equal(ival(d, "n1"), 1);
    assert_true(json_real_value(json_object_get(d, "index")) == 60.0);
    assert_true(json_real_value(json_object_get(d, "mean")) == 2.4);
    assert_string_equal(json_string_value(json_object_get(d, "index_text")), "60,0%");
    assert_string_equal(json_string_value(json_object_get(d, "index_receipt_text")), "66,7%");
    assert_string_equal(json_string_value(json_object_get(d, "index_poster_text")), "50,0%");
    assert_string_equal(json_string_value(json_object_get(d, "mean_text")), "2,40");
    json_t *s = index_row(after, "sections", 0, "R6 Lĩnh vực kiểm tra");
    assert_non_null(s);
    assert_int_equal(ival(s, "n"), 5);
    assert_int_equal(ival(s, "n3"), 3);
    /* The officer: both receipts naming them and their own poster. */
    json_t *officer1 = index_row(after, "officers", canbo, NULL);
    assert_non_null(officer1);
    assert_int_equal(ival(officer1, "n") - o_n, 3);
    assert_int_equal(ival(officer1, "n3") - o_n3, 3);
    assert_int_equal(ival(officer1, "n_receipt") - o_nr, 2);
    assert_int_equal(ival(officer1, "n_poster") - o_np, 1);
    json_t *months1 = json_object_get(after, "months");
    assert_int_equal(json_array_size(months1), 12);
    json_t *month1 = json_array_get(months1, 11);
    assert_int_equal(ival(month1, "n") - m_n, 5);
    assert_int_equal(ival(month1, "n3") - m_n3, 3);
    json_t *sum1 = json_object_get(after, "summary");
    assert_int_equal(ival(sum1, "n") - s_n, 5);
    assert_int_equal(ival(sum1, "n_poster") - s_np, 2);

    struct h_response *r = h_get(o, "/quan-ly/danh-gia/99001/chi-so");
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "R6 Quầy kiểm tra chỉ số"));
    assert_true(h_has(r, "60,0%"));
    assert_true(h_has(r, "R6 phải chờ gần hai giờ"));
    assert_true(h_has(r, "<svg"));
    /* The same tables in Excel: the desk's row with its counts. */
    r = h_get(o, "/quan-ly/danh-gia/99001/chi-so.xlsx");
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(h_header(r, "Content-Type"), "spreadsheetml"));
    char xlsx[700];
    assert_int_equal(h_write_file(&srv, "chi-so.xlsx", r->body, r->len, xlsx, sizeof xlsx), 0);
    assert_string_equal(xlsx_row(o, xlsx, "R6 Quầy kiểm tra chỉ số"), "5,3,2,3,1,1,60,66.7,50,2.4");
    r = h_get(o, "/quan-ly/danh-gia/99001/chi-so?thang=2026-13");
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Tháng phải có dạng"));
    /* A month without ratings of this desk. */
    json_t *old = h_json(h_get(o, "/quan-ly/danh-gia/99001/chi-so?thang=2001-01&format=json"));
    assert_null(index_row(old, "desks", desk, NULL));
    assert_int_equal(ival(json_object_get(old, "summary"), "n"), 0);
    h_client_free(a);
    h_client_free(b);
    h_client_free(o);
}

/* A closed desk's codes are refused (410) and none can be printed; opened again, they work. */
static void closed_desk_takes_no_ratings(void **state)
{
    (void)state;
    struct h_client *o = h_signed_in(&srv, "canbo");
    long long desk = new_desk(o, "R7 Quầy tạm nghỉ", "");
    const char *path = print_code(o, desk, "ap-phich", NULL, NULL);
    const char *close[] = {"hoat_dong", "0", NULL};
    struct h_response *r =
        post(o, desk_page(o, desk), h_fmt(o, "%s/trang-thai", desk_page(o, desk)), close);
    assert_int_equal(r->status, 303);
    struct h_client *c = h_client_new(&srv);
    r = h_get(c, path);
    assert_int_equal(r->status, 410);
    assert_true(h_has(r, "tạm ngừng nhận đánh giá"));
    assert_int_equal(rate(c, path, "3", "")->status, 410);
    r = post(o, desk_page(o, desk), h_fmt(o, "%s/ap-phich", desk_page(o, desk)), NULL);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Quầy đang ngừng nhận đánh giá"));
    const char *open[] = {"hoat_dong", "1", NULL};
    r = post(o, desk_page(o, desk), h_fmt(o, "%s/trang-thai", desk_page(o, desk)), open);
    assert_int_equal(r->status, 303);
    assert_int_equal(rate(c, path, "3", "")->status, 303);
    assert_int_equal(
        h_db_count(&srv, h_fmt(c,
                               "SELECT COUNT(*) FROM audit_log WHERE object = 'desk:%lld' "
                               "AND action IN ('rating.desk_close', 'rating.desk_open')",
                               desk)),
        2);
    h_client_free(c);
    h_client_free(o);
}

/* Bad input comes back with what was typed (422): a desk without a name, a second active desk
 * of one name, a comment over 500 characters (500 is fine), a chairperson as desk officer (only
 * officers serve at desks), an officer poster for someone not at the desk. */
static void bad_input_comes_back_with_what_was_typed(void **state)
{
    (void)state;
    struct h_client *o = h_signed_in(&srv, "canbo");
    const char *noname[] = {"ten", "", "bo_phan", "R8 Bộ phận giữ lại", NULL};
    struct h_response *r = post(o, "/quan-ly/danh-gia/99001", "/quan-ly/danh-gia/99001", noname);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Vui lòng ghi tên quầy"));
    assert_true(h_has(r, "value=\"R8 Bộ phận giữ lại\""));
    long long desk = new_desk(o, "R8 Quầy trùng tên", "");
    const char *dup[] = {"ten", "R8 Quầy trùng tên", "bo_phan", "", NULL};
    r = post(o, "/quan-ly/danh-gia/99001", "/quan-ly/danh-gia/99001", dup);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Đã có quầy đang nhận đánh giá tên"));
    assert_int_equal(
        h_db_count(&srv, "SELECT COUNT(*) FROM rating_desks WHERE name = 'R8 Quầy trùng tên'"), 1);
    const char *chair[] = {"can_bo", h_fmt(o, "%lld", account_id("chutich")), NULL};
    r = post(o, desk_page(o, desk), h_fmt(o, "%s/can-bo", desk_page(o, desk)), chair);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Chỉ chọn được cán bộ"));
    const char *absent[] = {"can_bo", h_fmt(o, "%lld", account_id("canbo")), NULL};
    r = post(o, desk_page(o, desk), h_fmt(o, "%s/ap-phich", desk_page(o, desk)), absent);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "không làm việc tại quầy này"));

    const char *path = print_code(o, desk, "ap-phich", NULL, NULL);
    char long_comment[1200];
    size_t len = 0;
    for (int i = 0; i < 501; i++) { /* 501 characters, every other one of two bytes */
        const char *ch = i % 2 ? "ư" : "a";
        memcpy(long_comment + len, ch, strlen(ch));
        len += strlen(ch);
    }
    long_comment[len] = '\0';
    struct h_client *c = h_client_new(&srv);
    r = rate(c, path, "2", long_comment);
    assert_int_equal(r->status, 422);
    assert_true(h_has(r, "Góp ý dài tối đa 500 ký tự (bạn đã viết 501)"));
    assert_true(h_has(r, "value=\"2\" checked"));
    assert_true(h_has(r, long_comment));
    long_comment[strlen(long_comment) - 1] = '\0'; /* the last "a": 500 characters */
    r = rate(c, path, "2", long_comment);
    assert_int_equal(r->status, 303);
    h_client_free(c);
    h_client_free(o);
}

/* Least privilege: a resident, another commune's officer and anyone signed out cannot manage
 * desks or see indices; the inspection board sees the indices but manages nothing. */
static void each_role_sees_what_it_may(void **state)
{
    (void)state;
    struct h_client *o = h_signed_in(&srv, "canbo");
    long long desk = new_desk(o, "R9 Quầy quyền", "");
    const char *desks = "/quan-ly/danh-gia/99001", *index = "/quan-ly/danh-gia/99001/chi-so";
    const char *page = desk_page(o, desk);

    struct h_client *anon = h_client_new(&srv);
    struct h_response *r = h_get(anon, desks);
    assert_int_equal(r->status, 303);
    assert_non_null(strstr(h_header(r, "Location"), "/dang-nhap"));
    assert_int_equal(h_get(anon, index)->status, 303);

    struct h_client *res = h_signed_in(&srv, "nguoidan");
    assert_int_equal(h_get(res, desks)->status, 403);
    assert_int_equal(h_get(res, index)->status, 403);
    assert_int_equal(h_get(res, page)->status, 403);
    const char *f[] = {"ten", "R9 Quầy của người dân", NULL};
    assert_int_equal(post(res, "/", desks, f)->status, 403);

    /* An officer of the rural commune 99002. */
    const char *add[] = {"users",
                         "add",
                         "--db",
                         srv.db_url,
                         "--unit",
                         "99002",
                         "--role",
                         "officer",
                         "--login",
                         "canbo99002",
                         "--name",
                         "Cán bộ xã hai",
                         "--password-stdin",
                         NULL};
    struct h_proc p;
    assert_int_equal(h_run(&srv, add, "danchu2026\n", &p), 0);
    h_proc_free(&p);
    struct h_client *other = h_signed_in(&srv, "canbo99002");
    assert_int_equal(h_get(other, desks)->status, 403);
    assert_int_equal(h_get(other, index)->status, 403);
    assert_int_equal(h_get(other, page)->status, 403);
    assert_int_equal(h_get(other, "/quan-ly/danh-gia/99002")->status, 200);
    /* The 99001 desk through 99002's address is no desk of 99002. */
    assert_int_equal(h_get(other, h_fmt(other, "/quan-ly/danh-gia/99002/quay/%lld", desk))->status,
                     404);
    assert_int_equal(post(other, "/quan-ly/danh-gia/99002",
                          h_fmt(other, "/quan-ly/danh-gia/99002/quay/%lld/ap-phich", desk), NULL)
                         ->status,
                     404);

    struct h_client *board = h_signed_in(&srv, "thanhtra");
    r = h_get(board, index);
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "Chỉ số hài lòng"));
    assert_false(h_has(r, "href=\"/quan-ly/danh-gia/99001\""));
    assert_int_equal(h_get(board, "/quan-ly/danh-gia/99001/chi-so.xlsx")->status, 200);
    assert_int_equal(h_get(res, "/quan-ly/danh-gia/99001/chi-so.xlsx")->status, 403);
    assert_int_equal(h_get(board, desks)->status, 403);
    assert_int_equal(h_get(board, page)->status, 403);
    assert_int_equal(post(board, index, desks, f)->status, 403);
    assert_int_equal(post(board, index, h_fmt(board, "%s/ap-phich", page), NULL)->status, 403);
    assert_int_equal(h_db_count(&srv,
                                "SELECT COUNT(*) FROM rating_desks WHERE name = 'R9 Quầy của người "
                                "dân'"),
                     0);
    assert_int_equal(
        h_db_count(&srv, h_fmt(o, "SELECT COUNT(*) FROM rating_tokens WHERE desk_id = %lld", desk)),
        0);
    h_client_free(board);
    h_client_free(other);
    h_client_free(res);
    h_client_free(anon);
    h_client_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(resident_rates_a_desk_from_its_printed_poster),
        cmocka_unit_test(receipt_rates_its_transaction_once_only),
        cmocka_unit_test(expired_receipt_is_refused),
        cmocka_unit_test(one_rating_per_visitor_per_poster_per_day),
        cmocka_unit_test(poster_ratings_from_one_address_are_limited),
        cmocka_unit_test(index_figures_are_those_of_the_ratings_made),
        cmocka_unit_test(closed_desk_takes_no_ratings),
        cmocka_unit_test(bad_input_comes_back_with_what_was_typed),
        cmocka_unit_test(each_role_sees_what_it_may),
    };
    return h_run_group(tests, &srv);
}

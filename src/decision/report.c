/*
 * report.c - the report of matters residents decided, for the HĐND's next regular session
 * (DOMAIN D12, Law Art 23(1)): every matter of the commune's villages counted in a period, with
 * its form, households taking part of all households, the approvals, whether it passed and its
 * recognition, then each commune-wide matter concluded in it (its villages' households, the
 * villages approving, the effective day) - as a page and as an A4 PDF table in the Decree 30
 * layout.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "decision/internal.h"
#include "export/export.h"

static const struct http_param_spec report_params[] = {
    {"don_vi", HP_TEXT, 0, 0, 32},
    {"tu", HP_DATE, 0, 0, 0},
    {"den", HP_DATE, 0, 0, 0},
};

/* The report's commune and period [from, to] (Vietnam days): this year so far by default. */
struct period {
    struct unit u;
    struct date from, to;
    int64_t t0, t1; /* unix times: 00:00 of from, 00:00 after to (Vietnam time) */
};

static int period_arg(struct http_request *r, struct period *p)
{
    const struct auth_user *au = r->user->ext;
    const char *code = http_param(r, "don_vi");
    int rc = code && code[0] ? units_get(r->db, code, &p->u)
             : au->unit_id   ? units_commune_of(r->db, au->unit_id, &p->u)
                             : ERR_NOT_FOUND;
    if (rc)
        return rc;
    if (!units_kind_is_commune(p->u.kind))
        return ERR_NOT_FOUND;
    if ((rc = http_authorize(r, "decision.view", p->u.code)) != 0)
        return rc;
    struct date today = date_vn_from_time(time(NULL));
    p->from = (struct date){today.y, 1, 1};
    p->to = today;
    const char *tu = http_param(r, "tu"), *den = http_param(r, "den");
    if (tu && tu[0])
        date_parse(tu, &p->from);
    if (den && den[0])
        date_parse(den, &p->to);
    p->t0 = date_to_days(p->from) * 86400 - 7 * 3600;
    p->t1 = (date_to_days(p->to) + 1) * 86400 - 7 * 3600;
    return 0;
}

/* One line of the report as strings, shared by the page and the PDF. */
struct line {
    const char *village, *matter, *forms, *households, *approve, *result, *recognition, *day;
};

static void line_of(struct arena *a, const struct rows *t, size_t i, struct line *l)
{
    const char *forms = dm_forms_text(a, (unsigned)rows_at(t, i, 4)->i);
    const char *rec = rows_text(rows_at(t, i, 11));
    char day[11];
    date_format_vn(date_vn_from_time((time_t)rows_at(t, i, 12)->i), day);
    int annulled = !strcmp(rows_text(rows_at(t, i, 13)), "annulled");
    *l = (struct line){
        rows_text(rows_at(t, i, 1)),
        arena_printf(a, "M%lld: %s", (long long)rows_at(t, i, 2)->i, rows_text(rows_at(t, i, 3))),
        forms,
        arena_printf(a, "%lld/%lld", (long long)rows_at(t, i, 6)->i,
                     (long long)rows_at(t, i, 5)->i),
        arena_printf(a, "%lld", (long long)rows_at(t, i, 7)->i),
        annulled               ? "Đã bị bãi bỏ"
        : rows_at(t, i, 10)->i ? "Thông qua"
                               : "Không thông qua",
        !strcmp(rec, "pending")      ? "Chờ công nhận"
        : !strcmp(rec, "recognised") ? "Đã công nhận"
        : !strcmp(rec, "refused")    ? "Từ chối công nhận"
                                     : "",
        arena_strdup(a, day),
    };
}

/* Line i of a table of dm_commune_period: the whole commune's matter. */
static void commune_line_of(struct arena *a, const struct rows *t, size_t i, const char *commune,
                            struct line *l)
{
    const char *forms = dm_forms_text(a, (unsigned)rows_at(t, i, 3)->i);
    char day[11];
    date_format_vn(date_vn_from_time((time_t)rows_at(t, i, 8)->i), day);
    int passed = rows_at(t, i, 6)->i != 0;
    *l = (struct line){
        arena_printf(a, "Toàn %s", commune),
        arena_printf(a, "M%lld: %s", (long long)rows_at(t, i, 1)->i, rows_text(rows_at(t, i, 2))),
        forms,
        arena_printf(a, "%lld/%lld", (long long)rows_at(t, i, 9)->i,
                     (long long)rows_at(t, i, 10)->i),
        arena_printf(a, "%lld/%lld thôn, tổ dân phố", (long long)rows_at(t, i, 5)->i,
                     (long long)rows_at(t, i, 4)->i),
        passed ? "Thông qua" : "Không thông qua",
        passed ? arena_printf(a, "Có hiệu lực từ %s", dm_vn_iso(a, rows_text(rows_at(t, i, 7))))
               : "",
        arena_strdup(a, day),
    };
}

static int page_report(struct http_request *r, struct http_response *res)
{
    struct period p;
    int rc = period_arg(r, &p);
    if (rc)
        return rc;
    struct rows *t, *ct;
    if ((rc = dm_store_period(r->db, r->a, p.u.id, p.t0, p.t1, &t)) != 0 ||
        (rc = dm_commune_period(r->db, r->a, p.u.id, p.t0, p.t1, &ct)) != 0)
        return rc;
    json_t *lines = json_array();
    int passed = 0;
    for (size_t i = 0; i < t->n_rows; i++) {
        struct line l;
        line_of(r->a, t, i, &l);
        passed += rows_at(t, i, 10)->i && strcmp(rows_text(rows_at(t, i, 13)), "annulled");
        json_array_append_new(
            lines, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "n", (json_int_t)(i + 1),
                             "village", l.village, "matter", l.matter, "forms", l.forms,
                             "households", l.households, "approve", l.approve, "result", l.result,
                             "recognition", l.recognition, "day", l.day));
    }
    for (size_t i = 0; i < ct->n_rows; i++) {
        struct line l;
        commune_line_of(r->a, ct, i, p.u.name, &l);
        passed += rows_at(ct, i, 6)->i != 0;
        json_array_append_new(lines,
                              json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "n",
                                        (json_int_t)(t->n_rows + i + 1), "village", l.village,
                                        "matter", l.matter, "forms", l.forms, "households",
                                        l.households, "approve", l.approve, "result", l.result,
                                        "recognition", l.recognition, "day", l.day));
    }
    char f[11], to[11];
    date_format_vn(p.from, f);
    date_format_vn(p.to, to);
    res->model = json_pack("{s:o,s:{s:s,s:s},s:s,s:s,s:I,s:i,s:b}", "lines", lines, "unit", "code",
                           p.u.code, "name", p.u.name, "from", f, "to", to, "total",
                           (json_int_t)(t->n_rows + ct->n_rows), "passed", passed, "has_lines",
                           t->n_rows + ct->n_rows > 0);
    res->template = "decision/report";
    res->title = arena_printf(r->a, "Báo cáo kết quả Nhân dân bàn và quyết định – %s", p.u.name);
    return 0;
}

static int to_buf(void *ctx, const unsigned char *data, size_t len)
{
    buf_append(ctx, data, len);
    return 0;
}

static int get_report_pdf(struct http_request *r, struct http_response *res)
{
    struct period p;
    struct unit province;
    int rc = period_arg(r, &p);
    if (rc)
        return rc;
    struct rows *t, *ct;
    if ((rc = dm_store_period(r->db, r->a, p.u.id, p.t0, p.t1, &t)) != 0 ||
        (rc = dm_commune_period(r->db, r->a, p.u.id, p.t0, p.t1, &ct)) != 0)
        return rc;
    static const struct export_col cols[] = {
        {"STT", 12, 1},       {"Thôn, tổ dân phố", 24, 0},      {"Nội dung", 38, 0},
        {"Hình thức", 24, 0}, {"Hộ tham gia / tổng số", 19, 1}, {"Tán thành", 20, 1},
        {"Kết quả", 28, 0},
    };
    char f[11], to[11];
    date_format_vn(p.from, f);
    date_format_vn(p.to, to);
    struct export_doc_head head = {
        "",
        arena_printf(r->a, "UBND %s", p.u.name),
        "",
        p.u.name,
        date_vn_from_time(time(NULL)),
        "BÁO CÁO",
        arena_printf(r->a, "Kết quả Nhân dân bàn và quyết định từ %s đến %s", f, to),
    };
    if (p.u.parent_id && units_get_id(r->db, p.u.parent_id, &province) == 0)
        head.parent_body = arena_printf(r->a, "UBND %s", province.name);
    buf_init(&res->body, r->a);
    struct export_pdf_table *pt;
    char err[256];
    if ((rc = export_pdf_table_begin(&head, cols, sizeof cols / sizeof cols[0], to_buf, &res->body,
                                     &pt, err, sizeof err)) != 0)
        return rc;
    int passed = 0;
    for (size_t i = 0; rc == 0 && i < t->n_rows; i++) {
        struct line l;
        line_of(r->a, t, i, &l);
        passed += rows_at(t, i, 10)->i && strcmp(rows_text(rows_at(t, i, 13)), "annulled");
        const char *result =
            l.recognition[0] ? arena_printf(r->a, "%s (%s)", l.result, l.recognition) : l.result;
        const char *cells[] = {arena_printf(r->a, "%zu", i + 1),
                               l.village,
                               arena_printf(r->a, "%s (%s)", l.matter, l.day),
                               l.forms,
                               l.households,
                               l.approve,
                               result};
        rc = export_pdf_table_row(pt, cells);
    }
    for (size_t i = 0; rc == 0 && i < ct->n_rows; i++) {
        struct line l;
        commune_line_of(r->a, ct, i, p.u.name, &l);
        passed += rows_at(ct, i, 6)->i != 0;
        const char *result = rows_at(ct, i, 6)->i
                                 ? arena_printf(r->a, "%s, hiệu lực từ %s", l.result,
                                                dm_vn_iso(r->a, rows_text(rows_at(ct, i, 7))))
                                 : l.result;
        const char *cells[] = {arena_printf(r->a, "%zu", t->n_rows + i + 1),
                               l.village,
                               arena_printf(r->a, "%s (%s)", l.matter, l.day),
                               l.forms,
                               l.households,
                               l.approve,
                               result};
        rc = export_pdf_table_row(pt, cells);
    }
    export_pdf_table_recipients(pt, "- Thường trực HĐND;\n- Ủy ban MTTQ Việt Nam;\n- Lưu: VT.");
    const char *footer = arena_printf(r->a,
                                      "Tổng số: %zu nội dung, %d được thông qua. Kết quả tính "
                                      "trên tổng số hộ gia đình của từng thôn, tổ dân phố (Điều "
                                      "21 Luật Thực hiện dân chủ ở cơ sở); nội dung trên phạm vi "
                                      "toàn xã được thông qua khi ít nhất 2/3 số thôn, tổ dân phố "
                                      "tán thành. Báo cáo Hội đồng nhân dân tại kỳ họp thường lệ "
                                      "gần nhất (Điều 23).",
                                      t->n_rows + ct->n_rows, passed);
    int rc2 =
        export_pdf_table_end(pt, footer, "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", "", err, sizeof err);
    if (rc || rc2)
        return rc ? rc : rc2;
    res->content_type = "application/pdf";
    res->filename = arena_printf(r->a, "bao-cao-ban-va-quyet-dinh-%s.pdf", p.u.code);
    return 0;
}

#define N(x) (sizeof(x) / sizeof((x)[0]))

const struct http_route dm_report_routes[] = {
    {"GET", "/quan-ly/bieu-quyet/bao-cao", page_report, NULL, NULL, NULL, HTTP_LOGIN, report_params,
     N(report_params), 0},
    {"GET", "/quan-ly/bieu-quyet/bao-cao.pdf", get_report_pdf, NULL, NULL, NULL,
     HTTP_LOGIN | HTTP_RAW, report_params, N(report_params), 0},
};
const size_t dm_report_n_routes = N(dm_report_routes);

/*
 * report.c - what the commune reports on its disclosure: the compliance dashboard (per
 * category, or per commune for a province; an SVG chart, the table, XLSX) and the report to the
 * HĐND at its next regular session (DOMAIN C7) as a page and an A4 PDF.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disclosure/internal.h"

#define N(x) (sizeof(x) / sizeof((x)[0]))

/* ---- the compliance dashboard ---- */

struct tally {
    int n[CL_N]; /* items per class */
};

static int tally_total(const struct tally *t)
{
    int total = 0;
    for (int c = 0; c < CL_N; c++)
        total += t->n[c];
    return total;
}

static json_t *tally_row(const char *label, const char *url, const struct tally *t)
{
    int total = 0;
    for (int c = 0; c < CL_N; c++)
        total += t->n[c];
    json_t *j = json_pack("{s:s,s:i,s:i,s:i,s:i,s:i}", "label", label, "ok", t->n[CL_OK], "late",
                          t->n[CL_LATE], "missing", t->n[CL_MISSING], "pending", t->n[CL_PENDING],
                          "total", total);
    if (url)
        json_object_set_new(j, "url", json_string(url));
    json_object_set_new(j, "rate",
                        json_integer(total ? (t->n[CL_OK] * 100 + total / 2) / total : 0));
    return j;
}

/* Tallies commune u's items per category into cats[1..14] and adds all to *sum. */
static int tally_commune(struct http_request *r, const struct unit *u, struct tally *cats,
                         struct tally *sum)
{
    struct dc_evaluated ev;
    int rc = dc_evaluate_commune(r, u, &ev);
    if (rc)
        return rc;
    for (size_t i = 0; i < ev.n; i++) {
        if (strcmp(ev.items[i].status, "draft") == 0 || ev.st[i].state == DC_WITHDRAWN)
            continue;
        enum dc_class c = dc_classify(&ev.st[i]);
        int cat = ev.items[i].category;
        if (cats && cat >= 1 && cat <= DC_N_CATEGORIES)
            cats[cat].n[c]++;
        sum->n[c]++;
    }
    return 0;
}

/* The dashboard model: rows per category (a commune) or per commune (a province). */
static int dashboard_model(struct http_request *r, struct unit *u, json_t **rows_out,
                           const char **row_kind)
{
    int rc = units_get(r->db, http_arg(r, "code"), u);
    if (rc)
        return rc;
    json_t *rows = json_array();
    if (dc_is_commune(u)) {
        struct tally cats[DC_N_CATEGORIES + 1], sum;
        memset(cats, 0, sizeof cats);
        memset(&sum, 0, sizeof sum);
        if ((rc = tally_commune(r, u, cats, &sum)) != 0) {
            json_decref(rows);
            return rc;
        }
        for (int c = 1; c <= DC_N_CATEGORIES; c++)
            json_array_append_new(
                rows, tally_row(arena_printf(r->a, "CK%02d %s", c, dc_category_label(c)), NULL,
                                &cats[c]));
        *row_kind = "Lĩnh vực";
    } else {
        json_t *communes;
        if ((rc = units_children_json(r->db, u->id, &communes)) != 0) {
            json_decref(rows);
            return rc;
        }
        size_t i;
        json_t *c;
        json_array_foreach(communes, i, c)
        {
            struct unit cu;
            if (units_get(r->db, json_string_value(json_object_get(c, "code")), &cu) != 0 ||
                !dc_is_commune(&cu))
                continue;
            struct tally sum;
            memset(&sum, 0, sizeof sum);
            if ((rc = tally_commune(r, &cu, NULL, &sum)) != 0)
                break;
            json_array_append_new(
                rows, tally_row(arena_strdup(r->a, cu.name),
                                arena_printf(r->a, "/quan-ly/tuan-thu/%s", cu.code), &sum));
        }
        json_decref(communes);
        if (rc) {
            json_decref(rows);
            return rc;
        }
        *row_kind = "Xã, phường";
    }
    *rows_out = rows;
    return 0;
}

/* GET /quan-ly/tuan-thu/{code} - disclosure.view on the unit (a commune or a province). Items on
 * time, late, missing posting evidence, pending: a bar chart (SVG) and the table. */
static int page_dashboard(struct http_request *r, struct http_response *res)
{
    struct unit u;
    json_t *rows;
    const char *kind;
    int rc = dashboard_model(r, &u, &rows, &kind);
    if (rc)
        return rc;
    size_t n = json_array_size(rows);
    const char **labels = arena_alloc(r->a, (n ? n : 1) * sizeof *labels);
    double *vals[CL_N];
    for (int c = 0; c < CL_N; c++)
        vals[c] = arena_zalloc(r->a, (n ? n : 1) * sizeof(double));
    static const char *const keys[CL_N] = {"ok", "late", "missing", "pending"};
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *row = json_array_get(rows, i);
        if (!json_integer_value(json_object_get(row, "total")) && dc_is_commune(&u))
            continue; /* empty categories would only stretch the chart */
        labels[k] = json_string_value(json_object_get(row, "label"));
        for (int c = 0; c < CL_N; c++)
            vals[c][k] = (double)json_integer_value(json_object_get(row, keys[c]));
        k++;
    }
    struct view_chart_series series[CL_N];
    for (int c = 0; c < CL_N; c++)
        series[c] = (struct view_chart_series){dc_class_labels[c], dc_class_colors[c], vals[c]};
    struct view_chart chart = {
        .title = arena_printf(r->a, "Tình hình công khai thông tin – %s", u.name),
        .desc = "Số thông tin đúng hạn, trễ hạn, thiếu minh chứng niêm yết và đang chờ.",
        .labels = labels,
        .n_labels = k,
        .series = series,
        .n_series = CL_N,
    };
    struct buf svg;
    buf_init(&svg, r->a);
    view_chart_svg(&chart, &svg);
    res->model = json_object();
    json_object_set_new(res->model, "unit", dc_unit_json(&u));
    json_object_set_new(res->model, "rows", rows);
    json_object_set_new(res->model, "row_kind", json_string(kind));
    json_object_set_new(res->model, "chart_svg", json_string(svg.ptr ? svg.ptr : ""));
    json_object_set_new(res->model, "xlsx_url",
                        json_string(arena_printf(r->a, "/quan-ly/tuan-thu/%s/bang.xlsx", u.code)));
    json_object_set_new(res->model, "is_commune", json_boolean(dc_is_commune(&u)));
    res->template = "disclosure/dashboard";
    res->title = arena_printf(r->a, "Tuân thủ công khai – %s", u.name);
    return 0;
}

/* GET /quan-ly/tuan-thu/{code}/bang.xlsx - disclosure.view. The dashboard's table in Excel. */
static int get_dashboard_xlsx(struct http_request *r, struct http_response *res)
{
    struct unit u;
    json_t *rows;
    const char *kind;
    int rc = dashboard_model(r, &u, &rows, &kind);
    if (rc)
        return rc;
    char path[] = "/tmp/danchu-xlsx-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        json_decref(rows);
        return ERR_IO;
    }
    close(fd);
    struct export_xlsx *x;
    char err[256] = "";
    if ((rc = export_xlsx_new(path, &x)) != 0)
        goto out;
    const char *headers[] = {
        kind,       "Tổng số",           "Đúng hạn", "Trễ hạn công bố", "Thiếu minh chứng",
        "Đang chờ", "Tỷ lệ đúng hạn (%)"};
    const double widths[] = {48, 10, 10, 16, 18, 10, 18};
    if ((rc = export_xlsx_sheet(x, "Tuân thủ công khai", headers, widths, 7)) != 0) {
        export_xlsx_close(x, err, sizeof err);
        goto out;
    }
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        struct export_cell cells[7] = {
            {json_string_value(json_object_get(row, "label")), 0},
            {NULL, (double)json_integer_value(json_object_get(row, "total"))},
            {NULL, (double)json_integer_value(json_object_get(row, "ok"))},
            {NULL, (double)json_integer_value(json_object_get(row, "late"))},
            {NULL, (double)json_integer_value(json_object_get(row, "missing"))},
            {NULL, (double)json_integer_value(json_object_get(row, "pending"))},
            {NULL, (double)json_integer_value(json_object_get(row, "rate"))},
        };
        if ((rc = export_xlsx_row(x, cells, 7)) != 0)
            break;
    }
    int rc2 = export_xlsx_close(x, err, sizeof err);
    if (!rc)
        rc = rc2;
    if (rc)
        goto out;
    FILE *f = fopen(path, "rb");
    if (!f) {
        rc = ERR_IO;
        goto out;
    }
    buf_init(&res->body, r->a);
    char chunk[16384];
    size_t nread;
    while ((nread = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&res->body, chunk, nread);
    fclose(f);
    res->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    res->filename = arena_printf(r->a, "tuan-thu-cong-khai-%s.xlsx", u.code);
out:
    if (rc && err[0])
        log_error("dashboard xlsx: %s", err);
    unlink(path);
    json_decref(rows);
    return rc;
}

/* ---- the report to the HĐND (C7) ---- */

static const struct http_param_spec report_params[] = {
    {"tu_ngay", HP_TEXT, 0, 0, 10},
    {"den_ngay", HP_TEXT, 0, 0, 10},
    {"kien_nghi", HP_LINES, 0, 0, 4000},
};

/* What the report counts over its period. */
struct report {
    struct date from, to;                   /* the period, both days included */
    struct tally cats[DC_N_CATEGORIES + 1]; /* published items per category and class */
    struct tally sum;                       /* all of them */
    int n_categories;                       /* categories with at least one item */
    int corrected;                          /* items corrected (đính chính) */
    int withdrawn;                          /* items withdrawn (thu hồi) */
    const char *kien_nghi;                  /* the official's proposals, or "" */
    int has_info;                           /* requests for information were counted: */
    struct feedback_counts info;            /* those received in the period (C6) */
};

/* "xã", "phường" or "đặc khu": how the law's texts name the commune. */
static const char *commune_word(const struct unit *u)
{
    if (strcmp(u->kind, "ward") == 0)
        return "phường";
    if (strcmp(u->kind, "special_zone") == 0)
        return "đặc khu";
    return "xã";
}

/*
 * The period from tu_ngay and den_ngay (dd/mm/yyyy), or the half-year that holds today: the
 * HĐND meets in regular session twice a year, so the report covers the months since the last.
 * ERR_INVALID with the form's errors set when a date is malformed or the period runs backwards.
 */
static int report_period(struct http_request *r, struct http_response *res, struct report *rep)
{
    struct date today = dc_vn_date(dc_now());
    rep->from = (struct date){today.y, today.m <= 6 ? 1 : 7, 1};
    rep->to = (struct date){today.y, today.m <= 6 ? 6 : 12, today.m <= 6 ? 30 : 31};
    const char *f = http_param(r, "tu_ngay"), *t = http_param(r, "den_ngay");
    int bad = 0;
    if (f && f[0] && date_parse(f, &rep->from) != 0) {
        http_form_error(res, "tu_ngay", "Ngày bắt đầu phải có dạng dd/mm/yyyy, ví dụ 01/01/2026.");
        bad = 1;
    }
    if (t && t[0] && date_parse(t, &rep->to) != 0) {
        http_form_error(res, "den_ngay",
                        "Ngày kết thúc phải có dạng dd/mm/yyyy, ví dụ 30/06/2026.");
        bad = 1;
    }
    if (!bad && date_cmp(rep->from, rep->to) > 0) {
        http_form_error(res, "den_ngay", "Ngày kết thúc phải sau ngày bắt đầu.");
        bad = 1;
    }
    const char *k = http_param(r, "kien_nghi");
    rep->kien_nghi = k ? k : "";
    return bad ? ERR_INVALID : 0;
}

/* Items decided in the period (their disclosure was owed then), drafts aside. */
static int report_tally(struct http_request *r, const struct unit *u, struct report *rep)
{
    struct dc_evaluated ev;
    int rc = dc_evaluate_commune(r, u, &ev);
    if (rc)
        return rc;
    for (size_t i = 0; i < ev.n; i++) {
        const struct dc_item *it = &ev.items[i];
        if (strcmp(it->status, "draft") == 0 || date_cmp(it->decision, rep->from) < 0 ||
            date_cmp(it->decision, rep->to) > 0)
            continue;
        if (it->version > 1)
            rep->corrected++;
        if (ev.st[i].state == DC_WITHDRAWN) {
            rep->withdrawn++;
            continue;
        }
        enum dc_class c = dc_classify(&ev.st[i]);
        if (it->category >= 1 && it->category <= DC_N_CATEGORIES) {
            if (!tally_total(&rep->cats[it->category]))
                rep->n_categories++;
            rep->cats[it->category].n[c]++;
        }
        rep->sum.n[c]++;
    }
    /* Information given on request (C6, Art 14(2)) belongs to the same report. */
    const struct disclosure_env *env = dc_env(r);
    if (env->fb) {
        if ((rc = feedback_counts(r->db, env->fb, u->id, FB_INFO_REQUEST, rep->from, rep->to,
                                  &rep->info)) != 0)
            return rc;
        rep->has_info = 1;
    }
    return 0;
}

/* The report's prose, paragraph by paragraph (the page shows them; the PDF prints them). */
static json_t *report_text(struct http_request *r, const struct unit *u, const struct report *rep)
{
    char from[11], to[11];
    date_format_vn(rep->from, from);
    date_format_vn(rep->to, to);
    const char *cw = commune_word(u);
    json_t *p = json_array();
    int total = tally_total(&rep->sum);
    json_array_append_new(
        p, json_string(arena_printf(
               r->a,
               "Trong kỳ báo cáo (từ ngày %s đến ngày %s), Ủy ban nhân dân %s đã công khai %d "
               "thông tin thuộc %d lĩnh vực phải công khai theo Điều 11 Luật Thực hiện dân chủ ở "
               "cơ sở, bằng các hình thức theo Điều 12 và Điều 13 của Luật.",
               from, to, u->name, total, rep->n_categories)));
    json_array_append_new(
        p, json_string(arena_printf(
               r->a,
               "Trong đó: %d thông tin được công khai đúng thời hạn và đủ hình thức; %d thông tin "
               "công bố chậm so với thời hạn 05 ngày làm việc kể từ ngày ban hành; %d thông tin "
               "còn thiếu minh chứng niêm yết, phát thanh hoặc thông báo đến các hộ; %d thông tin "
               "đang trong thời gian niêm yết hoặc chưa đến hạn công khai.",
               rep->sum.n[CL_OK], rep->sum.n[CL_LATE], rep->sum.n[CL_MISSING],
               rep->sum.n[CL_PENDING])));
    json_array_append_new(
        p, json_string(arena_printf(
               r->a,
               "Có %d thông tin được đính chính và %d thông tin bị thu hồi; việc đính chính, thu "
               "hồi đều được công khai theo khoản 1 Điều 14 của Luật. Danh mục thông tin đã công "
               "khai được lập theo từng quý và niêm yết tại trụ sở Ủy ban nhân dân %s và nhà văn "
               "hóa các thôn, tổ dân phố theo khoản 2 Điều 13.",
               rep->corrected, rep->withdrawn, cw)));
    if (rep->has_info)
        json_array_append_new(
            p, json_string(arena_printf(
                   r->a,
                   "Ủy ban nhân dân %s đã tiếp nhận %d yêu cầu cung cấp thông tin theo khoản 2 "
                   "Điều 14 của Luật và Luật Tiếp cận thông tin; đã giải quyết đúng thời hạn %d "
                   "yêu cầu, quá thời hạn %d yêu cầu; %d yêu cầu đang trong thời hạn giải quyết và "
                   "%d yêu cầu đã quá thời hạn nhưng chưa được giải quyết.",
                   u->name, rep->info.received, rep->info.on_time, rep->info.late, rep->info.open,
                   rep->info.overdue)));
    if (rep->kien_nghi[0])
        json_array_append_new(
            p, json_string(arena_printf(r->a, "Đề xuất, kiến nghị: %s", rep->kien_nghi)));
    return p;
}

/* The query string that reproduces the report (for its PDF link). */
static const char *report_query(struct http_request *r, const struct report *rep)
{
    char from[11], to[11];
    date_format_vn(rep->from, from);
    date_format_vn(rep->to, to);
    struct buf b;
    buf_init(&b, r->a);
    buf_printf(&b, "tu_ngay=%s&den_ngay=%s", from, to);
    if (rep->kien_nghi[0]) {
        buf_puts(&b, "&kien_nghi=");
        http_url_encode(&b, rep->kien_nghi);
    }
    return b.ptr;
}

/* GET /quan-ly/bao-cao-cong-khai/{code}?tu_ngay=&den_ngay=&kien_nghi= - disclosure.view on the
 * commune. The report on disclosure to the HĐND at its next regular session, copied to the
 * MTTQ (C7): the period's items per category and class, the prose, and its PDF. */
static int page_report(struct http_request *r, struct http_response *res)
{
    struct unit u;
    int rc = dc_commune_arg(r, "code", &u);
    if (rc)
        return rc;
    struct report rep;
    memset(&rep, 0, sizeof rep);
    res->model = json_object();
    json_object_set_new(res->model, "unit", dc_unit_json(&u));
    res->template = "disclosure/report";
    res->title = arena_printf(r->a, "Báo cáo công khai thông tin – %s", u.name);
    char from[11], to[11];
    if (report_period(r, res, &rep) != 0) {
        json_t *f = json_object();
        const char *names[] = {"tu_ngay", "den_ngay", "kien_nghi"};
        for (size_t i = 0; i < 3; i++) {
            const char *v = http_param(r, names[i]);
            json_object_set_new(f, names[i], json_string(v ? v : ""));
        }
        json_object_set_new(res->model, "form", f);
        return 0; /* 422 with what was typed */
    }
    if ((rc = report_tally(r, &u, &rep)) != 0)
        return rc;
    date_format_vn(rep.from, from);
    date_format_vn(rep.to, to);
    json_object_set_new(
        res->model, "form",
        json_pack("{s:s,s:s,s:s}", "tu_ngay", from, "den_ngay", to, "kien_nghi", rep.kien_nghi));
    json_t *rows = json_array();
    for (int c = 1; c <= DC_N_CATEGORIES; c++)
        json_array_append_new(rows,
                              tally_row(arena_printf(r->a, "CK%02d %s", c, dc_category_label(c)),
                                        NULL, &rep.cats[c]));
    json_object_set_new(res->model, "rows", rows);
    json_object_set_new(res->model, "sum", tally_row("Tổng cộng", NULL, &rep.sum));
    json_object_set_new(res->model, "corrected", json_integer(rep.corrected));
    json_object_set_new(res->model, "withdrawn", json_integer(rep.withdrawn));
    json_object_set_new(res->model, "paragraphs", report_text(r, &u, &rep));
    if (rep.has_info)
        json_object_set_new(res->model, "info",
                            json_pack("{s:i,s:i,s:i,s:i,s:i}", "received", rep.info.received,
                                      "on_time", rep.info.on_time, "late", rep.info.late, "open",
                                      rep.info.open, "overdue", rep.info.overdue));
    json_object_set_new(res->model, "report", json_pack("{s:s,s:s}", "from", from, "to", to));
    json_object_set_new(
        res->model, "pdf_url",
        json_string(arena_printf(r->a, "/quan-ly/bao-cao-cong-khai/%s/ban-in.pdf?%s", u.code,
                                 report_query(r, &rep))));
    json_object_set_new(res->model, "dashboard_url",
                        json_string(arena_printf(r->a, "/quan-ly/tuan-thu/%s", u.code)));
    return 0;
}

static int pdf_to_body(void *ctx, const unsigned char *data, size_t len)
{
    buf_append(ctx, data, len);
    return 0;
}

/* GET /quan-ly/bao-cao-cong-khai/{code}/ban-in.pdf?tu_ngay=&den_ngay=&kien_nghi= -
 * disclosure.view. The same report as an A4 document in the Decree 30 layout (BÁO CÁO), to
 * the HĐND's standing body, copied to the MTTQ. */
static int get_report_pdf(struct http_request *r, struct http_response *res)
{
    struct unit u, province;
    int rc = dc_commune_arg(r, "code", &u);
    if (rc)
        return rc;
    struct report rep;
    memset(&rep, 0, sizeof rep);
    if (report_period(r, res, &rep) != 0)
        return ERR_INVALID;
    if ((rc = report_tally(r, &u, &rep)) != 0)
        return rc;
    char from[11], to[11];
    date_format_vn(rep.from, from);
    date_format_vn(rep.to, to);
    const char *cw = commune_word(&u);
    struct export_doc_head head = {0};
    head.parent_body = "";
    if (u.parent_id && units_get_id(r->db, u.parent_id, &province) == 0)
        head.parent_body = arena_printf(r->a, "UBND %s", province.name);
    head.issuer = arena_printf(r->a, "UBND %s", u.name);
    head.number = "/BC-UBND";
    head.place = u.name;
    head.date = dc_vn_date(dc_now());
    head.doc_type = "BÁO CÁO";
    head.summary = arena_printf(
        r->a, "Kết quả thực hiện công khai thông tin từ ngày %s đến ngày %s", from, to);
    static const struct export_col cols[] = {
        {"STT", 13, 1},
        {"Lĩnh vực", 60, 0},
        {"Số thông tin", 18, 1},
        {"Đúng hạn", 18, 1},
        {"Công bố chậm", 18, 1},
        {"Thiếu minh chứng", 20, 1},
        {"Đang thực hiện", 18, 1},
    };
    struct export_pdf_table *t;
    char err[256];
    buf_init(&res->body, r->a);
    if ((rc = export_pdf_table_begin(&head, cols, N(cols), pdf_to_body, &res->body, &t, err,
                                     sizeof err)) != 0) {
        log_error("report pdf: %s", err);
        return rc;
    }
    int k = 0;
    for (int c = 1; c <= DC_N_CATEGORIES && rc == 0; c++) {
        const struct tally *ct = &rep.cats[c];
        if (!tally_total(ct))
            continue;
        const char *cells[7] = {
            arena_printf(r->a, "%d", ++k),
            arena_printf(r->a, "%s (CK%02d)", dc_category_label(c), c),
            arena_printf(r->a, "%d", tally_total(ct)),
            arena_printf(r->a, "%d", ct->n[CL_OK]),
            arena_printf(r->a, "%d", ct->n[CL_LATE]),
            arena_printf(r->a, "%d", ct->n[CL_MISSING]),
            arena_printf(r->a, "%d", ct->n[CL_PENDING]),
        };
        rc = export_pdf_table_row(t, cells);
    }
    const char *sum_cells[7] = {
        "",
        "Tổng cộng",
        arena_printf(r->a, "%d", tally_total(&rep.sum)),
        arena_printf(r->a, "%d", rep.sum.n[CL_OK]),
        arena_printf(r->a, "%d", rep.sum.n[CL_LATE]),
        arena_printf(r->a, "%d", rep.sum.n[CL_MISSING]),
        arena_printf(r->a, "%d", rep.sum.n[CL_PENDING]),
    };
    if (rc == 0)
        rc = export_pdf_table_row(t, sum_cells);
    struct buf prose;
    buf_init(&prose, r->a);
    json_t *paras = report_text(r, &u, &rep);
    size_t i;
    json_t *para;
    json_array_foreach(paras, i, para)
    {
        if (prose.len)
            buf_puts(&prose, "\n\n");
        buf_puts(&prose, json_string_value(para));
    }
    json_decref(paras);
    export_pdf_table_recipients(
        t, arena_printf(r->a,
                        "- Thường trực HĐND %s;\n- Ban Thường trực Ủy ban MTTQ Việt Nam %s;\n"
                        "- Lưu: VT.",
                        cw, cw));
    int rc2 =
        export_pdf_table_end(t, prose.ptr, "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", "", err, sizeof err);
    if (rc || rc2) {
        log_error("report pdf: %s", err);
        return rc ? rc : rc2;
    }
    res->content_type = "application/pdf";
    res->filename = arena_printf(r->a, "bao-cao-cong-khai-%s.pdf", u.code);
    return 0;
}

const struct http_route dc_report_routes[] = {
    {"GET", "/quan-ly/tuan-thu/{code}", page_dashboard, NULL, "disclosure.view", "code", 0, NULL, 0,
     0},
    {"GET", "/quan-ly/tuan-thu/{code}/bang.xlsx", get_dashboard_xlsx, NULL, "disclosure.view",
     "code", HTTP_RAW, NULL, 0, 0},
    {"GET", "/quan-ly/bao-cao-cong-khai/{code}", page_report, NULL, "disclosure.view", "code", 0,
     report_params, N(report_params), 0},
    {"GET", "/quan-ly/bao-cao-cong-khai/{code}/ban-in.pdf", get_report_pdf, NULL, "disclosure.view",
     "code", HTTP_RAW, report_params, N(report_params), 0},
};
const size_t dc_report_n_routes = N(dc_report_routes);

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

/* ---- the compliance dashboard ---- */

struct tally {
    int n[CL_N]; /* items per class */
};

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

#define N(x) (sizeof(x) / sizeof((x)[0]))

const struct http_route dc_report_routes[] = {
    {"GET", "/quan-ly/tuan-thu/{code}", page_dashboard, NULL, "disclosure.view", "code", 0, NULL, 0,
     0},
    {"GET", "/quan-ly/tuan-thu/{code}/bang.xlsx", get_dashboard_xlsx, NULL, "disclosure.view",
     "code", HTTP_RAW, NULL, 0, 0},
};
const size_t dc_report_n_routes = N(dc_report_routes);

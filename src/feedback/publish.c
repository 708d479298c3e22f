/*
 * publish.c - what the public sees of residents' cases as a whole (issue 4): answered phản ánh
 * and kiến nghị published as questions and answers, worded by the official without the
 * sender's personal details; and statistics of the cases a commune received in the last twelve
 * months and how many were answered on time, by month, field and section, as a chart and
 * tables. Both pages are anonymous and cached; they never show who sent anything.
 */
#include <stdio.h>
#include <string.h>

#include "feedback/internal.h"
#include "view/view.h"

#define QA_PER_PAGE 20
#define STAT_MONTHS 12

static const struct http_param_spec qa_list_params[] = {
    {"trang", HP_INT, 0, 1, 100000},
};

/* GET /hoi-dap/{code}?trang= - public, cached. The commune's published questions and answers,
 * newest first. */
static int page_qa(struct http_request *r, struct http_response *res)
{
    struct feedback_env *env = fb_env(r);
    struct unit u;
    int rc = units_get_commune(r->db, http_arg(r, "code"), &u);
    if (rc)
        return rc;
    int page = (int)http_param_int(r, "trang", 1);
    struct rows *rows;
    int64_t total;
    if ((rc = fb_store_qa_page(r->db, r->a, u.id, page, QA_PER_PAGE, &rows, &total)) != 0)
        return rc;
    int ck = rows_col(rows, "kind", 4), cf = rows_col(rows, "field", 5),
        cd = rows_col(rows, "answered_on", 11);
    size_t kl = rows_add_col(rows, "kind_label"), fl = rows_add_col(rows, "field_label"),
           dv = rows_add_col(rows, "answered");
    for (size_t i = 0; ck >= 0 && i < rows->n_rows; i++) {
        rows_set_text(rows_at(rows, i, kl),
                      fb_kind_label((enum fb_kind)rows_at(rows, i, (size_t)ck)->i));
        const char *f = rows_text(rows_at(rows, i, (size_t)cf));
        if (f && f[0])
            rows_set_text(rows_at(rows, i, fl), fb_field_label(env, f));
        else
            rows_set_bool(rows_at(rows, i, fl), 0);
        struct date d;
        const char *iso = rows_text(rows_at(rows, i, (size_t)cd));
        if (iso && date_parse(iso, &d) == 0) {
            char *v = arena_alloc(r->a, 11);
            date_format_vn(d, v);
            rows_set_text(rows_at(rows, i, dv), v);
        } else {
            rows_set_bool(rows_at(rows, i, dv), 0);
        }
    }
    res->model = json_object();
    http_model_rows(res, "items", rows);
    json_object_set_new(res->model, "unit", json_pack("{s:s,s:s}", "code", u.code, "name", u.name));
    json_object_set_new(res->model, "total", json_integer(total));
    int pages = (int)((total + QA_PER_PAGE - 1) / QA_PER_PAGE);
    json_object_set_new(res->model, "page", json_integer(page));
    json_object_set_new(res->model, "pages", json_integer(pages ? pages : 1));
    if (page > 1)
        json_object_set_new(res->model, "prev_page", json_integer(page - 1));
    if (page < pages)
        json_object_set_new(res->model, "next_page", json_integer(page + 1));
    res->template = "feedback/qa";
    res->title = arena_printf(r->a, "Hỏi đáp – %s", u.name);
    return 0;
}

/* One line of the statistics: cases received and how they stand. */
struct stat_row {
    const char *label;    /* month, field or section */
    int n[FB_N_OUTCOMES]; /* per outcome */
    int received;         /* all */
};

static json_t *stat_json(struct arena *a, const struct stat_row *s)
{
    int answered = s->n[FB_OUT_ON_TIME] + s->n[FB_OUT_LATE];
    return json_pack("{s:s,s:i,s:i,s:i,s:i,s:i,s:s}", "label", s->label, "received", s->received,
                     "on_time", s->n[FB_OUT_ON_TIME], "late", s->n[FB_OUT_LATE], "overdue",
                     s->n[FB_OUT_OVERDUE], "open", s->n[FB_OUT_OPEN], "on_time_share",
                     answered ? arena_printf(a, "%d%%", 100 * s->n[FB_OUT_ON_TIME] / answered)
                              : "–");
}

/* The row of label in v[0..*n) (added when missing, at most max). */
static struct stat_row *row_of(struct stat_row *v, size_t *n, size_t max, const char *label)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(v[i].label, label) == 0)
            return &v[i];
    if (*n == max)
        return NULL;
    memset(&v[*n], 0, sizeof v[*n]);
    v[*n].label = label;
    return &v[(*n)++];
}

static void count(struct stat_row *s, enum fb_outcome o)
{
    if (!s)
        return;
    s->received++;
    s->n[o]++;
}

/* The month chart: received per month, stacked by outcome. */
static const char *month_chart(struct http_request *r, const struct unit *u,
                               const struct stat_row *months, size_t n)
{
    static const struct {
        enum fb_outcome o;
        const char *name, *color;
    } parts[] = {
        {FB_OUT_ON_TIME, "Trả lời đúng hạn", "#2e7d32"},
        {FB_OUT_LATE, "Trả lời trễ hạn", "#b35c00"},
        {FB_OUT_OVERDUE, "Quá hạn chưa trả lời", "#b00020"},
        {FB_OUT_OPEN, "Đang trong hạn", "#1565c0"},
    };
    const char **labels = arena_alloc(r->a, n * sizeof *labels);
    struct view_chart_series series[4];
    for (size_t p = 0; p < 4; p++) {
        double *v = arena_zalloc(r->a, n * sizeof *v);
        for (size_t i = 0; i < n; i++)
            v[i] = months[i].n[parts[p].o];
        series[p] = (struct view_chart_series){parts[p].name, parts[p].color, v};
    }
    for (size_t i = 0; i < n; i++)
        labels[i] = months[i].label;
    struct view_chart chart = {
        .title = arena_printf(r->a, "Ý kiến, yêu cầu tiếp nhận theo tháng – %s", u->name),
        .desc = "Số hồ sơ tiếp nhận mỗi tháng: trả lời đúng hạn, trễ hạn, quá hạn chưa trả lời, "
                "đang trong hạn.",
        .labels = labels,
        .n_labels = n,
        .series = series,
        .n_series = 4,
    };
    struct buf svg;
    buf_init(&svg, r->a);
    view_chart_svg(&chart, &svg);
    return svg.ptr ? svg.ptr : "";
}

/* GET /thong-ke-y-kien/{code} - public, cached. Cases received over the last twelve months and
 * how they were answered: by month (a chart), by field and by section. */
static int page_stats(struct http_request *r, struct http_response *res)
{
    struct feedback_env *env = fb_env(r);
    struct unit u;
    int rc = units_get_commune(r->db, http_arg(r, "code"), &u);
    if (rc)
        return rc;
    struct date today = fb_today();
    struct date first = {today.y, today.m, 1};
    for (int i = 1; i < STAT_MONTHS; i++)
        first = first.m == 1 ? (struct date){first.y - 1, 12, 1}
                             : (struct date){first.y, first.m - 1, 1};
    char from[11];
    date_format_iso(first, from);
    struct fb_case *cases;
    size_t n;
    if ((rc = fb_store_received_since(r->db, r->a, u.id, from, &cases, &n)) != 0)
        return rc;
    struct stat_row months[STAT_MONTHS], fields[64], sections[64], sum;
    size_t n_fields = 0, n_sections = 0;
    memset(&sum, 0, sizeof sum);
    sum.label = "Tổng cộng";
    struct date m = first;
    for (int i = 0; i < STAT_MONTHS; i++) {
        memset(&months[i], 0, sizeof months[i]);
        months[i].label = arena_printf(r->a, "%02d/%04d", m.m, m.y);
        m = m.m == 12 ? (struct date){m.y + 1, 1, 1} : (struct date){m.y, m.m + 1, 1};
    }
    for (size_t i = 0; i < n; i++) {
        const struct fb_case *c = &cases[i];
        struct fb_status st;
        if (fb_case_status(env, c, today, &st) != 0)
            continue;
        enum fb_outcome o = fb_outcome_of(&st);
        int mi = (c->received_on.y - first.y) * 12 + c->received_on.m - first.m;
        if (mi >= 0 && mi < STAT_MONTHS)
            count(&months[mi], o);
        count(row_of(fields, &n_fields, 64,
                     c->field[0] ? fb_field_label(env, c->field) : "Chưa phân loại"),
              o);
        count(row_of(sections, &n_sections, 64, c->section[0] ? c->section : "Chưa giao"), o);
        count(&sum, o);
    }
    res->model = json_object();
    json_t *jm = json_array(), *jf = json_array(), *js = json_array();
    for (size_t i = 0; i < STAT_MONTHS; i++)
        json_array_append_new(jm, stat_json(r->a, &months[i]));
    for (size_t i = 0; i < n_fields; i++)
        json_array_append_new(jf, stat_json(r->a, &fields[i]));
    for (size_t i = 0; i < n_sections; i++)
        json_array_append_new(js, stat_json(r->a, &sections[i]));
    json_object_set_new(res->model, "months", jm);
    json_object_set_new(res->model, "fields", jf);
    json_object_set_new(res->model, "sections", js);
    json_object_set_new(res->model, "sum", stat_json(r->a, &sum));
    json_object_set_new(res->model, "chart_svg",
                        json_string(month_chart(r, &u, months, STAT_MONTHS)));
    char f[11], t[11];
    date_format_vn(first, f);
    date_format_vn(today, t);
    json_object_set_new(res->model, "period", json_pack("{s:s,s:s}", "from", f, "to", t));
    json_object_set_new(res->model, "unit", json_pack("{s:s,s:s}", "code", u.code, "name", u.name));
    res->template = "feedback/stats";
    res->title = arena_printf(r->a, "Thống kê ý kiến, yêu cầu – %s", u.name);
    return 0;
}

/* ---- the official's side: publish or withdraw a case as a question and answer ---- */

static const struct http_param_spec qa_params[] = {
    {"cau_hoi", HP_LINES, 0, 0, 10000},
    {"tra_loi", HP_LINES, 0, 0, 20000},
    {"rut", HP_TEXT, 0, 0, 2},
};

/* State of a publication. */
struct qa_job {
    int64_t actor;     /* the official */
    struct fb_case c;  /* the case as read */
    const char *q, *a; /* the texts as the public will read them */
    int publish;       /* 1 publish, 0 withdraw */
};

static int run_qa(struct db *db, void *arg)
{
    struct qa_job *j = arg;
    return fb_store_qa_set(db, j->actor, &j->c, j->q, j->a, j->publish);
}

static int after_qa(struct http_request *r, struct http_response *res, int rc)
{
    struct qa_job *j = r->state;
    if (rc)
        return rc;
    res->redirect = arena_printf(r->a, "/quan-ly/y-kien/ho-so/%lld", (long long)j->c.id);
    res->flash = j->publish ? "Đã đăng lên mục Hỏi đáp." : "Đã gỡ khỏi mục Hỏi đáp.";
    return 0;
}

/* Why the texts may not be published: a personal detail of the sender left in them. */
static const char *personal_left(const struct fb_case *c, const char *q, const char *a)
{
    const char *const details[] = {c->name, c->phone, c->email, c->address};
    for (size_t i = 0; i < 4; i++) {
        const char *d = details[i];
        if (d && strlen(d) >= 4 && (strstr(q, d) || strstr(a, d)))
            return "Nội dung đăng còn họ tên, số điện thoại, thư điện tử hoặc địa chỉ của người "
                   "gửi: vui lòng xóa trước khi đăng.";
    }
    return NULL;
}

/* POST /quan-ly/y-kien/ho-so/{id}/hoi-dap - feedback.manage on the case's commune. cau_hoi,
 * tra_loi: the question and answer as the public will read them; rut=1 withdraws. Only an
 * answered phản ánh or kiến nghị may be published. */
static int post_qa(struct http_request *r, struct http_response *res)
{
    int64_t id;
    if (parse_int64(str_c(http_arg(r, "id")), 1, INT64_MAX, &id) != 0)
        return ERR_NOT_FOUND;
    struct qa_job *j = arena_zalloc(r->a, sizeof *j);
    int rc = fb_store_get(r->db, r->a, id, &j->c);
    if (rc)
        return rc;
    struct unit u;
    if ((rc = units_get_id(r->db, j->c.unit_id, &u)) != 0 ||
        (rc = http_authorize(r, "feedback.manage", u.code)) != 0)
        return rc;
    r->state = j;
    j->actor = r->user->id;
    const char *rut = http_param(r, "rut");
    j->publish = !(rut && rut[0]);
    const char *q = http_param(r, "cau_hoi"), *a = http_param(r, "tra_loi");
    j->q = str_dup(r->a, str_trim(str_c(q ? q : "")));
    j->a = str_dup(r->a, str_trim(str_c(a ? a : "")));
    const char *error = NULL;
    if (j->publish) {
        if ((j->c.kind != FB_FEEDBACK && j->c.kind != FB_RECOMMENDATION) ||
            strcmp(j->c.status, "answered") != 0)
            error = "Chỉ đăng phản ánh, kiến nghị đã được trả lời.";
        else if (!j->q[0] || !j->a[0])
            error = "Vui lòng nhập câu hỏi và câu trả lời sẽ đăng.";
        else
            error = personal_left(&j->c, j->q, j->a);
    } else {
        j->q = j->c.qa_question;
        j->a = j->c.qa_answer;
    }
    if (error) {
        res->model = json_object();
        /* A case that cannot be published has no form open: say so at the top. */
        int qa_ok = (j->c.kind == FB_FEEDBACK || j->c.kind == FB_RECOMMENDATION) &&
                    strcmp(j->c.status, "answered") == 0;
        http_form_error(res, qa_ok ? "qa" : "form", error);
        json_object_set_new(res->model, "qa_form",
                            json_pack("{s:s,s:s}", "question", q ? q : "", "answer", a ? a : ""));
        return fb_case_page(r, res, &j->c, &u);
    }
    http_defer_write(r, run_qa, j);
    return HTTP_DEFERRED;
}

#define N(x) (sizeof(x) / sizeof((x)[0]))

const struct http_route fb_publish_routes[] = {
    {"GET", "/hoi-dap/{code}", page_qa, NULL, NULL, NULL, HTTP_CACHE, qa_list_params,
     N(qa_list_params), 0},
    {"GET", "/thong-ke-y-kien/{code}", page_stats, NULL, NULL, NULL, HTTP_CACHE, NULL, 0, 0},
    {"POST", "/quan-ly/y-kien/ho-so/{id}/hoi-dap", post_qa, after_qa, NULL, NULL, HTTP_LOGIN,
     qa_params, N(qa_params), 0},
};
const size_t fb_publish_n_routes = N(fb_publish_routes);

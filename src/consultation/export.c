/*
 * export.c - the response table (bảng tổng hợp, tiếp thu, giải trình ý kiến, E3) as DOCX and PDF
 * in the Decree 30 layout, made while it is sent: its own database connection and statement,
 * rows read a bounded number per piece. The PDF leaves a page at a time; the DOCX body is
 * written to a temporary file as rows come and the archive leaves at the end (libzip writes
 * only at zip_close), so memory stays flat however many comments there are.
 *
 * Rows: for each section in document order (the draft as a whole first), the groups of
 * comments with what was accepted or explained, then the comments left alone.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "consultation/internal.h"

static const struct export_col table_cols[] = {
    {"STT", 11, 1},       {"Điều, khoản, mục", 28, 0},     {"Nội dung ý kiến", 56, 0},
    {"Số ý kiến", 18, 1}, {"Tiếp thu, giải trình", 52, 0},
};
#define N_COLS (sizeof table_cols / sizeof table_cols[0])

struct table_stream {
    int docx;                     /* 1: DOCX, 0: PDF */
    struct arena *a;              /* heading, footer: for the life of the stream */
    struct arena *row;            /* one row's strings */
    struct db *db;                /* its own connection */
    struct db_stmt *st;           /* the rows */
    struct export_doc_head head;  /* page 1's heading */
    const char *intro, *footer;   /* the paragraph before the table, the one after */
    const char *recipients;       /* "Nơi nhận" */
    struct export_pdf_table *pdf; /* open writers */
    struct export_docx_table *dx;
    struct buf *out; /* where bytes go during next() */
    size_t n;        /* rows written */
    int ended;
    const char *last_label; /* the section of the previous row (DOCX group rows) */
};

static int table_write(void *ctx, const unsigned char *data, size_t len)
{
    struct table_stream *t = ctx;
    buf_append(t->out, data, len);
    return 0;
}

static int table_begin(struct table_stream *t)
{
    char err[256] = "";
    int rc;
    if (t->docx) {
        rc = export_docx_table_begin(&t->head, table_cols, N_COLS, table_write, t, &t->dx, err,
                                     sizeof err);
        if (rc == 0 && t->intro)
            rc = export_docx_table_text(t->dx, t->intro);
        if (rc == 0)
            export_docx_table_recipients(t->dx, t->recipients);
    } else {
        rc = export_pdf_table_begin(&t->head, table_cols, N_COLS, table_write, t, &t->pdf, err,
                                    sizeof err);
        if (rc == 0)
            export_pdf_table_recipients(t->pdf, t->recipients);
    }
    if (rc)
        log_error("response table: %s", err);
    return rc;
}

static int table_next(void *ctx, struct buf *out)
{
    struct table_stream *t = ctx;
    int rc;
    t->out = out;
    if (!t->ended && !t->pdf && !t->dx && (rc = table_begin(t)) != 0)
        return rc;
    for (int k = 0; k < 256 && out->len == 0; k++) {
        rc = db_step(t->st);
        if (rc < 0)
            return rc;
        if (rc == DB_DONE)
            break;
        arena_reset(t->row);
        const char *kind = db_col_text(t->st, 0);
        const char *label = db_col_text(t->st, 2);
        if (!label[0])
            label = "Toàn bộ dự thảo";
        int group = kind[0] == 'g';
        const char *outcome = db_col_text(t->st, 4);
        const char *answer = db_col_text(t->st, 5);
        int64_t n = db_col_int(t->st, 6), agree = db_col_int(t->st, 7);
        const char *src = cs_source_label(db_col_text(t->st, 8));
        const char *count = group
                                ? (agree ? arena_printf(t->row, "%lld ý kiến\n%lld người đồng tình",
                                                        (long long)n, (long long)agree)
                                         : arena_printf(t->row, "%lld ý kiến", (long long)n))
                                : (agree ? arena_printf(t->row, "1 (%s)\n%lld người đồng tình",
                                                        src ? src : "", (long long)agree)
                                         : arena_printf(t->row, "1 (%s)", src ? src : ""));
        const char *resp =
            group ? arena_printf(t->row, "%s: %s",
                                 !strcmp(outcome, "accepted") ? "Tiếp thu" : "Giải trình", answer)
                  : "Chưa tổng hợp";
        if (t->docx && (!t->last_label || strcmp(t->last_label, label) != 0)) {
            if ((rc = export_docx_table_group(t->dx, label)) != 0)
                return rc;
            t->last_label = arena_strdup(t->a, label);
        }
        const char *cells[N_COLS] = {
            arena_printf(t->row, "%zu", ++t->n), label, db_col_text(t->st, 3), count, resp,
        };
        rc = t->docx ? export_docx_table_row(t->dx, cells) : export_pdf_table_row(t->pdf, cells);
        if (rc)
            return rc;
        if (k == 255)
            return 1;
    }
    if (out->len)
        return 1;
    db_reset(t->st);
    char err[256] = "";
    t->ended = 1;
    if (t->docx) {
        struct export_docx_table *dx = t->dx;
        t->dx = NULL;
        rc = export_docx_table_end(dx, t->footer, "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", "", err,
                                   sizeof err);
    } else {
        struct export_pdf_table *pdf = t->pdf;
        t->pdf = NULL;
        rc = export_pdf_table_end(pdf, t->footer, "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", "", err,
                                  sizeof err);
    }
    if (rc)
        log_error("response table: %s", err);
    return rc ? rc : 0;
}

static void table_close(void *ctx)
{
    struct table_stream *t = ctx;
    struct buf sink;
    buf_init(&sink, NULL);
    t->out = &sink;
    if (t->dx)
        export_docx_table_end(t->dx, NULL, NULL, NULL, NULL, 0);
    if (t->pdf)
        export_pdf_table_end(t->pdf, NULL, NULL, NULL, NULL, 0);
    buf_free(&sink);
    if (t->st)
        db_reset(t->st);
    if (t->db)
        db_close(t->db);
    arena_free(t->row);
    arena_free(t->a);
    free(t);
    malloc_trim(0);
}

static const char *vn(struct arena *a, struct date d)
{
    char *s = arena_alloc(a, 11);
    date_format_vn(d, s);
    return s;
}

static int get_table(struct http_request *r, struct http_response *res, int docx)
{
    struct cs_item c;
    struct unit u, parent;
    int manage, rc = cs_access(r, &c, &u, &manage);
    if (rc)
        return rc;
    if (strcmp(c.status, "published") != 0 && !manage)
        return ERR_NOT_FOUND;
    int64_t n, grouped, hidden, agree, disagree, other;
    if ((rc = cs_store_counts(r->db, c.id, &n, &grouped, &hidden)) != 0 ||
        (rc = cs_store_stances(r->db, c.id, &agree, &disagree, &other)) != 0)
        return rc;
    struct table_stream *t = calloc(1, sizeof *t);
    if (!t)
        abort();
    t->docx = docx;
    t->a = arena_new(0);
    t->row = arena_new(0);
    if ((rc = store_connect(db_store(r->db), &t->db)) != 0 ||
        (rc = cs_store_table_open(t->db, c.id, &t->st)) != 0) {
        table_close(t);
        return rc;
    }
    t->head.parent_body = "";
    if (u.parent_id && units_get_id(r->db, u.parent_id, &parent) == 0)
        t->head.parent_body = arena_printf(t->a, "UBND %s", parent.name);
    t->head.issuer = arena_printf(t->a, "UBND %s", u.name);
    t->head.number = "";
    t->head.place = arena_strdup(t->a, u.name);
    t->head.date = date_vn_from_time(time(NULL));
    t->head.doc_type = "BẢNG TỔNG HỢP";
    t->head.summary = arena_printf(t->a, "Tiếp thu, giải trình ý kiến góp ý đối với %s", c.title);
    struct buf forms;
    buf_init(&forms, t->a);
    for (unsigned f = 0; f < CS_N_FORMS; f++)
        if (c.forms & (1u << f)) {
            if (forms.len)
                buf_puts(&forms, "; ");
            buf_puts(&forms, cs_form_label((enum cs_form)f));
        }
    enum cs_view maj = cs_majority(cs_rules_for(cs_env(r), &c), agree, disagree, other);
    t->intro = arena_printf(
        t->a,
        "Thời gian lấy ý kiến: từ ngày %s đến hết ngày %s. Hình thức: %s. Tổng số ý kiến góp ý: "
        "%lld, đã tổng hợp thành %s. Ý kiến chung về dự thảo: tán thành %lld, không tán thành "
        "%lld, ý kiến khác %lld (%s).",
        c.opens.y ? vn(t->a, c.opens) : "…", c.closes.y ? vn(t->a, c.closes) : "…",
        forms.len ? forms.ptr : "…", (long long)(n - hidden), "các nhóm dưới đây", (long long)agree,
        (long long)disagree, (long long)other, cs_view_label(maj));
    t->footer = arena_printf(t->a, "%s%s%s%s%s", docx ? "" : t->intro, docx ? "" : "\n",
                             c.decision ? "Quyết định: " : "",
                             c.decision ? cs_decision_label(c.decision) : "",
                             c.decision_note[0] ? arena_printf(t->a, ". %s", c.decision_note) : "");
    if (c.explanation[0])
        t->footer = arena_printf(t->a, "%s\nGiải trình việc không theo ý kiến đa số: %s", t->footer,
                                 c.explanation);
    const char *kx = !strcmp(u.kind, "ward")           ? "phường"
                     : !strcmp(u.kind, "special_zone") ? "đặc khu"
                     : !strcmp(u.kind, "agency")       ? "cơ quan"
                                                       : "xã";
    t->recipients = arena_printf(t->a,
                                 "- Thường trực HĐND %s;\n- Ủy ban MTTQ Việt Nam %s;\n- Cổng "
                                 "thông tin điện tử %s;\n- Lưu: VT.",
                                 kx, kx, kx);
    res->stream = (struct http_stream){table_next, table_close, t};
    res->content_type = docx ? "application/vnd.openxmlformats-officedocument."
                               "wordprocessingml.document"
                             : "application/pdf";
    res->filename =
        arena_printf(r->a, "bang-tong-hop-y-kien-%lld.%s", (long long)c.id, docx ? "docx" : "pdf");
    return 0;
}

static int pdf_to_buf(void *ctx, const unsigned char *data, size_t len)
{
    buf_append(ctx, data, len);
    return 0;
}

/* GET /quan-ly/gop-y/{id}/ke-hoach.pdf - consultation.view. The consultation plan (E3) as an A4
 * document in the Decree 30 layout with a QR code to the draft, to send or post on paper. */
static int get_plan_pdf(struct http_request *r, struct http_response *res)
{
    struct cs_item c;
    struct unit u, parent;
    int rc = cs_access(r, &c, &u, NULL);
    if (rc)
        return rc;
    if ((rc = http_authorize(r, "consultation.view", u.code)) != 0)
        return rc;
    struct export_notice n = {0};
    n.head.parent_body = "";
    if (u.parent_id && units_get_id(r->db, u.parent_id, &parent) == 0)
        n.head.parent_body = arena_printf(r->a, "UBND %s", parent.name);
    n.head.issuer = arena_printf(r->a, "UBND %s", u.name);
    n.head.number = "";
    n.head.place = u.name;
    n.head.date = date_vn_from_time(time(NULL));
    n.head.doc_type = "KẾ HOẠCH";
    n.head.summary = arena_printf(r->a, "Lấy ý kiến Nhân dân về %s", c.title);
    n.body = cs_plan_text(r->a, cs_env(r), &c, &u);
    n.signer_role = "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH";
    n.signer_name = "";
    n.recipients = "- Thường trực HĐND;\n- Ủy ban MTTQ Việt Nam;\n- Cổng thông tin điện tử;\n- "
                   "Lưu: VT.";
    n.qr_url = arena_printf(r->a, "%s/gop-y/du-thao/%lld", cs_env(r)->base_url, (long long)c.id);
    n.qr_caption = "Quét mã để đọc dự thảo và góp ý";
    buf_init(&res->body, r->a);
    char err[256];
    if ((rc = export_notice_pdf(&n, pdf_to_buf, &res->body, err, sizeof err)) != 0) {
        log_error("consultation plan %lld: %s", (long long)c.id, err);
        return rc;
    }
    res->content_type = "application/pdf";
    res->filename = arena_printf(r->a, "ke-hoach-lay-y-kien-%lld.pdf", (long long)c.id);
    return 0;
}

static int get_docx(struct http_request *r, struct http_response *res)
{
    return get_table(r, res, 1);
}

static int get_pdf(struct http_request *r, struct http_response *res)
{
    return get_table(r, res, 0);
}

#define N(x) (sizeof(x) / sizeof((x)[0]))

const struct http_route cs_export_routes[] = {
    {"GET", "/gop-y/du-thao/{id}/bang-tong-hop.docx", get_docx, NULL, NULL, NULL, HTTP_RAW, NULL, 0,
     0},
    {"GET", "/gop-y/du-thao/{id}/bang-tong-hop.pdf", get_pdf, NULL, NULL, NULL, HTTP_RAW, NULL, 0,
     0},
    {"GET", "/quan-ly/gop-y/{id}/ke-hoach.pdf", get_plan_pdf, NULL, NULL, NULL,
     HTTP_LOGIN | HTTP_RAW, NULL, 0, 0},
};
const size_t cs_export_n_routes = N(cs_export_routes);

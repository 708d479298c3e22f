/*
 * documents.c - the papers of a matter decided by households, made from what is stored: the
 * community's decision (Mẫu 03 content, DOMAIN D7) as PDF and DOCX once counted, public like
 * the result; the counting minutes (Mẫu 02 for a secret ballot at a meeting, Mẫu 04 for
 * household ballots) and the household ballot cards to print (D5), for the village head only.
 *
 * A decision or its minutes is a page or two, built in the request's memory and sent at once.
 * A sheet of cards is one A5 page a card: 1,000 cards make 4.6 MB in 1.1 s (peak RSS +14 MB),
 * built on the heap and handed to the http layer as a stream, which sends it without a second
 * copy, lets only a few long exports run at once and gives the memory back afterwards. The
 * cards carry one-time codes, so their sheet is never kept by a browser or a proxy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <utf8proc.h>

#include "decision/internal.h"
#include "export/export.h"

static int to_buf(void *ctx, const unsigned char *data, size_t len)
{
    buf_append(ctx, data, len);
    return 0;
}

/* The text of a cell, "" for NULL (an address or representative may be missing). */
static const char *cell_text(const struct rows *t, size_t row, size_t col)
{
    const char *s = rows_text(rows_at(t, row, col));
    return s ? s : "";
}

/* s in capitals, Vietnamese letters included (arena). */
static const char *upper(struct arena *a, const char *s)
{
    struct buf b;
    buf_init(&b, a);
    buf_puts(&b, "");
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(s);
    while (left > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, left, &cp);
        if (k <= 0)
            break;
        utf8proc_uint8_t out[4];
        buf_append(&b, out, (size_t)utf8proc_encode_char(utf8proc_toupper(cp), out));
        p += k;
        left -= k;
    }
    return b.ptr;
}

/* "Phường Bình Minh": the commune above village v, or "xã" when it has none. */
static const char *commune_name(struct http_request *r, const struct unit *v)
{
    struct unit c;
    if (v->parent_id && units_get_id(r->db, v->parent_id, &c) == 0)
        return arena_strdup(r->a, c.name);
    return "xã";
}

/* The matter's forms: "Cuộc họp cộng đồng dân cư; Phát phiếu lấy ý kiến hộ gia đình". */
static const char *forms_text(struct arena *a, const struct dm_item *d)
{
    const char *f = dm_forms_text(a, d->forms);
    return d->secret ? arena_printf(a, "%s (bỏ phiếu kín)", f) : f;
}

/* "12,5%" of part in whole, one decimal, Vietnamese comma. */
static const char *percent(struct arena *a, int64_t part, int64_t whole)
{
    int64_t pm = whole > 0 ? (part * 1000 + whole / 2) / whole : 0;
    return arena_printf(a, "%lld,%lld%%", (long long)(pm / 10), (long long)(pm % 10));
}

/* ---- the decision (Mẫu 03, D7) ---- */

/* What the decision says, in the body syntax of export_notice: the opening and the matter
 * (intro), the households (counts: list items, or the DOCX table's rows), the result, the
 * decision, the roll's changes and where it goes (rest). */
struct decision_doc {
    struct dm_item d;                /* the counted matter */
    struct unit v;                   /* its village */
    const char *commune;             /* the commune's name ("Phường Bình Minh") */
    struct export_doc_head head;     /* Decree 30 heading block */
    int64_t meeting, ballot, online; /* households taking part by channel */
    int64_t needed;                  /* approvals the threshold needs (dr_judge) */
    const char *intro;               /* opening, matter, form, question */
    const char *rest;                /* result, decision, roll changes, sending */
    struct {
        const char *label;  /* "Tổng số hộ gia đình" */
        const char *value;  /* "16" */
        int channel;        /* 1: a channel of those taking part (under the line before) */
    } counts[10];           /* the households, line by line */
    size_t n_counts;        /* lines of counts */
    const char *recipients; /* "Nơi nhận" */
};

static void add_count(struct decision_doc *x, const char *label, int64_t n, int channel,
                      struct arena *a)
{
    x->counts[x->n_counts].label = label;
    x->counts[x->n_counts].value = arena_printf(a, "%lld", (long long)n);
    x->counts[x->n_counts++].channel = channel;
}

/* Loads the counted matter of capture "id" and writes its texts; ERR_NOT_FOUND before the
 * count. */
static int decision_load(struct http_request *r, struct decision_doc *x)
{
    struct arena *a = r->a;
    int rc = dm_access(r, &x->d, &x->v, NULL);
    if (rc)
        return rc;
    const struct dm_item *d = &x->d;
    if (strcmp(d->status, "counted") != 0)
        return ERR_NOT_FOUND;
    if ((rc = dm_store_turnout(r->db, d->id, &x->meeting, &x->ballot, &x->online)) != 0)
        return rc;
    struct rows *changes;
    if ((rc = dm_store_roll_changes(r->db, a, d->id, &changes)) != 0)
        return rc;
    const struct decision_env *env = dm_env(r);
    const struct dr_rules *rules = dm_rules_for(env, d);
    struct dr_result res;
    dr_judge(rules, d->matter, d->households_total, d->approve, d->reject, d->other, &res);
    x->needed = res.needed;
    struct dr_threshold t = rules->pass[d->matter];
    struct date counted = date_vn_from_time((time_t)d->counted_at);
    x->commune = commune_name(r, &x->v);

    x->head.parent_body = arena_printf(a, "UBND %s", x->commune);
    x->head.issuer = x->v.name;
    x->head.number = "";
    x->head.place = x->commune;
    x->head.date = counted;
    x->head.doc_type = "NGHỊ QUYẾT";
    x->head.summary = arena_printf(a, "Về %s", d->title);

    struct date frozen = date_vn_from_time((time_t)d->roll_frozen_at);
    x->intro = arena_printf(
        a,
        "Ngày %s, cộng đồng dân cư %s, %s đã bàn và quyết định nội dung dưới đây theo Luật Thực "
        "hiện dân chủ ở cơ sở (Điều 15 đến Điều 21) và Nghị định số 59/2023/NĐ-CP.\n\n"
        "# 1. Nội dung và hình thức\n"
        "- Nội dung thuộc loại M%d: %s.\n"
        "- Vấn đề đưa ra quyết định: %s.\n"
        "- Hình thức: %s.\n"
        "- Câu hỏi biểu quyết: %s\n\n"
        "# 2. Số hộ gia đình (danh sách hộ chốt ngày %s)\n",
        dm_vn(a, counted), x->v.name, x->commune, (int)d->matter, dm_matter_label(d->matter),
        d->title, forms_text(a, d), d->question, dm_vn(a, frozen));

    add_count(x, "Tổng số hộ gia đình", d->households_total, 0, a);
    add_count(x, "Số hộ gia đình tham gia biểu quyết", d->households_voted, 0, a);
    /* The channels of the matter's forms, and any other that was used (ballots completing a
     * meeting short of attendance). */
    const int64_t by[3] = {x->meeting, x->ballot, x->online};
    static const char *const channel[3] = {"dự họp", "nộp phiếu lấy ý kiến",
                                           "biểu quyết trực tuyến"};
    for (int f = 0; f < 3; f++)
        if ((d->forms & (1u << f)) || by[f])
            add_count(x, channel[f], by[f], 1, a);
    add_count(x, "Số hộ gia đình vắng mặt, không tham gia",
              d->households_total - d->households_voted, 0, a);
    add_count(x, "Số hộ tán thành", d->approve, 0, a);
    add_count(x, "Số hộ không tán thành", d->reject, 0, a);
    add_count(x, "Số hộ có ý kiến khác", d->other, 0, a);
    add_count(x, "Số hộ tán thành cần có để thông qua", x->needed, 0, a);

    struct buf b;
    buf_init(&b, a);
    buf_printf(&b,
               "# 3. Kết quả biểu quyết\n"
               "- Tán thành %lld hộ (%s tổng số hộ gia đình), không tán thành %lld hộ, ý kiến "
               "khác %lld hộ.\n"
               "- Kết quả: %s. Nội dung cần %s %d/%d tổng số hộ gia đình, tức ít nhất %lld hộ "
               "tán thành; có %lld hộ tán thành.\n\n"
               "# 4. Quyết định của cộng đồng dân cư\n",
               (long long)d->approve, percent(a, d->approve, d->households_total),
               (long long)d->reject, (long long)d->other,
               d->passed ? "ĐẠT, nội dung được thông qua"
                         : "KHÔNG ĐẠT, nội dung không được thông qua",
               t.strict ? "quá" : "ít nhất", t.p, t.q, (long long)x->needed, (long long)d->approve);
    if (d->decision_text[0])
        buf_printf(&b, "%s\n\n", d->decision_text);
    else if (d->passed)
        buf_printf(&b, "Cộng đồng dân cư %s thông qua nội dung: %s.\n\n", x->v.name, d->title);
    else
        buf_printf(&b, "Nội dung \"%s\" không được thông qua.\n\n", d->title);
    if (d->passed) {
        enum dm_recogniser who = dr_recogniser(d->matter);
        if (who == DR_UBND)
            buf_printf(&b, "Quyết định có hiệu lực khi được UBND %s công nhận (Điều 21).\n\n",
                       x->commune);
        else if (who == DR_MTTQ)
            buf_printf(&b,
                       "Quyết định có hiệu lực khi được Ủy ban Mặt trận Tổ quốc Việt Nam %s "
                       "công nhận (Điều 21).\n\n",
                       x->commune);
        else
            buf_puts(&b, "Quyết định có hiệu lực kể từ ngày biểu quyết (Điều 21).\n\n");
    }
    buf_puts(&b, "# 5. Thay đổi danh sách hộ sau khi chốt\n");
    if (!changes->n_rows)
        buf_puts(&b, "Không có hộ chuyển đến hoặc chuyển đi trong thời gian biểu quyết.\n");
    for (size_t i = 0; i < changes->n_rows; i++)
        buf_printf(&b, "- Hộ %s: %s.\n", cell_text(changes, i, 1),
                   !strcmp(cell_text(changes, i, 2), "added")
                       ? "hộ mới sau khi chốt danh sách, không tính vào tổng số hộ và không "
                         "biểu quyết"
                       : "hộ đã chuyển đi sau khi chốt danh sách, vẫn tính vào tổng số hộ");
    /* D6: an online vote's minutes also give its window, the opt-in poll, who took part and,
     * in place of a screenshot, where the public list of counted receipts is. */
    if (d->forms & (1u << DF_ONLINE)) {
        struct rows *roll;
        if ((rc = dm_store_roll(r->db, a, d->id, &roll)) != 0)
            return rc;
        char from[40], to[40];
        time_t t0 = (time_t)d->online_opens_at + 7 * 3600,
               t1 = (time_t)d->online_closes_at + 7 * 3600;
        struct tm tm0, tm1;
        gmtime_r(&t0, &tm0);
        gmtime_r(&t1, &tm1);
        strftime(from, sizeof from, "%H:%M ngày %d/%m/%Y", &tm0);
        strftime(to, sizeof to, "%H:%M ngày %d/%m/%Y", &tm1);
        buf_printf(&b,
                   "\n# 6. Biểu quyết trực tuyến\n- Thời gian: từ %s đến %s.\n- Thăm dò ý kiến: "
                   "%lld/%lld hộ gia đình đồng ý biểu quyết trực tuyến.\n",
                   from, to, (long long)d->online_optin_agree, (long long)d->households_total);
        if (d->secret)
            buf_printf(&b,
                       "- Danh sách mã xác nhận các phiếu đã kiểm (thay ảnh chụp màn hình): "
                       "%s/decisions/%lld/receipts.\n",
                       env->base_url, (long long)d->id);
        buf_printf(&b, "- Các hộ gia đình tham gia biểu quyết trực tuyến (%lld hộ):",
                   (long long)x->online);
        size_t k = 0;
        for (size_t i = 0; i < roll->n_rows; i++)
            if (!strcmp(cell_text(roll, i, 5), "online"))
                buf_printf(&b, "%s %s%s%s%s", k++ ? ";" : "", cell_text(roll, i, 1),
                           cell_text(roll, i, 3)[0] ? " (" : "", cell_text(roll, i, 3),
                           cell_text(roll, i, 3)[0] ? ")" : "");
        buf_puts(&b, k ? ".\n" : " không có.\n");
    }
    /* D4/D5: sent within N working days, counted from the count as on the result page. */
    struct date due;
    if (dr_send_due(rules, env->cal, counted, &due) == 0)
        buf_printf(&b,
                   "\nNghị quyết này gửi UBND %s và Ủy ban Mặt trận Tổ quốc Việt Nam %s chậm "
                   "nhất ngày %s (%d ngày làm việc, Điều 20).\n",
                   x->commune, x->commune, dm_vn(a, due), rules->send_working_days);
    x->rest = b.ptr;
    x->recipients =
        arena_printf(a, "- UBND %s;\n- Ủy ban MTTQ %s;\n- Lưu.", x->commune, x->commune);
    return 0;
}

/* GET /decisions/{id}/quyet-dinh.pdf - public once counted (the result is public; 404 before).
 * The community's decision in the Decree 30 layout with a QR code to its page. */
static int get_decision_pdf(struct http_request *r, struct http_response *res)
{
    struct decision_doc x = {0};
    int rc = decision_load(r, &x);
    if (rc)
        return rc;
    struct buf body;
    buf_init(&body, r->a);
    buf_puts(&body, x.intro);
    for (size_t i = 0; i < x.n_counts; i++) {
        int next_channel = i + 1 < x.n_counts && x.counts[i + 1].channel;
        buf_printf(&body, "%s %s: %s hộ%s\n", x.counts[i].channel ? "+" : "-", x.counts[i].label,
                   x.counts[i].value,
                   next_channel ? (x.counts[i].channel ? ";" : ", trong đó:") : ".");
    }
    buf_printf(&body, "\n%s", x.rest);
    const char *head = dm_head_title(&x.v);
    const struct export_signer cosigners[] = {
        {"Trưởng Ban công tác Mặt trận", ""},
        {"Đại diện hộ gia đình", ""},
        {"Đại diện hộ gia đình", ""},
    };
    struct export_notice n = {0};
    n.head = x.head;
    n.body = body.ptr;
    n.signer_role = head;
    n.signer_name = "";
    n.recipients = x.recipients;
    n.qr_url = arena_printf(r->a, "%s/decisions/%lld", dm_env(r)->base_url, (long long)x.d.id);
    n.qr_caption = "Quét mã để xem kết quả trên trang điện tử";
    n.cosigners = cosigners;
    n.n_cosigners = sizeof cosigners / sizeof cosigners[0];
    buf_init(&res->body, r->a);
    char err[256];
    if ((rc = export_notice_pdf(&n, to_buf, &res->body, err, sizeof err)) != 0) {
        log_error("decision %lld: %s", (long long)x.d.id, err);
        return rc;
    }
    res->content_type = "application/pdf";
    res->filename = arena_printf(r->a, "nghi-quyet-%lld.pdf", (long long)x.d.id);
    return 0;
}

static const struct export_col count_cols[] = {
    {"Nội dung", 125, 0},
    {"Số hộ", 40, 1},
};

/* GET /decisions/{id}/quyet-dinh.docx - the same decision as a Word file the village edits
 * before signing: the households in a table, the other signatures on dotted lines. */
/* ---- the notice of the meeting (Mẫu 01, D4) ---- */

/* GET /decisions/{id}/thong-bao.pdf - public once the matter is noticed. The invitation to the
 * community meeting (or the notice of the ballot / online vote): day, matter, question, the
 * documents sent to the households, the threshold counted on all households of the village. */
static int get_notice_pdf(struct http_request *r, struct http_response *res)
{
    struct dm_item d;
    struct unit v;
    int rc = dm_access(r, &d, &v, NULL);
    if (rc)
        return rc;
    if (!strcmp(d.status, "draft") || !d.notice_on[0])
        return ERR_NOT_FOUND;
    struct arena *a = r->a;
    const char *commune = commune_name(r, &v);
    const struct dr_rules *rules = dm_rules_for(dm_env(r), &d);
    struct dr_threshold t = rules->pass[d.matter];
    struct date notice, meeting, deadline;
    date_parse(d.notice_on, &notice);
    struct buf b;
    buf_init(&b, a);
    buf_printf(&b,
               "%s trân trọng thông báo và kính mời đại diện các hộ gia đình tham gia quyết định "
               "nội dung sau (Điều 15 đến Điều 21 Luật Thực hiện dân chủ ở cơ sở):\n\n"
               "# 1. Nội dung\n%s (loại M%d: %s).\n\n# 2. Câu hỏi biểu quyết\n%s\n\n",
               v.name, d.title, (int)d.matter, dm_matter_label(d.matter), d.question);
    buf_puts(&b, "# 3. Hình thức và thời gian\n");
    if ((d.forms & (1u << DF_MEETING)) && d.meeting_on[0] &&
        date_parse(d.meeting_on, &meeting) == 0)
        buf_printf(&b, "- Cuộc họp cộng đồng dân cư ngày %s.\n", dm_vn(a, meeting));
    if ((d.forms & (1u << DF_BALLOT)) || d.ballot_deadline[0]) {
        buf_puts(&b, "- Phát phiếu lấy ý kiến đến từng hộ gia đình");
        if (d.ballot_deadline[0] && date_parse(d.ballot_deadline, &deadline) == 0)
            buf_printf(&b, ", hạn nộp phiếu ngày %s", dm_vn(a, deadline));
        buf_puts(&b, ".\n");
    }
    if (d.forms & (1u << DF_ONLINE))
        buf_printf(&b,
                   "- Biểu quyết trực tuyến bằng mã in trên phiếu của hộ tại %s/phieu (khi "
                   "quá 50%% số hộ đồng ý).\n",
                   dm_env(r)->base_url);
    buf_printf(&b,
               "\n# 4. Điều kiện thông qua\nNội dung được thông qua khi có %s %d/%d tổng số hộ "
               "gia đình của %s tán thành (%lld hộ theo danh sách chốt ngày %s), không chỉ số hộ "
               "có mặt. Mỗi hộ gia đình biểu quyết một lần, qua một hình thức.\n",
               t.strict ? "quá" : "ít nhất", t.p, t.q, v.name, (long long)d.households_total,
               dm_vn(a, notice));
    if (d.body[0])
        buf_printf(&b, "\n# 5. Tài liệu gửi kèm\n%s\n", d.body);
    buf_puts(&b, "\nĐề nghị đại diện các hộ gia đình tham gia đầy đủ.");
    struct export_notice n = {0};
    n.head.parent_body = arena_printf(a, "UBND %s", commune);
    n.head.issuer = v.name;
    n.head.number = "";
    n.head.place = commune;
    n.head.date = notice;
    n.head.doc_type = "THÔNG BÁO";
    n.head.summary = (d.forms & (1u << DF_MEETING)) ? "Về việc tổ chức cuộc họp cộng đồng dân cư"
                                                    : "Về việc lấy ý kiến hộ gia đình";
    n.body = b.ptr;
    n.signer_role = strcmp(v.kind, "village") == 0 ? "TRƯỞNG THÔN" : "TỔ TRƯỞNG TỔ DÂN PHỐ";
    n.signer_name = "";
    n.recipients = arena_printf(a,
                                "- Các hộ gia đình;\n- Ban công tác Mặt trận;\n- UBND %s "
                                "(để b/c);\n- Lưu.",
                                commune);
    n.qr_url = arena_printf(a, "%s/decisions/%lld", dm_env(r)->base_url, (long long)d.id);
    n.qr_caption = "Quét mã để xem nội dung và kết quả";
    buf_init(&res->body, a);
    char err[256];
    if ((rc = export_notice_pdf(&n, to_buf, &res->body, err, sizeof err)) != 0) {
        log_error("decision notice %lld: %s", (long long)d.id, err);
        return rc;
    }
    res->content_type = "application/pdf";
    res->filename = arena_printf(a, "thong-bao-%lld.pdf", (long long)d.id);
    return 0;
}

static int get_decision_docx(struct http_request *r, struct http_response *res)
{
    struct decision_doc x = {0};
    int rc = decision_load(r, &x);
    if (rc)
        return rc;
    struct export_docx_table *t;
    char err[256] = "";
    buf_init(&res->body, r->a);
    if ((rc = export_docx_table_begin(&x.head, count_cols, 2, to_buf, &res->body, &t, err,
                                      sizeof err)) != 0) {
        log_error("decision %lld: %s", (long long)x.d.id, err);
        return rc;
    }
    export_docx_table_recipients(t, x.recipients);
    rc = export_docx_table_text(t, x.intro);
    for (size_t i = 0; rc == 0 && i < x.n_counts; i++) {
        const char *cells[2] = {
            x.counts[i].channel ? arena_printf(r->a, "    trong đó %s", x.counts[i].label)
                                : x.counts[i].label,
            x.counts[i].value,
        };
        rc = export_docx_table_row(t, cells);
    }
    if (rc == 0)
        rc = export_docx_table_text(t, x.rest);
    const char *signatures =
        "Trưởng Ban công tác Mặt trận (ký, ghi rõ họ tên): ..................................\n\n"
        "Đại diện hộ gia đình (ký, ghi rõ họ tên): ..........................................\n\n"
        "Đại diện hộ gia đình (ký, ghi rõ họ tên): ..........................................";
    if (rc)
        export_docx_table_end(t, NULL, NULL, NULL, NULL, 0);
    else
        rc = export_docx_table_end(t, signatures, dm_head_title(&x.v), "", err, sizeof err);
    if (rc) {
        log_error("decision %lld docx: %s", (long long)x.d.id, err);
        return rc;
    }
    res->content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    res->filename = arena_printf(r->a, "nghi-quyet-%lld.docx", (long long)x.d.id);
    return 0;
}

/* ---- the counting minutes (Mẫu 02, Mẫu 04) ---- */

/* Names typed one a line (or separated by commas or semicolons), trimmed, into names[] unless
 * already there; returns the new count. */
static size_t add_names(struct arena *a, const char *s, const char **names, size_t n, size_t max)
{
    while (*s) {
        size_t len = strcspn(s, "\n,;");
        struct str w = str_trim((struct str){s, len});
        if (w.len && n < max) {
            const char *name = str_dup(a, w);
            size_t k = 0;
            while (k < n && strcmp(names[k], name) != 0)
                k++;
            if (k == n)
                names[n++] = name;
        }
        s += len;
        if (*s)
            s++;
    }
    return n;
}

/* "Nguyễn Văn A, Trần Thị B" from names typed one a line. */
static const char *names_line(struct arena *a, const char *s)
{
    const char *names[32];
    size_t n = add_names(a, s, names, 0, 32);
    struct buf b;
    buf_init(&b, a);
    buf_puts(&b, "");
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%s%s", i ? ", " : "", names[i]);
    return b.ptr;
}

static const char *method_label(const char *m)
{
    return !strcmp(m, "secret") ? "bỏ phiếu kín" : !strcmp(m, "paper") ? "phiếu" : "giơ tay";
}

/* GET /quan-ly/bieu-quyet/{id}/bien-ban-kiem-phieu.pdf - decision.manage. The minutes of every
 * count entered (meeting, clusters, household ballots), the cards made and collected, the
 * result once counted; signed by the ballot team or counting board and the witnesses. 404
 * while nothing has been counted. */
static int get_minutes_pdf(struct http_request *r, struct http_response *res)
{
    struct dm_item d;
    struct unit v;
    int manage, rc = dm_access(r, &d, &v, &manage);
    if (rc)
        return rc;
    if (!manage)
        return ERR_FORBIDDEN;
    struct rows *tallies, *cards;
    if ((rc = dm_store_tallies(r->db, r->a, d.id, &tallies)) != 0 ||
        (rc = dm_store_cards(r->db, r->a, d.id, &cards)) != 0)
        return rc;
    if (!tallies->n_rows)
        return ERR_NOT_FOUND;
    struct arena *a = r->a;
    const char *commune = commune_name(r, &v);
    int has_ballot = 0, has_secret = 0;
    const char *witnesses[24];
    size_t n_witnesses = 0;
    int64_t sum[4] = {0, 0, 0, 0}, last = 0;
    struct buf b;
    buf_init(&b, a);
    buf_printf(&b,
               "Nội dung biểu quyết (loại M%d: %s): %s.\n\nCâu hỏi biểu quyết: %s\n\n"
               "# 1. Kết quả từng lần kiểm\n",
               (int)d.matter, dm_matter_label(d.matter), d.title, d.question);
    for (size_t i = 0; i < tallies->n_rows; i++) {
        const char *source = cell_text(tallies, i, 1), *cluster = cell_text(tallies, i, 2);
        const char *method = cell_text(tallies, i, 7);
        int ballot = !strcmp(source, "ballot");
        has_ballot |= ballot;
        has_secret |= !ballot && !strcmp(method, "secret");
        int64_t n[4];
        for (int k = 0; k < 4; k++) {
            n[k] = rows_at(tallies, i, 3 + (size_t)k)->i;
            sum[k] += n[k];
        }
        if (rows_at(tallies, i, 11)->i > last)
            last = rows_at(tallies, i, 11)->i;
        buf_printf(&b, "# 1.%zu. %s%s%s%s%s\n", i + 1,
                   ballot ? "Phiếu lấy ý kiến hộ gia đình" : "Cuộc họp", cluster[0] ? ", cụm " : "",
                   cluster, ballot ? "" : ", biểu quyết bằng ", ballot ? "" : method_label(method));
        buf_printf(&b,
                   "- Tán thành: %lld; không tán thành: %lld; ý kiến khác: %lld; không hợp lệ: "
                   "%lld (tổng số: %lld).\n",
                   (long long)n[0], (long long)n[1], (long long)n[2], (long long)n[3],
                   (long long)(n[0] + n[1] + n[2] + n[3]));
        const char *board = names_line(a, cell_text(tallies, i, 8));
        const char *wit = names_line(a, cell_text(tallies, i, 9));
        const char *secretary = cell_text(tallies, i, 10);
        if (board[0])
            buf_printf(&b, "- %s: %s.\n", ballot ? "Tổ phát phiếu, kiểm phiếu" : "Ban kiểm phiếu",
                       board);
        if (wit[0])
            buf_printf(&b, "- Đại diện hộ gia đình chứng kiến: %s.\n", wit);
        if (secretary[0])
            buf_printf(&b, "- Thư ký: %s.\n", secretary);
        n_witnesses = add_names(a, cell_text(tallies, i, 9), witnesses, n_witnesses,
                                sizeof witnesses / sizeof witnesses[0]);
    }
    buf_printf(&b,
               "\n# 2. Tổng hợp\n- Cộng các lần kiểm: tán thành %lld; không tán thành %lld; ý kiến "
               "khác %lld; không hợp lệ %lld.\n",
               (long long)sum[0], (long long)sum[1], (long long)sum[2], (long long)sum[3]);
    if (cards->n_rows) {
        int64_t delivered = 0, collected = 0;
        for (size_t i = 0; i < cards->n_rows; i++) {
            delivered += rows_at(cards, i, 4)->i != 0;
            collected += rows_at(cards, i, 5)->i != 0;
        }
        buf_printf(&b,
                   "- Phiếu lấy ý kiến hộ gia đình: đã lập %zu phiếu, đã phát %lld phiếu, đã thu "
                   "%lld phiếu.\n",
                   cards->n_rows, (long long)delivered, (long long)collected);
    }
    buf_printf(&b, "- Tổng số hộ gia đình theo danh sách đã chốt: %lld hộ.\n",
               (long long)d.households_total);
    if (!strcmp(d.status, "counted")) {
        const struct dr_rules *rules = dm_rules_for(dm_env(r), &d);
        struct dr_result res2;
        dr_judge(rules, d.matter, d.households_total, d.approve, d.reject, d.other, &res2);
        buf_printf(&b,
                   "- Kết quả chung (mọi hình thức): %lld hộ tham gia; tán thành %lld, không tán "
                   "thành %lld, ý kiến khác %lld; cần ít nhất %lld hộ tán thành: %s.\n",
                   (long long)d.households_voted, (long long)d.approve, (long long)d.reject,
                   (long long)d.other, (long long)res2.needed,
                   d.passed ? "ĐẠT, nội dung được thông qua"
                            : "KHÔNG ĐẠT, nội dung không được thông qua");
    } else {
        buf_puts(&b, "- Kết quả chung được xác định khi kiểm xong mọi hình thức biểu quyết.\n");
    }
    struct export_signer *cos = arena_zalloc(a, (n_witnesses + 1) * sizeof *cos);
    for (size_t i = 0; i < n_witnesses; i++)
        cos[i] = (struct export_signer){"Người chứng kiến", witnesses[i]};
    struct export_notice n = {0};
    n.head.parent_body = arena_printf(a, "UBND %s", commune);
    n.head.issuer = v.name;
    n.head.number = "";
    n.head.place = commune;
    n.head.date = date_vn_from_time((time_t)last);
    n.head.doc_type = "BIÊN BẢN KIỂM PHIẾU";
    n.head.summary = arena_printf(a, "%s về %s",
                                  has_ballot ? "Kết quả lấy ý kiến hộ gia đình bằng phiếu"
                                  : has_secret ? "Kết quả bỏ phiếu kín tại cuộc họp"
                                               : "Kết quả biểu quyết tại cuộc họp",
                                  d.title);
    n.body = b.ptr;
    n.signer_role = has_ballot && has_secret ? "TM. TỔ PHÁT PHIẾU / BAN KIỂM PHIẾU"
                    : has_ballot             ? "TM. TỔ PHÁT PHIẾU"
                                             : "TM. BAN KIỂM PHIẾU";
    n.signer_name = "";
    n.recipients =
        arena_printf(a, "- UBND %s;\n- Ủy ban MTTQ %s;\n- Lưu: %s.", commune, commune, v.name);
    n.cosigners = cos;
    n.n_cosigners = n_witnesses;
    buf_init(&res->body, a);
    char err[256];
    if ((rc = export_notice_pdf(&n, to_buf, &res->body, err, sizeof err)) != 0) {
        log_error("decision %lld minutes: %s", (long long)d.id, err);
        return rc;
    }
    res->content_type = "application/pdf";
    res->filename = arena_printf(a, "bien-ban-kiem-phieu-%lld.pdf", (long long)d.id);
    return 0;
}

/* ---- the household ballot cards (D5) ---- */

/* Never kept by a browser or a proxy: the cards' codes vote. */
static void no_store(struct http_response *res)
{
    if (res->n_headers < sizeof res->headers / sizeof res->headers[0])
        res->headers[res->n_headers++] = (struct http_header){"Cache-Control", "no-store"};
}

enum { CARD_ABOVE = 15, CARD_BELOW = 2 };

/* A finished sheet being sent. */
struct sheet {
    struct buf pdf; /* the document (heap) */
    size_t off;     /* bytes handed out so far */
};

static int sheet_next(void *ctx, struct buf *out)
{
    struct sheet *sh = ctx;
    size_t n = sh->pdf.len - sh->off < 256 * 1024 ? sh->pdf.len - sh->off : 256 * 1024;
    buf_append(out, sh->pdf.ptr + sh->off, n);
    sh->off += n;
    return sh->off < sh->pdf.len;
}

static void sheet_close(void *ctx)
{
    struct sheet *sh = ctx;
    buf_free(&sh->pdf);
    free(sh);
}

/* GET /quan-ly/bieu-quyet/{id}/phieu.pdf - decision.manage. One A5 page per card made (D5):
 * the question, the household, three boxes to tick, the return deadline, the one-time code
 * printed large, and when the matter is also decided online the QR code of the card's page;
 * the village head signs at the bottom right. 404 before any card is made. */
static int get_cards_pdf(struct http_request *r, struct http_response *res)
{
    struct dm_item d;
    struct unit v;
    int manage, rc = dm_access(r, &d, &v, &manage);
    if (rc)
        return rc;
    if (!manage)
        return ERR_FORBIDDEN;
    struct rows *cards;
    if ((rc = dm_store_cards(r->db, r->a, d.id, &cards)) != 0)
        return rc;
    if (!cards->n_rows || !d.card_key[0])
        return ERR_NOT_FOUND;
    struct arena *a = r->a;
    const struct decision_env *env = dm_env(r);
    int online = (d.forms & (1u << DF_ONLINE)) != 0;
    const char *commune = commune_name(r, &v);
    /* D5: a commune-wide ballot comes from the UBND and bears its stamp at the top; a village's
     * ballot bears the village head's signature at the bottom right. */
    const char *top = d.commune_id ? upper(a, arena_printf(a, "Ủy ban nhân dân %s", commune))
                                   : upper(a, commune),
               *village = upper(a, v.name);
    const char *about = arena_printf(a, "Về: %s", d.title);
    const char *question = arena_printf(a, "Câu hỏi: %s", d.question);
    double qsize = strlen(d.question) > 400 ? 10 : 12;
    struct date dl;
    const char *deadline = d.ballot_deadline[0] && date_parse(d.ballot_deadline, &dl) == 0
                               ? arena_printf(a, "Hạn nộp phiếu: ngày %s", dm_vn(a, dl))
                               : "";
    const char *type_url = arena_printf(a, "hoặc nhập mã tại %s/phieu", env->base_url);
    struct export_qr_page *pages = arena_alloc(a, cards->n_rows * sizeof *pages);
    for (size_t i = 0; i < cards->n_rows; i++) {
        char code[DM_CODE_LEN + 1];
        dm_card_code(d.card_key, d.id, rows_at(cards, i, 0)->i, code);
        const char *rep = cell_text(cards, i, 3), *addr = cell_text(cards, i, 2);
        struct export_qr_text *above = arena_alloc(a, CARD_ABOVE * sizeof *above);
        struct export_qr_text *below = arena_alloc(a, CARD_BELOW * sizeof *below);
        size_t k = 0;
        above[k++] = (struct export_qr_text){top, 10, 0};
        above[k++] = (struct export_qr_text){village, 11, 1};
        above[k++] = (struct export_qr_text){d.commune_id ? "(Dấu của Ủy ban nhân dân)" : "",
                                             d.commune_id ? 8 : 6, 0};
        above[k++] = (struct export_qr_text){"PHIẾU LẤY Ý KIẾN HỘ GIA ĐÌNH", 16, 1};
        above[k++] = (struct export_qr_text){about, 12, 1};
        above[k++] =
            (struct export_qr_text){arena_printf(a, "Hộ gia đình: %s%s%s", cell_text(cards, i, 1),
                                                 rep[0] ? " – " : "", rep),
                                    12, 0};
        above[k++] =
            (struct export_qr_text){addr[0] ? arena_printf(a, "Địa chỉ: %s", addr) : "", 10, 0};
        above[k++] = (struct export_qr_text){question, qsize, 0};
        above[k++] = (struct export_qr_text){
            "□ Tán thành          □ Không tán thành          □ Ý kiến khác", 13, 0};
        above[k++] = (struct export_qr_text){
            "Ý kiến khác: ..............................................................", 11, 0};
        above[k++] =
            (struct export_qr_text){"Đánh dấu X vào một ô. Mỗi hộ gia đình một phiếu.", 9, 0};
        above[k++] = (struct export_qr_text){deadline, 11, 1};
        above[k++] = (struct export_qr_text){"Mã phiếu", 9, 0};
        above[k++] = (struct export_qr_text){arena_printf(a, "%.5s-%s", code, code + 5), 24, 1};
        below[0] = (struct export_qr_text){
            online ? "Quét mã để biểu quyết trực tuyến (nếu được tổ chức)" : "", 9, 0};
        below[1] = (struct export_qr_text){online ? type_url : "", 8, 0};
        pages[i] = (struct export_qr_page){
            .width_mm = 148,
            .height_mm = 210,
            .margin_mm = 10,
            .above = above,
            .n_above = k,
            .qr_url = online ? arena_printf(a, "%s/phieu/%s", env->base_url, code) : NULL,
            .qr_mm = 26,
            .below = below,
            .n_below = online ? CARD_BELOW : 0,
        };
    }
    /* Made here, on the heap, and handed out as a stream: the http layer sends it in pieces
     * (no second copy), counts it among the few long exports at once, and gives the memory
     * back to the system once it is sent. */
    struct sheet *sh = calloc(1, sizeof *sh);
    if (!sh)
        abort();
    buf_init(&sh->pdf, NULL);
    buf_reserve(&sh->pdf, cards->n_rows * 5000 + 65536); /* ~4.6 KB a card: no regrowth */
    char err[256];
    const char *sign = d.commune_id ? NULL : arena_printf(a, "Chữ ký %s", dm_head_title(&v));
    rc = export_qr_pages_pdf(pages, cards->n_rows, sign, to_buf, &sh->pdf, err, sizeof err);
    if (rc) {
        log_error("decision %lld cards: %s", (long long)d.id, err);
        sheet_close(sh);
        return rc;
    }
    res->stream = (struct http_stream){sheet_next, sheet_close, sh};
    no_store(res);
    res->content_type = "application/pdf";
    res->filename = arena_printf(a, "phieu-lay-y-kien-%lld.pdf", (long long)d.id);
    return 0;
}

/* ---- the attendance sheet (D4) ---- */

/* GET /quan-ly/bieu-quyet/{id}/diem-danh.pdf - decision.manage. The frozen roll as an A4 sheet
 * the representative of each household signs on arrival; the village head ticks the same
 * households on the page afterwards, or types their codes. 404 before the notice. */
static int get_attendance_pdf(struct http_request *r, struct http_response *res)
{
    struct dm_item d;
    struct unit v;
    int manage, rc = dm_access(r, &d, &v, &manage);
    if (rc)
        return rc;
    if (!manage)
        return ERR_FORBIDDEN;
    if (!d.roll_frozen_at)
        return ERR_NOT_FOUND;
    struct rows *roll;
    if ((rc = dm_store_roll(r->db, r->a, d.id, &roll)) != 0)
        return rc;
    struct arena *a = r->a;
    const char *commune = commune_name(r, &v);
    static const struct export_col cols[] = {
        {"STT", 12, 1},         {"Mã hộ", 30, 1},  {"Địa chỉ", 50, 0},
        {"Đại diện hộ", 38, 0}, {"Ký tên", 35, 1},
    };
    struct date day = date_vn_from_time(time(NULL));
    if (d.meeting_on[0])
        date_parse(d.meeting_on, &day);
    struct export_doc_head head = {
        arena_printf(a, "UBND %s", commune),
        v.name,
        "",
        commune,
        day,
        "DANH SÁCH",
        arena_printf(a, "Đại diện hộ gia đình dự họp ngày %s về: %s", dm_vn(a, day), d.title),
    };
    buf_init(&res->body, a);
    struct export_pdf_table *pt;
    char err[256];
    if ((rc = export_pdf_table_begin(&head, cols, sizeof cols / sizeof cols[0], to_buf, &res->body,
                                     &pt, err, sizeof err)) != 0)
        return rc;
    size_t n = 0;
    for (size_t i = 0; rc == 0 && i < roll->n_rows; i++) {
        int gone = strcmp(cell_text(roll, i, 4), "active") != 0;
        const char *cells[] = {arena_printf(a, "%zu", ++n), cell_text(roll, i, 1),
                               cell_text(roll, i, 2), cell_text(roll, i, 3),
                               gone ? "(đã chuyển đi)" : ""};
        rc = export_pdf_table_row(pt, cells);
    }
    const char *footer = arena_printf(a,
                                      "Tổng số hộ gia đình theo danh sách chốt ngày %s: %zu. Số "
                                      "hộ có mặt: .......... Kết quả biểu quyết tính trên tổng số "
                                      "hộ gia đình (Điều 21 Luật Thực hiện dân chủ ở cơ sở).",
                                      dm_vn_iso(a, d.notice_on), roll->n_rows);
    int rc2 = export_pdf_table_end(pt, footer, upper(a, dm_head_title(&v)), "", err, sizeof err);
    if (rc || rc2)
        return rc ? rc : rc2;
    res->content_type = "application/pdf";
    res->filename = arena_printf(a, "danh-sach-du-hop-%lld.pdf", (long long)d.id);
    return 0;
}

#define N(x) (sizeof(x) / sizeof((x)[0]))

const struct http_route dm_doc_routes[] = {
    {"GET", "/decisions/{id}/thong-bao.pdf", get_notice_pdf, NULL, NULL, NULL, HTTP_RAW, NULL, 0,
     0},
    {"GET", "/decisions/{id}/quyet-dinh.pdf", get_decision_pdf, NULL, NULL, NULL, HTTP_RAW, NULL, 0,
     0},
    {"GET", "/decisions/{id}/quyet-dinh.docx", get_decision_docx, NULL, NULL, NULL, HTTP_RAW, NULL,
     0, 0},
    {"GET", "/quan-ly/bieu-quyet/{id}/bien-ban-kiem-phieu.pdf", get_minutes_pdf, NULL, NULL, NULL,
     HTTP_LOGIN | HTTP_RAW, NULL, 0, 0},
    {"GET", "/quan-ly/bieu-quyet/{id}/diem-danh.pdf", get_attendance_pdf, NULL, NULL, NULL,
     HTTP_LOGIN | HTTP_RAW, NULL, 0, 0},
    {"GET", "/quan-ly/bieu-quyet/{id}/phieu.pdf", get_cards_pdf, NULL, NULL, NULL,
     HTTP_LOGIN | HTTP_RAW, NULL, 0, 0},
};
const size_t dm_doc_n_routes = N(dm_doc_routes);

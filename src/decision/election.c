/*
 * election.c - elections in a village (DOMAIN D10, F1, F2): the village head (M4, recognised by
 * the UBND), a member of the Ban Thanh tra nhân dân or the residents' representatives on a Ban
 * Giám sát đầu tư của cộng đồng (M5, recognised by the MTTQ), and the village head's dismissal
 * (M4). Creating one tables its matter (dm_store_create: a meeting, convened by the election team
 * for the head, by the Ban công tác Mặt trận otherwise); the vote, the count and the recognition
 * then run through the decision pages. This file keeps what comes before the vote and after it:
 *   - the head's timeline (D10): the Chairman's decision and plan at least 20 days before the
 *     election, the election team 10 (led by the Ban công tác Mặt trận, no candidate on it), the
 *     public notice 7, the candidate list to the UBND (Mẫu 05) 15 - each day recorded is checked
 *     against the latest day dr_head_timeline allows and shown on time, late or missing;
 *   - board members: the board's size (F1: one a village, at least 5; at most 5 under 5
 *     villages; F2) as guidance, and the candidates' eligibility confirmed by whoever tables it;
 *   - a dismissal: on resignation, on the Ban công tác Mặt trận's proposal, or on a petition of
 *     at least half of the village's households, whose signatures are the matter's consents as a
 *     citizen initiative's are (online on the result page, on paper here); once the UBND
 *     recognises it, the new election is due within 60 days (dr_reelect_by) and an interim head
 *     is recorded.
 *
 * The SQL of decision_elections (migration 0029) is in store_election.c (election.h); every
 * write appends an audit row on the matter ("decision:<id>").
 */
#include <string.h>
#include <time.h>

#include <utf8proc.h>

#include "decision/election.h"

/* ---- kinds and triggers ---- */

static const struct {
    const char *id;    /* decision_elections.kind */
    const char *label; /* shown */
} kinds[] = {
    {"head", "Bầu Trưởng thôn, Tổ trưởng tổ dân phố"},
    {"inspection_board", "Bầu thành viên Ban Thanh tra nhân dân"},
    {"investment_board", "Bầu đại diện Nhân dân vào Ban Giám sát đầu tư của cộng đồng"},
    {"head_dismissal", "Miễn nhiệm, bãi nhiệm Trưởng thôn, Tổ trưởng tổ dân phố"},
};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

static const struct {
    const char *id;       /* decision_elections.dismissal_trigger */
    const char *label;    /* shown */
    const char *proposer; /* decisions.proposer of the matter */
} triggers[] = {
    {"resignation", "Xin thôi làm Trưởng thôn, Tổ trưởng tổ dân phố", "front"},
    {"proposal", "Đề nghị của Ban công tác Mặt trận", "front"},
    {"petition", "Kiến nghị của các hộ gia đình", "initiative"},
};
#define N_TRIGGERS (sizeof triggers / sizeof triggers[0])

int el_kind_parse(const char *s)
{
    for (size_t i = 0; s && i < N_KINDS; i++)
        if (!strcmp(s, kinds[i].id))
            return (int)i;
    return -1;
}

const char *el_kind_id(enum el_kind k)
{
    return kinds[k].id;
}

static int trigger_parse(const char *s)
{
    for (size_t i = 0; s && i < N_TRIGGERS; i++)
        if (!strcmp(s, triggers[i].id))
            return (int)i;
    return -1;
}

/* ---- small helpers ---- */

/* "5 năm", "2,5 năm", "18 tháng". */
static const char *term_label(struct arena *a, int months)
{
    if (months % 12 == 0)
        return arena_printf(a, "%d năm", months / 12);
    if (months % 6 == 0)
        return arena_printf(a, "%d,5 năm", months / 12);
    return arena_printf(a, "%d tháng", months);
}

/* The names of a list typed one a line (or separated by commas or semicolons), trimmed, empty
 * ones dropped; at most max. */
static size_t names_of(struct arena *a, const char *text, const char **out, size_t max)
{
    size_t n = 0;
    const char *p = text;
    while (*p && n < max) {
        size_t len = strcspn(p, "\r\n,;");
        struct str s = str_trim((struct str){p, len});
        if (s.len)
            out[n++] = str_dup(a, s);
        p += len;
        if (*p)
            p++;
    }
    return n;
}

/* A name as compared: lower case, one space between words, without "ông"/"bà" before it (the
 * text is NFC already: the http layer normalises every field). Tone marks stay: Ân is not An. */
static const char *name_key(struct arena *a, const char *name)
{
    struct buf b;
    buf_init(&b, a);
    buf_puts(&b, "");
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)name;
    utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(name);
    int space = 1;
    while (left > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, left, &cp);
        if (k <= 0)
            break;
        p += k;
        left -= k;
        if (cp == ' ' || cp == '\t' || cp == '.' || cp == 0xA0) {
            if (!space)
                buf_putc(&b, ' ');
            space = 1;
            continue;
        }
        utf8proc_uint8_t out[4];
        buf_append(&b, out, (size_t)utf8proc_encode_char(utf8proc_tolower(cp), out));
        space = 0;
    }
    while (b.len && b.ptr[b.len - 1] == ' ')
        b.ptr[--b.len] = '\0';
    const char *s = b.ptr;
    if (!strncmp(s, "ông ", strlen("ông ")))
        s += strlen("ông ");
    else if (!strncmp(s, "bà ", strlen("bà ")))
        s += strlen("bà ");
    return s;
}

/* The first candidate who is also on the election team, or NULL. */
static const char *candidate_on_team(struct arena *a, const char *candidates, const char *leader,
                                     const char *members)
{
    const char *c[64], *t[64];
    size_t nc = names_of(a, candidates, c, 64);
    size_t nt = names_of(a, members, t, 63);
    if (leader && leader[0])
        t[nt++] = leader;
    for (size_t i = 0; i < nc; i++) {
        const char *ki = name_key(a, c[i]);
        for (size_t j = 0; j < nt; j++)
            if (ki[0] && !strcmp(ki, name_key(a, t[j])))
                return c[i];
    }
    return NULL;
}

static const char *names_joined(struct arena *a, const char *const *names, size_t n,
                                const char *sep)
{
    struct buf b;
    buf_init(&b, a);
    buf_puts(&b, "");
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_puts(&b, sep);
        buf_puts(&b, names[i]);
    }
    return b.ptr;
}

static json_t *names_json(struct arena *a, const char *text)
{
    const char *names[64];
    size_t n = names_of(a, text, names, 64);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:s}", "name", names[i]));
    return arr;
}

/* "ít nhất 50%" of a threshold (p/q as a percentage when it is a whole one). */
static const char *share_label(struct arena *a, struct dr_threshold t)
{
    const char *how = t.strict ? "quá" : "ít nhất";
    if (t.q > 0 && (t.p * 100) % t.q == 0)
        return arena_printf(a, "%s %d%%", how, t.p * 100 / t.q);
    return arena_printf(a, "%s %d/%d", how, t.p, t.q);
}

/* ---- access ---- */

/* The election of capture "id", its matter and village; 0 when r may read it (manage it, or
 * recognise its result: the UBND for M4, the MTTQ for M5), *manage when r may record steps. */
static int el_access(struct http_request *r, struct el_row *e, struct dm_item *d, struct unit *v,
                     int *manage)
{
    int64_t id;
    if (parse_int64(str_c(http_arg(r, "id")), 1, INT64_MAX, &id) != 0)
        return ERR_NOT_FOUND;
    int rc = el_store_get(r->db, r->a, id, e);
    if (rc == 0)
        rc = dm_store_get(r->db, r->a, id, d);
    if (rc == 0)
        rc = units_get_id(r->db, d->unit_id, v);
    if (rc)
        return rc;
    int m = http_authorize(r, "decision.manage", v->code) == 0;
    if (manage)
        *manage = m;
    if (m)
        return 0;
    const char *perm =
        dr_recogniser(d->matter) == DR_MTTQ ? "decision.recognise_front" : "decision.recognise";
    return http_authorize(r, perm, v->code);
}

/* ---- GET /quan-ly/bau-cu?don_vi=CODE: elections of a village or commune, and a new one ---- */

static const struct http_param_spec index_params[] = {
    {"don_vi", HP_TEXT, 0, 0, 32},
};

/* The board's size and eligibility for the commune of v (F1, F2), as guidance. */
static int board_guidance(struct http_request *r, const struct unit *v, json_t *m)
{
    struct unit c;
    struct unit *vs;
    size_t n = 0;
    int rc = units_commune_of(r->db, v->id, &c);
    if (rc == 0)
        rc = units_villages_of(r->db, r->a, c.id, &vs, &n);
    if (rc)
        return rc;
    const char *inspection =
        n >= 5 ? arena_printf(r->a,
                              "%s có %zu thôn, tổ dân phố: Ban Thanh tra nhân dân có %zu thành "
                              "viên, mỗi thôn, tổ dân phố một người (ít nhất 5 thành viên). Ủy "
                              "ban Mặt trận Tổ quốc quyết định số lượng; Ban có Trưởng ban và "
                              "không quá 2 Phó Trưởng ban.",
                              c.name, n, n)
               : arena_printf(r->a,
                              "%s có %zu thôn, tổ dân phố (ít hơn 5): Ban Thanh tra nhân dân có "
                              "không quá 5 thành viên. Ủy ban Mặt trận Tổ quốc quyết định số "
                              "lượng; Ban có Trưởng ban và không quá 2 Phó Trưởng ban.",
                              c.name, n);
    json_object_set_new(
        m, "guidance",
        json_pack("{s:s,s:s,s:s,s:s,s:I}", "inspection", inspection, "investment",
                  "Ban Giám sát đầu tư của cộng đồng do Ủy ban Mặt trận Tổ quốc thành lập cho "
                  "từng dự án: ít nhất 5 thành viên gồm đại diện Ủy ban Mặt trận Tổ quốc, Ban "
                  "Thanh tra nhân dân và đại diện Nhân dân (không quá 5 người, bầu tại cuộc họp "
                  "cộng đồng dân cư); không quá 2 Phó Trưởng ban.",
                  "inspection_eligibility",
                  "Người ứng cử thường trú tại địa phương; không phải cán bộ, công chức của xã, "
                  "phường, không phải người hoạt động không chuyên trách ở thôn, tổ dân phố.",
                  "investment_eligibility",
                  "Người ứng cử cư trú tại địa phương; không phải cán bộ, công chức của xã, "
                  "phường; không có người thân là người của chủ đầu tư, nhà thầu, đơn vị tư vấn "
                  "của dự án.",
                  "villages", (json_int_t)n));
    return 0;
}

static int index_page(struct http_request *r, struct http_response *res, const struct unit *u)
{
    struct rows *t;
    int rc = el_store_list(r->db, r->a, u->id, &t);
    if (rc)
        return rc;
    size_t kl = rows_add_col(t, "kind_label"), url = rows_add_col(t, "url"),
           sl = rows_add_col(t, "status_label"), day = rows_add_col(t, "election_day");
    for (size_t i = 0; i < t->n_rows; i++) {
        int k = el_kind_parse(rows_text(rows_at(t, i, 2)));
        rows_set_text(rows_at(t, i, kl), k < 0 ? "" : kinds[k].label);
        rows_set_text(rows_at(t, i, url),
                      arena_printf(r->a, "/quan-ly/bau-cu/%lld", (long long)rows_at(t, i, 0)->i));
        const char *rec = rows_text(rows_at(t, i, 6));
        rows_set_text(rows_at(t, i, sl), !strcmp(rec, "recognised") ? "Đã công nhận"
                                         : !strcmp(rec, "refused")
                                             ? "Bị từ chối công nhận"
                                             : dm_status_label(rows_text(rows_at(t, i, 5))));
        rows_set_text(rows_at(t, i, day), dm_vn_iso(r->a, rows_text(rows_at(t, i, 3))));
    }
    if (!res->model)
        res->model = json_object();
    json_t *m = res->model;
    http_model_rows(res, "items", t);
    json_object_set_new(m, "has_items", json_boolean(t->n_rows > 0));
    json_object_set_new(m, "unit", json_pack("{s:s,s:s}", "code", u->code, "name", u->name));
    json_t *villages = json_array();
    const char *chosen = dm_param(r, "don_vi");
    if (units_kind_is_commune(u->kind)) {
        struct unit *vs;
        size_t n;
        if ((rc = units_villages_of(r->db, r->a, u->id, &vs, &n)) != 0)
            return rc;
        for (size_t i = 0; i < n; i++)
            json_array_append_new(villages,
                                  json_pack("{s:s,s:s,s:b}", "code", vs[i].code, "name", vs[i].name,
                                            "selected", !strcmp(chosen, vs[i].code)));
    } else {
        json_array_append_new(
            villages, json_pack("{s:s,s:s,s:b}", "code", u->code, "name", u->name, "selected", 1));
    }
    json_object_set_new(m, "villages", villages);
    const char *kind = dm_param(r, "loai");
    json_t *ks = json_array();
    for (size_t i = 0; i < N_KINDS; i++)
        json_array_append_new(ks,
                              json_pack("{s:s,s:s,s:b}", "id", kinds[i].id, "label", kinds[i].label,
                                        "selected", !strcmp(kind, kinds[i].id)));
    json_object_set_new(m, "kinds", ks);
    const char *trigger = dm_param(r, "ly_do");
    json_t *ts = json_array();
    for (size_t i = 0; i < N_TRIGGERS; i++)
        json_array_append_new(ts, json_pack("{s:s,s:s,s:b}", "id", triggers[i].id, "label",
                                            triggers[i].label, "selected",
                                            !strcmp(trigger, triggers[i].id)));
    json_object_set_new(m, "triggers", ts);
    int64_t term = http_param_int(r, "nhiem_ky", 60);
    json_object_set_new(m, "terms",
                        json_pack("[{s:i,s:s,s:b},{s:i,s:s,s:b}]", "months", 60, "label", "5 năm",
                                  "selected", term != 30, "months", 30, "label", "2,5 năm",
                                  "selected", term == 30));
    if (!json_object_get(m, "form"))
        json_object_set_new(m, "form",
                            json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:b}", "ngay_bau",
                                      dm_param(r, "ngay_bau"), "ung_cu_vien",
                                      dm_param(r, "ung_cu_vien"), "du_an", dm_param(r, "du_an"),
                                      "nguoi_bi_mien", dm_param(r, "nguoi_bi_mien"), "ghi_chu",
                                      dm_param(r, "ghi_chu"), "du_dieu_kien",
                                      dm_param(r, "du_dieu_kien")[0] != '\0', "bo_phieu_kin",
                                      !http_param(r, "loai") || dm_param(r, "bo_phieu_kin")[0]));
    if ((rc = board_guidance(r, u, m)) != 0)
        return rc;
    res->template = "decision/election_list";
    res->title = arena_printf(r->a, "Bầu cử, miễn nhiệm – %s", u->name);
    return 0;
}

static int page_index(struct http_request *r, struct http_response *res)
{
    const struct auth_user *au = r->user->ext;
    struct unit u;
    const char *code = http_param(r, "don_vi");
    int rc = code && code[0] ? units_get(r->db, code, &u)
             : au->unit_id   ? units_get_id(r->db, au->unit_id, &u)
                             : ERR_NOT_FOUND;
    if (rc)
        return rc;
    if ((rc = http_authorize(r, "decision.manage", u.code)) != 0)
        return rc;
    return index_page(r, res, &u);
}

/* ---- POST /quan-ly/bau-cu: a new election or dismissal, with its matter ---- */

static const struct http_param_spec new_params[] = {
    {"don_vi", HP_TEXT, 1, 1, 32},         {"loai", HP_TEXT, 1, 1, 20},
    {"ngay_bau", HP_TEXT, 0, 0, 10},       {"ung_cu_vien", HP_LINES, 0, 0, 2000},
    {"nhiem_ky", HP_INT, 0, 12, 120},      {"du_an", HP_TEXT, 0, 0, 300},
    {"du_dieu_kien", HP_TEXT, 0, 0, 2},    {"ly_do", HP_TEXT, 0, 0, 20},
    {"nguoi_bi_mien", HP_TEXT, 0, 0, 200}, {"ghi_chu", HP_LINES, 0, 0, 2000},
    {"bo_phieu_kin", HP_TEXT, 0, 0, 2},
};

struct new_job {
    struct dm_new in; /* the matter */
    struct el_row e;  /* the election (decision_id set on the writer) */
    int64_t actor;    /* who tabled it */
};

static int run_new(struct db *db, void *arg)
{
    struct new_job *j = arg;
    return el_store_create(db, j->actor, &j->in, &j->e);
}

static int after_new(struct http_request *r, struct http_response *res, int rc)
{
    struct new_job *j = r->state;
    if (rc)
        return rc;
    res->redirect = arena_printf(r->a, "/quan-ly/bau-cu/%lld", (long long)j->in.id);
    res->flash = j->e.kind == EL_DISMISSAL
                     ? "Đã lập việc miễn nhiệm, bãi nhiệm và nội dung đưa ra cuộc họp (M4)."
                     : "Đã lập cuộc bầu cử và nội dung đưa ra cuộc họp để biểu quyết.";
    return 0;
}

/* The matter's title, question and text for election e of village v (commune c). */
static void matter_texts(struct arena *a, const struct el_row *e, const struct unit *v,
                         const char *commune, const char *const *names, size_t n, struct dm_new *in)
{
    const char *role = dm_head_title(v);
    const char *list = names_joined(a, names, n, ", ");
    struct buf body;
    buf_init(&body, a);
    buf_puts(&body, "");
    switch (e->kind) {
    case EL_HEAD:
        in->title = arena_printf(a, "Bầu %s – %s (nhiệm kỳ %s)", role, v->name,
                                 term_label(a, e->term_months));
        in->question = n == 1 ? arena_printf(a, "Tán thành bầu %s làm %s %s?", list, role, v->name)
                              : arena_printf(a, "Bầu %s %s trong số những người ứng cử: %s?", role,
                                             v->name, list);
        break;
    case EL_INSPECTION:
        in->title =
            arena_printf(a, "Bầu thành viên Ban Thanh tra nhân dân %s – %s", commune, v->name);
        in->question = arena_printf(a, "Tán thành bầu %s làm thành viên Ban Thanh tra nhân dân %s?",
                                    list, commune);
        break;
    case EL_INVESTMENT:
        in->title = arena_printf(a,
                                 "Bầu đại diện Nhân dân vào Ban Giám sát đầu tư của cộng đồng – "
                                 "%s",
                                 e->project);
        in->question = arena_printf(a,
                                    "Tán thành bầu %s làm thành viên Ban Giám sát đầu tư của "
                                    "cộng đồng (%s)?",
                                    list, e->project);
        break;
    case EL_DISMISSAL: {
        int resigned = !strcmp(e->trigger, "resignation");
        in->title = arena_printf(a, "%s %s %s – %s", resigned ? "Miễn nhiệm" : "Bãi nhiệm", role,
                                 e->dismissed_name, v->name);
        in->question =
            arena_printf(a, "Tán thành %s %s %s đối với %s?", resigned ? "miễn nhiệm" : "bãi nhiệm",
                         role, v->name, e->dismissed_name);
        int t = trigger_parse(e->trigger);
        buf_printf(&body, "Căn cứ: %s.\n", t < 0 ? "" : triggers[t].label);
        if (e->dismissal_note[0])
            buf_printf(&body, "%s\n", e->dismissal_note);
        break;
    }
    }
    if (n) {
        buf_puts(&body, "Người ứng cử:\n");
        for (size_t i = 0; i < n; i++)
            buf_printf(&body, "- %s\n", names[i]);
    }
    if (e->kind == EL_HEAD || e->kind == EL_INSPECTION)
        buf_printf(&body, "Nhiệm kỳ: %s.\n", term_label(a, e->term_months));
    in->body = body.ptr;
}

static int new_error(struct http_request *r, struct http_response *res, const struct unit *v,
                     const char *message)
{
    http_form_error(res, "form", message);
    return index_page(r, res, v);
}

static int post_new(struct http_request *r, struct http_response *res)
{
    struct unit v, c;
    int rc = units_get(r->db, dm_trimmed(r, "don_vi"), &v);
    if (rc)
        return rc;
    if ((rc = http_authorize(r, "decision.manage", v.code)) != 0)
        return rc;
    if (strcmp(v.kind, "village") != 0 && strcmp(v.kind, "residential_group") != 0)
        return new_error(r, res, &v, "Chọn thôn, tổ dân phố tổ chức bầu cử.");
    if ((rc = units_commune_of(r->db, v.id, &c)) != 0)
        return rc;
    struct new_job *j = arena_zalloc(r->a, sizeof *j);
    struct el_row *e = &j->e;
    int k = el_kind_parse(dm_trimmed(r, "loai"));
    if (k < 0)
        return new_error(r, res, &v, "Chọn loại bầu cử.");
    e->kind = (enum el_kind)k;
    struct date day;
    if (date_parse(dm_trimmed(r, "ngay_bau"), &day) != 0)
        return new_error(
            r, res, &v,
            e->kind == EL_DISMISSAL
                ? "Vui lòng nhập ngày họp xem xét miễn nhiệm, bãi nhiệm (ngày/tháng/năm)."
                : "Vui lòng nhập ngày bầu cử (ngày/tháng/năm).");
    e->election_on = dm_iso(r->a, day);
    e->term_months = (int)http_param_int(r, "nhiem_ky", 60);
    e->project = dm_trimmed(r, "du_an");
    e->trigger = "";
    e->dismissed_name = "";
    e->dismissal_note = "";
    e->eligible = dm_trimmed(r, "du_dieu_kien")[0] != '\0';
    const char *names[64];
    size_t n = names_of(r->a, dm_trimmed(r, "ung_cu_vien"), names, 64);
    if (n > DM_MAX_CANDIDATES)
        return new_error(
            r, res, &v,
            arena_printf(r->a, "Danh sách có thể có tối đa %d người ứng cử.", DM_MAX_CANDIDATES));
    e->candidates = names_joined(r->a, names, n, "\n");
    const char *proposer = e->kind == EL_HEAD ? "election_team" : "front";
    if (e->kind == EL_DISMISSAL) {
        int t = trigger_parse(dm_trimmed(r, "ly_do"));
        if (t < 0)
            return new_error(r, res, &v,
                             "Chọn căn cứ miễn nhiệm, bãi nhiệm: xin thôi, đề nghị của Ban công "
                             "tác Mặt trận hoặc kiến nghị của các hộ gia đình.");
        e->trigger = triggers[t].id;
        proposer = triggers[t].proposer;
        e->dismissed_name = dm_trimmed(r, "nguoi_bi_mien");
        e->dismissal_note = dm_trimmed(r, "ghi_chu");
        e->candidates = "";
        n = 0;
        if (!e->dismissed_name[0])
            return new_error(r, res, &v,
                             arena_printf(r->a, "Vui lòng nhập họ tên %s bị miễn nhiệm, bãi nhiệm.",
                                          dm_head_title(&v)));
    } else if (!n) {
        return new_error(r, res, &v, "Danh sách người ứng cử phải có ít nhất 1 người.");
    } else if (e->kind == EL_INVESTMENT && !e->project[0]) {
        return new_error(
            r, res, &v,
            "Ban Giám sát đầu tư của cộng đồng được thành lập cho từng dự án: vui lòng "
            "nhập tên dự án.");
    } else if ((e->kind == EL_INSPECTION || e->kind == EL_INVESTMENT) && !e->eligible) {
        return new_error(r, res, &v,
                         "Vui lòng xác nhận những người ứng cử đủ điều kiện (không phải cán bộ, "
                         "công chức của xã; thường trú, cư trú tại địa phương).");
    }
    j->actor = r->user->id;
    j->in.actor = r->user->id;
    j->in.unit_id = v.id;
    j->in.matter = e->kind == EL_INSPECTION || e->kind == EL_INVESTMENT ? DM_M5 : DM_M4;
    j->in.proposer = proposer;
    j->in.forms = 1u << DF_MEETING;
    j->in.secret = dm_trimmed(r, "bo_phieu_kin")[0] != '\0';
    j->in.tabled_on = dm_iso(r->a, date_vn_from_time(time(NULL)));
    matter_texts(r->a, e, &v, c.name, names, n, &j->in);
    r->state = j;
    http_defer_write(r, run_new, j);
    return HTTP_DEFERRED;
}

/* ---- GET /quan-ly/bau-cu/{id}: the election's page ---- */

/* The step keys of the head's timeline, in the order they fall due. */
static const char *const step_keys[N_STEPS] = {"ke_hoach", "ung_cu_vien", "to_bau_cu", "niem_yet"};

static int step_parse(const char *s)
{
    for (int i = 0; s && i < N_STEPS; i++)
        if (!strcmp(s, step_keys[i]))
            return i;
    return -1;
}

/* What a step is: its label, how many days before it must be done and its latest day. */
static void step_rule(const struct dr_rules *rules, const struct dr_head_timeline *tl, int step,
                      const char **label, int *days, struct date *latest)
{
    switch (step) {
    case ST_PLAN:
        *label = "Quyết định và kế hoạch bầu cử của Chủ tịch Ủy ban nhân dân";
        *days = rules->head_plan_days;
        *latest = tl->plan;
        break;
    case ST_CANDIDATES:
        *label = "Danh sách người ứng cử gửi Ủy ban nhân dân (biên bản Mẫu 05)";
        *days = rules->head_candidates_days;
        *latest = tl->candidates;
        break;
    case ST_TEAM:
        *label = "Thành lập Tổ bầu cử (Tổ trưởng là đại diện Ban công tác Mặt trận)";
        *days = rules->head_team_days;
        *latest = tl->team;
        break;
    default:
        *label = "Thông báo công khai ngày bầu cử, danh sách người ứng cử";
        *days = rules->head_notice_days;
        *latest = tl->notice;
        break;
    }
}

static const char *step_recorded(const struct el_row *e, int step)
{
    return step == ST_PLAN         ? e->plan_on
           : step == ST_CANDIDATES ? e->candidates_on
           : step == ST_TEAM       ? e->team_on
                                   : e->notice_on;
}

/* The steps of a head election with their latest days and states; posted is the step just
 * refused (its typed values are shown again), or -1. */
static json_t *steps_json(struct http_request *r, const struct dr_rules *rules,
                          const struct el_row *e, int posted)
{
    struct date election, today = date_vn_from_time(time(NULL));
    json_t *arr = json_array();
    if (date_parse(e->election_on, &election) != 0)
        return arr;
    struct dr_head_timeline tl;
    dr_head_timeline(rules, election, &tl);
    for (int i = 0; i < N_STEPS; i++) {
        const char *label;
        int days;
        struct date latest, rec;
        step_rule(rules, &tl, i, &label, &days, &latest);
        const char *recorded = step_recorded(e, i);
        int has = recorded[0] && date_parse(recorded, &rec) == 0;
        int on_time = has && date_cmp(rec, latest) <= 0;
        int late = has && !on_time;
        int missing = !has && date_cmp(today, latest) > 0;
        const char *state =
            on_time   ? "Đúng hạn"
            : late    ? "Trễ hạn"
            : missing ? "Chưa thực hiện, đã quá hạn"
                      : arena_printf(r->a, "Chưa thực hiện (hạn chót %s)", dm_vn(r->a, latest));
        json_t *s = json_pack(
            "{s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:b,s:b,s:b,s:b}", "key", step_keys[i], "label",
            label, "rule", arena_printf(r->a, "ít nhất %d ngày trước ngày bầu cử", days), "latest",
            dm_vn(r->a, latest), "recorded", has ? dm_vn(r->a, rec) : "", "state", state, "on_time",
            on_time, "late", late, "missing", missing, "pending", !has && !missing, "is_team",
            i == ST_TEAM, "is_candidates", i == ST_CANDIDATES);
        json_object_set_new(s, "value",
                            json_string(posted == i ? dm_param(r, "ngay")
                                        : has       ? dm_vn(r->a, rec)
                                                    : ""));
        json_array_append_new(arr, s);
    }
    return arr;
}

/* The petition of a dismissal (D10): signatures of the village's households, and for the
 * village head the list to tick those signed on paper. */
static int petition_model(struct http_request *r, struct http_response *res,
                          const struct dr_rules *rules, const struct dm_item *d, int manage)
{
    int64_t signed_n, households;
    /* Every signature of a household still in the village counts: the 3 months of D2 are a
     * citizen initiative's, no text limits a dismissal petition's (interpretation). */
    int rc = dm_store_consents(r->db, d->id, d->unit_id, "", &signed_n, &households);
    if (rc)
        return rc;
    int open = !strcmp(d->status, "draft");
    json_object_set_new(res->model, "petition",
                        json_pack("{s:I,s:I,s:I,s:b,s:s,s:b,s:b}", "signed", (json_int_t)signed_n,
                                  "households", (json_int_t)households, "needed",
                                  (json_int_t)dr_needed(rules->head_dismissal, households), "meets",
                                  dr_dismissal_petition(rules, signed_n, households), "share",
                                  share_label(r->a, rules->head_dismissal), "open", open,
                                  "can_sign", open && manage));
    if (!(open && manage))
        return 0;
    struct rows *t;
    if ((rc = el_store_signatures(r->db, r->a, d->id, d->unit_id, &t)) != 0)
        return rc;
    size_t sc = rows_add_col(t, "signed");
    for (size_t i = 0; i < t->n_rows; i++)
        rows_set_bool(rows_at(t, i, sc), rows_at(t, i, 3)->i != 0);
    http_model_rows(res, "petition_households", t);
    return 0;
}

/* After a recognised dismissal: the new election due (D10) and the interim head. */
static int reelect_model(struct http_request *r, struct http_response *res,
                         const struct dr_rules *rules, const struct el_row *e,
                         const struct dm_item *d, int manage, int posted)
{
    struct date rec, today = date_vn_from_time(time(NULL));
    if (!d->passed || strcmp(d->recognition, "recognised") != 0 ||
        date_parse(d->recognition_on, &rec) != 0)
        return 0;
    struct date due = dr_reelect_by(rules, rec);
    int64_t next;
    const char *on;
    struct date next_on = {0, 0, 0};
    int rc = el_store_next_head(r->db, r->a, d->unit_id, d->id, &next, &on);
    if (rc)
        return rc;
    if (next && date_parse(on, &next_on) != 0)
        next = 0;
    int late = next ? date_cmp(next_on, due) > 0 : date_cmp(today, due) > 0;
    json_t *j = json_pack("{s:s,s:s,s:i,s:b,s:b,s:s,s:s,s:b,s:s,s:s,s:b}", "recognised_on",
                          dm_vn(r->a, rec), "due", dm_vn(r->a, due), "days",
                          rules->head_reelect_days, "late", late, "has_next", next != 0, "next_url",
                          next ? arena_printf(r->a, "/quan-ly/bau-cu/%lld", (long long)next) : "",
                          "next_on", next ? dm_vn(r->a, next_on) : "", "has_interim",
                          e->interim_head[0] != '\0', "interim_head", e->interim_head, "interim_on",
                          dm_vn_iso(r->a, e->interim_on), "can_interim", manage);
    json_object_set_new(j, "form_ten", json_string(posted ? dm_param(r, "ten") : e->interim_head));
    json_object_set_new(j, "form_ngay",
                        json_string(posted ? dm_param(r, "ngay") : dm_vn_iso(r->a, e->interim_on)));
    json_object_set_new(res->model, "reelect", j);
    return 0;
}

/* The page; posted: the step refused (its typed values shown again), -1 for none, N_STEPS for
 * the interim head's form. */
static int election_page(struct http_request *r, struct http_response *res, const struct el_row *e,
                         const struct dm_item *d, const struct unit *v, int manage, int posted)
{
    const struct dr_rules *rules = dm_rules_for(dm_env(r), d);
    if (!res->model)
        res->model = json_object();
    json_t *m = res->model;
    json_object_set_new(m, "d", dm_item_json(r, d, v));
    int board = e->kind == EL_INSPECTION || e->kind == EL_INVESTMENT;
    int t = trigger_parse(e->trigger);
    json_t *ej = json_pack(
        "{s:I,s:s,s:s,s:s,s:s,s:b,s:b,s:b,s:b,s:b,s:s,s:o,s:s,s:s,s:o,s:b}", "id",
        (json_int_t)e->decision_id, "kind", kinds[e->kind].id, "kind_label", kinds[e->kind].label,
        "election_on", dm_vn_iso(r->a, e->election_on), "role", dm_head_title(v), "is_head",
        e->kind == EL_HEAD, "is_board", board, "is_inspection", e->kind == EL_INSPECTION,
        "is_investment", e->kind == EL_INVESTMENT, "is_dismissal", e->kind == EL_DISMISSAL, "term",
        term_label(r->a, e->term_months), "candidates", names_json(r->a, e->candidates), "project",
        e->project, "team_leader", e->team_leader, "team", names_json(r->a, e->team_members),
        "eligible", e->eligible);
    json_object_set_new(ej, "trigger", json_string(e->trigger));
    json_object_set_new(ej, "trigger_label", json_string(t < 0 ? "" : triggers[t].label));
    json_object_set_new(ej, "is_petition", json_boolean(!strcmp(e->trigger, "petition")));
    json_object_set_new(ej, "dismissed_name", json_string(e->dismissed_name));
    json_object_set_new(ej, "dismissal_note", json_string(e->dismissal_note));
    /* Sections need booleans: an empty string is truthy in our Mustache. */
    json_object_set_new(ej, "has_note", json_boolean(e->dismissal_note[0] != '\0'));
    json_object_set_new(ej, "has_team", json_boolean(e->team_leader[0] != '\0'));
    const char *cands[64];
    size_t nc = names_of(r->a, e->candidates, cands, 64);
    json_object_set_new(ej, "candidates_line", json_string(names_joined(r->a, cands, nc, "; ")));
    json_object_set_new(m, "e", ej);
    enum dm_recogniser who = dr_recogniser(d->matter);
    json_object_set_new(m, "recognition",
                        json_pack("{s:s,s:b,s:b,s:b,s:b,s:s,s:s}", "by",
                                  who == DR_MTTQ ? "Ủy ban Mặt trận Tổ quốc" : "Ủy ban nhân dân",
                                  "counted", !strcmp(d->status, "counted"), "pending",
                                  !strcmp(d->recognition, "pending"), "recognised",
                                  !strcmp(d->recognition, "recognised"), "refused",
                                  !strcmp(d->recognition, "refused"), "on",
                                  dm_vn_iso(r->a, d->recognition_on), "note", d->recognition_note));
    json_object_set_new(m, "can_manage", json_boolean(manage));
    json_object_set_new(m, "reelect_days", json_integer(rules->head_reelect_days));
    if (e->kind == EL_HEAD) {
        json_object_set_new(m, "steps", steps_json(r, rules, e, posted));
        int team_posted = posted == ST_TEAM, cand_posted = posted == ST_CANDIDATES;
        json_object_set_new(
            m, "step_form",
            json_pack("{s:s,s:s,s:s}", "to_truong",
                      team_posted ? dm_param(r, "to_truong") : e->team_leader, "thanh_vien",
                      team_posted ? dm_param(r, "thanh_vien") : e->team_members, "ung_cu_vien",
                      cand_posted ? dm_param(r, "ung_cu_vien") : e->candidates));
    }
    int rc = 0;
    if (board)
        rc = board_guidance(r, v, m);
    if (rc == 0 && e->kind == EL_DISMISSAL && !strcmp(e->trigger, "petition"))
        rc = petition_model(r, res, rules, d, manage);
    if (rc == 0 && e->kind == EL_DISMISSAL)
        rc = reelect_model(r, res, rules, e, d, manage, posted == N_STEPS);
    if (rc)
        return rc;
    res->template = "decision/election";
    res->title = d->title;
    return 0;
}

static int page_election(struct http_request *r, struct http_response *res)
{
    struct el_row e;
    struct dm_item d;
    struct unit v;
    int manage = 0;
    int rc = el_access(r, &e, &d, &v, &manage);
    return rc ? rc : election_page(r, res, &e, &d, &v, manage, -1);
}

/* ---- the writes after creation share one job ---- */

struct step_job {
    int64_t actor, id, unit_id;   /* who, which election, its village */
    enum el_step step;            /* what is recorded */
    const char *day, *s4, *s5;    /* its day and texts (el_store_step) */
    const char *flash;            /* said after it */
    int64_t *hids;                /* petition: households signing on paper */
    size_t n_hids, done, refused; /* their count; signed; not of the village */
};

static int run_step(struct db *db, void *arg)
{
    struct step_job *j = arg;
    if (j->hids) {
        j->done = j->refused = 0;
        for (size_t i = 0; i < j->n_hids; i++) {
            int rc = dm_store_consent(db, j->actor, j->id, j->unit_id, j->hids[i], j->day, 1);
            if (rc == ERR_FORBIDDEN || rc == ERR_NOT_FOUND)
                j->refused++;
            else if (rc)
                return rc;
            else
                j->done++;
        }
        return 0;
    }
    return el_store_step(db, j->actor, j->id, j->unit_id, j->step, j->day, j->s4, j->s5);
}

static int after_step(struct http_request *r, struct http_response *res, int rc)
{
    struct step_job *j = r->state;
    if (rc)
        return rc;
    res->redirect = arena_printf(r->a, "/quan-ly/bau-cu/%lld", (long long)j->id);
    res->flash = j->hids ? arena_printf(r->a, "Đã ghi %zu hộ ký kiến nghị%s.", j->done,
                                        j->refused ? "; có hộ không thuộc thôn, không ghi" : "")
                         : j->flash;
    return 0;
}

static struct step_job *step_job_new(struct http_request *r, const struct el_row *e,
                                     const struct unit *v)
{
    struct step_job *j = arena_zalloc(r->a, sizeof *j);
    j->actor = r->user->id;
    j->id = e->decision_id;
    j->unit_id = v->id;
    r->state = j;
    return j;
}

/* ---- POST /quan-ly/bau-cu/{id}/buoc: a step of the head's timeline (D10) ---- */

static const struct http_param_spec step_params[] = {
    {"buoc", HP_TEXT, 1, 1, 20},           {"ngay", HP_TEXT, 0, 0, 10},
    {"to_truong", HP_TEXT, 0, 0, 200},     {"thanh_vien", HP_LINES, 0, 0, 2000},
    {"ung_cu_vien", HP_LINES, 0, 0, 2000},
};

/* Why a step's day cannot be recorded, or NULL. */
static const char *step_refusal(struct http_request *r, const struct dr_rules *rules,
                                const struct el_row *e, int step, const char *typed,
                                struct date *day)
{
    struct date election;
    if (date_parse(typed, day) != 0)
        return "Ngày phải viết dạng ngày/tháng/năm.";
    if (date_cmp(*day, date_vn_from_time(time(NULL))) > 0)
        return "Ngày này chưa đến: chỉ ghi việc đã làm.";
    if (date_parse(e->election_on, &election) != 0)
        return "Cuộc bầu cử chưa có ngày bầu.";
    struct dr_head_timeline tl;
    dr_head_timeline(rules, election, &tl);
    const char *label;
    int days;
    struct date latest;
    step_rule(rules, &tl, step, &label, &days, &latest);
    if (date_cmp(*day, latest) > 0)
        return arena_printf(r->a,
                            "%s phải có trước ngày bầu cử ít nhất %d ngày (Nghị định số "
                            "59/2023/NĐ-CP): với ngày bầu cử %s, chậm nhất là ngày %s.",
                            label, days, dm_vn(r->a, election), dm_vn(r->a, latest));
    return NULL;
}

static int post_step(struct http_request *r, struct http_response *res)
{
    struct el_row e;
    struct dm_item d;
    struct unit v;
    int manage = 0;
    int rc = el_access(r, &e, &d, &v, &manage);
    if (rc)
        return rc;
    if (!manage)
        return ERR_FORBIDDEN;
    int step = step_parse(dm_trimmed(r, "buoc"));
    const struct dr_rules *rules = dm_rules_for(dm_env(r), &d);
    const char *why = NULL;
    struct date day = {0, 0, 0};
    if (e.kind != EL_HEAD)
        why = "Các bước này chỉ áp dụng cho việc bầu Trưởng thôn, Tổ trưởng tổ dân phố.";
    else if (step < 0)
        why = "Chọn bước cần ghi.";
    else
        why = step_refusal(r, rules, &e, step, dm_trimmed(r, "ngay"), &day);
    const char *leader = dm_trimmed(r, "to_truong"), *members = "", *candidates = "";
    if (!why && step == ST_TEAM) {
        const char *names[64];
        size_t n = names_of(r->a, dm_trimmed(r, "thanh_vien"), names, 64);
        members = names_joined(r->a, names, n, "\n");
        const char *both = candidate_on_team(r->a, e.candidates, leader, members);
        if (!leader[0])
            why = "Vui lòng nhập họ tên Tổ trưởng Tổ bầu cử (đại diện Ban công tác Mặt trận).";
        else if (both)
            why = arena_printf(r->a,
                               "Người ứng cử không được là thành viên Tổ bầu cử: %s có tên trong "
                               "danh sách người ứng cử.",
                               both);
    } else if (!why && step == ST_CANDIDATES) {
        const char *names[64];
        const char *typed = dm_trimmed(r, "ung_cu_vien");
        size_t n = names_of(r->a, typed[0] ? typed : e.candidates, names, 64);
        candidates = names_joined(r->a, names, n, "\n");
        const char *both = candidate_on_team(r->a, candidates, e.team_leader, e.team_members);
        if (strcmp(d.status, "draft") != 0)
            why = "Danh sách người ứng cử đã chốt khi thông báo bầu cử, không sửa được nữa.";
        else if (!n)
            why = "Danh sách người ứng cử phải có ít nhất 1 người.";
        else if (n > DM_MAX_CANDIDATES)
            why = arena_printf(r->a, "Danh sách có thể có tối đa %d người ứng cử.",
                               DM_MAX_CANDIDATES);
        else if (both)
            why = arena_printf(r->a,
                               "Người ứng cử không được là thành viên Tổ bầu cử: %s có tên trong "
                               "Tổ bầu cử.",
                               both);
    }
    if (why) {
        http_form_error(res, "buoc", why);
        return election_page(r, res, &e, &d, &v, manage, step);
    }
    struct step_job *j = step_job_new(r, &e, &v);
    j->day = dm_iso(r->a, day);
    switch (step) {
    case ST_PLAN:
        j->step = ST_PLAN;
        j->flash = "Đã ghi ngày ban hành quyết định và kế hoạch bầu cử.";
        break;
    case ST_CANDIDATES:
        j->step = ST_CANDIDATES;
        j->s4 = candidates;
        j->flash = "Đã ghi ngày gửi danh sách người ứng cử đến Ủy ban nhân dân.";
        break;
    case ST_TEAM:
        j->step = ST_TEAM;
        j->s4 = leader;
        j->s5 = members;
        j->flash = "Đã ghi Tổ bầu cử.";
        break;
    default:
        j->step = ST_NOTICE;
        j->flash = "Đã ghi ngày thông báo công khai.";
        break;
    }
    http_defer_write(r, run_step, j);
    return HTTP_DEFERRED;
}

/* ---- POST /quan-ly/bau-cu/{id}/kien-nghi: households signing a dismissal petition on paper ----
 */

static const struct http_param_spec petition_params[] = {
    {"ho", HP_INT, 0, 1, INT64_MAX},
    {"ngay", HP_TEXT, 0, 0, 10},
};

static int post_petition(struct http_request *r, struct http_response *res)
{
    struct el_row e;
    struct dm_item d;
    struct unit v;
    int manage = 0;
    int rc = el_access(r, &e, &d, &v, &manage);
    if (rc)
        return rc;
    if (!manage)
        return ERR_FORBIDDEN;
    struct date day = date_vn_from_time(time(NULL));
    const char *typed = dm_trimmed(r, "ngay");
    const char *why = NULL;
    if (e.kind != EL_DISMISSAL || strcmp(e.trigger, "petition") != 0)
        why = "Việc này không bắt đầu từ kiến nghị của các hộ gia đình.";
    else if (strcmp(d.status, "draft") != 0)
        why = "Đã thông báo cuộc họp: danh sách hộ ký kiến nghị đã chốt.";
    else if (typed[0] && date_parse(typed, &day) != 0)
        why = "Ngày phải viết dạng ngày/tháng/năm.";
    if (why) {
        http_form_error(res, "kien_nghi", why);
        return election_page(r, res, &e, &d, &v, manage, -1);
    }
    struct step_job *j = step_job_new(r, &e, &v);
    j->hids = arena_alloc(r->a, (r->params.n_items + 1) * sizeof *j->hids);
    for (size_t i = 0; i < r->params.n_items; i++) {
        int64_t h;
        if (str_eq_c(r->params.items[i].name, "ho") &&
            parse_int64(str_trim(r->params.items[i].value), 1, INT64_MAX, &h) == 0)
            j->hids[j->n_hids++] = h;
    }
    j->day = dm_iso(r->a, day);
    http_defer_write(r, run_step, j);
    return HTTP_DEFERRED;
}

/* ---- POST /quan-ly/bau-cu/{id}/tam-thoi: the interim head after a dismissal (D10) ---- */

static const struct http_param_spec interim_params[] = {
    {"ten", HP_TEXT, 0, 0, 200},
    {"ngay", HP_TEXT, 0, 0, 10},
};

static int post_interim(struct http_request *r, struct http_response *res)
{
    struct el_row e;
    struct dm_item d;
    struct unit v;
    int manage = 0;
    int rc = el_access(r, &e, &d, &v, &manage);
    if (rc)
        return rc;
    if (!manage)
        return ERR_FORBIDDEN;
    struct date day = {0, 0, 0};
    const char *name = dm_trimmed(r, "ten");
    const char *why = NULL;
    if (e.kind != EL_DISMISSAL || strcmp(d.recognition, "recognised") != 0)
        why = "Chỉ ghi người tạm thời đảm nhiệm sau khi việc miễn nhiệm, bãi nhiệm được công nhận.";
    else if (!name[0])
        why = "Vui lòng nhập họ tên người được Chủ tịch Ủy ban nhân dân giao tạm thời đảm nhiệm.";
    else if (date_parse(dm_trimmed(r, "ngay"), &day) != 0)
        why = "Ngày phải viết dạng ngày/tháng/năm.";
    if (why) {
        http_form_error(res, "tam_thoi", why);
        return election_page(r, res, &e, &d, &v, manage, N_STEPS);
    }
    struct step_job *j = step_job_new(r, &e, &v);
    j->step = ST_INTERIM;
    j->day = dm_iso(r->a, day);
    j->s4 = name;
    j->flash = "Đã ghi người tạm thời đảm nhiệm.";
    http_defer_write(r, run_step, j);
    return HTTP_DEFERRED;
}

#define N(x) (sizeof(x) / sizeof((x)[0]))

const struct http_route dm_election_routes[] = {
    {"GET", "/quan-ly/bau-cu", page_index, NULL, NULL, NULL, HTTP_LOGIN, index_params,
     N(index_params), 0},
    {"POST", "/quan-ly/bau-cu", post_new, after_new, NULL, NULL, HTTP_LOGIN, new_params,
     N(new_params), 0},
    {"GET", "/quan-ly/bau-cu/{id}", page_election, NULL, NULL, NULL, HTTP_LOGIN, NULL, 0, 0},
    {"POST", "/quan-ly/bau-cu/{id}/buoc", post_step, after_step, NULL, NULL, HTTP_LOGIN,
     step_params, N(step_params), 0},
    {"POST", "/quan-ly/bau-cu/{id}/kien-nghi", post_petition, after_step, NULL, NULL, HTTP_LOGIN,
     petition_params, N(petition_params), 256 * 1024},
    {"POST", "/quan-ly/bau-cu/{id}/tam-thoi", post_interim, after_step, NULL, NULL, HTTP_LOGIN,
     interim_params, N(interim_params), 0},
};
const size_t dm_election_n_routes = N(dm_election_routes);

/*
 * commune.c - matters the whole commune decides (DOMAIN D1, D2; Law Arts 16, 21): contributions
 * to public works (M1) or community money and assets (M2) for the whole commune. The UBND
 * chairperson tables one after agreeing with the MTTQ (D2); danchu opens the same matter in
 * every village of the commune, and each village decides it as any matter of its own - its
 * notice and frozen roll, its meeting or household ballots (the chairperson may choose ballots,
 * D5), its threshold of at least 2/3 of its households. Once every village has counted, the
 * chairperson concludes: the matter passes when at least 2/3 of the villages approved it (D1),
 * and the UBND sets the day it takes effect (Art 21(2)).
 *
 *   GET  /quan-ly/bieu-quyet/toan-xa?don_vi=CODE     the commune's matters and a new one
 *   POST /quan-ly/bieu-quyet/toan-xa                 table one (decision.commune)
 *   GET  /quan-ly/bieu-quyet/toan-xa/{id}            the villages' results (decision.view)
 *   POST /quan-ly/bieu-quyet/toan-xa/{id}/ket-luan   conclude (decision.commune)
 *   GET  /decisions/toan-xa/{id}                     public page and JSON
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "decision/internal.h"

/* The commune of ?don_vi= (or the official's own), checked against perm. */
static int commune_arg(struct http_request *r, const char *code, const char *perm, struct unit *u)
{
    const struct auth_user *au = r->user->ext;
    int rc = code && code[0] ? units_get(r->db, code, u)
             : au->unit_id   ? units_commune_of(r->db, au->unit_id, u)
                             : ERR_NOT_FOUND;
    if (rc)
        return rc;
    if (!units_kind_is_commune(u->kind))
        return ERR_NOT_FOUND;
    return http_authorize(r, perm, u->code);
}

/* ---- the list and the form ---- */

static const struct http_param_spec list_params[] = {
    {"don_vi", HP_TEXT, 0, 0, 32},
};

static int list_page(struct http_request *r, struct http_response *res, const struct unit *u)
{
    struct rows *t;
    int rc = dm_commune_list(r->db, r->a, u->id, &t);
    if (rc)
        return rc;
    size_t sl = rows_add_col(t, "status_label"), url = rows_add_col(t, "admin_url");
    for (size_t i = 0; i < t->n_rows; i++) {
        int decided = !strcmp(rows_text(rows_at(t, i, 3)), "decided");
        rows_set_text(rows_at(t, i, sl), !decided              ? "Các thôn đang biểu quyết"
                                         : rows_at(t, i, 6)->i ? "Được thông qua"
                                                               : "Không được thông qua");
        rows_set_text(rows_at(t, i, url), arena_printf(r->a, "/quan-ly/bieu-quyet/toan-xa/%lld",
                                                       (long long)rows_at(t, i, 0)->i));
    }
    if (!res->model)
        res->model = json_object();
    http_model_rows(res, "items", t);
    json_object_set_new(res->model, "has_items", json_boolean(t->n_rows > 0));
    json_object_set_new(res->model, "unit",
                        json_pack("{s:s,s:s}", "code", u->code, "name", u->name));
    json_object_set_new(res->model, "can_table",
                        json_boolean(http_authorize(r, "decision.commune", u->code) == 0));
    json_t *matters = json_array();
    int chosen = (int)http_param_int(r, "loai", 1);
    for (int m = 1; m <= 2; m++)
        json_array_append_new(matters, json_pack("{s:i,s:s,s:b}", "value", m, "label",
                                                 dm_matter_label((enum dm_matter)m), "selected",
                                                 m == chosen));
    json_object_set_new(res->model, "matters", matters);
    if (!json_object_get(res->model, "form"))
        json_object_set_new(res->model, "form",
                            json_pack("{s:s,s:s,s:s,s:s,s:b,s:b}", "tieu_de", "", "cau_hoi", "",
                                      "noi_dung", "", "ngay_thong_nhat", "", "meeting", 1, "ballot",
                                      0));
    res->template = "decision/commune_list";
    res->title = arena_printf(r->a, "Nội dung biểu quyết toàn %s", u->name);
    return 0;
}

static int page_list(struct http_request *r, struct http_response *res)
{
    struct unit u;
    int rc = commune_arg(r, http_param(r, "don_vi"), "decision.view", &u);
    if (rc)
        return rc;
    return list_page(r, res, &u);
}

static const struct http_param_spec new_params[] = {
    {"don_vi", HP_TEXT, 1, 1, 32},       {"loai", HP_INT, 1, 1, 2},
    {"tieu_de", HP_TEXT, 0, 0, 300},     {"cau_hoi", HP_LINES, 0, 0, 2000},
    {"noi_dung", HP_LINES, 0, 0, 20000}, {"hinh_thuc", HP_INT, 0, 0, 1},
    {"bo_phieu_kin", HP_TEXT, 0, 0, 2},  {"ngay_thong_nhat", HP_TEXT, 0, 0, 10},
};

static int run_new(struct db *db, void *arg)
{
    return dm_commune_create(db, arg);
}

static int after_new(struct http_request *r, struct http_response *res, int rc)
{
    struct dm_commune_new *in = r->state;
    if (rc)
        return rc;
    res->redirect = arena_printf(r->a, "/quan-ly/bieu-quyet/toan-xa/%lld", (long long)in->id);
    res->flash = arena_printf(r->a,
                              "Đã đưa nội dung ra %zu thôn, tổ dân phố để Nhân dân bàn và "
                              "quyết định; Trưởng thôn, Tổ trưởng mỗi nơi thông báo và tổ "
                              "chức biểu quyết.",
                              in->n_villages);
    return 0;
}

static int post_new(struct http_request *r, struct http_response *res)
{
    struct unit u;
    int rc = commune_arg(r, dm_trimmed(r, "don_vi"), "decision.commune", &u);
    if (rc)
        return rc;
    unsigned forms = 0;
    for (size_t i = 0; i < r->params.n_items; i++) {
        int64_t f;
        if (str_eq_c(r->params.items[i].name, "hinh_thuc") &&
            parse_int64(str_trim(r->params.items[i].value), 0, 1, &f) == 0)
            forms |= 1u << f;
    }
    res->model = json_object();
    json_object_set_new(
        res->model, "form",
        json_pack("{s:s,s:s,s:s,s:s,s:b,s:b}", "tieu_de", dm_param(r, "tieu_de"), "cau_hoi",
                  dm_param(r, "cau_hoi"), "noi_dung", dm_param(r, "noi_dung"), "ngay_thong_nhat",
                  dm_param(r, "ngay_thong_nhat"), "meeting", (forms & (1u << DF_MEETING)) != 0,
                  "ballot", (forms & (1u << DF_BALLOT)) != 0));
    struct date agreed, today = date_vn_from_time(time(NULL));
    const char *error = NULL;
    if (!dm_trimmed(r, "tieu_de")[0])
        error = "Vui lòng nhập nội dung cần quyết định.";
    else if (!dm_trimmed(r, "cau_hoi")[0])
        error = "Vui lòng nhập câu hỏi đưa ra biểu quyết.";
    else if (!forms)
        error = "Vui lòng chọn hình thức: họp cộng đồng dân cư hoặc phát phiếu lấy ý kiến hộ gia "
                "đình.";
    else if (!dm_trimmed(r, "ngay_thong_nhat")[0])
        error = "Nội dung trên phạm vi toàn xã do Chủ tịch UBND đưa ra sau khi thống nhất với Ủy "
                "ban Mặt trận Tổ quốc (Điều 16): vui lòng nhập ngày thống nhất.";
    else if (date_parse(dm_trimmed(r, "ngay_thong_nhat"), &agreed) != 0)
        error = "Ngày thống nhất phải viết dạng ngày/tháng/năm.";
    else if (date_cmp(agreed, today) > 0)
        error = "Ngày thống nhất với Mặt trận không thể sau hôm nay.";
    struct unit *vs = NULL;
    size_t n = 0;
    if (!error) {
        if ((rc = units_villages_of(r->db, r->a, u.id, &vs, &n)) != 0)
            return rc;
        if (n == 0)
            error = "Xã chưa có thôn, tổ dân phố nào để biểu quyết.";
    }
    if (error) {
        http_form_error(res, "form", error);
        return list_page(r, res, &u);
    }
    struct dm_commune_new *in = arena_zalloc(r->a, sizeof *in);
    int64_t *ids = arena_alloc(r->a, n * sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = vs[i].id;
    in->actor = r->user->id;
    in->unit_id = u.id;
    in->matter = (enum dm_matter)http_param_int(r, "loai", 1);
    in->title = dm_trimmed(r, "tieu_de");
    in->question = dm_trimmed(r, "cau_hoi");
    in->body = dm_trimmed(r, "noi_dung");
    in->forms = forms;
    in->secret = dm_trimmed(r, "bo_phieu_kin")[0] != '\0';
    in->front_agreed_on = dm_iso(r->a, agreed);
    in->tabled_on = dm_iso(r->a, today);
    in->villages = ids;
    in->n_villages = n;
    r->state = in;
    http_defer_write(r, run_new, in);
    return HTTP_DEFERRED;
}

/* ---- one matter: the villages' results ---- */

/* The matter of capture "id" and its commune. */
static int commune_get(struct http_request *r, struct dm_commune *c, struct unit *u)
{
    int64_t id;
    if (parse_int64(str_c(http_arg(r, "id")), 1, INT64_MAX, &id) != 0)
        return ERR_NOT_FOUND;
    int rc = dm_commune_get(r->db, r->a, id, c);
    if (rc)
        return rc;
    return units_get_id(r->db, c->unit_id, u);
}

/* Each village's households as one bar (approving, rejecting, other, not voting), for the eye
 * to compare the approving part with two thirds of the bar. "" before any notice. */
static const char *villages_chart(struct http_request *r, const struct rows *vs,
                                  const struct unit *u)
{
    size_t n = vs->n_rows, with_roll = 0;
    const char **labels = arena_alloc(r->a, (n ? n : 1) * sizeof *labels);
    double *v[4];
    for (int s = 0; s < 4; s++)
        v[s] = arena_zalloc(r->a, (n ? n : 1) * sizeof *v[s]);
    for (size_t i = 0; i < n; i++) {
        int64_t total = rows_at(vs, i, 4)->i, voted = rows_at(vs, i, 5)->i;
        labels[i] = rows_text(rows_at(vs, i, 2));
        v[0][i] = (double)rows_at(vs, i, 6)->i;
        v[1][i] = (double)rows_at(vs, i, 7)->i;
        v[2][i] = (double)rows_at(vs, i, 8)->i;
        v[3][i] = (double)(total > voted ? total - voted : 0);
        with_roll += total > 0;
    }
    if (!with_roll)
        return "";
    const struct view_chart_series series[] = {
        {"Tán thành", "#2e7d32", v[0]},
        {"Không tán thành", "#b00020", v[1]},
        {"Ý kiến khác", "#b35c00", v[2]},
        {"Chưa biểu quyết, vắng", "#757575", v[3]},
    };
    struct view_chart chart = {
        .title = arena_printf(r->a, "Kết quả biểu quyết của từng thôn, tổ dân phố – %s", u->name),
        .desc = "Mỗi thanh là tổng số hộ gia đình của một thôn, tổ dân phố; thôn tán thành khi "
                "phần tán thành chiếm ít nhất hai phần ba thanh.",
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

/* Fills the model of c's page: the matter, each village's result, the count of villages. */
static int matter_model(struct http_request *r, const struct dm_commune *c, const struct unit *u,
                        int admin, json_t *m)
{
    struct rows *vs;
    int rc = dm_commune_villages(r->db, r->a, c->id, &vs);
    if (rc)
        return rc;
    const struct dr_rules *rules = dm_rules_on(dm_env(r), c->tabled_on);
    struct dm_commune_count n;
    dm_commune_tally(vs, &n);
    int64_t needed = dr_needed(rules->commune_villages, n.total);
    int decided = !strcmp(c->status, "decided");
    /* Officials who run the villages' votes go to each one's back-office page; others (the
     * council, the front, residents) to its public result. */
    int manage = admin && r->user && http_authorize(r, "decision.manage", u->code) == 0;
    json_t *villages = json_array();
    for (size_t i = 0; i < vs->n_rows; i++) {
        int64_t id = rows_at(vs, i, 0)->i;
        const char *status = rows_text(rows_at(vs, i, 3));
        int counted = !strcmp(status, "counted");
        struct dr_result res;
        dr_judge(rules, c->matter, rows_at(vs, i, 4)->i, rows_at(vs, i, 6)->i, rows_at(vs, i, 7)->i,
                 rows_at(vs, i, 8)->i, &res);
        json_array_append_new(
            villages,
            json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:b,s:b,s:s,s:b}", "id",
                      (json_int_t)id, "code", rows_text(rows_at(vs, i, 1)), "name",
                      rows_text(rows_at(vs, i, 2)), "href",
                      arena_printf(r->a, manage ? "/quan-ly/bieu-quyet/%lld" : "/decisions/%lld",
                                   (long long)id),
                      "url", arena_printf(r->a, "/decisions/%lld", (long long)id), "status_label",
                      dm_status_label(status), "households_total", (json_int_t)rows_at(vs, i, 4)->i,
                      "households_voted", (json_int_t)rows_at(vs, i, 5)->i, "approve",
                      (json_int_t)rows_at(vs, i, 6)->i, "reject", (json_int_t)rows_at(vs, i, 7)->i,
                      "other", (json_int_t)rows_at(vs, i, 8)->i, "needed", (json_int_t)res.needed,
                      "counted", counted, "passed", counted && rows_at(vs, i, 9)->i, "result",
                      !strcmp(status, "annulled") ? "Đã bị bãi bỏ"
                      : !counted                  ? "Chưa có kết quả"
                      : rows_at(vs, i, 9)->i      ? "Tán thành"
                                                  : "Không tán thành",
                      /* a village's draft is its head's until the notice */
                      "linked", manage || strcmp(status, "draft") != 0));
    }
    /* Whether the outcome is already certain before every village has counted. */
    int64_t pending = n.total - n.done;
    const char *outlook =
        decided ? ""
        : n.passed >= needed
            ? "Đã đủ số thôn, tổ dân phố tán thành; chờ các nơi còn lại kiểm phiếu "
              "để kết luận."
        : n.passed + pending < needed
            ? "Không còn đủ số thôn, tổ dân phố để đạt hai phần ba; chờ các nơi "
              "còn lại kiểm phiếu để kết luận."
            : "";
    char agreed[11] = "";
    struct date d;
    if (date_parse(c->front_agreed_on, &d) == 0)
        date_format_vn(d, agreed);
    json_t *j = json_pack(
        "{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:s,s:s}", "id", (json_int_t)c->id, "url",
        arena_printf(r->a, "/decisions/toan-xa/%lld", (long long)c->id), "admin_url",
        arena_printf(r->a, "/quan-ly/bieu-quyet/toan-xa/%lld", (long long)c->id), "title", c->title,
        "question", c->question, "body", c->body, "matter_code",
        arena_printf(r->a, "M%d", (int)c->matter), "matter_label", dm_matter_label(c->matter),
        "secret", c->secret, "forms", dm_forms_text(r->a, c->forms), "front_agreed_on", agreed,
        "tabled_on", dm_vn_iso(r->a, c->tabled_on), "status", c->status);
    json_object_set_new(j, "status_label",
                        json_string(!decided    ? "Các thôn, tổ dân phố đang biểu quyết"
                                    : c->passed ? "Được thông qua"
                                                : "Không được thông qua"));
    json_object_set_new(j, "villages_total", json_integer(n.total));
    json_object_set_new(j, "villages_counted", json_integer(n.done));
    json_object_set_new(j, "villages_passed",
                        json_integer(decided ? c->villages_passed : n.passed));
    json_object_set_new(j, "villages_needed", json_integer(needed));
    json_object_set_new(
        j, "threshold",
        json_string(arena_printf(r->a, "%s %d/%d số thôn, tổ dân phố tán thành",
                                 rules->commune_villages.strict ? "quá" : "ít nhất",
                                 rules->commune_villages.p, rules->commune_villages.q)));
    json_object_set_new(j, "decided", json_boolean(decided));
    json_object_set_new(j, "passed", json_boolean(decided && c->passed));
    json_object_set_new(j, "effective_on", json_string(dm_vn_iso(r->a, c->effective_on)));
    json_object_set_new(j, "outlook", json_string(outlook));
    json_object_set_new(m, "c", j);
    json_object_set_new(m, "villages", villages);
    json_object_set_new(m, "chart_svg", json_string(villages_chart(r, vs, u)));
    json_object_set_new(m, "unit", json_pack("{s:s,s:s}", "code", u->code, "name", u->name));
    json_object_set_new(m, "admin", json_boolean(admin));
    int can = admin && !decided && n.total > 0 && n.done == n.total && r->user &&
              http_authorize(r, "decision.commune", u->code) == 0;
    json_object_set_new(m, "can_decide", json_boolean(can));
    json_object_set_new(m, "waiting", json_boolean(admin && !decided && n.done < n.total));
    json_object_set_new(m, "villages_pending", json_integer(pending));
    if (!json_object_get(m, "form"))
        json_object_set_new(m, "form",
                            json_pack("{s:s}", "ngay_hieu_luc", dm_param(r, "ngay_hieu_luc")));
    return 0;
}

static int admin_page(struct http_request *r, struct http_response *res, const struct dm_commune *c,
                      const struct unit *u)
{
    if (!res->model)
        res->model = json_object();
    int rc = matter_model(r, c, u, 1, res->model);
    if (rc)
        return rc;
    res->template = "decision/commune";
    res->title = c->title;
    return 0;
}

static int page_matter(struct http_request *r, struct http_response *res)
{
    struct dm_commune c;
    struct unit u;
    int rc = commune_get(r, &c, &u);
    if (rc)
        return rc;
    if ((rc = http_authorize(r, "decision.view", u.code)) != 0)
        return rc;
    return admin_page(r, res, &c, &u);
}

static int page_public(struct http_request *r, struct http_response *res)
{
    struct dm_commune c;
    struct unit u;
    int rc = commune_get(r, &c, &u);
    if (rc)
        return rc;
    res->model = json_object();
    if ((rc = matter_model(r, &c, &u, 0, res->model)) != 0)
        return rc;
    res->template = "decision/commune";
    res->title = c.title;
    return 0;
}

/* ---- POST .../ket-luan: the conclusion ---- */

static const struct http_param_spec decide_params[] = {
    {"ngay_hieu_luc", HP_TEXT, 0, 0, 10},
};

static int run_decide(struct db *db, void *arg)
{
    return dm_commune_decide(db, arg);
}

static int after_decide(struct http_request *r, struct http_response *res, int rc)
{
    struct dm_commune_decision *in = r->state;
    if (rc == ERR_CONFLICT) {
        struct dm_commune c;
        struct unit u;
        int rc2 = commune_get(r, &c, &u);
        if (rc2)
            return rc2;
        res->model = json_object();
        http_form_error(res, "ket_luan",
                        "Chưa thể kết luận: còn thôn, tổ dân phố chưa có kết quả, hoặc nội dung "
                        "đã được kết luận.");
        res->status = 409;
        return admin_page(r, res, &c, &u);
    }
    if (rc)
        return rc;
    res->redirect = arena_printf(r->a, "/quan-ly/bieu-quyet/toan-xa/%lld", (long long)in->id);
    res->flash = in->passed
                     ? arena_printf(r->a, "Được thông qua: %lld/%lld thôn, tổ dân phố tán thành.",
                                    (long long)in->villages_passed, (long long)in->villages_total)
                     : arena_printf(r->a,
                                    "Không được thông qua: %lld/%lld thôn, tổ dân phố tán "
                                    "thành.",
                                    (long long)in->villages_passed, (long long)in->villages_total);
    return 0;
}

static int post_decide(struct http_request *r, struct http_response *res)
{
    struct dm_commune c;
    struct unit u;
    int rc = commune_get(r, &c, &u);
    if (rc)
        return rc;
    if ((rc = http_authorize(r, "decision.commune", u.code)) != 0)
        return rc;
    res->model = json_object();
    json_object_set_new(res->model, "form",
                        json_pack("{s:s}", "ngay_hieu_luc", dm_param(r, "ngay_hieu_luc")));
    struct rows *vs;
    if ((rc = dm_commune_villages(r->db, r->a, c.id, &vs)) != 0)
        return rc;
    struct dm_commune_count n;
    dm_commune_tally(vs, &n);
    const struct dr_rules *rules = dm_rules_on(dm_env(r), c.tabled_on);
    int passes = dr_commune_passes(rules, (int)n.total, (int)n.passed);
    struct date today = date_vn_from_time(time(NULL)), eff = today;
    const char *e = dm_trimmed(r, "ngay_hieu_luc"), *error = NULL;
    if (strcmp(c.status, "open") != 0)
        error = "Nội dung này đã được kết luận.";
    else if (n.done < n.total)
        error = arena_printf(r->a,
                             "Còn %lld thôn, tổ dân phố chưa có kết quả biểu quyết: chưa thể kết "
                             "luận.",
                             (long long)(n.total - n.done));
    else if (passes && !e[0])
        error = "Nội dung được thông qua: vui lòng nhập ngày có hiệu lực do UBND quyết định "
                "(Điều 21).";
    else if (passes && date_parse(e, &eff) != 0)
        error = "Ngày có hiệu lực phải viết dạng ngày/tháng/năm.";
    else if (passes && date_cmp(eff, today) < 0)
        error = "Ngày có hiệu lực không thể trước hôm nay.";
    if (error) {
        http_form_error(res, "ket_luan", error);
        return admin_page(r, res, &c, &u);
    }
    struct dm_commune_decision *in = arena_zalloc(r->a, sizeof *in);
    in->actor = r->user->id;
    in->id = c.id;
    in->unit_id = u.id;
    in->rules = rules;
    in->effective_on = passes ? dm_iso(r->a, eff) : "";
    r->state = in;
    http_defer_write(r, run_decide, in);
    return HTTP_DEFERRED;
}

#define N(x) (sizeof(x) / sizeof((x)[0]))

/* Registered before /quan-ly/bieu-quyet/{id} and /decisions/{id} (the first match wins). */
const struct http_route dm_commune_routes[] = {
    {"GET", "/quan-ly/bieu-quyet/toan-xa", page_list, NULL, NULL, NULL, HTTP_LOGIN, list_params,
     N(list_params), 0},
    {"POST", "/quan-ly/bieu-quyet/toan-xa", post_new, after_new, NULL, NULL, HTTP_LOGIN, new_params,
     N(new_params), 0},
    {"GET", "/quan-ly/bieu-quyet/toan-xa/{id}", page_matter, NULL, NULL, NULL, HTTP_LOGIN, NULL, 0,
     0},
    {"POST", "/quan-ly/bieu-quyet/toan-xa/{id}/ket-luan", post_decide, after_decide, NULL, NULL,
     HTTP_LOGIN, decide_params, N(decide_params), 0},
    {"GET", "/decisions/toan-xa/{id}", page_public, NULL, NULL, NULL, 0, NULL, 0, 0},
};
const size_t dm_commune_n_routes = N(dm_commune_routes);

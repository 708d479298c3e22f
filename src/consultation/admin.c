/*
 * admin.c - the officials' side of a consultation: import a draft (upload or pasted text) and
 * check its recognised outline, correct it by editing the text, set the topic, forms and owner,
 * record the plan sent to the HĐND and the MTTQ, open the window (E3: at least 20 days), enter
 * comments gathered by other forms with their source, count stances from paper, group comments
 * and accept or explain each group, hide an abusive comment with its reason, decide, publish
 * (refused while comments are unanswered, or when the decision departs from the majority view
 * without its explanation), and publish a revised draft as a new version.
 */
#include <stdio.h>
#include <string.h>

#include "comms/comms.h"
#include "consultation/internal.h"

#define SYNTH_PER_PAGE 200

static const char *iso_of(struct arena *a, struct date d)
{
    char *s = arena_alloc(a, 11);
    date_format_iso(d, s);
    return s;
}

static const char *param_or(struct http_request *r, const char *name, const char *def)
{
    const char *v = http_param(r, name);
    return v ? v : def;
}

/* A trimmed copy of parameter name ("" when absent). */
static const char *trimmed(struct http_request *r, const char *name)
{
    return str_dup(r->a, str_trim(str_c(param_or(r, name, ""))));
}

/* The consultation of capture "id", for an official who may manage it. */
static int managed(struct http_request *r, struct cs_item *c, struct unit *u)
{
    int manage, rc = cs_access(r, c, u, &manage);
    if (rc)
        return rc;
    return manage ? 0 : ERR_FORBIDDEN;
}

/* ---- GET /quan-ly/gop-y: the consultations of the official's unit and its agencies ---- */

static int page_index(struct http_request *r, struct http_response *res)
{
    const struct auth_user *au = r->user->ext;
    struct unit home, commune;
    int rc;
    if (!au->unit_id || (rc = units_get_id(r->db, au->unit_id, &home)) != 0)
        return ERR_FORBIDDEN;
    if ((rc = units_commune_of(r->db, home.id, &commune)) != 0)
        commune = home;
    if ((rc = http_authorize(r, "consultation.view", commune.code)) != 0)
        return rc;
    json_t *units = json_array();
    json_t *kids = NULL;
    struct unit list[32];
    size_t n = 0;
    list[n++] = commune;
    if (units_children_json(r->db, commune.id, &kids) == 0) {
        size_t i;
        json_t *k;
        json_array_foreach(kids, i, k)
        {
            const char *kind = json_string_value(json_object_get(k, "kind"));
            const char *code = json_string_value(json_object_get(k, "code"));
            if (kind && code && !strcmp(kind, "agency") && n < 32 &&
                units_get(r->db, code, &list[n]) == 0)
                n++;
        }
        json_decref(kids);
    }
    for (size_t i = 0; i < n; i++) {
        struct rows *t;
        if ((rc = cs_store_list(r->db, r->a, list[i].id, 0, &t)) != 0)
            return rc;
        json_t *items = json_array();
        for (size_t k = 0; k < t->n_rows; k++) {
            struct cs_item c;
            memset(&c, 0, sizeof c);
            c.id = rows_at(t, k, 0)->i;
            c.topic = (int)rows_at(t, k, 1)->i;
            c.internal = (int)rows_at(t, k, 2)->i;
            c.title = rows_text(rows_at(t, k, 3));
            c.status = rows_text(rows_at(t, k, 4));
            date_parse(rows_text(rows_at(t, k, 5)), &c.opens);
            date_parse(rows_text(rows_at(t, k, 6)), &c.closes);
            c.comment_count = rows_at(t, k, 7)->i;
            c.version = (int)rows_at(t, k, 8)->i;
            c.summary = c.owner = c.plan_council_on = c.plan_front_on = "";
            c.decision_note = c.explanation = c.decided_on = c.council_report_on = "";
            json_array_append_new(items, cs_item_json(r, &c, NULL));
        }
        json_array_append_new(
            units, json_pack("{s:s,s:s,s:b,s:o,s:b,s:b}", "code", list[i].code, "name",
                             list[i].name, "agency", !strcmp(list[i].kind, "agency"), "items",
                             items, "has_items", json_array_size(items) > 0, "can_manage",
                             http_authorize(r, "consultation.manage", list[i].code) == 0));
    }
    res->model = json_pack("{s:o,s:{s:s,s:s}}", "units", units, "commune", "code", commune.code,
                           "name", commune.name);
    res->template = "consultation/admin_list";
    res->title = "Lấy ý kiến về dự thảo";
    return 0;
}

/* ---- GET/POST /quan-ly/gop-y/moi: a new consultation from a file or pasted text ---- */

static const struct http_param_spec new_params[] = {
    {"don_vi", HP_TEXT, 0, 0, 32},   {"chu_de", HP_INT, 0, 1, 9},
    {"tieu_de", HP_TEXT, 0, 0, 300}, {"tom_tat", HP_LINES, 0, 0, 3000},
    {"chu_tri", HP_TEXT, 0, 0, 200}, {"van_ban", HP_LINES, 0, 0, 2000000},
    {"tep", HP_FILE, 0, 0, 0},
};

static void topics_model(json_t *m, int chosen)
{
    json_t *t = json_array();
    for (int i = 1; i <= 9; i++)
        json_array_append_new(t, json_pack("{s:i,s:s,s:s,s:b}", "value", i, "code",
                                           (const char *[]){"", "YK1", "YK2", "YK3", "YK4", "YK5",
                                                            "YK6", "YK7", "YK8", "YK9"}[i],
                                           "label", cs_topic_label(i), "selected", i == chosen));
    json_object_set_new(m, "topics", t);
}

static int new_form(struct http_request *r, struct http_response *res, const char *unit_code)
{
    if (!res->model)
        res->model = json_object();
    json_t *f = json_object_get(res->model, "form");
    if (!f) {
        f = json_pack("{s:s,s:s,s:s,s:s,s:s}", "don_vi", unit_code ? unit_code : "", "tieu_de", "",
                      "tom_tat", "", "chu_tri", "", "van_ban", "");
        json_object_set_new(res->model, "form", f);
    }
    topics_model(res->model, (int)http_param_int(r, "chu_de", 9));
    res->template = "consultation/new";
    res->title = "Lấy ý kiến về một dự thảo mới";
    return 0;
}

static int page_new(struct http_request *r, struct http_response *res)
{
    const struct auth_user *au = r->user->ext;
    struct unit home;
    const char *code = http_param(r, "don_vi");
    if ((!code || !code[0]) && au->unit_id && units_get_id(r->db, au->unit_id, &home) == 0)
        code = arena_strdup(r->a, home.code);
    return new_form(r, res, code);
}

struct new_job {
    struct cs_new in;
};

static int run_new(struct db *db, void *arg)
{
    struct new_job *j = arg;
    return cs_store_create(db, &j->in);
}

static int after_new(struct http_request *r, struct http_response *res, int rc)
{
    struct new_job *j = r->state;
    if (rc)
        return rc;
    res->redirect = arena_printf(r->a, "/quan-ly/gop-y/%lld", (long long)j->in.id);
    res->flash = arena_printf(r->a,
                              "Đã nhận dạng %zu mục của dự thảo. Vui lòng kiểm tra đề cương "
                              "trước khi mở lấy ý kiến.",
                              j->in.v.n_sections);
    return 0;
}

static int post_new(struct http_request *r, struct http_response *res)
{
    const char *code = trimmed(r, "don_vi");
    struct unit u;
    res->model = json_object();
    json_object_set_new(res->model, "form",
                        json_pack("{s:s,s:s,s:s,s:s,s:s}", "don_vi", code, "tieu_de",
                                  param_or(r, "tieu_de", ""), "tom_tat", param_or(r, "tom_tat", ""),
                                  "chu_tri", param_or(r, "chu_tri", ""), "van_ban",
                                  param_or(r, "van_ban", "")));
    if (units_get(r->db, code, &u) != 0 ||
        (!units_kind_is_commune(u.kind) && strcmp(u.kind, "agency") != 0)) {
        http_form_error(res, "don_vi", "Vui lòng chọn mã xã, phường hoặc cơ quan.");
        return new_form(r, res, code);
    }
    int rc = http_authorize(r, "consultation.manage", u.code);
    if (rc)
        return rc;
    const char *text = NULL, *error = NULL, *source_name = "";
    const struct http_param *file = http_file(r, "tep");
    if (file && file->value.len) {
        if (file->value.len > CS_MAX_FILE)
            error = "Tệp dự thảo quá lớn (tối đa 10 MB).";
        else
            cs_text_of_file(r->a, file->value.ptr, file->value.len, &text, &error);
        source_name = str_dup(r->a, file->filename);
    } else {
        text = trimmed(r, "van_ban");
        if (!text[0]) {
            text = NULL;
            error = "Vui lòng chọn tệp dự thảo (TXT, Markdown, DOCX) hoặc dán nội dung.";
        }
    }
    struct new_job *j = arena_zalloc(r->a, sizeof *j);
    const struct outline *o = NULL;
    if (!error && text)
        cs_recognise(r->a, text, &j->in.v, &o, &error);
    if (error) {
        http_form_error(res, "tep", error);
        return new_form(r, res, code);
    }
    const char *title = trimmed(r, "tieu_de");
    if (!title[0])
        title = o->summary[0] ? o->summary : "";
    if (!title[0]) {
        http_form_error(res, "tieu_de", "Vui lòng nhập tên dự thảo.");
        return new_form(r, res, code);
    }
    j->in.actor = r->user->id;
    j->in.unit_id = u.id;
    j->in.topic = (int)http_param_int(r, "chu_de", 9);
    j->in.internal = !strcmp(u.kind, "agency");
    j->in.title = title;
    j->in.summary = trimmed(r, "tom_tat");
    j->in.owner = trimmed(r, "chu_tri");
    j->in.forms = j->in.internal ? 0 : 1u << CS_FORM_ONLINE;
    j->in.v.source_name = source_name;
    r->state = j;
    http_defer_write(r, run_new, j);
    return HTTP_DEFERRED;
}

/* ---- GET /quan-ly/gop-y/{id}: the consultation's page for officials ---- */

static json_t *forms_json(unsigned chosen)
{
    json_t *f = json_array();
    for (unsigned i = 0; i < CS_N_FORMS; i++)
        json_array_append_new(f, json_pack("{s:i,s:s,s:b}", "value", (int)i, "label",
                                           cs_form_label((enum cs_form)i), "checked",
                                           (chosen >> i) & 1u));
    return f;
}

int cs_manage_page(struct http_request *r, struct http_response *res, const struct cs_item *c,
                   const struct unit *u);
int cs_manage_page(struct http_request *r, struct http_response *res, const struct cs_item *c,
                   const struct unit *u)
{
    struct rows *secs, *versions;
    int rc;
    if ((rc = cs_store_sections(r->db, r->a, c->id, c->version, &secs)) != 0 ||
        (rc = cs_store_versions(r->db, r->a, c->id, &versions)) != 0)
        return rc;
    if (!res->model)
        res->model = json_object();
    json_t *m = res->model;
    json_object_set_new(m, "c", cs_item_json(r, c, u));
    json_t *outline = json_array();
    int64_t per_kind[16] = {0};
    for (size_t i = 0; i < secs->n_rows; i++) {
        const char *kind = rows_text(rows_at(secs, i, 4));
        int k = outline_kind_from_name(kind);
        if (k >= 0 && k < 16)
            per_kind[k]++;
        int64_t depth = rows_at(secs, i, 3)->i;
        json_array_append_new(outline, json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:I}", "ord",
                                                 (json_int_t)rows_at(secs, i, 1)->i, "kind", kind,
                                                 "kind_word", cs_kind_word(kind), "number",
                                                 rows_text(rows_at(secs, i, 5)), "label",
                                                 rows_text(rows_at(secs, i, 9)), "depth",
                                                 (json_int_t)(depth > 6 ? 6 : depth), "comments",
                                                 (json_int_t)rows_at(secs, i, 10)->i));
    }
    json_object_set_new(m, "outline", outline);
    json_object_set_new(m, "n_sections", json_integer((json_int_t)secs->n_rows));
    json_t *counts = json_array();
    for (int k = 0; k < 16; k++)
        if (per_kind[k])
            json_array_append_new(counts, json_pack("{s:s,s:I}", "kind",
                                                    outline_kind_name((enum outline_kind)k), "n",
                                                    (json_int_t)per_kind[k]));
    json_object_set_new(m, "kind_counts", counts);
    json_t *vs = json_array();
    for (size_t i = 0; i < versions->n_rows; i++) {
        int64_t v = rows_at(versions, i, 0)->i;
        json_t *row = json_pack("{s:I,s:s,s:s,s:I}", "version", (json_int_t)v, "note",
                                rows_text(rows_at(versions, i, 2)), "source_name",
                                rows_text(rows_at(versions, i, 3)), "n_sections",
                                (json_int_t)rows_at(versions, i, 5)->i);
        if (v > 1)
            json_object_set_new(
                row, "compare_url",
                json_string(arena_printf(r->a, "/gop-y/du-thao/%lld/so-sanh?tu=%lld&den=%lld",
                                         (long long)c->id, (long long)(v - 1), (long long)v)));
        json_array_append_new(vs, row);
    }
    json_object_set_new(m, "versions", vs);
    json_object_set_new(m, "forms_all", forms_json(c->forms));
    topics_model(m, c->topic);
    /* The source text for correcting the outline (drafts only). */
    if (!strcmp(c->status, "draft") && !json_object_get(m, "source")) {
        struct db_stmt *st;
        static const char sql_src[] =
            "SELECT source_text FROM consultation_versions WHERE consultation_id = $1 AND "
            "version = $2";
        if (db_prepare(r->db, sql_src, &st) == 0) {
            db_bind_int(st, 1, c->id);
            db_bind_int(st, 2, c->version);
            if (db_step(st) == DB_ROW)
                json_object_set_new(m, "source", json_string(db_col_text(st, 0)));
            db_reset(st);
        }
    }
    /* The window the rules allow, as defaults for the open form. */
    const struct cs_rules *rules = cs_rules_for(cs_env(r), c);
    struct date today = date_vn_from_time(time(NULL));
    struct date opens = c->opens.y ? c->opens : today;
    struct date earliest =
        cs_earliest_close(opens, c->internal ? rules->internal_open_days : rules->open_days);
    char o[11], e[11];
    date_format_vn(opens, o);
    date_format_vn(earliest, e);
    if (!json_object_get(m, "open_form"))
        json_object_set_new(m, "open_form",
                            json_pack("{s:s,s:s}", "tu_ngay", o, "den_ngay",
                                      c->closes.y ? json_string_value(json_object_get(
                                                        json_object_get(m, "c"), "closes"))
                                                  : e));
    json_object_set_new(m, "min_days",
                        json_integer(c->internal ? rules->internal_open_days : rules->open_days));
    int64_t n, grouped, hidden, agree, disagree, other;
    if ((rc = cs_store_counts(r->db, c->id, &n, &grouped, &hidden)) != 0 ||
        (rc = cs_store_stances(r->db, c->id, &agree, &disagree, &other)) != 0)
        return rc;
    enum cs_view maj = cs_majority(rules, agree, disagree, other);
    json_object_set_new(m, "has_hidden", json_boolean(hidden > 0));
    json_object_set_new(m, "counts",
                        json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:s}", "comments",
                                  (json_int_t)(n - hidden), "grouped", (json_int_t)grouped,
                                  "unanswered", (json_int_t)(n - hidden - grouped), "hidden",
                                  (json_int_t)hidden, "agree", (json_int_t)agree, "disagree",
                                  (json_int_t)disagree, "other", (json_int_t)other, "majority",
                                  cs_view_label(maj)));
    json_t *decisions = json_array();
    for (int d = 1; d <= 3; d++)
        json_array_append_new(decisions, json_pack("{s:i,s:s,s:b}", "value", d, "label",
                                                   cs_decision_label((enum cs_decision)d),
                                                   "checked", (int)c->decision == d));
    json_object_set_new(m, "decisions", decisions);
    json_object_set_new(
        m, "can_open",
        json_boolean(strcmp(c->status, "published") != 0 && cs_phase_now(c) != CS_PHASE_CLOSED));
    json_object_set_new(
        m, "can_publish",
        json_boolean(!strcmp(c->status, "open") && cs_phase_now(c) == CS_PHASE_CLOSED));
    json_object_set_new(m, "can_revise", json_boolean(strcmp(c->status, "draft") != 0));
    res->template = "consultation/manage";
    res->title = c->title;
    return 0;
}

/* GET /quan-ly/gop-y/{id}: consultation.manage; read-only for consultation.view (the HĐND, the
 * MTTQ, the inspection board watching it). */
static int page_manage(struct http_request *r, struct http_response *res)
{
    struct cs_item c;
    struct unit u;
    int manage, rc = cs_access(r, &c, &u, &manage);
    if (rc)
        return rc;
    if (!manage && (rc = http_authorize(r, "consultation.view", u.code)) != 0)
        return rc;
    res->model = json_pack("{s:b}", "can_manage", manage);
    return cs_manage_page(r, res, &c, &u);
}

/* ---- the writes on a consultation share one job shape ---- */

struct act_job {
    int64_t actor;
    struct cs_item c;
    struct unit u;
    const char *flash;
    const char *back; /* where to go after */
    /* per action */
    struct cs_version_in v;
    struct date opens, closes;
    const char *s1, *s2, *s3;
    int n1, n2, n3;
    int64_t id1;
    int64_t *ids;
    size_t n_ids;
    struct cs_comment_in comment;
    const char *body; /* the plan's text (plan) */
    int (*run)(struct db *db, struct act_job *j);
};

static int run_act(struct db *db, void *arg)
{
    struct act_job *j = arg;
    return j->run(db, j);
}

static int after_act(struct http_request *r, struct http_response *res, int rc)
{
    struct act_job *j = r->state;
    return http_after_write(res, rc, j->back, j->flash);
}

static struct act_job *act_begin(struct http_request *r, int *rc)
{
    struct act_job *j = arena_zalloc(r->a, sizeof *j);
    *rc = managed(r, &j->c, &j->u);
    if (*rc)
        return NULL;
    j->actor = r->user->id;
    j->back = arena_printf(r->a, "/quan-ly/gop-y/%lld", (long long)j->c.id);
    r->state = j;
    return j;
}

static int act_defer(struct http_request *r, struct act_job *j,
                     int (*run)(struct db *, struct act_job *), const char *flash)
{
    j->run = run;
    j->flash = flash;
    http_defer_write(r, run_act, j);
    return HTTP_DEFERRED;
}

/* A form error on the manage page: the page comes back with what was typed. */
static int manage_error(struct http_request *r, struct http_response *res, struct act_job *j,
                        const char *field, const char *message)
{
    if (!res->model)
        res->model = json_object();
    json_object_set_new(res->model, "can_manage", json_true());
    http_form_error(res, field, message);
    return cs_manage_page(r, res, &j->c, &j->u);
}

/* ---- POST /quan-ly/gop-y/{id}/thong-tin: title, topic, summary, owner, forms ---- */

static const struct http_param_spec info_params[] = {
    {"tieu_de", HP_TEXT, 0, 0, 300},
    {"chu_de", HP_INT, 1, 1, 9},
    {"tom_tat", HP_LINES, 0, 0, 3000},
    {"chu_tri", HP_TEXT, 0, 0, 200},
    {"hinh_thuc", HP_INT, 0, 0, CS_N_FORMS - 1},
};

static int run_info(struct db *db, struct act_job *j)
{
    return cs_store_edit(db, j->actor, &j->c);
}

static int post_info(struct http_request *r, struct http_response *res)
{
    int rc;
    struct act_job *j = act_begin(r, &rc);
    if (!j)
        return rc;
    const char *title = trimmed(r, "tieu_de");
    if (!title[0])
        return manage_error(r, res, j, "tieu_de", "Vui lòng nhập tên dự thảo.");
    unsigned forms = 0;
    for (size_t i = 0; i < r->params.n_items; i++) {
        const struct http_param *p = &r->params.items[i];
        int64_t v;
        if (str_eq_c(p->name, "hinh_thuc") &&
            parse_int64(str_trim(p->value), 0, CS_N_FORMS - 1, &v) == 0)
            forms |= 1u << v;
    }
    if (!forms && !j->c.internal)
        return manage_error(r, res, j, "hinh_thuc",
                            "Vui lòng chọn ít nhất một hình thức lấy ý kiến (Điều 26).");
    j->c.title = title;
    j->c.topic = (int)http_param_int(r, "chu_de", j->c.topic);
    j->c.summary = trimmed(r, "tom_tat");
    j->c.owner = trimmed(r, "chu_tri");
    j->c.forms = forms;
    return act_defer(r, j, run_info, "Đã lưu thông tin dự thảo.");
}

/* ---- POST /quan-ly/gop-y/{id}/van-ban: correct the text, recognise again (drafts) ---- */

static const struct http_param_spec text_params[] = {
    {"van_ban", HP_LINES, 1, 1, 2000000},
};

static int run_text(struct db *db, struct act_job *j)
{
    return cs_store_resection(db, j->actor, j->c.id, &j->v);
}

static int post_text(struct http_request *r, struct http_response *res)
{
    int rc;
    struct act_job *j = act_begin(r, &rc);
    if (!j)
        return rc;
    const char *text = param_or(r, "van_ban", ""), *error = NULL;
    res->model = json_pack("{s:s}", "source", text);
    if (strcmp(j->c.status, "draft") != 0)
        return manage_error(r, res, j, "van_ban",
                            "Dự thảo đã mở lấy ý kiến: hãy đăng phiên bản mới thay vì sửa.");
    if (cs_recognise(r->a, text, &j->v, NULL, &error) != 0)
        return manage_error(r, res, j, "van_ban", error);
    return act_defer(r, j, run_text,
                     arena_printf(r->a, "Đã nhận dạng lại: %zu mục.", j->v.n_sections));
}

/* ---- POST /quan-ly/gop-y/{id}/ke-hoach: the plan sent to the HĐND and the MTTQ ---- */

static const struct http_param_spec plan_params[] = {
    {"gui_hdnd", HP_TEXT, 0, 0, 2},
    {"gui_mttq", HP_TEXT, 0, 0, 2},
    {"ngay_gui", HP_DATE, 0, 0, 0},
};

/* The plan as plain text (E3: content, forms, dates, owner), for e-mail and print. */
const char *cs_plan_text(struct arena *a, const struct consultation_env *env,
                         const struct cs_item *c, const struct unit *u)
{
    struct buf forms;
    buf_init(&forms, a);
    for (unsigned f = 0; f < CS_N_FORMS; f++)
        if (c->forms & (1u << f)) {
            buf_puts(&forms, "- ");
            buf_puts(&forms, cs_form_label((enum cs_form)f));
            buf_puts(&forms, ";\n");
        }
    char o[11] = "…", e[11] = "…";
    if (c->opens.y)
        date_format_vn(c->opens, o);
    if (c->closes.y)
        date_format_vn(c->closes, e);
    return arena_printf(
        a,
        "# 1. Nội dung lấy ý kiến\n%s (%s). %s\n\n"
        "# 2. Hình thức lấy ý kiến\n%s\n"
        "# 3. Thời gian\nTừ ngày %s đến hết ngày %s. Ý kiến gửi trực tuyến tại "
        "%s/gop-y/du-thao/%lld "
        "đến 24 giờ ngày cuối.\n\n"
        "# 4. Cơ quan chủ trì\n%s\n\n"
        "# 5. Tổng hợp, tiếp thu, giải trình\nMọi ý kiến được tổng hợp, tiếp thu hoặc giải trình "
        "và "
        "công bố công khai cùng quyết định của %s (Điều 28 Luật Thực hiện dân chủ ở cơ sở).",
        c->title, cs_topic_label(c->topic), c->summary, forms.len ? forms.ptr : "…\n", o, e,
        env->base_url, (long long)c->id, c->owner[0] ? c->owner : "Văn phòng HĐND và UBND",
        u->name);
}

static int run_plan(struct db *db, struct act_job *j)
{
    int rc = cs_store_plan_sent(db, j->actor, j->c.id, j->s1, j->s2);
    /* The plan by e-mail to every account of the HĐND (council) and the MTTQ (front) on the
     * commune that has an address; the date is recorded either way (a paper copy may go). */
    const char *roles[2] = {j->n1 ? "council" : NULL, j->n2 ? "front" : NULL};
    struct arena *a = arena_new(0);
    for (int k = 0; rc == 0 && k < 2; k++) {
        struct auth_contact to[16];
        size_t n = 0;
        if (!roles[k] || (rc = auth_contacts(db, j->u.id, roles[k], to, 16, &n)) != 0)
            continue;
        for (size_t i = 0; rc == 0 && i < n; i++) {
            if (!to[i].email[0])
                continue;
            char key[64];
            snprintf(key, sizeof key, "cs-plan:%lld:%lld", (long long)j->c.id,
                     (long long)to[i].account_id);
            rc = comms_enqueue_email(
                db, j->u.id, to[i].email, j->s3,
                arena_printf(a, "Kính gửi %s,\n\n%s\n", to[i].display_name, j->body), key);
        }
    }
    arena_free(a);
    return rc;
}

static const char *date_param(struct http_request *r, const char *name, int *bad)
{
    const char *v = trimmed(r, name);
    struct date d;
    if (!v[0])
        return "";
    if (date_parse(v, &d) != 0) {
        *bad = 1;
        return "";
    }
    return iso_of(r->a, d);
}

static int post_plan(struct http_request *r, struct http_response *res)
{
    int rc, bad = 0;
    struct act_job *j = act_begin(r, &rc);
    if (!j)
        return rc;
    const char *day = date_param(r, "ngay_gui", &bad);
    if (bad)
        return manage_error(r, res, j, "ke_hoach", "Ngày phải viết dạng ngày/tháng/năm.");
    if (!day[0])
        day = iso_of(r->a, date_vn_from_time(time(NULL)));
    j->n1 = trimmed(r, "gui_hdnd")[0] != '\0';
    j->n2 = trimmed(r, "gui_mttq")[0] != '\0';
    if (!j->n1 && !j->n2)
        return manage_error(r, res, j, "ke_hoach",
                            "Vui lòng chọn gửi Thường trực HĐND, Ủy ban MTTQ hoặc cả hai.");
    /* What was sent before stays recorded. */
    struct date d;
    j->s1 = j->n1 ? day : (date_parse(j->c.plan_council_on, &d) == 0 ? iso_of(r->a, d) : "");
    j->s2 = j->n2 ? day : (date_parse(j->c.plan_front_on, &d) == 0 ? iso_of(r->a, d) : "");
    j->s3 = arena_printf(r->a, "Kế hoạch lấy ý kiến Nhân dân: %s", j->c.title);
    j->body = cs_plan_text(r->a, cs_env(r), &j->c, &j->u);
    return act_defer(r, j, run_plan,
                     "Đã gửi kế hoạch lấy ý kiến (thư điện tử đến các tài khoản của HĐND, "
                     "Ủy ban MTTQ có địa chỉ) và ghi ngày gửi.");
}

/* ---- POST /quan-ly/gop-y/{id}/mo: open the window (E3) ---- */

static const struct http_param_spec open_params[] = {
    {"tu_ngay", HP_DATE, 1, 0, 0},
    {"den_ngay", HP_DATE, 1, 0, 0},
};

static int run_open(struct db *db, struct act_job *j)
{
    return cs_store_open(db, j->actor, j->c.id, j->opens, j->closes);
}

static int post_open(struct http_request *r, struct http_response *res)
{
    int rc;
    struct act_job *j = act_begin(r, &rc);
    if (!j)
        return rc;
    res->model = json_pack("{s:{s:s,s:s}}", "open_form", "tu_ngay", param_or(r, "tu_ngay", ""),
                           "den_ngay", param_or(r, "den_ngay", ""));
    if (date_parse(trimmed(r, "tu_ngay"), &j->opens) != 0 ||
        date_parse(trimmed(r, "den_ngay"), &j->closes) != 0)
        return manage_error(r, res, j, "mo", "Ngày phải viết dạng ngày/tháng/năm.");
    if (!strcmp(j->c.status, "published") || cs_phase_now(&j->c) == CS_PHASE_CLOSED)
        return manage_error(r, res, j, "mo", "Việc lấy ý kiến đã kết thúc, không mở lại được.");
    struct date today = date_vn_from_time(time(NULL)), earliest;
    if (!strcmp(j->c.status, "draft") && date_cmp(j->opens, today) < 0)
        return manage_error(r, res, j, "mo", "Ngày bắt đầu không được trước hôm nay.");
    /* Before the first version (a date in the past century): the oldest rules. */
    const struct cs_rules *rules = cs_rules_at(cs_env(r)->rules, j->opens);
    if (!rules)
        rules = &cs_env(r)->rules->versions[0];
    if (cs_window_check(rules, j->c.internal, j->opens, j->closes, &earliest) != 0) {
        char e[11];
        date_format_vn(earliest, e);
        return manage_error(
            r, res, j, "mo",
            arena_printf(r->a,
                         "Thời gian lấy ý kiến phải ít nhất %d ngày (Điều 28 Luật Thực hiện dân "
                         "chủ ở cơ sở): với ngày bắt đầu này, ngày kết thúc sớm nhất là %s.",
                         j->c.internal ? rules->internal_open_days : rules->open_days, e));
    }
    char o[11], c[11];
    date_format_vn(j->opens, o);
    date_format_vn(j->closes, c);
    return act_defer(r, j, run_open,
                     arena_printf(r->a, "Đã mở lấy ý kiến từ %s đến hết ngày %s.", o, c));
}

/* ---- GET /quan-ly/gop-y/{id}/tong-hop: the synthesis ---- */

static const struct http_param_spec synth_params[] = {
    {"muc", HP_INT, 0, -1, INT64_MAX},
    {"trang", HP_INT, 0, 1, 100000},
};

static json_t *sources_json(const char *chosen)
{
    static const char *const ids[] = {"meeting",  "ballot",  "box",    "hotline", "organisation",
                                      "dialogue", "written", "social", "staff"};
    json_t *a = json_array();
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value", ids[i], "label",
                                           cs_source_label(ids[i]), "selected",
                                           chosen && !strcmp(chosen, ids[i])));
    return a;
}

int cs_synth_page(struct http_request *r, struct http_response *res, const struct cs_item *c,
                  const struct unit *u);
int cs_synth_page(struct http_request *r, struct http_response *res, const struct cs_item *c,
                  const struct unit *u)
{
    int64_t sid = http_param_int(r, "muc", 0);
    int page = (int)http_param_int(r, "trang", 1);
    struct rows *secs, *comments, *groups, *tallies;
    int64_t total;
    int rc;
    if ((rc = cs_store_sections(r->db, r->a, c->id, c->version, &secs)) != 0 ||
        (rc = cs_store_comments(r->db, r->a, c->id, sid, 0, 1, SYNTH_PER_PAGE,
                                (page - 1) * SYNTH_PER_PAGE, &comments, &total)) != 0 ||
        (rc = cs_store_groups(r->db, r->a, c->id, &groups)) != 0 ||
        (rc = cs_store_tallies(r->db, r->a, c->id, &tallies)) != 0)
        return rc;
    if (!res->model)
        res->model = json_object();
    json_t *m = res->model;
    json_object_set_new(m, "c", cs_item_json(r, c, u));
    json_t *sections = json_array();
    json_array_append_new(sections, json_pack("{s:I,s:s,s:b}", "id", (json_int_t)-1, "label",
                                              "Toàn bộ dự thảo", "selected", sid == -1));
    for (size_t i = 0; i < secs->n_rows; i++)
        if (rows_at(secs, i, 10)->i > 0 || rows_at(secs, i, 0)->i == sid)
            json_array_append_new(sections, json_pack("{s:I,s:s,s:I,s:b}", "id",
                                                      (json_int_t)rows_at(secs, i, 0)->i, "label",
                                                      rows_text(rows_at(secs, i, 9)), "n",
                                                      (json_int_t)rows_at(secs, i, 10)->i,
                                                      "selected", rows_at(secs, i, 0)->i == sid));
    json_object_set_new(m, "sections", sections);
    json_t *all_secs = json_array();
    for (size_t i = 0; i < secs->n_rows; i++)
        json_array_append_new(all_secs,
                              json_pack("{s:I,s:s}", "id", (json_int_t)rows_at(secs, i, 0)->i,
                                        "label", rows_text(rows_at(secs, i, 9))));
    json_object_set_new(m, "all_sections", all_secs);
    size_t sl = rows_add_col(comments, "source_label"), free_col = rows_add_col(comments, "free");
    for (size_t i = 0; i < comments->n_rows; i++) {
        const char *s = rows_text(rows_at(comments, i, 3));
        rows_set_text(rows_at(comments, i, sl), cs_source_label(s) ? cs_source_label(s) : s);
        int grouped = rows_at(comments, i, 7)->i != 0, hidden = rows_at(comments, i, 8)->i != 0;
        rows_set_bool(rows_at(comments, i, free_col), !grouped && !hidden);
        rows_set_bool(rows_at(comments, i, 7), grouped);
        rows_set_bool(rows_at(comments, i, 8), hidden);
        if (!rows_text(rows_at(comments, i, 11))[0])
            rows_set_text(rows_at(comments, i, 11), "Toàn bộ dự thảo");
    }
    http_model_rows(res, "comments", comments);
    size_t ol = rows_add_col(groups, "outcome_label");
    for (size_t i = 0; i < groups->n_rows; i++) {
        rows_set_text(rows_at(groups, i, ol), !strcmp(rows_text(rows_at(groups, i, 5)), "accepted")
                                                  ? "Tiếp thu"
                                                  : "Giải trình");
        if (!rows_text(rows_at(groups, i, 2))[0])
            rows_set_text(rows_at(groups, i, 2), "Toàn bộ dự thảo");
    }
    http_model_rows(res, "groups", groups);
    size_t tl = rows_add_col(tallies, "source_label");
    for (size_t i = 0; i < tallies->n_rows; i++) {
        const char *s = rows_text(rows_at(tallies, i, 1));
        rows_set_text(rows_at(tallies, i, tl), cs_source_label(s) ? cs_source_label(s) : s);
    }
    http_model_rows(res, "tallies", tallies);
    json_object_set_new(m, "total", json_integer(total));
    json_object_set_new(m, "muc", json_integer(sid));
    if ((int64_t)page * SYNTH_PER_PAGE < total)
        json_object_set_new(m, "next_page", json_integer(page + 1));
    if (page > 1)
        json_object_set_new(m, "prev_page", json_integer(page - 1));
    json_object_set_new(m, "sources", sources_json(NULL));
    res->template = "consultation/synth";
    res->title = arena_printf(r->a, "Tổng hợp ý kiến – %s", c->title);
    return 0;
}

static int page_synth(struct http_request *r, struct http_response *res)
{
    struct cs_item c;
    struct unit u;
    int rc = managed(r, &c, &u);
    if (rc)
        return rc;
    return cs_synth_page(r, res, &c, &u);
}

static int synth_error(struct http_request *r, struct http_response *res, struct act_job *j,
                       const char *field, const char *message)
{
    if (!res->model)
        res->model = json_object();
    http_form_error(res, field, message);
    return cs_synth_page(r, res, &j->c, &j->u);
}

/* ---- POST /quan-ly/gop-y/{id}/y-kien: a comment gathered by another form ---- */

static const struct http_param_spec enter_params[] = {
    {"muc", HP_INT, 0, 0, INT64_MAX},    {"noi_dung", HP_LINES, 0, 0, CS_MAX_COMMENT},
    {"nguon", HP_TEXT, 1, 1, 20},        {"ghi_chu_nguon", HP_TEXT, 0, 0, 300},
    {"nguoi_gop_y", HP_TEXT, 0, 0, 200},
};

static int run_enter(struct db *db, struct act_job *j)
{
    return cs_store_comment_add(db, &j->comment);
}

static int post_enter(struct http_request *r, struct http_response *res)
{
    int rc;
    struct act_job *j = act_begin(r, &rc);
    if (!j)
        return rc;
    j->back = arena_printf(r->a, "/quan-ly/gop-y/%lld/tong-hop", (long long)j->c.id);
    res->model = json_pack("{s:{s:s,s:s,s:s}}", "enter", "noi_dung", param_or(r, "noi_dung", ""),
                           "ghi_chu_nguon", param_or(r, "ghi_chu_nguon", ""), "nguoi_gop_y",
                           param_or(r, "nguoi_gop_y", ""));
    const char *body = trimmed(r, "noi_dung"), *source = trimmed(r, "nguon");
    int64_t sid = http_param_int(r, "muc", 0);
    if (!cs_source_label(source) || !strcmp(source, "online"))
        return synth_error(r, res, j, "nguon", "Vui lòng chọn nguồn của ý kiến.");
    if (utf8_length(body, strlen(body)) < 5)
        return synth_error(r, res, j, "noi_dung", "Vui lòng nhập nội dung ý kiến.");
    if (!strcmp(j->c.status, "draft"))
        return synth_error(r, res, j, "noi_dung", "Dự thảo chưa mở lấy ý kiến.");
    if (sid) {
        json_t *sec;
        if (cs_store_section(r->db, r->a, j->c.id, sid, &sec) != 0)
            return synth_error(r, res, j, "muc", "Mục không thuộc dự thảo này.");
        json_decref(sec);
    }
    j->comment = (struct cs_comment_in){
        .actor = j->actor,
        .online = 0,
        .consultation_id = j->c.id,
        .section_id = sid,
        .version = j->c.version,
        .body = body,
        .source = source,
        .source_note = trimmed(r, "ghi_chu_nguon"),
        .author_name = trimmed(r, "nguoi_gop_y"),
        .unit_id = j->u.id,
    };
    return act_defer(r, j, run_enter, "Đã nhập ý kiến.");
}

/* ---- POST /quan-ly/gop-y/{id}/so-lieu: stances counted on paper ---- */

static const struct http_param_spec tally_params[] = {
    {"nguon", HP_TEXT, 1, 1, 20},          {"ghi_chu", HP_TEXT, 0, 0, 300},
    {"tan_thanh", HP_INT, 1, 0, 10000000}, {"khong_tan_thanh", HP_INT, 1, 0, 10000000},
    {"khac", HP_INT, 0, 0, 10000000},
};

static int run_tally(struct db *db, struct act_job *j)
{
    return cs_store_tally_add(db, j->actor, j->c.id, j->u.id, j->s1, j->s2, j->n1, j->n2, j->n3);
}

static int post_tally(struct http_request *r, struct http_response *res)
{
    int rc;
    struct act_job *j = act_begin(r, &rc);
    if (!j)
        return rc;
    j->back = arena_printf(r->a, "/quan-ly/gop-y/%lld/tong-hop", (long long)j->c.id);
    j->s1 = trimmed(r, "nguon");
    j->s2 = trimmed(r, "ghi_chu");
    j->n1 = (int)http_param_int(r, "tan_thanh", 0);
    j->n2 = (int)http_param_int(r, "khong_tan_thanh", 0);
    j->n3 = (int)http_param_int(r, "khac", 0);
    if (!cs_source_label(j->s1) || !strcmp(j->s1, "online"))
        return synth_error(r, res, j, "so_lieu", "Vui lòng chọn nguồn của số liệu.");
    if (j->n1 + j->n2 + j->n3 == 0)
        return synth_error(r, res, j, "so_lieu", "Số ý kiến phải lớn hơn 0.");
    return act_defer(r, j, run_tally, "Đã ghi số liệu tán thành, không tán thành.");
}

/* ---- POST /quan-ly/gop-y/{id}/nhom: group comments under one answer ---- */

static const struct http_param_spec group_params[] = {
    {"y_kien", HP_INT, 0, 1, INT64_MAX}, {"muc", HP_INT, 0, 0, INT64_MAX},
    {"tom_tat", HP_LINES, 0, 0, 5000},   {"ket_qua", HP_TEXT, 1, 1, 20},
    {"tra_loi", HP_LINES, 0, 0, 10000},
};

static int run_group(struct db *db, struct act_job *j)
{
    return cs_store_group_add(db, j->actor, j->c.id, j->u.id, j->id1, j->s1, j->s2, j->s3, j->ids,
                              j->n_ids, &j->id1);
}

static int post_group(struct http_request *r, struct http_response *res)
{
    int rc;
    struct act_job *j = act_begin(r, &rc);
    if (!j)
        return rc;
    j->back = arena_printf(r->a, "/quan-ly/gop-y/%lld/tong-hop", (long long)j->c.id);
    res->model = json_pack("{s:{s:s,s:s}}", "group", "tom_tat", param_or(r, "tom_tat", ""),
                           "tra_loi", param_or(r, "tra_loi", ""));
    j->ids = arena_alloc(r->a, (r->params.n_items + 1) * sizeof *j->ids);
    for (size_t i = 0; i < r->params.n_items; i++) {
        const struct http_param *p = &r->params.items[i];
        int64_t v;
        if (str_eq_c(p->name, "y_kien") && parse_int64(str_trim(p->value), 1, INT64_MAX, &v) == 0)
            j->ids[j->n_ids++] = v;
    }
    j->id1 = http_param_int(r, "muc", 0);
    j->s1 = trimmed(r, "tom_tat");
    j->s2 = trimmed(r, "ket_qua");
    j->s3 = trimmed(r, "tra_loi");
    if (!j->n_ids)
        return synth_error(r, res, j, "nhom", "Vui lòng chọn các ý kiến cần tổng hợp.");
    if (strcmp(j->s2, "accepted") && strcmp(j->s2, "explained"))
        return synth_error(r, res, j, "nhom", "Vui lòng chọn tiếp thu hoặc giải trình.");
    if (!j->s1[0])
        return synth_error(r, res, j, "nhom", "Vui lòng tóm tắt nội dung các ý kiến.");
    if (!j->s3[0])
        return synth_error(r, res, j, "nhom",
                           "Vui lòng nhập nội dung tiếp thu (sẽ sửa thế nào) hoặc giải trình "
                           "(vì sao không tiếp thu).");
    if (j->id1) {
        json_t *sec;
        if (cs_store_section(r->db, r->a, j->c.id, j->id1, &sec) != 0)
            return synth_error(r, res, j, "nhom", "Mục không thuộc dự thảo này.");
        json_decref(sec);
    }
    return act_defer(r, j, run_group, arena_printf(r->a, "Đã tổng hợp %zu ý kiến.", j->n_ids));
}

/* ---- POST /quan-ly/gop-y/{id}/nhom/{gid}/huy: dissolve a group ---- */

static int run_ungroup(struct db *db, struct act_job *j)
{
    return cs_store_group_drop(db, j->actor, j->c.id, j->u.id, j->id1);
}

static int post_ungroup(struct http_request *r, struct http_response *res)
{
    int rc;
    struct act_job *j = act_begin(r, &rc);
    if (!j)
        return rc;
    j->back = arena_printf(r->a, "/quan-ly/gop-y/%lld/tong-hop", (long long)j->c.id);
    if (parse_int64(str_c(http_arg(r, "gid")), 1, INT64_MAX, &j->id1) != 0)
        return ERR_NOT_FOUND;
    if (!strcmp(j->c.status, "published"))
        return synth_error(r, res, j, "nhom", "Kết quả đã công bố, không sửa tổng hợp được.");
    return act_defer(r, j, run_ungroup, "Đã bỏ nhóm; các ý kiến trở lại danh sách chưa trả lời.");
}

/* ---- POST /quan-ly/gop-y/{id}/an: hide a comment (abuse, personal data) with a reason ---- */

static const struct http_param_spec hide_params[] = {
    {"y_kien", HP_INT, 1, 1, INT64_MAX},
    {"ly_do", HP_TEXT, 0, 0, 300},
};

static int run_hide(struct db *db, struct act_job *j)
{
    return cs_store_hide(db, j->actor, j->c.id, j->u.id, j->id1, j->s1);
}

static int post_hide(struct http_request *r, struct http_response *res)
{
    int rc;
    struct act_job *j = act_begin(r, &rc);
    if (!j)
        return rc;
    j->back = arena_printf(r->a, "/quan-ly/gop-y/%lld/tong-hop", (long long)j->c.id);
    j->id1 = http_param_int(r, "y_kien", 0);
    j->s1 = trimmed(r, "ly_do");
    if (!j->s1[0])
        return synth_error(r, res, j, "an", "Vui lòng ghi lý do ẩn ý kiến.");
    return act_defer(r, j, run_hide, "Đã ẩn ý kiến; lý do được lưu trong nhật ký.");
}

/* ---- POST /quan-ly/gop-y/{id}/quyet-dinh: the decision ---- */

static const struct http_param_spec decide_params[] = {
    {"quyet_dinh", HP_INT, 1, 1, 3},       {"noi_dung", HP_LINES, 0, 0, 5000},
    {"giai_trinh", HP_LINES, 0, 0, 10000}, {"ngay", HP_DATE, 0, 0, 0},
    {"bao_cao_hdnd", HP_DATE, 0, 0, 0},
};

static int run_decide(struct db *db, struct act_job *j)
{
    return cs_store_decide(db, j->actor, &j->c);
}

static int post_decide(struct http_request *r, struct http_response *res)
{
    int rc, bad = 0;
    struct act_job *j = act_begin(r, &rc);
    if (!j)
        return rc;
    j->c.decision = (enum cs_decision)http_param_int(r, "quyet_dinh", 0);
    j->c.decision_note = trimmed(r, "noi_dung");
    j->c.explanation = trimmed(r, "giai_trinh");
    j->c.decided_on = date_param(r, "ngay", &bad);
    j->c.council_report_on = date_param(r, "bao_cao_hdnd", &bad);
    if (!j->c.decided_on[0])
        j->c.decided_on = iso_of(r->a, date_vn_from_time(time(NULL)));
    res->model = json_pack("{s:{s:s,s:s}}", "decide", "noi_dung", j->c.decision_note, "giai_trinh",
                           j->c.explanation);
    if (bad)
        return manage_error(r, res, j, "quyet_dinh", "Ngày phải viết dạng ngày/tháng/năm.");
    if (!strcmp(j->c.status, "draft"))
        return manage_error(r, res, j, "quyet_dinh", "Dự thảo chưa được lấy ý kiến.");
    int64_t agree, disagree, other;
    if ((rc = cs_store_stances(r->db, j->c.id, &agree, &disagree, &other)) != 0)
        return rc;
    enum cs_view maj = cs_majority(cs_rules_for(cs_env(r), &j->c), agree, disagree, other);
    if (cs_publish_check(maj, j->c.decision, j->c.explanation) != 0)
        return manage_error(r, res, j, "quyet_dinh",
                            arena_printf(r->a,
                                         "Quyết định này khác với ý kiến của đa số (%s): phải "
                                         "giải trình lý do (Điều 28 Luật Thực hiện dân chủ ở "
                                         "cơ sở).",
                                         cs_view_label(maj)));
    return act_defer(r, j, run_decide, "Đã ghi quyết định.");
}

/* ---- POST /quan-ly/gop-y/{id}/cong-bo: publish the result and the response table ---- */

static int run_publish(struct db *db, struct act_job *j)
{
    return cs_store_publish(db, j->actor, j->c.id, j->u.id);
}

static int post_publish(struct http_request *r, struct http_response *res)
{
    int rc;
    struct act_job *j = act_begin(r, &rc);
    if (!j)
        return rc;
    j->back = arena_printf(r->a, "/gop-y/du-thao/%lld/ket-qua", (long long)j->c.id);
    if (strcmp(j->c.status, "open") != 0 || cs_phase_now(&j->c) != CS_PHASE_CLOSED)
        return manage_error(r, res, j, "cong_bo",
                            "Chỉ công bố kết quả sau khi hết thời gian lấy ý kiến.");
    int64_t n, grouped, hidden, agree, disagree, other;
    if ((rc = cs_store_counts(r->db, j->c.id, &n, &grouped, &hidden)) != 0 ||
        (rc = cs_store_stances(r->db, j->c.id, &agree, &disagree, &other)) != 0)
        return rc;
    if (n - hidden - grouped > 0)
        return manage_error(r, res, j, "cong_bo",
                            arena_printf(r->a,
                                         "Còn %lld ý kiến chưa được tiếp thu hoặc giải trình.",
                                         (long long)(n - hidden - grouped)));
    enum cs_view maj = cs_majority(cs_rules_for(cs_env(r), &j->c), agree, disagree, other);
    if (j->c.decision == CS_DEC_NONE)
        return manage_error(r, res, j, "cong_bo", "Vui lòng ghi quyết định trước khi công bố.");
    if (cs_publish_check(maj, j->c.decision, j->c.explanation) != 0)
        return manage_error(r, res, j, "cong_bo",
                            "Quyết định khác với ý kiến của đa số mà chưa có giải trình: không "
                            "công bố được (Điều 28).");
    return act_defer(r, j, run_publish, "Đã công bố kết quả lấy ý kiến và bảng tổng hợp.");
}

/* ---- POST /quan-ly/gop-y/{id}/phien-ban: the revised draft as a new version ---- */

static const struct http_param_spec version_params[] = {
    {"van_ban", HP_LINES, 0, 0, 2000000},
    {"ghi_chu", HP_LINES, 0, 0, 3000},
    {"tep", HP_FILE, 0, 0, 0},
};

static int run_version(struct db *db, struct act_job *j)
{
    return cs_store_version_add(db, j->actor, j->c.id, j->u.id, &j->v, &j->n1);
}

static int post_version(struct http_request *r, struct http_response *res)
{
    int rc;
    struct act_job *j = act_begin(r, &rc);
    if (!j)
        return rc;
    const char *text = NULL, *error = NULL, *name = "";
    const struct http_param *file = http_file(r, "tep");
    res->model = json_pack("{s:{s:s}}", "revise", "ghi_chu", param_or(r, "ghi_chu", ""));
    if (!strcmp(j->c.status, "draft"))
        return manage_error(r, res, j, "phien_ban",
                            "Dự thảo chưa mở lấy ý kiến: hãy sửa trực tiếp văn bản.");
    if (file && file->value.len) {
        if (file->value.len > CS_MAX_FILE)
            error = "Tệp dự thảo quá lớn (tối đa 10 MB).";
        else
            cs_text_of_file(r->a, file->value.ptr, file->value.len, &text, &error);
        name = str_dup(r->a, file->filename);
    } else {
        text = trimmed(r, "van_ban");
        if (!text[0])
            error = "Vui lòng chọn tệp dự thảo đã chỉnh sửa hoặc dán nội dung.";
    }
    if (!error)
        cs_recognise(r->a, text, &j->v, NULL, &error);
    if (error)
        return manage_error(r, res, j, "phien_ban", error);
    j->v.source_name = name;
    j->v.note = trimmed(r, "ghi_chu");
    return act_defer(r, j, run_version, "Đã đăng dự thảo chỉnh sửa thành phiên bản mới.");
}

#define N(x) (sizeof(x) / sizeof((x)[0]))
#define MANAGE "consultation.manage"
#define MB (12u * 1024 * 1024)

const struct http_route cs_admin_routes[] = {
    {"GET", "/quan-ly/gop-y", page_index, NULL, NULL, NULL, HTTP_LOGIN, NULL, 0, 0},
    {"GET", "/quan-ly/gop-y/moi", page_new, NULL, NULL, NULL, HTTP_LOGIN, new_params, N(new_params),
     0},
    {"POST", "/quan-ly/gop-y/moi", post_new, after_new, NULL, NULL, HTTP_LOGIN | HTTP_MULTIPART,
     new_params, N(new_params), MB},
    {"GET", "/quan-ly/gop-y/{id}", page_manage, NULL, NULL, NULL, HTTP_LOGIN, NULL, 0, 0},
    {"POST", "/quan-ly/gop-y/{id}/thong-tin", post_info, after_act, NULL, NULL, HTTP_LOGIN,
     info_params, N(info_params), 0},
    {"POST", "/quan-ly/gop-y/{id}/van-ban", post_text, after_act, NULL, NULL, HTTP_LOGIN,
     text_params, N(text_params), MB},
    {"POST", "/quan-ly/gop-y/{id}/ke-hoach", post_plan, after_act, NULL, NULL, HTTP_LOGIN,
     plan_params, N(plan_params), 0},
    {"POST", "/quan-ly/gop-y/{id}/mo", post_open, after_act, NULL, NULL, HTTP_LOGIN, open_params,
     N(open_params), 0},
    {"GET", "/quan-ly/gop-y/{id}/tong-hop", page_synth, NULL, NULL, NULL, HTTP_LOGIN, synth_params,
     N(synth_params), 0},
    {"POST", "/quan-ly/gop-y/{id}/y-kien", post_enter, after_act, NULL, NULL, HTTP_LOGIN,
     enter_params, N(enter_params), 0},
    {"POST", "/quan-ly/gop-y/{id}/so-lieu", post_tally, after_act, NULL, NULL, HTTP_LOGIN,
     tally_params, N(tally_params), 0},
    {"POST", "/quan-ly/gop-y/{id}/nhom", post_group, after_act, NULL, NULL, HTTP_LOGIN,
     group_params, N(group_params), 0},
    {"POST", "/quan-ly/gop-y/{id}/nhom/{gid}/huy", post_ungroup, after_act, NULL, NULL, HTTP_LOGIN,
     NULL, 0, 0},
    {"POST", "/quan-ly/gop-y/{id}/an", post_hide, after_act, NULL, NULL, HTTP_LOGIN, hide_params,
     N(hide_params), 0},
    {"POST", "/quan-ly/gop-y/{id}/quyet-dinh", post_decide, after_act, NULL, NULL, HTTP_LOGIN,
     decide_params, N(decide_params), 0},
    {"POST", "/quan-ly/gop-y/{id}/cong-bo", post_publish, after_act, NULL, NULL, HTTP_LOGIN, NULL,
     0, 0},
    {"POST", "/quan-ly/gop-y/{id}/phien-ban", post_version, after_act, NULL, NULL,
     HTTP_LOGIN | HTTP_MULTIPART, version_params, N(version_params), MB},
};
const size_t cs_admin_n_routes = N(cs_admin_routes);

/*
 * admin.c - the officials' side of disclosure: the lists they work from
 * (due, at risk, late, running, complete, drafts), creating an item with its
 * attachments, legal channels and plan, publishing now or at a set time,
 * correcting, withdrawing, recording postings. The dashboard and the report to
 * the HĐND are in report.c.
 *
 * Every write goes through the write queue (http_defer_write) and is answered
 * once durable; every write leaves an audit row (store.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disclosure/internal.h"

/* State carried from a handler to its deferred write and `after`. */
struct dc_edit {
    int64_t actor;          /* signed-in account */
    int64_t id;             /* item */
    struct dc_new n;        /* create */
    struct dc_posting_in p; /* posting */
    int64_t posting_id;     /* posting to end */
    int64_t at;             /* publication time */
    const char *title;      /* correction */
    const char *body_md;    /* correction */
    const char *body_html;  /* correction */
    const char *text;       /* plain text for the index */
    const char *reason;     /* correction or withdrawal */
    const char *date;       /* removal date */
    const char *code;       /* commune code (create) */
};

static struct dc_edit *edit_new(struct http_request *r)
{
    struct dc_edit *e = arena_zalloc(r->a, sizeof *e);
    e->actor = r->user ? r->user->id : 0;
    r->state = e;
    return e;
}

static const struct dc_rules *rules_for(struct disclosure_env *env, struct date d)
{
    const struct dc_rules *r = dc_rules_at(env->rules, d);
    return r ? r : (env->rules->n_versions ? &env->rules->versions[0] : NULL);
}

/* ---- the lists officials work from ---- */

static const char *const tab_keys[] = {"due",      "at_risk",   "late", "running",
                                       "complete", "withdrawn", "draft"};
static const char *const tab_labels[] = {"Chờ công khai",  "Sắp đến hạn", "Trễ hạn",
                                         "Đang thực hiện", "Hoàn thành",  "Đã thu hồi",
                                         "Bản nháp"};

static const struct http_param_spec admin_list_params[] = {
    {"loai", HP_TEXT, 0, 0, 20},
};

/* GET /quan-ly/cong-khai/{code}?loai= - disclosure.view on the commune. Items by state: due,
 * at risk, late, running, complete, withdrawn, drafts; each with its deadline and channels. */
static int page_admin_list(struct http_request *r, struct http_response *res)
{
    struct unit u;
    int rc = dc_commune_arg(r, "code", &u);
    if (rc)
        return rc;
    struct dc_evaluated ev;
    if ((rc = dc_evaluate_commune(r, &u, &ev)) != 0)
        return rc;
    const char *want = http_param(r, "loai");
    int tab = -1;
    for (int t = 0; want && t < 7; t++)
        if (strcmp(want, tab_keys[t]) == 0)
            tab = t;
    int counts[7] = {0};
    json_t *items = json_array();
    int can_secret = http_authorize(r, "disclosure.secret", u.code) == 0;
    for (size_t i = 0; i < ev.n; i++) {
        const struct dc_item *it = &ev.items[i];
        if (it->secret && !can_secret)
            continue;
        int t = strcmp(it->status, "draft") == 0 ? 6 : (int)ev.st[i].state;
        counts[t]++;
        if (tab >= 0 && t != tab)
            continue;
        if (tab < 0 && (t == 4 || t == 5)) /* the default view: what needs work */
            continue;
        json_t *j = dc_item_json(r, it, &u);
        json_object_set_new(j, "status", dc_status_json(&ev.st[i]));
        json_object_set_new(
            j, "manage_url",
            json_string(arena_printf(r->a, "/quan-ly/thong-tin/%lld", (long long)it->id)));
        json_object_set_new(j, "tab", json_string(tab_keys[t]));
        json_object_set_new(j, "tab_label", json_string(tab_labels[t]));
        json_array_append_new(items, j);
    }
    json_t *tabs = json_array();
    for (int t = 0; t < 7; t++)
        json_array_append_new(
            tabs,
            json_pack("{s:s,s:s,s:i,s:b,s:s}", "key", tab_keys[t], "label", tab_labels[t], "n",
                      counts[t], "current", t == tab, "url",
                      arena_printf(r->a, "/quan-ly/cong-khai/%s?loai=%s", u.code, tab_keys[t])));
    res->model = json_object();
    json_object_set_new(res->model, "unit", dc_unit_json(&u));
    json_object_set_new(res->model, "items", items);
    json_object_set_new(res->model, "tabs", tabs);
    json_object_set_new(res->model, "all_tabs", json_boolean(tab < 0));
    json_object_set_new(res->model, "can_manage",
                        json_boolean(http_authorize(r, "disclosure.manage", u.code) == 0));
    res->template = "disclosure/admin_list";
    res->title = arena_printf(r->a, "Quản lý công khai – %s", u.name);
    return 0;
}

/* ---- new item ---- */

static const struct http_param_spec new_params[] = {
    {"linh_vuc", HP_INT, 0, 1, DC_N_CATEGORIES},
};

static void categories_select(struct http_request *r, json_t *model, int selected)
{
    json_t *cats = json_array();
    for (int c = 1; c <= DC_N_CATEGORIES; c++)
        json_array_append_new(cats, json_pack("{s:i,s:s,s:s,s:b}", "n", c, "code",
                                              arena_printf(r->a, "CK%02d", c), "label",
                                              dc_category_label(c), "selected", c == selected));
    json_object_set_new(model, "categories", cats);
}

/* The channel checkboxes for category cat: required ones ticked and locked. */
static void channels_model(struct http_request *r, json_t *model, int cat, unsigned chosen)
{
    struct disclosure_env *env = dc_env(r);
    const struct dc_rules *rules = rules_for(env, dc_vn_date(dc_now()));
    unsigned req = rules && cat >= 1 && cat <= DC_N_CATEGORIES ? rules->required[cat] : 1u;
    static const char *const names[] = {"kenh_web", "kenh_niem_yet", "kenh_loa",
                                        "kenh_truong_thon"};
    json_t *chs = json_array();
    for (int c = 0; c < DC_N_CHANNELS; c++) {
        int required = (req >> c) & 1;
        /* The categories that require this channel, for disclosure.js to tick it at once. */
        struct buf cats;
        buf_init(&cats, r->a);
        for (int k = 1; rules && k <= DC_N_CATEGORIES; k++)
            if ((rules->required[k] >> c) & 1)
                buf_printf(&cats, cats.len ? " %d" : "%d", k);
        json_array_append_new(chs, json_pack("{s:s,s:s,s:b,s:b,s:s}", "name", names[c], "label",
                                             dc_channel_label((enum dc_channel)c), "required",
                                             required, "checked", required || ((chosen >> c) & 1),
                                             "required_for", cats.ptr ? cats.ptr : ""));
    }
    json_object_set_new(model, "channels", chs);
    /* The C2 table, so the official sees the legal minimum of every category. */
    json_t *table = json_array();
    for (int c = 1; rules && c <= DC_N_CATEGORIES; c++) {
        struct buf b;
        buf_init(&b, r->a);
        for (int k = 0; k < DC_N_CHANNELS; k++) {
            if (!((rules->required[c] >> k) & 1))
                continue;
            if (b.len)
                buf_puts(&b, ", ");
            buf_puts(&b, dc_channel_label((enum dc_channel)k));
        }
        json_array_append_new(
            table, json_pack("{s:s,s:s,s:s,s:s}", "code", arena_printf(r->a, "CK%02d", c), "label",
                             dc_category_label(c), "channels", b.ptr ? b.ptr : "", "duration",
                             (rules->permanent >> c) & 1
                                 ? "Niêm yết thường xuyên"
                                 : arena_printf(r->a, "Niêm yết ít nhất %d ngày liên tục%s",
                                                rules->posting_days,
                                                (rules->required[c] >> DC_LOUDSPEAKER) & 1
                                                    ? arena_printf(r->a,
                                                                   "; truyền thanh ít nhất %d "
                                                                   "ngày liên tục",
                                                                   rules->loudspeaker_days)
                                                    : "")));
    }
    json_object_set_new(model, "rules_table", table);
    if (rules)
        json_object_set_new(model, "publish_within", json_integer(rules->publish_within));
}

static const char *const form_fields[] = {
    "tieu_de",  "noi_dung", "so_hieu", "ngay_quyet_dinh", "thon",           "cong_bo",
    "ngay_hen", "gio_hen",  "chuc_vu", "nguoi_ky",        "nguoi_phu_trach"};

static void default_form(json_t *model)
{
    json_t *f = json_object_get(model, "form");
    if (!f) {
        f = json_object();
        json_object_set_new(model, "form", f);
    }
    for (size_t i = 0; i < sizeof form_fields / sizeof form_fields[0]; i++)
        if (!json_object_get(f, form_fields[i]))
            json_object_set_new(f, form_fields[i], json_string(""));
}

static void echo_form(struct http_request *r, json_t *model)
{
    json_t *f = json_object();
    for (size_t i = 0; i < r->params.n_items; i++) {
        const struct http_param *p = &r->params.items[i];
        if (p->is_file)
            continue;
        json_object_set_new(f, str_dup(r->a, p->name), json_string(str_dup(r->a, p->value)));
    }
    json_object_set_new(model, "form", f);
}

/* Fills the model of the new-item form for commune u. */
static int new_form_model(struct http_request *r, struct http_response *res, const struct unit *u,
                          int cat, unsigned chosen, const char *village_code)
{
    json_t *villages;
    int rc = units_children_json(r->db, u->id, &villages);
    if (rc)
        return rc;
    size_t i;
    json_t *v;
    json_array_foreach(villages, i, v)
    {
        const char *code = json_string_value(json_object_get(v, "code"));
        json_object_set_new(v, "selected",
                            json_boolean(village_code && code && strcmp(code, village_code) == 0));
    }
    json_object_set_new(res->model, "villages", villages);
    json_object_set_new(res->model, "unit", dc_unit_json(u));
    categories_select(r, res->model, cat);
    channels_model(r, res->model, cat, chosen);
    default_form(res->model);
    json_t *f = json_object_get(res->model, "form");
    const char *mode = json_string_value(json_object_get(f, "cong_bo"));
    json_object_set_new(res->model, "mode_now",
                        json_boolean(!mode || !mode[0] || strcmp(mode, "ngay") == 0));
    json_object_set_new(res->model, "mode_later", json_boolean(mode && strcmp(mode, "hen") == 0));
    json_object_set_new(res->model, "mode_draft", json_boolean(mode && strcmp(mode, "nhap") == 0));
    json_object_set_new(res->model, "secret_checked",
                        json_boolean(json_object_get(f, "bi_mat") != NULL));
    res->template = "disclosure/new";
    res->title = "Đăng thông tin công khai";
    return 0;
}

/* GET /quan-ly/cong-khai/{code}/moi?linh_vuc= - disclosure.manage. The new-item form. */
static int page_new(struct http_request *r, struct http_response *res)
{
    struct unit u;
    int rc = dc_commune_arg(r, "code", &u);
    if (rc)
        return rc;
    res->model = json_object();
    json_t *f = json_object();
    char today[11];
    date_format_vn(dc_vn_date(dc_now()), today);
    json_object_set_new(f, "ngay_quyet_dinh", json_string(today));
    json_object_set_new(f, "chuc_vu", json_string("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"));
    /* The plan's owner (C4) is whoever opens the form, unless they name someone else. */
    json_object_set_new(f, "nguoi_phu_trach", json_string(r->user->display_name));
    json_object_set_new(res->model, "form", f);
    return new_form_model(r, res, &u, (int)http_param_int(r, "linh_vuc", 0), 0, NULL);
}

static const struct http_param_spec create_params[] = {
    {"linh_vuc", HP_INT, 0, 0, DC_N_CATEGORIES},
    {"tieu_de", HP_TEXT, 0, 0, 300},
    {"noi_dung", HP_LINES, 0, 0, 200000},
    {"so_hieu", HP_TEXT, 0, 0, 60},
    {"ngay_quyet_dinh", HP_TEXT, 0, 0, 10},
    {"thon", HP_TEXT, 0, 0, 20},
    {"kenh_web", HP_TEXT, 0, 0, 2},
    {"kenh_niem_yet", HP_TEXT, 0, 0, 2},
    {"kenh_loa", HP_TEXT, 0, 0, 2},
    {"kenh_truong_thon", HP_TEXT, 0, 0, 2},
    {"bi_mat", HP_TEXT, 0, 0, 2},
    {"cong_bo", HP_TEXT, 0, 0, 8},
    {"ngay_hen", HP_TEXT, 0, 0, 10},
    {"gio_hen", HP_TEXT, 0, 0, 5},
    {"chuc_vu", HP_LINES, 0, 0, 200},
    {"nguoi_ky", HP_TEXT, 0, 0, 120},
    {"nguoi_phu_trach", HP_TEXT, 0, 0, 120},
    {"tep1", HP_FILE, 0, 0, 0},
    {"tep2", HP_FILE, 0, 0, 0},
    {"tep3", HP_FILE, 0, 0, 0},
};

/* Checks an uploaded file by its content: PDF, image, DOCX or XLSX (images only for photos);
 * photos lose their metadata. 0, or a Vietnamese error. */
static int dc_read_upload(struct arena *a, const struct http_param *p, int images_only,
                          struct dc_file_in *out, const char **error)
{
    struct export_upload up;
    int rc = export_upload_accept(a, p->filename.ptr, p->filename.len, p->value.ptr, p->value.len,
                                  images_only ? EXPORT_IMAGES : EXPORT_DOCUMENTS, DC_MAX_FILE, &up,
                                  error);
    if (rc)
        return rc;
    out->data = up.data;
    out->len = up.len;
    out->mime = up.mime;
    out->name = up.name;
    return 0;
}

/* "dd/mm/yyyy" + "HH:MM" in Vietnam → unix time; -1 when not valid. */
static int64_t vn_time(const char *date, const char *hm)
{
    struct date d;
    int64_t h = 0, m = 0;
    if (!date || date_parse(date, &d) != 0)
        return -1;
    if (hm && hm[0]) {
        const char *colon = strchr(hm, ':');
        if (!colon || parse_int64((struct str){hm, (size_t)(colon - hm)}, 0, 23, &h) != 0 ||
            parse_int64(str_c(colon + 1), 0, 59, &m) != 0)
            return -1;
    }
    return date_to_days(d) * 86400 + h * 3600 + m * 60 - 7 * 3600;
}

static int run_create(struct db *db, void *arg)
{
    struct dc_edit *e = arg;
    return dc_store_create(db, &e->n);
}

static int after_create(struct http_request *r, struct http_response *res, int rc)
{
    struct dc_edit *e = r->state;
    if (rc)
        return rc;
    res->redirect = arena_printf(r->a, "/quan-ly/thong-tin/%lld", (long long)e->n.id);
    res->flash = e->n.publish_at == 0         ? "Đã lưu bản nháp."
                 : e->n.publish_at > dc_now() ? "Đã hẹn giờ công bố."
                                              : "Đã công bố trên cổng thông tin.";
    return 0;
}

static int flag(struct http_request *r, const char *name)
{
    const char *v = http_param(r, name);
    return v && v[0];
}

/* POST /quan-ly/cong-khai/{code} - disclosure.manage on the commune. Creates an item: category,
 * title, Markdown body, number, decision date, village, channels (the legal ones are forced),
 * secret flag, publish now / at a time / draft, signer, up to three attachments. */
static int post_create(struct http_request *r, struct http_response *res)
{
    struct dc_edit *e = edit_new(r);
    struct unit u;
    int rc = dc_commune_arg(r, "code", &u);
    if (rc)
        return rc;
    struct disclosure_env *env = dc_env(r);
    res->model = json_object();
    int bad = 0;
    int cat = (int)http_param_int(r, "linh_vuc", 0);
    if (cat < 1) {
        http_form_error(res, "linh_vuc", "Vui lòng chọn lĩnh vực công khai (CK01–CK14).");
        bad = 1;
    }
    struct str title = str_trim(str_c(http_param(r, "tieu_de") ? http_param(r, "tieu_de") : ""));
    if (!title.len) {
        http_form_error(res, "tieu_de", "Vui lòng nhập tiêu đề.");
        bad = 1;
    }
    const char *body = http_param(r, "noi_dung");
    body = body ? body : "";
    struct date dec;
    const char *decs = http_param(r, "ngay_quyet_dinh");
    struct date today = dc_vn_date(dc_now());
    if (!decs || date_parse(decs, &dec) != 0) {
        http_form_error(res, "ngay_quyet_dinh",
                        "Ngày quyết định phải có dạng dd/mm/yyyy, ví dụ 05/01/2026.");
        bad = 1;
    } else if (date_cmp(dec, today) > 0) {
        http_form_error(res, "ngay_quyet_dinh", "Ngày quyết định không thể ở tương lai.");
        bad = 1;
    } else if (!calendar_has_year(env->cal, dec.y)) {
        http_form_error(res, "ngay_quyet_dinh",
                        "Chưa có lịch ngày nghỉ của năm này để tính hạn công khai; hãy báo quản "
                        "trị hệ thống bổ sung lịch.");
        bad = 1;
    }
    int64_t village = 0;
    const char *vcode = http_param(r, "thon");
    if (vcode && vcode[0]) {
        struct unit v;
        if (units_get(r->db, vcode, &v) != 0 || v.parent_id != u.id) {
            http_form_error(res, "thon", "Thôn, tổ dân phố không thuộc xã/phường này.");
            bad = 1;
        } else {
            village = v.id;
        }
    }
    const char *mode = http_param(r, "cong_bo");
    int64_t at = dc_now();
    if (mode && strcmp(mode, "nhap") == 0) {
        at = 0;
    } else if (mode && strcmp(mode, "hen") == 0) {
        at = vn_time(http_param(r, "ngay_hen"), http_param(r, "gio_hen"));
        if (at < 0) {
            http_form_error(res, "ngay_hen",
                            "Thời điểm hẹn công bố phải có dạng dd/mm/yyyy và giờ HH:MM.");
            bad = 1;
        } else if (at <= dc_now()) {
            http_form_error(res, "ngay_hen", "Thời điểm hẹn công bố phải ở tương lai.");
            bad = 1;
        }
    }
    static const char *const files[] = {"tep1", "tep2", "tep3"};
    for (size_t i = 0; i < 3; i++) {
        const struct http_param *p = http_file(r, files[i]);
        if (!p || !p->value.len)
            continue;
        const char *why;
        if (dc_read_upload(r->a, p, 0, &e->n.files[e->n.n_files], &why) != 0) {
            http_form_error(
                res, files[i],
                arena_printf(r->a, "Tệp \"%.*s\": %s", (int)p->filename.len, p->filename.ptr, why));
            bad = 1;
            continue;
        }
        e->n.n_files++;
    }
    char *html = NULL, *text = NULL;
    if (view_markdown_html(r->a, body, strlen(body), &html) != 0 ||
        view_markdown_text(r->a, body, strlen(body), &text) != 0) {
        http_form_error(res, "noi_dung", "Nội dung có ký tự không hợp lệ.");
        bad = 1;
    }
    const struct dc_rules *rules = rules_for(env, bad ? today : dec);
    unsigned chosen = 1u << DC_WEBSITE;
    if (flag(r, "kenh_niem_yet"))
        chosen |= 1u << DC_BOARD;
    if (flag(r, "kenh_loa"))
        chosen |= 1u << DC_LOUDSPEAKER;
    if (flag(r, "kenh_truong_thon"))
        chosen |= 1u << DC_VILLAGE_HEAD;
    if (rules && cat >= 1)
        chosen |= rules->required[cat]; /* never below the legal minimum */
    if (bad) {
        echo_form(r, res->model);
        return new_form_model(r, res, &u, cat, chosen, vcode);
    }
    char iso[11];
    date_format_iso(dec, iso);
    e->n.actor = e->actor;
    e->n.unit_id = u.id;
    e->n.village_id = village;
    e->n.category = cat;
    e->n.title = str_dup(r->a, title);
    e->n.body_md = body;
    e->n.body_html = html;
    e->n.body_text = text;
    const char *num = http_param(r, "so_hieu");
    e->n.doc_number = num ? num : "";
    e->n.decision = arena_strdup(r->a, iso);
    e->n.channels = chosen;
    e->n.secret = flag(r, "bi_mat");
    const char *st = http_param(r, "chuc_vu");
    const char *sn = http_param(r, "nguoi_ky");
    e->n.signer_title = st ? st : "";
    e->n.signer_name = sn ? sn : "";
    const char *owner = http_param(r, "nguoi_phu_trach");
    struct str ow = str_trim(str_c(owner ? owner : ""));
    e->n.owner = ow.len ? str_dup(r->a, ow) : r->user->display_name;
    e->n.publish_at = at;
    json_decref(res->model);
    res->model = NULL;
    http_defer_write(r, run_create, e);
    return HTTP_DEFERRED;
}

/* ---- one item ---- */

/*
 * The item's disclosure plan (C4): what is disclosed, from when, on which channel and for how
 * long, and who answers for it. It starts on the publication day (or, before that, on the
 * deadline); a minimum duration of N days counts from the day after (A7), so a posting of 30
 * days from 01/03 runs to the end of 31/03, and three days of loudspeaker are that day and
 * the next two.
 */
static json_t *plan_json(struct http_request *r, const struct dc_item *it,
                         const struct dc_status *st)
{
    struct date start = it->published_at ? dc_vn_date(it->published_at) : st->due;
    char from[11], until[11];
    date_format_vn(start, from);
    json_t *rows = json_array();
    for (int c = 0; c < DC_N_CHANNELS; c++) {
        const struct dc_channel_status *cs = &st->ch[c];
        if (cs->state == DC_CH_NOT_REQUIRED)
            continue;
        const char *how;
        if (c == DC_BOARD && cs->days_needed > 0) {
            date_format_vn(date_add_days(start, cs->days_needed), until);
            how = arena_printf(r->a, "Ít nhất %d ngày liên tục, đến hết ngày %s", cs->days_needed,
                               until);
        } else if (c == DC_BOARD) {
            how = "Thường xuyên, cập nhật khi có thay đổi";
        } else if (c == DC_LOUDSPEAKER) {
            date_format_vn(date_add_days(start, cs->days_needed - 1), until);
            how = arena_printf(r->a, "%d ngày liên tục, đến ngày %s", cs->days_needed, until);
        } else if (c == DC_VILLAGE_HEAD) {
            how = "Đến từng hộ gia đình qua trưởng thôn, tổ trưởng";
        } else {
            how = "Đăng trên cổng thông tin, giữ công khai";
        }
        json_array_append_new(rows, json_pack("{s:s,s:s,s:s,s:i}", "channel",
                                              dc_channel_label((enum dc_channel)c), "from", from,
                                              "how", how, "places", cs->places_needed));
    }
    return json_pack("{s:s,s:s,s:o}", "owner", it->owner[0] ? it->owner : "Chưa giao", "start",
                     from, "channels", rows);
}

/* The item page of the back office: state, plan, channels, postings, the forms. */
static int manage_model(struct http_request *r, struct http_response *res, int64_t id)
{
    struct dc_item it;
    struct unit u;
    int is_public;
    int rc = dc_item_access(r, id, &it, &u, &is_public);
    if (rc)
        return rc;
    if (http_authorize(r, "disclosure.view", u.code) != 0)
        return ERR_FORBIDDEN;
    if (!res->model)
        res->model = json_object();
    json_t *item = dc_item_json(r, &it, &u);
    json_object_set_new(res->model, "item", item);
    json_t *postings;
    struct unit *villages;
    int64_t *vids;
    size_t nv;
    if ((rc = dc_village_ids(r, u.id, &vids, &nv, &villages)) != 0)
        return rc;
    if ((rc = dc_store_postings_json(r->db, id, &postings)) != 0)
        return rc;
    /* Rules input from the same rows the page shows. */
    size_t np = json_array_size(postings), i;
    struct dc_posting *p = arena_zalloc(r->a, (np ? np : 1) * sizeof *p);
    json_t *row;
    size_t k = 0;
    json_array_foreach(postings, i, row)
    {
        int ch = (int)json_integer_value(json_object_get(row, "channel"));
        const char *from = json_string_value(json_object_get(row, "posted_on"));
        const char *to = json_string_value(json_object_get(row, "removed_on"));
        struct dc_posting *q = &p[k];
        q->channel = (enum dc_channel)ch;
        q->place = json_integer_value(json_object_get(row, "place_id"));
        if (!from || date_parse(from, &q->from) != 0)
            continue;
        q->has_to = to && to[0] && date_parse(to, &q->to) == 0;
        if (ch == DC_LOUDSPEAKER && !q->has_to) {
            q->to = q->from;
            q->has_to = 1;
        }
        k++;
        char d[11];
        date_format_vn(q->from, d);
        json_object_set_new(row, "from", json_string(d));
        if (q->has_to) {
            date_format_vn(q->to, d);
            json_object_set_new(row, "to", json_string(d));
        } else {
            json_object_set_new(row, "to", json_string(""));
        }
        json_object_set_new(row, "channel_label", json_string(dc_channel_label(q->channel)));
        json_object_set_new(row, "still_up", json_boolean(ch == DC_BOARD && !q->has_to));
        int64_t photo = json_integer_value(json_object_get(row, "photo_id"));
        if (photo)
            json_object_set_new(row, "photo_url",
                                json_string(arena_printf(r->a, "/thong-tin/%lld/tep/%lld",
                                                         (long long)id, (long long)photo)));
    }
    json_object_set_new(res->model, "postings", postings);
    struct dc_status st;
    struct date today = dc_vn_date(dc_now());
    if (dc_item_status(dc_env(r), &it, p, k, vids, nv, today, &st) == 0) {
        json_object_set_new(res->model, "status", dc_status_json(&st));
        json_object_set_new(res->model, "plan", plan_json(r, &it, &st));
    }
    /* Where a posting can be recorded: the UBND office, then each village. */
    json_t *places = json_array();
    if (http_authorize(r, "disclosure.post", u.code) == 0)
        json_array_append_new(places, json_pack("{s:s,s:s}", "code", u.code, "name",
                                                arena_printf(r->a, "Trụ sở UBND %s", u.name)));
    for (size_t vi = 0; vi < nv; vi++) {
        if (http_authorize(r, "disclosure.post", villages[vi].code) != 0)
            continue; /* a village head records for their own village only */
        json_array_append_new(places,
                              json_pack("{s:s,s:s}", "code", villages[vi].code, "name",
                                        arena_printf(r->a, "Nhà văn hóa %s", villages[vi].name)));
    }
    json_object_set_new(res->model, "places", places);
    json_t *files;
    if ((rc = dc_store_files_json(r->db, id, "attachment", &files)) != 0)
        return rc;
    json_array_foreach(files, i, row)
    {
        json_object_set_new(
            row, "url",
            json_string(arena_printf(r->a, "/thong-tin/%lld/tep/%lld", (long long)id,
                                     (long long)json_integer_value(json_object_get(row, "id")))));
    }
    json_object_set_new(res->model, "files", files);
    int manage = http_authorize(r, "disclosure.manage", u.code) == 0;
    json_object_set_new(res->model, "can_manage", json_boolean(manage));
    json_object_set_new(res->model, "can_post", json_boolean(json_array_size(places) > 0));
    json_object_set_new(res->model, "can_publish",
                        json_boolean(manage && strcmp(it.status, "draft") == 0));
    json_object_set_new(res->model, "can_correct",
                        json_boolean(manage && strcmp(it.status, "published") == 0));
    json_object_set_new(res->model, "public_url",
                        json_string(arena_printf(r->a, "/thong-tin/%lld", (long long)id)));
    json_object_set_new(res->model, "list_url",
                        json_string(arena_printf(r->a, "/quan-ly/cong-khai/%s", u.code)));
    json_t *f = json_object_get(res->model, "form");
    if (!f) {
        f = json_object();
        json_object_set_new(res->model, "form", f);
    }
    static const char *const fields[] = {"tieu_de", "noi_dung", "ly_do",   "tu_ngay", "den_ngay",
                                         "ghi_chu", "ngay_hen", "gio_hen", "ngay_go"};
    for (size_t j = 0; j < sizeof fields / sizeof fields[0]; j++)
        if (!json_object_get(f, fields[j]))
            json_object_set_new(f, fields[j], json_string(""));
    if (!json_string_value(json_object_get(f, "tieu_de"))[0])
        json_object_set_new(f, "tieu_de", json_string(it.title));
    if (!json_string_value(json_object_get(f, "noi_dung"))[0])
        json_object_set_new(f, "noi_dung", json_string(it.body_md));
    char td[11];
    date_format_vn(today, td);
    if (!json_string_value(json_object_get(f, "tu_ngay"))[0])
        json_object_set_new(f, "tu_ngay", json_string(td));
    if (!json_string_value(json_object_get(f, "ngay_go"))[0])
        json_object_set_new(f, "ngay_go", json_string(td));
    dc_flag_lists(res->model);
    res->template = "disclosure/manage";
    res->title = arena_printf(r->a, "Quản lý: %s", it.title);
    return 0;
}

/* GET /quan-ly/thong-tin/{id} - disclosure.view on the item's commune. */
static int page_manage(struct http_request *r, struct http_response *res)
{
    return manage_model(r, res, dc_id_arg(r, "id"));
}

/* After a write on item {id}: back to its page with a message, or the page with errors. */
static int after_item(struct http_request *r, struct http_response *res, int rc)
{
    struct dc_edit *e = r->state;
    if (rc == 0) {
        res->redirect = arena_printf(r->a, "/quan-ly/thong-tin/%lld", (long long)e->id);
        res->flash = "Đã lưu.";
        return 0;
    }
    if (rc != ERR_CONFLICT && rc != ERR_INVALID)
        return rc;
    res->model = json_object();
    echo_form(r, res->model);
    http_form_error(res, "form",
                    "Không thể thực hiện: thông tin không còn ở trạng thái phù hợp (có thể vừa "
                    "được người khác cập nhật). Hãy xem lại trang.");
    int st = res->status;
    rc = manage_model(r, res, e->id);
    res->status = st;
    return rc;
}

/* The item for a write: must exist, r must hold perm on its commune. */
static int item_for_write(struct http_request *r, const char *perm, struct dc_edit *e,
                          struct dc_item *it, struct unit *u)
{
    int is_public;
    e->id = dc_id_arg(r, "id");
    int rc = dc_item_access(r, e->id, it, u, &is_public);
    if (rc)
        return rc;
    return http_authorize(r, perm, u->code);
}

/* Re-renders the item page with the typed fields and errors already in res->model. */
static int form_again(struct http_request *r, struct http_response *res, int64_t id)
{
    int st = res->status;
    echo_form(r, res->model);
    int rc = manage_model(r, res, id);
    res->status = st;
    return rc;
}

static const struct http_param_spec publish_params[] = {
    {"cong_bo", HP_TEXT, 0, 0, 8},
    {"ngay_hen", HP_TEXT, 0, 0, 10},
    {"gio_hen", HP_TEXT, 0, 0, 5},
};

static int run_publish(struct db *db, void *arg)
{
    struct dc_edit *e = arg;
    return dc_store_publish(db, e->actor, e->id, e->at, e->text);
}

/* POST /quan-ly/thong-tin/{id}/cong-bo - disclosure.manage. Publishes a draft now or at a set
 * time (cong_bo=hen, ngay_hen, gio_hen). */
static int post_publish(struct http_request *r, struct http_response *res)
{
    struct dc_edit *e = edit_new(r);
    struct dc_item it;
    struct unit u;
    int rc = item_for_write(r, "disclosure.manage", e, &it, &u);
    if (rc)
        return rc;
    res->model = json_object();
    e->at = dc_now();
    const char *mode = http_param(r, "cong_bo");
    if (mode && strcmp(mode, "hen") == 0) {
        e->at = vn_time(http_param(r, "ngay_hen"), http_param(r, "gio_hen"));
        if (e->at <= dc_now()) {
            http_form_error(res, "ngay_hen",
                            "Thời điểm hẹn công bố phải ở tương lai, dạng dd/mm/yyyy và HH:MM.");
            return form_again(r, res, e->id);
        }
    }
    char *text;
    if (view_markdown_text(r->a, it.body_md, strlen(it.body_md), &text) != 0)
        text = "";
    e->text = text;
    json_decref(res->model);
    res->model = NULL;
    http_defer_write(r, run_publish, e);
    return HTTP_DEFERRED;
}

static const struct http_param_spec correct_params[] = {
    {"tieu_de", HP_TEXT, 0, 0, 300},
    {"noi_dung", HP_LINES, 0, 0, 200000},
    {"ly_do", HP_TEXT, 0, 0, 500},
};

static int run_correct(struct db *db, void *arg)
{
    struct dc_edit *e = arg;
    return dc_store_correct(db, e->actor, e->id, e->title, e->body_md, e->body_html, e->text,
                            e->reason);
}

/* POST /quan-ly/thong-tin/{id}/dinh-chinh - disclosure.manage. A correction: new title and
 * body with its reason; the earlier version stays readable and the correction is disclosed. */
static int post_correct(struct http_request *r, struct http_response *res)
{
    struct dc_edit *e = edit_new(r);
    struct dc_item it;
    struct unit u;
    int rc = item_for_write(r, "disclosure.manage", e, &it, &u);
    if (rc)
        return rc;
    res->model = json_object();
    int bad = 0;
    struct str title = str_trim(str_c(http_param(r, "tieu_de") ? http_param(r, "tieu_de") : ""));
    struct str reason = str_trim(str_c(http_param(r, "ly_do") ? http_param(r, "ly_do") : ""));
    const char *body = http_param(r, "noi_dung");
    body = body ? body : "";
    if (!title.len) {
        http_form_error(res, "tieu_de", "Vui lòng nhập tiêu đề.");
        bad = 1;
    }
    if (!reason.len) {
        http_form_error(res, "ly_do", "Vui lòng ghi lý do đính chính; lý do được công khai.");
        bad = 1;
    }
    char *html = NULL, *text = NULL;
    if (!bad && (view_markdown_html(r->a, body, strlen(body), &html) != 0 ||
                 view_markdown_text(r->a, body, strlen(body), &text) != 0)) {
        http_form_error(res, "noi_dung", "Nội dung có ký tự không hợp lệ.");
        bad = 1;
    }
    if (bad)
        return form_again(r, res, e->id);
    e->title = str_dup(r->a, title);
    e->reason = str_dup(r->a, reason);
    e->body_md = body;
    e->body_html = html;
    e->text = text;
    json_decref(res->model);
    res->model = NULL;
    http_defer_write(r, run_correct, e);
    return HTTP_DEFERRED;
}

static const struct http_param_spec withdraw_params[] = {
    {"ly_do", HP_TEXT, 0, 0, 500},
};

static int run_withdraw(struct db *db, void *arg)
{
    struct dc_edit *e = arg;
    return dc_store_withdraw(db, e->actor, e->id, e->reason);
}

/* POST /quan-ly/thong-tin/{id}/thu-hoi - disclosure.manage. Withdraws (never deletes): the page
 * stays, marked withdrawn with the reason; search no longer offers it. */
static int post_withdraw(struct http_request *r, struct http_response *res)
{
    struct dc_edit *e = edit_new(r);
    struct dc_item it;
    struct unit u;
    int rc = item_for_write(r, "disclosure.manage", e, &it, &u);
    if (rc)
        return rc;
    res->model = json_object();
    struct str reason = str_trim(str_c(http_param(r, "ly_do") ? http_param(r, "ly_do") : ""));
    if (!reason.len) {
        http_form_error(res, "ly_do_thu_hoi", "Vui lòng ghi lý do thu hồi.");
        return form_again(r, res, e->id);
    }
    e->reason = str_dup(r->a, reason);
    json_decref(res->model);
    res->model = NULL;
    http_defer_write(r, run_withdraw, e);
    return HTTP_DEFERRED;
}

static const struct http_param_spec posting_params[] = {
    {"kenh", HP_INT, 1, 1, 3},       {"noi", HP_TEXT, 0, 0, 20},
    {"tu_ngay", HP_TEXT, 0, 0, 10},  {"den_ngay", HP_TEXT, 0, 0, 10},
    {"ghi_chu", HP_TEXT, 0, 0, 500}, {"anh", HP_FILE, 0, 0, 0},
};

static int run_posting(struct db *db, void *arg)
{
    struct dc_edit *e = arg;
    int64_t pid;
    return dc_store_posting_add(db, &e->p, &pid);
}

/* POST /quan-ly/thong-tin/{id}/niem-yet - disclosure.post on the place (the commune for its
 * office, a village for its house). kenh 1 board (tu_ngay posted, den_ngay taken down if
 * known), 2 loudspeaker (broadcast every day tu_ngay..den_ngay), 3 delivery by the village
 * head (on tu_ngay); ghi_chu; anh a photo of the board. */
static int post_posting(struct http_request *r, struct http_response *res)
{
    struct dc_edit *e = edit_new(r);
    struct dc_item it;
    struct unit u;
    int is_public;
    e->id = dc_id_arg(r, "id");
    int rc = dc_item_access(r, e->id, &it, &u, &is_public);
    if (rc)
        return rc;
    res->model = json_object();
    int bad = 0;
    int ch = (int)http_param_int(r, "kenh", 1);
    const char *place_code = http_param(r, "noi");
    struct unit place;
    if (!place_code || !place_code[0])
        place_code = u.code;
    if (units_get(r->db, place_code, &place) != 0 ||
        (place.id != u.id && place.parent_id != u.id)) {
        http_form_error(res, "noi", "Nơi niêm yết không thuộc xã/phường này.");
        bad = 1;
    } else if ((rc = http_authorize(r, "disclosure.post", place.code)) != 0) {
        return rc;
    }
    if (ch == DC_VILLAGE_HEAD && !bad && place.id == u.id) {
        http_form_error(res, "noi", "Hãy chọn thôn, tổ dân phố mà trưởng thôn đã thông báo.");
        bad = 1;
    }
    struct date from, to, today = dc_vn_date(dc_now());
    const char *froms = http_param(r, "tu_ngay");
    const char *tos = http_param(r, "den_ngay");
    int has_to = tos && tos[0];
    if (!froms || date_parse(froms, &from) != 0) {
        http_form_error(res, "tu_ngay", "Ngày phải có dạng dd/mm/yyyy.");
        bad = 1;
    } else if (date_cmp(from, today) > 0) {
        http_form_error(res, "tu_ngay", "Không ghi nhận trước việc chưa diễn ra.");
        bad = 1;
    }
    if (has_to && date_parse(tos, &to) != 0) {
        http_form_error(res, "den_ngay", "Ngày phải có dạng dd/mm/yyyy.");
        bad = 1;
    } else if (has_to && !bad && date_cmp(to, from) < 0) {
        http_form_error(res, "den_ngay", "Ngày kết thúc không thể trước ngày bắt đầu.");
        bad = 1;
    } else if (has_to && !bad && date_cmp(to, today) > 0) {
        http_form_error(res, "den_ngay", "Không ghi nhận trước việc chưa diễn ra.");
        bad = 1;
    }
    const struct http_param *photo = http_file(r, "anh");
    if (photo && photo->value.len) {
        const char *why;
        if (dc_read_upload(r->a, photo, 1, &e->p.photo, &why) != 0) {
            http_form_error(res, "anh", why);
            bad = 1;
        }
    }
    if (bad)
        return form_again(r, res, e->id);
    char fiso[11], tiso[11];
    date_format_iso(from, fiso);
    e->p.actor = e->actor;
    e->p.disclosure_id = e->id;
    e->p.channel = ch;
    e->p.place_id = place.id;
    e->p.posted_on = arena_strdup(r->a, fiso);
    e->p.removed_on = NULL;
    if (has_to) {
        date_format_iso(to, tiso);
        e->p.removed_on = arena_strdup(r->a, tiso);
    }
    const char *note = http_param(r, "ghi_chu");
    e->p.note = note ? note : "";
    e->p.unit_id = u.id;
    json_decref(res->model);
    res->model = NULL;
    http_defer_write(r, run_posting, e);
    return HTTP_DEFERRED;
}

static const struct http_param_spec end_params[] = {
    {"ban_ghi", HP_INT, 1, 1, INT64_MAX},
    {"ngay_go", HP_TEXT, 0, 0, 10},
};

static int run_end(struct db *db, void *arg)
{
    struct dc_edit *e = arg;
    return dc_store_posting_end(db, e->actor, e->id, e->posting_id, e->date);
}

/* POST /quan-ly/thong-tin/{id}/go-xuong - disclosure.post. Records the day a board posting was
 * taken down (ban_ghi = posting id, ngay_go). */
static int post_end(struct http_request *r, struct http_response *res)
{
    struct dc_edit *e = edit_new(r);
    struct dc_item it;
    struct unit u;
    int rc = item_for_write(r, "disclosure.post", e, &it, &u);
    if (rc)
        return rc;
    res->model = json_object();
    struct date d;
    const char *s = http_param(r, "ngay_go");
    if (!s || date_parse(s, &d) != 0 || date_cmp(d, dc_vn_date(dc_now())) > 0) {
        http_form_error(res, "ngay_go", "Ngày gỡ phải có dạng dd/mm/yyyy và không ở tương lai.");
        return form_again(r, res, e->id);
    }
    char iso[11];
    date_format_iso(d, iso);
    e->date = arena_strdup(r->a, iso);
    e->posting_id = http_param_int(r, "ban_ghi", 0);
    json_decref(res->model);
    res->model = NULL;
    http_defer_write(r, run_end, e);
    return HTTP_DEFERRED;
}

/* GET /quan-ly/cong-khai - signed in. The back office of the account's own commune (or, for a
 * province account, the province's compliance dashboard): the menu links here. */
static int go_home_office(struct http_request *r, struct http_response *res)
{
    const struct auth_user *au = r->user ? r->user->ext : NULL;
    struct unit home, c;
    if (!au || !au->unit_id || units_get_id(r->db, au->unit_id, &home) != 0)
        return ERR_NOT_FOUND;
    if (units_commune_of(r->db, home.id, &c) == 0)
        res->redirect = arena_printf(r->a, "/quan-ly/cong-khai/%s", c.code);
    else if (strcmp(home.kind, "province") == 0)
        res->redirect = arena_printf(r->a, "/quan-ly/tuan-thu/%s", home.code);
    else
        return ERR_NOT_FOUND;
    return 0;
}

#define N(x) (sizeof(x) / sizeof((x)[0]))
#define UPLOAD_MAX (3 * DC_MAX_FILE + (1u << 20))

const struct http_route dc_admin_routes[] = {
    {"GET", "/quan-ly/cong-khai", go_home_office, NULL, NULL, NULL, HTTP_LOGIN, NULL, 0, 0},
    {"GET", "/quan-ly/cong-khai/{code}", page_admin_list, NULL, "disclosure.view", "code", 0,
     admin_list_params, N(admin_list_params), 0},
    {"GET", "/quan-ly/cong-khai/{code}/moi", page_new, NULL, "disclosure.manage", "code", 0,
     new_params, N(new_params), 0},
    {"POST", "/quan-ly/cong-khai/{code}", post_create, after_create, "disclosure.manage", "code",
     HTTP_MULTIPART, create_params, N(create_params), UPLOAD_MAX},
    {"GET", "/quan-ly/thong-tin/{id}", page_manage, NULL, NULL, NULL, HTTP_LOGIN, NULL, 0, 0},
    {"POST", "/quan-ly/thong-tin/{id}/cong-bo", post_publish, after_item, NULL, NULL, HTTP_LOGIN,
     publish_params, N(publish_params), 0},
    {"POST", "/quan-ly/thong-tin/{id}/dinh-chinh", post_correct, after_item, NULL, NULL, HTTP_LOGIN,
     correct_params, N(correct_params), 1u << 20},
    {"POST", "/quan-ly/thong-tin/{id}/thu-hoi", post_withdraw, after_item, NULL, NULL, HTTP_LOGIN,
     withdraw_params, N(withdraw_params), 0},
    {"POST", "/quan-ly/thong-tin/{id}/niem-yet", post_posting, after_item, NULL, NULL,
     HTTP_LOGIN | HTTP_MULTIPART, posting_params, N(posting_params), DC_MAX_FILE + (1u << 20)},
    {"POST", "/quan-ly/thong-tin/{id}/go-xuong", post_end, after_item, NULL, NULL, HTTP_LOGIN,
     end_params, N(end_params), 0},
};
const size_t dc_admin_n_routes = N(dc_admin_routes);

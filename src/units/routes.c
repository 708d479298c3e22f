/*
 * routes.c - pages of the units module: the unit tree, the household roll
 * (list, detail, edits with history) and the roll import.
 *
 * Reads run on the worker thread; every write is deferred to the store's
 * write queue and answered after its commit is durable (http_defer_write).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "units/internal.h"
#include "units/rollfile.h"

#define PER_PAGE 50

static void default_form(json_t *model);

/* State carried from a handler to its deferred write and `after`. */
struct edit {
    int64_t actor;                    /* signed-in account */
    int64_t unit_id;                  /* village or commune */
    int64_t household_id;             /* target household */
    int64_t member_id;                /* target member */
    int64_t other_id;                 /* add: the commune; split: the new household */
    const char *code;                 /* unit or household code */
    const char *text;                 /* address, kind ... */
    struct member_input m;            /* member fields */
    int64_t *ids;                     /* split: member ids */
    size_t n_ids;                     /* their count */
    const char *bytes;                /* import: file bytes */
    size_t len;                       /* import: their length */
    struct arena *a;                  /* the request arena */
    struct roll_import_report report; /* import result */
};

static struct edit *edit_new(struct http_request *r)
{
    struct edit *e = arena_zalloc(r->a, sizeof *e);
    e->actor = r->user ? r->user->id : 0;
    e->a = r->a;
    r->state = e;
    return e;
}

static int unit_model(struct http_request *r, const char *code, struct unit *u, json_t *model)
{
    int rc = units_get(r->db, code, u);
    if (rc)
        return rc;
    json_t *ju =
        json_pack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)u->id, "code", u->code, "kind",
                  u->kind, "kind_label", units_kind_label(u->kind), "name", u->name);
    if (u->parent_id) {
        struct unit p;
        if (units_get_id(r->db, u->parent_id, &p) == 0)
            json_object_set_new(ju, "parent",
                                json_pack("{s:s,s:s}", "code", p.code, "name", p.name));
    }
    int is_village = strcmp(u->kind, "village") == 0 || strcmp(u->kind, "residential_group") == 0;
    json_object_set_new(ju, "is_village", json_boolean(is_village));
    json_object_set_new(model, "unit", ju);
    return 0;
}

/* GET /don-vi - public, cached. The whole unit tree. */
static int page_units(struct http_request *r, struct http_response *res)
{
    json_t *m;
    int rc = units_list_json(r->db, &m);
    if (rc)
        return rc;
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(m, "units"), i, u)
    {
        const char *k = json_string_value(json_object_get(u, "kind"));
        json_object_set_new(u, "kind_label", json_string(units_kind_label(k)));
    }
    res->model = m;
    res->template = "units/list";
    res->title = "Đơn vị hành chính";
    return 0;
}

/* GET /don-vi/{code} - public, cached. A unit with its sub-units. */
static int page_unit(struct http_request *r, struct http_response *res)
{
    struct unit u;
    res->model = json_object();
    int rc = unit_model(r, http_arg(r, "code"), &u, res->model);
    if (rc)
        return rc;
    json_t *children;
    if ((rc = units_children_json(r->db, u.id, &children)) != 0)
        return rc;
    json_object_set_new(res->model, "children", children);
    json_object_set_new(res->model, "has_children", json_boolean(json_array_size(children)));
    res->template = "units/unit";
    res->title = arena_strdup(r->a, u.name);
    return 0;
}

static const struct http_param_spec list_params[] = {
    {"q", HP_TEXT, 0, 0, 100},
    {"trang", HP_INT, 0, 1, 100000},
};

/* GET /don-vi/{code}/ho?q=&trang= - roll.view on the unit. Households, 50 a page. */
static int page_households(struct http_request *r, struct http_response *res)
{
    struct unit u;
    res->model = json_object();
    int rc = unit_model(r, http_arg(r, "code"), &u, res->model);
    if (rc)
        return rc;
    const char *q = http_param(r, "q");
    struct rows *households;
    rc = units_households_page(r->db, r->a, &u, q ? q : "", (int)http_param_int(r, "trang", 1),
                               PER_PAGE, res->model, &households);
    if (rc)
        return rc;
    http_model_rows(res, "households", households);
    json_object_set_new(res->model, "q", json_string(q ? q : ""));
    json_object_set_new(res->model, "can_edit",
                        json_boolean(http_authorize(r, "roll.edit", u.code) == 0 &&
                                     json_is_true(json_object_get(
                                         json_object_get(res->model, "unit"), "is_village"))));
    json_object_set_new(res->model, "can_confirm",
                        json_boolean(http_authorize(r, "resident.confirm", u.code) == 0 &&
                                     json_is_true(json_object_get(
                                         json_object_get(res->model, "unit"), "is_village"))));
    json_object_set_new(res->model, "can_import",
                        json_boolean(http_authorize(r, "roll.import", u.code) == 0));
    res->template = "units/households";
    res->title = arena_printf(r->a, "Danh sách hộ – %s", u.name);
    return 0;
}

/* Checks perm on the village of household {id}; fills e->household_id and e->unit_id. */
static int household_access(struct http_request *r, const char *perm, struct edit *e)
{
    int64_t id;
    if (parse_int64(str_c(http_arg(r, "id")), 1, INT64_MAX, &id) != 0)
        return ERR_NOT_FOUND;
    int64_t village;
    int rc = units_household_unit(r->db, id, &village);
    if (rc)
        return rc;
    struct unit v;
    if ((rc = units_get_id(r->db, village, &v)) != 0)
        return rc;
    if ((rc = http_authorize(r, perm, v.code)) != 0)
        return rc;
    e->household_id = id;
    e->unit_id = village;
    e->code = arena_strdup(r->a, v.code);
    return 0;
}

static int household_page(struct http_request *r, struct http_response *res, int64_t id)
{
    if (!res->model)
        res->model = json_object();
    int rc = units_household_json(r->db, r->a, id, res->model);
    if (rc)
        return rc;
    json_t *hh = json_object_get(res->model, "household");
    const char *vcode = json_string_value(json_object_get(hh, "village_code"));
    json_object_set_new(res->model, "can_edit",
                        json_boolean(http_authorize(r, "roll.edit", vcode) == 0 &&
                                     json_is_true(json_object_get(hh, "active"))));
    default_form(res->model);
    res->template = "units/household";
    res->title = arena_printf(r->a, "Hộ %s", json_string_value(json_object_get(hh, "code")));
    return 0;
}

/* GET /ho/{id} - roll.view on the household's village. Members and history. */
static int page_household(struct http_request *r, struct http_response *res)
{
    struct edit *e = edit_new(r);
    int rc = household_access(r, "roll.view", e);
    if (rc)
        return rc;
    return household_page(r, res, e->household_id);
}

/* After an edit of household {id}: back to its page with a message, or the page with errors. */
static int after_household(struct http_request *r, struct http_response *res, int rc)
{
    struct edit *e = r->state;
    if (rc == 0) {
        res->redirect = arena_printf(r->a, "/ho/%lld", (long long)e->household_id);
        res->flash = "Đã lưu thay đổi.";
        return 0;
    }
    if (rc == ERR_INVALID || rc == ERR_CONFLICT) {
        res->model = json_object();
        http_form_error(res, "form",
                        rc == ERR_CONFLICT
                            ? "Không thể thực hiện: hộ hoặc thành viên không còn ở trạng thái "
                              "phù hợp, hoặc mã hộ đã được dùng."
                            : "Dữ liệu chưa hợp lệ, vui lòng kiểm tra lại.");
        int st = res->status;
        int rc2 = household_page(r, res, e->household_id);
        res->status = st;
        return rc2;
    }
    return rc;
}

/* Validates the member fields of a form into e->m; adds form errors to res. */
static int read_member(struct http_request *r, struct http_response *res, struct edit *e)
{
    int bad = 0;
    const char *name = http_param(r, "ho_ten");
    struct str n = str_trim(str_c(name ? name : ""));
    if (!n.len) {
        http_form_error(res, "ho_ten", "Vui lòng nhập họ và tên.");
        bad = 1;
    }
    e->m.full_name = str_dup(r->a, n);
    const char *birth = http_param(r, "ngay_sinh");
    e->m.birth = "";
    if (birth && birth[0]) {
        struct date d;
        int64_t y;
        if (date_parse(birth, &d) == 0) {
            char *iso = arena_alloc(r->a, 11);
            date_format_iso(d, iso);
            e->m.birth = iso;
        } else if (parse_int64(str_trim(str_c(birth)), 1900, 2100, &y) == 0) {
            e->m.birth = arena_printf(r->a, "%04lld", (long long)y);
        } else {
            http_form_error(res, "ngay_sinh", "Ngày sinh phải có dạng dd/mm/yyyy hoặc chỉ năm.");
            bad = 1;
        }
    }
    const char *g = http_param(r, "gioi_tinh");
    e->m.gender = "";
    if (g && g[0]) {
        if (strcmp(g, "nam") && strcmp(g, "nu") && strcmp(g, "khac")) {
            http_form_error(res, "gioi_tinh", "Giới tính là Nam, Nữ hoặc Khác.");
            bad = 1;
        } else {
            e->m.gender = g;
        }
    }
    const char *rel = http_param(r, "quan_he");
    e->m.relation = rel ? rel : "";
    const char *phone = http_param(r, "dien_thoai");
    e->m.phone = "";
    if (phone && phone[0]) {
        size_t k = strlen(phone);
        int ok = k == 10 && phone[0] == '0';
        for (size_t i = 0; ok && i < k; i++)
            ok = phone[i] >= '0' && phone[i] <= '9';
        if (!ok) {
            http_form_error(res, "dien_thoai", "Số điện thoại gồm 10 chữ số, bắt đầu bằng 0.");
            bad = 1;
        }
        e->m.phone = phone;
    }
    const char *cccd = http_param(r, "cccd");
    e->m.national_id = "";
    if (cccd && cccd[0]) {
        size_t k = strlen(cccd);
        int ok = k == 12;
        for (size_t i = 0; ok && i < k; i++)
            ok = cccd[i] >= '0' && cccd[i] <= '9';
        if (!ok) {
            http_form_error(res, "cccd", "Số CCCD gồm đúng 12 chữ số.");
            bad = 1;
        }
        e->m.national_id = cccd;
    }
    return bad ? ERR_INVALID : 0;
}

/* Every form field a template names, "" unless the model already has a value. */
static void default_form(json_t *model)
{
    static const char *const fields[] = {"ma_ho",     "dia_chi", "ho_ten",     "ngay_sinh",
                                         "gioi_tinh", "quan_he", "dien_thoai", "cccd"};
    json_t *f = json_object_get(model, "form");
    if (!f) {
        f = json_object();
        json_object_set_new(model, "form", f);
    }
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (!json_object_get(f, fields[i]))
            json_object_set_new(f, fields[i], json_string(""));
}

/* Puts the submitted fields back into the model so the form keeps what was typed. */
static void echo_form(struct http_request *r, json_t *model)
{
    json_t *f = json_object();
    for (size_t i = 0; i < r->params.n_items; i++) {
        const struct http_param *p = &r->params.items[i];
        if (p->filename.len)
            continue;
        json_object_set_new(f, str_dup(r->a, p->name), json_string(str_dup(r->a, p->value)));
    }
    json_object_set_new(model, "form", f);
}

static const struct http_param_spec household_add_params[] = {
    {"ma_ho", HP_TEXT, 0, 0, 30},      {"dia_chi", HP_TEXT, 0, 0, 300},
    {"ho_ten", HP_TEXT, 0, 0, 120},    {"ngay_sinh", HP_TEXT, 0, 0, 10},
    {"gioi_tinh", HP_TEXT, 0, 0, 4},   {"quan_he", HP_TEXT, 0, 0, 40},
    {"dien_thoai", HP_TEXT, 0, 0, 10}, {"cccd", HP_TEXT, 0, 0, 12},
};

/* GET /don-vi/{code}/ho/them - roll.edit on the village. The new-household form. */
static int page_household_new(struct http_request *r, struct http_response *res)
{
    struct unit u;
    res->model = json_object();
    int rc = unit_model(r, http_arg(r, "code"), &u, res->model);
    if (rc)
        return rc;
    json_object_set_new(res->model, "form", json_pack("{s:s}", "quan_he", "Chủ hộ"));
    default_form(res->model);
    res->template = "units/household_new";
    res->title = "Thêm hộ mới";
    return 0;
}

static int run_household_add(struct db *db, void *arg)
{
    struct edit *e = arg;
    return units_household_add_in(db, e->actor, e->other_id, e->unit_id, e->code, e->text, &e->m,
                                  &e->household_id);
}

static int after_household_add(struct http_request *r, struct http_response *res, int rc)
{
    struct edit *e = r->state;
    if (rc == 0) {
        res->redirect = arena_printf(r->a, "/ho/%lld", (long long)e->household_id);
        res->flash = "Đã thêm hộ mới vào danh sách.";
        return 0;
    }
    if (rc != ERR_CONFLICT && rc != ERR_INVALID)
        return rc;
    struct unit u;
    res->model = json_object();
    if ((rc = unit_model(r, http_arg(r, "code"), &u, res->model)) != 0)
        return rc;
    echo_form(r, res->model);
    http_form_error(res, "ma_ho", "Mã hộ này đã được dùng trong xã/phường; hãy chọn mã khác.");
    default_form(res->model);
    res->template = "units/household_new";
    res->title = "Thêm hộ mới";
    return 0;
}

/* POST /don-vi/{code}/ho - roll.edit on the village. ma_ho, dia_chi and the head's fields. */
static int post_household_add(struct http_request *r, struct http_response *res)
{
    struct edit *e = edit_new(r);
    struct unit u;
    res->model = json_object();
    int rc = unit_model(r, http_arg(r, "code"), &u, res->model);
    if (rc)
        return rc;
    if (strcmp(u.kind, "village") != 0 && strcmp(u.kind, "residential_group") != 0)
        return ERR_INVALID;
    int bad = read_member(r, res, e) != 0;
    const char *code = http_param(r, "ma_ho");
    struct str c = str_trim(str_c(code ? code : ""));
    if (!c.len) {
        http_form_error(res, "ma_ho", "Vui lòng nhập mã hộ.");
        bad = 1;
    }
    if (bad) {
        echo_form(r, res->model);
        default_form(res->model);
        res->template = "units/household_new";
        res->title = "Thêm hộ mới";
        return 0;
    }
    struct unit commune;
    if ((rc = units_commune_of(r->db, u.id, &commune)) != 0)
        return rc;
    e->unit_id = u.id;
    e->other_id = commune.id; /* resolved here, not on the writer thread */
    e->code = str_dup(r->a, c);
    const char *addr = http_param(r, "dia_chi");
    e->text = addr ? addr : "";
    if (!e->m.relation[0])
        e->m.relation = "Chủ hộ";
    json_decref(res->model);
    res->model = NULL;
    http_defer_write(r, run_household_add, e);
    return HTTP_DEFERRED;
}

static const struct http_param_spec member_params[] = {
    {"ho_ten", HP_TEXT, 0, 0, 120},    {"ngay_sinh", HP_TEXT, 0, 0, 10},
    {"gioi_tinh", HP_TEXT, 0, 0, 4},   {"quan_he", HP_TEXT, 0, 0, 40},
    {"dien_thoai", HP_TEXT, 0, 0, 10}, {"cccd", HP_TEXT, 0, 0, 12},
};

static int run_member_add(struct db *db, void *arg)
{
    struct edit *e = arg;
    return units_member_add(db, e->actor, e->household_id, &e->m, &e->member_id);
}

/* POST /ho/{id}/thanh-vien - roll.edit. Adds a member. */
static int post_member_add(struct http_request *r, struct http_response *res)
{
    struct edit *e = edit_new(r);
    int rc = household_access(r, "roll.edit", e);
    if (rc)
        return rc;
    if (read_member(r, res, e) != 0) {
        int st = res->status;
        echo_form(r, res->model);
        rc = household_page(r, res, e->household_id);
        res->status = st;
        return rc;
    }
    http_defer_write(r, run_member_add, e);
    return HTTP_DEFERRED;
}

static const struct http_param_spec member_ref_params[] = {
    {"thanh_vien", HP_INT, 1, 1, INT64_MAX},
    {"ly_do", HP_TEXT, 0, 0, 10},
};

static int run_rep_set(struct db *db, void *arg)
{
    struct edit *e = arg;
    return units_representative_set(db, e->actor, e->household_id, e->member_id);
}

/* POST /ho/{id}/dai-dien - roll.edit. thanh_vien becomes the representative. */
static int post_rep_set(struct http_request *r, struct http_response *res)
{
    struct edit *e = edit_new(r);
    int rc = household_access(r, "roll.edit", e);
    if (rc)
        return rc;
    e->member_id = http_param_int(r, "thanh_vien", 0);
    http_defer_write(r, run_rep_set, e);
    return HTTP_DEFERRED;
}

static int run_member_leave(struct db *db, void *arg)
{
    struct edit *e = arg;
    return units_member_leave(db, e->actor, e->member_id, e->text);
}

/* POST /ho/{id}/roi-ho - roll.edit. thanh_vien leaves (ly_do: left | deceased). */
static int post_member_leave(struct http_request *r, struct http_response *res)
{
    struct edit *e = edit_new(r);
    int rc = household_access(r, "roll.edit", e);
    if (rc)
        return rc;
    e->member_id = http_param_int(r, "thanh_vien", 0);
    const char *why = http_param(r, "ly_do");
    e->text = why && strcmp(why, "deceased") == 0 ? "deceased" : "left";
    http_defer_write(r, run_member_leave, e);
    return HTTP_DEFERRED;
}

static const struct http_param_spec address_params[] = {
    {"dia_chi", HP_TEXT, 0, 0, 300},
};

static int run_address(struct db *db, void *arg)
{
    struct edit *e = arg;
    return units_household_update(db, e->actor, e->household_id, e->text);
}

/* POST /ho/{id}/dia-chi - roll.edit. Changes the address. */
static int post_address(struct http_request *r, struct http_response *res)
{
    struct edit *e = edit_new(r);
    int rc = household_access(r, "roll.edit", e);
    if (rc)
        return rc;
    const char *a = http_param(r, "dia_chi");
    e->text = a ? a : "";
    http_defer_write(r, run_address, e);
    return HTTP_DEFERRED;
}

static int run_move_out(struct db *db, void *arg)
{
    struct edit *e = arg;
    return units_household_move_out(db, e->actor, e->household_id);
}

/* POST /ho/{id}/chuyen-di - roll.edit. The household moved away (kept, closed). */
static int post_move_out(struct http_request *r, struct http_response *res)
{
    struct edit *e = edit_new(r);
    int rc = household_access(r, "roll.edit", e);
    if (rc)
        return rc;
    http_defer_write(r, run_move_out, e);
    return HTTP_DEFERRED;
}

static const struct http_param_spec split_params[] = {
    {"ma_ho_moi", HP_TEXT, 1, 0, 30},
    {"thanh_vien", HP_INT, 1, 1, INT64_MAX},
};

static int run_split(struct db *db, void *arg)
{
    struct edit *e = arg;
    return units_household_split(db, e->actor, e->household_id, e->code, e->ids, e->n_ids,
                                 &e->other_id);
}

/* POST /ho/{id}/tach - roll.edit. ma_ho_moi and one or more thanh_vien form a new household. */
static int post_split(struct http_request *r, struct http_response *res)
{
    struct edit *e = edit_new(r);
    int rc = household_access(r, "roll.edit", e);
    if (rc)
        return rc;
    e->ids = arena_alloc(r->a, (r->params.n_items + 1) * sizeof(int64_t));
    for (size_t i = 0; i < r->params.n_items; i++) {
        int64_t v;
        if (str_eq_c(r->params.items[i].name, "thanh_vien") &&
            parse_int64(r->params.items[i].value, 1, INT64_MAX, &v) == 0)
            e->ids[e->n_ids++] = v;
    }
    e->code = http_param(r, "ma_ho_moi");
    http_defer_write(r, run_split, e);
    return HTTP_DEFERRED;
}

static const struct http_param_spec merge_params[] = {
    {"ma_ho", HP_TEXT, 1, 0, 30},
};

static int run_merge(struct db *db, void *arg)
{
    struct edit *e = arg;
    struct unit commune;
    int rc = units_commune_of(db, e->unit_id, &commune);
    if (rc)
        return rc;
    struct hh_found f;
    if ((rc = units_household_find(db, commune.id, e->code, &f)) != 0)
        return rc == ERR_NOT_FOUND ? ERR_INVALID : rc;
    return units_household_merge(db, e->actor, e->household_id, f.id);
}

/* POST /ho/{id}/nhap - roll.edit. The household with code ma_ho joins this one. */
static int post_merge(struct http_request *r, struct http_response *res)
{
    struct edit *e = edit_new(r);
    int rc = household_access(r, "roll.edit", e);
    if (rc)
        return rc;
    e->code = http_param(r, "ma_ho");
    /* The household merged in loses its members: roll.edit on its village too. */
    struct unit commune, v;
    struct hh_found f;
    if (units_commune_of(r->db, e->unit_id, &commune) == 0 &&
        units_household_find(r->db, commune.id, e->code ? e->code : "", &f) == 0 &&
        f.village_id != e->unit_id) {
        if ((rc = units_get_id(r->db, f.village_id, &v)) != 0)
            return rc;
        if ((rc = http_authorize(r, "roll.edit", v.code)) != 0)
            return rc;
    }
    http_defer_write(r, run_merge, e);
    return HTTP_DEFERRED;
}

/* GET /don-vi/{code}/nhap-ho - roll.import. The upload form. */
static int page_import(struct http_request *r, struct http_response *res)
{
    struct unit u;
    res->model = json_object();
    int rc = unit_model(r, http_arg(r, "code"), &u, res->model);
    if (rc)
        return rc;
    res->template = "units/import";
    res->title = "Nhập danh sách hộ";
    return 0;
}

static int run_import(struct db *db, void *arg)
{
    struct edit *e = arg;
    return units_roll_import(db, e->a, e->actor, e->unit_id, e->bytes, e->len, &e->report);
}

static int after_import(struct http_request *r, struct http_response *res, int rc)
{
    struct edit *e = r->state;
    struct unit u;
    res->model = json_object();
    int rc2 = unit_model(r, http_arg(r, "code"), &u, res->model);
    if (rc2)
        return rc2;
    res->template = "units/import";
    res->title = "Nhập danh sách hộ";
    struct roll_import_report *rep = &e->report;
    if (rc == ERR_INVALID && rep->errors) {
        res->status = 422;
        json_object_set_new(res->model, "errors", rep->errors);
        json_object_set_new(res->model, "n_errors", json_integer(json_array_size(rep->errors)));
        json_decref(rep->missing);
        return 0;
    }
    if (rc) {
        json_decref(rep->errors);
        json_decref(rep->missing);
        return rc;
    }
    json_decref(rep->errors);
    json_t *result = json_pack(
        "{s:i,s:i,s:i,s:i,s:i,s:o,s:I}", "added_households", rep->added_households,
        "updated_households", rep->updated_households, "added_members", rep->added_members,
        "updated_members", rep->updated_members, "representative_changes", rep->rep_changes,
        "missing", rep->missing, "n_missing", (json_int_t)json_array_size(rep->missing));
    json_object_set_new(result, "unchanged",
                        json_boolean(!rep->added_households && !rep->updated_households));
    json_object_set_new(res->model, "result", result);
    return 0;
}

static const struct http_param_spec import_params[] = {
    {"tep", HP_FILE, 0, 0, 0},
};

/* POST /don-vi/{code}/nhap-ho - roll.import, multipart with file `tep` (CSV or XLSX). */
static int post_import(struct http_request *r, struct http_response *res)
{
    struct edit *e = edit_new(r);
    struct unit u;
    res->model = json_object();
    int rc = unit_model(r, http_arg(r, "code"), &u, res->model);
    if (rc)
        return rc;
    const struct http_param *f = http_file(r, "tep");
    if (!f || !f->value.len) {
        http_form_error(res, "tep", "Vui lòng chọn tệp danh sách hộ (CSV hoặc XLSX).");
        res->template = "units/import";
        res->title = "Nhập danh sách hộ";
        return 0;
    }
    json_decref(res->model);
    res->model = NULL;
    e->unit_id = u.id;
    e->bytes = f->value.ptr;
    e->len = f->value.len;
    http_defer_write(r, run_import, e);
    return HTTP_DEFERRED;
}

/* GET /mau-danh-sach-ho.csv - public. The roll template for Excel (UTF-8 with BOM). */
static int get_template(struct http_request *r, struct http_response *res)
{
    buf_init(&res->body, r->a);
    rollfile_template_csv(&res->body);
    res->content_type = "text/csv; charset=utf-8";
    res->filename = "mau-danh-sach-ho.csv";
    return 0;
}

/* GET /mau-danh-sach-ho.xlsx - public. The same template as an Excel workbook. libxlsxwriter
 * writes files only, so it goes through a private temporary file. */
static int get_template_xlsx(struct http_request *r, struct http_response *res)
{
    char path[] = "/tmp/danchu-mau-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return ERR_IO;
    close(fd);
    int rc = rollfile_template_xlsx(path);
    FILE *f = rc == 0 ? fopen(path, "rb") : NULL;
    if (!f) {
        unlink(path);
        return rc ? rc : ERR_IO;
    }
    buf_init(&res->body, r->a);
    char chunk[16384];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&res->body, chunk, n);
    fclose(f);
    unlink(path);
    res->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    res->filename = "mau-danh-sach-ho.xlsx";
    return 0;
}

#define N(x) (sizeof(x) / sizeof((x)[0]))

const struct http_route units_routes[] = {
    {"GET", "/don-vi", page_units, NULL, NULL, NULL, HTTP_CACHE, NULL, 0, 0},
    {"GET", "/don-vi/{code}", page_unit, NULL, NULL, NULL, HTTP_CACHE, NULL, 0, 0},
    {"GET", "/don-vi/{code}/ho", page_households, NULL, "roll.view", "code", 0, list_params,
     N(list_params), 0},
    {"GET", "/don-vi/{code}/ho/them", page_household_new, NULL, "roll.edit", "code", 0, NULL, 0, 0},
    {"POST", "/don-vi/{code}/ho", post_household_add, after_household_add, "roll.edit", "code", 0,
     household_add_params, N(household_add_params), 0},
    {"GET", "/don-vi/{code}/nhap-ho", page_import, NULL, "roll.import", "code", 0, NULL, 0, 0},
    {"POST", "/don-vi/{code}/nhap-ho", post_import, after_import, "roll.import", "code",
     HTTP_MULTIPART, import_params, N(import_params), ROLLFILE_MAX_BYTES},
    {"GET", "/ho/{id}", page_household, NULL, NULL, NULL, HTTP_LOGIN, NULL, 0, 0},
    {"POST", "/ho/{id}/thanh-vien", post_member_add, after_household, NULL, NULL, HTTP_LOGIN,
     member_params, N(member_params), 0},
    {"POST", "/ho/{id}/dai-dien", post_rep_set, after_household, NULL, NULL, HTTP_LOGIN,
     member_ref_params, N(member_ref_params), 0},
    {"POST", "/ho/{id}/roi-ho", post_member_leave, after_household, NULL, NULL, HTTP_LOGIN,
     member_ref_params, N(member_ref_params), 0},
    {"POST", "/ho/{id}/dia-chi", post_address, after_household, NULL, NULL, HTTP_LOGIN,
     address_params, N(address_params), 0},
    {"POST", "/ho/{id}/chuyen-di", post_move_out, after_household, NULL, NULL, HTTP_LOGIN, NULL, 0,
     0},
    {"POST", "/ho/{id}/tach", post_split, after_household, NULL, NULL, HTTP_LOGIN, split_params,
     N(split_params), 0},
    {"POST", "/ho/{id}/nhap", post_merge, after_household, NULL, NULL, HTTP_LOGIN, merge_params,
     N(merge_params), 0},
    {"GET", "/mau-danh-sach-ho.csv", get_template, NULL, NULL, NULL, HTTP_RAW, NULL, 0, 0},
    {"GET", "/mau-danh-sach-ho.xlsx", get_template_xlsx, NULL, NULL, NULL, HTTP_RAW, NULL, 0, 0},
};

const size_t units_n_routes = N(units_routes);

/*
 * staff.c - the staff conference of an agency (hội nghị cán bộ, công chức, viên chức; DOMAIN H):
 * the yearly one within three months of the year's end or one asked for by a third of staff,
 * its attendance judged against the two-thirds quorum, and its resolutions, each passed by more
 * than half of those present. A conference that was not valid records no resolution; after two
 * such, the page says a staff ballot is the way (Law Art 51).
 */
#include <string.h>

#include "consultation/internal.h"

/* The agency (or commune) of capture "code", for those who run its conference. */
static int agency_arg(struct http_request *r, struct unit *u)
{
    int rc = units_get(r->db, http_arg(r, "code"), u);
    if (rc)
        return rc;
    if (strcmp(u->kind, "agency") != 0 && !units_kind_is_commune(u->kind))
        return ERR_NOT_FOUND;
    return http_authorize(r, "consultation.manage", u->code);
}

static int conference_list(struct http_request *r, struct http_response *res, const struct unit *u)
{
    struct rows *t;
    int rc = cs_store_conferences(r->db, r->a, u->id, &t);
    if (rc)
        return rc;
    size_t held = rows_add_col(t, "held"), kl = rows_add_col(t, "kind_label"),
           url = rows_add_col(t, "url");
    int year = date_vn_from_time(time(NULL)).y;
    int failed_this_year = 0, valid_this_year = 0;
    for (size_t i = 0; i < t->n_rows; i++) {
        struct date d;
        if (date_parse(rows_text(rows_at(t, i, 3)), &d) == 0) {
            char *s = arena_alloc(r->a, 11);
            date_format_vn(d, s);
            rows_set_text(rows_at(t, i, held), s);
        }
        rows_set_text(rows_at(t, i, kl), !strcmp(rows_text(rows_at(t, i, 2)), "yearly")
                                             ? "Hội nghị hằng năm"
                                             : "Hội nghị theo đề nghị");
        rows_set_text(rows_at(t, i, url), arena_printf(r->a, "/quan-ly/hoi-nghi-can-bo/%s/%lld",
                                                       u->code, (long long)rows_at(t, i, 0)->i));
        int valid = rows_at(t, i, 7)->i != 0;
        rows_set_bool(rows_at(t, i, 7), valid);
        if (rows_at(t, i, 1)->i == year - 1 || rows_at(t, i, 1)->i == year) {
            if (valid)
                valid_this_year++;
            else
                failed_this_year++;
        }
    }
    const struct cs_rules *rules = cs_rules_at(cs_env(r)->rules, date_vn_from_time(time(NULL)));
    if (!res->model)
        res->model = json_object();
    http_model_rows(res, "conferences", t);
    char due[11];
    date_format_vn(cs_staff_conference_due(rules, year - 1), due);
    json_object_set_new(res->model, "unit",
                        json_pack("{s:s,s:s}", "code", u->code, "name", u->name));
    json_object_set_new(res->model, "due", json_string(due));
    json_object_set_new(res->model, "review_year", json_integer(year - 1));
    json_object_set_new(
        res->model, "ballot_needed",
        json_boolean(!valid_this_year && failed_this_year >= rules->staff_failures));
    json_object_set_new(
        res->model, "quorum",
        json_string(arena_printf(r->a, "%d/%d", rules->staff_quorum.p, rules->staff_quorum.q)));
    if (!json_object_get(res->model, "form"))
        json_object_set_new(res->model, "form",
                            json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i}", "ngay", "", "dia_diem",
                                      "", "chu_tri", "", "thu_ky", "", "tong_so", "", "co_mat", "",
                                      "ghi_chu", "", "nam", year - 1));
    res->template = "consultation/staff";
    res->title = arena_printf(r->a, "Hội nghị cán bộ, công chức – %s", u->name);
    return 0;
}

static int page_staff(struct http_request *r, struct http_response *res)
{
    struct unit u;
    int rc = agency_arg(r, &u);
    return rc ? rc : conference_list(r, res, &u);
}

static const struct http_param_spec conf_params[] = {
    {"nam", HP_INT, 1, 2000, 2100},    {"loai", HP_TEXT, 1, 1, 10},
    {"ngay", HP_DATE, 1, 0, 0},        {"dia_diem", HP_TEXT, 0, 0, 200},
    {"chu_tri", HP_TEXT, 0, 0, 120},   {"thu_ky", HP_TEXT, 0, 0, 120},
    {"tong_so", HP_INT, 1, 1, 100000}, {"co_mat", HP_INT, 1, 0, 100000},
    {"ghi_chu", HP_LINES, 0, 0, 5000},
};

struct conf_job {
    struct cs_conference_in in;
    const char *code;
};

static int run_conf(struct db *db, void *arg)
{
    struct conf_job *j = arg;
    return cs_store_conference_add(db, &j->in);
}

static int after_conf(struct http_request *r, struct http_response *res, int rc)
{
    struct conf_job *j = r->state;
    if (rc)
        return rc;
    res->redirect =
        arena_printf(r->a, "/quan-ly/hoi-nghi-can-bo/%s/%lld", j->code, (long long)j->in.id);
    res->flash = j->in.valid ? "Đã ghi hội nghị: đủ số lượng tham dự theo quy định."
                             : "Đã ghi hội nghị: KHÔNG đủ 2/3 tổng số cán bộ, công chức tham dự, "
                               "hội nghị không hợp lệ.";
    return 0;
}

static const char *param_or(struct http_request *r, const char *name)
{
    const char *v = http_param(r, name);
    return v ? v : "";
}

static int post_conf(struct http_request *r, struct http_response *res)
{
    struct unit u;
    int rc = agency_arg(r, &u);
    if (rc)
        return rc;
    struct conf_job *j = arena_zalloc(r->a, sizeof *j);
    j->code = arena_strdup(r->a, u.code);
    res->model = json_object();
    json_object_set_new(res->model, "form",
                        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I}", "ngay", param_or(r, "ngay"),
                                  "dia_diem", param_or(r, "dia_diem"), "chu_tri",
                                  param_or(r, "chu_tri"), "thu_ky", param_or(r, "thu_ky"),
                                  "tong_so", param_or(r, "tong_so"), "co_mat",
                                  param_or(r, "co_mat"), "ghi_chu", param_or(r, "ghi_chu"), "nam",
                                  (json_int_t)http_param_int(r, "nam", 0)));
    struct date d;
    if (date_parse(param_or(r, "ngay"), &d) != 0) {
        http_form_error(res, "ngay", "Ngày phải viết dạng ngày/tháng/năm.");
        return conference_list(r, res, &u);
    }
    const char *kind = param_or(r, "loai");
    if (strcmp(kind, "yearly") && strcmp(kind, "requested")) {
        http_form_error(res, "loai", "Vui lòng chọn loại hội nghị.");
        return conference_list(r, res, &u);
    }
    int total = (int)http_param_int(r, "tong_so", 0), present = (int)http_param_int(r, "co_mat", 0);
    if (present > total) {
        http_form_error(res, "co_mat", "Số người có mặt không thể lớn hơn tổng số.");
        return conference_list(r, res, &u);
    }
    const struct cs_rules *rules = cs_rules_at(cs_env(r)->rules, d);
    if (!rules)
        rules = &cs_env(r)->rules->versions[0];
    char *held = arena_alloc(r->a, 11);
    date_format_iso(d, held);
    j->in = (struct cs_conference_in){
        .actor = r->user->id,
        .unit_id = u.id,
        .year = (int)http_param_int(r, "nam", d.y),
        .kind = kind,
        .held_on = held,
        .place = param_or(r, "dia_diem"),
        .chair = param_or(r, "chu_tri"),
        .secretary = param_or(r, "thu_ky"),
        .notes = param_or(r, "ghi_chu"),
        .staff_total = total,
        .present = present,
        .valid = cs_staff_quorum(rules, total, present),
    };
    r->state = j;
    http_defer_write(r, run_conf, j);
    return HTTP_DEFERRED;
}

/* ---- one conference and its resolutions ---- */

static int conference_page(struct http_request *r, struct http_response *res, const struct unit *u,
                           int64_t cid)
{
    json_t *conf;
    struct rows *t;
    int rc = cs_store_conference_get(r->db, r->a, cid, &conf);
    if (rc)
        return rc;
    if (json_integer_value(json_object_get(conf, "unit_id")) != u->id) {
        json_decref(conf);
        return ERR_NOT_FOUND;
    }
    if ((rc = cs_store_resolutions(r->db, r->a, cid, &t)) != 0) {
        json_decref(conf);
        return rc;
    }
    struct date d;
    if (date_parse(json_string_value(json_object_get(conf, "held_on")), &d) == 0) {
        char s[11];
        date_format_vn(d, s);
        json_object_set_new(conf, "held", json_string(s));
    }
    json_object_set_new(conf, "valid",
                        json_boolean(json_integer_value(json_object_get(conf, "valid")) != 0));
    size_t pl = rows_add_col(t, "passed_label");
    for (size_t i = 0; i < t->n_rows; i++)
        rows_set_text(rows_at(t, i, pl), rows_at(t, i, 5)->i ? "Thông qua" : "Không thông qua");
    if (!res->model)
        res->model = json_object();
    json_object_set_new(res->model, "conf", conf);
    json_object_set_new(res->model, "unit",
                        json_pack("{s:s,s:s}", "code", u->code, "name", u->name));
    http_model_rows(res, "resolutions", t);
    if (!json_object_get(res->model, "form"))
        json_object_set_new(res->model, "form",
                            json_pack("{s:s,s:s,s:s,s:s}", "noi_dung", "", "tan_thanh", "",
                                      "khong_tan_thanh", "", "khong_bieu_quyet", ""));
    res->template = "consultation/staff_conference";
    res->title = arena_printf(r->a, "Hội nghị cán bộ, công chức – %s", u->name);
    return 0;
}

static int64_t cid_arg(struct http_request *r)
{
    int64_t cid;
    return parse_int64(str_c(http_arg(r, "cid")), 1, INT64_MAX, &cid) == 0 ? cid : 0;
}

static int page_conference(struct http_request *r, struct http_response *res)
{
    struct unit u;
    int rc = agency_arg(r, &u);
    int64_t cid = cid_arg(r);
    if (rc)
        return rc;
    return cid ? conference_page(r, res, &u, cid) : ERR_NOT_FOUND;
}

static const struct http_param_spec res_params[] = {
    {"noi_dung", HP_LINES, 0, 0, 2000},
    {"tan_thanh", HP_INT, 1, 0, 100000},
    {"khong_tan_thanh", HP_INT, 1, 0, 100000},
    {"khong_bieu_quyet", HP_INT, 0, 0, 100000},
};

struct res_job {
    int64_t actor, unit_id, cid;
    const char *code, *title;
    int votes_for, against, abstain, passed;
};

static int run_res(struct db *db, void *arg)
{
    struct res_job *j = arg;
    return cs_store_resolution_add(db, j->actor, j->unit_id, j->cid, j->title, j->votes_for,
                                   j->against, j->abstain, j->passed);
}

static int after_res(struct http_request *r, struct http_response *res, int rc)
{
    struct res_job *j = r->state;
    if (rc)
        return rc;
    res->redirect =
        arena_printf(r->a, "/quan-ly/hoi-nghi-can-bo/%s/%lld", j->code, (long long)j->cid);
    res->flash = j->passed ? "Nghị quyết được thông qua (quá nửa số người có mặt tán thành)."
                           : "Nghị quyết không được thông qua (chưa quá nửa số người có mặt tán "
                             "thành).";
    return 0;
}

static int post_resolution(struct http_request *r, struct http_response *res)
{
    struct unit u;
    int rc = agency_arg(r, &u);
    int64_t cid = cid_arg(r);
    if (rc)
        return rc;
    json_t *conf;
    if (!cid || (rc = cs_store_conference_get(r->db, r->a, cid, &conf)) != 0)
        return rc ? rc : ERR_NOT_FOUND;
    int64_t unit_id = json_integer_value(json_object_get(conf, "unit_id"));
    int present = (int)json_integer_value(json_object_get(conf, "present"));
    int valid = (int)json_integer_value(json_object_get(conf, "valid"));
    struct date d = {0, 0, 0};
    date_parse(json_string_value(json_object_get(conf, "held_on")), &d);
    json_decref(conf);
    if (unit_id != u.id)
        return ERR_NOT_FOUND;
    struct res_job *j = arena_zalloc(r->a, sizeof *j);
    *j = (struct res_job){r->user->id,
                          u.id,
                          cid,
                          arena_strdup(r->a, u.code),
                          str_dup(r->a, str_trim(str_c(param_or(r, "noi_dung")))),
                          (int)http_param_int(r, "tan_thanh", 0),
                          (int)http_param_int(r, "khong_tan_thanh", 0),
                          (int)http_param_int(r, "khong_bieu_quyet", 0),
                          0};
    res->model = json_object();
    json_object_set_new(res->model, "form",
                        json_pack("{s:s,s:s,s:s,s:s}", "noi_dung", param_or(r, "noi_dung"),
                                  "tan_thanh", param_or(r, "tan_thanh"), "khong_tan_thanh",
                                  param_or(r, "khong_tan_thanh"), "khong_bieu_quyet",
                                  param_or(r, "khong_bieu_quyet")));
    const char *error = NULL;
    if (!valid)
        error = "Hội nghị không đủ 2/3 tổng số cán bộ, công chức tham dự nên không biểu quyết "
                "được nghị quyết.";
    else if (!j->title[0])
        error = "Vui lòng nhập nội dung nghị quyết.";
    else if (j->votes_for + j->against + j->abstain > present)
        error = arena_printf(r->a, "Tổng số phiếu vượt quá số người có mặt (%d).", present);
    if (error) {
        http_form_error(res, "nghi_quyet", error);
        return conference_page(r, res, &u, cid);
    }
    const struct cs_rules *rules = cs_rules_at(cs_env(r)->rules, d);
    if (!rules)
        rules = &cs_env(r)->rules->versions[0];
    j->passed = cs_staff_passes(rules, present, j->votes_for);
    r->state = j;
    http_defer_write(r, run_res, j);
    return HTTP_DEFERRED;
}

#define N(x) (sizeof(x) / sizeof((x)[0]))

const struct http_route cs_staff_routes[] = {
    {"GET", "/quan-ly/hoi-nghi-can-bo/{code}", page_staff, NULL, NULL, NULL, HTTP_LOGIN, NULL, 0,
     0},
    {"POST", "/quan-ly/hoi-nghi-can-bo/{code}", post_conf, after_conf, NULL, NULL, HTTP_LOGIN,
     conf_params, N(conf_params), 0},
    {"GET", "/quan-ly/hoi-nghi-can-bo/{code}/{cid}", page_conference, NULL, NULL, NULL, HTTP_LOGIN,
     NULL, 0, 0},
    {"POST", "/quan-ly/hoi-nghi-can-bo/{code}/{cid}/nghi-quyet", post_resolution, after_res, NULL,
     NULL, HTTP_LOGIN, res_params, N(res_params), 0},
};
const size_t cs_staff_n_routes = N(cs_staff_routes);

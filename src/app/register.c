/*
 * register.c - residents register with a phone number; the village head
 * confirms them against the roll, which links the account to a household.
 * The alternative path: an SMS one-time code through the configured gateway
 * (an HTTP webhook) proves the phone, and a phone already on the village's
 * roll links the account at once.
 */
#include <curl/curl.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "auth/auth.h"
#include "comms/curl_api.h"
#include "units/units.h"

/* Sends one SMS through the webhook: POST {"to": ..., "message": ...}. 0 on a 2xx. */
static int sms_send(const char *url, const char *to, const char *message)
{
    json_t *j = json_pack("{s:s,s:s}", "to", to, "message", message);
    struct buf body;
    buf_init(&body, NULL);
    int dumped = view_json_dump(j, JSON_COMPACT, &body);
    json_decref(j);
    char why[256];
    if (curl_api_load(why, sizeof why) != 0) {
        log_warn("sms gateway %s: %s", url, why);
        buf_free(&body);
        return ERR_UNAVAILABLE;
    }
    CURL *c = curl_easy_init();
    int rc = ERR_IO;
    if (c && dumped == 0) {
        struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.ptr);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, 5L);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
        long status = 0;
        if (curl_easy_perform(c) == CURLE_OK &&
            curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK && status >= 200 &&
            status < 300)
            rc = 0;
        curl_slist_free_all(h);
    }
    if (c)
        curl_easy_cleanup(c);
    buf_free(&body);
    if (rc)
        log_warn("sms gateway %s failed", url);
    return rc;
}

/* "0912 345 678", "+84912345678", "84912345678" → "0912345678"; NULL if not a phone. */
static const char *normalise_phone(struct arena *a, const char *in)
{
    char digits[16];
    size_t n = 0;
    for (const char *p = in; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            if (n == sizeof digits - 1)
                return NULL;
            digits[n++] = *p;
        } else if (*p != ' ' && *p != '.' && *p != '-' && !(*p == '+' && p == in)) {
            return NULL;
        }
    }
    digits[n] = '\0';
    if (n == 11 && strncmp(digits, "84", 2) == 0)
        return arena_printf(a, "0%s", digits + 2);
    if (n == 10 && digits[0] == '0')
        return arena_strdup(a, digits);
    return NULL;
}

/* Villages and residential groups with their commune, for the select box. */
static json_t *village_choices(struct db *db, const char *selected)
{
    json_t *m = NULL, *out = json_array();
    if (units_list_json(db, &m) != 0)
        return out;
    json_t *units = json_object_get(m, "units");
    size_t i;
    json_t *u;
    json_array_foreach(units, i, u)
    {
        const char *k = json_string_value(json_object_get(u, "kind"));
        if (strcmp(k, "village") && strcmp(k, "residential_group"))
            continue;
        const char *parent = json_string_value(json_object_get(u, "parent"));
        const char *pname = parent;
        size_t j;
        json_t *p;
        json_array_foreach(units, j, p)
        {
            if (strcmp(json_string_value(json_object_get(p, "code")), parent) == 0)
                pname = json_string_value(json_object_get(p, "name"));
        }
        const char *code = json_string_value(json_object_get(u, "code"));
        json_t *c = json_pack("{s:s,s:s,s:s,s:b}", "code", code, "name",
                              json_string_value(json_object_get(u, "name")), "commune", pname,
                              "selected", selected && strcmp(selected, code) == 0);
        json_array_append_new(out, c);
    }
    json_decref(m);
    return out;
}

static json_t *register_model(struct http_request *r)
{
    static const char *const fields[] = {"ho_ten", "dien_thoai", "thon", "ma_ho"};
    json_t *form = json_object();
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const char *v = http_param(r, fields[i]);
        json_object_set_new(form, fields[i], json_string(v ? v : ""));
    }
    struct app *app = http_app(r);
    return json_pack("{s:o,s:o,s:b}", "form", form, "villages",
                     village_choices(r->db, http_param(r, "thon")), "sms",
                     app->cfg.sms_webhook[0] != 0);
}

/* GET /dang-ky - public. The registration form. */
static int page_register(struct http_request *r, struct http_response *res)
{
    res->model = register_model(r);
    res->template = "register";
    res->title = "Đăng ký tài khoản người dân";
    return 0;
}

/* A registration between its handler and its write. */
struct reg {
    const char *phone;         /* normalised */
    const char *name;          /* full name */
    const char *household;     /* claimed household code */
    int64_t village_id;        /* chosen village */
    char hash[AUTH_HASH_SIZE]; /* password hash, made on the worker thread */
    int with_sms;              /* a code goes out after commit */
    char code[7];              /* the code to send */
    int64_t account_id;        /* new account */
};

static int run_register(struct db *db, void *arg)
{
    struct reg *g = arg;
    int rc =
        auth_register(db, g->phone, g->name, g->hash, g->village_id, g->household, &g->account_id);
    if (rc)
        return rc;
    if (g->with_sms &&
        (rc = auth_phone_code_new(db, g->account_id, g->phone, (int64_t)time(NULL), g->code)))
        return rc;
    return audit_append(db, g->account_id, g->village_id, "account.register", g->phone, "");
}

static int after_register(struct http_request *r, struct http_response *res, int rc)
{
    struct reg *g = r->state;
    struct app *app = http_app(r);
    if (rc == ERR_CONFLICT) {
        res->model = register_model(r);
        http_form_error(res, "dien_thoai",
                        "Số điện thoại này đã được đăng ký. Hãy đăng nhập, hoặc liên hệ trưởng "
                        "thôn nếu bạn quên mật khẩu.");
        res->template = "register";
        res->title = "Đăng ký tài khoản người dân";
        return 0;
    }
    if (rc)
        return rc;
    if (g->with_sms) {
        char msg[160];
        snprintf(msg, sizeof msg, "Ma xac minh Dan chu co so: %s (hieu luc 10 phut).", g->code);
        if (sms_send(app->cfg.sms_webhook, g->phone, msg) == 0) {
            res->redirect = arena_printf(r->a, "/dang-ky/xac-minh?so=%s", g->phone);
            res->flash = "Đã gửi mã xác minh qua tin nhắn đến số điện thoại của bạn.";
            return 0;
        }
    }
    res->model = json_pack("{s:s}", "phone", g->phone);
    res->template = "register_done";
    res->title = "Đã gửi đăng ký";
    return 0;
}

static const struct http_param_spec register_params[] = {
    {"ho_ten", HP_TEXT, 0, 0, 120},   {"dien_thoai", HP_TEXT, 0, 0, 20},
    {"thon", HP_TEXT, 0, 0, 32},      {"ma_ho", HP_TEXT, 0, 0, 30},
    {"mat_khau", HP_TEXT, 0, 0, 200}, {"mat_khau2", HP_TEXT, 0, 0, 200},
    {"xac_minh", HP_TEXT, 0, 0, 10},
};

/* POST /dang-ky - public, CSRF. ho_ten, dien_thoai, thon, ma_ho, mat_khau, mat_khau2. */
static int post_register(struct http_request *r, struct http_response *res)
{
    struct app *app = http_app(r);
    res->model = register_model(r);
    res->template = "register";
    res->title = "Đăng ký tài khoản người dân";
    if (app->submit_rl &&
        ratelimit_hit(app->submit_rl, arena_printf(r->a, "reg:%s", r->ip), (int64_t)time(NULL))) {
        http_form_error(res, "form", "Có quá nhiều đăng ký từ máy này. Vui lòng thử lại sau.");
        res->status = 429;
        return 0;
    }
    struct reg *g = arena_zalloc(r->a, sizeof *g);
    const char *name = http_param(r, "ho_ten");
    struct str n = str_trim(str_c(name ? name : ""));
    if (n.len < 2)
        http_form_error(res, "ho_ten", "Vui lòng nhập họ và tên như trong sổ hộ khẩu, CCCD.");
    g->name = str_dup(r->a, n);
    const char *phone = http_param(r, "dien_thoai");
    g->phone = phone ? normalise_phone(r->a, phone) : NULL;
    if (!g->phone)
        http_form_error(res, "dien_thoai", "Số điện thoại gồm 10 chữ số, ví dụ 0912345678.");
    struct unit v;
    const char *thon = http_param(r, "thon");
    if (!thon || units_get(r->db, thon, &v) != 0 ||
        (strcmp(v.kind, "village") && strcmp(v.kind, "residential_group")))
        http_form_error(res, "thon", "Vui lòng chọn thôn hoặc tổ dân phố nơi bạn ở.");
    else
        g->village_id = v.id;
    const char *pw = http_param(r, "mat_khau"), *pw2 = http_param(r, "mat_khau2");
    const char *why = NULL;
    if (!pw || auth_password_check(pw, &why) != 0)
        http_form_error(res, "mat_khau", why ? why : "Vui lòng đặt mật khẩu.");
    else if (!pw2 || strcmp(pw, pw2) != 0)
        http_form_error(res, "mat_khau2", "Hai lần nhập mật khẩu không giống nhau.");
    if (res->status == 422)
        return 0;
    if (auth_password_hash(pw, g->hash) != 0)
        return ERR_INTERNAL;
    const char *hh = http_param(r, "ma_ho");
    g->household = hh ? hh : "";
    g->with_sms = app->cfg.sms_webhook[0] != 0;
    r->state = g;
    json_decref(res->model);
    res->model = NULL;
    http_defer_write(r, run_register, g);
    return HTTP_DEFERRED;
}

static const struct http_param_spec verify_params[] = {
    {"so", HP_TEXT, 0, 0, 20},
    {"ma", HP_TEXT, 0, 0, 10},
};

/* GET /dang-ky/xac-minh?so= - public. Form for the SMS code. */
static int page_verify(struct http_request *r, struct http_response *res)
{
    const char *so = http_param(r, "so");
    res->model = json_pack("{s:s}", "phone", so ? so : "");
    res->template = "register_verify";
    res->title = "Xác minh số điện thoại";
    return 0;
}

/* A code check between its handler and its write. */
struct verify {
    const char *phone;  /* normalised */
    const char *code;   /* as typed */
    int64_t account_id; /* the account the code belongs to */
    int linked;         /* the phone was on the roll: account active */
};

static int run_verify(struct db *db, void *arg)
{
    struct verify *v = arg;
    int rc = auth_phone_code_check(db, v->phone, v->code, (int64_t)time(NULL), &v->account_id);
    if (rc)
        return rc;
    struct auth_registration reg;
    if ((rc = auth_registration_get(db, v->account_id, &reg)) != 0)
        return rc;
    if (reg.status != AUTH_STATUS_PENDING)
        return 0;
    int64_t hh, member;
    if (units_member_by_phone(db, reg.unit_id, v->phone, &hh, &member) != 0)
        return audit_append(db, v->account_id, reg.unit_id, "account.phone_verified", v->phone, "");
    if ((rc = auth_registration_confirm(db, v->account_id, hh, member)) != 0)
        return rc;
    v->linked = 1;
    char detail[64];
    snprintf(detail, sizeof detail, "household:%lld", (long long)hh);
    return audit_append(db, v->account_id, reg.unit_id, "account.confirm_sms", v->phone, detail);
}

static int after_verify(struct http_request *r, struct http_response *res, int rc)
{
    struct verify *v = r->state;
    if (rc == ERR_UNAUTH || rc == ERR_RATE) {
        res->model = json_pack("{s:s}", "phone", v->phone);
        http_form_error(res, "ma",
                        rc == ERR_RATE ? "Nhập sai quá nhiều lần. Hãy đăng ký lại để nhận mã mới."
                                       : "Mã xác minh không đúng hoặc đã hết hạn.");
        res->template = "register_verify";
        res->title = "Xác minh số điện thoại";
        return 0;
    }
    if (rc)
        return rc;
    if (v->linked) {
        res->redirect = "/dang-nhap";
        res->flash = "Số điện thoại đã được xác minh và khớp với danh sách hộ. Bạn có thể đăng "
                     "nhập ngay.";
        return 0;
    }
    res->model = json_pack("{s:s}", "phone", v->phone);
    res->template = "register_done";
    res->title = "Đã xác minh số điện thoại";
    return 0;
}

/* POST /dang-ky/xac-minh - public, CSRF. so, ma. */
static int post_verify(struct http_request *r, struct http_response *res)
{
    struct verify *v = arena_zalloc(r->a, sizeof *v);
    const char *so = http_param(r, "so");
    v->phone = so ? normalise_phone(r->a, so) : NULL;
    const char *ma = http_param(r, "ma");
    v->code = ma ? ma : "";
    if (!v->phone) {
        res->model = json_pack("{s:s}", "phone", so ? so : "");
        http_form_error(res, "ma", "Số điện thoại không hợp lệ.");
        res->template = "register_verify";
        res->title = "Xác minh số điện thoại";
        return 0;
    }
    r->state = v;
    http_defer_write(r, run_verify, v);
    return HTTP_DEFERRED;
}

/* GET /don-vi/{code}/xac-nhan - resident.confirm on the village. Pending registrations. */
static int page_pending(struct http_request *r, struct http_response *res)
{
    struct unit v;
    int rc = units_get(r->db, http_arg(r, "code"), &v);
    if (rc)
        return rc;
    json_t *list;
    if ((rc = auth_pending_json(r->db, v.id, &list)) != 0)
        return rc;
    size_t i;
    json_t *p;
    json_array_foreach(list, i, p)
    {
        const char *claimed = json_string_value(json_object_get(p, "claimed_household"));
        int64_t hh = 0;
        json_object_set_new(
            p, "household_known",
            json_boolean(claimed && claimed[0] &&
                         units_household_in_village(r->db, v.id, claimed, &hh) == 0));
    }
    res->model = json_pack("{s:{s:s,s:s},s:o,s:b}", "unit", "code", v.code, "name", v.name,
                           "pending", list, "has_pending", json_array_size(list) > 0);
    res->template = "pending";
    res->title = arena_printf(r->a, "Xác nhận người dân – %s", v.name);
    return 0;
}

/* A confirmation or rejection between its handler and its write. */
struct confirm {
    int64_t actor;         /* village head or official */
    int64_t account_id;    /* the registration */
    int64_t village_id;    /* its village */
    const char *village;   /* its code, for the redirect */
    const char *household; /* household code typed by the village head */
    const char *name;      /* the registrant's name */
    int reject;            /* 1: refuse the registration */
};

static int run_confirm(struct db *db, void *arg)
{
    struct confirm *c = arg;
    int rc;
    if (c->reject) {
        if ((rc = auth_registration_reject(db, c->account_id)) != 0)
            return rc;
        return audit_append(db, c->actor, c->village_id, "account.reject", "", "");
    }
    int64_t hh, member = 0;
    if ((rc = units_household_in_village(db, c->village_id, c->household, &hh)) != 0)
        return rc == ERR_NOT_FOUND ? ERR_INVALID : rc;
    if (units_member_match(db, hh, c->name, &member) != 0)
        member = 0;
    if ((rc = auth_registration_confirm(db, c->account_id, hh, member)) != 0)
        return rc;
    char detail[64];
    snprintf(detail, sizeof detail, "household:%lld member:%lld", (long long)hh, (long long)member);
    return audit_append(db, c->actor, c->village_id, "account.confirm", c->household, detail);
}

static int after_confirm(struct http_request *r, struct http_response *res, int rc)
{
    struct confirm *c = r->state;
    if (rc == ERR_INVALID) {
        res->redirect = arena_printf(r->a, "/don-vi/%s/xac-nhan", c->village);
        res->flash = "Không tìm thấy hộ có mã này trong thôn; chưa xác nhận.";
        return 0;
    }
    if (rc)
        return rc;
    res->redirect = arena_printf(r->a, "/don-vi/%s/xac-nhan", c->village);
    res->flash = c->reject ? "Đã từ chối đăng ký." : "Đã xác nhận và liên kết tài khoản với hộ.";
    return 0;
}

static const struct http_param_spec confirm_params[] = {
    {"ma_ho", HP_TEXT, 0, 0, 30},
};

static int confirm_common(struct http_request *r, int reject)
{
    int64_t id;
    if (parse_int64(str_c(http_arg(r, "id")), 1, INT64_MAX, &id) != 0)
        return ERR_NOT_FOUND;
    struct auth_registration reg;
    int rc = auth_registration_get(r->db, id, &reg);
    if (rc)
        return rc;
    struct unit v;
    if ((rc = units_get_id(r->db, reg.unit_id, &v)) != 0)
        return rc;
    if ((rc = http_authorize(r, "resident.confirm", v.code)) != 0)
        return rc;
    struct confirm *c = arena_zalloc(r->a, sizeof *c);
    c->actor = r->user->id;
    c->account_id = id;
    c->village_id = v.id;
    c->village = arena_strdup(r->a, v.code);
    c->name = arena_strdup(r->a, reg.display_name);
    const char *hh = http_param(r, "ma_ho");
    c->household = hh && hh[0] ? hh : arena_strdup(r->a, reg.claimed_household);
    c->reject = reject;
    r->state = c;
    http_defer_write(r, run_confirm, c);
    return HTTP_DEFERRED;
}

/* POST /tai-khoan/{id}/xac-nhan - resident.confirm on the account's village. ma_ho. */
static int post_confirm(struct http_request *r, struct http_response *res)
{
    (void)res;
    return confirm_common(r, 0);
}

/* POST /tai-khoan/{id}/tu-choi - resident.confirm on the account's village. */
static int post_reject(struct http_request *r, struct http_response *res)
{
    (void)res;
    return confirm_common(r, 1);
}

#define N(x) (sizeof(x) / sizeof((x)[0]))

const struct http_route register_routes[] = {
    {"GET", "/dang-ky", page_register, NULL, NULL, NULL, 0, register_params, N(register_params), 0},
    {"POST", "/dang-ky", post_register, after_register, NULL, NULL, 0, register_params,
     N(register_params), 0},
    {"GET", "/dang-ky/xac-minh", page_verify, NULL, NULL, NULL, 0, verify_params, N(verify_params),
     0},
    {"POST", "/dang-ky/xac-minh", post_verify, after_verify, NULL, NULL, 0, verify_params,
     N(verify_params), 0},
    {"GET", "/don-vi/{code}/xac-nhan", page_pending, NULL, "resident.confirm", "code", 0, NULL, 0,
     0},
    {"POST", "/tai-khoan/{id}/xac-nhan", post_confirm, after_confirm, NULL, NULL, HTTP_LOGIN,
     confirm_params, N(confirm_params), 0},
    {"POST", "/tai-khoan/{id}/tu-choi", post_reject, after_confirm, NULL, NULL, HTTP_LOGIN, NULL, 0,
     0},
};

const size_t register_n_routes = N(register_routes);

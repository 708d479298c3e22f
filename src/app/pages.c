/*
 * pages.c - pages the app owns: the home page, sign-in and sign-out, the account page.
 */
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "auth/auth.h"
#include "units/units.h"

/* GET / - public, cached. What danchu is, and the communes it serves. */
static int page_home(struct http_request *r, struct http_response *res)
{
    json_t *m;
    int rc = units_list_json(r->db, &m);
    if (rc)
        return rc;
    json_t *communes = json_array();
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(m, "units"), i, u)
    {
        const char *k = json_string_value(json_object_get(u, "kind"));
        if (units_kind_is_commune(k)) {
            json_object_set_new(u, "kind_label", json_string(units_kind_label(k)));
            json_array_append(communes, u);
        }
    }
    json_decref(m);
    res->model =
        json_pack("{s:b,s:o}", "has_communes", json_array_size(communes) > 0, "communes", communes);
    res->template = "home";
    res->title = "Trang chủ";
    return 0;
}

static const struct http_param_spec signin_params[] = {
    {"ten_dang_nhap", HP_TEXT, 0, 0, AUTH_LOGIN_MAX},
    {"mat_khau", HP_TEXT, 0, 0, 200},
    {"tiep", HP_TEXT, 0, 0, 500},
};

/* Only local paths may be redirect targets (no open redirects). */
static const char *safe_next(const char *next)
{
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strstr(next, "://"))
        return "/";
    return next;
}

/* GET /dang-nhap?tiep= - public. The sign-in form. */
static int page_signin(struct http_request *r, struct http_response *res)
{
    if (r->user) {
        res->redirect = safe_next(http_param(r, "tiep"));
        return 0;
    }
    res->model = json_pack("{s:s,s:s}", "next", safe_next(http_param(r, "tiep")), "login", "");
    res->template = "signin";
    res->title = "Đăng nhập";
    return 0;
}

/* State of a sign-in between the handler and its deferred write. */
struct signin {
    int64_t account_id;        /* who signed in */
    char token[AUTH_HEX_SIZE]; /* new session token */
    char csrf[AUTH_HEX_SIZE];  /* its CSRF token */
    const char *next;          /* where to go afterwards */
    const char *ip;            /* for the audit row */
    int make_keys;             /* an official without keys yet: store these */
    struct auth_keys keys;     /* made from the password just typed (auth/keys.c) */
};

static int run_signin(struct db *db, void *arg)
{
    struct signin *s = arg;
    int rc = auth_session_create(db, s->account_id, (int64_t)time(NULL), s->token, s->csrf);
    if (rc)
        return rc;
    if (s->make_keys && (rc = auth_keys_save_new(db, s->account_id, &s->keys)) != 0)
        return rc;
    return audit_append(db, s->account_id, 0, "auth.signin", "", s->ip);
}

static int after_signin(struct http_request *r, struct http_response *res, int rc)
{
    struct signin *s = r->state;
    if (rc)
        return rc;
    http_set_cookie(r, res, "dc_session", s->token, AUTH_SESSION_TTL_S);
    res->redirect = s->next;
    res->flash = "Đăng nhập thành công.";
    return 0;
}

/* POST /dang-nhap - public, CSRF (anonymous token). ten_dang_nhap, mat_khau, tiep. */
static int post_signin(struct http_request *r, struct http_response *res)
{
    struct app *app = http_app(r);
    const char *login = http_param(r, "ten_dang_nhap");
    const char *pw = http_param(r, "mat_khau");
    const char *next = safe_next(http_param(r, "tiep"));
    res->template = "signin";
    res->title = "Đăng nhập";
    res->model = json_pack("{s:s,s:s}", "next", next, "login", login ? login : "");
    int64_t now = (int64_t)time(NULL);
    const char *k_ip = arena_printf(r->a, "ip:%s", r->ip);
    const char *k_login = arena_printf(r->a, "login:%s", login ? login : "");
    if (ratelimit_check(app->login_rl, k_ip, now) != 0 ||
        ratelimit_check(app->login_rl, k_login, now) != 0) {
        res->status = 429;
        http_form_error(res, "form",
                        "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 10 phút.");
        res->status = 429;
        return 0;
    }
    if (!login || !login[0] || !pw || !pw[0]) {
        http_form_error(res, "form", "Vui lòng nhập tên đăng nhập và mật khẩu.");
        return 0;
    }
    struct auth_user *u = arena_zalloc(r->a, sizeof *u);
    int rc = auth_login(r->db, login, pw, u);
    if (rc == ERR_UNAUTH || rc == ERR_INVALID) {
        /* Only failures count against the limits. */
        ratelimit_hit(app->login_rl, k_ip, now);
        ratelimit_hit(app->login_rl, k_login, now);
        http_form_error(res, "form", "Tên đăng nhập hoặc mật khẩu không đúng.");
        return 0;
    }
    if (rc && rc != ERR_FORBIDDEN)
        return rc;
    if (rc == ERR_FORBIDDEN || u->status != AUTH_STATUS_ACTIVE) {
        http_form_error(res, "form",
                        "Tài khoản chưa được xác nhận hoặc đã bị khóa. Vui lòng liên hệ trưởng "
                        "thôn hoặc cán bộ xã.");
        return 0;
    }
    ratelimit_clear(app->login_rl, k_login);
    struct signin *s = arena_zalloc(r->a, sizeof *s);
    s->account_id = u->id;
    s->next = next;
    s->ip = r->ip;
    /* An official's first sign-in makes the key pair sealed cases are sealed to: the password
     * is here now and never again. */
    struct auth_keys existing;
    if (auth_keys_needed(u) && auth_keys_get(r->db, u->id, &existing) == ERR_NOT_FOUND &&
        auth_keys_make(pw, &s->keys) == 0)
        s->make_keys = 1;
    r->state = s;
    json_decref(res->model);
    res->model = NULL;
    http_defer_write(r, run_signin, s);
    return HTTP_DEFERRED;
}

/* State of a sign-out. */
struct signout {
    int64_t account_id; /* who */
    const char *token;  /* session to end */
};

static int run_signout(struct db *db, void *arg)
{
    struct signout *s = arg;
    int rc = auth_session_delete(db, s->token);
    if (rc)
        return rc;
    return audit_append(db, s->account_id, 0, "auth.signout", "", "");
}

static int after_signout(struct http_request *r, struct http_response *res, int rc)
{
    if (rc)
        return rc;
    http_set_cookie(r, res, "dc_session", "", -1);
    res->redirect = "/";
    res->flash = "Bạn đã đăng xuất.";
    return 0;
}

/* POST /dang-xuat - signed in, CSRF. Ends the session. */
static int post_signout(struct http_request *r, struct http_response *res)
{
    (void)res;
    struct signout *s = arena_zalloc(r->a, sizeof *s);
    s->account_id = r->user->id;
    s->token = http_session_token(r);
    r->state = s;
    http_defer_write(r, run_signout, s);
    return HTTP_DEFERRED;
}

#define N(x) (sizeof(x) / sizeof((x)[0]))

/* The account page's view-model: who, roles, keys, e-mail (form.email as typed or stored). */
static int account_model(struct http_request *r, struct http_response *res, const char *email)
{
    const struct auth_user *u = r->user->ext;
    struct auth_contact me;
    int rc = auth_account_contact(r->db, u->id, &me);
    if (rc)
        return rc;
    json_t *roles = json_array();
    for (size_t i = 0; i < u->n_grants; i++) {
        struct unit unit;
        const char *where = units_get_id(r->db, u->grants[i].unit_id, &unit) == 0 ? unit.name : "";
        json_array_append_new(roles, json_pack("{s:s,s:s}", "role",
                                               auth_role_label(u->grants[i].role), "unit", where));
    }
    struct auth_keys k;
    if (!res->model)
        res->model = json_object();
    json_object_set_new(res->model, "account",
                        json_pack("{s:s,s:s,s:o,s:b,s:b}", "login", u->login, "name",
                                  u->display_name, "roles", roles, "needs_keys",
                                  auth_keys_needed(u), "has_keys",
                                  auth_keys_get(r->db, u->id, &k) == 0));
    json_object_set_new(res->model, "form", json_pack("{s:s}", "email", email ? email : me.email));
    res->template = "account";
    res->title = "Tài khoản của tôi";
    return 0;
}

/* GET /tai-khoan - signed in. Who the account is, its roles, where its reminders go. */
static int page_account(struct http_request *r, struct http_response *res)
{
    return account_model(r, res, NULL);
}

/* State of an e-mail change. */
struct email_change {
    int64_t account_id; /* whose */
    const char *email;  /* the new address, "" for none */
};

static int run_email(struct db *db, void *arg)
{
    struct email_change *e = arg;
    int rc = auth_account_set_email(db, e->account_id, e->email);
    if (rc)
        return rc;
    return audit_append(db, e->account_id, 0, "account.email", "", e->email[0] ? "set" : "cleared");
}

static int after_email(struct http_request *r, struct http_response *res, int rc)
{
    if (rc)
        return rc;
    res->redirect = "/tai-khoan";
    res->flash = "Đã lưu địa chỉ thư điện tử.";
    return 0;
}

static const struct http_param_spec account_params[] = {
    {"email", HP_TEXT, 0, 0, AUTH_EMAIL_MAX},
};

/* POST /tai-khoan - signed in, CSRF. email: where reminders go ("" for none). */
static int post_account(struct http_request *r, struct http_response *res)
{
    const struct auth_user *u = r->user->ext;
    const char *typed = http_param(r, "email");
    const char *email = str_dup(r->a, str_trim(str_c(typed ? typed : "")));
    const char *why = NULL;
    if (auth_email_check(email, &why) != 0) {
        res->model = json_object();
        http_form_error(res, "email", why);
        return account_model(r, res, typed ? typed : "");
    }
    struct email_change *e = arena_zalloc(r->a, sizeof *e);
    e->account_id = u->id;
    e->email = email;
    r->state = e;
    http_defer_write(r, run_email, e);
    return HTTP_DEFERRED;
}

const struct http_route app_routes[] = {
    {"GET", "/tai-khoan", page_account, NULL, NULL, NULL, HTTP_LOGIN, NULL, 0, 0},
    {"POST", "/tai-khoan", post_account, after_email, NULL, NULL, HTTP_LOGIN, account_params,
     N(account_params), 0},
    {"GET", "/", page_home, NULL, NULL, NULL, HTTP_CACHE, NULL, 0, 0},
    {"GET", "/dang-nhap", page_signin, NULL, NULL, NULL, 0, signin_params, N(signin_params), 0},
    {"POST", "/dang-nhap", post_signin, after_signin, NULL, NULL, 0, signin_params,
     N(signin_params), 0},
    {"POST", "/dang-xuat", post_signout, after_signout, NULL, NULL, HTTP_LOGIN, NULL, 0, 0},
};

const size_t app_n_routes = N(app_routes);

/*
 * public.c - what residents see: the form to send the commune a request for information, a
 * phản ánh, a kiến nghị or a khiếu nại (what each is, in one plain line, and what the law asks of
 * each before they write), and the tracking page of a case by its code, without an account:
 * its state, its deadlines, the answer, and the resident's "fixed / not fixed".
 *
 * Writes go through the write queue and are answered once durable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "feedback/internal.h"

/* Said below the kinds that may be published (their text, place and answer go to the
 * commune's questions and answers and to Open311), before anyone sends one: Decree 13/2023 on
 * personal data wants people told what is done with what they give. */
static const char public_note[] =
    "Nội dung, địa điểm và câu trả lời của xã có thể được công khai trên trang hỏi đáp của xã và "
    "cho ứng dụng khác (qua Open311), nhưng không bao giờ kèm họ tên hay thông tin liên lạc của "
    "bạn.";

/* The kinds the form offers, with the line that explains each and what the law asks. */
static const struct {
    enum fb_kind kind;   /* which */
    const char *explain; /* one plain line */
    const char *needs;   /* what must be given */
    int published;       /* may be made public (without the sender): public_note is said */
} offered[] = {
    {FB_FEEDBACK,
     "Báo cho xã biết một việc đang xảy ra (đường hỏng, rác thải, lấn chiếm, mất an ninh...) để "
     "xã xem xét, xử lý.",
     "Có thể gửi không ghi tên.", 1},
    {FB_RECOMMENDATION, "Đề xuất xã làm, sửa đổi hoặc bổ sung một việc, một quy định hay cách làm.",
     "Có thể gửi không ghi tên.", 1},
    {FB_INFO_REQUEST,
     "Đề nghị xã cung cấp thông tin, văn bản, số liệu mà xã đang giữ (Luật Tiếp cận thông tin).",
     "Cần ghi họ tên, địa chỉ và số điện thoại hoặc thư điện tử để xã gửi thông tin.", 0},
    {FB_COMPLAINT,
     "Đề nghị xem xét lại quyết định hoặc việc làm của cơ quan, cán bộ xã mà bạn cho là sai và "
     "xâm phạm quyền lợi của bạn.",
     "Phải ghi rõ họ tên, địa chỉ, số điện thoại; khiếu nại không ghi tên sẽ không được giải "
     "quyết.",
     0},
    {FB_DENUNCIATION,
     "Báo cho người có thẩm quyền biết hành vi vi phạm pháp luật của cán bộ hoặc của bất kỳ ai "
     "gây thiệt hại cho Nhà nước, cho người khác.",
     "Phải ghi rõ họ tên, địa chỉ (Luật Tố cáo). Thông tin của bạn và bản quét đơn được mã hóa: "
     "chỉ người giải quyết tố cáo mở được; không ai khác, kể cả người bị tố cáo, biết bạn là ai.",
     0},
};

/* The photo inputs of the form. */
static const char *const photo_inputs[FB_MAX_PHOTOS] = {"anh1", "anh2", "anh3"};

static const struct http_param_spec form_params[] = {
    {"loai", HP_TEXT, 0, 0, 20},
};

static const struct http_param_spec submit_params[] = {
    {"loai", HP_TEXT, 0, 0, 20},      {"linh_vuc", HP_TEXT, 0, 0, 32},
    {"tieu_de", HP_TEXT, 0, 0, 200},  {"noi_dung", HP_LINES, 0, 0, 10000},
    {"thon", HP_TEXT, 0, 0, 20},      {"dia_diem", HP_TEXT, 0, 0, 300},
    {"ho_ten", HP_TEXT, 0, 0, 120},   {"dien_thoai", HP_TEXT, 0, 0, 20},
    {"email", HP_TEXT, 0, 0, 200},    {"dia_chi", HP_TEXT, 0, 0, 300},
    {"an_danh", HP_TEXT, 0, 0, 2},    {"anh1", HP_FILE, 0, 0, 0},
    {"anh2", HP_FILE, 0, 0, 0},       {"anh3", HP_FILE, 0, 0, 0},
    {"ban_quet", HP_FILE, 0, 0, 0},   {"toa_do", HP_TEXT, 0, 0, 60},
    {"giu_vi_tri", HP_TEXT, 0, 0, 2}, {"ma_gui", HP_TEXT, 0, 0, 64},
};

static const char *const form_fields[] = {
    "ma_gui", "toa_do",   "giu_vi_tri", "loai",       "linh_vuc", "tieu_de", "noi_dung",
    "thon",   "dia_diem", "ho_ten",     "dien_thoai", "email",    "dia_chi", "an_danh"};

static int commune_arg(struct http_request *r, struct unit *u)
{
    return units_get_commune(r->db, http_arg(r, "code"), u);
}

static json_t *unit_json(const struct unit *u)
{
    return json_pack("{s:s,s:s}", "code", u->code, "name", u->name);
}

/* The form's view-model: kinds, fields, villages, and what was typed (form.*). */
static int form_model(struct http_request *r, struct http_response *res, const struct unit *u,
                      int kind)
{
    struct feedback_env *env = fb_env(r);
    json_t *kinds = json_array();
    for (size_t i = 0; i < sizeof offered / sizeof offered[0]; i++)
        json_array_append_new(
            kinds, json_pack("{s:s,s:s,s:s,s:s,s:b}", "key", fb_kind_key(offered[i].kind), "label",
                             fb_kind_label(offered[i].kind), "explain", offered[i].explain, "needs",
                             offered[i].published
                                 ? arena_printf(r->a, "%s %s", offered[i].needs, public_note)
                                 : offered[i].needs,
                             "checked", (int)offered[i].kind == kind));
    json_object_set_new(res->model, "kinds", kinds);
    json_t *fields = json_array();
    json_t *f = json_object_get(res->model, "form");
    const char *chosen = f ? json_string_value(json_object_get(f, "linh_vuc")) : NULL;
    for (size_t i = 0; i < env->n_fields; i++)
        json_array_append_new(fields, json_pack("{s:s,s:s,s:b}", "key", env->fields[i].key, "label",
                                                env->fields[i].label, "selected",
                                                chosen && !strcmp(chosen, env->fields[i].key)));
    json_object_set_new(res->model, "fields", fields);
    struct unit *villages;
    size_t nv;
    int rc = units_villages_of(r->db, r->a, u->id, &villages, &nv);
    if (rc)
        return rc;
    const char *vchosen = f ? json_string_value(json_object_get(f, "thon")) : NULL;
    json_t *vs = json_array();
    for (size_t i = 0; i < nv; i++)
        json_array_append_new(vs, json_pack("{s:s,s:s,s:b}", "code", villages[i].code, "name",
                                            villages[i].name, "selected",
                                            vchosen && !strcmp(vchosen, villages[i].code)));
    json_object_set_new(res->model, "villages", vs);
    json_object_set_new(res->model, "unit", unit_json(u));
    if (!f) {
        f = json_object();
        json_object_set_new(res->model, "form", f);
    }
    for (size_t i = 0; i < sizeof form_fields / sizeof form_fields[0]; i++)
        if (!json_object_get(f, form_fields[i]))
            json_object_set_new(f, form_fields[i], json_string(""));
    /* The form's one-time key: the same case however often the resident sends this form. */
    if (!json_string_value(json_object_get(f, "ma_gui"))[0]) {
        unsigned char raw[16];
        char hex[33];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
        json_object_set_new(f, "ma_gui", json_string(hex));
    }
    json_object_set_new(res->model, "position_checked",
                        json_boolean(json_string_value(json_object_get(f, "giu_vi_tri"))[0] != 0));
    json_object_set_new(res->model, "anonymous_checked",
                        json_boolean(json_string_value(json_object_get(f, "an_danh"))[0] != 0));
    res->template = "feedback/form";
    res->title = arena_printf(r->a, "Gửi ý kiến, yêu cầu đến %s", u->name);
    return 0;
}

/* GET /gui-y-kien/{code}?loai= - public. The form. */
static int page_form(struct http_request *r, struct http_response *res)
{
    struct unit u;
    int rc = commune_arg(r, &u);
    if (rc)
        return rc;
    res->model = json_object();
    const char *k = http_param(r, "loai");
    return form_model(r, res, &u, k ? fb_kind_parse(k) : -1);
}

static int run_create(struct db *db, void *arg)
{
    return fb_store_create(db, arg);
}

static int after_create(struct http_request *r, struct http_response *res, int rc)
{
    struct fb_new *n = r->state;
    if (rc)
        return rc;
    res->redirect = arena_printf(r->a, "/theo-doi/%s", n->code);
    if (n->existing) {
        res->flash = arena_printf(r->a,
                                  "Ý kiến này đã được gửi trước đó, mã theo dõi %s; không "
                                  "tạo hồ sơ thứ hai.",
                                  fb_code_display(r->a, n->code));
        return 0;
    }
    res->flash = arena_printf(r->a,
                              "Đã gửi. Mã theo dõi của bạn là %s: hãy ghi lại để xem "
                              "kết quả.",
                              fb_code_display(r->a, n->code));
    return 0;
}

/* The trimmed value of a parameter, "" when absent. */
static const char *param(struct http_request *r, const char *name)
{
    const char *v = http_param(r, name);
    return str_dup(r->a, str_trim(str_c(v ? v : "")));
}

/* POST /gui-y-kien/{code} - public (CSRF). A new case from the form: kind, field, title, text,
 * village and place, the person (or anonymous where allowed), up to three photos. */
static int post_submit(struct http_request *r, struct http_response *res)
{
    struct feedback_env *env = fb_env(r);
    struct unit u;
    int rc = commune_arg(r, &u);
    if (rc)
        return rc;
    res->model = json_object();
    int bad = 0;
    int kind = fb_kind_parse(param(r, "loai"));
    int offered_kind = 0;
    for (size_t i = 0; i < sizeof offered / sizeof offered[0]; i++)
        offered_kind |= (int)offered[i].kind == kind;
    if (!offered_kind) {
        http_form_error(res, "loai", "Vui lòng chọn loại ý kiến, yêu cầu.");
        bad = 1;
    }
    struct fb_new *n = arena_zalloc(r->a, sizeof *n);
    r->state = n;
    n->env = env;
    n->actor = 0;
    n->account_id = r->user ? r->user->id : 0;
    struct fb_case *c = &n->c;
    c->unit_id = u.id;
    c->kind = kind < 0 ? FB_FEEDBACK : (enum fb_kind)kind;
    c->channel = FB_ONLINE;
    c->title = param(r, "tieu_de");
    c->body = param(r, "noi_dung");
    c->place = param(r, "dia_diem");
    c->name = param(r, "ho_ten");
    c->address = param(r, "dia_chi");
    const char *field = param(r, "linh_vuc");
    c->field = "";
    if (field[0]) {
        for (size_t i = 0; i < env->n_fields; i++)
            if (!strcmp(env->fields[i].key, field))
                c->field = env->fields[i].key;
        if (!c->field[0]) {
            http_form_error(res, "linh_vuc", "Lĩnh vực không có trong danh sách.");
            bad = 1;
        }
    }
    if (!c->title[0]) {
        http_form_error(res, "tieu_de", "Vui lòng ghi ngắn gọn nội dung chính (tiêu đề).");
        bad = 1;
    }
    if (!c->body[0]) {
        http_form_error(res, "noi_dung", "Vui lòng ghi rõ nội dung.");
        bad = 1;
    }
    const char *vcode = param(r, "thon");
    if (vcode[0]) {
        struct unit v;
        if (units_get(r->db, vcode, &v) != 0 || v.parent_id != u.id) {
            http_form_error(res, "thon", "Thôn, tổ dân phố không thuộc đơn vị này.");
            bad = 1;
        } else {
            c->village_id = v.id;
        }
    }
    const char *phone = param(r, "dien_thoai"), *email = param(r, "email");
    c->phone = "";
    c->email = "";
    if (phone[0] && !(c->phone = fb_phone_of(r->a, phone))) {
        c->phone = "";
        http_form_error(res, "dien_thoai", "Số điện thoại chỉ gồm chữ số, ví dụ 0912345678.");
        bad = 1;
    }
    if (email[0]) {
        if (fb_email_ok(email))
            c->email = email;
        else {
            http_form_error(res, "email", "Địa chỉ thư điện tử chưa đúng, ví dụ ten@example.com.");
            bad = 1;
        }
    }
    int anonymous = param(r, "an_danh")[0] != 0;
    int may_be_anonymous = c->kind == FB_FEEDBACK || c->kind == FB_RECOMMENDATION;
    if (anonymous && !may_be_anonymous) {
        http_form_error(res, "an_danh",
                        "Loại này không gửi ẩn danh được: pháp luật yêu cầu ghi rõ "
                        "người gửi.");
        bad = 1;
    }
    c->anonymous = anonymous && may_be_anonymous;
    if (c->anonymous) {
        c->name = "";
        c->address = "";
    } else {
        if (!c->name[0]) {
            http_form_error(res, "ho_ten",
                            may_be_anonymous ? "Vui lòng ghi họ tên, hoặc đánh dấu gửi ẩn danh."
                                             : "Vui lòng ghi họ tên người gửi.");
            bad = 1;
        }
        if (!c->phone[0] && !c->email[0] && !bad) {
            http_form_error(res, "dien_thoai",
                            "Vui lòng ghi số điện thoại hoặc thư điện tử để xã liên hệ, trả lời.");
            bad = 1;
        }
        if (!may_be_anonymous && !c->address[0]) {
            http_form_error(res, "dia_chi", "Vui lòng ghi địa chỉ của người gửi.");
            bad = 1;
        }
    }
    if (c->kind == FB_DENUNCIATION && !c->anonymous) {
        /* The Denunciations Law wants the denouncer's name and address, and a way to reach
         * them; all of it is sealed, never on the row (seal.c). */
        n->sealed = 1;
        n->who = (struct fb_identity){c->name, c->address, c->phone, c->email};
        const struct http_param *p = http_file(r, "ban_quet");
        if (p && p->value.len) {
            struct export_upload up;
            const char *error;
            if (export_upload_accept(r->a, p->filename.ptr, p->filename.len, p->value.ptr,
                                     p->value.len, EXPORT_IMAGES | (1u << EXPORT_TYPE_PDF),
                                     FB_MAX_FILE, &up, &error) != 0) {
                http_form_error(res, "ban_quet", error);
                bad = 1;
            } else {
                n->scans[n->n_scans++] =
                    (struct fb_file_in){"ban-quet-don.pdf", up.mime, up.data, up.len};
                if (up.type != EXPORT_TYPE_PDF)
                    n->scans[n->n_scans - 1].name =
                        arena_printf(r->a, "ban-quet-don.%s", export_type_ext(up.type));
            }
        }
        if (!bad && fb_seal_ready(r->db) != 0) {
            http_form_error(res, "loai",
                            "Hệ thống chưa sẵn sàng nhận tố cáo trực tuyến (chưa có "
                            "khóa khôi phục). Vui lòng nộp đơn trực tiếp tại Bộ phận "
                            "tiếp công dân.");
            bad = 1;
        }
    }
    const char *typed_pos = param(r, "toa_do");
    if (typed_pos[0]) {
        if (fb_position_parse(typed_pos, &c->lat, &c->lon) == 0) {
            c->has_position = 1;
        } else {
            http_form_error(res, "toa_do",
                            "Tọa độ phải có dạng vĩ độ, kinh độ, ví dụ 21.02851, "
                            "105.85417.");
            bad = 1;
        }
    }
    int keep_position = param(r, "giu_vi_tri")[0] != 0;
    for (size_t i = 0; i < FB_MAX_PHOTOS; i++) {
        const struct http_param *p = http_file(r, photo_inputs[i]);
        if (!p || !p->value.len)
            continue;
        /* The photo's own position, only when the person agreed and typed none; the photo
         * loses it (and all its metadata) below either way. */
        if (keep_position && !c->has_position &&
            export_photo_position(p->value.ptr, p->value.len, &c->lat, &c->lon) == 0)
            c->has_position = 1;
        struct export_upload up;
        const char *error;
        if (export_upload_accept(r->a, p->filename.ptr, p->filename.len, p->value.ptr, p->value.len,
                                 EXPORT_IMAGES, FB_MAX_PHOTO, &up, &error) != 0) {
            http_form_error(res, photo_inputs[i], error);
            bad = 1;
            continue;
        }
        n->photos[n->n_photos++] = (struct fb_file_in){up.name, up.mime, up.data, up.len};
    }
    if (!bad && env->submit_rl &&
        ratelimit_hit(env->submit_rl, arena_printf(r->a, "fb:%s", r->ip), (int64_t)time(NULL))) {
        http_form_error(res, "form",
                        "Bạn đã gửi nhiều lần trong thời gian ngắn; vui lòng thử lại "
                        "sau ít phút.");
        res->status = 429;
        bad = 1;
    }
    if (bad) {
        json_t *f = json_object();
        for (size_t i = 0; i < sizeof form_fields / sizeof form_fields[0]; i++)
            json_object_set_new(f, form_fields[i], json_string(param(r, form_fields[i])));
        json_object_set_new(res->model, "form", f);
        int status = res->status;
        rc = form_model(r, res, &u, kind);
        res->status = status;
        return rc;
    }
    const char *key = param(r, "ma_gui");
    if (strlen(key) == 32 && strspn(key, "0123456789abcdef") == 32)
        n->submit_key = key;
    json_decref(res->model);
    res->model = NULL;
    http_defer_write(r, run_create, n);
    return HTTP_DEFERRED;
}

/* The case named by the {ma} capture (any case, dashes, spaces): ERR_NOT_FOUND otherwise. */
/* The case of a typed code. Misses are counted per address (env->lookup_rl): past the limit
 * every lookup from there is refused with ERR_RATE for a while, so codes cannot be tried by the
 * million. */
static int find_code(struct http_request *r, const char *typed, struct fb_case *c)
{
    struct feedback_env *env = fb_env(r);
    int64_t now = (int64_t)time(NULL);
    const char *key = arena_printf(r->a, "code:%s", r->ip);
    if (env->lookup_rl && ratelimit_check(env->lookup_rl, key, now) != 0)
        return ERR_RATE;
    const char *code = fb_code_normal(r->a, typed);
    int rc = code ? fb_store_by_code(r->db, r->a, code, c) : ERR_NOT_FOUND;
    if (rc == ERR_NOT_FOUND && env->lookup_rl)
        ratelimit_hit(env->lookup_rl, key, now);
    return rc;
}

static int case_by_code(struct http_request *r, struct fb_case *c)
{
    return find_code(r, http_arg(r, "ma"), c);
}

/* The tracking page's view-model: no contact detail, no officials' notes. */
static int track_model(struct http_request *r, struct http_response *res, const struct fb_case *c)
{
    struct feedback_env *env = fb_env(r);
    struct fb_status st;
    int rc = fb_case_status(env, c, fb_today(), &st);
    if (rc)
        return rc;
    char received[11];
    date_format_vn(c->received_on, received);
    json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "code", c->code, "code_display",
                          fb_code_display(r->a, c->code), "kind", fb_kind_key(c->kind),
                          "kind_label", fb_kind_label(c->kind), "title", c->title, "received",
                          received, "status_label", fb_status_label(c->status));
    json_object_set_new(j, "status", json_string(c->status));
    json_object_set_new(j, "body", json_string(c->body));
    struct unit u;
    json_object_set_new(j, "unit",
                        json_string(units_get_id(r->db, c->unit_id, &u) == 0 ? u.name : ""));
    if (c->field[0])
        json_object_set_new(j, "field", json_string(fb_field_label(env, c->field)));
    if (c->answered_on.y) {
        char d[11];
        date_format_vn(c->answered_on, d);
        json_object_set_new(j, "answered", json_string(d));
        json_object_set_new(j, "answer", json_string(c->answer));
    }
    if (c->forwarded_to[0])
        json_object_set_new(j, "forwarded_to", json_string(c->forwarded_to));
    int can_confirm = strcmp(c->status, "answered") == 0 && !c->confirmed;
    json_object_set_new(j, "can_confirm", json_boolean(can_confirm));
    json_object_set_new(j, "confirmed_fixed", json_boolean(c->confirmed > 0));
    json_object_set_new(j, "confirmed_not_fixed", json_boolean(c->confirmed < 0));
    res->model = res->model ? res->model : json_object();
    json_object_set_new(res->model, "case", j);
    json_object_set_new(res->model, "status", fb_status_json(&st));
    json_t *events;
    if ((rc = fb_store_events_json(r->db, c, 1, &events)) != 0)
        return rc;
    size_t i;
    json_t *e;
    fb_events_decorate(events);
    json_object_set_new(res->model, "events", events);
    json_t *files;
    if ((rc = fb_store_files_json(r->db, c->id, &files)) != 0)
        return rc;
    json_t *answer_files = json_array();
    json_array_foreach(files, i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "purpose")), "answer") != 0)
            continue;
        json_array_append_new(
            answer_files,
            json_pack("{s:s,s:s}", "name", json_string_value(json_object_get(e, "name")), "url",
                      arena_printf(r->a, "/theo-doi/%s/tep/%lld", c->code,
                                   (long long)json_integer_value(json_object_get(e, "id")))));
    }
    json_decref(files);
    json_object_set_new(res->model, "answer_files", answer_files);
    res->template = "feedback/track";
    res->title = arena_printf(r->a, "Theo dõi %s %s", fb_kind_label(c->kind),
                              fb_code_display(r->a, c->code));
    return 0;
}

/* GET /theo-doi/{ma} - public. A case by its tracking code. */
static int page_track(struct http_request *r, struct http_response *res)
{
    struct fb_case c;
    int rc = case_by_code(r, &c);
    if (rc)
        return rc;
    return track_model(r, res, &c);
}

static const struct http_param_spec lookup_params[] = {
    {"ma", HP_TEXT, 0, 0, 20},
};

/* GET /theo-doi?ma= - public. The box to type a code in; a valid code goes to its page. */
static int page_lookup(struct http_request *r, struct http_response *res)
{
    const char *typed = http_param(r, "ma");
    res->model = json_object();
    if (typed && typed[0]) {
        struct fb_case c;
        int rc = find_code(r, typed, &c);
        if (rc == 0) {
            res->redirect = arena_printf(r->a, "/theo-doi/%s", c.code);
            return 0;
        }
        if (rc == ERR_RATE) {
            http_form_error(res, "ma",
                            "Bạn đã nhập sai mã quá nhiều lần. Vui lòng thử lại sau 10 "
                            "phút.");
            res->status = 429;
        } else if (rc == ERR_NOT_FOUND) {
            http_form_error(res, "ma",
                            "Không tìm thấy mã này. Mã gồm 12 chữ và số, ví dụ B7K4-QXM2-P9A4.");
            res->status = 404;
        } else {
            return rc;
        }
    }
    json_object_set_new(res->model, "form", json_pack("{s:s}", "ma", typed ? typed : ""));
    res->template = "feedback/lookup";
    res->title = "Theo dõi ý kiến, yêu cầu đã gửi";
    return 0;
}

static const struct http_param_spec confirm_params[] = {
    {"da_giai_quyet", HP_INT, 1, 0, 1},
};

static int run_act(struct db *db, void *arg)
{
    return fb_store_act(db, arg);
}

static int after_confirm(struct http_request *r, struct http_response *res, int rc)
{
    struct fb_act *act = r->state;
    if (rc == ERR_CONFLICT) {
        res->redirect = arena_printf(r->a, "/theo-doi/%s", http_arg(r, "ma"));
        res->flash = "Hồ sơ này đã được xác nhận trước đó.";
        return 0;
    }
    if (rc)
        return rc;
    if (act->new_id) {
        res->redirect = arena_printf(r->a, "/theo-doi/%s", act->new_code);
        res->flash = arena_printf(r->a, "Đã mở lại thành hồ sơ mới, mã %s; xã sẽ xem xét lại.",
                                  fb_code_display(r->a, act->new_code));
        return 0;
    }
    res->redirect = arena_printf(r->a, "/theo-doi/%s", http_arg(r, "ma"));
    res->flash = act->confirmed > 0 ? "Cảm ơn bạn đã xác nhận." : "Đã ghi nhận ý kiến của bạn.";
    return 0;
}

/* POST /theo-doi/{ma}/xac-nhan - public (CSRF; the code is the key). da_giai_quyet=1: the
 * problem is really fixed; 0: it is not (a phản ánh or kiến nghị then reopens as a new case). */
static int post_confirm(struct http_request *r, struct http_response *res)
{
    struct fb_case c;
    int rc = case_by_code(r, &c);
    if (rc)
        return rc;
    struct fb_act *act = arena_zalloc(r->a, sizeof *act);
    r->state = act;
    act->action = FB_ACT_CONFIRM;
    act->case_id = c.id;
    act->confirmed = http_param_int(r, "da_giai_quyet", 0) ? 1 : -1;
    act->env = fb_env(r);
    http_defer_write(r, run_act, act);
    return HTTP_DEFERRED;
}

/* GET /theo-doi/{ma}/tep/{id} - public. A document attached to the answer. */
static int get_answer_file(struct http_request *r, struct http_response *res)
{
    struct fb_case c;
    int rc = case_by_code(r, &c);
    if (rc)
        return rc;
    int64_t fid;
    if (parse_int64(str_c(http_arg(r, "id")), 1, INT64_MAX, &fid) != 0)
        return ERR_NOT_FOUND;
    const char *name, *mime, *purpose;
    const void *data;
    size_t len;
    if ((rc = fb_store_file_get(r->db, r->a, c.id, fid, &name, &mime, &data, &len, &purpose)))
        return rc;
    if (strcmp(purpose, "answer") != 0)
        return ERR_NOT_FOUND; /* photos stay with the officials */
    buf_init(&res->body, r->a);
    buf_append(&res->body, data, len);
    res->content_type = mime;
    res->filename = name;
    return 0;
}

#define N(x) (sizeof(x) / sizeof((x)[0]))
#define SUBMIT_MAX (FB_MAX_PHOTOS * FB_MAX_PHOTO + FB_MAX_FILE + (1u << 20))

const struct http_route fb_public_routes[] = {
    {"GET", "/gui-y-kien/{code}", page_form, NULL, NULL, NULL, 0, form_params, N(form_params), 0},
    {"POST", "/gui-y-kien/{code}", post_submit, after_create, NULL, NULL, HTTP_MULTIPART,
     submit_params, N(submit_params), SUBMIT_MAX},
    {"GET", "/theo-doi", page_lookup, NULL, NULL, NULL, 0, lookup_params, N(lookup_params), 0},
    {"GET", "/theo-doi/{ma}", page_track, NULL, NULL, NULL, HTTP_SECRET_URL, NULL, 0, 0},
    {"POST", "/theo-doi/{ma}/xac-nhan", post_confirm, after_confirm, NULL, NULL, HTTP_SECRET_URL,
     confirm_params, N(confirm_params), 0},
    {"GET", "/theo-doi/{ma}/tep/{id}", get_answer_file, NULL, NULL, NULL,
     HTTP_RAW | HTTP_SECRET_URL, NULL, 0, 0},
};
const size_t fb_public_n_routes = N(fb_public_routes);

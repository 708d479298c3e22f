/*
 * rating.c - satisfaction ratings of the one-stop desk (Bộ phận một cửa; issue 4): the page a
 * resident reaches by scanning a QR code (three big choices and a comment, no account, no
 * JavaScript), the officials' desks (add, close, who serves there), the printed QR codes (an A4
 * poster for a desk or one of its officers; a slip for one transaction's receipt, used once),
 * the satisfaction indices per desk, officer, section and month (SVG charts and tables), and the
 * demo.
 *
 * A QR code holds base_url/danh-gia/SECRET; only the secret's SHA-256 is stored, so a printed
 * code is made (a write) each time one is printed and cannot be printed again from the
 * database. A poster can be abused, so each visitor (a hash of the signed-in account, or of the
 * anonymous visitor's cookie-bound anti-forgery token) rates a poster once a day, and each
 * network address a bounded number of times an hour (the app's submission limiter); the indices
 * count poster and receipt ratings apart.
 *
 * Writes go through the write queue and are answered once durable; every one is audited.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <utf8proc.h>

#include "core/rng.h"
#include "feedback/rating.h"

#define N(x) (sizeof(x) / sizeof((x)[0]))
#define DESK_NAME_MAX 120 /* code points of a desk's name, and of its section */
#define REFERENCE_MAX 60  /* code points of a receipt's transaction number */
#define MONTHS 12         /* months of the monthly index */
#define COMMENTS_SHOWN 50 /* the newest comments the indices page shows */

/* The three choices, best first (as the page and the poster show them). */
static const struct {
    int score;         /* enum fb_score */
    const char *label; /* what the resident reads */
    const char *key;   /* the symbol drawn beside it */
} choices[] = {
    {FB_SATISFIED, "Hài lòng", "good"},
    {FB_NEUTRAL, "Bình thường", "mid"},
    {FB_UNSATISFIED, "Không hài lòng", "bad"},
};

/* ---- secrets ---------------------------------------------------------------------------- */

int fb_rating_secret_hash(const char *secret, char hash[FB_RATING_HASH])
{
    size_t n = secret ? strlen(secret) : 0;
    if (n != FB_RATING_SECRET - 1)
        return ERR_NOT_FOUND;
    for (size_t i = 0; i < n; i++)
        if (!((secret[i] >= '0' && secret[i] <= '9') || (secret[i] >= 'a' && secret[i] <= 'f')))
            return ERR_NOT_FOUND;
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)secret, n);
    hex_encode(h, sizeof h, hash);
    return 0;
}

void fb_rating_secret_new(char secret[FB_RATING_SECRET], char hash[FB_RATING_HASH])
{
    unsigned char raw[(FB_RATING_SECRET - 1) / 2];
    randombytes_buf(raw, sizeof raw);
    hex_encode(raw, sizeof raw, secret);
    sodium_memzero(raw, sizeof raw);
    fb_rating_secret_hash(secret, hash);
}

/* ---- small helpers ------------------------------------------------------------------------ */

/* The trimmed value of a declared parameter, "" when absent (arena). */
static const char *param(struct http_request *r, const char *name)
{
    const char *v = http_param(r, name);
    return str_dup(r->a, str_trim(str_c(v ? v : "")));
}

/* "dd/mm/yyyy" of a Vietnam date (arena). */
static const char *vn_day(struct arena *a, struct date d)
{
    char *s = arena_alloc(a, 11);
    date_format_vn(d, s);
    return s;
}

/* s in upper case, Vietnamese letters included (arena). */
static const char *upper(struct arena *a, const char *s)
{
    struct buf b;
    buf_init(&b, a);
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(s);
    while (left > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, left, &cp);
        if (k <= 0)
            break;
        utf8proc_uint8_t out[4];
        utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_toupper(cp), out);
        buf_append(&b, out, (size_t)m);
        p += k;
        left -= k;
    }
    return b.ptr ? b.ptr : "";
}

/* SHA-256 (hex) of s (arena). */
const char *fb_rating_hash_hex(struct arena *a, const char *s)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
    char *out = arena_alloc(a, 2 * sizeof h + 1);
    hex_encode(h, sizeof h, out);
    return out;
}

/* The visitor as a poster's daily limit knows them: the signed-in account, or the anonymous
 * visitor's anti-forgery token (an HMAC of their random cookie), hashed, so that neither the
 * cookie nor a token reaches the database. */
static const char *visitor_of(struct http_request *r)
{
    if (r->user)
        return fb_rating_hash_hex(
            r->a, arena_printf(r->a, "rating-account:%lld", (long long)r->user->id));
    return fb_rating_hash_hex(r->a,
                              arena_printf(r->a, "rating-visitor:%s", r->csrf ? r->csrf : ""));
}

static int to_buf(void *ctx, const unsigned char *data, size_t len)
{
    buf_append(ctx, data, len);
    return 0;
}

/* ---- the resident's page ---------------------------------------------------------------- */

/* What a QR code is about. */
struct rate_ctx {
    struct fb_rtoken t;  /* the code */
    struct fb_desk desk; /* its desk */
    struct unit unit;    /* its commune */
    const char *officer; /* the officer it names, or NULL */
};

/* The code of the {ma} capture with its desk, commune and officer; ERR_NOT_FOUND when none. */
static int rate_load(struct http_request *r, struct rate_ctx *x)
{
    char hash[FB_RATING_HASH];
    memset(x, 0, sizeof *x);
    int rc = fb_rating_secret_hash(http_arg(r, "ma"), hash);
    if (rc == 0)
        rc = fb_rating_token_find(r->db, r->a, hash, &x->t);
    if (rc == 0)
        rc = fb_rating_desk_get(r->db, r->a, x->t.desk_id, &x->desk);
    if (rc == 0)
        rc = units_get_id(r->db, x->t.unit_id, &x->unit);
    if (rc == 0 && x->t.officer_id &&
        fb_rating_account_name(r->db, r->a, x->t.officer_id, &x->officer) != 0)
        x->officer = NULL;
    return rc;
}

/* Why a code takes no rating (a page saying so), or none. */
enum note {
    NOTE_NONE,    /* it takes one */
    NOTE_UNKNOWN, /* no such code */
    NOTE_CLOSED,  /* its desk is closed to ratings */
    NOTE_EXPIRED, /* a receipt past its day */
    NOTE_USED,    /* a receipt rated already */
    NOTE_TODAY,   /* a poster this visitor rated today */
    NOTE_THANKS,  /* not a refusal: the thank-you page */
};

/* The last day a receipt's code works (dd/mm/yyyy, arena). */
static const char *receipt_last_day(struct arena *a, const struct fb_rtoken *t)
{
    return vn_day(a, date_vn_from_time((time_t)(t->expires_at - 1)));
}

/* The page that says why (or thanks): heading, message, and where else to turn. */
static int note_page(struct http_request *r, struct http_response *res, const struct rate_ctx *x,
                     enum note why, int status)
{
    const char *heading = "", *message = "";
    const char *desk = x ? x->desk.name : "", *unit = x ? x->unit.name : "";
    switch (why) {
    case NOTE_UNKNOWN:
    case NOTE_NONE:
        heading = "Không tìm thấy mã đánh giá";
        message = "Mã QR này không đúng hoặc không còn dùng được. Vui lòng quét lại mã trên áp "
                  "phích tại quầy hoặc trên phiếu biên nhận.";
        break;
    case NOTE_CLOSED:
        heading = "Quầy này tạm ngừng nhận đánh giá";
        message = arena_printf(r->a,
                               "%s của %s hiện không nhận đánh giá qua mã QR. Bạn vẫn có thể gửi "
                               "phản ánh, kiến nghị về việc giải quyết thủ tục.",
                               desk, unit);
        break;
    case NOTE_EXPIRED:
        heading = "Mã đánh giá đã hết hạn";
        message = arena_printf(r->a,
                               "Mã trên phiếu biên nhận chỉ dùng được đến hết ngày %s. Bạn vẫn có "
                               "thể gửi phản ánh, kiến nghị về việc giải quyết thủ tục.",
                               receipt_last_day(r->a, &x->t));
        break;
    case NOTE_USED:
        heading = "Giao dịch này đã được đánh giá";
        message = "Mỗi phiếu biên nhận chỉ đánh giá được một lần, và giao dịch này đã được đánh "
                  "giá. Cảm ơn bạn đã góp ý.";
        break;
    case NOTE_TODAY:
        heading = "Bạn đã đánh giá hôm nay";
        message = arena_printf(r->a,
                               "Mỗi người đánh giá %s qua mã này một lần mỗi ngày. Cảm ơn bạn đã "
                               "góp ý; bạn có thể đánh giá lại vào ngày mai.",
                               desk);
        break;
    case NOTE_THANKS:
        heading = "Cảm ơn bạn đã đánh giá";
        message = arena_printf(r->a,
                               "Ý kiến của bạn về %s – %s đã được ghi nhận. Ủy ban nhân dân dùng "
                               "các đánh giá để cải thiện việc phục vụ Nhân dân.",
                               desk, unit);
        break;
    }
    json_decref(res->model);
    res->model = json_pack("{s:s,s:s,s:b}", "heading", heading, "message", message, "thanks",
                           why == NOTE_THANKS);
    if (x && (why == NOTE_CLOSED || why == NOTE_EXPIRED || why == NOTE_THANKS))
        json_object_set_new(res->model, "feedback_url",
                            json_string(arena_printf(r->a, "/gui-y-kien/%s", x->unit.code)));
    res->status = status;
    res->template = "feedback/rating_note";
    res->title = heading;
    return 0;
}

/* Why x takes no rating from visitor on day now (*why), or NOTE_NONE. */
static int rate_refusal(struct http_request *r, const struct rate_ctx *x, const char *visitor,
                        const char *day, int64_t now, enum note *why)
{
    *why = NOTE_NONE;
    if (!x->desk.active) {
        *why = NOTE_CLOSED;
        return 0;
    }
    if (x->t.via == FB_VIA_RECEIPT) {
        if (x->t.used_at)
            *why = NOTE_USED;
        else if (x->t.expires_at <= now)
            *why = NOTE_EXPIRED;
        return 0;
    }
    int seen = 0;
    int rc = fb_rating_visited(r->db, x->t.id, visitor, day, &seen);
    if (rc == 0 && seen)
        *why = NOTE_TODAY;
    return rc;
}

/* The rating form: the desk, officer and commune named, the choices (chosen: the score picked,
 * or 0), the comment typed. Keeps res->model's errors. */
static int rate_form(struct http_request *r, struct http_response *res, const struct rate_ctx *x,
                     int chosen, const char *comment)
{
    if (!res->model)
        res->model = json_object();
    json_t *m = res->model;
    json_object_set_new(m, "unit",
                        json_pack("{s:s,s:s}", "code", x->unit.code, "name", x->unit.name));
    json_t *desk = json_pack("{s:s}", "name", x->desk.name);
    if (x->desk.section[0])
        json_object_set_new(desk, "section", json_string(x->desk.section));
    json_object_set_new(m, "desk", desk);
    if (x->officer)
        json_object_set_new(m, "officer", json_string(x->officer));
    json_object_set_new(m, "receipt", json_boolean(x->t.via == FB_VIA_RECEIPT));
    if (x->t.via == FB_VIA_RECEIPT) {
        json_object_set_new(m, "last_day", json_string(receipt_last_day(r->a, &x->t)));
        if (x->t.reference[0])
            json_object_set_new(m, "reference", json_string(x->t.reference));
    }
    json_t *list = json_array();
    for (size_t i = 0; i < N(choices); i++)
        json_array_append_new(
            list, json_pack("{s:i,s:s,s:b,s:b,s:b,s:b}", "value", choices[i].score, "label",
                            choices[i].label, "checked", choices[i].score == chosen, "good",
                            choices[i].score == FB_SATISFIED, "mid", choices[i].score == FB_NEUTRAL,
                            "bad", choices[i].score == FB_UNSATISFIED));
    json_object_set_new(m, "choices", list);
    json_object_set_new(m, "form", json_pack("{s:s}", "gop_y", comment));
    json_object_set_new(m, "comment_max", json_integer(FB_RATING_COMMENT_MAX));
    json_object_set_new(m, "action",
                        json_string(arena_printf(r->a, "/danh-gia/%s", http_arg(r, "ma"))));
    res->template = "feedback/rating_form";
    res->title = arena_printf(r->a, "Đánh giá mức độ hài lòng – %s", x->desk.name);
    return 0;
}

/* GET /danh-gia/{ma} - public. The page a QR code opens: who is rated and the choices, or why
 * the code takes no rating now. */
static int page_rate(struct http_request *r, struct http_response *res)
{
    struct rate_ctx x;
    int rc = rate_load(r, &x);
    if (rc == ERR_NOT_FOUND)
        return note_page(r, res, NULL, NOTE_UNKNOWN, 404);
    if (rc)
        return rc;
    int64_t now = (int64_t)time(NULL);
    char day[11];
    date_format_iso(date_vn_from_time((time_t)now), day);
    enum note why;
    if ((rc = rate_refusal(r, &x, visitor_of(r), day, now, &why)) != 0)
        return rc;
    if (why != NOTE_NONE)
        return note_page(r, res, &x, why, why == NOTE_CLOSED || why == NOTE_EXPIRED ? 410 : 200);
    return rate_form(r, res, &x, 0, "");
}

/* A rating on its way to the writer, and what its answer needs. */
struct rate_job {
    struct rate_ctx x;       /* the code, desk, commune */
    struct fb_rating_new in; /* the rating */
};

static int run_rate(struct db *db, void *arg)
{
    return fb_rating_add(db, &((struct rate_job *)arg)->in);
}

static int after_rate(struct http_request *r, struct http_response *res, int rc)
{
    struct rate_job *j = r->state;
    if (rc == 0) {
        res->redirect = arena_printf(r->a, "/danh-gia/%s/cam-on", http_arg(r, "ma"));
        return 0;
    }
    if (rc == ERR_CONFLICT)
        return note_page(r, res, &j->x, j->in.via == FB_VIA_RECEIPT ? NOTE_USED : NOTE_TODAY, 409);
    if (rc == ERR_NOT_FOUND) {
        /* Closed or expired while the resident was choosing. */
        struct rate_ctx now;
        if ((rc = rate_load(r, &now)) != 0)
            return rc;
        return note_page(r, res, &now, now.desk.active ? NOTE_EXPIRED : NOTE_CLOSED, 410);
    }
    return rc;
}

static const struct http_param_spec rate_params[] = {
    {"muc", HP_TEXT, 0, 0, 2},
    {"gop_y", HP_LINES, 0, 0, 4 * FB_RATING_COMMENT_MAX},
};

/* POST /danh-gia/{ma} - public (CSRF). muc: 3 hài lòng, 2 bình thường, 1 không hài lòng;
 * gop_y: a comment (at most 500 characters). A receipt's code is used up by the rating. */
static int post_rate(struct http_request *r, struct http_response *res)
{
    struct feedback_env *env = fb_env(r);
    struct rate_job *j = arena_zalloc(r->a, sizeof *j);
    r->state = j;
    int rc = rate_load(r, &j->x);
    if (rc == ERR_NOT_FOUND)
        return note_page(r, res, NULL, NOTE_UNKNOWN, 404);
    if (rc)
        return rc;
    struct fb_rating_new *in = &j->in;
    in->now = (int64_t)time(NULL);
    date_format_iso(date_vn_from_time((time_t)in->now), in->day);
    in->visitor = visitor_of(r);
    enum note why;
    if ((rc = rate_refusal(r, &j->x, in->visitor, in->day, in->now, &why)) != 0)
        return rc;
    if (why != NOTE_NONE)
        return note_page(r, res, &j->x, why, why == NOTE_CLOSED || why == NOTE_EXPIRED ? 410 : 409);
    const char *muc = param(r, "muc"), *comment = param(r, "gop_y");
    int score = 0;
    if (parse_int(muc, FB_UNSATISFIED, FB_SATISFIED, &score) != 0) {
        score = 0;
        http_form_error(res, "muc",
                        "Vui lòng chọn một mức: Hài lòng, Bình thường hoặc Không hài lòng.");
    }
    size_t len = utf8_length(comment, strlen(comment));
    if (len > FB_RATING_COMMENT_MAX)
        http_form_error(res, "gop_y",
                        arena_printf(r->a, "Góp ý dài tối đa %d ký tự (bạn đã viết %zu).",
                                     FB_RATING_COMMENT_MAX, len));
    if (!res->model && j->x.t.via == FB_VIA_POSTER && env->rating_rl &&
        ratelimit_hit(env->rating_rl,
                      arena_printf(r->a, "rate:%lld:%s", (long long)j->x.t.id, r->ip), in->now)) {
        http_form_error(res, "form",
                        "Có quá nhiều lượt đánh giá từ cùng một mạng trong thời gian ngắn; vui "
                        "lòng thử lại sau ít phút.");
        res->status = 429;
    }
    if (res->model)
        return rate_form(r, res, &j->x, score, comment);
    in->token_id = j->x.t.id;
    in->unit_id = j->x.t.unit_id;
    in->desk_id = j->x.t.desk_id;
    in->officer_id = j->x.t.officer_id;
    in->via = j->x.t.via;
    in->score = score;
    in->comment = comment;
    http_defer_write(r, run_rate, j);
    return HTTP_DEFERRED;
}

/* GET /danh-gia/{ma}/cam-on - public. The thank-you page after a rating. */
static int page_thanks(struct http_request *r, struct http_response *res)
{
    struct rate_ctx x;
    int rc = rate_load(r, &x);
    if (rc == ERR_NOT_FOUND)
        return note_page(r, res, NULL, NOTE_UNKNOWN, 404);
    if (rc)
        return rc;
    return note_page(r, res, &x, NOTE_THANKS, 200);
}

/* ---- the officials' desks --------------------------------------------------------------- */

static int commune_of(struct http_request *r, struct unit *u)
{
    return units_get_commune(r->db, http_arg(r, "code"), u);
}

/* The commune of {code} and its desk {id}; ERR_NOT_FOUND when the desk is another's. */
static int desk_of(struct http_request *r, struct unit *u, struct fb_desk *d)
{
    int64_t id;
    int rc = commune_of(r, u);
    if (rc)
        return rc;
    if (parse_int64(str_c(http_arg(r, "id")), 1, INT64_MAX, &id) != 0)
        return ERR_NOT_FOUND;
    if ((rc = fb_rating_desk_get(r->db, r->a, id, d)) != 0)
        return rc;
    return d->unit_id == u->id ? 0 : ERR_NOT_FOUND;
}

static json_t *unit_json(const struct unit *u)
{
    return json_pack("{s:s,s:s}", "code", u->code, "name", u->name);
}

/* Adds to f every key of keys[0..n) it lacks, as "". */
static void form_defaults(json_t *f, const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!json_object_get(f, keys[i]))
            json_object_set_new(f, keys[i], json_string(""));
}

static const char *const desk_form_keys[] = {"ten", "bo_phan"};

/* The desks page: each desk with its section, officers and ratings; the form to add one. */
static int desks_model(struct http_request *r, struct http_response *res, const struct unit *u)
{
    struct rows *desks, *staff;
    int rc = fb_rating_desks(r->db, r->a, u->id, &desks);
    if (rc == 0)
        rc = fb_rating_staff(r->db, r->a, u->id, &staff);
    if (rc)
        return rc;
    if (!res->model)
        res->model = json_object();
    json_t *list = json_array();
    for (size_t i = 0; i < desks->n_rows; i++) {
        int64_t id = rows_at(desks, i, 0)->i;
        struct buf names;
        buf_init(&names, r->a);
        for (size_t k = 0; k < staff->n_rows; k++)
            if (rows_at(staff, k, 0)->i == id)
                buf_printf(&names, "%s%s", names.len ? ", " : "", rows_text(rows_at(staff, k, 2)));
        const char *section = rows_text(rows_at(desks, i, 2));
        json_t *d =
            json_pack("{s:I,s:s,s:b,s:I,s:s}", "id", (json_int_t)id, "name",
                      rows_text(rows_at(desks, i, 1)), "active", rows_at(desks, i, 3)->i != 0,
                      "n_ratings", (json_int_t)rows_at(desks, i, 4)->i, "url",
                      arena_printf(r->a, "/quan-ly/danh-gia/%s/quay/%lld", u->code, (long long)id));
        if (section && section[0])
            json_object_set_new(d, "section", json_string(section));
        if (names.len)
            json_object_set_new(d, "officers", json_string(names.ptr));
        json_array_append_new(list, d);
    }
    json_object_set_new(res->model, "has_desks", json_boolean(desks->n_rows > 0));
    json_object_set_new(res->model, "desks", list);
    json_object_set_new(res->model, "unit", unit_json(u));
    json_t *f = json_object_get(res->model, "form");
    if (!f) {
        f = json_object();
        json_object_set_new(res->model, "form", f);
    }
    form_defaults(f, desk_form_keys, N(desk_form_keys));
    json_object_set_new(res->model, "index_url",
                        json_string(arena_printf(r->a, "/quan-ly/danh-gia/%s/chi-so", u->code)));
    res->template = "feedback/rating_desks";
    res->title = arena_printf(r->a, "Đánh giá Bộ phận một cửa – %s", u->name);
    return 0;
}

/* GET /quan-ly/danh-gia/{code} - rating.manage on the commune. Its desks and the form to add
 * one. */
static int page_desks(struct http_request *r, struct http_response *res)
{
    struct unit u;
    int rc = commune_of(r, &u);
    if (rc)
        return rc;
    return desks_model(r, res, &u);
}

/* A desk being added, and the page to come back to. */
struct desk_job {
    struct unit u;         /* the commune */
    struct fb_desk_new in; /* the desk */
};

static int run_desk_add(struct db *db, void *arg)
{
    return fb_rating_desk_add(db, &((struct desk_job *)arg)->in);
}

/* The desks page again with what was typed and why it was refused (422). */
static int desks_again(struct http_request *r, struct http_response *res, const struct unit *u)
{
    json_t *f = json_object();
    for (size_t i = 0; i < N(desk_form_keys); i++)
        json_object_set_new(f, desk_form_keys[i], json_string(param(r, desk_form_keys[i])));
    json_object_set_new(res->model, "form", f);
    return desks_model(r, res, u);
}

static int after_desk_add(struct http_request *r, struct http_response *res, int rc)
{
    struct desk_job *j = r->state;
    if (rc == ERR_CONFLICT) {
        http_form_error(res, "ten",
                        arena_printf(r->a, "Đã có quầy đang nhận đánh giá tên “%s”.", j->in.name));
        return desks_again(r, res, &j->u);
    }
    if (rc)
        return rc;
    res->redirect =
        arena_printf(r->a, "/quan-ly/danh-gia/%s/quay/%lld", j->u.code, (long long)j->in.id);
    res->flash = "Đã thêm quầy. Hãy chọn cán bộ làm việc tại quầy và in áp phích mã QR.";
    return 0;
}

static const struct http_param_spec desk_params[] = {
    {"ten", HP_TEXT, 0, 0, 4 * DESK_NAME_MAX},
    {"bo_phan", HP_TEXT, 0, 0, 4 * DESK_NAME_MAX},
};

/* POST /quan-ly/danh-gia/{code} - rating.manage. A new desk: ten (its name), bo_phan (the
 * section or field it serves). */
static int post_desk_add(struct http_request *r, struct http_response *res)
{
    struct desk_job *j = arena_zalloc(r->a, sizeof *j);
    r->state = j;
    int rc = commune_of(r, &j->u);
    if (rc)
        return rc;
    const char *name = param(r, "ten"), *section = param(r, "bo_phan");
    if (!name[0])
        http_form_error(res, "ten", "Vui lòng ghi tên quầy, ví dụ “Quầy 1 – Tư pháp, hộ tịch”.");
    else if (utf8_length(name, strlen(name)) > DESK_NAME_MAX)
        http_form_error(res, "ten", "Tên quầy dài tối đa 120 ký tự.");
    if (utf8_length(section, strlen(section)) > DESK_NAME_MAX)
        http_form_error(res, "bo_phan", "Lĩnh vực, bộ phận dài tối đa 120 ký tự.");
    if (res->model)
        return desks_again(r, res, &j->u);
    j->in = (struct fb_desk_new){r->user->id, j->u.id, name, section, (int64_t)time(NULL), 0};
    http_defer_write(r, run_desk_add, j);
    return HTTP_DEFERRED;
}

static const char *const desk_page_keys[] = {"so_bien_nhan", "han"};

/* One desk's page: who serves there (to choose among the commune's officers), closing or
 * reopening it, printing its posters and receipt slips. */
static int desk_model(struct http_request *r, struct http_response *res, const struct unit *u,
                      const struct fb_desk *d)
{
    struct rows *officers, *staff;
    int rc = fb_rating_officers(r->db, r->a, u->id, &officers);
    if (rc == 0)
        rc = fb_rating_staff(r->db, r->a, u->id, &staff);
    if (rc)
        return rc;
    if (!res->model)
        res->model = json_object();
    json_t *all = json_array(), *serving = json_array();
    int me_serves = 0;
    for (size_t i = 0; i < officers->n_rows; i++) {
        int64_t id = rows_at(officers, i, 0)->i;
        int serves = 0;
        for (size_t k = 0; k < staff->n_rows; k++)
            serves |= rows_at(staff, k, 0)->i == d->id && rows_at(staff, k, 1)->i == id;
        json_array_append_new(all,
                              json_pack("{s:I,s:s,s:b}", "id", (json_int_t)id, "name",
                                        rows_text(rows_at(officers, i, 1)), "checked", serves));
        me_serves |= serves && id == r->user->id;
    }
    for (size_t k = 0; k < staff->n_rows; k++)
        if (rows_at(staff, k, 0)->i == d->id)
            json_array_append_new(
                serving, json_pack("{s:I,s:s,s:b}", "id", (json_int_t)rows_at(staff, k, 1)->i,
                                   "name", rows_text(rows_at(staff, k, 2)), "me",
                                   me_serves && rows_at(staff, k, 1)->i == r->user->id));
    json_object_set_new(res->model, "has_officers", json_boolean(json_array_size(all) > 0));
    json_object_set_new(res->model, "officers", all);
    json_object_set_new(res->model, "has_staff", json_boolean(json_array_size(serving) > 0));
    json_object_set_new(res->model, "staff", serving);
    json_t *dj =
        json_pack("{s:I,s:s,s:b}", "id", (json_int_t)d->id, "name", d->name, "active", d->active);
    if (d->section[0])
        json_object_set_new(dj, "section", json_string(d->section));
    json_object_set_new(res->model, "desk", dj);
    json_object_set_new(res->model, "unit", unit_json(u));
    json_t *f = json_object_get(res->model, "form");
    if (!f) {
        f = json_object();
        json_object_set_new(res->model, "form", f);
    }
    form_defaults(f, desk_page_keys, N(desk_page_keys));
    if (!json_string_value(json_object_get(f, "han"))[0])
        json_object_set_new(f, "han", json_string(arena_printf(r->a, "%d", FB_RECEIPT_DAYS)));
    json_object_set_new(res->model, "days_max", json_integer(FB_RECEIPT_DAYS_MAX));
    const char *base =
        arena_printf(r->a, "/quan-ly/danh-gia/%s/quay/%lld", u->code, (long long)d->id);
    json_object_set_new(res->model, "base", json_string(base));
    json_object_set_new(res->model, "list_url",
                        json_string(arena_printf(r->a, "/quan-ly/danh-gia/%s", u->code)));
    res->template = "feedback/rating_desk";
    res->title = arena_printf(r->a, "%s – %s", d->name, u->name);
    return 0;
}

/* GET /quan-ly/danh-gia/{code}/quay/{id} - rating.manage on the commune. One desk. */
static int page_desk(struct http_request *r, struct http_response *res)
{
    struct unit u;
    struct fb_desk d;
    int rc = desk_of(r, &u, &d);
    if (rc)
        return rc;
    return desk_model(r, res, &u, &d);
}

/* The desk page again with the refusal (422) and what was typed in the receipt form. */
static int desk_again(struct http_request *r, struct http_response *res, const struct unit *u,
                      const struct fb_desk *d, const char *field, const char *why)
{
    http_form_error(res, field, why);
    json_t *f = json_object();
    for (size_t i = 0; i < N(desk_page_keys); i++)
        json_object_set_new(f, desk_page_keys[i], json_string(param(r, desk_page_keys[i])));
    json_object_set_new(res->model, "form", f);
    return desk_model(r, res, u, d);
}

/* A desk's change (who serves, open or closed), and the page to come back to. */
struct desk_change {
    struct unit u;             /* the commune */
    struct fb_desk d;          /* the desk */
    struct fb_staff_set staff; /* staffing: who serves */
    int active;                /* opening or closing: 1 or 0 */
};

static int run_staff(struct db *db, void *arg)
{
    return fb_rating_staff_set(db, &((struct desk_change *)arg)->staff);
}

static int after_desk_change(struct http_request *r, struct http_response *res, int rc)
{
    struct desk_change *j = r->state;
    if (rc == ERR_CONFLICT)
        return desk_again(r, res, &j->u, &j->d, "form",
                          "Đã có quầy khác cùng tên đang nhận đánh giá; hãy đổi tên hoặc "
                          "ngừng quầy đó trước.");
    if (rc)
        return rc;
    res->redirect =
        arena_printf(r->a, "/quan-ly/danh-gia/%s/quay/%lld", j->u.code, (long long)j->d.id);
    res->flash = "Đã ghi nhận.";
    return 0;
}

/* 1 when account id is among the rows' first column. */
static int in_rows(const struct rows *t, size_t col, int64_t id)
{
    for (size_t i = 0; i < t->n_rows; i++)
        if (rows_at(t, i, col)->i == id)
            return 1;
    return 0;
}

static const struct http_param_spec staff_params[] = {
    {"can_bo", HP_INT, 0, 1, INT64_MAX},
};

/* POST /quan-ly/danh-gia/{code}/quay/{id}/can-bo - rating.manage. can_bo (repeated): the
 * commune's officers who serve at the desk from now on (none: nobody). */
static int post_staff(struct http_request *r, struct http_response *res)
{
    struct desk_change *j = arena_zalloc(r->a, sizeof *j);
    r->state = j;
    int rc = desk_of(r, &j->u, &j->d);
    if (rc)
        return rc;
    struct rows *officers;
    if ((rc = fb_rating_officers(r->db, r->a, j->u.id, &officers)) != 0)
        return rc;
    int64_t *ids = arena_alloc(r->a, (r->params.n_items + 1) * sizeof *ids);
    size_t n = 0;
    for (size_t i = 0; i < r->params.n_items; i++) {
        const struct http_param *p = &r->params.items[i];
        int64_t id;
        if (!str_eq_c(p->name, "can_bo") || parse_int64(str_trim(p->value), 1, INT64_MAX, &id))
            continue;
        if (!in_rows(officers, 0, id))
            return desk_again(r, res, &j->u, &j->d, "can_bo",
                              "Chỉ chọn được cán bộ, công chức của xã, phường.");
        int dup = 0;
        for (size_t k = 0; k < n; k++)
            dup |= ids[k] == id;
        if (!dup)
            ids[n++] = id;
    }
    j->staff = (struct fb_staff_set){r->user->id, j->u.id, j->d.id, ids, n};
    http_defer_write(r, run_staff, j);
    return HTTP_DEFERRED;
}

static int run_active(struct db *db, void *arg)
{
    struct desk_change *j = arg;
    return fb_rating_desk_set_active(db, j->staff.actor, j->u.id, j->d.id, j->active);
}

static const struct http_param_spec active_params[] = {
    {"hoat_dong", HP_INT, 1, 0, 1},
};

/* POST /quan-ly/danh-gia/{code}/quay/{id}/trang-thai - rating.manage. hoat_dong=0 closes the
 * desk to ratings (its codes are refused), 1 opens it again. */
static int post_active(struct http_request *r, struct http_response *res)
{
    struct desk_change *j = arena_zalloc(r->a, sizeof *j);
    r->state = j;
    int rc = desk_of(r, &j->u, &j->d);
    if (rc)
        return rc;
    j->staff.actor = r->user->id;
    j->active = (int)http_param_int(r, "hoat_dong", 0);
    http_defer_write(r, run_active, j);
    return HTTP_DEFERRED;
}

/* ---- printed codes ---------------------------------------------------------------------- */

/* A code being printed: made in the write, drawn once it is durable. */
struct print_job {
    struct unit u;                 /* the commune */
    struct fb_desk d;              /* the desk */
    const char *officer;           /* the officer's name, or NULL */
    struct fb_rtoken_new in;       /* the code as stored */
    char secret[FB_RATING_SECRET]; /* what the QR code carries (never stored) */
};

static int run_print(struct db *db, void *arg)
{
    return fb_rating_token_add(db, &((struct print_job *)arg)->in);
}

/* Checks the officer chosen for a code (can_bo: 0 or absent for the desk as a whole) serves at
 * the desk, and that the desk takes ratings; fills j, or the desk page with why (ERR_INVALID). */
static int print_start(struct http_request *r, struct http_response *res, struct print_job *j,
                       enum fb_via via)
{
    int rc = desk_of(r, &j->u, &j->d);
    if (rc)
        return rc;
    const char *why = NULL;
    int64_t officer = http_param_int(r, "can_bo", 0);
    struct rows *staff;
    if ((rc = fb_rating_staff(r->db, r->a, j->u.id, &staff)) != 0)
        return rc;
    if (!j->d.active)
        why = "Quầy đang ngừng nhận đánh giá; hãy cho quầy nhận đánh giá trở lại trước khi in mã.";
    for (size_t i = 0; officer && !why && i < staff->n_rows; i++)
        if (rows_at(staff, i, 0)->i == j->d.id && rows_at(staff, i, 1)->i == officer)
            j->officer = rows_text(rows_at(staff, i, 2));
    if (officer && !why && !j->officer)
        why = "Cán bộ được chọn không làm việc tại quầy này.";
    if (why) {
        rc = desk_again(r, res, &j->u, &j->d, "form", why);
        return rc ? rc : ERR_INVALID;
    }
    j->in.actor = r->user->id;
    j->in.unit_id = j->u.id;
    j->in.desk_id = j->d.id;
    j->in.officer_id = officer;
    j->in.via = via;
    j->in.reference = "";
    j->in.now = (int64_t)time(NULL);
    fb_rating_secret_new(j->secret, j->in.hash);
    return 0;
}

/* The PDF of a printed code as the response. */
static int send_pdf(struct http_request *r, struct http_response *res,
                    const struct export_qr_page *page, const char *filename)
{
    char err[256];
    buf_init(&res->body, r->a);
    int rc = export_qr_page_pdf(page, to_buf, &res->body, err, sizeof err);
    if (rc) {
        log_error("rating QR page: %s", err);
        return rc;
    }
    res->content_type = "application/pdf";
    res->filename = filename;
    return 0;
}

static int after_poster(struct http_request *r, struct http_response *res, int rc)
{
    struct print_job *j = r->state;
    if (rc)
        return rc;
    const char *url = arena_printf(r->a, "%s/danh-gia/%s", fb_env(r)->base_url, j->secret);
    const char *who = j->officer ? arena_printf(r->a, "Cán bộ: %s", j->officer) : "";
    const char *section = j->d.section[0] ? arena_printf(r->a, "Lĩnh vực: %s", j->d.section) : "";
    const struct export_qr_text above[] = {
        {upper(r->a, arena_printf(r->a, "Ủy ban nhân dân %s", j->u.name)), 15, 1},
        {"BỘ PHẬN MỘT CỬA", 15, 1},
        {"", 12, 0},
        {"ĐÁNH GIÁ MỨC ĐỘ HÀI LÒNG", 28, 1},
        {j->d.name, 24, 1},
        {section, 16, 0},
        {who, 18, 1},
    };
    const struct export_qr_text below[] = {
        {"Quét mã bằng camera điện thoại hoặc Zalo, chọn một mức và bấm Gửi:", 15, 0},
        {"Hài lòng  –  Bình thường  –  Không hài lòng", 18, 1},
        {"Không cần tài khoản, không cần ghi tên. Mỗi người đánh giá một lần mỗi ngày.", 13, 0},
        {url, 10, 0},
    };
    struct export_qr_page page = {210, 297, 15, above, N(above), url, 115, below, N(below)};
    return send_pdf(r, res, &page,
                    arena_printf(r->a, "ap-phich-danh-gia-quay-%lld.pdf", (long long)j->d.id));
}

static const struct http_param_spec poster_params[] = {
    {"can_bo", HP_INT, 0, 0, INT64_MAX},
};

/* POST /quan-ly/danh-gia/{code}/quay/{id}/ap-phich - rating.manage. A new A4 poster for the
 * desk, or (can_bo) for one of its officers: a reusable QR code, as a PDF. */
static int post_poster(struct http_request *r, struct http_response *res)
{
    struct print_job *j = arena_zalloc(r->a, sizeof *j);
    r->state = j;
    int rc = print_start(r, res, j, FB_VIA_POSTER);
    if (rc == ERR_INVALID && res->model)
        return 0;
    if (rc)
        return rc;
    http_defer_write(r, run_print, j);
    return HTTP_DEFERRED;
}

static int after_receipt(struct http_request *r, struct http_response *res, int rc)
{
    struct print_job *j = r->state;
    if (rc)
        return rc;
    const char *url = arena_printf(r->a, "%s/danh-gia/%s", fb_env(r)->base_url, j->secret);
    struct fb_rtoken t = {.expires_at = j->in.expires_at};
    const struct export_qr_text above[] = {
        {arena_printf(r->a, "UBND %s", j->u.name), 10, 1},
        {"Bộ phận một cửa", 9, 0},
        {"PHIẾU ĐÁNH GIÁ GIAO DỊCH", 12, 1},
        {j->d.name, 10, 1},
        {j->officer ? arena_printf(r->a, "Cán bộ: %s", j->officer) : "", 10, 0},
        {j->in.reference[0] ? arena_printf(r->a, "Số biên nhận: %s", j->in.reference) : "", 10, 0},
    };
    const struct export_qr_text below[] = {
        {"Quét mã để đánh giá giao dịch này: Hài lòng, Bình thường hoặc Không hài lòng.", 9, 0},
        {arena_printf(r->a, "Dùng được một lần, đến hết ngày %s.", receipt_last_day(r->a, &t)), 9,
         1},
        {url, 7, 0},
    };
    struct export_qr_page page = {80, 0, 4, above, N(above), url, 46, below, N(below)};
    return send_pdf(r, res, &page,
                    arena_printf(r->a, "phieu-danh-gia-quay-%lld.pdf", (long long)j->d.id));
}

static const struct http_param_spec receipt_params[] = {
    {"can_bo", HP_INT, 0, 0, INT64_MAX},
    {"so_bien_nhan", HP_TEXT, 0, 0, 4 * REFERENCE_MAX},
    {"han", HP_TEXT, 0, 0, 10},
};

/* POST /quan-ly/danh-gia/{code}/quay/{id}/bien-nhan - rating.manage. A receipt slip (80 mm,
 * PDF) for one transaction: so_bien_nhan (its number, optional), can_bo (the officer who
 * served, optional), han (days it stays usable, 1-90, default 30). Its code is used once. */
static int post_receipt(struct http_request *r, struct http_response *res)
{
    struct print_job *j = arena_zalloc(r->a, sizeof *j);
    r->state = j;
    int rc = print_start(r, res, j, FB_VIA_RECEIPT);
    if (rc == ERR_INVALID && res->model)
        return 0;
    if (rc)
        return rc;
    const char *ref = param(r, "so_bien_nhan"), *han = param(r, "han");
    int days = FB_RECEIPT_DAYS;
    if (han[0] && parse_int(han, 1, FB_RECEIPT_DAYS_MAX, &days) != 0)
        return desk_again(r, res, &j->u, &j->d, "han", "Thời hạn đánh giá là số ngày từ 1 đến 90.");
    if (utf8_length(ref, strlen(ref)) > REFERENCE_MAX)
        return desk_again(r, res, &j->u, &j->d, "so_bien_nhan",
                          "Số biên nhận dài tối đa 60 ký tự.");
    /* Usable to the end of the Vietnam day `days` days from today. */
    struct date last = date_add_days(date_vn_from_time((time_t)j->in.now), days);
    j->in.expires_at = (date_to_days(last) + 1) * 86400 - 7 * 3600;
    j->in.reference = ref;
    http_defer_write(r, run_print, j);
    return HTTP_DEFERRED;
}

/* ---- the indices ------------------------------------------------------------------------ */

/* One row of an index: a desk, officer, section or month, and its ratings. */
struct tally {
    int64_t key;       /* desk or officer id, else 0 */
    const char *label; /* its name, section, or month (yyyy-mm) */
    int64_t n[2][4];   /* ratings by how they came (enum fb_via) and score (1-3) */
};

/* Groups counted rows (k, label, via, score, n; ordered by label, k) into tallies (arena). */
static void tallies_of(struct arena *a, const struct rows *t, struct tally **out, size_t *n)
{
    struct tally *ts = arena_zalloc(a, (t->n_rows + 1) * sizeof *ts);
    size_t k = 0;
    for (size_t i = 0; i < t->n_rows; i++) {
        int64_t key = rows_at(t, i, 0)->i;
        const char *label = rows_text(rows_at(t, i, 1));
        if (!label)
            label = "";
        if (!k || ts[k - 1].key != key || strcmp(ts[k - 1].label, label) != 0) {
            ts[k].key = key;
            ts[k].label = label;
            k++;
        }
        const char *via = rows_text(rows_at(t, i, 2));
        int v = via && strcmp(via, "receipt") == 0 ? FB_VIA_RECEIPT : FB_VIA_POSTER;
        int64_t score = rows_at(t, i, 3)->i;
        if (score >= FB_UNSATISFIED && score <= FB_SATISFIED)
            ts[k - 1].n[v][score] += rows_at(t, i, 4)->i;
    }
    *out = ts;
    *n = k;
}

/* Ratings of t that came by via (-1: both) with score (0: any). */
static int64_t tcount(const struct tally *t, int via, int score)
{
    int64_t sum = 0;
    for (int v = 0; v < 2; v++)
        for (int s = FB_UNSATISFIED; s <= FB_SATISFIED; s++)
            if ((via < 0 || via == v) && (!score || score == s))
                sum += t->n[v][s];
    return sum;
}

/* x with `decimals` decimals and a decimal comma, as Vietnamese writes numbers (arena). */
static const char *vn_number(struct arena *a, double x, int decimals)
{
    char *s = arena_printf(a, "%.*f", decimals, x);
    char *dot = strchr(s, '.');
    if (dot)
        *dot = ',';
    return s;
}

/* The satisfaction index (share of "hài lòng") of the ratings of t that came by via, as text. */
static const char *index_text(struct arena *a, const struct tally *t, int via)
{
    int64_t all = tcount(t, via, 0);
    if (!all)
        return "–";
    return arena_printf(a, "%s%%",
                        vn_number(a, 100.0 * (double)tcount(t, via, 3) / (double)all, 1));
}

/* One row of an index table: counts by score and by how they came, the index (share of "hài
 * lòng", %) over all ratings and over receipts and posters apart, and the mean score. */
static json_t *tally_json(struct arena *a, const struct tally *t, const char *label)
{
    int64_t n = tcount(t, -1, 0), n3 = tcount(t, -1, 3), n2 = tcount(t, -1, 2),
            n1 = tcount(t, -1, 1);
    double index = n ? round(1000.0 * (double)n3 / (double)n) / 10 : 0;
    double mean = n ? round(100.0 * (double)(3 * n3 + 2 * n2 + n1) / (double)n) / 100 : 0;
    json_t *j =
        json_pack("{s:I,s:s,s:I,s:I,s:I,s:I,s:I,s:I}", "id", (json_int_t)t->key, "label", label,
                  "n", (json_int_t)n, "n_receipt", (json_int_t)tcount(t, FB_VIA_RECEIPT, 0),
                  "n_poster", (json_int_t)tcount(t, FB_VIA_POSTER, 0), "n3", (json_int_t)n3, "n2",
                  (json_int_t)n2, "n1", (json_int_t)n1);
    json_object_set_new(j, "any", json_boolean(n > 0));
    json_object_set_new(j, "index", json_real(index));
    json_object_set_new(j, "mean", json_real(mean));
    json_object_set_new(j, "index_text", json_string(index_text(a, t, -1)));
    json_object_set_new(j, "index_receipt_text", json_string(index_text(a, t, FB_VIA_RECEIPT)));
    json_object_set_new(j, "index_poster_text", json_string(index_text(a, t, FB_VIA_POSTER)));
    json_object_set_new(j, "mean_text", json_string(n ? vn_number(a, mean, 2) : "–"));
    return j;
}

/* A stacked bar chart of t[0..n): hài lòng, bình thường, không hài lòng per label (arena). */
static const char *chart_of(struct arena *a, const char *title, const char *desc,
                            const struct tally *t, const char *const *labels, size_t n)
{
    double *v[3];
    for (int s = 0; s < 3; s++) {
        v[s] = arena_zalloc(a, (n ? n : 1) * sizeof(double));
        for (size_t i = 0; i < n; i++)
            v[s][i] = (double)tcount(&t[i], -1, choices[s].score);
    }
    static const char *const colors[] = {"#2e7d32", "#8a5a00", "#c62828"};
    struct view_chart_series series[3];
    for (int s = 0; s < 3; s++)
        series[s] = (struct view_chart_series){choices[s].label, colors[s], v[s]};
    struct view_chart c = {title, desc, labels, n, series, 3};
    struct buf out;
    buf_init(&out, a);
    view_chart_svg(&c, &out);
    return out.ptr ? out.ptr : "";
}

/* An index (rows of t[0..n) with their labels) put into the model as key, its chart as
 * chart_key, and has_key. */
static void index_put(struct http_request *r, json_t *m, const char *key, const char *title,
                      const struct tally *t, const char *const *labels, size_t n)
{
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, tally_json(r->a, &t[i], labels[i]));
    json_object_set_new(m, key, list);
    json_object_set_new(m, arena_printf(r->a, "has_%s", key), json_boolean(n > 0));
    json_object_set_new(
        m, arena_printf(r->a, "chart_%s", key),
        json_string(chart_of(r->a, title,
                             "Số lượt đánh giá hài lòng, bình thường và không hài lòng.", t, labels,
                             n)));
}

/* The labels of tallies: their own, or `empty` for an empty one (arena). */
static const char **labels_of(struct arena *a, const struct tally *t, size_t n, const char *empty)
{
    const char **l = arena_alloc(a, (n ? n : 1) * sizeof *l);
    for (size_t i = 0; i < n; i++)
        l[i] = t[i].label[0] ? t[i].label : empty;
    return l;
}

/* The month of ?thang= (yyyy-mm) into *y, *m; ERR_INVALID when it is not one. */
static int month_parse(const char *s, int *y, int *m)
{
    if (!s || strlen(s) != 7 || s[4] != '-')
        return ERR_INVALID;
    char ys[5], ms[3];
    memcpy(ys, s, 4);
    ys[4] = '\0';
    memcpy(ms, s + 5, 2);
    ms[2] = '\0';
    if (parse_int(ys, 2000, 2100, y) != 0 || parse_int(ms, 1, 12, m) != 0)
        return ERR_INVALID;
    return 0;
}

/* Month (y, m) moved by k months (may be negative). */
static void month_add(int *y, int *m, int k)
{
    int i = *y * 12 + (*m - 1) + k;
    *y = i / 12;
    *m = i % 12 + 1;
}

/* The 12 months ending with (y, m) as tallies (empty months too) from counted rows. */
static void months_of(struct arena *a, const struct rows *rows, int y, int m, struct tally *out,
                      const char **labels)
{
    struct tally *t;
    size_t n;
    tallies_of(a, rows, &t, &n);
    for (int i = 0; i < MONTHS; i++) {
        int yy = y, mm = m;
        month_add(&yy, &mm, i - (MONTHS - 1));
        memset(&out[i], 0, sizeof out[i]);
        out[i].label = arena_printf(a, "%04d-%02d", yy, mm);
        labels[i] = arena_printf(a, "%02d/%04d", mm, yy);
        for (size_t k = 0; k < n; k++)
            if (strcmp(t[k].label, out[i].label) == 0)
                out[i] = t[k];
    }
}

/* Counted rows of the commune grouped by `by` over [from, to], as tallies. */
static int tally_by(struct http_request *r, const struct unit *u, enum fb_tally_by by,
                    const char *from, const char *to, struct tally **t, size_t *n)
{
    struct rows *rows;
    int rc = fb_rating_tally(r->db, r->a, u->id, by, from, to, &rows);
    if (rc == 0)
        tallies_of(r->a, rows, t, n);
    return rc;
}

/* A month's indices of a commune. */
struct index_data {
    int y, m;                    /* the month */
    const char *month;           /* "mm/yyyy" */
    struct tally all;            /* every rating of the month */
    struct tally *desks;         /* per desk */
    size_t n_desks;              /* their count */
    struct tally *officers;      /* per officer (ratings naming one) */
    size_t n_officers;           /* their count */
    struct tally *sections;      /* per section */
    size_t n_sections;           /* their count */
    struct tally months[MONTHS]; /* the 12 months ending with this one */
    const char *mlabels[MONTHS]; /* their "mm/yyyy" */
};

/* Counts commune u's ratings of month (y, m) and the 11 before it into d (arena). */
static int index_load(struct http_request *r, const struct unit *u, int y, int m,
                      struct index_data *d)
{
    memset(d, 0, sizeof *d);
    d->y = y;
    d->m = m;
    d->month = arena_printf(r->a, "%02d/%04d", m, y);
    const char *from = arena_printf(r->a, "%04d-%02d-01", y, m);
    const char *to = arena_printf(r->a, "%04d-%02d-31", y, m);
    int rc;
    if ((rc = tally_by(r, u, FB_BY_DESK, from, to, &d->desks, &d->n_desks)) != 0 ||
        (rc = tally_by(r, u, FB_BY_OFFICER, from, to, &d->officers, &d->n_officers)) != 0 ||
        (rc = tally_by(r, u, FB_BY_SECTION, from, to, &d->sections, &d->n_sections)) != 0)
        return rc;
    int fy = y, fm = m;
    month_add(&fy, &fm, -(MONTHS - 1));
    struct rows *mrows;
    if ((rc = fb_rating_tally(r->db, r->a, u->id, FB_BY_MONTH,
                              arena_printf(r->a, "%04d-%02d-01", fy, fm), to, &mrows)) != 0)
        return rc;
    months_of(r->a, mrows, y, m, d->months, d->mlabels);
    for (size_t i = 0; i < d->n_desks; i++)
        for (int v = 0; v < 2; v++)
            for (int s = 0; s < 4; s++)
                d->all.n[v][s] += d->desks[i].n[v][s];
    return 0;
}

/* The month's newest comments into the model (comments, has_comments): the day as dd/mm/yyyy,
 * the desk, the score's label, how it came (via_label). */
static int comments_put(struct http_request *r, const struct unit *u, int y, int m, json_t *mdl)
{
    struct rows *t;
    int rc = fb_rating_comments(r->db, r->a, u->id, arena_printf(r->a, "%04d-%02d-01", y, m),
                                arena_printf(r->a, "%04d-%02d-31", y, m), COMMENTS_SHOWN, &t);
    if (rc)
        return rc;
    size_t day_vn = rows_add_col(t, "day_vn"), score_label = rows_add_col(t, "score_label"),
           via_label = rows_add_col(t, "via_label");
    for (size_t i = 0; i < t->n_rows; i++) {
        struct date d;
        const char *day = rows_text(rows_at(t, i, 0));
        if (day && date_parse(day, &d) == 0)
            rows_set_text(rows_at(t, i, day_vn), vn_day(r->a, d));
        int64_t score = rows_at(t, i, 2)->i;
        for (size_t k = 0; k < N(choices); k++)
            if (choices[k].score == score)
                rows_set_text(rows_at(t, i, score_label), choices[k].label);
        const char *via = rows_text(rows_at(t, i, 4));
        rows_set_text(rows_at(t, i, via_label),
                      via && strcmp(via, "receipt") == 0 ? "phiếu biên nhận" : "áp phích");
    }
    json_object_set_new(mdl, "has_comments", json_boolean(t->n_rows > 0));
    json_t *list = rows_json(t);
    json_object_set_new(mdl, "comments", list);
    return 0;
}

static const struct http_param_spec index_params[] = {
    {"thang", HP_TEXT, 0, 0, 20},
};

/* The month asked for (?thang=), this month when none; ERR_INVALID for a month that is not
 * one (y, m are then this month). */
static int month_asked(struct http_request *r, int *y, int *m)
{
    struct date today = fb_today();
    *y = today.y;
    *m = today.m;
    const char *typed = param(r, "thang");
    if (typed[0] && month_parse(typed, y, m) != 0) {
        *y = today.y;
        *m = today.m;
        return ERR_INVALID;
    }
    return 0;
}

/* GET /quan-ly/danh-gia/{code}/chi-so?thang=yyyy-mm - rating.view on the commune. The
 * satisfaction index (share of "hài lòng") and mean score of a month per desk, officer and
 * section, and per month over the last 12, as charts and tables, receipts and posters apart. */
static int page_index(struct http_request *r, struct http_response *res)
{
    struct unit u;
    int rc = commune_of(r, &u);
    if (rc)
        return rc;
    res->model = json_object();
    int y, m;
    if (month_asked(r, &y, &m) != 0)
        http_form_error(res, "thang", "Tháng phải có dạng năm-tháng, ví dụ 2026-03.");
    struct index_data d;
    if ((rc = index_load(r, &u, y, m, &d)) != 0)
        return rc;
    json_t *mdl = res->model;
    json_object_set_new(mdl, "unit", unit_json(&u));
    json_object_set_new(mdl, "month", json_string(d.month));
    const char *value = arena_printf(r->a, "%04d-%02d", y, m);
    json_object_set_new(mdl, "form", json_pack("{s:s}", "thang", value));
    json_object_set_new(mdl, "summary", tally_json(r->a, &d.all, d.month));
    index_put(r, mdl, "desks", arena_printf(r->a, "Mức độ hài lòng theo quầy – tháng %s", d.month),
              d.desks, labels_of(r->a, d.desks, d.n_desks, ""), d.n_desks);
    index_put(r, mdl, "officers",
              arena_printf(r->a, "Mức độ hài lòng theo cán bộ – tháng %s", d.month), d.officers,
              labels_of(r->a, d.officers, d.n_officers, ""), d.n_officers);
    index_put(r, mdl, "sections",
              arena_printf(r->a, "Mức độ hài lòng theo lĩnh vực – tháng %s", d.month), d.sections,
              labels_of(r->a, d.sections, d.n_sections, "Chưa ghi lĩnh vực"), d.n_sections);
    index_put(r, mdl, "months",
              arena_printf(r->a, "Mức độ hài lòng 12 tháng đến tháng %s", d.month), d.months,
              d.mlabels, MONTHS);
    int py = y, pm = m, ny = y, nm = m;
    month_add(&py, &pm, -1);
    month_add(&ny, &nm, 1);
    struct date today = fb_today();
    json_object_set_new(mdl, "prev", json_string(arena_printf(r->a, "%04d-%02d", py, pm)));
    if (ny * 12 + nm <= today.y * 12 + today.m)
        json_object_set_new(mdl, "next", json_string(arena_printf(r->a, "%04d-%02d", ny, nm)));
    json_object_set_new(mdl, "xlsx_url",
                        json_string(arena_printf(r->a, "/quan-ly/danh-gia/%s/chi-so.xlsx?thang=%s",
                                                 u.code, value)));
    if ((rc = comments_put(r, &u, y, m, mdl)) != 0)
        return rc;
    json_object_set_new(mdl, "can_manage",
                        json_boolean(http_authorize(r, "rating.manage", u.code) == 0));
    res->template = "feedback/rating_index";
    res->title = arena_printf(r->a, "Chỉ số hài lòng tháng %s – %s", d.month, u.name);
    return 0;
}

/* A share of t's ratings by via (-1 both) that are "hài lòng", in percent with one decimal, as a
 * number cell; an empty text cell when there are none. */
static struct export_cell index_cell(const struct tally *t, int via)
{
    int64_t all = tcount(t, via, 0);
    if (!all)
        return (struct export_cell){"", 0};
    return (struct export_cell){NULL, round(1000.0 * (double)tcount(t, via, 3) / (double)all) / 10};
}

/* One sheet of the workbook: a row per tally. */
static int xlsx_sheet(struct export_xlsx *x, const char *name, const char *what,
                      const struct tally *t, const char *const *labels, size_t n)
{
    const char *headers[] = {what,
                             "Tổng số lượt",
                             "Qua phiếu biên nhận",
                             "Qua áp phích",
                             "Hài lòng",
                             "Bình thường",
                             "Không hài lòng",
                             "Chỉ số hài lòng (%)",
                             "Chỉ số – phiếu biên nhận (%)",
                             "Chỉ số – áp phích (%)",
                             "Điểm trung bình"};
    const double widths[] = {40, 12, 12, 12, 10, 12, 14, 14, 16, 14, 12};
    int rc = export_xlsx_sheet(x, name, headers, widths, N(headers));
    for (size_t i = 0; rc == 0 && i < n; i++) {
        int64_t all = tcount(&t[i], -1, 0);
        double mean = all ? round(100.0 *
                                  (double)(3 * tcount(&t[i], -1, 3) + 2 * tcount(&t[i], -1, 2) +
                                           tcount(&t[i], -1, 1)) /
                                  (double)all) /
                                100
                          : 0;
        struct export_cell cells[] = {
            {labels[i], 0},
            {NULL, (double)all},
            {NULL, (double)tcount(&t[i], FB_VIA_RECEIPT, 0)},
            {NULL, (double)tcount(&t[i], FB_VIA_POSTER, 0)},
            {NULL, (double)tcount(&t[i], -1, 3)},
            {NULL, (double)tcount(&t[i], -1, 2)},
            {NULL, (double)tcount(&t[i], -1, 1)},
            index_cell(&t[i], -1),
            index_cell(&t[i], FB_VIA_RECEIPT),
            index_cell(&t[i], FB_VIA_POSTER),
            all ? (struct export_cell){NULL, mean} : (struct export_cell){"", 0},
        };
        rc = export_xlsx_row(x, cells, N(cells));
    }
    return rc;
}

/* The month's indices as a workbook at path: per desk, officer, section, and the 12 months. */
static int index_xlsx(struct http_request *r, const struct index_data *d, const char *path)
{
    struct export_xlsx *x;
    char err[256] = "";
    int rc = export_xlsx_new(path, &x);
    if (rc)
        return rc;
    rc = xlsx_sheet(x, "Theo quầy", "Quầy", d->desks, labels_of(r->a, d->desks, d->n_desks, ""),
                    d->n_desks);
    if (rc == 0)
        rc = xlsx_sheet(x, "Theo cán bộ", "Cán bộ", d->officers,
                        labels_of(r->a, d->officers, d->n_officers, ""), d->n_officers);
    if (rc == 0)
        rc = xlsx_sheet(x, "Theo lĩnh vực", "Lĩnh vực", d->sections,
                        labels_of(r->a, d->sections, d->n_sections, "Chưa ghi lĩnh vực"),
                        d->n_sections);
    if (rc == 0)
        rc = xlsx_sheet(x, "Theo tháng", "Tháng", d->months, d->mlabels, MONTHS);
    int rc2 = export_xlsx_close(x, err, sizeof err);
    if (rc2 && err[0])
        log_error("rating xlsx: %s", err);
    return rc ? rc : rc2;
}

/* GET /quan-ly/danh-gia/{code}/chi-so.xlsx?thang=yyyy-mm - rating.view. The page's tables in
 * Excel (libxlsxwriter writes a file: it is made in /tmp, read back, removed). */
static int get_index_xlsx(struct http_request *r, struct http_response *res)
{
    struct unit u;
    int rc = commune_of(r, &u);
    if (rc)
        return rc;
    int y, m;
    if (month_asked(r, &y, &m) != 0)
        return ERR_INVALID;
    struct index_data d;
    if ((rc = index_load(r, &u, y, m, &d)) != 0)
        return rc;
    char path[] = "/tmp/danchu-rating-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return ERR_IO;
    close(fd);
    rc = index_xlsx(r, &d, path);
    FILE *f = rc ? NULL : fopen(path, "rb");
    if (!rc && !f)
        rc = ERR_IO;
    if (f) {
        buf_init(&res->body, r->a);
        char chunk[16384];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
            buf_append(&res->body, chunk, n);
        fclose(f);
        res->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        res->filename = arena_printf(r->a, "chi-so-hai-long-%s-%04d-%02d.xlsx", u.code, y, m);
    }
    unlink(path);
    return rc;
}

/* ---- routes ------------------------------------------------------------------------------- */

#define DESK "/quan-ly/danh-gia/{code}/quay/{id}"

const struct http_route fb_rating_routes[] = {
    {"GET", "/danh-gia/{ma}", page_rate, NULL, NULL, NULL, HTTP_SECRET_URL, NULL, 0, 0},
    {"POST", "/danh-gia/{ma}", post_rate, after_rate, NULL, NULL, HTTP_SECRET_URL, rate_params,
     N(rate_params), 0},
    {"GET", "/danh-gia/{ma}/cam-on", page_thanks, NULL, NULL, NULL, HTTP_SECRET_URL, NULL, 0, 0},
    {"GET", "/quan-ly/danh-gia/{code}", page_desks, NULL, "rating.manage", "code", 0, NULL, 0, 0},
    {"POST", "/quan-ly/danh-gia/{code}", post_desk_add, after_desk_add, "rating.manage", "code", 0,
     desk_params, N(desk_params), 0},
    {"GET", "/quan-ly/danh-gia/{code}/chi-so", page_index, NULL, "rating.view", "code", 0,
     index_params, N(index_params), 0},
    {"GET", "/quan-ly/danh-gia/{code}/chi-so.xlsx", get_index_xlsx, NULL, "rating.view", "code",
     HTTP_RAW, index_params, N(index_params), 0},
    {"GET", DESK, page_desk, NULL, "rating.manage", "code", 0, NULL, 0, 0},
    {"POST", DESK "/can-bo", post_staff, after_desk_change, "rating.manage", "code", 0,
     staff_params, N(staff_params), 0},
    {"POST", DESK "/trang-thai", post_active, after_desk_change, "rating.manage", "code", 0,
     active_params, N(active_params), 0},
    {"POST", DESK "/ap-phich", post_poster, after_poster, "rating.manage", "code", HTTP_RAW,
     poster_params, N(poster_params), 0},
    {"POST", DESK "/bien-nhan", post_receipt, after_receipt, "rating.manage", "code", HTTP_RAW,
     receipt_params, N(receipt_params), 0},
};
const size_t fb_rating_n_routes = N(fb_rating_routes);

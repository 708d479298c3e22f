/*
 * public.c - what residents see and do (dân bàn): the consultations of a commune, a draft
 * section by section with the most agreed comments under each, a section's comments and the
 * form to comment on it, agreeing with a comment instead of repeating it, similar comments
 * suggested while typing (folded search, also without JavaScript), one's stance on the draft as
 * a whole, and the published result: the decision and the response table.
 *
 * Commenting needs a signed-in account: one person, one agreement per comment, one stance per
 * draft, as a commune expects of a public consultation. An agency's internal draft (H) is seen
 * and commented on by its staff only.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "consultation/internal.h"

#define COMMENTS_PER_PAGE 30
#define TOP_PER_SECTION 2
#define SIMILAR_SHOWN 5

/* ---- helpers shared by the pages ---- */

static const char *vn_time(struct arena *a, int64_t t)
{
    time_t tt = (time_t)t + 7 * 3600;
    struct tm tm;
    gmtime_r(&tt, &tm);
    return arena_printf(a, "%02d:%02d %02d/%02d/%04d", tm.tm_hour, tm.tm_min, tm.tm_mday,
                        tm.tm_mon + 1, tm.tm_year + 1900);
}

/* The cells of a table section's body ("a | b | c" lines) as [{cells: [..]}]. */
static json_t *table_rows(const char *body)
{
    json_t *rows = json_array();
    const char *line = body;
    while (line && *line) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        json_t *cells = json_array();
        const char *c = line, *stop = line + n;
        while (c <= stop) {
            const char *bar = c;
            while (bar + 2 < stop && !(bar[0] == ' ' && bar[1] == '|' && bar[2] == ' '))
                bar++;
            if (bar + 2 >= stop)
                bar = stop;
            json_array_append_new(cells, json_stringn(c, (size_t)(bar - c)));
            c = bar + 3;
        }
        json_array_append_new(rows, json_pack("{s:o}", "cells", cells));
        line = end ? end + 1 : NULL;
    }
    return rows;
}

/* A section's heading as shown: "Điều 1. Title", "a) first words", "- first words". */
static const char *heading(struct arena *a, const char *kind, const char *number, const char *title)
{
    const char *word = cs_kind_word(kind);
    if (!strcmp(kind, "khoan"))
        return arena_printf(a, "%s. %s", number, title);
    if (!strcmp(kind, "diem"))
        return arena_printf(a, "%s) %s", number, title);
    if (!strcmp(kind, "item") || !strcmp(kind, "text"))
        return title;
    if (!strcmp(kind, "phan"))
        return arena_printf(a, "%s. %s", number, title);
    if (number[0])
        return arena_printf(a, "%s %s. %s", word, number, title);
    return word[0] ? arena_printf(a, "%s%s%s", word, title[0] ? ": " : "", title) : title;
}

static json_t *section_json(struct http_request *r, const struct rows *t, size_t i)
{
    const char *kind = rows_text(rows_at(t, i, 4)), *number = rows_text(rows_at(t, i, 5)),
               *title = rows_text(rows_at(t, i, 6)), *body = rows_text(rows_at(t, i, 7));
    int64_t depth = rows_at(t, i, 3)->i;
    json_t *s = json_pack(
        "{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:b}", "id", (json_int_t)rows_at(t, i, 0)->i, "ord",
        (json_int_t)rows_at(t, i, 1)->i, "kind", kind, "number", number, "heading",
        heading(r->a, kind, number, title), "body", body, "label", rows_text(rows_at(t, i, 9)),
        "comment_count", (json_int_t)rows_at(t, i, 10)->i, "depth",
        (json_int_t)(depth > 5 ? 5 : depth), "is_heading",
        !strcmp(kind, "dieu") || !strcmp(kind, "chuong") || !strcmp(kind, "muc") ||
            !strcmp(kind, "phan") || !strcmp(kind, "phu_luc"));
    if (!strcmp(kind, "table"))
        json_object_set_new(s, "table", table_rows(body));
    json_object_set_new(s, "has_comments", json_boolean(rows_at(t, i, 10)->i > 0));
    /* A heading's text repeats its title: show the rest only. */
    if ((!strcmp(kind, "item") || !strcmp(kind, "text") || !strcmp(kind, "khoan") ||
         !strcmp(kind, "diem")) &&
        body[0])
        json_object_set_new(s, "heading", json_string(heading(r->a, kind, number, body)));
    return s;
}

/* The commune (or agency) of path capture "code". */
static int unit_arg(struct http_request *r, struct unit *u)
{
    int rc = units_get(r->db, http_arg(r, "code"), u);
    if (rc)
        return rc;
    if (!units_kind_is_commune(u->kind) && strcmp(u->kind, "agency") != 0)
        return ERR_NOT_FOUND;
    return 0;
}

/* ---- GET /gop-y/{code}: the consultations of a commune ---- */

static int page_list(struct http_request *r, struct http_response *res)
{
    struct unit u;
    int rc = unit_arg(r, &u);
    if (rc)
        return rc;
    struct rows *t;
    if ((rc = cs_store_list(r->db, r->a, u.id, 1, &t)) != 0)
        return rc;
    json_t *open = json_array(), *past = json_array();
    for (size_t i = 0; i < t->n_rows; i++) {
        struct cs_item c;
        memset(&c, 0, sizeof c);
        c.id = rows_at(t, i, 0)->i;
        c.topic = (int)rows_at(t, i, 1)->i;
        c.title = rows_text(rows_at(t, i, 3));
        c.status = rows_text(rows_at(t, i, 4));
        date_parse(rows_text(rows_at(t, i, 5)), &c.opens);
        date_parse(rows_text(rows_at(t, i, 6)), &c.closes);
        c.comment_count = rows_at(t, i, 7)->i;
        c.summary = c.owner = c.plan_council_on = c.plan_front_on = "";
        c.decision_note = c.explanation = c.decided_on = c.council_report_on = "";
        json_t *j = cs_item_json(r, &c, NULL);
        json_array_append_new(json_is_true(json_object_get(j, "is_closed")) ? past : open, j);
    }
    res->model = json_pack("{s:o,s:o,s:{s:s,s:s},s:b,s:b}", "open", open, "past", past, "unit",
                           "code", u.code, "name", u.name, "has_open", json_array_size(open) > 0,
                           "has_past", json_array_size(past) > 0);
    res->template = "consultation/list";
    res->title = arena_printf(r->a, "Lấy ý kiến Nhân dân – %s", u.name);
    return 0;
}

/* ---- GET /gop-y/du-thao/{id}: the draft, section by section ---- */

static const struct http_param_spec draft_params[] = {
    {"phien-ban", HP_INT, 0, 1, 1000},
};

/* The stances so far and the account's own. */
static void stance_model(struct http_request *r, const struct cs_item *c, json_t *m)
{
    int mine = 0;
    if (r->user)
        cs_store_stance_of(r->db, r->user->id, c->id, &mine);
    json_t *opts = json_array();
    for (int v = 1; v <= 3; v++)
        json_array_append_new(opts,
                              json_pack("{s:i,s:s,s:b}", "value", v, "label",
                                        cs_view_label((enum cs_view)v), "checked", mine == v));
    json_object_set_new(m, "stance_options", opts);
    if (mine)
        json_object_set_new(m, "my_stance", json_string(cs_view_label((enum cs_view)mine)));
}

static int page_draft(struct http_request *r, struct http_response *res)
{
    struct cs_item c;
    struct unit u;
    int manage, rc = cs_access(r, &c, &u, &manage);
    if (rc)
        return rc;
    int version = (int)http_param_int(r, "phien-ban", c.version);
    if (version > c.version)
        return ERR_NOT_FOUND;
    struct rows *secs, *top;
    if ((rc = cs_store_sections(r->db, r->a, c.id, version, &secs)) != 0 ||
        (rc = cs_store_top_comments(r->db, r->a, c.id, version, TOP_PER_SECTION, &top)) != 0)
        return rc;
    json_t *sections = json_array();
    size_t k = 0;
    for (size_t i = 0; i < secs->n_rows; i++) {
        json_t *s = section_json(r, secs, i);
        int64_t sid = rows_at(secs, i, 0)->i;
        json_t *tops = json_array();
        while (k < top->n_rows && rows_at(top, k, 0)->i < sid)
            k++;
        for (; k < top->n_rows && rows_at(top, k, 0)->i == sid; k++)
            json_array_append_new(tops, json_pack("{s:I,s:s,s:s,s:I}", "id",
                                                  (json_int_t)rows_at(top, k, 1)->i, "body",
                                                  rows_text(rows_at(top, k, 2)), "author",
                                                  rows_text(rows_at(top, k, 3)), "agree",
                                                  (json_int_t)rows_at(top, k, 4)->i));
        json_object_set_new(s, "top", tops);
        json_object_set_new(s, "url",
                            json_string(arena_printf(r->a, "/gop-y/du-thao/%lld/muc/%lld",
                                                     (long long)c.id, (long long)sid)));
        json_array_append_new(sections, s);
    }
    res->model = json_object();
    json_object_set_new(res->model, "c", cs_item_json(r, &c, &u));
    json_object_set_new(res->model, "sections", sections);
    json_object_set_new(res->model, "viewing_version", json_integer(version));
    json_object_set_new(res->model, "old_version", json_boolean(version != c.version));
    json_object_set_new(res->model, "can_manage", json_boolean(manage));
    json_object_set_new(res->model, "has_versions", json_boolean(c.version > 1));
    if (c.version > 1)
        json_object_set_new(
            res->model, "compare_url",
            json_string(arena_printf(r->a, "/gop-y/du-thao/%lld/so-sanh?tu=%d&den=%d",
                                     (long long)c.id, c.version - 1, c.version)));
    stance_model(r, &c, res->model);
    res->template = "consultation/draft";
    res->title = c.title;
    return 0;
}

/* ---- GET /gop-y/du-thao/{id}/muc/{sid}: one section, its comments, the form ---- */

static const struct http_param_spec section_params[] = {
    {"trang", HP_INT, 0, 1, 100000},
    {"xep", HP_TEXT, 0, 0, 10},
    {"q", HP_TEXT, 0, 0, 500},
};

/* Up to max distinct folded words of text of 3 letters or more, skipping the commonest
 * Vietnamese function words, into words. */
static size_t key_words(struct arena *a, const char *text, const char **words, size_t max)
{
    static const char *const stop[] = {
        "cac",  "cua", "cho", "co",   "duoc", "khong", "nay", "nhung", "voi",  "trong",
        "the",  "thi", "la",  "va",   "de",   "nghi",  "can", "nen",   "phai", "mot",
        "nhu",  "khi", "tai", "theo", "ve",   "da",    "se",  "vao",   "ra",   "lai",
        "cung", "rat", "hon", "nhat", "toi",  "chung", "xin", "y",     "kien", "them",
    };
    size_t n = 0;
    char *f = utf8_fold(a, text, strlen(text), NULL);
    if (!f)
        return 0;
    char *save = NULL;
    for (char *w = strtok_r(f, " \t\r\n.,;:!?()\"'-–/", &save); w && n < max;
         w = strtok_r(NULL, " \t\r\n.,;:!?()\"'-–/", &save)) {
        if (strlen(w) < 3 && !(w[0] >= '0' && w[0] <= '9'))
            continue;
        int skip = 0;
        for (size_t i = 0; !skip && i < sizeof stop / sizeof stop[0]; i++)
            skip = strcmp(w, stop[i]) == 0;
        for (size_t i = 0; !skip && i < n; i++)
            skip = strcmp(w, words[i]) == 0;
        if (!skip)
            words[n++] = w;
    }
    return n;
}

/* Comments similar to text in consultation id, as JSON. */
static int similar_json(struct http_request *r, int64_t id, const char *text, json_t **out)
{
    const char *words[8];
    size_t n = key_words(r->a, text, words, cs_similar_max_words());
    *out = json_array();
    if (n == 0)
        return 0;
    struct rows *t;
    int min = n >= 4 ? 2 : 1;
    int rc = cs_store_similar(r->db, r->a, id, words, n, min, SIMILAR_SHOWN, &t);
    if (rc)
        return rc;
    for (size_t i = 0; i < t->n_rows; i++)
        json_array_append_new(
            *out, json_pack("{s:I,s:I,s:s,s:I}", "id", (json_int_t)rows_at(t, i, 0)->i,
                            "section_id", (json_int_t)rows_at(t, i, 1)->i, "body",
                            rows_text(rows_at(t, i, 2)), "agree", (json_int_t)rows_at(t, i, 3)->i));
    return 0;
}

/* Fills the section page's model (also after a refused comment). */
static int section_page(struct http_request *r, struct http_response *res, const struct cs_item *c,
                        const struct unit *u, int64_t sid, const char *typed)
{
    json_t *sec = NULL;
    int rc;
    if (sid) {
        if ((rc = cs_store_section(r->db, r->a, c->id, sid, &sec)) != 0)
            return rc;
    } else {
        sec = json_pack("{s:I,s:s,s:s,s:s,s:I}", "id", (json_int_t)0, "label", "Toàn bộ dự thảo",
                        "body", "", "kind", "text", "comment_count", (json_int_t)0);
    }
    const char *kind = json_string_value(json_object_get(sec, "kind"));
    const char *number = json_string_value(json_object_get(sec, "number"));
    const char *title = json_string_value(json_object_get(sec, "title"));
    if (kind && number && title)
        json_object_set_new(sec, "heading", json_string(heading(r->a, kind, number, title)));
    if (kind && !strcmp(kind, "table"))
        json_object_set_new(sec, "table",
                            table_rows(json_string_value(json_object_get(sec, "body"))));
    int page = (int)http_param_int(r, "trang", 1);
    const char *xep = http_param(r, "xep");
    int by_agree = !(xep && !strcmp(xep, "moi"));
    struct rows *t;
    int64_t total;
    if ((rc = cs_store_comments(r->db, r->a, c->id, sid ? sid : -1, by_agree, 0, COMMENTS_PER_PAGE,
                                (page - 1) * COMMENTS_PER_PAGE, &t, &total)) != 0) {
        json_decref(sec);
        return rc;
    }
    size_t src = rows_add_col(t, "source_label"), when = rows_add_col(t, "when"),
           mine = rows_add_col(t, "offline");
    for (size_t i = 0; i < t->n_rows; i++) {
        const char *s = rows_text(rows_at(t, i, 3));
        rows_set_text(rows_at(t, i, src), cs_source_label(s) ? cs_source_label(s) : s);
        rows_set_text(rows_at(t, i, when), vn_time(r->a, rows_at(t, i, 10)->i));
        rows_set_bool(rows_at(t, i, mine), strcmp(s, "online") != 0);
    }
    if (!res->model)
        res->model = json_object();
    json_object_set_new(res->model, "c", cs_item_json(r, c, u));
    json_object_set_new(res->model, "section", sec);
    http_model_rows(res, "comments", t);
    json_object_set_new(res->model, "total", json_integer(total));
    int pages = (int)((total + COMMENTS_PER_PAGE - 1) / COMMENTS_PER_PAGE);
    json_object_set_new(res->model, "page", json_integer(page));
    json_object_set_new(res->model, "pages", json_integer(pages ? pages : 1));
    if (page > 1)
        json_object_set_new(res->model, "prev_page", json_integer(page - 1));
    if (page < pages)
        json_object_set_new(res->model, "next_page", json_integer(page + 1));
    json_object_set_new(res->model, "by_agree", json_boolean(by_agree));
    json_object_set_new(res->model, "section_url",
                        json_string(arena_printf(r->a, "/gop-y/du-thao/%lld/muc/%lld",
                                                 (long long)c->id, (long long)sid)));
    int open = cs_phase_now(c) == CS_PHASE_OPEN && !strcmp(c->status, "open");
    json_object_set_new(res->model, "can_comment", json_boolean(open && r->user));
    json_object_set_new(res->model, "sign_in_to_comment", json_boolean(open && !r->user));
    /* What was typed, the similar comments it brings up, and the form's one-time key. */
    json_t *form = json_object_get(res->model, "form");
    if (!form) {
        form = json_object();
        json_object_set_new(res->model, "form", form);
    }
    if (!json_object_get(form, "noi_dung"))
        json_object_set_new(form, "noi_dung", json_string(typed ? typed : ""));
    if (!json_object_get(form, "ma_gui")) {
        unsigned char raw[16];
        char hex[33];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
        json_object_set_new(form, "ma_gui", json_string(hex));
    }
    if (typed && typed[0]) {
        json_t *sim;
        if ((rc = similar_json(r, c->id, typed, &sim)) != 0)
            return rc;
        json_object_set_new(res->model, "has_similar", json_boolean(json_array_size(sim) > 0));
        json_object_set_new(res->model, "similar", sim);
        json_object_set_new(res->model, "searched", json_true());
    }
    res->template = "consultation/section";
    res->title =
        arena_printf(r->a, "%s – %s", json_string_value(json_object_get(sec, "label")), c->title);
    return 0;
}

static int64_t sid_arg(struct http_request *r)
{
    int64_t sid;
    if (parse_int64(str_c(http_arg(r, "sid")), 0, INT64_MAX, &sid) != 0)
        return -1;
    return sid;
}

static int page_section(struct http_request *r, struct http_response *res)
{
    struct cs_item c;
    struct unit u;
    int rc = cs_access(r, &c, &u, NULL);
    if (rc)
        return rc;
    int64_t sid = sid_arg(r);
    if (sid < 0)
        return ERR_NOT_FOUND;
    return section_page(r, res, &c, &u, sid, http_param(r, "q"));
}

/* ---- GET /gop-y/du-thao/{id}/goi-y?q=: similar comments while typing ---- */

static const struct http_param_spec similar_params[] = {
    {"q", HP_TEXT, 0, 0, 500},
};

static int page_similar(struct http_request *r, struct http_response *res)
{
    struct cs_item c;
    struct unit u;
    int rc = cs_access(r, &c, &u, NULL);
    if (rc)
        return rc;
    const char *q = http_param(r, "q");
    json_t *sim;
    if ((rc = similar_json(r, c.id, q ? q : "", &sim)) != 0)
        return rc;
    res->model = json_pack("{s:o,s:I,s:b}", "similar", sim, "id", (json_int_t)c.id, "has_similar",
                           json_array_size(sim) > 0);
    res->template = "consultation/similar";
    res->title = "Ý kiến tương tự";
    return 0;
}

/* ---- POST /gop-y/du-thao/{id}/y-kien: a comment ---- */

static const struct http_param_spec comment_params[] = {
    {"muc", HP_INT, 0, 0, INT64_MAX},
    {"noi_dung", HP_LINES, 0, 0, CS_MAX_COMMENT},
    {"ma_gui", HP_TEXT, 0, 0, 64},
};

struct comment_job {
    struct cs_comment_in in;
    int64_t sid;
};

static int run_comment(struct db *db, void *arg)
{
    struct comment_job *j = arg;
    return cs_store_comment_add(db, &j->in);
}

static int after_comment(struct http_request *r, struct http_response *res, int rc)
{
    struct comment_job *j = r->state;
    if (rc)
        return rc;
    res->redirect = arena_printf(r->a, "/gop-y/du-thao/%lld/muc/%lld?xep=moi#y-kien",
                                 (long long)j->in.consultation_id, (long long)j->sid);
    res->flash = "Đã ghi nhận ý kiến của bạn. Cảm ơn bạn đã tham gia góp ý.";
    return 0;
}

/* Why a resident may not act on c now, or NULL. */
static const char *closed_reason(const struct cs_item *c)
{
    if (strcmp(c->status, "open") != 0)
        return strcmp(c->status, "draft") == 0 ? "Dự thảo này chưa mở lấy ý kiến."
                                               : "Việc lấy ý kiến đã kết thúc.";
    enum cs_phase p = cs_phase_now(c);
    if (p == CS_PHASE_NOT_YET)
        return "Chưa đến thời gian lấy ý kiến.";
    if (p == CS_PHASE_CLOSED)
        return "Đã hết thời hạn góp ý (24 giờ ngày cuối cùng).";
    return NULL;
}

static int post_comment(struct http_request *r, struct http_response *res)
{
    struct cs_item c;
    struct unit u;
    int rc = cs_access(r, &c, &u, NULL);
    if (rc)
        return rc;
    struct comment_job *j = arena_zalloc(r->a, sizeof *j);
    j->sid = http_param_int(r, "muc", 0);
    const char *body = http_param(r, "noi_dung");
    const char *trimmed = str_dup(r->a, str_trim(str_c(body ? body : "")));
    const char *why = closed_reason(&c);
    if (!why && j->sid) {
        json_t *sec;
        if (cs_store_section(r->db, r->a, c.id, j->sid, &sec) != 0)
            return ERR_NOT_FOUND;
        json_int_t v = json_integer_value(json_object_get(sec, "version"));
        json_decref(sec);
        if (v != c.version)
            why = "Mục này thuộc phiên bản cũ của dự thảo; vui lòng góp ý trên phiên bản hiện "
                  "hành.";
    }
    if (why || utf8_length(trimmed, strlen(trimmed)) < 5) {
        res->model = json_object();
        json_object_set_new(res->model, "form",
                            json_pack("{s:s,s:s}", "noi_dung", body ? body : "", "ma_gui",
                                      http_param(r, "ma_gui") ? http_param(r, "ma_gui") : ""));
        http_form_error(res, why ? "form" : "noi_dung",
                        why ? why : "Vui lòng viết ý kiến của bạn (ít nhất 5 ký tự).");
        return section_page(r, res, &c, &u, j->sid, NULL);
    }
    r->state = j;
    j->in.actor = r->user->id;
    j->in.online = 1;
    j->in.consultation_id = c.id;
    j->in.section_id = j->sid;
    j->in.version = c.version;
    j->in.body = trimmed;
    j->in.source = c.internal ? "staff" : "online";
    j->in.author_name = r->user->display_name;
    j->in.submit_key = http_param(r, "ma_gui");
    j->in.unit_id = u.id;
    http_defer_write(r, run_comment, j);
    return HTTP_DEFERRED;
}

/* ---- POST /gop-y/y-kien/{cid}/dong-tinh: agree with a comment ---- */

struct agree_job {
    int64_t actor, cid, consultation_id, unit_id;
};

static int run_agree(struct db *db, void *arg)
{
    struct agree_job *j = arg;
    int64_t cons;
    int rc = cs_store_agree(db, j->actor, j->unit_id, j->cid, &cons);
    if (rc == 0 && cons != j->consultation_id)
        rc = ERR_NOT_FOUND;
    return rc;
}

static int after_agree(struct http_request *r, struct http_response *res, int rc)
{
    struct agree_job *j = r->state;
    if (rc && rc != ERR_CONFLICT && rc != ERR_FORBIDDEN)
        return rc;
    res->redirect = arena_printf(r->a, "/gop-y/du-thao/%lld#y-kien-%lld",
                                 (long long)j->consultation_id, (long long)j->cid);
    res->flash = rc == ERR_CONFLICT ? "Bạn đã đồng tình với ý kiến này trước đây."
                 : rc == ERR_FORBIDDEN ? "Đây là ý kiến của chính bạn."
                                       : "Đã ghi nhận bạn đồng tình với ý kiến này.";
    return 0;
}

static const struct http_param_spec agree_params[] = {
    {"du_thao", HP_INT, 1, 1, INT64_MAX},
};

static int post_agree(struct http_request *r, struct http_response *res)
{
    struct agree_job *j = arena_zalloc(r->a, sizeof *j);
    if (parse_int64(str_c(http_arg(r, "cid")), 1, INT64_MAX, &j->cid) != 0)
        return ERR_NOT_FOUND;
    j->consultation_id = http_param_int(r, "du_thao", 0);
    struct cs_item c;
    struct unit u;
    int rc = cs_store_get(r->db, r->a, j->consultation_id, &c);
    if (rc || (rc = units_get_id(r->db, c.unit_id, &u)) != 0)
        return rc ? rc : ERR_NOT_FOUND;
    if (c.internal && http_authorize(r, "consultation.staff", u.code) != 0)
        return ERR_NOT_FOUND;
    const char *why = closed_reason(&c);
    if (why) {
        res->redirect = arena_printf(r->a, "/gop-y/du-thao/%lld", (long long)c.id);
        res->flash = why;
        return 0;
    }
    j->actor = r->user->id;
    j->unit_id = u.id;
    r->state = j;
    http_defer_write(r, run_agree, j);
    return HTTP_DEFERRED;
}

/* ---- POST /gop-y/du-thao/{id}/quan-diem: one's stance on the draft as a whole ---- */

static const struct http_param_spec stance_params[] = {
    {"quan_diem", HP_INT, 1, 1, 3},
};

struct stance_job {
    int64_t actor, id, unit_id;
    int stance;
};

static int run_stance(struct db *db, void *arg)
{
    struct stance_job *j = arg;
    return cs_store_stance(db, j->actor, j->id, j->unit_id, j->stance);
}

static int after_stance(struct http_request *r, struct http_response *res, int rc)
{
    struct stance_job *j = r->state;
    if (rc)
        return rc;
    res->redirect = arena_printf(r->a, "/gop-y/du-thao/%lld#quan-diem", (long long)j->id);
    res->flash = "Đã ghi nhận ý kiến chung của bạn về dự thảo.";
    return 0;
}

static int post_stance(struct http_request *r, struct http_response *res)
{
    struct cs_item c;
    struct unit u;
    int rc = cs_access(r, &c, &u, NULL);
    if (rc)
        return rc;
    const char *why = closed_reason(&c);
    if (why) {
        res->redirect = arena_printf(r->a, "/gop-y/du-thao/%lld", (long long)c.id);
        res->flash = why;
        return 0;
    }
    struct stance_job *j = arena_zalloc(r->a, sizeof *j);
    *j = (struct stance_job){r->user->id, c.id, u.id, (int)http_param_int(r, "quan_diem", 0)};
    r->state = j;
    http_defer_write(r, run_stance, j);
    return HTTP_DEFERRED;
}

/* ---- GET /gop-y/du-thao/{id}/ket-qua: the published result ---- */

static int result_model(struct http_request *r, const struct cs_item *c, const struct unit *u,
                        struct http_response *res)
{
    json_t *m = res->model;
    int64_t agree, disagree, other;
    int rc = cs_store_stances(r->db, c->id, &agree, &disagree, &other);
    if (rc)
        return rc;
    enum cs_view maj = cs_majority(cs_rules_for(cs_env(r), c), agree, disagree, other);
    int64_t total = agree + disagree + other;
    json_object_set_new(
        m, "stances",
        json_pack("{s:I,s:I,s:I,s:I,s:s,s:s,s:s,s:s,s:b}", "agree", (json_int_t)agree, "disagree",
                  (json_int_t)disagree, "other", (json_int_t)other, "total", (json_int_t)total,
                  "agree_pct",
                  total ? arena_printf(r->a, "%.1f%%", 100.0 * (double)agree / (double)total) : "–",
                  "disagree_pct",
                  total ? arena_printf(r->a, "%.1f%%", 100.0 * (double)disagree / (double)total)
                        : "–",
                  "other_pct",
                  total ? arena_printf(r->a, "%.1f%%", 100.0 * (double)other / (double)total) : "–",
                  "majority", cs_view_label(maj), "departs", cs_departs(maj, c->decision)));
    struct rows *groups;
    if ((rc = cs_store_groups(r->db, r->a, c->id, &groups)) != 0)
        return rc;
    size_t ol = rows_add_col(groups, "outcome_label"), acc = rows_add_col(groups, "accepted");
    for (size_t i = 0; i < groups->n_rows; i++) {
        int a = !strcmp(rows_text(rows_at(groups, i, 5)), "accepted");
        rows_set_text(rows_at(groups, i, ol), a ? "Tiếp thu" : "Giải trình");
        rows_set_bool(rows_at(groups, i, acc), a);
        if (!rows_text(rows_at(groups, i, 2))[0])
            rows_set_text(rows_at(groups, i, 2), "Toàn bộ dự thảo");
    }
    http_model_rows(res, "groups", groups);
    json_object_set_new(m, "has_groups", json_boolean(groups->n_rows > 0));
    json_object_set_new(m, "c", cs_item_json(r, c, u));
    json_object_set_new(m, "docx_url",
                        json_string(arena_printf(r->a, "/gop-y/du-thao/%lld/bang-tong-hop.docx",
                                                 (long long)c->id)));
    json_object_set_new(
        m, "pdf_url",
        json_string(arena_printf(r->a, "/gop-y/du-thao/%lld/bang-tong-hop.pdf", (long long)c->id)));
    return 0;
}

static int page_result(struct http_request *r, struct http_response *res)
{
    struct cs_item c;
    struct unit u;
    int manage, rc = cs_access(r, &c, &u, &manage);
    if (rc)
        return rc;
    if (strcmp(c.status, "published") != 0 && !manage)
        return ERR_NOT_FOUND;
    res->model = json_object();
    if ((rc = result_model(r, &c, &u, res)) != 0)
        return rc;
    json_object_set_new(res->model, "preview", json_boolean(strcmp(c.status, "published") != 0));
    res->template = "consultation/result";
    res->title = arena_printf(r->a, "Kết quả lấy ý kiến – %s", c.title);
    return 0;
}

#define N(x) (sizeof(x) / sizeof((x)[0]))

const struct http_route cs_public_routes[] = {
    {"GET", "/gop-y/{code}", page_list, NULL, NULL, NULL, HTTP_CACHE, NULL, 0, 0},
    {"GET", "/gop-y/du-thao/{id}", page_draft, NULL, NULL, NULL, 0, draft_params, N(draft_params),
     0},
    {"GET", "/gop-y/du-thao/{id}/muc/{sid}", page_section, NULL, NULL, NULL, 0, section_params,
     N(section_params), 0},
    {"GET", "/gop-y/du-thao/{id}/goi-y", page_similar, NULL, NULL, NULL, 0, similar_params,
     N(similar_params), 0},
    {"POST", "/gop-y/du-thao/{id}/y-kien", post_comment, after_comment, NULL, NULL, HTTP_LOGIN,
     comment_params, N(comment_params), 0},
    {"POST", "/gop-y/y-kien/{cid}/dong-tinh", post_agree, after_agree, NULL, NULL, HTTP_LOGIN,
     agree_params, N(agree_params), 0},
    {"POST", "/gop-y/du-thao/{id}/quan-diem", post_stance, after_stance, NULL, NULL, HTTP_LOGIN,
     stance_params, N(stance_params), 0},
    {"GET", "/gop-y/du-thao/{id}/ket-qua", page_result, NULL, NULL, NULL, 0, NULL, 0, 0},
};
const size_t cs_public_n_routes = N(cs_public_routes);

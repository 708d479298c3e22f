/*
 * public.c - the public side of disclosure (dân biết): the commune's portal,
 * lists by category and by village, the item page with its versions and
 * attachments, search, Atom feeds, the printed notice and the quarterly list.
 *
 * Every page here is public and cached for anonymous visitors. An item is
 * public when it is published (or withdrawn: its page stays, marked), its
 * time has come and it is not a state secret; officials holding
 * disclosure.view on the commune also see drafts (and, with
 * disclosure.secret, secret items) with a banner saying so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "disclosure/internal.h"

#define PER_PAGE 20
#define FEED_ITEMS 30
#define SEARCH_RESULTS 20 /* a phone screenful or two; newest first */

struct disclosure_env *dc_env(struct http_request *r)
{
    return http_route_ctx(r);
}

void dc_flag_lists(json_t *model)
{
    static const char *const lists[][2] = {{"items", "has_items"},
                                           {"villages", "has_villages"},
                                           {"files", "has_files"},
                                           {"results", "has_results"},
                                           {"postings", "has_postings"}};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        json_t *v = json_object_get(model, lists[i][0]);
        if (json_is_array(v))
            json_object_set_new(model, lists[i][1], json_boolean(json_array_size(v) > 0));
    }
}

int64_t dc_now(void)
{
    return (int64_t)time(NULL);
}

int dc_is_commune(const struct unit *u)
{
    return units_kind_is_commune(u->kind);
}

json_t *dc_unit_json(const struct unit *u)
{
    return json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)u->id, "code", u->code, "name", u->name,
                     "kind_label", units_kind_label(u->kind));
}

int dc_commune_arg(struct http_request *r, const char *arg, struct unit *u)
{
    return units_get_commune(r->db, http_arg(r, arg), u);
}

/* "ck03" or "CK03" in a path → 3; 0 when not a category. */
static int category_arg(const char *s)
{
    if (!s || strlen(s) != 4 || (s[0] != 'c' && s[0] != 'C') || (s[1] != 'k' && s[1] != 'K'))
        return 0;
    char up[5] = {'C', 'K', s[2], s[3], 0};
    return dc_category_parse(up);
}

/* Adds url, category code and label, dates in dd/mm/yyyy to each public row. */
void dc_decorate_rows(struct arena *a, json_t *rows)
{
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        int64_t id = json_integer_value(json_object_get(row, "id"));
        int cat = (int)json_integer_value(json_object_get(row, "category"));
        char code[8];
        snprintf(code, sizeof code, "CK%02d", cat);
        json_object_set_new(row, "url",
                            json_string(arena_printf(a, "/thong-tin/%lld", (long long)id)));
        json_object_set_new(row, "category_code", json_string(code));
        json_object_set_new(row, "category_slug", json_string(arena_printf(a, "ck%02d", cat)));
        json_object_set_new(row, "category_label", json_string(dc_category_label(cat)));
        int64_t pub = json_integer_value(json_object_get(row, "published_at"));
        if (pub)
            json_object_set_new(row, "date", json_string(dc_vn_date_text(a, pub)));
        struct date d;
        const char *dec = json_string_value(json_object_get(row, "decision_date"));
        if (dec && date_parse(dec, &d) == 0) {
            char t[11];
            date_format_vn(d, t);
            json_object_set_new(row, "decision", json_string(t));
        }
        const char *st = json_string_value(json_object_get(row, "status"));
        json_object_set_new(row, "withdrawn", json_boolean(st && strcmp(st, "withdrawn") == 0));
        json_t *v = json_object_get(row, "version");
        json_object_set_new(row, "corrected", json_boolean(json_integer_value(v) > 1));
        /* "" is truthy in Mustache: drop empty optional fields so {{#x}} skips them. */
        static const char *const optional[] = {"village", "village_code", "doc_number"};
        for (size_t k = 0; k < sizeof optional / sizeof optional[0]; k++) {
            const char *t = json_string_value(json_object_get(row, optional[k]));
            if (t && !t[0])
                json_object_del(row, optional[k]);
        }
    }
}

/* The fourteen categories with their public counts and links. */
static json_t *categories_json(struct arena *a, const char *unit_code, json_t *counts, int current)
{
    json_t *out = json_array();
    for (int c = 1; c <= DC_N_CATEGORIES; c++) {
        json_int_t n = 0;
        size_t i;
        json_t *row;
        json_array_foreach(counts, i, row)
        {
            if (json_integer_value(json_object_get(row, "category")) == c)
                n = json_integer_value(json_object_get(row, "n"));
        }
        json_array_append_new(
            out, json_pack("{s:s,s:s,s:I,s:s,s:b}", "code", arena_printf(a, "CK%02d", c), "label",
                           dc_category_label(c), "n", n, "url",
                           arena_printf(a, "/cong-khai/%s/linh-vuc/ck%02d", unit_code, c),
                           "current", c == current));
    }
    return out;
}

static void pager(json_t *model, int page, int64_t total, int per_page)
{
    int pages = (int)((total + per_page - 1) / per_page);
    if (pages < 1)
        pages = 1;
    json_object_set_new(model, "page", json_integer(page));
    json_object_set_new(model, "pages", json_integer(pages));
    json_object_set_new(model, "total", json_integer(total));
    if (page > 1)
        json_object_set_new(model, "prev_page", json_integer(page - 1));
    if (page < pages)
        json_object_set_new(model, "next_page", json_integer(page + 1));
}

/* A list page: the commune's items, of one category or one village, or all of them. */
static int list_page(struct http_request *r, struct http_response *res, int category,
                     const struct unit *village)
{
    struct unit u;
    int rc = dc_commune_arg(r, "code", &u);
    if (rc)
        return rc;
    int page = (int)http_param_int(r, "trang", 1);
    int64_t now = dc_now(), total = 0;
    json_t *rows, *counts, *villages;
    rc = dc_store_public_json(r->db, u.id, category, village ? village->id : 0, now, PER_PAGE,
                              (page - 1) * PER_PAGE, &rows, &total);
    if (rc)
        return rc;
    res->model = json_object();
    dc_decorate_rows(r->a, rows);
    json_object_set_new(res->model, "items", rows);
    json_object_set_new(res->model, "unit", dc_unit_json(&u));
    if ((rc = dc_store_public_counts(r->db, u.id, now, &counts)) != 0)
        return rc;
    json_object_set_new(res->model, "categories", categories_json(r->a, u.code, counts, category));
    json_decref(counts);
    if ((rc = units_children_json(r->db, u.id, &villages)) != 0)
        return rc;
    json_object_set_new(res->model, "villages", villages);
    pager(res->model, page, total, PER_PAGE);
    const char *base = arena_printf(r->a, "/cong-khai/%s", u.code);
    if (category) {
        json_object_set_new(res->model, "category",
                            json_pack("{s:s,s:s}", "code", arena_printf(r->a, "CK%02d", category),
                                      "label", dc_category_label(category)));
        base = arena_printf(r->a, "/cong-khai/%s/linh-vuc/ck%02d", u.code, category);
        json_object_set_new(res->model, "feed",
                            json_string(arena_printf(r->a, "%s/atom.xml", base)));
        res->title = arena_printf(r->a, "%s – %s", dc_category_label(category), u.name);
    } else if (village) {
        json_object_set_new(res->model, "village",
                            json_pack("{s:s,s:s}", "code", village->code, "name", village->name));
        base = arena_printf(r->a, "/cong-khai/%s/thon/%s", u.code, village->code);
        json_object_set_new(res->model, "feed",
                            json_string(arena_printf(r->a, "/cong-khai/%s/atom.xml", u.code)));
        res->title = arena_printf(r->a, "Công khai – %s – %s", village->name, u.name);
    } else {
        json_object_set_new(res->model, "feed",
                            json_string(arena_printf(r->a, "%s/atom.xml", base)));
        json_object_set_new(res->model, "is_home", json_true());
        res->title = arena_printf(r->a, "Công khai thông tin – %s", u.name);
    }
    json_object_set_new(res->model, "list_url", json_string(base));
    struct date today = dc_vn_date(now);
    int q = (today.m - 1) / 3 + 1;
    json_object_set_new(
        res->model, "quarter_url",
        json_string(arena_printf(r->a, "/cong-khai/%s/danh-muc-quy/%d-%d", u.code, today.y, q)));
    dc_flag_lists(res->model);
    res->template = "disclosure/list";
    return 0;
}

static const struct http_param_spec list_params[] = {
    {"trang", HP_INT, 0, 1, 100000},
};

/* GET /cong-khai/{code}?trang= - public, cached. The commune's latest disclosed items. */
static int page_portal(struct http_request *r, struct http_response *res)
{
    return list_page(r, res, 0, NULL);
}

/* GET /cong-khai/{code}/linh-vuc/{ck}?trang= - public, cached. One category (ck01..ck14). */
static int page_category(struct http_request *r, struct http_response *res)
{
    int c = category_arg(http_arg(r, "ck"));
    return c ? list_page(r, res, c, NULL) : ERR_NOT_FOUND;
}

/* GET /cong-khai/{code}/thon/{village}?trang= - public, cached. Items about one village. */
static int page_village(struct http_request *r, struct http_response *res)
{
    struct unit v;
    int rc = units_get(r->db, http_arg(r, "village"), &v);
    if (rc)
        return rc;
    struct unit u;
    if ((rc = dc_commune_arg(r, "code", &u)) != 0)
        return rc;
    if (v.parent_id != u.id)
        return ERR_NOT_FOUND;
    return list_page(r, res, 0, &v);
}

int dc_item_access(struct http_request *r, int64_t id, struct dc_item *it, struct unit *commune,
                   int *is_public)
{
    int rc = dc_store_get(r->db, r->a, id, it);
    if (rc)
        return rc;
    if ((rc = units_get_id(r->db, it->unit_id, commune)) != 0)
        return rc;
    *is_public = !it->secret && strcmp(it->status, "draft") != 0 && it->published_at > 0 &&
                 it->published_at <= dc_now();
    if (*is_public)
        return 0;
    /* Not public: only officials of the commune, and for a secret item only those cleared. */
    if (!r->user || http_authorize(r, "disclosure.view", commune->code) != 0 ||
        (it->secret && http_authorize(r, "disclosure.secret", commune->code) != 0))
        return ERR_NOT_FOUND;
    return 0;
}

int64_t dc_id_arg(struct http_request *r, const char *name)
{
    int64_t id;
    if (parse_int64(str_c(http_arg(r, name)), 1, INT64_MAX, &id) != 0)
        return 0;
    return id;
}

json_t *dc_item_json(struct http_request *r, const struct dc_item *it, const struct unit *commune)
{
    char dec[11];
    date_format_vn(it->decision, dec);
    json_t *j = json_pack("{s:I,s:s,s:s,s:s,s:s,s:i,s:s,s:s,s:s,s:i,s:b,s:s}", "id",
                          (json_int_t)it->id, "title", it->title, "body_html", it->body_html,
                          "doc_number", it->doc_number, "decision", dec, "category", it->category,
                          "category_code", arena_printf(r->a, "CK%02d", it->category),
                          "category_slug", arena_printf(r->a, "ck%02d", it->category),
                          "category_label", dc_category_label(it->category), "version", it->version,
                          "secret", it->secret, "status", it->status);
    json_object_set_new(j, "url",
                        json_string(arena_printf(r->a, "/thong-tin/%lld", (long long)it->id)));
    if (!it->doc_number[0])
        json_object_del(j, "doc_number"); /* "" is truthy in Mustache */
    json_object_set_new(j, "is_draft", json_boolean(strcmp(it->status, "draft") == 0));
    json_object_set_new(j, "withdrawn", json_boolean(strcmp(it->status, "withdrawn") == 0));
    json_object_set_new(j, "withdraw_reason", json_string(it->withdraw_reason));
    json_object_set_new(j, "corrected", json_boolean(it->version > 1));
    if (it->published_at) {
        json_object_set_new(j, "date", json_string(dc_vn_date_text(r->a, it->published_at)));
        json_object_set_new(j, "scheduled", json_boolean(it->published_at > dc_now()));
    }
    if (it->withdrawn_at)
        json_object_set_new(j, "withdrawn_date",
                            json_string(dc_vn_date_text(r->a, it->withdrawn_at)));
    json_object_set_new(j, "unit", dc_unit_json(commune));
    if (it->village_id) {
        struct unit v;
        if (units_get_id(r->db, it->village_id, &v) == 0)
            json_object_set_new(j, "village",
                                json_pack("{s:s,s:s}", "code", v.code, "name", v.name));
    }
    return j;
}

static const struct http_param_spec item_params[] = {
    {"phien-ban", HP_INT, 0, 1, 10000},
};

/* GET /thong-tin/{id}?phien-ban= - public (cached) when the item is; else officials only.
 * The item, its attachments and its versions; an earlier version when asked. */
static int page_item(struct http_request *r, struct http_response *res)
{
    struct dc_item it;
    struct unit u;
    int is_public;
    int rc = dc_item_access(r, dc_id_arg(r, "id"), &it, &u, &is_public);
    if (rc)
        return rc;
    res->model = json_object();
    json_t *item = dc_item_json(r, &it, &u);
    json_object_set_new(res->model, "item", item);
    json_object_set_new(res->model, "not_public", json_boolean(!is_public));
    int64_t want = http_param_int(r, "phien-ban", 0);
    if (want && want != it.version) {
        json_t *old;
        if ((rc = dc_store_version_get(r->db, it.id, (int)want, &old)) != 0)
            return rc;
        json_object_set_new(old, "date",
                            json_string(dc_vn_date_text(
                                r->a, json_integer_value(json_object_get(old, "created_at")))));
        json_object_set_new(res->model, "old_version", old);
    }
    json_t *files, *versions;
    if ((rc = dc_store_files_json(r->db, it.id, "attachment", &files)) != 0)
        return rc;
    size_t i;
    json_t *f;
    json_array_foreach(files, i, f)
    {
        json_int_t fid = json_integer_value(json_object_get(f, "id"));
        json_int_t size = json_integer_value(json_object_get(f, "size"));
        json_object_set_new(f, "url",
                            json_string(arena_printf(r->a, "/thong-tin/%lld/tep/%lld",
                                                     (long long)it.id, (long long)fid)));
        json_object_set_new(
            f, "size_text",
            json_string(size >= 1024 * 1024
                            ? arena_printf(r->a, "%.1f MB", size / 1048576.0)
                            : arena_printf(r->a, "%lld KB", (long long)((size + 1023) / 1024))));
    }
    json_object_set_new(res->model, "files", files);
    if ((rc = dc_store_versions_json(r->db, it.id, &versions)) != 0)
        return rc;
    json_t *v;
    json_array_foreach(versions, i, v)
    {
        json_int_t n = json_integer_value(json_object_get(v, "version"));
        json_object_set_new(v, "date",
                            json_string(dc_vn_date_text(
                                r->a, json_integer_value(json_object_get(v, "created_at")))));
        json_object_set_new(v, "url",
                            json_string(arena_printf(r->a, "/thong-tin/%lld?phien-ban=%lld",
                                                     (long long)it.id, (long long)n)));
        json_object_set_new(v, "current", json_boolean(n == it.version));
        const char *reason = json_string_value(json_object_get(v, "reason"));
        if (reason && !reason[0])
            json_object_del(v, "reason");
    }
    json_object_set_new(res->model, "versions", versions);
    json_object_set_new(res->model, "has_versions", json_boolean(json_array_size(versions) > 1));
    json_object_set_new(
        res->model, "notice_url",
        json_string(arena_printf(r->a, "/thong-tin/%lld/thong-bao.pdf", (long long)it.id)));
    json_object_set_new(res->model, "can_manage",
                        json_boolean(r->user && http_authorize(r, "disclosure.view", u.code) == 0));
    dc_flag_lists(res->model);
    res->template = "disclosure/item";
    res->title = arena_strdup(r->a, it.title);
    return 0;
}

/* GET /thong-tin/{id}/tep/{fid} - as the item page. The attachment's bytes. */
static int get_file(struct http_request *r, struct http_response *res)
{
    struct dc_item it;
    struct unit u;
    int is_public;
    int rc = dc_item_access(r, dc_id_arg(r, "id"), &it, &u, &is_public);
    if (rc)
        return rc;
    const char *name, *mime;
    const void *data;
    size_t len;
    if ((rc = dc_store_file_get(r->db, r->a, it.id, dc_id_arg(r, "fid"), &name, &mime, &data,
                                &len)) != 0)
        return rc;
    buf_init(&res->body, r->a);
    buf_append(&res->body, data, len);
    res->content_type = mime;
    res->filename = name;
    return 0;
}

/* Collects PDF bytes into a buf. */
static int pdf_to_buf(void *ctx, const unsigned char *data, size_t len)
{
    buf_append(ctx, data, len);
    return 0;
}

/* GET /thong-tin/{id}/thong-bao.pdf - as the item page. The A4 notice for the notice board,
 * Decree 30 layout, with a QR code to the item's page. */
static int get_notice(struct http_request *r, struct http_response *res)
{
    struct dc_item it;
    struct unit u, province;
    int is_public;
    int rc = dc_item_access(r, dc_id_arg(r, "id"), &it, &u, &is_public);
    if (rc)
        return rc;
    char *text = NULL;
    if (view_markdown_text(r->a, it.body_md, strlen(it.body_md), &text) != 0)
        text = "";
    struct disclosure_env *env = dc_env(r);
    struct export_notice n = {0};
    n.head.parent_body = "";
    if (u.parent_id && units_get_id(r->db, u.parent_id, &province) == 0)
        n.head.parent_body = arena_printf(r->a, "UBND %s", province.name);
    n.head.issuer = arena_printf(r->a, "UBND %s", u.name);
    n.head.number = it.doc_number;
    n.head.place = u.name;
    n.head.date = it.published_at ? dc_vn_date(it.published_at) : dc_vn_date(dc_now());
    n.head.doc_type = "THÔNG BÁO";
    n.head.summary = arena_printf(r->a, "Công khai: %s", it.title);
    n.body = text;
    n.signer_role = it.signer_title[0] ? it.signer_title : "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH";
    n.signer_name = it.signer_name;
    n.recipients = "- Niêm yết tại trụ sở UBND và nhà văn hóa các thôn, tổ dân phố;\n"
                   "- Cổng thông tin điện tử;\n- Lưu: VT.";
    n.qr_url = arena_printf(r->a, "%s/thong-tin/%lld", env->base_url, (long long)it.id);
    n.qr_caption = "Quét mã để xem bản điện tử và tệp đính kèm";
    buf_init(&res->body, r->a);
    char err[256];
    if ((rc = export_notice_pdf(&n, pdf_to_buf, &res->body, err, sizeof err)) != 0) {
        log_error("notice %lld: %s", (long long)it.id, err);
        return rc;
    }
    res->content_type = "application/pdf";
    res->filename = arena_printf(r->a, "thong-bao-%lld.pdf", (long long)it.id);
    return 0;
}

/* RFC 3339 UTC time for Atom. */
static const char *rfc3339(struct arena *a, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    char s[32];
    strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return arena_strdup(a, s);
}

static int feed(struct http_request *r, struct http_response *res, int category)
{
    struct unit u;
    int rc = dc_commune_arg(r, "code", &u);
    if (rc)
        return rc;
    int64_t now = dc_now();
    json_t *rows;
    if ((rc = dc_store_feed_json(r->db, u.id, category, now, FEED_ITEMS, &rows)) != 0)
        return rc;
    dc_decorate_rows(r->a, rows);
    size_t i;
    json_t *row;
    int64_t newest = 0;
    json_array_foreach(rows, i, row)
    {
        int64_t t = json_integer_value(json_object_get(row, "changed_at"));
        if (t > newest)
            newest = t;
        json_object_set_new(row, "updated", json_string(rfc3339(r->a, t)));
        json_object_set_new(
            row, "published",
            json_string(rfc3339(r->a, json_integer_value(json_object_get(row, "published_at")))));
    }
    struct disclosure_env *env = dc_env(r);
    res->model = json_object();
    json_object_set_new(res->model, "items", rows);
    json_object_set_new(res->model, "unit", dc_unit_json(&u));
    json_object_set_new(res->model, "site", json_string(env->base_url));
    json_object_set_new(res->model, "updated", json_string(rfc3339(r->a, newest ? newest : 0)));
    const char *self =
        category ? arena_printf(r->a, "/cong-khai/%s/linh-vuc/ck%02d/atom.xml", u.code, category)
                 : arena_printf(r->a, "/cong-khai/%s/atom.xml", u.code);
    json_object_set_new(res->model, "self", json_string(self));
    json_object_set_new(
        res->model, "feed_title",
        json_string(category ? arena_printf(r->a, "%s – %s", dc_category_label(category), u.name)
                             : arena_printf(r->a, "Công khai thông tin – %s", u.name)));
    res->template = "disclosure/feed";
    res->content_type = "application/atom+xml; charset=utf-8";
    return 0;
}

/* GET /cong-khai/{code}/atom.xml - public, cached. Atom feed of the commune's items. */
static int get_feed(struct http_request *r, struct http_response *res)
{
    return feed(r, res, 0);
}

/* GET /cong-khai/{code}/linh-vuc/{ck}/atom.xml - public, cached. One category's feed. */
static int get_category_feed(struct http_request *r, struct http_response *res)
{
    int c = category_arg(http_arg(r, "ck"));
    return c ? feed(r, res, c) : ERR_NOT_FOUND;
}

static const struct http_param_spec search_params[] = {
    {"q", HP_TEXT, 0, 0, 200},
    {"unit", HP_TEXT, 0, 0, 20},
};

/* GET /search?q=&unit=CODE (also /tim-kiem) - public, cached. Disclosed items matching every
 * word of q by its beginning, ignoring tone marks and case; JSON: {"results": [{title, url}]}. */
static int page_search(struct http_request *r, struct http_response *res)
{
    const char *q = http_param(r, "q");
    const char *code = http_param(r, "unit");
    struct unit u = {0};
    int rc;
    if (code && code[0]) {
        if ((rc = units_get(r->db, code, &u)) != 0)
            return rc;
    }
    res->model = json_object();
    json_t *results = json_array();
    json_object_set_new(res->model, "results", results);
    json_object_set_new(res->model, "q", json_string(q ? q : ""));
    json_object_set_new(res->model, "has_q", json_boolean(q && q[0]));
    json_object_set_new(res->model, "unit_code", json_string(u.id ? u.code : ""));
    if (u.id)
        json_object_set_new(res->model, "unit", dc_unit_json(&u));
    res->template = "disclosure/search";
    res->title = q && q[0] ? arena_printf(r->a, "Tìm kiếm: %s", q) : "Tìm kiếm";
    if (!q || !q[0])
        return 0;
    json_t *hits;
    if ((rc = store_search(r->db, u.id, "disclosure", q, SEARCH_RESULTS, &hits)) != 0)
        return rc;
    size_t n = json_array_size(hits), i;
    int64_t *ids = arena_alloc(r->a, (n ? n : 1) * sizeof *ids);
    int *vis = arena_alloc(r->a, (n ? n : 1) * sizeof *vis);
    json_t *h;
    json_array_foreach(hits, i, h)
    {
        ids[i] = json_integer_value(json_object_get(h, "ref_id"));
    }
    /* The index never holds secret items; the check here also hides scheduled ones. */
    if ((rc = dc_store_visible(r->db, dc_now(), ids, n, vis)) != 0) {
        json_decref(hits);
        return rc;
    }
    json_array_foreach(hits, i, h)
    {
        if (!vis[i])
            continue;
        json_array_append_new(
            results, json_pack("{s:O,s:s,s:O}", "title", json_object_get(h, "title"), "url",
                               arena_printf(r->a, "/thong-tin/%lld", (long long)ids[i]), "snippet",
                               json_object_get(h, "snippet")));
    }
    json_decref(hits);
    json_object_set_new(res->model, "n_results",
                        json_integer((json_int_t)json_array_size(results)));
    dc_flag_lists(res->model);
    return 0;
}

/* "2026-4" → year 2026, quarter 4; the quarter's bounds as unix times (Vietnam midnight). */
static int quarter_arg(const char *s, int *y, int *q, int64_t *from, int64_t *to)
{
    int64_t yy, qq;
    const char *dash = s ? strchr(s, '-') : NULL;
    if (!dash || parse_int64((struct str){s, (size_t)(dash - s)}, 2000, 2100, &yy) != 0 ||
        parse_int64(str_c(dash + 1), 1, 4, &qq) != 0)
        return ERR_NOT_FOUND;
    *y = (int)yy;
    *q = (int)qq;
    struct date a = {*y, (*q - 1) * 3 + 1, 1};
    struct date b = *q == 4 ? (struct date){*y + 1, 1, 1} : (struct date){*y, *q * 3 + 1, 1};
    *from = date_to_days(a) * 86400 - 7 * 3600;
    *to = date_to_days(b) * 86400 - 7 * 3600;
    return 0;
}

/* Channel names of a mask, "Cổng thông tin điện tử; Niêm yết; ..." */
static const char *channels_text(struct arena *a, unsigned mask)
{
    struct buf b;
    buf_init(&b, a);
    for (int c = 0; c < DC_N_CHANNELS; c++) {
        if (!(mask & (1u << c)))
            continue;
        if (b.len)
            buf_puts(&b, "; ");
        buf_puts(&b, dc_channel_label((enum dc_channel)c));
    }
    return b.ptr ? b.ptr : "";
}

/* The quarter's list (C5) as a model: unit, year, quarter, items with channels and dates. */
static int quarter_model(struct http_request *r, struct unit *u, int *y, int *q, json_t **rows)
{
    int rc = dc_commune_arg(r, "code", u);
    if (rc)
        return rc;
    int64_t from, to;
    if ((rc = quarter_arg(http_arg(r, "quy"), y, q, &from, &to)) != 0)
        return rc;
    if ((rc = dc_store_period_json(r->db, u->id, from, to, rows)) != 0)
        return rc;
    dc_decorate_rows(r->a, *rows);
    size_t i;
    json_t *row;
    json_array_foreach(*rows, i, row)
    {
        json_object_set_new(row, "n", json_integer((json_int_t)i + 1));
        unsigned mask = (unsigned)json_integer_value(json_object_get(row, "channels"));
        json_object_set_new(row, "channels_text", json_string(channels_text(r->a, mask)));
    }
    return 0;
}

/* GET /cong-khai/{code}/danh-muc-quy/{quy} - public, cached. The quarterly list of disclosed
 * items (C5), {quy} = "2026-4". */
static int page_quarter(struct http_request *r, struct http_response *res)
{
    struct unit u;
    int y, q;
    json_t *rows;
    int rc = quarter_model(r, &u, &y, &q, &rows);
    if (rc)
        return rc;
    res->model = json_object();
    json_object_set_new(res->model, "items", rows);
    json_object_set_new(res->model, "unit", dc_unit_json(&u));
    json_object_set_new(res->model, "year", json_integer(y));
    json_object_set_new(res->model, "quarter", json_integer(q));
    json_object_set_new(res->model, "pdf_url",
                        json_string(arena_printf(
                            r->a, "/cong-khai/%s/danh-muc-quy/%d-%d/ban-in.pdf", u.code, y, q)));
    int py = q == 1 ? y - 1 : y, pq = q == 1 ? 4 : q - 1;
    int ny = q == 4 ? y + 1 : y, nq = q == 4 ? 1 : q + 1;
    json_object_set_new(
        res->model, "prev_url",
        json_string(arena_printf(r->a, "/cong-khai/%s/danh-muc-quy/%d-%d", u.code, py, pq)));
    json_object_set_new(
        res->model, "next_url",
        json_string(arena_printf(r->a, "/cong-khai/%s/danh-muc-quy/%d-%d", u.code, ny, nq)));
    res->template = "disclosure/quarter";
    res->title = arena_printf(r->a, "Danh mục thông tin đã công khai quý %d/%d – %s", q, y, u.name);
    return 0;
}

/*
 * The quarterly PDF, made while it is sent (http_stream): its own database connection and
 * statement, a few rows per piece, one page of PDF at a time leaving through the stream. Its
 * memory stays flat however long the quarter's list is.
 */
struct quarter_pdf {
    struct arena *a;             /* the heading's strings, for the life of the stream */
    struct arena *row;           /* one row's strings, reset per row */
    struct db *db;               /* its own connection (the request's is gone meanwhile) */
    struct db_stmt *st;          /* the quarter's rows, being stepped */
    struct export_doc_head head; /* page 1's heading */
    struct export_pdf_table *t;  /* the open table: NULL before the first piece and after */
    struct buf *out;             /* where the PDF writer's bytes go during next() */
    size_t n;                    /* rows written */
    int ended;                   /* the PDF is complete */
};

static const struct export_col quarter_cols[] = {
    {"STT", 12, 1},       {"Nội dung công khai", 68, 0}, {"Lĩnh vực", 30, 0},
    {"Hình thức", 33, 0}, {"Ngày công khai", 22, 1},
};

static int quarter_pdf_write(void *ctx, const unsigned char *data, size_t len)
{
    struct quarter_pdf *q = ctx;
    buf_append(q->out, data, len);
    return 0;
}

static int quarter_pdf_next(void *ctx, struct buf *out)
{
    struct quarter_pdf *q = ctx;
    char err[256] = "";
    int rc;
    q->out = out;
    if (!q->t && !q->ended &&
        (rc = export_pdf_table_begin(&q->head, quarter_cols, 5, quarter_pdf_write, q, &q->t, err,
                                     sizeof err)) != 0) {
        log_error("quarter pdf: %s", err);
        return rc;
    }
    /* Rows until the writer has a page to hand over, or a bounded number. */
    for (int k = 0; k < 64 && out->len == 0; k++) {
        rc = db_step(q->st);
        if (rc < 0)
            return rc;
        if (rc == DB_DONE)
            break;
        arena_reset(q->row);
        const char *title = db_col_text(q->st, 2);
        int64_t published = db_col_int(q->st, 5);
        const char *cells[5] = {
            arena_printf(q->row, "%zu", ++q->n),
            title,
            dc_category_label((int)db_col_int(q->st, 1)),
            channels_text(q->row, (unsigned)db_col_int(q->st, 6)),
            published ? dc_vn_date_text(q->row, published) : "",
        };
        if ((rc = export_pdf_table_row(q->t, cells)) != 0)
            return rc;
        if (k == 63)
            return 1;
    }
    if (out->len)
        return 1;
    /* The last row was written: the footer, the signature block, the end of the file. */
    db_reset(q->st);
    const char *footer =
        arena_printf(q->a,
                     "Danh mục này được niêm yết tại trụ sở UBND và nhà văn hóa các thôn, "
                     "tổ dân phố (Điều 13 khoản 2 Luật Thực hiện dân chủ ở cơ sở). Tổng số: "
                     "%zu mục.",
                     q->n);
    struct export_pdf_table *t = q->t;
    q->t = NULL;
    q->ended = 1;
    if ((rc = export_pdf_table_end(t, footer, "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", "", err,
                                   sizeof err)) != 0) {
        log_error("quarter pdf: %s", err);
        return rc;
    }
    return 0;
}

static void quarter_pdf_close(void *ctx)
{
    struct quarter_pdf *q = ctx;
    if (q->t) {
        /* Cut short (the client left): free the writer, its bytes go nowhere. */
        struct buf sink;
        buf_init(&sink, NULL);
        q->out = &sink;
        export_pdf_table_end(q->t, NULL, NULL, NULL, NULL, 0);
        buf_free(&sink);
    }
    if (q->st)
        db_reset(q->st);
    db_close(q->db);
    arena_free(q->row);
    arena_free(q->a);
    free(q);
}

/* GET /cong-khai/{code}/danh-muc-quy/{quy}/ban-in.pdf - public. The same list as an A4 PDF,
 * streamed (see struct quarter_pdf). */
static int get_quarter_pdf(struct http_request *r, struct http_response *res)
{
    struct unit u, province;
    int y, q;
    int64_t from, to;
    int rc = dc_commune_arg(r, "code", &u);
    if (rc)
        return rc;
    if ((rc = quarter_arg(http_arg(r, "quy"), &y, &q, &from, &to)) != 0)
        return rc;
    struct quarter_pdf *p = calloc(1, sizeof *p);
    if (!p)
        abort();
    p->a = arena_new(0);
    p->row = arena_new(0);
    if ((rc = store_connect(db_store(r->db), &p->db)) != 0 ||
        (rc = dc_store_period_open(p->db, u.id, from, to, &p->st)) != 0) {
        quarter_pdf_close(p);
        return rc;
    }
    p->head.parent_body = "";
    if (u.parent_id && units_get_id(r->db, u.parent_id, &province) == 0)
        p->head.parent_body = arena_printf(p->a, "UBND %s", province.name);
    p->head.issuer = arena_printf(p->a, "UBND %s", u.name);
    p->head.number = "";
    p->head.place = arena_strdup(p->a, u.name);
    p->head.date = dc_vn_date(dc_now());
    p->head.doc_type = "DANH MỤC";
    p->head.summary = arena_printf(p->a, "Thông tin đã công khai quý %d năm %d", q, y);
    res->stream = (struct http_stream){quarter_pdf_next, quarter_pdf_close, p};
    res->content_type = "application/pdf";
    res->filename = arena_printf(r->a, "danh-muc-cong-khai-quy-%d-%d.pdf", q, y);
    return 0;
}

#define N(x) (sizeof(x) / sizeof((x)[0]))

const struct http_route dc_public_routes[] = {
    {"GET", "/cong-khai/{code}", page_portal, NULL, NULL, NULL, HTTP_CACHE, list_params,
     N(list_params), 0},
    {"GET", "/cong-khai/{code}/atom.xml", get_feed, NULL, NULL, NULL, HTTP_CACHE, NULL, 0, 0},
    {"GET", "/cong-khai/{code}/linh-vuc/{ck}", page_category, NULL, NULL, NULL, HTTP_CACHE,
     list_params, N(list_params), 0},
    {"GET", "/cong-khai/{code}/linh-vuc/{ck}/atom.xml", get_category_feed, NULL, NULL, NULL,
     HTTP_CACHE, NULL, 0, 0},
    {"GET", "/cong-khai/{code}/thon/{village}", page_village, NULL, NULL, NULL, HTTP_CACHE,
     list_params, N(list_params), 0},
    {"GET", "/cong-khai/{code}/danh-muc-quy/{quy}", page_quarter, NULL, NULL, NULL, HTTP_CACHE,
     NULL, 0, 0},
    {"GET", "/cong-khai/{code}/danh-muc-quy/{quy}/ban-in.pdf", get_quarter_pdf, NULL, NULL, NULL,
     HTTP_RAW, NULL, 0, 0},
    {"GET", "/thong-tin/{id}", page_item, NULL, NULL, NULL, HTTP_CACHE, item_params, N(item_params),
     0},
    {"GET", "/thong-tin/{id}/tep/{fid}", get_file, NULL, NULL, NULL, HTTP_RAW, NULL, 0, 0},
    {"GET", "/thong-tin/{id}/thong-bao.pdf", get_notice, NULL, NULL, NULL, HTTP_RAW, NULL, 0, 0},
    {"GET", "/search", page_search, NULL, NULL, NULL, HTTP_CACHE, search_params, N(search_params),
     0},
    {"GET", "/tim-kiem", page_search, NULL, NULL, NULL, HTTP_CACHE, search_params, N(search_params),
     0},
};
const size_t dc_public_n_routes = N(dc_public_routes);

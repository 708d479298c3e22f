/*
 * covenant_public.c - what anyone sees of village covenants (DOMAIN G): the covenants of a unit
 * once recognised, a covenant's page (also while suspended, and after annulment) with its
 * reviews and amendments, and the commune's yearly statistics (Art 16). No login.
 */
#include <string.h>

#include "decision/covenant.h"

/* ---- public: GET /huong-uoc?unit=CODE, /huong-uoc/{id}, /huong-uoc/thong-ke ---- */

static const struct http_param_spec public_list_params[] = {
    {"unit", HP_TEXT, 1, 1, 32},
};

static int page_public_list(struct http_request *r, struct http_response *res)
{
    struct unit u;
    int rc = units_get(r->db, http_param(r, "unit"), &u);
    if (rc)
        return rc;
    struct rows *t;
    if ((rc = cv_list_rows(r, u.id, 1, &t)) != 0)
        return rc;
    res->model = json_object();
    http_model_rows(res, "covenants", t);
    json_object_set_new(res->model, "unit", json_pack("{s:s,s:s}", "code", u.code, "name", u.name));
    json_object_set_new(res->model, "has_covenants", json_boolean(t->n_rows > 0));
    json_object_set_new(res->model, "year", json_string(arena_printf(r->a, "%d", cv_today().y)));
    res->template = "decision/covenant_public_list";
    res->title = arena_printf(r->a, "Hương ước, quy ước – %s", u.name);
    return 0;
}

/* GET /huong-uoc/{id} - public once recognised (also while suspended, and after annulment). */
static int page_public(struct http_request *r, struct http_response *res)
{
    struct cv_ctx x;
    int rc = cv_load(r, &x);
    if (rc)
        return rc;
    const char *s = x.c.status;
    if (strcmp(s, "recognised") && strcmp(s, "suspended") && strcmp(s, "annulled"))
        return ERR_NOT_FOUND;
    struct cv_dues du;
    cv_dues(r, &x.c, &du);
    res->model = json_object();
    json_object_set_new(res->model, "c", cv_json(r, &x, &du));
    int reviewed;
    if ((rc = cv_reviews_model(r, &x.c, res->model, &reviewed)) != 0 ||
        (rc = cv_amendments_model(r, &x.c, res->model, 1)) != 0)
        return rc;
    json_object_set_new(res->model, "can_manage", json_boolean(x.manage || x.recognise));
    res->template = "decision/covenant_public";
    res->title = x.c.title;
    return 0;
}

static const struct http_param_spec stats_params[] = {
    {"unit", HP_TEXT, 1, 1, 32},
    {"nam", HP_INT, 0, 2000, 2100},
};

static int page_stats(struct http_request *r, struct http_response *res)
{
    struct unit u;
    int rc = units_get(r->db, http_param(r, "unit"), &u);
    if (rc)
        return rc;
    int year = (int)http_param_int(r, "nam", cv_today().y);
    const char *first = arena_printf(r->a, "%04d-01-01", year),
               *last = arena_printf(r->a, "%04d-12-31", year);
    int64_t v[6] = {0, 0, 0, 0, 0, 0};
    if ((rc = cv_store_stats(r->db, u.id, first, last, v)) != 0)
        return rc;
    struct rows *t;
    if ((rc = cv_store_stats_items(r->db, r->a, u.id, first, last, &t)) != 0)
        return rc;
    size_t sl = rows_add_col(t, "status_label"), url = rows_add_col(t, "url");
    for (size_t i = 0; i < t->n_rows; i++) {
        rows_set_text(rows_at(t, i, sl), cv_status_label_of(rows_text(rows_at(t, i, 2))));
        rows_set_text(rows_at(t, i, url),
                      arena_printf(r->a, "/huong-uoc/%lld", (long long)rows_at(t, i, 0)->i));
        for (size_t k = 5; k <= 8; k++)
            rows_set_text(rows_at(t, i, k), dm_vn_iso(r->a, rows_text(rows_at(t, i, k))));
    }
    res->model = json_object();
    http_model_rows(res, "items", t);
    json_object_set_new(res->model, "unit", json_pack("{s:s,s:s}", "code", u.code, "name", u.name));
    json_object_set_new(res->model, "year", json_integer(year));
    json_object_set_new(res->model, "counts",
                        json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "recognised", (json_int_t)v[0],
                                  "amended", (json_int_t)v[1], "refused", (json_int_t)v[2],
                                  "suspended", (json_int_t)v[3], "annulled", (json_int_t)v[4],
                                  "in_force", (json_int_t)v[5]));
    json_object_set_new(res->model, "has_items", json_boolean(t->n_rows > 0));
    res->template = "decision/covenant_stats";
    res->title = arena_printf(r->a, "Thống kê hương ước, quy ước năm %d – %s", year, u.name);
    return 0;
}

#define N(x) (sizeof(x) / sizeof((x)[0]))

const struct http_route dm_covenant_public_routes[] = {
    {"GET", "/huong-uoc", page_public_list, NULL, NULL, NULL, 0, public_list_params,
     N(public_list_params), 0},
    {"GET", "/huong-uoc/thong-ke", page_stats, NULL, NULL, NULL, 0, stats_params, N(stats_params),
     0},
    {"GET", "/huong-uoc/{id}", page_public, NULL, NULL, NULL, 0, NULL, 0, 0},
};
const size_t dm_covenant_public_n_routes = N(dm_covenant_public_routes);

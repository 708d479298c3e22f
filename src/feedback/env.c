/*
 * env.c - the feedback module's long-lived state: its rule set and fields, its route
 * registration, and the counts other modules report (the report to the HĐND).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embed.h"
#include "feedback/internal.h"
#include "feedback/open311.h"
#include "feedback/rating.h"
#include "feedback/reception.h"

/* "key = label" lines; # comments. */
static int parse_fields(struct feedback_env *env, const char *text, size_t len, char *err,
                        size_t err_len)
{
    const char *p = text, *end = text + len;
    size_t cap = 16;
    env->fields = calloc(cap, sizeof *env->fields);
    if (!env->fields)
        abort();
    for (int line = 1; p < end; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        struct str l = str_trim((struct str){p, (size_t)((nl ? nl : end) - p)});
        p = nl ? nl + 1 : end;
        if (!l.len || l.ptr[0] == '#')
            continue;
        const char *eq = memchr(l.ptr, '=', l.len);
        if (!eq) {
            snprintf(err, err_len, "feedback fields line %d: want key = label", line);
            return ERR_INVALID;
        }
        struct str k = str_trim((struct str){l.ptr, (size_t)(eq - l.ptr)});
        struct str v = str_trim((struct str){eq + 1, (size_t)(l.ptr + l.len - eq - 1)});
        if (!k.len || k.len >= sizeof env->fields[0].key || !v.len ||
            v.len >= sizeof env->fields[0].label || !utf8_valid(v.ptr, v.len)) {
            snprintf(err, err_len, "feedback fields line %d: empty or too long", line);
            return ERR_INVALID;
        }
        for (size_t i = 0; i < k.len; i++)
            if (!((k.ptr[i] >= 'a' && k.ptr[i] <= 'z') || k.ptr[i] == '_' ||
                  (k.ptr[i] >= '0' && k.ptr[i] <= '9'))) {
                snprintf(err, err_len, "feedback fields line %d: key of a-z, 0-9 and _", line);
                return ERR_INVALID;
            }
        if (env->n_fields == cap) {
            cap *= 2;
            struct fb_field *f = realloc(env->fields, cap * sizeof *f);
            if (!f)
                abort();
            env->fields = f;
        }
        struct fb_field *f = &env->fields[env->n_fields++];
        memcpy(f->key, k.ptr, k.len);
        f->key[k.len] = '\0';
        memcpy(f->label, v.ptr, v.len);
        f->label[v.len] = '\0';
    }
    if (!env->n_fields) {
        snprintf(err, err_len, "feedback fields: none");
        return ERR_INVALID;
    }
    return 0;
}

int feedback_env_init(struct feedback_env *env, const struct calendar *cal, const char *base_url,
                      const char *rules_path, char *err, size_t err_len)
{
    memset(env, 0, sizeof *env);
    env->cal = cal;
    env->base_url = base_url;
    const char *text;
    size_t len;
    char *owned;
    int rc =
        embed_or_file(rules_path, "data/rules/feedback.ini", &text, &len, &owned, err, err_len);
    if (rc)
        return rc;
    rc = fb_ruleset_parse(text, len, &env->rules, err, err_len);
    free(owned);
    if (rc)
        return rc;
    if ((rc = embed_or_file(NULL, "data/feedback_fields.txt", &text, &len, &owned, err, err_len)))
        return rc;
    return parse_fields(env, text, len, err, err_len);
}

void feedback_env_free(struct feedback_env *env)
{
    if (env->rules)
        fb_ruleset_free(env->rules);
    free(env->fields);
    memset(env, 0, sizeof *env);
}

struct feedback_env *fb_env(struct http_request *r)
{
    return http_route_ctx(r);
}

void feedback_add_routes(struct http_server *srv, struct feedback_env *env)
{
    http_add_routes_ctx(srv, fb_public_routes, fb_public_n_routes, env);
    http_add_routes_ctx(srv, fb_admin_routes, fb_admin_n_routes, env);
    http_add_routes_ctx(srv, fb_publish_routes, fb_publish_n_routes, env);
    http_add_routes_ctx(srv, fb_reception_routes, fb_reception_n_routes, env);
    http_add_routes_ctx(srv, fb_reception_admin_routes, fb_reception_admin_n_routes, env);
    http_add_routes_ctx(srv, fb_rating_routes, fb_rating_n_routes, env);
    http_add_routes_ctx(srv, fb_open311_routes, fb_open311_n_routes, env);
}

int feedback_counts(struct db *db, const struct feedback_env *env, int64_t unit_id, enum fb_kind k,
                    struct date from, struct date to, struct feedback_counts *out)
{
    memset(out, 0, sizeof *out);
    struct arena *a = arena_new(0);
    char f[11], t[11];
    date_format_iso(from, f);
    date_format_iso(to, t);
    struct fb_case *cases;
    size_t n;
    int rc = fb_store_period(db, a, unit_id, (int)k, f, t, &cases, &n);
    struct date today = fb_today();
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct fb_status st;
        if (fb_case_status(env, &cases[i], today, &st) != 0)
            continue;
        out->received++;
        switch (fb_outcome_of(&st)) {
        case FB_OUT_OVERDUE:
            out->overdue++;
            break;
        case FB_OUT_OPEN:
            out->open++;
            break;
        case FB_OUT_LATE:
            out->late++;
            break;
        case FB_OUT_ON_TIME:
            out->on_time++;
            break;
        default:
            break;
        }
    }
    arena_free(a);
    return rc;
}

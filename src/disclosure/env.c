/*
 * env.c - the disclosure module's long-lived state: its rule set, the tick
 * that notices scheduled items becoming public, and its route registration.
 */
#include <stdlib.h>
#include <string.h>

#include "core/embed.h"
#include "disclosure/internal.h"

int disclosure_env_init(struct disclosure_env *env, const struct calendar *cal,
                        const char *base_url, const char *rules_path, char *err, size_t err_len)
{
    memset(env, 0, sizeof *env);
    env->cal = cal;
    env->base_url = base_url;
    const char *text;
    size_t len;
    char *owned;
    int rc =
        embed_or_file(rules_path, "data/rules/disclosure.ini", &text, &len, &owned, err, err_len);
    if (rc)
        return rc;
    rc = dc_ruleset_parse(text, len, &env->rules, err, err_len);
    free(owned);
    return rc;
}

void disclosure_env_free(struct disclosure_env *env)
{
    if (env->rules)
        dc_ruleset_free(env->rules);
    env->rules = NULL;
}

int disclosure_tick(struct disclosure_env *env, struct db *db, time_t now)
{
    int64_t due = atomic_load(&env->next_due);
    int became_public = due != 0 && due <= (int64_t)now;
    /* Re-read each tick: an item scheduled since the last one may be due sooner. */
    int64_t next;
    if (dc_store_next_due(db, (int64_t)now, &next) == 0)
        atomic_store(&env->next_due, next);
    return became_public;
}

void disclosure_add_routes(struct http_server *srv, struct disclosure_env *env)
{
    http_add_routes_ctx(srv, dc_public_routes, dc_public_n_routes, env);
    http_add_routes_ctx(srv, dc_admin_routes, dc_admin_n_routes, env);
    http_add_routes_ctx(srv, dc_report_routes, dc_report_n_routes, env);
}

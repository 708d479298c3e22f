/*
 * app.c - opens the store, compiles templates, wires the http hooks to auth
 * and units, and serves.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "app/app.h"
#include "auth/auth.h"
#include "units/units.h"

int app_open(struct app *app, int migrate)
{
    char err[512] = "";
    if (auth_init() != 0) {
        fprintf(stderr, "danchu: libsodium failed to start\n");
        return 1;
    }
    app->cal =
        calendar_load(app->cfg.calendar_dir[0] ? app->cfg.calendar_dir : NULL, err, sizeof err);
    if (!app->cal) {
        fprintf(stderr, "danchu: calendar: %s\n", err);
        return 1;
    }
    if (disclosure_env_init(&app->dc, app->cal, app->cfg.base_url, NULL, err, sizeof err) != 0) {
        fprintf(stderr, "danchu: disclosure rules: %s\n", err);
        return 1;
    }
    if (feedback_env_init(&app->fb, app->cal, app->cfg.base_url, NULL, err, sizeof err) != 0) {
        fprintf(stderr, "danchu: feedback rules: %s\n", err);
        return 1;
    }
    app->dc.fb = &app->fb;
    if (consultation_env_init(&app->cs, app->cal, app->cfg.base_url, NULL, err, sizeof err) != 0) {
        fprintf(stderr, "danchu: consultation rules: %s\n", err);
        return 1;
    }
    if (decision_env_init(&app->dm, app->cal, app->cfg.base_url, NULL, err, sizeof err) != 0) {
        fprintf(stderr, "danchu: decision rules: %s\n", err);
        return 1;
    }
    if (store_open(app->cfg.db, &app->store, err, sizeof err) != 0) {
        fprintf(stderr, "danchu: cannot open database %s: %s\n", app->cfg.db, err);
        return 1;
    }
    if (migrate) {
        int n = 0;
        if (store_migrate(app->store, &n, err, sizeof err) != 0) {
            fprintf(stderr, "danchu: migration failed: %s\n", err);
            return 1;
        }
        if (n)
            log_info("applied %d migration(s)", n);
    }
    return 0;
}

void app_close(struct app *app)
{
    if (app->store)
        store_close(app->store);
    if (app->views)
        view_templates_free(app->views);
    disclosure_env_free(&app->dc);
    feedback_env_free(&app->fb);
    consultation_env_free(&app->cs);
    decision_env_free(&app->dm);
    if (app->cal)
        calendar_free(app->cal);
    if (app->login_rl)
        ratelimit_free(app->login_rl);
    if (app->submit_rl)
        ratelimit_free(app->submit_rl);
    if (app->rating_rl)
        ratelimit_free(app->rating_rl);
    if (app->lookup_rl)
        ratelimit_free(app->lookup_rl);
    memset(app, 0, sizeof *app);
}

int app_session_hook(void *ctx, struct http_request *r, const char *token)
{
    (void)ctx;
    struct auth_user *u = arena_zalloc(r->a, sizeof *u);
    if (auth_session_lookup(r->db, token, (int64_t)time(NULL), u) != 0)
        return ERR_UNAUTH;
    struct http_user *hu = arena_zalloc(r->a, sizeof *hu);
    hu->id = u->id;
    hu->login = u->login;
    hu->display_name = u->display_name[0] ? u->display_name : u->login;
    hu->csrf = u->csrf;
    hu->ext = u;
    r->user = hu;
    return 0;
}

/* Unit ancestor chains already read during this request: a page asks several times. */
struct chain_memo {
    char code[4][32];     /* unit codes */
    int64_t chain[4][16]; /* their ancestor chains, self first */
    size_t n_chain[4];    /* chain lengths */
    size_t n;             /* entries used */
};

int app_authorize_hook(void *ctx, struct http_request *r, const char *perm, const char *unit_code)
{
    (void)ctx;
    if (!r->user)
        return ERR_UNAUTH;
    const struct auth_user *u = r->user->ext;
    if (!unit_code)
        return auth_can_anywhere(u, perm) ? 0 : ERR_FORBIDDEN;
    struct chain_memo *m = r->app_memo;
    if (!m)
        m = r->app_memo = arena_zalloc(r->a, sizeof *m);
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->code[i], unit_code) == 0)
            return auth_can(u, perm, m->chain[i][0], m->chain[i], m->n_chain[i]) ? 0
                                                                                 : ERR_FORBIDDEN;
    struct unit unit;
    if (units_get(r->db, unit_code, &unit) != 0)
        return ERR_FORBIDDEN;
    int64_t chain[16];
    size_t n = 0;
    if (units_ancestors(r->db, unit.id, chain, 16, &n) != 0 || n == 0)
        return ERR_FORBIDDEN;
    if (m->n < 4) {
        snprintf(m->code[m->n], sizeof m->code[m->n], "%s", unit_code);
        memcpy(m->chain[m->n], chain, n * sizeof chain[0]);
        m->n_chain[m->n++] = n;
    }
    return auth_can(u, perm, unit.id, chain, n) ? 0 : ERR_FORBIDDEN;
}

void app_decorate_hook(void *ctx, struct http_request *r, json_t *model)
{
    (void)ctx;
    json_object_set_new(model, "site_name", json_string("Dân chủ cơ sở"));
    if (!r->user)
        return;
    const struct auth_user *u = r->user->ext;
    struct unit home;
    if (u->unit_id && units_get_id(r->db, u->unit_id, &home) == 0) {
        json_object_set_new(model, "home_unit",
                            json_pack("{s:s,s:s}", "code", home.code, "name", home.name));
        json_object_set_new(model, "can_roll", json_boolean(auth_can_anywhere(u, "roll.view")));
        /* Disclosure's back office: /quan-ly/cong-khai finds the account's commune itself, so
         * no page pays for that lookup. */
        if (auth_can_anywhere(u, "disclosure.view"))
            json_object_set_new(model, "disclosure_admin_url", json_string("/quan-ly/cong-khai"));
        if (auth_can_anywhere(u, "feedback.view"))
            json_object_set_new(model, "feedback_admin_url", json_string("/quan-ly/y-kien"));
        if (auth_can_anywhere(u, "decision.manage"))
            json_object_set_new(model, "decision_admin_url", json_string("/quan-ly/bieu-quyet"));
        if (auth_can_anywhere(u, "consultation.view"))
            json_object_set_new(model, "consultation_admin_url", json_string("/quan-ly/gop-y"));
    }
}

/* The ticker: every few seconds, lets modules notice time passing (a scheduled item becoming
 * public) and drops cached pages when one did. */
struct ticker {
    struct app *app;         /* the app */
    struct http_server *srv; /* whose cache to drop */
    atomic_int stop;         /* set at shutdown */
    pthread_t thread;        /* the thread */
};

static void *ticker_main(void *arg)
{
    struct ticker *t = arg;
    struct db *db = NULL;
    if (store_connect(t->app->store, &db) != 0)
        return NULL;
    while (!atomic_load(&t->stop)) {
        if (disclosure_tick(&t->app->dc, db, time(NULL)))
            http_cache_bump(t->srv);
        feedback_tick(&t->app->fb, t->app->store, db, time(NULL), t->app->comms);
        for (int i = 0; i < 20 && !atomic_load(&t->stop); i++)
            usleep(250 * 1000); /* 5 s, waking often enough for a quick shutdown */
    }
    db_close(db);
    return NULL;
}

int app_serve(struct app *app, int quiet)
{
    char err[512] = "";
    if (view_templates_new(&app->views, err, sizeof err) != 0) {
        fprintf(stderr, "danchu: templates: %s\n", err);
        return 1;
    }
    app->login_rl = ratelimit_new(4096, 10, 600);
    /* Tracking codes are keys: 30 wrong ones in 10 minutes and an address waits. */
    app->lookup_rl = ratelimit_new(4096, 30, 600);
    app->submit_rl =
        app->cfg.submit_per_hour ? ratelimit_new(4096, app->cfg.submit_per_hour, 3600) : NULL;
    /* A desk's poster is rated by everyone it served from the office's one address. */
    app->rating_rl =
        app->cfg.submit_per_hour ? ratelimit_new(4096, 3 * app->cfg.submit_per_hour, 3600) : NULL;
    randombytes_buf(app->secret, sizeof app->secret);
    if (store_write_start(app->store) != 0) {
        fprintf(stderr, "danchu: cannot start the writer\n");
        return 1;
    }
    /* The outbox sender starts after the writer and stops before it. */
    struct comms_config cc = {app->cfg.smtp_url, app->cfg.smtp_from, app->cfg.smtp_user,
                              app->cfg.smtp_password, app->cfg.notify_webhook};
    if (comms_start(app->store, &cc, &app->comms) != 0) {
        fprintf(stderr, "danchu: cannot start the outbox sender (see the log)\n");
        store_write_stop(app->store);
        return 1;
    }
    /* Block the stop signals in every thread; the main thread waits for them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct http_config hc = {
        .listen = app->cfg.listen,
        .threads = app->cfg.threads,
        .secure_cookies = app->cfg.secure_cookies,
        .base_url = app->cfg.base_url,
        .store = app->store,
        .views = app->views,
        .hooks = {app, app_session_hook, app_authorize_hook, app_decorate_hook},
        .secret = app->secret,
        .quiet = quiet,
    };
    struct http_server *srv = http_server_new(&hc);
    http_add_routes(srv, app_routes, app_n_routes);
    http_add_routes(srv, units_routes, units_n_routes);
    http_add_routes(srv, register_routes, register_n_routes);
    disclosure_add_routes(srv, &app->dc);
    app->fb.submit_rl = app->submit_rl;
    app->fb.rating_rl = app->rating_rl;
    app->fb.lookup_rl = app->lookup_rl;
    feedback_add_routes(srv, &app->fb);
    consultation_add_routes(srv, &app->cs);
    decision_add_routes(srv, &app->dm);
    if (http_server_start(srv, err, sizeof err) != 0) {
        fprintf(stderr, "danchu: %s\n", err);
        http_server_free(srv);
        comms_stop(app->comms);
        app->comms = NULL;
        store_write_stop(app->store);
        return 1;
    }
    log_info("serving on http://%s (database %s)", app->cfg.listen, app->cfg.db);
    struct ticker t = {.app = app, .srv = srv};
    int ticking = pthread_create(&t.thread, NULL, ticker_main, &t) == 0;
    http_server_run_until_signal(srv);
    atomic_store(&t.stop, 1);
    if (ticking)
        pthread_join(t.thread, NULL);
    comms_stop(app->comms);
    app->comms = NULL;
    store_write_stop(app->store);
    http_server_free(srv);
    return 0;
}

/*
 * app.h - the application: gathers the modules' route tables, supplies the
 * http hooks (sessions, permissions) from auth and units, and implements
 * the subcommands of main.c. The only place that knows every module.
 */
#ifndef DANCHU_APP_H
#define DANCHU_APP_H

#include "comms/comms.h"
#include "core/core.h"
#include "disclosure/disclosure.h"
#include "consultation/consultation.h"
#include "decision/decision.h"
#include "feedback/feedback.h"
#include "http/http.h"
#include "store/store.h"

struct app {
    struct config cfg;            /* effective configuration */
    struct store *store;          /* the database */
    struct view_templates *views; /* compiled templates */
    struct calendar *cal;         /* legal calendar */
    struct ratelimit *login_rl;   /* sign-in attempts per IP and per login */
    struct ratelimit *submit_rl;  /* registrations per IP */
    struct ratelimit *rating_rl;  /* one-stop desk ratings per poster and IP */
    struct ratelimit *lookup_rl;  /* tracking codes typed wrong per IP */
    unsigned char secret[32];     /* anonymous CSRF key, fresh per process */
    struct disclosure_env dc;     /* the disclosure module's rules and links */
    struct feedback_env fb;       /* the feedback module's rules and fields */
    struct consultation_env cs;   /* the consultation module's rules */
    struct decision_env dm;       /* the decision module's rules */
    struct comms *comms;          /* the outbox sender while serving (comms_kick), else NULL */
};

/* Subcommands. argv[0] is the subcommand's name. Return a process exit code. */
int app_cmd_serve(int argc, char **argv);
int app_cmd_demo(int argc, char **argv);
int app_cmd_init(int argc, char **argv);
int app_cmd_migrate(int argc, char **argv);
int app_cmd_users(int argc, char **argv);
int app_cmd_units(int argc, char **argv);
int app_cmd_import(int argc, char **argv);
int app_cmd_backup(int argc, char **argv);
int app_cmd_audit(int argc, char **argv);
int app_cmd_escrow(int argc, char **argv);
int app_cmd_apikeys(int argc, char **argv);

/* Opens the store for cfg (and migrates when migrate is 1). */
int app_open(struct app *app, int migrate);
void app_close(struct app *app);
/* Starts serving app until SIGTERM; returns an exit code. */
int app_serve(struct app *app, int quiet);

/* Pages owned by the app: home, sign-in, sign-out, registration, account. */
extern const struct http_route app_routes[];
extern const size_t app_n_routes;

/* Resident registration and its confirmation by the village head (register.c). */
extern const struct http_route register_routes[];
extern const size_t register_n_routes;

/* The hooks http calls (app.c). */
int app_session_hook(void *ctx, struct http_request *r, const char *token);
int app_authorize_hook(void *ctx, struct http_request *r, const char *perm, const char *unit_code);
void app_decorate_hook(void *ctx, struct http_request *r, json_t *model);

#endif

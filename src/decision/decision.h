/*
 * decision.h - the public header of src/decision (dân quyết): matters residents decide by
 * household (DOMAIN B3, D1-D12) - tabled, noticed with the village's roll frozen, decided at a
 * meeting, by household ballots or online (M6), one vote per household across every channel,
 * counted against all households of the village, published with their receipts.
 *
 * The legal rules are pure functions in rules.h. The app creates one struct decision_env at
 * start-up and registers decision_add_routes with it.
 */
#ifndef DANCHU_DECISION_H
#define DANCHU_DECISION_H

#include <stdint.h>

#include "core/core.h"
#include "decision/rules.h"
#include "http/http.h"
#include "store/store.h"

/* Long-lived state of the module, owned by the app. */
struct decision_env {
    const struct calendar *cal; /* legal calendar (borrowed) */
    struct dr_ruleset *rules;   /* rule set (owned: decision_env_free) */
    const char *base_url;       /* absolute links on ballot cards (QR codes) */
};

/* Loads the rule set (the embedded data/rules/decision.ini, or rules_path). 0, or ERR_INVALID
 * with the reason in err. */
int decision_env_init(struct decision_env *env, const struct calendar *cal, const char *base_url,
                      const char *rules_path, char *err, size_t err_len);
void decision_env_free(struct decision_env *env);

/* Registers the module's routes. */
void decision_add_routes(struct http_server *srv, struct decision_env *env);

/*
 * Adds demo decisions to the first villages of commune commune_code inside the caller's
 * transaction: a finished vote of each form (a meeting by show of hands, household ballots, an
 * online M6 vote with receipts) and one open for online votes. actor is the village head.
 * resident (an account id, or 0) is linked to a household of the open vote's village that has
 * not voted, so that signing in as it, one may vote as that household.
 */
int decision_demo_build(struct db *db, const struct decision_env *env, const char *commune_code,
                        int64_t actor, int64_t resident);

#endif

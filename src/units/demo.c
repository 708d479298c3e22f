/*
 * demo.c - builds the demo province (units and households) into an empty,
 * migrated database, from the deterministic generator in demogen.c. Accounts
 * are the app's business (it knows auth's roles); this file fills the roll.
 */
#include <string.h>
#include <time.h>

#include "units/demogen.h"
#include "units/internal.h"

int units_demo_build(struct db *db, int n_households, FILE *progress)
{
    size_t n_units;
    const struct demo_unit *du = demogen_units(&n_units);
    struct demogen g;
    demogen_init(&g, 20261123);
    struct arena *a = arena_new(0);
    int rc = db_begin(db);
    if (rc)
        goto out;
    /* Villages and their share of the households. */
    size_t n_villages = 0;
    int planned = 0;
    for (size_t i = 0; i < n_units; i++) {
        int64_t id;
        rc = units_add(db, 0, du[i].code, demogen_kind_text(du[i].kind), du[i].name,
                       du[i].parent_code, &id);
        if (rc)
            goto fail;
        if (du[i].kind == DEMO_VILLAGE || du[i].kind == DEMO_RESIDENTIAL_GROUP) {
            n_villages++;
            planned += du[i].n_households;
        }
    }
    if (progress)
        fprintf(progress, "demo: %zu units, %zu villages\n", n_units, n_villages);
    int year = date_vn_from_time(time(NULL)).y;
    int done = 0;
    int64_t cum = 0;
    for (size_t i = 0; i < n_units; i++) {
        if (du[i].kind != DEMO_VILLAGE && du[i].kind != DEMO_RESIDENTIAL_GROUP)
            continue;
        struct unit v;
        if ((rc = units_get(db, du[i].code, &v)) != 0)
            goto fail;
        /* Scale the generator's plan to the number asked for; cumulative rounding makes the
         * villages add up to exactly n_households. */
        cum += du[i].n_households;
        int want = planned ? (int)((int64_t)cum * n_households / planned) - done : 0;
        for (int k = 0; k < want; k++) {
            arena_reset(a);
            struct demo_household h;
            if ((rc = demogen_household(&g, a, year, &h)) != 0)
                goto fail;
            const char *code = arena_printf(a, "%s-%04d", du[i].code, k + 1);
            const char *addr = demogen_address(&g, a, du[i].name, du[i].kind);
            const struct demo_member *m0 = &h.members[0];
            struct member_input head = {m0->full_name, m0->birth, m0->gender,
                                        "Chủ hộ",      m0->phone, m0->national_id};
            int64_t hid;
            if ((rc = units_household_add(db, 0, v.id, code, addr, &head, &hid)) != 0)
                goto fail;
            for (size_t j = 1; j < h.n_members; j++) {
                const struct demo_member *m = &h.members[j];
                char rel[32];
                snprintf(rel, sizeof rel, "%s", m->relation);
                /* Capitalise the relation as village heads write it ("Vợ", "Con"). */
                if (rel[0] >= 'a' && rel[0] <= 'z')
                    rel[0] = (char)(rel[0] - 32);
                struct member_input in = {m->full_name, m->birth, m->gender,
                                          rel,          m->phone, m->national_id};
                int64_t mid;
                if ((rc = units_member_insert(db, hid, &in, &mid)) != 0)
                    goto fail;
            }
            done++;
            if (progress && done % 500 == 0)
                fprintf(progress, "demo: %d/%d households\n", done, n_households);
        }
    }
    if ((rc = db_commit(db)) != 0)
        goto out;
    if (progress)
        fprintf(progress, "demo: %d households\n", done);
    goto out;
fail:
    db_rollback(db);
out:
    arena_free(a);
    return rc;
}

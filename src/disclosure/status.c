/*
 * status.c - the rules of rules.c applied to stored items: which places an
 * item must be posted at, its state today, and that state as a view-model.
 */
#include <string.h>
#include <time.h>

#include "disclosure/internal.h"

struct date dc_vn_date(int64_t t)
{
    return date_vn_from_time((time_t)t);
}

const char *dc_vn_date_text(struct arena *a, int64_t t)
{
    char *s = arena_alloc(a, 11);
    date_format_vn(dc_vn_date(t), s);
    return s;
}

int dc_item_status(const struct disclosure_env *env, const struct dc_item *it,
                   const struct dc_posting *postings, size_t n_postings, const int64_t *villages,
                   size_t n_villages, struct date today, struct dc_status *st)
{
    const struct dc_rules *r = dc_rules_at(env->rules, it->decision);
    if (!r)
        r = env->rules->n_versions ? &env->rules->versions[0] : NULL;
    if (!r)
        return ERR_INVALID;
    /* Posted at the UBND office (the commune) and the community house of every village the
     * item concerns: one village when it names one, else all of them. */
    int64_t places[257];
    size_t n_places = 0;
    places[n_places++] = it->unit_id;
    const int64_t *vs = villages;
    size_t nv = n_villages;
    if (it->village_id) {
        vs = &it->village_id;
        nv = 1;
    }
    for (size_t i = 0; i < nv && n_places < sizeof places / sizeof places[0]; i++)
        places[n_places++] = vs[i];
    struct dc_facts f = {
        .category = it->category,
        .decision = it->decision,
        .published = strcmp(it->status, "draft") != 0 && it->published_at > 0,
        .published_on = dc_vn_date(it->published_at),
        .withdrawn = strcmp(it->status, "withdrawn") == 0,
        .withdrawn_on = dc_vn_date(it->withdrawn_at),
        .postings = postings,
        .n_postings = n_postings,
        .board_places = places,
        .n_board_places = n_places,
        .villages = vs,
        .n_villages = nv,
    };
    /* A scheduled item is not yet published on a day before its time. */
    if (f.published && date_cmp(f.published_on, today) > 0)
        f.published = 0;
    return dc_evaluate(r, env->cal, &f, today, st);
}

static const char *const state_keys[] = {"due",     "at_risk",  "late",
                                         "running", "complete", "withdrawn"};
static const char *const channel_keys[] = {"website", "board", "loudspeaker", "village_head"};
static const char *const ch_state_keys[] = {"not_required", "pending", "running",
                                            "done",         "missing", "broken"};

json_t *dc_status_json(const struct dc_status *st)
{
    char due[11];
    date_format_vn(st->due, due);
    json_t *j = json_pack("{s:s,s:s,s:s,s:b,s:i}", "state", state_keys[st->state], "label",
                          dc_state_label(st->state), "due", due, "published_late",
                          st->published_late, "wd_left", st->wd_left);
    json_object_set_new(j, "is_late", json_boolean(st->state == DC_LATE));
    json_t *chs = json_array();
    for (int c = 0; c < DC_N_CHANNELS; c++) {
        const struct dc_channel_status *cs = &st->ch[c];
        if (cs->state == DC_CH_NOT_REQUIRED)
            continue;
        json_t *o = json_pack(
            "{s:s,s:s,s:s,s:s,s:i,s:i,s:i,s:i}", "channel", channel_keys[c], "label",
            dc_channel_label((enum dc_channel)c), "state", ch_state_keys[cs->state], "state_label",
            dc_channel_state_label(cs->state), "places_needed", cs->places_needed, "places_done",
            cs->places_done, "days_done", cs->days_done, "days_needed", cs->days_needed);
        if (cs->done_on.y) {
            char d[11];
            date_format_vn(cs->done_on, d);
            json_object_set_new(o, "done_on", json_string(d));
        }
        json_object_set_new(o, "has_days", json_boolean(cs->days_needed > 0));
        json_object_set_new(o, "ok",
                            json_boolean(cs->state == DC_CH_DONE || cs->state == DC_CH_RUNNING));
        json_object_set_new(o, "bad",
                            json_boolean(cs->state == DC_CH_MISSING || cs->state == DC_CH_BROKEN));
        json_array_append_new(chs, o);
    }
    json_object_set_new(j, "channels", chs);
    return j;
}

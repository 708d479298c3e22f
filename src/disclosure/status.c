/*
 * status.c - the rules of rules.c applied to stored items: which places an
 * item must be posted at, its state today, and that state as a view-model;
 * every item of a commune evaluated at once, classed for the dashboard and
 * the report.
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

/* Every village of the commune (where an item must be posted), and their ids. */
int dc_village_ids(struct http_request *r, int64_t commune, int64_t **ids, size_t *n,
                   struct unit **villages)
{
    struct unit *v;
    int rc = units_villages_of(r->db, r->a, commune, &v, n);
    if (rc)
        return rc;
    *ids = arena_alloc(r->a, (*n ? *n : 1) * sizeof **ids);
    for (size_t i = 0; i < *n; i++)
        (*ids)[i] = v[i].id;
    if (villages)
        *villages = v;
    return 0;
}

/* The rules in force for a decision date, or the first version. */
/* What the dashboard counts: one class per item. */
const char *const dc_class_labels[CL_N] = {"Đúng hạn", "Trễ hạn công bố",
                                           "Thiếu minh chứng niêm yết", "Đang chờ"};
const char *const dc_class_colors[CL_N] = {"#2e7d32", "#c62828", "#ef6c00", "#546e7a"};

enum dc_class dc_classify(const struct dc_status *st)
{
    if (st->state == DC_COMPLETE || st->state == DC_RUNNING)
        return CL_OK;
    if (st->state == DC_DUE || st->state == DC_AT_RISK)
        return CL_PENDING;
    if (st->published_late)
        return CL_LATE;
    for (int c = 0; c < DC_N_CHANNELS; c++)
        if (st->ch[c].state == DC_CH_MISSING || st->ch[c].state == DC_CH_BROKEN)
            return CL_MISSING;
    return CL_LATE; /* unpublished past its deadline */
}

int dc_evaluate_commune(struct http_request *r, const struct unit *u, struct dc_evaluated *ev)
{
    struct disclosure_env *env = dc_env(r);
    int64_t *vids, *pitem;
    size_t nv, np;
    struct dc_posting *posts;
    int rc = dc_store_items(r->db, r->a, u->id, &ev->items, &ev->n);
    if (rc)
        return rc;
    if ((rc = dc_village_ids(r, u->id, &vids, &nv, NULL)) != 0)
        return rc;
    if ((rc = dc_store_unit_postings(r->db, r->a, u->id, &pitem, &posts, &np)) != 0)
        return rc;
    ev->st = arena_zalloc(r->a, (ev->n ? ev->n : 1) * sizeof *ev->st);
    struct date today = dc_vn_date(dc_now());
    for (size_t i = 0; i < ev->n; i++) {
        /* Postings come ordered by item id: binary search for this item's slice (a commune
         * may hold tens of thousands of items; a scan per item would be quadratic). */
        size_t from = 0, hi = np, k = 0;
        while (from < hi) {
            size_t mid = from + (hi - from) / 2;
            if (pitem[mid] < ev->items[i].id)
                from = mid + 1;
            else
                hi = mid;
        }
        while (from + k < np && pitem[from + k] == ev->items[i].id)
            k++;
        rc = dc_item_status(env, &ev->items[i], posts + from, k, vids, nv, today, &ev->st[i]);
        if (rc) {
            log_warn("disclosure %lld: no status (calendar year missing?)",
                     (long long)ev->items[i].id);
            memset(&ev->st[i], 0, sizeof ev->st[i]);
            ev->st[i].state = DC_DUE;
        }
    }
    return 0;
}

/*
 * import.c - applies a household roll file (parsed by rollfile.c) to the
 * database, inside the caller's transaction.
 *
 * Rules (issue 2): the import applies whole or not at all; every bad row is
 * listed with its line; re-importing a changed file updates only what
 * changed; households missing from the file are reported, never removed;
 * importing the same file twice changes nothing (no events, no audit rows).
 * Members are matched by folded name and birth, so a re-typed name with or
 * without tone marks in another case still matches the same person.
 */
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "units/internal.h"
#include "units/rollfile.h"

static void report_error(struct roll_import_report *rep, int line, const char *msg)
{
    json_array_append_new(rep->errors, json_pack("{s:i,s:s}", "line", line, "message", msg));
}

static int str_same(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

static struct member_input row_input(const struct roll_row *r)
{
    struct member_input m = {r->full_name, r->birth, r->gender,
                             r->relation,  r->phone, r->national_id};
    return m;
}

/* The stored member a file row speaks of, or NULL. */
static struct member_rec *match_member(struct member_rec *recs, size_t n, const char *fold,
                                       const char *birth)
{
    struct member_rec *loose = NULL;
    for (size_t i = 0; i < n; i++) {
        if (recs[i].matched || strcmp(recs[i].name_fold, fold) != 0)
            continue;
        if (str_same(recs[i].birth, birth))
            return &recs[i];
        /* Same person written with a year only, or a full date added later. */
        if (!birth[0] || !recs[i].birth[0] || strncmp(recs[i].birth, birth, 4) == 0)
            loose = loose ? loose : &recs[i];
    }
    return loose;
}

/* Applies one household that already exists. */
static int update_household(struct db *db, struct arena *a, int64_t actor,
                            const struct roll_file *rf, const struct roll_household *h,
                            const struct hh_found *found, struct roll_import_report *rep)
{
    struct member_rec *recs;
    size_t n_recs;
    int rc = units_members_load(db, a, found->id, &recs, &n_recs);
    if (rc)
        return rc;
    int changed = 0;
    if (h->address[0] && strcmp(h->address, found->address) != 0) {
        if ((rc = units_set_address_raw(db, found->id, h->address)) != 0)
            return rc;
        if ((rc = units_event(db, actor, found->id, "imported", "địa chỉ")) != 0)
            return rc;
        changed = 1;
    }
    int64_t rep_id = 0;
    for (size_t k = 0; k < h->n_members; k++) {
        size_t idx = h->first_row + k;
        const struct roll_row *r = &rf->rows[idx];
        const char *fold = utf8_fold(a, r->full_name, strlen(r->full_name), NULL);
        struct member_rec *m = match_member(recs, n_recs, fold ? fold : "", r->birth);
        struct member_input in = row_input(r);
        int64_t id;
        if (m) {
            m->matched = 1;
            id = m->id;
            /* A blank cell in the file keeps what the roll already knows. */
            if (!in.birth[0] || (strlen(in.birth) == 4 && strlen(m->birth) == 10 &&
                                 strncmp(m->birth, in.birth, 4) == 0))
                in.birth = m->birth;
            if (!in.gender[0])
                in.gender = m->gender;
            if (!in.relation[0])
                in.relation = m->relation;
            if (!in.phone[0])
                in.phone = m->phone;
            if (!in.national_id[0])
                in.national_id = m->national_id;
            if (!str_same(in.birth, m->birth) || !str_same(in.gender, m->gender) ||
                !str_same(in.relation, m->relation) || !str_same(in.phone, m->phone) ||
                !str_same(in.national_id, m->national_id)) {
                if ((rc = units_member_update_raw(db, id, &in)) != 0)
                    return rc;
                if ((rc = units_event(db, actor, found->id, "imported", r->full_name)) != 0)
                    return rc;
                rep->updated_members++;
                changed = 1;
            }
        } else {
            if ((rc = units_member_insert(db, found->id, &in, &id)) != 0)
                return rc;
            if ((rc = units_event(db, actor, found->id, "member_added", r->full_name)) != 0)
                return rc;
            rep->added_members++;
            changed = 1;
        }
        if ((ptrdiff_t)idx == h->representative_row)
            rep_id = id;
    }
    if (rep_id && rep_id != found->representative) {
        if ((rc = units_set_representative_raw(db, found->id, rep_id)) != 0)
            return rc;
        const char *name = rf->rows[h->representative_row].full_name;
        if ((rc = units_event(db, actor, found->id, "representative_changed", name)) != 0)
            return rc;
        rep->rep_changes++;
        changed = 1;
    }
    if (changed)
        rep->updated_households++;
    return 0;
}

static int add_household(struct db *db, int64_t actor, int64_t commune_id,
                         const struct roll_file *rf, const struct roll_household *h,
                         struct roll_import_report *rep)
{
    int64_t hid;
    int rc = units_household_insert(db, commune_id, h->village_id, h->code, h->address, &hid);
    if (rc)
        return rc;
    int64_t rep_id = 0;
    for (size_t k = 0; k < h->n_members; k++) {
        size_t idx = h->first_row + k;
        struct member_input in = row_input(&rf->rows[idx]);
        int64_t id;
        if ((rc = units_member_insert(db, hid, &in, &id)) != 0)
            return rc;
        if ((ptrdiff_t)idx == h->representative_row || (k == 0 && h->representative_row < 0))
            rep_id = id;
        rep->added_members++;
    }
    if ((rc = units_set_representative_raw(db, hid, rep_id)) != 0)
        return rc;
    rep->added_households++;
    return units_event(db, actor, hid, "created", "nhập từ tệp danh sách hộ");
}

int units_roll_import(struct db *db, struct arena *a, int64_t actor, int64_t unit_id,
                      const char *bytes, size_t len, struct roll_import_report *rep)
{
    /* A write job may run twice (store.h): the first run's report goes. */
    json_decref(rep->errors);
    json_decref(rep->missing);
    memset(rep, 0, sizeof *rep);
    rep->errors = json_array();
    rep->missing = json_array();
    struct unit u, commune;
    int rc = units_get_id(db, unit_id, &u);
    if (rc)
        return rc;
    if ((rc = units_commune_of(db, unit_id, &commune)) != 0) {
        report_error(rep, 0, "Chỉ nhập danh sách hộ cho một xã, phường hoặc thôn, tổ dân phố.");
        return ERR_INVALID;
    }
    struct unit *villages;
    size_t n_villages;
    if (commune.id == u.id) {
        if ((rc = units_villages_of(db, a, commune.id, &villages, &n_villages)) != 0)
            return rc;
    } else {
        villages = &u;
        n_villages = 1;
    }
    struct roll_village *rv = arena_alloc(a, (n_villages + 1) * sizeof *rv);
    for (size_t i = 0; i < n_villages; i++) {
        rv[i].id = villages[i].id;
        rv[i].code = villages[i].code;
        rv[i].name = villages[i].name;
    }
    struct roll_opts opts = {date_vn_from_time(time(NULL)), rv, n_villages};
    struct roll_file rf;
    if ((rc = rollfile_parse(a, bytes, len, &opts, &rf)) != 0 && rc != ERR_INVALID &&
        rc != ERR_TOO_LARGE)
        return rc;
    for (size_t i = 0; i < rf.n_errors; i++)
        report_error(rep, rf.errors[i].line, rf.errors[i].message);
    /* A file with bad rows is still checked against the roll (codes used elsewhere), so that
     * every bad line is listed at once; nothing is applied. */
    int check_only = rf.n_errors > 0;
    if (!check_only && rf.n_households == 0) {
        report_error(rep, 0, "Tệp không có hộ nào.");
        return ERR_INVALID;
    }

    json_t *seen = json_object();
    for (size_t i = 0; i < rf.n_households; i++) {
        const struct roll_household *h = &rf.households[i];
        int line = rf.rows[h->first_row].line;
        json_object_set_new(seen, h->code, json_true());
        struct hh_found found;
        rc = units_household_find(db, commune.id, h->code, &found);
        if (rc == ERR_NOT_FOUND) {
            rc = 0;
            if (!check_only && (rc = add_household(db, actor, commune.id, &rf, h, rep)) != 0)
                goto out;
            continue;
        }
        if (rc)
            goto out;
        if (found.village_id != h->village_id) {
            struct unit other;
            const char *oname = units_get_id(db, found.village_id, &other) == 0 ? other.name : "?";
            report_error(rep, line,
                         arena_printf(a,
                                      "Mã hộ %s đã dùng cho một hộ ở %s, không thể dùng lại "
                                      "cho hộ ở thôn khác.",
                                      h->code, oname));
            continue;
        }
        if (strcmp(found.status, "active") != 0) {
            report_error(rep, line,
                         arena_printf(a,
                                      "Mã hộ %s thuộc một hộ đã chuyển đi hoặc đã nhập hộ "
                                      "khác; hãy dùng mã hộ mới.",
                                      h->code));
            continue;
        }
        if (check_only)
            continue;
        if ((rc = update_household(db, a, actor, &rf, h, &found, rep)) != 0)
            goto out;
    }
    if (json_array_size(rep->errors)) {
        rc = ERR_INVALID;
        goto out;
    }
    json_t *codes;
    if ((rc = units_active_codes(db, unit_id, &codes)) != 0)
        goto out;
    size_t i;
    json_t *c;
    json_array_foreach(codes, i, c)
    {
        if (!json_object_get(seen, json_string_value(c)))
            json_array_append(rep->missing, c);
    }
    json_decref(codes);
    if (rep->added_households || rep->updated_households) {
        char detail[160];
        snprintf(detail, sizeof detail, "thêm %d hộ, cập nhật %d hộ, thêm %d người",
                 rep->added_households, rep->updated_households, rep->added_members);
        rc = audit_append(db, actor, unit_id, "roll.import", u.code, detail);
    }
out:
    json_decref(seen);
    return rc;
}

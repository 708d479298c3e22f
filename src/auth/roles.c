/*
 * roles.c - role ids, the permission table and the unit-scoped check.
 *
 * A grant is (role, unit) and covers the unit and everything below it. The
 * caller passes the unit's ancestor chain (the units module keeps it), so a
 * check is a scan of the user's few grants and never a query: the per-request
 * permission queries are what make the peers slow (DESIGN.md).
 */
#include <string.h>

#include "auth/internal.h"
#include "core/core.h"

static const char *const role_names[AUTH_ROLE_COUNT] = {
    [AUTH_ROLE_RESIDENT] = "resident",
    [AUTH_ROLE_VILLAGE_HEAD] = "village_head",
    [AUTH_ROLE_FRONT_BOARD] = "front_board",
    [AUTH_ROLE_OFFICER] = "officer",
    [AUTH_ROLE_UNIT_ADMIN] = "unit_admin",
    [AUTH_ROLE_CHAIRPERSON] = "chairperson",
    [AUTH_ROLE_INSPECTION_BOARD] = "inspection_board",
    [AUTH_ROLE_INVESTMENT_BOARD] = "investment_board",
    [AUTH_ROLE_COUNCIL] = "council",
    [AUTH_ROLE_FRONT] = "front",
    [AUTH_ROLE_PROVINCE_ADMIN] = "province_admin",
};

#define R(x) (1u << (AUTH_ROLE_##x))

/* Roles that may edit the household roll; viewing adds the supervising bodies. */
#define ROLL_EDITORS                                                                               \
    (R(VILLAGE_HEAD) | R(OFFICER) | R(UNIT_ADMIN) | R(CHAIRPERSON) | R(PROVINCE_ADMIN))

struct perm_row {
    const char *name; /* permission id, e.g. "roll.edit" */
    unsigned roles;   /* bit (1 << enum auth_role) for each role that holds it */
};

/* Keep in step with the table in auth.h. */
static const struct perm_row perms[] = {
    {"roll.view", ROLL_EDITORS | R(FRONT_BOARD) | R(INSPECTION_BOARD) | R(COUNCIL) | R(FRONT)},
    {"roll.edit", ROLL_EDITORS},
    {"roll.import", ROLL_EDITORS},
    {"resident.confirm", R(VILLAGE_HEAD) | R(OFFICER) | R(UNIT_ADMIN)},
    {"units.view", (1u << AUTH_ROLE_COUNT) - 1},
    {"units.edit", R(UNIT_ADMIN) | R(PROVINCE_ADMIN)},
    {"users.manage", R(UNIT_ADMIN) | R(CHAIRPERSON) | R(PROVINCE_ADMIN)},
    {"disclosure.manage", R(OFFICER) | R(UNIT_ADMIN) | R(CHAIRPERSON)},
    {"disclosure.post", R(VILLAGE_HEAD) | R(OFFICER) | R(UNIT_ADMIN) | R(CHAIRPERSON)},
    {"disclosure.view", R(VILLAGE_HEAD) | R(OFFICER) | R(UNIT_ADMIN) | R(CHAIRPERSON) |
                            R(INSPECTION_BOARD) | R(COUNCIL) | R(FRONT) | R(PROVINCE_ADMIN)},
    {"disclosure.secret", R(OFFICER) | R(UNIT_ADMIN) | R(CHAIRPERSON)},
    {"feedback.manage", R(OFFICER) | R(UNIT_ADMIN) | R(CHAIRPERSON)},
    {"feedback.view", R(OFFICER) | R(UNIT_ADMIN) | R(CHAIRPERSON) | R(INSPECTION_BOARD) |
                          R(COUNCIL) | R(FRONT) | R(PROVINCE_ADMIN)},
    {"audit.view",
     R(UNIT_ADMIN) | R(CHAIRPERSON) | R(INSPECTION_BOARD) | R(COUNCIL) | R(PROVINCE_ADMIN)},
    {"reception.manage", R(OFFICER) | R(UNIT_ADMIN) | R(CHAIRPERSON)},
    {"rating.manage", R(OFFICER) | R(UNIT_ADMIN) | R(CHAIRPERSON)},
    {"consultation.manage", R(OFFICER) | R(UNIT_ADMIN) | R(CHAIRPERSON)},
    {"consultation.view", R(OFFICER) | R(UNIT_ADMIN) | R(CHAIRPERSON) | R(INSPECTION_BOARD) |
                              R(COUNCIL) | R(FRONT) | R(PROVINCE_ADMIN)},
    {"consultation.staff", R(OFFICER) | R(UNIT_ADMIN) | R(CHAIRPERSON)},
    {"decision.recognise", R(CHAIRPERSON) | R(UNIT_ADMIN)},
    {"decision.view", R(VILLAGE_HEAD) | R(FRONT_BOARD) | R(OFFICER) | R(UNIT_ADMIN) |
                          R(CHAIRPERSON) | R(INSPECTION_BOARD) | R(COUNCIL) | R(FRONT) |
                          R(PROVINCE_ADMIN)},
    {"decision.recognise_front", R(FRONT)},
    {"decision.commune", R(CHAIRPERSON) | R(UNIT_ADMIN)},
    {"decision.manage",
     R(VILLAGE_HEAD) | R(FRONT_BOARD) | R(OFFICER) | R(UNIT_ADMIN) | R(CHAIRPERSON)},
    {"rating.view", R(OFFICER) | R(UNIT_ADMIN) | R(CHAIRPERSON) | R(INSPECTION_BOARD) | R(COUNCIL) |
                        R(FRONT) | R(PROVINCE_ADMIN)},
};

const char *auth_role_name(enum auth_role r)
{
    if ((unsigned)r >= AUTH_ROLE_COUNT)
        return "";
    return role_names[r];
}

const char *auth_role_label(enum auth_role r)
{
    static const char *const labels[AUTH_ROLE_COUNT] = {
        "Người dân",
        "Trưởng thôn, tổ trưởng tổ dân phố",
        "Ban công tác Mặt trận",
        "Công chức",
        "Quản trị đơn vị",
        "Chủ tịch Ủy ban nhân dân",
        "Ban Thanh tra nhân dân",
        "Ban Giám sát đầu tư của cộng đồng",
        "Hội đồng nhân dân",
        "Ủy ban Mặt trận Tổ quốc",
        "Quản trị cấp tỉnh",
    };
    return (unsigned)r < AUTH_ROLE_COUNT ? labels[r] : "";
}

int auth_role_parse(const char *s, enum auth_role *out)
{
    if (!s)
        return ERR_INVALID;
    for (unsigned i = 0; i < AUTH_ROLE_COUNT; i++) {
        if (strcmp(s, role_names[i]) == 0) {
            *out = (enum auth_role)i;
            return 0;
        }
    }
    return ERR_INVALID;
}

static const struct perm_row *perm_find(const char *perm)
{
    if (!perm)
        return NULL;
    for (size_t i = 0; i < sizeof perms / sizeof perms[0]; i++)
        if (strcmp(perm, perms[i].name) == 0)
            return &perms[i];
    return NULL;
}

int auth_perm_known(const char *perm)
{
    return perm_find(perm) != NULL;
}

int auth_perm_has_role(const char *perm, enum auth_role r)
{
    const struct perm_row *p = perm_find(perm);
    if (!p || (unsigned)r >= AUTH_ROLE_COUNT)
        return 0;
    return (p->roles >> r) & 1u;
}

/* The set of roles that satisfy role_or_perm, as a bit mask; 0 for an unknown name. */
static unsigned wanted_roles(const char *role_or_perm)
{
    const struct perm_row *p = perm_find(role_or_perm);
    enum auth_role r;
    if (p)
        return p->roles;
    if (auth_role_parse(role_or_perm, &r) == 0)
        return 1u << r;
    return 0;
}

static int role_in(unsigned want, enum auth_role r)
{
    return (unsigned)r < AUTH_ROLE_COUNT && ((want >> r) & 1u);
}

static int unit_covered(int64_t grant_unit, int64_t unit_id, const int64_t *ancestors,
                        size_t n_ancestors)
{
    if (grant_unit == unit_id)
        return 1;
    for (size_t i = 0; i < n_ancestors; i++)
        if (ancestors[i] == grant_unit)
            return 1;
    return 0;
}

int auth_can(const struct auth_user *u, const char *role_or_perm, int64_t unit_id,
             const int64_t *ancestors, size_t n_ancestors)
{
    unsigned want;
    if (!u || u->id == 0 || u->status != AUTH_STATUS_ACTIVE)
        return 0;
    want = wanted_roles(role_or_perm);
    if (want == 0) {
        log_warn("auth: check of unknown role or permission \"%s\"",
                 role_or_perm ? role_or_perm : "(null)");
        return 0;
    }
    if (unit_id <= 0 || (n_ancestors > 0 && !ancestors))
        return 0;
    for (size_t i = 0; i < u->n_grants && i < AUTH_GRANTS_MAX; i++) {
        const struct auth_grant *g = &u->grants[i];
        if (role_in(want, g->role) && unit_covered(g->unit_id, unit_id, ancestors, n_ancestors))
            return 1;
    }
    return 0;
}

int auth_can_anywhere(const struct auth_user *u, const char *role_or_perm)
{
    unsigned want;
    if (!u || u->id == 0 || u->status != AUTH_STATUS_ACTIVE)
        return 0;
    want = wanted_roles(role_or_perm);
    for (size_t i = 0; i < u->n_grants && i < AUTH_GRANTS_MAX; i++)
        if (role_in(want, u->grants[i].role))
            return 1;
    return 0;
}

int auth_role_grant(struct db *db, int64_t account_id, int64_t unit_id, const char *role)
{
    enum auth_role r;
    if (account_id <= 0 || unit_id <= 0 || auth_role_parse(role, &r) < 0)
        return ERR_INVALID;
    return auth_store_grant_insert(db, account_id, unit_id, auth_role_name(r));
}

int auth_role_revoke(struct db *db, int64_t account_id, int64_t unit_id, const char *role)
{
    enum auth_role r;
    int64_t n = 0;
    int rc;
    if (auth_role_parse(role, &r) < 0)
        return ERR_INVALID;
    rc = auth_store_grant_delete(db, account_id, unit_id, auth_role_name(r), &n);
    if (rc == 0 && n == 0)
        rc = ERR_NOT_FOUND;
    return rc;
}

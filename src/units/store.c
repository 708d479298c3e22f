/*
 * store.c - all SQL of the units module: units, households, members,
 * household events. Every write also appends an audit row (auth) in the
 * caller's transaction. Statements are static so each connection caches them.
 */
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "units/internal.h"

/* ---- units ---------------------------------------------------------------------------- */

static const char sql_unit_by_code[] =
    "SELECT id, code, kind, name, COALESCE(parent_id, 0) FROM units WHERE code = $1";
static const char sql_unit_by_id[] =
    "SELECT id, code, kind, name, COALESCE(parent_id, 0) FROM units WHERE id = $1";
static const char sql_unit_insert[] = "INSERT INTO units (code, kind, name, name_fold, parent_id, "
                                      "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
static const char sql_unit_rename[] = "UPDATE units SET name = $2, name_fold = $3 WHERE id = $1";
static const char sql_units_all[] =
    "SELECT u.code, u.kind, u.name, COALESCE(p.code, '') AS parent FROM units u "
    "LEFT JOIN units p ON p.id = u.parent_id ORDER BY u.code";
/* Active households of each child: a village's own count, a commune's the sum of its villages'
 * (both kept by triggers, migration 0008). */
static const char sql_units_children[] =
    "SELECT u.id, u.code, u.kind, u.name, u.n_active + "
    "COALESCE((SELECT SUM(c.n_active) FROM units c WHERE c.parent_id = u.id), 0) AS n_households "
    "FROM units u WHERE u.parent_id = $1 ORDER BY u.code";

static const char *const unit_kinds[][2] = {
    {"province", "Tỉnh/Thành phố"}, {"commune_rural", "Xã"}, {"ward", "Phường"},
    {"special_zone", "Đặc khu"},    {"village", "Thôn"},     {"residential_group", "Tổ dân phố"},
    {"agency", "Cơ quan"},
};

int units_kind_valid(const char *kind)
{
    for (size_t i = 0; i < sizeof unit_kinds / sizeof unit_kinds[0]; i++)
        if (strcmp(unit_kinds[i][0], kind) == 0)
            return 1;
    return 0;
}

int units_kind_is_commune(const char *kind)
{
    return strcmp(kind, "commune_rural") == 0 || strcmp(kind, "ward") == 0 ||
           strcmp(kind, "special_zone") == 0;
}

int units_get_commune(struct db *db, const char *code, struct unit *out)
{
    int rc = units_get(db, code, out);
    if (rc)
        return rc;
    return units_kind_is_commune(out->kind) ? 0 : ERR_NOT_FOUND;
}

const char *units_kind_label(const char *kind)
{
    for (size_t i = 0; i < sizeof unit_kinds / sizeof unit_kinds[0]; i++)
        if (strcmp(unit_kinds[i][0], kind) == 0)
            return unit_kinds[i][1];
    return kind;
}

static int read_unit(struct db_stmt *st, struct unit *out)
{
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->id = db_col_int(st, 0);
        snprintf(out->code, sizeof out->code, "%s", db_col_text(st, 1));
        snprintf(out->kind, sizeof out->kind, "%s", db_col_text(st, 2));
        snprintf(out->name, sizeof out->name, "%s", db_col_text(st, 3));
        out->parent_id = db_col_int(st, 4);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_NOT_FOUND;
    }
    db_reset(st);
    return rc;
}

int units_get(struct db *db, const char *code, struct unit *out)
{
    struct db_stmt *st;
    int rc;
    if (units_cache_by_code(db, code, out, &rc))
        return rc;
    rc = db_prepare(db, sql_unit_by_code, &st);
    if (rc)
        return rc;
    db_bind_cstr(st, 1, code);
    return read_unit(st, out);
}

int units_get_id(struct db *db, int64_t id, struct unit *out)
{
    struct db_stmt *st;
    int rc;
    if (units_cache_by_id(db, id, out, &rc))
        return rc;
    rc = db_prepare(db, sql_unit_by_id, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    return read_unit(st, out);
}

int units_ancestors(struct db *db, int64_t unit_id, int64_t *out, size_t max, size_t *n)
{
    size_t k = 0;
    int64_t id = unit_id;
    while (id && k < max) {
        struct unit u;
        int rc = units_get_id(db, id, &u);
        if (rc)
            return rc;
        out[k++] = u.id;
        id = u.parent_id;
    }
    *n = k;
    return 0;
}

int units_commune_of(struct db *db, int64_t unit_id, struct unit *out)
{
    int64_t id = unit_id;
    for (int depth = 0; id && depth < 8; depth++) {
        int rc = units_get_id(db, id, out);
        if (rc)
            return rc;
        if (units_kind_is_commune(out->kind))
            return 0;
        id = out->parent_id;
    }
    return ERR_NOT_FOUND;
}

int units_add(struct db *db, int64_t actor, const char *code, const char *kind, const char *name,
              const char *parent_code, int64_t *id)
{
    struct unit parent = {0};
    struct arena *a = arena_new(0);
    int rc = 0;
    if (!units_kind_valid(kind) || !code[0] || !name[0]) {
        rc = ERR_INVALID;
        goto out;
    }
    if (parent_code && parent_code[0] && (rc = units_get(db, parent_code, &parent)) != 0)
        goto out;
    const char *fold = utf8_fold(a, name, strlen(name), NULL);
    if (!fold) {
        rc = ERR_INVALID;
        goto out;
    }
    struct db_stmt *st;
    if ((rc = db_prepare(db, sql_unit_insert, &st)) != 0)
        goto out;
    db_bind_cstr(st, 1, code);
    db_bind_cstr(st, 2, kind);
    db_bind_cstr(st, 3, name);
    db_bind_cstr(st, 4, fold);
    if (parent.id)
        db_bind_int(st, 5, parent.id);
    else
        db_bind_null(st, 5);
    db_bind_int(st, 6, (int64_t)time(NULL));
    rc = db_step(st);
    if (rc == DB_ROW) {
        *id = db_col_int(st, 0);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_DB;
    }
    db_reset(st);
    if (rc == 0)
        rc = audit_append(db, actor, *id, "unit.add", code, name);
out:
    arena_free(a);
    return rc;
}

int units_list_json(struct db *db, json_t **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_units_all, &st);
    if (rc)
        return rc;
    json_t *rows;
    if ((rc = db_rows_json(st, &rows)) != 0)
        return rc;
    *out = json_pack("{s:o}", "units", rows);
    return 0;
}

int units_children_json(struct db *db, int64_t unit_id, json_t **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_units_children, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    if ((rc = db_rows_json(st, out)) != 0)
        return rc;
    size_t i;
    json_t *row;
    json_array_foreach(*out, i, row)
    {
        const char *kind = json_string_value(json_object_get(row, "kind"));
        json_object_set_new(row, "kind_label", json_string(units_kind_label(kind ? kind : "")));
    }
    return 0;
}

static void add_error(json_t *errors, int line, const char *msg)
{
    json_array_append_new(errors, json_pack("{s:i,s:s}", "line", line, "message", msg));
}

int units_import_csv(struct db *db, int64_t actor, const char *text, size_t len, json_t *errors,
                     int *n_added, int *n_updated)
{
    struct arena *a = arena_new(0);
    int rc = 0, line = 0;
    *n_added = *n_updated = 0;
    json_array_clear(errors); /* a write job may run twice (store.h) */
    const char *p = text, *end = text + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    if (!utf8_valid(p, (size_t)(end - p))) {
        add_error(errors, 0, "Tệp không phải UTF-8.");
        rc = ERR_INVALID;
        goto out;
    }
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        struct str ln = str_trim((struct str){p, (size_t)(le - p)});
        p = nl ? nl + 1 : end;
        line++;
        if (ln.len == 0 || ln.ptr[0] == '#')
            continue;
        /* code,kind,name,parent - names hold no commas in official lists; a quoted name is
         * accepted. */
        char *fields[4] = {0};
        size_t nf = 0;
        size_t i = 0;
        while (i <= ln.len && nf < 4) {
            struct buf f;
            buf_init(&f, a);
            buf_puts(&f, "");
            if (i < ln.len && ln.ptr[i] == '"') {
                i++;
                while (i < ln.len) {
                    if (ln.ptr[i] == '"' && i + 1 < ln.len && ln.ptr[i + 1] == '"') {
                        buf_putc(&f, '"');
                        i += 2;
                    } else if (ln.ptr[i] == '"') {
                        i++;
                        break;
                    } else {
                        buf_putc(&f, ln.ptr[i++]);
                    }
                }
                while (i < ln.len && ln.ptr[i] != ',')
                    i++;
            } else {
                while (i < ln.len && ln.ptr[i] != ',')
                    buf_putc(&f, ln.ptr[i++]);
            }
            struct str t = str_trim((struct str){f.ptr, f.len});
            fields[nf++] = utf8_nfc(a, t.ptr, t.len, NULL);
            i++;
        }
        if (line == 1 && nf >= 3 && strcmp(fields[0], "code") == 0)
            continue; /* header */
        if (nf < 3 || !fields[0][0] || !fields[1][0] || !fields[2][0]) {
            add_error(errors, line, "Thiếu mã, loại hoặc tên đơn vị (cần: code,kind,name,parent).");
            continue;
        }
        if (!units_kind_valid(fields[1])) {
            add_error(errors, line,
                      arena_printf(a,
                                   "Loại đơn vị “%s” không hợp lệ (province, commune_rural, "
                                   "ward, special_zone, village, residential_group, agency).",
                                   fields[1]));
            continue;
        }
        const char *parent = nf > 3 ? fields[3] : "";
        struct unit u;
        int grc = units_get(db, fields[0], &u);
        if (grc == 0) {
            if (strcmp(u.kind, fields[1]) != 0) {
                add_error(
                    errors, line,
                    arena_printf(a, "Mã %s đã dùng cho đơn vị loại khác (%s).", fields[0], u.kind));
                continue;
            }
            if (strcmp(u.name, fields[2]) != 0) {
                struct db_stmt *st;
                if ((rc = db_prepare(db, sql_unit_rename, &st)) != 0)
                    goto out;
                db_bind_int(st, 1, u.id);
                db_bind_cstr(st, 2, fields[2]);
                db_bind_cstr(st, 3, utf8_fold(a, fields[2], strlen(fields[2]), NULL));
                rc = db_step(st) == DB_DONE ? 0 : ERR_DB;
                db_reset(st);
                if (rc || (rc = audit_append(db, actor, u.id, "unit.rename", u.code, fields[2])))
                    goto out;
                (*n_updated)++;
            }
            continue;
        } else if (grc != ERR_NOT_FOUND) {
            rc = grc;
            goto out;
        }
        if (parent[0]) {
            struct unit pu;
            if (units_get(db, parent, &pu) != 0) {
                add_error(errors, line,
                          arena_printf(a, "Không tìm thấy đơn vị cấp trên có mã %s.", parent));
                continue;
            }
        }
        int64_t id;
        if ((rc = units_add(db, actor, fields[0], fields[1], fields[2], parent, &id)) != 0)
            goto out;
        (*n_added)++;
    }
    if (json_array_size(errors))
        rc = ERR_INVALID;
out:
    arena_free(a);
    return rc;
}

/* ---- households ---------------------------------------------------------------------- */

/* The household list, one page of a village or a commune, in code order (household codes
 * begin with their village's code) straight from an index, without sorting the commune: 350 us
 * -> 30 us for a commune of 1,500 households. The member count and the
 * representative's name are columns of households kept by triggers (migration 0008), not a
 * subquery and a join per row. Without a search the statements leave out the search clause: SQLite
 * does not fold "$2 = '' OR EXISTS (...)" away at prepare time, and evaluating it costs as much as
 * the rest of the page. */
#define HH_COLUMNS                                                                                 \
    "SELECT h.id, h.code, h.address, h.status, v.code AS village_code, v.name AS village, "        \
    "h.representative_name AS representative, h.n_members "                                        \
    "FROM households h JOIN units v ON v.id = h.village_id "
#define HH_SEARCH                                                                                  \
    "AND ($2 = '' OR h.code = $3 OR EXISTS (SELECT 1 FROM members m WHERE m.household_id = h.id "  \
    "AND m.name_fold LIKE $2)) "
static const char sql_hh_count_village[] =
    "SELECT COUNT(*) FROM households h WHERE h.village_id = $1 " HH_SEARCH;
static const char sql_hh_count_commune[] =
    "SELECT COUNT(*) FROM households h WHERE h.commune_id = $1 " HH_SEARCH;
static const char sql_hh_page_village[] =
    HH_COLUMNS "WHERE h.village_id = $1 " HH_SEARCH "ORDER BY h.status, h.code LIMIT $4 OFFSET $5";
static const char sql_hh_page_commune[] =
    HH_COLUMNS "WHERE h.commune_id = $1 " HH_SEARCH "ORDER BY h.status, h.code LIMIT $4 OFFSET $5";
/* Without a search, the counts kept by triggers (migration 0008). */
static const char sql_hh_count_village_all[] = "SELECT n_households FROM units WHERE id = $1";
static const char sql_hh_count_commune_all[] =
    "SELECT COALESCE(SUM(n_households), 0) FROM units WHERE parent_id = $1";
static const char sql_hh_page_village_all[] =
    HH_COLUMNS "WHERE h.village_id = $1 ORDER BY h.status, h.code LIMIT $2 OFFSET $3";
static const char sql_hh_page_commune_all[] =
    HH_COLUMNS "WHERE h.commune_id = $1 ORDER BY h.status, h.code LIMIT $2 OFFSET $3";
static const char sql_hh_get[] =
    "SELECT h.id, h.code, h.address, h.status, h.commune_id, h.village_id, v.code AS village_code,"
    " v.name AS village, COALESCE(h.representative_id, 0) AS representative_id, h.created_at, "
    "h.updated_at FROM households h JOIN units v ON v.id = h.village_id WHERE h.id = $1";
static const char sql_hh_members[] =
    "SELECT id, full_name, birth, gender, relation, phone, national_id, status FROM members "
    "WHERE household_id = $1 ORDER BY status, id";
static const char sql_hh_events[] =
    "SELECT e.kind, e.detail, e.at, COALESCE(a.display_name, '') AS actor FROM household_events e "
    "LEFT JOIN accounts a ON a.id = e.actor_id WHERE e.household_id = $1 ORDER BY e.id DESC";
static const char sql_hh_by_code[] = "SELECT id, village_id, status, address, "
                                     "COALESCE(representative_id, 0) FROM households "
                                     "WHERE commune_id = $1 AND code = $2";
/*
 * The roll's writes that fire the summary triggers of migration 0008 say OR FAIL on SQLite:
 * with the default ABORT, a statement whose triggers write other rows keeps a statement
 * journal (a copy of every page it touches that the transaction already changed) to undo
 * itself should it fail halfway; FAIL keeps none, the policy reaches the trigger bodies, and
 * a failed job is undone whole by the write queue (its batch rolled back, then the job's own
 * savepoint). 7% of the rate of household additions. PostgreSQL has no such clause nor cost.
 */
#define HH_INSERT                                                                                  \
    "INTO households (commune_id, village_id, code, address, status, created_at, updated_at) "     \
    "VALUES ($1, $2, $3, $4, 'active', $5, $5) RETURNING id"
static const char sql_hh_insert[] = "INSERT OR FAIL " HH_INSERT;
static const char sql_hh_insert_pg[] = "INSERT " HH_INSERT;
#define HH_SET_REP "households SET representative_id = $2, updated_at = $3 WHERE id = $1"
static const char sql_hh_set_rep[] = "UPDATE OR FAIL " HH_SET_REP;
static const char sql_hh_set_rep_pg[] = "UPDATE " HH_SET_REP;
static const char sql_hh_set_address[] =
    "UPDATE households SET address = $2, updated_at = $3 WHERE id = $1";
static const char sql_hh_set_status[] =
    "UPDATE households SET status = $2, updated_at = $3 WHERE id = $1";
static const char sql_hh_village[] = "SELECT village_id, commune_id, status, "
                                     "COALESCE(representative_id, 0) FROM households WHERE id = $1";
#define MEMBER_INSERT                                                                              \
    "INTO members (household_id, full_name, name_fold, birth, gender, relation, phone, "           \
    "national_id, status, created_at, updated_at) "                                                \
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $9) RETURNING id"
static const char sql_member_insert[] = "INSERT OR FAIL " MEMBER_INSERT;
static const char sql_member_insert_pg[] = "INSERT " MEMBER_INSERT;
static const char sql_member_get[] =
    "SELECT id, household_id, full_name, status FROM members WHERE id = $1";
static const char sql_member_status[] =
    "UPDATE members SET status = $2, updated_at = $3 WHERE id = $1";
static const char sql_member_move[] =
    "UPDATE members SET household_id = $2, updated_at = $3 WHERE id = $1";
static const char sql_member_active_ids[] =
    "SELECT id FROM members WHERE household_id = $1 AND status = 'active' ORDER BY id";
static const char sql_event_insert[] = "INSERT INTO household_events (household_id, kind, detail, "
                                       "actor_id, at) VALUES ($1, $2, $3, $4, $5)";

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

static int exec_done(struct db_stmt *st)
{
    int rc = db_step(st);
    db_reset(st);
    return rc == DB_DONE || rc == DB_ROW ? 0 : (rc < 0 ? rc : ERR_DB);
}

int units_event(struct db *db, int64_t actor, int64_t household_id, const char *kind,
                const char *detail)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_event_insert, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, household_id);
    db_bind_cstr(st, 2, kind);
    db_bind_cstr(st, 3, detail ? detail : "");
    if (actor)
        db_bind_int(st, 4, actor);
    else
        db_bind_null(st, 4);
    db_bind_int(st, 5, now_s());
    if ((rc = exec_done(st)) != 0)
        return rc;
    char object[32];
    snprintf(object, sizeof object, "household:%lld", (long long)household_id);
    char action[64];
    snprintf(action, sizeof action, "household.%s", kind);
    return audit_append(db, actor, 0, action, object, detail ? detail : "");
}

static const char *event_label(const char *kind)
{
    static const char *const labels[][2] = {
        {"created", "Lập hộ"},
        {"moved_in", "Chuyển đến"},
        {"moved_out", "Chuyển đi"},
        {"split", "Tách hộ"},
        {"merged", "Nhập hộ"},
        {"representative_changed", "Đổi người đại diện"},
        {"member_added", "Thêm thành viên"},
        {"member_left", "Thành viên rời hộ"},
        {"member_deceased", "Thành viên qua đời"},
        {"updated", "Cập nhật thông tin"},
        {"imported", "Cập nhật từ tệp danh sách"},
    };
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(labels[i][0], kind) == 0)
            return labels[i][1];
    return kind;
}

static const char *gender_label(const char *g)
{
    if (strcmp(g, "nam") == 0)
        return "Nam";
    if (strcmp(g, "nu") == 0)
        return "Nữ";
    if (strcmp(g, "khac") == 0)
        return "Khác";
    return "";
}

static const char *status_label(const char *s)
{
    static const char *const labels[][2] = {
        {"active", "Đang cư trú"},    {"moved_out", "Đã chuyển đi"}, {"merged", "Đã nhập hộ khác"},
        {"dissolved", "Đã giải thể"}, {"left", "Đã rời hộ"},         {"deceased", "Đã mất"},
    };
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(labels[i][0], s) == 0)
            return labels[i][1];
    return s;
}

/* "dd/mm/yyyy hh:mm" in Vietnam's time. */
void units_format_time(int64_t t, char out[20])
{
    int64_t local = t + 7 * 3600;
    int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    int64_t secs = local - days * 86400;
    struct date d = date_from_days(days);
    snprintf(out, 20, "%02d/%02d/%04d %02d:%02d", d.d, d.m, d.y, (int)(secs / 3600),
             (int)(secs % 3600 / 60));
}

/* "yyyy-mm-dd" → "dd/mm/yyyy"; "yyyy" stays. */
static const char *birth_vn(struct arena *a, const char *birth)
{
    struct date d;
    if (strlen(birth) == 10 && date_parse(birth, &d) == 0) {
        char *out = arena_alloc(a, 11);
        date_format_vn(d, out);
        return out;
    }
    return birth;
}

int units_households_page(struct db *db, struct arena *a, const struct unit *u, const char *q,
                          int page, int per_page, json_t *model, struct rows **rows)
{
    const char *fold = q ? utf8_fold(a, q, strlen(q), NULL) : "";
    if (!fold)
        return ERR_INVALID;
    const char *like = fold[0] ? arena_printf(a, "%%%s%%", fold) : "";
    int64_t unit_id = u->id;
    int village = strcmp(u->kind, "village") == 0 || strcmp(u->kind, "residential_group") == 0;
    int all = like[0] == '\0';
    struct db_stmt *st;
    int rc = db_prepare(db,
                        all ? (village ? sql_hh_count_village_all : sql_hh_count_commune_all)
                            : (village ? sql_hh_count_village : sql_hh_count_commune),
                        &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    if (!all) {
        db_bind_cstr(st, 2, like);
        db_bind_cstr(st, 3, q);
    }
    int64_t total = 0;
    if (db_step(st) == DB_ROW)
        total = db_col_int(st, 0);
    db_reset(st);
    if (page < 1)
        page = 1;
    int pages = (int)((total + per_page - 1) / per_page);
    if (pages < 1)
        pages = 1;
    if (page > pages)
        page = pages;
    if ((rc = db_prepare(db,
                         all ? (village ? sql_hh_page_village_all : sql_hh_page_commune_all)
                             : (village ? sql_hh_page_village : sql_hh_page_commune),
                         &st)) != 0)
        return rc;
    db_bind_int(st, 1, unit_id);
    int next = 2;
    if (!all) {
        db_bind_cstr(st, 2, like);
        db_bind_cstr(st, 3, q);
        next = 4;
    }
    db_bind_int(st, next, per_page);
    db_bind_int(st, next + 1, (int64_t)(page - 1) * per_page);
    struct rows *t;
    if ((rc = db_rows(st, a, 2, &t)) != 0)
        return rc;
    int status = rows_col(t, "status", 6);
    size_t label = rows_add_col(t, "status_label"), active = rows_add_col(t, "active");
    for (size_t i = 0; status >= 0 && i < t->n_rows; i++) {
        const char *s = rows_text(rows_at(t, i, (size_t)status));
        rows_set_text(rows_at(t, i, label), status_label(s ? s : ""));
        rows_set_bool(rows_at(t, i, active), s && strcmp(s, "active") == 0);
    }
    *rows = t;
    json_object_set_new(model, "total", json_integer(total));
    json_object_set_new(model, "page", json_integer(page));
    json_object_set_new(model, "pages", json_integer(pages));
    if (page > 1)
        json_object_set_new(model, "prev_page", json_integer(page - 1));
    if (page < pages)
        json_object_set_new(model, "next_page", json_integer(page + 1));
    return 0;
}

int units_household_json(struct db *db, struct arena *a, int64_t household_id, json_t *model)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_hh_get, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, household_id);
    json_t *rows;
    if ((rc = db_rows_json(st, &rows)) != 0)
        return rc;
    if (json_array_size(rows) == 0) {
        json_decref(rows);
        return ERR_NOT_FOUND;
    }
    json_t *hh = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    const char *s = json_string_value(json_object_get(hh, "status"));
    json_object_set_new(hh, "status_label", json_string(status_label(s)));
    json_object_set_new(hh, "active", json_boolean(strcmp(s, "active") == 0));
    int64_t rep = json_integer_value(json_object_get(hh, "representative_id"));

    if ((rc = db_prepare(db, sql_hh_members, &st)) != 0)
        goto fail;
    db_bind_int(st, 1, household_id);
    json_t *members;
    if ((rc = db_rows_json(st, &members)) != 0)
        goto fail;
    size_t i;
    json_t *m;
    json_array_foreach(members, i, m)
    {
        int64_t id = json_integer_value(json_object_get(m, "id"));
        const char *ms = json_string_value(json_object_get(m, "status"));
        json_object_set_new(m, "is_representative", json_boolean(id == rep));
        json_object_set_new(m, "active", json_boolean(strcmp(ms, "active") == 0));
        json_object_set_new(m, "status_label", json_string(status_label(ms)));
        json_object_set_new(
            m, "gender_label",
            json_string(gender_label(json_string_value(json_object_get(m, "gender")))));
        json_object_set_new(
            m, "birth_vn",
            json_string(birth_vn(a, json_string_value(json_object_get(m, "birth")))));
        if (id == rep)
            json_object_set_new(hh, "representative",
                                json_string(json_string_value(json_object_get(m, "full_name"))));
    }
    if ((rc = db_prepare(db, sql_hh_events, &st)) != 0) {
        json_decref(members);
        goto fail;
    }
    db_bind_int(st, 1, household_id);
    json_t *events;
    if ((rc = db_rows_json(st, &events)) != 0) {
        json_decref(members);
        goto fail;
    }
    json_array_foreach(events, i, m)
    {
        char when[20];
        units_format_time(json_integer_value(json_object_get(m, "at")), when);
        json_object_set_new(m, "at_vn", json_string(when));
        json_object_set_new(
            m, "label", json_string(event_label(json_string_value(json_object_get(m, "kind")))));
        const char *who = json_string_value(json_object_get(m, "actor"));
        if (!who || !who[0])
            json_object_del(m, "actor"); /* the system acted (import, demo): no "()" */
    }
    json_object_set_new(model, "household", hh);
    json_object_set_new(model, "members", members);
    json_object_set_new(model, "events", events);
    return 0;
fail:
    json_decref(hh);
    return rc;
}

int units_household_unit(struct db *db, int64_t household_id, int64_t *village_id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_hh_village, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, household_id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        *village_id = db_col_int(st, 0);
        rc = 0;
    } else {
        rc = rc == DB_DONE ? ERR_NOT_FOUND : rc;
    }
    db_reset(st);
    return rc;
}

/* Village, commune, status and representative of a household. */
struct hh_info {
    int64_t village_id;     /* its village */
    int64_t commune_id;     /* its commune */
    char status[16];        /* households.status */
    int64_t representative; /* member id or 0 */
};

static int hh_info(struct db *db, int64_t id, struct hh_info *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_hh_village, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        out->village_id = db_col_int(st, 0);
        out->commune_id = db_col_int(st, 1);
        snprintf(out->status, sizeof out->status, "%s", db_col_text(st, 2));
        out->representative = db_col_int(st, 3);
        rc = 0;
    } else {
        rc = rc == DB_DONE ? ERR_NOT_FOUND : rc;
    }
    db_reset(st);
    return rc;
}

int units_member_insert(struct db *db, int64_t household_id, const struct member_input *m,
                        int64_t *id)
{
    struct arena *a = arena_new(0);
    int rc = 0;
    const char *fold = utf8_fold(a, m->full_name, strlen(m->full_name), NULL);
    if (!fold || !fold[0]) {
        rc = ERR_INVALID;
        goto out;
    }
    struct db_stmt *st;
    if ((rc = db_prepare2(db, sql_member_insert, sql_member_insert_pg, &st)) != 0)
        goto out;
    db_bind_int(st, 1, household_id);
    db_bind_cstr(st, 2, m->full_name);
    db_bind_cstr(st, 3, fold);
    db_bind_cstr(st, 4, m->birth ? m->birth : "");
    db_bind_cstr(st, 5, m->gender ? m->gender : "");
    db_bind_cstr(st, 6, m->relation ? m->relation : "");
    db_bind_cstr(st, 7, m->phone ? m->phone : "");
    db_bind_cstr(st, 8, m->national_id ? m->national_id : "");
    db_bind_int(st, 9, now_s());
    rc = db_step(st);
    if (rc == DB_ROW) {
        *id = db_col_int(st, 0);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_DB;
    }
    db_reset(st);
out:
    arena_free(a);
    return rc;
}

int units_household_insert(struct db *db, int64_t commune_id, int64_t village_id, const char *code,
                           const char *address, int64_t *id)
{
    struct db_stmt *st;
    int rc = db_prepare2(db, sql_hh_insert, sql_hh_insert_pg, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, commune_id);
    db_bind_int(st, 2, village_id);
    db_bind_cstr(st, 3, code);
    db_bind_cstr(st, 4, address ? address : "");
    db_bind_int(st, 5, now_s());
    rc = db_step(st);
    if (rc == DB_ROW) {
        *id = db_col_int(st, 0);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_DB;
    }
    db_reset(st);
    return rc;
}

int units_household_find(struct db *db, int64_t commune_id, const char *code, struct hh_found *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_hh_by_code, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, commune_id);
    db_bind_cstr(st, 2, code);
    rc = db_step(st);
    if (rc == DB_ROW) {
        out->id = db_col_int(st, 0);
        out->village_id = db_col_int(st, 1);
        snprintf(out->status, sizeof out->status, "%s", db_col_text(st, 2));
        snprintf(out->address, sizeof out->address, "%s", db_col_text(st, 3));
        out->representative = db_col_int(st, 4);
        rc = 0;
    } else {
        rc = rc == DB_DONE ? ERR_NOT_FOUND : rc;
    }
    db_reset(st);
    return rc;
}

int units_set_representative_raw(struct db *db, int64_t household_id, int64_t member_id)
{
    struct db_stmt *st;
    int rc = db_prepare2(db, sql_hh_set_rep, sql_hh_set_rep_pg, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, household_id);
    if (member_id)
        db_bind_int(st, 2, member_id);
    else
        db_bind_null(st, 2);
    db_bind_int(st, 3, now_s());
    return exec_done(st);
}

int units_set_address_raw(struct db *db, int64_t household_id, const char *address)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_hh_set_address, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, household_id);
    db_bind_cstr(st, 2, address);
    db_bind_int(st, 3, now_s());
    return exec_done(st);
}

int units_household_add(struct db *db, int64_t actor, int64_t village_id, const char *code,
                        const char *address, const struct member_input *head, int64_t *id)
{
    struct unit village, commune;
    int rc = units_get_id(db, village_id, &village);
    if (rc)
        return rc;
    if (strcmp(village.kind, "village") != 0 && strcmp(village.kind, "residential_group") != 0)
        return ERR_INVALID;
    if ((rc = units_commune_of(db, village_id, &commune)) != 0)
        return rc;
    return units_household_add_in(db, actor, commune.id, village_id, code, address, head, id);
}

int units_household_add_in(struct db *db, int64_t actor, int64_t commune_id, int64_t village_id,
                           const char *code, const char *address, const struct member_input *head,
                           int64_t *id)
{
    /* A code already used in the commune fails the insert (UNIQUE (commune_id, code)) with
     * ERR_CONFLICT: no look-up first. */
    int rc = units_household_insert(db, commune_id, village_id, code, address, id);
    if (rc)
        return rc;
    int64_t mid;
    if ((rc = units_member_insert(db, *id, head, &mid)) != 0)
        return rc;
    if ((rc = units_set_representative_raw(db, *id, mid)) != 0)
        return rc;
    return units_event(db, actor, *id, "created", head->full_name);
}

int units_household_update(struct db *db, int64_t actor, int64_t household_id, const char *address)
{
    int rc = units_set_address_raw(db, household_id, address);
    if (rc)
        return rc;
    return units_event(db, actor, household_id, "updated", address);
}

int units_member_add(struct db *db, int64_t actor, int64_t household_id,
                     const struct member_input *m, int64_t *id)
{
    struct hh_info h;
    int rc = hh_info(db, household_id, &h);
    if (rc)
        return rc;
    if (strcmp(h.status, "active") != 0)
        return ERR_CONFLICT;
    if ((rc = units_member_insert(db, household_id, m, id)) != 0)
        return rc;
    if (!h.representative && (rc = units_set_representative_raw(db, household_id, *id)) != 0)
        return rc;
    return units_event(db, actor, household_id, "member_added", m->full_name);
}

struct member_row {
    int64_t household_id; /* its household */
    char name[256];       /* full name */
    char status[16];      /* members.status */
};

static int member_get(struct db *db, int64_t id, struct member_row *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_member_get, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        out->household_id = db_col_int(st, 1);
        snprintf(out->name, sizeof out->name, "%s", db_col_text(st, 2));
        snprintf(out->status, sizeof out->status, "%s", db_col_text(st, 3));
        rc = 0;
    } else {
        rc = rc == DB_DONE ? ERR_NOT_FOUND : rc;
    }
    db_reset(st);
    return rc;
}

static int set_status(struct db *db, const char *sql, int64_t id, const char *status)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_cstr(st, 2, status);
    db_bind_int(st, 3, now_s());
    return exec_done(st);
}

int units_member_leave(struct db *db, int64_t actor, int64_t member_id, const char *kind)
{
    struct member_row m;
    int rc = member_get(db, member_id, &m);
    if (rc)
        return rc;
    if (strcmp(m.status, "active") != 0)
        return ERR_CONFLICT;
    if (strcmp(kind, "left") != 0 && strcmp(kind, "deceased") != 0)
        return ERR_INVALID;
    struct hh_info h;
    if ((rc = hh_info(db, m.household_id, &h)) != 0)
        return rc;
    if ((rc = set_status(db, sql_member_status, member_id, kind)) != 0)
        return rc;
    if (h.representative == member_id &&
        (rc = units_set_representative_raw(db, m.household_id, 0)) != 0)
        return rc;
    return units_event(db, actor, m.household_id,
                       strcmp(kind, "left") == 0 ? "member_left" : "member_deceased", m.name);
}

int units_representative_set(struct db *db, int64_t actor, int64_t household_id, int64_t member_id)
{
    struct member_row m;
    int rc = member_get(db, member_id, &m);
    if (rc)
        return rc;
    if (m.household_id != household_id || strcmp(m.status, "active") != 0)
        return ERR_INVALID;
    struct hh_info h;
    if ((rc = hh_info(db, household_id, &h)) != 0)
        return rc;
    if (h.representative == member_id)
        return 0;
    if ((rc = units_set_representative_raw(db, household_id, member_id)) != 0)
        return rc;
    return units_event(db, actor, household_id, "representative_changed", m.name);
}

int units_household_move_out(struct db *db, int64_t actor, int64_t household_id)
{
    struct hh_info h;
    int rc = hh_info(db, household_id, &h);
    if (rc)
        return rc;
    if (strcmp(h.status, "active") != 0)
        return ERR_CONFLICT;
    if ((rc = set_status(db, sql_hh_set_status, household_id, "moved_out")) != 0)
        return rc;
    return units_event(db, actor, household_id, "moved_out", "");
}

static int move_member(struct db *db, int64_t member_id, int64_t to)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_member_move, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, member_id);
    db_bind_int(st, 2, to);
    db_bind_int(st, 3, now_s());
    return exec_done(st);
}

int units_household_split(struct db *db, int64_t actor, int64_t household_id, const char *new_code,
                          const int64_t *member_ids, size_t n_members, int64_t *new_id)
{
    struct hh_info h;
    int rc = hh_info(db, household_id, &h);
    if (rc)
        return rc;
    if (strcmp(h.status, "active") != 0 || n_members == 0)
        return ERR_CONFLICT;
    struct hh_found f;
    if (units_household_find(db, h.commune_id, new_code, &f) == 0)
        return ERR_CONFLICT;
    if ((rc = units_household_insert(db, h.commune_id, h.village_id, new_code, "", new_id)) != 0)
        return rc;
    for (size_t i = 0; i < n_members; i++) {
        struct member_row m;
        if ((rc = member_get(db, member_ids[i], &m)) != 0)
            return rc;
        if (m.household_id != household_id || strcmp(m.status, "active") != 0)
            return ERR_INVALID;
        if ((rc = move_member(db, member_ids[i], *new_id)) != 0)
            return rc;
        if (h.representative == member_ids[i] &&
            (rc = units_set_representative_raw(db, household_id, 0)) != 0)
            return rc;
    }
    if ((rc = units_set_representative_raw(db, *new_id, member_ids[0])) != 0)
        return rc;
    char detail[96];
    snprintf(detail, sizeof detail, "%s", new_code);
    if ((rc = units_event(db, actor, household_id, "split", detail)) != 0)
        return rc;
    return units_event(db, actor, *new_id, "created", "tách từ hộ khác");
}

int units_household_merge(struct db *db, int64_t actor, int64_t into_id, int64_t from_id)
{
    struct hh_info into, from;
    int rc = hh_info(db, into_id, &into);
    if (rc || (rc = hh_info(db, from_id, &from)) != 0)
        return rc;
    if (into_id == from_id || strcmp(into.status, "active") != 0 ||
        strcmp(from.status, "active") != 0)
        return ERR_CONFLICT;
    struct db_stmt *st;
    /* Move members in batches until none is left (a batch is read before it is moved). */
    for (;;) {
        if ((rc = db_prepare(db, sql_member_active_ids, &st)) != 0)
            return rc;
        db_bind_int(st, 1, from_id);
        int64_t ids[64];
        size_t n = 0;
        while (n < 64 && (rc = db_step(st)) == DB_ROW)
            ids[n++] = db_col_int(st, 0);
        db_reset(st);
        if (rc < 0)
            return rc;
        if (n == 0)
            break;
        for (size_t i = 0; i < n; i++)
            if ((rc = move_member(db, ids[i], into_id)) != 0)
                return rc;
    }
    if ((rc = set_status(db, sql_hh_set_status, from_id, "merged")) != 0)
        return rc;
    if ((rc = units_set_representative_raw(db, from_id, 0)) != 0)
        return rc;
    char detail[64];
    snprintf(detail, sizeof detail, "%lld", (long long)from_id);
    if ((rc = units_event(db, actor, into_id, "merged", detail)) != 0)
        return rc;
    snprintf(detail, sizeof detail, "%lld", (long long)into_id);
    return units_event(db, actor, from_id, "merged", detail);
}

static const char sql_members_load[] =
    "SELECT id, full_name, name_fold, birth, gender, relation, phone, national_id FROM members "
    "WHERE household_id = $1 AND status = 'active' ORDER BY id";
static const char sql_member_update[] =
    "UPDATE members SET birth = $2, gender = $3, relation = $4, phone = $5, national_id = $6, "
    "updated_at = $7 WHERE id = $1";
static const char sql_active_codes[] =
    "SELECT code FROM households WHERE (village_id = $1 OR commune_id = $1) AND status = 'active' "
    "ORDER BY code";
static const char sql_villages_of[] =
    "SELECT id, code, kind, name, COALESCE(parent_id, 0) FROM units WHERE parent_id = $1 "
    "AND kind IN ('village', 'residential_group') ORDER BY code";

int units_members_load(struct db *db, struct arena *a, int64_t household_id,
                       struct member_rec **out, size_t *n)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_members_load, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, household_id);
    size_t cap = 8, k = 0;
    struct member_rec *v = arena_alloc(a, cap * sizeof *v);
    while ((rc = db_step(st)) == DB_ROW) {
        if (k == cap) {
            v = arena_realloc(a, v, cap * sizeof *v, 2 * cap * sizeof *v);
            cap *= 2;
        }
        struct member_rec *m = &v[k++];
        m->id = db_col_int(st, 0);
        m->full_name = arena_strdup(a, db_col_text(st, 1));
        m->name_fold = arena_strdup(a, db_col_text(st, 2));
        m->birth = arena_strdup(a, db_col_text(st, 3));
        m->gender = arena_strdup(a, db_col_text(st, 4));
        m->relation = arena_strdup(a, db_col_text(st, 5));
        m->phone = arena_strdup(a, db_col_text(st, 6));
        m->national_id = arena_strdup(a, db_col_text(st, 7));
        m->matched = 0;
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    *out = v;
    *n = k;
    return 0;
}

int units_member_update_raw(struct db *db, int64_t member_id, const struct member_input *m)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_member_update, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, member_id);
    db_bind_cstr(st, 2, m->birth);
    db_bind_cstr(st, 3, m->gender);
    db_bind_cstr(st, 4, m->relation);
    db_bind_cstr(st, 5, m->phone);
    db_bind_cstr(st, 6, m->national_id);
    db_bind_int(st, 7, now_s());
    return exec_done(st);
}

int units_active_codes(struct db *db, int64_t unit_id, json_t **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_active_codes, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    *out = json_array();
    while ((rc = db_step(st)) == DB_ROW)
        json_array_append_new(*out, json_string(db_col_text(st, 0)));
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int units_villages_of(struct db *db, struct arena *a, int64_t commune_id, struct unit **out,
                      size_t *n)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_villages_of, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, commune_id);
    size_t cap = 16, k = 0;
    struct unit *v = arena_alloc(a, cap * sizeof *v);
    while ((rc = db_step(st)) == DB_ROW) {
        if (k == cap) {
            v = arena_realloc(a, v, cap * sizeof *v, 2 * cap * sizeof *v);
            cap *= 2;
        }
        struct unit *u = &v[k++];
        u->id = db_col_int(st, 0);
        snprintf(u->code, sizeof u->code, "%s", db_col_text(st, 1));
        snprintf(u->kind, sizeof u->kind, "%s", db_col_text(st, 2));
        snprintf(u->name, sizeof u->name, "%s", db_col_text(st, 3));
        u->parent_id = db_col_int(st, 4);
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    *out = v;
    *n = k;
    return 0;
}

/* ---- lookups for resident registration ------------------------------------------------- */

static const char sql_member_by_name[] =
    "SELECT id FROM members WHERE household_id = $1 AND name_fold = $2 AND status = 'active' "
    "ORDER BY id LIMIT 1";
static const char sql_member_by_phone[] =
    "SELECT m.id, m.household_id FROM members m JOIN households h ON h.id = m.household_id "
    "WHERE h.village_id = $1 AND h.status = 'active' AND m.status = 'active' AND m.phone = $2 "
    "ORDER BY m.id LIMIT 2";

int units_household_in_village(struct db *db, int64_t village_id, const char *code,
                               int64_t *household_id)
{
    struct unit commune;
    int rc = units_commune_of(db, village_id, &commune);
    if (rc)
        return rc;
    struct hh_found f;
    if ((rc = units_household_find(db, commune.id, code, &f)) != 0)
        return rc;
    if (f.village_id != village_id || strcmp(f.status, "active") != 0)
        return ERR_NOT_FOUND;
    *household_id = f.id;
    return 0;
}

int units_member_match(struct db *db, int64_t household_id, const char *full_name,
                       int64_t *member_id)
{
    struct arena *a = arena_new(0);
    const char *fold = utf8_fold(a, full_name, strlen(full_name), NULL);
    struct db_stmt *st;
    int rc = fold ? db_prepare(db, sql_member_by_name, &st) : ERR_INVALID;
    if (rc == 0) {
        db_bind_int(st, 1, household_id);
        db_bind_cstr(st, 2, fold);
        rc = db_step(st);
        if (rc == DB_ROW) {
            *member_id = db_col_int(st, 0);
            rc = 0;
        } else if (rc == DB_DONE) {
            rc = ERR_NOT_FOUND;
        }
        db_reset(st);
    }
    arena_free(a);
    return rc;
}

int units_member_by_phone(struct db *db, int64_t village_id, const char *phone,
                          int64_t *household_id, int64_t *member_id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_member_by_phone, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, village_id);
    db_bind_cstr(st, 2, phone);
    int n = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        if (n++ == 0) {
            *member_id = db_col_int(st, 0);
            *household_id = db_col_int(st, 1);
        }
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    /* A phone shared by two people on the roll proves nothing about which one registered. */
    return n == 1 ? 0 : ERR_NOT_FOUND;
}

/*
 * store.c - all SQL of consultations (internal.h, migration 0025). Every write appends an audit
 * row in the caller's transaction; the counts a page shows (comments per consultation and per
 * section, agreements per comment) are kept by the same writes. Statements are static so each
 * connection caches them.
 */
#include <stdio.h>
#include <string.h>

#include "consultation/internal.h"

static const char sql_insert[] =
    "INSERT INTO consultations (unit_id, topic, internal, title, title_fold, summary, owner, "
    "forms, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
    "$10) RETURNING id";
static const char sql_version_insert[] =
    "INSERT INTO consultation_versions (consultation_id, version, doc_type, doc_number, "
    "doc_summary, source_name, source_text, note, created_by, created_at) VALUES ($1, $2, $3, "
    "$4, $5, $6, $7, $8, $9, $10) RETURNING id";
static const char sql_section_insert[] =
    "INSERT INTO consultation_sections (consultation_id, version, ord, parent_ord, depth, kind, "
    "number, title, body, path, label) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
static const char sql_get[] =
    "SELECT id, unit_id, topic, internal, title, summary, owner, forms, opens_on, closes_on, "
    "status, version, plan_council_on, plan_front_on, decision, decision_note, explanation, "
    "decided_on, council_report_on, comment_count, created_at, opened_at, published_at "
    "FROM consultations WHERE id = $1";
static const char sql_list[] =
    "SELECT id, topic, internal, title, status, opens_on, closes_on, comment_count, version, "
    "published_at FROM consultations WHERE unit_id = $1 AND ($2 = 0 OR (internal = 0 AND "
    "status <> 'draft')) ORDER BY CASE status WHEN 'draft' THEN 0 ELSE 1 END, opens_on DESC, "
    "id DESC";
static const char sql_sections[] =
    "SELECT id, ord, parent_ord, depth, kind, number, title, body, path, label, comment_count "
    "FROM consultation_sections WHERE consultation_id = $1 AND version = $2 ORDER BY ord";
static const char sql_section[] =
    "SELECT id, version, ord, kind, number, title, body, path, label, comment_count FROM "
    "consultation_sections WHERE id = $1 AND consultation_id = $2";
static const char sql_sections_drop[] =
    "DELETE FROM consultation_sections WHERE consultation_id = $1 AND version = $2";
static const char sql_version_text[] =
    "UPDATE consultation_versions SET doc_type = $3, doc_number = $4, doc_summary = $5, "
    "source_text = $6 WHERE consultation_id = $1 AND version = $2";
static const char sql_draft_comments[] =
    "SELECT COUNT(*) FROM consultation_comments WHERE consultation_id = $1";
static const char sql_edit[] =
    "UPDATE consultations SET topic = $2, title = $3, title_fold = $4, summary = $5, owner = $6, "
    "forms = $7, updated_at = $8 WHERE id = $1";
static const char sql_open[] =
    "UPDATE consultations SET status = 'open', opens_on = $2, closes_on = $3, opened_at = $4, "
    "updated_at = $4 WHERE id = $1 AND status <> 'published'";
static const char sql_plan[] = "UPDATE consultations SET plan_council_on = $2, plan_front_on = "
                               "$3, updated_at = $4 WHERE id = $1";
static const char sql_key_find[] = "SELECT id FROM consultation_comments WHERE submit_key = $1";
static const char sql_comment_insert[] =
    "INSERT INTO consultation_comments (consultation_id, section_id, version, body, body_fold, "
    "source, source_note, author_name, village_id, account_id, entered_by, submit_key, "
    "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id";
static const char sql_count_up[] =
    "UPDATE consultations SET comment_count = comment_count + $2 WHERE id = $1";
static const char sql_section_count_up[] =
    "UPDATE consultation_sections SET comment_count = comment_count + $2 WHERE id = $1";

#define COMMENT_COLS                                                                               \
    "SELECT c.id, COALESCE(c.section_id, 0) AS section_id, c.body, c.source, c.source_note, "      \
    "c.author_name, c.agree_count, COALESCE(c.group_id, 0) AS group_id, c.hidden, "                \
    "c.hidden_reason, c.created_at, COALESCE(s.label, '') AS label FROM consultation_comments c "  \
    "LEFT JOIN consultation_sections s ON s.id = c.section_id "
#define COMMENT_WHERE                                                                              \
    "WHERE c.consultation_id = $1 AND ($2 = 0 OR ($2 = -1 AND c.section_id IS NULL) OR "           \
    "c.section_id = $2) AND ($3 = 1 OR c.hidden = 0) "
static const char sql_comments_new[] =
    COMMENT_COLS COMMENT_WHERE "ORDER BY c.id DESC LIMIT $4 OFFSET $5";
static const char sql_comments_agree[] =
    COMMENT_COLS COMMENT_WHERE "ORDER BY c.agree_count DESC, c.id LIMIT $4 OFFSET $5";
static const char sql_comments_count[] =
    "SELECT COUNT(*) FROM consultation_comments c " COMMENT_WHERE;
static const char sql_top[] =
    "SELECT section_id, id, body, author_name, agree_count, rk FROM (SELECT c.section_id, c.id, "
    "c.body, c.author_name, c.agree_count, ROW_NUMBER() OVER (PARTITION BY c.section_id ORDER "
    "BY c.agree_count DESC, c.id) AS rk FROM consultation_comments c JOIN consultation_sections "
    "s ON s.id = c.section_id WHERE c.consultation_id = $1 AND s.version = $2 AND c.hidden = 0) "
    "t WHERE rk <= $3 ORDER BY section_id, rk";

/* The similar-comment query for 1..CS_SIMILAR_WORDS words: each word is a LIKE pattern
 * ("% word%") on the padded folded text; the score is the number of words found. */
#define HIT(n) "(CASE WHEN c.body_fold LIKE $" #n " THEN 1 ELSE 0 END)"
#define SIM_HEAD                                                                                   \
    "SELECT id, section_id, body, agree_count, score FROM (SELECT c.id, COALESCE(c.section_id, "   \
    "0) AS section_id, c.body, c.agree_count, "
#define SIM_TAIL                                                                                   \
    " AS score FROM consultation_comments c WHERE c.consultation_id = $1 AND c.hidden = 0) t "     \
    "WHERE score >= $2 ORDER BY score DESC, agree_count DESC, id DESC LIMIT $3"
static const char *const sql_similar[] = {
    SIM_HEAD HIT(4) SIM_TAIL,
    SIM_HEAD HIT(4) "+" HIT(5) SIM_TAIL,
    SIM_HEAD HIT(4) "+" HIT(5) "+" HIT(6) SIM_TAIL,
    SIM_HEAD HIT(4) "+" HIT(5) "+" HIT(6) "+" HIT(7) SIM_TAIL,
    SIM_HEAD HIT(4) "+" HIT(5) "+" HIT(6) "+" HIT(7) "+" HIT(8) SIM_TAIL,
    SIM_HEAD HIT(4) "+" HIT(5) "+" HIT(6) "+" HIT(7) "+" HIT(8) "+" HIT(9) SIM_TAIL,
};
#define CS_SIMILAR_WORDS (sizeof sql_similar / sizeof sql_similar[0])

static const char sql_comment_owner[] =
    "SELECT consultation_id, COALESCE(account_id, 0), hidden FROM consultation_comments WHERE "
    "id = $1";
static const char sql_agree_insert[] =
    "INSERT INTO consultation_agreements (comment_id, account_id, created_at) VALUES ($1, $2, $3)";
static const char sql_agreed[] =
    "SELECT COUNT(*) FROM consultation_agreements WHERE comment_id = $1 AND account_id = $2";
static const char sql_agree_up[] =
    "UPDATE consultation_comments SET agree_count = agree_count + 1 WHERE id = $1";
static const char sql_stance_get[] =
    "SELECT stance FROM consultation_views WHERE consultation_id = $1 AND account_id = $2";
static const char sql_stance_insert[] =
    "INSERT INTO consultation_views (consultation_id, account_id, stance, updated_at) VALUES "
    "($1, $2, $3, $4)";
static const char sql_stance_update[] =
    "UPDATE consultation_views SET stance = $3, updated_at = $4 WHERE consultation_id = $1 AND "
    "account_id = $2";
static const char sql_stances[] =
    "SELECT COALESCE(SUM(CASE WHEN stance = 1 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN "
    "stance = 2 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN stance = 3 THEN 1 ELSE 0 END), "
    "0) FROM consultation_views WHERE consultation_id = $1";
static const char sql_tally_sums[] =
    "SELECT COALESCE(SUM(agree), 0), COALESCE(SUM(disagree), 0), COALESCE(SUM(other), 0) FROM "
    "consultation_tallies WHERE consultation_id = $1";
static const char sql_tally_insert[] =
    "INSERT INTO consultation_tallies (consultation_id, source, source_note, agree, disagree, "
    "other, entered_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
static const char sql_tallies[] =
    "SELECT id, source, source_note, agree, disagree, other, created_at FROM "
    "consultation_tallies WHERE consultation_id = $1 ORDER BY id";
static const char sql_group_insert[] =
    "INSERT INTO consultation_groups (consultation_id, section_id, summary, outcome, answer, "
    "created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id";
static const char sql_group_join[] =
    "UPDATE consultation_comments SET group_id = $3 WHERE id = $1 AND consultation_id = $2 AND "
    "group_id IS NULL AND hidden = 0";
static const char sql_group_of[] =
    "SELECT COUNT(*) FROM consultation_groups WHERE id = $1 AND consultation_id = $2";
static const char sql_group_leave[] =
    "UPDATE consultation_comments SET group_id = NULL WHERE group_id = $1";
static const char sql_group_drop[] = "DELETE FROM consultation_groups WHERE id = $1";
static const char sql_groups[] =
    "SELECT g.id, COALESCE(g.section_id, 0) AS section_id, COALESCE(s.label, '') AS label, "
    "COALESCE(s.ord, 0) AS ord, g.summary, g.outcome, g.answer, COUNT(c.id) AS n_comments, "
    "COALESCE(SUM(c.agree_count), 0) AS n_agree FROM consultation_groups g LEFT JOIN "
    "consultation_sections s ON s.id = g.section_id LEFT JOIN consultation_comments c ON "
    "c.group_id = g.id WHERE g.consultation_id = $1 GROUP BY g.id, g.section_id, s.label, s.ord, "
    "g.summary, g.outcome, g.answer ORDER BY COALESCE(s.ord, 0), g.id";
static const char sql_counts[] =
    "SELECT COUNT(*), COALESCE(SUM(CASE WHEN group_id IS NOT NULL THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(hidden), 0) FROM consultation_comments WHERE consultation_id = $1";
static const char sql_hide[] =
    "UPDATE consultation_comments SET hidden = 1, hidden_reason = $3, group_id = NULL WHERE id "
    "= $1 AND consultation_id = $2 AND hidden = 0 RETURNING COALESCE(section_id, 0)";
static const char sql_decide[] =
    "UPDATE consultations SET decision = $2, decision_note = $3, explanation = $4, decided_on = "
    "$5, council_report_on = $6, updated_at = $7 WHERE id = $1";
static const char sql_publish[] =
    "UPDATE consultations SET status = 'published', published_at = $2, updated_at = $2 WHERE "
    "id = $1 AND status = 'open'";
static const char sql_version_next[] =
    "SELECT COALESCE(MAX(version), 0) + 1 FROM consultation_versions WHERE consultation_id = $1";
static const char sql_version_current[] =
    "UPDATE consultations SET version = $2, updated_at = $3 WHERE id = $1";
static const char sql_versions[] =
    "SELECT v.version, v.doc_type, v.note, v.source_name, v.created_at, (SELECT COUNT(*) FROM "
    "consultation_sections s WHERE s.consultation_id = v.consultation_id AND s.version = "
    "v.version) AS n_sections FROM consultation_versions v WHERE v.consultation_id = $1 ORDER BY "
    "v.version";
/* The response table: for each section of the consulted version (and the draft as a whole,
 * ord 0), its groups then its ungrouped comments. */
static const char sql_table[] =
    "SELECT kind, ord, label, text, outcome, answer, n, agree, sources FROM ("
    "SELECT 'g' AS kind, COALESCE(s.ord, 0) AS ord, COALESCE(s.label, '') AS label, g.summary "
    "AS text, g.outcome, g.answer, (SELECT COUNT(*) FROM consultation_comments c WHERE "
    "c.group_id = g.id) AS n, (SELECT COALESCE(SUM(c.agree_count), 0) FROM "
    "consultation_comments c WHERE c.group_id = g.id) AS agree, '' AS sources, g.id AS k "
    "FROM consultation_groups g LEFT JOIN consultation_sections s ON s.id = g.section_id WHERE "
    "g.consultation_id = $1 UNION ALL SELECT 'c', COALESCE(s.ord, 0), COALESCE(s.label, ''), "
    "c.body, '', '', 1, c.agree_count, c.source, c.id FROM consultation_comments c LEFT JOIN "
    "consultation_sections s ON s.id = c.section_id WHERE c.consultation_id = $1 AND "
    "c.group_id IS NULL AND c.hidden = 0) t ORDER BY ord, kind DESC, k";

static const char sql_conf_insert[] =
    "INSERT INTO staff_conferences (unit_id, consultation_id, year, kind, held_on, place, chair, "
    "secretary, staff_total, present, valid, notes, created_by, created_at) VALUES ($1, $2, $3, "
    "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id";
static const char sql_confs[] =
    "SELECT f.id, f.year, f.kind, f.held_on, f.place, f.staff_total, f.present, f.valid, "
    "COALESCE(f.consultation_id, 0) AS consultation_id, (SELECT COUNT(*) FROM staff_resolutions "
    "r WHERE r.conference_id = f.id) AS n_resolutions FROM staff_conferences f WHERE f.unit_id "
    "= $1 ORDER BY f.held_on DESC, f.id DESC";
static const char sql_conf_get[] =
    "SELECT id, unit_id, COALESCE(consultation_id, 0) AS consultation_id, year, kind, held_on, "
    "place, chair, secretary, staff_total, present, valid, notes FROM staff_conferences WHERE "
    "id = $1";
static const char sql_res_insert[] =
    "INSERT INTO staff_resolutions (conference_id, title, votes_for, votes_against, abstain, "
    "passed, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
static const char sql_res_list[] =
    "SELECT id, title, votes_for, votes_against, abstain, passed FROM staff_resolutions WHERE "
    "conference_id = $1 ORDER BY id";

/* ---- helpers ---- */

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

/* The single row a bound statement returns, as a JSON object; ERR_NOT_FOUND for none. */
static int one_row_json(struct db_stmt *st, json_t **out)
{
    json_t *rows;
    int rc = db_rows_json(st, &rows);
    if (rc)
        return rc;
    if (json_array_size(rows) != 1) {
        json_decref(rows);
        return ERR_NOT_FOUND;
    }
    *out = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return 0;
}

static char *fold(struct arena *a, const char *s)
{
    char *f = utf8_fold(a, s, strlen(s), NULL);
    return f ? f : arena_strdup(a, "");
}

static int audit(struct db *db, int64_t actor, int64_t unit_id, const char *action, int64_t id,
                 const char *detail)
{
    char obj[48];
    snprintf(obj, sizeof obj, "consultation:%lld", (long long)id);
    return audit_append(db, actor ? actor : 0, unit_id, action, obj, detail ? detail : "");
}

static int insert_sections(struct db *db, int64_t id, int version, const struct cs_version_in *v)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_section_insert, &st);
    for (size_t i = 0; rc == 0 && i < v->n_sections; i++) {
        const struct cs_section_in *s = &v->sections[i];
        db_bind_int(st, 1, id);
        db_bind_int(st, 2, version);
        db_bind_int(st, 3, s->ord);
        db_bind_int(st, 4, s->parent_ord);
        db_bind_int(st, 5, s->depth);
        db_bind_cstr(st, 6, s->kind);
        db_bind_cstr(st, 7, s->number ? s->number : "");
        db_bind_cstr(st, 8, s->title ? s->title : "");
        db_bind_cstr(st, 9, s->body ? s->body : "");
        db_bind_cstr(st, 10, s->path);
        db_bind_cstr(st, 11, s->label ? s->label : "");
        rc = db_run(st, NULL);
    }
    return rc;
}

static int insert_version(struct db *db, int64_t actor, int64_t id, int version,
                          const struct cs_version_in *v)
{
    struct db_stmt *st;
    int64_t vid;
    int rc = db_prepare(db, sql_version_insert, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, version);
    db_bind_cstr(st, 3, v->doc_type ? v->doc_type : "");
    db_bind_cstr(st, 4, v->doc_number ? v->doc_number : "");
    db_bind_cstr(st, 5, v->doc_summary ? v->doc_summary : "");
    db_bind_cstr(st, 6, v->source_name ? v->source_name : "");
    db_bind_cstr(st, 7, v->source_text ? v->source_text : "");
    db_bind_cstr(st, 8, v->note ? v->note : "");
    db_bind_id(st, 9, actor);
    db_bind_int(st, 10, now_s());
    if ((rc = db_insert_id(st, &vid)) != 0)
        return rc;
    return insert_sections(db, id, version, v);
}

/* ---- consultations ---- */

int cs_store_create(struct db *db, struct cs_new *in)
{
    struct db_stmt *st;
    struct arena *a = arena_new(0);
    int rc = db_prepare(db, sql_insert, &st);
    if (rc == 0) {
        db_bind_int(st, 1, in->unit_id);
        db_bind_int(st, 2, in->topic);
        db_bind_int(st, 3, in->internal ? 1 : 0);
        db_bind_cstr(st, 4, in->title);
        db_bind_cstr(st, 5, fold(a, in->title));
        db_bind_cstr(st, 6, in->summary ? in->summary : "");
        db_bind_cstr(st, 7, in->owner ? in->owner : "");
        db_bind_int(st, 8, in->forms);
        db_bind_id(st, 9, in->actor);
        db_bind_int(st, 10, now_s());
        rc = db_insert_id(st, &in->id);
    }
    arena_free(a);
    if (rc == 0)
        rc = insert_version(db, in->actor, in->id, 1, &in->v);
    if (rc == 0)
        rc = audit(db, in->actor, in->unit_id, "consultation.create", in->id, in->title);
    return rc;
}

static const char *dup_col(struct arena *a, struct db_stmt *st, int col)
{
    return arena_strdup(a, db_col_text(st, col));
}

static struct date col_date(struct db_stmt *st, int col)
{
    struct date d = {0, 0, 0};
    const char *s = db_col_text(st, col);
    if (s[0] && date_parse(s, &d) != 0)
        d = (struct date){0, 0, 0};
    return d;
}

int cs_store_get(struct db *db, struct arena *a, int64_t id, struct cs_item *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_get, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        memset(out, 0, sizeof *out);
        out->id = db_col_int(st, 0);
        out->unit_id = db_col_int(st, 1);
        out->topic = (int)db_col_int(st, 2);
        out->internal = (int)db_col_int(st, 3);
        out->title = dup_col(a, st, 4);
        out->summary = dup_col(a, st, 5);
        out->owner = dup_col(a, st, 6);
        out->forms = (unsigned)db_col_int(st, 7);
        out->opens = col_date(st, 8);
        out->closes = col_date(st, 9);
        out->status = dup_col(a, st, 10);
        out->version = (int)db_col_int(st, 11);
        out->plan_council_on = dup_col(a, st, 12);
        out->plan_front_on = dup_col(a, st, 13);
        out->decision = (enum cs_decision)db_col_int(st, 14);
        out->decision_note = dup_col(a, st, 15);
        out->explanation = dup_col(a, st, 16);
        out->decided_on = dup_col(a, st, 17);
        out->council_report_on = dup_col(a, st, 18);
        out->comment_count = db_col_int(st, 19);
        out->created_at = db_col_int(st, 20);
        out->opened_at = db_col_int(st, 21);
        out->published_at = db_col_int(st, 22);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_NOT_FOUND;
    }
    db_reset(st);
    return rc;
}

int cs_store_list(struct db *db, struct arena *a, int64_t unit_id, int public_only,
                  struct rows **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_list, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    db_bind_int(st, 2, public_only ? 1 : 0);
    return db_rows(st, a, 6, out);
}

int cs_store_sections(struct db *db, struct arena *a, int64_t id, int version, struct rows **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_sections, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, version);
    return db_rows(st, a, 6, out);
}

int cs_store_section(struct db *db, struct arena *a, int64_t id, int64_t section_id, json_t **out)
{
    (void)a;
    struct db_stmt *st;
    int rc = db_prepare(db, sql_section, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, section_id);
    db_bind_int(st, 2, id);
    return one_row_json(st, out);
}

int cs_store_resection(struct db *db, int64_t actor, int64_t id, const struct cs_version_in *v)
{
    struct arena *a = arena_new(0);
    struct cs_item c;
    int64_t n;
    struct db_stmt *st;
    int rc = cs_store_get(db, a, id, &c);
    if (rc == 0 && strcmp(c.status, "draft") != 0)
        rc = ERR_CONFLICT;
    if (rc == 0 && (rc = db_prepare(db, sql_draft_comments, &st)) == 0) {
        db_bind_int(st, 1, id);
        if ((rc = db_ints(st, &n, 1)) == 0 && n > 0)
            rc = ERR_CONFLICT;
    }
    if (rc == 0 && (rc = db_prepare(db, sql_sections_drop, &st)) == 0) {
        db_bind_int(st, 1, id);
        db_bind_int(st, 2, c.version);
        rc = db_run(st, NULL);
    }
    if (rc == 0 && (rc = db_prepare(db, sql_version_text, &st)) == 0) {
        db_bind_int(st, 1, id);
        db_bind_int(st, 2, c.version);
        db_bind_cstr(st, 3, v->doc_type ? v->doc_type : "");
        db_bind_cstr(st, 4, v->doc_number ? v->doc_number : "");
        db_bind_cstr(st, 5, v->doc_summary ? v->doc_summary : "");
        db_bind_cstr(st, 6, v->source_text ? v->source_text : "");
        rc = db_run(st, NULL);
    }
    if (rc == 0)
        rc = insert_sections(db, id, c.version, v);
    if (rc == 0) {
        char d[64];
        snprintf(d, sizeof d, "%zu sections", v->n_sections);
        rc = audit(db, actor, c.unit_id, "consultation.outline", id, d);
    }
    arena_free(a);
    return rc;
}

int cs_store_edit(struct db *db, int64_t actor, const struct cs_item *c)
{
    struct db_stmt *st;
    struct arena *a = arena_new(0);
    int rc = db_prepare(db, sql_edit, &st);
    if (rc == 0) {
        db_bind_int(st, 1, c->id);
        db_bind_int(st, 2, c->topic);
        db_bind_cstr(st, 3, c->title);
        db_bind_cstr(st, 4, fold(a, c->title));
        db_bind_cstr(st, 5, c->summary);
        db_bind_cstr(st, 6, c->owner);
        db_bind_int(st, 7, c->forms);
        db_bind_int(st, 8, now_s());
        rc = db_run(st, NULL);
    }
    arena_free(a);
    return rc ? rc : audit(db, actor, c->unit_id, "consultation.edit", c->id, c->title);
}

int cs_store_open(struct db *db, int64_t actor, int64_t id, struct date opens, struct date closes)
{
    struct db_stmt *st;
    char o[11], c[11];
    int64_t changed;
    date_format_iso(opens, o);
    date_format_iso(closes, c);
    int rc = db_prepare(db, sql_open, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_cstr(st, 2, o);
    db_bind_cstr(st, 3, c);
    db_bind_int(st, 4, now_s());
    if ((rc = db_run(st, &changed)) != 0)
        return rc;
    if (!changed)
        return ERR_CONFLICT;
    struct arena *a = arena_new(0);
    struct cs_item it;
    if ((rc = cs_store_get(db, a, id, &it)) == 0)
        rc = audit(db, actor, it.unit_id, "consultation.open", id, arena_printf(a, "%s..%s", o, c));
    arena_free(a);
    return rc;
}

int cs_store_plan_sent(struct db *db, int64_t actor, int64_t id, const char *council_on,
                       const char *front_on)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_plan, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_cstr(st, 2, council_on);
    db_bind_cstr(st, 3, front_on);
    db_bind_int(st, 4, now_s());
    if ((rc = db_run(st, NULL)) != 0)
        return rc;
    struct arena *a = arena_new(0);
    struct cs_item it;
    if ((rc = cs_store_get(db, a, id, &it)) == 0)
        rc = audit(db, actor, it.unit_id, "consultation.plan_sent", id,
                   arena_printf(a, "HĐND %s; MTTQ %s", council_on, front_on));
    arena_free(a);
    return rc;
}

/* ---- comments ---- */

/* " word word " from text: folded, every run of characters other than letters and digits one
 * space, padded so "% word%" finds the beginning of any word. */
static char *fold_words(struct arena *a, const char *text)
{
    const char *f = fold(a, text);
    size_t n = strlen(f);
    char *out = arena_alloc(a, n + 3), *p = out;
    *p++ = ' ';
    for (const char *s = f; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        int word = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch >= 0x80;
        if (word)
            *p++ = (char)ch;
        else if (p[-1] != ' ')
            *p++ = ' ';
    }
    if (p[-1] != ' ')
        *p++ = ' ';
    *p = '\0';
    return out;
}

int cs_store_comment_add(struct db *db, struct cs_comment_in *in)
{
    struct db_stmt *st;
    int rc;
    if (in->submit_key && in->submit_key[0]) {
        if ((rc = db_prepare(db, sql_key_find, &st)) != 0)
            return rc;
        db_bind_cstr(st, 1, in->submit_key);
        rc = db_step(st);
        if (rc == DB_ROW) {
            in->id = db_col_int(st, 0);
            db_reset(st);
            return 0;
        }
        db_reset(st);
        if (rc < 0)
            return rc;
    }
    struct arena *a = arena_new(0);
    if ((rc = db_prepare(db, sql_comment_insert, &st)) == 0) {
        db_bind_int(st, 1, in->consultation_id);
        db_bind_id(st, 2, in->section_id);
        db_bind_int(st, 3, in->version);
        db_bind_cstr(st, 4, in->body);
        db_bind_cstr(st, 5, fold_words(a, in->body));
        db_bind_cstr(st, 6, in->source);
        db_bind_cstr(st, 7, in->source_note ? in->source_note : "");
        db_bind_cstr(st, 8, in->author_name ? in->author_name : "");
        db_bind_id(st, 9, in->village_id);
        db_bind_id(st, 10, in->online ? in->actor : 0);
        db_bind_id(st, 11, in->online ? 0 : in->actor);
        db_bind_cstr(st, 12, in->submit_key && in->submit_key[0] ? in->submit_key : NULL);
        db_bind_int(st, 13, now_s());
        rc = db_insert_id(st, &in->id);
    }
    if (rc == 0 && (rc = db_prepare(db, sql_count_up, &st)) == 0) {
        db_bind_int(st, 1, in->consultation_id);
        db_bind_int(st, 2, 1);
        rc = db_run(st, NULL);
    }
    if (rc == 0 && in->section_id && (rc = db_prepare(db, sql_section_count_up, &st)) == 0) {
        db_bind_int(st, 1, in->section_id);
        db_bind_int(st, 2, 1);
        rc = db_run(st, NULL);
    }
    if (rc == 0)
        rc = audit(db, in->actor, in->unit_id,
                   in->online ? "consultation.comment" : "consultation.comment_enter",
                   in->consultation_id,
                   arena_printf(a, "comment %lld (%s)", (long long)in->id, in->source));
    arena_free(a);
    return rc;
}

int cs_store_comments(struct db *db, struct arena *a, int64_t id, int64_t section_id, int by_agree,
                      int with_hidden, int limit, int offset, struct rows **out, int64_t *total)
{
    struct db_stmt *st;
    int rc;
    if (total) {
        if ((rc = db_prepare(db, sql_comments_count, &st)) != 0)
            return rc;
        db_bind_int(st, 1, id);
        db_bind_int(st, 2, section_id);
        db_bind_int(st, 3, with_hidden ? 1 : 0);
        if ((rc = db_ints(st, total, 1)) != 0)
            return rc;
    }
    if ((rc = db_prepare(db, by_agree ? sql_comments_agree : sql_comments_new, &st)) != 0)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, section_id);
    db_bind_int(st, 3, with_hidden ? 1 : 0);
    db_bind_int(st, 4, limit);
    db_bind_int(st, 5, offset);
    return db_rows(st, a, 6, out);
}

int cs_store_top_comments(struct db *db, struct arena *a, int64_t id, int version, int n,
                          struct rows **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_top, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, version);
    db_bind_int(st, 3, n);
    return db_rows(st, a, 2, out);
}

int cs_store_similar(struct db *db, struct arena *a, int64_t id, const char *const *words,
                     size_t n_words, int min_hits, int limit, struct rows **out)
{
    struct db_stmt *st;
    if (n_words == 0)
        return ERR_INVALID;
    if (n_words > CS_SIMILAR_WORDS)
        n_words = CS_SIMILAR_WORDS;
    int rc = db_prepare(db, sql_similar[n_words - 1], &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, min_hits);
    db_bind_int(st, 3, limit);
    for (size_t i = 0; i < n_words; i++)
        db_bind_cstr(st, (int)i + 4, arena_printf(a, "%% %s%%", words[i]));
    return db_rows(st, a, 2, out);
}

size_t cs_similar_max_words(void)
{
    return CS_SIMILAR_WORDS;
}

int cs_store_agree(struct db *db, int64_t actor, int64_t unit_id, int64_t cid,
                   int64_t *consultation_id)
{
    struct db_stmt *st;
    int64_t owner, hidden, n;
    int rc = db_prepare(db, sql_comment_owner, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, cid);
    rc = db_step(st);
    if (rc != DB_ROW) {
        db_reset(st);
        return rc == DB_DONE ? ERR_NOT_FOUND : rc;
    }
    *consultation_id = db_col_int(st, 0);
    owner = db_col_int(st, 1);
    hidden = db_col_int(st, 2);
    db_reset(st);
    if (hidden)
        return ERR_NOT_FOUND;
    if (owner == actor)
        return ERR_FORBIDDEN;
    if ((rc = db_prepare(db, sql_agreed, &st)) != 0)
        return rc;
    db_bind_int(st, 1, cid);
    db_bind_int(st, 2, actor);
    if ((rc = db_ints(st, &n, 1)) != 0)
        return rc;
    if (n)
        return ERR_CONFLICT;
    if ((rc = db_prepare(db, sql_agree_insert, &st)) != 0)
        return rc;
    db_bind_int(st, 1, cid);
    db_bind_int(st, 2, actor);
    db_bind_int(st, 3, now_s());
    if ((rc = db_run(st, NULL)) != 0)
        return rc;
    if ((rc = db_prepare(db, sql_agree_up, &st)) != 0)
        return rc;
    db_bind_int(st, 1, cid);
    if ((rc = db_run(st, NULL)) != 0)
        return rc;
    char d[48];
    snprintf(d, sizeof d, "agrees with comment %lld", (long long)cid);
    return audit(db, actor, unit_id, "consultation.agree", *consultation_id, d);
}

int cs_store_stance_of(struct db *db, int64_t actor, int64_t id, int *stance)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_stance_get, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, actor);
    rc = db_step(st);
    *stance = rc == DB_ROW ? (int)db_col_int(st, 0) : 0;
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int cs_store_stance(struct db *db, int64_t actor, int64_t id, int64_t unit_id, int stance)
{
    struct db_stmt *st;
    int old;
    int rc = cs_store_stance_of(db, actor, id, &old);
    if (rc)
        return rc;
    if ((rc = db_prepare(db, old ? sql_stance_update : sql_stance_insert, &st)) != 0)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, actor);
    db_bind_int(st, 3, stance);
    db_bind_int(st, 4, now_s());
    if ((rc = db_run(st, NULL)) != 0)
        return rc;
    char d[32];
    snprintf(d, sizeof d, "stance %d", stance);
    return audit(db, actor, unit_id, "consultation.stance", id, d);
}

static int sums3(struct db *db, const char *sql, int64_t id, int64_t v[3])
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    return db_ints(st, v, 3);
}

int cs_store_stances(struct db *db, int64_t id, int64_t *agree, int64_t *disagree, int64_t *other)
{
    int64_t on[3] = {0, 0, 0}, paper[3] = {0, 0, 0};
    int rc = sums3(db, sql_stances, id, on);
    if (rc == 0)
        rc = sums3(db, sql_tally_sums, id, paper);
    *agree = on[0] + paper[0];
    *disagree = on[1] + paper[1];
    *other = on[2] + paper[2];
    return rc;
}

int cs_store_tally_add(struct db *db, int64_t actor, int64_t id, int64_t unit_id,
                       const char *source, const char *note, int agree, int disagree, int other)
{
    struct db_stmt *st;
    int64_t tid;
    int rc = db_prepare(db, sql_tally_insert, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_cstr(st, 2, source);
    db_bind_cstr(st, 3, note ? note : "");
    db_bind_int(st, 4, agree);
    db_bind_int(st, 5, disagree);
    db_bind_int(st, 6, other);
    db_bind_id(st, 7, actor);
    db_bind_int(st, 8, now_s());
    if ((rc = db_insert_id(st, &tid)) != 0)
        return rc;
    char d[96];
    snprintf(d, sizeof d, "%s: %d/%d/%d", source, agree, disagree, other);
    return audit(db, actor, unit_id, "consultation.tally", id, d);
}

int cs_store_tallies(struct db *db, struct arena *a, int64_t id, struct rows **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_tallies, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    return db_rows(st, a, 2, out);
}

/* ---- synthesis ---- */

int cs_store_group_add(struct db *db, int64_t actor, int64_t id, int64_t unit_id,
                       int64_t section_id, const char *summary, const char *outcome,
                       const char *answer, const int64_t *comments, size_t n, int64_t *gid)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_group_insert, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_id(st, 2, section_id);
    db_bind_cstr(st, 3, summary);
    db_bind_cstr(st, 4, outcome);
    db_bind_cstr(st, 5, answer);
    db_bind_id(st, 6, actor);
    db_bind_int(st, 7, now_s());
    if ((rc = db_insert_id(st, gid)) != 0)
        return rc;
    if ((rc = db_prepare(db, sql_group_join, &st)) != 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        int64_t changed;
        db_bind_int(st, 1, comments[i]);
        db_bind_int(st, 2, id);
        db_bind_int(st, 3, *gid);
        if ((rc = db_run(st, &changed)) != 0)
            return rc;
        if (!changed)
            return ERR_CONFLICT; /* not of this consultation, hidden or grouped already */
    }
    char d[64];
    snprintf(d, sizeof d, "group %lld: %zu comments, %s", (long long)*gid, n, outcome);
    return audit(db, actor, unit_id, "consultation.group", id, d);
}

int cs_store_group_drop(struct db *db, int64_t actor, int64_t id, int64_t unit_id, int64_t gid)
{
    struct db_stmt *st;
    int64_t n;
    int rc = db_prepare(db, sql_group_of, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, gid);
    db_bind_int(st, 2, id);
    if ((rc = db_ints(st, &n, 1)) != 0)
        return rc;
    if (!n)
        return ERR_NOT_FOUND;
    if ((rc = db_prepare(db, sql_group_leave, &st)) != 0)
        return rc;
    db_bind_int(st, 1, gid);
    if ((rc = db_run(st, NULL)) != 0)
        return rc;
    if ((rc = db_prepare(db, sql_group_drop, &st)) != 0)
        return rc;
    db_bind_int(st, 1, gid);
    if ((rc = db_run(st, NULL)) != 0)
        return rc;
    char d[32];
    snprintf(d, sizeof d, "group %lld", (long long)gid);
    return audit(db, actor, unit_id, "consultation.ungroup", id, d);
}

int cs_store_groups(struct db *db, struct arena *a, int64_t id, struct rows **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_groups, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    return db_rows(st, a, 3, out);
}

int cs_store_counts(struct db *db, int64_t id, int64_t *comments, int64_t *grouped, int64_t *hidden)
{
    int64_t v[3] = {0, 0, 0};
    int rc = sums3(db, sql_counts, id, v);
    *comments = v[0];
    *grouped = v[1];
    *hidden = v[2];
    return rc;
}

int cs_store_hide(struct db *db, int64_t actor, int64_t id, int64_t unit_id, int64_t cid,
                  const char *reason)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_hide, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, cid);
    db_bind_int(st, 2, id);
    db_bind_cstr(st, 3, reason);
    rc = db_step(st);
    if (rc != DB_ROW) {
        db_reset(st);
        return rc == DB_DONE ? ERR_NOT_FOUND : rc;
    }
    int64_t section = db_col_int(st, 0);
    db_reset(st);
    if ((rc = db_prepare(db, sql_count_up, &st)) != 0)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, -1);
    if ((rc = db_run(st, NULL)) != 0)
        return rc;
    if (section) {
        if ((rc = db_prepare(db, sql_section_count_up, &st)) != 0)
            return rc;
        db_bind_int(st, 1, section);
        db_bind_int(st, 2, -1);
        if ((rc = db_run(st, NULL)) != 0)
            return rc;
    }
    char d[300];
    snprintf(d, sizeof d, "comment %lld: %.250s", (long long)cid, reason);
    return audit(db, actor, unit_id, "consultation.hide", id, d);
}

int cs_store_decide(struct db *db, int64_t actor, const struct cs_item *c)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_decide, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, c->id);
    db_bind_int(st, 2, c->decision);
    db_bind_cstr(st, 3, c->decision_note);
    db_bind_cstr(st, 4, c->explanation);
    db_bind_cstr(st, 5, c->decided_on);
    db_bind_cstr(st, 6, c->council_report_on);
    db_bind_int(st, 7, now_s());
    if ((rc = db_run(st, NULL)) != 0)
        return rc;
    return audit(db, actor, c->unit_id, "consultation.decide", c->id,
                 cs_decision_label(c->decision));
}

int cs_store_publish(struct db *db, int64_t actor, int64_t id, int64_t unit_id)
{
    struct db_stmt *st;
    int64_t changed;
    int rc = db_prepare(db, sql_publish, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, now_s());
    if ((rc = db_run(st, &changed)) != 0)
        return rc;
    if (!changed)
        return ERR_CONFLICT;
    return audit(db, actor, unit_id, "consultation.publish", id, "");
}

int cs_store_version_add(struct db *db, int64_t actor, int64_t id, int64_t unit_id,
                         const struct cs_version_in *v, int *version)
{
    struct db_stmt *st;
    int64_t next;
    int rc = db_prepare(db, sql_version_next, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    if ((rc = db_ints(st, &next, 1)) != 0)
        return rc;
    *version = (int)next;
    if ((rc = insert_version(db, actor, id, *version, v)) != 0)
        return rc;
    if ((rc = db_prepare(db, sql_version_current, &st)) != 0)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, *version);
    db_bind_int(st, 3, now_s());
    if ((rc = db_run(st, NULL)) != 0)
        return rc;
    char d[300];
    snprintf(d, sizeof d, "version %d: %.250s", *version, v->note ? v->note : "");
    return audit(db, actor, unit_id, "consultation.version", id, d);
}

int cs_store_versions(struct db *db, struct arena *a, int64_t id, struct rows **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_versions, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    return db_rows(st, a, 2, out);
}

int cs_store_table_open(struct db *db, int64_t id, struct db_stmt **out)
{
    int rc = db_prepare(db, sql_table, out);
    if (rc == 0)
        db_bind_int(*out, 1, id);
    return rc;
}

/* ---- staff conference ---- */

int cs_store_conference_add(struct db *db, struct cs_conference_in *in)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_conf_insert, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, in->unit_id);
    db_bind_id(st, 2, in->consultation_id);
    db_bind_int(st, 3, in->year);
    db_bind_cstr(st, 4, in->kind);
    db_bind_cstr(st, 5, in->held_on);
    db_bind_cstr(st, 6, in->place ? in->place : "");
    db_bind_cstr(st, 7, in->chair ? in->chair : "");
    db_bind_cstr(st, 8, in->secretary ? in->secretary : "");
    db_bind_int(st, 9, in->staff_total);
    db_bind_int(st, 10, in->present);
    db_bind_int(st, 11, in->valid ? 1 : 0);
    db_bind_cstr(st, 12, in->notes ? in->notes : "");
    db_bind_id(st, 13, in->actor);
    db_bind_int(st, 14, now_s());
    if ((rc = db_insert_id(st, &in->id)) != 0)
        return rc;
    char obj[48], d[96];
    snprintf(obj, sizeof obj, "staff_conference:%lld", (long long)in->id);
    snprintf(d, sizeof d, "%s: %d of %d present%s", in->held_on, in->present, in->staff_total,
             in->valid ? "" : " (not valid)");
    return audit_append(db, in->actor, in->unit_id, "staff_conference.add", obj, d);
}

int cs_store_conferences(struct db *db, struct arena *a, int64_t unit_id, struct rows **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_confs, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    return db_rows(st, a, 3, out);
}

int cs_store_conference_get(struct db *db, struct arena *a, int64_t cid, json_t **out)
{
    (void)a;
    struct db_stmt *st;
    int rc = db_prepare(db, sql_conf_get, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, cid);
    return one_row_json(st, out);
}

int cs_store_resolution_add(struct db *db, int64_t actor, int64_t unit_id, int64_t conference_id,
                            const char *title, int votes_for, int votes_against, int abstain,
                            int passed)
{
    struct db_stmt *st;
    int64_t rid;
    int rc = db_prepare(db, sql_res_insert, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, conference_id);
    db_bind_cstr(st, 2, title);
    db_bind_int(st, 3, votes_for);
    db_bind_int(st, 4, votes_against);
    db_bind_int(st, 5, abstain);
    db_bind_int(st, 6, passed ? 1 : 0);
    db_bind_int(st, 7, now_s());
    if ((rc = db_insert_id(st, &rid)) != 0)
        return rc;
    char obj[48], d[300];
    snprintf(obj, sizeof obj, "staff_conference:%lld", (long long)conference_id);
    snprintf(d, sizeof d, "%d/%d/%d %s: %.200s", votes_for, votes_against, abstain,
             passed ? "passed" : "failed", title);
    return audit_append(db, actor, unit_id, "staff_conference.resolution", obj, d);
}

int cs_store_resolutions(struct db *db, struct arena *a, int64_t conference_id, struct rows **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_res_list, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, conference_id);
    return db_rows(st, a, 2, out);
}

/*
 * store.c - all of the disclosure module's SQL (see internal.h).
 *
 * Writes run on the writer thread inside the write queue's transaction; each
 * writes its audit row in the same transaction. Public reads always carry
 * "secret = 0 AND published_at <= now": a state-secret or scheduled item
 * cannot reach a public page by a forgotten condition in a handler.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "disclosure/internal.h"

static const char sql_insert[] =
    "INSERT INTO disclosures (unit_id, village_id, category, title, body_md, body_html, "
    "doc_number, decision_date, channels, secret, status, published_at, signer_title, "
    "signer_name, created_by, created_at, updated_at, owner) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17) "
    "RETURNING id";
static const char sql_version_insert[] =
    "INSERT INTO disclosure_versions (disclosure_id, version, title, body_md, body_html, reason, "
    "created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
static const char sql_get[] =
    "SELECT id, unit_id, COALESCE(village_id, 0), category, title, body_md, body_html, "
    "doc_number, decision_date, channels, secret, status, COALESCE(published_at, 0), "
    "COALESCE(withdrawn_at, 0), withdraw_reason, version, signer_title, signer_name, "
    "created_at, updated_at, owner FROM disclosures WHERE id = $1";
static const char sql_items[] =
    "SELECT id, unit_id, COALESCE(village_id, 0), category, title, '', '', "
    "doc_number, decision_date, channels, secret, status, COALESCE(published_at, 0), "
    "COALESCE(withdrawn_at, 0), withdraw_reason, version, signer_title, signer_name, "
    "created_at, updated_at, owner FROM disclosures WHERE unit_id = $1 "
    "ORDER BY decision_date DESC, id DESC";
static const char sql_publish[] =
    "UPDATE disclosures SET status = 'published', published_at = $2, updated_at = $3 "
    "WHERE id = $1 AND status = 'draft'";
static const char sql_correct[] =
    "UPDATE disclosures SET title = $2, body_md = $3, body_html = $4, version = version + 1, "
    "updated_at = $5 WHERE id = $1 AND status = 'published' RETURNING version";
static const char sql_withdraw[] =
    "UPDATE disclosures SET status = 'withdrawn', withdrawn_at = $2, withdraw_reason = $3, "
    "updated_at = $2 WHERE id = $1 AND status = 'published'";
static const char sql_file_insert[] =
    "INSERT INTO disclosure_files (disclosure_id, name, mime, size, sha256, data, purpose, "
    "created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
static const char sql_file_get[] = "SELECT name, mime, data FROM disclosure_files "
                                   "WHERE id = $1 AND disclosure_id = $2";
static const char sql_files[] =
    "SELECT id, name, mime, size FROM disclosure_files WHERE disclosure_id = $1 AND purpose = $2 "
    "ORDER BY id";
static const char sql_posting_insert[] =
    "INSERT INTO disclosure_postings (disclosure_id, channel, place_id, posted_on, removed_on, "
    "note, photo_id, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
    "RETURNING id";
static const char sql_posting_end[] =
    "UPDATE disclosure_postings SET removed_on = $3 WHERE id = $2 AND disclosure_id = $1 "
    "AND channel = 1 AND removed_on IS NULL AND posted_on <= $3";
static const char sql_postings[] =
    "SELECT p.id, p.channel, p.place_id, u.code AS place_code, u.name AS place_name, "
    "p.posted_on, COALESCE(p.removed_on, '') AS removed_on, p.note, COALESCE(p.photo_id, 0) AS "
    "photo_id, COALESCE(a.display_name, '') AS recorded_by, p.created_at "
    "FROM disclosure_postings p JOIN units u ON u.id = p.place_id "
    "LEFT JOIN accounts a ON a.id = p.recorded_by WHERE p.disclosure_id = $1 "
    "ORDER BY p.channel, u.code, p.posted_on, p.id";
static const char sql_unit_postings[] =
    "SELECT p.disclosure_id, p.channel, p.place_id, p.posted_on, COALESCE(p.removed_on, '') "
    "FROM disclosure_postings p JOIN disclosures d ON d.id = p.disclosure_id "
    "WHERE d.unit_id = $1 ORDER BY p.disclosure_id, p.id";
static const char sql_public[] =
    "SELECT d.id, d.category, d.title, d.doc_number, d.decision_date, d.published_at, "
    "d.status, d.version, COALESCE(v.code, '') AS village_code, COALESCE(v.name, '') AS village "
    "FROM disclosures d LEFT JOIN units v ON v.id = d.village_id "
    "WHERE d.unit_id = $1 AND d.status IN ('published', 'withdrawn') AND d.secret = 0 "
    "AND d.published_at <= $2 AND ($3 = 0 OR d.category = $3) "
    "AND ($4 = 0 OR d.village_id = $4) "
    "ORDER BY d.published_at DESC, d.id DESC LIMIT $5 OFFSET $6";
/* The feed: the newest changes first - a publication, and later a correction or a withdrawal
 * of the same item (Art 14(1): changes to disclosed information are themselves disclosed). */
static const char sql_feed[] =
    "SELECT d.id, d.category, d.title, d.doc_number, d.decision_date, d.published_at, "
    "d.status, d.version, COALESCE(v.code, '') AS village_code, COALESCE(v.name, '') AS village, "
    "CASE WHEN d.updated_at > d.published_at THEN d.updated_at ELSE d.published_at END "
    "AS changed_at FROM disclosures d LEFT JOIN units v ON v.id = d.village_id "
    "WHERE d.unit_id = $1 AND d.status IN ('published', 'withdrawn') AND d.secret = 0 "
    "AND d.published_at <= $2 AND ($3 = 0 OR d.category = $3) "
    "ORDER BY changed_at DESC, d.id DESC LIMIT $4";
static const char sql_public_count[] =
    "SELECT COUNT(*) FROM disclosures d WHERE d.unit_id = $1 "
    "AND d.status IN ('published', 'withdrawn') AND d.secret = 0 AND d.published_at <= $2 "
    "AND ($3 = 0 OR d.category = $3) AND ($4 = 0 OR d.village_id = $4)";
static const char sql_public_counts[] =
    "SELECT category, COUNT(*) AS n FROM disclosures WHERE unit_id = $1 "
    "AND status = 'published' AND secret = 0 AND published_at <= $2 GROUP BY category "
    "ORDER BY category";
static const char sql_visible[] =
    "SELECT 1 FROM disclosures WHERE id = $1 AND status IN ('published', 'withdrawn') "
    "AND secret = 0 AND published_at <= $2";
static const char sql_versions[] =
    "SELECT v.version, v.title, v.reason, v.created_at, COALESCE(a.display_name, '') AS author "
    "FROM disclosure_versions v LEFT JOIN accounts a ON a.id = v.created_by "
    "WHERE v.disclosure_id = $1 ORDER BY v.version DESC";
static const char sql_version_get[] =
    "SELECT version, title, body_html, reason, created_at FROM disclosure_versions "
    "WHERE disclosure_id = $1 AND version = $2";
static const char sql_period[] =
    "SELECT d.id, d.category, d.title, d.doc_number, d.decision_date, d.published_at, "
    "d.channels, d.status FROM disclosures d WHERE d.unit_id = $1 AND d.secret = 0 "
    "AND d.status IN ('published', 'withdrawn') AND d.published_at >= $2 "
    "AND d.published_at < $3 ORDER BY d.published_at, d.id";
static const char sql_next_due[] =
    "SELECT COALESCE(MIN(published_at), 0) FROM disclosures WHERE status = 'published' "
    "AND published_at > $1";

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

/* Steps an INSERT ... RETURNING id. */
static int run_id(struct db_stmt *st, int64_t *id)
{
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *id = db_col_int(st, 0);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_DB;
    }
    db_reset(st);
    return rc;
}

static const char *object_of(char *buf, size_t n, int64_t id)
{
    snprintf(buf, n, "disclosure:%lld", (long long)id);
    return buf;
}

int dc_store_file_add(struct db *db, int64_t actor, int64_t id, const struct dc_file_in *f,
                      const char *purpose, int64_t *file_id)
{
    unsigned char hash[crypto_hash_sha256_BYTES];
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    crypto_hash_sha256(hash, f->data, f->len);
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    struct db_stmt *st;
    int rc = db_prepare(db, sql_file_insert, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_cstr(st, 2, f->name);
    db_bind_cstr(st, 3, f->mime);
    db_bind_int(st, 4, (int64_t)f->len);
    db_bind_cstr(st, 5, hex);
    db_bind_blob(st, 6, f->data, f->len);
    db_bind_cstr(st, 7, purpose);
    db_bind_id(st, 8, actor);
    db_bind_int(st, 9, now_s());
    if ((rc = run_id(st, file_id)) != 0)
        return rc;
    char obj[48];
    return audit_append(db, actor, 0, "disclosure.file", object_of(obj, sizeof obj, id), f->name);
}

/* One row of disclosure_versions: version n of item id as it was published. */
static int version_insert(struct db *db, int64_t id, int64_t n, const char *title,
                          const char *body_md, const char *body_html, const char *reason,
                          int64_t actor, int64_t now)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_version_insert, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, n);
    db_bind_cstr(st, 3, title);
    db_bind_cstr(st, 4, body_md);
    db_bind_cstr(st, 5, body_html);
    db_bind_cstr(st, 6, reason);
    db_bind_id(st, 7, actor);
    db_bind_int(st, 8, now);
    return db_run(st, NULL);
}

int dc_store_create(struct db *db, struct dc_new *in)
{
    struct db_stmt *st;
    int64_t now = now_s();
    int rc = db_prepare(db, sql_insert, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, in->unit_id);
    db_bind_id(st, 2, in->village_id);
    db_bind_int(st, 3, in->category);
    db_bind_cstr(st, 4, in->title);
    db_bind_cstr(st, 5, in->body_md);
    db_bind_cstr(st, 6, in->body_html);
    db_bind_cstr(st, 7, in->doc_number);
    db_bind_cstr(st, 8, in->decision);
    db_bind_int(st, 9, in->channels);
    db_bind_int(st, 10, in->secret ? 1 : 0);
    db_bind_cstr(st, 11, in->publish_at ? "published" : "draft");
    db_bind_id(st, 12, in->publish_at);
    db_bind_cstr(st, 13, in->signer_title);
    db_bind_cstr(st, 14, in->signer_name);
    db_bind_id(st, 15, in->actor);
    db_bind_int(st, 16, now);
    db_bind_cstr(st, 17, in->owner ? in->owner : "");
    if ((rc = run_id(st, &in->id)) != 0)
        return rc;
    if ((rc = version_insert(db, in->id, 1, in->title, in->body_md, in->body_html, "", in->actor,
                             now)) != 0)
        return rc;
    for (size_t i = 0; i < in->n_files; i++) {
        int64_t fid;
        if ((rc = dc_store_file_add(db, in->actor, in->id, &in->files[i], "attachment", &fid)))
            return rc;
    }
    /* A secret item is never indexed; a scheduled one is, and search filters by time. */
    if (in->publish_at && !in->secret &&
        (rc = store_search_put(db, in->unit_id, "disclosure", in->id, in->title, in->body_text)) !=
            0)
        return rc;
    char obj[48];
    return audit_append(db, in->actor, in->unit_id,
                        in->publish_at ? "disclosure.publish" : "disclosure.draft",
                        object_of(obj, sizeof obj, in->id), in->title);
}

/* Reads the row at st into out (columns of sql_get). */
static void read_item(struct db_stmt *st, struct arena *a, struct dc_item *out)
{
    out->id = db_col_int(st, 0);
    out->unit_id = db_col_int(st, 1);
    out->village_id = db_col_int(st, 2);
    out->category = (int)db_col_int(st, 3);
    out->title = arena_strdup(a, db_col_text(st, 4));
    out->body_md = arena_strdup(a, db_col_text(st, 5));
    out->body_html = arena_strdup(a, db_col_text(st, 6));
    out->doc_number = arena_strdup(a, db_col_text(st, 7));
    if (date_parse(db_col_text(st, 8), &out->decision) != 0)
        out->decision = (struct date){1970, 1, 1};
    out->channels = (unsigned)db_col_int(st, 9);
    out->secret = (int)db_col_int(st, 10);
    out->status = arena_strdup(a, db_col_text(st, 11));
    out->published_at = db_col_int(st, 12);
    out->withdrawn_at = db_col_int(st, 13);
    out->withdraw_reason = arena_strdup(a, db_col_text(st, 14));
    out->version = (int)db_col_int(st, 15);
    out->signer_title = arena_strdup(a, db_col_text(st, 16));
    out->signer_name = arena_strdup(a, db_col_text(st, 17));
    out->created_at = db_col_int(st, 18);
    out->updated_at = db_col_int(st, 19);
    out->owner = arena_strdup(a, db_col_text(st, 20));
}

int dc_store_get(struct db *db, struct arena *a, int64_t id, struct dc_item *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_get, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        read_item(st, a, out);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_NOT_FOUND;
    }
    db_reset(st);
    return rc;
}

int dc_store_items(struct db *db, struct arena *a, int64_t unit_id, struct dc_item **items,
                   size_t *n)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_items, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    size_t cap = 64, k = 0;
    struct dc_item *v = arena_alloc(a, cap * sizeof *v);
    while ((rc = db_step(st)) == DB_ROW) {
        if (k == cap) {
            v = arena_realloc(a, v, cap * sizeof *v, 2 * cap * sizeof *v);
            cap *= 2;
        }
        read_item(st, a, &v[k++]);
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = k;
    return 0;
}

int dc_store_publish(struct db *db, int64_t actor, int64_t id, int64_t at, const char *text)
{
    struct dc_item it;
    struct arena *a = arena_new(0);
    int rc = dc_store_get(db, a, id, &it);
    struct db_stmt *st;
    if (rc)
        goto out;
    if ((rc = db_prepare(db, sql_publish, &st)) != 0)
        goto out;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, at);
    db_bind_int(st, 3, now_s());
    int64_t changed = 0;
    if ((rc = db_run(st, &changed)) != 0)
        goto out;
    if (changed == 0) {
        rc = ERR_CONFLICT; /* not a draft any more */
        goto out;
    }
    if (!it.secret && (rc = store_search_put(db, it.unit_id, "disclosure", id, it.title, text)))
        goto out;
    char obj[48];
    rc = audit_append(db, actor, it.unit_id, "disclosure.publish", object_of(obj, sizeof obj, id),
                      it.title);
out:
    arena_free(a);
    return rc;
}

int dc_store_correct(struct db *db, int64_t actor, int64_t id, const char *title,
                     const char *body_md, const char *body_html, const char *text,
                     const char *reason)
{
    struct dc_item it;
    struct arena *a = arena_new(0);
    struct db_stmt *st;
    int64_t now = now_s(), version = 0;
    int rc = dc_store_get(db, a, id, &it);
    if (rc)
        goto out;
    if ((rc = db_prepare(db, sql_correct, &st)) != 0)
        goto out;
    db_bind_int(st, 1, id);
    db_bind_cstr(st, 2, title);
    db_bind_cstr(st, 3, body_md);
    db_bind_cstr(st, 4, body_html);
    db_bind_int(st, 5, now);
    rc = db_step(st);
    if (rc == DB_ROW) {
        version = db_col_int(st, 0);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_CONFLICT; /* only a published item is corrected; drafts are edited */
    }
    db_reset(st);
    if (rc)
        goto out;
    if ((rc = version_insert(db, id, version, title, body_md, body_html, reason, actor, now)))
        goto out;
    if (!it.secret && (rc = store_search_put(db, it.unit_id, "disclosure", id, title, text)))
        goto out;
    char obj[48];
    rc = audit_append(db, actor, it.unit_id, "disclosure.correct", object_of(obj, sizeof obj, id),
                      reason);
out:
    arena_free(a);
    return rc;
}

int dc_store_withdraw(struct db *db, int64_t actor, int64_t id, const char *reason)
{
    struct dc_item it;
    struct arena *a = arena_new(0);
    struct db_stmt *st;
    int rc = dc_store_get(db, a, id, &it);
    if (rc)
        goto out;
    if ((rc = db_prepare(db, sql_withdraw, &st)) != 0)
        goto out;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, now_s());
    db_bind_cstr(st, 3, reason);
    int64_t changed = 0;
    if ((rc = db_run(st, &changed)) != 0)
        goto out;
    if (changed == 0) {
        rc = ERR_CONFLICT;
        goto out;
    }
    /* The page stays (marked withdrawn) but search no longer offers it. */
    if ((rc = store_search_drop(db, "disclosure", id)) != 0)
        goto out;
    char obj[48];
    rc = audit_append(db, actor, it.unit_id, "disclosure.withdraw", object_of(obj, sizeof obj, id),
                      reason);
out:
    arena_free(a);
    return rc;
}

int dc_store_file_get(struct db *db, struct arena *a, int64_t id, int64_t fid, const char **name,
                      const char **mime, const void **data, size_t *len)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_file_get, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, fid);
    db_bind_int(st, 2, id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        *name = arena_strdup(a, db_col_text(st, 0));
        *mime = arena_strdup(a, db_col_text(st, 1));
        size_t n = 0;
        const void *p = db_col_blob(st, 2, &n);
        void *copy = arena_alloc(a, n ? n : 1);
        if (n)
            memcpy(copy, p, n);
        *data = copy;
        *len = n;
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = ERR_NOT_FOUND;
    }
    db_reset(st);
    return rc;
}

int dc_store_posting_add(struct db *db, const struct dc_posting_in *in, int64_t *posting_id)
{
    int64_t photo = 0;
    int rc;
    if (in->photo.len &&
        (rc = dc_store_file_add(db, in->actor, in->disclosure_id, &in->photo, "photo", &photo)))
        return rc;
    struct db_stmt *st;
    if ((rc = db_prepare(db, sql_posting_insert, &st)) != 0)
        return rc;
    db_bind_int(st, 1, in->disclosure_id);
    db_bind_int(st, 2, in->channel);
    db_bind_int(st, 3, in->place_id);
    db_bind_cstr(st, 4, in->posted_on);
    db_bind_cstr(st, 5, in->removed_on);
    db_bind_cstr(st, 6, in->note ? in->note : "");
    db_bind_id(st, 7, photo);
    db_bind_id(st, 8, in->actor);
    db_bind_int(st, 9, now_s());
    if ((rc = run_id(st, posting_id)) != 0)
        return rc;
    char obj[48], detail[96];
    snprintf(detail, sizeof detail, "channel %d place %lld from %s", in->channel,
             (long long)in->place_id, in->posted_on);
    return audit_append(db, in->actor, in->unit_id, "disclosure.posting",
                        object_of(obj, sizeof obj, in->disclosure_id), detail);
}

int dc_store_posting_end(struct db *db, int64_t actor, int64_t id, int64_t posting_id,
                         const char *removed_on)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_posting_end, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, posting_id);
    db_bind_cstr(st, 3, removed_on);
    int64_t changed = 0;
    if ((rc = db_run(st, &changed)) != 0)
        return rc;
    if (changed == 0)
        return ERR_CONFLICT; /* not a board posting still up, or removed before it was posted */
    char obj[48], detail[64];
    snprintf(detail, sizeof detail, "posting %lld removed %s", (long long)posting_id, removed_on);
    return audit_append(db, actor, 0, "disclosure.posting_end", object_of(obj, sizeof obj, id),
                        detail);
}

int dc_store_public_json(struct db *db, int64_t unit_id, int category, int64_t village_id,
                         int64_t now, int limit, int offset, json_t **rows, int64_t *total)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_public_count, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    db_bind_int(st, 2, now);
    db_bind_int(st, 3, category);
    db_bind_int(st, 4, village_id);
    *total = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_reset(st);
    if ((rc = db_prepare(db, sql_public, &st)) != 0)
        return rc;
    db_bind_int(st, 1, unit_id);
    db_bind_int(st, 2, now);
    db_bind_int(st, 3, category);
    db_bind_int(st, 4, village_id);
    db_bind_int(st, 5, limit);
    db_bind_int(st, 6, offset);
    return db_rows_json(st, rows);
}

int dc_store_feed_json(struct db *db, int64_t unit_id, int category, int64_t now, int limit,
                       json_t **rows)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_feed, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    db_bind_int(st, 2, now);
    db_bind_int(st, 3, category);
    db_bind_int(st, 4, limit);
    return db_rows_json(st, rows);
}

int dc_store_public_counts(struct db *db, int64_t unit_id, int64_t now, json_t **rows)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_public_counts, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    db_bind_int(st, 2, now);
    return db_rows_json(st, rows);
}

int dc_store_visible(struct db *db, int64_t now, const int64_t *ids, size_t n, int *visible)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_visible, &st);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        db_bind_int(st, 1, ids[i]);
        db_bind_int(st, 2, now);
        rc = db_step(st);
        visible[i] = rc == DB_ROW;
        db_reset(st);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int dc_store_versions_json(struct db *db, int64_t id, json_t **rows)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_versions, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    return db_rows_json(st, rows);
}

int dc_store_version_get(struct db *db, int64_t id, int version, json_t **row)
{
    struct db_stmt *st;
    json_t *rows;
    int rc = db_prepare(db, sql_version_get, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, version);
    if ((rc = db_rows_json(st, &rows)) != 0)
        return rc;
    if (json_array_size(rows) == 0) {
        json_decref(rows);
        return ERR_NOT_FOUND;
    }
    *row = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return 0;
}

int dc_store_files_json(struct db *db, int64_t id, const char *purpose, json_t **rows)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_files, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_cstr(st, 2, purpose);
    return db_rows_json(st, rows);
}

int dc_store_postings_json(struct db *db, int64_t id, json_t **rows)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_postings, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    return db_rows_json(st, rows);
}

int dc_store_unit_postings(struct db *db, struct arena *a, int64_t unit_id, int64_t **item_ids,
                           struct dc_posting **postings, size_t *n)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_unit_postings, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    size_t cap = 64, k = 0;
    int64_t *ids = arena_alloc(a, cap * sizeof *ids);
    struct dc_posting *p = arena_alloc(a, cap * sizeof *p);
    while ((rc = db_step(st)) == DB_ROW) {
        if (k == cap) {
            ids = arena_realloc(a, ids, cap * sizeof *ids, 2 * cap * sizeof *ids);
            p = arena_realloc(a, p, cap * sizeof *p, 2 * cap * sizeof *p);
            cap *= 2;
        }
        struct dc_posting *q = &p[k];
        memset(q, 0, sizeof *q);
        ids[k] = db_col_int(st, 0);
        q->channel = (enum dc_channel)db_col_int(st, 1);
        q->place = db_col_int(st, 2);
        if (date_parse(db_col_text(st, 3), &q->from) != 0)
            continue;
        const char *to = db_col_text(st, 4);
        q->has_to = to[0] && date_parse(to, &q->to) == 0;
        if (q->channel == DC_LOUDSPEAKER && !q->has_to) {
            q->to = q->from;
            q->has_to = 1;
        }
        k++;
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    *item_ids = ids;
    *postings = p;
    *n = k;
    return 0;
}

int dc_store_period_json(struct db *db, int64_t unit_id, int64_t from, int64_t to, json_t **rows)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_period, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, unit_id);
    db_bind_int(st, 2, from);
    db_bind_int(st, 3, to);
    return db_rows_json(st, rows);
}

int dc_store_period_open(struct db *db, int64_t unit_id, int64_t from, int64_t to,
                         struct db_stmt **st)
{
    int rc = db_prepare(db, sql_period, st);
    if (rc)
        return rc;
    db_bind_int(*st, 1, unit_id);
    db_bind_int(*st, 2, from);
    db_bind_int(*st, 3, to);
    return 0;
}

int dc_store_next_due(struct db *db, int64_t now, int64_t *t)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql_next_due, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, now);
    rc = db_step(st);
    *t = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_reset(st);
    return rc < 0 ? rc : 0;
}

/*
 * search.c - one search index for every module: search_docs(unit_id, kind,
 * ref_id, title, body), filled with store_search_put() and queried with
 * store_search(). Matching ignores case, tone marks and đ/d; every query word
 * must match the beginning of a word of the document ("dau" finds "đầu tư" and
 * "đấu giá"), in any order.
 *
 * Words are runs of letters, marks and digits (Unicode categories L, M, N);
 * each word is folded with utf8_fold(). SQLite indexes them with the FTS5
 * tokenizer "danchu" registered here on every connection; PostgreSQL stores
 * the same folded words in search_docs.fold, indexed as a 'simple' tsvector.
 * Both engines therefore see exactly the same words. Snippets are cut in C
 * from the original body, the same way on both engines.
 */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "store/internal.h"

/* ---- FTS5 tokenizer API, version 1 (fts5.h is not installed by libsqlite3-dev) ---- */

struct Fts5Tokenizer; /* opaque tokenizer instance */

struct fts5_tokenizer_v1 {
    int (*xCreate)(void *, const char **, int, struct Fts5Tokenizer **); /* new instance */
    void (*xDelete)(struct Fts5Tokenizer *);                             /* free instance */
    int (*xTokenize)(struct Fts5Tokenizer *, void *, int, const char *, int,
                     int (*)(void *, int, const char *, int, int, int)); /* split text */
};

struct fts5_api_v2 {
    int iVersion; /* 2 or more */
    int (*xCreateTokenizer)(struct fts5_api_v2 *, const char *, void *, struct fts5_tokenizer_v1 *,
                            void (*)(void *)); /* register */
    int (*xFindTokenizer)(struct fts5_api_v2 *, const char *, void **,
                          struct fts5_tokenizer_v1 *); /* look up */
    int (*xCreateFunction)(struct fts5_api_v2 *, const char *, void *, void (*)(void),
                           void (*)(void *)); /* auxiliary functions (unused) */
};

/* ---- words ---- */

#define MAX_QUERY_WORDS 16
#define SNIPPET_WORDS 24
#define SNIPPET_BEFORE 6

static int is_word_cp(utf8proc_int32_t cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    utf8proc_category_t cat = utf8proc_category(cp);
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO;
}

/*
 * Finds the next word in s[*pos..n): returns 1 with its byte range [*start, *end) and
 * advances *pos, or 0 at the end. Bytes that are not UTF-8 separate words.
 */
static int next_word(const char *s, size_t n, size_t *pos, size_t *start, size_t *end)
{
    size_t i = *pos;
    int in_word = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        int word = k > 0 && is_word_cp(cp);
        if (k <= 0)
            k = 1;
        if (word && !in_word) {
            *start = i;
            in_word = 1;
        } else if (!word && in_word) {
            break;
        }
        i += (size_t)k;
    }
    *pos = i;
    if (!in_word)
        return 0;
    *end = i;
    return 1;
}

/* The folded form of one word in a, or NULL when it folds to nothing. */
static const char *fold_word(struct arena *a, const char *w, size_t n, size_t *out_len)
{
    const char *f = utf8_fold(a, w, n, out_len);
    if (!f || *out_len == 0)
        return NULL;
    return f;
}

/* Appends the folded words of s to out, separated by single spaces. */
static void fold_words(struct arena *a, const char *s, size_t n, struct buf *out)
{
    size_t pos = 0, start, end, flen;
    while (next_word(s, n, &pos, &start, &end)) {
        const char *f = fold_word(a, s + start, end - start, &flen);
        if (!f)
            continue;
        if (out->len > 0)
            buf_putc(out, ' ');
        buf_append(out, f, flen);
    }
}

/* ---- the SQLite tokenizer ---- */

static int tok_create(void *ctx, const char **argv, int argc, struct Fts5Tokenizer **out)
{
    static int instance; /* stateless: every instance is the same */
    (void)ctx;
    (void)argv;
    (void)argc;
    *out = (struct Fts5Tokenizer *)&instance;
    return SQLITE_OK;
}

static void tok_delete(struct Fts5Tokenizer *t)
{
    (void)t;
}

static int tok_tokenize(struct Fts5Tokenizer *t, void *ctx, int flags, const char *text, int n,
                        int (*token)(void *, int, const char *, int, int, int))
{
    struct arena *a = arena_new(0);
    size_t pos = 0, start, end, flen;
    int rc = SQLITE_OK;
    (void)t;
    (void)flags;
    while (rc == SQLITE_OK && next_word(text, (size_t)n, &pos, &start, &end)) {
        const char *f = fold_word(a, text + start, end - start, &flen);
        if (f)
            rc = token(ctx, 0, f, (int)flen, (int)start, (int)end);
        arena_reset(a);
    }
    arena_free(a);
    return rc;
}

int store_search_register(sqlite3 *lite)
{
    static struct fts5_tokenizer_v1 tokenizer = {tok_create, tok_delete, tok_tokenize};
    struct fts5_api_v2 *api = NULL;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(lite, "SELECT fts5(?1)", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
        sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (!api || api->iVersion < 2)
        return ERR_UNSUPPORTED;
    rc = api->xCreateTokenizer(api, "danchu", NULL, &tokenizer, NULL);
    return rc == SQLITE_OK ? 0 : ERR_DB;
}

/* ---- the index ---- */

static const char put_lite_sql[] =
    "INSERT INTO search_docs (unit_id, kind, ref_id, title, body, tags) "
    "VALUES ($1, $2, $3, $4, $5, 'u' || $1 || ' k' || $2) "
    "ON CONFLICT (kind, ref_id) DO UPDATE SET unit_id = excluded.unit_id, "
    "title = excluded.title, body = excluded.body, tags = excluded.tags";
static const char put_pg_sql[] =
    "INSERT INTO search_docs (unit_id, kind, ref_id, title, body, fold) "
    "VALUES ($1, $2, $3, $4, $5, $6) "
    "ON CONFLICT (kind, ref_id) DO UPDATE SET unit_id = excluded.unit_id, "
    "title = excluded.title, body = excluded.body, fold = excluded.fold";
static const char drop_sql[] = "DELETE FROM search_docs WHERE kind = $1 AND ref_id = $2";

/* Newest first. Ranking by relevance (bm25 / ts_rank) scores every match before the LIMIT
 * applies: 200 ms for a common word over 100,000 documents here. Walking the index in rowid
 * order stops after `limit` matches, and every query word is required anyway. The FTS5 rowid
 * is 2^40 - id (migration 0007), so the forward walk FTS5 does best is newest first. */
static const char search_lite_sql[] =
    "SELECT d.kind, d.ref_id, d.title, d.body FROM search_docs d WHERE d.id IN "
    "(SELECT 1099511627776 - rowid FROM search_fts WHERE search_fts MATCH $1 "
    "ORDER BY rowid LIMIT $4) ORDER BY d.id DESC";
static const char search_pg_sql[] =
    "SELECT kind, ref_id, title, body FROM search_docs "
    "WHERE fts @@ to_tsquery('simple', $1) "
    "AND ($2::bigint = 0 OR unit_id = $2::bigint) AND ($3::text = '' OR kind = $3::text) "
    "ORDER BY id DESC LIMIT $4";

int store_search_put(struct db *db, int64_t unit_id, const char *kind, int64_t ref_id,
                     const char *title, const char *body)
{
    struct db_stmt *st = NULL;
    struct arena *a = NULL;
    struct buf fold;
    int rc;

    if (!body)
        body = "";
    rc = db_prepare2(db, put_lite_sql, put_pg_sql, &st);
    if (rc != 0)
        return rc;
    db_bind_int(st, 1, unit_id);
    db_bind_cstr(st, 2, kind);
    db_bind_int(st, 3, ref_id);
    db_bind_cstr(st, 4, title);
    db_bind_cstr(st, 5, body);
    if (db->kind == STORE_POSTGRES) {
        a = arena_new(0);
        buf_init(&fold, a);
        fold_words(a, title, strlen(title), &fold);
        fold_words(a, body, strlen(body), &fold);
        db_bind_text(st, 6, fold.ptr ? fold.ptr : "", fold.len);
    }
    rc = db_step(st);
    db_reset(st);
    arena_free(a);
    return rc < 0 ? rc : 0;
}

int store_search_drop(struct db *db, const char *kind, int64_t ref_id)
{
    struct db_stmt *st = NULL;
    int rc = db_prepare(db, drop_sql, &st);
    if (rc != 0)
        return rc;
    db_bind_cstr(st, 1, kind);
    db_bind_int(st, 2, ref_id);
    rc = db_step(st);
    db_reset(st);
    return rc < 0 ? rc : 0;
}

/* The query words, folded: words[i] (arena strings), *n_words of them. */
static void query_words(struct arena *a, const char *q, const char **words, size_t *n_words)
{
    size_t pos = 0, start, end, flen, n = 0, len = strlen(q);
    while (n < MAX_QUERY_WORDS && next_word(q, len, &pos, &start, &end)) {
        const char *f = fold_word(a, q + start, end - start, &flen);
        int dup = 0;
        if (!f)
            continue;
        for (size_t i = 0; i < n && !dup; i++)
            dup = strcmp(words[i], f) == 0;
        if (!dup)
            words[n++] = f;
    }
    *n_words = n;
}

/*
 * A plain-text excerpt of text around the first word that matches a query word:
 * up to SNIPPET_WORDS words, "…" where text was cut. Allocated in a.
 */
static char *snippet(struct arena *a, const char *text, const char **words, size_t n_words)
{
    size_t len = strlen(text), pos = 0, start, end, flen;
    size_t starts[SNIPPET_BEFORE + 1]; /* ring of the last word starts */
    size_t seen = 0, first = 0, hit = (size_t)-1, from, to = 0;
    struct buf out;

    /* Scan for the first matching word, remembering where the few words before it began. */
    while (next_word(text, len, &pos, &start, &end)) {
        starts[seen % (SNIPPET_BEFORE + 1)] = start;
        seen++;
        const char *f = fold_word(a, text + start, end - start, &flen);
        for (size_t i = 0; f && i < n_words; i++) {
            if (strncmp(words[i], f, strlen(words[i])) == 0) {
                hit = seen - 1;
                break;
            }
        }
        if (hit != (size_t)-1)
            break;
    }
    if (hit == (size_t)-1) {
        hit = 0;
        pos = 0;
        from = 0;
        first = 0;
    } else {
        size_t back = hit < SNIPPET_BEFORE ? hit : SNIPPET_BEFORE;
        first = hit - back;
        from = starts[first % (SNIPPET_BEFORE + 1)];
        pos = from;
    }
    if (first == 0)
        from = 0;
    /* Then take words up to SNIPPET_WORDS from there. */
    size_t taken = 0;
    to = from;
    while (taken < SNIPPET_WORDS && next_word(text, len, &pos, &start, &end)) {
        to = end;
        taken++;
    }
    int more = next_word(text, len, &pos, &start, &end);
    if (taken == 0)
        to = len;
    buf_init(&out, a);
    if (from > 0)
        buf_puts(&out, "… ");
    buf_append(&out, text + from, to - from);
    if (more)
        buf_puts(&out, " …");
    return out.ptr ? out.ptr : arena_strdup(a, "");
}

int store_search(struct db *db, int64_t unit_id, const char *kind, const char *query, int limit,
                 json_t **out)
{
    struct arena *a = arena_new(0);
    struct db_stmt *st = NULL;
    const char *words[MAX_QUERY_WORDS];
    size_t n_words = 0;
    struct buf q;
    json_t *arr = json_array();
    int rc = 0;

    *out = NULL;
    if (!arr)
        abort();
    query_words(a, query ? query : "", words, &n_words);
    if (n_words == 0 || limit <= 0)
        goto out;
    /* SQLite: each word as an FTS5 prefix phrase ("dau"*: quoted, so words like AND or NEAR
     * are plain words), all required. PostgreSQL: "dau:* & tu:*". Folded words hold only
     * letters, marks and digits, so neither syntax can be injected. */
    buf_init(&q, a);
    if (db->kind == STORE_SQLITE) {
        /* {title body} : ("dau"* "tu"*) AND tags : ("u12" "kdisclosure"): the unit and the
         * kind are words of the tags column (migration 0006). */
        buf_puts(&q, "{title body} : (");
        for (size_t i = 0; i < n_words; i++) {
            buf_puts(&q, i > 0 ? " \"" : "\"");
            buf_puts(&q, words[i]);
            buf_puts(&q, "\"*");
        }
        buf_putc(&q, ')');
        if (unit_id)
            buf_printf(&q, " AND tags : \"u%lld\"", (long long)unit_id);
        /* Kinds are the modules' own lower-case identifiers, never user input. */
        if (kind && kind[0] && !strchr(kind, '"'))
            buf_printf(&q, " AND tags : \"k%s\"", kind);
    } else {
        for (size_t i = 0; i < n_words; i++) {
            if (i > 0)
                buf_puts(&q, " & ");
            buf_puts(&q, words[i]);
            buf_puts(&q, ":*");
        }
    }
    rc = db_prepare2(db, search_lite_sql, search_pg_sql, &st);
    if (rc != 0)
        goto out;
    db_bind_text(st, 1, q.ptr, q.len);
    db_bind_int(st, 2, unit_id);
    db_bind_cstr(st, 3, kind ? kind : "");
    db_bind_int(st, 4, limit);
    while ((rc = db_step(st)) == DB_ROW) {
        const char *body = db_col_text(st, 3);
        json_t *row = json_pack("{s:s, s:I, s:s, s:s}", "kind", db_col_text(st, 0), "ref_id",
                                (json_int_t)db_col_int(st, 1), "title", db_col_text(st, 2),
                                "snippet", snippet(a, body, words, n_words));
        if (!row) {
            rc = store_set_err(db, ERR_INTERNAL, "search row is not UTF-8");
            goto out;
        }
        json_array_append_new(arr, row);
    }
out:
    db_reset(st);
    arena_free(a);
    if (rc < 0) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return 0;
}

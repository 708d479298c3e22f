/*
 * import.c - a draft comes in: its text (plain, Markdown, or DOCX through
 * export_docx_markdown), its recognised outline (export/outline.h) turned into the rows of
 * consultation_sections, and `danchu import document --kind draft` with --dry-run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consultation/internal.h"
#include "export/outline.h"

/* The text a table section keeps: its rows, one a line, cells separated by " | ". */
static const char *table_body(struct arena *a, const struct outline_node *n)
{
    struct buf b;
    buf_init(&b, a);
    for (size_t r = 0; r < n->n_rows; r++) {
        for (size_t c = 0; c < n->n_cols; c++) {
            if (c)
                buf_puts(&b, " | ");
            buf_puts(&b, n->rows[r][c] ? n->rows[r][c] : "");
        }
        buf_putc(&b, '\n');
    }
    return b.ptr ? b.ptr : "";
}

struct walk {
    struct arena *a;
    struct cs_version_in *v;
    size_t cap;
    int too_many;
};

static void walk(struct walk *w, const struct outline_node *n, int parent_ord, int depth)
{
    for (const struct outline_node *c = n->first; c && !w->too_many; c = c->next) {
        if (w->v->n_sections == CS_MAX_SECTIONS) {
            w->too_many = 1;
            return;
        }
        if (w->v->n_sections == w->cap) {
            size_t cap = w->cap ? w->cap * 2 : 64;
            w->v->sections = arena_realloc(w->a, w->v->sections, w->cap * sizeof *w->v->sections,
                                           cap * sizeof *w->v->sections);
            w->cap = cap;
        }
        struct cs_section_in *s = &w->v->sections[w->v->n_sections++];
        s->ord = (int)w->v->n_sections;
        s->parent_ord = parent_ord;
        s->depth = depth;
        s->kind = outline_kind_name(c->kind);
        s->number = c->number;
        s->title = c->title;
        s->body = c->kind == OUTLINE_TABLE ? table_body(w->a, c) : c->body;
        s->path = outline_path(w->a, c);
        s->label = outline_label(w->a, c);
        walk(w, c, s->ord, depth + 1);
    }
}

int cs_outline_sections(struct arena *a, const struct outline *o, struct cs_version_in *v)
{
    struct walk w = {a, v, 0, 0};
    v->sections = NULL;
    v->n_sections = 0;
    v->doc_type = o->doc_type;
    v->doc_number = o->number;
    v->doc_summary = o->summary;
    walk(&w, &o->root, 0, 0);
    return w.too_many ? ERR_TOO_LARGE : 0;
}

int cs_text_of_file(struct arena *a, const void *data, size_t len, const char **text,
                    const char **error)
{
    enum export_type t = export_sniff(data, len);
    char err[200];
    if (t == EXPORT_TYPE_DOCX) {
        char *md;
        if (export_docx_markdown(a, data, len, &md, err, sizeof err) != 0) {
            *error = "Không đọc được tệp Word (DOCX) này.";
            return ERR_INVALID;
        }
        *text = md;
        return 0;
    }
    if (t != EXPORT_TYPE_TEXT || !utf8_valid(data, len) || memchr(data, 0, len)) {
        *error = "Dự thảo phải là tệp văn bản (TXT, Markdown, UTF-8) hoặc Word (DOCX).";
        return ERR_INVALID;
    }
    size_t n;
    char *nfc = utf8_nfc(a, data, len, &n);
    if (!nfc) {
        *error = "Tệp không phải văn bản UTF-8.";
        return ERR_INVALID;
    }
    *text = nfc;
    return 0;
}

int cs_recognise(struct arena *a, const char *text, struct cs_version_in *v,
                 const struct outline **outline, const char **error)
{
    struct outline *o;
    char err[200];
    if (outline_parse(a, text, strlen(text), &o, err, sizeof err) != 0) {
        *error = "Không nhận dạng được cấu trúc văn bản.";
        return ERR_INVALID;
    }
    memset(v, 0, sizeof *v);
    v->source_text = text;
    if (cs_outline_sections(a, o, v) != 0) {
        *error = "Dự thảo có quá nhiều mục (tối đa 5.000).";
        return ERR_TOO_LARGE;
    }
    if (v->n_sections == 0) {
        *error = "Không tìm thấy nội dung nào trong dự thảo.";
        return ERR_INVALID;
    }
    if (outline)
        *outline = o;
    return 0;
}

/* ---- danchu import document --kind draft ---- */

struct import_job {
    struct cs_new in;
};

static int run_create(struct db *db, void *arg)
{
    struct import_job *j = arg;
    return cs_store_create(db, &j->in);
}

static char *slurp(struct arena *a, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *p = arena_alloc(a, cap);
    for (;;) {
        if (n == cap) {
            if (cap >= CS_MAX_FILE) {
                fclose(f);
                return NULL;
            }
            p = arena_realloc(a, p, cap, cap * 2);
            cap *= 2;
        }
        size_t got = fread(p + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return NULL;
    *len = n;
    return p;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

int consultation_import_file(struct store *s, struct consultation_env *env, int64_t actor,
                             const struct consultation_import *in, int64_t *id, json_t **outline,
                             char *err, size_t err_len)
{
    (void)env;
    struct arena *a = arena_new(0);
    struct db *db = NULL;
    size_t len = 0;
    const char *text, *error = NULL;
    const struct outline *o;
    struct import_job j;
    memset(&j, 0, sizeof j);
    int rc = ERR_INVALID;
    char *data = slurp(a, in->path, &len);
    if (!data) {
        snprintf(err, err_len, "không đọc được tệp %s", in->path);
        rc = ERR_IO;
        goto out;
    }
    if ((rc = cs_text_of_file(a, data, len, &text, &error)) != 0 ||
        (rc = cs_recognise(a, text, &j.in.v, &o, &error)) != 0) {
        snprintf(err, err_len, "%s", error);
        goto out;
    }
    if (outline)
        *outline = outline_json(o);
    if (in->dry_run) {
        rc = 0;
        goto out;
    }
    if (in->topic < 1 || in->topic > 9) {
        snprintf(err, err_len, "chủ đề phải là YK1 đến YK9");
        rc = ERR_INVALID;
        goto out;
    }
    struct unit u;
    if ((rc = store_connect(s, &db)) != 0)
        goto out;
    if ((rc = units_get(db, in->unit_code, &u)) != 0) {
        snprintf(err, err_len, "không có đơn vị mã %s", in->unit_code);
        goto out;
    }
    if (!units_kind_is_commune(u.kind) && strcmp(u.kind, "agency") != 0) {
        snprintf(err, err_len, "%s không phải xã, phường, đặc khu hay cơ quan", in->unit_code);
        rc = ERR_INVALID;
        goto out;
    }
    j.in.actor = actor;
    j.in.unit_id = u.id;
    j.in.topic = in->topic;
    j.in.internal = strcmp(u.kind, "agency") == 0;
    j.in.title = in->title && in->title[0] ? in->title
                 : o->summary[0]           ? o->summary
                                           : base_name(in->path);
    j.in.forms = j.in.internal ? 0 : 1u << CS_FORM_ONLINE;
    j.in.v.source_name = base_name(in->path);
    if ((rc = store_write_start(s)) != 0 || (rc = store_write_sync(s, run_create, &j)) != 0) {
        snprintf(err, err_len, "%s", err_message_vi(rc));
        goto out;
    }
    *id = j.in.id;
out:
    if (db)
        db_close(db);
    arena_free(a);
    return rc;
}

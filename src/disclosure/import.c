/*
 * import.c - `danchu import document --kind disclosure`: one plain-text,
 * Markdown or DOCX file becomes a disclosure item of a commune, through the
 * write queue like any web request (durable before the command says so).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "disclosure/internal.h"

struct import_job {
    struct dc_new n; /* the item */
};

static int run_import(struct db *db, void *arg)
{
    struct import_job *j = arg;
    return dc_store_create(db, &j->n);
}

/* The file's bytes in a (NUL-terminated); NULL when unreadable. */
static char *slurp(struct arena *a, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct buf b;
    buf_init(&b, a);
    char chunk[16384];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return NULL;
    *len = b.len;
    return b.ptr ? b.ptr : arena_strdup(a, "");
}

/* The first heading, or else the first non-empty line, without Markdown marks, cut to 300. */
static const char *first_title(struct arena *a, const char *md)
{
    const char *p = md;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        struct str line = str_trim((struct str){p, n});
        while (line.len && (line.ptr[0] == '#' || line.ptr[0] == '*' || line.ptr[0] == '-'))
            line = str_trim((struct str){line.ptr + 1, line.len - 1});
        while (line.len && line.ptr[line.len - 1] == '*')
            line.len--;
        if (line.len) {
            if (line.len > 300) {
                line.len = 300;
                while (line.len && ((unsigned char)line.ptr[line.len] & 0xC0) == 0x80)
                    line.len--; /* not inside a UTF-8 sequence */
            }
            /* Markdown escapes (a DOCX paragraph "1." becomes "1\\.") are not part of a title. */
            char *t = arena_alloc(a, line.len + 1);
            size_t k = 0;
            for (size_t i = 0; i < line.len; i++) {
                if (line.ptr[i] == '\\' && i + 1 < line.len &&
                    strchr("\\`*_{}[]()#+-.!|<>&~", line.ptr[i + 1]))
                    i++;
                t[k++] = line.ptr[i];
            }
            t[k] = '\0';
            return t;
        }
        if (!e)
            break;
        p = e + 1;
    }
    return NULL;
}

int disclosure_import_file(struct store *s, struct disclosure_env *env, int64_t actor,
                           const struct disclosure_import *in, int64_t *id, char *err,
                           size_t err_len)
{
    struct arena *a = arena_new(0);
    struct import_job *j = arena_zalloc(a, sizeof *j);
    struct db *db = NULL;
    int rc = store_connect(s, &db);
    if (rc) {
        snprintf(err, err_len, "không kết nối được cơ sở dữ liệu");
        goto out;
    }
    struct unit u;
    if (units_get(db, in->unit_code, &u) != 0 ||
        (strcmp(u.kind, "commune_rural") && strcmp(u.kind, "ward") &&
         strcmp(u.kind, "special_zone"))) {
        snprintf(err, err_len, "không có xã/phường/đặc khu mã %s", in->unit_code);
        rc = ERR_NOT_FOUND;
        goto out;
    }
    size_t len = 0;
    char *bytes = slurp(a, in->path, &len);
    if (!bytes) {
        snprintf(err, err_len, "không đọc được tệp: %s", strerror(errno));
        rc = ERR_IO;
        goto out;
    }
    enum export_type t = export_sniff(bytes, len);
    char *md = NULL;
    if (t == EXPORT_TYPE_DOCX) {
        char why[256] = "";
        if ((rc = export_docx_markdown(a, bytes, len, &md, why, sizeof why)) != 0) {
            snprintf(err, err_len, "tệp Word không đọc được (%s)", why);
            goto out;
        }
    } else if (t == EXPORT_TYPE_TEXT) {
        size_t off = len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        md = utf8_nfc(a, bytes + off, len - off, NULL);
        if (!md) {
            snprintf(err, err_len, "tệp không phải văn bản UTF-8");
            rc = ERR_INVALID;
            goto out;
        }
    } else {
        snprintf(err, err_len, "chỉ nhận tệp văn bản (.txt), Markdown (.md) hoặc Word (.docx)");
        rc = ERR_INVALID;
        goto out;
    }
    const char *title = in->title && in->title[0] ? utf8_nfc(a, in->title, strlen(in->title), NULL)
                                                  : first_title(a, md);
    if (!title || !title[0]) {
        snprintf(err, err_len, "tệp trống: không có tiêu đề (dùng --title)");
        rc = ERR_INVALID;
        goto out;
    }
    struct date dec = date_vn_from_time(time(NULL));
    if (in->decision && date_parse(in->decision, &dec) != 0) {
        snprintf(err, err_len, "--decision phải có dạng dd/mm/yyyy");
        rc = ERR_INVALID;
        goto out;
    }
    char *html, *text;
    if (view_markdown_html(a, md, strlen(md), &html) != 0 ||
        view_markdown_text(a, md, strlen(md), &text) != 0) {
        snprintf(err, err_len, "nội dung không hợp lệ");
        rc = ERR_INVALID;
        goto out;
    }
    const struct dc_rules *r = dc_rules_at(env->rules, dec);
    if (!r && env->rules->n_versions)
        r = &env->rules->versions[0];
    char iso[11];
    date_format_iso(dec, iso);
    j->n.actor = actor;
    j->n.unit_id = u.id;
    j->n.category = in->category;
    j->n.title = title;
    j->n.body_md = md;
    j->n.body_html = html;
    j->n.body_text = text;
    j->n.doc_number = "";
    j->n.decision = iso;
    j->n.channels = (1u << DC_WEBSITE) | (r ? r->required[in->category] : 0);
    j->n.signer_title = "";
    j->n.signer_name = "";
    j->n.owner = in->owner ? in->owner : "";
    j->n.publish_at = in->publish ? (int64_t)time(NULL) : 0;
    if ((rc = store_write_start(s)) != 0 || (rc = store_write_sync(s, run_import, j)) != 0) {
        snprintf(err, err_len, "lưu không thành công (%s)", err_name(rc));
        goto out;
    }
    *id = j->n.id;
out:
    if (db)
        db_close(db);
    arena_free(a);
    return rc;
}

/*
 * outline_docx_test.c - the three real documents of ../shared/data/documents, turned into Word
 * files by LibreOffice (headless, from Debian) as a commune official's computer would, come
 * back through export_docx_markdown() and outline_parse() with the same structure as their
 * text: the same Điều with the same numbers and titles, the same khoản and điểm under each, the
 * same signer. What a user notices: uploading the .docx of a draft gives the same sections to
 * comment on as pasting its text.
 *
 * Skipped (with a SKIPPED line) when soffice or the documents are missing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/arena.h"
#include "export/export.h"
#include "export/outline.h"

static char DIR_[512]; /* the temporary folder LibreOffice writes into */

static char *slurp(struct arena *a, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = arena_alloc(a, (size_t)n + 1);
    *len = fread(p, 1, (size_t)n, f);
    p[*len] = '\0';
    fclose(f);
    return p;
}

/* "dieu 1 <title>|khoan 1|diem a|..." for every Điều, khoản and điểm in document order, and the
 * signer, as one string to compare. */
static void shape(const struct outline_node *n, char *out, size_t cap)
{
    for (const struct outline_node *c = n->first; c; c = c->next) {
        const char *k = outline_kind_name(c->kind);
        size_t len = strlen(out);
        if (c->kind == OUTLINE_DIEU)
            snprintf(out + len, cap - len, "dieu %s %s|", c->number, c->title);
        else if (c->kind == OUTLINE_KHOAN || c->kind == OUTLINE_DIEM || c->kind == OUTLINE_PHAN ||
                 c->kind == OUTLINE_PHU_LUC)
            snprintf(out + len, cap - len, "%s %s|", k, c->number);
        else if (c->kind == OUTLINE_SIGNATURE)
            snprintf(out + len, cap - len, "signed %s|", c->title);
        shape(c, out, cap);
    }
}

static int count_kind(const struct outline_node *n, enum outline_kind k)
{
    int total = 0;
    for (const struct outline_node *c = n->first; c; c = c->next)
        total += (c->kind == k) + count_kind(c, k);
    return total;
}

static void same_structure(const char *name, int want_dieu, int want_khoan, int want_diem)
{
    char src[600], docx[1200], cmd[4096];
    snprintf(src, sizeof src, "../shared/data/documents/%s.txt", name);
    if (access(src, R_OK) != 0 || access("/usr/bin/soffice", X_OK) != 0) {
        fprintf(stderr, "SKIPPED: %s or soffice missing\n", src);
        skip();
    }
    struct arena *a = arena_new(0);
    size_t len;
    char *text = slurp(a, src, &len);
    assert_non_null(text);
    snprintf(cmd, sizeof cmd,
             "cp '%s' '%s/' && cd '%s' && HOME='%s' soffice --headless --norestore "
             "--infilter='Text (encoded):UTF8,LF,,,' --convert-to 'docx:MS Word 2007 XML' "
             "--outdir '%s' '%s.txt' >/dev/null 2>&1",
             src, DIR_, DIR_, DIR_, DIR_, name);
    assert_int_equal(system(cmd), 0);
    snprintf(docx, sizeof docx, "%s/%s.docx", DIR_, name);
    size_t dlen;
    char *bytes = slurp(a, docx, &dlen);
    assert_non_null(bytes);
    assert_int_equal(export_sniff(bytes, dlen), EXPORT_TYPE_DOCX);
    char *md, err[256] = "";
    assert_int_equal(export_docx_markdown(a, bytes, dlen, &md, err, sizeof err), 0);

    struct outline *from_text, *from_docx;
    assert_int_equal(outline_parse(a, text, len, &from_text, err, sizeof err), 0);
    assert_int_equal(outline_parse(a, md, strlen(md), &from_docx, err, sizeof err), 0);
    assert_int_equal(count_kind(&from_docx->root, OUTLINE_DIEU), want_dieu);
    assert_int_equal(count_kind(&from_docx->root, OUTLINE_KHOAN), want_khoan);
    assert_int_equal(count_kind(&from_docx->root, OUTLINE_DIEM), want_diem);
    static char s1[65536], s2[65536];
    s1[0] = s2[0] = '\0';
    shape(&from_text->root, s1, sizeof s1);
    shape(&from_docx->root, s2, sizeof s2);
    assert_string_equal(s2, s1);
    assert_string_equal(from_docx->doc_type, from_text->doc_type);
    arena_free(a);
}

static void E_ke_sat_resolution_as_docx_keeps_its_articles(void **state)
{
    same_structure("nghi-quyet-xa-ke-sat-2025", 3, 7, 18);
}

static void E_ha_nam_resolution_as_docx_keeps_its_articles(void **state)
{
    same_structure("nghi-quyet-tinh-ha-nam-2024", 3, 4, 7);
}

static void E_binh_giang_plan_as_docx_keeps_its_parts(void **state)
{
    same_structure("ke-hoach-xa-binh-giang-2026", 0, 14, 2);
}

static int setup(void **state)
{
    snprintf(DIR_, sizeof DIR_, "/tmp/danchu-outline-docx-XXXXXX");
    return mkdtemp(DIR_) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", DIR_);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(E_ke_sat_resolution_as_docx_keeps_its_articles),
        cmocka_unit_test(E_ha_nam_resolution_as_docx_keeps_its_articles),
        cmocka_unit_test(E_binh_giang_plan_as_docx_keeps_its_parts),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * compare.c - GET /gop-y/du-thao/{id}/so-sanh?tu=N&den=M: two versions of a draft side by side,
 * section by section (core/diff.h aligns sections by path and by content, so a khoản renumbered
 * by an insertion is paired with itself), words inserted and deleted marked inside each
 * changed section. Server-rendered, no JavaScript; printable.
 */
#include <string.h>

#include "consultation/internal.h"
#include "core/diff.h"

static const struct http_param_spec compare_params[] = {
    {"tu", HP_INT, 0, 1, 1000},
    {"den", HP_INT, 0, 1, 1000},
};

static struct diff_section *sections_of(struct arena *a, const struct rows *t)
{
    struct diff_section *s = arena_zalloc(a, (t->n_rows + 1) * sizeof *s);
    for (size_t i = 0; i < t->n_rows; i++) {
        const char *title = rows_text(rows_at(t, i, 6)), *body = rows_text(rows_at(t, i, 7));
        const char *text = body[0] ? body : title;
        s[i].path = str_c(rows_text(rows_at(t, i, 8)));
        s[i].body = str_c(text);
    }
    return s;
}

static int page_compare(struct http_request *r, struct http_response *res)
{
    struct cs_item c;
    struct unit u;
    int rc = cs_access(r, &c, &u, NULL);
    if (rc)
        return rc;
    int to = (int)http_param_int(r, "den", c.version);
    int from = (int)http_param_int(r, "tu", to > 1 ? to - 1 : 1);
    if (from > c.version || to > c.version || from == to)
        return ERR_NOT_FOUND;
    struct rows *old_t, *new_t;
    if ((rc = cs_store_sections(r->db, r->a, c.id, from, &old_t)) != 0 ||
        (rc = cs_store_sections(r->db, r->a, c.id, to, &new_t)) != 0)
        return rc;
    struct diff_section *os = sections_of(r->a, old_t), *ns = sections_of(r->a, new_t);
    struct diff_alignment al;
    diff_sections(r->a, os, old_t->n_rows, ns, new_t->n_rows, &al);
    json_t *rows = json_array();
    int changed = 0, added = 0, removed = 0;
    for (size_t i = 0; i < al.n_pairs; i++) {
        const struct diff_pair *p = &al.pairs[i];
        const struct rows *t = p->new_index >= 0 ? new_t : old_t;
        size_t k = (size_t)(p->new_index >= 0 ? p->new_index : p->old_index);
        const char *label = rows_text(rows_at(t, k, 9));
        const char *status = "same", *status_label = "";
        struct buf html;
        buf_init(&html, r->a);
        switch (p->status) {
        case DIFF_SECTION_SAME:
            break;
        case DIFF_SECTION_ADDED:
            status = "added";
            status_label = "Mục mới";
            added++;
            break;
        case DIFF_SECTION_REMOVED:
            status = "removed";
            status_label = "Đã bỏ";
            removed++;
            break;
        case DIFF_SECTION_CHANGED:
        case DIFF_SECTION_RENUMBERED:
            status = "changed";
            status_label = p->status == DIFF_SECTION_RENUMBERED
                               ? (p->body_changed ? "Đánh số lại, sửa nội dung" : "Đánh số lại")
                               : "Sửa nội dung";
            if (p->status == DIFF_SECTION_RENUMBERED || p->body_changed ||
                p->status == DIFF_SECTION_CHANGED)
                changed++;
            break;
        }
        if (p->status == DIFF_SECTION_SAME)
            continue;
        if (p->old_index >= 0 && p->new_index >= 0) {
            struct diff_text dt;
            diff_words(r->a, os[p->old_index].body, ns[p->new_index].body, &dt);
            diff_html(&html, dt.segs, dt.n_segs);
        } else {
            const struct diff_seg seg = {
                p->new_index >= 0 ? DIFF_INS : DIFF_DEL,
                (p->new_index >= 0 ? ns[p->new_index] : os[p->old_index]).body.ptr,
                (p->new_index >= 0 ? ns[p->new_index] : os[p->old_index]).body.len};
            diff_html(&html, &seg, 1);
        }
        json_t *row = json_pack("{s:s,s:s,s:s,s:s}", "label", label, "status", status,
                                "status_label", status_label, "html", html.ptr ? html.ptr : "");
        if (p->old_index >= 0 && p->new_index >= 0 &&
            strcmp(rows_text(rows_at(old_t, (size_t)p->old_index, 9)), label) != 0)
            json_object_set_new(row, "old_label",
                                json_string(rows_text(rows_at(old_t, (size_t)p->old_index, 9))));
        json_array_append_new(rows, row);
    }
    res->model = json_object();
    json_object_set_new(res->model, "c", cs_item_json(r, &c, &u));
    json_object_set_new(res->model, "from", json_integer(from));
    json_object_set_new(res->model, "to", json_integer(to));
    json_object_set_new(res->model, "changes", rows);
    json_object_set_new(res->model, "n_changed", json_integer(changed));
    json_object_set_new(res->model, "n_added", json_integer(added));
    json_object_set_new(res->model, "n_removed", json_integer(removed));
    json_object_set_new(res->model, "no_change", json_boolean(json_array_size(rows) == 0));
    json_object_set_new(res->model, "approximate", json_boolean(al.approximate));
    res->template = "consultation/compare";
    res->title = arena_printf(r->a, "So sánh phiên bản %d và %d – %s", from, to, c.title);
    return 0;
}

#define N(x) (sizeof(x) / sizeof((x)[0]))

const struct http_route cs_compare_routes[] = {
    {"GET", "/gop-y/du-thao/{id}/so-sanh", page_compare, NULL, NULL, NULL, 0, compare_params,
     N(compare_params), 0},
};
const size_t cs_compare_n_routes = N(cs_compare_routes);

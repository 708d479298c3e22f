/*
 * covenant_docs.c - a village covenant's documents as Decree 30 PDFs (DOMAIN G): the village's
 * request for recognition (Mẫu 01) and the UBND chairman's decisions recognising, suspending
 * and annulling it (Mẫu 03, 04, 05; DOMAIN notes their exact layouts are U). Each exists once
 * its step is recorded; the back office links them from the covenant's page.
 */
#include <string.h>

#include <utf8proc.h>

#include "decision/covenant.h"
#include "export/export.h"

/* ---- the documents: GET /quan-ly/huong-uoc/{id}/van-ban/{kind}.pdf ---- */

/* s in capitals, Vietnamese letters included (arena). */
static const char *upper(struct arena *a, const char *s)
{
    struct buf b;
    buf_init(&b, a);
    buf_puts(&b, "");
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(s);
    while (left > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, left, &cp);
        if (k <= 0)
            break;
        utf8proc_uint8_t out[4];
        buf_append(&b, out, (size_t)utf8proc_encode_char(utf8proc_toupper(cp), out));
        p += k;
        left -= k;
    }
    return b.ptr;
}

static int to_buf(void *ctx, const unsigned char *data, size_t len)
{
    buf_append(ctx, data, len);
    return 0;
}

/* The basis every UBND decision on a covenant cites. */
static const char legal_basis[] =
    "Căn cứ Luật Tổ chức chính quyền địa phương;\n\n"
    "Căn cứ Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15;\n\n"
    "Căn cứ Nghị định số 61/2023/NĐ-CP của Chính phủ về xây dựng và thực hiện hương ước, quy "
    "ước của cộng đồng dân cư;\n\n";

static int get_doc(struct http_request *r, struct http_response *res)
{
    struct cv_ctx x;
    int rc = cv_load(r, &x);
    if (rc)
        return rc;
    if (!x.manage && !x.recognise)
        return ERR_FORBIDDEN;
    const struct cv_item *c = &x.c;
    struct arena *a = r->a;
    const char *kind = http_arg(r, "kind");
    size_t kl = strlen(kind);
    if (kl < 5 || strcmp(kind + kl - 4, ".pdf") != 0)
        return ERR_NOT_FOUND;
    kind = arena_strndup(a, kind, kl - 4);
    struct unit commune, province;
    cv_commune_of(r, &x.v, &commune);
    int has_province = commune.parent_id && units_get_id(r->db, commune.parent_id, &province) == 0;
    const struct decision_env *env = dm_env(r);
    const struct dr_rules *rules = cv_rules(env, c);
    struct cv_dues du;
    cv_dues(r, c, &du);
    struct export_notice n = {0};
    n.head.parent_body = has_province ? arena_printf(a, "UBND %s", province.name) : "";
    n.head.issuer = arena_printf(a, "UBND %s", commune.name);
    n.head.number = "  /QĐ-UBND";
    n.head.place = commune.name;
    n.head.doc_type = "QUYẾT ĐỊNH";
    n.signer_role = "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH";
    n.signer_name = "";
    n.qr_url = arena_printf(a, "%s/huong-uoc/%lld", env->base_url, (long long)c->id);
    n.qr_caption = "Quét mã để xem hương ước trên trang điện tử";
    struct buf b;
    buf_init(&b, a);
    struct date d = cv_today();
    const char *village = x.v.name, *cname = commune.name;
    const char *self = arena_printf(a, "hương ước “%s” của %s, %s", c->title, village, cname);
    if (!strcmp(kind, "mau-01")) {
        /* The village's request for recognition, part of the dossier (Art 11(3)(a)). */
        if (!c->adopted_on[0])
            return ERR_NOT_FOUND;
        struct dm_item v = {0};
        if (c->decision_id && (rc = dm_store_get(r->db, a, c->decision_id, &v)) != 0)
            return rc;
        int64_t meeting = 0, ballot = 0, online = 0;
        if (c->decision_id && (rc = dm_store_turnout(r->db, v.id, &meeting, &ballot, &online)) != 0)
            return rc;
        date_parse(c->submitted_on[0] ? c->submitted_on : c->adopted_on, &d);
        n.head.parent_body = arena_printf(a, "UBND %s", cname);
        n.head.issuer = village;
        n.head.number = "";
        n.head.doc_type = "TỜ TRÌNH";
        n.head.summary = arena_printf(a, "Đề nghị công nhận hương ước “%s”", c->title);
        buf_printf(&b, "Kính gửi: Ủy ban nhân dân %s.\n\n", cname);
        buf_printf(&b,
                   "Thực hiện Nghị định số 61/2023/NĐ-CP của Chính phủ về xây dựng và thực hiện "
                   "hương ước, quy ước của cộng đồng dân cư, %s đề nghị Ủy ban nhân dân %s xem "
                   "xét, công nhận hương ước “%s” như sau:\n\n",
                   village, cname, c->title);
        buf_puts(&b, "# 1. Quá trình xây dựng hương ước\n");
        buf_printf(
            &b, "- Đề xuất: %s, ngày %s.\n",
            !strcmp(c->proposer, "initiative")
                ? arena_printf(a, "sáng kiến của Nhân dân, %lld hộ gia đình đồng thuận",
                               (long long)c->consents)
                : arena_printf(a, "%s thống nhất với Ban công tác Mặt trận", dm_head_title(&x.v)),
            dm_vn_iso(a, c->proposed_on));
        buf_puts(&b, c->drafting_team[0] ? "- Tổ soạn thảo gồm:\n" : "- Tổ soạn thảo: chưa ghi.\n");
        json_t *team = cv_lines_json(a, c->drafting_team);
        for (size_t i = 0; i < json_array_size(team); i++)
            buf_printf(&b, "+ %s;\n", json_string_value(json_array_get(team, i)));
        json_decref(team);
        buf_printf(&b, "- Dự thảo niêm yết lấy ý kiến Nhân dân từ ngày %s%s.\n",
                   dm_vn_iso(a, c->posted_on),
                   c->consultation_id
                       ? arena_printf(a, " và trên trang điện tử (%s/gop-y/du-thao/%lld)",
                                      env->base_url, (long long)c->consultation_id)
                       : "");
        buf_printf(&b,
                   "- Thông qua ngày %s: %lld trên tổng số %lld hộ gia đình tán thành (%lld hộ dự "
                   "họp, %lld hộ biểu quyết bằng phiếu lấy ý kiến).\n\n",
                   dm_vn_iso(a, c->adopted_on), (long long)v.approve, (long long)v.households_total,
                   (long long)meeting, (long long)ballot);
        buf_puts(&b, "# 2. Hồ sơ kèm theo\n- Tờ trình này (Mẫu 01);\n- Biên bản hoặc nghị quyết "
                     "của cuộc họp cộng đồng dân cư (Mẫu 02);\n- Văn bản hương ước.\n\n");
        buf_printf(&b,
                   "Hồ sơ gửi chậm nhất ngày %s (%d ngày làm việc kể từ ngày thông qua). Kính đề "
                   "nghị Ủy ban nhân dân %s xem xét, công nhận trong %d ngày làm việc kể từ ngày "
                   "nhận đủ hồ sơ.\n",
                   du.submit_due, rules->covenant_submit_wd, cname, rules->covenant_recognise_wd);
        static const struct export_signer cos[] = {{"Trưởng Ban công tác Mặt trận", ""}};
        n.cosigners = cos;
        n.n_cosigners = 1;
        n.signer_role = dm_head_title(&x.v);
        n.recipients = arena_printf(a, "- Như trên;\n- Ủy ban MTTQ %s;\n- Lưu.", cname);
        n.qr_url = NULL;
    } else if (!strcmp(kind, "mau-03")) {
        if (!c->recognised_on[0])
            return ERR_NOT_FOUND;
        date_parse(c->recognised_on, &d);
        n.head.summary = arena_printf(a, "Về việc công nhận hương ước “%s”", c->title);
        buf_printf(&b, "# CHỦ TỊCH ỦY BAN NHÂN DÂN %s\n\n%s", upper(a, cname), legal_basis);
        buf_printf(&b,
                   "Xét hồ sơ đề nghị công nhận hương ước của %s nhận ngày %s và đề nghị của công "
                   "chức Văn hóa - Xã hội, công chức Tư pháp - Hộ tịch.\n\n# QUYẾT ĐỊNH:\n\n",
                   village, dm_vn_iso(a, c->submitted_on));
        buf_printf(
            &b,
            "Điều 1. Công nhận %s, được cộng đồng dân cư thông qua ngày %s%s.\n\n"
            "Điều 2. Hương ước có hiệu lực kể từ ngày %s. Ủy ban nhân dân gửi văn bản hương "
            "ước đến %s và Ủy ban Mặt trận Tổ quốc Việt Nam %s chậm nhất ngày %s "
            "(%d ngày làm việc); hương ước được niêm yết tại nhà văn hóa và phổ biến bằng ít "
            "nhất một hình thức khác. Hương ước được rà soát hằng năm vào ngày %02d/%02d.\n\n"
            "Điều 3. Công chức Văn hóa - Xã hội, công chức Tư pháp - Hộ tịch, %s và các hộ "
            "gia đình có liên quan chịu trách nhiệm thi hành Quyết định này.\n",
            self, dm_vn_iso(a, c->adopted_on),
            c->amends_id ? " (sửa đổi, bổ sung hương ước đã được công nhận)" : "",
            dm_vn_iso(a, c->recognised_on), dm_head_title(&x.v), cname, du.distribute_due,
            rules->covenant_distribute_wd, rules->covenant_review_day, rules->covenant_review_month,
            village);
        n.recipients = arena_printf(a, "- Như Điều 3;\n- Ủy ban MTTQ %s;\n- Lưu: VT.", cname);
    } else if (!strcmp(kind, "mau-04")) {
        if (!c->suspended_on[0])
            return ERR_NOT_FOUND;
        date_parse(c->suspended_on, &d);
        int partial = !strcmp(c->scope, "partial");
        n.head.summary = arena_printf(a, "Về việc tạm ngừng thi hành hương ước “%s”", c->title);
        buf_printf(&b, "# CHỦ TỊCH ỦY BAN NHÂN DÂN %s\n\n%s", upper(a, cname), legal_basis);
        buf_printf(
            &b, "Xét báo cáo nhận ngày %s về việc thực hiện hương ước của %s.\n\n# QUYẾT ĐỊNH:\n\n",
            dm_vn_iso(a, c->reported_on), village);
        if (partial)
            buf_printf(&b,
                       "Điều 1. Tạm ngừng thi hành một phần %s, gồm các nội dung sau:\n\n%s\n\n",
                       self, c->parts);
        else
            buf_printf(&b, "Điều 1. Tạm ngừng thi hành toàn bộ %s.\n\n", self);
        buf_printf(&b, "Lý do: %s\n\n", c->suspension_reason);
        buf_printf(
            &b,
            "Điều 2. %s tổ chức sửa đổi, khắc phục theo quy định và báo cáo Ủy ban nhân "
            "dân trước ngày %s. Quá thời hạn này mà không khắc phục, hương ước bị bãi bỏ "
            "(Điều 14 Nghị định số 61/2023/NĐ-CP).\n\n"
            "Điều 3. Quyết định có hiệu lực kể từ ngày ký. Công chức Văn hóa - Xã hội, công "
            "chức Tư pháp - Hộ tịch, %s và các hộ gia đình có liên quan chịu trách nhiệm thi "
            "hành Quyết định này.\n",
            village, dm_vn_iso(a, c->fix_by), village);
        n.recipients = arena_printf(a, "- Như Điều 3;\n- Ủy ban MTTQ %s;\n- Lưu: VT.", cname);
    } else if (!strcmp(kind, "mau-05")) {
        if (!c->annulled_on[0])
            return ERR_NOT_FOUND;
        date_parse(c->annulled_on, &d);
        n.head.summary = arena_printf(a, "Về việc bãi bỏ hương ước “%s”", c->title);
        buf_printf(&b, "# CHỦ TỊCH ỦY BAN NHÂN DÂN %s\n\n%s", upper(a, cname), legal_basis);
        if (!strcmp(c->ground, "not_fixed"))
            buf_printf(&b,
                       "Xét việc %s không khắc phục trong thời hạn (đến ngày %s) theo Quyết định "
                       "tạm ngừng thi hành hương ước ngày %s.\n\n",
                       village, dm_vn_iso(a, c->fix_by), dm_vn_iso(a, c->suspended_on));
        else
            buf_printf(&b, "Xét căn cứ phát sinh ngày %s: %s.\n\n", dm_vn_iso(a, c->ground_on),
                       cv_ground_label(c->ground));
        buf_printf(&b,
                   "# QUYẾT ĐỊNH:\n\nĐiều 1. Bãi bỏ %s, đã được công nhận ngày %s.\n\n"
                   "Căn cứ bãi bỏ: %s. Lý do: %s\n\n"
                   "Điều 2. Quyết định có hiệu lực kể từ ngày ký. %s thông báo đến các hộ gia đình "
                   "và niêm yết tại nhà văn hóa.\n\n"
                   "Điều 3. Công chức Văn hóa - Xã hội, công chức Tư pháp - Hộ tịch, %s và các hộ "
                   "gia đình có liên quan chịu trách nhiệm thi hành Quyết định này.\n",
                   self, dm_vn_iso(a, c->recognised_on), cv_ground_label(c->ground),
                   c->annul_reason, village, village);
        n.recipients = arena_printf(a, "- Như Điều 3;\n- Ủy ban MTTQ %s;\n- Lưu: VT.", cname);
    } else {
        return ERR_NOT_FOUND;
    }
    n.head.date = d;
    n.body = b.ptr;
    buf_init(&res->body, a);
    char err[256];
    if ((rc = export_notice_pdf(&n, to_buf, &res->body, err, sizeof err)) != 0) {
        log_error("covenant %lld %s: %s", (long long)c->id, kind, err);
        return rc;
    }
    res->content_type = "application/pdf";
    res->filename = arena_printf(a, "huong-uoc-%lld-%s.pdf", (long long)c->id, kind);
    return 0;
}

#define N(x) (sizeof(x) / sizeof((x)[0]))

const struct http_route dm_covenant_doc_routes[] = {
    {"GET", "/quan-ly/huong-uoc/{id}/van-ban/{kind}", get_doc, NULL, NULL, NULL,
     HTTP_LOGIN | HTTP_RAW, NULL, 0, 0},
};
const size_t dm_covenant_doc_n_routes = N(dm_covenant_doc_routes);

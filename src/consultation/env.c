/*
 * env.c - the module's state and what its handlers share: the rule set, the Vietnamese labels
 * of topics (E1), forms (E2), sources, decisions and section kinds, the access check for a
 * consultation and its view-model.
 */
#include <stdlib.h>
#include <string.h>

#include "consultation/internal.h"

int consultation_env_init(struct consultation_env *env, const struct calendar *cal,
                          const char *base_url, const char *rules_path, char *err, size_t err_len)
{
    memset(env, 0, sizeof *env);
    env->cal = cal;
    env->base_url = base_url;
    const char *text;
    size_t len;
    char *owned;
    int rc =
        embed_or_file(rules_path, "data/rules/consultation.ini", &text, &len, &owned, err, err_len);
    if (rc)
        return rc;
    rc = cs_ruleset_parse(text, len, &env->rules, err, err_len);
    free(owned);
    return rc;
}

void consultation_env_free(struct consultation_env *env)
{
    cs_ruleset_free(env->rules);
    memset(env, 0, sizeof *env);
}

struct consultation_env *cs_env(struct http_request *r)
{
    return http_route_ctx(r);
}

void consultation_add_routes(struct http_server *srv, struct consultation_env *env)
{
    http_add_routes_ctx(srv, cs_public_routes, cs_public_n_routes, env);
    http_add_routes_ctx(srv, cs_admin_routes, cs_admin_n_routes, env);
    http_add_routes_ctx(srv, cs_export_routes, cs_export_n_routes, env);
    http_add_routes_ctx(srv, cs_staff_routes, cs_staff_n_routes, env);
    http_add_routes_ctx(srv, cs_compare_routes, cs_compare_n_routes, env);
}

/* ---- labels ---- */

const char *cs_topic_label(int topic)
{
    static const char *const labels[] = {
        "",
        "Dự thảo kế hoạch phát triển kinh tế - xã hội",
        "Dự thảo quy hoạch, kế hoạch sử dụng đất và quỹ đất",
        "Dự án đầu tư, đất đai, môi trường, tái định cư có tác động lớn",
        "Thành lập, nhập, chia, đổi tên đơn vị hành chính, thôn, tổ dân phố",
        "Dự thảo quyết định của Ủy ban nhân dân có tác động đến cộng đồng",
        "Quy hoạch xây dựng",
        "Dự thảo quy chế thực hiện dân chủ",
        "Dự thảo quyết định hạn chế quyền, lợi ích của công dân",
        "Nội dung khác",
    };
    return topic >= 1 && topic <= 9 ? labels[topic] : "";
}

const char *cs_form_label(enum cs_form f)
{
    static const char *const labels[CS_N_FORMS] = {
        "Trên Cổng thông tin điện tử (danchu)",
        "Cuộc họp cộng đồng dân cư",
        "Hội nghị đối thoại",
        "Phát phiếu lấy ý kiến hộ gia đình",
        "Hòm thư góp ý, đường dây nóng",
        "Qua Ban công tác Mặt trận và các tổ chức chính trị - xã hội",
        "Qua mạng xã hội",
    };
    return (unsigned)f < CS_N_FORMS ? labels[f] : "";
}

static const struct {
    const char *id, *label;
} sources[] = {
    {"online", "Trực tuyến"},           {"meeting", "Cuộc họp cộng đồng dân cư"},
    {"ballot", "Phiếu lấy ý kiến"},     {"box", "Hòm thư góp ý"},
    {"hotline", "Đường dây nóng"},      {"organisation", "Mặt trận, đoàn thể"},
    {"dialogue", "Hội nghị đối thoại"}, {"written", "Văn bản góp ý"},
    {"social", "Mạng xã hội"},          {"staff", "Cán bộ, công chức"},
};

const char *cs_source_label(const char *source)
{
    for (size_t i = 0; source && i < sizeof sources / sizeof sources[0]; i++)
        if (strcmp(source, sources[i].id) == 0)
            return sources[i].label;
    return NULL;
}

const char *cs_decision_label(enum cs_decision d)
{
    switch (d) {
    case CS_DEC_ADOPT:
        return "Thông qua theo dự thảo";
    case CS_DEC_AMEND:
        return "Thông qua có chỉnh sửa theo ý kiến tiếp thu";
    case CS_DEC_REJECT:
        return "Không thông qua, dừng dự thảo";
    default:
        return "Chưa quyết định";
    }
}

const char *cs_view_label(enum cs_view v)
{
    switch (v) {
    case CS_VIEW_AGREE:
        return "Tán thành";
    case CS_VIEW_DISAGREE:
        return "Không tán thành";
    case CS_VIEW_OTHER:
        return "Ý kiến khác";
    default:
        return "Không có ý kiến chiếm đa số";
    }
}

const char *cs_kind_word(const char *kind)
{
    static const struct {
        const char *kind, *word;
    } words[] = {
        {"phan", "Phần"},        {"chuong", "Chương"},   {"muc", "Mục"},
        {"dieu", "Điều"},        {"khoan", "Khoản"},     {"diem", "Điểm"},
        {"phu_luc", "Phụ lục"},  {"preamble", "Căn cứ"}, {"recipients", "Nơi nhận"},
        {"signature", "Chữ ký"}, {"table", "Bảng"},
    };
    for (size_t i = 0; kind && i < sizeof words / sizeof words[0]; i++)
        if (strcmp(kind, words[i].kind) == 0)
            return words[i].word;
    return "";
}

/* ---- access and view-model ---- */

const struct cs_rules *cs_rules_for(const struct consultation_env *env, const struct cs_item *c)
{
    struct date d = c->opens.y ? c->opens : date_vn_from_time(time(NULL));
    const struct cs_rules *r = cs_rules_at(env->rules, d);
    return r ? r : &env->rules->versions[0];
}

enum cs_phase cs_phase_now(const struct cs_item *c)
{
    if (strcmp(c->status, "draft") == 0 || !c->opens.y)
        return CS_PHASE_NOT_YET;
    if (strcmp(c->status, "published") == 0)
        return CS_PHASE_CLOSED;
    return cs_window_phase(c->opens, c->closes, time(NULL));
}

int cs_access(struct http_request *r, struct cs_item *c, struct unit *u, int *manage)
{
    int64_t id;
    if (parse_int64(str_c(http_arg(r, "id")), 1, INT64_MAX, &id) != 0)
        return ERR_NOT_FOUND;
    int rc = cs_store_get(r->db, r->a, id, c);
    if (rc)
        return rc;
    if ((rc = units_get_id(r->db, c->unit_id, u)) != 0)
        return rc;
    int can_manage = r->user && http_authorize(r, "consultation.manage", u->code) == 0;
    if (manage)
        *manage = can_manage;
    if (can_manage)
        return 0;
    if (c->internal)
        return r->user && http_authorize(r, "consultation.staff", u->code) == 0 ? 0 : ERR_NOT_FOUND;
    if (strcmp(c->status, "draft") == 0)
        return r->user && http_authorize(r, "consultation.view", u->code) == 0 ? 0 : ERR_NOT_FOUND;
    return 0;
}

static const char *vn_date(struct arena *a, struct date d)
{
    if (!d.y)
        return "";
    char *s = arena_alloc(a, 11);
    date_format_vn(d, s);
    return s;
}

static const char *iso_to_vn(struct arena *a, const char *iso)
{
    struct date d;
    if (!iso || !iso[0] || date_parse(iso, &d) != 0)
        return "";
    return vn_date(a, d);
}

json_t *cs_item_json(struct http_request *r, const struct cs_item *c, const struct unit *u)
{
    enum cs_phase ph = cs_phase_now(c);
    const char *state = strcmp(c->status, "draft") == 0       ? "Dự thảo, chưa lấy ý kiến"
                        : strcmp(c->status, "published") == 0 ? "Đã công bố kết quả"
                        : ph == CS_PHASE_NOT_YET              ? "Sắp lấy ý kiến"
                        : ph == CS_PHASE_OPEN                 ? "Đang lấy ý kiến"
                                              : "Đã hết hạn góp ý, đang tổng hợp";
    json_t *forms = json_array();
    for (unsigned f = 0; f < CS_N_FORMS; f++)
        if (c->forms & (1u << f))
            json_array_append_new(forms, json_pack("{s:i,s:s}", "id", (int)f, "label",
                                                   cs_form_label((enum cs_form)f)));
    json_t *j = json_pack(
        "{s:I,s:s,s:s,s:s,s:i,s:s,s:b,s:s,s:s,s:s,s:s,s:i,s:I,s:o,s:b,s:b,s:b,s:b,s:s}", "id",
        (json_int_t)c->id, "title", c->title, "summary", c->summary, "owner", c->owner, "topic",
        c->topic, "topic_code", arena_printf(r->a, "YK%d", c->topic), "internal", c->internal,
        "topic_label", cs_topic_label(c->topic), "status", c->status, "state", state, "opens",
        vn_date(r->a, c->opens), "version", c->version, "comment_count",
        (json_int_t)c->comment_count, "forms", forms, "is_draft", strcmp(c->status, "draft") == 0,
        "is_open", ph == CS_PHASE_OPEN && !strcmp(c->status, "open"), "is_closed",
        ph == CS_PHASE_CLOSED, "is_published", strcmp(c->status, "published") == 0, "url",
        arena_printf(r->a, "/gop-y/du-thao/%lld", (long long)c->id));
    json_object_set_new(j, "closes", json_string(vn_date(r->a, c->closes)));
    json_object_set_new(j, "plan_council_on", json_string(iso_to_vn(r->a, c->plan_council_on)));
    json_object_set_new(j, "plan_front_on", json_string(iso_to_vn(r->a, c->plan_front_on)));
    json_object_set_new(j, "decision", json_integer(c->decision));
    json_object_set_new(j, "decision_label", json_string(cs_decision_label(c->decision)));
    json_object_set_new(j, "decision_note", json_string(c->decision_note));
    json_object_set_new(j, "explanation", json_string(c->explanation));
    json_object_set_new(j, "decided_on", json_string(iso_to_vn(r->a, c->decided_on)));
    json_object_set_new(j, "council_report_on", json_string(iso_to_vn(r->a, c->council_report_on)));
    json_object_set_new(j, "admin_url",
                        json_string(arena_printf(r->a, "/quan-ly/gop-y/%lld", (long long)c->id)));
    if (u)
        json_object_set_new(j, "unit", json_pack("{s:s,s:s}", "code", u->code, "name", u->name));
    return j;
}

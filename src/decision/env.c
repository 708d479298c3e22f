/*
 * env.c - the decision module's state and what its handlers share: the rule set, Vietnamese
 * labels, ballot card codes and receipts, the access check and a matter's view-model.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "decision/internal.h"

int decision_env_init(struct decision_env *env, const struct calendar *cal, const char *base_url,
                      const char *rules_path, char *err, size_t err_len)
{
    memset(env, 0, sizeof *env);
    env->cal = cal;
    env->base_url = base_url;
    const char *text;
    size_t len;
    char *owned;
    int rc =
        embed_or_file(rules_path, "data/rules/decision.ini", &text, &len, &owned, err, err_len);
    if (rc)
        return rc;
    rc = dr_ruleset_parse(text, len, &env->rules, err, err_len);
    free(owned);
    return rc;
}

void decision_env_free(struct decision_env *env)
{
    dr_ruleset_free(env->rules);
    memset(env, 0, sizeof *env);
}

struct decision_env *dm_env(struct http_request *r)
{
    return http_route_ctx(r);
}

void decision_add_routes(struct http_server *srv, struct decision_env *env)
{
    /* Literal paths first: /quan-ly/bieu-quyet/{id} would take "bao-cao" and "toan-xa",
     * /decisions/{id} "de-xuat" (the first route that matches wins). */
    http_add_routes_ctx(srv, dm_report_routes, dm_report_n_routes, env);
    http_add_routes_ctx(srv, dm_commune_routes, dm_commune_n_routes, env);
    http_add_routes_ctx(srv, dm_initiative_routes, dm_initiative_n_routes, env);
    http_add_routes_ctx(srv, dm_public_routes, dm_public_n_routes, env);
    http_add_routes_ctx(srv, dm_admin_routes, dm_admin_n_routes, env);
    http_add_routes_ctx(srv, dm_doc_routes, dm_doc_n_routes, env);
    http_add_routes_ctx(srv, dm_recognise_routes, dm_recognise_n_routes, env);
    http_add_routes_ctx(srv, dm_prepare_routes, dm_prepare_n_routes, env);
    http_add_routes_ctx(srv, dm_covenant_routes, dm_covenant_n_routes, env);
    http_add_routes_ctx(srv, dm_covenant_step_routes, dm_covenant_step_n_routes, env);
    http_add_routes_ctx(srv, dm_covenant_doc_routes, dm_covenant_doc_n_routes, env);
    http_add_routes_ctx(srv, dm_covenant_public_routes, dm_covenant_public_n_routes, env);
    http_add_routes_ctx(srv, dm_election_routes, dm_election_n_routes, env);
    http_add_routes_ctx(srv, dm_conference_routes, dm_conference_n_routes, env);
}

/* ---- labels ---- */

const char *dm_matter_label(enum dm_matter m)
{
    static const char *const labels[] = {
        "",
        "Chủ trương, mức đóng góp xây dựng công trình công cộng",
        "Thu, chi, quản lý các khoản đóng góp, tài sản của cộng đồng",
        "Hương ước, quy ước",
        "Bầu, miễn nhiệm, bãi nhiệm Trưởng thôn, Tổ trưởng tổ dân phố",
        ("Bầu, miễn nhiệm, bãi nhiệm thành viên Ban Thanh tra nhân dân, Ban Giám sát đầu tư của "
         "cộng đồng"),
        "Công việc tự quản khác của cộng đồng",
    };
    return m >= DM_M1 && m <= DM_M6 ? labels[m] : "";
}

const char *dm_form_label(enum dm_form f)
{
    switch (f) {
    case DF_MEETING:
        return "Cuộc họp cộng đồng dân cư";
    case DF_BALLOT:
        return "Phát phiếu lấy ý kiến hộ gia đình";
    case DF_ONLINE:
        return "Biểu quyết trực tuyến";
    }
    return "";
}

const char *dm_forms_text(struct arena *a, unsigned forms)
{
    struct buf b;
    buf_init(&b, a);
    for (unsigned f = 0; f < 3; f++)
        if (forms & (1u << f)) {
            if (b.len)
                buf_puts(&b, "; ");
            buf_puts(&b, dm_form_label((enum dm_form)f));
        }
    return b.len ? b.ptr : "";
}

const char *dm_choice_label(enum dm_choice c)
{
    switch (c) {
    case DM_APPROVE:
        return "Tán thành";
    case DM_REJECT:
        return "Không tán thành";
    case DM_OTHER:
        return "Ý kiến khác";
    }
    return "";
}

const char *dm_status_label(const char *status)
{
    static const struct {
        const char *id, *label;
    } s[] = {
        {"draft", "Chuẩn bị"},        {"notified", "Đã thông báo"}, {"voting", "Đang biểu quyết"},
        {"counted", "Đã có kết quả"}, {"annulled", "Đã bị bãi bỏ"},
    };
    for (size_t i = 0; status && i < sizeof s / sizeof s[0]; i++)
        if (!strcmp(status, s[i].id))
            return s[i].label;
    return "";
}

/* ---- codes ---- */

/* Letters and digits without look-alikes (no 0/O, 1/I/L): 32 of them, 5 bits each. */
static const char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

void dm_card_code(const char *card_key, int64_t decision_id, int64_t hid, char *out)
{
    unsigned char key[crypto_auth_hmacsha256_KEYBYTES] = {0};
    size_t key_len = 0;
    sodium_hex2bin(key, sizeof key, card_key, strlen(card_key), NULL, &key_len, NULL);
    char msg[64];
    int n = snprintf(msg, sizeof msg, "card:%lld:%lld", (long long)decision_id, (long long)hid);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256(mac, (const unsigned char *)msg, (unsigned long long)n, key);
    for (int i = 0; i < DM_CODE_LEN; i++)
        out[i] = alphabet[mac[i] % (sizeof alphabet - 1)];
    out[DM_CODE_LEN] = '\0';
    sodium_memzero(key, sizeof key);
}

void dm_code_hash(const char *code, char *out)
{
    char norm[64];
    size_t n = 0;
    for (const char *p = code; *p && n < sizeof norm - 1; p++) {
        char c = *p;
        if (c == ' ' || c == '-' || c == '\t')
            continue;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        norm[n++] = c;
    }
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)norm, n);
    sodium_bin2hex(out, 65, h, sizeof h);
}

void dm_receipt_new(char *out)
{
    unsigned char raw[DM_RECEIPT_LEN];
    randombytes_buf(raw, sizeof raw);
    for (int i = 0; i < DM_RECEIPT_LEN; i++)
        out[i] = alphabet[raw[i] % (sizeof alphabet - 1)];
    out[DM_RECEIPT_LEN] = '\0';
}

/* ---- small helpers the handlers share ---- */

const char *dm_param(struct http_request *r, const char *name)
{
    const char *v = http_param(r, name);
    return v ? v : "";
}

const char *dm_trimmed(struct http_request *r, const char *name)
{
    return str_dup(r->a, str_trim(str_c(dm_param(r, name))));
}

const char *dm_iso(struct arena *a, struct date d)
{
    char *s = arena_alloc(a, 11);
    date_format_iso(d, s);
    return s;
}

const char *dm_vn(struct arena *a, struct date d)
{
    char *s = arena_alloc(a, 11);
    date_format_vn(d, s);
    return s;
}

const char *dm_vn_iso(struct arena *a, const char *iso)
{
    struct date d;
    if (!iso || !iso[0] || date_parse(iso, &d) != 0)
        return "";
    return dm_vn(a, d);
}

const char *dm_head_title(const struct unit *v)
{
    return !strcmp(v->kind, "residential_group") ? "Tổ trưởng tổ dân phố" : "Trưởng thôn";
}

/* ---- access and view-model ---- */

const struct dr_rules *dm_rules_day(const struct decision_env *env, struct date d)
{
    const struct dr_rules *r = dr_rules_at(env->rules, d);
    return r ? r : &env->rules->versions[0];
}

const struct dr_rules *dm_rules_on(const struct decision_env *env, const char *iso)
{
    struct date t;
    return date_parse(iso, &t) == 0 ? dm_rules_day(env, t) : &env->rules->versions[0];
}

const struct dr_rules *dm_rules_for(const struct decision_env *env, const struct dm_item *d)
{
    return dm_rules_on(env, d->tabled_on);
}

int dm_access(struct http_request *r, struct dm_item *d, struct unit *village, int *manage)
{
    int64_t id;
    if (parse_int64(str_c(http_arg(r, "id")), 1, INT64_MAX, &id) != 0)
        return ERR_NOT_FOUND;
    int rc = dm_store_get(r->db, r->a, id, d);
    if (rc)
        return rc;
    if ((rc = units_get_id(r->db, d->unit_id, village)) != 0)
        return rc;
    int m = r->user && http_authorize(r, "decision.manage", village->code) == 0;
    if (manage)
        *manage = m;
    /* A draft is the village head's, unless residents proposed it (D2): then anyone may read
     * it and its households consent to it. */
    if (!m && !strcmp(d->status, "draft") && strcmp(d->proposer, "initiative") != 0)
        return ERR_NOT_FOUND;
    return 0;
}

json_t *dm_item_json(struct http_request *r, const struct dm_item *d, const struct unit *v)
{
    json_t *forms = json_array();
    for (unsigned f = 0; f < 3; f++)
        if (d->forms & (1u << f))
            json_array_append_new(forms, json_pack("{s:i,s:s}", "id", (int)f, "label",
                                                   dm_form_label((enum dm_form)f)));
    const struct dr_rules *rules = dm_rules_for(dm_env(r), d);
    struct dr_threshold t = rules->pass[d->matter];
    json_t *j =
        json_pack("{s:I,s:s,s:s,s:s,s:i,s:s,s:s,s:s,s:o,s:b,s:s,s:s,s:s,s:s}", "id",
                  (json_int_t)d->id, "url", arena_printf(r->a, "/decisions/%lld", (long long)d->id),
                  "title", d->title, "question", d->question, "matter", (int)d->matter,
                  "matter_code", arena_printf(r->a, "M%d", (int)d->matter), "matter_label",
                  dm_matter_label(d->matter), "threshold",
                  arena_printf(r->a, "%s %d/%d tổng số hộ gia đình của %s",
                               t.strict ? "quá" : "ít nhất", t.p, t.q, v ? v->name : "thôn"),
                  "forms", forms, "secret", d->secret, "status", d->status, "status_label",
                  dm_status_label(d->status), "notice_on", dm_vn_iso(r->a, d->notice_on),
                  "meeting_on", dm_vn_iso(r->a, d->meeting_on));
    json_object_set_new(j, "households_total", json_integer(d->households_total));
    json_object_set_new(j, "households_voted", json_integer(d->households_voted));
    json_object_set_new(j, "approve", json_integer(d->approve));
    json_object_set_new(j, "reject", json_integer(d->reject));
    json_object_set_new(j, "other", json_integer(d->other));
    json_object_set_new(j, "passed", json_boolean(d->passed));
    json_object_set_new(j, "counted", json_boolean(!strcmp(d->status, "counted")));
    json_object_set_new(j, "ballot_deadline", json_string(dm_vn_iso(r->a, d->ballot_deadline)));
    json_object_set_new(j, "decision_text", json_string(d->decision_text));
    json_object_set_new(
        j, "admin_url",
        json_string(arena_printf(r->a, "/quan-ly/bieu-quyet/%lld", (long long)d->id)));
    json_object_set_new(j, "recognition", json_string(d->recognition));
    json_object_set_new(j, "front_agreed_on",
                        json_string(d->front_agreed_on ? dm_vn_iso(r->a, d->front_agreed_on) : ""));
    json_object_set_new(
        j, "amends_url",
        json_string(d->amends_id ? arena_printf(r->a, "/decisions/%lld", (long long)d->amends_id)
                                 : ""));
    json_object_set_new(j, "commune_url",
                        json_string(d->commune_id ? arena_printf(r->a, "/decisions/toan-xa/%lld",
                                                                 (long long)d->commune_id)
                                                  : ""));
    if (v)
        json_object_set_new(j, "village", json_pack("{s:s,s:s}", "code", v->code, "name", v->name));
    return j;
}

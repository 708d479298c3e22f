/*
 * public.c - what everyone sees of residents' decisions and how a household votes online:
 * the list of a commune's or village's matters and each result (the site's API too:
 * /decisions?unit=CODE&format=json, /decisions/{id}?format=json), the public list of receipts
 * of a secret online vote, and the online vote itself - with the one-time code of the
 * household's ballot card (from its QR code, no account) or signed in as the household's
 * representative. One vote per household across every channel: the store refuses a second.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "decision/internal.h"

/* ---- GET /decisions?unit=CODE ---- */

static const struct http_param_spec list_params[] = {
    {"unit", HP_TEXT, 1, 1, 32},
};

static int page_list(struct http_request *r, struct http_response *res)
{
    struct unit u;
    int rc = units_get(r->db, http_param(r, "unit"), &u);
    if (rc)
        return rc;
    struct rows *t;
    if ((rc = dm_store_list(r->db, r->a, u.id, &t)) != 0)
        return rc;
    json_t *items = json_array();
    for (size_t i = 0; i < t->n_rows; i++) {
        const char *status = rows_text(rows_at(t, i, 5));
        if (!strcmp(status, "draft") && strcmp(rows_text(rows_at(t, i, 15)), "initiative") != 0)
            continue;
        int64_t id = rows_at(t, i, 0)->i;
        int counted = !strcmp(status, "counted");
        json_t *j = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:b,s:b}", "id", (json_int_t)id,
                              "url", arena_printf(r->a, "/decisions/%lld", (long long)id), "title",
                              rows_text(rows_at(t, i, 4)), "village", rows_text(rows_at(t, i, 2)),
                              "matter", arena_printf(r->a, "M%lld", (long long)rows_at(t, i, 3)->i),
                              "status", status, "status_label", dm_status_label(status),
                              "households_total", (json_int_t)rows_at(t, i, 8)->i,
                              "households_voted", (json_int_t)rows_at(t, i, 9)->i, "counted",
                              counted, "passed", counted && rows_at(t, i, 13)->i);
        if (counted) {
            json_object_set_new(j, "approve", json_integer(rows_at(t, i, 10)->i));
            json_object_set_new(j, "reject", json_integer(rows_at(t, i, 11)->i));
            json_object_set_new(j, "other", json_integer(rows_at(t, i, 12)->i));
        }
        json_array_append_new(items, j);
    }
    /* Matters of the whole commune (D1): the commune's own, or those its village takes part in. */
    struct unit c;
    struct rows *ct;
    if ((rc = units_commune_of(r->db, u.id, &c)) == ERR_NOT_FOUND)
        c.id = 0;
    else if (rc)
        return rc;
    json_t *communes = json_array();
    if (c.id) {
        if ((rc = dm_commune_list(r->db, r->a, c.id, &ct)) != 0)
            return rc;
        for (size_t i = 0; i < ct->n_rows; i++) {
            int decided = !strcmp(rows_text(rows_at(ct, i, 3)), "decided");
            json_array_append_new(
                communes, json_pack("{s:I,s:s,s:s,s:s,s:I,s:I,s:b,s:b}", "id",
                                    (json_int_t)rows_at(ct, i, 0)->i, "url",
                                    arena_printf(r->a, "/decisions/toan-xa/%lld",
                                                 (long long)rows_at(ct, i, 0)->i),
                                    "title", rows_text(rows_at(ct, i, 2)), "matter",
                                    arena_printf(r->a, "M%lld", (long long)rows_at(ct, i, 1)->i),
                                    "villages_total", (json_int_t)rows_at(ct, i, 4)->i,
                                    "villages_counted", (json_int_t)rows_at(ct, i, 9)->i, "decided",
                                    decided, "passed", decided && rows_at(ct, i, 6)->i));
        }
    }
    res->model = json_pack("{s:o,s:o,s:b,s:{s:s,s:s},s:b}", "decisions", items, "commune_decisions",
                           communes, "has_commune", json_array_size(communes) > 0, "unit", "code",
                           u.code, "name", u.name, "has_decisions", json_array_size(items) > 0);
    res->template = "decision/list";
    res->title = arena_printf(r->a, "Nhân dân bàn và quyết định – %s", u.name);
    return 0;
}

/* ---- GET /decisions/{id}: the matter and its result ---- */

/* Fills the result's model: turnout by channel, the counts, roll changes, receipts link. */
static int result_model(struct http_request *r, const struct dm_item *d, const struct unit *v,
                        json_t *m)
{
    int64_t meeting, ballot, online;
    int rc = dm_store_turnout(r->db, d->id, &meeting, &ballot, &online);
    if (rc)
        return rc;
    json_t *j = dm_item_json(r, d, v);
    struct dr_result res;
    const struct dr_rules *rules = dm_rules_for(dm_env(r), d);
    dr_judge(rules, d->matter, d->households_total, d->approve, d->reject, d->other, &res);
    json_object_set_new(j, "needed", json_integer(res.needed));
    json_object_set_new(j, "turnout",
                        json_pack("{s:I,s:I,s:I,s:I}", "meeting", (json_int_t)meeting, "ballot",
                                  (json_int_t)ballot, "online", (json_int_t)online, "total",
                                  (json_int_t)(meeting + ballot + online)));
    if (strcmp(d->status, "counted") != 0)
        json_object_set_new(j, "households_voted", json_integer(meeting + ballot + online));
    json_object_set_new(j, "absent", json_integer(d->households_total - d->households_voted));
    json_object_set_new(m, "d", j);
    /* An election: votes per candidate, the elected one marked. */
    struct rows *cands;
    if ((rc = dm_store_candidate_sums(r->db, r->a, d->id, &cands)) != 0)
        return rc;
    json_t *cj = json_array();
    for (size_t i = 0; i < cands->n_rows; i++) {
        int64_t votes = rows_at(cands, i, 1)->i;
        int elected = i == 0 && d->passed && !strcmp(d->status, "counted") &&
                      (cands->n_rows == 1 || rows_at(cands, 1, 1)->i < votes);
        json_array_append_new(cj,
                              json_pack("{s:s,s:I,s:b}", "name", rows_text(rows_at(cands, i, 0)),
                                        "votes", (json_int_t)votes, "elected", elected));
    }
    json_object_set_new(m, "has_candidates", json_boolean(cands->n_rows > 0));
    json_object_set_new(m, "candidates", cj);
    struct rows *changes;
    if ((rc = dm_store_roll_changes(r->db, r->a, d->id, &changes)) != 0)
        return rc;
    size_t cl = rows_add_col(changes, "change_label");
    for (size_t i = 0; i < changes->n_rows; i++)
        rows_set_text(rows_at(changes, i, cl),
                      !strcmp(rows_text(rows_at(changes, i, 2)), "added")
                          ? "Hộ mới sau khi chốt danh sách: không tính, không biểu quyết"
                          : "Hộ đã chuyển đi sau khi chốt danh sách: vẫn tính vào tổng số hộ");
    json_object_set_new(m, "has_changes", json_boolean(changes->n_rows > 0));
    json_object_set_new(m, "changes", rows_json(changes));
    return 0;
}

int dm_result_page(struct http_request *r, struct http_response *res, const struct dm_item *d,
                   const struct unit *v)
{
    int manage = r->user && http_authorize(r, "decision.manage", v->code) == 0;
    int rc;
    if (!res->model)
        res->model = json_object();
    if ((rc = result_model(r, d, v, res->model)) != 0 ||
        (rc = dm_followup_model(r, d, v, res->model)) != 0 ||
        (rc = dm_initiative_model(r, d, v, res->model)) != 0)
        return rc;
    json_object_set_new(res->model, "can_manage", json_boolean(manage));
    json_object_set_new(
        res->model, "has_receipts",
        json_boolean(d->secret && !strcmp(d->status, "counted") && (d->forms & (1u << DF_ONLINE))));
    res->template = "decision/result";
    res->title = d->title;
    return 0;
}

static int page_result(struct http_request *r, struct http_response *res)
{
    struct dm_item d;
    struct unit v;
    int rc = dm_access(r, &d, &v, NULL);
    if (rc)
        return rc;
    return dm_result_page(r, res, &d, &v);
}

/* ---- GET /decisions/{id}/receipts: the counted receipts of a secret online vote ---- */

static int page_receipts(struct http_request *r, struct http_response *res)
{
    struct dm_item d;
    struct unit v;
    int rc = dm_access(r, &d, &v, NULL);
    if (rc)
        return rc;
    if (!d.secret || strcmp(d.status, "counted") != 0)
        return ERR_NOT_FOUND;
    struct rows *t;
    if ((rc = dm_store_receipts(r->db, r->a, d.id, &t)) != 0)
        return rc;
    json_t *list = json_array();
    for (size_t i = 0; i < t->n_rows; i++)
        json_array_append_new(list, json_string(rows_text(rows_at(t, i, 0))));
    res->model = json_pack("{s:o,s:o,s:I}", "d", dm_item_json(r, &d, &v), "receipts", list, "n",
                           (json_int_t)t->n_rows);
    res->template = "decision/receipts";
    res->title = arena_printf(r->a, "Mã xác nhận phiếu đã kiểm – %s", d.title);
    return 0;
}

/* ---- voting online ---- */

/* Why household voting online on d is not possible now, or NULL. */
static const char *online_closed(struct http_request *r, const struct dm_item *d)
{
    const struct dr_rules *rules = dm_rules_for(dm_env(r), d);
    if (d->matter != DM_M6 || !(d->forms & (1u << DF_ONLINE)))
        return "Nội dung này không biểu quyết trực tuyến (chỉ việc tự quản khác, M6).";
    if (d->online_optin_agree < 0 ||
        !dr_online_optin(rules, d->online_optin_agree, d->households_total))
        return "Chưa quá 50% tổng số hộ đồng ý biểu quyết trực tuyến.";
    time_t now = time(NULL);
    if (strcmp(d->status, "voting") != 0 || now < d->online_opens_at)
        return "Chưa đến thời gian biểu quyết trực tuyến.";
    if (now >= d->online_closes_at)
        return "Đã hết thời gian biểu quyết trực tuyến.";
    return NULL;
}

static json_t *choices_json(int checked)
{
    json_t *c = json_array();
    for (int i = 1; i <= 3; i++)
        json_array_append_new(c, json_pack("{s:i,s:s,s:b}", "value", i, "label",
                                           dm_choice_label((enum dm_choice)i), "checked",
                                           i == checked));
    return c;
}

/* The ballot page for household hid of matter d (by code or signed in). */
static int ballot_page(struct http_request *r, struct http_response *res, const struct dm_item *d,
                       const struct unit *v, const char *action, const char *why)
{
    if (!res->model)
        res->model = json_object();
    json_object_set_new(res->model, "d", dm_item_json(r, d, v));
    json_object_set_new(res->model, "action", json_string(action));
    json_object_set_new(res->model, "choices", choices_json(0));
    if (why)
        json_object_set_new(res->model, "closed", json_string(why));
    res->template = "decision/ballot";
    res->title = d->title;
    return 0;
}

struct vote_job {
    int64_t id, hid;
    int choice, secret;
    char receipt[DM_RECEIPT_LEN + 1];
    const char *back;
};

static int run_vote(struct db *db, void *arg)
{
    struct vote_job *j = arg;
    return dm_store_vote_online(db, j->id, j->hid, j->choice, j->secret, j->receipt);
}

static int after_vote(struct http_request *r, struct http_response *res, int rc)
{
    struct vote_job *j = r->state;
    res->model = json_object();
    if (rc == ERR_CONFLICT || rc == ERR_FORBIDDEN || rc == ERR_NOT_FOUND) {
        res->status = 409;
        json_object_set_new(
            res->model, "refused",
            json_string(rc == ERR_CONFLICT
                            ? "Hộ gia đình của bạn đã biểu quyết (tại cuộc họp, bằng phiếu hoặc "
                              "trực tuyến). Mỗi hộ chỉ có một phiếu."
                        : rc == ERR_FORBIDDEN ? "Hộ gia đình đã chuyển khỏi thôn, không biểu "
                                                "quyết được."
                                              : "Hộ gia đình không có trong danh sách biểu quyết "
                                                "đã chốt."));
    } else if (rc) {
        return rc;
    } else {
        json_object_set_new(res->model, "voted", json_true());
        if (j->secret)
            json_object_set_new(res->model, "receipt", json_string(j->receipt));
    }
    json_object_set_new(res->model, "back", json_string(j->back));
    res->template = "decision/voted";
    res->title = "Biểu quyết trực tuyến";
    return 0;
}

static const struct http_param_spec vote_params[] = {
    {"lua_chon", HP_INT, 0, 1, 3},
};

/* Common to both ways of voting: validates the choice and queues the vote. */
static int vote(struct http_request *r, struct http_response *res, const struct dm_item *d,
                const struct unit *v, int64_t hid, const char *action)
{
    const char *why = online_closed(r, d);
    int choice = (int)http_param_int(r, "lua_chon", 0);
    if (!why && !choice) {
        res->model = json_object();
        http_form_error(res, "lua_chon",
                        "Vui lòng chọn Tán thành, Không tán thành hoặc Ý kiến khác.");
        return ballot_page(r, res, d, v, action, NULL);
    }
    if (why) {
        res->model = json_object();
        res->status = 409;
        return ballot_page(r, res, d, v, action, why);
    }
    struct vote_job *j = arena_zalloc(r->a, sizeof *j);
    j->id = d->id;
    j->hid = hid;
    j->choice = choice;
    j->secret = d->secret;
    dm_receipt_new(j->receipt);
    j->back = arena_printf(r->a, "/decisions/%lld", (long long)d->id);
    r->state = j;
    http_defer_write(r, run_vote, j);
    return HTTP_DEFERRED;
}

/* The card of capture "code": its matter and household. */
static int card_arg(struct http_request *r, struct dm_item *d, struct unit *v, int64_t *hid)
{
    char hash[65];
    int64_t id, collected;
    dm_code_hash(http_arg(r, "code"), hash);
    int rc = dm_store_card_find(r->db, hash, &id, hid, &collected);
    if (rc)
        return rc;
    if ((rc = dm_store_get(r->db, r->a, id, d)) != 0)
        return rc;
    return units_get_id(r->db, d->unit_id, v);
}

/* GET /phieu/{code} - the ballot of a card's one-time code (the QR code on the card). */
static int page_card(struct http_request *r, struct http_response *res)
{
    struct dm_item d;
    struct unit v;
    int64_t hid;
    int rc = card_arg(r, &d, &v, &hid);
    if (rc)
        return rc;
    return ballot_page(r, res, &d, &v, arena_printf(r->a, "/phieu/%s", http_arg(r, "code")),
                       online_closed(r, &d));
}

static int post_card(struct http_request *r, struct http_response *res)
{
    struct dm_item d;
    struct unit v;
    int64_t hid;
    int rc = card_arg(r, &d, &v, &hid);
    if (rc)
        return rc;
    return vote(r, res, &d, &v, hid, arena_printf(r->a, "/phieu/%s", http_arg(r, "code")));
}

/* GET /phieu?ma=CODE - the form where a code is typed; sends to the card's page. */
static const struct http_param_spec code_params[] = {
    {"ma", HP_TEXT, 0, 0, 32},
};

static int page_code(struct http_request *r, struct http_response *res)
{
    const char *ma = http_param(r, "ma");
    res->model = json_object();
    if (ma && ma[0]) {
        char hash[65];
        int64_t id, hid, collected;
        dm_code_hash(ma, hash);
        if (dm_store_card_find(r->db, hash, &id, &hid, &collected) == 0) {
            struct buf b;
            buf_init(&b, r->a);
            buf_puts(&b, "/phieu/");
            http_url_encode(&b, ma);
            res->redirect = b.ptr;
            return 0;
        }
        http_form_error(res, "ma", "Mã phiếu không đúng. Vui lòng kiểm tra lại mã in trên phiếu.");
        json_object_set_new(res->model, "form", json_pack("{s:s}", "ma", ma));
    } else {
        json_object_set_new(res->model, "form", json_pack("{s:s}", "ma", ""));
    }
    res->template = "decision/code";
    res->title = "Biểu quyết bằng mã trên phiếu";
    return 0;
}

/* GET/POST /bieu-quyet/{id} - signed in as a household's representative. */
static int signed_household(struct http_request *r, const struct dm_item *d, int64_t *hid)
{
    int rc = dm_store_account_household(r->db, r->user->id, hid);
    if (rc)
        return rc;
    (void)d;
    return *hid ? 0 : ERR_FORBIDDEN;
}

static int page_vote(struct http_request *r, struct http_response *res)
{
    struct dm_item d;
    struct unit v;
    int64_t hid;
    int rc = dm_access(r, &d, &v, NULL);
    if (rc)
        return rc;
    const char *why = online_closed(r, &d);
    if (!why && signed_household(r, &d, &hid) != 0)
        why = "Tài khoản của bạn chưa được trưởng thôn xác nhận là đại diện hộ gia đình; hãy dùng "
              "mã in trên phiếu của hộ.";
    return ballot_page(r, res, &d, &v, arena_printf(r->a, "/bieu-quyet/%lld", (long long)d.id),
                       why);
}

static int post_vote(struct http_request *r, struct http_response *res)
{
    struct dm_item d;
    struct unit v;
    int64_t hid;
    int rc = dm_access(r, &d, &v, NULL);
    if (rc)
        return rc;
    if (signed_household(r, &d, &hid) != 0) {
        res->model = json_object();
        res->status = 409;
        return ballot_page(r, res, &d, &v, arena_printf(r->a, "/bieu-quyet/%lld", (long long)d.id),
                           "Tài khoản của bạn chưa gắn với một hộ gia đình.");
    }
    return vote(r, res, &d, &v, hid, arena_printf(r->a, "/bieu-quyet/%lld", (long long)d.id));
}

#define N(x) (sizeof(x) / sizeof((x)[0]))

const struct http_route dm_public_routes[] = {
    {"GET", "/decisions", page_list, NULL, NULL, NULL, 0, list_params, N(list_params), 0},
    {"GET", "/decisions/{id}", page_result, NULL, NULL, NULL, 0, NULL, 0, 0},
    {"GET", "/decisions/{id}/receipts", page_receipts, NULL, NULL, NULL, 0, NULL, 0, 0},
    {"GET", "/phieu", page_code, NULL, NULL, NULL, 0, code_params, N(code_params), 0},
    {"GET", "/phieu/{code}", page_card, NULL, NULL, NULL, HTTP_SECRET_URL, NULL, 0, 0},
    {"POST", "/phieu/{code}", post_card, after_vote, NULL, NULL, HTTP_SECRET_URL, vote_params,
     N(vote_params), 0},
    {"GET", "/bieu-quyet/{id}", page_vote, NULL, NULL, NULL, HTTP_LOGIN, NULL, 0, 0},
    {"POST", "/bieu-quyet/{id}", post_vote, after_vote, NULL, NULL, HTTP_LOGIN, vote_params,
     N(vote_params), 0},
};
const size_t dm_public_n_routes = N(dm_public_routes);

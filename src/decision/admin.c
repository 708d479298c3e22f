/*
 * admin.c - the village head's (and the commune's) side of a matter decided by households:
 * table it with its type's forms (D3), issue the notice at least 2 days before the meeting
 * (D4) which freezes the roll (D1), tick the households present, enter the count of hands or
 * paper ballots per meeting or cluster (D4, counting board 3-5 and 2 witnesses for a secret
 * ballot), make the ballot cards of the households not yet counted (D5), record each card
 * delivered and collected, record the opt-in poll and open the online vote (D6, M6 only), and
 * count: the result against all households of the village, whatever the channels.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "decision/internal.h"

/* ---- GET /quan-ly/bieu-quyet?don_vi=CODE: matters of a village or commune, and a new one ---- */

static const struct http_param_spec index_params[] = {
    {"don_vi", HP_TEXT, 0, 0, 32},
};

static int index_page(struct http_request *r, struct http_response *res, const struct unit *u)
{
    struct rows *t;
    int rc = dm_store_list(r->db, r->a, u->id, &t);
    if (rc)
        return rc;
    size_t sl = rows_add_col(t, "status_label"), url = rows_add_col(t, "admin_url");
    for (size_t i = 0; i < t->n_rows; i++) {
        rows_set_text(rows_at(t, i, sl), dm_status_label(rows_text(rows_at(t, i, 5))));
        rows_set_text(rows_at(t, i, url), arena_printf(r->a, "/quan-ly/bieu-quyet/%lld",
                                                       (long long)rows_at(t, i, 0)->i));
    }
    if (!res->model)
        res->model = json_object();
    http_model_rows(res, "items", t);
    json_object_set_new(res->model, "unit",
                        json_pack("{s:s,s:s}", "code", u->code, "name", u->name));
    /* A refused form comes back with what was chosen: village, matter, forms, secrecy. */
    const char *chosen = dm_trimmed(r, "don_vi");
    json_t *villages = json_array();
    if (units_kind_is_commune(u->kind)) {
        struct unit *vs;
        size_t n;
        if ((rc = units_villages_of(r->db, r->a, u->id, &vs, &n)) != 0)
            return rc;
        for (size_t i = 0; i < n; i++)
            json_array_append_new(villages,
                                  json_pack("{s:s,s:s,s:b}", "code", vs[i].code, "name", vs[i].name,
                                            "selected", !strcmp(vs[i].code, chosen)));
    } else {
        json_array_append_new(
            villages, json_pack("{s:s,s:s,s:b}", "code", u->code, "name", u->name, "selected", 1));
    }
    unsigned forms = 0;
    for (size_t i = 0; i < r->params.n_items; i++) {
        int64_t f;
        if (str_eq_c(r->params.items[i].name, "hinh_thuc") &&
            parse_int64(str_trim(r->params.items[i].value), 0, 2, &f) == 0)
            forms |= 1u << f;
    }
    if (!forms)
        forms = 1u << DF_MEETING;
    json_object_set_new(res->model, "forms",
                        json_pack("{s:b,s:b,s:b,s:b}", "meeting", forms & (1u << DF_MEETING),
                                  "ballot", forms & (1u << DF_BALLOT), "online",
                                  forms & (1u << DF_ONLINE), "secret",
                                  dm_trimmed(r, "bo_phieu_kin")[0] != '\0'));
    json_object_set_new(res->model, "villages", villages);
    json_object_set_new(res->model, "is_commune", json_boolean(units_kind_is_commune(u->kind)));
    json_t *matters = json_array();
    int64_t matter = http_param_int(r, "loai", 0);
    for (int m = 1; m <= 6; m++)
        json_array_append_new(matters, json_pack("{s:i,s:s,s:b}", "value", m, "label",
                                                 dm_matter_label((enum dm_matter)m), "selected",
                                                 m == matter));
    json_object_set_new(res->model, "matters", matters);
    if (!json_object_get(res->model, "form"))
        json_object_set_new(res->model, "form",
                            json_pack("{s:s,s:s,s:s,s:s}", "tieu_de", "", "cau_hoi", "", "noi_dung",
                                      "", "ngay_thong_nhat", ""));
    res->template = "decision/admin_list";
    res->title = arena_printf(r->a, "Nhân dân bàn và quyết định – %s", u->name);
    return 0;
}

static int page_index(struct http_request *r, struct http_response *res)
{
    const struct auth_user *au = r->user->ext;
    struct unit u;
    const char *code = http_param(r, "don_vi");
    int rc = code && code[0] ? units_get(r->db, code, &u)
             : au->unit_id   ? units_get_id(r->db, au->unit_id, &u)
                             : ERR_NOT_FOUND;
    if (rc)
        return rc;
    if ((rc = http_authorize(r, "decision.manage", u.code)) != 0)
        return rc;
    return index_page(r, res, &u);
}

static const struct http_param_spec new_params[] = {
    {"don_vi", HP_TEXT, 1, 1, 32},          {"loai", HP_INT, 1, 1, 6},
    {"tieu_de", HP_TEXT, 0, 0, 300},        {"cau_hoi", HP_LINES, 0, 0, 2000},
    {"noi_dung", HP_LINES, 0, 0, 20000},    {"hinh_thuc", HP_INT, 0, 0, 2},
    {"bo_phieu_kin", HP_TEXT, 0, 0, 2},     {"de_xuat", HP_TEXT, 0, 0, 20},
    {"ngay_thong_nhat", HP_TEXT, 0, 0, 10},
};

struct new_job {
    struct dm_new in;
};

static int run_new(struct db *db, void *arg)
{
    struct new_job *j = arg;
    return dm_store_create(db, &j->in);
}

static int after_new(struct http_request *r, struct http_response *res, int rc)
{
    struct new_job *j = r->state;
    if (rc)
        return rc;
    res->redirect = arena_printf(r->a, "/quan-ly/bieu-quyet/%lld", (long long)j->in.id);
    res->flash = "Đã lập nội dung để Nhân dân bàn và quyết định.";
    return 0;
}

static int post_new(struct http_request *r, struct http_response *res)
{
    struct unit v;
    int rc = units_get(r->db, dm_trimmed(r, "don_vi"), &v);
    if (rc)
        return rc;
    if ((rc = http_authorize(r, "decision.manage", v.code)) != 0)
        return rc;
    res->model = json_object();
    json_object_set_new(res->model, "form",
                        json_pack("{s:s,s:s,s:s,s:s}", "tieu_de", dm_param(r, "tieu_de"), "cau_hoi",
                                  dm_param(r, "cau_hoi"), "noi_dung", dm_param(r, "noi_dung"),
                                  "ngay_thong_nhat", dm_param(r, "ngay_thong_nhat")));
    if (strcmp(v.kind, "village") != 0 && strcmp(v.kind, "residential_group") != 0) {
        http_form_error(res, "don_vi", "Chọn thôn, tổ dân phố biểu quyết.");
        return index_page(r, res, &v);
    }
    struct new_job *j = arena_zalloc(r->a, sizeof *j);
    j->in.matter = (enum dm_matter)http_param_int(r, "loai", 6);
    unsigned forms = 0;
    for (size_t i = 0; i < r->params.n_items; i++) {
        int64_t f;
        if (str_eq_c(r->params.items[i].name, "hinh_thuc") &&
            parse_int64(str_trim(r->params.items[i].value), 0, 2, &f) == 0)
            forms |= 1u << f;
    }
    unsigned allowed = dr_forms_allowed(j->in.matter);
    const char *error = NULL;
    struct date agreed, today = date_vn_from_time(time(NULL));
    const char *agreed_text = dm_trimmed(r, "ngay_thong_nhat");
    if (!dm_trimmed(r, "tieu_de")[0])
        error = "Vui lòng nhập nội dung cần quyết định.";
    else if (!dm_trimmed(r, "cau_hoi")[0])
        error = "Vui lòng nhập câu hỏi đưa ra biểu quyết.";
    else if (!forms)
        error = "Vui lòng chọn hình thức biểu quyết.";
    else if (forms & ~allowed)
        error = (forms & (1u << DF_ONLINE)) && j->in.matter != DM_M6
                    ? "Chỉ nội dung tự quản khác (M6) được biểu quyết trực tuyến (Điều 17)."
                    : "Hương ước, quy ước và việc bầu, miễn nhiệm phải quyết định tại cuộc họp "
                      "(Điều 17); phiếu chỉ dùng khi cuộc họp không đủ số hộ tham dự.";
    else if (!agreed_text[0])
        error = (forms & (1u << DF_ONLINE))
                    ? "Trưởng thôn đưa nội dung ra và tổ chức biểu quyết trực tuyến sau khi "
                      "thống nhất với Ban công tác Mặt trận (Điều 16, 17): vui lòng nhập ngày "
                      "thống nhất."
                    : "Trưởng thôn đưa nội dung ra sau khi thống nhất với Ban công tác Mặt trận "
                      "(Điều 16): vui lòng nhập ngày thống nhất.";
    else if (date_parse(agreed_text, &agreed) != 0)
        error = "Ngày thống nhất phải viết dạng ngày/tháng/năm.";
    else if (date_cmp(agreed, today) > 0)
        error = "Ngày thống nhất với Ban công tác Mặt trận không thể sau hôm nay.";
    if (error) {
        http_form_error(res, "form", error);
        return index_page(r, res, &v);
    }
    j->in.actor = r->user->id;
    j->in.unit_id = v.id;
    j->in.title = dm_trimmed(r, "tieu_de");
    j->in.question = dm_trimmed(r, "cau_hoi");
    j->in.body = dm_trimmed(r, "noi_dung");
    j->in.proposer = dm_trimmed(r, "de_xuat")[0] ? dm_trimmed(r, "de_xuat") : "head";
    if (strcmp(j->in.proposer, "head") && strcmp(j->in.proposer, "chairperson") &&
        strcmp(j->in.proposer, "initiative") && strcmp(j->in.proposer, "front"))
        j->in.proposer = "head";
    j->in.forms = forms;
    j->in.secret = dm_trimmed(r, "bo_phieu_kin")[0] != '\0';
    j->in.tabled_on = dm_iso(r->a, today);
    j->in.front_agreed_on = dm_iso(r->a, agreed);
    r->state = j;
    http_defer_write(r, run_new, j);
    return HTTP_DEFERRED;
}

/* ---- GET /quan-ly/bieu-quyet/{id}: the matter's page for the village head ---- */

static int managed(struct http_request *r, struct dm_item *d, struct unit *v)
{
    int manage, rc = dm_access(r, d, v, &manage);
    if (rc)
        return rc;
    return manage ? 0 : ERR_FORBIDDEN;
}

static int manage_page(struct http_request *r, struct http_response *res, const struct dm_item *d,
                       const struct unit *v)
{
    struct rows *roll, *tallies, *cards;
    int rc;
    if ((rc = dm_store_roll(r->db, r->a, d->id, &roll)) != 0 ||
        (rc = dm_store_tallies(r->db, r->a, d->id, &tallies)) != 0 ||
        (rc = dm_store_cards(r->db, r->a, d->id, &cards)) != 0)
        return rc;
    if (!res->model)
        res->model = json_object();
    json_t *m = res->model;
    json_object_set_new(m, "d", dm_item_json(r, d, v));
    size_t lbl = rows_add_col(roll, "channel_label"), can = rows_add_col(roll, "can_attend"),
           gone = rows_add_col(roll, "gone");
    for (size_t i = 0; i < roll->n_rows; i++) {
        const char *ch = rows_text(rows_at(roll, i, 5));
        int active = !strcmp(rows_text(rows_at(roll, i, 4)), "active");
        rows_set_text(rows_at(roll, i, lbl), !strcmp(ch, "meeting")  ? "Dự họp"
                                             : !strcmp(ch, "ballot") ? "Đã nộp phiếu"
                                             : !strcmp(ch, "online") ? "Biểu quyết trực tuyến"
                                                                     : "");
        rows_set_bool(rows_at(roll, i, can), active && !ch[0]);
        rows_set_bool(rows_at(roll, i, gone), !active);
    }
    http_model_rows(res, "roll", roll);
    size_t sl = rows_add_col(tallies, "source_label");
    for (size_t i = 0; i < tallies->n_rows; i++)
        rows_set_text(rows_at(tallies, i, sl), !strcmp(rows_text(rows_at(tallies, i, 1)), "meeting")
                                                   ? "Cuộc họp"
                                                   : "Phiếu lấy ý kiến");
    http_model_rows(res, "tallies", tallies);
    size_t st = rows_add_col(cards, "state"), can_c = rows_add_col(cards, "can_collect"),
           code = rows_add_col(cards, "code");
    for (size_t i = 0; i < cards->n_rows; i++) {
        int64_t delivered = rows_at(cards, i, 4)->i, collected = rows_at(cards, i, 5)->i;
        rows_set_text(rows_at(cards, i, st), collected   ? "Đã thu"
                                             : delivered ? "Đã phát"
                                                         : "Chưa phát");
        rows_set_bool(rows_at(cards, i, can_c), !collected);
        char c[DM_CODE_LEN + 1];
        dm_card_code(d->card_key, d->id, rows_at(cards, i, 0)->i, c);
        rows_set_textn(cards, rows_at(cards, i, code), c, strlen(c));
    }
    http_model_rows(res, "cards", cards);
    int64_t meeting, ballot, online;
    if ((rc = dm_store_turnout(r->db, d->id, &meeting, &ballot, &online)) != 0)
        return rc;
    json_object_set_new(m, "turnout",
                        json_pack("{s:I,s:I,s:I}", "meeting", (json_int_t)meeting, "ballot",
                                  (json_int_t)ballot, "online", (json_int_t)online));
    const struct dr_rules *rules = dm_rules_for(dm_env(r), d);
    int draft = !strcmp(d->status, "draft"),
        open = !strcmp(d->status, "notified") || !strcmp(d->status, "voting");
    json_object_set_new(m, "is_draft", json_boolean(draft));
    json_object_set_new(m, "is_open", json_boolean(open));
    json_object_set_new(m, "has_meeting", json_boolean(d->forms & (1u << DF_MEETING)));
    json_object_set_new(
        m, "can_ballot",
        json_boolean(open && ((d->forms & (1u << DF_BALLOT)) || dr_ballot_completes(d->matter))));
    json_object_set_new(m, "has_online", json_boolean(open && (d->forms & (1u << DF_ONLINE))));
    json_object_set_new(m, "clusters", json_boolean(dr_needs_clusters(rules, d->households_total)));
    const char **names;
    size_t nc;
    if ((rc = dm_store_candidates(r->db, r->a, d->id, &names, &nc)) != 0)
        return rc;
    json_t *cands = json_array();
    for (size_t i = 0; i < nc; i++) {
        const char *votes = dm_param(r, arena_printf(r->a, "ung_vien_%zu", i + 1));
        json_array_append_new(cands, json_pack("{s:I,s:s,s:s}", "i", (json_int_t)(i + 1), "name",
                                               names[i], "votes", votes[0] ? votes : "0"));
    }
    json_object_set_new(m, "candidates", cands);
    json_object_set_new(m, "has_candidates", json_boolean(nc > 0));
    if ((rc = dm_prepare_model(r, d, m)) != 0)
        return rc;
    char latest[11] = "";
    struct date mt;
    if (d->meeting_on[0] && date_parse(d->meeting_on, &mt) == 0)
        date_format_vn(dr_notice_latest(rules, mt), latest);
    json_object_set_new(m, "notice_latest", json_string(latest));
    /* A refused form comes back as it was typed: every field of the page's forms, from the
     * request (empty, or 0 for a count, on a first view). */
    static const struct {
        const char *name, *empty;
    } fields[] = {
        {"ngay_thong_bao", ""},
        {"ngay_hop", ""},
        {"han_phieu", ""},
        {"ma_ho", ""},
        {"cum", ""},
        {"tan_thanh", "0"},
        {"khong_tan_thanh", "0"},
        {"khac", "0"},
        {"khong_hop_le", "0"},
        {"thu_ky", ""},
        {"thu_ky_phieu", ""},
        {"cach_phieu", ""},
        {"to_kiem_phieu", ""},
        {"nhan_chung", ""},
    };
    json_t *form = json_object_get(m, "form");
    if (!form) {
        form = json_object();
        json_object_set_new(m, "form", form);
    }
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const char *typed = dm_param(r, fields[i].name);
        if (!json_object_get(form, fields[i].name))
            json_object_set_new(form, fields[i].name,
                                json_string(typed[0] ? typed : fields[i].empty));
    }
    json_object_set_new(form, "nguon_ballot",
                        json_boolean(!strcmp(dm_param(r, "nguon"), "ballot")));
    json_object_set_new(form, "cach_secret", json_boolean(!strcmp(dm_param(r, "cach"), "secret")));
    json_object_set_new(form, "cach_paper", json_boolean(!strcmp(dm_param(r, "cach"), "paper")));
    res->template = "decision/manage";
    res->title = d->title;
    return 0;
}

int dm_manage_page(struct http_request *r, struct http_response *res, const struct dm_item *d,
                   const struct unit *v)
{
    return manage_page(r, res, d, v);
}

static int page_manage(struct http_request *r, struct http_response *res)
{
    struct dm_item d;
    struct unit v;
    int rc = managed(r, &d, &v);
    return rc ? rc : manage_page(r, res, &d, &v);
}

/* ---- the writes share one job shape ---- */

struct act_job {
    int64_t actor;
    struct dm_item d;
    struct unit v;
    const char *back, *flash;
    const char *s1, *s2, *s3;
    int64_t n1, n2, n3;
    int64_t *ids;
    size_t n_ids;
    size_t done, refused; /* attendance: ticked, refused (voted already) */
    struct dm_tally_in tally;
    struct dr_result result;
    const struct dr_rules *rules; /* count: the version in force (read on the writer thread) */
    const char **names;           /* an election's candidates (tally), or NULL */
    int votes[DM_MAX_CANDIDATES]; /* their votes in this count */
    size_t n_names;               /* how many */
    int (*run)(struct db *db, struct act_job *j);
};

static int run_act(struct db *db, void *arg)
{
    struct act_job *j = arg;
    return j->run(db, j);
}

static int after_act(struct http_request *r, struct http_response *res, int rc)
{
    struct act_job *j = r->state;
    return http_after_write(res, rc, j->back, j->flash);
}

static struct act_job *act_begin(struct http_request *r, int *rc)
{
    struct act_job *j = arena_zalloc(r->a, sizeof *j);
    if ((*rc = managed(r, &j->d, &j->v)) != 0)
        return NULL;
    j->actor = r->user->id;
    j->back = arena_printf(r->a, "/quan-ly/bieu-quyet/%lld", (long long)j->d.id);
    r->state = j;
    return j;
}

static int act_defer(struct http_request *r, struct act_job *j,
                     int (*run)(struct db *, struct act_job *), const char *flash)
{
    j->run = run;
    j->flash = flash;
    http_defer_write(r, run_act, j);
    return HTTP_DEFERRED;
}

static int act_error(struct http_request *r, struct http_response *res, struct act_job *j,
                     const char *field, const char *message)
{
    if (!res->model)
        res->model = json_object();
    http_form_error(res, field, message);
    return manage_page(r, res, &j->d, &j->v);
}

/* ---- POST .../thong-bao: the notice (D4), freezing the roll (D1) ---- */

static const struct http_param_spec notice_params[] = {
    {"ngay_thong_bao", HP_DATE, 1, 0, 0},
    {"ngay_hop", HP_DATE, 0, 0, 0},
    {"han_phieu", HP_DATE, 0, 0, 0},
};

static int run_notice(struct db *db, struct act_job *j)
{
    return dm_store_notify(db, j->actor, j->d.id, j->s1, j->s2, j->s3);
}

static int post_notice(struct http_request *r, struct http_response *res)
{
    int rc;
    struct act_job *j = act_begin(r, &rc);
    if (!j)
        return rc;
    struct date notice, meeting, deadline;
    if (date_parse(dm_trimmed(r, "ngay_thong_bao"), &notice) != 0)
        return act_error(r, res, j, "thong_bao", "Ngày phải viết dạng ngày/tháng/năm.");
    j->s1 = dm_iso(r->a, notice);
    j->s2 = j->s3 = "";
    const struct dr_rules *rules = dm_rules_for(dm_env(r), &j->d);
    if (j->d.forms & (1u << DF_MEETING)) {
        if (date_parse(dm_trimmed(r, "ngay_hop"), &meeting) != 0)
            return act_error(r, res, j, "thong_bao", "Vui lòng nhập ngày họp (ngày/tháng/năm).");
        struct date latest = dr_notice_latest(rules, meeting);
        if (date_cmp(notice, latest) > 0) {
            char l[11];
            date_format_vn(latest, l);
            return act_error(r, res, j, "thong_bao",
                             arena_printf(r->a,
                                          "Thông báo phải gửi trước ngày họp ít nhất %d ngày "
                                          "(Điều 18): với ngày họp này, chậm nhất ngày %s.",
                                          rules->notice_days, l));
        }
        j->s2 = dm_iso(r->a, meeting);
    }
    const char *dl = dm_trimmed(r, "han_phieu");
    if (dl[0]) {
        if (date_parse(dl, &deadline) != 0)
            return act_error(r, res, j, "thong_bao", "Ngày phải viết dạng ngày/tháng/năm.");
        j->s3 = dm_iso(r->a, deadline);
    }
    if (strcmp(j->d.status, "draft") != 0)
        return act_error(r, res, j, "thong_bao", "Đã thông báo và chốt danh sách hộ.");
    return act_defer(r, j, run_notice,
                     "Đã thông báo; danh sách hộ gia đình được chốt để tính kết quả (tổng số hộ).");
}

/* ---- POST .../diem-danh: households present at the meeting ---- */

static const struct http_param_spec attend_params[] = {
    {"ho", HP_INT, 0, 1, INT64_MAX},
    {"ma_ho", HP_LINES, 0, 0, 200000},
};

static int run_attend(struct db *db, struct act_job *j)
{
    j->done = j->refused = 0;
    for (size_t i = 0; i < j->n_ids; i++) {
        int rc = dm_store_take_part(db, j->d.id, j->ids[i], "meeting", 0);
        if (rc == ERR_CONFLICT || rc == ERR_FORBIDDEN || rc == ERR_NOT_FOUND)
            j->refused++;
        else if (rc)
            return rc;
        else
            j->done++;
    }
    char d[64];
    snprintf(d, sizeof d, "%zu present, %zu refused", j->done, j->refused);
    char obj[48];
    snprintf(obj, sizeof obj, "decision:%lld", (long long)j->d.id);
    return audit_append(db, j->actor, j->v.id, "decision.attend", obj, d);
}

static int after_attend(struct http_request *r, struct http_response *res, int rc)
{
    struct act_job *j = r->state;
    if (rc)
        return rc;
    res->redirect = j->back;
    res->flash = j->refused ? arena_printf(r->a,
                                           "Đã ghi %zu hộ dự họp; %zu hộ không ghi được vì đã "
                                           "biểu quyết bằng hình thức khác hoặc không còn ở thôn.",
                                           j->done, j->refused)
                            : arena_printf(r->a, "Đã ghi %zu hộ dự họp.", j->done);
    return 0;
}

static int post_attend(struct http_request *r, struct http_response *res)
{
    int rc;
    struct act_job *j = act_begin(r, &rc);
    if (!j)
        return rc;
    if (strcmp(j->d.status, "notified") && strcmp(j->d.status, "voting"))
        return act_error(r, res, j, "diem_danh", "Chưa thông báo, hoặc đã có kết quả.");
    j->ids = arena_alloc(r->a, (r->params.n_items + 1) * sizeof *j->ids);
    for (size_t i = 0; i < r->params.n_items; i++) {
        int64_t h;
        if (str_eq_c(r->params.items[i].name, "ho") &&
            parse_int64(str_trim(r->params.items[i].value), 1, INT64_MAX, &h) == 0)
            j->ids[j->n_ids++] = h;
    }
    /* From the paper sheet: household codes typed one a line (or separated by commas or spaces),
     * all known to the frozen roll or none recorded. */
    const char *typed = dm_param(r, "ma_ho");
    if (typed[0]) {
        struct rows *roll;
        if ((rc = dm_store_roll(r->db, r->a, j->d.id, &roll)) != 0)
            return rc;
        size_t cap = r->params.n_items + strlen(typed) / 2 + 2;
        int64_t *ids = arena_alloc(r->a, cap * sizeof *ids);
        memcpy(ids, j->ids, j->n_ids * sizeof *ids);
        j->ids = ids;
        struct buf bad;
        buf_init(&bad, r->a);
        size_t n_bad = 0;
        const char *p = typed;
        while (*p) {
            size_t len = strcspn(p, " ,;\t\r\n");
            if (len) {
                size_t k = 0;
                for (; k < roll->n_rows; k++) {
                    const char *code = rows_text(rows_at(roll, k, 1));
                    if (strlen(code) == len && strncasecmp(code, p, len) == 0)
                        break;
                }
                if (k < roll->n_rows && j->n_ids < cap)
                    j->ids[j->n_ids++] = rows_at(roll, k, 0)->i;
                else if (n_bad++ < 20)
                    buf_printf(&bad, "%s%.*s", bad.len ? ", " : "", (int)len, p);
            }
            p += len;
            p += strspn(p, " ,;\t\r\n");
        }
        if (n_bad) {
            json_object_set_new(res->model ? res->model : (res->model = json_object()), "form",
                                json_pack("{s:s}", "ma_ho", typed));
            return act_error(r, res, j, "diem_danh",
                             arena_printf(r->a,
                                          "%zu mã hộ không có trong danh sách đã chốt: %s%s. "
                                          "Chưa ghi hộ nào; vui lòng sửa lại.",
                                          n_bad, bad.ptr, n_bad > 20 ? "…" : ""));
        }
    }
    if (!j->n_ids)
        return act_error(r, res, j, "diem_danh",
                         "Vui lòng đánh dấu các hộ có mặt, hoặc nhập mã hộ theo danh sách ký "
                         "giấy.");
    j->run = run_attend;
    http_defer_write(r, run_act, j);
    return HTTP_DEFERRED;
}

/* ---- POST .../kiem-phieu: a count of hands or paper (meeting, cluster, household ballots) ---- */

static const struct http_param_spec tally_params[] = {
    {"nguon", HP_TEXT, 1, 1, 10},
    {"cum", HP_TEXT, 0, 0, 100},
    {"tan_thanh", HP_INT, 0, 0, 100000},
    {"khong_tan_thanh", HP_INT, 0, 0, 100000},
    {"ung_vien_1", HP_INT, 0, 0, 100000},
    {"ung_vien_2", HP_INT, 0, 0, 100000},
    {"ung_vien_3", HP_INT, 0, 0, 100000},
    {"ung_vien_4", HP_INT, 0, 0, 100000},
    {"ung_vien_5", HP_INT, 0, 0, 100000},
    {"ung_vien_6", HP_INT, 0, 0, 100000},
    {"ung_vien_7", HP_INT, 0, 0, 100000},
    {"ung_vien_8", HP_INT, 0, 0, 100000},
    {"ung_vien_9", HP_INT, 0, 0, 100000},
    {"ung_vien_10", HP_INT, 0, 0, 100000},
    {"khac", HP_INT, 0, 0, 100000},
    {"khong_hop_le", HP_INT, 0, 0, 100000},
    {"cach", HP_TEXT, 0, 0, 10},
    {"to_kiem_phieu", HP_LINES, 0, 0, 1000},
    {"nhan_chung", HP_LINES, 0, 0, 1000},
    {"thu_ky", HP_TEXT, 0, 0, 200},
    {"thu_ky_phieu", HP_INT, 0, 0, 100000},
    {"cach_phieu", HP_INT, 0, 0, 100000},
};

static int run_tally(struct db *db, struct act_job *j)
{
    if (j->n_names)
        return dm_store_candidate_tally(db, &j->tally, j->names, j->votes, j->n_names);
    return dm_store_tally(db, &j->tally);
}

static int after_tally(struct http_request *r, struct http_response *res, int rc)
{
    struct act_job *j = r->state;
    if (rc == ERR_CONFLICT) {
        res->redirect = j->back;
        res->flash = j->tally.cluster[0]
                         ? "Kết quả của cụm này đã được nhập; mỗi cụm nhập một lần."
                         : "Kết quả này đã được nhập; khi họp theo cụm, ghi tên từng cụm.";
        return 0;
    }
    return after_act(r, res, rc);
}

/* Names one a line (or separated by commas). */
static int count_names(const char *s)
{
    int n = 0, in = 0;
    for (const char *p = s; *p; p++) {
        int sep = *p == '\n' || *p == ',' || *p == ';';
        if (!sep && *p != ' ' && *p != '\r' && !in) {
            n++;
            in = 1;
        } else if (sep) {
            in = 0;
        }
    }
    return n;
}

static int post_tally(struct http_request *r, struct http_response *res)
{
    int rc;
    struct act_job *j = act_begin(r, &rc);
    if (!j)
        return rc;
    struct dm_tally_in *t = &j->tally;
    *t = (struct dm_tally_in){
        .actor = j->actor,
        .id = j->d.id,
        .unit_id = j->v.id,
        .source = dm_trimmed(r, "nguon"),
        .cluster = dm_trimmed(r, "cum"),
        .method = dm_trimmed(r, "cach")[0] ? dm_trimmed(r, "cach") : "hands",
        .board = dm_trimmed(r, "to_kiem_phieu"),
        .witnesses = dm_trimmed(r, "nhan_chung"),
        .secretary = dm_trimmed(r, "thu_ky"),
        .approve = (int)http_param_int(r, "tan_thanh", 0),
        .reject = (int)http_param_int(r, "khong_tan_thanh", 0),
        .other = (int)http_param_int(r, "khac", 0),
        .invalid = (int)http_param_int(r, "khong_hop_le", 0),
        .secretary_votes = (int)http_param_int(r, "thu_ky_phieu", -1),
        .method_votes = (int)http_param_int(r, "cach_phieu", -1),
    };
    if (strcmp(j->d.status, "notified") && strcmp(j->d.status, "voting"))
        return act_error(r, res, j, "kiem_phieu", "Chưa thông báo, hoặc đã có kết quả.");
    /* An election with candidates: each candidate's votes; their sum is the count's approve. */
    if ((rc = dm_store_candidates(r->db, r->a, j->d.id, &j->names, &j->n_names)) != 0)
        return rc;
    if (j->n_names) {
        t->approve = t->reject = t->other = 0;
        for (size_t i = 0; i < j->n_names; i++) {
            char key[32];
            snprintf(key, sizeof key, "ung_vien_%zu", i + 1);
            j->votes[i] = (int)http_param_int(r, key, 0);
            t->approve += j->votes[i];
        }
    }
    if (strcmp(t->source, "meeting") && strcmp(t->source, "ballot"))
        return act_error(r, res, j, "kiem_phieu", "Chọn kết quả của cuộc họp hay của phiếu.");
    if (strcmp(t->method, "hands") && strcmp(t->method, "secret") && strcmp(t->method, "paper"))
        t->method = "hands";
    int64_t meeting, ballot, online;
    if ((rc = dm_store_turnout(r->db, j->d.id, &meeting, &ballot, &online)) != 0)
        return rc;
    const struct dr_rules *rules = dm_rules_for(dm_env(r), &j->d);
    int64_t counted = (int64_t)t->approve + t->reject + t->other + t->invalid;
    if (!strcmp(t->source, "ballot") && counted != ballot)
        return act_error(r, res, j, "kiem_phieu",
                         arena_printf(r->a,
                                      "Tổng số phiếu kiểm (%lld) phải bằng số phiếu đã thu "
                                      "(%lld).",
                                      (long long)counted, (long long)ballot));
    if (!strcmp(t->source, "meeting") && counted > meeting)
        return act_error(r, res, j, "kiem_phieu",
                         arena_printf(r->a,
                                      "Số biểu quyết (%lld) nhiều hơn số hộ dự họp đã điểm danh "
                                      "(%lld).",
                                      (long long)counted, (long long)meeting));
    /* A meeting elects its secretary and chooses hands or a secret ballot, each by more than half
     * of those attending: the meeting's attendance, or a cluster's count (D4). */
    if (!strcmp(t->source, "meeting")) {
        int64_t attending = t->cluster[0] ? counted : meeting;
        if (t->secretary_votes >= 0 && !dr_meets(rules->secretary, t->secretary_votes, attending))
            return act_error(r, res, j, "kiem_phieu",
                             arena_printf(r->a,
                                          "Thư ký cuộc họp phải được quá nửa số người dự họp "
                                          "(%lld) biểu quyết tán thành (Điều 18).",
                                          (long long)attending));
        if (t->method_votes >= 0 && !dr_meets(rules->secretary, t->method_votes, attending))
            return act_error(r, res, j, "kiem_phieu",
                             arena_printf(r->a,
                                          "Hình thức giơ tay hay bỏ phiếu kín phải được quá nửa "
                                          "số người dự họp (%lld) tán thành (Điều 18).",
                                          (long long)attending));
    }
    if ((!strcmp(t->method, "secret") || !strcmp(t->source, "ballot")) &&
        count_names(t->witnesses) < rules->witnesses)
        return act_error(r, res, j, "kiem_phieu",
                         arena_printf(r->a, "Kiểm phiếu cần %d đại diện hộ gia đình chứng kiến.",
                                      rules->witnesses));
    if (!strcmp(t->method, "secret") && !dr_board_ok(rules, count_names(t->board)))
        return act_error(r, res, j, "kiem_phieu",
                         arena_printf(r->a, "Ban kiểm phiếu gồm từ %d đến %d người (Điều 18).",
                                      rules->board_min, rules->board_max));
    return act_defer(r, j, run_tally, "Đã ghi kết quả kiểm phiếu.");
}

/* ---- POST .../phat-phieu: ballot cards for the households not yet counted (D5) ---- */

static int run_cards(struct db *db, struct act_job *j)
{
    return dm_store_cards_make(db, j->actor, &j->d, &j->n1);
}

static int post_cards(struct http_request *r, struct http_response *res)
{
    int rc;
    struct act_job *j = act_begin(r, &rc);
    if (!j)
        return rc;
    if (strcmp(j->d.status, "notified") && strcmp(j->d.status, "voting"))
        return act_error(r, res, j, "phieu", "Chưa thông báo, hoặc đã có kết quả.");
    return act_defer(r, j, run_cards,
                     "Đã lập phiếu cho các hộ chưa biểu quyết; in danh sách phiếu để phát.");
}

/* ---- POST .../thu-phieu: a card delivered or collected ---- */

static const struct http_param_spec card_params[] = {
    {"ho", HP_INT, 1, 1, INT64_MAX},
    {"thu", HP_TEXT, 0, 0, 2},
};

static int run_card(struct db *db, struct act_job *j)
{
    return dm_store_card_mark(db, j->actor, j->d.id, j->v.id, j->n1, (int)j->n2);
}

static int after_card(struct http_request *r, struct http_response *res, int rc)
{
    struct act_job *j = r->state;
    res->redirect = j->back;
    if (rc == ERR_CONFLICT)
        res->flash = "Hộ này đã biểu quyết bằng hình thức khác: không thu phiếu thứ hai.";
    else if (rc == ERR_NOT_FOUND)
        res->flash = "Phiếu của hộ này đã thu, hoặc hộ không có phiếu.";
    else if (rc == ERR_FORBIDDEN)
        res->flash = "Hộ đã chuyển khỏi thôn: không thu phiếu.";
    else if (rc)
        return rc;
    else
        res->flash = j->n2 ? "Đã ghi thu phiếu." : "Đã ghi phát phiếu.";
    return 0;
}

static int post_card(struct http_request *r, struct http_response *res)
{
    int rc;
    struct act_job *j = act_begin(r, &rc);
    if (!j)
        return rc;
    if (strcmp(j->d.status, "notified") && strcmp(j->d.status, "voting"))
        return act_error(r, res, j, "phieu", "Chưa thông báo, hoặc đã có kết quả.");
    j->n1 = http_param_int(r, "ho", 0);
    j->n2 = dm_trimmed(r, "thu")[0] != '\0';
    j->run = run_card;
    http_defer_write(r, run_act, j);
    return HTTP_DEFERRED;
}

/* ---- POST .../truc-tuyen: the opt-in poll and the online window (D6) ---- */

static const struct http_param_spec online_params[] = {
    {"dong_y", HP_INT, 1, 0, 1000000},
    {"so_gio", HP_INT, 1, 1, 24 * 30},
};

static int run_online(struct db *db, struct act_job *j)
{
    return dm_store_online(db, j->actor, j->d.id, j->v.id, j->n1, j->n2, j->n3);
}

static int post_online(struct http_request *r, struct http_response *res)
{
    int rc;
    struct act_job *j = act_begin(r, &rc);
    if (!j)
        return rc;
    const struct dr_rules *rules = dm_rules_for(dm_env(r), &j->d);
    if (j->d.matter != DM_M6 || !(j->d.forms & (1u << DF_ONLINE)))
        return act_error(r, res, j, "truc_tuyen", "Nội dung này không biểu quyết trực tuyến.");
    if (strcmp(j->d.status, "notified") && strcmp(j->d.status, "voting"))
        return act_error(r, res, j, "truc_tuyen", "Chưa thông báo, hoặc đã có kết quả.");
    j->n1 = http_param_int(r, "dong_y", 0);
    if (!dr_online_optin(rules, j->n1, j->d.households_total))
        return act_error(
            r, res, j, "truc_tuyen",
            arena_printf(r->a,
                         "Cần quá 50%% tổng số hộ (ít nhất %lld của %lld hộ) đồng ý "
                         "biểu quyết trực tuyến (Điều 5 Nghị định 59/2023).",
                         (long long)dr_needed(rules->online_optin, j->d.households_total),
                         (long long)j->d.households_total));
    j->n2 = (int64_t)time(NULL);
    j->n3 = j->n2 + http_param_int(r, "so_gio", 72) * 3600;
    return act_defer(r, j, run_online, "Đã mở biểu quyết trực tuyến.");
}

/* ---- POST .../ket-qua: count (D1) ---- */

static const struct http_param_spec count_params[] = {
    {"noi_dung", HP_LINES, 0, 0, 5000},
};

static int run_count(struct db *db, struct act_job *j)
{
    int64_t approve, reject, other, voted;
    int rc = dm_store_sums(db, j->d.id, j->d.secret, &approve, &reject, &other, &voted);
    if (rc)
        return rc;
    const char *text = j->s1;
    struct arena *a = arena_new(0);
    const char **names;
    size_t n;
    struct rows *t = NULL;
    if ((rc = dm_store_candidates(db, a, j->d.id, &names, &n)) == 0 && n)
        rc = dm_store_candidate_sums(db, a, j->d.id, &t);
    if (rc == 0 && t && t->n_rows) {
        /* The candidate with the most votes, against all households; a tie elects nobody. */
        int64_t top = rows_at(t, 0, 1)->i, second = t->n_rows > 1 ? rows_at(t, 1, 1)->i : -1;
        dr_judge(j->rules, j->d.matter, j->d.households_total, top, approve - top, other,
                 &j->result);
        if (second == top)
            j->result.passed = 0;
        if (!text[0])
            text = j->result.passed
                       ? arena_printf(a, "Người trúng cử: %s (%lld/%lld hộ gia đình).",
                                      rows_text(rows_at(t, 0, 0)), (long long)top,
                                      (long long)j->d.households_total)
                       : "Không có người trúng cử: chưa ai được quá nửa tổng số hộ gia đình tán "
                         "thành (hoặc số phiếu bằng nhau); tổ chức bầu lại.";
    } else {
        dr_judge(j->rules, j->d.matter, j->d.households_total, approve, reject, other, &j->result);
    }
    j->result.households_voted = voted;
    if (rc == 0)
        rc = dm_store_counted(db, j->actor, j->d.id, j->v.id, &j->result, text);
    arena_free(a);
    return rc;
}

static int after_count(struct http_request *r, struct http_response *res, int rc)
{
    struct act_job *j = r->state;
    if (rc)
        return after_act(r, res, rc);
    res->redirect = arena_printf(r->a, "/decisions/%lld", (long long)j->d.id);
    res->flash = j->result.passed ? "Đã kiểm: nội dung được thông qua."
                                  : "Đã kiểm: nội dung không được thông qua.";
    return 0;
}

static int post_count(struct http_request *r, struct http_response *res)
{
    int rc;
    struct act_job *j = act_begin(r, &rc);
    if (!j)
        return rc;
    if (strcmp(j->d.status, "notified") && strcmp(j->d.status, "voting"))
        return act_error(r, res, j, "ket_qua", "Chưa thông báo, hoặc đã có kết quả.");
    if ((j->d.forms & (1u << DF_ONLINE)) && j->d.online_closes_at > (int64_t)time(NULL))
        return act_error(r, res, j, "ket_qua", "Biểu quyết trực tuyến chưa kết thúc.");
    j->s1 = dm_trimmed(r, "noi_dung");
    j->rules = dm_rules_for(dm_env(r), &j->d);
    j->run = run_count;
    http_defer_write(r, run_act, j);
    return HTTP_DEFERRED;
}

#define N(x) (sizeof(x) / sizeof((x)[0]))

const struct http_route dm_admin_routes[] = {
    {"GET", "/quan-ly/bieu-quyet", page_index, NULL, NULL, NULL, HTTP_LOGIN, index_params,
     N(index_params), 0},
    {"POST", "/quan-ly/bieu-quyet", post_new, after_new, NULL, NULL, HTTP_LOGIN, new_params,
     N(new_params), 0},
    {"GET", "/quan-ly/bieu-quyet/{id}", page_manage, NULL, NULL, NULL, HTTP_LOGIN, NULL, 0, 0},
    {"POST", "/quan-ly/bieu-quyet/{id}/thong-bao", post_notice, after_act, NULL, NULL, HTTP_LOGIN,
     notice_params, N(notice_params), 0},
    {"POST", "/quan-ly/bieu-quyet/{id}/diem-danh", post_attend, after_attend, NULL, NULL,
     HTTP_LOGIN, attend_params, N(attend_params), 256 * 1024},
    {"POST", "/quan-ly/bieu-quyet/{id}/kiem-phieu", post_tally, after_tally, NULL, NULL, HTTP_LOGIN,
     tally_params, N(tally_params), 0},
    {"POST", "/quan-ly/bieu-quyet/{id}/phat-phieu", post_cards, after_act, NULL, NULL, HTTP_LOGIN,
     NULL, 0, 0},
    {"POST", "/quan-ly/bieu-quyet/{id}/thu-phieu", post_card, after_card, NULL, NULL, HTTP_LOGIN,
     card_params, N(card_params), 0},
    {"POST", "/quan-ly/bieu-quyet/{id}/truc-tuyen", post_online, after_act, NULL, NULL, HTTP_LOGIN,
     online_params, N(online_params), 0},
    {"POST", "/quan-ly/bieu-quyet/{id}/ket-qua", post_count, after_count, NULL, NULL, HTTP_LOGIN,
     count_params, N(count_params), 0},
};
const size_t dm_admin_n_routes = N(dm_admin_routes);

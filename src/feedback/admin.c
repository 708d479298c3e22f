/*
 * admin.c - the officials' side of residents' requests and cases: the queue in the order the law
 * makes them due (all, one kind, past their deadline), a case with every clock it carries, its
 * history and the person's contact, and what an official does to it: class it, assign it, accept
 * (thụ lý) or refuse it, forward it, extend it, answer it (with a document), send or publish the
 * decision, close it. Requests received on paper, by phone or at the reception desk are entered
 * here with their real date of receipt.
 *
 * Every write goes through the write queue (http_defer_write); the store checks the action again
 * against the case as it is and leaves an audit row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "feedback/internal.h"

#define PER_PAGE 50

static int commune_of(struct http_request *r, struct unit *u)
{
    return units_get_commune(r->db, http_arg(r, "code"), u);
}

static const struct http_param_spec queue_params[] = {
    {"loc", HP_TEXT, 0, 0, 10},
    {"loai", HP_TEXT, 0, 0, 20},
    {"tt", HP_TEXT, 0, 0, 12},
    {"trang", HP_INT, 0, 1, 100000},
};

/* The stored statuses, in the order a filter offers them. */
static const char *const statuses[] = {"received",  "accepted", "answered",
                                       "forwarded", "refused",  "closed"};

/* The queue's header counts of one commune on one day, as computed at one data version. */
struct queue_counts {
    int64_t unit_id;  /* the commune */
    char today[11];   /* the day they were counted for */
    uint64_t version; /* http_data_version() then */
    int64_t open, soon, overdue;
};

/* Counts kept per connection: a commune's open cases are an index range of up to its whole
 * caseload, counted again only after a commit (or a new day). */
struct queue_counts_memo {
    struct queue_counts e[8]; /* the communes seen last, round robin */
    unsigned next;            /* the slot to reuse */
};

static const char counts_memo_key = 0;

static int queue_counts(struct http_request *r, int64_t unit_id, const char *today,
                        const char *soon, struct queue_counts *out)
{
    uint64_t v = http_data_version(r);
    struct queue_counts_memo *m = db_memo(r->db, &counts_memo_key);
    if (!m) {
        m = calloc(1, sizeof *m);
        if (!m)
            abort();
        db_memo_put(r->db, &counts_memo_key, m, free);
    }
    for (size_t i = 0; i < sizeof m->e / sizeof m->e[0]; i++) {
        struct queue_counts *c = &m->e[i];
        if (c->unit_id == unit_id && c->version == v && strcmp(c->today, today) == 0) {
            *out = *c;
            return 0;
        }
    }
    struct queue_counts c = {unit_id, "", v, 0, 0, 0};
    snprintf(c.today, sizeof c.today, "%s", today);
    int rc = fb_store_queue_counts(r->db, unit_id, today, soon, &c.open, &c.soon, &c.overdue);
    if (rc)
        return rc;
    m->e[m->next++ % (sizeof m->e / sizeof m->e[0])] = c;
    *out = c;
    return 0;
}

/* GET /quan-ly/y-kien/{code}?loc=open|overdue|all&loai=&trang= - feedback.view on the commune.
 * The queue: open cases, the one due first on top, with its deadline and state. */
static int page_queue(struct http_request *r, struct http_response *res)
{
    struct feedback_env *env = fb_env(r);
    struct unit u;
    int rc = commune_of(r, &u);
    if (rc)
        return rc;
    const char *filter = http_param(r, "loc");
    if (!filter || (strcmp(filter, "overdue") && strcmp(filter, "all")))
        filter = "open";
    /* tt: one status, shown on the "all" tab, in due order. */
    const char *status = http_param(r, "tt");
    const char *chosen_status = "";
    for (size_t i = 0; status && i < sizeof statuses / sizeof statuses[0]; i++)
        if (strcmp(status, statuses[i]) == 0)
            chosen_status = statuses[i];
    const char *query = filter;
    if (chosen_status[0]) {
        filter = "all";
        query = arena_printf(r->a, "status:%s", chosen_status);
    }
    const char *kind_key = http_param(r, "loai");
    int kind = kind_key && kind_key[0] ? fb_kind_parse(kind_key) : -1;
    int page = (int)http_param_int(r, "trang", 1);
    struct date today = fb_today();
    char t[11];
    date_format_iso(today, t);
    struct rows *rows;
    int64_t total;
    /* The header's counts first: the open and overdue lists' totals are among them. */
    const struct fb_rules *rules = fb_rules_for(env, today);
    struct queue_counts qc;
    struct date soon_day = today;
    if (rules && deadline_add(env->cal, today, rules->soon_days + 1, DAY_WORKING, &soon_day) != 0)
        soon_day = today;
    char s[11];
    date_format_iso(soon_day, s);
    if ((rc = queue_counts(r, u.id, t, s, &qc)) != 0)
        return rc;
    total = !strcmp(query, "overdue")            ? qc.overdue
            : !strcmp(query, "open") && kind < 0 ? qc.open
                                                 : -1;
    if ((rc = fb_store_queue(r->db, r->a, u.id, query, kind, t, page, PER_PAGE, &rows, &total)) !=
        0)
        return rc;
    /* What each row shows besides its columns: labels, the deadline as dd/mm/yyyy, and whether
     * it is past or close (the rules' soon_days; a row's full clocks are on its page). */
    int ck = rows_col(rows, "kind", 4), cs = rows_col(rows, "status", 6),
        cd = rows_col(rows, "due_on", 6), cr = rows_col(rows, "received_on", 11),
        cf = rows_col(rows, "field", 5), cc = rows_col(rows, "code", 4);
    size_t kl = rows_add_col(rows, "kind_label"), sl = rows_add_col(rows, "status_label"),
           dv = rows_add_col(rows, "due"), rv = rows_add_col(rows, "received"),
           lv = rows_add_col(rows, "late"), fv = rows_add_col(rows, "field_label");
    for (size_t i = 0; ck >= 0 && i < rows->n_rows; i++) {
        rows_set_text(rows_at(rows, i, kl),
                      fb_kind_label((enum fb_kind)rows_at(rows, i, (size_t)ck)->i));
        rows_set_text(rows_at(rows, i, sl),
                      fb_status_label(rows_text(rows_at(rows, i, (size_t)cs))));
        struct date d;
        const char *due = rows_text(rows_at(rows, i, (size_t)cd));
        if (due && due[0] && date_parse(due, &d) == 0) {
            char *v = arena_alloc(r->a, 11);
            date_format_vn(d, v);
            rows_set_text(rows_at(rows, i, dv), v);
            int left = working_days_between(env->cal, today, d);
            int late = date_cmp(d, today) < 0;
            rows_set_text(rows_at(rows, i, lv), late ? "Quá hạn"
                                                : rules && left >= 0 && left <= rules->soon_days
                                                    ? "Sắp đến hạn"
                                                    : "Trong hạn");
        } else {
            rows_set_text(rows_at(rows, i, dv), "");
            rows_set_bool(rows_at(rows, i, lv), 0);
        }
        const char *rec = rows_text(rows_at(rows, i, (size_t)cr));
        if (rec && date_parse(rec, &d) == 0) {
            char *v = arena_alloc(r->a, 11);
            date_format_vn(d, v);
            rows_set_text(rows_at(rows, i, rv), v);
        }
        const char *f = rows_text(rows_at(rows, i, (size_t)cf));
        if (f && f[0])
            rows_set_text(rows_at(rows, i, fv), fb_field_label(env, f));
        else
            rows_set_bool(rows_at(rows, i, fv), 0);
        rows_set_text(rows_at(rows, i, (size_t)cc),
                      fb_code_display(r->a, rows_text(rows_at(rows, i, (size_t)cc))));
    }
    res->model = json_object();
    http_model_rows(res, "cases", rows);
    json_object_set_new(res->model, "unit", json_pack("{s:s,s:s}", "code", u.code, "name", u.name));
    json_object_set_new(res->model, "total", json_integer(total));
    int64_t open = qc.open, soon = qc.soon, overdue = qc.overdue;
    json_object_set_new(res->model, "counts",
                        json_pack("{s:I,s:I,s:I}", "open", (json_int_t)open, "soon",
                                  (json_int_t)soon, "overdue", (json_int_t)overdue));
    json_object_set_new(res->model, "filter", json_string(filter));
    json_object_set_new(res->model, "is_open", json_boolean(!strcmp(filter, "open")));
    json_object_set_new(res->model, "is_overdue", json_boolean(!strcmp(filter, "overdue")));
    json_object_set_new(res->model, "is_all", json_boolean(!strcmp(filter, "all")));
    json_t *kinds = json_array();
    for (int k = 0; k < FB_N_KINDS; k++)
        json_array_append_new(kinds, json_pack("{s:s,s:s,s:b}", "key", fb_kind_key((enum fb_kind)k),
                                               "label", fb_kind_label((enum fb_kind)k), "selected",
                                               k == kind));
    json_object_set_new(res->model, "kinds", kinds);
    json_t *sts = json_array();
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        json_array_append_new(sts, json_pack("{s:s,s:s,s:b}", "key", statuses[i], "label",
                                             fb_status_label(statuses[i]), "selected",
                                             statuses[i] == chosen_status));
    json_object_set_new(res->model, "statuses", sts);
    json_object_set_new(
        res->model, "status_query",
        json_string(chosen_status[0] ? arena_printf(r->a, "&amp;tt=%s", chosen_status) : ""));
    int pages = (int)((total + PER_PAGE - 1) / PER_PAGE);
    json_object_set_new(res->model, "page", json_integer(page));
    json_object_set_new(res->model, "pages", json_integer(pages ? pages : 1));
    if (page > 1)
        json_object_set_new(res->model, "prev_page", json_integer(page - 1));
    if (page < pages)
        json_object_set_new(res->model, "next_page", json_integer(page + 1));
    json_object_set_new(res->model, "can_manage",
                        json_boolean(http_authorize(r, "feedback.manage", u.code) == 0));
    res->template = "feedback/queue";
    res->title = arena_printf(r->a, "Ý kiến, yêu cầu của Nhân dân – %s", u.name);
    return 0;
}

/* The case of the {id} capture, and its commune, for officials holding perm there. */
static int case_for(struct http_request *r, const char *perm, struct fb_case *c, struct unit *u)
{
    int64_t id;
    if (parse_int64(str_c(http_arg(r, "id")), 1, INT64_MAX, &id) != 0)
        return ERR_NOT_FOUND;
    int rc = fb_store_get(r->db, r->a, id, c);
    if (rc)
        return rc;
    if ((rc = units_get_id(r->db, c->unit_id, u)) != 0)
        return rc;
    return http_authorize(r, perm, u->code);
}

static const char *vn(struct arena *a, struct date d)
{
    if (!d.y)
        return "";
    char *s = arena_alloc(a, 11);
    date_format_vn(d, s);
    return s;
}

/* Which actions the page offers, given the case and its clocks. */
static void actions_json(struct http_request *r, const struct fb_case *c,
                         const struct fb_status *st, json_t *model)
{
    static const struct {
        enum fb_action a;
        const char *key;
    } acts[] = {
        {FB_ACT_CLASSIFY, "classify"}, {FB_ACT_ASSIGN, "assign"},   {FB_ACT_ACCEPT, "accept"},
        {FB_ACT_REFUSE, "refuse"},     {FB_ACT_FORWARD, "forward"}, {FB_ACT_NOTIFY, "notify"},
        {FB_ACT_EXTEND, "extend"},     {FB_ACT_ANSWER, "answer"},   {FB_ACT_SEND, "send"},
        {FB_ACT_PUBLISH, "publish"},   {FB_ACT_CLOSE, "close"},     {FB_ACT_REOPEN, "reopen"},
        {FB_ACT_SPLIT, "split"},
    };
    json_t *can = json_object();
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++) {
        /* A placeholder text and file so that only the case's state decides here. */
        struct fb_act probe = {.action = acts[i].a, .text = "x", .title = "x"};
        json_object_set_new(can, acts[i].key, json_boolean(!fb_act_refusal(c, st, &probe)));
    }
    json_object_set_new(model, "can", can);
    (void)r;
}

/* Officials of the commune (or above) who may be given the case: those holding
 * feedback.manage with keys (a sealed case can only go to someone it can be sealed to). */
static int assignable(struct http_request *r, const struct unit *u, struct auth_key_holder *out,
                      size_t max, size_t *n)
{
    int64_t units[8];
    size_t nu = 0;
    int rc = units_ancestors(r->db, u->id, units, 8, &nu);
    if (rc)
        return rc;
    return auth_key_holders_perm(r->db, units, nu, "feedback.manage", out, max, n);
}

/* What the page shows of a sealed case: who holds its key (names only), whether the viewer is
 * one of them, its sealed scans (names only), and the officials it may be reassigned to. */
static int sealed_model(struct http_request *r, const struct fb_case *c, const struct unit *u,
                        json_t *model)
{
    struct auth_key_holder people[32];
    size_t n = 0;
    int rc = assignable(r, u, people, 32, &n);
    if (rc)
        return rc;
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list,
                              json_pack("{s:I,s:s,s:b}", "id", (json_int_t)people[i].account_id,
                                        "name", people[i].display_name, "selected",
                                        people[i].account_id == c->assignee_id));
    json_object_set_new(model, "officials", list);
    if (c->kind != FB_DENUNCIATION)
        return 0;
    json_t *holders, *scans;
    if ((rc = fb_store_case_holders_json(r->db, c->id, &holders)) != 0)
        return rc;
    int is_holder = 0;
    size_t i;
    json_t *h;
    json_array_foreach(holders, i, h)
    {
        is_holder |= r->user && json_integer_value(json_object_get(h, "id")) == r->user->id;
    }
    json_object_set_new(model, "holders", holders);
    json_object_set_new(model, "is_holder", json_boolean(is_holder));
    if ((rc = fb_store_sealed_files_json(r->db, c->id, &scans)) != 0)
        return rc;
    json_object_set_new(model, "scans", scans);
    return 0;
}

/* The case page's view-model. */
static int case_model(struct http_request *r, struct http_response *res, const struct fb_case *c,
                      const struct unit *u)
{
    struct feedback_env *env = fb_env(r);
    struct fb_status st;
    int rc = fb_case_status(env, c, fb_today(), &st);
    if (rc)
        return rc;
    if (!res->model)
        res->model = json_object();
    json_t *j =
        json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)c->id, "code",
                  fb_code_display(r->a, c->code), "kind", fb_kind_key(c->kind), "kind_label",
                  fb_kind_label(c->kind), "channel_label", fb_channel_label(c->channel), "title",
                  c->title, "body", c->body, "status", c->status, "status_label",
                  fb_status_label(c->status), "received", vn(r->a, c->received_on));
    json_object_set_new(j, "field", json_string(c->field));
    /* Optional texts are left out when empty, so that the page shows no empty line. */
    if (c->field[0])
        json_object_set_new(j, "field_label", json_string(fb_field_label(env, c->field)));
    if (c->place[0])
        json_object_set_new(j, "place", json_string(c->place));
    if (c->has_position)
        json_object_set_new(
            j, "position",
            json_pack("{s:s,s:s}", "text", arena_printf(r->a, "%.5f, %.5f", c->lat, c->lon), "map",
                      arena_printf(r->a,
                                   "https://www.openstreetmap.org/?mlat=%.5f&mlon=%.5f#map=18/"
                                   "%.5f/%.5f",
                                   c->lat, c->lon, c->lat, c->lon)));
    json_object_set_new(j, "complexity", json_integer(c->complexity));
    json_object_set_new(j, "remote", json_boolean(c->remote));
    json_object_set_new(j, "multi_site", json_boolean(c->multi_site));
    json_object_set_new(j, "anonymous", json_boolean(c->anonymous));
    json_object_set_new(j, "sealed", json_boolean(c->kind == FB_DENUNCIATION));
    /* The person: to the officials who handle the case only (Decree 13/2023: the inspection
     * board and the council supervise the handling, not the people); never for a
     * denunciation, whose identity is kept sealed. */
    int manage = http_authorize(r, "feedback.manage", u->code) == 0;
    if (c->kind != FB_DENUNCIATION && manage) {
        json_t *p = json_object();
        const char *const pv[][2] = {
            {"name", c->name}, {"phone", c->phone}, {"email", c->email}, {"address", c->address}};
        for (size_t k = 0; k < 4; k++)
            if (pv[k][1] && pv[k][1][0])
                json_object_set_new(p, pv[k][0], json_string(pv[k][1]));
        json_object_set_new(j, "person", p);
    }
    json_object_set_new(j, "answer", json_string(c->answer));
    if (c->answered_on.y)
        json_object_set_new(j, "answered", json_string(vn(r->a, c->answered_on)));
    if (c->forwarded_to[0])
        json_object_set_new(j, "forwarded_to", json_string(c->forwarded_to));
    json_object_set_new(j, "reason", json_string(c->reason));
    if (c->section[0])
        json_object_set_new(j, "section", json_string(c->section));
    json_object_set_new(j, "extensions", json_integer(c->extensions));
    json_object_set_new(j, "extended", json_boolean(c->extensions > 0));
    json_object_set_new(j, "confirmed_fixed", json_boolean(c->confirmed > 0));
    json_object_set_new(j, "confirmed_not_fixed", json_boolean(c->confirmed < 0));
    json_object_set_new(j, "tracking_url",
                        json_string(arena_printf(r->a, "/theo-doi/%s", c->code)));
    if (c->village_id) {
        struct unit v;
        if (units_get_id(r->db, c->village_id, &v) == 0)
            json_object_set_new(j, "village", json_string(v.name));
    }
    if (c->parent_id)
        json_object_set_new(
            j, "parent_url",
            json_string(arena_printf(r->a, "/quan-ly/y-kien/ho-so/%lld", (long long)c->parent_id)));
    json_object_set_new(res->model, "case", j);
    json_object_set_new(res->model, "unit",
                        json_pack("{s:s,s:s}", "code", u->code, "name", u->name));
    json_object_set_new(res->model, "status", fb_status_json(&st));
    json_t *events, *files;
    if ((rc = fb_store_events_json(r->db, c, 0, &events)) != 0)
        return rc;
    size_t i;
    json_t *e;
    fb_events_decorate(events);
    json_object_set_new(res->model, "events", events);
    if ((rc = fb_store_files_json(r->db, c->id, &files)) != 0)
        return rc;
    json_array_foreach(files, i, e)
    {
        const char *purpose = json_string_value(json_object_get(e, "purpose"));
        json_object_set_new(e, "purpose_label",
                            json_string(!strcmp(purpose, "photo")    ? "ảnh người gửi"
                                        : !strcmp(purpose, "answer") ? "văn bản trả lời"
                                                                     : "bản quét"));
        json_object_set_new(
            e, "url",
            json_string(arena_printf(r->a, "/quan-ly/y-kien/ho-so/%lld/tep/%lld", (long long)c->id,
                                     (long long)json_integer_value(json_object_get(e, "id")))));
    }
    json_object_set_new(res->model, "files", files);
    json_object_set_new(res->model, "can_manage", json_boolean(manage));
    if ((rc = sealed_model(r, c, u, res->model)) != 0)
        return rc;
    actions_json(r, c, &st, res->model);
    json_t *kinds = json_array();
    for (int k = 0; k < FB_N_KINDS; k++)
        json_array_append_new(kinds, json_pack("{s:s,s:s,s:b}", "key", fb_kind_key((enum fb_kind)k),
                                               "label", fb_kind_label((enum fb_kind)k), "selected",
                                               k == (int)c->kind));
    json_object_set_new(res->model, "kinds", kinds);
    static const char *const levels[] = {"Đơn giản", "Phức tạp", "Đặc biệt phức tạp"};
    json_t *cx = json_array();
    for (int k = 0; k < 3; k++)
        json_array_append_new(cx, json_pack("{s:i,s:s,s:b}", "value", k, "label", levels[k],
                                            "selected", k == (int)c->complexity));
    json_object_set_new(res->model, "complexities", cx);
    json_t *fields = json_array();
    for (size_t k = 0; k < env->n_fields; k++)
        json_array_append_new(fields, json_pack("{s:s,s:s,s:b}", "key", env->fields[k].key, "label",
                                                env->fields[k].label, "selected",
                                                !strcmp(env->fields[k].key, c->field)));
    json_object_set_new(res->model, "fields", fields);
    json_t *f = json_object_get(res->model, "form");
    if (!f) {
        f = json_object();
        json_object_set_new(res->model, "form", f);
    }
    static const char *const form_keys[] = {"noi_dung", "ly_do", "co_quan", "ngay", "bo_phan"};
    for (size_t k = 0; k < sizeof form_keys / sizeof form_keys[0]; k++)
        if (!json_object_get(f, form_keys[k]))
            json_object_set_new(f, form_keys[k], json_string(""));
    if (!json_string_value(json_object_get(f, "bo_phan"))[0])
        json_object_set_new(f, "bo_phan", json_string(c->section));
    /* Publishing as a question and answer: an answered phản ánh or kiến nghị. */
    int qa_ok = (c->kind == FB_FEEDBACK || c->kind == FB_RECOMMENDATION) &&
                strcmp(c->status, "answered") == 0;
    json_object_set_new(res->model, "can_qa", json_boolean(qa_ok));
    json_object_set_new(res->model, "qa_published", json_boolean(c->qa_published_at != 0));
    if (!json_object_get(res->model, "qa_form"))
        json_object_set_new(res->model, "qa_form",
                            json_pack("{s:s,s:s}", "question",
                                      c->qa_question[0]
                                          ? c->qa_question
                                          : arena_printf(r->a, "%s\n\n%s", c->title, c->body),
                                      "answer", c->qa_answer[0] ? c->qa_answer : c->answer));
    json_object_set_new(res->model, "list_url",
                        json_string(arena_printf(r->a, "/quan-ly/y-kien/%s", u->code)));
    res->template = "feedback/case";
    res->title =
        arena_printf(r->a, "%s %s", fb_kind_label(c->kind), fb_code_display(r->a, c->code));
    return 0;
}

int fb_case_page(struct http_request *r, struct http_response *res, const struct fb_case *c,
                 const struct unit *u)
{
    return case_model(r, res, c, u);
}

/* GET /quan-ly/y-kien/ho-so/{id} - feedback.view on the case's commune. */
static int page_case(struct http_request *r, struct http_response *res)
{
    struct fb_case c;
    struct unit u;
    int rc = case_for(r, "feedback.view", &c, &u);
    if (rc)
        return rc;
    return case_model(r, res, &c, &u);
}

static const struct http_param_spec act_params[] = {
    {"noi_dung", HP_LINES, 0, 0, 20000}, {"ly_do", HP_TEXT, 0, 0, 1000},
    {"co_quan", HP_TEXT, 0, 0, 300},     {"ngay", HP_TEXT, 0, 0, 10},
    {"loai", HP_TEXT, 0, 0, 20},         {"linh_vuc", HP_TEXT, 0, 0, 32},
    {"phuc_tap", HP_INT, 0, 0, 2},       {"vung_kho_khan", HP_TEXT, 0, 0, 2},
    {"nhieu_noi", HP_TEXT, 0, 0, 2},     {"bo_phan", HP_TEXT, 0, 0, 200},
    {"tep", HP_FILE, 0, 0, 0},           {"nguoi_xu_ly", HP_INT, 0, 1, INT64_MAX},
    {"mat_khau", HP_TEXT, 0, 0, 1024},   {"tieu_de", HP_TEXT, 0, 0, 200},
};

static int run_act(struct db *db, void *arg)
{
    return fb_store_act(db, arg);
}

/* The action's text from its form: the answer, the reason, or the body forwarded to. */
static const char *act_text(struct http_request *r, enum fb_action a)
{
    const char *name = a == FB_ACT_ANSWER || a == FB_ACT_SPLIT ? "noi_dung"
                       : a == FB_ACT_FORWARD                   ? "co_quan"
                                                               : "ly_do";
    const char *v = http_param(r, name);
    return str_dup(r->a, str_trim(str_c(v ? v : "")));
}

static int after_act(struct http_request *r, struct http_response *res, int rc)
{
    struct fb_act *act = r->state;
    sodium_memzero(act->key, sizeof act->key);
    if (rc == 0 && act->action == FB_ACT_SPLIT) {
        res->redirect = arena_printf(r->a, "/quan-ly/y-kien/ho-so/%lld", (long long)act->new_id);
        res->flash = arena_printf(r->a, "Đã tách thành đơn mới, mã %s.",
                                  fb_code_display(r->a, act->new_code));
        return 0;
    }
    if (rc == 0) {
        res->redirect = arena_printf(r->a, "/quan-ly/y-kien/ho-so/%lld", (long long)act->case_id);
        res->flash = "Đã ghi nhận.";
        return 0;
    }
    if (rc != ERR_CONFLICT)
        return rc;
    /* Someone changed the case meanwhile: the page as it is now, with why. */
    struct fb_case c;
    struct unit u;
    if ((rc = case_for(r, "feedback.view", &c, &u)) != 0)
        return rc;
    res->model = json_object();
    http_form_error(res, "form",
                    "Hồ sơ vừa được người khác cập nhật; thao tác này không còn phù "
                    "hợp. Vui lòng xem lại.");
    return case_model(r, res, &c, &u);
}

/* Every action's handler: the case, the form, the refusal (if any) with the page and what was
 * typed, else the deferred write. */
static int act(struct http_request *r, struct http_response *res, enum fb_action action)
{
    struct feedback_env *env = fb_env(r);
    struct fb_case c;
    struct unit u;
    int rc = case_for(r, "feedback.manage", &c, &u);
    if (rc)
        return rc;
    struct fb_act *a = arena_zalloc(r->a, sizeof *a);
    r->state = a;
    a->action = action;
    a->actor = r->user->id;
    a->case_id = c.id;
    a->env = env;
    a->text = act_text(r, action);
    res->model = json_object();
    const char *day = http_param(r, "ngay");
    const char *error = NULL;
    if (day && day[0] && date_parse(day, &a->on) != 0)
        error = "Ngày phải có dạng dd/mm/yyyy.";
    if (action == FB_ACT_CLASSIFY) {
        a->set = c;
        const char *k = http_param(r, "loai");
        int kind = k ? fb_kind_parse(k) : (int)c.kind;
        if (kind < 0)
            error = "Loại không hợp lệ.";
        else
            a->set.kind = (enum fb_kind)kind;
        const char *f = http_param(r, "linh_vuc");
        a->set.field = "";
        for (size_t i = 0; f && i < env->n_fields; i++)
            if (!strcmp(env->fields[i].key, f))
                a->set.field = env->fields[i].key;
        a->set.complexity = (enum fb_complexity)http_param_int(r, "phuc_tap", 0);
        const char *rem = http_param(r, "vung_kho_khan"), *multi = http_param(r, "nhieu_noi");
        a->set.remote = rem && rem[0];
        a->set.multi_site = multi && multi[0];
    } else if (action == FB_ACT_ASSIGN) {
        const char *sec = http_param(r, "bo_phan");
        a->set.section = str_dup(r->a, str_trim(str_c(sec ? sec : "")));
        int64_t to = http_param_int(r, "nguoi_xu_ly", r->user->id);
        struct auth_key_holder people[32];
        size_t n = 0;
        if ((rc = assignable(r, &u, people, 32, &n)) != 0)
            return rc;
        int known = 0;
        for (size_t i = 0; i < n; i++)
            known |= people[i].account_id == to;
        if (!known && (c.kind == FB_DENUNCIATION || to != r->user->id))
            error = "Người được giao phải là cán bộ có thẩm quyền xử lý của đơn vị.";
        a->set.assignee_id = to;
        if (!error && c.kind == FB_DENUNCIATION && to != c.assignee_id) {
            /* Resealing needs the case key: the acting holder opens it with their password. */
            rc = fb_case_key_open(r->db, c.id, r->user->id, http_param(r, "mat_khau"), a->key);
            if (rc == ERR_UNAUTH)
                error = "Mật khẩu không đúng.";
            else if (rc == ERR_FORBIDDEN)
                error = "Bạn không giữ khóa của hồ sơ tố cáo này nên không thể giao lại.";
            else if (rc)
                return rc;
            else
                a->has_key = 1;
        }
    } else if (action == FB_ACT_SPLIT) {
        const char *k = http_param(r, "loai");
        int kind = k ? fb_kind_parse(k) : -1;
        if (kind < 0)
            error = "Vui lòng chọn loại của phần tách ra.";
        a->set.kind = kind < 0 ? FB_FEEDBACK : (enum fb_kind)kind;
        const char *f = http_param(r, "linh_vuc");
        a->set.field = NULL;
        for (size_t i = 0; f && i < env->n_fields; i++)
            if (!strcmp(env->fields[i].key, f))
                a->set.field = env->fields[i].key;
        const char *t = http_param(r, "tieu_de");
        a->title = str_dup(r->a, str_trim(str_c(t ? t : "")));
    } else if (action == FB_ACT_ANSWER) {
        const struct http_param *p = http_file(r, "tep");
        if (p && p->value.len) {
            struct export_upload up;
            const char *uerr;
            if (export_upload_accept(r->a, p->filename.ptr, p->filename.len, p->value.ptr,
                                     p->value.len, EXPORT_DOCUMENTS, FB_MAX_FILE, &up, &uerr))
                error = uerr;
            else
                a->file = (struct fb_file_in){up.name, up.mime, up.data, up.len};
        }
    }
    struct fb_status st;
    if (!error && (rc = fb_case_status(env, &c, a->on.y ? a->on : fb_today(), &st)) != 0)
        return rc;
    if (!error)
        error = fb_act_refusal(&c, &st, a);
    if (error) {
        http_form_error(res, "form", error);
        json_t *f = json_object();
        static const char *const keep[] = {"noi_dung", "ly_do", "co_quan", "ngay", "bo_phan"};
        for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
            const char *v = http_param(r, keep[i]);
            json_object_set_new(f, keep[i], json_string(v ? v : ""));
        }
        json_object_set_new(res->model, "form", f);
        return case_model(r, res, &c, &u);
    }
    json_decref(res->model);
    res->model = NULL;
    http_defer_write(r, run_act, a);
    return HTTP_DEFERRED;
}

/* POST /quan-ly/y-kien/ho-so/{id}/... - feedback.manage on the case's commune. ngay (dd/mm/yyyy,
 * optional) is the day it happened when recorded later (not before receipt, not ahead). */
static int post_classify(struct http_request *r, struct http_response *res)
{
    return act(r, res, FB_ACT_CLASSIFY); /* loai, linh_vuc, phuc_tap, vung_kho_khan, nhieu_noi */
}
static int post_assign(struct http_request *r, struct http_response *res)
{
    return act(r, res, FB_ACT_ASSIGN); /* bo_phan */
}
static int post_accept(struct http_request *r, struct http_response *res)
{
    return act(r, res, FB_ACT_ACCEPT);
}
static int post_refuse(struct http_request *r, struct http_response *res)
{
    return act(r, res, FB_ACT_REFUSE); /* ly_do */
}
static int post_forward(struct http_request *r, struct http_response *res)
{
    return act(r, res, FB_ACT_FORWARD); /* co_quan */
}
static int post_notify(struct http_request *r, struct http_response *res)
{
    return act(r, res, FB_ACT_NOTIFY);
}
static int post_extend(struct http_request *r, struct http_response *res)
{
    return act(r, res, FB_ACT_EXTEND); /* ly_do */
}
static int post_answer(struct http_request *r, struct http_response *res)
{
    return act(r, res, FB_ACT_ANSWER); /* noi_dung, tep */
}
static int post_send(struct http_request *r, struct http_response *res)
{
    return act(r, res, FB_ACT_SEND);
}
static int post_publish(struct http_request *r, struct http_response *res)
{
    return act(r, res, FB_ACT_PUBLISH);
}
static int post_close(struct http_request *r, struct http_response *res)
{
    return act(r, res, FB_ACT_CLOSE); /* ly_do */
}
static int post_reopen(struct http_request *r, struct http_response *res)
{
    return act(r, res, FB_ACT_REOPEN); /* ly_do */
}
static int post_split(struct http_request *r, struct http_response *res)
{
    return act(r, res, FB_ACT_SPLIT); /* loai, linh_vuc, tieu_de, noi_dung */
}

/* A look at a denouncer's identity or a sealed scan: opened in the request's thread, shown only
 * once its audit row is durable. */
struct reveal {
    int64_t case_id;        /* the case */
    int64_t unit_id;        /* its commune */
    int64_t actor;          /* who looks */
    int64_t file_id;        /* a sealed scan, or 0: the identity */
    struct fb_identity who; /* opened identity (request arena) */
    struct fb_file_in file; /* opened scan (request arena) */
};

static const struct http_param_spec reveal_params[] = {
    {"mat_khau", HP_TEXT, 0, 0, 1024},
};

static int run_reveal(struct db *db, void *arg)
{
    struct reveal *v = arg;
    char obj[48], detail[48] = "";
    snprintf(obj, sizeof obj, "case:%lld", (long long)v->case_id);
    if (v->file_id)
        snprintf(detail, sizeof detail, "file:%lld", (long long)v->file_id);
    return audit_append(db, v->actor, v->unit_id, v->file_id ? "case.reveal_file" : "case.reveal",
                        obj, detail);
}

/* Opens what a reveal asks for, or fills the page with why not (ERR_INVALID then). */
static int reveal_open(struct http_request *r, struct http_response *res, struct reveal *v,
                       const struct fb_case *c, const struct unit *u)
{
    unsigned char key[FB_CASE_KEY];
    int rc = fb_case_key_open(r->db, c->id, r->user->id, http_param(r, "mat_khau"), key);
    if (rc == ERR_UNAUTH || rc == ERR_FORBIDDEN) {
        res->model = json_object();
        http_form_error(res, "reveal",
                        rc == ERR_UNAUTH
                            ? "Mật khẩu không đúng."
                            : "Bạn không giữ khóa của hồ sơ tố cáo này nên không thể xem danh "
                              "tính người tố cáo.");
        if (rc == ERR_FORBIDDEN)
            res->status = 403;
        int status = res->status;
        if ((rc = case_model(r, res, c, u)) != 0)
            return rc;
        res->status = status;
        return ERR_INVALID;
    }
    if (rc)
        return rc;
    rc = v->file_id ? fb_sealed_file_open(r->db, r->a, c->id, v->file_id, key, &v->file)
                    : fb_identity_open(r->db, r->a, c->id, key, &v->who);
    sodium_memzero(key, sizeof key);
    return rc;
}

static int reveal_start(struct http_request *r, struct http_response *res, int64_t file_id)
{
    struct fb_case c;
    struct unit u;
    int rc = case_for(r, "feedback.manage", &c, &u);
    if (rc)
        return rc;
    if (c.kind != FB_DENUNCIATION)
        return ERR_NOT_FOUND;
    struct reveal *v = arena_zalloc(r->a, sizeof *v);
    r->state = v;
    v->case_id = c.id;
    v->unit_id = c.unit_id;
    v->actor = r->user->id;
    v->file_id = file_id;
    rc = reveal_open(r, res, v, &c, &u);
    if (rc == ERR_INVALID && res->model)
        return 0; /* the page with why */
    if (rc)
        return rc;
    http_defer_write(r, run_reveal, v);
    return HTTP_DEFERRED;
}

/* Never kept by a browser or a proxy. */
static void no_store(struct http_response *res)
{
    if (res->n_headers < sizeof res->headers / sizeof res->headers[0])
        res->headers[res->n_headers++] = (struct http_header){"Cache-Control", "no-store"};
}

static int after_reveal(struct http_request *r, struct http_response *res, int rc)
{
    struct reveal *v = r->state;
    if (rc)
        return rc;
    struct fb_case c;
    struct unit u;
    if ((rc = case_for(r, "feedback.manage", &c, &u)) != 0)
        return rc;
    res->model = json_object();
    if ((rc = case_model(r, res, &c, &u)) != 0)
        return rc;
    json_object_set_new(res->model, "revealed",
                        json_pack("{s:s,s:s,s:s,s:s}", "name", v->who.name, "address",
                                  v->who.address, "phone", v->who.phone, "email", v->who.email));
    no_store(res);
    return 0;
}

/* POST /quan-ly/y-kien/ho-so/{id}/danh-tinh - feedback.manage and a holder of the case's key
 * (mat_khau: their password opens it). The denouncer's identity, shown once, audited. */
static int post_reveal(struct http_request *r, struct http_response *res)
{
    return reveal_start(r, res, 0);
}

static int after_reveal_file(struct http_request *r, struct http_response *res, int rc)
{
    struct reveal *v = r->state;
    if (rc)
        return rc;
    buf_init(&res->body, r->a);
    buf_append(&res->body, v->file.data, v->file.len);
    res->content_type = v->file.mime;
    res->filename = v->file.name;
    no_store(res);
    return 0;
}

/* POST /quan-ly/y-kien/ho-so/{id}/danh-tinh/tep/{fid} - as above: one sealed scan of the signed
 * letter, decrypted, audited. */
static int post_reveal_file(struct http_request *r, struct http_response *res)
{
    int64_t fid;
    if (parse_int64(str_c(http_arg(r, "fid")), 1, INT64_MAX, &fid) != 0)
        return ERR_NOT_FOUND;
    return reveal_start(r, res, fid);
}

/* GET /quan-ly/y-kien/ho-so/{id}/tep/{fid} - feedback.view. A photo or the answer's document. */
static int get_file(struct http_request *r, struct http_response *res)
{
    struct fb_case c;
    struct unit u;
    int rc = case_for(r, "feedback.view", &c, &u);
    if (rc)
        return rc;
    int64_t fid;
    if (parse_int64(str_c(http_arg(r, "fid")), 1, INT64_MAX, &fid) != 0)
        return ERR_NOT_FOUND;
    const char *name, *mime, *purpose;
    const void *data;
    size_t len;
    if ((rc = fb_store_file_get(r->db, r->a, c.id, fid, &name, &mime, &data, &len, &purpose)))
        return rc;
    buf_init(&res->body, r->a);
    buf_append(&res->body, data, len);
    res->content_type = mime;
    res->filename = name;
    return 0;
}

static const struct http_param_spec record_params[] = {
    {"loai", HP_TEXT, 0, 0, 20},      {"kenh", HP_TEXT, 0, 0, 12},
    {"ngay_nhan", HP_TEXT, 0, 0, 10}, {"linh_vuc", HP_TEXT, 0, 0, 32},
    {"tieu_de", HP_TEXT, 0, 0, 200},  {"noi_dung", HP_LINES, 0, 0, 10000},
    {"ho_ten", HP_TEXT, 0, 0, 120},   {"dien_thoai", HP_TEXT, 0, 0, 20},
    {"email", HP_TEXT, 0, 0, 200},    {"dia_chi", HP_TEXT, 0, 0, 300},
    {"an_danh", HP_TEXT, 0, 0, 2},    {"phuc_tap", HP_INT, 0, 0, 2},
};
static const char *const record_fields[] = {"loai",    "kenh",     "ngay_nhan", "linh_vuc",
                                            "tieu_de", "noi_dung", "ho_ten",    "dien_thoai",
                                            "email",   "dia_chi",  "an_danh"};

static int record_form(struct http_request *r, struct http_response *res, const struct unit *u)
{
    struct feedback_env *env = fb_env(r);
    json_t *f = json_object_get(res->model, "form");
    if (!f) {
        f = json_object();
        json_object_set_new(res->model, "form", f);
    }
    for (size_t i = 0; i < sizeof record_fields / sizeof record_fields[0]; i++)
        if (!json_object_get(f, record_fields[i]))
            json_object_set_new(f, record_fields[i], json_string(""));
    if (!json_string_value(json_object_get(f, "ngay_nhan"))[0])
        json_object_set_new(f, "ngay_nhan", json_string(vn(r->a, fb_today())));
    const char *kind = json_string_value(json_object_get(f, "loai"));
    const char *chan = json_string_value(json_object_get(f, "kenh"));
    json_t *kinds = json_array();
    for (int k = 0; k < FB_N_KINDS; k++) {
        json_array_append_new(kinds, json_pack("{s:s,s:s,s:b}", "key", fb_kind_key((enum fb_kind)k),
                                               "label", fb_kind_label((enum fb_kind)k), "selected",
                                               !strcmp(kind, fb_kind_key((enum fb_kind)k))));
    }
    json_object_set_new(res->model, "kinds", kinds);
    json_t *chans = json_array();
    for (int k = 0; k < FB_N_CHANNELS; k++)
        json_array_append_new(chans,
                              json_pack("{s:s,s:s,s:b}", "key", fb_channel_key((enum fb_channel)k),
                                        "label", fb_channel_label((enum fb_channel)k), "selected",
                                        !strcmp(chan, fb_channel_key((enum fb_channel)k))));
    json_object_set_new(res->model, "channels", chans);
    json_t *fields = json_array();
    const char *field = json_string_value(json_object_get(f, "linh_vuc"));
    for (size_t i = 0; i < env->n_fields; i++)
        json_array_append_new(fields, json_pack("{s:s,s:s,s:b}", "key", env->fields[i].key, "label",
                                                env->fields[i].label, "selected",
                                                !strcmp(field, env->fields[i].key)));
    json_object_set_new(res->model, "fields", fields);
    json_object_set_new(res->model, "unit",
                        json_pack("{s:s,s:s}", "code", u->code, "name", u->name));
    res->template = "feedback/record";
    res->title = "Nhập ý kiến, yêu cầu nhận trực tiếp hoặc qua bưu chính";
    return 0;
}

/* GET /quan-ly/y-kien/{code}/moi - feedback.manage. The form for a request received on paper. */
static int page_record(struct http_request *r, struct http_response *res)
{
    struct unit u;
    int rc = commune_of(r, &u);
    if (rc)
        return rc;
    res->model = json_object();
    return record_form(r, res, &u);
}

static int run_create(struct db *db, void *arg)
{
    return fb_store_create(db, arg);
}

static int after_record(struct http_request *r, struct http_response *res, int rc)
{
    struct fb_new *n = r->state;
    if (rc)
        return rc;
    res->redirect = arena_printf(r->a, "/quan-ly/y-kien/ho-so/%lld", (long long)n->c.id);
    res->flash = arena_printf(r->a, "Đã nhập. Mã theo dõi %s: hãy ghi vào giấy biên nhận.",
                              fb_code_display(r->a, n->code));
    return 0;
}

/* POST /quan-ly/y-kien/{code} - feedback.manage. A request received in person, by post or by
 * phone: its kind, channel and real date of receipt (the clocks count from it), the person. */
static int post_record(struct http_request *r, struct http_response *res)
{
    struct feedback_env *env = fb_env(r);
    struct unit u;
    int rc = commune_of(r, &u);
    if (rc)
        return rc;
    res->model = json_object();
    struct fb_new *n = arena_zalloc(r->a, sizeof *n);
    r->state = n;
    n->env = env;
    n->actor = r->user->id;
    struct fb_case *c = &n->c;
    c->unit_id = u.id;
    int bad = 0;
    const char *v;
#define P(name) (str_dup(r->a, str_trim(str_c((v = http_param(r, name)) ? v : ""))))
    int kind = fb_kind_parse(P("loai"));
    if (kind < 0) {
        http_form_error(res, "loai", "Vui lòng chọn loại.");
        bad = 1;
    }
    c->kind = kind < 0 ? FB_FEEDBACK : (enum fb_kind)kind;
    int chan = fb_channel_parse(P("kenh"));
    if (chan < 0) {
        http_form_error(res, "kenh", "Vui lòng chọn hình thức tiếp nhận.");
        bad = 1;
    }
    c->channel = chan < 0 ? FB_IN_PERSON : (enum fb_channel)chan;
    struct date rec;
    if (date_parse(P("ngay_nhan"), &rec) != 0 || date_cmp(rec, fb_today()) > 0) {
        http_form_error(res, "ngay_nhan",
                        "Ngày nhận phải có dạng dd/mm/yyyy và không ở tương lai.");
        bad = 1;
    } else if (!calendar_has_year(env->cal, rec.y)) {
        http_form_error(res, "ngay_nhan", "Chưa có lịch ngày nghỉ của năm này để tính hạn.");
        bad = 1;
    } else {
        c->received_on = rec;
        c->received_at = (int64_t)time(NULL);
    }
    c->title = P("tieu_de");
    c->body = P("noi_dung");
    if (!c->title[0]) {
        http_form_error(res, "tieu_de", "Vui lòng ghi tóm tắt nội dung.");
        bad = 1;
    }
    if (!c->body[0])
        c->body = c->title;
    const char *field = P("linh_vuc");
    c->field = "";
    for (size_t i = 0; i < env->n_fields; i++)
        if (!strcmp(env->fields[i].key, field))
            c->field = env->fields[i].key;
    c->name = P("ho_ten");
    c->phone = P("dien_thoai");
    c->email = P("email");
    c->address = P("dia_chi");
    c->anonymous = P("an_danh")[0] && (c->kind == FB_FEEDBACK || c->kind == FB_RECOMMENDATION);
    c->complexity = (enum fb_complexity)http_param_int(r, "phuc_tap", 0);
    if (!c->anonymous && !c->name[0]) {
        http_form_error(res, "ho_ten", "Vui lòng ghi họ tên người gửi (hoặc ẩn danh nếu được).");
        bad = 1;
    }
    if (c->kind == FB_DENUNCIATION) {
        /* Entered from the reception register: sealed like one sent online, and the recording
         * official holds its key too. */
        if (!c->address[0]) {
            http_form_error(res, "dia_chi", "Vui lòng ghi địa chỉ của người tố cáo.");
            bad = 1;
        }
        if (!bad && fb_seal_ready(r->db) != 0) {
            http_form_error(res, "loai",
                            "Chưa có khóa khôi phục (danchu init) nên chưa thể nhập "
                            "tố cáo.");
            bad = 1;
        }
        n->sealed = 1;
        n->who = (struct fb_identity){c->name, c->address, c->phone, c->email};
    }
#undef P
    if (bad) {
        json_t *f = json_object();
        for (size_t i = 0; i < sizeof record_fields / sizeof record_fields[0]; i++) {
            v = http_param(r, record_fields[i]);
            json_object_set_new(f, record_fields[i], json_string(v ? v : ""));
        }
        json_object_set_new(res->model, "form", f);
        return record_form(r, res, &u);
    }
    json_decref(res->model);
    res->model = NULL;
    http_defer_write(r, run_create, n);
    return HTTP_DEFERRED;
}

/* GET /quan-ly/y-kien - signed in. The queue of the account's own commune (the menu links
 * here). */
static int go_home_queue(struct http_request *r, struct http_response *res)
{
    const struct auth_user *au = r->user ? r->user->ext : NULL;
    struct unit home, c;
    if (!au || !au->unit_id || units_get_id(r->db, au->unit_id, &home) != 0 ||
        units_commune_of(r->db, home.id, &c) != 0)
        return ERR_NOT_FOUND;
    res->redirect = arena_printf(r->a, "/quan-ly/y-kien/%s", c.code);
    return 0;
}

#define N(x) (sizeof(x) / sizeof((x)[0]))
#define ACT_MAX (FB_MAX_FILE + (1u << 20))
#define ACTION(path, fn)                                                                           \
    {                                                                                              \
        "POST", "/quan-ly/y-kien/ho-so/{id}/" path, fn, after_act, NULL, NULL,                     \
            HTTP_LOGIN | HTTP_MULTIPART, act_params, N(act_params), ACT_MAX                        \
    }

const struct http_route fb_admin_routes[] = {
    {"GET", "/quan-ly/y-kien", go_home_queue, NULL, NULL, NULL, HTTP_LOGIN, NULL, 0, 0},
    {"GET", "/quan-ly/y-kien/{code}", page_queue, NULL, "feedback.view", "code", 0, queue_params,
     N(queue_params), 0},
    {"GET", "/quan-ly/y-kien/{code}/moi", page_record, NULL, "feedback.manage", "code", 0, NULL, 0,
     0},
    {"POST", "/quan-ly/y-kien/{code}", post_record, after_record, "feedback.manage", "code", 0,
     record_params, N(record_params), 0},
    {"GET", "/quan-ly/y-kien/ho-so/{id}", page_case, NULL, NULL, NULL, HTTP_LOGIN, NULL, 0, 0},
    {"GET", "/quan-ly/y-kien/ho-so/{id}/tep/{fid}", get_file, NULL, NULL, NULL,
     HTTP_LOGIN | HTTP_RAW, NULL, 0, 0},
    {"POST", "/quan-ly/y-kien/ho-so/{id}/danh-tinh", post_reveal, after_reveal, NULL, NULL,
     HTTP_LOGIN, reveal_params, N(reveal_params), 0},
    {"POST", "/quan-ly/y-kien/ho-so/{id}/danh-tinh/tep/{fid}", post_reveal_file, after_reveal_file,
     NULL, NULL, HTTP_LOGIN | HTTP_RAW, reveal_params, N(reveal_params), 0},
    ACTION("phan-loai", post_classify),
    ACTION("giao", post_assign),
    ACTION("thu-ly", post_accept),
    ACTION("tu-choi", post_refuse),
    ACTION("chuyen", post_forward),
    ACTION("thong-bao", post_notify),
    ACTION("gia-han", post_extend),
    ACTION("tra-loi", post_answer),
    ACTION("gui-quyet-dinh", post_send),
    ACTION("cong-khai", post_publish),
    ACTION("dong", post_close),
    ACTION("mo-lai", post_reopen),
    ACTION("tach", post_split),
};
const size_t fb_admin_n_routes = N(fb_admin_routes);

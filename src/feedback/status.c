/*
 * status.c - the rules of rules.c applied to a stored case: its facts, its clocks today, its next
 * deadline (cases.due_on), which actions make sense now, and the labels and tracking codes the
 * pages show.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "feedback/internal.h"

struct date fb_today(void)
{
    return date_vn_from_time(time(NULL));
}

const struct fb_rules *fb_rules_for(const struct feedback_env *env, struct date received)
{
    const struct fb_rules *r = fb_rules_at(env->rules, received);
    /* A case received before the first version (old paper cases entered later) takes it. */
    return r ? r : (env->rules->n_versions ? &env->rules->versions[0] : NULL);
}

void fb_facts_of(const struct fb_case *c, struct fb_facts *f)
{
    memset(f, 0, sizeof *f);
    f->kind = c->kind;
    f->channel = c->channel;
    f->complexity = c->complexity;
    f->remote = c->remote;
    f->multi_site = c->multi_site;
    f->received = c->received_on;
    f->not_competent = c->not_competent;
    f->forwarded = c->forwarded_on.y != 0;
    f->forwarded_on = c->forwarded_on;
    f->accepted = c->accepted_on.y != 0;
    f->accepted_on = c->accepted_on;
    f->refused = c->refused_on.y != 0;
    f->refused_on = c->refused_on;
    f->notified = c->notified_on.y != 0;
    f->notified_on = c->notified_on;
    f->extensions = c->extensions;
    f->answered = c->answered_on.y != 0;
    f->answered_on = c->answered_on;
    f->sent = c->sent_on.y != 0;
    f->sent_on = c->sent_on;
    f->published = c->published_on.y != 0;
    f->published_on = c->published_on;
    f->closed = c->closed_on.y != 0;
}

int fb_case_status(const struct feedback_env *env, const struct fb_case *c, struct date today,
                   struct fb_status *out)
{
    const struct fb_rules *r = fb_rules_for(env, c->received_on);
    if (!r)
        return ERR_INVALID;
    struct fb_facts f;
    fb_facts_of(c, &f);
    return fb_evaluate(r, env->cal, &f, today, out);
}

void fb_due_on(const struct feedback_env *env, const struct fb_case *c, char out[11])
{
    struct fb_status st;
    out[0] = '\0';
    /* Evaluated at the day of receipt: which clock runs next does not depend on today, only
     * whether it is late. */
    if (fb_case_status(env, c, c->received_on, &st) == 0 && st.next >= 0)
        date_format_iso(st.next_due, out);
}

static int is_open(const struct fb_case *c)
{
    return strcmp(c->status, "received") == 0 || strcmp(c->status, "accepted") == 0;
}

const char *fb_act_refusal(const struct fb_case *c, const struct fb_status *st,
                           const struct fb_act *act)
{
    int done = strcmp(c->status, "closed") == 0 || strcmp(c->status, "forwarded") == 0 ||
               strcmp(c->status, "refused") == 0;
    int two_step = c->kind == FB_COMPLAINT || c->kind == FB_DENUNCIATION;
    if (act->on.y && date_cmp(act->on, c->received_on) < 0)
        return "Ngày ghi nhận không thể trước ngày tiếp nhận.";
    if (act->on.y && date_cmp(act->on, fb_today()) > 0)
        return "Ngày ghi nhận không thể ở tương lai.";
    switch (act->action) {
    case FB_ACT_CLASSIFY:
    case FB_ACT_ASSIGN:
        return done ? "Hồ sơ đã kết thúc, không thể thay đổi." : NULL;
    case FB_ACT_ACCEPT:
        if (!is_open(c) || c->accepted_on.y)
            return "Chỉ thụ lý hồ sơ mới tiếp nhận.";
        return NULL;
    case FB_ACT_REFUSE:
    case FB_ACT_FORWARD:
        if (!is_open(c))
            return "Hồ sơ đã được trả lời hoặc đã kết thúc.";
        if (act->text == NULL || !act->text[0])
            return act->action == FB_ACT_REFUSE ? "Vui lòng ghi rõ lý do."
                                                : "Vui lòng ghi rõ cơ quan nhận đơn chuyển.";
        return NULL;
    case FB_ACT_NOTIFY:
        if (c->kind != FB_DENUNCIATION || !c->accepted_on.y || c->notified_on.y)
            return "Chỉ thông báo thụ lý tố cáo đã thụ lý.";
        return NULL;
    case FB_ACT_EXTEND:
        if (!st->can_extend)
            return "Hồ sơ này không được gia hạn thêm theo quy định.";
        if (act->text == NULL || !act->text[0])
            return "Vui lòng ghi rõ lý do gia hạn (gia hạn phải bằng văn bản).";
        return NULL;
    case FB_ACT_ANSWER:
        if (!is_open(c))
            return "Hồ sơ đã được trả lời hoặc đã kết thúc.";
        if (two_step && !c->accepted_on.y)
            return "Cần thụ lý trước khi ban hành quyết định hoặc kết luận.";
        if ((act->text == NULL || !act->text[0]) && !act->file.len)
            return "Vui lòng nhập nội dung trả lời hoặc đính kèm văn bản.";
        return NULL;
    case FB_ACT_SEND:
        if (c->kind != FB_COMPLAINT || !c->answered_on.y || c->sent_on.y)
            return "Chỉ gửi quyết định giải quyết khiếu nại đã ban hành.";
        return NULL;
    case FB_ACT_PUBLISH:
        if (c->kind != FB_DENUNCIATION || !c->answered_on.y || c->published_on.y)
            return "Chỉ công khai kết luận tố cáo đã ban hành.";
        return NULL;
    case FB_ACT_CLOSE:
        if (done)
            return "Hồ sơ đã kết thúc.";
        if (act->text == NULL || !act->text[0])
            return "Vui lòng ghi rõ lý do đóng hồ sơ.";
        return NULL;
    case FB_ACT_CONFIRM:
        if (strcmp(c->status, "answered") != 0 || c->confirmed)
            return "Chỉ xác nhận một lần, sau khi đã có trả lời.";
        return NULL;
    case FB_ACT_REOPEN:
        if (is_open(c))
            return "Hồ sơ đang được xử lý.";
        if (act->text == NULL || !act->text[0])
            return "Vui lòng ghi rõ lý do mở lại hồ sơ.";
        return NULL;
    case FB_ACT_SPLIT:
        if (!is_open(c))
            return "Chỉ tách đơn đang được xử lý.";
        if (c->kind == FB_DENUNCIATION)
            return "Đơn tố cáo đã được mã hóa: phần còn lại nhập thành đơn mới tại Bộ phận tiếp "
                   "công dân.";
        if (act->title == NULL || !act->title[0])
            return "Vui lòng ghi nội dung chính của phần tách ra.";
        if (act->set.kind == FB_DENUNCIATION && !c->name[0])
            return "Phần tố cáo cần họ tên, địa chỉ người tố cáo: đơn này không có.";
        return NULL;
    }
    return "Thao tác không hợp lệ.";
}

static const char *const clock_keys[FB_N_CLOCKS] = {"accept",  "forward", "notify", "answer",
                                                    "resolve", "send",    "publish"};
static const char *const state_keys[] = {"na",      "waiting", "running", "soon",
                                         "overdue", "met",     "met_late"};

json_t *fb_status_json(const struct fb_status *st)
{
    json_t *clocks = json_array();
    for (int c = 0; c < FB_N_CLOCKS; c++) {
        const struct fb_clock_status *cs = &st->clk[c];
        if (cs->state == FB_NOT_APPLICABLE)
            continue;
        json_t *o =
            json_pack("{s:s,s:s,s:s,s:s,s:i}", "clock", clock_keys[c], "label",
                      fb_clock_label((enum fb_clock)c), "state", state_keys[cs->state],
                      "state_label", fb_clock_state_label(cs->state), "days_left", cs->days_left);
        char d[11] = "";
        if (cs->due.y)
            date_format_vn(cs->due, d);
        json_object_set_new(o, "due", json_string(d)); /* "" until the clock starts */
        json_object_set_new(o, "late",
                            json_boolean(cs->state == FB_OVERDUE || cs->state == FB_MET_LATE));
        json_object_set_new(o, "soon", json_boolean(cs->state == FB_SOON));
        json_array_append_new(clocks, o);
    }
    json_t *j = json_pack("{s:b,s:o,s:b,s:b}", "has_clocks", json_array_size(clocks) > 0, "clocks",
                          clocks, "overdue", st->overdue, "can_extend", st->can_extend);
    if (st->next >= 0) {
        char d[11];
        date_format_vn(st->next_due, d);
        json_object_set_new(j, "next",
                            json_pack("{s:s,s:s,s:s,s:i}", "label",
                                      fb_clock_label((enum fb_clock)st->next), "due", d, "state",
                                      state_keys[st->clk[st->next].state], "days_left",
                                      st->clk[st->next].days_left));
    }
    return j;
}

const char *fb_status_label(const char *status)
{
    static const char *const labels[][2] = {
        {"received", "Đã tiếp nhận"},           {"accepted", "Đang giải quyết"},
        {"answered", "Đã trả lời, giải quyết"}, {"forwarded", "Đã chuyển cơ quan có thẩm quyền"},
        {"refused", "Không thụ lý, có lý do"},  {"closed", "Đã đóng"},
    };
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(labels[i][0], status) == 0)
            return labels[i][1];
    return status;
}

const char *fb_event_label(const char *kind)
{
    static const char *const labels[][2] = {
        {"received", "Tiếp nhận"},
        {"classified", "Phân loại"},
        {"assigned", "Giao xử lý"},
        {"accepted", "Thụ lý"},
        {"refused", "Không thụ lý (có lý do)"},
        {"forwarded", "Chuyển cơ quan có thẩm quyền"},
        {"notified", "Thông báo thụ lý"},
        {"extended", "Gia hạn"},
        {"answered", "Trả lời, giải quyết"},
        {"sent", "Gửi quyết định"},
        {"published", "Công khai kết luận"},
        {"closed", "Đóng hồ sơ"},
        {"confirmed", "Người gửi xác nhận"},
        {"reopened", "Mở lại thành hồ sơ mới"},
        {"qa_published", "Đăng lên mục Hỏi đáp"},
        {"reopened_by", "Mở lại hồ sơ"},
        {"split", "Tách thành đơn mới"},
        {"split_from", "Tách từ đơn"},
        {"qa_withdrawn", "Gỡ khỏi mục Hỏi đáp"},
    };
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (kind && strcmp(labels[i][0], kind) == 0)
            return labels[i][1];
    return kind ? kind : "";
}

const char *fb_field_label(const struct feedback_env *env, const char *key)
{
    for (size_t i = 0; i < env->n_fields; i++)
        if (strcmp(env->fields[i].key, key) == 0)
            return env->fields[i].label;
    return key;
}

/*
 * Tracking codes: 12 characters of an alphabet without look-alikes (0/O, 1/I/L). The first four
 * count tenths of a second (modulo 31^4, a cycle of about 25.6 hours): public, and only there so
 * that codes made together sit together in the index. Fully random codes landed anywhere in the
 * index, so each batch of new cases dirtied a page per case and the write rate fell by two
 * fifths. The other eight are random (31^8, about 2^39.6), and wrong codes are limited per
 * address (public.c), so a code cannot be found by trying. Codes of 10 random characters made
 * before still work.
 */
static const char code_alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

void fb_code_new(char out[FB_CODE_SIZE])
{
    const unsigned n = sizeof code_alphabet - 1, limit = 256 / n * n;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t slot =
        ((uint64_t)ts.tv_sec * 10 + (uint64_t)ts.tv_nsec / 100000000) % ((uint64_t)n * n * n * n);
    for (int k = 3; k >= 0; k--) {
        out[k] = code_alphabet[slot % n];
        slot /= n;
    }
    /* Uniform over the alphabet by rejection: a byte below the largest multiple of its size
     * (31 * 8 = 248) picks a letter. One call for 32 bytes, not one per letter: this runs on the
     * writer thread for every case, and each call is a getrandom system call. */
    unsigned char b[32];
    int k = 4;
    while (k < FB_CODE_LEN) {
        randombytes_buf(b, sizeof b);
        for (size_t i = 0; i < sizeof b && k < FB_CODE_LEN; i++)
            if (b[i] < limit)
                out[k++] = code_alphabet[b[i] % n];
    }
    out[FB_CODE_LEN] = '\0';
    sodium_memzero(b, sizeof b);
}

const char *fb_code_display(struct arena *a, const char *code)
{
    size_t n = strlen(code);
    if (n == FB_CODE_LEN)
        return arena_printf(a, "%.4s-%.4s-%.4s", code, code + 4, code + 8);
    if (n == 10) /* made before 12-character codes */
        return arena_printf(a, "%.4s-%.4s-%.2s", code, code + 4, code + 8);
    return code;
}

const char *fb_code_normal(struct arena *a, const char *typed)
{
    if (!typed)
        return NULL;
    char *out = arena_alloc(a, FB_CODE_SIZE);
    size_t k = 0;
    for (const char *p = typed; *p; p++) {
        char ch = *p;
        if (ch == '-' || ch == ' ' || ch == '.')
            continue;
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        if (!strchr(code_alphabet, ch) || k == FB_CODE_LEN)
            return NULL;
        out[k++] = ch;
    }
    if (k != FB_CODE_LEN && k != 10)
        return NULL;
    out[k] = '\0';
    return out;
}

void fb_events_decorate(json_t *events)
{
    size_t i;
    json_t *e;
    json_array_foreach(events, i, e)
    {
        int64_t at = json_integer_value(json_object_get(e, "at"));
        char when[20], day[11] = "";
        units_format_time(at, when);
        struct date d, rec = date_vn_from_time((time_t)at);
        const char *iso = json_string_value(json_object_get(e, "day"));
        if (iso && date_parse(iso, &d) == 0)
            date_format_vn(d, day);
        else
            d = rec;
        if (!day[0])
            date_format_vn(rec, day);
        json_object_set_new(e, "when", json_string(when));
        json_object_set_new(e, "public",
                            json_boolean(json_integer_value(json_object_get(e, "public")) != 0));
        json_object_set_new(e, "day_vn", json_string(day));
        /* Recorded on a later day than it happened (a paper request, a signed answer). */
        json_object_set_new(e, "recorded_later", json_boolean(date_cmp(d, rec) != 0));
        json_object_set_new(
            e, "label", json_string(fb_event_label(json_string_value(json_object_get(e, "kind")))));
        /* Empty texts are left out of the line rather than printed as "()" or ": ". */
        static const char *const optional[] = {"actor", "detail"};
        for (size_t k = 0; k < 2; k++) {
            const char *v = json_string_value(json_object_get(e, optional[k]));
            if (!v || !v[0])
                json_object_set_new(e, optional[k], json_false());
        }
    }
}

int fb_position_parse(const char *typed, double *lat, double *lon)
{
    char *end;
    double la = strtod(typed, &end);
    if (end == typed)
        return ERR_INVALID;
    while (*end == ' ' || *end == ',' || *end == ';')
        end++;
    const char *second = end;
    double lo = strtod(second, &end);
    if (end == second)
        return ERR_INVALID;
    while (*end == ' ')
        end++;
    /* Within Viet Nam and its islands, so that swapped or mistyped numbers are caught. */
    if (*end || !(la >= 8.0 && la <= 24.0) || !(lo >= 102.0 && lo <= 118.0))
        return ERR_INVALID;
    *lat = la;
    *lon = lo;
    return 0;
}

const char *fb_phone_of(struct arena *a, const char *typed)
{
    char *out = arena_alloc(a, strlen(typed) + 1);
    size_t k = 0, digits = 0;
    for (const char *p = typed; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            out[k++] = *p;
            digits++;
        } else if (*p == '+' && k == 0) {
            out[k++] = *p;
        } else if (*p != ' ' && *p != '.' && *p != '-') {
            return NULL;
        }
    }
    out[k] = '\0';
    return digits >= 9 && digits <= 12 ? out : NULL;
}

int fb_email_ok(const char *s)
{
    const char *at = strchr(s, '@');
    return at && at != s && strchr(at + 1, '.') && !strchr(at + 1, '@') && !strpbrk(s, " <>\"\r\n");
}

enum fb_outcome fb_outcome_of(const struct fb_status *st)
{
    int late = 0, met = 0, running = 0;
    for (int c = 0; c < FB_N_CLOCKS; c++) {
        enum fb_clock_state s = st->clk[c].state;
        late |= s == FB_MET_LATE;
        met |= s == FB_MET;
        running |= s == FB_RUNNING || s == FB_SOON || s == FB_WAITING;
    }
    if (st->overdue)
        return FB_OUT_OVERDUE;
    if (running)
        return FB_OUT_OPEN;
    if (late)
        return FB_OUT_LATE;
    if (met)
        return FB_OUT_ON_TIME;
    return FB_OUT_NONE;
}

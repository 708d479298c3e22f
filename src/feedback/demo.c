/*
 * demo.c - realistic demo cases: `make demo` gives each commune residents' requests in every
 * state an official meets - phản ánh answered on time and late, confirmed fixed and reopened,
 * kiến nghị waiting, requests for information answered or refused, complaints accepted, decided
 * and sent, a denunciation extended - sent by the households of the commune's own roll, about
 * its own villages, received over the 60 days before today.
 *
 * Each case follows a script of steps (an action and the working days after the previous step);
 * a step that would fall after today is not taken, so the case stays open with its clock
 * running, and scripts whose steps come late make the overdue and late answers. One generator
 * seeded from the caller's seed and the commune code makes a build reproducible. The cases are
 * written in the caller's transaction, through the same store functions the pages use.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/rng.h"
#include "feedback/internal.h"
#include "feedback/rating.h"
#include "feedback/reception.h"

#define SPAN_DAYS 60 /* cases received over this many days before today */
#define N_ELEMS(x) (sizeof(x) / sizeof((x)[0]))

/* What a resident wrote: {v} is the village's name, {x} "xã" or "phường". */
struct text {
    const char *field; /* field key */
    const char *title;
    const char *body;
    const char *answer; /* the commune's answer */
};

static const struct text feedbacks[] = {
    {"ha_tang", "Đường bê tông {v} bị sụt lún, có ổ gà lớn",
     "Đoạn đường bê tông từ nhà văn hóa {v} ra đường liên xã bị sụt lún khoảng 20 m, có nhiều ổ "
     "gà sâu, trời mưa đọng nước, xe máy đi lại rất nguy hiểm. Đề nghị {x} kiểm tra, sửa chữa.",
     "Ủy ban nhân dân đã giao bộ phận địa chính - xây dựng kiểm tra hiện trường; đoạn đường đã "
     "được vá ổ gà và san lấp lại. Việc làm lại mặt đường được đưa vào kế hoạch sửa chữa năm sau."},
    {"moi_truong", "Rác thải đổ trộm ven kênh {v}",
     "Nhiều ngày nay có người đổ rác sinh hoạt và xà bần dọc bờ kênh phía sau {v}, bốc mùi hôi, "
     "ruồi muỗi nhiều. Đề nghị {x} thu dọn và có biện pháp ngăn chặn.",
     "Đã phối hợp tổ thu gom rác dọn sạch bờ kênh, cắm biển cấm đổ rác và giao Trưởng thôn "
     "nhắc nhở các hộ; lực lượng công an sẽ kiểm tra, xử lý người vi phạm."},
    {"ha_tang", "Đèn đường {v} hỏng nhiều ngày",
     "Năm bóng đèn chiếu sáng trên trục đường chính {v} không sáng đã hơn hai tuần, buổi tối "
     "rất tối, học sinh đi học thêm về không an toàn.",
     "Đơn vị quản lý điện chiếu sáng đã thay 5 bóng đèn hỏng. Cảm ơn bà con đã phản ánh."},
    {"trat_tu_xay_dung", "Hộ dân xây dựng lấn chiếm hành lang đường {v}",
     "Một hộ gia đình ở {v} đang xây tường rào lấn ra hành lang đường khoảng 1 m, làm hẹp lối đi "
     "chung. Đề nghị {x} kiểm tra.",
     "Tổ kiểm tra trật tự xây dựng đã lập biên bản, yêu cầu hộ gia đình tự tháo dỡ phần tường "
     "lấn chiếm; hộ đã cam kết tháo dỡ trong 10 ngày."},
    {"an_ninh", "Thanh niên tụ tập gây ồn ào ban đêm ở {v}",
     "Gần đây thường có nhóm thanh niên tụ tập uống rượu, nẹt pô xe máy sau 23 giờ ở khu vực "
     "sân bóng {v}, ảnh hưởng giấc ngủ của người dân.",
     "Công an đã tăng cường tuần tra khu vực sân bóng vào ban đêm, mời các thanh niên liên quan "
     "lên làm việc và nhắc nhở gia đình."},
    {"moi_truong", "Trại chăn nuôi xả nước thải ra mương {v}",
     "Trại lợn gần {v} xả nước thải chưa xử lý ra mương tưới tiêu, nước đen và hôi, ảnh hưởng "
     "ruộng lúa của nhiều hộ.",
     "Đã kiểm tra, lập biên bản và yêu cầu chủ trại nạo vét, xây bể lắng; sẽ kiểm tra lại sau "
     "30 ngày."},
    {"ha_tang", "Cống thoát nước {v} bị tắc gây ngập",
     "Cống thoát nước đầu ngõ {v} bị tắc, mỗi trận mưa nước ngập vào nhà dân.",
     "Đã thuê đơn vị nạo vét cống; cống đã thông."},
    {"y_te", "Trạm y tế ít khi có bác sĩ trực buổi trưa",
     "Người dân {v} đưa con đi khám buổi trưa thường không gặp bác sĩ, phải chờ lâu.",
     "Trạm y tế đã bố trí lịch trực trưa và niêm yết số điện thoại trực 24/24."},
};

static const struct text recommendations[] = {
    {"ha_tang", "Đề nghị lắp thêm đèn chiếu sáng ngõ xóm {v}",
     "Ngõ xóm {v} dài khoảng 400 m chưa có đèn chiếu sáng. Bà con sẵn sàng đóng góp ngày công; "
     "đề nghị {x} hỗ trợ cột và bóng đèn.",
     "Ủy ban nhân dân ghi nhận và đưa việc lắp đèn ngõ xóm {v} vào danh mục công trình Nhân "
     "dân bàn, quyết định năm tới."},
    {"giao_duc", "Kiến nghị bố trí người hướng dẫn sang đường trước cổng trường",
     "Giờ tan học, đường trước cổng trường tiểu học rất đông xe. Kiến nghị bố trí lực lượng "
     "hướng dẫn học sinh sang đường.",
     "Đã phối hợp nhà trường và công an bố trí người hướng dẫn giờ tan học từ tuần sau."},
    {"thu_tuc", "Kiến nghị nhận hồ sơ chứng thực vào sáng thứ Bảy",
     "Nhiều người đi làm công ty không thể đến Ủy ban trong giờ hành chính. Kiến nghị nhận hồ sơ "
     "chứng thực vào sáng thứ Bảy.",
     "Bộ phận một cửa sẽ nhận hồ sơ sáng thứ Bảy hằng tuần từ tháng tới."},
    {"an_sinh", "Đề nghị xem xét lại danh sách hộ cận nghèo {v}",
     "Một số hộ ở {v} có hoàn cảnh khó khăn nhưng chưa có tên trong danh sách hộ cận nghèo năm "
     "nay. Đề nghị rà soát lại.",
     "Đã giao công chức lao động - thương binh và xã hội phối hợp Trưởng thôn rà soát; kết quả "
     "được bình xét công khai tại hội nghị thôn."},
};

static const struct text info_requests[] = {
    {"dat_dai", "Xin cung cấp quy hoạch sử dụng đất khu vực {v}",
     "Tôi đề nghị được cung cấp bản đồ quy hoạch sử dụng đất đến năm 2030 phần thuộc {v} để "
     "biết thửa đất của gia đình có nằm trong quy hoạch không.",
     "Gửi kèm trích bản đồ quy hoạch sử dụng đất khu vực {v} theo quyết định đã được phê duyệt."},
    {"an_sinh", "Đề nghị cung cấp danh sách hộ được hỗ trợ sau bão",
     "Đề nghị cung cấp danh sách các hộ ở {v} được hỗ trợ khắc phục thiệt hại sau bão và mức "
     "hỗ trợ từng hộ.",
     "Danh sách đã được niêm yết tại nhà văn hóa {v}; gửi kèm bản sao danh sách."},
    {"ha_tang", "Xin thông tin dự toán công trình đường {v}",
     "Đề nghị cung cấp dự toán và nguồn vốn công trình bê tông hóa đường {v} đang thi công.",
     "Gửi kèm quyết định phê duyệt dự toán và kế hoạch vốn của công trình."},
};

static const struct text complaints[] = {
    {"dat_dai", "Khiếu nại việc xác định diện tích đất ở khi cấp giấy chứng nhận",
     "Tôi khiếu nại việc công chức địa chính xác định diện tích đất ở của gia đình tôi tại {v} "
     "ít hơn so với hồ sơ đo đạc năm 2005, làm thiệt hại quyền lợi của gia đình.",
     "Quyết định giải quyết khiếu nại lần đầu: công nhận một phần nội dung khiếu nại; giao công "
     "chức địa chính đo đạc lại và điều chỉnh hồ sơ."},
    {"an_sinh", "Khiếu nại việc không được xét trợ cấp xã hội",
     "Mẹ tôi 81 tuổi, sống tại {v}, đã nộp hồ sơ trợ cấp xã hội nhưng bị trả lại mà không nêu "
     "lý do. Tôi khiếu nại việc trả hồ sơ này.",
     "Quyết định giải quyết khiếu nại: hồ sơ đủ điều kiện; Ủy ban nhân dân đã ban hành quyết định "
     "hưởng trợ cấp từ tháng này."},
    {"trat_tu_xay_dung", "Khiếu nại quyết định xử phạt vi phạm hành chính về xây dựng",
     "Tôi không đồng ý với quyết định xử phạt việc sửa chữa nhà ở tại {v} vì công trình chỉ sửa "
     "mái, không phải xin phép.",
     "Quyết định giải quyết khiếu nại: giữ nguyên quyết định xử phạt vì công trình có thay đổi "
     "kết cấu chịu lực."},
};

static const struct text denunciations[] = {
    {"dat_dai", "Tố cáo cán bộ địa chính nhận tiền khi làm hồ sơ đất",
     "Tố cáo một cán bộ bộ phận địa chính nhận tiền của người dân {v} để làm nhanh hồ sơ chuyển "
     "mục đích sử dụng đất.",
     "Kết luận nội dung tố cáo: tố cáo đúng một phần; đã xử lý kỷ luật khiển trách cán bộ vi "
     "phạm."},
};

/* One step of a script: an action, taken this many working days after the previous step. */
struct step {
    enum fb_action action;
    int wd;
};

/* A script: the kind, how many days ago the case came (a range), its channel, its steps. */
struct script {
    enum fb_kind kind;
    enum fb_channel channel;
    int ago_min, ago_max; /* days before today it was received */
    int complexity;       /* as classed */
    struct step steps[6];
    int n_steps;
    int confirm; /* after the answer, the resident: 1 fixed, -1 not fixed, 0 silent */
};

#define S(a, n)                                                                                    \
    {                                                                                              \
        FB_ACT_##a, n                                                                              \
    }
static const struct script scripts[] = {
    /* phản ánh: answered on time and confirmed; answered late; reopened; still open; overdue;
     * forwarded; closed as a duplicate */
    {FB_FEEDBACK, FB_ONLINE, 15, 55, 0, {S(ASSIGN, 1), S(ANSWER, 6)}, 2, 1},
    {FB_FEEDBACK, FB_ONLINE, 20, 55, 0, {S(ASSIGN, 2), S(ANSWER, 13)}, 2, 0},
    {FB_FEEDBACK, FB_PHONE, 20, 50, 0, {S(ASSIGN, 1), S(ANSWER, 8)}, 2, -1},
    {FB_FEEDBACK, FB_ONLINE, 0, 6, 0, {S(ASSIGN, 1), S(ANSWER, 30)}, 2, 0},
    {FB_FEEDBACK, FB_IN_PERSON, 18, 30, 0, {S(ASSIGN, 2), S(ANSWER, 40)}, 2, 0},
    {FB_FEEDBACK, FB_ONLINE, 5, 25, 0, {S(FORWARD, 3)}, 1, 0},
    {FB_FEEDBACK, FB_ONLINE, 3, 40, 0, {S(CLOSE, 1)}, 1, 0},
    /* kiến nghị: answered; waiting; soon due */
    {FB_RECOMMENDATION, FB_POST, 20, 55, 0, {S(ASSIGN, 1), S(ANSWER, 9)}, 2, 1},
    {FB_RECOMMENDATION, FB_ONLINE, 1, 5, 0, {S(ASSIGN, 1), S(ANSWER, 30)}, 2, 0},
    {FB_RECOMMENDATION, FB_ONLINE, 11, 13, 0, {S(ASSIGN, 1), S(ANSWER, 40)}, 2, 0},
    /* information: answered at once; refused with reasons; open */
    {FB_INFO_REQUEST, FB_ONLINE, 10, 55, 0, {S(ANSWER, 2)}, 1, 0},
    {FB_INFO_REQUEST, FB_IN_PERSON, 10, 40, 1, {S(ANSWER, 12)}, 1, 0},
    {FB_INFO_REQUEST, FB_ONLINE, 0, 2, 0, {S(ANSWER, 30)}, 1, 0},
    /* khiếu nại: accepted, decided, sent; accepted and running; waiting to be accepted; refused */
    {FB_COMPLAINT, FB_IN_PERSON, 45, 59, 0, {S(ACCEPT, 5), S(ANSWER, 20), S(SEND, 2)}, 3, 0},
    {FB_COMPLAINT, FB_POST, 12, 30, 1, {S(ACCEPT, 6), S(ANSWER, 60)}, 2, 0},
    {FB_COMPLAINT, FB_IN_PERSON, 0, 4, 0, {S(ACCEPT, 20)}, 1, 0},
    {FB_COMPLAINT, FB_POST, 8, 40, 0, {S(REFUSE, 4)}, 1, 0},
    /* tố cáo: accepted, notified, extended; concluded and published */
    {FB_DENUNCIATION,
     FB_IN_PERSON,
     40,
     50,
     1,
     {S(ACCEPT, 5), S(NOTIFY, 2), S(EXTEND, 10), S(ANSWER, 40)},
     4,
     0},
};
#undef S

struct demo {
    struct db *db;
    const struct feedback_env *env;
    struct arena *a;    /* one case's texts, reset for the next */
    struct arena *keep; /* the people, for the whole build */
    struct rng rng;
    struct date today;
    int64_t actor;
    const char *kx; /* "xã", "phường" */
    struct unit commune;
    struct rows *people; /* households of the commune: representative, address, village */
    int cp, ca, cv, cvc; /* their columns */
};

static const char *fill(struct demo *d, const char *t, const char *village)
{
    struct buf b;
    buf_init(&b, d->a);
    for (const char *p = t; *p; p++) {
        if (p[0] == '{' && p[1] && p[2] == '}') {
            buf_puts(&b, p[1] == 'v' ? village : d->kx);
            p += 2;
        } else {
            buf_putc(&b, *p);
        }
    }
    buf_putc(&b, '\0');
    return b.ptr;
}

/* n working days after day (the calendar; weekdays when the year is missing). */
static struct date add_wd(const struct demo *d, struct date day, int n)
{
    struct date out;
    if (n == 0)
        return day;
    if (deadline_add(d->env->cal, day, n, DAY_WORKING, &out) == 0)
        return out;
    out = day;
    while (n > 0) {
        out = date_add_days(out, 1);
        if (date_weekday(out) < 5)
            n--;
    }
    return out;
}

static int act(struct demo *d, int64_t case_id, enum fb_action a, struct date on, const char *text,
               int confirmed, struct fb_act *out)
{
    struct fb_act *x = out;
    memset(x, 0, sizeof *x);
    x->action = a;
    x->actor = a == FB_ACT_CONFIRM ? 0 : d->actor;
    x->case_id = case_id;
    x->on = on;
    x->text = text;
    x->confirmed = confirmed;
    x->env = d->env;
    if (a == FB_ACT_ASSIGN)
        x->set.section = "Văn phòng HĐND và UBND";
    return fb_store_act(d->db, x);
}

static const char *step_text(struct demo *d, enum fb_action a, const struct text *t,
                             const char *village)
{
    switch (a) {
    case FB_ACT_ANSWER:
        return fill(d, t->answer, village);
    case FB_ACT_REFUSE:
        return "Không thụ lý: nội dung đã được giải quyết bằng quyết định có hiệu lực pháp luật; "
               "người khiếu nại không đưa ra tình tiết mới.";
    case FB_ACT_FORWARD:
        return "Công ty Điện lực tỉnh (nội dung thuộc thẩm quyền ngành điện)";
    case FB_ACT_CLOSE:
        return "Trùng nội dung với phản ánh đã tiếp nhận trước đó của cùng khu vực.";
    case FB_ACT_EXTEND:
        return "Vụ việc phức tạp, cần xác minh tại nhiều hồ sơ lưu trữ; gia hạn giải quyết theo "
               "Điều 30 Luật Tố cáo.";
    default:
        return "";
    }
}

static int build_case(struct demo *d, int i)
{
    const struct script *s = &scripts[i % (int)N_ELEMS(scripts)];
    const struct text *t;
    switch (s->kind) {
    case FB_FEEDBACK:
        t = &feedbacks[rnd(&d->rng, 0, (int)N_ELEMS(feedbacks) - 1)];
        break;
    case FB_RECOMMENDATION:
        t = &recommendations[rnd(&d->rng, 0, (int)N_ELEMS(recommendations) - 1)];
        break;
    case FB_INFO_REQUEST:
        t = &info_requests[rnd(&d->rng, 0, (int)N_ELEMS(info_requests) - 1)];
        break;
    case FB_COMPLAINT:
        t = &complaints[rnd(&d->rng, 0, (int)N_ELEMS(complaints) - 1)];
        break;
    default:
        t = &denunciations[0];
        break;
    }
    struct fb_new n;
    memset(&n, 0, sizeof n);
    n.env = d->env;
    struct fb_case *c = &n.c;
    c->unit_id = d->commune.id;
    c->kind = s->kind;
    c->channel = s->channel;
    c->complexity = (enum fb_complexity)s->complexity;
    c->field = t->field;
    const char *village = "khu dân cư";
    if (d->people->n_rows) {
        size_t row = (size_t)rnd(&d->rng, 0, (int)d->people->n_rows - 1);
        village = rows_text(rows_at(d->people, row, (size_t)d->cv));
        struct unit v;
        if (units_get(d->db, rows_text(rows_at(d->people, row, (size_t)d->cvc)), &v) == 0)
            c->village_id = v.id;
        /* Roughly one phản ánh in four without a name, as people do. */
        int anonymous =
            (s->kind == FB_FEEDBACK || s->kind == FB_RECOMMENDATION) && chance(&d->rng, 25);
        if (s->kind == FB_DENUNCIATION) {
            /* A denouncer's identity is only ever sealed (seal.c). */
            n.sealed = 1;
            n.who =
                (struct fb_identity){rows_text(rows_at(d->people, row, (size_t)d->cp)),
                                     rows_text(rows_at(d->people, row, (size_t)d->ca)),
                                     arena_printf(d->a, "09%08d", rnd(&d->rng, 0, 99999999)), ""};
        } else if (anonymous) {
            c->anonymous = 1;
        } else {
            c->name = rows_text(rows_at(d->people, row, (size_t)d->cp));
            c->address = rows_text(rows_at(d->people, row, (size_t)d->ca));
            c->phone = arena_printf(d->a, "09%08d", rnd(&d->rng, 0, 99999999));
        }
    }
    c->title = fill(d, t->title, village);
    c->body = fill(d, t->body, village);
    c->place = s->kind == FB_FEEDBACK ? village : "";
    int ago = rnd(&d->rng, s->ago_min, s->ago_max);
    struct date rec = date_add_days(d->today, -ago);
    /* Paper and in-person requests come on working days. */
    while (s->channel != FB_ONLINE && s->channel != FB_PHONE &&
           !calendar_is_working(d->env->cal, rec) && date_cmp(rec, d->today) < 0)
        rec = date_add_days(rec, 1);
    c->received_on = rec;
    c->received_at = date_to_days(rec) * 86400 + (8 + rnd(&d->rng, 0, 8)) * 3600 +
                     rnd(&d->rng, 0, 59) * 60 - 7 * 3600;
    if (c->received_at > (int64_t)time(NULL))
        c->received_at = (int64_t)time(NULL);
    n.actor = s->channel == FB_ONLINE ? 0 : d->actor;
    int rc = fb_store_create(d->db, &n);
    if (rc)
        return rc;
    struct date day = rec;
    struct fb_act x;
    for (int k = 0; k < s->n_steps; k++) {
        day = add_wd(d, day, s->steps[k].wd);
        if (date_cmp(day, d->today) > 0)
            return 0; /* not yet: the case stays open here */
        rc = act(d, c->id, s->steps[k].action, day, step_text(d, s->steps[k].action, t, village), 0,
                 &x);
        /* The rules refuse it on this day (holidays moved a deadline past it): the case stays
         * where it is, as a real one would. */
        if (rc == ERR_CONFLICT)
            return 0;
        if (rc)
            return rc;
    }
    if (s->confirm) {
        day = add_wd(d, day, 2);
        if (date_cmp(day, d->today) <= 0)
            rc = act(d, c->id, FB_ACT_CONFIRM, day, NULL, s->confirm, &x);
    }
    return rc;
}

int feedback_demo_build(struct db *db, const struct feedback_env *env, const char *commune_code,
                        int64_t actor, int n, unsigned seed, FILE *progress)
{
    if (n < 0 || !env->rules || !env->rules->n_versions)
        return ERR_INVALID;
    struct demo d;
    memset(&d, 0, sizeof d);
    d.db = db;
    d.env = env;
    d.actor = actor;
    d.today = fb_today();
    int rc = units_get_commune(db, commune_code, &d.commune);
    if (rc)
        return rc;
    d.kx = strcmp(d.commune.kind, "ward") == 0           ? "phường"
           : strcmp(d.commune.kind, "special_zone") == 0 ? "đặc khu"
                                                         : "xã";
    d.a = arena_new(0);
    d.keep = arena_new(0);
    rng_seed(&d.rng, ((uint64_t)seed << 32 | seed) ^ rng_hash(commune_code));
    json_t *model = json_object();
    rc = units_households_page(db, d.keep, &d.commune, NULL, 1, 300, model, &d.people);
    json_decref(model);
    if (rc == 0) {
        d.cp = rows_col(d.people, "representative", 14);
        d.ca = rows_col(d.people, "address", 7);
        d.cv = rows_col(d.people, "village", 7);
        d.cvc = rows_col(d.people, "village_code", 12);
        if (d.cp < 0 || d.ca < 0 || d.cv < 0 || d.cvc < 0)
            rc = ERR_INVALID;
    }
    for (int i = 0; rc == 0 && i < n; i++) {
        arena_reset(d.a); /* each case's texts; the people stay in d.keep */
        rc = build_case(&d, i);
        if (progress && (i + 1) % 10000 == 0)
            fprintf(progress, "demo: %d/%d cases (%s)\n", i + 1, n, commune_code);
    }
    arena_free(d.a);
    arena_free(d.keep);
    /* The commune's citizen reception: its weekly sessions, bookings and register. */
    if (rc == 0)
        rc = fb_reception_demo(db, env, commune_code, actor, seed);
    /* Its one-stop desks, their QR posters and a half-year of ratings. */
    if (rc == 0)
        rc = fb_rating_demo(db, env, commune_code, seed);
    return rc;
}

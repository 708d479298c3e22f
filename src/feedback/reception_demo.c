/*
 * reception_demo.c - citizen reception's demo (fb_reception_demo, called by the app's demo
 * through demo.c): a weekly plan of Thursday-morning sessions, a few bookings, and a register
 * of about twenty past entries, some turned into cases, their Art 28 notices mostly on time.
 * Written through the store (store_reception.c) in the caller's transaction.
 */
#include <string.h>

#include "core/rng.h"
#include "feedback/reception.h"

#define N(x) (sizeof(x) / sizeof((x)[0]))

/* What a visitor came about, and what the commune did; {v} is their village. */
struct demo_visit {
    const char *content;   /* what they said */
    const char *prior;     /* handled before? where? */
    const char *request;   /* what they asked */
    const char *handling;  /* guided received forwarded */
    const char *action;    /* what was done */
    int kinds[2];          /* the cases it became (-1: none; two for a mixed petition) */
    const char *titles[2]; /* their titles */
    const char *field;     /* field key */
};

static const struct demo_visit visits[] = {
    {"Đề nghị xem xét cấp giấy chứng nhận quyền sử dụng đất cho thửa đất gia đình sử dụng ổn "
     "định từ năm 1995 tại {v}.",
     "Đã nộp hồ sơ tại Bộ phận một cửa, chưa có kết quả.",
     "Đề nghị cho biết thời hạn cấp giấy.",
     "received",
     "Tiếp nhận đơn, chuyển công chức địa chính xem xét.",
     {FB_RECOMMENDATION, -1},
     {"Kiến nghị cấp giấy chứng nhận quyền sử dụng đất", NULL},
     "dat_dai"},
    {"Khiếu nại quyết định xử phạt vi phạm hành chính về trật tự xây dựng đối với việc sửa nhà "
     "tại {v}.",
     "Chưa được giải quyết.",
     "Đề nghị xem xét lại quyết định xử phạt.",
     "received",
     "Tiếp nhận đơn khiếu nại, trình Chủ tịch UBND xem xét thụ lý.",
     {FB_COMPLAINT, -1},
     {"Khiếu nại quyết định xử phạt về trật tự xây dựng", NULL},
     "trat_tu_xay_dung"},
    {"Đường ống nước sinh hoạt ở {v} bị vỡ, nước chảy tràn ra đường nhiều ngày.",
     "Đã báo Trưởng thôn, tổ trưởng.",
     "Đề nghị sửa chữa sớm.",
     "received",
     "Tiếp nhận phản ánh, giao bộ phận địa chính - xây dựng kiểm tra.",
     {FB_FEEDBACK, -1},
     {"Đường ống nước sinh hoạt bị vỡ", NULL},
     "ha_tang"},
    {"Hỏi thủ tục đăng ký khai sinh cho con sinh ở tỉnh khác.",
     "",
     "Đề nghị hướng dẫn thủ tục.",
     "guided",
     "Đã hướng dẫn thủ tục và giấy tờ cần nộp tại Bộ phận một cửa.",
     {-1, -1},
     {NULL, NULL},
     "thu_tuc"},
    {"Tranh chấp ranh giới đất với hộ liền kề ở {v}, đã hòa giải ở cơ sở không thành.",
     "Đã hòa giải tại thôn, tổ dân phố không thành.",
     "Đề nghị giải quyết tranh chấp.",
     "forwarded",
     "Hướng dẫn gửi đơn đến Tòa án nhân dân khu vực theo thẩm quyền.",
     {-1, -1},
     {NULL, NULL},
     "dat_dai"},
    {"Cơ sở sản xuất gần {v} gây tiếng ồn, khói bụi vào ban đêm.",
     "Chưa.",
     "Đề nghị kiểm tra, xử lý.",
     "received",
     "Tiếp nhận phản ánh, giao công an và bộ phận môi "
     "trường kiểm tra.",
     {FB_FEEDBACK, -1},
     {"Cơ sở sản xuất gây ồn, khói bụi ban đêm", NULL},
     "moi_truong"},
    {"Đề nghị xem xét trợ cấp xã hội cho người cao tuổi neo đơn ở {v}.",
     "Chưa.",
     "Đề nghị xét trợ cấp hằng tháng.",
     "received",
     "Tiếp nhận kiến nghị, chuyển công chức văn hóa - xã hội rà soát.",
     {FB_RECOMMENDATION, -1},
     {"Kiến nghị trợ cấp cho người cao tuổi neo đơn", NULL},
     "an_sinh"},
    {"Hỏi chính sách hỗ trợ học phí cho con của hộ cận nghèo.",
     "",
     "Đề nghị hướng dẫn.",
     "guided",
     "Đã giải thích chính sách và hồ sơ đề nghị hỗ trợ.",
     {-1, -1},
     {NULL, NULL},
     "giao_duc"},
    {"Phản ánh việc thu gom rác ở {v} không đúng lịch; đồng thời khiếu nại việc thu phí vệ sinh "
     "cao hơn mức quy định.",
     "Đã phản ánh tại hội nghị thôn, chưa được trả lời.",
     "Đề nghị thu gom đúng lịch và xem xét lại mức thu phí.",
     "received",
     "Tiếp nhận; tách thành hai đơn: phản ánh và khiếu nại (Điều 25 Luật Tiếp công dân).",
     {FB_FEEDBACK, FB_COMPLAINT},
     {"Thu gom rác không đúng lịch", "Khiếu nại mức thu phí vệ sinh"},
     "moi_truong"},
    {"Tố cáo việc thu tiền ngoài quy định khi làm thủ tục chứng thực.",
     "Chưa.",
     "Đề nghị xác minh, xử lý người vi phạm.",
     "received",
     "Tiếp nhận đơn tố cáo, giữ bí mật người tố cáo.",
     {FB_DENUNCIATION, -1},
     {"Tố cáo thu tiền ngoài quy định khi chứng thực", NULL},
     "thu_tuc"},
};

/* Thursdays (3) from week `from` to week `to` relative to this week, on working days. */
static void demo_thursdays(const struct feedback_env *env, struct date today, int from, int to,
                           struct rc_session_new *out)
{
    struct date thu = date_add_days(rc_week_start(today), 3);
    for (int w = from; w <= to && out->n_days < RC_MAX_REPEAT; w++) {
        struct date d = date_add_days(thu, 7 * w);
        if (calendar_is_working(env->cal, d))
            out->days[out->n_days++] = d;
    }
}

/* The demo's state while it builds. */
struct rdemo {
    struct db *db;
    const struct feedback_env *env;
    struct arena *a;
    struct rng rng;
    struct unit commune;
    struct rows *people; /* households: representative, address, village, village_code */
    int cp, ca, cv, cvc; /* their columns */
    int64_t officer;
    const char *officer_name;
};

/* A person of the roll: name, address, village name and id. */
static void demo_person(struct rdemo *d, const char **name, const char **address,
                        const char **village, int64_t *village_id)
{
    *name = "Nguyễn Văn Dân";
    *address = d->commune.name;
    *village = d->commune.name;
    *village_id = 0;
    if (!d->people || !d->people->n_rows)
        return;
    size_t row = (size_t)rnd(&d->rng, 0, (int)d->people->n_rows - 1);
    *name = rows_text(rows_at(d->people, row, (size_t)d->cp));
    *address = rows_text(rows_at(d->people, row, (size_t)d->ca));
    *village = rows_text(rows_at(d->people, row, (size_t)d->cv));
    struct unit v;
    if (units_get(d->db, rows_text(rows_at(d->people, row, (size_t)d->cvc)), &v) == 0)
        *village_id = v.id;
}

/* t with {v} replaced by village (arena). */
static const char *demo_fill(struct rdemo *d, const char *t, const char *village)
{
    struct buf b;
    buf_init(&b, d->a);
    for (const char *p = t; *p; p++) {
        if (p[0] == '{' && p[1] == 'v' && p[2] == '}') {
            buf_puts(&b, village);
            p += 2;
        } else {
            buf_putc(&b, *p);
        }
    }
    buf_putc(&b, '\0');
    return b.ptr;
}

/* n bookings on session id in distinct 20-minute slots from 07:30: booked, or for a session
 * held already, the first n_came attended and the others no-shows. */
static int demo_bookings(struct rdemo *d, int64_t id, int n, int held, int n_came)
{
    int used = 0;
    for (int i = 0; i < n && i < 12; i++) {
        int k;
        do
            k = rnd(&d->rng, 0, 11);
        while (used & (1 << k));
        used |= 1 << k;
        const struct demo_visit *v = &visits[rnd(&d->rng, 0, (int)N(visits) - 1)];
        const char *name, *address, *village;
        struct rc_booking b;
        memset(&b, 0, sizeof b);
        demo_person(d, &name, &address, &village, &b.village_id);
        char *code = arena_alloc(d->a, FB_CODE_SIZE);
        fb_code_new(code);
        b.session_id = id;
        b.code = code;
        b.slot_min = 7 * 60 + 30 + 20 * k;
        b.name = name;
        b.phone = arena_printf(d->a, "09%08d", rnd(&d->rng, 0, 99999999));
        b.subject = demo_fill(d, v->request, village);
        int rc = rc_store_book(d->db, &b);
        if (rc == 0 && held)
            rc = rc_store_booking_set(d->db, b.id, i < n_came ? "attended" : "no_show", d->officer);
        if (rc)
            return rc;
    }
    return 0;
}

/* One register entry on day from visit v, its cases and (when due and old enough) the
 * notice of Art 28. */
static int demo_entry(struct rdemo *d, struct date day, const struct demo_visit *v,
                      struct date today)
{
    const char *name, *address, *village;
    int64_t village_id;
    demo_person(d, &name, &address, &village, &village_id);
    struct rc_entry e;
    memset(&e, 0, sizeof e);
    e.unit_id = d->commune.id;
    e.day = day;
    e.name = name;
    e.address = address;
    e.phone = arena_printf(d->a, "09%08d", rnd(&d->rng, 0, 99999999));
    e.content = demo_fill(d, v->content, village);
    e.prior = v->prior;
    e.request = v->request;
    e.handling = v->handling;
    e.action = v->action;
    e.officer = d->officer_name;
    e.officer_id = d->officer;
    /* Art 28 by the rules in force on the day; no clock when the calendar lacks its year. */
    if (strcmp(v->handling, "guided") && rc_notify_due(d->env, day, &e.due_on) != 0)
        e.due_on = (struct date){0, 0, 0};
    int rc = rc_store_entry_add(d->db, &e, d->officer);
    for (int k = 0; rc == 0 && k < 2 && v->kinds[k] >= 0; k++) {
        if (v->kinds[k] == FB_DENUNCIATION && fb_seal_ready(d->db) != 0)
            continue;
        struct rc_to_case x;
        memset(&x, 0, sizeof x);
        x.entry_id = e.id;
        x.n.env = d->env;
        x.n.actor = d->officer;
        struct fb_case *c = &x.n.c;
        c->unit_id = d->commune.id;
        c->village_id = village_id;
        c->kind = (enum fb_kind)v->kinds[k];
        c->channel = FB_IN_PERSON;
        c->field = v->field;
        c->title = v->titles[k];
        c->body = e.content;
        c->name = name;
        c->address = address;
        c->phone = e.phone;
        c->received_on = day;
        c->received_at = date_to_days(day) * 86400 + (8 - 7) * 3600 + rnd(&d->rng, 0, 3) * 3600;
        if (c->kind == FB_DENUNCIATION) {
            x.n.sealed = 1;
            x.n.who = (struct fb_identity){name, address, e.phone, ""};
        }
        rc = rc_store_entry_to_case(d->db, &x);
    }
    /* Told within the period, mostly (2 to 9 working days on, never past its last day); now
     * and then 2 working days late, or not yet (overdue). */
    if (rc == 0 && e.due_on.y && chance(&d->rng, 80)) {
        struct date told;
        int on_time = chance(&d->rng, 85);
        int trc = on_time ? deadline_add(d->env->cal, day, rnd(&d->rng, 2, 9), DAY_WORKING, &told)
                          : deadline_add(d->env->cal, e.due_on, 2, DAY_WORKING, &told);
        if (trc == 0 && on_time && date_cmp(told, e.due_on) > 0)
            told = e.due_on;
        if (trc == 0 && date_cmp(told, today) <= 0)
            rc = rc_store_entry_notify(d->db, e.id, told,
                                       !strcmp(v->handling, "forwarded")
                                           ? "Đã hướng dẫn người đến gửi đơn đến cơ quan có "
                                             "thẩm quyền."
                                           : "Đã thông báo bằng văn bản việc thụ lý, giải quyết.",
                                       d->officer);
    }
    return rc;
}

int fb_reception_demo(struct db *db, const struct feedback_env *env, const char *commune_code,
                      int64_t officer, unsigned seed)
{
    struct rdemo d;
    memset(&d, 0, sizeof d);
    d.db = db;
    d.env = env;
    d.officer = officer;
    int rc = units_get_commune(db, commune_code, &d.commune);
    if (rc)
        return rc;
    d.a = arena_new(0);
    rng_seed(&d.rng, ((uint64_t)seed << 32 | seed) ^ rng_hash(commune_code) ^ 0x7265636570ull);
    struct date today = fb_today();
    struct auth_contact who;
    d.officer_name = officer && auth_account_contact(db, officer, &who) == 0
                         ? arena_strdup(d.a, who.display_name)
                         : "Cán bộ tiếp công dân";
    struct auth_key_holder chair[1];
    size_t n_chair = 0;
    const char *host =
        auth_key_holders(db, d.commune.id, "chairperson", chair, 1, &n_chair) == 0 && n_chair
            ? arena_printf(d.a, "Chủ tịch UBND %s", chair[0].display_name)
            : "Chủ tịch UBND";
    json_t *model = json_object();
    rc = units_households_page(db, d.a, &d.commune, NULL, 1, 300, model, &d.people);
    json_decref(model);
    if (rc == 0) {
        d.cp = rows_col(d.people, "representative", 14);
        d.ca = rows_col(d.people, "address", 7);
        d.cv = rows_col(d.people, "village", 7);
        d.cvc = rows_col(d.people, "village_code", 12);
        if (d.cp < 0 || d.ca < 0 || d.cv < 0 || d.cvc < 0)
            d.people = NULL;
    }
    /* The weekly plan: Thursday mornings, the ten weeks before and the eight from this one. */
    struct rc_session_new plan;
    memset(&plan, 0, sizeof plan);
    plan.actor = officer;
    plan.s = (struct rc_session){0,
                                 d.commune.id,
                                 {0, 0, 0},
                                 7 * 60 + 30,
                                 11 * 60 + 30,
                                 arena_printf(d.a, "Phòng tiếp công dân, UBND %s", d.commune.name),
                                 host,
                                 20,
                                 1,
                                 "",
                                 0,
                                 ""};
    demo_thursdays(env, today, -10, 7, &plan);
    if (rc == 0)
        rc = rc_store_sessions_add(db, &plan);
    /* Bookings: the last two sessions held show who came; the next two have some ahead. */
    int held = 0, ahead = 0;
    for (size_t i = plan.n_days; rc == 0 && i-- > 0;)
        if (date_cmp(plan.days[i], today) <= 0 && held++ < 2)
            rc = demo_bookings(&d, plan.ids[i], 3, 1, 2);
    for (size_t i = 0; rc == 0 && i < plan.n_days; i++)
        if (date_cmp(plan.days[i], today) > 0 && ahead < 2)
            rc = demo_bookings(&d, plan.ids[i], 3 + ahead++, 0, 0);
    /* The register: about twenty visits on the held sessions, in day order. */
    int written = 0;
    for (size_t i = 0; rc == 0 && i < plan.n_days && written < 20; i++) {
        if (date_cmp(plan.days[i], today) > 0)
            break;
        int n = rnd(&d.rng, 1, 3);
        for (int k = 0; rc == 0 && k < n && written < 20; k++, written++)
            rc = demo_entry(&d, plan.days[i], &visits[(written * 7 + k) % (int)N(visits)], today);
    }
    arena_free(d.a);
    return rc;
}

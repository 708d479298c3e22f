/*
 * rating_demo.c - the demo's one-stop desks: three desks with their officers, their QR posters
 * and about half a year of ratings on working days, deterministic for a seed (core/rng.h),
 * except the codes' secrets, which are random: a demo must not ship guessable codes.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/rng.h"
#include "feedback/rating.h"

#define N(x) (sizeof(x) / sizeof((x)[0]))

/* The demo's desks and how often each satisfies (percent of ratings). */
static const struct {
    const char *name;    /* desk */
    const char *section; /* its section */
    int satisfied;       /* percent "hài lòng" */
} demo_desks[] = {
    {"Quầy 1 – Tư pháp, hộ tịch", "Tư pháp – hộ tịch", 74},
    {"Quầy 2 – Đất đai, xây dựng", "Địa chính – xây dựng", 51},
    {"Quầy 3 – Lao động, thương binh và xã hội", "Văn hóa – xã hội", 83},
};

/* Officers the demo adds (as pending accounts) when the commune has fewer than its desks. */
static const char *const demo_names[] = {"Phan Thị Thu", "Lý Văn Hòa", "Đinh Thị Mai"};

/* What residents write, by score (index 0: không hài lòng ... 2: hài lòng). */
static const char *const demo_comments[3][3] = {
    {"Bị yêu cầu bổ sung giấy tờ hai lần, mất nhiều thời gian.",
     "Hẹn trả kết quả nhưng đến nơi vẫn chưa có.",
     "Cán bộ trả lời qua loa, không hướng dẫn cụ thể."},
    {"Phải chờ khá lâu vào buổi sáng.", "Thủ tục ổn, nên có thêm ghế chờ và quạt.",
     "Nên niêm yết rõ hơn danh mục giấy tờ cần mang."},
    {"Cán bộ hướng dẫn tận tình, hồ sơ xong trước hẹn.", "Nhanh gọn, không phải đi lại nhiều lần.",
     "Thái độ niềm nở, cảm ơn cán bộ."},
};

/* The commune's officers for the demo's desks: its own, then pending accounts made for the
 * demo (no password: they cannot sign in). */
static int demo_officers(struct db *db, struct arena *a, const struct unit *u, int64_t *ids)
{
    struct rows *have;
    int rc = fb_rating_officers(db, a, u->id, &have);
    if (rc)
        return rc;
    for (size_t i = 0; i < N(demo_desks); i++) {
        if (i < have->n_rows) {
            ids[i] = rows_at(have, i, 0)->i;
            continue;
        }
        const char *login = arena_printf(a, "motcua%zu.%s", i + 1, u->code);
        struct auth_user au;
        if (auth_account_by_login(db, login, &au) == 0) {
            ids[i] = au.id;
            continue;
        }
        if ((rc = auth_account_create(db, login, demo_names[i], NULL, NULL, u->id, &ids[i])) != 0 ||
            (rc = auth_role_grant(db, ids[i], u->id, "officer")) != 0 ||
            (rc = audit_append(db, 0, u->id, "users.add", login, "officer")) != 0)
            return rc;
    }
    return 0;
}

/* A new code of the demo (its secret is thrown away: demo codes are never printed). */
static int demo_token(struct db *db, const struct unit *u, int64_t desk, int64_t officer,
                      enum fb_via via, const char *reference, int64_t now, int64_t *id)
{
    struct fb_rtoken_new t = {0, u->id, desk, officer, via, reference, 0, now, "", 0};
    char secret[FB_RATING_SECRET];
    fb_rating_secret_new(secret, t.hash);
    sodium_memzero(secret, sizeof secret);
    if (via == FB_VIA_RECEIPT)
        t.expires_at = now + (int64_t)(FB_RECEIPT_DAYS + 1) * 86400;
    int rc = fb_rating_token_add(db, &t);
    *id = t.id;
    return rc;
}

/* A working day (by the legal calendar) within the 182 days before today. */
static struct date demo_day(struct rng *g, const struct feedback_env *env, struct date today)
{
    struct date d = date_add_days(today, -rnd(g, 0, 182));
    while (!calendar_is_working(env->cal, d))
        d = date_add_days(d, -1);
    return d;
}

/* A score drawn for a desk that satisfies `satisfied` percent of its visitors. */
static int demo_score(struct rng *g, int satisfied)
{
    int roll = rnd(g, 0, 99);
    if (roll < satisfied)
        return FB_SATISFIED;
    return roll < satisfied + (100 - satisfied) * 2 / 3 ? FB_NEUTRAL : FB_UNSATISFIED;
}

int fb_rating_demo(struct db *db, const struct feedback_env *env, const char *commune_code,
                   unsigned seed)
{
    struct unit u;
    int rc = units_get_commune(db, commune_code, &u);
    if (rc)
        return rc;
    struct arena *a = arena_new(0);
    struct rng g;
    rng_seed(&g, (uint64_t)seed ^ rng_hash(commune_code));
    struct date today = fb_today();
    int64_t now = (date_to_days(today) - 183) * 86400;
    int64_t officers[N(demo_desks)], desks[N(demo_desks)];
    int64_t posters[N(demo_desks)][2]; /* the desk's poster, its officer's poster */
    rc = demo_officers(db, a, &u, officers);
    for (size_t i = 0; rc == 0 && i < N(demo_desks); i++) {
        struct fb_desk_new d = {0, u.id, demo_desks[i].name, demo_desks[i].section, now, 0};
        struct fb_staff_set s = {0, u.id, 0, &officers[i], 1};
        if ((rc = fb_rating_desk_add(db, &d)) != 0)
            break;
        desks[i] = s.desk_id = d.id;
        if ((rc = fb_rating_staff_set(db, &s)) == 0 &&
            (rc = demo_token(db, &u, d.id, 0, FB_VIA_POSTER, "", now, &posters[i][0])) == 0)
            rc = demo_token(db, &u, d.id, officers[i], FB_VIA_POSTER, "", now, &posters[i][1]);
    }
    int n = 300 + rnd(&g, 0, 120);
    for (int k = 0; rc == 0 && k < n; k++) {
        size_t i = (size_t)rnd(&g, 0, (int)N(demo_desks) - 1);
        struct date day = demo_day(&g, env, today);
        struct fb_rating_new in = {0};
        in.unit_id = u.id;
        in.desk_id = desks[i];
        in.score = demo_score(&g, demo_desks[i].satisfied);
        in.comment = chance(&g, 25) ? demo_comments[in.score - 1][rnd(&g, 0, 2)] : "";
        in.now = date_to_days(day) * 86400 + rnd(&g, 1, 9 * 3600); /* 07:00-16:00 in Vietnam */
        date_format_iso(day, in.day);
        in.via = chance(&g, 60) ? FB_VIA_RECEIPT : FB_VIA_POSTER;
        if (in.via == FB_VIA_RECEIPT) {
            in.officer_id = chance(&g, 85) ? officers[i] : 0;
            rc = demo_token(db, &u, desks[i], in.officer_id, FB_VIA_RECEIPT,
                            arena_printf(a, "BN-%04d-%05d", day.y, k + 1), in.now - 600,
                            &in.token_id);
        } else {
            int own = chance(&g, 50);
            in.officer_id = own ? officers[i] : 0;
            in.token_id = posters[i][own];
            in.visitor = fb_rating_hash_hex(a, arena_printf(a, "demo:%u:%d", seed, k));
        }
        if (rc == 0)
            rc = fb_rating_add(db, &in);
    }
    arena_free(a);
    return rc;
}

/*
 * demo.c - decisions for `danchu demo`: in the ward's first villages, one finished vote of each
 * form - a meeting by show of hands (M1, passed), household ballots completing a meeting short
 * of attendance (M2), an online secret vote with receipts (M6) - and an M6 matter open for
 * online votes, with the demo resident linked to a household so they can vote signed in.
 * Deterministic: households are taken in code order.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "decision/internal.h"

struct demo {
    struct db *db;
    const struct decision_env *env;
    struct arena *a;
    int64_t actor;
};

static int create(struct demo *d, const struct unit *v, enum dm_matter m, unsigned forms,
                  int secret, const char *title, const char *question, struct dm_item *out)
{
    struct date today = date_vn_from_time(time(NULL));
    char tabled[11], notice[11], meeting[11];
    date_format_iso(date_add_days(today, -20), tabled);
    date_format_iso(date_add_days(today, -18), notice);
    date_format_iso(date_add_days(today, -14), meeting);
    struct dm_new in = {
        .actor = d->actor,
        .unit_id = v->id,
        .matter = m,
        .title = title,
        .question = question,
        .body = "Thuyết minh đã gửi đến các hộ gia đình cùng giấy mời họp.",
        .proposer = "head",
        .forms = forms,
        .secret = secret,
        .tabled_on = tabled,
    };
    int rc = dm_store_create(d->db, &in);
    if (rc == 0)
        rc = dm_store_notify(d->db, d->actor, in.id, notice,
                             forms & (1u << DF_MEETING) ? meeting : "", "");
    if (rc == 0)
        rc = dm_store_get(d->db, d->a, in.id, out);
    return rc;
}

static int roll(struct demo *d, int64_t id, struct rows **t)
{
    return dm_store_roll(d->db, d->a, id, t);
}

static int count(struct demo *d, struct dm_item *it, const char *text)
{
    int64_t approve, reject, other, voted;
    int rc = dm_store_sums(d->db, it->id, it->secret, &approve, &reject, &other, &voted);
    if (rc)
        return rc;
    struct dr_result r;
    dr_judge(dm_rules_for(d->env, it), it->matter, it->households_total, approve, reject, other,
             &r);
    r.households_voted = voted;
    return dm_store_counted(d->db, d->actor, it->id, it->unit_id, &r, text);
}

/* A meeting where `present` households come and `approve` of them raise their hands. */
static int meeting(struct demo *d, struct dm_item *it, int64_t present, int64_t approve)
{
    struct rows *t;
    int rc = roll(d, it->id, &t);
    for (size_t i = 0; rc == 0 && i < t->n_rows && (int64_t)i < present; i++)
        rc = dm_store_take_part(d->db, it->id, rows_at(t, i, 0)->i, "meeting", 0);
    struct dm_tally_in tin = {d->actor,
                              it->id,
                              it->unit_id,
                              "meeting",
                              "",
                              "hands",
                              "",
                              "",
                              "Nguyễn Thị Thư ký",
                              (int)approve,
                              (int)(present - approve),
                              0,
                              0,
                              (int)present,
                              (int)present};
    return rc ? rc : dm_store_tally(d->db, &tin);
}

int decision_demo_build(struct db *db, const struct decision_env *env, const char *commune_code,
                        int64_t actor, int64_t resident)
{
    struct unit commune, *vs;
    size_t n;
    struct demo d = {db, env, arena_new(0), actor};
    int rc = units_get_commune(db, commune_code, &commune);
    if (rc == 0)
        rc = units_villages_of(db, d.a, commune.id, &vs, &n);
    if (rc == 0 && n < 3)
        rc = ERR_NOT_FOUND;
    struct dm_item it;
    struct rows *t;
    /* 1. A meeting by show of hands: three quarters come, all of them agree. */
    if (rc == 0)
        rc = create(&d, &vs[0], DM_M1, 1u << DF_MEETING, 0,
                    "Đóng góp bê tông hóa ngõ số 3 (150.000 đồng mỗi hộ)",
                    "Bà con có tán thành mức đóng góp 150.000 đồng mỗi hộ không?", &it);
    if (rc == 0)
        rc = meeting(&d, &it, it.households_total * 3 / 4, it.households_total * 3 / 4);
    if (rc == 0)
        rc = count(&d, &it, "Các hộ gia đình đóng góp 150.000 đồng để bê tông hóa ngõ số 3.");
    /* 2. A meeting of 40%, completed by household ballots (Art 19(1)(b)). */
    if (rc == 0)
        rc = create(&d, &vs[1], DM_M2, 1u << DF_MEETING | 1u << DF_BALLOT, 0,
                    "Công khai thu, chi quỹ xây dựng nhà văn hóa năm 2026",
                    "Bà con có tán thành báo cáo thu, chi quỹ không?", &it);
    int64_t present = 0;
    if (rc == 0) {
        present = it.households_total * 40 / 100;
        rc = meeting(&d, &it, present, present);
    }
    int64_t cards = 0;
    if (rc == 0)
        rc = dm_store_get(db, d.a, it.id, &it);
    if (rc == 0)
        rc = dm_store_cards_make(db, actor, &it, &cards);
    if (rc == 0)
        rc = roll(&d, it.id, &t);
    int64_t collected = 0;
    for (size_t i = (size_t)present; rc == 0 && i < t->n_rows; i++) {
        if ((rc = dm_store_card_mark(db, actor, it.id, it.unit_id, rows_at(t, i, 0)->i, 1)) == 0)
            collected++;
    }
    if (rc == 0) {
        struct dm_tally_in tin = {actor,      it.id,
                                  it.unit_id, "ballot",
                                  "",         "paper",
                                  "",         "Lê Văn Nam\nPhạm Thị Lan",
                                  "",         (int)(collected - 1),
                                  1,          0,
                                  0,          -1,
                                  -1};
        rc = dm_store_tally(db, &tin);
    }
    if (rc == 0)
        rc = count(&d, &it, "Thông qua báo cáo thu, chi quỹ xây dựng nhà văn hóa năm 2026.");
    /* 3. An online secret vote (M6), finished. */
    if (rc == 0)
        rc = create(&d, &vs[2], DM_M6, 1u << DF_ONLINE, 1, "Giờ mở cửa sân chơi của tổ dân phố",
                    "Bà con có tán thành mở cửa sân chơi từ 5 giờ đến 21 giờ không?", &it);
    time_t now = time(NULL);
    if (rc == 0)
        rc = dm_store_online(db, actor, it.id, it.unit_id, it.households_total * 3 / 4,
                             (int64_t)now - 10 * 86400, (int64_t)now - 7 * 86400);
    if (rc == 0)
        rc = roll(&d, it.id, &t);
    for (size_t i = 0; rc == 0 && i < t->n_rows && i < (size_t)(it.households_total * 2 / 3); i++) {
        char receipt[DM_RECEIPT_LEN + 1];
        dm_receipt_new(receipt);
        rc = dm_store_vote_online(db, it.id, rows_at(t, i, 0)->i,
                                  i % 5 == 4 ? DM_REJECT : DM_APPROVE, 1, receipt);
    }
    if (rc == 0)
        rc = dm_store_get(db, d.a, it.id, &it);
    if (rc == 0)
        rc = count(&d, &it, "Sân chơi mở cửa từ 5 giờ đến 21 giờ hằng ngày.");
    /* 4. An M6 matter open for online votes in the first village, cards made. */
    if (rc == 0)
        rc = create(&d, &vs[0], DM_M6, 1u << DF_ONLINE, 1, "Tổ chức ngày hội đại đoàn kết",
                    "Bà con có tán thành tổ chức ngày hội vào chủ nhật cuối tháng không?", &it);
    if (rc == 0)
        rc = dm_store_online(db, actor, it.id, it.unit_id, it.households_total * 3 / 4,
                             (int64_t)now - 3600, (int64_t)now + 14 * 86400);
    if (rc == 0)
        rc = dm_store_get(db, d.a, it.id, &it);
    if (rc == 0)
        rc = dm_store_cards_make(db, actor, &it, &cards);
    /* The demo resident represents the last household of its roll (none has voted yet). */
    if (rc == 0 && resident && (rc = roll(&d, it.id, &t)) == 0 && t->n_rows)
        rc = auth_account_link_household(db, resident, rows_at(t, t->n_rows - 1, 0)->i, 0);
    arena_free(d.a);
    return rc;
}

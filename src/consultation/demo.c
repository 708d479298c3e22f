/*
 * demo.c - consultations for `danchu demo`, written for the demo (not copied from the real
 * documents tests read): a socio-economic plan open for comments with comments from every form,
 * agreements and counts from paper; the commune's democracy regulation, closed, synthesised,
 * decided, revised and published with its response table; and a land-use draft waiting to be
 * opened. Dates are relative to today, so the demo always shows one of each state.
 */
#include <stdio.h>
#include <string.h>

#include "consultation/internal.h"

static const char plan_text[] =
    "KẾ HOẠCH\n\n"
    "Phát triển kinh tế - xã hội năm 2027\n\n"
    "Căn cứ Luật Tổ chức chính quyền địa phương;\n\n"
    "Căn cứ Luật Thực hiện dân chủ ở cơ sở ngày 10 tháng 11 năm 2022;\n\n"
    "I. MỤC TIÊU\n\n"
    "1. Mục tiêu chung\n\n"
    "Phát triển kinh tế nhanh, bền vững; nâng cao đời sống vật chất, tinh thần của Nhân dân.\n\n"
    "2. Chỉ tiêu chủ yếu\n\n"
    "a) Thu nhập bình quân đầu người đạt 75 triệu đồng.\n\n"
    "b) Tỷ lệ hộ nghèo giảm còn dưới 1,5%.\n\n"
    "c) 100% tuyến đường thôn, tổ dân phố được chiếu sáng.\n\n"
    "II. NHIỆM VỤ, GIẢI PHÁP\n\n"
    "1. Phát triển hạ tầng\n\n"
    "a) Nâng cấp đường liên thôn từ cầu Đông đến chợ phường.\n\n"
    "b) Cải tạo hệ thống thoát nước khu dân cư số 3.\n\n"
    "- Nạo vét cống chính trước mùa mưa.\n\n"
    "- Lắp song chắn rác tại các cửa xả.\n\n"
    "2. Văn hóa, xã hội\n\n"
    "a) Xây dựng sân chơi cho trẻ em tại nhà văn hóa các tổ dân phố.\n\n"
    "b) Tổ chức khám sức khỏe miễn phí cho người cao tuổi.\n\n"
    "3. Chuyển đổi số\n\n"
    "Người dân góp ý, phản ánh và theo dõi kết quả giải quyết trên Cổng thông tin điện tử.\n\n"
    "III. TỔ CHỨC THỰC HIỆN\n\n"
    "1. Các bộ phận chuyên môn xây dựng kế hoạch chi tiết trước ngày 31/01/2027.\n\n"
    "2. Trưởng các tổ dân phố phổ biến kế hoạch đến từng hộ gia đình.\n";

static const char regulation_v1[] =
    "QUY CHẾ\n\n"
    "Thực hiện dân chủ trong hoạt động của Ủy ban nhân dân phường\n\n"
    "Chương I\n\nQUY ĐỊNH CHUNG\n\n"
    "Điều 1. Phạm vi điều chỉnh\n\n"
    "Quy chế này quy định nội dung, cách thức thực hiện dân chủ trong hoạt động của Ủy ban nhân "
    "dân phường.\n\n"
    "Điều 2. Nguyên tắc\n\n"
    "1. Bảo đảm công khai, minh bạch.\n\n"
    "2. Tôn trọng ý kiến của Nhân dân.\n\n"
    "Chương II\n\nNỘI DUNG THỰC HIỆN\n\n"
    "Điều 3. Công khai thông tin\n\n"
    "1. Thông tin được niêm yết tại trụ sở Ủy ban nhân dân phường ít nhất 30 ngày.\n\n"
    "2. Thông tin được đăng trên Cổng thông tin điện tử của phường.\n\n"
    "Điều 4. Tiếp nhận ý kiến\n\n"
    "1. Người dân gửi ý kiến qua hòm thư góp ý, đường dây nóng hoặc trực tuyến.\n\n"
    "2. Ủy ban nhân dân phường trả lời trong thời hạn 15 ngày.\n";

static const char regulation_v2[] =
    "QUY CHẾ\n\n"
    "Thực hiện dân chủ trong hoạt động của Ủy ban nhân dân phường\n\n"
    "Chương I\n\nQUY ĐỊNH CHUNG\n\n"
    "Điều 1. Phạm vi điều chỉnh\n\n"
    "Quy chế này quy định nội dung, cách thức thực hiện dân chủ trong hoạt động của Ủy ban nhân "
    "dân phường.\n\n"
    "Điều 2. Nguyên tắc\n\n"
    "1. Bảo đảm công khai, minh bạch.\n\n"
    "2. Tôn trọng và tiếp thu ý kiến của Nhân dân.\n\n"
    "Chương II\n\nNỘI DUNG THỰC HIỆN\n\n"
    "Điều 3. Công khai thông tin\n\n"
    "1. Thông tin được niêm yết tại trụ sở Ủy ban nhân dân phường và nhà văn hóa các tổ dân "
    "phố ít nhất 30 ngày.\n\n"
    "2. Thông tin được đăng trên Cổng thông tin điện tử của phường.\n\n"
    "3. Thông tin được đọc trên hệ thống loa truyền thanh.\n\n"
    "Điều 4. Tiếp nhận ý kiến\n\n"
    "1. Người dân gửi ý kiến qua hòm thư góp ý, đường dây nóng hoặc trực tuyến.\n\n"
    "2. Ủy ban nhân dân phường trả lời trong thời hạn 10 ngày làm việc.\n";

static const char land_text[] =
    "Dự thảo Kế hoạch sử dụng đất năm 2027\n\n"
    "1. Chuyển 2,4 ha đất trồng lúa kém hiệu quả sang đất thương mại, dịch vụ.\n\n"
    "2. Bố trí 0,8 ha đất xây dựng trường mầm non tổ dân phố số 5.\n\n"
    "3. Mở rộng nghĩa trang nhân dân thêm 0,5 ha.\n";

/* Comments entered from other forms, on the section at path (NULL: the draft as a whole). */
struct demo_comment {
    const char *path, *text, *source, *note, *name;
};

static const struct demo_comment plan_comments[] = {
    {"phan-i/khoan-2/diem-a",
     "Chỉ tiêu thu nhập 75 triệu đồng là cao so với thực tế tổ dân "
     "phố số 3, đề nghị xem lại.",
     "meeting", "Họp tổ dân phố số 3", "Nguyễn Văn Bình"},
    {"phan-i/khoan-2/diem-c", "Đề nghị ưu tiên chiếu sáng ngõ nhỏ trước, đường lớn đã có đèn.",
     "box", "Hòm thư tại trụ sở", ""},
    {"phan-ii/khoan-1/diem-a", "Đường từ cầu Đông đến chợ hay ngập, cần làm cả rãnh thoát nước.",
     "meeting", "Họp tổ dân phố số 1", "Trần Thị Hoa"},
    {"phan-ii/khoan-1/diem-a", "Đề nghị mở rộng mặt đường để xe cứu thương vào được.", "hotline",
     "Đường dây nóng", ""},
    {"phan-ii/khoan-1/diem-b", "Cống khu dân cư số 3 tắc nhiều năm, đề nghị làm ngay đầu năm.",
     "organisation", "Hội Cựu chiến binh phường", "Hội Cựu chiến binh"},
    {"phan-ii/khoan-2/diem-a", "Sân chơi nên có mái che và ghế cho người trông trẻ.", "ballot",
     "Phiếu lấy ý kiến hộ gia đình", ""},
    {"phan-ii/khoan-2/diem-b", "Đề nghị khám sức khỏe cả cho người khuyết tật.", "organisation",
     "Hội Chữ thập đỏ", "Hội Chữ thập đỏ"},
    {NULL, "Kế hoạch cần nêu rõ kinh phí từng hạng mục để người dân theo dõi.", "written",
     "Văn bản góp ý", "Ban Thanh tra nhân dân"},
};

static const char *const online_texts[] = {
    "Đề nghị làm đường liên thôn trước mùa mưa để tránh ngập.",
    "Nên công khai tiến độ cải tạo thoát nước hằng tháng trên Cổng thông tin.",
    "Sân chơi trẻ em cần đặt xa đường lớn cho an toàn.",
};
static const char *const online_paths[] = {"phan-ii/khoan-1/diem-a", "phan-ii/khoan-1/diem-b",
                                           "phan-ii/khoan-2/diem-a"};

struct demo {
    struct db *db;
    struct arena *a;
    int64_t actor, unit_id;
    const int64_t *residents;
    size_t n_residents;
};

static int create(struct demo *d, const char *text, int topic, const char *title,
                  const char *summary, int64_t *id)
{
    struct cs_new in;
    const char *error;
    memset(&in, 0, sizeof in);
    int rc = cs_recognise(d->a, arena_strdup(d->a, text), &in.v, NULL, &error);
    if (rc)
        return rc;
    in.actor = d->actor;
    in.unit_id = d->unit_id;
    in.topic = topic;
    in.title = title;
    in.summary = summary;
    in.owner = "Văn phòng HĐND và UBND";
    in.forms = 1u << CS_FORM_ONLINE | 1u << CS_FORM_MEETING | 1u << CS_FORM_BALLOT |
               1u << CS_FORM_BOX | 1u << CS_FORM_ORGANISATION;
    in.v.source_name = "du-thao.txt";
    if ((rc = cs_store_create(d->db, &in)) != 0)
        return rc;
    *id = in.id;
    return 0;
}

static int64_t section_of(struct demo *d, int64_t id, int version, const char *path)
{
    struct rows *t;
    if (!path || cs_store_sections(d->db, d->a, id, version, &t) != 0)
        return 0;
    for (size_t i = 0; i < t->n_rows; i++)
        if (!strcmp(rows_text(rows_at(t, i, 8)), path))
            return rows_at(t, i, 0)->i;
    return 0;
}

static int comment(struct demo *d, int64_t id, int version, const struct demo_comment *c,
                   int64_t online_actor, int64_t *cid)
{
    struct cs_comment_in in = {
        .actor = online_actor ? online_actor : d->actor,
        .online = online_actor != 0,
        .consultation_id = id,
        .section_id = section_of(d, id, version, c->path),
        .version = version,
        .body = c->text,
        .source = c->source,
        .source_note = c->note,
        .author_name = c->name,
        .unit_id = d->unit_id,
    };
    int rc = cs_store_comment_add(d->db, &in);
    if (cid)
        *cid = in.id;
    return rc;
}

static int open_window(struct demo *d, int64_t id, int from_days, int to_days)
{
    struct date today = date_vn_from_time(time(NULL));
    return cs_store_open(d->db, d->actor, id, date_add_days(today, from_days),
                         date_add_days(today, to_days));
}

/* The plan: open for 25 more days, comments from every form, agreements, counts. */
static int demo_plan(struct demo *d)
{
    int64_t id, cid;
    int rc = create(d, plan_text, 1, "Dự thảo Kế hoạch phát triển kinh tế - xã hội năm 2027",
                    "Ủy ban nhân dân phường lấy ý kiến Nhân dân về các chỉ tiêu, nhiệm vụ năm "
                    "2027, nhất là các công trình hạ tầng ở từng tổ dân phố.",
                    &id);
    if (rc || (rc = open_window(d, id, -5, 25)) != 0)
        return rc;
    if ((rc = cs_store_plan_sent(d->db, d->actor, id, "", "")) != 0)
        return rc;
    for (size_t i = 0; i < sizeof plan_comments / sizeof plan_comments[0]; i++)
        if ((rc = comment(d, id, 1, &plan_comments[i], 0, NULL)) != 0)
            return rc;
    for (size_t i = 0; i < sizeof online_texts / sizeof online_texts[0] && d->n_residents; i++) {
        struct demo_comment c = {online_paths[i], online_texts[i], "online", "", ""};
        int64_t author = d->residents[i % d->n_residents];
        if ((rc = comment(d, id, 1, &c, author, &cid)) != 0)
            return rc;
        /* The other demo residents agree with it. */
        for (size_t k = 0; k < d->n_residents; k++) {
            int64_t cons;
            if (d->residents[k] != author &&
                (rc = cs_store_agree(d->db, d->residents[k], d->unit_id, cid, &cons)) != 0)
                return rc;
        }
        if ((rc = cs_store_stance(d->db, author, id, d->unit_id, i == 2 ? 3 : 1)) != 0)
            return rc;
    }
    return cs_store_tally_add(d->db, d->actor, id, d->unit_id, "meeting",
                              "Họp tổ dân phố số 1 và số 3", 86, 14, 5);
}

/* The regulation: closed, synthesised, decided, revised, published. */
static int demo_regulation(struct demo *d)
{
    int64_t id;
    int rc = create(d, regulation_v1, 7, "Dự thảo Quy chế thực hiện dân chủ của phường",
                    "Quy chế quy định cách Ủy ban nhân dân phường công khai thông tin và tiếp "
                    "nhận, trả lời ý kiến của Nhân dân.",
                    &id);
    if (rc || (rc = open_window(d, id, -60, -35)) != 0)
        return rc;
    if ((rc = cs_store_plan_sent(d->db, d->actor, id, "", "")) != 0)
        return rc;
    static const struct demo_comment cs[] = {
        {"chuong-i/dieu-2/khoan-2",
         "Cần ghi rõ ý kiến được tiếp thu thế nào, không chỉ tôn "
         "trọng.",
         "meeting", "Hội nghị đối thoại", ""},
        {"chuong-ii/dieu-3/khoan-1", "Đề nghị niêm yết cả ở nhà văn hóa tổ dân phố.", "meeting",
         "Họp tổ dân phố số 2", "Lê Thị Mai"},
        {"chuong-ii/dieu-3/khoan-1", "Người cao tuổi ít lên phường, nên niêm yết ở tổ dân phố.",
         "box", "Hòm thư góp ý", ""},
        {"chuong-ii/dieu-3", "Đề nghị đọc thông tin trên loa truyền thanh.", "organisation",
         "Hội Người cao tuổi", "Hội Người cao tuổi"},
        {"chuong-ii/dieu-4/khoan-2", "15 ngày là quá lâu, đề nghị rút xuống 10 ngày làm việc.",
         "hotline", "Đường dây nóng", ""},
        {"chuong-ii/dieu-4/khoan-1", "Đề nghị bỏ hòm thư vì ít người dùng.", "written",
         "Văn bản góp ý", ""},
    };
    int64_t ids[6];
    for (size_t i = 0; i < 6; i++)
        if ((rc = comment(d, id, 1, &cs[i], 0, &ids[i])) != 0)
            return rc;
    if ((rc = cs_store_tally_add(d->db, d->actor, id, d->unit_id, "ballot",
                                 "Phiếu lấy ý kiến hộ gia đình", 412, 37, 21)) != 0)
        return rc;
    struct {
        const char *path, *summary, *outcome, *answer;
        size_t from, n;
    } groups[] = {
        {"chuong-i/dieu-2/khoan-2", "Ghi rõ việc tiếp thu ý kiến của Nhân dân.", "accepted",
         "Sửa khoản 2 Điều 2 thành “Tôn trọng và tiếp thu ý kiến của Nhân dân”.", 0, 1},
        {"chuong-ii/dieu-3/khoan-1", "Niêm yết cả tại nhà văn hóa các tổ dân phố.", "accepted",
         "Bổ sung vào khoản 1 Điều 3.", 1, 2},
        {"chuong-ii/dieu-3", "Đọc thông tin trên loa truyền thanh.", "accepted",
         "Bổ sung khoản 3 Điều 3.", 3, 1},
        {"chuong-ii/dieu-4/khoan-2", "Rút ngắn thời hạn trả lời.", "accepted",
         "Sửa thành 10 ngày làm việc.", 4, 1},
        {"chuong-ii/dieu-4/khoan-1", "Bỏ hòm thư góp ý.", "explained",
         "Hòm thư góp ý là hình thức luật quy định (Điều 26), giúp người không dùng điện thoại "
         "thông minh góp ý; phường giữ và mở hòm thư hằng tuần.",
         5, 1},
    };
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        int64_t gid;
        if ((rc = cs_store_group_add(d->db, d->actor, id, d->unit_id,
                                     section_of(d, id, 1, groups[g].path), groups[g].summary,
                                     groups[g].outcome, groups[g].answer, &ids[groups[g].from],
                                     groups[g].n, &gid)) != 0)
            return rc;
    }
    struct arena *a = d->a;
    struct cs_item c;
    if ((rc = cs_store_get(d->db, a, id, &c)) != 0)
        return rc;
    c.decision = CS_DEC_AMEND;
    c.decision_note = "Ban hành Quy chế có chỉnh sửa theo các ý kiến đã tiếp thu.";
    c.explanation = "";
    char day[11];
    date_format_iso(date_add_days(date_vn_from_time(time(NULL)), -30), day);
    c.decided_on = arena_strdup(a, day);
    c.council_report_on = "";
    if ((rc = cs_store_decide(d->db, d->actor, &c)) != 0)
        return rc;
    struct cs_version_in v;
    const char *error;
    if ((rc = cs_recognise(a, arena_strdup(a, regulation_v2), &v, NULL, &error)) != 0)
        return rc;
    v.source_name = "quy-che-sua.txt";
    v.note = "Tiếp thu 5 nhóm ý kiến: niêm yết tại tổ dân phố, loa truyền thanh, trả lời trong 10 "
             "ngày làm việc.";
    int version;
    if ((rc = cs_store_version_add(d->db, d->actor, id, d->unit_id, &v, &version)) != 0)
        return rc;
    return cs_store_publish(d->db, d->actor, id, d->unit_id);
}

int consultation_demo_build(struct db *db, const char *commune_code, int64_t actor,
                            const int64_t *residents, size_t n_residents)
{
    struct unit u;
    int rc = units_get_commune(db, commune_code, &u);
    if (rc)
        return rc;
    struct demo d = {db, arena_new(0), actor, u.id, residents, n_residents};
    rc = demo_plan(&d);
    if (rc == 0)
        rc = demo_regulation(&d);
    int64_t id;
    if (rc == 0)
        rc = create(&d, land_text, 2, "Dự thảo Kế hoạch sử dụng đất năm 2027",
                    "Các thay đổi mục đích sử dụng đất dự kiến trong năm 2027.", &id);
    arena_free(d.a);
    return rc;
}

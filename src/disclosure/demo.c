/*
 * demo.c - realistic demo disclosure items: `make demo` fills a commune's
 * portal with every kind of item DOMAIN C1 lists, and the search benchmarks
 * use the same generator for 100,000 items.
 *
 * The first RICH items of each build show every state the officials' lists
 * know: published on time and late, drafts, one scheduled for tomorrow, one
 * state secret, one withdrawn, two corrected, postings complete, missing at
 * a village or taken down too early, loudspeaker and village-head records,
 * PDF appendices. Later items are plain published ones with short bodies and
 * one posting record, so that a large build stays fast.
 *
 * Titles and bodies come from per-category templates filled with the
 * commune's own villages, periods, projects, amounts in đồng and invented
 * names. One xorshift generator seeded from the caller's seed (and the
 * commune code) makes a build reproducible; dates are relative to today in
 * Vietnam, spread over the SPAN_DAYS days before it.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/rng.h"
#include "disclosure/internal.h"
#include "view/view.h"

#define RICH 60              /* the first items of a build: every state, full postings */
#define SPAN_DAYS 150        /* decisions spread over this many days before today */
#define BATCH 1000           /* items per transaction */
#define PROGRESS_EVERY 10000 /* a progress line every this many items */
#define N_ELEMS(x) (sizeof(x) / sizeof((x)[0]))
#define PICK(r, arr) ((arr)[rnd((r), 0, (int)N_ELEMS(arr) - 1)])

/* ---- texts ---- */

/* A title template and the type code of its document number. */
struct tmpl {
    const char *title; /* placeholders as in expand(); {v} makes it a village item */
    const char *type;  /* "TB-UBND": the part after the number */
};

/* Tables a rich body may carry. */
enum table_kind {
    T_NONE = 0,
    T_PEOPLE,     /* beneficiaries: name, village, amount (with a PDF appendix) */
    T_RECRUITS,   /* citizens called up: name, birth year, village, schooling (appendix) */
    T_DONORS,     /* contributors: name, address, amount (appendix) */
    T_LAND,       /* land recovered: owner, parcel, area, compensation (appendix) */
    T_BUDGET,     /* budget estimate against execution */
    T_FEES,       /* fees and charges */
    T_ASSETS,     /* public assets */
    T_INDICATORS, /* socio-economic indicators, plan against result */
};

/* What the bodies of one category say. */
struct cat_text {
    struct tmpl titles[9]; /* NULL-terminated */
    const char *laws[4];   /* sector "Căn cứ" lines, NULL-terminated */
    const char *office;    /* who proposed it ("Xét đề nghị của ...") */
    const char *intro;     /* first paragraph of section 1; its first amount is the one a
                              correction changes */
    const char *points[6]; /* dash list of section 1, NULL-terminated */
    enum table_kind table; /* the table a rich body may carry */
};

/*
 * Placeholders: {x} "xã"/"phường", {c} commune name, {p} "tỉnh Sơn Hà", {v} the item's village
 * ("thôn Đông Lao"), {w} that or any village, {2} two villages "Đông Lao – Tây Sơn", {V}
 * "thôn"/"tổ dân phố", {H} the village head's title, {y} {n} {l} decision year, next, last,
 * {m} month, {q} the last whole quarter, {P} the period reported on, {e} decision date, {d} a
 * date after it, {B} a date before it, {E} a date last December, {a} a large amount, {b} a
 * support amount, {s} a unit price, {k} {K} counts, {z} an area, {i} {j} {J} {%} figures,
 * {r} a project, {t} a disaster, {o} an occasion, {f} a field of procedures, {g} a draft put
 * to the residents, {u} a public asset, {O} the category's office.
 */
static const struct cat_text cats[DC_N_CATEGORIES] = {
    /* CK01 */
    {{{"Báo cáo kết quả thực hiện kế hoạch phát triển kinh tế – xã hội {P}", "BC-UBND"},
      {"Kế hoạch phát triển kinh tế – xã hội {x} {c} năm {n}", "KH-UBND"},
      {"Nghị quyết của Hội đồng nhân dân {x} về nhiệm vụ phát triển kinh tế – xã hội năm {n}",
       "NQ-HĐND"},
      {"Báo cáo kết quả thực hiện các chương trình mục tiêu quốc gia {P}", "BC-UBND"},
      {"Kế hoạch chuyển đổi số {x} {c} năm {n}", "KH-UBND"},
      {"Kết quả xây dựng {v} đạt chuẩn khu dân cư kiểu mẫu năm {y}", "TB-UBND"},
      {"Kế hoạch phát triển kinh tế hộ gia đình {v} năm {n}", "KH-UBND"},
      {NULL, NULL}},
     {"Căn cứ Nghị quyết số {K}/NQ-HĐND ngày {E} của Hội đồng nhân dân {x} về kế hoạch phát "
      "triển kinh tế – xã hội năm {y};",
      NULL},
     "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân {x}",
     "Trong kỳ, tình hình kinh tế – xã hội của {x} tiếp tục ổn định và có bước phát triển; tổng "
     "thu ngân sách trên địa bàn đạt {a} đồng, các chỉ tiêu chủ yếu cơ bản đạt và vượt kế hoạch.",
     {"Tổng giá trị sản xuất ước đạt {a} đồng, tăng {%}% so với cùng kỳ;",
      "Thu nhập bình quân đầu người ước đạt {i} triệu đồng/năm;",
      "Tỷ lệ hộ nghèo còn {j}%; tỷ lệ người dân tham gia bảo hiểm y tế đạt {J}%;",
      "Hoàn thành {k} công trình giao thông, thủy lợi với tổng kinh phí {a} đồng;",
      "Quốc phòng, an ninh được giữ vững; trật tự, an toàn xã hội được bảo đảm.", NULL},
     T_INDICATORS},
    /* CK02 */
    {{{"Công khai dự toán ngân sách {x} năm {y}", "QĐ-UBND"},
      {"Công khai tình hình thực hiện dự toán ngân sách {q}", "BC-UBND"},
      {"Công khai quyết toán ngân sách {x} năm {l}", "QĐ-UBND"},
      {"Công khai tình hình thực hiện dự toán ngân sách {P}", "BC-UBND"},
      {"Công khai dự toán điều chỉnh, bổ sung ngân sách {x} năm {y}", "QĐ-UBND"},
      {"Công khai kết quả kiểm toán ngân sách {x} năm {l}", "TB-UBND"},
      {"Công khai kinh phí ngân sách hỗ trợ hoạt động của {v} năm {y}", "TB-UBND"},
      {NULL, NULL}},
     {"Căn cứ Luật Ngân sách nhà nước số 83/2015/QH13 ngày 25/6/2015;",
      "Căn cứ Thông tư số 343/2016/TT-BTC ngày 30/12/2016 của Bộ Tài chính hướng dẫn thực hiện "
      "công khai ngân sách nhà nước đối với các cấp ngân sách;",
      "Căn cứ Nghị quyết số {K}/NQ-HĐND ngày {E} của Hội đồng nhân dân {x} về dự toán ngân sách "
      "năm {y};",
      NULL},
     "công chức Tài chính – Kế toán",
     "Tổng thu ngân sách {x} là {a} đồng; tổng chi ngân sách là {a} đồng. Số liệu chi tiết theo "
     "biểu kèm theo.",
     {"Thu ngân sách hưởng theo phân cấp: {a} đồng;",
      "Thu bổ sung cân đối từ ngân sách cấp trên: {a} đồng;", "Chi đầu tư phát triển: {a} đồng;",
      "Chi thường xuyên: {a} đồng, trong đó chi sự nghiệp giáo dục, văn hóa, xã hội {a} đồng;",
      "Dự phòng ngân sách: {a} đồng.", NULL},
     T_BUDGET},
    /* CK03 */
    {{{"Công khai phương án bồi thường, hỗ trợ khi Nhà nước thu hồi đất dự án {r}", "QĐ-UBND"},
      {"Quy hoạch chi tiết khu dân cư mới {v}", "QĐ-UBND"},
      {"Công khai danh mục dự án đầu tư công năm {y} trên địa bàn {x}", "TB-UBND"},
      {"Thông báo thu hồi đất để thực hiện dự án {r}", "TB-UBND"},
      {"Công khai kế hoạch sử dụng đất năm {n} của {x} {c}", "TB-UBND"},
      {"Kế hoạch đấu giá quyền sử dụng đất ở tại {v}", "KH-UBND"},
      {"Công khai quyết toán công trình {r}", "BC-UBND"},
      {NULL, NULL}},
     {"Căn cứ Luật Đất đai số 31/2024/QH15 ngày 18/01/2024;",
      "Căn cứ Luật Đầu tư công số 58/2024/QH15 ngày 29/11/2024;",
      "Căn cứ Quyết định số {K}/QĐ-UBND ngày {E} của Ủy ban nhân dân {p} ban hành quy định về "
      "bồi thường, hỗ trợ, tái định cư khi Nhà nước thu hồi đất trên địa bàn tỉnh;",
      NULL},
     "công chức Địa chính – Xây dựng",
     "Tổng diện tích đất thu hồi là {z} m², ảnh hưởng đến {k} hộ gia đình, cá nhân; tổng kinh "
     "phí bồi thường, hỗ trợ là {a} đồng từ nguồn vốn đầu tư công của {p}.",
     {"Bồi thường về đất nông nghiệp: {a} đồng;",
      "Bồi thường tài sản, cây cối, hoa màu trên đất: {a} đồng;",
      "Hỗ trợ ổn định đời sống, sản xuất và chuyển đổi nghề: {a} đồng;",
      "Đơn giá bồi thường đất trồng lúa: {s} đồng/m²;",
      "Thời gian bàn giao mặt bằng dự kiến trước ngày {d}.", NULL},
     T_LAND},
    /* CK04 */
    {{{"Quy chế thực hiện dân chủ ở cơ sở của {x} {c}", "QĐ-UBND"},
      {"Quy tắc ứng xử của cán bộ, công chức Ủy ban nhân dân {x}", "QĐ-UBND"},
      {"Công khai nhiệm vụ, quyền hạn của cán bộ, công chức {x} năm {y}", "TB-UBND"},
      {"Quy chế tiếp công dân tại trụ sở Ủy ban nhân dân {x}", "QĐ-UBND"},
      {"Hương ước, quy ước {v} (sửa đổi, bổ sung năm {y})", "QĐ-UBND"},
      {"Nội quy tiếp công dân và lịch làm việc của Ủy ban nhân dân {x}", "TB-UBND"},
      {NULL, NULL}},
     {"Căn cứ Nghị định số 59/2023/NĐ-CP ngày 14/8/2023 của Chính phủ quy định chi tiết một số "
      "điều của Luật Thực hiện dân chủ ở cơ sở;",
      "Căn cứ Nghị định số 61/2023/NĐ-CP ngày 16/8/2023 của Chính phủ về xây dựng và thực hiện "
      "hương ước, quy ước của cộng đồng dân cư;",
      NULL},
     "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân {x}",
     "Văn bản gồm 5 chương, {K} điều, quy định những nội dung Nhân dân được biết, được bàn và "
     "quyết định, được tham gia ý kiến, được kiểm tra, giám sát; trách nhiệm của cán bộ, công "
     "chức và các tổ chức trong hệ thống chính trị {x}.",
     {"Những nội dung công khai để Nhân dân biết và hình thức công khai;",
      "Những nội dung Nhân dân bàn và quyết định trực tiếp hoặc biểu quyết tại hội nghị {V};",
      "Những nội dung Nhân dân tham gia ý kiến trước khi cơ quan có thẩm quyền quyết định;",
      "Trách nhiệm của cán bộ, công chức trong tiếp nhận, giải quyết kiến nghị của Nhân dân;",
      "Thời gian tiếp công dân: sáng thứ Năm hằng tuần tại trụ sở Ủy ban nhân dân {x}.", NULL},
     T_NONE},
    /* CK05 */
    {{{"Công khai các khoản huy động đóng góp xây dựng nhà văn hóa {v}", "TB-UBND"},
      {"Công khai kết quả vận động ủng hộ Quỹ Vì người nghèo năm {y}", "TB-UBND"},
      {"Công khai thu, chi Quỹ phòng, chống thiên tai năm {y}", "BC-UBND"},
      {"Công khai danh sách tổ chức, cá nhân tài trợ công trình {r}", "TB-UBND"},
      {"Công khai mức đóng góp của Nhân dân làm đường bê tông {v}", "TB-UBND"},
      {"Công khai kết quả vận động Quỹ Đền ơn đáp nghĩa năm {y}", "TB-UBND"},
      {NULL, NULL}},
     {"Căn cứ Nghị quyết số {K}/NQ-HĐND ngày {E} của Hội đồng nhân dân {x} về chủ trương huy "
      "động đóng góp tự nguyện của Nhân dân;",
      "Căn cứ biên bản hội nghị {w} ngày {B} thống nhất mức đóng góp;", NULL},
     "công chức Tài chính – Kế toán",
     "Tổng số tiền huy động được là {a} đồng từ {k} hộ gia đình và các tổ chức, cá nhân trong và "
     "ngoài {x}; mức đóng góp bình quân {b} đồng/hộ theo biên bản hội nghị {V} đã thống nhất.",
     {"Số tiền đã chi cho công trình: {a} đồng;", "Số tiền còn lại chuyển sang năm sau: {b} đồng;",
      "Hộ nghèo, hộ chính sách được miễn đóng góp;",
      "Mọi khoản đóng góp đều có biên lai và sổ theo dõi tại Ủy ban nhân dân {x}.", NULL},
     T_DONORS},
    /* CK06 */
    {{{"Công khai tài sản công: xe ô tô, trụ sở Ủy ban nhân dân {x}", "BC-UBND"},
      {"Công khai tình hình quản lý, sử dụng tài sản công năm {l}", "BC-UBND"},
      {"Công khai kết quả thanh lý tài sản công: {u}", "TB-UBND"},
      {"Công khai việc sử dụng nhà văn hóa {v} vào mục đích cộng đồng", "TB-UBND"},
      {"Công khai danh mục đất công ích do {x} quản lý năm {y}", "TB-UBND"},
      {"Công khai kế hoạch mua sắm tài sản, trang thiết bị làm việc năm {y}", "KH-UBND"},
      {NULL, NULL}},
     {"Căn cứ Luật Quản lý, sử dụng tài sản công số 15/2017/QH14 ngày 21/6/2017;",
      "Căn cứ Nghị định số 151/2017/NĐ-CP ngày 26/12/2017 của Chính phủ quy định chi tiết một số "
      "điều của Luật Quản lý, sử dụng tài sản công;",
      NULL},
     "công chức Tài chính – Kế toán",
     "Tổng nguyên giá tài sản công do Ủy ban nhân dân {x} quản lý là {a} đồng, giá trị còn lại "
     "{a} đồng; tài sản được sử dụng đúng mục đích, tiêu chuẩn, định mức.",
     {"Trụ sở làm việc: diện tích đất {z} m², diện tích sàn xây dựng {z} m²;",
      "Xe ô tô phục vụ công tác chung: 01 chiếc, đưa vào sử dụng năm 2018;",
      "Máy móc, thiết bị văn phòng: {k} bộ;",
      "Tài sản thanh lý trong năm: {u}; số tiền thu được {b} đồng nộp ngân sách.", NULL},
     T_ASSETS},
    /* CK07 */
    {{{"Danh sách hộ nghèo, hộ cận nghèo năm {y} được hỗ trợ", "QĐ-UBND"},
      {"Danh sách đối tượng hưởng trợ cấp xã hội hằng tháng {q}", "QĐ-UBND"},
      {"Danh sách hộ nghèo, hộ cận nghèo {v} năm {y}", "QĐ-UBND"},
      {"Danh sách hộ được vay vốn Ngân hàng Chính sách xã hội {q}", "TB-UBND"},
      {"Danh sách người có công được tặng quà nhân dịp {o}", "QĐ-UBND"},
      {"Danh sách hộ nghèo được hỗ trợ xây dựng, sửa chữa nhà ở năm {y}", "QĐ-UBND"},
      {"Danh sách học sinh được miễn, giảm học phí năm học {y}–{n}", "QĐ-UBND"},
      {"Danh sách người cao tuổi {v} được hưởng trợ cấp xã hội", "QĐ-UBND"}},
     {"Căn cứ Nghị định số 20/2021/NĐ-CP ngày 15/3/2021 của Chính phủ quy định chính sách trợ "
      "giúp xã hội đối với đối tượng bảo trợ xã hội;",
      "Căn cứ Nghị định số 07/2021/NĐ-CP ngày 27/01/2021 của Chính phủ quy định chuẩn nghèo đa "
      "chiều giai đoạn 2021 – 2025;",
      "Căn cứ kết quả bình xét tại hội nghị {w} ngày {B};", NULL},
     "công chức Văn hóa – Xã hội",
     "Danh sách gồm {k} hộ được hưởng chính sách với tổng kinh phí {a} đồng; mức hỗ trợ {b} "
     "đồng/người/tháng, chi trả qua tổ chi trả của {x} hoặc vào tài khoản của người hưởng.",
     {"Thời điểm hưởng: từ tháng {m}/{y};",
      "Đối tượng có thay đổi (chuyển đi, từ trần) được điều chỉnh theo quy định;",
      "Người dân có ý kiến về danh sách phản ánh với {H} hoặc Ủy ban nhân dân {x} trong thời gian "
      "niêm yết;",
      "Kinh phí thực hiện từ nguồn ngân sách nhà nước theo phân cấp.", NULL},
     T_PEOPLE},
    /* CK08 */
    {{{"Danh sách hộ được hỗ trợ khắc phục thiệt hại do {t}", "QĐ-UBND"},
      {"Công khai kết quả tiếp nhận, phân bổ tiền, hàng ủng hộ khắc phục hậu quả {t}", "BC-UBND"},
      {"Danh sách hộ {v} bị thiệt hại về nhà ở do {t}", "TB-UBND"},
      {"Kế hoạch phòng, chống dịch sốt xuất huyết trên địa bàn {x} năm {y}", "KH-UBND"},
      {"Danh sách người mắc bệnh hiểm nghèo được hỗ trợ {q}", "QĐ-UBND"},
      {"Công khai mức hỗ trợ thiệt hại cây trồng, vật nuôi do {t}", "TB-UBND"},
      {NULL, NULL}},
     {"Căn cứ Luật Phòng, chống thiên tai số 33/2013/QH13 ngày 19/6/2013;",
      "Căn cứ Nghị định số 93/2021/NĐ-CP ngày 27/10/2021 của Chính phủ về vận động, tiếp nhận, "
      "phân phối và sử dụng các nguồn đóng góp tự nguyện hỗ trợ khắc phục khó khăn do thiên "
      "tai, dịch bệnh, sự cố; hỗ trợ bệnh nhân mắc bệnh hiểm nghèo;",
      "Căn cứ biên bản kiểm tra, đánh giá thiệt hại của Ban Chỉ huy phòng thủ dân sự {x} ngày "
      "{B};",
      NULL},
     "Ban Chỉ huy phòng thủ dân sự {x}",
     "Tổng số hộ bị thiệt hại là {k} hộ; tổng kinh phí hỗ trợ {a} đồng, trong đó ngân sách nhà "
     "nước {a} đồng và nguồn ủng hộ của các tổ chức, cá nhân {a} đồng.",
     {"Hộ có nhà bị sập, trôi hoàn toàn: hỗ trợ {b} đồng/hộ;",
      "Hộ có nhà bị hư hỏng nặng, tốc mái: hỗ trợ {b} đồng/hộ;",
      "Diện tích lúa, hoa màu thiệt hại trên 70%: hỗ trợ {b} đồng/ha;",
      "Tiền, hàng được trao trực tiếp đến từng hộ trước ngày {d}.", NULL},
     T_PEOPLE},
    /* CK09 */
    {{{"Danh sách công dân được gọi nhập ngũ năm {n}", "TB-UBND"},
      {"Danh sách công dân đủ điều kiện khám sức khỏe nghĩa vụ quân sự năm {n}", "TB-UBND"},
      {"Danh sách công dân thực hiện nghĩa vụ tham gia Công an nhân dân năm {n}", "TB-UBND"},
      {"Thông báo chỉ tiêu tuyển quân năm {n} của {x} {c}", "TB-UBND"},
      {"Danh sách thanh niên {v} trong độ tuổi gọi nhập ngũ năm {n}", "TB-UBND"},
      {"Kế hoạch đăng ký nghĩa vụ quân sự lần đầu cho công dân nam đủ 17 tuổi năm {n}", "KH-UBND"},
      {NULL, NULL}},
     {"Căn cứ Luật Nghĩa vụ quân sự số 78/2015/QH13 ngày 19/6/2015;",
      "Căn cứ Nghị định số 70/2019/NĐ-CP ngày 23/8/2019 của Chính phủ quy định về thực hiện "
      "nghĩa vụ tham gia Công an nhân dân;",
      "Căn cứ Quyết định giao chỉ tiêu tuyển chọn và gọi công dân nhập ngũ năm {n} của Ủy ban "
      "nhân dân {p};",
      NULL},
     "Ban Chỉ huy quân sự {x}",
     "Năm {n}, {x} {c} được giao chỉ tiêu {K} công dân nhập ngũ; Hội đồng nghĩa vụ quân sự {x} "
     "đã xét duyệt công khai, dân chủ, đúng tiêu chuẩn; gia đình có con em nhập ngũ được tặng "
     "quà {b} đồng/người.",
     {"Thời gian khám sức khỏe: ngày {d} tại Trung tâm Y tế khu vực;",
      "Công dân có tên trong danh sách có mặt tại trụ sở Ban Chỉ huy quân sự {x} theo giấy gọi;",
      "Trường hợp tạm hoãn, miễn gọi nhập ngũ thực hiện theo Điều 41 Luật Nghĩa vụ quân sự;",
      "Lễ giao nhận quân tổ chức tại hội trường Ủy ban nhân dân {x}.", NULL},
     T_RECRUITS},
    /* CK10 */
    {{{"Kết luận thanh tra việc quản lý, sử dụng đất công ích tại {x} {c}", "KL-TTr"},
      {"Kết luận kiểm tra việc thu, chi các khoản đóng góp của Nhân dân tại {v}", "KL-UBND"},
      {"Kết quả lấy phiếu tín nhiệm đối với người giữ chức vụ do Hội đồng nhân dân {x} bầu năm "
       "{y}",
       "TB-HĐND"},
      {"Kết luận thanh tra công trình {r}", "KL-TTr"},
      {"Báo cáo kết quả công tác phòng, chống tham nhũng, tiêu cực {P}", "BC-UBND"},
      {"Công khai bản kê khai tài sản, thu nhập năm {l} của cán bộ, công chức {x}", "TB-UBND"},
      {NULL, NULL}},
     {"Căn cứ Luật Thanh tra số 11/2022/QH15 ngày 14/11/2022;",
      "Căn cứ Luật Phòng, chống tham nhũng số 36/2018/QH14 ngày 20/11/2018;", NULL},
     "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân {x}",
     "Kết quả thanh tra, kiểm tra cho thấy Ủy ban nhân dân {x} cơ bản thực hiện đúng quy định; "
     "còn tồn tại như hồ sơ lưu trữ chưa đầy đủ, {k} trường hợp chậm nộp tiền với tổng số {a} "
     "đồng. Không phát hiện hành vi tham nhũng.",
     {"Kiến nghị thu hồi nộp ngân sách nhà nước: {b} đồng;",
      "Yêu cầu các tổ chức, cá nhân liên quan kiểm điểm, rút kinh nghiệm;",
      "Hoàn thiện hồ sơ, chấm dứt hợp đồng cho thuê đất công ích không đúng quy định trước ngày "
      "{d};",
      "Giao {O} theo dõi, báo cáo kết quả thực hiện kết luận.", NULL},
     T_NONE},
    /* CK11 */
    {{{"Kế hoạch lấy ý kiến Nhân dân về dự thảo {g}", "KH-UBND"},
      {"Báo cáo tổng hợp ý kiến Nhân dân về dự thảo {g}", "BC-UBND"},
      {"Thông báo kết quả tiếp thu, giải trình ý kiến của Nhân dân về {g}", "TB-UBND"},
      {"Kế hoạch tổ chức hội nghị đối thoại giữa Chủ tịch Ủy ban nhân dân {x} với Nhân dân năm {y}",
       "KH-UBND"},
      {"Lấy ý kiến Nhân dân {v} về phương án đặt tên đường, ngõ", "KH-UBND"},
      {NULL, NULL}},
     {"Căn cứ Nghị định số 59/2023/NĐ-CP ngày 14/8/2023 của Chính phủ quy định chi tiết một số "
      "điều của Luật Thực hiện dân chủ ở cơ sở;",
      NULL},
     "công chức Văn phòng – Thống kê",
     "Việc lấy ý kiến thực hiện từ ngày {e} đến ngày {d} qua hội nghị tại các {V}, phiếu lấy ý "
     "kiến "
     "gửi đến từng hộ gia đình và hộp thư góp ý trên Cổng thông tin điện tử {x}.",
     {"Số hộ gia đình được phát phiếu: {k} hộ;", "Tỷ lệ ý kiến đồng ý với dự thảo: {J}%;",
      "Các ý kiến khác chủ yếu đề nghị điều chỉnh hướng tuyến đường, bổ sung bãi đỗ xe và khu vui "
      "chơi cho trẻ em;",
      "Ủy ban nhân dân {x} tiếp thu, giải trình và công khai kết quả trước ngày {d}.", NULL},
     T_NONE},
    /* CK12 */
    {{{"Công khai mức thu phí chợ, lệ phí chứng thực áp dụng từ ngày {d}", "TB-UBND"},
      {"Công khai mức thu phí sử dụng vị trí kinh doanh tại chợ {c}", "TB-UBND"},
      {"Công khai giá dịch vụ thu gom, vận chuyển rác thải sinh hoạt {v}", "TB-UBND"},
      {"Công khai mức thu lệ phí đăng ký hộ tịch năm {y}", "TB-UBND"},
      {"Công khai kết quả thu phí, lệ phí {q}", "BC-UBND"},
      {"Công khai mức thu phí trông giữ xe tại khu vực chợ và nhà văn hóa {w}", "TB-UBND"},
      {NULL, NULL}},
     {"Căn cứ Luật Phí và lệ phí số 97/2015/QH13 ngày 25/11/2015;",
      "Căn cứ Nghị quyết số {K}/NQ-HĐND ngày {E} của Hội đồng nhân dân {p} quy định mức thu, chế "
      "độ thu, nộp, quản lý và sử dụng các loại phí, lệ phí trên địa bàn tỉnh;",
      NULL},
     "công chức Tài chính – Kế toán",
     "Mức thu được niêm yết tại nơi thu; người nộp được cấp biên lai theo quy định. Số thu {q} là "
     "{a} đồng, đã nộp ngân sách theo phân cấp.",
     {"Phí sử dụng vị trí kinh doanh cố định tại chợ: {s} đồng/m²/tháng;",
      "Lệ phí chứng thực bản sao từ bản chính: 2.000 đồng/trang, từ trang thứ ba 1.000 "
      "đồng/trang;",
      "Lệ phí chứng thực chữ ký: 10.000 đồng/trường hợp;",
      "Người có công, hộ nghèo được miễn lệ phí đăng ký hộ tịch.", NULL},
     T_FEES},
    /* CK13 */
    {{{"Thủ tục đăng ký khai sinh, kết hôn tại Ủy ban nhân dân {x}", "TB-UBND"},
      {"Danh mục thủ tục hành chính thuộc thẩm quyền giải quyết của Ủy ban nhân dân {x}",
       "QĐ-UBND"},
      {"Thủ tục chứng thực bản sao từ bản chính, chứng thực chữ ký", "TB-UBND"},
      {"Hướng dẫn thủ tục đăng ký khai tử, cấp bản sao trích lục hộ tịch", "TB-UBND"},
      {"Quy trình nội bộ giải quyết thủ tục hành chính lĩnh vực {f}", "QĐ-UBND"},
      {"Lịch tiếp nhận hồ sơ tại Bộ phận Một cửa {x} tháng {m}/{y}", "TB-UBND"},
      {NULL, NULL}},
     {"Căn cứ Luật Hộ tịch số 60/2014/QH13 ngày 20/11/2014;",
      "Căn cứ Nghị định số 63/2010/NĐ-CP ngày 08/6/2010 của Chính phủ về kiểm soát thủ tục hành "
      "chính;",
      "Căn cứ Quyết định số {K}/QĐ-UBND ngày {E} của Chủ tịch Ủy ban nhân dân {p} công bố danh "
      "mục thủ tục hành chính;",
      NULL},
     "công chức Tư pháp – Hộ tịch",
     "Hồ sơ nộp trực tiếp tại Bộ phận Một cửa của Ủy ban nhân dân {x} hoặc trực tuyến trên Cổng "
     "Dịch vụ công quốc gia; tiếp nhận từ thứ Hai đến thứ Sáu, sáng từ 7 giờ 30 đến 11 giờ 30, "
     "chiều từ 13 giờ 30 đến 17 giờ.",
     {"Đăng ký khai sinh: tờ khai theo mẫu và giấy chứng sinh; giải quyết trong ngày;",
      "Đăng ký kết hôn: tờ khai theo mẫu, hai bên nam, nữ có mặt; giải quyết trong ngày;",
      "Chứng thực bản sao từ bản chính: xuất trình bản chính; trả kết quả trong ngày;",
      "Miễn lệ phí đăng ký khai sinh, khai tử đúng hạn và đăng ký kết hôn.", NULL},
     T_NONE},
    /* CK14 */
    {{{"Thông báo lịch tiếp công dân của Chủ tịch Ủy ban nhân dân {x} tháng {m}/{y}", "TB-UBND"},
      {"Thông báo lịch tạm ngừng cung cấp điện {v} ngày {d}", "TB-UBND"},
      {"Thông báo tổ chức Ngày hội Đại đoàn kết toàn dân tộc {v} năm {y}", "TB-UBND"},
      {"Thông báo tuyển dụng hợp đồng lao động tại Ủy ban nhân dân {x} năm {y}", "TB-UBND"},
      {"Thông báo lịch tiêm chủng mở rộng tháng {m}/{y}", "TB-UBND"},
      {"Kế hoạch tổng vệ sinh môi trường hưởng ứng Ngày Chủ nhật xanh tháng {m}/{y}", "KH-UBND"},
      {NULL, NULL}},
     {NULL},
     "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân {x}",
     "Ủy ban nhân dân {x} đề nghị các {V}, cơ quan, đơn vị trên địa bàn phổ biến nội dung thông "
     "báo đến Nhân dân; thời gian thực hiện từ ngày {d}.",
     {"Địa điểm: hội trường Ủy ban nhân dân {x} và nhà văn hóa các {V};",
      "Thành phần: đại diện các hộ gia đình, {H}, trưởng các đoàn thể;",
      "Thông tin chi tiết liên hệ Văn phòng Ủy ban nhân dân {x} trong giờ hành chính.", NULL},
     T_NONE},
};

static const char *const projects[] = {
    "mở rộng đường liên {V} {2}",
    "nâng cấp, mở rộng đường giao thông {w}",
    "xây dựng nhà văn hóa {w}",
    "cải tạo hệ thống thoát nước {w}",
    "xây dựng Trường Mầm non {c}",
    "cải tạo, sửa chữa Trường Tiểu học {c}",
    "xây dựng Trạm Y tế {x} {c}",
    "cải tạo chợ {c}",
    "lắp đặt hệ thống chiếu sáng công cộng {w}",
    "xây dựng khu tái định cư {w}",
    "nạo vét, kè bờ ao {w}",
    "xây dựng cầu dân sinh {w}",
    "đường trục chính trung tâm {x} {c}",
    "mở rộng nghĩa trang nhân dân {x} {c}",
    "cấp nước sinh hoạt tập trung {w}",
    "kè chống sạt lở bờ sông đoạn qua {w}",
    "xây dựng sân thể thao {w}",
};
static const char *const disasters[] = {
    "bão số 3",
    "bão số 5",
    "bão số 6 và hoàn lưu sau bão",
    "mưa lớn, ngập úng tháng {m}/{y}",
    "lốc xoáy, mưa đá",
    "sạt lở đất tại {w}",
    "dịch tả lợn châu Phi",
};
static const char *const occasions[] = {
    "Ngày Thương binh – Liệt sĩ 27/7",  "Tết Nguyên đán năm {n}", "Quốc khánh 2/9", "Tết Trung thu",
    "Ngày Quốc tế Người cao tuổi 1/10",
};
static const char *const fields[] = {
    "hộ tịch", "chứng thực", "đất đai", "bảo trợ xã hội", "người có công", "văn hóa – thể thao",
};
static const char *const consultations[] = {
    "quy hoạch chung {x} {c} đến năm 2035",
    "quy hoạch chi tiết khu trung tâm {x}",
    "kế hoạch sử dụng đất năm {n}",
    "chủ trương đầu tư dự án {r}",
    "hương ước {w} (sửa đổi)",
    "đề án phát triển giao thông {x} {c} giai đoạn 2026 – 2030",
};
static const char *const assets[] = {
    "máy vi tính, máy in đã hết thời gian sử dụng",
    "xe ô tô 7 chỗ đã hết niên hạn sử dụng",
    "bàn ghế, tủ tài liệu hư hỏng",
    "nhà văn hóa cũ của {w}",
};
static const char *const quarters[] = {"I", "II", "III", "IV"};

static const char *const family_names[] = {
    "Nguyễn", "Trần", "Lê",  "Phạm", "Hoàng", "Huỳnh", "Phan",  "Vũ",
    "Võ",     "Đặng", "Bùi", "Đỗ",   "Hồ",    "Ngô",   "Dương", "Lý",
};
static const char *const male_middle[] = {"Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Xuân"};
static const char *const female_middle[] = {"Thị", "Thu", "Ngọc", "Thanh", "Kim", "Mai"};
static const char *const male_given[] = {
    "An",  "Bình",  "Cường", "Dũng", "Đức",   "Hải",   "Hùng", "Hưng", "Khánh", "Long",
    "Nam", "Phong", "Quân",  "Sơn",  "Thắng", "Thành", "Tuấn", "Việt", "Vinh",  "Toàn",
};
static const char *const female_given[] = {
    "Anh", "Chi",   "Dung",   "Hà",  "Hạnh", "Hoa",   "Hương", "Lan", "Liên",  "Linh",
    "Mai", "Nhung", "Phương", "Tâm", "Thảo", "Trang", "Vân",   "Yến", "Huyền", "Loan",
};
static const char *const schooling[] = {"12/12",     "12/12",    "9/12",
                                        "Trung cấp", "Cao đẳng", "Đại học"};
static const char *const firms[] = {
    "Công ty TNHH Xây dựng Thành Đạt",
    "Hợp tác xã Dịch vụ nông nghiệp {c}",
    "Chi hội Cựu chiến binh {w}",
    "Doanh nghiệp tư nhân Minh Phát",
    "Ngân hàng Nông nghiệp và Phát triển nông thôn chi nhánh {c}",
    "Hội Đồng hương {c} tại Thành phố Hồ Chí Minh",
};

/* Village kind words as a name starts with them, and as they read inside a sentence. */
static const char *const kind_words[][2] = {
    {"Thôn", "thôn"},
    {"Tổ dân phố", "tổ dân phố"},
    {"Khu phố", "khu phố"},
    {"Khối phố", "khối phố"},
    {"Tiểu khu", "tiểu khu"},
    {"Xóm", "xóm"},
    {"Ấp", "ấp"},
    {"Bản", "bản"},
    {"Buôn", "buôn"},
    {"Làng", "làng"},
    {"Khóm", "khóm"},
    {"Bon", "bon"},
};

/* ---- the build ---- */

/* One of the commune's villages (or residential groups). */
struct village {
    int64_t id;             /* units.id */
    const char *name;       /* "Thôn Đông Lao" */
    const char *lower;      /* "thôn Đông Lao": inside a sentence */
    const char *short_name; /* "Đông Lao" */
    const char *board_note; /* "Niêm yết tại bảng tin nhà văn hóa thôn Đông Lao" */
    const char *head_note;  /* "Trưởng thôn thông báo tại hội nghị thôn Đông Lao" */
};

/* The last number a document type got, so that rich items never share one. */
struct doc_counter {
    const char *type; /* "TB-UBND" */
    int last;         /* its last number */
};

struct demo {
    struct db *db;                    /* the caller's connection */
    const struct disclosure_env *env; /* calendar and rules */
    struct rng rng;                   /* the build's generator */
    struct arena *keep;               /* strings that live for the whole build */
    struct arena *a;                  /* one item's strings, reset per item */
    struct unit commune;              /* the commune */
    const char *kx;                   /* "xã", "phường" or "đặc khu" */
    const char *cname;                /* "Hòa Bình" */
    const char *province;             /* "tỉnh Sơn Hà" */
    const char *vk;                   /* "thôn" or "tổ dân phố" */
    const char *vk_cap;               /* "Thôn" or "Tổ dân phố" (table headers) */
    const char *vhead;                /* "Trưởng thôn" or "Tổ trưởng tổ dân phố" */
    const char *office_note;          /* note of a posting at the UBND office */
    const char *loud_note;            /* note of a broadcast */
    struct village *v;                /* the commune's villages */
    size_t nv;                        /* their count */
    const char *chair;                /* chairman of the commune's UBND (signer) */
    const char *vice;                 /* a vice-chairman (signer) */
    const char *council;              /* chairman of the commune's HĐND (signer) */
    const char *owners[3];            /* officials who answer for the disclosure plans (C4) */
    struct doc_counter nums[16];      /* last number per document type (rich items) */
    size_t n_nums;                    /* types used */
    struct date today;                /* in Vietnam */
    int64_t now;                      /* unix time */
};

/* What an item is made to show. */
enum role {
    R_BULK = 0,  /* one of the plain items after the first RICH */
    R_NORMAL,    /* published on time, postings complete or running */
    R_LATE,      /* published 6-12 working days after the decision */
    R_MISSING,   /* one village's posting never recorded */
    R_BROKEN,    /* a village's posting taken down after 20 days */
    R_SECRET,    /* state secret: published, never public */
    R_WITHDRAWN, /* published, then withdrawn */
    R_CORRECTED, /* published, then corrected once */
    R_LOUD2,     /* broadcast on 2 days only */
    R_DRAFT,     /* a recent decision not yet published */
    R_OLD_DRAFT, /* a decision weeks old never published */
    R_SCHEDULED, /* published tomorrow 07:30 */
};

/* One item being generated. */
struct gen {
    enum role role;                /* what it shows */
    int category;                  /* 1..14 */
    const struct cat_text *ct;     /* its texts */
    const struct tmpl *tmpl;       /* its title template */
    const struct village *village; /* the one village it concerns, or NULL */
    const struct dc_rules *rules;  /* rules in force on its decision date */
    struct date decision;          /* decision date */
    struct date shown;             /* publication date, or the planned one for a draft */
    uint64_t seed;                 /* title, body and tables derive from it */
    int fix;                       /* 1 while writing a corrected body */
    int n_amounts;                 /* amounts written so far */
    int table;                     /* 1: the body carries its category's table */
    int attach_rows;               /* rows of the PDF appendix, 0 for none */
};

static const char *vn_date(struct arena *a, struct date d)
{
    char *s = arena_alloc(a, 11);
    date_format_vn(d, s);
    return s;
}

static const char *iso_date(struct arena *a, struct date d)
{
    char *s = arena_alloc(a, 11);
    date_format_iso(d, s);
    return s;
}

/* 1250000000 → "1.250.000.000". */
static void put_grouped(struct buf *b, int64_t v)
{
    char digits[24];
    int n = snprintf(digits, sizeof digits, "%lld", (long long)(v < 0 ? -v : v));
    if (v < 0)
        buf_putc(b, '-');
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf_putc(b, '.');
        buf_putc(b, digits[i]);
    }
}

static const char *grouped(struct arena *a, int64_t v)
{
    struct buf b;
    buf_init(&b, a);
    put_grouped(&b, v);
    return b.ptr;
}

/* An amount in the body; the first one of a corrected body is a tenth higher. */
static void put_amount(struct gen *g, struct buf *b, int64_t v)
{
    if (g->fix && g->n_amounts == 0)
        v += v / 10;
    g->n_amounts++;
    put_grouped(b, v);
}

static const char *person(struct rng *r, struct arena *a, int male)
{
    const char *fam = PICK(r, family_names);
    if (male)
        return arena_printf(a, "%s %s %s", fam, PICK(r, male_middle), PICK(r, male_given));
    return arena_printf(a, "%s %s %s", fam, PICK(r, female_middle), PICK(r, female_given));
}

static const struct village *any_village(const struct demo *d, const struct gen *g, struct rng *r)
{
    if (g->village)
        return g->village;
    return d->nv ? &d->v[rnd(r, 0, (int)d->nv - 1)] : NULL;
}

static void expand(struct demo *d, struct gen *g, struct rng *r, struct buf *b, const char *fmt,
                   int depth);

/* Fills one placeholder {c}. */
static void placeholder(struct demo *d, struct gen *g, struct rng *r, struct buf *b, char c,
                        int depth)
{
    int y = g->decision.y, m = g->decision.m;
    const struct village *w;
    switch (c) {
    case 'x':
        buf_puts(b, d->kx);
        break;
    case 'c':
        buf_puts(b, d->cname);
        break;
    case 'p':
        buf_puts(b, d->province);
        break;
    case 'v':
    case 'w':
        w = c == 'v' ? g->village : any_village(d, g, r);
        if (w)
            buf_puts(b, w->lower);
        else
            buf_printf(b, "%s %s", d->kx, d->cname);
        break;
    case '2':
        if (d->nv >= 2) {
            int i = rnd(r, 0, (int)d->nv - 1);
            int j = (i + rnd(r, 1, (int)d->nv - 1)) % (int)d->nv;
            buf_printf(b, "%s – %s", d->v[i].short_name, d->v[j].short_name);
        } else {
            buf_puts(b, d->cname);
        }
        break;
    case 'V':
        buf_puts(b, d->vk);
        break;
    case 'H':
        buf_puts(b, d->vhead);
        break;
    case 'y':
        buf_printf(b, "%d", y);
        break;
    case 'n':
        buf_printf(b, "%d", y + 1);
        break;
    case 'l':
        buf_printf(b, "%d", y - 1);
        break;
    case 'm':
        buf_printf(b, "%d", m);
        break;
    case 'q': /* the last whole quarter before the decision */
        if (m <= 3)
            buf_printf(b, "quý IV năm %d", y - 1);
        else
            buf_printf(b, "quý %s năm %d", quarters[(m - 1) / 3 - 1], y);
        break;
    case 'P':
        if (m <= 3)
            buf_printf(b, "năm %d", y - 1);
        else if (m <= 6)
            buf_printf(b, "quý I năm %d", y);
        else if (m <= 9)
            buf_printf(b, "6 tháng đầu năm %d", y);
        else
            buf_printf(b, "9 tháng năm %d", y);
        break;
    case 'e':
        buf_puts(b, vn_date(d->a, g->decision));
        break;
    case 'd':
        buf_puts(b, vn_date(d->a, date_add_days(g->decision, rnd(r, 5, 20))));
        break;
    case 'B':
        buf_puts(b, vn_date(d->a, date_add_days(g->decision, -rnd(r, 3, 12))));
        break;
    case 'E':
        buf_puts(b, vn_date(d->a, (struct date){y - 1, 12, rnd(r, 5, 22)}));
        break;
    case 'a':
        put_amount(g, b, (int64_t)rnd(r, 4, 160) * 25000000);
        break;
    case 'b':
        put_amount(g, b, (int64_t)rnd(r, 5, 60) * 100000);
        break;
    case 's':
        put_amount(g, b, (int64_t)rnd(r, 4, 40) * 5000);
        break;
    case 'k':
        buf_printf(b, "%d", rnd(r, 3, 150));
        break;
    case 'K':
        buf_printf(b, "%d", rnd(r, 12, 40));
        break;
    case 'z':
        put_grouped(b, (int64_t)rnd(r, 2, 120) * 50);
        break;
    case 'i':
        buf_printf(b, "%d", rnd(r, 55, 95));
        break;
    case 'j':
        buf_printf(b, "%d,%d", rnd(r, 1, 4), rnd(r, 0, 9));
        break;
    case 'J':
        buf_printf(b, "%d,%d", rnd(r, 86, 98), rnd(r, 0, 9));
        break;
    case '%':
        buf_printf(b, "%d,%d", rnd(r, 3, 11), rnd(r, 0, 9));
        break;
    case 'r':
        expand(d, g, r, b, PICK(r, projects), depth + 1);
        break;
    case 't':
        expand(d, g, r, b, PICK(r, disasters), depth + 1);
        break;
    case 'o':
        expand(d, g, r, b, PICK(r, occasions), depth + 1);
        break;
    case 'f':
        buf_puts(b, PICK(r, fields));
        break;
    case 'g':
        expand(d, g, r, b, PICK(r, consultations), depth + 1);
        break;
    case 'u':
        expand(d, g, r, b, PICK(r, assets), depth + 1);
        break;
    case 'O':
        expand(d, g, r, b, g->ct->office, depth + 1);
        break;
    default:
        buf_printf(b, "{%c}", c);
    }
}

/* Appends fmt with its placeholders filled. */
static void expand(struct demo *d, struct gen *g, struct rng *r, struct buf *b, const char *fmt,
                   int depth)
{
    for (const char *p = fmt; *p; p++) {
        if (p[0] == '{' && p[1] && p[2] == '}' && depth < 4) {
            placeholder(d, g, r, b, p[1], depth);
            p += 2;
        } else {
            buf_putc(b, *p);
        }
    }
}

/* A paragraph (a block followed by a blank line). */
static void para(struct demo *d, struct gen *g, struct rng *r, struct buf *b, const char *fmt)
{
    expand(d, g, r, b, fmt, 0);
    buf_puts(b, "\n\n");
}

/* ---- tables ---- */

/* The cells of row i (1-based) of a list table; n_cells is fixed per kind. */
static size_t list_row(struct demo *d, struct gen *g, struct rng *r, int i, const char **cells)
{
    const struct village *w = any_village(d, g, r);
    const char *vname = w ? w->name : d->cname;
    cells[0] = arena_printf(d->a, "%d", i);
    switch (g->ct->table) {
    case T_PEOPLE:
        cells[1] = person(r, d->a, chance(r, 55));
        cells[2] = vname;
        cells[3] = grouped(d->a, (int64_t)rnd(r, 5, 60) * 100000);
        return 4;
    case T_RECRUITS:
        cells[1] = person(r, d->a, 1);
        cells[2] = arena_printf(d->a, "%d", g->decision.y + 1 - rnd(r, 18, 25));
        cells[3] = vname;
        cells[4] = PICK(r, schooling);
        return 5;
    case T_DONORS:
        if (chance(r, 20)) {
            struct buf b;
            buf_init(&b, d->a);
            expand(d, g, r, &b, PICK(r, firms), 0);
            cells[1] = b.ptr;
        } else {
            int male = chance(r, 60);
            cells[1] = arena_printf(d->a, "Hộ %s %s", male ? "ông" : "bà", person(r, d->a, male));
        }
        cells[2] = vname;
        cells[3] = grouped(d->a, (int64_t)rnd(r, 2, 100) * 100000);
        return 4;
    case T_LAND:
        cells[1] = person(r, d->a, chance(r, 60));
        cells[2] =
            arena_printf(d->a, "Thửa số %d, tờ bản đồ số %d", rnd(r, 12, 480), rnd(r, 3, 42));
        cells[3] = grouped(d->a, rnd(r, 30, 900));
        cells[4] = grouped(d->a, (int64_t)rnd(r, 20, 900) * 1000000);
        return 5;
    default:
        return 0;
    }
}

/* Header of a list table, with the column widths of its PDF appendix (165 mm in all). */
static size_t list_header(const struct demo *d, enum table_kind k, const char **titles,
                          double *widths)
{
    static const double people[] = {12, 63, 45, 45};
    static const double recruits[] = {12, 55, 23, 40, 35};
    static const double land[] = {12, 45, 43, 27, 38};
    const double *w = people;
    size_t n = 4;
    titles[0] = "STT";
    switch (k) {
    case T_PEOPLE:
        titles[1] = "Họ và tên";
        titles[2] = d->vk_cap;
        titles[3] = "Mức hỗ trợ (đồng)";
        break;
    case T_RECRUITS:
        titles[1] = "Họ và tên";
        titles[2] = "Năm sinh";
        titles[3] = d->vk_cap;
        titles[4] = "Trình độ học vấn";
        w = recruits;
        n = 5;
        break;
    case T_DONORS:
        titles[1] = "Tổ chức, cá nhân";
        titles[2] = "Địa chỉ";
        titles[3] = "Số tiền (đồng)";
        break;
    case T_LAND:
        titles[1] = "Họ và tên chủ sử dụng đất";
        titles[2] = "Thửa đất";
        titles[3] = "Diện tích thu hồi (m²)";
        titles[4] = "Kinh phí bồi thường, hỗ trợ (đồng)";
        w = land;
        n = 5;
        break;
    default:
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        widths[i] = w[i];
    return n;
}

static void md_row(struct buf *b, const char *const *cells, size_t n)
{
    buf_puts(b, "|");
    for (size_t i = 0; i < n; i++)
        buf_printf(b, " %s |", cells[i]);
    buf_puts(b, "\n");
}

/* Percentage with a decimal comma. */
static void put_percent(struct buf *b, int64_t part, int64_t whole)
{
    int64_t tenths = whole ? (part * 1000 + whole / 2) / whole : 0;
    buf_printf(b, "%lld,%lld", (long long)(tenths / 10), (long long)(tenths % 10));
}

/* The table of a rich body. */
static void table(struct demo *d, struct gen *g, struct buf *b)
{
    struct rng r;
    rng_seed(&r, g->seed ^ 0x7ab1e);
    const char *cells[6];
    double widths[6];
    size_t n = list_header(d, g->ct->table, cells, widths);
    if (n) {
        md_row(b, cells, n);
        buf_puts(b, n == 4 ? "|---:|---|---|---:|\n" : "|---:|---|---|---|---|\n");
        int rows = g->attach_rows ? 5 : rnd(&r, 3, 7);
        for (int i = 1; i <= rows; i++)
            md_row(b, cells, list_row(d, g, &r, i, cells));
        buf_puts(b, "\n");
        if (g->attach_rows)
            buf_printf(b, "*Danh sách đầy đủ gồm %d trường hợp tại tệp đính kèm.*\n\n",
                       g->attach_rows);
        return;
    }
    switch (g->ct->table) {
    case T_BUDGET: {
        static const char *const lines[] = {
            "Tổng thu ngân sách", "Thu hưởng theo phân cấp", "Thu bổ sung từ ngân sách cấp trên",
            "Tổng chi ngân sách", "Chi đầu tư phát triển",   "Chi thường xuyên",
            "Dự phòng ngân sách",
        };
        static const char *const nums[] = {"A", "1", "2", "B", "1", "2", "3"};
        int64_t est[7], done[7];
        est[1] = (int64_t)rnd(&r, 20, 80) * 100000000;
        est[2] = (int64_t)rnd(&r, 30, 90) * 100000000;
        est[0] = est[1] + est[2];
        est[6] = est[0] / 50;
        est[4] = (int64_t)rnd(&r, 15, 35) * est[0] / 100;
        est[5] = est[0] - est[4] - est[6];
        est[3] = est[0];
        int pct_q = rnd(&r, 45, 95);
        for (int i = 0; i < 7; i++)
            done[i] = est[i] / 100 * (pct_q + rnd(&r, -8, 8));
        done[0] = done[1] + done[2];
        done[3] = done[4] + done[5] + done[6];
        buf_puts(b, "| STT | Nội dung | Dự toán (đồng) | Thực hiện (đồng) | So với dự toán (%) |\n"
                    "|---|---|---:|---:|---:|\n");
        for (int i = 0; i < 7; i++) {
            int bold = nums[i][0] == 'A' || nums[i][0] == 'B';
            buf_printf(b, "| %s | %s%s%s | ", nums[i], bold ? "**" : "", lines[i],
                       bold ? "**" : "");
            put_grouped(b, est[i]);
            buf_puts(b, " | ");
            put_grouped(b, done[i]);
            buf_puts(b, " | ");
            put_percent(b, done[i], est[i]);
            buf_puts(b, " |\n");
        }
        break;
    }
    case T_FEES:
        buf_puts(b, "| STT | Loại phí, lệ phí | Đơn vị tính | Mức thu (đồng) |\n"
                    "|---:|---|---|---:|\n");
        buf_printf(b,
                   "| 1 | Phí sử dụng vị trí kinh doanh cố định tại chợ | đồng/m²/tháng | %s |\n",
                   grouped(d->a, (int64_t)rnd(&r, 6, 20) * 5000));
        buf_printf(b, "| 2 | Phí chợ đối với người bán không thường xuyên | đồng/lượt | %s |\n",
                   grouped(d->a, (int64_t)rnd(&r, 2, 6) * 1000));
        buf_printf(b, "| 3 | Phí trông giữ xe máy | đồng/lượt | %s |\n",
                   grouped(d->a, (int64_t)rnd(&r, 2, 5) * 1000));
        buf_puts(b, "| 4 | Lệ phí chứng thực bản sao từ bản chính | đồng/trang | 2.000 |\n"
                    "| 5 | Lệ phí chứng thực chữ ký | đồng/trường hợp | 10.000 |\n");
        break;
    case T_ASSETS:
        buf_puts(b, "| STT | Tài sản | Năm đưa vào sử dụng | Nguyên giá (đồng) | Giá trị còn lại "
                    "(đồng) |\n|---:|---|---:|---:|---:|\n");
        buf_printf(b, "| 1 | Trụ sở làm việc Ủy ban nhân dân %s | %d | %s | %s |\n", d->kx,
                   rnd(&r, 2005, 2019), grouped(d->a, (int64_t)rnd(&r, 40, 120) * 100000000),
                   grouped(d->a, (int64_t)rnd(&r, 10, 39) * 100000000));
        buf_printf(b, "| 2 | Xe ô tô 7 chỗ ngồi | 2018 | %s | %s |\n",
                   grouped(d->a, (int64_t)rnd(&r, 70, 95) * 10000000),
                   grouped(d->a, (int64_t)rnd(&r, 10, 30) * 10000000));
        buf_printf(b, "| 3 | Máy vi tính, máy in, máy photocopy | %d | %s | %s |\n",
                   rnd(&r, 2020, 2024), grouped(d->a, (int64_t)rnd(&r, 20, 60) * 10000000),
                   grouped(d->a, (int64_t)rnd(&r, 5, 19) * 10000000));
        break;
    case T_INDICATORS: {
        int plan = rnd(&r, 60, 90), got = plan + rnd(&r, -3, 6);
        buf_puts(b, "| STT | Chỉ tiêu | Đơn vị | Kế hoạch | Ước thực hiện |\n"
                    "|---:|---|---|---:|---:|\n");
        buf_printf(b, "| 1 | Thu nhập bình quân đầu người | triệu đồng/năm | %d | %d |\n", plan,
                   got);
        buf_printf(b, "| 2 | Tỷ lệ hộ nghèo | %% | %d,%d | %d,%d |\n", rnd(&r, 2, 4), rnd(&r, 0, 9),
                   rnd(&r, 1, 3), rnd(&r, 0, 9));
        buf_printf(b, "| 3 | Tỷ lệ người dân tham gia bảo hiểm y tế | %% | 95,0 | %d,%d |\n",
                   rnd(&r, 93, 97), rnd(&r, 0, 9));
        buf_printf(b, "| 4 | Sản lượng lương thực có hạt | tấn | %s | %s |\n",
                   grouped(d->a, rnd(&r, 30, 90) * 100), grouped(d->a, rnd(&r, 30, 90) * 100));
        break;
    }
    default:
        return;
    }
    buf_puts(b, "\n");
}

/* ---- bodies ---- */

/* The Markdown body; a second call with g->fix set gives the corrected version. */
static const char *body(struct demo *d, struct gen *g, int rich)
{
    struct rng r;
    rng_seed(&r, g->seed ^ 0xb0d1);
    struct buf b;
    buf_init(&b, d->a);
    const struct cat_text *ct = g->ct;
    g->n_amounts = 0;
    size_t n_laws = 0;
    while (n_laws < N_ELEMS(ct->laws) && ct->laws[n_laws])
        n_laws++;
    if (!rich) {
        /* Three to five paragraphs. */
        para(d, g, &r, &b,
             n_laws ? ct->laws[rnd(&r, 0, (int)n_laws - 1)]
                    : "Căn cứ Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15 ngày 10/11/2022;");
        para(d, g, &r, &b, ct->intro);
        int extra = rnd(&r, 0, 2);
        if (extra >= 1) {
            for (int i = 0, n = rnd(&r, 2, 3); i < n && ct->points[i]; i++) {
                buf_puts(&b, "- ");
                expand(d, g, &r, &b, ct->points[i], 0);
                buf_puts(&b, "\n");
            }
            buf_puts(&b, "\n");
        }
        if (extra == 2)
            para(d, g, &r, &b,
                 "Trong thời gian công khai, mọi ý kiến xin gửi về Ủy ban nhân dân {x} {c}.");
        para(d, g, &r, &b, "Ủy ban nhân dân {x} {c} thông báo để Nhân dân biết và giám sát./.");
        return b.ptr;
    }
    if (chance(&r, 70))
        para(d, g, &r, &b,
             "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16/6/2025;");
    para(d, g, &r, &b, "Căn cứ Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15 ngày 10/11/2022;");
    for (size_t i = 0; i < n_laws; i++)
        if (i == 0 || chance(&r, 60))
            para(d, g, &r, &b, ct->laws[i]);
    if (chance(&r, 60))
        para(d, g, &r, &b, "Xét đề nghị của {O},");
    para(d, g, &r, &b,
         g->village ? "Ủy ban nhân dân {x} {c} thông báo công khai đến Nhân dân {v} như sau:"
                    : "Ủy ban nhân dân {x} {c} thông báo công khai đến Nhân dân trên địa bàn "
                      "{x} như sau:");
    buf_puts(&b, "## 1. Nội dung công khai\n\n");
    para(d, g, &r, &b, ct->intro);
    int n_points = rnd(&r, 2, 5);
    for (int i = 0; i < n_points && i < (int)N_ELEMS(ct->points) && ct->points[i]; i++) {
        buf_puts(&b, "- ");
        expand(d, g, &r, &b, ct->points[i], 0);
        buf_puts(&b, "\n");
    }
    buf_puts(&b, "\n");
    if (g->table)
        table(d, g, &b);
    unsigned req = g->rules->required[g->category];
    int permanent = (g->rules->permanent >> g->category) & 1;
    int section = 2;
    if (chance(&r, 80)) {
        buf_printf(&b, "## %d. Hình thức công khai\n\n", section++);
        expand(d, g, &r, &b, "- Đăng tải trên Cổng thông tin điện tử {x} {c};\n", 0);
        if (req & (1u << DC_BOARD))
            expand(d, g, &r, &b,
                   g->village ? "- Niêm yết tại trụ sở Ủy ban nhân dân {x} và nhà văn hóa {v};\n"
                              : "- Niêm yết tại trụ sở Ủy ban nhân dân {x} và nhà văn hóa các "
                                "{V};\n",
                   0);
        if (req & (1u << DC_LOUDSPEAKER)) {
            expand(d, g, &r, &b, "- Thông báo trên hệ thống truyền thanh {x} trong ", 0);
            buf_printf(&b, "%02d ngày liên tục;\n", g->rules->loudspeaker_days);
        }
        if (req & (1u << DC_VILLAGE_HEAD))
            expand(d, g, &r, &b,
                   "- {H} thông báo đến từng hộ gia đình tại hội nghị {V} hoặc qua nhóm Zalo "
                   "của {V}.\n",
                   0);
        buf_puts(&b, "\n");
    }
    if (chance(&r, 70)) {
        buf_printf(&b, "## %d. Thời gian công khai\n\n", section++);
        if (permanent)
            para(d, g, &r, &b,
                 "Niêm yết thường xuyên tại trụ sở Ủy ban nhân dân {x}; nội dung được cập nhật "
                 "khi có thay đổi.");
        else
            buf_printf(&b, "Niêm yết ít nhất %d ngày liên tục, từ ngày %s đến hết ngày %s.\n\n",
                       g->rules->posting_days, vn_date(d->a, g->shown),
                       vn_date(d->a, date_add_days(g->shown, g->rules->posting_days)));
    }
    if (chance(&r, 75)) {
        buf_printf(&b, "## %d. Tổ chức thực hiện\n\n", section++);
        para(d, g, &r, &b,
             "Giao {O} chủ trì, phối hợp với {H} tổ chức niêm yết tại nhà văn hóa các {V}, lập "
             "biên bản niêm yết và kết thúc niêm yết theo quy định.");
        if (chance(&r, 60))
            para(d, g, &r, &b,
                 "Trong thời gian công khai, mọi ý kiến phản ánh, kiến nghị xin gửi về Ủy ban nhân "
                 "dân {x} (qua {O}) hoặc qua Cổng thông tin điện tử {x} để được xem xét, giải "
                 "quyết.");
    }
    para(d, g, &r, &b,
         "Ủy ban nhân dân {x} {c} thông báo để Nhân dân biết và tham gia giám sát./.");
    return b.ptr;
}

/* ---- attachments ---- */

static int to_buf(void *ctx, const unsigned char *data, size_t len)
{
    buf_append(ctx, data, len);
    return 0;
}

/* The full list of a list table as a PDF appendix (first rows as in the body). */
static int appendix(struct demo *d, struct gen *g, const char *doc_number, struct dc_file_in *f)
{
    const char *titles[6];
    double widths[6];
    struct export_col cols[6];
    size_t n = list_header(d, g->ct->table, titles, widths);
    for (size_t i = 0; i < n; i++)
        cols[i] = (struct export_col){titles[i], widths[i], i == 0 ? 1 : i + 1 == n ? 2 : 0};
    if (g->ct->table == T_RECRUITS)
        cols[4].align = 0;
    struct export_doc_head head = {
        .parent_body = arena_printf(d->a, "UBND %s", d->province),
        .issuer = arena_printf(d->a, "UBND %s %s", d->kx, d->cname),
        .number = doc_number,
        .place = d->cname,
        .date = g->decision,
        .doc_type = "DANH SÁCH",
        .summary = arena_printf(d->a, "Kèm theo văn bản số %s ngày %s của Ủy ban nhân dân %s %s",
                                doc_number, vn_date(d->a, g->decision), d->kx, d->cname),
    };
    struct buf out;
    buf_init(&out, d->a);
    struct export_pdf_table *t;
    char err[256];
    int rc = export_pdf_table_begin(&head, cols, n, to_buf, &out, &t, err, sizeof err);
    if (rc)
        return rc;
    struct rng r;
    rng_seed(&r, g->seed ^ 0x7ab1e);
    const char *cells[6];
    for (int i = 1; i <= g->attach_rows && rc == 0; i++) {
        list_row(d, g, &r, i, cells);
        rc = export_pdf_table_row(t, cells);
    }
    const char *footer = arena_printf(d->a, "Danh sách này có %d trường hợp./.", g->attach_rows);
    int rc2 =
        export_pdf_table_end(t, footer, "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", d->chair, err, sizeof err);
    if (rc || rc2)
        return rc ? rc : rc2;
    char *name = arena_printf(d->a, "Danh sách kèm theo văn bản số %s.pdf", doc_number);
    for (char *p = name; *p; p++)
        if (*p == '/')
            *p = '-';
    *f = (struct dc_file_in){name, "application/pdf", out.ptr, out.len};
    return 0;
}

/* ---- dates ---- */

static int64_t vn_time(struct date d, int hour, int minute)
{
    return date_to_days(d) * 86400 + hour * 3600 + minute * 60 - 7 * 3600;
}

/* n working days after d (d itself for 0); without a calendar table, weekdays only. */
static struct date add_wd(const struct demo *d, struct date from, int n)
{
    struct date out;
    if (n == 0)
        return from;
    if (deadline_add(d->env->cal, from, n, DAY_WORKING, &out) == 0)
        return out;
    out = from;
    while (n > 0) {
        out = date_add_days(out, 1);
        if (date_weekday(out) < 5)
            n--;
    }
    return out;
}

/* The working day on or before today - back days, kept within the span. */
static struct date working_back(const struct demo *d, int back)
{
    struct date x = date_add_days(d->today, -back);
    struct date first = date_add_days(d->today, -(SPAN_DAYS - 1));
    while (!calendar_is_working(d->env->cal, x) && date_cmp(x, first) > 0)
        x = date_add_days(x, -1);
    while (!calendar_is_working(d->env->cal, x) && date_cmp(x, d->today) < 0)
        x = date_add_days(x, 1);
    return x;
}

static struct date min_date(struct date a, struct date b)
{
    return date_cmp(a, b) <= 0 ? a : b;
}

/* ---- one item ---- */

static enum role role_of(int i, int n_rich)
{
    if (i >= n_rich)
        return R_BULK;
    if (i == n_rich - 1)
        return R_SCHEDULED;
    if (i == n_rich - 2 || i == n_rich - 3)
        return R_DRAFT;
    switch (i) {
    case 3:
        return R_BROKEN;
    case 6:
        return R_SECRET;
    case 10:
    case 27:
        return R_CORRECTED;
    case 18:
        return R_WITHDRAWN;
    case 22:
        return R_LOUD2;
    case 40:
        return R_OLD_DRAFT;
    default:
        break;
    }
    if (i % 10 == 4)
        return R_LATE;
    if (i % 10 == 7)
        return R_MISSING;
    return R_NORMAL;
}

/* Picks the title template: one naming a village when want_village and there is one. */
static const struct tmpl *pick_tmpl(const struct cat_text *ct, struct rng *r, int want_village)
{
    const struct tmpl *with[N_ELEMS(ct->titles)], *without[N_ELEMS(ct->titles)];
    size_t nw = 0, nwo = 0;
    for (size_t i = 0; i < N_ELEMS(ct->titles) && ct->titles[i].title; i++) {
        if (strstr(ct->titles[i].title, "{v}"))
            with[nw++] = &ct->titles[i];
        else
            without[nwo++] = &ct->titles[i];
    }
    if (want_village && nw)
        return with[rnd(r, 0, (int)nw - 1)];
    return without[rnd(r, 0, (int)nwo - 1)];
}

/* "05/TB-UBND": numbered through the year as a commune office does. */
static const char *doc_number(struct demo *d, const struct gen *g, struct rng *r)
{
    const char *type = g->tmpl->type;
    int per_year = 420;
    if (strncmp(type, "QĐ", strlen("QĐ")) == 0)
        per_year = 560;
    else if (strncmp(type, "KH", 2) == 0)
        per_year = 180;
    else if (strncmp(type, "BC", 2) == 0)
        per_year = 260;
    else if (strncmp(type, "NQ", 2) == 0)
        per_year = 30;
    else if (strncmp(type, "KL", 2) == 0)
        per_year = 14;
    else if (strstr(type, "HĐND"))
        per_year = 25;
    int64_t doy = date_to_days(g->decision) - date_to_days((struct date){g->decision.y, 1, 1});
    int num = 1 + (int)(doy * per_year / 365) + rnd(r, 0, 2);
    if (g->role != R_BULK) {
        /* Rich items come in decision order: numbers rise and never repeat. */
        size_t k = 0;
        while (k < d->n_nums && strcmp(d->nums[k].type, type) != 0)
            k++;
        if (k == d->n_nums && k < N_ELEMS(d->nums))
            d->nums[d->n_nums++] = (struct doc_counter){type, 0};
        if (k < d->n_nums) {
            if (num <= d->nums[k].last)
                num = d->nums[k].last + 1;
            d->nums[k].last = num;
        }
    }
    return arena_printf(d->a, "%02d/%s", num, type);
}

static void signer(const struct demo *d, const struct gen *g, struct dc_new *in, struct rng *r)
{
    const char *type = g->tmpl->type;
    if (strstr(type, "HĐND")) {
        in->signer_title = "TM. HỘI ĐỒNG NHÂN DÂN\nCHỦ TỊCH";
        in->signer_name = d->council;
    } else if (strstr(type, "TTr")) {
        in->signer_title = "TRƯỞNG ĐOÀN THANH TRA";
        in->signer_name = person(r, d->a, chance(r, 60));
    } else if (chance(r, 35)) {
        in->signer_title = "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH";
        in->signer_name = d->vice;
    } else {
        in->signer_title = "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH";
        in->signer_name = d->chair;
    }
    in->owner = d->owners[in->category % 3]; /* one official per group of fields */
}

static int render(struct demo *d, const char *md, const char **html, const char **text)
{
    char *h, *t;
    int rc = view_markdown_html(d->a, md, strlen(md), &h);
    if (rc == 0)
        rc = view_markdown_text(d->a, md, strlen(md), &t);
    if (rc == 0) {
        *html = h;
        *text = t;
    }
    return rc;
}

static int add_posting(struct demo *d, int64_t item, int channel, int64_t place, struct date from,
                       const struct date *to, const char *note, int64_t *pid)
{
    struct dc_posting_in p = {
        .disclosure_id = item,
        .channel = channel,
        .place_id = place,
        .posted_on = iso_date(d->a, from),
        .removed_on = to ? iso_date(d->a, *to) : NULL,
        .note = note,
        .unit_id = d->commune.id,
    };
    int64_t id;
    return dc_store_posting_add(d->db, &p, pid ? pid : &id);
}

/* The postings, broadcasts and deliveries of a rich published item. */
static int rich_postings(struct demo *d, struct gen *g, int64_t item, struct rng *r)
{
    unsigned req = g->rules->required[g->category];
    int permanent = (g->rules->permanent >> g->category) & 1;
    const struct village *vs = g->village ? g->village : d->v;
    size_t nv = g->village ? 1 : d->nv;
    /* Index of the village whose posting is never recorded; -2: none (-1 is the office). */
    int skip = g->role == R_MISSING && nv ? rnd(r, 0, (int)nv - 1) : -2;
    int rc = 0;
    for (int k = -1; k < (int)nv && rc == 0; k++) {
        if (!(req & (1u << DC_BOARD)) || k == skip)
            continue;
        struct date on = date_add_days(g->shown, rnd(r, 0, 2));
        if (date_cmp(on, d->today) > 0)
            continue;
        int64_t place = k < 0 ? d->commune.id : vs[k].id;
        const char *note = k < 0 ? d->office_note : vs[k].board_note;
        int64_t pid;
        if ((rc = add_posting(d, item, DC_BOARD, place, on, NULL, note, &pid)) != 0)
            break;
        struct date off = {0, 0, 0};
        if (g->role == R_BROKEN && k == 0) {
            off = date_add_days(on, 20); /* interrupted: the rules call it broken */
        } else if (!permanent && chance(r, 65)) {
            off = date_add_days(min_duration_end(on, g->rules->posting_days), rnd(r, 0, 10));
        }
        if (g->role == R_WITHDRAWN && (!off.y || date_cmp(off, d->today) > 0))
            off = d->today;
        if (off.y && date_cmp(off, d->today) <= 0)
            rc = dc_store_posting_end(d->db, 0, item, pid, iso_date(d->a, off));
    }
    if (rc == 0 && (req & (1u << DC_LOUDSPEAKER))) {
        struct date from = date_add_days(g->shown, rnd(r, 0, 1));
        int days = g->rules->loudspeaker_days - (g->role == R_LOUD2 ? 1 : 0);
        struct date to = date_add_days(from, days > 0 ? days - 1 : 0);
        if (date_cmp(to, d->today) <= 0)
            rc = add_posting(d, item, DC_LOUDSPEAKER, d->commune.id, from, &to, d->loud_note, NULL);
    }
    for (size_t k = 0; rc == 0 && (req & (1u << DC_VILLAGE_HEAD)) && k < nv; k++) {
        struct date on = date_add_days(g->shown, rnd(r, 1, 4));
        if (date_cmp(on, d->today) > 0)
            continue;
        const char *note;
        switch (rnd(r, 0, 2)) {
        case 0:
            note = arena_printf(d->a, "%s thông báo tại hội nghị %s ngày %s", d->vhead, vs[k].lower,
                                vn_date(d->a, on));
            break;
        case 1:
            note = arena_printf(d->a, "Gửi văn bản đến từng hộ gia đình %s", vs[k].lower);
            break;
        default:
            note = arena_printf(d->a, "Thông báo qua nhóm Zalo của %s", vs[k].lower);
        }
        rc = add_posting(d, item, DC_VILLAGE_HEAD, vs[k].id, on, NULL, note, NULL);
    }
    return rc;
}

/* The records of a plain published item: every required channel, all places on the same
 * days, the board posting down after the minimum when old enough. */
static int bulk_postings(struct demo *d, struct gen *g, int64_t item, struct rng *r)
{
    unsigned req = g->rules->required[g->category];
    const struct village *vs = g->village ? g->village : d->v;
    int nv = g->village ? 1 : (int)d->nv;
    struct date on = min_date(date_add_days(g->shown, rnd(r, 0, 1)), d->today);
    struct date off = date_add_days(min_duration_end(on, g->rules->posting_days), rnd(r, 0, 5));
    int down = !((g->rules->permanent >> g->category) & 1) && date_cmp(off, d->today) <= 0 &&
               chance(r, 70);
    int rc = 0;
    for (int k = -1; rc == 0 && (req & (1u << DC_BOARD)) && k < nv; k++)
        rc = add_posting(d, item, DC_BOARD, k < 0 ? d->commune.id : vs[k].id, on,
                         down ? &off : NULL, k < 0 ? d->office_note : vs[k].board_note, NULL);
    struct date to = date_add_days(on, g->rules->loudspeaker_days - 1);
    if (rc == 0 && (req & (1u << DC_LOUDSPEAKER)) && date_cmp(to, d->today) <= 0)
        rc = add_posting(d, item, DC_LOUDSPEAKER, d->commune.id, on, &to, d->loud_note, NULL);
    struct date told = date_add_days(on, 1);
    for (int k = 0; rc == 0 && (req & (1u << DC_VILLAGE_HEAD)) && k < nv; k++)
        if (date_cmp(told, d->today) <= 0)
            rc = add_posting(d, item, DC_VILLAGE_HEAD, vs[k].id, told, NULL, vs[k].head_note, NULL);
    return rc;
}

static const char *const correction_reasons[] = {
    "Đính chính số tiền hỗ trợ tại mục 1 do sai sót khi tổng hợp",
    "Đính chính số liệu tổng thu ngân sách tại mục 1",
};

/* Working days from decision to publication, as often as a commune office takes them. */
static const int lags[] = {0, 0, 1, 1, 1, 2, 2, 3, 4, 5};

static int build_item(struct demo *d, int i, int n_rich)
{
    struct gen g = {0};
    struct rng *r = &d->rng;
    g.role = role_of(i, n_rich);
    g.seed = rng_next(r);
    int rich = g.role != R_BULK;

    /* Category and village. */
    g.category = rich ? i % DC_N_CATEGORIES + 1 : rnd(r, 1, DC_N_CATEGORIES);
    switch (g.role) {
    case R_BROKEN:
        g.category = 7;
        break;
    case R_SECRET:
        g.category = 9;
        break;
    case R_CORRECTED:
        g.category = i == 10 ? 8 : 2;
        break;
    case R_SCHEDULED:
        g.category = 12;
        break;
    case R_OLD_DRAFT:
        g.category = 3;
        break;
    default:
        break;
    }
    g.ct = &cats[g.category - 1];
    int want_village = d->nv && (rich ? i % 5 == 2 : chance(r, 20)) && g.role != R_SECRET;
    g.tmpl = pick_tmpl(g.ct, r, want_village);
    if (g.role == R_CORRECTED)
        g.tmpl = &g.ct->titles[0]; /* a list with amounts: what the correction changes */
    if (strstr(g.tmpl->title, "{v}"))
        g.village = &d->v[rnd(r, 0, (int)d->nv - 1)];

    /* Decision and publication. */
    if (g.role == R_SCHEDULED)
        g.decision = working_back(d, 0);
    else if (g.role == R_DRAFT)
        g.decision = working_back(d, i == n_rich - 2 ? 1 : 6);
    else if (rich)
        g.decision = working_back(d, (SPAN_DAYS - 3) - i * (SPAN_DAYS - 6) / n_rich + rnd(r, 0, 1));
    else
        g.decision = working_back(d, rnd(r, 0, SPAN_DAYS - 1));
    g.rules = dc_rules_at(d->env->rules, g.decision);
    if (!g.rules)
        g.rules = &d->env->rules->versions[0];
    int lag;
    if (g.role == R_LATE)
        lag = rnd(r, 6, 12);
    else
        lag = PICK(r, lags);
    int64_t publish_at = 0;
    g.shown = add_wd(d, g.decision, lag);
    if (g.role == R_SCHEDULED) {
        g.shown = date_add_days(d->today, 1);
        publish_at = vn_time(g.shown, 7, 30);
    } else if (g.role != R_DRAFT && g.role != R_OLD_DRAFT) {
        publish_at = vn_time(g.shown, rnd(r, 8, 15), rnd(r, 0, 59));
        if (publish_at > d->now)
            publish_at = 0; /* not yet: a draft, due soon */
    }
    int published = publish_at != 0 && publish_at <= d->now;

    /* Texts. */
    struct rng tr;
    rng_seed(&tr, g.seed ^ 0x717e);
    struct buf title;
    buf_init(&title, d->a);
    if (g.role == R_SECRET)
        expand(d, &g, &tr, &title,
               "Kế hoạch tuyển chọn, gọi công dân nhập ngũ năm {n} và bảo đảm ngân sách quốc "
               "phòng (tài liệu Mật)",
               0);
    else
        expand(d, &g, &tr, &title, g.tmpl->title, 0);
    struct dc_new in = {0};
    in.unit_id = d->commune.id;
    in.village_id = g.village ? g.village->id : 0;
    in.category = g.category;
    in.title = title.ptr;
    in.doc_number = doc_number(d, &g, &tr);
    in.decision = iso_date(d->a, g.decision);
    in.channels = (1u << DC_WEBSITE) | g.rules->required[g.category];
    in.secret = g.role == R_SECRET;
    in.publish_at = publish_at;
    signer(d, &g, &in, &tr);
    if (rich && g.ct->table != T_NONE && chance(&tr, 70)) {
        g.table = 1;
        if (g.ct->table <= T_LAND && chance(&tr, 60))
            g.attach_rows = rnd(&tr, 12, 30);
    }
    in.body_md = body(d, &g, rich);
    int rc = render(d, in.body_md, &in.body_html, &in.body_text);
    if (rc)
        return rc;
    if (g.attach_rows) {
        if ((rc = appendix(d, &g, in.doc_number, &in.files[0])) != 0)
            return rc;
        in.n_files = 1;
    }
    if ((rc = dc_store_create(d->db, &in)) != 0)
        return rc;

    /* What happened after. */
    if (!published || g.role == R_SECRET)
        return 0;
    if (!rich)
        return bulk_postings(d, &g, in.id, r);
    if ((rc = rich_postings(d, &g, in.id, r)) != 0)
        return rc;
    if (g.role == R_CORRECTED) {
        g.fix = 1;
        const char *md = body(d, &g, 1), *html, *text;
        if ((rc = render(d, md, &html, &text)) != 0)
            return rc;
        rc = dc_store_correct(d->db, 0, in.id, in.title, md, html, text,
                              correction_reasons[g.category == 2]);
    } else if (g.role == R_WITHDRAWN) {
        rc = dc_store_withdraw(d->db, 0, in.id,
                               "Thu hồi do ban hành nhầm biểu mẫu; sẽ công khai lại sau khi có "
                               "văn bản thay thế");
    }
    return rc;
}

/* ---- the commune ---- */

/* "Phường Bình Minh" → kind word "phường", name "Bình Minh". */
static void commune_words(struct demo *d)
{
    static const char *const prefixes[][2] = {
        {"Xã ", "xã"}, {"Phường ", "phường"}, {"Đặc khu ", "đặc khu"}};
    const char *name = d->commune.name;
    d->kx = strcmp(d->commune.kind, "ward") == 0           ? "phường"
            : strcmp(d->commune.kind, "special_zone") == 0 ? "đặc khu"
                                                           : "xã";
    d->cname = name;
    for (size_t i = 0; i < N_ELEMS(prefixes); i++) {
        size_t n = strlen(prefixes[i][0]);
        if (strncmp(name, prefixes[i][0], n) == 0) {
            d->kx = prefixes[i][1];
            d->cname = arena_strdup(d->keep, name + n);
        }
    }
    d->province = "tỉnh";
    struct unit p;
    if (d->commune.parent_id && units_get_id(d->db, d->commune.parent_id, &p) == 0) {
        if (strncmp(p.name, "Tỉnh ", strlen("Tỉnh ")) == 0)
            d->province = arena_printf(d->keep, "tỉnh %s", p.name + strlen("Tỉnh "));
        else if (strncmp(p.name, "Thành phố ", strlen("Thành phố ")) == 0)
            d->province = arena_printf(d->keep, "thành phố %s", p.name + strlen("Thành phố "));
        else
            d->province = arena_strdup(d->keep, p.name);
    }
}

static int load_villages(struct demo *d)
{
    json_t *rows;
    int rc = units_children_json(d->db, d->commune.id, &rows);
    if (rc)
        return rc;
    size_t n = json_array_size(rows), idx;
    json_t *row;
    d->v = arena_zalloc(d->keep, (n ? n : 1) * sizeof *d->v);
    int groups = 0;
    json_array_foreach(rows, idx, row)
    {
        const char *name = json_string_value(json_object_get(row, "name"));
        const char *kind = json_string_value(json_object_get(row, "kind"));
        if (!name || !kind ||
            (strcmp(kind, "village") != 0 && strcmp(kind, "residential_group") != 0))
            continue;
        groups += strcmp(kind, "residential_group") == 0;
        struct village *v = &d->v[d->nv++];
        v->id = json_integer_value(json_object_get(row, "id"));
        v->name = arena_strdup(d->keep, name);
        v->lower = v->name;
        v->short_name = v->name;
        for (size_t k = 0; k < N_ELEMS(kind_words); k++) {
            size_t len = strlen(kind_words[k][0]);
            if (strncmp(name, kind_words[k][0], len) == 0 && name[len] == ' ') {
                v->lower = arena_printf(d->keep, "%s%s", kind_words[k][1], name + len);
                v->short_name = v->name + len + 1;
                break;
            }
        }
    }
    json_decref(rows);
    int urban = d->nv ? groups * 2 > (int)d->nv : strcmp(d->commune.kind, "ward") == 0;
    d->vk = urban ? "tổ dân phố" : "thôn";
    d->vk_cap = urban ? "Tổ dân phố" : "Thôn";
    d->vhead = urban ? "Tổ trưởng tổ dân phố" : "Trưởng thôn";
    for (size_t k = 0; k < d->nv; k++) {
        struct village *v = &d->v[k];
        v->board_note = arena_printf(d->keep, "Niêm yết tại bảng tin nhà văn hóa %s", v->lower);
        v->head_note = arena_printf(d->keep, "%s thông báo tại hội nghị %s", d->vhead, v->lower);
    }
    return 0;
}

int disclosure_demo_build(struct db *db, const struct disclosure_env *env, const char *commune_code,
                          int n_items, unsigned seed, FILE *progress)
{
    if (n_items < 0 || !env->rules || env->rules->n_versions == 0)
        return ERR_INVALID;
    struct demo d = {0};
    d.db = db;
    d.env = env;
    int rc = units_get(db, commune_code, &d.commune);
    if (rc)
        return rc;
    if (strcmp(d.commune.kind, "commune_rural") != 0 && strcmp(d.commune.kind, "ward") != 0 &&
        strcmp(d.commune.kind, "special_zone") != 0)
        return ERR_INVALID;
    d.keep = arena_new(0);
    d.a = arena_new(0);
    rng_seed(&d.rng, ((uint64_t)seed << 32 | seed) ^ rng_hash(commune_code));
    d.now = (int64_t)time(NULL);
    d.today = date_vn_from_time((time_t)d.now);
    commune_words(&d);
    d.office_note = arena_printf(d.keep, "Niêm yết tại bảng tin trụ sở Ủy ban nhân dân %s", d.kx);
    d.loud_note = arena_printf(d.keep,
                               "Phát trên hệ thống truyền thanh %s lúc 6 giờ và 17 giờ "
                               "hằng ngày",
                               d.kx);
    if ((rc = load_villages(&d)) != 0)
        goto out;
    d.chair = person(&d.rng, d.keep, chance(&d.rng, 70));
    d.vice = person(&d.rng, d.keep, chance(&d.rng, 60));
    for (size_t i = 0; i < sizeof d.owners / sizeof d.owners[0]; i++)
        d.owners[i] = person(&d.rng, d.keep, chance(&d.rng, 50));
    d.council = person(&d.rng, d.keep, chance(&d.rng, 70));
    int n_rich = n_items < RICH ? n_items : RICH;
    int in_tx = 0;
    for (int i = 0; i < n_items; i++) {
        if (!in_tx) {
            if ((rc = db_begin(db)) != 0)
                goto out;
            in_tx = 1;
        }
        arena_reset(d.a);
        if ((rc = build_item(&d, i, n_rich)) != 0)
            break;
        if ((i + 1) % BATCH == 0 || i + 1 == n_items) {
            if ((rc = db_commit(db)) != 0)
                break;
            in_tx = 0;
        }
        if (progress && (i + 1) % PROGRESS_EVERY == 0)
            fprintf(progress, "demo: %d/%d disclosure items (%s)\n", i + 1, n_items, commune_code);
    }
    if (rc && in_tx)
        db_rollback(db);
out:
    arena_free(d.a);
    arena_free(d.keep);
    return rc;
}

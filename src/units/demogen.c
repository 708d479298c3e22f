/*
 * demogen.c - the demo population: units, households, names, addresses.
 *
 * Pure generation, no database: demogen.h explains the contract. The name
 * tables are weighted by how common a name is and, for given and middle
 * names, by the era a person was born in (a man born in 1950 is far more
 * likely a "Văn" called Thắng than one born in 2015, who may well be a
 * "Gia Bảo" or carry his mother's family name as a middle name). All
 * literals are NFC UTF-8 with the tone mark on the vowel of the old
 * official style ("Hòa", "Thủy").
 *
 * Households are built from a few shapes seen on real rolls (nuclear
 * family, couple alone, single parent, an old person living alone, the
 * head's parents living in, grandparents heading a three-generation home).
 * Ages are chosen parents first, so a child is always at least 19 years
 * younger than each parent in the household; children carry their father's
 * family name.
 */
#include "units/demogen.h"

#include <assert.h>
#include <string.h>

#include "core/err.h"

/* A name with a weight (how common) and an era (0 any, 1 older people, 2 the young). */
struct weighted_name {
    const char *text;  /* the name, NFC */
    unsigned weight;   /* relative frequency */
    unsigned char era; /* 0 any birth year, 1 mostly born before 1985, 2 mostly after 1990 */
};

/*
 * Family names per 10,000 people, after published counts (Nguyễn about 38%,
 * Trần 12%, Lê 9.5%, Phạm 7%, ...). Hoàng/Huỳnh and Vũ/Võ are the northern
 * and southern spellings of one name.
 */
static const struct weighted_name family_names[] = {
    {"Nguyễn", 3840, 0}, {"Trần", 1210, 0}, {"Lê", 950, 0},   {"Phạm", 700, 0}, {"Phan", 450, 0},
    {"Hoàng", 340, 0},   {"Vũ", 240, 0},    {"Đặng", 210, 0}, {"Bùi", 200, 0},  {"Huỳnh", 170, 0},
    {"Võ", 150, 0},      {"Đỗ", 140, 0},    {"Hồ", 130, 0},   {"Ngô", 130, 0},  {"Dương", 100, 0},
    {"Đào", 60, 0},      {"Đoàn", 60, 0},   {"Đinh", 60, 0},  {"Lý", 50, 0},    {"Trịnh", 50, 0},
    {"Trương", 50, 0},   {"Lương", 40, 0},  {"Mai", 40, 0},   {"Cao", 40, 0},   {"Lâm", 30, 0},
    {"Phùng", 30, 0},    {"Tạ", 30, 0},     {"Hà", 30, 0},    {"Tô", 25, 0},    {"Chu", 25, 0},
    {"Lưu", 25, 0},      {"Kiều", 15, 0},   {"Quách", 15, 0}, {"Thái", 15, 0},  {"Triệu", 15, 0},
    {"Vương", 15, 0},    {"Nông", 15, 0},   {"Khúc", 10, 0},  {"La", 10, 0},    {"Tăng", 10, 0},
};

/* Single middle names other than Văn/Thị, which are chosen by era below. */
static const struct weighted_name male_middles[] = {
    {"Đức", 60, 0},   {"Minh", 80, 0},  {"Quốc", 50, 0},  {"Hữu", 50, 0},   {"Thành", 40, 0},
    {"Công", 40, 0},  {"Xuân", 30, 1},  {"Quang", 40, 0}, {"Ngọc", 30, 1},  {"Mạnh", 30, 0},
    {"Trọng", 30, 0}, {"Đình", 40, 1},  {"Tiến", 30, 0},  {"Duy", 40, 2},   {"Anh", 30, 2},
    {"Gia", 50, 2},   {"Hoàng", 30, 0}, {"Bảo", 40, 2},   {"Trung", 30, 0}, {"Việt", 30, 0},
    {"Tuấn", 20, 0},  {"Khắc", 20, 1},  {"Thế", 30, 0},   {"Đăng", 30, 2},  {"Hải", 20, 0},
    {"Nhật", 30, 2},  {"Thanh", 30, 0}, {"Chí", 20, 0},   {"Phúc", 20, 2},  {"Tấn", 20, 0},
};

static const struct weighted_name female_middles[] = {
    {"Ngọc", 80, 0},  {"Thu", 50, 0}, {"Thanh", 50, 0}, {"Phương", 40, 0}, {"Minh", 40, 2},
    {"Thùy", 40, 0},  {"Kim", 40, 0}, {"Hồng", 40, 0},  {"Bích", 30, 1},   {"Mai", 30, 0},
    {"Khánh", 40, 2}, {"Bảo", 40, 2}, {"Hải", 20, 0},   {"Diệu", 20, 0},   {"Quỳnh", 30, 0},
    {"Hoài", 20, 0},  {"Như", 20, 0}, {"Tuyết", 20, 1}, {"Mỹ", 30, 0},     {"Ánh", 20, 0},
    {"Xuân", 20, 1},  {"Hà", 20, 0},  {"Thúy", 30, 0},  {"Cẩm", 20, 0},    {"Hoàng", 20, 0},
    {"Tường", 10, 2}, {"Gia", 20, 2},
};

/* Two-word middle names: "Nguyễn Thị Thu Hà", "Trần Hoàng Gia Bảo", "Lê Ngọc Bảo Anh". */
static const char *const older_women_pairs[] = {
    "Thị Thu",  "Thị Thanh", "Thị Ngọc", "Thị Kim",  "Thị Hồng", "Thị Minh",  "Thị Bích",
    "Thị Thúy", "Thị Mỹ",    "Thị Thùy", "Thị Hoài", "Thị Diệu", "Thị Tuyết", "Thị Xuân",
};
static const char *const young_men_pairs[] = {
    "Hoàng Gia", "Hoàng Minh", "Minh Đức", "Đức Minh", "Quang Minh",
};
static const char *const young_women_pairs[] = {
    "Ngọc Bảo", "Bảo Ngọc", "Ngọc Khánh", "Khánh Ngọc", "Thảo Ngọc",
};

/* Given names: weight 1 unless a name is clearly more common. */
static const struct weighted_name male_givens[] = {
    {"Hùng", 4, 0},  {"Dũng", 4, 0},  {"Tuấn", 4, 0},  {"Hải", 4, 0},    {"Nam", 4, 0},
    {"Long", 3, 0},  {"Quân", 3, 0},  {"Minh", 4, 0},  {"Đức", 3, 0},    {"Hưng", 3, 0},
    {"Sơn", 3, 0},   {"Tùng", 3, 0},  {"Cường", 3, 0}, {"Bình", 3, 0},   {"Hòa", 2, 0},
    {"Phong", 2, 0}, {"Trung", 3, 0}, {"Kiên", 2, 0},  {"Thành", 3, 0},  {"Hiếu", 2, 0},
    {"Hoàng", 2, 0}, {"Huy", 3, 0},   {"Khánh", 2, 0}, {"Lâm", 2, 0},    {"Mạnh", 2, 0},
    {"Nghĩa", 2, 0}, {"Quang", 2, 0}, {"Tài", 2, 0},   {"Thịnh", 2, 0},  {"Toàn", 2, 0},
    {"Trí", 2, 0},   {"Tú", 2, 0},    {"Vinh", 2, 0},  {"Việt", 2, 0},   {"Công", 1, 0},
    {"Duy", 2, 0},   {"Đạt", 3, 0},   {"Định", 1, 0},  {"Giang", 1, 0},  {"Hào", 1, 0},
    {"Hậu", 1, 0},   {"Hiệp", 1, 0},  {"Lộc", 2, 0},   {"Luân", 1, 0},   {"Nhân", 1, 0},
    {"Quý", 1, 0},   {"Sang", 1, 0},  {"Tâm", 1, 0},   {"Thái", 1, 0},   {"Thiện", 1, 0},
    {"Thông", 1, 0}, {"Tiến", 2, 0},  {"Trọng", 1, 0}, {"Vương", 1, 0},  {"Đông", 1, 0},
    {"Phú", 1, 0},   {"Tân", 1, 0},   {"Hiển", 1, 0},  {"Khoa", 2, 0},   {"Tuyên", 1, 0},
    {"Thắng", 3, 1}, {"Chiến", 2, 1}, {"Lực", 1, 1},   {"Quyết", 1, 1},  {"Hợp", 1, 1},
    {"Hoan", 1, 1},  {"Thuận", 1, 1}, {"Cương", 1, 1}, {"Toản", 1, 1},   {"Lợi", 1, 1},
    {"Khang", 3, 2}, {"Khôi", 2, 2},  {"Bảo", 3, 2},   {"Phúc", 3, 2},   {"An", 3, 2},
    {"Khải", 1, 2},  {"Phát", 2, 2},  {"Kiệt", 2, 2},  {"Nguyên", 2, 2}, {"Thiên", 1, 2},
    {"Vũ", 2, 2},    {"Đăng", 1, 2},  {"Tín", 1, 2},   {"Tuệ", 1, 2},
};

static const struct weighted_name female_givens[] = {
    {"Lan", 4, 0},    {"Hoa", 4, 0},   {"Hương", 4, 0}, {"Mai", 4, 0},   {"Linh", 4, 0},
    {"Trang", 4, 0},  {"Thảo", 3, 0},  {"Ngọc", 3, 0},  {"Hà", 3, 0},    {"Huyền", 3, 0},
    {"Hằng", 3, 0},   {"Nga", 3, 0},   {"Nhung", 2, 0}, {"Oanh", 2, 0},  {"Phương", 3, 0},
    {"Quỳnh", 2, 0},  {"Thu", 2, 0},   {"Thủy", 3, 0},  {"Trinh", 1, 0}, {"Tuyết", 2, 0},
    {"Vân", 2, 0},    {"Yến", 2, 0},   {"Anh", 3, 0},   {"Châu", 1, 0},  {"Dung", 2, 0},
    {"Duyên", 2, 0},  {"Giang", 2, 0}, {"Hạnh", 2, 0},  {"Hiền", 2, 0},  {"Hồng", 2, 0},
    {"Liên", 2, 0},   {"Loan", 2, 0},  {"Ly", 2, 0},    {"Nhàn", 1, 0},  {"Như", 1, 0},
    {"Phượng", 1, 0}, {"Quyên", 1, 0}, {"Tâm", 1, 0},   {"Thơ", 1, 0},   {"Thúy", 2, 0},
    {"Tiên", 1, 0},   {"Xuân", 1, 0},  {"Ánh", 1, 0},   {"Bích", 1, 0},  {"Thắm", 1, 0},
    {"Ngân", 2, 0},   {"Thanh", 2, 0}, {"Hậu", 1, 0},   {"Hường", 1, 0}, {"Vui", 1, 0},
    {"Cúc", 2, 1},    {"Gấm", 1, 1},   {"Lụa", 1, 1},   {"Mận", 1, 1},   {"Nương", 1, 1},
    {"Sen", 1, 1},    {"Thoa", 1, 1},  {"Huệ", 2, 1},   {"Đào", 1, 1},   {"Xuyến", 1, 1},
    {"Vy", 3, 2},     {"Nhi", 3, 2},   {"Nhiên", 1, 2}, {"My", 2, 2},    {"Uyên", 2, 2},
    {"Chi", 2, 2},    {"An", 2, 2},    {"Trâm", 2, 2},  {"Hân", 2, 2},   {"Khuê", 1, 2},
    {"Thư", 2, 2},    {"Diệp", 1, 2},
};

/* Mobile prefixes of Viettel, MobiFone, VinaPhone, Vietnamobile and Gmobile. */
static const char *const phone_prefixes[] = {
    "032", "033", "034", "035", "036", "037", "038", "039", "086", "096", "097", "098",
    "070", "076", "077", "078", "079", "089", "090", "093", "081", "082", "083", "084",
    "085", "088", "091", "094", "052", "056", "058", "092", "059", "099",
};

/* Named hamlets (xóm) of a thôn. */
static const char *const hamlets[] = {
    "Đông", "Tây", "Nam", "Bắc",   "Trên", "Dưới", "Giữa", "Chùa", "Đình",
    "Đồng", "Bãi", "Cầu", "Giếng", "Mới",  "Trại", "Chợ",  "Ao",   "Gò",
};

/* Streets of the phường. */
static const char *const streets[] = {
    "Trần Phú",       "Lê Lợi",    "Nguyễn Trãi",     "Hai Bà Trưng",  "Quang Trung",
    "Lý Thường Kiệt", "Ngô Quyền", "Phan Đình Phùng", "Lê Duẩn",       "Hùng Vương",
    "Nguyễn Du",      "Bà Triệu",  "Trần Hưng Đạo",   "Lê Hồng Phong", "Võ Thị Sáu",
};

/*
 * The demo tree. Province 99 and its communes 99001/99002 are made up: no
 * official code starts with 99. A village code is its commune's code plus two
 * digits (there is no national code below the commune).
 */
static const struct demo_unit demo_units[] = {
    {"99", DEMO_PROVINCE, "Tỉnh Sơn Hà", NULL, 0},
    {"99001", DEMO_WARD, "Phường Bình Minh", "99", 0},
    {"9900101", DEMO_RESIDENTIAL_GROUP, "Tổ dân phố số 1", "99001", 260},
    {"9900102", DEMO_RESIDENTIAL_GROUP, "Tổ dân phố số 2", "99001", 310},
    {"9900103", DEMO_RESIDENTIAL_GROUP, "Tổ dân phố số 3", "99001", 280},
    {"9900104", DEMO_RESIDENTIAL_GROUP, "Tổ dân phố Tân Lập", "99001", 240},
    {"9900105", DEMO_RESIDENTIAL_GROUP, "Tổ dân phố Quyết Tiến", "99001", 330},
    {"99002", DEMO_COMMUNE_RURAL, "Xã Hòa Bình", "99", 0},
    {"9900201", DEMO_VILLAGE, "Thôn Đông Lao", "99002", 380},
    {"9900202", DEMO_VILLAGE, "Thôn Tây Sơn", "99002", 420},
    {"9900203", DEMO_VILLAGE, "Thôn Bắc Hà", "99002", 310},
    {"9900204", DEMO_VILLAGE, "Thôn Nam Tiến", "99002", 290},
    {"9900205", DEMO_VILLAGE, "Thôn Phú Mỹ", "99002", 350},
};

#define N_ELEMS(x) (sizeof(x) / sizeof((x)[0]))

/* Relations as written on a household roll (sổ hộ khẩu). */
static const char REL_HEAD[] = "chủ hộ";
static const char REL_WIFE[] = "vợ";
static const char REL_HUSBAND[] = "chồng";
static const char REL_CHILD[] = "con";
static const char REL_DAUGHTER_IN_LAW[] = "con dâu";
static const char REL_SON_IN_LAW[] = "con rể";
static const char REL_FATHER[] = "bố";
static const char REL_MOTHER[] = "mẹ";
static const char REL_GRANDCHILD[] = "cháu";

enum {
    HEAD_MIN_AGE = 25,   /* youngest head of household we generate */
    HEAD_MAX_AGE = 85,   /* oldest head of household we generate */
    OLDEST_AGE = 95,     /* oldest parent of a head living in */
    MIN_PARENT_GAP = 19, /* a parent is at least this much older than a child */
    ADULT_AGE = 18,      /* phones and CCCD numbers only for adults */
};

/* ---- random numbers ---- */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void demogen_init(struct demogen *g, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++) {
        g->s[i] = splitmix64(&x);
    }
    g->n_ids = 0;
    g->n_phones = 0;
    g->id_base = (uint32_t)demogen_next(g);
    g->phone_base = (uint32_t)demogen_next(g);
}

uint64_t demogen_next(struct demogen *g)
{
    uint64_t *s = g->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Lemire's multiply-and-reject: unbiased, one multiplication in the usual case. */
uint32_t demogen_below(struct demogen *g, uint32_t n)
{
    assert(n > 0);
    uint64_t m = (demogen_next(g) >> 32) * (uint64_t)n;
    uint32_t low = (uint32_t)m;
    if (low < n) {
        uint32_t threshold = (0u - n) % n;
        while (low < threshold) {
            m = (demogen_next(g) >> 32) * (uint64_t)n;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

/* Uniform in [lo, hi]; hi >= lo. */
static int range(struct demogen *g, int lo, int hi)
{
    assert(hi >= lo);
    return lo + (int)demogen_below(g, (uint32_t)(hi - lo + 1));
}

/* 1 with probability per_mille / 1000. */
static int chance(struct demogen *g, int per_mille)
{
    return (int)demogen_below(g, 1000) < per_mille;
}

/*
 * A bijection on [0, 2^bits): xor with a key, then multiply-xorshift rounds,
 * each invertible modulo 2^bits. Cycle-walking it below a limit gives a
 * permutation of [0, limit), so serial numbers drawn through it never repeat.
 */
static uint32_t permute(uint32_t x, uint32_t key, int bits, uint32_t limit)
{
    uint32_t mask = (1u << bits) - 1;
    do {
        x = (x ^ key) & mask;
        x = (x * 0x2C1B3C6Du) & mask;
        x ^= x >> (bits / 2);
        x = (x * 0x297A2D39u) & mask;
        x ^= x >> (bits / 2 + 1);
    } while (x >= limit);
    return x;
}

/* Index into a weighted table; the era bends the weights toward names of the birth year. */
static size_t pick_weighted(struct demogen *g, const struct weighted_name *t, size_t n,
                            int birth_year)
{
    unsigned w[128];
    unsigned total = 0;
    assert(n <= N_ELEMS(w));
    for (size_t i = 0; i < n; i++) {
        unsigned x = t[i].weight * 4;
        if (t[i].era == 1 && birth_year >= 1985) {
            x /= 8;
        } else if (t[i].era == 2 && birth_year < 1990) {
            x /= 8;
        } else if (t[i].era != 0) {
            x *= 2;
        }
        w[i] = x;
        total += x;
    }
    assert(total > 0);
    unsigned r = demogen_below(g, total);
    for (size_t i = 0; i < n; i++) {
        if (r < w[i]) {
            return i;
        }
        r -= w[i];
    }
    return n - 1;
}

static const char *family_name(struct demogen *g)
{
    return family_names[pick_weighted(g, family_names, N_ELEMS(family_names), 0)].text;
}

/* ---- building a household ---- */

/* Work space while one household is built. */
struct builder {
    struct demogen *g;                         /* random source */
    struct arena *a;                           /* owner of the strings */
    int year_now;                              /* the year ages are counted to */
    struct demo_household *out;                /* the household being filled */
    int ages[DEMOGEN_MAX_MEMBERS];             /* age of each member in years */
    const char *givens[DEMOGEN_MAX_MEMBERS];   /* given name of each member, for no repeats */
    const char *families[DEMOGEN_MAX_MEMBERS]; /* family name of each member */
};

static int days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

/* 1 when word occurs in s as a whole word. */
static int has_word(const char *s, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = strstr(s, word); p != NULL; p = strstr(p + 1, word)) {
        if ((p == s || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) {
            return 1;
        }
    }
    return 0;
}

/*
 * The middle name for someone born in year: usually one word, Văn or Thị
 * for many older people, sometimes none, sometimes two words ("Thị Thu" for
 * an older woman; the mother's family name or a set pair for the young).
 */
static const char *middle_name(struct builder *b, int male, int year, const char *family,
                               const char *mother_family)
{
    struct demogen *g = b->g;
    int classic = year < 1975 ? 600 : year < 1995 ? 380 : 120; /* per mille Văn / Thị */
    const struct weighted_name *t = male ? male_middles : female_middles;
    size_t n = male ? N_ELEMS(male_middles) : N_ELEMS(female_middles);
    int two_words = year >= 1990 ? (male ? 100 : 140) : (male ? 0 : 80); /* per mille */

    if (chance(g, 30)) {
        return "";
    }
    if (!chance(g, two_words)) {
        if (chance(g, classic)) {
            return male ? "Văn" : "Thị";
        }
        return t[pick_weighted(g, t, n, year)].text;
    }
    if (year < 1990) {
        return older_women_pairs[demogen_below(g, N_ELEMS(older_women_pairs))];
    }
    if (mother_family != NULL && strcmp(mother_family, family) != 0 && chance(g, 650)) {
        return arena_printf(b->a, "%s %s", mother_family, t[pick_weighted(g, t, n, year)].text);
    }
    if (male) {
        return young_men_pairs[demogen_below(g, N_ELEMS(young_men_pairs))];
    }
    return young_women_pairs[demogen_below(g, N_ELEMS(young_women_pairs))];
}

/*
 * A given name nobody else in the household has, not repeating a word of
 * the middle name, and not making a phrase ("Hoàng Hậu" means queen).
 */
static const char *given_name(struct builder *b, int male, int year, const char *middle)
{
    const struct weighted_name *t = male ? male_givens : female_givens;
    size_t n = male ? N_ELEMS(male_givens) : N_ELEMS(female_givens);
    const char *name = NULL;

    for (int tries = 0; tries < 16; tries++) {
        name = t[pick_weighted(b->g, t, n, year)].text;
        int clash = has_word(middle, name) || (has_word(middle, "Hoàng") && !strcmp(name, "Hậu"));
        for (size_t i = 0; i < b->out->n_members && !clash; i++) {
            clash = b->givens[i] == name;
        }
        if (!clash) {
            break;
        }
    }
    return name;
}

static const char *phone_number(struct builder *b)
{
    struct demogen *g = b->g;
    const char *prefix = phone_prefixes[demogen_below(g, N_ELEMS(phone_prefixes))];
    uint32_t serial = permute(g->n_phones++ % 10000000u, g->phone_base, 24, 10000000u);
    return arena_printf(b->a, "%s%07u", prefix, (unsigned)serial);
}

/*
 * CCCD: birth-place code (099, the demo province), a digit for century and
 * gender (0/1 for men/women born 1900-1999, 2/3 for 2000-2099), the last two
 * digits of the birth year, then six digits unique within the generator.
 */
static const char *national_id(struct builder *b, int male, int year)
{
    struct demogen *g = b->g;
    int century = year < 2000 ? 0 : 2;
    uint32_t serial = permute(g->n_ids++ % 1000000u, g->id_base, 20, 1000000u);
    return arena_printf(b->a, "099%d%02d%06u", century + (male ? 0 : 1), year % 100,
                        (unsigned)serial);
}

/* Appends a member and returns its index. */
static int add_member(struct builder *b, int male, int age, const char *family,
                      const char *mother_family, const char *relation, int father, int mother)
{
    struct demogen *g = b->g;
    struct demo_household *h = b->out;
    assert(h->n_members < DEMOGEN_MAX_MEMBERS);
    assert(age >= 1 && age <= OLDEST_AGE);
    int i = (int)h->n_members;
    struct demo_member *m = &h->members[i];
    int year = b->year_now - age;

    const char *middle = middle_name(b, male, year, family, mother_family);
    const char *given = given_name(b, male, year, middle);
    if (middle[0] != '\0') {
        m->full_name = arena_printf(b->a, "%s %s %s", family, middle, given);
    } else {
        m->full_name = arena_printf(b->a, "%s %s", family, given);
    }
    m->gender = male ? "nam" : "nu";
    m->birth_year = year;
    if (chance(g, year < 1960 ? 150 : 10)) {
        m->birth = arena_printf(b->a, "%04d", year);
    } else {
        int month = range(g, 1, 12);
        int day = range(g, 1, days_in_month(year, month));
        m->birth = arena_printf(b->a, "%04d-%02d-%02d", year, month, day);
    }
    m->relation = relation;
    m->phone = "";
    m->national_id = "";
    if (age >= ADULT_AGE) {
        if (chance(g, age < 60 ? 750 : age < 75 ? 450 : 150)) {
            m->phone = phone_number(b);
        }
        if (chance(g, 650)) {
            m->national_id = national_id(b, male, year);
        }
    }
    m->father = father;
    m->mother = mother;
    b->ages[i] = age;
    b->givens[i] = given;
    b->families[i] = family;
    h->n_members++;
    return i;
}

/* Age of a wife for a husband of age h, or of a husband for a wife of age h. */
static int spouse_age(struct demogen *g, int age, int spouse_male)
{
    int gap = chance(g, 60) ? range(g, 7, 12) : range(g, -1, 6);
    int s = spouse_male ? age + gap : age - gap;
    if (s < 20) {
        s = 20;
    }
    if (s > OLDEST_AGE) {
        s = OLDEST_AGE;
    }
    return s;
}

/* 1..4 children, weighted toward two; at most two for a young mother. */
static int child_count(struct demogen *g, int mother_age)
{
    int r = range(g, 0, 99);
    int k = r < 30 ? 1 : r < 75 ? 2 : r < 92 ? 3 : 4;
    if (mother_age < 28 && k > 2) {
        k = 2;
    }
    return k;
}

/*
 * Adds up to k children of father/mother (indices, -1 when absent) with the
 * given relation. The eldest is born when the younger parent present was
 * 19..38; the next ones follow every 1..6 years; none younger than one.
 */
static void add_children(struct builder *b, int k, int father, int mother, const char *family,
                         const char *relation)
{
    struct demogen *g = b->g;
    int parent_age = OLDEST_AGE;
    if (father >= 0) {
        parent_age = b->ages[father];
    }
    if (mother >= 0 && b->ages[mother] < parent_age) {
        parent_age = b->ages[mother];
    }
    if (parent_age - MIN_PARENT_GAP < 1) {
        return;
    }
    /* parent_age >= MIN_PARENT_GAP + 1 here, so the range is never empty. */
    int hi = parent_age - 1 < 38 ? parent_age - 1 : 38;
    int age = parent_age - range(g, MIN_PARENT_GAP, hi);
    const char *mother_family = mother >= 0 ? b->families[mother] : NULL;
    for (int i = 0; i < k && age >= 1; i++) {
        add_member(b, chance(g, 510), age, family, mother_family, relation, father, mother);
        age -= range(g, 1, 6);
    }
}

/* A head alone: old (widowed, usually a woman) or a single adult. */
static void make_single(struct builder *b, int old)
{
    struct demogen *g = b->g;
    int male = old ? chance(g, 300) : chance(g, 600);
    int age = old ? range(g, 65, HEAD_MAX_AGE) : range(g, HEAD_MIN_AGE, 60);
    add_member(b, male, age, family_name(g), NULL, REL_HEAD, -1, -1);
}

/*
 * Head and spouse; the head is the husband 85% of the time. *husband and
 * *wife get their indices. Returns the family name children would carry.
 */
static const char *add_couple(struct builder *b, int head_min, int head_max, int *husband,
                              int *wife)
{
    struct demogen *g = b->g;
    int male_head = chance(g, 850);
    int head_age = range(g, head_min, head_max);
    int other_age = spouse_age(g, head_age, !male_head);
    const char *head_family = family_name(g);
    int head = add_member(b, male_head, head_age, head_family, NULL, REL_HEAD, -1, -1);
    int other = add_member(b, !male_head, other_age, family_name(g), NULL,
                           male_head ? REL_WIFE : REL_HUSBAND, -1, -1);
    *husband = male_head ? head : other;
    *wife = male_head ? other : head;
    return b->families[*husband];
}

static void make_couple_alone(struct builder *b)
{
    int husband, wife;
    if (chance(b->g, 400)) {
        add_couple(b, HEAD_MIN_AGE, 35, &husband, &wife);
    } else {
        add_couple(b, 58, HEAD_MAX_AGE, &husband, &wife);
    }
}

static void make_nuclear(struct builder *b)
{
    int husband, wife;
    const char *family = add_couple(b, HEAD_MIN_AGE, 60, &husband, &wife);
    int k = child_count(b->g, b->ages[wife]);
    add_children(b, k, husband, wife, family, REL_CHILD);
}

/* A widowed, divorced or unmarried parent with children; the other parent is elsewhere. */
static void make_single_parent(struct builder *b)
{
    struct demogen *g = b->g;
    int male = chance(g, 250);
    int age = range(g, 30, 60);
    const char *own = family_name(g);
    int head = add_member(b, male, age, own, NULL, REL_HEAD, -1, -1);
    /* The children carry their father's name: the head's, or the absent father's. */
    const char *family = male || chance(g, 100) ? own : family_name(g);
    int k = range(g, 1, 3);
    add_children(b, k, male ? head : -1, male ? -1 : head, family, REL_CHILD);
}

/* A couple (or a single head) in their prime with the head's parents living in. */
static void make_with_parents(struct builder *b)
{
    struct demogen *g = b->g;
    int husband = -1, wife = -1, head;
    const char *family;
    if (chance(g, 850)) {
        family = add_couple(b, 28, 55, &husband, &wife);
        head = 0;
    } else {
        head =
            add_member(b, chance(g, 600), range(g, 28, 55), family_name(g), NULL, REL_HEAD, -1, -1);
        family = b->families[head];
    }
    int head_age = b->ages[head];
    int r = range(g, 0, 99);
    int with_father = r < 55;
    int with_mother = r >= 15;
    /* The head carries the father's family name, whether the head is a man or a woman. */
    if (with_father) {
        int age = head_age + range(g, 22, 34);
        int i = add_member(b, 1, age > OLDEST_AGE ? OLDEST_AGE : age, b->families[head], NULL,
                           REL_FATHER, -1, -1);
        b->out->members[head].father = i;
    }
    if (with_mother) {
        int age = head_age + range(g, MIN_PARENT_GAP, 30);
        int i = add_member(b, 0, age > OLDEST_AGE ? OLDEST_AGE : age, family_name(g), NULL,
                           REL_MOTHER, -1, -1);
        b->out->members[head].mother = i;
    }
    if (wife >= 0 && chance(g, 800)) {
        int k = child_count(g, b->ages[wife]);
        add_children(b, k > 3 ? 3 : k, husband, wife, family, REL_CHILD);
    }
}

/*
 * Grandparents at the head: an old head (and spouse, often) with a married
 * child, the child's spouse and grandchildren, sometimes an unmarried child.
 * A son usually stays with his parents; a daughter with her husband less often.
 */
static void make_three_generations(struct builder *b)
{
    struct demogen *g = b->g;
    int father = -1, mother = -1;
    const char *family;
    int spouse = chance(g, 720);
    if (spouse) {
        family = add_couple(b, 55, HEAD_MAX_AGE, &father, &mother);
    } else {
        int male = chance(g, 350);
        int head =
            add_member(b, male, range(g, 60, HEAD_MAX_AGE), family_name(g), NULL, REL_HEAD, -1, -1);
        family = male ? b->families[head] : family_name(g);
        if (male) {
            father = head;
        } else {
            mother = head;
        }
    }
    int parent_age = father >= 0 ? b->ages[father] : OLDEST_AGE;
    if (mother >= 0 && b->ages[mother] < parent_age) {
        parent_age = b->ages[mother];
    }
    int lo = parent_age - 36 > 22 ? parent_age - 36 : 22;
    int child_age = range(g, lo, parent_age - 20);
    const char *mother_family = mother >= 0 ? b->families[mother] : NULL;
    int son = chance(g, 800);
    int child = add_member(b, son, child_age, family, mother_family, REL_CHILD, father, mother);
    int in_law = -1;
    if (chance(g, 850)) {
        int age = spouse_age(g, child_age, !son);
        const char *in_law_family = family_name(g);
        in_law = add_member(b, !son, age, in_law_family, NULL,
                            son ? REL_DAUGHTER_IN_LAW : REL_SON_IN_LAW, -1, -1);
    }
    if (chance(g, 250) && child_age - 3 >= 16) {
        add_member(b, chance(g, 500), child_age - range(g, 2, child_age - 16 < 8 ? 2 : 8), family,
                   mother_family, REL_CHILD, father, mother);
    }
    int k = range(g, 0, 99);
    k = k < 35 ? 1 : k < 80 ? 2 : 3;
    const char *grand_family = son ? family : in_law >= 0 ? b->families[in_law] : family_name(g);
    add_children(b, k, son ? child : in_law, son ? in_law : child, grand_family, REL_GRANDCHILD);
}

int demogen_household(struct demogen *g, struct arena *a, int year_now, struct demo_household *out)
{
    if (year_now < 1990 || year_now > 2200) {
        return ERR_INVALID;
    }
    struct builder b = {.g = g, .a = a, .year_now = year_now, .out = out};
    out->n_members = 0;
    int r = range(g, 0, 999);
    if (r < 60) {
        make_single(&b, 1);
    } else if (r < 90) {
        make_single(&b, 0);
    } else if (r < 200) {
        make_couple_alone(&b);
    } else if (r < 720) {
        make_nuclear(&b);
    } else if (r < 800) {
        make_single_parent(&b);
    } else if (r < 900) {
        make_with_parents(&b);
    } else {
        make_three_generations(&b);
    }
    return 0;
}

/* ---- addresses and units ---- */

/* FNV-1a, to give each village its own stable streets and hamlets. */
static uint32_t name_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s != '\0'; s++) {
        h = (h ^ (unsigned char)*s) * 16777619u;
    }
    return h;
}

char *demogen_address(struct demogen *g, struct arena *a, const char *village_name,
                      enum demo_kind kind)
{
    uint32_t h = name_hash(village_name);
    if (kind == DEMO_VILLAGE) {
        /* A thôn has either numbered hamlets (Xóm 1..Xóm n) or named ones. */
        if (h & 1) {
            return arena_printf(a, "Xóm %d, %s", range(g, 1, 4 + (int)(h >> 1) % 5), village_name);
        }
        const char *hamlet = hamlets[((h >> 1) + demogen_below(g, 4)) % N_ELEMS(hamlets)];
        return arena_printf(a, "Xóm %s, %s", hamlet, village_name);
    }
    int number = range(g, 1, 180);
    int r = range(g, 0, 99);
    if (r < 45) {
        return arena_printf(a, "Số %d, ngõ %d, %s", number, range(g, 1, 40), village_name);
    }
    if (r < 60) {
        return arena_printf(a, "Số %d, ngách %d, ngõ %d, %s", number, range(g, 1, 12),
                            range(g, 1, 40), village_name);
    }
    const char *street = streets[(h % N_ELEMS(streets) + demogen_below(g, 3)) % N_ELEMS(streets)];
    return arena_printf(a, "Số %d đường %s, %s", number, street, village_name);
}

const struct demo_unit *demogen_units(size_t *n_units)
{
    *n_units = N_ELEMS(demo_units);
    return demo_units;
}

const char *demogen_kind_text(enum demo_kind kind)
{
    switch (kind) {
    case DEMO_PROVINCE:
        return "province";
    case DEMO_COMMUNE_RURAL:
        return "commune_rural";
    case DEMO_WARD:
        return "ward";
    case DEMO_VILLAGE:
        return "village";
    case DEMO_RESIDENTIAL_GROUP:
        return "residential_group";
    }
    return "village";
}

/*
 * demogen_test.c - the demo population generator (src/units/demogen.c).
 *
 * What a person opening the demo would notice: the same seed gives the same
 * people; names are proper NFC Vietnamese with a believable mix of family
 * names; every household has exactly one head, children are younger than
 * their parents and carry their father's family name; birth dates, phones
 * and CCCD numbers are well formed and agree with each person; thôn sit in
 * the xã and tổ dân phố in the phường (DOMAIN B2).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "core/utf8.h"
#include "units/demogen.h"

enum {
    YEAR_NOW = 2025,     /* the year the tests count ages to */
    N_HOUSEHOLDS = 3000, /* the size of the demo */
    N_UNIQUE = 20000,    /* households checked for repeated CCCD and phone numbers */
};

/* A generated population: households[0 .. n) with one address each. */
struct population {
    struct arena *a;                   /* owns everything below */
    struct demo_household *households; /* the households */
    const char **addresses;            /* address of households[i] */
    size_t n;                          /* number of households */
};

static void generate(struct population *p, uint64_t seed, size_t n)
{
    struct demogen g;
    demogen_init(&g, seed);
    p->a = arena_new(0);
    p->n = n;
    p->households = arena_zalloc(p->a, n * sizeof(*p->households));
    p->addresses = arena_zalloc(p->a, n * sizeof(*p->addresses));
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(demogen_household(&g, p->a, YEAR_NOW, &p->households[i]), 0);
        int thon = i % 2 == 0;
        p->addresses[i] = demogen_address(&g, p->a, thon ? "Thôn Đông Lao" : "Tổ dân phố số 3",
                                          thon ? DEMO_VILLAGE : DEMO_RESIDENTIAL_GROUP);
    }
}

static void release(struct population *p)
{
    arena_free(p->a);
}

static int age_of(const struct demo_member *m)
{
    return YEAR_NOW - m->birth_year;
}

static int is_male(const struct demo_member *m)
{
    return strcmp(m->gender, "nam") == 0;
}

/* Length of the family name: the first word of the full name. */
static size_t family_len(const char *full_name)
{
    const char *sp = strchr(full_name, ' ');
    return sp != NULL ? (size_t)(sp - full_name) : strlen(full_name);
}

static int same_family(const char *x, const char *y)
{
    size_t n = family_len(x);
    return n == family_len(y) && memcmp(x, y, n) == 0;
}

static int words(const char *s)
{
    int n = 1;
    for (; *s != '\0'; s++) {
        n += *s == ' ';
    }
    return n;
}

static int all_digits(const char *s, size_t n)
{
    if (strlen(s) != n) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }
    return 1;
}

/* Valid, already NFC, no stray spaces. */
static void assert_clean_text(struct arena *a, const char *s)
{
    size_t n = strlen(s);
    assert_true(n > 0);
    assert_true(utf8_valid(s, n));
    size_t nfc_len = 0;
    const char *nfc = utf8_nfc(a, s, n, &nfc_len);
    assert_non_null(nfc);
    if (nfc_len != n || memcmp(nfc, s, n) != 0) {
        fail_msg("not NFC: %s", s);
    }
    assert_true(s[0] != ' ' && s[n - 1] != ' ');
    assert_null(strstr(s, "  "));
}

static int compare_strings(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Fails when any of s[0 .. n) occurs twice. */
static void assert_all_different(const char **s, size_t n, const char *what)
{
    qsort(s, n, sizeof(*s), compare_strings);
    for (size_t i = 1; i < n; i++) {
        if (strcmp(s[i - 1], s[i]) == 0) {
            fail_msg("%s %s given twice", what, s[i]);
        }
    }
}

static void test_same_seed_same_households(void **state)
{
    (void)state;
    struct population p, q, r;
    generate(&p, 42, 500);
    generate(&q, 42, 500);
    generate(&r, 43, 500);
    int differs = 0;
    for (size_t i = 0; i < p.n; i++) {
        const struct demo_household *x = &p.households[i], *y = &q.households[i];
        assert_int_equal(x->n_members, y->n_members);
        assert_string_equal(p.addresses[i], q.addresses[i]);
        for (size_t j = 0; j < x->n_members; j++) {
            const struct demo_member *m = &x->members[j], *o = &y->members[j];
            assert_string_equal(m->full_name, o->full_name);
            assert_string_equal(m->gender, o->gender);
            assert_string_equal(m->birth, o->birth);
            assert_string_equal(m->relation, o->relation);
            assert_string_equal(m->phone, o->phone);
            assert_string_equal(m->national_id, o->national_id);
            assert_int_equal(m->father, o->father);
            assert_int_equal(m->mother, o->mother);
        }
        differs |= strcmp(x->members[0].full_name, r.households[i].members[0].full_name) != 0;
    }
    assert_true(differs);
    release(&p);
    release(&q);
    release(&r);
}

static void test_names_are_valid_nfc_utf8(void **state)
{
    (void)state;
    struct population p;
    generate(&p, 1, N_HOUSEHOLDS);
    for (size_t i = 0; i < p.n; i++) {
        const struct demo_household *h = &p.households[i];
        assert_clean_text(p.a, p.addresses[i]);
        for (size_t j = 0; j < h->n_members; j++) {
            const struct demo_member *m = &h->members[j];
            assert_clean_text(p.a, m->full_name);
            assert_clean_text(p.a, m->relation);
            assert_in_range(words(m->full_name), 2, 5);
        }
    }
    size_t n_units;
    const struct demo_unit *u = demogen_units(&n_units);
    for (size_t i = 0; i < n_units; i++) {
        assert_clean_text(p.a, u[i].name);
    }
    /* Decomposed input would still be valid but not NFC: the check above can fail. */
    const char nfd[] = "Nguye\xcc\x82\xcc\x83n";
    size_t len;
    const char *nfc = utf8_nfc(p.a, nfd, sizeof(nfd) - 1, &len);
    assert_non_null(nfc);
    assert_string_equal(nfc, "Nguyễn");
    release(&p);
}

static void test_one_head_and_parents_older_than_children(void **state)
{
    (void)state;
    struct population p;
    generate(&p, 7, N_HOUSEHOLDS);
    for (size_t i = 0; i < p.n; i++) {
        const struct demo_household *h = &p.households[i];
        const struct demo_member *head = &h->members[0];
        assert_in_range(h->n_members, 1, DEMOGEN_MAX_MEMBERS);
        assert_string_equal(head->relation, "chủ hộ");
        assert_in_range(age_of(head), 25, 85);
        int heads = 0, spouses = 0;
        for (size_t j = 0; j < h->n_members; j++) {
            const struct demo_member *m = &h->members[j];
            const char *rel = m->relation;
            heads += strcmp(rel, "chủ hộ") == 0;
            assert_in_range(age_of(m), 1, 95);
            if (m->father >= 0) {
                const struct demo_member *f = &h->members[m->father];
                assert_true(is_male(f));
                assert_true(f->birth_year <= m->birth_year - 16);
                if (!same_family(f->full_name, m->full_name)) {
                    fail_msg("%s is not named after father %s", m->full_name, f->full_name);
                }
            }
            if (m->mother >= 0) {
                const struct demo_member *mo = &h->members[m->mother];
                assert_false(is_male(mo));
                assert_true(mo->birth_year <= m->birth_year - 16);
            }
            if (strcmp(rel, "vợ") == 0 || strcmp(rel, "chồng") == 0) {
                spouses++;
                assert_int_equal(is_male(m), strcmp(rel, "chồng") == 0);
                assert_int_equal(is_male(head), strcmp(rel, "vợ") == 0);
                assert_true(age_of(m) >= 18);
            } else if (strcmp(rel, "con") == 0) {
                assert_true(m->father == 0 || m->mother == 0);
                assert_true(age_of(head) - age_of(m) >= 16);
            } else if (strcmp(rel, "cháu") == 0) {
                assert_true(age_of(head) - age_of(m) >= 32);
                assert_true(m->father > 0 || m->mother > 0);
            } else if (strcmp(rel, "bố") == 0 || strcmp(rel, "mẹ") == 0) {
                assert_int_equal(is_male(m), strcmp(rel, "bố") == 0);
                assert_true(age_of(m) - age_of(head) >= 16);
                assert_int_equal(strcmp(rel, "bố") == 0 ? head->father : head->mother, (int)j);
            } else if (strcmp(rel, "con dâu") == 0 || strcmp(rel, "con rể") == 0) {
                assert_int_equal(is_male(m), strcmp(rel, "con rể") == 0);
                assert_true(age_of(m) >= 18);
            } else if (strcmp(rel, "chủ hộ") != 0) {
                fail_msg("unexpected relation %s", rel);
            }
        }
        assert_int_equal(heads, 1);
        assert_in_range(spouses, 0, 1);
    }
    release(&p);
}

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static void test_birth_dates_are_real_days(void **state)
{
    (void)state;
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    struct population p;
    generate(&p, 11, N_HOUSEHOLDS);
    int n = 0, year_only = 0, feb29 = 0;
    for (size_t i = 0; i < p.n; i++) {
        for (size_t j = 0; j < p.households[i].n_members; j++) {
            const struct demo_member *m = &p.households[i].members[j];
            const char *b = m->birth;
            int y, mo, d;
            n++;
            if (strlen(b) == 4) {
                assert_true(all_digits(b, 4));
                assert_int_equal(parse_int(b, 1900, YEAR_NOW, &y), 0);
                assert_int_equal(y, m->birth_year);
                year_only++;
                continue;
            }
            assert_int_equal(strlen(b), 10);
            assert_true(b[4] == '-' && b[7] == '-');
            char part[5] = {0};
            memcpy(part, b, 4);
            assert_int_equal(parse_int(part, 1900, YEAR_NOW - 1, &y), 0);
            memset(part, 0, sizeof(part));
            memcpy(part, b + 5, 2);
            assert_int_equal(parse_int(part, 1, 12, &mo), 0);
            memcpy(part, b + 8, 2);
            int last = mo == 2 && leap(y) ? 29 : mdays[mo - 1];
            assert_int_equal(parse_int(part, 1, last, &d), 0);
            assert_int_equal(y, m->birth_year);
            feb29 += mo == 2 && d == 29;
        }
    }
    /* Old rolls have some year-only dates, but only a few. */
    assert_true(year_only > 0);
    assert_true(year_only * 20 < n);
    assert_true(feb29 > 0);
    release(&p);
}

static void test_cccd_agrees_with_birth_year_and_gender(void **state)
{
    (void)state;
    struct population p;
    generate(&p, 5, N_UNIQUE);
    const char **ids = arena_alloc(p.a, DEMOGEN_MAX_MEMBERS * N_UNIQUE * sizeof(*ids));
    size_t n_ids = 0, adults = 0, after_2000 = 0;
    for (size_t i = 0; i < p.n; i++) {
        for (size_t j = 0; j < p.households[i].n_members; j++) {
            const struct demo_member *m = &p.households[i].members[j];
            const char *id = m->national_id;
            adults += age_of(m) >= 18;
            if (id[0] == '\0') {
                continue;
            }
            assert_true(age_of(m) >= 18);
            assert_true(all_digits(id, 12));
            /* 099: the made-up demo province, so no demo number is a real card. */
            assert_memory_equal(id, "099", 3);
            int century = m->birth_year >= 2000 ? 2 : 0;
            assert_int_equal(id[3] - '0', century + (is_male(m) ? 0 : 1));
            assert_int_equal((id[4] - '0') * 10 + (id[5] - '0'), m->birth_year % 100);
            after_2000 += century == 2;
            ids[n_ids++] = id;
        }
    }
    assert_true(n_ids > adults / 3 && n_ids < adults);
    assert_true(after_2000 > 0);
    assert_all_different(ids, n_ids, "CCCD");
    release(&p);
}

static void test_phones_are_vietnamese_mobiles(void **state)
{
    (void)state;
    struct population p;
    generate(&p, 9, N_UNIQUE);
    const char **phones = arena_alloc(p.a, DEMOGEN_MAX_MEMBERS * N_UNIQUE * sizeof(*phones));
    size_t n = 0, adults = 0;
    for (size_t i = 0; i < p.n; i++) {
        for (size_t j = 0; j < p.households[i].n_members; j++) {
            const struct demo_member *m = &p.households[i].members[j];
            adults += age_of(m) >= 18;
            if (m->phone[0] == '\0') {
                continue;
            }
            assert_true(age_of(m) >= 18);
            assert_true(all_digits(m->phone, 10));
            assert_int_equal(m->phone[0], '0');
            assert_non_null(strchr("35789", m->phone[1]));
            phones[n++] = m->phone;
        }
    }
    assert_true(n > adults / 3 && n < adults);
    assert_all_different(phones, n, "phone");
    release(&p);
}

/* Counts distinct last words (given names) of one gender; names[] collects them. */
static size_t note_given(const char **names, size_t n, const char *full_name)
{
    const char *given = strrchr(full_name, ' ') + 1;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], given) == 0) {
            return n;
        }
    }
    names[n] = given;
    return n + 1;
}

static void test_distribution_looks_vietnamese(void **state)
{
    (void)state;
    struct population p;
    generate(&p, 2025, N_HOUSEHOLDS);
    size_t people = 0, nguyen = 0, men = 0, women = 0, alone_old = 0, with_parents = 0;
    size_t with_grandchildren = 0, van = 0, thi = 0, two_words = 0, long_names = 0;
    const char *male_given[256], *female_given[256];
    size_t n_male_given = 0, n_female_given = 0;
    for (size_t i = 0; i < p.n; i++) {
        const struct demo_household *h = &p.households[i];
        people += h->n_members;
        alone_old += h->n_members == 1 && age_of(&h->members[0]) >= 65;
        int parents = 0, grand = 0;
        for (size_t j = 0; j < h->n_members; j++) {
            const struct demo_member *m = &h->members[j];
            nguyen += strncmp(m->full_name, "Nguyễn ", strlen("Nguyễn ")) == 0;
            men += strcmp(m->gender, "nam") == 0;
            women += strcmp(m->gender, "nu") == 0;
            van += strstr(m->full_name, " Văn ") != NULL;
            thi += strstr(m->full_name, " Thị ") != NULL;
            two_words += words(m->full_name) == 2;
            long_names += words(m->full_name) >= 4;
            parents |= strcmp(m->relation, "bố") == 0 || strcmp(m->relation, "mẹ") == 0;
            grand |= strcmp(m->relation, "cháu") == 0;
            if (is_male(m)) {
                n_male_given = note_given(male_given, n_male_given, m->full_name);
            } else {
                n_female_given = note_given(female_given, n_female_given, m->full_name);
            }
            assert_true(n_male_given < 256 && n_female_given < 256);
        }
        with_parents += parents;
        with_grandchildren += grand;
    }
    double mean = (double)people / (double)p.n;
    double share = (double)nguyen / (double)people;
    assert_true(mean >= 2.5 && mean <= 5.0);
    assert_true(share >= 0.25 && share <= 0.50);
    assert_int_equal(men + women, people);
    assert_true(men > people / 3 && women > people / 3);
    assert_true(alone_old > 0 && with_parents > 0 && with_grandchildren > 0);
    assert_true(van > 0 && thi > 0 && two_words > 0 && long_names > 0);
    assert_true(n_male_given >= 60);
    assert_true(n_female_given >= 60);
    release(&p);
}

static const struct demo_unit *find_unit(const struct demo_unit *u, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(u[i].code, code) == 0) {
            return &u[i];
        }
    }
    return NULL;
}

/* B2: thôn belong to a xã, tổ dân phố to a phường. */
static void test_units_b2_thon_in_xa_tdp_in_phuong(void **state)
{
    (void)state;
    size_t n;
    const struct demo_unit *u = demogen_units(&n);
    int provinces = 0, wards = 0, rural = 0, thon = 0, tdp = 0, households = 0;
    for (size_t i = 0; i < n; i++) {
        const struct demo_unit *parent = NULL;
        if (u[i].parent_code != NULL) {
            parent = find_unit(u, i, u[i].parent_code); /* parents come first */
            assert_non_null(parent);
        }
        assert_ptr_equal(find_unit(u, n, u[i].code), &u[i]); /* codes unique */
        switch (u[i].kind) {
        case DEMO_PROVINCE:
            provinces++;
            assert_null(parent);
            assert_true(all_digits(u[i].code, 2));
            assert_string_equal(u[i].code, "99");
            assert_string_equal(demogen_kind_text(u[i].kind), "province");
            break;
        case DEMO_WARD:
        case DEMO_COMMUNE_RURAL:
            wards += u[i].kind == DEMO_WARD;
            rural += u[i].kind == DEMO_COMMUNE_RURAL;
            assert_int_equal(parent->kind, DEMO_PROVINCE);
            assert_true(all_digits(u[i].code, 5));
            assert_memory_equal(u[i].name, u[i].kind == DEMO_WARD ? "Phường " : "Xã ",
                                strlen(u[i].kind == DEMO_WARD ? "Phường " : "Xã "));
            break;
        case DEMO_VILLAGE:
            thon++;
            assert_int_equal(parent->kind, DEMO_COMMUNE_RURAL);
            assert_memory_equal(u[i].name, "Thôn ", strlen("Thôn "));
            assert_string_equal(demogen_kind_text(u[i].kind), "village");
            break;
        case DEMO_RESIDENTIAL_GROUP:
            tdp++;
            assert_int_equal(parent->kind, DEMO_WARD);
            assert_memory_equal(u[i].name, "Tổ dân phố ", strlen("Tổ dân phố "));
            assert_string_equal(demogen_kind_text(u[i].kind), "residential_group");
            break;
        }
        if (u[i].kind == DEMO_VILLAGE || u[i].kind == DEMO_RESIDENTIAL_GROUP) {
            assert_true(all_digits(u[i].code, 7));
            assert_memory_equal(u[i].code, parent->code, 5);
            assert_true(u[i].n_households > 0);
            households += u[i].n_households;
        } else {
            assert_int_equal(u[i].n_households, 0);
        }
    }
    assert_int_equal(provinces, 1);
    assert_int_equal(wards, 1);
    assert_int_equal(rural, 1);
    assert_true(thon >= 4 && tdp >= 4);
    assert_true(households >= 3000);
    assert_string_equal(demogen_kind_text(DEMO_WARD), "ward");
    assert_string_equal(demogen_kind_text(DEMO_COMMUNE_RURAL), "commune_rural");
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void test_addresses_follow_village_kind(void **state)
{
    (void)state;
    struct demogen g;
    demogen_init(&g, 3);
    struct arena *a = arena_new(0);
    const char *street_seen[8];
    size_t n_streets = 0;
    int with_lane = 0;
    for (int i = 0; i < 300; i++) {
        const char *thon = demogen_address(&g, a, "Thôn Đông Lao", DEMO_VILLAGE);
        assert_memory_equal(thon, "Xóm ", 4);
        assert_true(ends_with(thon, ", Thôn Đông Lao"));
        const char *tdp = demogen_address(&g, a, "Tổ dân phố số 3", DEMO_RESIDENTIAL_GROUP);
        assert_memory_equal(tdp, "Số ", strlen("Số "));
        assert_true(ends_with(tdp, ", Tổ dân phố số 3"));
        with_lane += strstr(tdp, ", ngõ ") != NULL;
        const char *street = strstr(tdp, " đường ");
        if (street != NULL) {
            size_t len = (size_t)(strchr(street, ',') - street);
            size_t k = 0;
            while (k < n_streets && strncmp(street_seen[k], street, len) != 0) {
                k++;
            }
            if (k == n_streets) {
                assert_true(n_streets < 8);
                street_seen[n_streets++] = street;
            }
        }
    }
    /* One tổ dân phố shows a few streets of its own, not the whole city. */
    assert_in_range(n_streets, 1, 3);
    assert_true(with_lane > 0);
    arena_free(a);
}

/* Sanitizers slow everything down several times; the budget is for the real build. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define SPEED_BUDGET_MS 500.0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define SPEED_BUDGET_MS 500.0
#endif
#endif
#ifndef SPEED_BUDGET_MS
#define SPEED_BUDGET_MS 100.0
#endif

static void test_3000_households_well_under_100ms(void **state)
{
    (void)state;
    struct demogen g;
    struct demo_household h;
    struct timespec t0, t1;
    demogen_init(&g, 77);
    struct arena *a = arena_new(0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < N_HOUSEHOLDS; i++) {
        assert_int_equal(demogen_household(&g, a, YEAR_NOW, &h), 0);
        demogen_address(&g, a, "Thôn Phú Mỹ", DEMO_VILLAGE);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    print_message("3000 households in %.1f ms\n", ms);
    assert_true(ms < SPEED_BUDGET_MS);
    arena_free(a);
}

static void test_year_outside_range_is_refused(void **state)
{
    (void)state;
    struct demogen g;
    struct demo_household h;
    demogen_init(&g, 1);
    struct arena *a = arena_new(0);
    assert_int_equal(demogen_household(&g, a, 1800, &h), ERR_INVALID);
    assert_int_equal(demogen_household(&g, a, 1990, &h), 0);
    assert_in_range(1990 - h.members[0].birth_year, 25, 85);
    arena_free(a);
}

static void test_below_stays_in_range_and_covers_it(void **state)
{
    (void)state;
    struct demogen g;
    demogen_init(&g, 0);
    int hits[7] = {0};
    for (int i = 0; i < 7000; i++) {
        uint32_t x = demogen_below(&g, 7);
        assert_true(x < 7);
        hits[x]++;
        assert_int_equal(demogen_below(&g, 1), 0);
    }
    for (int i = 0; i < 7; i++) {
        assert_in_range(hits[i], 800, 1200);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_households),
        cmocka_unit_test(test_names_are_valid_nfc_utf8),
        cmocka_unit_test(test_one_head_and_parents_older_than_children),
        cmocka_unit_test(test_birth_dates_are_real_days),
        cmocka_unit_test(test_cccd_agrees_with_birth_year_and_gender),
        cmocka_unit_test(test_phones_are_vietnamese_mobiles),
        cmocka_unit_test(test_distribution_looks_vietnamese),
        cmocka_unit_test(test_units_b2_thon_in_xa_tdp_in_phuong),
        cmocka_unit_test(test_addresses_follow_village_kind),
        cmocka_unit_test(test_3000_households_well_under_100ms),
        cmocka_unit_test(test_year_outside_range_is_refused),
        cmocka_unit_test(test_below_stays_in_range_and_covers_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

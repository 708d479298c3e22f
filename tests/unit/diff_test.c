/*
 * diff_test.c - edit scripts, word diffs, section alignment and their HTML (src/core/diff.c).
 *
 * What a user notices: the comparison page of two versions of a draft marks exactly the
 * words that changed (a changed tone mark included), never loses or invents text, shows a
 * khoản that an insertion renumbered as renumbered rather than rewritten, and comes back
 * quickly even for a whole plan rewritten from scratch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/diff.h"
#include "core/rng.h"
#include "core/str.h"

static struct arena *A;

static int setup(void **state)
{
    A = arena_new(0);
    return 0;
}

static int teardown(void **state)
{
    arena_free(A);
    return 0;
}

/* Checks what every word diff must satisfy: SAME + DEL give the old text, SAME + INS the
 * new one, no segment is empty, no two neighbours share an op. */
static void check_text(const struct diff_text *d, struct str old_s, struct str new_s)
{
    struct buf o, n;
    buf_init(&o, A);
    buf_init(&n, A);
    for (size_t i = 0; i < d->n_segs; i++) {
        const struct diff_seg *s = &d->segs[i];
        assert_true(s->len > 0);
        assert_int_equal(strlen(s->text), s->len);
        if (i > 0)
            assert_int_not_equal(s->op, d->segs[i - 1].op);
        if (s->op != DIFF_INS)
            buf_append(&o, s->text, s->len);
        if (s->op != DIFF_DEL)
            buf_append(&n, s->text, s->len);
    }
    assert_int_equal(o.len, old_s.len);
    assert_int_equal(n.len, new_s.len);
    assert_memory_equal(o.ptr, old_s.ptr ? old_s.ptr : "", o.len);
    assert_memory_equal(n.ptr, new_s.ptr ? new_s.ptr : "", n.len);
}

/* The word diff in wdiff's notation: [-deleted-]{+inserted+}. */
static const char *wdiff(const char *old_s, const char *new_s)
{
    struct diff_text d;
    diff_words(A, str_c(old_s), str_c(new_s), &d);
    check_text(&d, str_c(old_s), str_c(new_s));
    assert_false(d.approximate);
    struct buf b;
    buf_init(&b, A);
    buf_puts(&b, "");
    for (size_t i = 0; i < d.n_segs; i++) {
        buf_puts(&b, d.segs[i].op == DIFF_DEL ? "[-" : d.segs[i].op == DIFF_INS ? "{+" : "");
        buf_append(&b, d.segs[i].text, d.segs[i].len);
        buf_puts(&b, d.segs[i].op == DIFF_DEL ? "-]" : d.segs[i].op == DIFF_INS ? "+}" : "");
    }
    return b.ptr;
}

static void identical_text_is_one_same_segment(void **state)
{
    const char *s = "Điều 1. Kế hoạch sử dụng đất năm 2025 của xã.";
    struct diff_text d;
    diff_words(A, str_c(s), str_c(s), &d);
    assert_int_equal(d.n_segs, 1);
    assert_int_equal(d.segs[0].op, DIFF_SAME);
    assert_string_equal(d.segs[0].text, s);
}

static void insertion_at_start_middle_end(void **state)
{
    assert_string_equal(wdiff("họp thôn", "Dự thảo họp thôn"), "{+Dự thảo +}họp thôn");
    assert_string_equal(wdiff("họp thôn Đông", "họp toàn thôn Đông"), "họp {+toàn +}thôn Đông");
    assert_string_equal(wdiff("họp thôn", "họp thôn Đông."), "họp thôn{+ Đông.+}");
}

static void deletion_is_one_deleted_run(void **state)
{
    assert_string_equal(wdiff("mức đóng góp tối đa 200.000 đồng", "mức đóng góp 200.000 đồng"),
                        "mức đóng góp [-tối đa -]200.000 đồng");
    assert_string_equal(wdiff("a, b, c", "a, c"), "a, [-b, -]c");
}

static void tone_marks_matter(void **state)
{
    /* đất (land) and đặt (to place) differ only by the tone mark. */
    assert_string_equal(wdiff("quyền sử dụng đất ở", "quyền sử dụng đặt ở"),
                        "quyền sử dụng [-đất-]{+đặt+} ở");
    assert_string_equal(wdiff("Ủy ban", "Uỷ ban"), "[-Ủy-]{+Uỷ+} ban");
}

static void whitespace_and_punctuation_changes(void **state)
{
    assert_string_equal(wdiff("hai  từ", "hai từ"), "hai[-  -]{+ +}từ");
    assert_string_equal(wdiff("dòng một\ndòng hai", "dòng một dòng hai"),
                        "dòng một[-\n-]{+ +}dòng hai");
    assert_string_equal(wdiff("thôn Đông,", "thôn Đông."), "thôn Đông[-,-]{+.+}");
}

static void empty_against_text_both_ways(void **state)
{
    assert_string_equal(wdiff("", "Khoản mới."), "{+Khoản mới.+}");
    assert_string_equal(wdiff("Khoản cũ.", ""), "[-Khoản cũ.-]");
    struct diff_text d;
    diff_words(A, str_c(""), str_c(""), &d);
    assert_int_equal(d.n_segs, 0);
}

static void separators_between_changes_are_folded(void **state)
{
    /* Two words replaced read as one replacement, not two with a kept space between. */
    assert_string_equal(wdiff("ngày 5/3 năm 2025", "ngày 10/4 năm 2025"),
                        "ngày [-5/3-]{+10/4+} năm 2025");
    assert_string_equal(wdiff("a b c", "x y c"), "[-a b-]{+x y+} c");
    /* A kept word between two changes stays kept. */
    assert_string_equal(wdiff("ngày 5 tháng 3 năm 2025", "ngày 10 tháng 4 năm 2025"),
                        "ngày [-5-]{+10+} tháng [-3-]{+4+} năm 2025");
}

static void segments_reassemble_both_versions(void **state)
{
    static const char *const pieces[] = {
        "đất",      "đặt",       "dân",  "chủ", "xã", "thôn", "khoản", "điều", "1",
        "2025",     " ",         "  ",   "\n",  ", ", ". ",   "—",     "“",    "”",
        "\xC2\xA0", "a\xCC\x81", "\xFF", "(",   ")",  "Ủy",   "ban",
    };
    enum { N_PIECES = sizeof pieces / sizeof pieces[0] };
    struct rng r;
    rng_seed(&r, 20250301);
    for (int round = 0; round < 3000; round++) {
        struct buf o, n;
        buf_init(&o, A);
        buf_init(&n, A);
        buf_puts(&o, "");
        buf_puts(&n, "");
        int len = rnd(&r, 0, 40);
        for (int k = 0; k < len; k++) {
            const char *p = pieces[rnd(&r, 0, N_PIECES - 1)];
            buf_puts(&o, p);
            int what = rnd(&r, 0, 9);
            if (what == 0)
                continue; /* deleted */
            if (what == 1)
                p = pieces[rnd(&r, 0, N_PIECES - 1)]; /* replaced */
            if (what == 2)
                buf_puts(&n, pieces[rnd(&r, 0, N_PIECES - 1)]); /* inserted before */
            buf_puts(&n, p);
        }
        struct diff_text d;
        diff_words(A, (struct str){o.ptr, o.len}, (struct str){n.ptr, n.len}, &d);
        check_text(&d, (struct str){o.ptr, o.len}, (struct str){n.ptr, n.len});
        assert_false(d.approximate);
        if (round % 100 == 99)
            arena_reset(A);
    }
}

/* --- diff_seq on integer sequences --- */

struct ints {
    const int *x, *y; /* old and new */
};

static int int_eq(const void *ctx, size_t i, size_t j)
{
    const struct ints *c = ctx;
    return c->x[i] == c->y[j];
}

/* Checks that the script turns x into y and returns its number of edits. */
static size_t check_script(const struct diff_script *sc, const int *x, size_t nx, const int *y,
                           size_t ny)
{
    size_t i = 0, j = 0, edits = 0;
    for (size_t e = 0; e < sc->n_edits; e++) {
        const struct diff_edit *ed = &sc->edits[e];
        assert_int_equal(ed->old_at, i);
        assert_int_equal(ed->new_at, j);
        assert_true(ed->n > 0);
        for (size_t k = 0; k < ed->n; k++) {
            if (ed->op == DIFF_SAME)
                assert_int_equal(x[i + k], y[j + k]);
        }
        if (ed->op != DIFF_INS)
            i += ed->n;
        if (ed->op != DIFF_DEL)
            j += ed->n;
        if (ed->op != DIFF_SAME)
            edits += ed->n;
    }
    assert_int_equal(i, nx);
    assert_int_equal(j, ny);
    return edits;
}

static void seq_script_is_minimal(void **state)
{
    enum { MAX = 40 };
    int x[MAX], y[MAX];
    static int lcs[MAX + 1][MAX + 1];
    struct rng r;
    rng_seed(&r, 7);
    for (int round = 0; round < 2000; round++) {
        size_t nx = (size_t)rnd(&r, 0, MAX), ny = (size_t)rnd(&r, 0, MAX);
        int alphabet = rnd(&r, 1, 5);
        for (size_t i = 0; i < nx; i++)
            x[i] = rnd(&r, 0, alphabet);
        for (size_t j = 0; j < ny; j++)
            y[j] = chance(&r, 60) && j < nx ? x[j] : rnd(&r, 0, alphabet);
        for (size_t i = 0; i <= nx; i++)
            for (size_t j = 0; j <= ny; j++) {
                if (!i || !j)
                    lcs[i][j] = 0;
                else if (x[i - 1] == y[j - 1])
                    lcs[i][j] = lcs[i - 1][j - 1] + 1;
                else
                    lcs[i][j] = lcs[i - 1][j] > lcs[i][j - 1] ? lcs[i - 1][j] : lcs[i][j - 1];
            }
        struct ints c = {x, y};
        struct diff_script sc;
        diff_seq(A, nx, ny, int_eq, &c, 0, &sc);
        assert_false(sc.approximate);
        assert_int_equal(check_script(&sc, x, nx, y, ny), nx + ny - 2 * (size_t)lcs[nx][ny]);
    }
}

static void seq_cost_cap_gives_a_correct_script(void **state)
{
    enum { N = 2000 };
    static int x[N], y[N];
    for (int i = 0; i < N; i++) {
        x[i] = i;
        y[i] = i % 97 == 50 ? -i : i; /* 21 replacements spread out */
    }
    struct ints c = {x, y};
    struct diff_script full, capped;
    diff_seq(A, N, N, int_eq, &c, 0, &full);
    assert_false(full.approximate);
    assert_int_equal(check_script(&full, x, N, y, N), 2 * 21);
    diff_seq(A, N, N, int_eq, &c, 500, &capped);
    assert_true(capped.approximate);
    size_t edits = check_script(&capped, x, N, y, N);
    assert_true(edits > 2 * 21 && edits <= 2 * N);
}

/* --- HTML --- */

static void html_escapes_and_marks_changes(void **state)
{
    struct diff_text d;
    diff_words(A, str_c("if a < b & \"c\" then 'x'"), str_c("if a > b & \"c\" then 'y'"), &d);
    struct buf b;
    buf_init(&b, A);
    diff_html(&b, d.segs, d.n_segs);
    assert_string_equal(b.ptr, "if a <del>&lt;</del><ins>&gt;</ins> b &amp; &quot;c&quot; then "
                               "&#39;<del>x</del><ins>y</ins>&#39;");
    buf_reset(&b);
    diff_words(A, str_c("<script>"), str_c(""), &d);
    diff_html(&b, d.segs, d.n_segs);
    assert_string_equal(b.ptr, "<del>&lt;script&gt;</del>");
}

/* --- Sections --- */

#define SEC(p, b)                                                                                  \
    {                                                                                              \
        STR_LIT(p), STR_LIT(b)                                                                     \
    }

static void check_pair(const struct diff_alignment *al, size_t k, ptrdiff_t o, ptrdiff_t n,
                       enum diff_status st, int body_changed)
{
    assert_true(k < al->n_pairs);
    assert_int_equal(al->pairs[k].old_index, o);
    assert_int_equal(al->pairs[k].new_index, n);
    assert_int_equal(al->pairs[k].status, st);
    assert_int_equal(al->pairs[k].body_changed, body_changed);
}

static void sections_same_changed_added_removed(void **state)
{
    static const struct diff_section old_s[] = {
        SEC("dieu-1", "Phạm vi điều chỉnh: kế hoạch sử dụng đất năm 2025."),
        SEC("dieu-2", "Mức đóng góp mỗi hộ là 200.000 đồng."),
        SEC("dieu-3", "Thời hạn góp ý là 30 ngày."),
        SEC("dieu-4", "Điều khoản thi hành."),
    };
    static const struct diff_section new_s[] = {
        SEC("dieu-1", "Phạm vi điều chỉnh: kế hoạch sử dụng đất năm 2025."),
        SEC("dieu-2", "Hộ nghèo được miễn đóng góp."),
        SEC("dieu-4", "Điều khoản thi hành."),
        SEC("dieu-5", "Hiệu lực từ ngày ký."),
    };
    struct diff_alignment al;
    diff_sections(A, old_s, 4, new_s, 4, &al);
    assert_int_equal(al.n_pairs, 5);
    check_pair(&al, 0, 0, 0, DIFF_SECTION_SAME, 0);
    check_pair(&al, 1, 1, 1, DIFF_SECTION_CHANGED, 1); /* rewritten, paired by its path */
    check_pair(&al, 2, 2, -1, DIFF_SECTION_REMOVED, 0);
    check_pair(&al, 3, 3, 2, DIFF_SECTION_SAME, 0);
    check_pair(&al, 4, -1, 3, DIFF_SECTION_ADDED, 0);
}

static void sections_renumbered_by_an_insertion(void **state)
{
    /* A khoản inserted first shifts the others; one of them also gets one word changed. */
    static const struct diff_section old_s[] = {
        SEC("dieu-2/khoan-1", "Trưởng thôn niêm yết dự thảo tại nhà văn hóa thôn."),
        SEC("dieu-2/khoan-2", "Người dân góp ý bằng văn bản hoặc tại cuộc họp thôn."),
        SEC("dieu-2/khoan-3", "Ủy ban nhân dân xã tổng hợp ý kiến trong mười ngày làm việc."),
        SEC("dieu-3", "Điều khoản thi hành."),
    };
    static const struct diff_section new_s[] = {
        SEC("dieu-2/khoan-1", "Dự thảo được đăng trên cổng thông tin của xã."),
        SEC("dieu-2/khoan-2", "Trưởng thôn niêm yết dự thảo tại nhà văn hóa thôn."),
        SEC("dieu-2/khoan-3", "Người dân góp ý bằng văn bản hoặc tại cuộc họp thôn."),
        SEC("dieu-2/khoan-4", "Ủy ban nhân dân xã tổng hợp ý kiến trong năm ngày làm việc."),
        SEC("dieu-3", "Điều khoản thi hành."),
    };
    struct diff_alignment al;
    diff_sections(A, old_s, 4, new_s, 5, &al);
    assert_int_equal(al.n_pairs, 5);
    check_pair(&al, 0, -1, 0, DIFF_SECTION_ADDED, 0);
    check_pair(&al, 1, 0, 1, DIFF_SECTION_RENUMBERED, 0);
    check_pair(&al, 2, 1, 2, DIFF_SECTION_RENUMBERED, 0);
    check_pair(&al, 3, 2, 3, DIFF_SECTION_RENUMBERED, 1);
    check_pair(&al, 4, 3, 4, DIFF_SECTION_SAME, 0);
    assert_false(al.approximate);
}

static void sections_similarity_threshold(void **state)
{
    /* 10 words; 8 kept is 80% (similar, paired by content), 7 kept is not (so the old
     * section is removed and the new one added: their paths differ). */
    static const struct diff_section old_s[] = {
        SEC("khoan-1", "một hai ba bốn năm sáu bảy tám chín mười"),
    };
    static const struct diff_section eight[] = {
        SEC("khoan-2", "một hai ba bốn năm sáu bảy tám X Y"),
    };
    static const struct diff_section seven[] = {
        SEC("khoan-2", "một hai ba bốn năm sáu bảy X Y Z"),
    };
    struct diff_alignment al;
    diff_sections(A, old_s, 1, eight, 1, &al);
    assert_int_equal(al.n_pairs, 1);
    check_pair(&al, 0, 0, 0, DIFF_SECTION_RENUMBERED, 1);
    diff_sections(A, old_s, 1, seven, 1, &al);
    assert_int_equal(al.n_pairs, 2);
    check_pair(&al, 0, 0, -1, DIFF_SECTION_REMOVED, 0);
    check_pair(&al, 1, -1, 0, DIFF_SECTION_ADDED, 0);
}

static void sections_empty_versions(void **state)
{
    static const struct diff_section s[] = {SEC("dieu-1", "Nội dung.")};
    struct diff_alignment al;
    diff_sections(A, s, 1, NULL, 0, &al);
    assert_int_equal(al.n_pairs, 1);
    check_pair(&al, 0, 0, -1, DIFF_SECTION_REMOVED, 0);
    diff_sections(A, NULL, 0, s, 1, &al);
    assert_int_equal(al.n_pairs, 1);
    check_pair(&al, 0, -1, 0, DIFF_SECTION_ADDED, 0);
    diff_sections(A, NULL, 0, NULL, 0, &al);
    assert_int_equal(al.n_pairs, 0);
}

/* --- Large texts --- */

static const char *const words[] = {
    "kế",   "hoạch", "sử",  "dụng",  "đất",   "năm",  "xã",    "thôn", "hộ",     "gia",
    "đình", "nhân",  "dân", "ủy",    "ban",   "hội",  "đồng",  "góp",  "ý",      "kiến",
    "dự",   "thảo",  "quy", "chế",   "đường", "giao", "thông", "nông", "thôn",   "mới",
    "công", "khai",  "tài", "chính", "ngân",  "sách", "mức",   "đóng", "trưởng", "họp",
};
enum { N_WORDS = sizeof words / sizeof words[0], LARGE = 20000 };

static double ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* A text of LARGE words from seed; with edits > 0, the same text with that many words
 * replaced, deleted or inserted at spread-out places. */
static struct str large_text(struct arena *a, uint64_t seed, int edits)
{
    struct rng r, e;
    rng_seed(&r, seed);
    rng_seed(&e, seed + 1);
    struct buf b;
    buf_init(&b, a);
    int next_edit = edits ? rnd(&e, 0, LARGE / edits - 1) : -1;
    for (int i = 0; i < LARGE; i++) {
        const char *w = words[rnd(&r, 0, N_WORDS - 1)];
        const char *sep = i % 23 == 22 ? ".\n" : i % 7 == 6 ? ", " : " ";
        if (i == next_edit) {
            int kind = rnd(&e, 0, 2);
            if (kind == 0)
                buf_printf(&b, "sửa%d%s", i, sep); /* replaced */
            else if (kind == 1)
                buf_printf(&b, "thêm%d %s%s", i, w, sep); /* inserted */
            /* kind 2: deleted */
            next_edit = (i / (LARGE / edits) + 1) * (LARGE / edits) + rnd(&e, 0, 100);
            continue;
        }
        buf_puts(&b, w);
        buf_puts(&b, sep);
    }
    return (struct str){b.ptr, b.len};
}

static void large_similar_texts_are_fast(void **state)
{
    struct arena *big = arena_new(0);
    struct str o = large_text(big, 42, 0), n = large_text(big, 42, 50);
    size_t before = big->used;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct diff_text d;
    diff_words(big, o, n, &d);
    double ms = ms_since(&t0);
    printf("diff of two %d-word texts with 50 edits: %.1f ms, %zu segments, %zu KiB\n", LARGE, ms,
           d.n_segs, (big->used - before) / 1024);
    check_text(&d, o, n);
    assert_false(d.approximate);
    size_t changed = 0, places = 0;
    for (size_t i = 0; i < d.n_segs; i++)
        if (d.segs[i].op != DIFF_SAME) {
            changed += d.segs[i].len;
            places += i == 0 || d.segs[i - 1].op == DIFF_SAME;
        }
    /* Exactly the 50 edited places are marked, each a word or two. */
    assert_int_equal(places, 50);
    assert_true(changed < 50 * 40);
    assert_true(ms < 2000);
    arena_free(big);
}

static void unrelated_large_texts_are_bounded(void **state)
{
    struct arena *big = arena_new(0);
    struct str o = large_text(big, 1, 0), n = large_text(big, 2, 0);
    size_t before = big->used;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct diff_text d;
    diff_words(big, o, n, &d);
    double ms = ms_since(&t0);
    size_t used = big->used - before;
    printf("diff of two unrelated %d-word texts: %.1f ms, %zu segments, %zu KiB, "
           "approximate %d\n",
           LARGE, ms, d.n_segs, used / 1024, d.approximate);
    check_text(&d, o, n);
    /* The cost cap stops the search; memory stays linear (a quadratic table of 40,000
     * tokens a side would be gigabytes). */
    assert_true(d.approximate);
    assert_true(used < 64 * (o.len + n.len));
    assert_true(ms < 5000);
    arena_free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(identical_text_is_one_same_segment, setup, teardown),
        cmocka_unit_test_setup_teardown(insertion_at_start_middle_end, setup, teardown),
        cmocka_unit_test_setup_teardown(deletion_is_one_deleted_run, setup, teardown),
        cmocka_unit_test_setup_teardown(tone_marks_matter, setup, teardown),
        cmocka_unit_test_setup_teardown(whitespace_and_punctuation_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(empty_against_text_both_ways, setup, teardown),
        cmocka_unit_test_setup_teardown(separators_between_changes_are_folded, setup, teardown),
        cmocka_unit_test_setup_teardown(segments_reassemble_both_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(seq_script_is_minimal, setup, teardown),
        cmocka_unit_test_setup_teardown(seq_cost_cap_gives_a_correct_script, setup, teardown),
        cmocka_unit_test_setup_teardown(html_escapes_and_marks_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(sections_same_changed_added_removed, setup, teardown),
        cmocka_unit_test_setup_teardown(sections_renumbered_by_an_insertion, setup, teardown),
        cmocka_unit_test_setup_teardown(sections_similarity_threshold, setup, teardown),
        cmocka_unit_test_setup_teardown(sections_empty_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(large_similar_texts_are_fast, setup, teardown),
        cmocka_unit_test_setup_teardown(unrelated_large_texts_are_bounded, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * utf8_test.c - validation, NFC and Vietnamese search folding (src/core/utf8.c).
 *
 * What a user notices: "dan chu", "dân chủ", "DÂN CHỦ" and the same words
 * typed on a keyboard that sends decomposed marks all find the same rows;
 * names are stored in one byte form; broken bytes are refused, not stored.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <utf8proc.h>

#include "core/arena.h"
#include "core/utf8.h"

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

static const char *fold(const char *s)
{
    return utf8_fold(A, s, strlen(s), NULL);
}

/* "Đặng Thị Ánh" precomposed (NFC). */
static const char NAME_NFC[] = "\xC4\x90\xE1\xBA\xB7ng Th\xE1\xBB\x8B \xC3\x81nh";
/* The same name decomposed (NFD): D-stroke stays, a + dot below + breve, ... */
static const char NAME_NFD[] = "\xC4\x90"
                               "a\xCC\x86\xCC\xA3ng Thi\xCC\xA3 A\xCC\x81nh";

static void fold_precomposed_and_decomposed_match(void **state)
{
    assert_string_equal(fold(NAME_NFC), "dang thi anh");
    assert_string_equal(fold(NAME_NFD), "dang thi anh");
    /* "dân chủ" both ways. */
    assert_string_equal(fold("d\xC3\xA2n ch\xE1\xBB\xA7"), "dan chu");
    assert_string_equal(fold("da\xCC\x82n chu\xCC\x9B\xCC\x89"), "dan chu");
}

static void fold_d_stroke(void **state)
{
    assert_string_equal(fold("\xC4\x90"), "d");              /* Đ */
    assert_string_equal(fold("\xC4\x91"), "d");              /* đ */
    assert_string_equal(fold("\xC4\x90\xC3\x94NG"), "dong"); /* ĐÔNG */
    /* Eth, typed for Đ by old fonts. */
    assert_string_equal(fold("\xC3\x90\xE1\xBA\xA0I"), "dai");
}

static void fold_upper_lower_mixed_case(void **state)
{
    /* "ĐẶNG Thị Ánh" */
    assert_string_equal(fold("\xC4\x90\xE1\xBA\xB6NG Th\xE1\xBB\x8B \xC3\x81nh"), "dang thi anh");
    /* "DÂN CHỦ", "Dân Chủ", "dan chu" */
    assert_string_equal(fold("D\xC3\x82N CH\xE1\xBB\xA6"), "dan chu");
    assert_string_equal(fold("D\xC3\xA2n Ch\xE1\xBB\xA7"), "dan chu");
    assert_string_equal(fold("DaN cHu"), "dan chu");
    /* Every Vietnamese vowel with every tone ends up a plain vowel. */
    assert_string_equal(fold("\xE1\xBB\xA8\xE1\xBB\xB0\xE1\xBB\xAA\xE1\xBB\xAC\xE1\xBB\xAE"),
                        "uuuuu"); /* ỨỰỪỬỮ */
    assert_string_equal(fold("\xE1\xBB\x9A\xE1\xBB\xA2\xE1\xBB\xB3\xC3\xBD\xE1\xBB\xB9"),
                        "ooyyy"); /* ỚỢỳýỹ */
}

static void fold_collapses_and_trims_white_space(void **state)
{
    assert_string_equal(fold("  x\xC3\xA3  \t\n  Ph\xC6\xB0\xE1\xBB\x9Dng   "), "xa phuong");
    /* No-break space and ideographic space are white space too. */
    assert_string_equal(fold("th\xC3\xB4n\xC2\xA0"
                             "1\xE3\x80\x80"
                             "2"),
                        "thon 1 2");
    assert_string_equal(fold("   \t "), "");
    assert_string_equal(fold(""), "");
    /* A soft hyphen is invisible and folds away. */
    assert_string_equal(fold("d\xC3\xA2n\xC2\xAD"
                             "ch\xE1\xBB\xA7"),
                        "danchu");
}

static void fold_keeps_other_text(void **state)
{
    assert_string_equal(fold("S\xE1\xBB\x91 12/2025-NQ"), "so 12/2025-nq");
    /* Korean stays composed, German sharp s folds as Unicode says. */
    assert_string_equal(fold("\xED\x95\x9C\xEA\xB5\xAD"), "\xED\x95\x9C\xEA\xB5\xAD");
    assert_string_equal(fold("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB"), "\xED\x95\x9C");
    assert_string_equal(fold("Stra\xC3\x9F"
                             "e"),
                        "strasse");
}

static void fold_reports_length(void **state)
{
    size_t n = 99;
    const char *r = utf8_fold(A, NAME_NFD, strlen(NAME_NFD), &n);
    assert_non_null(r);
    assert_int_equal(n, strlen("dang thi anh"));
    assert_int_equal(strlen(r), n);
}

static void invalid_utf8_is_refused(void **state)
{
    static const char *const bad[] = {
        "\xC0\xAF",         /* overlong '/' */
        "\xE0\x80\xAF",     /* overlong, three bytes */
        "\xF0\x80\x80\xAF", /* overlong, four bytes */
        "\xED\xA0\x80",     /* UTF-16 surrogate U+D800 */
        "\xED\xBF\xBF",     /* surrogate U+DFFF */
        "ab\xE1\xBA",       /* truncated at the end */
        "\xE1\xBA x",       /* truncated before ASCII */
        "\x80",             /* lone continuation byte */
        "\xF4\x90\x80\x80", /* past U+10FFFF */
        "\xFE",
        "\xFF",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t n = strlen(bad[i]);
        assert_false(utf8_valid(bad[i], n));
        assert_null(utf8_fold(A, bad[i], n, NULL));
        assert_null(utf8_nfc(A, bad[i], n, NULL));
    }
    /* Boundaries that are valid. */
    assert_true(utf8_valid("\xED\x9F\xBF", 3));     /* U+D7FF */
    assert_true(utf8_valid("\xEE\x80\x80", 3));     /* U+E000 */
    assert_true(utf8_valid("\xF4\x8F\xBF\xBF", 4)); /* U+10FFFF */
    assert_true(utf8_valid("\xC2\x80", 2));         /* U+0080 */
    assert_true(utf8_valid("", 0));
    /* A long ASCII run with a bad byte near its end. */
    char longbad[64];
    memset(longbad, 'a', sizeof longbad);
    longbad[61] = (char)0xC3;
    assert_false(utf8_valid(longbad, sizeof longbad));
    longbad[62] = (char)0xA9;
    assert_true(utf8_valid(longbad, sizeof longbad));
}

static void nfc_of_decomposed_equals_precomposed(void **state)
{
    size_t n = 0;
    const char *r = utf8_nfc(A, NAME_NFD, strlen(NAME_NFD), &n);
    assert_non_null(r);
    assert_int_equal(n, strlen(NAME_NFC));
    assert_memory_equal(r, NAME_NFC, n);
    /* Already NFC stays byte for byte, ASCII included. */
    r = utf8_nfc(A, NAME_NFC, strlen(NAME_NFC), &n);
    assert_string_equal(r, NAME_NFC);
    assert_string_equal(utf8_nfc(A, "abc", 3, NULL), "abc");
    /* Marks in non-canonical order: dot below (ccc 220) after circumflex (230). */
    assert_string_equal(utf8_nfc(A, "a\xCC\x82\xCC\xA3", 5, NULL), "\xE1\xBA\xAD"); /* ậ */
    assert_string_equal(utf8_nfc(A, "a\xCC\xA3\xCC\x82", 5, NULL), "\xE1\xBA\xAD");
    /* The Angstrom sign is a singleton: NFC gives Å. */
    assert_string_equal(utf8_nfc(A, "\xE2\x84\xAB", 3, NULL), "\xC3\x85");
}

/*
 * utf8_nfc copies text made only of code points below U+0300 and in
 * U+1E00-U+1EFF without asking utf8proc. That is right only if every such
 * code point is unchanged by NFC; check each one.
 */
static void nfc_fast_path_ranges_are_nfc_stable(void **state)
{
    for (int32_t cp = 1; cp < 0x1F00; cp++) {
        if (cp == 0x300)
            cp = 0x1E00;
        utf8proc_uint8_t in[8];
        utf8proc_uint8_t *out = NULL;
        utf8proc_ssize_t n = utf8proc_encode_char(cp, in);
        utf8proc_ssize_t m = utf8proc_map(in, n, &out, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
        assert_int_equal(m, n);
        assert_memory_equal(out, in, (size_t)n);
        free(out);
    }
}

/*
 * Every code point of the Latin blocks (where utf8_fold uses a precomputed
 * table) folds as utf8proc_map's own decompose + strip marks + case fold
 * says, plus đ→d, and white space becomes a separator.
 */
static void fold_latin_blocks_match_utf8proc(void **state)
{
    for (int32_t cp = 0x80; cp < 0x1F00; cp++) {
        if (cp == 0x250)
            cp = 0x1E00;
        utf8proc_uint8_t in[8];
        utf8proc_uint8_t *ref = NULL;
        utf8proc_ssize_t n = utf8proc_encode_char(cp, in);
        utf8proc_ssize_t m = utf8proc_map(in, n, &ref,
                                          UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK |
                                              UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
        assert_true(m >= 0);
        char want[64] = "x";
        size_t wl = 1;
        utf8proc_category_t cat = utf8proc_category(cp);
        if (cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_CC) {
            want[wl++] = ' ';
        } else if (m == 2 && (memcmp(ref, "\xC4\x91", 2) == 0 || memcmp(ref, "\xC3\xB0", 2) == 0)) {
            want[wl++] = 'd';
        } else {
            memcpy(want + wl, ref, (size_t)m);
            wl += (size_t)m;
        }
        want[wl++] = 'y';
        want[wl] = '\0';
        free(ref);
        char text[16] = "X";
        memcpy(text + 1, in, (size_t)n);
        text[1 + n] = 'Y';
        text[2 + n] = '\0';
        const char *got = fold(text);
        if (strcmp(got, want) != 0)
            fail_msg("U+%04X folds to \"%s\", want \"%s\"", (unsigned)cp, got, want);
    }
}

static void length_counts_code_points(void **state)
{
    assert_int_equal(utf8_length("", 0), 0);
    assert_int_equal(utf8_length("abc", 3), 3);
    assert_int_equal(utf8_length(NAME_NFC, strlen(NAME_NFC)), 12);
    /* Decomposed: Đ, a, breve, dot, n, g, ' ', T, h, i, dot, ' ', A, acute, n, h. */
    assert_int_equal(utf8_length(NAME_NFD, strlen(NAME_NFD)), 16);
    assert_int_equal(utf8_length("\xF0\x9F\x98\x80", 4), 1);
}

static void fold_long_text_grows_buffer(void **state)
{
    /* "ẞ" (3 bytes) folds to "ss" and the Armenian ligature "և" (2 bytes) to
     * 4 bytes: output may outgrow input. */
    char in[3000];
    size_t n = 0;
    while (n + 2 <= sizeof in) {
        in[n++] = (char)0xD6;
        in[n++] = (char)0x87;
    }
    size_t len = 0;
    const char *r = utf8_fold(A, in, n, &len);
    assert_non_null(r);
    assert_int_equal(len, n * 2);
    assert_int_equal(utf8_length(r, len), n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(fold_precomposed_and_decomposed_match, setup, teardown),
        cmocka_unit_test_setup_teardown(fold_d_stroke, setup, teardown),
        cmocka_unit_test_setup_teardown(fold_upper_lower_mixed_case, setup, teardown),
        cmocka_unit_test_setup_teardown(fold_collapses_and_trims_white_space, setup, teardown),
        cmocka_unit_test_setup_teardown(fold_keeps_other_text, setup, teardown),
        cmocka_unit_test_setup_teardown(fold_reports_length, setup, teardown),
        cmocka_unit_test_setup_teardown(invalid_utf8_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(nfc_of_decomposed_equals_precomposed, setup, teardown),
        cmocka_unit_test(nfc_fast_path_ranges_are_nfc_stable),
        cmocka_unit_test_setup_teardown(fold_latin_blocks_match_utf8proc, setup, teardown),
        cmocka_unit_test_setup_teardown(length_counts_code_points, setup, teardown),
        cmocka_unit_test_setup_teardown(fold_long_text_grows_buffer, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * form_test.c - tests of the HTTP input parsers (src/http/parse.c): query
 * strings, urlencoded forms, multipart/form-data uploads and Cookie headers,
 * with Vietnamese text as residents type it (precomposed or decomposed).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "http/parse.h"

/* "Nguyễn Văn An" precomposed (NFC), as stored. */
#define NGUYEN_NFC "Nguy\xe1\xbb\x85n V\xc4\x83n An"

static int setup(void **state)
{
    *state = arena_new(0);
    return 0;
}

static int teardown(void **state)
{
    arena_free(*state);
    return 0;
}

/* Value of the first pair named name, NUL-terminated; fails the test when absent. */
static const char *val(const struct http_params *p, const char *name)
{
    const struct http_param *it = http_params_get(p, name);
    assert_non_null(it);
    assert_int_equal(strlen(it->value.ptr), it->value.len);
    return it->value.ptr;
}

static int query(struct arena *a, const char *s, struct http_params *out)
{
    return http_parse_query(a, s, strlen(s), out);
}

/* ---- query strings and urlencoded bodies ---- */

static void test_query_basic(void **state)
{
    struct http_params p;
    assert_int_equal(query(*state, "a=1&b=%C3%A2+x", &p), 0);
    assert_int_equal(p.n_items, 2);
    assert_string_equal(p.items[0].name.ptr, "a");
    assert_string_equal(val(&p, "a"), "1");
    assert_string_equal(val(&p, "b"), "\xc3\xa2 x");
    assert_null(http_params_get(&p, "c"));
}

static void test_query_plus_and_encoded_plus(void **state)
{
    struct http_params p;
    assert_int_equal(query(*state, "q=d%C3%A2n+ch%E1%BB%A7&sum=1%2B1&sp=%20", &p), 0);
    assert_string_equal(val(&p, "q"), "d\xc3\xa2n ch\xe1\xbb\xa7");
    assert_string_equal(val(&p, "sum"), "1+1");
    assert_string_equal(val(&p, "sp"), " ");
}

static void test_query_vietnamese_nfc(void **state)
{
    struct http_params p;
    /* Precomposed, percent-encoded as a browser sends it. */
    assert_int_equal(query(*state, "ten=Nguy%E1%BB%85n+V%C4%83n+An", &p), 0);
    assert_string_equal(val(&p, "ten"), NGUYEN_NFC);
}

static void test_query_vietnamese_nfd_normalised(void **state)
{
    struct http_params p;
    /* Decomposed: e + U+0302 circumflex + U+0303 tilde, a + U+0306 breve,
     * as some phone keyboards type it. Stored text must be NFC so that it
     * matches what another resident typed precomposed. */
    assert_int_equal(query(*state, "ten=Nguye%CC%82%CC%83n+Va%CC%86n+An", &p), 0);
    const struct http_param *it = http_params_get(&p, "ten");
    assert_non_null(it);
    assert_int_equal(it->value.len, strlen(NGUYEN_NFC));
    assert_memory_equal(it->value.ptr, NGUYEN_NFC, it->value.len);
    /* Names are normalised too: the NFD name is found under its NFC spelling. */
    assert_int_equal(query(*state, "tho%CC%82n=1", &p), 0);
    assert_string_equal(val(&p, "th\xc3\xb4n"), "1");
}

static void test_query_bad_escapes(void **state)
{
    static const char *const bad[] = {"a=%",      "a=%4",  "a=%zz", "a=%G1", "%=1",
                                      "a=1&b=5%", "x%2=1", "a=%%",  "a=%-1"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct http_params p = {(struct http_param *)&p, 99};
        assert_int_equal(query(*state, bad[i], &p), ERR_INVALID);
        assert_null(p.items);
        assert_int_equal(p.n_items, 0);
    }
}

static void test_query_not_utf8_or_nul(void **state)
{
    static const char *const bad[] = {
        "a=%C3",       /* truncated sequence */
        "a=%FF",       /* never valid in UTF-8 */
        "a=%C0%AF",    /* overlong '/' */
        "a=%ED%A0%80", /* UTF-16 surrogate */
        "a=x%00y",     /* NUL inside text */
        "%E1%BB=1",    /* broken name */
        "a=\xe1\xbb",  /* raw invalid bytes */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct http_params p;
        assert_int_equal(query(*state, bad[i], &p), ERR_INVALID);
    }
}

static void test_query_empty_pairs_and_bare_names(void **state)
{
    struct http_params p;
    assert_int_equal(query(*state, "&a=1&&b=2&", &p), 0);
    assert_int_equal(p.n_items, 2);
    assert_string_equal(val(&p, "b"), "2");

    assert_int_equal(query(*state, "flag&x=&y", &p), 0);
    assert_int_equal(p.n_items, 3);
    assert_string_equal(val(&p, "flag"), "");
    assert_string_equal(val(&p, "x"), "");
    assert_string_equal(val(&p, "y"), "");

    assert_int_equal(query(*state, "&&&", &p), 0);
    assert_int_equal(p.n_items, 0);
    assert_int_equal(http_parse_query(*state, NULL, 0, &p), 0);
    assert_int_equal(p.n_items, 0);
    assert_null(http_params_get(&p, "a"));

    /* Only the first '=' splits: base64 tokens end in '='. */
    assert_int_equal(query(*state, "t=YWJj==", &p), 0);
    assert_string_equal(val(&p, "t"), "YWJj==");
}

static void test_query_duplicates_kept_first_wins(void **state)
{
    struct http_params p;
    assert_int_equal(query(*state, "thon=1&thon=2&x=0&thon=3", &p), 0);
    assert_int_equal(p.n_items, 4);
    assert_string_equal(val(&p, "thon"), "1");
    assert_string_equal(p.items[1].value.ptr, "2");
    assert_string_equal(p.items[3].value.ptr, "3");
}

static void test_query_pair_limit(void **state)
{
    struct http_params p;
    struct buf b;
    buf_init(&b, *state);
    for (int i = 0; i < HTTP_MAX_PAIRS; i++)
        buf_puts(&b, "c=1&");
    assert_int_equal(http_parse_query(*state, b.ptr, b.len, &p), 0);
    assert_int_equal(p.n_items, HTTP_MAX_PAIRS);
    buf_puts(&b, "c=1");
    assert_int_equal(http_parse_query(*state, b.ptr, b.len, &p), ERR_TOO_LARGE);
    assert_int_equal(p.n_items, 0);
}

static void test_urlencoded_form_body(void **state)
{
    static const char body[] = "csrf=abc&noi_dung=%C4%90%C6%B0%E1%BB%9Dng+th%C3%B4n+1+b%E1%BB%8B+"
                               "ng%E1%BA%ADp%0D%0AC%E1%BA%A7n+s%E1%BB%ADa";
    struct http_params p;
    assert_int_equal(http_parse_urlencoded(*state, body, sizeof(body) - 1, &p), 0);
    assert_string_equal(val(&p, "csrf"), "abc");
    /* "Đường thôn 1 bị ngập\r\nCần sửa": line breaks survive for multi-line fields. */
    assert_string_equal(val(&p, "noi_dung"), "\xc4\x90\xc6\xb0\xe1\xbb\x9dng th\xc3\xb4n 1 "
                                             "b\xe1\xbb\x8b ng\xe1\xba\xadp\r\n"
                                             "C\xe1\xba\xa7n s\xe1\xbb\xad"
                                             "a");
    /* The body is not NUL-terminated by the server: a length stops the parse. */
    assert_int_equal(http_parse_urlencoded(*state, "a=12345", 3, &p), 0);
    assert_string_equal(val(&p, "a"), "1");
}

/* ---- multipart/form-data ---- */

#define CT "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW"
#define B "------WebKitFormBoundary7MA4YWxkTrZu0gW"

/* "Họ tên,Thôn\r\nNguyễn Văn An,Thôn 1\r\n" */
#define CSV "H\xe1\xbb\x8d t\xc3\xaan,Th\xc3\xb4n\r\n" NGUYEN_NFC ",Th\xc3\xb4n 1\r\n"

static int mp(struct arena *a, const char *ct, const char *body, size_t len,
              const struct http_limits *lim, struct http_params *out)
{
    return http_parse_multipart(a, ct, body, len, lim, out);
}

static void test_multipart_csv_file_and_text_field(void **state)
{
    static const char body[] =
        B "\r\n"
          "Content-Disposition: form-data; name=\"ghi_chu\"\r\n"
          "\r\n"
          "Danh s\xc3\xa1"
          "ch h\xe1\xbb\x99 th\xc3\xb4n 1\r\n" B "\r\n"
          "Content-Disposition: form-data; name=\"tep\"; filename=\"danh-sach-ho.csv\"\r\n"
          "Content-Type: text/csv\r\n"
          "\r\n" CSV "\r\n" B "--\r\n";
    struct http_params p;
    assert_int_equal(mp(*state, CT, body, sizeof(body) - 1, NULL, &p), 0);
    assert_int_equal(p.n_items, 2);

    const struct http_param *note = http_params_get(&p, "ghi_chu");
    assert_non_null(note);
    assert_false(note->is_file);
    assert_string_equal(note->value.ptr, "Danh s\xc3\xa1"
                                         "ch h\xe1\xbb\x99 th\xc3\xb4n 1");
    assert_int_equal(note->filename.len, 0);
    assert_int_equal(note->content_type.len, 0);

    const struct http_param *f = http_params_get(&p, "tep");
    assert_non_null(f);
    assert_true(f->is_file);
    assert_string_equal(f->filename.ptr, "danh-sach-ho.csv");
    assert_string_equal(f->content_type.ptr, "text/csv");
    /* The file keeps its own final CRLF; only the delimiter's CRLF is removed. */
    assert_int_equal(f->value.len, sizeof(CSV) - 1);
    assert_memory_equal(f->value.ptr, CSV, sizeof(CSV) - 1);
}

static void test_multipart_lf_only(void **state)
{
    static const char body[] = "--xyz\n"
                               "Content-Disposition: form-data; name=\"a\"\n"
                               "\n"
                               "m\xe1\xbb\x99t\n"
                               "--xyz\n"
                               "content-disposition: form-data; name=\"f\"; filename=\"x.txt\"\n"
                               "\n"
                               "line1\nline2\n"
                               "--xyz--\n";
    struct http_params p;
    assert_int_equal(
        mp(*state, "multipart/form-data; boundary=xyz", body, sizeof(body) - 1, NULL, &p), 0);
    assert_int_equal(p.n_items, 2);
    assert_string_equal(val(&p, "a"), "m\xe1\xbb\x99t");
    assert_string_equal(val(&p, "f"), "line1\nline2");
}

static void test_multipart_missing_close_boundary(void **state)
{
    static const char body[] = "--xyz\r\n"
                               "Content-Disposition: form-data; name=\"a\"\r\n"
                               "\r\n"
                               "1\r\n"
                               "--xyz\r\n"
                               "Content-Disposition: form-data; name=\"b\"\r\n"
                               "\r\n"
                               "2\r\n";
    static const char truncated[] = "--xyz\r\n"
                                    "Content-Disposition: form-data; name=\"a\"\r\n"
                                    "\r\n"
                                    "1\r\n"
                                    "--xy";
    struct http_params p;
    const char *ct = "multipart/form-data; boundary=xyz";
    assert_int_equal(mp(*state, ct, body, sizeof(body) - 1, NULL, &p), ERR_INVALID);
    assert_int_equal(p.n_items, 0);
    assert_int_equal(mp(*state, ct, truncated, sizeof(truncated) - 1, NULL, &p), ERR_INVALID);
    assert_int_equal(mp(*state, ct, "", 0, NULL, &p), ERR_INVALID);
    assert_int_equal(mp(*state, ct, "no delimiter at all", 19, NULL, &p), ERR_INVALID);
}

static void test_multipart_malformed_headers(void **state)
{
    const char *ct = "multipart/form-data; boundary=xyz";
    static const char *const bad[] = {
        /* no headers at all */
        "--xyz\r\n\r\nvalue\r\n--xyz--\r\n",
        /* headers never end */
        "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n--xyz--",
        /* not form-data */
        "--xyz\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nv\r\n--xyz--\r\n",
        /* no name */
        "--xyz\r\nContent-Disposition: form-data; filename=\"a\"\r\n\r\nv\r\n--xyz--\r\n",
        /* unterminated quoted string */
        "--xyz\r\nContent-Disposition: form-data; name=\"a\r\n\r\nv\r\n--xyz--\r\n",
        /* header line without a colon */
        "--xyz\r\nContent-Disposition form-data; name=\"a\"\r\n\r\nv\r\n--xyz--\r\n",
        /* two dispositions */
        "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\nContent-Disposition: form-data; "
        "name=\"b\"\r\n\r\nv\r\n--xyz--\r\n",
        /* text field that is not UTF-8 */
        "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xc3(\r\n--xyz--\r\n",
        /* file name with a line break */
        "--xyz\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\rb\"\r\n\r\nv\r\n"
        "--xyz--\r\n",
        /* file name* in another charset */
        "--xyz\r\nContent-Disposition: form-data; name=\"f\"; filename*=ISO-8859-1''%E9\r\n\r\n"
        "v\r\n--xyz--\r\n",
        /* file name* with a bad escape */
        "--xyz\r\nContent-Disposition: form-data; name=\"f\"; filename*=UTF-8''a%G0\r\n\r\n"
        "v\r\n--xyz--\r\n",
    };
    struct http_params p;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(mp(*state, ct, bad[i], strlen(bad[i]), NULL, &p), ERR_INVALID);
    /* NUL inside a text field */
    static const char nul[] =
        "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\0y\r\n--xyz--\r\n";
    assert_int_equal(mp(*state, ct, nul, sizeof(nul) - 1, NULL, &p), ERR_INVALID);
}

static void test_multipart_content_type_header(void **state)
{
    static const char body[] =
        "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b--";
    struct http_params p;
    size_t n = sizeof(body) - 1;
    assert_int_equal(mp(*state, "application/x-www-form-urlencoded", body, n, NULL, &p),
                     ERR_UNSUPPORTED);
    assert_int_equal(mp(*state, NULL, body, n, NULL, &p), ERR_UNSUPPORTED);
    assert_int_equal(mp(*state, "multipart/form-data", body, n, NULL, &p), ERR_INVALID);
    assert_int_equal(mp(*state, "multipart/form-data; boundary=", body, n, NULL, &p), ERR_INVALID);
    assert_int_equal(mp(*state, "multipart/form-data; boundary=\"b", body, n, NULL, &p),
                     ERR_INVALID);
    /* Quoted, other case, extra parameters: all accepted. */
    assert_int_equal(
        mp(*state, "Multipart/Form-Data; charset=utf-8; BOUNDARY=\"b\"", body, n, NULL, &p), 0);
    assert_string_equal(val(&p, "a"), "1");

    /* RFC 2046: at most 70 characters. */
    char big[72];
    memset(big, 'q', 71);
    big[71] = '\0';
    const char *ct71 = arena_printf(*state, "multipart/form-data; boundary=%s", big);
    assert_int_equal(mp(*state, ct71, body, n, NULL, &p), ERR_INVALID);
    big[70] = '\0';
    const char *ct70 = arena_printf(*state, "multipart/form-data; boundary=%s", big);
    const char *body70 = arena_printf(
        *state, "--%s\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--%s--", big, big);
    assert_int_equal(mp(*state, ct70, body70, strlen(body70), NULL, &p), 0);
    assert_string_equal(val(&p, "a"), "1");
}

static void test_multipart_boundary_inside_file(void **state)
{
    /* File content holding things that start like the delimiter but are not
     * one: mid-line, longer boundary, a single dash, a truncated boundary,
     * bare CR, and NUL bytes (binary files pass untouched). */
    static const char file[] = "a--xyz b\r\n"
                               "--xyzz\r\n"
                               "--xyz-\r\n"
                               "--xy\r\n"
                               "\r--xyz\r\n"
                               "--xyzw--\r\n"
                               "\0\xff\xfe\0";
    static const char head[] = "preamble that clients may send\r\n"
                               "--xyz\r\n"
                               "Content-Disposition: form-data; name=\"f\"; filename=\"b.bin\"\r\n"
                               "Content-Type: application/octet-stream\r\n"
                               "\r\n";
    static const char tail[] = "\r\n--xyz--\r\nepilogue --xyz\r\n";
    char body[512];
    size_t n = 0;
    memcpy(body + n, head, sizeof(head) - 1);
    n += sizeof(head) - 1;
    memcpy(body + n, file, sizeof(file) - 1);
    n += sizeof(file) - 1;
    memcpy(body + n, tail, sizeof(tail) - 1);
    n += sizeof(tail) - 1;

    struct http_params p;
    assert_int_equal(mp(*state, "multipart/form-data; boundary=xyz", body, n, NULL, &p), 0);
    assert_int_equal(p.n_items, 1);
    assert_int_equal(p.items[0].value.len, sizeof(file) - 1);
    assert_memory_equal(p.items[0].value.ptr, file, sizeof(file) - 1);
    assert_string_equal(p.items[0].content_type.ptr, "application/octet-stream");
}

static void test_multipart_filenames(void **state)
{
    static const char body[] =
        "--b\r\n"
        "Content-Disposition: form-data; name=\"f1\"; filename=\"C:\\Users\\An\\bao "
        "\\\"cao\\\".csv\""
        "\r\n\r\nx\r\n"
        "--b\r\n"
        "Content-Disposition: form-data; name=\"f2\"; filename=\"fallback.txt\"; "
        "filename*=UTF-8''Bi%C3%AAn%20ba%CC%89n.pdf\r\n\r\ny\r\n"
        "--b\r\n"
        "Content-Disposition: form-data; name=\"f3\"; filename=\"\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n\r\n"
        "--b\r\n"
        "Content-Disposition: form-data; name=\"f4\"; filename=\"../../etc/passwd\"\r\n\r\n"
        "z\r\n"
        "--b--\r\n";
    struct http_params p;
    assert_int_equal(
        mp(*state, "multipart/form-data; boundary=b", body, sizeof(body) - 1, NULL, &p), 0);
    assert_int_equal(p.n_items, 4);
    /* Directories dropped; \" unescaped. */
    assert_string_equal(http_params_get(&p, "f1")->filename.ptr, "bao \"cao\".csv");
    /* RFC 5987 name wins and is NFC: "Biên bản.pdf". */
    assert_string_equal(http_params_get(&p, "f2")->filename.ptr, "Bi\xc3\xaan b\xe1\xba\xa3n.pdf");
    /* An unused file input: a file part with no name and no bytes. */
    const struct http_param *f3 = http_params_get(&p, "f3");
    assert_true(f3->is_file);
    assert_int_equal(f3->filename.len, 0);
    assert_int_equal(f3->value.len, 0);
    assert_string_equal(http_params_get(&p, "f4")->filename.ptr, "passwd");
}

static void test_multipart_text_nfd_normalised_file_kept(void **state)
{
    /* Text fields are NFC-normalised; file bytes are not touched. */
    static const char body[] =
        "--b\r\nContent-Disposition: form-data; name=\"ten\"\r\n\r\nNguye\xcc\x82\xcc\x83n\r\n"
        "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"nfd.txt\"\r\n\r\n"
        "Nguye\xcc\x82\xcc\x83n\xff\r\n"
        "--b--";
    struct http_params p;
    assert_int_equal(
        mp(*state, "multipart/form-data; boundary=b", body, sizeof(body) - 1, NULL, &p), 0);
    assert_string_equal(val(&p, "ten"), "Nguy\xe1\xbb\x85n");
    const struct http_param *f = http_params_get(&p, "f");
    assert_int_equal(f->value.len, 11);
    assert_memory_equal(f->value.ptr, "Nguye\xcc\x82\xcc\x83n\xff", 11);
}

static void test_multipart_duplicates_and_no_parts(void **state)
{
    static const char body[] = "--b\r\nContent-Disposition: form-data; name=\"ho\"\r\n\r\n12\r\n"
                               "--b\r\nContent-Disposition: form-data; name=\"ho\"\r\n\r\n13\r\n"
                               "--b--\r\n";
    struct http_params p;
    const char *ct = "multipart/form-data; boundary=b";
    assert_int_equal(mp(*state, ct, body, sizeof(body) - 1, NULL, &p), 0);
    assert_int_equal(p.n_items, 2);
    assert_string_equal(val(&p, "ho"), "12");
    assert_string_equal(p.items[1].value.ptr, "13");
    /* A form with no fields at all. */
    assert_int_equal(mp(*state, ct, "--b--\r\n", 7, NULL, &p), 0);
    assert_int_equal(p.n_items, 0);
}

/* A body of n text fields "f" with value v and one file of file_len bytes. */
static size_t build_body(struct buf *b, int n, const char *v, size_t file_len)
{
    buf_reset(b);
    for (int i = 0; i < n; i++)
        buf_printf(b, "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n%s\r\n", v);
    if (file_len) {
        buf_puts(b,
                 "--b\r\nContent-Disposition: form-data; name=\"up\"; filename=\"a.csv\"\r\n\r\n");
        for (size_t i = 0; i < file_len; i++)
            buf_putc(b, 'x');
        buf_puts(b, "\r\n");
    }
    buf_puts(b, "--b--\r\n");
    return b->len;
}

static void test_multipart_limits(void **state)
{
    const char *ct = "multipart/form-data; boundary=b";
    struct http_params p;
    struct buf b;
    buf_init(&b, *state);

    struct http_limits fields = {.max_fields = 3};
    build_body(&b, 3, "v", 0);
    assert_int_equal(mp(*state, ct, b.ptr, b.len, &fields, &p), 0);
    build_body(&b, 2, "v", 1);
    assert_int_equal(mp(*state, ct, b.ptr, b.len, &fields, &p), 0);
    build_body(&b, 4, "v", 0);
    assert_int_equal(mp(*state, ct, b.ptr, b.len, &fields, &p), ERR_TOO_LARGE);
    assert_int_equal(p.n_items, 0);

    struct http_limits field_bytes = {.max_field_bytes = 10};
    build_body(&b, 1, "0123456789", 0);
    assert_int_equal(mp(*state, ct, b.ptr, b.len, &field_bytes, &p), 0);
    build_body(&b, 1, "0123456789a", 0);
    assert_int_equal(mp(*state, ct, b.ptr, b.len, &field_bytes, &p), ERR_TOO_LARGE);
    /* The field cap does not apply to files. */
    build_body(&b, 0, "", 100);
    assert_int_equal(mp(*state, ct, b.ptr, b.len, &field_bytes, &p), 0);

    struct http_limits file_bytes = {.max_file_bytes = 1000};
    build_body(&b, 1, "v", 1000);
    assert_int_equal(mp(*state, ct, b.ptr, b.len, &file_bytes, &p), 0);
    assert_int_equal(http_params_get(&p, "up")->value.len, 1000);
    build_body(&b, 1, "v", 1001);
    assert_int_equal(mp(*state, ct, b.ptr, b.len, &file_bytes, &p), ERR_TOO_LARGE);

    struct http_limits total = {.max_total = 1004};
    build_body(&b, 2, "ab", 1000);
    assert_int_equal(mp(*state, ct, b.ptr, b.len, &total, &p), 0);
    build_body(&b, 2, "abc", 1000);
    assert_int_equal(mp(*state, ct, b.ptr, b.len, &total, &p), ERR_TOO_LARGE);

    /* Default caps apply when none are given: 256 fields. */
    build_body(&b, 256, "v", 0);
    assert_int_equal(mp(*state, ct, b.ptr, b.len, NULL, &p), 0);
    build_body(&b, 257, "v", 0);
    assert_int_equal(mp(*state, ct, b.ptr, b.len, NULL, &p), ERR_TOO_LARGE);
}

/* ---- cookies ---- */

static int cookies(struct arena *a, const char *s, struct http_params *out)
{
    return http_parse_cookies(a, s, strlen(s), out);
}

static void test_cookies_basic_and_quoted(void **state)
{
    struct http_params p;
    assert_int_equal(cookies(*state, "danchu_session=abc123; csrf=\"x-y_z\"", &p), 0);
    assert_int_equal(p.n_items, 2);
    assert_string_equal(val(&p, "danchu_session"), "abc123");
    assert_string_equal(val(&p, "csrf"), "x-y_z");
}

static void test_cookies_spaces_and_empty(void **state)
{
    struct http_params p;
    assert_int_equal(cookies(*state, "  a = 1 ;b=2;\t;  ; c=;d=\"\"", &p), 0);
    assert_int_equal(p.n_items, 4);
    assert_string_equal(val(&p, "a"), "1");
    assert_string_equal(val(&p, "b"), "2");
    assert_string_equal(val(&p, "c"), "");
    assert_string_equal(val(&p, "d"), "");
    assert_int_equal(cookies(*state, "", &p), 0);
    assert_int_equal(p.n_items, 0);
}

static void test_cookies_bad_pairs_skipped(void **state)
{
    struct http_params p;
    assert_int_equal(cookies(*state,
                             "bad name=1; novalue; =nameless; v=has space; "
                             "q=\"unterminated; ok=2; u=\xc3\xa2; c=a,b; s=a\\b; e=x=y",
                             &p),
                     0);
    assert_int_equal(p.n_items, 2);
    assert_string_equal(val(&p, "ok"), "2");
    /* '=' is a cookie-octet: base64 values survive. */
    assert_string_equal(val(&p, "e"), "x=y");
    assert_null(http_params_get(&p, "v"));
    assert_null(http_params_get(&p, "u"));
}

static void test_cookies_duplicates_first_wins(void **state)
{
    struct http_params p;
    /* Browsers send the most specific path first. */
    assert_int_equal(cookies(*state, "sid=new; sid=old", &p), 0);
    assert_int_equal(p.n_items, 2);
    assert_string_equal(val(&p, "sid"), "new");
    /* The header is length-bounded, not NUL-terminated. */
    assert_int_equal(http_parse_cookies(*state, "sid=abcdef", 7, &p), 0);
    assert_string_equal(val(&p, "sid"), "abc");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_query_basic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_plus_and_encoded_plus, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_vietnamese_nfc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_vietnamese_nfd_normalised, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_bad_escapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_not_utf8_or_nul, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_empty_pairs_and_bare_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_duplicates_kept_first_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_pair_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_urlencoded_form_body, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_csv_file_and_text_field, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_lf_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_missing_close_boundary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_malformed_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_content_type_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_boundary_inside_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_filenames, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_text_nfd_normalised_file_kept, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_multipart_duplicates_and_no_parts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cookies_basic_and_quoted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cookies_spaces_and_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cookies_bad_pairs_skipped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cookies_duplicates_first_wins, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

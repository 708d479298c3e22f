/*
 * open311_test.c - Open311 GeoReport v2 conformance, written from the published specification
 * (wiki.open311.org/GeoReport_v2), against the real binary: discovery; services; a service
 * definition; GET requests with and without filters, the default window of 90 days and the cap
 * of 1,000 rows; one request; POST with an API key, then the token, then the request, then the
 * officials' queue; every error in the spec's shape ([{"code","description"}] and
 * <errors><error>) with its status (400, 403, 404); each in JSON (read back with jansson) and
 * XML (read back with expat). Beside the spec, danchu's own rules: requests for information,
 * complaints and denunciations never appear, no answer carries a contact detail nor a tracking
 * code (service_request_id is the case's id: the code is the sender's key to their case), the
 * CLI prints a key once and stores only its hash, POSTs are limited per key.
 *
 * Jurisdictions are the demo's communes: ward 99001 and commune 99002. Every case makes its
 * own requests with its own markers ("O311-..."), so cases do not depend on each other's order.
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
#include <expat.h>

#include "harness.h"

static struct h_server srv;

/* ---- XML read back with expat ------------------------------------------------------------ */

/* One element: its path from the root ("services/service/service_code") and its text. */
struct xnode {
    char *path; /* owned */
    char *text; /* owned: character data of the element and its children */
};

/* A parsed answer: its elements in document order. */
struct xdoc {
    struct xnode *v;   /* elements */
    size_t n, cap;     /* their count, room */
    char path[512];    /* the open elements' path */
    size_t mark[64];   /* path length before each open element */
    char *text;        /* character data so far */
    size_t tlen, tcap; /* its length, room */
    size_t tmark[64];  /* text length when each open element started */
    int depth;         /* open elements */
    int ok;            /* well-formed */
};

/* Every parsed document, freed at the end (LeakSanitizer runs on this program too). */
static struct xdoc *docs[256];
static size_t n_docs;

static void XMLCALL x_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct xdoc *d = ud;
    (void)atts;
    size_t len = strlen(d->path);
    assert_true(d->depth < 64);
    d->mark[d->depth] = len;
    d->tmark[d->depth] = d->tlen;
    d->depth++;
    snprintf(d->path + len, sizeof d->path - len, "%s%s", len ? "/" : "", name);
}

static void XMLCALL x_end(void *ud, const XML_Char *name)
{
    struct xdoc *d = ud;
    (void)name;
    d->depth--;
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 64;
        d->v = realloc(d->v, d->cap * sizeof *d->v);
        assert_non_null(d->v);
    }
    size_t from = d->tmark[d->depth];
    d->v[d->n].path = strdup(d->path);
    d->v[d->n].text = strndup(d->text ? d->text + from : "", d->tlen - from);
    d->n++;
    d->path[d->mark[d->depth]] = '\0';
}

static void XMLCALL x_chars(void *ud, const XML_Char *s, int len)
{
    struct xdoc *d = ud;
    if (d->tlen + (size_t)len + 1 > d->tcap) {
        d->tcap = 2 * (d->tlen + (size_t)len + 1);
        d->text = realloc(d->text, d->tcap);
        assert_non_null(d->text);
    }
    memcpy(d->text + d->tlen, s, (size_t)len);
    d->tlen += (size_t)len;
    d->text[d->tlen] = '\0';
}

/* r's body parsed as XML; fails the test when it is not the spec's XML (declaration with
 * UTF-8, text/xml, well-formed). */
static struct xdoc *xml_of(const struct h_response *r)
{
    const char *ct = h_header(r, "Content-Type");
    assert_non_null(ct);
    assert_non_null(strstr(ct, "text/xml"));
    assert_non_null(strstr(ct, "utf-8"));
    assert_int_equal(strncmp(r->body, "<?xml version=\"1.0\" encoding=\"utf-8\"?>", 38), 0);
    struct xdoc *d = calloc(1, sizeof *d);
    assert_non_null(d);
    assert_true(n_docs < sizeof docs / sizeof docs[0]);
    docs[n_docs++] = d;
    XML_Parser p = XML_ParserCreate("UTF-8");
    XML_SetUserData(p, d);
    XML_SetElementHandler(p, x_start, x_end);
    XML_SetCharacterDataHandler(p, x_chars);
    d->ok = XML_Parse(p, r->body, (int)r->len, 1) == XML_STATUS_OK;
    if (!d->ok)
        fprintf(stderr, "XML error %s at line %lu:\n%s\n", XML_ErrorString(XML_GetErrorCode(p)),
                (unsigned long)XML_GetCurrentLineNumber(p), r->body);
    XML_ParserFree(p);
    assert_true(d->ok);
    return d;
}

static void xdoc_free(struct xdoc *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].path);
        free(d->v[i].text);
    }
    free(d->v);
    free(d->text);
    free(d);
}

/* Elements at path. */
static size_t x_count(const struct xdoc *d, const char *path)
{
    size_t n = 0;
    for (size_t i = 0; i < d->n; i++)
        n += strcmp(d->v[i].path, path) == 0;
    return n;
}

/* The text of the i-th element at path, or NULL. */
static const char *x_text(const struct xdoc *d, const char *path, size_t i)
{
    for (size_t k = 0; k < d->n; k++)
        if (strcmp(d->v[k].path, path) == 0 && i-- == 0)
            return d->v[k].text;
    return NULL;
}

/* 1 when some element at path has exactly this text. */
static int x_has_value(const struct xdoc *d, const char *path, const char *text)
{
    for (size_t k = 0; k < d->n; k++)
        if (strcmp(d->v[k].path, path) == 0 && strcmp(d->v[k].text, text) == 0)
            return 1;
    return 0;
}

/* ---- helpers ------------------------------------------------------------------------------- */

/* The answer is JSON (application/json, UTF-8) and parses. */
static json_t *json_of(struct h_response *r)
{
    const char *ct = h_header(r, "Content-Type");
    assert_non_null(ct);
    assert_non_null(strstr(ct, "application/json"));
    json_t *j = h_json(r);
    if (!j)
        fprintf(stderr, "not JSON: %s\n", r->body);
    assert_non_null(j);
    return j;
}

/* The spec's error in JSON: status, and [{"code": status, "description": "..."}]. Returns the
 * description. */
static const char *error_json(struct h_response *r, long status)
{
    if (r->status != status)
        fprintf(stderr, "want %ld, got %ld: %s\n", status, r->status, r->body);
    assert_int_equal(r->status, status);
    json_t *j = json_of(r);
    assert_true(json_is_array(j));
    assert_int_equal(json_array_size(j), 1);
    assert_int_equal(h_jint(j, "[0].code"), status);
    const char *d = h_jstr(j, "[0].description");
    assert_non_null(d);
    assert_true(strlen(d) > 10);
    return d;
}

/* The spec's error in XML: <errors><error><code/><description/></error></errors>. */
static const char *error_xml(struct h_response *r, long status)
{
    assert_int_equal(r->status, status);
    struct xdoc *d = xml_of(r);
    assert_int_equal(x_count(d, "errors"), 1);
    assert_int_equal(x_count(d, "errors/error"), 1);
    char want[8];
    snprintf(want, sizeof want, "%ld", status);
    assert_string_equal(x_text(d, "errors/error/code", 0), want);
    const char *desc = x_text(d, "errors/error/description", 0);
    assert_non_null(desc);
    assert_true(strlen(desc) > 10);
    return desc;
}

/* A new API key of commune `unit` from `danchu apikeys add`, as printed (client-owned). */
static const char *new_key(struct h_client *c, const char *unit, const char *name)
{
    struct h_proc p;
    const char *args[] = {"apikeys", "add",    "--db", srv.db_url, "--unit",
                          unit,      "--name", name,   NULL};
    int st = h_run(&srv, args, NULL, &p);
    if (st != 0)
        fprintf(stderr, "apikeys add: %s\n", p.err);
    assert_int_equal(st, 0);
    assert_int_equal(strlen(p.out), 65); /* 64 hex characters and a newline, nothing else */
    assert_int_equal(strspn(p.out, "0123456789abcdef"), 64);
    const char *key = h_fmt(c, "%.64s", p.out);
    h_proc_free(&p);
    return key;
}

/* POST requests.{fmt} with fields (NULL-terminated pairs). */
static struct h_response *post311(struct h_client *c, const char *fmt, const char *const *fields)
{
    return h_post_form(c, h_fmt(c, "/open311/v2/requests.%s", fmt), fields);
}

/* A service_request_id: a case's id in decimal, never a tracking code. The id as a number. */
static long long id_num(const char *id)
{
    assert_non_null(id);
    assert_true(id[0] >= '1' && id[0] <= '9');
    assert_int_equal(strspn(id, "0123456789"), strlen(id));
    return strtoll(id, NULL, 10);
}

/* POSTs a phản ánh of ha_tang at a place in Hà Nội with `text`; its service_request_id. */
static const char *post_ok(struct h_client *c, const char *key, const char *service,
                           const char *text)
{
    const char *f[] = {"api_key", key,         "service_code", service, "lat", "21.02851",
                       "long",    "105.85417", "description",  text,    NULL};
    struct h_response *r = post311(c, "json", f);
    if (r->status != 200)
        fprintf(stderr, "POST: %ld %s\n", r->status, r->body);
    assert_int_equal(r->status, 200);
    const char *id = h_jstr(json_of(r), "[0].service_request_id");
    id_num(id);
    return h_fmt(c, "%s", id);
}

/* The id of the case with tracking code `code`. */
static long long case_id(struct h_client *c, const char *code)
{
    long long id = -1;
    assert_int_equal(h_db_int(&srv, h_fmt(c, "SELECT id FROM cases WHERE code = '%s'", code), &id),
                     0);
    return id;
}

/* Sends the public form of ward 99001 (multipart, as a browser does) with fields; the tracking
 * code it redirects to. */
static const char *form_case(struct h_client *c, const char *const *extra)
{
    const char *csrf = h_csrf(c, "/gui-y-kien/99001");
    assert_non_null(csrf);
    const char *f[40] = {"_csrf", csrf};
    size_t n = 2;
    for (size_t i = 0; extra[i] && n < 38; i += 2) {
        f[n++] = extra[i];
        f[n++] = extra[i + 1];
    }
    f[n] = NULL;
    struct h_response *r = h_post_multipart(c, "/gui-y-kien/99001", f, "anh1", "", "", 0);
    assert_int_equal(r->status, 303);
    const char *loc = h_header(r, "Location");
    assert_non_null(loc);
    assert_non_null(strstr(loc, "/theo-doi/"));
    return h_fmt(c, "%s", strstr(loc, "/theo-doi/") + 10);
}

/* An official's action on a case page (fields NULL-terminated pairs after the CSRF token). */
static void official_act(struct h_client *o, long long id, const char *what,
                         const char *const *extra)
{
    const char *page = h_fmt(o, "/quan-ly/y-kien/ho-so/%lld", id);
    const char *csrf = h_csrf(o, page);
    assert_non_null(csrf);
    const char *f[20] = {"_csrf", csrf};
    size_t n = 2;
    for (size_t i = 0; extra && extra[i] && n < 18; i += 2) {
        f[n++] = extra[i];
        f[n++] = extra[i + 1];
    }
    f[n] = NULL;
    struct h_response *r = h_post_multipart(o, h_fmt(o, "%s/%s", page, what), f, "tep", "", "", 0);
    assert_int_equal(r->status, 303);
}

/* A W3C date-time `days` from now, in Vietnam's time, for a query ("+" encoded). */
static const char *w3c(struct h_client *c, int days)
{
    time_t t = time(NULL) + 7 * 3600 + (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    return h_fmt(c, "%04d-%02d-%02dT%02d:%02d:%02d%%2B07:00", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Vietnam's date `days` from today as yyyy-mm-dd. */
static const char *vn_date(struct h_client *c, int days)
{
    time_t t = time(NULL) + 7 * 3600 + (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    return h_fmt(c, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* 1 when the JSON list of requests holds one whose description contains marker. */
static int has_request(json_t *list, const char *marker)
{
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x)
    {
        const char *d = json_string_value(json_object_get(x, "description"));
        if (d && strstr(d, marker))
            return 1;
    }
    return 0;
}

/* 1 when the JSON list of requests holds the one whose service_request_id is id. */
static int has_id(json_t *list, const char *id)
{
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x)
    {
        const char *v = json_string_value(json_object_get(x, "service_request_id"));
        if (v && strcmp(v, id) == 0)
            return 1;
    }
    return 0;
}

/* ---- discovery, services, definitions --------------------------------------------------------
 */

/* Service discovery names GeoReport v2 at /open311/v2 with both formats, in JSON and XML, at
 * the root the discovery spec names and under v2; /open311/v2/ leads to it. */
static void discovery_lists_the_v2_endpoint_in_both_formats(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    struct h_response *r = h_get(c, "/open311/discovery.json");
    assert_int_equal(r->status, 200);
    json_t *j = json_of(r);
    assert_non_null(h_jstr(j, "changeset"));
    assert_non_null(h_jstr(j, "contact"));
    assert_non_null(strstr(h_jstr(j, "key_service"), "apikeys add"));
    assert_string_equal(h_jstr(j, "endpoints[0].specification"),
                        "http://wiki.open311.org/GeoReport_v2");
    const char *url = h_jstr(j, "endpoints[0].url");
    assert_non_null(url);
    assert_string_equal(url + strlen(url) - 11, "/open311/v2");
    assert_string_equal(h_jstr(j, "endpoints[0].type"), "production");
    assert_string_equal(h_jstr(j, "endpoints[0].formats[0]"), "text/xml");
    assert_string_equal(h_jstr(j, "endpoints[0].formats[1]"), "application/json");
    r = h_get(c, "/open311/v2/discovery.xml");
    assert_int_equal(r->status, 200);
    struct xdoc *d = xml_of(r);
    assert_string_equal(x_text(d, "discovery/endpoints/endpoint/specification", 0),
                        "http://wiki.open311.org/GeoReport_v2");
    assert_int_equal(x_count(d, "discovery/endpoints/endpoint/formats/format"), 2);
    assert_true(x_has_value(d, "discovery/endpoints/endpoint/formats/format", "text/xml"));
    r = h_get(c, "/open311/v2/");
    assert_int_equal(r->status, 303);
    assert_string_equal(h_header(r, "Location"), "/open311/v2/discovery.json");
    /* A resource that does not exist answers in the spec's shape, not with a page. */
    error_xml(h_get(c, "/open311/v2/nothing.xml"), 404);
    error_xml(h_get(c, "/open311/v2/services.csv"), 404); /* no format named: XML, the spec's */
    h_client_free(c);
}

/* services lists one service per field of data/feedback_fields.txt, the same in JSON and XML,
 * with the spec's fields; an unknown jurisdiction_id (or a village's) is a 404. */
static void services_are_the_fields_in_json_and_xml(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    struct h_response *r = h_get(c, "/open311/v2/services.json?jurisdiction_id=99001");
    assert_int_equal(r->status, 200);
    json_t *j = json_of(r);
    assert_true(json_is_array(j));
    size_t n = json_array_size(j);
    assert_int_equal(n, 10);
    assert_string_equal(h_jstr(j, "[0].service_code"), "dat_dai");
    assert_string_equal(h_jstr(j, "[0].service_name"), "Đất đai");
    assert_string_equal(h_jstr(j, "[9].service_code"), "khac");
    assert_true(json_is_true(h_jget(j, "[0].metadata")));
    assert_string_equal(h_jstr(j, "[0].type"), "realtime");
    assert_non_null(h_jstr(j, "[0].description"));
    assert_non_null(h_jstr(j, "[0].keywords"));
    assert_non_null(h_jstr(j, "[0].group"));
    r = h_get(c, "/open311/v2/services.xml?jurisdiction_id=99001");
    assert_int_equal(r->status, 200);
    struct xdoc *d = xml_of(r);
    assert_int_equal(x_count(d, "services/service"), n);
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_array_get(j, i);
        assert_string_equal(x_text(d, "services/service/service_code", i),
                            json_string_value(json_object_get(s, "service_code")));
        assert_string_equal(x_text(d, "services/service/service_name", i),
                            json_string_value(json_object_get(s, "service_name")));
        assert_string_equal(x_text(d, "services/service/metadata", i), "true");
        assert_string_equal(x_text(d, "services/service/type", i), "realtime");
    }
    error_json(h_get(c, "/open311/v2/services.json?jurisdiction_id=12345"), 404);
    error_xml(h_get(c, "/open311/v2/services.xml?jurisdiction_id=9900101"), 404);
    h_client_free(c);
}

/* A service definition offers the one attribute `kind`: phản ánh or kiến nghị, nothing else;
 * an unknown service_code is a 404 in both formats. */
static void service_definition_offers_only_feedback_and_recommendation(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    struct h_response *r = h_get(c, "/open311/v2/services/moi_truong.json?jurisdiction_id=99001");
    assert_int_equal(r->status, 200);
    json_t *j = json_of(r);
    assert_string_equal(h_jstr(j, "service_code"), "moi_truong");
    assert_int_equal(json_array_size(h_jget(j, "attributes")), 1);
    assert_true(json_is_true(h_jget(j, "attributes[0].variable")));
    assert_string_equal(h_jstr(j, "attributes[0].code"), "kind");
    assert_string_equal(h_jstr(j, "attributes[0].datatype"), "singlevaluelist");
    assert_true(json_is_false(h_jget(j, "attributes[0].required")));
    assert_int_equal(h_jint(j, "attributes[0].order"), 1);
    assert_non_null(h_jstr(j, "attributes[0].description"));
    assert_int_equal(json_array_size(h_jget(j, "attributes[0].values")), 2);
    assert_string_equal(h_jstr(j, "attributes[0].values[0].key"), "feedback");
    assert_string_equal(h_jstr(j, "attributes[0].values[0].name"), "Phản ánh");
    assert_string_equal(h_jstr(j, "attributes[0].values[1].key"), "recommendation");
    assert_string_equal(h_jstr(j, "attributes[0].values[1].name"), "Kiến nghị");
    r = h_get(c, "/open311/v2/services/moi_truong.xml");
    assert_int_equal(r->status, 200);
    struct xdoc *d = xml_of(r);
    assert_string_equal(x_text(d, "service_definition/service_code", 0), "moi_truong");
    assert_int_equal(x_count(d, "service_definition/attributes/attribute"), 1);
    assert_string_equal(x_text(d, "service_definition/attributes/attribute/code", 0), "kind");
    assert_string_equal(x_text(d, "service_definition/attributes/attribute/required", 0), "false");
    assert_int_equal(x_count(d, "service_definition/attributes/attribute/values/value"), 2);
    assert_false(
        x_has_value(d, "service_definition/attributes/attribute/values/value/key", "complaint"));
    assert_false(
        x_has_value(d, "service_definition/attributes/attribute/values/value/key", "denunciation"));
    error_json(h_get(c, "/open311/v2/services/khong_co.json"), 404);
    error_xml(h_get(c, "/open311/v2/services/khong_co.xml"), 404);
    h_client_free(c);
}

/* ---- POST, token, request ------------------------------------------------------------------- */

/* The spec's flow in JSON: POST with a key → service_request_id and token → GET tokens/{token}
 * → GET requests/{id}; the case is then in the officials' queue of 99001, with the sender's
 * contact kept for them only, and its provenance audited. */
static void post_then_token_then_request_in_json(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    const char *key = new_key(c, "99001", "Ứng dụng thử JSON");
    const char *f[] = {"api_key",
                       key,
                       "jurisdiction_id",
                       "99001",
                       "service_code",
                       "ha_tang",
                       "lat",
                       "21.02851",
                       "long",
                       "105.85417",
                       "address_string",
                       "Ngõ 7, tổ dân phố số 1",
                       "description",
                       "O311-FLOW Đèn đường ngõ 7 tắt ba ngày nay.\nXin xã cho sửa.",
                       "first_name",
                       "Văn Bình",
                       "last_name",
                       "Trần",
                       "email",
                       "binh.o311@example.com",
                       "device_id",
                       "android-1",
                       "media_url",
                       "https://example.com/den.jpg",
                       NULL};
    struct h_response *r = post311(c, "json", f);
    assert_int_equal(r->status, 200);
    json_t *j = json_of(r);
    assert_int_equal(json_array_size(j), 1);
    const char *id = h_jstr(j, "[0].service_request_id");
    const char *token = h_jstr(j, "[0].token");
    assert_non_null(token);
    long long cid = id_num(id); /* the case's id, not its tracking code */
    assert_int_equal(strlen(token), 32);
    assert_true(json_is_null(h_jget(j, "[0].account_id")));
    const char *notice = h_jstr(j, "[0].service_notice");
    assert_non_null(strstr(notice, h_fmt(c, "phản ánh số %s", id)));
    assert_non_null(strstr(notice, h_fmt(c, "/open311/v2/requests/%s.json", id)));
    assert_null(strstr(notice, "/theo-doi/"));
    assert_false(h_has(r, "binh.o311"));
    /* The token leads to the request. */
    r = h_get(c, h_fmt(c, "/open311/v2/tokens/%s.json?jurisdiction_id=99001", token));
    assert_int_equal(r->status, 200);
    j = json_of(r);
    assert_string_equal(h_jstr(j, "[0].service_request_id"), id);
    assert_string_equal(h_jstr(j, "[0].token"), token);
    error_json(h_get(c, "/open311/v2/tokens/0123456789abcdef0123456789abcdef.json"), 404);
    /* And the request is what was sent, as the spec names it. */
    r = h_get(c, h_fmt(c, "/open311/v2/requests/%s.json", id));
    assert_int_equal(r->status, 200);
    j = json_of(r);
    assert_int_equal(json_array_size(j), 1);
    assert_string_equal(h_jstr(j, "[0].service_request_id"), id);
    assert_string_equal(h_jstr(j, "[0].status"), "open");
    assert_string_equal(h_jstr(j, "[0].status_notes"), "Đã tiếp nhận");
    assert_string_equal(h_jstr(j, "[0].service_code"), "ha_tang");
    assert_string_equal(h_jstr(j, "[0].service_name"), "Hạ tầng, giao thông, điện, nước");
    assert_string_equal(h_jstr(j, "[0].service_notice"), "Phản ánh");
    assert_non_null(strstr(h_jstr(j, "[0].description"), "O311-FLOW Đèn đường ngõ 7"));
    assert_string_equal(h_jstr(j, "[0].agency_responsible"), "UBND Phường Bình Minh");
    assert_string_equal(h_jstr(j, "[0].address"), "Ngõ 7, tổ dân phố số 1");
    assert_true(json_real_value(h_jget(j, "[0].lat")) > 21.0285 &&
                json_real_value(h_jget(j, "[0].lat")) < 21.0286);
    assert_true(json_real_value(h_jget(j, "[0].long")) > 105.8541 &&
                json_real_value(h_jget(j, "[0].long")) < 105.8542);
    const char *req = h_jstr(j, "[0].requested_datetime");
    assert_non_null(req);
    assert_int_equal(strlen(req), 25);
    assert_string_equal(req + 19, "+07:00");
    assert_int_equal(strncmp(req, vn_date(c, 0), 10), 0);
    assert_non_null(h_jstr(j, "[0].updated_datetime"));
    const char *exp = h_jstr(j, "[0].expected_datetime");
    assert_non_null(exp); /* open: the answer's deadline */
    assert_true(strcmp(exp, req) > 0);
    assert_true(json_is_null(h_jget(j, "[0].media_url")));
    assert_true(json_is_null(h_jget(j, "[0].zipcode")));
    assert_true(json_is_null(h_jget(j, "[0].address_id")));
    assert_false(h_has(r, "binh.o311"));
    assert_false(h_has(r, "Trần Văn Bình"));
    /* Anything but a whole number is no service_request_id: a 404 in the spec's shape, in
     * both formats (a tracking code too: it opens nothing here). */
    const char *not_ids[] = {"abc", h_fmt(c, "%%2B%s", id),  h_fmt(c, "-%s", id), "0",
                             "1.0", h_fmt(c, "%s%%20x", id), "7K4QXM2P9A",        "",
                             "1e3", "99999999999999999999"};
    for (size_t i = 0; i < sizeof not_ids / sizeof not_ids[0]; i++) {
        error_json(h_get(c, h_fmt(c, "/open311/v2/requests/%s.json", not_ids[i])), 404);
        error_xml(h_get(c, h_fmt(c, "/open311/v2/requests/%s.xml", not_ids[i])), 404);
    }
    /* The same path as the public form: an online phản ánh, with the contact for officials. */
    long long n = 0;
    assert_int_equal(h_db_int(&srv,
                              h_fmt(c,
                                    "SELECT COUNT(*) FROM cases WHERE id = %lld AND kind = 1 "
                                    "AND channel = 0 AND field = 'ha_tang' AND name = 'Trần Văn "
                                    "Bình' AND email = 'binh.o311@example.com' AND anonymous = 0 "
                                    "AND due_on <> '' AND body LIKE 'O311-FLOW%%'",
                                    cid),
                              &n),
                     0);
    assert_int_equal(n, 1);
    assert_int_equal(h_db_int(&srv,
                              h_fmt(c,
                                    "SELECT COUNT(*) FROM audit_log WHERE object = 'case:%lld' "
                                    "AND action IN ('case.receive', 'case.open311')",
                                    cid),
                              &n),
                     0);
    assert_int_equal(n, 2);
    struct h_client *o = h_signed_in(&srv, "canbo");
    r = h_get(o, "/quan-ly/y-kien/99001?loc=all&format=json");
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "O311-FLOW Đèn đường ngõ 7 tắt ba ngày nay."));
    r = h_get(o, h_fmt(o, "/quan-ly/y-kien/ho-so/%lld", cid));
    assert_int_equal(r->status, 200);
    assert_true(h_has(r, "binh.o311@example.com"));
    assert_true(h_has(r, "Trần Văn Bình"));
    h_client_free(o);
    h_client_free(c);
}

/* The same flow in XML, for a kiến nghị (attribute[kind]=recommendation) sent anonymously with
 * only an address. */
static void post_then_token_then_request_in_xml(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    const char *key = new_key(c, "99001", "Ứng dụng thử XML");
    const char *f[] = {"api_key",
                       key,
                       "service_code",
                       "giao_duc",
                       "attribute[kind]",
                       "recommendation",
                       "address_string",
                       "Trường tiểu học Bình Minh",
                       "description",
                       "O311-XML Đề nghị làm mái che <cổng> trường & lối đi",
                       NULL};
    struct h_response *r = post311(c, "xml", f);
    assert_int_equal(r->status, 200);
    struct xdoc *d = xml_of(r);
    assert_int_equal(x_count(d, "service_requests/request"), 1);
    const char *id = x_text(d, "service_requests/request/service_request_id", 0);
    const char *token = x_text(d, "service_requests/request/token", 0);
    long long cid = id_num(id);
    assert_non_null(token);
    assert_int_equal(strlen(token), 32);
    assert_non_null(strstr(x_text(d, "service_requests/request/service_notice", 0),
                           h_fmt(c, "kiến nghị số %s", id)));
    r = h_get(c, h_fmt(c, "/open311/v2/tokens/%s.xml", token));
    assert_int_equal(r->status, 200);
    d = xml_of(r);
    assert_string_equal(x_text(d, "service_requests/request/service_request_id", 0), id);
    assert_string_equal(x_text(d, "service_requests/request/token", 0), token);
    r = h_get(c, h_fmt(c, "/open311/v2/requests/%s.xml?jurisdiction_id=99001", id));
    assert_int_equal(r->status, 200);
    d = xml_of(r);
    assert_int_equal(x_count(d, "service_requests/request"), 1);
    assert_string_equal(x_text(d, "service_requests/request/status", 0), "open");
    assert_string_equal(x_text(d, "service_requests/request/service_code", 0), "giao_duc");
    assert_string_equal(x_text(d, "service_requests/request/service_notice", 0), "Kiến nghị");
    /* Markup typed by the sender comes back as text, escaped, not as elements. */
    assert_string_equal(x_text(d, "service_requests/request/description", 0),
                        "O311-XML Đề nghị làm mái che <cổng> trường & lối đi");
    assert_true(h_has(r, "&lt;cổng&gt;"));
    assert_string_equal(x_text(d, "service_requests/request/address", 0),
                        "Trường tiểu học Bình Minh");
    assert_string_equal(x_text(d, "service_requests/request/lat", 0), "");
    assert_string_equal(x_text(d, "service_requests/request/media_url", 0), "");
    long long n = 0;
    assert_int_equal(
        h_db_int(&srv,
                 h_fmt(c,
                       "SELECT COUNT(*) FROM cases WHERE id = %lld AND kind = 2 AND "
                       "anonymous = 1 AND lat IS NULL AND place = 'Trường tiểu học Bình Minh'",
                       cid),
                 &n),
        0);
    assert_int_equal(n, 1);
    /* Another commune's jurisdiction_id does not find it. */
    error_xml(h_get(c, h_fmt(c, "/open311/v2/requests/%s.xml?jurisdiction_id=99002", id)), 404);
    error_xml(h_get(c, h_fmt(c, "/open311/v2/tokens/%s.xml?jurisdiction_id=99002", token)), 404);
    h_client_free(c);
}

/* Without a key, with a key danchu never made, a malformed one, a revoked one, or a key of
 * another commune: 403 in the spec's shape, and no case is made. */
static void post_without_a_valid_key_is_refused_with_403(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    const char *text = "O311-NOKEY Rác đổ trộm bên bờ sông";
    const char *none[] = {"service_code", "moi_truong", "address_string", "Bờ sông", "description",
                          text,           NULL};
    const char *d = error_json(post311(c, "json", none), 403);
    assert_non_null(strstr(d, "api_key"));
    error_xml(post311(c, "xml", none), 403);
    const char *bad_keys[] = {"0000000000000000000000000000000000000000000000000000000000000000",
                              "abc", "' OR 1=1 --"};
    for (size_t i = 0; i < sizeof bad_keys / sizeof bad_keys[0]; i++) {
        const char *f[] = {"api_key", bad_keys[i],   "service_code", "moi_truong", "address_string",
                           "Bờ sông", "description", text,           NULL};
        error_json(post311(c, "json", f), 403);
    }
    /* A real key, with one character changed. */
    const char *key = new_key(c, "99001", "Khóa sẽ bị thu hồi");
    char *changed = (char *)h_fmt(c, "%s", key);
    changed[63] = changed[63] == 'a' ? 'b' : 'a';
    const char *f1[] = {"api_key", changed,       "service_code", "moi_truong", "address_string",
                        "Bờ sông", "description", text,           NULL};
    error_json(post311(c, "json", f1), 403);
    /* Revoked with the CLI: it stops at once. */
    long long kid = 0;
    assert_int_equal(
        h_db_int(&srv, "SELECT MAX(id) FROM api_keys WHERE name = 'Khóa sẽ bị thu hồi'", &kid), 0);
    const char *f2[] = {
        "api_key", key,           "service_code",       "moi_truong", "address_string",
        "Bờ sông", "description", "O311-BEFORE-REVOKE", NULL};
    assert_int_equal(post311(c, "json", f2)->status, 200);
    struct h_proc p;
    const char *args[] = {"apikeys", "revoke", "--db", srv.db_url, h_fmt(c, "%lld", kid), NULL};
    assert_int_equal(h_run(&srv, args, NULL, &p), 0);
    h_proc_free(&p);
    const char *f3[] = {"api_key", key,           "service_code", "moi_truong", "address_string",
                        "Bờ sông", "description", text,           NULL};
    error_json(post311(c, "json", f3), 403);
    /* A key of 99002 cannot post to 99001. */
    const char *other = new_key(c, "99002", "Ứng dụng của xã Hòa Bình");
    const char *f4[] = {"api_key",
                        other,
                        "jurisdiction_id",
                        "99001",
                        "service_code",
                        "moi_truong",
                        "address_string",
                        "Bờ sông",
                        "description",
                        text,
                        NULL};
    error_json(post311(c, "json", f4), 403);
    long long n = -1;
    assert_int_equal(h_db_int(&srv,
                              "SELECT COUNT(*) FROM cases WHERE body = 'O311-NOKEY Rác đổ trộm "
                              "bên bờ sông'",
                              &n),
                     0);
    assert_int_equal(n, 0);
    h_client_free(c);
}

/* Bad POSTs get the spec's status and a Vietnamese description: a missing service_code or
 * location 400, an unknown service or jurisdiction 404, a complaint or a denunciation 400 (the
 * law wants them signed, through the commune's own form); no case is made. */
static void post_errors_have_the_spec_status_and_shape(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    const char *key = new_key(c, "99001", "Ứng dụng kiểm tra lỗi");
    const char *t = "O311-ERR Nội dung";
    struct {
        const char *fields[16]; /* after api_key */
        long status;            /* expected */
        const char *says;       /* in the description */
    } cases[] = {
        {{"address_string", "A", "description", t, NULL}, 400, "service_code"},
        {{"service_code", "khong_co", "address_string", "A", "description", t, NULL},
         404,
         "service_code"},
        {{"jurisdiction_id", "12345", "service_code", "khac", "address_string", "A", "description",
          t, NULL},
         404,
         "jurisdiction_id"},
        {{"service_code", "khac", "description", t, NULL}, 400, "vị trí"},
        {{"service_code", "khac", "address_id", "42", "description", t, NULL}, 400, "address_id"},
        {{"service_code", "khac", "lat", "21.0", "description", t, NULL}, 400, "long"},
        {{"service_code", "khac", "lat", "48.85", "long", "2.35", "description", t, NULL},
         400,
         "Việt Nam"},
        {{"service_code", "khac", "address_string", "A", NULL}, 400, "description"},
        {{"service_code", "khac", "address_string", "A", "attribute[kind]", "complaint",
          "description", t, NULL},
         400,
         "khiếu nại"},
        {{"service_code", "khac", "address_string", "A", "attribute[kind]", "denunciation",
          "description", t, NULL},
         400,
         "tố cáo"},
        {{"service_code", "khac", "address_string", "A", "attribute[kind]", "info_request",
          "description", t, NULL},
         400,
         "phản ánh và kiến nghị"},
        {{"service_code", "khac", "address_string", "A", "attribute[kind]", "xyz", "description", t,
          NULL},
         400,
         "attribute[kind]"},
        {{"service_code", "khac", "address_string", "A", "first_name", "An", "description", t,
          NULL},
         400,
         "phone"},
        {{"service_code", "khac", "address_string", "A", "phone", "12ab", "description", t, NULL},
         400,
         "phone"},
        {{"service_code", "khac", "address_string", "A", "email", "khong-phai-email", "description",
          t, NULL},
         400,
         "email"},
        {{"service_code", "khac", "address_string", "A\nB", "description", t, NULL},
         400,
         "address_string"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *f[20] = {"api_key", key};
        size_t n = 2;
        for (size_t k = 0; cases[i].fields[k]; k++)
            f[n++] = cases[i].fields[k];
        f[n] = NULL;
        const char *d = error_json(post311(c, "json", f), cases[i].status);
        if (!strstr(d, cases[i].says))
            fprintf(stderr, "case %zu: \"%s\" lacks \"%s\"\n", i, d, cases[i].says);
        assert_non_null(strstr(d, cases[i].says));
    }
    /* One of them in XML too. */
    const char *fx[] = {
        "api_key", key, "service_code", "khong_co", "address_string", "A", "description", t, NULL};
    error_xml(post311(c, "xml", fx), 404);
    /* POST only to requests; a format Open311 lacks is not a resource. */
    error_json(h_post_form(c, "/open311/v2/services.json", fx), 404);
    long long n = -1;
    assert_int_equal(
        h_db_int(&srv, "SELECT COUNT(*) FROM cases WHERE body = 'O311-ERR Nội dung'", &n), 0);
    assert_int_equal(n, 0);
    h_client_free(c);
}

/* ---- GET requests ----------------------------------------------------------------------------
 */

/* GET requests: a jurisdiction is needed where danchu holds two communes; service_code,
 * status and the dates filter; service_request_id overrides them; JSON and XML list the same
 * requests; a forwarded case names the body it went to. */
static void requests_filter_by_service_status_and_dates(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    struct h_client *o = h_signed_in(&srv, "canbo");
    const char *key = new_key(c, "99001", "Ứng dụng lọc");
    const char *open_id = post_ok(c, key, "trat_tu_xay_dung", "O311-F-OPEN Xây lấn vỉa hè");
    const char *done_id = post_ok(c, key, "an_ninh", "O311-F-DONE Tụ tập gây ồn đêm khuya");
    const char *fwd_id = post_ok(c, key, "an_ninh", "O311-F-FWD Đánh bạc ở bãi đất trống");
    const char *ans[] = {"noi_dung", "O311-ANSWER Công an phường đã nhắc nhở.", NULL};
    official_act(o, id_num(done_id), "tra-loi", ans);
    const char *to[] = {"co_quan", "Công an quận Bình Minh", NULL};
    official_act(o, id_num(fwd_id), "chuyen", to);

    error_json(h_get(c, "/open311/v2/requests.json"), 400); /* two communes here */
    error_xml(h_get(c, "/open311/v2/requests.xml"), 400);

    const char *base = "/open311/v2/requests.json?jurisdiction_id=99001";
    json_t *all = json_of(h_get(c, base));
    assert_true(has_request(all, "O311-F-OPEN"));
    assert_true(has_request(all, "O311-F-DONE"));
    assert_true(has_request(all, "O311-F-FWD"));

    json_t *j = json_of(h_get(c, h_fmt(c, "%s&service_code=trat_tu_xay_dung", base)));
    assert_true(has_request(j, "O311-F-OPEN"));
    assert_false(has_request(j, "O311-F-DONE"));
    size_t i;
    json_t *x;
    json_array_foreach(j, i, x)
    {
        assert_string_equal(json_string_value(json_object_get(x, "service_code")),
                            "trat_tu_xay_dung");
    }
    j = json_of(h_get(c, h_fmt(c, "%s&service_code=trat_tu_xay_dung,an_ninh", base)));
    assert_true(has_request(j, "O311-F-OPEN"));
    assert_true(has_request(j, "O311-F-DONE"));

    j = json_of(h_get(c, h_fmt(c, "%s&status=closed", base)));
    assert_false(has_request(j, "O311-F-OPEN"));
    assert_true(has_request(j, "O311-F-DONE"));
    assert_true(has_request(j, "O311-F-FWD"));
    json_array_foreach(j, i, x)
    {
        assert_string_equal(json_string_value(json_object_get(x, "status")), "closed");
        assert_true(json_is_null(json_object_get(x, "expected_datetime")));
        const char *desc = json_string_value(json_object_get(x, "description"));
        if (strstr(desc, "O311-F-DONE"))
            assert_string_equal(json_string_value(json_object_get(x, "status_notes")),
                                "O311-ANSWER Công an phường đã nhắc nhở.");
        if (strstr(desc, "O311-F-FWD")) {
            assert_string_equal(json_string_value(json_object_get(x, "agency_responsible")),
                                "Công an quận Bình Minh");
            assert_non_null(strstr(json_string_value(json_object_get(x, "status_notes")),
                                   "Công an quận Bình Minh"));
        }
    }
    j = json_of(h_get(c, h_fmt(c, "%s&status=open", base)));
    assert_true(has_request(j, "O311-F-OPEN"));
    assert_false(has_request(j, "O311-F-DONE"));
    json_array_foreach(j, i, x)
    {
        assert_string_equal(json_string_value(json_object_get(x, "status")), "open");
    }
    size_t n_open = json_array_size(j);
    j = json_of(h_get(c, h_fmt(c, "%s&status=open,closed", base)));
    assert_int_equal(json_array_size(j), json_array_size(all));
    /* Newest first. */
    for (i = 1; i < json_array_size(all); i++)
        assert_true(strcmp(h_jstr(all, h_fmt(c, "[%zu].requested_datetime", i - 1)),
                           h_jstr(all, h_fmt(c, "[%zu].requested_datetime", i))) >= 0);

    /* Dates: today holds them, a week in the past does not. */
    j = json_of(h_get(c, h_fmt(c, "%s&start_date=%s&end_date=%s", base, w3c(c, -1), w3c(c, 0))));
    assert_true(has_request(j, "O311-F-OPEN"));
    j = json_of(
        h_get(c, h_fmt(c, "%s&start_date=%s&end_date=%s", base, vn_date(c, -9), vn_date(c, -7))));
    assert_false(has_request(j, "O311-F-OPEN"));
    error_json(h_get(c, h_fmt(c, "%s&start_date=hom-qua", base)), 400);
    error_json(h_get(c, h_fmt(c, "%s&start_date=%s&end_date=%s", base, w3c(c, 0), w3c(c, -2))),
               400);
    error_json(h_get(c, h_fmt(c, "%s&status=pending", base)), 400);

    /* service_request_id overrides every other filter. */
    j = json_of(h_get(c, h_fmt(c, "%s&status=closed&service_code=khac&service_request_id=%s,%s",
                               base, open_id, done_id)));
    assert_int_equal(json_array_size(j), 2);
    assert_string_equal(h_jstr(j, "[0].service_request_id"), open_id);
    assert_string_equal(h_jstr(j, "[1].service_request_id"), done_id);

    /* XML lists the same requests as JSON. */
    struct h_response *r =
        h_get(c, "/open311/v2/requests.xml?jurisdiction_id=99001&status=open&service_code="
                 "trat_tu_xay_dung,an_ninh");
    assert_int_equal(r->status, 200);
    struct xdoc *d = xml_of(r);
    j = json_of(h_get(c, h_fmt(c, "%s&status=open&service_code=trat_tu_xay_dung,an_ninh", base)));
    assert_int_equal(x_count(d, "service_requests/request"), json_array_size(j));
    assert_true(x_has_value(d, "service_requests/request/service_request_id", open_id));
    assert_false(x_has_value(d, "service_requests/request/service_request_id", done_id));
    assert_true(n_open >= 1);
    h_client_free(o);
    h_client_free(c);
}

/* Without dates GET requests covers the last 90 days; dates choose another window, which may
 * not span more than 90 days (400). Cases are put 100 and 80 days back by SQL. */
static void requests_default_window_is_90_days(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    long long now = (long long)time(NULL);
    const struct {
        const char *code; /* tracking code */
        const char *body; /* marker */
        int days;         /* received this many days ago */
    } old[] = {{"WXYZWXYZ22", "O311-W100 Đường làng lầy lội", 100},
               {"WXYZWXYZ23", "O311-W80 Cống thoát nước vỡ", 80}};
    for (size_t i = 0; i < 2; i++) {
        long long t = now - (long long)old[i].days * 86400;
        const char *sql = h_fmt(
            c,
            "INSERT INTO cases (unit_id, code, kind, channel, field, title, body, received_at, "
            "received_on, status, created_at, updated_at) SELECT id, '%s', 1, 0, 'ha_tang', "
            "'%s', '%s', %lld, '%s', 'received', %lld, %lld FROM units WHERE code = '99001'",
            old[i].code, old[i].body, old[i].body, t, vn_date(c, -old[i].days), t, t);
        assert_int_equal(h_db_exec(&srv, sql), 0);
    }
    const char *base = "/open311/v2/requests.json?jurisdiction_id=99001";
    json_t *j = json_of(h_get(c, base));
    assert_true(has_request(j, "O311-W80"));
    assert_false(has_request(j, "O311-W100"));
    j = json_of(
        h_get(c, h_fmt(c, "%s&start_date=%s&end_date=%s", base, w3c(c, -110), w3c(c, -95))));
    assert_true(has_request(j, "O311-W100"));
    assert_false(has_request(j, "O311-W80"));
    /* start_date alone: 90 days from it. */
    j = json_of(h_get(c, h_fmt(c, "%s&start_date=%s", base, vn_date(c, -105))));
    assert_true(has_request(j, "O311-W100"));
    assert_true(has_request(j, "O311-W80"));
    /* end_date alone: the 90 days before it. */
    j = json_of(h_get(c, h_fmt(c, "%s&end_date=%s", base, vn_date(c, -85))));
    assert_true(has_request(j, "O311-W100"));
    assert_false(has_request(j, "O311-W80"));
    /* UTC written with Z is the same instant. */
    time_t t = time(NULL) - 101 * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    j = json_of(
        h_get(c, h_fmt(c, "%s&start_date=%04d-%02d-%02dT%02d:%02d:%02dZ", base, tm.tm_year + 1900,
                       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec)));
    assert_true(has_request(j, "O311-W100"));
    /* 91 days is too long a span; exactly 90 is not. */
    const char *d = error_json(
        h_get(c, h_fmt(c, "%s&start_date=%s&end_date=%s", base, w3c(c, -91), w3c(c, 0))), 400);
    assert_non_null(strstr(d, "90 ngày"));
    assert_int_equal(
        h_get(c, h_fmt(c, "%s&start_date=%s&end_date=%s", base, w3c(c, -90), w3c(c, 0)))->status,
        200);
    h_client_free(c);
}

/* GET requests answers at most 1,000 requests, the newest: 1,005 are put into 99002 by SQL,
 * one a second back from now. */
static void requests_are_capped_at_1000_newest_first(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    long long now = (long long)time(NULL);
    const char *sql =
        h_fmt(c,
              "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1005) "
              "INSERT INTO cases (unit_id, code, kind, channel, field, title, body, received_at, "
              "received_on, status, created_at, updated_at) SELECT u.id, 'Q' || i, 1 + i %% 2, 0, "
              "'khac', 'O311-CAP', 'O311-CAP-' || i || '.', %lld - i, '%s', 'received', %lld - i, "
              "%lld - i FROM n, units u WHERE u.code = '99002'",
              now, vn_date(c, 0), now, now);
    assert_int_equal(h_db_exec(&srv, sql), 0);
    struct h_response *r = h_get(c, "/open311/v2/requests.json?jurisdiction_id=99002");
    assert_int_equal(r->status, 200);
    json_t *j = json_of(r);
    assert_int_equal(json_array_size(j), 1000);
    assert_true(has_request(j, "O311-CAP-1."));
    /* (the demo's cases of today may be newer than the last of the 1,005) */
    assert_false(has_request(j, "O311-CAP-1005."));
    for (size_t i = 1; i < 1000; i++)
        assert_true(strcmp(h_jstr(j, h_fmt(c, "[%zu].requested_datetime", i - 1)),
                           h_jstr(j, h_fmt(c, "[%zu].requested_datetime", i))) >= 0);
    r = h_get(c, "/open311/v2/requests.xml?jurisdiction_id=99002");
    assert_int_equal(r->status, 200);
    assert_int_equal(x_count(xml_of(r), "service_requests/request"), 1000);
    h_client_free(c);
}

/* Where danchu holds one commune, GET requests may leave jurisdiction_id out and answers for
 * that commune (a database of its own, whose second commune is made a province by SQL). */
static void requests_need_no_jurisdiction_where_there_is_one_commune(void **state)
{
    (void)state;
    struct h_server own;
    assert_int_equal(h_db_create(&own), 0);
    assert_int_equal(h_db_exec(&own, "UPDATE units SET kind = 'province' WHERE code = '99002'"), 0);
    assert_int_equal(h_serve(&own), 0);
    struct h_client *c = h_client_new(&own);
    json_t *implied = json_of(h_get(c, "/open311/v2/requests.json"));
    json_t *named = json_of(h_get(c, "/open311/v2/requests.json?jurisdiction_id=99001"));
    assert_true(json_array_size(implied) > 0);
    assert_true(json_equal(implied, named));
    error_json(h_get(c, "/open311/v2/requests.json?jurisdiction_id=99002"), 404);
    assert_int_equal(h_stop(&own), 0);
}

/* ---- danchu's own rules ------------------------------------------------------------------- */

/* Requests for information, complaints and denunciations sent through the public form are
 * personal: no Open311 answer lists them, finds them by id or filters them in; the phản ánh sent
 * beside them is there. */
static void I_complaints_and_denunciations_never_appear_in_open311(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    const char *fb[] = {"loai",    "feedback", "linh_vuc", "dat_dai",
                        "tieu_de", "O311-P1",  "noi_dung", "O311-PUBLIC Mốc giới bị nhổ",
                        "an_danh", "1",        NULL};
    const char *pub = form_case(c, fb);
    const char *complaint[] = {
        "loai",       "complaint",    "linh_vuc", "dat_dai",
        "tieu_de",    "O311-K1",      "noi_dung", "O311-SECRET-KN Quyết định thu hồi đất sai",
        "ho_ten",     "Lê Văn Khiếu", "dia_chi",  "Số 3 tổ 1",
        "dien_thoai", "0933333333",   NULL};
    const char *kn = form_case(c, complaint);
    const char *denunciation[] = {
        "loai",       "denunciation", "linh_vuc", "dat_dai",
        "tieu_de",    "O311-T1",      "noi_dung", "O311-SECRET-TC Cán bộ địa chính nhận tiền",
        "ho_ten",     "Phạm Thị Tố",  "dia_chi",  "Số 4 tổ 2",
        "dien_thoai", "0944444444",   NULL};
    const char *tc = form_case(c, denunciation);
    const char *info[] = {
        "loai",       "info_request", "linh_vuc", "dat_dai",
        "tieu_de",    "O311-I1",      "noi_dung", "O311-SECRET-IR Xin bản đồ quy hoạch",
        "ho_ten",     "Đỗ Văn Hỏi",   "dia_chi",  "Số 5 tổ 3",
        "dien_thoai", "0955555555",   NULL};
    const char *ir = form_case(c, info);
    const char *paths[] = {
        "/open311/v2/requests.json?jurisdiction_id=99001",
        "/open311/v2/requests.xml?jurisdiction_id=99001",
        "/open311/v2/requests.json?jurisdiction_id=99001&service_code=dat_dai",
        "/open311/v2/requests.json?jurisdiction_id=99001&status=open",
        "/open311/v2/requests.xml?jurisdiction_id=99001&status=open&service_code=dat_dai",
        h_fmt(c, "/open311/v2/requests.json?jurisdiction_id=99001&start_date=%s", vn_date(c, -1)),
    };
    const char *pub_id = h_fmt(c, "%lld", case_id(c, pub));
    const char *secret[] = {h_fmt(c, "%lld", case_id(c, kn)), h_fmt(c, "%lld", case_id(c, tc)),
                            h_fmt(c, "%lld", case_id(c, ir))};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        struct h_response *r = h_get(c, paths[i]);
        assert_int_equal(r->status, 200);
        assert_true(h_has(r, "O311-PUBLIC"));
        assert_false(h_has(r, "O311-SECRET"));
        if (strstr(paths[i], ".json")) {
            json_t *j = json_of(r);
            assert_true(has_id(j, pub_id));
            for (size_t k = 0; k < 3; k++)
                assert_false(has_id(j, secret[k]));
        } else {
            struct xdoc *d = xml_of(r);
            assert_true(x_has_value(d, "service_requests/request/service_request_id", pub_id));
            for (size_t k = 0; k < 3; k++)
                assert_false(
                    x_has_value(d, "service_requests/request/service_request_id", secret[k]));
        }
    }
    for (size_t i = 0; i < 3; i++) {
        error_json(h_get(c, h_fmt(c, "/open311/v2/requests/%s.json", secret[i])), 404);
        error_xml(h_get(c, h_fmt(c, "/open311/v2/requests/%s.xml", secret[i])), 404);
        json_t *j = json_of(h_get(c, h_fmt(c,
                                           "/open311/v2/requests.json?jurisdiction_id=99001&"
                                           "service_request_id=%s,%s",
                                           secret[i], pub_id)));
        assert_int_equal(json_array_size(j), 1);
        assert_string_equal(h_jstr(j, "[0].service_request_id"), pub_id);
    }
    h_client_free(c);
}

/* No Open311 answer carries the sender's name, phone, e-mail or address: neither for a case sent
 * with them through Open311 nor for one sent through the form, in either format. */
static void no_contact_detail_in_any_output(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    const char *key = new_key(c, "99001", "Ứng dụng riêng tư");
    const char *f[] = {"api_key",
                       key,
                       "service_code",
                       "moi_truong",
                       "address_string",
                       "Chợ Bình Minh",
                       "description",
                       "O311-PRIV Khói đốt rác",
                       "first_name",
                       "Thị Riêng",
                       "last_name",
                       "Hoàng",
                       "phone",
                       "0966 123 456",
                       "email",
                       "rieng.o311@example.com",
                       NULL};
    struct h_response *post = post311(c, "json", f);
    assert_int_equal(post->status, 200);
    const char *id = h_jstr(json_of(post), "[0].service_request_id");
    const char *token = h_jstr(json_of(post), "[0].token");
    const char *fb[] = {"loai",       "feedback",
                        "linh_vuc",   "moi_truong",
                        "tieu_de",    "O311-PRIV2",
                        "noi_dung",   "O311-PRIV2 Nước thải xưởng nhuộm",
                        "ho_ten",     "Vũ Thị Kín",
                        "dien_thoai", "0977 654 321",
                        "email",      "kin.o311@example.com",
                        "dia_chi",    "Số 8 ngõ Kín",
                        NULL};
    const char *code = form_case(c, fb);
    const char *paths[] = {
        "/open311/v2/requests.json?jurisdiction_id=99001",
        "/open311/v2/requests.xml?jurisdiction_id=99001",
        h_fmt(c, "/open311/v2/requests/%s.json", id),
        h_fmt(c, "/open311/v2/requests/%s.xml", id),
        h_fmt(c, "/open311/v2/requests/%lld.json", case_id(c, code)),
        h_fmt(c, "/open311/v2/requests/%lld.xml", case_id(c, code)),
        h_fmt(c, "/open311/v2/tokens/%s.json", token),
        h_fmt(c, "/open311/v2/tokens/%s.xml", token),
    };
    const char *secrets[] = {"Thị Riêng",  "Hoàng",       "0966123456", "0966 123 456",
                             "rieng.o311", "Vũ Thị Kín",  "0977654321", "0977 654 321",
                             "kin.o311",   "Số 8 ngõ Kín"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        struct h_response *r = h_get(c, paths[i]);
        assert_int_equal(r->status, 200);
        for (size_t k = 0; k < sizeof secrets / sizeof secrets[0]; k++) {
            if (h_has(r, secrets[k]))
                fprintf(stderr, "%s shows %s\n", paths[i], secrets[k]);
            assert_false(h_has(r, secrets[k]));
        }
    }
    for (size_t k = 0; k < sizeof secrets / sizeof secrets[0]; k++)
        assert_false(h_has(post, secrets[k]));
    h_client_free(c);
}

/* How many cases' tracking codes r's body holds, as stored (B7K4QXM2P9A4) or as people read
 * them (B7K4-QXM2-P9A4), in any case; the database compares, so that every case counts: those of
 * the demo, of the form and of Open311, in every state. */
static long long codes_in(struct h_client *c, const struct h_response *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->len; i++)
        n += r->body[i] == '\'' ? 2 : 1;
    char *quoted = malloc(n + 1), *q = quoted;
    assert_non_null(quoted);
    for (size_t i = 0; i < r->len; i++) {
        if (r->body[i] == '\'')
            *q++ = '\'';
        *q++ = r->body[i];
    }
    *q = '\0';
    long long found = -1;
    int rc = h_db_int(&srv,
                      h_fmt(c,
                            "WITH b(t) AS (SELECT lower('%s')) SELECT COUNT(*) FROM cases, b WHERE "
                            "length(code) >= 10 AND (b.t LIKE '%%' || lower(code) || '%%' OR b.t "
                            "LIKE '%%' || lower(substr(code, 1, 4) || '-' || substr(code, 5, 4) || "
                            "'-' || substr(code, 9, 4)) || '%%')",
                            quoted),
                      &found);
    free(quoted);
    assert_int_equal(rc, 0);
    return found;
}

/* The tracking code is the sender's private key to their case (whoever holds it may mark the
 * case fixed or reopen it): no Open311 answer carries one, of any case - not the list in JSON
 * or XML, not a request, not the answer to a POST nor the token's. service_request_id is the
 * case's id, the one the POST made. */
static void no_tracking_code_in_any_answer(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    struct h_client *o = h_signed_in(&srv, "canbo");
    const char *key = new_key(c, "99001", "Ứng dụng không thấy mã");
    const char *fj[] = {"api_key",
                        key,
                        "service_code",
                        "ha_tang",
                        "address_string",
                        "Cầu tràn thôn Đông",
                        "description",
                        "O311-NOCODE-J Cầu tràn sụt lún",
                        "first_name",
                        "Văn Mã",
                        "last_name",
                        "Lê",
                        "phone",
                        "0912000111",
                        NULL};
    struct h_response *post_json = post311(c, "json", fj);
    assert_int_equal(post_json->status, 200);
    json_t *j = json_of(post_json);
    const char *id_json = h_jstr(j, "[0].service_request_id");
    const char *token_json = h_jstr(j, "[0].token");
    const char *fx[] = {"api_key",
                        key,
                        "service_code",
                        "giao_duc",
                        "attribute[kind]",
                        "recommendation",
                        "lat",
                        "21.02851",
                        "long",
                        "105.85417",
                        "description",
                        "O311-NOCODE-X Xin thêm lớp học buổi chiều",
                        NULL};
    struct h_response *post_xml = post311(c, "xml", fx);
    assert_int_equal(post_xml->status, 200);
    struct xdoc *d = xml_of(post_xml);
    const char *id_xml = x_text(d, "service_requests/request/service_request_id", 0);
    const char *token_xml = x_text(d, "service_requests/request/token", 0);
    assert_non_null(token_json);
    assert_non_null(token_xml);
    /* Each POST's service_request_id is the id of the case it made. */
    long long want = -1;
    assert_int_equal(
        h_db_int(&srv, "SELECT id FROM cases WHERE body = 'O311-NOCODE-J Cầu tràn sụt lún'", &want),
        0);
    assert_int_equal(id_num(id_json), want);
    assert_int_equal(h_db_int(&srv,
                              "SELECT id FROM cases WHERE body = 'O311-NOCODE-X Xin thêm lớp học "
                              "buổi chiều' AND kind = 2",
                              &want),
                     0);
    assert_int_equal(id_num(id_xml), want);
    /* A phản ánh from the form, answered: its code is what the sender was given. */
    const char *fb[] = {"loai",    "feedback", "linh_vuc",   "moi_truong",
                        "tieu_de", "O311-NC",  "noi_dung",   "O311-NOCODE-F Rác ứ đọng chợ",
                        "ho_ten",  "Mai Mã",   "dien_thoai", "0912000222",
                        NULL};
    const char *code = form_case(c, fb);
    long long form_id = case_id(c, code);
    const char *ans[] = {"noi_dung", "O311-NOCODE-ANSWER Đã thu gom.", NULL};
    official_act(o, form_id, "tra-loi", ans);
    const char *ids = h_fmt(c, "%s,%s,%lld", id_json, id_xml, form_id);
    const char *paths[] = {
        "/open311/v2/requests.json?jurisdiction_id=99001",
        "/open311/v2/requests.xml?jurisdiction_id=99001",
        "/open311/v2/requests.json?jurisdiction_id=99001&status=closed",
        h_fmt(c, "/open311/v2/requests.json?jurisdiction_id=99001&service_request_id=%s", ids),
        h_fmt(c, "/open311/v2/requests.xml?jurisdiction_id=99001&service_request_id=%s", ids),
        h_fmt(c, "/open311/v2/requests/%s.json", id_json),
        h_fmt(c, "/open311/v2/requests/%s.xml", id_xml),
        h_fmt(c, "/open311/v2/requests/%lld.json", form_id),
        h_fmt(c, "/open311/v2/requests/%lld.xml", form_id),
        h_fmt(c, "/open311/v2/tokens/%s.json", token_json),
        h_fmt(c, "/open311/v2/tokens/%s.xml", token_xml),
    };
    const char *display = h_fmt(c, "%.4s-%.4s-%.2s", code, code + 4, code + 8);
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        struct h_response *r = h_get(c, paths[i]);
        assert_int_equal(r->status, 200);
        assert_false(h_has(r, code));
        assert_false(h_has(r, display));
        long long n = codes_in(c, r);
        if (n)
            fprintf(stderr, "%s shows %lld tracking codes\n", paths[i], n);
        assert_int_equal(n, 0);
    }
    /* The answers hold what was asked for, so that the checks above looked at something. */
    json_t *list = json_of(h_get(c, paths[0]));
    assert_true(has_request(list, "O311-NOCODE-J"));
    assert_true(has_request(list, "O311-NOCODE-F"));
    assert_true(has_id(list, id_json));
    assert_true(has_id(list, h_fmt(c, "%lld", form_id)));
    assert_int_equal(json_array_size(json_of(h_get(c, paths[3]))), 3);
    assert_string_equal(h_jstr(json_of(h_get(c, paths[9])), "[0].service_request_id"), id_json);
    assert_string_equal(
        x_text(xml_of(h_get(c, paths[10])), "service_requests/request/service_request_id", 0),
        id_xml);
    /* Nor the answers to the POSTs. */
    assert_int_equal(codes_in(c, post_json), 0);
    assert_int_equal(codes_in(c, post_xml), 0);
    h_client_free(o);
    h_client_free(c);
}

/* The public form tells residents, before they send a phản ánh or kiến nghị (and only then),
 * that its text, place and answer may be published, through Open311 too, never their name or
 * contact (Decree 13/2023). */
static void form_says_what_open311_publishes(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    struct h_response *r = h_get(c, "/gui-y-kien/99001");
    assert_int_equal(r->status, 200);
    assert_int_equal(h_count(r, "Nội dung, địa điểm và câu trả lời của xã có thể được công khai"),
                     2);
    assert_int_equal(h_count(r, "qua Open311"), 2);
    assert_int_equal(h_count(r, "không bao giờ kèm họ tên hay thông tin liên lạc của bạn"), 2);
    h_client_free(c);
}

/* One key may POST 60 requests an hour: the 61st is refused with 429 in the spec's shape,
 * while another key of the same commune still posts. */
static void posts_are_limited_per_key(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    const char *key = new_key(c, "99002", "Ứng dụng gửi nhiều");
    for (int i = 0; i < 60; i++)
        post_ok(c, key, "khac", h_fmt(c, "O311-RATE-%d Rác", i));
    const char *f[] = {"api_key",       key,           "service_code", "khac", "address_string",
                       "Thôn Đông Lao", "description", "O311-RATE-61", NULL};
    struct h_response *r = post311(c, "json", f);
    const char *d = error_json(r, 429);
    assert_non_null(strstr(d, "60"));
    assert_non_null(h_header(r, "Retry-After"));
    long long n = -1;
    assert_int_equal(h_db_int(&srv, "SELECT COUNT(*) FROM cases WHERE body = 'O311-RATE-61'", &n),
                     0);
    assert_int_equal(n, 0);
    const char *other = new_key(c, "99002", "Ứng dụng khác");
    post_ok(c, other, "khac", "O311-RATE-OTHER Rác");
    h_client_free(c);
}

/* `danchu apikeys add` prints a key once; the database holds its SHA-256 and prefix, never
 * the key; add and revoke are audited; list never shows a key; a village cannot hold one. */
static void apikeys_cli_prints_a_key_once_and_keeps_only_its_hash(void **state)
{
    (void)state;
    struct h_client *c = h_client_new(&srv);
    const char *key = new_key(c, "99001", "Ứng dụng CLI");
    long long n = -1, id = 0;
    assert_int_equal(
        h_db_int(&srv, h_fmt(c, "SELECT COUNT(*) FROM api_keys WHERE key_hash = '%s'", key), &n),
        0);
    assert_int_equal(n, 0);
    assert_int_equal(h_db_int(&srv,
                              h_fmt(c,
                                    "SELECT id FROM api_keys WHERE prefix = '%.8s' AND name = "
                                    "'Ứng dụng CLI' AND length(key_hash) = 64",
                                    key),
                              &id),
                     0);
    assert_true(id > 0);
    assert_int_equal(h_db_int(&srv,
                              h_fmt(c,
                                    "SELECT COUNT(*) FROM audit_log WHERE action = 'apikey.add' "
                                    "AND object = 'apikey:%lld'",
                                    id),
                              &n),
                     0);
    assert_int_equal(n, 1);
    struct h_proc p;
    const char *list[] = {"apikeys", "list", "--db", srv.db_url, NULL};
    assert_int_equal(h_run(&srv, list, NULL, &p), 0);
    assert_non_null(strstr(p.out, "Ứng dụng CLI"));
    assert_non_null(strstr(p.out, h_fmt(c, "%.8s", key)));
    assert_null(strstr(p.out, key));
    h_proc_free(&p);
    const char *revoke[] = {"apikeys", "revoke", "--db", srv.db_url, h_fmt(c, "%lld", id), NULL};
    assert_int_equal(h_run(&srv, revoke, NULL, &p), 0);
    h_proc_free(&p);
    assert_int_equal(h_db_int(&srv,
                              h_fmt(c,
                                    "SELECT COUNT(*) FROM audit_log WHERE action = "
                                    "'apikey.revoke' AND object = 'apikey:%lld'",
                                    id),
                              &n),
                     0);
    assert_int_equal(n, 1);
    assert_int_equal(h_run(&srv, revoke, NULL, &p), 1); /* not twice */
    h_proc_free(&p);
    const char *village[] = {"apikeys", "add",     "--db",   srv.db_url,
                             "--unit",  "9900101", "--name", "Thôn không được",
                             NULL};
    assert_int_equal(h_run(&srv, village, NULL, &p), 1);
    assert_string_equal(p.out, "");
    h_proc_free(&p);
    h_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(discovery_lists_the_v2_endpoint_in_both_formats),
        cmocka_unit_test(services_are_the_fields_in_json_and_xml),
        cmocka_unit_test(service_definition_offers_only_feedback_and_recommendation),
        cmocka_unit_test(post_then_token_then_request_in_json),
        cmocka_unit_test(post_then_token_then_request_in_xml),
        cmocka_unit_test(post_without_a_valid_key_is_refused_with_403),
        cmocka_unit_test(post_errors_have_the_spec_status_and_shape),
        cmocka_unit_test(requests_filter_by_service_status_and_dates),
        cmocka_unit_test(requests_default_window_is_90_days),
        cmocka_unit_test(requests_are_capped_at_1000_newest_first),
        cmocka_unit_test(requests_need_no_jurisdiction_where_there_is_one_commune),
        cmocka_unit_test(I_complaints_and_denunciations_never_appear_in_open311),
        cmocka_unit_test(no_contact_detail_in_any_output),
        cmocka_unit_test(posts_are_limited_per_key),
        cmocka_unit_test(apikeys_cli_prints_a_key_once_and_keeps_only_its_hash),
        cmocka_unit_test(no_tracking_code_in_any_answer),
        cmocka_unit_test(form_says_what_open311_publishes),
    };
    int rc = h_run_group(tests, &srv);
    for (size_t i = 0; i < n_docs; i++)
        xdoc_free(docs[i]);
    return rc;
}

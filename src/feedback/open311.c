/*
 * open311.c - Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2) at /open311/v2/ (issue 4),
 * so that existing civic applications can read a commune's phản ánh and kiến nghị and send new
 * ones: discovery, services, service definitions, service requests (GET, and POST with an API
 * key), tokens and one request, each as .xml or .json.
 *
 * The mapping (docs/open311.md tells integrators):
 *   jurisdiction_id   a commune's unit code (99001); may be left out where danchu holds one
 *                     commune, and on POST (the key's commune)
 *   service           a field of data/feedback_fields.txt: service_code = its key; the kind is
 *                     the one attribute `kind` (feedback = phản ánh, the default, or
 *                     recommendation = kiến nghị)
 *   service request   a case of those two kinds: service_request_id = its id (cases.id, in
 *                     decimal), never its tracking code: the code is the sender's private key
 *                     to their case (whoever holds it may mark it fixed or reopen it, public.c)
 *                     and no Open311 answer, not even POST's, carries it;
 *                     status open (received, accepted) or closed (every other state);
 *                     status_notes = what the tracking page shows (the answer, where it was
 *                     forwarded, why it was closed)
 *   token             handed back by POST beside the service_request_id (the case exists once
 *                     the POST is answered), and resolvable with GET tokens/{token}
 * Requests for information, complaints and denunciations are personal: never listed, never
 * accepted. No answer carries the sender's name, phone, e-mail or address (the store does not
 * even read them), nor their photos (media_url is always empty).
 *
 * Every answer under /open311/ is Open311's: errors too, as [{"code", "description"}] or
 * <errors><error>, with Vietnamese descriptions. Handlers therefore never return an error
 * code to the dispatcher (which would answer with danchu's own page); they build the body
 * (HTTP_RAW) and return 0. Every parameter is declared as free text and checked here, for the
 * same reason.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "feedback/open311.h"

/* GET requests without dates: the last 90 days; never more than 90 days, nor 1,000 rows. */
#define O311_WINDOW (90 * 86400)
#define O311_MAX_ROWS 1000
/* service_request_id=a,b,c: at most this many ids at once. */
#define O311_MAX_IDS 100
/* POSTs one key may make in an hour. */
#define O311_HOURLY 60
/* description: the spec's maximum, in characters. */
#define O311_MAX_TEXT 4000
/* The title a case needs, made from the description's first line. */
#define O311_TITLE 100
#define O311_SPEC "http://wiki.open311.org/GeoReport_v2"
/* When the services or this API last changed (discovery's changeset): bump it with them. */
#define O311_CHANGESET "2026-12-04T00:00:00+07:00"

enum o311_fmt {
    O311_XML = 0, /* the spec's required format, and the one errors use when none was named */
    O311_JSON = 1,
};

/* ---- answers ---------------------------------------------------------------------------- */

/* XML element names of list items (a JSON array becomes <list><item>...</item></list>). */
static const struct {
    const char *list; /* the array's key */
    const char *item; /* each element's name */
} xml_items[] = {
    {"services", "service"}, {"service_requests", "request"},
    {"errors", "error"},     {"attributes", "attribute"},
    {"values", "value"},     {"endpoints", "endpoint"},
    {"formats", "format"},
};

/* The element name of the items of the list `list` ("item" for one the spec does not name). */
static const char *xml_item_name(const char *list)
{
    for (size_t i = 0; i < sizeof xml_items / sizeof xml_items[0]; i++)
        if (strcmp(xml_items[i].list, list) == 0)
            return xml_items[i].item;
    return "item";
}

/* Appends s escaped for XML character data; control characters XML 1.0 forbids are dropped. */
static void xml_text(struct buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '&':
            buf_puts(b, "&amp;");
            break;
        case '<':
            buf_puts(b, "&lt;");
            break;
        case '>':
            buf_puts(b, "&gt;");
            break;
        case '"':
            buf_puts(b, "&quot;");
            break;
        default:
            if (*p >= 0x20 || *p == '\t' || *p == '\n' || *p == '\r')
                buf_putc(b, (char)*p);
        }
    }
}

/* Appends v as the element `name`: objects as child elements in order, arrays as repeated
 * items, null as an empty element. */
static void xml_node(struct buf *b, const char *name, const json_t *v)
{
    if (json_is_null(v)) {
        buf_printf(b, "<%s/>", name);
        return;
    }
    buf_printf(b, "<%s>", name);
    if (json_is_object(v)) {
        const char *k;
        const json_t *x;
        json_object_foreach((json_t *)v, k, x)
        {
            xml_node(b, k, x);
        }
    } else if (json_is_array(v)) {
        size_t i;
        const json_t *x;
        const char *item = xml_item_name(name);
        json_array_foreach(v, i, x)
        {
            xml_node(b, item, x);
        }
    } else if (json_is_string(v)) {
        xml_text(b, json_string_value(v));
    } else if (json_is_integer(v)) {
        buf_printf(b, "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        buf_printf(b, "%.9g", json_real_value(v));
    } else {
        buf_puts(b, json_is_true(v) ? "true" : "false");
    }
    buf_printf(b, "</%s>", name);
}

/* Makes model (consumed) the answer with `status`: JSON, or XML under the element `root`. */
static int reply(struct http_request *r, struct http_response *res, enum o311_fmt f, int status,
                 const char *root, json_t *model)
{
    buf_init(&res->body, r->a);
    if (f == O311_JSON) {
        view_json_dump(model, JSON_COMPACT | JSON_REAL_PRECISION(9), &res->body);
        res->content_type = "application/json; charset=utf-8";
    } else {
        buf_puts(&res->body, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        xml_node(&res->body, root, model);
        buf_putc(&res->body, '\n');
        res->content_type = "text/xml; charset=utf-8";
    }
    json_decref(model);
    res->status = status;
    /* Public data: browser applications of other sites may read it (never POST with a key). */
    if (strcmp(r->method, "POST") != 0 && res->n_headers < 8)
        res->headers[res->n_headers++] = (struct http_header){"Access-Control-Allow-Origin", "*"};
    return 0;
}

/* The spec's error answer: [{"code": status, "description": why}]. */
static int fail(struct http_request *r, struct http_response *res, enum o311_fmt f, int status,
                const char *why)
{
    json_t *e = json_array();
    json_array_append_new(e, json_pack("{s:i,s:s}", "code", status, "description", why));
    return reply(r, res, f, status, "errors", e);
}

/* ---- input -------------------------------------------------------------------------------- */

/* Splits the last path segment "requests.json" into its resource ("requests", arena) and
 * format; -1 when it names no format Open311 has. */
static int resource_of(struct http_request *r, const char *segment, const char **name,
                       enum o311_fmt *f)
{
    const char *dot = segment ? strrchr(segment, '.') : NULL;
    if (!dot)
        return -1;
    if (strcmp(dot + 1, "json") == 0)
        *f = O311_JSON;
    else if (strcmp(dot + 1, "xml") == 0)
        *f = O311_XML;
    else
        return -1;
    *name = arena_strndup(r->a, segment, (size_t)(dot - segment));
    return 0;
}

/* The trimmed value of a parameter, "" when absent. */
static const char *param(struct http_request *r, const char *name)
{
    const char *v = http_param(r, name);
    return str_dup(r->a, str_trim(str_c(v ? v : "")));
}

/* 1 when s holds no line break. */
static int one_line(const char *s)
{
    return !strpbrk(s, "\r\n");
}

/* A service_request_id as typed: a case's id, digits only ("12", not "+12" nor "1e3"), into
 * *id; 0, or -1 when it is not a whole number. */
static int id_parse(const char *typed, int64_t *id)
{
    struct str s = str_trim(str_c(typed));
    if (!s.len || s.len != strspn(s.ptr, "0123456789"))
        return -1;
    return parse_int64(s, 1, INT64_MAX, id) == 0 ? 0 : -1;
}

/* A case's id as service_request_id: its decimal text (arena). */
static const char *id_text(struct arena *a, int64_t id)
{
    return arena_printf(a, "%lld", (long long)id);
}

/* Two digits at p into [0, max]; 0 or -1. */
static int two_digits(const char *p, int max, int *out)
{
    if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
        return -1;
    *out = (p[0] - '0') * 10 + (p[1] - '0');
    return *out <= max ? 0 : -1;
}

/*
 * A W3C date-time as the spec asks ("2026-03-01T08:15:30+07:00", "...Z", with or without
 * seconds and their fraction) or a date alone ("2026-03-01": Vietnam's midnight, or the last
 * second of that day when `end`), into unix time. A space stands for a '+' that a form decoder
 * turned into one. 0 or -1.
 */
static int w3c_parse(const char *s, int end, int64_t *out)
{
    size_t n = strlen(s);
    struct date day;
    char d[11];
    if (n < 10)
        return -1;
    memcpy(d, s, 10);
    d[10] = '\0';
    if (d[4] != '-' || date_parse(d, &day) != 0)
        return -1;
    int64_t t = date_to_days(day) * 86400;
    if (n == 10) {
        *out = t - 7 * 3600 + (end ? 86399 : 0);
        return 0;
    }
    const char *p = s + 10;
    int hh, mm, ss = 0, oh = 0, om = 0, sign = 1;
    if (*p++ != 'T' || two_digits(p, 23, &hh) || p[2] != ':' || two_digits(p + 3, 59, &mm))
        return -1;
    p += 5;
    if (*p == ':') {
        if (two_digits(p + 1, 59, &ss))
            return -1;
        p += 3;
        if (*p == '.') {
            do
                p++;
            while (*p >= '0' && *p <= '9');
        }
    }
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == ' ' || *p == '-') {
        sign = *p == '-' ? -1 : 1;
        if (two_digits(p + 1, 14, &oh) || p[3] != ':' || two_digits(p + 4, 59, &om))
            return -1;
        p += 6;
    } else {
        return -1;
    }
    if (*p)
        return -1;
    *out = t + hh * 3600 + mm * 60 + ss - sign * (oh * 3600 + om * 60);
    return 0;
}

/* Unix time t as the spec writes it, in Vietnam's time: "2026-03-01T08:15:30+07:00". */
static const char *w3c_time(struct arena *a, int64_t t)
{
    time_t s = (time_t)(t + 7 * 3600);
    struct tm tm;
    gmtime_r(&s, &tm);
    return arena_printf(a, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", tm.tm_year + 1900, tm.tm_mon + 1,
                        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The field whose key is `code`, or NULL. */
static const struct fb_field *field_of(const struct feedback_env *env, const char *code)
{
    for (size_t i = 0; i < env->n_fields; i++)
        if (strcmp(env->fields[i].key, code) == 0)
            return &env->fields[i];
    return NULL;
}

/*
 * The commune of jurisdiction_id into u. Without one, u->id is 0 unless `needed`, when the
 * installation's only commune stands for it. 0, or an HTTP status with *why.
 */
static int jurisdiction(struct http_request *r, int needed, struct unit *u, const char **why)
{
    const char *code = param(r, "jurisdiction_id");
    memset(u, 0, sizeof *u);
    if (code[0]) {
        if (units_get_commune(r->db, code, u) == 0)
            return 0;
        *why = "Không tìm thấy jurisdiction_id: đó phải là mã đơn vị hành chính của một xã, "
               "phường, đặc khu.";
        return 404;
    }
    if (!needed)
        return 0;
    json_t *all;
    if (units_list_json(r->db, &all) == 0) {
        size_t i, n = 0;
        json_t *x;
        const char *only = NULL;
        json_array_foreach(json_object_get(all, "units"), i, x)
        {
            if (units_kind_is_commune(json_string_value(json_object_get(x, "kind")))) {
                only = json_string_value(json_object_get(x, "code"));
                n++;
            }
        }
        int rc = n == 1 ? units_get_commune(r->db, only, u) : -1;
        json_decref(all);
        if (rc == 0)
            return 0;
    }
    *why = "Thiếu jurisdiction_id: hệ thống phục vụ nhiều xã, phường; hãy ghi mã đơn vị hành "
           "chính của xã, phường (ví dụ 99001).";
    return 400;
}

/* ---- models --------------------------------------------------------------------------------- */

/* s as a JSON string, or null when empty (the spec's "no value"). */
static json_t *text_or_null(const char *s)
{
    return s && s[0] ? json_string(s) : json_null();
}

/* 1 for the stored statuses Open311 calls open: not yet answered, forwarded, refused or
 * closed. */
static int is_open(const char *status)
{
    return strcmp(status, "received") == 0 || strcmp(status, "accepted") == 0;
}

/* What the tracking page says of where the case stands. */
static const char *status_notes(struct arena *a, const struct fb_o311_case *c)
{
    if (strcmp(c->status, "forwarded") == 0 && c->forwarded_to[0])
        return arena_printf(a, "Đã chuyển đến %s", c->forwarded_to);
    if ((strcmp(c->status, "answered") == 0 || strcmp(c->status, "refused") == 0) && c->answer[0])
        return c->answer;
    if (strcmp(c->status, "closed") == 0 && c->reason[0])
        return arena_printf(a, "%s: %s", fb_status_label(c->status), c->reason);
    return fb_status_label(c->status);
}

/* The communes' names, looked up once each per request. */
struct agency_memo {
    int64_t unit_id;  /* the last commune looked up, or 0 */
    const char *name; /* "UBND Phường Bình Minh" */
};

/* agency_responsible: the body a case was forwarded to, else the commune's People's
 * Committee. */
static const char *agency(struct http_request *r, struct agency_memo *m,
                          const struct fb_o311_case *c)
{
    if (strcmp(c->status, "forwarded") == 0 && c->forwarded_to[0])
        return c->forwarded_to;
    if (m->unit_id != c->unit_id) {
        struct unit u;
        m->unit_id = c->unit_id;
        m->name = units_get_id(r->db, c->unit_id, &u) == 0 ? arena_printf(r->a, "UBND %s", u.name)
                                                           : "UBND";
    }
    return m->name;
}

/* One service request, the spec's fields in its order. Nothing about who sent it. */
static json_t *request_json(struct http_request *r, struct agency_memo *m,
                            const struct fb_o311_case *c)
{
    struct feedback_env *env = fb_env(r);
    int open = is_open(c->status);
    json_t *j = json_object();
    json_object_set_new(j, "service_request_id", json_string(id_text(r->a, c->id)));
    json_object_set_new(j, "status", json_string(open ? "open" : "closed"));
    json_object_set_new(j, "status_notes", json_string(status_notes(r->a, c)));
    json_object_set_new(j, "service_name",
                        c->field[0] ? json_string(fb_field_label(env, c->field)) : json_null());
    json_object_set_new(j, "service_code", text_or_null(c->field));
    json_object_set_new(j, "description", json_string(c->body));
    json_object_set_new(j, "agency_responsible", json_string(agency(r, m, c)));
    json_object_set_new(j, "service_notice", json_string(fb_kind_label(c->kind)));
    json_object_set_new(j, "requested_datetime", json_string(w3c_time(r->a, c->received_at)));
    json_object_set_new(j, "updated_datetime", json_string(w3c_time(r->a, c->updated_at)));
    json_object_set_new(j, "expected_datetime",
                        open && c->due_on[0]
                            ? json_string(arena_printf(r->a, "%sT23:59:59+07:00", c->due_on))
                            : json_null());
    json_object_set_new(j, "address", text_or_null(c->place));
    json_object_set_new(j, "address_id", json_null());
    json_object_set_new(j, "zipcode", json_null());
    json_object_set_new(j, "lat", c->has_position ? json_real(c->lat) : json_null());
    json_object_set_new(j, "long", c->has_position ? json_real(c->lon) : json_null());
    json_object_set_new(j, "media_url", json_null());
    return j;
}

/* 1 when Open311 may show c at all: a phản ánh or kiến nghị (the SQL already asks only for
 * those; this is the second guard) of the commune asked for (0: any). */
static int shown(const struct fb_o311_case *c, int64_t unit_id)
{
    return (c->kind == FB_FEEDBACK || c->kind == FB_RECOMMENDATION) &&
           (!unit_id || c->unit_id == unit_id);
}

/* The service discovery document: this installation's one GeoReport v2 endpoint. */
static json_t *discovery_json(struct http_request *r)
{
    struct feedback_env *env = fb_env(r);
    json_t *formats = json_pack("[s,s]", "text/xml", "application/json");
    json_t *endpoint = json_pack("{s:s,s:s,s:s,s:s,s:o}", "specification", O311_SPEC, "url",
                                 arena_printf(r->a, "%s/open311/v2", env->base_url), "changeset",
                                 O311_CHANGESET, "type", "production", "formats", formats);
    json_t *d = json_object();
    json_object_set_new(d, "changeset", json_string(O311_CHANGESET));
    json_object_set_new(
        d, "contact",
        json_string(arena_printf(r->a,
                                 "Ủy ban nhân dân xã, phường nhận phản ánh, kiến nghị "
                                 "(jurisdiction_id là mã đơn vị hành chính của xã, phường): %s",
                                 env->base_url)));
    json_object_set_new(d, "key_service",
                        json_string("Khóa API (api_key) chỉ cần để gửi phản ánh, kiến nghị "
                                    "(POST requests); UBND xã, phường cấp cho từng ứng dụng "
                                    "bằng lệnh danchu apikeys add --unit MÃ_XÃ --name "
                                    "TÊN_ỨNG_DỤNG."));
    json_t *endpoints = json_array();
    json_array_append_new(endpoints, endpoint);
    json_object_set_new(d, "endpoints", endpoints);
    return d;
}

/* The services: one per field, the same in every commune. */
static json_t *services_json(struct http_request *r)
{
    struct feedback_env *env = fb_env(r);
    json_t *list = json_array();
    for (size_t i = 0; i < env->n_fields; i++) {
        const struct fb_field *f = &env->fields[i];
        json_t *s = json_object();
        json_object_set_new(s, "service_code", json_string(f->key));
        json_object_set_new(s, "service_name", json_string(f->label));
        json_object_set_new(
            s, "description",
            json_string(arena_printf(r->a, "Phản ánh, kiến nghị về lĩnh vực %s.", f->label)));
        json_object_set_new(s, "metadata", json_true());
        json_object_set_new(s, "type", json_string("realtime"));
        json_object_set_new(s, "keywords", json_string("phản ánh, kiến nghị"));
        json_object_set_new(s, "group", json_string("Phản ánh, kiến nghị"));
        json_array_append_new(list, s);
    }
    return list;
}

/* A service's definition: its one attribute, the kind (phản ánh by default). */
static json_t *definition_json(const struct fb_field *f)
{
    json_t *values = json_array();
    json_array_append_new(values, json_pack("{s:s,s:s}", "key", fb_kind_key(FB_FEEDBACK), "name",
                                            fb_kind_label(FB_FEEDBACK)));
    json_array_append_new(values, json_pack("{s:s,s:s}", "key", fb_kind_key(FB_RECOMMENDATION),
                                            "name", fb_kind_label(FB_RECOMMENDATION)));
    json_t *kind = json_object();
    json_object_set_new(kind, "variable", json_true());
    json_object_set_new(kind, "code", json_string("kind"));
    json_object_set_new(kind, "datatype", json_string("singlevaluelist"));
    json_object_set_new(kind, "required", json_false());
    json_object_set_new(kind, "datatype_description",
                        json_string("feedback (phản ánh, mặc định) hoặc recommendation (kiến "
                                    "nghị)"));
    json_object_set_new(kind, "order", json_integer(1));
    json_object_set_new(kind, "description",
                        json_string("Loại ý kiến: phản ánh là báo cho xã một việc đang xảy ra để "
                                    "xem xét, xử lý; kiến nghị là đề xuất xã làm, sửa đổi hoặc bổ "
                                    "sung một việc, một quy định."));
    json_object_set_new(kind, "values", values);
    json_t *attributes = json_array();
    json_array_append_new(attributes, kind);
    json_t *d = json_object();
    json_object_set_new(d, "service_code", json_string(f->key));
    json_object_set_new(d, "attributes", attributes);
    return d;
}

/* ---- GET ------------------------------------------------------------------------------------ */

/* service_request_id=a,b,c: those of the commune that Open311 may show, in the order asked. */
static int requests_by_id(struct http_request *r, struct http_response *res, enum o311_fmt f,
                          const struct unit *u, const char *ids)
{
    json_t *list = json_array();
    struct agency_memo memo = {0, NULL};
    size_t n = 0;
    for (const char *p = ids; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *typed = arena_strndup(r->a, p, len);
        p = comma ? comma + 1 : p + len;
        if (!str_trim(str_c(typed)).len)
            continue;
        if (++n > O311_MAX_IDS) {
            json_decref(list);
            return fail(r, res, f, 400,
                        arena_printf(r->a, "Tối đa %d service_request_id mỗi lần.", O311_MAX_IDS));
        }
        int64_t id;
        struct fb_o311_case c;
        if (id_parse(typed, &id) == 0 && fb_o311_case_by_id(r->db, r->a, id, &c) == 0 &&
            shown(&c, u->id))
            json_array_append_new(list, request_json(r, &memo, &c));
    }
    return reply(r, res, f, 200, "service_requests", list);
}

/* ",a,b," of the comma-separated service codes typed (spaces and empty items dropped). */
static const char *codes_csv(struct http_request *r, const char *typed)
{
    struct buf b;
    buf_init(&b, r->a);
    for (const char *p = typed; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        struct str code = str_trim((struct str){p, len});
        p = comma ? comma + 1 : p + len;
        if (!code.len)
            continue;
        buf_putc(&b, ',');
        buf_append(&b, code.ptr, code.len);
    }
    if (!b.len)
        return "";
    buf_putc(&b, ',');
    return str_dup(r->a, (struct str){b.ptr, b.len});
}

/* The window of GET requests from start_date and end_date into q; 0 or 400 with *why. */
static int window_of(struct http_request *r, struct fb_o311_query *q, const char **why)
{
    const char *start = param(r, "start_date"), *end = param(r, "end_date");
    int64_t now = (int64_t)time(NULL);
    if ((start[0] && w3c_parse(start, 0, &q->from) != 0) ||
        (end[0] && w3c_parse(end, 1, &q->to) != 0)) {
        *why = "start_date, end_date phải theo ISO 8601 (W3C), ví dụ 2026-03-01 hoặc "
               "2026-03-01T08:00:00+07:00.";
        return 400;
    }
    if (!start[0] && !end[0]) {
        q->to = now;
        q->from = now - O311_WINDOW;
    } else if (!end[0]) {
        q->to = q->from + O311_WINDOW;
    } else if (!start[0]) {
        q->from = q->to - O311_WINDOW;
    }
    if (q->to < q->from) {
        *why = "end_date phải sau start_date.";
        return 400;
    }
    if (q->to - q->from > O311_WINDOW) {
        *why = "Khoảng từ start_date đến end_date không được quá 90 ngày.";
        return 400;
    }
    return 0;
}

/* GET /open311/v2/requests.{xml|json}?jurisdiction_id=&service_request_id=&service_code=
 * &start_date=&end_date=&status= - the commune's phản ánh and kiến nghị, newest first. */
static int list_requests(struct http_request *r, struct http_response *res, enum o311_fmt f)
{
    struct unit u;
    const char *why = NULL;
    int st = jurisdiction(r, 1, &u, &why);
    if (st)
        return fail(r, res, f, st, why);
    const char *ids = param(r, "service_request_id");
    if (ids[0])
        return requests_by_id(r, res, f, &u, ids);
    struct fb_o311_query q = {u.id, 0, 0, codes_csv(r, param(r, "service_code")), 0, O311_MAX_ROWS};
    const char *status = param(r, "status");
    int want_open = 0, want_closed = 0;
    for (const char *p = status; *p;) {
        const char *comma = strchr(p, ',');
        struct str s = str_trim((struct str){p, comma ? (size_t)(comma - p) : strlen(p)});
        p = comma ? comma + 1 : p + strlen(p);
        if (str_eq_c(s, "open"))
            want_open = 1;
        else if (str_eq_c(s, "closed"))
            want_closed = 1;
        else if (s.len)
            return fail(r, res, f, 400, "status chỉ nhận open, closed hoặc open,closed.");
    }
    q.status = want_open == want_closed ? 0 : want_open ? 1 : 2;
    if ((st = window_of(r, &q, &why)) != 0)
        return fail(r, res, f, st, why);
    struct fb_o311_case *cases;
    size_t n;
    if (fb_o311_cases(r->db, r->a, &q, &cases, &n) != 0)
        return fail(r, res, f, 500, err_message_vi(ERR_DB));
    json_t *list = json_array();
    struct agency_memo memo = {0, NULL};
    for (size_t i = 0; i < n; i++)
        if (shown(&cases[i], u.id))
            json_array_append_new(list, request_json(r, &memo, &cases[i]));
    return reply(r, res, f, 200, "service_requests", list);
}

/* GET /open311/v2/{discovery|services|requests}.{xml|json} - public. */
static int get_v2(struct http_request *r, struct http_response *res)
{
    const char *name;
    enum o311_fmt f = O311_XML;
    if (resource_of(r, http_arg(r, "file"), &name, &f) != 0)
        return fail(r, res, f, 404,
                    "Không có tài nguyên này: dùng discovery, services hoặc requests với đuôi "
                    ".xml hoặc .json.");
    if (strcmp(name, "discovery") == 0)
        return reply(r, res, f, 200, "discovery", discovery_json(r));
    if (strcmp(name, "requests") == 0)
        return list_requests(r, res, f);
    if (strcmp(name, "services") != 0)
        return fail(r, res, f, 404,
                    "Không có tài nguyên này: dùng discovery, services hoặc "
                    "requests.");
    struct unit u;
    const char *why = NULL;
    int st = jurisdiction(r, 0, &u, &why);
    if (st)
        return fail(r, res, f, st, why);
    return reply(r, res, f, 200, "services", services_json(r));
}

/* GET /open311/discovery.{xml|json} - public. The discovery file where the spec looks first,
 * above the versions. */
static int get_discovery(struct http_request *r, struct http_response *res)
{
    const char *name;
    enum o311_fmt f = O311_XML;
    if (resource_of(r, http_arg(r, "file"), &name, &f) != 0 || strcmp(name, "discovery") != 0)
        return fail(r, res, f, 404,
                    "Không có tài nguyên này: dùng discovery.xml hoặc "
                    "discovery.json.");
    return reply(r, res, f, 200, "discovery", discovery_json(r));
}

/* GET /open311/v2/ - public. To the discovery file. */
static int get_root(struct http_request *r, struct http_response *res)
{
    res->redirect = "/open311/v2/discovery.json";
    (void)r;
    return 0;
}

/* GET /open311/v2/services/{service_code}.{xml|json}?jurisdiction_id= - public. */
static int get_definition(struct http_request *r, struct http_response *res)
{
    const char *code;
    enum o311_fmt f = O311_XML;
    if (resource_of(r, http_arg(r, "file"), &code, &f) != 0)
        return fail(r, res, f, 404, "Thiếu đuôi .xml hoặc .json.");
    struct unit u;
    const char *why = NULL;
    int st = jurisdiction(r, 0, &u, &why);
    if (st)
        return fail(r, res, f, st, why);
    const struct fb_field *field = field_of(fb_env(r), code);
    if (!field)
        return fail(r, res, f, 404,
                    arena_printf(r->a, "Không có service_code “%s”: xem services.", code));
    return reply(r, res, f, 200, "service_definition", definition_json(field));
}

/* GET /open311/v2/requests/{service_request_id}.{xml|json}?jurisdiction_id= - public. One
 * phản ánh or kiến nghị by its id; anything but a whole number is a 404. */
static int get_request(struct http_request *r, struct http_response *res)
{
    const char *typed;
    enum o311_fmt f = O311_XML;
    if (resource_of(r, http_arg(r, "file"), &typed, &f) != 0)
        return fail(r, res, f, 404, "Thiếu đuôi .xml hoặc .json.");
    struct unit u;
    const char *why = NULL;
    int st = jurisdiction(r, 0, &u, &why);
    if (st)
        return fail(r, res, f, st, why);
    int64_t id;
    struct fb_o311_case c;
    if (id_parse(typed, &id) != 0 || fb_o311_case_by_id(r->db, r->a, id, &c) != 0 ||
        !shown(&c, u.id))
        return fail(r, res, f, 404, "Không tìm thấy service_request_id này.");
    struct agency_memo memo = {0, NULL};
    json_t *list = json_array();
    json_array_append_new(list, request_json(r, &memo, &c));
    return reply(r, res, f, 200, "service_requests", list);
}

/* GET /open311/v2/tokens/{token}.{xml|json}?jurisdiction_id= - public. The request a POST made,
 * by the token it answered with. */
static int get_token(struct http_request *r, struct http_response *res)
{
    const char *token;
    enum o311_fmt f = O311_XML;
    if (resource_of(r, http_arg(r, "file"), &token, &f) != 0)
        return fail(r, res, f, 404, "Thiếu đuôi .xml hoặc .json.");
    struct unit u;
    const char *why = NULL;
    int st = jurisdiction(r, 0, &u, &why);
    if (st)
        return fail(r, res, f, st, why);
    struct fb_o311_case c;
    if (fb_o311_case_by_token(r->db, r->a, token, &c) != 0 || !shown(&c, u.id))
        return fail(r, res, f, 404, "Không tìm thấy token này.");
    json_t *list = json_array();
    json_array_append_new(
        list, json_pack("{s:s,s:s}", "service_request_id", id_text(r->a, c.id), "token", token));
    return reply(r, res, f, 200, "service_requests", list);
}

/* ---- POST ----------------------------------------------------------------------------------- */

/* A POST on its way to the writer and back. */
struct o311_post {
    struct fb_new n;   /* the case, as the public form makes it */
    int64_t key_id;    /* the application's key */
    char token[33];    /* handed back, resolvable with GET tokens/{token} */
    enum o311_fmt fmt; /* the answer's format */
};

/* The first line of text as a case's title: at most O311_TITLE characters, cut at a space. */
static const char *title_of(struct arena *a, const char *text)
{
    size_t end = strcspn(text, "\r\n"), i, cut = 0, space = 0, chars = 0;
    for (i = 0; i < end; i++) {
        if (((unsigned char)text[i] & 0xC0) != 0x80 && chars++ == O311_TITLE) {
            cut = i;
            break;
        }
        if (text[i] == ' ')
            space = i;
    }
    if (i == end)
        return arena_strndup(a, text, end);
    if (space > cut / 2)
        cut = space;
    return arena_printf(a, "%.*s…", (int)cut, text);
}

/* A one-line parameter of at most max characters into *out; 0, or 400 with *why. */
static int line_param(struct http_request *r, const char *name, size_t max, const char **out,
                      const char **why)
{
    *out = param(r, name);
    if (!one_line(*out) || utf8_length(*out, strlen(*out)) > max) {
        *why = arena_printf(r->a, "%s chỉ được một dòng, tối đa %zu ký tự.", name, max);
        return 400;
    }
    return 0;
}

/* What the POST asks for and where: the service, the kind, the text. 0, or a status with
 * *why. */
static int post_what(struct http_request *r, struct fb_case *c, const char **why)
{
    const char *code = param(r, "service_code"), *kind = param(r, "attribute[kind]");
    const char *text = param(r, "description");
    if (!code[0]) {
        *why = "Thiếu service_code: chọn một lĩnh vực trong services.";
        return 400;
    }
    const struct fb_field *field = field_of(fb_env(r), code);
    if (!field) {
        *why = arena_printf(r->a, "Không có service_code “%s”: xem services.", code);
        return 404;
    }
    c->field = field->key;
    int k = kind[0] ? fb_kind_parse(kind) : FB_FEEDBACK;
    if (k != FB_FEEDBACK && k != FB_RECOMMENDATION) {
        *why = k >= 0 ? "Open311 chỉ nhận phản ánh và kiến nghị. Yêu cầu cung cấp thông tin, "
                        "khiếu nại, tố cáo phải gửi qua trang “Gửi ý kiến” của xã, phường hoặc "
                        "nộp trực tiếp, vì pháp luật đòi hỏi người gửi ghi rõ danh tính."
                      : "attribute[kind] chỉ nhận feedback (phản ánh) hoặc recommendation (kiến "
                        "nghị).";
        return 400;
    }
    c->kind = (enum fb_kind)k;
    if (!text[0]) {
        *why = "Thiếu description: hãy ghi rõ nội dung phản ánh, kiến nghị.";
        return 400;
    }
    if (utf8_length(text, strlen(text)) > O311_MAX_TEXT) {
        *why = "description dài quá 4.000 ký tự.";
        return 400;
    }
    c->body = text;
    c->title = title_of(r->a, text);
    return 0;
}

/* Where the problem is: lat and long, or address_string. 0, or 400 with *why. */
static int post_where(struct http_request *r, struct fb_case *c, const char **why)
{
    const char *lat = param(r, "lat"), *lon = param(r, "long");
    int st = line_param(r, "address_string", 300, &c->place, why);
    if (st)
        return st;
    if (lat[0] || lon[0]) {
        if (!lat[0] || !lon[0]) {
            *why = "lat và long phải gửi cùng nhau.";
            return 400;
        }
        if (!one_line(lat) || !one_line(lon) ||
            fb_position_parse(arena_printf(r->a, "%s, %s", lat, lon), &c->lat, &c->lon) != 0) {
            *why = "lat, long phải là tọa độ WGS 84 trong lãnh thổ Việt Nam, ví dụ "
                   "lat=21.02851&long=105.85417.";
            return 400;
        }
        c->has_position = 1;
    }
    if (!c->has_position && !c->place[0]) {
        *why = param(r, "address_id")[0]
                   ? "Hệ thống không có danh mục địa chỉ (address_id): hãy gửi lat và long, "
                     "hoặc address_string."
                   : "Thiếu vị trí: hãy gửi lat và long, hoặc address_string.";
        return 400;
    }
    return 0;
}

/* Who sent it (kept on the case for the officials only, as the form does): anonymous without a
 * name; with a name, a phone or an e-mail so that the commune can answer. 0, or 400 with
 * *why. */
static int post_who(struct http_request *r, struct fb_case *c, const char **why)
{
    const char *first, *last, *phone, *email;
    int st;
    if ((st = line_param(r, "first_name", 60, &first, why)) != 0 ||
        (st = line_param(r, "last_name", 60, &last, why)) != 0 ||
        (st = line_param(r, "phone", 20, &phone, why)) != 0 ||
        (st = line_param(r, "email", 200, &email, why)) != 0)
        return st;
    /* Vietnamese order: family name first ("Nguyễn" + "Thị Hoa"). */
    c->name = str_dup(r->a, str_trim(str_c(arena_printf(r->a, "%s %s", last, first))));
    c->phone = "";
    c->email = "";
    c->address = "";
    if (phone[0] && !(c->phone = fb_phone_of(r->a, phone))) {
        *why = "phone chỉ gồm chữ số, ví dụ 0912345678.";
        return 400;
    }
    if (email[0] && !fb_email_ok(email)) {
        *why = "email chưa đúng, ví dụ ten@example.com.";
        return 400;
    }
    c->email = email;
    c->anonymous = !c->name[0];
    if (!c->anonymous && !c->phone[0] && !c->email[0]) {
        *why = "Có họ tên người gửi thì cần phone hoặc email để xã liên hệ, trả lời (không ghi "
               "họ tên thì gửi ẩn danh).";
        return 400;
    }
    return 0;
}

/* The POST's write (writer thread; it may run twice, see store.h): refused with ERR_RATE past
 * the key's hourly limit, counted in the database so that it holds across restarts and
 * servers; else the case, its link to the key and token, and an audit row of where it came
 * from. */
static int run_post(struct db *db, void *arg)
{
    struct o311_post *p = arg;
    int64_t n = 0;
    int rc = fb_o311_key_posts(db, p->key_id, (int64_t)time(NULL) - 3600, &n);
    if (rc)
        return rc;
    if (n >= O311_HOURLY)
        return ERR_RATE;
    if ((rc = fb_store_create(db, &p->n)) != 0 ||
        (rc = fb_o311_key_link(db, p->key_id, p->n.c.id, p->token)) != 0)
        return rc;
    char obj[48], detail[48];
    snprintf(obj, sizeof obj, "case:%lld", (long long)p->n.c.id);
    snprintf(detail, sizeof detail, "apikey:%lld", (long long)p->key_id);
    return audit_append(db, 0, p->n.c.unit_id, "case.open311", obj, detail);
}

/* After the write: the new request's id and token, or the spec's error. The notice names the
 * request by its id, never by its tracking code (see the top of this file). */
static int after_post(struct http_request *r, struct http_response *res, int rc)
{
    struct o311_post *p = r->state;
    struct feedback_env *env = fb_env(r);
    if (rc == ERR_RATE) {
        if (res->n_headers < 8)
            res->headers[res->n_headers++] = (struct http_header){"Retry-After", "600"};
        return fail(r, res, p->fmt, 429,
                    arena_printf(r->a,
                                 "Khóa API này đã gửi %d phản ánh, kiến nghị trong một giờ qua, "
                                 "mức tối đa; hãy gửi lại sau.",
                                 O311_HOURLY));
    }
    if (rc)
        return fail(r, res, p->fmt, err_http_status(rc), err_message_vi(rc));
    char due[11], due_vn[11] = "";
    struct date d;
    fb_due_on(env, &p->n.c, due);
    if (due[0] && date_parse(due, &d) == 0)
        date_format_vn(d, due_vn);
    const char *id = id_text(r->a, p->n.c.id);
    const char *notice = arena_printf(
        r->a, "Đã tiếp nhận %s số %s%s%s. Theo dõi tại %s/open311/v2/requests/%s.json.",
        p->n.c.kind == FB_RECOMMENDATION ? "kiến nghị" : "phản ánh", id,
        due_vn[0] ? "; hạn trả lời " : "", due_vn, env->base_url, id);
    json_t *j = json_pack("{s:s,s:s,s:s,s:n}", "service_request_id", id, "token", p->token,
                          "service_notice", notice, "account_id");
    json_t *list = json_array();
    json_array_append_new(list, j);
    return reply(r, res, p->fmt, 200, "service_requests", list);
}

/* POST /open311/v2/requests.{xml|json} - an application holding an API key of the commune
 * (api_key; no CSRF token: no browser session is involved). A new phản ánh or kiến nghị, made
 * through the same path as the public form (channel online), answered once durable; at most
 * O311_HOURLY per key an hour. */
static int post_request(struct http_request *r, struct http_response *res)
{
    const char *name, *why = NULL;
    enum o311_fmt f = O311_XML;
    if (resource_of(r, http_arg(r, "file"), &name, &f) != 0 || strcmp(name, "requests") != 0)
        return fail(r, res, f, 404, "Chỉ gửi (POST) vào requests.xml hoặc requests.json.");
    const char *key = param(r, "api_key");
    struct fb_o311_key k;
    int rc = key[0] ? fb_o311_key_find(r->db, key, &k) : ERR_FORBIDDEN;
    if (rc == ERR_FORBIDDEN)
        return fail(r, res, f, 403,
                    key[0] ? "api_key không đúng hoặc đã bị thu hồi."
                           : "Thiếu api_key: UBND xã, phường cấp khóa cho từng ứng dụng.");
    if (rc)
        return fail(r, res, f, err_http_status(rc), err_message_vi(rc));
    struct unit u;
    int st = jurisdiction(r, 0, &u, &why);
    if (st)
        return fail(r, res, f, st, why);
    if (u.id && u.id != k.unit_id)
        return fail(r, res, f, 403,
                    "api_key này do xã, phường khác cấp: nó không gửi được vào jurisdiction_id "
                    "này.");
    struct o311_post *p = arena_zalloc(r->a, sizeof *p);
    struct fb_case *c = &p->n.c;
    p->fmt = f;
    p->key_id = k.id;
    p->n.env = fb_env(r);
    c->unit_id = k.unit_id;
    c->channel = FB_ONLINE;
    if ((st = post_what(r, c, &why)) != 0 || (st = post_where(r, c, &why)) != 0 ||
        (st = post_who(r, c, &why)) != 0)
        return fail(r, res, f, st, why);
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    hex_encode(raw, sizeof raw, p->token);
    r->state = p;
    http_defer_write(r, run_post, p);
    return HTTP_DEFERRED;
}

/* ---- routes --------------------------------------------------------------------------------- */

#define N(x) (sizeof(x) / sizeof((x)[0]))
/* Declared as free text and checked by the handlers, so that a bad value gets the spec's
 * error shape rather than danchu's page. */
#define O311_PARAM(name)                                                                           \
    {                                                                                              \
        name, HP_LINES, 0, 0, 0                                                                    \
    }

static const struct http_param_spec one_params[] = {
    O311_PARAM("jurisdiction_id"),
};

static const struct http_param_spec list_params[] = {
    O311_PARAM("jurisdiction_id"), O311_PARAM("service_request_id"), O311_PARAM("service_code"),
    O311_PARAM("start_date"),      O311_PARAM("end_date"),           O311_PARAM("status"),
};

static const struct http_param_spec post_params[] = {
    O311_PARAM("api_key"),      O311_PARAM("jurisdiction_id"),
    O311_PARAM("service_code"), O311_PARAM("lat"),
    O311_PARAM("long"),         O311_PARAM("address_string"),
    O311_PARAM("address_id"),   O311_PARAM("email"),
    O311_PARAM("device_id"),    O311_PARAM("account_id"),
    O311_PARAM("first_name"),   O311_PARAM("last_name"),
    O311_PARAM("phone"),        O311_PARAM("description"),
    O311_PARAM("media_url"),    O311_PARAM("attribute[kind]"),
};

/* GETs are the same for every anonymous reader (HTTP_CACHE: no visitor cookie is set). */
#define O311_GET (HTTP_RAW | HTTP_CACHE)

const struct http_route fb_open311_routes[] = {
    {"GET", "/open311/v2/", get_root, NULL, NULL, NULL, O311_GET, NULL, 0, 0},
    {"GET", "/open311/{file}", get_discovery, NULL, NULL, NULL, O311_GET, NULL, 0, 0},
    {"GET", "/open311/v2/{file}", get_v2, NULL, NULL, NULL, O311_GET, list_params, N(list_params),
     0},
    {"POST", "/open311/v2/{file}", post_request, after_post, NULL, NULL, HTTP_RAW | HTTP_NO_CSRF,
     post_params, N(post_params), 0},
    {"GET", "/open311/v2/services/{file}", get_definition, NULL, NULL, NULL, O311_GET, one_params,
     N(one_params), 0},
    {"GET", "/open311/v2/requests/{file}", get_request, NULL, NULL, NULL, O311_GET, one_params,
     N(one_params), 0},
    {"GET", "/open311/v2/tokens/{file}", get_token, NULL, NULL, NULL, O311_GET, one_params,
     N(one_params), 0},
};
const size_t fb_open311_n_routes = N(fb_open311_routes);

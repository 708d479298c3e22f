/*
 * rollfile.c - turns an uploaded household roll (CSV or XLSX bytes) into
 * validated rows grouped by household, with every bad row listed by line
 * and a Vietnamese reason. See rollfile.h for what is accepted.
 *
 * Flow: detect the format by content; decode text to UTF-8 (rollcsv.c);
 * pick the delimiter that makes the best header row; then a stream of
 * records (from rollcsv.c or xlsx.c) goes through
 * on_record(), which finds the header row, then builds and checks one row
 * per record. When the stream ends, finish() fills merged XLSX cells down,
 * checks what spans rows (village of a household, representatives,
 * repeated CCCD) and groups the good rows by household. Working arrays are
 * on the heap and freed before returning; everything handed out lives in
 * the caller's arena.
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xlsxwriter.h>

#include "core/err.h"
#include "core/str.h"
#include "core/utf8.h"
#include "units/rollfile.h"

#define HEADER_SCAN 10 /* non-blank records searched for the header row */
#define QUOTE_MAX 48   /* bytes of a bad value quoted back in a message */

static const char MSG_NOT_TEXT[] = "Tệp không phải UTF-8 hoặc UTF-16; hãy lưu lại bằng 'CSV UTF-8'";
static const char MSG_XLS[] = "Tệp Excel cũ (.xls) chưa đọc được; hãy lưu lại dạng .xlsx hoặc "
                              "'CSV UTF-8'";
static const char MSG_TOO_BIG[] = "Tệp quá lớn (tối đa 20 MB)";
static const char MSG_EMPTY[] = "Tệp trống";
static const char MSG_NO_ROWS[] = "Tệp không có dòng dữ liệu nào dưới dòng tiêu đề";

/* ---- columns ---- */

enum field {
    F_CODE,
    F_NAME,
    F_SURNAME, /* "họ" (and middle name) when the given name has its own column */
    F_BIRTH,
    F_GENDER,
    F_RELATION,
    F_VILLAGE,
    F_ADDRESS,
    F_PHONE,
    F_NID,
    F_REP,
    F_COUNT
};

/* Header names as folded by fold_key(): no tone marks, lower case, punctuation as spaces. */
static const char *const h_code[] = {"ma ho", "ma ho gia dinh", "ma so ho", "ma ho dan", NULL};
static const char *const h_name[] = {
    "ho va ten",           "ho ten",         "ten", "ho va ten thanh vien", "ho ten thanh vien",
    "ho va ten nhan khau", "ten thanh vien", NULL};
static const char *const h_surname[] = {"ho",         "ho dem",        "ho va dem", "ho va ten dem",
                                        "ho chu dem", "ho va chu dem", "ho lot",    NULL};
static const char *const h_birth[] = {"ngay sinh", "ngay thang nam sinh", "nam sinh", "sinh ngay",
                                      NULL};
static const char *const h_gender[] = {"gioi tinh", "gioi", "nam nu", "phai", NULL};
static const char *const h_relation[] = {
    "quan he voi chu ho",          "quan he", "quan he chu ho", "moi quan he",
    "quan he voi chu ho gia dinh", NULL};
static const char *const h_village[] = {"thon",       "ma thon",  "ten thon", "thon xom",
                                        "thon to",    "thon ban", "thon ap",  "thon to dan pho",
                                        "to dan pho", "xom",      "ap",       "ban",
                                        "to",         "khu pho",  NULL};
static const char *const h_address[] = {"dia chi", "dia chi thuong tru", "dia chi cu tru",
                                        "noi o",   "noi o hien nay",     "noi cu tru",
                                        NULL};
static const char *const h_phone[] = {
    "so dien thoai", "dien thoai",         "sdt", "so dt", "dt", "dtdd",
    "so di dong",    "dien thoai lien he", NULL};
static const char *const h_nid[] = {"cccd",
                                    "so cccd",
                                    "cmnd cccd",
                                    "so cmnd cccd",
                                    "cccd cmnd",
                                    "so cccd cmnd",
                                    "can cuoc",
                                    "so can cuoc",
                                    "can cuoc cong dan",
                                    "so can cuoc cong dan",
                                    "so dinh danh",
                                    "so dinh danh ca nhan",
                                    "ma dinh danh",
                                    "cmnd",
                                    "so cmnd",
                                    NULL};
static const char *const h_rep[] = {
    "dai dien", "dai dien ho", "nguoi dai dien", "dai dien ho gia dinh", "la dai dien", NULL};

static const struct {
    enum field f;             /* the column */
    const char *const *names; /* accepted headers, NULL-terminated */
} synonyms[] = {
    {F_CODE, h_code},     {F_NAME, h_name},         {F_SURNAME, h_surname}, {F_BIRTH, h_birth},
    {F_GENDER, h_gender}, {F_RELATION, h_relation}, {F_VILLAGE, h_village}, {F_ADDRESS, h_address},
    {F_PHONE, h_phone},   {F_NID, h_nid},           {F_REP, h_rep},
};

/* The names of the required columns, as a missing-column error shows them. */
static const struct {
    enum field f;      /* the column */
    const char *label; /* its name with diacritics */
} required[] = {{F_CODE, "Mã hộ"}, {F_NAME, "Họ và tên"}, {F_VILLAGE, "Thôn"}};

/* ---- state ---- */

/* A row as read, good or bad. */
struct row_in {
    struct roll_row r; /* the values, normalised */
    int bad;           /* some error names this row */
    size_t household;  /* index in parse.hh once grouped */
};

struct err_in {
    int line;        /* as in roll_error */
    size_t seq;      /* order of discovery, to keep the sort stable */
    const char *msg; /* in the caller's arena */
};

/* A village of opts with its folded keys. */
struct village_key {
    const struct roll_village *v; /* the caller's entry */
    const char *key;              /* folded name */
    const char *base;             /* folded name without "thôn ", "tổ dân phố "... */
};

/* A household being grouped. */
struct hh {
    const char *code;    /* mã hộ */
    const char *village; /* as first written */
    const char *vkey;    /* folded village, to compare without ids */
    int64_t village_id;  /* matched id or 0 */
    int village_line;    /* line of the row that gave the village */
    const char *address; /* first non-empty address of a good row */
    size_t n_good;       /* good rows */
    size_t first_row;    /* index in the output rows */
    size_t fill;         /* output rows placed so far */
    ptrdiff_t rep;       /* output index of the marked member, or -1 */
    ptrdiff_t head;      /* output index of the "chủ hộ", or -1 */
    int rep_line;        /* line of the first marked member, 0 if none */
    int head_line;       /* line of the first "chủ hộ", 0 if none */
    int has_head;        /* some good member is "chủ hộ" */
    int has_error;       /* some row with this code is bad */
};

/* A merged range of an XLSX sheet: its value sits in the top row only. */
struct merge {
    int row0, row1; /* first and last sheet row */
    int col0, col1; /* first and last column, 0-based */
};

struct parse {
    struct arena *a;              /* the caller's arena: everything handed out */
    struct date today;            /* later births are impossible */
    struct village_key *villages; /* from opts, or NULL */
    size_t n_villages;            /* entries in villages */

    int header_found;      /* the header row was seen */
    int n_seen;            /* non-blank records before the header */
    int best_score;        /* most known columns in a record before the header */
    unsigned best_missing; /* required fields missing from that record (bit per field) */
    int col[F_COUNT];      /* column of each field, or -1 */

    struct row_in *rows;  /* heap, in file order */
    size_t n_rows;        /* entries in rows */
    size_t cap_rows;      /* allocated entries */
    struct err_in *errs;  /* heap, in order found */
    size_t n_errs;        /* entries in errs */
    size_t cap_errs;      /* allocated entries */
    int stop_rc;          /* why on_record stopped the stream, 0 if it did not */
    struct merge *merges; /* heap: merged cell ranges of an XLSX sheet */
    size_t n_merges;      /* entries in merges */
    size_t cap_merges;    /* allocated entries */
};

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        abort(); /* out of memory aborts, as everywhere in danchu */
    return q;
}

static void add_error(struct parse *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add_error(struct parse *p, int line, const char *fmt, ...)
{
    if (p->n_errs == p->cap_errs) {
        p->cap_errs = p->cap_errs ? p->cap_errs * 2 : 32;
        p->errs = xrealloc(p->errs, p->cap_errs * sizeof *p->errs);
    }
    va_list ap;
    va_start(ap, fmt);
    p->errs[p->n_errs] = (struct err_in){line, p->n_errs, arena_vprintf(p->a, fmt, ap)};
    va_end(ap);
    p->n_errs++;
}

/* A value to quote in a message: at most QUOTE_MAX bytes, cut on a character boundary. */
static const char *shown(struct parse *p, const char *s)
{
    size_t n = strlen(s);
    if (n <= QUOTE_MAX)
        return s;
    n = QUOTE_MAX;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return arena_printf(p->a, "%.*s…", (int)n, s);
}

/* ---- text ---- */

static int is_blank_bytes(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c > ' ' && !(c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0))
            return 0;
        if (c == 0xC2)
            i++;
    }
    return 1;
}

/*
 * NFC copy of s[0..n) in a, trimmed, with runs of white space, control
 * characters and no-break spaces made one space and zero-width characters
 * dropped. Invalid UTF-8 gives "".
 */
static const char *clean(struct arena *a, const char *s, size_t n)
{
    size_t m;
    char *t = n && !is_blank_bytes(s, n) ? utf8_nfc(a, s, n, &m) : NULL;
    if (!t)
        return "";
    char *out = t; /* cleaned in place: it only shrinks */
    size_t o = 0;
    int space = 0;
    for (size_t i = 0; i < m; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c <= ' ' || c == 0x7F) {
            space = 1;
            continue;
        }
        if (c == 0xC2 && i + 1 < m && (unsigned char)t[i + 1] == 0xA0) {
            space = 1;
            i++;
            continue;
        }
        if (c == 0xE2 && i + 2 < m && (unsigned char)t[i + 1] == 0x80 &&
            ((unsigned char)t[i + 2] >= 0x8B && (unsigned char)t[i + 2] <= 0x8D)) {
            i += 2; /* zero-width space / joiners */
            continue;
        }
        if (c == 0xEF && i + 2 < m && (unsigned char)t[i + 1] == 0xBB &&
            (unsigned char)t[i + 2] == 0xBF) {
            i += 2; /* a stray byte-order mark */
            continue;
        }
        if (space && o > 0)
            out[o++] = ' ';
        space = 0;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return out;
}

/*
 * Folded form for comparing names: no tone marks, lower case, đ as d,
 * ASCII punctuation as spaces, single spaces, trimmed. With cut_paren the
 * text from the first '(' on is dropped ("Ngày sinh (dd/mm/yyyy)").
 */
static const char *fold_key(struct arena *a, const char *s, size_t n, int cut_paren)
{
    if (cut_paren) {
        const char *q = memchr(s, '(', n);
        if (q)
            n = (size_t)(q - s);
    }
    size_t m;
    char *t = utf8_fold(a, s, n, &m);
    if (!t)
        return "";
    size_t o = 0;
    int space = 0;
    for (size_t i = 0; i < m; i++) {
        unsigned char c = (unsigned char)t[i];
        int keep = c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
        if (!keep) {
            space = 1;
            continue;
        }
        if (space && o > 0)
            t[o++] = ' ';
        space = 0;
        t[o++] = (char)c;
    }
    t[o] = '\0';
    return t;
}

static int in_list(const char *key, const char *const *list)
{
    for (size_t i = 0; list[i]; i++) {
        if (strcmp(key, list[i]) == 0)
            return 1;
    }
    return 0;
}

/* ---- header ---- */

static int record_blank(const struct roll_record *rec)
{
    for (size_t i = 0; i < rec->n_cells; i++) {
        if (!is_blank_bytes(rec->cells[i].text, rec->cells[i].len))
            return 0;
    }
    return 1;
}

/*
 * Maps the cells of a candidate header row to fields in col[]. Returns
 * how many fields were found; *missing gets a bit per required field absent.
 */
static int match_header(struct arena *a, const struct roll_record *rec, int col[F_COUNT],
                        unsigned *missing)
{
    int score = 0;
    for (int f = 0; f < F_COUNT; f++)
        col[f] = -1;
    for (size_t i = 0; i < rec->n_cells; i++) {
        const struct roll_cell *c = &rec->cells[i];
        if (c->kind != ROLL_CELL_TEXT || c->len == 0 || c->len > 200)
            continue;
        const char *key = fold_key(a, c->text, c->len, 1);
        for (size_t k = 0; k < sizeof synonyms / sizeof synonyms[0]; k++) {
            if (in_list(key, synonyms[k].names)) {
                if (col[synonyms[k].f] < 0) {
                    col[synonyms[k].f] = (int)i;
                    score++;
                }
                break;
            }
        }
    }
    /* "Họ" + "Tên" in two columns make the name; "Họ" alone does not. */
    if (col[F_NAME] < 0)
        col[F_SURNAME] = -1;
    *missing = 0;
    for (size_t k = 0; k < sizeof required / sizeof required[0]; k++) {
        if (col[required[k].f] < 0)
            *missing |= 1u << required[k].f;
    }
    return score;
}

/* Delimiter probe: the best header score among the first records. */
struct probe {
    struct arena *a; /* for folded keys */
    int n_seen;      /* non-blank records seen */
    int best;        /* best score; +100 when all required columns are there */
};

static int probe_record(void *ctx, const struct roll_record *rec)
{
    struct probe *pr = ctx;
    if (record_blank(rec))
        return 0;
    int col[F_COUNT];
    unsigned missing;
    int score = match_header(pr->a, rec, col, &missing);
    if (!missing)
        score += 100;
    if (score > pr->best)
        pr->best = score;
    return ++pr->n_seen >= HEADER_SCAN ? ERR_NOT_FOUND : 0;
}

/* ---- values ---- */

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return days[m - 1];
}

/* Civil date of a day count from 1970-01-01 (H. Hinnant's algorithm). */
static struct date civil_from_days(long z)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    int y = (int)(yoe + era * 400 + (m <= 2));
    return (struct date){y, m, d};
}

enum birth_status { BIRTH_OK, BIRTH_FORMAT, BIRTH_IMPOSSIBLE, BIRTH_FUTURE, BIRTH_TOO_OLD };

/* Reads n digits at *s into *v; 1 on success. */
static int digits(const char **s, int min, int max, int *v)
{
    int n = 0, x = 0;
    const char *p = *s;
    while (*p >= '0' && *p <= '9' && n < max) {
        x = x * 10 + (*p - '0');
        p++;
        n++;
    }
    if (n < min || (*p >= '0' && *p <= '9'))
        return 0;
    *s = p;
    *v = x;
    return 1;
}

/* Whether s is empty or a time of day after a date (" 00:00:00", "T00:00:00Z"). */
static int time_tail(const char *s)
{
    if (*s == '\0')
        return 1;
    if (*s != ' ' && *s != 'T')
        return 0;
    for (s++; *s; s++) {
        if (!((*s >= '0' && *s <= '9') || *s == ':' || *s == '.' || *s == ' ' || *s == 'Z'))
            return 0;
    }
    return 1;
}

static enum birth_status check_date(const struct date *today, int y, int m, int d)
{
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return BIRTH_IMPOSSIBLE;
    if (y < today->y - 130)
        return BIRTH_TOO_OLD;
    if (y > today->y || (y == today->y && (m > today->m || (m == today->m && d > today->d))))
        return BIRTH_FUTURE;
    return BIRTH_OK;
}

/* Parses a written birth date: dd/mm/yyyy (also with - or .), yyyy-mm-dd, or yyyy. */
static enum birth_status parse_birth_text(struct arena *a, const struct date *today, const char *s,
                                          const char **norm)
{
    int y, m, d;
    const char *p = s;
    if (!digits(&p, 1, 4, &y))
        return BIRTH_FORMAT;
    if (p - s == 4 && *p == '\0') {
        if (y < today->y - 130)
            return BIRTH_TOO_OLD;
        if (y > today->y)
            return BIRTH_FUTURE;
        *norm = arena_printf(a, "%04d", y);
        return BIRTH_OK;
    }
    char sep = *p;
    if (sep != '/' && sep != '-' && sep != '.')
        return BIRTH_FORMAT;
    if (p - s == 4) {
        p++;
        if (!digits(&p, 1, 2, &m) || *p != sep)
            return BIRTH_FORMAT;
        p++;
        if (!digits(&p, 1, 2, &d) || !time_tail(p))
            return BIRTH_FORMAT;
    } else if (p - s <= 2) {
        d = y;
        p++;
        if (!digits(&p, 1, 2, &m) || *p != sep)
            return BIRTH_FORMAT;
        p++;
        if (!digits(&p, 4, 4, &y) || !time_tail(p))
            return BIRTH_FORMAT;
    } else {
        return BIRTH_FORMAT;
    }
    enum birth_status st = check_date(today, y, m, d);
    if (st == BIRTH_OK)
        *norm = arena_printf(a, "%04d-%02d-%02d", y, m, d);
    return st;
}

/*
 * An Excel serial day (1900 system, with its fictitious 29/02/1900 as
 * serial 60). *shown_as gets the date as a person reads it, for messages.
 */
static enum birth_status parse_birth_serial(struct arena *a, const struct date *today,
                                            double serial, const char **norm, const char **shown_as)
{
    if (!(serial >= 1 && serial < 2958466))
        return BIRTH_FORMAT;
    long s = (long)floor(serial);
    if (s == 60) {
        *shown_as = "29/02/1900";
        return BIRTH_IMPOSSIBLE;
    }
    struct date dt = civil_from_days(s < 60 ? s - 25568 : s - 25569);
    *shown_as = arena_printf(a, "%02d/%02d/%04d", dt.d, dt.m, dt.y);
    enum birth_status st = check_date(today, dt.y, dt.m, dt.d);
    if (st == BIRTH_OK)
        *norm = arena_printf(a, "%04d-%02d-%02d", dt.y, dt.m, dt.d);
    return st;
}

/* Keeps the digits of s; other characters allowed are spaces, dots, dashes, brackets. */
static int only_digits(const char *s, char *out, size_t cap, size_t *n)
{
    size_t o = 0;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9') {
            if (o + 1 >= cap)
                return 0;
            out[o++] = *s;
        } else if (*s != ' ' && *s != '.' && *s != '-' && *s != '(' && *s != ')') {
            return 0;
        }
    }
    out[o] = '\0';
    *n = o;
    return 1;
}

/*
 * A phone number as 0 + 9 digits, from "0912 345 678", "0912.345.678",
 * "+84 912 345 678", "84912345678", or "912345678" (Excel drops the 0 of a
 * number). NULL when it is not one.
 */
static const char *norm_phone(struct arena *a, const char *s)
{
    char d[32];
    size_t n;
    int plus = s[0] == '+';
    if (!only_digits(s + plus, d, sizeof d, &n))
        return NULL;
    const char *t = d;
    if (n == 11 && d[0] == '8' && d[1] == '4') {
        t = d + 2;
        n = 9;
    } else if (plus) {
        return NULL;
    }
    if (n == 9 && t[0] != '0')
        return arena_printf(a, "0%s", t);
    if (n == 10 && t[0] == '0')
        return arena_strdup(a, t);
    return NULL;
}

/*
 * A CCCD as 12 digits. Every CCCD starts with a province code 001-096, so
 * Excel, storing it as a number, drops one or two zeros: 10 or 11 digits get
 * them back when the padded number starts with such a code.
 */
static const char *norm_nid(struct arena *a, const char *s)
{
    char d[32];
    size_t n;
    if (!only_digits(s, d, sizeof d, &n))
        return NULL;
    if (n == 12)
        return arena_strdup(a, d);
    if (n == 10 || n == 11) {
        char *t = arena_printf(a, "%s%s", n == 10 ? "00" : "0", d);
        int province = (t[0] - '0') * 100 + (t[1] - '0') * 10 + (t[2] - '0');
        if (province >= 1 && province <= 96)
            return t;
    }
    return NULL;
}

static const char *const yes_words[] = {"x", "co", "1", "yes", "true", "v", "dai dien", NULL};
static const char *const no_words[] = {"", "0", "khong", "no", "false", NULL};
static const char *const village_prefixes[] = {"thon ", "to dan pho ", "xom ", "ap ", "ban ",
                                               "to ",   "khu pho ",    "khu ", NULL};

static const char *village_base(const char *key)
{
    for (size_t i = 0; village_prefixes[i]; i++) {
        size_t n = strlen(village_prefixes[i]);
        if (strncmp(key, village_prefixes[i], n) == 0 && key[n])
            return key + n;
    }
    return key;
}

/*
 * The village a cell names: by code, by folded name, then by folded name
 * without "thôn"/"tổ dân phố" when that is unique. NULL if none; *ambiguous
 * set when several villages share that short name.
 */
static const struct roll_village *find_village(struct parse *p, const char *text, const char *key,
                                               int *ambiguous)
{
    *ambiguous = 0;
    for (size_t i = 0; i < p->n_villages; i++) {
        if (p->villages[i].v->code && strcmp(p->villages[i].v->code, text) == 0)
            return p->villages[i].v;
    }
    for (size_t i = 0; i < p->n_villages; i++) {
        if (strcmp(p->villages[i].key, key) == 0)
            return p->villages[i].v;
    }
    const struct roll_village *found = NULL;
    const char *base = village_base(key);
    for (size_t i = 0; i < p->n_villages; i++) {
        if (strcmp(p->villages[i].base, base) == 0) {
            if (found) {
                *ambiguous = 1;
                return NULL;
            }
            found = p->villages[i].v;
        }
    }
    return found;
}

/* ---- rows ---- */

static const char *cell_text(struct parse *p, const struct roll_record *rec, enum field f)
{
    int c = p->col[f];
    if (c < 0 || (size_t)c >= rec->n_cells)
        return "";
    return clean(p->a, rec->cells[c].text, rec->cells[c].len);
}

static const char *birth_value(struct parse *p, const struct roll_record *rec, struct row_in *ri)
{
    int c = p->col[F_BIRTH];
    if (c < 0 || (size_t)c >= rec->n_cells)
        return "";
    const struct roll_cell *cell = &rec->cells[c];
    const char *text = clean(p->a, cell->text, cell->len);
    const char *norm = "";
    enum birth_status st;
    if (text[0] == '\0')
        return "";
    if (cell->kind == ROLL_CELL_DATE)
        st = parse_birth_serial(p->a, &p->today, cell->serial, &norm, &text);
    else if (cell->kind == ROLL_CELL_NUMBER && !(cell->serial >= 1000 && cell->serial <= 9999))
        st = cell->serial <= 60000 ? parse_birth_serial(p->a, &p->today, cell->serial, &norm, &text)
                                   : BIRTH_FORMAT;
    else
        st = parse_birth_text(p->a, &p->today, text, &norm);
    int line = ri->r.line;
    switch (st) {
    case BIRTH_OK:
        return norm;
    case BIRTH_FORMAT:
        add_error(p, line,
                  "Ngày sinh \"%s\" không đúng dạng; hãy ghi ngày/tháng/năm (vd 05/09/1985) "
                  "hoặc chỉ năm sinh",
                  shown(p, text));
        break;
    case BIRTH_IMPOSSIBLE:
        add_error(p, line, "Ngày sinh \"%s\" không có thật", shown(p, text));
        break;
    case BIRTH_FUTURE:
        add_error(p, line, "Ngày sinh \"%s\" ở tương lai", shown(p, text));
        break;
    case BIRTH_TOO_OLD:
        add_error(p, line, "Năm sinh \"%s\" quá xa, không hợp lý", shown(p, text));
        break;
    }
    ri->bad = 1;
    return "";
}

/* Builds and checks the row of one data record. */
static void take_row(struct parse *p, const struct roll_record *rec)
{
    if (p->n_rows == p->cap_rows) {
        p->cap_rows = p->cap_rows ? p->cap_rows * 2 : 256;
        p->rows = xrealloc(p->rows, p->cap_rows * sizeof *p->rows);
    }
    struct row_in *ri = &p->rows[p->n_rows++];
    memset(ri, 0, sizeof *ri);
    struct roll_row *r = &ri->r;
    int line = rec->line;
    r->line = line;

    r->household_code = cell_text(p, rec, F_CODE);
    r->full_name = cell_text(p, rec, F_NAME);
    if (p->col[F_SURNAME] >= 0) {
        const char *sur = cell_text(p, rec, F_SURNAME);
        if (sur[0] && r->full_name[0])
            r->full_name = arena_printf(p->a, "%s %s", sur, r->full_name);
        else if (sur[0])
            r->full_name = "";
    }
    r->relation = cell_text(p, rec, F_RELATION);
    r->village = cell_text(p, rec, F_VILLAGE);
    r->address = cell_text(p, rec, F_ADDRESS);

    /* A missing code or village is reported by finish(), after merged cells are filled. */
    if (!r->full_name[0]) {
        add_error(p, line, "Thiếu họ và tên");
        ri->bad = 1;
    }
    if (r->village[0] && p->n_villages) {
        int ambiguous;
        const struct roll_village *v = find_village(
            p, r->village, fold_key(p->a, r->village, strlen(r->village), 0), &ambiguous);
        if (v) {
            r->village_id = v->id;
        } else if (ambiguous) {
            add_error(p, line,
                      "Tên thôn \"%s\" trùng với nhiều thôn; hãy ghi tên đầy đủ hoặc mã thôn",
                      shown(p, r->village));
            ri->bad = 1;
        } else {
            add_error(p, line, "Không có thôn, tổ dân phố \"%s\" ở nơi nhập danh sách này",
                      shown(p, r->village));
            ri->bad = 1;
        }
    }

    r->birth = birth_value(p, rec, ri);

    const char *g = cell_text(p, rec, F_GENDER);
    const char *gk = fold_key(p->a, g, strlen(g), 0);
    if (!gk[0])
        r->gender = "";
    else if (strcmp(gk, "nam") == 0)
        r->gender = "nam";
    else if (strcmp(gk, "nu") == 0)
        r->gender = "nu";
    else if (strcmp(gk, "khac") == 0)
        r->gender = "khac";
    else {
        r->gender = "";
        add_error(p, line, "Giới tính \"%s\" không hợp lệ; hãy ghi Nam, Nữ hoặc Khác", shown(p, g));
        ri->bad = 1;
    }

    const char *phone = cell_text(p, rec, F_PHONE);
    r->phone = "";
    if (phone[0]) {
        r->phone = norm_phone(p->a, phone);
        if (!r->phone) {
            r->phone = "";
            add_error(p, line, "Số điện thoại \"%s\" không hợp lệ; cần 10 chữ số bắt đầu bằng 0",
                      shown(p, phone));
            ri->bad = 1;
        }
    }
    const char *nid = cell_text(p, rec, F_NID);
    r->national_id = "";
    if (nid[0]) {
        r->national_id = norm_nid(p->a, nid);
        if (!r->national_id) {
            r->national_id = "";
            add_error(p, line, "Số CCCD \"%s\" không hợp lệ; cần đủ 12 chữ số", shown(p, nid));
            ri->bad = 1;
        }
    }

    const char *mark = cell_text(p, rec, F_REP);
    const char *mk = fold_key(p->a, mark, strlen(mark), 0);
    if (in_list(mk, yes_words)) {
        r->is_representative = 1;
    } else if (!in_list(mk, no_words)) {
        add_error(p, line,
                  "Cột đại diện ghi \"%s\"; hãy ghi x cho người đại diện hộ, hoặc để trống",
                  shown(p, mark));
        ri->bad = 1;
    }
    r->is_head = strcmp(fold_key(p->a, r->relation, strlen(r->relation), 0), "chu ho") == 0;
}

/* Whether every field the header maps is empty in rec (e.g. a row with only its STT). */
static int data_blank(const struct parse *p, const struct roll_record *rec)
{
    for (int f = 0; f < F_COUNT; f++) {
        int c = p->col[f];
        if (c >= 0 && (size_t)c < rec->n_cells &&
            !is_blank_bytes(rec->cells[c].text, rec->cells[c].len))
            return 0;
    }
    return 1;
}

static void missing_columns_error(struct parse *p, unsigned missing, int score)
{
    if (score == 0) {
        add_error(p, 0,
                  "Không tìm thấy dòng tiêu đề; dòng đầu của tệp cần có các cột Mã hộ, Họ và "
                  "tên, Thôn");
        return;
    }
    struct buf b;
    buf_init(&b, p->a);
    for (size_t k = 0; k < sizeof required / sizeof required[0]; k++) {
        if (missing & (1u << required[k].f)) {
            if (b.len)
                buf_puts(&b, ", ");
            buf_puts(&b, required[k].label);
        }
    }
    add_error(p, 0, "Thiếu cột bắt buộc: %s", b.ptr);
}

static int on_record(void *ctx, const struct roll_record *rec)
{
    struct parse *p = ctx;
    if (!p->header_found) {
        if (record_blank(rec))
            return 0;
        unsigned missing;
        int score = match_header(p->a, rec, p->col, &missing);
        if (!missing) {
            p->header_found = 1;
            return 0;
        }
        if (score > p->best_score || p->n_seen == 0) {
            p->best_score = score;
            p->best_missing = missing;
        }
        if (++p->n_seen >= HEADER_SCAN) {
            missing_columns_error(p, p->best_missing, p->best_score);
            p->stop_rc = ERR_INVALID;
            return ERR_INVALID;
        }
        return 0;
    }
    if (data_blank(p, rec))
        return 0;
    if (p->n_rows >= ROLLFILE_MAX_ROWS) {
        add_error(p, 0, "Tệp có quá nhiều dòng (tối đa %d)", ROLLFILE_MAX_ROWS);
        p->stop_rc = ERR_TOO_LARGE;
        return ERR_TOO_LARGE;
    }
    take_row(p, rec);
    return 0;
}

/* ---- across rows ---- */

/* Open-addressing map from a string to an index, in a. */
struct smap {
    const char **keys; /* NULL for a free slot */
    size_t *vals;      /* value of each slot */
    size_t mask;       /* slots - 1, slots a power of two */
};

static void smap_init(struct arena *a, struct smap *m, size_t n)
{
    size_t slots = 16;
    while (slots < n * 2)
        slots *= 2;
    m->keys = arena_zalloc(a, slots * sizeof *m->keys);
    m->vals = arena_alloc(a, slots * sizeof *m->vals);
    m->mask = slots - 1;
}

/* The slot of key: holding it, or free. */
static size_t smap_slot(const struct smap *m, const char *key)
{
    uint64_t h = 1469598103934665603u;
    for (const unsigned char *s = (const unsigned char *)key; *s; s++)
        h = (h ^ *s) * 1099511628211u;
    size_t i = (size_t)h & m->mask;
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & m->mask;
    return i;
}

static int cmp_err(const void *x, const void *y)
{
    const struct err_in *a = x, *b = y;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

#define MAX_MERGES 100000

static void on_merge(void *ctx, int row0, int row1, int col0, int col1)
{
    struct parse *p = ctx;
    if (p->n_merges >= MAX_MERGES || row1 <= row0)
        return;
    if (p->n_merges == p->cap_merges) {
        p->cap_merges = p->cap_merges ? p->cap_merges * 2 : 64;
        p->merges = xrealloc(p->merges, p->cap_merges * sizeof *p->merges);
    }
    p->merges[p->n_merges++] = (struct merge){row0, row1, col0, col1};
}

static int merge_covers(const struct parse *p, const struct merge *m, enum field f)
{
    return p->col[f] >= m->col0 && p->col[f] <= m->col1;
}

/*
 * Village heads merge the cells of mã hộ, thôn and địa chỉ over a
 * household's members; Excel keeps the value in the top cell only. Gives
 * the rows under it that value, so they are not reported as missing it.
 */
static void apply_merges(struct parse *p)
{
    size_t budget = 10 * 1000 * 1000; /* overlapping ranges cannot make this quadratic */
    for (size_t i = 1; i < p->n_rows; i++) {
        if (p->rows[i].r.line <= p->rows[i - 1].r.line)
            return; /* rows out of order: a hand-made file, take it as written */
    }
    for (size_t k = 0; k < p->n_merges; k++) {
        const struct merge *m = &p->merges[k];
        size_t lo = 0, hi = p->n_rows;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (p->rows[mid].r.line < m->row0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == p->n_rows || p->rows[lo].r.line != m->row0)
            continue;
        const struct roll_row *top = &p->rows[lo].r;
        for (size_t i = lo + 1; i < p->n_rows && p->rows[i].r.line <= m->row1 && budget; i++) {
            struct roll_row *r = &p->rows[i].r;
            budget--;
            if (merge_covers(p, m, F_CODE) && !r->household_code[0])
                r->household_code = top->household_code;
            if (merge_covers(p, m, F_VILLAGE) && !r->village[0]) {
                r->village = top->village;
                r->village_id = top->village_id;
            }
            if (merge_covers(p, m, F_ADDRESS) && !r->address[0])
                r->address = top->address;
        }
    }
}

/* Checks across rows and groups the good rows by household into out. */
static void finish(struct parse *p, struct roll_file *out)
{
    struct arena *a = p->a;
    struct smap codes, nids;
    struct hh *hh = calloc(p->n_rows ? p->n_rows : 1, sizeof *hh);
    size_t n_hh = 0;
    if (!hh)
        abort();
    smap_init(a, &codes, p->n_rows);
    smap_init(a, &nids, p->n_rows);
    apply_merges(p);
    for (size_t i = 0; i < p->n_rows; i++) {
        struct row_in *ri = &p->rows[i];
        if (!ri->r.household_code[0]) {
            add_error(p, ri->r.line, "Thiếu mã hộ");
            ri->bad = 1;
        }
        if (!ri->r.village[0]) {
            add_error(p, ri->r.line, "Thiếu thôn");
            ri->bad = 1;
        }
    }

    /* Households, their village, repeated CCCD. */
    for (size_t i = 0; i < p->n_rows; i++) {
        struct row_in *ri = &p->rows[i];
        struct roll_row *r = &ri->r;
        if (!r->household_code[0])
            continue;
        size_t slot = smap_slot(&codes, r->household_code);
        if (!codes.keys[slot]) {
            codes.keys[slot] = r->household_code;
            codes.vals[slot] = n_hh;
            hh[n_hh] = (struct hh){.code = r->household_code, .rep = -1, .head = -1};
            n_hh++;
        }
        struct hh *h = &hh[codes.vals[slot]];
        ri->household = codes.vals[slot];
        if (r->village[0]) {
            const char *vkey = fold_key(a, r->village, strlen(r->village), 0);
            if (!h->village) {
                h->village = r->village;
                h->vkey = vkey;
                h->village_id = r->village_id;
                h->village_line = r->line;
            } else if ((h->village_id && r->village_id) ? h->village_id != r->village_id
                                                        : strcmp(h->vkey, vkey) != 0) {
                add_error(p, r->line, "Mã hộ \"%s\" đã dùng cho thôn \"%s\" ở dòng %d",
                          shown(p, h->code), shown(p, h->village), h->village_line);
                ri->bad = 1;
            }
        }
        if (r->national_id[0] && !ri->bad) {
            size_t ns = smap_slot(&nids, r->national_id);
            if (nids.keys[ns]) {
                add_error(p, r->line, "Số CCCD \"%s\" trùng với dòng %d", r->national_id,
                          p->rows[nids.vals[ns]].r.line);
                ri->bad = 1;
            } else {
                nids.keys[ns] = r->national_id;
                nids.vals[ns] = i;
            }
        }
    }

    /* One representative and one head per household. */
    for (size_t i = 0; i < p->n_rows; i++) {
        struct row_in *ri = &p->rows[i];
        if (!ri->r.household_code[0] || ri->bad)
            continue;
        struct hh *h = &hh[ri->household];
        if (ri->r.is_representative) {
            if (h->rep_line) {
                add_error(p, ri->r.line,
                          "Hộ \"%s\" có hơn một người được đánh dấu đại diện (dòng %d và dòng %d)",
                          shown(p, h->code), h->rep_line, ri->r.line);
                ri->bad = 1;
            } else {
                h->rep_line = ri->r.line;
            }
        }
        if (ri->r.is_head) {
            if (h->head_line) {
                add_error(p, ri->r.line, "Hộ \"%s\" có hơn một chủ hộ (dòng %d và dòng %d)",
                          shown(p, h->code), h->head_line, ri->r.line);
                ri->bad = 1;
            } else {
                h->head_line = ri->r.line;
            }
        }
    }

    /* Count, lay out, fill. */
    size_t n_good = 0;
    for (size_t i = 0; i < p->n_rows; i++) {
        struct row_in *ri = &p->rows[i];
        if (!ri->r.household_code[0])
            continue;
        if (ri->bad) {
            hh[ri->household].has_error = 1;
        } else {
            hh[ri->household].n_good++;
            n_good++;
        }
    }
    size_t n_out_hh = 0, at = 0;
    for (size_t k = 0; k < n_hh; k++) {
        if (hh[k].n_good) {
            hh[k].first_row = at;
            at += hh[k].n_good;
            n_out_hh++;
        }
    }
    out->rows = arena_zalloc(a, (n_good ? n_good : 1) * sizeof *out->rows);
    out->n_rows = n_good;
    for (size_t i = 0; i < p->n_rows; i++) {
        struct row_in *ri = &p->rows[i];
        if (!ri->r.household_code[0] || ri->bad)
            continue;
        struct hh *h = &hh[ri->household];
        size_t j = h->first_row + h->fill++;
        out->rows[j] = ri->r;
        if (ri->r.is_representative && h->rep < 0)
            h->rep = (ptrdiff_t)j;
        if (ri->r.is_head && h->head < 0)
            h->head = (ptrdiff_t)j;
        if (!h->address && ri->r.address[0])
            h->address = ri->r.address;
    }
    out->households = arena_zalloc(a, (n_out_hh ? n_out_hh : 1) * sizeof *out->households);
    out->n_households = 0;
    for (size_t k = 0; k < n_hh; k++) {
        struct hh *h = &hh[k];
        if (!h->n_good)
            continue;
        out->households[out->n_households++] = (struct roll_household){
            .code = h->code,
            .village = h->village ? h->village : "",
            .village_id = h->village_id,
            .address = h->address ? h->address : "",
            .first_row = h->first_row,
            .n_members = h->n_good,
            .representative_row = h->rep >= 0 ? h->rep : h->head,
            .has_head = h->head >= 0,
            .has_error = h->has_error,
        };
    }
    free(hh);
}

/* ---- entry point ---- */

static struct date today_in_vietnam(void)
{
    time_t t = time(NULL) + 7 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    return (struct date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

/* Picks the delimiter that gives the best header; honours Excel's "sep=X" line. */
static char pick_delimiter(struct arena *a, const char **text, size_t *len, int *first_line)
{
    const char *s = *text;
    if (*len >= 5 && strncmp(s, "sep=", 4) == 0 && (s[4] == ',' || s[4] == ';' || s[4] == '\t')) {
        size_t k = 5;
        if (k < *len && s[k] == '\r')
            k++;
        if (k < *len && s[k] == '\n')
            k++;
        if (k == *len || s[k - 1] == '\n' || s[k - 1] == '\r') {
            *text = s + k;
            *len -= k;
            *first_line = 2;
            return s[4];
        }
    }
    static const char cands[] = {',', ';', '\t'};
    char best = ',';
    int best_score = -1;
    for (size_t i = 0; i < sizeof cands; i++) {
        struct probe pr = {a, 0, 0};
        int open_line;
        rollfile_csv_read(*text, *len, 1, cands[i], probe_record, &pr, &open_line);
        if (pr.best > best_score) {
            best_score = pr.best;
            best = cands[i];
        }
    }
    return best;
}

int rollfile_parse(struct arena *a, const char *bytes, size_t len, const struct roll_opts *opts,
                   struct roll_file *out)
{
    int rc = 0;
    struct parse p = {.a = a};
    memset(out, 0, sizeof *out);
    out->format = "csv";
    p.today = opts && opts->today.y ? opts->today : today_in_vietnam();
    if (opts && opts->villages && opts->n_villages) {
        p.villages = arena_alloc(a, opts->n_villages * sizeof *p.villages);
        p.n_villages = opts->n_villages;
        for (size_t i = 0; i < opts->n_villages; i++) {
            const struct roll_village *v = &opts->villages[i];
            const char *name = v->name ? v->name : "";
            p.villages[i].v = v;
            p.villages[i].key = fold_key(a, name, strlen(name), 0);
            p.villages[i].base = village_base(p.villages[i].key);
        }
    }

    if (len > ROLLFILE_MAX_BYTES) {
        add_error(&p, 0, "%s", MSG_TOO_BIG);
        rc = ERR_TOO_LARGE;
        goto out;
    }
    if (len >= 4 && memcmp(bytes, "PK\3\4", 4) == 0) {
        const char *why = NULL;
        out->format = "xlsx";
        rc = rollfile_xlsx_read(bytes, len, on_record, on_merge, &p, &why);
        if (rc < 0 && !p.stop_rc) {
            add_error(&p, 0, "%s", why);
            goto out;
        }
    } else if (len >= 8 && memcmp(bytes, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) {
        add_error(&p, 0, "%s", MSG_XLS);
        rc = ERR_INVALID;
        goto out;
    } else {
        const char *text;
        size_t n;
        int first_line = 1, open_line = 0;
        if (rollfile_decode_text(a, bytes, len, &text, &n) != 0) {
            add_error(&p, 0, "%s", MSG_NOT_TEXT);
            rc = ERR_INVALID;
            goto out;
        }
        char delim = pick_delimiter(a, &text, &n, &first_line);
        rc = rollfile_csv_read(text, n, first_line, delim, on_record, &p, &open_line);
        if (rc < 0 && !p.stop_rc) {
            add_error(&p, open_line, "Dấu ngoặc kép mở ở dòng %d không được đóng", open_line);
        }
    }
    if (p.stop_rc) {
        rc = p.stop_rc;
        goto out;
    }
    if (!p.header_found) {
        if (p.n_seen == 0)
            add_error(&p, 0, "%s", MSG_EMPTY);
        else
            missing_columns_error(&p, p.best_missing, p.best_score);
        rc = ERR_INVALID;
        goto out;
    }
    if (p.n_rows == 0 && rc == 0) {
        add_error(&p, 0, "%s", MSG_NO_ROWS);
        rc = ERR_INVALID;
    }
out:
    finish(&p, out);
    if (p.n_errs)
        qsort(p.errs, p.n_errs, sizeof *p.errs, cmp_err);
    out->errors = arena_alloc(a, (p.n_errs ? p.n_errs : 1) * sizeof *out->errors);
    out->n_errors = p.n_errs;
    for (size_t i = 0; i < p.n_errs; i++)
        out->errors[i] = (struct roll_error){p.errs[i].line, p.errs[i].msg};
    free(p.errs);
    free(p.rows);
    free(p.merges);
    return rc;
}

/* ---- template ---- */

static const char *const template_rows[][10] = {
    {"Mã hộ", "Họ và tên", "Ngày sinh", "Giới tính", "Quan hệ với chủ hộ", "Thôn", "Địa chỉ",
     "Số điện thoại", "CCCD", "Đại diện"},
    {"H001", "Nguyễn Văn An", "12/03/1968", "Nam", "Chủ hộ", "Thôn Đông", "Xóm Giữa, Thôn Đông",
     "0912345678", "001068012345", ""},
    {"H001", "Trần Thị Bình", "1970", "Nữ", "Vợ", "Thôn Đông", "Xóm Giữa, Thôn Đông", "", "", ""},
    {"H001", "Nguyễn Minh Châu", "05/09/1995", "Nữ", "Con", "Thôn Đông", "Xóm Giữa, Thôn Đông", "",
     "", ""},
    {"H002", "Lê Văn Dũng", "1948", "Nam", "Chủ hộ", "Thôn Đoài", "Số 7, đường Làng, Thôn Đoài", "",
     "", ""},
    {"H002", "Lê Thị Hoa", "20/11/1979", "Nữ", "Con", "Thôn Đoài", "Số 7, đường Làng, Thôn Đoài",
     "0987654321", "", "x"},
};

static void csv_field(struct buf *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        buf_puts(out, s);
        return;
    }
    buf_putc(out, '"');
    for (; *s; s++) {
        if (*s == '"')
            buf_putc(out, '"');
        buf_putc(out, *s);
    }
    buf_putc(out, '"');
}

void rollfile_template_csv(struct buf *out)
{
    buf_puts(out, "\xEF\xBB\xBF");
    for (size_t r = 0; r < sizeof template_rows / sizeof template_rows[0]; r++) {
        for (size_t c = 0; c < 10; c++) {
            if (c)
                buf_putc(out, ',');
            csv_field(out, template_rows[r][c]);
        }
        buf_puts(out, "\r\n");
    }
}

int rollfile_template_xlsx(const char *path)
{
    lxw_workbook *wb = workbook_new(path);
    if (!wb)
        return ERR_IO;
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Danh sách hộ");
    lxw_format *bold = workbook_add_format(wb);
    lxw_format *textfmt = workbook_add_format(wb);
    format_set_bold(bold);
    format_set_num_format(textfmt, "@"); /* keeps the 0 of phones and CCCD */
    for (lxw_col_t c = 0; c < 10; c++)
        worksheet_set_column(ws, c, c, c == 1 || c == 6 ? 28 : 14, textfmt);
    for (size_t r = 0; r < sizeof template_rows / sizeof template_rows[0]; r++) {
        for (size_t c = 0; c < 10; c++) {
            worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, template_rows[r][c],
                                   r == 0 ? bold : textfmt);
        }
    }
    return workbook_close(wb) == LXW_NO_ERROR ? 0 : ERR_IO;
}

/*
 * outline_lines.c - single lines of a Vietnamese legal document, for the outline recogniser
 * (outline.c, through outline_internal.h): cleaning a raw line and telling what it is.
 *
 * Cleaning resolves backslash escapes before anything else. export_docx_markdown() escapes
 * the "**", "#", "1." and "-" that a Word file holds as plain characters (a text document
 * opened in Word, a draft typed with Markdown habits) so that a Markdown renderer prints
 * them; for the structure they mean what they meant in the text the file was made from, so
 * "\*\*Điều 3. Tổ chức\*\*" is the same Điều 3 as "**Điều 3. Tổ chức**". Then go heading
 * marks, emphasis stars (a star between spaces and "(*)" stay), HTML tags and entities,
 * no-break spaces, tabs and controls.
 *
 * A cleaned line is classified by how it starts (Điều 1. / Chương I / Mục 1 / Phần I / I. /
 * 1. / 1.1. / a) / - / + / PHỤ LỤC I / Căn cứ, Xét / Nơi nhận; "- 1. Foo", Word numbering
 * lost in Markdown, is read as what follows the dash), or by all of it: the enacting formula,
 * a signer's role, a name, a note, a stamp line. Nothing here looks past its line; nothing
 * allocates but the cleaned copy and folded forms, in the caller's arena.
 */
#include <stdint.h>
#include <string.h>

#include <utf8proc.h>

#include "core/utf8.h"
#include "export/outline_internal.h"

/* ---- characters ---- */

static int is_ascii_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_ascii_punct(char c)
{
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
           (c >= '{' && c <= '~');
}

static int cp_letter(int32_t c)
{
    if (c < 0)
        return 0;
    utf8proc_category_t k = utf8proc_category(c);
    return k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO;
}

/* Bytes of s[0..n) matched by lit at its start, letter case aside (both NFC); 0 if none. */
size_t outline_ci_prefix(const char *s, size_t n, const char *lit)
{
    size_t i = 0, j = 0, m = strlen(lit);
    while (j < m) {
        if (i >= n)
            return 0;
        size_t la, lb;
        int32_t a = cp_at(s + i, n - i, &la), b = cp_at(lit + j, m - j, &lb);
        if (a < 0 || b < 0 || utf8proc_tolower(a) != utf8proc_tolower(b))
            return 0;
        i += la;
        j += lb;
    }
    return i;
}

/* Whether s[0..n) has at least two letters and none of them lower case. */
int outline_upper_line(const char *s, size_t n)
{
    int letters = 0;
    for (size_t i = 0; i < n;) {
        size_t k;
        int32_t c = cp_at(s + i, n - i, &k);
        if (cp_lower(c))
            return 0;
        letters += cp_letter(c);
        i += k;
    }
    return letters >= 2;
}

int outline_starts_lower(const char *s, size_t n)
{
    size_t k;
    return n && cp_lower(cp_at(s, n, &k));
}

size_t outline_count_words(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (!is_sp(s[i]) && (i == 0 || is_sp(s[i - 1])))
            w++;
    return w;
}

static const char *find_bytes(const char *s, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(s + i, needle, m) == 0)
            return s + i;
    return NULL;
}

/* The Vietnamese search folding of s[0..n) ("dieu 1."), NUL-terminated in a. */
const char *outline_fold(struct arena *a, const char *s, size_t n)
{
    const char *f = utf8_fold(a, s, n, NULL);
    return f ? f : "";
}

/* A sentence ends at s[n-1]: . ; : ! ? or an ellipsis. */
int outline_ends_sentence(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    char c = s[n - 1];
    if (c == '.' || c == ';' || c == ':' || c == '!' || c == '?')
        return 1;
    return n >= 3 && memcmp(s + n - 3, "\xe2\x80\xa6", 3) == 0;
}

/* ---- cleaning ---- */

/* An HTML entity at s: its code point and length, or 0. */
static int32_t entity(const char *s, size_t n, size_t *used)
{
    static const struct {
        const char *name;
        int32_t cp;
    } named[] = {{"&nbsp;", ' '}, {"&amp;", '&'},  {"&lt;", '<'},
                 {"&gt;", '>'},   {"&quot;", '"'}, {"&apos;", '\''}};
    for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
        size_t m = strlen(named[i].name);
        if (n >= m && memcmp(s, named[i].name, m) == 0) {
            *used = m;
            return named[i].cp;
        }
    }
    if (n < 4 || s[1] != '#')
        return 0;
    size_t i = 2;
    int hex = i < n && (s[i] == 'x' || s[i] == 'X');
    i += (size_t)hex;
    int32_t v = 0;
    size_t start = i;
    while (i < n && i - start < 7) {
        char c = s[i];
        int d = is_digit(c)                   ? c - '0'
                : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                              : -1;
        if (d < 0)
            break;
        v = v * (hex ? 16 : 10) + d;
        i++;
    }
    if (i == start || i >= n || s[i] != ';' || v < 0x20 || v > 0x10FFFF ||
        !utf8proc_codepoint_valid(v))
        return 0;
    *used = i + 1;
    return v;
}

/* s[0..n) into out with every backslash escape of ASCII punctuation resolved; its length. */
static size_t unescape(char *out, const char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n && is_ascii_punct(s[i + 1]))
            i++;
        out[o++] = s[i];
    }
    return o;
}

/* See outline_internal.h. Never longer than s. */
struct pline outline_clean_line(struct arena *a, const char *in, size_t len, int no)
{
    char *out = arena_alloc(a, len + 1);
    /* the second pass works in place: it never writes more bytes than it has read */
    const char *s = out;
    size_t n = unescape(out, in, len);
    size_t o = 0, i = 0;
    while (i < n && is_sp(s[i]))
        i++;
    size_t h = i;
    while (h < n && s[h] == '#' && h - i < 7)
        h++;
    if (h > i && h - i <= 6 && (h == n || is_sp(s[h])))
        i = h;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t used = 0;
        int32_t cp;
        if (c == '*') {
            size_t j = i;
            while (j < n && s[j] == '*')
                j++;
            char prev = o ? out[o - 1] : ' ', next = j < n ? s[j] : ' ';
            if ((is_sp(prev) && is_sp(next)) || (prev == '(' && next == ')')) {
                memmove(out + o, s + i, j - i);
                o += j - i;
            }
            i = j;
        } else if (c == '<' && i + 2 < n &&
                   (is_ascii_alpha(s[i + 1]) || (s[i + 1] == '/' && is_ascii_alpha(s[i + 2])))) {
            size_t j = i + 1;
            while (j < n && s[j] != '>' && s[j] != '<')
                j++;
            if (j < n && s[j] == '>') {
                out[o++] = ' ';
                i = j + 1;
            } else {
                out[o++] = s[i++];
            }
        } else if (c == '&' && (cp = entity(s + i, n - i, &used)) > 0) {
            o += (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)out + o);
            i += used;
        } else if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
            out[o++] = ' ';
            i += 2;
        } else if (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBB &&
                   (unsigned char)s[i + 2] == 0xBF) {
            i += 3;
        } else if (c < 0x20 || c == 0x7F) {
            out[o++] = ' ';
            i++;
        } else {
            out[o++] = (char)c;
            i++;
        }
    }
    /* collapse and trim spaces */
    size_t w = 0;
    for (size_t r = 0; r < o; r++) {
        if (out[r] == ' ' && (w == 0 || out[w - 1] == ' '))
            continue;
        out[w++] = out[r];
    }
    while (w && out[w - 1] == ' ')
        w--;
    out[w] = '\0';
    return (struct pline){out, w, no};
}

/* A line of only - _ = * ~ (three or more): a drawn rule. */
int outline_rule_line(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '-' || s[i] == '_' || s[i] == '=' || s[i] == '*' || s[i] == '~')
            k++;
        else if (s[i] != ' ')
            return 0;
    }
    return k >= 3;
}

/* "3", "- 3 -", "– 3 –", "Trang 3", "Trang 3/12": a page number alone on its line. */
int outline_page_number(const char *s, size_t n)
{
    while (n && is_sp(s[n - 1]))
        n--;
    size_t i = 0;
    while (i < n && is_sp(s[i]))
        i++;
    if (i == n)
        return 0;
    size_t k = outline_ci_prefix(s + i, n - i, "trang");
    if (k)
        i += k;
    int dashed = 0;
    if (!k && i < n && s[i] == '-') {
        dashed = 1;
        i++;
    } else if (!k && i + 3 <= n && memcmp(s + i, "\xe2\x80\x93", 3) == 0) {
        dashed = 1;
        i += 3;
    }
    while (i < n && s[i] == ' ')
        i++;
    size_t d = i;
    while (i < n && is_digit(s[i]))
        i++;
    if (i == d || i - d > 4)
        return 0;
    if (k && i < n && s[i] == '/') {
        size_t e = ++i;
        while (i < n && is_digit(s[i]))
            i++;
        if (i == e)
            return 0;
    }
    while (i < n && s[i] == ' ')
        i++;
    if (dashed) {
        if (i < n && s[i] == '-')
            i++;
        else if (i + 3 <= n && memcmp(s + i, "\xe2\x80\x93", 3) == 0)
            i += 3;
        else
            return 0;
    }
    return i == n;
}

/* ---- classifying a line ---- */

size_t outline_skip_sp(const char *s, size_t n, size_t i)
{
    while (i < n && s[i] == ' ')
        i++;
    return i;
}

/* Length of the digits at s[i] if there are 1 to max of them, else 0. */
static size_t digits_at(const char *s, size_t n, size_t i, size_t max)
{
    size_t j = i;
    while (j < n && is_digit(s[j]))
        j++;
    return j - i <= max ? j - i : 0;
}

/* Length of an upper-case Roman numeral made of set at s[i] (at most 8 letters), else 0. */
size_t outline_roman_at(const char *s, size_t n, size_t i, const char *set)
{
    size_t j = i;
    while (j < n && s[j] && strchr(set, s[j]))
        j++;
    if (j - i > 8 || (j < n && is_ascii_alpha(s[j])))
        return 0;
    return j - i;
}

/* An en or em dash at s[i]: its bytes, else 0. */
size_t outline_long_dash(const char *s, size_t n, size_t i)
{
    if (i + 3 <= n &&
        (memcmp(s + i, "\xe2\x80\x93", 3) == 0 || memcmp(s + i, "\xe2\x80\x94", 3) == 0))
        return 3;
    return 0;
}

/*
 * What may follow a heading's number at s[j]: the end, "." or ":", a dash, or a space and an
 * upper-case title. *rest gets where the title starts.
 */
static int heading_tail(const char *s, size_t n, size_t j, size_t *rest)
{
    if (j == n) {
        *rest = n;
        return 1;
    }
    size_t k = outline_skip_sp(s, n, j), d;
    if (k < n && (s[k] == '.' || s[k] == ':' || s[k] == '-')) {
        *rest = outline_skip_sp(s, n, k + 1);
        return 1;
    }
    if ((d = outline_long_dash(s, n, k)) != 0) {
        *rest = outline_skip_sp(s, n, k + d);
        return 1;
    }
    if (k > j && outline_upper_line(s + k, n - k)) {
        *rest = k;
        return 1;
    }
    return 0;
}

/* The number of a chương, mục, phần or phụ lục at s[i] (Roman or Arabic); its length. */
static size_t heading_number(const char *s, size_t n, size_t i)
{
    size_t k = outline_roman_at(s, n, i, "IVXLC");
    if (!k)
        k = digits_at(s, n, i, 3);
    return k;
}

/* Whether s[0..n) starts a heading "<word> <number>": "Chương I", "Mục 2", "Phần thứ hai". */
static int heading_word(const char *s, size_t n, const char *word, enum pk kind, struct cls *c)
{
    size_t w = outline_ci_prefix(s, n, word);
    if (!w || w >= n || s[w] != ' ')
        return 0;
    size_t i = outline_skip_sp(s, n, w), k = heading_number(s, n, i);
    if (!k && kind == P_PHAN) {
        size_t t = outline_ci_prefix(s + i, n - i, "thứ ");
        if (t) {
            size_t e = i + t;
            while (e < n && s[e] != ' ' && s[e] != '.' && s[e] != ':')
                e++;
            k = e - i;
        }
    }
    if (!k || !heading_tail(s, n, i + k, &c->rest))
        return 0;
    c->kind = kind;
    c->num = s + i;
    c->num_len = k;
    return 1;
}

/* Vietnamese letters that number điểm. */
static int diem_letter(int32_t c)
{
    return (c >= 'a' && c <= 'y' && !strchr("fjw", (int)c)) || c == 0x111; /* đ */
}

/* Words after "Thực hiện" that make it a basis of the document rather than a sentence. */
static const char *const basis_docs[] = {
    "Nghị quyết", "Quyết định", "Kế hoạch",     "Chỉ thị",   "Công văn", "Luật",       "Nghị định",
    "Thông tư",   "Hướng dẫn",  "Chương trình", "Thông báo", "ý kiến",   "sự chỉ đạo", "chỉ đạo",
};

static int basis(const char *s, size_t n)
{
    size_t k;
    if ((k = outline_ci_prefix(s, n, "Căn cứ")) && k < n && s[k] == ' ')
        return 1;
    if ((k = outline_ci_prefix(s, n, "Xét")) && k < n && (s[k] == ' ' || s[k] == ':'))
        return 1;
    if ((k = outline_ci_prefix(s, n, "Theo đề nghị")) && (k == n || s[k] == ' '))
        return 1;
    if ((k = outline_ci_prefix(s, n, "Thực hiện ")) != 0)
        for (size_t i = 0; i < sizeof(basis_docs) / sizeof(basis_docs[0]); i++)
            if (outline_ci_prefix(s + k, n - k, basis_docs[i]))
                return 1;
    return 0;
}

/* The marker of a list item at s: its bytes with the space after it; *plus for "+". */
static size_t item_marker(const char *s, size_t n, int *plus)
{
    *plus = 0;
    if (n < 2)
        return 0;
    size_t k = 0;
    if (s[0] == '-' || s[0] == '*' || s[0] == '+')
        k = 1;
    else if ((k = outline_long_dash(s, n, 0)) != 0 || (n >= 3 && memcmp(s, "\xe2\x80\xa2", 3) == 0))
        k = 3;
    if (!k || k >= n)
        return 0;
    if (s[k] != ' ') {
        size_t l;
        if (s[0] != '-' || !cp_upper(cp_at(s + k, n - k, &l)))
            return 0; /* "-Tổ chức" is an item, "-5%" or "--" not */
    }
    *plus = s[0] == '+';
    return outline_skip_sp(s, n, k);
}

static void classify_at(const char *s, size_t n, struct cls *c, int nested)
{
    memset(c, 0, sizeof(*c));
    c->kind = P_TEXT;
    if (n == 0)
        return;
    size_t k, i;
    int plus;
    if (!nested && (k = item_marker(s, n, &plus)) != 0) {
        struct cls in;
        classify_at(s + k, n - k, &in, 1);
        if (in.kind >= P_PHAN && in.kind <= P_DIEM) {
            *c = in;
            c->rest += k;
            return;
        }
        c->kind = plus ? P_PLUS : P_DASH;
        c->rest = k;
        return;
    }
    /* Điều 1. / Điều 1: / Điều 1 */
    if ((k = outline_ci_prefix(s, n, "Điều")) && k < n && s[k] == ' ') {
        i = outline_skip_sp(s, n, k);
        size_t d = digits_at(s, n, i, 4);
        if (d && i + d < n && s[i + d] >= 'a' && s[i + d] <= 'z')
            d++;
        size_t j = i + d;
        if (d && (j == n || s[j] == '.' || s[j] == ':') && !(j + 1 < n && is_digit(s[j + 1]))) {
            c->kind = P_DIEU;
            c->num = s + i;
            c->num_len = d;
            c->rest = j == n ? n : outline_skip_sp(s, n, j + 1);
            return;
        }
    }
    if (heading_word(s, n, "Chương", P_CHUONG, c) || heading_word(s, n, "Mục", P_MUC, c) ||
        heading_word(s, n, "Phần", P_PHAN, c))
        return;
    /* Phụ lục I / PHỤ LỤC SỐ 01 / PHỤ LỤC */
    if ((k = outline_ci_prefix(s, n, "Phụ lục")) != 0) {
        if (k == n && outline_upper_line(s, n)) {
            c->kind = P_PHU_LUC;
            c->rest = n;
            return;
        }
        if (k < n && s[k] == ' ') {
            i = outline_skip_sp(s, n, k);
            size_t so = outline_ci_prefix(s + i, n - i, "số ");
            i = outline_skip_sp(s, n, i + so);
            size_t d = heading_number(s, n, i);
            size_t rest;
            if (d && heading_tail(s, n, i + d, &rest)) {
                c->kind = P_PHU_LUC;
                c->num = s + i;
                c->num_len = d;
                c->rest = rest;
                return;
            }
        }
    }
    /* I. MỤC ĐÍCH */
    if ((k = outline_roman_at(s, n, 0, "IVX")) != 0 && k <= 6 && k < n && s[k] == '.' &&
        (k + 1 == n || s[k + 1] == ' ')) {
        c->kind = P_PHAN;
        c->num = s;
        c->num_len = k;
        c->rest = outline_skip_sp(s, n, k + 1);
        return;
    }
    /* 1. / 1.1. / 1.1 Foo */
    if ((k = digits_at(s, n, 0, 3)) != 0) {
        size_t j = k;
        int dots = 0;
        while (j + 1 < n && s[j] == '.' && is_digit(s[j + 1]) && dots < 3) {
            size_t d = digits_at(s, n, j + 1, 3);
            if (!d)
                break;
            j += 1 + d;
            dots++;
        }
        size_t l;
        int ok = (j < n && s[j] == '.' && (j + 1 == n || s[j + 1] == ' '));
        if (!ok && dots && j + 1 < n && s[j] == ' ' && cp_upper(cp_at(s + j + 1, n - j - 1, &l)))
            ok = 1;
        if (ok) {
            c->kind = P_KHOAN;
            c->num = s;
            c->num_len = j;
            c->depth = dots;
            c->rest = outline_skip_sp(s, n, j + 1);
            return;
        }
        return;
    }
    /* a) / đ) */
    size_t l;
    int32_t first = cp_at(s, n, &l);
    if (diem_letter(first) && l < n && s[l] == ')' && (l + 1 == n || s[l + 1] == ' ')) {
        c->kind = P_DIEM;
        c->num = s;
        c->num_len = l;
        c->rest = outline_skip_sp(s, n, l + 1);
        return;
    }
    if (basis(s, n)) {
        c->kind = P_BASIS;
        return;
    }
    if ((k = outline_ci_prefix(s, n, "Nơi nhận")) != 0) {
        i = outline_skip_sp(s, n, k);
        if (i == n || s[i] == ':') {
            c->kind = P_RECIPIENTS;
            c->rest = i == n ? n : outline_skip_sp(s, n, i + 1);
        }
    }
}

void outline_classify(const char *s, size_t n, struct cls *c)
{
    classify_at(s, n, c, 0);
}

/* The enacting formula "QUYẾT NGHỊ:", "QUYẾT ĐỊNH:", "BAN HÀNH:" alone on its line. */
int outline_formula_line(struct arena *a, const struct pline *l)
{
    if (l->n > 40 || l->n == 0)
        return 0;
    int colon = l->s[l->n - 1] == ':';
    if (!colon && !outline_upper_line(l->s, l->n))
        return 0;
    size_t n = l->n - (size_t)colon;
    while (n && l->s[n - 1] == ' ')
        n--;
    const char *f = outline_fold(a, l->s, n);
    return strcmp(f, "quyet nghi") == 0 || strcmp(f, "quyet dinh") == 0 ||
           strcmp(f, "nghi quyet") == 0 || strcmp(f, "ban hanh") == 0;
}

/* Words that make an upper-case line a signer's role. */
static const char *const role_words[] = {
    "CHỦ TỊCH", "GIÁM ĐỐC",  "TRƯỞNG",    "BÍ THƯ",   "THƯ KÝ",   "CHỦ TỌA",
    "CHỦ TOẠ",  "CHÁNH VĂN", "NGƯỜI LẬP", "NGƯỜI KÝ", "ĐẠI DIỆN", "XÁC NHẬN",
};

static const char *const role_prefixes[] = {"TM.", "T.M.", "T/M",  "KT.", "K.T.",
                                            "TL.", "T.L.", "TUQ.", "Q."};

int outline_role_line(const struct pline *l)
{
    if (!outline_upper_line(l->s, l->n) || outline_count_words(l->s, l->n) > 12)
        return 0;
    for (size_t i = 0; i < sizeof(role_prefixes) / sizeof(role_prefixes[0]); i++)
        if (strncmp(l->s, role_prefixes[i], strlen(role_prefixes[i])) == 0)
            return 1;
    /* the role word starts the line ("PHÓ" aside), or the line is short: "TRÁCH NHIỆM CỦA
       TRƯỞNG THÔN" is a heading, "TỔ TRƯỞNG" a role */
    size_t skip = strncmp(l->s, "PHÓ ", strlen("PHÓ ")) == 0 ? strlen("PHÓ ") : 0;
    int short_line = outline_count_words(l->s, l->n) <= 3;
    for (size_t i = 0; i < sizeof(role_words) / sizeof(role_words[0]); i++) {
        const char *at = find_bytes(l->s, l->n, role_words[i]);
        if (at && (short_line || at == l->s + skip))
            return 1;
    }
    return 0;
}

/* "(Đã ký)", "(để b/c)": a short note in brackets. */
int outline_note_line(const char *s, size_t n)
{
    return n >= 2 && s[0] == '(' && s[n - 1] == ')' && outline_count_words(s, n) <= 12;
}

/* "Bùi Sỹ Hoàn": two to six capitalised words, no digits or punctuation. */
int outline_name_line(const struct pline *l)
{
    size_t w = outline_count_words(l->s, l->n);
    if (w < 2 || w > 6 || outline_role_line(l))
        return 0;
    for (size_t i = 0; i < l->n;) {
        size_t k;
        int32_t c = cp_at(l->s + i, l->n - i, &k);
        if (c != ' ' && !cp_letter(c))
            return 0;
        if ((i == 0 || l->s[i - 1] == ' ') && !cp_upper(c))
            return 0;
        i += k;
    }
    return 1;
}

/* The bytes of "ĐẾN" (NFC), the word an incoming-mail stamp starts with. */
static const char stamp_den[] = "\xc4\x90\xe1\xba\xbe"
                                "N";

/*
 * A line of an incoming-mail stamp scanned with the page. "ĐẾN" and "Số và ký hiệu HS" only a
 * stamp holds; "Chuyển:", "Ngày:", "Giờ:" other lines may start with too. The raw line keeps
 * the tab after "ĐẾN"; in a Word file it has become a space.
 */
enum stamp_mark outline_stamp_mark(const char *s, size_t n)
{
    while (n && is_sp(*s)) {
        s++;
        n--;
    }
    size_t d = sizeof(stamp_den) - 1;
    if (n >= d && memcmp(s, stamp_den, d) == 0 &&
        (n == d || s[d] == '\t' || (s[d] == ' ' && outline_ci_prefix(s + d + 1, n - d - 1, "Số"))))
        return STAMP_DEN;
    if (outline_ci_prefix(s, n, "Số và ký hiệu HS"))
        return STAMP_HS;
    if (outline_ci_prefix(s, n, "Chuyển:") || outline_ci_prefix(s, n, "Ngày:") ||
        outline_ci_prefix(s, n, "Giờ:"))
        return STAMP_LINE;
    return STAMP_NONE;
}

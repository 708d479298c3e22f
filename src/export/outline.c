/*
 * outline.c - the structure of a Vietnamese legal or administrative document (see outline.h).
 *
 * Three passes, none of them backtracking more than one paragraph:
 *
 * 1. Line classification. The text is put in NFC and cut into lines. Stray page numbers
 *    ("3", "- 3 -", "Trang 3") are dropped and blank lines cut the rest into blocks. A block
 *    that is an incoming-mail stamp (ĐẾN / Chuyển / Số và ký hiệu HS) is dropped. Runs of
 *    tab-separated or pipe lines become tables (cells cleaned, HTML tags stripped). Other
 *    lines are cleaned - backslash escapes resolved first, so "\*\*Điều 3.\*\*" from a Word
 *    file is "**Điều 3.**"; then Markdown "#" marks and emphasis stars, HTML tags and
 *    entities, hard-break spaces - and classified by how they start: Điều 1. / Chương I /
 *    Mục 1 / Phần I / I. / 1. / 1.1. / a) / - / + / PHỤ LỤC I / Căn cứ, Xét / Nơi nhận.
 *    "- 1. Foo" (Word numbering lost in Markdown) is read as what follows the dash. Cleaning
 *    and classifying single lines live in outline_lines.c (outline_internal.h).
 *
 * 2. Paragraph assembly. A block is one paragraph, except that a line starting with a marker
 *    starts a new one when the line before it ends a sentence or starts with a marker itself
 *    (lists, bases and recipients written one a line). A stamp whose lines came one a
 *    paragraph goes as a stamp block does. Short paragraphs that repeat three times or more
 *    are running page headers and go. The heading block (issuer, motto, number, place and
 *    date, type, summary, enacting body) is read off the first paragraphs. Paragraphs cut by
 *    a PDF page break are joined again when the next one does not start with a marker and:
 *    it starts with a lower-case letter, or the one before ends with a comma, a dash or a
 *    word no sentence ends with ("của", "và"), or is only a marker, or is long (LONG_WORDS) -
 *    in every case only when the one before does not end a sentence. A signer's roles one a
 *    paragraph ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH") are joined until the signer's name. The same
 *    rules make a text with a blank line after every line (a Word file of it: one paragraph
 *    a line) come out as the text itself does.
 *
 * 3. Tree building by rank. Each structural paragraph has a rank (phụ lục < phần < chương <
 *    mục < điều < khoản < 1.1 < điểm < "-" item < "+" item); a stack of open nodes is popped
 *    until its top has a smaller rank and the new node becomes the top's child. Other text
 *    goes to the nearest open node that is not an item (into a heading node's body while it
 *    has no children). The preamble, "QUYẾT NGHỊ:", the closing sentence, the recipients
 *    and the signature empty the stack: they are top-level. A table cut by page breaks is
 *    joined again: the repeated header row is dropped and a first row without an STT
 *    continues the row before it.
 *
 * Finally each node gets a path segment unique among its siblings ("khoan-2", "text-3").
 * Everything is linear in the text apart from two sorts, and lives in the caller's arena.
 */
#include "export/outline.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <utf8proc.h>

#include "core/err.h"
#include "core/utf8.h"
#include "export/outline_internal.h"

#define OUTLINE_MAX_INPUT (16u * 1024 * 1024) /* bytes of text accepted */
#define TITLE_WORDS 12                        /* words of a text node's title */
#define LONG_WORDS 40        /* a paragraph this long ending mid-sentence was cut by a page break */
#define OUTLINE_MAX_STACK 16 /* open nodes; ranks strictly grow along the stack, so 13 suffice */
#define OUTLINE_MAX_COLS 64  /* table columns kept */

/* A paragraph or a table. */
struct para {
    struct pline *lines; /* its lines (arena) */
    size_t n_lines;      /* their count */
    size_t cap;          /* lines allocated */
    struct cls c;        /* classification of the first line */
    enum pk kind;        /* c.kind, or P_FORMULA, P_ROLE, P_TABLE */
    char ***rows;        /* P_TABLE: rows of n_cols cleaned cells */
    size_t n_rows;       /* their count */
    size_t n_cols;       /* cells a row */
    size_t header_rows;  /* leading header rows */
    int line;            /* 1-based source line where it starts */
    int dropped;         /* noise: not part of the document */
};

/* A raw input line. */
struct rline {
    const char *p; /* bytes (NFC input), without the line end */
    size_t n;      /* their count */
    int no;        /* 1-based line number */
};

/* State of one parse. */
struct parser {
    struct arena *a;                               /* everything is allocated here */
    struct outline *o;                             /* the result */
    struct para **paras;                           /* paragraphs in order */
    size_t n_paras;                                /* their count */
    size_t cap_paras;                              /* allocated */
    struct outline_node *stack[OUTLINE_MAX_STACK]; /* open nodes, ranks growing */
    size_t depth;                                  /* their count */
    struct outline_node *preamble;                 /* the preamble node, once made */
    int preamble_open;                             /* bases still go to the preamble */
    struct outline_node *recipients;               /* open "Nơi nhận" list, or NULL */
    struct outline_node *signature;                /* signature waiting for its name, or NULL */
    struct outline_node *table;                    /* table the previous paragraph went to */
    size_t table_cap;                              /* rows allocated for it */
};

static const char *const kind_names[] = {
    "preamble", "phan",    "chuong", "muc",       "dieu",       "khoan", "diem",
    "item",     "phu_luc", "table",  "signature", "recipients", "text",
};

/* A signature block: role lines, then maybe notes and the signer's name last. */
static int signature_para(const struct para *q)
{
    if (q->n_lines == 0 || !outline_role_line(&q->lines[0]))
        return 0;
    int named = 0;
    for (size_t i = 1; i < q->n_lines; i++) {
        const struct pline *l = &q->lines[i];
        if (named)
            return 0;
        if (outline_note_line(l->s, l->n))
            continue;
        if (outline_role_line(l))
            continue;
        if (!outline_name_line(l))
            return 0;
        named = 1;
    }
    return 1;
}

/* Classifies a paragraph from its first line (and all of it for formulas and signatures). */
static void finish_para(struct arena *a, struct para *q)
{
    if (q->kind == P_TABLE)
        return;
    q->line = q->n_lines ? q->lines[0].no : q->line;
    outline_classify(q->lines[0].s, q->lines[0].n, &q->c);
    q->kind = q->c.kind;
    if (q->kind != P_TEXT)
        return;
    if (q->n_lines == 1 && outline_formula_line(a, &q->lines[0]))
        q->kind = P_FORMULA;
    else if (signature_para(q))
        q->kind = P_ROLE;
}

/* ---- blocks and paragraphs ---- */

static struct para *new_para(struct parser *p, int line)
{
    struct para *q = arena_zalloc(p->a, sizeof(*q));
    q->line = line;
    if (p->n_paras == p->cap_paras) {
        size_t cap = p->cap_paras ? 2 * p->cap_paras : 64;
        p->paras = arena_realloc(p->a, p->paras, p->cap_paras * sizeof(*p->paras),
                                 cap * sizeof(*p->paras));
        p->cap_paras = cap;
    }
    p->paras[p->n_paras++] = q;
    return q;
}

static void push_line(struct arena *a, struct para *q, struct pline l)
{
    if (q->n_lines >= q->cap) {
        /* a fresh copy: after read_head() the lines may be a slice of another allocation */
        size_t cap = q->n_lines ? 2 * q->n_lines : 4;
        struct pline *lines = arena_alloc(a, cap * sizeof(*lines));
        if (q->n_lines)
            memcpy(lines, q->lines, q->n_lines * sizeof(*lines));
        q->lines = lines;
        q->cap = cap;
    }
    q->lines[q->n_lines++] = l;
}

/* A block that is an incoming-mail stamp: a line only a stamp holds, and two stamp lines
   or more. */
static int stamp_block(const struct rline *l, size_t n)
{
    int marks = 0, strong = 0;
    for (size_t i = 0; i < n; i++) {
        enum stamp_mark m = outline_stamp_mark(l[i].p, l[i].n);
        strong |= m >= STAMP_HS;
        marks += m != STAMP_NONE;
    }
    return strong && marks >= 2;
}

/* Splits s[0..n) at sep (pipe tables: at unescaped '|'), cleaning each cell; a new row. */
static char **split_cells(struct arena *a, const char *s, size_t n, char sep, size_t *n_cells,
                          int no)
{
    char **cells = arena_alloc(a, OUTLINE_MAX_COLS * sizeof(*cells));
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (sep == '|' && i + 1 < n && s[i] == '\\') {
            i++;
            continue;
        }
        if (i < n && s[i] != sep)
            continue;
        if (k < OUTLINE_MAX_COLS)
            cells[k++] = (char *)outline_clean_line(a, s + start, i - start, no).s;
        start = i + 1;
    }
    *n_cells = k;
    return cells;
}

/* A table delimiter row: | --- | :---: | */
static int delimiter_row(char **cells, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        const char *c = cells[i];
        size_t dashes = 0;
        for (; *c; c++) {
            if (*c == '-')
                dashes++;
            else if (*c != ':' && *c != ' ')
                return 0;
        }
        if (!dashes)
            return 0;
    }
    return 1;
}

static int empty_cell(const char *c)
{
    return c[0] == '\0';
}

/* "STT", "Nội dung" over every column, none of them a number: a header row. */
static int header_row(char **cells, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (empty_cell(cells[i]) || outline_count_words(cells[i], strlen(cells[i])) > 8)
            return 0;
    }
    struct cls c;
    outline_classify(cells[0], strlen(cells[0]), &c);
    return !is_digit(cells[0][0]) && cells[0][0] != '-' && c.kind == P_TEXT &&
           !outline_roman_at(cells[0], strlen(cells[0]), 0, "IVX");
}

static void add_table_para(struct parser *p, const struct rline *l, size_t n, int pipe)
{
    struct para *q = new_para(p, l[0].no);
    q->kind = P_TABLE;
    q->rows = arena_alloc(p->a, n * sizeof(*q->rows));
    size_t *widths = arena_alloc(p->a, n * sizeof(*widths));
    for (size_t i = 0; i < n; i++) {
        const char *s = l[i].p;
        size_t m = l[i].n;
        while (m && (s[m - 1] == ' ' || s[m - 1] == '\r'))
            m--;
        if (pipe) {
            while (m && is_sp(*s)) {
                s++;
                m--;
            }
            if (m && *s == '|') {
                s++;
                m--;
            }
            if (m && s[m - 1] == '|' && !(m >= 2 && s[m - 2] == '\\'))
                m--;
        }
        size_t k;
        char **cells = split_cells(p->a, s, m, pipe ? '|' : '\t', &k, l[i].no);
        if (pipe && delimiter_row(cells, k)) {
            if (q->n_rows == 1)
                q->header_rows = 1;
            continue;
        }
        widths[q->n_rows] = k;
        /* trailing empty cells widen nothing: "I<TAB>MỤC TIÊU<TAB><TAB>" under 3 columns */
        size_t used = k;
        while (q->n_rows > 0 && used > 1 && empty_cell(cells[used - 1]))
            used--;
        q->rows[q->n_rows++] = cells;
        if (used > q->n_cols)
            q->n_cols = used;
    }
    for (size_t r = 0; r < q->n_rows; r++)
        for (size_t c = widths[r]; c < q->n_cols; c++)
            q->rows[r][c] = ""; /* cells past n_cols are simply not read */
    if (!pipe && q->n_rows >= 2 && header_row(q->rows[0], q->n_cols))
        q->header_rows = 1;
    if (q->n_rows == 0)
        q->dropped = 1;
}

/* Lines of a block that are not tables: paragraphs, split where a marker starts a line. */
static void add_text_paras(struct parser *p, const struct rline *l, size_t n)
{
    struct para *q = NULL;
    struct cls prev = {0};
    for (size_t i = 0; i < n; i++) {
        struct pline c = outline_clean_line(p->a, l[i].p, l[i].n, l[i].no);
        if (c.n == 0 || outline_rule_line(c.s, c.n))
            continue;
        struct cls k;
        outline_classify(c.s, c.n, &k);
        if (q && k.kind != P_TEXT) {
            const struct pline *last = &q->lines[q->n_lines - 1];
            int strong = k.kind == P_DIEU || k.kind == P_CHUONG || k.kind == P_MUC ||
                         k.kind == P_PHU_LUC || k.kind == P_RECIPIENTS;
            if (strong || outline_ends_sentence(last->s, last->n) || prev.kind != P_TEXT)
                q = NULL;
        }
        if (!q)
            q = new_para(p, c.no);
        push_line(p->a, q, c);
        prev = k;
    }
}

enum line_type { L_PLAIN, L_TAB, L_PIPE };

static enum line_type line_type(const struct rline *l)
{
    size_t i = 0;
    while (i < l->n && (l->p[i] == ' '))
        i++;
    if (i < l->n && l->p[i] == '|')
        return L_PIPE;
    return memchr(l->p, '\t', l->n) ? L_TAB : L_PLAIN;
}

static size_t count_tabs(const struct rline *l)
{
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++)
        k += l->p[i] == '\t';
    return k;
}

/* A block of non-blank lines: stamps dropped, table runs and text runs split apart. */
static void add_block(struct parser *p, const struct rline *l, size_t n)
{
    if (n == 0 || stamp_block(l, n))
        return;
    enum line_type *t = arena_alloc(p->a, n * sizeof(*t));
    for (size_t i = 0; i < n; i++)
        t[i] = line_type(&l[i]);
    for (size_t i = 0; i < n; i++) {
        /* one line with one tab is text laid out with a tab, not a table */
        if (t[i] == L_TAB && (i == 0 || t[i - 1] != L_TAB) && (i + 1 == n || t[i + 1] != L_TAB) &&
            count_tabs(&l[i]) < 2)
            t[i] = L_PLAIN;
    }
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && t[j] == t[i])
            j++;
        if (t[i] == L_PLAIN)
            add_text_paras(p, l + i, j - i);
        else
            add_table_para(p, l + i, j - i, t[i] == L_PIPE);
        i = j;
    }
}

static int blank(const struct rline *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (!is_sp(l->p[i]))
            return 0;
    return 1;
}

static void read_blocks(struct parser *p, const char *text, size_t len)
{
    size_t cap = 64, n = 0;
    struct rline *l = arena_alloc(p->a, cap * sizeof(*l));
    int no = 0;
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && text[j] != '\n' && text[j] != '\r')
            j++;
        no++;
        struct rline r = {text + i, j - i, no};
        if (j < len && text[j] == '\r' && j + 1 < len && text[j + 1] == '\n')
            j++;
        i = j + 1;
        if (blank(&r)) {
            add_block(p, l, n);
            n = 0;
            continue;
        }
        if (outline_page_number(r.p, r.n))
            continue;
        if (n == cap) {
            l = arena_realloc(p->a, l, cap * sizeof(*l), 2 * cap * sizeof(*l));
            cap *= 2;
        }
        l[n++] = r;
    }
    add_block(p, l, n);
    for (size_t i = 0; i < p->n_paras; i++)
        if (p->paras[i]->n_lines || p->paras[i]->kind == P_TABLE)
            finish_para(p->a, p->paras[i]);
}

/* ---- a stamp spread over paragraphs ---- */

/* Adds q's stamp marks to *marks and *strong; 0 when a line of q is not a stamp line. */
static int stamp_para(const struct para *q, int *marks, int *strong)
{
    if (q->kind == P_TABLE || q->n_lines == 0)
        return 0;
    for (size_t i = 0; i < q->n_lines; i++) {
        enum stamp_mark m = outline_stamp_mark(q->lines[i].s, q->lines[i].n);
        if (m == STAMP_NONE)
            return 0;
        *marks += 1;
        *strong |= m >= STAMP_HS;
    }
    return 1;
}

/*
 * A stamp whose lines came one a paragraph (a Word file, a text made one paragraph a line),
 * which stamp_block() cannot see: a run of paragraphs of stamp lines like a stamp block,
 * and the receiving office ("VPUBND TỈNH HÀ NAM") when it is the short upper-case line just
 * before the "ĐẾN" that opens the run.
 */
static void drop_stamps(struct parser *p)
{
    for (size_t i = 0; i < p->n_paras;) {
        int marks = 0, strong = 0;
        size_t j = i;
        while (j < p->n_paras && stamp_para(p->paras[j], &marks, &strong))
            j++;
        if (j == i) {
            i++;
            continue;
        }
        if (strong && marks >= 2) {
            for (size_t k = i; k < j; k++)
                p->paras[k]->dropped = 1;
            const struct pline *first = &p->paras[i]->lines[0];
            struct para *office = i > 0 ? p->paras[i - 1] : NULL;
            if (office && office->kind == P_TEXT && office->n_lines == 1 &&
                outline_stamp_mark(first->s, first->n) == STAMP_DEN &&
                outline_upper_line(office->lines[0].s, office->lines[0].n) &&
                outline_count_words(office->lines[0].s, office->lines[0].n) <= 8)
                office->dropped = 1;
        }
        i = j;
    }
}

/* ---- running page headers ---- */

static int cmp_para_text(const void *x, const void *y)
{
    const struct para *a = *(struct para *const *)x, *b = *(struct para *const *)y;
    size_t n = a->lines[0].n < b->lines[0].n ? a->lines[0].n : b->lines[0].n;
    int c = memcmp(a->lines[0].s, b->lines[0].s, n);
    if (c)
        return c;
    return a->lines[0].n < b->lines[0].n ? -1 : a->lines[0].n > b->lines[0].n;
}

/* Drops one-line text paragraphs without a full stop that occur three times or more. */
static void drop_running_headers(struct parser *p)
{
    struct para **c = arena_alloc(p->a, (p->n_paras + 1) * sizeof(*c));
    size_t n = 0;
    for (size_t i = 0; i < p->n_paras; i++) {
        struct para *q = p->paras[i];
        if (q->kind == P_TEXT && q->n_lines == 1 && q->lines[0].n <= 100 &&
            !outline_ends_sentence(q->lines[0].s, q->lines[0].n))
            c[n++] = q;
    }
    qsort(c, n, sizeof(*c), cmp_para_text);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && cmp_para_text(&c[i], &c[j]) == 0)
            j++;
        if (j - i >= 3)
            for (size_t k = i; k < j; k++)
                c[k]->dropped = 1;
        i = j;
    }
}

/* ---- the heading block ---- */

/* Document types, as printed. */
static const char *const doc_types[] = {
    "NGHỊ QUYẾT",   "KẾ HOẠCH",  "QUYẾT ĐỊNH", "THÔNG BÁO", "TỜ TRÌNH",           "BÁO CÁO",
    "QUY CHẾ",      "HƯƠNG ƯỚC", "QUY ƯỚC",    "CHỈ THỊ",   "QUY ĐỊNH",           "HƯỚNG DẪN",
    "CHƯƠNG TRÌNH", "PHƯƠNG ÁN", "ĐỀ ÁN",      "BIÊN BẢN",  "GIẤY MỜI",           "CÔNG ĐIỆN",
    "THÔNG TƯ",     "NGHỊ ĐỊNH", "LUẬT",       "ĐIỀU LỆ",   "DỰ THẢO NGHỊ QUYẾT",
};

enum head_state { H_TOP, H_SUMMARY, H_AFTER };

static const char *append_line(struct arena *a, const char *old, const char *s, size_t n,
                               const char *sep)
{
    if (!old || !old[0])
        return arena_strndup(a, s, n);
    return arena_printf(a, "%s%s%.*s", old, sep, (int)n, s);
}

/* The type the line is ("NGHỊ QUYẾT"), with the bytes it takes in *used; NULL if none. */
static const char *doc_type_of(struct arena *a, const struct pline *l, size_t *used)
{
    if (l->n == 0 || l->s[l->n - 1] == ':')
        return NULL;
    const char *f = outline_fold(a, l->s, l->n);
    for (size_t i = 0; i < sizeof(doc_types) / sizeof(doc_types[0]); i++) {
        const char *t = outline_fold(a, doc_types[i], strlen(doc_types[i]));
        if (strcmp(f, t) == 0) {
            *used = l->n;
            return doc_types[i];
        }
        size_t k;
        if (outline_upper_line(l->s, l->n) && (k = outline_ci_prefix(l->s, l->n, doc_types[i])) &&
            k < l->n && l->s[k] == ' ') {
            *used = k;
            return doc_types[i];
        }
    }
    return NULL;
}

/* Lines any part of the head may hold: rules, motto, number, place and date. 1 if taken. */
static int head_field(struct parser *p, const char *s, size_t n)
{
    struct outline *o = p->o;
    if (n == 0 || outline_rule_line(s, n))
        return 1;
    const char *f = outline_fold(p->a, s, n);
    if (strstr(f, "cong hoa xa hoi chu nghia") ||
        (strncmp(f, "doc lap", 7) == 0 && strstr(f, "hanh phuc")))
        return 1;
    size_t k = outline_ci_prefix(s, n, "Số");
    if (k) {
        size_t i = outline_skip_sp(s, n, k);
        if (i < n && (s[i] == ':' || (i > k && (is_digit(s[i]) || s[i] == '/')))) {
            i += s[i] == ':';
            char *v = arena_alloc(p->a, n - i + 1);
            size_t m = 0;
            int real = 0;
            for (; i < n; i++) {
                if (s[i] == ' ')
                    continue;
                real |= s[i] != '.' && s[i] != '_' && s[i] != '\xe2'; /* not "....." or "…" */
                v[m++] = s[i];
            }
            v[m] = '\0';
            if (real && !o->number[0])
                o->number = v;
            return 1;
        }
    }
    if (n < 120 && strstr(f, "thang") && strstr(f, " nam") &&
        (strncmp(f, "ngay ", 5) == 0 || strstr(f, ", ngay "))) {
        if (!o->place_date[0])
            o->place_date = arena_strndup(p->a, s, n);
        return 1;
    }
    return 0;
}

/* Cells of a heading laid out as a table (issuer | motto), column by column. */
static int head_table(struct parser *p, const struct para *q)
{
    int known = 0;
    for (size_t c = 0; c < q->n_cols; c++)
        for (size_t r = 0; r < q->n_rows; r++)
            if (head_field(p, q->rows[r][c], strlen(q->rows[r][c])) && q->rows[r][c][0] != '\0')
                known = 1;
    if (!known)
        return 0;
    for (size_t c = 0; c < q->n_cols; c++)
        for (size_t r = 0; r < q->n_rows; r++) {
            const char *s = q->rows[r][c];
            size_t n = strlen(s);
            if (!head_field(p, s, n) && outline_upper_line(s, n))
                p->o->issuer = append_line(p->a, p->o->issuer, s, n, "\n");
        }
    return 1;
}

/* A heading line that is plain upper-case text (issuer, enacting body). */
static int upper_text(struct parser *p, const struct pline *l)
{
    struct cls c;
    outline_classify(l->s, l->n, &c);
    return c.kind == P_TEXT && outline_upper_line(l->s, l->n) && !outline_formula_line(p->a, l);
}

/*
 * Reads the heading block off the first paragraphs into p->o. Returns the index of the first
 * paragraph of the body; when the head ends inside a paragraph, that paragraph loses the
 * lines the head took.
 */
static size_t read_head(struct parser *p)
{
    struct outline *o = p->o;
    enum head_state st = H_TOP;
    size_t i;
    for (i = 0; i < p->n_paras; i++) {
        struct para *q = p->paras[i];
        if (q->dropped)
            continue;
        if (q->kind == P_TABLE) {
            if (st != H_TOP || !head_table(p, q))
                break;
            continue;
        }
        size_t k = 0;
        for (; k < q->n_lines; k++) {
            const struct pline *l = &q->lines[k];
            if (head_field(p, l->s, l->n))
                continue;
            struct cls c;
            outline_classify(l->s, l->n, &c);
            if (st == H_SUMMARY) {
                st = H_AFTER;
                if (c.kind == P_TEXT && !outline_formula_line(p->a, l) &&
                    (!outline_upper_line(l->s, l->n) || outline_ci_prefix(l->s, l->n, "VỀ VIỆC"))) {
                    size_t m = k;
                    while (m < q->n_lines &&
                           (m == k || !outline_upper_line(q->lines[m].s, q->lines[m].n)))
                        m++;
                    for (; k < m; k++)
                        o->summary =
                            append_line(p->a, o->summary, q->lines[k].s, q->lines[k].n, " ");
                    k--;
                    continue;
                }
            }
            if (st == H_TOP) {
                size_t used;
                const char *t = doc_type_of(p->a, l, &used);
                if (t) {
                    o->doc_type = t;
                    st = H_SUMMARY;
                    size_t r = outline_skip_sp(l->s, l->n, used);
                    if (r < l->n) {
                        o->summary = arena_strndup(p->a, l->s + r, l->n - r);
                        st = H_AFTER;
                    }
                    continue;
                }
                if (outline_ci_prefix(l->s, l->n, "V/v")) {
                    o->summary = arena_strndup(p->a, l->s, l->n);
                    st = H_AFTER;
                    continue;
                }
                if (strcmp(outline_fold(p->a, l->s, l->n), "du thao") == 0)
                    continue;
                if (upper_text(p, l) && !outline_role_line(l)) {
                    o->issuer = append_line(p->a, o->issuer, l->s, l->n, "\n");
                    continue;
                }
                break;
            }
            if (st == H_AFTER && upper_text(p, l)) {
                o->authority = append_line(p->a, o->authority, l->s, l->n, " ");
                continue;
            }
            if (st == H_AFTER && o->summary[0] && !o->authority[0] && c.kind == P_TEXT &&
                outline_starts_lower(l->s, l->n)) {
                o->summary = append_line(p->a, o->summary, l->s, l->n, " "); /* cut by the PDF */
                continue;
            }
            break;
        }
        if (k < q->n_lines) {
            if (k > 0) {
                q->lines += k;
                q->n_lines -= k;
                q->cap = q->n_lines; /* a slice now: push_line copies before growing */
                finish_para(p->a, q);
            }
            break;
        }
    }
    return i;
}

/* ---- joining paragraphs cut by page breaks ---- */

static size_t para_words(const struct para *q)
{
    size_t w = 0;
    for (size_t i = 0; i < q->n_lines; i++)
        w += outline_count_words(q->lines[i].s, q->lines[i].n);
    return w;
}

/* "Nghị quyết này được … thông qua", "Trên đây là …": the closing sentence. */
static int closing_para(struct arena *a, const struct para *q)
{
    const struct pline *l = &q->lines[0];
    if (outline_ci_prefix(l->s, l->n, "Trên đây là"))
        return 1;
    if (!outline_ci_prefix(l->s, l->n, "Nghị quyết này"))
        return 0;
    for (size_t i = 0; i < q->n_lines; i++)
        if (strstr(outline_fold(a, q->lines[i].s, q->lines[i].n), "thong qua"))
            return 1;
    return 0;
}

/* Words a sentence or a heading never ends with: a line ending with one was cut. */
static const char *const open_words[] = {
    "của",  "và", "các", "cho", "với", "về",  "theo", "tại", "trong", "để",  "những", "hoặc",
    "bằng", "do", "là",  "từ",  "đến", "hay", "mà",   "thì", "nhằm",  "gồm", "như",   "vào",
};

static int ends_open(const struct pline *l)
{
    const char *w = l->s + l->n;
    while (w > l->s && w[-1] != ' ')
        w--;
    size_t n = (size_t)(l->s + l->n - w);
    for (size_t i = 0; i < sizeof(open_words) / sizeof(open_words[0]); i++)
        if (strlen(open_words[i]) == n && memcmp(w, open_words[i], n) == 0)
            return 1;
    return 0;
}

static int should_join(struct arena *a, const struct para *prev, const struct para *next)
{
    /* "KT. CHỦ TỊCH" and "PHÓ CHỦ TỊCH" one a paragraph (a Word file, a text made one
       paragraph a line): one signature until the signer's name */
    if (prev->kind == P_ROLE)
        return next->kind == P_ROLE && !outline_name_line(&prev->lines[prev->n_lines - 1]);
    switch (prev->kind) {
    case P_TEXT:
    case P_KHOAN:
    case P_DIEM:
    case P_DASH:
    case P_PLUS:
    case P_DIEU:
    case P_BASIS:
        break;
    default:
        return 0;
    }
    if (next->kind != P_TEXT || closing_para(a, next))
        return 0;
    const struct pline *last = &prev->lines[prev->n_lines - 1], *first = &next->lines[0];
    if (outline_ends_sentence(last->s, last->n))
        return 0;
    if (prev->n_lines == 1 && prev->c.kind != P_TEXT && prev->c.rest >= last->n)
        return 1; /* "1." or "Điều 5." alone */
    if (outline_starts_lower(first->s, first->n))
        return 1;
    char end = last->s[last->n - 1];
    if (end == ',' || end == '-' ||
        (last->n >= 3 && outline_long_dash(last->s, last->n, last->n - 3)) || ends_open(last))
        return 1;
    size_t k;
    int32_t c = cp_at(first->s, first->n, &k);
    return para_words(prev) >= LONG_WORDS && (cp_upper(c) || (c >= '0' && c <= '9'));
}

static void join_paras(struct parser *p, size_t from)
{
    size_t w = from;
    struct para *prev = NULL;
    for (size_t i = from; i < p->n_paras; i++) {
        struct para *q = p->paras[i];
        if (q->dropped)
            continue;
        if (prev && should_join(p->a, prev, q)) {
            for (size_t k = 0; k < q->n_lines; k++)
                push_line(p->a, prev, q->lines[k]);
            continue;
        }
        p->paras[w++] = q;
        prev = q;
    }
    p->n_paras = w;
}

/* ---- the tree ---- */

/* Ranks: a node encloses nodes of larger rank. */
static int rank_of(enum pk k, int depth)
{
    switch (k) {
    case P_PHU_LUC:
        return 10;
    case P_PHAN:
        return 20;
    case P_CHUONG:
        return 30;
    case P_MUC:
        return 40;
    case P_DIEU:
        return 50;
    case P_KHOAN:
        return 60 + (depth > 3 ? 3 : depth);
    case P_DIEM:
        return 70;
    case P_DASH:
        return 80;
    case P_PLUS:
        return 90;
    default:
        return 100;
    }
}

static enum outline_kind node_kind(enum pk k)
{
    switch (k) {
    case P_PHAN:
        return OUTLINE_PHAN;
    case P_CHUONG:
        return OUTLINE_CHUONG;
    case P_MUC:
        return OUTLINE_MUC;
    case P_DIEU:
        return OUTLINE_DIEU;
    case P_KHOAN:
        return OUTLINE_KHOAN;
    case P_DIEM:
        return OUTLINE_DIEM;
    case P_DASH:
    case P_PLUS:
        return OUTLINE_ITEM;
    case P_PHU_LUC:
        return OUTLINE_PHU_LUC;
    default:
        return OUTLINE_TEXT;
    }
}

static int heading_kind(enum outline_kind k)
{
    return k == OUTLINE_PHAN || k == OUTLINE_CHUONG || k == OUTLINE_MUC || k == OUTLINE_DIEU ||
           k == OUTLINE_PHU_LUC;
}

static struct outline_node *new_node(struct parser *p, enum outline_kind k, int rank, int line)
{
    struct outline_node *n = arena_zalloc(p->a, sizeof(*n));
    n->kind = k;
    n->rank = rank;
    n->line = line;
    n->number = n->title = n->body = n->key = "";
    p->o->n_nodes++;
    return n;
}

static void add_child(struct outline_node *parent, struct outline_node *n)
{
    n->parent = parent;
    if (parent->last)
        parent->last->next = n;
    else
        parent->first = n;
    parent->last = n;
    parent->n_children++;
}

/* The lines of q, the first from byte off on (past its marker), as one string. */
static char *para_text(struct arena *a, const struct para *q, size_t off)
{
    struct buf b;
    buf_init(&b, a);
    for (size_t i = 0; i < q->n_lines; i++) {
        const char *s = q->lines[i].s;
        size_t n = q->lines[i].n;
        if (i == 0) {
            s += off < n ? off : n;
            n -= off < n ? off : n;
        }
        if (n == 0)
            continue;
        if (b.len)
            buf_putc(&b, ' ');
        buf_append(&b, s, n);
    }
    return b.ptr ? b.ptr : arena_strdup(a, "");
}

/* The first TITLE_WORDS words of s, with "…" when there are more. */
static const char *first_words(struct arena *a, const char *s)
{
    size_t w = 0, i = 0, n = strlen(s);
    for (; i < n; i++) {
        if (s[i] == ' ' && ++w == TITLE_WORDS)
            break;
    }
    if (i >= n)
        return s;
    return arena_printf(a, "%.*s\xe2\x80\xa6", (int)i, s);
}

static void clear_stack(struct parser *p)
{
    p->depth = 0;
}

/* Attaches n below the open node of smaller rank and opens it. */
static void place(struct parser *p, struct outline_node *n)
{
    while (p->depth && p->stack[p->depth - 1]->rank >= n->rank)
        p->depth--;
    add_child(p->depth ? p->stack[p->depth - 1] : &p->o->root, n);
    if (p->depth < OUTLINE_MAX_STACK)
        p->stack[p->depth++] = n;
}

/* The nearest open node that is not an item (closing the items), or the root. */
static struct outline_node *text_parent(struct parser *p)
{
    while (p->depth && p->stack[p->depth - 1]->kind == OUTLINE_ITEM)
        p->depth--;
    return p->depth ? p->stack[p->depth - 1] : &p->o->root;
}

static struct outline_node *text_node(struct parser *p, struct outline_node *parent,
                                      const char *text, int line)
{
    struct outline_node *n = new_node(p, OUTLINE_TEXT, 100, line);
    n->body = text;
    n->title = first_words(p->a, text);
    add_child(parent, n);
    return n;
}

static void add_text(struct parser *p, const struct para *q)
{
    struct outline_node *t = text_parent(p);
    char *text = para_text(p->a, q, 0);
    if (t != &p->o->root && heading_kind(t->kind) && t->n_children == 0) {
        t->body = append_line(p->a, t->body, text, strlen(text), "\n");
        return;
    }
    text_node(p, t, text, q->line);
}

static int same_row(char **a, const char *const *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(a[i], b[i]) != 0)
            return 0;
    return 1;
}

static void table_push_row(struct parser *p, struct outline_node *t, char **row, size_t cols)
{
    if (t->n_rows == p->table_cap) {
        size_t cap = p->table_cap ? 2 * p->table_cap : 16;
        t->rows = arena_realloc(p->a, (void *)t->rows, p->table_cap * sizeof(*t->rows),
                                cap * sizeof(*t->rows));
        p->table_cap = cap;
    }
    char **r = arena_alloc(p->a, t->n_cols * sizeof(*r));
    for (size_t c = 0; c < t->n_cols; c++)
        r[c] = c < cols ? row[c] : "";
    ((const char *const **)t->rows)[t->n_rows++] = (const char *const *)r;
}

/*
 * A table paragraph: a new table node, or - right after a table with as many columns - the
 * rest of that table past a page break (the repeated header dropped, a first row without STT
 * merged into the row before).
 */
static void add_table(struct parser *p, const struct para *q)
{
    struct outline_node *t = p->table;
    size_t r = 0;
    if (t && q->n_cols <= t->n_cols) {
        if (t->header_rows && q->n_rows && q->n_cols == t->n_cols &&
            same_row(q->rows[0], t->rows[0], t->n_cols))
            r = 1;
        if (r < q->n_rows && empty_cell(q->rows[r][0]) && t->n_rows > t->header_rows) {
            char **last = (char **)t->rows[t->n_rows - 1];
            for (size_t c = 0; c < q->n_cols; c++) {
                const char *add = q->rows[r][c];
                if (empty_cell(add))
                    continue;
                last[c] =
                    empty_cell(last[c]) ? (char *)add : arena_printf(p->a, "%s %s", last[c], add);
            }
            r++;
        }
    } else {
        t = new_node(p, OUTLINE_TABLE, 100, q->line);
        t->n_cols = q->n_cols;
        t->header_rows = q->header_rows;
        p->table_cap = 0;
        add_child(text_parent(p), t);
        p->table = t;
    }
    for (; r < q->n_rows; r++)
        table_push_row(p, t, q->rows[r], q->n_cols);
}

/* A title on the paragraph after a bare "Chương I" or "PHỤ LỤC II"; 1 if it took it. */
static int heading_title(struct parser *p, struct outline_node *n, const struct para *q)
{
    if (!q || q->kind != P_TEXT || closing_para(p->a, q))
        return 0;
    if (n->kind != OUTLINE_PHU_LUC && !outline_upper_line(q->lines[0].s, q->lines[0].n) &&
        (para_words(q) > 25 ||
         outline_ends_sentence(q->lines[q->n_lines - 1].s, q->lines[q->n_lines - 1].n)))
        return 0;
    for (size_t i = 0; i < q->n_lines; i++) {
        const struct pline *l = &q->lines[i];
        if (n->kind == OUTLINE_PHU_LUC && i > 0 && l->s[0] == '(')
            n->body = append_line(p->a, n->body, l->s, l->n, " ");
        else
            n->title = append_line(p->a, n->title, l->s, l->n, " ");
    }
    return 1;
}

static void add_signature(struct parser *p, const struct para *q)
{
    clear_stack(p);
    struct outline_node *s = new_node(p, OUTLINE_SIGNATURE, 0, q->line);
    for (size_t i = 0; i < q->n_lines; i++) {
        const struct pline *l = &q->lines[i];
        if (outline_role_line(l))
            s->body = append_line(p->a, s->body, l->s, l->n, "\n");
        else if (outline_name_line(l))
            s->title = arena_strndup(p->a, l->s, l->n);
    }
    add_child(&p->o->root, s);
    p->signature = s->title[0] ? NULL : s;
}

/* Inside "Nơi nhận": items and notes. 1 if q was one of them. */
static int add_recipient(struct parser *p, const struct para *q)
{
    struct outline_node *r = p->recipients;
    if (q->kind == P_DASH || q->kind == P_PLUS) {
        struct outline_node *n = new_node(p, OUTLINE_ITEM, 80, q->line);
        n->body = para_text(p->a, q, q->c.rest);
        n->title = first_words(p->a, n->body);
        add_child(r, n);
        return 1;
    }
    if (q->kind != P_TEXT || q->n_lines != 1)
        return 0;
    const struct pline *l = &q->lines[0];
    if (outline_note_line(l->s, l->n)) {
        text_node(p, r, arena_strndup(p->a, l->s, l->n), q->line);
        return 1;
    }
    if (l->n && l->s[l->n - 1] == ';' && outline_count_words(l->s, l->n) <= 12) {
        struct outline_node *n = new_node(p, OUTLINE_ITEM, 80, q->line);
        n->body = arena_strndup(p->a, l->s, l->n);
        n->title = first_words(p->a, n->body);
        add_child(r, n);
        return 1;
    }
    return 0;
}

static void add_structural(struct parser *p, const struct para *q, const struct para *next,
                           size_t *skip)
{
    struct outline_node *n = new_node(p, node_kind(q->kind), rank_of(q->kind, q->c.depth), q->line);
    n->number = arena_strndup(p->a, q->c.num ? q->c.num : "", q->c.num_len);
    char *text = para_text(p->a, q, q->c.rest);
    if (heading_kind(n->kind)) {
        n->title = text;
        if (!text[0] && n->kind != OUTLINE_DIEU && heading_title(p, n, next))
            *skip = 1;
    } else {
        n->body = text;
        n->title = first_words(p->a, text);
    }
    place(p, n);
}

static void build(struct parser *p, size_t from)
{
    struct outline *o = p->o;
    p->preamble_open = 1;
    for (size_t i = from; i < p->n_paras; i++) {
        const struct para *q = p->paras[i];
        const struct para *next = i + 1 < p->n_paras ? p->paras[i + 1] : NULL;
        if (q->kind == P_TABLE) {
            p->preamble_open = 0;
            p->recipients = NULL;
            p->signature = NULL;
            add_table(p, q);
            continue;
        }
        p->table = NULL;
        if (p->signature) {
            struct outline_node *s = p->signature;
            if (q->kind == P_TEXT && q->n_lines == 1 &&
                outline_note_line(q->lines[0].s, q->lines[0].n))
                continue;
            p->signature = NULL;
            if (q->kind == P_TEXT && q->n_lines == 1 && outline_name_line(&q->lines[0])) {
                s->title = arena_strndup(p->a, q->lines[0].s, q->lines[0].n);
                continue;
            }
        }
        if (p->recipients) {
            if (add_recipient(p, q))
                continue;
            p->recipients = NULL;
        }
        if (q->kind == P_BASIS && p->preamble_open) {
            if (!p->preamble) {
                clear_stack(p);
                p->preamble = new_node(p, OUTLINE_PREAMBLE, 0, q->line);
                add_child(&o->root, p->preamble);
            }
            text_node(p, p->preamble, para_text(p->a, q, 0), q->line);
            continue;
        }
        p->preamble_open = 0;
        size_t skip = 0;
        switch (q->kind) {
        case P_FORMULA:
            clear_stack(p);
            break;
        case P_RECIPIENTS: {
            clear_stack(p);
            struct outline_node *r = new_node(p, OUTLINE_RECIPIENTS, 0, q->line);
            r->title = "Nơi nhận";
            add_child(&o->root, r);
            p->recipients = r;
            if (q->c.rest < q->lines[0].n || q->n_lines > 1) {
                struct outline_node *n = new_node(p, OUTLINE_ITEM, 80, q->line);
                n->body = para_text(p->a, q, q->c.rest);
                if (n->body[0] == '-')
                    n->body = n->body[1] == ' ' ? n->body + 2 : n->body + 1;
                n->title = first_words(p->a, n->body);
                add_child(r, n);
            }
            break;
        }
        case P_ROLE:
            add_signature(p, q);
            break;
        case P_PHAN:
        case P_CHUONG:
        case P_MUC:
        case P_DIEU:
        case P_KHOAN:
        case P_DIEM:
        case P_DASH:
        case P_PLUS:
        case P_PHU_LUC:
            add_structural(p, q, next, &skip);
            break;
        default:
            if (closing_para(p->a, q)) {
                clear_stack(p);
                text_node(p, &o->root, para_text(p->a, q, 0), q->line);
            } else {
                add_text(p, q);
            }
            break;
        }
        i += skip;
    }
}

/* ---- keys, paths and labels ---- */

static const char *const key_names[] = {
    "preamble", "phan",    "chuong", "muc",       "dieu",       "khoan", "diem",
    "item",     "phu-luc", "table",  "signature", "recipients", "text",
};

/* number as an ASCII path piece: đ is "dd", letters folded and lower case, spaces "-". */
static void put_slug(struct buf *b, struct arena *a, const char *s)
{
    struct buf t;
    buf_init(&t, a);
    for (size_t i = 0, n = strlen(s); i < n;) {
        size_t k;
        int32_t c = cp_at(s + i, n - i, &k);
        if (c == 0x111 || c == 0x110)
            buf_puts(&t, "dd");
        else
            buf_append(&t, s + i, k);
        i += k;
    }
    const char *f = outline_fold(a, t.ptr ? t.ptr : "", t.len);
    for (; *f; f++) {
        char c = *f;
        if ((c >= 'a' && c <= 'z') || is_digit(c) || c == '.')
            buf_putc(b, c);
        else if (c == ' ')
            buf_putc(b, '-');
    }
}

/* One node's key and the count it was made from. */
struct key_ref {
    const char *key;           /* "khoan-2" before duplicates are told apart */
    size_t order;              /* place among the siblings */
    struct outline_node *node; /* whose key it is */
};

static int cmp_key(const void *x, const void *y)
{
    const struct key_ref *a = x, *b = y;
    int c = strcmp(a->key, b->key);
    if (c)
        return c;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* Keys of n's children (and theirs): kind-number or kind-ordinal, "~2" on repeats. */
static void make_keys(struct arena *a, struct outline_node *n)
{
    if (!n->n_children)
        return;
    struct key_ref *refs = arena_alloc(a, n->n_children * sizeof(*refs));
    size_t counts[sizeof(key_names) / sizeof(key_names[0])] = {0};
    size_t i = 0;
    for (struct outline_node *c = n->first; c; c = c->next, i++) {
        size_t ord = ++counts[c->kind];
        struct buf b;
        buf_init(&b, a);
        buf_puts(&b, key_names[c->kind]);
        int single = c->kind == OUTLINE_PREAMBLE || c->kind == OUTLINE_SIGNATURE ||
                     c->kind == OUTLINE_RECIPIENTS;
        size_t mark = b.len;
        if (c->number[0]) {
            buf_putc(&b, '-');
            put_slug(&b, a, c->number);
        }
        if (b.len <= mark + 1 && !(single && ord == 1)) {
            b.len = mark;
            buf_printf(&b, "-%zu", ord);
        }
        refs[i] = (struct key_ref){b.ptr, i, c};
        make_keys(a, c);
    }
    qsort(refs, n->n_children, sizeof(*refs), cmp_key);
    size_t rep = 0;
    for (size_t k = 0; k < n->n_children; k++) {
        rep = k && strcmp(refs[k - 1].key, refs[k].key) == 0 ? rep + 1 : 1;
        refs[k].node->key = rep == 1 ? refs[k].key : arena_printf(a, "%s~%zu", refs[k].key, rep);
    }
}

char *outline_path(struct arena *a, const struct outline_node *n)
{
    const struct outline_node *chain[OUTLINE_MAX_STACK + 8];
    size_t d = 0;
    for (; n && n->parent && d < sizeof(chain) / sizeof(chain[0]); n = n->parent)
        chain[d++] = n;
    struct buf b;
    buf_init(&b, a);
    buf_puts(&b, "");
    while (d) {
        buf_puts(&b, chain[--d]->key);
        if (d)
            buf_putc(&b, '/');
    }
    return b.ptr;
}

const struct outline_node *outline_find(const struct outline *o, const char *path)
{
    const struct outline_node *n = &o->root;
    while (path && *path) {
        size_t k = strcspn(path, "/");
        const struct outline_node *c = n->first;
        while (c && !(strlen(c->key) == k && memcmp(c->key, path, k) == 0))
            c = c->next;
        if (!c)
            return NULL;
        n = c;
        path += k;
        path += *path == '/';
    }
    return n == &o->root ? NULL : n;
}

/* Place of n among its parent's children of the same kind, from 1. */
static size_t ordinal(const struct outline_node *n)
{
    size_t k = 1;
    for (const struct outline_node *c = n->parent ? n->parent->first : n; c && c != n; c = c->next)
        k += c->kind == n->kind;
    return k;
}

static void put_label(struct buf *b, const struct outline_node *n)
{
    static const char *const words[] = {
        "phần căn cứ",       "Phần",    "Chương", "Mục",     "Điều",     "khoản", "điểm",
        "gạch đầu dòng thứ", "Phụ lục", "bảng",   "phần ký", "nơi nhận", "đoạn",
    };
    buf_puts(b, words[n->kind]);
    if (n->number[0])
        buf_printf(b, " %s", n->number);
    else if (n->kind == OUTLINE_ITEM || n->kind == OUTLINE_TABLE || n->kind == OUTLINE_TEXT ||
             n->kind == OUTLINE_PHAN || n->kind == OUTLINE_CHUONG || n->kind == OUTLINE_MUC ||
             n->kind == OUTLINE_DIEU || n->kind == OUTLINE_KHOAN || n->kind == OUTLINE_DIEM)
        buf_printf(b, " %zu", ordinal(n));
}

char *outline_label(struct arena *a, const struct outline_node *n)
{
    const struct outline_node *chain[OUTLINE_MAX_STACK + 8];
    size_t d = 0;
    for (; n && n->parent && d < sizeof(chain) / sizeof(chain[0]); n = n->parent)
        chain[d++] = n;
    /* điều are numbered through the whole document: "Điều 5, khoản 2", not "Chương II, ..." */
    for (size_t k = d; k > 0; k--)
        if (chain[k - 1]->kind == OUTLINE_DIEU) {
            d = k;
            break;
        }
    struct buf b;
    buf_init(&b, a);
    buf_puts(&b, "");
    while (d) {
        put_label(&b, chain[--d]);
        if (d)
            buf_puts(&b, ", ");
    }
    /* upper-case the first letter: "Khoản 2" at the top level */
    size_t k;
    int32_t c = b.len ? cp_at(b.ptr, b.len, &k) : -1;
    if (c >= 0 && cp_lower(c)) {
        utf8proc_uint8_t up[4];
        utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_toupper(c), up);
        if ((size_t)m == k)
            memcpy(b.ptr, up, k);
    }
    return b.ptr;
}

/* ---- names ---- */

const char *outline_kind_name(enum outline_kind k)
{
    if ((unsigned)k >= sizeof(kind_names) / sizeof(kind_names[0]))
        return "";
    return kind_names[k];
}

int outline_kind_from_name(const char *s)
{
    for (size_t i = 0; s && i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
        if (strcmp(s, kind_names[i]) == 0)
            return (int)i;
    return -1;
}

/* ---- parsing ---- */

static void set_err(char *err, size_t err_len, const char *msg)
{
    if (err && err_len)
        snprintf(err, err_len, "%s", msg);
}

int outline_parse(struct arena *a, const char *text, size_t len, struct outline **out, char *err,
                  size_t err_len)
{
    *out = NULL;
    set_err(err, err_len, "");
    if (len > OUTLINE_MAX_INPUT) {
        set_err(err, err_len, "the text is over 16 MiB");
        return ERR_TOO_LARGE;
    }
    if (len && memchr(text, '\0', len)) {
        set_err(err, err_len, "the text holds NUL bytes");
        return ERR_INVALID;
    }
    size_t n = 0;
    const char *nfc = len ? utf8_nfc(a, text, len, &n) : "";
    if (!nfc) {
        set_err(err, err_len, "the text is not valid UTF-8");
        return ERR_INVALID;
    }
    struct outline *o = arena_zalloc(a, sizeof(*o));
    o->doc_type = o->summary = o->number = o->issuer = o->authority = o->place_date = "";
    o->root.kind = OUTLINE_TEXT;
    o->root.number = o->root.title = o->root.body = o->root.key = "";
    struct parser p = {.a = a, .o = o};
    read_blocks(&p, nfc, n);
    drop_stamps(&p);
    drop_running_headers(&p);
    size_t body = read_head(&p);
    join_paras(&p, body);
    build(&p, body);
    make_keys(a, &o->root);
    *out = o;
    return 0;
}

/* ---- JSON ---- */

static json_t *node_json(const struct outline_node *n, struct buf *path)
{
    json_t *j = json_object();
    if (!j)
        return NULL;
    size_t mark = path->len;
    if (mark)
        buf_putc(path, '/');
    buf_puts(path, n->key);
    json_object_set_new(j, "kind", json_string(outline_kind_name(n->kind)));
    json_object_set_new(j, "number", json_string(n->number));
    json_object_set_new(j, "title", json_string(n->title));
    json_object_set_new(j, "body", json_string(n->body));
    json_object_set_new(j, "path", json_string(path->ptr));
    json_object_set_new(j, "line", json_integer(n->line));
    if (n->kind == OUTLINE_TABLE) {
        json_t *rows = json_array();
        for (size_t r = 0; r < n->n_rows; r++) {
            json_t *row = json_array();
            for (size_t c = 0; c < n->n_cols; c++)
                json_array_append_new(row, json_string(n->rows[r][c]));
            json_array_append_new(rows, row);
        }
        json_object_set_new(j, "rows", rows);
        json_object_set_new(j, "header_rows", json_integer((json_int_t)n->header_rows));
    }
    json_t *kids = json_array();
    for (const struct outline_node *c = n->first; c; c = c->next)
        json_array_append_new(kids, node_json(c, path));
    json_object_set_new(j, "children", kids);
    path->len = mark;
    path->ptr[mark] = '\0';
    return j;
}

json_t *outline_json(const struct outline *o)
{
    json_t *j = json_object();
    if (!j)
        return NULL;
    json_object_set_new(j, "doc_type", json_string(o->doc_type));
    json_object_set_new(j, "summary", json_string(o->summary));
    json_object_set_new(j, "number", json_string(o->number));
    json_object_set_new(j, "issuer", json_string(o->issuer));
    json_object_set_new(j, "authority", json_string(o->authority));
    json_object_set_new(j, "place_date", json_string(o->place_date));
    struct buf path;
    buf_init(&path, NULL);
    buf_puts(&path, "");
    json_t *sections = json_array();
    for (const struct outline_node *c = o->root.first; c; c = c->next)
        json_array_append_new(sections, node_json(c, &path));
    json_object_set_new(j, "sections", sections);
    buf_free(&path);
    return j;
}

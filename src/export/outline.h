/*
 * outline.h - the structure of a Vietnamese legal or administrative document (nghị quyết, kế
 * hoạch, quyết định, quy chế...) recognised from its text: the heading block (type, summary,
 * number, issuer, place and date) and a tree of sections (phần, chương, mục, điều, khoản,
 * điểm, dash items, phụ lục, tables, preamble, signature, recipients, text).
 *
 * The input is UTF-8 text as extracted from a PDF, Markdown, or the light Markdown that
 * export_docx_markdown() makes of a Word file. Everything returned lives in the caller's
 * arena; nothing needs freeing but the arena (and the JSON from outline_json()).
 *
 * Each node has a stable machine path ("dieu-1/khoan-2/diem-a") for anchoring comments on a
 * section and comparing versions, and a label people read ("Điều 1, khoản 2, điểm a").
 */
#ifndef DANCHU_EXPORT_OUTLINE_H
#define DANCHU_EXPORT_OUTLINE_H

#include <stddef.h>

#include "core/arena.h"

struct json_t;

/* What a section is. outline_kind_name() gives the JSON string in the comment. */
enum outline_kind {
    OUTLINE_PREAMBLE, /* "preamble": the Căn cứ / Xét / Thực hiện bases, one text child each */
    OUTLINE_PHAN,     /* "phan": part "I.", "II." or "Phần I" */
    OUTLINE_CHUONG,     /* "chuong": "Chương I" */
    OUTLINE_MUC,        /* "muc": "Mục 1" */
    OUTLINE_DIEU,       /* "dieu": "Điều 1." */
    OUTLINE_KHOAN,      /* "khoan": "1." (and "1.1." one level deeper) */
    OUTLINE_DIEM,       /* "diem": "a)", "đ)" */
    OUTLINE_ITEM,       /* "item": a "- " item, or a "+ " item under the "- " item before it */
    OUTLINE_PHU_LUC,    /* "phu_luc": "PHỤ LỤC I", "Phụ lục 2" */
    OUTLINE_TABLE,      /* "table": tab-separated or pipe table; rows instead of body */
    OUTLINE_SIGNATURE,  /* "signature": roles in body (one a line), the signer's name as title */
    OUTLINE_RECIPIENTS, /* "recipients": "Nơi nhận:", each recipient an item child, a note
                           such as "(để b/c)" a text child */
    OUTLINE_TEXT,       /* "text": any other paragraph */
};

/* One section. Strings are never NULL ("" when absent). */
struct outline_node {
    enum outline_kind kind; /* what it is */
    const char *number;     /* as written without the trailing dot or parenthesis: "1",
                               "đ", "II", "1.1"; "" for items and unnumbered nodes */
    const char *title; /* điều, chương, mục, phần, phụ lục: the heading; signature:
                          the signer's name; others: the first words of the body
                          (at most 12, "…" when cut) */
    const char *body;  /* the node's own text, lines joined, whitespace normalised,
                          Markdown markers gone, children not included; for a
                          heading node the paragraphs between its heading and its
                          first child (one a line); signature: roles one a line */
    const char *key;   /* path segment, unique among its siblings: "khoan-2" */
    struct outline_node *parent;       /* NULL for the root */
    struct outline_node *first, *last; /* children */
    struct outline_node *next;         /* next sibling */
    size_t n_children;                 /* number of children */
    const char *const *const *rows;    /* table: rows[r][c], n_rows x n_cols; else NULL */
    size_t n_rows, n_cols;             /* table size (header rows included in n_rows) */
    size_t header_rows;                /* table: leading rows that are the header (0 or 1) */
    int rank;                          /* nesting rank: a node encloses larger ranks */
    int line;                          /* 1-based source line where it starts; 0 root */
};

/* A parsed document. Head strings are "" when the document does not have them. */
struct outline {
    const char *doc_type;   /* "NGHỊ QUYẾT", "KẾ HOẠCH"... as written, upper case */
    const char *summary;    /* the line(s) after the type: "Quyết định các biện pháp…" */
    const char *number;     /* "31/NQ-HĐND" (spaces removed; may be "/KH-UBND") */
    const char *issuer;     /* issuing body above the number, one line each:
                               "HỘI ĐỒNG NHÂN DÂN\nTỈNH HÀ NAM" */
    const char *authority;  /* the enacting body after the summary: "HỘI ĐỒNG NHÂN DÂN XÃ
                               KÈ SẮT KHÓA I, KỲ HỌP THỨ 5" */
    const char *place_date; /* "Hà Nam, ngày 17 tháng 7 năm 2024" */
    struct outline_node root; /* kind OUTLINE_TEXT, no text; its children are the sections */
    size_t n_nodes;           /* nodes in the tree, root excluded */
};

/*
 * Recognises the structure of text[0..len). Any valid UTF-8 parses (empty text gives no
 * sections). *out lives in a. ERR_INVALID when the text is not UTF-8 or holds NUL bytes,
 * ERR_TOO_LARGE past 16 MiB, with an English reason in err when err is not NULL.
 */
int outline_parse(struct arena *a, const char *text, size_t len, struct outline **out, char *err,
                  size_t err_len);

/* "dieu", "phu_luc"...; "" for a value out of range. */
const char *outline_kind_name(enum outline_kind k);
/* The kind named s (as outline_kind_name writes it), or -1. */
int outline_kind_from_name(const char *s);

/* "dieu-1/khoan-2/diem-a" (ASCII: đ is "dd", Vietnamese letters folded), in a. */
char *outline_path(struct arena *a, const struct outline_node *n);
/* "Điều 1, khoản 2, điểm a" for people, in a. */
char *outline_label(struct arena *a, const struct outline_node *n);
/* The node at path (as outline_path writes it), or NULL. */
const struct outline_node *outline_find(const struct outline *o, const char *path);

/*
 * {"doc_type", "summary", "number", "issuer", "authority", "place_date", "sections": [node]},
 * node = {"kind", "number", "title", "body", "path", "line", "children": [node]} plus "rows"
 * (array of arrays of strings) and "header_rows" for tables. A new reference (json_decref),
 * or NULL when out of memory.
 */
struct json_t *outline_json(const struct outline *o);

#endif

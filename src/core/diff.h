/*
 * diff.h - what changed between two versions of a draft: the edit script of any two
 * sequences, the word-by-word differences of two texts, the alignment of two versions'
 * sections, and the HTML of a word diff for the comparison page.
 *
 * The edit script is Myers' O(ND) algorithm in linear space (the middle-snake recursion of
 * GNU diff): similar inputs of tens of thousands of tokens take milliseconds. Its cost is
 * capped: past max_cost units of work (one unit per element comparison or diagonal step) the
 * stretches not yet resolved are reported as all deleted then all inserted, which is a
 * correct script but not a minimal one (approximate = 1). Memory is linear in the inputs
 * in every case: about 20 bytes per element of scratch plus the script.
 *
 * Everything returned lives in the caller's arena; nothing here frees. Inputs are borrowed
 * and may be freed after a call returns (texts are copied).
 */
#ifndef DANCHU_CORE_DIFF_H
#define DANCHU_CORE_DIFF_H

#include <stddef.h>

#include "core/arena.h"
#include "core/str.h"

/* Work units after which diff_seq() gives up on a minimal script: about 70 ms on a current
 * x86 server. Two 20,000-word texts with a tenth of their words replaced stay below it (about
 * 25 ms); with a third replaced they reach it. Compare a draft section by section. */
#define DIFF_COST_DEFAULT 20000000u

enum diff_op {
    DIFF_SAME, /* in both versions */
    DIFF_DEL,  /* only in the old version */
    DIFF_INS,  /* only in the new version */
};

/* One run of an edit script. Runs cover both sequences in order; a DEL run comes before the
 * INS run of the same change. */
struct diff_edit {
    enum diff_op op; /* what happened to the run */
    size_t old_at;   /* first old index (SAME, DEL); for INS the old index it comes before */
    size_t new_at;   /* first new index (SAME, INS); for DEL the new index it comes before */
    size_t n;        /* elements in the run, at least 1 */
};

struct diff_script {
    struct diff_edit *edits; /* runs in order, in the arena */
    size_t n_edits;          /* number of runs */
    int approximate;         /* 1 when the cost cap cut the search: correct, not minimal */
};

/* 1 when element i of the old sequence equals element j of the new one. */
typedef int (*diff_eq_fn)(const void *ctx, size_t i, size_t j);

/*
 * Shortest edit script from old[0..n_old) to new[0..n_new), comparing elements with
 * eq(ctx, i, j). max_cost bounds the work (0 for DIFF_COST_DEFAULT); see above.
 */
void diff_seq(struct arena *a, size_t n_old, size_t n_new, diff_eq_fn eq, const void *ctx,
              size_t max_cost, struct diff_script *out);

/* A stretch of text that is kept, deleted or inserted. */
struct diff_seg {
    enum diff_op op;  /* DIFF_SAME, DIFF_DEL or DIFF_INS */
    const char *text; /* NUL-terminated copy in the arena */
    size_t len;       /* bytes in text */
};

struct diff_text {
    struct diff_seg *segs; /* in order; no two neighbours share an op, none is empty */
    size_t n_segs;         /* number of segments; 0 when both texts are empty */
    int approximate;       /* 1 when the cost cap was hit (see diff_seq) */
};

/*
 * Word-by-word differences between two UTF-8 texts (NFC assumed; bytes compared exactly, so
 * "đất" and "đặt" differ). Tokens are words (letters, marks and digits), runs of white
 * space, and single other characters (punctuation); invalid bytes stay with their word.
 * The SAME and DEL segments concatenate to old_text, SAME and INS to new_text. White space
 * or punctuation alone between two changes is folded into them, so "a b" -> "c d" reads as
 * one replacement rather than two. Scratch memory: about 50 bytes per token.
 */
void diff_words(struct arena *a, struct str old_text, struct str new_text, struct diff_text *out);

/* One section of a version of a draft. */
struct diff_section {
    struct str path; /* machine path, e.g. "dieu-1/khoan-2/diem-a" */
    struct str body; /* text of the section */
};

enum diff_status {
    DIFF_SECTION_SAME,       /* same path, same body */
    DIFF_SECTION_CHANGED,    /* same path, body edited */
    DIFF_SECTION_ADDED,      /* only in the new version */
    DIFF_SECTION_REMOVED,    /* only in the old version */
    DIFF_SECTION_RENUMBERED, /* paired by content under another path; body_changed tells */
};

struct diff_pair {
    ptrdiff_t old_index;     /* index in the old sections, or -1 when added */
    ptrdiff_t new_index;     /* index in the new sections, or -1 when removed */
    enum diff_status status; /* see enum diff_status */
    int body_changed;        /* 1 when both exist and their bodies differ */
};

struct diff_alignment {
    struct diff_pair *pairs; /* new-document order; a removed section where it stood */
    size_t n_pairs;          /* number of pairs */
    int approximate;         /* 1 when pairing by content hit the cost cap */
};

/*
 * Aligns two versions' sections, each array in document order. Sections are paired first
 * by content, in order (an LCS where two sections match when their bodies are identical or
 * share at least 80% of their words, counted with repeats against the longer body), so a
 * khoản shifted from "khoan-3" to "khoan-4" by an insertion is RENUMBERED, not CHANGED.
 * Between those pairs, sections left over are paired by equal path (CHANGED or SAME); the
 * rest are REMOVED or ADDED.
 */
void diff_sections(struct arena *a, const struct diff_section *old_secs, size_t n_old,
                   const struct diff_section *new_secs, size_t n_new, struct diff_alignment *out);

/*
 * Appends segments to out as HTML for the comparison page: text escaped (& < > " '),
 * deleted runs inside <del>, inserted runs inside <ins>.
 */
void diff_html(struct buf *out, const struct diff_seg *segs, size_t n_segs);

#endif

/*
 * rollfile.h - reading the household roll a village head uploads (CSV or
 * XLSX) into validated rows grouped by household. Internal to src/units:
 * the import routes and the store side (which applies the rows to the
 * database) include it; nothing outside the module does.
 *
 * What is accepted (issue "import the household roll"):
 * - XLSX (recognised by content: ZIP magic), first visible worksheet; or
 *   text: UTF-8 with or without BOM, UTF-16 LE/BE with BOM (Excel's
 *   "Unicode text"), UTF-16 without BOM recognised by its NUL bytes. Any
 *   other bytes give one file-level error asking for "CSV UTF-8".
 * - Delimiter ',' ';' or TAB, whichever splits the header line into the
 *   most known column names; Excel's "sep=;" first line is honoured. RFC
 *   4180 quoting, with newlines inside quotes (the line reported for a
 *   record is the line where it starts). Blank lines are skipped.
 * - Columns found by header name, any order, with or without tone marks or
 *   case ("Ma ho", "MÃ HỘ", "mã hộ"); up to ten lines of title above the
 *   header row are skipped. Required: mã hộ, họ và tên (or "họ" + "tên"
 *   split in two columns), thôn. Optional: ngày sinh, giới tính, quan hệ
 *   với chủ hộ, địa chỉ, số điện thoại, CCCD, đại diện (marker x/có/1).
 *   Unknown columns (STT, ghi chú...) are ignored.
 * - XLSX cells of mã hộ, thôn or địa chỉ merged over a household's members
 *   count for every row of the merged range.
 * - All text is NFC, trimmed, inner white space collapsed.
 *
 * Errors: every bad row gets one roll_error per problem, with its line and
 * a Vietnamese sentence; parsing goes on to collect them all. Rows with an
 * error are left out of rows[], and their household is marked has_error,
 * so the caller may refuse the whole file (n_errors > 0) or apply only the
 * clean households. Errors with line 0 concern the whole file.
 */
#ifndef DANCHU_UNITS_ROLLFILE_H
#define DANCHU_UNITS_ROLLFILE_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/calendar.h"

/* Largest upload read, and the most bytes an XLSX may decompress to. */
#define ROLLFILE_MAX_BYTES (20u * 1024 * 1024)
#define ROLLFILE_MAX_UNZIPPED (50u * 1024 * 1024)
/* Most data rows in one file (a commune is a few tens of thousands). */
#define ROLLFILE_MAX_ROWS 200000

/* A village of the commune, as the caller knows it from the units table. */
struct roll_village {
    int64_t id;       /* units.id */
    const char *code; /* units.code; a cell equal to it (trimmed) matches */
    const char *name; /* units.name; a cell whose folded form equals its folded form matches */
};

struct roll_opts {
    struct date today; /* Vietnam's date; later births are impossible. y == 0: take the clock */
    const struct roll_village *villages; /* the commune's villages, or NULL: no check */
    size_t n_villages;                   /* entries in villages */
};

struct roll_row {
    int line;                   /* 1-based line (CSV) or row number (XLSX) in the file */
    const char *household_code; /* as written, never empty */
    const char *full_name;      /* never empty */
    const char *birth;          /* "yyyy-mm-dd", "yyyy" or "" */
    const char *gender;         /* "nam", "nu", "khac" or "" (the members.gender values) */
    const char *relation;       /* as written, e.g. "Chủ hộ", "Vợ", "Con"; may be "" */
    const char *village;        /* as written: name or code, never empty */
    int64_t village_id;         /* matched roll_village id, 0 when no list was given */
    const char *address;        /* as written, may be "" */
    const char *phone;          /* "0" + 9 digits, or "" */
    const char *national_id;    /* 12 digits (CCCD), or "" */
    int is_head;                /* relation is "chủ hộ" (any case or tone marks) */
    int is_representative;      /* explicit marker column ("đại diện" = x/có/1), else 0 */
};

struct roll_error {
    int line;            /* as in roll_row.line; 0 for the whole file */
    const char *message; /* Vietnamese, e.g. "Thiếu họ và tên" */
};

/*
 * One household: its members are rows[first_row .. first_row + n_members),
 * in file order; households come in the order of their first row.
 */
struct roll_household {
    const char *code;             /* mã hộ */
    const char *village;          /* as first written for it */
    int64_t village_id;           /* as in roll_row.village_id */
    const char *address;          /* first non-empty address among its rows, or "" */
    size_t first_row;             /* index in roll_file.rows */
    size_t n_members;             /* good rows of it (rows with errors are left out) */
    ptrdiff_t representative_row; /* index in rows: the marked member, else the only
                                     "chủ hộ", else -1 (the caller decides) */
    int has_head;                 /* some member's relation is "chủ hộ" */
    int has_error;                /* some row with this code had an error */
};

struct roll_file {
    struct roll_row *rows;             /* good rows, grouped by household */
    size_t n_rows;                     /* entries in rows */
    struct roll_household *households; /* households with at least one good row */
    size_t n_households;               /* entries in households */
    struct roll_error *errors;         /* in line order; file-level errors first */
    size_t n_errors;                   /* entries in errors */
    const char *format;                /* "xlsx" or "csv" */
};

/*
 * Parses an uploaded roll. Everything in out lives in a. Returns 0 when the
 * file could be read (out->n_errors may still be > 0); ERR_INVALID when it
 * could not (not text, broken XLSX, no header row, missing columns) or
 * ERR_TOO_LARGE (over ROLLFILE_MAX_BYTES, ROLLFILE_MAX_UNZIPPED or
 * ROLLFILE_MAX_ROWS); in both cases out->errors says why in Vietnamese.
 * opts may be NULL (today from the clock, no village list).
 */
int rollfile_parse(struct arena *a, const char *bytes, size_t len, const struct roll_opts *opts,
                   struct roll_file *out);

/*
 * The downloadable template: UTF-8 with BOM (so Excel shows Vietnamese),
 * the header row with full diacritics and two example households.
 */
void rollfile_template_csv(struct buf *out);

/* The same template as an XLSX file written to path. Returns 0 or ERR_IO. */
int rollfile_template_xlsx(const char *path);

/*
 * Internal to rollfile.c and xlsx.c: a spreadsheet is read as a stream of
 * records handed to a callback, so memory stays proportional to the rows
 * kept, not to the file.
 */
#define ROLL_MAX_COLS 100 /* cells past this column are ignored */

enum roll_cell_kind {
    ROLL_CELL_TEXT = 0,   /* text, or a CSV field */
    ROLL_CELL_NUMBER = 1, /* an XLSX number with a general or numeric style */
    ROLL_CELL_DATE = 2,   /* an XLSX number with a date style */
};

struct roll_cell {
    const char *text;         /* UTF-8 bytes (not NUL-terminated); numbers as written */
    size_t len;               /* bytes in text */
    enum roll_cell_kind kind; /* how to read text */
    double serial;            /* NUMBER/DATE: the value; dates in the 1900 system */
};

struct roll_record {
    int line;                /* 1-based line or sheet row where the record starts */
    struct roll_cell *cells; /* by column; valid only during the callback */
    size_t n_cells;          /* entries in cells, at most ROLL_MAX_COLS */
};

/* Returns 0 to go on, or a negative ERR_* to stop reading. */
typedef int (*roll_record_fn)(void *ctx, const struct roll_record *rec);

/*
 * The text of a CSV upload as UTF-8 without BOM: UTF-8 (BOM stripped) is
 * returned in place, UTF-16 is converted into a. Returns 0 or ERR_INVALID
 * when the bytes are neither UTF-8 nor UTF-16.
 */
int rollfile_decode_text(struct arena *a, const char *bytes, size_t len, const char **out,
                         size_t *out_len);

/*
 * Reads RFC 4180 records from s[0..n), the first starting on line
 * first_line, and hands each to fn. A quoted field may hold delimiters,
 * newlines and "" for a quote; text after a closing quote is kept as is.
 * Returns 0, fn's error, or ERR_INVALID for a quote never closed, with
 * *open_line set to the line of its record.
 */
int rollfile_csv_read(const char *s, size_t n, int first_line, char delim, roll_record_fn fn,
                      void *ctx, int *open_line);

/* A merged range: rows row0..row1 (1-based), columns col0..col1 (0-based). */
typedef void (*roll_merge_fn)(void *ctx, int row0, int row1, int col0, int col1);

/*
 * Reads the first visible worksheet of an XLSX held in bytes[0..len) and
 * calls fn for each row that has cells, then merge_fn for each merged
 * range (they follow the rows in the sheet). Returns 0, fn's error, or
 * ERR_INVALID / ERR_TOO_LARGE with *why set to a Vietnamese sentence.
 */
int rollfile_xlsx_read(const char *bytes, size_t len, roll_record_fn fn, roll_merge_fn merge_fn,
                       void *ctx, const char **why);

#endif

/*
 * export.h - the public header of src/export: documents that leave danchu
 * (PDF in the Decree 30/2020 layout with a QR code, XLSX tables) and office
 * documents that come in (DOCX text, upload type checks).
 *
 * Writers stream: they hand bytes to a callback as pages or rows are done,
 * so a long export never holds the whole document in memory. Every function
 * returns 0 or a negative ERR_* code (core/err.h), with an English reason in
 * err for the log when err is not NULL.
 */
#ifndef DANCHU_EXPORT_H
#define DANCHU_EXPORT_H

#include <stddef.h>

#include "core/arena.h"
#include "core/calendar.h"

/* Receives len bytes of output; returns 0, or non-zero to stop the export (ERR_IO). */
typedef int (*export_write_fn)(void *ctx, const unsigned char *data, size_t len);

/*
 * The heading block of an administrative document (DOMAIN J): parent body and issuer at the
 * top left, national title and motto at the top right, number under the issuer, place and date
 * under the motto, then the type and summary centred.
 */
struct export_doc_head {
    const char *parent_body; /* "UBND TỈNH NINH BÌNH" (printed upper case); "" for none */
    const char *issuer;      /* "UBND XÃ BÌNH GIANG" (upper case, bold, short rule below) */
    const char *number;   /* "05/TB-UBND" (printed as "Số: 05/TB-UBND"); "" prints "Số:   /" */
    const char *place;    /* "Bình Giang" (printed "Bình Giang, ngày 05 tháng 01 năm 2026") */
    struct date date;     /* document date */
    const char *doc_type; /* "THÔNG BÁO" (upper, bold, centred) */
    const char *summary; /* "Về việc công khai dự toán ngân sách năm 2026" (bold, centred) */
};

/* A further signer of a notice (a community's minutes are signed by several people). */
struct export_signer {
    const char *role; /* "ĐẠI DIỆN HỘ GIA ĐÌNH" (upper, bold; lines split on \n) */
    const char *name; /* printed under the room for the signature (bold); "" leaves it blank */
};

/* A one-to-few-page notice for the notice board, with a QR code back to its online page. */
struct export_notice {
    struct export_doc_head head; /* heading block */
    const char *body;            /* plain text: paragraphs separated by blank lines; a line that
                                    starts with "- " or "+ " is a list item; "# " a bold heading */
    const char *signer_role; /* "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH" (upper, bold; lines split on \n) */
    const char *signer_name; /* "Nguyễn Văn An" (bold); "" leaves the space for a hand signature */
    const char *recipients; /* "- Như trên;\n- Lưu: VT." after the "Nơi nhận:" label; "" none */
    const char *qr_url;     /* absolute URL encoded in the QR code; NULL or "" prints no QR */
    const char *qr_caption; /* text beside the QR ("Quét mã để xem bản điện tử"), may be NULL */
    const struct export_signer *cosigners; /* further signers, in rows of up to three equal
                                              columns above the signature block; may be NULL */
    size_t n_cosigners;                    /* their count */
};

/*
 * Writes the notice as an A4 PDF (Decree 30 margins: top 20, bottom 20, left 30, right
 * 15 mm; Liberation Serif; body 14 pt justified with a first-line indent; page numbers from
 * page 2, top centre) through write.
 */
int export_notice_pdf(const struct export_notice *n, export_write_fn write, void *ctx, char *err,
                      size_t err_len);

/* A line (or paragraph) of a QR page: centred, wrapped within the margins. */
struct export_qr_text {
    const char *text; /* UTF-8; "" leaves only the gap below it */
    double size;      /* points; the gap below a text is 0.35 x size */
    int bold;         /* 1: bold */
};

/*
 * A page built around one QR code: a desk's poster, a receipt's slip. The texts above, the code
 * (with its quiet zone, centred), the texts below; Liberation Serif, black on white.
 */
struct export_qr_page {
    double width_mm;                    /* page width: 210 for A4, 80 for a receipt roll */
    double height_mm;                   /* page height (taller when what it holds is: never
                                           cut), or 0: as tall as what it holds */
    double margin_mm;                   /* on every side */
    const struct export_qr_text *above; /* texts above the code */
    size_t n_above;                     /* their count */
    const char *qr_url;                 /* encoded in the code (required on a single page;
                                           NULL or "" on a page of export_qr_pages_pdf: none) */
    double qr_mm;                       /* side of the code without its quiet zone (>= 10) */
    const struct export_qr_text *below; /* texts below the code */
    size_t n_below;                     /* their count */
};

/* Writes p as a one-page PDF through write. ERR_INVALID without a URL, or for a code wider
 * than the page within its margins. */
int export_qr_page_pdf(const struct export_qr_page *p, export_write_fn write, void *ctx, char *err,
                       size_t err_len);
/*
 * Writes n such pages (each of its own size, with or without a code) as one PDF: a sheet of
 * ballot cards. signature, when not NULL, stands at the bottom right of every page (centred in
 * the right half, bold) with room under it for a hand signature ("Chữ ký Trưởng thôn" on a
 * village's ballot); the rest of a page is centred above it. ERR_INVALID when n is 0 or a
 * page's code is wider than it within its margins.
 */
int export_qr_pages_pdf(const struct export_qr_page *pages, size_t n, const char *signature,
                        export_write_fn write, void *ctx, char *err, size_t err_len);

/* A column of a PDF table. */
struct export_col {
    const char *title; /* header text (bold, centred, wraps) */
    double width_mm;   /* column width; the widths should add up to the text width (165 mm) */
    int align;         /* 0 left, 1 centre, 2 right */
};

/* A table document streamed a row at a time (the quarterly list of disclosed items, C5). */
struct export_pdf_table;

/*
 * Starts an A4 portrait document with head on page 1, then a table whose header row repeats
 * on every page. Owned by the caller until export_pdf_table_end() frees it.
 */
int export_pdf_table_begin(const struct export_doc_head *head, const struct export_col *cols,
                           size_t n_cols, export_write_fn write, void *ctx,
                           struct export_pdf_table **out, char *err, size_t err_len);
/* Adds one row of n_cols cells (UTF-8, wrapped within their column; a row never splits). */
int export_pdf_table_row(struct export_pdf_table *t, const char *const *cells);
/* The "Nơi nhận:" list printed beside the signature at the end ("- Thường trực HĐND xã;\n-
 * Lưu: VT."), as in export_notice; it must live until export_pdf_table_end(). */
void export_pdf_table_recipients(struct export_pdf_table *t, const char *recipients);
/*
 * Ends the table, prints footer (plain text lines, may be NULL) and the signature block
 * (signer_role / signer_name as in export_notice, may be NULL), finishes the PDF and frees t.
 * Always frees t, even on error.
 */
int export_pdf_table_end(struct export_pdf_table *t, const char *footer, const char *signer_role,
                         const char *signer_name, char *err, size_t err_len);

/* ---- XLSX (libxlsxwriter writes to a file: callers stream that file out afterwards) ---- */

struct export_xlsx;

/* A cell: text, or a number when text is NULL. */
struct export_cell {
    const char *text; /* UTF-8 text, or NULL for a number */
    double number;    /* used when text is NULL */
};

/* Creates the workbook file at path. Owned by the caller until export_xlsx_close(). */
int export_xlsx_new(const char *path, struct export_xlsx **out);
/*
 * Adds a sheet (name: at most 31 characters, Excel's limit; longer names are cut) with a
 * bold, wrapped, frozen header row; widths in Excel character units (NULL: 15 each).
 */
int export_xlsx_sheet(struct export_xlsx *x, const char *name, const char *const *headers,
                      const double *widths, size_t n_cols);
/* Appends a row to the current sheet. */
int export_xlsx_row(struct export_xlsx *x, const struct export_cell *cells, size_t n_cells);
/* Writes the file and frees x (always). */
int export_xlsx_close(struct export_xlsx *x, char *err, size_t err_len);

/* ---- DOCX tables (the PDF table's twin, for documents the commune edits before signing) ---- */

/*
 * A table document as a Word file, streamed a row at a time: the body goes to a temporary file
 * ($TMPDIR or /tmp, unlinked at once) and the archive reaches write only at the end. Same page,
 * heading block and closing block as the PDF table; the header row repeats on every page.
 */
struct export_docx_table;

/* Starts the document with head (may be NULL) and the columns; owned by the caller until
 * export_docx_table_end() frees it. ERR_INVALID for no or zero-width columns (at most 63),
 * ERR_IO when no temporary file can be made. */
int export_docx_table_begin(const struct export_doc_head *head, const struct export_col *cols,
                            size_t n_cols, export_write_fn write, void *ctx,
                            struct export_docx_table **out, char *err, size_t err_len);
/* Body paragraphs (the syntax of export_notice.body) where the table stands so far: before the
 * first row, or between rows (the table then starts again with its header row). */
int export_docx_table_text(struct export_docx_table *t, const char *text);
/* A bold row spanning every column ("Điều 1, khoản 2"), kept with the row under it. */
int export_docx_table_group(struct export_docx_table *t, const char *text);
/* Adds one row of n_cols cells (UTF-8; \n breaks a line inside a cell). A row that surely fits
 * on a page never splits across pages; one that may not fit is allowed to. */
int export_docx_table_row(struct export_docx_table *t, const char *const *cells);
/* The "Nơi nhận:" list beside the signature; it must live until export_docx_table_end(). */
void export_docx_table_recipients(struct export_docx_table *t, const char *recipients);
/*
 * Ends the table, adds footer (body paragraphs, may be NULL) and the signature block (as in
 * export_notice, may be NULL), makes the archive and hands it to write in 64 KiB chunks.
 * ERR_IO when write returns non-zero or a temporary file fails. Always frees t and removes
 * every temporary file, even on error.
 */
int export_docx_table_end(struct export_docx_table *t, const char *footer, const char *signer_role,
                          const char *signer_name, char *err, size_t err_len);

/* ---- incoming documents ---- */

/*
 * The text of a DOCX (WordprocessingML) file of len bytes, as light Markdown in a: one
 * paragraph per block separated by blank lines; Heading 1-3 styles (and Title) as "#".."###";
 * numbered and bulleted list paragraphs as "- "; tables as GitHub pipe tables; bold runs as
 * **…**; text NFC. ERR_INVALID (with a reason) when it is not a readable DOCX.
 */
int export_docx_markdown(struct arena *a, const void *data, size_t len, char **out, char *err,
                         size_t err_len);

/* What an uploaded file is, judged by its content (never by its name). */
enum export_type {
    EXPORT_TYPE_UNKNOWN = 0,
    EXPORT_TYPE_PDF = 1,
    EXPORT_TYPE_JPEG = 2,
    EXPORT_TYPE_PNG = 3,
    EXPORT_TYPE_DOCX = 4,
    EXPORT_TYPE_XLSX = 5,
    EXPORT_TYPE_TEXT = 6, /* UTF-8 text (plain or Markdown) */
};

/* The type of len bytes (libmagic, plus a look inside ZIP files for DOCX and XLSX). */
enum export_type export_sniff(const void *data, size_t len);
/* "application/pdf", "image/jpeg", ... for a type; "application/octet-stream" for unknown. */
const char *export_type_mime(enum export_type t);
/* "pdf", "jpg", "png", "docx", "xlsx", "txt"; "bin" for unknown. */
const char *export_type_ext(enum export_type t);

/* A file a person uploaded, once accepted. */
struct export_upload {
    enum export_type type; /* judged by content */
    const char *mime;      /* its MIME type */
    const char *name;      /* the client's name made safe (no path, quotes or controls), or
                              "tep.EXT" (arena) */
    const void *data;      /* the bytes; images without their metadata (arena or the input) */
    size_t len;            /* their count */
};

/* Masks of types for export_upload_accept(). */
#define EXPORT_IMAGES ((1u << EXPORT_TYPE_JPEG) | (1u << EXPORT_TYPE_PNG))
#define EXPORT_DOCUMENTS                                                                           \
    (EXPORT_IMAGES | (1u << EXPORT_TYPE_PDF) | (1u << EXPORT_TYPE_DOCX) | (1u << EXPORT_TYPE_XLSX))

/*
 * Accepts an uploaded file (filename as the client sent it, data and len its bytes) when its
 * content is a type of the mask `allowed` and it is at most max bytes. Photos lose every piece
 * of metadata (camera, GPS position, owner) before anything keeps them. On refusal returns
 * ERR_TOO_LARGE or ERR_INVALID with a Vietnamese sentence for the form in *error.
 */
int export_upload_accept(struct arena *a, const char *filename, size_t filename_len,
                         const void *data, size_t len, unsigned allowed, size_t max,
                         struct export_upload *out, const char **error);

/* Where a JPEG photo was taken (its EXIF GPS position, WGS 84 degrees, south and west
 * negative), read before the metadata is stripped. 0, or ERR_NOT_FOUND when it has none. */
int export_photo_position(const void *data, size_t len, double *lat, double *lon);

/*
 * A JPEG without its metadata: every APPn segment except the JFIF APP0 and a minimal EXIF
 * orientation is dropped (camera model, GPS position, owner name...). *out is arena memory.
 * ERR_INVALID when data is not a JPEG. PNG ancillary text chunks likewise with
 * export_png_strip().
 */
int export_jpeg_strip(struct arena *a, const void *data, size_t len, void **out, size_t *out_len);
int export_png_strip(struct arena *a, const void *data, size_t len, void **out, size_t *out_len);

#include "export/outline.h"

#endif

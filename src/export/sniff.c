/*
 * sniff.c - what an uploaded file really is, and images without their
 * metadata.
 *
 * export_sniff() judges by content only: libmagic's MIME type must agree
 * with the file's own signature (PDF, JPEG, PNG), ZIP files are opened
 * with libzip to tell a Word document from a workbook, and text is text
 * only when it is valid UTF-8 without NUL bytes, whatever libmagic thinks.
 * libmagic runs with its built-in parsers (compressed, CDF, ELF, tar...)
 * off: only the magic database, on at most the first MAGIC_BYTES bytes.
 * Its handle is opened once for the process (pthread_once) and is not
 * thread-safe, so every lookup holds magic_lock. If the magic database
 * cannot be loaded, the signature checks decide alone.
 *
 * The strippers rebuild an image from the segments or chunks a browser
 * needs to draw it, so nothing the camera or editor wrote (GPS position,
 * camera serial number, owner name, thumbnails, comments) reaches the
 * public page. They are fuzzed: every length is checked against what is
 * left before it is used.
 */
#include <magic.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "core/err.h"
#include "core/utf8.h"
#include "export/export.h"

#define MAGIC_BYTES (1024 * 1024) /* libmagic looks at no more than this */

static pthread_once_t magic_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t magic_lock = PTHREAD_MUTEX_INITIALIZER;
/* The process's libmagic handle, opened once and never closed; NULL when unavailable. */
static magic_t magic_handle;

static void magic_init(void)
{
    magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_BUILTIN);
    if (m && magic_load(m, NULL) != 0) {
        magic_close(m);
        m = NULL;
    }
    magic_handle = m;
}

/* libmagic's MIME type of data into mime; 0 when libmagic is not available. */
static int magic_mime(const void *data, size_t len, char *mime, size_t mime_len)
{
    pthread_once(&magic_once, magic_init);
    if (!magic_handle)
        return 0;
    pthread_mutex_lock(&magic_lock);
    const char *m = magic_buffer(magic_handle, data, len > MAGIC_BYTES ? MAGIC_BYTES : len);
    snprintf(mime, mime_len, "%s", m ? m : "");
    pthread_mutex_unlock(&magic_lock);
    return 1;
}

static int starts_with(const void *data, size_t len, const char *sig, size_t n)
{
    return len >= n && memcmp(data, sig, n) == 0;
}

static int has_entry(zip_t *z, const char *name)
{
    return zip_name_locate(z, name, 0) >= 0 || zip_name_locate(z, name, ZIP_FL_NOCASE) >= 0;
}

/*
 * DOCX or XLSX by the parts inside the archive; UNKNOWN for other ZIP files and for
 * macro-enabled documents renamed to .docx/.xlsx (they carry a vbaProject.bin).
 */
static enum export_type zip_type(const void *data, size_t len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    if (!src)
        return EXPORT_TYPE_UNKNOWN;
    zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (!z) {
        zip_source_free(src);
        zip_error_fini(&ze);
        return EXPORT_TYPE_UNKNOWN;
    }
    enum export_type t = EXPORT_TYPE_UNKNOWN;
    if (has_entry(z, "word/vbaProject.bin") || has_entry(z, "xl/vbaProject.bin"))
        t = EXPORT_TYPE_UNKNOWN;
    else if (has_entry(z, "word/document.xml"))
        t = EXPORT_TYPE_DOCX;
    else if (has_entry(z, "xl/workbook.xml"))
        t = EXPORT_TYPE_XLSX;
    zip_discard(z);
    zip_error_fini(&ze);
    return t;
}

/* libmagic's answers for a ZIP: plain ZIP, undecided, or already recognised as OOXML. */
static int zipish_mime(const char *mime)
{
    static const char ooxml[] = "application/vnd.openxmlformats-officedocument.";
    return strstr(mime, "zip") != NULL || strcmp(mime, "application/octet-stream") == 0 ||
           strncmp(mime, ooxml, sizeof ooxml - 1) == 0;
}

enum export_type export_sniff(const void *data, size_t len)
{
    if (!data || len == 0)
        return EXPORT_TYPE_UNKNOWN;
    char mime[128] = "";
    int have = magic_mime(data, len, mime, sizeof mime);
    if (starts_with(data, len, "%PDF-", 5))
        return !have || strcmp(mime, "application/pdf") == 0 ? EXPORT_TYPE_PDF
                                                             : EXPORT_TYPE_UNKNOWN;
    if (starts_with(data, len, "\xFF\xD8\xFF", 3))
        return !have || strcmp(mime, "image/jpeg") == 0 ? EXPORT_TYPE_JPEG : EXPORT_TYPE_UNKNOWN;
    if (starts_with(data, len, "\x89PNG\r\n\x1A\n", 8))
        return !have || strcmp(mime, "image/png") == 0 ? EXPORT_TYPE_PNG : EXPORT_TYPE_UNKNOWN;
    if (starts_with(data, len, "PK\x03\x04", 4))
        return !have || zipish_mime(mime) ? zip_type(data, len) : EXPORT_TYPE_UNKNOWN;
    if (!memchr(data, 0, len) && utf8_valid(data, len))
        return EXPORT_TYPE_TEXT;
    return EXPORT_TYPE_UNKNOWN;
}

const char *export_type_mime(enum export_type t)
{
    switch (t) {
    case EXPORT_TYPE_PDF:
        return "application/pdf";
    case EXPORT_TYPE_JPEG:
        return "image/jpeg";
    case EXPORT_TYPE_PNG:
        return "image/png";
    case EXPORT_TYPE_DOCX:
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    case EXPORT_TYPE_XLSX:
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    case EXPORT_TYPE_TEXT:
        return "text/plain; charset=utf-8";
    case EXPORT_TYPE_UNKNOWN:
        break;
    }
    return "application/octet-stream";
}

const char *export_type_ext(enum export_type t)
{
    switch (t) {
    case EXPORT_TYPE_PDF:
        return "pdf";
    case EXPORT_TYPE_JPEG:
        return "jpg";
    case EXPORT_TYPE_PNG:
        return "png";
    case EXPORT_TYPE_DOCX:
        return "docx";
    case EXPORT_TYPE_XLSX:
        return "xlsx";
    case EXPORT_TYPE_TEXT:
        return "txt";
    case EXPORT_TYPE_UNKNOWN:
        break;
    }
    return "bin";
}

/* ---- JPEG ---- */

static unsigned rd16(const unsigned char *p, int le)
{
    return le ? (unsigned)p[0] | (unsigned)p[1] << 8 : (unsigned)p[0] << 8 | (unsigned)p[1];
}

static uint32_t rd32(const unsigned char *p, int le)
{
    return le ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24
              : (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* The Orientation tag (1-8) in IFD0 of a TIFF structure t[0..n) (EXIF); 0 when absent. */
static unsigned exif_orientation(const unsigned char *t, size_t n)
{
    if (n < 8)
        return 0;
    int le;
    if (t[0] == 'I' && t[1] == 'I')
        le = 1;
    else if (t[0] == 'M' && t[1] == 'M')
        le = 0;
    else
        return 0;
    if (rd16(t + 2, le) != 42)
        return 0;
    uint32_t ifd = rd32(t + 4, le);
    if (ifd > n || n - ifd < 2)
        return 0;
    unsigned count = rd16(t + ifd, le);
    size_t pos = (size_t)ifd + 2;
    for (unsigned k = 0; k < count; k++, pos += 12) {
        if (pos > n || n - pos < 12)
            return 0;
        if (rd16(t + pos, le) == 0x0112 && rd16(t + pos + 2, le) == 3 &&
            rd32(t + pos + 4, le) == 1) {
            unsigned v = rd16(t + pos + 8, le);
            return v <= 8 ? v : 0;
        }
    }
    return 0;
}

/* Output of a stripper: a fixed buffer sized in advance, so writes are checked, not grown. */
struct out {
    unsigned char *p; /* arena memory */
    size_t len;       /* bytes written */
    size_t cap;       /* bytes allocated */
};

static void put(struct out *o, const void *p, size_t n)
{
    if (n > o->cap - o->len)
        abort(); /* the size bound below is wrong: a bug, not bad input */
    memcpy(o->p + o->len, p, n);
    o->len += n;
}

static void put_marker(struct out *o, unsigned m)
{
    unsigned char b[2] = {0xFF, (unsigned char)m};
    put(o, b, 2);
}

/*
 * Segments kept: SOI, the JFIF APP0 (rewritten without its thumbnail), DQT, SOFn, DHT, DAC,
 * DRI, DNL, DHP, EXP, the Adobe APP14 (12 bytes of colour-transform flags: CMYK JPEGs decode
 * with wrong colours without it), each SOS with its entropy-coded data, EOI. An EXIF APP1 is
 * replaced by a minimal one holding only its Orientation when that is not 1, so portrait
 * photos stay upright; every other APPn (the rest of EXIF with GPS, XMP, ICC, Photoshop...),
 * COM and bytes after EOI go. The output is at most len + 8 bytes: the minimal EXIF (36 bytes)
 * replaces a segment that needed at least 30 to hold an Orientation; the buffer has room for 64.
 */
int export_jpeg_strip(struct arena *a, const void *data, size_t len, void **out, size_t *out_len)
{
    const unsigned char *p = data;
    if (!p || len < 4 || p[0] != 0xFF || p[1] != 0xD8)
        return ERR_INVALID;
    struct out o = {arena_alloc(a, len + 64), 0, len + 64};
    put_marker(&o, 0xD8);
    int seen_sof = 0, seen_sos = 0, jfif = 0, exif = 0;
    size_t i = 2;
    for (;;) {
        if (i >= len || p[i] != 0xFF)
            return ERR_INVALID;
        while (i < len && p[i] == 0xFF)
            i++; /* fill bytes */
        if (i >= len)
            return ERR_INVALID;
        unsigned m = p[i++];
        if (m == 0xD9) {
            if (!seen_sos)
                return ERR_INVALID;
            put_marker(&o, 0xD9);
            break;
        }
        if (m == 0x00 || m == 0xD8)
            return ERR_INVALID;
        if ((m >= 0xD0 && m <= 0xD7) || m == 0x01) {
            put_marker(&o, m); /* no length */
            continue;
        }
        if (len - i < 2)
            return ERR_INVALID;
        size_t seglen = (size_t)p[i] << 8 | p[i + 1];
        if (seglen < 2 || seglen > len - i)
            return ERR_INVALID;
        const unsigned char *seg = p + i + 2;
        size_t n = seglen - 2;
        size_t next = i + seglen;
        int keep = 0;
        if (m == 0xE0) {
            if (!jfif && n >= 14 && memcmp(seg, "JFIF", 5) == 0) {
                static const unsigned char head[] = {0xFF, 0xE0, 0x00, 0x10};
                static const unsigned char no_thumb[] = {0, 0};
                put(&o, head, sizeof head);
                put(&o, seg, 12); /* "JFIF\0", version, units, densities */
                put(&o, no_thumb, sizeof no_thumb);
                jfif = 1;
            }
        } else if (m == 0xE1) {
            unsigned orient =
                n >= 6 && memcmp(seg, "Exif\0\0", 6) == 0 ? exif_orientation(seg + 6, n - 6) : 0;
            if (!exif && orient >= 2) {
                unsigned char e[36] = {0xFF, 0xE1, 0x00, 34, 'E', 'x', 'i', 'f', 0, 0, 'M',
                                       'M',  0,    42,   0,  0,   0,   8,   0,   1, 1, 0x12};
                e[23] = 3; /* type SHORT */
                e[27] = 1; /* count 1 */
                e[29] = (unsigned char)orient;
                put(&o, e, sizeof e); /* next IFD offset: 0 */
                exif = 1;
            }
        } else if (m == 0xEE) {
            if (n >= 12 && memcmp(seg, "Adobe", 5) == 0) {
                static const unsigned char head[] = {0xFF, 0xEE, 0x00, 14};
                put(&o, head, sizeof head);
                put(&o, seg, 12);
            }
        } else if ((m >= 0xC0 && m <= 0xCF) || (m >= 0xDA && m <= 0xDF)) {
            keep = 1;
            if (m != 0xC4 && m != 0xC8 && m != 0xCC && m <= 0xCF)
                seen_sof = 1;
        }
        /* everything else (other APPn, COM, JPGn, reserved markers) is dropped */
        if (keep) {
            put(&o, p + i - 2, seglen + 2);
        }
        i = next;
        if (m == 0xDA) {
            if (!seen_sof)
                return ERR_INVALID;
            seen_sos = 1;
            /* Entropy-coded data runs to the next marker other than a stuffed 00 or RSTn. */
            size_t j = i;
            while (j < len) {
                if (p[j] == 0xFF && j + 1 < len && p[j + 1] != 0x00 &&
                    !(p[j + 1] >= 0xD0 && p[j + 1] <= 0xD7))
                    break;
                j += p[j] == 0xFF ? 2 : 1;
            }
            if (j >= len)
                return ERR_INVALID; /* no EOI */
            put(&o, p + i, j - i);
            i = j;
        }
    }
    *out = o.p;
    *out_len = o.len;
    return 0;
}

/* ---- PNG ---- */

static int chunk_kept(const unsigned char *type)
{
    static const char kept[][5] = {"IHDR", "PLTE", "IDAT", "IEND", "tRNS",
                                   "gAMA", "cHRM", "sRGB", "iCCP", "pHYs"};
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
        if (memcmp(type, kept[i], 4) == 0)
            return 1;
    }
    return 0;
}

static int is_letter(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/*
 * Chunks kept: IHDR (first), PLTE, IDAT, IEND, tRNS, gAMA, cHRM, sRGB, iCCP, pHYs, CRCs as they
 * were. Dropped: tEXt, zTXt, iTXt, eXIf, tIME and every other ancillary chunk, and bytes
 * after IEND. An unknown critical chunk (upper-case first letter) means a PNG we cannot
 * vouch for: ERR_INVALID.
 */
int export_png_strip(struct arena *a, const void *data, size_t len, void **out, size_t *out_len)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    const unsigned char *p = data;
    if (!p || len < sizeof sig || memcmp(p, sig, sizeof sig) != 0)
        return ERR_INVALID;
    struct out o = {arena_alloc(a, len), 0, len};
    put(&o, sig, sizeof sig);
    size_t i = sizeof sig;
    int first = 1, idat = 0, iend = 0;
    while (!iend) {
        if (len - i < 12)
            return ERR_INVALID;
        uint32_t clen = rd32(p + i, 0);
        if (clen > 0x7FFFFFFFu || clen > len - i - 12)
            return ERR_INVALID;
        const unsigned char *type = p + i + 4;
        for (int k = 0; k < 4; k++) {
            if (!is_letter(type[k]))
                return ERR_INVALID;
        }
        if (first && (memcmp(type, "IHDR", 4) != 0 || clen != 13))
            return ERR_INVALID;
        first = 0;
        size_t total = (size_t)clen + 12;
        if (chunk_kept(type))
            put(&o, p + i, total);
        else if (type[0] >= 'A' && type[0] <= 'Z')
            return ERR_INVALID;
        idat |= memcmp(type, "IDAT", 4) == 0;
        iend = memcmp(type, "IEND", 4) == 0;
        i += total;
    }
    if (!idat)
        return ERR_INVALID;
    *out = o.p;
    *out_len = o.len;
    return 0;
}

/* The client's file name without directory, control or quote characters (at most 120 bytes). */
static const char *clean_name(struct arena *a, const char *name, size_t n, const char *ext)
{
    struct buf b;
    buf_init(&b, a);
    for (size_t i = 0; i < n && b.len < 120; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x20 || c == '"' || c == '\\' || c == '/' || c == ';')
            buf_putc(&b, '_');
        else
            buf_putc(&b, (char)c);
    }
    if (!b.len)
        buf_printf(&b, "tep.%s", ext);
    return b.ptr;
}

int export_upload_accept(struct arena *a, const char *filename, size_t filename_len,
                         const void *data, size_t len, unsigned allowed, size_t max,
                         struct export_upload *out, const char **error)
{
    int images_only = (allowed & ~EXPORT_IMAGES) == 0;
    if (len > max) {
        *error = arena_printf(a, "Tệp quá lớn: tối đa %zu MB mỗi tệp.", max / (1024 * 1024));
        return ERR_TOO_LARGE;
    }
    enum export_type t = export_sniff(data, len);
    if (t == EXPORT_TYPE_UNKNOWN || !(allowed & (1u << t))) {
        *error = images_only ? "Ảnh phải là tệp JPEG hoặc PNG."
                             : "Chỉ nhận tệp PDF, ảnh (JPEG, PNG), Word (DOCX) hoặc Excel (XLSX); "
                               "loại tệp được kiểm tra theo nội dung, không theo tên.";
        return ERR_INVALID;
    }
    out->type = t;
    out->data = data;
    out->len = len;
    if (t == EXPORT_TYPE_JPEG || t == EXPORT_TYPE_PNG) {
        void *clean;
        size_t n;
        int rc = t == EXPORT_TYPE_JPEG ? export_jpeg_strip(a, data, len, &clean, &n)
                                       : export_png_strip(a, data, len, &clean, &n);
        if (rc) {
            *error = "Ảnh bị hỏng, không đọc được.";
            return ERR_INVALID;
        }
        out->data = clean;
        out->len = n;
    }
    out->mime = export_type_mime(t);
    out->name = clean_name(a, filename, filename_len, export_type_ext(t));
    return 0;
}

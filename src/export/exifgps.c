/*
 * exifgps.c - the position a photo was taken at, read with libexif before the photo loses its
 * metadata (sniff.c strips all of it). Used only when the resident agrees to share where the
 * problem is; the photo never keeps it.
 */
#include <string.h>

#include <libexif/exif-data.h>

#include "core/err.h"
#include "export/export.h"

/* Degrees of a GPS latitude or longitude entry: three rationals (degrees, minutes, seconds). */
static int dms(ExifEntry *e, ExifByteOrder order, double *out)
{
    if (!e || e->format != EXIF_FORMAT_RATIONAL || e->components != 3 || !e->data ||
        e->size < 3 * exif_format_get_size(EXIF_FORMAT_RATIONAL))
        return -1;
    double v[3];
    for (int i = 0; i < 3; i++) {
        ExifRational r =
            exif_get_rational(e->data + i * exif_format_get_size(EXIF_FORMAT_RATIONAL), order);
        if (r.denominator == 0)
            return -1;
        v[i] = (double)r.numerator / (double)r.denominator;
    }
    *out = v[0] + v[1] / 60.0 + v[2] / 3600.0;
    return 0;
}

/* 'N', 'S', 'E' or 'W' of a reference entry, or 0. */
static char ref(ExifEntry *e)
{
    return e && e->format == EXIF_FORMAT_ASCII && e->data && e->size >= 1 ? (char)e->data[0] : 0;
}

int export_photo_position(const void *data, size_t len, double *lat, double *lon)
{
    if (!data || len < 4 || len > (size_t)0x7fffffff)
        return ERR_NOT_FOUND;
    ExifData *ed = exif_data_new_from_data(data, (unsigned int)len);
    if (!ed)
        return ERR_NOT_FOUND;
    int rc = ERR_NOT_FOUND;
    ExifContent *gps = ed->ifd[EXIF_IFD_GPS];
    ExifByteOrder order = exif_data_get_byte_order(ed);
    double la, lo;
    if (gps && dms(exif_content_get_entry(gps, (ExifTag)EXIF_TAG_GPS_LATITUDE), order, &la) == 0 &&
        dms(exif_content_get_entry(gps, (ExifTag)EXIF_TAG_GPS_LONGITUDE), order, &lo) == 0) {
        char rla = ref(exif_content_get_entry(gps, (ExifTag)EXIF_TAG_GPS_LATITUDE_REF));
        char rlo = ref(exif_content_get_entry(gps, (ExifTag)EXIF_TAG_GPS_LONGITUDE_REF));
        if (rla == 'S')
            la = -la;
        if (rlo == 'W')
            lo = -lo;
        if (la >= -90 && la <= 90 && lo >= -180 && lo <= 180 && !(la == 0 && lo == 0)) {
            *lat = la;
            *lon = lo;
            rc = 0;
        }
    }
    exif_data_unref(ed);
    return rc;
}

/*
 * chart.c - server-rendered SVG bar charts (the compliance dashboard: per commune or per
 * disclosure category, how many items were disclosed on time, late, or lack posting evidence).
 *
 * One horizontal bar per label, the series stacked inside it, drawn in a viewBox of CHART_W
 * units with width="100%" and no height, so the browser scales it to the column (a 360-px phone
 * shows it at ~0.7x). Layout, top to bottom: the legend (swatch + name, wrapping), the bars
 * (label column on the left, ~38% of the width; the bar's total right of its end), the vertical
 * grid lines with their numbers under the bars. The scale runs from 0 to the largest total
 * rounded up to 1, 2, 2.5, 4 or 5 x 10^k, which splits into 4 or 5 steps of 1, 2 or 5 x 10^k
 * (7 -> 10 by 2, 230 -> 250 by 50); when every value is a whole number the step is at least 1
 * (counts have no half items), so a largest total of 1 gives 0-4.
 *
 * The page's Content-Security-Policy forbids style attributes, <style>, scripts and outside
 * references, so everything is a presentation attribute (fill, font-size, text-anchor...) and
 * series colours are accepted only as #rgb or #rrggbb (anything else, which could be a url(),
 * falls back to a built-in palette). Text widths are estimated (the server has no fonts): labels
 * over LABEL_CHARS characters are cut with "…" and a label still estimated wider than its column
 * is squeezed with textLength; the full label and every value are in the bar's <title>, shown as
 * a tooltip. Values that are negative, NaN or infinite count as 0. Numbers print with "%.0f" or
 * "%.1f" in the C locale (a decimal point, never a comma). Everything goes to the caller's buf.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "view/view.h"

#define CHART_W 480        /* viewBox width */
#define LABEL_W 182        /* label column (38% of CHART_W) */
#define PLOT_X 188         /* left end of the bars */
#define PLOT_R 436         /* right end of the scale; totals are written past it */
#define ROW_H 26           /* height of one bar's row */
#define BAR_H 18           /* height of a bar */
#define LEGEND_FONT 12     /* legend and label font size */
#define VALUE_FONT 11      /* value, total and axis font size */
#define SWATCH 12          /* legend swatch side */
#define LEGEND_LINE 20     /* legend line height */
#define LABEL_CHARS 28     /* labels longer than this are cut */
#define TEXT_COLOR "#222"  /* labels, legend and totals */
#define MUTED_COLOR "#555" /* axis numbers, empty-chart text */
#define GRID_COLOR "#d0d0d0"
#define FONT_FAMILY "Liberation Sans, Arial, sans-serif"

/* Used for a series whose colour is missing or not a plain #hex colour. */
static const char *const palette[] = {"#1565c0", "#c62828", "#ef6c00",
                                      "#546e7a", "#6a1b9a", "#2e7d32"};

/* Numbers ids so that two charts on one page never share one. */
static atomic_uint chart_seq;

/* Appends s[0..n) as XML text: & < > " ' escaped, invalid UTF-8 as U+FFFD, controls dropped. */
static void put_esc_n(struct buf *out, const char *s, size_t n)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) {
            buf_puts(out, "\xEF\xBF\xBD");
            i++;
            continue;
        }
        switch (cp) {
        case '&':
            buf_puts(out, "&amp;");
            break;
        case '<':
            buf_puts(out, "&lt;");
            break;
        case '>':
            buf_puts(out, "&gt;");
            break;
        case '"':
            buf_puts(out, "&quot;");
            break;
        case '\'':
            buf_puts(out, "&#39;");
            break;
        default:
            if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE ||
                cp == 0xFFFF)
                break; /* not allowed in XML */
            buf_append(out, p + i, (size_t)k);
        }
        i += (size_t)k;
    }
}

static void put_esc(struct buf *out, const char *s)
{
    if (s)
        put_esc_n(out, s, strlen(s));
}

/* A value as the chart counts it: negative, NaN and infinite values are 0. */
static double clean_value(const struct view_chart_series *s, size_t i)
{
    if (!s->values)
        return 0;
    double v = s->values[i];
    return isfinite(v) && v > 0 ? v : 0;
}

/* v as text: whole numbers without decimals, others with one ("%.1f", C locale). */
static void fmt_value(char *out, size_t len, double v)
{
    if (v < 1e15 && v == floor(v))
        snprintf(out, len, "%.0f", v);
    else if (v < 1e15)
        snprintf(out, len, "%.1f", v);
    else
        snprintf(out, len, "%.3g", v);
}

/* Estimated advance of s[0..n) in font-size units (Liberation Sans proportions). */
static double text_width(const char *s, size_t n, double font)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    double w = 0;
    size_t i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) {
            w += 0.6;
            i++;
            continue;
        }
        utf8proc_category_t cat = utf8proc_category(cp);
        if (cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_ME)
            ; /* combining marks sit on their letter */
        else if (cp == ' ' || cp == '.' || cp == ',' || cp == 'i' || cp == 'l' || cp == 'I')
            w += 0.28;
        else if (utf8proc_isupper(cp) || cp == 'm' || cp == 'w' || cp == 'M' || cp == 'W')
            w += 0.72;
        else
            w += 0.56;
        i += (size_t)k;
    }
    return w * font;
}

/*
 * Bytes of s to show as a label: all of it when it has at most LABEL_CHARS characters
 * (combining marks count with their letter), else the first LABEL_CHARS - 1 without trailing
 * spaces, and *cut is set (the caller adds "…").
 */
static size_t label_cut(const char *s, int *cut)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t n = strlen(s), i = 0, chars = 0, keep = 0;
    *cut = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) {
            k = 1;
            cp = 0xFFFD;
        }
        utf8proc_category_t cat = utf8proc_category(cp);
        int mark = cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
                   cat == UTF8PROC_CATEGORY_ME;
        if (!mark) {
            chars++;
            if (chars == LABEL_CHARS)
                keep = i; /* where the cut goes if there turn out to be too many */
            if (chars > LABEL_CHARS) {
                *cut = 1;
                while (keep > 0 && s[keep - 1] == ' ')
                    keep--;
                return keep;
            }
        }
        i += (size_t)k;
    }
    return n;
}

/* 1 when c is "#rgb" or "#rrggbb". */
static int plain_color(const char *c)
{
    if (!c || c[0] != '#')
        return 0;
    size_t n = strspn(c + 1, "0123456789abcdefABCDEF");
    return (n == 3 || n == 6) && c[1 + n] == '\0';
}

static const char *series_color(const struct view_chart_series *s, size_t i)
{
    return plain_color(s->color) ? s->color : palette[i % (sizeof palette / sizeof *palette)];
}

/* WCAG relative luminance of a colour channel given 0-255. */
static double channel(unsigned v)
{
    double c = v / 255.0;
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

/* "#fff" or TEXT_COLOR, whichever contrasts more with the plain colour c (WCAG ratio). */
static const char *ink_on(const char *c)
{
    unsigned rgb[3];
    size_t n = strlen(c + 1);
    for (int k = 0; k < 3; k++) {
        char h[3] = {c[1 + (n == 3 ? k : 2 * k)], c[1 + (n == 3 ? k : 2 * k + 1)], 0};
        rgb[k] = (unsigned)strtoul(h, NULL, 16); /* #abc reads as #aabbcc */
    }
    double lum = 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2]);
    double dark = 0.0159; /* luminance of TEXT_COLOR #222 */
    double on_white = 1.05 / (lum + 0.05), on_dark = (lum + 0.05) / (dark + 0.05);
    return on_white >= on_dark ? "#fff" : TEXT_COLOR;
}

/*
 * The top of the scale for a largest total t, and its step: the smallest m x 10^k >= t with
 * m in {1, 2, 2.5, 4, 5}, stepped by 0.2, 0.5, 0.5, 1, 1 x 10^k (5, 4, 5, 4, 5 intervals);
 * with whole-number data, steps under 1 are skipped.
 */
static double nice_max(double t, int whole, double *step)
{
    static const double mant[] = {1, 2, 2.5, 4, 5};
    static const double steps[] = {0.2, 0.5, 0.5, 1, 1};
    if (!(t > 0))
        t = 1;
    int e = (int)floor(log10(t));
    for (int k = e - 1; k <= e + 2; k++) {
        double p = pow(10, k);
        for (size_t j = 0; j < sizeof mant / sizeof *mant; j++) {
            double m = mant[j] * p, st = steps[j] * p;
            if (m >= t * (1 - 1e-12) && (!whole || st >= 1 - 1e-9)) {
                *step = st;
                return m;
            }
        }
    }
    *step = 2 * pow(10, e + 2); /* not reached: 10^(e+1) >= t always qualifies */
    return 10 * (*step);
}

/* Decimals needed to print multiples of step exactly (0 for whole steps). */
static int step_decimals(double step)
{
    for (int d = 0; d < 6; d++) {
        double s = step * pow(10, d);
        if (fabs(s - round(s)) < 1e-6 * (s > 1 ? s : 1))
            return d;
    }
    return 6;
}

/* The <svg> start tag, <title> and <desc>, for a chart viewBox of height h. */
static void put_head(struct buf *out, const struct view_chart *c, unsigned id, int h)
{
    const char *title = c->title && *c->title ? c->title : "Biểu đồ";
    int has_desc = c->desc && *c->desc;
    buf_printf(out,
               "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"100%%\" "
               "role=\"img\" aria-labelledby=\"chart%u-t",
               CHART_W, h, id);
    if (has_desc)
        buf_printf(out, " chart%u-d", id);
    buf_printf(out, "\" font-family=\"%s\" font-size=\"%d\" fill=\"%s\">", FONT_FAMILY, LEGEND_FONT,
               TEXT_COLOR);
    buf_printf(out, "<title id=\"chart%u-t\">", id);
    put_esc(out, title);
    buf_puts(out, "</title>");
    if (has_desc) {
        buf_printf(out, "<desc id=\"chart%u-d\">", id);
        put_esc(out, c->desc);
        buf_puts(out, "</desc>");
    }
}

/* The legend at the top; returns its height. With write 0 it only measures. */
static int put_legend(struct buf *out, const struct view_chart *c, int write)
{
    if (c->n_series == 0)
        return 0;
    double x = 0;
    int y = 4;
    if (write)
        buf_puts(out, "<g>");
    for (size_t i = 0; i < c->n_series; i++) {
        const char *name = c->series[i].name ? c->series[i].name : "";
        double w = SWATCH + 5 + text_width(name, strlen(name), LEGEND_FONT) + 16;
        if (x > 0 && x + w > CHART_W) {
            x = 0;
            y += LEGEND_LINE;
        }
        if (write) {
            buf_printf(out, "<rect x=\"%.1f\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>", x,
                       y, SWATCH, SWATCH, series_color(&c->series[i], i));
            buf_printf(out, "<text x=\"%.1f\" y=\"%d\">", x + SWATCH + 5, y + SWATCH - 2);
            put_esc(out, name);
            buf_puts(out, "</text>");
        }
        x += w;
    }
    if (write)
        buf_puts(out, "</g>");
    return y + LEGEND_LINE + 4;
}

/* The chart for zero labels: a line of text in the same frame. */
static void put_empty(const struct view_chart *c, struct buf *out, unsigned id)
{
    put_head(out, c, id, 40);
    buf_printf(out,
               "<text x=\"%d\" y=\"25\" text-anchor=\"middle\" fill=\"%s\">Chưa có số "
               "liệu</text></svg>",
               CHART_W / 2, MUTED_COLOR);
}

/* One bar: a group with the full label and values in <title>, the label, segments, total. */
static void put_bar(struct buf *out, const struct view_chart *c, size_t i, int row_y, double scale)
{
    const char *label = c->labels && c->labels[i] ? c->labels[i] : "";
    char num[40];
    double total = 0;
    buf_puts(out, "<g><title>");
    put_esc(out, label);
    for (size_t s = 0; s < c->n_series; s++) {
        double v = clean_value(&c->series[s], i);
        total += v;
        fmt_value(num, sizeof num, v);
        buf_puts(out, s == 0 ? " — " : "; ");
        put_esc(out, c->series[s].name ? c->series[s].name : "");
        buf_printf(out, ": %s", num);
    }
    fmt_value(num, sizeof num, total);
    buf_printf(out, "%stổng: %s</title>", c->n_series ? "; " : " — ", num);

    int bar_y = row_y + (ROW_H - BAR_H) / 2;
    int text_y = bar_y + BAR_H / 2 + 4; /* baseline that centres the digits on the bar */
    int cut;
    size_t len = label_cut(label, &cut);
    double w = text_width(label, len, LEGEND_FONT) + (cut ? 0.9 * LEGEND_FONT : 0);
    buf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\"", LABEL_W, text_y);
    if (w > LABEL_W - 2)
        buf_printf(out, " textLength=\"%d\" lengthAdjust=\"spacingAndGlyphs\"", LABEL_W - 2);
    buf_puts(out, ">");
    put_esc_n(out, label, len);
    if (cut)
        buf_puts(out, "…");
    buf_puts(out, "</text>");

    double x = PLOT_X;
    for (size_t s = 0; s < c->n_series; s++) {
        double v = clean_value(&c->series[s], i);
        if (v <= 0)
            continue;
        double sw = v * scale;
        const char *color = series_color(&c->series[s], s);
        buf_printf(out, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>", x,
                   bar_y, sw, BAR_H, color);
        fmt_value(num, sizeof num, v);
        if (text_width(num, strlen(num), VALUE_FONT) + 6 <= sw)
            buf_printf(out,
                       "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"%d\" "
                       "fill=\"%s\">%s</text>",
                       x + sw / 2, text_y, VALUE_FONT, ink_on(color), num);
        x += sw;
    }
    fmt_value(num, sizeof num, total);
    buf_printf(out, "<text x=\"%.1f\" y=\"%d\" font-size=\"%d\" font-weight=\"bold\">%s</text></g>",
               x + 4, text_y, VALUE_FONT, num);
}

void view_chart_svg(const struct view_chart *c, struct buf *out)
{
    unsigned id = atomic_fetch_add(&chart_seq, 1) + 1;
    if (c->n_labels == 0) {
        put_empty(c, out, id);
        return;
    }
    double max_total = 0;
    int whole = 1;
    for (size_t i = 0; i < c->n_labels; i++) {
        double t = 0;
        for (size_t s = 0; s < c->n_series; s++) {
            double v = clean_value(&c->series[s], i);
            if (v != floor(v) || v >= 1e15)
                whole = 0;
            t += v;
        }
        if (t > max_total)
            max_total = t;
    }
    double step;
    double axis = nice_max(max_total, whole, &step);
    int n_steps = (int)lround(axis / step);
    int decimals = step_decimals(step);
    double scale = (PLOT_R - PLOT_X) / axis;

    int top = put_legend(out, c, 0);
    int bottom = top + (int)c->n_labels * ROW_H;
    int height = bottom + 20;
    put_head(out, c, id, height);
    put_legend(out, c, 1);

    buf_printf(out, "<g stroke=\"%s\" stroke-width=\"1\">", GRID_COLOR);
    for (int k = 0; k <= n_steps; k++) {
        double gx = PLOT_X + k * step * scale;
        buf_printf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>", gx, top, gx, bottom);
    }
    buf_printf(out, "</g><g font-size=\"%d\" fill=\"%s\" text-anchor=\"middle\">", VALUE_FONT,
               MUTED_COLOR);
    for (int k = 0; k <= n_steps; k++)
        buf_printf(out, "<text x=\"%.1f\" y=\"%d\">%.*f</text>", PLOT_X + k * step * scale,
                   bottom + 14, decimals, k * step);
    buf_puts(out, "</g>");

    for (size_t i = 0; i < c->n_labels; i++)
        put_bar(out, c, i, top + (int)i * ROW_H, scale);
    buf_puts(out, "</svg>");
}

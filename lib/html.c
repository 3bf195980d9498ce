/*
 * html.c -- the report as one self-contained HTML page, for people.
 *
 * The page shows, top to bottom: a header naming the period, the zone and
 * the platforms; KPI tiles with the change against the previous period;
 * messages per month by category (stacked columns); followers per
 * platform over time (lines); the first-response-time distribution
 * (percentiles on a log axis, and SLA attainment); satisfaction (the rating
 * distribution and the top-2-box rate); a table by platform; and the
 * change against the previous period and a year earlier.  doc/report-html.md
 * describes it and doc/kpi.md defines every figure.
 *
 * Guarantees, and how they are kept:
 *
 *  - Self-contained.  CSS sits in one <style> element and charts are
 *    inline SVG written by hand; there is no script, no image, no font and
 *    no URL of any kind (inline SVG in HTML needs no xmlns, so not even
 *    the SVG namespace URL appears).  A Content-Security-Policy meta
 *    element (default-src 'none') makes the browser refuse anything else.
 *  - Accessible.  Each chart is an <svg role="img"> with an aria-label,
 *    and sits next to a table that holds the same figures as text; legends
 *    are HTML lists.
 *  - Right-to-left labels.  The page is left to right.  Every taxonomy
 *    label is escaped and wrapped in <bdi> (direction auto, isolated), so
 *    an Arabic label reads right to left and never reorders the numbers
 *    beside it.  Labels appear only in HTML, never in SVG text, where
 *    bidirectional isolation is poorly supported; SVG tooltips (<title>,
 *    plain text) isolate them with FSI .. PDI.
 *  - Deterministic.  The page depends on the tracker's contents and the
 *    arguments only: no clock, no locale, no hash order.  Numbers are
 *    formatted here from integers (thousands separators and decimal points
 *    written by hand, as examples/skpi.c does), and SVG coordinates are
 *    written in tenths of a unit from integers, so printf's locale never
 *    enters.  Only the report getters' results are read; a tracker and its
 *    copy through a snapshot give the same bytes.
 *
 * Time series.  The range is cut into slices -- hours of an hour tracker
 * for ranges up to 72 hours, local days for ranges up to 62 days, local
 * calendar months up to 36 months, else calendar years -- the first and
 * last clipped to the range.  Each slice is a report of its own
 * (skpi_report_new() over the slice, with the same platform filter), so the
 * writer reads through the report getters only.  Slice ends are local
 * midnights snapped to bucket boundaries, which every report accepts.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ===================================================================== */
/* Text: escaping and numbers                                            */
/* ===================================================================== */

/* Append s escaped for HTML text and attribute values.  Control characters
 * other than tab and line feed are not allowed in HTML: they become
 * U+FFFD, the replacement character. */
static void put_text(skpi__buf *b, const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&':
            skpi__buf_puts(b, "&amp;");
            break;
        case '<':
            skpi__buf_puts(b, "&lt;");
            break;
        case '>':
            skpi__buf_puts(b, "&gt;");
            break;
        case '"':
            skpi__buf_puts(b, "&quot;");
            break;
        case '\'':
            skpi__buf_puts(b, "&#39;");
            break;
        default:
            if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F)
                skpi__buf_puts(b, "\xEF\xBF\xBD");
            else
                skpi__buf_putc(b, (char)c);
        }
    }
}

/* The display name of a taxonomy entry: its label, else its slug. */
static const char *entry_name(const skpi_tracker *t, int dim, uint32_t id)
{
    const char *label = skpi_taxonomy_label(t, dim, id);
    if (label == NULL || label[0] == '\0')
        label = skpi_taxonomy_slug(t, dim, id);
    return label != NULL ? label : "?";
}

/* A taxonomy label, escaped and isolated: <bdi> takes its direction from
 * its own text, so Arabic reads right to left inside a left-to-right page
 * and the numbers around it keep their order. */
static void put_label(skpi__buf *b, const skpi_tracker *t, int dim,
                      uint32_t id)
{
    skpi__buf_puts(b, "<bdi>");
    put_text(b, entry_name(t, dim, id));
    skpi__buf_puts(b, "</bdi>");
}

/* A label in a tooltip (an SVG <title>), which is plain text: the
 * isolates FSI .. PDI (U+2068, U+2069) do there what <bdi> does in HTML. */
static void put_tip_label(skpi__buf *b, const skpi_tracker *t, int dim,
                          uint32_t id)
{
    skpi__buf_puts(b, "\xE2\x81\xA8");
    put_text(b, entry_name(t, dim, id));
    skpi__buf_puts(b, "\xE2\x81\xA9");
}

/*
 * Formatted numbers come back in a small struct by value, so that a call
 * can sit inside an argument list: put_text(b, fmt_int(n).s).  The array
 * lives until the end of the full expression (C11 6.2.4p8).
 */
typedef struct numtext {
    char s[48];
} numtext;

#define NBSP "\xC2\xA0"      /* between a number and its unit */
#define MINUS "\xE2\x88\x92" /* U+2212, the minus sign */
#define NDASH "\xE2\x80\x93" /* U+2013, for ranges and "no value" */

/*
 * v / 10^decimals with thousands separators and `decimals` digits after
 * the point: fmt_fixed(9503, 1) is "950.3", fmt_fixed(4829520, 0) is
 * "4,829,520".  With `sign`, a positive value gets "+"; a negative one
 * always gets the minus sign U+2212.
 */
static numtext fmt_fixed(int64_t v, int decimals, bool sign)
{
    numtext t;
    char digits[24];
    /* The magnitude as unsigned, so that INT64_MIN works too. */
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    size_t n = 0, o = 0;

    do {
        digits[n++] = (char)('0' + (int)(mag % 10u));
        mag /= 10u;
    } while (mag > 0);
    while (n <= (size_t)decimals)
        digits[n++] = '0';
    if (v < 0) {
        memcpy(t.s, MINUS, sizeof MINUS - 1);
        o = sizeof MINUS - 1;
    } else if (sign && v > 0) {
        t.s[o++] = '+';
    }
    while (n > 0) {
        t.s[o++] = digits[--n];
        if (n == (size_t)decimals && n > 0)
            t.s[o++] = '.';
        else if (n > (size_t)decimals && (n - (size_t)decimals) % 3 == 0)
            t.s[o++] = ',';
    }
    t.s[o] = '\0';
    return t;
}

static numtext fmt_int(int64_t v)
{
    return fmt_fixed(v, 0, false);
}

/* Round x to an integer, saturating instead of overflowing. */
static int64_t round_i64(double x)
{
    if (x >= 9.2e18)
        return INT64_MAX;
    if (x <= -9.2e18)
        return -INT64_MAX;
    return (int64_t)llround(x);
}

/* A rate as a percentage with one decimal, "95.0 %", or "n/a" (NaN). */
static numtext fmt_pct(double rate)
{
    numtext t;
    if (isnan(rate)) {
        strcpy(t.s, "n/a");
        return t;
    }
    t = fmt_fixed(round_i64(rate * 1000.0), 1, false);
    strcat(t.s, NBSP "%");
    return t;
}

/*
 * A measured time span in the unit a reader takes in at a glance: "45 s",
 * "4.5 min", "37 min", "3.1 h", "16.4 h", "1.2 d", "182 d" (the rules of
 * examples/skpi.c).  The unit is chosen after rounding, so 59.7 s is
 * "1.0 min", not "60 s".
 */
static numtext fmt_span(double seconds)
{
    numtext t;
    double m = seconds / 60.0, h = seconds / 3600.0, d = seconds / 86400.0;
    const char *unit;
    if (isnan(seconds)) {
        strcpy(t.s, "n/a");
        return t;
    }
    if (seconds < 59.5) {
        t = fmt_fixed(round_i64(seconds), 0, false);
        unit = NBSP "s";
    } else if (m < 9.95) {
        t = fmt_fixed(round_i64(m * 10.0), 1, false);
        unit = NBSP "min";
    } else if (m < 59.5) {
        t = fmt_fixed(round_i64(m), 0, false);
        unit = NBSP "min";
    } else if (h < 23.95) {
        t = fmt_fixed(round_i64(h * 10.0), 1, false);
        unit = NBSP "h";
    } else if (d < 99.95) {
        t = fmt_fixed(round_i64(d * 10.0), 1, false);
        unit = NBSP "d";
    } else {
        t = fmt_fixed(round_i64(d), 0, false);
        unit = NBSP "d";
    }
    strcat(t.s, unit);
    return t;
}

/* A duration as targets and axis ticks are stated: "1 h", "30 min". */
static numtext fmt_duration(int64_t seconds)
{
    numtext t;
    const char *unit;
    if (seconds > 0 && seconds % 86400 == 0) {
        t = fmt_int(seconds / 86400);
        unit = NBSP "d";
    } else if (seconds > 0 && seconds % 3600 == 0) {
        t = fmt_int(seconds / 3600);
        unit = NBSP "h";
    } else if (seconds > 0 && seconds % 60 == 0) {
        t = fmt_int(seconds / 60);
        unit = NBSP "min";
    } else {
        t = fmt_int(seconds);
        unit = NBSP "s";
    }
    strcat(t.s, unit);
    return t;
}

/* A signed change in percent of a base: "+9.5 %", or "n/a" (NaN). */
static numtext fmt_growth(double fraction)
{
    numtext t;
    if (isnan(fraction)) {
        strcpy(t.s, "n/a");
        return t;
    }
    t = fmt_fixed(round_i64(fraction * 1000.0), 1, true);
    strcat(t.s, NBSP "%");
    return t;
}

/* A whole percentage for an axis tick: 0.25 is "25 %". */
static numtext fmt_percent_tick(double fraction)
{
    numtext t = fmt_int(round_i64(fraction * 100.0));
    strcat(t.s, NBSP "%");
    return t;
}

/* Append a coordinate rounded to a tenth: "123.4", or "123" when whole. */
static void put_coord(skpi__buf *b, double v)
{
    int64_t tenths = round_i64(v * 10.0);
    if (tenths % 10 == 0)
        skpi__buf_printf(b, "%lld", (long long)(tenths / 10));
    else
        skpi__buf_puts(b, fmt_fixed(tenths, 1, false).s);
}

/* ===================================================================== */
/* Figures compared across periods                                       */
/* ===================================================================== */

/* What a figure is, which fixes how it is written and compared. */
enum fig_kind {
    KIND_COUNT,  /* an exact count; change as a relative % */
    KIND_RATE,   /* a fraction; change in percentage points */
    KIND_SECONDS /* a time span; change as a relative % */
};

/* The figures of the tiles and of the change table. */
enum {
    F_INQUIRIES,
    F_THANKS,
    F_RATE,
    F_P50,
    F_P90,
    F_CSAT,
    F_ENGAGEMENTS,
    F_POSTS,
    F_FOLLOWERS,
    F_UNIQUE,
    N_FIGS
};

static const struct {
    const char *name;
    enum fig_kind kind;
    int better; /* +1 higher is better, -1 lower is, 0 neither */
} fig_info[N_FIGS] = {
    {"Inquiries and remarks", KIND_COUNT, 0},
    {"Appreciation (thanks)", KIND_COUNT, 0},
    {"Response rate", KIND_RATE, 1},
    {"First response, median (p50)", KIND_SECONDS, -1},
    {"First response, p90", KIND_SECONDS, -1},
    {"CSAT (top-2-box)", KIND_RATE, 1},
    {"Engagements", KIND_COUNT, 1},
    {"Posts", KIND_COUNT, 0},
    {"Followers (sum at end)", KIND_COUNT, 1},
    {"Unique followers (estimate)", KIND_COUNT, 1},
};

/* One figure: an exact count or a real value, or unknown. */
typedef struct figure {
    bool known;
    int64_t n;
    double x;
} figure;

static figure count_fig(int64_t n)
{
    return (figure){true, n, (double)n};
}

static figure real_fig(double x)
{
    return (figure){!isnan(x), 0, x};
}

static const figure no_fig = {false, 0, 0.0};

/* The getters below cannot fail for ids below the report's taxonomy
 * counts and SKPI_ALL; their status is checked in the tests, not here,
 * except where a status means "no data". */

static void read_figures(const skpi_report *r, figure f[N_FIGS])
{
    int64_t n;
    double x;
    size_t with = 0;

    (void)skpi_report_inquiries_and_remarks(r, SKPI_ALL, &n);
    f[F_INQUIRIES] = count_fig(n);
    (void)skpi_report_group_messages(r, SKPI_ALL, SKPI_GROUP_APPRECIATION, &n);
    f[F_THANKS] = count_fig(n);
    (void)skpi_report_responses(r, SKPI_ALL, SKPI_ALL, NULL, NULL, &x);
    f[F_RATE] = real_fig(x);
    f[F_P50] = f[F_P90] = no_fig;
    if (skpi_report_response_quantile(r, SKPI_ALL, SKPI_ALL, 0, 0.5, &x) ==
        SKPI_OK)
        f[F_P50] = real_fig(x);
    if (skpi_report_response_quantile(r, SKPI_ALL, SKPI_ALL, 0, 0.9, &x) ==
        SKPI_OK)
        f[F_P90] = real_fig(x);
    (void)skpi_report_csat(r, SKPI_ALL, NULL, NULL, &x, NULL);
    f[F_CSAT] = real_fig(x);
    (void)skpi_report_engagement(r, SKPI_ALL, SKPI_ALL, &n);
    f[F_ENGAGEMENTS] = count_fig(n);
    (void)skpi_report_posts(r, SKPI_ALL, &n, NULL);
    f[F_POSTS] = count_fig(n);
    /* Without any reading the sum is unknown, not zero. */
    (void)skpi_report_followers_total(r, &n, NULL, NULL, &with);
    f[F_FOLLOWERS] = with == 0 ? no_fig : count_fig(n);
    f[F_UNIQUE] = no_fig;
    if (skpi_report_people(r, SKPI_PEOPLE_FOLLOWERS, SKPI_ALL, &n, NULL) ==
        SKPI_OK)
        f[F_UNIQUE] = count_fig(n);
}

/* Append a figure's value, or "n/a". */
static void put_figure(skpi__buf *b, int fig, figure f)
{
    if (!f.known)
        skpi__buf_puts(b, "n/a");
    else if (fig_info[fig].kind == KIND_COUNT)
        skpi__buf_puts(b, fmt_int(f.n).s);
    else if (fig_info[fig].kind == KIND_RATE)
        skpi__buf_puts(b, fmt_pct(f.x).s);
    else
        skpi__buf_puts(b, fmt_span(f.x).s);
}

/*
 * Append the change from `then` to `now` as a span: an arrow and the
 * signed change, relative (%) for counts and times, in percentage points
 * for rates; "n/a" when either is unknown or a relative change has a zero
 * base.  The class says whether the change is good news (figures where
 * direction has a meaning), so that colour only repeats what the text
 * says.
 */
static void put_change(skpi__buf *b, int fig, figure now, figure then)
{
    int64_t tenths;
    const char *unit;
    if (!now.known || !then.known ||
        (fig_info[fig].kind != KIND_RATE && then.x == 0.0)) {
        skpi__buf_puts(b, "<span class=\"na\">n/a</span>");
        return;
    }
    if (fig_info[fig].kind == KIND_RATE) {
        tenths = round_i64((now.x - then.x) * 1000.0);
        unit = NBSP "pt";
    } else {
        tenths = round_i64((now.x - then.x) / then.x * 1000.0);
        unit = NBSP "%";
    }
    int dir = tenths > 0 ? 1 : tenths < 0 ? -1 : 0;
    int good = dir * fig_info[fig].better;
    skpi__buf_printf(b, "<span class=\"ch%s\">",
                     good > 0 ? " good" : good < 0 ? " bad" : "");
    if (dir == 0) {
        skpi__buf_puts(b, "no change");
    } else {
        skpi__buf_printf(b, "<span aria-hidden=\"true\">%s</span> %s%s",
                         dir > 0 ? "\xE2\x96\xB2" : "\xE2\x96\xBC",
                         fmt_fixed(tenths, 1, true).s, unit);
    }
    skpi__buf_puts(b, "</span>");
}

/* ===================================================================== */
/* The page being written                                                */
/* ===================================================================== */

/* How the range is cut for the time-series charts. */
enum unit { UNIT_HOUR, UNIT_DAY, UNIT_MONTH, UNIT_YEAR };

static const char *const unit_names[] = {"Hour", "Day", "Month", "Year"};

/* At most 233 calendar years (1969-12-31 .. 2200-01-01) or 73 hours. */
#define MAX_SLICES 240

typedef struct slice {
    int64_t from, to;
    char name[24];  /* in tables and tooltips: "2024-03", "2024-03-10" */
    char tick[8];   /* under its column: "Mar", "10", "14", "2024" */
    char group[16]; /* the larger unit under the ticks: "2024", "Mar 2024" */
} slice;

/* One earlier period: its range and its figures. */
typedef struct earlier {
    bool have; /* false: it cannot be formed (before 1970) or reported */
    int64_t from, to;
    figure f[N_FIGS];
} earlier;

typedef struct page {
    skpi__buf *b;
    const skpi_tracker *t;
    const skpi_report *r;
    const uint32_t *platforms;
    size_t n_platforms;
    int64_t from, to;
    size_t np, nc; /* the report's taxonomy sizes */

    enum unit unit;
    size_t ns;     /* slices */
    slice *s;      /* [ns] */
    int64_t *msg;  /* [ns * nc]: messages of each slice and category */
    int64_t *fol;  /* [ns * np]: end reading, -1 where there is none */

    bool change; /* write the change (no SKPI_HTML_NO_CHANGE) */
    figure now[N_FIGS];
    earlier prev, year;
} page;

/* Whether platform p is in the report's filter. */
static bool in_filter(const page *pg, uint32_t p)
{
    if (pg->n_platforms == 0)
        return true;
    for (size_t i = 0; i < pg->n_platforms; i++)
        if (pg->platforms[i] == p)
            return true;
    return false;
}

static const char *const month_abbr[12] = {"Jan", "Feb", "Mar", "Apr",
                                           "May", "Jun", "Jul", "Aug",
                                           "Sep", "Oct", "Nov", "Dec"};

/* The bucket boundary at or before `utc` (an instant inside the range). */
static int64_t snap(const skpi_tracker *t, int64_t utc)
{
    return skpi__bucket_start(t, skpi__bucket_of(t, utc));
}

/* The local day number holding `utc` and its civil date. */
static int64_t local_date(const skpi_tracker *t, int64_t utc, int64_t *y,
                          int *m, int *d)
{
    int64_t day = skpi__zone_local_day(&t->opt.zone, utc);
    skpi__civil_from_days(day, y, m, d);
    return day;
}

/* The start of the slice after the one that starts at `start`. */
static int64_t next_edge(const page *pg, int64_t start)
{
    const skpi_tracker *t = pg->t;
    int64_t y, next;
    int m;
    int64_t day = local_date(t, start, &y, &m, NULL);

    if (pg->unit == UNIT_HOUR)
        return skpi__bucket_start(t, skpi__bucket_of(t, start) + 1);
    /* A day that a zone skips whole starts where the next one does: keep
     * going until an edge lies past `start`. */
    for (int64_t k = 1;; k++) {
        int64_t d;
        if (pg->unit == UNIT_DAY)
            d = day + k;
        else if (pg->unit == UNIT_MONTH)
            d = skpi__days_from_civil(y + (m - 1 + k) / 12,
                                      (int)((m - 1 + k) % 12) + 1, 1);
        else
            d = skpi__days_from_civil(y + k, 1, 1);
        next = skpi__zone_midnight(&t->opt.zone, d);
        if (next >= pg->to)
            return pg->to;
        next = snap(t, next);
        if (next > start)
            return next;
    }
}

/* Name slice i after its start. */
static void name_slice(const page *pg, slice *s)
{
    int64_t y;
    int m, d;
    (void)local_date(pg->t, s->from, &y, &m, &d);
    switch (pg->unit) {
    case UNIT_HOUR: {
        int64_t hour = skpi__zone_local_hour(&pg->t->opt.zone, s->from);
        int h = (int)skpi__floormod(hour, 24);
        snprintf(s->name, sizeof s->name, "%04lld-%02d-%02d %02d:00",
                 (long long)y, m, d, h);
        snprintf(s->tick, sizeof s->tick, "%02d", h);
        snprintf(s->group, sizeof s->group, "%d %s %04lld", d,
                 month_abbr[m - 1], (long long)y);
        break;
    }
    case UNIT_DAY:
        snprintf(s->name, sizeof s->name, "%04lld-%02d-%02d", (long long)y, m,
                 d);
        snprintf(s->tick, sizeof s->tick, "%d", d);
        snprintf(s->group, sizeof s->group, "%s %04lld", month_abbr[m - 1],
                 (long long)y);
        break;
    case UNIT_MONTH:
        snprintf(s->name, sizeof s->name, "%04lld-%02d", (long long)y, m);
        snprintf(s->tick, sizeof s->tick, "%s", month_abbr[m - 1]);
        snprintf(s->group, sizeof s->group, "%04lld", (long long)y);
        break;
    case UNIT_YEAR:
        snprintf(s->name, sizeof s->name, "%04lld", (long long)y);
        snprintf(s->tick, sizeof s->tick, "%04lld", (long long)y);
        s->group[0] = '\0';
        break;
    }
}

/*
 * Cut the range into slices and read each one's messages by category and
 * follower readings by platform.  Returns SKPI_OK, SKPI_ENOMEM or the
 * status of a slice's report (which, for a range that has a report
 * already, can only be a failed allocation or an overflow).
 */
static skpi_status read_slices(page *pg)
{
    const skpi_tracker *t = pg->t;
    int64_t y0, y1;
    int m0, m1;
    int64_t d0 = local_date(t, pg->from, &y0, &m0, NULL);
    int64_t d1 = local_date(t, pg->to - 1, &y1, &m1, NULL);
    int64_t months = (y1 * 12 + m1) - (y0 * 12 + m0) + 1;

    if (t->opt.bucket == SKPI_BUCKET_HOUR && pg->to - pg->from <= 72 * SKPI_HOUR)
        pg->unit = UNIT_HOUR;
    else if (d1 - d0 + 1 <= 62)
        pg->unit = UNIT_DAY;
    else if (months <= 36)
        pg->unit = UNIT_MONTH;
    else
        pg->unit = UNIT_YEAR;

    int64_t edge[MAX_SLICES + 1];
    size_t ns = 0;
    edge[0] = pg->from;
    while (edge[ns] < pg->to && ns < MAX_SLICES) {
        edge[ns + 1] = next_edge(pg, edge[ns]);
        ns++;
    }
    if (edge[ns] < pg->to) /* cannot happen: the units above bound ns */
        edge[ns] = pg->to;

    pg->s = calloc(ns, sizeof *pg->s);
    pg->msg = calloc(ns * (pg->nc ? pg->nc : 1), sizeof *pg->msg);
    pg->fol = calloc(ns * (pg->np ? pg->np : 1), sizeof *pg->fol);
    if (pg->s == NULL || pg->msg == NULL || pg->fol == NULL)
        return SKPI_ENOMEM;
    pg->ns = ns;

    for (size_t i = 0; i < ns; i++) {
        slice *s = &pg->s[i];
        skpi_report *sr;
        s->from = edge[i];
        s->to = edge[i + 1];
        name_slice(pg, s);
        skpi_status st = skpi_report_new(t, s->from, s->to, pg->platforms,
                                         pg->n_platforms, &sr);
        if (st != SKPI_OK)
            return st;
        for (uint32_t c = 0; c < pg->nc; c++)
            (void)skpi_report_messages(sr, SKPI_ALL, c, &pg->msg[i * pg->nc + c]);
        for (uint32_t p = 0; p < pg->np; p++) {
            int64_t end;
            if (skpi_report_followers(sr, p, &end, NULL, NULL, NULL) != SKPI_OK)
                end = -1;
            pg->fol[i * pg->np + p] = end;
        }
        skpi_report_free(sr);
    }
    return SKPI_OK;
}

typedef skpi_status (*period_fn)(const skpi_tracker *, int64_t, int64_t,
                                 int64_t *, int64_t *);

/* The figures of an earlier period, or e->have false when it cannot be
 * formed or reported; only a failed allocation is an error. */
static skpi_status read_earlier(const page *pg, period_fn fn, earlier *e)
{
    skpi_report *r = NULL;
    skpi_status st = fn(pg->t, pg->from, pg->to, &e->from, &e->to);
    if (st == SKPI_OK)
        st = skpi_report_new(pg->t, e->from, e->to, pg->platforms,
                             pg->n_platforms, &r);
    if (st == SKPI_ENOMEM)
        return st;
    e->have = st == SKPI_OK;
    if (e->have)
        read_figures(r, e->f);
    skpi_report_free(r);
    return SKPI_OK;
}

/* ===================================================================== */
/* Page furniture                                                        */
/* ===================================================================== */

/*
 * Dark text on a light background; print at A4 width (182 mm between the
 * margins, about 690 CSS pixels) keeps the tiles four abreast and puts
 * the two half-width charts one above the other.  The font stack names
 * fonts that may be installed and never fetches one.
 */
static const char page_css[] =
    ":root{color-scheme:light}"
    "*{box-sizing:border-box}"
    "body{margin:0;background:#f3f4f6;color:#1a1d21;"
    "font:14px/1.45 system-ui,\"Segoe UI\",Roboto,\"Noto Sans\","
    "\"Noto Naskh Arabic\",\"DejaVu Sans\",Arial,sans-serif}"
    "main{max-width:1000px;margin:0 auto;padding:24px 20px 32px}"
    "header{border-bottom:3px solid #1f4e79;padding-bottom:12px;margin-bottom:16px}"
    "h1{font-size:24px;margin:0 0 6px;color:#12263a}"
    "h2{font-size:17px;margin:0 0 4px;color:#12263a}"
    "h3{font-size:14px;margin:14px 0 4px}"
    ".meta{margin:0;color:#3f4752}"
    ".meta b{color:#1a1d21}"
    ".note{color:#4a525e;font-size:12.5px;margin:4px 0 0}"
    ".tiles{display:grid;grid-template-columns:repeat(4,1fr);gap:12px}"
    ".tile{background:#fff;border:1px solid #d5d9df;border-top:3px solid #2e75b6;"
    "border-radius:6px;padding:10px 12px}"
    ".tile h3{font-size:11.5px;font-weight:600;text-transform:uppercase;"
    "letter-spacing:.03em;color:#46505c;margin:0}"
    ".tile .v{font-size:24px;font-weight:650;margin:2px 0;white-space:nowrap;"
    "color:#12263a}"
    ".tile .d{font-size:12px;color:#46505c;margin:0}"
    ".tile .c{font-size:12px;margin:4px 0 0;color:#46505c}"
    ".ch{font-weight:600;color:#2f3640}"
    ".ch.good{color:#1b6e2e}.ch.bad{color:#a4281e}"
    ".na{color:#5b6470}"
    "section{background:#fff;border:1px solid #d5d9df;border-radius:6px;"
    "padding:14px 18px 16px;margin-top:16px}"
    ".cols{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);"
    "gap:8px 28px;align-items:start}"
    "svg{display:block;width:100%;height:auto;margin-top:8px}"
    "svg text{font-size:11px;fill:#3f4752}"
    "svg.half text{font-size:12px}"
    "svg .tt{font-weight:600;fill:#1a1d21}"
    "svg .vl{fill:#1a1d21}"
    ".legend{list-style:none;display:flex;flex-wrap:wrap;gap:4px 18px;"
    "padding:0;margin:8px 0 0;font-size:12.5px}"
    ".legend li{display:flex;align-items:center;gap:6px}"
    ".sw{display:inline-block;width:12px;height:12px;border-radius:2px;"
    "-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    ".ln{display:inline-block;width:18px;height:0;border-top-width:3px}"
    "table{border-collapse:collapse;width:100%;font-size:12.5px;margin-top:12px}"
    "caption{text-align:left;font-weight:600;padding-bottom:4px;color:#2f3640}"
    "th,td{padding:3px 8px;border-bottom:1px solid #e4e7eb;text-align:left;"
    "vertical-align:top}"
    "thead th{border-bottom:1.5px solid #9aa3ad;font-weight:600}"
    "tbody th,tfoot th{white-space:nowrap}"
    "thead th.n{white-space:normal}"
    ".tw{overflow-x:auto}"
    "tfoot td,tfoot th{border-top:1.5px solid #9aa3ad;font-weight:600}"
    "td.n,th.n{text-align:right;white-space:nowrap;"
    "font-variant-numeric:tabular-nums}"
    ".big{font-size:30px;font-weight:650;color:#12263a;margin:6px 0 0}"
    "footer{margin-top:18px;font-size:12px;color:#4a525e}"
    "@media (max-width:760px){.tiles{grid-template-columns:repeat(2,1fr)}"
    ".cols{grid-template-columns:minmax(0,1fr)}}"
    "@page{size:A4;margin:14mm 14mm}"
    "@media print{body{background:#fff;font-size:11px}"
    "main{max-width:none;padding:0}"
    ".tiles{grid-template-columns:repeat(4,1fr);gap:8px}"
    ".tile .v{font-size:19px}"
    ".cols{grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:4px 18px}"
    ".tw{overflow:visible}"
    "section,.tile{border-color:#b9bec5;break-inside:avoid}"
    "table{font-size:10.5px}"
    "h2{break-after:avoid}}";

/* "UTC+04:00" for an offset zone, the IANA name otherwise. */
static void put_zone(skpi__buf *b, const skpi_tracker *t)
{
    const char *z = skpi_tracker_zone(t);
    if (strcmp(z, "Z") == 0)
        skpi__buf_puts(b, "UTC");
    else if (z[0] == '+' || z[0] == '-')
        skpi__buf_printf(b, "UTC%s", z);
    else
        put_text(b, z);
}

/*
 * A range in words: "2024-01-01 to 2024-06-30 (182 days)" when both ends
 * are local midnights, else its ends as local times.
 */
static void put_range(skpi__buf *b, const skpi_tracker *t, int64_t from,
                      int64_t to)
{
    const skpi__zone *z = &t->opt.zone;
    int64_t df = skpi__zone_local_day(z, from), dt = skpi__zone_local_day(z, to);
    char f[SKPI_TIME_BUFSIZE], e[SKPI_TIME_BUFSIZE];
    if (skpi__zone_midnight(z, df) == from && skpi__zone_midnight(z, dt) == to) {
        skpi__time_format(z, from, f);
        skpi__time_format(z, to - 1, e);
        f[10] = e[10] = '\0';
        if (dt - df == 1)
            skpi__buf_printf(b, "%s (1 day)", f);
        else
            skpi__buf_printf(b, "%s to %s (%s days)", f, e,
                             fmt_int(dt - df).s);
        return;
    }
    skpi__time_format(z, from, f);
    skpi__time_format(z, to, e);
    f[10] = e[10] = ' ';
    f[16] = e[16] = '\0'; /* "2024-03-10 14:00" */
    skpi__buf_printf(b, "%s to %s", f, e);
}

static void write_header(page *pg)
{
    skpi__buf *b = pg->b;
    char f[SKPI_TIME_BUFSIZE], e[SKPI_TIME_BUFSIZE];
    bool first = true;

    skpi__buf_puts(b, "<header><h1>Customer service on social media</h1>"
                      "<p class=\"meta\"><b>Period</b> ");
    put_range(b, pg->t, pg->from, pg->to);
    skpi__buf_puts(b, " &middot; <b>Zone</b> ");
    put_zone(b, pg->t);
    skpi__buf_printf(b, " &middot; %s buckets</p>"
                        "<p class=\"meta\"><b>Platforms</b> ",
                     pg->t->opt.bucket == SKPI_BUCKET_DAY ? "day" : "hour");
    for (uint32_t p = 0; p < pg->np; p++) {
        if (!in_filter(pg, p))
            continue;
        if (!first)
            skpi__buf_puts(b, ", ");
        put_label(b, pg->t, SKPI_PLATFORM, p);
        first = false;
    }
    if (pg->n_platforms == 0)
        skpi__buf_puts(b, " (all)");
    skpi__time_format(&pg->t->opt.zone, pg->from, f);
    skpi__time_format(&pg->t->opt.zone, pg->to, e);
    skpi__buf_printf(b, "</p><p class=\"note\">Range [%s, %s).", f, e);
    if (pg->change) {
        skpi__buf_puts(b, " Changes compare with the previous period of "
                          "equal length");
        if (pg->prev.have) {
            skpi__buf_puts(b, ", ");
            put_range(b, pg->t, pg->prev.from, pg->prev.to);
        } else {
            skpi__buf_puts(b, " (none can be formed)");
        }
        skpi__buf_puts(b, ".");
    }
    skpi__buf_puts(b, "</p></header>\n");
}

/* ===================================================================== */
/* KPI tiles                                                             */
/* ===================================================================== */

/* Open a tile: its title and its value; the caller writes the detail
 * line's content and closes it with tile_end(). */
static void tile_begin(page *pg, const char *title)
{
    skpi__buf_puts(pg->b, "<div class=\"tile\"><h3>");
    skpi__buf_puts(pg->b, title);
    skpi__buf_puts(pg->b, "</h3><p class=\"v\">");
}

static void tile_detail(page *pg)
{
    skpi__buf_puts(pg->b, "</p><p class=\"d\">");
}

/* Close the detail line and add the change against the previous period
 * of figure `fig` (-1 for none). */
static void tile_end(page *pg, int fig)
{
    skpi__buf *b = pg->b;
    skpi__buf_puts(b, "</p>");
    if (pg->change && fig >= 0) {
        skpi__buf_puts(b, "<p class=\"c\">");
        if (pg->prev.have)
            put_change(b, fig, pg->now[fig], pg->prev.f[fig]);
        else
            skpi__buf_puts(b, "<span class=\"na\">n/a</span>");
        skpi__buf_puts(b, " vs previous period</p>");
    }
    skpi__buf_puts(b, "</div>\n");
}

static void write_tiles(page *pg)
{
    skpi__buf *b = pg->b;
    const skpi_report *r = pg->r;
    int64_t all, expected, answered, ratings, satisfied, posts, n, lo, hi;
    double rate, mean, per_post, err;
    size_t with = 0;

    skpi__buf_puts(b, "<div class=\"tiles\" role=\"group\" "
                      "aria-label=\"Key figures\">\n");

    (void)skpi_report_messages(r, SKPI_ALL, SKPI_ALL, &all);
    tile_begin(pg, "Inquiries and remarks");
    put_figure(b, F_INQUIRIES, pg->now[F_INQUIRIES]);
    tile_detail(pg);
    skpi__buf_printf(b, "%s messages in all, %s of them appreciation",
                     fmt_int(all).s,
                     fmt_int(pg->now[F_THANKS].n).s);
    tile_end(pg, F_INQUIRIES);

    (void)skpi_report_responses(r, SKPI_ALL, SKPI_ALL, &expected, &answered,
                                &rate);
    tile_begin(pg, "Response rate");
    put_figure(b, F_RATE, pg->now[F_RATE]);
    tile_detail(pg);
    skpi__buf_printf(b, "%s answered of %s expecting an answer",
                     fmt_int(answered).s, fmt_int(expected).s);
    tile_end(pg, F_RATE);

    bool frt = skpi_report_response_time(r, SKPI_ALL, SKPI_ALL, 0, &n, &mean,
                                         NULL, NULL) == SKPI_OK;
    tile_begin(pg, "First response, median");
    put_figure(b, F_P50, pg->now[F_P50]);
    tile_detail(pg);
    if (frt)
        skpi__buf_printf(b, "half of %s answers came within this; mean %s",
                         fmt_int(n).s, fmt_span(mean).s);
    else
        skpi__buf_puts(b, "no message of this period was answered");
    tile_end(pg, F_P50);

    tile_begin(pg, "First response, p90");
    put_figure(b, F_P90, pg->now[F_P90]);
    tile_detail(pg);
    if (frt)
        skpi__buf_puts(b, "9 answers in 10 came within this");
    else
        skpi__buf_puts(b, "no message of this period was answered");
    tile_end(pg, F_P90);

    (void)skpi_report_csat(r, SKPI_ALL, &ratings, &satisfied, &rate, &mean);
    tile_begin(pg, "CSAT (top-2-box)");
    put_figure(b, F_CSAT, pg->now[F_CSAT]);
    tile_detail(pg);
    if (ratings > 0)
        skpi__buf_printf(b, "%s satisfied of %s ratings; mean %s",
                         fmt_int(satisfied).s, fmt_int(ratings).s,
                         fmt_fixed(round_i64(mean * 100.0), 2, false).s);
    else
        skpi__buf_puts(b, "no ratings in this period");
    tile_end(pg, F_CSAT);

    (void)skpi_report_posts(r, SKPI_ALL, &posts, &per_post);
    tile_begin(pg, "Engagements");
    put_figure(b, F_ENGAGEMENTS, pg->now[F_ENGAGEMENTS]);
    tile_detail(pg);
    if (posts > 0)
        skpi__buf_printf(b, "on %s posts, %s per post", fmt_int(posts).s,
                         fmt_int(round_i64(per_post)).s);
    else
        skpi__buf_puts(b, "no posts recorded");
    tile_end(pg, F_ENGAGEMENTS);

    (void)skpi_report_followers_total(r, NULL, &lo, &hi, &with);
    tile_begin(pg, "Followers, sum");
    put_figure(b, F_FOLLOWERS, pg->now[F_FOLLOWERS]);
    tile_detail(pg);
    if (with > 0)
        skpi__buf_printf(b, "end tallies of %s platform%s: follows, not people",
                         fmt_int((int64_t)with).s, with == 1 ? "" : "s");
    else
        skpi__buf_puts(b, "no follower tallies in this period");
    tile_end(pg, F_FOLLOWERS);

    /* Distinct people: the estimate from follower ids where there is one,
     * else what the tallies bound. */
    tile_begin(pg, "Unique audience");
    if (skpi_report_people(r, SKPI_PEOPLE_FOLLOWERS, SKPI_ALL, &n, &err) ==
        SKPI_OK) {
        put_figure(b, F_UNIQUE, pg->now[F_UNIQUE]);
        tile_detail(pg);
        skpi__buf_printf(b, "distinct people, estimated from follower ids "
                            "(&plusmn;%s)",
                         err * 100.0 < 0.05
                             ? "&lt;0.1" NBSP "%"
                             : fmt_pct(err).s);
        tile_end(pg, F_UNIQUE);
    } else if (with > 0) {
        skpi__buf_printf(b, "%s" NBSP NDASH NBSP "%s", fmt_int(lo).s,
                         fmt_int(hi).s);
        tile_detail(pg);
        skpi__buf_puts(b, "distinct people lie between the largest platform "
                          "and the sum (no follower ids)");
        tile_end(pg, -1);
    } else {
        skpi__buf_puts(b, "n/a");
        tile_detail(pg);
        skpi__buf_puts(b, "no follower tallies or ids in this period");
        tile_end(pg, -1);
    }
    skpi__buf_puts(b, "</div>\n");
}

/* ===================================================================== */
/* SVG charts                                                            */
/* ===================================================================== */

/* The box of a chart: its viewBox size and the plot area inside. */
typedef struct frame {
    double w, h;   /* viewBox */
    double x0, x1; /* plot, left and right */
    double y0, y1; /* plot, top and bottom */
} frame;

/* Open an <svg> with an accessible name. */
static void svg_open(skpi__buf *b, const frame *f, const char *cls,
                     const char *label)
{
    skpi__buf_puts(b, "<svg");
    if (cls != NULL)
        skpi__buf_printf(b, " class=\"%s\"", cls);
    skpi__buf_puts(b, " viewBox=\"0 0 ");
    put_coord(b, f->w);
    skpi__buf_putc(b, ' ');
    put_coord(b, f->h);
    skpi__buf_puts(b, "\" role=\"img\" aria-label=\"");
    put_text(b, label);
    skpi__buf_puts(b, "\">");
}

static void svg_text(skpi__buf *b, double x, double y, const char *anchor,
                     const char *cls, const char *text)
{
    skpi__buf_puts(b, "<text x=\"");
    put_coord(b, x);
    skpi__buf_puts(b, "\" y=\"");
    put_coord(b, y);
    skpi__buf_putc(b, '"');
    if (anchor != NULL)
        skpi__buf_printf(b, " text-anchor=\"%s\"", anchor);
    if (cls != NULL)
        skpi__buf_printf(b, " class=\"%s\"", cls);
    skpi__buf_putc(b, '>');
    skpi__buf_puts(b, text); /* ASCII or already escaped by the caller */
    skpi__buf_puts(b, "</text>");
}

static void svg_line(skpi__buf *b, double x1, double y1, double x2, double y2,
                     const char *stroke)
{
    skpi__buf_puts(b, "<line x1=\"");
    put_coord(b, x1);
    skpi__buf_puts(b, "\" y1=\"");
    put_coord(b, y1);
    skpi__buf_puts(b, "\" x2=\"");
    put_coord(b, x2);
    skpi__buf_puts(b, "\" y2=\"");
    put_coord(b, y2);
    skpi__buf_printf(b, "\" stroke=\"%s\"/>", stroke);
}

/* Open a rectangle (the caller adds a <title> and "</rect>"). */
static void svg_rect(skpi__buf *b, double x, double y, double w, double h,
                     const char *fill)
{
    skpi__buf_puts(b, "<rect x=\"");
    put_coord(b, x);
    skpi__buf_puts(b, "\" y=\"");
    put_coord(b, y);
    skpi__buf_puts(b, "\" width=\"");
    put_coord(b, w);
    skpi__buf_puts(b, "\" height=\"");
    put_coord(b, h);
    skpi__buf_printf(b, "\" fill=\"%s\">", fill);
}

/*
 * A step for about `ticks` axis ticks over [0, span]: 1, 2 or 5 times a
 * power of ten, at least 1.
 */
static int64_t nice_step(int64_t span, int64_t ticks)
{
    static const int64_t mult[3] = {1, 2, 5};
    for (int64_t pow = 1;; pow *= 10) {
        for (int i = 0; i < 3; i++) {
            int64_t s = mult[i] * pow;
            if (s >= (span + ticks - 1) / ticks)
                return s;
        }
        if (pow > INT64_MAX / 100)
            return pow * 10;
    }
}

/* Horizontal grid lines and count labels for a value axis [lo, hi] by
 * `step`, with its title above the plot's left edge. */
static void value_axis(skpi__buf *b, const frame *f, double lo, double hi,
                       int64_t step, const char *title)
{
    for (double v = lo; v <= hi + 0.5; v += (double)step) {
        double y = f->y1 - (v - lo) / (hi - lo) * (f->y1 - f->y0);
        svg_line(b, f->x0, y, f->x1, y, v == lo ? "#8a939e" : "#e3e6ea");
        svg_text(b, f->x0 - 6, y + 3.5, "end", NULL,
                 fmt_int((int64_t)v).s);
    }
    svg_text(b, 4, f->y0 - 14, "start", "tt", title);
}

/* Tick labels under the slices, at most about 14 of them, and the larger
 * unit under those where it changes; the axis title at the right. */
static void slice_axis(skpi__buf *b, const frame *f, const slice *s,
                       size_t n, const char *title)
{
    double slot = (f->x1 - f->x0) / (double)n;
    size_t stride = (n + 13) / 14;
    const char *last_group = "";
    for (size_t i = 0; i < n; i++) {
        double cx = f->x0 + ((double)i + 0.5) * slot;
        bool show = i % stride == 0;
        if (show)
            svg_text(b, cx, f->y1 + 15, "middle", NULL, s[i].tick);
        if (show && strcmp(s[i].group, last_group) != 0) {
            svg_text(b, cx - 6, f->y1 + 30, "start", NULL, s[i].group);
            last_group = s[i].group;
        }
    }
    svg_text(b, f->x1, f->h - 3, "end", "tt", title);
}

/* Colours of categories: a family of four shades per group (a group's
 * categories share a hue), families cycling past eight groups. */
static const char *const group_colors[8][4] = {
    {"#1f4e79", "#2e75b6", "#6fa3d6", "#a9c9e8"}, /* blue */
    {"#b5530f", "#e07b2e", "#f0a46a", "#f6c9a1"}, /* orange */
    {"#2f6b2f", "#4f9a3e", "#86bf6a", "#b9dca7"}, /* green */
    {"#5b2c6f", "#8545a3", "#b07cc6", "#d4b6e1"}, /* purple */
    {"#0e6655", "#16907a", "#4fb8a2", "#9fd9cb"}, /* teal */
    {"#8e2a22", "#c23b30", "#e2786d", "#efaca5"}, /* red */
    {"#7a5a0a", "#a88412", "#cfae33", "#e6d27f"}, /* ochre */
    {"#3d4448", "#6b7479", "#9ba3a8", "#c9ced1"}, /* grey */
};

/* Colours of platform lines; past eight they repeat dashed. */
static const char *const line_colors[8] = {"#1f4e79", "#d0661d", "#2f8a3a",
                                           "#8545a3", "#c23b30", "#16907a",
                                           "#a88412", "#5a6268"};

/* The colour of category c among the report's categories. */
static const char *category_color(const page *pg, uint32_t c)
{
    uint32_t group = 0, g;
    size_t shade = 0;
    (void)skpi_category_info(pg->t, c, &group, NULL);
    for (uint32_t k = 0; k < c; k++)
        if (skpi_category_info(pg->t, k, &g, NULL) == SKPI_OK && g == group)
            shade++;
    return group_colors[group % 8][shade % 4];
}

/* ===================================================================== */
/* Messages by category                                                  */
/* ===================================================================== */

/*
 * Stacked columns: one per slot, one segment per series (bottom up in
 * series order), each segment with a tooltip.  v[i * m + j] is series j
 * in slot i; `names` and `colors` describe series; `tip` names slots.
 * Totals are written above columns when there are at most 16.
 */
typedef struct columns {
    size_t n, m;
    const int64_t *v;
    const char *const *colors;
    const char *const *names; /* escaped already */
    const char *(*slot_name)(const void *ctx, size_t i);
    const void *ctx;
} columns;

/* Sum each slot into totals[] and return the largest sum. */
static int64_t column_totals(const columns *c, int64_t *totals)
{
    int64_t max = 0;
    for (size_t i = 0; i < c->n; i++) {
        totals[i] = 0;
        for (size_t j = 0; j < c->m; j++)
            totals[i] += c->v[i * c->m + j];
        if (totals[i] > max)
            max = totals[i];
    }
    return max;
}

/*
 * Draw the columns of c in f, on a value axis of `ticks` steps or so
 * (written here too), titled `title`; totals[] receives each slot's sum.
 */
static void svg_columns(skpi__buf *b, const frame *f, const columns *c,
                        int64_t ticks, const char *title, int64_t *totals)
{
    int64_t max = column_totals(c, totals);
    int64_t step = nice_step(max, ticks);
    int64_t top_n = max == 0 ? step : (max + step - 1) / step * step;
    double top = (double)top_n;
    value_axis(b, f, 0, top, step, title);
    double slot = (f->x1 - f->x0) / (double)c->n;
    double bar = slot * 0.7 > 56 ? 56 : slot * 0.7;
    double ph = f->y1 - f->y0;
    for (size_t i = 0; i < c->n; i++) {
        double cx = f->x0 + ((double)i + 0.5) * slot, cum = 0;
        for (size_t j = 0; j < c->m; j++) {
            double v = (double)c->v[i * c->m + j];
            if (v <= 0)
                continue;
            double yb = f->y1 - cum / top * ph, yt = f->y1 - (cum + v) / top * ph;
            svg_rect(b, cx - bar / 2, yt, bar, yb - yt, c->colors[j]);
            skpi__buf_printf(b, "<title>%s: %s: %s</title></rect>",
                             c->slot_name(c->ctx, i), c->names[j],
                             fmt_int(c->v[i * c->m + j]).s);
            cum += v;
        }
        if (c->n <= 16 && totals[i] > 0)
            svg_text(b, cx, f->y1 - cum / top * ph - 4, "middle", "vl",
                     fmt_int(totals[i]).s);
    }
}

static const char *slice_name(const void *ctx, size_t i)
{
    return ((const page *)ctx)->s[i].name;
}

/* A wide chart's frame: 760 wide, room for counts on the left and two
 * rows of tick labels below. */
static frame wide_frame(void)
{
    return (frame){760, 304, 64, 748, 34, 254};
}

static void write_messages(page *pg)
{
    skpi__buf *b = pg->b;
    const skpi_tracker *t = pg->t;
    size_t m = 0;
    uint32_t cat[SKPI_MAX_CATEGORIES];
    int64_t total;

    skpi__buf_printf(b, "<section id=\"messages\"><h2>Messages by %s and "
                        "category</h2>",
                     pg->unit == UNIT_MONTH  ? "month"
                     : pg->unit == UNIT_DAY  ? "day"
                     : pg->unit == UNIT_HOUR ? "hour"
                                             : "year");
    /* The categories that received anything, in id order. */
    for (uint32_t c = 0; c < pg->nc && c < SKPI_MAX_CATEGORIES; c++) {
        (void)skpi_report_messages(pg->r, SKPI_ALL, c, &total);
        if (total > 0)
            cat[m++] = c;
    }
    if (m == 0) {
        skpi__buf_puts(b, "<p class=\"note\">No messages in this period.</p>"
                          "</section>\n");
        return;
    }

    /* Series names, escaped, in one buffer. */
    skpi__buf names;
    skpi__buf_init(&names);
    size_t name_at[SKPI_MAX_CATEGORIES];
    for (size_t j = 0; j < m; j++) {
        name_at[j] = names.len;
        put_tip_label(&names, t, SKPI_CATEGORY, cat[j]);
        skpi__buf_putc(&names, '\0');
    }
    int64_t *v = calloc(pg->ns * m, sizeof *v);
    int64_t *totals = calloc(pg->ns, sizeof *totals);
    if (names.failed || v == NULL || totals == NULL) {
        b->failed = true;
        free(v);
        free(totals);
        skpi__buf_free(&names);
        return;
    }
    const char *nm[SKPI_MAX_CATEGORIES], *col[SKPI_MAX_CATEGORIES];
    for (size_t j = 0; j < m; j++) {
        nm[j] = names.data + name_at[j];
        col[j] = category_color(pg, cat[j]);
    }
    for (size_t i = 0; i < pg->ns; i++)
        for (size_t j = 0; j < m; j++)
            v[i * m + j] = pg->msg[i * pg->nc + cat[j]];

    skpi__buf_puts(b, "<p class=\"note\">Messages received, stacked by "
                      "category; colours follow the category's group.</p>");
    frame f = wide_frame();
    svg_open(b, &f, NULL, "Messages by category over time (the table below "
                          "holds the figures)");
    columns c = {pg->ns, m, v, col, nm, slice_name, pg};
    svg_columns(b, &f, &c, 5, "Messages", totals);
    slice_axis(b, &f, pg->s, pg->ns, unit_names[pg->unit]);
    skpi__buf_puts(b, "</svg><ul class=\"legend\">");
    for (size_t j = 0; j < m; j++) {
        skpi__buf_printf(b, "<li><span class=\"sw\" style=\"background:%s\">"
                            "</span>",
                         col[j]);
        put_label(b, t, SKPI_CATEGORY, cat[j]);
        skpi__buf_puts(b, "</li>");
    }
    skpi__buf_puts(b, "</ul>");

    /* The same figures as a table. */
    skpi__buf_printf(b, "<div class=\"tw\"><table>"
                        "<caption>Messages by %s and category"
                        "</caption><thead><tr><th scope=\"col\">%s</th>",
                     pg->unit == UNIT_MONTH ? "month"
                     : pg->unit == UNIT_DAY ? "day"
                     : pg->unit == UNIT_HOUR ? "hour" : "year",
                     unit_names[pg->unit]);
    for (size_t j = 0; j < m; j++) {
        skpi__buf_puts(b, "<th scope=\"col\" class=\"n\">");
        put_label(b, t, SKPI_CATEGORY, cat[j]);
        skpi__buf_puts(b, "</th>");
    }
    skpi__buf_puts(b, "<th scope=\"col\" class=\"n\">Total</th></tr></thead>"
                      "<tbody>");
    for (size_t i = 0; i < pg->ns; i++) {
        skpi__buf_printf(b, "<tr><th scope=\"row\">%s</th>", pg->s[i].name);
        for (size_t j = 0; j < m; j++)
            skpi__buf_printf(b, "<td class=\"n\">%s</td>",
                             fmt_int(v[i * m + j]).s);
        skpi__buf_printf(b, "<td class=\"n\">%s</td></tr>", fmt_int(totals[i]).s);
    }
    skpi__buf_puts(b, "</tbody><tfoot><tr><th scope=\"row\">Period</th>");
    for (size_t j = 0; j < m; j++) {
        (void)skpi_report_messages(pg->r, SKPI_ALL, cat[j], &total);
        skpi__buf_printf(b, "<td class=\"n\">%s</td>", fmt_int(total).s);
    }
    (void)skpi_report_messages(pg->r, SKPI_ALL, SKPI_ALL, &total);
    skpi__buf_printf(b, "<td class=\"n\">%s</td></tr></tfoot></table></div>",
                     fmt_int(total).s);
    skpi__buf_puts(b, "</section>\n");
    free(v);
    free(totals);
    skpi__buf_free(&names);
}

/* ===================================================================== */
/* Followers over time                                                   */
/* ===================================================================== */

static void write_followers(page *pg)
{
    skpi__buf *b = pg->b;
    const skpi_tracker *t = pg->t;
    uint32_t plat[SKPI_MAX_PLATFORMS];
    size_t m = 0;
    int64_t lo = INT64_MAX, hi = 0;

    skpi__buf_puts(b, "<section id=\"followers\"><h2>Followers by platform"
                      "</h2>");
    for (uint32_t p = 0; p < pg->np && p < SKPI_MAX_PLATFORMS; p++) {
        bool any = false;
        for (size_t i = 0; i < pg->ns; i++) {
            int64_t v = pg->fol[i * pg->np + p];
            if (v < 0)
                continue;
            any = true;
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        if (any)
            plat[m++] = p;
    }
    if (m == 0) {
        skpi__buf_puts(b, "<p class=\"note\">No follower tallies were recorded "
                          "in this period.</p></section>\n");
        return;
    }
    skpi__buf_printf(b, "<p class=\"note\">The latest tally of each %s; "
                        "a gap is a %s without a tally.</p>",
                     pg->unit == UNIT_MONTH  ? "month"
                     : pg->unit == UNIT_DAY  ? "day"
                     : pg->unit == UNIT_HOUR ? "hour"
                                             : "year",
                     pg->unit == UNIT_MONTH  ? "month"
                     : pg->unit == UNIT_DAY  ? "day"
                     : pg->unit == UNIT_HOUR ? "hour"
                                             : "year");

    /* The value axis covers the readings with whole steps; it starts at 0
     * when that is within two steps. */
    int64_t step = nice_step(hi - lo > 0 ? hi - lo : (hi > 0 ? hi : 1), 4);
    int64_t axis_lo = lo / step * step, axis_hi = (hi + step - 1) / step * step;
    if (axis_lo <= 2 * step)
        axis_lo = 0;
    if (axis_hi <= axis_lo)
        axis_hi = axis_lo + step;
    frame f = wide_frame();
    f.x0 = 78; /* room for seven-digit tallies */
    svg_open(b, &f, NULL, "Followers by platform over time (the table below "
                          "holds the figures)");
    value_axis(b, &f, (double)axis_lo, (double)axis_hi, step, "Followers");
    double slot = (f.x1 - f.x0) / (double)pg->ns;
    double span = (double)(axis_hi - axis_lo);
    for (size_t j = 0; j < m; j++) {
        const char *color = line_colors[j % 8];
        bool pen = false;
        skpi__buf_puts(b, "<path fill=\"none\" stroke-width=\"2.5\" "
                          "stroke-linejoin=\"round\" d=\"");
        for (size_t i = 0; i < pg->ns; i++) {
            int64_t v = pg->fol[i * pg->np + plat[j]];
            if (v < 0) {
                pen = false;
                continue;
            }
            skpi__buf_putc(b, pen ? 'L' : 'M');
            put_coord(b, f.x0 + ((double)i + 0.5) * slot);
            skpi__buf_putc(b, ' ');
            put_coord(b, f.y1 - (double)(v - axis_lo) / span * (f.y1 - f.y0));
            pen = true;
        }
        skpi__buf_printf(b, "\" stroke=\"%s\"%s/>", color,
                         j >= 8 ? " stroke-dasharray=\"7 4\"" : "");
        if (pg->ns > 62)
            continue;
        for (size_t i = 0; i < pg->ns; i++) {
            int64_t v = pg->fol[i * pg->np + plat[j]];
            if (v < 0)
                continue;
            skpi__buf_puts(b, "<circle cx=\"");
            put_coord(b, f.x0 + ((double)i + 0.5) * slot);
            skpi__buf_puts(b, "\" cy=\"");
            put_coord(b, f.y1 - (double)(v - axis_lo) / span * (f.y1 - f.y0));
            skpi__buf_printf(b, "\" r=\"3.5\" fill=\"%s\" stroke=\"#fff\">"
                                "<title>%s: ",
                             color, pg->s[i].name);
            put_tip_label(b, t, SKPI_PLATFORM, plat[j]);
            skpi__buf_printf(b, ": %s</title></circle>", fmt_int(v).s);
        }
    }
    slice_axis(b, &f, pg->s, pg->ns, unit_names[pg->unit]);
    skpi__buf_puts(b, "</svg><ul class=\"legend\">");
    for (size_t j = 0; j < m; j++) {
        skpi__buf_printf(b, "<li><span class=\"ln\" style=\"border-top:3px "
                            "%s %s\"></span>",
                         j >= 8 ? "dashed" : "solid", line_colors[j % 8]);
        put_label(b, t, SKPI_PLATFORM, plat[j]);
        skpi__buf_puts(b, "</li>");
    }
    skpi__buf_puts(b, "</ul>");

    /* Start, end and growth of each platform, then the series. */
    skpi__buf_puts(b, "<table><caption>Followers at the start and the end of "
                      "the period</caption><thead><tr><th scope=\"col\">"
                      "Platform</th><th scope=\"col\" class=\"n\">Start</th>"
                      "<th scope=\"col\" class=\"n\">End</th><th scope=\"col\" "
                      "class=\"n\">Change</th><th scope=\"col\" class=\"n\">"
                      "Growth</th></tr></thead><tbody>");
    int64_t sum_start = 0, sum_end = 0;
    for (size_t j = 0; j < m; j++) {
        int64_t end, start, change;
        double growth;
        if (skpi_report_followers(pg->r, plat[j], &end, &start, &change,
                                  &growth) != SKPI_OK)
            continue; /* a tally recorded since the report was made */
        sum_start += start;
        sum_end += end;
        skpi__buf_puts(b, "<tr><th scope=\"row\">");
        put_label(b, t, SKPI_PLATFORM, plat[j]);
        skpi__buf_printf(b, "</th><td class=\"n\">%s</td><td class=\"n\">%s</td>",
                         fmt_int(start).s, fmt_int(end).s);
        skpi__buf_printf(b, "<td class=\"n\">%s</td><td class=\"n\">%s</td></tr>",
                         fmt_fixed(change, 0, true).s, fmt_growth(growth).s);
    }
    skpi__buf_printf(b, "</tbody><tfoot><tr><th scope=\"row\">Sum</th>"
                        "<td class=\"n\">%s</td><td class=\"n\">%s</td>",
                     fmt_int(sum_start).s, fmt_int(sum_end).s);
    skpi__buf_printf(b, "<td class=\"n\">%s</td><td class=\"n\">%s</td></tr>"
                        "</tfoot></table>",
                     fmt_fixed(sum_end - sum_start, 0, true).s,
                     fmt_growth(sum_start > 0 ? (double)(sum_end - sum_start) /
                                                    (double)sum_start
                                              : NAN).s);
    skpi__buf_puts(b, "<p class=\"note\">The start is the latest tally "
                      "before the period, else the first one in it; growth "
                      "is the change over the start.</p>");

    skpi__buf_printf(b, "<div class=\"tw\"><table>"
                        "<caption>Latest tally of each %s</caption>"
                        "<thead><tr><th scope=\"col\">%s</th>",
                     pg->unit == UNIT_MONTH ? "month"
                     : pg->unit == UNIT_DAY ? "day"
                     : pg->unit == UNIT_HOUR ? "hour" : "year",
                     unit_names[pg->unit]);
    for (size_t j = 0; j < m; j++) {
        skpi__buf_puts(b, "<th scope=\"col\" class=\"n\">");
        put_label(b, t, SKPI_PLATFORM, plat[j]);
        skpi__buf_puts(b, "</th>");
    }
    skpi__buf_puts(b, "</tr></thead><tbody>");
    for (size_t i = 0; i < pg->ns; i++) {
        skpi__buf_printf(b, "<tr><th scope=\"row\">%s</th>", pg->s[i].name);
        for (size_t j = 0; j < m; j++) {
            int64_t v = pg->fol[i * pg->np + plat[j]];
            skpi__buf_printf(b, "<td class=\"n\">%s</td>",
                             v < 0 ? NDASH : fmt_int(v).s);
        }
        skpi__buf_puts(b, "</tr>");
    }
    skpi__buf_puts(b, "</tbody></table></div></section>\n");
}

/* ===================================================================== */
/* First-response time and satisfaction                                  */
/* ===================================================================== */

/* A row of a horizontal chart: its label (ASCII), value and the text
 * written beside its mark. */
typedef struct hbar {
    char label[64];
    double v;
    numtext text;
} hbar;

/* A half-width chart with one row per bar and room for tick labels and
 * the axis title below. */
static frame rows_frame(size_t n)
{
    frame f = {400, 0, 86, 340, 6, 0};
    f.y1 = f.y0 + 24 * (double)n;
    f.h = f.y1 + 38;
    return f;
}

/* Shares (rates) as bars from 0, with grid lines every 25 %. */
static void svg_share_bars(skpi__buf *b, const hbar *bars, size_t n,
                           const char *color, const char *title,
                           const char *label)
{
    frame f = rows_frame(n);
    double top = 1.0;
    for (size_t i = 0; i < n; i++)
        if (bars[i].v > top)
            top = ceil(bars[i].v * 4.0) / 4.0;
    svg_open(b, &f, "half", label);
    for (int k = 0; k <= (int)(top * 4.0 + 0.5); k++) {
        double v = k / 4.0, x = f.x0 + v / top * (f.x1 - f.x0);
        svg_line(b, x, f.y0, x, f.y1, k == 0 ? "#8a939e" : "#e3e6ea");
        svg_text(b, x, f.y1 + 15, "middle", NULL, fmt_percent_tick(v).s);
    }
    for (size_t i = 0; i < n; i++) {
        double y = f.y0 + 24 * (double)i;
        double w = bars[i].v / top * (f.x1 - f.x0);
        svg_text(b, f.x0 - 8, y + 16, "end", NULL, bars[i].label);
        svg_rect(b, f.x0, y + 5, w, 14, color);
        skpi__buf_printf(b, "<title>%s: %s</title></rect>", bars[i].label,
                         bars[i].text.s);
        svg_text(b, f.x0 + w + 5, y + 16, NULL, "vl", bars[i].text.s);
    }
    svg_text(b, f.x1, f.h - 4, "end", "tt", title);
    skpi__buf_puts(b, "</svg>");
}

/* Ticks of a logarithmic time axis, in seconds. */
static const int64_t log_ticks[] = {1,     10,    60,     600,     3600,
                                    21600, 86400, 604800, 2592000, 31536000};
#define N_LOG_TICKS (sizeof log_ticks / sizeof log_ticks[0])

/*
 * Time spans as dots on a logarithmic axis, one a row, each joined to the
 * axis by a thin line.  Response times spread over orders of magnitude (a
 * median of minutes, a p99 of hours), which a linear axis would squash
 * into its first tenth; a log axis shows every percentile, and positions,
 * not lengths, carry the values.  A span below the first tick (0 s) sits
 * on the axis; its text tells the value.
 */
static void svg_time_dots(skpi__buf *b, const hbar *bars, size_t n,
                          const char *color, const char *title,
                          const char *label)
{
    frame f = rows_frame(n);
    double lo = 0, hi = 0;
    for (size_t i = 0; i < n; i++) {
        if (bars[i].v >= 1 && (lo == 0 || bars[i].v < lo))
            lo = bars[i].v;
        hi = bars[i].v > hi ? bars[i].v : hi;
    }
    /* The axis runs from the last tick at or below the smallest span to
     * the first at or above the largest, at least two ticks apart. */
    size_t a = 0, z = N_LOG_TICKS - 1;
    while (a + 1 < N_LOG_TICKS && (double)log_ticks[a + 1] <= lo)
        a++;
    while (z > 0 && (double)log_ticks[z - 1] >= hi)
        z--;
    if (z <= a)
        z = a + 1 < N_LOG_TICKS ? a + 1 : a;
    if (z == a)
        a--;
    double l0 = log10((double)log_ticks[a]), l1 = log10((double)log_ticks[z]);
    svg_open(b, &f, "half", label);
    for (size_t k = a; k <= z; k++) {
        double x = f.x0 + (log10((double)log_ticks[k]) - l0) / (l1 - l0) *
                              (f.x1 - f.x0);
        svg_line(b, x, f.y0, x, f.y1, k == a ? "#8a939e" : "#e3e6ea");
        svg_text(b, x, f.y1 + 15, "middle", NULL,
                 fmt_duration(log_ticks[k]).s);
    }
    for (size_t i = 0; i < n; i++) {
        double y = f.y0 + 24 * (double)i + 12;
        double v = bars[i].v < (double)log_ticks[a] ? (double)log_ticks[a]
                                                    : bars[i].v;
        double x = f.x0 + (log10(v) - l0) / (l1 - l0) * (f.x1 - f.x0);
        svg_text(b, f.x0 - 8, y + 4, "end", NULL, bars[i].label);
        skpi__buf_printf(b, "<line x1=\"%d\" y1=\"", (int)f.x0);
        put_coord(b, y);
        skpi__buf_puts(b, "\" x2=\"");
        put_coord(b, x);
        skpi__buf_puts(b, "\" y2=\"");
        put_coord(b, y);
        skpi__buf_printf(b, "\" stroke=\"%s\" stroke-width=\"2\" "
                            "stroke-opacity=\".35\"/><circle cx=\"",
                         color);
        put_coord(b, x);
        skpi__buf_puts(b, "\" cy=\"");
        put_coord(b, y);
        skpi__buf_printf(b, "\" r=\"5\" fill=\"%s\"><title>%s: %s</title>"
                            "</circle>",
                         color, bars[i].label, bars[i].text.s);
        svg_text(b, x + 9, y + 4, NULL, "vl", bars[i].text.s);
    }
    svg_text(b, f.x1, f.h - 4, "end", "tt", title);
    skpi__buf_puts(b, "</svg>");
}

static const double frt_q[] = {0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99};
static const char *const frt_names[] = {"p10", "p25", "p50 (median)", "p75",
                                        "p90", "p95", "p99"};
#define N_FRT_Q (sizeof frt_q / sizeof frt_q[0])

static void write_response_time(page *pg)
{
    skpi__buf *b = pg->b;
    const skpi_report *r = pg->r;
    int64_t n[2], min[2], max[2], backlog, age;
    double mean[2], q[2][N_FRT_Q];
    bool have[2];
    hbar bars[SKPI_MAX_SLA > N_FRT_Q ? SKPI_MAX_SLA : N_FRT_Q];

    for (int k = 0; k < 2; k++) {
        have[k] = skpi_report_response_time(r, SKPI_ALL, SKPI_ALL, k, &n[k],
                                            &mean[k], &min[k], &max[k]) ==
                  SKPI_OK;
        for (size_t i = 0; have[k] && i < N_FRT_Q; i++)
            (void)skpi_report_response_quantile(r, SKPI_ALL, SKPI_ALL, k,
                                                frt_q[i], &q[k][i]);
    }
    size_t n_sla = skpi_tracker_sla_count(pg->t);
    if (n_sla > SKPI_MAX_SLA)
        n_sla = SKPI_MAX_SLA;
    int64_t expected = 0;
    (void)skpi_report_responses(r, SKPI_ALL, SKPI_ALL, &expected, NULL, NULL);

    skpi__buf_puts(b, "<section id=\"response-time\"><h2>First-response time"
                      "</h2>");
    if (have[0])
        skpi__buf_printf(b, "<p class=\"note\">From a message to its first "
                            "reply, over the %s messages answered.  "
                            "Percentiles are estimates within the tracker's "
                            "relative accuracy; the rest is exact.</p>",
                         fmt_int(n[0]).s);
    else
        skpi__buf_puts(b, "<p class=\"note\">No message of this period was "
                          "answered.</p>");
    skpi__buf_puts(b, "<div class=\"cols\"><div>");
    if (have[0]) {
        skpi__buf_puts(b, "<h3>Percentiles</h3>");
        for (size_t i = 0; i < N_FRT_Q; i++) {
            snprintf(bars[i].label, sizeof bars[i].label, "%s", frt_names[i]);
            bars[i].v = q[0][i];
            bars[i].text = fmt_span(q[0][i]);
        }
        svg_time_dots(b, bars, N_FRT_Q, "#1f4e79",
                      "Calendar time (logarithmic scale)",
                      "Percentiles of the first-response time (the table "
                      "beside holds the figures)");
    }
    if (n_sla > 0 && expected > 0) {
        skpi__buf_puts(b, "<h3>Answered within each target</h3>");
        for (size_t i = 0; i < n_sla; i++) {
            int64_t seconds;
            double rate;
            (void)skpi_report_sla(r, i, SKPI_ALL, SKPI_ALL, &seconds, NULL,
                                  NULL, &rate);
            snprintf(bars[i].label, sizeof bars[i].label, "within %s",
                     fmt_duration(seconds).s);
            bars[i].v = isnan(rate) ? 0 : rate;
            bars[i].text = fmt_pct(rate);
        }
        svg_share_bars(b, bars, n_sla, "#4f9a3e",
                       "Share of messages expecting an answer",
                       "Share answered within each SLA target (the table "
                       "beside holds the figures)");
    }
    skpi__buf_puts(b, "</div><div>");

    /* The figures as text. */
    if (have[0]) {
        skpi__buf_puts(b, "<table><caption>First-response time</caption>"
                          "<thead><tr><th scope=\"col\"></th><th scope=\"col\" "
                          "class=\"n\">Calendar time</th>");
        if (have[1])
            skpi__buf_puts(b, "<th scope=\"col\" class=\"n\">Business time</th>");
        skpi__buf_puts(b, "</tr></thead><tbody><tr><th scope=\"row\">Answered"
                          "</th>");
        for (int k = 0; k < 2; k++)
            if (have[k])
                skpi__buf_printf(b, "<td class=\"n\">%s</td>", fmt_int(n[k]).s);
        skpi__buf_puts(b, "</tr>");
        for (size_t i = 0; i < N_FRT_Q + 3; i++) {
            const char *name = i < N_FRT_Q ? frt_names[i]
                             : i == N_FRT_Q ? "Mean"
                             : i == N_FRT_Q + 1 ? "Shortest" : "Longest";
            skpi__buf_printf(b, "<tr><th scope=\"row\">%s</th>", name);
            for (int k = 0; k < 2; k++) {
                if (!have[k])
                    continue;
                double v = i < N_FRT_Q ? q[k][i]
                         : i == N_FRT_Q ? mean[k]
                         : i == N_FRT_Q + 1 ? (double)min[k] : (double)max[k];
                skpi__buf_printf(b, "<td class=\"n\">%s</td>", fmt_span(v).s);
            }
            skpi__buf_puts(b, "</tr>");
        }
        skpi__buf_puts(b, "</tbody></table>");
    }
    if (n_sla > 0) {
        skpi__buf_puts(b, "<table><caption>SLA attainment</caption><thead><tr>"
                          "<th scope=\"col\">Target</th><th scope=\"col\" "
                          "class=\"n\">Answered within</th><th scope=\"col\" "
                          "class=\"n\">Expecting an answer</th><th scope=\"col\" "
                          "class=\"n\">Share</th></tr></thead><tbody>");
        for (size_t i = 0; i < n_sla; i++) {
            int64_t seconds, within;
            double rate;
            (void)skpi_report_sla(r, i, SKPI_ALL, SKPI_ALL, &seconds, &within,
                                  &expected, &rate);
            skpi__buf_printf(b, "<tr><th scope=\"row\">%s</th>",
                             fmt_duration(seconds).s);
            skpi__buf_printf(b, "<td class=\"n\">%s</td>", fmt_int(within).s);
            skpi__buf_printf(b, "<td class=\"n\">%s</td>", fmt_int(expected).s);
            skpi__buf_printf(b, "<td class=\"n\">%s</td></tr>", fmt_pct(rate).s);
        }
        skpi__buf_puts(b, "</tbody></table>");
    }
    (void)skpi_report_backlog(r, SKPI_ALL, SKPI_ALL, &backlog, &age);
    skpi__buf_printf(b, "<p class=\"note\">Backlog at the end of the period: "
                        "%s message%s waiting for a first reply",
                     fmt_int(backlog).s, backlog == 1 ? "" : "s");
    if (backlog > 0)
        skpi__buf_printf(b, ", the oldest for %s", fmt_span((double)age).s);
    skpi__buf_puts(b, ".</p></div></div></section>\n");
}

static const char *score_name(const void *ctx, size_t i)
{
    return ((const char (*)[8])ctx)[i];
}

static void write_satisfaction(page *pg)
{
    skpi__buf *b = pg->b;
    const skpi_report *r = pg->r;
    int lo = 1, hi = 5, threshold = 4;
    int64_t ratings, satisfied;
    double rate, mean;

    (void)skpi_tracker_rating_scale(pg->t, &lo, &hi, &threshold);
    (void)skpi_report_csat(r, SKPI_ALL, &ratings, &satisfied, &rate, &mean);
    skpi__buf_puts(b, "<section id=\"satisfaction\"><h2>Satisfaction</h2>");
    if (ratings == 0) {
        skpi__buf_puts(b, "<p class=\"note\">No ratings in this period.</p>"
                          "</section>\n");
        return;
    }
    size_t n = (size_t)(hi - lo + 1);
    int64_t v[2 * SKPI_RATING_SPAN_MAX], totals[SKPI_RATING_SPAN_MAX];
    char names[SKPI_RATING_SPAN_MAX][8];
    for (size_t i = 0; i < n; i++) {
        int64_t count = 0;
        int score = lo + (int)i;
        (void)skpi_report_rating_count(r, SKPI_ALL, score, &count);
        v[2 * i] = score >= threshold ? count : 0;
        v[2 * i + 1] = score >= threshold ? 0 : count;
        snprintf(names[i], sizeof names[i], "%d", score);
    }
    skpi__buf_printf(b, "<div class=\"cols\"><div><p class=\"big\">%s</p>"
                        "<p class=\"note\">CSAT, the "
                        "top-2-box rate: %s of %s ratings were %d or more "
                        "on the scale %d to %d; mean score %s.</p>",
                     fmt_pct(rate).s, fmt_int(satisfied).s, fmt_int(ratings).s,
                     threshold, lo, hi,
                     fmt_fixed(round_i64(mean * 100.0), 2, false).s);

    frame f = {400, 240, 56, 392, 40, 206};
    static const char *const colors[2] = {"#4f9a3e", "#c9ced1"};
    static const char *const series[2] = {"satisfied", "not satisfied"};
    svg_open(b, &f, "half", "Ratings by score (the table below holds the "
                            "figures)");
    columns c = {n, 2, v, colors, series, score_name, names};
    svg_columns(b, &f, &c, 4, "Ratings", totals);
    double slot = (f.x1 - f.x0) / (double)n;
    size_t stride = (n + 20) / 21;
    for (size_t i = 0; i < n; i += stride)
        svg_text(b, f.x0 + ((double)i + 0.5) * slot, f.y1 + 15, "middle", NULL,
                 names[i]);
    svg_text(b, f.x1, f.h - 4, "end", "tt", "Score");
    skpi__buf_printf(b, "</svg><ul class=\"legend\"><li><span class=\"sw\" "
                        "style=\"background:%s\"></span>satisfied (%d or more)"
                        "</li><li><span class=\"sw\" style=\"background:%s\">"
                        "</span>not satisfied</li></ul>",
                     colors[0], threshold, colors[1]);

    skpi__buf_puts(b, "</div><div><table><caption>Ratings by score</caption>"
                      "<thead><tr>"
                      "<th scope=\"col\">Score</th><th scope=\"col\" "
                      "class=\"n\">Ratings</th><th scope=\"col\" class=\"n\">"
                      "Share</th></tr></thead><tbody>");
    for (size_t i = n; i-- > 0;) {
        int64_t count = v[2 * i] + v[2 * i + 1];
        skpi__buf_printf(b, "<tr><th scope=\"row\">%s</th><td class=\"n\">%s"
                            "</td>",
                         names[i], fmt_int(count).s);
        skpi__buf_printf(b, "<td class=\"n\">%s</td></tr>",
                         fmt_pct((double)count / (double)ratings).s);
    }
    skpi__buf_printf(b, "</tbody><tfoot><tr><th scope=\"row\">Satisfied (%d "
                        "or more)</th><td class=\"n\">%s</td>",
                     threshold, fmt_int(satisfied).s);
    skpi__buf_printf(b, "<td class=\"n\">%s</td></tr></tfoot></table>"
                        "</div></div></section>\n",
                     fmt_pct(rate).s);
}

/* ===================================================================== */
/* Tables: by platform, and the change                                   */
/* ===================================================================== */

static void write_platforms(page *pg)
{
    skpi__buf *b = pg->b;
    const skpi_report *r = pg->r;

    skpi__buf_puts(b, "<section id=\"platforms\"><h2>By platform</h2>"
                      "<div class=\"tw\"><table>"
                      "<thead><tr><th scope=\"col\">Platform</th>"
                      "<th scope=\"col\" class=\"n\">Messages</th>"
                      "<th scope=\"col\" class=\"n\">Inquiries and remarks</th>"
                      "<th scope=\"col\" class=\"n\">Answered</th>"
                      "<th scope=\"col\" class=\"n\">Response rate</th>"
                      "<th scope=\"col\" class=\"n\">CSAT</th>"
                      "<th scope=\"col\" class=\"n\">Engagements</th>"
                      "<th scope=\"col\" class=\"n\">Posts</th>"
                      "<th scope=\"col\" class=\"n\">Followers at end</th>"
                      "</tr></thead><tbody>");
    for (uint32_t i = 0; i <= pg->np; i++) {
        uint32_t p = i < pg->np ? i : SKPI_ALL;
        int64_t msgs, inq, answered, eng, posts, fol;
        double rate, csat;
        size_t with = 0;
        if (p != SKPI_ALL && !in_filter(pg, p))
            continue;
        (void)skpi_report_messages(r, p, SKPI_ALL, &msgs);
        (void)skpi_report_inquiries_and_remarks(r, p, &inq);
        (void)skpi_report_responses(r, p, SKPI_ALL, NULL, &answered, &rate);
        (void)skpi_report_csat(r, p, NULL, NULL, &csat, NULL);
        (void)skpi_report_engagement(r, p, SKPI_ALL, &eng);
        (void)skpi_report_posts(r, p, &posts, NULL);
        bool have_fol;
        if (p == SKPI_ALL) {
            (void)skpi_report_followers_total(r, &fol, NULL, NULL, &with);
            have_fol = with > 0;
            skpi__buf_puts(b, "</tbody><tfoot><tr><th scope=\"row\">All</th>");
        } else {
            have_fol = skpi_report_followers(r, p, &fol, NULL, NULL, NULL) ==
                       SKPI_OK;
            skpi__buf_puts(b, "<tr><th scope=\"row\">");
            put_label(b, pg->t, SKPI_PLATFORM, p);
            skpi__buf_puts(b, "</th>");
        }
        skpi__buf_printf(b, "<td class=\"n\">%s</td>", fmt_int(msgs).s);
        skpi__buf_printf(b, "<td class=\"n\">%s</td>", fmt_int(inq).s);
        skpi__buf_printf(b, "<td class=\"n\">%s</td>", fmt_int(answered).s);
        skpi__buf_printf(b, "<td class=\"n\">%s</td>", fmt_pct(rate).s);
        skpi__buf_printf(b, "<td class=\"n\">%s</td>", fmt_pct(csat).s);
        skpi__buf_printf(b, "<td class=\"n\">%s</td>", fmt_int(eng).s);
        skpi__buf_printf(b, "<td class=\"n\">%s</td>", fmt_int(posts).s);
        skpi__buf_printf(b, "<td class=\"n\">%s</td></tr>",
                         have_fol ? fmt_int(fol).s : "n/a");
    }
    skpi__buf_puts(b, "</tfoot></table></div></section>\n");
}

static void write_change(page *pg)
{
    skpi__buf *b = pg->b;
    const earlier *e[2] = {&pg->prev, &pg->year};

    skpi__buf_puts(b, "<section id=\"change\"><h2>Change against earlier "
                      "periods</h2><p class=\"note\">");
    for (int k = 0; k < 2; k++) {
        skpi__buf_puts(b, k == 0 ? "Previous period: " : "; a year earlier: ");
        if (e[k]->have)
            put_range(b, pg->t, e[k]->from, e[k]->to);
        else
            skpi__buf_puts(b, "none");
    }
    skpi__buf_puts(b, ".  Rates change in percentage points (pt), the "
                      "rest in percent.</p><table><thead><tr>"
                      "<th scope=\"col\"></th>"
                      "<th scope=\"col\" class=\"n\">This period</th>"
                      "<th scope=\"col\" class=\"n\">Previous</th>"
                      "<th scope=\"col\" class=\"n\">Change</th>"
                      "<th scope=\"col\" class=\"n\">A year earlier</th>"
                      "<th scope=\"col\" class=\"n\">Change</th>"
                      "</tr></thead><tbody>");
    for (int i = 0; i < N_FIGS; i++) {
        skpi__buf_printf(b, "<tr><th scope=\"row\">%s</th><td class=\"n\">",
                         fig_info[i].name);
        put_figure(b, i, pg->now[i]);
        skpi__buf_puts(b, "</td>");
        for (int k = 0; k < 2; k++) {
            figure then = e[k]->have ? e[k]->f[i] : no_fig;
            skpi__buf_puts(b, "<td class=\"n\">");
            put_figure(b, i, then);
            skpi__buf_puts(b, "</td><td class=\"n\">");
            put_change(b, i, pg->now[i], then);
            skpi__buf_puts(b, "</td>");
        }
        skpi__buf_puts(b, "</tr>");
    }
    skpi__buf_puts(b, "</tbody></table></section>\n");
}

/* ===================================================================== */
/* Entry point                                                           */
/* ===================================================================== */

static void write_page(page *pg)
{
    skpi__buf *b = pg->b;

    skpi__buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\">\n"
                      "<head>\n<meta charset=\"utf-8\">\n"
                      "<meta http-equiv=\"Content-Security-Policy\" "
                      "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, "
                      "initial-scale=1\">\n");
    skpi__buf_printf(b, "<meta name=\"generator\" content=\"libsocialkpi %s\">\n"
                        "<title>Customer service on social media: ",
                     skpi_version_string());
    put_range(b, pg->t, pg->from, pg->to);
    skpi__buf_puts(b, "</title>\n<style>");
    skpi__buf_puts(b, page_css);
    skpi__buf_puts(b, "</style>\n</head>\n<body>\n<main>\n");

    write_header(pg);
    write_tiles(pg);
    write_messages(pg);
    write_followers(pg);
    write_response_time(pg);
    write_satisfaction(pg);
    write_platforms(pg);
    if (pg->change)
        write_change(pg);
    skpi__buf_printf(b, "<footer>Made by libsocialkpi %s.  Every figure is "
                        "defined in the library's doc/kpi.md; counts are "
                        "exact, percentiles and distinct people are "
                        "estimates with the stated error.</footer>\n"
                        "</main>\n</body>\n</html>\n",
                     skpi_version_string());
}

skpi_status skpi_report_html(const skpi_tracker *t, int64_t from, int64_t to,
                             const uint32_t *platforms, size_t n_platforms,
                             unsigned flags, char **out, size_t *len)
{
    if (t == NULL || out == NULL)
        return SKPI_EINVAL;
    if ((flags & ~SKPI_HTML_NO_CHANGE) != 0)
        return SKPI_EOPTION;
    skpi_report *r;
    skpi_status st = skpi_report_new(t, from, to, platforms, n_platforms, &r);
    if (st != SKPI_OK)
        return st;

    skpi__buf b;
    skpi__buf_init(&b);
    /* The report's taxonomy snapshot bounds every loop, so entries
     * registered while we write do not appear half-way. */
    page pg = {.b = &b, .t = t, .r = r, .platforms = platforms,
               .n_platforms = n_platforms, .from = from, .to = to,
               .np = skpi_report_taxonomy_count(r, SKPI_PLATFORM),
               .nc = skpi_report_taxonomy_count(r, SKPI_CATEGORY),
               .change = (flags & SKPI_HTML_NO_CHANGE) == 0};
    read_figures(r, pg.now);
    st = read_slices(&pg);
    if (st == SKPI_OK && pg.change)
        st = read_earlier(&pg, skpi_period_previous, &pg.prev);
    if (st == SKPI_OK && pg.change)
        st = read_earlier(&pg, skpi_period_year_earlier, &pg.year);
    if (st == SKPI_OK)
        write_page(&pg);

    free(pg.s);
    free(pg.msg);
    free(pg.fol);
    skpi_report_free(r);
    if (st != SKPI_OK) {
        skpi__buf_free(&b);
        return st;
    }
    return skpi__buf_finish(&b, out, len);
}

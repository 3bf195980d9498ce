/*
 * csvwriter.c -- the report as CSV, one row per bucket x platform x category.
 *
 * For spreadsheets: RFC 4180 (fields separated by commas, a field holding a
 * comma, a double quote, CR or LF quoted with its quotes doubled), CRLF
 * line ends, UTF-8 without a byte-order mark, and a header row.  The
 * columns are a public contract documented in doc/report-csv.md: columns
 * are added, never renamed or removed, and consumers find them by name.
 *
 * Every row has the same columns.  Message figures belong to a platform
 * and a category; the platform's own figures (posts, engagements,
 * followers, ratings) have no category, so they are written once per
 * bucket and platform, on the platform's first category row, and left
 * empty on its other rows: a column sum or a pivot table then counts each
 * figure once, where repeating them on every row would multiply them.
 *
 * Each bucket is read as a report of its own, [start of bucket, start of
 * the next), through the public getters, so that every figure means
 * exactly what it means in the JSON report of that bucket.  A report
 * already sums the whole range first: it checks the range and the platform
 * filter, gives the errors of skpi_report_new() before anything is
 * written, and fixes the taxonomy (hence the columns) for the whole
 * document, so that entries registered meanwhile do not appear half-way.
 */
#include <math.h>
#include <string.h>

#include "internal.h"

/* ===================================================================== */
/* Fields                                                                */
/* ===================================================================== */

typedef struct cw {
    skpi__buf *b;
    bool first; /* no field written yet on this row */
} cw;

static void field_start(cw *w)
{
    if (!w->first)
        skpi__buf_putc(w->b, ',');
    w->first = false;
}

/* A text field, quoted when RFC 4180 requires it. */
static void field_str(cw *w, const char *s)
{
    field_start(w);
    if (strpbrk(s, ",\"\r\n") == NULL) {
        skpi__buf_puts(w->b, s);
        return;
    }
    skpi__buf_putc(w->b, '"');
    for (const char *run = s;; s++) {
        if (*s == '"' || *s == '\0') {
            /* The run up to and including a quote, then its double. */
            skpi__buf_put(w->b, run, (size_t)(s - run) + (*s == '"'));
            if (*s == '\0')
                break;
            run = s;
        }
    }
    skpi__buf_putc(w->b, '"');
}

static void field_int(cw *w, int64_t v)
{
    field_start(w);
    skpi__buf_printf(w->b, "%lld", (long long)v);
}

/* A double, or an empty field for NaN (no denominator, no data). */
static void field_double(cw *w, double v)
{
    field_start(w);
    if (!isnan(v))
        skpi__buf_double(w->b, v);
}

static void field_empty(cw *w)
{
    field_start(w);
}

static void row_end(cw *w)
{
    skpi__buf_put(w->b, "\r\n", 2);
    w->first = true;
}

/* ===================================================================== */
/* Header and rows                                                       */
/* ===================================================================== */

static void write_header(cw *w, const skpi_tracker *t, size_t nk)
{
    static const char *const leading[] = {
        "bucket_start", "bucket_end", "platform", "platform_label",
        "group", "category", "category_label", "expects_answer",
        "messages", "expected", "answered", "response_rate"};
    static const char *const middle[] = {
        "frt_n", "frt_mean_s", "frt_p50_s", "frt_p90_s", "frt_max_s",
        "backlog", "backlog_oldest_age_s", "platform_posts",
        "platform_engagements"};
    static const char *const trailing[] = {
        "platform_followers", "platform_ratings", "platform_satisfied"};
    for (size_t i = 0; i < sizeof leading / sizeof leading[0]; i++)
        field_str(w, leading[i]);
    for (size_t i = 0; i < skpi_tracker_sla_count(t); i++) {
        int64_t seconds = 0;
        (void)skpi_tracker_sla(t, i, &seconds);
        field_start(w);
        skpi__buf_printf(w->b, "answered_within_%llds", (long long)seconds);
    }
    for (size_t i = 0; i < sizeof middle / sizeof middle[0]; i++)
        field_str(w, middle[i]);
    for (uint32_t k = 0; k < nk; k++) {
        field_start(w);
        skpi__buf_puts(w->b, "platform_engagements_");
        skpi__buf_puts(w->b, skpi_taxonomy_slug(t, SKPI_KIND, k));
    }
    for (size_t i = 0; i < sizeof trailing / sizeof trailing[0]; i++)
        field_str(w, trailing[i]);
    row_end(w);
}

/* The getters below cannot fail for ids below the whole-range report's
 * taxonomy counts, which every bucket's report knows too. */

/* The message figures of (platform, category) in one bucket's report. */
static void write_message_fields(cw *w, const skpi_tracker *t,
                                 const skpi_report *r, uint32_t p, uint32_t c)
{
    int64_t n = 0, expected = 0, answered = 0;
    double rate = NAN;
    (void)skpi_report_messages(r, p, c, &n);
    (void)skpi_report_responses(r, p, c, &expected, &answered, &rate);
    field_int(w, n);
    field_int(w, expected);
    field_int(w, answered);
    field_double(w, rate);
    for (size_t i = 0; i < skpi_tracker_sla_count(t); i++) {
        int64_t within = 0;
        (void)skpi_report_sla(r, i, p, c, NULL, &within, NULL, NULL);
        field_int(w, within);
    }
    int64_t frt_n = 0, max = 0;
    double mean = NAN, p50 = NAN, p90 = NAN;
    if (skpi_report_response_time(r, p, c, 0, &frt_n, &mean, NULL, &max) ==
        SKPI_OK) {
        (void)skpi_report_response_quantile(r, p, c, 0, 0.5, &p50);
        (void)skpi_report_response_quantile(r, p, c, 0, 0.9, &p90);
    }
    field_int(w, frt_n);
    field_double(w, mean);
    field_double(w, p50);
    field_double(w, p90);
    if (frt_n > 0)
        field_int(w, max);
    else
        field_empty(w);
    int64_t backlog = 0, age = 0;
    (void)skpi_report_backlog(r, p, c, &backlog, &age);
    field_int(w, backlog);
    field_int(w, age);
}

/* The platform's own figures, or as many empty fields. */
static void write_platform_fields(cw *w, const skpi_report *r, uint32_t p,
                                  size_t nk, bool filled)
{
    if (!filled) {
        for (size_t i = 0; i < 2 + nk + 3; i++)
            field_empty(w);
        return;
    }
    int64_t v = 0;
    (void)skpi_report_posts(r, p, &v, NULL);
    field_int(w, v);
    (void)skpi_report_engagement(r, p, SKPI_ALL, &v);
    field_int(w, v);
    for (uint32_t k = 0; k < nk; k++) {
        (void)skpi_report_engagement(r, p, k, &v);
        field_int(w, v);
    }
    if (skpi_report_followers(r, p, &v, NULL, NULL, NULL) == SKPI_OK)
        field_int(w, v);
    else
        field_empty(w);
    int64_t ratings = 0, satisfied = 0;
    (void)skpi_report_csat(r, p, &ratings, &satisfied, NULL, NULL);
    field_int(w, ratings);
    field_int(w, satisfied);
}

/* ===================================================================== */
/* Entry point                                                           */
/* ===================================================================== */

skpi_status skpi_report_csv(const skpi_tracker *t, int64_t from, int64_t to,
                            const uint32_t *platforms, size_t n_platforms,
                            unsigned flags, char **out, size_t *len)
{
    if (t == NULL || out == NULL)
        return SKPI_EINVAL;
    if (flags != 0)
        return SKPI_EOPTION;
    skpi_report *all;
    skpi_status st = skpi_report_new(t, from, to, platforms, n_platforms, &all);
    if (st != SKPI_OK)
        return st;
    size_t np = skpi_report_taxonomy_count(all, SKPI_PLATFORM);
    size_t nc = skpi_report_taxonomy_count(all, SKPI_CATEGORY);
    size_t nk = skpi_report_taxonomy_count(all, SKPI_KIND);
    skpi_report_free(all);
    bool included[SKPI_MAX_PLATFORMS];
    for (uint32_t p = 0; p < np; p++) {
        included[p] = n_platforms == 0;
        for (size_t i = 0; i < n_platforms; i++)
            included[p] = included[p] || platforms[i] == p;
    }

    skpi__buf b;
    skpi__buf_init(&b);
    cw w = {&b, true};
    write_header(&w, t, nk);

    /* The range was checked: both ends are bucket starts. */
    int64_t b1 = skpi__bucket_of(t, to);
    for (int64_t bk = skpi__bucket_of(t, from); bk < b1 && st == SKPI_OK;
         bk++) {
        int64_t start = skpi__bucket_start(t, bk);
        int64_t end = skpi__bucket_start(t, bk + 1);
        if (start >= end)
            continue; /* a local day that a zone change skipped whole */
        skpi_report *r;
        st = skpi_report_new(t, start, end, platforms, n_platforms, &r);
        if (st != SKPI_OK)
            break;
        char from_s[SKPI_TIME_BUFSIZE], to_s[SKPI_TIME_BUFSIZE];
        (void)skpi_time_format(t, start, from_s, sizeof from_s);
        (void)skpi_time_format(t, end, to_s, sizeof to_s);
        for (uint32_t p = 0; p < np; p++) {
            if (!included[p])
                continue;
            for (uint32_t c = 0; c < nc; c++) {
                uint32_t g = 0;
                int expects = 0;
                (void)skpi_category_info(t, c, &g, &expects);
                field_str(&w, from_s);
                field_str(&w, to_s);
                field_str(&w, skpi_taxonomy_slug(t, SKPI_PLATFORM, p));
                field_str(&w, skpi_taxonomy_label(t, SKPI_PLATFORM, p));
                field_str(&w, skpi_taxonomy_slug(t, SKPI_GROUP, g));
                field_str(&w, skpi_taxonomy_slug(t, SKPI_CATEGORY, c));
                field_str(&w, skpi_taxonomy_label(t, SKPI_CATEGORY, c));
                field_int(&w, expects);
                write_message_fields(&w, t, r, p, c);
                write_platform_fields(&w, r, p, nk, c == 0);
                row_end(&w);
            }
        }
        skpi_report_free(r);
    }
    if (st != SKPI_OK) {
        skpi__buf_free(&b);
        return st;
    }
    return skpi__buf_finish(&b, out, len);
}

/*
 * json.c -- the JSON report.
 *
 * The key names are a public contract (doc/report-json.md): add keys, never
 * rename or remove them.  Everything is read through the report getters;
 * the writer knows nothing of the store.  Rates are fractions (0..1 unless
 * the caller recorded more answers than messages) and always stand beside
 * their numerator and denominator; a rate without a denominator is null,
 * and so is a follower figure without any reading.  Counts are written as
 * integers everywhere, so they stay exact past 2^53.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* ===================================================================== */
/* A small streaming writer                                              */
/* ===================================================================== */

#define JW_MAX_DEPTH 8

typedef struct jw {
    skpi__buf *b;
    bool pretty;
    int depth;
    bool has_items[JW_MAX_DEPTH];
} jw;

/* Separator and indentation before the next item of the current container. */
static void jw_item(jw *w)
{
    if (w->has_items[w->depth])
        skpi__buf_putc(w->b, ',');
    w->has_items[w->depth] = true;
    if (w->pretty) {
        skpi__buf_putc(w->b, '\n');
        for (int i = 0; i < w->depth; i++)
            skpi__buf_puts(w->b, "  ");
    }
}

static void jw_key(jw *w, const char *key)
{
    jw_item(w);
    if (key != NULL) {
        skpi__buf_json_string(w->b, key);
        skpi__buf_puts(w->b, w->pretty ? ": " : ":");
    }
}

/* Open an object or array (`open` is '{' or '['); key NULL inside arrays. */
static void jw_open(jw *w, const char *key, char open)
{
    jw_key(w, key);
    skpi__buf_putc(w->b, open);
    w->depth++;
    w->has_items[w->depth] = false;
}

static void jw_close(jw *w, char close)
{
    bool had = w->has_items[w->depth];
    w->depth--;
    if (w->pretty && had) {
        skpi__buf_putc(w->b, '\n');
        for (int i = 0; i < w->depth; i++)
            skpi__buf_puts(w->b, "  ");
    }
    skpi__buf_putc(w->b, close);
}

static void jw_int(jw *w, const char *key, int64_t v)
{
    jw_key(w, key);
    skpi__buf_printf(w->b, "%lld", (long long)v);
}

static void jw_double(jw *w, const char *key, double v)
{
    jw_key(w, key);
    skpi__buf_double(w->b, v);
}

static void jw_null(jw *w, const char *key)
{
    jw_key(w, key);
    skpi__buf_puts(w->b, "null");
}

static void jw_str(jw *w, const char *key, const char *s)
{
    jw_key(w, key);
    skpi__buf_json_string(w->b, s);
}

static void jw_time(jw *w, const char *key, const skpi_tracker *t, int64_t v)
{
    char tmp[SKPI_TIME_BUFSIZE];
    skpi__time_format(&t->opt.zone, v, tmp);
    jw_str(w, key, tmp);
}

/* ===================================================================== */
/* Sections                                                              */
/* ===================================================================== */

/* The getters below cannot fail for ids below the report's taxonomy
 * counts and SKPI_ALL; their status is checked in the tests, not here. */

static void write_period(jw *w, const skpi_tracker *t, int64_t from,
                         int64_t to)
{
    jw_time(w, "from", t, from);
    jw_time(w, "to", t, to);
    jw_str(w, "tz", t->opt.zone.name);
    jw_int(w, "from_unix", from);
    jw_int(w, "to_unix", to);
    jw_str(w, "bucket", t->opt.bucket == SKPI_BUCKET_DAY ? "day" : "hour");
}

/* The count getters that take (platform, other id). */
typedef skpi_status (*count_fn)(const skpi_report *, uint32_t, uint32_t,
                                int64_t *);

/*
 * Write {slug: count} over every entry of `dim` that the report knows.  The
 * entry's id goes in the getter's platform slot when dim is SKPI_PLATFORM,
 * else in its second slot; the other slot is SKPI_ALL.
 */
static void write_breakdown(jw *w, const char *key, const skpi_tracker *t,
                            const skpi_report *r, int dim, count_fn get)
{
    size_t n = skpi_report_taxonomy_count(r, dim);
    jw_open(w, key, '{');
    for (uint32_t i = 0; i < n; i++) {
        int64_t v = 0;
        if (dim == SKPI_PLATFORM)
            (void)get(r, i, SKPI_ALL, &v);
        else
            (void)get(r, SKPI_ALL, i, &v);
        jw_int(w, skpi_taxonomy_slug(t, dim, i), v);
    }
    jw_close(w, '}');
}

static void write_messages(jw *w, const skpi_tracker *t, const skpi_report *r)
{
    int64_t v;
    jw_open(w, "messages", '{');
    (void)skpi_report_messages(r, SKPI_ALL, SKPI_ALL, &v);
    jw_int(w, "total", v);
    (void)skpi_report_inquiries_and_remarks(r, SKPI_ALL, &v);
    jw_int(w, "inquiries_and_remarks", v);
    write_breakdown(w, "by_group", t, r, SKPI_GROUP, skpi_report_group_messages);
    write_breakdown(w, "by_category", t, r, SKPI_CATEGORY, skpi_report_messages);
    write_breakdown(w, "by_platform", t, r, SKPI_PLATFORM, skpi_report_messages);
    jw_close(w, '}');
}

/* First-response time in calendar (business 0) or business time, or
 * null when there is none. */
static void write_response_time(jw *w, const char *key, const skpi_report *r,
                                int business)
{
    static const double qs[] = {0.5, 0.9, 0.95, 0.99};
    static const char *const names[] = {"p50", "p90", "p95", "p99"};
    int64_t n, min, max;
    double mean;
    if (skpi_report_response_time(r, SKPI_ALL, SKPI_ALL, business, &n, &mean,
                                  &min, &max) != SKPI_OK) {
        jw_null(w, key);
        return;
    }
    jw_open(w, key, '{');
    jw_int(w, "n", n);
    jw_double(w, "mean", mean);
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        double v = NAN;
        (void)skpi_report_response_quantile(r, SKPI_ALL, SKPI_ALL, business,
                                            qs[i], &v);
        jw_double(w, names[i], v);
    }
    jw_int(w, "min", min);
    jw_int(w, "max", max);
    jw_close(w, '}');
}

/* The refused or extra events, by their JSON key. */
static const struct {
    const char *key;
    int kind;
} anomaly_keys[] = {
    {"unmatched_replies", SKPI_ANOMALY_UNMATCHED_REPLIES},
    {"early_replies", SKPI_ANOMALY_EARLY_REPLIES},
    {"later_replies", SKPI_ANOMALY_LATER_REPLIES},
    {"duplicate_messages", SKPI_ANOMALY_DUPLICATE_MESSAGES},
    {"forgotten_messages", SKPI_ANOMALY_FORGOTTEN_MESSAGES},
};

static void write_responses(jw *w, const skpi_tracker *t, const skpi_report *r)
{
    size_t np = skpi_report_taxonomy_count(r, SKPI_PLATFORM);
    int64_t expected, answered;
    double rate;
    jw_open(w, "responses", '{');
    (void)skpi_report_responses(r, SKPI_ALL, SKPI_ALL, &expected, &answered,
                                &rate);
    jw_int(w, "expected", expected);
    jw_int(w, "answered", answered);
    jw_double(w, "rate", rate);
    jw_open(w, "sla", '[');
    for (size_t i = 0; i < skpi_tracker_sla_count(t); i++) {
        int64_t seconds, within;
        (void)skpi_report_sla(r, i, SKPI_ALL, SKPI_ALL, &seconds, &within,
                              &expected, &rate);
        jw_open(w, NULL, '{');
        jw_int(w, "seconds", seconds);
        jw_int(w, "within", within);
        jw_int(w, "expected", expected);
        jw_double(w, "rate", rate);
        jw_close(w, '}');
    }
    jw_close(w, ']');
    jw_open(w, "by_platform", '{');
    for (uint32_t p = 0; p < np; p++) {
        (void)skpi_report_responses(r, p, SKPI_ALL, &expected, &answered,
                                    &rate);
        jw_open(w, skpi_taxonomy_slug(t, SKPI_PLATFORM, p), '{');
        jw_int(w, "expected", expected);
        jw_int(w, "answered", answered);
        jw_double(w, "rate", rate);
        jw_close(w, '}');
    }
    jw_close(w, '}');
    write_response_time(w, "first_response_seconds", r, 0);
    write_response_time(w, "business_first_response_seconds", r, 1);
    int64_t backlog, age;
    (void)skpi_report_backlog(r, SKPI_ALL, SKPI_ALL, &backlog, &age);
    jw_open(w, "backlog", '{');
    jw_int(w, "count", backlog);
    jw_int(w, "oldest_age_seconds", age);
    jw_close(w, '}');
    for (size_t i = 0; i < sizeof anomaly_keys / sizeof anomaly_keys[0]; i++) {
        int64_t n = 0;
        (void)skpi_report_anomalies(r, SKPI_ALL, anomaly_keys[i].kind, &n);
        jw_int(w, anomaly_keys[i].key, n);
    }
    jw_close(w, '}');
}

/* A distinct count and its relative standard error, or two nulls. */
static void write_people_count(jw *w, const char *key, const char *err_key,
                               const skpi_report *r, int who,
                               uint32_t platform)
{
    int64_t n;
    double err;
    if (skpi_report_people(r, who, platform, &n, &err) == SKPI_OK) {
        jw_int(w, key, n);
        if (err_key != NULL)
            jw_double(w, err_key, err);
    } else {
        jw_null(w, key);
        if (err_key != NULL)
            jw_null(w, err_key);
    }
}

static void write_people(jw *w, const skpi_tracker *t, const skpi_report *r)
{
    size_t np = skpi_report_taxonomy_count(r, SKPI_PLATFORM);
    jw_open(w, "people", '{');
    write_people_count(w, "unique_authors", "unique_authors_error", r,
                       SKPI_PEOPLE_AUTHORS, SKPI_ALL);
    write_people_count(w, "unique_engagers", "unique_engagers_error", r,
                       SKPI_PEOPLE_ENGAGERS, SKPI_ALL);
    write_people_count(w, "unique_followers", "unique_followers_error", r,
                       SKPI_PEOPLE_FOLLOWERS, SKPI_ALL);
    jw_open(w, "by_platform", '{');
    for (uint32_t p = 0; p < np; p++) {
        jw_open(w, skpi_taxonomy_slug(t, SKPI_PLATFORM, p), '{');
        write_people_count(w, "authors", NULL, r, SKPI_PEOPLE_AUTHORS, p);
        write_people_count(w, "engagers", NULL, r, SKPI_PEOPLE_ENGAGERS, p);
        write_people_count(w, "followers", NULL, r, SKPI_PEOPLE_FOLLOWERS, p);
        jw_close(w, '}');
    }
    jw_close(w, '}');
    jw_close(w, '}');
}

static void write_satisfaction(jw *w, const skpi_tracker *t,
                               const skpi_report *r)
{
    int64_t ratings, satisfied;
    double rate, mean;
    int lo, hi, threshold;
    (void)skpi_tracker_rating_scale(t, &lo, &hi, &threshold);
    (void)skpi_report_csat(r, SKPI_ALL, &ratings, &satisfied, &rate, &mean);
    jw_open(w, "satisfaction", '{');
    jw_int(w, "ratings", ratings);
    jw_int(w, "satisfied", satisfied);
    jw_double(w, "rate", rate);
    jw_double(w, "mean", mean);
    jw_int(w, "threshold", threshold);
    jw_open(w, "scale", '[');
    jw_int(w, NULL, lo);
    jw_int(w, NULL, hi);
    jw_close(w, ']');
    jw_open(w, "distribution", '{');
    for (int s = lo; s <= hi; s++) {
        char key[16];
        int64_t n;
        snprintf(key, sizeof key, "%d", s);
        (void)skpi_report_rating_count(r, SKPI_ALL, s, &n);
        jw_int(w, key, n);
    }
    jw_close(w, '}');
    jw_close(w, '}');
}

static void write_engagement(jw *w, const skpi_tracker *t,
                             const skpi_report *r)
{
    int64_t v, posts, followers;
    double per_post, per_follower;
    jw_open(w, "engagement", '{');
    (void)skpi_report_engagement(r, SKPI_ALL, SKPI_ALL, &v);
    jw_int(w, "total", v);
    write_breakdown(w, "by_kind", t, r, SKPI_KIND, skpi_report_engagement);
    write_breakdown(w, "by_platform", t, r, SKPI_PLATFORM, skpi_report_engagement);
    (void)skpi_report_posts(r, SKPI_ALL, &posts, &per_post);
    jw_int(w, "posts", posts);
    jw_double(w, "per_post", per_post);
    (void)skpi_report_engagement_rate(r, SKPI_ALL, NULL, &followers,
                                      &per_follower);
    jw_int(w, "followers", followers);
    jw_double(w, "per_follower", per_follower);
    jw_close(w, '}');
}

static void write_followers(jw *w, const skpi_tracker *t, const skpi_report *r)
{
    size_t np = skpi_report_taxonomy_count(r, SKPI_PLATFORM);
    int64_t sum, lo, hi;
    jw_open(w, "followers", '{');
    jw_open(w, "by_platform", '{');
    for (uint32_t p = 0; p < np; p++) {
        int64_t end;
        const char *slug = skpi_taxonomy_slug(t, SKPI_PLATFORM, p);
        if (skpi_report_followers(r, p, &end, NULL, NULL, NULL) == SKPI_OK)
            jw_int(w, slug, end);
        else
            jw_null(w, slug);
    }
    jw_close(w, '}');
    jw_open(w, "change_by_platform", '{');
    for (uint32_t p = 0; p < np; p++) {
        int64_t end, start, change;
        double growth;
        const char *slug = skpi_taxonomy_slug(t, SKPI_PLATFORM, p);
        if (skpi_report_followers(r, p, &end, &start, &change, &growth) !=
            SKPI_OK) {
            jw_null(w, slug);
            continue;
        }
        jw_open(w, slug, '{');
        jw_int(w, "start", start);
        jw_int(w, "end", end);
        jw_int(w, "change", change);
        jw_double(w, "growth", growth);
        jw_close(w, '}');
    }
    jw_close(w, '}');
    size_t with = 0;
    (void)skpi_report_followers_total(r, &sum, &lo, &hi, &with);
    if (with == 0) {
        /* No reading at all: nothing is known, which is not zero. */
        jw_null(w, "sum");
    } else {
        jw_int(w, "sum", sum);
    }
    /* Distinct people from follower ids, where they were recorded. */
    write_people_count(w, "unique", "unique_error", r, SKPI_PEOPLE_FOLLOWERS,
                       SKPI_ALL);
    if (with == 0) {
        jw_null(w, "unique_bounds");
    } else {
        jw_open(w, "unique_bounds", '[');
        jw_int(w, NULL, lo);
        jw_int(w, NULL, hi);
        jw_close(w, ']');
    }
    jw_close(w, '}');
}

/* ===================================================================== */
/* Change against earlier periods                                        */
/* ===================================================================== */

/* The headline figures compared across periods, by their report key. */
enum { N_HEADLINES = 8 };
static const char *const headline_keys[N_HEADLINES] = {
    "messages.total",    "messages.inquiries_and_remarks",
    "responses.answered", "responses.rate",
    "satisfaction.rate", "engagement.total",
    "engagement.posts",  "followers.sum"};

/* One headline figure: an exact count or a rate, or unknown (null). */
typedef struct headline {
    bool known;
    bool is_count;
    int64_t n;
    double x;
} headline;

static headline count_of(int64_t n)
{
    return (headline){true, true, n, (double)n};
}

static headline rate_of(double x)
{
    return (headline){!isnan(x), false, 0, x};
}

static void headlines(const skpi_report *r, headline h[N_HEADLINES])
{
    int64_t n;
    double rate;
    (void)skpi_report_messages(r, SKPI_ALL, SKPI_ALL, &n);
    h[0] = count_of(n);
    (void)skpi_report_inquiries_and_remarks(r, SKPI_ALL, &n);
    h[1] = count_of(n);
    (void)skpi_report_responses(r, SKPI_ALL, SKPI_ALL, NULL, &n, &rate);
    h[2] = count_of(n);
    h[3] = rate_of(rate);
    (void)skpi_report_csat(r, SKPI_ALL, NULL, NULL, &rate, NULL);
    h[4] = rate_of(rate);
    (void)skpi_report_engagement(r, SKPI_ALL, SKPI_ALL, &n);
    h[5] = count_of(n);
    (void)skpi_report_posts(r, SKPI_ALL, &n, NULL);
    h[6] = count_of(n);
    /* Without any follower reading the sum is unknown, not zero. */
    size_t with = 0;
    (void)skpi_report_followers_total(r, &n, NULL, NULL, &with);
    h[7] = with == 0 ? rate_of(NAN) : count_of(n);
    h[7].is_count = true;
}

/* current, previous, delta and relative change of one headline. */
static void write_headline(jw *w, const char *key, headline now,
                           headline then)
{
    bool both = now.known && then.known;
    jw_open(w, key, '{');
    if (!now.known)
        jw_null(w, "current");
    else if (now.is_count)
        jw_int(w, "current", now.n);
    else
        jw_double(w, "current", now.x);
    if (!then.known)
        jw_null(w, "previous");
    else if (then.is_count)
        jw_int(w, "previous", then.n);
    else
        jw_double(w, "previous", then.x);
    if (!both)
        jw_null(w, "delta");
    else if (now.is_count) /* both counts are >= 0: no overflow */
        jw_int(w, "delta", now.n - then.n);
    else
        jw_double(w, "delta", now.x - then.x);
    jw_double(w, "relative", both && then.x != 0.0
                                 ? (now.x - then.x) / then.x
                                 : NAN);
    jw_close(w, '}');
}

typedef skpi_status (*period_fn)(const skpi_tracker *, int64_t, int64_t,
                                 int64_t *, int64_t *);

/*
 * One comparison: the earlier period, and per headline figure its value
 * then, the difference and the relative change.  An earlier period that
 * cannot be formed (before 1970) or reported is written as null; a real
 * failure such as ENOMEM is returned.
 */
static skpi_status write_comparison(jw *w, const char *key,
                                    const skpi_tracker *t, int64_t from,
                                    int64_t to, const uint32_t *platforms,
                                    size_t n_platforms, period_fn earlier,
                                    const headline now[N_HEADLINES])
{
    int64_t pf, pt;
    skpi_report *prev = NULL;
    skpi_status st = earlier(t, from, to, &pf, &pt);
    if (st == SKPI_OK)
        st = skpi_report_new(t, pf, pt, platforms, n_platforms, &prev);
    if (st == SKPI_ENOMEM)
        return st;
    if (st != SKPI_OK) {
        jw_null(w, key);
        return SKPI_OK;
    }
    headline then[N_HEADLINES];
    headlines(prev, then);
    skpi_report_free(prev);

    jw_open(w, key, '{');
    jw_open(w, "period", '{');
    write_period(w, t, pf, pt);
    jw_close(w, '}');
    jw_open(w, "kpis", '{');
    for (int i = 0; i < N_HEADLINES; i++)
        write_headline(w, headline_keys[i], now[i], then[i]);
    jw_close(w, '}');
    jw_close(w, '}');
    return SKPI_OK;
}

/* ===================================================================== */
/* Entry point                                                           */
/* ===================================================================== */

skpi_status skpi_report_json(const skpi_tracker *t, int64_t from, int64_t to,
                             const uint32_t *platforms, size_t n_platforms,
                             unsigned flags, char **out, size_t *len)
{
    if (t == NULL || out == NULL)
        return SKPI_EINVAL;
    if ((flags & ~(SKPI_JSON_PRETTY | SKPI_JSON_NO_CHANGE)) != 0)
        return SKPI_EOPTION;
    skpi_report *r;
    skpi_status st = skpi_report_new(t, from, to, platforms, n_platforms, &r);
    if (st != SKPI_OK)
        return st;
    /* The report's taxonomy snapshot bounds every loop below, so entries
     * registered while we write do not appear half-way. */
    size_t np = skpi_report_taxonomy_count(r, SKPI_PLATFORM);

    skpi__buf b;
    skpi__buf_init(&b);
    jw w = {&b, (flags & SKPI_JSON_PRETTY) != 0, 1, {false}};
    skpi__buf_putc(&b, '{');

    jw_open(&w, "period", '{');
    write_period(&w, t, from, to);
    jw_close(&w, '}');
    jw_open(&w, "filter", '{');
    jw_open(&w, "platforms", '[');
    for (uint32_t p = 0; p < np; p++) {
        bool in = n_platforms == 0;
        for (size_t i = 0; i < n_platforms; i++)
            in = in || platforms[i] == p;
        if (in)
            jw_str(&w, NULL, skpi_taxonomy_slug(t, SKPI_PLATFORM, p));
    }
    jw_close(&w, ']');
    jw_close(&w, '}');

    write_messages(&w, t, r);
    write_responses(&w, t, r);
    write_satisfaction(&w, t, r);
    write_engagement(&w, t, r);
    write_followers(&w, t, r);
    write_people(&w, t, r);

    if ((flags & SKPI_JSON_NO_CHANGE) == 0) {
        headline now[N_HEADLINES];
        headlines(r, now);
        jw_open(&w, "change", '{');
        st = write_comparison(&w, "previous", t, from, to, platforms,
                              n_platforms, skpi_period_previous, now);
        if (st == SKPI_OK)
            st = write_comparison(&w, "year_earlier", t, from, to, platforms,
                                  n_platforms, skpi_period_year_earlier, now);
        jw_close(&w, '}');
    }
    skpi_report_free(r);
    jw_close(&w, '}');
    if (w.pretty)
        skpi__buf_putc(&b, '\n');
    if (st != SKPI_OK) {
        skpi__buf_free(&b);
        return st;
    }
    return skpi__buf_finish(&b, out, len);
}

/*
 * openmetrics.c -- the report as OpenMetrics 1.0 or Prometheus 0.0.4 text.
 *
 * A Prometheus server scrapes this to chart and alert on the desk: several
 * machines each expose their own tracker and the server adds them up.  The
 * metric families are a public contract listed in doc/openmetrics.md; add
 * families, never rename them.  Everything is read through the report
 * getters (and one internal accessor for the exact sum of response times).
 *
 * The two formats differ only in metadata:
 *
 *                      OpenMetrics 1.0             Prometheus 0.0.4
 *   counter family     # TYPE skpi_posts counter   # TYPE skpi_posts_total counter
 *   info family        # TYPE skpi_report info     # TYPE skpi_report_info gauge
 *   unit               # UNIT x_seconds seconds    (no UNIT line)
 *   histogram le       le="3600.0"                 le="3600"
 *   end                # EOF                       (nothing)
 *
 * Sample lines are otherwise byte for byte the same, so that both parsers
 * see the same series and values (test-openmetrics.sh checks this).
 *
 * Invariants the output keeps, and how:
 *  - Families come in byte order of their names (the table below is sorted,
 *    and its names sort the same way once _total or _info is appended).
 *  - Within a family, series come in byte order of their label values taken
 *    in the order written: ids are sorted by slug once, and a slug's bytes
 *    ([a-z0-9_]) all sort after the closing quote, so sorting values is
 *    sorting lines.  Slugs are unique per dimension, so series are unique.
 *  - Histogram buckets are cumulative and +Inf equals _count: "answered
 *    within T" grows with T, and answered is at least every one of them.
 *    Counters read while other threads record may catch an answer in one
 *    cell and not yet in the next; a running maximum keeps the buckets
 *    monotonic even then (for a tracker at rest it changes nothing).
 *  - Rates whose denominator is zero are left out rather than written as
 *    NaN: the numerator and denominator counters are always there.
 *  - Integers are written exactly; doubles in the shortest form that reads
 *    back, with '.' whatever the C locale; no timestamps.
 *
 * Speed: one buffer, no allocation per series, each sample line built on
 * the stack and appended at once, printf only for the few doubles; every
 * getter called here is O(1) or O(categories) (skpi_report_people() reads
 * an estimate the report computed once).
 */
#include <math.h>
#include <string.h>

#include "internal.h"

/* ===================================================================== */
/* Metric families                                                       */
/* ===================================================================== */

enum om_type { OM_COUNTER, OM_GAUGE, OM_HISTOGRAM, OM_INFO };

typedef struct om_family {
    const char *name; /* OpenMetrics family name, without _total / _info */
    enum om_type type;
    const char *unit; /* the name's unit suffix, or NULL */
    const char *help; /* no backslash, quote or newline: the same in both */
} om_family;

/* In byte order of name (doc/openmetrics.md lists them the same way). */
enum {
    F_ANOMALIES,
    F_ANSWERED,
    F_BACKLOG,
    F_BACKLOG_AGE,
    F_CATEGORY,
    F_CSAT,
    F_ENGAGEMENTS,
    F_EXPECTED,
    F_FRT,
    F_FOLLOWERS,
    F_MESSAGES,
    F_PEOPLE,
    F_PEOPLE_ALL,
    F_PLATFORM,
    F_POSTS,
    F_RANGE_END,
    F_RANGE_START,
    F_RATINGS,
    F_REPORT,
    F_RESPONSE_RATIO,
    F_SATISFIED,
    N_FAMILIES
};

static const om_family families[N_FAMILIES] = {
    [F_ANOMALIES] = {"socialkpi_anomalies", OM_COUNTER, NULL,
                     "Events refused but counted in the range, by platform "
                     "and kind."},
    [F_ANSWERED] = {"socialkpi_answered_messages", OM_COUNTER, NULL,
                    "Messages that arrived in the range and got a first "
                    "reply, by platform and category."},
    [F_BACKLOG] = {"socialkpi_backlog_messages", OM_GAUGE, NULL,
                   "Messages expecting an answer and waiting at the end of "
                   "the range, by platform and category."},
    [F_BACKLOG_AGE] = {"socialkpi_backlog_oldest_age_seconds", OM_GAUGE, "seconds",
                       "Age at the end of the range of the oldest waiting "
                       "message, from the start of its bucket; 0 when none "
                       "waits."},
    [F_CATEGORY] = {"socialkpi_category", OM_INFO, NULL,
                    "Message categories: group, whether they expect an "
                    "answer, display label."},
    [F_CSAT] = {"socialkpi_csat_ratio", OM_GAUGE, "ratio",
                "Satisfied ratings over all ratings in the range; absent "
                "without ratings."},
    [F_ENGAGEMENTS] = {"socialkpi_engagements", OM_COUNTER, NULL,
                       "Engagements with the desk's posts in the range, by "
                       "platform and kind."},
    [F_EXPECTED] = {"socialkpi_expected_messages", OM_COUNTER, NULL,
                    "Messages of categories that expect an answer, arrived "
                    "in the range: the response ratio's denominator."},
    [F_FRT] = {"socialkpi_first_response_seconds", OM_HISTOGRAM, "seconds",
               "Time from message to first reply, for answered messages of "
               "categories that expect an answer; buckets are the SLA "
               "targets."},
    [F_FOLLOWERS] = {"socialkpi_followers", OM_GAUGE, NULL,
                     "Follower tally at the end of the range (the latest "
                     "reading in it); absent without a reading."},
    [F_MESSAGES] = {"socialkpi_messages", OM_COUNTER, NULL,
                    "Messages received in the range, by platform, group "
                    "and category."},
    [F_PEOPLE] = {"socialkpi_people", OM_GAUGE, NULL,
                  "Distinct people seen in the range on one platform "
                  "(HyperLogLog estimate); absent without ids."},
    [F_PEOPLE_ALL] = {"socialkpi_people_across_platforms", OM_GAUGE, NULL,
                      "Distinct people seen in the range on any platform, a "
                      "person on two counting once (HyperLogLog estimate)."},
    [F_PLATFORM] = {"socialkpi_platform", OM_INFO, NULL,
                    "Platforms in the report, with their display label."},
    [F_POSTS] = {"socialkpi_posts", OM_COUNTER, NULL,
                 "Posts the desk published in the range, by platform."},
    [F_RANGE_END] = {"socialkpi_range_end_seconds", OM_GAUGE, "seconds",
                     "End of the report's range (exclusive), Unix time."},
    [F_RANGE_START] = {"socialkpi_range_start_seconds", OM_GAUGE, "seconds",
                       "Start of the report's range, Unix time."},
    [F_RATINGS] = {"socialkpi_ratings", OM_COUNTER, NULL,
                   "Satisfaction ratings given in the range, by platform "
                   "and score."},
    [F_REPORT] = {"socialkpi_report", OM_INFO, NULL,
                  "The tracker's bucket width and time zone."},
    [F_RESPONSE_RATIO] = {"socialkpi_response_ratio", OM_GAUGE, "ratio",
                          "Answered over expected messages of the range; "
                          "absent when none was expected."},
    [F_SATISFIED] = {"socialkpi_satisfied_ratings", OM_COUNTER, NULL,
                     "Ratings at or above the satisfied threshold in the "
                     "range: the CSAT ratio's numerator."},
};

/* The anomaly kinds by label value, in byte order. */
static const struct {
    const char *slug;
    int kind;
} anomaly_kinds[] = {
    {"duplicate_messages", SKPI_ANOMALY_DUPLICATE_MESSAGES},
    {"early_replies", SKPI_ANOMALY_EARLY_REPLIES},
    {"forgotten_messages", SKPI_ANOMALY_FORGOTTEN_MESSAGES},
    {"later_replies", SKPI_ANOMALY_LATER_REPLIES},
    {"unmatched_replies", SKPI_ANOMALY_UNMATCHED_REPLIES},
};

/* Whose distinct count, by label value, in byte order. */
static const struct {
    const char *slug;
    int who;
} people_kinds[] = {
    {"authors", SKPI_PEOPLE_AUTHORS},
    {"engagers", SKPI_PEOPLE_ENGAGERS},
    {"followers", SKPI_PEOPLE_FOLLOWERS},
};

/* ===================================================================== */
/* Writer                                                                */
/* ===================================================================== */

/*
 * A sample line is built in `line` and appended to the buffer in one call:
 * appending piece by piece cost more than everything else together.  The
 * longest line is a category's info: four labels, one a display label of
 * at most SKPI_LABEL_MAX bytes that escaping can double, the others slugs;
 * well under OM_LINE_MAX.
 */
#define OM_LINE_MAX 1024

typedef struct om {
    skpi__buf *b;
    bool prom; /* Prometheus 0.0.4 instead of OpenMetrics */
    const skpi_tracker *t;
    const skpi_report *r;
    const om_family *fam; /* the family being written */
    bool pending;         /* its metadata is not written yet */
    bool open_labels;     /* inside the braces of the sample line */
    size_t n;             /* bytes in line */
    char line[OM_LINE_MAX];
    /* Ids in label order: included platforms, categories, categories by
     * (group, category), kinds, and rating scores; slugs by id. */
    size_t np, nc, nk, ns;
    uint32_t plat[SKPI_MAX_PLATFORMS];
    uint32_t cat[SKPI_MAX_CATEGORIES];
    uint32_t cat_grouped[SKPI_MAX_CATEGORIES];
    uint32_t kind[SKPI_MAX_KINDS];
    int score[SKPI_RATING_SPAN_MAX];
    char score_str[SKPI_RATING_SPAN_MAX][12]; /* score[j] in decimal */
    const char *pslug[SKPI_MAX_PLATFORMS];
    const char *cslug[SKPI_MAX_CATEGORIES];
    const char *gslug[SKPI_MAX_CATEGORIES]; /* the group of each category */
    bool expects[SKPI_MAX_CATEGORIES];
    const char *kslug[SKPI_MAX_KINDS];
} om;

/* Write v in decimal so that it ends just before `end`; return its first
 * byte.  24 bytes hold any int64_t. */
static char *fmt_int(char *end, int64_t v)
{
    char *p = end;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u != 0);
    if (v < 0)
        *--p = '-';
    return p;
}

/* Append n bytes to the line.  Lines cannot outgrow it (see OM_LINE_MAX);
 * should one ever, the document fails as a whole rather than come out
 * cut. */
static void lput(om *w, const char *s, size_t n)
{
    if (n > sizeof w->line - w->n) {
        w->b->failed = true;
        return;
    }
    memcpy(w->line + w->n, s, n);
    w->n += n;
}

static void lputs(om *w, const char *s)
{
    lput(w, s, strlen(s));
}

static void lputc(om *w, char c)
{
    lput(w, &c, 1);
}

static void lput_int(om *w, int64_t v)
{
    char tmp[24];
    char *p = fmt_int(tmp + sizeof tmp, v);
    lput(w, p, (size_t)(tmp + sizeof tmp - p));
}

/* The name a family's metadata lines carry in the chosen format. */
static void put_meta_name(om *w)
{
    skpi__buf_puts(w->b, w->fam->name);
    if (w->prom && w->fam->type == OM_COUNTER)
        skpi__buf_puts(w->b, "_total");
    else if (w->prom && w->fam->type == OM_INFO)
        skpi__buf_puts(w->b, "_info");
}

static void family(om *w, int f)
{
    w->fam = &families[f];
    w->pending = true;
}

/* HELP, TYPE and (OpenMetrics) UNIT, before the family's first sample, so
 * that a family without samples leaves no trace. */
static void write_metadata(om *w)
{
    static const char *const om_types[] = {"counter", "gauge", "histogram",
                                           "info"};
    static const char *const prom_types[] = {"counter", "gauge", "histogram",
                                             "gauge"};
    skpi__buf_puts(w->b, "# HELP ");
    put_meta_name(w);
    skpi__buf_putc(w->b, ' ');
    skpi__buf_puts(w->b, w->fam->help);
    skpi__buf_puts(w->b, "\n# TYPE ");
    put_meta_name(w);
    skpi__buf_putc(w->b, ' ');
    skpi__buf_puts(w->b, (w->prom ? prom_types : om_types)[w->fam->type]);
    skpi__buf_putc(w->b, '\n');
    if (!w->prom && w->fam->unit != NULL) {
        skpi__buf_puts(w->b, "# UNIT ");
        skpi__buf_puts(w->b, w->fam->name);
        skpi__buf_putc(w->b, ' ');
        skpi__buf_puts(w->b, w->fam->unit);
        skpi__buf_putc(w->b, '\n');
    }
    w->pending = false;
}

/* Start a sample line: the family's name and `suffix` (NULL for the one
 * its type implies: _total for counters, _info for info). */
static void sample(om *w, const char *suffix)
{
    if (w->pending)
        write_metadata(w);
    w->n = 0;
    w->open_labels = false;
    lputs(w, w->fam->name);
    if (suffix == NULL)
        suffix = w->fam->type == OM_COUNTER ? "_total"
                 : w->fam->type == OM_INFO  ? "_info"
                                            : "";
    lputs(w, suffix);
}

static void label_name(om *w, const char *name)
{
    lputc(w, w->open_labels ? ',' : '{');
    w->open_labels = true;
    lputs(w, name);
    lput(w, "=\"", 2);
}

/* A label whose value is a slug or other text that needs no escape. */
static void label(om *w, const char *name, const char *value)
{
    label_name(w, name);
    lputs(w, value);
    lputc(w, '"');
}

/* A label whose value is free text: backslash, double quote and line feed
 * escaped, as both formats require; everything else (UTF-8 included) as
 * it is. */
static void label_text(om *w, const char *name, const char *value)
{
    label_name(w, name);
    const char *s = value, *run = value;
    for (; *s != '\0'; s++) {
        const char *esc = *s == '\\' ? "\\\\"
                          : *s == '"' ? "\\\""
                          : *s == '\n' ? "\\n"
                                       : NULL;
        if (esc == NULL)
            continue;
        lput(w, run, (size_t)(s - run));
        lput(w, esc, 2);
        run = s + 1;
    }
    lput(w, run, (size_t)(s - run));
    lputc(w, '"');
}

static void close_labels(om *w)
{
    if (w->open_labels)
        lputc(w, '}');
    lputc(w, ' ');
}

static void value_int(om *w, int64_t v)
{
    close_labels(w);
    lput_int(w, v);
    lputc(w, '\n');
    skpi__buf_put(w->b, w->line, w->n);
}

/* A finite double (callers leave NaN out). */
static void value_double(om *w, double v)
{
    close_labels(w);
    skpi__buf_put(w->b, w->line, w->n);
    skpi__buf_double(w->b, v);
    skpi__buf_putc(w->b, '\n');
}

/* ===================================================================== */
/* Label order                                                           */
/* ===================================================================== */

/* Insertion sort of ids by slug (at most 64 of them, once per call). */
static void sort_by_slug(uint32_t *ids, size_t n, const char *const *slug)
{
    for (size_t i = 1; i < n; i++) {
        uint32_t v = ids[i];
        size_t j = i;
        while (j > 0 && strcmp(slug[ids[j - 1]], slug[v]) > 0) {
            ids[j] = ids[j - 1];
            j--;
        }
        ids[j] = v;
    }
}

static int cmp_grouped(const om *w, uint32_t a, uint32_t b)
{
    int c = strcmp(w->gslug[a], w->gslug[b]);
    return c != 0 ? c : strcmp(w->cslug[a], w->cslug[b]);
}

static void prepare(om *w, const uint32_t *platforms, size_t n_platforms)
{
    const skpi_tracker *t = w->t;
    const skpi_report *r = w->r;
    size_t np = skpi_report_taxonomy_count(r, SKPI_PLATFORM);
    w->np = 0;
    for (uint32_t p = 0; p < np; p++) {
        bool in = n_platforms == 0;
        for (size_t i = 0; i < n_platforms && !in; i++)
            in = platforms[i] == p;
        w->pslug[p] = skpi_taxonomy_slug(t, SKPI_PLATFORM, p);
        if (in)
            w->plat[w->np++] = p;
    }
    sort_by_slug(w->plat, w->np, w->pslug);

    w->nc = skpi_report_taxonomy_count(r, SKPI_CATEGORY);
    for (uint32_t c = 0; c < w->nc; c++) {
        uint32_t g = 0;
        int expects = 0;
        (void)skpi_category_info(t, c, &g, &expects);
        w->cslug[c] = skpi_taxonomy_slug(t, SKPI_CATEGORY, c);
        w->gslug[c] = skpi_taxonomy_slug(t, SKPI_GROUP, g);
        w->expects[c] = expects != 0;
        w->cat[c] = c;
    }
    sort_by_slug(w->cat, w->nc, w->cslug);
    /* By (group, category): insertion sort again, on the sorted ids. */
    memcpy(w->cat_grouped, w->cat, w->nc * sizeof w->cat[0]);
    for (size_t i = 1; i < w->nc; i++) {
        uint32_t v = w->cat_grouped[i];
        size_t j = i;
        while (j > 0 && cmp_grouped(w, w->cat_grouped[j - 1], v) > 0) {
            w->cat_grouped[j] = w->cat_grouped[j - 1];
            j--;
        }
        w->cat_grouped[j] = v;
    }

    w->nk = skpi_report_taxonomy_count(r, SKPI_KIND);
    for (uint32_t k = 0; k < w->nk; k++) {
        w->kslug[k] = skpi_taxonomy_slug(t, SKPI_KIND, k);
        w->kind[k] = k;
    }
    sort_by_slug(w->kind, w->nk, w->kslug);

    /* Scores in byte order of their decimal form ("10" before "2"), so
     * that "series in byte order of their label values" has no exception.
     * A score is a non-negative int: at most 10 digits. */
    int lo = 1, hi = 0;
    (void)skpi_tracker_rating_scale(t, &lo, &hi, NULL);
    w->ns = 0;
    for (int s = lo; s <= hi; s++) {
        char tmp[24];
        tmp[23] = '\0';
        char *d = fmt_int(tmp + 23, s);
        size_t n = (size_t)(tmp + 23 - d);
        size_t j = w->ns++;
        while (j > 0 && strcmp(w->score_str[j - 1], d) > 0) {
            w->score[j] = w->score[j - 1];
            memcpy(w->score_str[j], w->score_str[j - 1], sizeof w->score_str[j]);
            j--;
        }
        w->score[j] = s;
        memcpy(w->score_str[j], d, n);
        w->score_str[j][n] = '\0';
    }
}

/* ===================================================================== */
/* Families                                                              */
/* ===================================================================== */

/* The getters below cannot fail for ids below the report's taxonomy
 * counts and SKPI_ALL; the tests check their statuses, not this file. */

static void write_anomalies(om *w)
{
    family(w, F_ANOMALIES);
    for (size_t i = 0; i < w->np; i++) {
        uint32_t p = w->plat[i];
        for (size_t k = 0; k < sizeof anomaly_kinds / sizeof anomaly_kinds[0];
             k++) {
            int64_t n = 0;
            (void)skpi_report_anomalies(w->r, p, anomaly_kinds[k].kind, &n);
            sample(w, NULL);
            label(w, "platform", w->pslug[p]);
            label(w, "kind", anomaly_kinds[k].slug);
            value_int(w, n);
        }
    }
}

static void write_answered(om *w)
{
    family(w, F_ANSWERED);
    for (size_t i = 0; i < w->np; i++) {
        uint32_t p = w->plat[i];
        for (size_t j = 0; j < w->nc; j++) {
            uint32_t c = w->cat[j];
            int64_t n = 0;
            (void)skpi_report_responses(w->r, p, c, NULL, &n, NULL);
            sample(w, NULL);
            label(w, "platform", w->pslug[p]);
            label(w, "category", w->cslug[c]);
            value_int(w, n);
        }
    }
}

static void write_backlog(om *w)
{
    family(w, F_BACKLOG);
    for (size_t i = 0; i < w->np; i++) {
        uint32_t p = w->plat[i];
        for (size_t j = 0; j < w->nc; j++) {
            uint32_t c = w->cat[j];
            int64_t n = 0;
            if (!w->expects[c])
                continue;
            (void)skpi_report_backlog(w->r, p, c, &n, NULL);
            sample(w, NULL);
            label(w, "platform", w->pslug[p]);
            label(w, "category", w->cslug[c]);
            value_int(w, n);
        }
    }
    family(w, F_BACKLOG_AGE);
    for (size_t i = 0; i < w->np; i++) {
        uint32_t p = w->plat[i];
        int64_t age = 0;
        (void)skpi_report_backlog(w->r, p, SKPI_ALL, NULL, &age);
        sample(w, NULL);
        label(w, "platform", w->pslug[p]);
        value_int(w, age);
    }
}

static void write_category_info(om *w)
{
    family(w, F_CATEGORY);
    for (size_t j = 0; j < w->nc; j++) {
        uint32_t c = w->cat[j];
        sample(w, NULL);
        label(w, "category", w->cslug[c]);
        label(w, "group", w->gslug[c]);
        label(w, "expects_answer", w->expects[c] ? "true" : "false");
        label_text(w, "label", skpi_taxonomy_label(w->t, SKPI_CATEGORY, c));
        value_int(w, 1);
    }
}

static void write_csat(om *w)
{
    family(w, F_CSAT);
    for (size_t i = 0; i < w->np; i++) {
        uint32_t p = w->plat[i];
        double rate = NAN;
        (void)skpi_report_csat(w->r, p, NULL, NULL, &rate, NULL);
        if (isnan(rate))
            continue;
        sample(w, NULL);
        label(w, "platform", w->pslug[p]);
        value_double(w, rate);
    }
}

static void write_engagements(om *w)
{
    family(w, F_ENGAGEMENTS);
    for (size_t i = 0; i < w->np; i++) {
        uint32_t p = w->plat[i];
        for (size_t j = 0; j < w->nk; j++) {
            uint32_t k = w->kind[j];
            int64_t n = 0;
            (void)skpi_report_engagement(w->r, p, k, &n);
            sample(w, NULL);
            label(w, "platform", w->pslug[p]);
            label(w, "kind", w->kslug[k]);
            value_int(w, n);
        }
    }
}

static void write_expected(om *w)
{
    family(w, F_EXPECTED);
    for (size_t i = 0; i < w->np; i++) {
        uint32_t p = w->plat[i];
        int64_t n = 0;
        (void)skpi_report_responses(w->r, p, SKPI_ALL, &n, NULL, NULL);
        sample(w, NULL);
        label(w, "platform", w->pslug[p]);
        value_int(w, n);
    }
}

/* The upper bound of a bucket: an SLA target in whole seconds, written
 * "3600.0" in OpenMetrics (its canonical float form) and "3600" in the
 * Prometheus format, as the reference client libraries write them. */
static void le_label(om *w, int64_t seconds)
{
    label_name(w, "le");
    lput_int(w, seconds);
    if (!w->prom)
        lput(w, ".0", 2);
    lputc(w, '"');
}

static void write_first_response(om *w)
{
    size_t n_sla = skpi_tracker_sla_count(w->t);
    family(w, F_FRT);
    for (size_t i = 0; i < w->np; i++) {
        uint32_t p = w->plat[i];
        const char *slug = w->pslug[p];
        int64_t answered = 0, cum = 0, sum = 0;
        (void)skpi_report_responses(w->r, p, SKPI_ALL, NULL, &answered, NULL);
        for (size_t k = 0; k < n_sla; k++) {
            int64_t seconds = 0, within = 0;
            (void)skpi_report_sla(w->r, k, p, SKPI_ALL, &seconds, &within,
                                  NULL, NULL);
            if (within > cum)
                cum = within;
            sample(w, "_bucket");
            label(w, "platform", slug);
            le_label(w, seconds);
            value_int(w, cum);
        }
        if (answered > cum)
            cum = answered;
        sample(w, "_bucket");
        label(w, "platform", slug);
        label(w, "le", "+Inf");
        value_int(w, cum);
        sample(w, "_count");
        label(w, "platform", slug);
        value_int(w, cum);
        /* SKPI_ENODATA (nothing answered) leaves the sum at 0. */
        (void)skpi__report_response_sum(w->r, p, SKPI_ALL, 0, &sum);
        sample(w, "_sum");
        label(w, "platform", slug);
        value_int(w, sum);
    }
}

static void write_followers(om *w)
{
    family(w, F_FOLLOWERS);
    for (size_t i = 0; i < w->np; i++) {
        uint32_t p = w->plat[i];
        int64_t end = 0;
        if (skpi_report_followers(w->r, p, &end, NULL, NULL, NULL) != SKPI_OK)
            continue;
        sample(w, NULL);
        label(w, "platform", w->pslug[p]);
        value_int(w, end);
    }
}

static void write_messages(om *w)
{
    family(w, F_MESSAGES);
    for (size_t i = 0; i < w->np; i++) {
        uint32_t p = w->plat[i];
        for (size_t j = 0; j < w->nc; j++) {
            uint32_t c = w->cat_grouped[j];
            int64_t n = 0;
            (void)skpi_report_messages(w->r, p, c, &n);
            sample(w, NULL);
            label(w, "platform", w->pslug[p]);
            label(w, "group", w->gslug[c]);
            label(w, "category", w->cslug[c]);
            value_int(w, n);
        }
    }
}

static void write_people(om *w)
{
    size_t nw = sizeof people_kinds / sizeof people_kinds[0];
    family(w, F_PEOPLE);
    for (size_t i = 0; i < w->np; i++) {
        uint32_t p = w->plat[i];
        for (size_t k = 0; k < nw; k++) {
            int64_t n = 0;
            if (skpi_report_people(w->r, people_kinds[k].who, p, &n, NULL) !=
                SKPI_OK)
                continue;
            sample(w, NULL);
            label(w, "platform", w->pslug[p]);
            label(w, "who", people_kinds[k].slug);
            value_int(w, n);
        }
    }
    family(w, F_PEOPLE_ALL);
    for (size_t k = 0; k < nw; k++) {
        int64_t n = 0;
        if (skpi_report_people(w->r, people_kinds[k].who, SKPI_ALL, &n,
                               NULL) != SKPI_OK)
            continue;
        sample(w, NULL);
        label(w, "who", people_kinds[k].slug);
        value_int(w, n);
    }
}

static void write_platform_info(om *w)
{
    family(w, F_PLATFORM);
    for (size_t i = 0; i < w->np; i++) {
        uint32_t p = w->plat[i];
        sample(w, NULL);
        label(w, "platform", w->pslug[p]);
        label_text(w, "label", skpi_taxonomy_label(w->t, SKPI_PLATFORM, p));
        value_int(w, 1);
    }
}

static void write_posts(om *w)
{
    family(w, F_POSTS);
    for (size_t i = 0; i < w->np; i++) {
        uint32_t p = w->plat[i];
        int64_t n = 0;
        (void)skpi_report_posts(w->r, p, &n, NULL);
        sample(w, NULL);
        label(w, "platform", w->pslug[p]);
        value_int(w, n);
    }
}

static void write_range(om *w, int64_t from, int64_t to)
{
    family(w, F_RANGE_END);
    sample(w, NULL);
    value_int(w, to);
    family(w, F_RANGE_START);
    sample(w, NULL);
    value_int(w, from);
}

static void write_ratings(om *w)
{
    family(w, F_RATINGS);
    for (size_t i = 0; i < w->np; i++) {
        uint32_t p = w->plat[i];
        for (size_t j = 0; j < w->ns; j++) {
            int64_t n = 0;
            (void)skpi_report_rating_count(w->r, p, w->score[j], &n);
            sample(w, NULL);
            label(w, "platform", w->pslug[p]);
            label(w, "score", w->score_str[j]);
            value_int(w, n);
        }
    }
}

static void write_report_info(om *w)
{
    family(w, F_REPORT);
    sample(w, NULL);
    label(w, "bucket",
          skpi_tracker_bucket(w->t) == SKPI_BUCKET_DAY ? "day" : "hour");
    label_text(w, "zone", skpi_tracker_zone(w->t));
    value_int(w, 1);
}

static void write_response_ratio(om *w)
{
    family(w, F_RESPONSE_RATIO);
    for (size_t i = 0; i < w->np; i++) {
        uint32_t p = w->plat[i];
        double rate = NAN;
        (void)skpi_report_responses(w->r, p, SKPI_ALL, NULL, NULL, &rate);
        if (isnan(rate))
            continue;
        sample(w, NULL);
        label(w, "platform", w->pslug[p]);
        value_double(w, rate);
    }
}

static void write_satisfied(om *w)
{
    family(w, F_SATISFIED);
    for (size_t i = 0; i < w->np; i++) {
        uint32_t p = w->plat[i];
        int64_t n = 0;
        (void)skpi_report_csat(w->r, p, NULL, &n, NULL, NULL);
        sample(w, NULL);
        label(w, "platform", w->pslug[p]);
        value_int(w, n);
    }
}

/* ===================================================================== */
/* Entry point                                                           */
/* ===================================================================== */

skpi_status skpi_report_openmetrics(const skpi_tracker *t, int64_t from,
                                    int64_t to, const uint32_t *platforms,
                                    size_t n_platforms, unsigned flags,
                                    char **out, size_t *len)
{
    if (t == NULL || out == NULL)
        return SKPI_EINVAL;
    if ((flags & ~SKPI_OPENMETRICS_PROMETHEUS) != 0)
        return SKPI_EOPTION;
    skpi_report *r;
    skpi_status st = skpi_report_new(t, from, to, platforms, n_platforms, &r);
    if (st != SKPI_OK)
        return st;

    skpi__buf b;
    skpi__buf_init(&b);
    om w;
    memset(&w, 0, sizeof w);
    w.b = &b;
    w.prom = (flags & SKPI_OPENMETRICS_PROMETHEUS) != 0;
    w.t = t;
    w.r = r;
    prepare(&w, platforms, n_platforms);

    /* In family order (the enum's). */
    write_anomalies(&w);
    write_answered(&w);
    write_backlog(&w);
    write_category_info(&w);
    write_csat(&w);
    write_engagements(&w);
    write_expected(&w);
    write_first_response(&w);
    write_followers(&w);
    write_messages(&w);
    write_people(&w);
    write_platform_info(&w);
    write_posts(&w);
    write_range(&w, from, to);
    write_ratings(&w);
    write_report_info(&w);
    write_response_ratio(&w);
    write_satisfied(&w);
    if (!w.prom)
        skpi__buf_puts(&b, "# EOF\n");

    skpi_report_free(r);
    return skpi__buf_finish(&b, out, len);
}

skpi_status skpi_report_openmetrics_into(const skpi_tracker *t, int64_t from,
                                         int64_t to, const uint32_t *platforms,
                                         size_t n_platforms, unsigned flags,
                                         char *buf, size_t size, size_t *len)
{
    if (buf == NULL && size > 0)
        return SKPI_EINVAL;
    char *text = NULL;
    size_t n = 0;
    skpi_status st = skpi_report_openmetrics(t, from, to, platforms,
                                             n_platforms, flags, &text, &n);
    if (st != SKPI_OK)
        return st;
    if (n >= size) {
        if (len != NULL)
            *len = n + 1;
        skpi_free(text);
        return SKPI_EBUFSIZE;
    }
    memcpy(buf, text, n + 1);
    if (len != NULL)
        *len = n;
    skpi_free(text);
    return SKPI_OK;
}

/*
 * textreport.c -- the plain-text report of the skpi tool.
 *
 * Every figure is read through the public report getters; the layout is
 * fixed-width for a terminal or an e-mail, with numbers formatted by hand
 * (thousands separators, percentages, durations) so that no locale is
 * involved.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <socialkpi.h>

#include "textreport.h"

/* The platforms a report shows, in order. */
typedef struct shown {
    uint32_t id[SKPI_MAX_PLATFORMS];
    size_t n;
    int filtered; /* a subset the user chose */
} shown;

/* ===================================================================== */
/* Formatting numbers                                                    */
/* ===================================================================== */

/*
 * Each formatter returns a small struct by value, so that calls can sit
 * inside one printf: `printf("%s", num(x).s)`.  The array lives until the
 * end of the full expression (C11 6.2.4p8).  No locale is involved.
 */
typedef struct text {
    char s[48];
} text;

/* An integer with thousands separators: 4829520 -> "4,829,520"; with
 * `sign`, positive numbers get a "+". */
static text num_signed(int64_t v, int sign)
{
    text t;
    char digits[24];
    /* The magnitude as unsigned, so that INT64_MIN works too. */
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    size_t n = 0, o = 0;

    do {
        digits[n++] = (char)('0' + (int)(mag % 10u));
        mag /= 10u;
    } while (mag > 0);
    if (v < 0)
        t.s[o++] = '-';
    else if (sign && v > 0)
        t.s[o++] = '+';
    while (n > 0) {
        t.s[o++] = digits[--n];
        if (n > 0 && n % 3 == 0)
            t.s[o++] = ',';
    }
    t.s[o] = '\0';
    return t;
}

static text num(int64_t v)
{
    return num_signed(v, 0);
}

/* A rate as a percentage with one decimal, or "n/a" when it is undefined
 * (NaN: its denominator is zero); with `sign`, a growth: "+9.5 %". */
static text pct_signed(double rate, int sign)
{
    text t;
    if (isnan(rate))
        snprintf(t.s, sizeof t.s, "n/a");
    else if (sign)
        snprintf(t.s, sizeof t.s, "%+.1f %%", rate * 100.0);
    else
        snprintf(t.s, sizeof t.s, "%.1f %%", rate * 100.0);
    return t;
}

static text pct(double rate)
{
    return pct_signed(rate, 0);
}

/* A duration in the unit an SLA is usually stated in: "1 h", "30 min". */
static text duration(int64_t seconds)
{
    text t;
    if (seconds % 3600 == 0)
        snprintf(t.s, sizeof t.s, "%lld h", (long long)(seconds / 3600));
    else if (seconds % 60 == 0)
        snprintf(t.s, sizeof t.s, "%lld min", (long long)(seconds / 60));
    else
        snprintf(t.s, sizeof t.s, "%lld s", (long long)seconds);
    return t;
}

/*
 * A measured time span in the unit a reader takes in at a glance: "45 s",
 * "4.5 min", "37 min", "3.1 h", "16.4 h", "1.2 d", "182 d".  Spans under
 * ten minutes and hours or days under a hundred keep one decimal.  The
 * unit is chosen after rounding, so 59.7 s is "1.0 min", not "60 s".
 */
static text span(double seconds)
{
    text t;
    double m = seconds / 60.0, h = seconds / 3600.0, d = seconds / 86400.0;
    if (isnan(seconds))
        snprintf(t.s, sizeof t.s, "n/a");
    else if (seconds < 59.5)
        snprintf(t.s, sizeof t.s, "%.0f s", seconds);
    else if (m < 9.95)
        snprintf(t.s, sizeof t.s, "%.1f min", m);
    else if (m < 59.5)
        snprintf(t.s, sizeof t.s, "%.0f min", m);
    else if (h < 23.95)
        snprintf(t.s, sizeof t.s, "%.1f h", h);
    else if (d < 99.95)
        snprintf(t.s, sizeof t.s, "%.1f d", d);
    else
        snprintf(t.s, sizeof t.s, "%.0f d", d);
    return t;
}

/* Columns that `s` takes: labels may be UTF-8 (Arabic ones must work), so
 * columns are counted in code points, not bytes. */
static int columns(const char *s, size_t len)
{
    int cols = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            cols++;
    return cols;
}

/* Print `s` left-aligned in `width` columns. */
static void pad(FILE *out, const char *s, int width)
{
    fputs(s, out);
    for (int cols = columns(s, strlen(s)); cols < width; cols++)
        fputc(' ', out);
}

#define TEXT_WIDTH 78 /* a paragraph's lines, indent included, at most */

/* Print `s` as a paragraph indented by two spaces, broken at spaces so
 * that lines keep to TEXT_WIDTH columns (a longer word gets a line of its
 * own).  Two spaces between words, as after a sentence, stay two; a tab is
 * a space that does not break ("±\t0.8\t%" stays on one line). */
static void paragraph(FILE *out, const char *s)
{
    int col = 0, gap = 0;
    while (*s != '\0') {
        size_t word = strcspn(s, " ");
        int w = columns(s, word);
        if (col > 0 && col + gap + w > TEXT_WIDTH) {
            fputc('\n', out);
            col = 0;
        }
        if (col == 0) {
            fputs("  ", out);
            col = 2;
        } else {
            fprintf(out, "%*s", gap, "");
            col += gap;
        }
        for (size_t i = 0; i < word; i++)
            fputc(s[i] == '\t' ? ' ' : s[i], out);
        col += w;
        s += word;
        for (gap = 0; *s == ' '; s++)
            gap = gap < 2 ? gap + 1 : 2;
    }
    if (col > 0)
        fputc('\n', out);
}

/* ===================================================================== */
/* Reading a report                                                      */
/* ===================================================================== */

/*
 * The getters below fail only on a library bug or an id that the report
 * does not know; either way the text report stops and names the call.
 * TRY records which call failed in *failed (the text up to its '(').
 */
#define TRY(call)                          \
    do {                                   \
        skpi_status try_st_ = (call);      \
        if (try_st_ != SKPI_OK) {          \
            *failed = #call;               \
            return try_st_;                \
        }                                  \
    } while (0)

/* A period: its range, its first and last local day, and a name. */
typedef struct period {
    int have; /* 0: no such period (it would start before 1970) */
    int64_t from, to;
    char first[SKPI_TIME_BUFSIZE], last[SKPI_TIME_BUFSIZE];
} period;

static skpi_status period_init(const skpi_tracker *t, period *p, int64_t from,
                               int64_t to, const char **failed)
{
    p->have = 1;
    p->from = from;
    p->to = to;
    TRY(skpi_time_format(t, from, p->first, sizeof p->first));
    TRY(skpi_time_format(t, to - 1, p->last, sizeof p->last));
    p->first[10] = p->last[10] = '\0'; /* keep the dates */
    return SKPI_OK;
}

/* The headline figures, compared across periods. */
typedef struct headline {
    int have_data; /* 0: the period holds nothing at all */
    int64_t inquiries, thanks, ratings, engagements, posts, followers;
    size_t follower_platforms;
    double response_rate, csat;
} headline;

static skpi_status headline_read(const skpi_report *r, headline *h,
                                 const char **failed)
{
    int64_t all_messages;
    memset(h, 0, sizeof *h);
    TRY(skpi_report_inquiries_and_remarks(r, SKPI_ALL, &h->inquiries));
    TRY(skpi_report_group_messages(r, SKPI_ALL, SKPI_GROUP_APPRECIATION, &h->thanks));
    TRY(skpi_report_messages(r, SKPI_ALL, SKPI_ALL, &all_messages));
    TRY(skpi_report_responses(r, SKPI_ALL, SKPI_ALL, NULL, NULL, &h->response_rate));
    TRY(skpi_report_csat(r, SKPI_ALL, &h->ratings, NULL, &h->csat, NULL));
    TRY(skpi_report_engagement(r, SKPI_ALL, SKPI_ALL, &h->engagements));
    TRY(skpi_report_posts(r, SKPI_ALL, &h->posts, NULL));
    TRY(skpi_report_followers_total(r, &h->followers, NULL, NULL,
                                    &h->follower_platforms));
    h->have_data = all_messages > 0 || h->ratings > 0 || h->engagements > 0 ||
                   h->posts > 0 || h->follower_platforms > 0;
    return SKPI_OK;
}

/* ===================================================================== */
/* The text report                                                       */
/* ===================================================================== */

#define LABEL_W 26 /* width of the label column */
#define NUM_W 11   /* width of a number column */
#define CH_LABEL_W 24 /* the change table: label, value and change columns */
#define CH_VALUE_W 10
#define CH_CHANGE_W 9

/* The display name of a taxonomy entry: its label, else its slug. */
static const char *entry_name(const skpi_tracker *t, int dim, uint32_t id)
{
    const char *label = skpi_taxonomy_label(t, dim, id);
    if (label == NULL || label[0] == '\0')
        label = skpi_taxonomy_slug(t, dim, id);
    return label != NULL ? label : "?";
}

static skpi_status text_messages(FILE *out, const skpi_tracker *t, const shown *v,
                                 const skpi_report *r, const char **failed)
{
    size_t n_groups = skpi_taxonomy_count(t, SKPI_GROUP);
    size_t n_categories = skpi_taxonomy_count(t, SKPI_CATEGORY);
    int64_t count;

    fprintf(out, "Messages received\n");
    pad(out, "", LABEL_W);
    for (uint32_t i_ = 0, p = 0; i_ < v->n && (p = v->id[i_], 1); i_++)
        fprintf(out, " %*s", NUM_W, skpi_taxonomy_slug(t, SKPI_PLATFORM, p));
    fprintf(out, " %*s\n", NUM_W, "total");

    for (uint32_t g = 0; g < n_groups; g++) {
        fputs("  ", out);
        pad(out, entry_name(t, SKPI_GROUP, g), LABEL_W - 2);
        for (uint32_t i_ = 0, p = 0; i_ < v->n && (p = v->id[i_], 1); i_++) {
            TRY(skpi_report_group_messages(r, p, g, &count));
            fprintf(out, " %*s", NUM_W, num(count).s);
        }
        TRY(skpi_report_group_messages(r, SKPI_ALL, g, &count));
        fprintf(out, " %*s\n", NUM_W, num(count).s);

        for (uint32_t c = 0; c < n_categories; c++) {
            uint32_t group;
            TRY(skpi_category_info(t, c, &group, NULL));
            if (group != g)
                continue;
            fputs("    ", out);
            pad(out, entry_name(t, SKPI_CATEGORY, c), LABEL_W - 4);
            for (uint32_t i_ = 0, p = 0; i_ < v->n && (p = v->id[i_], 1); i_++) {
                TRY(skpi_report_messages(r, p, c, &count));
                fprintf(out, " %*s", NUM_W, num(count).s);
            }
            TRY(skpi_report_messages(r, SKPI_ALL, c, &count));
            fprintf(out, " %*s\n", NUM_W, num(count).s);
        }
    }
    fputs("  ", out);
    pad(out, "Inquiries and remarks", LABEL_W - 2);
    for (uint32_t i_ = 0, p = 0; i_ < v->n && (p = v->id[i_], 1); i_++) {
        TRY(skpi_report_inquiries_and_remarks(r, p, &count));
        fprintf(out, " %*s", NUM_W, num(count).s);
    }
    TRY(skpi_report_inquiries_and_remarks(r, SKPI_ALL, &count));
    fprintf(out, " %*s\n", NUM_W, num(count).s);
    fputs("  ", out);
    pad(out, "Thanks", LABEL_W - 2);
    for (uint32_t i_ = 0, p = 0; i_ < v->n && (p = v->id[i_], 1); i_++) {
        TRY(skpi_report_group_messages(r, p, SKPI_GROUP_APPRECIATION, &count));
        fprintf(out, " %*s", NUM_W, num(count).s);
    }
    TRY(skpi_report_group_messages(r, SKPI_ALL, SKPI_GROUP_APPRECIATION, &count));
    fprintf(out, " %*s\n\n", NUM_W, num(count).s);
    return SKPI_OK;
}

/* Refused and extra events of the period, in one paragraph: only the kinds
 * that happened. */
static skpi_status text_anomalies(FILE *out, const skpi_report *r,
                                  const char **failed)
{
    static const struct {
        int kind;
        const char *one, *many;
    } kinds[] = {
        {SKPI_ANOMALY_UNMATCHED_REPLIES, "reply to an unknown message id",
         "replies to unknown message ids"},
        {SKPI_ANOMALY_EARLY_REPLIES, "reply dated before its message",
         "replies dated before their message"},
        {SKPI_ANOMALY_LATER_REPLIES, "second or later reply", "second or later replies"},
        {SKPI_ANOMALY_DUPLICATE_MESSAGES, "message id recorded twice",
         "message ids recorded twice"},
        {SKPI_ANOMALY_FORGOTTEN_MESSAGES, "waiting message forgotten at the id limit",
         "waiting messages forgotten at the id limit"},
    };
    char line[512];
    size_t len = (size_t)snprintf(line, sizeof line, "Reply anomalies:");
    int any = 0;

    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        int64_t n;
        TRY(skpi_report_anomalies(r, SKPI_ALL, kinds[i].kind, &n));
        if (n == 0)
            continue;
        len += (size_t)snprintf(line + len, sizeof line - len, "%s %s\t%s",
                                any ? "," : "", num(n).s,
                                n == 1 ? kinds[i].one : kinds[i].many);
        any = 1;
    }
    snprintf(line + len, sizeof line - len, "%s", any ? "." : " none.");
    paragraph(out, line);
    fputc('\n', out);
    return SKPI_OK;
}

static skpi_status text_responses(FILE *out, const skpi_tracker *t,
                                  const skpi_report *r, const char **failed)
{
    size_t n_categories = skpi_taxonomy_count(t, SKPI_CATEGORY);
    size_t n_sla = skpi_tracker_sla_count(t);
    int64_t expected, answered, within, seconds, backlog, oldest_age;
    double rate;
    char label[64];

    fprintf(out, "Responses\n");
    TRY(skpi_report_responses(r, SKPI_ALL, SKPI_ALL, &expected, &answered, &rate));
    fputs("  ", out);
    pad(out, "Response rate", LABEL_W - 2);
    fprintf(out, " %*s   %s answered / %s expected\n", NUM_W, pct(rate).s,
            num(answered).s, num(expected).s);
    for (size_t i = 0; i < n_sla; i++) {
        TRY(skpi_report_sla(r, i, SKPI_ALL, SKPI_ALL, &seconds, &within, &expected,
                            &rate));
        snprintf(label, sizeof label, "Answered within %s", duration(seconds).s);
        fputs("  ", out);
        pad(out, label, LABEL_W - 2);
        fprintf(out, " %*s   %s / %s\n", NUM_W, pct(rate).s, num(within).s,
                num(expected).s);
    }
    fputs("  ", out);
    pad(out, "Not answered", LABEL_W - 2);
    fprintf(out, " %*s\n", NUM_W, num(expected - answered).s);
    TRY(skpi_report_backlog(r, SKPI_ALL, SKPI_ALL, &backlog, &oldest_age));
    fputs("  ", out);
    pad(out, "Backlog at the end", LABEL_W - 2);
    fprintf(out, " %*s", NUM_W, num(backlog).s);
    if (backlog > 0)
        fprintf(out, "   oldest waiting %s", span((double)oldest_age).s);
    fputc('\n', out);

    fprintf(out, "  By category\n");
    for (uint32_t c = 0; c < n_categories; c++) {
        int expects;
        TRY(skpi_category_info(t, c, NULL, &expects));
        if (!expects)
            continue;
        TRY(skpi_report_responses(r, SKPI_ALL, c, &expected, &answered, &rate));
        fputs("    ", out);
        pad(out, entry_name(t, SKPI_CATEGORY, c), LABEL_W - 4);
        fprintf(out, " %*s   %s / %s\n", NUM_W, pct(rate).s, num(answered).s,
                num(expected).s);
    }
    fprintf(out, "  (backlog: still waiting for a first reply when the period ends,\n"
                 "  whenever they arrived; age from the day the oldest arrived)\n");
    return text_anomalies(out, r, failed);
}

/* First-response time, calendar and business time side by side. */
typedef struct frt {
    int have; /* 0: nothing answered (or, for business time, no hours) */
    int64_t n, min, max;
    double mean, q[4];
} frt;

static const double frt_q[4] = {0.5, 0.9, 0.95, 0.99};

static skpi_status frt_read(const skpi_report *r, int business, frt *f,
                            const char **failed)
{
    skpi_status st = skpi_report_response_time(r, SKPI_ALL, SKPI_ALL, business,
                                                &f->n, &f->mean, &f->min, &f->max);
    f->have = st == SKPI_OK;
    if (st == SKPI_ENODATA)
        return SKPI_OK;
    TRY(st);
    for (int i = 0; i < 4; i++)
        TRY(skpi_report_response_quantile(r, SKPI_ALL, SKPI_ALL, business,
                                          frt_q[i], &f->q[i]));
    return SKPI_OK;
}

static skpi_status text_response_time(FILE *out, const skpi_tracker *t,
                                      const skpi_report *r, const char **failed)
{
    static const char *const q_names[4] = {"p50", "p90", "p95", "p99"};
    frt f[2];
    for (int b = 0; b < 2; b++) {
        skpi_status st = frt_read(r, b, &f[b], failed);
        if (st != SKPI_OK)
            return st;
    }

    fprintf(out, "First-response time (from a message to its first reply)\n");
    if (!f[0].have) {
        fprintf(out, "  No message of this period was answered.\n\n");
        return SKPI_OK;
    }
    pad(out, "", LABEL_W);
    fprintf(out, " %*s %*s\n", NUM_W, "calendar", NUM_W, "business");
    fputs("  ", out);
    pad(out, "Answered", LABEL_W - 2);
    for (int b = 0; b < 2; b++)
        fprintf(out, " %*s", NUM_W, f[b].have ? num(f[b].n).s : "n/a");
    fputc('\n', out);

    for (int row = 0; row < 7; row++) {
        const char *name = row == 0 ? "Mean" : row == 5 ? "Shortest"
                                 : row == 6 ? "Longest" : q_names[row - 1];
        fputs("  ", out);
        pad(out, name, LABEL_W - 2);
        for (int b = 0; b < 2; b++) {
            double v = row == 0 ? f[b].mean
                     : row == 5 ? (double)f[b].min
                     : row == 6 ? (double)f[b].max : f[b].q[row - 1];
            fprintf(out, " %*s", NUM_W, f[b].have ? span(v).s : "n/a");
        }
        fputc('\n', out);
    }
    if (skpi_tracker_has_business_hours(t))
        paragraph(out, "(percentiles p50 to p99 are estimates, the rest exact.  "
                       "Business time counts only the desk's open hours, "
                       "holidays excluded, so a message that arrives and is "
                       "answered while the desk is closed takes 0 s of it)");
    else
        paragraph(out, "(percentiles p50 to p99 are estimates, the rest exact; "
                       "no business hours are set, so there is no business time)");
    fputc('\n', out);
    return SKPI_OK;
}

static skpi_status text_satisfaction(FILE *out, const skpi_tracker *t,
                                     const skpi_report *r, const char **failed)
{
    int lo, hi, satisfied_from;
    int64_t ratings, satisfied, count;
    double rate, mean;

    TRY(skpi_tracker_rating_scale(t, &lo, &hi, &satisfied_from));
    TRY(skpi_report_csat(r, SKPI_ALL, &ratings, &satisfied, &rate, &mean));
    fprintf(out, "Satisfaction (ratings %d to %d; satisfied means %d or more)\n", lo,
            hi, satisfied_from);
    fputs("  ", out);
    pad(out, "CSAT", LABEL_W - 2);
    fprintf(out, " %*s   %s satisfied / %s ratings\n", NUM_W, pct(rate).s,
            num(satisfied).s, num(ratings).s);
    fputs("  ", out);
    pad(out, "Mean score", LABEL_W - 2);
    if (isnan(mean))
        fprintf(out, " %*s\n", NUM_W, "n/a");
    else
        fprintf(out, " %*.2f\n", NUM_W, mean);
    fputs("  ", out);
    pad(out, "Ratings by score", LABEL_W - 2);
    for (int s = lo; s <= hi; s++) {
        TRY(skpi_report_rating_count(r, SKPI_ALL, s, &count));
        fprintf(out, " %d: %s%s", s, num(count).s, s < hi ? " " : "\n\n");
    }
    return SKPI_OK;
}

static skpi_status text_engagement(FILE *out, const skpi_tracker *t, const shown *v,
                                   const skpi_report *r, const char **failed)
{
    size_t n_kinds = skpi_taxonomy_count(t, SKPI_KIND);
    int64_t count, posts, followers;
    double per_post, rate;

    /* Engagements by kind and platform. */
    fprintf(out, "Engagement with the desk's posts\n");
    pad(out, "", LABEL_W);
    for (uint32_t k = 0; k < n_kinds; k++)
        fprintf(out, " %*s", NUM_W, skpi_taxonomy_slug(t, SKPI_KIND, k));
    fprintf(out, " %*s\n", NUM_W, "total");
    for (uint32_t i = 0; i <= v->n; i++) {
        uint32_t p = i < v->n ? v->id[i] : SKPI_ALL;
        fputs("  ", out);
        pad(out, p == SKPI_ALL ? "All platforms" : entry_name(t, SKPI_PLATFORM, p),
            LABEL_W - 2);
        for (uint32_t k = 0; k < n_kinds; k++) {
            TRY(skpi_report_engagement(r, p, k, &count));
            fprintf(out, " %*s", NUM_W, num(count).s);
        }
        TRY(skpi_report_engagement(r, p, SKPI_ALL, &count));
        fprintf(out, " %*s\n", NUM_W, num(count).s);
    }

    /* The same engagements per post and per follower. */
    fputc('\n', out);
    pad(out, "", LABEL_W);
    fprintf(out, " %*s %*s %*s %*s\n", NUM_W, "posts", NUM_W, "per post", NUM_W,
            "followers", NUM_W + 1, "per follower");
    for (uint32_t i = 0; i <= v->n; i++) {
        uint32_t p = i < v->n ? v->id[i] : SKPI_ALL;
        fputs("  ", out);
        pad(out, p == SKPI_ALL ? "All platforms" : entry_name(t, SKPI_PLATFORM, p),
            LABEL_W - 2);
        TRY(skpi_report_posts(r, p, &posts, &per_post));
        TRY(skpi_report_engagement_rate(r, p, NULL, &followers, &rate));
        fprintf(out, " %*s", NUM_W, num(posts).s);
        if (isnan(per_post))
            fprintf(out, " %*s", NUM_W, "n/a");
        else
            fprintf(out, " %*s", NUM_W, num((int64_t)llround(per_post)).s);
        fprintf(out, " %*s", NUM_W, num(followers).s);
        if (isnan(rate))
            fprintf(out, " %*s\n", NUM_W + 1, "n/a");
        else
            fprintf(out, " %*.2f\n", NUM_W + 1, rate);
    }
    fprintf(out, "  (per post: engagements / posts; per follower: engagements /\n"
                 "  followers at the end of the period)\n\n");
    return SKPI_OK;
}

static skpi_status text_followers(FILE *out, const skpi_tracker *t, const shown *v,
                                  const skpi_report *r, const char **failed)
{
    int64_t end, start, change, sum, lo, hi, sum_start = 0, unique;
    size_t with_data;
    double growth, err;
    char line[640];
    skpi_status st;

    fprintf(out, "Followers\n");
    TRY(skpi_report_followers_total(r, &sum, &lo, &hi, &with_data));
    if (with_data == 0) {
        fprintf(out, "  No follower tallies were recorded in this period.\n\n");
        return SKPI_OK;
    }
    pad(out, "", LABEL_W);
    fprintf(out, " %*s %*s %*s %*s\n", NUM_W, "start", NUM_W, "end", NUM_W,
            "change", NUM_W - 2, "growth");
    for (uint32_t i_ = 0, p = 0; i_ < v->n && (p = v->id[i_], 1); i_++) {
        st = skpi_report_followers(r, p, &end, &start, &change, &growth);
        if (st == SKPI_ENODATA)
            continue; /* a platform nobody read a tally of */
        TRY(st);
        sum_start += start;
        fputs("  ", out);
        pad(out, entry_name(t, SKPI_PLATFORM, p), LABEL_W - 2);
        fprintf(out, " %*s %*s %*s %*s\n", NUM_W, num(start).s, NUM_W, num(end).s,
                NUM_W, num_signed(change, 1).s, NUM_W - 2, pct_signed(growth, 1).s);
    }
    fputs("  ", out);
    pad(out, "Sum over platforms", LABEL_W - 2);
    fprintf(out, " %*s %*s %*s %*s\n", NUM_W, num(sum_start).s, NUM_W, num(sum).s,
            NUM_W, num_signed(sum - sum_start, 1).s, NUM_W - 2,
            pct_signed(sum_start > 0 ? (double)(sum - sum_start) / (double)sum_start
                                     : NAN,
                       1).s);
    st = skpi_report_people(r, SKPI_PEOPLE_FOLLOWERS, SKPI_ALL, &unique, &err);
    if (st == SKPI_OK) {
        snprintf(line, sizeof line,
                 "Unique followers across platforms: about %s (±\t%.1f\t%%; from "
                 "follower ids).  The sum counts follows, not people: someone "
                 "who follows the desk on two platforms is counted twice in it.  "
                 "Without the ids the number of distinct people would only be "
                 "known to lie between %s (the largest platform) and %s (the sum).",
                 num(unique).s, err * 100.0, num(lo).s, num(hi).s);
    } else if (st == SKPI_ENODATA) {
        snprintf(line, sizeof line,
                 "The sum counts follows, not people: someone who follows the desk "
                 "on two platforms is counted twice.  Without follower ids the "
                 "number of distinct people is only known to lie between %s (the "
                 "largest platform) and %s (the sum).",
                 num(lo).s, num(hi).s);
    } else {
        TRY(st);
    }
    paragraph(out, line);
    fputc('\n', out);
    return SKPI_OK;
}

/* Distinct people by platform, from the ids recorded with events. */
static skpi_status text_people(FILE *out, const skpi_tracker *t, const shown *v,
                               const skpi_report *r, const char **failed)
{
    static const struct {
        int who;
        const char *label, *name;
    } rows[] = {
        {SKPI_PEOPLE_AUTHORS, "Message authors", "authors"},
        {SKPI_PEOPLE_ENGAGERS, "Engagers", "engagers"},
        {SKPI_PEOPLE_FOLLOWERS, "Followers", "followers"},
    };
    char note[512];
    size_t len = 0;
    int64_t count;
    double err;
    int engagers = 0;

    fprintf(out, "People (distinct, from ids)\n");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        skpi_status st = skpi_report_people(r, rows[i].who, SKPI_ALL, &count, &err);
        if (st == SKPI_ENODATA)
            continue;
        TRY(st);
        len += (size_t)snprintf(note + len, sizeof note - len, "%s %s ±\t%.1f\t%%",
                                len == 0 ? "" : ",", rows[i].name, err * 100.0);
        engagers |= rows[i].who == SKPI_PEOPLE_ENGAGERS;
    }
    if (len == 0) {
        fprintf(out, "  No author, engager or follower ids were recorded in this "
                     "period.\n\n");
        return SKPI_OK;
    }
    pad(out, "", LABEL_W);
    for (uint32_t i_ = 0, p = 0; i_ < v->n && (p = v->id[i_], 1); i_++)
        fprintf(out, " %*s", NUM_W, skpi_taxonomy_slug(t, SKPI_PLATFORM, p));
    fprintf(out, " %*s\n", NUM_W, "total");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        fputs("  ", out);
        pad(out, rows[i].label, LABEL_W - 2);
        for (uint32_t k = 0; k <= v->n; k++) {
            uint32_t p = k < v->n ? v->id[k] : SKPI_ALL;
            skpi_status st = skpi_report_people(r, rows[i].who, p, &count, NULL);
            if (st == SKPI_ENODATA) {
                fprintf(out, " %*s", NUM_W, "n/a");
                continue;
            }
            TRY(st);
            fprintf(out, " %*s", NUM_W, num(count).s);
        }
        fputc('\n', out);
    }
    char line[1024];
    snprintf(line, sizeof line,
             "(estimates: a person active on several platforms counts once in "
             "the total; standard error of the totals:%s%s)", note,
             engagers ? "; engagers are those recorded by person" : "");
    paragraph(out, line);
    fputc('\n', out);
    return SKPI_OK;
}

/* The headline figures against the previous period and a year earlier. */
typedef struct change_row {
    const char *label;
    int is_rate;      /* a rate: compare in percentage points */
    int64_t count[3]; /* now, previous, a year earlier */
    double rate[3];
    int missing[3];   /* no reading at all (followers) */
} change_row;

static void text_change_row(FILE *out, const change_row *row, const headline *h)
{
    fputs("  ", out);
    pad(out, row->label, CH_LABEL_W - 2);
    if (row->missing[0])
        fprintf(out, " %*s", NUM_W, "n/a");
    else
        fprintf(out, " %*s", NUM_W,
                row->is_rate ? pct(row->rate[0]).s : num(row->count[0]).s);
    for (int i = 1; i < 3; i++) {
        text value, change;
        if (!h[i].have_data || row->missing[i]) {
            snprintf(value.s, sizeof value.s, "n/a");
            snprintf(change.s, sizeof change.s, "n/a");
        } else if (row->is_rate) {
            value = pct(row->rate[i]);
            if (isnan(row->rate[0]) || isnan(row->rate[i]))
                snprintf(change.s, sizeof change.s, "n/a");
            else
                snprintf(change.s, sizeof change.s, "%+.1f pt",
                         (row->rate[0] - row->rate[i]) * 100.0);
        } else {
            value = num(row->count[i]);
            if (row->count[i] == 0)
                snprintf(change.s, sizeof change.s, "n/a");
            else
                snprintf(change.s, sizeof change.s, "%+.1f %%",
                         100.0 * (double)(row->count[0] - row->count[i]) /
                             (double)row->count[i]);
        }
        fprintf(out, " %*s %*s", CH_VALUE_W, value.s, CH_CHANGE_W, change.s);
    }
    fputc('\n', out);
}

static void text_change(FILE *out, const period *pd, const headline *h)
{
    const change_row rows[] = {
        {.label = "Inquiries and remarks",
         .count = {h[0].inquiries, h[1].inquiries, h[2].inquiries}},
        {.label = "Thanks", .count = {h[0].thanks, h[1].thanks, h[2].thanks}},
        {.label = "Response rate", .is_rate = 1,
         .rate = {h[0].response_rate, h[1].response_rate, h[2].response_rate}},
        {.label = "CSAT", .is_rate = 1, .rate = {h[0].csat, h[1].csat, h[2].csat}},
        {.label = "Engagements",
         .count = {h[0].engagements, h[1].engagements, h[2].engagements}},
        {.label = "Posts", .count = {h[0].posts, h[1].posts, h[2].posts}},
        {.label = "Followers (sum at end)",
         .count = {h[0].followers, h[1].followers, h[2].followers},
         .missing = {h[0].follower_platforms == 0, h[1].follower_platforms == 0,
                     h[2].follower_platforms == 0}},
    };

    fprintf(out, "Change against earlier periods\n");
    for (int i = 1; i < 3; i++) {
        fprintf(out, "  %-18s", i == 1 ? "previous period" : "a year earlier");
        if (pd[i].have)
            fprintf(out, "%s to %s%s\n", pd[i].first, pd[i].last,
                    h[i].have_data ? "" : " (no data)");
        else
            fprintf(out, "n/a\n");
    }
    pad(out, "", CH_LABEL_W);
    fprintf(out, " %*s %*s %*s %*s %*s\n", NUM_W, "this period", CH_VALUE_W,
            "previous", CH_CHANGE_W, "change", CH_VALUE_W, "year ago", CH_CHANGE_W,
            "change");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        text_change_row(out, &rows[i], h);
}

/* The title, the period by name and as an exact range, and the zone. */
static skpi_status text_header(FILE *out, const skpi_tracker *t, const shown *v,
                               const char *title,
                               const char *name, const period *pd, const char **failed)
{
    char from[SKPI_TIME_BUFSIZE], to[SKPI_TIME_BUFSIZE];

    TRY(skpi_time_format(t, pd->from, from, sizeof from));
    TRY(skpi_time_format(t, pd->to, to, sizeof to));
    fprintf(out, "%s\n", title);
    for (size_t i = strlen(title); i > 0; i--)
        fputc('=', out);
    fprintf(out, "\n\n");
    fprintf(out, "Period  %s: %s to %s, %lld days\n", name, pd->first, pd->last,
            (long long)((pd->to - pd->from + 43200) / 86400));
    fprintf(out, "Range   [%s, %s)\n", from, to);
    const char *zone = skpi_tracker_zone(t);
    fprintf(out, "Zone    UTC%s; days are local days\n",
            zone != NULL && strcmp(zone, "Z") != 0 ? zone : "");
    if (v->filtered) {
        fprintf(out, "Only    ");
        for (size_t i = 0; i < v->n; i++)
            fprintf(out, "%s%s", i > 0 ? ", " : "",
                    skpi_taxonomy_slug(t, SKPI_PLATFORM, v->id[i]));
        fputc('\n', out);
    }
    fputc('\n', out);
    return SKPI_OK;
}

skpi_status text_report(FILE *out, const skpi_tracker *t, const char *title,
                        const char *name, int64_t from, int64_t to,
                        const uint32_t *platforms, size_t n_platforms,
                        const char **failed)
{
    shown v;
    period pd[3] = {{0}};
    headline h[3] = {{0}};
    skpi_report *r[3] = {NULL, NULL, NULL};
    skpi_status st;

    /* The platforms shown: the filter's, else all of them. */
    v.n = 0;
    if (platforms != NULL && n_platforms > 0) {
        for (size_t i = 0; i < n_platforms && v.n < SKPI_MAX_PLATFORMS; i++)
            v.id[v.n++] = platforms[i];
    } else {
        size_t n = skpi_taxonomy_count(t, SKPI_PLATFORM);
        for (uint32_t p = 0; p < n && v.n < SKPI_MAX_PLATFORMS; p++)
            v.id[v.n++] = p;
    }
    v.filtered = platforms != NULL && n_platforms > 0;

    /* This period, the one before it and the same one a year earlier. */
    if ((st = period_init(t, &pd[0], from, to, failed)) != SKPI_OK)
        return st;
    for (int i = 1; i < 3; i++) {
        int64_t f, e;
        st = i == 1 ? skpi_period_previous(t, from, to, &f, &e)
                    : skpi_period_year_earlier(t, from, to, &f, &e);
        if (st == SKPI_ETIME) {
            st = SKPI_OK; /* before 1970: there is no such period */
            continue;
        }
        if (st != SKPI_OK) {
            *failed = i == 1 ? "skpi_period_previous" : "skpi_period_year_earlier";
            return st;
        }
        if ((st = period_init(t, &pd[i], f, e, failed)) != SKPI_OK)
            return st;
    }
    for (int i = 0; i < 3 && st == SKPI_OK; i++) {
        if (!pd[i].have)
            continue;
        st = skpi_report_new(t, pd[i].from, pd[i].to, platforms, n_platforms, &r[i]);
        if (st != SKPI_OK)
            *failed = "skpi_report_new";
        else
            st = headline_read(r[i], &h[i], failed);
    }

    if (st == SKPI_OK)
        st = text_header(out, t, &v, title, name, &pd[0], failed);
    if (st == SKPI_OK)
        st = text_messages(out, t, &v, r[0], failed);
    if (st == SKPI_OK)
        st = text_responses(out, t, r[0], failed);
    if (st == SKPI_OK)
        st = text_response_time(out, t, r[0], failed);
    if (st == SKPI_OK)
        st = text_satisfaction(out, t, r[0], failed);
    if (st == SKPI_OK)
        st = text_engagement(out, t, &v, r[0], failed);
    if (st == SKPI_OK)
        st = text_followers(out, t, &v, r[0], failed);
    if (st == SKPI_OK)
        st = text_people(out, t, &v, r[0], failed);
    if (st == SKPI_OK)
        text_change(out, pd, h);

    for (int i = 0; i < 3; i++)
        skpi_report_free(r[i]);
    return st;
}


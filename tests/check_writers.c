/*
 * check_writers.c -- the OpenMetrics / Prometheus and CSV report writers:
 * exact bytes for small known trackers, label escaping, sorting, NaN left
 * out, flags and errors, and the histogram's invariants on random trackers
 * checked against counts made here from the generated events.
 *
 * `check_writers --print openmetrics|prometheus|csv` prints the report of a
 * fixed rich tracker and exits, for tests/test-openmetrics.sh to feed to
 * promtool and the Python parsers.
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"

/* ===================================================================== */
/* Helpers                                                               */
/* ===================================================================== */

/* A status check usable outside a test too (the --print mode). */
#define MUST(call, want)                                                    \
    do {                                                                    \
        skpi_status st_ = (call);                                           \
        if (st_ != (want)) {                                                \
            fprintf(stderr, "%s:%d: %s gave %s\n", __FILE__, __LINE__,      \
                    #call, skpi_status_name(st_));                          \
            abort();                                                        \
        }                                                                   \
    } while (0)

static int64_t time_of(const char *iso)
{
    int64_t v = 0;
    MUST(skpi_time_parse(iso, &v), SKPI_OK);
    return v;
}

static skpi_tracker *new_tracker(const char *zone, int bucket,
                                 const int64_t *sla, size_t n_sla)
{
    skpi_options *o = NULL;
    skpi_tracker *t = NULL;
    MUST(skpi_options_new(&o), SKPI_OK);
    MUST(skpi_options_set_zone(o, zone), SKPI_OK);
    MUST(skpi_options_set_bucket(o, bucket), SKPI_OK);
    if (sla != NULL)
        MUST(skpi_options_set_sla(o, sla, n_sla), SKPI_OK);
    MUST(skpi_tracker_new(o, &t), SKPI_OK);
    skpi_options_free(o);
    return t;
}

static char *openmetrics(const skpi_tracker *t, int64_t from, int64_t to,
                         const uint32_t *platforms, size_t n, unsigned flags)
{
    char *out = NULL;
    size_t len = 0;
    MUST(skpi_report_openmetrics(t, from, to, platforms, n, flags, &out, &len),
         SKPI_OK);
    ck_assert_uint_eq(len, strlen(out));
    return out;
}

/* Lines of an expected text, joined (a single literal this long is more
 * than C99 promises to compile).  Free with free(). */
static char *joined(const char *const *lines)
{
    size_t n = 1;
    for (size_t i = 0; lines[i] != NULL; i++)
        n += strlen(lines[i]);
    char *s = malloc(n), *p = s;
    ck_assert_ptr_nonnull(s);
    for (size_t i = 0; lines[i] != NULL; i++) {
        size_t k = strlen(lines[i]);
        memcpy(p, lines[i], k);
        p += k;
    }
    *p = '\0';
    return s;
}

/*
 * Assert that two texts are equal, naming the first line that differs
 * (Check cannot carry a whole report in its failure message).
 */
static void assert_text_eq(const char *got, const char *const *want_lines)
{
    char *want = joined(want_lines);
    size_t line = 1;
    const char *g = got, *w = want;
    while (*g != '\0' && *g == *w) {
        line += *g == '\n';
        g++;
        w++;
    }
    if (*g == *w) {
        free(want);
        return;
    }
    while (g > got && g[-1] != '\n') {
        g--;
        w--;
    }
    int gl = (int)strcspn(g, "\n"), wl = (int)strcspn(w, "\n");
    ck_abort_msg("line %zu differs:\n got: %.*s\nwant: %.*s", line,
                 gl > 300 ? 300 : gl, g, wl > 300 ? 300 : wl, w);
}

/*
 * The value of the sample line that starts with `series` followed by a
 * space, or -1 when there is none; fails the test if it appears twice.
 */
static long long sample_value(const char *text, const char *series)
{
    size_t n = strlen(series);
    long long v = -1;
    int seen = 0;
    for (const char *line = text; *line != '\0';) {
        const char *eol = strchr(line, '\n');
        if (strncmp(line, series, n) == 0 && line[n] == ' ') {
            v = strtoll(line + n + 1, NULL, 10);
            seen++;
        }
        if (eol == NULL)
            break;
        line = eol + 1;
    }
    ck_assert_int_le(seen, 1);
    return v;
}

/* ===================================================================== */
/* A small known tracker                                                 */
/* ===================================================================== */

static skpi_tracker *t;
static int64_t day0, day1;

/*
 * UTC, day buckets, default SLA targets (3600 s, 86400 s).  On 2024-03-10:
 * twitter gets four general inquiries, three answered after 600 s, 5,000 s
 * and 90,000 s, one waiting; a "thanks" answered after 30 s (not expected,
 * so not in the histogram); a rating 5, ten likes, two posts, 100
 * followers.  facebook gets a "thanks" (nothing expected, so no response
 * ratio) and a rating 2; instagram nothing.
 */
static void setup(void)
{
    t = new_tracker("Z", SKPI_BUCKET_DAY, NULL, 0);
    day0 = time_of("2024-03-10T00:00:00Z");
    day1 = time_of("2024-03-11T00:00:00Z");
    int64_t ten = time_of("2024-03-10T10:00:00Z");
    for (int i = 0; i < 4; i++)
        MUST(skpi_record_message(t, 0, SKPI_CATEGORY_GENERAL_INQUIRY, ten), SKPI_OK);
    MUST(skpi_record_response(t, 0, SKPI_CATEGORY_GENERAL_INQUIRY, ten, ten + 600), SKPI_OK);
    MUST(skpi_record_response(t, 0, SKPI_CATEGORY_GENERAL_INQUIRY, ten, ten + 5000), SKPI_OK);
    MUST(skpi_record_response(t, 0, SKPI_CATEGORY_GENERAL_INQUIRY, ten, ten + 90000), SKPI_OK);
    MUST(skpi_record_message(t, 0, SKPI_CATEGORY_THANKS, ten), SKPI_OK);
    MUST(skpi_record_response(t, 0, SKPI_CATEGORY_THANKS, ten, ten + 30), SKPI_OK);
    MUST(skpi_record_rating(t, 0, ten, 5), SKPI_OK);
    MUST(skpi_record_engagement(t, 0, SKPI_KIND_LIKE, ten, 10), SKPI_OK);
    MUST(skpi_record_posts(t, 0, ten, 2), SKPI_OK);
    MUST(skpi_record_followers(t, 0, ten, 100), SKPI_OK);
    MUST(skpi_record_message(t, 1, SKPI_CATEGORY_THANKS, ten), SKPI_OK);
    MUST(skpi_record_rating(t, 1, ten, 2), SKPI_OK);
}

static void teardown(void)
{
    skpi_tracker_free(t);
    t = NULL;
}

/* twitter and facebook, in that (unsorted) order. */
static const uint32_t two_platforms[] = {0, 1};

static const char *const expected_openmetrics[] = {
    "# HELP socialkpi_anomalies Events refused but counted in the range, by platform and kind.\n",
    "# TYPE socialkpi_anomalies counter\n",
    "socialkpi_anomalies_total{platform=\"facebook\",kind=\"duplicate_messages\"} 0\n",
    "socialkpi_anomalies_total{platform=\"facebook\",kind=\"early_replies\"} 0\n",
    "socialkpi_anomalies_total{platform=\"facebook\",kind=\"forgotten_messages\"} 0\n",
    "socialkpi_anomalies_total{platform=\"facebook\",kind=\"later_replies\"} 0\n",
    "socialkpi_anomalies_total{platform=\"facebook\",kind=\"unmatched_replies\"} 0\n",
    "socialkpi_anomalies_total{platform=\"twitter\",kind=\"duplicate_messages\"} 0\n",
    "socialkpi_anomalies_total{platform=\"twitter\",kind=\"early_replies\"} 0\n",
    "socialkpi_anomalies_total{platform=\"twitter\",kind=\"forgotten_messages\"} 0\n",
    "socialkpi_anomalies_total{platform=\"twitter\",kind=\"later_replies\"} 0\n",
    "socialkpi_anomalies_total{platform=\"twitter\",kind=\"unmatched_replies\"} 0\n",
    "# HELP socialkpi_answered_messages Messages that arrived in the range and got a first reply, by platform and category.\n",
    "# TYPE socialkpi_answered_messages counter\n",
    "socialkpi_answered_messages_total{platform=\"facebook\",category=\"criminal_inquiry\"} 0\n",
    "socialkpi_answered_messages_total{platform=\"facebook\",category=\"general_complaint\"} 0\n",
    "socialkpi_answered_messages_total{platform=\"facebook\",category=\"general_inquiry\"} 0\n",
    "socialkpi_answered_messages_total{platform=\"facebook\",category=\"help_request\"} 0\n",
    "socialkpi_answered_messages_total{platform=\"facebook\",category=\"service_complaint\"} 0\n",
    "socialkpi_answered_messages_total{platform=\"facebook\",category=\"thanks\"} 0\n",
    "socialkpi_answered_messages_total{platform=\"facebook\",category=\"traffic_inquiry\"} 0\n",
    "socialkpi_answered_messages_total{platform=\"twitter\",category=\"criminal_inquiry\"} 0\n",
    "socialkpi_answered_messages_total{platform=\"twitter\",category=\"general_complaint\"} 0\n",
    "socialkpi_answered_messages_total{platform=\"twitter\",category=\"general_inquiry\"} 3\n",
    "socialkpi_answered_messages_total{platform=\"twitter\",category=\"help_request\"} 0\n",
    "socialkpi_answered_messages_total{platform=\"twitter\",category=\"service_complaint\"} 0\n",
    "socialkpi_answered_messages_total{platform=\"twitter\",category=\"thanks\"} 1\n",
    "socialkpi_answered_messages_total{platform=\"twitter\",category=\"traffic_inquiry\"} 0\n",
    "# HELP socialkpi_backlog_messages Messages expecting an answer and waiting at the end of the range, by platform and category.\n",
    "# TYPE socialkpi_backlog_messages gauge\n",
    "socialkpi_backlog_messages{platform=\"facebook\",category=\"criminal_inquiry\"} 0\n",
    "socialkpi_backlog_messages{platform=\"facebook\",category=\"general_complaint\"} 0\n",
    "socialkpi_backlog_messages{platform=\"facebook\",category=\"general_inquiry\"} 0\n",
    "socialkpi_backlog_messages{platform=\"facebook\",category=\"help_request\"} 0\n",
    "socialkpi_backlog_messages{platform=\"facebook\",category=\"service_complaint\"} 0\n",
    "socialkpi_backlog_messages{platform=\"facebook\",category=\"traffic_inquiry\"} 0\n",
    "socialkpi_backlog_messages{platform=\"twitter\",category=\"criminal_inquiry\"} 0\n",
    "socialkpi_backlog_messages{platform=\"twitter\",category=\"general_complaint\"} 0\n",
    "socialkpi_backlog_messages{platform=\"twitter\",category=\"general_inquiry\"} 2\n",
    "socialkpi_backlog_messages{platform=\"twitter\",category=\"help_request\"} 0\n",
    "socialkpi_backlog_messages{platform=\"twitter\",category=\"service_complaint\"} 0\n",
    "socialkpi_backlog_messages{platform=\"twitter\",category=\"traffic_inquiry\"} 0\n",
    "# HELP socialkpi_backlog_oldest_age_seconds Age at the end of the range of the oldest waiting message, from the start of its bucket; 0 when none waits.\n",
    "# TYPE socialkpi_backlog_oldest_age_seconds gauge\n",
    "# UNIT socialkpi_backlog_oldest_age_seconds seconds\n",
    "socialkpi_backlog_oldest_age_seconds{platform=\"facebook\"} 0\n",
    "socialkpi_backlog_oldest_age_seconds{platform=\"twitter\"} 86400\n",
    "# HELP socialkpi_category Message categories: group, whether they expect an answer, display label.\n",
    "# TYPE socialkpi_category info\n",
    "socialkpi_category_info{category=\"criminal_inquiry\",group=\"inquiry\",expects_answer=\"true\",label=\"Criminal inquiries\"} 1\n",
    "socialkpi_category_info{category=\"general_complaint\",group=\"complaint\",expects_answer=\"true\",label=\"General complaints\"} 1\n",
    "socialkpi_category_info{category=\"general_inquiry\",group=\"inquiry\",expects_answer=\"true\",label=\"General inquiries\"} 1\n",
    "socialkpi_category_info{category=\"help_request\",group=\"inquiry\",expects_answer=\"true\",label=\"Help requests\"} 1\n",
    "socialkpi_category_info{category=\"service_complaint\",group=\"complaint\",expects_answer=\"true\",label=\"Service complaints\"} 1\n",
    "socialkpi_category_info{category=\"thanks\",group=\"appreciation\",expects_answer=\"false\",label=\"Thanks\"} 1\n",
    "socialkpi_category_info{category=\"traffic_inquiry\",group=\"inquiry\",expects_answer=\"true\",label=\"Traffic inquiries\"} 1\n",
    "# HELP socialkpi_csat_ratio Satisfied ratings over all ratings in the range; absent without ratings.\n",
    "# TYPE socialkpi_csat_ratio gauge\n",
    "# UNIT socialkpi_csat_ratio ratio\n",
    "socialkpi_csat_ratio{platform=\"facebook\"} 0\n",
    "socialkpi_csat_ratio{platform=\"twitter\"} 1\n",
    "# HELP socialkpi_engagements Engagements with the desk's posts in the range, by platform and kind.\n",
    "# TYPE socialkpi_engagements counter\n",
    "socialkpi_engagements_total{platform=\"facebook\",kind=\"comment\"} 0\n",
    "socialkpi_engagements_total{platform=\"facebook\",kind=\"like\"} 0\n",
    "socialkpi_engagements_total{platform=\"facebook\",kind=\"share\"} 0\n",
    "socialkpi_engagements_total{platform=\"twitter\",kind=\"comment\"} 0\n",
    "socialkpi_engagements_total{platform=\"twitter\",kind=\"like\"} 10\n",
    "socialkpi_engagements_total{platform=\"twitter\",kind=\"share\"} 0\n",
    "# HELP socialkpi_expected_messages Messages of categories that expect an answer, arrived in the range: the response ratio's denominator.\n",
    "# TYPE socialkpi_expected_messages counter\n",
    "socialkpi_expected_messages_total{platform=\"facebook\"} 0\n",
    "socialkpi_expected_messages_total{platform=\"twitter\"} 4\n",
    "# HELP socialkpi_first_response_seconds Time from message to first reply, for answered messages of categories that expect an answer; buckets are the SLA targets.\n",
    "# TYPE socialkpi_first_response_seconds histogram\n",
    "# UNIT socialkpi_first_response_seconds seconds\n",
    "socialkpi_first_response_seconds_bucket{platform=\"facebook\",le=\"3600.0\"} 0\n",
    "socialkpi_first_response_seconds_bucket{platform=\"facebook\",le=\"86400.0\"} 0\n",
    "socialkpi_first_response_seconds_bucket{platform=\"facebook\",le=\"+Inf\"} 0\n",
    "socialkpi_first_response_seconds_count{platform=\"facebook\"} 0\n",
    "socialkpi_first_response_seconds_sum{platform=\"facebook\"} 0\n",
    "socialkpi_first_response_seconds_bucket{platform=\"twitter\",le=\"3600.0\"} 1\n",
    "socialkpi_first_response_seconds_bucket{platform=\"twitter\",le=\"86400.0\"} 2\n",
    "socialkpi_first_response_seconds_bucket{platform=\"twitter\",le=\"+Inf\"} 3\n",
    "socialkpi_first_response_seconds_count{platform=\"twitter\"} 3\n",
    "socialkpi_first_response_seconds_sum{platform=\"twitter\"} 95600\n",
    "# HELP socialkpi_followers Follower tally at the end of the range (the latest reading in it); absent without a reading.\n",
    "# TYPE socialkpi_followers gauge\n",
    "socialkpi_followers{platform=\"twitter\"} 100\n",
    "# HELP socialkpi_messages Messages received in the range, by platform, group and category.\n",
    "# TYPE socialkpi_messages counter\n",
    "socialkpi_messages_total{platform=\"facebook\",group=\"appreciation\",category=\"thanks\"} 1\n",
    "socialkpi_messages_total{platform=\"facebook\",group=\"complaint\",category=\"general_complaint\"} 0\n",
    "socialkpi_messages_total{platform=\"facebook\",group=\"complaint\",category=\"service_complaint\"} 0\n",
    "socialkpi_messages_total{platform=\"facebook\",group=\"inquiry\",category=\"criminal_inquiry\"} 0\n",
    "socialkpi_messages_total{platform=\"facebook\",group=\"inquiry\",category=\"general_inquiry\"} 0\n",
    "socialkpi_messages_total{platform=\"facebook\",group=\"inquiry\",category=\"help_request\"} 0\n",
    "socialkpi_messages_total{platform=\"facebook\",group=\"inquiry\",category=\"traffic_inquiry\"} 0\n",
    "socialkpi_messages_total{platform=\"twitter\",group=\"appreciation\",category=\"thanks\"} 1\n",
    "socialkpi_messages_total{platform=\"twitter\",group=\"complaint\",category=\"general_complaint\"} 0\n",
    "socialkpi_messages_total{platform=\"twitter\",group=\"complaint\",category=\"service_complaint\"} 0\n",
    "socialkpi_messages_total{platform=\"twitter\",group=\"inquiry\",category=\"criminal_inquiry\"} 0\n",
    "socialkpi_messages_total{platform=\"twitter\",group=\"inquiry\",category=\"general_inquiry\"} 4\n",
    "socialkpi_messages_total{platform=\"twitter\",group=\"inquiry\",category=\"help_request\"} 0\n",
    "socialkpi_messages_total{platform=\"twitter\",group=\"inquiry\",category=\"traffic_inquiry\"} 0\n",
    "# HELP socialkpi_platform Platforms in the report, with their display label.\n",
    "# TYPE socialkpi_platform info\n",
    "socialkpi_platform_info{platform=\"facebook\",label=\"Facebook\"} 1\n",
    "socialkpi_platform_info{platform=\"twitter\",label=\"X / Twitter\"} 1\n",
    "# HELP socialkpi_posts Posts the desk published in the range, by platform.\n",
    "# TYPE socialkpi_posts counter\n",
    "socialkpi_posts_total{platform=\"facebook\"} 0\n",
    "socialkpi_posts_total{platform=\"twitter\"} 2\n",
    "# HELP socialkpi_range_end_seconds End of the report's range (exclusive), Unix time.\n",
    "# TYPE socialkpi_range_end_seconds gauge\n",
    "# UNIT socialkpi_range_end_seconds seconds\n",
    "socialkpi_range_end_seconds 1710115200\n",
    "# HELP socialkpi_range_start_seconds Start of the report's range, Unix time.\n",
    "# TYPE socialkpi_range_start_seconds gauge\n",
    "# UNIT socialkpi_range_start_seconds seconds\n",
    "socialkpi_range_start_seconds 1710028800\n",
    "# HELP socialkpi_ratings Satisfaction ratings given in the range, by platform and score.\n",
    "# TYPE socialkpi_ratings counter\n",
    "socialkpi_ratings_total{platform=\"facebook\",score=\"1\"} 0\n",
    "socialkpi_ratings_total{platform=\"facebook\",score=\"2\"} 1\n",
    "socialkpi_ratings_total{platform=\"facebook\",score=\"3\"} 0\n",
    "socialkpi_ratings_total{platform=\"facebook\",score=\"4\"} 0\n",
    "socialkpi_ratings_total{platform=\"facebook\",score=\"5\"} 0\n",
    "socialkpi_ratings_total{platform=\"twitter\",score=\"1\"} 0\n",
    "socialkpi_ratings_total{platform=\"twitter\",score=\"2\"} 0\n",
    "socialkpi_ratings_total{platform=\"twitter\",score=\"3\"} 0\n",
    "socialkpi_ratings_total{platform=\"twitter\",score=\"4\"} 0\n",
    "socialkpi_ratings_total{platform=\"twitter\",score=\"5\"} 1\n",
    "# HELP socialkpi_report The tracker's bucket width and time zone.\n",
    "# TYPE socialkpi_report info\n",
    "socialkpi_report_info{bucket=\"day\",zone=\"Z\"} 1\n",
    "# HELP socialkpi_response_ratio Answered over expected messages of the range; absent when none was expected.\n",
    "# TYPE socialkpi_response_ratio gauge\n",
    "# UNIT socialkpi_response_ratio ratio\n",
    "socialkpi_response_ratio{platform=\"twitter\"} 0.75\n",
    "# HELP socialkpi_satisfied_ratings Ratings at or above the satisfied threshold in the range: the CSAT ratio's numerator.\n",
    "# TYPE socialkpi_satisfied_ratings counter\n",
    "socialkpi_satisfied_ratings_total{platform=\"facebook\"} 0\n",
    "socialkpi_satisfied_ratings_total{platform=\"twitter\"} 1\n",
    "# EOF\n",
    NULL};

static const char *const expected_prometheus[] = {
    "# HELP socialkpi_anomalies_total Events refused but counted in the range, by platform and kind.\n",
    "# TYPE socialkpi_anomalies_total counter\n",
    "socialkpi_anomalies_total{platform=\"facebook\",kind=\"duplicate_messages\"} 0\n",
    "socialkpi_anomalies_total{platform=\"facebook\",kind=\"early_replies\"} 0\n",
    "socialkpi_anomalies_total{platform=\"facebook\",kind=\"forgotten_messages\"} 0\n",
    "socialkpi_anomalies_total{platform=\"facebook\",kind=\"later_replies\"} 0\n",
    "socialkpi_anomalies_total{platform=\"facebook\",kind=\"unmatched_replies\"} 0\n",
    "socialkpi_anomalies_total{platform=\"twitter\",kind=\"duplicate_messages\"} 0\n",
    "socialkpi_anomalies_total{platform=\"twitter\",kind=\"early_replies\"} 0\n",
    "socialkpi_anomalies_total{platform=\"twitter\",kind=\"forgotten_messages\"} 0\n",
    "socialkpi_anomalies_total{platform=\"twitter\",kind=\"later_replies\"} 0\n",
    "socialkpi_anomalies_total{platform=\"twitter\",kind=\"unmatched_replies\"} 0\n",
    "# HELP socialkpi_answered_messages_total Messages that arrived in the range and got a first reply, by platform and category.\n",
    "# TYPE socialkpi_answered_messages_total counter\n",
    "socialkpi_answered_messages_total{platform=\"facebook\",category=\"criminal_inquiry\"} 0\n",
    "socialkpi_answered_messages_total{platform=\"facebook\",category=\"general_complaint\"} 0\n",
    "socialkpi_answered_messages_total{platform=\"facebook\",category=\"general_inquiry\"} 0\n",
    "socialkpi_answered_messages_total{platform=\"facebook\",category=\"help_request\"} 0\n",
    "socialkpi_answered_messages_total{platform=\"facebook\",category=\"service_complaint\"} 0\n",
    "socialkpi_answered_messages_total{platform=\"facebook\",category=\"thanks\"} 0\n",
    "socialkpi_answered_messages_total{platform=\"facebook\",category=\"traffic_inquiry\"} 0\n",
    "socialkpi_answered_messages_total{platform=\"twitter\",category=\"criminal_inquiry\"} 0\n",
    "socialkpi_answered_messages_total{platform=\"twitter\",category=\"general_complaint\"} 0\n",
    "socialkpi_answered_messages_total{platform=\"twitter\",category=\"general_inquiry\"} 3\n",
    "socialkpi_answered_messages_total{platform=\"twitter\",category=\"help_request\"} 0\n",
    "socialkpi_answered_messages_total{platform=\"twitter\",category=\"service_complaint\"} 0\n",
    "socialkpi_answered_messages_total{platform=\"twitter\",category=\"thanks\"} 1\n",
    "socialkpi_answered_messages_total{platform=\"twitter\",category=\"traffic_inquiry\"} 0\n",
    "# HELP socialkpi_backlog_messages Messages expecting an answer and waiting at the end of the range, by platform and category.\n",
    "# TYPE socialkpi_backlog_messages gauge\n",
    "socialkpi_backlog_messages{platform=\"facebook\",category=\"criminal_inquiry\"} 0\n",
    "socialkpi_backlog_messages{platform=\"facebook\",category=\"general_complaint\"} 0\n",
    "socialkpi_backlog_messages{platform=\"facebook\",category=\"general_inquiry\"} 0\n",
    "socialkpi_backlog_messages{platform=\"facebook\",category=\"help_request\"} 0\n",
    "socialkpi_backlog_messages{platform=\"facebook\",category=\"service_complaint\"} 0\n",
    "socialkpi_backlog_messages{platform=\"facebook\",category=\"traffic_inquiry\"} 0\n",
    "socialkpi_backlog_messages{platform=\"twitter\",category=\"criminal_inquiry\"} 0\n",
    "socialkpi_backlog_messages{platform=\"twitter\",category=\"general_complaint\"} 0\n",
    "socialkpi_backlog_messages{platform=\"twitter\",category=\"general_inquiry\"} 2\n",
    "socialkpi_backlog_messages{platform=\"twitter\",category=\"help_request\"} 0\n",
    "socialkpi_backlog_messages{platform=\"twitter\",category=\"service_complaint\"} 0\n",
    "socialkpi_backlog_messages{platform=\"twitter\",category=\"traffic_inquiry\"} 0\n",
    "# HELP socialkpi_backlog_oldest_age_seconds Age at the end of the range of the oldest waiting message, from the start of its bucket; 0 when none waits.\n",
    "# TYPE socialkpi_backlog_oldest_age_seconds gauge\n",
    "socialkpi_backlog_oldest_age_seconds{platform=\"facebook\"} 0\n",
    "socialkpi_backlog_oldest_age_seconds{platform=\"twitter\"} 86400\n",
    "# HELP socialkpi_category_info Message categories: group, whether they expect an answer, display label.\n",
    "# TYPE socialkpi_category_info gauge\n",
    "socialkpi_category_info{category=\"criminal_inquiry\",group=\"inquiry\",expects_answer=\"true\",label=\"Criminal inquiries\"} 1\n",
    "socialkpi_category_info{category=\"general_complaint\",group=\"complaint\",expects_answer=\"true\",label=\"General complaints\"} 1\n",
    "socialkpi_category_info{category=\"general_inquiry\",group=\"inquiry\",expects_answer=\"true\",label=\"General inquiries\"} 1\n",
    "socialkpi_category_info{category=\"help_request\",group=\"inquiry\",expects_answer=\"true\",label=\"Help requests\"} 1\n",
    "socialkpi_category_info{category=\"service_complaint\",group=\"complaint\",expects_answer=\"true\",label=\"Service complaints\"} 1\n",
    "socialkpi_category_info{category=\"thanks\",group=\"appreciation\",expects_answer=\"false\",label=\"Thanks\"} 1\n",
    "socialkpi_category_info{category=\"traffic_inquiry\",group=\"inquiry\",expects_answer=\"true\",label=\"Traffic inquiries\"} 1\n",
    "# HELP socialkpi_csat_ratio Satisfied ratings over all ratings in the range; absent without ratings.\n",
    "# TYPE socialkpi_csat_ratio gauge\n",
    "socialkpi_csat_ratio{platform=\"facebook\"} 0\n",
    "socialkpi_csat_ratio{platform=\"twitter\"} 1\n",
    "# HELP socialkpi_engagements_total Engagements with the desk's posts in the range, by platform and kind.\n",
    "# TYPE socialkpi_engagements_total counter\n",
    "socialkpi_engagements_total{platform=\"facebook\",kind=\"comment\"} 0\n",
    "socialkpi_engagements_total{platform=\"facebook\",kind=\"like\"} 0\n",
    "socialkpi_engagements_total{platform=\"facebook\",kind=\"share\"} 0\n",
    "socialkpi_engagements_total{platform=\"twitter\",kind=\"comment\"} 0\n",
    "socialkpi_engagements_total{platform=\"twitter\",kind=\"like\"} 10\n",
    "socialkpi_engagements_total{platform=\"twitter\",kind=\"share\"} 0\n",
    "# HELP socialkpi_expected_messages_total Messages of categories that expect an answer, arrived in the range: the response ratio's denominator.\n",
    "# TYPE socialkpi_expected_messages_total counter\n",
    "socialkpi_expected_messages_total{platform=\"facebook\"} 0\n",
    "socialkpi_expected_messages_total{platform=\"twitter\"} 4\n",
    "# HELP socialkpi_first_response_seconds Time from message to first reply, for answered messages of categories that expect an answer; buckets are the SLA targets.\n",
    "# TYPE socialkpi_first_response_seconds histogram\n",
    "socialkpi_first_response_seconds_bucket{platform=\"facebook\",le=\"3600\"} 0\n",
    "socialkpi_first_response_seconds_bucket{platform=\"facebook\",le=\"86400\"} 0\n",
    "socialkpi_first_response_seconds_bucket{platform=\"facebook\",le=\"+Inf\"} 0\n",
    "socialkpi_first_response_seconds_count{platform=\"facebook\"} 0\n",
    "socialkpi_first_response_seconds_sum{platform=\"facebook\"} 0\n",
    "socialkpi_first_response_seconds_bucket{platform=\"twitter\",le=\"3600\"} 1\n",
    "socialkpi_first_response_seconds_bucket{platform=\"twitter\",le=\"86400\"} 2\n",
    "socialkpi_first_response_seconds_bucket{platform=\"twitter\",le=\"+Inf\"} 3\n",
    "socialkpi_first_response_seconds_count{platform=\"twitter\"} 3\n",
    "socialkpi_first_response_seconds_sum{platform=\"twitter\"} 95600\n",
    "# HELP socialkpi_followers Follower tally at the end of the range (the latest reading in it); absent without a reading.\n",
    "# TYPE socialkpi_followers gauge\n",
    "socialkpi_followers{platform=\"twitter\"} 100\n",
    "# HELP socialkpi_messages_total Messages received in the range, by platform, group and category.\n",
    "# TYPE socialkpi_messages_total counter\n",
    "socialkpi_messages_total{platform=\"facebook\",group=\"appreciation\",category=\"thanks\"} 1\n",
    "socialkpi_messages_total{platform=\"facebook\",group=\"complaint\",category=\"general_complaint\"} 0\n",
    "socialkpi_messages_total{platform=\"facebook\",group=\"complaint\",category=\"service_complaint\"} 0\n",
    "socialkpi_messages_total{platform=\"facebook\",group=\"inquiry\",category=\"criminal_inquiry\"} 0\n",
    "socialkpi_messages_total{platform=\"facebook\",group=\"inquiry\",category=\"general_inquiry\"} 0\n",
    "socialkpi_messages_total{platform=\"facebook\",group=\"inquiry\",category=\"help_request\"} 0\n",
    "socialkpi_messages_total{platform=\"facebook\",group=\"inquiry\",category=\"traffic_inquiry\"} 0\n",
    "socialkpi_messages_total{platform=\"twitter\",group=\"appreciation\",category=\"thanks\"} 1\n",
    "socialkpi_messages_total{platform=\"twitter\",group=\"complaint\",category=\"general_complaint\"} 0\n",
    "socialkpi_messages_total{platform=\"twitter\",group=\"complaint\",category=\"service_complaint\"} 0\n",
    "socialkpi_messages_total{platform=\"twitter\",group=\"inquiry\",category=\"criminal_inquiry\"} 0\n",
    "socialkpi_messages_total{platform=\"twitter\",group=\"inquiry\",category=\"general_inquiry\"} 4\n",
    "socialkpi_messages_total{platform=\"twitter\",group=\"inquiry\",category=\"help_request\"} 0\n",
    "socialkpi_messages_total{platform=\"twitter\",group=\"inquiry\",category=\"traffic_inquiry\"} 0\n",
    "# HELP socialkpi_platform_info Platforms in the report, with their display label.\n",
    "# TYPE socialkpi_platform_info gauge\n",
    "socialkpi_platform_info{platform=\"facebook\",label=\"Facebook\"} 1\n",
    "socialkpi_platform_info{platform=\"twitter\",label=\"X / Twitter\"} 1\n",
    "# HELP socialkpi_posts_total Posts the desk published in the range, by platform.\n",
    "# TYPE socialkpi_posts_total counter\n",
    "socialkpi_posts_total{platform=\"facebook\"} 0\n",
    "socialkpi_posts_total{platform=\"twitter\"} 2\n",
    "# HELP socialkpi_range_end_seconds End of the report's range (exclusive), Unix time.\n",
    "# TYPE socialkpi_range_end_seconds gauge\n",
    "socialkpi_range_end_seconds 1710115200\n",
    "# HELP socialkpi_range_start_seconds Start of the report's range, Unix time.\n",
    "# TYPE socialkpi_range_start_seconds gauge\n",
    "socialkpi_range_start_seconds 1710028800\n",
    "# HELP socialkpi_ratings_total Satisfaction ratings given in the range, by platform and score.\n",
    "# TYPE socialkpi_ratings_total counter\n",
    "socialkpi_ratings_total{platform=\"facebook\",score=\"1\"} 0\n",
    "socialkpi_ratings_total{platform=\"facebook\",score=\"2\"} 1\n",
    "socialkpi_ratings_total{platform=\"facebook\",score=\"3\"} 0\n",
    "socialkpi_ratings_total{platform=\"facebook\",score=\"4\"} 0\n",
    "socialkpi_ratings_total{platform=\"facebook\",score=\"5\"} 0\n",
    "socialkpi_ratings_total{platform=\"twitter\",score=\"1\"} 0\n",
    "socialkpi_ratings_total{platform=\"twitter\",score=\"2\"} 0\n",
    "socialkpi_ratings_total{platform=\"twitter\",score=\"3\"} 0\n",
    "socialkpi_ratings_total{platform=\"twitter\",score=\"4\"} 0\n",
    "socialkpi_ratings_total{platform=\"twitter\",score=\"5\"} 1\n",
    "# HELP socialkpi_report_info The tracker's bucket width and time zone.\n",
    "# TYPE socialkpi_report_info gauge\n",
    "socialkpi_report_info{bucket=\"day\",zone=\"Z\"} 1\n",
    "# HELP socialkpi_response_ratio Answered over expected messages of the range; absent when none was expected.\n",
    "# TYPE socialkpi_response_ratio gauge\n",
    "socialkpi_response_ratio{platform=\"twitter\"} 0.75\n",
    "# HELP socialkpi_satisfied_ratings_total Ratings at or above the satisfied threshold in the range: the CSAT ratio's numerator.\n",
    "# TYPE socialkpi_satisfied_ratings_total counter\n",
    "socialkpi_satisfied_ratings_total{platform=\"facebook\"} 0\n",
    "socialkpi_satisfied_ratings_total{platform=\"twitter\"} 1\n",
    NULL};

START_TEST(test_openmetrics_exact)
{
    char *om = openmetrics(t, day0, day1, two_platforms, 2, 0);
    assert_text_eq(om, expected_openmetrics);
    skpi_free(om);
}
END_TEST

START_TEST(test_prometheus_exact)
{
    char *prom = openmetrics(t, day0, day1, two_platforms, 2,
                             SKPI_OPENMETRICS_PROMETHEUS);
    assert_text_eq(prom, expected_prometheus);
    skpi_free(prom);
}
END_TEST

START_TEST(test_content_types)
{
    ck_assert_str_eq(SKPI_OPENMETRICS_CONTENT_TYPE,
                     "application/openmetrics-text; version=1.0.0; charset=utf-8");
    ck_assert_str_eq(SKPI_PROMETHEUS_CONTENT_TYPE,
                     "text/plain; version=0.0.4; charset=utf-8");
}
END_TEST

START_TEST(test_nan_left_out)
{
    /* facebook expected nothing, instagram has no rating, no follower
     * reading and no ids: their rates, followers and people are absent,
     * and no NaN is written anywhere, in either format. */
    for (unsigned flags = 0; flags <= SKPI_OPENMETRICS_PROMETHEUS; flags++) {
        char *om = openmetrics(t, day0, day1, NULL, 0, flags);
        ck_assert_ptr_null(strstr(om, "NaN"));
        ck_assert_ptr_null(strstr(om, "nan"));
        ck_assert_ptr_null(strstr(om, "null"));
        ck_assert_int_eq(sample_value(om, "socialkpi_response_ratio{platform=\"facebook\"}"), -1);
        ck_assert_int_eq(sample_value(om, "socialkpi_response_ratio{platform=\"instagram\"}"), -1);
        ck_assert_ptr_nonnull(strstr(om, "\nsocialkpi_response_ratio{platform=\"twitter\"} 0.75\n"));
        ck_assert_int_eq(sample_value(om, "socialkpi_csat_ratio{platform=\"instagram\"}"), -1);
        ck_assert_ptr_nonnull(strstr(om, "\nsocialkpi_csat_ratio{platform=\"facebook\"} 0\n"));
        ck_assert_int_eq(sample_value(om, "socialkpi_followers{platform=\"facebook\"}"), -1);
        ck_assert_int_eq(sample_value(om, "socialkpi_followers{platform=\"twitter\"}"), 100);
        /* A family without any sample leaves no metadata either. */
        ck_assert_ptr_null(strstr(om, "socialkpi_people"));
        /* The denominators are there all the same. */
        ck_assert_int_eq(sample_value(om, "socialkpi_expected_messages_total{platform=\"facebook\"}"), 0);
        ck_assert_int_eq(sample_value(om, "socialkpi_ratings_total{platform=\"instagram\",score=\"5\"}"), 0);
        skpi_free(om);
    }
}
END_TEST

START_TEST(test_label_escaping)
{
    /* Labels are free UTF-8: backslash, quote and line feed are escaped,
     * everything else (Arabic included) is written as it is. */
    uint32_t id;
    ck_assert_status(skpi_category_add(t, "quoted", "Say \"hi\" \\ now\nplease",
                                       SKPI_GROUP_COMPLAINT, 1, &id), SKPI_OK);
    ck_assert_status(skpi_taxonomy_add(t, SKPI_PLATFORM, "whatsapp",
                                       "\xd9\x88\xd8\xa7\xd8\xaa\xd8\xb3\xd8\xa7\xd8\xa8 \\n", &id),
                     SKPI_OK);
    for (unsigned flags = 0; flags <= SKPI_OPENMETRICS_PROMETHEUS; flags++) {
        char *om = openmetrics(t, day0, day1, NULL, 0, flags);
        ck_assert_ptr_nonnull(strstr(om,
            "\nsocialkpi_category_info{category=\"quoted\",group=\"complaint\","
            "expects_answer=\"true\",label=\"Say \\\"hi\\\" \\\\ now\\nplease\"} 1\n"));
        ck_assert_ptr_nonnull(strstr(om,
            "\nsocialkpi_platform_info{platform=\"whatsapp\",label=\""
            "\xd9\x88\xd8\xa7\xd8\xaa\xd8\xb3\xd8\xa7\xd8\xa8 \\\\n\"} 1\n"));
        /* The new entries get series like the others. */
        ck_assert_int_eq(sample_value(om, "socialkpi_messages_total{platform=\"whatsapp\","
                                          "group=\"complaint\",category=\"quoted\"}"), 0);
        skpi_free(om);
    }
}
END_TEST

START_TEST(test_sorted_by_slug)
{
    /* Ids come in registration order; series come in slug order.  A rating
     * scale of 1..10 puts score "10" between "1" and "2" (byte order). */
    skpi_tracker_free(t);
    skpi_options *o = NULL;
    ck_assert_status(skpi_options_new(&o), SKPI_OK);
    ck_assert_status(skpi_options_set_rating_scale(o, 1, 10, 8), SKPI_OK);
    ck_assert_status(skpi_tracker_new(o, &t), SKPI_OK);
    skpi_options_free(o);
    uint32_t aaa;
    ck_assert_status(skpi_taxonomy_add(t, SKPI_PLATFORM, "aaa", NULL, &aaa), SKPI_OK);
    ck_assert_uint_eq(aaa, 3);
    ck_assert_status(skpi_taxonomy_add(t, SKPI_KIND, "bookmark", NULL, NULL), SKPI_OK);
    ck_assert_status(skpi_record_rating(t, aaa, day0, 10), SKPI_OK);
    const uint32_t only[] = {3};
    char *om = openmetrics(t, day0, day1, only, 1, 0);
    const char *want =
        "socialkpi_engagements_total{platform=\"aaa\",kind=\"bookmark\"} 0\n"
        "socialkpi_engagements_total{platform=\"aaa\",kind=\"comment\"} 0\n"
        "socialkpi_engagements_total{platform=\"aaa\",kind=\"like\"} 0\n"
        "socialkpi_engagements_total{platform=\"aaa\",kind=\"share\"} 0\n";
    ck_assert_ptr_nonnull(strstr(om, want));
    want = "socialkpi_ratings_total{platform=\"aaa\",score=\"1\"} 0\n"
           "socialkpi_ratings_total{platform=\"aaa\",score=\"10\"} 1\n"
           "socialkpi_ratings_total{platform=\"aaa\",score=\"2\"} 0\n";
    ck_assert_ptr_nonnull(strstr(om, want));
    skpi_free(om);
    /* All platforms: "aaa" (id 3) comes first. */
    om = openmetrics(t, day0, day1, NULL, 0, 0);
    ck_assert_ptr_nonnull(strstr(om, "# TYPE socialkpi_posts counter\n"
                                     "socialkpi_posts_total{platform=\"aaa\"} 0\n"
                                     "socialkpi_posts_total{platform=\"facebook\"} 0\n"
                                     "socialkpi_posts_total{platform=\"instagram\"} 0\n"
                                     "socialkpi_posts_total{platform=\"twitter\"} 0\n"));
    skpi_free(om);
}
END_TEST

START_TEST(test_locale_independent)
{
    static const char *const locales[] = {"C", "de_DE.UTF-8", "ps_AF.UTF-8"};
    for (size_t i = 0; i < sizeof locales / sizeof locales[0]; i++) {
        if (setlocale(LC_NUMERIC, locales[i]) == NULL) {
            fprintf(stderr, "note: locale %s not installed, skipped\n", locales[i]);
            continue;
        }
        char *om = NULL, *csv = NULL;
        skpi_status st1 = skpi_report_openmetrics(t, day0, day1, NULL, 0, 0, &om, NULL);
        skpi_status st2 = skpi_report_csv(t, day0, day1, NULL, 0, 0, &csv, NULL);
        setlocale(LC_NUMERIC, "C");
        ck_assert_status(st1, SKPI_OK);
        ck_assert_status(st2, SKPI_OK);
        ck_assert_ptr_nonnull(strstr(om, "\nsocialkpi_response_ratio{platform=\"twitter\"} 0.75\n"));
        ck_assert_ptr_nonnull(strstr(csv, ",4,4,3,0.75,"));
        skpi_free(om);
        skpi_free(csv);
    }
}
END_TEST

START_TEST(test_errors)
{
    typedef skpi_status (*writer)(const skpi_tracker *, int64_t, int64_t,
                                  const uint32_t *, size_t, unsigned, char **,
                                  size_t *);
    static const writer writers[] = {skpi_report_openmetrics, skpi_report_csv};
    static const unsigned bad_flags[] = {2u, 1u};
    for (size_t i = 0; i < 2; i++) {
        writer w = writers[i];
        char *out = (char *)"untouched";
        size_t len = 77;
        const uint32_t bad[] = {7};
        ck_assert_status(w(NULL, day0, day1, NULL, 0, 0, &out, &len), SKPI_EINVAL);
        ck_assert_status(w(t, day0, day1, NULL, 0, 0, NULL, &len), SKPI_EINVAL);
        ck_assert_status(w(t, day0, day1, NULL, 1, 0, &out, &len), SKPI_EINVAL);
        ck_assert_status(w(t, day0, day1, NULL, 0, bad_flags[i], &out, &len), SKPI_EOPTION);
        ck_assert_status(w(t, day0, day1, NULL, 0, 0x80000000u, &out, &len), SKPI_EOPTION);
        ck_assert_status(w(t, day1, day0, NULL, 0, 0, &out, &len), SKPI_ERANGE);
        ck_assert_status(w(t, day0, day0, NULL, 0, 0, &out, &len), SKPI_ERANGE);
        ck_assert_status(w(t, day0 + 1, day1, NULL, 0, 0, &out, &len), SKPI_EALIGN);
        ck_assert_status(w(t, day0, SKPI_TIME_MAX + 86400, NULL, 0, 0, &out, &len), SKPI_ETIME);
        ck_assert_status(w(t, day0, day1, bad, 1, 0, &out, &len), SKPI_ENOTFOUND);
        ck_assert_str_eq(out, "untouched");
        ck_assert_uint_eq(len, 77);
        /* len may be NULL. */
        ck_assert_status(w(t, day0, day1, NULL, 0, 0, &out, NULL), SKPI_OK);
        ck_assert_uint_gt(strlen(out), 0);
        skpi_free(out);
    }
}
END_TEST

/* skpi_report_openmetrics_into(): the same text in the caller's buffer;
 * too small a buffer gets nothing and learns the size it needs. */
START_TEST(test_openmetrics_into)
{
    for (unsigned flags = 0; flags <= SKPI_OPENMETRICS_PROMETHEUS; flags++) {
        char *want = NULL;
        size_t want_len = 0, len = 0;
        ck_assert_status(skpi_report_openmetrics(t, day0, day1, NULL, 0, flags,
                                                 &want, &want_len),
                         SKPI_OK);
        char *buf = malloc(want_len + 2);
        ck_assert_ptr_nonnull(buf);
        memset(buf, 'x', want_len + 2);
        /* One byte short of the NUL: refused, untouched, told the size. */
        ck_assert_status(skpi_report_openmetrics_into(t, day0, day1, NULL, 0, flags,
                                                      buf, want_len, &len),
                         SKPI_EBUFSIZE);
        ck_assert_uint_eq(len, want_len + 1);
        for (size_t i = 0; i < want_len + 2; i++)
            ck_assert_int_eq(buf[i], 'x');
        ck_assert_status(skpi_report_openmetrics_into(t, day0, day1, NULL, 0, flags,
                                                      NULL, 0, &len),
                         SKPI_EBUFSIZE);
        ck_assert_uint_eq(len, want_len + 1);
        /* Exactly enough. */
        len = 0;
        ck_assert_status(skpi_report_openmetrics_into(t, day0, day1, NULL, 0, flags,
                                                      buf, want_len + 1, &len),
                         SKPI_OK);
        ck_assert_uint_eq(len, want_len);
        ck_assert_mem_eq(buf, want, want_len + 1);
        ck_assert_int_eq(buf[want_len + 1], 'x');
        /* Errors of the writer pass through; NULL with a size is EINVAL. */
        ck_assert_status(skpi_report_openmetrics_into(t, day0, day1, NULL, 0, 4u, buf,
                                                      want_len + 1, NULL),
                         SKPI_EOPTION);
        ck_assert_status(skpi_report_openmetrics_into(t, day1, day0, NULL, 0, flags,
                                                      buf, want_len + 1, NULL),
                         SKPI_ERANGE);
        ck_assert_status(skpi_report_openmetrics_into(t, day0, day1, NULL, 0, flags,
                                                      NULL, 10, NULL),
                         SKPI_EINVAL);
        free(buf);
        skpi_free(want);
    }
}
END_TEST

/* ===================================================================== */
/* Histogram invariants on random trackers                               */
/* ===================================================================== */

/* A small deterministic generator (xorshift64*), so failures replay. */
static uint64_t rng_state;
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * UINT64_C(2685821657736338717);
}

START_TEST(test_histogram_random)
{
    enum { NP = 5, NSLA = 4 };
    static const int64_t sla[NSLA] = {60, 600, 3600, 86400};
    static const char *const slugs[NP] = {"twitter", "facebook", "instagram",
                                          "tiktok", "youtube"};
    rng_state = UINT64_C(0x9E3779B97F4A7C15) * (uint64_t)(_i + 1);
    skpi_tracker *tr = new_tracker("Europe/London", _i % 2, sla, NSLA);
    MUST(skpi_taxonomy_add(tr, SKPI_PLATFORM, "tiktok", NULL, NULL), SKPI_OK);
    MUST(skpi_taxonomy_add(tr, SKPI_PLATFORM, "youtube", NULL, NULL), SKPI_OK);
    uint32_t extra;
    MUST(skpi_category_add(tr, "praise", NULL, SKPI_GROUP_APPRECIATION, 0, &extra), SKPI_OK);
    int64_t from = time_of("2024-03-25T00:00:00Z");
    int64_t to = time_of("2024-04-02T00:00:00+01:00");
    /* Counted here: answered within each target, answered, sum, per
     * platform, for the categories that expect an answer only. */
    long long within[NP][NSLA] = {{0}}, answered[NP] = {0}, sum[NP] = {0};
    int n_events = 200 + (int)(rng() % 400);
    for (int e = 0; e < n_events; e++) {
        uint32_t p = (uint32_t)(rng() % NP);
        uint32_t c = (uint32_t)(rng() % 8); /* 6 thanks and 7 praise expect none */
        int64_t received = from + (int64_t)(rng() % (uint64_t)(to - from));
        MUST(skpi_record_message(tr, p, c, received), SKPI_OK);
        if (rng() % 5 == 0)
            continue; /* left waiting */
        /* Delays around and exactly on the targets (le is inclusive). */
        int64_t delay;
        switch (rng() % 4) {
        case 0: delay = sla[rng() % NSLA]; break;
        case 1: delay = sla[rng() % NSLA] + 1; break;
        case 2: delay = (int64_t)(rng() % 100); break;
        default: delay = (int64_t)(rng() % 200000); break;
        }
        MUST(skpi_record_response(tr, p, c, received, received + delay), SKPI_OK);
        if (c == SKPI_CATEGORY_THANKS || c == extra)
            continue;
        answered[p]++;
        sum[p] += delay;
        for (int k = 0; k < NSLA; k++)
            within[p][k] += delay <= sla[k];
    }
    for (unsigned flags = 0; flags <= SKPI_OPENMETRICS_PROMETHEUS; flags++) {
        char *om = openmetrics(tr, from, to, NULL, 0, flags);
        for (int p = 0; p < NP; p++) {
            char series[160];
            long long prev = 0;
            for (int k = 0; k < NSLA; k++) {
                snprintf(series, sizeof series,
                         "socialkpi_first_response_seconds_bucket{platform=\"%s\",le=\"%lld%s\"}",
                         slugs[p], (long long)sla[k], flags ? "" : ".0");
                long long v = sample_value(om, series);
                ck_assert_int_eq(v, within[p][k]);
                ck_assert_int_ge(v, prev); /* cumulative */
                prev = v;
            }
            snprintf(series, sizeof series,
                     "socialkpi_first_response_seconds_bucket{platform=\"%s\",le=\"+Inf\"}", slugs[p]);
            long long inf = sample_value(om, series);
            ck_assert_int_eq(inf, answered[p]);
            ck_assert_int_ge(inf, prev);
            snprintf(series, sizeof series,
                     "socialkpi_first_response_seconds_count{platform=\"%s\"}", slugs[p]);
            ck_assert_int_eq(sample_value(om, series), inf);
            snprintf(series, sizeof series,
                     "socialkpi_first_response_seconds_sum{platform=\"%s\"}", slugs[p]);
            ck_assert_int_eq(sample_value(om, series), sum[p]);
        }
        skpi_free(om);
    }
    skpi_tracker_free(tr);
}
END_TEST

/* ===================================================================== */
/* CSV                                                                   */
/* ===================================================================== */

static char *csv_of(const skpi_tracker *tr, int64_t from, int64_t to,
                    const uint32_t *platforms, size_t n)
{
    char *out = NULL;
    size_t len = 0;
    MUST(skpi_report_csv(tr, from, to, platforms, n, 0, &out, &len), SKPI_OK);
    ck_assert_uint_eq(len, strlen(out));
    return out;
}

static const char *const expected_csv_days[] = {
    "bucket_start,bucket_end,platform,platform_label,group,category,category_label,expects_answer,messages,expected,answered,response_rate,answered_within_3600s,answered_within_86400s,frt_n,frt_mean_s,frt_p50_s,frt_p90_s,frt_max_s,backlog,backlog_oldest_age_s,platform_posts,platform_engagements,platform_engagements_like,platform_engagements_share,platform_engagements_comment,platform_followers,platform_ratings,platform_satisfied\r\n",
    "2024-03-30T00:00:00Z,2024-03-31T00:00:00Z,twitter,X / Twitter,inquiry,general_inquiry,General inquiries,1,0,0,0,,0,0,0,,,,,0,0,1,7,7,0,0,1000,2,1\r\n",
    "2024-03-30T00:00:00Z,2024-03-31T00:00:00Z,twitter,X / Twitter,inquiry,help_request,Help requests,1,0,0,0,,0,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-03-30T00:00:00Z,2024-03-31T00:00:00Z,twitter,X / Twitter,inquiry,traffic_inquiry,Traffic inquiries,1,0,0,0,,0,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-03-30T00:00:00Z,2024-03-31T00:00:00Z,twitter,X / Twitter,inquiry,criminal_inquiry,Criminal inquiries,1,0,0,0,,0,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-03-30T00:00:00Z,2024-03-31T00:00:00Z,twitter,X / Twitter,complaint,service_complaint,Service complaints,1,2,2,1,0.5,1,1,1,120,120,120,120,1,86400,,,,,,,,\r\n",
    "2024-03-30T00:00:00Z,2024-03-31T00:00:00Z,twitter,X / Twitter,complaint,general_complaint,General complaints,1,0,0,0,,0,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-03-30T00:00:00Z,2024-03-31T00:00:00Z,twitter,X / Twitter,appreciation,thanks,Thanks,0,0,0,0,,0,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-03-30T00:00:00Z,2024-03-31T00:00:00Z,twitter,X / Twitter,complaint,odd,\"Odd, \"\"quoted\"\"\n",
    "label\",1,1,1,0,0,0,0,0,,,,,1,86400,,,,,,,,\r\n",
    "2024-03-31T00:00:00Z,2024-04-01T00:00:00+01:00,twitter,X / Twitter,inquiry,general_inquiry,General inquiries,1,1,1,1,1,0,1,1,7200,7200,7200,7200,0,0,0,50,0,50,0,,0,0\r\n",
    "2024-03-31T00:00:00Z,2024-04-01T00:00:00+01:00,twitter,X / Twitter,inquiry,help_request,Help requests,1,0,0,0,,0,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-03-31T00:00:00Z,2024-04-01T00:00:00+01:00,twitter,X / Twitter,inquiry,traffic_inquiry,Traffic inquiries,1,0,0,0,,0,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-03-31T00:00:00Z,2024-04-01T00:00:00+01:00,twitter,X / Twitter,inquiry,criminal_inquiry,Criminal inquiries,1,0,0,0,,0,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-03-31T00:00:00Z,2024-04-01T00:00:00+01:00,twitter,X / Twitter,complaint,service_complaint,Service complaints,1,0,0,0,,0,0,0,,,,,1,169200,,,,,,,,\r\n",
    "2024-03-31T00:00:00Z,2024-04-01T00:00:00+01:00,twitter,X / Twitter,complaint,general_complaint,General complaints,1,0,0,0,,0,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-03-31T00:00:00Z,2024-04-01T00:00:00+01:00,twitter,X / Twitter,appreciation,thanks,Thanks,0,0,0,0,,0,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-03-31T00:00:00Z,2024-04-01T00:00:00+01:00,twitter,X / Twitter,complaint,odd,\"Odd, \"\"quoted\"\"\n",
    "label\",1,0,0,0,,0,0,0,,,,,1,169200,,,,,,,,\r\n",
    NULL};

START_TEST(test_csv_days_across_dst)
{
    /* Europe/London springs forward on 2024-03-31: that day has 23 hours
     * and its end is written with the summer offset. */
    skpi_tracker *tr = new_tracker("Europe/London", SKPI_BUCKET_DAY, NULL, 0);
    uint32_t c;
    MUST(skpi_category_add(tr, "odd", "Odd, \"quoted\"\nlabel",
                           SKPI_GROUP_COMPLAINT, 1, &c), SKPI_OK);
    int64_t d30 = time_of("2024-03-30T00:00:00Z");
    int64_t d31 = time_of("2024-03-31T00:00:00Z");
    int64_t a01 = time_of("2024-04-01T00:00:00+01:00");
    /* Day one: two complaints, one answered in 120 s; one "odd" message
     * waiting; likes, posts, followers, ratings.  Day two: an inquiry
     * answered in 7,200 s, and 50 shares. */
    MUST(skpi_record_message(tr, 0, SKPI_CATEGORY_SERVICE_COMPLAINT, d30 + 3600), SKPI_OK);
    MUST(skpi_record_message(tr, 0, SKPI_CATEGORY_SERVICE_COMPLAINT, d30 + 7200), SKPI_OK);
    MUST(skpi_record_response(tr, 0, SKPI_CATEGORY_SERVICE_COMPLAINT, d30 + 3600, d30 + 3720), SKPI_OK);
    MUST(skpi_record_message(tr, 0, c, d30 + 60), SKPI_OK);
    MUST(skpi_record_engagement(tr, 0, SKPI_KIND_LIKE, d30 + 100, 7), SKPI_OK);
    MUST(skpi_record_posts(tr, 0, d30 + 100, 1), SKPI_OK);
    MUST(skpi_record_followers(tr, 0, d30 + 100, 1000), SKPI_OK);
    MUST(skpi_record_rating(tr, 0, d30 + 100, 4), SKPI_OK);
    MUST(skpi_record_rating(tr, 0, d30 + 100, 1), SKPI_OK);
    MUST(skpi_record_message(tr, 0, SKPI_CATEGORY_GENERAL_INQUIRY, d31 + 3600), SKPI_OK);
    MUST(skpi_record_response(tr, 0, SKPI_CATEGORY_GENERAL_INQUIRY, d31 + 3600, d31 + 10800), SKPI_OK);
    MUST(skpi_record_engagement(tr, 0, SKPI_KIND_SHARE, d31 + 100, 50), SKPI_OK);
    const uint32_t only[] = {0};
    char *csv = csv_of(tr, d30, a01, only, 1);
    assert_text_eq(csv, expected_csv_days);
    skpi_free(csv);
    skpi_tracker_free(tr);
}
END_TEST

static const char *const expected_csv_hours[] = {
    "bucket_start,bucket_end,platform,platform_label,group,category,category_label,expects_answer,messages,expected,answered,response_rate,answered_within_900s,frt_n,frt_mean_s,frt_p50_s,frt_p90_s,frt_max_s,backlog,backlog_oldest_age_s,platform_posts,platform_engagements,platform_engagements_like,platform_engagements_share,platform_engagements_comment,platform_followers,platform_ratings,platform_satisfied\r\n",
    "2024-06-01T09:00:00+05:30,2024-06-01T10:00:00+05:30,facebook,Facebook,inquiry,general_inquiry,General inquiries,1,0,0,0,,0,0,,,,,0,0,0,0,0,0,0,,0,0\r\n",
    "2024-06-01T09:00:00+05:30,2024-06-01T10:00:00+05:30,facebook,Facebook,inquiry,help_request,Help requests,1,2,2,2,1,1,2,2390,900,900,3880,1,3600,,,,,,,,\r\n",
    "2024-06-01T09:00:00+05:30,2024-06-01T10:00:00+05:30,facebook,Facebook,inquiry,traffic_inquiry,Traffic inquiries,1,0,0,0,,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-06-01T09:00:00+05:30,2024-06-01T10:00:00+05:30,facebook,Facebook,inquiry,criminal_inquiry,Criminal inquiries,1,0,0,0,,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-06-01T09:00:00+05:30,2024-06-01T10:00:00+05:30,facebook,Facebook,complaint,service_complaint,Service complaints,1,0,0,0,,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-06-01T09:00:00+05:30,2024-06-01T10:00:00+05:30,facebook,Facebook,complaint,general_complaint,General complaints,1,0,0,0,,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-06-01T09:00:00+05:30,2024-06-01T10:00:00+05:30,facebook,Facebook,appreciation,thanks,Thanks,0,0,0,0,,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-06-01T09:00:00+05:30,2024-06-01T10:00:00+05:30,instagram,Instagram,inquiry,general_inquiry,General inquiries,1,0,0,0,,0,0,,,,,0,0,0,0,0,0,0,,0,0\r\n",
    "2024-06-01T09:00:00+05:30,2024-06-01T10:00:00+05:30,instagram,Instagram,inquiry,help_request,Help requests,1,0,0,0,,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-06-01T09:00:00+05:30,2024-06-01T10:00:00+05:30,instagram,Instagram,inquiry,traffic_inquiry,Traffic inquiries,1,0,0,0,,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-06-01T09:00:00+05:30,2024-06-01T10:00:00+05:30,instagram,Instagram,inquiry,criminal_inquiry,Criminal inquiries,1,0,0,0,,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-06-01T09:00:00+05:30,2024-06-01T10:00:00+05:30,instagram,Instagram,complaint,service_complaint,Service complaints,1,0,0,0,,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-06-01T09:00:00+05:30,2024-06-01T10:00:00+05:30,instagram,Instagram,complaint,general_complaint,General complaints,1,0,0,0,,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-06-01T09:00:00+05:30,2024-06-01T10:00:00+05:30,instagram,Instagram,appreciation,thanks,Thanks,0,0,0,0,,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-06-01T10:00:00+05:30,2024-06-01T11:00:00+05:30,facebook,Facebook,inquiry,general_inquiry,General inquiries,1,0,0,0,,0,0,,,,,0,0,0,0,0,0,0,,0,0\r\n",
    "2024-06-01T10:00:00+05:30,2024-06-01T11:00:00+05:30,facebook,Facebook,inquiry,help_request,Help requests,1,0,0,0,,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-06-01T10:00:00+05:30,2024-06-01T11:00:00+05:30,facebook,Facebook,inquiry,traffic_inquiry,Traffic inquiries,1,0,0,0,,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-06-01T10:00:00+05:30,2024-06-01T11:00:00+05:30,facebook,Facebook,inquiry,criminal_inquiry,Criminal inquiries,1,0,0,0,,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-06-01T10:00:00+05:30,2024-06-01T11:00:00+05:30,facebook,Facebook,complaint,service_complaint,Service complaints,1,0,0,0,,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-06-01T10:00:00+05:30,2024-06-01T11:00:00+05:30,facebook,Facebook,complaint,general_complaint,General complaints,1,0,0,0,,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-06-01T10:00:00+05:30,2024-06-01T11:00:00+05:30,facebook,Facebook,appreciation,thanks,Thanks,0,0,0,0,,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-06-01T10:00:00+05:30,2024-06-01T11:00:00+05:30,instagram,Instagram,inquiry,general_inquiry,General inquiries,1,0,0,0,,0,0,,,,,0,0,0,0,0,0,0,55,0,0\r\n",
    "2024-06-01T10:00:00+05:30,2024-06-01T11:00:00+05:30,instagram,Instagram,inquiry,help_request,Help requests,1,0,0,0,,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-06-01T10:00:00+05:30,2024-06-01T11:00:00+05:30,instagram,Instagram,inquiry,traffic_inquiry,Traffic inquiries,1,0,0,0,,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-06-01T10:00:00+05:30,2024-06-01T11:00:00+05:30,instagram,Instagram,inquiry,criminal_inquiry,Criminal inquiries,1,0,0,0,,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-06-01T10:00:00+05:30,2024-06-01T11:00:00+05:30,instagram,Instagram,complaint,service_complaint,Service complaints,1,0,0,0,,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-06-01T10:00:00+05:30,2024-06-01T11:00:00+05:30,instagram,Instagram,complaint,general_complaint,General complaints,1,0,0,0,,0,0,,,,,0,0,,,,,,,,\r\n",
    "2024-06-01T10:00:00+05:30,2024-06-01T11:00:00+05:30,instagram,Instagram,appreciation,thanks,Thanks,0,0,0,0,,0,0,,,,,0,0,,,,,,,,\r\n",
    NULL};

START_TEST(test_csv_hours)
{
    /* Hour buckets at +05:30; one SLA target; a row per hour, platform
     * (facebook, then instagram: by id) and category. */
    static const int64_t sla[] = {900};
    skpi_tracker *tr = new_tracker("+05:30", SKPI_BUCKET_HOUR, sla, 1);
    int64_t h0 = time_of("2024-06-01T09:00:00+05:30");
    MUST(skpi_record_message(tr, 1, SKPI_CATEGORY_HELP_REQUEST, h0 + 60), SKPI_OK);
    MUST(skpi_record_message(tr, 1, SKPI_CATEGORY_HELP_REQUEST, h0 + 120), SKPI_OK);
    MUST(skpi_record_response(tr, 1, SKPI_CATEGORY_HELP_REQUEST, h0 + 60, h0 + 960), SKPI_OK);
    MUST(skpi_record_response(tr, 1, SKPI_CATEGORY_HELP_REQUEST, h0 + 120, h0 + 4000), SKPI_OK);
    MUST(skpi_record_followers(tr, 2, h0 + 3700, 55), SKPI_OK);
    const uint32_t two[] = {2, 1};
    char *csv = csv_of(tr, h0, h0 + 7200, two, 2);
    assert_text_eq(csv, expected_csv_hours);
    skpi_free(csv);
    skpi_tracker_free(tr);
}
END_TEST

START_TEST(test_csv_skipped_day)
{
    /* Samoa skipped 2011-12-30 whole: that bucket is empty and has no
     * rows; the 29th ends where the 31st starts. */
    skpi_tracker *tr = new_tracker("Pacific/Apia", SKPI_BUCKET_DAY, NULL, 0);
    int64_t from, to;
    ck_assert_status(skpi_period_parse(tr, "2011-12-29/2012-01-01", &from, &to), SKPI_OK);
    const uint32_t only[] = {0};
    char *csv = csv_of(tr, from, to, only, 1);
    size_t rows = 0;
    for (const char *p = csv; (p = strstr(p, "\r\n")) != NULL; p += 2)
        rows++;
    ck_assert_uint_eq(rows, 1 + 2 * 7);
    ck_assert_ptr_nonnull(strstr(csv, "\r\n2011-12-29T00:00:00-10:00,2011-12-31T00:00:00+14:00,twitter,"));
    ck_assert_ptr_nonnull(strstr(csv, "\r\n2011-12-31T00:00:00+14:00,2012-01-01T00:00:00+14:00,twitter,"));
    ck_assert_ptr_null(strstr(csv, "2011-12-30"));
    skpi_free(csv);
    skpi_tracker_free(tr);
}
END_TEST

START_TEST(test_csv_shape)
{
    /* Every row has the header's number of fields (none here is quoted),
     * every line ends in CRLF, and there is one row per bucket x platform
     * x category: 1 day x 3 platforms x 7 categories. */
    char *csv = csv_of(t, day0, day1, NULL, 0);
    size_t rows = 0, header_commas = 0;
    for (char *line = csv; *line != '\0'; rows++) {
        char *eol = strstr(line, "\r\n");
        ck_assert_ptr_nonnull(eol);
        ck_assert_ptr_null(memchr(line, '\n', (size_t)(eol - line)));
        size_t commas = 0;
        for (char *p = line; p < eol; p++)
            commas += *p == ',';
        if (rows == 0)
            header_commas = commas;
        ck_assert_uint_eq(commas, header_commas);
        line = eol + 2;
    }
    ck_assert_uint_eq(rows, 1 + 3 * 7);
    skpi_free(csv);
}
END_TEST

/* ===================================================================== */
/* A rich tracker, for test-openmetrics.sh                               */
/* ===================================================================== */

/*
 * Five platforms (one with an Arabic label), a category whose label needs
 * every escape, a rating scale of 1..10, three SLA targets, messages with
 * ids and authors answered at all sorts of delays, anomalies, engagements
 * with and without people, posts, follower tallies and follower ids, all
 * in March 2024 in Europe/London (across the change to summer time), plus
 * one message from February still waiting.
 */
static skpi_tracker *rich_tracker(int64_t *from, int64_t *to)
{
    static const int64_t sla[] = {300, 3600, 86400};
    skpi_options *o = NULL;
    skpi_tracker *tr = NULL;
    MUST(skpi_options_new(&o), SKPI_OK);
    MUST(skpi_options_set_zone(o, "Europe/London"), SKPI_OK);
    MUST(skpi_options_set_sla(o, sla, 3), SKPI_OK);
    MUST(skpi_options_set_rating_scale(o, 1, 10, 8), SKPI_OK);
    MUST(skpi_tracker_new(o, &tr), SKPI_OK);
    skpi_options_free(o);
    uint32_t billing, save;
    MUST(skpi_taxonomy_add(tr, SKPI_PLATFORM, "tiktok", "TikTok", NULL), SKPI_OK);
    MUST(skpi_taxonomy_add(tr, SKPI_PLATFORM, "whatsapp",
                           "\xd9\x88\xd8\xa7\xd8\xaa\xd8\xb3\xd8\xa7\xd8\xa8", NULL),
         SKPI_OK);
    MUST(skpi_category_add(tr, "billing", "Billing, \"refunds\" \\ and\nmore",
                           SKPI_GROUP_COMPLAINT, 1, &billing), SKPI_OK);
    MUST(skpi_taxonomy_add(tr, SKPI_KIND, "save", NULL, &save), SKPI_OK);
    MUST(skpi_period_parse(tr, "2024-03", from, to), SKPI_OK);

    char id[32], author[32];
    for (int i = 0; i < 60; i++) {
        uint32_t p = (uint32_t)(i % 5), c = (uint32_t)(i % 8);
        int64_t at_ = *from + (int64_t)i * 43200 + 3600;
        snprintf(id, sizeof id, "m%d", i);
        snprintf(author, sizeof author, "a%d", i % 17);
        MUST(skpi_record_message_id(tr, p, c, at_, id, author), SKPI_OK);
        /* Delays of 0..96 s, minutes, and hours to over a day. */
        int64_t delay = (int64_t)(i * 7919 % 97) * (i % 3 == 0 ? 1 : i % 3 == 1 ? 60 : 1500);
        if (i % 7 != 3)
            MUST(skpi_record_reply(tr, p, id, at_ + delay), SKPI_OK);
    }
    int64_t mid = *from + 15 * 86400;
    MUST(skpi_record_message_id(tr, 0, 0, mid, "m0", NULL), SKPI_EDUPLICATE);
    MUST(skpi_record_reply(tr, 0, "nope", mid), SKPI_EUNMATCHED);
    MUST(skpi_record_reply(tr, 0, "m0", mid), SKPI_OK); /* a later reply */
    MUST(skpi_record_response(tr, 2, 1, mid, mid + 300), SKPI_OK);
    MUST(skpi_record_message(tr, 2, 1, mid), SKPI_OK);
    MUST(skpi_record_message(tr, 3, 4, *from - 20 * 86400), SKPI_OK);
    for (uint32_t p = 0; p < 5; p++) {
        for (uint32_t k = 0; k < 4; k++)
            MUST(skpi_record_engagement(tr, p, k, mid, (int64_t)((p + 1) * (k + 1) * 7)),
                 SKPI_OK);
        MUST(skpi_record_posts(tr, p, mid, (int64_t)p + 1), SKPI_OK);
    }
    for (int i = 0; i < 5; i++) {
        snprintf(id, sizeof id, "u%d", i);
        MUST(skpi_record_engagement_by(tr, 0, SKPI_KIND_LIKE, mid, 1, id), SKPI_OK);
        snprintf(id, sizeof id, "f%d", i);
        MUST(skpi_record_follower(tr, 2, mid, id), SKPI_OK);
    }
    MUST(skpi_record_followers(tr, 0, mid, 1700000), SKPI_OK);
    MUST(skpi_record_followers(tr, 0, *to - 3600, 1700500), SKPI_OK);
    MUST(skpi_record_followers(tr, 1, mid, 900000), SKPI_OK);
    MUST(skpi_record_followers(tr, 3, mid, 1234), SKPI_OK);
    for (int s = 1; s <= 10; s++)
        MUST(skpi_record_rating(tr, 0, mid, s), SKPI_OK);
    MUST(skpi_record_rating(tr, 1, mid, 8), SKPI_OK);
    MUST(skpi_record_rating(tr, 1, mid, 3), SKPI_OK);
    (void)save;
    return tr;
}

static int print_rich(const char *format)
{
    int64_t from, to;
    skpi_tracker *tr = rich_tracker(&from, &to);
    char *out = NULL;
    size_t len = 0;
    skpi_status st;
    if (strcmp(format, "openmetrics") == 0)
        st = skpi_report_openmetrics(tr, from, to, NULL, 0, 0, &out, &len);
    else if (strcmp(format, "prometheus") == 0)
        st = skpi_report_openmetrics(tr, from, to, NULL, 0,
                                     SKPI_OPENMETRICS_PROMETHEUS, &out, &len);
    else if (strcmp(format, "csv") == 0)
        st = skpi_report_csv(tr, from, to, NULL, 0, 0, &out, &len);
    else {
        fprintf(stderr, "usage: check_writers [--print openmetrics|prometheus|csv]\n");
        skpi_tracker_free(tr);
        return 2;
    }
    if (st != SKPI_OK) {
        fprintf(stderr, "check_writers: %s\n", skpi_strerror(st));
        skpi_tracker_free(tr);
        return 1;
    }
    int rc = fwrite(out, 1, len, stdout) == len && fflush(stdout) == 0 ? 0 : 1;
    skpi_free(out);
    skpi_tracker_free(tr);
    return rc;
}

START_TEST(test_rich_tracker_renders)
{
    /* The --print fixture itself, so that its setup is checked in make
     * check too: every SLA bucket of twitter and the anomalies it made. */
    int64_t from, to;
    skpi_tracker *tr = rich_tracker(&from, &to);
    char *om = openmetrics(tr, from, to, NULL, 0, 0);
    ck_assert_int_eq(sample_value(om, "socialkpi_anomalies_total{platform=\"twitter\",kind=\"duplicate_messages\"}"), 1);
    ck_assert_int_eq(sample_value(om, "socialkpi_anomalies_total{platform=\"twitter\",kind=\"unmatched_replies\"}"), 1);
    ck_assert_int_eq(sample_value(om, "socialkpi_anomalies_total{platform=\"twitter\",kind=\"later_replies\"}"), 1);
    ck_assert_int_eq(sample_value(om, "socialkpi_people_across_platforms{who=\"authors\"}"), 17);
    ck_assert_int_eq(sample_value(om, "socialkpi_followers{platform=\"twitter\"}"), 1700500);
    ck_assert_int_eq(sample_value(om, "socialkpi_backlog_messages{platform=\"tiktok\",category=\"service_complaint\"}"), 1);
    ck_assert_ptr_nonnull(strstr(om, "label=\"Billing, \\\"refunds\\\" \\\\ and\\nmore\"} 1\n"));
    ck_assert_ptr_nonnull(strstr(om, "\n# EOF\n"));
    skpi_free(om);
    skpi_tracker_free(tr);
}
END_TEST

/* ===================================================================== */
/* Suite                                                                 */
/* ===================================================================== */

static Suite *writers_suite(void)
{
    Suite *s = suite_create("writers");
    TCase *om = tcase_create("openmetrics");
    tcase_add_checked_fixture(om, setup, teardown);
    tcase_add_test(om, test_openmetrics_exact);
    tcase_add_test(om, test_prometheus_exact);
    tcase_add_test(om, test_content_types);
    tcase_add_test(om, test_nan_left_out);
    tcase_add_test(om, test_label_escaping);
    tcase_add_test(om, test_sorted_by_slug);
    tcase_add_test(om, test_locale_independent);
    tcase_add_test(om, test_rich_tracker_renders);
    tcase_add_loop_test(om, test_histogram_random, 0, 8);
    suite_add_tcase(s, om);
    TCase *csv = tcase_create("csv");
    tcase_add_checked_fixture(csv, setup, teardown);
    tcase_add_test(csv, test_csv_days_across_dst);
    tcase_add_test(csv, test_csv_hours);
    tcase_add_test(csv, test_csv_skipped_day);
    tcase_add_test(csv, test_csv_shape);
    suite_add_tcase(s, csv);
    TCase *errors = tcase_create("errors");
    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_add_test(errors, test_errors);
    tcase_add_test(errors, test_openmetrics_into);
    suite_add_tcase(s, errors);
    return s;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--print") == 0)
        return print_rich(argv[2]);
    if (argc != 1) {
        fprintf(stderr, "usage: check_writers [--print openmetrics|prometheus|csv]\n");
        return 2;
    }
    SRunner *sr = srunner_create(writers_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

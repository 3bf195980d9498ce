/*
 * check_demo.c -- the founding report, reproduced from raw events.
 *
 * examples/demo.c records a half year of events; this suite reads it back
 * through the report getters and asserts every figure of the founding
 * report (seed/FACTS.md) exactly: messages by category, 11,685 inquiries
 * and remarks, 2,710 thanks, 11,101 of 11,685 answered, 4,829,520
 * engagements, 1.7 M / 900 K / 635 K followers summing to 3,235,000 follows,
 * 2,184 of 2,400 ratings satisfied.  It also checks that the data set is
 * deterministic and that its days look like a desk's.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "demo.h"

Suite *demo_suite(void);

#define N_PLATFORMS 3
#define N_CATEGORIES 7
#define N_KINDS 3

static const int64_t category_messages[N_CATEGORIES] = {
    4210, /* general_inquiry */
    2655, /* help_request */
    1870, /* traffic_inquiry */
    1120, /* criminal_inquiry */
    1030, /* service_complaint */
    800,  /* general_complaint */
    2710, /* thanks */
};
static const int64_t followers_end[N_PLATFORMS] = {1700000, 900000, 635000};

/* ===================================================================== */
/* Helpers                                                               */
/* ===================================================================== */

static skpi_tracker *new_demo(const char *zone, int bucket)
{
    skpi_tracker *t = tracker_in(zone, bucket);
    ck_assert_int_eq(demo_build(t), SKPI_OK);
    return t;
}

static skpi_report *new_report(const skpi_tracker *t, const char *period)
{
    int64_t from, to;
    skpi_report *r = NULL;
    ck_assert_int_eq(skpi_period_parse(t, period, &from, &to), SKPI_OK);
    ck_assert_int_eq(skpi_report_new(t, from, to, NULL, 0, &r), SKPI_OK);
    return r;
}

static int64_t messages(const skpi_report *r, uint32_t platform, uint32_t category)
{
    int64_t n = -1;
    ck_assert_int_eq(skpi_report_messages(r, platform, category, &n), SKPI_OK);
    return n;
}

static int64_t engagement(const skpi_report *r, uint32_t platform, uint32_t kind)
{
    int64_t n = -1;
    ck_assert_int_eq(skpi_report_engagement(r, platform, kind, &n), SKPI_OK);
    return n;
}

static char *json_of(const skpi_tracker *t, size_t *len)
{
    int64_t from, to;
    char *json = NULL;
    ck_assert_int_eq(skpi_period_parse(t, demo_period(), &from, &to), SKPI_OK);
    ck_assert_int_eq(skpi_report_json(t, from, to, NULL, 0, SKPI_JSON_PRETTY, &json, len),
                     SKPI_OK);
    ck_assert_ptr_nonnull(json);
    return json;
}

/* ===================================================================== */
/* Fixture: the demo half year at +04:00, day buckets, and its report    */
/* ===================================================================== */

static skpi_tracker *demo;
static skpi_report *h1;

static void demo_setup(void)
{
    demo = new_demo("+04:00", SKPI_BUCKET_DAY);
    h1 = new_report(demo, demo_period());
}

static void demo_teardown(void)
{
    skpi_report_free(h1);
    skpi_tracker_free(demo);
    h1 = NULL;
    demo = NULL;
}

/* ===================================================================== */
/* core: the founding report's figures                                   */
/* ===================================================================== */

START_TEST(test_period)
{
    int64_t from, to, rfrom, rto, expect_from;
    ck_assert_str_eq(demo_period(), "2024-H1");
    ck_assert_int_eq(skpi_time_parse("2024-01-01T00:00:00+04:00", &expect_from), SKPI_OK);
    ck_assert_int_eq(skpi_period_parse(demo, demo_period(), &from, &to), SKPI_OK);
    ck_assert_int_eq(from, expect_from);
    ck_assert_int_eq(to - from, 182 * 86400);
    ck_assert_int_eq(skpi_report_range(h1, &rfrom, &rto), SKPI_OK);
    ck_assert_int_eq(rfrom, from);
    ck_assert_int_eq(rto, to);
}
END_TEST

START_TEST(test_messages_by_category)
{
    for (uint32_t c = 0; c < N_CATEGORIES; c++)
        ck_assert_int_eq(messages(h1, SKPI_ALL, c), category_messages[c]);
    ck_assert_int_eq(messages(h1, SKPI_ALL, SKPI_ALL), 14395);
}
END_TEST

START_TEST(test_inquiries_and_thanks)
{
    int64_t n = -1;
    ck_assert_int_eq(skpi_report_inquiries_and_remarks(h1, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 11685);
    ck_assert_int_eq(skpi_report_group_messages(h1, SKPI_ALL, SKPI_GROUP_INQUIRY, &n),
                     SKPI_OK);
    ck_assert_int_eq(n, 4210 + 2655 + 1870 + 1120);
    ck_assert_int_eq(skpi_report_group_messages(h1, SKPI_ALL, SKPI_GROUP_COMPLAINT, &n),
                     SKPI_OK);
    ck_assert_int_eq(n, 1030 + 800);
    ck_assert_int_eq(
        skpi_report_group_messages(h1, SKPI_ALL, SKPI_GROUP_APPRECIATION, &n), SKPI_OK);
    ck_assert_int_eq(n, 2710);
    ck_assert_int_eq(messages(h1, SKPI_ALL, SKPI_CATEGORY_THANKS), 2710);
}
END_TEST

START_TEST(test_platform_split)
{
    /* Every category is split 50/30/20 over the platforms, to the unit. */
    int64_t by_platform[N_PLATFORMS] = {0, 0, 0}, sum = 0, n;
    for (uint32_t c = 0; c < N_CATEGORIES; c++) {
        int64_t cat_sum = 0;
        for (uint32_t p = 0; p < N_PLATFORMS; p++) {
            n = messages(h1, p, c);
            cat_sum += n;
            by_platform[p] += n;
        }
        ck_assert_int_eq(cat_sum, category_messages[c]);
        ck_assert_int_le(llabs(messages(h1, 0, c) * 10 - category_messages[c] * 5), 10);
        ck_assert_int_le(llabs(messages(h1, 1, c) * 10 - category_messages[c] * 3), 10);
        ck_assert_int_le(llabs(messages(h1, 2, c) * 10 - category_messages[c] * 2), 10);
    }
    for (uint32_t p = 0; p < N_PLATFORMS; p++) {
        ck_assert_int_eq(messages(h1, p, SKPI_ALL), by_platform[p]);
        ck_assert_int_eq(skpi_report_inquiries_and_remarks(h1, p, &n), SKPI_OK);
        ck_assert_int_eq(n, by_platform[p] - messages(h1, p, SKPI_CATEGORY_THANKS));
        sum += by_platform[p];
    }
    ck_assert_int_eq(sum, 14395);
}
END_TEST

START_TEST(test_responses)
{
    int64_t expected = -1, answered = -1, sum_expected = 0, sum_answered = 0;
    double rate = 0;
    ck_assert_int_eq(skpi_report_responses(h1, SKPI_ALL, SKPI_ALL, &expected, &answered,
                                           &rate),
                     SKPI_OK);
    ck_assert_int_eq(expected, 11685);
    ck_assert_int_eq(answered, 11101);
    ck_assert_double_eq_tol(rate, 11101.0 / 11685.0, 1e-12);
    ck_assert_double_eq_tol(rate, 0.95, 0.0005);

    /* Every message that expects an answer is counted, and thanks, which
     * expect none, got none. */
    for (uint32_t c = 0; c < N_CATEGORIES; c++) {
        ck_assert_int_eq(skpi_report_responses(h1, SKPI_ALL, c, &expected, &answered,
                                               &rate),
                         SKPI_OK);
        if (c == SKPI_CATEGORY_THANKS) {
            ck_assert_int_eq(expected, 0);
            ck_assert_int_eq(answered, 0);
            ck_assert(isnan(rate));
            continue;
        }
        ck_assert_int_eq(expected, category_messages[c]);
        ck_assert_double_ge(rate, 0.90);
        ck_assert_double_le(rate, 0.99);
        sum_expected += expected;
        sum_answered += answered;
    }
    ck_assert_int_eq(sum_expected, 11685);
    ck_assert_int_eq(sum_answered, 11101);

    sum_answered = 0;
    for (uint32_t p = 0; p < N_PLATFORMS; p++) {
        ck_assert_int_eq(skpi_report_responses(h1, p, SKPI_ALL, NULL, &answered, NULL),
                         SKPI_OK);
        sum_answered += answered;
    }
    ck_assert_int_eq(sum_answered, 11101);
}
END_TEST

START_TEST(test_sla)
{
    int64_t seconds[2], within[2], expected, answered;
    double rate;
    ck_assert_uint_eq(skpi_tracker_sla_count(demo), 2);
    ck_assert_int_eq(skpi_report_responses(h1, SKPI_ALL, SKPI_ALL, NULL, &answered, NULL),
                     SKPI_OK);
    for (size_t i = 0; i < 2; i++) {
        ck_assert_int_eq(skpi_report_sla(h1, i, SKPI_ALL, SKPI_ALL, &seconds[i],
                                         &within[i], &expected, &rate),
                         SKPI_OK);
        ck_assert_int_eq(expected, 11685);
        ck_assert_double_eq_tol(rate, (double)within[i] / 11685.0, 1e-12);
    }
    ck_assert_int_eq(seconds[0], 3600);
    ck_assert_int_eq(seconds[1], 86400);
    /* The median answer comes in about 40 minutes, and some take more than
     * a day: more than half within the hour, not all within the day. */
    ck_assert_int_gt(within[0], answered / 2);
    ck_assert_int_lt(within[0], within[1]);
    ck_assert_int_lt(within[1], answered);
    ck_assert_int_gt(within[1], answered * 99 / 100);
}
END_TEST

START_TEST(test_engagement)
{
    /* 55/30/15 of 4,829,520 are whole numbers, so the platforms are exact. */
    const int64_t by_platform[N_PLATFORMS] = {2656236, 1448856, 724428};
    int64_t total = 0, by_kind[N_KINDS] = {0, 0, 0};

    ck_assert_int_eq(engagement(h1, SKPI_ALL, SKPI_ALL), 4829520);
    for (uint32_t p = 0; p < N_PLATFORMS; p++) {
        int64_t platform_sum = 0;
        for (uint32_t k = 0; k < N_KINDS; k++) {
            int64_t n = engagement(h1, p, k);
            platform_sum += n;
            by_kind[k] += n;
        }
        ck_assert_int_eq(platform_sum, by_platform[p]);
        ck_assert_int_eq(engagement(h1, p, SKPI_ALL), by_platform[p]);
        /* Each platform splits 70/18/12 over like, share, comment. */
        ck_assert_int_le(llabs(engagement(h1, p, SKPI_KIND_LIKE) * 100 - by_platform[p] * 70),
                         100);
        ck_assert_int_le(llabs(engagement(h1, p, SKPI_KIND_SHARE) * 100 - by_platform[p] * 18),
                         100);
        ck_assert_int_le(
            llabs(engagement(h1, p, SKPI_KIND_COMMENT) * 100 - by_platform[p] * 12), 100);
        total += platform_sum;
    }
    for (uint32_t k = 0; k < N_KINDS; k++)
        ck_assert_int_eq(engagement(h1, SKPI_ALL, k), by_kind[k]);
    ck_assert_int_eq(by_kind[0] + by_kind[1] + by_kind[2], 4829520);
    ck_assert_int_eq(total, 4829520);
}
END_TEST

START_TEST(test_posts)
{
    /* Working days: 1..7 posts on X, 1..3 on Facebook, 1..2 on Instagram. */
    const int64_t most[N_PLATFORMS] = {7, 3, 2};
    int64_t posts, sum = 0, all;
    double per_post;
    for (uint32_t p = 0; p < N_PLATFORMS; p++) {
        ck_assert_int_eq(skpi_report_posts(h1, p, &posts, &per_post), SKPI_OK);
        ck_assert_int_ge(posts, 182);
        ck_assert_int_le(posts, 182 * most[p]);
        ck_assert_double_eq_tol(per_post, (double)engagement(h1, p, SKPI_ALL) / (double)posts,
                                1e-9);
        sum += posts;
    }
    ck_assert_int_eq(skpi_report_posts(h1, SKPI_ALL, &all, &per_post), SKPI_OK);
    ck_assert_int_eq(all, sum);
    ck_assert_double_eq_tol(per_post, 4829520.0 / (double)all, 1e-9);
}
END_TEST

START_TEST(test_followers)
{
    const int64_t start_expected[N_PLATFORMS] = {1552000, 861500, 571000};
    for (uint32_t p = 0; p < N_PLATFORMS; p++) {
        int64_t end = -1, start = -1, change = -1;
        double growth = 0;
        ck_assert_int_eq(skpi_report_followers(h1, p, &end, &start, &change, &growth),
                         SKPI_OK);
        ck_assert_int_eq(end, followers_end[p]);
        ck_assert_int_eq(start, start_expected[p]);
        ck_assert_int_eq(change, end - start);
        ck_assert_double_eq_tol(growth, (double)(end - start) / (double)start, 1e-12);
    }
}
END_TEST

START_TEST(test_followers_by_month)
{
    /* The tallies climb every month, and June ends on the report's values. */
    static const char *const months[6] = {"2024-01", "2024-02", "2024-03",
                                          "2024-04", "2024-05", "2024-06"};
    int64_t last[N_PLATFORMS] = {0, 0, 0};
    for (int m = 0; m < 6; m++) {
        skpi_report *r = new_report(demo, months[m]);
        for (uint32_t p = 0; p < N_PLATFORMS; p++) {
            int64_t end;
            ck_assert_int_eq(skpi_report_followers(r, p, &end, NULL, NULL, NULL), SKPI_OK);
            ck_assert_int_gt(end, last[p]);
            last[p] = end;
        }
        skpi_report_free(r);
    }
    for (uint32_t p = 0; p < N_PLATFORMS; p++)
        ck_assert_int_eq(last[p], followers_end[p]);
}
END_TEST

START_TEST(test_followers_total)
{
    int64_t sum = -1, lo = -1, hi = -1, engagements = -1, followers = -1;
    size_t with_data = 0;
    double rate;
    ck_assert_int_eq(skpi_report_followers_total(h1, &sum, &lo, &hi, &with_data), SKPI_OK);
    ck_assert_int_eq(sum, 3235000);
    ck_assert_int_eq(lo, 1700000);
    ck_assert_int_eq(hi, 3235000);
    ck_assert_uint_eq(with_data, 3);
    ck_assert_int_eq(skpi_report_engagement_rate(h1, SKPI_ALL, &engagements, &followers,
                                                 &rate),
                     SKPI_OK);
    ck_assert_int_eq(engagements, 4829520);
    ck_assert_int_eq(followers, 3235000);
    ck_assert_double_eq_tol(rate, 4829520.0 / 3235000.0, 1e-12);
}
END_TEST

START_TEST(test_csat)
{
    static const int64_t by_score[5] = {72, 48, 96, 624, 1560};
    int64_t ratings = -1, satisfied = -1, count, sum = 0;
    double rate = 0, mean = 0;
    ck_assert_int_eq(skpi_report_csat(h1, SKPI_ALL, &ratings, &satisfied, &rate, &mean),
                     SKPI_OK);
    ck_assert_int_eq(ratings, 2400);
    ck_assert_int_eq(satisfied, 2184);
    ck_assert_double_eq_tol(rate, 0.91, 1e-12);
    ck_assert_double_eq_tol(mean, 4.48, 1e-12);
    for (int s = 1; s <= 5; s++) {
        ck_assert_int_eq(skpi_report_rating_count(h1, SKPI_ALL, s, &count), SKPI_OK);
        ck_assert_int_eq(count, by_score[s - 1]);
    }
    for (uint32_t p = 0; p < N_PLATFORMS; p++) {
        ck_assert_int_eq(skpi_report_csat(h1, p, &ratings, NULL, NULL, NULL), SKPI_OK);
        ck_assert_int_gt(ratings, 0);
        sum += ratings;
    }
    ck_assert_int_eq(sum, 2400);
}
END_TEST

/* ===================================================================== */
/* shape: the days look like a desk's                                    */
/* ===================================================================== */

START_TEST(test_nothing_outside)
{
    static const char *const outside[] = {"2023-H2", "2024-H2", "2023"};
    for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
        skpi_report *r = new_report(demo, outside[i]);
        int64_t ratings = -1, posts = -1, end;
        ck_assert_int_eq(messages(r, SKPI_ALL, SKPI_ALL), 0);
        ck_assert_int_eq(engagement(r, SKPI_ALL, SKPI_ALL), 0);
        ck_assert_int_eq(skpi_report_csat(r, SKPI_ALL, &ratings, NULL, NULL, NULL), SKPI_OK);
        ck_assert_int_eq(ratings, 0);
        ck_assert_int_eq(skpi_report_posts(r, SKPI_ALL, &posts, NULL), SKPI_OK);
        ck_assert_int_eq(posts, 0);
        ck_assert_int_eq(skpi_report_followers(r, 0, &end, NULL, NULL, NULL), SKPI_ENODATA);
        skpi_report_free(r);
    }
}
END_TEST

START_TEST(test_months_add_up)
{
    static const char *const quarters[2] = {"2024-Q1", "2024-Q2"};
    int64_t sum_messages = 0, sum_engagement = 0, sum_answered = 0;
    for (int q = 0; q < 2; q++) {
        skpi_report *r = new_report(demo, quarters[q]);
        int64_t answered;
        ck_assert_int_eq(skpi_report_responses(r, SKPI_ALL, SKPI_ALL, NULL, &answered, NULL),
                         SKPI_OK);
        sum_messages += messages(r, SKPI_ALL, SKPI_ALL);
        sum_engagement += engagement(r, SKPI_ALL, SKPI_ALL);
        sum_answered += answered;
        skpi_report_free(r);
    }
    ck_assert_int_eq(sum_messages, 14395);
    ck_assert_int_eq(sum_engagement, 4829520);
    ck_assert_int_eq(sum_answered, 11101);
}
END_TEST

START_TEST(test_weekly_rhythm)
{
    /* Friday and Saturday are the desk's weekend: fewer messages.  Days
     * are read one report each; 2024-01-01 is a Monday. */
    int64_t by_weekday[7] = {0, 0, 0, 0, 0, 0, 0};
    int64_t from, to;
    ck_assert_int_eq(skpi_period_parse(demo, demo_period(), &from, &to), SKPI_OK);
    for (int d = 0; d < 182; d++) {
        skpi_report *r = NULL;
        ck_assert_int_eq(skpi_report_new(demo, from + d * 86400, from + (d + 1) * 86400,
                                         NULL, 0, &r),
                         SKPI_OK);
        by_weekday[d % 7] += messages(r, SKPI_ALL, SKPI_ALL);
        skpi_report_free(r);
    }
    for (int wd = 0; wd < 4; wd++) {
        ck_assert_int_lt(by_weekday[4] * 10, by_weekday[wd] * 8); /* Friday */
        ck_assert_int_lt(by_weekday[5] * 10, by_weekday[wd] * 8); /* Saturday */
    }
}
END_TEST

START_TEST(test_storm)
{
    /* 2024-04-16, the April storm: traffic inquiries run at several times
     * their daily average. */
    skpi_report *r = new_report(demo, "2024-04-16");
    ck_assert_int_gt(messages(r, SKPI_ALL, SKPI_CATEGORY_TRAFFIC_INQUIRY) * 182,
                     2 * 1870);
    skpi_report_free(r);
}
END_TEST

/* ===================================================================== */
/* determinism                                                           */
/* ===================================================================== */

START_TEST(test_deterministic)
{
    skpi_tracker *again = new_demo("+04:00", SKPI_BUCKET_DAY);
    size_t len1 = 0, len2 = 0;
    char *json1 = json_of(demo, &len1);
    char *json2 = json_of(again, &len2);
    ck_assert_uint_gt(len1, 0);
    ck_assert_uint_eq(len1, len2);
    ck_assert_int_eq(memcmp(json1, json2, len1), 0);
    ck_assert_str_eq(json1, json2);
    skpi_free(json1);
    skpi_free(json2);
    skpi_tracker_free(again);
}
END_TEST

START_TEST(test_hour_buckets)
{
    /* The same events in hour buckets give the same totals. */
    skpi_tracker *t = new_demo("+04:00", SKPI_BUCKET_HOUR);
    skpi_report *r = new_report(t, demo_period());
    int64_t n, answered, satisfied, sum;
    ck_assert_int_eq(skpi_report_inquiries_and_remarks(r, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 11685);
    ck_assert_int_eq(skpi_report_responses(r, SKPI_ALL, SKPI_ALL, NULL, &answered, NULL),
                     SKPI_OK);
    ck_assert_int_eq(answered, 11101);
    ck_assert_int_eq(skpi_report_csat(r, SKPI_ALL, NULL, &satisfied, NULL, NULL), SKPI_OK);
    ck_assert_int_eq(satisfied, 2184);
    ck_assert_int_eq(engagement(r, SKPI_ALL, SKPI_ALL), 4829520);
    ck_assert_int_eq(skpi_report_followers_total(r, &sum, NULL, NULL, NULL), SKPI_OK);
    ck_assert_int_eq(sum, 3235000);
    skpi_report_free(r);
    skpi_tracker_free(t);
}
END_TEST

START_TEST(test_other_zone)
{
    /* In another zone the half year is that zone's, and still exact. */
    skpi_tracker *t = new_demo("Z", SKPI_BUCKET_DAY);
    skpi_report *r = new_report(t, demo_period());
    int64_t n;
    ck_assert_int_eq(skpi_report_inquiries_and_remarks(r, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 11685);
    ck_assert_int_eq(messages(r, SKPI_ALL, SKPI_CATEGORY_THANKS), 2710);
    ck_assert_int_eq(engagement(r, SKPI_ALL, SKPI_ALL), 4829520);
    skpi_report_free(r);
    skpi_tracker_free(t);
}
END_TEST

/* ===================================================================== */
/* errors                                                                */
/* ===================================================================== */

START_TEST(test_null_tracker)
{
    ck_assert_int_eq(demo_build(NULL), SKPI_EINVAL);
}
END_TEST

START_TEST(test_other_rating_scale)
{
    /* CSAT 91 % is defined on 1..5 with 4 and 5 satisfied: refuse any other
     * scale, before recording anything. */
    skpi_options *opts = NULL;
    skpi_tracker *t = NULL;
    skpi_report *r;
    ck_assert_int_eq(skpi_options_new(&opts), SKPI_OK);
    ck_assert_int_eq(skpi_options_set_zone(opts, "+04:00"), SKPI_OK);
    ck_assert_int_eq(skpi_options_set_rating_scale(opts, 1, 5, 5), SKPI_OK);
    ck_assert_int_eq(skpi_tracker_new(opts, &t), SKPI_OK);
    skpi_options_free(opts);
    ck_assert_int_eq(demo_build(t), SKPI_EOPTION);
    r = new_report(t, demo_period());
    ck_assert_int_eq(messages(r, SKPI_ALL, SKPI_ALL), 0);
    ck_assert_int_eq(engagement(r, SKPI_ALL, SKPI_ALL), 0);
    skpi_report_free(r);
    skpi_tracker_free(t);
}
END_TEST

/* ===================================================================== */
/* Suite                                                                 */
/* ===================================================================== */

Suite *demo_suite(void)
{
    Suite *s = suite_create("demo");
    TCase *core = tcase_create("core");
    TCase *shape = tcase_create("shape");
    TCase *determinism = tcase_create("determinism");
    TCase *errors = tcase_create("errors");

    tcase_add_checked_fixture(core, demo_setup, demo_teardown);
    tcase_add_test(core, test_period);
    tcase_add_test(core, test_messages_by_category);
    tcase_add_test(core, test_inquiries_and_thanks);
    tcase_add_test(core, test_platform_split);
    tcase_add_test(core, test_responses);
    tcase_add_test(core, test_sla);
    tcase_add_test(core, test_engagement);
    tcase_add_test(core, test_posts);
    tcase_add_test(core, test_followers);
    tcase_add_test(core, test_followers_by_month);
    tcase_add_test(core, test_followers_total);
    tcase_add_test(core, test_csat);
    suite_add_tcase(s, core);

    tcase_add_checked_fixture(shape, demo_setup, demo_teardown);
    tcase_add_test(shape, test_nothing_outside);
    tcase_add_test(shape, test_months_add_up);
    tcase_add_test(shape, test_weekly_rhythm);
    tcase_add_test(shape, test_storm);
    suite_add_tcase(s, shape);

    tcase_add_checked_fixture(determinism, demo_setup, demo_teardown);
    tcase_add_test(determinism, test_deterministic);
    tcase_add_test(determinism, test_hour_buckets);
    tcase_add_test(determinism, test_other_zone);
    suite_add_tcase(s, determinism);

    tcase_add_test(errors, test_null_tracker);
    tcase_add_test(errors, test_other_rating_scale);
    suite_add_tcase(s, errors);
    return s;
}

SKPI_CHECK_MAIN(demo_suite)

/*
 * check_record.c -- recording and every exact KPI, with hand-computed
 * values, plus every bad input of the recording and report calls.
 *
 * The fixture is a +04:00 day tracker holding a small, fully known
 * scenario around 2024-03-10 (local); each test states the figures it
 * expects and why.
 */
#include <math.h>

#include "testutil.h"

static skpi_tracker *t;

/* Local midnights of the scenario's days, +04:00. */
#define D09 "2024-03-09T00:00:00+04:00"
#define D10 "2024-03-10T00:00:00+04:00"
#define D11 "2024-03-11T00:00:00+04:00"
#define D12 "2024-03-12T00:00:00+04:00"

enum { TW = SKPI_PLATFORM_TWITTER, FB = SKPI_PLATFORM_FACEBOOK,
       IG = SKPI_PLATFORM_INSTAGRAM };

static void scenario(void)
{
    t = tracker_in("+04:00", SKPI_BUCKET_DAY);
    /* Messages: 3 general inquiries on Twitter on the 10th, a service
     * complaint on Facebook in the last second of the 10th, 2 thanks on
     * Instagram in the first second of the 11th, a help request on Twitter
     * in the last second of the 9th. */
    for (int i = 0; i < 3; i++)
        ck_assert_status(skpi_record_message(t, TW, SKPI_CATEGORY_GENERAL_INQUIRY,
                                             at("2024-03-10T09:00:00+04:00")), SKPI_OK);
    ck_assert_status(skpi_record_message_slug(t, "facebook", "service_complaint",
                                              at("2024-03-10T23:59:59+04:00")), SKPI_OK);
    ck_assert_status(skpi_record_message(t, IG, SKPI_CATEGORY_THANKS, at(D11)), SKPI_OK);
    ck_assert_status(skpi_record_message(t, IG, SKPI_CATEGORY_THANKS, at(D11)), SKPI_OK);
    ck_assert_status(skpi_record_message(t, TW, SKPI_CATEGORY_HELP_REQUEST,
                                         at("2024-03-09T23:59:59+04:00")), SKPI_OK);

    /* Responses: two inquiries answered after 1800 s and exactly 3600 s
     * (SLA targets are inclusive), the complaint after two days, one
     * thanks answered (kept, but outside the rate), and the help request
     * of the 9th answered on the 10th (counts on the 9th). */
    int64_t nine = at("2024-03-10T09:00:00+04:00");
    ck_assert_status(skpi_record_response(t, TW, SKPI_CATEGORY_GENERAL_INQUIRY, nine, nine + 1800), SKPI_OK);
    ck_assert_status(skpi_record_response(t, TW, SKPI_CATEGORY_GENERAL_INQUIRY, nine, nine + 3600), SKPI_OK);
    int64_t late = at("2024-03-10T23:59:59+04:00");
    ck_assert_status(skpi_record_response_slug(t, "facebook", "service_complaint", late, late + 172800), SKPI_OK);
    ck_assert_status(skpi_record_response(t, IG, SKPI_CATEGORY_THANKS, at(D11), at(D11) + 60), SKPI_OK);
    ck_assert_status(skpi_record_response(t, TW, SKPI_CATEGORY_HELP_REQUEST,
                                          at("2024-03-09T23:59:59+04:00"), at(D10) + 100), SKPI_OK);

    /* Engagement and posts. */
    ck_assert_status(skpi_record_engagement(t, TW, SKPI_KIND_LIKE, at(D10) + 10, 100), SKPI_OK);
    ck_assert_status(skpi_record_engagement_slug(t, "twitter", "share", at(D10) + 20, 20), SKPI_OK);
    ck_assert_status(skpi_record_engagement(t, FB, SKPI_KIND_COMMENT, at(D11) + 30, 5), SKPI_OK);
    ck_assert_status(skpi_record_posts(t, TW, at(D10) + 5, 4), SKPI_OK);
    ck_assert_status(skpi_record_posts_slug(t, "facebook", at(D11) + 5, 1), SKPI_OK);

    /* Followers: on the 10th the 20:00 reading wins over the 18:00 one
     * recorded after it. */
    ck_assert_status(skpi_record_followers(t, TW, at("2024-03-09T12:00:00+04:00"), 1000), SKPI_OK);
    ck_assert_status(skpi_record_followers(t, TW, at("2024-03-10T08:00:00+04:00"), 1100), SKPI_OK);
    ck_assert_status(skpi_record_followers(t, TW, at("2024-03-10T20:00:00+04:00"), 1150), SKPI_OK);
    ck_assert_status(skpi_record_followers(t, TW, at("2024-03-10T18:00:00+04:00"), 9999), SKPI_OK);
    ck_assert_status(skpi_record_followers_slug(t, "twitter", at("2024-03-11T10:00:00+04:00"), 1200), SKPI_OK);
    ck_assert_status(skpi_record_followers(t, FB, at("2024-03-11T09:00:00+04:00"), 500), SKPI_OK);

    /* Ratings: Twitter 5, 5, 4, 3 on the 10th; Facebook 1 and 4 on the 11th. */
    static const int tw_scores[] = {5, 5, 4, 3};
    for (int i = 0; i < 4; i++)
        ck_assert_status(skpi_record_rating(t, TW, at(D10) + i, tw_scores[i]), SKPI_OK);
    ck_assert_status(skpi_record_rating_slug(t, "facebook", at(D11), 1), SKPI_OK);
    ck_assert_status(skpi_record_rating(t, FB, at(D11) + 1, 4), SKPI_OK);
}

static void teardown(void)
{
    skpi_tracker_free(t);
    t = NULL;
}

static skpi_report *report(const char *from, const char *to)
{
    skpi_report *r = NULL;
    ck_assert_status(skpi_report_new(t, at(from), at(to), NULL, 0, &r), SKPI_OK);
    return r;
}

static int64_t messages(const skpi_report *r, uint32_t p, uint32_t c)
{
    int64_t n = -1;
    ck_assert_status(skpi_report_messages(r, p, c, &n), SKPI_OK);
    return n;
}

START_TEST(test_messages_one_day)
{
    skpi_report *r = report(D10, D11);
    int64_t n;
    ck_assert_int_eq(messages(r, SKPI_ALL, SKPI_ALL), 4);
    ck_assert_int_eq(messages(r, TW, SKPI_ALL), 3);
    ck_assert_int_eq(messages(r, FB, SKPI_ALL), 1);
    ck_assert_int_eq(messages(r, IG, SKPI_ALL), 0);
    ck_assert_int_eq(messages(r, SKPI_ALL, SKPI_CATEGORY_GENERAL_INQUIRY), 3);
    ck_assert_int_eq(messages(r, FB, SKPI_CATEGORY_SERVICE_COMPLAINT), 1);
    ck_assert_int_eq(messages(r, TW, SKPI_CATEGORY_SERVICE_COMPLAINT), 0);
    ck_assert_status(skpi_report_group_messages(r, SKPI_ALL, SKPI_GROUP_INQUIRY, &n), SKPI_OK);
    ck_assert_int_eq(n, 3);
    ck_assert_status(skpi_report_group_messages(r, SKPI_ALL, SKPI_GROUP_COMPLAINT, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_status(skpi_report_group_messages(r, SKPI_ALL, SKPI_GROUP_APPRECIATION, &n), SKPI_OK);
    ck_assert_int_eq(n, 0);
    ck_assert_status(skpi_report_group_messages(r, SKPI_ALL, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 4);
    ck_assert_status(skpi_report_inquiries_and_remarks(r, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 4);
    int64_t from, to;
    ck_assert_status(skpi_report_range(r, &from, &to), SKPI_OK);
    ck_assert_int_eq(from, at(D10));
    ck_assert_int_eq(to, at(D11));
    skpi_report_free(r);
}
END_TEST

START_TEST(test_messages_two_days)
{
    skpi_report *r = report(D10, D12);
    int64_t n;
    ck_assert_int_eq(messages(r, SKPI_ALL, SKPI_ALL), 6);
    ck_assert_int_eq(messages(r, SKPI_ALL, SKPI_CATEGORY_THANKS), 2);
    ck_assert_status(skpi_report_group_messages(r, IG, SKPI_GROUP_APPRECIATION, &n), SKPI_OK);
    ck_assert_int_eq(n, 2);
    ck_assert_status(skpi_report_inquiries_and_remarks(r, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 4);
    ck_assert_status(skpi_report_inquiries_and_remarks(r, IG, &n), SKPI_OK);
    ck_assert_int_eq(n, 0);
    skpi_report_free(r);
    /* The help request of the 9th is in the 9th only. */
    r = report(D09, D10);
    ck_assert_int_eq(messages(r, SKPI_ALL, SKPI_ALL), 1);
    ck_assert_int_eq(messages(r, TW, SKPI_CATEGORY_HELP_REQUEST), 1);
    skpi_report_free(r);
    r = report(D09, D12);
    ck_assert_int_eq(messages(r, SKPI_ALL, SKPI_ALL), 7);
    skpi_report_free(r);
}
END_TEST

START_TEST(test_responses_and_sla)
{
    skpi_report *r = report(D10, D12);
    int64_t expected = -1, answered = -1, seconds = -1, within = -1;
    double rate = 0;
    /* Expected: 3 inquiries + 1 complaint (thanks expect none). */
    ck_assert_status(skpi_report_responses(r, SKPI_ALL, SKPI_ALL, &expected, &answered, &rate), SKPI_OK);
    ck_assert_int_eq(expected, 4);
    ck_assert_int_eq(answered, 3);
    ck_assert_double_eq(rate, 0.75);
    ck_assert_status(skpi_report_responses(r, TW, SKPI_ALL, &expected, &answered, &rate), SKPI_OK);
    ck_assert_int_eq(expected, 3);
    ck_assert_int_eq(answered, 2);
    ck_assert_status(skpi_report_responses(r, SKPI_ALL, SKPI_CATEGORY_THANKS, &expected, &answered, &rate), SKPI_OK);
    ck_assert_int_eq(expected, 0);
    ck_assert_int_eq(answered, 1);
    ck_assert(isnan(rate));
    ck_assert_status(skpi_report_responses(r, SKPI_ALL, SKPI_ALL, NULL, NULL, &rate), SKPI_OK);
    ck_assert_status(skpi_report_sla(r, 0, SKPI_ALL, SKPI_ALL, &seconds, &within, &expected, &rate), SKPI_OK);
    ck_assert_int_eq(seconds, 3600);
    ck_assert_int_eq(within, 2);
    ck_assert_int_eq(expected, 4);
    ck_assert_double_eq(rate, 0.5);
    ck_assert_status(skpi_report_sla(r, 1, SKPI_ALL, SKPI_ALL, &seconds, &within, NULL, &rate), SKPI_OK);
    ck_assert_int_eq(seconds, 86400);
    ck_assert_int_eq(within, 2);
    ck_assert_status(skpi_report_sla(r, 1, FB, SKPI_ALL, NULL, &within, &expected, NULL), SKPI_OK);
    ck_assert_int_eq(within, 0);
    ck_assert_int_eq(expected, 1);
    ck_assert_status(skpi_report_sla(r, 2, SKPI_ALL, SKPI_ALL, &seconds, NULL, NULL, NULL), SKPI_ENOTFOUND);
    /* Thanks expect no answer: alone they report their own answer (60 s,
     * within both targets) against expected 0, like the response rate. */
    ck_assert_status(skpi_report_sla(r, 0, SKPI_ALL, SKPI_CATEGORY_THANKS, NULL, &within, &expected, &rate), SKPI_OK);
    ck_assert_int_eq(within, 1);
    ck_assert_int_eq(expected, 0);
    ck_assert(isnan(rate));
    skpi_report_free(r);
    /* The answer to the 9th's help request counts on the 9th. */
    r = report(D09, D10);
    ck_assert_status(skpi_report_responses(r, SKPI_ALL, SKPI_ALL, &expected, &answered, &rate), SKPI_OK);
    ck_assert_int_eq(expected, 1);
    ck_assert_int_eq(answered, 1);
    ck_assert_double_eq(rate, 1.0);
    skpi_report_free(r);
    /* A range with no messages has a NaN rate. */
    r = report("2024-01-01T00:00:00+04:00", "2024-01-02T00:00:00+04:00");
    ck_assert_status(skpi_report_responses(r, SKPI_ALL, SKPI_ALL, &expected, &answered, &rate), SKPI_OK);
    ck_assert_int_eq(expected, 0);
    ck_assert(isnan(rate));
    skpi_report_free(r);
}
END_TEST

START_TEST(test_engagement_and_posts)
{
    skpi_report *r = report(D10, D12);
    int64_t n = -1, posts = -1, foll = -1;
    double per = 0;
    ck_assert_status(skpi_report_engagement(r, SKPI_ALL, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 125);
    ck_assert_status(skpi_report_engagement(r, SKPI_ALL, SKPI_KIND_LIKE, &n), SKPI_OK);
    ck_assert_int_eq(n, 100);
    ck_assert_status(skpi_report_engagement(r, SKPI_ALL, SKPI_KIND_SHARE, &n), SKPI_OK);
    ck_assert_int_eq(n, 20);
    ck_assert_status(skpi_report_engagement(r, FB, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 5);
    ck_assert_status(skpi_report_engagement(r, IG, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 0);
    ck_assert_status(skpi_report_posts(r, SKPI_ALL, &posts, &per), SKPI_OK);
    ck_assert_int_eq(posts, 5);
    ck_assert_double_eq(per, 25.0);
    ck_assert_status(skpi_report_posts(r, TW, &posts, &per), SKPI_OK);
    ck_assert_int_eq(posts, 4);
    ck_assert_double_eq(per, 30.0);
    ck_assert_status(skpi_report_posts(r, IG, &posts, &per), SKPI_OK);
    ck_assert_int_eq(posts, 0);
    ck_assert(isnan(per));
    /* Per follower: 125 / (1200 + 500); Twitter 120 / 1200. */
    ck_assert_status(skpi_report_engagement_rate(r, SKPI_ALL, &n, &foll, &per), SKPI_OK);
    ck_assert_int_eq(n, 125);
    ck_assert_int_eq(foll, 1700);
    ck_assert_double_eq(per, 125.0 / 1700.0);
    ck_assert_status(skpi_report_engagement_rate(r, TW, NULL, NULL, &per), SKPI_OK);
    ck_assert_double_eq(per, 0.1);
    ck_assert_status(skpi_report_engagement_rate(r, IG, &n, &foll, &per), SKPI_OK);
    ck_assert_int_eq(foll, 0);
    ck_assert(isnan(per));
    skpi_report_free(r);
}
END_TEST

START_TEST(test_followers)
{
    skpi_report *r = report(D10, D12);
    int64_t end = -1, start = -1, change = -1, sum = -1, lo = -1, hi = -1;
    double growth = 0;
    size_t with = 0;
    /* Twitter: 1200 at the end, 1000 in effect when the range starts. */
    ck_assert_status(skpi_report_followers(r, TW, &end, &start, &change, &growth), SKPI_OK);
    ck_assert_int_eq(end, 1200);
    ck_assert_int_eq(start, 1000);
    ck_assert_int_eq(change, 200);
    ck_assert_double_eq(growth, 0.2);
    /* Facebook: no earlier reading, so the first one in the range. */
    ck_assert_status(skpi_report_followers(r, FB, &end, &start, &change, &growth), SKPI_OK);
    ck_assert_int_eq(end, 500);
    ck_assert_int_eq(start, 500);
    ck_assert_int_eq(change, 0);
    ck_assert_double_eq(growth, 0.0);
    end = -7;
    ck_assert_status(skpi_report_followers(r, IG, &end, NULL, NULL, NULL), SKPI_ENODATA);
    ck_assert_int_eq(end, -7);
    ck_assert_status(skpi_report_followers(r, SKPI_ALL, &end, NULL, NULL, NULL), SKPI_ENOTFOUND);
    ck_assert_status(skpi_report_followers_total(r, &sum, &lo, &hi, &with), SKPI_OK);
    ck_assert_int_eq(sum, 1700);
    ck_assert_int_eq(lo, 1200);
    ck_assert_int_eq(hi, 1700);
    ck_assert_uint_eq(with, 2);
    skpi_report_free(r);
    /* On the 10th alone the 20:00 reading (1150) wins over 18:00 (9999). */
    r = report(D10, D11);
    ck_assert_status(skpi_report_followers(r, TW, &end, &start, NULL, NULL), SKPI_OK);
    ck_assert_int_eq(end, 1150);
    ck_assert_int_eq(start, 1000);
    ck_assert_status(skpi_report_followers_total(r, &sum, &lo, &hi, &with), SKPI_OK);
    ck_assert_int_eq(sum, 1150);
    ck_assert_uint_eq(with, 1);
    skpi_report_free(r);
}
END_TEST

START_TEST(test_followers_ties_and_zero)
{
    /* Same second: the larger tally wins whatever the order. */
    int64_t noon = at("2024-03-12T12:00:00+04:00");
    ck_assert_status(skpi_record_followers(t, IG, noon, 7), SKPI_OK);
    ck_assert_status(skpi_record_followers(t, IG, noon, 5), SKPI_OK);
    ck_assert_status(skpi_record_followers(t, IG, noon + 1, 0), SKPI_OK);
    skpi_report *r = report(D12, "2024-03-13T00:00:00+04:00");
    int64_t end = -1, start = -1;
    double growth = 0;
    /* The later reading of 0 is a reading, not "no data". */
    ck_assert_status(skpi_report_followers(r, IG, &end, &start, NULL, &growth), SKPI_OK);
    ck_assert_int_eq(end, 0);
    ck_assert_int_eq(start, 0);
    ck_assert(isnan(growth));
    skpi_report_free(r);
    ck_assert_status(skpi_record_followers(t, IG, noon + 2, SKPI_FOLLOWERS_MAX), SKPI_OK);
    r = report(D12, "2024-03-13T00:00:00+04:00");
    ck_assert_status(skpi_report_followers(r, IG, &end, NULL, NULL, NULL), SKPI_OK);
    ck_assert_int_eq(end, SKPI_FOLLOWERS_MAX);
    skpi_report_free(r);
}
END_TEST

START_TEST(test_csat)
{
    skpi_report *r = report(D10, D12);
    int64_t all = -1, sat = -1, n = -1;
    double rate = 0, mean = 0;
    ck_assert_status(skpi_report_csat(r, SKPI_ALL, &all, &sat, &rate, &mean), SKPI_OK);
    ck_assert_int_eq(all, 6);
    ck_assert_int_eq(sat, 4);
    ck_assert_double_eq(rate, 4.0 / 6.0);
    ck_assert_double_eq(mean, 22.0 / 6.0);
    ck_assert_status(skpi_report_csat(r, TW, &all, &sat, &rate, &mean), SKPI_OK);
    ck_assert_int_eq(all, 4);
    ck_assert_int_eq(sat, 3);
    ck_assert_double_eq(rate, 0.75);
    ck_assert_double_eq(mean, 4.25);
    ck_assert_status(skpi_report_csat(r, IG, &all, NULL, &rate, &mean), SKPI_OK);
    ck_assert_int_eq(all, 0);
    ck_assert(isnan(rate));
    ck_assert(isnan(mean));
    ck_assert_status(skpi_report_rating_count(r, SKPI_ALL, 5, &n), SKPI_OK);
    ck_assert_int_eq(n, 2);
    ck_assert_status(skpi_report_rating_count(r, FB, 1, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_status(skpi_report_rating_count(r, SKPI_ALL, 2, &n), SKPI_OK);
    ck_assert_int_eq(n, 0);
    ck_assert_status(skpi_report_rating_count(r, SKPI_ALL, 0, &n), SKPI_ERATING);
    ck_assert_status(skpi_report_rating_count(r, SKPI_ALL, 6, &n), SKPI_ERATING);
    ck_assert_status(skpi_report_rating_count(r, 3, 5, &n), SKPI_ENOTFOUND);
    skpi_report_free(r);
}
END_TEST

START_TEST(test_platform_filter)
{
    const uint32_t only_fb[] = {FB};
    skpi_report *r = NULL;
    int64_t n = -1, sum = -1, end = -1;
    ck_assert_status(skpi_report_new(t, at(D10), at(D12), only_fb, 1, &r), SKPI_OK);
    ck_assert_int_eq(messages(r, SKPI_ALL, SKPI_ALL), 1);
    ck_assert_int_eq(messages(r, TW, SKPI_ALL), 0);
    ck_assert_status(skpi_report_engagement(r, SKPI_ALL, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 5);
    ck_assert_status(skpi_report_followers(r, TW, &end, NULL, NULL, NULL), SKPI_ENODATA);
    ck_assert_status(skpi_report_followers_total(r, &sum, NULL, NULL, NULL), SKPI_OK);
    ck_assert_int_eq(sum, 500);
    ck_assert_status(skpi_report_csat(r, SKPI_ALL, &n, NULL, NULL, NULL), SKPI_OK);
    ck_assert_int_eq(n, 2);
    skpi_report_free(r);
    const uint32_t tw_ig[] = {IG, TW, TW};
    ck_assert_status(skpi_report_new(t, at(D10), at(D12), tw_ig, 3, &r), SKPI_OK);
    ck_assert_int_eq(messages(r, SKPI_ALL, SKPI_ALL), 5);
    skpi_report_free(r);
}
END_TEST

START_TEST(test_taxonomy_snapshot)
{
    skpi_report *r = report(D10, D12);
    uint32_t id;
    ck_assert_status(skpi_taxonomy_add(t, SKPI_PLATFORM, "tiktok", NULL, &id), SKPI_OK);
    int64_t n = -1;
    ck_assert_uint_eq(skpi_report_taxonomy_count(r, SKPI_PLATFORM), 3);
    ck_assert_uint_eq(skpi_report_taxonomy_count(r, SKPI_CATEGORY), 7);
    ck_assert_uint_eq(skpi_report_taxonomy_count(r, SKPI_GROUP), 3);
    ck_assert_uint_eq(skpi_report_taxonomy_count(r, SKPI_KIND), 3);
    ck_assert_uint_eq(skpi_report_taxonomy_count(r, 9), 0);
    ck_assert_uint_eq(skpi_report_taxonomy_count(NULL, SKPI_KIND), 0);
    ck_assert_status(skpi_report_messages(r, id, SKPI_ALL, &n), SKPI_ENOTFOUND);
    skpi_report_free(r);
    /* A custom platform and category are counted like built-in ones. */
    uint32_t cat;
    ck_assert_status(skpi_category_add(t, "lost_property", NULL, SKPI_GROUP_INQUIRY, 1, &cat), SKPI_OK);
    ck_assert_status(skpi_record_message(t, id, cat, at(D10)), SKPI_OK);
    r = report(D10, D11);
    ck_assert_int_eq(messages(r, id, cat), 1);
    ck_assert_int_eq(messages(r, SKPI_ALL, SKPI_ALL), 5);
    ck_assert_status(skpi_report_inquiries_and_remarks(r, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 5);
    skpi_report_free(r);
}
END_TEST

/* ===== Bad input: specific status, tracker unchanged ===== */

/* Totals of the whole scenario, to show that failed calls changed nothing. */
static void assert_unchanged(void)
{
    skpi_report *r = report(D09, D12);
    int64_t n, answered;
    ck_assert_int_eq(messages(r, SKPI_ALL, SKPI_ALL), 7);
    ck_assert_status(skpi_report_responses(r, SKPI_ALL, SKPI_ALL, NULL, &answered, NULL), SKPI_OK);
    ck_assert_int_eq(answered, 4);
    ck_assert_status(skpi_report_engagement(r, SKPI_ALL, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 125);
    ck_assert_status(skpi_report_posts(r, SKPI_ALL, &n, NULL), SKPI_OK);
    ck_assert_int_eq(n, 5);
    ck_assert_status(skpi_report_csat(r, SKPI_ALL, &n, NULL, NULL, NULL), SKPI_OK);
    ck_assert_int_eq(n, 6);
    ck_assert_status(skpi_report_followers(r, TW, &n, NULL, NULL, NULL), SKPI_OK);
    ck_assert_int_eq(n, 1200);
    skpi_report_free(r);
}

START_TEST(test_record_errors)
{
    int64_t d = at(D10);
    ck_assert_status(skpi_record_message(NULL, TW, 0, d), SKPI_EINVAL);
    ck_assert_status(skpi_record_message(t, 3, 0, d), SKPI_ENOTFOUND);
    ck_assert_status(skpi_record_message(t, TW, 7, d), SKPI_ENOTFOUND);
    ck_assert_status(skpi_record_message(t, SKPI_ALL, 0, d), SKPI_ENOTFOUND);
    ck_assert_status(skpi_record_message(t, TW, 0, -1), SKPI_ETIME);
    ck_assert_status(skpi_record_message(t, TW, 0, SKPI_TIME_MAX), SKPI_ETIME);
    ck_assert_status(skpi_record_message(t, TW, 0, INT64_MIN), SKPI_ETIME);
    ck_assert_status(skpi_record_response(t, TW, 0, d, d - 1), SKPI_EORDER);
    ck_assert_status(skpi_record_response(t, TW, 0, d, SKPI_TIME_MAX), SKPI_ETIME);
    ck_assert_status(skpi_record_response(t, TW, 0, -5, d), SKPI_ETIME);
    ck_assert_status(skpi_record_response(t, TW, 9, d, d), SKPI_ENOTFOUND);
    ck_assert_status(skpi_record_response(NULL, TW, 0, d, d), SKPI_EINVAL);
    ck_assert_status(skpi_record_engagement(t, TW, 3, d, 1), SKPI_ENOTFOUND);
    ck_assert_status(skpi_record_engagement(t, TW, 0, d, 0), SKPI_ECOUNT);
    ck_assert_status(skpi_record_engagement(t, TW, 0, d, -5), SKPI_ECOUNT);
    ck_assert_status(skpi_record_engagement(t, TW, 0, SKPI_TIME_MAX, 1), SKPI_ETIME);
    ck_assert_status(skpi_record_posts(t, TW, d, 0), SKPI_ECOUNT);
    ck_assert_status(skpi_record_posts(t, 5, d, 1), SKPI_ENOTFOUND);
    ck_assert_status(skpi_record_followers(t, TW, d, -1), SKPI_ECOUNT);
    ck_assert_status(skpi_record_followers(t, TW, d, SKPI_FOLLOWERS_MAX + 1), SKPI_EOVERFLOW);
    ck_assert_status(skpi_record_followers(t, TW, -1, 5), SKPI_ETIME);
    ck_assert_status(skpi_record_rating(t, TW, d, 0), SKPI_ERATING);
    ck_assert_status(skpi_record_rating(t, TW, d, 6), SKPI_ERATING);
    ck_assert_status(skpi_record_rating(t, 3, d, 5), SKPI_ENOTFOUND);
    ck_assert_status(skpi_record_rating(NULL, TW, d, 5), SKPI_EINVAL);
    assert_unchanged();
}
END_TEST

START_TEST(test_record_slug_errors)
{
    int64_t d = at(D10);
    ck_assert_status(skpi_record_message_slug(t, NULL, "thanks", d), SKPI_EINVAL);
    ck_assert_status(skpi_record_message_slug(t, "twitter", NULL, d), SKPI_EINVAL);
    ck_assert_status(skpi_record_message_slug(NULL, "twitter", "thanks", d), SKPI_EINVAL);
    ck_assert_status(skpi_record_message_slug(t, "myspace", "thanks", d), SKPI_ENOTFOUND);
    ck_assert_status(skpi_record_message_slug(t, "twitter", "praise", d), SKPI_ENOTFOUND);
    ck_assert_status(skpi_record_message_slug(t, "twitter", "thanks", -1), SKPI_ETIME);
    ck_assert_status(skpi_record_response_slug(t, "twitter", "nope", d, d), SKPI_ENOTFOUND);
    ck_assert_status(skpi_record_response_slug(t, "twitter", "thanks", d, d - 1), SKPI_EORDER);
    ck_assert_status(skpi_record_engagement_slug(t, "twitter", "view", d, 1), SKPI_ENOTFOUND);
    ck_assert_status(skpi_record_engagement_slug(t, "twitter", "like", d, 0), SKPI_ECOUNT);
    ck_assert_status(skpi_record_posts_slug(t, NULL, d, 1), SKPI_EINVAL);
    ck_assert_status(skpi_record_followers_slug(t, "tiktok", d, 1), SKPI_ENOTFOUND);
    ck_assert_status(skpi_record_rating_slug(t, "twitter", d, 9), SKPI_ERATING);
    assert_unchanged();
}
END_TEST

START_TEST(test_counter_overflow)
{
    int64_t d = at(D12);
    ck_assert_status(skpi_record_engagement(t, TW, 0, d, INT64_MAX), SKPI_OK);
    ck_assert_status(skpi_record_engagement(t, TW, 0, d + 1, 1), SKPI_EOVERFLOW);
    ck_assert_status(skpi_record_posts(t, TW, d, INT64_MAX), SKPI_OK);
    ck_assert_status(skpi_record_posts(t, TW, d, INT64_MAX), SKPI_EOVERFLOW);
    skpi_report *r = NULL;
    int64_t n = 0;
    ck_assert_status(skpi_report_new(t, at(D12), at("2024-03-13T00:00:00+04:00"), NULL, 0, &r), SKPI_OK);
    ck_assert_status(skpi_report_engagement(r, TW, 0, &n), SKPI_OK);
    ck_assert_int_eq(n, INT64_MAX);
    skpi_report_free(r);
    /* Sums over two buckets, or over platforms, that pass INT64_MAX. */
    ck_assert_status(skpi_record_engagement(t, TW, 0, at("2024-03-13T00:00:00+04:00"), 1), SKPI_OK);
    r = NULL;
    ck_assert_status(skpi_report_new(t, at(D12), at("2024-03-14T00:00:00+04:00"), NULL, 0, &r), SKPI_EOVERFLOW);
    ck_assert_ptr_null(r);
    ck_assert_status(skpi_record_engagement(t, FB, 0, d, 1), SKPI_OK);
    ck_assert_status(skpi_report_new(t, at(D12), at("2024-03-13T00:00:00+04:00"), NULL, 0, &r), SKPI_EOVERFLOW);
    const uint32_t only_tw[] = {TW};
    ck_assert_status(skpi_report_new(t, at(D12), at("2024-03-13T00:00:00+04:00"), only_tw, 1, &r), SKPI_OK);
    skpi_report_free(r);
    assert_unchanged();
}
END_TEST

START_TEST(test_report_errors)
{
    skpi_report *r = NULL;
    int64_t d10 = at(D10), d11 = at(D11), n = 0;
    const uint32_t bad[] = {0, 3};
    ck_assert_status(skpi_report_new(NULL, d10, d11, NULL, 0, &r), SKPI_EINVAL);
    ck_assert_status(skpi_report_new(t, d10, d11, NULL, 0, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_report_new(t, d10, d11, NULL, 1, &r), SKPI_EINVAL);
    ck_assert_status(skpi_report_new(t, d11, d10, NULL, 0, &r), SKPI_ERANGE);
    /* A reversed range is SKPI_ERANGE even where its ends are out of span. */
    ck_assert_status(skpi_report_new(t, SKPI_TIME_MAX + 86400, -86400, NULL, 0, &r), SKPI_ERANGE);
    ck_assert_status(skpi_report_new(t, d10, d10, NULL, 0, &r), SKPI_ERANGE);
    ck_assert_status(skpi_report_new(t, d10 + 1, d11, NULL, 0, &r), SKPI_EALIGN);
    ck_assert_status(skpi_report_new(t, d10, d11 - 1, NULL, 0, &r), SKPI_EALIGN);
    /* Midnight UTC is 04:00 local: not a bucket boundary here. */
    ck_assert_status(skpi_report_new(t, at("2024-03-10T00:00:00Z"), d11, NULL, 0, &r), SKPI_EALIGN);
    ck_assert_status(skpi_report_new(t, -86400, d11, NULL, 0, &r), SKPI_ETIME);
    ck_assert_status(skpi_report_new(t, d10, SKPI_TIME_MAX + 86400, NULL, 0, &r), SKPI_ETIME);
    ck_assert_status(skpi_report_new(t, INT64_MIN, d11, NULL, 0, &r), SKPI_ETIME);
    ck_assert_status(skpi_report_new(t, d10, d11, bad, 2, &r), SKPI_ENOTFOUND);
    ck_assert_ptr_null(r);
    ck_assert_status(skpi_report_new(t, d10, d11, NULL, 0, &r), SKPI_OK);
    ck_assert_status(skpi_report_messages(NULL, 0, 0, &n), SKPI_EINVAL);
    ck_assert_status(skpi_report_messages(r, 0, 0, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_report_messages(r, 3, 0, &n), SKPI_ENOTFOUND);
    ck_assert_status(skpi_report_messages(r, 0, 7, &n), SKPI_ENOTFOUND);
    ck_assert_status(skpi_report_group_messages(r, 0, 3, &n), SKPI_ENOTFOUND);
    ck_assert_status(skpi_report_group_messages(r, 0, 0, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_report_inquiries_and_remarks(r, 4, &n), SKPI_ENOTFOUND);
    ck_assert_status(skpi_report_inquiries_and_remarks(NULL, 0, &n), SKPI_EINVAL);
    ck_assert_status(skpi_report_responses(r, 0, 0, NULL, NULL, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_report_responses(r, 0, 8, &n, NULL, NULL), SKPI_ENOTFOUND);
    ck_assert_status(skpi_report_sla(NULL, 0, 0, 0, NULL, NULL, NULL, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_report_sla(r, 0, 9, 0, NULL, NULL, NULL, NULL), SKPI_ENOTFOUND);
    ck_assert_status(skpi_report_csat(r, 3, NULL, NULL, NULL, NULL), SKPI_ENOTFOUND);
    ck_assert_status(skpi_report_csat(NULL, 0, NULL, NULL, NULL, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_report_rating_count(r, 0, 5, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_report_engagement(r, 0, 3, &n), SKPI_ENOTFOUND);
    ck_assert_status(skpi_report_engagement(r, 0, 0, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_report_posts(r, 3, &n, NULL), SKPI_ENOTFOUND);
    ck_assert_status(skpi_report_posts(NULL, 0, &n, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_report_followers(r, 3, &n, NULL, NULL, NULL), SKPI_ENOTFOUND);
    ck_assert_status(skpi_report_followers(NULL, 0, &n, NULL, NULL, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_report_followers_total(NULL, &n, NULL, NULL, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_report_engagement_rate(r, 3, &n, NULL, NULL), SKPI_ENOTFOUND);
    ck_assert_status(skpi_report_engagement_rate(NULL, 0, &n, NULL, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_report_range(r, &n, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_report_range(NULL, &n, &n), SKPI_EINVAL);
    skpi_report_free(r);
    skpi_report_free(NULL);
}
END_TEST

/* ===== Zones, bucket edges and the time range ===== */

START_TEST(test_bucket_edges_offsets)
{
    skpi_tracker *k = tracker_in("+05:30", SKPI_BUCKET_DAY);
    skpi_report *r = NULL;
    int64_t n = 0;
    /* 18:29:59Z is 23:59:59 local on the 10th; 18:30:00Z is the 11th. */
    ck_assert_status(skpi_record_message(k, 0, 0, at("2024-03-10T18:29:59Z")), SKPI_OK);
    ck_assert_status(skpi_record_message(k, 0, 0, at("2024-03-10T18:30:00Z")), SKPI_OK);
    ck_assert_status(skpi_report_new(k, at("2024-03-10T00:00:00+05:30"), at("2024-03-11T00:00:00+05:30"), NULL, 0, &r), SKPI_OK);
    ck_assert_status(skpi_report_messages(r, SKPI_ALL, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    skpi_report_free(r);
    ck_assert_status(skpi_report_new(k, at("2024-03-11T00:00:00+05:30"), at("2024-03-12T00:00:00+05:30"), NULL, 0, &r), SKPI_OK);
    ck_assert_status(skpi_report_messages(r, SKPI_ALL, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    skpi_report_free(r);
    skpi_tracker_free(k);

    k = tracker_in("-03:00", SKPI_BUCKET_HOUR);
    ck_assert_status(skpi_record_message(k, 0, 0, at("2024-03-10T10:30:00-03:00")), SKPI_OK);
    ck_assert_status(skpi_record_message(k, 0, 0, at("2024-03-10T10:59:59-03:00")), SKPI_OK);
    ck_assert_status(skpi_record_message(k, 0, 0, at("2024-03-10T11:00:00-03:00")), SKPI_OK);
    ck_assert_status(skpi_report_new(k, at("2024-03-10T10:00:00-03:00"), at("2024-03-10T11:00:00-03:00"), NULL, 0, &r), SKPI_OK);
    ck_assert_status(skpi_report_messages(r, SKPI_ALL, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 2);
    skpi_report_free(r);
    ck_assert_status(skpi_report_new(k, at("2024-03-10T10:30:00-03:00"), at("2024-03-10T11:30:00-03:00"), NULL, 0, &r), SKPI_EALIGN);
    skpi_tracker_free(k);
}
END_TEST

START_TEST(test_time_range_edges)
{
    /* West of UTC, the first accepted second falls on local 1969-12-31,
     * whose bucket starts 21 hours before SKPI_TIME_MIN; the last falls on
     * local 2199-12-31, whose bucket ends 3 hours after SKPI_TIME_MAX.  Both
     * buckets are reportable, and nothing beyond them. */
    skpi_tracker *k = tracker_in("-03:00", SKPI_BUCKET_DAY);
    skpi_report *r = NULL;
    int64_t n = 0;
    ck_assert_status(skpi_record_message(k, 0, 0, SKPI_TIME_MIN), SKPI_OK);
    ck_assert_status(skpi_record_message(k, 0, 0, SKPI_TIME_MAX - 1), SKPI_OK);
    ck_assert_status(skpi_report_new(k, SKPI_TIME_MIN - 21 * 3600, SKPI_TIME_MIN + 3 * 3600, NULL, 0, &r), SKPI_OK);
    ck_assert_status(skpi_report_messages(r, SKPI_ALL, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    skpi_report_free(r);
    ck_assert_status(skpi_report_new(k, SKPI_TIME_MAX - 21 * 3600, SKPI_TIME_MAX + 3 * 3600, NULL, 0, &r), SKPI_OK);
    ck_assert_status(skpi_report_messages(r, SKPI_ALL, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    skpi_report_free(r);
    ck_assert_status(skpi_report_new(k, SKPI_TIME_MIN - 45 * 3600, SKPI_TIME_MIN + 3 * 3600, NULL, 0, &r), SKPI_ETIME);
    ck_assert_status(skpi_report_new(k, SKPI_TIME_MAX - 21 * 3600, SKPI_TIME_MAX + 27 * 3600, NULL, 0, &r), SKPI_ETIME);
    skpi_tracker_free(k);

    /* In UTC both edges are bucket boundaries. */
    k = tracker_in("Z", SKPI_BUCKET_HOUR);
    ck_assert_status(skpi_record_message(k, 0, 0, SKPI_TIME_MIN), SKPI_OK);
    ck_assert_status(skpi_record_message(k, 0, 0, SKPI_TIME_MAX - 1), SKPI_OK);
    ck_assert_status(skpi_report_new(k, SKPI_TIME_MIN, SKPI_TIME_MIN + 3600, NULL, 0, &r), SKPI_OK);
    ck_assert_status(skpi_report_messages(r, SKPI_ALL, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    skpi_report_free(r);
    ck_assert_status(skpi_report_new(k, SKPI_TIME_MAX - 3600, SKPI_TIME_MAX, NULL, 0, &r), SKPI_OK);
    ck_assert_status(skpi_report_messages(r, SKPI_ALL, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    skpi_report_free(r);
    ck_assert_status(skpi_report_new(k, SKPI_TIME_MIN, SKPI_TIME_MAX, NULL, 0, &r), SKPI_OK);
    ck_assert_status(skpi_report_messages(r, SKPI_ALL, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 2);
    skpi_report_free(r);
    skpi_tracker_free(k);
}
END_TEST

START_TEST(test_rating_scale_custom)
{
    skpi_options *o = NULL;
    skpi_tracker *k = NULL;
    ck_assert_status(skpi_options_new(&o), SKPI_OK);
    ck_assert_status(skpi_options_set_rating_scale(o, 0, 10, 9), SKPI_OK);
    const int64_t sla[] = {60};
    ck_assert_status(skpi_options_set_sla(o, sla, 1), SKPI_OK);
    ck_assert_status(skpi_tracker_new(o, &k), SKPI_OK);
    skpi_options_free(o);
    ck_assert_status(skpi_record_rating(k, 0, 0, 0), SKPI_OK);
    ck_assert_status(skpi_record_rating(k, 0, 0, 9), SKPI_OK);
    ck_assert_status(skpi_record_rating(k, 0, 0, 10), SKPI_OK);
    ck_assert_status(skpi_record_rating(k, 0, 0, 11), SKPI_ERATING);
    ck_assert_status(skpi_record_message(k, 0, 0, 0), SKPI_OK);
    ck_assert_status(skpi_record_response(k, 0, 0, 0, 61), SKPI_OK);
    skpi_report *r = NULL;
    int64_t all, sat, within, n;
    double rate, mean;
    ck_assert_status(skpi_report_new(k, 0, 86400, NULL, 0, &r), SKPI_OK);
    ck_assert_status(skpi_report_csat(r, SKPI_ALL, &all, &sat, &rate, &mean), SKPI_OK);
    ck_assert_int_eq(all, 3);
    ck_assert_int_eq(sat, 2);
    ck_assert_double_eq(mean, 19.0 / 3.0);
    ck_assert_status(skpi_report_rating_count(r, SKPI_ALL, 0, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_status(skpi_report_sla(r, 0, SKPI_ALL, SKPI_ALL, NULL, &within, NULL, &rate), SKPI_OK);
    ck_assert_int_eq(within, 0);
    ck_assert_double_eq(rate, 0.0);
    ck_assert_status(skpi_report_sla(r, 1, SKPI_ALL, SKPI_ALL, NULL, NULL, NULL, NULL), SKPI_ENOTFOUND);
    skpi_report_free(r);
    skpi_tracker_free(k);
}
END_TEST

static Suite *record_suite(void)
{
    Suite *s = suite_create("record");
    TCase *core = tcase_create("core");
    tcase_add_checked_fixture(core, scenario, teardown);
    tcase_add_test(core, test_messages_one_day);
    tcase_add_test(core, test_messages_two_days);
    tcase_add_test(core, test_responses_and_sla);
    tcase_add_test(core, test_engagement_and_posts);
    tcase_add_test(core, test_followers);
    tcase_add_test(core, test_followers_ties_and_zero);
    tcase_add_test(core, test_csat);
    tcase_add_test(core, test_platform_filter);
    tcase_add_test(core, test_taxonomy_snapshot);
    suite_add_tcase(s, core);
    TCase *errors = tcase_create("errors");
    tcase_add_checked_fixture(errors, scenario, teardown);
    tcase_add_test(errors, test_record_errors);
    tcase_add_test(errors, test_record_slug_errors);
    tcase_add_test(errors, test_counter_overflow);
    tcase_add_test(errors, test_report_errors);
    suite_add_tcase(s, errors);
    TCase *limits = tcase_create("limits");
    tcase_add_test(limits, test_bucket_edges_offsets);
    tcase_add_test(limits, test_time_range_edges);
    tcase_add_test(limits, test_rating_scale_custom);
    suite_add_tcase(s, limits);
    return s;
}

SKPI_CHECK_MAIN(record_suite)

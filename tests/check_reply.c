/*
 * check_reply.c -- messages with ids, replies matched by id, first-response
 * time (calendar and business), backlog, refused events and distinct
 * people, with hand-computed values.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"

enum { TW = SKPI_PLATFORM_TWITTER, FB = SKPI_PLATFORM_FACEBOOK,
       IG = SKPI_PLATFORM_INSTAGRAM };

#define D10 "2024-03-10T00:00:00+04:00"
#define D11 "2024-03-11T00:00:00+04:00"
#define D12 "2024-03-12T00:00:00+04:00"

static skpi_tracker *t;

/*
 * On the 10th (+04:00): t1 (Twitter inquiry, alice) at 09:00 answered at
 * 09:10 and again at 09:20; t2 (Twitter help request, bob) at 10:00
 * answered the next day at 10:00 (86,400 s); f1 (Facebook complaint, alice
 * again) at 11:00, never answered; i1 (Instagram thanks, carol) at 12:00
 * answered after 60 s.  Refused: a reply to "nope" at 13:00, a reply to f1
 * at 10:59 (before it), and t1 recorded again at 15:00.
 */
static void scenario(void)
{
    t = tracker_in("+04:00", SKPI_BUCKET_DAY);
    ck_assert_status(skpi_record_message_id(t, TW, SKPI_CATEGORY_GENERAL_INQUIRY, at("2024-03-10T09:00:00+04:00"), "t1", "alice"), SKPI_OK);
    ck_assert_status(skpi_record_message_id_slug(t, "twitter", "help_request", at("2024-03-10T10:00:00+04:00"), "t2", "bob"), SKPI_OK);
    ck_assert_status(skpi_record_message_id(t, FB, SKPI_CATEGORY_SERVICE_COMPLAINT, at("2024-03-10T11:00:00+04:00"), "f1", "alice"), SKPI_OK);
    ck_assert_status(skpi_record_message_id(t, IG, SKPI_CATEGORY_THANKS, at("2024-03-10T12:00:00+04:00"), "i1", "carol"), SKPI_OK);
    ck_assert_status(skpi_record_reply(t, TW, "t1", at("2024-03-10T09:10:00+04:00")), SKPI_OK);
    ck_assert_status(skpi_record_reply(t, TW, "t1", at("2024-03-10T09:20:00+04:00")), SKPI_OK);
    ck_assert_status(skpi_record_reply_slug(t, "twitter", "t2", at("2024-03-11T10:00:00+04:00")), SKPI_OK);
    ck_assert_status(skpi_record_reply(t, IG, "i1", at("2024-03-10T12:01:00+04:00")), SKPI_OK);
    ck_assert_status(skpi_record_reply(t, TW, "nope", at("2024-03-10T13:00:00+04:00")), SKPI_EUNMATCHED);
    ck_assert_status(skpi_record_reply(t, FB, "f1", at("2024-03-10T10:59:00+04:00")), SKPI_EORDER);
    ck_assert_status(skpi_record_message_id(t, TW, SKPI_CATEGORY_GENERAL_INQUIRY, at("2024-03-10T15:00:00+04:00"), "t1", "alice"), SKPI_EDUPLICATE);
}

static void teardown(void)
{
    skpi_tracker_free(t);
    t = NULL;
}

static skpi_report *report_of(skpi_tracker *k, const char *from, const char *to)
{
    skpi_report *r = NULL;
    ck_assert_status(skpi_report_new(k, at(from), at(to), NULL, 0, &r), SKPI_OK);
    return r;
}

START_TEST(test_counts_and_rate)
{
    skpi_report *r = report_of(t, D10, D11);
    int64_t n, expected, answered, within;
    ck_assert_status(skpi_report_messages(r, SKPI_ALL, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 4); /* the duplicate t1 is not a message */
    ck_assert_status(skpi_report_responses(r, SKPI_ALL, SKPI_ALL, &expected, &answered, NULL), SKPI_OK);
    ck_assert_int_eq(expected, 3);
    ck_assert_int_eq(answered, 2); /* t1 and t2; a later reply is no answer */
    ck_assert_status(skpi_report_sla(r, 0, SKPI_ALL, SKPI_ALL, NULL, &within, NULL, NULL), SKPI_OK);
    ck_assert_int_eq(within, 1);
    ck_assert_status(skpi_report_sla(r, 1, SKPI_ALL, SKPI_ALL, NULL, &within, NULL, NULL), SKPI_OK);
    ck_assert_int_eq(within, 2); /* 86,400 s is within 24 h: inclusive */
    ck_assert_status(skpi_report_responses(r, IG, SKPI_CATEGORY_THANKS, &expected, &answered, NULL), SKPI_OK);
    ck_assert_int_eq(expected, 0);
    ck_assert_int_eq(answered, 1);
    skpi_report_free(r);
}
END_TEST

START_TEST(test_response_time)
{
    skpi_report *r = report_of(t, D10, D11);
    int64_t n = 0, min = 0, max = 0;
    double mean = 0, q = 0;
    /* All categories that expect an answer: {600, 86400}. */
    ck_assert_status(skpi_report_response_time(r, SKPI_ALL, SKPI_ALL, 0, &n, &mean, &min, &max), SKPI_OK);
    ck_assert_int_eq(n, 2);
    ck_assert_double_eq(mean, 43500.0);
    ck_assert_int_eq(min, 600);
    ck_assert_int_eq(max, 86400);
    ck_assert_status(skpi_report_response_quantile(r, SKPI_ALL, SKPI_ALL, 0, 0.0, &q), SKPI_OK);
    ck_assert_double_eq(q, 600.0);
    ck_assert_status(skpi_report_response_quantile(r, SKPI_ALL, SKPI_ALL, 0, 1.0, &q), SKPI_OK);
    ck_assert_double_eq(q, 86400.0);
    /* Lower rank: floor(0.5 * (2 - 1)) = 0, the 600 s answer. */
    ck_assert_status(skpi_report_response_quantile(r, SKPI_ALL, SKPI_ALL, 0, 0.5, &q), SKPI_OK);
    ck_assert_double_eq(q, 600.0);
    /* Thanks alone: the 60 s answer; Twitter alone: both answers. */
    ck_assert_status(skpi_report_response_time(r, SKPI_ALL, SKPI_CATEGORY_THANKS, 0, &n, &mean, NULL, NULL), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_double_eq(mean, 60.0);
    ck_assert_status(skpi_report_response_time(r, TW, SKPI_ALL, 0, &n, NULL, NULL, NULL), SKPI_OK);
    ck_assert_int_eq(n, 2);
    ck_assert_status(skpi_report_response_time(r, TW, SKPI_CATEGORY_HELP_REQUEST, 0, &n, &mean, NULL, NULL), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_double_eq(mean, 86400.0);
    /* Facebook's complaint is unanswered: no data, outputs untouched. */
    n = -1;
    ck_assert_status(skpi_report_response_time(r, FB, SKPI_ALL, 0, &n, NULL, NULL, NULL), SKPI_ENODATA);
    ck_assert_int_eq(n, -1);
    /* No business hours on this tracker. */
    ck_assert_status(skpi_report_response_time(r, SKPI_ALL, SKPI_ALL, 1, &n, NULL, NULL, NULL), SKPI_ENODATA);
    ck_assert_int_eq(skpi_tracker_has_business_hours(t), 0);
    ck_assert_status(skpi_report_response_quantile(r, SKPI_ALL, SKPI_ALL, 0, -0.1, &q), SKPI_EINVAL);
    ck_assert_status(skpi_report_response_quantile(r, SKPI_ALL, SKPI_ALL, 0, 1.1, &q), SKPI_EINVAL);
    ck_assert_status(skpi_report_response_quantile(r, SKPI_ALL, SKPI_ALL, 0, NAN, &q), SKPI_EINVAL);
    ck_assert_status(skpi_report_response_quantile(r, SKPI_ALL, SKPI_ALL, 2, 0.5, &q), SKPI_EINVAL);
    ck_assert_status(skpi_report_response_quantile(r, 3, SKPI_ALL, 0, 0.5, &q), SKPI_ENOTFOUND);
    ck_assert_status(skpi_report_response_quantile(r, SKPI_ALL, 0, 0, 0.5, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_report_response_time(NULL, SKPI_ALL, SKPI_ALL, 0, &n, NULL, NULL, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_report_response_time(r, SKPI_ALL, 9, 0, &n, NULL, NULL, NULL), SKPI_ENOTFOUND);
    skpi_report_free(r);
    /* The answer to t2 came on the 11th but counts with its message. */
    r = report_of(t, D11, D12);
    ck_assert_status(skpi_report_response_time(r, SKPI_ALL, SKPI_ALL, 0, &n, NULL, NULL, NULL), SKPI_ENODATA);
    skpi_report_free(r);
}
END_TEST

START_TEST(test_backlog)
{
    int64_t n = -1, age = -1;
    /* At the end of the 10th, t2 (answered on the 11th) and f1 wait. */
    skpi_report *r = report_of(t, D10, D11);
    ck_assert_status(skpi_report_backlog(r, SKPI_ALL, SKPI_ALL, &n, &age), SKPI_OK);
    ck_assert_int_eq(n, 2);
    ck_assert_int_eq(age, 86400);
    ck_assert_status(skpi_report_backlog(r, FB, SKPI_ALL, &n, &age), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_status(skpi_report_backlog(r, SKPI_ALL, SKPI_CATEGORY_THANKS, &n, &age), SKPI_OK);
    ck_assert_int_eq(n, 0);
    ck_assert_int_eq(age, 0);
    skpi_report_free(r);
    /* At the end of the 11th only f1 waits, arrived two days before. */
    r = report_of(t, D11, D12);
    ck_assert_status(skpi_report_backlog(r, SKPI_ALL, SKPI_ALL, &n, &age), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(age, 2 * 86400);
    ck_assert_status(skpi_report_backlog(r, TW, SKPI_ALL, &n, &age), SKPI_OK);
    ck_assert_int_eq(n, 0);
    ck_assert_int_eq(age, 0);
    ck_assert_status(skpi_report_backlog(r, 4, SKPI_ALL, &n, &age), SKPI_ENOTFOUND);
    ck_assert_status(skpi_report_backlog(NULL, 0, SKPI_ALL, &n, &age), SKPI_EINVAL);
    skpi_report_free(r);
    /* Before anything arrived there is no backlog. */
    r = report_of(t, "2024-03-09T00:00:00+04:00", D10);
    ck_assert_status(skpi_report_backlog(r, SKPI_ALL, SKPI_ALL, &n, &age), SKPI_OK);
    ck_assert_int_eq(n, 0);
    skpi_report_free(r);
}
END_TEST

START_TEST(test_backlog_late_answers)
{
    /* An answer 19 days after its message lies past the lag cells. */
    skpi_tracker *k = tracker_in("Z", SKPI_BUCKET_DAY);
    ck_assert_status(skpi_record_message_id(k, TW, 0, at("2024-03-01T09:00:00Z"), "old", NULL), SKPI_OK);
    ck_assert_status(skpi_record_message_id(k, TW, 0, at("2024-03-05T09:00:00Z"), "mid", NULL), SKPI_OK);
    ck_assert_status(skpi_record_reply(k, TW, "old", at("2024-03-20T09:00:00Z")), SKPI_OK);
    ck_assert_status(skpi_record_reply(k, TW, "mid", at("2024-03-06T09:00:00Z")), SKPI_OK);
    int64_t n, age;
    skpi_report *r = report_of(k, "2024-03-10T00:00:00Z", "2024-03-11T00:00:00Z");
    ck_assert_status(skpi_report_backlog(r, SKPI_ALL, SKPI_ALL, &n, &age), SKPI_OK);
    ck_assert_int_eq(n, 1); /* "old", waiting for 10 days at the end */
    ck_assert_int_eq(age, 10 * 86400);
    skpi_report_free(r);
    r = report_of(k, "2024-03-20T00:00:00Z", "2024-03-21T00:00:00Z");
    ck_assert_status(skpi_report_backlog(r, SKPI_ALL, SKPI_ALL, &n, &age), SKPI_OK);
    ck_assert_int_eq(n, 0);
    skpi_report_free(r);
    /* The day before the answer, it still waits (a lag-19 answer does
     * not count before its reply bucket). */
    r = report_of(k, "2024-03-19T00:00:00Z", "2024-03-20T00:00:00Z");
    ck_assert_status(skpi_report_backlog(r, SKPI_ALL, SKPI_ALL, &n, &age), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(age, 19 * 86400);
    skpi_report_free(r);
    /* Its response time is exact too. */
    r = report_of(k, "2024-03-01T00:00:00Z", "2024-03-02T00:00:00Z");
    int64_t mx;
    ck_assert_status(skpi_report_response_time(r, TW, SKPI_ALL, 0, &n, NULL, NULL, &mx), SKPI_OK);
    ck_assert_int_eq(mx, 19 * 86400);
    skpi_report_free(r);
    skpi_tracker_free(k);
}
END_TEST

START_TEST(test_anomalies)
{
    skpi_report *r = report_of(t, D10, D11);
    int64_t n = -1;
    ck_assert_status(skpi_report_anomalies(r, SKPI_ALL, SKPI_ANOMALY_UNMATCHED_REPLIES, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_status(skpi_report_anomalies(r, SKPI_ALL, SKPI_ANOMALY_EARLY_REPLIES, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_status(skpi_report_anomalies(r, FB, SKPI_ANOMALY_EARLY_REPLIES, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_status(skpi_report_anomalies(r, SKPI_ALL, SKPI_ANOMALY_LATER_REPLIES, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_status(skpi_report_anomalies(r, TW, SKPI_ANOMALY_DUPLICATE_MESSAGES, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_status(skpi_report_anomalies(r, SKPI_ALL, SKPI_ANOMALY_FORGOTTEN_MESSAGES, &n), SKPI_OK);
    ck_assert_int_eq(n, 0);
    ck_assert_status(skpi_report_anomalies(r, SKPI_ALL, 5, &n), SKPI_EOPTION);
    ck_assert_status(skpi_report_anomalies(r, SKPI_ALL, -1, &n), SKPI_EOPTION);
    ck_assert_status(skpi_report_anomalies(r, 3, 0, &n), SKPI_ENOTFOUND);
    ck_assert_status(skpi_report_anomalies(r, SKPI_ALL, 0, NULL), SKPI_EINVAL);
    skpi_report_free(r);
    /* The early reply left f1 waiting: a proper one still matches. */
    ck_assert_status(skpi_record_reply(t, FB, "f1", at("2024-03-10T11:30:00+04:00")), SKPI_OK);
    r = report_of(t, D10, D11);
    int64_t answered;
    ck_assert_status(skpi_report_responses(r, FB, SKPI_ALL, NULL, &answered, NULL), SKPI_OK);
    ck_assert_int_eq(answered, 1);
    skpi_report_free(r);
}
END_TEST

START_TEST(test_ids_per_platform)
{
    /* The same id on another platform is another message. */
    ck_assert_status(skpi_record_message_id(t, FB, 0, at(D10), "t1", NULL), SKPI_OK);
    ck_assert_status(skpi_record_reply(t, FB, "t1", at(D10) + 5), SKPI_OK);
    ck_assert_status(skpi_record_reply(t, IG, "t1", at(D10) + 5), SKPI_EUNMATCHED);
}
END_TEST

START_TEST(test_id_errors)
{
    char long_id[SKPI_ID_MAX + 2];
    memset(long_id, 'x', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0'; /* 257 bytes */
    int64_t d = at(D10);
    ck_assert_status(skpi_record_message_id(t, TW, 0, d, NULL, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_record_message_id(t, TW, 0, d, "", NULL), SKPI_EID);
    ck_assert_status(skpi_record_message_id(t, TW, 0, d, long_id, NULL), SKPI_EID);
    ck_assert_status(skpi_record_message_id(t, TW, 0, d, "ok", ""), SKPI_EID);
    ck_assert_status(skpi_record_message_id(t, TW, 0, d, "ok", long_id), SKPI_EID);
    ck_assert_status(skpi_record_message_id(t, TW, 9, d, "ok", NULL), SKPI_ENOTFOUND);
    ck_assert_status(skpi_record_message_id(t, 7, 0, d, "ok", NULL), SKPI_ENOTFOUND);
    ck_assert_status(skpi_record_message_id(t, TW, 0, -1, "ok", NULL), SKPI_ETIME);
    ck_assert_status(skpi_record_message_id(NULL, TW, 0, d, "ok", NULL), SKPI_EINVAL);
    ck_assert_status(skpi_record_reply(t, TW, NULL, d), SKPI_EINVAL);
    ck_assert_status(skpi_record_reply(t, TW, "", d), SKPI_EID);
    ck_assert_status(skpi_record_reply(t, TW, "t1", SKPI_TIME_MAX), SKPI_ETIME);
    ck_assert_status(skpi_record_reply(t, 5, "t1", d), SKPI_ENOTFOUND);
    ck_assert_status(skpi_record_engagement_by(t, TW, 0, d, 1, ""), SKPI_EID);
    ck_assert_status(skpi_record_engagement_by(t, TW, 0, d, 1, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_record_engagement_by(t, TW, 0, d, 0, "p"), SKPI_ECOUNT);
    ck_assert_status(skpi_record_engagement_by(t, TW, 5, d, 1, "p"), SKPI_ENOTFOUND);
    ck_assert_status(skpi_record_follower(t, TW, d, long_id), SKPI_EID);
    ck_assert_status(skpi_record_follower(t, TW, d, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_record_follower(t, 3, d, "p"), SKPI_ENOTFOUND);
    ck_assert_status(skpi_record_follower_slug(t, "myspace", d, "p"), SKPI_ENOTFOUND);
    ck_assert_status(skpi_record_reply_slug(t, NULL, "t1", d), SKPI_EINVAL);
    ck_assert_status(skpi_record_engagement_by_slug(t, "twitter", "view", d, 1, "p"), SKPI_ENOTFOUND);
    ck_assert_status(skpi_record_message_id_slug(t, "twitter", "nope", d, "x", NULL), SKPI_ENOTFOUND);
    /* A 256-byte id is fine. */
    long_id[SKPI_ID_MAX] = '\0';
    ck_assert_status(skpi_record_message_id(t, TW, 0, d, long_id, long_id), SKPI_OK);
    ck_assert_status(skpi_record_reply(t, TW, long_id, d + 1), SKPI_OK);
    /* Nothing refused above was recorded or counted. */
    skpi_report *r = report_of(t, D10, D11);
    int64_t n;
    ck_assert_status(skpi_report_messages(r, SKPI_ALL, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 5);
    ck_assert_status(skpi_report_engagement(r, SKPI_ALL, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 0);
    ck_assert_status(skpi_report_people(r, SKPI_PEOPLE_FOLLOWERS, SKPI_ALL, &n, NULL), SKPI_ENODATA);
    ck_assert_status(skpi_report_anomalies(r, SKPI_ALL, SKPI_ANOMALY_UNMATCHED_REPLIES, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    skpi_report_free(r);
}
END_TEST

START_TEST(test_open_limit)
{
    skpi_options *o = NULL;
    skpi_tracker *k = NULL;
    ck_assert_status(skpi_options_new(&o), SKPI_OK);
    ck_assert_status(skpi_options_set_open_limit(o, 2), SKPI_OK);
    ck_assert_status(skpi_tracker_new(o, &k), SKPI_OK);
    skpi_options_free(o);
    int64_t d = at("2024-03-10T00:00:00Z");
    ck_assert_status(skpi_record_message_id(k, TW, 0, d + 1, "a", NULL), SKPI_OK);
    ck_assert_status(skpi_record_message_id(k, TW, 0, d + 2, "b", NULL), SKPI_OK);
    /* Full: "c" makes room by forgetting the earliest waiting one, "a". */
    ck_assert_status(skpi_record_message_id(k, TW, 0, d + 3, "c", NULL), SKPI_OK);
    ck_assert_status(skpi_record_reply(k, TW, "a", d + 10), SKPI_EUNMATCHED);
    ck_assert_status(skpi_record_reply(k, TW, "b", d + 10), SKPI_OK);
    /* Full again: an answered message ("b") goes before a waiting one. */
    ck_assert_status(skpi_record_message_id(k, TW, 0, d + 4, "d", NULL), SKPI_OK);
    ck_assert_status(skpi_record_reply(k, TW, "c", d + 20), SKPI_OK);
    ck_assert_status(skpi_record_reply(k, TW, "d", d + 20), SKPI_OK);
    skpi_report *r = report_of(k, "2024-03-10T00:00:00Z", "2024-03-11T00:00:00Z");
    int64_t n, expected, answered;
    ck_assert_status(skpi_report_anomalies(r, SKPI_ALL, SKPI_ANOMALY_FORGOTTEN_MESSAGES, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_status(skpi_report_anomalies(r, SKPI_ALL, SKPI_ANOMALY_UNMATCHED_REPLIES, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    /* "a" stays counted, and unanswered: censored, never dropped. */
    ck_assert_status(skpi_report_responses(r, SKPI_ALL, SKPI_ALL, &expected, &answered, NULL), SKPI_OK);
    ck_assert_int_eq(expected, 4);
    ck_assert_int_eq(answered, 3);
    ck_assert_status(skpi_report_backlog(r, SKPI_ALL, SKPI_ALL, &n, NULL), SKPI_OK);
    ck_assert_int_eq(n, 1);
    skpi_report_free(r);
    skpi_tracker_free(k);
}
END_TEST

START_TEST(test_business_time)
{
    /* A desk like the demo's: Sunday to Thursday 07:30-14:30 at +04:00,
     * and one holiday, Wednesday 2024-04-10. */
    skpi_options *o = NULL;
    skpi_tracker *k = NULL;
    ck_assert_status(skpi_options_new(&o), SKPI_OK);
    ck_assert_status(skpi_options_set_zone(o, "+04:00"), SKPI_OK);
    static const int days[] = {SKPI_SUNDAY, SKPI_MONDAY, SKPI_TUESDAY, SKPI_WEDNESDAY, SKPI_THURSDAY};
    for (int i = 0; i < 5; i++)
        ck_assert_status(skpi_options_add_business_hours(o, days[i], "07:30", "14:30"), SKPI_OK);
    ck_assert_status(skpi_options_add_holiday(o, "2024-04-10"), SKPI_OK);
    ck_assert_status(skpi_options_add_business_hours(o, 7, "07:30", "14:30"), SKPI_EOPTION);
    ck_assert_status(skpi_options_add_business_hours(o, 0, "14:30", "07:30"), SKPI_EOPTION);
    ck_assert_status(skpi_options_add_business_hours(o, 0, "7h30", "14:30"), SKPI_EPARSE);
    ck_assert_status(skpi_options_add_business_hours(o, 0, NULL, "14:30"), SKPI_EINVAL);
    ck_assert_status(skpi_options_add_holiday(o, "2024-02-30"), SKPI_EPARSE);
    ck_assert_status(skpi_options_add_holiday(o, "1900-01-01"), SKPI_EOPTION);
    ck_assert_status(skpi_options_add_holiday(NULL, "2024-01-01"), SKPI_EINVAL);
    ck_assert_status(skpi_tracker_new(o, &k), SKPI_OK);
    skpi_options_free(o);
    ck_assert_int_eq(skpi_tracker_has_business_hours(k), 1);
    /* Thursday 2024-04-04 14:00, answered Sunday 08:00: 30 + 30 minutes
     * of business time, 66 hours of calendar time. */
    ck_assert_status(skpi_record_message_id(k, TW, 0, at("2024-04-04T14:00:00+04:00"), "m1", NULL), SKPI_OK);
    ck_assert_status(skpi_record_reply(k, TW, "m1", at("2024-04-07T08:00:00+04:00")), SKPI_OK);
    /* Tuesday 2024-04-09 14:00, answered Thursday 08:00 across the
     * Wednesday holiday: 30 + 30 minutes. */
    ck_assert_status(skpi_record_message_id(k, TW, 0, at("2024-04-09T14:00:00+04:00"), "m2", NULL), SKPI_OK);
    ck_assert_status(skpi_record_reply(k, TW, "m2", at("2024-04-11T08:00:00+04:00")), SKPI_OK);
    /* Friday 09:00 answered Friday 10:00: entirely out of hours, 0. */
    ck_assert_status(skpi_record_message_id(k, TW, 0, at("2024-04-05T09:00:00+04:00"), "m3", NULL), SKPI_OK);
    ck_assert_status(skpi_record_reply(k, TW, "m3", at("2024-04-05T10:00:00+04:00")), SKPI_OK);
    skpi_report *r = report_of(k, "2024-04-01T00:00:00+04:00", "2024-04-15T00:00:00+04:00");
    int64_t n, mn, mx;
    double mean;
    ck_assert_status(skpi_report_response_time(r, SKPI_ALL, SKPI_ALL, 1, &n, &mean, &mn, &mx), SKPI_OK);
    ck_assert_int_eq(n, 3);
    ck_assert_int_eq(mn, 0);
    ck_assert_int_eq(mx, 3600);
    ck_assert_double_eq(mean, 2400.0);
    ck_assert_status(skpi_report_response_time(r, SKPI_ALL, SKPI_ALL, 0, &n, &mean, &mn, &mx), SKPI_OK);
    ck_assert_int_eq(mn, 3600);
    ck_assert_int_eq(mx, 66 * 3600);
    skpi_report_free(r);
    skpi_tracker_free(k);
}
END_TEST

START_TEST(test_people)
{
    ck_assert_status(skpi_record_engagement_by(t, TW, SKPI_KIND_LIKE, at(D10), 3, "dave"), SKPI_OK);
    ck_assert_status(skpi_record_engagement_by_slug(t, "facebook", "share", at(D10), 1, "dave"), SKPI_OK);
    ck_assert_status(skpi_record_engagement_by(t, FB, SKPI_KIND_LIKE, at(D10), 2, "erin"), SKPI_OK);
    /* Followers: Twitter {u1, u2, u3}, Facebook {u2, u3, u4}: 4 people. */
    static const char *const tw[] = {"u1", "u2", "u3", "u1"};
    static const char *const fb[] = {"u2", "u3", "u4"};
    for (int i = 0; i < 4; i++)
        ck_assert_status(skpi_record_follower(t, TW, at(D10) + i, tw[i]), SKPI_OK);
    for (int i = 0; i < 3; i++)
        ck_assert_status(skpi_record_follower_slug(t, "facebook", at(D10) + i, fb[i]), SKPI_OK);
    skpi_report *r = report_of(t, D10, D11);
    int64_t n = -1;
    double err = -1;
    ck_assert_status(skpi_report_people(r, SKPI_PEOPLE_AUTHORS, SKPI_ALL, &n, &err), SKPI_OK);
    ck_assert_int_eq(n, 3); /* alice, bob, carol */
    ck_assert(err > 0 && err < 0.001);
    ck_assert_status(skpi_report_people(r, SKPI_PEOPLE_AUTHORS, TW, &n, NULL), SKPI_OK);
    ck_assert_int_eq(n, 2);
    ck_assert_status(skpi_report_people(r, SKPI_PEOPLE_ENGAGERS, SKPI_ALL, &n, NULL), SKPI_OK);
    ck_assert_int_eq(n, 2);
    ck_assert_status(skpi_report_people(r, SKPI_PEOPLE_FOLLOWERS, SKPI_ALL, &n, NULL), SKPI_OK);
    ck_assert_int_eq(n, 4);
    ck_assert_status(skpi_report_people(r, SKPI_PEOPLE_FOLLOWERS, TW, &n, NULL), SKPI_OK);
    ck_assert_int_eq(n, 3);
    ck_assert_status(skpi_report_people(r, SKPI_PEOPLE_FOLLOWERS, IG, &n, NULL), SKPI_ENODATA);
    ck_assert_status(skpi_report_people(r, 3, SKPI_ALL, &n, NULL), SKPI_EOPTION);
    ck_assert_status(skpi_report_people(r, SKPI_PEOPLE_AUTHORS, 9, &n, NULL), SKPI_ENOTFOUND);
    ck_assert_status(skpi_report_people(NULL, 0, SKPI_ALL, &n, NULL), SKPI_EINVAL);
    int64_t e;
    ck_assert_status(skpi_report_engagement(r, SKPI_ALL, SKPI_ALL, &e), SKPI_OK);
    ck_assert_int_eq(e, 6);
    skpi_report_free(r);
    /* A filtered report unites only its platforms. */
    const uint32_t only_fb[] = {FB};
    ck_assert_status(skpi_report_new(t, at(D10), at(D11), only_fb, 1, &r), SKPI_OK);
    ck_assert_status(skpi_report_people(r, SKPI_PEOPLE_FOLLOWERS, SKPI_ALL, &n, NULL), SKPI_OK);
    ck_assert_int_eq(n, 3);
    skpi_report_free(r);
}
END_TEST

START_TEST(test_people_accuracy)
{
    /* 100,000 distinct followers over two platforms with 20,000 shared:
     * within 3 standard errors of 1.04 / sqrt(2^14). */
    skpi_tracker *k = tracker_in("Z", SKPI_BUCKET_DAY);
    char id[32];
    int64_t d = at("2024-03-10T00:00:00Z");
    for (int i = 0; i < 60000; i++) {
        snprintf(id, sizeof id, "user-%d", i);
        ck_assert(skpi_record_follower(k, TW, d, id) == SKPI_OK);
    }
    for (int i = 40000; i < 100000; i++) {
        snprintf(id, sizeof id, "user-%d", i);
        ck_assert(skpi_record_follower(k, FB, d + 60, id) == SKPI_OK);
    }
    skpi_report *r = report_of(k, "2024-03-10T00:00:00Z", "2024-03-11T00:00:00Z");
    int64_t n;
    double err;
    ck_assert_status(skpi_report_people(r, SKPI_PEOPLE_FOLLOWERS, SKPI_ALL, &n, &err), SKPI_OK);
    ck_assert_double_eq_tol(err, 1.04 / 128.0, 1e-12);
    ck_assert_msg(fabs((double)n - 100000.0) <= 3 * err * 100000.0, "estimate %lld", (long long)n);
    skpi_report_free(r);
    skpi_tracker_free(k);
}
END_TEST

START_TEST(test_option_errors)
{
    skpi_options *o = NULL;
    ck_assert_status(skpi_options_new(&o), SKPI_OK);
    ck_assert_status(skpi_options_set_quantile_accuracy(o, 0.0), SKPI_EOPTION);
    ck_assert_status(skpi_options_set_quantile_accuracy(o, 0.06), SKPI_EOPTION);
    ck_assert_status(skpi_options_set_quantile_accuracy(o, NAN), SKPI_EOPTION);
    ck_assert_status(skpi_options_set_quantile_accuracy(NULL, 0.01), SKPI_EINVAL);
    ck_assert_status(skpi_options_set_quantile_accuracy(o, 0.001), SKPI_OK);
    ck_assert_status(skpi_options_set_people_precision(o, 3), SKPI_EOPTION);
    ck_assert_status(skpi_options_set_people_precision(o, 19), SKPI_EOPTION);
    ck_assert_status(skpi_options_set_people_precision(NULL, 14), SKPI_EINVAL);
    ck_assert_status(skpi_options_set_people_precision(o, 10), SKPI_OK);
    ck_assert_status(skpi_options_set_open_limit(o, 0), SKPI_EOPTION);
    ck_assert_status(skpi_options_set_open_limit(NULL, 5), SKPI_EINVAL);
    skpi_tracker *k = NULL;
    ck_assert_status(skpi_tracker_new(o, &k), SKPI_OK);
    skpi_options_free(o);
    /* The precision shows in the error of a dense sketch: 1.04 / 32. */
    char id[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(id, sizeof id, "p%d", i);
        ck_assert(skpi_record_follower(k, TW, 0, id) == SKPI_OK);
    }
    skpi_report *r = NULL;
    double err;
    ck_assert_status(skpi_report_new(k, 0, 86400, NULL, 0, &r), SKPI_OK);
    ck_assert_status(skpi_report_people(r, SKPI_PEOPLE_FOLLOWERS, TW, NULL, &err), SKPI_OK);
    ck_assert_double_eq_tol(err, 1.04 / 32.0, 1e-12);
    skpi_report_free(r);
    skpi_tracker_free(k);
}
END_TEST

static Suite *reply_suite(void)
{
    Suite *s = suite_create("reply");
    TCase *core = tcase_create("core");
    tcase_add_checked_fixture(core, scenario, teardown);
    tcase_add_test(core, test_counts_and_rate);
    tcase_add_test(core, test_response_time);
    tcase_add_test(core, test_backlog);
    tcase_add_test(core, test_anomalies);
    tcase_add_test(core, test_ids_per_platform);
    tcase_add_test(core, test_people);
    suite_add_tcase(s, core);
    TCase *limits = tcase_create("limits");
    tcase_add_test(limits, test_backlog_late_answers);
    tcase_add_test(limits, test_open_limit);
    tcase_add_test(limits, test_business_time);
    tcase_add_test(limits, test_people_accuracy);
    suite_add_tcase(s, limits);
    TCase *errors = tcase_create("errors");
    tcase_add_checked_fixture(errors, scenario, teardown);
    tcase_add_test(errors, test_id_errors);
    tcase_add_test(errors, test_option_errors);
    suite_add_tcase(s, errors);
    return s;
}

SKPI_CHECK_MAIN(reply_suite)

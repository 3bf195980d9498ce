/*
 * check_json.c -- the JSON report: exact bytes for a small known tracker,
 * pretty and compact forms agreeing, the change object, flags and errors.
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"

static skpi_tracker *t;
static int64_t day0, day1;

static void setup(void)
{
    t = tracker_in("Z", SKPI_BUCKET_DAY);
    day0 = at("2024-03-10T00:00:00Z");
    day1 = at("2024-03-11T00:00:00Z");
    int64_t ten = at("2024-03-10T10:00:00Z");
    ck_assert_status(skpi_record_message(t, 0, 0, ten), SKPI_OK);
    ck_assert_status(skpi_record_message(t, 0, 0, ten), SKPI_OK);
    ck_assert_status(skpi_record_response(t, 0, 0, ten, ten + 600), SKPI_OK);
    ck_assert_status(skpi_record_rating(t, 0, ten, 5), SKPI_OK);
    ck_assert_status(skpi_record_engagement(t, 0, SKPI_KIND_LIKE, ten, 10), SKPI_OK);
    ck_assert_status(skpi_record_posts(t, 0, ten, 2), SKPI_OK);
    ck_assert_status(skpi_record_followers(t, 0, ten, 100), SKPI_OK);
}

static void teardown(void)
{
    skpi_tracker_free(t);
    t = NULL;
}

static const char expected_compact[] =
    "{\"period\":{\"from\":\"2024-03-10T00:00:00Z\",\"to\":\"2024-03-11T00:00:00Z\","
    "\"tz\":\"Z\",\"from_unix\":1710028800,\"to_unix\":1710115200,\"bucket\":\"day\"},"
    "\"filter\":{\"platforms\":[\"twitter\",\"facebook\",\"instagram\"]},"
    "\"messages\":{\"total\":2,\"inquiries_and_remarks\":2,"
    "\"by_group\":{\"inquiry\":2,\"complaint\":0,\"appreciation\":0},"
    "\"by_category\":{\"general_inquiry\":2,\"help_request\":0,\"traffic_inquiry\":0,"
    "\"criminal_inquiry\":0,\"service_complaint\":0,\"general_complaint\":0,\"thanks\":0},"
    "\"by_platform\":{\"twitter\":2,\"facebook\":0,\"instagram\":0}},"
    "\"responses\":{\"expected\":2,\"answered\":1,\"rate\":0.5,"
    "\"sla\":[{\"seconds\":3600,\"within\":1,\"expected\":2,\"rate\":0.5},"
    "{\"seconds\":86400,\"within\":1,\"expected\":2,\"rate\":0.5}],"
    "\"by_platform\":{\"twitter\":{\"expected\":2,\"answered\":1,\"rate\":0.5},"
    "\"facebook\":{\"expected\":0,\"answered\":0,\"rate\":null},"
    "\"instagram\":{\"expected\":0,\"answered\":0,\"rate\":null}},"
    "\"first_response_seconds\":{\"n\":1,\"mean\":600,\"p50\":600,\"p90\":600,"
    "\"p95\":600,\"p99\":600,\"min\":600,\"max\":600},"
    "\"business_first_response_seconds\":null,"
    "\"backlog\":{\"count\":1,\"oldest_age_seconds\":86400},"
    "\"unmatched_replies\":0,\"early_replies\":0,\"later_replies\":0,"
    "\"duplicate_messages\":0,\"forgotten_messages\":0},"
    "\"satisfaction\":{\"ratings\":1,\"satisfied\":1,\"rate\":1,\"mean\":5,\"threshold\":4,"
    "\"scale\":[1,5],\"distribution\":{\"1\":0,\"2\":0,\"3\":0,\"4\":0,\"5\":1}},"
    "\"engagement\":{\"total\":10,\"by_kind\":{\"like\":10,\"share\":0,\"comment\":0},"
    "\"by_platform\":{\"twitter\":10,\"facebook\":0,\"instagram\":0},"
    "\"posts\":2,\"per_post\":5,\"followers\":100,\"per_follower\":0.1},"
    "\"followers\":{\"by_platform\":{\"twitter\":100,\"facebook\":null,\"instagram\":null},"
    "\"change_by_platform\":{\"twitter\":{\"start\":100,\"end\":100,\"change\":0,\"growth\":0},"
    "\"facebook\":null,\"instagram\":null},"
    "\"sum\":100,\"unique\":null,\"unique_error\":null,\"unique_bounds\":[100,100]},"
    "\"people\":{\"unique_authors\":null,\"unique_authors_error\":null,"
    "\"unique_engagers\":null,\"unique_engagers_error\":null,"
    "\"unique_followers\":null,\"unique_followers_error\":null,"
    "\"by_platform\":{\"twitter\":{\"authors\":null,\"engagers\":null,\"followers\":null},"
    "\"facebook\":{\"authors\":null,\"engagers\":null,\"followers\":null},"
    "\"instagram\":{\"authors\":null,\"engagers\":null,\"followers\":null}}}}";

START_TEST(test_exact_compact)
{
    char *json = NULL;
    size_t len = 0;
    ck_assert_status(skpi_report_json(t, day0, day1, NULL, 0, SKPI_JSON_NO_CHANGE, &json, &len), SKPI_OK);
    ck_assert_str_eq(json, expected_compact);
    ck_assert_uint_eq(len, strlen(expected_compact));
    skpi_free(json);
}
END_TEST

/* Remove the whitespace that pretty printing adds (no string in this
 * report holds a space, a newline or a tab). */
static void squeeze(char *s)
{
    char *w = s;
    for (; *s; s++) {
        if (*s != ' ' && *s != '\n')
            *w++ = *s;
    }
    *w = '\0';
}

START_TEST(test_pretty_matches_compact)
{
    char *json = NULL;
    ck_assert_status(skpi_report_json(t, day0, day1, NULL, 0, SKPI_JSON_PRETTY | SKPI_JSON_NO_CHANGE, &json, NULL), SKPI_OK);
    ck_assert_ptr_nonnull(strstr(json, "{\n  \"period\": {\n    \"from\": \"2024-03-10T00:00:00Z\",\n"));
    ck_assert_ptr_nonnull(strstr(json, "\n  \"sla\"") == NULL ? strstr(json, "\n    \"sla\": [\n      {\n") : NULL);
    size_t n = strlen(json);
    ck_assert(n > 2 && json[n - 2] == '}' && json[n - 1] == '\n');
    squeeze(json);
    ck_assert_str_eq(json, expected_compact);
    skpi_free(json);
}
END_TEST

START_TEST(test_change_object)
{
    /* The day before holds one message and 80 followers; the day a year
     * before holds nothing, so relative changes against it are null. */
    ck_assert_status(skpi_record_message(t, 1, 4, at("2024-03-09T08:00:00Z")), SKPI_OK);
    ck_assert_status(skpi_record_followers(t, 0, at("2024-03-09T08:00:00Z"), 80), SKPI_OK);
    char *json = NULL;
    ck_assert_status(skpi_report_json(t, day0, day1, NULL, 0, 0, &json, NULL), SKPI_OK);
    ck_assert_ptr_nonnull(strstr(json,
        ",\"change\":{\"previous\":{\"period\":{\"from\":\"2024-03-09T00:00:00Z\","
        "\"to\":\"2024-03-10T00:00:00Z\",\"tz\":\"Z\",\"from_unix\":1709942400,"
        "\"to_unix\":1710028800,\"bucket\":\"day\"},\"kpis\":{"
        "\"messages.total\":{\"current\":2,\"previous\":1,\"delta\":1,\"relative\":1},"));
    ck_assert_ptr_nonnull(strstr(json,
        "\"followers.sum\":{\"current\":100,\"previous\":80,\"delta\":20,\"relative\":0.25}}}"));
    ck_assert_ptr_nonnull(strstr(json,
        "\"year_earlier\":{\"period\":{\"from\":\"2023-03-10T00:00:00Z\","
        "\"to\":\"2023-03-11T00:00:00Z\""));
    ck_assert_ptr_nonnull(strstr(json,
        "\"messages.total\":{\"current\":2,\"previous\":0,\"delta\":2,\"relative\":null}"));
    ck_assert_ptr_nonnull(strstr(json,
        "\"responses.rate\":{\"current\":0.5,\"previous\":null,\"delta\":null,\"relative\":null}"));
    /* The followers in effect at the start now come from the day before. */
    ck_assert_ptr_nonnull(strstr(json,
        "\"twitter\":{\"start\":80,\"end\":100,\"change\":20,\"growth\":0.25}"));
    skpi_free(json);
}
END_TEST

START_TEST(test_no_follower_readings_are_null)
{
    /* The day after holds one message and no follower reading: the sum
     * and the bounds are unknown, not zero, and so is their change. */
    int64_t day2 = at("2024-03-12T00:00:00Z");
    ck_assert_status(skpi_record_message(t, 0, 0, day1 + 60), SKPI_OK);
    char *json = NULL;
    ck_assert_status(skpi_report_json(t, day1, day2, NULL, 0, 0, &json, NULL), SKPI_OK);
    ck_assert_ptr_nonnull(strstr(json,
        "\"followers\":{\"by_platform\":{\"twitter\":null,\"facebook\":null,\"instagram\":null},"
        "\"change_by_platform\":{\"twitter\":null,\"facebook\":null,\"instagram\":null},"
        "\"sum\":null,\"unique\":null,\"unique_error\":null,\"unique_bounds\":null}"));
    ck_assert_ptr_nonnull(strstr(json,
        "\"followers.sum\":{\"current\":null,\"previous\":100,\"delta\":null,\"relative\":null}"));
    skpi_free(json);
}
END_TEST

START_TEST(test_ids_in_json)
{
    /* Follower ids and message ids fill the distinct counts, the reply
     * anomalies and the backlog. */
    ck_assert_status(skpi_record_follower(t, 0, day0, "ann"), SKPI_OK);
    ck_assert_status(skpi_record_follower(t, 1, day0, "ann"), SKPI_OK);
    ck_assert_status(skpi_record_follower(t, 1, day0, "ben"), SKPI_OK);
    ck_assert_status(skpi_record_message_id(t, 1, 4, day0 + 7200, "m1", "cat"), SKPI_OK);
    ck_assert_status(skpi_record_reply(t, 1, "zz", day0 + 7300), SKPI_EUNMATCHED);
    char *json = NULL;
    ck_assert_status(skpi_report_json(t, day0, day1, NULL, 0, SKPI_JSON_NO_CHANGE, &json, NULL), SKPI_OK);
    ck_assert_ptr_nonnull(strstr(json, "\"backlog\":{\"count\":2,\"oldest_age_seconds\":86400},\"unmatched_replies\":1,"));
    ck_assert_ptr_nonnull(strstr(json, "\"sum\":100,\"unique\":2,\"unique_error\":0.000179"));
    ck_assert_ptr_nonnull(strstr(json, "\"people\":{\"unique_authors\":1,\"unique_authors_error\":0.000179"));
    ck_assert_ptr_nonnull(strstr(json, "\"facebook\":{\"authors\":1,\"engagers\":null,\"followers\":2}"));
    skpi_free(json);
}
END_TEST

START_TEST(test_counts_stay_exact)
{
    /* Counts past 2^53 are written as exact integers, changes included. */
    ck_assert_status(skpi_record_engagement(t, 1, 0, day0 + 5, INT64_MAX - 10), SKPI_OK);
    char *json = NULL;
    ck_assert_status(skpi_report_json(t, day0, day1, NULL, 0, 0, &json, NULL), SKPI_OK);
    ck_assert_ptr_nonnull(strstr(json, "\"facebook\":9223372036854775797,"));
    ck_assert_ptr_nonnull(strstr(json,
        "\"engagement.total\":{\"current\":9223372036854775807,\"previous\":0,"
        "\"delta\":9223372036854775807,\"relative\":null}"));
    skpi_free(json);
}
END_TEST

START_TEST(test_change_before_1970)
{
    /* The period before the first day cannot be formed: null. */
    char *json = NULL;
    ck_assert_status(skpi_report_json(t, 0, 86400, NULL, 0, 0, &json, NULL), SKPI_OK);
    ck_assert_ptr_nonnull(strstr(json, "\"change\":{\"previous\":null,\"year_earlier\":null}}"));
    skpi_free(json);
}
END_TEST

START_TEST(test_filter_and_locale)
{
    const uint32_t only[] = {SKPI_PLATFORM_FACEBOOK, SKPI_PLATFORM_TWITTER};
    char *json = NULL;
    /* A host program's locale must not turn "0.5" into "0,5", nor, where
     * the decimal point is U+066B (two bytes), into "0..5".  CI generates
     * both locales; elsewhere a missing one is noted and skipped. */
    static const char *const locales[] = {"C", "de_DE.UTF-8", "ps_AF.UTF-8"};
    for (size_t i = 0; i < sizeof locales / sizeof locales[0]; i++) {
        if (setlocale(LC_NUMERIC, locales[i]) == NULL) {
            fprintf(stderr, "note: locale %s not installed, skipped\n", locales[i]);
            continue;
        }
        ck_assert_status(skpi_report_json(t, day0, day1, only, 2, SKPI_JSON_NO_CHANGE, &json, NULL), SKPI_OK);
        setlocale(LC_NUMERIC, "C");
        ck_assert_ptr_nonnull(strstr(json, "\"filter\":{\"platforms\":[\"twitter\",\"facebook\"]}"));
        ck_assert_ptr_nonnull(strstr(json, "\"rate\":0.5,"));
        ck_assert_ptr_nonnull(strstr(json, "\"per_follower\":0.1}"));
        skpi_free(json);
    }
}
END_TEST

START_TEST(test_label_escaping_not_needed_for_slugs)
{
    /* Slugs are the keys; Arabic labels never enter the JSON keys. */
    uint32_t id;
    ck_assert_status(skpi_taxonomy_add(t, SKPI_PLATFORM, "tiktok", "\xd8\xaa\xd9\x8a\xd9\x83 \"quoted\"", &id), SKPI_OK);
    char *json = NULL;
    ck_assert_status(skpi_report_json(t, day0, day1, NULL, 0, SKPI_JSON_NO_CHANGE, &json, NULL), SKPI_OK);
    ck_assert_ptr_nonnull(strstr(json, "\"instagram\":0,\"tiktok\":0}"));
    ck_assert_ptr_null(strstr(json, "quoted"));
    skpi_free(json);
}
END_TEST

START_TEST(test_errors)
{
    char *json = (char *)"untouched";
    size_t len = 77;
    ck_assert_status(skpi_report_json(NULL, day0, day1, NULL, 0, 0, &json, &len), SKPI_EINVAL);
    ck_assert_status(skpi_report_json(t, day0, day1, NULL, 0, 0, NULL, &len), SKPI_EINVAL);
    ck_assert_status(skpi_report_json(t, day0, day1, NULL, 0, 4, &json, &len), SKPI_EOPTION);
    ck_assert_status(skpi_report_json(t, day1, day0, NULL, 0, 0, &json, &len), SKPI_ERANGE);
    ck_assert_status(skpi_report_json(t, day0 + 1, day1, NULL, 0, 0, &json, &len), SKPI_EALIGN);
    const uint32_t bad[] = {7};
    ck_assert_status(skpi_report_json(t, day0, day1, bad, 1, 0, &json, &len), SKPI_ENOTFOUND);
    ck_assert_str_eq(json, "untouched");
    ck_assert_uint_eq(len, 77);
}
END_TEST

static Suite *json_suite(void)
{
    Suite *s = suite_create("json");
    TCase *core = tcase_create("core");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_test(core, test_exact_compact);
    tcase_add_test(core, test_pretty_matches_compact);
    tcase_add_test(core, test_change_object);
    tcase_add_test(core, test_change_before_1970);
    tcase_add_test(core, test_no_follower_readings_are_null);
    tcase_add_test(core, test_counts_stay_exact);
    tcase_add_test(core, test_ids_in_json);
    tcase_add_test(core, test_filter_and_locale);
    tcase_add_test(core, test_label_escaping_not_needed_for_slugs);
    suite_add_tcase(s, core);
    TCase *errors = tcase_create("errors");
    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_add_test(errors, test_errors);
    suite_add_tcase(s, errors);
    return s;
}

SKPI_CHECK_MAIN(json_suite)

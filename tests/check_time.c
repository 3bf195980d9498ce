/*
 * check_time.c -- unit tests of time zones, time parsing and formatting
 * (lib/zone.c and, through them, lib/civil.c).
 *
 * Expected values are computed by hand from a few anchors, written as
 * named constants so that each can be checked on paper:
 *
 *   2024-01-01T00:00:00Z = 1704067200 = 54 * 365 days + 13 leap days
 *                          (1972, 1976, ..., 2020) = 19723 days
 *   2024-02-29T00:00:00Z = 2024-01-01 + (31 + 28) days
 *   2000-02-29T00:00:00Z =  951782400 = 11016 days
 *   2200-01-01T00:00:00Z = 7258118400 = SKPI_TIME_MAX
 *
 * Only the public API is used: the library hides every other symbol.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "socialkpi.h"

#define DAY INT64_C(86400)
#define HOUR INT64_C(3600)
#define T2024 INT64_C(1704067200)            /* 2024-01-01T00:00:00Z */
#define T2024_0229 (T2024 + (31 + 28) * DAY) /* 2024-02-29T00:00:00Z */
#define T2000_0229 INT64_C(951782400)        /* 2000-02-29T00:00:00Z */

/* ===================================================================== */
/* Helpers                                                               */
/* ===================================================================== */

/* A tracker in `zone`; the test fails if the zone is refused. */
static skpi_tracker *tracker_in(const char *zone)
{
    skpi_options *o = NULL;
    skpi_tracker *t = NULL;
    ck_assert_int_eq(skpi_options_new(&o), SKPI_OK);
    ck_assert_int_eq(skpi_options_set_zone(o, zone), SKPI_OK);
    ck_assert_int_eq(skpi_tracker_new(o, &t), SKPI_OK);
    skpi_options_free(o);
    return t;
}

/* Parse `text` and require `expected`. */
#define CHECK_TIME(text, expected)                                        \
    do {                                                                  \
        int64_t v_ = -1;                                                  \
        ck_assert_int_eq(skpi_time_parse((text), &v_), SKPI_OK);          \
        ck_assert_int_eq(v_, (expected));                                 \
    } while (0)

/* Parse `text`, require status `st` and an untouched out-parameter. */
#define CHECK_TIME_FAILS(text, st)                                        \
    do {                                                                  \
        int64_t v_ = 42;                                                  \
        ck_assert_int_eq(skpi_time_parse((text), &v_), (st));             \
        ck_assert_int_eq(v_, 42);                                         \
    } while (0)

/* Format `time` in tracker t and require `expected`. */
#define CHECK_FORMAT(t, time, expected)                                   \
    do {                                                                  \
        char b_[SKPI_TIME_BUFSIZE];                                       \
        ck_assert_int_eq(skpi_time_format((t), (time), b_, sizeof b_),    \
                         SKPI_OK);                                        \
        ck_assert_str_eq(b_, (expected));                                 \
    } while (0)

/* ===================================================================== */
/* core                                                                  */
/* ===================================================================== */

START_TEST(test_parse_utc_forms)
{
    CHECK_TIME("2024-01-01T00:00:00Z", T2024);
    CHECK_TIME("2024-01-01T00:00Z", T2024);
    CHECK_TIME("2024-01-01 00:00:00Z", T2024);
    CHECK_TIME("2024-01-01T13:45:10Z", T2024 + 13 * HOUR + 45 * 60 + 10);
    CHECK_TIME("2023-12-31T23:59:59Z", T2024 - 1);
    /* "-00:00" is RFC 3339's "offset unknown": the same instant as Z. */
    CHECK_TIME("2024-01-01T00:00:00-00:00", T2024);
    CHECK_TIME("2024-01-01T00:00:00+00:00", T2024);
}
END_TEST

START_TEST(test_parse_unix_seconds)
{
    CHECK_TIME("1704067200", T2024);
    CHECK_TIME("0", 0);
    CHECK_TIME("000", 0);
    CHECK_TIME("86400", DAY);
}
END_TEST

START_TEST(test_parse_offsets)
{
    /* +04:00 in its three spellings. */
    CHECK_TIME("2024-01-01T04:00:00+04:00", T2024);
    CHECK_TIME("2024-01-01T04:00:00+0400", T2024);
    CHECK_TIME("2024-01-01T04:00:00+04", T2024);
    /* +05:30 and -03:00, -03:30. */
    CHECK_TIME("2024-01-01T05:30:00+05:30", T2024);
    CHECK_TIME("2024-01-01T05:30+0530", T2024);
    CHECK_TIME("2023-12-31T21:00:00-03:00", T2024);
    CHECK_TIME("2023-12-31T21:00-03", T2024);
    CHECK_TIME("2023-12-31T20:30:00-03:30", T2024);
    /* The extreme offsets. */
    CHECK_TIME("2024-01-01T14:00:00+14:00", T2024);
    CHECK_TIME("2023-12-31T10:00:00-14:00", T2024);
}
END_TEST

START_TEST(test_parse_fraction_floors)
{
    CHECK_TIME("2024-01-01T00:00:00.999Z", T2024);
    CHECK_TIME("2024-01-01T00:00:00.0Z", T2024);
    CHECK_TIME("2023-12-31T23:59:59.999999999Z", T2024 - 1);
    CHECK_TIME("2024-01-01T05:29:59.5+05:30", T2024 - 1);
    /* Many digits are read and ignored, never overflowed. */
    CHECK_TIME("2024-01-01T00:00:01.12345678901234567890123456789Z",
               T2024 + 1);
}
END_TEST

START_TEST(test_parse_leap_years)
{
    CHECK_TIME("2024-02-29T00:00:00Z", T2024_0229);
    CHECK_TIME("2024-03-01T00:00:00Z", T2024_0229 + DAY);
    CHECK_TIME("2000-02-29T00:00:00Z", T2000_0229);
    /* 2023-03-01 is 365 days after 2022-03-01 and 366 before 2024-03-01. */
    CHECK_TIME("2023-03-01T00:00:00Z", T2024_0229 + DAY - 366 * DAY);
    CHECK_TIME("2024-12-31T00:00:00Z", T2024 + 365 * DAY);
}
END_TEST

START_TEST(test_format_zones)
{
    skpi_tracker *utc = tracker_in("Z");
    skpi_tracker *p4 = tracker_in("+04:00");
    skpi_tracker *p530 = tracker_in("+05:30");
    skpi_tracker *m3 = tracker_in("-03:00");

    CHECK_FORMAT(utc, T2024, "2024-01-01T00:00:00Z");
    CHECK_FORMAT(p4, T2024, "2024-01-01T04:00:00+04:00");
    CHECK_FORMAT(p530, T2024, "2024-01-01T05:30:00+05:30");
    CHECK_FORMAT(m3, T2024, "2023-12-31T21:00:00-03:00");
    CHECK_FORMAT(utc, T2024_0229 + 12 * HOUR + 34 * 60 + 56,
                 "2024-02-29T12:34:56Z");
    CHECK_FORMAT(m3, T2024_0229 + DAY, "2024-02-29T21:00:00-03:00");
    CHECK_FORMAT(p530, T2000_0229 - 1, "2000-02-29T05:29:59+05:30");

    skpi_tracker_free(utc);
    skpi_tracker_free(p4);
    skpi_tracker_free(p530);
    skpi_tracker_free(m3);
}
END_TEST

START_TEST(test_format_round_trip)
{
    static const char *zones[] = {"Z", "+04:00", "+05:30", "-03:00",
                                  "+14:00", "-14:00"};
    static const int64_t times[] = {0, 1, T2000_0229 - 1, T2024, T2024_0229,
                                    T2024_0229 + DAY - 1,
                                    SKPI_TIME_MAX - 1};
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
        skpi_tracker *t = tracker_in(zones[i]);
        for (size_t j = 0; j < sizeof times / sizeof times[0]; j++) {
            char b[SKPI_TIME_BUFSIZE];
            int64_t back = -1;
            ck_assert_int_eq(skpi_time_format(t, times[j], b, sizeof b),
                             SKPI_OK);
            ck_assert_int_eq(skpi_time_parse(b, &back), SKPI_OK);
            ck_assert_int_eq(back, times[j]);
        }
        skpi_tracker_free(t);
    }
}
END_TEST

START_TEST(test_zone_canonical_names)
{
    static const struct {
        const char *in, *name;
    } cases[] = {
        {"Z", "Z"},           {"UTC", "Z"},         {"+00:00", "Z"},
        {"-00:00", "Z"},      {"+00", "Z"},         {"+04:00", "+04:00"},
        {"+0400", "+04:00"},  {"+04", "+04:00"},    {"+0530", "+05:30"},
        {"-03:30", "-03:30"}, {"-03", "-03:00"},    {"+14:00", "+14:00"},
        {"-14:00", "-14:00"}, {"+05:45", "+05:45"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        skpi_tracker *t = tracker_in(cases[i].in);
        ck_assert_str_eq(skpi_tracker_zone(t), cases[i].name);
        skpi_tracker_free(t);
    }
}
END_TEST

/* ===================================================================== */
/* limits                                                                */
/* ===================================================================== */

START_TEST(test_parse_range_edges)
{
    CHECK_TIME("1970-01-01T00:00:00Z", SKPI_TIME_MIN);
    CHECK_TIME("1970-01-01T04:00:00+04:00", SKPI_TIME_MIN);
    CHECK_TIME("1969-12-31T21:00:00-03:00", SKPI_TIME_MIN);
    CHECK_TIME("2199-12-31T23:59:59Z", SKPI_TIME_MAX - 1);
    CHECK_TIME("2200-01-01T03:59:59+04:00", SKPI_TIME_MAX - 1);
    CHECK_TIME("7258118399", SKPI_TIME_MAX - 1);

    CHECK_TIME_FAILS("1969-12-31T23:59:59Z", SKPI_ETIME);
    CHECK_TIME_FAILS("1970-01-01T00:00:00+00:01", SKPI_ETIME);
    CHECK_TIME_FAILS("1970-01-01T03:59:59+04:00", SKPI_ETIME);
    CHECK_TIME_FAILS("2200-01-01T00:00:00Z", SKPI_ETIME);
    CHECK_TIME_FAILS("2199-12-31T21:00:00-03:00", SKPI_ETIME);
    CHECK_TIME_FAILS("7258118400", SKPI_ETIME);
    CHECK_TIME_FAILS("0000-01-01T00:00:00Z", SKPI_ETIME);
    CHECK_TIME_FAILS("9999-12-31T23:59:59Z", SKPI_ETIME);
    /* Too large for int64_t: well formed, so out of range, not a syntax
     * error. */
    CHECK_TIME_FAILS("99999999999999999999999999", SKPI_ETIME);
    CHECK_TIME_FAILS("9223372036854775808", SKPI_ETIME);
}
END_TEST

START_TEST(test_format_range_edges)
{
    skpi_tracker *utc = tracker_in("Z");
    skpi_tracker *m3 = tracker_in("-03:00");
    skpi_tracker *p14 = tracker_in("+14:00");
    char b[SKPI_TIME_BUFSIZE] = "untouched";

    CHECK_FORMAT(utc, SKPI_TIME_MIN, "1970-01-01T00:00:00Z");
    CHECK_FORMAT(m3, SKPI_TIME_MIN, "1969-12-31T21:00:00-03:00");
    CHECK_FORMAT(utc, SKPI_TIME_MAX - 1, "2199-12-31T23:59:59Z");
    CHECK_FORMAT(p14, SKPI_TIME_MAX - 1, "2200-01-01T13:59:59+14:00");

    /* The ends of the reportable span print too: SKPI_TIME_MAX ends the
     * last UTC day, and local 1969-12-31 at -03:00 starts 21 hours before
     * SKPI_TIME_MIN; one second further does not. */
    CHECK_FORMAT(utc, SKPI_TIME_MAX, "2200-01-01T00:00:00Z");
    CHECK_FORMAT(m3, SKPI_TIME_MIN - 21 * 3600, "1969-12-31T00:00:00-03:00");
    ck_assert_int_eq(skpi_time_format(m3, SKPI_TIME_MIN - 21 * 3600 - 1, b, sizeof b),
                     SKPI_ETIME);
    ck_assert_int_eq(skpi_time_format(utc, SKPI_TIME_MAX + 1, b, sizeof b),
                     SKPI_ETIME);
    ck_assert_int_eq(skpi_time_format(utc, -1, b, sizeof b), SKPI_ETIME);
    ck_assert_int_eq(skpi_time_format(utc, INT64_MIN, b, sizeof b),
                     SKPI_ETIME);
    ck_assert_int_eq(skpi_time_format(utc, INT64_MAX, b, sizeof b),
                     SKPI_ETIME);
    ck_assert_str_eq(b, "untouched");

    skpi_tracker_free(utc);
    skpi_tracker_free(m3);
    skpi_tracker_free(p14);
}
END_TEST

START_TEST(test_format_buffer_size)
{
    skpi_tracker *utc = tracker_in("Z");
    skpi_tracker *p530 = tracker_in("+05:30");
    char b[SKPI_TIME_BUFSIZE];

    /* "2024-01-01T00:00:00Z" is 20 bytes and needs 21 with the NUL. */
    memset(b, 'x', sizeof b);
    ck_assert_int_eq(skpi_time_format(utc, T2024, b, 20), SKPI_EBUFSIZE);
    ck_assert_int_eq(b[0], 'x');
    ck_assert_int_eq(skpi_time_format(utc, T2024, b, 0), SKPI_EBUFSIZE);
    ck_assert_int_eq(b[0], 'x');
    ck_assert_int_eq(skpi_time_format(utc, T2024, b, 21), SKPI_OK);
    ck_assert_str_eq(b, "2024-01-01T00:00:00Z");

    /* "...+05:30" is 25 bytes and needs 26. */
    memset(b, 'x', sizeof b);
    ck_assert_int_eq(skpi_time_format(p530, T2024, b, 25), SKPI_EBUFSIZE);
    ck_assert_int_eq(b[0], 'x');
    ck_assert_int_eq(skpi_time_format(p530, T2024, b, 26), SKPI_OK);
    ck_assert_str_eq(b, "2024-01-01T05:30:00+05:30");

    skpi_tracker_free(utc);
    skpi_tracker_free(p530);
}
END_TEST

START_TEST(test_zone_extremes)
{
    skpi_options *o = NULL;
    ck_assert_int_eq(skpi_options_new(&o), SKPI_OK);
    ck_assert_int_eq(skpi_options_set_zone(o, "+14:00"), SKPI_OK);
    ck_assert_int_eq(skpi_options_set_zone(o, "-14:00"), SKPI_OK);
    ck_assert_int_eq(skpi_options_set_zone(o, "+1400"), SKPI_OK);
    ck_assert_int_eq(skpi_options_set_zone(o, "-14"), SKPI_OK);
    ck_assert_int_eq(skpi_options_set_zone(o, "+13:59"), SKPI_OK);
    ck_assert_int_eq(skpi_options_set_zone(o, "+14:01"), SKPI_EZONE);
    ck_assert_int_eq(skpi_options_set_zone(o, "-14:01"), SKPI_EZONE);
    ck_assert_int_eq(skpi_options_set_zone(o, "+15"), SKPI_EZONE);
    ck_assert_int_eq(skpi_options_set_zone(o, "+99:00"), SKPI_EZONE);
    ck_assert_int_eq(skpi_options_set_zone(o, "+05:60"), SKPI_EZONE);
    ck_assert_int_eq(skpi_options_set_zone(o, "+0560"), SKPI_EZONE);
    skpi_options_free(o);
}
END_TEST

/* ===================================================================== */
/* errors                                                                */
/* ===================================================================== */

START_TEST(test_parse_null)
{
    int64_t v = 42;
    ck_assert_int_eq(skpi_time_parse(NULL, &v), SKPI_EINVAL);
    ck_assert_int_eq(v, 42);
    ck_assert_int_eq(skpi_time_parse("2024-01-01T00:00:00Z", NULL),
                     SKPI_EINVAL);
}
END_TEST

START_TEST(test_parse_refuses_ambiguous)
{
    /* A bare date or a time without a zone names no single instant. */
    CHECK_TIME_FAILS("2024-01-01", SKPI_EPARSE);
    CHECK_TIME_FAILS("2024-01-01T00:00:00", SKPI_EPARSE);
    CHECK_TIME_FAILS("2024-01-01T00:00", SKPI_EPARSE);
    CHECK_TIME_FAILS("2024-01-01 00:00:00", SKPI_EPARSE);
    CHECK_TIME_FAILS("2024-01-01T00:00:00.5", SKPI_EPARSE);
}
END_TEST

START_TEST(test_parse_bad_fields)
{
    CHECK_TIME_FAILS("2023-02-29T00:00:00Z", SKPI_EPARSE);
    CHECK_TIME_FAILS("2100-02-29T00:00:00Z", SKPI_EPARSE); /* not leap */
    CHECK_TIME_FAILS("2024-02-30T00:00:00Z", SKPI_EPARSE);
    CHECK_TIME_FAILS("2024-04-31T00:00:00Z", SKPI_EPARSE);
    CHECK_TIME_FAILS("2024-13-01T00:00:00Z", SKPI_EPARSE);
    CHECK_TIME_FAILS("2024-00-01T00:00:00Z", SKPI_EPARSE);
    CHECK_TIME_FAILS("2024-01-00T00:00:00Z", SKPI_EPARSE);
    CHECK_TIME_FAILS("2024-01-32T00:00:00Z", SKPI_EPARSE);
    CHECK_TIME_FAILS("2024-01-01T24:00:00Z", SKPI_EPARSE);
    CHECK_TIME_FAILS("2024-01-01T23:60:00Z", SKPI_EPARSE);
    /* No leap seconds. */
    CHECK_TIME_FAILS("2016-12-31T23:59:60Z", SKPI_EPARSE);
    /* Offsets beyond +-14:00 or with minutes past 59. */
    CHECK_TIME_FAILS("2024-01-01T00:00:00+15:00", SKPI_EPARSE);
    CHECK_TIME_FAILS("2024-01-01T00:00:00+14:01", SKPI_EPARSE);
    CHECK_TIME_FAILS("2024-01-01T00:00:00+04:60", SKPI_EPARSE);
}
END_TEST

START_TEST(test_parse_bad_syntax)
{
    static const char *bad[] = {
        "",
        " ",
        "T",
        "Z",
        "-1",
        "+1704067200",
        "1.5",
        "0x10",
        "1704067200 ",
        " 1704067200",
        " 2024-01-01T00:00:00Z",
        "2024-01-01T00:00:00Z ",
        "2024-01-01T00:00:00ZZ",
        "2024-01-01t00:00:00Z",
        "2024-01-01T00:00:00z",
        "2024-01-01_00:00:00Z",
        "2024-01-01T00:00:00UTC",
        "2024-01-01T00:00:00 Z",
        "24-01-01T00:00:00Z",
        "02024-01-01T00:00:00Z",
        "2024-1-01T00:00:00Z",
        "2024-01-1T00:00:00Z",
        "2024/01/01T00:00:00Z",
        "20240101T000000Z",
        "2024-01-01T0:00:00Z",
        "2024-01-01T00Z",
        "2024-01-01T00:0Z",
        "2024-01-01T00:00:0Z",
        "2024-01-01T00:00:00.Z",
        "2024-01-01T00:00.5Z",
        "2024-01-01T00:00:00,5Z",
        "2024-01-01T00:00:00+4",
        "2024-01-01T00:00:00+4:00",
        "2024-01-01T00:00:00+04:0",
        "2024-01-01T00:00:00+040",
        "2024-01-01T00:00:00+04:00:00",
        "2024-01-01T00:00:00+04-00",
        "2024-01-01T00:00:00 +04:00",
        "2024-01-01T00:00:00+",
        "2024-01-01T00:00:00Z+04:00",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t v = 42;
        ck_assert_msg(skpi_time_parse(bad[i], &v) == SKPI_EPARSE,
                      "\"%s\" should not parse", bad[i]);
        ck_assert_int_eq(v, 42);
    }
}
END_TEST

START_TEST(test_format_null)
{
    skpi_tracker *t = tracker_in("Z");
    char b[SKPI_TIME_BUFSIZE];
    ck_assert_int_eq(skpi_time_format(NULL, T2024, b, sizeof b), SKPI_EINVAL);
    ck_assert_int_eq(skpi_time_format(t, T2024, NULL, sizeof b), SKPI_EINVAL);
    skpi_tracker_free(t);
}
END_TEST

START_TEST(test_zone_refused)
{
    /* IANA names are accepted now (tests/check_zone.c); these are neither
     * offsets nor zones. */
    static const char *bad[] = {
        "",       "z",       "utc",    "Asia/Nowhere", "UTC+4", "Asia/../UTC",
        "/etc/localtime", "+4",      "4",       "04:00",   "+004",    "+04:0",
        "+04:000", "+04-00",  " +04:00", "+04:00 ", "++04:00", "Z ",
    };
    skpi_options *o = NULL;
    ck_assert_int_eq(skpi_options_new(&o), SKPI_OK);
    ck_assert_int_eq(skpi_options_set_zone(o, "+04:00"), SKPI_OK);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(skpi_options_set_zone(o, bad[i]) == SKPI_EZONE,
                      "zone \"%s\" should be refused", bad[i]);
    /* A refused zone leaves the options as they were. */
    skpi_tracker *t = NULL;
    ck_assert_int_eq(skpi_tracker_new(o, &t), SKPI_OK);
    ck_assert_str_eq(skpi_tracker_zone(t), "+04:00");
    skpi_tracker_free(t);
    skpi_options_free(o);
}
END_TEST

/* ===================================================================== */
/* Suite                                                                 */
/* ===================================================================== */

Suite *time_suite(void);

Suite *time_suite(void)
{
    Suite *s = suite_create("time");

    TCase *core = tcase_create("core");
    tcase_add_test(core, test_parse_utc_forms);
    tcase_add_test(core, test_parse_unix_seconds);
    tcase_add_test(core, test_parse_offsets);
    tcase_add_test(core, test_parse_fraction_floors);
    tcase_add_test(core, test_parse_leap_years);
    tcase_add_test(core, test_format_zones);
    tcase_add_test(core, test_format_round_trip);
    tcase_add_test(core, test_zone_canonical_names);
    suite_add_tcase(s, core);

    TCase *limits = tcase_create("limits");
    tcase_add_test(limits, test_parse_range_edges);
    tcase_add_test(limits, test_format_range_edges);
    tcase_add_test(limits, test_format_buffer_size);
    tcase_add_test(limits, test_zone_extremes);
    suite_add_tcase(s, limits);

    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_parse_null);
    tcase_add_test(errors, test_parse_refuses_ambiguous);
    tcase_add_test(errors, test_parse_bad_fields);
    tcase_add_test(errors, test_parse_bad_syntax);
    tcase_add_test(errors, test_format_null);
    tcase_add_test(errors, test_zone_refused);
    suite_add_tcase(s, errors);

    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(time_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

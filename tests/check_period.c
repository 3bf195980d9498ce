/*
 * check_period.c -- unit tests of named periods and comparison periods
 * (lib/period.c, on top of lib/zone.c and lib/civil.c).
 *
 * Expected instants are built from the UTC midnights below, each computed
 * by hand from 1970-01-01 (day counts of whole years: 365, or 366 in leap
 * years), and then shifted by the tracker's offset: local midnight in a
 * zone at +04:00 comes 4 hours *before* UTC midnight, at -03:00 3 hours
 * after.
 *
 * Range decisions that the header leaves to the implementation, tested
 * here so that they stay put:
 *  - a well-formed period outside the reportable span ("1969", "9999") is
 *    SKPI_ETIME, never SKPI_EPARSE;
 *  - the reportable span is the whole local buckets around the accepted
 *    times: at +04:00 local 1970 starts 4 hours before SKPI_TIME_MIN, at
 *    -03:00 local 2199 ends 3 hours after SKPI_TIME_MAX, and both are
 *    fine, as is local 1969-12-31 at -03:00 (it holds 1970-01-01T00:00Z);
 *  - the ends of "A/B" are dates or ISO times, never bare Unix seconds
 *    ("2024/2025" would otherwise silently mean two seconds of 1970);
 *  - a range that is both whole months and whole ISO weeks (2024-Q1,
 *    2024-H1: 1 January and 1 April and 1 July 2024 are Mondays) moves back
 *    a year by months, to 2023-Q1 and 2023-H1, not by week numbers.
 */
#include <stdint.h>

#include "testutil.h"

#define DAY INT64_C(86400)
#define HOUR INT64_C(3600)

/* UTC midnights. */
#define D1970_0201 INT64_C(2678400)
#define D1971_0101 INT64_C(31536000)
#define D2019_1223 INT64_C(1577059200)
#define D2020_1228 INT64_C(1609113600)
#define D2021_0104 INT64_C(1609718400)
#define D2023_0101 INT64_C(1672531200)
#define D2023_0201 INT64_C(1675209600)
#define D2023_0227 INT64_C(1677456000)
#define D2023_0228 INT64_C(1677542400)
#define D2023_0301 INT64_C(1677628800)
#define D2023_0306 INT64_C(1678060800)
#define D2023_0401 INT64_C(1680307200)
#define D2023_0701 INT64_C(1688169600)
#define D2023_1001 INT64_C(1696118400)
#define D2023_1101 INT64_C(1698796800)
#define D2024_0101 INT64_C(1704067200)
#define D2024_0201 INT64_C(1706745600)
#define D2024_0220 INT64_C(1708387200)
#define D2024_0226 INT64_C(1708905600)
#define D2024_0228 INT64_C(1709078400)
#define D2024_0229 INT64_C(1709164800)
#define D2024_0301 INT64_C(1709251200)
#define D2024_0304 INT64_C(1709510400)
#define D2024_0401 INT64_C(1711929600)
#define D2024_0701 INT64_C(1719792000)
#define D2024_1001 INT64_C(1727740800)
#define D2025_0101 INT64_C(1735689600)
#define D2025_1229 INT64_C(1766966400)
#define D2199_0101 INT64_C(7226582400)

/* ===================================================================== */
/* Fixture and helpers                                                   */
/* ===================================================================== */

/* Trackers at UTC, +04:00, -03:00 and +05:30, made fresh for every test
 * (Check runs each test in its own process). */
static skpi_tracker *utc, *p4, *m3, *p530;

static void setup(void)
{
    utc = tracker_in("Z", SKPI_BUCKET_DAY);
    p4 = tracker_in("+04:00", SKPI_BUCKET_DAY);
    m3 = tracker_in("-03:00", SKPI_BUCKET_DAY);
    p530 = tracker_in("+05:30", SKPI_BUCKET_DAY);
}

static void teardown(void)
{
    skpi_tracker_free(utc);
    skpi_tracker_free(p4);
    skpi_tracker_free(m3);
    skpi_tracker_free(p530);
}

/* Parse period `text` in t and require [f, e). */
#define CHECK_PERIOD(t, text, f, e)                                       \
    do {                                                                  \
        int64_t f_ = -1, e_ = -1;                                         \
        ck_assert_int_eq(skpi_period_parse((t), (text), &f_, &e_),        \
                         SKPI_OK);                                        \
        ck_assert_int_eq(f_, (f));                                        \
        ck_assert_int_eq(e_, (e));                                        \
    } while (0)

/* Parse period `text` in t, require status st and untouched outputs. */
#define CHECK_PERIOD_FAILS(t, text, st)                                   \
    do {                                                                  \
        int64_t f_ = 42, e_ = 43;                                         \
        ck_assert_int_eq(skpi_period_parse((t), (text), &f_, &e_), (st)); \
        ck_assert_int_eq(f_, 42);                                         \
        ck_assert_int_eq(e_, 43);                                         \
    } while (0)

/* skpi_period_previous() of [f, e) in t must be [pf, pe). */
#define CHECK_PREVIOUS(t, f, e, pf, pe)                                   \
    do {                                                                  \
        int64_t pf_ = -1, pe_ = -1;                                       \
        ck_assert_int_eq(skpi_period_previous((t), (f), (e), &pf_, &pe_), \
                         SKPI_OK);                                        \
        ck_assert_int_eq(pf_, (pf));                                      \
        ck_assert_int_eq(pe_, (pe));                                      \
    } while (0)

/* skpi_period_year_earlier() of [f, e) in t must be [pf, pe). */
#define CHECK_YEAR_EARLIER(t, f, e, pf, pe)                               \
    do {                                                                  \
        int64_t pf_ = -1, pe_ = -1;                                       \
        ck_assert_int_eq(                                                 \
            skpi_period_year_earlier((t), (f), (e), &pf_, &pe_),          \
            SKPI_OK);                                                     \
        ck_assert_int_eq(pf_, (pf));                                      \
        ck_assert_int_eq(pe_, (pe));                                      \
    } while (0)

/* The previous / year-earlier period of named period `text`. */
#define CHECK_PREVIOUS_OF(t, text, pf, pe)                                \
    do {                                                                  \
        int64_t a_ = -1, b_ = -1;                                         \
        ck_assert_int_eq(skpi_period_parse((t), (text), &a_, &b_),        \
                         SKPI_OK);                                        \
        CHECK_PREVIOUS((t), a_, b_, (pf), (pe));                          \
    } while (0)
#define CHECK_YEAR_EARLIER_OF(t, text, pf, pe)                            \
    do {                                                                  \
        int64_t a_ = -1, b_ = -1;                                         \
        ck_assert_int_eq(skpi_period_parse((t), (text), &a_, &b_),        \
                         SKPI_OK);                                        \
        CHECK_YEAR_EARLIER((t), a_, b_, (pf), (pe));                      \
    } while (0)

/* ===================================================================== */
/* core: parsing                                                         */
/* ===================================================================== */

START_TEST(test_anchors)
{
    /* The constants above agree with day counts that can be checked on
     * paper, so that a typo in one cannot hide behind the code. */
    ck_assert_int_eq(D2024_0101, 19723 * DAY); /* 54 years, 13 leap days */
    ck_assert_int_eq(D2023_0101, D2024_0101 - 365 * DAY);
    ck_assert_int_eq(D2024_0201, D2024_0101 + 31 * DAY);
    ck_assert_int_eq(D2024_0228, D2024_0201 + 27 * DAY);
    ck_assert_int_eq(D2024_0229, D2024_0228 + DAY);
    ck_assert_int_eq(D2024_0301, D2024_0229 + DAY);
    ck_assert_int_eq(D2024_0220, D2024_0301 - 10 * DAY);
    ck_assert_int_eq(D2024_0226, D2024_0101 + 8 * 7 * DAY);
    ck_assert_int_eq(D2024_0304, D2024_0301 + 3 * DAY);
    ck_assert_int_eq(D2024_0401, D2024_0301 + 31 * DAY);
    ck_assert_int_eq(D2024_0701, D2024_0401 + (30 + 31 + 30) * DAY);
    ck_assert_int_eq(D2024_1001, D2024_0701 + (31 + 31 + 30) * DAY);
    ck_assert_int_eq(D2025_0101, D2024_1001 + (31 + 30 + 31) * DAY);
    ck_assert_int_eq(D2025_1229, D2025_0101 + 362 * DAY);
    ck_assert_int_eq(D2023_0201, D2023_0101 + 31 * DAY);
    ck_assert_int_eq(D2023_0227, D2023_0201 + 26 * DAY);
    ck_assert_int_eq(D2023_0228, D2023_0227 + DAY);
    ck_assert_int_eq(D2023_0301, D2023_0228 + DAY);
    ck_assert_int_eq(D2023_0306, D2023_0301 + 5 * DAY);
    ck_assert_int_eq(D2023_0401, D2023_0301 + 31 * DAY);
    ck_assert_int_eq(D2023_0701, D2023_0401 + (30 + 31 + 30) * DAY);
    ck_assert_int_eq(D2023_1001, D2023_0701 + (31 + 31 + 30) * DAY);
    ck_assert_int_eq(D2023_1101, D2023_1001 + 31 * DAY);
    ck_assert_int_eq(D2021_0104, D2023_0101 - (365 + 365 - 3) * DAY);
    ck_assert_int_eq(D2020_1228, D2021_0104 - 7 * DAY);
    ck_assert_int_eq(D2019_1223, D2020_1228 - 53 * 7 * DAY);
    ck_assert_int_eq(D1970_0201, 31 * DAY);
    ck_assert_int_eq(D1971_0101, 365 * DAY);
    ck_assert_int_eq(D2199_0101, SKPI_TIME_MAX - 365 * DAY);
    ck_assert_int_eq(SKPI_TIME_MAX, 84006 * DAY); /* 230 years, 56 leap */
}
END_TEST

START_TEST(test_parse_year_half_quarter)
{
    CHECK_PERIOD(utc, "2024", D2024_0101, D2025_0101);
    CHECK_PERIOD(utc, "2024-H1", D2024_0101, D2024_0701);
    CHECK_PERIOD(utc, "2024-H2", D2024_0701, D2025_0101);
    CHECK_PERIOD(utc, "2024-Q1", D2024_0101, D2024_0401);
    CHECK_PERIOD(utc, "2024-Q2", D2024_0401, D2024_0701);
    CHECK_PERIOD(utc, "2024-Q3", D2024_0701, D2024_1001);
    CHECK_PERIOD(utc, "2024-Q4", D2024_1001, D2025_0101);
    /* 2024 is a leap year, 2023 is not. */
    CHECK_PERIOD(utc, "2023", D2023_0101, D2024_0101);
    ck_assert_int_eq(D2025_0101 - D2024_0101, 366 * DAY);
    ck_assert_int_eq(D2024_0101 - D2023_0101, 365 * DAY);
}
END_TEST

START_TEST(test_parse_month)
{
    CHECK_PERIOD(utc, "2024-01", D2024_0101, D2024_0201);
    CHECK_PERIOD(utc, "2024-02", D2024_0201, D2024_0301);
    CHECK_PERIOD(utc, "2023-02", D2023_0201, D2023_0301);
    CHECK_PERIOD(utc, "2024-12", D2025_0101 - 31 * DAY, D2025_0101);
    /* February has 29 days in 2024, 28 in 2023. */
    ck_assert_int_eq(D2024_0301 - D2024_0201, 29 * DAY);
    ck_assert_int_eq(D2023_0301 - D2023_0201, 28 * DAY);
}
END_TEST

START_TEST(test_parse_week)
{
    /* 2024-01-01 is a Monday: week 1 starts on it. */
    CHECK_PERIOD(utc, "2024-W01", D2024_0101, D2024_0101 + 7 * DAY);
    CHECK_PERIOD(utc, "2024-W09", D2024_0226, D2024_0226 + 7 * DAY);
    CHECK_PERIOD(utc, "2024-W52", D2024_0101 + 51 * 7 * DAY,
                 D2024_0101 + 52 * 7 * DAY);
    /* 2021-01-01 is a Friday: its week belongs to 2020, week 1 starts on
     * Monday 2021-01-04. */
    CHECK_PERIOD(utc, "2021-W01", D2021_0104, D2021_0104 + 7 * DAY);
    /* 2026-01-01 is a Thursday: week 1 starts in December 2025. */
    CHECK_PERIOD(utc, "2026-W01", D2025_1229, D2025_1229 + 7 * DAY);
    /* 2020 has 53 weeks (it starts on a Wednesday and is leap). */
    CHECK_PERIOD(utc, "2020-W53", D2020_1228, D2021_0104);
}
END_TEST

START_TEST(test_parse_day)
{
    CHECK_PERIOD(utc, "2024-03-01", D2024_0301, D2024_0301 + DAY);
    CHECK_PERIOD(utc, "2024-02-29", D2024_0229, D2024_0301);
    CHECK_PERIOD(utc, "2024-02-28", D2024_0228, D2024_0229);
    CHECK_PERIOD(utc, "2000-02-29", INT64_C(951782400),
                 INT64_C(951782400) + DAY);
    CHECK_PERIOD(utc, "2024-12-31", D2025_0101 - DAY, D2025_0101);
}
END_TEST

START_TEST(test_parse_explicit_range)
{
    CHECK_PERIOD(utc, "2024-03-01/2024-03-08", D2024_0301,
                 D2024_0301 + 7 * DAY);
    CHECK_PERIOD(utc, "2024-03-01T10:00:00Z/2024-03-01T12:30:00+02:00",
                 D2024_0301 + 10 * HOUR, D2024_0301 + 10 * HOUR + 30 * 60);
    CHECK_PERIOD(utc, "2024-03-01 10:00Z/2024-03-02", D2024_0301 + 10 * HOUR,
                 D2024_0301 + DAY);
    CHECK_PERIOD_FAILS(utc, "1709251200/1709337600", SKPI_EPARSE);
    CHECK_PERIOD_FAILS(utc, "0/1", SKPI_EPARSE);
    CHECK_PERIOD_FAILS(utc, "2024/2025", SKPI_EPARSE);
    /* Fractions floor at both ends. */
    CHECK_PERIOD(utc, "2024-03-01T00:00:00.9Z/2024-03-01T00:00:01.9Z",
                 D2024_0301, D2024_0301 + 1);
}
END_TEST

START_TEST(test_parse_in_zones)
{
    /* Local midnight at +04:00 is 20:00Z the evening before. */
    CHECK_PERIOD(p4, "2024", D2024_0101 - 4 * HOUR, D2025_0101 - 4 * HOUR);
    CHECK_PERIOD(p4, "2024-W01", D2024_0101 - 4 * HOUR,
                 D2024_0101 + 7 * DAY - 4 * HOUR);
    CHECK_PERIOD(p4, "2024-02-29", D2024_0229 - 4 * HOUR,
                 D2024_0301 - 4 * HOUR);
    /* At -03:00 it is 03:00Z the same day. */
    CHECK_PERIOD(m3, "2024-Q2", D2024_0401 + 3 * HOUR, D2024_0701 + 3 * HOUR);
    CHECK_PERIOD(m3, "2024-H2", D2024_0701 + 3 * HOUR, D2025_0101 + 3 * HOUR);
    /* At +05:30 it is 18:30Z the evening before. */
    CHECK_PERIOD(p530, "2024-03", D2024_0301 - 5 * HOUR - 30 * 60,
                 D2024_0401 - 5 * HOUR - 30 * 60);
    CHECK_PERIOD(p530, "2024-03-01", D2024_0301 - 19800,
                 D2024_0301 + DAY - 19800);
    /* In an explicit range a date is local midnight, a time is absolute. */
    CHECK_PERIOD(p530, "2024-03-01/2024-03-02", D2024_0301 - 19800,
                 D2024_0301 + DAY - 19800);
    CHECK_PERIOD(p4, "2024-03-01T00:00:00Z/2024-03-02", D2024_0301,
                 D2024_0301 + DAY - 4 * HOUR);
}
END_TEST

/* ===================================================================== */
/* core: previous period                                                 */
/* ===================================================================== */

START_TEST(test_previous_months)
{
    /* Counted in months, whatever their lengths in days. */
    CHECK_PREVIOUS_OF(utc, "2024", D2023_0101, D2024_0101);
    CHECK_PREVIOUS_OF(utc, "2024-H1", D2023_0701, D2024_0101);
    CHECK_PREVIOUS_OF(utc, "2024-H2", D2024_0101, D2024_0701);
    CHECK_PREVIOUS_OF(utc, "2024-Q1", D2023_1001, D2024_0101);
    CHECK_PREVIOUS_OF(utc, "2024-Q2", D2024_0101, D2024_0401);
    CHECK_PREVIOUS_OF(utc, "2024-03", D2024_0201, D2024_0301);
    CHECK_PREVIOUS_OF(utc, "2024-04", D2024_0301, D2024_0401);
    CHECK_PREVIOUS_OF(utc, "2024-01", D2024_0101 - 31 * DAY, D2024_0101);
    /* Two months, from an explicit range of 1sts. */
    CHECK_PREVIOUS_OF(utc, "2024-01-01/2024-03-01", D2023_1101, D2024_0101);
    /* The same in local time. */
    CHECK_PREVIOUS_OF(p4, "2024-Q1", D2023_1001 - 4 * HOUR,
                      D2024_0101 - 4 * HOUR);
    CHECK_PREVIOUS_OF(p530, "2024-03", D2024_0201 - 19800,
                      D2024_0301 - 19800);
    CHECK_PREVIOUS_OF(m3, "2024-H1", D2023_0701 + 3 * HOUR,
                      D2024_0101 + 3 * HOUR);
}
END_TEST

START_TEST(test_previous_days)
{
    CHECK_PREVIOUS_OF(utc, "2024-W09", D2024_0226 - 7 * DAY, D2024_0226);
    CHECK_PREVIOUS_OF(utc, "2021-W01", D2021_0104 - 7 * DAY, D2021_0104);
    CHECK_PREVIOUS_OF(utc, "2024-03-01", D2024_0229, D2024_0301);
    CHECK_PREVIOUS_OF(utc, "2024-02-29", D2024_0228, D2024_0229);
    /* Ten days. */
    CHECK_PREVIOUS_OF(utc, "2024-03-01/2024-03-11", D2024_0220, D2024_0301);
    /* Local days in a zone. */
    CHECK_PREVIOUS_OF(m3, "2024-03-01", D2024_0229 + 3 * HOUR,
                      D2024_0301 + 3 * HOUR);
    CHECK_PREVIOUS_OF(p4, "2024-W09", D2024_0226 - 7 * DAY - 4 * HOUR,
                      D2024_0226 - 4 * HOUR);
}
END_TEST

START_TEST(test_previous_seconds)
{
    /* Two and a half hours. */
    CHECK_PREVIOUS(utc, D2024_0301 + 10 * HOUR, D2024_0301 + 12 * HOUR + 1800,
                   D2024_0301 + 7 * HOUR + 1800, D2024_0301 + 10 * HOUR);
    CHECK_PREVIOUS(utc, 100, 101, 99, 100);
    /* UTC midnights are not local midnights at +04:00: plain seconds. */
    CHECK_PREVIOUS(p4, D2024_0301, D2024_0301 + DAY, D2024_0229, D2024_0301);
    /* A month of UTC midnights at +04:00 is 29 days of seconds. */
    CHECK_PREVIOUS(p4, D2024_0201, D2024_0301, D2024_0201 - 29 * DAY,
                   D2024_0201);
    /* Midnight to a non-midnight: seconds. */
    CHECK_PREVIOUS(utc, D2024_0301, D2024_0301 + 36 * HOUR,
                   D2024_0301 - 36 * HOUR, D2024_0301);
}
END_TEST

/* ===================================================================== */
/* core: the same period a year earlier                                  */
/* ===================================================================== */

START_TEST(test_year_earlier_calendar)
{
    CHECK_YEAR_EARLIER_OF(utc, "2024", D2023_0101, D2024_0101);
    CHECK_YEAR_EARLIER_OF(utc, "2024-03", D2023_0301, D2023_0401);
    CHECK_YEAR_EARLIER_OF(utc, "2024-02", D2023_0201, D2023_0301);
    CHECK_YEAR_EARLIER_OF(utc, "2024-03-01", D2023_0301, D2023_0301 + DAY);
    /* A day range across the leap day. */
    CHECK_YEAR_EARLIER_OF(utc, "2024-02-20/2024-03-04", D2023_0301 - 9 * DAY,
                          D2023_0301 + 3 * DAY);
    /* In local time. */
    CHECK_YEAR_EARLIER_OF(p4, "2024-03", D2023_0301 - 4 * HOUR,
                          D2023_0401 - 4 * HOUR);
    CHECK_YEAR_EARLIER_OF(m3, "2024-02-29", D2023_0228 + 3 * HOUR,
                          D2023_0301 + 3 * HOUR);
}
END_TEST

START_TEST(test_year_earlier_leap_day)
{
    /* 29 February starts 28 February, and a range that ends at 29
     * February (through 28 February) ends at 1 March. */
    CHECK_YEAR_EARLIER_OF(utc, "2024-02-29", D2023_0228, D2023_0301);
    CHECK_YEAR_EARLIER_OF(utc, "2024-02-28", D2023_0228, D2023_0301);
    CHECK_YEAR_EARLIER_OF(utc, "2024-02-01/2024-02-29", D2023_0201,
                          D2023_0301);
    /* Within the leap day, the time of day is kept. */
    CHECK_YEAR_EARLIER(utc, D2024_0229 + 6 * HOUR, D2024_0229 + 18 * HOUR,
                       D2023_0228 + 6 * HOUR, D2023_0228 + 18 * HOUR);
    /* Both ends would land on 2023-02-28T12:00: the length is kept. */
    CHECK_YEAR_EARLIER(utc, D2024_0228 + 12 * HOUR, D2024_0229 + 12 * HOUR,
                       D2023_0228 + 12 * HOUR, D2023_0301 + 12 * HOUR);
}
END_TEST

START_TEST(test_year_earlier_months_before_weeks)
{
    /* 2024-01-01, 2024-04-01 and 2024-07-01 are Mondays, but these are
     * month periods and map to months. */
    CHECK_YEAR_EARLIER_OF(utc, "2024-H1", D2023_0101, D2023_0701);
    CHECK_YEAR_EARLIER_OF(utc, "2024-Q1", D2023_0101, D2023_0401);
    CHECK_YEAR_EARLIER_OF(utc, "2024-Q2", D2023_0401, D2023_0701);
    CHECK_YEAR_EARLIER_OF(p4, "2024-H1", D2023_0101 - 4 * HOUR,
                          D2023_0701 - 4 * HOUR);
}
END_TEST

START_TEST(test_year_earlier_weeks)
{
    /* 2023's week 1 starts on Monday 2023-01-02; week 9 on 2023-02-27. */
    CHECK_YEAR_EARLIER_OF(utc, "2024-W09", D2023_0227, D2023_0227 + 7 * DAY);
    CHECK_YEAR_EARLIER_OF(utc, "2024-W01", D2023_0101 + DAY,
                          D2023_0101 + 8 * DAY);
    /* 2019 has no week 53: 2020-W53 maps to 2019-W52. */
    CHECK_YEAR_EARLIER_OF(utc, "2020-W53", D2019_1223, D2019_1223 + 7 * DAY);
    /* 2021-W01 maps to 2020-W01, which starts on 2019-12-30. */
    CHECK_YEAR_EARLIER_OF(utc, "2021-W01", D2019_1223 + 7 * DAY,
                          D2019_1223 + 14 * DAY);
    /* Two weeks, W10 and W11, keep their length. */
    CHECK_YEAR_EARLIER_OF(utc, "2024-03-04/2024-03-18", D2023_0306,
                          D2023_0306 + 14 * DAY);
    ck_assert_int_eq(D2024_0304, D2024_0226 + 7 * DAY);
    /* Local Mondays at +04:00. */
    CHECK_YEAR_EARLIER_OF(p4, "2024-W09", D2023_0227 - 4 * HOUR,
                          D2023_0227 + 7 * DAY - 4 * HOUR);
}
END_TEST

START_TEST(test_year_earlier_seconds)
{
    /* 10:00 to 12:30 on 2024-03-01 becomes the same on 2023-03-01. */
    CHECK_YEAR_EARLIER(utc, D2024_0301 + 10 * HOUR,
                       D2024_0301 + 12 * HOUR + 1800, D2023_0301 + 10 * HOUR,
                       D2023_0301 + 12 * HOUR + 1800);
    /* Local wall-clock time is kept in a zone. */
    CHECK_YEAR_EARLIER(p530, D2024_0301 + 10 * HOUR, D2024_0301 + 11 * HOUR,
                       D2023_0301 + 10 * HOUR, D2023_0301 + 11 * HOUR);
}
END_TEST

/* ===================================================================== */
/* limits                                                                */
/* ===================================================================== */

START_TEST(test_parse_first_and_last_years)
{
    CHECK_PERIOD(utc, "1970", 0, D1971_0101);
    CHECK_PERIOD(utc, "1970-01", 0, D1970_0201);
    CHECK_PERIOD(utc, "1970-01-01", 0, DAY);
    CHECK_PERIOD(utc, "2199", D2199_0101, SKPI_TIME_MAX);
    CHECK_PERIOD(utc, "2199-H2", SKPI_TIME_MAX - 184 * DAY, SKPI_TIME_MAX);
    CHECK_PERIOD(utc, "2199-12-31", SKPI_TIME_MAX - DAY, SKPI_TIME_MAX);
    CHECK_PERIOD_FAILS(utc, "1969", SKPI_ETIME);
    CHECK_PERIOD_FAILS(utc, "1969-12-31", SKPI_ETIME);
    CHECK_PERIOD_FAILS(utc, "2200", SKPI_ETIME);
    CHECK_PERIOD_FAILS(utc, "2200-01-01", SKPI_ETIME);
    CHECK_PERIOD_FAILS(utc, "0000", SKPI_ETIME);
    CHECK_PERIOD_FAILS(utc, "9999-W52", SKPI_ETIME);
    /* ISO week 1 of 1970 starts on Monday 1969-12-29, before the range;
     * week 2 is fine. */
    CHECK_PERIOD_FAILS(utc, "1970-W01", SKPI_ETIME);
    CHECK_PERIOD(utc, "1970-W02", 4 * DAY, 11 * DAY);
}
END_TEST

START_TEST(test_parse_edges_in_zones)
{
    /* West of UTC, local 1969-12-31 holds the first accepted second and
     * local 2199 ends 3 hours after SKPI_TIME_MAX: both reportable. */
    CHECK_PERIOD(m3, "1970", 3 * HOUR, D1971_0101 + 3 * HOUR);
    CHECK_PERIOD(m3, "1969-12-31", -21 * HOUR, 3 * HOUR);
    CHECK_PERIOD_FAILS(m3, "1969", SKPI_ETIME);
    CHECK_PERIOD_FAILS(m3, "1969-12-30", SKPI_ETIME);
    CHECK_PERIOD(m3, "2199", D2199_0101 + 3 * HOUR, SKPI_TIME_MAX + 3 * HOUR);
    CHECK_PERIOD(m3, "2199-12-31", SKPI_TIME_MAX - DAY + 3 * HOUR,
                 SKPI_TIME_MAX + 3 * HOUR);
    CHECK_PERIOD_FAILS(m3, "2200-01-01", SKPI_ETIME);
    /* East of UTC, local 1970 starts 4 hours before SKPI_TIME_MIN. */
    CHECK_PERIOD(p4, "1970", -4 * HOUR, D1971_0101 - 4 * HOUR);
    CHECK_PERIOD(p4, "1970-01-01", -4 * HOUR, DAY - 4 * HOUR);
    CHECK_PERIOD_FAILS(p4, "1969-12-31", SKPI_ETIME);
    CHECK_PERIOD(p4, "2199", D2199_0101 - 4 * HOUR,
                 SKPI_TIME_MAX - 4 * HOUR);
    /* ... and local 2200-01-01 holds the last accepted second. */
    CHECK_PERIOD(p4, "2200-01-01", SKPI_TIME_MAX - 4 * HOUR,
                 SKPI_TIME_MAX + 20 * HOUR);
    CHECK_PERIOD_FAILS(p4, "2200-01-02", SKPI_ETIME);
}
END_TEST

START_TEST(test_parse_explicit_edges)
{
    CHECK_PERIOD(utc, "1970-01-01T00:00:00Z/2200-01-01T00:00:00Z", 0,
                 SKPI_TIME_MAX);
    CHECK_PERIOD(utc, "1970-01-01/2200-01-01", 0, SKPI_TIME_MAX);
    CHECK_PERIOD_FAILS(utc, "1970-01-01T00:00:00Z/2200-01-01T00:00:01Z",
                       SKPI_ETIME);
    CHECK_PERIOD_FAILS(utc, "1969-12-31T23:59:59Z/1970-01-02", SKPI_ETIME);
    CHECK_PERIOD_FAILS(utc, "2199-12-31/2200-01-02", SKPI_ETIME);
    CHECK_PERIOD(p4, "1970-01-01/1970-01-02", -4 * HOUR, DAY - 4 * HOUR);
    CHECK_PERIOD_FAILS(p4, "1969-12-31/1970-01-02", SKPI_ETIME);
    CHECK_PERIOD(m3, "1970-01-01/2200-01-01", 3 * HOUR,
                 SKPI_TIME_MAX + 3 * HOUR);
    CHECK_PERIOD(m3, "1970-01-01/2199-12-31", 3 * HOUR,
                 SKPI_TIME_MAX - DAY + 3 * HOUR);
}
END_TEST

START_TEST(test_previous_edges)
{
    CHECK_PREVIOUS_OF(utc, "1970-02", 0, D1970_0201);
    CHECK_PREVIOUS(utc, 10, 20, 0, 10);
    CHECK_PREVIOUS(utc, SKPI_TIME_MAX - 10, SKPI_TIME_MAX, SKPI_TIME_MAX - 20,
                   SKPI_TIME_MAX - 10);

    int64_t a = 42, b = 43;
    ck_assert_int_eq(skpi_period_previous(utc, 0, D1971_0101, &a, &b),
                     SKPI_ETIME);
    ck_assert_int_eq(skpi_period_previous(utc, 5, 20, &a, &b), SKPI_ETIME);
    ck_assert_int_eq(skpi_period_previous(utc, 0, SKPI_TIME_MAX, &a, &b),
                     SKPI_ETIME);
    /* At -03:00, the day before local 1970-01-01 is still reportable (it
     * holds 1970-01-01T00:00Z); the day before that is not. */
    CHECK_PREVIOUS(m3, 3 * HOUR, DAY + 3 * HOUR, -21 * HOUR, 3 * HOUR);
    ck_assert_int_eq(
        skpi_period_previous(m3, -21 * HOUR, 3 * HOUR, &a, &b),
        SKPI_ETIME);
    ck_assert_int_eq(a, 42);
    ck_assert_int_eq(b, 43);
}
END_TEST

START_TEST(test_year_earlier_edges)
{
    CHECK_YEAR_EARLIER_OF(utc, "1971", 0, D1971_0101);
    CHECK_YEAR_EARLIER(utc, SKPI_TIME_MAX - DAY, SKPI_TIME_MAX,
                       D2199_0101 - DAY, D2199_0101);

    int64_t a = 42, b = 43;
    ck_assert_int_eq(
        skpi_period_year_earlier(utc, D1970_0201, D1971_0101, &a, &b),
        SKPI_ETIME);
    /* 1971-W01 starts on 1971-01-04; 1970-W01 on 1969-12-29. */
    ck_assert_int_eq(skpi_period_year_earlier(utc, D1971_0101 + 3 * DAY,
                                              D1971_0101 + 10 * DAY, &a, &b),
                     SKPI_ETIME);
    ck_assert_int_eq(a, 42);
    ck_assert_int_eq(b, 43);
}
END_TEST

/* ===================================================================== */
/* errors                                                                */
/* ===================================================================== */

START_TEST(test_parse_null)
{
    int64_t a = 42, b = 43;
    ck_assert_int_eq(skpi_period_parse(NULL, "2024", &a, &b), SKPI_EINVAL);
    ck_assert_int_eq(skpi_period_parse(utc, NULL, &a, &b), SKPI_EINVAL);
    ck_assert_int_eq(skpi_period_parse(utc, "2024", NULL, &b), SKPI_EINVAL);
    ck_assert_int_eq(skpi_period_parse(utc, "2024", &a, NULL), SKPI_EINVAL);
    ck_assert_int_eq(a, 42);
    ck_assert_int_eq(b, 43);
}
END_TEST

START_TEST(test_parse_syntax)
{
    static const char *bad[] = {
        "", " ", "24", "202", "20245", "2024-", "2024 ", " 2024",
        "2024-H0", "2024-H3", "2024-h1", "2024-H", "2024-H12",
        "2024-Q0", "2024-Q5", "2024-q2", "2024-Q", "2024-Q1x",
        "2024-00", "2024-13", "2024-3", "2024-003",
        "2024-W00", "2024-W54", "2024-W9", "2024-w09", "2024W09",
        "2024-W09-1", "2024-W099",
        "2024-02-30", "2023-02-29", "2100-02-29", "2024-04-31",
        "2024-03-01 ", "2024-3-01", "abcd", "2024-03-01T00:00:00Z",
        "+2024", "-2024",
        "2024/", "/2024-01-01", "/", "2024-01-01/", "2024-01-01//2024-01-02",
        "2024-01-01/2024-01-02/2024-01-03",
        "2024-01-01 /2024-01-02", "2024-01-01/ 2024-01-02",
        "2024-01-01T00:00:00/2024-01-02", "2024-01-01/2024-03",
        "2024/2024-02", "2024-Q1/2024-Q2",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t a = 42, b = 43;
        ck_assert_msg(skpi_period_parse(utc, bad[i], &a, &b) == SKPI_EPARSE,
                      "period \"%s\" should not parse", bad[i]);
        ck_assert_int_eq(a, 42);
        ck_assert_int_eq(b, 43);
    }
}
END_TEST

START_TEST(test_parse_week_53)
{
    /* 2020 has 53 ISO weeks, 2021 does not. */
    CHECK_PERIOD(utc, "2020-W53", D2020_1228, D2021_0104);
    CHECK_PERIOD_FAILS(utc, "2021-W53", SKPI_EPARSE);
    CHECK_PERIOD_FAILS(utc, "2019-W53", SKPI_EPARSE);
    CHECK_PERIOD_FAILS(utc, "2024-W53", SKPI_EPARSE);
}
END_TEST

START_TEST(test_parse_empty_range)
{
    CHECK_PERIOD_FAILS(utc, "2024-03-02/2024-03-01", SKPI_ERANGE);
    CHECK_PERIOD_FAILS(utc, "2024-03-01/2024-03-01", SKPI_ERANGE);
    CHECK_PERIOD_FAILS(utc, "2024-03-01T00:00:00Z/2024-03-01", SKPI_ERANGE);
    CHECK_PERIOD_FAILS(utc, "2024-03-01T00:00:01Z/2024-03-01T00:00:00Z",
                       SKPI_ERANGE);
    /* Local midnight at +04:00 is 20:00Z the day before. */
    CHECK_PERIOD_FAILS(p4, "2024-03-01T20:00:00Z/2024-03-02", SKPI_ERANGE);
}
END_TEST

START_TEST(test_previous_errors)
{
    int64_t a = 42, b = 43;
    ck_assert_int_eq(skpi_period_previous(NULL, 0, 1, &a, &b), SKPI_EINVAL);
    ck_assert_int_eq(skpi_period_previous(utc, 0, 1, NULL, &b), SKPI_EINVAL);
    ck_assert_int_eq(skpi_period_previous(utc, 0, 1, &a, NULL), SKPI_EINVAL);
    ck_assert_int_eq(skpi_period_previous(utc, 10, 10, &a, &b), SKPI_ERANGE);
    ck_assert_int_eq(skpi_period_previous(utc, 11, 10, &a, &b), SKPI_ERANGE);
    ck_assert_int_eq(skpi_period_previous(utc, -1, 10, &a, &b), SKPI_ETIME);
    ck_assert_int_eq(
        skpi_period_previous(utc, 10, SKPI_TIME_MAX + 1, &a, &b), SKPI_ETIME);
    ck_assert_int_eq(
        skpi_period_previous(utc, INT64_MIN, INT64_MAX, &a, &b), SKPI_ETIME);
    ck_assert_int_eq(a, 42);
    ck_assert_int_eq(b, 43);
}
END_TEST

START_TEST(test_year_earlier_errors)
{
    int64_t a = 42, b = 43;
    ck_assert_int_eq(skpi_period_year_earlier(NULL, 0, 1, &a, &b),
                     SKPI_EINVAL);
    ck_assert_int_eq(skpi_period_year_earlier(utc, 0, 1, NULL, &b),
                     SKPI_EINVAL);
    ck_assert_int_eq(skpi_period_year_earlier(utc, 0, 1, &a, NULL),
                     SKPI_EINVAL);
    ck_assert_int_eq(skpi_period_year_earlier(utc, 10, 10, &a, &b),
                     SKPI_ERANGE);
    ck_assert_int_eq(skpi_period_year_earlier(utc, D2024_0301, D2024_0229,
                                              &a, &b),
                     SKPI_ERANGE);
    ck_assert_int_eq(skpi_period_year_earlier(utc, -1, 10, &a, &b),
                     SKPI_ETIME);
    ck_assert_int_eq(skpi_period_year_earlier(utc, D2024_0301,
                                              SKPI_TIME_MAX + 1, &a, &b),
                     SKPI_ETIME);
    ck_assert_int_eq(skpi_period_year_earlier(utc, 0, DAY, &a, &b),
                     SKPI_ETIME);
    ck_assert_int_eq(a, 42);
    ck_assert_int_eq(b, 43);
}
END_TEST

/* ===================================================================== */
/* Suite                                                                 */
/* ===================================================================== */

Suite *period_suite(void);

Suite *period_suite(void)
{
    Suite *s = suite_create("period");

    TCase *core = tcase_create("core");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_test(core, test_anchors);
    tcase_add_test(core, test_parse_year_half_quarter);
    tcase_add_test(core, test_parse_month);
    tcase_add_test(core, test_parse_week);
    tcase_add_test(core, test_parse_day);
    tcase_add_test(core, test_parse_explicit_range);
    tcase_add_test(core, test_parse_in_zones);
    tcase_add_test(core, test_previous_months);
    tcase_add_test(core, test_previous_days);
    tcase_add_test(core, test_previous_seconds);
    tcase_add_test(core, test_year_earlier_calendar);
    tcase_add_test(core, test_year_earlier_leap_day);
    tcase_add_test(core, test_year_earlier_months_before_weeks);
    tcase_add_test(core, test_year_earlier_weeks);
    tcase_add_test(core, test_year_earlier_seconds);
    suite_add_tcase(s, core);

    TCase *limits = tcase_create("limits");
    tcase_add_checked_fixture(limits, setup, teardown);
    tcase_add_test(limits, test_parse_first_and_last_years);
    tcase_add_test(limits, test_parse_edges_in_zones);
    tcase_add_test(limits, test_parse_explicit_edges);
    tcase_add_test(limits, test_previous_edges);
    tcase_add_test(limits, test_year_earlier_edges);
    suite_add_tcase(s, limits);

    TCase *errors = tcase_create("errors");
    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_add_test(errors, test_parse_null);
    tcase_add_test(errors, test_parse_syntax);
    tcase_add_test(errors, test_parse_week_53);
    tcase_add_test(errors, test_parse_empty_range);
    tcase_add_test(errors, test_previous_errors);
    tcase_add_test(errors, test_year_earlier_errors);
    suite_add_tcase(s, errors);

    return s;
}

SKPI_CHECK_MAIN(period_suite)

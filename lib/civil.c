/*
 * civil.c -- proleptic Gregorian calendar arithmetic on day numbers.
 *
 * Every calendar question the library asks (which day, month and year an
 * instant falls on, where a period starts, which ISO week a Monday opens)
 * is answered here, on plain day numbers: day 0 is 1970-01-01 and negative
 * numbers count backwards from it.  Nothing in this file knows about time
 * zones; lib/zone.c turns instants into local day numbers first.
 *
 * The conversions between (year, month, day) and day numbers follow Howard
 * Hinnant's "chrono-Compatible Low-Level Date Algorithms"
 * (https://howardhinnant.github.io/date_algorithms.html).  The idea is to
 * start the year on 1 March, so that the leap day is the last day of its
 * year, and to count in 400-year eras of exactly 146097 days, so that the
 * only divisions needed are by constants and a single floor division per
 * call handles negative days.  Within an era:
 *
 *     year of era  yoe in [0, 399]
 *     day of year  doy in [0, 365]   (0 = 1 March, 365 = 29 February)
 *     day of era   doe in [0, 146096] = 365 * yoe + yoe/4 - yoe/100 + doy
 *
 * and the month of a March-based day of year is (5 * doy + 2) / 153, the
 * lengths 31 30 31 30 31 31 30 31 30 31 31 28/29 being a line of slope
 * 153/5 rounded down.  No tables, no loops, exact for every year whose day
 * number fits in int64_t.
 *
 * ISO 8601 weeks start on Monday, and week 1 of an ISO year is the week
 * that holds 4 January (equivalently, the first week with four or more days
 * in the new year).  An ISO year therefore has 52 or 53 weeks and may start
 * up to three days before or after 1 January.
 */
#include "internal.h"

/* ===================================================================== */
/* Days and dates                                                        */
/* ===================================================================== */

/* Days from 0000-03-01 to 1970-01-01, the shift between the era count and
 * the library's day numbers. */
#define DAYS_0000_03_01_TO_EPOCH INT64_C(719468)
#define DAYS_PER_ERA INT64_C(146097)

int64_t skpi__days_from_civil(int64_t y, int m, int d)
{
    /* Count the year from 1 March so that February, with its leap day,
     * comes last. */
    y -= m <= 2;
    int64_t era = skpi__floordiv(y, 400);
    int64_t yoe = y - era * 400;
    int64_t mp = m > 2 ? m - 3 : m + 9;
    int64_t doy = (153 * mp + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * DAYS_PER_ERA + doe - DAYS_0000_03_01_TO_EPOCH;
}

void skpi__civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
    int64_t z = days + DAYS_0000_03_01_TO_EPOCH;
    int64_t era = skpi__floordiv(z, DAYS_PER_ERA);
    int64_t doe = z - era * DAYS_PER_ERA;
    /* The corrections for the 4-, 100- and 400-year cycles turn the day of
     * era into a count of 365-day years. */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t dd = doy - (153 * mp + 2) / 5 + 1;
    int64_t mm = mp < 10 ? mp + 3 : mp - 9;
    if (y != NULL)
        *y = yoe + era * 400 + (mm <= 2);
    if (m != NULL)
        *m = (int)mm;
    if (d != NULL)
        *d = (int)dd;
}

int skpi__weekday(int64_t days)
{
    /* 1970-01-01 was a Thursday, day 3 when Monday is 0. */
    return (int)skpi__floormod(days + 3, 7);
}

bool skpi__is_leap(int64_t y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

int skpi__days_in_month(int64_t y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30,
                                31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    if (m == 2 && skpi__is_leap(y))
        return 29;
    return len[m - 1];
}

/* ===================================================================== */
/* ISO 8601 weeks                                                        */
/* ===================================================================== */

int64_t skpi__iso_week1_monday(int64_t y)
{
    /* 4 January always lies in week 1, so its week's Monday starts it. */
    int64_t jan4 = skpi__days_from_civil(y, 1, 4);
    return jan4 - skpi__weekday(jan4);
}

int skpi__iso_weeks_in_year(int64_t y)
{
    return (int)((skpi__iso_week1_monday(y + 1) - skpi__iso_week1_monday(y)) /
                 7);
}

void skpi__iso_week_of(int64_t days, int64_t *iso_year, int *week)
{
    int64_t y;
    skpi__civil_from_days(days, &y, NULL, NULL);
    /* The ISO year differs from the calendar year only in the first and
     * last three days of a year, so one step either way is enough. */
    int64_t start = skpi__iso_week1_monday(y);
    if (days < start) {
        y -= 1;
        start = skpi__iso_week1_monday(y);
    } else {
        int64_t next = skpi__iso_week1_monday(y + 1);
        if (days >= next) {
            y += 1;
            start = next;
        }
    }
    if (iso_year != NULL)
        *iso_year = y;
    if (week != NULL)
        *week = (int)((days - start) / 7 + 1);
}

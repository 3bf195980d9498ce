/*
 * check_calendar.c -- unit tests of business-hours calendars
 * (lib/calendar.c).
 *
 * The module is internal, so this program links the library statically
 * (see tests/Makefile.am) and calls skpi__calendar_* directly.
 *
 * Most tests use the demo desk: open Sunday to Thursday 07:30-14:30 in the
 * UAE (+04:00), 7 hours = 25200 s a day, with Eid on Wednesday 2024-04-10
 * as a holiday where a test says so.  Anchors for the values computed by
 * hand (day numbers count from 1970-01-01 = 0, which was a Thursday):
 *
 *   2024-01-01  day 19723  Monday
 *   2024-04-01  day 19814  Monday     (19723 + 31 + 29 + 31)
 *   2024-04-05  day 19818  Friday
 *   2024-04-07  day 19820  Sunday
 *   2024-04-09  day 19822  Tuesday
 *   2024-04-10  day 19823  Wednesday  (the holiday)
 *   2024-04-11  day 19824  Thursday
 *   2200-01-01  day 84006  Wednesday
 *
 * Each rule number refers to the list in the essay at the top of
 * lib/calendar.c.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "internal.h"
#include "testutil.h"

/* Plain ints, so that they fit int32_t seconds of the day without casts;
 * sums with int64_t instants are done in int64_t. */
#define DAY 86400
#define HOUR 3600
#define MIN 60

/* Weekdays as skpi__weekday() numbers them. */
enum { MON = 0, TUE, WED, THU, FRI, SAT, SUN };

#define OPEN (7 * HOUR + 30 * MIN)   /* 07:30 */
#define CLOSE (14 * HOUR + 30 * MIN) /* 14:30 */
#define DESK_DAY (7 * HOUR)          /* 25200 s open a day */
#define EID INT64_C(19823)           /* 2024-04-10 */

/* ===================================================================== */
/* Helpers                                                               */
/* ===================================================================== */

static skpi__zone zone_of(const char *name)
{
    skpi__zone z;
    ck_assert_status(skpi__zone_parse(name, &z), SKPI_OK);
    return z;
}

/* The demo desk, with or without the Eid holiday. */
static skpi__calendar desk(bool eid)
{
    skpi__calendar c;
    skpi__calendar_init(&c);
    const int days[] = {SUN, MON, TUE, WED, THU};
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++)
        ck_assert_status(skpi__calendar_add_hours(&c, days[i], OPEN, CLOSE),
                         SKPI_OK);
    if (eid)
        ck_assert_status(skpi__calendar_add_holiday(&c, EID), SKPI_OK);
    return c;
}

/* Business seconds of the desk in +04:00 between two ISO 8601 times. */
static int64_t desk_wait(bool eid, const char *from, const char *to)
{
    skpi__calendar c = desk(eid);
    skpi__zone z = zone_of("+04:00");
    int64_t v = skpi__calendar_business_seconds(&c, &z, at(from), at(to));
    skpi__zone_free(&z);
    return v;
}

/* A small deterministic generator (xorshift64*), for the model tests. */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(2685821657736338717);
}

static int64_t rng_below(uint64_t *s, int64_t n)
{
    return (int64_t)(rng_next(s) % (uint64_t)n);
}

/* ===================================================================== */
/* core: building, and the plain rules                                   */
/* ===================================================================== */

START_TEST(test_empty)
{
    skpi__calendar c;
    memset(&c, 0xab, sizeof c);
    skpi__calendar_init(&c);
    ck_assert(!skpi__calendar_is_set(&c));
    ck_assert(!skpi__calendar_is_set(NULL));
    ck_assert_uint_eq(c.n_hours, 0);
    ck_assert_uint_eq(c.n_holidays, 0);
    ck_assert_uint_eq(skpi__calendar_encoded_size(&c), 8);
    ck_assert_uint_eq(sizeof c, 2276);
}
END_TEST

START_TEST(test_layout)
{
    /* Added out of order; kept sorted in seconds of the week. */
    skpi__calendar c;
    skpi__calendar_init(&c);
    ck_assert_status(skpi__calendar_add_hours(&c, SUN, OPEN, CLOSE), SKPI_OK);
    ck_assert_status(skpi__calendar_add_hours(&c, MON, 13 * HOUR, 14 * HOUR),
                     SKPI_OK);
    ck_assert_status(skpi__calendar_add_hours(&c, MON, 0, 2 * HOUR), SKPI_OK);
    ck_assert_status(skpi__calendar_add_hours(&c, WED, 22 * HOUR, DAY),
                     SKPI_OK);
    ck_assert(skpi__calendar_is_set(&c));
    ck_assert_uint_eq(c.n_hours, 4);
    ck_assert_int_eq(c.hours[0].start, 0);
    ck_assert_int_eq(c.hours[0].end, 7200);
    ck_assert_int_eq(c.hours[1].start, 46800);
    ck_assert_int_eq(c.hours[1].end, 50400);
    ck_assert_int_eq(c.hours[2].start, 2 * 86400 + 79200);
    ck_assert_int_eq(c.hours[2].end, 3 * 86400);
    ck_assert_int_eq(c.hours[3].start, 6 * 86400 + 27000);
    ck_assert_int_eq(c.hours[3].end, 6 * 86400 + 52200);

    /* Holidays sorted, duplicates harmless. */
    ck_assert_status(skpi__calendar_add_holiday(&c, EID), SKPI_OK);
    ck_assert_status(skpi__calendar_add_holiday(&c, -1), SKPI_OK);
    ck_assert_status(skpi__calendar_add_holiday(&c, 84006), SKPI_OK);
    ck_assert_status(skpi__calendar_add_holiday(&c, EID), SKPI_OK);
    ck_assert_uint_eq(c.n_holidays, 3);
    ck_assert_int_eq(c.holidays[0], -1);
    ck_assert_int_eq(c.holidays[1], EID);
    ck_assert_int_eq(c.holidays[2], 84006);
    ck_assert(skpi__calendar_is_holiday(&c, EID));
    ck_assert(skpi__calendar_is_holiday(&c, -1));
    ck_assert(!skpi__calendar_is_holiday(&c, EID + 1));
    ck_assert(!skpi__calendar_is_holiday(NULL, EID));
}
END_TEST

/* Rule 1: message and reply in the same open interval. */
START_TEST(test_same_interval)
{
    ck_assert_int_eq(desk_wait(false, "2024-04-01T08:00:00+04:00",
                               "2024-04-01T09:15:00+04:00"),
                     4500);
    /* The same wait written in UTC is the same wait. */
    ck_assert_int_eq(desk_wait(false, "2024-04-01T04:00:00Z",
                               "2024-04-01T05:15:00Z"),
                     4500);
}
END_TEST

/* Rule 2: message before opening; business time starts at 07:30. */
START_TEST(test_before_opening)
{
    ck_assert_int_eq(desk_wait(false, "2024-04-01T06:00:00+04:00",
                               "2024-04-01T08:00:00+04:00"),
                     1800);
}
END_TEST

/* Rule 3: reply after closing; business time stops at 14:30. */
START_TEST(test_after_closing)
{
    ck_assert_int_eq(desk_wait(false, "2024-04-01T14:00:00+04:00",
                               "2024-04-01T16:00:00+04:00"),
                     1800);
    /* Overnight: 30 min on Monday, 30 min on Tuesday. */
    ck_assert_int_eq(desk_wait(false, "2024-04-01T14:00:00+04:00",
                               "2024-04-02T08:00:00+04:00"),
                     3600);
}
END_TEST

/* Rule 4: a message on Friday (closed) answered on Sunday at 08:00. */
START_TEST(test_closed_weekday)
{
    ck_assert_int_eq(desk_wait(false, "2024-04-05T10:00:00+04:00",
                               "2024-04-07T08:00:00+04:00"),
                     1800);
    /* Thursday 14:00 to Sunday 08:00: 30 min before the weekend, 30 after. */
    ck_assert_int_eq(desk_wait(false, "2024-04-04T14:00:00+04:00",
                               "2024-04-07T08:00:00+04:00"),
                     3600);
}
END_TEST

/* Rule 5: across a holiday, which contributes nothing. */
START_TEST(test_across_holiday)
{
    /* 30 min Tuesday + 0 Wednesday (Eid) + 30 min Thursday. */
    ck_assert_int_eq(desk_wait(true, "2024-04-09T14:00:00+04:00",
                               "2024-04-11T08:00:00+04:00"),
                     3600);
    /* Without the holiday Wednesday adds its 7 hours. */
    ck_assert_int_eq(desk_wait(false, "2024-04-09T14:00:00+04:00",
                               "2024-04-11T08:00:00+04:00"),
                     3600 + DESK_DAY);
    /* A message on the holiday itself waits until Thursday's opening. */
    ck_assert_int_eq(desk_wait(true, "2024-04-10T09:00:00+04:00",
                               "2024-04-11T08:00:00+04:00"),
                     1800);
}
END_TEST

/* Rule 6: both ends in one closed stretch. */
START_TEST(test_closed_stretch)
{
    ck_assert_int_eq(desk_wait(false, "2024-04-01T15:00:00+04:00",
                               "2024-04-01T20:00:00+04:00"),
                     0);
    ck_assert_int_eq(desk_wait(false, "2024-04-04T15:00:00+04:00",
                               "2024-04-07T07:00:00+04:00"),
                     0);
    /* Within the holiday's would-be open hours. */
    ck_assert_int_eq(desk_wait(true, "2024-04-10T09:00:00+04:00",
                               "2024-04-10T13:00:00+04:00"),
                     0);
    /* From Tuesday's closing, over Eid, to Thursday's opening. */
    ck_assert_int_eq(desk_wait(true, "2024-04-09T14:30:00+04:00",
                               "2024-04-11T07:30:00+04:00"),
                     0);
}
END_TEST

/* Rule 7: both ends outside hours, in different closed stretches. */
START_TEST(test_two_stretches)
{
    ck_assert_int_eq(desk_wait(false, "2024-04-01T20:00:00+04:00",
                               "2024-04-02T06:00:00+04:00"),
                     0);
    ck_assert_int_eq(desk_wait(false, "2024-04-01T20:00:00+04:00",
                               "2024-04-03T06:00:00+04:00"),
                     DESK_DAY);
}
END_TEST

/* Rule 8: intervals are half-open. */
START_TEST(test_half_open)
{
    ck_assert_int_eq(desk_wait(false, "2024-04-01T14:30:00+04:00",
                               "2024-04-02T07:30:00+04:00"),
                     0);
    ck_assert_int_eq(desk_wait(false, "2024-04-01T07:30:00+04:00",
                               "2024-04-01T07:30:01+04:00"),
                     1);
    ck_assert_int_eq(desk_wait(false, "2024-04-01T14:29:59+04:00",
                               "2024-04-01T14:30:00+04:00"),
                     1);
    ck_assert_int_eq(desk_wait(false, "2024-04-01T07:29:59+04:00",
                               "2024-04-01T07:30:00+04:00"),
                     0);
    ck_assert_int_eq(desk_wait(false, "2024-04-01T07:30:00+04:00",
                               "2024-04-01T14:30:00+04:00"),
                     DESK_DAY);
}
END_TEST

/* Rule 12: equal ends give 0. */
START_TEST(test_zero_wait)
{
    ck_assert_int_eq(desk_wait(false, "2024-04-01T09:00:00+04:00",
                               "2024-04-01T09:00:00+04:00"),
                     0);
    ck_assert_int_eq(desk_wait(false, "2024-04-05T09:00:00+04:00",
                               "2024-04-05T09:00:00+04:00"),
                     0);
}
END_TEST

/*
 * A month: 2024-04-01 (Monday) to 2024-05-01 is 30 days = 4 weeks of 5
 * open days, plus Monday 29 and Tuesday 30 April: 22 open days, 21 with
 * Eid.
 */
START_TEST(test_month)
{
    ck_assert_int_eq(desk_wait(false, "2024-04-01T00:00:00+04:00",
                               "2024-05-01T00:00:00+04:00"),
                     22 * DESK_DAY);
    ck_assert_int_eq(desk_wait(true, "2024-04-01T00:00:00+04:00",
                               "2024-05-01T00:00:00+04:00"),
                     21 * DESK_DAY);
    /* A reply 30 days after a Friday-evening message: Sunday 7 April to
     * Sunday 5 May holds four Sunday-to-Thursday weeks (20 days) less Eid,
     * plus Sunday 5 May itself, open 07:30-14:30 before the 18:00 reply:
     * 20 open days. */
    ck_assert_int_eq(desk_wait(true, "2024-04-05T18:00:00+04:00",
                               "2024-05-05T18:00:00+04:00"),
                     20 * DESK_DAY);
}
END_TEST

/*
 * A year: 2024 has 366 days = 52 weeks + Monday 30 and Tuesday 31
 * December, so 52 * 5 + 2 = 262 open days.
 */
START_TEST(test_year)
{
    ck_assert_int_eq(desk_wait(false, "2024-01-01T00:00:00+04:00",
                               "2025-01-01T00:00:00+04:00"),
                     262 * DESK_DAY);
    ck_assert_int_eq(desk_wait(true, "2024-01-01T00:00:00+04:00",
                               "2025-01-01T00:00:00+04:00"),
                     261 * DESK_DAY);
}
END_TEST

/*
 * The whole range, local 1970-01-01 (a Thursday, day 0) to local
 * 2200-01-01 (day 84006): 84006 days = 12000 weeks of 5 open days, plus
 * days 84000..84005, Thursday to Tuesday, of which Thursday, Sunday,
 * Monday and Tuesday are open: 60004 open days.
 */
START_TEST(test_centuries)
{
    skpi__calendar c = desk(false);
    skpi__zone z = zone_of("+04:00");
    int64_t from = SKPI_TIME_MIN - 4 * HOUR, to = SKPI_TIME_MAX - 4 * HOUR;
    ck_assert_int_eq(skpi__calendar_business_seconds(&c, &z, from, to),
                     INT64_C(60004) * DESK_DAY);
    /* A calendar open all week counts every second. */
    skpi__calendar all;
    skpi__calendar_init(&all);
    for (int w = 0; w < 7; w++)
        ck_assert_status(skpi__calendar_add_hours(&all, w, 0, DAY), SKPI_OK);
    ck_assert_int_eq(skpi__calendar_business_seconds(&all, &z, from, to),
                     to - from);
    skpi__zone_free(&z);
}
END_TEST

/* Business time adds up over any split of a wait. */
START_TEST(test_additive)
{
    skpi__calendar c = desk(true);
    skpi__zone z = zone_of("+04:00");
    int64_t from = at("2024-04-03T11:11:11+04:00");
    int64_t to = at("2024-04-20T03:03:03+04:00");
    int64_t whole = skpi__calendar_business_seconds(&c, &z, from, to);
    uint64_t seed = 42;
    for (int i = 0; i < 200; i++) {
        int64_t mid = from + rng_below(&seed, to - from + 1);
        ck_assert_int_eq(skpi__calendar_business_seconds(&c, &z, from, mid) +
                             skpi__calendar_business_seconds(&c, &z, mid, to),
                         whole);
    }
    /* Wednesday 3rd from 11:11:11 to 14:30 is 3 h 18 min 49 s; then the
     * open days Thu 4, Sun 7, Mon 8, Tue 9, Thu 11 (Wed 10 is Eid), Sun 14,
     * Mon 15, Tue 16, Wed 17, Thu 18 (10 days); Fri 19 and Sat 20 are
     * closed. */
    ck_assert_int_eq(whole, 3 * HOUR + 18 * MIN + 49 + 10 * DESK_DAY);
    skpi__zone_free(&z);
}
END_TEST

/* ===================================================================== */
/* core: against a minute-by-minute model                                */
/* ===================================================================== */

/*
 * A random calendar on the minute grid, mirrored in a bitmap of open
 * minutes per weekday, and random holidays in a window around 2024.
 */
typedef struct model {
    bool open[7][1440];
    bool holiday[120];
} model;

#define MODEL_DAY0 INT64_C(19800) /* 2024-03-18, a Monday */

static void model_random(uint64_t *seed, skpi__calendar *c, model *m)
{
    skpi__calendar_init(c);
    memset(m, 0, sizeof *m);
    int n = (int)rng_below(seed, 12) + 1;
    for (int i = 0; i < n; i++) {
        int w = (int)rng_below(seed, 7);
        int from = (int)rng_below(seed, 1440);
        int to = from + 1 + (int)rng_below(seed, rng_below(seed, 2) ? 60 :
                                                    1440 - from);
        if (to > 1440)
            to = 1440;
        ck_assert_status(skpi__calendar_add_hours(c, w, from * 60, to * 60),
                         SKPI_OK);
        for (int k = from; k < to; k++)
            m->open[w][k] = true;
    }
    int nh = (int)rng_below(seed, 8);
    for (int i = 0; i < nh; i++) {
        int64_t d = rng_below(seed, 120);
        ck_assert_status(skpi__calendar_add_holiday(c, MODEL_DAY0 + d),
                         SKPI_OK);
        m->holiday[d] = true;
    }
}

/* The canonical hours must describe exactly the model's open minutes. */
static void model_check_hours(const skpi__calendar *c, const model *m)
{
    bool seen[7][1440];
    memset(seen, 0, sizeof seen);
    for (size_t i = 0; i < c->n_hours; i++) {
        const skpi__calendar_hours *h = &c->hours[i];
        int w = (int)(h->start / DAY);
        ck_assert_int_lt(h->start, h->end);
        ck_assert_int_le(h->end, (w + 1) * DAY);
        ck_assert_int_eq(h->start % 60, 0);
        ck_assert_int_eq(h->end % 60, 0);
        if (i > 0) {
            const skpi__calendar_hours *p = &c->hours[i - 1];
            ck_assert_int_lt(p->start, h->start);
            if (p->start / DAY == w)
                ck_assert_int_lt(p->end, h->start); /* a gap, not a touch */
        }
        for (int64_t s = h->start - w * DAY; s < h->end - w * DAY; s += 60)
            seen[w][s / 60] = true;
    }
    ck_assert(memcmp(seen, m->open, sizeof seen) == 0);
}

static int64_t model_wait(const model *m, const skpi__zone *z, int64_t from,
                          int64_t to)
{
    int64_t total = 0;
    for (int64_t t = from; t < to; t += 60) {
        int64_t local = t + skpi__zone_offset_at(z, t);
        int64_t day = skpi__floordiv(local, DAY);
        int64_t minute = skpi__floormod(local, DAY) / 60;
        int64_t hd = day - MODEL_DAY0;
        if (hd >= 0 && hd < 120 && m->holiday[hd])
            continue;
        if (m->open[skpi__weekday(day)][minute])
            total += 60;
    }
    return total;
}

START_TEST(test_model)
{
    static const char *const zones[] = {"+04:00", "Z", "-03:30", "+14:00",
                                        "-12:00"};
    uint64_t seed = UINT64_C(0x9e3779b97f4a7c15);
    skpi__calendar c;
    model m;
    for (int round = 0; round < 60; round++) {
        model_random(&seed, &c, &m);
        model_check_hours(&c, &m);
        skpi__zone z = zone_of(zones[round % 5]);
        for (int k = 0; k < 5; k++) {
            int64_t from = (MODEL_DAY0 + 2) * DAY +
                           rng_below(&seed, 90 * 1440) * MIN;
            int64_t len = rng_below(&seed, k < 3 ? 3 * 1440 : 21 * 1440);
            int64_t to = from + len * MIN;
            ck_assert_int_eq(skpi__calendar_business_seconds(&c, &z, from, to),
                             model_wait(&m, &z, from, to));
        }
        skpi__zone_free(&z);
    }
}
END_TEST

/* ===================================================================== */
/* edges: midnight, merging, daylight saving, no calendar                */
/* ===================================================================== */

/* Rule 9: a night shift is two intervals, and holidays cut it per day. */
START_TEST(test_midnight)
{
    skpi__calendar c;
    skpi__calendar_init(&c);
    ck_assert_status(skpi__calendar_add_hours(&c, MON, 22 * HOUR, DAY),
                     SKPI_OK);
    ck_assert_status(skpi__calendar_add_hours(&c, TUE, 0, 2 * HOUR), SKPI_OK);
    ck_assert_uint_eq(c.n_hours, 2); /* touching across midnight: kept apart */
    ck_assert_int_eq(c.hours[0].end, 86400);
    ck_assert_int_eq(c.hours[1].start, 86400);

    const char *zones[] = {"+04:00", "-03:30"};
    const char *from[] = {"2024-04-01T23:00:00+04:00",
                          "2024-04-01T23:00:00-03:30"};
    const char *to[] = {"2024-04-02T01:00:00+04:00",
                        "2024-04-02T01:00:00-03:30"};
    for (int i = 0; i < 2; i++) {
        skpi__zone z = zone_of(zones[i]);
        skpi__calendar cc = c;
        ck_assert_int_eq(
            skpi__calendar_business_seconds(&cc, &z, at(from[i]), at(to[i])),
            2 * HOUR);
        /* The whole shift, from Monday noon to Tuesday noon. */
        ck_assert_int_eq(skpi__calendar_business_seconds(
                             &cc, &z, at(from[i]) - 11 * HOUR,
                             at(to[i]) + 11 * HOUR),
                         4 * HOUR);
        /* Tuesday 2024-04-02 a holiday: only Monday's 23:00-24:00. */
        ck_assert_status(skpi__calendar_add_holiday(&cc, 19815), SKPI_OK);
        ck_assert_int_eq(
            skpi__calendar_business_seconds(&cc, &z, at(from[i]), at(to[i])),
            HOUR);
        /* Monday 2024-04-01 a holiday instead: only Tuesday's 00:00-01:00. */
        cc = c;
        ck_assert_status(skpi__calendar_add_holiday(&cc, 19814), SKPI_OK);
        ck_assert_int_eq(
            skpi__calendar_business_seconds(&cc, &z, at(from[i]), at(to[i])),
            HOUR);
        skpi__zone_free(&z);
    }
}
END_TEST

/* Rule 10: overlapping and touching hours merge; order never matters. */
START_TEST(test_merge)
{
    skpi__calendar c;
    skpi__calendar_init(&c);
    ck_assert_status(skpi__calendar_add_hours(&c, MON, 8 * HOUR, 12 * HOUR),
                     SKPI_OK);
    ck_assert_status(skpi__calendar_add_hours(&c, MON, 12 * HOUR, 16 * HOUR),
                     SKPI_OK);
    ck_assert_uint_eq(c.n_hours, 1);
    ck_assert_int_eq(c.hours[0].start, 8 * HOUR);
    ck_assert_int_eq(c.hours[0].end, 16 * HOUR);

    /* The same interval again, and one inside it: no change. */
    skpi__calendar before = c;
    ck_assert_status(skpi__calendar_add_hours(&c, MON, 8 * HOUR, 16 * HOUR),
                     SKPI_OK);
    ck_assert_status(skpi__calendar_add_hours(&c, MON, 9 * HOUR, 10 * HOUR),
                     SKPI_OK);
    ck_assert(skpi__calendar_equal(&c, &before));
    ck_assert(memcmp(&c, &before, sizeof c) == 0);

    /* Two separate intervals bridged by a third become one. */
    ck_assert_status(skpi__calendar_add_hours(&c, MON, 18 * HOUR, 20 * HOUR),
                     SKPI_OK);
    ck_assert_status(skpi__calendar_add_hours(&c, TUE, 8 * HOUR, 9 * HOUR),
                     SKPI_OK);
    ck_assert_uint_eq(c.n_hours, 3);
    ck_assert_status(skpi__calendar_add_hours(&c, MON, 15 * HOUR, 19 * HOUR),
                     SKPI_OK);
    ck_assert_uint_eq(c.n_hours, 2);
    ck_assert_int_eq(c.hours[0].start, 8 * HOUR);
    ck_assert_int_eq(c.hours[0].end, 20 * HOUR);
    ck_assert_int_eq(c.hours[1].start, DAY + 8 * HOUR);
    ck_assert_int_eq(c.hours[1].end, DAY + 9 * HOUR);

    /* The same set added in another order gives the same calendar. */
    skpi__calendar d;
    skpi__calendar_init(&d);
    ck_assert_status(skpi__calendar_add_hours(&d, TUE, 8 * HOUR, 9 * HOUR),
                     SKPI_OK);
    ck_assert_status(skpi__calendar_add_hours(&d, MON, 15 * HOUR, 19 * HOUR),
                     SKPI_OK);
    ck_assert_status(skpi__calendar_add_hours(&d, MON, 18 * HOUR, 20 * HOUR),
                     SKPI_OK);
    ck_assert_status(skpi__calendar_add_hours(&d, MON, 8 * HOUR, 15 * HOUR),
                     SKPI_OK);
    ck_assert(skpi__calendar_equal(&c, &d));
    ck_assert(memcmp(&c, &d, sizeof c) == 0);
    ck_assert(!skpi__calendar_equal(&c, NULL));
    ck_assert(skpi__calendar_equal(NULL, NULL));
    ck_assert_status(skpi__calendar_add_holiday(&d, EID), SKPI_OK);
    ck_assert(!skpi__calendar_equal(&c, &d));
}
END_TEST

/* A calendar may be full and still accept hours that merge. */
START_TEST(test_merge_when_full)
{
    skpi__calendar c;
    skpi__calendar_init(&c);
    for (int w = 0; w < 7; w++)
        for (int k = 0; k < 4; k++)
            ck_assert_status(skpi__calendar_add_hours(&c, w, k * 6 * HOUR,
                                                      k * 6 * HOUR + HOUR),
                             SKPI_OK);
    ck_assert_uint_eq(c.n_hours, SKPI__CAL_MAX_HOURS);
    skpi__calendar before = c;
    ck_assert_status(skpi__calendar_add_hours(&c, SUN, 20 * HOUR, 21 * HOUR),
                     SKPI_ELIMIT);
    ck_assert(memcmp(&c, &before, sizeof c) == 0);
    /* Extends Sunday's 18:00-19:00 to 18:00-21:00: still 28. */
    ck_assert_status(skpi__calendar_add_hours(&c, SUN, 19 * HOUR, 21 * HOUR),
                     SKPI_OK);
    ck_assert_uint_eq(c.n_hours, SKPI__CAL_MAX_HOURS);
    ck_assert_int_eq(c.hours[27].end, 6 * DAY + 21 * HOUR);
    /* Merges Monday's four into one 00:00-19:00: 25 left. */
    ck_assert_status(skpi__calendar_add_hours(&c, MON, 0, 19 * HOUR),
                     SKPI_OK);
    ck_assert_uint_eq(c.n_hours, 25);
    ck_assert_int_eq(c.hours[0].end, 19 * HOUR);
    ck_assert_int_eq(c.hours[1].start, DAY);
    /* Unused entries are zero again. */
    for (size_t i = 25; i < SKPI__CAL_MAX_HOURS; i++) {
        ck_assert_int_eq(c.hours[i].start, 0);
        ck_assert_int_eq(c.hours[i].end, 0);
    }
}
END_TEST

/* Rule 12 and 13: what the function refuses to answer. */
START_TEST(test_no_answer)
{
    skpi__calendar c = desk(false);
    skpi__zone z = zone_of("+04:00");
    int64_t t = at("2024-04-01T09:00:00+04:00");
    /* A reply before its message. */
    ck_assert_int_eq(skpi__calendar_business_seconds(&c, &z, t, t - 1), -1);
    /* No calendar, with or without holidays. */
    skpi__calendar e;
    skpi__calendar_init(&e);
    ck_assert_int_eq(skpi__calendar_business_seconds(&e, &z, t, t + HOUR), -1);
    ck_assert_status(skpi__calendar_add_holiday(&e, EID), SKPI_OK);
    ck_assert(!skpi__calendar_is_set(&e));
    ck_assert_int_eq(skpi__calendar_business_seconds(&e, &z, t, t + HOUR), -1);
    /* NULL arguments. */
    ck_assert_int_eq(skpi__calendar_business_seconds(NULL, &z, t, t + 1), -1);
    ck_assert_int_eq(skpi__calendar_business_seconds(&c, NULL, t, t + 1), -1);
    /* Instants far outside the library's range. */
    ck_assert_int_eq(skpi__calendar_business_seconds(&c, &z, -3 * DAY, t), -1);
    ck_assert_int_eq(skpi__calendar_business_seconds(&c, &z, t,
                                                     SKPI_TIME_MAX + 3 * DAY),
                     -1);
    ck_assert_int_eq(
        skpi__calendar_business_seconds(&c, &z, INT64_MIN, INT64_MAX), -1);
    /* Two days either side are still answered. */
    ck_assert_int_eq(skpi__calendar_business_seconds(&c, &z, -2 * DAY, 0),
                     2 * DESK_DAY); /* Tuesday and Wednesday 1969-12-30/31 */
    ck_assert_int_eq(skpi__calendar_business_seconds(
                         &c, &z, SKPI_TIME_MAX, SKPI_TIME_MAX + 2 * DAY),
                     2 * DESK_DAY); /* Wed 2200-01-01 from 04:00 local, Thu */
    skpi__zone_free(&z);
}
END_TEST

/*
 * Rule 11: daylight saving time, in Europe/London, if the zone module
 * knows IANA zones (and the system has the zoneinfo file).  Sunday
 * 00:00-04:00 and Monday 09:00-17:00 local.
 *  - 2024-03-31: clocks 01:00 GMT -> 02:00 BST.  Sunday's interval is
 *    00:00Z..03:00Z = 3 h; Monday 1 April 09:00-17:00 BST = 8 h.
 *  - 2024-10-27: clocks 02:00 BST -> 01:00 GMT.  Sunday's interval is
 *    2024-10-26T23:00Z..04:00Z = 5 h; Monday 28 October = 8 h.
 * Ends in a skipped or repeated hour go to the first instant at which the
 * clock reads that time or later (lib/internal.h); see sunday_only().
 */

/* Business seconds over all of a Sunday, with only [from, to) open on
 * Sundays, between the two UTC instants. */
static int64_t sunday_only(const skpi__zone *z, int32_t from, int32_t to,
                           const char *t0, const char *t1)
{
    skpi__calendar c;
    skpi__calendar_init(&c);
    ck_assert_status(skpi__calendar_add_hours(&c, SUN, from, to), SKPI_OK);
    return skpi__calendar_business_seconds(&c, z, at(t0), at(t1));
}

START_TEST(test_dst)
{
    skpi__zone z;
    skpi_status st = skpi__zone_parse("Europe/London", &z);
    if (st != SKPI_OK) {
        fprintf(stderr,
                "check_calendar: test_dst skipped: skpi__zone_parse"
                "(\"Europe/London\") gave %s (no IANA zones yet)\n",
                skpi_status_name(st));
        return;
    }
    skpi__calendar c;
    skpi__calendar_init(&c);
    ck_assert_status(skpi__calendar_add_hours(&c, SUN, 0, 4 * HOUR), SKPI_OK);
    ck_assert_status(skpi__calendar_add_hours(&c, MON, 9 * HOUR, 17 * HOUR),
                     SKPI_OK);

    ck_assert_int_eq(skpi__calendar_business_seconds(
                         &c, &z, at("2024-03-30T00:00:00Z"),
                         at("2024-04-02T00:00:00Z")),
                     3 * HOUR + 8 * HOUR);
    ck_assert_int_eq(skpi__calendar_business_seconds(
                         &c, &z, at("2024-10-26T00:00:00Z"),
                         at("2024-10-29T00:00:00Z")),
                     5 * HOUR + 8 * HOUR);
    /* 00:30 GMT to 03:30 BST is two real hours. */
    ck_assert_int_eq(skpi__calendar_business_seconds(
                         &c, &z, at("2024-03-31T00:30:00Z"),
                         at("2024-03-31T02:30:00Z")),
                     2 * HOUR);
    /* Monday in summer: 09:00 BST is 08:00Z. */
    ck_assert_int_eq(skpi__calendar_business_seconds(
                         &c, &z, at("2024-04-01T07:00:00Z"),
                         at("2024-04-01T09:00:00Z")),
                     HOUR);
    /* A year of 09:00-17:00 weekdays is untouched by the clock changes:
     * 2024 has 52 * 5 + 2 = 262 weekdays. */
    skpi__calendar w;
    skpi__calendar_init(&w);
    for (int d = MON; d <= FRI; d++)
        ck_assert_status(skpi__calendar_add_hours(&w, d, 9 * HOUR, 17 * HOUR),
                         SKPI_OK);
    ck_assert_int_eq(skpi__calendar_business_seconds(
                         &w, &z, at("2024-01-01T00:00:00Z"),
                         at("2025-01-01T00:00:00Z")),
                     262 * 8 * HOUR);

    /* 31 March: 01:00-02:00 does not exist.  01:15-01:45 is empty;
     * 01:30-03:00 runs from the change (01:00Z) to 03:00 BST (02:00Z); the
     * whole day is 23 hours. */
    const char *m0 = "2024-03-30T12:00:00Z", *m1 = "2024-04-01T00:00:00Z";
    ck_assert_int_eq(sunday_only(&z, HOUR + 15 * MIN, HOUR + 45 * MIN, m0, m1),
                     0);
    ck_assert_int_eq(sunday_only(&z, HOUR + 30 * MIN, 3 * HOUR, m0, m1), HOUR);
    ck_assert_int_eq(sunday_only(&z, 0, DAY, m0, m1), 23 * HOUR);
    /* 27 October: 01:00-02:00 happens twice.  01:00-02:00 holds both real
     * hours (00:00Z to 02:00Z); 01:30-03:00 starts at the first 01:30
     * (00:30Z) and ends at 03:00 GMT (03:00Z); the whole day is 25 hours. */
    const char *o0 = "2024-10-26T12:00:00Z", *o1 = "2024-10-28T00:00:00Z";
    ck_assert_int_eq(sunday_only(&z, HOUR, 2 * HOUR, o0, o1), 2 * HOUR);
    ck_assert_int_eq(sunday_only(&z, HOUR + 30 * MIN, 3 * HOUR, o0, o1),
                     2 * HOUR + 30 * MIN);
    ck_assert_int_eq(sunday_only(&z, 0, DAY, o0, o1), 25 * HOUR);
    skpi__zone_free(&z);
}
END_TEST

/* ===================================================================== */
/* errors: bad values, limits, parsing, the encoding                     */
/* ===================================================================== */

START_TEST(test_bad_hours)
{
    skpi__calendar c = desk(false);
    skpi__calendar before = c;
    ck_assert_status(skpi__calendar_add_hours(NULL, MON, 0, 1), SKPI_EINVAL);
    ck_assert_status(skpi__calendar_add_hours(&c, -1, 0, 1), SKPI_EOPTION);
    ck_assert_status(skpi__calendar_add_hours(&c, 7, 0, 1), SKPI_EOPTION);
    ck_assert_status(skpi__calendar_add_hours(&c, MON, -1, 1), SKPI_EOPTION);
    ck_assert_status(skpi__calendar_add_hours(&c, MON, 0, DAY + 1),
                     SKPI_EOPTION);
    ck_assert_status(skpi__calendar_add_hours(&c, MON, HOUR, HOUR),
                     SKPI_EOPTION);
    ck_assert_status(skpi__calendar_add_hours(&c, MON, 2 * HOUR, HOUR),
                     SKPI_EOPTION);
    ck_assert_status(skpi__calendar_add_hours(&c, MON, DAY, DAY),
                     SKPI_EOPTION);
    ck_assert(memcmp(&c, &before, sizeof c) == 0);
    /* The extremes are fine. */
    ck_assert_status(skpi__calendar_add_hours(&c, SAT, 0, DAY), SKPI_OK);
}
END_TEST

START_TEST(test_bad_holidays)
{
    skpi__calendar c;
    skpi__calendar_init(&c);
    ck_assert_status(skpi__calendar_add_holiday(NULL, EID), SKPI_EINVAL);
    ck_assert_status(skpi__calendar_add_holiday(&c, -2), SKPI_EOPTION);
    ck_assert_status(skpi__calendar_add_holiday(&c, 84007), SKPI_EOPTION);
    ck_assert_status(skpi__calendar_add_holiday(&c, INT64_MAX), SKPI_EOPTION);
    ck_assert_status(skpi__calendar_add_holiday(&c, INT64_MIN), SKPI_EOPTION);
    ck_assert_uint_eq(c.n_holidays, 0);
    /* Fill in reverse order, the worst case for insertion. */
    for (int64_t i = SKPI__CAL_MAX_HOLIDAYS - 1; i >= 0; i--)
        ck_assert_status(skpi__calendar_add_holiday(&c, 19000 + 2 * i),
                         SKPI_OK);
    ck_assert_uint_eq(c.n_holidays, SKPI__CAL_MAX_HOLIDAYS);
    for (size_t i = 0; i < SKPI__CAL_MAX_HOLIDAYS; i++)
        ck_assert_int_eq(c.holidays[i], 19000 + 2 * (int64_t)i);
    skpi__calendar before = c;
    ck_assert_status(skpi__calendar_add_holiday(&c, 19001), SKPI_ELIMIT);
    ck_assert_status(skpi__calendar_add_holiday(&c, 19000), SKPI_OK);
    ck_assert_status(skpi__calendar_add_holiday(&c, 19000 + 2 * 511),
                     SKPI_OK);
    ck_assert(memcmp(&c, &before, sizeof c) == 0);
}
END_TEST

START_TEST(test_hours_limit)
{
    skpi__calendar c;
    skpi__calendar_init(&c);
    for (int i = 0; i < SKPI__CAL_MAX_HOURS; i++)
        ck_assert_status(skpi__calendar_add_hours(&c, i % 7,
                                                  (i / 7) * 2 * HOUR,
                                                  (i / 7) * 2 * HOUR + 60),
                         SKPI_OK);
    skpi__calendar before = c;
    ck_assert_status(skpi__calendar_add_hours(&c, MON, 20 * HOUR, 21 * HOUR),
                     SKPI_ELIMIT);
    ck_assert(memcmp(&c, &before, sizeof c) == 0);
}
END_TEST

START_TEST(test_parse_clock)
{
    static const struct {
        const char *text;
        int32_t seconds;
    } good[] = {
        {"07:30", 27000},     {"14:30", 52200}, {"00:00", 0},
        {"24:00", 86400},     {"23:59", 86340}, {"23:59:59", 86399},
        {"24:00:00", 86400},  {"07:30:15", 27015},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        int32_t v = -1;
        ck_assert_status(skpi__calendar_parse_clock(
                             good[i].text, strlen(good[i].text), &v),
                         SKPI_OK);
        ck_assert_int_eq(v, good[i].seconds);
    }
    static const char *const bad[] = {
        "",       "7:30",     "07:3",     "0730",     "07-30",
        "07:60",  "24:01",    "25:00",    "24:00:01", "07:30:",
        "07:30:5", "07:30:60", "+7:30",   "07:30 ",   " 07:30",
        "07:30Z", "ab:cd",    "07:30:1a", "07.30",    "99:99",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int32_t v = -7;
        ck_assert_msg(skpi__calendar_parse_clock(bad[i], strlen(bad[i]),
                                                 &v) == SKPI_EPARSE,
                      "accepted \"%s\"", bad[i]);
        ck_assert_int_eq(v, -7);
    }
    /* Only the first n bytes are read. */
    int32_t v = 0;
    ck_assert_status(skpi__calendar_parse_clock("07:30-14:30", 5, &v),
                     SKPI_OK);
    ck_assert_int_eq(v, 27000);
    ck_assert_status(skpi__calendar_parse_clock("07:30-14:30", 11, &v),
                     SKPI_EPARSE);
    ck_assert_status(skpi__calendar_parse_clock(NULL, 5, &v), SKPI_EINVAL);
    ck_assert_status(skpi__calendar_parse_clock("07:30", 5, NULL),
                     SKPI_EINVAL);
}
END_TEST

START_TEST(test_parse_date)
{
    int64_t d = 0;
    ck_assert_status(skpi__calendar_parse_date("2024-04-10", 10, &d), SKPI_OK);
    ck_assert_int_eq(d, EID);
    ck_assert_status(skpi__calendar_parse_date("1969-12-31", 10, &d), SKPI_OK);
    ck_assert_int_eq(d, -1);
    ck_assert_status(skpi__calendar_parse_date("2200-01-01", 10, &d), SKPI_OK);
    ck_assert_int_eq(d, 84006);
    d = 5;
    ck_assert_status(skpi__calendar_parse_date("1969-12-30", 10, &d),
                     SKPI_EOPTION);
    ck_assert_status(skpi__calendar_parse_date("2200-01-02", 10, &d),
                     SKPI_EOPTION);
    ck_assert_status(skpi__calendar_parse_date("2024-02-30", 10, &d),
                     SKPI_EPARSE);
    ck_assert_status(skpi__calendar_parse_date("2024-4-10", 9, &d),
                     SKPI_EPARSE);
    ck_assert_status(skpi__calendar_parse_date("2024-04-10T", 11, &d),
                     SKPI_EPARSE);
    ck_assert_int_eq(d, 5);
    ck_assert_status(skpi__calendar_parse_date(NULL, 10, &d), SKPI_EINVAL);
    ck_assert_status(skpi__calendar_parse_date("2024-04-10", 10, NULL),
                     SKPI_EINVAL);
}
END_TEST

/*
 * Golden bytes: Sunday 07:30-14:30 (545400..570600 = 0x85278..0x8b4e8
 * seconds of the week) and holidays 1969-12-31 (-1) and 2024-04-10
 * (19823 = 0x4d6f).
 */
static const unsigned char golden[] = {
    0x01, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, /* header */
    0x78, 0x52, 0x08, 0x00, 0xe8, 0xb4, 0x08, 0x00, /* Sun 07:30-14:30 */
    0xff, 0xff, 0xff, 0xff,                         /* day -1 */
    0x6f, 0x4d, 0x00, 0x00,                         /* day 19823 */
};

static skpi__calendar golden_calendar(void)
{
    skpi__calendar c;
    skpi__calendar_init(&c);
    ck_assert_status(skpi__calendar_add_hours(&c, SUN, OPEN, CLOSE), SKPI_OK);
    ck_assert_status(skpi__calendar_add_holiday(&c, EID), SKPI_OK);
    ck_assert_status(skpi__calendar_add_holiday(&c, -1), SKPI_OK);
    return c;
}

START_TEST(test_encode)
{
    skpi__calendar c = golden_calendar();
    unsigned char buf[SKPI__CAL_ENCODED_MAX];
    size_t len = 0;
    ck_assert_uint_eq(skpi__calendar_encoded_size(&c), sizeof golden);
    ck_assert_status(skpi__calendar_encode(&c, buf, sizeof buf, &len),
                     SKPI_OK);
    ck_assert_uint_eq(len, sizeof golden);
    ck_assert(memcmp(buf, golden, sizeof golden) == 0);

    skpi__calendar back;
    ck_assert_status(skpi__calendar_decode(buf, len, &back), SKPI_OK);
    ck_assert(skpi__calendar_equal(&back, &c));
    ck_assert(memcmp(&back, &c, sizeof c) == 0);

    /* Exactly the size needed is enough; one byte less is not. */
    len = 99;
    ck_assert_status(skpi__calendar_encode(&c, buf, sizeof golden - 1, &len),
                     SKPI_EBUFSIZE);
    ck_assert_uint_eq(len, 99);
    ck_assert_status(skpi__calendar_encode(&c, buf, sizeof golden, NULL),
                     SKPI_OK);
    ck_assert_status(skpi__calendar_encode(NULL, buf, sizeof buf, &len),
                     SKPI_EINVAL);
    ck_assert_status(skpi__calendar_encode(&c, NULL, 10, &len), SKPI_EINVAL);
    ck_assert_status(skpi__calendar_encode(&c, NULL, 0, &len), SKPI_EBUFSIZE);
    ck_assert_uint_eq(skpi__calendar_encoded_size(NULL), 0);

    /* The empty calendar, and a full one, round-trip. */
    skpi__calendar e, full;
    skpi__calendar_init(&e);
    ck_assert_status(skpi__calendar_encode(&e, buf, sizeof buf, &len),
                     SKPI_OK);
    ck_assert_uint_eq(len, 8);
    static const unsigned char empty[8] = {1, 0, 0, 0, 0, 0, 0, 0};
    ck_assert(memcmp(buf, empty, 8) == 0);
    ck_assert_status(skpi__calendar_decode(buf, len, &back), SKPI_OK);
    ck_assert(memcmp(&back, &e, sizeof e) == 0);

    skpi__calendar_init(&full);
    for (int w = 0; w < 7; w++)
        for (int k = 0; k < 4; k++)
            ck_assert_status(skpi__calendar_add_hours(&full, w, k * 6 * HOUR,
                                                      (k + 1) * 6 * HOUR - 1),
                             SKPI_OK);
    for (int64_t i = 0; i < SKPI__CAL_MAX_HOLIDAYS; i++)
        ck_assert_status(skpi__calendar_add_holiday(&full, -1 + 160 * i),
                         SKPI_OK);
    ck_assert_uint_eq(skpi__calendar_encoded_size(&full),
                      SKPI__CAL_ENCODED_MAX);
    ck_assert_status(skpi__calendar_encode(&full, buf, sizeof buf, &len),
                     SKPI_OK);
    ck_assert_uint_eq(len, 2280);
    ck_assert_status(skpi__calendar_decode(buf, len, &back), SKPI_OK);
    ck_assert(memcmp(&back, &full, sizeof full) == 0);
}
END_TEST

/* Decode `bytes` (n of them) and require SKPI_EPARSE, *out untouched. */
static void decode_fails(const unsigned char *bytes, size_t n, int line)
{
    skpi__calendar out;
    memset(&out, 0x5a, sizeof out);
    skpi__calendar copy = out;
    skpi_status st = skpi__calendar_decode(bytes, n, &out);
    ck_assert_msg(st == SKPI_EPARSE, "line %d: status %s", line,
                  skpi_status_name(st));
    ck_assert(memcmp(&out, &copy, sizeof out) == 0);
}

#define DECODE_FAILS(b) decode_fails((b), sizeof(b), __LINE__)

START_TEST(test_decode_errors)
{
    unsigned char b[sizeof golden + 1];
    skpi__calendar out;

    /* Every truncation, and a trailing byte. */
    for (size_t n = 0; n < sizeof golden; n++)
        decode_fails(golden, n, __LINE__);
    memcpy(b, golden, sizeof golden);
    b[sizeof golden] = 0;
    decode_fails(b, sizeof golden + 1, __LINE__);

    /* One field at a time: (offset, width, little-endian value). */
    static const struct {
        size_t offset, width;
        uint32_t value;
    } bad[] = {
        {0, 1, 0},               /* version 0 */
        {0, 1, 2},               /* version 2 */
        {1, 1, 1},               /* reserved byte */
        {6, 2, 1},               /* reserved field */
        {6, 2, 0x8000},          /* reserved field */
        {2, 2, 0},               /* n_hours 0: the length no longer fits */
        {2, 2, 2},               /* n_hours 2: idem */
        {4, 2, 1},               /* n_holidays 1: idem */
        {4, 2, 3},               /* n_holidays 3: idem */
        {8, 4, 604800},          /* start at the end of the week */
        {8, 4, 0x80085278},      /* start far past it */
        {8, 4, 570600},          /* start == end */
        {8, 4, 570601},          /* start > end */
        {12, 4, 545400},         /* end == start */
        {12, 4, 505064},         /* end < start */
        {12, 4, 604801},         /* end past Sunday 24:00 */
        {16, 4, 0xfffffffe},     /* holiday -2, before 1969-12-31 */
        {16, 4, 19823},          /* holiday equal to the next one */
        {16, 4, 19824},          /* holiday after the next one */
        {20, 4, 0xffffffff},     /* second holiday -1, a duplicate */
        {20, 4, 84007},          /* holiday after 2200-01-01 */
        {20, 4, 0x80000000},     /* holiday INT32_MIN */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memcpy(b, golden, sizeof golden);
        for (size_t k = 0; k < bad[i].width; k++)
            b[bad[i].offset + k] = (unsigned char)(bad[i].value >> (8 * k));
        decode_fails(b, sizeof golden, (int)(1000 + i));
    }
    /* Sunday may end at 24:00 exactly. */
    memcpy(b, golden, sizeof golden);
    b[12] = 0x80, b[13] = 0x3a, b[14] = 0x09, b[15] = 0x00; /* 604800 */
    ck_assert_status(skpi__calendar_decode(b, sizeof golden, &out), SKPI_OK);
    ck_assert_int_eq(out.hours[0].end, 604800);

    /* Counts over capacity fail before the length is even considered. */
    static const unsigned char too_many_hours[8] = {1, 0, 29, 0, 0, 0, 0, 0};
    static const unsigned char too_many_days[8] = {1, 0, 0, 0, 0x01, 0x02,
                                                   0, 0};
    DECODE_FAILS(too_many_hours);
    DECODE_FAILS(too_many_days);

    /* Holidays out of order, and past 2200-01-01. */
    static const unsigned char unsorted[] = {1, 0, 0, 0, 2, 0, 0, 0,
                                             0x6f, 0x4d, 0, 0,
                                             0x6e, 0x4d, 0, 0};
    static const unsigned char late[] = {1, 0, 0, 0, 1, 0, 0, 0,
                                         0x27, 0x48, 0x01, 0}; /* 84007 */
    DECODE_FAILS(unsorted);
    DECODE_FAILS(late);

    /*
     * Hours that add_hours would have merged or ordered differently:
     * Monday [0, 100) and [100, 200) touch; [0, 100) and [50, 200)
     * overlap; [100, 200) before [0, 50) is out of order.  Monday
     * [86300, 86400) then Tuesday [86400, 86500) is canonical.
     */
    static const unsigned char touching[] = {1, 0, 2, 0, 0, 0, 0, 0,
                                             0, 0, 0, 0, 100, 0, 0, 0,
                                             100, 0, 0, 0, 200, 0, 0, 0};
    static const unsigned char overlapping[] = {1, 0, 2, 0, 0, 0, 0, 0,
                                                0, 0, 0, 0, 100, 0, 0, 0,
                                                50, 0, 0, 0, 200, 0, 0, 0};
    static const unsigned char unordered[] = {1, 0, 2, 0, 0, 0, 0, 0,
                                              100, 0, 0, 0, 200, 0, 0, 0,
                                              0, 0, 0, 0, 50, 0, 0, 0};
    static const unsigned char across[] = {1, 0, 1, 0, 0, 0, 0, 0,
                                           0x1c, 0x51, 0x01, 0,
                                           0xe4, 0x51, 0x01, 0};
    DECODE_FAILS(touching);
    DECODE_FAILS(overlapping);
    DECODE_FAILS(unordered);
    DECODE_FAILS(across); /* [86300, 86500) crosses midnight */

    static const unsigned char midnight[] = {1, 0, 2, 0, 0, 0, 0, 0,
                                             0x1c, 0x51, 0x01, 0,
                                             0x80, 0x51, 0x01, 0,
                                             0x80, 0x51, 0x01, 0,
                                             0xe4, 0x51, 0x01, 0};
    ck_assert_status(skpi__calendar_decode(midnight, sizeof midnight, &out),
                     SKPI_OK);
    ck_assert_uint_eq(out.n_hours, 2);
    ck_assert_int_eq(out.hours[0].end, 86400);
    ck_assert_int_eq(out.hours[1].start, 86400);

    ck_assert_status(skpi__calendar_decode(golden, sizeof golden, NULL),
                     SKPI_EINVAL);
    ck_assert_status(skpi__calendar_decode(NULL, 8, &out), SKPI_EINVAL);
    ck_assert_status(skpi__calendar_decode(NULL, 0, &out), SKPI_EPARSE);
}
END_TEST

/* Random calendars round-trip, and random bytes never crash decode. */
START_TEST(test_decode_random)
{
    uint64_t seed = 7;
    skpi__calendar c, back;
    model m;
    unsigned char buf[SKPI__CAL_ENCODED_MAX];
    size_t len;
    for (int round = 0; round < 200; round++) {
        model_random(&seed, &c, &m);
        ck_assert_status(skpi__calendar_encode(&c, buf, sizeof buf, &len),
                         SKPI_OK);
        ck_assert_status(skpi__calendar_decode(buf, len, &back), SKPI_OK);
        ck_assert(memcmp(&back, &c, sizeof c) == 0);
        /* Flip one random bit: either refused, or a valid calendar that
         * encodes back to the very same bytes. */
        size_t at_byte = (size_t)rng_below(&seed, (int64_t)len);
        buf[at_byte] ^= (unsigned char)(1u << rng_below(&seed, 8));
        skpi_status st = skpi__calendar_decode(buf, len, &back);
        if (st == SKPI_OK) {
            unsigned char again[SKPI__CAL_ENCODED_MAX];
            size_t len2;
            ck_assert_status(
                skpi__calendar_encode(&back, again, sizeof again, &len2),
                SKPI_OK);
            ck_assert_uint_eq(len2, len);
            ck_assert(memcmp(again, buf, len) == 0);
        } else {
            ck_assert_status(st, SKPI_EPARSE);
        }
    }
}
END_TEST

/* ===================================================================== */
/* Suite                                                                 */
/* ===================================================================== */

Suite *calendar_suite(void);

Suite *calendar_suite(void)
{
    Suite *s = suite_create("calendar");

    TCase *core = tcase_create("core");
    tcase_add_test(core, test_empty);
    tcase_add_test(core, test_layout);
    tcase_add_test(core, test_same_interval);
    tcase_add_test(core, test_before_opening);
    tcase_add_test(core, test_after_closing);
    tcase_add_test(core, test_closed_weekday);
    tcase_add_test(core, test_across_holiday);
    tcase_add_test(core, test_closed_stretch);
    tcase_add_test(core, test_two_stretches);
    tcase_add_test(core, test_half_open);
    tcase_add_test(core, test_zero_wait);
    tcase_add_test(core, test_month);
    tcase_add_test(core, test_year);
    tcase_add_test(core, test_centuries);
    tcase_add_test(core, test_additive);
    tcase_add_test(core, test_model);
    suite_add_tcase(s, core);

    TCase *edges = tcase_create("edges");
    tcase_add_test(edges, test_midnight);
    tcase_add_test(edges, test_merge);
    tcase_add_test(edges, test_merge_when_full);
    tcase_add_test(edges, test_no_answer);
    tcase_add_test(edges, test_dst);
    suite_add_tcase(s, edges);

    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_bad_hours);
    tcase_add_test(errors, test_bad_holidays);
    tcase_add_test(errors, test_hours_limit);
    tcase_add_test(errors, test_parse_clock);
    tcase_add_test(errors, test_parse_date);
    tcase_add_test(errors, test_encode);
    tcase_add_test(errors, test_decode_errors);
    tcase_add_test(errors, test_decode_random);
    suite_add_tcase(s, errors);

    return s;
}

SKPI_CHECK_MAIN(calendar_suite)

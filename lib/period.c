/*
 * period.c -- named periods, and the periods that KPIs are compared with.
 *
 * A desk reports on calendar periods of its own time zone: "2024-Q2" in a
 * +04:00 tracker starts at 2024-03-31T20:00:00Z, not at midnight UTC.  So
 * every period is first worked out in local day numbers (lib/civil.c) and
 * only then turned into UTC instants, through skpi__zone_midnight(), which
 * is the one place that knows where a local day starts.  Ranges are
 * half-open, [from, to), so that consecutive periods tile time without a
 * gap or an overlap and a period's length is simply to - from.
 *
 * Comparisons need "the same kind of period, earlier".  Calendar units do
 * not have a fixed length (months have 28 to 31 days, years 365 or 366, and
 * with daylight saving time even days vary), so the previous period and the
 * year-earlier period are computed in the largest calendar unit that the
 * range is made of: whole months, then whole ISO weeks or days, and only
 * for ranges that are none of these, plain seconds.
 *
 * Error precedence, the same in every function here: a NULL argument
 * (SKPI_EINVAL) first, then bad syntax (SKPI_EPARSE), then an empty or
 * reversed range (SKPI_ERANGE), then instants outside the supported range
 * (SKPI_ETIME).  A period that is well formed but lies outside the
 * tracker's reportable span (the whole local buckets around
 * [SKPI_TIME_MIN, SKPI_TIME_MAX), see skpi__range_ok()) -- "1969", or
 * "2200" -- is SKPI_ETIME, never SKPI_EPARSE: the text is fine, the library
 * just does not count those years.
 */
#include <string.h>

#include "internal.h"

/* ===================================================================== */
/* Calendar helpers                                                      */
/* ===================================================================== */

/* Day number of the 1st of month `m` (1-based, may run past 12 or below 1,
 * which carries into the year) of year y. */
static int64_t month_start(int64_t y, int64_t m)
{
    int64_t idx = y * 12 + (m - 1);
    return skpi__days_from_civil(skpi__floordiv(idx, 12),
                                 (int)(skpi__floormod(idx, 12) + 1), 1);
}

/* Whether `utc` is the first instant of a local day; if so, *day gets it. */
static bool local_midnight(const skpi__zone *z, int64_t utc, int64_t *day)
{
    int64_t d = skpi__zone_local_day(z, utc);
    if (skpi__zone_midnight(z, d) != utc)
        return false;
    *day = d;
    return true;
}

/* Whether day number `day` is the 1st of its month. */
static bool first_of_month(int64_t day)
{
    int d;
    skpi__civil_from_days(day, NULL, NULL, &d);
    return d == 1;
}

/* Turn local days [d0, d1) into instants, or SKPI_ETIME outside the
 * tracker's reportable span. */
static skpi_status days_range(const skpi_tracker *t, int64_t d0, int64_t d1,
                              int64_t *from, int64_t *to)
{
    int64_t f = skpi__zone_midnight(&t->opt.zone, d0);
    int64_t e = skpi__zone_midnight(&t->opt.zone, d1);
    if (!skpi__range_ok(t, f) || !skpi__range_ok(t, e))
        return SKPI_ETIME;
    *from = f;
    *to = e;
    return SKPI_OK;
}

/* ===================================================================== */
/* Parsing                                                               */
/* ===================================================================== */

/* Read exactly n digits (n <= 4). */
static bool digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/*
 * Parse a named period into local days [*d0, *d1).  The form is told by
 * its length and the letter after the year, so each text has exactly one
 * reading and anything else, trailing bytes and spaces included, is a
 * syntax error.
 */
static skpi_status parse_named(const char *s, size_t n, int64_t *d0,
                               int64_t *d1)
{
    int y, v;
    if (n < 4 || !digits(s, 4, &y))
        return SKPI_EPARSE;
    if (n == 4) {
        *d0 = skpi__days_from_civil(y, 1, 1);
        *d1 = skpi__days_from_civil(y + 1, 1, 1);
        return SKPI_OK;
    }
    if (s[4] != '-')
        return SKPI_EPARSE;
    if (n == 7 && s[5] == 'H') {
        if (!digits(s + 6, 1, &v) || v < 1 || v > 2)
            return SKPI_EPARSE;
        *d0 = month_start(y, 1 + 6 * (v - 1));
        *d1 = month_start(y, 1 + 6 * v);
        return SKPI_OK;
    }
    if (n == 7 && s[5] == 'Q') {
        if (!digits(s + 6, 1, &v) || v < 1 || v > 4)
            return SKPI_EPARSE;
        *d0 = month_start(y, 1 + 3 * (v - 1));
        *d1 = month_start(y, 1 + 3 * v);
        return SKPI_OK;
    }
    if (n == 7) {
        if (!digits(s + 5, 2, &v) || v < 1 || v > 12)
            return SKPI_EPARSE;
        *d0 = month_start(y, v);
        *d1 = month_start(y, v + 1);
        return SKPI_OK;
    }
    if (n == 8 && s[5] == 'W') {
        /* W53 exists only in ISO years that have 53 weeks; asking for it in
         * another year is a malformed week, like 2023-02-29 a malformed
         * day. */
        if (!digits(s + 6, 2, &v) || v < 1 || v > skpi__iso_weeks_in_year(y))
            return SKPI_EPARSE;
        *d0 = skpi__iso_week1_monday(y) + 7 * (int64_t)(v - 1);
        *d1 = *d0 + 7;
        return SKPI_OK;
    }
    if (n == 10) {
        int64_t day;
        if (skpi__date_parse_n(s, n, &day) != SKPI_OK)
            return SKPI_EPARSE;
        *d0 = day;
        *d1 = day + 1;
        return SKPI_OK;
    }
    return SKPI_EPARSE;
}

/*
 * One end of "A/B": a date means the local midnight that starts it, so that
 * "2024-03-01/2024-03-08" is the week of local days a reader expects;
 * anything else must be a complete ISO 8601 time, offset included.  Bare
 * Unix seconds are refused here: "2024/2025" reads like two years, and
 * taking it for the seconds [2024, 2025) would be a silent surprise.
 */
static skpi_status parse_end(const skpi__zone *z, const char *s, size_t n,
                             int64_t *out)
{
    int64_t day;
    if (n == 10 && skpi__date_parse_n(s, n, &day) == SKPI_OK) {
        *out = skpi__zone_midnight(z, day);
        return SKPI_OK;
    }
    if (memchr(s, '-', n) == NULL)
        return SKPI_EPARSE;
    return skpi__time_parse_n(s, n, out) == SKPI_OK ? SKPI_OK : SKPI_EPARSE;
}

skpi_status skpi_period_parse(const skpi_tracker *t, const char *text,
                              int64_t *from, int64_t *to)
{
    if (t == NULL || text == NULL || from == NULL || to == NULL)
        return SKPI_EINVAL;
    const skpi__zone *z = &t->opt.zone;
    size_t n = strlen(text);
    const char *slash = memchr(text, '/', n);

    if (slash == NULL) {
        int64_t d0, d1;
        skpi_status st = parse_named(text, n, &d0, &d1);
        if (st != SKPI_OK)
            return st;
        return days_range(t, d0, d1, from, to);
    }

    /* An explicit range; a second "/" makes B unparsable. */
    size_t na = (size_t)(slash - text);
    int64_t a, b;
    if (parse_end(z, text, na, &a) != SKPI_OK ||
        parse_end(z, slash + 1, n - na - 1, &b) != SKPI_OK)
        return SKPI_EPARSE;
    if (a >= b)
        return SKPI_ERANGE;
    if (!skpi__range_ok(t, a) || !skpi__range_ok(t, b))
        return SKPI_ETIME;
    *from = a;
    *to = b;
    return SKPI_OK;
}

/* ===================================================================== */
/* Comparison periods                                                    */
/* ===================================================================== */

/* The checks shared by the two functions below. */
static skpi_status check_range(const skpi_tracker *t, int64_t from,
                               int64_t to, const int64_t *prev_from,
                               const int64_t *prev_to)
{
    if (t == NULL || prev_from == NULL || prev_to == NULL)
        return SKPI_EINVAL;
    if (from >= to)
        return SKPI_ERANGE;
    /* Checking the inputs also keeps all the arithmetic below far from
     * overflow. */
    if (!skpi__range_ok(t, from) || !skpi__range_ok(t, to))
        return SKPI_ETIME;
    return SKPI_OK;
}

skpi_status skpi_period_previous(const skpi_tracker *t, int64_t from,
                                 int64_t to, int64_t *prev_from,
                                 int64_t *prev_to)
{
    skpi_status st = check_range(t, from, to, prev_from, prev_to);
    if (st != SKPI_OK)
        return st;
    const skpi__zone *z = &t->opt.zone;

    int64_t pf, d0, d1;
    if (local_midnight(z, from, &d0) && local_midnight(z, to, &d1)) {
        int64_t y0, y1;
        int m0, m1, dd0, dd1;
        skpi__civil_from_days(d0, &y0, &m0, &dd0);
        skpi__civil_from_days(d1, &y1, &m1, &dd1);
        if (dd0 == 1 && dd1 == 1) {
            /* Whole months: a quarter before a quarter, whatever the
             * number of days in each. */
            int64_t months = (y1 * 12 + m1) - (y0 * 12 + m0);
            pf = skpi__zone_midnight(z, month_start(y0, m0 - months));
        } else {
            /* Whole local days, which a zone with daylight saving time
             * does not make whole multiples of 86400 s. */
            pf = skpi__zone_midnight(z, d0 - (d1 - d0));
        }
    } else {
        pf = from - (to - from);
    }
    if (!skpi__range_ok(t, pf))
        return SKPI_ETIME;
    /* The previous period always ends where this one starts. */
    *prev_from = pf;
    *prev_to = from;
    return SKPI_OK;
}

/*
 * Local day number `day` moved back one calendar year.  A 29 February has
 * no counterpart in most years: as a start it becomes 28 February, as the
 * (exclusive) end of a range it becomes 1 March.  The end is special
 * because "up to 29 February" means "through 28 February", and a year
 * earlier that is up to 1 March; clamping it to 28 February would drop a
 * day, and would turn the day 2024-02-28 into an empty range.
 */
static int64_t year_back_day(int64_t day, bool is_end)
{
    int64_t y;
    int m, d;
    skpi__civil_from_days(day, &y, &m, &d);
    if (m == 2 && d == 29)
        return is_end ? skpi__days_from_civil(y - 1, 3, 1)
                      : skpi__days_from_civil(y - 1, 2, 28);
    return skpi__days_from_civil(y - 1, m, d);
}

/* An instant moved back one calendar year in local wall-clock time. */
static int64_t year_back_instant(const skpi__zone *z, int64_t utc,
                                 bool is_end)
{
    int64_t day = skpi__zone_local_day(z, utc);
    int64_t midnight = skpi__zone_midnight(z, day);
    if (utc == midnight)
        return skpi__zone_midnight(z, year_back_day(day, is_end));
    /* Inside a day, 29 February clamps to 28 February whichever end it is:
     * there is no whole day to preserve. */
    int64_t local = utc + skpi__zone_offset_at(z, utc);
    int64_t second_of_day = local - day * SKPI_DAY;
    return skpi__zone_utc_of_local(
        z, year_back_day(day, false) * SKPI_DAY + second_of_day);
}

/*
 * The header states the ISO-week rule for "both ends Monday midnights" and
 * the calendar rule for the rest.  Whole months are tested first, though:
 * 2024-Q1 and 2024-H1 both start and end on a Monday, and as weeks they
 * would map to 2023-01-02..2023-04-03 instead of to 2023-Q1.  A range that
 * is both whole months and whole weeks is a month-based period far more
 * often than a week-based one, and moving the 1st of a month back 12 months
 * always gives a 1st again.
 */
skpi_status skpi_period_year_earlier(const skpi_tracker *t, int64_t from,
                                     int64_t to, int64_t *prev_from,
                                     int64_t *prev_to)
{
    skpi_status st = check_range(t, from, to, prev_from, prev_to);
    if (st != SKPI_OK)
        return st;
    const skpi__zone *z = &t->opt.zone;

    int64_t pf, pt, d0, d1;
    if (local_midnight(z, from, &d0) && local_midnight(z, to, &d1) &&
        !(first_of_month(d0) && first_of_month(d1)) &&
        skpi__weekday(d0) == 0 && skpi__weekday(d1) == 0) {
        /* Whole ISO weeks: the same week numbers of the previous ISO year,
         * so that a Monday is compared with a Monday. */
        int64_t iso_year;
        int week;
        skpi__iso_week_of(d0, &iso_year, &week);
        int weeks = skpi__iso_weeks_in_year(iso_year - 1);
        if (week > weeks)
            week = weeks;
        int64_t p0 = skpi__iso_week1_monday(iso_year - 1) +
                     7 * (int64_t)(week - 1);
        pf = skpi__zone_midnight(z, p0);
        pt = skpi__zone_midnight(z, p0 + (d1 - d0));
    } else {
        pf = year_back_instant(z, from, false);
        pt = year_back_instant(z, to, true);
        /* Only a sub-day range around 29 February can collapse (both ends
         * clamp onto the same 28 February instant); keep its length. */
        if (pt <= pf)
            pt = pf + (to - from);
    }
    if (!skpi__range_ok(t, pf))
        return SKPI_ETIME;
    *prev_from = pf;
    *prev_to = pt;
    return SKPI_OK;
}

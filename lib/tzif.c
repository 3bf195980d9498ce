/*
 * tzif.c -- IANA time zone rules: the TZif reader and POSIX TZ rules.
 *
 * The idea
 * --------
 * A tracker named after an IANA zone ("Europe/London") reads the zone's
 * compiled file from the system once, when the zone is set, and keeps
 * everything it needs in memory: from then on no query touches the file
 * system, the process's TZ setting or the C library's time zone machinery
 * (tzset() and localtime() keep global state, which this library may not).
 *
 * A TZif file (RFC 8536, updated by RFC 9636) is a list of transitions --
 * instants at which the zone's UTC offset changes -- followed, from
 * version 2 on, by a footer: a POSIX TZ string such as
 * "GMT0BST,M3.5.0/1,M10.5.0" that says what happens after the last listed
 * transition.  Both parts are turned into one table:
 *
 *     at[i]    instant of transition i (UTC seconds), strictly increasing
 *     off[i]   offset (seconds east of UTC) from at[i] to at[i + 1]
 *     wmax[i]  the latest wall-clock reading before at[i]
 *     off0     offset before at[0]
 *
 * The first n_file entries come from the file; the rest are the footer's
 * transitions worked out for every year up to 2201, so that any instant
 * the library accepts (1970..2200, and the whole local days around them)
 * is answered by one binary search, about ten steps, instead of
 * re-evaluating the rule on every call.  Instants outside [lo, hi] -- far
 * beyond 2200, or before 1900 for a file that has only a footer -- are
 * answered by the footer rule directly, which is exact but slower.
 * Transitions that do not change the offset (a change of abbreviation, or
 * of the isdst flag alone) are dropped: only offsets matter here.
 *
 * Wall clock, gaps and overlaps
 * -----------------------------
 * Let f(u) = u + offset(u) be the wall clock at instant u.  f jumps
 * forward at a spring-forward transition (a gap: local times that never
 * happen) and backward at a fall-back one (an overlap: local times that
 * happen twice).  Local days and hours must nevertheless tile time, so the
 * library uses
 *
 *     W(u) = max { f(v) : v <= u }        (wmax makes this one lookup)
 *
 * which never decreases, and defines
 *
 *     utc_of_local(L) = min { u : W(u) >= L } = min { u : f(u) >= L },
 *
 * the first instant at which the clock reads L or later.  Consequences:
 *  - a local time in a gap gives the instant the gap ends (02:30 on a New
 *    York spring-forward day is 03:00 EDT, the transition itself), so
 *    every local time in the gap maps to the same instant and a later
 *    local time never gives an earlier instant;
 *  - a local time in an overlap gives the earlier of its two instants;
 *  - the local bucket holding u (day or hour) is floor(W(u) / width), and
 *    bucket b starts at utc_of_local(b * width); so bucket b is exactly
 *    [start(b), start(b + 1)), a skipped bucket is empty (start(b) ==
 *    start(b + 1)), and a repeated hour holds both of its UTC hours.
 * W differs from f only inside an overlap, and there only when the clock
 * was turned back across a bucket boundary: W then keeps the later bucket
 * instead of stepping back into one that has already ended.
 *
 * POSIX TZ rules
 * --------------
 *     std offset [dst [offset] , start [/time] , end [/time]]
 *
 * Names are 3 or more letters, or <...> quoted with digits and signs.
 * Offsets are [+-]hh[:mm[:ss]] *west* of UTC (EST5 is UTC-5); the DST
 * offset defaults to one hour east of standard time.  Dates are Jn (day
 * 1..365 of the year, 29 February never counted), n (day 0..365, counting
 * it) or Mm.w.d (day d, 0 = Sunday, of week w of month m, week 5 meaning
 * the last such day); times default to 02:00 and, as RFC 8536 section
 * 3.3.1 allows, may be negative or up to 167 hours.  The start time is
 * given in standard local time and the end time in daylight local time.
 * DST all year is written as starting 1 January 00:00 and ending 31
 * December at 24:00 plus the DST shift; then the end of one year and the
 * start of the next fall on the same instant, and the start wins.
 *
 * Limits and refusals (each gives SKPI_EZONE)
 * -------------------------------------------
 *  - input over 1 MiB, more than 4096 transitions, a footer over 127
 *    bytes; every count is checked against the bytes left before anything
 *    is read or allocated, and nothing is allocated before the whole file
 *    has been validated;
 *  - a version other than 1 to 4, a bad magic, a second header unlike the
 *    first, bytes after the footer, a missing footer newline;
 *  - no time types, more than 256, an empty designation block or one that
 *    is not NUL-terminated, a type index or designation index out of
 *    range, an isdst, standard/wall or UT/local flag other than 0 or 1, a
 *    UT flag without its standard flag, indicator counts other than 0 or
 *    the number of types, transitions not strictly increasing;
 *  - offsets beyond +-24:00 (RFC 8536 allows up to 25:59:59, but local
 *    time within a day of UTC is what the tracker's bucket numbering
 *    assumes, and no zone has ever needed more);
 *  - leap-second records: they come with the "right/" zones, whose
 *    instants count leap seconds, while the library's Unix seconds do not;
 *  - a footer that does not parse, or that disagrees with the last
 *    transition (RFC 8536 requires them to agree), or that has DST rules
 *    while the file's last transition is before 1900 (DST did not exist).
 * Only the version 2+ data block is read when there is one: RFC 8536 asks
 * readers to skip the version 1 block, which exists for old readers.
 *
 * References: RFC 8536 and RFC 9636 "The Time Zone Information Format";
 * POSIX.1-2017 XBD 8.3 (TZ); tzfile(5).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "tzif.h"

/* First and last year whose footer transitions are put in the table. */
#define GEN_FIRST_YEAR 1900
#define GEN_LAST_YEAR 2201
/* Rule times reach 167 hours past a date and an offset one more day: a
 * year's transitions lie within 8 days of the year. */
#define YEAR_SLACK (8 * INT64_C(86400))
/* The Gregorian calendar, weekdays included, repeats every 400 years. */
#define CYCLE_SECONDS (INT64_C(146097) * SKPI_DAY)
/* Beyond this many seconds from 1970 (about 34,800 years), rule
 * arithmetic first moves the instant by whole 400-year cycles. */
#define REDUCE_LIMIT (INT64_C(1) << 40)
/* Longest path tried; TZDIR plus the name must fit. */
#define PATH_LIMIT 4096

/* ===================================================================== */
/* Arithmetic helpers                                                    */
/* ===================================================================== */

static int64_t sat_add(int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r))
        return b > 0 ? INT64_MAX : INT64_MIN;
    return r;
}

static int64_t sat_sub(int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_sub_overflow(a, b, &r))
        return b < 0 ? INT64_MAX : INT64_MIN;
    return r;
}

/* Civil year of local seconds (no overflow for any int64_t). */
static int64_t year_of(int64_t local)
{
    int64_t y;
    skpi__civil_from_days(skpi__floordiv(local, SKPI_DAY), &y, NULL, NULL);
    return y;
}

/* Whole 400-year cycles to take off x before rule arithmetic: none for
 * the instants anyone asks about, enough for the rest to keep every
 * intermediate value far from overflow. */
static int64_t cycles_of(int64_t x)
{
    if (x >= -REDUCE_LIMIT && x <= REDUCE_LIMIT)
        return 0;
    return skpi__floordiv(x, CYCLE_SECONDS);
}

/*
 * Number of entries of at[0..n) that are <= t.  Branch-free halving (the
 * compiler turns the conditional into a conditional move): instants come
 * in no predictable order relative to the transitions, so a classic
 * binary search mispredicts about half of its ten-odd branches.
 */
static size_t upper(const int64_t *at, size_t n, int64_t t)
{
    if (n == 0)
        return 0;
    const int64_t *b = at;
    while (n > 1) {
        size_t half = n / 2;
        b = b[half] <= t ? b + half : b;
        n -= half;
    }
    return (size_t)(b - at) + (*b <= t);
}

/* ===================================================================== */
/* POSIX TZ strings                                                      */
/* ===================================================================== */

struct scan {
    const char *s;
    size_t n, i;
};

static char peek(const struct scan *sc)
{
    return sc->i < sc->n ? sc->s[sc->i] : '\0';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* 1..maxd decimal digits, value within [0, max]. */
static bool scan_num(struct scan *sc, size_t maxd, int max, int *out)
{
    int v = 0;
    size_t d = 0;
    while (d < maxd && is_digit(peek(sc))) {
        v = v * 10 + (peek(sc) - '0');
        sc->i++;
        d++;
    }
    if (d == 0 || v > max)
        return false;
    *out = v;
    return true;
}

/* A zone abbreviation: three or more letters, or <...> with three or more
 * letters, digits and signs.  Only its syntax matters here. */
static bool scan_name(struct scan *sc)
{
    size_t start;
    if (peek(sc) == '<') {
        sc->i++;
        start = sc->i;
        for (char c = peek(sc);
             is_alpha(c) || is_digit(c) || c == '+' || c == '-'; c = peek(sc))
            sc->i++;
        if (peek(sc) != '>' || sc->i - start < 3)
            return false;
        sc->i++;
        return true;
    }
    start = sc->i;
    while (is_alpha(peek(sc)))
        sc->i++;
    return sc->i - start >= 3;
}

/* [+-]hh[:mm[:ss]], hours up to max_hours, into signed seconds. */
static bool scan_hms(struct scan *sc, int max_hours, int32_t *out)
{
    int sign = 1, hh, mm = 0, ss = 0;
    if (peek(sc) == '+' || peek(sc) == '-') {
        sign = peek(sc) == '-' ? -1 : 1;
        sc->i++;
    }
    if (!scan_num(sc, 3, max_hours, &hh))
        return false;
    if (peek(sc) == ':') {
        sc->i++;
        if (!scan_num(sc, 2, 59, &mm))
            return false;
        if (peek(sc) == ':') {
            sc->i++;
            if (!scan_num(sc, 2, 59, &ss))
                return false;
        }
    }
    *out = (int32_t)(sign * (hh * 3600 + mm * 60 + ss));
    return true;
}

/* A UTC offset as POSIX writes it (west positive), returned east positive
 * and checked against the library's limit. */
static bool scan_offset(struct scan *sc, int32_t *east)
{
    int32_t west;
    if (!scan_hms(sc, 24, &west))
        return false;
    if (west > SKPI__TZIF_OFFSET_MAX || west < -SKPI__TZIF_OFFSET_MAX)
        return false;
    *east = -west;
    return true;
}

static bool scan_date(struct scan *sc, skpi__tzdate *d)
{
    int a, b, c;
    memset(d, 0, sizeof *d);
    if (peek(sc) == 'J') {
        sc->i++;
        if (!scan_num(sc, 3, 365, &a) || a < 1)
            return false;
        d->kind = SKPI__TZ_JULIAN1;
        d->yday = (uint16_t)a;
    } else if (peek(sc) == 'M') {
        sc->i++;
        if (!scan_num(sc, 2, 12, &a) || a < 1 || peek(sc) != '.')
            return false;
        sc->i++;
        if (!scan_num(sc, 1, 5, &b) || b < 1 || peek(sc) != '.')
            return false;
        sc->i++;
        if (!scan_num(sc, 1, 6, &c))
            return false;
        d->kind = SKPI__TZ_MWD;
        d->month = (uint8_t)a;
        d->week = (uint8_t)b;
        d->wday = (uint8_t)c;
    } else {
        if (!scan_num(sc, 3, 365, &a))
            return false;
        d->kind = SKPI__TZ_JULIAN0;
        d->yday = (uint16_t)a;
    }
    d->time = 2 * 3600;
    if (peek(sc) == '/') {
        sc->i++;
        if (!scan_hms(sc, 167, &d->time))
            return false;
    }
    return true;
}

skpi_status skpi__tzrule_parse(const char *s, size_t n, skpi__tzrule *out)
{
    if (s == NULL || out == NULL)
        return SKPI_EINVAL;
    struct scan sc = {s, n, 0};
    skpi__tzrule r;
    memset(&r, 0, sizeof r);
    if (!scan_name(&sc) || !scan_offset(&sc, &r.std_off))
        return SKPI_EZONE;
    r.dst_off = r.std_off;
    if (sc.i == n) {
        *out = r;
        return SKPI_OK;
    }
    if (!scan_name(&sc))
        return SKPI_EZONE;
    r.has_dst = true;
    if (peek(&sc) != ',') {
        if (!scan_offset(&sc, &r.dst_off))
            return SKPI_EZONE;
    } else {
        r.dst_off = r.std_off + 3600;
        if (r.dst_off > SKPI__TZIF_OFFSET_MAX)
            return SKPI_EZONE;
    }
    /* POSIX leaves the dates of "EST5EDT" without rules to the
     * implementation; a TZif footer always spells them out. */
    if (peek(&sc) != ',')
        return SKPI_EZONE;
    sc.i++;
    if (!scan_date(&sc, &r.start) || peek(&sc) != ',')
        return SKPI_EZONE;
    sc.i++;
    if (!scan_date(&sc, &r.end) || sc.i != n)
        return SKPI_EZONE;
    *out = r;
    return SKPI_OK;
}

/* ===================================================================== */
/* Evaluating a rule                                                     */
/* ===================================================================== */

/* Day number of a rule date in year y. */
static int64_t rule_day(const skpi__tzdate *d, int64_t y)
{
    int64_t jan1 = skpi__days_from_civil(y, 1, 1);
    switch (d->kind) {
    case SKPI__TZ_JULIAN1:
        /* Day 60 is 1 March whether or not the year is a leap year. */
        return jan1 + d->yday - 1 + (skpi__is_leap(y) && d->yday >= 60);
    case SKPI__TZ_JULIAN0:
        return jan1 + d->yday;
    default: {
        int64_t first = skpi__days_from_civil(y, d->month, 1);
        int wd_first = (skpi__weekday(first) + 1) % 7; /* 0 = Sunday */
        int64_t day = first + (d->wday - wd_first + 7) % 7 +
                      7 * (int64_t)(d->week - 1);
        int64_t next = first + skpi__days_in_month(y, d->month);
        while (day >= next) /* week 5: the last one */
            day -= 7;
        return day;
    }
    }
}

/*
 * The transitions of years y0..y1 under rule r (which has DST), sorted
 * by instant; of equal instants, the one generated later stays later, so
 * that "the last transition at or before t" picks the start of a year
 * over the end of the previous one.  at/off hold 2 * (y1 - y0 + 1).
 */
static size_t rule_list(const skpi__tzrule *r, int64_t y0, int64_t y1,
                        int64_t *at, int32_t *off)
{
    size_t n = 0;
    for (int64_t y = y0; y <= y1; y++) {
        at[n] = rule_day(&r->start, y) * SKPI_DAY + r->start.time - r->std_off;
        off[n++] = r->dst_off;
        at[n] = rule_day(&r->end, y) * SKPI_DAY + r->end.time - r->dst_off;
        off[n++] = r->std_off;
    }
    /* Insertion sort, stable; the input is sorted but for a swap a year
     * in the southern hemisphere, so this is linear in practice. */
    for (size_t i = 1; i < n; i++) {
        int64_t a = at[i];
        int32_t o = off[i];
        size_t j = i;
        for (; j > 0 && at[j - 1] > a; j--) {
            at[j] = at[j - 1];
            off[j] = off[j - 1];
        }
        at[j] = a;
        off[j] = o;
    }
    return n;
}

/* The offset in effect before the first of a sorted rule list: the
 * other one, since a rule's transitions alternate. */
static int32_t rule_before(const skpi__tzrule *r, const int32_t *off)
{
    return off[0] == r->dst_off ? r->std_off : r->dst_off;
}

int32_t skpi__tzrule_offset_at(const skpi__tzrule *r, int64_t utc)
{
    if (!r->has_dst)
        return r->std_off;
    utc -= cycles_of(utc) * CYCLE_SECONDS;
    int64_t y = year_of(utc + r->std_off);
    int64_t at[6];
    int32_t off[6];
    size_t n = rule_list(r, y - 1, y + 1, at, off);
    int32_t o = rule_before(r, off);
    for (size_t i = 0; i < n && at[i] <= utc; i++)
        o = off[i];
    return o;
}

/*
 * Drop, in place, the transitions of at/off[from..n) that are not later
 * than *after (when after is not NULL), that share an instant with the
 * next one (the later wins), or that do not change the offset, starting
 * from offset *state.  Returns the new count; *state gets the offset after
 * the last one kept.
 */
static size_t collapse(int64_t *at, int32_t *off, size_t from, size_t n,
                       const int64_t *after, int32_t *state)
{
    size_t w = from;
    for (size_t i = from; i < n; i++) {
        if (after != NULL && at[i] <= *after)
            continue;
        if (i + 1 < n && at[i + 1] == at[i])
            continue;
        if (off[i] == *state)
            continue;
        at[w] = at[i];
        off[w] = off[i];
        *state = off[i];
        w++;
    }
    return w;
}

/* wmax[i] = the latest wall-clock reading before at[i]. */
static void fill_wmax(const int64_t *at, const int32_t *off, int64_t *wmax,
                      size_t n, int32_t off0)
{
    int64_t w = INT64_MIN;
    int32_t prev = off0;
    for (size_t i = 0; i < n; i++) {
        int64_t r = sat_add(at[i], (int64_t)prev - 1);
        if (r > w)
            w = r;
        wmax[i] = w;
        prev = off[i];
    }
}

/* min { u : W(u) >= local } over a table (see the essay). */
static int64_t table_search(const int64_t *at, const int32_t *off,
                            const int64_t *wmax, size_t n, int32_t off0,
                            int64_t local)
{
    /* wmax never decreases: count the entries below `local`. */
    size_t lo = local == INT64_MIN ? 0 : upper(wmax, n, local - 1);
    if (lo == 0)
        return sat_sub(local, off0);
    int64_t u = sat_sub(local, off[lo - 1]);
    return u > at[lo - 1] ? u : at[lo - 1];
}

/* The same question under rule r alone, from the transitions of the year
 * around `local` and the years either side. */
static int64_t rule_utc_of_local(const skpi__tzrule *r, int64_t local)
{
    if (!r->has_dst)
        return sat_sub(local, r->std_off);
    int64_t shift = cycles_of(local) * CYCLE_SECONDS;
    local -= shift;
    int64_t y = year_of(local);
    int64_t at[6], wmax[6];
    int32_t off[6];
    size_t n = rule_list(r, y - 1, y + 1, at, off);
    int32_t off0 = rule_before(r, off), state = off0;
    n = collapse(at, off, 0, n, NULL, &state);
    fill_wmax(at, off, wmax, n, off0);
    return sat_add(table_search(at, off, wmax, n, off0, local), shift);
}

/* ===================================================================== */
/* Rule sets                                                             */
/* ===================================================================== */

/* A rule set with room for `cap` transitions, its arrays in the same
 * allocation, or NULL. */
static skpi__tzif *tzif_alloc(size_t cap, int64_t **at, int64_t **wmax,
                              int32_t **off)
{
    /* cap is bounded by the callers (file limit plus generated years), so
     * the size cannot overflow. */
    size_t size = sizeof(skpi__tzif) + cap * (2 * sizeof(int64_t)) +
                  cap * sizeof(int32_t);
    skpi__tzif *tz = malloc(size);
    if (tz == NULL)
        return NULL;
    memset(tz, 0, sizeof *tz);
    /* sizeof(skpi__tzif) is a multiple of its 8-byte alignment. */
    int64_t *a = (int64_t *)(void *)(tz + 1);
    *at = a;
    *wmax = a + cap;
    *off = (int32_t *)(void *)(a + 2 * cap);
    tz->at = *at;
    tz->wmax = *wmax;
    tz->off = *off;
    return tz;
}

skpi_status skpi__tzif_copy(const skpi__tzif *src, skpi__tzif **out)
{
    if (src == NULL || out == NULL)
        return SKPI_EINVAL;
    int64_t *at, *wmax;
    int32_t *off;
    skpi__tzif *tz = tzif_alloc(src->n, &at, &wmax, &off);
    if (tz == NULL)
        return SKPI_ENOMEM;
    const int64_t *a = at, *w = wmax;
    const int32_t *o = off;
    *tz = *src;
    tz->at = a;
    tz->wmax = w;
    tz->off = o;
    if (src->n > 0) {
        memcpy(at, src->at, src->n * sizeof *at);
        memcpy(wmax, src->wmax, src->n * sizeof *wmax);
        memcpy(off, src->off, src->n * sizeof *off);
    }
    *out = tz;
    return SKPI_OK;
}

void skpi__tzif_free(skpi__tzif *tz)
{
    free(tz);
}

int32_t skpi__tzif_offset_at(const skpi__tzif *tz, int64_t utc)
{
    if (utc < tz->lo || utc > tz->hi)
        return skpi__tzrule_offset_at(&tz->rule, utc);
    size_t i = upper(tz->at, tz->n, utc);
    return i == 0 ? tz->off0 : tz->off[i - 1];
}

int64_t skpi__tzif_wall(const skpi__tzif *tz, int64_t utc)
{
    if (utc < tz->lo || utc > tz->hi)
        return sat_add(utc, skpi__tzrule_offset_at(&tz->rule, utc));
    size_t i = upper(tz->at, tz->n, utc);
    if (i == 0)
        return sat_add(utc, tz->off0);
    int64_t w = sat_add(utc, tz->off[i - 1]);
    return w > tz->wmax[i - 1] ? w : tz->wmax[i - 1];
}

int64_t skpi__tzif_utc_of_local(const skpi__tzif *tz, int64_t local)
{
    int64_t u =
        table_search(tz->at, tz->off, tz->wmax, tz->n, tz->off0, local);
    if (u > tz->hi) {
        /* The table's clock stays below `local` up to hi, where it is
         * exact, so the answer lies beyond. */
        int64_t r = rule_utc_of_local(&tz->rule, local);
        return r > tz->hi ? r : tz->hi + 1;
    }
    if (u < tz->lo) {
        /* Only a footer-only file has lo > INT64_MIN; its table's clock
         * already reads `local` at lo, so the answer lies before. */
        int64_t r = rule_utc_of_local(&tz->rule, local);
        return r < tz->lo ? r : tz->lo;
    }
    return u;
}

bool skpi__tzif_constant(const skpi__tzif *tz, int64_t lo, int64_t hi,
                         int32_t *off)
{
    if (lo < tz->lo || hi > tz->hi || lo > hi)
        return false;
    size_t i = upper(tz->at, tz->n, lo);
    if (i < tz->n && tz->at[i] <= hi)
        return false;
    *off = i == 0 ? tz->off0 : tz->off[i - 1];
    return true;
}

/* ===================================================================== */
/* TZif parsing                                                          */
/* ===================================================================== */

#define HEADER_SIZE 44

struct header {
    unsigned char version; /* 0, '2', '3' or '4' */
    uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

/* Validated view of a data block. */
struct block {
    size_t tsize; /* 4 or 8 */
    uint32_t timecnt, typecnt;
    const unsigned char *times, *idx, *types;
};

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Two's complement, without relying on implementation-defined casts. */
static int32_t be32s(const unsigned char *p)
{
    uint32_t v = be32(p);
    return v <= INT32_MAX ? (int32_t)v : -(int32_t)(~v) - 1;
}

static int64_t be64s(const unsigned char *p)
{
    uint64_t v = (uint64_t)be32(p) << 32 | be32(p + 4);
    return v <= INT64_MAX ? (int64_t)v : -(int64_t)(~v) - 1;
}

static bool read_header(const unsigned char *p, size_t avail,
                        struct header *h)
{
    if (avail < HEADER_SIZE || memcmp(p, "TZif", 4) != 0)
        return false;
    h->version = p[4];
    if (h->version != 0 && h->version != '2' && h->version != '3' &&
        h->version != '4')
        return false;
    /* p[5..19] are reserved; RFC 8536 has writers zero them and readers
     * ignore them. */
    h->isutcnt = be32(p + 20);
    h->isstdcnt = be32(p + 24);
    h->leapcnt = be32(p + 28);
    h->timecnt = be32(p + 32);
    h->typecnt = be32(p + 36);
    h->charcnt = be32(p + 40);
    return true;
}

/* Size of the data block after header h, if it fits in `avail` bytes.
 * Counts are 32-bit, so the sum fits in 64 bits. */
static bool block_size(const struct header *h, size_t tsize, size_t avail,
                       size_t *size)
{
    uint64_t s = (uint64_t)h->timecnt * (tsize + 1) +
                 (uint64_t)h->typecnt * 6 + h->charcnt +
                 (uint64_t)h->leapcnt * (tsize + 4) + h->isstdcnt +
                 h->isutcnt;
    if (s > avail)
        return false;
    *size = (size_t)s;
    return true;
}

static int64_t time_at(const struct block *b, size_t i)
{
    const unsigned char *p = b->times + i * b->tsize;
    return b->tsize == 8 ? be64s(p) : be32s(p);
}

static int32_t type_off(const struct block *b, size_t type)
{
    return be32s(b->types + 6 * type);
}

/* Check every field of the data block at p (already known to fit). */
static bool check_block(const struct header *h, const unsigned char *p,
                        size_t tsize, struct block *b)
{
    if (h->typecnt == 0 || h->typecnt > 256 || h->charcnt == 0)
        return false;
    if ((h->isstdcnt != 0 && h->isstdcnt != h->typecnt) ||
        (h->isutcnt != 0 && h->isutcnt != h->typecnt))
        return false;
    if (h->leapcnt != 0 || h->timecnt > SKPI__TZIF_MAX_TIMES)
        return false;

    b->tsize = tsize;
    b->timecnt = h->timecnt;
    b->typecnt = h->typecnt;
    b->times = p;
    b->idx = b->times + (size_t)h->timecnt * tsize;
    b->types = b->idx + h->timecnt;
    const unsigned char *chars = b->types + 6 * (size_t)h->typecnt;
    const unsigned char *isstd = chars + h->charcnt; /* leapcnt is 0 */
    const unsigned char *isut = isstd + h->isstdcnt;

    for (size_t i = 0; i < h->timecnt; i++) {
        if (i > 0 && time_at(b, i) <= time_at(b, i - 1))
            return false;
        if (b->idx[i] >= h->typecnt)
            return false;
    }
    for (size_t i = 0; i < h->typecnt; i++) {
        const unsigned char *t = b->types + 6 * i;
        int32_t utoff = be32s(t);
        if (utoff < -SKPI__TZIF_OFFSET_MAX || utoff > SKPI__TZIF_OFFSET_MAX)
            return false;
        if (t[4] > 1 || t[5] >= h->charcnt)
            return false;
    }
    if (chars[h->charcnt - 1] != '\0')
        return false;
    for (size_t i = 0; i < h->isstdcnt; i++)
        if (isstd[i] > 1)
            return false;
    for (size_t i = 0; i < h->isutcnt; i++)
        if (isut[i] > 1 || (isut[i] == 1 && (h->isstdcnt == 0 || isstd[i] != 1)))
            return false;
    return true;
}

/* Build the table from a validated block and footer. */
static skpi_status build(const struct block *b, const skpi__tzrule *rule,
                         const char *footer, size_t flen, skpi__tzif **out)
{
    bool gen = rule != NULL && rule->has_dst;
    int64_t last = b->timecnt > 0 ? time_at(b, b->timecnt - 1) : 0;
    if (rule != NULL && b->timecnt > 0 &&
        skpi__tzrule_offset_at(rule, last) !=
            type_off(b, b->idx[b->timecnt - 1]))
        return SKPI_EZONE;

    int64_t y0 = GEN_FIRST_YEAR, y1 = GEN_LAST_YEAR;
    int64_t lo = INT64_MIN, hi = INT64_MAX, after = INT64_MIN;
    if (gen) {
        if (b->timecnt > 0) {
            y0 = year_of(sat_add(last, rule->std_off)) - 1;
            if (y0 < GEN_FIRST_YEAR - 1)
                return SKPI_EZONE;
            after = last;
        } else {
            lo = skpi__days_from_civil(GEN_FIRST_YEAR, 1, 1) * SKPI_DAY +
                 YEAR_SLACK;
            after = lo - 1;
        }
        hi = skpi__days_from_civil(GEN_LAST_YEAR + 1, 1, 1) * SKPI_DAY -
             YEAR_SLACK - 1;
        if (b->timecnt > 0 && last > hi)
            hi = last;
    }
    size_t n_gen = gen && y1 >= y0 ? (size_t)(2 * (y1 - y0 + 1)) : 0;
    size_t cap = b->timecnt + n_gen;

    int64_t *at, *wmax;
    int32_t *off;
    skpi__tzif *tz = tzif_alloc(cap, &at, &wmax, &off);
    if (tz == NULL)
        return SKPI_ENOMEM;

    /* The file's transitions, with off0 from time type 0. */
    int32_t off0 = type_off(b, 0), state = off0;
    size_t n = 0;
    for (size_t i = 0; i < b->timecnt; i++) {
        at[n] = time_at(b, i);
        off[n] = type_off(b, b->idx[i]);
        n++;
    }
    n = collapse(at, off, 0, n, NULL, &state);
    size_t n_file = n;

    if (rule != NULL && b->timecnt == 0) {
        /* No transitions: the footer answers for every instant. */
        off0 = skpi__tzrule_offset_at(rule, lo == INT64_MIN ? 0 : lo);
        state = off0;
    }
    if (n_gen > 0) {
        size_t m = rule_list(rule, y0, y1, at + n, off + n);
        n = collapse(at, off, n, n + m, &after, &state);
    }
    fill_wmax(at, off, wmax, n, off0);

    tz->n = n;
    tz->n_file = n_file;
    tz->off0 = off0;
    tz->lo = lo;
    tz->hi = hi;
    tz->has_rule = rule != NULL;
    if (rule != NULL)
        tz->rule = *rule;
    memcpy(tz->footer, footer, flen);
    tz->footer[flen] = '\0';
    *out = tz;
    return SKPI_OK;
}

skpi_status skpi__tzif_parse(const unsigned char *buf, size_t len,
                             skpi__tzif **out)
{
    if (buf == NULL || out == NULL)
        return SKPI_EINVAL;
    if (len > SKPI__TZIF_MAX_BYTES)
        return SKPI_EZONE;

    struct header h1, h;
    size_t pos = 0, size;
    if (!read_header(buf, len, &h1))
        return SKPI_EZONE;
    pos += HEADER_SIZE;
    if (!block_size(&h1, 4, len - pos, &size))
        return SKPI_EZONE;

    const unsigned char *data;
    size_t tsize;
    const char *footer = "";
    size_t flen = 0;
    if (h1.version == 0) {
        h = h1;
        data = buf + pos;
        tsize = 4;
        if (pos + size != len)
            return SKPI_EZONE;
    } else {
        pos += size;
        if (!read_header(buf + pos, len - pos, &h) ||
            h.version != h1.version)
            return SKPI_EZONE;
        pos += HEADER_SIZE;
        if (!block_size(&h, 8, len - pos, &size))
            return SKPI_EZONE;
        data = buf + pos;
        tsize = 8;
        pos += size;
        /* The footer: "\n", a TZ string, "\n", and nothing after. */
        if (pos >= len || buf[pos] != '\n')
            return SKPI_EZONE;
        pos++;
        const unsigned char *nl = memchr(buf + pos, '\n', len - pos);
        if (nl == NULL || (size_t)(nl - buf) + 1 != len)
            return SKPI_EZONE;
        flen = (size_t)(nl - (buf + pos));
        if (flen > SKPI__TZIF_FOOTER_MAX)
            return SKPI_EZONE;
        footer = (const char *)(buf + pos);
        for (size_t i = 0; i < flen; i++)
            if (footer[i] < 0x20 || footer[i] > 0x7e)
                return SKPI_EZONE;
    }

    struct block b;
    if (!check_block(&h, data, tsize, &b))
        return SKPI_EZONE;
    skpi__tzrule rule;
    if (flen > 0 && skpi__tzrule_parse(footer, flen, &rule) != SKPI_OK)
        return SKPI_EZONE;
    return build(&b, flen > 0 ? &rule : NULL, footer, flen, out);
}

/* ===================================================================== */
/* Loading by name                                                       */
/* ===================================================================== */

bool skpi__tzif_name_valid(const char *name)
{
    if (name == NULL || name[0] == '\0' || name[0] == '/')
        return false;
    size_t comp = 0, n = 0;
    for (const char *p = name; *p != '\0'; p++, n++) {
        char c = *p;
        if (n >= SKPI__TZIF_NAME_MAX)
            return false;
        if (c == '/') {
            if (comp == 0)
                return false; /* "//" */
            comp = 0;
            continue;
        }
        /* No '.', so no "." or ".." component either. */
        if (!is_alpha(c) && !is_digit(c) && c != '_' && c != '+' && c != '-')
            return false;
        comp++;
    }
    return comp > 0; /* no trailing '/' */
}

skpi_status skpi__tzif_load(const char *name, skpi__tzif **out)
{
    unsigned char *buf;
    size_t size;
    skpi_status st = skpi__tzif_read(name, &buf, &size);
    if (st != SKPI_OK)
        return st;
    st = skpi__tzif_parse(buf, size, out);
    free(buf);
    return st;
}

skpi_status skpi__tzif_read(const char *name, unsigned char **bytes,
                            size_t *len)
{
    if (name == NULL || bytes == NULL || len == NULL)
        return SKPI_EINVAL;
    if (!skpi__tzif_name_valid(name))
        return SKPI_EZONE;
    const char *dir = getenv("TZDIR");
    if (dir == NULL || dir[0] == '\0')
        dir = "/usr/share/zoneinfo";
    size_t dl = strlen(dir), nl = strlen(name);
    char path[PATH_LIMIT];
    if (dl + 1 + nl + 1 > sizeof path)
        return SKPI_EZONE;
    memcpy(path, dir, dl);
    path[dl] = '/';
    memcpy(path + dl + 1, name, nl + 1);

    unsigned char *buf;
    size_t size;
    skpi_status st = skpi__read_file(path, SKPI__TZIF_MAX_BYTES, &buf, &size);
    if (st != SKPI_OK)
        return st == SKPI_ENOMEM ? st : SKPI_EZONE;
    *bytes = buf;
    *len = size;
    return SKPI_OK;
}

/*
 * zone.c -- time zones, and parsing and formatting of ISO 8601 times.
 *
 * A tracker counts in local calendar days (or clock hours) of one zone, so
 * every conversion between a UTC instant and the local wall clock goes
 * through the skpi__zone_* functions below.  A zone is either a fixed
 * offset from UTC, where the conversions are additions, or an IANA zone
 * whose rules lib/tzif.c read from the system's TZif file when the zone
 * was parsed; the zone owns those rules from then on, so nothing later
 * depends on the machine's tzdata.  Callers never read `offset` or `rules`
 * themselves: they ask for "the offset at this instant", "the instant of
 * this wall-clock time" and "the instant at which this local day starts",
 * because with daylight saving time those answers differ from day to day
 * (and a local day may start at 01:00, or last 23 or 25 hours).  Each
 * function tests the kind of zone once, so fixed offsets cost what they
 * always did.
 *
 * The time syntax is the subset of ISO 8601 (and RFC 3339) that exported
 * logs and APIs actually produce:
 *
 *     YYYY-MM-DD{T| }HH:MM[:SS[.fraction]]{Z|+HH:MM|+HHMM|+HH}
 *
 * plus plain Unix seconds.  A time must name its offset: "2024-03-01 10:00"
 * could be any of 27 instants, and guessing would make KPIs depend on the
 * machine that ingested the log.  Fractions are dropped rather than
 * rounded, so that an event is never moved into the next second (and, at
 * 23:59:59.9, into the next day's bucket).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tzif.h"

_Static_assert(SKPI__TZIF_NAME_MAX <= SKPI__ZONE_NAME_MAX,
               "an IANA name must fit skpi__zone.name");

/* ===================================================================== */
/* Small scanners                                                        */
/* ===================================================================== */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Read exactly `n` decimal digits at s into *out.  n is small (<= 4), so
 * the value always fits an int. */
static bool scan_digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* Largest offset any zone uses (Kiribati, UTC+14), and its mirror. */
#define OFFSET_MAX_MINUTES (14 * 60)

/*
 * Parse a numeric UTC offset that fills all `n` bytes: "+HH:MM", "+HHMM"
 * or "+HH", with "+" or "-".  Hours are two digits, minutes 00..59, and
 * the whole offset lies within -14:00..+14:00.  "-00:00" is accepted as
 * UTC: RFC 3339 uses it for "offset unknown", but the instant is the same.
 */
static bool scan_offset(const char *s, size_t n, int32_t *seconds)
{
    if (n != 3 && n != 5 && n != 6)
        return false;
    if (s[0] != '+' && s[0] != '-')
        return false;
    int hh, mm = 0;
    if (!scan_digits(s + 1, 2, &hh))
        return false;
    if (n == 5 && !scan_digits(s + 3, 2, &mm))
        return false;
    if (n == 6 && (s[3] != ':' || !scan_digits(s + 4, 2, &mm)))
        return false;
    if (mm > 59)
        return false;
    int minutes = hh * 60 + mm;
    if (minutes > OFFSET_MAX_MINUTES)
        return false;
    *seconds = (int32_t)((s[0] == '-' ? -minutes : minutes) * 60);
    return true;
}

/* Write two digits of v (0..99) at p. */
static void put2(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
}

/* Write the canonical name of an offset: "Z", or "+HH:MM" / "-HH:MM". */
static void offset_name(int32_t offset, char *p)
{
    if (offset == 0) {
        p[0] = 'Z';
        p[1] = '\0';
        return;
    }
    int32_t minutes = (offset < 0 ? -offset : offset) / 60;
    p[0] = offset < 0 ? '-' : '+';
    put2(p + 1, (int)(minutes / 60));
    p[3] = ':';
    put2(p + 4, (int)(minutes % 60));
    p[6] = '\0';
}

/* ===================================================================== */
/* Zones                                                                 */
/* ===================================================================== */

/* The instants around which the library ever converts: the accepted times
 * and the whole local days around them, with a margin. */
#define SPAN_LO (SKPI_TIME_MIN - 3 * SKPI_DAY)
#define SPAN_HI (SKPI_TIME_MAX + 3 * SKPI_DAY)

/* Whether every local day of zone z that holds one of its transitions
 * within the span lasts at most SKPI__ZONE_DAY_MAX (other days last 24
 * hours). */
static bool days_fit(const skpi__zone *z)
{
    const struct skpi__tzif *tz = z->rules;
    for (size_t i = 0; i < tz->n; i++) {
        if (tz->at[i] < SPAN_LO || tz->at[i] > SPAN_HI)
            continue;
        int64_t d = skpi__zone_local_day(z, tz->at[i]);
        for (int64_t k = d - 1; k <= d + 1; k++)
            if (skpi__zone_midnight(z, k + 1) - skpi__zone_midnight(z, k) >
                SKPI__ZONE_DAY_MAX)
                return false;
    }
    return true;
}

/*
 * Fixed offsets first: "UTC" stays the fixed zone "Z" as before, and an
 * offset never reaches the file system.  Anything else must be an IANA
 * name (lib/tzif.c checks its syntax before building a path from it).  A
 * zone such as Asia/Dubai whose offset is the same over every instant the
 * library can meet is kept as that fixed offset, under its IANA name: its
 * conversions are then additions, and the results are the same.  NULL
 * arguments are a caller's bug and give SKPI_EINVAL, as everywhere else in
 * the library.
 */
skpi_status skpi__zone_parse(const char *text, skpi__zone *z)
{
    if (text == NULL || z == NULL)
        return SKPI_EINVAL;
    skpi__zone tmp;
    memset(&tmp, 0, sizeof tmp);
    if (strcmp(text, "Z") == 0 || strcmp(text, "UTC") == 0) {
        tmp.offset = 0;
    } else if (!scan_offset(text, strlen(text), &tmp.offset)) {
        unsigned char *buf;
        size_t len;
        skpi_status st = skpi__tzif_read(text, &buf, &len);
        if (st != SKPI_OK)
            return st;
        st = skpi__zone_from_tzif(text, buf, len, z);
        free(buf);
        return st;
    }
    offset_name(tmp.offset, tmp.name);
    *z = tmp;
    return SKPI_OK;
}

skpi_status skpi__zone_from_tzif(const char *name, const unsigned char *buf,
                                 size_t len, skpi__zone *z)
{
    if (name == NULL || buf == NULL || z == NULL)
        return SKPI_EINVAL;
    if (!skpi__tzif_name_valid(name) || strlen(name) > SKPI__ZONE_NAME_MAX)
        return SKPI_EZONE;
    skpi__zone tmp;
    memset(&tmp, 0, sizeof tmp);
    memcpy(tmp.name, name, strlen(name) + 1);
    struct skpi__tzif *tz;
    skpi_status st = skpi__tzif_parse(buf, len, &tz);
    if (st != SKPI_OK)
        return st;
    if (skpi__tzif_constant(tz, SPAN_LO, SPAN_HI, &tmp.offset)) {
        /* Converts like a fixed offset: neither rules nor bytes needed. */
        skpi__tzif_free(tz);
        *z = tmp;
        return SKPI_OK;
    }
    tmp.rules = tz;
    if (!days_fit(&tmp)) {
        skpi__tzif_free(tz);
        return SKPI_EZONE;
    }
    tmp.tzif = malloc(len);
    if (tmp.tzif == NULL) {
        skpi__tzif_free(tz);
        return SKPI_ENOMEM;
    }
    memcpy(tmp.tzif, buf, len);
    tmp.tzif_len = len;
    *z = tmp;
    return SKPI_OK;
}

bool skpi__zone_equal(const skpi__zone *a, const skpi__zone *b)
{
    if (strcmp(a->name, b->name) != 0 || a->offset != b->offset ||
        (a->rules == NULL) != (b->rules == NULL))
        return false;
    return a->rules == NULL ||
           (a->tzif_len == b->tzif_len &&
            memcmp(a->tzif, b->tzif, a->tzif_len) == 0);
}

skpi_status skpi__zone_copy(skpi__zone *dst, const skpi__zone *src)
{
    struct skpi__tzif *rules = NULL;
    unsigned char *bytes = NULL;
    if (src->rules != NULL) {
        skpi_status st = skpi__tzif_copy(src->rules, &rules);
        if (st != SKPI_OK)
            return st;
        bytes = malloc(src->tzif_len > 0 ? src->tzif_len : 1);
        if (bytes == NULL) {
            skpi__tzif_free(rules);
            return SKPI_ENOMEM;
        }
        memcpy(bytes, src->tzif, src->tzif_len);
    }
    *dst = *src;
    dst->rules = rules;
    dst->tzif = bytes;
    return SKPI_OK;
}

void skpi__zone_free(skpi__zone *z)
{
    if (z == NULL)
        return;
    skpi__tzif_free(z->rules);
    free(z->tzif);
    z->rules = NULL;
    z->tzif = NULL;
    z->tzif_len = 0;
}

int32_t skpi__zone_offset_at(const skpi__zone *z, int64_t utc)
{
    if (z->rules == NULL)
        return z->offset; /* a fixed offset holds at every instant */
    return skpi__tzif_offset_at(z->rules, utc);
}

/*
 * With a fixed offset every wall-clock time exists exactly once.  With
 * rules, a time that a clock change skips gives the end of the gap and one
 * that it repeats the earlier instant (see internal.h): the result never
 * decreases as `local` grows, which period.c relies on.
 */
int64_t skpi__zone_utc_of_local(const skpi__zone *z, int64_t local)
{
    if (z->rules == NULL)
        return local - z->offset;
    return skpi__tzif_utc_of_local(z->rules, local);
}

/* floor(wall clock / unit) at `utc`; a fixed offset is split from the
 * instant first so that no instant overflows. */
static inline int64_t local_unit(const skpi__zone *z, int64_t utc,
                                  int64_t unit)
{
    if (z->rules == NULL)
        return skpi__floordiv(utc, unit) +
               skpi__floordiv(skpi__floormod(utc, unit) + z->offset, unit);
    return skpi__floordiv(skpi__tzif_wall(z->rules, utc), unit);
}

int64_t skpi__zone_local_day(const skpi__zone *z, int64_t utc)
{
    return local_unit(z, utc, SKPI_DAY);
}

int64_t skpi__zone_local_hour(const skpi__zone *z, int64_t utc)
{
    return local_unit(z, utc, SKPI_HOUR);
}

/*
 * The first instant of a local day.  With an IANA zone this is not always
 * 00:00: where a clock change skips midnight (America/Sao_Paulo until
 * 2018, Asia/Beirut), the day starts when the gap ends, and a day skipped
 * whole (Pacific/Apia, 2011-12-30) starts and ends at the same instant.
 */
int64_t skpi__zone_midnight(const skpi__zone *z, int64_t day)
{
    return skpi__zone_utc_of_local(z, day * SKPI_DAY);
}

/* ===================================================================== */
/* Parsing                                                               */
/* ===================================================================== */

/*
 * Validate a calendar date and return its day number.  The year is always
 * four digits here, so the day number is small and cannot overflow.
 */
static bool date_fields(const char *s, int64_t *days)
{
    int y, m, d;
    if (!scan_digits(s, 4, &y) || s[4] != '-' || !scan_digits(s + 5, 2, &m) ||
        s[7] != '-' || !scan_digits(s + 8, 2, &d))
        return false;
    if (m < 1 || m > 12 || d < 1 || d > skpi__days_in_month(y, m))
        return false;
    *days = skpi__days_from_civil(y, m, d);
    return true;
}

skpi_status skpi__date_parse_n(const char *s, size_t n, int64_t *days)
{
    if (s == NULL || days == NULL)
        return SKPI_EINVAL;
    int64_t v;
    if (n != 10 || !date_fields(s, &v))
        return SKPI_EPARSE;
    *days = v;
    return SKPI_OK;
}

/*
 * Unix seconds: digits only, no sign (no accepted time is negative, and a
 * "-" would make "-1" look like an offset).  A number too large for
 * int64_t saturates to INT64_MAX instead of failing to parse: it is
 * well-formed, merely out of range, and every caller's range check then
 * reports it as SKPI_ETIME rather than as a syntax error.
 */
static void unix_seconds(const char *s, size_t n, int64_t *out)
{
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        int digit = s[i] - '0';
        if (v > (INT64_MAX - digit) / 10) {
            *out = INT64_MAX;
            return;
        }
        v = v * 10 + digit;
    }
    *out = v;
}

skpi_status skpi__time_parse_n(const char *s, size_t n, int64_t *out)
{
    if (s == NULL || out == NULL)
        return SKPI_EINVAL;
    if (n == 0)
        return SKPI_EPARSE;

    size_t i = 0;
    while (i < n && is_digit(s[i]))
        i++;
    if (i == n) {
        unix_seconds(s, n, out);
        return SKPI_OK;
    }

    /* "YYYY-MM-DDTHH:MM" is 16 bytes, and the zone takes at least one
     * more, so a shorter text (a bare date among them) is refused here. */
    if (n < 17)
        return SKPI_EPARSE;
    int64_t days;
    if (!date_fields(s, &days))
        return SKPI_EPARSE;
    if (s[10] != 'T' && s[10] != ' ')
        return SKPI_EPARSE;
    int hh, mi, ss = 0;
    if (!scan_digits(s + 11, 2, &hh) || s[13] != ':' ||
        !scan_digits(s + 14, 2, &mi))
        return SKPI_EPARSE;
    i = 16;
    if (s[i] == ':') {
        if (n - i < 3 || !scan_digits(s + i + 1, 2, &ss))
            return SKPI_EPARSE;
        i += 3;
        if (i < n && s[i] == '.') {
            /* At least one digit, all of them ignored: truncation of a
             * non-negative fraction is the floor. */
            size_t start = ++i;
            while (i < n && is_digit(s[i]))
                i++;
            if (i == start)
                return SKPI_EPARSE;
        }
    }
    /* Leap seconds (":60") are refused: Unix time has no name for them,
     * and a feed that emits one is better told than silently shifted. */
    if (hh > 23 || mi > 59 || ss > 59)
        return SKPI_EPARSE;

    int32_t offset;
    if (n - i == 1 && s[i] == 'Z')
        offset = 0;
    else if (i == n || !scan_offset(s + i, n - i, &offset))
        return SKPI_EPARSE;

    *out = days * SKPI_DAY + hh * SKPI_HOUR + mi * 60 + ss - offset;
    return SKPI_OK;
}

skpi_status skpi_time_parse(const char *text, int64_t *out)
{
    if (text == NULL || out == NULL)
        return SKPI_EINVAL;
    int64_t v;
    skpi_status st = skpi__time_parse_n(text, strlen(text), &v);
    if (st != SKPI_OK)
        return st;
    if (!skpi__time_ok(v))
        return SKPI_ETIME;
    *out = v;
    return SKPI_OK;
}

/* ===================================================================== */
/* Formatting                                                            */
/* ===================================================================== */

/*
 * The output is "YYYY-MM-DDTHH:MM:SS" followed by "Z" or "+HH:MM": 25 bytes
 * and a NUL for the library's years.  Years outside 0..9999 (only reachable
 * by internal callers passing instants far outside the range) are written
 * with as many digits as they need and a leading "-" if negative; the
 * result still fits SKPI_TIME_BUFSIZE for any year of up to 10 digits, and
 * longer ones are cut, never overrun.
 */
void skpi__time_format(const skpi__zone *z, int64_t utc, char *buf)
{
    int32_t off = skpi__zone_offset_at(z, utc);
    /* Split into day and second of day before adding the offset, so that
     * no instant near the ends of int64_t overflows. */
    int64_t day = skpi__floordiv(utc, SKPI_DAY);
    int64_t sec = skpi__floormod(utc, SKPI_DAY) + off;
    day += skpi__floordiv(sec, SKPI_DAY);
    sec = skpi__floormod(sec, SKPI_DAY);

    int64_t y;
    int m, d;
    skpi__civil_from_days(day, &y, &m, &d);

    char tmp[64];
    size_t p = 0;
    /* The year, at least four digits, written backwards then reversed. */
    uint64_t uy = y < 0 ? (uint64_t)0 - (uint64_t)y : (uint64_t)y;
    char digits[24];
    size_t nd = 0;
    do {
        digits[nd++] = (char)('0' + (int)(uy % 10));
        uy /= 10;
    } while (uy != 0);
    while (nd < 4)
        digits[nd++] = '0';
    if (y < 0)
        tmp[p++] = '-';
    while (nd > 0)
        tmp[p++] = digits[--nd];

    tmp[p++] = '-';
    put2(tmp + p, m);
    p += 2;
    tmp[p++] = '-';
    put2(tmp + p, d);
    p += 2;
    tmp[p++] = 'T';
    put2(tmp + p, (int)(sec / SKPI_HOUR));
    p += 2;
    tmp[p++] = ':';
    put2(tmp + p, (int)(sec / 60 % 60));
    p += 2;
    tmp[p++] = ':';
    put2(tmp + p, (int)(sec % 60));
    p += 2;
    offset_name(off, tmp + p);

    size_t len = strlen(tmp);
    if (len >= SKPI_TIME_BUFSIZE)
        len = SKPI_TIME_BUFSIZE - 1;
    memcpy(buf, tmp, len);
    buf[len] = '\0';
}

skpi_status skpi_time_format(const skpi_tracker *t, int64_t time, char *buf,
                             size_t size)
{
    if (t == NULL || buf == NULL)
        return SKPI_EINVAL;
    /* Every instant a range may start or end on can be written, so that
     * the ends of "1970" at +04:00 or of "2199-12-31" in UTC print. */
    if (!skpi__range_ok(t, time))
        return SKPI_ETIME;
    char tmp[SKPI_TIME_BUFSIZE];
    skpi__time_format(&t->opt.zone, time, tmp);
    size_t len = strlen(tmp);
    /* Refuse rather than truncate: a cut time reads as a different one. */
    if (len >= size)
        return SKPI_EBUFSIZE;
    memcpy(buf, tmp, len + 1);
    return SKPI_OK;
}

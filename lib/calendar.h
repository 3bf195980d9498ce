/*
 * calendar.h -- business-hours calendars (internal).
 *
 * A calendar says when a desk is open: intervals of local wall-clock time
 * on each weekday, minus whole local days that are holidays, all in the
 * tracker's zone.  The tracker uses it to measure first-response time in
 * business time beside calendar time.  The rules for every edge case (a
 * message out of hours, a reply out of hours, a holiday in between, a
 * daylight-saving day), the byte layout of the encoding and the cost of a
 * measurement are set out in the essay at the top of lib/calendar.c; this
 * header only states the contract of each call.
 *
 * skpi__calendar is a plain value with fixed capacity: it holds no pointer,
 * so it can live inside struct skpi_options and struct skpi_tracker and be
 * copied with `=` or memcpy.  Calls that take a `const skpi__calendar *`
 * only read it and may run concurrently; a call that takes a mutable one
 * must not run concurrently with any other call on the same calendar.
 *
 * Every fallible call returns an skpi_status; on any status but SKPI_OK the
 * calendar passed in is unchanged and out-parameters are untouched.
 */
#ifndef SKPI_CALENDAR_H
#define SKPI_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "socialkpi.h"

/* The zone type of lib/internal.h, which includes this header. */
typedef struct skpi__zone skpi__zone;

/* Capacities: open intervals over the whole week, and holidays. */
#define SKPI__CAL_MAX_HOURS 28
#define SKPI__CAL_MAX_HOLIDAYS 512

/* Seconds in a week; open intervals are kept in seconds of the week. */
#define SKPI__CAL_WEEK (7 * SKPI_DAY)

/*
 * Holidays must name a local day a tracker can touch: 1969-12-31 (day -1)
 * to 2200-01-01 (day 84006), the reportable span of include/socialkpi.h.
 */
#define SKPI__CAL_DAY_MIN INT64_C(-1)
#define SKPI__CAL_DAY_MAX INT64_C(84006)

/* Size of the encoding's header, and of an empty calendar's encoding. */
#define SKPI__CAL_HEADER 8
/* Version byte of the encoding written by this code. */
#define SKPI__CAL_VERSION 1
/* Largest encoding: a full calendar (8 + 28 * 8 + 512 * 4 = 2280 bytes). */
#define SKPI__CAL_ENCODED_MAX                                               \
    (SKPI__CAL_HEADER + 8 * SKPI__CAL_MAX_HOURS + 4 * SKPI__CAL_MAX_HOLIDAYS)

/*
 * One open interval [start, end) in seconds of the local week, Monday
 * 00:00 being 0: start = weekday * 86400 + from_second, end = weekday *
 * 86400 + to_second, with 0 <= from_second < to_second <= 86400.  An
 * interval never crosses midnight; "22:00 to 02:00" is two intervals on
 * two weekdays.
 */
typedef struct skpi__calendar_hours {
    int32_t start;
    int32_t end;
} skpi__calendar_hours;

/*
 * The calendar.  Invariants (kept by every call, checked by decode):
 *  - hours[0 .. n_hours) are sorted by start; within one weekday they
 *    neither overlap nor touch (touching or overlapping intervals are
 *    merged when added), so the list is the one canonical description of
 *    the open time of each weekday;
 *  - holidays[0 .. n_holidays) are strictly increasing local day numbers
 *    in [SKPI__CAL_DAY_MIN, SKPI__CAL_DAY_MAX];
 *  - unused entries are zero, so two equal calendars are equal bytewise.
 * Size: 4 + 28 * 8 + 512 * 4 = 2276 bytes.
 */
typedef struct skpi__calendar {
    uint16_t n_hours;
    uint16_t n_holidays;
    skpi__calendar_hours hours[SKPI__CAL_MAX_HOURS];
    int32_t holidays[SKPI__CAL_MAX_HOLIDAYS];
} skpi__calendar;

/* Make *c the empty calendar: no open hours, no holidays ("not set"). */
void skpi__calendar_init(skpi__calendar *c);

/*
 * Whether the calendar has at least one open interval.  Holidays alone do
 * not make a calendar (every duration would be 0).  False for NULL.
 */
bool skpi__calendar_is_set(const skpi__calendar *c);

/*
 * Add the open interval [from_second, to_second) of local wall-clock time
 * on `weekday` (0 = Monday ... 6 = Sunday, as skpi__weekday()), with
 * 0 <= from_second < to_second <= 86400 (86400 is 24:00, the end of the
 * day).  Open time is a set: an interval that overlaps or touches one
 * already on that weekday is merged with it (adding 08:00-12:00 and
 * 12:00-16:00 gives 08:00-16:00; adding an interval twice changes
 * nothing).  Capacity is checked after merging, so an addition that merges
 * succeeds even when the calendar is full.
 * Returns SKPI_OK, SKPI_EINVAL (c NULL), SKPI_EOPTION (weekday or seconds
 * out of range, from_second >= to_second) or SKPI_ELIMIT (the merged list
 * would exceed SKPI__CAL_MAX_HOURS).
 */
skpi_status skpi__calendar_add_hours(skpi__calendar *c, int weekday,
                                     int32_t from_second, int32_t to_second);

/*
 * Make local day number `day` (see lib/civil.c) a holiday: no open time on
 * it at all.  Adding a holiday twice is harmless (SKPI_OK, no change).
 * Returns SKPI_OK, SKPI_EINVAL (c NULL), SKPI_EOPTION (day outside
 * [SKPI__CAL_DAY_MIN, SKPI__CAL_DAY_MAX]) or SKPI_ELIMIT (a new day and
 * already SKPI__CAL_MAX_HOLIDAYS of them).
 */
skpi_status skpi__calendar_add_holiday(skpi__calendar *c, int64_t day);

/* Whether local day `day` is one of the calendar's holidays. */
bool skpi__calendar_is_holiday(const skpi__calendar *c, int64_t day);

/* Whether two calendars describe the same hours and holidays. */
bool skpi__calendar_equal(const skpi__calendar *a, const skpi__calendar *b);

/*
 * Parse a wall-clock time of day from exactly `n` bytes at s: "HH:MM" or
 * "HH:MM:SS", 00:00 to 24:00 ("24:00" and "24:00:00" only, the end of a
 * day), into seconds since midnight (0..86400).
 * Returns SKPI_OK, SKPI_EINVAL (s or seconds NULL) or SKPI_EPARSE.
 */
skpi_status skpi__calendar_parse_clock(const char *s, size_t n,
                                       int32_t *seconds);

/*
 * Parse a holiday date "YYYY-MM-DD" from exactly `n` bytes at s (with
 * skpi__date_parse_n()) into a local day number that add_holiday accepts.
 * Returns SKPI_OK, SKPI_EINVAL (s or day NULL), SKPI_EPARSE (not a date) or
 * SKPI_EOPTION (a date outside 1969-12-31 .. 2200-01-01).
 */
skpi_status skpi__calendar_parse_date(const char *s, size_t n, int64_t *day);

/*
 * The business time between a message at `from_utc` and its reply at
 * `to_utc`: the number of real elapsed seconds of [from_utc, to_utc) that
 * fall inside an open interval of a local day (in zone z) that is not a
 * holiday.  Each interval end is turned into an instant with
 * skpi__zone_utc_of_local(), so on a daylight-saving day an interval that
 * spans the clock change counts its real length.
 * Returns the seconds (0 <= result <= to_utc - from_utc; 0 when
 * from_utc == to_utc), or -1 when it cannot answer: c or z NULL, the
 * calendar not set, to_utc < from_utc, or either end more than two days
 * outside [SKPI_TIME_MIN, SKPI_TIME_MAX).  Cost: a few zone conversions per
 * open day of the span (see calendar.c).  Reads only; thread-safe.
 */
int64_t skpi__calendar_business_seconds(const skpi__calendar *c,
                                        const skpi__zone *z, int64_t from_utc,
                                        int64_t to_utc);

/* Exact size in bytes of skpi__calendar_encode()'s output (0 for NULL). */
size_t skpi__calendar_encoded_size(const skpi__calendar *c);

/*
 * Write the calendar into buf (layout in calendar.c: explicit little-endian,
 * the same bytes for equal calendars, at most SKPI__CAL_ENCODED_MAX).
 * *len (if len is not NULL) receives the number of bytes written, which is
 * skpi__calendar_encoded_size(c).
 * Returns SKPI_OK, SKPI_EINVAL (c NULL, or buf NULL with cap > 0) or
 * SKPI_EBUFSIZE (cap too small; nothing written).
 */
skpi_status skpi__calendar_encode(const skpi__calendar *c, void *buf,
                                  size_t cap, size_t *len);

/*
 * Rebuild a calendar from exactly `len` bytes written by
 * skpi__calendar_encode().  Every field is checked: the length against the
 * counts, the version, reserved bytes, counts within capacity, intervals
 * within a day, sorted and canonical (no overlapping or touching intervals
 * on one weekday), holidays strictly increasing and in range.
 * Returns SKPI_OK, SKPI_EINVAL (out NULL, or buf NULL with len > 0) or
 * SKPI_EPARSE (malformed; *out untouched).
 */
skpi_status skpi__calendar_decode(const void *buf, size_t len,
                                  skpi__calendar *out);

#endif /* SKPI_CALENDAR_H */

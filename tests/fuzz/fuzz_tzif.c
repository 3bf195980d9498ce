/*
 * fuzz_tzif.c -- libFuzzer target: the TZif parser (lib/tzif.c), and a
 * zone built on it (lib/zone.c).
 *
 * skpi__tzif_parse() is internal, so run.sh compiles the library's sources
 * into the target.  Any input must give SKPI_OK, SKPI_EZONE or SKPI_ENOMEM,
 * with *out untouched on failure.  For rules that parse, at instants
 * around the first and last transitions and across the library's years:
 *  - the offset lies within +-24 hours;
 *  - inside the table, the wall clock never goes back, and the first
 *    instant at which the clock reads wall(x) is not after x;
 *  - a copy answers as the original.
 * The same bytes are then made a zone, as a snapshot's zone rules are, and
 * local midnights must never go back either.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "tzif.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, int64_t at)
{
    fprintf(stderr, "fuzz_tzif: %s at %lld\n", what, (long long)at);
    abort();
}

/* Sample instants, in increasing order, into s[]; returns how many. */
static size_t samples(const skpi__tzif *tz, int64_t *s, size_t cap)
{
    size_t n = 0;
    const int64_t fixed[] = {INT64_C(-2208988800), SKPI_TIME_MIN, INT64_C(1000000000),
                             INT64_C(1709251200), INT64_C(4102444800), SKPI_TIME_MAX - 1};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0] && n < cap; i++)
        s[n++] = fixed[i];
    size_t k = tz->n < 8 ? tz->n : 8;
    for (size_t i = 0; i < k && n + 6 <= cap; i++) {
        for (int d = -1; d <= 1; d++) {
            s[n++] = tz->at[i] + d;
            s[n++] = tz->at[tz->n - 1 - i] + d;
        }
    }
    /* Insertion sort: a few dozen values. */
    for (size_t i = 1; i < n; i++) {
        int64_t v = s[i];
        size_t j = i;
        while (j > 0 && s[j - 1] > v) {
            s[j] = s[j - 1];
            j--;
        }
        s[j] = v;
    }
    return n;
}

static void check_rules(const skpi__tzif *tz)
{
    for (size_t i = 1; i < tz->n; i++) {
        if (tz->at[i] <= tz->at[i - 1])
            fail("transitions out of order", tz->at[i]);
    }
    skpi__tzif *copy = NULL;
    if (skpi__tzif_copy(tz, &copy) != SKPI_OK)
        return;
    int64_t s[64];
    size_t n = samples(tz, s, 64);
    int64_t last_wall = INT64_MIN;
    for (size_t i = 0; i < n; i++) {
        int64_t x = s[i];
        int32_t off = skpi__tzif_offset_at(tz, x);
        if (off < -SKPI__TZIF_OFFSET_MAX || off > SKPI__TZIF_OFFSET_MAX)
            fail("an offset beyond a day", x);
        if (skpi__tzif_offset_at(copy, x) != off)
            fail("a copy answers otherwise", x);
        if (x < tz->lo || x > tz->hi)
            continue;
        int64_t w = skpi__tzif_wall(tz, x);
        if (w < last_wall)
            fail("the wall clock goes back", x);
        last_wall = w;
        if (skpi__tzif_utc_of_local(tz, w) > x)
            fail("the clock reads wall(x) only after x", x);
    }
    skpi__tzif_free(copy);
}

static void check_zone(const uint8_t *data, size_t size)
{
    skpi__zone z;
    if (skpi__zone_from_tzif("Fuzz/Zone", data, size, &z) != SKPI_OK)
        return;
    /* Local days of the library's span near the samples: midnights never
     * go back (a day skipped whole is empty, not negative). */
    const int64_t days[] = {-1, 0, 1, 19783, 19784, 19785, 83000, 84005};
    int64_t prev = INT64_MIN;
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
        int64_t m = skpi__zone_midnight(&z, days[i]);
        if (m < prev)
            fail("a local midnight before the one of the day before", m);
        prev = m;
        (void)skpi__zone_local_day(&z, m);
        (void)skpi__zone_local_hour(&z, m);
    }
    skpi__zone_free(&z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    skpi__tzif *tz = NULL;
    skpi_status st = skpi__tzif_parse(data, size, &tz);
    if (st != SKPI_OK) {
        if ((st != SKPI_EZONE && st != SKPI_ENOMEM) || tz != NULL)
            fail("an unexpected status", (int64_t)st);
    } else {
        check_rules(tz);
        skpi__tzif_free(tz);
    }
    check_zone(data, size);
    return 0;
}

/*
 * fuzz_period.c -- libFuzzer target: skpi_period_parse() and
 * skpi_time_parse().
 *
 * The input, made NUL-terminated, is parsed as a period in trackers of
 * several zones and bucket widths (UTC, fixed offsets east and west, IANA
 * zones with daylight saving time, one of them with a half-hour shift) and
 * as a time.  What must hold:
 *  - a period parses to from < to inside the tracker's reportable span,
 *    and the previous period, the period a year earlier and the text form
 *    of both ends can be computed without harm;
 *  - a time parses to an instant in [SKPI_TIME_MIN, SKPI_TIME_MAX), and
 *    its text form in each zone parses back to the same instant.
 * The IANA zones come from the system's tzdata (run.sh checks for it).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "socialkpi.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
    const char *zone;
    int bucket;
} zones[] = {
    {"Z", SKPI_BUCKET_DAY},
    {"+05:30", SKPI_BUCKET_DAY},
    {"-03:00", SKPI_BUCKET_HOUR},
    {"Europe/London", SKPI_BUCKET_DAY},
    {"America/New_York", SKPI_BUCKET_HOUR},
    {"Australia/Lord_Howe", SKPI_BUCKET_DAY},
};

#define N_ZONES (sizeof zones / sizeof zones[0])

/* Built once; never freed (libFuzzer exits without returning). */
static skpi_tracker *trackers[N_ZONES];

static void fail(const char *what, const char *zone, const char *text)
{
    fprintf(stderr, "fuzz_period: %s in %s: \"%s\"\n", what, zone, text);
    abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    for (size_t i = 0; i < N_ZONES; i++) {
        skpi_options *o = NULL;
        if (skpi_options_new(&o) != SKPI_OK ||
            skpi_options_set_zone(o, zones[i].zone) != SKPI_OK ||
            skpi_options_set_bucket(o, zones[i].bucket) != SKPI_OK ||
            skpi_tracker_new(o, &trackers[i]) != SKPI_OK) {
            fprintf(stderr, "fuzz_period: cannot make a tracker in %s (tzdata?)\n",
                    zones[i].zone);
            exit(1);
        }
        skpi_options_free(o);
    }
    return 0;
}

static void check_period(const skpi_tracker *t, const char *zone, const char *text)
{
    int64_t from = -1, to = -1, pf, pt;
    skpi_status st = skpi_period_parse(t, text, &from, &to);
    if (st != SKPI_OK) {
        if (st != SKPI_EPARSE && st != SKPI_ERANGE && st != SKPI_ETIME)
            fail("an unexpected period status", zone, text);
        return;
    }
    if (from >= to)
        fail("an empty or reversed period", zone, text);
    char a[SKPI_TIME_BUFSIZE], b[SKPI_TIME_BUFSIZE];
    if (skpi_time_format(t, from, a, sizeof a) != SKPI_OK ||
        skpi_time_format(t, to, b, sizeof b) != SKPI_OK)
        fail("a period's ends cannot be written", zone, text);
    if (skpi_period_previous(t, from, to, &pf, &pt) == SKPI_OK && pf >= pt)
        fail("an empty previous period", zone, text);
    if (skpi_period_year_earlier(t, from, to, &pf, &pt) == SKPI_OK && pf >= pt)
        fail("an empty period a year earlier", zone, text);
}

static void check_time(const char *text)
{
    int64_t v = -1, back = -1;
    skpi_status st = skpi_time_parse(text, &v);
    if (st != SKPI_OK) {
        if (st != SKPI_EPARSE && st != SKPI_ETIME)
            fail("an unexpected time status", "-", text);
        return;
    }
    if (v < SKPI_TIME_MIN || v >= SKPI_TIME_MAX)
        fail("a time outside the accepted span", "-", text);
    for (size_t i = 0; i < N_ZONES; i++) {
        char buf[SKPI_TIME_BUFSIZE];
        if (skpi_time_format(trackers[i], v, buf, sizeof buf) != SKPI_OK)
            fail("an accepted time cannot be written", zones[i].zone, text);
        if (skpi_time_parse(buf, &back) != SKPI_OK || back != v)
            fail("a written time does not read back", zones[i].zone, buf);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256)
        return 0;
    char text[257];
    memcpy(text, data, size);
    text[size] = '\0';
    for (size_t i = 0; i < N_ZONES; i++)
        check_period(trackers[i], zones[i].zone, text);
    check_time(text);
    return 0;
}

/*
 * check_zone.c -- IANA time zones: the TZif reader (lib/tzif.c) and the
 * zone conversions (lib/zone.c), seen through buckets, periods and reports.
 *
 * real:   the system's own files (America/New_York, Europe/London,
 *         Asia/Dubai, Asia/Kolkata, and zones whose offset changed for
 *         good: Europe/Moscow in 2011 and 2014, Pacific/Apia skipping
 *         2011-12-30), offsets at known instants shown by
 *         skpi_time_format(), which prints the offset in effect.
 * dst:    local days of 23 and 25 hours, days whose midnight is skipped
 *         (America/Sao_Paulo 2018, Asia/Beirut) or repeated
 *         (America/St_Johns 2010), half-hour shifts (Lord Howe), named
 *         periods, comparison periods, and day and hour reports across the
 *         changes.
 * rules:  TZif files written here, to reach every form of the POSIX TZ
 *         footer (Jn, n, Mm.w.d, negative and 27-hour times, DST all
 *         year), version 1 files and versions 3 and 4.
 * errors: truncation at every length, corrupt headers, bad counts, bad
 *         data, bad footers, bad names, leap-second zones, TZDIR, and
 *         ownership (options and trackers keep their own rules).
 *
 * Expected values are written as ISO 8601 times with their offsets, i.e.
 * worked out by hand from each zone's published rules: New York springs
 * forward at 02:00 EST on the second Sunday of March (2024-03-10T07:00Z)
 * and falls back at 02:00 EDT on the first Sunday of November
 * (2024-11-03T06:00Z); London changes at 01:00 UTC on the last Sundays of
 * March and October.  The two New York instants are also checked against
 * day counts from 2024-01-01T00:00Z = 1704067200.
 *
 * Only the public API is used; the tests that write zone files point
 * TZDIR at a temporary directory and restore it afterwards.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#define DAY INT64_C(86400)
#define HOUR INT64_C(3600)
#define T2024 INT64_C(1704067200) /* 2024-01-01T00:00:00Z */

/* ===================================================================== */
/* Helpers                                                               */
/* ===================================================================== */

/* Format `time` in t and require `expected`. */
#define CHECK_FORMAT(t, time, expected)                                   \
    do {                                                                  \
        char b_[SKPI_TIME_BUFSIZE];                                       \
        ck_assert_status(skpi_time_format((t), (time), b_, sizeof b_),    \
                         SKPI_OK);                                        \
        ck_assert_str_eq(b_, (expected));                                 \
    } while (0)

/* Named period `text` in t must be [at(f), at(e)). */
#define CHECK_PERIOD(t, text, f, e)                                       \
    do {                                                                  \
        int64_t f_ = -1, e_ = -1;                                         \
        ck_assert_status(skpi_period_parse((t), (text), &f_, &e_),        \
                         SKPI_OK);                                        \
        ck_assert_int_eq(f_, at(f));                                      \
        ck_assert_int_eq(e_, at(e));                                      \
    } while (0)

/* Length in seconds of named period `text` in t. */
static int64_t period_length(skpi_tracker *t, const char *text)
{
    int64_t f = 0, e = 0;
    ck_assert_status(skpi_period_parse(t, text, &f, &e), SKPI_OK);
    return e - f;
}

/* Messages (all platforms and categories) in [from, to). */
static int64_t messages(const skpi_tracker *t, int64_t from, int64_t to)
{
    skpi_report *r = NULL;
    int64_t n = -1;
    ck_assert_status(skpi_report_new(t, from, to, NULL, 0, &r), SKPI_OK);
    ck_assert_status(skpi_report_messages(r, SKPI_ALL, SKPI_ALL, &n), SKPI_OK);
    skpi_report_free(r);
    return n;
}

/* Messages in named period `text`. */
static int64_t period_messages(const skpi_tracker *t, const char *text)
{
    int64_t f = 0, e = 0;
    ck_assert_status(skpi_period_parse(t, text, &f, &e), SKPI_OK);
    return messages(t, f, e);
}

static void record(skpi_tracker *t, int64_t time)
{
    ck_assert_status(skpi_record_message(t, SKPI_PLATFORM_TWITTER,
                                         SKPI_CATEGORY_GENERAL_INQUIRY, time),
                     SKPI_OK);
}

/* Try `zone` on options holding "+04:00": require status `st`, and on an
 * error the options unchanged. */
static void check_zone_status(const char *zone, skpi_status st)
{
    skpi_options *o = NULL;
    skpi_tracker *t = NULL;
    ck_assert_status(skpi_options_new(&o), SKPI_OK);
    ck_assert_status(skpi_options_set_zone(o, "+04:00"), SKPI_OK);
    skpi_status got = skpi_options_set_zone(o, zone);
    ck_assert_msg(got == st, "zone \"%s\": status %s, expected %s", zone,
                  skpi_status_name(got), skpi_status_name(st));
    ck_assert_status(skpi_tracker_new(o, &t), SKPI_OK);
    ck_assert_str_eq(skpi_tracker_zone(t), st == SKPI_OK ? zone : "+04:00");
    skpi_tracker_free(t);
    skpi_options_free(o);
}

/* ===================================================================== */
/* Zone files in a temporary TZDIR                                       */
/* ===================================================================== */

static char tzdir[64];
static char *saved_tzdir; /* the caller's TZDIR, or NULL */

static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d != NULL) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char sub[512];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            remove_tree(sub);
        }
        closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static void tzdir_setup(void)
{
    const char *old = getenv("TZDIR");
    saved_tzdir = old != NULL ? strdup(old) : NULL;
    strcpy(tzdir, "/tmp/check_zone.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tzdir));
    char sub[128];
    snprintf(sub, sizeof sub, "%s/Test", tzdir);
    ck_assert_int_eq(mkdir(sub, 0700), 0);
}

static void tzdir_teardown(void)
{
    remove_tree(tzdir);
    if (saved_tzdir != NULL)
        setenv("TZDIR", saved_tzdir, 1);
    else
        unsetenv("TZDIR");
    free(saved_tzdir);
    saved_tzdir = NULL;
}

/* Point TZDIR at the temporary directory. */
static void use_tzdir(void)
{
    ck_assert_int_eq(setenv("TZDIR", tzdir, 1), 0);
}

/* Write n bytes as zone `name` (under the temporary directory). */
static void write_zone(const char *name, const void *data, size_t n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tzdir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
}

/* Read a system zone file (before TZDIR is changed). */
static unsigned char *read_system_zone(const char *name, size_t *n)
{
    const char *dir = saved_tzdir != NULL && saved_tzdir[0] != '\0'
                          ? saved_tzdir
                          : "/usr/share/zoneinfo";
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot read %s (is tzdata installed?)", path);
    unsigned char *b = malloc(1 << 16);
    ck_assert_ptr_nonnull(b);
    *n = fread(b, 1, 1 << 16, f);
    fclose(f);
    return b;
}

/* ===================================================================== */
/* Building TZif files                                                   */
/* ===================================================================== */

typedef struct {
    int32_t utoff;
    uint8_t isdst;
} ttype;

typedef struct {
    unsigned char b[4096];
    size_t n;
} tzbuf;

static void put(tzbuf *t, const void *p, size_t n)
{
    if (n == 0)
        return; /* p may be NULL */
    ck_assert_uint_le(t->n + n, sizeof t->b);
    memcpy(t->b + t->n, p, n);
    t->n += n;
}

static void put32(tzbuf *t, uint32_t v)
{
    unsigned char c[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    put(t, c, 4);
}

static void put64(tzbuf *t, int64_t v)
{
    put32(t, (uint32_t)((uint64_t)v >> 32));
    put32(t, (uint32_t)(uint64_t)v);
}

static void header(tzbuf *t, char version, uint32_t timecnt, uint32_t typecnt)
{
    static const unsigned char zero[15];
    put(t, "TZif", 4);
    put(t, &version, 1);
    put(t, zero, 15);
    put32(t, 0);       /* isutcnt */
    put32(t, 0);       /* isstdcnt */
    put32(t, 0);       /* leapcnt */
    put32(t, timecnt); /* timecnt */
    put32(t, typecnt); /* typecnt */
    put32(t, 4);       /* charcnt: "ABC\0", every type's designation */
}

static void block(tzbuf *t, size_t tsize, const ttype *types, size_t ntypes,
                  const int64_t *times, const uint8_t *idx, size_t ntimes)
{
    for (size_t i = 0; i < ntimes; i++) {
        if (tsize == 8)
            put64(t, times[i]);
        else
            put32(t, (uint32_t)(int32_t)times[i]);
    }
    put(t, idx, ntimes);
    for (size_t i = 0; i < ntypes; i++) {
        unsigned char rest[2] = {types[i].isdst, 0};
        put32(t, (uint32_t)types[i].utoff);
        put(t, rest, 2);
    }
    put(t, "ABC", 4);
}

/*
 * A TZif file.  Version 0 is a version 1 file (32-bit times, no footer);
 * otherwise the version 1 block is left empty, as "slim" files do, and the
 * transitions go in the 64-bit block followed by the footer.
 */
static void make_tzif(tzbuf *t, char version, const ttype *types,
                      size_t ntypes, const int64_t *times, const uint8_t *idx,
                      size_t ntimes, const char *footer)
{
    t->n = 0;
    if (version == 0) {
        header(t, 0, (uint32_t)ntimes, (uint32_t)ntypes);
        block(t, 4, types, ntypes, times, idx, ntimes);
        return;
    }
    header(t, version, 0, (uint32_t)ntypes);
    block(t, 4, types, ntypes, NULL, NULL, 0);
    header(t, version, (uint32_t)ntimes, (uint32_t)ntypes);
    block(t, 8, types, ntypes, times, idx, ntimes);
    put(t, "\n", 1);
    put(t, footer, strlen(footer));
    put(t, "\n", 1);
}

/* A file with only a footer (one standard type, no transitions). */
static void footer_only(tzbuf *t, char version, int32_t std_off,
                        const char *footer)
{
    ttype std = {std_off, 0};
    make_tzif(t, version, &std, 1, NULL, NULL, 0, footer);
}

/*
 * The base file of the corruption tests: London-like, GMT and BST types,
 * transitions at 2020-03-29T01:00Z (to BST) and 2020-10-25T01:00Z (back),
 * then the footer's rules.  Byte offsets of its parts:
 */
enum {
    B_V1 = 0,             /* first header */
    B_V2 = 44 + 2 * 6 + 4, /* second header (after an empty v1 block) */
    B_COUNTS = B_V2 + 20, /* isut, isstd, leap, time, type, char counts */
    B_TIMES = B_V2 + 44,  /* two 8-byte times */
    B_IDX = B_TIMES + 16, /* two type indexes */
    B_TYPES = B_IDX + 2,  /* two 6-byte types */
    B_CHARS = B_TYPES + 12, /* "ABC\0" */
    B_FOOTER = B_CHARS + 4  /* "\n" footer "\n" */
};
#define T2020_0329 INT64_C(1585443600) /* 2020-03-29T01:00:00Z */
#define T2020_1025 INT64_C(1603587600) /* 2020-10-25T01:00:00Z */

static void london_like(tzbuf *t, const char *footer)
{
    static const ttype types[] = {{0, 0}, {3600, 1}};
    static const int64_t times[] = {T2020_0329, T2020_1025};
    static const uint8_t idx[] = {1, 0};
    make_tzif(t, '2', types, 2, times, idx, 2, footer);
}

/* Install `t` as "Test/Zone" and require status st for it. */
static void check_file(const tzbuf *t, skpi_status st)
{
    write_zone("Test/Zone", t->b, t->n);
    check_zone_status("Test/Zone", st);
}

/* ===================================================================== */
/* real                                                                  */
/* ===================================================================== */

START_TEST(test_names)
{
    static const char *names[] = {"America/New_York", "Europe/London",
                                  "Asia/Dubai",       "Asia/Kolkata",
                                  "Europe/Moscow",    "Pacific/Apia",
                                  "Etc/GMT-4",        "America/Argentina/Buenos_Aires"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        check_zone_status(names[i], SKPI_OK);
    /* "UTC" stays the fixed zone. */
    skpi_tracker *t = tracker_in("UTC", SKPI_BUCKET_DAY);
    ck_assert_str_eq(skpi_tracker_zone(t), "Z");
    skpi_tracker_free(t);
}
END_TEST

START_TEST(test_new_york_offsets)
{
    /* 2024-03-10 is day 31 + 29 + 9 = 69 of 2024, 2024-11-03 day 307. */
    ck_assert_int_eq(at("2024-03-10T07:00:00Z"), T2024 + 69 * DAY + 7 * HOUR);
    ck_assert_int_eq(at("2024-11-03T06:00:00Z"), T2024 + 307 * DAY + 6 * HOUR);

    skpi_tracker *t = tracker_in("America/New_York", SKPI_BUCKET_DAY);
    int64_t spring = at("2024-03-10T07:00:00Z"), fall = at("2024-11-03T06:00:00Z");
    CHECK_FORMAT(t, T2024, "2023-12-31T19:00:00-05:00");
    CHECK_FORMAT(t, spring - 1, "2024-03-10T01:59:59-05:00");
    CHECK_FORMAT(t, spring, "2024-03-10T03:00:00-04:00");
    CHECK_FORMAT(t, fall - 1, "2024-11-03T01:59:59-04:00");
    CHECK_FORMAT(t, fall, "2024-11-03T01:00:00-05:00");
    /* The repeated hour shows both offsets. */
    CHECK_FORMAT(t, fall - HOUR / 2, "2024-11-03T01:30:00-04:00");
    CHECK_FORMAT(t, fall + HOUR / 2, "2024-11-03T01:30:00-05:00");
    /* 1970: DST from the last Sunday of April, 1970-04-26. */
    CHECK_FORMAT(t, 0, "1969-12-31T19:00:00-05:00");
    CHECK_FORMAT(t, at("1970-04-26T07:00:00Z") - 1, "1970-04-26T01:59:59-05:00");
    CHECK_FORMAT(t, at("1970-04-26T07:00:00Z"), "1970-04-26T03:00:00-04:00");
    /* Far beyond the file's transitions, from its footer
     * "EST5EDT,M3.2.0,M11.1.0": 1 March 2100 is a Monday, so the second
     * Sunday is the 14th; 1 November 2199 is a Friday, the first Sunday the
     * 3rd. */
    CHECK_FORMAT(t, at("2100-03-14T07:00:00Z") - 1, "2100-03-14T01:59:59-05:00");
    CHECK_FORMAT(t, at("2100-03-14T07:00:00Z"), "2100-03-14T03:00:00-04:00");
    CHECK_FORMAT(t, at("2199-11-03T06:00:00Z") - 1, "2199-11-03T01:59:59-04:00");
    CHECK_FORMAT(t, at("2199-11-03T06:00:00Z"), "2199-11-03T01:00:00-05:00");
    CHECK_FORMAT(t, SKPI_TIME_MAX - 1, "2199-12-31T18:59:59-05:00");
    skpi_tracker_free(t);
}
END_TEST

START_TEST(test_london_offsets)
{
    skpi_tracker *t = tracker_in("Europe/London", SKPI_BUCKET_DAY);
    CHECK_FORMAT(t, at("2024-03-31T01:00:00Z") - 1, "2024-03-31T00:59:59Z");
    CHECK_FORMAT(t, at("2024-03-31T01:00:00Z"), "2024-03-31T02:00:00+01:00");
    CHECK_FORMAT(t, at("2024-10-27T01:00:00Z") - 1, "2024-10-27T01:59:59+01:00");
    CHECK_FORMAT(t, at("2024-10-27T01:00:00Z"), "2024-10-27T01:00:00Z");
    /* British Standard Time: +01:00 all year from 1968-10-27 to
     * 1971-10-31 (03:00 BST = 02:00 UTC). */
    CHECK_FORMAT(t, 0, "1970-01-01T01:00:00+01:00");
    CHECK_FORMAT(t, at("1971-10-31T02:00:00Z") - 1, "1971-10-31T02:59:59+01:00");
    CHECK_FORMAT(t, at("1971-10-31T02:00:00Z"), "1971-10-31T02:00:00Z");
    skpi_tracker_free(t);

    /* Dublin's footer "IST-1GMT0,M10.5.0,M3.5.0/1" calls summer time
     * standard and winter time daylight saving (negative DST); the clock
     * is London's. */
    t = tracker_in("Europe/Dublin", SKPI_BUCKET_DAY);
    CHECK_FORMAT(t, at("2024-01-15T12:00:00Z"), "2024-01-15T12:00:00Z");
    CHECK_FORMAT(t, at("2024-07-01T12:00:00Z"), "2024-07-01T13:00:00+01:00");
    CHECK_FORMAT(t, at("2024-10-27T01:00:00Z") - 1, "2024-10-27T01:59:59+01:00");
    CHECK_FORMAT(t, at("2024-10-27T01:00:00Z"), "2024-10-27T01:00:00Z");
    CHECK_FORMAT(t, at("2150-03-29T01:00:00Z"), "2150-03-29T02:00:00+01:00");
    skpi_tracker_free(t);
}
END_TEST

START_TEST(test_fixed_iana_zones)
{
    /* Dubai has been +04:00 since 1920 and Kolkata +05:30 since 1945. */
    skpi_tracker *dxb = tracker_in("Asia/Dubai", SKPI_BUCKET_DAY);
    skpi_tracker *ccu = tracker_in("Asia/Kolkata", SKPI_BUCKET_HOUR);
    ck_assert_str_eq(skpi_tracker_zone(dxb), "Asia/Dubai");
    ck_assert_str_eq(skpi_tracker_zone(ccu), "Asia/Kolkata");
    CHECK_FORMAT(dxb, T2024, "2024-01-01T04:00:00+04:00");
    CHECK_FORMAT(dxb, 0, "1970-01-01T04:00:00+04:00");
    CHECK_FORMAT(dxb, SKPI_TIME_MAX - 1, "2200-01-01T03:59:59+04:00");
    CHECK_FORMAT(ccu, T2024, "2024-01-01T05:30:00+05:30");
    CHECK_FORMAT(ccu, at("2024-07-01T00:00:00Z"), "2024-07-01T05:30:00+05:30");
    CHECK_PERIOD(dxb, "2024-03-01", "2024-03-01T00:00:00+04:00",
                 "2024-03-02T00:00:00+04:00");
    CHECK_PERIOD(ccu, "2024-Q1", "2024-01-01T00:00:00+05:30",
                 "2024-04-01T00:00:00+05:30");
    /* Hour buckets at +05:30 start at half past UTC hours. */
    record(ccu, at("2024-03-01T10:59:59+05:30"));
    record(ccu, at("2024-03-01T11:00:00+05:30"));
    ck_assert_int_eq(messages(ccu, at("2024-03-01T10:00:00+05:30"),
                              at("2024-03-01T11:00:00+05:30")), 1);
    ck_assert_int_eq(messages(ccu, at("2024-03-01T11:00:00+05:30"),
                              at("2024-03-01T12:00:00+05:30")), 1);
    skpi_report *r = NULL;
    ck_assert_status(skpi_report_new(ccu, at("2024-03-01T05:00:00Z"),
                                     at("2024-03-01T06:00:00Z"), NULL, 0, &r),
                     SKPI_EALIGN);
    skpi_tracker_free(dxb);
    skpi_tracker_free(ccu);
}
END_TEST

START_TEST(test_moscow_history)
{
    /* 2011-03-27 02:00 MSK (+03) became 03:00 at +04, for good: no change
     * in October 2011; 2014-10-26 02:00 (+04) went back to 01:00 (+03). */
    skpi_tracker *t = tracker_in("Europe/Moscow", SKPI_BUCKET_DAY);
    CHECK_FORMAT(t, at("2011-03-26T23:00:00Z") - 1, "2011-03-27T01:59:59+03:00");
    CHECK_FORMAT(t, at("2011-03-26T23:00:00Z"), "2011-03-27T03:00:00+04:00");
    CHECK_FORMAT(t, at("2011-10-30T12:00:00Z"), "2011-10-30T16:00:00+04:00");
    CHECK_FORMAT(t, at("2013-01-01T00:00:00Z"), "2013-01-01T04:00:00+04:00");
    CHECK_FORMAT(t, at("2014-10-25T22:00:00Z") - 1, "2014-10-26T01:59:59+04:00");
    CHECK_FORMAT(t, at("2014-10-25T22:00:00Z"), "2014-10-26T01:00:00+03:00");
    CHECK_FORMAT(t, at("2024-07-01T00:00:00Z"), "2024-07-01T03:00:00+03:00");
    ck_assert_int_eq(period_length(t, "2011-03-27"), 23 * HOUR);
    ck_assert_int_eq(period_length(t, "2011-10-30"), 24 * HOUR);
    ck_assert_int_eq(period_length(t, "2014-10-26"), 25 * HOUR);
    ck_assert_int_eq(period_length(t, "2024-10-27"), 24 * HOUR);
    skpi_tracker_free(t);
}
END_TEST

START_TEST(test_apia_skipped_day)
{
    /* Samoa moved across the date line: 2011-12-29T23:59:59-10:00 was
     * followed by 2011-12-31T00:00:00+14:00.  The local day 2011-12-30
     * never happened: its bucket is empty and starts where it ends. */
    skpi_tracker *t = tracker_in("Pacific/Apia", SKPI_BUCKET_DAY);
    int64_t jump = at("2011-12-30T10:00:00Z");
    CHECK_FORMAT(t, jump - 1, "2011-12-29T23:59:59-10:00");
    CHECK_FORMAT(t, jump, "2011-12-31T00:00:00+14:00");
    CHECK_PERIOD(t, "2011-12-29", "2011-12-29T00:00:00-10:00", "2011-12-30T10:00:00Z");
    CHECK_PERIOD(t, "2011-12-30", "2011-12-30T10:00:00Z", "2011-12-30T10:00:00Z");
    CHECK_PERIOD(t, "2011-12-31", "2011-12-31T00:00:00+14:00", "2012-01-01T00:00:00+14:00");
    /* December 2011 had 30 local days. */
    ck_assert_int_eq(period_length(t, "2011-12"), 30 * DAY);
    record(t, jump - 1);
    record(t, jump);
    ck_assert_int_eq(period_messages(t, "2011-12-29"), 1);
    ck_assert_int_eq(period_messages(t, "2011-12-31"), 1);
    ck_assert_int_eq(period_messages(t, "2011-12"), 2);
    skpi_report *r = NULL;
    ck_assert_status(skpi_report_new(t, jump, jump, NULL, 0, &r), SKPI_ERANGE);
    /* Every local time of the 30th maps to the jump: a year after, 05:00
     * and 06:00 on 2012-12-30 both land on it, and the range keeps its
     * length. */
    int64_t pf = 0, pe = 0;
    ck_assert_status(skpi_period_year_earlier(t, at("2012-12-30T05:00:00+14:00"),
                                              at("2012-12-30T06:00:00+14:00"),
                                              &pf, &pe), SKPI_OK);
    ck_assert_int_eq(pf, jump);
    ck_assert_int_eq(pe, jump + HOUR);
    skpi_tracker_free(t);
}
END_TEST

/* ===================================================================== */
/* dst                                                                   */
/* ===================================================================== */

START_TEST(test_day_lengths)
{
    skpi_tracker *ny = tracker_in("America/New_York", SKPI_BUCKET_DAY);
    skpi_tracker *lon = tracker_in("Europe/London", SKPI_BUCKET_DAY);
    CHECK_PERIOD(ny, "2024-03-10", "2024-03-10T00:00:00-05:00", "2024-03-11T00:00:00-04:00");
    CHECK_PERIOD(ny, "2024-11-03", "2024-11-03T00:00:00-04:00", "2024-11-04T00:00:00-05:00");
    ck_assert_int_eq(period_length(ny, "2024-03-09"), 24 * HOUR);
    ck_assert_int_eq(period_length(ny, "2024-03-10"), 23 * HOUR);
    ck_assert_int_eq(period_length(ny, "2024-03-11"), 24 * HOUR);
    ck_assert_int_eq(period_length(ny, "2024-11-03"), 25 * HOUR);
    CHECK_PERIOD(lon, "2024-03-31", "2024-03-31T00:00:00Z", "2024-04-01T00:00:00+01:00");
    CHECK_PERIOD(lon, "2024-10-27", "2024-10-27T00:00:00+01:00", "2024-10-28T00:00:00Z");
    ck_assert_int_eq(period_length(lon, "2024-03-31"), 23 * HOUR);
    ck_assert_int_eq(period_length(lon, "2024-10-27"), 25 * HOUR);
    /* Longer periods lose or gain the hour, and a year has all of them
     * back. */
    CHECK_PERIOD(ny, "2024-03", "2024-03-01T00:00:00-05:00", "2024-04-01T00:00:00-04:00");
    ck_assert_int_eq(period_length(ny, "2024-03"), 31 * DAY - HOUR);
    ck_assert_int_eq(period_length(ny, "2024-W10"), 7 * DAY - HOUR);
    ck_assert_int_eq(period_length(ny, "2024-Q4"), 92 * DAY + HOUR);
    ck_assert_int_eq(period_length(ny, "2024"), 366 * DAY);
    ck_assert_int_eq(period_length(lon, "2024-H1"), 182 * DAY - HOUR);
    /* Explicit ranges of dates mean local midnights too. */
    CHECK_PERIOD(ny, "2024-03-10/2024-03-12", "2024-03-10T00:00:00-05:00",
                 "2024-03-12T00:00:00-04:00");
    skpi_tracker_free(ny);
    skpi_tracker_free(lon);
}
END_TEST

START_TEST(test_skipped_and_repeated_midnights)
{
    /* Sao Paulo sprang forward at midnight: 2018-11-04 began at 01:00. */
    skpi_tracker *t = tracker_in("America/Sao_Paulo", SKPI_BUCKET_DAY);
    CHECK_FORMAT(t, at("2018-11-04T03:00:00Z") - 1, "2018-11-03T23:59:59-03:00");
    CHECK_FORMAT(t, at("2018-11-04T03:00:00Z"), "2018-11-04T01:00:00-02:00");
    CHECK_PERIOD(t, "2018-11-03", "2018-11-03T00:00:00-03:00", "2018-11-04T01:00:00-02:00");
    CHECK_PERIOD(t, "2018-11-04", "2018-11-04T01:00:00-02:00", "2018-11-05T00:00:00-02:00");
    ck_assert_int_eq(period_length(t, "2018-11-03"), 24 * HOUR);
    ck_assert_int_eq(period_length(t, "2018-11-04"), 23 * HOUR);
    skpi_tracker_free(t);

    /* Beirut still does, by its footer "EET-2EEST,M3.5.0/0,M10.5.0/0". */
    t = tracker_in("Asia/Beirut", SKPI_BUCKET_DAY);
    CHECK_PERIOD(t, "2024-03-31", "2024-03-31T01:00:00+03:00", "2024-04-01T00:00:00+03:00");
    /* It falls back at midnight too: 2024-10-27 00:00 (+03:00) became
     * 23:00 on the 26th (+02:00), so the 27th starts at the second
     * midnight, the first the clock actually shows. */
    CHECK_PERIOD(t, "2024-10-27", "2024-10-27T00:00:00+02:00", "2024-10-28T00:00:00+02:00");
    ck_assert_int_eq(period_length(t, "2024-03-30"), 24 * HOUR);
    ck_assert_int_eq(period_length(t, "2024-10-26"), 25 * HOUR);
    skpi_tracker_free(t);

    /* St. John's fell back at 00:01: on 2010-11-07 the clock went from
     * 00:00:59 (-02:30) back to 23:01 (-03:30), and read 23:01..00:00
     * again.  The 7th had started at the first midnight, so those
     * instants belong to it (a day never resumes once the next one has
     * begun), although the clock shows the 6th. */
    t = tracker_in("America/St_Johns", SKPI_BUCKET_DAY);
    int64_t back = at("2010-11-07T02:31:00Z");
    CHECK_FORMAT(t, back - 1, "2010-11-07T00:00:59-02:30");
    CHECK_FORMAT(t, back, "2010-11-06T23:01:00-03:30");
    CHECK_PERIOD(t, "2010-11-06", "2010-11-06T00:00:00-02:30", "2010-11-07T00:00:00-02:30");
    CHECK_PERIOD(t, "2010-11-07", "2010-11-07T00:00:00-02:30", "2010-11-08T00:00:00-03:30");
    ck_assert_int_eq(period_length(t, "2010-11-07"), 25 * HOUR);
    record(t, at("2010-11-06T23:30:00-03:30"));
    CHECK_FORMAT(t, at("2010-11-06T23:30:00-03:30"), "2010-11-06T23:30:00-03:30");
    ck_assert_int_eq(period_messages(t, "2010-11-06"), 0);
    ck_assert_int_eq(period_messages(t, "2010-11-07"), 1);
    skpi_tracker_free(t);

    /* Lord Howe shifts by half an hour. */
    t = tracker_in("Australia/Lord_Howe", SKPI_BUCKET_DAY);
    CHECK_FORMAT(t, at("2024-04-06T15:00:00Z") - 1, "2024-04-07T01:59:59+11:00");
    CHECK_FORMAT(t, at("2024-04-06T15:00:00Z"), "2024-04-07T01:30:00+10:30");
    CHECK_FORMAT(t, at("2024-10-05T15:30:00Z"), "2024-10-06T02:30:00+11:00");
    ck_assert_int_eq(period_length(t, "2024-04-07"), 24 * HOUR + HOUR / 2);
    ck_assert_int_eq(period_length(t, "2024-10-06"), 23 * HOUR + HOUR / 2);
    skpi_tracker_free(t);
}
END_TEST

START_TEST(test_spring_forward_reports)
{
    /* One message in every hour of local 2024-03-10 in New York: 23 of
     * them, at half past each UTC hour from 05:00Z to 04:00Z. */
    skpi_tracker *day = tracker_in("America/New_York", SKPI_BUCKET_DAY);
    skpi_tracker *hour = tracker_in("America/New_York", SKPI_BUCKET_HOUR);
    int64_t from = at("2024-03-10T00:00:00-05:00"), to = at("2024-03-11T00:00:00-04:00");
    for (int64_t x = from + HOUR / 2; x < to; x += HOUR) {
        record(day, x);
        record(hour, x);
    }
    ck_assert_int_eq(period_messages(day, "2024-03-10"), 23);
    ck_assert_int_eq(period_messages(day, "2024-03-09"), 0);
    ck_assert_int_eq(period_messages(day, "2024-03-11"), 0);
    ck_assert_int_eq(period_messages(hour, "2024-03-10"), 23);
    /* Every UTC hour of the day is one local hour bucket, 02:00 being the
     * one that does not exist: 01:00 EST is followed by 03:00 EDT. */
    for (int64_t x = from; x < to; x += HOUR)
        ck_assert_int_eq(messages(hour, x, x + HOUR), 1);
    CHECK_FORMAT(hour, from + 2 * HOUR, "2024-03-10T03:00:00-04:00");
    ck_assert_int_eq(messages(hour, from, from + 3 * HOUR), 3);
    /* Day reports take local midnights only. */
    skpi_report *r = NULL;
    ck_assert_status(skpi_report_new(day, from, to - HOUR, NULL, 0, &r), SKPI_EALIGN);
    ck_assert_status(skpi_report_new(day, from, to + DAY, NULL, 0, &r), SKPI_OK);
    skpi_report_free(r);
    skpi_tracker_free(day);
    skpi_tracker_free(hour);
}
END_TEST

START_TEST(test_fall_back_reports)
{
    /* Local 2024-11-03 in New York has 25 UTC hours; one message in
     * each. */
    skpi_tracker *day = tracker_in("America/New_York", SKPI_BUCKET_DAY);
    skpi_tracker *hour = tracker_in("America/New_York", SKPI_BUCKET_HOUR);
    int64_t from = at("2024-11-03T00:00:00-04:00"), to = at("2024-11-04T00:00:00-05:00");
    for (int64_t x = from + HOUR / 2; x < to; x += HOUR) {
        record(day, x);
        record(hour, x);
    }
    ck_assert_int_eq(period_messages(day, "2024-11-03"), 25);
    ck_assert_int_eq(period_messages(hour, "2024-11-03"), 25);
    /* The local hour 01:00 holds two UTC hours, 05:00Z and 06:00Z, so it
     * is one bucket of two hours and 06:00Z is not a bucket boundary. */
    int64_t one = at("2024-11-03T01:00:00-04:00");
    ck_assert_int_eq(one, at("2024-11-03T05:00:00Z"));
    ck_assert_int_eq(messages(hour, from, one), 1);
    ck_assert_int_eq(messages(hour, one, one + 2 * HOUR), 2);
    ck_assert_int_eq(messages(hour, one + 2 * HOUR, one + 3 * HOUR), 1);
    skpi_report *r = NULL;
    ck_assert_status(skpi_report_new(hour, one, one + HOUR, NULL, 0, &r), SKPI_EALIGN);
    ck_assert_status(skpi_report_new(hour, one + HOUR, one + 2 * HOUR, NULL, 0, &r),
                     SKPI_EALIGN);
    skpi_tracker_free(day);
    skpi_tracker_free(hour);
}
END_TEST

START_TEST(test_comparison_periods)
{
    skpi_tracker *t = tracker_in("America/New_York", SKPI_BUCKET_DAY);
    int64_t f, e, pf, pe;
    /* The day before 2024-03-11 is the 23-hour 2024-03-10. */
    ck_assert_status(skpi_period_parse(t, "2024-03-11", &f, &e), SKPI_OK);
    ck_assert_status(skpi_period_previous(t, f, e, &pf, &pe), SKPI_OK);
    ck_assert_int_eq(pf, at("2024-03-10T00:00:00-05:00"));
    ck_assert_int_eq(pe, f);
    /* A year before it, DST had not started yet (2023-03-12). */
    ck_assert_status(skpi_period_parse(t, "2024-03-10", &f, &e), SKPI_OK);
    ck_assert_status(skpi_period_year_earlier(t, f, e, &pf, &pe), SKPI_OK);
    ck_assert_int_eq(pf, at("2023-03-10T00:00:00-05:00"));
    ck_assert_int_eq(pe, at("2023-03-11T00:00:00-05:00"));
    /* A local time that the spring-forward gap skips is the instant the
     * gap ends; one that the fall-back repeats is the earlier instant.
     * 2025-03-10 02:30 EDT exists; a year earlier, 02:30 did not. */
    ck_assert_status(skpi_period_year_earlier(t, at("2025-03-10T02:30:00-04:00"),
                                              at("2025-03-10T03:30:00-04:00"),
                                              &pf, &pe), SKPI_OK);
    ck_assert_int_eq(pf, at("2024-03-10T03:00:00-04:00"));
    ck_assert_int_eq(pe, at("2024-03-10T03:30:00-04:00"));
    ck_assert_status(skpi_period_year_earlier(t, at("2025-11-03T01:30:00-05:00"),
                                              at("2025-11-03T02:30:00-05:00"),
                                              &pf, &pe), SKPI_OK);
    ck_assert_int_eq(pf, at("2024-11-03T01:30:00-04:00"));
    ck_assert_int_eq(pe, at("2024-11-03T02:30:00-05:00"));
    /* The month before April is all of March. */
    ck_assert_status(skpi_period_parse(t, "2024-04", &f, &e), SKPI_OK);
    ck_assert_status(skpi_period_previous(t, f, e, &pf, &pe), SKPI_OK);
    ck_assert_int_eq(pf, at("2024-03-01T00:00:00-05:00"));
    ck_assert_int_eq(pe, at("2024-04-01T00:00:00-04:00"));
    skpi_tracker_free(t);
}
END_TEST

/* ===================================================================== */
/* rules                                                                 */
/* ===================================================================== */

START_TEST(test_rule_julian)
{
    use_tzdir();
    tzbuf b;
    /* Jn counts 1..365 and never 29 February: J60 is 1 March in every
     * year.  DST (+02:00) starts at 00:00 standard time (+01:00) and ends
     * on J300 = 27 October at 00:00 daylight time. */
    footer_only(&b, '2', 3600, "AAA-1BBB,J60/0,J300/0");
    write_zone("Test/J1", b.b, b.n);
    skpi_tracker *t = tracker_in("Test/J1", SKPI_BUCKET_DAY);
    CHECK_FORMAT(t, at("2024-02-29T22:59:59Z"), "2024-02-29T23:59:59+01:00");
    CHECK_FORMAT(t, at("2024-02-29T23:00:00Z"), "2024-03-01T01:00:00+02:00");
    CHECK_FORMAT(t, at("2023-02-28T23:00:00Z"), "2023-03-01T01:00:00+02:00");
    CHECK_FORMAT(t, at("2024-10-26T21:59:59Z"), "2024-10-26T23:59:59+02:00");
    CHECK_FORMAT(t, at("2024-10-26T22:00:00Z"), "2024-10-26T23:00:00+01:00");
    CHECK_FORMAT(t, 0, "1970-01-01T01:00:00+01:00");
    ck_assert_int_eq(period_length(t, "2024-03-01"), 23 * HOUR);
    ck_assert_int_eq(period_length(t, "2024-10-26"), 25 * HOUR);
    skpi_tracker_free(t);

    /* Plain n counts 0..365 with 29 February: day 59 is 29 February in
     * 2024 and 1 March in 2023; day 299 is 26 October in 2024 and 27
     * October in 2023. */
    footer_only(&b, '2', 3600, "AAA-1BBB,59/0,299/0");
    write_zone("Test/J0", b.b, b.n);
    t = tracker_in("Test/J0", SKPI_BUCKET_DAY);
    CHECK_FORMAT(t, at("2024-02-28T23:00:00Z"), "2024-02-29T01:00:00+02:00");
    CHECK_FORMAT(t, at("2023-02-28T23:00:00Z"), "2023-03-01T01:00:00+02:00");
    CHECK_FORMAT(t, at("2024-10-25T22:00:00Z"), "2024-10-25T23:00:00+01:00");
    CHECK_FORMAT(t, at("2023-10-26T22:00:00Z"), "2023-10-26T23:00:00+01:00");
    skpi_tracker_free(t);
}
END_TEST

START_TEST(test_rule_extended_times)
{
    use_tzdir();
    tzbuf b;
    /* RFC 8536 allows times from -167 to 167 hours.  Standard -03:00,
     * DST -02:00 from the last Sunday of March (31 March 2024) at -1:00,
     * i.e. 23:00 on the 30th, to the last Sunday of October (27 October
     * 2024) at 27:00, i.e. 03:00 DST on the 28th. */
    footer_only(&b, '3', -3 * 3600, "XXX3YYY,M3.5.0/-1,M10.5.0/27");
    write_zone("Test/Ext", b.b, b.n);
    skpi_tracker *t = tracker_in("Test/Ext", SKPI_BUCKET_HOUR);
    CHECK_FORMAT(t, at("2024-03-31T01:59:59Z"), "2024-03-30T22:59:59-03:00");
    CHECK_FORMAT(t, at("2024-03-31T02:00:00Z"), "2024-03-31T00:00:00-02:00");
    CHECK_FORMAT(t, at("2024-10-28T04:59:59Z"), "2024-10-28T02:59:59-02:00");
    CHECK_FORMAT(t, at("2024-10-28T05:00:00Z"), "2024-10-28T02:00:00-03:00");
    ck_assert_int_eq(period_length(t, "2024-03-30"), 23 * HOUR);
    ck_assert_int_eq(period_length(t, "2024-10-28"), 25 * HOUR);
    skpi_tracker_free(t);

    /* Quoted names, minutes and seconds in offsets, and the extremes. */
    footer_only(&b, '3', 5 * 3600 + 45 * 60,
                "<+0545>-5:45<+0645>-6:45:00,M3.1.0/-167,M11.1.0/167:59:59");
    check_file(&b, SKPI_OK);
}
END_TEST

START_TEST(test_rule_dst_all_year)
{
    use_tzdir();
    tzbuf b;
    /* RFC 8536 section 3.3.1: DST from 1 January 00:00 to 31 December
     * 24:00 plus the shift is DST all year. */
    footer_only(&b, '3', -5 * 3600, "EST5EDT,0/0,J365/25");
    write_zone("Test/AllYear", b.b, b.n);
    skpi_tracker *t = tracker_in("Test/AllYear", SKPI_BUCKET_DAY);
    CHECK_FORMAT(t, at("2024-01-01T04:00:00Z"), "2024-01-01T00:00:00-04:00");
    CHECK_FORMAT(t, at("2024-01-01T05:00:00Z"), "2024-01-01T01:00:00-04:00");
    CHECK_FORMAT(t, at("2024-07-01T04:00:00Z"), "2024-07-01T00:00:00-04:00");
    CHECK_FORMAT(t, at("2024-12-31T23:00:00Z"), "2024-12-31T19:00:00-04:00");
    CHECK_FORMAT(t, at("2025-01-01T04:30:00Z"), "2025-01-01T00:30:00-04:00");
    ck_assert_int_eq(period_length(t, "2024-01-01"), DAY);
    ck_assert_int_eq(period_length(t, "2024-12-31"), DAY);
    ck_assert_int_eq(period_length(t, "2024"), 366 * DAY);
    skpi_tracker_free(t);
}
END_TEST

START_TEST(test_versions)
{
    use_tzdir();
    tzbuf b;
    /* A version 1 file: +01:00, then +02:00 from 2024-01-01T00:00Z, then
     * +01:00 again from 2024-06-01T00:00Z; with no footer, the last type
     * holds for ever after. */
    static const ttype types[] = {{3600, 0}, {7200, 1}};
    static const int64_t times[] = {T2024, INT64_C(1717200000)};
    static const uint8_t idx[] = {1, 0};
    ck_assert_int_eq(times[1], at("2024-06-01T00:00:00Z"));
    make_tzif(&b, 0, types, 2, times, idx, 2, "");
    write_zone("Test/V1", b.b, b.n);
    skpi_tracker *t = tracker_in("Test/V1", SKPI_BUCKET_DAY);
    CHECK_FORMAT(t, T2024 - 1, "2024-01-01T00:59:59+01:00");
    CHECK_FORMAT(t, T2024, "2024-01-01T02:00:00+02:00");
    CHECK_FORMAT(t, times[1], "2024-06-01T01:00:00+01:00");
    CHECK_FORMAT(t, SKPI_TIME_MAX - 1, "2200-01-01T00:59:59+01:00");
    skpi_tracker_free(t);

    /* The same in versions 2, 3 and 4 with an empty footer, and with a
     * matching one. */
    static const char versions[] = {'2', '3', '4'};
    for (size_t i = 0; i < sizeof versions; i++) {
        make_tzif(&b, versions[i], types, 2, times, idx, 2, "");
        check_file(&b, SKPI_OK);
        make_tzif(&b, versions[i], types, 2, times, idx, 2, "<+01>-1");
        check_file(&b, SKPI_OK);
    }

    /* Transitions, then the footer's rules for later years. */
    london_like(&b, "GMT0BST,M3.5.0/1,M10.5.0");
    write_zone("Test/London", b.b, b.n);
    t = tracker_in("Test/London", SKPI_BUCKET_DAY);
    CHECK_FORMAT(t, T2020_0329 - 1, "2020-03-29T00:59:59Z");
    CHECK_FORMAT(t, T2020_0329, "2020-03-29T02:00:00+01:00");
    CHECK_FORMAT(t, at("2024-03-31T01:00:00Z"), "2024-03-31T02:00:00+01:00");
    CHECK_FORMAT(t, at("2024-10-27T01:00:00Z"), "2024-10-27T01:00:00Z");
    /* Before its first transition a zone has time type 0. */
    CHECK_FORMAT(t, 0, "1970-01-01T00:00:00Z");
    ck_assert_int_eq(period_length(t, "2019-03-31"), DAY);
    skpi_tracker_free(t);
}
END_TEST

/* ===================================================================== */
/* errors                                                                */
/* ===================================================================== */

START_TEST(test_truncated_every_length)
{
    size_t n = 0;
    unsigned char *ny = read_system_zone("America/New_York", &n);
    use_tzdir();
    ck_assert_uint_gt(n, 44);
    for (size_t k = 0; k < n; k++) {
        write_zone("Test/Zone", ny, k);
        skpi_options *o = NULL;
        ck_assert_status(skpi_options_new(&o), SKPI_OK);
        ck_assert_msg(skpi_options_set_zone(o, "Test/Zone") == SKPI_EZONE,
                      "a file cut at %zu of %zu bytes was accepted", k, n);
        skpi_options_free(o);
    }
    /* Whole, it is fine, and one byte more is not. */
    write_zone("Test/Zone", ny, n);
    check_zone_status("Test/Zone", SKPI_OK);
    ny[n] = '\n';
    write_zone("Test/Zone", ny, n + 1);
    check_zone_status("Test/Zone", SKPI_EZONE);
    free(ny);
}
END_TEST

START_TEST(test_corrupt_header)
{
    use_tzdir();
    tzbuf b;
    london_like(&b, "GMT0BST,M3.5.0/1,M10.5.0");
    check_file(&b, SKPI_OK);

    static const struct {
        size_t at;
        unsigned char value;
    } patches[] = {
        {B_V1 + 0, 'X'},   /* magic */
        {B_V1 + 3, 'F'},   /* magic */
        {B_V1 + 4, '5'},   /* unknown version */
        {B_V1 + 4, '1'},   /* not a version */
        {B_V2 + 0, 'X'},   /* second magic */
        {B_V2 + 4, '3'},   /* second version unlike the first */
        {B_V1 + 4, 0},     /* version 1 with a version 2 body behind */
    };
    for (size_t i = 0; i < sizeof patches / sizeof patches[0]; i++) {
        tzbuf c = b;
        c.b[patches[i].at] = patches[i].value;
        check_file(&c, SKPI_EZONE);
    }
}
END_TEST

START_TEST(test_bad_counts)
{
    use_tzdir();
    tzbuf b;
    london_like(&b, "GMT0BST,M3.5.0/1,M10.5.0");
    /* Each count of the 64-bit header set to a wrong value: too large for
     * the file, zero where that is not allowed, unequal to the number of
     * types, leap seconds. */
    static const struct {
        size_t field; /* 0 isut, 1 isstd, 2 leap, 3 time, 4 type, 5 char */
        uint32_t value;
    } bad[] = {
        {0, 1},          {1, 1},          {0, 2},      {1, 2},
        {2, 1},          {3, 3},          {3, 1},      {4, 0},
        {4, 1},          {4, 3},          {5, 0},      {5, 3},
        {5, 5},          {3, 0xFFFFFFFF}, {4, 0xFFFFFFFF},
        {5, 0xFFFFFFFF}, {2, 0x80000000}, {3, 5000},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tzbuf c = b;
        unsigned char *p = c.b + B_COUNTS + 4 * bad[i].field;
        p[0] = (unsigned char)(bad[i].value >> 24);
        p[1] = (unsigned char)(bad[i].value >> 16);
        p[2] = (unsigned char)(bad[i].value >> 8);
        p[3] = (unsigned char)bad[i].value;
        check_file(&c, SKPI_EZONE);
    }
    /* Counts of the version 1 header that run past the end of the file. */
    tzbuf c = b;
    c.b[B_V1 + 32] = 0x7f; /* timecnt */
    check_file(&c, SKPI_EZONE);
}
END_TEST

START_TEST(test_bad_data)
{
    use_tzdir();
    tzbuf b;
    london_like(&b, "GMT0BST,M3.5.0/1,M10.5.0");
    struct {
        size_t at;
        unsigned char value;
    } patches[] = {
        {B_TIMES + 8 + 4, 0},        /* second time before the first */
        {B_TIMES + 8, 0x80},         /* second time negative */
        {B_IDX, 2},                  /* type index out of range */
        {B_IDX + 1, 0xff},           /* type index out of range */
        {B_TYPES + 4, 2},            /* isdst not 0 or 1 */
        {B_TYPES + 5, 4},            /* designation index out of range */
        {B_TYPES + 6 + 5, 200},      /* designation index out of range */
        {B_CHARS + 3, 'D'},          /* designations not NUL-terminated */
        {B_TYPES + 1, 0x02},         /* offset 131072 s, over 24 hours */
        {B_TYPES + 0, 0x80},         /* offset -2^31 */
        {B_FOOTER, ' '},             /* no newline before the footer */
    };
    for (size_t i = 0; i < sizeof patches / sizeof patches[0]; i++) {
        tzbuf c = b;
        c.b[patches[i].at] = patches[i].value;
        check_file(&c, SKPI_EZONE);
    }
    /* An offset of exactly 24 hours is fine, a second more is not. */
    static const ttype edge[] = {{86400, 0}, {-86400, 0}};
    static const ttype over[] = {{86401, 0}, {-86401, 0}};
    for (int i = 0; i < 2; i++) {
        make_tzif(&b, '2', &edge[i], 1, NULL, NULL, 0, "");
        check_file(&b, SKPI_OK);
        make_tzif(&b, '2', &over[i], 1, NULL, NULL, 0, "");
        check_file(&b, SKPI_EZONE);
    }
    /* A clock turned back by 13 hours makes a 37-hour day. */
    static const ttype jump[] = {{12 * 3600, 0}, {-3600, 0}};
    static const int64_t when[] = {T2024 + 12 * HOUR};
    static const uint8_t to1[] = {1};
    make_tzif(&b, '2', jump, 2, when, to1, 1, "");
    check_file(&b, SKPI_EZONE);
    /* Not a TZif file at all. */
    static const char text[] = "Europe/London\n";
    write_zone("Test/Zone", text, sizeof text - 1);
    check_zone_status("Test/Zone", SKPI_EZONE);
    write_zone("Test/Zone", "", 0);
    check_zone_status("Test/Zone", SKPI_EZONE);
}
END_TEST

START_TEST(test_bad_footers)
{
    use_tzdir();
    static const char *bad[] = {
        "EST5EDT",                      /* DST without its dates */
        "EST",                          /* no offset */
        "EST5EDT,M3.2.0",               /* no end */
        "EST5EDT,M3.2.0,",              /* empty end */
        "GMT0BST,M13.5.0,M10.5.0",      /* month 13 */
        "GMT0BST,M0.5.0,M10.5.0",       /* month 0 */
        "GMT0BST,M3.6.0,M10.5.0",       /* week 6 */
        "GMT0BST,M3.0.0,M10.5.0",       /* week 0 */
        "GMT0BST,M3.5.7,M10.5.0",       /* weekday 7 */
        "GMT0BST,M3.5,M10.5.0",         /* no weekday */
        "GMT0BST,J0,J300",              /* J counts from 1 */
        "GMT0BST,J366,J300",            /* J stops at 365 */
        "GMT0BST,366,300",              /* n stops at 365 */
        "GMT0BST,M3.5.0/168,M10.5.0",   /* time beyond 167 hours */
        "GMT0BST,M3.5.0/-168,M10.5.0",  /* time beyond -167 hours */
        "GMT0BST,M3.5.0/1:60,M10.5.0",  /* minutes 60 */
        "GMT0BST,M3.5.0,M10.5.0,",      /* trailing comma */
        "GMT0BST,M3.5.0,M10.5.0 ",      /* trailing space */
        "GMT0BST,M3.5.0,M10.5.0/1x",    /* trailing letter */
        "GM0",                          /* two-letter name */
        "<GM>0",                        /* two-character quoted name */
        "<GMT0",                        /* unterminated quote */
        "<G T>0",                       /* space in a quoted name */
        "GMT25",                        /* offset beyond 24 hours */
        "GMT24:00:01",                  /* offset beyond 24 hours */
        "GMT0BST-25,M3.5.0,M10.5.0",    /* DST offset beyond 24 hours */
        "GMT0:60",                      /* minutes 60 */
        "GMT0BST\t,M3.5.0,M10.5.0",     /* control character */
        "<+02>-2",                      /* disagrees with the last type */
        "GMT0BST,M10.1.0,M12.1.0",      /* disagrees at the last transition */
        "GMT0BST,M3.5.0/1,M10.5.0\xc3\xa9", /* not ASCII */
    };
    tzbuf b;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        london_like(&b, bad[i]);
        write_zone("Test/Zone", b.b, b.n);
        skpi_options *o = NULL;
        ck_assert_status(skpi_options_new(&o), SKPI_OK);
        ck_assert_msg(skpi_options_set_zone(o, "Test/Zone") == SKPI_EZONE,
                      "footer \"%s\" was accepted", bad[i]);
        skpi_options_free(o);
    }
    /* 127 bytes is the longest footer. */
    char longest[160];
    memset(longest, 'A', sizeof longest);
    memcpy(longest + 124, "A0", 3); /* "AAA...A0", 126 bytes */
    footer_only(&b, '2', 0, longest);
    check_file(&b, SKPI_OK);
    memcpy(longest + 125, "A0", 3); /* 127 bytes */
    footer_only(&b, '2', 0, longest);
    check_file(&b, SKPI_OK);
    memcpy(longest + 126, "A0", 3); /* 128 bytes */
    footer_only(&b, '2', 0, longest);
    check_file(&b, SKPI_EZONE);
    /* The footer must end the file with its newline. */
    london_like(&b, "GMT0BST,M3.5.0/1,M10.5.0");
    b.b[b.n - 1] = 'x';
    check_file(&b, SKPI_EZONE);
}
END_TEST

START_TEST(test_bad_names)
{
    static const char *bad[] = {
        "",
        "/usr/share/zoneinfo/Europe/London",
        "../zoneinfo/Europe/London",
        "Europe/../Europe/London",
        "Europe/./London",
        "Europe//London",
        "Europe/London/",
        "Europe/London ",
        " Europe/London",
        "Europe/Lon don",
        "Europe\\London",
        "Europe/London\n",
        "Europe/L\xc3\xb6ndon",
        "zone.tab",
        "Europe",          /* a directory */
        "Europe/Nowhere",  /* no such file */
        "europe/london",   /* names are case-sensitive */
        "right/Europe/London", /* leap seconds */
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        check_zone_status(bad[i], SKPI_EZONE);
    skpi_options *o = NULL;
    ck_assert_status(skpi_options_new(&o), SKPI_OK);
    ck_assert_status(skpi_options_set_zone(o, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_options_set_zone(NULL, "Europe/London"), SKPI_EINVAL);
    skpi_options_free(o);
}
END_TEST

START_TEST(test_special_files)
{
    use_tzdir();
    char path[256];
    /* A FIFO must be refused, not waited on. */
    snprintf(path, sizeof path, "%s/Test/Fifo", tzdir);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    check_zone_status("Test/Fifo", SKPI_EZONE);
    /* So must a directory, and a file over 1 MiB. */
    check_zone_status("Test", SKPI_EZONE);
    tzbuf b;
    london_like(&b, "GMT0BST,M3.5.0/1,M10.5.0");
    snprintf(path, sizeof path, "%s/Test/Big", tzdir);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(b.b, 1, b.n, f), b.n);
    ck_assert_int_eq(fseek(f, (1L << 20) + 1, SEEK_SET), 0);
    ck_assert_int_eq(fputc('\n', f), '\n');
    ck_assert_int_eq(fclose(f), 0);
    check_zone_status("Test/Big", SKPI_EZONE);
}
END_TEST

START_TEST(test_tzdir)
{
    size_t n = 0;
    unsigned char *kolkata = read_system_zone("Asia/Kolkata", &n);
    write_zone("Test/Mine", kolkata, n);
    free(kolkata);

    /* Found in TZDIR only. */
    check_zone_status("Test/Mine", SKPI_EZONE);
    use_tzdir();
    skpi_tracker *t = tracker_in("Test/Mine", SKPI_BUCKET_DAY);
    ck_assert_str_eq(skpi_tracker_zone(t), "Test/Mine");
    CHECK_FORMAT(t, T2024, "2024-01-01T05:30:00+05:30");
    skpi_tracker_free(t);
    /* With TZDIR set, the system directory is not searched. */
    check_zone_status("Europe/London", SKPI_EZONE);
    /* An empty TZDIR means the default directory. */
    ck_assert_int_eq(setenv("TZDIR", "", 1), 0);
    check_zone_status("Europe/London", SKPI_OK);
    check_zone_status("Test/Mine", SKPI_EZONE);
}
END_TEST

START_TEST(test_rules_are_kept)
{
    use_tzdir();
    tzbuf b;
    london_like(&b, "GMT0BST,M3.5.0/1,M10.5.0");
    write_zone("Test/Kept", b.b, b.n);

    skpi_options *o = NULL;
    skpi_tracker *t1 = NULL, *t2 = NULL;
    ck_assert_status(skpi_options_new(&o), SKPI_OK);
    ck_assert_status(skpi_options_set_zone(o, "Test/Kept"), SKPI_OK);
    ck_assert_status(skpi_tracker_new(o, &t1), SKPI_OK);
    /* The file goes away, and then the options too: both trackers keep
     * working from their own copies of the rules. */
    remove_tree(tzdir);
    ck_assert_status(skpi_tracker_new(o, &t2), SKPI_OK);
    skpi_options_free(o);
    CHECK_FORMAT(t1, at("2024-07-01T12:00:00Z"), "2024-07-01T13:00:00+01:00");
    CHECK_FORMAT(t2, at("2024-07-01T12:00:00Z"), "2024-07-01T13:00:00+01:00");
    ck_assert_int_eq(period_length(t2, "2024-03-31"), 23 * HOUR);
    skpi_tracker_free(t1);
    CHECK_FORMAT(t2, at("2024-01-01T12:00:00Z"), "2024-01-01T12:00:00Z");
    skpi_tracker_free(t2);
    /* The fixture removes it again. */
    ck_assert_int_eq(mkdir(tzdir, 0700), 0);
}
END_TEST

START_TEST(test_replacing_zones)
{
    /* Each zone set replaces (and releases) the one before; a refused one
     * keeps it. */
    skpi_options *o = NULL;
    skpi_tracker *t = NULL;
    ck_assert_status(skpi_options_new(&o), SKPI_OK);
    ck_assert_status(skpi_options_set_zone(o, "America/New_York"), SKPI_OK);
    ck_assert_status(skpi_options_set_zone(o, "Europe/London"), SKPI_OK);
    ck_assert_status(skpi_options_set_zone(o, "Europe/Nowhere"), SKPI_EZONE);
    ck_assert_status(skpi_tracker_new(o, &t), SKPI_OK);
    ck_assert_str_eq(skpi_tracker_zone(t), "Europe/London");
    skpi_tracker_free(t);
    ck_assert_status(skpi_options_set_zone(o, "+04:00"), SKPI_OK);
    ck_assert_status(skpi_tracker_new(o, &t), SKPI_OK);
    ck_assert_str_eq(skpi_tracker_zone(t), "+04:00");
    skpi_tracker_free(t);
    ck_assert_status(skpi_options_set_zone(o, "Pacific/Apia"), SKPI_OK);
    skpi_options_free(o);
}
END_TEST

/* ===================================================================== */
/* Suite                                                                 */
/* ===================================================================== */

Suite *zone_suite(void);

Suite *zone_suite(void)
{
    Suite *s = suite_create("zone");

    TCase *real = tcase_create("real");
    tcase_add_test(real, test_names);
    tcase_add_test(real, test_new_york_offsets);
    tcase_add_test(real, test_london_offsets);
    tcase_add_test(real, test_fixed_iana_zones);
    tcase_add_test(real, test_moscow_history);
    tcase_add_test(real, test_apia_skipped_day);
    suite_add_tcase(s, real);

    TCase *dst = tcase_create("dst");
    tcase_add_test(dst, test_day_lengths);
    tcase_add_test(dst, test_skipped_and_repeated_midnights);
    tcase_add_test(dst, test_spring_forward_reports);
    tcase_add_test(dst, test_fall_back_reports);
    tcase_add_test(dst, test_comparison_periods);
    suite_add_tcase(s, dst);

    TCase *rules = tcase_create("rules");
    tcase_add_checked_fixture(rules, tzdir_setup, tzdir_teardown);
    tcase_add_test(rules, test_rule_julian);
    tcase_add_test(rules, test_rule_extended_times);
    tcase_add_test(rules, test_rule_dst_all_year);
    tcase_add_test(rules, test_versions);
    suite_add_tcase(s, rules);

    TCase *errors = tcase_create("errors");
    tcase_add_checked_fixture(errors, tzdir_setup, tzdir_teardown);
    tcase_add_test(errors, test_truncated_every_length);
    tcase_add_test(errors, test_corrupt_header);
    tcase_add_test(errors, test_bad_counts);
    tcase_add_test(errors, test_bad_data);
    tcase_add_test(errors, test_bad_footers);
    tcase_add_test(errors, test_bad_names);
    tcase_add_test(errors, test_special_files);
    tcase_add_test(errors, test_tzdir);
    tcase_add_test(errors, test_rules_are_kept);
    tcase_add_test(errors, test_replacing_zones);
    suite_add_tcase(s, errors);

    return s;
}

SKPI_CHECK_MAIN(zone_suite)

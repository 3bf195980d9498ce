/*
 * internal.h -- declarations shared by the library's source files.
 *
 * Nothing here is part of the public API.  Internal functions that more than
 * one file uses are named skpi__<module>_<verb> and are hidden by
 * -fvisibility=hidden like everything not marked SKPI_API.
 */
#ifndef SKPI_INTERNAL_H
#define SKPI_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "socialkpi.h"

#include "calendar.h"
#include "ddsketch.h"
#include "hll.h"
#include "open.h"

#define SKPI_DAY 86400
#define SKPI_HOUR 3600

/* ===================================================================== */
/* Civil calendar (lib/civil.c)                                          */
/* ===================================================================== */

/*
 * Proleptic Gregorian calendar arithmetic on day numbers: day 0 is
 * 1970-01-01, negative days come before it.  Valid for any year that fits
 * the types; the library itself only uses years 1969..2201.
 */

/* Day number of year y, month m (1..12), day d (1..31). */
int64_t skpi__days_from_civil(int64_t y, int m, int d);

/* Inverse of skpi__days_from_civil(); any out-parameter may be NULL. */
void skpi__civil_from_days(int64_t days, int64_t *y, int *m, int *d);

/* Day of the week of a day number: 0 = Monday ... 6 = Sunday. */
int skpi__weekday(int64_t days);

/* Number of days in month m of year y. */
int skpi__days_in_month(int64_t y, int m);

/* Whether year y is a leap year. */
bool skpi__is_leap(int64_t y);

/* Day number of the Monday that starts ISO week 1 of ISO year y. */
int64_t skpi__iso_week1_monday(int64_t y);

/* Number of ISO weeks (52 or 53) in ISO year y. */
int skpi__iso_weeks_in_year(int64_t y);

/* ISO year and week (1..53) of a day number; out-parameters may be NULL. */
void skpi__iso_week_of(int64_t days, int64_t *iso_year, int *week);

/* Floor division and its remainder for a positive divisor. */
static inline int64_t skpi__floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}
static inline int64_t skpi__floormod(int64_t a, int64_t b)
{
    return a - skpi__floordiv(a, b) * b;
}

/* ===================================================================== */
/* Time zones (lib/zone.c)                                               */
/* ===================================================================== */

/*
 * A zone maps UTC instants to local wall-clock seconds.  It is either a
 * fixed offset (rules == NULL: every conversion is an addition) or the
 * rules of an IANA zone read from a TZif file when the zone was parsed
 * (lib/tzif.c), owned by the zone.  Every conversion goes through the
 * functions below and nothing else reads `offset` or `rules` directly.
 *
 * Ownership: a zone that skpi__zone_parse() filled owns its rules and is
 * released with skpi__zone_free().  Copying the struct by value shares the
 * rules; a holder that outlives the original (a tracker copying its
 * options) takes a deep copy with skpi__zone_copy().  Rules never change
 * once built, so any number of threads may convert through one zone.
 *
 * Clock changes, for zones with rules (see the essay in lib/tzif.c):
 *  - a local time that a spring-forward gap skips maps to the instant the
 *    gap ends, i.e. the transition itself; a local time that a fall-back
 *    repeats maps to the earlier of its two instants.  In both cases
 *    skpi__zone_utc_of_local(L) is the first instant at which the clock
 *    reads L or later, so it never decreases as L grows;
 *  - local days and hours tile time: day d is [midnight(d), midnight(d+1)),
 *    a day whose midnight is skipped starts when the gap ends, a day that
 *    is skipped whole is empty, and a repeated hour holds both of its UTC
 *    hours.  skpi__zone_local_day() and skpi__zone_local_hour() give the
 *    last day or hour that has started at an instant.
 */
#define SKPI__ZONE_NAME_MAX 64
/* No local day of an accepted zone is longer (the store packs the second
 * within a bucket into 17 bits; real zones reach 26 hours). */
#define SKPI__ZONE_DAY_MAX (36 * SKPI_HOUR)

struct skpi__tzif;

typedef struct skpi__zone {
    int32_t offset;            /* fixed zones: seconds east of UTC */
    struct skpi__tzif *rules;  /* IANA zones: owned rules; NULL if fixed */
    unsigned char *tzif;       /* the TZif file the rules came from, owned */
    size_t tzif_len;           /* (kept for snapshots; NULL/0 if fixed) */
    char name[SKPI__ZONE_NAME_MAX + 1]; /* "Z", "+04:00", "Europe/London" */
} skpi__zone;

/*
 * Parse "Z", "UTC", "+04:00", "-0330", "+04", or an IANA zone name read
 * from $TZDIR or /usr/share/zoneinfo, into *z (a new zone: release with
 * skpi__zone_free()).  An IANA zone whose offset never changes over the
 * library's years is kept as a fixed offset under its IANA name.
 * SKPI_EZONE if not a zone, SKPI_ENOMEM; on error *z is untouched.
 */
skpi_status skpi__zone_parse(const char *text, skpi__zone *z);

/*
 * Build the zone called `name` from the TZif bytes buf[0..len), exactly as
 * skpi__zone_parse() builds it from the file it reads (the snapshot loader
 * uses this, so a saved tracker never needs the machine's tzdata).  The
 * bytes are copied.  SKPI_EZONE, SKPI_ENOMEM; on error *z is untouched.
 */
skpi_status skpi__zone_from_tzif(const char *name, const unsigned char *buf,
                                 size_t len, skpi__zone *z);

/* Whether two zones convert every instant alike (same name and rules). */
bool skpi__zone_equal(const skpi__zone *a, const skpi__zone *b);

/* Make *dst an independent copy of *src (whatever *dst held is
 * overwritten, not freed).  SKPI_ENOMEM, and then *dst is untouched. */
skpi_status skpi__zone_copy(skpi__zone *dst, const skpi__zone *src);

/* Release the rules a zone owns; the zone must not be used afterwards
 * except to be freed again or overwritten. */
void skpi__zone_free(skpi__zone *z);

/* Offset from UTC in effect at the UTC instant `utc`. */
int32_t skpi__zone_offset_at(const skpi__zone *z, int64_t utc);

/* UTC instant of local wall-clock seconds `local` (local = utc + offset);
 * for gaps and overlaps see above. */
int64_t skpi__zone_utc_of_local(const skpi__zone *z, int64_t local);

/* Local day number (see civil) holding the UTC instant. */
int64_t skpi__zone_local_day(const skpi__zone *z, int64_t utc);

/* Local hour number (local seconds / 3600, floored) holding the UTC
 * instant: the hour buckets' counterpart of skpi__zone_local_day(). */
int64_t skpi__zone_local_hour(const skpi__zone *z, int64_t utc);

/* UTC instant at which local day number `day` starts: its midnight, or
 * the end of the gap when midnight is skipped. */
int64_t skpi__zone_midnight(const skpi__zone *z, int64_t day);

/*
 * Parse the ISO 8601 / Unix-seconds forms of skpi_time_parse() from the
 * first `n` bytes of `s` (no NUL needed).  Does not check the library's time
 * range.  SKPI_EPARSE on bad syntax or out-of-range fields.
 */
skpi_status skpi__time_parse_n(const char *s, size_t n, int64_t *out);

/* Parse exactly "YYYY-MM-DD" from n bytes; day number into *days. */
skpi_status skpi__date_parse_n(const char *s, size_t n, int64_t *days);

/* Format `utc` as local ISO 8601 in zone z into buf (>= SKPI_TIME_BUFSIZE). */
void skpi__time_format(const skpi__zone *z, int64_t utc, char *buf);

/* ===================================================================== */
/* CRC-32C (lib/crc32c.c)                                                */
/* ===================================================================== */

/* CRC-32C of n bytes, continuing from `crc` (0 to start). */
uint32_t skpi__crc32c(uint32_t crc, const void *data, size_t n);

/* ===================================================================== */
/* Files and errors (lib/fileio.c)                                       */
/* ===================================================================== */

/* Fill *err (if not NULL) and return st. */
skpi_status skpi__error_set(skpi_error *err, skpi_status st, int64_t offset,
                            const char *field, const char *text);

/* SKPI_EIO in *err, with "<what> <path>: <strerror(errno)>". */
skpi_status skpi__error_io(skpi_error *err, const char *what, const char *path);

/* Write all n bytes (retrying short writes and EINTR). */
bool skpi__write_all(int fd, const void *buf, size_t n);

/*
 * Read the whole regular file at path (at most max bytes) into a new buffer
 * (*out, freed with free()) of *len bytes.  SKPI_EIO with errno set (not
 * there, unreadable, not a regular file), SKPI_ELIMIT (larger than max) or
 * SKPI_ENOMEM.
 */
skpi_status skpi__read_file(const char *path, size_t max, unsigned char **out,
                            size_t *len);

/* ===================================================================== */
/* Growable byte buffer (lib/buf.c)                                      */
/* ===================================================================== */

typedef struct skpi__buf {
    char *data;
    size_t len;
    size_t cap;
    bool failed; /* an allocation failed: everything after is dropped */
} skpi__buf;

void skpi__buf_init(skpi__buf *b);
void skpi__buf_free(skpi__buf *b);
void skpi__buf_put(skpi__buf *b, const char *s, size_t n);
void skpi__buf_puts(skpi__buf *b, const char *s);
void skpi__buf_putc(skpi__buf *b, char c);
/* Append v as an unsigned LEB128 varint. */
void skpi__buf_varint(skpi__buf *b, uint64_t v);
void skpi__buf_printf(skpi__buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Append a double in the shortest form that reads back exactly, "null" for
 * NaN and infinities, independent of the C locale. */
void skpi__buf_double(skpi__buf *b, double v);
/* Append a JSON string literal (quotes and escapes) of NUL-terminated s. */
void skpi__buf_json_string(skpi__buf *b, const char *s);
/* Hand the NUL-terminated contents to the caller (SKPI_ENOMEM if failed). */
skpi_status skpi__buf_finish(skpi__buf *b, char **out, size_t *len);

/* ===================================================================== */
/* Taxonomy (lib/taxonomy.c)                                             */
/* ===================================================================== */

typedef struct skpi__entry {
    char slug[SKPI_SLUG_MAX + 1];
    char *label;          /* owned, NUL-terminated UTF-8 */
    uint32_t group;       /* categories only */
    bool expects_answer;  /* categories only */
} skpi__entry;

typedef struct skpi__dim {
    skpi__entry *entries; /* fixed capacity, allocated at creation */
    size_t cap;
    _Atomic size_t count; /* published with release after the entry is written */
} skpi__dim;

#define SKPI__NDIMS 4

/* Checks shared with the loaders of later formats. */
bool skpi__slug_valid(const char *slug);
bool skpi__utf8_valid(const char *s, size_t n);

/* Fill the built-in taxonomy; SKPI_ENOMEM on failure. */
skpi_status skpi__taxonomy_init(skpi_tracker *t);
void skpi__taxonomy_free(skpi_tracker *t);

/* Count of a dimension as seen by a reader (acquire). */
static inline size_t skpi__dim_count(const skpi__dim *d)
{
    return atomic_load_explicit(&((skpi__dim *)d)->count, memory_order_acquire);
}

/* ===================================================================== */
/* Storage (lib/store.c)                                                 */
/* ===================================================================== */

/*
 * See the essay at the top of lib/store.c.  Series are time-indexed arrays
 * of int64 cells; a tracker has up to SKPI__SHARDS shards, each a full set
 * of series.  A recording thread writes into a shard that it owns alone
 * (shards SKPI__SHARED and up, leased on first use), or, when none is
 * left, into the shared shard of its CPU (shards 0 .. SKPI__SHARED - 1),
 * so that threads on different cores never write the same cache line.
 */
#define SKPI__SHARDS 16
#define SKPI__SHARED 4 /* shards 0..3 are shared; the others are owned */
#define SKPI__MINE 64  /* entries of a tracker's owned-shard hints */
#define SKPI__PAGE_BITS 6                       /* 64 buckets per page */
#define SKPI__PAGE_LEN (1 << SKPI__PAGE_BITS)
#define SKPI__MID_BITS 9                        /* 512 pages per mid block */
#define SKPI__MID_LEN (1 << SKPI__MID_BITS)

/* Series families and the width (cells per bucket) of each. */
enum skpi__family {
    SKPI__FAM_MSG = 0,  /* per platform x category: counters, see below */
    SKPI__FAM_ENG,      /* per platform x kind */
    SKPI__FAM_POST,     /* per platform */
    SKPI__FAM_FOLLOW,   /* per platform: one packed gauge cell */
    SKPI__FAM_RATING,   /* per platform: one cell per score */
    SKPI__FAM_FRT,      /* per platform x category: 2 sketch cells (below) */
    SKPI__FAM_PEOPLE,   /* per platform: 3 sketch cells, by skpi_people */
    SKPI__FAM_ANOM,     /* per platform: one counter per skpi_anomaly */
    SKPI__NFAMILIES
};

/*
 * Cells of a message series bucket, the bucket of the messages' arrival:
 * received, answered, one "answered within T" per SLA target, then
 * SKPI__LAGS cells counting answers by how many buckets after the arrival
 * bucket they came (lag 0 = the same bucket).  Answers that came later
 * than that are kept exactly in the tracker's late table (lib/backlog.c).
 */
#define SKPI__LAGS 8
enum {
    SKPI__MSG_RECEIVED = 0,
    SKPI__MSG_ANSWERED = 1,
    SKPI__MSG_SLA0 = 2 /* then one cell per SLA target, then the lags */
};
#define SKPI__MSG_LAG0(t) (SKPI__MSG_SLA0 + (t)->opt.n_sla)

/* The two sketch cells of an FRT bucket: calendar and business time. */
enum { SKPI__FRT_CALENDAR = 0, SKPI__FRT_BUSINESS = 1, SKPI__FRT_WIDTH = 2 };
#define SKPI__PEOPLE_WIDTH 3
#define SKPI__ANOM_WIDTH 5

/*
 * Sketch cells hold a pointer to one of these, installed on first use and
 * freed with the tracker.  A sketch is a single-threaded object: its
 * spinlock serialises writers and readers (contention is rare, since each
 * CPU writes its own shard).
 */
typedef struct skpi__dds_cell {
    atomic_flag lock;
    skpi__dds dds;
} skpi__dds_cell;

typedef struct skpi__hll_cell {
    atomic_flag lock;
    skpi__hll *hll;
} skpi__hll_cell;

static inline void skpi__spin_lock(atomic_flag *l)
{
    while (atomic_flag_test_and_set_explicit(l, memory_order_acquire)) {
    }
}

static inline void skpi__spin_unlock(atomic_flag *l)
{
    atomic_flag_clear_explicit(l, memory_order_release);
}

/* The sketch behind a cell, created on first use; NULL on ENOMEM. */
skpi__dds_cell *skpi__dds_cell_get(skpi_tracker *t, _Atomic int64_t *cell);
skpi__hll_cell *skpi__hll_cell_get(skpi_tracker *t, _Atomic int64_t *cell);

/* The sketch behind a cell for reading, or NULL if none was created. */
static inline void *skpi__cell_ptr(const _Atomic int64_t *cell)
{
    return (void *)(intptr_t)atomic_load_explicit(
        (_Atomic int64_t *)cell, memory_order_acquire);
}

/* The layout of a shard (see the diagram in lib/store.c).  It is here so
 * that the recording fast path below can be inlined into lib/record.c;
 * only lib/store.c and that fast path use the fields. */
typedef struct skpi__mid {
    _Atomic(_Atomic int64_t *) pages[SKPI__MID_LEN];
} skpi__mid;

typedef struct skpi__series {
    size_t n_mid;                /* written before the series is published */
    _Atomic(skpi__mid *) mids[]; /* n_mid entries */
} skpi__series;

#define SKPI__MSG_SLOTS (SKPI_MAX_PLATFORMS * SKPI_MAX_CATEGORIES)
#define SKPI__ENG_SLOTS (SKPI_MAX_PLATFORMS * SKPI_MAX_KINDS)

/*
 * One entry of a shard's bucket cache: the UTC span [start, end) of one
 * bucket b, each end stored as (instant - t->range_min) << SKPI__SPAN_TAG
 * | b.  Both words carry b, so a reader that finds the same b in both has
 * a consistent pair (they are functions of b), whatever writers did in
 * between; all zero is an empty span.  See "The bucket cache" in store.c.
 */
#define SKPI__SPAN_TAG 24
#define SKPI__SPAN_TAG_MASK ((UINT64_C(1) << SKPI__SPAN_TAG) - 1)
typedef struct skpi__span {
    _Atomic uint64_t start, end;
} skpi__span;

typedef struct skpi__shard {
    _Atomic uintptr_t owner;     /* the owning thread's token; 0: none */
    skpi__span span[2];          /* bucket cache: the buckets last used */
    _Atomic(skpi__series *) msg[SKPI__MSG_SLOTS];
    _Atomic(skpi__series *) eng[SKPI__ENG_SLOTS];
    _Atomic(skpi__series *) post[SKPI_MAX_PLATFORMS];
    _Atomic(skpi__series *) follow[SKPI_MAX_PLATFORMS];
    _Atomic(skpi__series *) rating[SKPI_MAX_PLATFORMS];
    _Atomic(skpi__series *) frt[SKPI__MSG_SLOTS];
    _Atomic(skpi__series *) people[SKPI_MAX_PLATFORMS];
    _Atomic(skpi__series *) anom[SKPI_MAX_PLATFORMS];
} skpi__shard;

/* The series slots of family f in a shard. */
static inline _Atomic(skpi__series *) *skpi__shard_slots(skpi__shard *s,
                                                         enum skpi__family f)
{
    switch (f) {
    case SKPI__FAM_MSG:
        return s->msg;
    case SKPI__FAM_ENG:
        return s->eng;
    case SKPI__FAM_POST:
        return s->post;
    case SKPI__FAM_FOLLOW:
        return s->follow;
    case SKPI__FAM_RATING:
        return s->rating;
    case SKPI__FAM_FRT:
        return s->frt;
    case SKPI__FAM_PEOPLE:
        return s->people;
    default:
        return s->anom;
    }
}

/* The packed follower gauge: (offset in bucket + 1) << 46 | tally. */
#define SKPI__GAUGE_TALLY_BITS 46
#define SKPI__GAUGE_TALLY_MASK ((UINT64_C(1) << SKPI__GAUGE_TALLY_BITS) - 1)

/* Index of a series within its family's slot array. */
static inline size_t skpi__slot(enum skpi__family f, uint32_t platform,
                                uint32_t sub)
{
    switch (f) {
    case SKPI__FAM_MSG:
    case SKPI__FAM_FRT:
        return (size_t)platform * SKPI_MAX_CATEGORIES + sub;
    case SKPI__FAM_ENG:
        return (size_t)platform * SKPI_MAX_KINDS + sub;
    default:
        return platform;
    }
}

/*
 * Return the cells of bucket `b` in series (f, slot) of the calling
 * thread's shard (skpi__shard_mine()), allocating what is missing.  NULL on
 * allocation failure (and then nothing was changed that a reader can see).
 * Update the cells with atomic read-modify-write operations: the shard may
 * be shared.  The recording calls use the fast path at the end of this
 * file instead.
 */
_Atomic int64_t *skpi__cells_for_write(skpi_tracker *t, enum skpi__family f,
                                        size_t slot, int64_t b);

/*
 * As skpi__cells_for_write(), in a given shard.  The snapshot loader puts
 * everything in shard 0, so that a freshly loaded tracker has one cell per
 * bucket and a merge into it checks overflow against the whole sum.
 */
_Atomic int64_t *skpi__cells_for_write_in(skpi_tracker *t, unsigned shard,
                                           enum skpi__family f, size_t slot,
                                           int64_t b);

/*
 * Visit the buckets of series (f, slot) in [b0, b1) that may hold data,
 * over every shard: fn(cells, first, n, ctx) receives runs of n consecutive
 * buckets starting at bucket `first`, their cells laid out bucket after
 * bucket, t->width[f] cells each.  A bucket appears once per shard that
 * holds its page.  Returns the first non-OK status fn returns.
 */
typedef skpi_status (*skpi__visit_fn)(const _Atomic int64_t *cells,
                                      int64_t first, size_t n, void *ctx);
skpi_status skpi__series_visit(const skpi_tracker *t, enum skpi__family f,
                               size_t slot, int64_t b0, int64_t b1,
                               skpi__visit_fn fn, void *ctx);

/*
 * Combine the cells of page `page_no` (buckets page_no * SKPI__PAGE_LEN
 * ...) of series (f, slot) over every shard into out[SKPI__PAGE_LEN *
 * width]: counters add, follower gauges take the maximum.  Not for sketch
 * families.  SKPI_ENODATA (out untouched) when no shard holds the page,
 * SKPI_EOVERFLOW when a sum over shards passes INT64_MAX.
 * Returns false, leaving out alone, when no shard holds the page.
 */
skpi_status skpi__page_sum(const skpi_tracker *t, enum skpi__family f,
                           size_t slot, int64_t page_no, int64_t *out);

/* Page `page_no` of series (f, slot) in one shard, or NULL. */
const _Atomic int64_t *skpi__page_of_shard(const skpi_tracker *t,
                                            unsigned shard,
                                            enum skpi__family f, size_t slot,
                                            int64_t page_no);

/* Number of slots (series) family f has. */
size_t skpi__family_slots(enum skpi__family f);

/* The first page >= page_no of series (f, slot) that any shard holds, or
 * -1; skips unused stretches of time a mid block at a time. */
int64_t skpi__page_next(const skpi_tracker *t, enum skpi__family f,
                        size_t slot, int64_t page_no);

/*
 * The packed follower gauge of platform `p` in bucket `b`, maxed over
 * shards (0 = no reading).
 */
uint64_t skpi__gauge_read(const skpi_tracker *t, uint32_t p, int64_t b);

/*
 * Find the nearest bucket holding a follower reading for platform p,
 * scanning from b down to lo (inclusive) when `backward`, or from b up to
 * hi (exclusive) otherwise.  Returns the bucket or -1; *packed gets the
 * gauge.
 */
int64_t skpi__gauge_seek(const skpi_tracker *t, uint32_t p, int64_t b,
                         int64_t limit, bool backward, uint64_t *packed);

void skpi__store_free(skpi_tracker *t);

/* ===================================================================== */
/* Backlog (lib/backlog.c)                                               */
/* ===================================================================== */

/*
 * Answers that came SKPI__LAGS or more buckets after their message's
 * arrival bucket, counted exactly by (series, arrival bucket, reply
 * bucket).  Rare by design, so one mutex guards the table.
 */
typedef struct skpi__late_entry {
    uint32_t slot;      /* skpi__slot(SKPI__FAM_MSG, platform, category) */
    uint32_t used;
    int64_t arrival;    /* bucket */
    int64_t reply;      /* bucket */
    int64_t count;
} skpi__late_entry;

typedef struct skpi__late_table {
    pthread_mutex_t lock;
    skpi__late_entry *slots;
    size_t cap, used;
} skpi__late_table;

skpi_status skpi__late_init(skpi__late_table *l);
void skpi__late_free(skpi__late_table *l);

/* Find or create the entry of (slot, arrival, reply) with count 0 and
 * return it, locked; NULL (not locked) on ENOMEM. */
skpi__late_entry *skpi__late_hold(skpi__late_table *l, uint32_t slot,
                                  int64_t arrival, int64_t reply);
void skpi__late_release(skpi__late_table *l);

/* Every entry with a count, sorted by (slot, arrival, reply), in a new
 * array (NULL when there are none).  SKPI_ENOMEM. */
skpi_status skpi__late_collect(const skpi__late_table *l,
                               skpi__late_entry **out, size_t *n);

/*
 * One pass over message series (platform, category) up to bucket b1: its
 * cells over [b0, b1) are added into sums[t->width[SKPI__FAM_MSG]], and
 * *count and *oldest_bucket receive the backlog at b1 (see
 * skpi_report_backlog) and the arrival bucket of its oldest message (-1
 * for none).  `late` holds skpi__late_collect()'s entries of this series
 * (n_late of them, in its order); `page` is scratch room for
 * SKPI__PAGE_LEN * width cells.  SKPI_EOVERFLOW, sums then partly added.
 */
skpi_status skpi__backlog(const skpi_tracker *t, uint32_t platform,
                          uint32_t category, int64_t b0, int64_t b1,
                          const skpi__late_entry *late, size_t n_late,
                          _Atomic int64_t *page, int64_t *sums,
                          int64_t *count, int64_t *oldest_bucket);

/* ===================================================================== */
/* Records and the journal (lib/record.c, lib/journal.c)                 */
/* ===================================================================== */

/* One change of a tracker, as the journal writes and replays it. */
enum skpi__rec_type {
    SKPI__REC_MESSAGE = 1,
    SKPI__REC_RESPONSE = 2,
    SKPI__REC_ENGAGEMENT = 3,
    SKPI__REC_POSTS = 4,
    SKPI__REC_FOLLOWERS = 5,
    SKPI__REC_RATING = 6,
    SKPI__REC_MESSAGE_ID = 7,
    SKPI__REC_REPLY = 8,
    SKPI__REC_ENGAGEMENT_BY = 9,
    SKPI__REC_FOLLOWER = 10,
    SKPI__REC_TAXONOMY = 11,
    SKPI__REC_CATEGORY = 12
};

typedef struct skpi__rec {
    uint8_t type;
    uint32_t a;      /* platform */
    uint32_t b;      /* category, kind, dim or group */
    int64_t t1, t2;  /* times */
    int64_t n;       /* count, tally, score or answer flag */
    const char *s1;  /* message, person id or slug */
    const char *s2;  /* author id or label */
} skpi__rec;

/* Apply a record to t without journalling it (lib/record.c). */
skpi_status skpi__apply_record(skpi_tracker *t, const skpi__rec *r);

/* Apply and journal a record under the journal's lock (lib/journal.c). */
skpi_status skpi__journal_record(skpi_tracker *t, const skpi__rec *r);

/* The unjournalled registrations (lib/taxonomy.c). */
skpi_status skpi__taxonomy_add_impl(skpi_tracker *t, int dim,
                                    const char *slug, const char *label,
                                    uint32_t *id);
skpi_status skpi__category_add_impl(skpi_tracker *t, const char *slug,
                                    const char *label, uint32_t group,
                                    int expects_answer, uint32_t *id);

/* ===================================================================== */
/* Reports (lib/report.c)                                                */
/* ===================================================================== */

/*
 * The exact sum of the first-response times behind
 * skpi_report_response_time() (same arguments and statuses; SKPI_ENODATA
 * when nothing was answered, *sum untouched).  For the OpenMetrics
 * histogram's _sum, which must not be rebuilt from the rounded mean.
 */
skpi_status skpi__report_response_sum(const skpi_report *r, uint32_t platform,
                                      uint32_t category, int business,
                                      int64_t *sum);

/* ===================================================================== */
/* Tracker (lib/tracker.c)                                               */
/* ===================================================================== */

struct skpi_options {
    skpi__zone zone;
    int bucket;
    int rating_lo, rating_hi, rating_satisfied;
    size_t n_sla;
    int64_t sla[SKPI_MAX_SLA];
    double alpha;        /* relative accuracy of response-time sketches */
    int people_p;        /* HyperLogLog precision */
    size_t open_limit;   /* message ids kept for reply matching */
    skpi__calendar cal;  /* business hours; empty = none */
};

struct skpi_tracker {
    struct skpi_options opt;
    int64_t bucket_seconds;     /* 86400 or 3600 */
    int64_t n_buckets;          /* bucket indexes run over [0, n_buckets) */
    int64_t range_min;          /* start of the bucket holding SKPI_TIME_MIN */
    int64_t range_max;          /* end of the bucket holding SKPI_TIME_MAX - 1 */
    size_t width[SKPI__NFAMILIES];
    size_t n_mid;               /* mid blocks per series */

    pthread_mutex_t lock;       /* taxonomy registration only */
    skpi__dim dims[SKPI__NDIMS];

    _Atomic(skpi__shard *) shards[SKPI__SHARDS];
    unsigned leases;            /* owned shards a thread may claim */
    /* Which shard a thread owns, by a hash of its token (lib/store.c,
     * "Owned shards"): a hint, checked against the shard's owner. */
    _Atomic unsigned char mine[SKPI__MINE];
    bool business;              /* business hours set (opt.cal not empty) */

    _Atomic uint64_t journal_seq; /* last journal record applied (snapshots) */
    _Atomic(struct skpi_journal *) journal; /* attached journal, or NULL */
    skpi__open_table open;   /* message ids awaiting replies (lib/open.c) */
    skpi__late_table late;   /* answers after SKPI__LAGS buckets (backlog.c) */
};

/*
 * Bucket index of a UTC instant already checked against the time range.
 * Index 0 is the local bucket that starts before SKPI_TIME_MIN (a zone west
 * of UTC puts 1970-01-01T00:00Z on local 1969-12-31), hence the bias.
 */
int64_t skpi__bucket_of(const skpi_tracker *t, int64_t utc);

/* UTC instant at which bucket `b` starts. */
int64_t skpi__bucket_start(const skpi_tracker *t, int64_t b);

/*
 * Check a range end against the reportable span [t->range_min,
 * t->range_max]: whole buckets around every accepted time, which reach a
 * little past SKPI_TIME_MIN / SKPI_TIME_MAX in zones away from UTC.
 */
static inline bool skpi__range_ok(const skpi_tracker *t, int64_t v)
{
    return v >= t->range_min && v <= t->range_max;
}

/*
 * A deep copy of t, through its snapshot (lib/snapshot.c): same options,
 * taxonomy, buckets, sketches, waiting messages and late answers; no
 * journal.  SKPI_ENOMEM.
 */
skpi_status skpi__tracker_clone(const skpi_tracker *t, skpi_tracker **out);

/*
 * Exchange the contents of two trackers of equal options (the result of
 * skpi__tracker_clone() and its original), leaving locks and journals in
 * place.  Cannot fail; no other call may use either tracker meanwhile.
 */
void skpi__tracker_swap(skpi_tracker *a, skpi_tracker *b);

/* Check a time against [SKPI_TIME_MIN, SKPI_TIME_MAX). */
static inline bool skpi__time_ok(int64_t t)
{
    return t >= SKPI_TIME_MIN && t < SKPI_TIME_MAX;
}

/* Check a taxonomy id against a dimension's current count. */
static inline bool skpi__id_ok(const skpi_tracker *t, skpi_dim d, uint32_t id)
{
    return id < skpi__dim_count(&t->dims[d]);
}

/* Whether a journal is attached to t (the one check the recording and
 * registration calls make before their unjournalled fast path). */
static inline bool skpi__journaled(const skpi_tracker *t)
{
    return t != NULL &&
           atomic_load_explicit(&((skpi_tracker *)t)->journal,
                                memory_order_acquire) != NULL;
}

/* ===================================================================== */
/* Recording fast path (lib/store.c)                                     */
/* ===================================================================== */

/*
 * What a recording call does before it counts: find the calling thread's
 * shard, the bucket of the event's time, and the bucket's cells.  The
 * common case of each is inlined here; the rest (claiming a shard,
 * computing a bucket through the zone, allocating) is in lib/store.c.
 * See "Owned shards" and "The bucket cache" in the essay there.
 */

/*
 * A thread's token: its pthread_t, which is unique among the threads alive
 * (and reused only after a thread has ended), as an integer; never 0, the
 * owner value of a free shard.  pthread_self() is one load from the
 * thread pointer on glibc and musl, cheaper than a thread-local variable
 * of a shared library.
 */
_Static_assert(sizeof(pthread_t) <= sizeof(uintptr_t),
               "a pthread_t fits a uintptr_t");
static inline uintptr_t skpi__thread_token(void)
{
    pthread_t self = pthread_self();
    uintptr_t token = 0;
    memcpy(&token, &self, sizeof self);
    return token != 0 ? token : 1;
}

/* A multiplicative hash of a token's high bits (thread structures are
 * page-aligned or better), mapped onto 0 .. n - 1. */
static inline unsigned skpi__token_slot(uintptr_t token, unsigned n)
{
    uint64_t h = (uint64_t)(token >> 12) * UINT64_C(0x9E3779B97F4A7C15);
    return (unsigned)(((h >> 32) * n) >> 32);
}

/* The slow paths of the inline functions below (lib/store.c). */
skpi__shard *skpi__shard_find(skpi_tracker *t, uintptr_t token, bool *owned);
int64_t skpi__shard_bucket_miss(const skpi_tracker *t, skpi__shard *sh,
                                int64_t utc, int64_t keep);
_Atomic int64_t *skpi__shard_cells_miss(skpi_tracker *t, skpi__shard *sh,
                                        enum skpi__family f, size_t slot,
                                        int64_t b);

/*
 * The shard the calling thread writes into: one it owns (*owned = true:
 * no other thread writes it, so its cells may be updated with a plain load
 * and store) or a shared one (*owned = false: atomic read-modify-write
 * only).  Created on first use; NULL on ENOMEM.  The common case is the
 * shard that the tracker's hint for the thread's token names, owned by the
 * thread already.
 */
static inline skpi__shard *skpi__shard_mine(skpi_tracker *t, bool *owned)
{
    uintptr_t me = skpi__thread_token();
    unsigned i = atomic_load_explicit(&t->mine[skpi__token_slot(me, SKPI__MINE)],
                                      memory_order_relaxed);
    skpi__shard *sh = atomic_load_explicit(&t->shards[i % SKPI__SHARDS],
                                           memory_order_acquire);
    /* Only this thread ever stores its own token (or a thread that ended,
     * whose pthread_t it inherited), so a relaxed load is enough. */
    if (sh != NULL &&
        atomic_load_explicit(&sh->owner, memory_order_relaxed) == me) {
        *owned = true;
        return sh;
    }
    return skpi__shard_find(t, me, owned);
}

/*
 * Look a UTC instant up in the shard's bucket cache: true, with its bucket
 * in *b and the UTC instant at which the bucket ends in *end, when it falls
 * in one of the two buckets last used (two compares for the first).
 */
static inline bool skpi__span_hit(const skpi_tracker *t, skpi__shard *sh,
                                  int64_t utc, int64_t *b, int64_t *end)
{
    uint64_t x = (uint64_t)(utc - t->range_min);
    for (int e = 0; e < 2; e++) {
        uint64_t s = atomic_load_explicit(&sh->span[e].start,
                                          memory_order_relaxed);
        uint64_t n = atomic_load_explicit(&sh->span[e].end,
                                          memory_order_relaxed);
        if (((s ^ n) & SKPI__SPAN_TAG_MASK) == 0 &&
            x >= s >> SKPI__SPAN_TAG && x < n >> SKPI__SPAN_TAG) {
            *b = (int64_t)(s & SKPI__SPAN_TAG_MASK);
            *end = t->range_min + (int64_t)(n >> SKPI__SPAN_TAG);
            return true;
        }
    }
    return false;
}

/* Bucket index of a UTC instant already checked against the time range,
 * as skpi__bucket_of(), through the shard's bucket cache. */
static inline int64_t skpi__shard_bucket(const skpi_tracker *t,
                                         skpi__shard *sh, int64_t utc)
{
    int64_t b, end;
    return skpi__span_hit(t, sh, utc, &b, &end)
               ? b
               : skpi__shard_bucket_miss(t, sh, utc, -1);
}

/*
 * As skpi__shard_bucket(), and *end receives the UTC instant at which the
 * bucket ends, or SKPI_TIME_MIN - 1 when the cache did not have it (so
 * that "x < *end" is a safe test of "x is in the same bucket" either way).
 */
static inline int64_t skpi__shard_bucket_end(const skpi_tracker *t,
                                             skpi__shard *sh, int64_t utc,
                                             int64_t *end)
{
    int64_t b;
    if (skpi__span_hit(t, sh, utc, &b, end))
        return b;
    *end = SKPI_TIME_MIN - 1;
    return skpi__shard_bucket_miss(t, sh, utc, -1);
}

/*
 * As skpi__shard_bucket(), for an instant near bucket `keep` (a reply to a
 * message that arrived in `keep`): a bucket missing from the cache is put
 * there only if that does not evict `keep`, so that a stream of messages
 * answered a few buckets later does not lose its own bucket at every
 * answer.
 */
static inline int64_t skpi__shard_bucket_near(const skpi_tracker *t,
                                              skpi__shard *sh, int64_t utc,
                                              int64_t keep)
{
    int64_t b, end;
    return skpi__span_hit(t, sh, utc, &b, &end)
               ? b
               : skpi__shard_bucket_miss(t, sh, utc, keep);
}

/*
 * The cells of bucket b in series (f, slot) of shard sh, allocating what is
 * missing; NULL on ENOMEM (nothing a reader can see was changed).
 */
static inline _Atomic int64_t *skpi__shard_cells(skpi_tracker *t,
                                                 skpi__shard *sh,
                                                 enum skpi__family f,
                                                 size_t slot, int64_t b)
{
    skpi__series *se = atomic_load_explicit(&skpi__shard_slots(sh, f)[slot],
                                            memory_order_acquire);
    uint64_t pg = (uint64_t)b >> SKPI__PAGE_BITS;
    if (se != NULL) {
        skpi__mid *mid = atomic_load_explicit(&se->mids[pg >> SKPI__MID_BITS],
                                              memory_order_acquire);
        if (mid != NULL) {
            _Atomic int64_t *page = atomic_load_explicit(
                &mid->pages[pg & (SKPI__MID_LEN - 1)], memory_order_acquire);
            if (page != NULL)
                return page + ((uint64_t)b & (SKPI__PAGE_LEN - 1)) * t->width[f];
        }
    }
    return skpi__shard_cells_miss(t, sh, f, slot, b);
}

/* Add n to a counter cell of a shard written as `owned` says.  An owned
 * shard has one writer, so a load and a store are exact and cheaper than
 * a locked add; readers still load each cell atomically. */
static inline void skpi__cell_add(_Atomic int64_t *c, int64_t n, bool owned)
{
    if (owned)
        atomic_store_explicit(
            c, atomic_load_explicit(c, memory_order_relaxed) + n,
            memory_order_relaxed);
    else
        atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

#endif /* SKPI_INTERNAL_H */

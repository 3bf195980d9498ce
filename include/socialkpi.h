/*
 * socialkpi.h -- the public API of libsocialkpi.
 *
 * libsocialkpi measures a customer-service desk on social media: messages
 * received by platform and category, how many were answered and how fast,
 * satisfaction, engagement with the desk's own posts, followers, and how all
 * of this moves from one period to the next.  This header is the
 * specification: every function is documented here, with its parameters,
 * the status codes it returns, who owns what it returns and whether it may
 * run concurrently with other calls.  doc/ expands on the KPI definitions
 * (doc/kpi.md), the JSON report (doc/report-json.md) and threading
 * (doc/threading.md).
 *
 * Conventions used throughout
 * ---------------------------
 *  - Every public name starts with skpi_ (functions, types) or SKPI_
 *    (macros, enumerators).
 *  - Fallible functions return an skpi_status; SKPI_OK is 0.  On any other
 *    status the objects passed in are unchanged and out-parameters are left
 *    untouched.  skpi_strerror() gives a sentence, skpi_status_name() the
 *    enumerator's name.
 *  - Times are int64_t Unix seconds (UTC).  Accepted times lie in
 *    [SKPI_TIME_MIN, SKPI_TIME_MAX): 1970-01-01T00:00:00Z inclusive to
 *    2200-01-01T00:00:00Z exclusive.  A report range may reach from the
 *    start of the bucket that holds SKPI_TIME_MIN to the end of the bucket
 *    that holds SKPI_TIME_MAX - 1, so that every accepted time can be
 *    reported: with day buckets west of UTC the range may start on local
 *    1969-12-31, east of UTC it may end on local 2200-01-01 (inclusive).
 *  - Counts and metric values are int64_t; sizes are size_t; taxonomy ids
 *    are uint32_t.  SKPI_ALL in place of an id means "all of them".
 *  - Suffixes: _new creates an object that the caller frees with the
 *    matching _free (every _free accepts NULL); _slug marks the convenience
 *    form of a call that takes slugs instead of integer ids.
 *  - Ownership: an object returned through a `**out` parameter belongs to
 *    the caller.  A `const char *` returned by a getter is borrowed: it
 *    stays valid for the lifetime of the object it came from.  A buffer
 *    returned through `char **out` belongs to the caller and is released
 *    with skpi_free() (never libc free(), so that bindings work).
 *  - Thread safety: the library has no global mutable state.  Functions that
 *    take a `const` handle only read it.  What may run concurrently on one
 *    tracker is stated per function and summarised in doc/threading.md:
 *    recording and reporting may run from any number of threads at once.
 */
#ifndef SOCIALKPI_H
#define SOCIALKPI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "socialkpi_version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* SKPI_API marks the exported symbols; everything else in the shared
 * library is hidden (it is built with -fvisibility=hidden). */
#if defined(_WIN32) && defined(SKPI_BUILDING)
#define SKPI_API __declspec(dllexport)
#elif defined(_WIN32)
#define SKPI_API __declspec(dllimport)
#elif defined(__GNUC__) && __GNUC__ >= 4
#define SKPI_API __attribute__((visibility("default")))
#else
#define SKPI_API
#endif

/* ===================================================================== */
/* Status codes                                                          */
/* ===================================================================== */

/**
 * Result of every fallible call.  Values are stable across releases; new
 * codes are only ever appended.
 */
typedef enum skpi_status {
    SKPI_OK = 0,          /* success */
    SKPI_EINVAL = 1,      /* a required pointer is NULL or an argument is malformed */
    SKPI_ENOMEM = 2,      /* memory allocation failed */
    SKPI_ENOTFOUND = 3,   /* no such id or slug */
    SKPI_EEXIST = 4,      /* the slug is already registered */
    SKPI_ESLUG = 5,       /* a slug is not [a-z0-9_]{1,32} */
    SKPI_ELABEL = 6,      /* a label is not valid UTF-8 or is too long */
    SKPI_ELIMIT = 7,      /* a fixed capacity (taxonomy size, SLA targets) is full */
    SKPI_ETIME = 8,       /* a time lies outside [SKPI_TIME_MIN, SKPI_TIME_MAX) */
    SKPI_ECOUNT = 9,      /* a count is zero or negative where that makes no sense */
    SKPI_ERATING = 10,    /* a rating lies outside the tracker's scale */
    SKPI_EOVERFLOW = 11,  /* a counter or a sum would overflow int64_t */
    SKPI_EORDER = 12,     /* a reply is earlier than the message it answers */
    SKPI_EPARSE = 13,     /* a time or period string cannot be parsed */
    SKPI_ERANGE = 14,     /* a range is empty or reversed (from >= to) */
    SKPI_EALIGN = 15,     /* a range boundary is not on a bucket boundary */
    SKPI_EZONE = 16,      /* a time zone is not recognised */
    SKPI_EOPTION = 17,    /* an option value is invalid */
    SKPI_ENODATA = 18,    /* the range holds no value for what was asked */
    SKPI_EBUFSIZE = 19,   /* the caller's buffer is too small */
    SKPI_EID = 20,        /* an id is empty or longer than SKPI_ID_MAX bytes */
    SKPI_EDUPLICATE = 21, /* a message id was recorded before (counted, not applied) */
    SKPI_EUNMATCHED = 22, /* a reply names an unknown message id (counted, not applied) */
    SKPI_EFORMAT = 23,    /* the input is not a snapshot (bad magic) */
    SKPI_EVERSION = 24,   /* the snapshot's format version is not supported */
    SKPI_ECRC = 25,       /* a checksum does not match: the data is damaged */
    SKPI_ETRUNC = 26,     /* the input ends before the data it announces */
    SKPI_ECORRUPT = 27,   /* a field holds a value no valid input can have */
    SKPI_EIO = 28,        /* reading or writing a file failed (see errno) */
    SKPI_EINCOMPAT = 29,  /* trackers differ in zone, buckets, scale or sketches */
    SKPI_EJOURNAL = 30,   /* an earlier journal write failed: recording is stopped */
    SKPI_ESYNTAX = 31,    /* a text input is malformed (CSV quoting, field count, header) */
    SKPI_EUTF8 = 32,      /* a text input is not valid UTF-8 */
    SKPI_EFIELD = 33      /* a CSV field is missing, empty where required, or unknown */
} skpi_status;

/**
 * Return a static English sentence describing `status`.
 * Never returns NULL; an unknown value gives "unknown status".
 * The string is static: do not free it.  Thread-safe.
 */
SKPI_API const char *skpi_strerror(skpi_status status);

/**
 * Return the enumerator name of `status` ("SKPI_EINVAL"), or
 * "SKPI_UNKNOWN" for a value that is not a status.  Static; thread-safe.
 */
SKPI_API const char *skpi_status_name(skpi_status status);

/**
 * Release a buffer that the library returned through a `char **`
 * out-parameter.  NULL is a no-op.  Thread-safe.
 */
SKPI_API void skpi_free(void *ptr);

/* ===================================================================== */
/* Version                                                               */
/* ===================================================================== */

/** Return the run-time library version as "MAJOR.MINOR.PATCH" (static). */
SKPI_API const char *skpi_version_string(void);

/** Return the run-time library version as MAJOR*10000 + MINOR*100 + PATCH. */
SKPI_API uint32_t skpi_version_number(void);

/* ===================================================================== */
/* Limits and constants (also available as functions, for bindings)      */
/* ===================================================================== */

#define SKPI_TIME_MIN INT64_C(0)          /* 1970-01-01T00:00:00Z */
#define SKPI_TIME_MAX INT64_C(7258118400) /* 2200-01-01T00:00:00Z */

#define SKPI_ALL UINT32_MAX /* in place of an id: every platform / category / ... */

#define SKPI_MAX_PLATFORMS 32
#define SKPI_MAX_GROUPS 16
#define SKPI_MAX_CATEGORIES 64
#define SKPI_MAX_KINDS 32
#define SKPI_MAX_SLA 8
#define SKPI_SLUG_MAX 32   /* bytes, without the terminating NUL */
#define SKPI_LABEL_MAX 256 /* bytes, without the terminating NUL */
#define SKPI_RATING_SPAN_MAX 101 /* at most this many distinct scores */
#define SKPI_FOLLOWERS_MAX ((INT64_C(1) << 46) - 1) /* largest follower tally */
#define SKPI_TIME_BUFSIZE 32 /* enough for skpi_time_format() output */
#define SKPI_ID_MAX 256      /* bytes of a message, author or person id */

/**
 * Return the capacity of one taxonomy dimension (SKPI_MAX_PLATFORMS and so
 * on), or 0 for an unknown dimension.  Thread-safe.
 */
SKPI_API size_t skpi_taxonomy_capacity(int dim);

/* ===================================================================== */
/* Options                                                               */
/* ===================================================================== */

/** Width of the time buckets in which a tracker aggregates. */
typedef enum skpi_bucket {
    SKPI_BUCKET_DAY = 0, /* local calendar day (default) */
    SKPI_BUCKET_HOUR = 1 /* local clock hour */
} skpi_bucket;

/**
 * Creation options of a tracker.  Opaque, so that new options never break
 * the ABI.  Defaults: zone "Z" (UTC), day buckets, ratings 1..5 with
 * "satisfied" meaning >= 4, SLA targets 3600 s and 86400 s.
 */
typedef struct skpi_options skpi_options;

/**
 * Create an options object holding the defaults.
 * Returns SKPI_OK, SKPI_EINVAL (out is NULL) or SKPI_ENOMEM.
 * The caller owns *out and frees it with skpi_options_free().
 * Thread-safe (touches no shared state).
 */
SKPI_API skpi_status skpi_options_new(skpi_options **out);

/** Free an options object.  NULL is a no-op. */
SKPI_API void skpi_options_free(skpi_options *opts);

/**
 * Set the tracker's time zone: a fixed UTC offset written "+04:00",
 * "-03:30", "+0530", "+04" or "Z"/"UTC" (offsets range over
 * -14:00..+14:00), or an IANA zone name such as "Europe/London",
 * "America/New_York" or "Asia/Kolkata".  Buckets and named periods follow
 * this zone's local calendar, across daylight saving time changes: a
 * spring-forward day has 23 hours, a fall-back day 25, and a local time
 * that a change skips or repeats is taken as the first instant at which
 * the clock reads it (the end of the gap; the earlier of the two).
 *
 * An IANA zone is read, once and right here, from the compiled TZif file
 * $TZDIR/NAME, or /usr/share/zoneinfo/NAME when the TZDIR environment
 * variable is unset or empty (the system's tzdata package provides these
 * files).  The rules are copied into the options and from there into each
 * tracker, so later calls never touch the file system or depend on the
 * machine's tzdata, and the process's TZ setting plays no part.  A name is
 * 1 to 64 bytes of letters, digits, "_", "+", "-" and "/" separating
 * non-empty parts, not starting with "/"; "UTC" stays the fixed zone "Z",
 * every other name keeps its spelling as the tracker's zone name.
 *
 * Returns SKPI_OK, SKPI_EINVAL (NULL argument), SKPI_ENOMEM, or SKPI_EZONE:
 * not an offset and not a valid name, no such file, a file that is not a
 * valid TZif file (truncated, corrupt, over 1 MiB, with leap seconds as in
 * the "right/" zones, with UTC offsets beyond +-24:00, or with a local
 * day longer than 36 hours).  On any error opts is unchanged.  Not safe
 * to call while another thread changes the environment (it reads TZDIR
 * with getenv()).
 */
SKPI_API skpi_status skpi_options_set_zone(skpi_options *opts, const char *zone);

/**
 * Set the bucket resolution.
 * Returns SKPI_OK, SKPI_EINVAL (opts NULL) or SKPI_EOPTION (not an
 * skpi_bucket value).
 */
SKPI_API skpi_status skpi_options_set_bucket(skpi_options *opts, int bucket);

/**
 * Set the rating scale [lo, hi] and the lowest score that counts as
 * satisfied.  Requires 0 <= lo < hi, hi - lo + 1 <= SKPI_RATING_SPAN_MAX
 * and lo <= satisfied <= hi.
 * Returns SKPI_OK, SKPI_EINVAL (opts NULL) or SKPI_EOPTION.
 */
SKPI_API skpi_status skpi_options_set_rating_scale(skpi_options *opts, int lo,
                                                   int hi, int satisfied);

/**
 * Set the SLA targets, in seconds, replacing the defaults.  `n` may be 0
 * (no targets) up to SKPI_MAX_SLA; each target must be > 0 and the list
 * strictly increasing.  The array is copied.
 * Returns SKPI_OK, SKPI_EINVAL (opts NULL, or seconds NULL with n > 0),
 * SKPI_ELIMIT (n too large) or SKPI_EOPTION (a target <= 0 or not
 * increasing).
 */
SKPI_API skpi_status skpi_options_set_sla(skpi_options *opts,
                                          const int64_t *seconds, size_t n);

/**
 * Set the relative accuracy of the first-response-time sketches (default
 * 0.01: every reported quantile is within 1 % of the exact value at the
 * same rank).  0.0001 <= alpha <= 0.05.  Smaller values cost memory.
 * Returns SKPI_OK, SKPI_EINVAL (opts NULL) or SKPI_EOPTION.
 */
SKPI_API skpi_status skpi_options_set_quantile_accuracy(skpi_options *opts,
                                                        double alpha);

/**
 * Set the precision p of the distinct-people sketches (HyperLogLog with
 * 2^p registers; default 14, relative standard error 1.04 / sqrt(2^p) =
 * 0.81 %).  4 <= p <= 18.
 * Returns SKPI_OK, SKPI_EINVAL (opts NULL) or SKPI_EOPTION.
 */
SKPI_API skpi_status skpi_options_set_people_precision(skpi_options *opts,
                                                      int p);

/**
 * Set how many message ids the tracker keeps for matching replies
 * (default 1,000,000; at least 1).  A message is kept from
 * skpi_record_message_id() until it is forgotten to make room.  The
 * table is split in up to 64 partitions by id hash, each holding at most
 * ceil(limit / partitions) ids (a partition holds at least 1,024, so
 * limits up to 2,047 use one partition and are exact).  A full partition
 * forgets its earliest-arriving answered message first, else its
 * earliest-arriving waiting one, which then stays counted as unanswered
 * but can no longer be matched (reports count such messages as
 * "forgotten").  Kept messages cost 43 to 85 bytes each, plus 4 once
 * their partition is full (about 71 at the default limit: 32-byte slots,
 * tables kept at most 3/4 full, and the heap that picks what to forget).
 * Returns SKPI_OK, SKPI_EINVAL (opts NULL) or SKPI_EOPTION (0).
 */
SKPI_API skpi_status skpi_options_set_open_limit(skpi_options *opts,
                                                 size_t limit);

/** Days of the week for business hours. */
typedef enum skpi_weekday {
    SKPI_MONDAY = 0,
    SKPI_TUESDAY = 1,
    SKPI_WEDNESDAY = 2,
    SKPI_THURSDAY = 3,
    SKPI_FRIDAY = 4,
    SKPI_SATURDAY = 5,
    SKPI_SUNDAY = 6
} skpi_weekday;

/**
 * Add business hours: the desk is open on `weekday` from local clock time
 * `from` to `to` ("07:30", "14:30:00"; "24:00" ends the day), a half-open
 * interval.  Overlapping or touching intervals of one weekday merge; at
 * most 28 intervals remain.  With business hours set, reports also give
 * the first-response time in business time: the seconds between message
 * and reply that fall in open hours of days that are not holidays (see
 * doc/kpi.md for every edge case).
 * Returns SKPI_OK, SKPI_EINVAL (NULL argument), SKPI_EPARSE (a time that
 * is not HH:MM[:SS]), SKPI_EOPTION (weekday outside 0..6, from >= to) or
 * SKPI_ELIMIT; on error opts is unchanged.
 */
SKPI_API skpi_status skpi_options_add_business_hours(skpi_options *opts,
                                                     int weekday,
                                                     const char *from,
                                                     const char *to);

/**
 * Add a holiday, a local date "YYYY-MM-DD" on which the desk is closed all
 * day (at most 512; adding one twice changes nothing).
 * Returns SKPI_OK, SKPI_EINVAL (NULL argument), SKPI_EPARSE (not a date),
 * SKPI_EOPTION (outside 1969-12-31..2200-01-01) or SKPI_ELIMIT.
 */
SKPI_API skpi_status skpi_options_add_holiday(skpi_options *opts,
                                              const char *date);

/* ===================================================================== */
/* Tracker                                                               */
/* ===================================================================== */

/** The object that holds every count.  Opaque. */
typedef struct skpi_tracker skpi_tracker;

/**
 * Create a tracker.  `opts` may be NULL for the defaults; it is copied, so
 * the caller may free it right after.  The new tracker holds the built-in
 * taxonomy (see below).
 * Returns SKPI_OK, SKPI_EINVAL (out is NULL) or SKPI_ENOMEM.
 * The caller owns *out and frees it with skpi_tracker_free().
 */
SKPI_API skpi_status skpi_tracker_new(const skpi_options *opts,
                                      skpi_tracker **out);

/**
 * Free a tracker and everything it holds.  NULL is a no-op.  Must not run
 * concurrently with any other call on the same tracker; close a journal
 * attached to it (skpi_journal_close()) first.  Reports made from
 * it stay valid (they copy what they need), but slugs and labels borrowed
 * from the tracker do not.
 */
SKPI_API void skpi_tracker_free(skpi_tracker *t);

/**
 * Return the tracker's zone: "Z", a fixed offset in canonical form
 * ("+04:00"), or the IANA name as given ("Europe/London").  Borrowed:
 * valid for the tracker's lifetime.  Returns NULL if t is NULL.
 */
SKPI_API const char *skpi_tracker_zone(const skpi_tracker *t);

/** Return the tracker's bucket resolution (an skpi_bucket), or -1 if t is NULL. */
SKPI_API int skpi_tracker_bucket(const skpi_tracker *t);

/**
 * Read the rating scale.  Any out-parameter may be NULL.
 * Returns SKPI_OK or SKPI_EINVAL (t NULL).
 */
SKPI_API skpi_status skpi_tracker_rating_scale(const skpi_tracker *t, int *lo,
                                               int *hi, int *satisfied);

/** Return the number of SLA targets (0 if t is NULL). */
SKPI_API size_t skpi_tracker_sla_count(const skpi_tracker *t);

/**
 * Read SLA target number `index` (in increasing order) into *seconds.
 * Returns SKPI_OK, SKPI_EINVAL (NULL argument) or SKPI_ENOTFOUND (index
 * out of range).
 */
SKPI_API skpi_status skpi_tracker_sla(const skpi_tracker *t, size_t index,
                                      int64_t *seconds);

/** Return 1 if the tracker has business hours, 0 if not (or t is NULL). */
SKPI_API int skpi_tracker_has_business_hours(const skpi_tracker *t);

/* ===================================================================== */
/* Taxonomy                                                              */
/* ===================================================================== */

/*
 * Four dimensions, each a list of entries with a slug ([a-z0-9_]{1,32}), a
 * UTF-8 display label and a small integer id (0, 1, 2, ... in order of
 * registration).  Entries are never removed, so ids stay valid for the
 * tracker's lifetime.  The built-in entries always carry these ids:
 *
 *   platforms:  0 twitter ("X / Twitter"), 1 facebook, 2 instagram
 *   groups:     0 inquiry, 1 complaint, 2 appreciation
 *   categories: 0 general_inquiry, 1 help_request, 2 traffic_inquiry,
 *               3 criminal_inquiry          (group inquiry, expect an answer)
 *               4 service_complaint, 5 general_complaint
 *                                            (group complaint, expect an answer)
 *               6 thanks                    (group appreciation, no answer expected)
 *   kinds:      0 like, 1 share, 2 comment
 *
 * "Inquiries and remarks" are the messages of every group except the
 * built-in appreciation group.
 */
typedef enum skpi_dim {
    SKPI_PLATFORM = 0,
    SKPI_GROUP = 1,
    SKPI_CATEGORY = 2,
    SKPI_KIND = 3
} skpi_dim;

#define SKPI_PLATFORM_TWITTER 0u
#define SKPI_PLATFORM_FACEBOOK 1u
#define SKPI_PLATFORM_INSTAGRAM 2u
#define SKPI_GROUP_INQUIRY 0u
#define SKPI_GROUP_COMPLAINT 1u
#define SKPI_GROUP_APPRECIATION 2u
#define SKPI_CATEGORY_GENERAL_INQUIRY 0u
#define SKPI_CATEGORY_HELP_REQUEST 1u
#define SKPI_CATEGORY_TRAFFIC_INQUIRY 2u
#define SKPI_CATEGORY_CRIMINAL_INQUIRY 3u
#define SKPI_CATEGORY_SERVICE_COMPLAINT 4u
#define SKPI_CATEGORY_GENERAL_COMPLAINT 5u
#define SKPI_CATEGORY_THANKS 6u
#define SKPI_KIND_LIKE 0u
#define SKPI_KIND_SHARE 1u
#define SKPI_KIND_COMMENT 2u

/**
 * Register a platform, group or engagement kind.  `label` may be NULL, in
 * which case the slug is the label; it is copied.  Categories need
 * skpi_category_add() (this call gives SKPI_EINVAL for SKPI_CATEGORY).
 * On success *id (if id is not NULL) receives the new id.
 * Returns SKPI_OK, SKPI_EINVAL (t or slug NULL, bad dim), SKPI_ESLUG,
 * SKPI_ELABEL, SKPI_EEXIST (slug taken in this dimension), SKPI_ELIMIT
 * (dimension full) or SKPI_ENOMEM; on error nothing is registered.
 * Thread-safe: may run concurrently with recording and reporting.
 */
SKPI_API skpi_status skpi_taxonomy_add(skpi_tracker *t, int dim,
                                       const char *slug, const char *label,
                                       uint32_t *id);

/**
 * Register a message category in `group`; `expects_answer` (0 or 1) says
 * whether its messages count in the response rate.  Otherwise as
 * skpi_taxonomy_add(), plus SKPI_ENOTFOUND for an unknown group.
 */
SKPI_API skpi_status skpi_category_add(skpi_tracker *t, const char *slug,
                                       const char *label, uint32_t group,
                                       int expects_answer, uint32_t *id);

/**
 * Look up the id of `slug` in dimension `dim`.
 * Returns SKPI_OK, SKPI_EINVAL (NULL argument, bad dim) or SKPI_ENOTFOUND.
 * Thread-safe.
 */
SKPI_API skpi_status skpi_taxonomy_find(const skpi_tracker *t, int dim,
                                        const char *slug, uint32_t *id);

/** Return how many entries dimension `dim` holds (0 for NULL t or bad dim). */
SKPI_API size_t skpi_taxonomy_count(const skpi_tracker *t, int dim);

/**
 * Return the slug of entry `id`, or NULL if there is none.  Borrowed: valid
 * for the tracker's lifetime.  Thread-safe.
 */
SKPI_API const char *skpi_taxonomy_slug(const skpi_tracker *t, int dim,
                                        uint32_t id);

/** Return the UTF-8 label of entry `id`, or NULL.  Borrowed, as above. */
SKPI_API const char *skpi_taxonomy_label(const skpi_tracker *t, int dim,
                                         uint32_t id);

/**
 * Read a category's group and whether it expects an answer.  Either
 * out-parameter may be NULL.
 * Returns SKPI_OK, SKPI_EINVAL (t NULL) or SKPI_ENOTFOUND.
 */
SKPI_API skpi_status skpi_category_info(const skpi_tracker *t,
                                        uint32_t category, uint32_t *group,
                                        int *expects_answer);

/* ===================================================================== */
/* Recording                                                             */
/* ===================================================================== */

/*
 * Each call adds one event to the bucket that holds `time` in the tracker's
 * zone.  All recording calls are thread-safe: any number of threads may
 * record into one tracker at once, while others report.  Counts are exact.
 * Common errors: SKPI_EINVAL (t NULL), SKPI_ENOTFOUND (unknown id),
 * SKPI_ETIME, SKPI_ENOMEM; on any error nothing is recorded.
 */

/** Record one message received on `platform` in `category` at `time`. */
SKPI_API skpi_status skpi_record_message(skpi_tracker *t, uint32_t platform,
                                         uint32_t category, int64_t time);

/**
 * Record the first reply to a message that arrived at `received` and was
 * answered at `replied` (the caller matched the two).  It counts as
 * answered in the bucket of `received`, and for every SLA target T with
 * replied - received <= T as answered within T.  The message itself must be
 * recorded separately with skpi_record_message().  Answers to categories
 * that expect no answer are kept but do not enter the response rate.
 * Returns also SKPI_EORDER (replied < received) and SKPI_EOVERFLOW (the
 * response-time sketch's count or sum would pass INT64_MAX).
 */
SKPI_API skpi_status skpi_record_response(skpi_tracker *t, uint32_t platform,
                                          uint32_t category, int64_t received,
                                          int64_t replied);

/**
 * Record `count` (>= 1) engagements of `kind` with the desk's posts.
 * Returns also SKPI_ECOUNT (count <= 0) and SKPI_EOVERFLOW (the counter it
 * adds to would pass INT64_MAX).  Counters are kept per CPU, so sums over
 * them can still pass INT64_MAX; a report whose sums would is refused with
 * SKPI_EOVERFLOW.
 */
SKPI_API skpi_status skpi_record_engagement(skpi_tracker *t, uint32_t platform,
                                            uint32_t kind, int64_t time,
                                            int64_t count);

/**
 * Record `count` (>= 1) posts the desk published.
 * Returns also SKPI_ECOUNT and SKPI_EOVERFLOW.
 */
SKPI_API skpi_status skpi_record_posts(skpi_tracker *t, uint32_t platform,
                                       int64_t time, int64_t count);

/**
 * Record a follower tally (a gauge) read at `time`.  Within a bucket the
 * reading with the latest time wins; of readings with the same time, the
 * largest tally wins (so the result never depends on arrival order).
 * 0 <= tally <= SKPI_FOLLOWERS_MAX.
 * Returns also SKPI_ECOUNT (tally < 0) and SKPI_EOVERFLOW (too large).
 */
SKPI_API skpi_status skpi_record_followers(skpi_tracker *t, uint32_t platform,
                                           int64_t time, int64_t tally);

/**
 * Record one satisfaction rating `score` on the tracker's scale.
 * Returns also SKPI_ERATING (outside the scale).
 */
SKPI_API skpi_status skpi_record_rating(skpi_tracker *t, uint32_t platform,
                                        int64_t time, int score);

/*
 * The same six calls taking slugs.  They cost a slug lookup each; hot paths
 * should resolve ids once with skpi_taxonomy_find().  A NULL slug gives
 * SKPI_EINVAL, an unknown one SKPI_ENOTFOUND.
 */
SKPI_API skpi_status skpi_record_message_slug(skpi_tracker *t,
                                              const char *platform,
                                              const char *category,
                                              int64_t time);
SKPI_API skpi_status skpi_record_response_slug(skpi_tracker *t,
                                               const char *platform,
                                               const char *category,
                                               int64_t received,
                                               int64_t replied);
SKPI_API skpi_status skpi_record_engagement_slug(skpi_tracker *t,
                                                 const char *platform,
                                                 const char *kind,
                                                 int64_t time, int64_t count);
SKPI_API skpi_status skpi_record_posts_slug(skpi_tracker *t,
                                            const char *platform,
                                            int64_t time, int64_t count);
SKPI_API skpi_status skpi_record_followers_slug(skpi_tracker *t,
                                                const char *platform,
                                                int64_t time, int64_t tally);
SKPI_API skpi_status skpi_record_rating_slug(skpi_tracker *t,
                                             const char *platform,
                                             int64_t time, int score);

/*
 * Events with ids.  Ids (message, author, person) are NUL-terminated byte
 * strings of 1 to SKPI_ID_MAX bytes; an empty or longer one gives
 * SKPI_EID.  Message ids are unique per platform.  No id is stored: message
 * ids are kept as 64-bit hashes (XXH64 of platform and id) until their
 * message is answered and forgotten (see skpi_options_set_open_limit()), so
 * two ids are told apart by their hashes -- two different ids collide with
 * probability 2^-64, and a collision makes the second message a duplicate;
 * people ids only feed distinct-count sketches (doc/kpi.md gives their
 * error).
 *
 * Three statuses report an event that is refused but still counted, so
 * that nothing is dropped silently: SKPI_EDUPLICATE, SKPI_EUNMATCHED and,
 * for replies, SKPI_EORDER.  Reports show their counts
 * (skpi_report_anomalies()); the event itself is not applied.
 */

/**
 * Record a message, as skpi_record_message(), that has an id (so that a
 * reply can name it) and optionally an author (NULL for none), counted
 * among distinct authors.
 * Returns also SKPI_EID and SKPI_EDUPLICATE (the id is kept already: the
 * message is not counted again; the duplicate is counted).
 */
SKPI_API skpi_status skpi_record_message_id(skpi_tracker *t, uint32_t platform,
                                            uint32_t category, int64_t time,
                                            const char *message_id,
                                            const char *author_id);

/**
 * Record a reply on `platform` at `time` to the message with `message_id`.
 * The first reply recorded for a kept message counts as its response,
 * exactly as skpi_record_response(platform, category, received, time)
 * would; a reply recorded after it is counted as a later reply (SKPI_OK),
 * even if its time is earlier: record replies in the order they were made.
 * Returns also SKPI_EID, SKPI_EUNMATCHED (no kept message has this id: never
 * recorded, or forgotten at the limit) and SKPI_EORDER (the reply is earlier
 * than the message); both are counted and not applied.  SKPI_EOVERFLOW as
 * skpi_record_response().
 */
SKPI_API skpi_status skpi_record_reply(skpi_tracker *t, uint32_t platform,
                                       const char *message_id, int64_t time);

/**
 * Record engagements as skpi_record_engagement(), by a known person, who is
 * counted among distinct engagers.  Returns also SKPI_EID.  (Should another
 * thread push the same counter past INT64_MAX at the same moment, the
 * SKPI_EOVERFLOW returned may leave the person counted.)
 */
SKPI_API skpi_status skpi_record_engagement_by(skpi_tracker *t,
                                               uint32_t platform,
                                               uint32_t kind, int64_t time,
                                               int64_t count,
                                               const char *person_id);

/**
 * Record that `person_id` was seen following the desk on `platform` at
 * `time` (from a follower list), for the distinct audience across
 * platforms.  The tallies of skpi_record_followers() are separate.
 * Returns also SKPI_EID.
 */
SKPI_API skpi_status skpi_record_follower(skpi_tracker *t, uint32_t platform,
                                          int64_t time, const char *person_id);

/* The same four calls taking slugs. */
SKPI_API skpi_status skpi_record_message_id_slug(skpi_tracker *t,
                                                 const char *platform,
                                                 const char *category,
                                                 int64_t time,
                                                 const char *message_id,
                                                 const char *author_id);
SKPI_API skpi_status skpi_record_reply_slug(skpi_tracker *t,
                                            const char *platform,
                                            const char *message_id,
                                            int64_t time);
SKPI_API skpi_status skpi_record_engagement_by_slug(skpi_tracker *t,
                                                    const char *platform,
                                                    const char *kind,
                                                    int64_t time, int64_t count,
                                                    const char *person_id);
SKPI_API skpi_status skpi_record_follower_slug(skpi_tracker *t,
                                               const char *platform,
                                               int64_t time,
                                               const char *person_id);

/* ===================================================================== */
/* Batches                                                               */
/* ===================================================================== */

/** The event of a batch: which recording call each element makes. */
typedef enum skpi_event {
    SKPI_EVENT_MESSAGE = 0,       /* skpi_record_message(platform, sub, time) */
    SKPI_EVENT_RESPONSE = 1,      /* skpi_record_response(platform, sub, time, value) */
    SKPI_EVENT_ENGAGEMENT = 2,    /* skpi_record_engagement(platform, sub, time, value) */
    SKPI_EVENT_POSTS = 3,         /* skpi_record_posts(platform, time, value) */
    SKPI_EVENT_FOLLOWERS = 4,     /* skpi_record_followers(platform, time, value) */
    SKPI_EVENT_RATING = 5,        /* skpi_record_rating(platform, time, value) */
    SKPI_EVENT_MESSAGE_ID = 6,    /* skpi_record_message_id(platform, sub, time, id, id2) */
    SKPI_EVENT_REPLY = 7,         /* skpi_record_reply(platform, id, time) */
    SKPI_EVENT_ENGAGEMENT_BY = 8, /* skpi_record_engagement_by(platform, sub, time, value, id) */
    SKPI_EVENT_FOLLOWER = 9       /* skpi_record_follower(platform, time, id) */
} skpi_event;

/**
 * Columns of `n` events of one kind, for skpi_record_batch(); all arrays
 * are the caller's and are only read.  Element i of each column belongs to
 * event i.  A column the event does not use must be NULL.
 */
typedef struct skpi_batch {
    int event;                /* an skpi_event */
    size_t n;                 /* number of events */
    const uint32_t *platform; /* platform ids; required */
    const uint32_t *sub;      /* category or kind ids, where the call takes one */
    const int64_t *time;      /* times (the received time for RESPONSE); required */
    const int64_t *value;     /* the replied time (RESPONSE), count (ENGAGEMENT,
                                 ENGAGEMENT_BY, POSTS; NULL means 1 each), tally
                                 (FOLLOWERS) or score (RATING) */
    const char *ids;          /* message ids (MESSAGE_ID, REPLY) or person ids
                                 (ENGAGEMENT_BY, FOLLOWER), concatenated, not
                                 NUL-terminated */
    const size_t *id_ends;    /* id i is ids[id_ends[i-1], id_ends[i]) (from 0
                                 for i = 0); ends never decrease */
    const char *ids2;         /* author ids (MESSAGE_ID), as ids; NULL for none */
    const size_t *id2_ends;   /* their ends; an empty author id means none */
} skpi_batch;

#define SKPI_BATCH_STRICT 1u /* stop also at events refused but counted */

/**
 * Record the events of `b` in order, each exactly as its recording call
 * would (same checks, same statuses, journalled alike), at a fraction of
 * the cost of one call per event from a binding.  Events refused but
 * counted (SKPI_EDUPLICATE, SKPI_EUNMATCHED, SKPI_EORDER from a reply) do
 * not stop the batch unless `flags` has SKPI_BATCH_STRICT.  Any other
 * error stops it: the events before it stay recorded (there are no
 * transactions) and its status is returned.
 * Unlike other calls, the out-parameters are set on every return, when
 * not NULL: *done receives the index of the event that stopped the batch
 * (n on success, 0 when the batch itself is malformed and nothing was
 * recorded), and *anomalies the number of events refused but counted,
 * including one that stopped a strict batch.
 * Returns also SKPI_EINVAL (t or b NULL, a required column NULL, a column
 * given that the event does not use, id ends out of order), SKPI_EOPTION
 * (unknown event or flag bits), and SKPI_EID for an id holding a NUL byte.
 * Thread-safe as the recording calls.
 */
SKPI_API skpi_status skpi_record_batch(skpi_tracker *t, const skpi_batch *b,
                                       unsigned flags, size_t *done,
                                       uint64_t *anomalies);

/* ===================================================================== */
/* Times and periods                                                     */
/* ===================================================================== */

/**
 * Parse a time: ISO 8601 "YYYY-MM-DDTHH:MM[:SS[.fff]]" followed by "Z" or
 * an offset ("+04:00", "+0400", "+04"; a space may replace the "T";
 * fractional seconds are truncated toward the earlier second), or integer
 * Unix seconds ("1704067200").  A bare date or a time without a zone is
 * refused, because its instant would be ambiguous.
 * Returns SKPI_OK, SKPI_EINVAL (NULL argument), SKPI_EPARSE or SKPI_ETIME.
 * Thread-safe.
 */
SKPI_API skpi_status skpi_time_parse(const char *text, int64_t *out);

/**
 * Write `time` as local ISO 8601 in the tracker's zone
 * ("2024-01-01T00:00:00+04:00", or "...Z" for UTC) into buf, NUL-terminated.
 * SKPI_TIME_BUFSIZE bytes always suffice.  Any instant of the tracker's
 * reportable span (see the conventions at the top) can be written, so the
 * ends of every range a report accepts can.
 * Returns SKPI_OK, SKPI_EINVAL, SKPI_ETIME (outside that span) or
 * SKPI_EBUFSIZE (nothing written).  Thread-safe.
 */
SKPI_API skpi_status skpi_time_format(const skpi_tracker *t, int64_t time,
                                      char *buf, size_t size);

/**
 * Parse a period into the half-open range [*from, *to) of Unix seconds, in
 * the tracker's zone.  Accepted forms:
 *   "2024"        the year            "2024-H1"     a half year (H1, H2)
 *   "2024-Q2"     a quarter (Q1..Q4)  "2024-03"     a month
 *   "2024-W09"    an ISO 8601 week (Monday to Monday; W53 only in years
 *                 that have one)
 *   "2024-03-01"  a day
 *   "A/B"         an explicit range; A and B are each a date (local
 *                 midnight) or an ISO 8601 time with zone as accepted by
 *                 skpi_time_parse(); bare Unix seconds are refused here, so
 *                 that "2024/2025" is an error, not two seconds of 1970
 * Text is matched exactly: no surrounding spaces, 4-digit years.
 * Returns SKPI_OK, SKPI_EINVAL (NULL argument), SKPI_EPARSE (not one of the
 * forms, or a date that does not exist such as 2023-02-29 or 2021-W53),
 * SKPI_ERANGE (A >= B) or SKPI_ETIME (outside the reportable span; see
 * the conventions at the top).  Thread-safe.
 */
SKPI_API skpi_status skpi_period_parse(const skpi_tracker *t, const char *text,
                                       int64_t *from, int64_t *to);

/**
 * Compute the period before [from, to) of equal length.  Length is counted
 * in calendar months when both ends are local midnights on the 1st of a
 * month (so the period before 2024-Q2 is 2024-Q1, and before 2024-H1 is
 * 2023-H2), else in local days when both ends are local midnights (weeks,
 * days, day ranges), else in seconds.
 * Returns SKPI_OK, SKPI_EINVAL, SKPI_ERANGE (from >= to) or SKPI_ETIME (the
 * result would start before SKPI_TIME_MIN).  Thread-safe.
 */
SKPI_API skpi_status skpi_period_previous(const skpi_tracker *t, int64_t from,
                                          int64_t to, int64_t *prev_from,
                                          int64_t *prev_to);

/**
 * Compute the same period one year earlier.  A range of whole months
 * (both ends local midnights on the 1st) moves back 12 months.  Otherwise a
 * range of whole ISO weeks (both ends Monday midnights) maps to the same
 * week numbers of the previous ISO year (week 53 becomes week 52 where the
 * earlier year has none; the range keeps its length).  Any other range
 * moves both ends back 12 calendar months in local time; a 29 February
 * becomes 28 February as a start and 1 March as an end (so the range
 * "through 28 February 2024" maps to "through 28 February 2023").
 * Returns SKPI_OK, SKPI_EINVAL, SKPI_ERANGE or SKPI_ETIME.  Thread-safe.
 */
SKPI_API skpi_status skpi_period_year_earlier(const skpi_tracker *t,
                                              int64_t from, int64_t to,
                                              int64_t *prev_from,
                                              int64_t *prev_to);

/* ===================================================================== */
/* Reports                                                               */
/* ===================================================================== */

/**
 * The KPIs of one range of whole buckets, optionally restricted to some
 * platforms, computed once and read with the getters below.  Opaque and
 * immutable: getters never change it, and any number of threads may read
 * one report at once.  doc/kpi.md defines every figure.
 */
typedef struct skpi_report skpi_report;

/**
 * Compute the report of [from, to).  Both ends must be bucket boundaries
 * in the tracker's zone (skpi_period_parse() gives such ranges for every
 * named period; an explicit "A/B" range with clock times may not be).
 * `platforms` lists the platform ids to include (n_platforms of them); NULL
 * with n_platforms 0 means every platform.  The report counts the taxonomy
 * as it stands when it is made; ids registered later give SKPI_ENOTFOUND
 * from its getters.
 * Returns SKPI_OK, SKPI_EINVAL (t or out NULL, platforms NULL with
 * n_platforms > 0), SKPI_ETIME, SKPI_ERANGE (from >= to), SKPI_EALIGN,
 * SKPI_ENOTFOUND (an unknown platform id), SKPI_EOVERFLOW (a sum over the
 * range passes INT64_MAX) or SKPI_ENOMEM.  The caller owns *out and frees it
 * with skpi_report_free().  Thread-safe: may run while other threads record;
 * each counter is read atomically, and events recorded meanwhile are either
 * counted or not.
 */
SKPI_API skpi_status skpi_report_new(const skpi_tracker *t, int64_t from,
                                     int64_t to, const uint32_t *platforms,
                                     size_t n_platforms, skpi_report **out);

/** Free a report.  NULL is a no-op. */
SKPI_API void skpi_report_free(skpi_report *r);

/*
 * Getters.  Every getter returns SKPI_OK, SKPI_EINVAL (r or a required
 * out-parameter NULL) or SKPI_ENOTFOUND (an id the report does not know);
 * the ones that can say more list it.  `platform`, `category`, `kind` and
 * `group` accept SKPI_ALL.  A platform left out by the report's filter
 * reads as zero (its followers, response times and people as
 * SKPI_ENODATA).  A rate whose
 * denominator is zero is NaN (JSON null).
 */

/**
 * Number of entries of dimension `dim` that the report knows (the
 * taxonomy's size when the report was made): ids below it are valid in the
 * getters.  0 for a NULL report or a bad dim.
 */
SKPI_API size_t skpi_report_taxonomy_count(const skpi_report *r, int dim);

/** The report's range [from, to) in Unix seconds. */
SKPI_API skpi_status skpi_report_range(const skpi_report *r, int64_t *from,
                                       int64_t *to);

/** Messages received on `platform` in `category`. */
SKPI_API skpi_status skpi_report_messages(const skpi_report *r,
                                          uint32_t platform, uint32_t category,
                                          int64_t *count);

/** Messages received on `platform` in the categories of `group`. */
SKPI_API skpi_status skpi_report_group_messages(const skpi_report *r,
                                                uint32_t platform,
                                                uint32_t group, int64_t *count);

/** "Inquiries and remarks": messages of every group but appreciation. */
SKPI_API skpi_status skpi_report_inquiries_and_remarks(const skpi_report *r,
                                                       uint32_t platform,
                                                       int64_t *count);

/**
 * Response rate: `answered` / `expected`, where expected counts the
 * messages of categories that expect an answer (by arrival bucket) and
 * answered the first replies to them.  A category that expects no answer
 * gives expected 0 and the replies it got.  At least one out-parameter
 * must not be NULL.  Responses are not matched to messages here, so a
 * caller that records more responses than messages gets a rate above 1.
 */
SKPI_API skpi_status skpi_report_responses(const skpi_report *r,
                                           uint32_t platform, uint32_t category,
                                           int64_t *expected, int64_t *answered,
                                           double *rate);

/**
 * SLA attainment for target number `index` (see skpi_tracker_sla()):
 * `within` messages answered within *seconds / `expected`.  As in
 * skpi_report_responses(), a single category that expects no answer
 * reports its own answers with expected 0.  Out-parameters may be NULL.
 * SKPI_ENOTFOUND also for an index out of range.
 */
SKPI_API skpi_status skpi_report_sla(const skpi_report *r, size_t index,
                                     uint32_t platform, uint32_t category,
                                     int64_t *seconds, int64_t *within,
                                     int64_t *expected, double *rate);

/** Number of ratings equal to `score` (SKPI_ERATING outside the scale). */
SKPI_API skpi_status skpi_report_rating_count(const skpi_report *r,
                                              uint32_t platform, int score,
                                              int64_t *count);

/**
 * CSAT: `satisfied` (ratings >= the tracker's threshold) / `ratings`, and
 * the mean score (NaN without ratings).  Out-parameters may be NULL.
 */
SKPI_API skpi_status skpi_report_csat(const skpi_report *r, uint32_t platform,
                                      int64_t *ratings, int64_t *satisfied,
                                      double *rate, double *mean);

/** Engagements of `kind` on `platform`. */
SKPI_API skpi_status skpi_report_engagement(const skpi_report *r,
                                            uint32_t platform, uint32_t kind,
                                            int64_t *count);

/**
 * Posts published on `platform`, and engagements (all kinds) per post on
 * that platform (NaN without posts).  Out-parameters may be NULL.
 */
SKPI_API skpi_status skpi_report_posts(const skpi_report *r, uint32_t platform,
                                       int64_t *posts, double *per_post);

/**
 * Followers of one platform (not SKPI_ALL): `end` is the latest reading in
 * the range; `start` the latest reading before the range, or, if there is
 * none, the reading kept for the first bucket of the range that has one
 * (a bucket keeps its latest reading); `change` = end - start; `growth` =
 * change / start (NaN if start is 0).  Out-parameters may be NULL.
 * Returns also SKPI_ENODATA when the range holds no reading for the
 * platform (out-parameters untouched).
 */
SKPI_API skpi_status skpi_report_followers(const skpi_report *r,
                                           uint32_t platform, int64_t *end,
                                           int64_t *start, int64_t *change,
                                           double *growth);

/**
 * Followers across the report's platforms: `sum` of the end readings (a
 * count of follows, not of people), and the bounds on distinct people
 * without follower ids: max(end) <= unique <= sum.  `platforms_with_data`
 * tells how many platforms had a reading.  Out-parameters may be NULL.
 */
SKPI_API skpi_status skpi_report_followers_total(const skpi_report *r,
                                                 int64_t *sum,
                                                 int64_t *unique_lo,
                                                 int64_t *unique_hi,
                                                 size_t *platforms_with_data);

/**
 * Engagement rate per follower on `platform` (or SKPI_ALL): engagements
 * (all kinds) / followers at the end of the range (the sum of end readings
 * for SKPI_ALL).  Out-parameters may be NULL; rate NaN without followers.
 */
SKPI_API skpi_status skpi_report_engagement_rate(const skpi_report *r,
                                                 uint32_t platform,
                                                 int64_t *engagements,
                                                 int64_t *followers,
                                                 double *rate);

/**
 * First-response time over the range: the seconds from message to first
 * reply, for the messages that arrived in the range and were answered
 * (whenever the answer came).  `business` 0 gives calendar time, 1 the
 * business time of skpi_options_add_business_hours().  As for the response
 * rate, sums over categories keep to categories that expect an answer.
 * `n` answered messages, `mean` (exact: sum / n), `min`, `max` (exact).
 * Out-parameters may be NULL.
 * Returns also SKPI_ENODATA: no answered message (or, for business time,
 * no business hours); out-parameters untouched.
 */
SKPI_API skpi_status skpi_report_response_time(const skpi_report *r,
                                               uint32_t platform,
                                               uint32_t category, int business,
                                               int64_t *n, double *mean,
                                               int64_t *min, int64_t *max);

/**
 * The q-quantile (0 <= q <= 1) of the first-response time, as above: the
 * value at rank floor(q * (n - 1)) of the sorted times, within the tracker's
 * relative accuracy (skpi_options_set_quantile_accuracy()); q = 0 and 1 give
 * the exact min and max.
 * Returns also SKPI_EINVAL (q outside [0, 1] or NaN) and SKPI_ENODATA.
 */
SKPI_API skpi_status skpi_report_response_quantile(const skpi_report *r,
                                                   uint32_t platform,
                                                   uint32_t category,
                                                   int business, double q,
                                                   double *seconds);

/**
 * Backlog at the end of the range: messages of categories that expect an
 * answer, received before the end of the range (in any earlier period:
 * unanswered messages are never dropped) and not answered before it; and
 * the age of the oldest, measured from the start of the bucket in which it
 * arrived to the end of the range (exact to the bucket).  `oldest_age` is
 * 0 when the backlog is empty.  Out-parameters may be NULL.
 */
SKPI_API skpi_status skpi_report_backlog(const skpi_report *r,
                                         uint32_t platform, uint32_t category,
                                         int64_t *count, int64_t *oldest_age);

/** What skpi_report_anomalies() counts. */
typedef enum skpi_anomaly {
    SKPI_ANOMALY_UNMATCHED_REPLIES = 0, /* replies to unknown message ids */
    SKPI_ANOMALY_EARLY_REPLIES = 1,     /* replies earlier than their message */
    SKPI_ANOMALY_LATER_REPLIES = 2,     /* second and later replies */
    SKPI_ANOMALY_DUPLICATE_MESSAGES = 3,/* message ids recorded again */
    SKPI_ANOMALY_FORGOTTEN_MESSAGES = 4 /* waiting messages forgotten at the limit */
} skpi_anomaly;

/**
 * Count the events of `kind` (an skpi_anomaly) in the range, by the time
 * and platform of the event that was counted: the reply, the duplicate
 * message, or, for a forgotten message, the arriving message that made room
 * for itself (which may be on another platform than the one forgotten).
 * SKPI_EOPTION for an unknown kind.
 */
SKPI_API skpi_status skpi_report_anomalies(const skpi_report *r,
                                           uint32_t platform, int kind,
                                           int64_t *count);

/** Whose distinct count skpi_report_people() gives. */
typedef enum skpi_people {
    SKPI_PEOPLE_AUTHORS = 0,  /* authors of messages (skpi_record_message_id) */
    SKPI_PEOPLE_ENGAGERS = 1, /* people who engaged (skpi_record_engagement_by) */
    SKPI_PEOPLE_FOLLOWERS = 2 /* people seen following (skpi_record_follower) */
} skpi_people;

/**
 * Distinct people of `who` (an skpi_people) seen in the range on `platform`
 * or, with SKPI_ALL, across the report's platforms (a person on two
 * platforms counts once).  `estimate` is the HyperLogLog estimate rounded to
 * a whole number, `rel_error` its relative standard error: 1.04 /
 * sqrt(2^25), about 1.8e-4, while the sketch is sparse (up to 3,072
 * entries at the default p = 14), 1.04 / sqrt(2^p) after.  Out-parameters may
 * be NULL.  SKPI_EOPTION for an unknown `who`; SKPI_ENODATA when no id of
 * that kind was recorded in the range.
 */
SKPI_API skpi_status skpi_report_people(const skpi_report *r, int who,
                                        uint32_t platform, int64_t *estimate,
                                        double *rel_error);

/* ===================================================================== */
/* Snapshots and merge                                                   */
/* ===================================================================== */

/**
 * Where loading failed, filled by the functions that take a
 * `skpi_error *err` (pass NULL to ignore it).  Caller-owned.  On success it
 * is left alone, except by skpi_journal_open(), which fills it with status
 * SKPI_OK when it cut its journal (clear `text` before the call to tell),
 * and by the CSV reader (struct skpi_csv_result).  Its size and layout
 * are fixed for the life of the ABI, since skpi_csv_result embeds one and
 * callers pass arrays of them: new information will come in new types.
 */
typedef struct skpi_error {
    int status;      /* the skpi_status returned */
    int64_t offset;  /* byte offset in the input, -1 if it does not apply */
    int64_t line;    /* 1-based line of a text input, 0 if it does not apply */
    int64_t column;  /* 1-based column, 0 if it does not apply */
    char field[32];  /* the section or field involved, "" if none */
    char text[160];  /* an English sentence */
} skpi_error;

/**
 * Serialize the whole tracker -- options, zone rules, taxonomy, every
 * bucket, sketch, waiting message and late answer -- as a snapshot
 * (doc/snapshot-format.md).  The same state always gives the same bytes,
 * however many threads recorded it.  On success *out receives a buffer
 * owned by the caller (free with skpi_free()) and *len its length.
 * Returns SKPI_OK, SKPI_EINVAL or SKPI_ENOMEM.  Thread-safe: may run while
 * other threads record (events in flight are either in or not).
 */
SKPI_API skpi_status skpi_tracker_to_bytes(const skpi_tracker *t, char **out,
                                           size_t *len);

/**
 * Rebuild a tracker from the `len` bytes of a snapshot.  Every length is
 * checked against the remaining input before anything is allocated, every
 * section's CRC-32C is verified, and any damage is refused with its own
 * status and the byte offset in *err: SKPI_EFORMAT, SKPI_EVERSION,
 * SKPI_ECRC, SKPI_ETRUNC, SKPI_ECORRUPT; also SKPI_EINVAL, SKPI_ENOMEM.
 * Nothing half-built is ever returned.  The caller owns *out (free with
 * skpi_tracker_free()).  Thread-safe.
 */
SKPI_API skpi_status skpi_tracker_from_bytes(const void *buf, size_t len,
                                             skpi_tracker **out,
                                             skpi_error *err);

/**
 * Save a snapshot to `path` atomically: written to a temporary file in the
 * same directory, flushed with fsync, renamed over `path`, and the
 * directory flushed, so that after a crash `path` holds the old snapshot
 * or the new one, never a mix.  Returns SKPI_OK, SKPI_EINVAL, SKPI_ENOMEM
 * or SKPI_EIO (with errno's text in *err; the temporary file is removed).
 * Thread-safe as skpi_tracker_to_bytes().
 */
SKPI_API skpi_status skpi_tracker_save(const skpi_tracker *t, const char *path,
                                       skpi_error *err);

/**
 * Load a snapshot from `path`: SKPI_EIO if it cannot be read, else as
 * skpi_tracker_from_bytes().
 */
SKPI_API skpi_status skpi_tracker_load(const char *path, skpi_tracker **out,
                                       skpi_error *err);

/**
 * Merge `src` into `dst`: counts add, follower readings keep the latest,
 * sketches merge (exactly: the result equals one tracker that saw both
 * streams), waiting messages and late answers unite, and the taxonomies
 * unite by slug (src's ids are mapped to dst's).  The trackers must have the
 * same zone, bucket resolution, rating scale, SLA targets, sketch
 * parameters and business hours, else SKPI_EINCOMPAT.  Returns also
 * SKPI_EINVAL, SKPI_ELIMIT (the united taxonomy would not fit), SKPI_EEXIST
 * (a category slug in another group or with another answer flag),
 * SKPI_EOVERFLOW and SKPI_ENOMEM.  On any error dst is unchanged.
 * Not thread-safe for dst: no other call may use dst meanwhile; src may be
 * recorded into concurrently (as for skpi_tracker_to_bytes()).
 */
SKPI_API skpi_status skpi_tracker_merge(skpi_tracker *dst,
                                        const skpi_tracker *src);

/* ===================================================================== */
/* Journal: durability between snapshots                                 */
/* ===================================================================== */

/*
 * A journal makes every change to a tracker durable as it happens, in the
 * manner of Redis's append-only file: each successful recording call (and
 * each event refused but counted, and each taxonomy registration) is
 * appended to `<path>.journal` as a record with its length, sequence number
 * and CRC-32C.  Opening replays the journal over the snapshot at `path`; a
 * checkpoint writes a new snapshot and starts an empty journal.
 * doc/durability.md says what each fsync policy can lose.
 *
 * While a journal is attached, the recording calls on its tracker take the
 * journal's lock (the journal's order must be the order of application),
 * and return also SKPI_EIO (the change is applied but could not be
 * written; the journal then refuses every later change) and SKPI_EJOURNAL
 * (refused after such a failure).  skpi_tracker_merge() into a journalled
 * tracker is not journalled: checkpoint after it.
 */
typedef struct skpi_journal skpi_journal;

/** When the journal is flushed to stable storage. */
typedef enum skpi_fsync {
    SKPI_FSYNC_ALWAYS = 0,   /* after every record, before the call returns */
    SKPI_FSYNC_EVERYSEC = 1, /* at most once a second, by a recording thread */
    SKPI_FSYNC_NONE = 2      /* left to the operating system */
} skpi_fsync;

#define SKPI_JOURNAL_REPAIR 1u /* cut a journal at damage in its middle */

/**
 * Open the durable tracker stored at `path`: load the snapshot `path` if it
 * exists, else create a tracker with `opts` (NULL for the defaults) and
 * save its snapshot there at once, before any record, so that the options
 * are kept (`opts` is ignored when a snapshot exists); then replay the
 * records of `path`.journal newer than the snapshot, and journal every
 * later change of the tracker there.
 *
 * A torn tail (a last record cut short or failing its CRC, as a crash
 * leaves it) is cut off and the open succeeds with *err filled all the
 * same -- the one success that writes it: status SKPI_OK, `offset` the cut,
 * `text` saying so.  Damage followed by valid records, or a sound record
 * that does not apply to the tracker, is refused with SKPI_ECORRUPT and its
 * offset, unless `flags` has SKPI_JOURNAL_REPAIR, which cuts the journal
 * there.  `fsync` is an skpi_fsync.
 *
 * On success *tracker (owned by the caller; freed with skpi_tracker_free()
 * after skpi_journal_close()) and *journal receive new objects.  Returns
 * also SKPI_EINVAL, SKPI_EOPTION (bad fsync or flags), SKPI_EIO, SKPI_ENOMEM
 * and the statuses of skpi_tracker_load(); on error nothing is created and
 * no file is changed.
 */
SKPI_API skpi_status skpi_journal_open(const char *path,
                                       const skpi_options *opts, int fsync,
                                       unsigned flags, skpi_tracker **tracker,
                                       skpi_journal **journal,
                                       skpi_error *err);

/**
 * Write a new snapshot at the journal's path (atomically, see
 * skpi_tracker_save()) and start an empty journal after it.  Recording
 * calls on the tracker wait while it runs.  Returns SKPI_OK, SKPI_EINVAL,
 * SKPI_EIO, SKPI_EJOURNAL (an earlier write failed) or SKPI_ENOMEM.
 */
SKPI_API skpi_status skpi_journal_checkpoint(skpi_journal *j, skpi_error *err);

/**
 * Flush the journal to stable storage now, whatever the policy.
 * Returns SKPI_OK, SKPI_EINVAL or SKPI_EIO.
 */
SKPI_API skpi_status skpi_journal_sync(skpi_journal *j);

/**
 * The sequence number of the last record written (0 before any).  Returns 0
 * for NULL.
 */
SKPI_API uint64_t skpi_journal_seq(const skpi_journal *j);

/**
 * Flush, close and free the journal, and detach it from its tracker (which
 * stays valid and keeps recording, without a journal).  NULL is a no-op.
 * Must not run concurrently with recording into the tracker.  Returns
 * SKPI_OK or SKPI_EIO (the final flush failed; the journal is freed all
 * the same).
 */
SKPI_API skpi_status skpi_journal_close(skpi_journal *j);

/* ===================================================================== */
/* JSON report                                                           */
/* ===================================================================== */

#define SKPI_JSON_PRETTY 1u    /* indent with two spaces, one key a line */
#define SKPI_JSON_NO_CHANGE 2u /* leave out the "change" object */

/**
 * Render the report of [from, to) (filtered as skpi_report_new()) as JSON,
 * including the change against skpi_period_previous() and
 * skpi_period_year_earlier() unless SKPI_JSON_NO_CHANGE is set.  Key names
 * are a public contract documented in doc/report-json.md.
 * On success *out receives a NUL-terminated UTF-8 buffer owned by the
 * caller (free with skpi_free()) and *len (if len is not NULL) its length
 * without the NUL.
 * Returns SKPI_OK, the errors of skpi_report_new(), SKPI_EOPTION (unknown
 * flag bits) or SKPI_ENOMEM.  Thread-safe as skpi_report_new().
 */
SKPI_API skpi_status skpi_report_json(const skpi_tracker *t, int64_t from,
                                      int64_t to, const uint32_t *platforms,
                                      size_t n_platforms, unsigned flags,
                                      char **out, size_t *len);

/* ===================================================================== */
/* Report writers: CSV, OpenMetrics / Prometheus text, HTML             */
/* ===================================================================== */

/*
 * Each writer renders the report of [from, to) (filtered as
 * skpi_report_new()) into a NUL-terminated UTF-8 buffer: on success *out
 * receives it (owned by the caller, freed with skpi_free()) and *len (if
 * len is not NULL) its length without the NUL.  They return SKPI_OK, the
 * errors of skpi_report_new(), SKPI_EOPTION (unknown flag bits) or
 * SKPI_ENOMEM, and are thread-safe as skpi_report_new().  Writers read
 * through the report getters only.
 */

/**
 * CSV for spreadsheets (RFC 4180, CRLF line ends, UTF-8, header row): one
 * row per bucket x platform x category, buckets in time order, then
 * platforms and categories by id.  doc/report-csv.md documents the
 * columns.
 */
SKPI_API skpi_status skpi_report_csv(const skpi_tracker *t, int64_t from,
                                     int64_t to, const uint32_t *platforms,
                                     size_t n_platforms, unsigned flags,
                                     char **out, size_t *len);

#define SKPI_OPENMETRICS_PROMETHEUS 1u /* Prometheus text format 0.0.4 */

/** The HTTP Content-Type of each exposition format. */
#define SKPI_OPENMETRICS_CONTENT_TYPE \
    "application/openmetrics-text; version=1.0.0; charset=utf-8"
#define SKPI_PROMETHEUS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/**
 * The report as OpenMetrics 1.0 text (ending in "# EOF"), or, with
 * SKPI_OPENMETRICS_PROMETHEUS, the Prometheus text format 0.0.4.  Counters
 * end in _total and count the range; followers, rates and backlog are
 * gauges; first-response time is a histogram whose buckets are the
 * tracker's SLA targets.  Series are unique and sorted; no timestamps.
 * doc/openmetrics.md lists every metric family.
 */
SKPI_API skpi_status skpi_report_openmetrics(const skpi_tracker *t,
                                             int64_t from, int64_t to,
                                             const uint32_t *platforms,
                                             size_t n_platforms,
                                             unsigned flags, char **out,
                                             size_t *len);

/**
 * skpi_report_openmetrics() into the caller's buffer, for a service with
 * its own HTTP server that exposes a live tracker: on SKPI_OK, buf holds
 * the NUL-terminated text and *len (if not NULL) its length without the
 * NUL.  If `size` is too small, returns SKPI_EBUFSIZE with nothing written
 * and *len (if not NULL) set to the size needed, NUL included, so that the
 * caller can grow its buffer once and keep it for later scrapes (the text
 * grows only when series appear).  The report itself is still computed
 * in memory the library allocates and frees.  Returns also the errors of
 * skpi_report_openmetrics().  Thread-safe as skpi_report_new().
 */
SKPI_API skpi_status skpi_report_openmetrics_into(const skpi_tracker *t,
                                                  int64_t from, int64_t to,
                                                  const uint32_t *platforms,
                                                  size_t n_platforms,
                                                  unsigned flags, char *buf,
                                                  size_t size, size_t *len);

#define SKPI_HTML_NO_CHANGE 1u /* leave out the change against the previous period */

/**
 * The report as one self-contained HTML page for people (inline CSS and
 * SVG, no script, nothing fetched): KPI tiles with the change against the
 * previous period, messages per month by category, followers per platform
 * over time, the first-response-time distribution and CSAT.
 * doc/report-html.md describes it.
 */
SKPI_API skpi_status skpi_report_html(const skpi_tracker *t, int64_t from,
                                      int64_t to, const uint32_t *platforms,
                                      size_t n_platforms, unsigned flags,
                                      char **out, size_t *len);

/**
 * The smallest range of whole buckets [*from, *to) that holds every
 * event recorded (and every waiting message), for reports "of everything".
 * Returns SKPI_OK, SKPI_EINVAL or SKPI_ENODATA (nothing recorded;
 * out-parameters untouched).  Thread-safe as skpi_report_new().
 */
SKPI_API skpi_status skpi_tracker_extent(const skpi_tracker *t, int64_t *from,
                                         int64_t *to);

/* ===================================================================== */
/* CSV event logs                                                        */
/* ===================================================================== */

/*
 * Event logs exported from platform tools, as CSV (RFC 4180: quoted
 * fields, doubled quotes, CRLF or LF, line breaks inside quotes; UTF-8,
 * a leading BOM accepted).  The header row names the columns, in any
 * order; unknown columns are ignored:
 *
 *   time,platform,event,category,count,actor,ref,value
 *
 * `time` and `platform` and `event` are required.  doc/csv-events.md
 * specifies each event (message, reply, engagement, post, followers,
 * follower, rating) with an example file.
 *
 * Strict mode (the default) applies the whole input or nothing: if any
 * row is bad, the tracker is left unchanged.  Lenient mode
 * (SKPI_CSV_LENIENT) applies the good rows and skips the bad ones.  Rows
 * whose event the tracker refuses but counts (SKPI_EDUPLICATE,
 * SKPI_EUNMATCHED, SKPI_EORDER for a reply) are applied: the tracker
 * counts them as anomalies.
 */
#define SKPI_CSV_LENIENT 1u   /* skip bad rows instead of refusing the input */
#define SKPI_CSV_ALLOW_NEW 2u /* register unknown platforms, categories (in
                                 group "inquiry", expecting an answer) and
                                 engagement kinds instead of refusing them */

/**
 * What an ingestion did.  The caller owns it and sets `rejects` (an array
 * of `max_rejects` entries, or NULL and 0) before the first call; the
 * library fills the rest, adding to the counts over successive calls of
 * one reader.  Initialise it to zero first: new fields are only ever
 * added at the end.
 */
typedef struct skpi_csv_result {
    skpi_error *rejects;    /* caller's array for the first rejected rows */
    size_t max_rejects;     /* its length */
    size_t n_rejects;       /* entries filled (<= max_rejects) */
    uint64_t rows_read;     /* data rows read; the header row is not counted */
    uint64_t rows_applied;  /* rows applied (strict mode: 0 until the end) */
    uint64_t rows_rejected; /* rows not applied: the bad rows, and at the end
                               of a strict input refused, every row of it;
                               read = applied + rejected once finished */
    uint64_t rows_bad;      /* rows that failed their checks (<= rejected) */
    uint64_t anomalies;     /* applied rows counted as anomalies */
    uint64_t registered;    /* taxonomy entries added by SKPI_CSV_ALLOW_NEW */
    uint64_t bytes;         /* input bytes consumed */
    skpi_error error;       /* why the call failed, when it returns an error */
} skpi_csv_result;

/*
 * A streaming reader: feed the input in chunks of any size (a row may span
 * chunks), then finish.  It keeps no more than the row being read, so
 * memory does not grow with the input.  In strict mode it records into a
 * private copy of the tracker, put in place by skpi_csv_reader_finish();
 * no other call may change the tracker meanwhile (as for
 * skpi_tracker_merge()), and a journalled tracker is refused with
 * SKPI_EJOURNAL (use lenient mode, which records row by row, journalled).
 */
typedef struct skpi_csv_reader skpi_csv_reader;

/**
 * Start reading an event log into `t` with `flags` (SKPI_CSV_*).
 * Returns SKPI_OK, SKPI_EINVAL, SKPI_EOPTION (unknown flag bits),
 * SKPI_EJOURNAL (strict mode on a journalled tracker) or SKPI_ENOMEM.  The
 * caller owns *out and frees it with skpi_csv_reader_free(); the tracker
 * must outlive it.
 */
SKPI_API skpi_status skpi_csv_reader_new(skpi_tracker *t, unsigned flags,
                                         skpi_csv_reader **out);

/**
 * Parse the next `len` bytes.  Every complete row is checked and, in
 * lenient mode, applied; counts and rejects go to *res.  Returns SKPI_OK
 * (bad rows are reported in *res, not here), or an error that ends the
 * input, with res->error filled: SKPI_ESYNTAX, SKPI_EUTF8 or SKPI_EFIELD
 * in the header row (a missing required column is SKPI_EFIELD, a column
 * named twice SKPI_ESYNTAX), SKPI_ENOMEM, SKPI_EINVAL, and in lenient mode
 * on a journalled tracker SKPI_EIO and SKPI_EJOURNAL (see the journal);
 * after such an error every call returns it again.
 */
SKPI_API skpi_status skpi_csv_reader_feed(skpi_csv_reader *r, const void *buf,
                                          size_t len, skpi_csv_result *res);

/**
 * End the input: the last row may lack its line break; an unterminated
 * quoted field is SKPI_ESYNTAX (a rejected row).  In strict mode, apply
 * everything if no row was rejected.  Returns SKPI_OK when the input was
 * applied (lenient mode: its good rows), or, in strict mode, the status of
 * the first rejected row, with res->error a copy of it and the tracker
 * unchanged; or the errors of skpi_csv_reader_feed().  Calling it twice
 * gives SKPI_EINVAL.
 */
SKPI_API skpi_status skpi_csv_reader_finish(skpi_csv_reader *r,
                                            skpi_csv_result *res);

/** Free a reader (finished or not: unfinished input is dropped). */
SKPI_API void skpi_csv_reader_free(skpi_csv_reader *r);

/**
 * Read a whole event log from memory, a FILE * open for reading, or a file
 * at `path`: a reader fed with it and finished.  Return as
 * skpi_csv_reader_finish(), and SKPI_EIO (res->error names the file) when
 * reading fails.  The FILE * stays open and is read to its end.
 */
SKPI_API skpi_status skpi_csv_ingest_buffer(skpi_tracker *t, const void *buf,
                                            size_t len, unsigned flags,
                                            skpi_csv_result *res);
SKPI_API skpi_status skpi_csv_ingest_file(skpi_tracker *t, FILE *f,
                                          unsigned flags,
                                          skpi_csv_result *res);
SKPI_API skpi_status skpi_csv_ingest_path(skpi_tracker *t, const char *path,
                                          unsigned flags,
                                          skpi_csv_result *res);

#ifdef __cplusplus
}
#endif

#endif /* SOCIALKPI_H */

/*
 * demo.h -- the founding half year as a reproducible data set.
 *
 * demo_build() records, through the public API only, a synthetic but
 * realistic half year of a police force's social-media desk whose totals
 * are exactly the figures of the founding report (seed/FACTS.md): 11,685
 * inquiries and remarks, 2,710 thanks, 95 % answered, 4,829,520
 * engagements, 1.7 M / 900 K / 635 K followers and 91 % satisfied, and,
 * from follower ids, an audience of 2,500,000 distinct people.  Messages
 * carry ids and authors and are answered by replies that name them, so
 * that first-response times, the backlog, reply anomalies and distinct
 * authors can be reported too.  The `skpi demo` command and
 * tests/check_demo.c share it.
 */
#ifndef SKPI_EXAMPLES_DEMO_H
#define SKPI_EXAMPLES_DEMO_H

#include <stdio.h>

#include <socialkpi.h>

/* What demo_build() records beyond the default data set (flag bits). */
#define DEMO_FOLLOWER_IDS 1u /* the follower lists at the end of the period:
                                3,235,000 (person, platform) ids */
#define DEMO_ENGAGER_IDS 2u  /* comments one row per commenter and day,
                                instead of one aggregated row per day */
#define DEMO_ALL (DEMO_FOLLOWER_IDS | DEMO_ENGAGER_IDS)

/**
 * Set in `o` what the demo desk's tracker needs: the zone "+04:00" and the
 * desk's office hours for business time (Sunday to Thursday 07:30-14:30,
 * closed on the public holidays listed in demo.c).  Buckets, the rating
 * scale and the SLA targets keep the defaults, which the demo requires.
 * Returns SKPI_OK, SKPI_EINVAL (o NULL) or the first error of an options
 * call (then `o` may hold part of the settings).
 */
skpi_status demo_options(skpi_options *o);

/**
 * Fill `t` with the demo half year (the period demo_period(), in the
 * tracker's zone).  The data are the same on every call and every machine:
 * they come from fixed-seed generators, never from the clock.  `flags` (0,
 * or DEMO_* bits) adds the costly parts: DEMO_FOLLOWER_IDS records 3.2
 * million follower ids, DEMO_ENGAGER_IDS records comments by person.  The
 * flags add distinct counts and change no other figure.
 *
 * `t` must have the default rating scale (1..5, satisfied >= 4), since the
 * CSAT figure depends on it; the zone should be "+04:00" (the desk's;
 * demo_options() sets it), and day or hour buckets both work.  The tracker
 * should be empty: the figures are exact only for a tracker that holds
 * nothing else in that period, and message ids recorded before would make
 * the demo's own ones duplicates.
 *
 * Returns SKPI_OK, SKPI_EINVAL (t NULL), SKPI_EOPTION (another rating
 * scale or an unknown flag), SKPI_ENOMEM, or the first unexpected status
 * of a recording call.  On an error the tracker may hold part of the data
 * set.  Not thread-safe with respect to other writers of the same period
 * (the totals would mix).
 */
skpi_status demo_build(skpi_tracker *t, unsigned flags);

/**
 * The exact figures behind the estimates and the refused events, as the
 * generator knows them (for tests, and for anyone who wants to see how far
 * the sketches are from the truth).  Times are Unix seconds, durations
 * seconds.  Counts of people are 0 when the flag that records them was not
 * given.
 */
typedef struct demo_truth {
    int64_t from, to;         /* the period, in the tracker's zone */
    int64_t messages;         /* messages recorded: 14,395 */
    int64_t answered;         /* first replies (to messages of the period) */
    int64_t answered_late;    /* of them, replied at or after `to` */
    int64_t backlog;          /* waiting at `to`: never answered + late */
    int64_t backlog_oldest;   /* start of the local day on which the oldest
                                 waiting message arrived */
    int64_t frt_min, frt_max; /* first-response time, calendar seconds */
    double frt_mean;
    int64_t frt_p50, frt_p90, frt_p95, frt_p99; /* at rank floor(q (n-1)) */
    int64_t unmatched_replies;  /* replies to deleted messages, in the period */
    int64_t later_replies;      /* second replies made in the period */
    int64_t later_replies_all;  /* second replies, whenever made */
    int64_t duplicate_messages; /* messages delivered twice */
    int64_t authors;            /* distinct message authors */
    int64_t authors_by_platform[3];
    int64_t engagers;           /* distinct commenters (DEMO_ENGAGER_IDS) */
    int64_t engagers_by_platform[3];
    int64_t engager_rows;       /* skpi_record_engagement_by() calls */
    int64_t followers;          /* distinct follower ids (DEMO_FOLLOWER_IDS) */
    int64_t followers_by_platform[3];
} demo_truth;

/**
 * demo_build(), and when `truth` is not NULL, the exact figures of what was
 * recorded (on success only).  Computing them costs some memory and time,
 * which demo_build() saves.
 */
skpi_status demo_build_truth(skpi_tracker *t, unsigned flags,
                             demo_truth *truth);

/**
 * Write the demo half year as a CSV event log (doc/csv-events.md) to
 * `out`: ingested in strict mode into an empty tracker made with
 * demo_options(), it gives exactly the tracker demo_build(t, flags) gives.
 * `t` (made with demo_options()) is only read: it names the platforms,
 * categories and kinds, and gives the zone in which times are written.
 * Returns SKPI_OK, SKPI_EINVAL, SKPI_EOPTION (as demo_build()), SKPI_ENOMEM
 * or SKPI_EIO (writing failed; errno tells why).
 */
skpi_status demo_write_csv(skpi_tracker *t, FILE *out, unsigned flags);

/** The demo desk's public holidays, "YYYY-MM-DD", i = 0, 1, ...; NULL
 * after the last. */
const char *demo_holiday(size_t i);

/** The period the demo fills, "2024-H1" (a static string). */
const char *demo_period(void);

#endif /* SKPI_EXAMPLES_DEMO_H */

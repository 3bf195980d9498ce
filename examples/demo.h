/*
 * demo.h -- the founding half year as a reproducible data set.
 *
 * demo_build() records, through the public API only, a synthetic but
 * realistic half year of a police force's social-media desk whose totals
 * are exactly the figures of the founding report (seed/FACTS.md): 11,685
 * inquiries and remarks, 2,710 thanks, 95 % answered, 4,829,520
 * engagements, 1.7 M / 900 K / 635 K followers and 91 % satisfied.  The
 * `skpi demo` command and tests/check_demo.c share it.
 */
#ifndef SKPI_EXAMPLES_DEMO_H
#define SKPI_EXAMPLES_DEMO_H

#include <socialkpi.h>

/**
 * Fill `t` with the demo half year (the period demo_period(), in the
 * tracker's zone).  The data are the same on every call and every machine:
 * they come from a fixed-seed generator, never from the clock.
 *
 * `t` must have the default rating scale (1..5, satisfied >= 4), since the
 * CSAT figure depends on it; the zone should be "+04:00" (the desk's), and
 * day or hour buckets both work.  The tracker should be empty: the figures
 * are exact only for a tracker that holds nothing else in that period.
 *
 * Returns SKPI_OK, SKPI_EINVAL (t NULL), SKPI_EOPTION (another rating
 * scale), SKPI_ENOMEM, or the first error of a recording call.  On an
 * error the tracker may hold part of the data set.  Not thread-safe with
 * respect to other writers of the same period (the totals would mix).
 */
skpi_status demo_build(skpi_tracker *t);

/** The period the demo fills, "2024-H1" (a static string). */
const char *demo_period(void);

#endif /* SKPI_EXAMPLES_DEMO_H */

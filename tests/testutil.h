/*
 * testutil.h -- helpers shared by the Check suites.
 */
#ifndef SKPI_TESTUTIL_H
#define SKPI_TESTUTIL_H

#include <check.h>
#include <stdlib.h>

#include "socialkpi.h"

/* Assert a status, printing both names when they differ. */
#define ck_assert_status(got, want)                                         \
    do {                                                                    \
        skpi_status got_ = (got), want_ = (want);                           \
        ck_assert_msg(got_ == want_, "status %s, expected %s",              \
                      skpi_status_name(got_), skpi_status_name(want_));     \
    } while (0)

/* A tracker in `zone` with `bucket` resolution and default options. */
static inline skpi_tracker *tracker_in(const char *zone, int bucket)
{
    skpi_options *o = NULL;
    skpi_tracker *t = NULL;
    ck_assert_status(skpi_options_new(&o), SKPI_OK);
    ck_assert_status(skpi_options_set_zone(o, zone), SKPI_OK);
    ck_assert_status(skpi_options_set_bucket(o, bucket), SKPI_OK);
    ck_assert_status(skpi_tracker_new(o, &t), SKPI_OK);
    skpi_options_free(o);
    return t;
}

/* Unix seconds of an ISO 8601 time with zone. */
static inline int64_t at(const char *iso)
{
    int64_t v = 0;
    ck_assert_status(skpi_time_parse(iso, &v), SKPI_OK);
    return v;
}

/* Run one suite; exit status 0 when every test passed. */
#define SKPI_CHECK_MAIN(suite_fn)                                           \
    int main(void)                                                          \
    {                                                                       \
        SRunner *sr = srunner_create(suite_fn());                           \
        srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY, default normal */ \
        int failed = srunner_ntests_failed(sr);                             \
        srunner_free(sr);                                                   \
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;                   \
    }

#endif /* SKPI_TESTUTIL_H */

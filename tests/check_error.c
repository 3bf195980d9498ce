/*
 * check_error.c -- status codes, version, options and tracker settings.
 */
#include <string.h>

#include "testutil.h"

/* The last status code; update with the enum. */
#define LAST_STATUS SKPI_EFIELD

START_TEST(test_status_names_and_messages)
{
    ck_assert_str_eq(skpi_status_name(SKPI_OK), "SKPI_OK");
    ck_assert_str_eq(skpi_status_name(SKPI_EINVAL), "SKPI_EINVAL");
    ck_assert_str_eq(skpi_status_name(SKPI_EALIGN), "SKPI_EALIGN");
    ck_assert_str_eq(skpi_status_name(LAST_STATUS), "SKPI_EFIELD");
    ck_assert_str_eq(skpi_strerror(SKPI_OK), "success");
    ck_assert_str_eq(skpi_strerror(SKPI_ENOMEM), "out of memory");
    /* Every code has its own name and message. */
    for (int i = 0; i <= (int)LAST_STATUS; i++) {
        const char *name = skpi_status_name((skpi_status)i);
        ck_assert_msg(strncmp(name, "SKPI_", 5) == 0 &&
                          strcmp(name, "SKPI_UNKNOWN") != 0,
                      "code %d has no name", i);
        ck_assert_str_ne(skpi_strerror((skpi_status)i), "unknown status");
        for (int k = 0; k < i; k++) {
            ck_assert_str_ne(name, skpi_status_name((skpi_status)k));
            ck_assert_str_ne(skpi_strerror((skpi_status)i),
                             skpi_strerror((skpi_status)k));
        }
    }
}
END_TEST

START_TEST(test_status_unknown)
{
    ck_assert_str_eq(skpi_status_name((skpi_status)(LAST_STATUS + 1)),
                     "SKPI_UNKNOWN");
    ck_assert_str_eq(skpi_status_name((skpi_status)-1), "SKPI_UNKNOWN");
    ck_assert_str_eq(skpi_strerror((skpi_status)9999), "unknown status");
    skpi_free(NULL); /* a no-op, like free(NULL) */
}
END_TEST

START_TEST(test_version)
{
    ck_assert_str_eq(skpi_version_string(), SKPI_VERSION_STRING);
    ck_assert_uint_eq(skpi_version_number(),
                      (unsigned)(SKPI_VERSION_MAJOR * 10000 +
                                 SKPI_VERSION_MINOR * 100 + SKPI_VERSION_PATCH));
    ck_assert_uint_eq(skpi_taxonomy_capacity(SKPI_PLATFORM), SKPI_MAX_PLATFORMS);
    ck_assert_uint_eq(skpi_taxonomy_capacity(SKPI_CATEGORY), SKPI_MAX_CATEGORIES);
    ck_assert_uint_eq(skpi_taxonomy_capacity(SKPI_GROUP), SKPI_MAX_GROUPS);
    ck_assert_uint_eq(skpi_taxonomy_capacity(SKPI_KIND), SKPI_MAX_KINDS);
    ck_assert_uint_eq(skpi_taxonomy_capacity(7), 0);
}
END_TEST

START_TEST(test_defaults)
{
    skpi_tracker *t = NULL;
    ck_assert_status(skpi_tracker_new(NULL, &t), SKPI_OK);
    ck_assert_str_eq(skpi_tracker_zone(t), "Z");
    ck_assert_int_eq(skpi_tracker_bucket(t), SKPI_BUCKET_DAY);
    int lo = 0, hi = 0, sat = 0;
    ck_assert_status(skpi_tracker_rating_scale(t, &lo, &hi, &sat), SKPI_OK);
    ck_assert_int_eq(lo, 1);
    ck_assert_int_eq(hi, 5);
    ck_assert_int_eq(sat, 4);
    ck_assert_uint_eq(skpi_tracker_sla_count(t), 2);
    int64_t s = 0;
    ck_assert_status(skpi_tracker_sla(t, 0, &s), SKPI_OK);
    ck_assert_int_eq(s, 3600);
    ck_assert_status(skpi_tracker_sla(t, 1, &s), SKPI_OK);
    ck_assert_int_eq(s, 86400);
    ck_assert_status(skpi_tracker_sla(t, 2, &s), SKPI_ENOTFOUND);
    ck_assert_int_eq(s, 86400); /* untouched on error */
    ck_assert_status(skpi_tracker_sla(t, 0, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_tracker_rating_scale(t, NULL, NULL, NULL), SKPI_OK);
    skpi_tracker_free(t);
    skpi_tracker_free(NULL);
}
END_TEST

START_TEST(test_options_set)
{
    skpi_options *o = NULL;
    skpi_tracker *t = NULL;
    ck_assert_status(skpi_options_new(&o), SKPI_OK);
    ck_assert_status(skpi_options_set_zone(o, "+05:30"), SKPI_OK);
    ck_assert_status(skpi_options_set_bucket(o, SKPI_BUCKET_HOUR), SKPI_OK);
    ck_assert_status(skpi_options_set_rating_scale(o, 0, 10, 9), SKPI_OK);
    const int64_t sla[] = {300, 900, 3600};
    ck_assert_status(skpi_options_set_sla(o, sla, 3), SKPI_OK);
    ck_assert_status(skpi_tracker_new(o, &t), SKPI_OK);
    skpi_options_free(o); /* the tracker keeps its own copy */
    ck_assert_str_eq(skpi_tracker_zone(t), "+05:30");
    ck_assert_int_eq(skpi_tracker_bucket(t), SKPI_BUCKET_HOUR);
    int lo, hi, sat;
    ck_assert_status(skpi_tracker_rating_scale(t, &lo, &hi, &sat), SKPI_OK);
    ck_assert_int_eq(lo, 0);
    ck_assert_int_eq(hi, 10);
    ck_assert_int_eq(sat, 9);
    ck_assert_uint_eq(skpi_tracker_sla_count(t), 3);
    int64_t s;
    ck_assert_status(skpi_tracker_sla(t, 2, &s), SKPI_OK);
    ck_assert_int_eq(s, 3600);
    skpi_tracker_free(t);
}
END_TEST

START_TEST(test_options_no_sla)
{
    skpi_options *o = NULL;
    skpi_tracker *t = NULL;
    ck_assert_status(skpi_options_new(&o), SKPI_OK);
    ck_assert_status(skpi_options_set_sla(o, NULL, 0), SKPI_OK);
    ck_assert_status(skpi_tracker_new(o, &t), SKPI_OK);
    ck_assert_uint_eq(skpi_tracker_sla_count(t), 0);
    skpi_options_free(o);
    skpi_tracker_free(t);
}
END_TEST

START_TEST(test_options_errors)
{
    skpi_options *o = NULL;
    skpi_tracker *t = NULL;
    ck_assert_status(skpi_options_new(NULL), SKPI_EINVAL);
    ck_assert_status(skpi_tracker_new(NULL, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_options_new(&o), SKPI_OK);
    ck_assert_status(skpi_options_set_zone(NULL, "Z"), SKPI_EINVAL);
    ck_assert_status(skpi_options_set_zone(o, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_options_set_zone(o, "+15:00"), SKPI_EZONE);
    ck_assert_status(skpi_options_set_zone(o, "+04:60"), SKPI_EZONE);
    ck_assert_status(skpi_options_set_zone(o, "Mars/Olympus"), SKPI_EZONE);
    ck_assert_status(skpi_options_set_zone(o, ""), SKPI_EZONE);
    ck_assert_status(skpi_options_set_bucket(NULL, 0), SKPI_EINVAL);
    ck_assert_status(skpi_options_set_bucket(o, 2), SKPI_EOPTION);
    ck_assert_status(skpi_options_set_bucket(o, -1), SKPI_EOPTION);
    ck_assert_status(skpi_options_set_rating_scale(NULL, 1, 5, 4), SKPI_EINVAL);
    ck_assert_status(skpi_options_set_rating_scale(o, 5, 5, 5), SKPI_EOPTION);
    ck_assert_status(skpi_options_set_rating_scale(o, -1, 5, 4), SKPI_EOPTION);
    ck_assert_status(skpi_options_set_rating_scale(o, 1, 5, 6), SKPI_EOPTION);
    ck_assert_status(skpi_options_set_rating_scale(o, 1, 5, 0), SKPI_EOPTION);
    ck_assert_status(skpi_options_set_rating_scale(o, 0, 101, 50), SKPI_EOPTION);
    ck_assert_status(skpi_options_set_rating_scale(o, 0, 100, 50), SKPI_OK);
    const int64_t bad_order[] = {60, 60};
    const int64_t bad_zero[] = {0};
    const int64_t nine[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    ck_assert_status(skpi_options_set_sla(NULL, nine, 1), SKPI_EINVAL);
    ck_assert_status(skpi_options_set_sla(o, NULL, 1), SKPI_EINVAL);
    ck_assert_status(skpi_options_set_sla(o, bad_order, 2), SKPI_EOPTION);
    ck_assert_status(skpi_options_set_sla(o, bad_zero, 1), SKPI_EOPTION);
    ck_assert_status(skpi_options_set_sla(o, nine, 9), SKPI_ELIMIT);
    ck_assert_status(skpi_options_set_sla(o, nine, 8), SKPI_OK);
    /* Failed setters left the earlier good values in place. */
    ck_assert_status(skpi_tracker_new(o, &t), SKPI_OK);
    ck_assert_str_eq(skpi_tracker_zone(t), "Z");
    ck_assert_int_eq(skpi_tracker_bucket(t), SKPI_BUCKET_DAY);
    ck_assert_uint_eq(skpi_tracker_sla_count(t), 8);
    int lo, hi;
    ck_assert_status(skpi_tracker_rating_scale(t, &lo, &hi, NULL), SKPI_OK);
    ck_assert_int_eq(lo, 0);
    ck_assert_int_eq(hi, 100);
    skpi_tracker_free(t);
    skpi_options_free(o);
    skpi_options_free(NULL);
    ck_assert_ptr_null(skpi_tracker_zone(NULL));
    ck_assert_int_eq(skpi_tracker_bucket(NULL), -1);
    ck_assert_uint_eq(skpi_tracker_sla_count(NULL), 0);
    ck_assert_status(skpi_tracker_rating_scale(NULL, &lo, &hi, NULL),
                     SKPI_EINVAL);
}
END_TEST

static Suite *error_suite(void)
{
    Suite *s = suite_create("error");
    TCase *core = tcase_create("core");
    tcase_add_test(core, test_status_names_and_messages);
    tcase_add_test(core, test_version);
    tcase_add_test(core, test_defaults);
    tcase_add_test(core, test_options_set);
    tcase_add_test(core, test_options_no_sla);
    suite_add_tcase(s, core);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_status_unknown);
    tcase_add_test(errors, test_options_errors);
    suite_add_tcase(s, errors);
    return s;
}

SKPI_CHECK_MAIN(error_suite)

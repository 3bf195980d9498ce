/*
 * check_taxonomy.c -- built-in and custom platforms, groups, categories and
 * engagement kinds.
 */
#include <stdio.h>
#include <string.h>

#include "testutil.h"

static skpi_tracker *t;

static void setup(void)
{
    ck_assert_status(skpi_tracker_new(NULL, &t), SKPI_OK);
}

static void teardown(void)
{
    skpi_tracker_free(t);
    t = NULL;
}

START_TEST(test_builtins)
{
    ck_assert_uint_eq(skpi_taxonomy_count(t, SKPI_PLATFORM), 3);
    ck_assert_uint_eq(skpi_taxonomy_count(t, SKPI_GROUP), 3);
    ck_assert_uint_eq(skpi_taxonomy_count(t, SKPI_CATEGORY), 7);
    ck_assert_uint_eq(skpi_taxonomy_count(t, SKPI_KIND), 3);
    ck_assert_str_eq(skpi_taxonomy_slug(t, SKPI_PLATFORM, SKPI_PLATFORM_TWITTER), "twitter");
    ck_assert_str_eq(skpi_taxonomy_label(t, SKPI_PLATFORM, SKPI_PLATFORM_TWITTER), "X / Twitter");
    ck_assert_str_eq(skpi_taxonomy_slug(t, SKPI_PLATFORM, SKPI_PLATFORM_INSTAGRAM), "instagram");
    ck_assert_str_eq(skpi_taxonomy_slug(t, SKPI_GROUP, SKPI_GROUP_APPRECIATION), "appreciation");
    ck_assert_str_eq(skpi_taxonomy_slug(t, SKPI_KIND, SKPI_KIND_COMMENT), "comment");
    static const char *const cats[] = {
        "general_inquiry", "help_request", "traffic_inquiry", "criminal_inquiry",
        "service_complaint", "general_complaint", "thanks"};
    static const uint32_t groups[] = {0, 0, 0, 0, 1, 1, 2};
    for (uint32_t c = 0; c < 7; c++) {
        uint32_t id = 99, g = 99;
        int expects = -1;
        ck_assert_str_eq(skpi_taxonomy_slug(t, SKPI_CATEGORY, c), cats[c]);
        ck_assert_status(skpi_taxonomy_find(t, SKPI_CATEGORY, cats[c], &id), SKPI_OK);
        ck_assert_uint_eq(id, c);
        ck_assert_status(skpi_category_info(t, c, &g, &expects), SKPI_OK);
        ck_assert_uint_eq(g, groups[c]);
        ck_assert_int_eq(expects, c == SKPI_CATEGORY_THANKS ? 0 : 1);
    }
}
END_TEST

START_TEST(test_add_custom)
{
    uint32_t id = 0;
    /* Arabic label: "TikTok" written in Arabic script. */
    const char *arabic = "\xd8\xaa\xd9\x8a\xd9\x83 \xd8\xaa\xd9\x88\xd9\x83";
    ck_assert_status(skpi_taxonomy_add(t, SKPI_PLATFORM, "tiktok", arabic, &id), SKPI_OK);
    ck_assert_uint_eq(id, 3);
    ck_assert_str_eq(skpi_taxonomy_label(t, SKPI_PLATFORM, 3), arabic);
    ck_assert_status(skpi_taxonomy_add(t, SKPI_KIND, "save", NULL, &id), SKPI_OK);
    ck_assert_uint_eq(id, 3);
    ck_assert_str_eq(skpi_taxonomy_label(t, SKPI_KIND, 3), "save");
    uint32_t g = 0;
    ck_assert_status(skpi_taxonomy_add(t, SKPI_GROUP, "praise", "Praise", &g), SKPI_OK);
    ck_assert_uint_eq(g, 3);
    ck_assert_status(skpi_category_add(t, "lost_property", "Lost property", SKPI_GROUP_INQUIRY, 1, &id), SKPI_OK);
    ck_assert_uint_eq(id, 7);
    ck_assert_status(skpi_category_add(t, "kudos", NULL, g, 0, NULL), SKPI_OK);
    uint32_t found = 0, group = 0;
    int expects = -1;
    ck_assert_status(skpi_taxonomy_find(t, SKPI_CATEGORY, "kudos", &found), SKPI_OK);
    ck_assert_uint_eq(found, 8);
    ck_assert_status(skpi_category_info(t, found, &group, &expects), SKPI_OK);
    ck_assert_uint_eq(group, 3);
    ck_assert_int_eq(expects, 0);
    ck_assert_status(skpi_category_info(t, 7, NULL, NULL), SKPI_OK);
    /* Slugs are per dimension: "save" may also be a platform. */
    ck_assert_status(skpi_taxonomy_add(t, SKPI_PLATFORM, "save", NULL, NULL), SKPI_OK);
    ck_assert_uint_eq(skpi_taxonomy_count(t, SKPI_PLATFORM), 5);
    /* A 32-byte slug of every allowed character class. */
    ck_assert_status(skpi_taxonomy_add(t, SKPI_KIND, "abcdefghijklmnopqrstuvwxyz_01234", NULL, NULL), SKPI_OK);
}
END_TEST

START_TEST(test_bad_slugs)
{
    static const char *const bad[] = {
        "", "TikTok", "tik-tok", "tik tok", "t\xc3\xa9l\xc3\xa9gram",
        "abcdefghijklmnopqrstuvwxyz_012345", /* 33 bytes */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_status(skpi_taxonomy_add(t, SKPI_PLATFORM, bad[i], NULL, NULL), SKPI_ESLUG);
        ck_assert_status(skpi_category_add(t, bad[i], NULL, 0, 1, NULL), SKPI_ESLUG);
    }
    ck_assert_uint_eq(skpi_taxonomy_count(t, SKPI_PLATFORM), 3);
    ck_assert_uint_eq(skpi_taxonomy_count(t, SKPI_CATEGORY), 7);
}
END_TEST

START_TEST(test_bad_labels)
{
    static const char *const bad[] = {
        "\xff",                 /* not UTF-8 at all */
        "\xc3",                 /* truncated sequence */
        "\xc0\xaf",             /* overlong '/' */
        "\xed\xa0\x80",         /* a UTF-16 surrogate */
        "\xf4\x90\x80\x80",     /* above U+10FFFF */
        "ab\x80",               /* stray continuation byte */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_status(skpi_taxonomy_add(t, SKPI_KIND, "x", bad[i], NULL), SKPI_ELABEL);
    char long_label[SKPI_LABEL_MAX + 2];
    memset(long_label, 'a', sizeof long_label - 1);
    long_label[sizeof long_label - 1] = '\0'; /* 257 bytes */
    ck_assert_status(skpi_taxonomy_add(t, SKPI_KIND, "x", long_label, NULL), SKPI_ELABEL);
    long_label[SKPI_LABEL_MAX] = '\0'; /* exactly 256 bytes is fine */
    ck_assert_status(skpi_taxonomy_add(t, SKPI_KIND, "x", long_label, NULL), SKPI_OK);
    ck_assert_uint_eq(skpi_taxonomy_count(t, SKPI_KIND), 4);
}
END_TEST

START_TEST(test_errors)
{
    uint32_t id = 42;
    ck_assert_status(skpi_taxonomy_add(t, SKPI_PLATFORM, "twitter", NULL, &id), SKPI_EEXIST);
    ck_assert_uint_eq(id, 42);
    ck_assert_status(skpi_category_add(t, "thanks", NULL, 0, 0, &id), SKPI_EEXIST);
    ck_assert_status(skpi_taxonomy_add(NULL, SKPI_PLATFORM, "x", NULL, &id), SKPI_EINVAL);
    ck_assert_status(skpi_taxonomy_add(t, SKPI_PLATFORM, NULL, NULL, &id), SKPI_EINVAL);
    ck_assert_status(skpi_taxonomy_add(t, SKPI_CATEGORY, "x", NULL, &id), SKPI_EINVAL);
    ck_assert_status(skpi_taxonomy_add(t, 4, "x", NULL, &id), SKPI_EINVAL);
    ck_assert_status(skpi_taxonomy_add(t, -1, "x", NULL, &id), SKPI_EINVAL);
    ck_assert_status(skpi_category_add(t, "x", NULL, 3, 1, &id), SKPI_ENOTFOUND);
    ck_assert_status(skpi_category_add(t, "x", NULL, 0, 2, &id), SKPI_EINVAL);
    ck_assert_status(skpi_category_add(NULL, "x", NULL, 0, 1, &id), SKPI_EINVAL);
    ck_assert_status(skpi_category_add(t, NULL, NULL, 0, 1, &id), SKPI_EINVAL);
    ck_assert_status(skpi_taxonomy_find(t, SKPI_PLATFORM, "myspace", &id), SKPI_ENOTFOUND);
    ck_assert_status(skpi_taxonomy_find(t, SKPI_PLATFORM, NULL, &id), SKPI_EINVAL);
    ck_assert_status(skpi_taxonomy_find(t, SKPI_PLATFORM, "twitter", NULL), SKPI_EINVAL);
    ck_assert_status(skpi_taxonomy_find(NULL, SKPI_PLATFORM, "twitter", &id), SKPI_EINVAL);
    ck_assert_status(skpi_taxonomy_find(t, 9, "twitter", &id), SKPI_EINVAL);
    ck_assert_uint_eq(id, 42);
    ck_assert_ptr_null(skpi_taxonomy_slug(t, SKPI_PLATFORM, 3));
    ck_assert_ptr_null(skpi_taxonomy_label(t, SKPI_PLATFORM, SKPI_ALL));
    ck_assert_ptr_null(skpi_taxonomy_slug(NULL, SKPI_PLATFORM, 0));
    ck_assert_ptr_null(skpi_taxonomy_slug(t, 9, 0));
    ck_assert_uint_eq(skpi_taxonomy_count(NULL, SKPI_PLATFORM), 0);
    ck_assert_uint_eq(skpi_taxonomy_count(t, 9), 0);
    ck_assert_status(skpi_category_info(t, 7, NULL, NULL), SKPI_ENOTFOUND);
    ck_assert_status(skpi_category_info(NULL, 0, NULL, NULL), SKPI_EINVAL);
    /* Nothing above registered anything. */
    ck_assert_uint_eq(skpi_taxonomy_count(t, SKPI_PLATFORM), 3);
    ck_assert_uint_eq(skpi_taxonomy_count(t, SKPI_CATEGORY), 7);
    ck_assert_uint_eq(skpi_taxonomy_count(t, SKPI_GROUP), 3);
}
END_TEST

START_TEST(test_limits)
{
    char slug[16];
    for (size_t i = 3; i < SKPI_MAX_PLATFORMS; i++) {
        snprintf(slug, sizeof slug, "p%zu", i);
        ck_assert_status(skpi_taxonomy_add(t, SKPI_PLATFORM, slug, NULL, NULL), SKPI_OK);
    }
    ck_assert_status(skpi_taxonomy_add(t, SKPI_PLATFORM, "one_more", NULL, NULL), SKPI_ELIMIT);
    ck_assert_uint_eq(skpi_taxonomy_count(t, SKPI_PLATFORM), SKPI_MAX_PLATFORMS);
    for (size_t i = 3; i < SKPI_MAX_GROUPS; i++) {
        snprintf(slug, sizeof slug, "g%zu", i);
        ck_assert_status(skpi_taxonomy_add(t, SKPI_GROUP, slug, NULL, NULL), SKPI_OK);
    }
    ck_assert_status(skpi_taxonomy_add(t, SKPI_GROUP, "one_more", NULL, NULL), SKPI_ELIMIT);
    for (size_t i = 7; i < SKPI_MAX_CATEGORIES; i++) {
        snprintf(slug, sizeof slug, "c%zu", i);
        ck_assert_status(skpi_category_add(t, slug, NULL, 1, 1, NULL), SKPI_OK);
    }
    ck_assert_status(skpi_category_add(t, "one_more", NULL, 1, 1, NULL), SKPI_ELIMIT);
    for (size_t i = 3; i < SKPI_MAX_KINDS; i++) {
        snprintf(slug, sizeof slug, "k%zu", i);
        ck_assert_status(skpi_taxonomy_add(t, SKPI_KIND, slug, NULL, NULL), SKPI_OK);
    }
    ck_assert_status(skpi_taxonomy_add(t, SKPI_KIND, "one_more", NULL, NULL), SKPI_ELIMIT);
    uint32_t id;
    ck_assert_status(skpi_taxonomy_find(t, SKPI_KIND, "k31", &id), SKPI_OK);
    ck_assert_uint_eq(id, 31);
    /* The last platform and category record and report like any other. */
    ck_assert_status(skpi_record_message(t, 31, 63, 86400), SKPI_OK);
    skpi_report *r = NULL;
    int64_t n = 0;
    ck_assert_status(skpi_report_new(t, 86400, 2 * 86400, NULL, 0, &r), SKPI_OK);
    ck_assert_status(skpi_report_messages(r, 31, 63, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    skpi_report_free(r);
}
END_TEST

static Suite *taxonomy_suite(void)
{
    Suite *s = suite_create("taxonomy");
    TCase *core = tcase_create("core");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_test(core, test_builtins);
    tcase_add_test(core, test_add_custom);
    suite_add_tcase(s, core);
    TCase *errors = tcase_create("errors");
    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_add_test(errors, test_bad_slugs);
    tcase_add_test(errors, test_bad_labels);
    tcase_add_test(errors, test_errors);
    suite_add_tcase(s, errors);
    TCase *limits = tcase_create("limits");
    tcase_add_checked_fixture(limits, setup, teardown);
    tcase_add_test(limits, test_limits);
    suite_add_tcase(s, limits);
    return s;
}

SKPI_CHECK_MAIN(taxonomy_suite)

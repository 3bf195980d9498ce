/*
 * fixtures.h -- trackers that several suites build the same way.
 */
#ifndef SKPI_FIXTURES_H
#define SKPI_FIXTURES_H

#include <stdio.h>

#include "testutil.h"

/* A tracker using every part of the format: an IANA zone, business hours,
 * custom taxonomy with an Arabic label, every kind of event, waiting and
 * answered messages, a late answer and refused events. */
static skpi_tracker *rich_tracker(const char *zone, int bucket)
{
    skpi_options *o = NULL;
    skpi_tracker *t = NULL;
    ck_assert_status(skpi_options_new(&o), SKPI_OK);
    ck_assert_status(skpi_options_set_zone(o, zone), SKPI_OK);
    ck_assert_status(skpi_options_set_bucket(o, bucket), SKPI_OK);
    ck_assert_status(skpi_options_add_business_hours(o, SKPI_MONDAY, "09:00", "17:00"), SKPI_OK);
    ck_assert_status(skpi_options_add_holiday(o, "2024-03-29"), SKPI_OK);
    ck_assert_status(skpi_tracker_new(o, &t), SKPI_OK);
    skpi_options_free(o);
    uint32_t tiktok, lost;
    ck_assert_status(skpi_taxonomy_add(t, SKPI_PLATFORM, "tiktok", "\xd8\xaa\xd9\x8a\xd9\x83 \xd8\xaa\xd9\x88\xd9\x83", &tiktok), SKPI_OK);
    ck_assert_status(skpi_category_add(t, "lost_property", "Lost property", SKPI_GROUP_INQUIRY, 1, &lost), SKPI_OK);
    char id[32], who[32];
    for (int i = 0; i < 300; i++) {
        uint32_t p = (uint32_t)(i % 4), c = i % 9 == 8 ? lost : (uint32_t)(i % 7);
        int64_t at = INT64_C(1709251200) + i * 5400;
        snprintf(id, sizeof id, "m%d", i);
        snprintf(who, sizeof who, "u%d", i % 41);
        ck_assert_status(skpi_record_message_id(t, p, c, at, id, who), SKPI_OK);
        if (i % 3 != 0)
            ck_assert_status(skpi_record_reply(t, p, id, at + (i % 11) * 3000 + (i == 7 ? 20 * INT64_C(86400) : 0)), SKPI_OK);
        ck_assert_status(skpi_record_engagement_by(t, p, (uint32_t)(i % 3), at, 1 + i % 5, who), SKPI_OK);
        ck_assert_status(skpi_record_follower(t, p, at, who), SKPI_OK);
        ck_assert_status(skpi_record_followers(t, p, at, 1000 + i), SKPI_OK);
        ck_assert_status(skpi_record_rating(t, p, at, 1 + i % 5), SKPI_OK);
        if (i % 10 == 0)
            ck_assert_status(skpi_record_posts(t, p, at, 2), SKPI_OK);
    }
    ck_assert_status(skpi_record_reply(t, 0, "nobody", INT64_C(1709251200) + 3600), SKPI_EUNMATCHED);
    ck_assert_status(skpi_record_message_id(t, 0, 0, INT64_C(1709251200) + 7200, "m0", NULL), SKPI_EDUPLICATE);
    return t;
}

#endif /* SKPI_FIXTURES_H */

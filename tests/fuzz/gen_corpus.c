/*
 * gen_corpus.c -- write the seed snapshots of the fuzz corpus.
 *
 * `sh tests/fuzz/run.sh --seed` builds and runs this to (re)write
 * tests/fuzz/corpus/fuzz_snapshot/ *.skpi and fuzz_merge/ *.pair after a
 * change of the snapshot format.  The seeds are small trackers that use
 * every part of the format between them: fixed and IANA zones, day and hour
 * buckets, other rating scales, SLA targets, sketch parameters and open
 * limits, business hours, custom taxonomy, every kind of event, waiting
 * and answered messages, late answers and refused events.  (The golden
 * file tests/data/golden-v1.skpi is a seed too: run.sh passes tests/data
 * to fuzz_snapshot as a second seed directory.)  A merge seed is two
 * snapshots of compatible trackers one after the other.
 *
 * Usage: gen_corpus CORPUS_DIR
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "socialkpi.h"

#define D0 INT64_C(1709251200) /* 2024-03-01T00:00:00Z */
#define DAY INT64_C(86400)

static void must(skpi_status st, const char *what)
{
    if (st != SKPI_OK) {
        fprintf(stderr, "gen_corpus: %s: %s\n", what, skpi_status_name(st));
        exit(1);
    }
}

typedef struct kind {
    const char *zone;
    int bucket;
    int custom; /* rating scale, SLA, sketch parameters, open limit */
    int hours;  /* business hours and a holiday */
} kind;

static skpi_tracker *make(const kind *k)
{
    skpi_options *o;
    skpi_tracker *t;
    must(skpi_options_new(&o), "options");
    must(skpi_options_set_zone(o, k->zone), "zone");
    must(skpi_options_set_bucket(o, k->bucket), "bucket");
    if (k->custom) {
        const int64_t sla[] = {900, 3600, 14400};
        must(skpi_options_set_rating_scale(o, 0, 10, 9), "scale");
        must(skpi_options_set_sla(o, sla, 3), "sla");
        must(skpi_options_set_quantile_accuracy(o, 0.02), "alpha");
        must(skpi_options_set_people_precision(o, 6), "precision");
        must(skpi_options_set_open_limit(o, 40), "open limit");
    }
    if (k->hours) {
        must(skpi_options_add_business_hours(o, SKPI_MONDAY, "09:00", "17:00"), "hours");
        must(skpi_options_add_business_hours(o, SKPI_FRIDAY, "08:30", "12:00"), "hours");
        must(skpi_options_add_holiday(o, "2024-03-29"), "holiday");
    }
    must(skpi_tracker_new(o, &t), "tracker");
    skpi_options_free(o);
    return t;
}

/* Events: `n` of everything, offset by `shift` seconds; `variant` picks
 * other custom taxonomy, so that merging has ids to map. */
static void record(skpi_tracker *t, int n, int64_t shift, int variant, int custom)
{
    uint32_t extra = 0, cat = 0;
    if (n > 0) {
        must(skpi_taxonomy_add(t, SKPI_PLATFORM, variant ? "whatsapp" : "tiktok",
                               variant ? "WhatsApp" : "\xd8\xaa\xd9\x8a\xd9\x83", &extra),
             "platform");
        must(skpi_category_add(t, variant ? "refund" : "lost_property",
                               variant ? "Refunds" : "Lost property",
                               variant ? SKPI_GROUP_COMPLAINT : SKPI_GROUP_INQUIRY, 1, &cat),
             "category");
        must(skpi_taxonomy_add(t, SKPI_KIND, "retweet", NULL, NULL), "kind");
    }
    char id[32], who[32];
    for (int i = 0; i < n; i++) {
        uint32_t p = i % 4 == 3 ? extra : (uint32_t)(i % 4);
        uint32_t c = i % 5 == 4 ? cat : (uint32_t)(i % 7);
        int64_t at = D0 + shift + i * 4000;
        snprintf(id, sizeof id, "m%d.%d", variant, i);
        snprintf(who, sizeof who, "u%d", i % 9);
        must(skpi_record_message_id(t, p, c, at, id, i % 2 ? who : NULL), "message");
        if (i % 3 != 0)
            must(skpi_record_reply(t, p, id, at + (i % 5) * 1700 + (i == 4 ? 12 * DAY : 0)),
                 "reply");
        must(skpi_record_message(t, p, c, at + 10), "plain message");
        must(skpi_record_response(t, p, c, at + 10, at + 400), "response");
        must(skpi_record_engagement_by(t, p, (uint32_t)(i % 4), at, 1 + i % 3, who),
             "engagement");
        must(skpi_record_follower(t, p, at, who), "follower");
        must(skpi_record_followers(t, p, at, 500 + 7 * i), "followers");
        must(skpi_record_rating(t, p, at, custom ? i % 11 : 1 + i % 5), "rating");
        if (i % 6 == 0)
            must(skpi_record_posts(t, p, at, 1 + i % 2), "posts");
    }
    if (n > 0) {
        (void)skpi_record_reply(t, 0, "nobody", D0 + shift + 60);
        snprintf(id, sizeof id, "m%d.0", variant);
        (void)skpi_record_message_id(t, 0, 0, D0 + shift + 120, id, NULL);
    }
}

static void write_file(const char *dir, const char *name, const char *a, size_t na,
                       const char *b, size_t nb)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(a, 1, na, f) != na || (nb > 0 && fwrite(b, 1, nb, f) != nb) ||
        fclose(f) != 0) {
        fprintf(stderr, "gen_corpus: cannot write %s\n", path);
        exit(1);
    }
    printf("%s (%zu bytes)\n", path, na + nb);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_corpus CORPUS_DIR\n");
        return 2;
    }
    static const struct {
        const char *name;
        kind k;
        int events;
    } seeds[] = {
        {"empty", {"Z", SKPI_BUCKET_DAY, 0, 0}, 0},
        {"small-offset", {"+04:00", SKPI_BUCKET_DAY, 0, 0}, 4},
        {"london-hours", {"Europe/London", SKPI_BUCKET_DAY, 0, 1}, 10},
        {"newyork-hourly-custom", {"America/New_York", SKPI_BUCKET_HOUR, 1, 1}, 8},
        {"kolkata-fixed", {"Asia/Kolkata", SKPI_BUCKET_DAY, 1, 0}, 4},
    };
    char snap[1024], pair[1024];
    snprintf(snap, sizeof snap, "%s/fuzz_snapshot", argv[1]);
    snprintf(pair, sizeof pair, "%s/fuzz_merge", argv[1]);
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        const kind *k = &seeds[i].k;
        skpi_tracker *a = make(k), *b = make(k);
        record(a, seeds[i].events, 0, 0, k->custom);
        record(b, seeds[i].events / 2, 3 * DAY + 600, 1, k->custom);
        char *ba, *bb;
        size_t na, nb;
        must(skpi_tracker_to_bytes(a, &ba, &na), "to_bytes");
        must(skpi_tracker_to_bytes(b, &bb, &nb), "to_bytes");
        char name[128];
        snprintf(name, sizeof name, "%s.skpi", seeds[i].name);
        write_file(snap, name, ba, na, NULL, 0);
        snprintf(name, sizeof name, "%s.pair", seeds[i].name);
        write_file(pair, name, ba, na, bb, nb);
        skpi_free(ba);
        skpi_free(bb);
        skpi_tracker_free(a);
        skpi_tracker_free(b);
    }
    return 0;
}

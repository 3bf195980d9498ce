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
 * It also writes fuzz_journal/ *.jrnl: journals that continue the snapshot
 * of journal_state.h (or stand alone), each after the fuzz target's flag
 * byte: one per kind of record, all kinds before and after a checkpoint,
 * with other options, a torn tail, damage in the middle (with and without
 * repair), a journal that ends before its snapshot, an empty one, none.
 *
 * Usage: gen_corpus CORPUS_DIR
 */
#define _GNU_SOURCE 1
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal_state.h"
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

/* ===== Journal seeds ===== */

/* The journal of a state opened with js_options(custom), the prefix
 * recorded, a checkpoint if asked, then js_events(kind). */
static unsigned char *journal_of(int custom, int checkpoint, int kind, size_t *n)
{
    char dir[] = "/tmp/skpi-gen-corpus.XXXXXX", path[96], jpath[128];
    if (mkdtemp(dir) == NULL) {
        perror("gen_corpus: mkdtemp");
        exit(1);
    }
    snprintf(path, sizeof path, "%s/x.skpi", dir);
    snprintf(jpath, sizeof jpath, "%s.journal", path);
    skpi_options *o = js_options(custom);
    skpi_tracker *t;
    skpi_journal *j;
    must(skpi_journal_open(path, o, SKPI_FSYNC_NONE, 0, &t, &j, NULL), "journal");
    skpi_options_free(o);
    js_prefix(t);
    if (checkpoint)
        must(skpi_journal_checkpoint(j, NULL), "checkpoint");
    js_events(t, kind, custom);
    must(skpi_journal_close(j), "close");
    skpi_tracker_free(t);
    FILE *f = fopen(jpath, "rb");
    static unsigned char buf[1 << 16];
    *n = f == NULL ? 0 : fread(buf, 1, sizeof buf, f);
    if (f == NULL || *n < 24 || *n == sizeof buf) {
        fprintf(stderr, "gen_corpus: cannot read %s\n", jpath);
        exit(1);
    }
    fclose(f);
    unlink(path);
    unlink(jpath);
    rmdir(dir);
    unsigned char *copy = malloc(*n);
    if (copy == NULL)
        exit(1);
    memcpy(copy, buf, *n);
    return copy;
}

/* The offset just after record k (0: the header) of journal b[0..n). */
static size_t record_end(const unsigned char *b, size_t n, int k)
{
    size_t pos = 24;
    for (int i = 0; i < k; i++) {
        if (n - pos < 16) {
            fprintf(stderr, "gen_corpus: a journal with fewer than %d records\n", k);
            exit(1);
        }
        pos += 16 + (size_t)(b[pos] | b[pos + 1] << 8 | b[pos + 2] << 16);
    }
    return pos;
}

static void journal_seed(const char *dir, const char *name, unsigned flags,
                         const unsigned char *b, size_t n)
{
    char file[128];
    const char flag = (char)flags;
    snprintf(file, sizeof file, "%s.jrnl", name);
    write_file(dir, file, &flag, 1, (const char *)b, n);
}

static void journal_seeds(const char *corpus)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/fuzz_journal", corpus);
    mkdir(dir, 0777);
    size_t n;
    unsigned char *b;
    char name[64];
    for (int kind = 1; kind <= 15; kind++) {
        b = journal_of(0, 0, kind, &n);
        snprintf(name, sizeof name, "kind-%02d", kind);
        journal_seed(dir, name, JS_SNAPSHOT, b, n);
        free(b);
    }
    b = journal_of(0, 1, 0, &n);
    journal_seed(dir, "all-after-checkpoint", JS_SNAPSHOT, b, n);
    free(b);
    b = journal_of(0, 0, 0, &n);
    journal_seed(dir, "all-no-snapshot", 0, b, n);
    journal_seed(dir, "all", JS_SNAPSHOT, b, n);
    /* A torn tail: the last record cut short. */
    journal_seed(dir, "torn-tail", JS_SNAPSHOT, b, n - 5);
    /* Damage in the middle: a payload byte of the seventh record. */
    size_t at = record_end(b, n, 6) + 17;
    b[at] ^= 0x20;
    journal_seed(dir, "mid-damage", JS_SNAPSHOT, b, n);
    journal_seed(dir, "mid-damage-repair", JS_SNAPSHOT | JS_REPAIR, b, n);
    free(b);
    /* Other options: they apply without the snapshot (made with the
     * defaults), and with it a rating of 0 does not. */
    b = journal_of(1, 0, 0, &n);
    journal_seed(dir, "custom-no-snapshot", JS_CUSTOM, b, n);
    journal_seed(dir, "custom-over-snapshot", JS_SNAPSHOT, b, n);
    free(b);
    /* Only part of the prefix: a journal that ends before its snapshot. */
    b = journal_of(0, 0, -1, &n);
    journal_seed(dir, "older-than-snapshot", JS_SNAPSHOT, b, record_end(b, n, JS_PREFIX - 1));
    free(b);
    b = journal_of(0, 1, -1, &n);
    journal_seed(dir, "empty", JS_SNAPSHOT, b, n);
    free(b);
    journal_seed(dir, "no-journal", JS_SNAPSHOT | JS_NO_FILE, NULL, 0);
    journal_seed(dir, "nothing", JS_CUSTOM | JS_NO_FILE, NULL, 0);
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
    journal_seeds(argv[1]);
    return 0;
}

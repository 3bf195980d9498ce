/*
 * check_snapshot.c -- snapshots (bytes and files), damage, golden files,
 * and merge.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixtures.h"
#include "testutil.h"

#define D0 INT64_C(1709251200) /* 2024-03-01T00:00:00Z */
#define DAY INT64_C(86400)

static char *bytes_of(const skpi_tracker *t, size_t *len)
{
    char *b = NULL;
    ck_assert_status(skpi_tracker_to_bytes(t, &b, len), SKPI_OK);
    return b;
}

static char *json_of(skpi_tracker *t, const char *period)
{
    int64_t from, to;
    char *json = NULL;
    ck_assert_status(skpi_period_parse(t, period, &from, &to), SKPI_OK);
    ck_assert_status(skpi_report_json(t, from, to, NULL, 0, 0, &json, NULL), SKPI_OK);
    return json;
}

/* Load b and check that saving it again gives the same bytes. */
static skpi_tracker *reload(const char *b, size_t n)
{
    skpi_tracker *u = NULL;
    skpi_error err;
    memset(&err, 0, sizeof err);
    skpi_status st = skpi_tracker_from_bytes(b, n, &u, &err);
    ck_assert_msg(st == SKPI_OK, "load: %s at %lld (%s: %s)", skpi_status_name(st),
                  (long long)err.offset, err.field, err.text);
    size_t n2;
    char *b2 = bytes_of(u, &n2);
    ck_assert_uint_eq(n2, n);
    ck_assert(memcmp(b, b2, n) == 0);
    skpi_free(b2);
    return u;
}

START_TEST(test_round_trip)
{
    static const char *const zones[] = {"Europe/London", "+04:00", "Asia/Dubai"};
    for (int z = 0; z < 3; z++) {
        for (int bucket = 0; bucket <= 1; bucket++) {
            skpi_tracker *t = rich_tracker(zones[z], bucket);
            size_t n;
            char *b = bytes_of(t, &n);
            skpi_tracker *u = reload(b, n);
            ck_assert_str_eq(skpi_tracker_zone(u), zones[z]);
            ck_assert_int_eq(skpi_tracker_bucket(u), bucket);
            ck_assert_int_eq(skpi_tracker_has_business_hours(u), 1);
            uint32_t id;
            ck_assert_status(skpi_taxonomy_find(u, SKPI_PLATFORM, "tiktok", &id), SKPI_OK);
            ck_assert_str_eq(skpi_taxonomy_label(u, SKPI_PLATFORM, id), skpi_taxonomy_label(t, SKPI_PLATFORM, id));
            char *a = json_of(t, "2024-03"), *c = json_of(u, "2024-03");
            ck_assert_str_eq(a, c);
            skpi_free(a);
            skpi_free(c);
            /* The waiting messages came along: replies still match, and
             * the duplicate check still works. */
            ck_assert_status(skpi_record_reply(u, 0, "m0", D0 + 40 * DAY), SKPI_OK);
            ck_assert_status(skpi_record_message_id(u, 1, 0, D0, "m1", NULL), SKPI_EDUPLICATE);
            skpi_free(b);
            skpi_tracker_free(u);
            skpi_tracker_free(t);
        }
    }
}
END_TEST

START_TEST(test_empty_tracker)
{
    skpi_tracker *t = tracker_in("Z", SKPI_BUCKET_DAY);
    size_t n;
    char *b = bytes_of(t, &n);
    skpi_tracker *u = reload(b, n);
    ck_assert_uint_eq(skpi_taxonomy_count(u, SKPI_CATEGORY), 7);
    skpi_free(b);
    skpi_tracker_free(u);
    skpi_tracker_free(t);
}
END_TEST

typedef struct half {
    skpi_tracker *t;
    int part;
} half;

static void record_part(skpi_tracker *t, int part, int parts)
{
    char id[32];
    for (int i = part; i < 2000; i += parts) {
        snprintf(id, sizeof id, "x%d", i);
        ck_assert(skpi_record_message_id(t, (uint32_t)(i % 3), (uint32_t)(i % 7), D0 + i * 977, id, id + 1) == SKPI_OK);
        if (i % 4)
            ck_assert(skpi_record_reply(t, (uint32_t)(i % 3), id, D0 + i * 977 + i * 13) == SKPI_OK);
        ck_assert(skpi_record_follower(t, (uint32_t)(i % 3), D0 + i, id) == SKPI_OK);
        ck_assert(skpi_record_followers(t, (uint32_t)(i % 3), D0 + i * 977, i) == SKPI_OK);
        ck_assert(skpi_record_engagement(t, (uint32_t)(i % 3), 1, D0 + i * 977, i + 1) == SKPI_OK);
    }
}

static void *record_half(void *arg)
{
    half *h = arg;
    record_part(h->t, h->part, 2);
    return NULL;
}

START_TEST(test_deterministic_across_threads)
{
    /* Two threads writing into several shards save the same bytes as one
     * thread writing everything. */
    skpi_tracker *one = tracker_in("+04:00", SKPI_BUCKET_DAY);
    skpi_tracker *two = tracker_in("+04:00", SKPI_BUCKET_DAY);
    record_part(one, 0, 1);
    pthread_t a, b;
    half ha = {two, 0}, hb = {two, 1};
    ck_assert_int_eq(pthread_create(&a, NULL, record_half, &ha), 0);
    ck_assert_int_eq(pthread_create(&b, NULL, record_half, &hb), 0);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    size_t n1, n2;
    char *b1 = bytes_of(one, &n1), *b2 = bytes_of(two, &n2);
    ck_assert_uint_eq(n1, n2);
    ck_assert(memcmp(b1, b2, n1) == 0);
    skpi_free(b1);
    skpi_free(b2);
    skpi_tracker_free(one);
    skpi_tracker_free(two);
}
END_TEST

/* ===== Files ===== */

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/skpi-snap.%ld", (long)getpid());
    ck_assert_int_eq(mkdir(dir, 0700), 0);
}

/* Files in dir, to show that nothing temporary is left. */
static int files_in_dir(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void remove_dir(void)
{
    char path[320];
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (d != NULL)
        closedir(d);
    rmdir(dir);
}

START_TEST(test_save_load)
{
    make_dir();
    char path[128];
    snprintf(path, sizeof path, "%s/state.skpi", dir);
    skpi_tracker *t = rich_tracker("Europe/London", SKPI_BUCKET_DAY);
    skpi_error err;
    ck_assert_status(skpi_tracker_save(t, path, &err), SKPI_OK);
    ck_assert_int_eq(files_in_dir(), 1);
    /* Saving again replaces the file atomically. */
    ck_assert_status(skpi_record_message(t, 0, 0, D0), SKPI_OK);
    ck_assert_status(skpi_tracker_save(t, path, NULL), SKPI_OK);
    ck_assert_int_eq(files_in_dir(), 1);
    skpi_tracker *u = NULL;
    ck_assert_status(skpi_tracker_load(path, &u, &err), SKPI_OK);
    size_t n1, n2;
    char *b1 = bytes_of(t, &n1), *b2 = bytes_of(u, &n2);
    ck_assert_uint_eq(n1, n2);
    ck_assert(memcmp(b1, b2, n1) == 0);
    skpi_free(b1);
    skpi_free(b2);
    skpi_tracker_free(u);
    /* Errors name the file and errno's reason. */
    memset(&err, 0, sizeof err);
    snprintf(path, sizeof path, "%s/no/such/dir/state.skpi", dir);
    ck_assert_status(skpi_tracker_save(t, path, &err), SKPI_EIO);
    ck_assert_int_eq(err.status, SKPI_EIO);
    ck_assert_ptr_nonnull(strstr(err.text, "No such file or directory"));
    u = (skpi_tracker *)&err; /* must stay untouched */
    ck_assert_status(skpi_tracker_load(path, &u, &err), SKPI_EIO);
    ck_assert_ptr_eq(u, (skpi_tracker *)&err);
    ck_assert_status(skpi_tracker_load(dir, &u, &err), SKPI_EIO);
    ck_assert_status(skpi_tracker_save(NULL, path, &err), SKPI_EINVAL);
    ck_assert_status(skpi_tracker_load(NULL, &u, NULL), SKPI_EINVAL);
    ck_assert_int_eq(files_in_dir(), 1);
    skpi_tracker_free(t);
    remove_dir();
}
END_TEST

/* ===== Damage ===== */

static skpi_tracker *small_tracker(void)
{
    skpi_tracker *t = tracker_in("+04:00", SKPI_BUCKET_DAY);
    ck_assert_status(skpi_record_message_id(t, 0, 0, D0, "a", "ann"), SKPI_OK);
    ck_assert_status(skpi_record_message_id(t, 1, 4, D0 + 60, "b", NULL), SKPI_OK);
    ck_assert_status(skpi_record_reply(t, 0, "a", D0 + 600), SKPI_OK);
    ck_assert_status(skpi_record_followers(t, 2, D0, 635000), SKPI_OK);
    ck_assert_status(skpi_record_follower(t, 2, D0, "ann"), SKPI_OK);
    ck_assert_status(skpi_record_rating(t, 0, D0, 5), SKPI_OK);
    return t;
}

START_TEST(test_truncation_every_length)
{
    skpi_tracker *t = small_tracker();
    size_t n;
    char *b = bytes_of(t, &n);
    for (size_t len = 0; len < n; len++) {
        skpi_tracker *u = NULL;
        skpi_error err;
        skpi_status st = skpi_tracker_from_bytes(b, len, &u, &err);
        ck_assert_msg(st == SKPI_ETRUNC || (len < 8 && st == SKPI_EFORMAT),
                      "length %zu: %s", len, skpi_status_name(st));
        ck_assert_ptr_null(u);
        ck_assert_int_eq(err.status, st);
    }
    skpi_free(b);
    skpi_tracker_free(t);
}
END_TEST

START_TEST(test_every_bit_flip)
{
    /* Every single-bit error anywhere is refused: header fields, frame
     * lengths and payloads are all under a CRC-32C, which catches every
     * burst of up to 32 bits. */
    skpi_tracker *t = small_tracker();
    size_t n;
    char *b = bytes_of(t, &n);
    int by_status[SKPI_EJOURNAL + 1] = {0};
    for (size_t i = 0; i < n; i++) {
        for (int bit = 0; bit < 8; bit++) {
            b[i] = (char)(b[i] ^ (1 << bit));
            skpi_tracker *u = NULL;
            skpi_status st = skpi_tracker_from_bytes(b, n, &u, NULL);
            b[i] = (char)(b[i] ^ (1 << bit));
            ck_assert_msg(st != SKPI_OK, "byte %zu bit %d accepted", i, bit);
            ck_assert_ptr_null(u);
            by_status[st]++;
        }
    }
    ck_assert_int_gt(by_status[SKPI_ECRC], 0);
    ck_assert_int_gt(by_status[SKPI_EFORMAT], 0);
    skpi_free(b);
    skpi_tracker_free(t);
}
END_TEST

/* Rewrite the CRCs of a snapshot after a deliberate change, so that the
 * change itself is what the loader meets. */

static uint32_t crc32c(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1)));
    }
    return ~c;
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* Recompute the header CRC and every section CRC of b[0..n). */
static void fix_crcs(unsigned char *b, size_t n)
{
    put32(b + 28, crc32c(b, 28));
    size_t pos = 32;
    while (pos + 16 <= n) {
        uint64_t len = get64(b + pos + 8);
        if (len > n - pos - 16 - 4)
            break;
        put32(b + pos + 16 + len, crc32c(b + pos, 16 + (size_t)len));
        pos += 16 + (size_t)len + 4;
    }
}

START_TEST(test_header_fields)
{
    skpi_tracker *t = small_tracker();
    size_t n;
    unsigned char *b = (unsigned char *)bytes_of(t, &n);
    skpi_tracker *u = NULL;
    skpi_error err;
    /* The CRC-32C check value of RFC 3720: the test's own CRC is right. */
    ck_assert_uint_eq(crc32c((const unsigned char *)"123456789", 9), 0xE3069283u);
    /* Version 2 with a valid CRC: unsupported, at offset 8. */
    b[8] = 2;
    fix_crcs(b, n);
    ck_assert_status(skpi_tracker_from_bytes(b, n, &u, &err), SKPI_EVERSION);
    ck_assert_int_eq(err.offset, 8);
    ck_assert_str_eq(err.field, "version");
    b[8] = 1;
    /* Reserved flags. */
    b[10] = 1;
    fix_crcs(b, n);
    ck_assert_status(skpi_tracker_from_bytes(b, n, &u, &err), SKPI_ECORRUPT);
    ck_assert_str_eq(err.field, "flags");
    b[10] = 0;
    /* A total length that lies: too long is truncation, too short is
     * trailing data. */
    b[16] = (unsigned char)(b[16] + 1);
    fix_crcs(b, n);
    ck_assert_status(skpi_tracker_from_bytes(b, n, &u, &err), SKPI_ETRUNC);
    b[16] = (unsigned char)(b[16] - 2);
    fix_crcs(b, n);
    ck_assert_status(skpi_tracker_from_bytes(b, n, &u, &err), SKPI_ECORRUPT);
    b[16] = (unsigned char)(b[16] + 1);
    fix_crcs(b, n);
    ck_assert_status(skpi_tracker_from_bytes(b, n, &u, &err), SKPI_OK);
    skpi_tracker_free(u);
    u = NULL;
    /* A section length that lies past the end. */
    unsigned char saved = b[32 + 15];
    b[32 + 15] = 0x7F;
    fix_crcs(b, n);
    ck_assert_status(skpi_tracker_from_bytes(b, n, &u, &err), SKPI_ETRUNC);
    ck_assert_int_eq(err.offset, 32 + 8);
    b[32 + 15] = saved;
    /* Not a snapshot at all. */
    ck_assert_status(skpi_tracker_from_bytes("hello, world, this is no snapshot", 33, &u, &err), SKPI_EFORMAT);
    ck_assert_int_eq(err.offset, 0);
    ck_assert_status(skpi_tracker_from_bytes(NULL, 3, &u, &err), SKPI_EINVAL);
    ck_assert_ptr_null(u);
    /* Trailing bytes after a valid snapshot. */
    unsigned char *longer = malloc(n + 1);
    memcpy(longer, b, n);
    longer[n] = 0;
    fix_crcs(longer, n);
    ck_assert_status(skpi_tracker_from_bytes(longer, n + 1, &u, &err), SKPI_ECORRUPT);
    free(longer);
    skpi_free(b);
    skpi_tracker_free(t);
}
END_TEST

START_TEST(test_golden_v1)
{
    /* A snapshot of format version 1 written by 0.1.0, loaded forever
     * after (regenerate only with a new format version, never in place). */
    char path[512];
    snprintf(path, sizeof path, "%s/data/golden-v1.skpi", TEST_SRCDIR);
    skpi_tracker *u = NULL;
    skpi_error err;
    skpi_status st = skpi_tracker_load(path, &u, &err);
    ck_assert_msg(st == SKPI_OK, "%s: %s", skpi_status_name(st), err.text);
    ck_assert_str_eq(skpi_tracker_zone(u), "Europe/London");
    char *json = json_of(u, "2024-03");
    ck_assert_ptr_nonnull(strstr(json, "\"messages\":{\"total\":300,"));
    ck_assert_ptr_nonnull(strstr(json, "\"expected\":262,\"answered\":176,"));
    ck_assert_ptr_nonnull(strstr(json, "\"unique_authors\":41,"));
    skpi_free(json);
    /* Written again, it is the same file. */
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    static char file[1 << 20];
    size_t n = fread(file, 1, sizeof file, f);
    fclose(f);
    size_t m;
    char *b = bytes_of(u, &m);
    ck_assert_uint_eq(m, n);
    ck_assert(memcmp(b, file, n) == 0);
    skpi_free(b);
    skpi_tracker_free(u);
}
END_TEST

/* ===== Merge ===== */

START_TEST(test_merge_equals_single)
{
    /* Shards of one event stream, merged in any order, equal one tracker
     * that saw everything: byte for byte. */
    skpi_tracker *all = tracker_in("+04:00", SKPI_BUCKET_DAY);
    record_part(all, 0, 1);
    skpi_tracker *s[3];
    for (int i = 0; i < 3; i++) {
        s[i] = tracker_in("+04:00", SKPI_BUCKET_DAY);
        record_part(s[i], i, 3);
    }
    size_t n0, n1, n2;
    char *want = bytes_of(all, &n0);
    /* (s0 + s1) + s2 */
    skpi_tracker *a = tracker_in("+04:00", SKPI_BUCKET_DAY);
    ck_assert_status(skpi_tracker_merge(a, s[0]), SKPI_OK);
    ck_assert_status(skpi_tracker_merge(a, s[1]), SKPI_OK);
    ck_assert_status(skpi_tracker_merge(a, s[2]), SKPI_OK);
    char *got = bytes_of(a, &n1);
    ck_assert_uint_eq(n1, n0);
    ck_assert(memcmp(got, want, n0) == 0);
    skpi_free(got);
    /* s2 + (s1 + s0): commutative and associative. */
    ck_assert_status(skpi_tracker_merge(s[1], s[0]), SKPI_OK);
    ck_assert_status(skpi_tracker_merge(s[2], s[1]), SKPI_OK);
    got = bytes_of(s[2], &n2);
    ck_assert_uint_eq(n2, n0);
    ck_assert(memcmp(got, want, n0) == 0);
    skpi_free(got);
    skpi_free(want);
    skpi_tracker_free(a);
    skpi_tracker_free(all);
    for (int i = 0; i < 3; i++)
        skpi_tracker_free(s[i]);
}
END_TEST

START_TEST(test_merge_taxonomy_by_slug)
{
    skpi_tracker *a = tracker_in("Z", SKPI_BUCKET_DAY);
    skpi_tracker *b = tracker_in("Z", SKPI_BUCKET_DAY);
    uint32_t tk, wa, wa_b, tk_b;
    ck_assert_status(skpi_taxonomy_add(a, SKPI_PLATFORM, "tiktok", NULL, &tk), SKPI_OK);
    ck_assert_status(skpi_taxonomy_add(b, SKPI_PLATFORM, "whatsapp", NULL, &wa_b), SKPI_OK);
    ck_assert_status(skpi_taxonomy_add(b, SKPI_PLATFORM, "tiktok", NULL, &tk_b), SKPI_OK);
    ck_assert_uint_eq(tk, 3);
    ck_assert_uint_eq(tk_b, 4);
    ck_assert_status(skpi_record_message(a, tk, 0, D0), SKPI_OK);
    ck_assert_status(skpi_record_message(b, tk_b, 0, D0), SKPI_OK);
    ck_assert_status(skpi_record_message(b, wa_b, 0, D0), SKPI_OK);
    ck_assert_status(skpi_tracker_merge(a, b), SKPI_OK);
    ck_assert_status(skpi_taxonomy_find(a, SKPI_PLATFORM, "whatsapp", &wa), SKPI_OK);
    ck_assert_uint_eq(wa, 4);
    skpi_report *r = NULL;
    int64_t n;
    ck_assert_status(skpi_report_new(a, D0, D0 + DAY, NULL, 0, &r), SKPI_OK);
    ck_assert_status(skpi_report_messages(r, tk, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 2);
    ck_assert_status(skpi_report_messages(r, wa, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    skpi_report_free(r);
    skpi_tracker_free(a);
    skpi_tracker_free(b);
}
END_TEST

/* dst's bytes before and after a refused merge are the same. */
static void assert_merge_refused(skpi_tracker *dst, const skpi_tracker *src,
                                 skpi_status want)
{
    size_t n1, n2;
    char *before = bytes_of(dst, &n1);
    ck_assert_status(skpi_tracker_merge(dst, src), want);
    char *after = bytes_of(dst, &n2);
    ck_assert_uint_eq(n1, n2);
    ck_assert(memcmp(before, after, n1) == 0);
    skpi_free(before);
    skpi_free(after);
}

START_TEST(test_merge_refused)
{
    skpi_tracker *a = small_tracker();
    skpi_tracker *z = tracker_in("Z", SKPI_BUCKET_DAY);
    skpi_tracker *h = tracker_in("+04:00", SKPI_BUCKET_HOUR);
    assert_merge_refused(a, z, SKPI_EINCOMPAT);
    assert_merge_refused(a, h, SKPI_EINCOMPAT);
    /* A category of the same slug in another group. */
    skpi_tracker *c = tracker_in("+04:00", SKPI_BUCKET_DAY);
    ck_assert_status(skpi_category_add(a, "lost_property", NULL, SKPI_GROUP_INQUIRY, 1, NULL), SKPI_OK);
    ck_assert_status(skpi_category_add(c, "lost_property", NULL, SKPI_GROUP_COMPLAINT, 1, NULL), SKPI_OK);
    assert_merge_refused(a, c, SKPI_EEXIST);
    /* A united taxonomy that does not fit. */
    skpi_tracker *full = tracker_in("+04:00", SKPI_BUCKET_DAY);
    char slug[16];
    for (int i = 3; i < SKPI_MAX_PLATFORMS; i++) {
        snprintf(slug, sizeof slug, "a%d", i);
        ck_assert_status(skpi_taxonomy_add(a, SKPI_PLATFORM, slug, NULL, NULL), SKPI_OK);
        snprintf(slug, sizeof slug, "b%d", i);
        ck_assert_status(skpi_taxonomy_add(full, SKPI_PLATFORM, slug, NULL, NULL), SKPI_OK);
    }
    assert_merge_refused(a, full, SKPI_ELIMIT);
    /* An overflowing counter. */
    skpi_tracker *big1 = tracker_in("Z", SKPI_BUCKET_DAY), *big2 = tracker_in("Z", SKPI_BUCKET_DAY);
    ck_assert_status(skpi_record_engagement(big1, 0, 0, D0, INT64_MAX - 1), SKPI_OK);
    ck_assert_status(skpi_record_engagement(big2, 0, 0, D0, 2), SKPI_OK);
    assert_merge_refused(big1, big2, SKPI_EOVERFLOW);
    ck_assert_status(skpi_tracker_merge(NULL, a), SKPI_EINVAL);
    ck_assert_status(skpi_tracker_merge(a, NULL), SKPI_EINVAL);
    skpi_tracker *list[] = {a, z, h, c, full, big1, big2};
    for (size_t i = 0; i < sizeof list / sizeof list[0]; i++)
        skpi_tracker_free(list[i]);
}
END_TEST

START_TEST(test_merge_into_itself_doubles)
{
    skpi_tracker *a = small_tracker();
    ck_assert_status(skpi_tracker_merge(a, a), SKPI_OK);
    skpi_report *r = NULL;
    int64_t n;
    ck_assert_status(skpi_report_new(a, D0 - 4 * 3600, D0 + 20 * 3600, NULL, 0, &r), SKPI_OK);
    ck_assert_status(skpi_report_messages(r, SKPI_ALL, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 4);
    /* Follower readings keep the latest, and ids stay distinct people. */
    ck_assert_status(skpi_report_followers(r, 2, &n, NULL, NULL, NULL), SKPI_OK);
    ck_assert_int_eq(n, 635000);
    ck_assert_status(skpi_report_people(r, SKPI_PEOPLE_FOLLOWERS, SKPI_ALL, &n, NULL), SKPI_OK);
    ck_assert_int_eq(n, 1);
    skpi_report_free(r);
    skpi_tracker_free(a);
}
END_TEST

static Suite *snapshot_suite(void)
{
    Suite *s = suite_create("snapshot");
    TCase *core = tcase_create("core");
    tcase_set_timeout(core, 120);
    tcase_add_test(core, test_round_trip);
    tcase_add_test(core, test_empty_tracker);
    tcase_add_test(core, test_deterministic_across_threads);
    tcase_add_test(core, test_save_load);
    tcase_add_test(core, test_golden_v1);
    suite_add_tcase(s, core);
    TCase *damage = tcase_create("damage");
    tcase_set_timeout(damage, 600);
    tcase_add_test(damage, test_truncation_every_length);
    tcase_add_test(damage, test_every_bit_flip);
    tcase_add_test(damage, test_header_fields);
    suite_add_tcase(s, damage);
    TCase *merge = tcase_create("merge");
    tcase_add_test(merge, test_merge_equals_single);
    tcase_add_test(merge, test_merge_taxonomy_by_slug);
    tcase_add_test(merge, test_merge_refused);
    tcase_add_test(merge, test_merge_into_itself_doubles);
    suite_add_tcase(s, merge);
    return s;
}

SKPI_CHECK_MAIN(snapshot_suite)

/*
 * check_store.c -- the recording fast path (lib/store.c) is exact.
 *
 * Two things there could go wrong without any other suite noticing:
 *
 *  - the bucket cache: each shard remembers the UTC spans of the buckets
 *    it computed last, and an event inside a span is put in that bucket
 *    without asking the zone.  The "buckets" tests record events in
 *    zones whose days are 23, 25 or 0 hours long, or whose hours start at
 *    :30 or :45, in a shuffled order (so that the cache misses and refills
 *    often), and compare every bucket's count with the local date or hour
 *    that skpi_time_format() gives each event's instant;
 *  - owned shards: a thread writes the shard it claimed with plain loads
 *    and stores.  The "shards" tests run more threads than a tracker has
 *    owned shards (so that some share the CPU shards), threads that end
 *    and are replaced (which inherit their predecessors' shards), and
 *    threads that keep recording after a merge exchanged the tracker's
 *    shards, and require exact totals.  Run this suite under
 *    ThreadSanitizer too (doc/threading.md).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"

#define DAY INT64_C(86400)
#define STEP 900 /* every zone's bucket boundaries lie on a 15-minute grid */

/* ===================================================================== */
/* Buckets                                                               */
/* ===================================================================== */

/* splitmix64, for shuffling with a fixed seed. */
static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* The local bucket key of an instant: "YYYY-MM-DD" or "YYYY-MM-DDTHH". */
static void key_of(const skpi_tracker *t, int64_t x, int bucket, char *key)
{
    char buf[SKPI_TIME_BUFSIZE];
    ck_assert_status(skpi_time_format(t, x, buf, sizeof buf), SKPI_OK);
    size_t n = bucket == SKPI_BUCKET_DAY ? 10 : 13;
    memcpy(key, buf, n);
    key[n] = '\0';
}

static int64_t messages(const skpi_tracker *t, int64_t from, int64_t to)
{
    skpi_report *r = NULL;
    int64_t n = -1;
    ck_assert_status(skpi_report_new(t, from, to, NULL, 0, &r), SKPI_OK);
    ck_assert_status(skpi_report_messages(r, SKPI_ALL, SKPI_ALL, &n), SKPI_OK);
    skpi_report_free(r);
    return n;
}

/*
 * Record one message at a random second of every 15-minute step of
 * [from, to) in `zone`, in a shuffled order, then check each bucket: the
 * steps whose instants share a local date (or date and hour) form one
 * bucket, whose range must be accepted by skpi_report_new() (it is
 * aligned) and hold exactly the messages of those steps.  A repeated
 * hour's two UTC hours share a key, and so a bucket, as the library
 * defines it.
 */
static void check_buckets(const char *zone, int bucket, const char *from,
                          const char *to)
{
    skpi_tracker *t = tracker_in(zone, bucket);
    int64_t f = at(from), e = at(to);
    size_t n = (size_t)((e - f) / STEP);
    int64_t *times = malloc(n * sizeof *times);
    ck_assert_ptr_nonnull(times);
    uint64_t seed = (uint64_t)f;
    /* A step's first second, its last, or one in between: the first and
     * last seconds of every bucket are among them. */
    for (size_t i = 0; i < n; i++) {
        uint64_t r = next(&seed);
        int64_t sec = r % 4 == 0 ? 0 : r % 4 == 1 ? STEP - 1 : (int64_t)(r >> 2) % STEP;
        times[i] = f + (int64_t)i * STEP + sec;
    }
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = (size_t)(next(&seed) % (i + 1));
        int64_t x = times[i];
        times[i] = times[j];
        times[j] = x;
    }
    for (size_t i = 0; i < n; i++)
        ck_assert_status(skpi_record_message(t, SKPI_PLATFORM_TWITTER,
                                             SKPI_CATEGORY_HELP_REQUEST,
                                             times[i]),
                         SKPI_OK);
    free(times);

    /* Walk the grid: a run of steps with one key is one bucket.  The
     * first and last runs may be cut by the ends, so only the runs in
     * between are checked. */
    char key[16], run_key[16] = "";
    int64_t run_start = f, runs = 0, total = 0;
    for (int64_t x = f; x <= e; x += STEP) {
        if (x < e)
            key_of(t, x, bucket, key);
        if (x < e && strcmp(key, run_key) == 0)
            continue;
        if (run_key[0] != '\0' && run_start > f && x < e) {
            int64_t steps = (x - run_start) / STEP;
            int64_t got = messages(t, run_start, x);
            ck_assert_msg(got == steps, "%s %s: %lld messages, expected %lld",
                          zone, run_key, (long long)got, (long long)steps);
            total += got;
            runs++;
        }
        run_start = x;
        strcpy(run_key, key);
    }
    ck_assert_int_gt(runs, 2);
    ck_assert_int_gt(total, 0);
    skpi_tracker_free(t);
}

START_TEST(test_days_dst)
{
    /* 23- and 25-hour days. */
    check_buckets("Europe/London", SKPI_BUCKET_DAY, "2024-03-20T00:00:00Z",
                  "2024-04-05T00:00:00Z");
    check_buckets("Europe/London", SKPI_BUCKET_DAY, "2024-10-20T00:00:00Z",
                  "2024-11-05T00:00:00Z");
    /* Midnight skipped: the day starts at 01:00. */
    check_buckets("America/Sao_Paulo", SKPI_BUCKET_DAY,
                  "2017-10-08T00:00:00Z", "2017-10-22T00:00:00Z");
    /* A day skipped whole (2011-12-30) and a 30-minute change. */
    check_buckets("Pacific/Apia", SKPI_BUCKET_DAY, "2011-12-24T00:00:00Z",
                  "2012-01-06T00:00:00Z");
    check_buckets("Australia/Lord_Howe", SKPI_BUCKET_DAY,
                  "2024-03-30T00:00:00Z", "2024-04-12T00:00:00Z");
}
END_TEST

START_TEST(test_hours_dst)
{
    check_buckets("Europe/London", SKPI_BUCKET_HOUR, "2024-03-29T00:00:00Z",
                  "2024-04-02T00:00:00Z");
    check_buckets("Europe/London", SKPI_BUCKET_HOUR, "2024-10-25T00:00:00Z",
                  "2024-10-29T00:00:00Z");
    check_buckets("Australia/Lord_Howe", SKPI_BUCKET_HOUR,
                  "2024-04-05T00:00:00Z", "2024-04-09T00:00:00Z");
    check_buckets("Asia/Kathmandu", SKPI_BUCKET_HOUR, "2024-01-01T00:00:00Z",
                  "2024-01-04T00:00:00Z");
}
END_TEST

START_TEST(test_fixed_offsets)
{
    check_buckets("-03:30", SKPI_BUCKET_DAY, "2024-01-01T00:00:00Z",
                  "2024-01-15T00:00:00Z");
    check_buckets("+05:45", SKPI_BUCKET_HOUR, "2024-01-01T00:00:00Z",
                  "2024-01-03T00:00:00Z");
    /* The first buckets of the time range, west of UTC. */
    check_buckets("-11:00", SKPI_BUCKET_DAY, "1970-01-01T00:00:00Z",
                  "1970-01-10T00:00:00Z");
}
END_TEST

/* A response's lag is counted from its arrival bucket, whichever buckets
 * the cache holds: answers 0..9 days later in an IANA zone, the later
 * ones beyond the lag cells (the late table). */
START_TEST(test_response_lags)
{
    skpi_tracker *t = tracker_in("Europe/London", SKPI_BUCKET_DAY);
    int64_t base = at("2024-03-28T12:00:00Z");
    for (int round = 0; round < 3; round++) {
        for (int d = 0; d < 10; d++) {
            int64_t received = base + round * 3600;
            ck_assert_status(skpi_record_message(t, 0, 0, received), SKPI_OK);
            ck_assert_status(skpi_record_response(t, 0, 0, received,
                                                  received + d * DAY + 60),
                             SKPI_OK);
        }
    }
    int64_t f = 0, e = 0, n = 0, count = -1;
    ck_assert_status(skpi_period_parse(t, "2024-03-28", &f, &e), SKPI_OK);
    skpi_report *r = NULL;
    ck_assert_status(skpi_report_new(t, f, e, NULL, 0, &r), SKPI_OK);
    ck_assert_status(skpi_report_messages(r, 0, 0, &count), SKPI_OK);
    ck_assert_int_eq(count, 30);
    ck_assert_status(skpi_report_responses(r, 0, 0, NULL, &n, NULL), SKPI_OK);
    ck_assert_int_eq(n, 30);
    skpi_report_free(r);
    /* At the end of the seventh day after, the answers of days 8 and 9
     * (six of them) are still waiting. */
    ck_assert_status(skpi_period_parse(t, "2024-03-28/2024-04-05", &f, &e),
                     SKPI_OK);
    ck_assert_status(skpi_report_new(t, f, e, NULL, 0, &r), SKPI_OK);
    ck_assert_status(skpi_report_backlog(r, 0, 0, &count, NULL), SKPI_OK);
    ck_assert_int_eq(count, 6);
    skpi_report_free(r);
    skpi_tracker_free(t);
}
END_TEST

/* ===================================================================== */
/* Shards                                                                */
/* ===================================================================== */

#define BASE INT64_C(1704067200) /* 2024-01-01T00:00:00Z */
#define SPAN_DAYS 40

typedef struct job {
    skpi_tracker *t;
    long events;
    long errors;
} job;

/* Per event: a message, and every 4th a response, an engagement of 3 and
 * a rating; every 8th a follower id. */
static void *record_events(void *arg)
{
    job *j = arg;
    char id[32];
    for (long i = 0; i < j->events; i++) {
        int64_t time = BASE + (i * 7919) % (SPAN_DAYS * DAY);
        uint32_t p = (uint32_t)(i % 3);
        if (skpi_record_message(j->t, p, (uint32_t)(i % 7), time) != SKPI_OK)
            j->errors++;
        if (i % 4 == 0) {
            if (skpi_record_response(j->t, p, (uint32_t)(i % 7), time,
                                     time + (i % 200000)) != SKPI_OK)
                j->errors++;
            if (skpi_record_engagement(j->t, p, SKPI_KIND_LIKE, time, 3) !=
                SKPI_OK)
                j->errors++;
            if (skpi_record_rating(j->t, p, time, 1 + (int)(i % 5)) != SKPI_OK)
                j->errors++;
        }
        if (i % 8 == 0) {
            snprintf(id, sizeof id, "person-%ld", i % 5000);
            if (skpi_record_follower(j->t, p, time, id) != SKPI_OK)
                j->errors++;
        }
    }
    return NULL;
}

/* The totals of the whole span must be those of `jobs` jobs of `events`. */
static void check_totals(const skpi_tracker *t, long jobs, long events)
{
    skpi_report *r = NULL;
    int64_t n = -1, answered = -1, eng = -1, ratings = -1, people = -1;
    int64_t f = 0, e = 0;
    ck_assert_status(skpi_period_parse(t, "2023-12-30/2024-02-15", &f, &e),
                     SKPI_OK);
    ck_assert_status(skpi_report_new(t, f, e, NULL, 0, &r), SKPI_OK);
    ck_assert_status(skpi_report_messages(r, SKPI_ALL, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, jobs * events);
    long quarter = (events + 3) / 4;
    ck_assert_status(skpi_report_response_time(r, SKPI_ALL, SKPI_ALL, 0,
                                               &answered, NULL, NULL, NULL),
                     SKPI_OK);
    /* Categories 0..5 expect an answer: 6 of every 7 responses. */
    long expected = 0;
    for (long i = 0; i < events; i += 4)
        expected += i % 7 != 6;
    ck_assert_int_eq(answered, jobs * expected);
    ck_assert_status(skpi_report_engagement(r, SKPI_ALL, SKPI_ALL, &eng),
                     SKPI_OK);
    ck_assert_int_eq(eng, jobs * quarter * 3);
    ck_assert_status(skpi_report_csat(r, SKPI_ALL, &ratings, NULL, NULL, NULL),
                     SKPI_OK);
    ck_assert_int_eq(ratings, jobs * quarter);
    ck_assert_status(skpi_report_people(r, SKPI_PEOPLE_FOLLOWERS, SKPI_ALL,
                                        &people, NULL),
                     SKPI_OK);
    /* The distinct follower ids are estimated exactly as one thread
     * recording them alone would: sketches merge exactly, however the
     * threads split the ids between shards. */
    skpi_tracker *alone = tracker_in(skpi_tracker_zone(t),
                                     skpi_tracker_bucket(t));
    job j = {alone, events, 0};
    record_events(&j);
    ck_assert_int_eq(j.errors, 0);
    skpi_report *ra = NULL;
    int64_t want = -1;
    ck_assert_status(skpi_report_new(alone, f, e, NULL, 0, &ra), SKPI_OK);
    ck_assert_status(skpi_report_people(ra, SKPI_PEOPLE_FOLLOWERS, SKPI_ALL,
                                        &want, NULL),
                     SKPI_OK);
    skpi_report_free(ra);
    skpi_tracker_free(alone);
    ck_assert_int_gt(want, 0);
    ck_assert_int_eq(people, want);
    skpi_report_free(r);
}

static void run_jobs(skpi_tracker *t, int n, long events)
{
    pthread_t tid[32];
    job j[32];
    ck_assert_int_le(n, 32);
    for (int i = 0; i < n; i++) {
        j[i].t = t;
        j[i].events = events;
        j[i].errors = 0;
        ck_assert_int_eq(pthread_create(&tid[i], NULL, record_events, &j[i]), 0);
    }
    for (int i = 0; i < n; i++) {
        ck_assert_int_eq(pthread_join(tid[i], NULL), 0);
        ck_assert_int_eq(j[i].errors, 0);
    }
}

/* More threads than owned shards: the rest share the CPU shards. */
START_TEST(test_many_threads)
{
    skpi_tracker *t = tracker_in("+04:00", SKPI_BUCKET_DAY);
    run_jobs(t, 24, 20000);
    check_totals(t, 24, 20000);
    skpi_tracker_free(t);
}
END_TEST

/* Threads that end and are replaced, one at a time and in pairs: later
 * threads inherit the shards of those that ended. */
START_TEST(test_thread_churn)
{
    skpi_tracker *t = tracker_in("Europe/London", SKPI_BUCKET_HOUR);
    for (int round = 0; round < 20; round++)
        run_jobs(t, 1 + round % 2, 3000);
    check_totals(t, 30, 3000);
    skpi_tracker_free(t);
}
END_TEST

/* A merge exchanges the tracker's shards for new ones: the same threads
 * (and the main thread) go on recording into it, exactly. */
START_TEST(test_record_after_merge)
{
    skpi_tracker *t = tracker_in("+04:00", SKPI_BUCKET_DAY);
    skpi_tracker *u = tracker_in("+04:00", SKPI_BUCKET_DAY);
    job main_job = {t, 5000, 0};
    record_events(&main_job);
    run_jobs(t, 3, 5000);
    job other = {u, 5000, 0};
    record_events(&other);
    ck_assert_status(skpi_tracker_merge(t, u), SKPI_OK);
    record_events(&main_job);
    run_jobs(t, 3, 5000);
    ck_assert_int_eq(main_job.errors + other.errors, 0);
    check_totals(t, 9, 5000);
    skpi_tracker_free(u);
    skpi_tracker_free(t);
}
END_TEST

static Suite *store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("buckets");
    tcase_add_test(tc, test_days_dst);
    tcase_add_test(tc, test_hours_dst);
    tcase_add_test(tc, test_fixed_offsets);
    tcase_add_test(tc, test_response_lags);
    suite_add_tcase(s, tc);
    tc = tcase_create("shards");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_many_threads);
    tcase_add_test(tc, test_thread_churn);
    tcase_add_test(tc, test_record_after_merge);
    suite_add_tcase(s, tc);
    return s;
}

SKPI_CHECK_MAIN(store_suite)

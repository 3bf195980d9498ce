/*
 * check_threads.c -- recording from several threads at once is exact, and
 * reporting and registering meanwhile are safe.
 *
 * Each writer thread records EVENTS events of every kind, spread over two
 * years so that many pages are allocated concurrently.  The expected
 * figures come from replaying the same deterministic event stream in one
 * thread of plain arithmetic.  A reader thread makes reports while the
 * writers run and checks that totals never go down; a registrar adds
 * platforms and kinds at the same time.  CI runs this suite under
 * ThreadSanitizer too.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"

#define EVENTS 1000000L
#define SPAN_DAYS 730
#define BASE INT64_C(1704067200) /* 2024-01-01T00:00:00Z */
#define DAY INT64_C(86400)
/* The writers' whole span, in whole local days of the +04:00 tracker. */
#define SPAN_FROM (BASE - 4 * 3600)
#define SPAN_TO (BASE + (SPAN_DAYS + 1) * DAY - 4 * 3600)

typedef struct event {
    int kind; /* 0,1 message  2 response  3 engagement  4 rating */
    uint32_t platform, category;
    int64_t time, delay;
    int score;
} event;

/* The i-th event of a writer thread (the same in every thread). */
static event event_at(long i)
{
    event e;
    e.kind = (int)(i % 5);
    e.platform = (uint32_t)(i % 3);
    e.category = (uint32_t)((i / 3) % 7);
    e.time = BASE + (int64_t)((i * 7919L) % (SPAN_DAYS * DAY));
    e.delay = (i * 31) % 100000;
    e.score = 1 + (int)((i / 5) % 5);
    return e;
}

typedef struct writer {
    skpi_tracker *t;
    long errors;
} writer;

static void *write_events(void *arg)
{
    writer *w = arg;
    for (long i = 0; i < EVENTS; i++) {
        event e = event_at(i);
        skpi_status st;
        switch (e.kind) {
        case 0:
        case 1:
            st = skpi_record_message(w->t, e.platform, e.category, e.time);
            break;
        case 2:
            st = skpi_record_response(w->t, e.platform, e.category, e.time,
                                      e.time + e.delay);
            break;
        case 3:
            st = skpi_record_engagement(w->t, e.platform, SKPI_KIND_SHARE,
                                        e.time, 3);
            break;
        default:
            st = skpi_record_rating(w->t, e.platform, e.time, e.score);
        }
        if (st != SKPI_OK)
            w->errors++;
    }
    return NULL;
}

typedef struct reader {
    skpi_tracker *t;
    _Atomic int stop;
    long reports, regressions, errors;
} reader;

static void *read_reports(void *arg)
{
    reader *r = arg;
    int64_t last = 0;
    while (!atomic_load(&r->stop)) {
        skpi_report *rep = NULL;
        int64_t n = 0;
        if (skpi_report_new(r->t, SPAN_FROM, SPAN_TO, NULL, 0, &rep) !=
                SKPI_OK ||
            skpi_report_messages(rep, SKPI_ALL, SKPI_ALL, &n) != SKPI_OK) {
            r->errors++;
        } else if (n < last) {
            r->regressions++;
        }
        last = n;
        skpi_report_free(rep);
        r->reports++;
    }
    return NULL;
}

typedef struct registrar {
    skpi_tracker *t;
    long errors;
} registrar;

static void *register_entries(void *arg)
{
    registrar *g = arg;
    char slug[16];
    for (int i = 0; i < SKPI_MAX_PLATFORMS - 3; i++) {
        snprintf(slug, sizeof slug, "p%d", i);
        if (skpi_taxonomy_add(g->t, SKPI_PLATFORM, slug, NULL, NULL) != SKPI_OK)
            g->errors++;
        snprintf(slug, sizeof slug, "k%d", i);
        if (skpi_taxonomy_add(g->t, SKPI_KIND, slug, NULL, NULL) != SKPI_OK)
            g->errors++;
    }
    return NULL;
}

static void run_threads(int n_writers)
{
    skpi_tracker *t = tracker_in("+04:00", SKPI_BUCKET_DAY);
    pthread_t tid[8], rid, gid;
    writer w[8];
    reader rd;
    registrar reg = {t, 0};
    memset(&rd, 0, sizeof rd);
    rd.t = t;
    ck_assert_int_eq(pthread_create(&rid, NULL, read_reports, &rd), 0);
    ck_assert_int_eq(pthread_create(&gid, NULL, register_entries, &reg), 0);
    for (int i = 0; i < n_writers; i++) {
        w[i].t = t;
        w[i].errors = 0;
        ck_assert_int_eq(pthread_create(&tid[i], NULL, write_events, &w[i]), 0);
    }
    for (int i = 0; i < n_writers; i++) {
        ck_assert_int_eq(pthread_join(tid[i], NULL), 0);
        ck_assert_int_eq(w[i].errors, 0);
    }
    atomic_store(&rd.stop, 1);
    ck_assert_int_eq(pthread_join(rid, NULL), 0);
    ck_assert_int_eq(pthread_join(gid, NULL), 0);
    ck_assert_int_eq(rd.errors, 0);
    ck_assert_int_eq(rd.regressions, 0);
    ck_assert_int_gt(rd.reports, 0);
    ck_assert_int_eq(reg.errors, 0);
    ck_assert_uint_eq(skpi_taxonomy_count(t, SKPI_PLATFORM), SKPI_MAX_PLATFORMS);

    /* Expected figures, replayed in one thread. */
    int64_t msg[3][7], ans[3][7], within1h[3][7];
    int64_t eng = 0, ratings = 0, satisfied = 0;
    memset(msg, 0, sizeof msg);
    memset(ans, 0, sizeof ans);
    memset(within1h, 0, sizeof within1h);
    for (long i = 0; i < EVENTS; i++) {
        event e = event_at(i);
        if (e.kind <= 1) {
            msg[e.platform][e.category] += n_writers;
        } else if (e.kind == 2) {
            ans[e.platform][e.category] += n_writers;
            if (e.delay <= 3600)
                within1h[e.platform][e.category] += n_writers;
        } else if (e.kind == 3) {
            eng += 3 * n_writers;
        } else {
            ratings += n_writers;
            if (e.score >= 4)
                satisfied += n_writers;
        }
    }

    skpi_report *r = NULL;
    ck_assert_status(skpi_report_new(t, SPAN_FROM, SPAN_TO, NULL, 0, &r), SKPI_OK);
    int64_t total = 0;
    for (uint32_t p = 0; p < 3; p++) {
        for (uint32_t c = 0; c < 7; c++) {
            int64_t n, within;
            ck_assert_status(skpi_report_messages(r, p, c, &n), SKPI_OK);
            ck_assert_int_eq(n, msg[p][c]);
            total += n;
            if (c != SKPI_CATEGORY_THANKS) {
                ck_assert_status(skpi_report_responses(r, p, c, NULL, &n, NULL), SKPI_OK);
                ck_assert_int_eq(n, ans[p][c]);
                ck_assert_status(skpi_report_sla(r, 0, p, c, NULL, &within, NULL, NULL), SKPI_OK);
                ck_assert_int_eq(within, within1h[p][c]);
            }
        }
    }
    ck_assert_int_eq(total, 2 * EVENTS / 5 * n_writers);
    int64_t n;
    ck_assert_status(skpi_report_engagement(r, SKPI_ALL, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, eng);
    int64_t all, sat;
    ck_assert_status(skpi_report_csat(r, SKPI_ALL, &all, &sat, NULL, NULL), SKPI_OK);
    ck_assert_int_eq(all, ratings);
    ck_assert_int_eq(sat, satisfied);
    skpi_report_free(r);
    skpi_tracker_free(t);
}

/* ===== Events with ids: concurrent equals sequential, byte for byte ===== */

#define ID_EVENTS 20000L

typedef struct id_writer {
    skpi_tracker *t;
    int who;
    long errors;
} id_writer;

/* Writer `who` records messages with ids, replies to most of them, and
 * follower and engager ids (overlapping between writers). */
static void *write_ids(void *arg)
{
    id_writer *w = arg;
    char id[48], person[48];
    for (long i = 0; i < ID_EVENTS; i++) {
        uint32_t p = (uint32_t)(i % 3), c = (uint32_t)((i / 3) % 7);
        int64_t at = BASE + (int64_t)((i * 7919L + w->who * 131L) % (60 * DAY));
        snprintf(id, sizeof id, "w%d-m%ld", w->who, i);
        snprintf(person, sizeof person, "person-%ld", (i * 37 + w->who) % 5000);
        if (skpi_record_message_id(w->t, p, c, at, id, person) != SKPI_OK)
            w->errors++;
        if (i % 10 != 0 &&
            skpi_record_reply(w->t, p, id, at + (i * 61) % 200000) != SKPI_OK)
            w->errors++;
        if (skpi_record_follower(w->t, p, at, person) != SKPI_OK)
            w->errors++;
        if (i % 4 == 0 &&
            skpi_record_engagement_by(w->t, p, 0, at, 2, person) != SKPI_OK)
            w->errors++;
    }
    return NULL;
}

static char *json_of(skpi_tracker *t)
{
    char *json = NULL;
    ck_assert_status(skpi_report_json(t, SPAN_FROM, SPAN_TO, NULL, 0, SKPI_JSON_NO_CHANGE, &json, NULL), SKPI_OK);
    return json;
}

START_TEST(test_ids_concurrent_equals_sequential)
{
    enum { WRITERS = 4 };
    skpi_tracker *par = tracker_in("+04:00", SKPI_BUCKET_DAY);
    skpi_tracker *seq = tracker_in("+04:00", SKPI_BUCKET_DAY);
    pthread_t tid[WRITERS];
    id_writer w[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        w[i] = (id_writer){par, i, 0};
        ck_assert_int_eq(pthread_create(&tid[i], NULL, write_ids, &w[i]), 0);
    }
    for (int i = 0; i < WRITERS; i++) {
        ck_assert_int_eq(pthread_join(tid[i], NULL), 0);
        ck_assert_int_eq(w[i].errors, 0);
    }
    for (int i = 0; i < WRITERS; i++) {
        id_writer one = {seq, i, 0};
        write_ids(&one);
        ck_assert_int_eq(one.errors, 0);
    }
    /* Counters add, sketches merge exactly: the same report to the byte. */
    char *a = json_of(par), *b = json_of(seq);
    ck_assert_str_eq(a, b);
    ck_assert_ptr_nonnull(strstr(a, "\"expected\":68576,\"answered\":61724,"));
    ck_assert_ptr_nonnull(strstr(a, "\"unmatched_replies\":0,\"early_replies\":0,\"later_replies\":0,"));
    skpi_free(a);
    skpi_free(b);
    skpi_tracker_free(par);
    skpi_tracker_free(seq);
}
END_TEST

START_TEST(test_two_writers)
{
    run_threads(2);
}
END_TEST

START_TEST(test_four_writers)
{
    run_threads(4);
}
END_TEST

static Suite *threads_suite(void)
{
    Suite *s = suite_create("threads");
    TCase *stress = tcase_create("stress");
    tcase_set_timeout(stress, 600);
    tcase_add_test(stress, test_two_writers);
    tcase_add_test(stress, test_four_writers);
    tcase_add_test(stress, test_ids_concurrent_equals_sequential);
    suite_add_tcase(s, stress);
    return s;
}

SKPI_CHECK_MAIN(threads_suite)

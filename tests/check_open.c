/*
 * check_open.c -- the table of messages awaiting a reply (lib/open.c):
 * which message a full stripe forgets.
 *
 * The table once chose the message to forget by scanning the whole stripe;
 * it now keeps a heap.  The choice must not have changed, so the scan is
 * kept here as the oracle (oracle_victim(), the former stripe_forget()):
 * random inserts, duplicates, answers and forgets are driven through the
 * internal calls, the table is compared with a plain model after every
 * step, and the model forgets what the scan would have.  Keys are drawn so
 * that probe runs are long and wrap around the end of the slots, which
 * exercises the removal's shifting.  Then the paths that fill a table
 * from a snapshot (load, merge) are compared with the same model, a
 * tracker reloaded half-way must go on exactly as the one that was not,
 * the snapshot bytes of a long scenario must equal those the scanning
 * implementation wrote, and threads at the limit must keep exactly what
 * the limit allows.
 *
 * lib/open.c is internal (hidden in the shared library): the program links
 * the static archive, as check_calendar does.
 */
#include <check.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "open.h"
#include "testutil.h"

#define D0 INT64_C(1709251200) /* 2024-03-01T00:00:00Z */

/* An assertion for the inner loops: Check's own report every passing
 * assertion to the parent process, which makes millions of them slow. */
#define REQUIRE(cond)                                                       \
    do {                                                                    \
        if (!(cond))                                                        \
            ck_abort_msg("Assertion '%s' failed", #cond);                   \
    } while (0)

/* ===== Random numbers (SplitMix64: the same on every host) ===== */

static uint64_t rnd_state;

static uint64_t rnd(void)
{
    uint64_t z = (rnd_state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static uint32_t below(uint32_t n)
{
    return (uint32_t)(rnd() % n);
}

/* ===== The model: per stripe, the kept messages in a plain array ===== */

typedef struct model_stripe {
    skpi__open_msg *m;
    size_t n, cap;
} model_stripe;

typedef struct model {
    model_stripe *s;
    unsigned n_stripes;
    size_t stripe_limit;
} model;

static void model_init(model *md, const skpi__open_table *o)
{
    md->n_stripes = o->n_stripes;
    md->stripe_limit = o->stripe_limit;
    md->s = calloc(o->n_stripes, sizeof *md->s);
    REQUIRE(md->s != NULL);
}

static void model_free(model *md)
{
    for (unsigned i = 0; i < md->n_stripes; i++)
        free(md->s[i].m);
    free(md->s);
}

/* The stripe of a key, as lib/open.c and doc/snapshot-format.md put it:
 * the top 6 bits modulo the number of stripes. */
static model_stripe *stripe_of_key(model *md, uint64_t key)
{
    return &md->s[md->n_stripes == 1 ? 0 : (key >> 58) & (md->n_stripes - 1)];
}

static skpi__open_msg *model_find(model *md, uint64_t key)
{
    model_stripe *s = stripe_of_key(md, key);
    for (size_t i = 0; i < s->n; i++)
        if (s->m[i].key == key)
            return &s->m[i];
    return NULL;
}

/*
 * The oracle: the former stripe_forget()'s scan, verbatim but for the
 * array.  The earliest-arriving answered message, else the earliest-
 * arriving waiting one; ties: the lower key.  SIZE_MAX when empty.
 */
static size_t oracle_victim(const skpi__open_msg *slots, size_t n)
{
    const skpi__open_msg *best = NULL;
    size_t at = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        const skpi__open_msg *m = &slots[i];
        if (m->state != SKPI__OPEN_WAITING && m->state != SKPI__OPEN_ANSWERED)
            continue;
        if (best == NULL ||
            (m->state == SKPI__OPEN_ANSWERED) > (best->state == SKPI__OPEN_ANSWERED) ||
            ((m->state == best->state) &&
             (m->received < best->received ||
              (m->received == best->received && m->key < best->key)))) {
            best = m;
            at = i;
        }
    }
    return at;
}

/* Add m as waiting, forgetting first as the scan would; the forgotten
 * message in *gone (state EMPTY if none). */
static void model_insert(model *md, const skpi__open_msg *m, skpi__open_msg *gone)
{
    model_stripe *s = stripe_of_key(md, m->key);
    memset(gone, 0, sizeof *gone);
    if (s->n >= md->stripe_limit) {
        size_t v = oracle_victim(s->m, s->n);
        REQUIRE(v != SIZE_MAX);
        *gone = s->m[v];
        s->m[v] = s->m[--s->n];
    }
    if (s->n == s->cap) {
        s->cap = s->cap == 0 ? 64 : s->cap * 2;
        s->m = realloc(s->m, s->cap * sizeof *s->m);
        REQUIRE(s->m != NULL);
    }
    s->m[s->n] = *m;
    s->m[s->n].state = SKPI__OPEN_WAITING;
    s->m[s->n].heap_at = 0;
    s->n++;
}

static int by_key(const void *a, const void *b)
{
    uint64_t x = ((const skpi__open_msg *)a)->key;
    uint64_t y = ((const skpi__open_msg *)b)->key;
    return (x > y) - (x < y);
}

static void assert_same_msg(const skpi__open_msg *got, const skpi__open_msg *want)
{
    REQUIRE(got->key == want->key);
    REQUIRE(got->received == want->received);
    REQUIRE(got->platform == want->platform);
    REQUIRE(got->category == want->category);
    REQUIRE(got->state == want->state);
}

/* The whole table equals the model: its contents (collect), its counts,
 * and every kept key is found by a lookup. */
static void assert_table_is_model(skpi__open_table *o, model *md)
{
    size_t total = 0, waiting = 0;
    for (unsigned i = 0; i < md->n_stripes; i++) {
        total += md->s[i].n;
        for (size_t k = 0; k < md->s[i].n; k++)
            waiting += md->s[i].m[k].state == SKPI__OPEN_WAITING;
    }
    skpi__open_msg *want = malloc((total + 1) * sizeof *want);
    REQUIRE(want != NULL);
    size_t n = 0;
    for (unsigned i = 0; i < md->n_stripes; i++)
        for (size_t k = 0; k < md->s[i].n; k++)
            want[n++] = md->s[i].m[k];
    qsort(want, n, sizeof *want, by_key);

    skpi__open_msg *got = NULL;
    size_t got_n = 0;
    REQUIRE(skpi__open_collect(o, &got, &got_n) == SKPI_OK);
    REQUIRE(got_n == total);
    for (size_t i = 0; i < n; i++) {
        assert_same_msg(&got[i], &want[i]);
        REQUIRE(got[i].heap_at == 0);
        skpi__open_hold h;
        skpi__open_lock(o, want[i].key, &h);
        REQUIRE(h.msg != NULL);
        assert_same_msg(h.msg, &want[i]);
        skpi__open_unlock(&h);
    }
    free(got);
    free(want);
    size_t kept = 0, w = 0;
    skpi__open_counts(o, &kept, &w);
    REQUIRE(kept == total);
    REQUIRE(w == waiting);
}

/* ===== Differential: the heap against the scan ===== */

/*
 * Keys: `n` distinct ones, either spread over the whole 64 bits or
 * clustered, their low 12 bits (the home slot, for tables of up to 4,096
 * slots) taken from a few values at both ends of the slots, so that probe
 * runs are long and wrap around.
 */
static uint64_t *make_keys(size_t n, bool clustered)
{
    static const uint64_t homes[] = {0, 1, 2, 3, 1023, 2047, 4094, 4095};
    uint64_t *k = malloc(n * sizeof *k);
    REQUIRE(k != NULL);
    for (size_t i = 0; i < n; i++) {
        uint64_t x = rnd();
        if (clustered)
            x = (x & ~UINT64_C(0xFFF)) | homes[below(8)];
        k[i] = x; /* (a repeat, at odds of 2^-40, would only be drawn twice as often) */
    }
    return k;
}

typedef struct tally {
    unsigned long inserts, duplicates, answers, forgot_waiting, forgot_answered,
        comebacks;
} tally;

/*
 * `steps` random events into a table of `limit`: messages (new or
 * duplicate ids) and replies, with arrival times that go back and forth
 * and often tie, over a key set 2.5 times the limit (so that forgotten ids
 * come back as new messages).  After each insert the forgotten message is
 * the oracle's, and it is gone; every 61 steps (limit / 8 for large
 * limits), and at the end, the whole table equals the model.
 */
static void run_differential(size_t limit, bool clustered, unsigned long steps, tally *t)
{
    skpi__open_table o;
    REQUIRE(skpi__open_init(&o, limit) == SKPI_OK);
    model md;
    model_init(&md, &o);
    size_t n_keys = limit * 5 / 2 + 8;
    uint64_t *keys = make_keys(n_keys, clustered);
    bool *ever = calloc(n_keys, sizeof *ever);
    REQUIRE(ever != NULL);
    int64_t clock = D0;
    uint32_t spread = 1 + below(60); /* how far arrivals scatter */
    unsigned long check_every = limit < 500 ? 61 : limit / 8;

    for (unsigned long step = 0; step < steps; step++) {
        size_t ki = below((uint32_t)n_keys);
        uint64_t key = keys[ki];
        const skpi__open_msg *known = model_find(&md, key);
        skpi__open_hold h;
        skpi__open_lock(&o, key, &h);
        if (known == NULL)
            REQUIRE(h.msg == NULL);
        else {
            REQUIRE(h.msg != NULL);
            assert_same_msg(h.msg, known);
        }
        if (below(100) < 60) { /* a message */
            if (h.msg != NULL) {
                t->duplicates++;
                skpi__open_unlock(&h);
                continue;
            }
            REQUIRE(skpi__open_reserve(&h) == SKPI_OK);
            skpi__open_msg m = {0};
            m.key = key;
            m.received = clock + (int64_t)below(spread) - (int64_t)(spread / 2);
            m.platform = below(4);
            m.category = below(9);
            m.state = 77;    /* the table sets the state */
            m.heap_at = 999; /* and its own field */
            skpi__open_msg gone;
            model_insert(&md, &m, &gone);
            skpi__forgot f = skpi__open_insert(&h, &m);
            skpi__forgot want = gone.state == SKPI__OPEN_EMPTY     ? SKPI__FORGOT_NONE
                                : gone.state == SKPI__OPEN_WAITING ? SKPI__FORGOT_WAITING
                                                                   : SKPI__FORGOT_ANSWERED;
            if (f != want)
                ck_abort_msg("step %lu, limit %zu: forgot %d, the scan forgets %d (key %016llx)",
                             step, limit, (int)f, (int)want, (unsigned long long)gone.key);
            REQUIRE(h.msg != NULL);
            assert_same_msg(h.msg, model_find(&md, key));
            skpi__open_unlock(&h);
            if (gone.state != SKPI__OPEN_EMPTY) {
                skpi__open_lock(&o, gone.key, &h);
                REQUIRE(h.msg == NULL);
                skpi__open_unlock(&h);
                if (gone.state == SKPI__OPEN_WAITING)
                    t->forgot_waiting++;
                else
                    t->forgot_answered++;
            }
            t->inserts++;
            t->comebacks += ever[ki];
            ever[ki] = true;
        } else { /* a reply: answers a waiting message most of the time */
            if (h.msg != NULL && h.msg->state == SKPI__OPEN_WAITING && below(10) < 8) {
                skpi__open_answer(&h);
                model_find(&md, key)->state = SKPI__OPEN_ANSWERED;
                REQUIRE(h.msg->state == SKPI__OPEN_ANSWERED);
                t->answers++;
            }
            skpi__open_unlock(&h);
        }
        clock += below(3);
        if (step % check_every == check_every - 1)
            assert_table_is_model(&o, &md);
    }
    assert_table_is_model(&o, &md);
    free(ever);
    free(keys);
    model_free(&md);
    skpi__open_free(&o);
}

/* Limits of one stripe (tiny, at the 1,024 floor, between powers of two)
 * and of 2, 4 and 64 stripes. */
static const size_t limits[] = {1, 2, 3, 7, 64, 1000, 1024, 1535, 1536, 2048, 5000, 70000};
#define N_LIMITS (sizeof limits / sizeof limits[0])

START_TEST(test_forgets_as_the_scan)
{
    for (int clustered = 0; clustered < 2; clustered++) {
        size_t limit = limits[_i];
        rnd_state = 0x5EED0000u + (uint64_t)_i * 2 + (uint64_t)clustered;
        tally t = {0};
        unsigned long steps = limit < 2000    ? 40000
                              : limit < 10000 ? (unsigned long)limit * 6
                                              : (unsigned long)limit * 3;
        run_differential(limit, clustered != 0, steps, &t);
        /* The run did what it is for: it forgot both kinds, answered, and
         * saw duplicates and forgotten ids come back. */
        ck_assert_uint_gt(t.forgot_waiting, 0);
        ck_assert_uint_gt(t.forgot_answered, 0);
        ck_assert_uint_gt(t.answers, 0);
        ck_assert_uint_gt(t.duplicates, 0);
        ck_assert_uint_gt(t.comebacks, 0);
    }
}
END_TEST

/* Forgetting starts exactly at the limit, stripe by stripe: with one
 * stripe, `limit` distinct messages forget nothing and the next one
 * forgets the first. */
START_TEST(test_exact_limit)
{
    skpi__open_table o;
    ck_assert_status(skpi__open_init(&o, 1500), SKPI_OK);
    ck_assert_uint_eq(o.n_stripes, 1);
    for (uint64_t i = 0; i <= 1500; i++) {
        skpi__open_hold h;
        uint64_t key = (i * 0x9E3779B97F4A7C15u) | 1;
        skpi__open_lock(&o, key, &h);
        ck_assert_ptr_null(h.msg);
        ck_assert_status(skpi__open_reserve(&h), SKPI_OK);
        skpi__open_msg m = {0};
        m.received = D0 + (int64_t)i;
        ck_assert_int_eq(skpi__open_insert(&h, &m),
                         i < 1500 ? SKPI__FORGOT_NONE : SKPI__FORGOT_WAITING);
        skpi__open_unlock(&h);
    }
    size_t kept;
    skpi__open_counts(&o, &kept, NULL);
    ck_assert_uint_eq(kept, 1500);
    skpi__open_hold h;
    skpi__open_lock(&o, 1, &h); /* i = 0: the earliest */
    ck_assert_ptr_null(h.msg);
    skpi__open_unlock(&h);
    skpi__open_free(&o);
}
END_TEST

/* ===== Trackers: load, merge, reload, the former bytes ===== */

static skpi_tracker *tracker_limit(size_t limit)
{
    skpi_options *o = NULL;
    skpi_tracker *t = NULL;
    ck_assert_status(skpi_options_new(&o), SKPI_OK);
    ck_assert_status(skpi_options_set_open_limit(o, limit), SKPI_OK);
    ck_assert_status(skpi_tracker_new(o, &t), SKPI_OK);
    skpi_options_free(o);
    return t;
}

/*
 * Events `from` to `to` of a deterministic scenario over 4 platforms and
 * `ids` ids: messages (some duplicates, forgotten ids recorded again) and
 * replies (first, later, early, unknown), arrival times scattered over a
 * few hours and often equal.  Refusals (duplicates, unknown ids, early
 * replies) are part of it, so statuses are not checked here.
 */
static void play(skpi_tracker *t, uint64_t seed, unsigned long from, unsigned long to,
                 unsigned ids)
{
    char id[32];
    uint64_t save = rnd_state;
    for (unsigned long i = from; i < to; i++) {
        rnd_state = seed ^ (i * 0xD1B54A32D192ED03u);
        uint32_t p = below(4);
        snprintf(id, sizeof id, "m%u", below(ids));
        int64_t when = D0 + (int64_t)(i / 4) + (int64_t)below(7200);
        if (below(100) < 55)
            (void)skpi_record_message_id(t, p, below(9), when, id, NULL);
        else
            (void)skpi_record_reply(t, p, id, when + (int64_t)below(3600));
    }
    rnd_state = save;
}

static uint64_t fnv1a(const char *b, size_t n)
{
    uint64_t h = 0xCBF29CE484222325u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)b[i]) * 0x100000001B3u;
    return h;
}

static uint64_t digest(const skpi_tracker *t)
{
    char *b = NULL;
    size_t n = 0;
    ck_assert_status(skpi_tracker_to_bytes(t, &b, &n), SKPI_OK);
    uint64_t h = fnv1a(b, n);
    skpi_free(b);
    return h;
}

static int64_t forgotten(const skpi_tracker *t)
{
    skpi_report *r = NULL;
    int64_t n = -1;
    ck_assert_status(skpi_report_new(t, D0 - 86400, D0 + 90 * 86400, NULL, 0, &r), SKPI_OK);
    ck_assert_status(skpi_report_anomalies(r, SKPI_ALL, SKPI_ANOMALY_FORGOTTEN_MESSAGES, &n),
                     SKPI_OK);
    skpi_report_free(r);
    return n;
}

/* The model of a tracker's table, from its own collect. */
static void model_of(model *md, skpi_tracker *t)
{
    model_init(md, &t->open);
    skpi__open_msg *m = NULL;
    size_t n = 0;
    ck_assert_status(skpi__open_collect(&t->open, &m, &n), SKPI_OK);
    for (size_t i = 0; i < n; i++) {
        skpi__open_msg gone;
        uint32_t state = m[i].state;
        model_insert(md, &m[i], &gone);
        ck_assert_uint_eq(gone.state, SKPI__OPEN_EMPTY);
        model_find(md, m[i].key)->state = state;
    }
    free(m);
}

/*
 * A merge applies src's kept messages in key order to a copy of dst, as
 * lib/snapshot.c's read_open() does: a message both know is answered if
 * either side answered it; a new one is inserted -- forgetting, at the
 * limit, what the scan chooses -- then answered if src answered it.
 */
START_TEST(test_merge_forgets_as_the_scan)
{
    static const size_t merge_limits[] = {1024, 1500, 5000};
    size_t limit = merge_limits[_i];
    skpi_tracker *dst = tracker_limit(limit), *src = tracker_limit(limit);
    play(dst, 11 + (uint64_t)_i, 0, limit * 6, (unsigned)limit * 2);
    play(src, 23 + (uint64_t)_i, 0, limit * 6, (unsigned)limit * 2);
    /* Some ids on both sides, as they would be for two shards of one log. */
    play(dst, 5, 0, limit, (unsigned)limit);
    play(src, 5, 0, limit, (unsigned)limit);

    model want;
    model_of(&want, dst);
    skpi__open_msg *theirs = NULL;
    size_t n = 0, shared = 0, dropped = 0;
    ck_assert_status(skpi__open_collect(&src->open, &theirs, &n), SKPI_OK);
    for (size_t i = 0; i < n; i++) {
        skpi__open_msg *m = model_find(&want, theirs[i].key), gone;
        if (m != NULL) {
            if (theirs[i].state == SKPI__OPEN_ANSWERED)
                m->state = SKPI__OPEN_ANSWERED;
            shared++;
            continue;
        }
        model_insert(&want, &theirs[i], &gone);
        dropped += gone.state != SKPI__OPEN_EMPTY;
        model_find(&want, theirs[i].key)->state = theirs[i].state;
    }
    free(theirs);
    ck_assert_uint_gt(shared, 0);
    ck_assert_uint_gt(dropped, 0);

    ck_assert_status(skpi_tracker_merge(dst, src), SKPI_OK);
    assert_table_is_model(&dst->open, &want);
    model_free(&want);
    skpi_tracker_free(dst);
    skpi_tracker_free(src);
}
END_TEST

/*
 * A tracker saved and loaded half-way (its heap then built from the loaded
 * table) goes on exactly as the one that kept running (its heap kept since
 * the table first filled): the same bytes after the second half.
 */
START_TEST(test_reload_goes_on_the_same)
{
    static const size_t reload_limits[] = {1, 5, 1024, 1535, 5000};
    size_t limit = reload_limits[_i];
    unsigned long events = limit < 1000 ? 4000 : limit * 8;
    skpi_tracker *a = tracker_limit(limit);
    play(a, 99, 0, events / 2, (unsigned)limit * 3);
    char *b = NULL;
    size_t n = 0;
    ck_assert_status(skpi_tracker_to_bytes(a, &b, &n), SKPI_OK);
    skpi_tracker *c = NULL;
    ck_assert_status(skpi_tracker_from_bytes(b, n, &c, NULL), SKPI_OK);
    skpi_free(b);
    ck_assert_uint_eq(digest(a), digest(c));
    int64_t before = forgotten(a);
    play(a, 99, events / 2, events, (unsigned)limit * 3);
    play(c, 99, events / 2, events, (unsigned)limit * 3);
    ck_assert_int_gt(forgotten(a), before);
    ck_assert_uint_eq(digest(a), digest(c));
    ck_assert_int_eq(forgotten(a), forgotten(c));
    skpi_tracker_free(a);
    skpi_tracker_free(c);
}
END_TEST

/*
 * The snapshot bytes of long scenarios, and of a merge of two, as the
 * scanning implementation (commit ade1c9b) wrote them: FNV-1a 64 of
 * skpi_tracker_to_bytes().  (A change of the snapshot format changes these
 * too; the other tests here then still say whether forgetting changed.)
 */
START_TEST(test_former_bytes)
{
    static const struct {
        size_t limit;
        uint64_t alone, merged;
    } cases[] = {
        {1024, UINT64_C(0x78d001c3e95ed468), UINT64_C(0x4136d1228bbbdf5f)},
        {5000, UINT64_C(0x3a88f64dff4131a1), UINT64_C(0xd9d4244a04bb993c)},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t limit = cases[i].limit;
        skpi_tracker *a = tracker_limit(limit), *b = tracker_limit(limit);
        play(a, 1234, 0, limit * 20, (unsigned)limit * 3);
        play(b, 4321, 0, limit * 20, (unsigned)limit * 3);
        uint64_t alone = digest(a);
        ck_assert_status(skpi_tracker_merge(a, b), SKPI_OK);
        uint64_t merged = digest(a);
        printf("limit %zu: alone %016llx, merged %016llx\n", limit,
               (unsigned long long)alone, (unsigned long long)merged);
        fflush(stdout);
        ck_assert_uint_eq(alone, cases[i].alone);
        ck_assert_uint_eq(merged, cases[i].merged);
        skpi_tracker_free(a);
        skpi_tracker_free(b);
    }
}
END_TEST

/* ===== Threads at the limit ===== */

#define THREAD_MSGS 6000

typedef struct writer {
    skpi_tracker *t;
    int who;
    long errors;
} writer;

static void *write_at_limit(void *arg)
{
    writer *w = arg;
    char id[32];
    for (int i = 0; i < THREAD_MSGS; i++) {
        snprintf(id, sizeof id, "t%d-%d", w->who, i);
        int64_t when = D0 + i;
        if (skpi_record_message_id(w->t, (uint32_t)(i % 2), 0, when, id, NULL) != SKPI_OK)
            w->errors++;
        /* (Another thread may have made it forgotten already.) */
        skpi_status st = i % 3 == 0 ? skpi_record_reply(w->t, (uint32_t)(i % 2), id, when + 5)
                                    : SKPI_OK;
        if (st != SKPI_OK && st != SKPI_EUNMATCHED)
            w->errors++;
    }
    return NULL;
}

/*
 * Four threads fill a table of four stripes far past its limit.  Which
 * messages stay depends on the interleaving, but how many does not: each
 * stripe keeps exactly min(its messages, its limit), and every other
 * message was forgotten once.
 */
START_TEST(test_threads_at_limit)
{
    enum { WRITERS = 4 };
    skpi_tracker *t = tracker_limit(4096);
    ck_assert_uint_eq(t->open.n_stripes, 4);
    pthread_t tid[WRITERS];
    writer w[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        w[i] = (writer){t, i, 0};
        ck_assert_int_eq(pthread_create(&tid[i], NULL, write_at_limit, &w[i]), 0);
    }
    for (int i = 0; i < WRITERS; i++) {
        ck_assert_int_eq(pthread_join(tid[i], NULL), 0);
        ck_assert_int_eq(w[i].errors, 0);
    }
    size_t per[4] = {0};
    char id[32];
    for (int who = 0; who < WRITERS; who++)
        for (int i = 0; i < THREAD_MSGS; i++) {
            int k = snprintf(id, sizeof id, "t%d-%d", who, i);
            uint64_t key = skpi__open_key((uint32_t)(i % 2), id, (size_t)k);
            per[(key >> 58) & 3]++;
        }
    size_t want = 0;
    for (int s = 0; s < 4; s++)
        want += per[s] < 1024 ? per[s] : 1024;
    size_t kept;
    skpi__open_counts(&t->open, &kept, NULL);
    ck_assert_uint_eq(kept, want);
    /* Forgotten while waiting: some, and never more than were dropped. */
    ck_assert_int_gt(forgotten(t), 0);
    ck_assert_int_le(forgotten(t), WRITERS * THREAD_MSGS - (int64_t)want);
    skpi__open_msg *m = NULL;
    size_t n = 0;
    ck_assert_status(skpi__open_collect(&t->open, &m, &n), SKPI_OK);
    ck_assert_uint_eq(n, want);
    free(m);
    skpi_tracker_free(t);
}
END_TEST

static Suite *open_suite(void)
{
    Suite *s = suite_create("open");
    TCase *core = tcase_create("core");
    tcase_set_timeout(core, 600);
    tcase_add_loop_test(core, test_forgets_as_the_scan, 0, (int)N_LIMITS);
    tcase_add_test(core, test_exact_limit);
    suite_add_tcase(s, core);
    TCase *trackers = tcase_create("trackers");
    tcase_set_timeout(trackers, 600);
    tcase_add_loop_test(trackers, test_merge_forgets_as_the_scan, 0, 3);
    tcase_add_loop_test(trackers, test_reload_goes_on_the_same, 0, 5);
    tcase_add_test(trackers, test_former_bytes);
    suite_add_tcase(s, trackers);
    TCase *threads = tcase_create("threads");
    tcase_set_timeout(threads, 600);
    tcase_add_test(threads, test_threads_at_limit);
    suite_add_tcase(s, threads);
    return s;
}

SKPI_CHECK_MAIN(open_suite)

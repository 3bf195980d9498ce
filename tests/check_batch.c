/*
 * check_batch.c -- skpi_record_batch(): a batch records exactly what one
 * call per event records, stops where that loop would stop, and refuses
 * malformed batches before touching anything.
 *
 * Most tests run a list of events twice: as one batch into tracker `a`,
 * and one call at a time into tracker `b` (the reference loop: it keeps
 * going past refused-but-counted events and stops at any other error).
 * Both must end at the same event with the same status, count the same
 * anomalies, hold the same snapshot bytes -- and match what the test
 * states it expects.
 */
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

enum { TW = SKPI_PLATFORM_TWITTER, FB = SKPI_PLATFORM_FACEBOOK,
       IG = SKPI_PLATFORM_INSTAGRAM };

#define D0 INT64_C(1710014400) /* 2024-03-10T00:00:00+04:00 */

static skpi_tracker *a, *b;

static void setup(void)
{
    a = tracker_in("+04:00", SKPI_BUCKET_DAY);
    b = tracker_in("+04:00", SKPI_BUCKET_DAY);
}

static void teardown(void)
{
    skpi_tracker_free(a);
    skpi_tracker_free(b);
    a = b = NULL;
}

/* Whether two trackers hold the same state, byte for byte. */
static int same(const skpi_tracker *x, const skpi_tracker *y)
{
    char *bx = NULL, *by = NULL;
    size_t nx = 0, ny = 0;
    ck_assert_status(skpi_tracker_to_bytes(x, &bx, &nx), SKPI_OK);
    ck_assert_status(skpi_tracker_to_bytes(y, &by, &ny), SKPI_OK);
    int eq = nx == ny && memcmp(bx, by, nx) == 0;
    skpi_free(bx);
    skpi_free(by);
    return eq;
}

/* ===================================================================== */
/* Events, as a batch and one call at a time                             */
/* ===================================================================== */

/* One event; id2 NULL means no author. */
typedef struct ev {
    uint32_t p, sub;
    int64_t time, value;
    const char *id, *id2;
} ev;

#define MAX_EVENTS 16
#define LONG_ID 300

/* The columns of a batch, built from events. */
typedef struct cols {
    uint32_t platform[MAX_EVENTS], sub[MAX_EVENTS];
    int64_t time[MAX_EVENTS], value[MAX_EVENTS];
    char ids[MAX_EVENTS * LONG_ID], ids2[MAX_EVENTS * LONG_ID];
    size_t id_ends[MAX_EVENTS], id2_ends[MAX_EVENTS];
} cols;

static cols c;

/* Which optional columns an event kind takes. */
static int uses_sub(int kind)
{
    return kind == SKPI_EVENT_MESSAGE || kind == SKPI_EVENT_RESPONSE ||
           kind == SKPI_EVENT_ENGAGEMENT || kind == SKPI_EVENT_MESSAGE_ID ||
           kind == SKPI_EVENT_ENGAGEMENT_BY;
}

static int uses_ids(int kind)
{
    return kind == SKPI_EVENT_MESSAGE_ID || kind == SKPI_EVENT_REPLY ||
           kind == SKPI_EVENT_ENGAGEMENT_BY || kind == SKPI_EVENT_FOLLOWER;
}

static int uses_value(int kind)
{
    return kind == SKPI_EVENT_RESPONSE || kind == SKPI_EVENT_ENGAGEMENT ||
           kind == SKPI_EVENT_POSTS || kind == SKPI_EVENT_FOLLOWERS ||
           kind == SKPI_EVENT_RATING || kind == SKPI_EVENT_ENGAGEMENT_BY;
}

/* Options of make_batch(). */
enum { NO_VALUE = 1, AUTHORS = 2 };

/* Lay the events out as the columns of a batch of `kind`. */
static skpi_batch make_batch(int kind, const ev *evs, size_t n, unsigned opt)
{
    ck_assert_uint_le(n, MAX_EVENTS);
    memset(&c, 0, sizeof c);
    size_t end = 0, end2 = 0;
    for (size_t i = 0; i < n; i++) {
        c.platform[i] = evs[i].p;
        c.sub[i] = evs[i].sub;
        c.time[i] = evs[i].time;
        c.value[i] = evs[i].value;
        if (uses_ids(kind)) {
            size_t len = strlen(evs[i].id);
            memcpy(c.ids + end, evs[i].id, len);
            c.id_ends[i] = end += len;
        }
        if (opt & AUTHORS) {
            const char *id2 = evs[i].id2 != NULL ? evs[i].id2 : "";
            size_t len = strlen(id2);
            memcpy(c.ids2 + end2, id2, len);
            c.id2_ends[i] = end2 += len;
        }
    }
    skpi_batch bt = {0};
    bt.event = kind;
    bt.n = n;
    bt.platform = c.platform;
    bt.time = c.time;
    bt.sub = uses_sub(kind) ? c.sub : NULL;
    bt.value = uses_value(kind) && !(opt & NO_VALUE) ? c.value : NULL;
    if (uses_ids(kind)) {
        bt.ids = c.ids;
        bt.id_ends = c.id_ends;
    }
    if (opt & AUTHORS) {
        bt.ids2 = c.ids2;
        bt.id2_ends = c.id2_ends;
    }
    return bt;
}

/* Record one event of `kind` with its own call. */
static skpi_status record_call(skpi_tracker *t, int kind, const ev *e,
                               int64_t value)
{
    switch (kind) {
    case SKPI_EVENT_MESSAGE:
        return skpi_record_message(t, e->p, e->sub, e->time);
    case SKPI_EVENT_RESPONSE:
        return skpi_record_response(t, e->p, e->sub, e->time, value);
    case SKPI_EVENT_ENGAGEMENT:
        return skpi_record_engagement(t, e->p, e->sub, e->time, value);
    case SKPI_EVENT_POSTS:
        return skpi_record_posts(t, e->p, e->time, value);
    case SKPI_EVENT_FOLLOWERS:
        return skpi_record_followers(t, e->p, e->time, value);
    case SKPI_EVENT_RATING:
        ck_assert(value >= INT_MIN && value <= INT_MAX);
        return skpi_record_rating(t, e->p, e->time, (int)value);
    case SKPI_EVENT_MESSAGE_ID:
        return skpi_record_message_id(t, e->p, e->sub, e->time, e->id, e->id2);
    case SKPI_EVENT_REPLY:
        return skpi_record_reply(t, e->p, e->id, e->time);
    case SKPI_EVENT_ENGAGEMENT_BY:
        return skpi_record_engagement_by(t, e->p, e->sub, e->time, value, e->id);
    case SKPI_EVENT_FOLLOWER:
        return skpi_record_follower(t, e->p, e->time, e->id);
    default:
        ck_abort_msg("unknown kind %d", kind);
        return SKPI_EINVAL;
    }
}

/* The reference: one call per event, into t. */
static skpi_status one_by_one(skpi_tracker *t, int kind, const ev *evs,
                              size_t n, unsigned opt, size_t *done,
                              uint64_t *anomalies)
{
    uint64_t anom = 0;
    size_t i;
    skpi_status st = SKPI_OK;
    for (i = 0; i < n; i++) {
        st = record_call(t, kind, &evs[i], opt & NO_VALUE ? 1 : evs[i].value);
        if (st == SKPI_EDUPLICATE || st == SKPI_EUNMATCHED ||
            (st == SKPI_EORDER && kind == SKPI_EVENT_REPLY)) {
            anom++;
            st = SKPI_OK;
        } else if (st != SKPI_OK) {
            break;
        }
    }
    *done = i;
    *anomalies = anom;
    return st;
}

/*
 * Record evs as one batch into a and one by one into b; both must give
 * `want` after `want_done` events with `want_anom` anomalies, and leave
 * the same state.
 */
static void check_same(int kind, const ev *evs, size_t n, unsigned opt,
                       skpi_status want, size_t want_done, uint64_t want_anom)
{
    skpi_batch bt = make_batch(kind, evs, n, opt);
    size_t done = 999, ref_done = 0;
    uint64_t anom = 999, ref_anom = 0;
    ck_assert_status(skpi_record_batch(a, &bt, 0, &done, &anom), want);
    ck_assert_uint_eq(done, want_done);
    ck_assert_uint_eq(anom, want_anom);
    ck_assert_status(one_by_one(b, kind, evs, n, opt, &ref_done, &ref_anom), want);
    ck_assert_uint_eq(ref_done, want_done);
    ck_assert_uint_eq(ref_anom, want_anom);
    ck_assert_msg(same(a, b), "batch of kind %d differs from one call per event",
                  kind);
}

/* ===================================================================== */
/* Each kind of event                                                    */
/* ===================================================================== */

START_TEST(test_message)
{
    static const ev evs[] = {
        {TW, SKPI_CATEGORY_GENERAL_INQUIRY, D0 + 10, 0, NULL, NULL},
        {FB, SKPI_CATEGORY_SERVICE_COMPLAINT, D0 + 86399, 0, NULL, NULL},
        {IG, SKPI_CATEGORY_THANKS, D0 + 86400, 0, NULL, NULL},
        {TW, SKPI_CATEGORY_GENERAL_INQUIRY, D0 - 1, 0, NULL, NULL},
    };
    check_same(SKPI_EVENT_MESSAGE, evs, 4, 0, SKPI_OK, 4, 0);
    /* Not trivially equal: the batch recorded something. */
    skpi_tracker *empty = tracker_in("+04:00", SKPI_BUCKET_DAY);
    ck_assert(!same(a, empty));
    skpi_tracker_free(empty);
}
END_TEST

START_TEST(test_response)
{
    static const ev evs[] = {
        {TW, SKPI_CATEGORY_HELP_REQUEST, D0, D0 + 1800, NULL, NULL},
        {TW, SKPI_CATEGORY_HELP_REQUEST, D0, D0, NULL, NULL},
        {FB, SKPI_CATEGORY_THANKS, D0 + 5, D0 + 172800, NULL, NULL},
    };
    check_same(SKPI_EVENT_RESPONSE, evs, 3, 0, SKPI_OK, 3, 0);
}
END_TEST

START_TEST(test_engagement)
{
    static const ev evs[] = {
        {TW, SKPI_KIND_LIKE, D0, 100, NULL, NULL},
        {FB, SKPI_KIND_SHARE, D0 + 1, 1, NULL, NULL},
        {IG, SKPI_KIND_COMMENT, D0 + 86400, INT64_MAX - 100, NULL, NULL},
    };
    check_same(SKPI_EVENT_ENGAGEMENT, evs, 3, 0, SKPI_OK, 3, 0);
    check_same(SKPI_EVENT_ENGAGEMENT, evs, 3, NO_VALUE, SKPI_OK, 3, 0);
}
END_TEST

START_TEST(test_posts)
{
    static const ev evs[] = {
        {TW, 0, D0, 4, NULL, NULL},
        {FB, 0, D0 + 86400, 1, NULL, NULL},
    };
    check_same(SKPI_EVENT_POSTS, evs, 2, 0, SKPI_OK, 2, 0);
    check_same(SKPI_EVENT_POSTS, evs, 2, NO_VALUE, SKPI_OK, 2, 0);
}
END_TEST

START_TEST(test_followers)
{
    static const ev evs[] = {
        {TW, 0, D0 + 100, 1000, NULL, NULL},
        {TW, 0, D0 + 50, 9999, NULL, NULL}, /* earlier: loses */
        {FB, 0, D0, 0, NULL, NULL},
        {IG, 0, D0, SKPI_FOLLOWERS_MAX, NULL, NULL},
    };
    check_same(SKPI_EVENT_FOLLOWERS, evs, 4, 0, SKPI_OK, 4, 0);
}
END_TEST

START_TEST(test_rating)
{
    static const ev evs[] = {
        {TW, 0, D0, 5, NULL, NULL},
        {TW, 0, D0 + 1, 1, NULL, NULL},
        {FB, 0, D0 + 2, 4, NULL, NULL},
    };
    check_same(SKPI_EVENT_RATING, evs, 3, 0, SKPI_OK, 3, 0);
}
END_TEST

START_TEST(test_message_id)
{
    static const ev evs[] = {
        {TW, SKPI_CATEGORY_GENERAL_INQUIRY, D0, 0, "m1", "alice"},
        {TW, SKPI_CATEGORY_HELP_REQUEST, D0 + 1, 0, "m2", NULL},
        {FB, SKPI_CATEGORY_GENERAL_INQUIRY, D0 + 2, 0, "m1", "bob"}, /* other platform */
        {TW, SKPI_CATEGORY_GENERAL_INQUIRY, D0 + 3, 0, "m1", "carol"}, /* duplicate */
        {IG, SKPI_CATEGORY_THANKS, D0 + 4, 0, "\xd9\x85\xd8\xb1", "alice"},
    };
    check_same(SKPI_EVENT_MESSAGE_ID, evs, 5, AUTHORS, SKPI_OK, 5, 1);

    /* Without an author column: no author for any event. */
    static const ev plain[] = {
        {TW, SKPI_CATEGORY_GENERAL_INQUIRY, D0, 0, "p1", NULL},
        {TW, SKPI_CATEGORY_GENERAL_INQUIRY, D0, 0, "p2", NULL},
    };
    check_same(SKPI_EVENT_MESSAGE_ID, plain, 2, 0, SKPI_OK, 2, 0);
}
END_TEST

START_TEST(test_reply)
{
    static const ev msgs[] = {
        {TW, SKPI_CATEGORY_GENERAL_INQUIRY, D0 + 100, 0, "m1", NULL},
        {TW, SKPI_CATEGORY_GENERAL_INQUIRY, D0 + 100, 0, "m2", NULL},
        {FB, SKPI_CATEGORY_GENERAL_INQUIRY, D0 + 100, 0, "m3", NULL},
    };
    check_same(SKPI_EVENT_MESSAGE_ID, msgs, 3, 0, SKPI_OK, 3, 0);
    /* Order matters: the first reply to m1 counts, the second is a later
     * reply; early and unmatched replies are anomalies. */
    static const ev replies[] = {
        {TW, 0, D0 + 200, 0, "m1", NULL},
        {TW, 0, D0 + 50, 0, "m2", NULL},  /* early: anomaly */
        {TW, 0, D0 + 300, 0, "m1", NULL}, /* later reply: SKPI_OK */
        {TW, 0, D0 + 300, 0, "m3", NULL}, /* m3 is on Facebook: unmatched */
        {FB, 0, D0 + 7200, 0, "m3", NULL},
        {TW, 0, D0 + 400, 0, "m2", NULL},
    };
    check_same(SKPI_EVENT_REPLY, replies, 6, 0, SKPI_OK, 6, 2);

    int64_t n = -1;
    skpi_report *r = NULL;
    ck_assert_status(skpi_report_new(a, D0, D0 + 86400, NULL, 0, &r), SKPI_OK);
    ck_assert_status(skpi_report_anomalies(r, SKPI_ALL, SKPI_ANOMALY_EARLY_REPLIES, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_status(skpi_report_anomalies(r, SKPI_ALL, SKPI_ANOMALY_UNMATCHED_REPLIES, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_status(skpi_report_anomalies(r, SKPI_ALL, SKPI_ANOMALY_LATER_REPLIES, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    int64_t expected = -1, answered = -1;
    double rate = 0;
    ck_assert_status(skpi_report_responses(r, SKPI_ALL, SKPI_ALL, &expected, &answered, &rate), SKPI_OK);
    ck_assert_int_eq(expected, 3);
    ck_assert_int_eq(answered, 3);
    skpi_report_free(r);
}
END_TEST

START_TEST(test_engagement_by)
{
    static const ev evs[] = {
        {TW, SKPI_KIND_LIKE, D0, 3, "alice", NULL},
        {TW, SKPI_KIND_SHARE, D0 + 1, 1, "bob", NULL},
        {FB, SKPI_KIND_LIKE, D0 + 86400, 7, "alice", NULL},
    };
    check_same(SKPI_EVENT_ENGAGEMENT_BY, evs, 3, 0, SKPI_OK, 3, 0);
    check_same(SKPI_EVENT_ENGAGEMENT_BY, evs, 3, NO_VALUE, SKPI_OK, 3, 0);
}
END_TEST

START_TEST(test_follower)
{
    static const ev evs[] = {
        {TW, 0, D0, 0, "alice", NULL},
        {FB, 0, D0, 0, "alice", NULL},
        {IG, 0, D0 + 1, 0, "bob", NULL},
    };
    check_same(SKPI_EVENT_FOLLOWER, evs, 3, 0, SKPI_OK, 3, 0);
}
END_TEST

START_TEST(test_empty_batch)
{
    static const ev none[1];
    check_same(SKPI_EVENT_MESSAGE, none, 0, 0, SKPI_OK, 0, 0);
    check_same(SKPI_EVENT_REPLY, none, 0, 0, SKPI_OK, 0, 0);
    skpi_batch bt = make_batch(SKPI_EVENT_FOLLOWER, none, 0, 0);
    ck_assert_status(skpi_record_batch(a, &bt, SKPI_BATCH_STRICT, NULL, NULL), SKPI_OK);
}
END_TEST

/* A batch is journalled as its calls are: a journalled tracker recording
 * a batch equals one recording the calls, before and after replay. */
static char jdir[64], jpath[2][128], jjpath[2][160];

static skpi_tracker *open_journalled(int which, skpi_journal **j)
{
    skpi_options *o = NULL;
    skpi_tracker *t = NULL;
    ck_assert_status(skpi_options_new(&o), SKPI_OK);
    ck_assert_status(skpi_options_set_zone(o, "+04:00"), SKPI_OK);
    ck_assert_status(skpi_journal_open(jpath[which], o, SKPI_FSYNC_NONE, 0, &t, j, NULL),
                     SKPI_OK);
    skpi_options_free(o);
    return t;
}

START_TEST(test_journalled)
{
    snprintf(jdir, sizeof jdir, "/tmp/skpi-batch.%ld", (long)getpid());
    ck_assert_int_eq(mkdir(jdir, 0700), 0);
    for (int k = 0; k < 2; k++) {
        snprintf(jpath[k], sizeof jpath[k], "%s/state%d.skpi", jdir, k);
        snprintf(jjpath[k], sizeof jjpath[k], "%s.journal", jpath[k]);
    }
    skpi_journal *j[2] = {NULL, NULL};
    skpi_tracker *jt[2] = {open_journalled(0, &j[0]), open_journalled(1, &j[1])};

    static const ev msgs[] = {
        {TW, SKPI_CATEGORY_GENERAL_INQUIRY, D0, 0, "m1", "alice"},
        {TW, SKPI_CATEGORY_GENERAL_INQUIRY, D0, 0, "m1", "alice"}, /* duplicate */
        {FB, SKPI_CATEGORY_HELP_REQUEST, D0, 0, "m2", NULL},
    };
    static const ev replies[] = {
        {TW, 0, D0 + 60, 0, "m1", NULL},
        {FB, 0, D0 + 90, 0, "zz", NULL}, /* unmatched */
    };
    skpi_batch bt = make_batch(SKPI_EVENT_MESSAGE_ID, msgs, 3, AUTHORS);
    size_t done = 0;
    uint64_t anom = 0;
    ck_assert_status(skpi_record_batch(jt[0], &bt, 0, &done, &anom), SKPI_OK);
    ck_assert_uint_eq(done, 3);
    ck_assert_uint_eq(anom, 1);
    ck_assert_uint_eq(skpi_journal_seq(j[0]), 3); /* the duplicate is journalled */
    bt = make_batch(SKPI_EVENT_REPLY, replies, 2, 0);
    ck_assert_status(skpi_record_batch(jt[0], &bt, 0, &done, &anom), SKPI_OK);
    ck_assert_uint_eq(skpi_journal_seq(j[0]), 5);

    ck_assert_status(one_by_one(jt[1], SKPI_EVENT_MESSAGE_ID, msgs, 3, AUTHORS, &done, &anom),
                     SKPI_OK);
    ck_assert_status(one_by_one(jt[1], SKPI_EVENT_REPLY, replies, 2, 0, &done, &anom),
                     SKPI_OK);
    ck_assert_uint_eq(skpi_journal_seq(j[1]), 5);
    ck_assert_msg(same(jt[0], jt[1]), "before replay");

    for (int k = 0; k < 2; k++) {
        ck_assert_status(skpi_journal_close(j[k]), SKPI_OK);
        skpi_tracker_free(jt[k]);
        jt[k] = open_journalled(k, &j[k]);
        ck_assert_uint_eq(skpi_journal_seq(j[k]), 5);
    }
    ck_assert_msg(same(jt[0], jt[1]), "after replay");
    for (int k = 0; k < 2; k++) {
        ck_assert_status(skpi_journal_close(j[k]), SKPI_OK);
        skpi_tracker_free(jt[k]);
        unlink(jpath[k]);
        unlink(jjpath[k]);
    }
    rmdir(jdir);
}
END_TEST

/* ===================================================================== */
/* Errors stop the batch at their event                                  */
/* ===================================================================== */

START_TEST(test_event_errors)
{
    static const ev bad_platform[] = {
        {TW, 0, D0, 0, NULL, NULL}, {FB, 0, D0, 0, NULL, NULL},
        {99, 0, D0, 0, NULL, NULL}, {TW, 0, D0, 0, NULL, NULL},
    };
    check_same(SKPI_EVENT_MESSAGE, bad_platform, 4, 0, SKPI_ENOTFOUND, 2, 0);
    static const ev bad_category[] = {
        {TW, 0, D0, 0, NULL, NULL}, {TW, 77, D0, 0, NULL, NULL},
    };
    check_same(SKPI_EVENT_MESSAGE, bad_category, 2, 0, SKPI_ENOTFOUND, 1, 0);
    static const ev bad_time[] = {
        {TW, 0, D0, 0, NULL, NULL}, {TW, 0, -1, 0, NULL, NULL},
    };
    check_same(SKPI_EVENT_MESSAGE, bad_time, 2, 0, SKPI_ETIME, 1, 0);
    static const ev late_time[] = {
        {TW, 0, SKPI_TIME_MAX, 0, NULL, NULL},
    };
    check_same(SKPI_EVENT_MESSAGE, late_time, 1, 0, SKPI_ETIME, 0, 0);
    /* From a response, SKPI_EORDER is an error, not an anomaly. */
    static const ev early[] = {
        {TW, 0, D0, D0 + 1, NULL, NULL}, {TW, 0, D0, D0 - 1, NULL, NULL},
        {TW, 0, D0, D0 + 1, NULL, NULL},
    };
    check_same(SKPI_EVENT_RESPONSE, early, 3, 0, SKPI_EORDER, 1, 0);
    static const ev zero_count[] = {
        {TW, 0, D0, 2, NULL, NULL}, {TW, 0, D0, 0, NULL, NULL},
    };
    check_same(SKPI_EVENT_ENGAGEMENT, zero_count, 2, 0, SKPI_ECOUNT, 1, 0);
    static const ev negative_posts[] = {
        {TW, 0, D0, 1, NULL, NULL}, {TW, 0, D0, 2, NULL, NULL},
        {TW, 0, D0, -1, NULL, NULL},
    };
    check_same(SKPI_EVENT_POSTS, negative_posts, 3, 0, SKPI_ECOUNT, 2, 0);
    static const ev tallies[] = {
        {TW, 0, D0, SKPI_FOLLOWERS_MAX + 1, NULL, NULL},
    };
    check_same(SKPI_EVENT_FOLLOWERS, tallies, 1, 0, SKPI_EOVERFLOW, 0, 0);
    static const ev negative_tally[] = {
        {TW, 0, D0, 10, NULL, NULL}, {TW, 0, D0, -1, NULL, NULL},
    };
    check_same(SKPI_EVENT_FOLLOWERS, negative_tally, 2, 0, SKPI_ECOUNT, 1, 0);
    static const ev off_scale[] = {
        {TW, 0, D0, 3, NULL, NULL}, {TW, 0, D0, 6, NULL, NULL},
    };
    check_same(SKPI_EVENT_RATING, off_scale, 2, 0, SKPI_ERATING, 1, 0);
    static const ev reply_id[] = {
        {TW, 0, D0, 0, "", NULL},
    };
    check_same(SKPI_EVENT_REPLY, reply_id, 1, 0, SKPI_EID, 0, 0);
    static const ev person_id[] = {
        {TW, 0, D0, 1, "x", NULL}, {TW, 0, D0, 1, "", NULL},
    };
    check_same(SKPI_EVENT_FOLLOWER, person_id, 2, 0, SKPI_EID, 1, 0);
    check_same(SKPI_EVENT_ENGAGEMENT_BY, person_id, 2, 0, SKPI_EID, 1, 0);
}
END_TEST

/* A score is an int64 column, but the call takes an int: a wider score is
 * refused, never truncated into the scale. */
START_TEST(test_rating_width)
{
    static const int64_t wide[] = {
        (INT64_C(1) << 32) + 4, /* 4 once truncated */
        (int64_t)INT_MAX + 1, (int64_t)INT_MIN - 1, INT64_MIN, INT64_MAX,
    };
    for (size_t k = 0; k < sizeof wide / sizeof wide[0]; k++) {
        ev evs[2] = {{TW, 0, D0, 4, NULL, NULL}, {TW, 0, D0, wide[k], NULL, NULL}};
        skpi_batch bt = make_batch(SKPI_EVENT_RATING, evs, 2, 0);
        size_t done = 99;
        ck_assert_status(skpi_record_batch(a, &bt, 0, &done, NULL), SKPI_ERATING);
        ck_assert_uint_eq(done, 1);
        ck_assert_status(skpi_record_rating(b, TW, D0, 4), SKPI_OK);
        ck_assert(same(a, b));
    }
}
END_TEST

/* Make an id of `len` copies of `ch` in buf. */
static const char *long_id(char *buf, size_t len, char ch)
{
    memset(buf, ch, len);
    buf[len] = '\0';
    return buf;
}

START_TEST(test_id_bounds)
{
    char max[SKPI_ID_MAX + 1], over[SKPI_ID_MAX + 2], far[LONG_ID + 1];
    long_id(max, SKPI_ID_MAX, 'a');
    long_id(over, SKPI_ID_MAX + 1, 'b');
    long_id(far, LONG_ID, 'c');

    /* 256 bytes pass, as ids and as authors. */
    ev ok[] = {
        {TW, 0, D0, 0, max, max},
        {TW, 0, D0, 0, "x", max},
    };
    check_same(SKPI_EVENT_MESSAGE_ID, ok, 2, AUTHORS, SKPI_OK, 2, 0);
    ev r[] = {{TW, 0, D0 + 5, 0, max, NULL}};
    check_same(SKPI_EVENT_REPLY, r, 1, 0, SKPI_OK, 1, 0);

    /* 257 bytes, and more, fail with the call's SKPI_EID. */
    ev m257[] = {{TW, 0, D0, 0, "y", NULL}, {TW, 0, D0, 0, over, NULL}};
    check_same(SKPI_EVENT_MESSAGE_ID, m257, 2, AUTHORS, SKPI_EID, 1, 0);
    ev a257[] = {{TW, 0, D0, 0, "z", over}};
    check_same(SKPI_EVENT_MESSAGE_ID, a257, 1, AUTHORS, SKPI_EID, 0, 0);
    ev f300[] = {{TW, 0, D0, 0, far, NULL}};
    check_same(SKPI_EVENT_FOLLOWER, f300, 1, 0, SKPI_EID, 0, 0);
    ev e257[] = {{TW, 0, D0, 1, over, NULL}};
    check_same(SKPI_EVENT_ENGAGEMENT_BY, e257, 1, 0, SKPI_EID, 0, 0);

    /* Which of two errors of one event wins is the call's choice: the
     * unknown platform, checked before the id. */
    ev both[] = {{42, 0, D0, 0, over, NULL}};
    check_same(SKPI_EVENT_REPLY, both, 1, 0, SKPI_ENOTFOUND, 0, 0);

    /* An empty message id is refused; the first id may be the empty one. */
    ev empty_first[] = {{TW, 0, D0, 0, "", NULL}, {TW, 0, D0, 0, "w", NULL}};
    check_same(SKPI_EVENT_MESSAGE_ID, empty_first, 2, 0, SKPI_EID, 0, 0);
}
END_TEST

/* An empty author id means none: the same as a NULL author. */
START_TEST(test_empty_author)
{
    ev evs[] = {
        {TW, 0, D0, 0, "m1", NULL},
        {TW, 0, D0, 0, "m2", "ann"},
        {TW, 0, D0, 0, "m3", NULL},
    };
    skpi_batch bt = make_batch(SKPI_EVENT_MESSAGE_ID, evs, 3, AUTHORS);
    ck_assert_uint_eq(c.id2_ends[0], 0);
    ck_assert_uint_eq(c.id2_ends[2], 3);
    ck_assert_status(skpi_record_batch(a, &bt, 0, NULL, NULL), SKPI_OK);
    ck_assert_status(skpi_record_message_id(b, TW, 0, D0, "m1", NULL), SKPI_OK);
    ck_assert_status(skpi_record_message_id(b, TW, 0, D0, "m2", "ann"), SKPI_OK);
    ck_assert_status(skpi_record_message_id(b, TW, 0, D0, "m3", NULL), SKPI_OK);
    ck_assert(same(a, b));
}
END_TEST

/* A NUL byte inside an id would shorten it: refused. */
START_TEST(test_nul_in_id)
{
    static const char ids[] = "m1m\0x";
    static const size_t ends[] = {2, 5};
    uint32_t p[] = {TW, TW};
    uint32_t sub[] = {0, 0};
    int64_t time[] = {D0, D0};
    skpi_batch bt = {0};
    bt.event = SKPI_EVENT_MESSAGE_ID;
    bt.n = 2;
    bt.platform = p;
    bt.sub = sub;
    bt.time = time;
    bt.ids = ids;
    bt.id_ends = ends;
    size_t done = 99;
    ck_assert_status(skpi_record_batch(a, &bt, 0, &done, NULL), SKPI_EID);
    ck_assert_uint_eq(done, 1);
    ck_assert_status(skpi_record_message_id(b, TW, 0, D0, "m1", NULL), SKPI_OK);
    ck_assert(same(a, b));
    /* In an author id too. */
    static const size_t ends2[] = {1, 3};
    static const char ids2[] = "a\0b";
    bt.ids = "q1q2";
    bt.ids2 = ids2;
    bt.id2_ends = ends2;
    ck_assert_status(skpi_record_batch(a, &bt, 0, &done, NULL), SKPI_EID);
    ck_assert_uint_eq(done, 1);
    ck_assert_status(skpi_record_message_id(b, TW, 0, D0, "q1", "a"), SKPI_OK);
    ck_assert(same(a, b));
}
END_TEST

/* Ends that go back stop the batch at that event; nothing before or beyond
 * the ends of the n events is read (valgrind checks the latter). */
START_TEST(test_ends_out_of_order)
{
    static const char ids[] = "aabbcc";
    static const size_t ends[] = {2, 4, 3, 6};
    uint32_t p[] = {TW, TW, TW, TW};
    int64_t time[] = {D0, D0, D0, D0};
    skpi_batch bt = {0};
    bt.event = SKPI_EVENT_FOLLOWER;
    bt.n = 4;
    bt.platform = p;
    bt.time = time;
    bt.ids = ids;
    bt.id_ends = ends;
    size_t done = 99;
    uint64_t anom = 99;
    ck_assert_status(skpi_record_batch(a, &bt, 0, &done, &anom), SKPI_EINVAL);
    ck_assert_uint_eq(done, 2);
    ck_assert_uint_eq(anom, 0);
    ck_assert_status(skpi_record_follower(b, TW, D0, "aa"), SKPI_OK);
    ck_assert_status(skpi_record_follower(b, TW, D0, "bb"), SKPI_OK);
    ck_assert(same(a, b));

    /* Ends may stay put (an empty id), and the author column is checked
     * as the id column is. */
    static const size_t flat[] = {2, 2};
    bt.n = 2;
    bt.id_ends = flat;
    ck_assert_status(skpi_record_batch(a, &bt, 0, &done, NULL), SKPI_EID);
    ck_assert_uint_eq(done, 1);
    ck_assert_status(skpi_record_follower(b, TW, D0, "aa"), SKPI_OK);
    ck_assert(same(a, b));

    static const size_t ends2[] = {1, 0};
    uint32_t sub[] = {0, 0};
    bt.event = SKPI_EVENT_MESSAGE_ID;
    bt.sub = sub;
    bt.id_ends = ends;
    bt.ids2 = "xy";
    bt.id2_ends = ends2;
    ck_assert_status(skpi_record_batch(a, &bt, 0, &done, NULL), SKPI_EINVAL);
    ck_assert_uint_eq(done, 1);
    ck_assert_status(skpi_record_message_id(b, TW, 0, D0, "aa", "x"), SKPI_OK);
    ck_assert(same(a, b));
}
END_TEST

/* ===================================================================== */
/* Anomalies and SKPI_BATCH_STRICT                                       */
/* ===================================================================== */

START_TEST(test_strict)
{
    static const ev msgs[] = {
        {TW, 0, D0 + 100, 0, "m1", NULL},
        {TW, 0, D0 + 100, 0, "m2", NULL},
        {TW, 0, D0 + 100, 0, "m1", NULL}, /* duplicate */
        {TW, 0, D0 + 100, 0, "m3", NULL},
    };
    skpi_batch bt = make_batch(SKPI_EVENT_MESSAGE_ID, msgs, 4, 0);
    size_t done = 99;
    uint64_t anom = 99;
    ck_assert_status(skpi_record_batch(a, &bt, SKPI_BATCH_STRICT, &done, &anom),
                     SKPI_EDUPLICATE);
    ck_assert_uint_eq(done, 2);
    ck_assert_uint_eq(anom, 1); /* the duplicate is counted, and stops it */
    for (size_t i = 0; i < 2; i++)
        ck_assert_status(skpi_record_message_id(b, TW, 0, D0 + 100, msgs[i].id, NULL), SKPI_OK);
    ck_assert_status(skpi_record_message_id(b, TW, 0, D0 + 100, "m1", NULL), SKPI_EDUPLICATE);
    ck_assert(same(a, b));

    static const ev replies[] = {
        {TW, 0, D0 + 200, 0, "m1", NULL},
        {TW, 0, D0 + 50, 0, "m2", NULL}, /* early */
    };
    bt = make_batch(SKPI_EVENT_REPLY, replies, 2, 0);
    ck_assert_status(skpi_record_batch(a, &bt, SKPI_BATCH_STRICT, &done, &anom), SKPI_EORDER);
    ck_assert_uint_eq(done, 1);
    ck_assert_uint_eq(anom, 1);
    static const ev ghost[] = {
        {TW, 0, D0 + 200, 0, "m9", NULL}, /* unmatched */
        {TW, 0, D0 + 200, 0, "m2", NULL},
    };
    bt = make_batch(SKPI_EVENT_REPLY, ghost, 2, 0);
    ck_assert_status(skpi_record_batch(a, &bt, SKPI_BATCH_STRICT, &done, &anom), SKPI_EUNMATCHED);
    ck_assert_uint_eq(done, 0);
    ck_assert_uint_eq(anom, 1);
    ck_assert_status(skpi_record_reply(b, TW, "m1", D0 + 200), SKPI_OK);
    ck_assert_status(skpi_record_reply(b, TW, "m2", D0 + 50), SKPI_EORDER);
    ck_assert_status(skpi_record_reply(b, TW, "m9", D0 + 200), SKPI_EUNMATCHED);
    ck_assert(same(a, b));

    /* A strict batch without anomalies runs to the end. */
    static const ev clean[] = {
        {TW, 0, D0 + 300, 0, "m1", NULL},
    };
    bt = make_batch(SKPI_EVENT_REPLY, clean, 1, 0); /* a later reply */
    ck_assert_status(skpi_record_batch(a, &bt, SKPI_BATCH_STRICT, &done, &anom), SKPI_OK);
    ck_assert_uint_eq(done, 1);
    ck_assert_uint_eq(anom, 0);
}
END_TEST

/* Without SKPI_BATCH_STRICT an anomaly is counted and passed, and a later
 * error still stops the batch with the anomalies before it counted. */
START_TEST(test_anomalies_then_error)
{
    static const ev evs[] = {
        {TW, 0, D0, 0, "m1", NULL},
        {TW, 0, D0, 0, "m1", NULL},
        {TW, 0, D0, 0, "m1", NULL},
        {TW, 0, -5, 0, "m2", NULL},
        {TW, 0, D0, 0, "m1", NULL},
    };
    check_same(SKPI_EVENT_MESSAGE_ID, evs, 5, 0, SKPI_ETIME, 3, 2);
}
END_TEST

/* ===================================================================== */
/* Malformed batches: refused before any event                           */
/* ===================================================================== */

/* A batch of `kind` with every column it may take, two valid events. */
static skpi_batch full(int kind)
{
    static const ev evs[] = {
        {TW, 0, D0, 1, "i1", "a1"},
        {TW, 0, D0, 2, "i2", "a2"},
    };
    return make_batch(kind, evs, 2, kind == SKPI_EVENT_MESSAGE_ID ? AUTHORS : 0);
}

/* bt must be refused with want, before recording anything. */
static void refused(const skpi_batch *bt, unsigned flags, skpi_status want)
{
    size_t done = 99;
    uint64_t anom = 99;
    ck_assert_status(skpi_record_batch(a, bt, flags, &done, &anom), want);
    ck_assert_uint_eq(done, 0);
    ck_assert_uint_eq(anom, 0);
    ck_assert(same(a, b));
}

START_TEST(test_refused)
{
    skpi_batch bt = full(SKPI_EVENT_MESSAGE);
    size_t done = 99;
    ck_assert_status(skpi_record_batch(NULL, &bt, 0, &done, NULL), SKPI_EINVAL);
    ck_assert_uint_eq(done, 0);
    ck_assert_status(skpi_record_batch(a, NULL, 0, NULL, NULL), SKPI_EINVAL);
    refused(&bt, 2u, SKPI_EOPTION);
    refused(&bt, ~0u, SKPI_EOPTION);
    bt.event = -1;
    refused(&bt, 0, SKPI_EOPTION);
    bt.event = SKPI_EVENT_FOLLOWER + 1;
    refused(&bt, 0, SKPI_EOPTION);

    for (int kind = SKPI_EVENT_MESSAGE; kind <= SKPI_EVENT_FOLLOWER; kind++) {
        bt = full(kind);
        bt.platform = NULL;
        refused(&bt, 0, SKPI_EINVAL);
        bt = full(kind);
        bt.time = NULL;
        refused(&bt, 0, SKPI_EINVAL);
        /* sub: required where the call takes one, else must be NULL. */
        bt = full(kind);
        bt.sub = uses_sub(kind) ? NULL : c.sub;
        refused(&bt, 0, SKPI_EINVAL);
        /* ids and their ends likewise, each on its own. */
        bt = full(kind);
        bt.ids = uses_ids(kind) ? NULL : c.ids;
        refused(&bt, 0, SKPI_EINVAL);
        bt = full(kind);
        bt.id_ends = uses_ids(kind) ? NULL : c.id_ends;
        refused(&bt, 0, SKPI_EINVAL);
        /* Authors: only for MESSAGE_ID, and ids2 with id2_ends. */
        bt = full(kind);
        bt.ids2 = kind == SKPI_EVENT_MESSAGE_ID ? NULL : c.ids2;
        refused(&bt, 0, SKPI_EINVAL);
        bt = full(kind);
        bt.id2_ends = kind == SKPI_EVENT_MESSAGE_ID ? NULL : c.id2_ends;
        refused(&bt, 0, SKPI_EINVAL);
        /* value: required for RESPONSE, FOLLOWERS, RATING; optional for
         * counts; else must be NULL. */
        bt = full(kind);
        if (kind == SKPI_EVENT_RESPONSE || kind == SKPI_EVENT_FOLLOWERS ||
            kind == SKPI_EVENT_RATING) {
            bt.value = NULL;
            refused(&bt, 0, SKPI_EINVAL);
        } else if (!uses_value(kind)) {
            bt.value = c.value;
            refused(&bt, 0, SKPI_EINVAL);
        }
    }
    /* An empty batch is checked all the same. */
    bt = full(SKPI_EVENT_REPLY);
    bt.n = 0;
    bt.ids = NULL;
    refused(&bt, 0, SKPI_EINVAL);
}
END_TEST

/* A batch with every column valid and done/anomalies NULL still records. */
START_TEST(test_null_outputs)
{
    for (int kind = SKPI_EVENT_MESSAGE; kind <= SKPI_EVENT_FOLLOWER; kind++) {
        skpi_batch bt = full(kind);
        /* full() gives a response replied before it was received; its
         * replies are unmatched, which does not stop a batch. */
        ck_assert_status(skpi_record_batch(a, &bt, 0, NULL, NULL),
                         kind == SKPI_EVENT_RESPONSE ? SKPI_EORDER : SKPI_OK);
    }
    ck_assert(!same(a, b));
}
END_TEST

static Suite *batch_suite(void)
{
    Suite *s = suite_create("batch");
    TCase *core = tcase_create("core");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_test(core, test_message);
    tcase_add_test(core, test_response);
    tcase_add_test(core, test_engagement);
    tcase_add_test(core, test_posts);
    tcase_add_test(core, test_followers);
    tcase_add_test(core, test_rating);
    tcase_add_test(core, test_message_id);
    tcase_add_test(core, test_reply);
    tcase_add_test(core, test_engagement_by);
    tcase_add_test(core, test_follower);
    tcase_add_test(core, test_empty_batch);
    tcase_add_test(core, test_journalled);
    suite_add_tcase(s, core);
    TCase *limits = tcase_create("limits");
    tcase_add_checked_fixture(limits, setup, teardown);
    tcase_add_test(limits, test_rating_width);
    tcase_add_test(limits, test_id_bounds);
    tcase_add_test(limits, test_empty_author);
    tcase_add_test(limits, test_nul_in_id);
    tcase_add_test(limits, test_ends_out_of_order);
    tcase_add_test(limits, test_strict);
    tcase_add_test(limits, test_anomalies_then_error);
    suite_add_tcase(s, limits);
    TCase *errors = tcase_create("errors");
    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_add_test(errors, test_event_errors);
    tcase_add_test(errors, test_refused);
    tcase_add_test(errors, test_null_outputs);
    suite_add_tcase(s, errors);
    return s;
}

SKPI_CHECK_MAIN(batch_suite)

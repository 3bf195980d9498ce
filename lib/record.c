/*
 * record.c -- the recording calls.
 *
 * Every call validates all of its arguments before it touches the store,
 * so an error leaves the tracker exactly as it was.  The only failure after
 * validation is running out of memory while allocating a page, and that
 * happens before the first cell is written.
 *
 * A call finds its shard, bucket and cells through the fast path at the
 * end of lib/internal.h (a writer, below).  In a shard the calling thread
 * owns, counters are updated with a relaxed load and store, exact because
 * no other thread stores there; in a shared shard with atomic
 * read-modify-write operations (see lib/store.c, "Shards").
 *
 * Counters that grow by one (messages, answers, ratings) are added to
 * without a check: passing INT64_MAX would take 2^63 calls, about 290
 * years at one call a nanosecond.  Counters that grow by a caller's count
 * (engagements, posts) refuse to overflow.
 */
#include <string.h>

#include "internal.h"

/* ===================================================================== */
/* Helpers                                                               */
/* ===================================================================== */

/* The answer's path is inlined into both of its callers: the call and the
 * registers it spills cost a response more than the code size saves. */
#if defined(__GNUC__)
#define ALWAYS_INLINE __attribute__((always_inline))
#else
#define ALWAYS_INLINE
#endif

/* Where the calling thread writes in a tracker: its shard, and whether it
 * owns it (see skpi__shard_mine()). */
typedef struct writer {
    skpi_tracker *t;
    skpi__shard *sh;
    bool owned;
} writer;

/* False on ENOMEM (the thread's shard could not be created). */
static inline bool writer_init(writer *w, skpi_tracker *t)
{
    w->t = t;
    w->sh = skpi__shard_mine(t, &w->owned);
    return w->sh != NULL;
}

/* The bucket of an instant checked against the time range. */
static inline int64_t writer_bucket(const writer *w, int64_t time)
{
    return skpi__shard_bucket(w->t, w->sh, time);
}

/* The sketch behind a cell, created on first use; NULL on ENOMEM. */
static inline skpi__dds_cell *dds_cell(skpi_tracker *t, _Atomic int64_t *cell)
{
    skpi__dds_cell *c = skpi__cell_ptr(cell);
    return c != NULL ? c : skpi__dds_cell_get(t, cell);
}

static inline skpi__hll_cell *hll_cell(skpi_tracker *t, _Atomic int64_t *cell)
{
    skpi__hll_cell *c = skpi__cell_ptr(cell);
    return c != NULL ? c : skpi__hll_cell_get(t, cell);
}

/* Cells of the bucket holding `time`, for writing; NULL on ENOMEM. */
static inline _Atomic int64_t *cells_at(const writer *w, enum skpi__family f,
                                        size_t slot, int64_t time)
{
    return skpi__shard_cells(w->t, w->sh, f, slot, writer_bucket(w, time));
}

static inline void add1(const writer *w, _Atomic int64_t *cell)
{
    skpi__cell_add(cell, 1, w->owned);
}

/* Add n > 0 to *cell unless that would pass INT64_MAX. */
static skpi_status add_checked(const writer *w, _Atomic int64_t *cell,
                               int64_t n)
{
    int64_t old = atomic_load_explicit(cell, memory_order_relaxed);
    if (w->owned) {
        if (old > INT64_MAX - n)
            return SKPI_EOVERFLOW;
        atomic_store_explicit(cell, old + n, memory_order_relaxed);
        return SKPI_OK;
    }
    do {
        if (old > INT64_MAX - n)
            return SKPI_EOVERFLOW;
    } while (!atomic_compare_exchange_weak_explicit(
        cell, &old, old + n, memory_order_relaxed, memory_order_relaxed));
    return SKPI_OK;
}

/* Raise *cell to v if v is larger (the packed follower gauge). */
static void max_into(const writer *w, _Atomic int64_t *cell, int64_t v)
{
    int64_t old = atomic_load_explicit(cell, memory_order_relaxed);
    if (w->owned) {
        if (v > old)
            atomic_store_explicit(cell, v, memory_order_relaxed);
        return;
    }
    while (v > old &&
           !atomic_compare_exchange_weak_explicit(
               cell, &old, v, memory_order_relaxed, memory_order_relaxed)) {
    }
}

/* The checks every per-platform event shares. */
static inline skpi_status check_event(const skpi_tracker *t, uint32_t platform,
                                      int64_t time)
{
    if (t == NULL)
        return SKPI_EINVAL;
    if (!skpi__id_ok(t, SKPI_PLATFORM, platform))
        return SKPI_ENOTFOUND;
    if (!skpi__time_ok(time))
        return SKPI_ETIME;
    return SKPI_OK;
}

/* ===================================================================== */
/* By id                                                                 */
/* ===================================================================== */

static skpi_status message_impl(skpi_tracker *t, uint32_t platform,
                                uint32_t category, int64_t time)
{
    skpi_status st = check_event(t, platform, time);
    if (st != SKPI_OK)
        return st;
    if (!skpi__id_ok(t, SKPI_CATEGORY, category))
        return SKPI_ENOTFOUND;
    writer w;
    if (!writer_init(&w, t))
        return SKPI_ENOMEM;
    _Atomic int64_t *c =
        cells_at(&w, SKPI__FAM_MSG, skpi__slot(SKPI__FAM_MSG, platform, category),
                 time);
    if (c == NULL)
        return SKPI_ENOMEM;
    add1(&w, &c[SKPI__MSG_RECEIVED]);
    return SKPI_OK;
}

/* ===================================================================== */
/* Answers                                                               */
/* ===================================================================== */

/*
 * A first response changes many structures: the message cells of its
 * arrival bucket (answered, SLA, lag), the response-time sketches (calendar
 * and business time) and, for a late answer, the late table.  Every step
 * that can fail -- allocations, room in the sketches -- is taken first;
 * then everything is applied by steps that cannot fail.  Callers holding a
 * message-table stripe call this under it (stripe before sketch locks).
 */
ALWAYS_INLINE static inline skpi_status apply_answer(const writer *w,
                                                     uint32_t platform,
                                                     uint32_t category,
                                                     int64_t received,
                                                     int64_t replied)
{
    skpi_tracker *t = w->t;
    bool owned = w->owned;
    size_t slot = skpi__slot(SKPI__FAM_MSG, platform, category);
    int64_t end;
    int64_t b = skpi__shard_bucket_end(t, w->sh, received, &end);
    int64_t lag =
        replied < end ? 0 : skpi__shard_bucket_near(t, w->sh, replied, b) - b;
    _Atomic int64_t *c = skpi__shard_cells(t, w->sh, SKPI__FAM_MSG, slot, b);
    _Atomic int64_t *f = skpi__shard_cells(t, w->sh, SKPI__FAM_FRT, slot, b);
    if (c == NULL || f == NULL)
        return SKPI_ENOMEM;
    bool business = t->business;
    skpi__dds_cell *cal = dds_cell(t, &f[SKPI__FRT_CALENDAR]);
    skpi__dds_cell *bus = business ? dds_cell(t, &f[SKPI__FRT_BUSINESS]) : NULL;
    if (cal == NULL || (business && bus == NULL))
        return SKPI_ENOMEM;
    int64_t delay = replied - received;
    int64_t bdelay = business ? skpi__calendar_business_seconds(
                                    &t->opt.cal, &t->opt.zone, received,
                                    replied)
                              : 0;
    skpi__late_entry *late = NULL;
    if (lag >= SKPI__LAGS) {
        late = skpi__late_hold(&t->late, (uint32_t)slot, b, b + lag);
        if (late == NULL)
            return SKPI_ENOMEM;
    }

    /* The buckets of the delays are computed before the locks are taken
     * (they depend on the sketches' constants only), so that each lock is
     * held for a few stores.  An add settles everything that can fail
     * before it stores, so only the second sketch needs room made first:
     * prepare it, add to the first (which may still refuse, changing
     * nothing), then to it. */
    int32_t slot_cal = skpi__dds_slot(&cal->dds, delay);
    int32_t slot_bus = bus != NULL ? skpi__dds_slot(&bus->dds, bdelay) : 0;
    skpi_status st = SKPI_OK;
    skpi__spin_lock(&cal->lock);
    if (bus != NULL) {
        skpi__spin_lock(&bus->lock);
        st = skpi__dds_prepare(&bus->dds, bdelay);
    }
    if (st == SKPI_OK)
        st = skpi__dds_add_slot(&cal->dds, delay, slot_cal);
    if (st == SKPI_OK && bus != NULL)
        (void)skpi__dds_add_slot(&bus->dds, bdelay, slot_bus);
    if (bus != NULL)
        skpi__spin_unlock(&bus->lock);
    skpi__spin_unlock(&cal->lock);
    if (late != NULL) {
        if (st == SKPI_OK)
            late->count++;
        skpi__late_release(&t->late);
    }
    if (st != SKPI_OK)
        return st;

    /* Locals, so that the stores to the cells need not be assumed to
     * change the options (they cannot: cells are separate memory). */
    size_t n_sla = t->opt.n_sla;
    const int64_t *sla = t->opt.sla;
    skpi__cell_add(&c[SKPI__MSG_ANSWERED], 1, owned);
    for (size_t i = 0; i < n_sla; i++) {
        if (delay <= sla[i])
            skpi__cell_add(&c[SKPI__MSG_SLA0 + i], 1, owned);
    }
    /* The lag cells follow the SLA cells (SKPI__MSG_LAG0). */
    if (late == NULL)
        skpi__cell_add(&c[SKPI__MSG_SLA0 + n_sla + (size_t)lag], 1, owned);
    return SKPI_OK;
}

static skpi_status response_impl(skpi_tracker *t, uint32_t platform,
                                 uint32_t category, int64_t received,
                                 int64_t replied)
{
    skpi_status st = check_event(t, platform, received);
    if (st != SKPI_OK)
        return st;
    if (!skpi__id_ok(t, SKPI_CATEGORY, category))
        return SKPI_ENOTFOUND;
    if (!skpi__time_ok(replied))
        return SKPI_ETIME;
    if (replied < received)
        return SKPI_EORDER;
    writer w;
    if (!writer_init(&w, t))
        return SKPI_ENOMEM;
    return apply_answer(&w, platform, category, received, replied);
}

/* Engagements and posts: a positive count added without overflow. */
static skpi_status record_count(skpi_tracker *t, enum skpi__family f,
                                size_t slot, int64_t time, int64_t count)
{
    if (count <= 0)
        return SKPI_ECOUNT;
    writer w;
    if (!writer_init(&w, t))
        return SKPI_ENOMEM;
    _Atomic int64_t *c = cells_at(&w, f, slot, time);
    if (c == NULL)
        return SKPI_ENOMEM;
    return add_checked(&w, c, count);
}

static skpi_status engagement_impl(skpi_tracker *t, uint32_t platform,
                                   uint32_t kind, int64_t time, int64_t count)
{
    skpi_status st = check_event(t, platform, time);
    if (st != SKPI_OK)
        return st;
    if (!skpi__id_ok(t, SKPI_KIND, kind))
        return SKPI_ENOTFOUND;
    return record_count(t, SKPI__FAM_ENG,
                        skpi__slot(SKPI__FAM_ENG, platform, kind), time, count);
}

static skpi_status posts_impl(skpi_tracker *t, uint32_t platform, int64_t time,
                              int64_t count)
{
    skpi_status st = check_event(t, platform, time);
    if (st != SKPI_OK)
        return st;
    return record_count(t, SKPI__FAM_POST, platform, time, count);
}

static skpi_status followers_impl(skpi_tracker *t, uint32_t platform,
                                  int64_t time, int64_t tally)
{
    skpi_status st = check_event(t, platform, time);
    if (st != SKPI_OK)
        return st;
    if (tally < 0)
        return SKPI_ECOUNT;
    if (tally > SKPI_FOLLOWERS_MAX)
        return SKPI_EOVERFLOW;
    writer w;
    if (!writer_init(&w, t))
        return SKPI_ENOMEM;
    int64_t b = writer_bucket(&w, time);
    uint64_t into = (uint64_t)(time - skpi__bucket_start(t, b)) + 1;
    _Atomic int64_t *c =
        skpi__shard_cells(t, w.sh, SKPI__FAM_FOLLOW, platform, b);
    if (c == NULL)
        return SKPI_ENOMEM;
    max_into(&w, c, (int64_t)(into << SKPI__GAUGE_TALLY_BITS | (uint64_t)tally));
    return SKPI_OK;
}

static skpi_status rating_impl(skpi_tracker *t, uint32_t platform, int64_t time,
                               int score)
{
    skpi_status st = check_event(t, platform, time);
    if (st != SKPI_OK)
        return st;
    if (score < t->opt.rating_lo || score > t->opt.rating_hi)
        return SKPI_ERATING;
    writer w;
    if (!writer_init(&w, t))
        return SKPI_ENOMEM;
    _Atomic int64_t *c = cells_at(&w, SKPI__FAM_RATING, platform, time);
    if (c == NULL)
        return SKPI_ENOMEM;
    add1(&w, &c[score - t->opt.rating_lo]);
    return SKPI_OK;
}

/* ===================================================================== */
/* Events with ids                                                       */
/* ===================================================================== */

/* An id is 1..SKPI_ID_MAX bytes; *len gets its length. */
static skpi_status check_id(const char *id, size_t *len)
{
    if (id == NULL)
        return SKPI_EINVAL;
    /* memchr() stops at the first NUL (C11 7.24.5.1), so it never reads
     * past the end of a short id; it scans much faster than a loop. */
    const char *nul = memchr(id, '\0', SKPI_ID_MAX + 1);
    if (nul == NULL || nul == id)
        return SKPI_EID;
    *len = (size_t)(nul - id);
    return SKPI_OK;
}

/* The distinct-people sketch of `who` on a platform, in time's bucket. */
static skpi__hll_cell *people_cell(const writer *w, uint32_t platform,
                                   int64_t time, int who)
{
    _Atomic int64_t *c = cells_at(w, SKPI__FAM_PEOPLE, platform, time);
    return c == NULL ? NULL : hll_cell(w->t, &c[who]);
}

/* The id is hashed before the lock is taken, so that the lock is held
 * for the register update only. */
static skpi_status people_add(skpi__hll_cell *h, const char *id, size_t len)
{
    uint64_t hash = skpi__hll_hash(id, len);
    skpi__spin_lock(&h->lock);
    skpi_status st = skpi__hll_add_hash(h->hll, hash);
    skpi__spin_unlock(&h->lock);
    return st;
}

static skpi_status message_id_impl(skpi_tracker *t, uint32_t platform,
                                   uint32_t category, int64_t time,
                                   const char *message_id,
                                   const char *author_id)
{
    skpi_status st = check_event(t, platform, time);
    if (st != SKPI_OK)
        return st;
    if (!skpi__id_ok(t, SKPI_CATEGORY, category))
        return SKPI_ENOTFOUND;
    size_t mlen, alen = 0;
    st = check_id(message_id, &mlen);
    if (st == SKPI_OK && author_id != NULL)
        st = check_id(author_id, &alen);
    if (st != SKPI_OK)
        return st;
    /* Everything the message may touch exists before anything changes. */
    writer w;
    if (!writer_init(&w, t))
        return SKPI_ENOMEM;
    _Atomic int64_t *c = cells_at(
        &w, SKPI__FAM_MSG, skpi__slot(SKPI__FAM_MSG, platform, category), time);
    _Atomic int64_t *anom = cells_at(&w, SKPI__FAM_ANOM, platform, time);
    skpi__hll_cell *who =
        author_id == NULL ? NULL
                          : people_cell(&w, platform, time, SKPI_PEOPLE_AUTHORS);
    if (c == NULL || anom == NULL || (author_id != NULL && who == NULL))
        return SKPI_ENOMEM;

    skpi__open_hold h;
    skpi__open_lock(&t->open, skpi__open_key(platform, message_id, mlen), &h);
    if (h.msg != NULL) {
        skpi__open_unlock(&h);
        add1(&w, &anom[SKPI_ANOMALY_DUPLICATE_MESSAGES]);
        return SKPI_EDUPLICATE;
    }
    st = skpi__open_reserve(&h);
    if (st == SKPI_OK && who != NULL)
        st = people_add(who, author_id, alen); /* the last fallible step */
    if (st != SKPI_OK) {
        skpi__open_unlock(&h);
        return st;
    }
    skpi__open_msg m = {0};
    m.received = time;
    m.platform = platform;
    m.category = category;
    skpi__forgot forgot = skpi__open_insert(&h, &m);
    skpi__open_unlock(&h);
    add1(&w, &c[SKPI__MSG_RECEIVED]);
    if (forgot == SKPI__FORGOT_WAITING)
        add1(&w, &anom[SKPI_ANOMALY_FORGOTTEN_MESSAGES]);
    return SKPI_OK;
}

static skpi_status reply_impl(skpi_tracker *t, uint32_t platform,
                              const char *message_id, int64_t time)
{
    skpi_status st = check_event(t, platform, time);
    if (st != SKPI_OK)
        return st;
    size_t mlen;
    st = check_id(message_id, &mlen);
    if (st != SKPI_OK)
        return st;
    /* The anomaly counters of the reply's bucket, before the lookup, so
     * that counting a refused reply cannot fail. */
    writer w;
    if (!writer_init(&w, t))
        return SKPI_ENOMEM;
    _Atomic int64_t *anom = cells_at(&w, SKPI__FAM_ANOM, platform, time);
    if (anom == NULL)
        return SKPI_ENOMEM;
    skpi__open_hold h;
    skpi__open_lock(&t->open, skpi__open_key(platform, message_id, mlen), &h);
    int kind = -1;
    if (h.msg == NULL) {
        kind = SKPI_ANOMALY_UNMATCHED_REPLIES;
        st = SKPI_EUNMATCHED;
    } else if (h.msg->state == SKPI__OPEN_ANSWERED) {
        kind = SKPI_ANOMALY_LATER_REPLIES;
        st = SKPI_OK;
    } else if (time < h.msg->received) {
        kind = SKPI_ANOMALY_EARLY_REPLIES;
        st = SKPI_EORDER;
    } else {
        st = apply_answer(&w, platform, h.msg->category, h.msg->received, time);
        if (st == SKPI_OK)
            skpi__open_answer(&h);
    }
    skpi__open_unlock(&h);
    if (kind >= 0)
        add1(&w, &anom[kind]);
    return st;
}

static skpi_status engagement_by_impl(skpi_tracker *t, uint32_t platform,
                                      uint32_t kind, int64_t time,
                                      int64_t count, const char *person_id)
{
    skpi_status st = check_event(t, platform, time);
    if (st != SKPI_OK)
        return st;
    if (!skpi__id_ok(t, SKPI_KIND, kind))
        return SKPI_ENOTFOUND;
    size_t len;
    st = check_id(person_id, &len);
    if (st != SKPI_OK)
        return st;
    if (count <= 0)
        return SKPI_ECOUNT;
    writer w;
    if (!writer_init(&w, t))
        return SKPI_ENOMEM;
    _Atomic int64_t *c = cells_at(
        &w, SKPI__FAM_ENG, skpi__slot(SKPI__FAM_ENG, platform, kind), time);
    skpi__hll_cell *who = people_cell(&w, platform, time, SKPI_PEOPLE_ENGAGERS);
    if (c == NULL || who == NULL)
        return SKPI_ENOMEM;
    /* The person is added first (the add may fail for memory) and the
     * count after it, checked for overflow up front: the count never goes
     * back.  Only another thread pushing the same counter past INT64_MAX
     * in between (possible in a shared shard only) can make the final add
     * refuse after the person counted. */
    if (atomic_load_explicit(c, memory_order_relaxed) > INT64_MAX - count)
        return SKPI_EOVERFLOW;
    st = people_add(who, person_id, len);
    if (st != SKPI_OK)
        return st;
    return add_checked(&w, c, count);
}

static skpi_status follower_impl(skpi_tracker *t, uint32_t platform,
                                 int64_t time, const char *person_id)
{
    skpi_status st = check_event(t, platform, time);
    if (st != SKPI_OK)
        return st;
    size_t len;
    st = check_id(person_id, &len);
    if (st != SKPI_OK)
        return st;
    writer w;
    if (!writer_init(&w, t))
        return SKPI_ENOMEM;
    skpi__hll_cell *who = people_cell(&w, platform, time, SKPI_PEOPLE_FOLLOWERS);
    if (who == NULL)
        return SKPI_ENOMEM;
    return people_add(who, person_id, len);
}

/* ===================================================================== */
/* Journal dispatch                                                      */
/* ===================================================================== */

/*
 * Every recording call is an skpi__rec, so that the journal can write it
 * and replay it.  Without a journal the public calls go straight to their
 * implementation: one relaxed load is all a journal costs those who do not
 * use one.
 */
skpi_status skpi__apply_record(skpi_tracker *t, const skpi__rec *r)
{
    switch (r->type) {
    case SKPI__REC_MESSAGE:
        return message_impl(t, r->a, r->b, r->t1);
    case SKPI__REC_RESPONSE:
        return response_impl(t, r->a, r->b, r->t1, r->t2);
    case SKPI__REC_ENGAGEMENT:
        return engagement_impl(t, r->a, r->b, r->t1, r->n);
    case SKPI__REC_POSTS:
        return posts_impl(t, r->a, r->t1, r->n);
    case SKPI__REC_FOLLOWERS:
        return followers_impl(t, r->a, r->t1, r->n);
    case SKPI__REC_RATING:
        if (r->n < INT32_MIN || r->n > INT32_MAX)
            return SKPI_ERATING;
        return rating_impl(t, r->a, r->t1, (int)r->n);
    case SKPI__REC_MESSAGE_ID:
        return message_id_impl(t, r->a, r->b, r->t1, r->s1, r->s2);
    case SKPI__REC_REPLY:
        return reply_impl(t, r->a, r->s1, r->t1);
    case SKPI__REC_ENGAGEMENT_BY:
        return engagement_by_impl(t, r->a, r->b, r->t1, r->n, r->s1);
    case SKPI__REC_FOLLOWER:
        return follower_impl(t, r->a, r->t1, r->s1);
    case SKPI__REC_TAXONOMY:
        return skpi__taxonomy_add_impl(t, (int)r->b, r->s1, r->s2, NULL);
    case SKPI__REC_CATEGORY:
        if (r->n != 0 && r->n != 1)
            return SKPI_EINVAL;
        return skpi__category_add_impl(t, r->s1, r->s2, r->b, (int)r->n, NULL);
    default:
        return SKPI_EINVAL;
    }
}

skpi_status skpi_record_message(skpi_tracker *t, uint32_t platform,
                                uint32_t category, int64_t time)
{
    if (!skpi__journaled(t))
        return message_impl(t, platform, category, time);
    skpi__rec r = {SKPI__REC_MESSAGE, platform, category, time, 0, 0, NULL, NULL};
    return skpi__journal_record(t, &r);
}

skpi_status skpi_record_response(skpi_tracker *t, uint32_t platform,
                                 uint32_t category, int64_t received,
                                 int64_t replied)
{
    if (!skpi__journaled(t))
        return response_impl(t, platform, category, received, replied);
    skpi__rec r = {SKPI__REC_RESPONSE, platform, category, received, replied, 0,
                   NULL, NULL};
    return skpi__journal_record(t, &r);
}

skpi_status skpi_record_engagement(skpi_tracker *t, uint32_t platform,
                                   uint32_t kind, int64_t time, int64_t count)
{
    if (!skpi__journaled(t))
        return engagement_impl(t, platform, kind, time, count);
    skpi__rec r = {SKPI__REC_ENGAGEMENT, platform, kind, time, 0, count, NULL,
                   NULL};
    return skpi__journal_record(t, &r);
}

skpi_status skpi_record_posts(skpi_tracker *t, uint32_t platform, int64_t time,
                              int64_t count)
{
    if (!skpi__journaled(t))
        return posts_impl(t, platform, time, count);
    skpi__rec r = {SKPI__REC_POSTS, platform, 0, time, 0, count, NULL, NULL};
    return skpi__journal_record(t, &r);
}

skpi_status skpi_record_followers(skpi_tracker *t, uint32_t platform,
                                  int64_t time, int64_t tally)
{
    if (!skpi__journaled(t))
        return followers_impl(t, platform, time, tally);
    skpi__rec r = {SKPI__REC_FOLLOWERS, platform, 0, time, 0, tally, NULL, NULL};
    return skpi__journal_record(t, &r);
}

skpi_status skpi_record_rating(skpi_tracker *t, uint32_t platform, int64_t time,
                               int score)
{
    if (!skpi__journaled(t))
        return rating_impl(t, platform, time, score);
    skpi__rec r = {SKPI__REC_RATING, platform, 0, time, 0, score, NULL, NULL};
    return skpi__journal_record(t, &r);
}

skpi_status skpi_record_message_id(skpi_tracker *t, uint32_t platform,
                                   uint32_t category, int64_t time,
                                   const char *message_id,
                                   const char *author_id)
{
    if (!skpi__journaled(t))
        return message_id_impl(t, platform, category, time, message_id,
                               author_id);
    skpi__rec r = {SKPI__REC_MESSAGE_ID, platform, category, time, 0, 0,
                   message_id, author_id};
    return skpi__journal_record(t, &r);
}

skpi_status skpi_record_reply(skpi_tracker *t, uint32_t platform,
                              const char *message_id, int64_t time)
{
    if (!skpi__journaled(t))
        return reply_impl(t, platform, message_id, time);
    skpi__rec r = {SKPI__REC_REPLY, platform, 0, time, 0, 0, message_id, NULL};
    return skpi__journal_record(t, &r);
}

skpi_status skpi_record_engagement_by(skpi_tracker *t, uint32_t platform,
                                      uint32_t kind, int64_t time,
                                      int64_t count, const char *person_id)
{
    if (!skpi__journaled(t))
        return engagement_by_impl(t, platform, kind, time, count, person_id);
    skpi__rec r = {SKPI__REC_ENGAGEMENT_BY, platform, kind, time, 0, count,
                   person_id, NULL};
    return skpi__journal_record(t, &r);
}

skpi_status skpi_record_follower(skpi_tracker *t, uint32_t platform,
                                 int64_t time, const char *person_id)
{
    if (!skpi__journaled(t))
        return follower_impl(t, platform, time, person_id);
    skpi__rec r = {SKPI__REC_FOLLOWER, platform, 0, time, 0, 0, person_id, NULL};
    return skpi__journal_record(t, &r);
}

/* ===================================================================== */
/* By slug                                                               */
/* ===================================================================== */

/* Resolve a slug; NULL slugs are SKPI_EINVAL, unknown ones SKPI_ENOTFOUND. */
static skpi_status resolve(const skpi_tracker *t, int dim, const char *slug,
                           uint32_t *id)
{
    if (t == NULL || slug == NULL)
        return SKPI_EINVAL;
    return skpi_taxonomy_find(t, dim, slug, id);
}

skpi_status skpi_record_message_slug(skpi_tracker *t, const char *platform,
                                     const char *category, int64_t time)
{
    uint32_t p, c;
    skpi_status st = resolve(t, SKPI_PLATFORM, platform, &p);
    if (st == SKPI_OK)
        st = resolve(t, SKPI_CATEGORY, category, &c);
    return st != SKPI_OK ? st : skpi_record_message(t, p, c, time);
}

skpi_status skpi_record_response_slug(skpi_tracker *t, const char *platform,
                                      const char *category, int64_t received,
                                      int64_t replied)
{
    uint32_t p, c;
    skpi_status st = resolve(t, SKPI_PLATFORM, platform, &p);
    if (st == SKPI_OK)
        st = resolve(t, SKPI_CATEGORY, category, &c);
    return st != SKPI_OK ? st
                         : skpi_record_response(t, p, c, received, replied);
}

skpi_status skpi_record_engagement_slug(skpi_tracker *t, const char *platform,
                                        const char *kind, int64_t time,
                                        int64_t count)
{
    uint32_t p, k;
    skpi_status st = resolve(t, SKPI_PLATFORM, platform, &p);
    if (st == SKPI_OK)
        st = resolve(t, SKPI_KIND, kind, &k);
    return st != SKPI_OK ? st : skpi_record_engagement(t, p, k, time, count);
}

skpi_status skpi_record_posts_slug(skpi_tracker *t, const char *platform,
                                   int64_t time, int64_t count)
{
    uint32_t p;
    skpi_status st = resolve(t, SKPI_PLATFORM, platform, &p);
    return st != SKPI_OK ? st : skpi_record_posts(t, p, time, count);
}

skpi_status skpi_record_followers_slug(skpi_tracker *t, const char *platform,
                                       int64_t time, int64_t tally)
{
    uint32_t p;
    skpi_status st = resolve(t, SKPI_PLATFORM, platform, &p);
    return st != SKPI_OK ? st : skpi_record_followers(t, p, time, tally);
}

skpi_status skpi_record_rating_slug(skpi_tracker *t, const char *platform,
                                    int64_t time, int score)
{
    uint32_t p;
    skpi_status st = resolve(t, SKPI_PLATFORM, platform, &p);
    return st != SKPI_OK ? st : skpi_record_rating(t, p, time, score);
}

skpi_status skpi_record_message_id_slug(skpi_tracker *t, const char *platform,
                                        const char *category, int64_t time,
                                        const char *message_id,
                                        const char *author_id)
{
    uint32_t p, c;
    skpi_status st = resolve(t, SKPI_PLATFORM, platform, &p);
    if (st == SKPI_OK)
        st = resolve(t, SKPI_CATEGORY, category, &c);
    return st != SKPI_OK ? st
                         : skpi_record_message_id(t, p, c, time, message_id,
                                                  author_id);
}

skpi_status skpi_record_reply_slug(skpi_tracker *t, const char *platform,
                                   const char *message_id, int64_t time)
{
    uint32_t p;
    skpi_status st = resolve(t, SKPI_PLATFORM, platform, &p);
    return st != SKPI_OK ? st : skpi_record_reply(t, p, message_id, time);
}

skpi_status skpi_record_engagement_by_slug(skpi_tracker *t,
                                           const char *platform,
                                           const char *kind, int64_t time,
                                           int64_t count,
                                           const char *person_id)
{
    uint32_t p, k;
    skpi_status st = resolve(t, SKPI_PLATFORM, platform, &p);
    if (st == SKPI_OK)
        st = resolve(t, SKPI_KIND, kind, &k);
    return st != SKPI_OK ? st
                         : skpi_record_engagement_by(t, p, k, time, count,
                                                     person_id);
}

skpi_status skpi_record_follower_slug(skpi_tracker *t, const char *platform,
                                      int64_t time, const char *person_id)
{
    uint32_t p;
    skpi_status st = resolve(t, SKPI_PLATFORM, platform, &p);
    return st != SKPI_OK ? st : skpi_record_follower(t, p, time, person_id);
}

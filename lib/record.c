/*
 * record.c -- the recording calls.
 *
 * Every call validates all of its arguments before it touches the store,
 * so an error leaves the tracker exactly as it was.  The only failure after
 * validation is running out of memory while allocating a page, and that
 * happens before the first cell is written.
 *
 * Counters that grow by one (messages, answers, ratings) use a plain atomic
 * add: passing INT64_MAX would take 2^63 calls, about 290 years at one call
 * a nanosecond.  Counters that grow by a caller's count (engagements,
 * posts) use a compare-and-swap loop that refuses to overflow.
 */
#include "internal.h"

/* ===================================================================== */
/* Helpers                                                               */
/* ===================================================================== */

static inline void add1(_Atomic int64_t *cell)
{
    atomic_fetch_add_explicit(cell, 1, memory_order_relaxed);
}

/* Add n > 0 to *cell unless that would pass INT64_MAX. */
static skpi_status add_checked(_Atomic int64_t *cell, int64_t n)
{
    int64_t old = atomic_load_explicit(cell, memory_order_relaxed);
    do {
        if (old > INT64_MAX - n)
            return SKPI_EOVERFLOW;
    } while (!atomic_compare_exchange_weak_explicit(
        cell, &old, old + n, memory_order_relaxed, memory_order_relaxed));
    return SKPI_OK;
}

/* Raise *cell to v if v is larger (the packed follower gauge). */
static void max_into(_Atomic int64_t *cell, int64_t v)
{
    int64_t old = atomic_load_explicit(cell, memory_order_relaxed);
    while (v > old &&
           !atomic_compare_exchange_weak_explicit(
               cell, &old, v, memory_order_relaxed, memory_order_relaxed)) {
    }
}

/* The checks every per-platform event shares. */
static skpi_status check_event(const skpi_tracker *t, uint32_t platform,
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

/* Cells of the bucket holding `time`, for writing. */
static _Atomic int64_t *cells_at(skpi_tracker *t, enum skpi__family f,
                                 size_t slot, int64_t time)
{
    return skpi__cells_for_write(t, f, slot, skpi__bucket_of(t, time));
}

/* ===================================================================== */
/* By id                                                                 */
/* ===================================================================== */

skpi_status skpi_record_message(skpi_tracker *t, uint32_t platform,
                                uint32_t category, int64_t time)
{
    skpi_status st = check_event(t, platform, time);
    if (st != SKPI_OK)
        return st;
    if (!skpi__id_ok(t, SKPI_CATEGORY, category))
        return SKPI_ENOTFOUND;
    _Atomic int64_t *c =
        cells_at(t, SKPI__FAM_MSG, skpi__slot(SKPI__FAM_MSG, platform, category),
                 time);
    if (c == NULL)
        return SKPI_ENOMEM;
    add1(&c[SKPI__MSG_RECEIVED]);
    return SKPI_OK;
}

skpi_status skpi_record_response(skpi_tracker *t, uint32_t platform,
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
    _Atomic int64_t *c = cells_at(
        t, SKPI__FAM_MSG, skpi__slot(SKPI__FAM_MSG, platform, category),
        received);
    if (c == NULL)
        return SKPI_ENOMEM;
    add1(&c[SKPI__MSG_ANSWERED]);
    int64_t delay = replied - received;
    for (size_t i = 0; i < t->opt.n_sla; i++) {
        if (delay <= t->opt.sla[i])
            add1(&c[SKPI__MSG_SLA0 + i]);
    }
    return SKPI_OK;
}

/* Engagements and posts: a positive count added without overflow. */
static skpi_status record_count(skpi_tracker *t, enum skpi__family f,
                                size_t slot, int64_t time, int64_t count)
{
    if (count <= 0)
        return SKPI_ECOUNT;
    _Atomic int64_t *c = cells_at(t, f, slot, time);
    if (c == NULL)
        return SKPI_ENOMEM;
    return add_checked(c, count);
}

skpi_status skpi_record_engagement(skpi_tracker *t, uint32_t platform,
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

skpi_status skpi_record_posts(skpi_tracker *t, uint32_t platform, int64_t time,
                              int64_t count)
{
    skpi_status st = check_event(t, platform, time);
    if (st != SKPI_OK)
        return st;
    return record_count(t, SKPI__FAM_POST, platform, time, count);
}

skpi_status skpi_record_followers(skpi_tracker *t, uint32_t platform,
                                  int64_t time, int64_t tally)
{
    skpi_status st = check_event(t, platform, time);
    if (st != SKPI_OK)
        return st;
    if (tally < 0)
        return SKPI_ECOUNT;
    if (tally > SKPI_FOLLOWERS_MAX)
        return SKPI_EOVERFLOW;
    int64_t b = skpi__bucket_of(t, time);
    uint64_t into = (uint64_t)(time - skpi__bucket_start(t, b)) + 1;
    _Atomic int64_t *c = skpi__cells_for_write(t, SKPI__FAM_FOLLOW, platform, b);
    if (c == NULL)
        return SKPI_ENOMEM;
    max_into(c, (int64_t)(into << SKPI__GAUGE_TALLY_BITS | (uint64_t)tally));
    return SKPI_OK;
}

skpi_status skpi_record_rating(skpi_tracker *t, uint32_t platform, int64_t time,
                               int score)
{
    skpi_status st = check_event(t, platform, time);
    if (st != SKPI_OK)
        return st;
    if (score < t->opt.rating_lo || score > t->opt.rating_hi)
        return SKPI_ERATING;
    _Atomic int64_t *c = cells_at(t, SKPI__FAM_RATING, platform, time);
    if (c == NULL)
        return SKPI_ENOMEM;
    add1(&c[score - t->opt.rating_lo]);
    return SKPI_OK;
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

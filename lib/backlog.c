/*
 * backlog.c -- messages still waiting for an answer at a given time.
 *
 * The backlog at the end of a range is every message of a category that
 * expects an answer which arrived before that end and had no first reply
 * before it.  Messages are never dropped from it for being old: a message
 * left unanswered for a year is still in the backlog (it is censored, in
 * the statistician's sense, not lost).
 *
 * Counting it exactly needs, for each arrival bucket, how many of its
 * messages were answered before a given bucket.  The message cells keep
 * that for the first SKPI__LAGS buckets after arrival (the lag cells: lag
 * k counts answers given k buckets after the arrival bucket).  Answers
 * that came later are rare -- more than a week after the message with day
 * buckets -- and are kept here, in the late table, by (series, arrival
 * bucket, reply bucket), so that nothing is approximated:
 *
 *   open(b, T) = received(b) - sum of lag k of b with b + k < T
 *                            - late answers to b replied before T
 *
 * The backlog at T is the sum of open(b, T) over b < T, and its oldest
 * message arrived in the first bucket with open(b, T) > 0.  Only whole
 * buckets are known, so the oldest age is measured from that bucket's
 * start: exact to the bucket, and never an underestimate.
 *
 * A caller that records responses without their messages can make open(b)
 * negative; such a bucket counts as 0, never as a negative backlog.
 *
 * A report needs this for every series that expects answers, from the
 * first page of history, and the sums of the same cells over its range:
 * skpi__backlog() does both in one pass, reading a page in place when one
 * shard holds it (else summing the shards into the report's scratch page),
 * skipping buckets that received nothing, and taking its late answers from
 * one sorted copy of the table that the report makes (no allocation, no
 * lock per series).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ===================================================================== */
/* The late table                                                        */
/* ===================================================================== */

skpi_status skpi__late_init(skpi__late_table *l)
{
    memset(l, 0, sizeof *l);
    return pthread_mutex_init(&l->lock, NULL) == 0 ? SKPI_OK : SKPI_ENOMEM;
}

void skpi__late_free(skpi__late_table *l)
{
    free(l->slots);
    pthread_mutex_destroy(&l->lock);
    l->slots = NULL;
}

static size_t late_hash(uint32_t slot, int64_t arrival, int64_t reply)
{
    uint64_t h = (uint64_t)slot * 0x9E3779B97F4A7C15u;
    h ^= (uint64_t)arrival + 0x632BE59BD9B4E019u + (h << 6) + (h >> 2);
    h ^= (uint64_t)reply * 0xC2B2AE3D27D4EB4Fu;
    h ^= h >> 31;
    return (size_t)h;
}

/* Find the entry, or the empty slot where it belongs. */
static skpi__late_entry *late_probe(skpi__late_entry *slots, size_t cap,
                                    uint32_t slot, int64_t arrival,
                                    int64_t reply)
{
    size_t mask = cap - 1;
    for (size_t i = late_hash(slot, arrival, reply) & mask;; i = (i + 1) & mask) {
        skpi__late_entry *e = &slots[i];
        if (!e->used || (e->slot == slot && e->arrival == arrival &&
                         e->reply == reply))
            return e;
    }
}

static bool late_grow(skpi__late_table *l)
{
    size_t cap = l->cap == 0 ? 64 : l->cap * 2;
    skpi__late_entry *slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return false;
    for (size_t i = 0; i < l->cap; i++) {
        const skpi__late_entry *e = &l->slots[i];
        if (e->used)
            *late_probe(slots, cap, e->slot, e->arrival, e->reply) = *e;
    }
    free(l->slots);
    l->slots = slots;
    l->cap = cap;
    return true;
}

skpi__late_entry *skpi__late_hold(skpi__late_table *l, uint32_t slot,
                                  int64_t arrival, int64_t reply)
{
    pthread_mutex_lock(&l->lock);
    if ((l->used + 1) * 2 > l->cap && !late_grow(l)) {
        pthread_mutex_unlock(&l->lock);
        return NULL;
    }
    skpi__late_entry *e = late_probe(l->slots, l->cap, slot, arrival, reply);
    if (!e->used) {
        e->used = 1;
        e->slot = slot;
        e->arrival = arrival;
        e->reply = reply;
        e->count = 0;
        l->used++;
    }
    return e;
}

void skpi__late_release(skpi__late_table *l)
{
    pthread_mutex_unlock(&l->lock);
}

static int late_order(const void *a, const void *b)
{
    const skpi__late_entry *x = a, *y = b;
    if (x->slot != y->slot)
        return x->slot < y->slot ? -1 : 1;
    if (x->arrival != y->arrival)
        return x->arrival < y->arrival ? -1 : 1;
    return (x->reply > y->reply) - (x->reply < y->reply);
}

skpi_status skpi__late_collect(const skpi__late_table *cl,
                               skpi__late_entry **out, size_t *n)
{
    skpi__late_table *l = (skpi__late_table *)cl;
    skpi_status st = SKPI_OK;
    *out = NULL;
    *n = 0;
    pthread_mutex_lock(&l->lock);
    size_t k = 0;
    for (size_t i = 0; i < l->cap; i++)
        k += l->slots[i].used && l->slots[i].count > 0;
    if (k > 0) {
        skpi__late_entry *a = malloc(k * sizeof *a);
        if (a == NULL) {
            st = SKPI_ENOMEM;
        } else {
            size_t j = 0;
            for (size_t i = 0; i < l->cap; i++) {
                if (l->slots[i].used && l->slots[i].count > 0)
                    a[j++] = l->slots[i];
            }
            *out = a;
            *n = k;
        }
    }
    pthread_mutex_unlock(&l->lock);
    if (*out != NULL)
        qsort(*out, *n, sizeof **out, late_order);
    return st;
}

/* ===================================================================== */
/* The backlog of one series                                             */
/* ===================================================================== */

/*
 * The cells of page pg of series (SKPI__FAM_MSG, slot) over the shards:
 * the page itself when one shard holds it (a single writer, the common
 * case), else their sum in `sum`, made by copying the first and adding the
 * others.  NULL when no shard holds it, or on overflow (*st set).
 */
static const _Atomic int64_t *page_cells(const skpi_tracker *t, size_t slot,
                                         int64_t pg, size_t n,
                                         _Atomic int64_t *sum,
                                         skpi_status *st)
{
    const _Atomic int64_t *one = NULL;
    bool summed = false;
    for (unsigned s = 0; s < SKPI__SHARDS; s++) {
        const _Atomic int64_t *c =
            skpi__page_of_shard(t, s, SKPI__FAM_MSG, slot, pg);
        if (c == NULL)
            continue;
        if (one == NULL) {
            one = c;
            continue;
        }
        if (!summed) {
            for (size_t i = 0; i < n; i++)
                atomic_store_explicit(
                    &sum[i],
                    atomic_load_explicit(&one[i], memory_order_relaxed),
                    memory_order_relaxed);
            summed = true;
        }
        for (size_t i = 0; i < n; i++) {
            int64_t v = atomic_load_explicit(&c[i], memory_order_relaxed);
            int64_t a = atomic_load_explicit(&sum[i], memory_order_relaxed);
            if (__builtin_add_overflow(a, v, &a)) {
                *st = SKPI_EOVERFLOW;
                return NULL;
            }
            atomic_store_explicit(&sum[i], a, memory_order_relaxed);
        }
    }
    return summed ? sum : one;
}

static inline int64_t cell(const _Atomic int64_t *c, size_t k)
{
    return atomic_load_explicit(&c[k], memory_order_relaxed);
}

skpi_status skpi__backlog(const skpi_tracker *t, uint32_t platform,
                          uint32_t category, int64_t b0, int64_t b1,
                          const skpi__late_entry *late, size_t n_late,
                          _Atomic int64_t *scratch, int64_t *sums,
                          int64_t *count, int64_t *oldest_bucket)
{
    size_t slot = skpi__slot(SKPI__FAM_MSG, platform, category);
    size_t w = t->width[SKPI__FAM_MSG];
    size_t lag0 = SKPI__MSG_LAG0(t);
    size_t n = SKPI__PAGE_LEN * w, li = 0;
    skpi_status st = SKPI_OK;
    int64_t total = 0, oldest = -1;
    int64_t last_page = (b1 - 1) >> SKPI__PAGE_BITS;
    /* Pages of a series mostly follow each other: the next page is
     * tried first, and skpi__page_next() (a scan) only jumps gaps. */
    for (int64_t pg = skpi__page_next(t, SKPI__FAM_MSG, slot, 0);
         pg >= 0 && pg <= last_page; pg++) {
        const _Atomic int64_t *page = page_cells(t, slot, pg, n, scratch, &st);
        if (page == NULL && st == SKPI_OK) {
            pg = skpi__page_next(t, SKPI__FAM_MSG, slot, pg + 1);
            if (pg >= 0 && pg <= last_page)
                page = page_cells(t, slot, pg, n, scratch, &st);
        }
        if (st != SKPI_OK)
            return st;
        if (page == NULL)
            break;
        int64_t first = pg << SKPI__PAGE_BITS;
        int64_t end = first + SKPI__PAGE_LEN < b1 ? first + SKPI__PAGE_LEN : b1;
        for (int64_t b = first; b < end; b++) {
            const _Atomic int64_t *c = &page[(size_t)(b - first) * w];
            int64_t open = cell(c, SKPI__MSG_RECEIVED);
            if (open <= 0 && b < b0)
                continue;
            /* The range's sums, as the other series' (report.c). */
            if (b >= b0) {
                for (size_t k = 0; k < w; k++) {
                    if (__builtin_add_overflow(sums[k], cell(c, k), &sums[k]))
                        return SKPI_EOVERFLOW;
                }
            }
            if (open <= 0)
                continue;
            for (int64_t k = 0; k < SKPI__LAGS && b + k < b1; k++)
                open -= cell(c, lag0 + (size_t)k);
            while (li < n_late && late[li].arrival < b)
                li++;
            for (size_t j = li; j < n_late && late[j].arrival == b; j++) {
                if (late[j].reply < b1)
                    open -= late[j].count;
            }
            if (open <= 0)
                continue;
            if (oldest < 0)
                oldest = b;
            if (__builtin_add_overflow(total, open, &total))
                return SKPI_EOVERFLOW;
        }
    }
    *count = total;
    *oldest_bucket = oldest;
    return SKPI_OK;
}

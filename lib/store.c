/*
 * store.c -- where the counts live: shards, series and pages.
 *
 * The idea
 * --------
 * Every exact figure the library reports is a sum of 64-bit cells over a
 * range of time buckets.  The store keeps those cells so that recording is
 * a handful of dependent loads and one uncontended atomic add, that two
 * threads recording at once do not fight over cache lines, and that memory
 * grows only with the buckets and series actually used.
 *
 * A *series* is one time-indexed array of cells for one family and one
 * taxonomy slot: messages of (platform, category), engagements of
 * (platform, kind), posts, follower readings and ratings of a platform.
 * Each bucket of a series holds `width` cells (t->width[family]), e.g. for
 * messages: received, answered, and one "answered within T" per SLA target.
 *
 * The time axis of a series is a two-level radix tree over bucket indexes,
 * allocated lazily:
 *
 *     series                 mid block (512)          page (64 buckets)
 *   +----------+           +-------------+          +-------------------+
 *   | mids[0]  |---------->| pages[0]    |--------->| bucket 0: w cells |
 *   | mids[1]  |--> NULL   | pages[1]    |--> NULL  | bucket 1: w cells |
 *   |  ...     |           |  ...        |          |  ...              |
 *   +----------+           +-------------+          +-------------------+
 *     n_mid                 bucket >> 6 & 511        bucket & 63
 *
 * Day buckets over 1970..2200 need 3 mid blocks, hour buckets 62; an
 * unused stretch of time costs one NULL pointer per 64 or 32,768 buckets.
 * A 7-year day tracker with the built-in taxonomy uses about 40 pages per
 * series.
 *
 * A *shard* is a complete set of series.  A tracker has up to 16, and a
 * recording thread writes into the shard of the CPU it runs on
 * (sched_getcpu(), which glibc answers from the rseq area without a system
 * call), so two threads on two cores touch disjoint memory.  Readers sum
 * over shards.  Cells are still updated with atomic operations, because a
 * thread can migrate between reading its CPU number and writing, and
 * threads share a CPU; relaxed order suffices since every cell is an
 * independent counter.
 *
 * Invariants
 * ----------
 *  - Every pointer in the tree goes from NULL to its final value exactly
 *    once, by compare-and-swap; a thread that loses the race frees its copy.
 *    Readers load pointers with acquire order, so they see zeroed memory or
 *    later values, never garbage.
 *  - Nothing is freed before skpi_tracker_free(), so readers need no
 *    reference counts.
 *  - Cells only grow (counters add, the follower gauge takes a maximum), so
 *    a concurrent reader sees each cell at some value it really had.
 *
 * The follower gauge
 * ------------------
 * "The latest reading in a bucket wins" is kept lock-free by packing the
 * reading's position inside its bucket above the tally:
 *
 *    63            46 45                                0
 *   +----------------+-----------------------------------+
 *   | seconds into   |              tally                |
 *   | bucket + 1     |          (< 2^46)                 |
 *   +----------------+-----------------------------------+
 *
 * so that the maximum of packed values is the latest reading (ties: the
 * larger tally), whatever order readings arrive in, and merging two
 * trackers is again a maximum.  A local day is at most SKPI__ZONE_DAY_MAX
 * (36 hours; the longest real one, Vostok 1994, had 31), which fits the 18
 * high bits with room to spare; zero means "no reading".
 */
#define _GNU_SOURCE 1
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

_Static_assert(SKPI__ZONE_DAY_MAX + 1 < (INT64_C(1) << (64 - SKPI__GAUGE_TALLY_BITS)),
               "a bucket's seconds must fit above the follower tally");

/* ===================================================================== */
/* Layout                                                                */
/* ===================================================================== */

typedef struct skpi__mid {
    _Atomic(_Atomic int64_t *) pages[SKPI__MID_LEN];
} skpi__mid;

struct skpi__series {
    size_t n_mid;                /* written before the series is published */
    _Atomic(skpi__mid *) mids[]; /* n_mid entries */
};

#define SKPI__MSG_SLOTS (SKPI_MAX_PLATFORMS * SKPI_MAX_CATEGORIES)
#define SKPI__ENG_SLOTS (SKPI_MAX_PLATFORMS * SKPI_MAX_KINDS)

struct skpi__shard {
    _Atomic(skpi__series *) msg[SKPI__MSG_SLOTS];
    _Atomic(skpi__series *) eng[SKPI__ENG_SLOTS];
    _Atomic(skpi__series *) post[SKPI_MAX_PLATFORMS];
    _Atomic(skpi__series *) follow[SKPI_MAX_PLATFORMS];
    _Atomic(skpi__series *) rating[SKPI_MAX_PLATFORMS];
    _Atomic(skpi__series *) frt[SKPI__MSG_SLOTS];
    _Atomic(skpi__series *) people[SKPI_MAX_PLATFORMS];
    _Atomic(skpi__series *) anom[SKPI_MAX_PLATFORMS];
};

static _Atomic(skpi__series *) *shard_slots(skpi__shard *s,
                                            enum skpi__family f,
                                            size_t *n_slots)
{
    switch (f) {
    case SKPI__FAM_MSG:
        *n_slots = SKPI__MSG_SLOTS;
        return s->msg;
    case SKPI__FAM_ENG:
        *n_slots = SKPI__ENG_SLOTS;
        return s->eng;
    case SKPI__FAM_POST:
        *n_slots = SKPI_MAX_PLATFORMS;
        return s->post;
    case SKPI__FAM_FOLLOW:
        *n_slots = SKPI_MAX_PLATFORMS;
        return s->follow;
    case SKPI__FAM_RATING:
        *n_slots = SKPI_MAX_PLATFORMS;
        return s->rating;
    case SKPI__FAM_FRT:
        *n_slots = SKPI__MSG_SLOTS;
        return s->frt;
    case SKPI__FAM_PEOPLE:
        *n_slots = SKPI_MAX_PLATFORMS;
        return s->people;
    default:
        *n_slots = SKPI_MAX_PLATFORMS;
        return s->anom;
    }
}

/* ===================================================================== */
/* Shard choice                                                          */
/* ===================================================================== */

static unsigned shard_index(void)
{
#ifdef HAVE_SCHED_GETCPU
    int cpu = sched_getcpu();
    if (cpu >= 0)
        return (unsigned)cpu % SKPI__SHARDS;
#endif
    /* No CPU number: spread threads by the address of a thread-local
     * object, distinct per thread and stable within one (it is never
     * written: only its address is used). */
    static _Thread_local char anchor;
    uintptr_t h = (uintptr_t)&anchor;
    h ^= h >> 17;
    h *= (uintptr_t)0x9E3779B97F4A7C15u;
    return (unsigned)(h >> (sizeof h * 8 - 4)) % SKPI__SHARDS;
}

/* ===================================================================== */
/* Lazy allocation                                                       */
/* ===================================================================== */

/*
 * Publish the fully initialised object `fresh` in the empty *slot, or, if
 * another thread got there first, free it and return the winner's.
 */
static void *publish(void *_Atomic *slot, void *fresh)
{
    void *expected = NULL;
    if (atomic_compare_exchange_strong_explicit(slot, &expected, fresh,
                                                memory_order_acq_rel,
                                                memory_order_acquire))
        return fresh;
    free(fresh);
    return expected;
}

/*
 * Return the object behind *slot, allocating `size` zeroed bytes and
 * installing them if it is NULL.  NULL only on allocation failure.
 */
static void *install(void *_Atomic *slot, size_t size)
{
    void *p = atomic_load_explicit(slot, memory_order_acquire);
    if (p != NULL)
        return p;
    void *fresh = calloc(1, size);
    return fresh == NULL ? NULL : publish(slot, fresh);
}

/* As install(), for a series, whose size must be set before it is seen. */
static skpi__series *series_install(_Atomic(skpi__series *) *slot,
                                    size_t n_mid)
{
    skpi__series *fresh =
        calloc(1, sizeof(skpi__series) + n_mid * sizeof(fresh->mids[0]));
    if (fresh == NULL)
        return NULL;
    fresh->n_mid = n_mid;
    return publish((void *_Atomic *)(void *)slot, fresh);
}

/* The casts below only change the pointee type of an atomic pointer slot;
 * install() treats every slot as `void *_Atomic`. */
#define INSTALL(slot, size) install((void *_Atomic *)(void *)(slot), (size))

_Atomic int64_t *skpi__cells_for_write(skpi_tracker *t, enum skpi__family f,
                                        size_t slot, int64_t b)
{
    return skpi__cells_for_write_in(t, shard_index(), f, slot, b);
}

_Atomic int64_t *skpi__cells_for_write_in(skpi_tracker *t, unsigned shard,
                                           enum skpi__family f, size_t slot,
                                           int64_t b)
{
    skpi__shard *sh = INSTALL(&t->shards[shard], sizeof(skpi__shard));
    if (sh == NULL)
        return NULL;
    size_t n_slots;
    _Atomic(skpi__series *) *slots = shard_slots(sh, f, &n_slots);
    skpi__series *se = atomic_load_explicit(&slots[slot], memory_order_acquire);
    if (se == NULL) {
        se = series_install(&slots[slot], t->n_mid);
        if (se == NULL)
            return NULL;
    }
    uint64_t page_no = (uint64_t)b >> SKPI__PAGE_BITS;
    skpi__mid *mid = INSTALL(&se->mids[page_no >> SKPI__MID_BITS],
                             sizeof(skpi__mid));
    if (mid == NULL)
        return NULL;
    size_t width = t->width[f];
    _Atomic int64_t *page =
        INSTALL(&mid->pages[page_no & (SKPI__MID_LEN - 1)],
                SKPI__PAGE_LEN * width * sizeof(int64_t));
    if (page == NULL)
        return NULL;
    return page + (size_t)((uint64_t)b & (SKPI__PAGE_LEN - 1)) * width;
}

/* ===================================================================== */
/* Sketch cells                                                          */
/* ===================================================================== */

/*
 * A sketch cell goes from 0 to the address of its sketch once, like every
 * pointer of the tree; the sketch is complete before it is published.
 */
static void *cell_publish(_Atomic int64_t *cell, void *fresh)
{
    int64_t expected = 0;
    if (atomic_compare_exchange_strong_explicit(
            cell, &expected, (int64_t)(intptr_t)fresh, memory_order_acq_rel,
            memory_order_acquire))
        return fresh;
    return (void *)(intptr_t)expected;
}

skpi__dds_cell *skpi__dds_cell_get(skpi_tracker *t, _Atomic int64_t *cell)
{
    skpi__dds_cell *c = skpi__cell_ptr(cell);
    if (c != NULL)
        return c;
    skpi__dds_cell *fresh = malloc(sizeof *fresh);
    if (fresh == NULL)
        return NULL;
    atomic_flag_clear(&fresh->lock);
    /* alpha was validated with the options: init cannot fail. */
    (void)skpi__dds_init(&fresh->dds, t->opt.alpha);
    c = cell_publish(cell, fresh);
    if (c != fresh)
        free(fresh); /* empty: nothing to finish */
    return c;
}

skpi__hll_cell *skpi__hll_cell_get(skpi_tracker *t, _Atomic int64_t *cell)
{
    skpi__hll_cell *c = skpi__cell_ptr(cell);
    if (c != NULL)
        return c;
    skpi__hll_cell *fresh = malloc(sizeof *fresh);
    if (fresh == NULL)
        return NULL;
    atomic_flag_clear(&fresh->lock);
    if (skpi__hll_new(t->opt.people_p, &fresh->hll) != SKPI_OK) {
        free(fresh);
        return NULL;
    }
    c = cell_publish(cell, fresh);
    if (c != fresh) {
        skpi__hll_free(fresh->hll);
        free(fresh);
    }
    return c;
}

/* Release what a cell of family f points to (sketch families only). */
static void cell_release(enum skpi__family f, int64_t v)
{
    void *p = (void *)(intptr_t)v;
    if (p == NULL)
        return;
    if (f == SKPI__FAM_FRT) {
        skpi__dds_fini(&((skpi__dds_cell *)p)->dds);
    } else {
        skpi__hll_free(((skpi__hll_cell *)p)->hll);
    }
    free(p);
}

/* ===================================================================== */
/* Reading                                                               */
/* ===================================================================== */

static skpi__series *series_get(const skpi_tracker *t, unsigned shard,
                                enum skpi__family f, size_t slot)
{
    skpi__shard *sh = atomic_load_explicit(
        &((skpi_tracker *)t)->shards[shard], memory_order_acquire);
    if (sh == NULL)
        return NULL;
    size_t n_slots;
    _Atomic(skpi__series *) *slots = shard_slots(sh, f, &n_slots);
    return atomic_load_explicit(&slots[slot], memory_order_acquire);
}

static const _Atomic int64_t *page_get(skpi__series *se, int64_t page_no)
{
    skpi__mid *mid = atomic_load_explicit(
        &se->mids[(uint64_t)page_no >> SKPI__MID_BITS], memory_order_acquire);
    if (mid == NULL)
        return NULL;
    return atomic_load_explicit(
        &mid->pages[(uint64_t)page_no & (SKPI__MID_LEN - 1)],
        memory_order_acquire);
}

skpi_status skpi__series_visit(const skpi_tracker *t, enum skpi__family f,
                               size_t slot, int64_t b0, int64_t b1,
                               skpi__visit_fn fn, void *ctx)
{
    size_t width = t->width[f];
    for (unsigned s = 0; s < SKPI__SHARDS; s++) {
        skpi__series *se = series_get(t, s, f, slot);
        if (se == NULL)
            continue;
        int64_t b = b0;
        while (b < b1) {
            int64_t page_no = b >> SKPI__PAGE_BITS;
            int64_t page_end = (page_no + 1) << SKPI__PAGE_BITS;
            int64_t end = page_end < b1 ? page_end : b1;
            const _Atomic int64_t *page = page_get(se, page_no);
            if (page != NULL) {
                size_t off = (size_t)(b & (SKPI__PAGE_LEN - 1)) * width;
                skpi_status st = fn(page + off, b, (size_t)(end - b), ctx);
                if (st != SKPI_OK)
                    return st;
            }
            b = end;
        }
    }
    return SKPI_OK;
}

skpi_status skpi__page_sum(const skpi_tracker *t, enum skpi__family f,
                           size_t slot, int64_t page_no, int64_t *out)
{
    size_t n = SKPI__PAGE_LEN * t->width[f];
    bool any = false;
    for (unsigned s = 0; s < SKPI__SHARDS; s++) {
        skpi__series *se = series_get(t, s, f, slot);
        const _Atomic int64_t *page = se == NULL ? NULL : page_get(se, page_no);
        if (page == NULL)
            continue;
        if (!any)
            memset(out, 0, n * sizeof *out);
        any = true;
        for (size_t i = 0; i < n; i++) {
            int64_t v = atomic_load_explicit(&page[i], memory_order_relaxed);
            /* Follower gauges combine by maximum, counters by sum. */
            if (f == SKPI__FAM_FOLLOW)
                out[i] = (uint64_t)v > (uint64_t)out[i] ? v : out[i];
            else if (__builtin_add_overflow(out[i], v, &out[i]))
                return SKPI_EOVERFLOW;
        }
    }
    return any ? SKPI_OK : SKPI_ENODATA;
}

const _Atomic int64_t *skpi__page_of_shard(const skpi_tracker *t,
                                            unsigned shard,
                                            enum skpi__family f, size_t slot,
                                            int64_t page_no)
{
    skpi__series *se = series_get(t, shard, f, slot);
    return se == NULL ? NULL : page_get(se, page_no);
}

size_t skpi__family_slots(enum skpi__family f)
{
    switch (f) {
    case SKPI__FAM_MSG:
    case SKPI__FAM_FRT:
        return SKPI__MSG_SLOTS;
    case SKPI__FAM_ENG:
        return SKPI__ENG_SLOTS;
    default:
        return SKPI_MAX_PLATFORMS;
    }
}

int64_t skpi__page_next(const skpi_tracker *t, enum skpi__family f,
                        size_t slot, int64_t page_no)
{
    int64_t best = -1;
    int64_t n_pages = (int64_t)t->n_mid << SKPI__MID_BITS;
    for (unsigned s = 0; s < SKPI__SHARDS; s++) {
        skpi__series *se = series_get(t, s, f, slot);
        if (se == NULL)
            continue;
        int64_t limit = best >= 0 ? best : n_pages;
        for (int64_t pg = page_no; pg < limit;) {
            skpi__mid *mid = atomic_load_explicit(
                &se->mids[(uint64_t)pg >> SKPI__MID_BITS], memory_order_acquire);
            if (mid == NULL) {
                /* A whole empty mid block: jump to the next one. */
                pg = ((pg >> SKPI__MID_BITS) + 1) << SKPI__MID_BITS;
                continue;
            }
            if (atomic_load_explicit(&mid->pages[pg & (SKPI__MID_LEN - 1)],
                                     memory_order_acquire) != NULL) {
                best = pg;
                break;
            }
            pg++;
        }
    }
    return best;
}

uint64_t skpi__gauge_read(const skpi_tracker *t, uint32_t p, int64_t b)
{
    uint64_t best = 0;
    for (unsigned s = 0; s < SKPI__SHARDS; s++) {
        skpi__series *se = series_get(t, s, SKPI__FAM_FOLLOW, p);
        if (se == NULL)
            continue;
        const _Atomic int64_t *page = page_get(se, b >> SKPI__PAGE_BITS);
        if (page == NULL)
            continue;
        uint64_t v = (uint64_t)atomic_load_explicit(
            &page[b & (SKPI__PAGE_LEN - 1)], memory_order_relaxed);
        if (v > best)
            best = v;
    }
    return best;
}

/* Whether any shard holds the page of bucket b for platform p. */
static bool gauge_page_exists(const skpi_tracker *t, uint32_t p, int64_t b)
{
    for (unsigned s = 0; s < SKPI__SHARDS; s++) {
        skpi__series *se = series_get(t, s, SKPI__FAM_FOLLOW, p);
        if (se != NULL && page_get(se, b >> SKPI__PAGE_BITS) != NULL)
            return true;
    }
    return false;
}

int64_t skpi__gauge_seek(const skpi_tracker *t, uint32_t p, int64_t b,
                         int64_t limit, bool backward, uint64_t *packed)
{
    while (backward ? b >= limit : b < limit) {
        if (!gauge_page_exists(t, p, b)) {
            /* Skip the rest of this empty page in the direction of travel. */
            int64_t page_first = b & ~(int64_t)(SKPI__PAGE_LEN - 1);
            b = backward ? page_first - 1 : page_first + SKPI__PAGE_LEN;
            continue;
        }
        uint64_t v = skpi__gauge_read(t, p, b);
        if (v != 0) {
            *packed = v;
            return b;
        }
        b += backward ? -1 : 1;
    }
    return -1;
}

/* ===================================================================== */
/* Teardown                                                              */
/* ===================================================================== */

/* Free a series; `cells` (the cells of a page) is nonzero for families
 * whose cells point to sketches, which are released first. */
static void series_free(skpi__series *se, enum skpi__family f, size_t cells)
{
    if (se == NULL)
        return;
    for (size_t m = 0; m < se->n_mid; m++) {
        skpi__mid *mid = atomic_load_explicit(&se->mids[m], memory_order_relaxed);
        if (mid == NULL)
            continue;
        for (size_t k = 0; k < SKPI__MID_LEN; k++) {
            _Atomic int64_t *page =
                atomic_load_explicit(&mid->pages[k], memory_order_relaxed);
            for (size_t i = 0; page != NULL && i < cells; i++)
                cell_release(f, atomic_load_explicit(&page[i],
                                                     memory_order_relaxed));
            free((void *)page);
        }
        free(mid);
    }
    free(se);
}

void skpi__store_free(skpi_tracker *t)
{
    for (unsigned s = 0; s < SKPI__SHARDS; s++) {
        skpi__shard *sh =
            atomic_load_explicit(&t->shards[s], memory_order_relaxed);
        if (sh == NULL)
            continue;
        for (int f = 0; f < SKPI__NFAMILIES; f++) {
            size_t n_slots;
            _Atomic(skpi__series *) *slots =
                shard_slots(sh, (enum skpi__family)f, &n_slots);
            bool sketches = f == SKPI__FAM_FRT || f == SKPI__FAM_PEOPLE;
            size_t cells = sketches ? SKPI__PAGE_LEN * t->width[f] : 0;
            for (size_t i = 0; i < n_slots; i++)
                series_free(
                    atomic_load_explicit(&slots[i], memory_order_relaxed),
                    (enum skpi__family)f, cells);
        }
        free(sh);
        atomic_store_explicit(&t->shards[s], NULL, memory_order_relaxed);
    }
}

/* ===================================================================== */
/* Extent                                                                */
/* ===================================================================== */

/* Widen [*lo, *hi] by the buckets of page `page_no` of series (f, slot)
 * whose cells are not all zero, in any shard. */
static void page_extent(const skpi_tracker *t, enum skpi__family f,
                        size_t slot, int64_t page_no, int64_t *lo, int64_t *hi)
{
    size_t width = t->width[f];
    for (unsigned s = 0; s < SKPI__SHARDS; s++) {
        const _Atomic int64_t *page = skpi__page_of_shard(t, s, f, slot, page_no);
        if (page == NULL)
            continue;
        for (size_t i = 0; i < SKPI__PAGE_LEN; i++) {
            int64_t b = (page_no << SKPI__PAGE_BITS) + (int64_t)i;
            if (b >= *lo && b <= *hi)
                continue; /* already inside */
            for (size_t c = 0; c < width; c++) {
                if (atomic_load_explicit(&page[i * width + c],
                                         memory_order_relaxed) != 0) {
                    if (*lo < 0 || b < *lo)
                        *lo = b;
                    if (b > *hi)
                        *hi = b;
                    break;
                }
            }
        }
    }
}

skpi_status skpi_tracker_extent(const skpi_tracker *t, int64_t *from,
                                int64_t *to)
{
    if (t == NULL || from == NULL || to == NULL)
        return SKPI_EINVAL;
    int64_t lo = -1, hi = -1;
    for (int f = 0; f < SKPI__NFAMILIES; f++) {
        size_t n = skpi__family_slots((enum skpi__family)f);
        for (size_t slot = 0; slot < n; slot++) {
            for (int64_t pg = skpi__page_next(t, (enum skpi__family)f, slot, 0);
                 pg >= 0;
                 pg = skpi__page_next(t, (enum skpi__family)f, slot, pg + 1))
                page_extent(t, (enum skpi__family)f, slot, pg, &lo, &hi);
        }
    }
    if (lo < 0)
        return SKPI_ENODATA;
    *from = skpi__bucket_start(t, lo);
    *to = skpi__bucket_start(t, hi + 1);
    return SKPI_OK;
}

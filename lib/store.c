/*
 * store.c -- where the counts live: shards, series and pages.
 *
 * The idea
 * --------
 * Every exact figure the library reports is a sum of 64-bit cells over a
 * range of time buckets.  The store keeps those cells so that recording is
 * a handful of dependent loads and one store, that two threads recording
 * at once do not fight over cache lines, and that memory grows only with
 * the buckets and series actually used.
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
 * Shards
 * ------
 * A *shard* is a complete set of series.  A tracker has up to 16; readers
 * sum over all of them.  Shards 0 .. SKPI__SHARED - 1 (four) are *shared*:
 * a thread writes the one of the CPU it runs on (sched_getcpu(), which
 * glibc answers from the rseq area without a system call), with atomic
 * read-modify-write operations, because a thread can migrate between
 * reading its CPU number and writing, and threads share a CPU.  The other
 * twelve are *owned*: the first time a thread records into a tracker it
 * claims one by compare-and-swap of the shard's owner field from 0 to the
 * thread's token, and from then on it is the only thread that writes
 * that shard.  Its counters then need no atomic read-modify-write: a
 * relaxed load and a relaxed store are exact, because nobody else stores
 * there, and readers still load every cell atomically.  A locked add costs
 * 6.5 ns on the 2.3 GHz Xeon of doc/performance.md, and it stalls the
 * loads of the next event, so this is most of what a recording call saves.
 *
 * Owned shards
 * ------------
 *  - A thread's token is its pthread_t (skpi__thread_token()): unique
 *    among the threads alive.  A thread that ends leaves its shards owned;
 *    a later thread that gets the same pthread_t (glibc reuses the
 *    structures of threads that ended) inherits them, which is safe because
 *    the first one no longer writes.  Owners are never released: a tracker
 *    has no way to learn that a thread has ended.
 *  - A thread claims a shard by hashing its token onto the owned shards
 *    (skpi__token_slot()) and probing on from there, at most SKPI__PROBES
 *    shards; the first shard it finds free there it claims.  Since claims
 *    are final, its shard is always at the same probe.  It then writes the
 *    shard's number into the tracker's hints, t->mine[], at a second hash
 *    of its token (64 entries, so two threads rarely share one), and finds
 *    its shard from then on in three loads and a compare: hint, shard,
 *    owner.  A hint is only a guess -- two threads may overwrite each
 *    other's, and a merge exchanges the shards under the hints -- so the
 *    owner is always checked, and a wrong hint costs a probe.  No
 *    thread-local variable is needed.
 *  - t->leases owned shards may be claimed: 2 per online CPU, at most 12,
 *    so that memory (every shard that records a series holds its own
 *    pages and sketches) still grows with the machine rather than with the
 *    number of threads.  A thread that finds none free in its probes writes
 *    the shared shards, as every thread did before owned shards existed.
 *  - Only the snapshot loader writes a shard it does not own or share:
 *    shard 0 of a tracker nobody else can see yet.
 *
 * The bucket cache
 * ----------------
 * Which bucket an instant falls in depends on the zone (an IANA zone's
 * days last 23 to 25 hours) and is computed in lib/zone.c.  Events arrive
 * mostly in the bucket of "now", so each shard remembers the UTC spans of
 * the two buckets it last computed, slot b & 1 for bucket b:
 *
 *      63                         24 23              0
 *     +-----------------------------+-----------------+
 *     |  bucket start - range_min   |   bucket b      |   span[b & 1].start
 *     +-----------------------------+-----------------+
 *     |  bucket end - range_min     |   bucket b      |   span[b & 1].end
 *     +-----------------------------+-----------------+
 *
 * and an instant x with start <= x < end is in bucket b: two compares.
 * The span is exact for any zone, because buckets tile time: bucket b is
 * [bucket_start(b), bucket_start(b + 1)) (lib/tracker.c), which is what is
 * stored.  The two words are written one after the other without a lock;
 * a reader accepts them only when both carry the same b, and since both
 * are functions of b alone, such a pair is consistent even if it was
 * assembled from two different writes.  Bucket indexes stay below 2^22
 * (the hours of 230 years) and offsets below 2^33, so both fit.
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
 *  - A shard's owner goes from 0 to a token once; shards 0..3 never get
 *    one.  Cells of an owned shard are stored only by its owner.
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
_Static_assert(SKPI__SHARED >= 1 && SKPI__SHARED < SKPI__SHARDS,
               "shard 0 is shared, and some shards are owned");

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

/* ===================================================================== */
/* Shard choice                                                          */
/* ===================================================================== */

/* The shared shard of the calling thread's CPU. */
static unsigned shared_index(uintptr_t token)
{
#ifdef HAVE_SCHED_GETCPU
    int cpu = sched_getcpu();
    if (cpu >= 0)
        return (unsigned)cpu % SKPI__SHARED;
#endif
    /* No CPU number: spread threads by their token instead. */
    return skpi__token_slot(token, SKPI__SHARED);
}

/*
 * The slow path of skpi__shard_mine(): the first shard the token leads to
 * is not the thread's.  Probe on from there, at most SKPI__PROBES owned
 * shards, for the one this thread owns or a free one to claim, else use
 * the shared shard of the CPU.  A thread's probe sequence never changes
 * and owners are never released, so a thread always finds its shard at
 * the same probe, and a thread that found none never will: the probes are
 * bounded so that such a thread pays a few loads per call, not a search.
 */
#define SKPI__PROBES 4

skpi__shard *skpi__shard_find(skpi_tracker *t, uintptr_t token, bool *owned)
{
    unsigned n = t->leases;
    unsigned first = skpi__token_slot(token, n);
    _Atomic unsigned char *hint = &t->mine[skpi__token_slot(token, SKPI__MINE)];
    for (unsigned k = 0; k < SKPI__PROBES && k < n; k++) {
        unsigned i = SKPI__SHARED + (first + k) % n;
        _Atomic(skpi__shard *) *slot = &t->shards[i];
        skpi__shard *sh = atomic_load_explicit(slot, memory_order_acquire);
        uintptr_t owner = sh == NULL ? 0
                                     : atomic_load_explicit(
                                           &sh->owner, memory_order_relaxed);
        if (owner == token) {
            atomic_store_explicit(hint, (unsigned char)i, memory_order_relaxed);
            *owned = true;
            return sh;
        }
        if (owner != 0)
            continue; /* another thread's */
        sh = INSTALL(slot, sizeof(skpi__shard));
        if (sh == NULL)
            break; /* out of memory: a shared shard may still exist */
        uintptr_t expected = 0;
        if (atomic_compare_exchange_strong_explicit(
                &sh->owner, &expected, token, memory_order_relaxed,
                memory_order_relaxed)) {
            atomic_store_explicit(hint, (unsigned char)i, memory_order_relaxed);
            *owned = true;
            return sh;
        }
        /* Another thread claimed it first: probe on. */
    }
    *owned = false;
    return INSTALL(&t->shards[shared_index(token)], sizeof(skpi__shard));
}

/* ===================================================================== */
/* Buckets and cells                                                     */
/* ===================================================================== */

/*
 * The slow path of skpi__shard_bucket() and skpi__shard_bucket_near():
 * compute the bucket through the zone, and cache its span, unless `keep`
 * (>= 0) is a bucket of the same parity, whose slot it would take.
 */
int64_t skpi__shard_bucket_miss(const skpi_tracker *t, skpi__shard *sh,
                                int64_t utc, int64_t keep)
{
    int64_t b = skpi__bucket_of(t, utc);
    if (keep >= 0 && ((b ^ keep) & 1) == 0)
        return b;
    int64_t start = skpi__bucket_start(t, b);
    int64_t end = skpi__bucket_start(t, b + 1);
    /* Buckets tile time, so utc lies in [start, end); the check keeps a
     * span that broke that rule out of the cache rather than trust it. */
    if (start > utc || utc >= end || start < t->range_min ||
        (uint64_t)b > SKPI__SPAN_TAG_MASK)
        return b;
    skpi__span *e = &sh->span[b & 1];
    uint64_t tag = (uint64_t)b;
    atomic_store_explicit(
        &e->start, (uint64_t)(start - t->range_min) << SKPI__SPAN_TAG | tag,
        memory_order_relaxed);
    atomic_store_explicit(
        &e->end, (uint64_t)(end - t->range_min) << SKPI__SPAN_TAG | tag,
        memory_order_relaxed);
    return b;
}

/* The slow path of skpi__shard_cells(): allocate what is missing. */
_Atomic int64_t *skpi__shard_cells_miss(skpi_tracker *t, skpi__shard *sh,
                                        enum skpi__family f, size_t slot,
                                        int64_t b)
{
    _Atomic(skpi__series *) *slots = skpi__shard_slots(sh, f);
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

_Atomic int64_t *skpi__cells_for_write(skpi_tracker *t, enum skpi__family f,
                                        size_t slot, int64_t b)
{
    bool owned;
    skpi__shard *sh = skpi__shard_mine(t, &owned);
    return sh == NULL ? NULL : skpi__shard_cells(t, sh, f, slot, b);
}

_Atomic int64_t *skpi__cells_for_write_in(skpi_tracker *t, unsigned shard,
                                           enum skpi__family f, size_t slot,
                                           int64_t b)
{
    skpi__shard *sh = INSTALL(&t->shards[shard], sizeof(skpi__shard));
    return sh == NULL ? NULL : skpi__shard_cells(t, sh, f, slot, b);
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
    return atomic_load_explicit(&skpi__shard_slots(sh, f)[slot],
                                memory_order_acquire);
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

/* The first page in [pg, end) that mid holds (all in mid), or end. */
static int64_t first_page_in(skpi__mid *mid, int64_t pg, int64_t end)
{
    _Atomic(_Atomic int64_t *) *p = &mid->pages[pg & (SKPI__MID_LEN - 1)];
    for (; end - pg >= 4; pg += 4, p += 4) {
        if (atomic_load_explicit(&p[0], memory_order_relaxed) != NULL ||
            atomic_load_explicit(&p[1], memory_order_relaxed) != NULL ||
            atomic_load_explicit(&p[2], memory_order_relaxed) != NULL ||
            atomic_load_explicit(&p[3], memory_order_relaxed) != NULL)
            break;
    }
    for (; pg < end; pg++, p++) {
        if (atomic_load_explicit(p, memory_order_acquire) != NULL)
            return pg;
    }
    return end;
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
            int64_t end = ((pg >> SKPI__MID_BITS) + 1) << SKPI__MID_BITS;
            if (end > limit)
                end = limit;
            /* A whole empty mid block is jumped; a mid block's pages are
             * scanned in a tight loop, four at a time (reports start
             * from page 0, and bucket indexes from 1970). */
            if (mid != NULL) {
                pg = first_page_in(mid, pg, end);
                if (pg < end) {
                    best = pg;
                    break;
                }
            }
            pg = end;
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
            size_t n_slots = skpi__family_slots((enum skpi__family)f);
            _Atomic(skpi__series *) *slots =
                skpi__shard_slots(sh, (enum skpi__family)f);
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

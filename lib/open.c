/*
 * open.c -- the table of messages awaiting a first reply.
 *
 * The idea
 * --------
 * A reply names the message it answers by id.  To turn it into a first
 * response time the library needs the message's arrival time, platform and
 * category, so messages recorded with an id are remembered here until their
 * first reply, and a little longer: a message that has been answered stays
 * (marked ANSWERED) so that a second reply is recognised as a later reply
 * rather than as a reply to an unknown message.
 *
 * Ids are not stored.  The key is the 64-bit XXH64 hash of the platform
 * number and the id bytes (ids are unique per platform only).  Two distinct
 * ids collide with probability 2^-64 per pair: with a million messages kept
 * that is about 3e-8 for the whole table, a risk documented rather than
 * paid for with the ids' memory.
 *
 * Layout
 * ------
 * The table is split into 1 to 64 stripes by the key's top bits, each an
 * open-addressing hash table with linear probing under its own mutex, so
 * that threads recording different messages rarely wait for each other:
 *
 *   table --> stripe[0] { mutex, slots[cap], live, heap[live] }
 *             stripe[1] ...
 *   slot: | key (8) | received (8) | platform (4) | category (4) |
 *         | state (4) | heap_at (4) |                       32 bytes
 *
 * A slot is EMPTY, WAITING or ANSWERED.  A stripe doubles its slots when
 * the live ones would pass 3/4 of them.  Removal leaves no tombstone: the
 * messages after the freed slot in its probe run are shifted back into it
 * where their probe sequence allows (Knuth's Algorithm R, 6.4), so every
 * probe still ends at the first empty slot, and a full stripe that forgets
 * one message for each it adds never fills up with tombstones and never
 * has to be rebuilt.
 *
 * The limit
 * ---------
 * A tracker keeps at most `limit` ids (skpi_options_set_open_limit()),
 * enforced per stripe as ceil(limit / stripes): a stripe has at least 1,024
 * ids of room, so small limits use one stripe and are exact.  When a stripe
 * is full, the next new id first makes room by forgetting one message:
 * the answered one that arrived first if there is any (it only served to
 * recognise later replies), else the waiting one that arrived first (ties:
 * the lower key, so that the choice never depends on where slots lie).
 * The forgotten message stays counted as received and, if it was waiting,
 * as unanswered: only a future reply to it can no longer be matched, and is
 * then counted as a reply to an unknown id.  The tracker counts every
 * forgotten message so that reports can show it.
 *
 * That order is total (keys are unique in a stripe), and a binary min-heap
 * keeps its least message at the top: the heap holds slot numbers, and
 * each slot its position in the heap (heap_at), so that a message moved by
 * a removal, or answered, is found and put back in order in O(log n):
 *
 *   heap:  [0] [1] [2] ...  slot numbers; heap[k] forgets before
 *           |               heap[2k+1] and heap[2k+2]
 *           v
 *   slots: ... | key received ... state heap_at=0 | ...
 *
 * The heap is kept only from the first time the stripe is full: reserving
 * room for a new id in a full stripe allocates it (so that the insert that
 * follows cannot fail) and builds it from the slots in O(n); from then on
 * every insert pushes its slot, an answer moves its slot up (answered
 * messages go first), a forget pops the top, and a shift or a rehash
 * renumbers the slots it moves.  So at the limit adding an id costs
 * O(log(limit / stripes)), and a stripe that never fills pays nothing.
 * The heap takes 4 bytes a kept message in a full stripe.
 */
#include <stdlib.h>
#include <string.h>

#include "hll.h"
#include "open.h"

#define OPEN_MIN_PER_STRIPE 1024
#define OPEN_MAX_STRIPES 64

/* Slot numbers and heap positions are 32-bit (heap_at): a stripe has at
 * most 2^32 slots, 128 GiB, which no allocation would give anyway. */
#define OPEN_MAX_SLOTS ((uint64_t)UINT32_MAX + 1)

struct skpi__open_stripe {
    pthread_mutex_t lock;
    skpi__open_msg *slots;
    size_t cap;      /* a power of two, or 0 before the first add */
    size_t live;     /* waiting + answered */
    size_t waiting;
    uint32_t *heap;  /* live slot numbers in forget order; NULL until full */
    size_t heap_cap; /* entries allocated */
};

/* ===================================================================== */
/* Keys                                                                  */
/* ===================================================================== */

uint64_t skpi__open_key(uint32_t platform, const char *id, size_t len)
{
    /* Hash "platform number, id" as one string: little-endian platform
     * first, so the key does not depend on the host's byte order. */
    unsigned char buf[4 + 256];
    if (len <= sizeof buf - 4) {
        for (int i = 0; i < 4; i++)
            buf[i] = (unsigned char)(platform >> (8 * i));
        memcpy(buf + 4, id, len);
        return skpi__hll_hash(buf, 4 + len);
    }
    /* Longer ids (the tracker refuses them; kept total for safety). */
    return skpi__hll_hash(id, len) ^ ((uint64_t)platform * 0x9E3779B97F4A7C15u);
}

static size_t stripe_of(const skpi__open_table *o, uint64_t key)
{
    /* The top bits: the low ones pick the slot inside the stripe. */
    return o->n_stripes == 1 ? 0 : (size_t)(key >> 58) & (o->n_stripes - 1);
}

/* ===================================================================== */
/* Stripe internals (the caller holds the stripe's lock)                 */
/* ===================================================================== */

static bool is_live(const skpi__open_msg *m)
{
    return m->state == SKPI__OPEN_WAITING || m->state == SKPI__OPEN_ANSWERED;
}

/* The slot holding key, or NULL. */
static skpi__open_msg *stripe_find(skpi__open_stripe *s, uint64_t key)
{
    if (s->cap == 0)
        return NULL;
    size_t mask = s->cap - 1;
    for (size_t i = (size_t)key & mask;; i = (i + 1) & mask) {
        skpi__open_msg *m = &s->slots[i];
        if (m->state == SKPI__OPEN_EMPTY)
            return NULL;
        if (m->key == key)
            return m;
    }
}

/* The slot where key goes in a table known to have an empty slot and not
 * to hold key: the first empty one of its probe sequence. */
static size_t stripe_slot_for(const skpi__open_msg *slots, size_t cap,
                              uint64_t key)
{
    size_t mask = cap - 1;
    size_t i = (size_t)key & mask;
    while (slots[i].state != SKPI__OPEN_EMPTY)
        i = (i + 1) & mask;
    return i;
}

/* ----- The forget heap ----- */

/* Whether a is forgotten before b: answered before waiting, then the
 * earlier arrival, then the lower key (a total order: keys are unique). */
static bool forgets_before(const skpi__open_msg *a, const skpi__open_msg *b)
{
    if (a->state != b->state)
        return a->state == SKPI__OPEN_ANSWERED;
    if (a->received != b->received)
        return a->received < b->received;
    return a->key < b->key;
}

static void heap_put(skpi__open_stripe *s, size_t at, size_t slot)
{
    s->heap[at] = (uint32_t)slot;
    s->slots[slot].heap_at = (uint32_t)at;
}

/* Move the slot at heap position `at` up to its place. */
static void heap_up(skpi__open_stripe *s, size_t at)
{
    size_t slot = s->heap[at];
    const skpi__open_msg *m = &s->slots[slot];
    while (at > 0) {
        size_t up = (at - 1) / 2;
        if (!forgets_before(m, &s->slots[s->heap[up]]))
            break;
        heap_put(s, at, s->heap[up]);
        at = up;
    }
    heap_put(s, at, slot);
}

/* Move the slot at heap position `at` down to its place among the first
 * n positions. */
static void heap_down(skpi__open_stripe *s, size_t at, size_t n)
{
    size_t slot = s->heap[at];
    const skpi__open_msg *m = &s->slots[slot];
    for (;;) {
        size_t c = 2 * at + 1;
        if (c >= n)
            break;
        if (c + 1 < n &&
            forgets_before(&s->slots[s->heap[c + 1]], &s->slots[s->heap[c]]))
            c++;
        if (!forgets_before(&s->slots[s->heap[c]], m))
            break;
        heap_put(s, at, s->heap[c]);
        at = c;
    }
    heap_put(s, at, slot);
}

/* Fill the heap (room for live entries) from the slots: O(n). */
static void heap_build(skpi__open_stripe *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->cap; i++)
        if (is_live(&s->slots[i]))
            heap_put(s, n++, i);
    for (size_t k = n / 2; k-- > 0;)
        heap_down(s, k, n);
}

/* ----- Changes to the slots ----- */

/* Rebuild with `cap` slots.  False on ENOMEM, with nothing changed. */
static bool stripe_rehash(skpi__open_stripe *s, size_t cap)
{
    skpi__open_msg *slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return false;
    for (size_t i = 0; i < s->cap; i++) {
        const skpi__open_msg *m = &s->slots[i];
        if (!is_live(m))
            continue;
        size_t k = stripe_slot_for(slots, cap, m->key);
        slots[k] = *m;
        if (s->heap != NULL) /* the heap keeps its order, renumbered */
            s->heap[m->heap_at] = (uint32_t)k;
    }
    free(s->slots);
    s->slots = slots;
    s->cap = cap;
    return true;
}

/*
 * Empty slot i (its message is already out of the heap).  The messages
 * after it in the probe run move back into the hole unless their home slot
 * lies cyclically in (hole, them]: then the hole is not on their probe
 * path, and moving them would hide them from lookups.
 */
static void stripe_remove(skpi__open_stripe *s, size_t i)
{
    size_t mask = s->cap - 1;
    if (s->slots[i].state == SKPI__OPEN_WAITING)
        s->waiting--;
    s->live--;
    for (size_t j = (i + 1) & mask;; j = (j + 1) & mask) {
        const skpi__open_msg *m = &s->slots[j];
        if (m->state == SKPI__OPEN_EMPTY)
            break;
        size_t home = (size_t)m->key & mask;
        if (((j - home) & mask) < ((j - i) & mask))
            continue; /* home in (i, j]: stays */
        s->slots[i] = *m;
        if (s->heap != NULL)
            s->heap[m->heap_at] = (uint32_t)i;
        i = j;
    }
    memset(&s->slots[i], 0, sizeof s->slots[i]);
}

/* Forget the message at the top of the heap (see "The limit"). */
static skpi__forgot stripe_forget(skpi__open_stripe *s)
{
    if (s->live == 0)
        return SKPI__FORGOT_NONE;
    size_t slot = s->heap[0];
    skpi__forgot what = s->slots[slot].state == SKPI__OPEN_WAITING
                            ? SKPI__FORGOT_WAITING
                            : SKPI__FORGOT_ANSWERED;
    size_t n = s->live - 1;
    if (n > 0) {
        heap_put(s, 0, s->heap[n]);
        heap_down(s, 0, n);
    }
    stripe_remove(s, slot);
    return what;
}

/* ===================================================================== */
/* Public (internal) calls                                               */
/* ===================================================================== */

skpi_status skpi__open_init(skpi__open_table *o, size_t limit)
{
    if (limit == 0)
        return SKPI_EOPTION;
    unsigned n = 1;
    while (n < OPEN_MAX_STRIPES && limit / (n * 2) >= OPEN_MIN_PER_STRIPE)
        n *= 2;
    o->stripes = calloc(n, sizeof *o->stripes);
    if (o->stripes == NULL)
        return SKPI_ENOMEM;
    for (unsigned i = 0; i < n; i++) {
        if (pthread_mutex_init(&o->stripes[i].lock, NULL) != 0) {
            while (i-- > 0)
                pthread_mutex_destroy(&o->stripes[i].lock);
            free(o->stripes);
            o->stripes = NULL;
            return SKPI_ENOMEM;
        }
    }
    o->limit = limit;
    o->n_stripes = n;
    o->stripe_limit = limit / n + (limit % n != 0); /* ceil, no overflow */
    return SKPI_OK;
}

void skpi__open_free(skpi__open_table *o)
{
    if (o->stripes == NULL)
        return;
    for (unsigned i = 0; i < o->n_stripes; i++) {
        pthread_mutex_destroy(&o->stripes[i].lock);
        free(o->stripes[i].slots);
        free(o->stripes[i].heap);
    }
    free(o->stripes);
    o->stripes = NULL;
}

void skpi__open_lock(skpi__open_table *o, uint64_t key, skpi__open_hold *h)
{
    h->table = o;
    h->stripe = &o->stripes[stripe_of(o, key)];
    h->key = key;
    pthread_mutex_lock(&h->stripe->lock);
    h->msg = stripe_find(h->stripe, key);
}

void skpi__open_unlock(skpi__open_hold *h)
{
    pthread_mutex_unlock(&h->stripe->lock);
    h->stripe = NULL;
    h->msg = NULL;
}

skpi_status skpi__open_reserve(skpi__open_hold *h)
{
    skpi__open_stripe *s = h->stripe;
    /* A full stripe forgets at the insert, which must not fail: the heap
     * (from now on kept) gets room for every message first. */
    if ((s->heap != NULL || s->live >= h->table->stripe_limit) &&
        s->heap_cap < s->live + 1) {
        size_t want = s->live + 1 > s->heap_cap * 2 ? s->live + 1
                                                    : s->heap_cap * 2;
        uint32_t *heap = realloc(s->heap, want * sizeof *heap);
        if (heap == NULL)
            return SKPI_ENOMEM;
        bool fresh = s->heap == NULL;
        s->heap = heap;
        s->heap_cap = want;
        if (fresh)
            heap_build(s);
    }
    if ((s->live + 1) * 4 > s->cap * 3) {
        size_t cap = s->cap == 0 ? 16 : s->cap;
        while ((s->live + 1) * 4 > cap * 3) {
            if (cap >= OPEN_MAX_SLOTS || cap >= SIZE_MAX / 2 / sizeof *s->slots)
                return SKPI_ENOMEM;
            cap *= 2;
        }
        if (!stripe_rehash(s, cap))
            return SKPI_ENOMEM;
    }
    return SKPI_OK;
}

skpi__forgot skpi__open_insert(skpi__open_hold *h, const skpi__open_msg *m)
{
    skpi__open_stripe *s = h->stripe;
    skpi__forgot forgot = SKPI__FORGOT_NONE;
    if (s->live >= h->table->stripe_limit)
        forgot = stripe_forget(s);
    /* reserve left at least one empty slot, so the probe ends. */
    size_t i = stripe_slot_for(s->slots, s->cap, h->key);
    skpi__open_msg *slot = &s->slots[i];
    *slot = *m;
    slot->key = h->key;
    slot->state = SKPI__OPEN_WAITING;
    slot->heap_at = 0;
    if (s->heap != NULL) {
        heap_put(s, s->live, i);
        heap_up(s, s->live);
    }
    s->live++;
    s->waiting++;
    h->msg = slot;
    return forgot;
}

void skpi__open_answer(skpi__open_hold *h)
{
    skpi__open_stripe *s = h->stripe;
    h->msg->state = SKPI__OPEN_ANSWERED;
    s->waiting--;
    if (s->heap != NULL) /* answered messages go first: it moves up */
        heap_up(s, h->msg->heap_at);
}

void skpi__open_counts(const skpi__open_table *o, size_t *kept,
                       size_t *waiting)
{
    size_t k = 0, w = 0;
    for (unsigned i = 0; i < o->n_stripes; i++) {
        skpi__open_stripe *s = &o->stripes[i];
        pthread_mutex_lock(&s->lock);
        k += s->live;
        w += s->waiting;
        pthread_mutex_unlock(&s->lock);
    }
    if (kept != NULL)
        *kept = k;
    if (waiting != NULL)
        *waiting = w;
}

static int by_key(const void *a, const void *b)
{
    uint64_t x = ((const skpi__open_msg *)a)->key;
    uint64_t y = ((const skpi__open_msg *)b)->key;
    return (x > y) - (x < y);
}

skpi_status skpi__open_collect(skpi__open_table *o, skpi__open_msg **out,
                               size_t *n)
{
    *out = NULL;
    *n = 0;
    skpi__open_msg *all = NULL;
    size_t len = 0, cap = 0;
    for (unsigned i = 0; i < o->n_stripes; i++) {
        skpi__open_stripe *s = &o->stripes[i];
        pthread_mutex_lock(&s->lock);
        if (len + s->live > cap) {
            size_t want = len + s->live;
            skpi__open_msg *p = realloc(all, want * sizeof *p);
            if (p == NULL) {
                pthread_mutex_unlock(&s->lock);
                free(all);
                return SKPI_ENOMEM;
            }
            all = p;
            cap = want;
        }
        for (size_t k = 0; k < s->cap; k++) {
            const skpi__open_msg *m = &s->slots[k];
            if (is_live(m)) {
                all[len] = *m;
                all[len++].heap_at = 0; /* the table's own */
            }
        }
        pthread_mutex_unlock(&s->lock);
    }
    if (len > 0)
        qsort(all, len, sizeof *all, by_key);
    *out = all;
    *n = len;
    return SKPI_OK;
}

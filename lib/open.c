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
 *   table --> stripe[0] { mutex, slots[cap], used, live }
 *             stripe[1] ...
 *   slot: | key (8) | received (8) | platform (4) | category (4) |
 *         | state (4) | reserved (4) |                      32 bytes
 *
 * A slot is EMPTY (never used), WAITING, ANSWERED or GONE (a tombstone, so
 * that probe sequences stay unbroken after a removal).  A stripe doubles
 * its slots when used slots (live + tombstones) pass 3/4 of them, and the
 * rehash drops the tombstones.
 *
 * The limit
 * ---------
 * A tracker keeps at most `limit` ids (skpi_options_set_open_limit()),
 * enforced per stripe as ceil(limit / stripes): a stripe has at least 1,024
 * ids of room, so small limits use one stripe and are exact.  When a stripe
 * is full, the next new id first makes room by forgetting one message:
 * the answered one that arrived first if there is any (it only served to
 * recognise later replies), else the waiting one that arrived first.  The
 * forgotten message stays counted as received and, if it was waiting, as
 * unanswered: only a future reply to it can no longer be matched, and is
 * then counted as a reply to an unknown id.  Forgetting scans the stripe,
 * so at the limit adding an id costs O(limit / stripes); the tracker
 * counts every forgotten message so that reports can show it.
 */
#include <stdlib.h>
#include <string.h>

#include "hll.h"
#include "open.h"

#define OPEN_MIN_PER_STRIPE 1024
#define OPEN_MAX_STRIPES 64

struct skpi__open_stripe {
    pthread_mutex_t lock;
    skpi__open_msg *slots;
    size_t cap;  /* a power of two, or 0 before the first add */
    size_t used; /* live + tombstones */
    size_t live; /* waiting + answered */
    size_t waiting;
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
        if (m->state != SKPI__OPEN_GONE && m->key == key)
            return m;
    }
}

/* Place m in a table known to have a free slot and not to hold its key. */
static void stripe_place(skpi__open_msg *slots, size_t cap,
                         const skpi__open_msg *m)
{
    size_t mask = cap - 1;
    size_t i = (size_t)m->key & mask;
    while (slots[i].state == SKPI__OPEN_WAITING ||
           slots[i].state == SKPI__OPEN_ANSWERED)
        i = (i + 1) & mask;
    slots[i] = *m;
}

/* Rebuild with `cap` slots, dropping tombstones.  False on ENOMEM. */
static bool stripe_rehash(skpi__open_stripe *s, size_t cap)
{
    skpi__open_msg *slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return false;
    for (size_t i = 0; i < s->cap; i++) {
        const skpi__open_msg *m = &s->slots[i];
        if (m->state == SKPI__OPEN_WAITING || m->state == SKPI__OPEN_ANSWERED)
            stripe_place(slots, cap, m);
    }
    free(s->slots);
    s->slots = slots;
    s->cap = cap;
    s->used = s->live;
    return true;
}

static void stripe_drop(skpi__open_stripe *s, skpi__open_msg *m)
{
    if (m->state == SKPI__OPEN_WAITING)
        s->waiting--;
    m->state = SKPI__OPEN_GONE;
    s->live--;
}

/*
 * Forget one message to make room: the earliest-arriving answered one, else
 * the earliest-arriving waiting one (ties: the lower key, so the choice
 * never depends on slot order).
 */
static skpi__forgot stripe_forget(skpi__open_stripe *s)
{
    skpi__open_msg *best = NULL;
    for (size_t i = 0; i < s->cap; i++) {
        skpi__open_msg *m = &s->slots[i];
        if (m->state != SKPI__OPEN_WAITING && m->state != SKPI__OPEN_ANSWERED)
            continue;
        if (best == NULL ||
            (m->state == SKPI__OPEN_ANSWERED) > (best->state == SKPI__OPEN_ANSWERED) ||
            ((m->state == best->state) &&
             (m->received < best->received ||
              (m->received == best->received && m->key < best->key))))
            best = m;
    }
    if (best == NULL)
        return SKPI__FORGOT_NONE;
    skpi__forgot what = best->state == SKPI__OPEN_WAITING
                            ? SKPI__FORGOT_WAITING
                            : SKPI__FORGOT_ANSWERED;
    stripe_drop(s, best);
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
    if ((s->used + 1) * 4 <= s->cap * 3)
        return SKPI_OK;
    size_t cap = s->cap == 0 ? 16 : s->cap;
    while ((s->live + 1) * 4 > cap * 3)
        cap *= 2;
    return stripe_rehash(s, cap) ? SKPI_OK : SKPI_ENOMEM;
}

skpi__forgot skpi__open_insert(skpi__open_hold *h, const skpi__open_msg *m)
{
    skpi__open_stripe *s = h->stripe;
    skpi__forgot forgot = SKPI__FORGOT_NONE;
    if (s->live >= h->table->stripe_limit)
        forgot = stripe_forget(s);
    skpi__open_msg copy = *m;
    copy.key = h->key;
    copy.state = SKPI__OPEN_WAITING;
    /* The first tombstone or empty slot on the probe path: reserve left at
     * least one empty slot, so the loop ends. */
    size_t mask = s->cap - 1;
    size_t i = (size_t)copy.key & mask;
    while (s->slots[i].state == SKPI__OPEN_WAITING ||
           s->slots[i].state == SKPI__OPEN_ANSWERED)
        i = (i + 1) & mask;
    if (s->slots[i].state == SKPI__OPEN_EMPTY)
        s->used++;
    s->slots[i] = copy;
    s->live++;
    s->waiting++;
    h->msg = &s->slots[i];
    return forgot;
}

void skpi__open_answer(skpi__open_hold *h)
{
    h->msg->state = SKPI__OPEN_ANSWERED;
    h->stripe->waiting--;
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
            if (m->state == SKPI__OPEN_WAITING ||
                m->state == SKPI__OPEN_ANSWERED)
                all[len++] = *m;
        }
        pthread_mutex_unlock(&s->lock);
    }
    if (len > 0)
        qsort(all, len, sizeof *all, by_key);
    *out = all;
    *n = len;
    return SKPI_OK;
}

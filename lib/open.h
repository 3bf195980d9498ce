/*
 * open.h -- the table of messages awaiting a first reply (internal).
 *
 * Messages recorded with an id are kept here until they are answered, so
 * that a reply naming the id can be matched to its message's platform,
 * category and arrival time.  See lib/open.c for the design, the limit and
 * what happens when it is reached.
 */
#ifndef SKPI_OPEN_H
#define SKPI_OPEN_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "socialkpi.h"

/* What the table knows of one message. */
typedef struct skpi__open_msg {
    uint64_t key;      /* skpi__open_key() of the message */
    int64_t received;  /* arrival time */
    uint32_t platform;
    uint32_t category;
    uint32_t state;    /* SKPI__OPEN_* below */
    uint32_t heap_at;  /* open.c's own: its place in the forget heap */
} skpi__open_msg;

enum {
    SKPI__OPEN_EMPTY = 0,    /* slot never used */
    SKPI__OPEN_WAITING = 1,  /* no reply yet */
    SKPI__OPEN_ANSWERED = 2  /* first reply seen; kept to spot later ones */
};

typedef struct skpi__open_stripe skpi__open_stripe;

typedef struct skpi__open_table {
    size_t limit;         /* ids kept at most, over all stripes */
    size_t stripe_limit;  /* ids kept at most per stripe */
    unsigned n_stripes;   /* a power of two */
    skpi__open_stripe *stripes;
} skpi__open_table;

/* Hash of a message id on a platform (ids are only unique per platform). */
uint64_t skpi__open_key(uint32_t platform, const char *id, size_t len);

/* Set up an empty table keeping at most `limit` (>= 1) ids. */
skpi_status skpi__open_init(skpi__open_table *o, size_t limit);
void skpi__open_free(skpi__open_table *o);

/*
 * Every change goes through a held stripe, so that a caller can settle
 * everything else an event needs (allocations, sketches) while the message
 * cannot change under it, and then commit with calls that cannot fail:
 *
 *   skpi__open_hold h;
 *   skpi__open_lock(o, key, &h);       // h.msg: the message, or NULL
 *   ... skpi__open_reserve(&h) ...     // room for an insert (may ENOMEM)
 *   ... skpi__open_insert(&h, &m) ...  // or skpi__open_answer(&h)
 *   skpi__open_unlock(&h);
 *
 * Lock order: a stripe is taken before any sketch lock, never after.
 */
typedef struct skpi__open_hold {
    skpi__open_table *table;
    skpi__open_stripe *stripe;
    uint64_t key;
    skpi__open_msg *msg; /* the message of `key`, NULL if not kept */
} skpi__open_hold;

void skpi__open_lock(skpi__open_table *o, uint64_t key, skpi__open_hold *h);
void skpi__open_unlock(skpi__open_hold *h);

/* Make room for one insert (growing the stripe); SKPI_ENOMEM changes
 * nothing.  h.msg must be NULL. */
skpi_status skpi__open_reserve(skpi__open_hold *h);

/*
 * Keep message m (its key must be h->key) as WAITING, after a successful
 * skpi__open_reserve().  At the stripe's limit one message is forgotten
 * first (see open.c); the result says whether, and in which state.
 */
typedef enum skpi__forgot {
    SKPI__FORGOT_NONE = 0,
    SKPI__FORGOT_ANSWERED = 1,
    SKPI__FORGOT_WAITING = 2
} skpi__forgot;
skpi__forgot skpi__open_insert(skpi__open_hold *h, const skpi__open_msg *m);

/* Mark the held WAITING message answered. */
void skpi__open_answer(skpi__open_hold *h);

/* Every kept message, sorted by key, in a new array (NULL when there are
 * none); each stripe is read under its lock.  SKPI_ENOMEM. */
skpi_status skpi__open_collect(skpi__open_table *o, skpi__open_msg **out,
                               size_t *n);

/* Messages currently kept, and of them still waiting (a moment's view). */
void skpi__open_counts(const skpi__open_table *o, size_t *kept,
                       size_t *waiting);

#endif /* SKPI_OPEN_H */

/*
 * hll.h -- HyperLogLog distinct-count sketches (internal).
 *
 * The design, the byte layouts, the estimator and its error are described
 * in the essay at the top of lib/hll.c; this header only states the
 * contract of each call.
 *
 * A sketch is a plain single-threaded object: calls that take a `const
 * skpi__hll *` only read it (no cached estimate is ever written back), so
 * any number of them may run at once on one sketch, but a call that takes a
 * mutable sketch must not run concurrently with any other call on that
 * sketch.  The tracker guards its sketches itself.
 *
 * Every fallible call returns an skpi_status; on any status but SKPI_OK the
 * sketches passed in are unchanged and out-parameters are untouched.
 */
#ifndef SKPI_HLL_H
#define SKPI_HLL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "socialkpi.h"

/* Precision p: the dense form has m = 2^p registers. */
#define SKPI__HLL_P_MIN 4
#define SKPI__HLL_P_MAX 18
#define SKPI__HLL_P_DEFAULT 14

/* The encoding's header size and the byte values of its first field. */
#define SKPI__HLL_HEADER 4
#define SKPI__HLL_SPARSE 1
#define SKPI__HLL_DENSE 2
/* Identifier of the id hash in the encoding: XXH64 with seed 0. */
#define SKPI__HLL_HASH_XXH64 1

typedef struct skpi__hll skpi__hll;

/*
 * Create an empty sketch of precision p (SKPI__HLL_P_MIN..SKPI__HLL_P_MAX;
 * SKPI__HLL_P_DEFAULT is the library's default).  It starts sparse and
 * allocates nothing but its handle until the first add.
 * Returns SKPI_OK, SKPI_EINVAL (out NULL), SKPI_EOPTION (p out of range) or
 * SKPI_ENOMEM.  The caller owns *out and frees it with skpi__hll_free().
 */
skpi_status skpi__hll_new(int p, skpi__hll **out);

/* Free a sketch.  NULL is a no-op. */
void skpi__hll_free(skpi__hll *h);

/*
 * The 64-bit hash of an id: XXH64 of the `len` bytes at `data` with seed 0,
 * the same value on every platform.  `data` may be NULL when len is 0.
 * Pure function; thread-safe.
 */
uint64_t skpi__hll_hash(const void *data, size_t len);

/*
 * Add the id made of the `len` bytes at `data` (hashed with
 * skpi__hll_hash(); the bytes are not kept).  Adding an id twice changes
 * nothing.
 * Returns SKPI_OK, SKPI_EINVAL (h NULL, or data NULL with len > 0) or
 * SKPI_ENOMEM (the sparse form had to grow or turn dense and could not;
 * the sketch is unchanged).
 */
skpi_status skpi__hll_add(skpi__hll *h, const void *data, size_t len);

/* As skpi__hll_add() for an id already hashed with skpi__hll_hash(). */
skpi_status skpi__hll_add_hash(skpi__hll *h, uint64_t hash);

/*
 * Estimate the number of distinct ids added (Ertl's improved estimator,
 * see hll.c).  Relative standard error about 1.04 / sqrt(2^p) when dense,
 * far better while sparse; below 100 ids the estimate is within 1 of the
 * exact count.  Returns 0 for an empty sketch or NULL.  Reads only.
 */
double skpi__hll_count(const skpi__hll *h);

/*
 * Fold `src` into `dst`, register by register (maximum), so that dst then
 * describes the union of both sets, exactly as if every id of src had been
 * added to dst.  src is not modified; dst == src is allowed (no change).
 * Returns SKPI_OK, SKPI_EINVAL (NULL argument), SKPI_EOPTION (precisions
 * differ) or SKPI_ENOMEM; dst is unchanged on error.
 */
skpi_status skpi__hll_merge(skpi__hll *dst, const skpi__hll *src);

/*
 * Make an independent copy of `src` (equal by skpi__hll_equal()).
 * Returns SKPI_OK, SKPI_EINVAL (NULL argument) or SKPI_ENOMEM.  The caller
 * owns *out and frees it with skpi__hll_free().
 */
skpi_status skpi__hll_copy(const skpi__hll *src, skpi__hll **out);

/*
 * Whether two sketches hold the same state: same precision, same form
 * (sparse or dense) and the same registers.  Equal sketches encode to the
 * same bytes and give the same estimate.  Two NULLs are equal.
 */
bool skpi__hll_equal(const skpi__hll *a, const skpi__hll *b);

/* The sketch's precision p, or 0 for NULL. */
int skpi__hll_precision(const skpi__hll *h);

/* Whether the sketch is in its sparse form (false for NULL). */
bool skpi__hll_is_sparse(const skpi__hll *h);

/* Heap bytes the sketch holds, handle included (0 for NULL). */
size_t skpi__hll_memory(const skpi__hll *h);

/*
 * The relative standard error 1.04 / sqrt(2^p) of a dense sketch of
 * precision p, e.g. 0.008125 for p = 14; NaN for p out of range.
 */
double skpi__hll_std_error(int p);

/* Exact size in bytes of skpi__hll_encode()'s output for h (0 for NULL). */
size_t skpi__hll_encoded_size(const skpi__hll *h);

/*
 * Write h's state into buf (layout in hll.c: explicit little-endian,
 * sparse or dense as the sketch is, the same bytes for equal sketches).
 * *len (if len is not NULL) receives the number of bytes written, which is
 * skpi__hll_encoded_size(h).
 * Returns SKPI_OK, SKPI_EINVAL (h NULL, or buf NULL with cap > 0) or
 * SKPI_EBUFSIZE (cap too small; nothing written).
 */
skpi_status skpi__hll_encode(const skpi__hll *h, void *buf, size_t cap,
                             size_t *len);

/*
 * Rebuild a sketch from exactly `len` bytes written by skpi__hll_encode().
 * Every field is checked, and lengths before anything is allocated: a
 * wrong size for the form and precision (truncated or trailing bytes), an
 * unknown form, hash or precision, a non-zero reserved byte, a register
 * value no hash can produce, or sparse entries out of order.
 * Returns SKPI_OK, SKPI_EINVAL (out NULL, or buf NULL with len > 0),
 * SKPI_EPARSE (malformed) or SKPI_ENOMEM.  The caller owns *out and frees
 * it with skpi__hll_free().
 */
skpi_status skpi__hll_decode(const void *buf, size_t len, skpi__hll **out);

/*
 * A union being built: the sketch of the union of many sketches, for a
 * reader that folds hundreds of small sketches (a report's daily buckets)
 * and wants only the result's estimate.  It gives exactly what
 * skpi__hll_merge() of every source into one sketch would give -- the same
 * form, the same registers, the same estimate -- in a working form that is
 * cheaper to fold into: while the union is sparse, a hash table of its
 * entries (no array to keep sorted); once dense, one byte per register
 * (no 6-bit packing).  See "Unions" in hll.c.
 *
 * The struct is visible so that callers can embed it; its fields are
 * private to hll.c.  Initialise with skpi__hll_union_init(), release with
 * skpi__hll_union_fini().  Single-threaded, as a sketch is.
 */
typedef struct skpi__hll_union {
    uint8_t p;        /* precision of the sources */
    bool any;         /* a source was added (even an empty one) */
    bool dense;       /* regs in use rather than table */
    uint32_t n;       /* sparse: entries in the table */
    uint32_t cap;     /* sparse: table slots (a power of two), 0 if none */
    uint32_t *table;  /* sparse: entries by index', 0 = free slot */
    uint8_t *regs;    /* dense: 2^p registers, one a byte; while sparse
                         NULL, or reserved ahead and all zero */
} skpi__hll_union;

/* An empty union of sketches of precision p (as skpi__hll_new() checks
 * it).  Allocates nothing.  Returns SKPI_OK or SKPI_EOPTION. */
skpi_status skpi__hll_union_init(skpi__hll_union *u, int p);

/* Release what a union holds.  NULL is a no-op. */
void skpi__hll_union_fini(skpi__hll_union *u);

/*
 * Fold sketch `src` into the union.  Returns SKPI_OK, SKPI_EINVAL (NULL
 * argument), SKPI_EOPTION (precisions differ) or SKPI_ENOMEM; u is
 * unchanged on error.
 */
skpi_status skpi__hll_union_add(skpi__hll_union *u, const skpi__hll *src);

/* Fold union `src` into union `u`, with the same returns. */
skpi_status skpi__hll_union_merge(skpi__hll_union *u,
                                  const skpi__hll_union *src);

/* Whether any source was added, whether the union is in the sparse form,
 * and its estimate: what skpi__hll_count() and skpi__hll_is_sparse() say
 * of the merged sketch (0 and sparse for a union of empty sketches). */
bool skpi__hll_union_any(const skpi__hll_union *u);
bool skpi__hll_union_is_sparse(const skpi__hll_union *u);
double skpi__hll_union_count(const skpi__hll_union *u);

#ifdef SKPI__HLL_FAULTS
/*
 * Test builds only (tests/check_hll.c compiles hll.c with -DSKPI__HLL_FAULTS):
 * every allocation goes through these, which the test defines to fail on
 * demand, so that each SKPI_ENOMEM path can be exercised.
 */
void *skpi__hll_test_malloc(size_t size);
void *skpi__hll_test_calloc(size_t n, size_t size);
void *skpi__hll_test_realloc(void *ptr, size_t size);
#endif

#endif /* SKPI_HLL_H */

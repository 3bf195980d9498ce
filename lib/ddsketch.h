/*
 * ddsketch.h -- a relative-error quantile sketch for response times.
 *
 * Internal to the library.  The design, the byte layout of the encoding
 * and the error analysis are in the essay at the top of lib/ddsketch.c;
 * this header only states the contract of each call.
 *
 * Values are durations in whole seconds, 0 <= v <= SKPI__DDS_VALUE_MAX.
 * Every quantile the sketch reports is within the configured relative
 * accuracy alpha of the exact value at the same rank.  n, sum, min and max
 * are kept exactly.  Two sketches with the same alpha merge exactly:
 * merging is adding counters, so merge(a, b) equals the sketch fed every
 * value of a and of b, bucket for bucket.
 *
 * Thread safety: a sketch is a plain single-threaded object.  Calls that
 * take a `const skpi__dds *` only read it and may run concurrently with
 * each other; anything else needs the caller's exclusion.  The module has
 * no global mutable state.
 *
 * Failure atomicity: every call that returns a status other than SKPI_OK
 * leaves its objects and out-parameters unchanged.
 */
#ifndef SKPI_DDSKETCH_H
#define SKPI_DDSKETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "socialkpi.h"

/* Accepted relative accuracies, and the one the tracker uses by default. */
#define SKPI__DDS_ALPHA_MIN 0.0001
#define SKPI__DDS_ALPHA_MAX 0.05
#define SKPI__DDS_ALPHA_DEFAULT 0.01

/*
 * Largest value accepted: 2^33 - 1 seconds (272 years), above any
 * difference of two times in [SKPI_TIME_MIN, SKPI_TIME_MAX).  The bound
 * keeps the bucket index range, and so a sketch's memory, bounded.
 */
#define SKPI__DDS_VALUE_BITS 33
#define SKPI__DDS_VALUE_MAX ((INT64_C(1) << SKPI__DDS_VALUE_BITS) - 1)

/* Size of the fixed part of an encoding (version, flags, alpha). */
#define SKPI__DDS_HEADER_SIZE 10

/*
 * Most non-empty buckets a sketch keeps in its sparse form (pairs of bucket
 * index and count) before it turns to the dense window (see "Storage" in
 * ddsketch.c).
 */
#define SKPI__DDS_SPARSE_MAX 16

/* A bucket of the sparse form: 8 bytes, so a count above UINT32_MAX
 * turns the sketch dense. */
typedef struct skpi__dds_pair {
    int32_t index;  /* bucket index */
    uint32_t count; /* >= 1 */
} skpi__dds_pair;

/*
 * The sketch.  The layout is visible so that callers can embed sketches in
 * their own arrays (skpi__dds_init / skpi__dds_fini), but every field is
 * private to lib/ddsketch.c.
 */
typedef struct skpi__dds {
    double alpha;      /* relative accuracy as configured: merge and encoding identity */
    double ln_gamma;   /* ln(gamma) of the internal, slightly tighter alpha */
    double rep_scale;  /* 1 - internal alpha = 2 / (gamma + 1) */
    double k;          /* 1 / log2(gamma): log2(v) * k = log_gamma(v) */
    double delta;      /* certified error bound of the fast index estimate */
    int64_t n;         /* values recorded, zeros included */
    int64_t sum;       /* their exact sum */
    int64_t min;       /* smallest value; INT64_MAX while empty */
    int64_t max;       /* largest value; 0 while empty */
    int64_t zeros;     /* values equal to 0 */
    union {
        int64_t *counts;       /* dense: counts[j] counts bucket off + j */
        skpi__dds_pair *pairs; /* sparse: npairs pairs by index; NULL if none */
    };
    int32_t off;       /* dense: bucket index of counts[0] */
    int32_t cap;       /* dense: counters allocated; 0 while sparse */
    int32_t lo, hi;    /* non-empty buckets lie in [lo, hi]; lo > hi if none */
    int32_t index_max; /* largest bucket index a value can have */
    uint8_t dense;     /* which of counts and pairs is in use */
    uint8_t npairs;    /* sparse: pairs in use, <= SKPI__DDS_SPARSE_MAX */
    uint8_t pcap;      /* sparse: pairs allocated */
} skpi__dds;

/* ===================================================================== */
/* Life cycle                                                            */
/* ===================================================================== */

/*
 * Initialise caller-provided storage as an empty sketch of relative
 * accuracy `alpha` (SKPI__DDS_ALPHA_MIN..SKPI__DDS_ALPHA_MAX).  Allocates
 * nothing; release with skpi__dds_fini().
 * Returns SKPI_OK, SKPI_EINVAL (s NULL) or SKPI_EOPTION (alpha outside the
 * range or NaN).
 */
skpi_status skpi__dds_init(skpi__dds *s, double alpha);

/* Release what an initialised sketch holds.  NULL is a no-op.  The storage
 * may be initialised again afterwards. */
void skpi__dds_fini(skpi__dds *s);

/*
 * Create an empty sketch.  Returns SKPI_OK, SKPI_EINVAL (out NULL),
 * SKPI_EOPTION (bad alpha) or SKPI_ENOMEM.  The caller owns *out and frees
 * it with skpi__dds_free().
 */
skpi_status skpi__dds_new(double alpha, skpi__dds **out);

/* Free a sketch made by skpi__dds_new(), _copy() or _decode().  NULL is a
 * no-op. */
void skpi__dds_free(skpi__dds *s);

/*
 * Create an independent copy of `src` whose counters span exactly its
 * non-empty buckets.  Returns SKPI_OK, SKPI_EINVAL (NULL argument) or
 * SKPI_ENOMEM.  Free *out with skpi__dds_free().
 */
skpi_status skpi__dds_copy(const skpi__dds *src, skpi__dds **out);

/* ===================================================================== */
/* Recording and merging                                                 */
/* ===================================================================== */

/*
 * Record one value.  This is the hot path: a few dozen instructions, no
 * call to libm except in rare cases close to a bucket boundary.
 * Returns SKPI_OK, SKPI_EINVAL (s NULL, value negative or above
 * SKPI__DDS_VALUE_MAX), SKPI_EOVERFLOW (n or sum would overflow int64_t)
 * or SKPI_ENOMEM (the counter range had to grow and could not).
 */
skpi_status skpi__dds_add(skpi__dds *s, int64_t value);

/*
 * skpi__dds_add() in two steps, for a caller that locks the sketch: the
 * costly part, the value's bucket index, needs no lock.
 * skpi__dds_slot(s, value) reads only what skpi__dds_init() fixed (alpha
 * and the constants derived from it), never written again, so it may run
 * while another thread holds the sketch; skpi__dds_add_slot(s, value,
 * slot) with its result then does exactly what skpi__dds_add(s, value)
 * does, with the same returns.  (The slot of a value that the add refuses
 * is 0, and unused.)
 */
static inline int32_t skpi__dds_slot(const skpi__dds *s, int64_t value);
skpi_status skpi__dds_add_slot(skpi__dds *s, int64_t value, int32_t slot);

/*
 * Record `count` copies of a value.  As skpi__dds_add(), plus
 * SKPI_ECOUNT when count <= 0.
 */
skpi_status skpi__dds_add_n(skpi__dds *s, int64_t value, int64_t count);

/*
 * Settle everything that could make skpi__dds_add(s, value) fail -- the
 * value's range, overflow of n and sum, room in the window -- without
 * recording anything (the window may grow; no count changes).  After
 * SKPI_OK the add cannot fail, so a caller that updates several
 * structures for one event can take every fallible step first.  Returns
 * what skpi__dds_add() would.
 */
skpi_status skpi__dds_prepare(skpi__dds *s, int64_t value);

/*
 * Add every value of `src` into `dst` (dst == src doubles every count).
 * Exact: afterwards dst equals, bucket for bucket, the sketch fed the
 * values of both.  Returns SKPI_OK, SKPI_EINVAL (NULL argument),
 * SKPI_EOPTION (different alpha), SKPI_EOVERFLOW (n or sum would overflow)
 * or SKPI_ENOMEM.
 */
skpi_status skpi__dds_merge(skpi__dds *dst, const skpi__dds *src);

/*
 * Whether two sketches hold the same state: same alpha, n, sum, min, max,
 * zero count and every bucket count.  How much memory each has reserved
 * does not matter.  NULL equals only NULL.
 */
bool skpi__dds_equal(const skpi__dds *a, const skpi__dds *b);

/* ===================================================================== */
/* Queries                                                               */
/* ===================================================================== */

/* The getters that return their value directly (alpha, n, sum, zeros,
 * bucket counts) need a non-NULL sketch. */

/* Configured relative accuracy. */
double skpi__dds_alpha(const skpi__dds *s);

/* Exact number of values recorded (0 for an empty sketch). */
int64_t skpi__dds_n(const skpi__dds *s);

/* Exact sum of the values recorded (0 for an empty sketch). */
int64_t skpi__dds_sum(const skpi__dds *s);

/* Exact smallest / largest value.  SKPI_ENODATA when empty, SKPI_EINVAL
 * for a NULL argument. */
skpi_status skpi__dds_min(const skpi__dds *s, int64_t *out);
skpi_status skpi__dds_max(const skpi__dds *s, int64_t *out);

/* sum / n, computed in double.  SKPI_ENODATA when empty. */
skpi_status skpi__dds_mean(const skpi__dds *s, double *out);

/*
 * The q-quantile, 0 <= q <= 1, with the lower-rank convention: sort the n
 * values and take the one at 0-based rank
 *
 *     r = (int64_t)floor(q * (double)(n - 1))
 *
 * (q = 0 is the minimum, q = 1 the maximum, q = 0.5 the lower median).
 * Ranks 0 and n - 1 are answered exactly from min and max, rank r < zero
 * count with exactly 0; otherwise the answer is the representative of the
 * bucket holding rank r, clamped into [min, max], and lies within relative
 * error alpha of the exact value: |answer - x_r| <= alpha * x_r.
 * Returns SKPI_OK, SKPI_EINVAL (NULL argument, q outside [0, 1] or NaN) or
 * SKPI_ENODATA (empty sketch).
 */
skpi_status skpi__dds_quantile(const skpi__dds *s, double q, double *out);

/* ===================================================================== */
/* Buckets (for exporters and tests)                                     */
/* ===================================================================== */

/* Bucket index of a value 1 <= v <= SKPI__DDS_VALUE_MAX: ceil(log_gamma(v)).
 * (0 is not in any bucket: it has its own count.) */
int32_t skpi__dds_index(const skpi__dds *s, int64_t v);

/* Representative value of bucket i: 2 gamma^i / (gamma + 1). */
double skpi__dds_bucket_value(const skpi__dds *s, int32_t i);

/* Upper bound gamma^i of bucket i, which holds (gamma^(i-1), gamma^i]. */
double skpi__dds_bucket_upper(const skpi__dds *s, int32_t i);

/* Count of bucket i (0 outside the stored range). */
int64_t skpi__dds_bucket_count(const skpi__dds *s, int32_t i);

/* Count of zero values. */
int64_t skpi__dds_zeros(const skpi__dds *s);

/*
 * The fast log2 behind skpi__dds_index ("The fast index" in ddsketch.c):
 * for 1 <= m < 2, log2(m) ~ log2c[j] + P((m - c_j) rcp[j]) with
 * c_j = 1 + j/16 the table point at or below m, rcp[j] = 1 / c_j and
 * P(x) = x (poly[0] + poly[1] x + poly[2] x^2) ~ log2(1 + x) on [0, 1/16],
 * within SKPI__DDS_LOG2_ERR.  Exposed so that the test suite can re-derive
 * the bound; skpi__dds_log2m(d) is the whole approximation of log2(d) for
 * d >= 1.
 */
#define SKPI__DDS_TABLE_BITS 4
#define SKPI__DDS_TABLE_LEN (1 << SKPI__DDS_TABLE_BITS)
#define SKPI__DDS_POLY_TERMS 3
#define SKPI__DDS_LOG2_ERR 2.5e-7
extern const double skpi__dds_log2c[SKPI__DDS_TABLE_LEN];
extern const double skpi__dds_rcp[SKPI__DDS_TABLE_LEN];
extern const double skpi__dds_poly[SKPI__DDS_POLY_TERMS];
double skpi__dds_log2p(double x);
double skpi__dds_log2m(double d);

/* ===================================================================== */
/* Encoding                                                              */
/* ===================================================================== */

/*
 * Size in bytes of the encoding of `s` (layout in lib/ddsketch.c).  Equal
 * sketches (skpi__dds_equal) have byte-identical encodings.
 */
size_t skpi__dds_encoded_size(const skpi__dds *s);

/*
 * Write the encoding of `s` into buf[0..cap).  On success *len (if not
 * NULL) receives the number of bytes written.  With a buffer that is too
 * small (buf may then be NULL) returns SKPI_EBUFSIZE, sets *len to the size
 * needed and writes nothing.  Returns SKPI_OK, SKPI_EINVAL (s NULL) or
 * SKPI_EBUFSIZE.
 */
skpi_status skpi__dds_encode(const skpi__dds *s, unsigned char *buf,
                             size_t cap, size_t *len);

/*
 * Decode exactly `len` bytes into caller-provided storage, which must not
 * hold an initialised sketch (it would leak); on success *s is initialised
 * and is released with skpi__dds_fini().  Every field is validated before
 * anything is allocated.  Returns SKPI_OK, SKPI_EINVAL (NULL argument),
 * SKPI_EPARSE (truncated, trailing bytes, unknown version, bad alpha,
 * out-of-range or inconsistent fields) or SKPI_ENOMEM.
 */
skpi_status skpi__dds_decode_init(skpi__dds *s, const unsigned char *buf,
                                  size_t len);

/* As skpi__dds_decode_init(), into a new sketch freed with
 * skpi__dds_free(). */
skpi_status skpi__dds_decode(const unsigned char *buf, size_t len,
                             skpi__dds **out);

#ifdef SKPI__DDS_FAULTS
/*
 * Test builds only (tests/check_ddsketch.c compiles ddsketch.c with
 * -DSKPI__DDS_FAULTS): every allocation goes through these, which the test
 * defines to fail on demand, so that each SKPI_ENOMEM path is exercised.
 */
void *skpi__dds_test_malloc(size_t size);
void *skpi__dds_test_calloc(size_t n, size_t size);
#endif

/* ===================================================================== */
/* The fast index, inline ("The fast index" in ddsketch.c)               */
/* ===================================================================== */

/* The libm index, for values too close to a bucket boundary (rare). */
int32_t skpi__dds_index_slow(const skpi__dds *s, double d);

/* P(x), with the two products independent of each other. */
static inline double skpi__dds_fast_log2p(double x)
{
    const double *c = skpi__dds_poly;
    return x * ((c[0] + c[1] * x) + c[2] * (x * x));
}

/*
 * Split the binary64 d >= 1 into its exponent e and log2 of its mantissa
 * m, by the table point c_j at or below m: log2(m) = log2(c_j) +
 * log2(1 + x), x = (m - c_j) / c_j in [0, 1/16).  m - c_j is exact (c_j is
 * m with all but its top 4 fraction bits cleared), so the only rounding is
 * that of the product by 1/c_j.
 */
static inline double skpi__dds_fast_split(double d, int *e)
{
    const uint64_t one = (uint64_t)1023 << 52;
    const uint64_t mantissa = (UINT64_C(1) << 52) - 1;
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    *e = (int)(bits >> 52) - 1023;
    unsigned j = (unsigned)(bits >> (52 - SKPI__DDS_TABLE_BITS)) &
                 (SKPI__DDS_TABLE_LEN - 1);
    uint64_t mb = (bits & mantissa) | one;
    uint64_t cb = mb & ~((UINT64_C(1) << (52 - SKPI__DDS_TABLE_BITS)) - 1);
    double m, c;
    memcpy(&m, &mb, sizeof m);
    memcpy(&c, &cb, sizeof c);
    return skpi__dds_log2c[j] + skpi__dds_fast_log2p((m - c) * skpi__dds_rcp[j]);
}

/* Index of 1 <= v <= SKPI__DDS_VALUE_MAX: the certified fast estimate, or
 * the slow path when the estimate is too close to a boundary. */
static inline int32_t skpi__dds_fast_index(const skpi__dds *s, int64_t v)
{
    double d = (double)v;
    int e;
    double l = skpi__dds_fast_split(d, &e);
    double y = ((double)e + l) * s->k;
    /* For v >= 2, y > log_gamma(2) - delta > 6, so both ends are positive
     * and truncation is floor.  Equal floors put the exact log_gamma(v),
     * which is strictly within delta of y, strictly inside (a, a + 1). */
    int32_t a = (int32_t)(y - s->delta);
    int32_t b = (int32_t)(y + s->delta);
    if (a == b && v > 1)
        return a + 1;
    return skpi__dds_index_slow(s, d);
}

static inline int32_t skpi__dds_slot(const skpi__dds *s, int64_t value)
{
    return value > 0 && value <= SKPI__DDS_VALUE_MAX
               ? skpi__dds_fast_index(s, value)
               : 0;
}

#endif /* SKPI_DDSKETCH_H */

/*
 * ddsketch.c -- a relative-error quantile sketch for first-response times.
 *
 * The idea
 * --------
 * A desk wants the median, p90 and p99 of its first-response time per day,
 * platform and category, and over any range and filter of those.  Keeping
 * every duration would make the state grow with the traffic; a sketch that
 * answers "p99 within 1 %" in a few hundred counters is enough, provided
 * that the sketches of two days, two platforms or two machines combine into
 * the sketch of the union exactly, without losing accuracy each time.
 *
 * DDSketch (Masson, Rim and Lee, VLDB 2019) does this with logarithmic
 * buckets.  Fix the relative accuracy alpha and let
 *
 *     gamma = (1 + alpha) / (1 - alpha).
 *
 * Bucket i holds the values in (gamma^(i-1), gamma^i], so a value v >= 1
 * lands in bucket
 *
 *     i = ceil(log_gamma(v)),
 *
 * and the sketch keeps one counter per bucket.  Every value in bucket i is
 * answered by the bucket's representative
 *
 *     x_i = 2 gamma^i / (gamma + 1) = (1 - alpha) gamma^i,
 *
 * which is within relative error alpha of both ends of the bucket:
 * x_i / gamma^i = 1 - alpha and x_i / gamma^(i-1) = (1 - alpha) gamma =
 * 1 + alpha, and x_i / v is monotone in between.  Because the counters are
 * exact, the bucket that holds the value of rank r is found exactly, so the
 * q-quantile is within alpha of the exact one, whatever the distribution
 * and however many sketches were merged: merging adds counters bucket by
 * bucket and equals the sketch that saw every value.  No "collapsing" of
 * low buckets is ever done (the paper's way of bounding memory), because
 * durations are bounded (see "Storage") and the guarantee must hold for
 * every quantile, including the lowest.
 *
 * Durations are whole seconds.  Zero (an instant reply) has no logarithm,
 * so zeros get their own counter; the integer 1 is alone in bucket 0, and
 * small integers are spread thinly (at 1 %, 2 is in bucket 35, 3 in 55):
 * most low buckets stay empty and cost nothing but, where they lie inside
 * the stored range, a zero counter.
 *
 * n, sum, min and max are kept exactly beside the buckets: the mean is
 * exact, and the extreme ranks (q = 0 and q = 1) are answered exactly.
 *
 * A hair tighter than asked
 * -------------------------
 * Floating point cannot compute log_gamma(v) and gamma^i exactly, so a
 * value lying within about 1e-14 (relative) of a bucket boundary could be
 * put one bucket off, and the representative itself carries rounding of the
 * same order.  Rather than weaken the guarantee by that much, the buckets
 * are built for
 *
 *     a = alpha (1 - 2^-20)
 *
 * and every gamma above is (1 + a) / (1 - a).  Those rounding errors
 * (below 2e-14 relative for every accepted alpha, see "The fast index")
 * are then smaller than the margin alpha - a = alpha 2^-20 >= 9.5e-11, so
 * every reported quantile is within alpha, not "alpha plus rounding".  The
 * bucket count grows by one part in a million.  `alpha` stays the identity
 * of the sketch: merging compares it, the encoding stores it.
 *
 * The fast index
 * --------------
 * The hot path (one call per answered message) avoids libm's log(): with
 * glibc, an index taken from log() made the whole add about 20 % slower
 * than the path below, and the last bit of log() is not the same in every
 * libm.  Write v = 2^e m with 1 <= m < 2, read exactly from the bits of
 * (double)v (v < 2^53), so that
 *
 *     log_gamma(v) = (e + log2(m)) k,        k = 1 / log2(gamma).
 *
 * log2(m) comes from a 16-entry table and a short polynomial, the way
 * libm's own log is built: with c_j = 1 + j/16 the table point at or below
 * m (m with all but its top four fraction bits cleared, so m - c_j is
 * exact),
 *
 *     log2(m) = log2(c_j) + log2(1 + x),   x = (m - c_j) / c_j in [0, 1/16),
 *
 * where log2(c_j) and 1/c_j are correctly rounded constants and
 * log2(1 + x) is approximated by P(x) = x Q(x), Q the quadratic
 * interpolating log2(1 + x) / x at the Chebyshev nodes of [0, 1/16].
 * P(0) = 0 exactly.  |P(x) - log2(1 + x)| <= 1.53e-7 on [0, 1/16] is
 * proven, not just sampled, by the test suite (check_ddsketch,
 * "log2_bound"):
 *
 *   - the second derivative of the error is at most
 *     D2 = 1/ln 2 + sum_j (j+1) j |c_j| (1/16)^(j-1), about 3.05;
 *   - sampling the error's derivative on a grid of step h = 2^-20 and
 *     adding D2 h / 2 bounds |error'| by D1, about 4.8e-5;
 *   - sampling the error on the same grid and adding D1 h / 2 bounds
 *     |error| by 1.523e-7.
 *
 * The table entries and the product by 1/c_j add a few 1e-17, the
 * evaluation in double about 1e-16, so the estimate of log2(m) is within
 * E = 2.5e-7 (SKPI__DDS_LOG2_ERR, with room to spare), and
 * y = (e + log2 estimate) k is within
 *
 *     delta = E k (1 + 2^-10) + 1e-9
 *
 * of the exact log_gamma(v) (the 1e-9 covers the rounding of the sum and
 * product and of k, at most 5e-11 for y up to 1.2e5).  When the whole
 * interval [y - delta, y + delta] lies inside one (j - 1, j), the index is
 * j, exactly, whatever libm the library runs on.  Otherwise (a fraction of
 * about 2 delta of the values: 2e-5 at 1 %, 2e-3 at 0.01 %) the slow path
 * computes ceil(log(v) / ln(gamma)) with libm, whose error is a few ulp of
 * y, which "A hair tighter" absorbs.  v = 1 takes the slow path too (y = 0
 * sits on the boundary of buckets 0 and 1).
 *
 * The mapping is monotone, and deterministic for a given libm.  A libm that
 * rounds log() or log1p() differently could put a value within 1e-14 of a
 * boundary one bucket off; the decoder tolerates that (see "Encoding").
 *
 * Storage
 * -------
 * A sketch has two forms.  Most sketches of a tracker hold a handful of
 * values (one platform, category and day), so a sketch starts *sparse*:
 * an array of (bucket index, count) pairs sorted by index, 8 bytes each
 * (a 32-bit count), at most SKPI__DDS_SPARSE_MAX = 16 of them, its
 * capacity doubling from 4:
 *
 *      pairs[0]         pairs[1]                  pairs[npairs-1]
 *     +------+-------+ +------+-------+         +------+-------+
 *     | 204  |   3   | | 409  |   1   |   ...   | 568  |   2   |
 *     +------+-------+ +------+-------+         +------+-------+
 *      index   count    (int32, uint32; indexes strictly increasing)
 *
 * The 17th distinct bucket, or a count that would pass 32 bits, turns it
 * *dense* for good: counters in one contiguous window of bucket indexes,
 * grown when a value falls outside it:
 *
 *       off                  lo                    hi            off+cap-1
 *        |                    |                     |                |
 *      +----+----+----+-----+----+----+-- ... --+----+----+-----+----+
 *      | 0  | 0  | 0  | ... | 17 | 0  |   ...   | 2  | 0  | ... | 0  |
 *      +----+----+----+-----+----+----+-- ... --+----+----+-----+----+
 *      counts[0]            counts[lo-off]        counts[hi-off]
 *                     int64_t each; zeros[] and n/sum/min/max beside
 *
 * [lo, hi] is the range of non-empty buckets; the window [off, off+cap)
 * contains it, with some slack on the side it last grew towards (an
 * eighth of the span plus 8), so that a stream of ever larger values
 * reallocates O(log n) times.  A sketch turning dense gets 8 counters of
 * slack on both sides.  Copies keep their source's form; decoded sketches
 * are sparse when their buckets fit, else dense over exactly [lo, hi].
 *
 * The form is not part of the state: every query, merge and encoding
 * walks the non-empty buckets of either form in the same order, so two
 * sketches of the same values are skpi__dds_equal() and encode to the
 * same bytes whatever their forms.  The recording fast path only ever
 * sees the dense form: a sparse sketch has cap = 0, so its one window
 * test fails and the add takes the out-of-line path, which handles pairs.
 *
 * Indexes are bounded: v < 2^33 gives i <= ceil(33 k) + 1 = index_max,
 * which is 1,145 at 1 % (114,371 at 0.01 %, 230 at 5 %).  So a sketch
 * never holds more than (index_max + 1) * 8 bytes of counters (9.2 KB at
 * 1 %), and a typical one much less.  Log-normal reply times (median
 * 40 min, sigma 1.2) at 1 %, averaged over 200 sketches each:
 *
 *     replies in the sketch      1     5     10    20    100   1,000  10,000
 *     buckets lo..hi             1   139    186   229    301     388     465
 *     form (all 200)        sparse sparse sparse dense dense   dense   dense
 *     memory, struct included  144   176    239  2.1K   3.0K    3.8K    4.5K  bytes
 *     encoding                  22    31     41    60    183     541     758  bytes
 *
 * and 10^6 of them span 574 buckets (5.4 KB in memory, 1.35 KB encoded).
 * The struct itself is 112 bytes; an empty sketch allocates nothing.
 * (Before the sparse form, 5 replies took 1.5 KB: a tracker of 40,000
 * daily sketches spent 56 MiB on mostly empty windows.)
 *
 * Invariants
 * ----------
 *  - n = zeros + sum of all bucket counts; every count is >= 0.
 *  - lo > hi (lo = INT32_MAX, hi = -1) exactly when no bucket is
 *    non-empty; otherwise counts at lo and hi are > 0 and every count
 *    outside [lo, hi] is 0.
 *  - Sparse (dense = 0): cap = 0; npairs <= pcap <= SKPI__DDS_SPARSE_MAX;
 *    pairs[0..npairs) strictly increase by index, every count >= 1, and
 *    lo, hi are the first and last index.
 *  - Dense: off <= lo and hi < off + cap when some bucket is non-empty,
 *    and 0 <= off, off + cap - 1 <= index_max always.  A dense sketch
 *    never turns sparse again.
 *  - n = 0 implies sum = 0, zeros = 0, min = INT64_MAX and max = 0;
 *    otherwise min <= max are the exact extremes and sum is exact.
 *  - Calls that fail change nothing: checks and allocations come first,
 *    stores last.
 *
 * Quantiles
 * ---------
 * The q-quantile is the value at 0-based rank r = floor(q (n - 1)) of the
 * sorted values (the "lower" rank; q = 0.5 of 1..4 is 2).  Rank 0 and rank
 * n - 1 give min and max exactly; ranks below the zero count give 0
 * exactly; any other rank gives the representative of its bucket, clamped
 * into [min, max].  Clamping never hurts: the exact value lies in
 * [min, max], so moving the estimate towards that interval only brings it
 * closer.
 *
 * Encoding
 * --------
 * Version 1, a self-delimiting byte string whose length the container
 * (the snapshot) records; explicit little-endian throughout:
 *
 *     offset  size  field
 *     0       1     format version, 1
 *     1       1     flags, reserved, must be 0
 *     2       8     alpha, IEEE 754 binary64, little-endian
 *     10      var   n
 *             var   sum
 *             var   min                 (0 when n = 0)
 *             var   max                 (0 when n = 0)
 *             var   zeros
 *             var   b = number of non-empty buckets
 *             var   index of the first non-empty bucket      \  b pairs
 *             var   its count                                 |
 *             var   gap to the next non-empty bucket (>= 1)   |
 *             var   its count                                /
 *
 * "var" is an unsigned LEB128 varint: 7 bits a byte, least significant
 * group first, high bit set on every byte but the last; at most 10 bytes,
 * and canonical (no trailing zero groups), so that equal sketches have one
 * encoding and decode-then-encode gives back the same bytes.  Only
 * non-empty buckets are written, so the encoding is about 2 to 4 bytes per
 * non-empty bucket: a sketch of 50 replies is about 100 bytes.
 *
 * The decoder checks, before it allocates anything: version and flags;
 * alpha in [SKPI__DDS_ALPHA_MIN, SKPI__DDS_ALPHA_MAX]; every varint
 * well-formed and canonical; n, sum, zeros and counts <= INT64_MAX; min
 * and max <= SKPI__DDS_VALUE_MAX; b <= index_max + 1 and b <= half the
 * bytes left; every index <= index_max; counts >= 1; no trailing bytes;
 * zeros + sum of counts = n (without overflow); and that min, max and sum
 * are consistent with the buckets: min = 0 exactly when zeros > 0, min and
 * max in or next to the first and last non-empty buckets (one bucket of
 * tolerance, for the libm remark above), min <= max, and
 * min (n - 1) + max <= sum <= max (n - 1) + min.  Anything else is
 * SKPI_EPARSE.  The one allocation is the counter window of the decoded
 * buckets, at most (index_max + 1) * 8 bytes.
 *
 * Error figures
 * -------------
 * Guaranteed: every quantile within relative error alpha (default 1 %) of
 * the exact value at the same rank; n, sum, min and max exact, the mean
 * sum / n in double.  Measured on 10^6 log-normal durations (median
 * 40 min, sigma 1.2), largest relative error over five seeds at the ranks
 * 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99 and 0.999:
 *
 *     alpha      0.01 %    0.1 %    1 %     5 %
 *     largest    0.009 %   0.100 %  0.97 %  4.4 %
 *
 * with q = 0 and q = 1 exact (tests/check_ddsketch.c, "accuracy", asserts
 * the bound at 0.1 %, 1 % and 5 %, and for every integer up to 10^5 at
 * each of 0.01 %, 0.1 %, 1 % and 5 %).
 *
 * References
 * ----------
 *  - C. Masson, J. E. Rim, H. K. Lee.  DDSketch: a fast and fully-mergeable
 *    quantile sketch with relative-error guarantees.  PVLDB 12(12), 2019.
 *  - L. N. Trefethen.  Approximation Theory and Approximation Practice,
 *    SIAM 2013, ch. 8 (Chebyshev interpolation of analytic functions).
 *  - DWARF Debugging Information Format, version 5, section 7.6 (unsigned
 *    LEB128).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ddsketch.h"

/* ===================================================================== */
/* Constants                                                             */
/* ===================================================================== */

/* ln 2, to the precision of a double (M_LN2 is POSIX, not ISO C). */
#define LN2 0.693147180559945309417232121458176568

/* How much tighter than asked the buckets are built ("A hair tighter"). */
#define TIGHTEN_BITS 20

#define FORMAT_VERSION 1
#define VARINT_MAX 10

/* Test builds route every allocation through hooks that can fail on
 * demand (see ddsketch.h). */
#ifdef SKPI__DDS_FAULTS
#define dds_malloc skpi__dds_test_malloc
#define dds_calloc skpi__dds_test_calloc
#else
#define dds_malloc malloc
#define dds_calloc calloc
#endif

/* An empty range of non-empty buckets. */
#define LO_NONE INT32_MAX
#define HI_NONE (-1)

/*
 * The table points c_j = 1 + j/16: log2(c_j) and 1/c_j, each correctly
 * rounded (computed to 50 digits and rounded once; tests/check_ddsketch.c
 * checks them against libm).
 */
const double skpi__dds_log2c[SKPI__DDS_TABLE_LEN] = {
    0x0.0p+0,              0x1.663f6fac91316p-4, 0x1.5c01a39fbd688p-3,
    0x1.fbc16b902680ap-3,  0x1.49a784bcd1b8bp-2, 0x1.91bba891f1709p-2,
    0x1.d6753e032ea0fp-2,  0x1.0c10500d63aa6p-1, 0x1.2b803473f7ad1p-1,
    0x1.49a784bcd1b8bp-1,  0x1.66a008e4788ccp-1, 0x1.82809d5be7073p-1,
    0x1.9d5d9fd5010b3p-1,  0x1.b74948f5532dap-1, 0x1.d053f6d260896p-1,
    0x1.e88c6b3626a73p-1,
};
const double skpi__dds_rcp[SKPI__DDS_TABLE_LEN] = {
    0x1.0000000000000p+0, 0x1.e1e1e1e1e1e1ep-1, 0x1.c71c71c71c71cp-1,
    0x1.af286bca1af28p-1, 0x1.999999999999ap-1, 0x1.8618618618618p-1,
    0x1.745d1745d1746p-1, 0x1.642c8590b2164p-1, 0x1.5555555555555p-1,
    0x1.47ae147ae147bp-1, 0x1.3b13b13b13b14p-1, 0x1.2f684bda12f68p-1,
    0x1.2492492492492p-1, 0x1.1a7b9611a7b96p-1, 0x1.1111111111111p-1,
    0x1.0842108421084p-1,
};

/*
 * Q(x) = c0 + c1 x + c2 x^2, the interpolant of log2(1 + x) / x at the
 * three Chebyshev nodes of [0, 1/16], solved in exact rational arithmetic
 * and rounded to double.  P(x) = x Q(x) approximates log2(1 + x) on
 * [0, 1/16] within 1.53e-7.
 */
const double skpi__dds_poly[SKPI__DDS_POLY_TERMS] = {
    0x1.71544b6d4e879p+0, -0x1.70f3adb859c2fp-1, 0x1.cbaa282b7eac6p-2,
};

/* ===================================================================== */
/* Index and representative                                              */
/* ===================================================================== */

/* The fast index itself is inline in ddsketch.h, so that callers that lock
 * a sketch compute it before they take the lock (skpi__dds_slot()). */
#define log2p skpi__dds_fast_log2p
#define log2_split skpi__dds_fast_split
#define index_of skpi__dds_fast_index

double skpi__dds_log2p(double x)
{
    return log2p(x);
}

double skpi__dds_log2m(double m)
{
    int e;
    return log2_split(m, &e) + e;
}

/* ceil(y) for 0 <= y < 2^31, without the libm call that ceil() becomes
 * when the target lacks a rounding instruction. */
static inline int32_t ceil_pos(double y)
{
    int32_t j = (int32_t)y;
    return j + ((double)j < y);
}

/* Keep the rare paths (libm, allocation) out of line, so that the hot
 * path stays a short run of straight-line code. */
#if defined(__GNUC__)
#define COLD __attribute__((noinline, cold))
#else
#define COLD
#endif

/* The exact-within-rounding index by libm; rare ("The fast index"). */
COLD int32_t skpi__dds_index_slow(const skpi__dds *s, double d)
{
    if (d <= 1.0)
        return 0;
    return ceil_pos(log(d) / s->ln_gamma);
}

int32_t skpi__dds_index(const skpi__dds *s, int64_t v)
{
    return index_of(s, v);
}

double skpi__dds_bucket_value(const skpi__dds *s, int32_t i)
{
    return s->rep_scale * exp((double)i * s->ln_gamma);
}

double skpi__dds_bucket_upper(const skpi__dds *s, int32_t i)
{
    return exp((double)i * s->ln_gamma);
}

/* ===================================================================== */
/* Life cycle                                                            */
/* ===================================================================== */

static bool alpha_ok(double alpha)
{
    /* Written so that NaN fails. */
    return alpha >= SKPI__DDS_ALPHA_MIN && alpha <= SKPI__DDS_ALPHA_MAX;
}

skpi_status skpi__dds_init(skpi__dds *s, double alpha)
{
    if (s == NULL)
        return SKPI_EINVAL;
    if (!alpha_ok(alpha))
        return SKPI_EOPTION;
    double a = alpha - ldexp(alpha, -TIGHTEN_BITS);
    memset(s, 0, sizeof *s);
    s->alpha = alpha;
    /* ln((1 + a) / (1 - a)) without the cancellation of log(gamma). */
    s->ln_gamma = log1p(a) - log1p(-a);
    s->rep_scale = 1.0 - a;
    s->k = LN2 / s->ln_gamma;
    s->delta = SKPI__DDS_LOG2_ERR * s->k * (1.0 + ldexp(1.0, -10)) + 1e-9;
    s->index_max = ceil_pos((double)SKPI__DDS_VALUE_BITS * s->k) + 1;
    s->min = INT64_MAX;
    s->lo = LO_NONE;
    s->hi = HI_NONE;
    return SKPI_OK;
}

void skpi__dds_fini(skpi__dds *s)
{
    if (s == NULL)
        return;
    free(s->counts);
    s->counts = NULL;
    s->cap = 0;
    s->dense = 0;
    s->npairs = s->pcap = 0;
}

skpi_status skpi__dds_new(double alpha, skpi__dds **out)
{
    if (out == NULL)
        return SKPI_EINVAL;
    if (!alpha_ok(alpha))
        return SKPI_EOPTION;
    skpi__dds *s = dds_malloc(sizeof *s);
    if (s == NULL)
        return SKPI_ENOMEM;
    skpi_status st = skpi__dds_init(s, alpha);
    if (st != SKPI_OK) {
        free(s);
        return st;
    }
    *out = s;
    return SKPI_OK;
}

void skpi__dds_free(skpi__dds *s)
{
    if (s == NULL)
        return;
    free(s->counts);
    free(s);
}

/* ===================================================================== */
/* The counter window                                                    */
/* ===================================================================== */

/*
 * Replace the window by [new_lo, new_hi], which must contain [lo, hi] and
 * lie in [0, index_max].  The old counters are only released once the new
 * ones hold their values, so a failed allocation changes nothing.
 */
static skpi_status window_set(skpi__dds *s, int32_t new_lo, int32_t new_hi)
{
    size_t cap = (size_t)(new_hi - new_lo) + 1;
    int64_t *c = dds_calloc(cap, sizeof *c);
    if (c == NULL)
        return SKPI_ENOMEM;
    if (!s->dense) {
        /* A sparse sketch turns dense: its pairs move into the window. */
        for (int k = 0; k < s->npairs; k++)
            c[s->pairs[k].index - new_lo] = s->pairs[k].count;
        s->dense = 1;
        s->npairs = s->pcap = 0;
    } else if (s->lo <= s->hi) {
        memcpy(c + (s->lo - new_lo), s->counts + (s->lo - s->off),
               (size_t)(s->hi - s->lo + 1) * sizeof *c);
    }
    free(s->counts);
    s->counts = c;
    s->off = new_lo;
    s->cap = (int32_t)cap;
    return SKPI_OK;
}

/*
 * Make the window cover buckets [want_lo, want_hi] as well as the
 * non-empty ones, growing with slack so that a sequence of ever larger (or
 * smaller) values reallocates only logarithmically often.  A sparse sketch
 * (cap 0) turns dense, with the slack of a first window.
 */
COLD static skpi_status window_reserve(skpi__dds *s, int32_t want_lo,
                                       int32_t want_hi)
{
    if (s->cap > 0 && want_lo >= s->off && want_hi < s->off + s->cap)
        return SKPI_OK;
    int32_t need_lo = want_lo < s->lo ? want_lo : s->lo;
    int32_t need_hi = want_hi > s->hi ? want_hi : s->hi;
    int32_t new_lo, new_hi;
    if (s->cap == 0) {
        new_lo = need_lo - 8;
        new_hi = need_hi + 8;
    } else {
        int32_t old_hi = s->off + s->cap - 1;
        int32_t pad = (need_hi - need_lo + 1) / 8 + 8;
        new_lo = need_lo < s->off ? need_lo - pad : s->off;
        new_hi = need_hi > old_hi ? need_hi + pad : old_hi;
    }
    if (new_lo < 0)
        new_lo = 0;
    if (new_hi > s->index_max)
        new_hi = s->index_max;
    return window_set(s, new_lo, new_hi);
}

/* ===================================================================== */
/* The sparse form                                                       */
/* ===================================================================== */

/* First capacity of the pairs array; it doubles up to
 * SKPI__DDS_SPARSE_MAX. */
#define PAIRS_CAP0 4

/* Position of bucket i among the pairs: the first pair whose index is >= i
 * (a short array: a linear scan beats a binary search). */
static int pair_pos(const skpi__dds *s, int32_t i)
{
    int k = 0;
    while (k < s->npairs && s->pairs[k].index < i)
        k++;
    return k;
}

static bool pair_has(const skpi__dds *s, int k, int32_t i)
{
    return k < s->npairs && s->pairs[k].index == i;
}

/* Room for `need` pairs (need <= SKPI__DDS_SPARSE_MAX) in a sparse sketch. */
static skpi_status pairs_reserve(skpi__dds *s, int need)
{
    if (need <= s->pcap)
        return SKPI_OK;
    int cap = s->pcap == 0 ? PAIRS_CAP0 : s->pcap;
    while (cap < need)
        cap *= 2;
    if (cap > SKPI__DDS_SPARSE_MAX)
        cap = SKPI__DDS_SPARSE_MAX;
    skpi__dds_pair *p = dds_malloc((size_t)cap * sizeof *p);
    if (p == NULL)
        return SKPI_ENOMEM;
    if (s->npairs > 0)
        memcpy(p, s->pairs, (size_t)s->npairs * sizeof *p);
    free(s->pairs);
    s->pairs = p;
    s->pcap = (uint8_t)cap;
    return SKPI_OK;
}

/*
 * Make sure that `count` more in bucket i can be stored without an
 * allocation: in the sparse form a pair for it (whose count stays within
 * 32 bits), or room for one, or else the dense window the sketch then
 * turns to; in the dense form a window that covers it.
 */
static skpi_status make_room(skpi__dds *s, int32_t i, int64_t count)
{
    if (s->dense)
        return window_reserve(s, i, i);
    int k = pair_pos(s, i);
    int64_t now = pair_has(s, k, i) ? (int64_t)s->pairs[k].count : 0;
    if (count > (int64_t)UINT32_MAX - now)
        return window_reserve(s, i, i);
    if (now > 0)
        return SKPI_OK;
    if (s->npairs < SKPI__DDS_SPARSE_MAX)
        return pairs_reserve(s, s->npairs + 1);
    return window_reserve(s, i, i);
}

/* Add count to bucket i of a sparse sketch, which has room for it. */
static void pair_add(skpi__dds *s, int32_t i, int64_t count)
{
    int k = pair_pos(s, i);
    if (pair_has(s, k, i)) {
        s->pairs[k].count += (uint32_t)count;
        return;
    }
    memmove(s->pairs + k + 1, s->pairs + k,
            (size_t)(s->npairs - k) * sizeof *s->pairs);
    s->pairs[k].index = i;
    s->pairs[k].count = (uint32_t)count;
    s->npairs++;
}

/* Number of distinct buckets of two sparse sketches together, or
 * SKPI__DDS_SPARSE_MAX + 1 when a bucket's count would pass 32 bits. */
static int pairs_union(const skpi__dds *a, const skpi__dds *b)
{
    int i = 0, j = 0, n = 0;
    while (i < a->npairs && j < b->npairs) {
        int32_t x = a->pairs[i].index, y = b->pairs[j].index;
        if (x == y && a->pairs[i].count > UINT32_MAX - b->pairs[j].count)
            return SKPI__DDS_SPARSE_MAX + 1;
        i += x <= y;
        j += y <= x;
        n++;
    }
    return n + (a->npairs - i) + (b->npairs - j);
}

/* Merge the pairs of src into dst, which has room for their union of
 * `total`: from the back, so that no scratch array is needed. */
static void pairs_merge(skpi__dds *dst, const skpi__dds *src, int total)
{
    int i = dst->npairs, j = src->npairs, w = total;
    while (j > 0) {
        const skpi__dds_pair *b = &src->pairs[j - 1];
        if (i > 0 && dst->pairs[i - 1].index == b->index) {
            dst->pairs[--w] = (skpi__dds_pair){
                b->index, dst->pairs[i - 1].count + b->count};
            i--;
            j--;
        } else if (i > 0 && dst->pairs[i - 1].index > b->index) {
            dst->pairs[--w] = dst->pairs[--i];
        } else {
            dst->pairs[--w] = *b;
            j--;
        }
    }
    /* What remains of dst is already in place (w == i). */
    dst->npairs = (uint8_t)total;
}

/*
 * The non-empty buckets of a sketch in increasing order, in either form:
 * start with *it = 0; each call gives the next bucket's index and count,
 * false after the last.
 */
static inline bool bucket_next(const skpi__dds *s, int32_t *it,
                               int32_t *index, int64_t *count)
{
    if (!s->dense) {
        if (*it >= s->npairs)
            return false;
        *index = s->pairs[*it].index;
        *count = s->pairs[*it].count;
        (*it)++;
        return true;
    }
    for (int32_t i = s->lo + *it; i <= s->hi; i++) {
        int64_t c = s->counts[i - s->off];
        if (c != 0) {
            *index = i;
            *count = c;
            *it = i - s->lo + 1;
            return true;
        }
    }
    return false;
}

/* ===================================================================== */
/* Recording                                                             */
/* ===================================================================== */

/* Store a non-zero value known to fit the dense window, and the new n and
 * sum; with `sparse`, into the sparse form, which has room for it. */
static inline void commit_in(skpi__dds *s, int64_t v, int32_t i,
                             int64_t count, int64_t n, int64_t sum,
                             bool sparse)
{
    if (sparse)
        pair_add(s, i, count);
    else
        s->counts[i - s->off] += count;
    if (i < s->lo)
        s->lo = i;
    if (i > s->hi)
        s->hi = i;
    if (v < s->min)
        s->min = v;
    if (v > s->max)
        s->max = v;
    s->n = n;
    s->sum = sum;
}

static inline void commit(skpi__dds *s, int64_t v, int32_t i, int64_t count,
                          int64_t n, int64_t sum)
{
    commit_in(s, v, i, count, n, sum, false);
}

/* A value outside the window, or a sketch in the sparse form: make room
 * (growing the window, adding a pair or turning dense), then store. */
COLD static skpi_status add_grow(skpi__dds *s, int64_t v, int32_t i,
                                 int64_t count, int64_t n, int64_t sum)
{
    if (i > s->index_max) /* cannot happen; keeps the window safe */
        i = s->index_max;
    skpi_status st = make_room(s, i, count);
    if (st != SKPI_OK)
        return st;
    commit_in(s, v, i, count, n, sum, !s->dense);
    return SKPI_OK;
}

/*
 * The body of add and add_n.  Everything that can fail (the value, the
 * overflow checks, the window) is settled before the first store.
 */
static inline skpi_status add_common(skpi__dds *s, int64_t v, int64_t count,
                                     int32_t i)
{
    if (v < 0 || v > SKPI__DDS_VALUE_MAX)
        return SKPI_EINVAL;
    int64_t n, sum, part;
    if (__builtin_add_overflow(s->n, count, &n) ||
        __builtin_mul_overflow(v, count, &part) ||
        __builtin_add_overflow(s->sum, part, &sum))
        return SKPI_EOVERFLOW;
    if (v == 0) {
        s->zeros += count;
        s->min = 0;
        s->n = n;
        s->sum = sum;
        return SKPI_OK;
    }
    /* One unsigned comparison tests off <= i < off + cap; an empty window
     * (cap = 0, as in the sparse form) always fails it. */
    if ((uint32_t)(i - s->off) >= (uint32_t)s->cap)
        return add_grow(s, v, i, count, n, sum);
    commit(s, v, i, count, n, sum);
    return SKPI_OK;
}

#define slot_of skpi__dds_slot

skpi_status skpi__dds_add(skpi__dds *s, int64_t value)
{
    if (s == NULL)
        return SKPI_EINVAL;
    return add_common(s, value, 1, slot_of(s, value));
}

skpi_status skpi__dds_add_slot(skpi__dds *s, int64_t value, int32_t slot)
{
    if (s == NULL)
        return SKPI_EINVAL;
    return add_common(s, value, 1, slot);
}

skpi_status skpi__dds_prepare(skpi__dds *s, int64_t value)
{
    if (s == NULL || value < 0 || value > SKPI__DDS_VALUE_MAX)
        return SKPI_EINVAL;
    int64_t n, sum;
    if (__builtin_add_overflow(s->n, 1, &n) ||
        __builtin_add_overflow(s->sum, value, &sum))
        return SKPI_EOVERFLOW;
    if (value == 0)
        return SKPI_OK;
    int32_t i = index_of(s, value);
    if (i > s->index_max)
        i = s->index_max;
    return make_room(s, i, 1);
}

skpi_status skpi__dds_add_n(skpi__dds *s, int64_t value, int64_t count)
{
    if (s == NULL)
        return SKPI_EINVAL;
    if (count <= 0)
        return SKPI_ECOUNT;
    return add_common(s, value, count, slot_of(s, value));
}

/* ===================================================================== */
/* Merging, copying, comparing                                           */
/* ===================================================================== */

skpi_status skpi__dds_merge(skpi__dds *dst, const skpi__dds *src)
{
    if (dst == NULL || src == NULL)
        return SKPI_EINVAL;
    if (dst->alpha != src->alpha)
        return SKPI_EOPTION;
    if (src->n == 0)
        return SKPI_OK;
    int64_t n, sum;
    if (__builtin_add_overflow(dst->n, src->n, &n) ||
        __builtin_add_overflow(dst->sum, src->sum, &sum))
        return SKPI_EOVERFLOW;
    /* Read everything of src first: dst may be src. */
    int32_t slo = src->lo, shi = src->hi;
    int64_t zeros = dst->zeros + src->zeros;
    int64_t mn = src->min < dst->min ? src->min : dst->min;
    int64_t mx = src->max > dst->max ? src->max : dst->max;
    if (slo <= shi) {
        skpi_status st = SKPI_OK;
        if (!dst->dense && !src->dense) {
            /* Two sparse sketches stay sparse if their buckets fit (the
             * union of a sketch with itself is its own buckets). */
            int total = pairs_union(dst, src);
            if (total <= SKPI__DDS_SPARSE_MAX) {
                if ((st = pairs_reserve(dst, total)) != SKPI_OK)
                    return st;
                pairs_merge(dst, src, total);
                goto range;
            }
        }
        /* The window usually covers src's buckets already (a report
         * merging bucket after bucket): test that here, so that the loop
         * below is not laid out with the cold growth path. */
        if (dst->cap == 0 || slo < dst->off || shi >= dst->off + dst->cap) {
            st = window_reserve(dst, slo, shi);
            if (st != SKPI_OK)
                return st;
        }
        /* Bucket counts are bounded by n, which was checked above. */
        if (src->dense) {
            const int64_t *from = src->counts + (slo - src->off);
            int64_t *to = dst->counts + (slo - dst->off);
            for (int32_t i = 0; i <= shi - slo; i++)
                to[i] += from[i];
        } else {
            for (int k = 0; k < src->npairs; k++)
                dst->counts[src->pairs[k].index - dst->off] +=
                    src->pairs[k].count;
        }
    range:
        if (slo < dst->lo)
            dst->lo = slo;
        if (shi > dst->hi)
            dst->hi = shi;
    }
    dst->zeros = zeros;
    dst->min = mn;
    dst->max = mx;
    dst->n = n;
    dst->sum = sum;
    return SKPI_OK;
}

skpi_status skpi__dds_copy(const skpi__dds *src, skpi__dds **out)
{
    if (src == NULL || out == NULL)
        return SKPI_EINVAL;
    skpi__dds *s = dds_malloc(sizeof *s);
    if (s == NULL)
        return SKPI_ENOMEM;
    *s = *src;
    s->counts = NULL;
    s->off = 0;
    s->cap = 0;
    s->npairs = s->pcap = 0;
    if (!src->dense) {
        if (src->npairs > 0) {
            skpi__dds_pair *p = dds_malloc(src->npairs * sizeof *p);
            if (p == NULL) {
                free(s);
                return SKPI_ENOMEM;
            }
            memcpy(p, src->pairs, src->npairs * sizeof *p);
            s->pairs = p;
            s->npairs = s->pcap = src->npairs;
        }
    } else if (src->lo <= src->hi) {
        size_t span = (size_t)(src->hi - src->lo) + 1;
        int64_t *c = dds_malloc(span * sizeof *c);
        if (c == NULL) {
            free(s);
            return SKPI_ENOMEM;
        }
        memcpy(c, src->counts + (src->lo - src->off), span * sizeof *c);
        s->counts = c;
        s->off = src->lo;
        s->cap = (int32_t)span;
    }
    *out = s;
    return SKPI_OK;
}

bool skpi__dds_equal(const skpi__dds *a, const skpi__dds *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    if (a->alpha != b->alpha || a->n != b->n || a->sum != b->sum ||
        a->zeros != b->zeros || a->min != b->min || a->max != b->max ||
        a->lo != b->lo || a->hi != b->hi)
        return false;
    if (a->lo > a->hi)
        return true;
    if (a->dense && b->dense)
        return memcmp(a->counts + (a->lo - a->off),
                      b->counts + (b->lo - b->off),
                      (size_t)(a->hi - a->lo + 1) * sizeof *a->counts) == 0;
    /* Forms differ, or both sparse: compare the non-empty buckets. */
    int32_t ia = 0, ib = 0, xa, xb;
    int64_t ca, cb;
    for (;;) {
        bool more = bucket_next(a, &ia, &xa, &ca);
        if (more != bucket_next(b, &ib, &xb, &cb))
            return false;
        if (!more)
            return true;
        if (xa != xb || ca != cb)
            return false;
    }
}

/* ===================================================================== */
/* Queries                                                               */
/* ===================================================================== */

double skpi__dds_alpha(const skpi__dds *s)
{
    return s->alpha;
}

int64_t skpi__dds_n(const skpi__dds *s)
{
    return s->n;
}

int64_t skpi__dds_sum(const skpi__dds *s)
{
    return s->sum;
}

int64_t skpi__dds_zeros(const skpi__dds *s)
{
    return s->zeros;
}

int64_t skpi__dds_bucket_count(const skpi__dds *s, int32_t i)
{
    if (i < s->lo || i > s->hi)
        return 0;
    if (!s->dense) {
        int k = pair_pos(s, i);
        return pair_has(s, k, i) ? s->pairs[k].count : 0;
    }
    return s->counts[i - s->off];
}

skpi_status skpi__dds_min(const skpi__dds *s, int64_t *out)
{
    if (s == NULL || out == NULL)
        return SKPI_EINVAL;
    if (s->n == 0)
        return SKPI_ENODATA;
    *out = s->min;
    return SKPI_OK;
}

skpi_status skpi__dds_max(const skpi__dds *s, int64_t *out)
{
    if (s == NULL || out == NULL)
        return SKPI_EINVAL;
    if (s->n == 0)
        return SKPI_ENODATA;
    *out = s->max;
    return SKPI_OK;
}

skpi_status skpi__dds_mean(const skpi__dds *s, double *out)
{
    if (s == NULL || out == NULL)
        return SKPI_EINVAL;
    if (s->n == 0)
        return SKPI_ENODATA;
    *out = (double)s->sum / (double)s->n;
    return SKPI_OK;
}

skpi_status skpi__dds_quantile(const skpi__dds *s, double q, double *out)
{
    if (s == NULL || out == NULL || !(q >= 0.0 && q <= 1.0))
        return SKPI_EINVAL;
    if (s->n == 0)
        return SKPI_ENODATA;
    /* (double)(n - 1) may round up past n - 1 for n > 2^53; the comparison
     * keeps the conversion back in range. */
    double top = (double)(s->n - 1);
    double fr = floor(q * top);
    int64_t r = fr >= top ? s->n - 1 : (int64_t)fr;
    if (r == 0) {
        *out = (double)s->min;
        return SKPI_OK;
    }
    if (r == s->n - 1) {
        *out = (double)s->max;
        return SKPI_OK;
    }
    if (r < s->zeros) {
        *out = 0.0;
        return SKPI_OK;
    }
    /* Rank r lies in a bucket: r < n = zeros + the bucket counts. */
    int64_t seen = s->zeros;
    int32_t i = s->lo;
    if (!s->dense) {
        int k = 0;
        for (; k < s->npairs - 1; k++) {
            seen += s->pairs[k].count;
            if (seen > r)
                break;
        }
        i = s->pairs[k].index;
    } else {
        for (; i < s->hi; i++) {
            seen += s->counts[i - s->off];
            if (seen > r)
                break;
        }
    }
    double v = skpi__dds_bucket_value(s, i);
    if (v < (double)s->min)
        v = (double)s->min;
    if (v > (double)s->max)
        v = (double)s->max;
    *out = v;
    return SKPI_OK;
}

/* ===================================================================== */
/* Encoding                                                              */
/* ===================================================================== */

static size_t varint_len(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static unsigned char *varint_put(unsigned char *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *p++ = (unsigned char)v;
    return p;
}

/*
 * Read a canonical varint from [*pp, end).  False if it runs past the end,
 * is longer than 10 bytes, overflows 64 bits or ends in a zero group (an
 * overlong form of a shorter varint).
 */
static bool varint_get(const unsigned char **pp, const unsigned char *end,
                       uint64_t *out)
{
    const unsigned char *p = *pp;
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 7 * VARINT_MAX; shift += 7) {
        if (p == end)
            return false;
        unsigned b = *p++;
        if (shift == 63 && b > 1)
            return false;
        v |= (uint64_t)(b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
            if (b == 0 && shift > 0)
                return false;
            *pp = p;
            *out = v;
            return true;
        }
    }
    return false;
}

/* The header fields in encoding order; min and max of an empty sketch are
 * written as 0. */
static void header_fields(const skpi__dds *s, uint64_t f[6])
{
    f[0] = (uint64_t)s->n;
    f[1] = (uint64_t)s->sum;
    f[2] = s->n > 0 ? (uint64_t)s->min : 0;
    f[3] = s->n > 0 ? (uint64_t)s->max : 0;
    f[4] = (uint64_t)s->zeros;
    f[5] = 0;
    if (!s->dense) {
        f[5] = s->npairs;
    } else {
        for (int32_t i = s->lo; i <= s->hi; i++)
            f[5] += s->counts[i - s->off] != 0;
    }
}

size_t skpi__dds_encoded_size(const skpi__dds *s)
{
    uint64_t f[6];
    header_fields(s, f);
    size_t size = SKPI__DDS_HEADER_SIZE;
    for (int k = 0; k < 6; k++)
        size += varint_len(f[k]);
    int32_t prev = 0, it = 0, i;
    int64_t c;
    while (bucket_next(s, &it, &i, &c)) {
        size += varint_len((uint64_t)(i - prev)) + varint_len((uint64_t)c);
        prev = i;
    }
    return size;
}

skpi_status skpi__dds_encode(const skpi__dds *s, unsigned char *buf,
                             size_t cap, size_t *len)
{
    if (s == NULL)
        return SKPI_EINVAL;
    size_t size = skpi__dds_encoded_size(s);
    if (buf == NULL || cap < size) {
        if (len != NULL)
            *len = size;
        return SKPI_EBUFSIZE;
    }
    unsigned char *p = buf;
    *p++ = FORMAT_VERSION;
    *p++ = 0;
    uint64_t bits;
    memcpy(&bits, &s->alpha, sizeof bits);
    for (int k = 0; k < 8; k++)
        *p++ = (unsigned char)(bits >> (8 * k));
    uint64_t f[6];
    header_fields(s, f);
    for (int k = 0; k < 6; k++)
        p = varint_put(p, f[k]);
    /* The first gap is from index 0, which makes it the index itself. */
    int32_t prev = 0, it = 0, i;
    int64_t c;
    while (bucket_next(s, &it, &i, &c)) {
        p = varint_put(p, (uint64_t)(i - prev));
        p = varint_put(p, (uint64_t)c);
        prev = i;
    }
    if (len != NULL)
        *len = (size_t)(p - buf);
    return SKPI_OK;
}

/* Whether value v (>= 1) belongs in bucket i, give or take one bucket. */
static bool near_bucket(const skpi__dds *s, int64_t v, int32_t i)
{
    int32_t j = index_of(s, v);
    return j >= i - 1 && j <= i + 1;
}

/* min (n - 1) + max <= sum <= max (n - 1) + min, for n >= 1. */
static bool sum_consistent(int64_t n, int64_t sum, int64_t mn, int64_t mx)
{
    int64_t lo, hi;
    if (__builtin_mul_overflow(mn, n - 1, &lo) ||
        __builtin_add_overflow(lo, mx, &lo))
        return false; /* the least possible sum exceeds any int64_t */
    if (sum < lo)
        return false;
    if (__builtin_mul_overflow(mx, n - 1, &hi) ||
        __builtin_add_overflow(hi, mn, &hi))
        return true; /* no upper limit within int64_t */
    return sum <= hi;
}

skpi_status skpi__dds_decode_init(skpi__dds *s, const unsigned char *buf,
                                  size_t len)
{
    if (s == NULL || (buf == NULL && len > 0))
        return SKPI_EINVAL;
    if (len < SKPI__DDS_HEADER_SIZE || buf[0] != FORMAT_VERSION || buf[1] != 0)
        return SKPI_EPARSE;
    uint64_t bits = 0;
    for (int k = 0; k < 8; k++)
        bits |= (uint64_t)buf[2 + k] << (8 * k);
    double alpha;
    memcpy(&alpha, &bits, sizeof alpha);
    skpi__dds t;
    if (skpi__dds_init(&t, alpha) != SKPI_OK)
        return SKPI_EPARSE;

    const unsigned char *p = buf + SKPI__DDS_HEADER_SIZE, *end = buf + len;
    uint64_t f[6];
    for (int k = 0; k < 6; k++)
        if (!varint_get(&p, end, &f[k]))
            return SKPI_EPARSE;
    uint64_t n = f[0], sum = f[1], mn = f[2], mx = f[3], zeros = f[4];
    uint64_t nb = f[5];
    if (n > INT64_MAX || sum > INT64_MAX || zeros > INT64_MAX ||
        mn > (uint64_t)SKPI__DDS_VALUE_MAX || mx > (uint64_t)SKPI__DDS_VALUE_MAX)
        return SKPI_EPARSE;
    if (nb > (uint64_t)t.index_max + 1 || nb > (size_t)(end - p) / 2)
        return SKPI_EPARSE;

    /* First pass: validate the buckets and find their range. */
    const unsigned char *body = p;
    uint64_t total = zeros, index = 0, top = 0;
    int32_t first = LO_NONE, last = HI_NONE;
    for (uint64_t b = 0; b < nb; b++) {
        uint64_t gap, c;
        if (!varint_get(&p, end, &gap) || !varint_get(&p, end, &c))
            return SKPI_EPARSE;
        if ((b > 0 && gap == 0) || gap > (uint64_t)t.index_max - index ||
            c == 0 || c > INT64_MAX - total)
            return SKPI_EPARSE;
        index += gap;
        total += c;
        top = c > top ? c : top;
        if (b == 0)
            first = (int32_t)index;
        last = (int32_t)index;
    }
    if (p != end || total != n)
        return SKPI_EPARSE;

    /* The exact fields against the buckets. */
    if (n == 0) {
        if (sum != 0 || mn != 0 || mx != 0)
            return SKPI_EPARSE;
    } else {
        if (mn > mx || (zeros > 0) != (mn == 0))
            return SKPI_EPARSE;
        if (nb == 0 ? mx != 0
                    : mx == 0 || !near_bucket(&t, (int64_t)mx, last))
            return SKPI_EPARSE;
        if (zeros == 0 && !near_bucket(&t, (int64_t)mn, first))
            return SKPI_EPARSE;
        if (!sum_consistent((int64_t)n, (int64_t)sum, (int64_t)mn,
                            (int64_t)mx))
            return SKPI_EPARSE;
    }

    /* Second pass: everything is known to be valid; allocate and fill. */
    if (nb > 0) {
        /* The sparse form when the buckets fit it, as adds would give. */
        bool sparse = nb <= SKPI__DDS_SPARSE_MAX && top <= UINT32_MAX;
        skpi_status st = sparse ? pairs_reserve(&t, (int)nb)
                                : window_set(&t, first, last);
        if (st != SKPI_OK)
            return st;
        p = body;
        index = 0;
        for (uint64_t b = 0; b < nb; b++) {
            uint64_t gap, c;
            varint_get(&p, end, &gap);
            varint_get(&p, end, &c);
            index += gap;
            if (sparse)
                t.pairs[b] = (skpi__dds_pair){(int32_t)index, (uint32_t)c};
            else
                t.counts[index - (uint64_t)first] = (int64_t)c;
        }
        if (sparse)
            t.npairs = (uint8_t)nb;
        t.lo = first;
        t.hi = last;
    }
    t.n = (int64_t)n;
    t.sum = (int64_t)sum;
    t.zeros = (int64_t)zeros;
    if (n > 0) {
        t.min = (int64_t)mn;
        t.max = (int64_t)mx;
    }
    *s = t;
    return SKPI_OK;
}

skpi_status skpi__dds_decode(const unsigned char *buf, size_t len,
                             skpi__dds **out)
{
    if (out == NULL || (buf == NULL && len > 0))
        return SKPI_EINVAL;
    skpi__dds *s = dds_malloc(sizeof *s);
    if (s == NULL)
        return SKPI_ENOMEM;
    skpi_status st = skpi__dds_decode_init(s, buf, len);
    if (st != SKPI_OK) {
        free(s);
        return st;
    }
    *out = s;
    return SKPI_OK;
}

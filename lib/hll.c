/*
 * hll.c -- HyperLogLog: how many distinct people, in a few kilobytes.
 *
 * The idea
 * --------
 * The "unique people" KPIs (distinct authors, distinct engagers, the
 * audience across platforms) ask how many different ids a stream holds.
 * Keeping the ids would cost memory in proportion to the audience and would
 * put personal identifiers into every snapshot.  A HyperLogLog sketch [1]
 * keeps neither: each id is hashed to 64 bits, and the sketch remembers, in
 * each of m = 2^p registers, only the longest run of leading zero bits seen
 * among the hashes that fell into that register.
 *
 *      63         64-p 63-p                                         0
 *     +--------------+----------------------------------------------+
 *     |  index (p)   |           w (q = 64 - p bits)                |
 *     +--------------+----------------------------------------------+
 *
 *     register[index] = max(register[index], rank(w))
 *     rank(w)         = 1 + leading zeros of w within its q bits,
 *                       or q + 1 when w is all zero, so 1 <= rank <= q + 1.
 *
 * A uniform hash has rank >= k with probability 2^-(k-1), so a register's
 * maximum grows like log2 of the number of distinct ids routed to it, and
 * the registers together give an estimate whose relative standard error is
 * about 1.04 / sqrt(m).  Repeating an id changes nothing, which is what
 * makes the count a count of distinct ids.
 *
 * Because a register only ever takes a maximum, the state of a sketch is a
 * function of the *set* of ids added, whatever their order or repetition,
 * and the sketch of a union of sets is the register-wise maximum of their
 * sketches.  That is how the tracker combines platforms, buckets, threads
 * and machines: merging is exact, not an approximation on top of one.
 *
 * Two forms
 * ---------
 * A dense sketch costs 0.75 * m bytes however few ids it holds, and a
 * tracker keeps one per platform and bucket, most of them small (a desk
 * hears from a few hundred authors a day).  So a sketch starts *sparse*, as
 * in HLL++ [3]: a sorted array of (index', rank') pairs of a finer sketch
 * with precision p' = 25, only the registers that are not zero.  The
 * entries are 32-bit words:
 *
 *      63                      39 38                                     0
 *     +-------------------------+----------------------------------------+
 *     |   index' (p' = 25 bits) |          w' (39 bits)                  |
 *     +-------------------------+----------------------------------------+
 *     |<--- p --->|<- 25 - p ->|
 *       dense       "middle"
 *       index        bits
 *
 *      31 30                                      6 5             0
 *     +--+------------------------------------------+---------------+
 *     | 0|              index' (25 bits)            |  rank' (1..40)|
 *     +--+------------------------------------------+---------------+
 *
 * Entries are kept in increasing order, one per index', so the array is a
 * canonical encoding of the finer sketch and lookups are binary searches.
 * The finer sketch loses nothing the dense one needs: the dense register of
 * an entry is its top p index bits, and its rank is recovered exactly from
 * the middle bits and rank':
 *
 *     middle != 0:  rank = (25 - p) - bit_length(middle) + 1
 *     middle == 0:  rank = (25 - p) + rank'
 *
 * which is the rank the dense form would have computed from the hash
 * itself.  Hence converting a sparse sketch to dense, or folding a sparse
 * sketch into a dense one, gives registers identical to adding the same
 * ids to a dense sketch directly.  While sparse, the count is that of a
 * 2^25-register sketch, so small sets are counted almost exactly.
 *
 * A sketch turns dense when a new index' would make the array longer than
 *
 *     T(p) = max(3 * m / 16, 128) entries,
 *
 * the size at which 4-byte entries would outweigh the 0.75 * m dense bytes
 * (3 * m / 16 entries), but never fewer than 128 entries, so that sets of
 * up to 128 ids stay almost exact at every precision.  It never turns back.
 *
 * The dense form packs 6-bit registers (ranks reach at most 65 - p <= 61)
 * into a byte array read as a little-endian bit stream, as Redis does [5]:
 * register i is bits 6i .. 6i+5, bit k being bit (k mod 8) of byte k / 8.
 * Every 3 bytes hold exactly 4 registers:
 *
 *           byte 3g                byte 3g+1              byte 3g+2
 *      7 6 5 4 3 2 1 0        7 6 5 4 3 2 1 0        7 6 5 4 3 2 1 0
 *     +---+-----------+      +-------+-------+      +-----------+---+
 *     |r1 |    r0     |      |  r2   |  r1   |      |    r3     |r2 |
 *     |1 0|5 4 3 2 1 0|      |3 2 1 0|5 4 3 2|      |5 4 3 2 1 0|5 4|
 *     +---+-----------+      +-------+-------+      +-----------+---+
 *
 * r0 .. r3 are registers 4g .. 4g+3; the second row names the bit of the
 * register that each bit of the byte holds.
 * Six bits rather than a byte per register save a quarter of the memory of
 * every dense sketch, which matters more to a tracker holding thousands of
 * them than the few shifts an add costs.
 *
 * Memory per sketch (the handle is 32 bytes on LP64 systems):
 *
 *      p      m    dense bytes   T(p)   sparse bytes (at most)   1.04/sqrt(m)
 *      4      16          12      128          512                 26.0 %
 *     10    1024         768      192          768                 3.25 %
 *     12    4096        3072      768         3072                 1.63 %
 *     14   16384       12288     3072        12288                 0.81 %
 *     16   65536       49152    12288        49152                 0.41 %
 *     18  262144      196608    49152       196608                 0.20 %
 *
 * An empty sketch allocates nothing beyond its handle; a sparse one holds
 * 4 bytes an entry, its capacity doubling from 8 up to T(p).  A new entry
 * shifts the tail of the array (at most 12 KB at p = 14), which keeps the
 * array canonical at all times, so reads never need to sort or compact
 * it and a const sketch really is never written.
 *
 * Invariants
 * ----------
 *  - Sparse: entries strictly increase by index' (at most one per index'),
 *    1 <= rank' <= 40, n <= cap <= T(p).
 *  - Dense: every register <= q + 1 = 65 - p.
 *  - The form is a function of the set of ids: a sketch is sparse exactly
 *    when the set has at most T(p) distinct index' values.  Adds and merges
 *    only ever raise that number, and the conversion happens on the add or
 *    merge that first exceeds T(p).  Together with the max-only registers,
 *    equal sets give equal sketches, equal estimates and equal encodings,
 *    so merge(sketch(A), sketch(B)) == sketch(A u B) exactly.  Only a dense
 *    encoding crafted by hand can hold fewer indexes than T(p); it decodes,
 *    since nothing is wrong with its registers.
 *  - A call that takes a const sketch never writes to it (no cached
 *    estimate), so concurrent readers need no lock.
 *  - On any error the sketch is as it was: every allocation happens before
 *    the first byte of the sketch changes.
 *
 * The estimator
 * -------------
 * Both forms are estimated with Ertl's improved raw estimator [2] (Redis
 * uses it too), applied to the 2^p dense registers or to the 2^25-register
 * finer sketch of the sparse form, whose zero registers are the 2^25 - n
 * indexes without an entry.  With C[k] the number of
 * registers holding k (0 <= k <= q + 1):
 *
 *                           alpha_inf * m^2
 *   n^ = -----------------------------------------------------------
 *         m sigma(C[0]/m) + sum_{k=1..q} C[k] 2^-k + m tau(1 - C[q+1]/m) 2^-q
 *
 *   alpha_inf = 1 / (2 ln 2)
 *   sigma(x)  = x + sum_{k>=1} x^(2^k) 2^(k-1)
 *   tau(x)    = (1/3) (1 - x - sum_{k>=1} (1 - x^(2^-k))^2 2^-k)
 *
 * sigma() replaces linear counting for the small range and tau() the
 * correction at the top of the range, so one formula is unbiased from 0 to
 * far beyond any audience, with no empirical bias tables (HLL++'s bias
 * correction needs one per precision).  Ertl reports a relative standard
 * error of about 1.04 / sqrt(m) over the whole range, lower for small sets.
 * Measured with this code at p = 14 (1.04 / sqrt(m) = 0.81 %), as the root
 * mean square of the relative error over 200 disjoint id sets (20 for a
 * million), and the mean error (bias):
 *
 *     distinct ids   form     RMS error    bias
 *              100   sparse   0.0001 %    -0.0001 %
 *            1,000   sparse   0.012 %     -0.001 %
 *            3,000   sparse   0.014 %     -0.000 %
 *            5,000   dense    0.59 %      -0.03 %
 *           20,000   dense    0.63 %      +0.02 %
 *          100,000   dense    0.75 %      -0.01 %
 *        1,000,000   dense    0.82 %      -0.18 %   (within noise: 0.18 %)
 *
 * The test suite checks 3 standard errors (2.4 %) at 10^3, 10^5 and 10^6
 * ids; its id sets give at most 0.0007 %, 1.59 % and 0.50 %.
 *
 * While sparse the error comes only from ids that share an index', about
 * n^2 / 2^26 of them: an absolute standard deviation of roughly n / 8192,
 * under 0.4 at the largest sparse size of the default precision and 0.012
 * for 100 ids (where a single shared index' is a 1-in-7,000 event), hence
 * "under 100 ids, within 1 of exact" at every precision.
 *
 * The hash
 * --------
 * Ids are hashed with XXH64 [4] (seed 0): well distributed in every bit,
 * as fast here as the reference implementation (a few nanoseconds for a
 * short id), specified independently of any implementation, and checked
 * against the reference's output in the tests.  Input words are read as
 * little-endian whatever the host, so a given id lands in the same
 * register on every platform, which cross-machine merges and snapshots
 * depend on.  Hash values are an input of the sketch's state: changing
 * the hash would silently break merges with older sketches, so the
 * encoding names it.
 * The 64-bit hash leaves q = 64 - p >= 46 bits for the rank, far above
 * what any real cardinality reaches, so no large-range correction for hash
 * collisions is needed.
 *
 * Unions
 * ------
 * A report folds the sketches of every bucket of its range, hundreds of
 * small sparse ones, and wants only the estimate of their union.  Merging
 * them one by one into a sketch keeps that sketch canonical at every step
 * (a sorted array while sparse, packed 6-bit registers once dense), which
 * costs a binary search and a memmove() per sparse entry and a pack and
 * unpack per dense register.  skpi__hll_union reaches the very same state
 * in a working form that is cheap to fold into and is never encoded:
 *
 *  - while every source was sparse and their union has at most T(p)
 *    indexes', an open-addressing table of its entries (slot: the low
 *    bits of index', which are hash bits; a collision keeps the larger
 *    rank'), at most half full, up to 2 (T(p) + 1) slots;
 *  - after that, 2^p registers of one byte each, which a sparse entry
 *    raises with a shift, a count of leading zeros and a store, and a
 *    dense source raises eight at a time (its 6-bit registers spread into
 *    bytes, and a byte-wise maximum within a 64-bit word).
 *
 * The union turns dense exactly when merging would have turned the sketch
 * dense (a dense source, or index' number T(p) + 1), and its registers
 * are then those the merged sketch would hold, so its histogram, hence its
 * estimate, is the merged sketch's to the last bit (the test suite checks
 * this after every source).  The registers are reserved before a source
 * that may make the union dense is folded, so that a failed allocation
 * leaves the union as it was.
 *
 * Encoding
 * --------
 * skpi__hll_encode() writes the state, byte-identical for equal sketches,
 * for the snapshot to embed (which adds its own length and CRC):
 *
 *     offset size  field
 *        0    1    form: 1 = sparse, 2 = dense
 *        1    1    precision p, 4..18
 *        2    1    hash: 1 = XXH64 with seed 0
 *        3    1    reserved, must be 0
 *     sparse:
 *        4    4    n, uint32 little-endian, 0 <= n <= T(p)
 *        8   4n    the entries as above, uint32 little-endian, strictly
 *                  increasing by index', bit 31 clear, 1 <= rank' <= 40
 *     dense:
 *        4  3m/4   the registers, packed as in memory, each <= 65 - p
 *
 * The length is implied by the header, so it is checked exactly: a short
 * or a long buffer is rejected before anything is allocated.  Sizes at
 * p = 14: 8 to 12,296 bytes sparse, 12,292 bytes dense.
 *
 * References
 * ----------
 * [1] P. Flajolet, E. Fusy, O. Gandouet, F. Meunier.  HyperLogLog: the
 *     analysis of a near-optimal cardinality estimation algorithm.
 *     AofA 2007, DMTCS proc. AH, pp. 127-146.
 * [2] O. Ertl.  New cardinality estimation algorithms for HyperLogLog
 *     sketches.  arXiv:1702.01284, 2017 (the "improved raw
 *     estimator").
 * [3] S. Heule, M. Nunkesser, A. Hall.  HyperLogLog in practice:
 *     algorithmic engineering of a state of the art cardinality estimation
 *     algorithm.  EDBT 2013 (the sparse representation with p' = 25).
 * [4] Y. Collet.  xxHash fast digest algorithm, XXH64 specification
 *     (doc/xxhash_spec.md in the xxHash repository).
 * [5] S. Sanfilippo.  Redis src/hyperloglog.c (6-bit dense registers and
 *     this file's form of documentation).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hll.h"

/* ===================================================================== */
/* Layout                                                                */
/* ===================================================================== */

#define HLL_PSPARSE 25                  /* precision p' of the sparse form */
#define HLL_QSPARSE (64 - HLL_PSPARSE)  /* bits of w' */
#define HLL_RANK_BITS 6                 /* rank' bits of an entry */
#define HLL_RANK_MASK 63u
#define HLL_SPARSE_MIN 128              /* T(p) never goes below this */
#define HLL_SPARSE_CAP0 8               /* first capacity of the array */

/* Largest register value any hash can produce: q + 1 = 65 - p. */
#define HLL_MAX_RANK(p) (65 - (p))

struct skpi__hll {
    uint8_t p;        /* precision, SKPI__HLL_P_MIN..SKPI__HLL_P_MAX */
    bool dense;       /* which of the two pointers below is in use */
    uint32_t n;       /* sparse: entries in use */
    uint32_t cap;     /* sparse: entries allocated */
    uint32_t *sparse; /* sparse: n entries, NULL while cap is 0 */
    uint8_t *regs;    /* dense: 3 * 2^p / 4 bytes of packed registers */
};

/*
 * Allocations go through these names so that the test build can make any
 * one of them fail (see hll.h); everywhere else they are the libc calls.
 */
#ifdef SKPI__HLL_FAULTS
#define hll_malloc skpi__hll_test_malloc
#define hll_calloc skpi__hll_test_calloc
#define hll_realloc skpi__hll_test_realloc
#else
#define hll_malloc malloc
#define hll_calloc calloc
#define hll_realloc realloc
#endif

static inline uint32_t reg_count(int p)
{
    return UINT32_C(1) << p;
}

static inline size_t dense_bytes(int p)
{
    return (size_t)3 << (p - 2);
}

/* T(p): the most entries a sparse sketch may hold. */
static inline uint32_t sparse_max(int p)
{
    uint32_t t = UINT32_C(3) << (p - 4);
    return t > HLL_SPARSE_MIN ? t : HLL_SPARSE_MIN;
}

static inline bool precision_ok(int p)
{
    return p >= SKPI__HLL_P_MIN && p <= SKPI__HLL_P_MAX;
}

/* Number of leading zero bits of a non-zero 64-bit word. */
static inline unsigned clz64(uint64_t x)
{
#if defined(__GNUC__)
    return (unsigned)__builtin_clzll(x);
#else
    unsigned n = 0;
    while (!(x & (UINT64_C(1) << 63))) {
        x <<= 1;
        n++;
    }
    return n;
#endif
}

/* Little-endian loads and stores, so that hashes and encodings do not
 * depend on the host's byte order; compilers turn these into plain moves. */
static inline uint64_t load64le(const unsigned char *b)
{
    return (uint64_t)b[0] | (uint64_t)b[1] << 8 | (uint64_t)b[2] << 16 |
           (uint64_t)b[3] << 24 | (uint64_t)b[4] << 32 |
           (uint64_t)b[5] << 40 | (uint64_t)b[6] << 48 |
           (uint64_t)b[7] << 56;
}

static inline uint32_t load32le(const unsigned char *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
           (uint32_t)b[3] << 24;
}

static inline void store32le(unsigned char *b, uint32_t v)
{
    b[0] = (unsigned char)v;
    b[1] = (unsigned char)(v >> 8);
    b[2] = (unsigned char)(v >> 16);
    b[3] = (unsigned char)(v >> 24);
}

/* ===================================================================== */
/* The hash: XXH64, seed 0                                               */
/* ===================================================================== */

/* The five primes of the XXH64 specification. */
#define XXH_P1 UINT64_C(0x9E3779B185EBCA87)
#define XXH_P2 UINT64_C(0xC2B2AE3D27D4EB4F)
#define XXH_P3 UINT64_C(0x165667B19E3779F9)
#define XXH_P4 UINT64_C(0x85EBCA77C2B2AE63)
#define XXH_P5 UINT64_C(0x27D4EB2F165667C5)

static inline uint64_t rotl64(uint64_t x, unsigned r)
{
    return (x << r) | (x >> (64 - r));
}

static inline uint64_t xxh_round(uint64_t acc, uint64_t lane)
{
    acc += lane * XXH_P2;
    acc = rotl64(acc, 31);
    return acc * XXH_P1;
}

static inline uint64_t xxh_merge_round(uint64_t acc, uint64_t v)
{
    acc ^= xxh_round(0, v);
    return acc * XXH_P1 + XXH_P4;
}

/*
 * The stripes of an input of 32 bytes or more, four lanes at a time, and
 * their merge: the accumulator before the length and the tail are added.
 * Out of line, so that the short ids of the hot path (a dozen bytes) run
 * through a small function that needs few registers.
 */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static uint64_t xxh_stripes(const unsigned char *b, size_t len)
{
    /* Four lanes over 32-byte stripes, seed 0. */
    uint64_t v1 = XXH_P1 + XXH_P2, v2 = XXH_P2, v3 = 0,
             v4 = (uint64_t)0 - XXH_P1;
    size_t i = 0;
    do {
        v1 = xxh_round(v1, load64le(b + i));
        v2 = xxh_round(v2, load64le(b + i + 8));
        v3 = xxh_round(v3, load64le(b + i + 16));
        v4 = xxh_round(v4, load64le(b + i + 24));
        i += 32;
    } while (len - i >= 32);
    uint64_t acc = rotl64(v1, 1) + rotl64(v2, 7) + rotl64(v3, 12) +
                   rotl64(v4, 18);
    acc = xxh_merge_round(acc, v1);
    acc = xxh_merge_round(acc, v2);
    acc = xxh_merge_round(acc, v3);
    return xxh_merge_round(acc, v4);
}

uint64_t skpi__hll_hash(const void *data, size_t len)
{
    /* Indexes rather than pointer arithmetic, so that (NULL, 0) never
     * forms NULL + 0. */
    const unsigned char *b = data;
    size_t i = len & ~(size_t)31;
    uint64_t acc = (len >= 32 ? xxh_stripes(b, len) : XXH_P5) + (uint64_t)len;

    /* The tail: 8-byte words, one 4-byte word, then single bytes.  (A
     * count of bytes left, rather than two indexes, keeps the loops'
     * bookkeeping to one register.) */
    size_t left = len - i;
    const unsigned char *q = b == NULL ? b : b + i;
    for (; left >= 8; left -= 8, q += 8) {
        acc ^= xxh_round(0, load64le(q));
        acc = rotl64(acc, 27) * XXH_P1 + XXH_P4;
    }
    if (left >= 4) {
        acc ^= (uint64_t)load32le(q) * XXH_P1;
        acc = rotl64(acc, 23) * XXH_P2 + XXH_P3;
        left -= 4;
        q += 4;
    }
    for (; left > 0; left--, q++) {
        acc ^= (uint64_t)*q * XXH_P5;
        acc = rotl64(acc, 11) * XXH_P1;
    }

    /* Final avalanche. */
    acc ^= acc >> 33;
    acc *= XXH_P2;
    acc ^= acc >> 29;
    acc *= XXH_P3;
    acc ^= acc >> 32;
    return acc;
}

/* ===================================================================== */
/* Registers                                                             */
/* ===================================================================== */

/* Register index and rank of a hash at precision p (see the diagram). */
static inline uint32_t hash_index(uint64_t hash, int p)
{
    return (uint32_t)(hash >> (64 - p));
}

static inline unsigned hash_rank(uint64_t hash, int p)
{
    uint64_t w = hash << p;
    return w == 0 ? (unsigned)HLL_MAX_RANK(p) : clz64(w) + 1;
}

/* The sparse entry of a hash: index' << 6 | rank'. */
static inline uint32_t hash_entry(uint64_t hash)
{
    return hash_index(hash, HLL_PSPARSE) << HLL_RANK_BITS |
           hash_rank(hash, HLL_PSPARSE);
}

/*
 * Dense register index and rank of a sparse entry at precision p,
 * identical to hash_index() / hash_rank() of any hash with that entry.
 */
static inline void entry_register(uint32_t e, int p, uint32_t *index,
                                  unsigned *rank)
{
    uint32_t idx25 = e >> HLL_RANK_BITS;
    unsigned mid_bits = (unsigned)(HLL_PSPARSE - p);
    uint32_t middle = idx25 & ((UINT32_C(1) << mid_bits) - 1);
    *index = idx25 >> mid_bits;
    if (middle != 0) {
        /* 1 + leading zeros of `middle` within its mid_bits bits. */
        *rank = clz64((uint64_t)middle) - (64 - mid_bits) + 1;
    } else {
        *rank = mid_bits + (e & HLL_RANK_MASK);
    }
}

/* Read register i of a packed dense array (see the layout diagram). */
static inline unsigned reg_get(const uint8_t *regs, uint32_t i)
{
    size_t bit = (size_t)i * 6;
    size_t byte = bit >> 3;
    unsigned shift = (unsigned)(bit & 7);
    unsigned v = (unsigned)regs[byte] >> shift;
    /* Shifts 0 and 2 fit in one byte; 4 and 6 reach into the next, which
     * always exists because they are registers 4g+2 and 4g+1. */
    if (shift > 2)
        v |= (unsigned)regs[byte + 1] << (8 - shift);
    return v & 63u;
}

static inline void reg_set(uint8_t *regs, uint32_t i, unsigned v)
{
    size_t bit = (size_t)i * 6;
    size_t byte = bit >> 3;
    unsigned shift = (unsigned)(bit & 7);
    regs[byte] = (uint8_t)((regs[byte] & ~(63u << shift)) | (v << shift));
    if (shift > 2) {
        unsigned back = 8 - shift;
        regs[byte + 1] =
            (uint8_t)((regs[byte + 1] & ~(63u >> back)) | (v >> back));
    }
}

/* Raise register i to v if v is larger. */
static inline void reg_raise(uint8_t *regs, uint32_t i, unsigned v)
{
    if (v > reg_get(regs, i))
        reg_set(regs, i, v);
}

/* Unpack and pack the 4 registers held by 3 bytes, for whole-array work. */
static inline void group_unpack(const uint8_t *g, unsigned r[4])
{
    r[0] = g[0] & 63u;
    r[1] = (unsigned)(g[0] >> 6) | (unsigned)(g[1] & 15u) << 2;
    r[2] = (unsigned)(g[1] >> 4) | (unsigned)(g[2] & 3u) << 4;
    r[3] = (unsigned)(g[2] >> 2);
}

static inline void group_pack(uint8_t *g, const unsigned r[4])
{
    g[0] = (uint8_t)(r[0] | r[1] << 6);
    g[1] = (uint8_t)(r[1] >> 2 | r[2] << 4);
    g[2] = (uint8_t)(r[2] >> 4 | r[3] << 2);
}

/* Fold sparse entries into dense registers of precision p. */
static void fold_entries(uint8_t *regs, int p, const uint32_t *e, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++) {
        uint32_t index;
        unsigned rank;
        entry_register(e[k], p, &index, &rank);
        reg_raise(regs, index, rank);
    }
}

/* ===================================================================== */
/* Sparse form                                                           */
/* ===================================================================== */

/*
 * Position of the first entry whose index' is >= that of `e`.  The search
 * halves a window without a data-dependent branch (the compiler emits a
 * conditional move), because which half holds a random hash is a coin
 * toss that a branch predictor would lose half the time.
 */
static uint32_t sparse_find(const uint32_t *a, uint32_t n, uint32_t e)
{
    uint32_t key = e & ~HLL_RANK_MASK;
    if (n == 0)
        return 0;
    uint32_t base = 0;
    while (n > 1) {
        uint32_t half = n / 2;
        base = a[base + half] < key ? base + half : base;
        n -= half;
    }
    return base + (a[base] < key);
}

static inline bool same_index(uint32_t a, uint32_t b)
{
    return (a >> HLL_RANK_BITS) == (b >> HLL_RANK_BITS);
}

/* Next capacity for at least `need` entries: doubling, capped at T(p). */
static uint32_t sparse_grow_cap(uint32_t cap, uint32_t need, int p)
{
    uint32_t c = cap < HLL_SPARSE_CAP0 ? HLL_SPARSE_CAP0 : cap;
    while (c < need)
        c *= 2;
    uint32_t t = sparse_max(p);
    return c < t ? c : t;
}

/* A fresh dense array holding the registers of the sparse entries. */
static uint8_t *dense_from_sparse(int p, const uint32_t *e, uint32_t n)
{
    uint8_t *regs = hll_calloc(1, dense_bytes(p));
    if (regs != NULL)
        fold_entries(regs, p, e, n);
    return regs;
}

/* Replace h's sparse array by the dense array `regs`. */
static void become_dense(skpi__hll *h, uint8_t *regs)
{
    free(h->sparse);
    h->sparse = NULL;
    h->n = h->cap = 0;
    h->regs = regs;
    h->dense = true;
}

static skpi_status sparse_add(skpi__hll *h, uint32_t e)
{
    uint32_t pos = sparse_find(h->sparse, h->n, e);
    if (pos < h->n && same_index(h->sparse[pos], e)) {
        /* Entries with the same index' compare by rank in the low bits. */
        if (e > h->sparse[pos])
            h->sparse[pos] = e;
        return SKPI_OK;
    }
    if (h->n == sparse_max(h->p)) {
        /* One more index' than the sparse form may hold: go dense. */
        uint8_t *regs = dense_from_sparse(h->p, h->sparse, h->n);
        if (regs == NULL)
            return SKPI_ENOMEM;
        fold_entries(regs, h->p, &e, 1);
        become_dense(h, regs);
        return SKPI_OK;
    }
    if (h->n == h->cap) {
        uint32_t cap = sparse_grow_cap(h->cap, h->n + 1, h->p);
        uint32_t *a = hll_realloc(h->sparse, (size_t)cap * sizeof *a);
        if (a == NULL)
            return SKPI_ENOMEM;
        h->sparse = a;
        h->cap = cap;
    }
    memmove(h->sparse + pos + 1, h->sparse + pos,
            (size_t)(h->n - pos) * sizeof *h->sparse);
    h->sparse[pos] = e;
    h->n++;
    return SKPI_OK;
}

/*
 * Whether a merge of ns entries into nd goes entry by entry (a binary
 * search each, and memmove() for the runs of dst in between) rather than
 * by one pass over both arrays.  A report folds each bucket's sketch, a
 * few dozen entries, into its range's, thousands: the pass over the large
 * array at every bucket would make it quadratic.
 */
static inline bool few_into_many(uint32_t ns, uint32_t nd)
{
    return (uint64_t)ns * 16 < nd;
}

/* Number of distinct indexes' in the union of two sorted entry arrays. */
static uint32_t union_size(const uint32_t *a, uint32_t na, const uint32_t *b,
                           uint32_t nb)
{
    if (few_into_many(nb, na)) {
        uint32_t n = na;
        for (uint32_t j = 0; j < nb; j++) {
            uint32_t pos = sparse_find(a, na, b[j]);
            n += !(pos < na && same_index(a[pos], b[j]));
        }
        return n;
    }
    uint32_t i = 0, j = 0, n = 0;
    while (i < na && j < nb) {
        uint32_t ia = a[i] >> HLL_RANK_BITS, ib = b[j] >> HLL_RANK_BITS;
        i += ia <= ib;
        j += ib <= ia;
        n++;
    }
    return n + (na - i) + (nb - j);
}

/*
 * Merge src's entries into dst's array, which has room for `total` (the
 * union size), from the back, so that no scratch array is needed: the
 * write position never falls behind the unread part of dst.
 */
static void union_in_place(uint32_t *dst, uint32_t nd, const uint32_t *src,
                           uint32_t ns, uint32_t total)
{
    uint32_t i = nd, j = ns, w = total;
    if (few_into_many(ns, nd)) {
        /* From the back, each src entry moves the run of dst above it up
         * by the number of entries still to come, in one memmove(). */
        while (j > 0) {
            uint32_t e = src[--j];
            uint32_t pos = sparse_find(dst, i, e);
            bool same = pos < i && same_index(dst[pos], e);
            uint32_t run = i - pos - (same ? 1u : 0u);
            w -= run;
            memmove(dst + w, dst + i - run, (size_t)run * sizeof *dst);
            if (same && dst[pos] > e)
                e = dst[pos];
            dst[--w] = e;
            i = pos;
        }
        return;
    }
    while (j > 0) {
        uint32_t e;
        if (i > 0 && same_index(dst[i - 1], src[j - 1])) {
            e = dst[i - 1] > src[j - 1] ? dst[i - 1] : src[j - 1];
            i--;
            j--;
        } else if (i > 0 && dst[i - 1] > src[j - 1]) {
            e = dst[--i];
        } else {
            e = src[--j];
        }
        dst[--w] = e;
    }
    /* What remains of dst is already in place (w == i here). */
}

/* ===================================================================== */
/* The estimator (Ertl 2017)                                             */
/* ===================================================================== */

/* sigma(x) = x + sum_{k>=1} x^(2^k) 2^(k-1), for 0 <= x < 1. */
static double ertl_sigma(double x)
{
    double y = 1.0, z = x, prev;
    do {
        x *= x;
        prev = z;
        z += x * y;
        y += y;
    } while (z != prev);
    return z;
}

/* tau(x) = (1 - x - sum_{k>=1} (1 - x^(2^-k))^2 2^-k) / 3, 0 <= x <= 1. */
static double ertl_tau(double x)
{
    if (x == 0.0 || x == 1.0)
        return 0.0;
    double y = 1.0, z = 1.0 - x, prev;
    do {
        x = sqrt(x);
        prev = z;
        y *= 0.5;
        z -= (1.0 - x) * (1.0 - x) * y;
    } while (z != prev);
    return z / 3.0;
}

/*
 * Estimate from the register histogram c[0..q+1] of a sketch with
 * m = 2^pm registers.
 */
static double ertl_estimate(const uint32_t *c, int pm)
{
    int q = 64 - pm;
    double m = (double)((uint64_t)1 << pm);
    if ((double)c[0] == m)
        return 0.0;
    double z = m * ertl_tau(1.0 - (double)c[q + 1] / m);
    for (int k = q; k >= 1; k--)
        z = 0.5 * (z + (double)c[k]);
    z += m * ertl_sigma((double)c[0] / m);
    return (0.5 / log(2.0)) * m * m / z;
}

double skpi__hll_count(const skpi__hll *h)
{
    uint32_t c[66] = {0}; /* q + 2 <= 66 counters for any p >= 0 */
    if (h == NULL)
        return 0.0;
    if (!h->dense) {
        for (uint32_t k = 0; k < h->n; k++)
            c[h->sparse[k] & HLL_RANK_MASK]++;
        c[0] = (UINT32_C(1) << HLL_PSPARSE) - h->n;
        return ertl_estimate(c, HLL_PSPARSE);
    }
    size_t bytes = dense_bytes(h->p);
    for (size_t g = 0; g < bytes; g += 3) {
        unsigned r[4];
        group_unpack(h->regs + g, r);
        c[r[0]]++;
        c[r[1]]++;
        c[r[2]]++;
        c[r[3]]++;
    }
    return ertl_estimate(c, h->p);
}

double skpi__hll_std_error(int p)
{
    if (!precision_ok(p))
        return NAN;
    return 1.04 / sqrt((double)reg_count(p));
}

/* ===================================================================== */
/* Life cycle                                                            */
/* ===================================================================== */

skpi_status skpi__hll_new(int p, skpi__hll **out)
{
    if (out == NULL)
        return SKPI_EINVAL;
    if (!precision_ok(p))
        return SKPI_EOPTION;
    skpi__hll *h = hll_calloc(1, sizeof *h);
    if (h == NULL)
        return SKPI_ENOMEM;
    h->p = (uint8_t)p;
    *out = h;
    return SKPI_OK;
}

void skpi__hll_free(skpi__hll *h)
{
    if (h == NULL)
        return;
    free(h->sparse);
    free(h->regs);
    free(h);
}

skpi_status skpi__hll_copy(const skpi__hll *src, skpi__hll **out)
{
    if (src == NULL || out == NULL)
        return SKPI_EINVAL;
    skpi__hll *h = hll_calloc(1, sizeof *h);
    if (h == NULL)
        return SKPI_ENOMEM;
    h->p = src->p;
    h->dense = src->dense;
    if (src->dense) {
        h->regs = hll_malloc(dense_bytes(src->p));
        if (h->regs == NULL) {
            free(h);
            return SKPI_ENOMEM;
        }
        memcpy(h->regs, src->regs, dense_bytes(src->p));
    } else if (src->n > 0) {
        /* The copy is sized to fit; it grows again on the next add. */
        h->sparse = hll_malloc((size_t)src->n * sizeof *h->sparse);
        if (h->sparse == NULL) {
            free(h);
            return SKPI_ENOMEM;
        }
        memcpy(h->sparse, src->sparse, (size_t)src->n * sizeof *h->sparse);
        h->n = h->cap = src->n;
    }
    *out = h;
    return SKPI_OK;
}

/* ===================================================================== */
/* Adding and merging                                                    */
/* ===================================================================== */

/* The sparse form's add, out of line: the dense form's is the hot path
 * of large sets, and should not pay for this one's registers. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static skpi_status sparse_add_hash(skpi__hll *h, uint64_t hash)
{
    return sparse_add(h, hash_entry(hash));
}

skpi_status skpi__hll_add_hash(skpi__hll *h, uint64_t hash)
{
    if (h == NULL)
        return SKPI_EINVAL;
    if (!h->dense)
        return sparse_add_hash(h, hash);
    reg_raise(h->regs, hash_index(hash, h->p), hash_rank(hash, h->p));
    return SKPI_OK;
}

skpi_status skpi__hll_add(skpi__hll *h, const void *data, size_t len)
{
    if (h == NULL || (data == NULL && len > 0))
        return SKPI_EINVAL;
    return skpi__hll_add_hash(h, skpi__hll_hash(data, len));
}

skpi_status skpi__hll_merge(skpi__hll *dst, const skpi__hll *src)
{
    if (dst == NULL || src == NULL)
        return SKPI_EINVAL;
    if (dst->p != src->p)
        return SKPI_EOPTION;
    if (dst == src)
        return SKPI_OK; /* a set united with itself */
    int p = dst->p;

    if (dst->dense && src->dense) {
        size_t bytes = dense_bytes(p);
        for (size_t g = 0; g < bytes; g += 3) {
            unsigned a[4], b[4];
            group_unpack(dst->regs + g, a);
            group_unpack(src->regs + g, b);
            for (int k = 0; k < 4; k++)
                a[k] = a[k] > b[k] ? a[k] : b[k];
            group_pack(dst->regs + g, a);
        }
        return SKPI_OK;
    }
    if (dst->dense) {
        fold_entries(dst->regs, p, src->sparse, src->n);
        return SKPI_OK;
    }
    if (src->dense) {
        /* The union is dense: start from src's registers, fold dst's. */
        uint8_t *regs = hll_malloc(dense_bytes(p));
        if (regs == NULL)
            return SKPI_ENOMEM;
        memcpy(regs, src->regs, dense_bytes(p));
        fold_entries(regs, p, dst->sparse, dst->n);
        become_dense(dst, regs);
        return SKPI_OK;
    }

    /* Both sparse: the union stays sparse if its indexes' fit in T(p). */
    uint32_t total = union_size(dst->sparse, dst->n, src->sparse, src->n);
    if (total > sparse_max(p)) {
        uint8_t *regs = dense_from_sparse(p, dst->sparse, dst->n);
        if (regs == NULL)
            return SKPI_ENOMEM;
        fold_entries(regs, p, src->sparse, src->n);
        become_dense(dst, regs);
        return SKPI_OK;
    }
    if (total > dst->cap) {
        uint32_t cap = sparse_grow_cap(dst->cap, total, p);
        uint32_t *a = hll_realloc(dst->sparse, (size_t)cap * sizeof *a);
        if (a == NULL)
            return SKPI_ENOMEM;
        dst->sparse = a;
        dst->cap = cap;
    }
    if (src->n > 0)
        union_in_place(dst->sparse, dst->n, src->sparse, src->n, total);
    dst->n = total;
    return SKPI_OK;
}

/* ===================================================================== */
/* Unions                                                                */
/* ===================================================================== */

/* First table size of a sparse union; it doubles up to 2 (T(p) + 1). */
#define UNION_CAP0 256u

skpi_status skpi__hll_union_init(skpi__hll_union *u, int p)
{
    if (u == NULL)
        return SKPI_EINVAL;
    if (!precision_ok(p))
        return SKPI_EOPTION;
    memset(u, 0, sizeof *u);
    u->p = (uint8_t)p;
    return SKPI_OK;
}

void skpi__hll_union_fini(skpi__hll_union *u)
{
    if (u == NULL)
        return;
    free(u->table);
    free(u->regs);
    int p = u->p;
    memset(u, 0, sizeof *u);
    u->p = (uint8_t)p;
}

/*
 * Fold sparse entries into registers of one byte each: entry_register()
 * without the packing.  A report folds hundreds of thousands of entries,
 * so this is the union's hot loop: with p a constant (the inline copies
 * below) the shifts are immediate, and the rank of an entry whose middle
 * bits are not all zero (all but 1 in 2^(25 - p)) is one count of leading
 * zeros of the entry shifted so that the middle bits lead.
 */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void bytes_fold_p(uint8_t *regs, int p, const uint32_t *e,
                                uint32_t n)
{
    unsigned mid_bits = (unsigned)(HLL_PSPARSE - p);
    unsigned lead = 32 - HLL_RANK_BITS - mid_bits; /* shift: middle first */
    for (uint32_t k = 0; k < n; k++) {
        uint32_t x = e[k];
        uint32_t index = x >> (HLL_RANK_BITS + mid_bits);
        uint32_t m = x << lead;
        unsigned rank;
        if (m >= UINT32_C(1) << (32 - mid_bits))
            rank = (unsigned)__builtin_clz(m) + 1;
        else
            rank = mid_bits + (x & HLL_RANK_MASK);
        /* A store whatever the comparison: while the union fills, which
         * way it goes is a coin toss that a branch would lose. */
        unsigned r = regs[index];
        regs[index] = (uint8_t)(rank > r ? rank : r);
    }
}

static void bytes_fold_entries(uint8_t *regs, int p, const uint32_t *e,
                               uint32_t n)
{
    if (p == SKPI__HLL_P_DEFAULT)
        bytes_fold_p(regs, SKPI__HLL_P_DEFAULT, e, n);
    else
        bytes_fold_p(regs, p, e, n);
}

/* The same for a union's table, whose free slots (zeros) are skipped. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void bytes_fold_table_p(uint8_t *regs, int p,
                                      const uint32_t *table, uint32_t cap)
{
    for (uint32_t k = 0; k < cap; k++) {
        if (table[k] == 0)
            continue;
        uint32_t index;
        unsigned rank;
        entry_register(table[k], p, &index, &rank);
        if (rank > regs[index])
            regs[index] = (uint8_t)rank;
    }
}

static void bytes_fold_table(uint8_t *regs, int p, const uint32_t *table,
                             uint32_t cap)
{
    if (p == SKPI__HLL_P_DEFAULT)
        bytes_fold_table_p(regs, SKPI__HLL_P_DEFAULT, table, cap);
    else
        bytes_fold_table_p(regs, p, table, cap);
}

/*
 * Eight byte registers at a time, as one 64-bit word ("SIMD within a
 * register"): registers are below 64, so with the top bit of each byte set
 * in a, a - b borrows from no other byte, and the top bit of each byte of
 * the difference tells whether a >= b there.
 */
#define BYTES_HIGH UINT64_C(0x8080808080808080)

static inline uint64_t bytes_max8(uint64_t a, uint64_t b)
{
    uint64_t ge = ((a | BYTES_HIGH) - b) & BYTES_HIGH;
    uint64_t keep_a = (ge >> 7) * 0xFF;
    return (a & keep_a) | (b & ~keep_a);
}

/* Eight packed registers (6 bytes, little-endian) spread one to a byte:
 * first four 12-bit pairs into 16-bit lanes, then each pair's high
 * register into its lane's upper byte. */
static inline uint64_t spread8(uint64_t v)
{
    uint64_t a = (v & 0xFFF) | (v & UINT64_C(0xFFF000)) << 4 |
                 (v & UINT64_C(0xFFF000000)) << 8 |
                 (v & UINT64_C(0xFFF000000000)) << 12;
    return (a & UINT64_C(0x003F003F003F003F)) |
           (a & UINT64_C(0x0FC00FC00FC00FC0)) << 2;
}

static inline uint64_t load64(const uint8_t *b)
{
    uint64_t v;
    memcpy(&v, b, sizeof v);
    return v;
}

static inline void store64(uint8_t *b, uint64_t v)
{
    memcpy(b, &v, sizeof v);
}

/* Raise byte registers to a packed dense array's (2^p registers, a
 * multiple of 8 for every p >= 4). */
static void bytes_max_packed(uint8_t *regs, const uint8_t *packed, int p)
{
    size_t bytes = dense_bytes(p);
    for (size_t g = 0; g < bytes; g += 6, regs += 8) {
        /* spread8() puts register k in byte k counted from the least
         * significant; load64() reads in host order, so a big-endian
         * host swaps r to match. */
        uint64_t v = 0;
        if (g + 8 <= bytes) {
            v = load64le(packed + g) & UINT64_C(0xFFFFFFFFFFFF);
        } else {
            for (int k = 0; k < 6; k++)
                v |= (uint64_t)packed[g + (size_t)k] << (8 * k);
        }
        uint64_t r = spread8(v);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        r = __builtin_bswap64(r);
#endif
        store64(regs, bytes_max8(load64(regs), r));
    }
}

/* Raise byte registers a[0..n) to b's, n a multiple of 8. */
static void bytes_max(uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i += 8)
        store64(a + i, bytes_max8(load64(a + i), load64(b + i)));
}

/* Put entry e into a table with a free slot, keeping the larger rank' of
 * an index' it already holds.  index' is 25 bits of a hash, so its low
 * bits are a good slot. */
static inline void table_put(uint32_t *table, uint32_t cap, uint32_t e,
                             uint32_t *n)
{
    uint32_t mask = cap - 1, key = e >> HLL_RANK_BITS;
    for (uint32_t i = key & mask;; i = (i + 1) & mask) {
        uint32_t x = table[i];
        if (x == 0) {
            table[i] = e;
            (*n)++;
            return;
        }
        if (x >> HLL_RANK_BITS == key) {
            if (e > x)
                table[i] = e;
            return;
        }
    }
}

/*
 * The registers a sparse union will need if it turns dense: allocated
 * (zeroed) ahead, and kept, so that turning dense half-way through a
 * source cannot fail.
 */
static skpi_status union_reserve(skpi__hll_union *u)
{
    if (u->regs == NULL && (u->regs = hll_calloc(1, reg_count(u->p))) == NULL)
        return SKPI_ENOMEM;
    return SKPI_OK;
}

/* Turn a sparse union dense, in its reserved registers. */
static void union_become_dense(skpi__hll_union *u)
{
    bytes_fold_table(u->regs, u->p, u->table, u->cap);
    free(u->table);
    u->table = NULL;
    u->n = u->cap = 0;
    u->dense = true;
}

/*
 * Fold n sparse entries into u: a sketch's array, or with `holes` a
 * union's table, whose zeros are free slots.  Every allocation comes
 * first (a table big enough for every entry that can stay sparse, and the
 * registers when the union may turn dense), so that a failure changes
 * nothing.
 */
static skpi_status union_add_entries(skpi__hll_union *u, const uint32_t *e,
                                     uint32_t n, bool holes)
{
    int p = u->p;
    if (u->dense) {
        if (holes)
            bytes_fold_table(u->regs, p, e, n);
        else
            bytes_fold_entries(u->regs, p, e, n);
        return SKPI_OK;
    }
    uint32_t t = sparse_max(p);
    uint64_t most = (uint64_t)u->n + n; /* distinct entries afterwards */
    uint32_t need = most > t ? t + 1 : (uint32_t)most;
    if (most > t && union_reserve(u) != SKPI_OK)
        return SKPI_ENOMEM;
    if ((uint64_t)need * 2 > u->cap) {
        uint32_t cap = u->cap == 0 ? UNION_CAP0 : u->cap;
        while ((uint64_t)need * 2 > cap)
            cap *= 2;
        uint32_t *table = hll_calloc(cap, sizeof *table);
        if (table == NULL)
            return SKPI_ENOMEM;
        uint32_t moved = 0;
        for (uint32_t i = 0; i < u->cap; i++) {
            if (u->table[i] != 0)
                table_put(table, cap, u->table[i], &moved);
        }
        free(u->table);
        u->table = table;
        u->cap = cap;
    }
    for (uint32_t k = 0; k < n; k++) {
        if (e[k] == 0)
            continue;
        table_put(u->table, u->cap, e[k], &u->n);
        if (u->n > t) {
            /* One index' more than a sparse sketch may hold. */
            union_become_dense(u);
            bytes_fold_table(u->regs, p, e + k + 1, n - k - 1);
            return SKPI_OK;
        }
    }
    return SKPI_OK;
}

/* Make u dense (it may be already). */
static skpi_status union_dense(skpi__hll_union *u)
{
    if (u->dense)
        return SKPI_OK;
    if (union_reserve(u) != SKPI_OK)
        return SKPI_ENOMEM;
    union_become_dense(u);
    return SKPI_OK;
}

skpi_status skpi__hll_union_add(skpi__hll_union *u, const skpi__hll *src)
{
    if (u == NULL || src == NULL)
        return SKPI_EINVAL;
    if (u->p != src->p)
        return SKPI_EOPTION;
    skpi_status st;
    if (src->dense) {
        st = union_dense(u);
        if (st == SKPI_OK)
            bytes_max_packed(u->regs, src->regs, u->p);
    } else {
        st = union_add_entries(u, src->sparse, src->n, false);
    }
    if (st == SKPI_OK)
        u->any = true;
    return st;
}

skpi_status skpi__hll_union_merge(skpi__hll_union *u,
                                  const skpi__hll_union *src)
{
    if (u == NULL || src == NULL)
        return SKPI_EINVAL;
    if (u->p != src->p)
        return SKPI_EOPTION;
    if (!src->any || u == src)
        return SKPI_OK;
    skpi_status st;
    if (src->dense) {
        st = union_dense(u);
        if (st == SKPI_OK)
            bytes_max(u->regs, src->regs, reg_count(u->p));
    } else {
        st = union_add_entries(u, src->table, src->cap, true);
    }
    if (st == SKPI_OK)
        u->any = true;
    return st;
}

bool skpi__hll_union_any(const skpi__hll_union *u)
{
    return u != NULL && u->any;
}

bool skpi__hll_union_is_sparse(const skpi__hll_union *u)
{
    return u != NULL && !u->dense;
}

double skpi__hll_union_count(const skpi__hll_union *u)
{
    uint32_t c[66] = {0};
    if (u == NULL)
        return 0.0;
    /* Four histograms, so that runs of equal values (the table's free
     * slots, a dense union's small registers) do not wait on one
     * counter's increments.  Tables have at least 256 slots, registers
     * 16: both multiples of 4. */
    uint32_t c4[4][66] = {{0}};
    if (!u->dense) {
        for (uint32_t i = 0; i < u->cap; i += 4) {
            c4[0][u->table[i] & HLL_RANK_MASK]++;
            c4[1][u->table[i + 1] & HLL_RANK_MASK]++;
            c4[2][u->table[i + 2] & HLL_RANK_MASK]++;
            c4[3][u->table[i + 3] & HLL_RANK_MASK]++;
        }
    } else {
        for (uint32_t i = 0; i < reg_count(u->p); i += 4) {
            c4[0][u->regs[i]]++;
            c4[1][u->regs[i + 1]]++;
            c4[2][u->regs[i + 2]]++;
            c4[3][u->regs[i + 3]]++;
        }
    }
    for (int k = 0; k < 66; k++)
        c[k] = c4[0][k] + c4[1][k] + c4[2][k] + c4[3][k];
    if (!u->dense) {
        /* The free slots counted as rank 0 above are not registers. */
        c[0] = (UINT32_C(1) << HLL_PSPARSE) - u->n;
        return ertl_estimate(c, HLL_PSPARSE);
    }
    return ertl_estimate(c, u->p);
}

/* ===================================================================== */
/* Inspection                                                            */
/* ===================================================================== */

bool skpi__hll_equal(const skpi__hll *a, const skpi__hll *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    if (a->p != b->p || a->dense != b->dense)
        return false;
    if (a->dense)
        return memcmp(a->regs, b->regs, dense_bytes(a->p)) == 0;
    if (a->n != b->n)
        return false;
    return a->n == 0 ||
           memcmp(a->sparse, b->sparse, (size_t)a->n * sizeof *a->sparse) == 0;
}

int skpi__hll_precision(const skpi__hll *h)
{
    return h == NULL ? 0 : h->p;
}

bool skpi__hll_is_sparse(const skpi__hll *h)
{
    return h != NULL && !h->dense;
}

size_t skpi__hll_memory(const skpi__hll *h)
{
    if (h == NULL)
        return 0;
    if (h->dense)
        return sizeof *h + dense_bytes(h->p);
    return sizeof *h + (size_t)h->cap * sizeof *h->sparse;
}

/* ===================================================================== */
/* Encoding                                                              */
/* ===================================================================== */

size_t skpi__hll_encoded_size(const skpi__hll *h)
{
    if (h == NULL)
        return 0;
    if (h->dense)
        return SKPI__HLL_HEADER + dense_bytes(h->p);
    return SKPI__HLL_HEADER + 4 + (size_t)h->n * 4;
}

skpi_status skpi__hll_encode(const skpi__hll *h, void *buf, size_t cap,
                             size_t *len)
{
    if (h == NULL || (buf == NULL && cap > 0))
        return SKPI_EINVAL;
    size_t need = skpi__hll_encoded_size(h);
    if (cap < need)
        return SKPI_EBUFSIZE;
    unsigned char *b = buf;
    b[0] = h->dense ? SKPI__HLL_DENSE : SKPI__HLL_SPARSE;
    b[1] = h->p;
    b[2] = SKPI__HLL_HASH_XXH64;
    b[3] = 0;
    if (h->dense) {
        /* The in-memory array is already a byte sequence in wire order. */
        memcpy(b + SKPI__HLL_HEADER, h->regs, dense_bytes(h->p));
    } else {
        store32le(b + SKPI__HLL_HEADER, h->n);
        for (uint32_t k = 0; k < h->n; k++)
            store32le(b + SKPI__HLL_HEADER + 4 + (size_t)k * 4, h->sparse[k]);
    }
    if (len != NULL)
        *len = need;
    return SKPI_OK;
}

/* Check the entries of a sparse encoding: order, index' range, rank'. */
static bool sparse_entries_ok(const unsigned char *b, uint32_t n)
{
    uint32_t prev_index = 0;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t e = load32le(b + (size_t)k * 4);
        uint32_t index = e >> HLL_RANK_BITS;
        uint32_t rank = e & HLL_RANK_MASK;
        if (index >> HLL_PSPARSE != 0)
            return false;
        if (rank < 1 || rank > HLL_QSPARSE + 1)
            return false;
        if (k > 0 && index <= prev_index)
            return false;
        prev_index = index;
    }
    return true;
}

/* Check that every packed register is a rank some hash can produce. */
static bool dense_registers_ok(const unsigned char *b, int p)
{
    size_t bytes = dense_bytes(p);
    unsigned max = (unsigned)HLL_MAX_RANK(p);
    for (size_t g = 0; g < bytes; g += 3) {
        unsigned r[4];
        group_unpack(b + g, r);
        if (r[0] > max || r[1] > max || r[2] > max || r[3] > max)
            return false;
    }
    return true;
}

skpi_status skpi__hll_decode(const void *buf, size_t len, skpi__hll **out)
{
    if (out == NULL || (buf == NULL && len > 0))
        return SKPI_EINVAL;
    const unsigned char *b = buf;

    /* Everything is validated before the first allocation. */
    if (len < SKPI__HLL_HEADER)
        return SKPI_EPARSE;
    int form = b[0], p = b[1];
    if ((form != SKPI__HLL_SPARSE && form != SKPI__HLL_DENSE) ||
        !precision_ok(p) || b[2] != SKPI__HLL_HASH_XXH64 || b[3] != 0)
        return SKPI_EPARSE;
    const unsigned char *body = b + SKPI__HLL_HEADER;
    size_t body_len = len - SKPI__HLL_HEADER;
    uint32_t n = 0;
    if (form == SKPI__HLL_DENSE) {
        if (body_len != dense_bytes(p) || !dense_registers_ok(body, p))
            return SKPI_EPARSE;
    } else {
        if (body_len < 4)
            return SKPI_EPARSE;
        n = load32le(body);
        if (n > sparse_max(p) || body_len - 4 != (size_t)n * 4 ||
            !sparse_entries_ok(body + 4, n))
            return SKPI_EPARSE;
    }

    skpi__hll *h = hll_calloc(1, sizeof *h);
    if (h == NULL)
        return SKPI_ENOMEM;
    h->p = (uint8_t)p;
    if (form == SKPI__HLL_DENSE) {
        h->dense = true;
        h->regs = hll_malloc(dense_bytes(p));
        if (h->regs == NULL) {
            free(h);
            return SKPI_ENOMEM;
        }
        memcpy(h->regs, body, dense_bytes(p));
    } else if (n > 0) {
        h->sparse = hll_malloc((size_t)n * sizeof *h->sparse);
        if (h->sparse == NULL) {
            free(h);
            return SKPI_ENOMEM;
        }
        for (uint32_t k = 0; k < n; k++)
            h->sparse[k] = load32le(body + 4 + (size_t)k * 4);
        h->n = h->cap = n;
    }
    *out = h;
    return SKPI_OK;
}

/*
 * check_hll.c -- the HyperLogLog sketch of lib/hll.c.
 *
 * core:     the hash against XXH64's reference values, exact small sets,
 *           merge as set union (register for register), merge algebra,
 *           the sparse to dense transition checked against an independent
 *           model of the registers and of the documented byte layout,
 *           encode / decode round trips, and unions (skpi__hll_union)
 *           against the sketch that merging every source gives.
 * accuracy: relative error within 3 standard errors (1.04 / sqrt(m)) at
 *           10^3, 10^5 and 10^6 distinct ids over several id sets.
 * errors:   bad arguments, bad precisions, every malformed encoding we can
 *           think of (truncation at every length, trailing bytes, bad
 *           header fields, impossible registers, unordered entries),
 *           random corruption, and every allocation failure.
 *
 * This program compiles lib/hll.c itself with -DSKPI__HLL_FAULTS (its
 * functions are hidden in the shared library), which routes the sketch's
 * allocations through the injector below.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hll.h"
#include "testutil.h"

/* ===================================================================== */
/* Allocation failure injection                                          */
/* ===================================================================== */

/*
 * Allocations left before the next one fails; negative means never fail.
 * Check forks a process per test, so this is reset for every test.
 */
static long alloc_budget = -1;

static bool alloc_allowed(void)
{
    if (alloc_budget == 0)
        return false;
    if (alloc_budget > 0)
        alloc_budget--;
    return true;
}

void *skpi__hll_test_malloc(size_t size)
{
    return alloc_allowed() ? malloc(size) : NULL;
}

void *skpi__hll_test_calloc(size_t n, size_t size)
{
    return alloc_allowed() ? calloc(n, size) : NULL;
}

void *skpi__hll_test_realloc(void *ptr, size_t size)
{
    return alloc_allowed() ? realloc(ptr, size) : NULL;
}

/* ===================================================================== */
/* Helpers                                                               */
/* ===================================================================== */

/* splitmix64: a small deterministic generator for ids and choices. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static uint32_t rng_below(uint64_t *s, uint32_t n)
{
    return (uint32_t)(rng_next(s) % n);
}

static skpi__hll *hll_new(int p)
{
    skpi__hll *h = NULL;
    ck_assert_status(skpi__hll_new(p, &h), SKPI_OK);
    ck_assert_ptr_nonnull(h);
    return h;
}

static skpi__hll *hll_copy(const skpi__hll *h)
{
    skpi__hll *c = NULL;
    ck_assert_status(skpi__hll_copy(h, &c), SKPI_OK);
    return c;
}

/*
 * The id number `i` of id set `set`, as 12 raw bytes (set, then i, little
 * endian): ids of different sets never coincide, and the hash sees more
 * than one 8-byte word.
 */
static void id_bytes(uint32_t set, uint64_t i, unsigned char out[12])
{
    for (int k = 0; k < 4; k++)
        out[k] = (unsigned char)(set >> (8 * k));
    for (int k = 0; k < 8; k++)
        out[4 + k] = (unsigned char)(i >> (8 * k));
}

/* Hot loops avoid ck_assert, which records a mark point (a pipe write
 * when forking) on every success. */
static void add_id(skpi__hll *h, uint32_t set, uint64_t i)
{
    unsigned char b[12];
    id_bytes(set, i, b);
    skpi_status st = skpi__hll_add(h, b, sizeof b);
    if (st != SKPI_OK)
        ck_abort_msg("add: %s", skpi_status_name(st));
}

static uint64_t id_hash(uint32_t set, uint64_t i)
{
    unsigned char b[12];
    id_bytes(set, i, b);
    return skpi__hll_hash(b, sizeof b);
}

static void add_hash(skpi__hll *h, uint64_t hash)
{
    skpi_status st = skpi__hll_add_hash(h, hash);
    if (st != SKPI_OK)
        ck_abort_msg("add_hash: %s", skpi_status_name(st));
}

/* Add ids lo .. hi-1 of `set`. */
static void add_range(skpi__hll *h, uint32_t set, uint64_t lo, uint64_t hi)
{
    for (uint64_t i = lo; i < hi; i++)
        add_id(h, set, i);
}

static skpi__hll *sketch_of(int p, uint32_t set, uint64_t lo, uint64_t hi)
{
    skpi__hll *h = hll_new(p);
    add_range(h, set, lo, hi);
    return h;
}

/* The encoding of h in a fresh buffer (free with free()). */
static unsigned char *encode(const skpi__hll *h, size_t *len)
{
    size_t need = skpi__hll_encoded_size(h);
    unsigned char *buf = malloc(need);
    ck_assert_ptr_nonnull(buf);
    size_t got = 0;
    ck_assert_status(skpi__hll_encode(h, buf, need, &got), SKPI_OK);
    ck_assert_uint_eq(got, need);
    *len = need;
    return buf;
}

/* Decode, then check the result equals h and re-encodes to equal bytes. */
static void check_roundtrip(const skpi__hll *h)
{
    size_t len;
    unsigned char *buf = encode(h, &len);
    skpi__hll *d = NULL;
    ck_assert_status(skpi__hll_decode(buf, len, &d), SKPI_OK);
    ck_assert(skpi__hll_equal(h, d));
    ck_assert(skpi__hll_is_sparse(h) == skpi__hll_is_sparse(d));
    ck_assert(skpi__hll_count(h) == skpi__hll_count(d));
    size_t len2;
    unsigned char *buf2 = encode(d, &len2);
    ck_assert_uint_eq(len2, len);
    ck_assert(memcmp(buf, buf2, len) == 0);
    free(buf2);
    free(buf);
    skpi__hll_free(d);
}

/* T(p) of hll.c: the most entries the sparse form holds. */
static uint32_t sparse_max(int p)
{
    uint32_t t = UINT32_C(3) << (p - 4);
    return t > 128 ? t : 128;
}

static size_t dense_size(int p)
{
    return SKPI__HLL_HEADER + ((size_t)3 << (p - 2));
}

/* A hash whose sparse entry has index' `idx` and whose rank' is small. */
static uint64_t hash_at_index(uint32_t idx)
{
    return (uint64_t)idx << 39 | UINT64_C(1) << 38;
}

/* ===================================================================== */
/* A reference model of the registers, written from the essay alone     */
/* ===================================================================== */

/* One byte per register: register[top p bits] = max(1 + clz(rest)). */
static void ref_add(uint8_t *reg, int p, uint64_t hash)
{
    uint32_t index = (uint32_t)(hash >> (64 - p));
    unsigned rank = 1;
    for (int bit = 63 - p; bit >= 0 && !((hash >> bit) & 1); bit--)
        rank++;
    if (rank > reg[index])
        reg[index] = (uint8_t)rank;
}

/* The documented dense encoding of the model's registers. */
static unsigned char *ref_dense_encoding(const uint8_t *reg, int p,
                                         size_t *len)
{
    size_t n = dense_size(p);
    unsigned char *b = calloc(1, n);
    ck_assert_ptr_nonnull(b);
    b[0] = SKPI__HLL_DENSE;
    b[1] = (unsigned char)p;
    b[2] = SKPI__HLL_HASH_XXH64;
    /* Register i is bits 6i .. 6i+5 of a little-endian bit stream. */
    unsigned char *body = b + SKPI__HLL_HEADER;
    for (size_t i = 0; i < ((size_t)1 << p); i++) {
        size_t bit = i * 6;
        unsigned v = reg[i];
        body[bit / 8] |= (unsigned char)(v << (bit % 8));
        if (bit % 8 > 2)
            body[bit / 8 + 1] |= (unsigned char)(v >> (8 - bit % 8));
    }
    *len = n;
    return b;
}

/* Assert that h is dense and holds exactly the model's registers. */
static void assert_matches_model(const skpi__hll *h, const uint8_t *reg, int p)
{
    size_t len;
    unsigned char *b = ref_dense_encoding(reg, p, &len);
    skpi__hll *d = NULL;
    ck_assert_status(skpi__hll_decode(b, len, &d), SKPI_OK);
    ck_assert(!skpi__hll_is_sparse(h));
    ck_assert(skpi__hll_equal(h, d));
    skpi__hll_free(d);
    free(b);
}

/* ===================================================================== */
/* core                                                                  */
/* ===================================================================== */

/*
 * XXH64 with seed 0 of bytes (7 i + 1) mod 256, i = 0 .. len-1, from the
 * reference implementation (libxxhash 0.8.1); the lengths cover every path
 * of the algorithm: bytes, a 4-byte word, 8-byte words, 32-byte stripes.
 */
START_TEST(test_hash_vectors)
{
    static const struct { size_t len; uint64_t hash; } v[] = {
        {0, UINT64_C(0xEF46DB3751D8E999)},   {1, UINT64_C(0x8A4127811B21E730)},
        {3, UINT64_C(0xB6E6C910C2FD373A)},   {4, UINT64_C(0x22EDA2CF6AF4C124)},
        {7, UINT64_C(0x34084D91A233A751)},   {8, UINT64_C(0xC6F1803A5E0B3222)},
        {11, UINT64_C(0xA295D00465199F0A)},  {12, UINT64_C(0x9178B724DCE384C0)},
        {15, UINT64_C(0x514C6F58D37CE6F1)},  {16, UINT64_C(0xAFE8F989A0735A8E)},
        {31, UINT64_C(0x6AB1C40E29F50073)},  {32, UINT64_C(0x5A0756FBE9ECD3D1)},
        {33, UINT64_C(0xDC50CDC37BB9C183)},  {63, UINT64_C(0x10DD94885C71894A)},
        {64, UINT64_C(0x90083DA9CDB9D795)},  {100, UINT64_C(0xD248BFC5208B0B16)},
        {255, UINT64_C(0x5DA8139D7ACF3995)},
    };
    unsigned char data[255];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)((i * 7 + 1) & 255);
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
        ck_assert_msg(skpi__hll_hash(data, v[k].len) == v[k].hash,
                      "XXH64 of %zu bytes", v[k].len);
    ck_assert(skpi__hll_hash("abc", 3) == UINT64_C(0x44BC2CF5AD770999));
    ck_assert(skpi__hll_hash("a", 1) == UINT64_C(0xD24EC4F1A98C6E5B));
    ck_assert(skpi__hll_hash(NULL, 0) == UINT64_C(0xEF46DB3751D8E999));
    /* The hash reads bytes, so an unaligned copy hashes the same. */
    unsigned char shifted[256];
    memcpy(shifted + 1, data, 100);
    ck_assert(skpi__hll_hash(shifted + 1, 100) == UINT64_C(0xD248BFC5208B0B16));
}
END_TEST

START_TEST(test_new_empty)
{
    for (int p = SKPI__HLL_P_MIN; p <= SKPI__HLL_P_MAX; p++) {
        skpi__hll *h = hll_new(p);
        ck_assert_int_eq(skpi__hll_precision(h), p);
        ck_assert(skpi__hll_is_sparse(h));
        ck_assert(skpi__hll_count(h) == 0.0);
        ck_assert_uint_eq(skpi__hll_encoded_size(h), 8);
        check_roundtrip(h);
        skpi__hll_free(h);
    }
    skpi__hll_free(NULL);
    ck_assert(skpi__hll_count(NULL) == 0.0);
    ck_assert_int_eq(skpi__hll_precision(NULL), 0);
    ck_assert(!skpi__hll_is_sparse(NULL));
    ck_assert_uint_eq(skpi__hll_memory(NULL), 0);
    ck_assert_uint_eq(skpi__hll_encoded_size(NULL), 0);
    ck_assert(skpi__hll_equal(NULL, NULL));
}
END_TEST

/*
 * 0, 1, 2 and 99 distinct ids, each added three times, count within 1 of
 * exact; every size up to 127 too, at the smallest, default and largest
 * precision (the sparse form holds at least 128 entries at every p).
 */
START_TEST(test_small_exact)
{
    static const int ps[] = {4, 10, 14, 18};
    for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++) {
        int p = ps[k];
        skpi__hll *h = hll_new(p);
        ck_assert(skpi__hll_count(h) == 0.0);
        for (int n = 1; n <= 127; n++) {
            char id[32];
            int len = snprintf(id, sizeof id, "person-%d", n);
            for (int rep = 0; rep < 3; rep++)
                ck_assert_status(skpi__hll_add(h, id, (size_t)len), SKPI_OK);
            double c = skpi__hll_count(h);
            ck_assert_msg(fabs(c - n) <= 1.0, "p=%d n=%d count=%f", p, n, c);
            if (n == 1 || n == 2 || n == 99)
                ck_assert_int_eq((int)lround(c), n);
            ck_assert(skpi__hll_is_sparse(h));
        }
        skpi__hll_free(h);
    }
}
END_TEST

/* Repeats change nothing, and the state does not depend on order. */
START_TEST(test_duplicates_and_order)
{
    static const uint64_t sizes[] = {50, 5000};
    for (size_t k = 0; k < 2; k++) {
        uint64_t n = sizes[k];
        skpi__hll *fwd = sketch_of(12, 7, 0, n);
        skpi__hll *snap = hll_copy(fwd);
        add_range(fwd, 7, 0, n); /* every id again */
        ck_assert(skpi__hll_equal(fwd, snap));
        skpi__hll *rev = hll_new(12);
        for (uint64_t i = n; i-- > 0;)
            add_id(rev, 7, i);
        ck_assert(skpi__hll_equal(fwd, rev));
        ck_assert(skpi__hll_count(fwd) == skpi__hll_count(rev));
        skpi__hll_free(fwd);
        skpi__hll_free(snap);
        skpi__hll_free(rev);
    }
}
END_TEST

/*
 * Merging the sketches of two overlapping sets gives, register for
 * register, the sketch of one fed both, for every pair of forms: the
 * union of two sparse sketches staying sparse or turning dense, sparse
 * into dense, dense into sparse, dense into dense.
 */
START_TEST(test_merge_is_union)
{
    static const struct { int p; uint64_t a_lo, a_hi, b_lo, b_hi; } c[] = {
        {14, 0, 50, 30, 90},          /* sparse u sparse -> sparse */
        {14, 0, 2000, 1500, 3500},    /* sparse u sparse -> dense */
        {14, 0, 100, 50, 10000},      /* sparse into dense */
        {14, 0, 10000, 9950, 10050},  /* dense into sparse */
        {14, 0, 20000, 10000, 50000}, /* dense u dense */
        {4, 0, 100, 90, 140},         /* small p, across T(4) = 128 */
        {8, 0, 0, 0, 300},            /* empty into something */
        {8, 0, 300, 0, 0},            /* something into empty */
        {14, 0, 2000, 1990, 2030},    /* a few into many, overlapping */
        {14, 0, 1000, 5000, 5010},    /* a few into many, disjoint */
        {14, 0, 3060, 3050, 3090},    /* a few into many -> dense */
    };
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        int p = c[k].p;
        skpi__hll *a = sketch_of(p, 1, c[k].a_lo, c[k].a_hi);
        skpi__hll *b = sketch_of(p, 1, c[k].b_lo, c[k].b_hi);
        skpi__hll *both = sketch_of(p, 1, c[k].a_lo, c[k].a_hi);
        add_range(both, 1, c[k].b_lo, c[k].b_hi);

        skpi__hll *ab = hll_copy(a);
        ck_assert_status(skpi__hll_merge(ab, b), SKPI_OK);
        ck_assert_msg(skpi__hll_equal(ab, both), "case %zu a<-b", k);
        skpi__hll *ba = hll_copy(b);
        ck_assert_status(skpi__hll_merge(ba, a), SKPI_OK);
        ck_assert_msg(skpi__hll_equal(ba, both), "case %zu b<-a", k);
        check_roundtrip(ab);

        /* src is not modified. */
        skpi__hll *b2 = sketch_of(p, 1, c[k].b_lo, c[k].b_hi);
        ck_assert(skpi__hll_equal(b, b2));

        skpi__hll_free(a);
        skpi__hll_free(b);
        skpi__hll_free(b2);
        skpi__hll_free(both);
        skpi__hll_free(ab);
        skpi__hll_free(ba);
    }
}
END_TEST

/*
 * A few entries merged into many (a report folding one bucket's sketch
 * into its range's) take the entry-by-entry path of the merge: random
 * sizes, each result equal to the sketch fed both sets of hashes.  Half
 * of b's hashes share the index' of one of a's with other low bits, so
 * that equal indexes' with a higher or a lower rank meet in the merge.
 */
START_TEST(test_merge_few_into_many)
{
    uint64_t s = 7, ha[3200], hb[160];
    for (int k = 0; k < 300; k++) {
        int p = k % 3 == 0 ? 10 : 14;
        uint32_t na = 100 + rng_below(&s, 3000);
        uint32_t nb = 1 + rng_below(&s, k % 2 ? 8 : 150);
        skpi__hll *a = hll_new(p), *b = hll_new(p), *both = hll_new(p);
        for (uint32_t i = 0; i < na; i++)
            ha[i] = rng_next(&s);
        for (uint32_t j = 0; j < nb; j++) {
            hb[j] = rng_next(&s);
            if (j % 2 == 0) /* a's index' (top 25 bits), other low bits */
                hb[j] = (ha[rng_below(&s, na)] & ~(UINT64_MAX >> 25)) |
                        (hb[j] >> 25 >> rng_below(&s, 39));
        }
        for (uint32_t i = 0; i < na; i++) {
            ck_assert_status(skpi__hll_add_hash(a, ha[i]), SKPI_OK);
            ck_assert_status(skpi__hll_add_hash(both, ha[i]), SKPI_OK);
        }
        for (uint32_t j = 0; j < nb; j++) {
            ck_assert_status(skpi__hll_add_hash(b, hb[j]), SKPI_OK);
            ck_assert_status(skpi__hll_add_hash(both, hb[j]), SKPI_OK);
        }
        ck_assert_status(skpi__hll_merge(a, b), SKPI_OK);
        ck_assert_msg(skpi__hll_equal(a, both), "case %d", k);
        skpi__hll_free(a);
        skpi__hll_free(b);
        skpi__hll_free(both);
    }
}
END_TEST

/* A random sketch: up to 700 ids drawn from a pool shared by all calls. */
static skpi__hll *random_sketch(uint64_t *s, int p)
{
    skpi__hll *h = hll_new(p);
    uint32_t n = rng_below(s, 4) == 0 ? 0 : rng_below(s, 700);
    uint64_t base = rng_below(s, 1000);
    for (uint32_t i = 0; i < n; i++)
        add_id(h, 2, base + rng_below(s, 1500));
    return h;
}

static skpi__hll *merged(const skpi__hll *a, const skpi__hll *b)
{
    skpi__hll *m = hll_copy(a);
    ck_assert_status(skpi__hll_merge(m, b), SKPI_OK);
    return m;
}

/* Commutativity, associativity, idempotence and identity on small random
 * sketches at precisions where they straddle the sparse threshold. */
START_TEST(test_merge_algebra)
{
    uint64_t s = 42;
    static const int ps[] = {4, 5, 6, 8};
    for (int iter = 0; iter < 200; iter++) {
        int p = ps[iter % 4];
        skpi__hll *a = random_sketch(&s, p);
        skpi__hll *b = random_sketch(&s, p);
        skpi__hll *c = random_sketch(&s, p);
        skpi__hll *empty = hll_new(p);

        skpi__hll *ab = merged(a, b), *ba = merged(b, a);
        ck_assert(skpi__hll_equal(ab, ba));

        skpi__hll *ab_c = merged(ab, c);
        skpi__hll *bc = merged(b, c);
        skpi__hll *a_bc = merged(a, bc);
        ck_assert(skpi__hll_equal(ab_c, a_bc));

        skpi__hll *abb = merged(ab, b);
        ck_assert(skpi__hll_equal(abb, ab));
        skpi__hll *ae = merged(a, empty), *ea = merged(empty, a);
        ck_assert(skpi__hll_equal(ae, a));
        ck_assert(skpi__hll_equal(ea, a));

        skpi__hll *aa = hll_copy(a);
        ck_assert_status(skpi__hll_merge(aa, aa), SKPI_OK);
        ck_assert(skpi__hll_equal(aa, a));

        skpi__hll *all[] = {a,  b,   c,   empty, ab, ba, ab_c,
                            bc, a_bc, abb, ae,   ea, aa};
        for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
            skpi__hll_free(all[k]);
    }
}
END_TEST

/*
 * The sparse form turns dense exactly on the add that would give it a
 * (T(p) + 1)-th entry; the registers are then exactly those of a model
 * fed the same hashes, and stay so as adds go on in dense form.  The
 * estimate does not jump: before and after, it lies within 3 standard
 * errors of the truth.
 */
START_TEST(test_transition)
{
    static const int ps[] = {4, 10, 14};
    for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++) {
        int p = ps[k];
        uint32_t t = sparse_max(p);
        uint8_t *reg = calloc((size_t)1 << p, 1);
        ck_assert_ptr_nonnull(reg);
        skpi__hll *h = hll_new(p);
        size_t handle = skpi__hll_memory(h);
        double se = skpi__hll_std_error(p);
        double before = 0;
        uint64_t i = 0;
        while (skpi__hll_is_sparse(h)) {
            before = skpi__hll_count(h);
            ck_assert_uint_le(skpi__hll_encoded_size(h), 8 + 4 * (size_t)t);
            ck_assert_uint_le(skpi__hll_memory(h), handle + 4 * (size_t)t);
            ref_add(reg, p, id_hash(3, i));
            add_id(h, 3, i++);
        }
        /* The sketch was full just before the last add. */
        ck_assert(i > t);
        ck_assert(fabs(before - (double)(i - 1)) <= 1.0 + 3 * se * (double)i);
        double after = skpi__hll_count(h);
        ck_assert_msg(fabs(after - (double)i) <= 3 * se * (double)i,
                      "p=%d n=%llu after=%f", p, (unsigned long long)i, after);
        assert_matches_model(h, reg, p);
        ck_assert_uint_eq(skpi__hll_encoded_size(h), dense_size(p));

        for (uint64_t end = i + 3 * t; i < end; i++) {
            ref_add(reg, p, id_hash(3, i));
            add_id(h, 3, i);
        }
        assert_matches_model(h, reg, p);
        check_roundtrip(h);
        skpi__hll_free(h);
        free(reg);
    }

    /* With crafted hashes the count of entries is exact: T(14) entries of
     * distinct indexes' stay sparse, one more turns dense. */
    skpi__hll *h = hll_new(14);
    uint32_t t = sparse_max(14);
    for (uint32_t idx = 0; idx < t; idx++)
        add_hash(h, hash_at_index(idx * 7));
    ck_assert(skpi__hll_is_sparse(h));
    ck_assert_uint_eq(skpi__hll_encoded_size(h), 8 + 4 * (size_t)t);
    /* A higher rank for an index' already held does not add an entry. */
    add_hash(h, (uint64_t)7 << 39);
    ck_assert(skpi__hll_is_sparse(h));
    add_hash(h, hash_at_index(1));
    ck_assert(!skpi__hll_is_sparse(h));
    skpi__hll_free(h);
}
END_TEST

/* Sparse entries are exactly (index', rank') of the hashes, sorted, and
 * laid out as documented. */
START_TEST(test_sparse_layout)
{
    skpi__hll *h = hll_new(14);
    /* Index' 5 with w' = 0 (rank' 40), index' 3 ranks 1 then 39,
     * index' 2^25 - 1 rank' 2. */
    add_hash(h, (uint64_t)5 << 39);
    add_hash(h, (uint64_t)3 << 39 | UINT64_C(1) << 38);
    add_hash(h, (uint64_t)3 << 39 | 1);
    add_hash(h, UINT64_C(0xFFFFFF8000000000) | UINT64_C(1) << 37);
    add_hash(h, (uint64_t)3 << 39 | UINT64_C(1) << 20);
    static const unsigned char want[] = {
        1, 14, 1, 0,  3, 0, 0, 0,
        3 << 6 | 39, 0, 0, 0,         /* index' 3, rank' 39 */
        0x68, 0x01, 0, 0,             /* index' 5, rank' 40: 0x168 */
        0xC2, 0xFF, 0xFF, 0x7F,       /* index' 2^25 - 1, rank' 2 */
    };
    size_t len;
    unsigned char *b = encode(h, &len);
    ck_assert_uint_eq(len, sizeof want);
    ck_assert(memcmp(b, want, len) == 0);
    free(b);

    /* Turned dense, these give register 0 (index' 3 and 5: middle bits
     * 3 and 5, rank = 11 - bit_length + 1 = 10 and 9) and register 16383
     * (middle bits all ones: rank 1). */
    uint8_t *reg = calloc(16384, 1);
    ck_assert_ptr_nonnull(reg);
    ref_add(reg, 14, (uint64_t)5 << 39);
    ref_add(reg, 14, (uint64_t)3 << 39 | UINT64_C(1) << 38);
    ref_add(reg, 14, (uint64_t)3 << 39 | 1);
    ref_add(reg, 14, UINT64_C(0xFFFFFF8000000000) | UINT64_C(1) << 37);
    ref_add(reg, 14, (uint64_t)3 << 39 | UINT64_C(1) << 20);
    ck_assert_uint_eq(reg[0], 10);
    ck_assert_uint_eq(reg[16383], 1);
    /* Register 0 with rank from w' alone: index' 0, rank' 40 -> 11 + 40. */
    ref_add(reg, 14, 0);
    ck_assert_uint_eq(reg[0], 51);
    skpi__hll *d = hll_new(14);
    add_hash(d, 0);
    ck_assert_status(skpi__hll_merge(d, h), SKPI_OK);
    for (uint32_t idx = 100000; idx < 100000 + sparse_max(14); idx++) {
        uint64_t hash = hash_at_index(idx);
        ref_add(reg, 14, hash);
        add_hash(d, hash);
    }
    assert_matches_model(d, reg, 14);
    free(reg);
    skpi__hll_free(d);
    skpi__hll_free(h);
}
END_TEST

START_TEST(test_roundtrip)
{
    static const struct { int p; uint64_t n; } c[] = {
        {4, 0}, {4, 1}, {4, 127}, {4, 5000}, {14, 0}, {14, 1}, {14, 3000},
        {14, 4000}, {14, 100000}, {18, 70000},
    };
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        skpi__hll *h = sketch_of(c[k].p, 4, 0, c[k].n);
        check_roundtrip(h);
        skpi__hll *cp = hll_copy(h);
        ck_assert(skpi__hll_equal(cp, h));
        check_roundtrip(cp);
        skpi__hll_free(cp);

        size_t len;
        unsigned char *b = encode(h, &len);
        ck_assert_uint_eq(b[0], skpi__hll_is_sparse(h) ? 1 : 2);
        ck_assert_uint_eq(b[1], (unsigned)c[k].p);
        ck_assert_uint_eq(b[2], 1);
        ck_assert_uint_eq(b[3], 0);
        if (!skpi__hll_is_sparse(h))
            ck_assert_uint_eq(len, dense_size(c[k].p));
        /* A buffer one byte short is refused and left alone. */
        unsigned char *small = malloc(len);
        ck_assert_ptr_nonnull(small);
        memset(small, 0xAB, len);
        size_t got = 12345;
        ck_assert_status(skpi__hll_encode(h, small, len - 1, &got),
                         SKPI_EBUFSIZE);
        ck_assert_uint_eq(got, 12345);
        ck_assert_uint_eq(small[0], 0xAB);
        /* len may be NULL. */
        ck_assert_status(skpi__hll_encode(h, small, len, NULL), SKPI_OK);
        ck_assert(memcmp(small, b, len) == 0);
        free(small);
        free(b);
        skpi__hll_free(h);
    }
}
END_TEST

START_TEST(test_memory_and_error)
{
    skpi__hll *h = hll_new(14);
    size_t handle = skpi__hll_memory(h);
    ck_assert_uint_gt(handle, 0);
    add_range(h, 5, 0, 5);
    ck_assert_uint_eq(skpi__hll_memory(h), handle + 8 * 4);
    add_range(h, 5, 5, 20000);
    ck_assert(!skpi__hll_is_sparse(h));
    ck_assert_uint_eq(skpi__hll_memory(h), handle + 12288);
    skpi__hll_free(h);

    ck_assert(fabs(skpi__hll_std_error(14) - 0.008125) < 1e-12);
    ck_assert(fabs(skpi__hll_std_error(4) - 0.26) < 1e-12);
    ck_assert(fabs(skpi__hll_std_error(18) - 1.04 / 512) < 1e-12);
    ck_assert(isnan(skpi__hll_std_error(3)));
    ck_assert(isnan(skpi__hll_std_error(19)));
}
END_TEST

/* ===================================================================== */
/* accuracy                                                              */
/* ===================================================================== */

static void check_accuracy(int p, uint64_t n, uint32_t set)
{
    skpi__hll *h = sketch_of(p, set, 0, n);
    double est = skpi__hll_count(h);
    double rel = (est - (double)n) / (double)n;
    double se = skpi__hll_std_error(p);
    ck_assert_msg(fabs(rel) <= 3 * se,
                  "p=%d n=%llu set=%u estimate %.1f (%.3f%%)", p,
                  (unsigned long long)n, set, est, 100 * rel);
    /* Adding everything again moves nothing. */
    add_range(h, set, 0, n < 1000 ? n : 1000);
    ck_assert(skpi__hll_count(h) == est);
    skpi__hll_free(h);
}

/* The sources of a union test: sparse sketches of every size up to past
 * T(p), some dense ones, empty ones, drawn from overlapping id ranges. */
static skpi__hll *union_source(uint64_t *s, int p)
{
    uint32_t kind = rng_below(s, 10);
    if (kind < 7)
        return random_sketch(s, p);
    if (kind < 9) {
        uint64_t lo = rng_below(s, 4000);
        return sketch_of(p, 3, lo, lo + rng_below(s, 2 * sparse_max(p)));
    }
    return hll_new(p);
}

/* The union says what the merged sketch says: form, estimate, any. */
static void union_matches(const skpi__hll_union *u, const skpi__hll *m,
                          bool any)
{
    ck_assert(skpi__hll_union_any(u) == any);
    ck_assert(skpi__hll_union_is_sparse(u) == skpi__hll_is_sparse(m));
    ck_assert(skpi__hll_union_count(u) == skpi__hll_count(m));
}

/*
 * A union of many sketches gives exactly what merging them one by one into
 * one sketch gives, after every source: the same form and the very same
 * estimate; so does a union of two unions, whatever their forms.
 */
START_TEST(test_union)
{
    static const int ps[] = {4, 6, 10, 14};
    uint64_t s = 77;
    for (size_t pi = 0; pi < sizeof ps / sizeof ps[0]; pi++) {
        int p = ps[pi];
        for (int iter = 0; iter < 12; iter++) {
            skpi__hll_union u, half[2];
            ck_assert_status(skpi__hll_union_init(&u, p), SKPI_OK);
            for (int h = 0; h < 2; h++)
                ck_assert_status(skpi__hll_union_init(&half[h], p), SKPI_OK);
            skpi__hll *m = hll_new(p), *mh[2] = {hll_new(p), hll_new(p)};
            union_matches(&u, m, false);
            int n = 1 + (int)rng_below(&s, 40);
            for (int k = 0; k < n; k++) {
                skpi__hll *src = union_source(&s, p);
                ck_assert_status(skpi__hll_merge(m, src), SKPI_OK);
                ck_assert_status(skpi__hll_union_add(&u, src), SKPI_OK);
                union_matches(&u, m, true);
                int h = (int)rng_below(&s, 2);
                ck_assert_status(skpi__hll_merge(mh[h], src), SKPI_OK);
                ck_assert_status(skpi__hll_union_add(&half[h], src), SKPI_OK);
                skpi__hll_free(src);
            }
            /* Unions of unions, both ways round. */
            skpi__hll_union ab, ba;
            ck_assert_status(skpi__hll_union_init(&ab, p), SKPI_OK);
            ck_assert_status(skpi__hll_union_init(&ba, p), SKPI_OK);
            ck_assert_status(skpi__hll_union_merge(&ab, &half[0]), SKPI_OK);
            ck_assert_status(skpi__hll_union_merge(&ab, &half[1]), SKPI_OK);
            ck_assert_status(skpi__hll_union_merge(&half[1], &half[0]), SKPI_OK);
            ck_assert_status(skpi__hll_union_merge(&half[1], &half[1]), SKPI_OK);
            ck_assert_status(skpi__hll_union_merge(&ba, &half[1]), SKPI_OK);
            union_matches(&ab, m, true);
            union_matches(&half[1], m, true);
            union_matches(&ba, m, true);
            skpi__hll_union_fini(&u);
            skpi__hll_union_fini(&ab);
            skpi__hll_union_fini(&ba);
            for (int h = 0; h < 2; h++) {
                skpi__hll_union_fini(&half[h]);
                skpi__hll_free(mh[h]);
            }
            skpi__hll_free(m);
        }
    }
    /* A union of nothing, and of empty sketches; fini(NULL). */
    skpi__hll_union u;
    ck_assert_status(skpi__hll_union_init(&u, 14), SKPI_OK);
    ck_assert(!skpi__hll_union_any(&u));
    ck_assert(skpi__hll_union_count(&u) == 0.0);
    skpi__hll *e = hll_new(14);
    ck_assert_status(skpi__hll_union_add(&u, e), SKPI_OK);
    ck_assert(skpi__hll_union_any(&u));
    ck_assert(skpi__hll_union_is_sparse(&u));
    ck_assert(skpi__hll_union_count(&u) == 0.0);
    skpi__hll_union_fini(&u);
    skpi__hll_union_fini(NULL);
    skpi__hll_free(e);
}
END_TEST

START_TEST(test_accuracy_1e3)
{
    for (uint32_t set = 100; set < 110; set++)
        check_accuracy(14, 1000, set);
}
END_TEST

START_TEST(test_accuracy_1e5)
{
    for (uint32_t set = 200; set < 205; set++)
        check_accuracy(14, 100000, set);
    check_accuracy(10, 100000, 210);
    check_accuracy(16, 100000, 211);
    check_accuracy(18, 100000, 212);
}
END_TEST

START_TEST(test_accuracy_1e6)
{
    for (uint32_t set = 300; set < 303; set++)
        check_accuracy(14, 1000000, set);
}
END_TEST

/* The union of 5 sketches of 40,000 ids each, overlapping by half,
 * estimates the union (120,000 ids) as well as one sketch would. */
START_TEST(test_accuracy_union)
{
    skpi__hll *u = hll_new(14);
    for (uint64_t k = 0; k < 5; k++) {
        skpi__hll *part = sketch_of(14, 400, k * 20000, k * 20000 + 40000);
        ck_assert_status(skpi__hll_merge(u, part), SKPI_OK);
        skpi__hll_free(part);
    }
    double rel = skpi__hll_count(u) / 120000.0 - 1;
    ck_assert(fabs(rel) <= 3 * skpi__hll_std_error(14));
    skpi__hll_free(u);
}
END_TEST

/* ===================================================================== */
/* errors                                                                */
/* ===================================================================== */

START_TEST(test_bad_arguments)
{
    skpi__hll *h = (skpi__hll *)&alloc_budget; /* a sentinel, never used */
    static const int bad[] = {-1, 0, 3, 19, 64, 1000};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        ck_assert_status(skpi__hll_new(bad[k], &h), SKPI_EOPTION);
        ck_assert_ptr_eq(h, (skpi__hll *)&alloc_budget);
    }
    ck_assert_status(skpi__hll_new(14, NULL), SKPI_EINVAL);

    h = sketch_of(14, 6, 0, 10);
    skpi__hll *snap = hll_copy(h);
    ck_assert_status(skpi__hll_add(NULL, "x", 1), SKPI_EINVAL);
    ck_assert_status(skpi__hll_add(h, NULL, 1), SKPI_EINVAL);
    ck_assert_status(skpi__hll_add_hash(NULL, 1), SKPI_EINVAL);
    ck_assert(skpi__hll_equal(h, snap));
    /* The empty id is an id like any other. */
    ck_assert_status(skpi__hll_add(h, NULL, 0), SKPI_OK);
    ck_assert_status(skpi__hll_add(h, "", 0), SKPI_OK);
    ck_assert_int_eq((int)lround(skpi__hll_count(h)), 11);

    /* Merging sketches of different precisions is refused, dst as it was:
     * sparse and dense, either side. */
    skpi__hll *other = sketch_of(12, 6, 0, 10);
    skpi__hll *big = sketch_of(12, 6, 0, 20000);
    skpi__hll *before = hll_copy(h);
    ck_assert_status(skpi__hll_merge(h, other), SKPI_EOPTION);
    ck_assert_status(skpi__hll_merge(h, big), SKPI_EOPTION);
    ck_assert(skpi__hll_equal(h, before));
    skpi__hll *big_before = hll_copy(big);
    ck_assert_status(skpi__hll_merge(big, h), SKPI_EOPTION);
    ck_assert(skpi__hll_equal(big, big_before));
    ck_assert(!skpi__hll_equal(h, other));
    ck_assert_status(skpi__hll_merge(NULL, h), SKPI_EINVAL);
    ck_assert_status(skpi__hll_merge(h, NULL), SKPI_EINVAL);

    skpi__hll *out = NULL;
    ck_assert_status(skpi__hll_copy(NULL, &out), SKPI_EINVAL);
    ck_assert_status(skpi__hll_copy(h, NULL), SKPI_EINVAL);
    ck_assert_ptr_null(out);

    unsigned char buf[16];
    ck_assert_status(skpi__hll_encode(NULL, buf, sizeof buf, NULL), SKPI_EINVAL);
    ck_assert_status(skpi__hll_encode(h, NULL, 10, NULL), SKPI_EINVAL);
    ck_assert_status(skpi__hll_encode(h, NULL, 0, NULL), SKPI_EBUFSIZE);
    ck_assert_status(skpi__hll_decode(buf, sizeof buf, NULL), SKPI_EINVAL);
    ck_assert_status(skpi__hll_decode(NULL, 4, &out), SKPI_EINVAL);
    ck_assert_status(skpi__hll_decode(NULL, 0, &out), SKPI_EPARSE);
    ck_assert_ptr_null(out);

    ck_assert(!skpi__hll_equal(h, NULL));
    skpi__hll *all[] = {h, snap, other, big, before, big_before};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
        skpi__hll_free(all[k]);
}
END_TEST

/* Decoding must refuse `b` (len bytes) and leave *out alone. */
static void refuse(const unsigned char *b, size_t len, const char *what)
{
    skpi__hll *out = (skpi__hll *)&alloc_budget;
    skpi_status st = skpi__hll_decode(b, len, &out);
    ck_assert_msg(st == SKPI_EPARSE, "%s: %s", what, skpi_status_name(st));
    ck_assert_ptr_eq(out, (skpi__hll *)&alloc_budget);
}

static void accept(const unsigned char *b, size_t len)
{
    skpi__hll *out = NULL;
    ck_assert_status(skpi__hll_decode(b, len, &out), SKPI_OK);
    skpi__hll_free(out);
}

/* Every proper prefix and every extension of a valid encoding is refused. */
START_TEST(test_decode_lengths)
{
    static const struct { int p; uint64_t n; } c[] = {
        {14, 0}, {14, 1}, {14, 500}, {14, 20000}, {4, 0}, {4, 100}, {4, 1000},
    };
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        skpi__hll *h = sketch_of(c[k].p, 8, 0, c[k].n);
        size_t len;
        unsigned char *b = encode(h, &len);
        for (size_t l = 0; l < len; l++)
            refuse(b, l, "truncated");
        unsigned char *longer = calloc(1, len + 4);
        ck_assert_ptr_nonnull(longer);
        memcpy(longer, b, len);
        accept(longer, len);
        for (size_t extra = 1; extra <= 4; extra++)
            refuse(longer, len + extra, "trailing bytes");
        free(longer);
        free(b);
        skpi__hll_free(h);
    }
}
END_TEST

START_TEST(test_decode_header)
{
    skpi__hll *sp = sketch_of(14, 9, 0, 10);
    skpi__hll *de = sketch_of(14, 9, 0, 20000);
    const skpi__hll *both[] = {sp, de};
    for (int k = 0; k < 2; k++) {
        size_t len;
        unsigned char *b = encode(both[k], &len);
        unsigned char saved[4];
        memcpy(saved, b, 4);
        static const unsigned char bad_form[] = {0, 3, 4, 255};
        for (size_t i = 0; i < sizeof bad_form; i++) {
            b[0] = bad_form[i];
            refuse(b, len, "form");
        }
        /* The other form's length does not match the body. */
        b[0] = k == 0 ? SKPI__HLL_DENSE : SKPI__HLL_SPARSE;
        refuse(b, len, "form swapped");
        b[0] = saved[0];
        static const unsigned char bad_p[] = {0, 3, 19, 25, 64, 255};
        for (size_t i = 0; i < sizeof bad_p; i++) {
            b[1] = bad_p[i];
            refuse(b, len, "precision");
        }
        /* A valid precision with the wrong size for it. */
        b[1] = 13;
        if (k == 1)
            refuse(b, len, "dense size of another precision");
        b[1] = saved[1];
        b[2] = 0;
        refuse(b, len, "hash 0");
        b[2] = 2;
        refuse(b, len, "hash 2");
        b[2] = saved[2];
        b[3] = 1;
        refuse(b, len, "reserved");
        b[3] = 0x80;
        refuse(b, len, "reserved");
        b[3] = 0;
        accept(b, len);
        free(b);
    }
    skpi__hll_free(sp);
    skpi__hll_free(de);
}
END_TEST

/* Registers above 65 - p are impossible and refused, in each of the four
 * positions of a 3-byte group, at the first and last register. */
START_TEST(test_decode_registers)
{
    static const int ps[] = {4, 14, 18};
    for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++) {
        int p = ps[k];
        uint32_t m = UINT32_C(1) << p;
        uint8_t *reg = calloc(m, 1);
        ck_assert_ptr_nonnull(reg);
        size_t len;
        const uint32_t where[] = {0, 1, 2, 3, 5, 6, m - 2, m - 1};
        for (size_t w = 0; w < sizeof where / sizeof where[0]; w++) {
            for (unsigned v = 60; v < 64; v++) {
                memset(reg, 0, m);
                reg[where[w]] = (uint8_t)v;
                unsigned char *b = ref_dense_encoding(reg, p, &len);
                if (v <= (unsigned)(65 - p))
                    accept(b, len);
                else
                    refuse(b, len, "register");
                free(b);
            }
            memset(reg, 0, m);
            reg[where[w]] = (uint8_t)(65 - p);
            unsigned char *b = ref_dense_encoding(reg, p, &len);
            accept(b, len);
            b[len - 1] = 0xFF; /* the last register becomes 63 */
            refuse(b, len, "last register 63");
            free(b);
            reg[where[w]] = (uint8_t)(66 - p);
            b = ref_dense_encoding(reg, p, &len);
            refuse(b, len, "register 66 - p");
            free(b);
        }
        free(reg);
    }
}
END_TEST

/* Write a sparse encoding of precision p with the given raw entries. */
static unsigned char *sparse_encoding(int p, const uint32_t *e, uint32_t n,
                                      size_t *len)
{
    *len = 8 + 4 * (size_t)n;
    unsigned char *b = calloc(1, *len);
    ck_assert_ptr_nonnull(b);
    b[0] = SKPI__HLL_SPARSE;
    b[1] = (unsigned char)p;
    b[2] = SKPI__HLL_HASH_XXH64;
    for (int k = 0; k < 4; k++)
        b[4 + k] = (unsigned char)(n >> (8 * k));
    for (uint32_t i = 0; i < n; i++)
        for (int k = 0; k < 4; k++)
            b[8 + 4 * i + (uint32_t)k] = (unsigned char)(e[i] >> (8 * k));
    return b;
}

static void sparse_case(const uint32_t *e, uint32_t n, bool ok, const char *what)
{
    size_t len;
    unsigned char *b = sparse_encoding(14, e, n, &len);
    if (ok)
        accept(b, len);
    else
        refuse(b, len, what);
    free(b);
}

#define E(idx, rank) ((uint32_t)(idx) << 6 | (uint32_t)(rank))

START_TEST(test_decode_sparse)
{
    const uint32_t good[] = {E(0, 1), E(1, 40), E((1u << 25) - 1, 2)};
    sparse_case(good, 3, true, "good");
    const uint32_t rank0[] = {E(0, 1), E(1, 0)};
    sparse_case(rank0, 2, false, "rank' 0");
    const uint32_t rank41[] = {E(0, 41)};
    sparse_case(rank41, 1, false, "rank' 41");
    const uint32_t rank63[] = {E(7, 63)};
    sparse_case(rank63, 1, false, "rank' 63");
    const uint32_t bit31[] = {E(0, 1), UINT32_C(0x80000000) | E(2, 1)};
    sparse_case(bit31, 2, false, "index' of 26 bits");
    const uint32_t order[] = {E(2, 1), E(1, 1)};
    sparse_case(order, 2, false, "out of order");
    const uint32_t dup[] = {E(2, 1), E(2, 3)};
    sparse_case(dup, 2, false, "index' twice");
    const uint32_t same[] = {E(2, 3), E(2, 3)};
    sparse_case(same, 2, false, "entry twice");

    /* T(p) entries are fine and stay sparse; one more must be dense. */
    uint32_t t = sparse_max(14);
    uint32_t *many = malloc(((size_t)t + 1) * sizeof *many);
    ck_assert_ptr_nonnull(many);
    for (uint32_t i = 0; i <= t; i++)
        many[i] = E(i * 3, 1 + i % 40);
    size_t len;
    unsigned char *b = sparse_encoding(14, many, t, &len);
    skpi__hll *h = NULL;
    ck_assert_status(skpi__hll_decode(b, len, &h), SKPI_OK);
    ck_assert(skpi__hll_is_sparse(h));
    /* It then behaves like any full sparse sketch. */
    add_hash(h, hash_at_index(1));
    ck_assert(!skpi__hll_is_sparse(h));
    skpi__hll_free(h);
    free(b);
    sparse_case(many, t + 1, false, "more than T(p) entries");
    free(many);

    /* A count that disagrees with the length either way. */
    b = sparse_encoding(14, good, 3, &len);
    b[4] = 2;
    refuse(b, len, "count too small");
    b[4] = 4;
    refuse(b, len, "count too large");
    b[4] = 3;
    b[7] = 0x80;
    refuse(b, len, "count huge");
    free(b);
}
END_TEST

/* Random corruption never crashes decode; whatever it accepts is a valid
 * sketch that encodes back to the very same bytes. */
START_TEST(test_decode_corruption)
{
    uint64_t s = 7;
    skpi__hll *src[] = {sketch_of(4, 10, 0, 60), sketch_of(4, 10, 0, 1000),
                        sketch_of(10, 10, 0, 150), sketch_of(10, 10, 0, 5000)};
    size_t accepted = 0;
    for (size_t k = 0; k < sizeof src / sizeof src[0]; k++) {
        size_t len;
        unsigned char *orig = encode(src[k], &len);
        unsigned char *b = malloc(len);
        ck_assert_ptr_nonnull(b);
        for (int iter = 0; iter < 1500; iter++) {
            memcpy(b, orig, len);
            int flips = 1 + (int)rng_below(&s, 3);
            for (int f = 0; f < flips; f++)
                b[rng_below(&s, (uint32_t)len)] ^=
                    (unsigned char)(1u << rng_below(&s, 8));
            skpi__hll *h = NULL;
            skpi_status st = skpi__hll_decode(b, len, &h);
            if (st != SKPI_OK) {
                ck_assert_status(st, SKPI_EPARSE);
                continue;
            }
            accepted++;
            size_t len2;
            unsigned char *again = encode(h, &len2);
            ck_assert_uint_eq(len2, len);
            ck_assert(memcmp(again, b, len) == 0);
            (void)skpi__hll_count(h);
            ck_assert_status(skpi__hll_add(h, "x", 1), SKPI_OK);
            free(again);
            skpi__hll_free(h);
        }
        free(b);
        free(orig);
        skpi__hll_free(src[k]);
    }
    ck_assert_uint_gt(accepted, 0);
}
END_TEST

/*
 * Run `op` on a copy of `h` with 0, 1, 2, ... allocations allowed until it
 * succeeds; every failure must be SKPI_ENOMEM with the copy unchanged.
 * Returns the number of failures seen.
 */
typedef skpi_status (*hll_op)(skpi__hll *h, const void *arg);

static int each_failure(const skpi__hll *h, hll_op op, const void *arg)
{
    for (long budget = 0;; budget++) {
        skpi__hll *work = hll_copy(h);
        alloc_budget = budget;
        skpi_status st = op(work, arg);
        alloc_budget = -1;
        if (st == SKPI_OK) {
            skpi__hll_free(work);
            return (int)budget;
        }
        ck_assert_status(st, SKPI_ENOMEM);
        ck_assert(skpi__hll_equal(work, h));
        skpi__hll_free(work);
    }
}

static skpi_status op_add_hash(skpi__hll *h, const void *arg)
{
    return skpi__hll_add_hash(h, *(const uint64_t *)arg);
}

static skpi_status op_merge(skpi__hll *h, const void *arg)
{
    return skpi__hll_merge(h, arg);
}

/*
 * Unions: bad arguments, and every allocation failing (the table, its
 * growth, the registers reserved for turning dense) leaves the union's
 * figures as they were; the same call then succeeds.
 */
START_TEST(test_union_errors)
{
    skpi__hll_union u, v;
    skpi__hll *h = sketch_of(12, 1, 0, 10), *h6 = hll_new(6);
    ck_assert_status(skpi__hll_union_init(NULL, 14), SKPI_EINVAL);
    ck_assert_status(skpi__hll_union_init(&u, 3), SKPI_EOPTION);
    ck_assert_status(skpi__hll_union_init(&u, 19), SKPI_EOPTION);
    ck_assert_status(skpi__hll_union_init(&u, 12), SKPI_OK);
    ck_assert_status(skpi__hll_union_init(&v, 6), SKPI_OK);
    ck_assert_status(skpi__hll_union_add(NULL, h), SKPI_EINVAL);
    ck_assert_status(skpi__hll_union_add(&u, NULL), SKPI_EINVAL);
    ck_assert_status(skpi__hll_union_add(&u, h6), SKPI_EOPTION);
    ck_assert_status(skpi__hll_union_add(&v, h6), SKPI_OK);
    ck_assert_status(skpi__hll_union_merge(&u, &v), SKPI_EOPTION);
    ck_assert_status(skpi__hll_union_merge(NULL, &v), SKPI_EINVAL);
    ck_assert_status(skpi__hll_union_merge(&u, NULL), SKPI_EINVAL);
    ck_assert(!skpi__hll_union_any(&u));
    ck_assert(!skpi__hll_union_any(NULL));
    ck_assert(!skpi__hll_union_is_sparse(NULL));
    ck_assert(skpi__hll_union_count(NULL) == 0.0);
    skpi__hll_union_fini(&u);
    skpi__hll_union_fini(&v);
    skpi__hll_free(h);
    skpi__hll_free(h6);

    /* Sources that make the table, grow it, turn the union dense in the
     * middle of a source, then fold into the registers. */
    const int p = 10;
    skpi__hll *src[5] = {sketch_of(p, 4, 0, 50), sketch_of(p, 4, 40, 150),
                         sketch_of(p, 4, 100, 300), sketch_of(p, 4, 0, 3000),
                         sketch_of(p, 4, 5000, 5010)};
    for (int k = 0; k < 5; k++) {
        int failures = 0;
        for (long budget = 0;; budget++) {
            skpi__hll_union w;
            ck_assert_status(skpi__hll_union_init(&w, p), SKPI_OK);
            for (int j = 0; j < k; j++)
                ck_assert_status(skpi__hll_union_add(&w, src[j]), SKPI_OK);
            bool any = skpi__hll_union_any(&w);
            bool sparse = skpi__hll_union_is_sparse(&w);
            double count = skpi__hll_union_count(&w);
            alloc_budget = budget;
            skpi_status st = skpi__hll_union_add(&w, src[k]);
            alloc_budget = -1;
            if (st != SKPI_OK) {
                ck_assert_status(st, SKPI_ENOMEM);
                ck_assert(skpi__hll_union_any(&w) == any);
                ck_assert(skpi__hll_union_is_sparse(&w) == sparse);
                ck_assert(skpi__hll_union_count(&w) == count);
                failures++;
            }
            /* A union of unions fails the same way. */
            skpi__hll_union z;
            ck_assert_status(skpi__hll_union_init(&z, p), SKPI_OK);
            ck_assert_status(skpi__hll_union_add(&z, src[k]), SKPI_OK);
            alloc_budget = budget;
            skpi_status st2 = skpi__hll_union_merge(&w, &z);
            alloc_budget = -1;
            if (st2 != SKPI_OK) {
                ck_assert_status(st2, SKPI_ENOMEM);
                ck_assert(skpi__hll_union_is_sparse(&w) == sparse ||
                          st == SKPI_OK);
            }
            skpi__hll_union_fini(&z);
            skpi__hll_union_fini(&w);
            if (st == SKPI_OK)
                break;
        }
        /* The first source needs a table; the third turns the union dense. */
        int least = k == 0 || k == 2 ? 1 : 0;
        ck_assert_int_ge(failures, least);
    }
    for (int k = 0; k < 5; k++)
        skpi__hll_free(src[k]);
}
END_TEST

START_TEST(test_enomem)
{
    skpi__hll *h = NULL;
    alloc_budget = 0;
    ck_assert_status(skpi__hll_new(14, &h), SKPI_ENOMEM);
    alloc_budget = -1;
    ck_assert_ptr_null(h);

    /* The first entry allocates the array; the 9th grows it; T(p) + 1
     * turns the sketch dense. */
    skpi__hll *empty = hll_new(14);
    uint64_t hash = hash_at_index(99);
    ck_assert_int_eq(each_failure(empty, op_add_hash, &hash), 1);
    skpi__hll *eight = hll_new(14);
    for (uint32_t i = 0; i < 8; i++)
        add_hash(eight, hash_at_index(i * 2));
    ck_assert_int_eq(each_failure(eight, op_add_hash, &hash), 1);
    /* An entry that is already there needs no memory. */
    uint64_t known = hash_at_index(2);
    ck_assert_int_eq(each_failure(eight, op_add_hash, &known), 0);
    skpi__hll *full = hll_new(14);
    for (uint32_t i = 0; i < sparse_max(14); i++)
        add_hash(full, hash_at_index(i * 2));
    ck_assert_int_eq(each_failure(full, op_add_hash, &hash), 1);
    skpi__hll *dense = sketch_of(14, 11, 0, 20000);
    ck_assert_int_eq(each_failure(dense, op_add_hash, &hash), 0);

    /* Merges: sparse growing, sparse turning dense, sparse taking dense,
     * and those that need nothing. */
    skpi__hll *other = hll_new(14);
    for (uint32_t i = 0; i < 100; i++)
        add_hash(other, hash_at_index(i * 2 + 1));
    ck_assert_int_eq(each_failure(eight, op_merge, other), 1);
    ck_assert_int_eq(each_failure(full, op_merge, other), 1);
    ck_assert_int_eq(each_failure(eight, op_merge, dense), 1);
    ck_assert_int_eq(each_failure(dense, op_merge, other), 0);
    ck_assert_int_eq(each_failure(dense, op_merge, dense), 0);
    ck_assert_int_eq(each_failure(other, op_merge, empty), 0);

    /* Copy and decode: the handle, then the array. */
    skpi__hll *srcs[] = {empty, eight, dense};
    for (size_t k = 0; k < 3; k++) {
        size_t len;
        unsigned char *b = encode(srcs[k], &len);
        int allocs = k == 0 ? 1 : 2;
        for (long budget = 0; budget < allocs; budget++) {
            skpi__hll *out = (skpi__hll *)&alloc_budget;
            alloc_budget = budget;
            ck_assert_status(skpi__hll_copy(srcs[k], &out), SKPI_ENOMEM);
            ck_assert_ptr_eq(out, (skpi__hll *)&alloc_budget);
            alloc_budget = budget;
            ck_assert_status(skpi__hll_decode(b, len, &out), SKPI_ENOMEM);
            ck_assert_ptr_eq(out, (skpi__hll *)&alloc_budget);
        }
        alloc_budget = allocs;
        skpi__hll *out = NULL;
        ck_assert_status(skpi__hll_decode(b, len, &out), SKPI_OK);
        alloc_budget = -1;
        ck_assert(skpi__hll_equal(out, srcs[k]));
        skpi__hll_free(out);
        free(b);
    }

    skpi__hll *all[] = {empty, eight, full, dense, other};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
        skpi__hll_free(all[k]);
}
END_TEST

/* ===================================================================== */
/* Suite                                                                 */
/* ===================================================================== */

Suite *hll_suite(void);

Suite *hll_suite(void)
{
    Suite *s = suite_create("hll");

    TCase *core = tcase_create("core");
    tcase_add_test(core, test_hash_vectors);
    tcase_add_test(core, test_new_empty);
    tcase_add_test(core, test_small_exact);
    tcase_add_test(core, test_duplicates_and_order);
    tcase_add_test(core, test_merge_is_union);
    tcase_add_test(core, test_merge_algebra);
    tcase_add_test(core, test_merge_few_into_many);
    tcase_add_test(core, test_transition);
    tcase_add_test(core, test_sparse_layout);
    tcase_add_test(core, test_roundtrip);
    tcase_add_test(core, test_memory_and_error);
    tcase_add_test(core, test_union);
    tcase_set_timeout(core, 60);
    suite_add_tcase(s, core);

    TCase *accuracy = tcase_create("accuracy");
    tcase_add_test(accuracy, test_accuracy_1e3);
    tcase_add_test(accuracy, test_accuracy_1e5);
    tcase_add_test(accuracy, test_accuracy_1e6);
    tcase_add_test(accuracy, test_accuracy_union);
    tcase_set_timeout(accuracy, 120);
    suite_add_tcase(s, accuracy);

    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_bad_arguments);
    tcase_add_test(errors, test_decode_lengths);
    tcase_add_test(errors, test_decode_header);
    tcase_add_test(errors, test_decode_registers);
    tcase_add_test(errors, test_decode_sparse);
    tcase_add_test(errors, test_decode_corruption);
    tcase_add_test(errors, test_enomem);
    tcase_add_test(errors, test_union_errors);
    tcase_set_timeout(errors, 60);
    suite_add_tcase(s, errors);

    return s;
}

SKPI_CHECK_MAIN(hll_suite)

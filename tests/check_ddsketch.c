/*
 * check_ddsketch.c -- the quantile sketch of lib/ddsketch.c on its own.
 *
 * core: hand-computed cases (bucket indexes, a single value, zeros, the
 * lower-rank convention, known encoding bytes), merging as the sketch of
 * the union, copies and embedded sketches.
 * accuracy: the relative-error guarantee, on 10^6 log-normal durations
 * (median 40 min, sigma 1.2) at alpha 1 %, 0.1 % and 5 %, and value by
 * value for every integer up to 10^5; the fast index against a long double
 * reference; and the proof of the bound of the log2 polynomial.
 * errors: bad arguments, overflow, every allocation failing, and a
 * decoder that refuses every malformed encoding, leaving everything
 * unchanged.
 *
 * The module's symbols are hidden in the shared library, so the test
 * compiles lib/ddsketch.c in, with -DSKPI__DDS_FAULTS so that the
 * allocation hooks below can fail on demand (see tests/Makefile.am).
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "ddsketch.h"

Suite *ddsketch_suite(void);

/* ===================================================================== */
/* Helpers                                                               */
/* ===================================================================== */

/*
 * Allocation hooks (ddsketch.c is built with -DSKPI__DDS_FAULTS): with
 * fail_after = k >= 0, the k allocations after it is set succeed and every
 * later one fails; -1 never fails.
 */
static long fail_after = -1;

static bool alloc_ok(void)
{
    if (fail_after < 0)
        return true;
    if (fail_after == 0)
        return false;
    fail_after--;
    return true;
}

void *skpi__dds_test_malloc(size_t size)
{
    return alloc_ok() ? malloc(size) : NULL;
}

void *skpi__dds_test_calloc(size_t n, size_t size)
{
    return alloc_ok() ? calloc(n, size) : NULL;
}

/* splitmix64: a fixed-seed generator, so every run sees the same data. */
static uint64_t rng_state;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Uniform in (0, 1]. */
static double rng_unit(void)
{
    return (double)((rng_next() >> 11) + 1) * 0x1p-53;
}

/* A log-normal duration in whole seconds: median `median`, shape sigma
 * (Box-Muller from two uniforms). */
static int64_t lognormal(double median, double sigma)
{
    double z = sqrt(-2.0 * log(rng_unit())) * cos(6.283185307179586 * rng_unit());
    return (int64_t)llround(median * exp(sigma * z));
}

static skpi__dds *sketch(double alpha)
{
    skpi__dds *s = NULL;
    ck_assert_status(skpi__dds_new(alpha, &s), SKPI_OK);
    return s;
}

static skpi__dds *dup_sketch(const skpi__dds *s)
{
    skpi__dds *c = NULL;
    ck_assert_status(skpi__dds_copy(s, &c), SKPI_OK);
    return c;
}

static double quantile(const skpi__dds *s, double q)
{
    double v = -1.0;
    ck_assert_status(skpi__dds_quantile(s, q, &v), SKPI_OK);
    return v;
}

/* The documented rank of quantile q among n values. */
static size_t rank_of(double q, size_t n)
{
    return (size_t)floor(q * (double)(n - 1));
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Encode into a fresh buffer (caller frees). */
static unsigned char *encode(const skpi__dds *s, size_t *len)
{
    size_t need = 0;
    ck_assert_status(skpi__dds_encode(s, NULL, 0, &need), SKPI_EBUFSIZE);
    ck_assert_uint_eq(need, skpi__dds_encoded_size(s));
    unsigned char *buf = malloc(need);
    ck_assert_ptr_nonnull(buf);
    size_t got = 0;
    ck_assert_status(skpi__dds_encode(s, buf, need, &got), SKPI_OK);
    ck_assert_uint_eq(got, need);
    *len = got;
    return buf;
}

/* A value in bucket-spread k: 100 s times 1.1^k, so that different k
 * fall in different buckets at every alpha up to 2 %. */
static int64_t spread(int k)
{
    return (int64_t)llround(100.0 * pow(1.1, k));
}

/*
 * The dense form of s, made by hand (white box: ddsketch.h shows the
 * layout), with a window of exactly [lo, hi]: the twin a sparse sketch is
 * compared with.  Free with skpi__dds_free().
 */
static skpi__dds *dense_twin(const skpi__dds *s)
{
    skpi__dds *d = malloc(sizeof *d);
    ck_assert_ptr_nonnull(d);
    *d = *s;
    d->dense = 1;
    d->npairs = d->pcap = 0;
    d->counts = NULL;
    d->off = 0;
    d->cap = 0;
    if (s->lo <= s->hi) {
        d->off = s->lo;
        d->cap = s->hi - s->lo + 1;
        d->counts = calloc((size_t)d->cap, sizeof *d->counts);
        ck_assert_ptr_nonnull(d->counts);
        for (int32_t i = s->lo; i <= s->hi; i++)
            d->counts[i - s->lo] = skpi__dds_bucket_count(s, i);
    }
    return d;
}

/* a and b hold the same state, whatever their forms: equal both ways, the
 * same encoding byte for byte, the same quantiles. */
static void same_state(const skpi__dds *a, const skpi__dds *b)
{
    static const double qs[] = {0, 0.01, 0.1, 0.25, 0.33, 0.5,
                                0.66, 0.75, 0.9, 0.95, 0.99, 1};
    ck_assert(skpi__dds_equal(a, b));
    ck_assert(skpi__dds_equal(b, a));
    size_t la, lb;
    unsigned char *ea = encode(a, &la), *eb = encode(b, &lb);
    ck_assert_uint_eq(la, lb);
    ck_assert_mem_eq(ea, eb, la);
    free(ea);
    free(eb);
    if (skpi__dds_n(a) == 0)
        return;
    for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++)
        ck_assert(quantile(a, qs[k]) == quantile(b, qs[k]));
}

/* ===================================================================== */
/* core                                                                  */
/* ===================================================================== */

/*
 * Indexes by hand, with a = alpha (1 - 2^-20) and
 * ln gamma = ln((1 + a) / (1 - a)), 0.0200027 at 1 % and 0.100083 at 5 %:
 * ln 2 / 0.0200027 = 34.66 -> 35, ln 3 -> 54.93 -> 55, ln 60 -> 204.71,
 * ln 61 -> 205.54, ln 3600 -> 409.42, ln 86400 -> 568.32,
 * ln(2^33 - 1) -> 1143.66; at 5 %: 6.93 -> 7, 10.98 -> 11, 40.91 -> 41,
 * 41.07 -> 42, 81.82 -> 82, 113.57 -> 114.  None is near a boundary.
 */
START_TEST(test_known_indexes)
{
    skpi__dds *s = sketch(0.01);
    static const int64_t v[] = {1, 2, 3, 60, 61, 3600, 86400, SKPI__DDS_VALUE_MAX};
    static const int32_t at1[] = {0, 35, 55, 205, 206, 410, 569, 1144};
    static const int32_t at5[] = {0, 7, 11, 41, 42, 82, 114, 229};
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
        ck_assert_int_eq(skpi__dds_index(s, v[k]), at1[k]);
    skpi__dds_free(s);
    s = sketch(0.05);
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
        ck_assert_int_eq(skpi__dds_index(s, v[k]), at5[k]);
    skpi__dds_free(s);
}
END_TEST

/* The representative of bucket i is (1 - a) gamma^i, within a of both
 * ends of the bucket. */
START_TEST(test_bucket_values)
{
    skpi__dds *s = sketch(0.01);
    double a = 0.01 - ldexp(0.01, -20);
    double g = (1 + a) / (1 - a);
    ck_assert_double_eq_tol(skpi__dds_bucket_upper(s, 0), 1.0, 1e-15);
    ck_assert_double_eq_tol(skpi__dds_bucket_value(s, 0), 1 - a, 1e-15);
    ck_assert_double_eq_tol(skpi__dds_bucket_upper(s, 410), pow(g, 410), 1e-9);
    double rep = skpi__dds_bucket_value(s, 410);
    ck_assert_double_eq_tol(rep, 2 * pow(g, 410) / (g + 1), 1e-9);
    ck_assert_double_eq_tol(rep / skpi__dds_bucket_upper(s, 410), 1 - a, 1e-12);
    ck_assert_double_eq_tol(rep / skpi__dds_bucket_upper(s, 409), 1 + a, 1e-12);
    skpi__dds_free(s);
}
END_TEST

START_TEST(test_empty)
{
    skpi__dds *s = sketch(SKPI__DDS_ALPHA_DEFAULT);
    int64_t i = -1;
    double d = -1;
    ck_assert_int_eq(skpi__dds_n(s), 0);
    ck_assert_int_eq(skpi__dds_sum(s), 0);
    ck_assert_status(skpi__dds_min(s, &i), SKPI_ENODATA);
    ck_assert_status(skpi__dds_max(s, &i), SKPI_ENODATA);
    ck_assert_status(skpi__dds_mean(s, &d), SKPI_ENODATA);
    ck_assert_status(skpi__dds_quantile(s, 0.5, &d), SKPI_ENODATA);
    ck_assert_int_eq(i, -1);
    ck_assert(d == -1);
    /* Header (10 bytes) and six one-byte zero varints. */
    ck_assert_uint_eq(skpi__dds_encoded_size(s), 16);
    skpi__dds *t = sketch(SKPI__DDS_ALPHA_DEFAULT);
    ck_assert(skpi__dds_equal(s, t));
    ck_assert(!skpi__dds_equal(s, NULL));
    ck_assert(skpi__dds_equal(NULL, NULL));
    skpi__dds_free(t);
    skpi__dds_free(s);
}
END_TEST

START_TEST(test_single_value)
{
    skpi__dds *s = sketch(0.01);
    ck_assert_status(skpi__dds_add(s, 3600), SKPI_OK);
    int64_t i;
    double d;
    ck_assert_int_eq(skpi__dds_n(s), 1);
    ck_assert_int_eq(skpi__dds_sum(s), 3600);
    ck_assert_status(skpi__dds_min(s, &i), SKPI_OK);
    ck_assert_int_eq(i, 3600);
    ck_assert_status(skpi__dds_max(s, &i), SKPI_OK);
    ck_assert_int_eq(i, 3600);
    ck_assert_status(skpi__dds_mean(s, &d), SKPI_OK);
    ck_assert(d == 3600.0);
    ck_assert_int_eq(skpi__dds_bucket_count(s, 410), 1);
    ck_assert_int_eq(skpi__dds_bucket_count(s, 409), 0);
    ck_assert_int_eq(skpi__dds_bucket_count(s, 411), 0);
    /* One value: every rank is rank 0, answered exactly from min. */
    static const double qs[] = {0, 0.01, 0.5, 0.99, 1};
    for (size_t k = 0; k < 5; k++)
        ck_assert(quantile(s, qs[k]) == 3600.0);
    skpi__dds_free(s);
}
END_TEST

START_TEST(test_zeros)
{
    skpi__dds *s = sketch(0.01);
    for (int k = 0; k < 3; k++)
        ck_assert_status(skpi__dds_add(s, 0), SKPI_OK);
    ck_assert_int_eq(skpi__dds_n(s), 3);
    ck_assert_int_eq(skpi__dds_zeros(s), 3);
    ck_assert(quantile(s, 0.5) == 0.0);
    ck_assert(quantile(s, 1) == 0.0);
    ck_assert_status(skpi__dds_add(s, 10), SKPI_OK);
    /* Sorted: 0 0 0 10.  q = 0.5 -> rank floor(1.5) = 1 -> 0; q = 0.7 ->
     * rank 2 -> 0; q = 1 -> rank 3 -> max, exactly. */
    int64_t mn;
    ck_assert_status(skpi__dds_min(s, &mn), SKPI_OK);
    ck_assert_int_eq(mn, 0);
    ck_assert(quantile(s, 0) == 0.0);
    ck_assert(quantile(s, 0.5) == 0.0);
    ck_assert(quantile(s, 0.7) == 0.0);
    ck_assert(quantile(s, 1) == 10.0);
    ck_assert_int_eq(skpi__dds_sum(s), 10);
    skpi__dds_free(s);
}
END_TEST

/* Values 10, 20, 30, 40, 50: the lower rank floor(q * 4). */
START_TEST(test_lower_rank)
{
    skpi__dds *s = sketch(0.01);
    for (int64_t v = 50; v >= 10; v -= 10)
        ck_assert_status(skpi__dds_add(s, v), SKPI_OK);
    ck_assert(quantile(s, 0.0) == 10.0);
    ck_assert(quantile(s, 0.2) == 10.0);   /* rank 0: min, exact */
    double q25 = quantile(s, 0.25);        /* rank 1: 20 */
    ck_assert_double_eq_tol(q25, 20.0, 0.2);
    ck_assert(quantile(s, 0.49) == q25);   /* rank floor(1.96) = 1 */
    ck_assert_double_eq_tol(quantile(s, 0.5), 30.0, 0.3);  /* rank 2 */
    ck_assert_double_eq_tol(quantile(s, 0.9), 40.0, 0.4);  /* rank 3 */
    ck_assert(quantile(s, 1.0) == 50.0);   /* rank 4: max, exact */
    /* The representative of 20's bucket: ln 20 / 0.0200027 = 149.77, so
     * bucket 150, answered by (1 - a) gamma^150 = 19.83. */
    ck_assert_int_eq(skpi__dds_index(s, 20), 150);
    ck_assert(q25 == skpi__dds_bucket_value(s, 150));
    double mean;
    ck_assert_status(skpi__dds_mean(s, &mean), SKPI_OK);
    ck_assert(mean == 30.0);
    skpi__dds_free(s);
}
END_TEST

START_TEST(test_clamped)
{
    /* 1000 copies of 3: at 5 % the bucket of 3 is 11, whose representative
     * is 0.95 gamma^11 = 2.856; the answer is clamped into [min, max]. */
    skpi__dds *s = sketch(0.05);
    ck_assert_status(skpi__dds_add_n(s, 3, 1000), SKPI_OK);
    ck_assert(quantile(s, 0.5) == 3.0); /* clamped to max = min = 3 */
    ck_assert_status(skpi__dds_add(s, 2), SKPI_OK);
    double q = quantile(s, 0.5);
    ck_assert(q <= 3.0 && q >= 2.85);
    skpi__dds_free(s);
}
END_TEST

START_TEST(test_add_n)
{
    skpi__dds *a = sketch(0.01), *b = sketch(0.01);
    for (int k = 0; k < 5; k++) {
        ck_assert_status(skpi__dds_add(a, 60), SKPI_OK);
        ck_assert_status(skpi__dds_add(a, 0), SKPI_OK);
    }
    ck_assert_status(skpi__dds_add_n(b, 0, 2), SKPI_OK);
    ck_assert_status(skpi__dds_add_n(b, 60, 5), SKPI_OK);
    ck_assert_status(skpi__dds_add_n(b, 0, 3), SKPI_OK);
    ck_assert(skpi__dds_equal(a, b));
    ck_assert_int_eq(skpi__dds_sum(b), 300);
    ck_assert_int_eq(skpi__dds_n(b), 10);
    ck_assert_int_eq(skpi__dds_bucket_count(b, 205), 5);
    skpi__dds_free(a);
    skpi__dds_free(b);
}
END_TEST

/* Known bytes: alpha 0.01 holding 0, 1 and 2. */
START_TEST(test_encode_bytes)
{
    skpi__dds *s = sketch(0.01);
    ck_assert_status(skpi__dds_add(s, 2), SKPI_OK);
    ck_assert_status(skpi__dds_add(s, 0), SKPI_OK);
    ck_assert_status(skpi__dds_add(s, 1), SKPI_OK);
    static const unsigned char want[] = {
        0x01, 0x00,                                     /* version, flags */
        0x7b, 0x14, 0xae, 0x47, 0xe1, 0x7a, 0x84, 0x3f, /* 0.01, LE */
        0x03, 0x03, 0x00, 0x02, 0x01,                   /* n sum min max zeros */
        0x02,                                           /* 2 buckets */
        0x00, 0x01,                                     /* index 0: 1 */
        0x23, 0x01,                                     /* index 35: 1 */
    };
    size_t len;
    unsigned char *buf = encode(s, &len);
    ck_assert_uint_eq(len, sizeof want);
    ck_assert_mem_eq(buf, want, sizeof want);
    free(buf);

    /* Multi-byte varints: 200 seconds x 300 -> count 300 = 0xac 0x02. */
    skpi__dds *t = sketch(0.01);
    ck_assert_status(skpi__dds_add_n(t, 200, 300), SKPI_OK);
    buf = encode(t, &len);
    /* n = 300, sum = 60000, min = max = 200, zeros 0, 1 bucket at
     * index ceil(ln 200 / 0.0200027) = 265. */
    static const unsigned char tail[] = {
        0xac, 0x02, 0xe0, 0xd4, 0x03, 0xc8, 0x01, 0xc8, 0x01, 0x00,
        0x01, 0x89, 0x02, 0xac, 0x02,
    };
    ck_assert_int_eq(skpi__dds_index(t, 200), 265);
    ck_assert_uint_eq(len, SKPI__DDS_HEADER_SIZE + sizeof tail);
    ck_assert_mem_eq(buf + SKPI__DDS_HEADER_SIZE, tail, sizeof tail);
    free(buf);
    skpi__dds_free(t);
    skpi__dds_free(s);
}
END_TEST

/* Fill `s` with n log-normal durations and a few zeros. */
static void fill(skpi__dds *s, size_t n, double median)
{
    for (size_t k = 0; k < n; k++) {
        int64_t v = k % 97 == 0 ? 0 : lognormal(median, 1.2);
        if (skpi__dds_add(s, v) != SKPI_OK)
            ck_abort_msg("add %lld", (long long)v);
    }
}

START_TEST(test_merge_is_union)
{
    rng_state = 7;
    skpi__dds *a = sketch(0.01), *b = sketch(0.01), *all = sketch(0.01);
    /* Different medians, so that b's range sticks out on both sides. */
    uint64_t saved = rng_state;
    fill(a, 5000, 2400);
    fill(b, 3000, 90000);
    fill(b, 300, 5);
    rng_state = saved;
    fill(all, 5000, 2400);
    fill(all, 3000, 90000);
    fill(all, 300, 5);
    ck_assert(!skpi__dds_equal(a, all));

    skpi__dds *ab = dup_sketch(a);
    ck_assert_status(skpi__dds_merge(ab, b), SKPI_OK);
    ck_assert(skpi__dds_equal(ab, all));
    ck_assert_int_eq(skpi__dds_n(ab), 8300);
    ck_assert_int_eq(skpi__dds_sum(ab), skpi__dds_sum(a) + skpi__dds_sum(b));

    /* Into an empty sketch, and an empty source. */
    skpi__dds *e = sketch(0.01), *none = sketch(0.01);
    ck_assert_status(skpi__dds_merge(e, a), SKPI_OK);
    ck_assert(skpi__dds_equal(e, a));
    ck_assert_status(skpi__dds_merge(e, none), SKPI_OK);
    ck_assert(skpi__dds_equal(e, a));

    /* Into itself: every count doubles. */
    skpi__dds *twice = dup_sketch(a);
    ck_assert_status(skpi__dds_merge(twice, a), SKPI_OK);
    ck_assert_status(skpi__dds_merge(e, e), SKPI_OK);
    ck_assert(skpi__dds_equal(e, twice));
    ck_assert_int_eq(skpi__dds_n(e), 2 * skpi__dds_n(a));

    /* Merging does not disturb the source. */
    skpi__dds *b2 = dup_sketch(b);
    ck_assert_status(skpi__dds_merge(a, b), SKPI_OK);
    ck_assert(skpi__dds_equal(b, b2));

    skpi__dds_free(a);
    skpi__dds_free(b);
    skpi__dds_free(b2);
    skpi__dds_free(ab);
    skpi__dds_free(all);
    skpi__dds_free(e);
    skpi__dds_free(none);
    skpi__dds_free(twice);
}
END_TEST

START_TEST(test_merge_laws)
{
    rng_state = 11;
    skpi__dds *a = sketch(0.02), *b = sketch(0.02), *c = sketch(0.02);
    fill(a, 2000, 60);
    fill(b, 2000, 7200);
    fill(c, 500, 400000);

    skpi__dds *ab = dup_sketch(a), *ba = dup_sketch(b);
    ck_assert_status(skpi__dds_merge(ab, b), SKPI_OK);
    ck_assert_status(skpi__dds_merge(ba, a), SKPI_OK);
    ck_assert(skpi__dds_equal(ab, ba)); /* commutative */

    skpi__dds *ab_c = dup_sketch(ab), *bc = dup_sketch(b);
    ck_assert_status(skpi__dds_merge(ab_c, c), SKPI_OK);
    ck_assert_status(skpi__dds_merge(bc, c), SKPI_OK);
    skpi__dds *a_bc = dup_sketch(a);
    ck_assert_status(skpi__dds_merge(a_bc, bc), SKPI_OK);
    ck_assert(skpi__dds_equal(ab_c, a_bc)); /* associative */

    /* Equal states encode to the same bytes, however they were built and
     * however much each has reserved. */
    size_t l1, l2;
    unsigned char *e1 = encode(ab_c, &l1), *e2 = encode(a_bc, &l2);
    ck_assert_uint_eq(l1, l2);
    ck_assert_mem_eq(e1, e2, l1);
    free(e1);
    free(e2);

    skpi__dds *all[] = {a, b, c, ab, ba, ab_c, bc, a_bc};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
        skpi__dds_free(all[k]);
}
END_TEST

/*
 * The sparse form: up to SKPI__DDS_SPARSE_MAX buckets as pairs, then the
 * dense window; at every step the state is that of the dense twin.
 */
START_TEST(test_sparse_transition)
{
    skpi__dds *s = sketch(0.01);
    ck_assert(!s->dense);
    ck_assert_ptr_null(s->pairs);
    /* Zeros need no pair. */
    ck_assert_status(skpi__dds_add(s, 0), SKPI_OK);
    ck_assert_ptr_null(s->pairs);
    for (int k = 0; k <= SKPI__DDS_SPARSE_MAX; k++) {
        /* From the top down, so that each new pair goes first. */
        int64_t v = spread(SKPI__DDS_SPARSE_MAX - k);
        ck_assert_status(skpi__dds_add(s, v), SKPI_OK);
        /* A second value in the same bucket adds no pair. */
        ck_assert_status(skpi__dds_add_n(s, v, 3), SKPI_OK);
        ck_assert_int_eq(skpi__dds_bucket_count(s, skpi__dds_index(s, v)), 4);
        if (k < SKPI__DDS_SPARSE_MAX) {
            ck_assert(!s->dense);
            ck_assert_int_eq(s->npairs, k + 1);
            ck_assert_int_le(s->npairs, s->pcap);
            ck_assert_int_eq(s->cap, 0);
        } else {
            ck_assert(s->dense); /* one bucket too many */
        }
        skpi__dds *twin = dense_twin(s);
        same_state(s, twin);
        skpi__dds_free(twin);
    }
    ck_assert_int_eq(skpi__dds_n(s), 1 + 4 * (SKPI__DDS_SPARSE_MAX + 1));
    ck_assert_int_eq(skpi__dds_min(s, &(int64_t){0}), SKPI_OK);
    ck_assert_int_eq(s->lo, skpi__dds_index(s, spread(0)));
    ck_assert_int_eq(s->hi, skpi__dds_index(s, spread(SKPI__DDS_SPARSE_MAX)));
    /* Known quantiles: rank 0 is the zero, the lower median the bucket of
     * spread(8) (ranks 1..4 are spread(0), ...). */
    ck_assert(quantile(s, 0) == 0);
    ck_assert(quantile(s, 1) == (double)spread(SKPI__DDS_SPARSE_MAX));
    double med = quantile(s, 0.5);
    ck_assert(fabs(med - (double)spread(8)) <= 0.01 * (double)spread(8));

    /* Decoding gives the sparse form back for few buckets, and a copy
     * keeps its source's form. */
    skpi__dds *few = sketch(0.01), *d = NULL, *c = NULL;
    for (int k = 0; k < 5; k++)
        ck_assert_status(skpi__dds_add(few, spread(3 * k)), SKPI_OK);
    size_t len;
    unsigned char *buf = encode(few, &len);
    ck_assert_status(skpi__dds_decode(buf, len, &d), SKPI_OK);
    ck_assert(!d->dense);
    ck_assert_int_eq(d->npairs, 5);
    same_state(few, d);
    free(buf);
    buf = encode(s, &len);
    skpi__dds *dd = NULL;
    ck_assert_status(skpi__dds_decode(buf, len, &dd), SKPI_OK);
    ck_assert(dd->dense);
    same_state(s, dd);
    ck_assert_status(skpi__dds_copy(few, &c), SKPI_OK);
    ck_assert(!c->dense);
    same_state(few, c);
    free(buf);
    skpi__dds *all[] = {s, few, d, dd, c};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
        skpi__dds_free(all[k]);
}
END_TEST

/* Add values v[0..n) to s. */
static void add_all(skpi__dds *s, const int64_t *v, int n)
{
    for (int k = 0; k < n; k++)
        ck_assert_status(skpi__dds_add(s, v[k]), SKPI_OK);
}

/*
 * Merges across forms: sparse into sparse (staying sparse or not), sparse
 * into dense, dense into sparse, a sparse sketch into itself.  Each
 * result is the state of the sketch fed every value, and the same when
 * either side is replaced by its dense twin.
 */
START_TEST(test_sparse_merge)
{
    rng_state = 29;
    for (int trial = 0; trial < 400; trial++) {
        int64_t va[40], vb[40];
        int na = (int)(rng_next() % 30), nb = (int)(rng_next() % 30);
        /* Few distinct buckets or many, overlapping or not. */
        int span = 1 + (int)(rng_next() % 40), shift = (int)(rng_next() % 20);
        for (int k = 0; k < na; k++)
            va[k] = rng_next() % 8 == 0 ? 0 : spread((int)(rng_next() % (uint64_t)span));
        for (int k = 0; k < nb; k++)
            vb[k] = spread(shift + (int)(rng_next() % (uint64_t)span));
        skpi__dds *a = sketch(0.01), *b = sketch(0.01), *all = sketch(0.01);
        add_all(a, va, na);
        add_all(b, vb, nb);
        add_all(all, va, na);
        add_all(all, vb, nb);

        skpi__dds *ta = dense_twin(a), *tb = dense_twin(b);
        skpi__dds *m[4] = {dup_sketch(a), dup_sketch(a), ta, dense_twin(a)};
        ck_assert_status(skpi__dds_merge(m[0], b), SKPI_OK);
        ck_assert_status(skpi__dds_merge(m[1], tb), SKPI_OK);
        ck_assert_status(skpi__dds_merge(m[2], b), SKPI_OK);
        ck_assert_status(skpi__dds_merge(m[3], tb), SKPI_OK);
        for (int k = 0; k < 4; k++)
            same_state(m[k], all);
        /* Two sparse sketches stay sparse exactly when their buckets fit. */
        if (!a->dense && !b->dense) {
            int distinct = 0;
            for (int32_t i = 0; i <= all->index_max; i++)
                distinct += skpi__dds_bucket_count(all, i) > 0;
            ck_assert_int_eq(!m[0]->dense, distinct <= SKPI__DDS_SPARSE_MAX);
        }
        /* Into itself: as every value added twice. */
        skpi__dds *twice = sketch(0.01);
        add_all(twice, va, na);
        add_all(twice, va, na);
        ck_assert_status(skpi__dds_merge(a, a), SKPI_OK);
        same_state(a, twice);
        skpi__dds *all_of[] = {a, b, all, tb, m[0], m[1], m[2], m[3], twice};
        for (size_t k = 0; k < sizeof all_of / sizeof all_of[0]; k++)
            skpi__dds_free(all_of[k]);
    }
}
END_TEST

/* A pair holds a 32-bit count: one that would pass it turns the sketch
 * dense, with nothing lost. */
START_TEST(test_sparse_big_counts)
{
    const int64_t big = (int64_t)UINT32_MAX;
    skpi__dds *s = sketch(0.01), *t = sketch(0.01);
    ck_assert_status(skpi__dds_add_n(s, 60, big), SKPI_OK);
    ck_assert(!s->dense);
    ck_assert_status(skpi__dds_add(s, 60), SKPI_OK);
    ck_assert(s->dense);
    ck_assert_int_eq(skpi__dds_bucket_count(s, skpi__dds_index(s, 60)), big + 1);
    /* Straight into a new pair, and through a merge of two sparse. */
    ck_assert_status(skpi__dds_add_n(t, 61, big + 1), SKPI_OK);
    ck_assert(t->dense);
    skpi__dds *u = sketch(0.01), *v = sketch(0.01);
    ck_assert_status(skpi__dds_add_n(u, 3600, big), SKPI_OK);
    ck_assert_status(skpi__dds_add_n(v, 3600, 2), SKPI_OK);
    ck_assert_status(skpi__dds_add(v, 60), SKPI_OK);
    ck_assert_status(skpi__dds_merge(u, v), SKPI_OK);
    ck_assert(u->dense);
    ck_assert_int_eq(skpi__dds_bucket_count(u, skpi__dds_index(u, 3600)), big + 2);
    ck_assert_int_eq(skpi__dds_n(u), big + 3);
    /* The decoder picks the dense form for such a count. */
    size_t len;
    unsigned char *buf = encode(u, &len);
    skpi__dds *d = NULL;
    ck_assert_status(skpi__dds_decode(buf, len, &d), SKPI_OK);
    ck_assert(d->dense);
    same_state(u, d);
    free(buf);
    skpi__dds_free(s);
    skpi__dds_free(t);
    skpi__dds_free(u);
    skpi__dds_free(v);
    skpi__dds_free(d);
}
END_TEST

START_TEST(test_copy_independent)
{
    rng_state = 3;
    skpi__dds *a = sketch(0.01);
    fill(a, 1000, 2400);
    skpi__dds *b = dup_sketch(a);
    ck_assert(skpi__dds_equal(a, b));
    ck_assert_status(skpi__dds_add(b, 1), SKPI_OK);
    ck_assert(!skpi__dds_equal(a, b));
    ck_assert_int_eq(skpi__dds_n(a), 1000);
    /* The copy holds exactly the non-empty range, and still grows. */
    ck_assert_status(skpi__dds_add(b, SKPI__DDS_VALUE_MAX), SKPI_OK);
    ck_assert_int_eq(skpi__dds_n(b), 1002);
    skpi__dds *e = sketch(0.01), *ec = dup_sketch(e);
    ck_assert(skpi__dds_equal(e, ec));
    skpi__dds_free(e);
    skpi__dds_free(ec);
    skpi__dds_free(a);
    skpi__dds_free(b);
}
END_TEST

START_TEST(test_embedded)
{
    skpi__dds arr[3];
    for (int k = 0; k < 3; k++)
        ck_assert_status(skpi__dds_init(&arr[k], 0.01), SKPI_OK);
    ck_assert_status(skpi__dds_add(&arr[1], 42), SKPI_OK);
    ck_assert_status(skpi__dds_merge(&arr[0], &arr[1]), SKPI_OK);
    ck_assert(skpi__dds_equal(&arr[0], &arr[1]));
    ck_assert(skpi__dds_alpha(&arr[2]) == 0.01);
    for (int k = 0; k < 3; k++)
        skpi__dds_fini(&arr[k]);
    skpi__dds_fini(NULL);
    skpi__dds_free(NULL);
    /* Re-initialise after fini. */
    ck_assert_status(skpi__dds_init(&arr[0], 0.05), SKPI_OK);
    ck_assert_status(skpi__dds_add(&arr[0], 7), SKPI_OK);
    skpi__dds_fini(&arr[0]);
}
END_TEST

START_TEST(test_roundtrip)
{
    rng_state = 5;
    static const double alphas[] = {0.0001, 0.01, 0.05};
    for (size_t k = 0; k < 3; k++) {
        skpi__dds *s = sketch(alphas[k]);
        for (int round = 0; round < 3; round++) {
            size_t len;
            unsigned char *buf = encode(s, &len);
            skpi__dds *d = NULL;
            ck_assert_status(skpi__dds_decode(buf, len, &d), SKPI_OK);
            ck_assert(skpi__dds_equal(s, d));
            size_t len2;
            unsigned char *buf2 = encode(d, &len2);
            ck_assert_uint_eq(len, len2);
            ck_assert_mem_eq(buf, buf2, len);
            /* The decoded sketch keeps working. */
            ck_assert_status(skpi__dds_add(d, 12345), SKPI_OK);
            ck_assert_status(skpi__dds_merge(d, s), SKPI_OK);
            skpi__dds_free(d);

            skpi__dds e;
            ck_assert_status(skpi__dds_decode_init(&e, buf, len), SKPI_OK);
            ck_assert(skpi__dds_equal(s, &e));
            skpi__dds_fini(&e);
            free(buf);
            free(buf2);
            /* Empty, then with zeros only, then a full spread. */
            if (round == 0)
                ck_assert_status(skpi__dds_add_n(s, 0, 4), SKPI_OK);
            else
                fill(s, 3000, 2400);
        }
        skpi__dds_free(s);
    }
}
END_TEST

START_TEST(test_encode_bufsize)
{
    skpi__dds *s = sketch(0.01);
    ck_assert_status(skpi__dds_add(s, 100), SKPI_OK);
    size_t size = skpi__dds_encoded_size(s), len = 0;
    unsigned char buf[64];
    memset(buf, 0xee, sizeof buf);
    ck_assert_status(skpi__dds_encode(s, buf, size - 1, &len), SKPI_EBUFSIZE);
    ck_assert_uint_eq(len, size);
    for (size_t k = 0; k < sizeof buf; k++)
        ck_assert_uint_eq(buf[k], 0xee);
    ck_assert_status(skpi__dds_encode(s, buf, sizeof buf, NULL), SKPI_OK);
    ck_assert_status(skpi__dds_encode(NULL, buf, sizeof buf, &len), SKPI_EINVAL);
    skpi__dds_free(s);
}
END_TEST

/* ===================================================================== */
/* accuracy                                                              */
/* ===================================================================== */

#define N_ACC 1000000

static int64_t *acc_values; /* N_ACC log-normal durations, sorted */

static void acc_setup(void)
{
    acc_values = malloc(N_ACC * sizeof *acc_values);
    ck_assert_ptr_nonnull(acc_values);
    rng_state = 20240310;
    for (size_t k = 0; k < N_ACC; k++)
        acc_values[k] = lognormal(2400.0, 1.2);
}

static void acc_teardown(void)
{
    free(acc_values);
    acc_values = NULL;
}

static const double acc_q[] = {0,    0.01, 0.1,  0.25,  0.5, 0.75,
                               0.9,  0.95, 0.99, 0.999, 1};

/*
 * 10^6 durations, median 40 min, sigma 1.2 (from about 10 s to about
 * 10 days): every asked quantile is within alpha of the exact value at the
 * same rank.  Values are fed in generation order, then sorted for the
 * exact answers.
 */
START_TEST(test_lognormal)
{
    static const double alphas[] = {0.01, 0.001, 0.05};
    double alpha = alphas[_i];
    skpi__dds *s = sketch(alpha);
    int64_t sum = 0;
    for (size_t k = 0; k < N_ACC; k++) {
        if (skpi__dds_add(s, acc_values[k]) != SKPI_OK)
            ck_abort_msg("add %lld", (long long)acc_values[k]);
        sum += acc_values[k];
    }
    int64_t *sorted = malloc(N_ACC * sizeof *sorted);
    ck_assert_ptr_nonnull(sorted);
    memcpy(sorted, acc_values, N_ACC * sizeof *sorted);
    qsort(sorted, N_ACC, sizeof *sorted, cmp_i64);

    ck_assert_int_eq(skpi__dds_n(s), N_ACC);
    ck_assert_int_eq(skpi__dds_sum(s), sum);
    int64_t mn, mx;
    ck_assert_status(skpi__dds_min(s, &mn), SKPI_OK);
    ck_assert_status(skpi__dds_max(s, &mx), SKPI_OK);
    ck_assert_int_eq(mn, sorted[0]);
    ck_assert_int_eq(mx, sorted[N_ACC - 1]);
    double mean;
    ck_assert_status(skpi__dds_mean(s, &mean), SKPI_OK);
    ck_assert(mean == (double)sum / N_ACC);
    /* The data set is what the header comment says. */
    ck_assert(sorted[N_ACC / 2] > 2300 && sorted[N_ACC / 2] < 2500);

    for (size_t k = 0; k < sizeof acc_q / sizeof acc_q[0]; k++) {
        double exact = (double)sorted[rank_of(acc_q[k], N_ACC)];
        double got = quantile(s, acc_q[k]);
        ck_assert_msg(fabs(got - exact) <= alpha * exact,
                      "alpha %g q %g: got %.6f, exact %.0f, error %.3g", alpha,
                      acc_q[k], got, exact, fabs(got - exact) / exact);
    }
    /* Ranks 0 and n - 1 are exact. */
    ck_assert(quantile(s, 0) == (double)sorted[0]);
    ck_assert(quantile(s, 1) == (double)sorted[N_ACC - 1]);
    free(sorted);
    skpi__dds_free(s);
}
END_TEST

/* Every rank of a small data set with many ties, including zeros. */
START_TEST(test_every_rank)
{
    enum { N = 1500 };
    int64_t v[N];
    rng_state = 99;
    skpi__dds *s = sketch(0.01);
    for (size_t k = 0; k < N; k++) {
        v[k] = k % 50 == 0 ? 0 : (int64_t)(rng_next() % 5000) + (k % 3 == 0 ? 0 : 100000);
        ck_assert_status(skpi__dds_add(s, v[k]), SKPI_OK);
    }
    qsort(v, N, sizeof v[0], cmp_i64);
    for (size_t k = 0; k <= 1000; k++) {
        double q = (double)k / 1000.0;
        double exact = (double)v[rank_of(q, N)];
        double got = quantile(s, q);
        ck_assert_msg(fabs(got - exact) <= 0.01 * exact, "q %g: %g vs %g", q,
                      got, exact);
    }
    skpi__dds_free(s);
}
END_TEST

/*
 * The guarantee value by value: every integer 1..10^5, and 10^5 random
 * values up to the maximum, is answered by its bucket's representative
 * within alpha -- strictly, rounding included ("A hair tighter").
 */
START_TEST(test_every_value)
{
    static const double alphas[] = {0.0001, 0.001, 0.01, 0.05};
    double alpha = alphas[_i];
    skpi__dds *s = sketch(alpha);
    rng_state = 17;
    for (int64_t k = 1; k <= 200000; k++) {
        int64_t v = k <= 100000 ? k : (int64_t)(rng_next() % (uint64_t)SKPI__DDS_VALUE_MAX) + 1;
        int32_t i = skpi__dds_index(s, v);
        double rep = skpi__dds_bucket_value(s, i);
        /* (Plain tests in the loop: each ck_assert costs a write.) */
        if (i < 0 || i > s->index_max || !(fabs(rep - (double)v) <= alpha * (double)v))
            ck_abort_msg("alpha %g v %lld: bucket %d rep %.17g", alpha,
                         (long long)v, i, rep);
    }
    skpi__dds_free(s);
}
END_TEST

/*
 * The fast index is exactly ceil(log_gamma(v)), checked against long
 * double logarithms wherever the reference is clearly away from an integer
 * (farther than 1e-9), and is monotone.
 */
START_TEST(test_index_exact)
{
    static const double alphas[] = {0.0001, 0.01, 0.05};
    double alpha = alphas[_i];
    skpi__dds *s = sketch(alpha);
    long double a = (long double)(alpha - ldexp(alpha, -20));
    long double lng = log1pl(a) - log1pl(-a);
    rng_state = 23;
    int32_t prev = 0;
    size_t checked = 0;
    for (int64_t k = 1; k <= 300000; k++) {
        int64_t v = k <= 200000 ? k : (int64_t)(rng_next() % (uint64_t)SKPI__DDS_VALUE_MAX) + 1;
        int32_t i = skpi__dds_index(s, v);
        if (k <= 200000) {
            if (i < prev)
                ck_abort_msg("alpha %g: index(%lld) < index(%lld)", alpha,
                             (long long)v, (long long)v - 1);
            prev = i;
        }
        long double y = logl((long double)v) / lng;
        long double c = ceill(y);
        int32_t want = (int32_t)c;
        if (v == 1 || (c - y > 1e-9L && y - (c - 1) > 1e-9L)) {
            if (i != want)
                ck_abort_msg("alpha %g v %lld: %d, want %d", alpha,
                             (long long)v, i, want);
            checked++;
        } else if (i < want - 1 || i > want + 1) {
            ck_abort_msg("alpha %g v %lld: %d, near %d", alpha, (long long)v,
                         i, want);
        }
    }
    ck_assert_uint_gt(checked, 299000);
    skpi__dds_free(s);
}
END_TEST

/*
 * The proof of |log2 estimate - log2(m)| <= SKPI__DDS_LOG2_ERR ("The fast
 * index").  For P on [0, L], L = 1/16, with err = log2(1 + x) - P(x):
 *   |err''| <= 1/ln 2 + sum_j (j+1) j |c_j| L^(j-1) = D2,
 *   |err'|  <= max over the grid + D2 h / 2 = D1,
 *   |err|   <= max over the grid + D1 h / 2,
 * since every point of [0, L] is within h / 2 of a grid point (step
 * h = 2^-20).  The table entries add at most an ulp: 1/c_j is checked to
 * be the correctly rounded quotient, log2(c_j) to be within an ulp of
 * libm's log2.
 */
START_TEST(test_log2_bound)
{
    const double *c = skpi__dds_poly;
    const double top = 1.0 / SKPI__DDS_TABLE_LEN, h = 0x1p-20;
    double d2 = 1.0 / log(2.0);
    for (int j = 1; j < SKPI__DDS_POLY_TERMS; j++)
        d2 += (j + 1) * j * fabs(c[j]) * pow(top, j - 1);
    double m1 = 0, m0 = 0;
    for (int k = 0; k <= (int)(top / h); k++) {
        double x = k * h;
        double dp = 0;
        for (int j = SKPI__DDS_POLY_TERMS - 1; j >= 0; j--)
            dp = dp * x + (j + 1) * c[j];
        double e1 = fabs(1.0 / ((1.0 + x) * log(2.0)) - dp);
        double e0 = fabs(skpi__dds_log2p(x) - log2(1.0 + x));
        if (e1 > m1)
            m1 = e1;
        if (e0 > m0)
            m0 = e0;
    }
    double d1 = m1 + d2 * h / 2;
    double bound = m0 + d1 * h / 2;
    /* The figure quoted in ddsketch.c, and room below the bound the index
     * relies on for the tables and the rounding of the evaluation. */
    ck_assert_msg(bound < 1.53e-7, "proved %g", bound);
    ck_assert(bound + 1e-14 <= SKPI__DDS_LOG2_ERR);
    /* P(0) = 0 exactly, so table points are as exact as the table. */
    ck_assert(skpi__dds_log2p(0.0) == 0.0);

    for (int j = 0; j < SKPI__DDS_TABLE_LEN; j++) {
        double cj = 1.0 + (double)j / SKPI__DDS_TABLE_LEN;
        ck_assert(skpi__dds_rcp[j] == 1.0 / cj);
        double l = log2(cj);
        ck_assert_msg(fabs(skpi__dds_log2c[j] - l) <= 0x1p-53,
                      "log2c[%d] = %a, libm %a", j, skpi__dds_log2c[j], l);
    }
    /* The whole approximation, sampled over [1, 2) and beyond. */
    rng_state = 41;
    for (int k = 0; k < 100000; k++) {
        double d = 1.0 + (double)(rng_next() >> 11) * 0x1p-53;
        d = ldexp(d, k % 34);
        double err = fabs(skpi__dds_log2m(d) - log2(d));
        if (!(err <= SKPI__DDS_LOG2_ERR))
            ck_abort_msg("log2m(%a) off by %g", d, err);
    }
}
END_TEST

/* ===================================================================== */
/* errors                                                                */
/* ===================================================================== */

START_TEST(test_bad_alpha)
{
    static const double bad[] = {0, -0.01, 0.00009, 0.0501, 0.5, 1, 2};
    skpi__dds *s = NULL, t;
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        ck_assert_status(skpi__dds_new(bad[k], &s), SKPI_EOPTION);
        ck_assert_status(skpi__dds_init(&t, bad[k]), SKPI_EOPTION);
    }
    ck_assert_status(skpi__dds_new(NAN, &s), SKPI_EOPTION);
    ck_assert_status(skpi__dds_new(INFINITY, &s), SKPI_EOPTION);
    ck_assert_ptr_null(s);
    ck_assert_status(skpi__dds_new(0.01, NULL), SKPI_EINVAL);
    ck_assert_status(skpi__dds_init(NULL, 0.01), SKPI_EINVAL);
    ck_assert_status(skpi__dds_new(SKPI__DDS_ALPHA_MIN, &s), SKPI_OK);
    skpi__dds_free(s);
    ck_assert_status(skpi__dds_new(SKPI__DDS_ALPHA_MAX, &s), SKPI_OK);
    skpi__dds_free(s);
}
END_TEST

START_TEST(test_bad_values)
{
    skpi__dds *s = sketch(0.01);
    ck_assert_status(skpi__dds_add(s, 500), SKPI_OK);
    skpi__dds *before = dup_sketch(s);
    ck_assert_status(skpi__dds_add(s, -1), SKPI_EINVAL);
    ck_assert_status(skpi__dds_add(s, INT64_MIN), SKPI_EINVAL);
    ck_assert_status(skpi__dds_add(s, SKPI__DDS_VALUE_MAX + 1), SKPI_EINVAL);
    ck_assert_status(skpi__dds_add(s, INT64_MAX), SKPI_EINVAL);
    ck_assert_status(skpi__dds_add_n(s, 5, 0), SKPI_ECOUNT);
    ck_assert_status(skpi__dds_add_n(s, 5, -3), SKPI_ECOUNT);
    ck_assert_status(skpi__dds_add_n(s, -5, 3), SKPI_EINVAL);
    ck_assert_status(skpi__dds_add(NULL, 5), SKPI_EINVAL);
    ck_assert_status(skpi__dds_add_n(NULL, 5, 1), SKPI_EINVAL);
    ck_assert(skpi__dds_equal(s, before));
    ck_assert_status(skpi__dds_add(s, SKPI__DDS_VALUE_MAX), SKPI_OK);
    int64_t mx;
    ck_assert_status(skpi__dds_max(s, &mx), SKPI_OK);
    ck_assert_int_eq(mx, SKPI__DDS_VALUE_MAX);
    skpi__dds_free(before);
    skpi__dds_free(s);
}
END_TEST

START_TEST(test_overflow)
{
    skpi__dds *s = sketch(0.01);
    /* (2^33 - 1) 2^30 = 2^63 - 2^30 fits; 2^33 more does not. */
    ck_assert_status(skpi__dds_add_n(s, SKPI__DDS_VALUE_MAX, INT64_C(1) << 30), SKPI_OK);
    skpi__dds *before = dup_sketch(s);
    ck_assert_status(skpi__dds_add(s, SKPI__DDS_VALUE_MAX), SKPI_EOVERFLOW);
    ck_assert_status(skpi__dds_add_n(s, 2, INT64_MAX / 2), SKPI_EOVERFLOW);
    ck_assert(skpi__dds_equal(s, before));
    /* A small value still fits. */
    ck_assert_status(skpi__dds_add(s, 1), SKPI_OK);

    /* v * count overflows before the sum does. */
    skpi__dds *t = sketch(0.01);
    ck_assert_status(skpi__dds_add_n(t, 3, INT64_MAX / 2), SKPI_EOVERFLOW);
    ck_assert_int_eq(skpi__dds_n(t), 0);
    /* n overflows on zeros, whose sum is 0. */
    ck_assert_status(skpi__dds_add_n(t, 0, INT64_MAX), SKPI_OK);
    ck_assert_status(skpi__dds_add(t, 0), SKPI_EOVERFLOW);
    ck_assert_int_eq(skpi__dds_n(t), INT64_MAX);
    /* The quantile of INT64_MAX zeros: rank arithmetic stays in range. */
    ck_assert(quantile(t, 1) == 0.0);
    ck_assert(quantile(t, 0.999999) == 0.0);

    /* Merge refuses an overflowing n or sum and leaves dst as it was. */
    skpi__dds *u = dup_sketch(before);
    ck_assert_status(skpi__dds_merge(u, before), SKPI_EOVERFLOW);
    ck_assert(skpi__dds_equal(u, before));
    ck_assert_status(skpi__dds_merge(t, before), SKPI_EOVERFLOW);
    ck_assert_int_eq(skpi__dds_n(t), INT64_MAX);
    skpi__dds_free(u);
    skpi__dds_free(t);
    skpi__dds_free(before);
    skpi__dds_free(s);
}
END_TEST

START_TEST(test_bad_merge)
{
    skpi__dds *a = sketch(0.01), *b = sketch(0.02);
    ck_assert_status(skpi__dds_add(a, 10), SKPI_OK);
    ck_assert_status(skpi__dds_add(b, 20), SKPI_OK);
    skpi__dds *before = dup_sketch(a);
    ck_assert_status(skpi__dds_merge(a, b), SKPI_EOPTION);
    ck_assert_status(skpi__dds_merge(a, NULL), SKPI_EINVAL);
    ck_assert_status(skpi__dds_merge(NULL, a), SKPI_EINVAL);
    ck_assert(skpi__dds_equal(a, before));
    ck_assert(!skpi__dds_equal(a, b));
    skpi__dds *out = NULL;
    ck_assert_status(skpi__dds_copy(NULL, &out), SKPI_EINVAL);
    ck_assert_status(skpi__dds_copy(a, NULL), SKPI_EINVAL);
    skpi__dds_free(before);
    skpi__dds_free(a);
    skpi__dds_free(b);
}
END_TEST

START_TEST(test_bad_queries)
{
    skpi__dds *s = sketch(0.01);
    ck_assert_status(skpi__dds_add(s, 10), SKPI_OK);
    double d = 7;
    int64_t i = 7;
    ck_assert_status(skpi__dds_quantile(s, -0.01, &d), SKPI_EINVAL);
    ck_assert_status(skpi__dds_quantile(s, 1.01, &d), SKPI_EINVAL);
    ck_assert_status(skpi__dds_quantile(s, NAN, &d), SKPI_EINVAL);
    ck_assert_status(skpi__dds_quantile(s, INFINITY, &d), SKPI_EINVAL);
    ck_assert_status(skpi__dds_quantile(s, 0.5, NULL), SKPI_EINVAL);
    ck_assert_status(skpi__dds_quantile(NULL, 0.5, &d), SKPI_EINVAL);
    ck_assert_status(skpi__dds_mean(s, NULL), SKPI_EINVAL);
    ck_assert_status(skpi__dds_mean(NULL, &d), SKPI_EINVAL);
    ck_assert_status(skpi__dds_min(s, NULL), SKPI_EINVAL);
    ck_assert_status(skpi__dds_max(NULL, &i), SKPI_EINVAL);
    ck_assert(d == 7);
    ck_assert_int_eq(i, 7);
    skpi__dds_free(s);
}
END_TEST

/*
 * Every allocation that can fail, failing: the call reports SKPI_ENOMEM
 * and nothing changes; the same call succeeds once memory is back.
 */
START_TEST(test_enomem)
{
    skpi__dds *s = NULL;
    fail_after = 0;
    ck_assert_status(skpi__dds_new(0.01, &s), SKPI_ENOMEM);
    ck_assert_ptr_null(s);
    fail_after = -1;
    s = sketch(0.01);

    /* The first non-zero value allocates the sparse form's pairs; zeros
     * never do. */
    fail_after = 0;
    ck_assert_status(skpi__dds_add(s, 0), SKPI_OK);
    ck_assert_status(skpi__dds_add(s, 60), SKPI_ENOMEM);
    ck_assert_int_eq(skpi__dds_n(s), 1);
    ck_assert_int_eq(skpi__dds_sum(s), 0);
    fail_after = -1;
    ck_assert_status(skpi__dds_add(s, 60), SKPI_OK);

    /* More pairs, then the dense window: each refused, then accepted. */
    skpi__dds *before = NULL;
    for (int k = 1; k <= SKPI__DDS_SPARSE_MAX; k++) {
        bool full = s->npairs == s->pcap;
        before = dup_sketch(s);
        fail_after = 0;
        ck_assert_status(skpi__dds_prepare(s, spread(k)),
                         full ? SKPI_ENOMEM : SKPI_OK);
        ck_assert_status(skpi__dds_add(s, spread(k)),
                         full ? SKPI_ENOMEM : SKPI_OK);
        fail_after = -1;
        if (full) {
            ck_assert(skpi__dds_equal(s, before));
            ck_assert_status(skpi__dds_add(s, spread(k)), SKPI_OK);
        }
        skpi__dds_free(before);
    }
    ck_assert(s->dense); /* 60 and spread(1..16): 17 buckets */
    skpi__dds *sp = sketch(0.01), *sp2 = sketch(0.01);
    for (int k = 0; k < SKPI__DDS_SPARSE_MAX; k++)
        ck_assert_status(skpi__dds_add(k % 2 ? sp : sp2, spread(k)), SKPI_OK);
    /* Sparse into dense, sparse into sparse (more pairs, then too many). */
    before = dup_sketch(sp);
    fail_after = 0;
    ck_assert_status(skpi__dds_merge(sp, s), SKPI_ENOMEM);
    ck_assert(skpi__dds_equal(sp, before));
    ck_assert_status(skpi__dds_merge(sp, sp2), SKPI_ENOMEM);
    ck_assert(skpi__dds_equal(sp, before));
    fail_after = -1;
    ck_assert_status(skpi__dds_merge(sp, sp2), SKPI_OK);
    ck_assert(!sp->dense);
    ck_assert_int_eq(sp->npairs, SKPI__DDS_SPARSE_MAX);
    skpi__dds_free(before);
    before = dup_sketch(sp);
    skpi__dds *one = sketch(0.01);
    ck_assert_status(skpi__dds_add(one, spread(40)), SKPI_OK);
    fail_after = 0;
    ck_assert_status(skpi__dds_merge(sp, one), SKPI_ENOMEM);
    ck_assert(skpi__dds_equal(sp, before));
    ck_assert_status(skpi__dds_prepare(sp, spread(40)), SKPI_ENOMEM);
    ck_assert(!sp->dense);
    fail_after = -1;
    ck_assert_status(skpi__dds_merge(sp, one), SKPI_OK);
    ck_assert(sp->dense);
    skpi__dds_free(one);
    skpi__dds_free(sp);
    skpi__dds_free(sp2);
    skpi__dds_free(before);

    /* Growing the window. */
    before = dup_sketch(s);
    fail_after = 0;
    ck_assert_status(skpi__dds_add(s, 86400), SKPI_ENOMEM);
    ck_assert_status(skpi__dds_add_n(s, 1, 5), SKPI_ENOMEM);
    ck_assert(skpi__dds_equal(s, before));
    /* A value inside the window needs no memory. */
    ck_assert_status(skpi__dds_add(s, 61), SKPI_OK);
    fail_after = -1;
    ck_assert_status(skpi__dds_add(s, 86400), SKPI_OK);

    /* Merge into a sketch whose window must grow, copy, decode. */
    skpi__dds *big = sketch(0.01);
    ck_assert_status(skpi__dds_add(big, SKPI__DDS_VALUE_MAX), SKPI_OK);
    skpi__dds_free(before);
    before = dup_sketch(s);
    fail_after = 0;
    ck_assert_status(skpi__dds_merge(s, big), SKPI_ENOMEM);
    ck_assert(skpi__dds_equal(s, before));
    skpi__dds *c = NULL;
    ck_assert_status(skpi__dds_copy(s, &c), SKPI_ENOMEM);
    ck_assert_ptr_null(c);
    fail_after = 1; /* the struct, then not the counters */
    ck_assert_status(skpi__dds_copy(s, &c), SKPI_ENOMEM);
    ck_assert_ptr_null(c);
    fail_after = -1;
    size_t len;
    unsigned char *buf = encode(s, &len);
    for (long k = 0; k < 2; k++) {
        fail_after = k;
        skpi__dds *d = NULL;
        ck_assert_status(skpi__dds_decode(buf, len, &d), SKPI_ENOMEM);
        ck_assert_ptr_null(d);
    }
    fail_after = -1;
    skpi__dds *d = NULL;
    ck_assert_status(skpi__dds_decode(buf, len, &d), SKPI_OK);
    ck_assert(skpi__dds_equal(s, d));
    ck_assert_status(skpi__dds_merge(s, big), SKPI_OK);
    free(buf);
    skpi__dds_free(d);
    skpi__dds_free(big);
    skpi__dds_free(before);
    skpi__dds_free(s);
}
END_TEST

/* A hand-written encoding, for the decoder tests. */
typedef struct enc {
    unsigned char b[256];
    size_t n;
} enc;

static void put_byte(enc *e, unsigned v)
{
    ck_assert_uint_lt(e->n, sizeof e->b);
    e->b[e->n++] = (unsigned char)v;
}

static void put_var(enc *e, uint64_t v)
{
    while (v >= 0x80) {
        put_byte(e, (unsigned)(v & 0x7f) | 0x80);
        v >>= 7;
    }
    put_byte(e, (unsigned)v);
}

/* Header for alpha; then fields n sum min max zeros nb. */
static enc head(double alpha, uint64_t n, uint64_t sum, uint64_t mn,
                uint64_t mx, uint64_t zeros, uint64_t nb)
{
    enc e = {{0}, 0};
    put_byte(&e, 1);
    put_byte(&e, 0);
    uint64_t bits;
    memcpy(&bits, &alpha, sizeof bits);
    for (int k = 0; k < 8; k++)
        put_byte(&e, (unsigned)(bits >> (8 * k)) & 0xff);
    put_var(&e, n);
    put_var(&e, sum);
    put_var(&e, mn);
    put_var(&e, mx);
    put_var(&e, zeros);
    put_var(&e, nb);
    return e;
}

/* Decode must fail with SKPI_EPARSE and leave its output untouched. */
static void refuse(const enc *e, int line)
{
    skpi__dds s, *p = (skpi__dds *)0x1;
    memset(&s, 0xa5, sizeof s);
    unsigned char pattern[sizeof s];
    memset(pattern, 0xa5, sizeof pattern);
    skpi_status st = skpi__dds_decode_init(&s, e->b, e->n);
    ck_assert_msg(st == SKPI_EPARSE, "line %d: %s", line, skpi_status_name(st));
    ck_assert_msg(memcmp(&s, pattern, sizeof s) == 0, "line %d: output touched", line);
    ck_assert_status(skpi__dds_decode(e->b, e->n, &p), SKPI_EPARSE);
    ck_assert_ptr_eq(p, (skpi__dds *)0x1);
}
#define REFUSE(e) refuse(&(e), __LINE__)

static void accept_enc(const enc *e)
{
    skpi__dds *p = NULL;
    ck_assert_status(skpi__dds_decode(e->b, e->n, &p), SKPI_OK);
    size_t len;
    unsigned char *again = encode(p, &len);
    ck_assert_uint_eq(len, e->n);
    ck_assert_mem_eq(again, e->b, len);
    free(again);
    skpi__dds_free(p);
}

START_TEST(test_decode_truncated)
{
    rng_state = 31;
    skpi__dds *s = sketch(0.01);
    fill(s, 400, 2400);
    ck_assert_status(skpi__dds_add_n(s, 100, 1000), SKPI_OK); /* a 2-byte count */
    size_t len;
    unsigned char *buf = encode(s, &len);
    for (size_t cut = 0; cut < len; cut++) {
        /* A heap copy of exactly `cut` bytes, so that a read past the end
         * is caught by the sanitizers and valgrind. */
        unsigned char *part = malloc(cut ? cut : 1);
        ck_assert_ptr_nonnull(part);
        memcpy(part, buf, cut);
        skpi__dds *d = NULL;
        ck_assert_msg(skpi__dds_decode(part, cut, &d) == SKPI_EPARSE,
                      "truncated to %zu of %zu bytes", cut, len);
        free(part);
    }
    /* One trailing byte, of any value. */
    unsigned char *longer = malloc(len + 1);
    ck_assert_ptr_nonnull(longer);
    memcpy(longer, buf, len);
    for (unsigned v = 0; v < 256; v += 51) {
        longer[len] = (unsigned char)v;
        skpi__dds *d = NULL;
        ck_assert_status(skpi__dds_decode(longer, len + 1, &d), SKPI_EPARSE);
    }
    free(longer);
    free(buf);
    skpi__dds_free(s);
    skpi__dds *d = NULL;
    ck_assert_status(skpi__dds_decode(NULL, 0, &d), SKPI_EPARSE);
    ck_assert_status(skpi__dds_decode(NULL, 5, &d), SKPI_EINVAL);
    ck_assert_status(skpi__dds_decode((const unsigned char *)"", 0, NULL), SKPI_EINVAL);
    ck_assert_status(skpi__dds_decode_init(NULL, (const unsigned char *)"", 0), SKPI_EINVAL);
}
END_TEST

START_TEST(test_decode_header)
{
    /* The good encoding of {0, 1, 2} (test_encode_bytes), then damage. */
    enc good = head(0.01, 3, 3, 0, 2, 1, 2);
    put_var(&good, 0);
    put_var(&good, 1);
    put_var(&good, 35);
    put_var(&good, 1);
    accept_enc(&good);

    enc e = good;
    e.b[0] = 2; /* unknown version */
    REFUSE(e);
    e = good;
    e.b[0] = 0;
    REFUSE(e);
    e = good;
    e.b[1] = 1; /* reserved flags */
    REFUSE(e);

    static const double bad_alpha[] = {0.0, 0.5, -0.01, 0.00009, 0.06};
    for (size_t k = 0; k < sizeof bad_alpha / sizeof bad_alpha[0]; k++) {
        e = head(bad_alpha[k], 0, 0, 0, 0, 0, 0);
        REFUSE(e);
    }
    e = head(NAN, 0, 0, 0, 0, 0, 0);
    REFUSE(e);
    e = head(INFINITY, 0, 0, 0, 0, 0, 0);
    REFUSE(e);
    e = head(0.01, 0, 0, 0, 0, 0, 0); /* the empty sketch */
    accept_enc(&e);
}
END_TEST

START_TEST(test_decode_varints)
{
    /* The empty sketch with n written as 0x80 0x00, an overlong 0: valid
     * but for the form of that varint. */
    enc e = head(0.01, 0, 0, 0, 0, 0, 0);
    e.n = SKPI__DDS_HEADER_SIZE;
    put_byte(&e, 0x80);
    put_byte(&e, 0x00);
    for (int k = 0; k < 5; k++)
        put_byte(&e, 0);
    REFUSE(e);
    /* The same for a count: 5 as 0x85 0x80 0x00. */
    e = head(0.01, 5, 50, 10, 10, 0, 1);
    put_var(&e, 116); /* ln 10 / 0.0200027 = 115.1 -> bucket 116 */
    put_byte(&e, 0x85);
    put_byte(&e, 0x80);
    put_byte(&e, 0x00);
    REFUSE(e);
    e.n -= 3;
    put_var(&e, 5);
    accept_enc(&e);

    /* An 11-byte varint, and a 10-byte one above 2^64. */
    e.n = SKPI__DDS_HEADER_SIZE;
    for (int k = 0; k < 10; k++)
        put_byte(&e, 0x80);
    put_byte(&e, 0x01);
    REFUSE(e);
    /* n = 2^64 as 9 x 0x80, 0x02: would wrap to 0 and pass as empty. */
    e.n = SKPI__DDS_HEADER_SIZE;
    for (int k = 0; k < 9; k++)
        put_byte(&e, 0x80);
    put_byte(&e, 0x02);
    for (int k = 0; k < 5; k++)
        put_byte(&e, 0);
    REFUSE(e);

    /* n = 2^63 (a valid varint, but above INT64_MAX). */
    e = head(0.01, UINT64_C(1) << 63, 0, 0, 0, UINT64_C(1) << 63, 0);
    REFUSE(e);
    /* The largest n is fine. */
    e = head(0.01, INT64_MAX, 0, 0, 0, INT64_MAX, 0);
    accept_enc(&e);
}
END_TEST

START_TEST(test_decode_inconsistent)
{
    enc e;
    /* n does not match zeros + buckets. */
    e = head(0.01, 4, 3, 0, 2, 1, 2);
    put_var(&e, 0); put_var(&e, 1); put_var(&e, 35); put_var(&e, 1);
    REFUSE(e);
    e = head(0.01, 2, 3, 0, 2, 1, 2);
    put_var(&e, 0); put_var(&e, 1); put_var(&e, 35); put_var(&e, 1);
    REFUSE(e);
    /* More buckets announced than present, and fewer. */
    e = head(0.01, 3, 3, 0, 2, 1, 3);
    put_var(&e, 0); put_var(&e, 1); put_var(&e, 35); put_var(&e, 1);
    REFUSE(e);
    e = head(0.01, 3, 3, 0, 2, 1, 1);
    put_var(&e, 0); put_var(&e, 1); put_var(&e, 35); put_var(&e, 1);
    REFUSE(e);
    /* A zero gap after the first bucket, a zero count. */
    e = head(0.01, 3, 3, 0, 2, 1, 2);
    put_var(&e, 35); put_var(&e, 1); put_var(&e, 0); put_var(&e, 1);
    REFUSE(e);
    e = head(0.01, 2, 2, 0, 2, 1, 2);
    put_var(&e, 0); put_var(&e, 0); put_var(&e, 35); put_var(&e, 1);
    REFUSE(e);
    /* An index past index_max (1145 at 1 %): 1146, and 1145 accepted. */
    e = head(0.01, 1, SKPI__DDS_VALUE_MAX, SKPI__DDS_VALUE_MAX, SKPI__DDS_VALUE_MAX, 0, 1);
    put_var(&e, 1146); put_var(&e, 1);
    REFUSE(e);
    e = head(0.01, 1, SKPI__DDS_VALUE_MAX, SKPI__DDS_VALUE_MAX, SKPI__DDS_VALUE_MAX, 0, 1);
    put_var(&e, 1144); put_var(&e, 1);
    accept_enc(&e);
    /* Gaps whose sum passes index_max. */
    e = head(0.01, 2, 3, 1, 2, 0, 2);
    put_var(&e, 35); put_var(&e, 1); put_var(&e, UINT64_MAX - 10); put_var(&e, 1);
    REFUSE(e);
    /* Counts whose sum overflows. */
    e = head(0.01, INT64_MAX, 3, 1, 2, 0, 2);
    put_var(&e, 0); put_var(&e, INT64_MAX); put_var(&e, 35); put_var(&e, 1);
    REFUSE(e);
    /* nb larger than the bytes left could hold. */
    e = head(0.01, 3, 3, 0, 2, 1, 1000);
    put_var(&e, 0); put_var(&e, 1); put_var(&e, 35); put_var(&e, 1);
    REFUSE(e);
    /* An empty sketch with a sum, a min, a max. */
    e = head(0.01, 0, 5, 0, 0, 0, 0);
    REFUSE(e);
    e = head(0.01, 0, 0, 1, 0, 0, 0);
    REFUSE(e);
    e = head(0.01, 0, 0, 0, 1, 0, 0);
    REFUSE(e);
    /* Zeros without min 0; min 0 without zeros. */
    e = head(0.01, 2, 2, 2, 2, 1, 1);
    put_var(&e, 35); put_var(&e, 1);
    REFUSE(e);
    e = head(0.01, 1, 2, 0, 2, 0, 1);
    put_var(&e, 35); put_var(&e, 1);
    REFUSE(e);
    /* min > max. */
    e = head(0.01, 2, 5, 3, 2, 0, 2);
    put_var(&e, 35); put_var(&e, 1); put_var(&e, 20); put_var(&e, 1);
    REFUSE(e);
    /* min and max far from their buckets (2 is bucket 35, 3600 is 410). */
    e = head(0.01, 2, 3602, 2, 3600, 0, 2);
    put_var(&e, 35); put_var(&e, 1); put_var(&e, 375); put_var(&e, 1);
    accept_enc(&e);
    e = head(0.01, 2, 3603, 3, 3600, 0, 2);
    put_var(&e, 35); put_var(&e, 1); put_var(&e, 375); put_var(&e, 1);
    REFUSE(e);
    e = head(0.01, 2, 3002, 2, 3000, 0, 2);
    put_var(&e, 35); put_var(&e, 1); put_var(&e, 375); put_var(&e, 1);
    REFUSE(e);
    /* Only zeros, but a max. */
    e = head(0.01, 2, 0, 0, 3, 2, 0);
    REFUSE(e);
    /* A sum that min, max and n make impossible: with 2 and 3600 it must
     * be exactly 3602; with n = 3 it lies in [3604, 7202]. */
    e = head(0.01, 2, 3601, 2, 3600, 0, 2);
    put_var(&e, 35); put_var(&e, 1); put_var(&e, 375); put_var(&e, 1);
    REFUSE(e);
    e = head(0.01, 3, 3603, 2, 3600, 0, 2);
    put_var(&e, 35); put_var(&e, 2); put_var(&e, 375); put_var(&e, 1);
    REFUSE(e);
    e = head(0.01, 3, 7203, 2, 3600, 0, 2);
    put_var(&e, 35); put_var(&e, 1); put_var(&e, 375); put_var(&e, 2);
    REFUSE(e);
    e = head(0.01, 3, 3604, 2, 3600, 0, 2);
    put_var(&e, 35); put_var(&e, 2); put_var(&e, 375); put_var(&e, 1);
    accept_enc(&e);
    /* max above SKPI__DDS_VALUE_MAX. */
    e = head(0.01, 1, SKPI__DDS_VALUE_MAX + 1, SKPI__DDS_VALUE_MAX + 1,
             SKPI__DDS_VALUE_MAX + 1, 0, 1);
    put_var(&e, 1145); put_var(&e, 1);
    REFUSE(e);
}
END_TEST

/* ===================================================================== */
/* Suite                                                                 */
/* ===================================================================== */

Suite *ddsketch_suite(void)
{
    Suite *s = suite_create("ddsketch");

    TCase *core = tcase_create("core");
    tcase_add_test(core, test_known_indexes);
    tcase_add_test(core, test_bucket_values);
    tcase_add_test(core, test_empty);
    tcase_add_test(core, test_single_value);
    tcase_add_test(core, test_zeros);
    tcase_add_test(core, test_lower_rank);
    tcase_add_test(core, test_clamped);
    tcase_add_test(core, test_add_n);
    tcase_add_test(core, test_encode_bytes);
    tcase_add_test(core, test_merge_is_union);
    tcase_add_test(core, test_merge_laws);
    tcase_add_test(core, test_sparse_transition);
    tcase_add_test(core, test_sparse_merge);
    tcase_add_test(core, test_sparse_big_counts);
    tcase_add_test(core, test_copy_independent);
    tcase_add_test(core, test_embedded);
    tcase_add_test(core, test_roundtrip);
    tcase_add_test(core, test_encode_bufsize);
    suite_add_tcase(s, core);

    TCase *acc = tcase_create("accuracy");
    tcase_add_unchecked_fixture(acc, acc_setup, acc_teardown);
    tcase_add_loop_test(acc, test_lognormal, 0, 3);
    tcase_add_test(acc, test_every_rank);
    tcase_add_loop_test(acc, test_every_value, 0, 4);
    tcase_add_loop_test(acc, test_index_exact, 0, 3);
    tcase_add_test(acc, test_log2_bound);
    tcase_set_timeout(acc, 120);
    suite_add_tcase(s, acc);

    TCase *err = tcase_create("errors");
    tcase_add_test(err, test_bad_alpha);
    tcase_add_test(err, test_bad_values);
    tcase_add_test(err, test_overflow);
    tcase_add_test(err, test_bad_merge);
    tcase_add_test(err, test_bad_queries);
    tcase_add_test(err, test_enomem);
    tcase_add_test(err, test_decode_truncated);
    tcase_add_test(err, test_decode_header);
    tcase_add_test(err, test_decode_varints);
    tcase_add_test(err, test_decode_inconsistent);
    suite_add_tcase(s, err);
    return s;
}

SKPI_CHECK_MAIN(ddsketch_suite)

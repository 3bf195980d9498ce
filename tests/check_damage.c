/*
 * check_damage.c -- damaged snapshots: a specific status, never a crash,
 * never more memory than the input justifies.
 *
 * A reference snapshot of a tracker that uses every part of the format
 * (an IANA zone with its TZif rules, business hours, custom taxonomy,
 * every kind of event, waiting and answered messages, a late answer,
 * refused events) is damaged in many ways, and each damaged copy is loaded
 * with skpi_tracker_from_bytes():
 *
 *  - exhaustively: truncation at every length, every bit of the file
 *    header and of every section header flipped (as is, and with the CRCs
 *    recomputed so that the changed field itself is what the loader meets),
 *    and every length or count field of the file rewritten to lie (0, 1,
 *    one less, one more, twice, the bytes left, and huge values up to
 *    2^64 - 1), the sections and the header then re-framed with correct
 *    lengths and CRCs;
 *  - at random: 100,000 damages (SKPI_DAMAGE_ITERATIONS overrides the
 *    count; .ci/run sets it lower for the valgrind pass, which is about
 *    fifty times slower): single and multi-bit flips, byte overwrites,
 *    runs of random bytes, zeros or 0xFF, truncation and extension, and
 *    varints of random size written over payload bytes; about half of
 *    them with the CRCs recomputed afterwards.
 *
 * Every load must:
 *  - fail with one of the damage statuses of doc/snapshot-format.md
 *    (SKPI_EFORMAT, SKPI_EVERSION, SKPI_ECRC, SKPI_ETRUNC, SKPI_ECORRUPT),
 *    the same status in the error struct with a field and a text, an
 *    offset inside the input, and the out-parameter untouched; or
 *  - succeed, which only the damages with recomputed CRCs may: a damage
 *    that changes a count or a label and fixes the CRCs makes another
 *    valid snapshot.  The tracker loaded must then save the input itself,
 *    byte for byte: the loader accepts only what the writer writes (an
 *    all-zero page, a changed built-in taxonomy entry, a zone_offset
 *    beside zone rules, more waiting messages than open_limit keeps, late
 *    answers out of order: all are SKPI_ECORRUPT, and the "strict" tests
 *    below build each by hand).  (Damage that changes nothing, such as a
 *    byte overwritten with its own value or the header CRC "fixed" back,
 *    is skipped: it is no damage.)
 *  - never crash (CI also runs the suite under ASan and UBSan, which make
 *    any stray access or undefined behaviour a crash), and never allocate
 *    much: the peak of the bytes live during the load, measured by the
 *    interposed allocator of tests/allochook.c, stays below 64 times the
 *    input's size plus 1 MiB (it reaches about 15 times).
 *
 * The test prints the histogram of statuses of the random damages.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "allochook.h"
#include "fixtures.h"
#include "testutil.h"

#define D0 INT64_C(1709251200) /* 2024-03-01T00:00:00Z */
#define DAY INT64_C(86400)

/* ===== The reference snapshot ===== */

static unsigned char *ref;
static size_t ref_len;

static void ref_teardown(void)
{
    free(ref);
    ref = NULL;
}

/* ===== CRC-32C and framing ===== */

/* Slicing-by-8 tables: the random test recomputes CRCs of tens of
 * kilobytes 50,000 times, which a bytewise loop makes the bulk of its
 * time. */
static uint32_t crc_table[8][256];

static uint32_t crc32c(const unsigned char *p, size_t n)
{
    if (crc_table[0][1] == 0) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1)));
            crc_table[0][i] = c;
        }
        for (uint32_t i = 0; i < 256; i++)
            for (int t = 1; t < 8; t++)
                crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^
                                  crc_table[0][crc_table[t - 1][i] & 0xFF];
    }
    uint32_t c = 0xFFFFFFFFu;
    for (; n >= 8; n -= 8, p += 8) {
        uint32_t lo = c ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
                           (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
        c = crc_table[7][lo & 0xFF] ^ crc_table[6][(lo >> 8) & 0xFF] ^
            crc_table[5][(lo >> 16) & 0xFF] ^ crc_table[4][lo >> 24] ^
            crc_table[3][p[4]] ^ crc_table[2][p[5]] ^ crc_table[1][p[6]] ^
            crc_table[0][p[7]];
    }
    while (n-- > 0)
        c = (c >> 8) ^ crc_table[0][(c ^ *p++) & 0xFF];
    return ~c;
}

static void put_le(unsigned char *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/*
 * Recompute the header CRC and the section CRCs of b[0..n), following the
 * section lengths as written (lying ones included), after a change to
 * b[lo..hi).  A section that lies where the reference's did and does not
 * meet the change still holds the reference's bytes and CRC, and is
 * skipped (ref may be NULL: then every section is recomputed).
 */
static void fix_crcs_in(unsigned char *b, size_t n, const unsigned char *reference,
                        size_t ref_n, size_t lo, size_t hi)
{
    if (n < 32)
        return;
    put_le(b + 28, crc32c(b, 28), 4);
    size_t pos = 32, ref_pos = 32;
    while (n - pos >= 16) {
        uint64_t len = get_le(b + pos + 8, 8);
        if (len > n - pos - 16 || n - pos - 16 - len < 4)
            break;
        size_t end = pos + 16 + (size_t)len + 4;
        bool same = reference != NULL && pos == ref_pos && ref_n - ref_pos >= 16 &&
                    get_le(reference + ref_pos + 8, 8) == len && (end <= lo || pos >= hi);
        if (!same)
            put_le(b + end - 4, crc32c(b + pos, 16 + (size_t)len), 4);
        if (reference != NULL && ref_n - ref_pos >= 16)
            ref_pos += 16 + (size_t)get_le(reference + ref_pos + 8, 8) + 4;
        pos = end;
    }
}

static void fix_crcs(unsigned char *b, size_t n)
{
    fix_crcs_in(b, n, NULL, 0, 0, 0);
}

static void ref_setup(void)
{
    skpi_tracker *t = rich_tracker("Europe/London", SKPI_BUCKET_DAY);
    char *b;
    ck_assert_status(skpi_tracker_to_bytes(t, &b, &ref_len), SKPI_OK);
    ref = malloc(ref_len);
    ck_assert_ptr_nonnull(ref);
    memcpy(ref, b, ref_len);
    skpi_free(b);
    skpi_tracker_free(t);
    /* The test's CRC is right (RFC 3720's check value), and recomputing
     * the CRCs of an undamaged snapshot changes nothing. */
    ck_assert_uint_eq(crc32c((const unsigned char *)"123456789", 9), 0xE3069283u);
    unsigned char *copy = malloc(ref_len);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, ref, ref_len);
    fix_crcs(copy, ref_len);
    ck_assert(memcmp(copy, ref, ref_len) == 0);
    free(copy);
}

/* ===== A map of the reference's length and count fields ===== */

enum { F_U64, F_VARINT };

typedef struct field {
    size_t at;   /* offset of the field in the reference */
    int kind;    /* F_U64 (header and section lengths) or F_VARINT */
    int sec;     /* the section holding it, -1 for the file header */
} field;

static field fields[4096];
static size_t n_fields;
static size_t sec_at[12]; /* offsets of the section headers */

typedef struct cursor {
    const unsigned char *b;
    size_t pos, end;
    int sec;
    int budget; /* repeated fields (pages, sketch lengths) still to note */
} cursor;

static uint64_t decode_varint(const unsigned char *p, size_t *len)
{
    uint64_t v = 0;
    size_t i = 0;
    for (int shift = 0;; shift += 7) {
        unsigned char x = p[i++];
        v |= (uint64_t)(x & 0x7F) << shift;
        if ((x & 0x80) == 0)
            break;
    }
    if (len != NULL)
        *len = i;
    return v;
}

/* Read a varint; note it as a field when `mark` is 1, or when it is 2 (a
 * field repeated in every page or cell) while the section's budget lasts,
 * so that the test stays quick. */
static uint64_t take_varint(cursor *c, int mark)
{
    if ((mark == 1 || (mark == 2 && c->budget > 0)) &&
        n_fields < sizeof fields / sizeof fields[0]) {
        fields[n_fields++] = (field){c->pos, F_VARINT, c->sec};
        if (mark == 2)
            c->budget--;
    }
    ck_assert_uint_lt(c->pos, c->end);
    size_t len;
    uint64_t v = decode_varint(c->b + c->pos, &len);
    ck_assert_uint_le(len, c->end - c->pos);
    c->pos += len;
    return v;
}

static void skip(cursor *c, uint64_t n)
{
    ck_assert_uint_le(n, c->end - c->pos);
    c->pos += (size_t)n;
}

/* A length-prefixed string: its length is a field. */
static void take_bytes(cursor *c, int mark)
{
    skip(c, take_varint(c, mark));
}

/* Walk the reference as doc/snapshot-format.md lays it out, noting every
 * length and count. */
static void map_fields(void)
{
    n_fields = 0;
    fields[n_fields++] = (field){16, F_U64, -1};
    size_t pos = 32;
    for (int s = 0; s < 12; s++) {
        sec_at[s] = pos;
        uint32_t id = (uint32_t)get_le(ref + pos, 4);
        uint64_t len = get_le(ref + pos + 8, 8);
        fields[n_fields++] = (field){pos + 8, F_U64, s};
        cursor c = {ref, pos + 16, pos + 16 + (size_t)len, s, 24};
        if (id == 1) { /* CONFIG */
            skip(&c, 13);
            uint64_t n_sla = take_varint(&c, 1);
            for (uint64_t i = 0; i < n_sla; i++)
                take_varint(&c, 0);
            skip(&c, 9);
            take_varint(&c, 1); /* open_limit */
            take_varint(&c, 1); /* journal_seq */
            take_bytes(&c, 1);  /* zone */
            skip(&c, 4);
            take_bytes(&c, 1);  /* zone_rules */
            take_bytes(&c, 1);  /* calendar */
        } else if (id == 2) { /* TAXONOMY */
            for (int d = 0; d < 4; d++) {
                uint64_t n = take_varint(&c, 1);
                for (uint64_t i = 0; i < n; i++) {
                    take_bytes(&c, 1);
                    take_bytes(&c, 1);
                    take_varint(&c, 1);
                    skip(&c, 1);
                }
            }
        } else if (id >= 16) { /* SERIES */
            bool sketch = id == 16 + 5 || id == 16 + 6;
            uint64_t width = take_varint(&c, 1);
            while (take_varint(&c, 2) != 0) {
                take_varint(&c, 2);
                for (uint64_t i = 0; i < 64 * width; i++) {
                    /* Sketch lengths: the non-empty ones are the lies
                     * worth telling. */
                    if (sketch)
                        skip(&c, take_varint(&c, c.b[c.pos] != 0 ? 2 : 0));
                    else
                        take_varint(&c, 0);
                }
            }
        } else if (id == 3) { /* OPEN */
            uint64_t n = take_varint(&c, 1);
            for (uint64_t i = 0; i < n; i++) {
                skip(&c, 8);
                take_varint(&c, 0);
                take_varint(&c, 2);
                take_varint(&c, 2);
                skip(&c, 1);
            }
        } else { /* LATE */
            uint64_t n = take_varint(&c, 1);
            for (uint64_t i = 0; i < n; i++)
                for (int k = 0; k < 4; k++)
                    take_varint(&c, 2);
        }
        ck_assert_uint_eq(c.pos, c.end);
        pos = c.end + 4;
    }
    ck_assert_uint_eq(pos, ref_len);
    ck_assert_uint_lt(n_fields, sizeof fields / sizeof fields[0]);
}

/* ===== Loading one damaged input ===== */

typedef struct stats {
    long by_status[64]; /* by skpi_status; larger than any status */
    long ok_canonical; /* valid, and saved again as the same bytes */
    long skipped;      /* "damage" that changed nothing */
    long loads;
    size_t max_peak, max_peak_input;
    double max_ratio; /* largest peak / input size */
} stats;

static bool damage_status(skpi_status st)
{
    return st == SKPI_EFORMAT || st == SKPI_EVERSION || st == SKPI_ECRC ||
           st == SKPI_ETRUNC || st == SKPI_ECORRUPT;
}

/*
 * Load b[0..n) and check the outcome as the essay above says.  `may_pass`
 * tells whether the input may be a valid snapshot (its CRCs were
 * recomputed); `what` describes the damage for failure messages.
 * Returns the status, or -1 for a "damage" that changed nothing.
 */
static int load_checked(const unsigned char *b, size_t n, bool may_pass,
                        stats *s, const char *what)
{
    if (n == ref_len && memcmp(b, ref, n) == 0) {
        s->skipped++;
        return -1;
    }
    skpi_tracker *sentinel = (skpi_tracker *)&s, *u = sentinel;
    skpi_error err;
    memset(&err, 0, sizeof err);
    size_t peak;
    allochook_track();
    skpi_status st = skpi_tracker_from_bytes(b, n, &u, &err);
    (void)allochook_untrack(&peak, NULL);
    s->loads++;
    ck_assert_int_lt((int)st, 64);
    s->by_status[st]++;
    size_t bound = 64 * n + ((size_t)1 << 20);
    ck_assert_msg(peak <= bound, "%s: %zu bytes live at the peak for %zu bytes of input",
                  what, peak, n);
    if (peak > s->max_peak) {
        s->max_peak = peak;
        s->max_peak_input = n;
    }
    if (n > 0 && (double)peak / (double)n > s->max_ratio)
        s->max_ratio = (double)peak / (double)n;
    if (st != SKPI_OK) {
        ck_assert_msg(damage_status(st), "%s: %s (%s: %s)", what,
                      skpi_status_name(st), err.field, err.text);
        ck_assert_ptr_eq(u, sentinel);
        ck_assert_int_eq(err.status, st);
        ck_assert_msg(err.offset >= 0 && (uint64_t)err.offset <= n,
                      "%s: %s at offset %lld of %zu", what,
                      skpi_status_name(st), (long long)err.offset, n);
        ck_assert_msg(err.field[0] != '\0' && err.text[0] != '\0', "%s: no field or text", what);
        return (int)st;
    }
    ck_assert_msg(may_pass, "%s: accepted although its CRCs no longer match", what);
    /* Another valid snapshot: its tracker saves the input itself. */
    char *b2;
    size_t n2;
    ck_assert_status(skpi_tracker_to_bytes(u, &b2, &n2), SKPI_OK);
    skpi_tracker_free(u);
    ck_assert_msg(n2 == n && memcmp(b2, b, n) == 0,
                  "%s: accepted, but saved again as other bytes (%zu, not %zu)", what, n2, n);
    s->ok_canonical++;
    skpi_free(b2);
    return (int)st;
}

static void print_stats(const char *title, const stats *s)
{
    printf("%s: %ld loads:", title, s->loads);
    for (int st = 0; st < 64; st++) {
        if (s->by_status[st] > 0)
            printf(" %s %ld", skpi_status_name((skpi_status)st), s->by_status[st]);
    }
    printf(" (OK: %ld, each saved again as itself); %ld no-op damages skipped; ",
           s->ok_canonical, s->skipped);
    if (s->max_peak == 0)
        printf("no load allocated anything\n");
    else
        printf("peak allocation %zu bytes for %zu bytes of input, largest ratio %.1f\n",
               s->max_peak, s->max_peak_input, s->max_ratio);
    fflush(stdout);
}

/* ===== Exhaustive damage ===== */

START_TEST(test_truncation_every_length)
{
    stats s = {0};
    char what[64];
    for (size_t len = 0; len < ref_len; len++) {
        snprintf(what, sizeof what, "truncated to %zu", len);
        int st = load_checked(ref, len, false, &s, what);
        ck_assert_msg(st == SKPI_ETRUNC || (len < 8 && st == SKPI_EFORMAT), "%s: %s",
                      what, skpi_status_name((skpi_status)st));
    }
    print_stats("truncation", &s);
}
END_TEST

/* Flip every bit of b[from..to), raw and with CRCs recomputed. */
static void flip_every_bit(size_t from, size_t to, stats *s)
{
    unsigned char *b = malloc(ref_len);
    ck_assert_ptr_nonnull(b);
    char what[80];
    for (size_t i = from; i < to; i++) {
        for (int bit = 0; bit < 8; bit++) {
            for (int fix = 0; fix <= 1; fix++) {
                memcpy(b, ref, ref_len);
                b[i] = (unsigned char)(b[i] ^ (1u << bit));
                if (fix)
                    fix_crcs(b, ref_len);
                snprintf(what, sizeof what, "bit %d of byte %zu flipped%s", bit, i,
                         fix ? ", CRCs fixed" : "");
                int st = load_checked(b, ref_len, fix != 0, s, what);
                /* Raw single-bit damage is always caught: the magic is
                 * read before the header CRC, and a section's id and
                 * length before its CRC. */
                if (!fix)
                    ck_assert_msg(i < 8    ? st == SKPI_EFORMAT
                                  : i < 32 ? st == SKPI_ECRC
                                           : (st == SKPI_ECRC || st == SKPI_ETRUNC ||
                                              st == SKPI_ECORRUPT),
                                  "%s: %s", what, skpi_status_name((skpi_status)st));
            }
        }
    }
    free(b);
}

START_TEST(test_header_bits)
{
    stats s = {0};
    flip_every_bit(0, 32, &s);
    /* Header fields other than the CRC are all checked: no flip passes. */
    ck_assert_int_eq(s.ok_canonical, 0);
    print_stats("file header bit flips", &s);
}
END_TEST

START_TEST(test_section_header_bits)
{
    stats s = {0};
    map_fields();
    for (int k = 0; k < 12; k++)
        flip_every_bit(sec_at[k], sec_at[k] + 16, &s);
    ck_assert_int_eq(s.ok_canonical, 0);
    print_stats("section header bit flips", &s);
}
END_TEST

/*
 * Rewrite the field f of a copy of the reference to value v, re-framing:
 * a varint of another size shifts the rest of the file, so its section's
 * length and the file's length are corrected, then every CRC.  Returns the
 * new buffer (length in *n).
 */
static unsigned char *rewrite_field(const field *f, uint64_t v, size_t *n)
{
    unsigned char *b = malloc(ref_len + 16);
    ck_assert_ptr_nonnull(b);
    if (f->kind == F_U64) {
        memcpy(b, ref, ref_len);
        put_le(b + f->at, v, 8);
        *n = ref_len;
        fix_crcs(b, *n);
        return b;
    }
    size_t old;
    (void)decode_varint(ref + f->at, &old);
    unsigned char enc[10];
    size_t k = 0;
    uint64_t x = v;
    do {
        unsigned char c = x & 0x7F;
        x >>= 7;
        enc[k++] = (unsigned char)(c | (x ? 0x80 : 0));
    } while (x);
    memcpy(b, ref, f->at);
    memcpy(b + f->at, enc, k);
    memcpy(b + f->at + k, ref + f->at + old, ref_len - f->at - old);
    *n = ref_len - old + k;
    size_t sec = sec_at[f->sec];
    if (f->at > sec) {
        uint64_t plen = get_le(ref + sec + 8, 8);
        put_le(b + sec + 8, plen - old + k, 8);
    }
    put_le(b + 16, *n, 8);
    fix_crcs(b, *n);
    return b;
}

START_TEST(test_lying_lengths)
{
    stats s = {0};
    map_fields();
    char what[128];
    for (size_t i = 0; i < n_fields; i++) {
        const field *f = &fields[i];
        uint64_t v = f->kind == F_U64 ? get_le(ref + f->at, 8)
                                      : decode_varint(ref + f->at, NULL);
        size_t left = ref_len - f->at;
        const uint64_t lies[] = {
            0, 1, v - 1, v + 1, v * 2, left, left + 1, 127, 128, UINT64_C(1) << 14,
            UINT64_C(1) << 31, UINT64_C(1) << 32, UINT64_C(1) << 62,
            UINT64_C(1) << 63, UINT64_MAX};
        for (size_t k = 0; k < sizeof lies / sizeof lies[0]; k++) {
            bool told = lies[k] == v;
            for (size_t j = 0; j < k; j++)
                told = told || lies[j] == lies[k];
            if (told)
                continue;
            size_t n;
            unsigned char *b = rewrite_field(f, lies[k], &n);
            snprintf(what, sizeof what, "%s at %zu (section %d) rewritten from %llu to %llu",
                     f->kind == F_U64 ? "length" : "varint", f->at, f->sec,
                     (unsigned long long)v, (unsigned long long)lies[k]);
            (void)load_checked(b, n, true, &s, what);
            free(b);
        }
    }
    printf("lying lengths: %zu fields\n", n_fields);
    print_stats("lying lengths", &s);
}
END_TEST

/* ===== Random damage ===== */

static uint64_t rng_state;

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * UINT64_C(2685821657736338717);
}

static size_t below(size_t n)
{
    return (size_t)(rng() % n);
}

static long iterations(void)
{
    const char *env = getenv("SKPI_DAMAGE_ITERATIONS");
    long n = env != NULL && env[0] != '\0' ? strtol(env, NULL, 10) : 100000;
    return n > 0 ? n : 100000;
}

enum {
    D_BIT,       /* one bit */
    D_BITS,      /* 2 to 8 bits, anywhere */
    D_BURST,     /* up to 32 bits in a 4-byte window */
    D_BYTES,     /* 1 to 16 bytes overwritten */
    D_RUN,       /* a run of 1 to 256 random bytes, zeros or 0xFF */
    D_VARINT,    /* a varint of 1 to 10 bytes written over a payload */
    D_RESIZE,    /* truncated, or extended with random bytes */
    D_KINDS
};

static const char *const kind_names[D_KINDS] = {
    "bit", "bits", "burst", "bytes", "run", "varint", "resize"};

START_TEST(test_random_damage)
{
    long n_iter = iterations();
    rng_state = UINT64_C(0x5EED5EED5EED5EED);
    unsigned char *b = malloc(ref_len + 512);
    ck_assert_ptr_nonnull(b);
    stats all = {0};
    long per_kind[D_KINDS][2] = {{0}};
    char what[96];
    for (long it = 0; it < n_iter; it++) {
        int kind = (int)below(D_KINDS);
        bool fix = kind != D_RESIZE && (rng() & 1);
        size_t n = ref_len, lo = 0, hi = ref_len; /* the bytes changed */
        memcpy(b, ref, ref_len);
        switch (kind) {
        case D_BIT: {
            size_t i = below(n);
            b[i] = (unsigned char)(b[i] ^ (1u << below(8)));
            lo = i;
            hi = i + 1;
            break;
        }
        case D_BITS: {
            size_t k = 2 + below(7);
            for (size_t j = 0; j < k; j++) {
                size_t i = below(n);
                b[i] = (unsigned char)(b[i] ^ (1u << below(8)));
            }
            break;
        }
        case D_BURST: {
            size_t i = below(n - 4);
            uint64_t x = rng() | 1;
            for (int j = 0; j < 4; j++)
                b[i + (size_t)j] = (unsigned char)(b[i + (size_t)j] ^ (x >> (8 * j)));
            lo = i;
            hi = i + 4;
            break;
        }
        case D_BYTES: {
            size_t k = 1 + below(16);
            for (size_t j = 0; j < k; j++) {
                size_t i = below(n); /* two statements: a fixed order */
                b[i] = (unsigned char)rng();
            }
            break;
        }
        case D_RUN: {
            size_t len = 1 + below(256), i = below(n - len);
            int fill = (int)below(3);
            for (size_t j = 0; j < len; j++)
                b[i + j] = fill == 0 ? 0 : fill == 1 ? 0xFF : (unsigned char)rng();
            lo = i;
            hi = i + len;
            break;
        }
        case D_VARINT: {
            /* Payload bytes only (after the file header): where counts,
             * lengths and cells live. */
            size_t len = 1 + below(10), i = 32 + below(n - 32 - len);
            uint64_t v = rng();
            v >>= below(64);
            for (size_t j = 0; j < len; j++) {
                b[i + j] = (unsigned char)((v & 0x7F) | (j + 1 < len ? 0x80 : 0));
                v >>= 7;
            }
            lo = i;
            hi = i + len;
            break;
        }
        default: /* D_RESIZE */
            if (rng() & 1) {
                n = below(ref_len);
            } else {
                size_t extra = 1 + below(512);
                for (size_t j = 0; j < extra; j++)
                    b[ref_len + j] = (unsigned char)rng();
                n = ref_len + extra;
            }
        }
        if (fix)
            fix_crcs_in(b, n, ref, ref_len, lo, hi);
        snprintf(what, sizeof what, "damage %ld (%s%s)", it, kind_names[kind],
                 fix ? ", CRCs fixed" : "");
        /* (Raw damage never passes: load_checked() asserts that.) */
        int st = load_checked(b, n, fix, &all, what);
        if (st >= 0)
            per_kind[kind][st == SKPI_OK]++;
    }
    free(b);
    printf("random damage: %ld iterations;", n_iter);
    for (int k = 0; k < D_KINDS; k++)
        printf(" %s %ld (%ld loaded)", kind_names[k], per_kind[k][0] + per_kind[k][1],
               per_kind[k][1]);
    printf("\n");
    print_stats("random damage", &all);
}
END_TEST

/* Found by the lying lengths above: an open_limit near SIZE_MAX made
 * lib/open.c's per-partition limit wrap to 0, so that every new message
 * forgot an earlier one. */
START_TEST(test_open_limit_max)
{
    skpi_options *o = NULL;
    skpi_tracker *t = NULL;
    ck_assert_status(skpi_options_new(&o), SKPI_OK);
    ck_assert_status(skpi_options_set_open_limit(o, SIZE_MAX), SKPI_OK);
    ck_assert_status(skpi_tracker_new(o, &t), SKPI_OK);
    skpi_options_free(o);
    char id[16];
    for (int i = 0; i < 200; i++) {
        snprintf(id, sizeof id, "m%d", i);
        ck_assert_status(skpi_record_message_id(t, 0, 0, D0 + i, id, NULL), SKPI_OK);
    }
    for (int i = 0; i < 200; i++) {
        snprintf(id, sizeof id, "m%d", i);
        ck_assert_status(skpi_record_reply(t, 0, id, D0 + 1000 + i), SKPI_OK);
    }
    skpi_tracker_free(t);
}
END_TEST

/* ===== Forms the writer never writes, built by hand ===== */

/*
 * A snapshot is taken apart into its twelve section payloads, one payload
 * is edited or written from scratch, and the sections are framed again with
 * correct lengths and CRCs, so that the loader meets exactly the form under
 * test.  Each refusal is checked for SKPI_ECORRUPT, its field and its byte
 * offset; each test also loads a valid variant built the same way (and
 * checks that it is saved again as the same bytes), so that a broken
 * builder cannot pass for a strict loader.
 */
typedef struct hb {
    unsigned char *b;
    size_t n, cap;
} hb;

static void hb_put(hb *h, const void *p, size_t n)
{
    if (h->n + n > h->cap) {
        h->cap = (h->n + n) * 2 + 64;
        h->b = realloc(h->b, h->cap);
        ck_assert_ptr_nonnull(h->b);
    }
    if (n > 0)
        memcpy(h->b + h->n, p, n);
    h->n += n;
}

static void hb_le(hb *h, uint64_t v, int n)
{
    unsigned char tmp[8];
    put_le(tmp, v, n);
    hb_put(h, tmp, (size_t)n);
}

static void hb_var(hb *h, uint64_t v)
{
    do {
        unsigned char c = (unsigned char)(v & 0x7F);
        v >>= 7;
        c = (unsigned char)(c | (v ? 0x80 : 0));
        hb_put(h, &c, 1);
    } while (v);
}

static void hb_bytes(hb *h, const void *p, size_t n)
{
    hb_var(h, n);
    hb_put(h, p, n);
}

static void hb_str(hb *h, const char *str)
{
    hb_bytes(h, str, strlen(str));
}

/* Replace the `del` bytes at `at` by ins[0..n). */
static void hb_splice(hb *h, size_t at, size_t del, const void *ins, size_t n)
{
    ck_assert_uint_le(at + del, h->n);
    hb tail = {0};
    hb_put(&tail, h->b + at + del, h->n - at - del);
    h->n = at;
    hb_put(h, ins, n);
    hb_put(h, tail.b, tail.n);
    free(tail.b);
}

/* The offset of the string `str` (with its one-byte length prefix) in h. */
static size_t hb_find_str(const hb *h, const char *str)
{
    size_t k = strlen(str);
    ck_assert_uint_lt(k, 128);
    for (size_t i = 0; i + 1 + k <= h->n; i++) {
        if (h->b[i] == k && memcmp(h->b + i + 1, str, k) == 0)
            return i;
    }
    ck_abort_msg("\"%s\" not found", str);
    return 0;
}

enum { S_CONFIG, S_TAXONOMY, S_SERIES, S_OPEN = S_SERIES + 8, S_LATE, S_COUNT };

typedef struct parts {
    hb sec[S_COUNT];
} parts;

static void parts_free(parts *p)
{
    for (int i = 0; i < S_COUNT; i++)
        free(p->sec[i].b);
    memset(p, 0, sizeof *p);
}

/* The section payloads of tracker t's snapshot. */
static void parts_of(const skpi_tracker *t, parts *p)
{
    char *b;
    size_t n;
    memset(p, 0, sizeof *p);
    ck_assert_status(skpi_tracker_to_bytes(t, &b, &n), SKPI_OK);
    size_t pos = 32;
    for (int i = 0; i < S_COUNT; i++) {
        size_t len = (size_t)get_le((unsigned char *)b + pos + 8, 8);
        hb_put(&p->sec[i], b + pos + 16, len);
        pos += 16 + len + 4;
    }
    ck_assert_uint_eq(pos, n);
    skpi_free(b);
}

/* Frame the payloads as a snapshot; at[i] receives where payload i
 * starts in it. */
static unsigned char *frame_parts(const parts *p, size_t *n, size_t at[S_COUNT])
{
    static const uint32_t ids[S_COUNT] = {1, 2, 16, 17, 18, 19, 20, 21, 22, 23, 3, 4};
    hb f = {0};
    hb_put(&f, "SKPISNAP", 8);
    hb_le(&f, 1, 2);
    hb_le(&f, 0, 2);
    hb_le(&f, S_COUNT, 4);
    hb_le(&f, 0, 8);
    hb_le(&f, 0, 4);
    hb_le(&f, 0, 4);
    for (int i = 0; i < S_COUNT; i++) {
        size_t start = f.n;
        hb_le(&f, ids[i], 4);
        hb_le(&f, 0, 4);
        hb_le(&f, p->sec[i].n, 8);
        at[i] = f.n;
        hb_put(&f, p->sec[i].b, p->sec[i].n);
        hb_le(&f, crc32c(f.b + start, f.n - start), 4);
    }
    put_le(f.b + 16, f.n, 8);
    put_le(f.b + 28, crc32c(f.b, 28), 4);
    *n = f.n;
    return f.b;
}

/* The payloads must load, and save again as the very same bytes. */
static void expect_loads(const parts *p)
{
    size_t n, at[S_COUNT];
    unsigned char *b = frame_parts(p, &n, at);
    skpi_tracker *u = NULL;
    skpi_error err;
    memset(&err, 0, sizeof err);
    skpi_status st = skpi_tracker_from_bytes(b, n, &u, &err);
    ck_assert_msg(st == SKPI_OK, "a valid hand-built snapshot: %s at %lld (%s: %s)",
                  skpi_status_name(st), (long long)err.offset, err.field, err.text);
    char *b2;
    size_t n2;
    ck_assert_status(skpi_tracker_to_bytes(u, &b2, &n2), SKPI_OK);
    ck_assert_uint_eq(n2, n);
    ck_assert(memcmp(b2, b, n) == 0);
    skpi_free(b2);
    skpi_tracker_free(u);
    free(b);
}

/* The payloads must be refused with SKPI_ECORRUPT, naming `field` and the
 * byte `off` of section `sec`'s payload. */
static void expect_refused(const parts *p, int sec, size_t off, const char *name)
{
    size_t n, at[S_COUNT];
    unsigned char *b = frame_parts(p, &n, at);
    skpi_tracker *sentinel = (skpi_tracker *)&n, *u = sentinel;
    skpi_error err;
    memset(&err, 0, sizeof err);
    skpi_status st = skpi_tracker_from_bytes(b, n, &u, &err);
    ck_assert_msg(st == SKPI_ECORRUPT, "%s: %s (%s: %s)", name, skpi_status_name(st),
                  err.field, err.text);
    ck_assert_ptr_eq(u, sentinel);
    ck_assert_int_eq(err.status, SKPI_ECORRUPT);
    ck_assert_str_eq(err.field, name);
    ck_assert_int_eq(err.offset, (int64_t)(at[sec] + off));
    ck_assert(err.text[0] != '\0');
    free(b);
}

static skpi_tracker *strict_tracker(const char *zone)
{
    return tracker_in(zone, SKPI_BUCKET_DAY);
}

/* (a) The writer leaves out counter pages that are all zero, sketch pages
 * without a sketch, and writes an empty sketch as no sketch. */
START_TEST(test_strict_empty_pages)
{
    skpi_tracker *t = strict_tracker("Z");
    parts p;
    parts_of(t, &p);
    hb *posts = &p.sec[S_SERIES + 2]; /* width 1, one cell per bucket */
    for (int zero = 1; zero >= 0; zero--) {
        posts->n = 0;
        hb_var(posts, 1);                 /* width */
        hb_var(posts, 1);                 /* slot 0 */
        hb_var(posts, 300);               /* page 300 */
        for (int i = 0; i < 64; i++)
            hb_var(posts, !zero && i == 5 ? 3 : 0);
        hb_var(posts, 0);
        if (zero)
            expect_refused(&p, S_SERIES + 2, 1, "page");
        else
            expect_loads(&p);
    }
    parts_free(&p);
    /* A follower tally page: zero gauges alike. */
    parts_of(t, &p);
    hb *follow = &p.sec[S_SERIES + 3];
    follow->n = 0;
    hb_var(follow, 1);
    hb_var(follow, 2);
    hb_var(follow, 300);
    for (int i = 0; i < 64; i++)
        hb_var(follow, 0);
    hb_var(follow, 0);
    expect_refused(&p, S_SERIES + 3, 1, "page");
    parts_free(&p);

    /* Sketches: a real follower sketch, then the same page without it, and
     * with an empty sketch in its place. */
    ck_assert_status(skpi_record_follower(t, 1, D0 + 3600, "ann"), SKPI_OK);
    parts_of(t, &p);
    expect_loads(&p);
    hb *people = &p.sec[S_SERIES + 6];
    size_t pos = 0;
    ck_assert_uint_eq(decode_varint(people->b, &pos), 3); /* width */
    size_t page_at = pos, k;
    (void)decode_varint(people->b + pos, &k); /* slot + 1 */
    pos += k;
    (void)decode_varint(people->b + pos, &k); /* page */
    pos += k;
    size_t cell_at = 0, cell_len = 0;
    for (int i = 0; i < 64 * 3; i++) {
        uint64_t len = decode_varint(people->b + pos, &k);
        if (len > 0) {
            ck_assert_uint_eq(cell_at, 0); /* one sketch only */
            cell_at = pos;
            cell_len = k + (size_t)len;
            ck_assert_int_eq(i % 3, 2); /* the followers cell */
        }
        pos += k + (size_t)len;
    }
    ck_assert_uint_gt(cell_at, 0);
    /* An empty HyperLogLog of the tracker's precision: sparse, no entry. */
    const unsigned char empty_hll[9] = {8, 1, 14, 1, 0, 0, 0, 0, 0};
    hb_splice(people, cell_at, cell_len, empty_hll, sizeof empty_hll);
    expect_refused(&p, S_SERIES + 6, cell_at, "sketch");
    const unsigned char none = 0;
    hb_splice(people, cell_at, sizeof empty_hll, &none, 1);
    expect_refused(&p, S_SERIES + 6, page_at, "page");
    parts_free(&p);

    /* An empty response-time sketch, likewise. */
    ck_assert_status(skpi_record_response(t, 0, 0, D0, D0 + 600), SKPI_OK);
    parts_of(t, &p);
    expect_loads(&p);
    hb *frt = &p.sec[S_SERIES + 5];
    pos = 0;
    ck_assert_uint_eq(decode_varint(frt->b, &pos), 2);
    (void)decode_varint(frt->b + pos, &k);
    pos += k;
    (void)decode_varint(frt->b + pos, &k);
    pos += k;
    uint64_t len = decode_varint(frt->b + pos, &k);
    while (len == 0) {
        pos += k;
        len = decode_varint(frt->b + pos, &k);
    }
    /* version 1, flags 0, alpha, then n, sum, min, max, zeros, buckets 0 */
    unsigned char empty_dds[1 + 16];
    empty_dds[0] = 16;
    memcpy(empty_dds + 1, frt->b + pos + k, 10);
    memset(empty_dds + 11, 0, 6);
    hb_splice(frt, pos, k + (size_t)len, empty_dds, sizeof empty_dds);
    expect_refused(&p, S_SERIES + 5, pos, "sketch");
    parts_free(&p);
    skpi_tracker_free(t);
}
END_TEST

/* (b) Built-in taxonomy entries are written as a new tracker has them:
 * entries never change once registered, labels included. */
START_TEST(test_strict_builtin_taxonomy)
{
    skpi_tracker *t = strict_tracker("Z");
    ck_assert_status(skpi_taxonomy_add(t, SKPI_PLATFORM, "twittex", "Not Twitter", NULL), SKPI_OK);
    parts p;
    parts_of(t, &p);
    expect_loads(&p);
    hb *tx = &p.sec[S_TAXONOMY];
    const hb orig = {tx->b, tx->n, tx->cap};
    unsigned char *keep = malloc(orig.n);
    ck_assert_ptr_nonnull(keep);
    memcpy(keep, orig.b, orig.n);
#define RESTORE() (tx->n = 0, hb_put(tx, keep, orig.n))
    /* Relabelled: "Facebook" -> "Facebooc". */
    size_t at = hb_find_str(tx, "facebook");
    size_t label = hb_find_str(tx, "Facebook");
    tx->b[label + 8] = 'c';
    expect_refused(&p, S_TAXONOMY, at, "taxonomy");
    RESTORE();
    /* Renamed: "facebook" -> "facebooc" (it would be registered anew). */
    tx->b[at + 8] = 'c';
    expect_refused(&p, S_TAXONOMY, at, "taxonomy");
    RESTORE();
    /* A built-in category in another group, or with another answer flag:
     * the group and the flag follow the label. */
    at = hb_find_str(tx, "traffic_inquiry");
    label = hb_find_str(tx, "Traffic inquiries");
    size_t group = label + 1 + strlen("Traffic inquiries");
    ck_assert_int_eq(tx->b[group], 0);
    ck_assert_int_eq(tx->b[group + 1], 1);
    tx->b[group] = 1;
    expect_refused(&p, S_TAXONOMY, at, "taxonomy");
    RESTORE();
    tx->b[group + 1] = 0;
    expect_refused(&p, S_TAXONOMY, at, "taxonomy");
    RESTORE();
    /* A built-in left out: instagram's entry goes, and the next one takes
     * its place. */
    at = hb_find_str(tx, "instagram");
    size_t end = hb_find_str(tx, "twittex");
    hb_splice(tx, at, end - at, NULL, 0);
    ck_assert_int_eq(tx->b[0], 4);
    tx->b[0] = 3;
    expect_refused(&p, S_TAXONOMY, at, "taxonomy");
    RESTORE();
    /* ... or goes with everything after it: the count is short. */
    at = hb_find_str(tx, "instagram");
    end = hb_find_str(tx, "Not Twitter") + 1 + strlen("Not Twitter") + 2;
    hb_splice(tx, at, end - at, NULL, 0);
    tx->b[0] = 2;
    expect_refused(&p, S_TAXONOMY, 0, "taxonomy");
    RESTORE();
    /* A slug twice: "twittex" -> "twitter". */
    at = hb_find_str(tx, "twittex");
    tx->b[at + 7] = 'r';
    expect_refused(&p, S_TAXONOMY, at, "taxonomy");
    RESTORE();
#undef RESTORE
    expect_loads(&p);
    free(keep);
    parts_free(&p);
    skpi_tracker_free(t);
}
END_TEST

/*
 * A CONFIG payload like `base`'s (the fields before open_limit and the
 * calendar copied), with the open limit and zone given; where[0..2]
 * receive the offsets of the zone, zone_offset and zone_rules fields.
 */
static void config_with(hb *out, const hb *base, uint64_t open_limit, const char *zone,
                        uint32_t offset, const unsigned char *tzif, size_t tzif_len,
                        size_t where[3])
{
    size_t pos = 13, k;
    uint64_t n_sla = decode_varint(base->b + pos, &k);
    pos += k;
    for (uint64_t i = 0; i < n_sla; i++) {
        (void)decode_varint(base->b + pos, &k);
        pos += k;
    }
    pos += 9; /* alpha, people_precision */
    size_t head = pos;
    for (int i = 0; i < 3; i++) { /* open_limit, journal_seq, zone */
        uint64_t v = decode_varint(base->b + pos, &k);
        pos += k + (i == 2 ? (size_t)v : 0);
    }
    pos += 4;
    uint64_t rules = decode_varint(base->b + pos, &k);
    pos += k + (size_t)rules;
    out->n = 0;
    hb_put(out, base->b, head);
    hb_var(out, open_limit);
    hb_var(out, 0);
    where[0] = out->n;
    hb_str(out, zone);
    where[1] = out->n;
    hb_le(out, offset, 4);
    where[2] = out->n;
    hb_bytes(out, tzif, tzif_len);
    hb_put(out, base->b + pos, base->n - pos); /* the calendar */
}

static unsigned char *read_tzif(const char *name, size_t *n)
{
    char path[256];
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", name);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    static unsigned char buf[1 << 16];
    *n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    ck_assert_uint_gt(*n, 44);
    unsigned char *copy = malloc(*n);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, buf, *n);
    return copy;
}

/* (c) Zone rules come only with a zone_offset of 0 and only for zones
 * whose offset changes; a fixed zone has its canonical name. */
START_TEST(test_strict_zone)
{
    skpi_tracker *t = strict_tracker("Z");
    parts p;
    parts_of(t, &p);
    hb cfg = {0};
    hb_put(&cfg, p.sec[S_CONFIG].b, p.sec[S_CONFIG].n);
    size_t w[3], n_london, n_dubai;
    unsigned char *london = read_tzif("Europe/London", &n_london);
    unsigned char *dubai = read_tzif("Asia/Dubai", &n_dubai);
    hb *c = &p.sec[S_CONFIG];
    config_with(c, &cfg, 1000000, "Z", 0, NULL, 0, w);
    expect_loads(&p); /* the builder reproduces the writer */
    ck_assert(c->n == cfg.n && memcmp(c->b, cfg.b, cfg.n) == 0);
    config_with(c, &cfg, 1000000, "Europe/London", 0, london, n_london, w);
    expect_loads(&p);
    config_with(c, &cfg, 1000000, "Europe/London", 3600, london, n_london, w);
    expect_refused(&p, S_CONFIG, w[1], "zone_offset");
    config_with(c, &cfg, 1000000, "Asia/Dubai", 0, dubai, n_dubai, w);
    expect_refused(&p, S_CONFIG, w[2], "zone_rules");
    config_with(c, &cfg, 1000000, "Asia/Dubai", 4 * 3600, NULL, 0, w);
    expect_loads(&p); /* what the writer writes for it */
    config_with(c, &cfg, 1000000, "+04:00", 4 * 3600, NULL, 0, w);
    expect_loads(&p);
    config_with(c, &cfg, 1000000, "+04:00", 3600, NULL, 0, w);
    expect_refused(&p, S_CONFIG, w[1], "zone_offset");
    config_with(c, &cfg, 1000000, "+0400", 4 * 3600, NULL, 0, w);
    expect_refused(&p, S_CONFIG, w[0], "zone");
    config_with(c, &cfg, 1000000, "UTC", 0, NULL, 0, w);
    expect_refused(&p, S_CONFIG, w[0], "zone");
    config_with(c, &cfg, 1000000, "Europe/London", 0, NULL, 0, w);
    expect_refused(&p, S_CONFIG, w[0], "zone"); /* rules left out */
    free(london);
    free(dubai);
    free(cfg.b);
    parts_free(&p);
    skpi_tracker_free(t);
}
END_TEST

/* One OPEN entry: key, received, platform, category, state. */
static void open_entry(hb *h, uint64_t key, int state)
{
    hb_le(h, key, 8);
    hb_var(h, (uint64_t)D0);
    hb_var(h, 1);
    hb_var(h, 2);
    hb_le(h, (uint64_t)state, 1);
}

/* (d) No more waiting messages than open_limit keeps. */
START_TEST(test_strict_open_limit)
{
    skpi_tracker *t = strict_tracker("Z");
    parts p;
    parts_of(t, &p);
    hb cfg = {0};
    hb_put(&cfg, p.sec[S_CONFIG].b, p.sec[S_CONFIG].n);
    size_t w[3];
    config_with(&p.sec[S_CONFIG], &cfg, 2, "Z", 0, NULL, 0, w);
    hb *open = &p.sec[S_OPEN];
    for (int n = 1; n <= 3; n++) {
        open->n = 0;
        hb_var(open, (uint64_t)n);
        size_t last = 0;
        for (int i = 0; i < n; i++) {
            last = open->n;
            open_entry(open, UINT64_C(0x1000) * (uint64_t)(i + 1), 1 + i % 2);
        }
        if (n <= 2)
            expect_loads(&p);
        else
            expect_refused(&p, S_OPEN, last, "open");
    }
    /* Keys strictly increase: a repeated key is refused too. */
    open->n = 0;
    hb_var(open, 2);
    open_entry(open, 0x1000, 1);
    size_t second = open->n;
    open_entry(open, 0x1000, 2);
    expect_refused(&p, S_OPEN, second, "open");
    free(cfg.b);
    parts_free(&p);
    skpi_tracker_free(t);
}
END_TEST

/* (e) Late answers strictly sorted by (slot, arrival, reply), none twice. */
START_TEST(test_strict_late_order)
{
    skpi_tracker *t = strict_tracker("Z");
    parts p;
    parts_of(t, &p);
    hb *late = &p.sec[S_LATE];
    static const uint64_t orders[][2][3] = {
        {{65, 19800, 19810}, {65, 19800, 19811}}, /* valid: (slot, arrival, reply) */
        {{65, 19800, 19810}, {65, 19801, 19809}},
        {{2, 19900, 19910}, {65, 19800, 19810}},
        {{65, 19800, 19811}, {65, 19800, 19810}}, /* reply out of order */
        {{65, 19801, 19810}, {65, 19800, 19810}}, /* arrival out of order */
        {{66, 19800, 19810}, {65, 19800, 19810}}, /* slot out of order */
        {{65, 19800, 19810}, {65, 19800, 19810}}, /* the same entry twice */
    };
    for (size_t k = 0; k < sizeof orders / sizeof orders[0]; k++) {
        late->n = 0;
        hb_var(late, 2);
        size_t second = 0;
        for (int i = 0; i < 2; i++) {
            second = late->n;
            for (int f = 0; f < 3; f++)
                hb_var(late, orders[k][i][f]);
            hb_var(late, 4);
        }
        if (k < 3)
            expect_loads(&p);
        else
            expect_refused(&p, S_LATE, second, "late");
    }
    parts_free(&p);
    skpi_tracker_free(t);
}
END_TEST

/* The golden file of format version 1 is in the strict form. */
START_TEST(test_strict_golden_v1)
{
    char path[512];
    snprintf(path, sizeof path, "%s/data/golden-v1.skpi", TEST_SRCDIR);
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    static unsigned char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    ck_assert_uint_lt(n, sizeof buf);
    skpi_tracker *u = NULL;
    ck_assert_status(skpi_tracker_from_bytes(buf, n, &u, NULL), SKPI_OK);
    char *b;
    size_t n2;
    ck_assert_status(skpi_tracker_to_bytes(u, &b, &n2), SKPI_OK);
    ck_assert_uint_eq(n2, n);
    ck_assert(memcmp(b, buf, n) == 0);
    skpi_free(b);
    skpi_tracker_free(u);
}
END_TEST

static Suite *damage_suite(void)
{
    Suite *s = suite_create("damage");
    TCase *exhaustive = tcase_create("exhaustive");
    tcase_add_checked_fixture(exhaustive, ref_setup, ref_teardown);
    tcase_set_timeout(exhaustive, 600);
    tcase_add_test(exhaustive, test_truncation_every_length);
    tcase_add_test(exhaustive, test_header_bits);
    tcase_add_test(exhaustive, test_section_header_bits);
    tcase_add_test(exhaustive, test_lying_lengths);
    tcase_add_test(exhaustive, test_open_limit_max);
    suite_add_tcase(s, exhaustive);
    TCase *strict = tcase_create("strict");
    tcase_add_test(strict, test_strict_empty_pages);
    tcase_add_test(strict, test_strict_builtin_taxonomy);
    tcase_add_test(strict, test_strict_zone);
    tcase_add_test(strict, test_strict_open_limit);
    tcase_add_test(strict, test_strict_late_order);
    tcase_add_test(strict, test_strict_golden_v1);
    suite_add_tcase(s, strict);
    TCase *random = tcase_create("random");
    tcase_add_checked_fixture(random, ref_setup, ref_teardown);
    tcase_set_timeout(random, 1200);
    tcase_add_test(random, test_random_damage);
    suite_add_tcase(s, random);
    return s;
}

SKPI_CHECK_MAIN(damage_suite)

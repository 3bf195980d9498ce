/*
 * snapshot.c -- a tracker as bytes, and back; merging two trackers.
 *
 * The format (doc/snapshot-format.md has the full specification)
 * ----------
 * A snapshot is self-contained: options, zone rules (the TZif bytes
 * themselves), taxonomy, every bucket, sketch, waiting message and late
 * answer.  Everything is little-endian whatever the host:
 *
 *   offset  size  file header
 *        0     8  magic "SKPISNAP"
 *        8     2  format version (1)
 *       10     2  flags, must be 0
 *       12     4  number of sections
 *       16     8  total length of the file in bytes
 *       24     4  reserved, must be 0
 *       28     4  CRC-32C of bytes 0..27
 *
 *   each section:
 *        0     4  section id
 *        4     4  reserved, must be 0
 *        8     8  payload length n
 *       16     n  payload
 *     16+n     4  CRC-32C of the 16-byte header and the payload
 *
 * Sections come in a fixed order, each exactly once: CONFIG (1), TAXONOMY
 * (2), one SERIES section per family (16 + family), OPEN (3), LATE (4).
 * Inside payloads, counts and cell values are LEB128 varints, so a 7-year
 * tracker of mostly small numbers stays small.
 *
 * Invariants
 * ----------
 *  - Writing merges the shards: the same logical state gives the same
 *    bytes whichever threads recorded it (counters summed, follower gauges
 *    maxed, sketches merged and canonically encoded, tables sorted).
 *  - Reading checks every length against the bytes that remain before it
 *    allocates, every id against its capacity, every CRC before the
 *    payload is trusted; any failure frees everything built so far and
 *    reports the byte offset.  A loaded tracker is indistinguishable from
 *    the saved one: saving it again gives the same bytes.
 *  - Loading is "apply a snapshot to an empty tracker"; merging is "apply
 *    src's snapshot to a copy of dst", then swap, so that dst is untouched
 *    on any error.  One code path serves both.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "tzif.h"

#define SNAP_MAGIC "SKPISNAP"
#define SNAP_VERSION 1
#define SNAP_HEADER 32
#define SECTION_HEADER 16

enum {
    SEC_CONFIG = 1,
    SEC_TAXONOMY = 2,
    SEC_OPEN = 3,
    SEC_LATE = 4,
    SEC_SERIES = 16 /* + family */
};

#define N_SECTIONS (4 + SKPI__NFAMILIES)

/* ===================================================================== */
/* Errors                                                                */
/* ===================================================================== */

static skpi_status fail(skpi_error *err, skpi_status st, int64_t offset,
                        const char *field, const char *text)
{
    return skpi__error_set(err, st, offset, field, text);
}

/* ===================================================================== */
/* Writing                                                               */
/* ===================================================================== */

static void put_u8(skpi__buf *b, unsigned v)
{
    skpi__buf_putc(b, (char)(unsigned char)v);
}

static void put_le(skpi__buf *b, uint64_t v, int n)
{
    unsigned char tmp[8];
    for (int i = 0; i < n; i++)
        tmp[i] = (unsigned char)(v >> (8 * i));
    skpi__buf_put(b, (const char *)tmp, (size_t)n);
}

static void put_bytes(skpi__buf *b, const void *p, size_t n)
{
    skpi__buf_varint(b, n);
    skpi__buf_put(b, p, n);
}

static void patch_le(skpi__buf *b, size_t at, uint64_t v, int n)
{
    if (b->failed)
        return;
    for (int i = 0; i < n; i++)
        b->data[at + (size_t)i] = (char)(unsigned char)(v >> (8 * i));
}

/* Open a section: its header, to be completed by section_end(). */
static size_t section_begin(skpi__buf *b, uint32_t id)
{
    size_t at = b->len;
    put_le(b, id, 4);
    put_le(b, 0, 4);
    put_le(b, 0, 8);
    return at;
}

static void section_end(skpi__buf *b, size_t at)
{
    if (b->failed)
        return;
    patch_le(b, at + 8, b->len - at - SECTION_HEADER, 8);
    put_le(b, skpi__crc32c(0, b->data + at, b->len - at), 4);
}

static void write_config(skpi__buf *b, const skpi_tracker *t)
{
    const struct skpi_options *o = &t->opt;
    size_t at = section_begin(b, SEC_CONFIG);
    put_u8(b, (unsigned)o->bucket);
    put_le(b, (uint32_t)o->rating_lo, 4);
    put_le(b, (uint32_t)o->rating_hi, 4);
    put_le(b, (uint32_t)o->rating_satisfied, 4);
    skpi__buf_varint(b, o->n_sla);
    for (size_t i = 0; i < o->n_sla; i++)
        skpi__buf_varint(b, (uint64_t)o->sla[i]);
    uint64_t alpha;
    memcpy(&alpha, &o->alpha, sizeof alpha);
    put_le(b, alpha, 8);
    put_u8(b, (unsigned)o->people_p);
    skpi__buf_varint(b, o->open_limit);
    skpi__buf_varint(b, atomic_load(&((skpi_tracker *)t)->journal_seq));
    put_bytes(b, o->zone.name, strlen(o->zone.name));
    put_le(b, (uint32_t)o->zone.offset, 4);
    put_bytes(b, o->zone.tzif, o->zone.tzif_len);
    unsigned char cal[SKPI__CAL_ENCODED_MAX];
    size_t cal_len = 0;
    (void)skpi__calendar_encode(&o->cal, cal, sizeof cal, &cal_len);
    put_bytes(b, cal, cal_len);
    section_end(b, at);
}

static void write_taxonomy(skpi__buf *b, const skpi_tracker *t)
{
    size_t at = section_begin(b, SEC_TAXONOMY);
    for (int d = 0; d < SKPI__NDIMS; d++) {
        size_t n = skpi__dim_count(&t->dims[d]);
        skpi__buf_varint(b, n);
        for (size_t i = 0; i < n; i++) {
            const skpi__entry *e = &t->dims[d].entries[i];
            put_bytes(b, e->slug, strlen(e->slug));
            put_bytes(b, e->label, strlen(e->label));
            skpi__buf_varint(b, e->group);
            put_u8(b, e->expects_answer ? 1 : 0);
        }
    }
    section_end(b, at);
}

/* Merge the sketch cell `i` of a page over every shard and encode it into
 * b as a length-prefixed string (length 0: no sketch). */
static skpi_status write_sketch(skpi__buf *b, const skpi_tracker *t,
                                enum skpi__family f, size_t slot, int64_t pg,
                                size_t i)
{
    skpi__dds dds;
    skpi__hll *hll = NULL;
    bool any = false;
    skpi_status st = SKPI_OK;
    if (f == SKPI__FAM_FRT)
        (void)skpi__dds_init(&dds, t->opt.alpha);
    for (unsigned s = 0; s < SKPI__SHARDS && st == SKPI_OK; s++) {
        const _Atomic int64_t *page = skpi__page_of_shard(t, s, f, slot, pg);
        void *cell = page == NULL ? NULL : skpi__cell_ptr(&page[i]);
        if (cell == NULL)
            continue;
        any = true;
        if (f == SKPI__FAM_FRT) {
            skpi__dds_cell *c = cell;
            skpi__spin_lock(&c->lock);
            st = skpi__dds_merge(&dds, &c->dds);
            skpi__spin_unlock(&c->lock);
        } else {
            skpi__hll_cell *c = cell;
            skpi__spin_lock(&c->lock);
            st = hll == NULL ? skpi__hll_copy(c->hll, &hll)
                             : skpi__hll_merge(hll, c->hll);
            skpi__spin_unlock(&c->lock);
        }
    }
    /* An empty sketch (left by a refused event) is no sketch: equal
     * logical states must give equal bytes. */
    if (st == SKPI_OK && any)
        any = f == SKPI__FAM_FRT ? skpi__dds_n(&dds) > 0
                                 : skpi__hll_count(hll) > 0;
    if (st == SKPI_OK && !any) {
        skpi__buf_varint(b, 0);
    } else if (st == SKPI_OK) {
        size_t n = f == SKPI__FAM_FRT ? skpi__dds_encoded_size(&dds)
                                      : skpi__hll_encoded_size(hll);
        unsigned char *tmp = malloc(n > 0 ? n : 1);
        if (tmp == NULL) {
            st = SKPI_ENOMEM;
        } else {
            st = f == SKPI__FAM_FRT ? skpi__dds_encode(&dds, tmp, n, &n)
                                    : skpi__hll_encode(hll, tmp, n, &n);
            if (st == SKPI_OK)
                put_bytes(b, tmp, n);
            free(tmp);
        }
    }
    if (f == SKPI__FAM_FRT)
        skpi__dds_fini(&dds);
    skpi__hll_free(hll);
    return st;
}

static bool sketch_family(enum skpi__family f)
{
    return f == SKPI__FAM_FRT || f == SKPI__FAM_PEOPLE;
}

/* Whether any shard holds a non-empty sketch in page pg of (f, slot). */
static bool page_has_sketch(const skpi_tracker *t, enum skpi__family f,
                            size_t slot, int64_t pg)
{
    size_t cells = SKPI__PAGE_LEN * t->width[f];
    for (unsigned s = 0; s < SKPI__SHARDS; s++) {
        const _Atomic int64_t *page = skpi__page_of_shard(t, s, f, slot, pg);
        for (size_t i = 0; page != NULL && i < cells; i++) {
            void *cell = skpi__cell_ptr(&page[i]);
            if (cell == NULL)
                continue;
            bool full;
            if (f == SKPI__FAM_FRT) {
                skpi__dds_cell *c = cell;
                skpi__spin_lock(&c->lock);
                full = skpi__dds_n(&c->dds) > 0;
                skpi__spin_unlock(&c->lock);
            } else {
                skpi__hll_cell *c = cell;
                skpi__spin_lock(&c->lock);
                full = skpi__hll_count(c->hll) > 0;
                skpi__spin_unlock(&c->lock);
            }
            if (full)
                return true;
        }
    }
    return false;
}

/* Whether a combined page holds anything (an all-zero page is skipped, so
 * that shards that allocated a page and wrote nothing change no byte). */
static bool page_nonzero(const int64_t *cells, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (cells[i] != 0)
            return true;
    }
    return false;
}

static skpi_status write_series(skpi__buf *b, const skpi_tracker *t,
                                enum skpi__family f)
{
    size_t at = section_begin(b, SEC_SERIES + (uint32_t)f);
    size_t width = t->width[f], cells = SKPI__PAGE_LEN * width;
    int64_t *page = malloc(cells * sizeof *page);
    if (page == NULL)
        return SKPI_ENOMEM;
    skpi__buf_varint(b, width);
    skpi_status st = SKPI_OK;
    for (size_t slot = 0; slot < skpi__family_slots(f) && st == SKPI_OK;
         slot++) {
        for (int64_t pg = skpi__page_next(t, f, slot, 0);
             pg >= 0 && st == SKPI_OK;
             pg = skpi__page_next(t, f, slot, pg + 1)) {
            if (sketch_family(f)) {
                /* Pages holding only empty sketches are left out, as
                 * all-zero counter pages are. */
                if (!page_has_sketch(t, f, slot, pg))
                    continue;
                skpi__buf_varint(b, slot + 1);
                skpi__buf_varint(b, (uint64_t)pg);
                for (size_t i = 0; i < cells && st == SKPI_OK; i++)
                    st = write_sketch(b, t, f, slot, pg, i);
                continue;
            }
            st = skpi__page_sum(t, f, slot, pg, page);
            if (st == SKPI_ENODATA || (st == SKPI_OK && !page_nonzero(page, cells))) {
                st = SKPI_OK;
                continue;
            }
            if (st != SKPI_OK)
                break;
            skpi__buf_varint(b, slot + 1);
            skpi__buf_varint(b, (uint64_t)pg);
            for (size_t i = 0; i < cells; i++)
                skpi__buf_varint(b, (uint64_t)page[i]);
        }
    }
    skpi__buf_varint(b, 0); /* end of series */
    free(page);
    section_end(b, at);
    return st;
}

static skpi_status write_open(skpi__buf *b, const skpi_tracker *t)
{
    skpi__open_msg *m;
    size_t n;
    skpi_status st =
        skpi__open_collect((skpi__open_table *)&t->open, &m, &n);
    if (st != SKPI_OK)
        return st;
    size_t at = section_begin(b, SEC_OPEN);
    skpi__buf_varint(b, n);
    for (size_t i = 0; i < n; i++) {
        put_le(b, m[i].key, 8);
        skpi__buf_varint(b, (uint64_t)m[i].received);
        skpi__buf_varint(b, m[i].platform);
        skpi__buf_varint(b, m[i].category);
        put_u8(b, m[i].state);
    }
    section_end(b, at);
    free(m);
    return SKPI_OK;
}

static skpi_status write_late(skpi__buf *b, const skpi_tracker *t)
{
    skpi__late_entry *e;
    size_t n;
    skpi_status st = skpi__late_collect(&t->late, &e, &n);
    if (st != SKPI_OK)
        return st;
    size_t at = section_begin(b, SEC_LATE);
    skpi__buf_varint(b, n);
    for (size_t i = 0; i < n; i++) {
        skpi__buf_varint(b, e[i].slot);
        skpi__buf_varint(b, (uint64_t)e[i].arrival);
        skpi__buf_varint(b, (uint64_t)e[i].reply);
        skpi__buf_varint(b, (uint64_t)e[i].count);
    }
    section_end(b, at);
    free(e);
    return SKPI_OK;
}

skpi_status skpi_tracker_to_bytes(const skpi_tracker *t, char **out,
                                  size_t *len)
{
    if (t == NULL || out == NULL)
        return SKPI_EINVAL;
    skpi__buf b;
    skpi__buf_init(&b);
    skpi__buf_put(&b, SNAP_MAGIC, 8);
    put_le(&b, SNAP_VERSION, 2);
    put_le(&b, 0, 2);
    put_le(&b, N_SECTIONS, 4);
    put_le(&b, 0, 8); /* total length, patched below */
    put_le(&b, 0, 4);
    put_le(&b, 0, 4); /* header CRC, patched below */
    write_config(&b, t);
    write_taxonomy(&b, t);
    skpi_status st = SKPI_OK;
    for (int f = 0; f < SKPI__NFAMILIES && st == SKPI_OK; f++)
        st = write_series(&b, t, (enum skpi__family)f);
    if (st == SKPI_OK)
        st = write_open(&b, t);
    if (st == SKPI_OK)
        st = write_late(&b, t);
    if (st != SKPI_OK || b.failed) {
        skpi__buf_free(&b);
        return st != SKPI_OK ? st : SKPI_ENOMEM;
    }
    patch_le(&b, 16, b.len, 8);
    patch_le(&b, 28, skpi__crc32c(0, b.data, 28), 4);
    return skpi__buf_finish(&b, out, len);
}

/* ===================================================================== */
/* Reading                                                               */
/* ===================================================================== */

/* A bounded reader; the first failure sticks and names where it was. */
typedef struct reader {
    const unsigned char *p;
    size_t len, pos;
    size_t base;       /* offset of p[0] in the whole input */
    skpi_status st;
    size_t fail_at;
    const char *field;
} reader;

static bool rd_fail(reader *r, skpi_status st, const char *field)
{
    if (r->st == SKPI_OK) {
        r->st = st;
        r->fail_at = r->base + r->pos;
        r->field = field;
    }
    return false;
}

/* As rd_fail(), naming an earlier position of the section. */
static bool rd_fail_at(reader *r, size_t pos, skpi_status st,
                       const char *field)
{
    size_t now = r->pos;
    r->pos = pos;
    rd_fail(r, st, field);
    r->pos = now;
    return false;
}

static bool rd_le(reader *r, int n, uint64_t *v, const char *field)
{
    if (r->st != SKPI_OK)
        return false;
    if (r->len - r->pos < (size_t)n)
        return rd_fail(r, SKPI_ETRUNC, field);
    uint64_t x = 0;
    for (int i = 0; i < n; i++)
        x |= (uint64_t)r->p[r->pos + (size_t)i] << (8 * i);
    r->pos += (size_t)n;
    *v = x;
    return true;
}

static bool rd_varint(reader *r, uint64_t *v, const char *field)
{
    if (r->st != SKPI_OK)
        return false;
    uint64_t x = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (r->pos >= r->len)
            return rd_fail(r, SKPI_ETRUNC, field);
        unsigned char c = r->p[r->pos++];
        /* The tenth byte may only hold the top bit; no overlong forms. */
        if (shift == 63 && c > 1)
            return rd_fail(r, SKPI_ECORRUPT, field);
        x |= (uint64_t)(c & 0x7F) << shift;
        if ((c & 0x80) == 0) {
            if (c == 0 && shift > 0)
                return rd_fail(r, SKPI_ECORRUPT, field);
            *v = x;
            return true;
        }
    }
    return rd_fail(r, SKPI_ECORRUPT, field);
}

/* A varint that must be <= max. */
static bool rd_count(reader *r, uint64_t max, uint64_t *v, const char *field)
{
    if (!rd_varint(r, v, field))
        return false;
    return *v <= max || rd_fail(r, SKPI_ECORRUPT, field);
}

/* A length-prefixed byte string of at most max bytes, pointing into the
 * input (nothing is allocated). */
static bool rd_bytes(reader *r, size_t max, const unsigned char **p,
                     size_t *n, const char *field)
{
    uint64_t len;
    if (!rd_varint(r, &len, field))
        return false;
    if (len > max)
        return rd_fail(r, SKPI_ECORRUPT, field);
    if (len > r->len - r->pos)
        return rd_fail(r, SKPI_ETRUNC, field);
    *p = r->p + r->pos;
    *n = (size_t)len;
    r->pos += (size_t)len;
    return true;
}

/* Copy a length-prefixed string into a NUL-terminated buffer of cap. */
static bool rd_string(reader *r, char *out, size_t cap, const char *field)
{
    const unsigned char *p;
    size_t n;
    if (!rd_bytes(r, cap - 1, &p, &n, field))
        return false;
    if (memchr(p, '\0', n) != NULL)
        return rd_fail(r, SKPI_ECORRUPT, field);
    memcpy(out, p, n);
    out[n] = '\0';
    return true;
}

/* The sections of a checked input, found by the frame reader. */
typedef struct frame {
    reader sec[N_SECTIONS];
} frame;

static uint32_t section_id(int i)
{
    static const uint32_t ids[4] = {SEC_CONFIG, SEC_TAXONOMY, SEC_OPEN,
                                    SEC_LATE};
    if (i < 2)
        return ids[i];
    if (i < 2 + SKPI__NFAMILIES)
        return SEC_SERIES + (uint32_t)(i - 2);
    return ids[i - SKPI__NFAMILIES];
}

/* Check the header, every section frame and CRC; fill f with readers over
 * the payloads. */
static skpi_status read_frame(const unsigned char *buf, size_t len, frame *f,
                              skpi_error *err)
{
    if (len < SNAP_HEADER)
        return fail(err, len >= 8 && memcmp(buf, SNAP_MAGIC, 8) == 0
                             ? SKPI_ETRUNC
                             : SKPI_EFORMAT,
                    (int64_t)len, "header", "input shorter than a header");
    if (memcmp(buf, SNAP_MAGIC, 8) != 0)
        return fail(err, SKPI_EFORMAT, 0, "magic",
                    "not a libsocialkpi snapshot");
    reader h = {buf, SNAP_HEADER, 8, 0, SKPI_OK, 0, NULL};
    uint64_t version = 0, flags = 0, n = 0, total = 0, reserved = 0, crc = 0;
    rd_le(&h, 2, &version, "version");
    rd_le(&h, 2, &flags, "flags");
    rd_le(&h, 4, &n, "sections");
    rd_le(&h, 8, &total, "length");
    rd_le(&h, 4, &reserved, "reserved");
    rd_le(&h, 4, &crc, "header_crc");
    if (crc != skpi__crc32c(0, buf, 28))
        return fail(err, SKPI_ECRC, 28, "header_crc",
                    "the header's checksum does not match");
    if (version != SNAP_VERSION)
        return fail(err, SKPI_EVERSION, 8, "version",
                    "unsupported snapshot format version");
    if (flags != 0 || reserved != 0)
        return fail(err, SKPI_ECORRUPT, flags != 0 ? 10 : 24,
                    flags != 0 ? "flags" : "reserved",
                    "a reserved header field is not zero");
    if (n != N_SECTIONS)
        return fail(err, SKPI_ECORRUPT, 12, "sections",
                    "wrong number of sections");
    if (total != len)
        return fail(err, total > len ? SKPI_ETRUNC : SKPI_ECORRUPT, 16,
                    "length", total > len
                                  ? "the input is shorter than its header says"
                                  : "bytes follow the end of the snapshot");
    size_t pos = SNAP_HEADER;
    for (int i = 0; i < N_SECTIONS; i++) {
        reader s = {buf, len, pos, 0, SKPI_OK, 0, NULL};
        uint64_t id = 0, res = 0, plen = 0;
        if (!rd_le(&s, 4, &id, "section") || !rd_le(&s, 4, &res, "section") ||
            !rd_le(&s, 8, &plen, "section"))
            return fail(err, SKPI_ETRUNC, (int64_t)pos, "section",
                        "a section header is cut short");
        if (id != section_id(i) || res != 0)
            return fail(err, SKPI_ECORRUPT, (int64_t)pos, "section",
                        "unexpected section id or reserved bits");
        if (plen > len - s.pos || len - s.pos - plen < 4)
            return fail(err, SKPI_ETRUNC, (int64_t)pos + 8, "section",
                        "a section runs past the end of the input");
        size_t end = s.pos + (size_t)plen;
        uint64_t scrc = 0;
        for (int k = 0; k < 4; k++)
            scrc |= (uint64_t)buf[end + (size_t)k] << (8 * k);
        if (scrc != skpi__crc32c(0, buf + pos, end - pos))
            return fail(err, SKPI_ECRC, (int64_t)end, "section",
                        "a section's checksum does not match");
        f->sec[i] = (reader){buf + s.pos, (size_t)plen, 0, s.pos, SKPI_OK, 0,
                             NULL};
        pos = end + 4;
    }
    if (pos != len)
        return fail(err, SKPI_ECORRUPT, (int64_t)pos, "length",
                    "bytes follow the last section");
    return SKPI_OK;
}

/* Report a reader's failure, or bytes left unread in its section. */
static skpi_status reader_done(reader *r, skpi_error *err)
{
    if (r->st == SKPI_OK && r->pos != r->len)
        rd_fail(r, SKPI_ECORRUPT, "section");
    if (r->st == SKPI_OK)
        return SKPI_OK;
    static const char *const texts[] = {
        [SKPI_ETRUNC] = "a field runs past the end of its section",
        [SKPI_ECORRUPT] = "a field holds an impossible value",
    };
    const char *text = (size_t)r->st < sizeof texts / sizeof texts[0] &&
                               texts[r->st] != NULL
                           ? texts[r->st]
                           : skpi_strerror(r->st);
    return fail(err, r->st, (int64_t)r->fail_at, r->field, text);
}

/*
 * The zone of a snapshot: rebuilt from its TZif bytes, or a fixed offset.
 * Only the forms the writer produces are accepted: rules only for a zone
 * whose offset changes, and then a zone_offset of 0; a fixed zone under
 * its canonical name ("+04:00", not "+0400").  *bad receives the field at
 * fault (0 the name, 1 zone_offset, 2 zone_rules).
 */
static skpi_status read_zone(const char *name, uint64_t off,
                             const unsigned char *tzif, size_t tzif_len,
                             skpi__zone *out, int *bad)
{
    skpi__zone z;
    if (tzif_len > 0) {
        if (off != 0) {
            *bad = 1;
            return SKPI_ECORRUPT;
        }
        skpi_status st = skpi__zone_from_tzif(name, tzif, tzif_len, &z);
        if (st == SKPI_OK && z.rules == NULL) /* converts as a fixed offset */
            st = SKPI_ECORRUPT;
        *bad = 2;
        if (st == SKPI_OK)
            *out = z;
        return st == SKPI_OK || st == SKPI_ENOMEM ? st : SKPI_ECORRUPT;
    }
    memset(&z, 0, sizeof z);
    z.offset = (int32_t)(uint32_t)off;
    memcpy(z.name, name, strlen(name) + 1);
    skpi__zone check;
    skpi_status st = skpi__zone_parse(name, &check);
    if (st == SKPI_ENOMEM)
        return st;
    if (st == SKPI_OK) {
        /* An IANA name converting as a fixed offset keeps its name. */
        bool rules = check.rules != NULL;
        bool canonical = strcmp(check.name, name) == 0;
        int32_t want = check.offset;
        skpi__zone_free(&check);
        if (rules || !canonical || want != z.offset) {
            *bad = rules || !canonical ? 0 : 1;
            return SKPI_ECORRUPT;
        }
    } else if (z.offset < -14 * 3600 || z.offset > 14 * 3600) {
        /* A fixed zone named after an IANA zone that this machine does
         * not have is still rebuilt from its saved offset. */
        *bad = 1;
        return SKPI_ECORRUPT;
    }
    *out = z;
    return SKPI_OK;
}

/* The options a snapshot was made with, as a new options object. */
static skpi_status read_config(reader *r, skpi_options **out,
                               uint64_t *seq_out, skpi_error *err)
{
    skpi_options *o;
    skpi_status st = skpi_options_new(&o);
    if (st != SKPI_OK)
        return fail(err, st, -1, "config", skpi_strerror(st));
    uint64_t bucket = 0, lo = 0, hi = 0, sat = 0, n_sla = 0, alpha_bits = 0;
    uint64_t p = 0, limit = 0, off = 0, seq = 0;
    int64_t sla[SKPI_MAX_SLA] = {0};
    char name[SKPI__ZONE_NAME_MAX + 1];
    const unsigned char *tzif = NULL, *cal = NULL;
    size_t tzif_len = 0, cal_len = 0;
    rd_le(r, 1, &bucket, "bucket");
    rd_le(r, 4, &lo, "rating_lo");
    rd_le(r, 4, &hi, "rating_hi");
    rd_le(r, 4, &sat, "rating_satisfied");
    rd_count(r, SKPI_MAX_SLA, &n_sla, "sla");
    for (uint64_t i = 0; i < n_sla && r->st == SKPI_OK; i++) {
        uint64_t v;
        if (rd_count(r, INT64_MAX, &v, "sla"))
            sla[i] = (int64_t)v;
    }
    rd_le(r, 8, &alpha_bits, "alpha");
    rd_le(r, 1, &p, "people_precision");
    rd_varint(r, &limit, "open_limit");
    rd_varint(r, &seq, "journal_seq");
    /* Where the zone's three fields start, for the error's offset. */
    size_t at[3];
    at[0] = r->base + r->pos;
    rd_string(r, name, sizeof name, "zone");
    at[1] = r->base + r->pos;
    rd_le(r, 4, &off, "zone_offset");
    at[2] = r->base + r->pos;
    rd_bytes(r, SKPI__TZIF_MAX_BYTES, &tzif, &tzif_len, "zone_rules");
    rd_bytes(r, SKPI__CAL_ENCODED_MAX, &cal, &cal_len, "calendar");
    double alpha;
    memcpy(&alpha, &alpha_bits, sizeof alpha);
    st = r->st;
    /* Every value goes through the setter that validates it for users. */
    if (st == SKPI_OK &&
        (skpi_options_set_bucket(o, (int)bucket) != SKPI_OK ||
         skpi_options_set_rating_scale(o, (int)(int32_t)lo, (int)(int32_t)hi,
                                       (int)(int32_t)sat) != SKPI_OK ||
         skpi_options_set_sla(o, sla, (size_t)n_sla) != SKPI_OK ||
         skpi_options_set_quantile_accuracy(o, alpha) != SKPI_OK ||
         skpi_options_set_people_precision(o, (int)p) != SKPI_OK ||
         limit > SIZE_MAX || skpi_options_set_open_limit(o, (size_t)limit) !=
                                 SKPI_OK ||
         skpi__calendar_decode(cal, cal_len, &o->cal) != SKPI_OK))
        st = SKPI_ECORRUPT;
    if (st != SKPI_OK) {
        skpi_options_free(o);
        if (r->st != SKPI_OK)
            return reader_done(r, err);
        return fail(err, st, (int64_t)r->base, "config",
                    "the options are not valid");
    }
    skpi__zone z;
    int bad = 0;
    st = read_zone(name, off, tzif, tzif_len, &z, &bad);
    if (st != SKPI_OK) {
        static const char *const fields[3] = {"zone", "zone_offset",
                                              "zone_rules"};
        static const char *const texts[3] = {
            "a zone name that is not the canonical name of a fixed zone",
            "a zone_offset that does not fit the zone",
            "zone rules that are not valid, or whose offset never changes"};
        skpi_options_free(o);
        return st == SKPI_ENOMEM
                   ? fail(err, st, -1, "zone_rules", skpi_strerror(st))
                   : fail(err, st, (int64_t)at[bad], fields[bad], texts[bad]);
    }
    skpi__zone_free(&o->zone);
    o->zone = z;
    st = reader_done(r, err);
    if (st != SKPI_OK) {
        skpi_options_free(o);
        return st;
    }
    *out = o;
    *seq_out = seq;
    return SKPI_OK;
}

/*
 * Unite the snapshot's taxonomy into t: entries t lacks are registered,
 * entries it has must agree (a category's group and answer flag; t's
 * labels are kept).  map[d] receives, for each snapshot id, t's id.
 *
 * Into a fresh tracker (`fresh`: loading, not merging) only what the
 * writer writes is accepted: every dimension starts with the built-in
 * entries exactly as a new tracker has them (they never change: entries
 * are immutable once registered), and no slug comes twice.
 */
static skpi_status read_taxonomy(reader *r, skpi_tracker *t, bool fresh,
                                 uint32_t map[SKPI__NDIMS][SKPI_MAX_CATEGORIES],
                                 size_t counts[SKPI__NDIMS], skpi_error *err)
{
    for (int d = 0; d < SKPI__NDIMS && r->st == SKPI_OK; d++) {
        size_t builtin = fresh ? skpi__dim_count(&t->dims[d]) : 0;
        size_t at = r->base + r->pos;
        uint64_t n;
        if (!rd_count(r, t->dims[d].cap, &n, "taxonomy"))
            break;
        if (n < builtin)
            return fail(err, SKPI_ECORRUPT, (int64_t)at, "taxonomy",
                        "a built-in taxonomy entry is missing");
        counts[d] = (size_t)n;
        for (uint64_t i = 0; i < n && r->st == SKPI_OK; i++) {
            char slug[SKPI_SLUG_MAX + 1], label[SKPI_LABEL_MAX + 1];
            uint64_t group = 0, expects = 0;
            at = r->base + r->pos;
            rd_string(r, slug, sizeof slug, "slug");
            rd_string(r, label, sizeof label, "label");
            rd_count(r, SKPI_MAX_GROUPS - 1, &group, "group");
            rd_le(r, 1, &expects, "expects_answer");
            if (r->st != SKPI_OK)
                break;
            if (!skpi__slug_valid(slug) ||
                !skpi__utf8_valid(label, strlen(label)) || expects > 1 ||
                (d == SKPI_CATEGORY ? group >= counts[SKPI_GROUP]
                                    : group != 0 || expects != 0)) {
                rd_fail(r, SKPI_ECORRUPT, "taxonomy");
                break;
            }
            uint32_t g = d == SKPI_CATEGORY ? map[SKPI_GROUP][group] : 0;
            uint32_t id;
            if (i < builtin) {
                const skpi__entry *e = &t->dims[d].entries[i];
                if (strcmp(e->slug, slug) != 0 ||
                    strcmp(e->label, label) != 0 || e->group != g ||
                    e->expects_answer != (expects == 1))
                    return fail(err, SKPI_ECORRUPT, (int64_t)at, "taxonomy",
                                "a built-in taxonomy entry is changed");
                id = (uint32_t)i;
            } else if (skpi_taxonomy_find(t, d, slug, &id) == SKPI_OK) {
                if (fresh)
                    return fail(err, SKPI_ECORRUPT, (int64_t)at, "taxonomy",
                                "a taxonomy slug appears twice");
                uint32_t have_g = 0;
                int have_e = 0;
                if (d == SKPI_CATEGORY) {
                    (void)skpi_category_info(t, id, &have_g, &have_e);
                    if (have_g != g || have_e != (int)expects)
                        return fail(err, SKPI_EEXIST, (int64_t)at, "taxonomy",
                                    "a category differs in group or answer "
                                    "flag");
                }
            } else {
                skpi_status st =
                    d == SKPI_CATEGORY
                        ? skpi_category_add(t, slug, label, g, (int)expects, &id)
                        : skpi_taxonomy_add(t, d, slug, label, &id);
                if (st != SKPI_OK)
                    return fail(err, st, (int64_t)at, "taxonomy",
                                skpi_strerror(st));
            }
            map[d][i] = id;
        }
    }
    return reader_done(r, err);
}

/* The id in t of snapshot series `slot` of family f, through the maps. */
static bool map_slot(enum skpi__family f, size_t slot,
                     uint32_t map[SKPI__NDIMS][SKPI_MAX_CATEGORIES],
                     const size_t counts[SKPI__NDIMS], size_t *out)
{
    size_t p, sub = 0;
    switch (f) {
    case SKPI__FAM_MSG:
    case SKPI__FAM_FRT:
        p = slot / SKPI_MAX_CATEGORIES;
        sub = slot % SKPI_MAX_CATEGORIES;
        if (sub >= counts[SKPI_CATEGORY])
            return false;
        sub = map[SKPI_CATEGORY][sub];
        break;
    case SKPI__FAM_ENG:
        p = slot / SKPI_MAX_KINDS;
        sub = slot % SKPI_MAX_KINDS;
        if (sub >= counts[SKPI_KIND])
            return false;
        sub = map[SKPI_KIND][sub];
        break;
    default:
        p = slot;
    }
    if (p >= counts[SKPI_PLATFORM])
        return false;
    *out = skpi__slot(f, map[SKPI_PLATFORM][p], (uint32_t)sub);
    return true;
}

/*
 * Whether a valid HyperLogLog encoding holds no id: sparse without an
 * entry, or dense with every register 0 (lib/hll.c has the layout).  The
 * same test as the writer's skpi__hll_count() > 0, without computing an
 * estimate.
 */
static bool hll_empty(const unsigned char *p, size_t n)
{
    if (p[0] == 1)
        return p[4] == 0 && p[5] == 0 && p[6] == 0 && p[7] == 0;
    for (size_t i = 4; i < n; i++) {
        if (p[i] != 0)
            return false;
    }
    return true;
}

/*
 * Fold one encoded sketch into cell c of t.  An empty sketch is refused:
 * the writer writes it as no sketch (a zero length) instead.
 */
static skpi_status apply_sketch(skpi_tracker *t, enum skpi__family f,
                                _Atomic int64_t *cell,
                                const unsigned char *p, size_t n)
{
    if (f == SKPI__FAM_FRT) {
        skpi__dds src;
        skpi_status st = skpi__dds_decode_init(&src, p, n);
        if (st != SKPI_OK)
            return st == SKPI_ENOMEM ? st : SKPI_ECORRUPT;
        skpi__dds_cell *c = NULL;
        if (skpi__dds_alpha(&src) != t->opt.alpha || skpi__dds_n(&src) == 0)
            st = SKPI_ECORRUPT;
        else if ((c = skpi__dds_cell_get(t, cell)) == NULL)
            st = SKPI_ENOMEM;
        else
            st = skpi__dds_merge(&c->dds, &src);
        skpi__dds_fini(&src);
        return st;
    }
    skpi__hll *src;
    skpi_status st = skpi__hll_decode(p, n, &src);
    if (st != SKPI_OK)
        return st == SKPI_ENOMEM ? st : SKPI_ECORRUPT;
    skpi__hll_cell *c = NULL;
    if (skpi__hll_precision(src) != t->opt.people_p || hll_empty(p, n))
        st = SKPI_ECORRUPT;
    else if ((c = skpi__hll_cell_get(t, cell)) == NULL)
        st = SKPI_ENOMEM;
    else
        st = skpi__hll_merge(c->hll, src);
    skpi__hll_free(src);
    return st;
}

/* Add src to the counter *c; gauges keep the maximum. */
static bool apply_cell(enum skpi__family f, _Atomic int64_t *c, uint64_t v)
{
    int64_t old = atomic_load_explicit(c, memory_order_relaxed);
    int64_t now;
    if (f == SKPI__FAM_FOLLOW) {
        now = (uint64_t)old > v ? old : (int64_t)v;
    } else {
        if (v > INT64_MAX || __builtin_add_overflow(old, (int64_t)v, &now))
            return false;
    }
    atomic_store_explicit(c, now, memory_order_relaxed);
    return true;
}

static skpi_status read_series(reader *r, skpi_tracker *t, enum skpi__family f,
                               uint32_t map[SKPI__NDIMS][SKPI_MAX_CATEGORIES],
                               const size_t counts[SKPI__NDIMS], skpi_error *err)
{
    uint64_t width;
    if (!rd_varint(r, &width, "width"))
        return reader_done(r, err);
    if (width != t->width[f])
        return fail(err, SKPI_ECORRUPT, (int64_t)r->base, "width",
                    "a family's cell width does not match its options");
    size_t cells = SKPI__PAGE_LEN * (size_t)width;
    int64_t n_pages = (int64_t)t->n_mid << SKPI__MID_BITS;
    uint64_t last_slot = 0;
    int64_t last_page = -1;
    for (;;) {
        size_t page_at = r->pos;
        uint64_t slot1, pg;
        if (!rd_count(r, skpi__family_slots(f), &slot1, "slot"))
            break;
        if (slot1 == 0)
            break;
        if (!rd_count(r, (uint64_t)n_pages - 1, &pg, "page"))
            break;
        /* Series ascend, pages ascend within a series: canonical order. */
        if (slot1 < last_slot || (slot1 == last_slot && (int64_t)pg <= last_page)) {
            rd_fail(r, SKPI_ECORRUPT, "page");
            break;
        }
        last_slot = slot1;
        last_page = (int64_t)pg;
        size_t slot;
        if (!map_slot(f, (size_t)slot1 - 1, map, counts, &slot)) {
            rd_fail(r, SKPI_ECORRUPT, "slot");
            break;
        }
        int64_t b0 = (int64_t)pg << SKPI__PAGE_BITS;
        bool any = false; /* a cell that is not zero, or a sketch */
        for (size_t i = 0; i < cells && r->st == SKPI_OK; i++) {
            int64_t b = b0 + (int64_t)(i / width);
            size_t cell_at = r->pos;
            if (sketch_family(f)) {
                const unsigned char *p;
                size_t n;
                if (!rd_bytes(r, r->len, &p, &n, "sketch") || n == 0)
                    continue;
                any = true;
                if (b >= t->n_buckets) {
                    rd_fail_at(r, cell_at, SKPI_ECORRUPT, "sketch");
                    break;
                }
                _Atomic int64_t *c = skpi__cells_for_write_in(t, 0, f, slot, b);
                skpi_status st = c == NULL ? SKPI_ENOMEM
                                           : apply_sketch(t, f, &c[i % width],
                                                          p, n);
                if (st != SKPI_OK)
                    rd_fail_at(r, cell_at, st, "sketch");
                continue;
            }
            uint64_t v;
            if (!rd_count(r, INT64_MAX, &v, "cell") || v == 0)
                continue;
            any = true;
            if (b >= t->n_buckets) {
                rd_fail_at(r, cell_at, SKPI_ECORRUPT, "cell");
                break;
            }
            _Atomic int64_t *c = skpi__cells_for_write_in(t, 0, f, slot, b);
            if (c == NULL)
                rd_fail(r, SKPI_ENOMEM, "cell");
            else if (!apply_cell(f, &c[i % width], v))
                rd_fail(r, SKPI_EOVERFLOW, "cell");
        }
        if (r->st != SKPI_OK)
            break;
        /* The writer leaves out pages that hold nothing. */
        if (!any) {
            rd_fail_at(r, page_at, SKPI_ECORRUPT, "page");
            break;
        }
    }
    return reader_done(r, err);
}

/*
 * Kept messages, in strictly increasing key order.  Into a fresh tracker
 * (`fresh`) they must also fit its open limit as the writer's table keeps
 * it (per stripe, see lib/open.c): a message that would make the table
 * forget another is more than the writer ever writes.  A merge may
 * forget, as recording would.
 */
static skpi_status read_open(reader *r, skpi_tracker *t, bool fresh,
                             uint32_t map[SKPI__NDIMS][SKPI_MAX_CATEGORIES],
                             const size_t counts[SKPI__NDIMS], skpi_error *err)
{
    uint64_t n;
    /* Each entry takes at least 12 bytes: a bound before anything else. */
    if (!rd_count(r, (r->len - r->pos) / 12, &n, "open"))
        return reader_done(r, err);
    uint64_t last = 0;
    for (uint64_t i = 0; i < n && r->st == SKPI_OK; i++) {
        size_t at = r->pos;
        uint64_t key = 0, received = 0, p = 0, c = 0, state = 0;
        rd_le(r, 8, &key, "open");
        rd_count(r, (uint64_t)SKPI_TIME_MAX - 1, &received, "open");
        rd_count(r, counts[SKPI_PLATFORM] - 1, &p, "open");
        rd_count(r, counts[SKPI_CATEGORY] - 1, &c, "open");
        rd_le(r, 1, &state, "open");
        if (r->st != SKPI_OK)
            break;
        if ((i > 0 && key <= last) ||
            (state != SKPI__OPEN_WAITING && state != SKPI__OPEN_ANSWERED)) {
            rd_fail_at(r, at, SKPI_ECORRUPT, "open");
            break;
        }
        last = key;
        skpi__open_msg m = {0};
        m.received = (int64_t)received;
        m.platform = map[SKPI_PLATFORM][p];
        m.category = map[SKPI_CATEGORY][c];
        skpi__open_hold h;
        skpi__open_lock(&t->open, key, &h);
        if (h.msg != NULL) {
            /* Known to both sides of a merge: answered wins. */
            if (state == SKPI__OPEN_ANSWERED &&
                h.msg->state == SKPI__OPEN_WAITING)
                skpi__open_answer(&h);
        } else if (skpi__open_reserve(&h) != SKPI_OK) {
            rd_fail(r, SKPI_ENOMEM, "open");
        } else if (skpi__open_insert(&h, &m) != SKPI__FORGOT_NONE && fresh) {
            /* (The tracker is discarded: what was forgotten is moot.) */
            rd_fail_at(r, at, SKPI_ECORRUPT, "open");
        } else if (state == SKPI__OPEN_ANSWERED) {
            skpi__open_answer(&h);
        }
        skpi__open_unlock(&h);
    }
    return reader_done(r, err);
}

/* Late answers: strictly increasing (slot, arrival, reply), as the writer
 * sorts them, so that no entry is given twice. */
static skpi_status read_late(reader *r, skpi_tracker *t,
                             uint32_t map[SKPI__NDIMS][SKPI_MAX_CATEGORIES],
                             const size_t counts[SKPI__NDIMS], skpi_error *err)
{
    uint64_t n;
    if (!rd_count(r, (r->len - r->pos) / 4, &n, "late"))
        return reader_done(r, err);
    uint64_t last[3] = {0, 0, 0};
    for (uint64_t i = 0; i < n && r->st == SKPI_OK; i++) {
        size_t at = r->pos;
        uint64_t slot = 0, arrival = 0, reply = 0, count = 0;
        rd_count(r, skpi__family_slots(SKPI__FAM_MSG) - 1, &slot, "late");
        rd_count(r, (uint64_t)t->n_buckets - 1, &arrival, "late");
        rd_count(r, (uint64_t)t->n_buckets - 1, &reply, "late");
        rd_count(r, INT64_MAX, &count, "late");
        if (r->st != SKPI_OK)
            break;
        bool ascending =
            i == 0 || slot > last[0] ||
            (slot == last[0] &&
             (arrival > last[1] || (arrival == last[1] && reply > last[2])));
        last[0] = slot;
        last[1] = arrival;
        last[2] = reply;
        size_t to;
        if (!ascending || reply < arrival + SKPI__LAGS || count == 0 ||
            !map_slot(SKPI__FAM_MSG, (size_t)slot, map, counts, &to)) {
            rd_fail_at(r, at, SKPI_ECORRUPT, "late");
            break;
        }
        skpi__late_entry *e = skpi__late_hold(&t->late, (uint32_t)to,
                                              (int64_t)arrival, (int64_t)reply);
        if (e == NULL) {
            rd_fail(r, SKPI_ENOMEM, "late");
        } else {
            if (__builtin_add_overflow(e->count, (int64_t)count, &e->count))
                rd_fail(r, SKPI_EOVERFLOW, "late");
            skpi__late_release(&t->late);
        }
    }
    return reader_done(r, err);
}

/*
 * Apply the sections of a checked frame to t: a tracker just made from the
 * frame's own CONFIG (`fresh`: loading, where only the forms the writer
 * writes are accepted), or a copy to merge into.  On failure t is in some
 * partial state the caller discards.
 */
static skpi_status apply_frame(frame *f, skpi_tracker *t, bool fresh,
                               skpi_error *err)
{
    uint32_t m[SKPI__NDIMS][SKPI_MAX_CATEGORIES];
    size_t counts[SKPI__NDIMS] = {0};
    memset(m, 0, sizeof m);
    reader tax = f->sec[1];
    skpi_status st = read_taxonomy(&tax, t, fresh, m, counts, err);
    for (int fam = 0; fam < SKPI__NFAMILIES && st == SKPI_OK; fam++)
        st = read_series(&f->sec[2 + fam], t, (enum skpi__family)fam, m,
                         counts, err);
    if (st == SKPI_OK)
        st = read_open(&f->sec[2 + SKPI__NFAMILIES], t, fresh, m, counts, err);
    if (st == SKPI_OK)
        st = read_late(&f->sec[3 + SKPI__NFAMILIES], t, m, counts, err);
    return st;
}

skpi_status skpi_tracker_from_bytes(const void *buf, size_t len,
                                    skpi_tracker **out, skpi_error *err)
{
    if (buf == NULL || out == NULL)
        return fail(err, SKPI_EINVAL, -1, "", "NULL argument");
    frame f;
    skpi_status st = read_frame(buf, len, &f, err);
    if (st != SKPI_OK)
        return st;
    skpi_options *o = NULL;
    uint64_t seq = 0;
    st = read_config(&f.sec[0], &o, &seq, err);
    if (st != SKPI_OK)
        return st;
    skpi_tracker *t;
    st = skpi_tracker_new(o, &t);
    skpi_options_free(o);
    if (st != SKPI_OK)
        return fail(err, st, -1, "", skpi_strerror(st));
    st = apply_frame(&f, t, true, err);
    if (st != SKPI_OK) {
        skpi_tracker_free(t);
        return st;
    }
    atomic_store(&t->journal_seq, seq);
    *out = t;
    return SKPI_OK;
}

/* ===================================================================== */
/* Files                                                                 */
/* ===================================================================== */


/*
 * Create a new file "<path>.tmp.<16 hex>" beside path with O_EXCL and mode
 * 0666 less the umask (as a plain fopen() would: mkstemp's 0600 would
 * surprise whoever reads the snapshot); the name into tmp.
 */
static int create_temp(const char *path, char *tmp, size_t cap)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
                 ((uint64_t)getpid() << 16) ^ (uint64_t)(uintptr_t)&ts;
    for (int attempt = 0; attempt < 16; attempt++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        snprintf(tmp, cap, "%s.tmp.%016llx", path, (unsigned long long)x);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

skpi_status skpi_tracker_save(const skpi_tracker *t, const char *path,
                              skpi_error *err)
{
    if (t == NULL || path == NULL)
        return fail(err, SKPI_EINVAL, -1, "", "NULL argument");
    char *bytes;
    size_t len;
    skpi_status st = skpi_tracker_to_bytes(t, &bytes, &len);
    if (st != SKPI_OK)
        return fail(err, st, -1, "", skpi_strerror(st));
    /* The temporary file lives beside the target, so rename() is atomic
     * (same file system); its name is unique to this call. */
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 32);
    char *dir = malloc(plen + 1);
    if (tmp == NULL || dir == NULL) {
        free(tmp);
        free(dir);
        skpi_free(bytes);
        return fail(err, SKPI_ENOMEM, -1, "", "out of memory");
    }
    memcpy(dir, path, plen + 1);
    int fd = create_temp(path, tmp, plen + 32);
    if (fd < 0) {
        st = skpi__error_io(err, "cannot create a file beside", path);
    } else {
        bool ok = skpi__write_all(fd, bytes, len) && fsync(fd) == 0;
        if (!ok)
            st = skpi__error_io(err, "cannot write", tmp);
        if (close(fd) != 0 && ok) {
            ok = false;
            st = skpi__error_io(err, "cannot write", tmp);
        }
        if (ok && rename(tmp, path) != 0) {
            ok = false;
            st = skpi__error_io(err, "cannot rename to", path);
        }
        if (!ok) {
            unlink(tmp);
        } else {
            /* Make the rename itself durable. */
            int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (dfd < 0 || fsync(dfd) != 0)
                st = skpi__error_io(err, "cannot flush the directory of", path);
            if (dfd >= 0)
                close(dfd);
        }
    }
    free(tmp);
    free(dir);
    skpi_free(bytes);
    return st;
}

skpi_status skpi_tracker_load(const char *path, skpi_tracker **out,
                              skpi_error *err)
{
    if (path == NULL || out == NULL)
        return fail(err, SKPI_EINVAL, -1, "", "NULL argument");
    unsigned char *buf;
    size_t size;
    /* The input's own lengths are checked as it is parsed; the whole file
     * is held at once, so its size is the only bound needed here. */
    skpi_status st = skpi__read_file(path, SIZE_MAX / 2, &buf, &size);
    if (st == SKPI_ENOMEM)
        return fail(err, st, -1, "", "out of memory");
    if (st != SKPI_OK)
        return skpi__error_io(err, "cannot read", path);
    st = skpi_tracker_from_bytes(buf, size, out, err);
    free(buf);
    return st;
}

/* ===================================================================== */
/* Merge                                                                 */
/* ===================================================================== */

/* Whether two trackers can be merged: everything that shapes a bucket or a
 * sketch is equal. */
static bool compatible(const skpi_tracker *a, const skpi_tracker *b)
{
    const struct skpi_options *x = &a->opt, *y = &b->opt;
    return skpi__zone_equal(&x->zone, &y->zone) && x->bucket == y->bucket &&
           x->rating_lo == y->rating_lo && x->rating_hi == y->rating_hi &&
           x->rating_satisfied == y->rating_satisfied && x->n_sla == y->n_sla &&
           memcmp(x->sla, y->sla, x->n_sla * sizeof x->sla[0]) == 0 &&
           x->alpha == y->alpha && x->people_p == y->people_p &&
           skpi__calendar_equal(&x->cal, &y->cal);
}

/* Exchange the contents of two trackers of the same options, leaving
 * their locks in place (a mutex must not move). */
void skpi__tracker_swap(skpi_tracker *a, skpi_tracker *b)
{
    for (int d = 0; d < SKPI__NDIMS; d++) {
        skpi__entry *e = a->dims[d].entries;
        a->dims[d].entries = b->dims[d].entries;
        b->dims[d].entries = e;
        size_t n = atomic_load(&a->dims[d].count);
        atomic_store(&a->dims[d].count, atomic_load(&b->dims[d].count));
        atomic_store(&b->dims[d].count, n);
    }
    for (unsigned s = 0; s < SKPI__SHARDS; s++) {
        skpi__shard *sh = atomic_load(&a->shards[s]);
        atomic_store(&a->shards[s], atomic_load(&b->shards[s]));
        atomic_store(&b->shards[s], sh);
    }
    skpi__open_table open = a->open;
    a->open = b->open;
    b->open = open;
    skpi__late_entry *slots = a->late.slots;
    size_t cap = a->late.cap, used = a->late.used;
    a->late.slots = b->late.slots;
    a->late.cap = b->late.cap;
    a->late.used = b->late.used;
    b->late.slots = slots;
    b->late.cap = cap;
    b->late.used = used;
}

skpi_status skpi__tracker_clone(const skpi_tracker *t, skpi_tracker **out)
{
    char *bytes = NULL;
    size_t len = 0;
    skpi_status st = skpi_tracker_to_bytes(t, &bytes, &len);
    if (st == SKPI_OK)
        st = skpi_tracker_from_bytes(bytes, len, out, NULL);
    skpi_free(bytes);
    return st;
}

skpi_status skpi_tracker_merge(skpi_tracker *dst, const skpi_tracker *src)
{
    if (dst == NULL || src == NULL)
        return SKPI_EINVAL;
    if (!compatible(dst, src))
        return SKPI_EINCOMPAT;
    /* Build the result beside dst, from dst's own snapshot, then apply
     * src's; dst only changes by the final swap, which cannot fail. */
    char *mine = NULL, *theirs = NULL;
    size_t mine_len = 0, theirs_len = 0;
    skpi_tracker *next = NULL;
    skpi_status st = skpi_tracker_to_bytes(dst, &mine, &mine_len);
    if (st == SKPI_OK)
        st = skpi_tracker_to_bytes(src, &theirs, &theirs_len);
    if (st == SKPI_OK)
        st = skpi_tracker_from_bytes(mine, mine_len, &next, NULL);
    if (st == SKPI_OK) {
        frame f;
        st = read_frame((const unsigned char *)theirs, theirs_len, &f, NULL);
        if (st == SKPI_OK)
            st = apply_frame(&f, next, false, NULL);
    }
    skpi_free(mine);
    skpi_free(theirs);
    if (st == SKPI_OK)
        skpi__tracker_swap(dst, next);
    skpi_tracker_free(next);
    return st;
}

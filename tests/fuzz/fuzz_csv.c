/*
 * fuzz_csv.c -- libFuzzer target: the CSV event-log reader
 * (skpi_csv_reader_*, doc/csv-events.md).
 *
 * The first byte of the input chooses the flags (bit 0: SKPI_CSV_ALLOW_NEW),
 * the tracker (bit 1: zone -03:00 with hour buckets, else UTC days) and a
 * chunk size (bit 2: one byte, which leaves every row to the state machine
 * and none to the fast path; else bits 3..7 plus 2); the rest is the CSV.
 * It is read three ways: in lenient mode at once, in lenient mode in
 * chunks of that size, and in strict mode.  What must hold:
 *  - the two lenient readings agree exactly: status, every count, every
 *    reject and the error, and the tracker's snapshot bytes;
 *  - every reject is well formed: a failing status, a line and offset
 *    inside the input, a NUL-terminated field, a non-empty UTF-8 text;
 *    at most max_rejects are kept, all of them counted;
 *  - a finished input has read = applied + rejected (a refused strict
 *    one rejects every row) and a lenient one consumed every byte;
 *  - strict mode refuses what lenient mode rejected, with the same first
 *    reject, and leaves the tracker's bytes unchanged; it applies what
 *    lenient mode applied whole, giving the same bytes.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "socialkpi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_REJECTS 4

typedef struct reading {
    skpi_status st;
    skpi_csv_result res;
    skpi_error rej[MAX_REJECTS];
    char *bytes;
    size_t len;
} reading;

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_csv: %s\n", what);
    abort();
}

static skpi_tracker *tracker(unsigned control)
{
    skpi_options *o = NULL;
    skpi_tracker *t = NULL;
    if (skpi_options_new(&o) != SKPI_OK ||
        skpi_options_set_zone(o, (control & 2) ? "-03:00" : "Z") != SKPI_OK ||
        skpi_options_set_bucket(o, (control & 2) ? SKPI_BUCKET_HOUR
                                                 : SKPI_BUCKET_DAY) != SKPI_OK ||
        skpi_tracker_new(o, &t) != SKPI_OK)
        fail("cannot make a tracker");
    skpi_options_free(o);
    return t;
}

static char *bytes_of(const skpi_tracker *t, size_t *len)
{
    char *b = NULL;
    if (skpi_tracker_to_bytes(t, &b, len) != SKPI_OK)
        fail("a tracker cannot be saved");
    return b;
}

/* Read the input in chunks of `step` bytes (0: at once). */
static void read_csv(unsigned control, unsigned flags, const uint8_t *in,
                     size_t n, size_t step, reading *u)
{
    memset(u, 0, sizeof *u);
    u->res.rejects = u->rej;
    u->res.max_rejects = MAX_REJECTS;
    skpi_tracker *t = tracker(control);
    skpi_csv_reader *r = NULL;
    if (skpi_csv_reader_new(t, flags, &r) != SKPI_OK)
        fail("cannot make a reader");
    skpi_status st = SKPI_OK;
    size_t i = 0;
    do {
        size_t k = step == 0 || n - i < step ? n - i : step;
        st = skpi_csv_reader_feed(r, in + i, k, &u->res);
        i += k;
    } while (st == SKPI_OK && i < n);
    if (st == SKPI_OK)
        st = skpi_csv_reader_finish(r, &u->res);
    u->st = st;
    skpi_csv_reader_free(r);
    u->bytes = bytes_of(t, &u->len);
    skpi_tracker_free(t);
}

/* Length of s, or cap when it has no NUL within cap bytes. */
static size_t length(const char *s, size_t cap)
{
    const char *z = memchr(s, '\0', cap);
    return z == NULL ? cap : (size_t)(z - s);
}

static bool utf8_text(const char *s, size_t cap)
{
    size_t n = length(s, cap);
    if (n == 0 || n == cap)
        return false;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned c = p[i], k;
        if (c < 0x80)
            k = 0;
        else if (c >= 0xC2 && c <= 0xDF)
            k = 1;
        else if (c >= 0xE0 && c <= 0xEF)
            k = 2;
        else if (c >= 0xF0 && c <= 0xF4)
            k = 3;
        else
            return false;
        if (n - i <= k)
            return false;
        for (unsigned j = 1; j <= k; j++) {
            if ((p[i + j] & 0xC0) != 0x80)
                return false;
        }
        i += k + 1;
    }
    return true;
}

static void check_error(const skpi_error *e, size_t n)
{
    if (e->status == SKPI_OK)
        fail("an error with status OK");
    if (e->line < 0 || e->column < 0 || e->offset < 0 ||
        (uint64_t)e->offset > n)
        fail("an error outside the input");
    if (length(e->field, sizeof e->field) == sizeof e->field)
        fail("an unterminated field name");
    if (!utf8_text(e->text, sizeof e->text))
        fail("an empty or malformed error text");
}

static void check_reading(const reading *u, size_t n)
{
    const skpi_csv_result *r = &u->res;
    if (r->n_rejects > MAX_REJECTS || r->n_rejects > r->rows_bad ||
        (r->rows_bad > 0 && r->rows_bad <= MAX_REJECTS &&
         r->n_rejects != r->rows_bad) || r->rows_bad > r->rows_rejected)
        fail("rejects kept and counted disagree");
    for (size_t i = 0; i < r->n_rejects; i++) {
        check_error(&u->rej[i], n);
        if (i > 0 && u->rej[i].offset <= u->rej[i - 1].offset)
            fail("rejects out of order");
    }
    if (u->st != SKPI_OK)
        check_error(&r->error, n);
    if (r->rows_applied + r->rows_rejected > r->rows_read ||
        r->anomalies > r->rows_applied || r->bytes > n)
        fail("counts out of range");
}

static void same_errors(const skpi_error *a, const skpi_error *b)
{
    if (a->status != b->status || a->line != b->line ||
        a->column != b->column || a->offset != b->offset ||
        strcmp(a->field, b->field) != 0 || strcmp(a->text, b->text) != 0)
        fail("two readings report different errors");
}

static void same_readings(const reading *a, const reading *b)
{
    if (a->st != b->st || a->res.rows_read != b->res.rows_read ||
        a->res.rows_applied != b->res.rows_applied ||
        a->res.rows_rejected != b->res.rows_rejected ||
        a->res.anomalies != b->res.anomalies ||
        a->res.registered != b->res.registered ||
        a->res.bytes != b->res.bytes || a->res.n_rejects != b->res.n_rejects)
        fail("chunked readings differ");
    for (size_t i = 0; i < a->res.n_rejects; i++)
        same_errors(&a->rej[i], &b->rej[i]);
    if (a->st != SKPI_OK)
        same_errors(&a->res.error, &b->res.error);
    if (a->len != b->len || memcmp(a->bytes, b->bytes, a->len) != 0)
        fail("chunked readings give different trackers");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096)
        return 0;
    unsigned control = data[0];
    unsigned flags = (control & 1) ? SKPI_CSV_ALLOW_NEW : 0;
    size_t step = (control & 4) ? 1 : (control >> 3) + 2;
    const uint8_t *in = data + 1;
    size_t n = size - 1;

    reading whole, chunked, strict;
    read_csv(control, flags | SKPI_CSV_LENIENT, in, n, 0, &whole);
    read_csv(control, flags | SKPI_CSV_LENIENT, in, n, step, &chunked);
    read_csv(control, flags, in, n, 0, &strict);
    check_reading(&whole, n);
    check_reading(&strict, n);
    same_readings(&whole, &chunked);

    const skpi_csv_result *w = &whole.res, *s = &strict.res;
    if (whole.st == SKPI_OK &&
        (w->rows_read != w->rows_applied + w->rows_rejected || w->bytes != n))
        fail("a finished input left rows or bytes unaccounted");

    /* The bytes of an empty tracker of each kind, made once (never freed:
     * libFuzzer exits without returning). */
    static char *empty[2];
    static size_t empty_len[2];
    unsigned kind = (control >> 1) & 1;
    if (empty[kind] == NULL) {
        skpi_tracker *fresh = tracker(control);
        empty[kind] = bytes_of(fresh, &empty_len[kind]);
        skpi_tracker_free(fresh);
    }
    if (whole.st != SKPI_OK) {
        /* The input ended early (its header): strict mode the same way. */
        if (strict.st != whole.st || s->rows_read != w->rows_read)
            fail("strict mode ends the input otherwise");
        same_errors(&strict.res.error, &whole.res.error);
    } else if (w->rows_rejected == 0) {
        if (strict.st != SKPI_OK || s->rows_applied != w->rows_applied ||
            s->anomalies != w->anomalies || s->registered != w->registered ||
            strict.len != whole.len ||
            memcmp(strict.bytes, whole.bytes, whole.len) != 0)
            fail("strict mode did not apply a good input as lenient mode");
    } else {
        if (strict.st == SKPI_OK || s->rows_applied != 0 ||
            s->anomalies != 0 || s->registered != 0 ||
            s->rows_read != w->rows_read || s->rows_rejected != s->rows_read ||
            s->rows_bad == 0 || s->rows_bad > w->rows_bad)
            fail("strict mode did not refuse a bad input");
        same_errors(&strict.rej[0], &whole.rej[0]);
        same_errors(&strict.res.error, &whole.rej[0]);
        if (strict.st != (skpi_status)whole.rej[0].status)
            fail("strict mode returned another status than its first reject");
        if (strict.len != empty_len[kind] ||
            memcmp(strict.bytes, empty[kind], strict.len) != 0)
            fail("a refused strict input changed the tracker");
    }
    skpi_free(whole.bytes);
    skpi_free(chunked.bytes);
    skpi_free(strict.bytes);
    return 0;
}

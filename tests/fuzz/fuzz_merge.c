/*
 * fuzz_merge.c -- libFuzzer target: skpi_tracker_merge() of two loaded
 * snapshots.
 *
 * The input is two snapshots one after the other: the first ends where
 * its header's length field says (or, if that is not a plausible length,
 * at the middle of the input).  When both load, the second is merged into
 * the first.  A merge that fails must leave the destination's bytes as
 * they were; one that succeeds must give a tracker whose bytes load and
 * save again as themselves.  The custom mutator mutates one of the two
 * snapshots with snapframe.h, keeping its CRCs right.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapframe.h"
#include "socialkpi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned seed);

static void fail(const char *what, skpi_status st)
{
    fprintf(stderr, "fuzz_merge: %s (%s)\n", what, skpi_status_name(st));
    abort();
}

/* Where the first snapshot ends. */
static size_t split_at(const uint8_t *data, size_t size)
{
    if (size >= SF_HEADER && memcmp(data, "SKPISNAP", 8) == 0) {
        uint64_t len = sf_get(data + 16, 8);
        if (len >= SF_HEADER && len <= size)
            return (size_t)len;
    }
    return size / 2;
}

static char *bytes_of(const skpi_tracker *t, size_t *n)
{
    char *b;
    skpi_status st = skpi_tracker_to_bytes(t, &b, n);
    if (st != SKPI_OK)
        fail("a tracker cannot be saved", st);
    return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t k = split_at(data, size);
    skpi_tracker *a = NULL, *b = NULL;
    if (skpi_tracker_from_bytes(data, k, &a, NULL) != SKPI_OK ||
        skpi_tracker_from_bytes(data + k, size - k, &b, NULL) != SKPI_OK) {
        skpi_tracker_free(a);
        skpi_tracker_free(b);
        return 0;
    }
    size_t n0, n1, n2;
    char *before = bytes_of(a, &n0);
    skpi_status st = skpi_tracker_merge(a, b);
    char *after = bytes_of(a, &n1);
    if (st != SKPI_OK) {
        if (n0 != n1 || memcmp(before, after, n0) != 0)
            fail("a refused merge changed its destination", st);
    } else {
        skpi_tracker *c = NULL;
        if ((st = skpi_tracker_from_bytes(after, n1, &c, NULL)) != SKPI_OK)
            fail("a merged tracker does not load", st);
        char *again = bytes_of(c, &n2);
        if (n1 != n2 || memcmp(after, again, n1) != 0)
            fail("saving a reloaded merged tracker changes the bytes", SKPI_OK);
        skpi_free(again);
        skpi_tracker_free(c);
    }
    skpi_free(before);
    skpi_free(after);
    skpi_tracker_free(a);
    skpi_tracker_free(b);
    return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned seed)
{
    size_t k = split_at(data, size);
    if (size < 2 * SF_HEADER || k == size / 2 || k >= max)
        return LLVMFuzzerMutate(data, size, max);
    /* Mutate one of the two in place; the other keeps its bytes. */
    uint8_t *tmp = malloc(max + 1);
    if (tmp == NULL)
        return size;
    size_t n;
    if (seed & 1) {
        memcpy(tmp, data, size);
        size_t m = sf_mutate(tmp, k, max - (size - k), seed >> 1);
        memcpy(tmp + m, data + k, size - k);
        n = m + (size - k);
    } else {
        memcpy(tmp, data, k);
        memcpy(tmp + k, data + k, size - k);
        size_t m = sf_mutate(tmp + k, size - k, max - k, seed >> 1);
        n = k + m;
    }
    memcpy(data, tmp, n);
    free(tmp);
    return n;
}

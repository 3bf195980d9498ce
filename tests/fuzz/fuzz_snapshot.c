/*
 * fuzz_snapshot.c -- libFuzzer target: skpi_tracker_from_bytes().
 *
 * Any input must give SKPI_OK or one of the damage statuses of
 * doc/snapshot-format.md, with nothing returned on failure.  A loaded
 * tracker must serialize to the input itself, byte for byte (the loader
 * accepts only what the writer writes), and must survive a JSON report of
 * March 2024, the month the seed snapshots hold.  Crashes,
 * leaks and undefined behaviour are libFuzzer's, ASan's and UBSan's to
 * find.  The custom mutator (snapframe.h) keeps the CRCs right, so that
 * mutations reach the section parsers.  tests/fuzz/run.sh builds and runs
 * it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapframe.h"
#include "socialkpi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned seed);

#define MARCH_2024 INT64_C(1709251200)

static void fail(const char *what, skpi_status st)
{
    fprintf(stderr, "fuzz_snapshot: %s (%s)\n", what, skpi_status_name(st));
    abort();
}

static int allowed_failure(skpi_status st)
{
    return st == SKPI_EFORMAT || st == SKPI_EVERSION || st == SKPI_ECRC ||
           st == SKPI_ETRUNC || st == SKPI_ECORRUPT;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    skpi_tracker *t = NULL;
    skpi_error err;
    skpi_status st = skpi_tracker_from_bytes(data, size, &t, &err);
    if (st != SKPI_OK) {
        if (!allowed_failure(st) || t != NULL || err.status != (int)st)
            fail("a load failed in a way no damage explains", st);
        return 0;
    }
    char *b1;
    size_t n1;
    if ((st = skpi_tracker_to_bytes(t, &b1, &n1)) != SKPI_OK)
        fail("a loaded tracker cannot be saved", st);
    if (n1 != size || memcmp(b1, data, size) != 0)
        fail("a loaded snapshot is saved again as other bytes", SKPI_OK);
    skpi_free(b1);

    /* Reports over whatever the snapshot holds: sums may overflow
     * (SKPI_EOVERFLOW), but nothing may go wrong. */
    int64_t from, to;
    if (skpi_period_parse(t, "2024-03", &from, &to) == SKPI_OK) {
        char *json = NULL;
        st = skpi_report_json(t, from, to, NULL, 0, 0, &json, NULL);
        if (st == SKPI_OK && (json == NULL || json[0] != '{'))
            fail("a report is not JSON", st);
        skpi_free(json);
    }
    skpi_tracker_free(t);
    return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned seed)
{
    return sf_mutate(data, size, max, seed);
}

/*
 * naive.h -- the baseline the benchmark measures libsocialkpi against.
 *
 * This is the counter most C services write for themselves, and the design
 * of common C metrics clients (prometheus-client-c, statsd clients): one
 * mutex around a hash map keyed by the label values joined into a string,
 * "twitter/general_inquiry".  Each event builds its key, hashes it, takes
 * the mutex, probes the map, compares strings and adds.  It is a fair
 * baseline rather than a straw man: the key is built on the stack (no
 * allocation per event, which prometheus-client-c does make), the map is
 * open addressing with a cached hash, and the mutex is glibc's, which
 * costs two atomic operations when nobody else holds it.
 *
 * What it keeps, per key:
 *  - a counter (naive_add);
 *  - a Prometheus-style histogram of durations, with fixed bucket bounds
 *    scanned linearly, plus count and sum (naive_observe), the usual way to
 *    keep response times;
 *  - for distinct people, the set of ids itself (naive_set_add): exact, and
 *    memory in proportion to the audience, which is what HyperLogLog saves.
 */
#ifndef SKPI_BENCH_NAIVE_H
#define SKPI_BENCH_NAIVE_H

#include <stddef.h>
#include <stdint.h>

typedef struct naive naive;

/* A new, empty map; NULL on allocation failure. */
naive *naive_new(void);

/* Free a map and everything in it.  NULL is a no-op. */
void naive_free(naive *n);

/* Add `by` to the counter of key "a/b".  0, or -1 on allocation failure. */
int naive_add(naive *n, const char *a, const char *b, int64_t by);

/* Count one duration `seconds` into the histogram of key "a/b". */
int naive_observe(naive *n, const char *a, const char *b, int64_t seconds);

/* Add id to the set of key "a/": 1 if it was new, 0 if known, -1 on
 * allocation failure. */
int naive_set_add(naive *n, const char *a, const char *id);

/* Number of keys, for checks. */
size_t naive_size(naive *n);

/* Sum of every counter, for checks. */
int64_t naive_total(naive *n);

#endif /* SKPI_BENCH_NAIVE_H */

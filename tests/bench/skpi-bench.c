/*
 * skpi-bench.c -- what libsocialkpi costs, measured against the counter
 * people would otherwise write, in the same run on the same machine.
 *
 * `make bench` builds this program with the project's flags and runs it;
 * it prints one Markdown table: operation, result, baseline, ratio.  The
 * baseline is naive.c (a mutex around a string-keyed hash map, the design
 * of common C metrics clients) doing the same work; "ratio" is the
 * baseline's time divided by the library's (above 1: the library is
 * faster).  doc/performance.md explains every row and keeps the figures.
 *
 * Method.  Times come from clock_gettime(CLOCK_MONOTONIC).  Every
 * measurement runs once untimed (warm-up: pages, sketches and caches are
 * in place, as in a long-running service), then --reps times, and the
 * median of those runs is printed, which shrugs off the odd run that the
 * scheduler or another process disturbed.  Recording loops run over a
 * precomputed array of 4,096 events (it fits the L1 and L2 caches, so the
 * loop measures the library, not the memory bus), and every status is
 * checked: an event the library refuses stops the benchmark.
 *
 * The recording events look like a live stream: times are those of one
 * busy afternoon, in order, ten seconds apart, and one event in 50 is a
 * late delivery from one to three days earlier.  Platforms, categories,
 * kinds and scores cycle through the built-in taxonomy.
 *
 * Other baselines run as other programs, on the same input in the same
 * run: the generated CSV log through mawk (or awk), Python's csv module
 * with collections.Counter, and sqlite3 (import, then GROUP BY), each
 * counting the rows by platform and category; and python/bench.py
 * --table, which times the Python package's per-event call and
 * record_many() against a dict of counters and collections.Counter, with
 * the library this program runs with (found by dladdr()).  A missing tool
 * is a note under the table, not a failure.
 *
 * The benchmark uses the public API only (and examples/demo.c for the
 * founding half year).  It never asserts a timing: it measures.
 *
 * Profiling one row: `--only TEXT` runs only the rows whose name contains
 * TEXT, and the recording loops are separate functions (loop_message,
 * loop_response, ...) for `valgrind --tool=callgrind --toggle-collect=`;
 * tests/bench/callgrind.sh turns that into instructions per event.
 */
#define _GNU_SOURCE 1

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
#include <dlfcn.h> /* dladdr() is in libc itself from glibc 2.34 */
#define HAVE_DLADDR 1
#endif
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <socialkpi.h>

#include "demo.h"
#include "naive.h"

/* ===================================================================== */
/* Settings                                                              */
/* ===================================================================== */

#define MAX_REPS 101
#define EV_LEN 4096 /* events in a recording loop's array (a power of two) */
/* Follower ids of the HyperLogLog loop: enough that each platform's sketch
 * turns dense (over 3,072 ids), as a real follower list makes it, and few
 * enough (256 KB) to stay in the L2 cache. */
#define PEOPLE_LEN 16384
#define DAY INT64_C(86400)
/* The recording loops' afternoon: 2024-03-13T12:00:00Z, a Wednesday. */
#define STREAM_START INT64_C(1710331200)
/* The long tracker starts on 2017-01-01T00:00:00Z. */
#define LONG_START INT64_C(1483228800)
#define LONG_PLATFORMS 3

typedef struct bench {
    int quick;
    int reps;
    size_t events;   /* events per timed recording run */
    uint32_t people; /* distinct people of the long tracker */
    int64_t days;    /* days of the long tracker */
    size_t csv_rows; /* rows of the generated event log */
    double min_ns;   /* least time of one timed run of a single call */
    const char *only;
    const char *tmpdir;
} bench;

/* ===================================================================== */
/* Utilities                                                             */
/* ===================================================================== */

/* The clock of the single-thread measurements: CLOCK_MONOTONIC, or with
 * --cpu-time the calling thread's CPU time, which does not run while other
 * processes have the CPU (use it on a shared machine).  Set once in main()
 * before any measurement. */
static clockid_t bench_clock = CLOCK_MONOTONIC;

static double clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double now_ns(void)
{
    return clock_ns(bench_clock);
}

/* Wall time, for the two-thread runs and the progress notes. */
static double wall_ns(void)
{
    return clock_ns(CLOCK_MONOTONIC);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void die(const char *what, skpi_status st)
{
    fprintf(stderr, "skpi-bench: %s: %s (%s)\n", what, skpi_strerror(st),
            skpi_status_name(st));
    exit(1);
}

static void check(const char *what, skpi_status st)
{
    if (st != SKPI_OK)
        die(what, st);
}

/* splitmix64: fixed seeds, so every run records the same events. */
typedef struct rng {
    uint64_t s;
} rng;

static uint64_t next(rng *g)
{
    uint64_t z = (g->s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static uint32_t below(rng *g, uint32_t n)
{
    return (uint32_t)(next(g) % n);
}

/* Heap bytes in use (glibc's mallinfo2), or 0 where it is missing. */
static double heap_bytes(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
    struct mallinfo2 m = mallinfo2();
    return (double)(m.uordblks + m.hblkhd);
#else
    return 0;
#endif
}

/* Resident set size from /proc/self/statm, or 0 where it is missing. */
static double rss_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, resident = 0;
    if (f == NULL)
        return 0;
    if (fscanf(f, "%lu %lu", &size, &resident) != 2)
        resident = 0;
    fclose(f);
    return (double)resident * (double)sysconf(_SC_PAGESIZE);
}

/* A "VmHWM:" or "VmRSS:" line of /proc/self/status in bytes, or 0. */
static double status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    double v = 0;
    size_t n = strlen(key);
    if (f == NULL)
        return 0;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, key, n) == 0) {
            v = strtod(line + n, NULL) * 1024;
            break;
        }
    }
    fclose(f);
    return v;
}

/* Reset the peak RSS to the current RSS (Linux 4.0+); false if refused. */
static int reset_peak_rss(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (f == NULL)
        return 0;
    int ok = fputs("5", f) >= 0;
    return fclose(f) == 0 && ok;
}

/* ===================================================================== */
/* The table                                                             */
/* ===================================================================== */

typedef struct row {
    char op[128];
    char result[40];
    char base[72];
    char ratio[16];
} row;

typedef struct table {
    row rows[64];
    int n;
    char notes[8][160]; /* printed under the table: what was skipped */
    int n_notes;
} table;

static void note_skip(table *tb, const char *fmt, ...)
{
    if (tb->n_notes == (int)(sizeof tb->notes / sizeof tb->notes[0]))
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tb->notes[tb->n_notes++], sizeof tb->notes[0], fmt, ap);
    va_end(ap);
}

static void put(table *tb, const char *op, const char *result,
                const char *base, const char *ratio)
{
    if (tb->n == (int)(sizeof tb->rows / sizeof tb->rows[0]))
        return;
    row *r = &tb->rows[tb->n++];
    snprintf(r->op, sizeof r->op, "%s", op);
    snprintf(r->result, sizeof r->result, "%s", result);
    snprintf(r->base, sizeof r->base, "%s", base);
    snprintf(r->ratio, sizeof r->ratio, "%s", ratio);
    /* Progress on stderr, so that a long run shows signs of life. */
    fprintf(stderr, "  %-58s %s\n", op, result);
}

/* A time per operation, in the unit that keeps it readable. */
static void fmt_time(char *buf, size_t n, double ns, const char *per)
{
    if (ns < 1e3)
        snprintf(buf, n, "%.1f ns%s", ns, per);
    else if (ns < 1e6)
        snprintf(buf, n, "%.1f us%s", ns / 1e3, per);
    else if (ns < 1e9)
        snprintf(buf, n, "%.2f ms%s", ns / 1e6, per);
    else
        snprintf(buf, n, "%.2f s%s", ns / 1e9, per);
}

static void put_time(table *tb, const char *op, double ns, double base_ns,
                     const char *per)
{
    char r[40], b[40] = "-", q[16] = "-";
    fmt_time(r, sizeof r, ns, per);
    if (base_ns > 0) {
        fmt_time(b, sizeof b, base_ns, per);
        snprintf(q, sizeof q, "%.1fx", base_ns / ns);
    }
    put(tb, op, r, b, q);
}

static void print_table(const table *tb)
{
    printf("| operation | result | baseline | ratio |\n");
    printf("|---|---:|---:|---:|\n");
    for (int i = 0; i < tb->n; i++) {
        const row *r = &tb->rows[i];
        printf("| %s | %s | %s | %s |\n", r->op, r->result, r->base, r->ratio);
    }
    if (tb->n_notes > 0)
        printf("\n");
    for (int i = 0; i < tb->n_notes; i++)
        printf("Note: %s\n", tb->notes[i]);
}

static int wanted(const bench *b, const char *op)
{
    return b->only == NULL || strstr(op, b->only) != NULL;
}

/* ===================================================================== */
/* Timing                                                                */
/* ===================================================================== */

/* A recording loop: n events from the context's arrays. */
typedef void (*loop_fn)(void *ctx, size_t n);

/* Median time per event of b->reps runs of n events, after a warm-up. */
static double time_loop(const bench *b, loop_fn fn, void *ctx, size_t n)
{
    double v[MAX_REPS];
    fn(ctx, n);
    for (int r = 0; r < b->reps; r++) {
        double t0 = now_ns();
        fn(ctx, n);
        v[r] = (now_ns() - t0) / (double)n;
    }
    return median(v, b->reps);
}

/* A single operation (a report, a merge): SKPI_OK or its error. */
typedef skpi_status (*call_fn)(void *ctx);

/*
 * Median time per call: each of b->reps runs calls fn until at least
 * b->min_ns have passed (at least once), after one untimed call.
 */
static double time_call(const bench *b, const char *what, call_fn fn,
                        void *ctx)
{
    double v[MAX_REPS];
    check(what, fn(ctx));
    for (int r = 0; r < b->reps; r++) {
        long calls = 0;
        double t0 = now_ns(), t1;
        do {
            check(what, fn(ctx));
            calls++;
            t1 = now_ns();
        } while (t1 - t0 < b->min_ns);
        v[r] = (t1 - t0) / (double)calls;
    }
    return median(v, b->reps);
}

/* ===================================================================== */
/* The event stream of the recording loops                               */
/* ===================================================================== */

static const char *const platform_slug[] = {"twitter", "facebook",
                                            "instagram"};
static const char *const category_slug[] = {
    "general_inquiry",   "help_request",      "traffic_inquiry",
    "criminal_inquiry",  "service_complaint", "general_complaint",
    "thanks"};
static const char *const kind_slug[] = {"like", "share", "comment"};
static const char *const score_slug[] = {"1", "2", "3", "4", "5"};

typedef struct stream {
    uint32_t platform[EV_LEN], category[EV_LEN], kind[EV_LEN];
    int64_t time[EV_LEN], replied[EV_LEN], count[EV_LEN];
    int score[EV_LEN];
    char person[PEOPLE_LEN][16]; /* follower ids: "u" and 10 digits */
    int64_t list_time;       /* when the follower list was read */
} stream;

static void stream_fill(stream *s)
{
    rng g = {UINT64_C(0x5EED5EED00000001)};
    for (size_t i = 0; i < EV_LEN; i++) {
        s->platform[i] = (uint32_t)(i % 3);
        s->category[i] = (uint32_t)((i / 3) % 7);
        s->kind[i] = (uint32_t)((i / 3 + i / 21) % 3);
        s->score[i] = 1 + (int)((i / 3 + i / 21) % 5);
        s->count[i] = 1 + (int64_t)below(&g, 5);
        int64_t t = STREAM_START + (int64_t)i * 10;
        if (i % 50 == 7)
            t -= DAY * (1 + (int64_t)below(&g, 3));
        s->time[i] = t;
        /* First-response delays: 70 % within the hour, 25 % within the
         * day, 5 % up to three days (answers in a later bucket). */
        uint32_t d = below(&g, 100);
        int64_t delay = d < 70   ? 60 + below(&g, 3540)
                        : d < 95 ? 3600 + below(&g, 82800)
                                 : DAY + below(&g, 2 * 86400);
        s->replied[i] = t + delay;
    }
    for (size_t i = 0; i < PEOPLE_LEN; i++)
        snprintf(s->person[i], sizeof s->person[i], "u%010" PRIu32,
                 (uint32_t)next(&g));
    s->list_time = STREAM_START + 3600;
}

/* The context of a recording loop. */
typedef struct loop_ctx {
    skpi_tracker *t;
    naive *n;
    const stream *s;
    size_t errors;
    skpi_status last;
} loop_ctx;

static void note(loop_ctx *c, skpi_status st)
{
    if (st != SKPI_OK) {
        c->errors++;
        c->last = st;
    }
}

#define NOINLINE __attribute__((noinline))

NOINLINE static void loop_message(void *ctx, size_t n)
{
    loop_ctx *c = ctx;
    const stream *s = c->s;
    for (size_t i = 0; i < n; i++) {
        size_t k = i & (EV_LEN - 1);
        note(c, skpi_record_message(c->t, s->platform[k], s->category[k],
                                    s->time[k]));
    }
}

NOINLINE static void loop_engagement(void *ctx, size_t n)
{
    loop_ctx *c = ctx;
    const stream *s = c->s;
    for (size_t i = 0; i < n; i++) {
        size_t k = i & (EV_LEN - 1);
        note(c, skpi_record_engagement(c->t, s->platform[k], s->kind[k],
                                       s->time[k], s->count[k]));
    }
}

NOINLINE static void loop_response(void *ctx, size_t n)
{
    loop_ctx *c = ctx;
    const stream *s = c->s;
    for (size_t i = 0; i < n; i++) {
        size_t k = i & (EV_LEN - 1);
        note(c, skpi_record_response(c->t, s->platform[k], s->category[k],
                                     s->time[k], s->replied[k]));
    }
}

NOINLINE static void loop_rating(void *ctx, size_t n)
{
    loop_ctx *c = ctx;
    const stream *s = c->s;
    for (size_t i = 0; i < n; i++) {
        size_t k = i & (EV_LEN - 1);
        note(c, skpi_record_rating(c->t, s->platform[k], s->time[k],
                                   s->score[k]));
    }
}

NOINLINE static void loop_follower(void *ctx, size_t n)
{
    loop_ctx *c = ctx;
    const stream *s = c->s;
    for (size_t i = 0; i < n; i++) {
        size_t k = i & (PEOPLE_LEN - 1);
        note(c, skpi_record_follower(c->t, (uint32_t)(k % 3), s->list_time,
                                     s->person[k]));
    }
}

/* The baseline's loops: the same events, keyed by slugs. */
NOINLINE static void naive_message(void *ctx, size_t n)
{
    loop_ctx *c = ctx;
    const stream *s = c->s;
    for (size_t i = 0; i < n; i++) {
        size_t k = i & (EV_LEN - 1);
        if (naive_add(c->n, platform_slug[s->platform[k]],
                      category_slug[s->category[k]], 1) != 0)
            note(c, SKPI_ENOMEM);
    }
}

NOINLINE static void naive_engagement(void *ctx, size_t n)
{
    loop_ctx *c = ctx;
    const stream *s = c->s;
    for (size_t i = 0; i < n; i++) {
        size_t k = i & (EV_LEN - 1);
        if (naive_add(c->n, platform_slug[s->platform[k]],
                      kind_slug[s->kind[k]], s->count[k]) != 0)
            note(c, SKPI_ENOMEM);
    }
}

NOINLINE static void naive_response(void *ctx, size_t n)
{
    loop_ctx *c = ctx;
    const stream *s = c->s;
    for (size_t i = 0; i < n; i++) {
        size_t k = i & (EV_LEN - 1);
        if (naive_observe(c->n, platform_slug[s->platform[k]],
                          category_slug[s->category[k]],
                          s->replied[k] - s->time[k]) != 0)
            note(c, SKPI_ENOMEM);
    }
}

NOINLINE static void naive_rating(void *ctx, size_t n)
{
    loop_ctx *c = ctx;
    const stream *s = c->s;
    for (size_t i = 0; i < n; i++) {
        size_t k = i & (EV_LEN - 1);
        if (naive_add(c->n, platform_slug[s->platform[k]],
                      score_slug[s->score[k] - 1], 1) != 0)
            note(c, SKPI_ENOMEM);
    }
}

NOINLINE static void naive_follower(void *ctx, size_t n)
{
    loop_ctx *c = ctx;
    const stream *s = c->s;
    for (size_t i = 0; i < n; i++) {
        size_t k = i & (PEOPLE_LEN - 1);
        if (naive_set_add(c->n, platform_slug[k % 3], s->person[k]) < 0)
            note(c, SKPI_ENOMEM);
    }
}

static skpi_tracker *new_tracker(const char *zone)
{
    skpi_tracker *t;
    if (zone == NULL) {
        check("skpi_tracker_new", skpi_tracker_new(NULL, &t));
        return t;
    }
    skpi_options *o;
    check("skpi_options_new", skpi_options_new(&o));
    check("skpi_options_set_zone", skpi_options_set_zone(o, zone));
    check("skpi_tracker_new", skpi_tracker_new(o, &t));
    skpi_options_free(o);
    return t;
}

/* One recording row: the library's loop on a fresh tracker (in `zone`,
 * NULL for the default UTC), and the baseline's loop on a fresh map. */
static double record_row(const bench *b, table *tb, const stream *s,
                         const char *op, const char *zone, loop_fn lib,
                         loop_fn base)
{
    if (!wanted(b, op))
        return 0;
    loop_ctx c = {new_tracker(zone), NULL, s, 0, SKPI_OK};
    double ns = time_loop(b, lib, &c, b->events);
    if (c.errors > 0)
        die(op, c.last);
    skpi_tracker_free(c.t);
    double base_ns = 0;
    if (base != NULL) {
        loop_ctx d = {NULL, naive_new(), s, 0, SKPI_OK};
        if (d.n == NULL)
            die("naive_new", SKPI_ENOMEM);
        base_ns = time_loop(b, base, &d, b->events);
        if (d.errors > 0)
            die(op, d.last);
        naive_free(d.n);
    }
    put_time(tb, op, ns, base_ns, "/op");
    return ns;
}

/* ===================================================================== */
/* Two threads, one tracker                                              */
/* ===================================================================== */

typedef struct worker {
    pthread_barrier_t *go;
    loop_fn fn;
    loop_ctx ctx;
    size_t n;
    double t0, t1; /* wall clock */
    double cpu;    /* the thread's time on the benchmark's clock */
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    pthread_barrier_wait(w->go);
    double c0 = now_ns();
    w->t0 = wall_ns();
    w->fn(&w->ctx, w->n);
    w->t1 = wall_ns();
    w->cpu = now_ns() - c0;
    return NULL;
}

/* Time of two threads each running fn over n events, in ns: wall time
 * from the first start to the last end. */
static double run_pair(loop_fn fn, const loop_ctx *ctx, size_t n)
{
    pthread_barrier_t go;
    pthread_t th[2];
    worker w[2];
    pthread_barrier_init(&go, NULL, 2);
    for (int i = 0; i < 2; i++) {
        w[i].go = &go;
        w[i].fn = fn;
        w[i].ctx = *ctx;
        w[i].n = n;
        if (pthread_create(&th[i], NULL, work, &w[i]) != 0) {
            fprintf(stderr, "skpi-bench: pthread_create failed\n");
            exit(1);
        }
    }
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&go);
    for (int i = 0; i < 2; i++)
        if (w[i].ctx.errors > 0)
            die("two threads", w[i].ctx.last);
    /* With --cpu-time, the slower thread's CPU time: what the pair would
     * take on two cores of its own (only an estimate when other processes
     * keep the threads from running at the same time). */
    if (bench_clock != CLOCK_MONOTONIC)
        return w[0].cpu > w[1].cpu ? w[0].cpu : w[1].cpu;
    double t0 = w[0].t0 < w[1].t0 ? w[0].t0 : w[1].t0;
    double t1 = w[0].t1 > w[1].t1 ? w[0].t1 : w[1].t1;
    return t1 - t0;
}

/* Median aggregate time per event of two threads (2n events a run). */
static double time_pair(const bench *b, loop_fn fn, const loop_ctx *ctx)
{
    double v[MAX_REPS];
    run_pair(fn, ctx, b->events / 4);
    for (int r = 0; r < b->reps; r++)
        v[r] = run_pair(fn, ctx, b->events) / (2.0 * (double)b->events);
    return median(v, b->reps);
}

static void two_threads(const bench *b, table *tb, const stream *s)
{
    const char *op = "record message, 2 threads, one tracker (aggregate)";
    if (!wanted(b, op))
        return;
    /* The one-thread figures are taken again here, right before, so that
     * the scaling ratio compares runs made under the same machine load. */
    loop_ctx c = {new_tracker(NULL), NULL, s, 0, SKPI_OK};
    double one = time_loop(b, loop_message, &c, b->events);
    double two = time_pair(b, loop_message, &c);
    skpi_tracker_free(c.t);
    loop_ctx d = {NULL, naive_new(), s, 0, SKPI_OK};
    if (d.n == NULL)
        die("naive_new", SKPI_ENOMEM);
    double base_one = time_loop(b, naive_message, &d, b->events);
    double base_two = time_pair(b, naive_message, &d);
    naive_free(d.n);
    put_time(tb, op, two, base_two, "/op");
    char r[40], q[40];
    snprintf(r, sizeof r, "%.2fx", one / two);
    snprintf(q, sizeof q, "%.2fx", base_one / base_two);
    put(tb, "2-thread scaling (2-thread / 1-thread throughput)", r, q, "-");
}

/* ===================================================================== */
/* The founding half year                                                */
/* ===================================================================== */

typedef struct report_ctx {
    skpi_tracker *t;
    int64_t from, to;
    double sink; /* keeps the getters' results alive */
    size_t bytes;
} report_ctx;

/* The report and the figures a dashboard reads, percentiles included. */
static skpi_status do_report(void *arg)
{
    report_ctx *c = arg;
    skpi_report *r;
    skpi_status st = skpi_report_new(c->t, c->from, c->to, NULL, 0, &r);
    if (st != SKPI_OK)
        return st;
    int64_t n = 0, count;
    double v;
    st = skpi_report_messages(r, SKPI_ALL, SKPI_ALL, &count);
    c->sink += (double)count;
    static const double q[] = {0.5, 0.9, 0.95, 0.99};
    for (size_t i = 0; st == SKPI_OK && i < sizeof q / sizeof q[0]; i++) {
        st = skpi_report_response_quantile(r, SKPI_ALL, SKPI_ALL, 0, q[i], &v);
        c->sink += v;
    }
    if (st == SKPI_OK)
        st = skpi_report_response_time(r, SKPI_ALL, SKPI_ALL, 0, &n, &v, NULL,
                                       NULL);
    c->sink += (double)n;
    skpi_report_free(r);
    return st;
}

static skpi_status do_json(void *arg)
{
    report_ctx *c = arg;
    char *out;
    size_t len;
    skpi_status st =
        skpi_report_json(c->t, c->from, c->to, NULL, 0, 0, &out, &len);
    if (st == SKPI_OK) {
        c->bytes = len;
        skpi_free(out);
    }
    return st;
}

static skpi_status do_openmetrics(void *arg)
{
    report_ctx *c = arg;
    char *out;
    size_t len;
    skpi_status st =
        skpi_report_openmetrics(c->t, c->from, c->to, NULL, 0, 0, &out, &len);
    if (st == SKPI_OK) {
        /* Series: the lines that are not comments. */
        size_t series = 0;
        for (size_t i = 0; i < len; i++)
            if ((i == 0 || out[i - 1] == '\n') && out[i] != '#')
                series++;
        c->bytes = series;
        skpi_free(out);
    }
    return st;
}

static void half_year(const bench *b, table *tb)
{
    const char *op_r = "half-year report: query + percentiles";
    const char *op_j = "half-year report: JSON (with 2 comparison periods)";
    const char *op_o = "OpenMetrics text, half year";
    if (!wanted(b, op_r) && !wanted(b, op_j) && !wanted(b, op_o))
        return;
    skpi_options *o;
    report_ctx c = {0};
    check("skpi_options_new", skpi_options_new(&o));
    check("demo_options", demo_options(o));
    check("skpi_tracker_new", skpi_tracker_new(o, &c.t));
    skpi_options_free(o);
    /* The follower and commenter ids make the people sketches real; the
     * quick run leaves out those 3.2 million ids. */
    double t0 = wall_ns();
    check("demo_build", demo_build(c.t, b->quick ? 0 : DEMO_ALL));
    fprintf(stderr, "  (demo half year built in %.2f s)\n",
            (wall_ns() - t0) / 1e9);
    check("skpi_period_parse",
          skpi_period_parse(c.t, demo_period(), &c.from, &c.to));
    if (wanted(b, op_r))
        put_time(tb, op_r, time_call(b, op_r, do_report, &c), 0, "");
    if (wanted(b, op_j)) {
        double ns = time_call(b, op_j, do_json, &c);
        char op[80];
        snprintf(op, sizeof op, "%s, %zu bytes", op_j, c.bytes);
        put_time(tb, op, ns, 0, "");
    }
    if (wanted(b, op_o)) {
        skpi_status st = do_openmetrics(&c);
        if (st == SKPI_EINVAL) {
            /* lib/openmetrics.c is still a stub in this tree. */
            put(tb, op_o, "pending", "-", "-");
        } else {
            check(op_o, st);
            double ns = time_call(b, op_o, do_openmetrics, &c);
            char op[80];
            snprintf(op, sizeof op, "%s (%zu series)", op_o, c.bytes);
            put_time(tb, op, ns, 0, "");
        }
    }
    skpi_tracker_free(c.t);
}

/* ===================================================================== */
/* The long tracker: seven years of daily buckets                        */
/* ===================================================================== */

/* Person j's id, as a platform would give it. */
static void person_id(char *buf, size_t n, uint32_t j)
{
    snprintf(buf, n, "p%09" PRIu32, j);
}

/* A person, skewed: half the events come from the most active 5 %. */
static uint32_t pick_person(rng *g, uint32_t people)
{
    uint32_t core = people / 20 > 0 ? people / 20 : 1;
    return below(g, 2) ? below(g, core) : below(g, people);
}

/* Whether person j follows platform p (about 55 %, 30 % and 35 %). */
static int follows(uint32_t j, uint32_t p)
{
    static const uint32_t share[] = {55, 30, 35};
    rng g = {(uint64_t)j * 3 + p};
    return below(&g, 100) < share[p];
}

static uint32_t pick_weighted(rng *g, const uint32_t *w, uint32_t n)
{
    uint32_t total = 0, i;
    for (i = 0; i < n; i++)
        total += w[i];
    uint32_t x = below(g, total);
    for (i = 0; x >= w[i]; i++)
        x -= w[i];
    return i;
}

/*
 * Seven years (b->days) of a desk's traffic into t, from LONG_START:
 * per day about 80 messages with ids and authors, 95 % of those that
 * expect an answer answered by a reply (delays as in the stream), 30 % of
 * the answered rated; per platform a row of likes, shares and comments,
 * 100 commenters by id, a few posts and a follower reading; and on the
 * first day of each quarter the follower lists of the three platforms,
 * from an audience that grows from 40 % to all of b->people distinct
 * people.  `seed` varies the traffic (the second tracker of the merge);
 * message ids carry it, so two trackers never share a message.
 */
static skpi_status build_long(skpi_tracker *t, const bench *b, uint64_t seed)
{
    static const uint32_t pw[] = {50, 30, 20};
    static const uint32_t cw[] = {30, 12, 10, 6, 10, 8, 24};
    rng g = {seed};
    char id[40], who[40];
    uint64_t msg_no = 0;
    skpi_status st = SKPI_OK;
    for (int64_t d = 0; d < b->days && st == SKPI_OK; d++) {
        int64_t day = LONG_START + d * DAY;
        uint32_t nmsg = 60 + below(&g, 41);
        for (uint32_t m = 0; m < nmsg && st == SKPI_OK; m++) {
            uint32_t p = pick_weighted(&g, pw, 3);
            uint32_t c = pick_weighted(&g, cw, 7);
            int64_t tm = day + below(&g, 86400);
            snprintf(id, sizeof id, "m%04" PRIx64 "-%08" PRIx64, seed & 0xffff,
                     msg_no++);
            person_id(who, sizeof who, pick_person(&g, b->people));
            st = skpi_record_message_id(t, p, c, tm, id, who);
            if (st != SKPI_OK || c == SKPI_CATEGORY_THANKS || below(&g, 100) >= 95)
                continue;
            uint32_t r = below(&g, 100);
            int64_t delay = r < 70   ? 60 + below(&g, 3540)
                            : r < 95 ? 3600 + below(&g, 82800)
                                     : DAY + below(&g, 2 * 86400);
            st = skpi_record_reply(t, p, id, tm + delay);
            if (st == SKPI_OK && below(&g, 100) < 30)
                st = skpi_record_rating(t, p, tm + delay + 600,
                                        1 + (int)pick_weighted(
                                                &g,
                                                (const uint32_t[]){3, 2, 4,
                                                                   21, 70},
                                                5));
        }
        for (uint32_t p = 0; p < LONG_PLATFORMS && st == SKPI_OK; p++) {
            for (uint32_t k = 0; k < 3 && st == SKPI_OK; k++)
                st = skpi_record_engagement(t, p, k, day + 72000,
                                            50 + below(&g, 5000));
            for (int i = 0; i < 100 && st == SKPI_OK; i++) {
                person_id(who, sizeof who, pick_person(&g, b->people));
                st = skpi_record_engagement_by(t, p, SKPI_KIND_COMMENT,
                                               day + below(&g, 86400), 1, who);
            }
            if (st == SKPI_OK)
                st = skpi_record_posts(t, p, day + 36000, 1 + below(&g, 8));
            if (st == SKPI_OK)
                st = skpi_record_followers(t, p, day + 82800,
                                           100000 + d * 300 + below(&g, 100));
        }
        if (d % 91 != 0)
            continue;
        /* A quarter's follower lists. */
        uint32_t pop = (uint32_t)((double)b->people *
                                  (0.4 + 0.6 * (double)d / (double)b->days));
        for (uint32_t j = 0; j < pop && st == SKPI_OK; j++) {
            person_id(who, sizeof who, j);
            for (uint32_t p = 0; p < LONG_PLATFORMS && st == SKPI_OK; p++)
                if (follows(j, p))
                    st = skpi_record_follower(t, p, day + 43200, who);
        }
    }
    return st;
}

typedef struct merge_ctx {
    const char *mine;
    size_t mine_len;
    const skpi_tracker *theirs;
    double ns; /* time in merge calls only */
} merge_ctx;

/* A merge into a fresh copy of the first tracker; only the merge is
 * timed (the copy is rebuilt outside the clock). */
static skpi_status do_merge(void *arg)
{
    merge_ctx *c = arg;
    skpi_tracker *dst;
    skpi_status st = skpi_tracker_from_bytes(c->mine, c->mine_len, &dst, NULL);
    if (st != SKPI_OK)
        return st;
    double t0 = now_ns();
    st = skpi_tracker_merge(dst, c->theirs);
    c->ns = now_ns() - t0;
    skpi_tracker_free(dst);
    return st;
}

typedef struct snap_ctx {
    skpi_tracker *t;
    char *bytes;
    size_t len;
    char path[512];
} snap_ctx;

static skpi_status do_to_bytes(void *arg)
{
    snap_ctx *c = arg;
    char *out;
    size_t len;
    skpi_status st = skpi_tracker_to_bytes(c->t, &out, &len);
    if (st == SKPI_OK)
        skpi_free(out);
    return st;
}

static skpi_status do_from_bytes(void *arg)
{
    snap_ctx *c = arg;
    skpi_tracker *t;
    skpi_status st = skpi_tracker_from_bytes(c->bytes, c->len, &t, NULL);
    if (st == SKPI_OK)
        skpi_tracker_free(t);
    return st;
}

static skpi_status do_save(void *arg)
{
    snap_ctx *c = arg;
    return skpi_tracker_save(c->t, c->path, NULL);
}

static skpi_status do_load(void *arg)
{
    snap_ctx *c = arg;
    skpi_tracker *t;
    skpi_status st = skpi_tracker_load(c->path, &t, NULL);
    if (st == SKPI_OK)
        skpi_tracker_free(t);
    return st;
}

static void put_rate(table *tb, const char *op, double bytes, double ns)
{
    char r[40];
    snprintf(r, sizeof r, "%.0f MB/s", bytes / ns * 1e3);
    put(tb, op, r, "-", "-");
}

/* The long tracker and what building it cost in memory. */
typedef struct long_built {
    skpi_tracker *t;
    double heap, rss; /* growth while building; heap 0 without mallinfo2 */
    double seconds;
} long_built;

static const char *const long_ops[] = {
    "memory, 7-year daily tracker", "7-year report: query + percentiles",
    "7-year report: JSON (with 2 comparison periods)",
    "merge of two 7-year trackers", "snapshot"};
#define N_LONG_OPS (sizeof long_ops / sizeof long_ops[0])

/*
 * Build the long tracker.  main() does this before anything else, so that
 * the memory it takes is measured in a fresh process: memory that earlier
 * measurements freed would otherwise be reused and hide the growth.
 */
static int long_build(const bench *b, long_built *lb)
{
    size_t i;
    for (i = 0; i < N_LONG_OPS && !wanted(b, long_ops[i]); i++) {
    }
    if (i == N_LONG_OPS)
        return 0;
    double heap0 = heap_bytes(), rss0 = rss_bytes(), t0 = wall_ns();
    lb->t = new_tracker(NULL);
    check("build_long", build_long(lb->t, b, UINT64_C(0x7EA57EA5)));
    lb->heap = heap_bytes() - heap0;
    lb->rss = rss_bytes() - rss0;
    lb->seconds = (wall_ns() - t0) / 1e9;
    return 1;
}

static void long_tracker(const bench *b, table *tb, skpi_tracker *t,
                         const long_built *lb)
{
    const char *op_mem = long_ops[0], *op_rep = long_ops[1],
               *op_json = long_ops[2], *op_merge = long_ops[3],
               *op_snap = long_ops[4];
    char what[80];
    snprintf(what, sizeof what, "%" PRId64 " days, %" PRIu32 " people",
             b->days, b->people);
    fprintf(stderr, "  (long tracker, %s, built in %.2f s)\n", what,
            lb->seconds);
    if (wanted(b, op_mem)) {
        char op[200], r[40];
        if (lb->heap != 0) {
            snprintf(op, sizeof op, "%s (%s): heap, mallinfo2", op_mem, what);
            snprintf(r, sizeof r, "%.1f MiB", lb->heap / 1048576.0);
            put(tb, op, r, "-", "-");
        }
        snprintf(op, sizeof op, "%s (%s): RSS growth, statm", op_mem, what);
        snprintf(r, sizeof r, "%.1f MiB", lb->rss / 1048576.0);
        put(tb, op, r, "-", "-");
    }

    report_ctx rc = {t, LONG_START, LONG_START + b->days * DAY, 0, 0};
    if (wanted(b, op_rep))
        put_time(tb, op_rep, time_call(b, op_rep, do_report, &rc), 0, "");
    if (wanted(b, op_json))
        put_time(tb, op_json, time_call(b, op_json, do_json, &rc), 0, "");

    snap_ctx sc = {t, NULL, 0, ""};
    check("skpi_tracker_to_bytes", skpi_tracker_to_bytes(t, &sc.bytes, &sc.len));
    if (wanted(b, op_merge)) {
        skpi_tracker *u = new_tracker(NULL);
        check("build_long", build_long(u, b, UINT64_C(0x5EC0D5EC0D)));
        merge_ctx mc = {sc.bytes, sc.len, u, 0};
        double v[MAX_REPS];
        check(op_merge, do_merge(&mc));
        for (int r = 0; r < b->reps; r++) {
            check(op_merge, do_merge(&mc));
            v[r] = mc.ns;
        }
        put_time(tb, op_merge, median(v, b->reps), 0, "");
        skpi_tracker_free(u);
    }
    if (wanted(b, op_snap)) {
        char op[96];
        double len = (double)sc.len;
        snprintf(op, sizeof op, "snapshot to bytes (%.1f MB)", len / 1e6);
        put_rate(tb, op, len, time_call(b, op, do_to_bytes, &sc));
        snprintf(op, sizeof op, "snapshot from bytes (%.1f MB)", len / 1e6);
        put_rate(tb, op, len, time_call(b, op, do_from_bytes, &sc));
        snprintf(sc.path, sizeof sc.path, "%s/skpi-bench-%ld.skpi", b->tmpdir,
                 (long)getpid());
        snprintf(op, sizeof op, "snapshot save to file, with fsync");
        put_rate(tb, op, len, time_call(b, op, do_save, &sc));
        snprintf(op, sizeof op, "snapshot load from file");
        put_rate(tb, op, len, time_call(b, op, do_load, &sc));
        remove(sc.path);
    }
    skpi_free(sc.bytes);
    skpi_tracker_free(t);
}

/* ===================================================================== */
/* OpenMetrics for 1,000 series                                          */
/* ===================================================================== */

/* Platforms of the OpenMetrics tracker: the built-in three and more, so
 * that its text has about 1,000 series. */
#define OM_PLATFORMS 22

typedef struct om_ctx {
    skpi_tracker *t;
    int64_t from, to;
    char *buf;
    size_t size, len;
} om_ctx;

/* What a scrape of a live tracker costs: the report of the day and its
 * text, into a buffer kept from one scrape to the next. */
static skpi_status do_scrape(void *arg)
{
    om_ctx *c = arg;
    return skpi_report_openmetrics_into(c->t, c->from, c->to, NULL, 0, 0,
                                        c->buf, c->size, &c->len);
}

/*
 * A tracker of OM_PLATFORMS platforms and the built-in categories with one
 * day of traffic on every platform: messages and their answers, ratings,
 * engagements, posts, a follower reading and commenters by id.
 */
static skpi_tracker *om_tracker(void)
{
    skpi_tracker *t = new_tracker(NULL);
    char slug[32];
    for (int p = 3; p < OM_PLATFORMS; p++) {
        snprintf(slug, sizeof slug, "network%02d", p);
        check("skpi_taxonomy_add",
              skpi_taxonomy_add(t, SKPI_PLATFORM, slug, NULL, NULL));
    }
    rng g = {UINT64_C(0x0E7A0E7A)};
    char who[40];
    for (uint32_t p = 0; p < OM_PLATFORMS; p++) {
        for (int m = 0; m < 60; m++) {
            uint32_t c = below(&g, 7);
            int64_t tm = STREAM_START + below(&g, 40000);
            check("skpi_record_message", skpi_record_message(t, p, c, tm));
            if (c != SKPI_CATEGORY_THANKS)
                check("skpi_record_response",
                      skpi_record_response(t, p, c, tm, tm + 60 + below(&g, 7200)));
            if (m % 4 == 0)
                check("skpi_record_rating",
                      skpi_record_rating(t, p, tm + 9000, 1 + (int)below(&g, 5)));
        }
        for (uint32_t k = 0; k < 3; k++)
            check("skpi_record_engagement",
                  skpi_record_engagement(t, p, k, STREAM_START + 3600,
                                         1 + below(&g, 500)));
        for (int i = 0; i < 40; i++) {
            person_id(who, sizeof who, below(&g, 100000));
            check("skpi_record_engagement_by",
                  skpi_record_engagement_by(t, p, SKPI_KIND_COMMENT,
                                            STREAM_START + i, 1, who));
        }
        check("skpi_record_posts", skpi_record_posts(t, p, STREAM_START, 2));
        check("skpi_record_followers",
              skpi_record_followers(t, p, STREAM_START + 7200,
                                    10000 + below(&g, 1000)));
    }
    return t;
}

static void openmetrics_1000(const bench *b, table *tb)
{
    const char *op = "OpenMetrics text, one day of 22 platforms";
    if (!wanted(b, op))
        return;
    om_ctx c = {om_tracker(), STREAM_START - STREAM_START % DAY, 0, NULL, 0, 0};
    c.to = c.from + DAY;
    /* The first scrape sizes the buffer, as a service's would. */
    skpi_status st = do_scrape(&c);
    if (st != SKPI_EBUFSIZE)
        check(op, st);
    c.size = c.len;
    c.buf = malloc(c.size);
    if (c.buf == NULL)
        die(op, SKPI_ENOMEM);
    double ns = time_call(b, op, do_scrape, &c);
    size_t series = 0;
    for (size_t i = 0; i < c.len; i++)
        if ((i == 0 || c.buf[i - 1] == '\n') && c.buf[i] != '#')
            series++;
    char name[120];
    snprintf(name, sizeof name, "%s (%zu series, report included)", op, series);
    put_time(tb, name, ns, 0, "");
    free(c.buf);
    skpi_tracker_free(c.t);
}

/* ===================================================================== */
/* Other programs: the CSV baselines and the Python part                 */
/* ===================================================================== */

/* Whether `prog` is an executable file in a directory of $PATH. */
static int have_program(const char *prog)
{
    const char *path = getenv("PATH");
    char dir[1024], file[1100];
    while (path != NULL && *path != '\0') {
        size_t n = strcspn(path, ":");
        snprintf(dir, sizeof dir, "%.*s", (int)n, n == 0 ? "." : path);
        snprintf(file, sizeof file, "%s/%s", dir, prog);
        if (access(file, X_OK) == 0)
            return 1;
        path += n + (path[n] == ':');
    }
    return 0;
}

/* Whether s can go between single quotes in a shell command. */
static int quotable(const char *s)
{
    return strchr(s, '\'') == NULL;
}

/* CPU time of the waited-for children (user + system), in ns. */
static double children_cpu_ns(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return ((double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec) * 1e9 +
           ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) * 1e3;
}

/*
 * Run a shell command, keeping the first `cap` bytes of its output in
 * out, and time it: wall time, or with --cpu-time the CPU time the
 * command's processes used.  Returns the time in ns, or -1 if the command
 * failed (its exit status was not 0).
 */
static double run_timed(const char *cmd, char *out, size_t cap)
{
    double w0 = wall_ns(), c0 = children_cpu_ns();
    FILE *f = popen(cmd, "r");
    if (f == NULL)
        return -1;
    size_t n = 0, got;
    char sink[4096];
    while ((got = fread(sink, 1, sizeof sink, f)) > 0) {
        size_t keep = n + 1 < cap ? cap - 1 - n : 0;
        if (keep > got)
            keep = got;
        memcpy(out + n, sink, keep);
        n += keep;
    }
    out[n] = '\0';
    int status = pclose(f);
    double ns = bench_clock == CLOCK_MONOTONIC ? wall_ns() - w0
                                               : children_cpu_ns() - c0;
    return status == 0 ? ns : -1;
}

/* The file the library was loaded from (for the Python part), or "". */
static void library_path(char *buf, size_t n)
{
    snprintf(buf, n, "%s", "");
#ifdef HAVE_DLADDR
    Dl_info info;
    /* An address inside the library (copied: ISO C has no cast from a
     * function pointer to void *). */
    const char *(*fn)(void) = skpi_version_string;
    void *addr;
    memcpy(&addr, &fn, sizeof addr);
    if (dladdr(addr, &info) != 0 &&
        info.dli_fname != NULL && strstr(info.dli_fname, "libsocialkpi") != NULL)
        snprintf(buf, n, "%s", info.dli_fname);
#endif
    const char *env = getenv("SOCIALKPI_LIBRARY");
    if (buf[0] == '\0' && env != NULL)
        snprintf(buf, n, "%s", env);
}

/* The Python interpreter: $PYTHON, else python3. */
static const char *python(void)
{
    const char *py = getenv("PYTHON");
    return py != NULL && *py != '\0' && strcmp(py, ":") != 0 ? py : "python3";
}

/* ===================================================================== */
/* CSV event log                                                         */
/* ===================================================================== */

/*
 * Write a generated event log of n rows to path: messages with ids and
 * authors, their replies, engagement rows and ratings, in time order over
 * the days the rows fill, with offsets like an export's.  Returns the
 * file's size, or -1.
 */
static double write_log(const char *path, size_t n)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    rng g = {UINT64_C(0xC5F00C5F)};
    fputs("time,platform,event,category,count,actor,ref,value\n", f);
    int64_t t = STREAM_START;
    uint64_t msg = 0;
    for (size_t i = 0; i < n; i++) {
        t += below(&g, 4);
        int64_t local = t + 4 * 3600;
        time_t tt = (time_t)local;
        struct tm tm;
        gmtime_r(&tt, &tm);
        char when[40];
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S+04:00", &tm);
        const char *p = platform_slug[below(&g, 3)];
        uint32_t r = below(&g, 10);
        if (r < 4) {
            fprintf(f, "%s,%s,message,%s,,u%07" PRIu32 ",m%" PRIu64 ",\n",
                    when, p, category_slug[below(&g, 7)],
                    below(&g, 1000000), msg++);
        } else if (r < 7 && msg > 0) {
            fprintf(f, "%s,%s,reply,,,,m%" PRIu64 ",\n", when, p,
                    msg - 1 - below(&g, msg < 50 ? (uint32_t)msg : 50));
        } else if (r < 9) {
            fprintf(f, "%s,%s,engagement,%s,%" PRIu32 ",,,\n", when, p,
                    kind_slug[below(&g, 3)], 1 + below(&g, 40));
        } else {
            fprintf(f, "%s,%s,rating,,,,,%d\n", when, p, 1 + (int)below(&g, 5));
        }
    }
    double size = (double)ftell(f);
    return fclose(f) == 0 ? size : -1;
}

/* The comparison tools of the CSV row: each counts the log's rows by
 * platform and category and prints the number of groups and of rows. */
typedef struct csv_tool {
    const char *program; /* looked up on $PATH */
    const char *name;    /* in the table */
    const char *fmt;     /* shell command: @F is the log's path, @P python */
} csv_tool;

static const csv_tool csv_tools[] = {
    {"mawk", "mawk",
     "mawk -F, 'NR > 1 { n[$2 \",\" $4]++ } END { for (k in n) { g++; "
     "s += n[k] } print g, s }' '@F'"},
    {"awk", "awk",
     "awk -F, 'NR > 1 { n[$2 \",\" $4]++ } END { for (k in n) { g++; "
     "s += n[k] } print g, s }' '@F'"},
    {NULL, "Python csv + collections.Counter",
     "@P -c 'import collections, csv, sys\n"
     "with open(sys.argv[1], newline=\"\") as f:\n"
     "    r = csv.reader(f)\n"
     "    next(r)\n"
     "    c = collections.Counter((row[1], row[3]) for row in r)\n"
     "print(len(c), sum(c.values()))' '@F'"},
    {"sqlite3", "sqlite3 import + GROUP BY",
     "sqlite3 -batch -cmd '.mode list' -cmd '.separator \" \"' "
     "-cmd '.import --csv @F ev' :memory: 'SELECT count(*), sum(n) FROM "
     "(SELECT count(*) AS n FROM ev GROUP BY platform, category);'"},
};

/* fmt with @P replaced by py and @F by file (a long result is cut). */
static void subst(char *out, size_t cap, const char *fmt, const char *py,
                  const char *file)
{
    size_t n = 0;
    for (const char *f = fmt; *f != '\0' && n + 1 < cap; f++) {
        const char *put = NULL;
        if (f[0] == '@' && (f[1] == 'P' || f[1] == 'F'))
            put = *++f == 'P' ? py : file;
        for (; put != NULL && *put != '\0' && n + 1 < cap; put++)
            out[n++] = *put;
        if (put == NULL)
            out[n++] = *f;
    }
    out[n] = '\0';
}

/*
 * The same log through each comparison tool, one row each: the library's
 * rate against the tool's, medians of up to 3 runs like the library's.
 * mawk stands for awk when both exist; a missing tool is a note.
 */
static void csv_baselines(const bench *b, table *tb, const char *op,
                          const char *path, const char *lib_text,
                          double lib_rate)
{
    int have_mawk = have_program("mawk"), main_row = 0;
    int reps = b->reps < 3 ? b->reps : 3;
    for (size_t k = 0; k < sizeof csv_tools / sizeof csv_tools[0]; k++) {
        /* The main row, with awk's figure when there was one. */
        if (k == 2 && !main_row)
            put(tb, op, lib_text, "-", "-");
        const csv_tool *tool = &csv_tools[k];
        const char *prog = tool->program != NULL ? tool->program : python();
        if (strcmp(tool->name, "awk") == 0 && have_mawk)
            continue;
        if (strchr(prog, '/') == NULL ? !have_program(prog)
                                      : access(prog, X_OK) != 0) {
            /* No mawk is a note only when awk is missing too. */
            if (k != 0)
                note_skip(tb, "no %s on the PATH: the \"%s\" comparison "
                          "is skipped", prog, tool->name);
            continue;
        }
        if (!quotable(path) || !quotable(prog)) {
            note_skip(tb, "%s skipped: a quote in its path", tool->name);
            continue;
        }
        char cmd[1200], out[256];
        subst(cmd, sizeof cmd, tool->fmt, prog, path);
        double v[MAX_REPS];
        int ok = 1;
        for (int r = 0; r < reps && ok; r++) {
            v[r] = run_timed(cmd, out, sizeof out);
            unsigned long long groups = 0, rows = 0;
            ok = v[r] >= 0 &&
                 sscanf(out, "%llu %llu", &groups, &rows) == 2 &&
                 rows == (unsigned long long)b->csv_rows && groups > 0;
        }
        if (!ok) {
            note_skip(tb, "%s failed or miscounted the log (output: %.60s)",
                      tool->name, out);
            continue;
        }
        double rate = (double)b->csv_rows / median(v, reps) * 1e9;
        char row_op[160], base[40], q[16];
        if (k < 2) {
            snprintf(row_op, sizeof row_op, "%s (baseline: %s)", op, tool->name);
            main_row = 1;
        } else
            snprintf(row_op, sizeof row_op, "CSV ingestion vs %s", tool->name);
        snprintf(base, sizeof base, "%.2f M rows/s", rate / 1e6);
        snprintf(q, sizeof q, "%.1fx", lib_rate / rate);
        put(tb, row_op, lib_text, base, q);
    }
}

static void csv_ingestion(const bench *b, table *tb)
{
    char op[96];
    snprintf(op, sizeof op, "CSV ingestion, %zu-row event log, 1 thread",
             b->csv_rows);
    if (!wanted(b, op))
        return;
    /* lib/csv.c is a stub in this tree until the CSV work is merged: it
     * refuses a valid log with SKPI_EINVAL. */
    static const char probe[] =
        "time,platform,event,category\n"
        "2024-03-13T10:00:00+04:00,twitter,message,general_inquiry\n";
    skpi_tracker *t = new_tracker("+04:00");
    skpi_csv_result res;
    memset(&res, 0, sizeof res);
    skpi_status st = skpi_csv_ingest_buffer(t, probe, sizeof probe - 1, 0, &res);
    skpi_tracker_free(t);
    if (st == SKPI_EINVAL) {
        put(tb, op, "pending", "-", "-");
        return;
    }
    char path[512];
    snprintf(path, sizeof path, "%s/skpi-bench-%ld.csv", b->tmpdir,
             (long)getpid());
    double size = write_log(path, b->csv_rows);
    if (size < 0) {
        fprintf(stderr, "skpi-bench: cannot write %s: %s\n", path,
                strerror(errno));
        exit(1);
    }
    double v[MAX_REPS];
    int reps = b->reps < 3 ? b->reps : 3;
    for (int r = 0; r <= reps; r++) {
        t = new_tracker("+04:00");
        memset(&res, 0, sizeof res);
        double t0 = now_ns();
        st = skpi_csv_ingest_path(t, path, SKPI_CSV_LENIENT, &res);
        double ns = now_ns() - t0;
        skpi_tracker_free(t);
        if (st != SKPI_OK)
            die("skpi_csv_ingest_path", st);
        if (r > 0) /* run 0 is the warm-up */
            v[r - 1] = ns;
    }
    double ns = median(v, reps);
    double lib_rate = (double)b->csv_rows / ns * 1e9;
    char res_text[40];
    snprintf(res_text, sizeof res_text, "%.2f M rows/s", lib_rate / 1e6);
    csv_baselines(b, tb, op, path, res_text, lib_rate);
    snprintf(op, sizeof op, "CSV ingestion, %.0f MB log", size / 1e6);
    snprintf(res_text, sizeof res_text, "%.0f MB/s", size / ns * 1e3);
    put(tb, op, res_text, "-", "-");
    /* The peak in a fresh process: in this one, the memory that earlier
     * rows freed is reused without growing the resident set. */
    snprintf(op, sizeof op, "CSV ingestion, peak RSS growth (VmHWM)");
    char cmd[1200], out[64];
    double peak = -1;
    if (quotable(path)) {
        snprintf(cmd, sizeof cmd, "'/proc/%ld/exe' --csv-peak '%s'",
                 (long)getpid(), path);
        if (run_timed(cmd, out, sizeof out) >= 0 && sscanf(out, "%lf", &peak) != 1)
            peak = -1;
    }
    if (peak >= 0) {
        snprintf(res_text, sizeof res_text, "%.1f MiB", peak / 1048576.0);
        put(tb, op, res_text, "-", "-");
    } else {
        put(tb, op, "n/a", "-", "-");
        note_skip(tb, "no peak RSS of the CSV ingestion: needs Linux's "
                  "/proc/PID/exe and /proc/self/clear_refs");
    }
    remove(path);
}

/*
 * --csv-peak FILE (run by csv_ingestion() as a fresh process): ingest FILE
 * once and print the growth of the peak resident set, in bytes.
 */
static int csv_peak(const char *path)
{
    skpi_tracker *t = new_tracker("+04:00");
    skpi_csv_result res;
    memset(&res, 0, sizeof res);
    double rss0 = status_kb("VmRSS:");
    if (!reset_peak_rss() || rss0 == 0)
        return 1;
    skpi_status st = skpi_csv_ingest_path(t, path, SKPI_CSV_LENIENT, &res);
    double peak = status_kb("VmHWM:") - rss0;
    skpi_tracker_free(t);
    if (st != SKPI_OK)
        return 1;
    printf("%.0f\n", peak > 0 ? peak : 0);
    return 0;
}

/* ===================================================================== */
/* The Python part                                                       */
/* ===================================================================== */

/*
 * python/bench.py --table against the library this program runs with (its
 * path from dladdr(), as python/run-tests.sh sets SOCIALKPI_LIBRARY): the
 * per-event call and record_many(), each with its Python baseline timed in
 * the same run.  Skipped, with a note, without python3, bench.py or a
 * shared library.
 */
static void python_part(const bench *b, table *tb)
{
    const char *op = "Python: per-event call";
    if (!wanted(b, op) && !wanted(b, "Python: record_many"))
        return;
    char lib[1024], script[1300], pypath[1200], cmd[4000];
    library_path(lib, sizeof lib);
    snprintf(pypath, sizeof pypath, "%s/../python", TEST_SRCDIR);
    snprintf(script, sizeof script, "%s/bench.py", pypath);
    const char *py = python();
    const char *why = NULL;
    if (lib[0] == '\0')
        why = "the library is not a shared object this program can name";
    else if (strchr(py, '/') == NULL ? !have_program(py) : access(py, X_OK) != 0)
        why = "no python3 on the PATH";
    else if (access(script, R_OK) != 0)
        why = "no python/bench.py beside the tests";
    else if (!quotable(lib) || !quotable(script) || !quotable(py))
        why = "a quote in a path";
    if (why != NULL) {
        note_skip(tb, "the Python rows are skipped: %s", why);
        return;
    }
    const char *old = getenv("PYTHONPATH");
    char both[2600];
    snprintf(both, sizeof both, "%s%s%s", pypath, old != NULL ? ":" : "",
             old != NULL ? old : "");
    setenv("SOCIALKPI_LIBRARY", lib, 1);
    setenv("PYTHONPATH", both, 1);
    setenv("PYTHONDONTWRITEBYTECODE", "1", 1);
    size_t n = b->quick ? 20000 : 1000000;
    snprintf(cmd, sizeof cmd, "'%s' '%s' --table -n %zu --repeat %d%s", py,
             script, n, b->quick ? 2 : b->reps,
             bench_clock == CLOCK_MONOTONIC ? "" : " --cpu-time");
    char out[2048];
    if (run_timed(cmd, out, sizeof out) < 0) {
        note_skip(tb, "the Python rows are skipped: python/bench.py failed "
                  "(run it by hand: see its docstring)");
        return;
    }
    /* Lines: name, seconds per event, the baseline's, the baseline. */
    int rows = 0;
    for (char *line = strtok(out, "\n"); line != NULL;
         line = strtok(NULL, "\n")) {
        char name[100], base_name[60];
        double sec, base;
        if (sscanf(line, "%99[^\t]\t%lf\t%lf\t%59[^\n]", name, &sec, &base,
                   base_name) != 4 || !(sec > 0) || !(base > 0))
            continue;
        char row_op[160], r[40], bt[128], q[16];
        snprintf(row_op, sizeof row_op, "Python: %s", name);
        if (!wanted(b, row_op))
            continue;
        if (strncmp(name, "record_many", 11) == 0) {
            snprintf(r, sizeof r, "%.1f M events/s", 1e-6 / sec);
            snprintf(bt, sizeof bt, "%.1f M events/s (%s)", 1e-6 / base,
                     base_name);
        } else {
            char t[40];
            fmt_time(r, sizeof r, sec * 1e9, "/event");
            fmt_time(t, sizeof t, base * 1e9, "/event");
            snprintf(bt, sizeof bt, "%s (%s)", t, base_name);
        }
        snprintf(q, sizeof q, "%.1fx", base / sec);
        put(tb, row_op, r, bt, q);
        rows++;
    }
    if (rows == 0)
        note_skip(tb, "the Python rows are skipped: python/bench.py "
                  "printed no row");
}

/* ===================================================================== */
/* Main                                                                  */
/* ===================================================================== */

static void usage(FILE *f)
{
    fputs("usage: skpi-bench [--quick] [--reps N] [--events N] [--people N]\n"
          "                  [--days N] [--csv-rows N] [--only TEXT] [--cpu-time]\n"
          "  --quick       tiny sizes: proves the benchmark works (< 5 s)\n"
          "  --reps N      timed runs per figure; the median is printed (5)\n"
          "  --events N    events per timed recording run (4194304)\n"
          "  --people N    distinct people of the long tracker (1000000)\n"
          "  --days N      days of the long tracker (2557: seven years)\n"
          "  --csv-rows N  rows of the generated event log (10000000)\n"
          "  --only TEXT   only the rows whose name contains TEXT\n"
          "  --cpu-time    time one-thread rows by thread CPU time, not wall\n"
          "                time (for a machine that other processes share)\n",
          f);
}

static long long number(const char *opt, const char *s, long long lo,
                        long long hi)
{
    char *end;
    errno = 0;
    long long v = s == NULL ? 0 : strtoll(s, &end, 10);
    if (s == NULL || errno != 0 || *end != '\0' || v < lo || v > hi) {
        fprintf(stderr, "skpi-bench: %s needs a number from %lld to %lld\n",
                opt, lo, hi);
        exit(2);
    }
    return v;
}

/* The first "model name" of /proc/cpuinfo, or "unknown CPU". */
static void cpu_model(char *buf, size_t n)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[256];
    snprintf(buf, n, "unknown CPU");
    if (f == NULL)
        return;
    while (fgets(line, sizeof line, f) != NULL) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
            snprintf(buf, n, "%s", colon + 2);
            buf[strcspn(buf, "\n")] = '\0';
            break;
        }
    }
    fclose(f);
}

/* The three load averages of /proc/loadavg, or "unknown": figures taken
 * while other processes competed for the CPUs are not worth much. */
static void load_average(char *buf, size_t n)
{
    FILE *f = fopen("/proc/loadavg", "r");
    double a, b, c;
    snprintf(buf, n, "unknown");
    if (f == NULL)
        return;
    if (fscanf(f, "%lf %lf %lf", &a, &b, &c) == 3)
        snprintf(buf, n, "%.2f %.2f %.2f", a, b, c);
    fclose(f);
}

int main(int argc, char **argv)
{
    bench b = {0, 5, (size_t)1 << 22, 1000000, 2557, 10000000, 50e6, NULL, NULL};
    /* --quick first sets small sizes, which the options after it may
     * still change. */
    if (argc == 3 && strcmp(argv[1], "--csv-peak") == 0)
        return csv_peak(argv[2]);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--cpu-time") == 0)
            bench_clock = CLOCK_THREAD_CPUTIME_ID;
        if (strcmp(argv[i], "--quick") == 0) {
            b.quick = 1;
            b.reps = 3;
            b.events = 100000;
            b.people = 20000;
            b.days = 120;
            b.csv_rows = 20000;
            b.min_ns = 2e6;
        }
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--quick") == 0 || strcmp(a, "--cpu-time") == 0)
            continue;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(a, "--reps") == 0) {
            b.reps = (int)number(a, v, 1, MAX_REPS);
        } else if (strcmp(a, "--events") == 0) {
            b.events = (size_t)number(a, v, 1, INT64_C(1) << 40);
        } else if (strcmp(a, "--people") == 0) {
            b.people = (uint32_t)number(a, v, 1, UINT32_MAX);
        } else if (strcmp(a, "--days") == 0) {
            b.days = number(a, v, 1, 36500);
        } else if (strcmp(a, "--csv-rows") == 0) {
            b.csv_rows = (size_t)number(a, v, 1, INT64_C(1) << 36);
        } else if (strcmp(a, "--only") == 0 && v != NULL) {
            b.only = v;
        } else {
            usage(stderr);
            return 2;
        }
        i++;
    }
    b.tmpdir = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp";

    char cpu[160], load[64];
    cpu_model(cpu, sizeof cpu);
    load_average(load, sizeof load);
    printf("skpi-bench: libsocialkpi %s, %ld CPUs (%s), median of %d runs,\n"
           "%s, load average %s at the start%s\n\n",
           skpi_version_string(), sysconf(_SC_NPROCESSORS_ONLN), cpu, b.reps,
           bench_clock == CLOCK_MONOTONIC ? "wall-clock times"
                                          : "one-thread times in thread CPU time",
           load, b.quick ? ", --quick (sizes too small for real figures)" : "");
    fflush(stdout);

    double t0 = wall_ns();
    long_built lb = {0};
    int have_long = long_build(&b, &lb);
    static stream s;
    stream_fill(&s);
    table tb = {0};

    record_row(&b, &tb, &s, "record message, 1 thread", NULL, loop_message,
               naive_message);
    record_row(&b, &tb, &s, "record message, zone Europe/London, 1 thread",
               "Europe/London", loop_message, NULL);
    record_row(&b, &tb, &s, "record engagement, 1 thread", NULL,
               loop_engagement, naive_engagement);
    record_row(&b, &tb, &s, "record response with its sketch, 1 thread", NULL,
               loop_response, naive_response);
    record_row(&b, &tb, &s, "record rating, 1 thread", NULL, loop_rating,
               naive_rating);
    record_row(&b, &tb, &s, "record follower id (HyperLogLog add), 1 thread",
               NULL, loop_follower, naive_follower);
    two_threads(&b, &tb, &s);
    half_year(&b, &tb);
    openmetrics_1000(&b, &tb);
    if (have_long)
        long_tracker(&b, &tb, lb.t, &lb);
    csv_ingestion(&b, &tb);
    python_part(&b, &tb);

    print_table(&tb);
    load_average(load, sizeof load);
    printf("\nload average %s at the end\n", load);
    fprintf(stderr, "skpi-bench: done in %.1f s\n", (wall_ns() - t0) / 1e9);
    return 0;
}

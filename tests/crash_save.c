/*
 * crash_save.c -- kill -9 during skpi_tracker_save(), over and over.
 *
 * skpi_tracker_save() promises that after a crash the file holds the old
 * snapshot or the new one, never a mix (doc/snapshot-format.md, "Saving").
 * This program checks it the blunt way.  In each of RUNS runs (1,000 by
 * default; the first argument or SKPI_CRASH_RUNS overrides) it forks a
 * child that saves two trackers of different sizes, "new" and "old",
 * alternately and without end onto one path; after a pseudo-random delay,
 * log-uniform from 1 microsecond to 8 milliseconds (a fixed seed, so every
 * run of the program kills at the same offsets), the parent kills the
 * child with SIGKILL, so that kills land before, inside and after the
 * writes, fsyncs and renames of a save.  Then:
 *
 *  - the directory holds the snapshot and nothing but leftover temporary
 *    files named "<path>.tmp.<16 hex digits>" (a save killed between
 *    creating its temporary file and renaming it);
 *  - the snapshot's bytes are exactly those of the old or of the new
 *    tracker, and it loads (SKPI_OK) as that tracker;
 *  - every leftover holds a prefix of one of the two snapshots (it was cut
 *    short, so it never passes for the snapshot: loading it gives
 *    SKPI_ETRUNC or SKPI_EFORMAT), or, killed between its last write and
 *    the rename, all of one (which then loads); leftovers are removed
 *    before the next run.
 *
 * Both outcomes must occur.  It prints one line such as
 * "1000 runs: 330 old, 670 new, 0 corrupt (...)" with the leftovers seen
 * and exits 0, or explains the first failure and exits 1.  The snapshots
 * are kept small (about 5 and 24 KB) because every save costs two fsyncs;
 * 1,000 runs take about 4 seconds on ext4 (a save takes 1 to 9 ms, most
 * of it in the fsyncs, which the delays cover).
 */
#define _GNU_SOURCE 1
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "socialkpi.h"

#define D0 INT64_C(1709251200) /* 2024-03-01T00:00:00Z */

static char dir[256];
static char path[300];

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "crash_save: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    if (dir[0] != '\0')
        fprintf(stderr, "crash_save: the files are kept in %s\n", dir);
    exit(1);
}

static void must(skpi_status st, const char *what)
{
    if (st != SKPI_OK) {
        fprintf(stderr, "crash_save: %s: %s\n", what, skpi_status_name(st));
        exit(1);
    }
}

/* The old state: a few events.  The new one: the same and many more, so
 * that the two snapshots differ in length as well as in content. */
static skpi_tracker *make_tracker(int events)
{
    skpi_options *o;
    skpi_tracker *t;
    must(skpi_options_new(&o), "options");
    must(skpi_options_set_zone(o, "+04:00"), "zone");
    must(skpi_tracker_new(o, &t), "tracker");
    skpi_options_free(o);
    char id[32];
    for (int i = 0; i < events; i++) {
        int64_t at = D0 + (int64_t)i * 7200;
        snprintf(id, sizeof id, "m%d", i);
        must(skpi_record_message_id(t, (uint32_t)(i % 3), (uint32_t)(i % 7),
                                    at, id, NULL),
             "message");
        if (i % 2 == 0)
            must(skpi_record_reply(t, (uint32_t)(i % 3), id, at + 900),
                 "reply");
        must(skpi_record_rating(t, (uint32_t)(i % 3), at, 1 + i % 5), "rating");
    }
    return t;
}

/* xorshift64*: the delays, reproducible from run to run. */
static uint64_t rng_state = UINT64_C(0x9E3779B97F4A7C15);

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * UINT64_C(2685821657736338717);
}

/* A delay in nanoseconds, log-uniform over [1 us, 8 ms]: 2^10 .. 2^23 ns. */
static int64_t next_delay(void)
{
    double u = (double)(rng() >> 11) / 9007199254740992.0; /* [0, 1) */
    /* 2^(10 + 13 u), computed without libm. */
    double e = 10.0 + 13.0 * u, v = 1.0;
    int whole = (int)e;
    for (int i = 0; i < whole; i++)
        v *= 2.0;
    /* 2^frac by its Taylor series around 0 (frac in [0, 1)). */
    double f = (e - whole) * 0.6931471805599453, term = 1.0, sum = 1.0;
    for (int k = 1; k < 20; k++) {
        term *= f / k;
        sum += term;
    }
    return (int64_t)(v * sum);
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Wait `ns` nanoseconds: spin for short delays (nanosleep's slack is
 * tens of microseconds), sleep for longer ones. */
static void wait_ns(int64_t ns)
{
    int64_t end = now_ns() + ns;
    if (ns > 200000) {
        struct timespec ts = {0, (long)(ns - 100000)};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
    }
    while (now_ns() < end) {
    }
}

/* Read a whole file into a new buffer; NULL if it cannot be read. */
static unsigned char *read_file(const char *name, size_t *len)
{
    int fd = open(name, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        close(fd);
        return NULL;
    }
    size_t n = (size_t)sb.st_size, got = 0;
    unsigned char *buf = malloc(n > 0 ? n : 1);
    while (buf != NULL && got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (buf != NULL && got != n) {
        free(buf);
        buf = NULL;
    }
    *len = n;
    return buf;
}

/* Whether name is "state.skpi.tmp." followed by 16 lowercase hex digits. */
static int is_temp_name(const char *name)
{
    static const char prefix[] = "state.skpi.tmp.";
    size_t p = sizeof prefix - 1;
    if (strncmp(name, prefix, p) != 0 || strlen(name) != p + 16)
        return 0;
    for (size_t i = p; i < p + 16; i++) {
        char c = name[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return 0;
    }
    return 1;
}

typedef struct snap {
    char *bytes;
    size_t len;
} snap;

/* Which snapshot `b` is a prefix of (0 old, 1 new), -1 if neither;
 * *whole tells whether it is all of it. */
static int prefix_of(const unsigned char *b, size_t n, const snap s[2],
                     int *whole)
{
    for (int k = 1; k >= 0; k--) {
        if (n <= s[k].len && memcmp(b, s[k].bytes, n) == 0) {
            *whole = n == s[k].len;
            return k;
        }
    }
    return -1;
}

/* Leftovers seen: empty, cut short, complete. */
static long left_empty, left_partial, left_whole;

/* Check the leftovers of one run and remove them; returns how many. */
static int check_leftovers(const snap s[2])
{
    DIR *d = opendir(dir);
    if (d == NULL)
        die("cannot list %s", dir);
    int n = 0;
    struct dirent *e;
    char name[600];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            strcmp(e->d_name, "state.skpi") == 0)
            continue;
        if (!is_temp_name(e->d_name))
            die("unexpected file in the directory: %s", e->d_name);
        snprintf(name, sizeof name, "%s/%s", dir, e->d_name);
        size_t len;
        unsigned char *b = read_file(name, &len);
        if (b == NULL)
            die("cannot read leftover %s", name);
        int whole = 0;
        if (prefix_of(b, len, s, &whole) < 0)
            die("leftover %s is not a prefix of either snapshot", name);
        skpi_tracker *u = NULL;
        skpi_status st = skpi_tracker_from_bytes(b, len, &u, NULL);
        if (whole ? st != SKPI_OK
                  : !(st == SKPI_ETRUNC || st == SKPI_EFORMAT) || u != NULL)
            die("a leftover loads with an unexpected status: %s",
                skpi_status_name(st));
        skpi_tracker_free(u);
        free(b);
        if (whole)
            left_whole++;
        else if (len == 0)
            left_empty++;
        else
            left_partial++;
        if (unlink(name) != 0)
            die("cannot remove %s", name);
        n++;
    }
    closedir(d);
    return n;
}

/* The snapshot after a kill: 0 old, 1 new; exits on anything else. */
static int check_snapshot(const snap s[2])
{
    size_t len;
    unsigned char *b = read_file(path, &len);
    if (b == NULL)
        die("the snapshot %s is missing or unreadable", path);
    int k = -1;
    for (int i = 0; i < 2; i++) {
        if (len == s[i].len && memcmp(b, s[i].bytes, len) == 0)
            k = i;
    }
    free(b);
    if (k < 0)
        die("%s is neither the old nor the new snapshot (corrupt)", path);
    skpi_tracker *u = NULL;
    skpi_error err;
    skpi_status st = skpi_tracker_load(path, &u, &err);
    if (st != SKPI_OK)
        die("the snapshot does not load: %s", skpi_status_name(st));
    char *again;
    size_t n;
    must(skpi_tracker_to_bytes(u, &again, &n), "to_bytes");
    if (n != s[k].len || memcmp(again, s[k].bytes, n) != 0)
        die("the snapshot loads as a different tracker");
    skpi_free(again);
    skpi_tracker_free(u);
    return k;
}

/* After a successful run: the snapshot and the directory go (leftover
 * temporary files were removed run by run). */
static void cleanup(void)
{
    unlink(path);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    long runs = 1000;
    const char *env = getenv("SKPI_CRASH_RUNS");
    if (argc > 1)
        runs = strtol(argv[1], NULL, 10);
    else if (env != NULL && env[0] != '\0')
        runs = strtol(env, NULL, 10);
    if (runs < 1)
        die("bad number of runs: %s", argc > 1 ? argv[1] : env);

    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/skpi-crash.XXXXXX",
             tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL)
        die("cannot create a directory in %s", tmp != NULL ? tmp : "/tmp");
    snprintf(path, sizeof path, "%s/state.skpi", dir);

    skpi_tracker *t[2] = {make_tracker(4), make_tracker(120)};
    snap s[2];
    for (int i = 0; i < 2; i++)
        must(skpi_tracker_to_bytes(t[i], &s[i].bytes, &s[i].len), "to_bytes");
    if (s[0].len == s[1].len)
        die("the two snapshots have the same size");
    must(skpi_tracker_save(t[0], path, NULL), "first save");

    long count[2] = {0, 0}, leftovers = 0;
    int64_t start = now_ns();
    for (long run = 0; run < runs; run++) {
        int ready[2];
        if (pipe(ready) != 0)
            die("pipe: %s", strerror(errno));
        int64_t delay = next_delay();
        pid_t pid = fork();
        if (pid < 0)
            die("fork: %s", strerror(errno));
        if (pid == 0) {
            /* The child: announce itself, then save new, old, new, ...
             * until killed. */
            close(ready[0]);
            if (write(ready[1], "r", 1) != 1)
                _exit(3);
            for (unsigned i = 0;; i++) {
                if (skpi_tracker_save(t[(i + 1) % 2], path, NULL) != SKPI_OK)
                    _exit(2);
            }
        }
        close(ready[1]);
        char c;
        if (read(ready[0], &c, 1) != 1)
            die("the child did not start");
        close(ready[0]);
        wait_ns(delay);
        kill(pid, SIGKILL);
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
            die("the child ended by itself (a save failed?)");
        leftovers += check_leftovers(s);
        count[check_snapshot(s)]++;
    }
    double secs = (double)(now_ns() - start) / 1e9;
    printf("%ld runs: %ld old, %ld new, 0 corrupt (snapshots of %zu and %zu "
           "bytes; %ld leftover temporary files: %ld empty, %ld partial, "
           "%ld complete; %.1f s)\n",
           runs, count[0], count[1], s[0].len, s[1].len, leftovers,
           left_empty, left_partial, left_whole, secs);
    for (int i = 0; i < 2; i++) {
        skpi_free(s[i].bytes);
        skpi_tracker_free(t[i]);
    }
    if (count[0] == 0 || count[1] == 0)
        die("both outcomes must occur");
    cleanup();
    return 0;
}

/*
 * crash_journal.c -- kill -9 during journalled recording loses nothing that
 * was acknowledged, and replays nothing twice.
 *
 * Each run forks a child that opens a journalled tracker with
 * SKPI_FSYNC_ALWAYS and records numbered events (a message with id "e<n>"
 * and, for every third, its reply), writing n to a pipe after each call
 * returns: n is then acknowledged.  The parent kills the child with SIGKILL
 * after a random delay, reads the last acknowledged n, reopens the state
 * and checks that it holds exactly the events 1..m for some m with
 * acknowledged <= m <= acknowledged + 1 (the event in flight may or may not
 * have reached the journal): every message once, in order, none missing,
 * none twice.  Every fourth run the child also checkpoints every 16 events, so kills land in
 * snapshot saves and journal swaps too.
 *
 * Usage: crash_journal [RUNS]  (default 200).  Prints the outcome counts.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "socialkpi.h"

#define D0 INT64_C(1709251200) /* 2024-03-01T00:00:00Z */

static int fail(const char *what, long run)
{
    fprintf(stderr, "crash_journal: run %ld: %s\n", run, what);
    return 1;
}

/* The child: record events forever, acknowledging each. */
static void child(const char *path, int ack, int checkpoints)
{
    skpi_tracker *t;
    skpi_journal *j;
    if (skpi_journal_open(path, NULL, SKPI_FSYNC_ALWAYS, 0, &t, &j, NULL) !=
        SKPI_OK)
        _exit(3);
    /* Continue after what an earlier run left. */
    long n = (long)skpi_journal_seq(j);
    char id[32];
    for (;;) {
        long e = n + 1;
        snprintf(id, sizeof id, "e%ld", e);
        /* One journal record per event: replies go to a platform of their
         * own, recorded as separate numbered events. */
        if (skpi_record_message_id(t, 0, 0, D0 + e, id, NULL) != SKPI_OK)
            _exit(4);
        n = e;
        if (write(ack, &n, sizeof n) != (ssize_t)sizeof n)
            _exit(5);
        if (checkpoints && e % 16 == 0 &&
            skpi_journal_checkpoint(j, NULL) != SKPI_OK)
            _exit(6);
    }
}

/* Messages recorded in the state at path: must be e1..em exactly. */
static int check_state(const char *path, long lo, long hi, long run, long *m)
{
    skpi_tracker *t;
    skpi_journal *j;
    skpi_error err;
    memset(&err, 0, sizeof err);
    if (skpi_journal_open(path, NULL, SKPI_FSYNC_NONE, 0, &t, &j, &err) !=
        SKPI_OK)
        return fail(err.text, run);
    skpi_report *r;
    int64_t n = -1;
    if (skpi_report_new(t, D0, D0 + 86400 * 30, NULL, 0, &r) != SKPI_OK ||
        skpi_report_messages(r, SKPI_ALL, SKPI_ALL, &n) != SKPI_OK)
        return fail("cannot report", run);
    skpi_report_free(r);
    int bad = 0;
    if (n < lo || n > hi) {
        fprintf(stderr, "crash_journal: run %ld: %lld events recovered, "
                        "acknowledged %ld\n", run, (long long)n, lo);
        bad = 1;
    }
    /* Once each: every id recovered is known (a duplicate would be refused
     * as such), and the next one is not. */
    char id[32];
    snprintf(id, sizeof id, "e%lld", (long long)n);
    if (!bad && n > 0 &&
        skpi_record_message_id(t, 0, 0, D0 + n, id, NULL) != SKPI_EDUPLICATE)
        bad = fail("the last event was not recovered", run);
    snprintf(id, sizeof id, "e%lld", (long long)n + 1);
    if (!bad &&
        skpi_record_message_id(t, 0, 0, D0 + n + 1, id, NULL) != SKPI_OK)
        bad = fail("an unacknowledged event was recovered twice", run);
    /* Close without keeping the probe: rebuild the journal to n events. */
    skpi_journal_close(j);
    skpi_tracker_free(t);
    *m = (long)n;
    return bad;
}

int main(int argc, char **argv)
{
    long runs = argc > 1 ? strtol(argv[1], NULL, 10) : 200;
    char dir[] = "/tmp/skpi-crash-journal.XXXXXX";
    if (mkdtemp(dir) == NULL)
        return fail(strerror(errno), 0);
    char path[128];
    snprintf(path, sizeof path, "%s/state.skpi", dir);
    uint64_t x = 0x9E3779B97F4A7C15u;
    long exact = 0, inflight = 0, total = 0, failures = 0;
    for (long run = 1; run <= runs && failures == 0; run++) {
        /* A fresh state each run keeps the check simple. */
        char jpath[160];
        snprintf(jpath, sizeof jpath, "%s.journal", path);
        unlink(path);
        unlink(jpath);
        int fds[2];
        if (pipe(fds) != 0)
            return fail(strerror(errno), run);
        pid_t pid = fork();
        if (pid == 0) {
            close(fds[0]);
            child(path, fds[1], run % 4 == 0);
        }
        close(fds[1]);
        x = x * 6364136223846793005u + 1442695040888963407u;
        long delay_us = 200 + (long)((x >> 33) % 20000);
        struct timespec ts = {0, delay_us * 1000};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        long acked = 0, n;
        while (read(fds[0], &n, sizeof n) == (ssize_t)sizeof n)
            acked = n;
        close(fds[0]);
        int status;
        waitpid(pid, &status, 0);
        if (!WIFSIGNALED(status)) {
            failures++;
            fail("the child ended by itself", run);
            break;
        }
        long m = 0;
        if (check_state(path, acked, acked + 1, run, &m) != 0) {
            failures++;
            break;
        }
        total += m;
        if (m == acked)
            exact++;
        else
            inflight++;
    }
    char jpath[160];
    snprintf(jpath, sizeof jpath, "%s.journal", path);
    unlink(path);
    unlink(jpath);
    rmdir(dir);
    printf("%ld runs: %ld recovered exactly the acknowledged events, %ld also "
           "the one in flight; %ld events in all; %ld failures\n",
           runs, exact, inflight, total, failures);
    return failures == 0 ? 0 : 1;
}

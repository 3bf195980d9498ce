/*
 * check_journal.c -- the journal: replay, checkpoints, torn tails, damage,
 * repair, and what an open does to the files.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#define D0 INT64_C(1709251200) /* 2024-03-01T00:00:00Z */

static char dir[64], path[128], jpath[160];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/skpi-journal.%ld", (long)getpid());
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    snprintf(path, sizeof path, "%s/state.skpi", dir);
    snprintf(jpath, sizeof jpath, "%s.journal", path);
}

static void teardown(void)
{
    unlink(path);
    unlink(jpath);
    rmdir(dir);
}

static skpi_tracker *open_state(skpi_journal **j, int fsync, unsigned flags,
                                skpi_error *err)
{
    skpi_options *o = NULL;
    skpi_tracker *t = NULL;
    ck_assert_status(skpi_options_new(&o), SKPI_OK);
    ck_assert_status(skpi_options_set_zone(o, "+04:00"), SKPI_OK);
    skpi_status st = skpi_journal_open(path, o, fsync, flags, &t, j, err);
    skpi_options_free(o);
    ck_assert_msg(st == SKPI_OK, "open: %s", skpi_status_name(st));
    return t;
}

/* Every kind of change, in an order where order matters (replies after
 * their messages, a registration before its use). */
static void record_some(skpi_tracker *t, int from, int to)
{
    uint32_t tiktok;
    if (from == 0)
        ck_assert_status(skpi_taxonomy_add(t, SKPI_PLATFORM, "tiktok", "TikTok", &tiktok), SKPI_OK);
    char id[32];
    for (int i = from; i < to; i++) {
        snprintf(id, sizeof id, "m%d", i);
        uint32_t p = (uint32_t)(i % 4);
        ck_assert_status(skpi_record_message_id(t, p, (uint32_t)(i % 7), D0 + i * 600, id, "someone"), SKPI_OK);
        if (i % 2)
            ck_assert_status(skpi_record_reply(t, p, id, D0 + i * 600 + 90), SKPI_OK);
        ck_assert_status(skpi_record_engagement(t, p, 0, D0 + i, 2), SKPI_OK);
        ck_assert_status(skpi_record_follower(t, p, D0 + i, id), SKPI_OK);
        ck_assert_status(skpi_record_rating(t, p, D0 + i, 4), SKPI_OK);
    }
    /* Refused but counted: journalled too. */
    ck_assert_status(skpi_record_reply(t, 0, "nobody", D0 + 5), SKPI_EUNMATCHED);
    /* Refused and not counted: not journalled. */
    ck_assert_status(skpi_record_rating(t, 0, D0, 9), SKPI_ERATING);
}

static char *bytes_of(const skpi_tracker *t, size_t *n)
{
    char *b = NULL;
    ck_assert_status(skpi_tracker_to_bytes(t, &b, n), SKPI_OK);
    return b;
}

/*
 * Close t's journal, free t, open the state again with `fsync` and check
 * that it holds the same bytes; returns the reopened tracker (*j its
 * journal).
 */
static skpi_tracker *reopen_same(skpi_tracker *t, skpi_journal **j, int fsync)
{
    size_t n1, n2;
    char *want = bytes_of(t, &n1);
    ck_assert_status(skpi_journal_close(*j), SKPI_OK);
    skpi_tracker_free(t);
    t = open_state(j, fsync, 0, NULL);
    char *got = bytes_of(t, &n2);
    ck_assert_uint_eq(n1, n2);
    ck_assert(memcmp(want, got, n1) == 0);
    skpi_free(want);
    skpi_free(got);
    return t;
}

static off_t file_size(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 ? sb.st_size : -1;
}

START_TEST(test_replay_equals_original)
{
    skpi_journal *j = NULL;
    skpi_tracker *t = open_state(&j, SKPI_FSYNC_NONE, 0, NULL);
    record_some(t, 0, 50);
    /* 1 registration + 50 messages + 25 replies + 150 others + 1 refused */
    ck_assert_uint_eq(skpi_journal_seq(j), 227);
    /* Replayed over the snapshot that the first open wrote (an empty
     * tracker: the journal holds everything). */
    off_t snap = file_size(path);
    ck_assert_int_gt(snap, 0);
    t = reopen_same(t, &j, SKPI_FSYNC_NONE);
    ck_assert_int_eq(file_size(path), snap);
    ck_assert_uint_eq(skpi_journal_seq(j), 227);
    ck_assert_status(skpi_journal_close(j), SKPI_OK);
    skpi_tracker_free(t);
}
END_TEST

START_TEST(test_checkpoint)
{
    skpi_journal *j = NULL;
    skpi_tracker *t = open_state(&j, SKPI_FSYNC_ALWAYS, 0, NULL);
    record_some(t, 0, 20);
    ck_assert_status(skpi_journal_checkpoint(j, NULL), SKPI_OK);
    ck_assert_int_eq(file_size(jpath), 24); /* an empty journal */
    record_some(t, 20, 30);
    uint64_t seq = skpi_journal_seq(j);
    t = reopen_same(t, &j, SKPI_FSYNC_EVERYSEC);
    ck_assert_uint_eq(skpi_journal_seq(j), seq);
    /* Recording goes on after reopening, replies to old messages too. */
    ck_assert_status(skpi_record_reply(t, 0, "m20", D0 + 99999), SKPI_OK);
    ck_assert_status(skpi_journal_close(j), SKPI_OK);
    skpi_tracker_free(t);
}
END_TEST

START_TEST(test_crash_between_snapshot_and_new_journal)
{
    /* A snapshot newer than the journal (the crash came after the save and
     * before the fresh journal): records it already holds are skipped. */
    skpi_journal *j = NULL;
    skpi_tracker *t = open_state(&j, SKPI_FSYNC_NONE, 0, NULL);
    record_some(t, 0, 10);
    ck_assert_status(skpi_tracker_save(t, path, NULL), SKPI_OK);
    t = reopen_same(t, &j, SKPI_FSYNC_NONE);
    ck_assert_status(skpi_journal_close(j), SKPI_OK);
    skpi_tracker_free(t);
}
END_TEST

START_TEST(test_torn_tail_every_length)
{
    /* Cut the journal at every length inside its last records: opening
     * always succeeds, reports the cut, and recovers the records before
     * it -- never one twice. */
    skpi_journal *j = NULL;
    skpi_tracker *t = open_state(&j, SKPI_FSYNC_NONE, 0, NULL);
    record_some(t, 0, 3);
    ck_assert_status(skpi_journal_close(j), SKPI_OK);
    skpi_tracker_free(t);
    off_t full = file_size(jpath);
    FILE *f = fopen(jpath, "rb");
    static unsigned char copy[1 << 16];
    size_t n = fread(copy, 1, sizeof copy, f);
    fclose(f);
    ck_assert_int_eq((off_t)n, full);
    uint64_t prev = 0;
    for (size_t cut = 24; cut <= n; cut++) {
        f = fopen(jpath, "wb");
        fwrite(copy, 1, cut, f);
        fclose(f);
        skpi_error err;
        memset(&err, 0, sizeof err);
        t = open_state(&j, SKPI_FSYNC_NONE, 0, &err);
        uint64_t seq = skpi_journal_seq(j);
        ck_assert_uint_ge(seq, prev); /* more bytes, never fewer records */
        prev = seq;
        /* A cut inside a record is reported and made permanent: the file
         * then ends after the last good record. */
        if (file_size(jpath) < (off_t)cut)
            ck_assert_ptr_nonnull(strstr(err.text, "torn"));
        /* A new append lands cleanly after it. */
        ck_assert_status(skpi_record_message(t, 0, 0, D0), SKPI_OK);
        ck_assert_status(skpi_journal_close(j), SKPI_OK);
        skpi_tracker_free(t);
        t = open_state(&j, SKPI_FSYNC_NONE, 0, &err);
        ck_assert_uint_eq(skpi_journal_seq(j), seq + 1);
        ck_assert_status(skpi_journal_close(j), SKPI_OK);
        skpi_tracker_free(t);
    }
    /* The whole file: 1 registration, 3 messages, 1 reply, 9 other
     * events and 1 counted refusal. */
    ck_assert_uint_eq(prev, 15);
}
END_TEST

START_TEST(test_damage_in_the_middle)
{
    skpi_journal *j = NULL;
    skpi_tracker *t = open_state(&j, SKPI_FSYNC_NONE, 0, NULL);
    record_some(t, 0, 5);
    ck_assert_status(skpi_journal_close(j), SKPI_OK);
    skpi_tracker_free(t);
    /* Flip a byte of the second record's payload. */
    int fd = open(jpath, O_RDWR);
    unsigned char hdr[4];
    ck_assert_int_eq(pread(fd, hdr, 4, 24), 4);
    off_t second = 24 + 16 + (hdr[0] | hdr[1] << 8);
    unsigned char c;
    ck_assert_int_eq(pread(fd, &c, 1, second + 17), 1);
    c ^= 0x40;
    ck_assert_int_eq(pwrite(fd, &c, 1, second + 17), 1);
    close(fd);
    off_t before = file_size(jpath);
    skpi_error err;
    skpi_tracker *u = NULL;
    ck_assert_status(skpi_journal_open(path, NULL, SKPI_FSYNC_NONE, 0, &u, &j, &err), SKPI_ECORRUPT);
    ck_assert_int_eq(err.offset, second);
    ck_assert_ptr_null(u);
    ck_assert_int_eq(file_size(jpath), before); /* nothing changed */
    /* A repair keeps the first record only. */
    t = open_state(&j, SKPI_FSYNC_NONE, SKPI_JOURNAL_REPAIR, &err);
    ck_assert_uint_eq(skpi_journal_seq(j), 1);
    ck_assert_int_eq(err.offset, second);
    ck_assert_int_eq(file_size(jpath), second);
    uint32_t id;
    ck_assert_status(skpi_taxonomy_find(t, SKPI_PLATFORM, "tiktok", &id), SKPI_OK);
    ck_assert_status(skpi_journal_close(j), SKPI_OK);
    skpi_tracker_free(t);
}
END_TEST

/* Open the state with `o` (NULL: defaults); the status, *t and *j. */
static skpi_status open_with(const skpi_options *o, unsigned flags, skpi_tracker **t,
                             skpi_journal **j, skpi_error *err)
{
    *t = NULL;
    *j = NULL;
    return skpi_journal_open(path, o, SKPI_FSYNC_NONE, flags, t, j, err);
}

static skpi_options *scale_options(const char *zone, int lo, int hi, int sat)
{
    skpi_options *o = NULL;
    ck_assert_status(skpi_options_new(&o), SKPI_OK);
    ck_assert_status(skpi_options_set_zone(o, zone), SKPI_OK);
    ck_assert_status(skpi_options_set_rating_scale(o, lo, hi, sat), SKPI_OK);
    return o;
}

static void close_all(skpi_tracker *t, skpi_journal *j)
{
    ck_assert_status(skpi_journal_close(j), SKPI_OK);
    skpi_tracker_free(t);
}

START_TEST(test_options_kept_before_any_checkpoint)
{
    /* Created with +04:00 and a 0..8 scale; no checkpoint; reopened with
     * other options (or none): the tracker is the one created, with every
     * record, the ratings 0 and 8 that the default scale would refuse
     * included. */
    skpi_options *mine = scale_options("+04:00", 0, 8, 7);
    skpi_tracker *t;
    skpi_journal *j;
    ck_assert_status(open_with(mine, 0, &t, &j, NULL), SKPI_OK);
    skpi_options_free(mine);
    ck_assert_int_gt(file_size(path), 0); /* the snapshot, before any record */
    ck_assert_int_eq(file_size(jpath), 24);
    record_some(t, 0, 10);
    ck_assert_status(skpi_record_rating(t, 0, D0, 8), SKPI_OK);
    ck_assert_status(skpi_record_rating(t, 0, D0, 0), SKPI_OK);
    size_t n1, n2;
    char *want = bytes_of(t, &n1);
    uint64_t seq = skpi_journal_seq(j);
    close_all(t, j);
    skpi_options *other = scale_options("Europe/London", 1, 5, 4);
    for (int k = 0; k < 2; k++) {
        ck_assert_status(open_with(k == 0 ? other : NULL, 0, &t, &j, NULL), SKPI_OK);
        ck_assert_str_eq(skpi_tracker_zone(t), "+04:00");
        int lo = -1, hi = -1, sat = -1;
        ck_assert_status(skpi_tracker_rating_scale(t, &lo, &hi, &sat), SKPI_OK);
        ck_assert_int_eq(lo, 0);
        ck_assert_int_eq(hi, 8);
        ck_assert_int_eq(sat, 7);
        ck_assert_uint_eq(skpi_journal_seq(j), seq);
        char *got = bytes_of(t, &n2);
        ck_assert_uint_eq(n1, n2);
        ck_assert(memcmp(want, got, n1) == 0);
        skpi_free(got);
        close_all(t, j);
    }
    skpi_options_free(other);
    skpi_free(want);
}
END_TEST

START_TEST(test_journal_without_snapshot)
{
    /* A journal found without its snapshot (written before snapshots were
     * made at creation, or the snapshot removed) is replayed into a tracker
     * made with `opts`, which then gets its snapshot. */
    skpi_options *mine = scale_options("+04:00", 0, 8, 7);
    skpi_tracker *t;
    skpi_journal *j;
    ck_assert_status(open_with(mine, 0, &t, &j, NULL), SKPI_OK);
    record_some(t, 0, 5);
    ck_assert_status(skpi_record_rating(t, 1, D0, 0), SKPI_OK);
    size_t n1, n2;
    char *want = bytes_of(t, &n1);
    close_all(t, j);
    ck_assert_int_eq(unlink(path), 0);
    off_t jsize = file_size(jpath);
    /* With the options it was made with: the same tracker, and from now on
     * a snapshot. */
    ck_assert_status(open_with(mine, 0, &t, &j, NULL), SKPI_OK);
    char *got = bytes_of(t, &n2);
    ck_assert_uint_eq(n1, n2);
    ck_assert(memcmp(want, got, n1) == 0);
    skpi_free(got);
    ck_assert_int_gt(file_size(path), 0);
    ck_assert_int_eq(file_size(jpath), jsize);
    close_all(t, j);
    /* With other options the rating 0 does not apply: not silently
     * dropped, but refused at its record, changing no file. */
    ck_assert_int_eq(unlink(path), 0);
    unsigned char rec[4];
    FILE *f = fopen(jpath, "rb");
    ck_assert_ptr_nonnull(f);
    off_t at = 24, last = 24;
    while (fseek(f, (long)at, SEEK_SET) == 0 && fread(rec, 1, 4, f) == 4) {
        last = at;
        at += 16 + (rec[0] | rec[1] << 8);
    }
    fclose(f);
    ck_assert_int_eq(at, jsize);
    skpi_error err;
    memset(&err, 0, sizeof err);
    ck_assert_status(open_with(NULL, 0, &t, &j, &err), SKPI_ECORRUPT);
    ck_assert_int_eq(err.status, SKPI_ECORRUPT);
    ck_assert_int_eq(err.offset, last);
    ck_assert_ptr_nonnull(strstr(err.text, "does not apply"));
    ck_assert_ptr_null(t);
    ck_assert_int_eq(file_size(path), -1);
    ck_assert_int_eq(file_size(jpath), jsize);
    /* A repair cuts it there. */
    memset(&err, 0, sizeof err);
    ck_assert_status(open_with(NULL, SKPI_JOURNAL_REPAIR, &t, &j, &err), SKPI_OK);
    ck_assert_int_eq(err.status, SKPI_OK);
    ck_assert_int_eq(err.offset, last);
    ck_assert_int_eq(file_size(jpath), last);
    ck_assert_str_eq(skpi_tracker_zone(t), "Z");
    close_all(t, j);
    skpi_options_free(mine);
    skpi_free(want);
}
END_TEST

START_TEST(test_journal_older_than_snapshot)
{
    /* A snapshot newer than everything in its journal (the journal of an
     * earlier checkpoint put back): a new journal is started after the
     * snapshot, so that the sequence stays without gaps. */
    skpi_journal *j = NULL;
    skpi_tracker *t = open_state(&j, SKPI_FSYNC_NONE, 0, NULL);
    record_some(t, 0, 3);
    ck_assert_uint_eq(skpi_journal_seq(j), 15);
    close_all(t, j);
    static unsigned char old[1 << 16];
    FILE *f = fopen(jpath, "rb");
    size_t n = fread(old, 1, sizeof old, f);
    fclose(f);
    t = open_state(&j, SKPI_FSYNC_NONE, 0, NULL);
    record_some(t, 3, 6);
    ck_assert_status(skpi_journal_checkpoint(j, NULL), SKPI_OK);
    uint64_t seq = skpi_journal_seq(j);
    ck_assert_uint_gt(seq, 15);
    close_all(t, j);
    f = fopen(jpath, "wb");
    ck_assert_uint_eq(fwrite(old, 1, n, f), n);
    fclose(f);
    t = open_state(&j, SKPI_FSYNC_NONE, 0, NULL);
    ck_assert_uint_eq(skpi_journal_seq(j), seq);
    ck_assert_int_eq(file_size(jpath), 24); /* started afresh */
    ck_assert_status(skpi_record_message(t, 0, 0, D0), SKPI_OK);
    t = reopen_same(t, &j, SKPI_FSYNC_NONE);
    ck_assert_uint_eq(skpi_journal_seq(j), seq + 1);
    close_all(t, j);
}
END_TEST

typedef struct writer {
    skpi_tracker *t;
    int who;
} writer;

static void *write_ids(void *arg)
{
    writer *w = arg;
    char id[32];
    for (int i = 0; i < 500; i++) {
        snprintf(id, sizeof id, "w%d-%d", w->who, i);
        if (skpi_record_message_id(w->t, 0, 0, D0 + i, id, NULL) != SKPI_OK ||
            skpi_record_reply(w->t, 0, id, D0 + i + 30) != SKPI_OK)
            return (void *)1;
    }
    return NULL;
}

START_TEST(test_threads_replay)
{
    /* Two threads record into a journalled tracker; replay rebuilds the
     * same state (the journal's order is the order of application). */
    skpi_journal *j = NULL;
    skpi_tracker *t = open_state(&j, SKPI_FSYNC_NONE, 0, NULL);
    pthread_t a, b;
    writer wa = {t, 0}, wb = {t, 1};
    void *ra, *rb;
    ck_assert_int_eq(pthread_create(&a, NULL, write_ids, &wa), 0);
    ck_assert_int_eq(pthread_create(&b, NULL, write_ids, &wb), 0);
    pthread_join(a, &ra);
    pthread_join(b, &rb);
    ck_assert_ptr_null(ra);
    ck_assert_ptr_null(rb);
    ck_assert_uint_eq(skpi_journal_seq(j), 2000);
    t = reopen_same(t, &j, SKPI_FSYNC_NONE);
    ck_assert_status(skpi_journal_close(j), SKPI_OK);
    skpi_tracker_free(t);
}
END_TEST

START_TEST(test_open_errors)
{
    skpi_tracker *t = NULL;
    skpi_journal *j = NULL;
    skpi_error err;
    ck_assert_status(skpi_journal_open(NULL, NULL, 0, 0, &t, &j, &err), SKPI_EINVAL);
    ck_assert_status(skpi_journal_open(path, NULL, 3, 0, &t, &j, &err), SKPI_EOPTION);
    ck_assert_status(skpi_journal_open(path, NULL, 0, 2, &t, &j, &err), SKPI_EOPTION);
    char bad[160];
    snprintf(bad, sizeof bad, "%s/missing/state.skpi", dir);
    ck_assert_status(skpi_journal_open(bad, NULL, 0, 0, &t, &j, &err), SKPI_EIO);
    ck_assert_ptr_null(t);
    /* Not a journal, or one cut inside its header (which a crash cannot
     * leave: a journal is created whole, then renamed): refused, and no
     * snapshot is made. */
    static const struct {
        const char *bytes;
        size_t n;
        skpi_status st;
        int64_t offset;
    } bad_journals[] = {
        {"this is not a journal at all", 28, SKPI_EFORMAT, 0},
        {"SKPS", 4, SKPI_EFORMAT, 0},
        {"SKPI", 4, SKPI_ETRUNC, 4}, /* the magic, cut short */
        {"", 0, SKPI_ETRUNC, 0},
        {"SKPIJR", 6, SKPI_ETRUNC, 6},
        {"SKPIJRNL\1\0\0\0", 12, SKPI_ETRUNC, 12},
    };
    for (size_t k = 0; k < sizeof bad_journals / sizeof bad_journals[0]; k++) {
        FILE *f = fopen(jpath, "wb");
        fwrite(bad_journals[k].bytes, 1, bad_journals[k].n, f);
        fclose(f);
        memset(&err, 0, sizeof err);
        ck_assert_status(skpi_journal_open(path, NULL, 0, 0, &t, &j, &err), bad_journals[k].st);
        ck_assert_int_eq(err.status, bad_journals[k].st);
        ck_assert_int_eq(err.offset, bad_journals[k].offset);
        ck_assert_ptr_null(t);
        ck_assert_int_eq(file_size(path), -1);
        ck_assert_int_eq(file_size(jpath), (off_t)bad_journals[k].n);
    }
    unlink(jpath);
    ck_assert_status(skpi_journal_sync(NULL), SKPI_EINVAL);
    ck_assert_status(skpi_journal_checkpoint(NULL, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_journal_close(NULL), SKPI_OK);
    ck_assert_uint_eq(skpi_journal_seq(NULL), 0);
}
END_TEST

START_TEST(test_close_detaches)
{
    skpi_journal *j = NULL;
    skpi_tracker *t = open_state(&j, SKPI_FSYNC_NONE, 0, NULL);
    ck_assert_status(skpi_record_message(t, 0, 0, D0), SKPI_OK);
    ck_assert_status(skpi_journal_sync(j), SKPI_OK);
    ck_assert_status(skpi_journal_close(j), SKPI_OK);
    off_t size = file_size(jpath);
    ck_assert_status(skpi_record_message(t, 0, 0, D0), SKPI_OK);
    ck_assert_int_eq(file_size(jpath), size); /* no longer journalled */
    skpi_tracker_free(t);
}
END_TEST

static Suite *journal_suite(void)
{
    Suite *s = suite_create("journal");
    TCase *core = tcase_create("core");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_set_timeout(core, 120);
    tcase_add_test(core, test_replay_equals_original);
    tcase_add_test(core, test_checkpoint);
    tcase_add_test(core, test_crash_between_snapshot_and_new_journal);
    tcase_add_test(core, test_close_detaches);
    tcase_add_test(core, test_threads_replay);
    tcase_add_test(core, test_options_kept_before_any_checkpoint);
    tcase_add_test(core, test_journal_without_snapshot);
    tcase_add_test(core, test_journal_older_than_snapshot);
    suite_add_tcase(s, core);
    TCase *damage = tcase_create("damage");
    tcase_add_checked_fixture(damage, setup, teardown);
    tcase_set_timeout(damage, 300);
    tcase_add_test(damage, test_torn_tail_every_length);
    tcase_add_test(damage, test_damage_in_the_middle);
    tcase_add_test(damage, test_open_errors);
    suite_add_tcase(s, damage);
    return s;
}

SKPI_CHECK_MAIN(journal_suite)

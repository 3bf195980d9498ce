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
    /* Replayed from the journal alone: there is no snapshot yet. */
    t = reopen_same(t, &j, SKPI_FSYNC_NONE);
    ck_assert_int_eq(file_size(path), -1);
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
    /* Not a journal. */
    FILE *f = fopen(jpath, "wb");
    fputs("this is not a journal at all", f);
    fclose(f);
    ck_assert_status(skpi_journal_open(path, NULL, 0, 0, &t, &j, &err), SKPI_EFORMAT);
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

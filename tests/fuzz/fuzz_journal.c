/*
 * fuzz_journal.c -- libFuzzer target: journal replay, skpi_journal_open().
 *
 * The input is a journal file, after one byte of flags (journal_state.h):
 * whether a snapshot lies beside it (one made at start-up, at journal
 * sequence JS_PREFIX, which the seeds continue), whether to open with
 * SKPI_JOURNAL_REPAIR, which options to create a tracker with when there
 * is no snapshot, and whether to leave the journal file out altogether.
 * The files go to a private directory (under /dev/shm when there is one)
 * as x.skpi and x.skpi.journal, and the state is opened.  What must hold:
 *
 *  - a refusal is SKPI_EFORMAT, SKPI_ETRUNC, SKPI_ECRC, SKPI_EVERSION or
 *    SKPI_ECORRUPT, with that status and an offset inside the journal in
 *    the error, nothing returned, and no file changed or left behind;
 *  - on success a snapshot exists, and the journal is what was given, or
 *    what was given cut at the offset the error reports (status SKPI_OK),
 *    or a new empty one (24 bytes: none was given, or all it held lies
 *    below the snapshot);
 *  - the opened state takes a new record, and then opens again without
 *    repair, without anything cut, holding the very same bytes and
 *    sequence number;
 *  - no crash, leak, undefined behaviour or hang (libFuzzer, ASan, UBSan).
 *
 * Every record carries a CRC-32C, so plain byte mutations would almost
 * always meet the torn-tail and damage checks only.  The custom mutator
 * below mutates one record's payload (or the header's fields, or the flag
 * byte) and seals it again with the right length and CRC, so that the
 * mutation reaches the record decoder and replay; one mutation in eight
 * stays raw, to keep the frame checks covered.
 *
 * tests/fuzz/run.sh builds and runs it; gen_corpus.c writes its seeds
 * (corpus/fuzz_journal: valid journals with each kind of record, a torn
 * tail, damage in the middle).
 */
#define _GNU_SOURCE 1
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal_state.h"
#include "socialkpi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned seed);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

static char dir[64], path[96], jpath[128];
static unsigned char *snapshot; /* the snapshot put beside inputs */
static size_t snapshot_len;

static void fail(const char *what, skpi_status st)
{
    fprintf(stderr, "fuzz_journal: %s (%s)\n", what, skpi_status_name(st));
    abort();
}

static void put_file(const char *p, const void *b, size_t n)
{
    FILE *f = fopen(p, "wb");
    if (f == NULL || (n > 0 && fwrite(b, 1, n, f) != n) || fclose(f) != 0)
        fail("cannot write a file", SKPI_EIO);
}

/* The bytes of file p in a new buffer (*n its size), NULL if none. */
static unsigned char *get_file(const char *p, size_t *n)
{
    FILE *f = fopen(p, "rb");
    if (f == NULL)
        return NULL;
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0)
        fail("cannot stat a file", SKPI_EIO);
    *n = (size_t)sb.st_size;
    unsigned char *b = malloc(*n + 1);
    if (b == NULL || fread(b, 1, *n, f) != *n)
        fail("cannot read a file", SKPI_EIO);
    fclose(f);
    return b;
}

static int same_file(const char *p, const void *want, size_t n)
{
    size_t got_n = 0;
    unsigned char *got = get_file(p, &got_n);
    int same = got != NULL && got_n == n && (n == 0 || memcmp(got, want, n) == 0);
    free(got);
    return same;
}

/* Files in the directory (temporary files must never be left behind). */
static int files_in_dir(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    while (d != NULL && (e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    if (d != NULL)
        closedir(d);
    return n;
}

static void remove_files(void)
{
    unlink(path);
    unlink(jpath);
}

static void cleanup(void)
{
    remove_files();
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    struct stat sb;
    snprintf(dir, sizeof dir, "%s/skpi-fuzz-journal.XXXXXX",
             stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) ? "/dev/shm" : "/tmp");
    if (mkdtemp(dir) == NULL)
        fail("cannot make a directory", SKPI_EIO);
    snprintf(path, sizeof path, "%s/x.skpi", dir);
    snprintf(jpath, sizeof jpath, "%s/x.skpi.journal", dir);
    atexit(cleanup);
    /* The snapshot: the prefix recorded, then a checkpoint. */
    skpi_tracker *t;
    skpi_journal *j;
    js_must(skpi_journal_open(path, NULL, SKPI_FSYNC_NONE, 0, &t, &j, NULL), SKPI_OK,
            "open");
    js_prefix(t);
    js_must(skpi_journal_checkpoint(j, NULL), SKPI_OK, "checkpoint");
    if (skpi_journal_seq(j) != JS_PREFIX)
        fail("the prefix is not JS_PREFIX records", SKPI_OK);
    js_must(skpi_journal_close(j), SKPI_OK, "close");
    skpi_tracker_free(t);
    snapshot = get_file(path, &snapshot_len);
    if (snapshot == NULL)
        fail("no snapshot", SKPI_EIO);
    unlink(path);
    unlink(jpath);
    return 0;
}

static int refusal(skpi_status st)
{
    return st == SKPI_EFORMAT || st == SKPI_ETRUNC || st == SKPI_ECRC ||
           st == SKPI_EVERSION || st == SKPI_ECORRUPT;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned flags = data[0];
    const uint8_t *jbytes = data + 1;
    size_t jlen = size - 1;
    int with_snapshot = (flags & JS_SNAPSHOT) != 0;
    int with_journal = (flags & JS_NO_FILE) == 0;
    if (with_snapshot)
        put_file(path, snapshot, snapshot_len);
    if (with_journal)
        put_file(jpath, jbytes, jlen);

    skpi_options *o = js_options((flags & JS_CUSTOM) != 0);
    skpi_tracker *sentinel_t = (skpi_tracker *)&flags, *t = sentinel_t;
    skpi_journal *sentinel_j = (skpi_journal *)&size, *j = sentinel_j;
    skpi_error err;
    memset(&err, 0, sizeof err);
    err.status = -1;
    skpi_status st = skpi_journal_open(path, o, SKPI_FSYNC_NONE,
                                       (flags & JS_REPAIR) ? SKPI_JOURNAL_REPAIR : 0,
                                       &t, &j, &err);
    skpi_options_free(o);
    if (st != SKPI_OK) {
        if (!refusal(st) || t != sentinel_t || j != sentinel_j || err.status != (int)st ||
            err.offset < 0 || (uint64_t)err.offset > jlen)
            fail("an open failed in a way no damage explains", st);
        /* Nothing changed, nothing left behind. */
        if ((with_snapshot ? !same_file(path, snapshot, snapshot_len)
                           : access(path, F_OK) == 0) ||
            (with_journal ? !same_file(jpath, jbytes, jlen) : access(jpath, F_OK) == 0) ||
            files_in_dir() != with_snapshot + with_journal)
            fail("a refused open changed the files", st);
        remove_files();
        return 0;
    }
    if (t == sentinel_t || j == sentinel_j || t == NULL || j == NULL)
        fail("an open succeeded without its objects", st);
    int cut = err.status != -1;
    if (cut && (err.status != SKPI_OK || err.offset < 24 || (uint64_t)err.offset > jlen ||
                strstr(err.text, "cut") == NULL))
        fail("a cut is not reported as one", st);
    size_t now_len = 0;
    unsigned char *now = get_file(jpath, &now_len);
    if (now == NULL || access(path, F_OK) != 0 || files_in_dir() != 2)
        fail("an opened state lacks its snapshot or journal", st);
    int fresh = now_len == 24 && memcmp(now, "SKPIJRNL", 8) == 0;
    int as_given = with_journal && now_len == jlen && memcmp(now, jbytes, jlen) == 0;
    int as_cut = with_journal && cut && now_len == (size_t)err.offset &&
                 memcmp(now, jbytes, now_len) == 0;
    free(now);
    if (!(fresh || (cut ? as_cut : as_given)))
        fail("the journal is neither the one given, nor cut, nor new", st);

    /* It takes a record, and opens again as it was closed. */
    if ((st = skpi_record_message(t, 0, 0, JS_D0)) != SKPI_OK)
        fail("an opened state refuses a record", st);
    uint64_t seq = skpi_journal_seq(j);
    char *b1, *b2;
    size_t n1, n2;
    if ((st = skpi_tracker_to_bytes(t, &b1, &n1)) != SKPI_OK)
        fail("cannot save", st);
    if ((st = skpi_journal_close(j)) != SKPI_OK)
        fail("cannot close", st);
    skpi_tracker_free(t);
    memset(&err, 0, sizeof err);
    err.status = -1;
    if ((st = skpi_journal_open(path, NULL, SKPI_FSYNC_NONE, 0, &t, &j, &err)) != SKPI_OK)
        fail("a state does not open again", st);
    if (err.status != -1)
        fail("a state opened again is cut again", st);
    if (skpi_journal_seq(j) != seq)
        fail("a state opened again has another sequence number", st);
    if ((st = skpi_tracker_to_bytes(t, &b2, &n2)) != SKPI_OK)
        fail("cannot save", st);
    if (n1 != n2 || memcmp(b1, b2, n1) != 0)
        fail("a state opened again holds other bytes", st);
    skpi_free(b1);
    skpi_free(b2);
    if ((st = skpi_journal_close(j)) != SKPI_OK)
        fail("cannot close", st);
    skpi_tracker_free(t);
    remove_files();
    return 0;
}

/* ===== The mutator ===== */

#define J_HEADER 24
#define J_RECORD 16
#define J_RECORD_MAX 4096 /* as lib/journal.c */

static uint32_t crc32c(const uint8_t *p, size_t n)
{
    static uint32_t table[256];
    if (table[1] == 0) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1)));
            table[i] = c;
        }
    }
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++)
        c = (c >> 8) ^ table[(c ^ p[i]) & 0xFF];
    return ~c;
}

static uint64_t get_le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t next(uint32_t *r)
{
    *r = *r * 1103515245u + 12345u;
    return *r >> 8;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned seed)
{
    uint32_t r = seed;
    unsigned pick = next(&r) % 8;
    if (size < 1 + J_HEADER || pick == 0)
        return LLVMFuzzerMutate(data, size, max);
    uint8_t *jb = data + 1;
    size_t jlen = size - 1;
    if (pick == 1) {
        data[0] = (uint8_t)next(&r);
        return size;
    }
    if (pick == 2) {
        /* Version, flags and base, then a right header CRC. */
        size_t k = LLVMFuzzerMutate(jb + 8, 12, 12);
        memset(jb + 8 + k, 0, 12 - k);
        put_le(jb + 20, crc32c(jb, 20), 4);
        return size;
    }
    /* The whole records, as their lengths say. */
    size_t at[64], n = 0, pos = J_HEADER;
    while (n < sizeof at / sizeof at[0] && jlen - pos >= J_RECORD) {
        uint64_t len = get_le(jb + pos, 4);
        if (len > J_RECORD_MAX || len > jlen - pos - J_RECORD)
            break;
        at[n++] = pos;
        pos += J_RECORD + (size_t)len;
    }
    if (n == 0)
        return LLVMFuzzerMutate(data, size, max);
    size_t i = next(&r) % n;
    size_t rec = at[i], old = (size_t)get_le(jb + rec, 4);
    size_t rest = size - old; /* everything but the payload */
    if (rest >= max)
        return LLVMFuzzerMutate(data, size, max);
    size_t cap = max - rest < J_RECORD_MAX ? max - rest : J_RECORD_MAX;
    uint8_t *payload = malloc(cap > old ? cap : old);
    if (payload == NULL)
        return size;
    memcpy(payload, jb + rec + J_RECORD, old);
    size_t len = LLVMFuzzerMutate(payload, old, cap);
    if (next(&r) % 4 == 0) /* now and then another sequence number */
        put_le(jb + rec + 8, get_le(jb + rec + 8, 8) + (next(&r) % 3) - 1, 8);
    /* Move the tail, put the payload in, seal the record. */
    uint8_t *tail = jb + rec + J_RECORD + old;
    size_t tail_len = jlen - (rec + J_RECORD + old);
    memmove(jb + rec + J_RECORD + len, tail, tail_len);
    memcpy(jb + rec + J_RECORD, payload, len);
    free(payload);
    put_le(jb + rec, len, 4);
    put_le(jb + rec + 4, crc32c(jb + rec + 8, 8 + len), 4);
    return size - old + len;
}

/*
 * journal.c -- an append-only journal that makes every change durable.
 *
 * The idea
 * --------
 * A snapshot is written now and then; between two snapshots the journal
 * keeps every change, in the manner of Redis's append-only file.  Each
 * recording call on a journalled tracker is applied and then appended as a
 * record, under one lock, so that the journal's order is the order the
 * changes were applied in (replies must follow their messages).  Opening
 * loads the snapshot and replays the records newer than the sequence number
 * it holds; a checkpoint writes a snapshot and starts an empty journal.
 *
 * Layout (little-endian)
 * ------
 *   file header, 24 bytes:
 *      0  8  magic "SKPIJRNL"
 *      8  2  version (1)
 *     10  2  flags, 0
 *     12  8  base: the sequence number of the record before the first
 *     20  4  CRC-32C of bytes 0..19
 *   then records:
 *      0  4  payload length n (at most SKPI__JOURNAL_RECORD_MAX)
 *      4  4  CRC-32C of bytes 8..16+n (sequence number and payload)
 *      8  8  sequence number: base + 1, base + 2, ... without gaps
 *     16  n  payload: type (1 byte), then the record's fields as zigzag
 *            varints and length-prefixed strings (see rec_encode())
 *
 * What a crash leaves
 * -------------------
 * A crash in the middle of an append leaves a torn tail: a last record cut
 * short, or whose bytes did not all reach the disk and fail the CRC.
 * Opening cuts it off and says so.  Damage followed by valid records cannot
 * come from a crash of this code; it is refused unless the caller asks for
 * a repair, which cuts the journal at the damage (losing what follows).
 * doc/durability.md spells out what each fsync policy can lose.
 *
 * Invariants
 * ----------
 *  - Records are applied in sequence order, each exactly once: replay
 *    skips records at or below the snapshot's sequence number.
 *  - A record is appended only for a call that changed the tracker (success,
 *    or an event refused but counted), so replay changes it identically.
 *  - After a failed write the journal refuses further changes
 *    (SKPI_EJOURNAL): the tracker would otherwise drift from what can be
 *    recovered.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define JRNL_MAGIC "SKPIJRNL"
#define JRNL_HEADER 24
#define RECORD_HEADER 16
#define SKPI__JOURNAL_RECORD_MAX 4096 /* two ids and a few numbers fit */

struct skpi_journal {
    pthread_mutex_t lock;
    skpi_tracker *tracker;
    char *path;          /* the snapshot */
    char *jpath;         /* the journal: path + ".journal" */
    int fd;
    int fsync_policy;
    uint64_t seq;        /* last record written */
    bool failed;         /* a write failed: no more changes */
    struct timespec last_sync;
};

/* ===================================================================== */
/* Encoding                                                              */
/* ===================================================================== */

static void put_int(skpi__buf *b, int64_t v)
{
    /* zigzag: small magnitudes of either sign stay short */
    skpi__buf_varint(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

static void put_str(skpi__buf *b, const char *s)
{
    if (s == NULL) {
        skpi__buf_varint(b, 0);
        return;
    }
    size_t n = strlen(s);
    skpi__buf_varint(b, n + 1); /* 0 is NULL, n + 1 a string of n bytes */
    skpi__buf_put(b, s, n);
}

static void put_le(unsigned char *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void rec_encode(skpi__buf *b, const skpi__rec *r)
{
    skpi__buf_putc(b, (char)r->type);
    skpi__buf_varint(b, r->a);
    skpi__buf_varint(b, r->b);
    put_int(b, r->t1);
    put_int(b, r->t2);
    put_int(b, r->n);
    put_str(b, r->s1);
    put_str(b, r->s2);
}

/* A decoded record's strings live in `store` (two NUL-terminated ids). */
typedef struct rec_store {
    char s1[SKPI_ID_MAX + SKPI_LABEL_MAX + 2];
    char s2[SKPI_ID_MAX + SKPI_LABEL_MAX + 2];
} rec_store;

static bool get_varint(const unsigned char **p, const unsigned char *end,
                       uint64_t *v)
{
    uint64_t x = 0;
    for (int shift = 0; shift < 64 && *p < end; shift += 7) {
        unsigned char c = *(*p)++;
        x |= (uint64_t)(c & 0x7F) << shift;
        if ((c & 0x80) == 0) {
            *v = x;
            return true;
        }
    }
    return false;
}

static bool get_int(const unsigned char **p, const unsigned char *end,
                    int64_t *v)
{
    uint64_t z;
    if (!get_varint(p, end, &z))
        return false;
    *v = (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
    return true;
}

static bool get_str(const unsigned char **p, const unsigned char *end,
                    char *out, size_t cap, const char **s)
{
    uint64_t n;
    if (!get_varint(p, end, &n))
        return false;
    if (n == 0) {
        *s = NULL;
        return true;
    }
    n--;
    if (n >= cap || n > (uint64_t)(end - *p) || memchr(*p, '\0', n) != NULL)
        return false;
    memcpy(out, *p, n);
    out[n] = '\0';
    *p += n;
    *s = out;
    return true;
}

static bool rec_decode(const unsigned char *p, size_t n, skpi__rec *r,
                       rec_store *store)
{
    const unsigned char *end = p + n;
    uint64_t a, b;
    if (n < 1)
        return false;
    memset(r, 0, sizeof *r);
    r->type = *p++;
    if (!get_varint(&p, end, &a) || !get_varint(&p, end, &b) ||
        a > UINT32_MAX || b > UINT32_MAX || !get_int(&p, end, &r->t1) ||
        !get_int(&p, end, &r->t2) || !get_int(&p, end, &r->n) ||
        !get_str(&p, end, store->s1, sizeof store->s1, &r->s1) ||
        !get_str(&p, end, store->s2, sizeof store->s2, &r->s2))
        return false;
    r->a = (uint32_t)a;
    r->b = (uint32_t)b;
    return p == end && r->type >= SKPI__REC_MESSAGE &&
           r->type <= SKPI__REC_CATEGORY;
}

/* Whether applying r with status st changed the tracker. */
static bool changed(const skpi__rec *r, skpi_status st)
{
    if (st == SKPI_OK)
        return true;
    if (r->type == SKPI__REC_MESSAGE_ID)
        return st == SKPI_EDUPLICATE;
    if (r->type == SKPI__REC_REPLY)
        return st == SKPI_EUNMATCHED || st == SKPI_EORDER;
    return false;
}

/* ===================================================================== */
/* Files                                                                 */
/* ===================================================================== */

static skpi_status fail(skpi_error *err, skpi_status st, int64_t offset,
                        const char *text)
{
    return skpi__error_set(err, st, offset, "journal", text);
}

static void header_bytes(unsigned char h[JRNL_HEADER], uint64_t base)
{
    memcpy(h, JRNL_MAGIC, 8);
    put_le(h + 8, 1, 2);
    put_le(h + 10, 0, 2);
    put_le(h + 12, base, 8);
    put_le(h + 20, skpi__crc32c(0, h, 20), 4);
}

/* Directory of path, flushed so that a rename in it is durable. */
static bool sync_dir(const char *path)
{
    char *dir = strdup(path);
    if (dir == NULL)
        return false;
    char *slash = strrchr(dir, '/');
    if (slash == NULL) {
        dir[0] = '.';
        dir[1] = '\0';
    } else if (slash == dir) {
        dir[1] = '\0';
    } else {
        *slash = '\0';
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    bool ok = fd >= 0 && fsync(fd) == 0;
    if (fd >= 0)
        close(fd);
    free(dir);
    return ok;
}

/* Replace the journal by an empty one after `base`, atomically; the new
 * descriptor, open for appending, into *fd. */
static skpi_status fresh_journal(const char *jpath, uint64_t base, int *fd,
                                 skpi_error *err)
{
    size_t n = strlen(jpath);
    char *tmp = malloc(n + 8);
    if (tmp == NULL)
        return fail(err, SKPI_ENOMEM, -1, "out of memory");
    memcpy(tmp, jpath, n);
    memcpy(tmp + n, ".new", 5);
    unsigned char h[JRNL_HEADER];
    header_bytes(h, base);
    skpi_status st = SKPI_OK;
    int f = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (f < 0 || !skpi__write_all(f, h, sizeof h) || fsync(f) != 0 ||
        rename(tmp, jpath) != 0 || !sync_dir(jpath)) {
        st = skpi__error_io(err, "cannot start the journal", jpath);
        if (f >= 0)
            close(f);
        unlink(tmp);
    } else {
        *fd = f;
    }
    free(tmp);
    return st;
}

/* ===================================================================== */
/* Replay                                                                */
/* ===================================================================== */

/*
 * Replay the journal at jpath into t, skipping records up to `after`.
 * *end receives the offset after the last good record and *last its
 * sequence number (or the base).  A torn tail is reported in *torn.
 */
static skpi_status replay(const char *jpath, skpi_tracker *t, uint64_t after,
                          bool repair, size_t *end, uint64_t *last,
                          bool *torn, skpi_error *err)
{
    unsigned char *buf;
    size_t size;
    skpi_status st = skpi__read_file(jpath, SIZE_MAX / 2, &buf, &size);
    if (st == SKPI_EIO && errno == ENOENT)
        return SKPI_ENODATA;
    if (st == SKPI_ENOMEM)
        return fail(err, st, -1, "out of memory");
    if (st != SKPI_OK)
        return skpi__error_io(err, "cannot read", jpath);
    *torn = false;
    if (size < JRNL_HEADER || memcmp(buf, JRNL_MAGIC, 8) != 0) {
        st = fail(err, size < 8 ? SKPI_ETRUNC : SKPI_EFORMAT, 0,
                  "not a libsocialkpi journal");
        goto out;
    }
    if (get_le(buf + 20, 4) != skpi__crc32c(0, buf, 20)) {
        st = fail(err, SKPI_ECRC, 20, "the journal header's checksum fails");
        goto out;
    }
    if (get_le(buf + 8, 2) != 1 || get_le(buf + 10, 2) != 0) {
        st = fail(err, SKPI_EVERSION, 8, "unsupported journal version");
        goto out;
    }
    uint64_t seq = get_le(buf + 12, 8);
    if (seq > after) {
        st = fail(err, SKPI_ECORRUPT, 12,
                  "the journal starts after its snapshot: records are missing");
        goto out;
    }
    size_t pos = JRNL_HEADER;
    rec_store *store = malloc(sizeof *store);
    if (store == NULL) {
        st = fail(err, SKPI_ENOMEM, -1, "out of memory");
        goto out;
    }
    while (pos < size) {
        size_t left = size - pos;
        uint64_t n = left >= 4 ? get_le(buf + pos, 4) : 0;
        bool whole = left >= RECORD_HEADER && n <= SKPI__JOURNAL_RECORD_MAX &&
                     n <= left - RECORD_HEADER;
        bool good = whole && get_le(buf + pos + 4, 4) ==
                                 skpi__crc32c(0, buf + pos + 8, 8 + (size_t)n);
        skpi__rec r;
        if (good && (get_le(buf + pos + 8, 8) != seq + 1 ||
                     !rec_decode(buf + pos + RECORD_HEADER, (size_t)n, &r,
                                 store)))
            good = false;
        if (!good) {
            /* A bad record that is also the last thing in the file is what
             * a crash leaves; anything after it means damage. */
            bool tail = !whole || pos + RECORD_HEADER + n == size;
            if (!tail && !repair) {
                st = fail(err, SKPI_ECORRUPT, (int64_t)pos,
                          "damaged journal record followed by more records");
                break;
            }
            *torn = true;
            fail(err, SKPI_OK, (int64_t)pos,
                 tail ? "a torn last record was cut off"
                      : "the journal was cut at a damaged record");
            break;
        }
        seq++;
        if (seq > after)
            (void)skpi__apply_record(t, &r);
        pos += RECORD_HEADER + (size_t)n;
    }
    free(store);
    *end = pos;
    *last = seq > after ? seq : after;
out:
    free(buf);
    return st;
}

/* ===================================================================== */
/* Public calls                                                          */
/* ===================================================================== */

skpi_status skpi_journal_open(const char *path, const skpi_options *opts,
                              int fsync_policy, unsigned flags,
                              skpi_tracker **tracker, skpi_journal **journal,
                              skpi_error *err)
{
    if (path == NULL || tracker == NULL || journal == NULL)
        return fail(err, SKPI_EINVAL, -1, "NULL argument");
    if (fsync_policy < SKPI_FSYNC_ALWAYS || fsync_policy > SKPI_FSYNC_NONE ||
        (flags & ~SKPI_JOURNAL_REPAIR) != 0)
        return fail(err, SKPI_EOPTION, -1, "unknown fsync policy or flag");
    skpi_journal *j = calloc(1, sizeof *j);
    size_t n = strlen(path);
    if (j != NULL) {
        j->path = strdup(path);
        j->jpath = malloc(n + 9);
    }
    if (j == NULL || j->path == NULL || j->jpath == NULL) {
        if (j != NULL) {
            free(j->path);
            free(j->jpath);
        }
        free(j);
        return fail(err, SKPI_ENOMEM, -1, "out of memory");
    }
    memcpy(j->jpath, path, n);
    memcpy(j->jpath + n, ".journal", 9);
    j->fd = -1;
    j->fsync_policy = fsync_policy;

    skpi_tracker *t = NULL;
    skpi_status st;
    if (access(path, F_OK) == 0)
        st = skpi_tracker_load(path, &t, err);
    else
        st = errno == ENOENT ? skpi_tracker_new(opts, &t)
                             : skpi__error_io(err, "cannot access", path);
    size_t end = 0;
    uint64_t last = 0;
    bool torn = false;
    skpi_error note;
    memset(&note, 0, sizeof note);
    if (st == SKPI_OK) {
        uint64_t after = atomic_load(&t->journal_seq);
        st = replay(j->jpath, t, after, (flags & SKPI_JOURNAL_REPAIR) != 0,
                    &end, &last, &torn, &note);
        if (st == SKPI_ENODATA) {
            /* No journal yet: start one after the snapshot. */
            last = after;
            st = fresh_journal(j->jpath, after, &j->fd, err);
        } else if (st == SKPI_OK) {
            j->fd = open(j->jpath, O_WRONLY | O_CLOEXEC);
            if (j->fd < 0 || (torn && ftruncate(j->fd, (off_t)end) != 0) ||
                lseek(j->fd, (off_t)end, SEEK_SET) < 0)
                st = skpi__error_io(err, "cannot append to", j->jpath);
        } else if (err != NULL) {
            *err = note;
        }
    }
    if (st == SKPI_OK && pthread_mutex_init(&j->lock, NULL) != 0)
        st = fail(err, SKPI_ENOMEM, -1, "out of memory");
    if (st != SKPI_OK) {
        if (j->fd >= 0)
            close(j->fd);
        skpi_tracker_free(t);
        free(j->path);
        free(j->jpath);
        free(j);
        return st;
    }
    if (torn && err != NULL)
        *err = note;
    j->seq = last;
    j->tracker = t;
    atomic_store(&t->journal_seq, last);
    clock_gettime(CLOCK_MONOTONIC, &j->last_sync);
    atomic_store_explicit(&t->journal, j, memory_order_release);
    *tracker = t;
    *journal = j;
    return SKPI_OK;
}

/* Flush per the policy; the lock is held. */
static bool sync_policy(skpi_journal *j)
{
    if (j->fsync_policy == SKPI_FSYNC_ALWAYS)
        return fdatasync(j->fd) == 0;
    if (j->fsync_policy == SKPI_FSYNC_EVERYSEC) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec > j->last_sync.tv_sec) {
            j->last_sync = now;
            return fdatasync(j->fd) == 0;
        }
    }
    return true;
}

skpi_status skpi__journal_record(skpi_tracker *t, const skpi__rec *r)
{
    skpi_journal *j = atomic_load_explicit(&t->journal, memory_order_acquire);
    pthread_mutex_lock(&j->lock);
    if (j->failed) {
        pthread_mutex_unlock(&j->lock);
        return SKPI_EJOURNAL;
    }
    skpi_status st = skpi__apply_record(t, r);
    if (changed(r, st)) {
        skpi__buf b;
        skpi__buf_init(&b);
        skpi__buf_put(&b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", RECORD_HEADER);
        rec_encode(&b, r);
        bool ok = !b.failed;
        if (ok) {
            unsigned char *h = (unsigned char *)b.data;
            size_t n = b.len - RECORD_HEADER;
            put_le(h, n, 4);
            put_le(h + 8, j->seq + 1, 8);
            put_le(h + 4, skpi__crc32c(0, h + 8, 8 + n), 4);
            ok = skpi__write_all(j->fd, b.data, b.len) && sync_policy(j);
        }
        skpi__buf_free(&b);
        if (ok) {
            j->seq++;
            atomic_store(&t->journal_seq, j->seq);
        } else {
            /* Applied but not durable: stop here (see the essay). */
            j->failed = true;
            st = SKPI_EIO;
        }
    }
    pthread_mutex_unlock(&j->lock);
    return st;
}

skpi_status skpi_journal_checkpoint(skpi_journal *j, skpi_error *err)
{
    if (j == NULL)
        return fail(err, SKPI_EINVAL, -1, "NULL argument");
    pthread_mutex_lock(&j->lock);
    skpi_status st = j->failed ? SKPI_EJOURNAL : SKPI_OK;
    if (st == SKPI_OK)
        st = skpi_tracker_save(j->tracker, j->path, err);
    int fd = -1;
    if (st == SKPI_OK)
        st = fresh_journal(j->jpath, j->seq, &fd, err);
    if (st == SKPI_OK) {
        close(j->fd);
        j->fd = fd;
    }
    pthread_mutex_unlock(&j->lock);
    return st;
}

skpi_status skpi_journal_sync(skpi_journal *j)
{
    if (j == NULL)
        return SKPI_EINVAL;
    pthread_mutex_lock(&j->lock);
    skpi_status st = fdatasync(j->fd) == 0 ? SKPI_OK : SKPI_EIO;
    pthread_mutex_unlock(&j->lock);
    return st;
}

uint64_t skpi_journal_seq(const skpi_journal *j)
{
    if (j == NULL)
        return 0;
    skpi_journal *m = (skpi_journal *)j;
    pthread_mutex_lock(&m->lock);
    uint64_t seq = m->seq;
    pthread_mutex_unlock(&m->lock);
    return seq;
}

skpi_status skpi_journal_close(skpi_journal *j)
{
    if (j == NULL)
        return SKPI_OK;
    atomic_store(&j->tracker->journal, NULL);
    skpi_status st = fsync(j->fd) == 0 ? SKPI_OK : SKPI_EIO;
    if (close(j->fd) != 0)
        st = SKPI_EIO;
    pthread_mutex_destroy(&j->lock);
    free(j->path);
    free(j->jpath);
    free(j);
    return st;
}

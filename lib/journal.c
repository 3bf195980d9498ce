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
 * The options
 * -----------
 * Records name platforms and categories by id and are checked against the
 * tracker's options (rating scale, zone, ...), so a journal only means
 * something over the tracker it was written for.  The options travel in
 * the snapshot, never in the journal: opening a state that has no
 * snapshot yet writes one (atomically, before the journal and before any
 * record), so every journal has a snapshot beside it from its first
 * record on, and reopening takes the options from there whatever `opts`
 * says.
 *
 * Invariants
 * ----------
 *  - Records are applied in sequence order, each exactly once: replay
 *    skips records at or below the snapshot's sequence number.
 *  - A record is appended only for a call that changed the tracker (success,
 *    or an event refused but counted), so replay changes it identically; a
 *    record that replays otherwise does not belong to this tracker and is
 *    damage.
 *  - Nothing is allocated between applying a change and appending its
 *    record, nor between saving a checkpoint's snapshot and starting its
 *    journal: an allocation failure leaves the tracker and the files as
 *    they were.
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
    char *tmp;           /* a new journal before its rename: jpath + ".new" */
    char *dir;           /* the directory of both, to flush renames */
    int fd;
    int fsync_policy;
    uint64_t seq;        /* last record written */
    bool failed;         /* a write failed: no more changes */
    struct timespec last_sync;
};

/* ===================================================================== */
/* Encoding                                                              */
/* ===================================================================== */

/* A record being encoded, in a buffer of fixed size on the caller's stack:
 * appending allocates nothing. */
typedef struct rec_buf {
    unsigned char data[RECORD_HEADER + SKPI__JOURNAL_RECORD_MAX];
    size_t len;
    bool over; /* the record does not fit */
} rec_buf;

static void put_bytes(rec_buf *b, const void *p, size_t n)
{
    if (b->over || n > sizeof b->data - b->len) {
        b->over = true;
        return;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void put_varint(rec_buf *b, uint64_t v)
{
    unsigned char tmp[10];
    size_t n = 0;
    do {
        tmp[n] = (unsigned char)(v & 0x7F);
        v >>= 7;
        tmp[n++] |= v != 0 ? 0x80 : 0;
    } while (v != 0);
    put_bytes(b, tmp, n);
}

static void put_int(rec_buf *b, int64_t v)
{
    /* zigzag: small magnitudes of either sign stay short */
    put_varint(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

static void put_str(rec_buf *b, const char *s)
{
    if (s == NULL) {
        put_varint(b, 0);
        return;
    }
    size_t n = strlen(s);
    put_varint(b, n + 1); /* 0 is NULL, n + 1 a string of n bytes */
    put_bytes(b, s, n);
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

/* The record's payload after the header's room (RECORD_HEADER bytes). */
static void rec_encode(rec_buf *b, const skpi__rec *r)
{
    b->len = RECORD_HEADER;
    b->over = false;
    put_bytes(b, &r->type, 1);
    put_varint(b, r->a);
    put_varint(b, r->b);
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

/* Flush directory `dir`, so that a rename in it is durable. */
static bool sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    bool ok = fd >= 0 && fsync(fd) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

/* The directory part of path, in a new string ("." for a bare name). */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return strdup(".");
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *dir = malloc(n + 1);
    if (dir != NULL) {
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    return dir;
}

/*
 * Replace j's journal by an empty one after `base`, atomically.  Once the
 * rename is done the new file is the journal: its descriptor, open for
 * appending, goes to *fd even if flushing the directory then fails
 * (SKPI_EIO); before that *fd is -1 and nothing changed.  Allocates
 * nothing.
 */
static skpi_status fresh_journal(const skpi_journal *j, uint64_t base,
                                 int *fd, skpi_error *err)
{
    unsigned char h[JRNL_HEADER];
    header_bytes(h, base);
    *fd = -1;
    int f = open(j->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (f < 0 || !skpi__write_all(f, h, sizeof h) || fsync(f) != 0 ||
        rename(j->tmp, j->jpath) != 0) {
        skpi_status st = skpi__error_io(err, "cannot start the journal",
                                        j->jpath);
        if (f >= 0)
            close(f);
        unlink(j->tmp);
        return st;
    }
    *fd = f;
    if (!sync_dir(j->dir))
        return skpi__error_io(err, "cannot flush the directory of", j->jpath);
    return SKPI_OK;
}

/* ===================================================================== */
/* Replay                                                                */
/* ===================================================================== */

/* What replay() found. */
typedef struct replay_info {
    size_t end;      /* offset after the last record kept */
    uint64_t last;   /* sequence number of that record, or the base */
    bool cut;        /* the file goes on after `end`: cut it there */
} replay_info;

/*
 * Replay the journal at jpath into t, skipping records up to `after`.  A
 * torn tail (or, with `repair`, damage) ends the replay with info->cut set
 * and is described in *err with status SKPI_OK; every other failure is
 * returned, t then being in a partial state the caller discards.
 * SKPI_ENODATA (with nothing in *err) when there is no journal.
 */
static skpi_status replay(const char *jpath, skpi_tracker *t, uint64_t after,
                          bool repair, replay_info *info, skpi_error *err)
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
    info->cut = false;
    bool magic = memcmp(buf, JRNL_MAGIC, size < 8 ? size : 8) == 0;
    if (!magic || size < JRNL_HEADER) {
        st = magic ? fail(err, SKPI_ETRUNC, (int64_t)size,
                          "the journal is shorter than its header")
                   : fail(err, SKPI_EFORMAT, 0, "not a libsocialkpi journal");
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
        /* A record that was journalled changed the tracker when it was
         * recorded, and changes it alike when replayed, unless it was
         * written for another tracker (other options, another snapshot).
         * Refused, it changed nothing. */
        bool applies = true;
        if (good && seq + 1 > after) {
            skpi_status a = skpi__apply_record(t, &r);
            if (a == SKPI_ENOMEM) {
                st = fail(err, a, -1, "out of memory");
                break;
            }
            applies = changed(&r, a);
        }
        if (!good || !applies) {
            /* A bad record that is also the last thing in the file is what
             * a crash leaves; anything after it means damage, and so does
             * a sound record that does not apply. */
            bool tail = good ? false : !whole || pos + RECORD_HEADER + n == size;
            if (!tail && !repair) {
                st = fail(err, SKPI_ECORRUPT, (int64_t)pos,
                          good ? "a journal record does not apply to the tracker"
                               : "damaged journal record followed by more "
                                 "records");
                break;
            }
            info->cut = true;
            fail(err, SKPI_OK, (int64_t)pos,
                 tail ? "a torn last record was cut off"
                      : "the journal was cut at a damaged record");
            break;
        }
        seq++;
        pos += RECORD_HEADER + (size_t)n;
    }
    free(store);
    info->end = pos;
    info->last = seq;
out:
    free(buf);
    return st;
}

/* ===================================================================== */
/* Public calls                                                          */
/* ===================================================================== */

static void journal_free(skpi_journal *j)
{
    if (j == NULL)
        return;
    free(j->path);
    free(j->jpath);
    free(j->tmp);
    free(j->dir);
    free(j);
}

/* A journal object for the state at path, with every name it will need
 * (so that nothing is allocated later, between a change and its record). */
static skpi_journal *journal_new(const char *path)
{
    skpi_journal *j = calloc(1, sizeof *j);
    if (j == NULL)
        return NULL;
    size_t n = strlen(path);
    j->fd = -1;
    j->path = strdup(path);
    j->jpath = malloc(n + sizeof ".journal");
    j->tmp = malloc(n + sizeof ".journal.new");
    j->dir = dir_of(path);
    if (j->path == NULL || j->jpath == NULL || j->tmp == NULL ||
        j->dir == NULL) {
        journal_free(j);
        return NULL;
    }
    memcpy(j->jpath, path, n);
    memcpy(j->jpath + n, ".journal", sizeof ".journal");
    memcpy(j->tmp, path, n);
    memcpy(j->tmp + n, ".journal.new", sizeof ".journal.new");
    return j;
}

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
    skpi_journal *j = journal_new(path);
    if (j == NULL)
        return fail(err, SKPI_ENOMEM, -1, "out of memory");
    j->fsync_policy = fsync_policy;

    /* The snapshot, or a new tracker that will get one below. */
    skpi_tracker *t = NULL;
    skpi_status st;
    bool have_snapshot = access(path, F_OK) == 0;
    if (have_snapshot)
        st = skpi_tracker_load(path, &t, err);
    else if (errno != ENOENT)
        st = skpi__error_io(err, "cannot access", path);
    else if ((st = skpi_tracker_new(opts, &t)) != SKPI_OK)
        fail(err, st, -1, skpi_strerror(st));

    /* The journal's records newer than the snapshot. */
    uint64_t after = st == SKPI_OK ? atomic_load(&t->journal_seq) : 0;
    replay_info info = {JRNL_HEADER, after, false};
    skpi_error note;
    memset(&note, 0, sizeof note);
    bool have_journal = false;
    if (st == SKPI_OK) {
        st = replay(j->jpath, t, after, (flags & SKPI_JOURNAL_REPAIR) != 0,
                    &info, &note);
        have_journal = st != SKPI_ENODATA;
        if (st == SKPI_ENODATA)
            st = SKPI_OK;
        else if (st != SKPI_OK && err != NULL)
            *err = note;
    }
    uint64_t last = info.last > after ? info.last : after;
    if (t != NULL)
        atomic_store(&t->journal_seq, last);

    /* A state without a snapshot gets one now, before its journal and any
     * record: the snapshot is what keeps the tracker's options.  (Only a
     * journal written before this rule can be found without one; it was
     * replayed into a tracker made with `opts`.) */
    bool wrote_snapshot = false;
    if (st == SKPI_OK && !have_snapshot) {
        st = skpi_tracker_save(t, path, err);
        wrote_snapshot = st == SKPI_OK;
    }
    /* Append to the journal after its last good record, or start one when
     * there is none or it ends before the snapshot (all it holds is in the
     * snapshot: appending would leave a gap in the sequence). */
    if (st == SKPI_OK && (!have_journal || info.last < after)) {
        st = fresh_journal(j, last, &j->fd, err);
    } else if (st == SKPI_OK) {
        j->fd = open(j->jpath, O_WRONLY | O_CLOEXEC);
        if (j->fd < 0 || (info.cut && ftruncate(j->fd, (off_t)info.end) != 0) ||
            lseek(j->fd, (off_t)info.end, SEEK_SET) < 0)
            st = skpi__error_io(err, "cannot append to", j->jpath);
    }
    if (st == SKPI_OK && pthread_mutex_init(&j->lock, NULL) != 0)
        st = fail(err, SKPI_ENOMEM, -1, "out of memory");
    if (st != SKPI_OK) {
        if (j->fd >= 0)
            close(j->fd);
        if (wrote_snapshot)
            unlink(path); /* there was none: leave none */
        skpi_tracker_free(t);
        journal_free(j);
        return st;
    }
    if (info.cut && err != NULL)
        *err = note;
    j->seq = last;
    j->tracker = t;
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
    /* Encoded before the change is applied, on the stack: from the change
     * to its record nothing can fail for want of memory. */
    rec_buf b;
    rec_encode(&b, r);
    pthread_mutex_lock(&j->lock);
    if (j->failed) {
        pthread_mutex_unlock(&j->lock);
        return SKPI_EJOURNAL;
    }
    skpi_status st = skpi__apply_record(t, r);
    if (changed(r, st)) {
        /* A record too long for the journal cannot be: every string of a
         * change that applied is within its limit (SKPI_ID_MAX, ...). */
        bool ok = !b.over;
        if (ok) {
            size_t n = b.len - RECORD_HEADER;
            put_le(b.data, n, 4);
            put_le(b.data + 8, j->seq + 1, 8);
            put_le(b.data + 4, skpi__crc32c(0, b.data + 8, 8 + n), 4);
            ok = skpi__write_all(j->fd, b.data, b.len) && sync_policy(j);
        }
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
    skpi_status st = j->failed ? fail(err, SKPI_EJOURNAL, -1,
                                      "an earlier journal write failed")
                               : SKPI_OK;
    if (st == SKPI_OK)
        st = skpi_tracker_save(j->tracker, j->path, err);
    /* The snapshot now holds every record: the old journal's are all at
     * or below its sequence number, whether or not a new one follows. */
    int fd = -1;
    if (st == SKPI_OK)
        st = fresh_journal(j, j->seq, &fd, err);
    if (fd >= 0) {
        close(j->fd);
        j->fd = fd;
        /* The rename of the new journal may not be durable: stop. */
        if (st != SKPI_OK)
            j->failed = true;
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
    journal_free(j);
    return st;
}

/*
 * batch.c -- recording columns of events in one call.
 *
 * Why
 * ---
 * Recording one event costs the library some 16 ns.  A binding pays far
 * more than that to make the call: a ctypes call from Python costs about
 * half a microsecond, so a loop of calls spends 97 % of its time crossing
 * the language boundary.  skpi_record_batch() moves the loop to this side:
 * the binding lays out columns (one array per parameter, as a data frame
 * does) and crosses once per batch.
 *
 * How
 * ---
 * The batch is checked as a whole first, in constant time: the pointers,
 * the event, the flags, which columns are present.  Then each event is
 * recorded by the public call it names, so that a batch records, checks,
 * refuses and journals every event exactly as the call would; this file
 * never reaches into the store.
 *
 * Ids travel as one byte string per column and an array of end offsets
 * (the Arrow layout, without the leading zero):
 *
 *     ids      "m1m22m333"
 *     id_ends  [2, 5, 9]        id 0 = [0, 2), id 1 = [2, 5), id 2 = [5, 9)
 *
 * The recording calls take NUL-terminated strings, so each id is copied
 * into a buffer on the stack.  The buffer holds SKPI_ID_MAX + 1 bytes of
 * id: an id longer than SKPI_ID_MAX is cut to SKPI_ID_MAX + 1 bytes, which
 * is still too long, and the recording call refuses it with its own
 * SKPI_EID after its own earlier checks, so even the choice between two
 * errors of one event is the call's.  An id holding a NUL byte cannot be
 * passed on at all (the call would see a shorter id and record the wrong
 * one), and is refused with SKPI_EID.
 *
 * Ends are checked as they are used, one comparison per event: an end
 * smaller than the one before it stops the batch at that event with
 * SKPI_EINVAL.  Only id_ends[0 .. n-1] and the bytes they delimit are ever
 * read.
 */
#include <limits.h>
#include <string.h>

#include "internal.h"

/* ===================================================================== */
/* The columns of each event                                             */
/* ===================================================================== */

enum {
    COL_SUB = 1u << 0,       /* sub is required */
    COL_VALUE = 1u << 1,     /* value is required */
    COL_COUNT = 1u << 2,     /* value is optional: NULL means 1 each */
    COL_IDS = 1u << 3,       /* ids and id_ends are required */
    COL_IDS2 = 1u << 4       /* ids2 and id2_ends are optional, together */
};

/* platform and time are required by every event. */
static const unsigned char columns_of[] = {
    [SKPI_EVENT_MESSAGE] = COL_SUB,
    [SKPI_EVENT_RESPONSE] = COL_SUB | COL_VALUE,
    [SKPI_EVENT_ENGAGEMENT] = COL_SUB | COL_COUNT,
    [SKPI_EVENT_POSTS] = COL_COUNT,
    [SKPI_EVENT_FOLLOWERS] = COL_VALUE,
    [SKPI_EVENT_RATING] = COL_VALUE,
    [SKPI_EVENT_MESSAGE_ID] = COL_SUB | COL_IDS | COL_IDS2,
    [SKPI_EVENT_REPLY] = COL_IDS,
    [SKPI_EVENT_ENGAGEMENT_BY] = COL_SUB | COL_COUNT | COL_IDS,
    [SKPI_EVENT_FOLLOWER] = COL_IDS,
};

#define N_EVENTS (sizeof columns_of / sizeof columns_of[0])

/* Whether a column is present exactly when the event needs it. */
static int column_ok(const void *col, unsigned uses, unsigned required,
                     unsigned optional)
{
    if (uses & required)
        return col != NULL;
    if (uses & optional)
        return 1;
    return col == NULL;
}

/* Check everything about a batch that does not depend on its events. */
static skpi_status check_batch(const skpi_tracker *t, const skpi_batch *b,
                               unsigned flags)
{
    if (t == NULL || b == NULL)
        return SKPI_EINVAL;
    if (b->event < 0 || (size_t)b->event >= N_EVENTS ||
        (flags & ~SKPI_BATCH_STRICT) != 0)
        return SKPI_EOPTION;
    unsigned uses = columns_of[b->event];
    if (b->platform == NULL || b->time == NULL ||
        !column_ok(b->sub, uses, COL_SUB, 0) ||
        !column_ok(b->value, uses, COL_VALUE, COL_COUNT) ||
        !column_ok(b->ids, uses, COL_IDS, 0) ||
        !column_ok(b->id_ends, uses, COL_IDS, 0) ||
        !column_ok(b->ids2, uses, 0, COL_IDS2) ||
        (b->ids2 == NULL) != (b->id2_ends == NULL))
        return SKPI_EINVAL;
    return SKPI_OK;
}

/* ===================================================================== */
/* Ids                                                                   */
/* ===================================================================== */

/* An id as a recording call takes it. */
typedef struct id_buf {
    char s[SKPI_ID_MAX + 2];
} id_buf;

/*
 * Copy id i of (ids, ends) into buf, cut to SKPI_ID_MAX + 1 bytes (see the
 * top of the file).  SKPI_EINVAL if its end is below the one before it,
 * SKPI_EID if it holds a NUL byte.
 */
static skpi_status id_at(const char *ids, const size_t *ends, size_t i,
                         id_buf *buf)
{
    size_t start = i == 0 ? 0 : ends[i - 1];
    if (ends[i] < start)
        return SKPI_EINVAL;
    size_t len = ends[i] - start;
    if (len > SKPI_ID_MAX + 1)
        len = SKPI_ID_MAX + 1;
    if (memchr(ids + start, '\0', len) != NULL)
        return SKPI_EID;
    memcpy(buf->s, ids + start, len);
    buf->s[len] = '\0';
    return SKPI_OK;
}

/* ===================================================================== */
/* Recording                                                             */
/* ===================================================================== */

/* Record event i of b with its recording call. */
static skpi_status record_one(skpi_tracker *t, const skpi_batch *b, size_t i)
{
    uint32_t p = b->platform[i];
    int64_t time = b->time[i];
    int64_t value = b->value != NULL ? b->value[i] : 1;
    id_buf id, id2;
    skpi_status st;

    switch ((skpi_event)b->event) {
    case SKPI_EVENT_MESSAGE:
        return skpi_record_message(t, p, b->sub[i], time);
    case SKPI_EVENT_RESPONSE:
        return skpi_record_response(t, p, b->sub[i], time, value);
    case SKPI_EVENT_ENGAGEMENT:
        return skpi_record_engagement(t, p, b->sub[i], time, value);
    case SKPI_EVENT_POSTS:
        return skpi_record_posts(t, p, time, value);
    case SKPI_EVENT_FOLLOWERS:
        return skpi_record_followers(t, p, time, value);
    case SKPI_EVENT_RATING:
        /* The call takes an int: a wider score is outside every scale. */
        if (value < INT_MIN || value > INT_MAX)
            return SKPI_ERATING;
        return skpi_record_rating(t, p, time, (int)value);
    case SKPI_EVENT_MESSAGE_ID: {
        const char *author = NULL;
        st = id_at(b->ids, b->id_ends, i, &id);
        if (st == SKPI_OK && b->ids2 != NULL) {
            st = id_at(b->ids2, b->id2_ends, i, &id2);
            if (st == SKPI_OK && id2.s[0] != '\0')
                author = id2.s; /* an empty author id means none */
        }
        if (st != SKPI_OK)
            return st;
        return skpi_record_message_id(t, p, b->sub[i], time, id.s, author);
    }
    case SKPI_EVENT_REPLY:
        st = id_at(b->ids, b->id_ends, i, &id);
        return st != SKPI_OK ? st : skpi_record_reply(t, p, id.s, time);
    case SKPI_EVENT_ENGAGEMENT_BY:
        st = id_at(b->ids, b->id_ends, i, &id);
        return st != SKPI_OK ? st
                             : skpi_record_engagement_by(t, p, b->sub[i], time,
                                                         value, id.s);
    case SKPI_EVENT_FOLLOWER:
        st = id_at(b->ids, b->id_ends, i, &id);
        return st != SKPI_OK ? st : skpi_record_follower(t, p, time, id.s);
    }
    return SKPI_EOPTION; /* not reached: check_batch() knows the events */
}

/* Whether status st of an event is "refused but counted". */
static int counted(int event, skpi_status st)
{
    switch (st) {
    case SKPI_EDUPLICATE:
    case SKPI_EUNMATCHED:
        return 1;
    case SKPI_EORDER:
        /* From a reply; from a response it is a refusal like any other. */
        return event == SKPI_EVENT_REPLY;
    default:
        return 0;
    }
}

skpi_status skpi_record_batch(skpi_tracker *t, const skpi_batch *b,
                              unsigned flags, size_t *done, uint64_t *anomalies)
{
    size_t i = 0;
    uint64_t anom = 0;
    skpi_status st = check_batch(t, b, flags);
    if (st == SKPI_OK) {
        const int strict = (flags & SKPI_BATCH_STRICT) != 0;
        for (; i < b->n; i++) {
            st = record_one(t, b, i);
            if (st == SKPI_OK)
                continue;
            if (!counted(b->event, st))
                break;
            anom++;
            if (strict)
                break;
            st = SKPI_OK;
        }
    }
    if (done != NULL)
        *done = i;
    if (anomalies != NULL)
        *anomalies = anom;
    return st;
}

/*
 * error.c -- status codes: their messages and names.
 *
 * One X-macro list generates both tables, so a new code cannot get a name
 * without a message or the other way round.  The list must follow the
 * numbering of enum skpi_status in socialkpi.h.
 */
#include <stdlib.h>

#include "internal.h"

#define SKPI_STATUS_MAP(X)                                                    \
    X(SKPI_OK, "success")                                                     \
    X(SKPI_EINVAL, "invalid argument (a required pointer is NULL or a value " \
                   "is malformed)")                                           \
    X(SKPI_ENOMEM, "out of memory")                                           \
    X(SKPI_ENOTFOUND, "no such id or slug")                                   \
    X(SKPI_EEXIST, "slug already registered")                                 \
    X(SKPI_ESLUG, "invalid slug (expected [a-z0-9_]{1,32})")                  \
    X(SKPI_ELABEL, "invalid label (not UTF-8, or longer than 256 bytes)")     \
    X(SKPI_ELIMIT, "capacity exceeded")                                       \
    X(SKPI_ETIME, "time outside 1970-01-01T00:00:00Z..2200-01-01T00:00:00Z")  \
    X(SKPI_ECOUNT, "count must be positive")                                  \
    X(SKPI_ERATING, "rating outside the tracker's scale")                     \
    X(SKPI_EOVERFLOW, "counter overflow")                                     \
    X(SKPI_EORDER, "reply earlier than the message it answers")               \
    X(SKPI_EPARSE, "cannot parse time or period")                             \
    X(SKPI_ERANGE, "empty or reversed range (from >= to)")                    \
    X(SKPI_EALIGN, "range boundary is not on a bucket boundary")              \
    X(SKPI_EZONE, "unknown time zone")                                        \
    X(SKPI_EOPTION, "invalid option value")                                   \
    X(SKPI_ENODATA, "no data in the range")                                   \
    X(SKPI_EBUFSIZE, "buffer too small")                                      \
    X(SKPI_EID, "invalid id (empty, or longer than 256 bytes)")               \
    X(SKPI_EDUPLICATE, "message id already recorded (counted as a duplicate)") \
    X(SKPI_EUNMATCHED, "reply to an unknown message id (counted as unmatched)") \
    X(SKPI_EFORMAT, "not a libsocialkpi snapshot")                           \
    X(SKPI_EVERSION, "unsupported snapshot format version")                   \
    X(SKPI_ECRC, "checksum mismatch: the data is damaged")                    \
    X(SKPI_ETRUNC, "input ends before the data it announces")                 \
    X(SKPI_ECORRUPT, "a field holds an impossible value")                     \
    X(SKPI_EIO, "file input/output failed")                                   \
    X(SKPI_EINCOMPAT, "trackers are incompatible (zone, buckets, scale or sketches)") \
    X(SKPI_EJOURNAL, "the journal failed earlier; recording is stopped")     \
    X(SKPI_ESYNTAX, "malformed text input (CSV quoting, field count or header)") \
    X(SKPI_EUTF8, "text input is not valid UTF-8")                            \
    X(SKPI_EFIELD, "a field is missing, empty or holds an unknown value")

#define SKPI__MSG(code, text) [code] = text,
#define SKPI__NAME(code, text) [code] = #code,

static const char *const skpi__messages[] = {SKPI_STATUS_MAP(SKPI__MSG)};
static const char *const skpi__names[] = {SKPI_STATUS_MAP(SKPI__NAME)};

#define SKPI__NSTATUS (sizeof skpi__names / sizeof skpi__names[0])

const char *skpi_strerror(skpi_status status)
{
    size_t i = (size_t)status;
    if ((int)status < 0 || i >= SKPI__NSTATUS)
        return "unknown status";
    return skpi__messages[i];
}

const char *skpi_status_name(skpi_status status)
{
    size_t i = (size_t)status;
    if ((int)status < 0 || i >= SKPI__NSTATUS)
        return "SKPI_UNKNOWN";
    return skpi__names[i];
}

void skpi_free(void *ptr)
{
    free(ptr);
}

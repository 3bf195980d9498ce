/*
 * tzif.h -- IANA time zone rules read from TZif files (RFC 8536, RFC 9636).
 *
 * Internal to the library; lib/zone.c is the only user.  See the essay at
 * the top of lib/tzif.c for the format, the limits and the meaning of
 * every array below.
 */
#ifndef SKPI_TZIF_H
#define SKPI_TZIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "socialkpi.h"

/* Largest TZif file read (real ones are under 4 KiB). */
#define SKPI__TZIF_MAX_BYTES (1 << 20)
/* Most transitions a file may hold (real ones hold at most a few hundred). */
#define SKPI__TZIF_MAX_TIMES 4096
/* Longest footer TZ string (real ones are under 50 bytes). */
#define SKPI__TZIF_FOOTER_MAX 127
/* Longest zone name ("America/Argentina/ComodRivadavia" is 32 bytes). */
#define SKPI__TZIF_NAME_MAX 64
/* Largest UTC offset, either way: local time stays within a day of UTC,
 * which the tracker's bucket numbering relies on. */
#define SKPI__TZIF_OFFSET_MAX 86400

/* One end of daylight saving time in a POSIX TZ rule. */
typedef struct skpi__tzdate {
    uint8_t kind;   /* SKPI__TZ_JULIAN1, SKPI__TZ_JULIAN0 or SKPI__TZ_MWD */
    uint8_t month;  /* Mm.w.d: 1..12 */
    uint8_t week;   /* Mm.w.d: 1..5, 5 meaning the last */
    uint8_t wday;   /* Mm.w.d: 0 = Sunday .. 6 */
    uint16_t yday;  /* Jn: 1..365 (29 February never counted); n: 0..365 */
    int32_t time;   /* local seconds after midnight, -167 h .. +167 h */
} skpi__tzdate;

enum { SKPI__TZ_JULIAN1 = 1, SKPI__TZ_JULIAN0 = 2, SKPI__TZ_MWD = 3 };

/*
 * A POSIX TZ rule such as "EST5EDT,M3.2.0,M11.1.0" or "<+04>-4", with
 * offsets turned to seconds east of UTC (POSIX writes them west).
 */
typedef struct skpi__tzrule {
    int32_t std_off;
    int32_t dst_off;      /* == std_off when has_dst is false */
    bool has_dst;
    skpi__tzdate start;   /* DST starts; `time` is in standard local time */
    skpi__tzdate end;     /* DST ends; `time` is in daylight local time */
} skpi__tzrule;

/*
 * The rules of one zone, immutable once built (so any number of threads
 * may read them).  One allocation holds the struct and its arrays.
 */
typedef struct skpi__tzif {
    size_t n;            /* entries of at / off / wmax */
    size_t n_file;       /* of which the first n_file came from the file */
    const int64_t *at;   /* transition instants, strictly increasing */
    const int32_t *off;  /* offset in effect from at[i] until at[i + 1] */
    const int64_t *wmax; /* latest wall-clock reading before at[i] */
    int32_t off0;        /* offset in effect before at[0] */
    /* The footer rule answers for instants outside [lo, hi] (inclusive);
     * inside, the table does (lo is INT64_MIN and hi INT64_MAX when it
     * covers everything). */
    int64_t lo, hi;
    bool has_rule;
    skpi__tzrule rule;
    char footer[SKPI__TZIF_FOOTER_MAX + 1]; /* the TZ string, as read */
} skpi__tzif;

/* Parse a POSIX TZ string of n bytes (RFC 8536 section 3.3.1 extensions
 * included).  SKPI_EZONE if it is not one. */
skpi_status skpi__tzrule_parse(const char *s, size_t n, skpi__tzrule *out);

/* Offset in effect at `utc` under rule r alone. */
int32_t skpi__tzrule_offset_at(const skpi__tzrule *r, int64_t utc);

/*
 * Parse a TZif file held in buf[0..len).  On success *out is a new rule
 * set, freed with skpi__tzif_free().  SKPI_EZONE if the data is not a
 * valid TZif file within the limits above, SKPI_ENOMEM; on error nothing
 * is allocated and *out is untouched.
 */
skpi_status skpi__tzif_parse(const unsigned char *buf, size_t len,
                             skpi__tzif **out);

/* Whether `name` may name a zone file: 1..SKPI__TZIF_NAME_MAX bytes of
 * [A-Za-z0-9_+-/], no empty, "." or ".." component, no leading "/". */
bool skpi__tzif_name_valid(const char *name);

/*
 * Read and parse $TZDIR/name, or /usr/share/zoneinfo/name when TZDIR is
 * unset or empty.  SKPI_EZONE for a bad name, a missing or unreadable file
 * or bad data; SKPI_ENOMEM.  As skpi__tzif_parse() otherwise.
 */
skpi_status skpi__tzif_load(const char *name, skpi__tzif **out);

/*
 * Read the bytes of zone file `name` as skpi__tzif_load() does, without
 * parsing them: *bytes is a new buffer of *len bytes, freed with free().
 */
skpi_status skpi__tzif_read(const char *name, unsigned char **bytes,
                            size_t *len);

/* A deep copy of src into *out; SKPI_ENOMEM (then *out is untouched). */
skpi_status skpi__tzif_copy(const skpi__tzif *src, skpi__tzif **out);

/* Free a rule set; NULL is a no-op. */
void skpi__tzif_free(skpi__tzif *tz);

/* Offset in effect at the UTC instant `utc`. */
int32_t skpi__tzif_offset_at(const skpi__tzif *tz, int64_t utc);

/*
 * The wall clock as buckets count it: utc + offset, except that after the
 * clock is turned back it stays at the latest reading reached until the
 * clock passes it again.  Never decreases while utc increases (inside the
 * table; outside it, it is plain utc + offset).
 */
int64_t skpi__tzif_wall(const skpi__tzif *tz, int64_t utc);

/* The first instant at which the wall clock reads `local` or later. */
int64_t skpi__tzif_utc_of_local(const skpi__tzif *tz, int64_t local);

/* Whether no transition lies in (lo, hi]; if so *off gets the offset. */
bool skpi__tzif_constant(const skpi__tzif *tz, int64_t lo, int64_t hi,
                         int32_t *off);

#endif /* SKPI_TZIF_H */

/*
 * tracker.c -- tracker lifecycle, configuration getters and buckets.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* ===================================================================== */
/* Buckets                                                               */
/* ===================================================================== */

/*
 * Bucket indexes count local buckets from the one that holds local
 * 1969-12-31T00:00, so that every accepted instant has an index >= 0 in any
 * zone west of UTC.  Day buckets follow local midnights and hour buckets
 * local clock hours, both through the zone functions so that zones with
 * changing offsets need no change here: bucket b is exactly
 * [bucket_start(b), bucket_start(b + 1)), so bucket_start(bucket_of(x)) == x
 * holds at every boundary.  An hour that a spring-forward change skips is
 * an empty bucket starting where the next one does, and the hour that a
 * fall-back repeats is one bucket of two UTC hours (see internal.h).
 */
int64_t skpi__bucket_of(const skpi_tracker *t, int64_t utc)
{
    const skpi__zone *z = &t->opt.zone;
    if (t->opt.bucket == SKPI_BUCKET_DAY)
        return skpi__zone_local_day(z, utc) + 1;
    return skpi__zone_local_hour(z, utc) + 24;
}

int64_t skpi__bucket_start(const skpi_tracker *t, int64_t b)
{
    const skpi__zone *z = &t->opt.zone;
    if (t->opt.bucket == SKPI_BUCKET_DAY)
        return skpi__zone_midnight(z, b - 1);
    return skpi__zone_utc_of_local(z, (b - 24) * SKPI_HOUR);
}

/* ===================================================================== */
/* Lifecycle                                                             */
/* ===================================================================== */

skpi_status skpi_tracker_new(const skpi_options *opts, skpi_tracker **out)
{
    if (out == NULL)
        return SKPI_EINVAL;
    skpi_tracker *t = calloc(1, sizeof *t);
    if (t == NULL)
        return SKPI_ENOMEM;
    skpi_status st;
    if (opts != NULL) {
        t->opt = *opts;
        /* The options keep their zone: the tracker owns a copy of its
         * rules, so the caller may free the options right away. */
        st = skpi__zone_copy(&t->opt.zone, &opts->zone);
        if (st != SKPI_OK) {
            free(t);
            return st;
        }
    } else {
        skpi_options *d;
        st = skpi_options_new(&d);
        if (st != SKPI_OK) {
            free(t);
            return st;
        }
        t->opt = *d;
        free(d); /* its zone, a fixed offset, owns nothing */
    }
    t->bucket_seconds =
        t->opt.bucket == SKPI_BUCKET_DAY ? SKPI_DAY : SKPI_HOUR;
    /* One past the bucket of the last accepted instant, plus the bucket
     * index that a range ending after it uses as its end. */
    t->n_buckets = skpi__bucket_of(t, SKPI_TIME_MAX - 1) + 2;
    t->range_min = skpi__bucket_start(t, skpi__bucket_of(t, SKPI_TIME_MIN));
    t->range_max = skpi__bucket_start(t, t->n_buckets - 1);
    int64_t pages = (t->n_buckets + SKPI__PAGE_LEN - 1) >> SKPI__PAGE_BITS;
    t->n_mid = (size_t)((pages + SKPI__MID_LEN - 1) >> SKPI__MID_BITS);

    /* Owned shards: two per online CPU (see lib/store.c), at most what
     * the tracker has beyond the shared ones. */
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    long leases = cpus < 1 ? 2 : 2 * cpus;
    t->leases = leases > SKPI__SHARDS - SKPI__SHARED
                    ? SKPI__SHARDS - SKPI__SHARED
                    : (unsigned)leases;

    t->business = skpi__calendar_is_set(&t->opt.cal);

    t->width[SKPI__FAM_MSG] = SKPI__MSG_SLA0 + t->opt.n_sla + SKPI__LAGS;
    t->width[SKPI__FAM_ENG] = 1;
    t->width[SKPI__FAM_POST] = 1;
    t->width[SKPI__FAM_FOLLOW] = 1;
    t->width[SKPI__FAM_RATING] =
        (size_t)(t->opt.rating_hi - t->opt.rating_lo + 1);
    t->width[SKPI__FAM_FRT] = SKPI__FRT_WIDTH;
    t->width[SKPI__FAM_PEOPLE] = SKPI__PEOPLE_WIDTH;
    t->width[SKPI__FAM_ANOM] = SKPI__ANOM_WIDTH;

    /* Each step below is undone by the matching teardown if a later one
     * fails; skpi_tracker_free() copes with a half-built tracker. */
    bool locked = pthread_mutex_init(&t->lock, NULL) == 0;
    st = locked ? skpi__taxonomy_init(t) : SKPI_ENOMEM;
    if (st == SKPI_OK)
        st = skpi__open_init(&t->open, t->opt.open_limit);
    if (st == SKPI_OK)
        st = skpi__late_init(&t->late);
    if (st != SKPI_OK) {
        skpi__open_free(&t->open);
        skpi__taxonomy_free(t);
        if (locked)
            pthread_mutex_destroy(&t->lock);
        skpi__zone_free(&t->opt.zone);
        free(t);
        return st;
    }
    *out = t;
    return SKPI_OK;
}

void skpi_tracker_free(skpi_tracker *t)
{
    if (t == NULL)
        return;
    skpi__store_free(t);
    skpi__late_free(&t->late);
    skpi__open_free(&t->open);
    skpi__taxonomy_free(t);
    pthread_mutex_destroy(&t->lock);
    skpi__zone_free(&t->opt.zone);
    free(t);
}

/* ===================================================================== */
/* Configuration getters                                                 */
/* ===================================================================== */

const char *skpi_tracker_zone(const skpi_tracker *t)
{
    return t == NULL ? NULL : t->opt.zone.name;
}

int skpi_tracker_bucket(const skpi_tracker *t)
{
    return t == NULL ? -1 : t->opt.bucket;
}

skpi_status skpi_tracker_rating_scale(const skpi_tracker *t, int *lo, int *hi,
                                      int *satisfied)
{
    if (t == NULL)
        return SKPI_EINVAL;
    if (lo != NULL)
        *lo = t->opt.rating_lo;
    if (hi != NULL)
        *hi = t->opt.rating_hi;
    if (satisfied != NULL)
        *satisfied = t->opt.rating_satisfied;
    return SKPI_OK;
}

int skpi_tracker_has_business_hours(const skpi_tracker *t)
{
    return t != NULL && skpi__calendar_is_set(&t->opt.cal) ? 1 : 0;
}

size_t skpi_tracker_sla_count(const skpi_tracker *t)
{
    return t == NULL ? 0 : t->opt.n_sla;
}

skpi_status skpi_tracker_sla(const skpi_tracker *t, size_t index,
                             int64_t *seconds)
{
    if (t == NULL || seconds == NULL)
        return SKPI_EINVAL;
    if (index >= t->opt.n_sla)
        return SKPI_ENOTFOUND;
    *seconds = t->opt.sla[index];
    return SKPI_OK;
}

/*
 * options.c -- creation options of a tracker.
 *
 * Options are an opaque object so that new settings never change the ABI.
 * Every setter validates fully before it writes, so a failed call leaves
 * the object as it was.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const int64_t skpi__default_sla[] = {3600, 86400};

static void options_defaults(skpi_options *o)
{
    memset(o, 0, sizeof *o);
    (void)skpi__zone_parse("Z", &o->zone);
    o->bucket = SKPI_BUCKET_DAY;
    o->rating_lo = 1;
    o->rating_hi = 5;
    o->rating_satisfied = 4;
    o->n_sla = sizeof skpi__default_sla / sizeof skpi__default_sla[0];
    memcpy(o->sla, skpi__default_sla, sizeof skpi__default_sla);
    o->alpha = 0.01;
    o->people_p = SKPI__HLL_P_DEFAULT;
    o->open_limit = 1000000;
    skpi__calendar_init(&o->cal);
}

skpi_status skpi_options_new(skpi_options **out)
{
    if (out == NULL)
        return SKPI_EINVAL;
    skpi_options *o = malloc(sizeof *o);
    if (o == NULL)
        return SKPI_ENOMEM;
    options_defaults(o);
    *out = o;
    return SKPI_OK;
}

void skpi_options_free(skpi_options *opts)
{
    if (opts == NULL)
        return;
    skpi__zone_free(&opts->zone);
    free(opts);
}

skpi_status skpi_options_set_zone(skpi_options *opts, const char *zone)
{
    if (opts == NULL || zone == NULL)
        return SKPI_EINVAL;
    skpi__zone z;
    skpi_status st = skpi__zone_parse(zone, &z);
    if (st != SKPI_OK)
        return st;
    skpi__zone_free(&opts->zone);
    opts->zone = z;
    return SKPI_OK;
}

skpi_status skpi_options_set_bucket(skpi_options *opts, int bucket)
{
    if (opts == NULL)
        return SKPI_EINVAL;
    if (bucket != SKPI_BUCKET_DAY && bucket != SKPI_BUCKET_HOUR)
        return SKPI_EOPTION;
    opts->bucket = bucket;
    return SKPI_OK;
}

skpi_status skpi_options_set_rating_scale(skpi_options *opts, int lo, int hi,
                                          int satisfied)
{
    if (opts == NULL)
        return SKPI_EINVAL;
    if (lo < 0 || lo >= hi || hi - lo + 1 > SKPI_RATING_SPAN_MAX ||
        satisfied < lo || satisfied > hi)
        return SKPI_EOPTION;
    opts->rating_lo = lo;
    opts->rating_hi = hi;
    opts->rating_satisfied = satisfied;
    return SKPI_OK;
}

skpi_status skpi_options_set_sla(skpi_options *opts, const int64_t *seconds,
                                 size_t n)
{
    if (opts == NULL || (seconds == NULL && n > 0))
        return SKPI_EINVAL;
    if (n > SKPI_MAX_SLA)
        return SKPI_ELIMIT;
    for (size_t i = 0; i < n; i++) {
        if (seconds[i] <= 0 || (i > 0 && seconds[i] <= seconds[i - 1]))
            return SKPI_EOPTION;
    }
    if (n > 0)
        memcpy(opts->sla, seconds, n * sizeof *seconds);
    opts->n_sla = n;
    return SKPI_OK;
}

skpi_status skpi_options_set_quantile_accuracy(skpi_options *opts, double alpha)
{
    if (opts == NULL)
        return SKPI_EINVAL;
    /* The sketch module's own bounds are wider; these are the documented
     * ones (and the comparison is false for NaN). */
    if (!(alpha >= 0.0001 && alpha <= 0.05))
        return SKPI_EOPTION;
    opts->alpha = alpha;
    return SKPI_OK;
}

skpi_status skpi_options_set_people_precision(skpi_options *opts, int p)
{
    if (opts == NULL)
        return SKPI_EINVAL;
    if (p < SKPI__HLL_P_MIN || p > SKPI__HLL_P_MAX)
        return SKPI_EOPTION;
    opts->people_p = p;
    return SKPI_OK;
}

skpi_status skpi_options_set_open_limit(skpi_options *opts, size_t limit)
{
    if (opts == NULL)
        return SKPI_EINVAL;
    if (limit == 0)
        return SKPI_EOPTION;
    opts->open_limit = limit;
    return SKPI_OK;
}

skpi_status skpi_options_add_business_hours(skpi_options *opts, int weekday,
                                            const char *from, const char *to)
{
    if (opts == NULL || from == NULL || to == NULL)
        return SKPI_EINVAL;
    int32_t a, b;
    if (skpi__calendar_parse_clock(from, strlen(from), &a) != SKPI_OK ||
        skpi__calendar_parse_clock(to, strlen(to), &b) != SKPI_OK)
        return SKPI_EPARSE;
    return skpi__calendar_add_hours(&opts->cal, weekday, a, b);
}

skpi_status skpi_options_add_holiday(skpi_options *opts, const char *date)
{
    if (opts == NULL || date == NULL)
        return SKPI_EINVAL;
    int64_t day;
    skpi_status st = skpi__calendar_parse_date(date, strlen(date), &day);
    if (st != SKPI_OK)
        return st;
    return skpi__calendar_add_holiday(&opts->cal, day);
}

/* batch.c -- recording columns of events in one call (stub until implemented). */
#include "internal.h"

skpi_status skpi_record_batch(skpi_tracker *t, const skpi_batch *b,
                              unsigned flags, size_t *done, uint64_t *anomalies)
{
    (void)t, (void)b, (void)flags, (void)done, (void)anomalies;
    return SKPI_EINVAL;
}

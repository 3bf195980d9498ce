/* openmetrics.c -- the report as OpenMetrics text (stub until implemented). */
#include "internal.h"

skpi_status skpi_report_openmetrics(const skpi_tracker *t, int64_t from,
                                    int64_t to, const uint32_t *platforms,
                                    size_t n_platforms, unsigned flags,
                                    char **out, size_t *len)
{
    (void)t, (void)from, (void)to, (void)platforms, (void)n_platforms;
    (void)flags, (void)out, (void)len;
    return SKPI_EINVAL;
}

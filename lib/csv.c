/* csv.c -- CSV event-log ingestion (stub until implemented). */
#include "internal.h"

skpi_status skpi_csv_reader_new(skpi_tracker *t, unsigned flags,
                                skpi_csv_reader **out)
{
    (void)t, (void)flags, (void)out;
    return SKPI_EINVAL;
}

skpi_status skpi_csv_reader_feed(skpi_csv_reader *r, const void *buf,
                                 size_t len, skpi_csv_result *res)
{
    (void)r, (void)buf, (void)len, (void)res;
    return SKPI_EINVAL;
}

skpi_status skpi_csv_reader_finish(skpi_csv_reader *r, skpi_csv_result *res)
{
    (void)r, (void)res;
    return SKPI_EINVAL;
}

void skpi_csv_reader_free(skpi_csv_reader *r)
{
    (void)r;
}

skpi_status skpi_csv_ingest_buffer(skpi_tracker *t, const void *buf,
                                   size_t len, unsigned flags,
                                   skpi_csv_result *res)
{
    (void)t, (void)buf, (void)len, (void)flags, (void)res;
    return SKPI_EINVAL;
}

skpi_status skpi_csv_ingest_file(skpi_tracker *t, FILE *f, unsigned flags,
                                 skpi_csv_result *res)
{
    (void)t, (void)f, (void)flags, (void)res;
    return SKPI_EINVAL;
}

skpi_status skpi_csv_ingest_path(skpi_tracker *t, const char *path,
                                 unsigned flags, skpi_csv_result *res)
{
    (void)t, (void)path, (void)flags, (void)res;
    return SKPI_EINVAL;
}

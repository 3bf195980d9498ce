/*
 * textreport.h -- the plain-text report of the skpi tool.
 */
#ifndef SKPI_EXAMPLES_TEXTREPORT_H
#define SKPI_EXAMPLES_TEXTREPORT_H

#include <stdio.h>

#include <socialkpi.h>

/**
 * Write the text report of [from, to) to `out`: messages, responses,
 * first-response time, satisfaction, engagement, followers, people, and
 * the change against the previous period and a year earlier.  `title` and
 * `name` (the period as the user named it) head the report.  `platforms`
 * (n_platforms ids, or NULL and 0 for all) restricts it as
 * skpi_report_new() does.  Returns a status and, on error, the failing
 * call (as source text) in *failed.
 */
skpi_status text_report(FILE *out, const skpi_tracker *t, const char *title,
                        const char *name, int64_t from, int64_t to,
                        const uint32_t *platforms, size_t n_platforms,
                        const char **failed);

#endif /* SKPI_EXAMPLES_TEXTREPORT_H */

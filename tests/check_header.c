/*
 * check_header.c -- the public header stands on its own.
 *
 * socialkpi.h is included first and alone, under the strictest warnings
 * the build uses: if it needed another header or used anything outside
 * C11, this file would not compile and the test would fail to build.  The
 * program then checks that the compile-time and run-time versions agree.
 */
#include "socialkpi.h"

#include <stdio.h>
#include <string.h>

int main(void)
{
    if (strcmp(skpi_version_string(), SKPI_VERSION_STRING) != 0 ||
        skpi_version_number() != (uint32_t)SKPI_VERSION_NUMBER) {
        fprintf(stderr, "header version %s, library %s\n", SKPI_VERSION_STRING,
                skpi_version_string());
        return 1;
    }
    return 0;
}

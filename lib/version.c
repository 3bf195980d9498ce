/*
 * version.c -- the version of the library actually loaded.
 *
 * A program compiled against one header may run against a newer shared
 * library; these functions report the latter, the macros of
 * socialkpi_version.h the former.
 */
#include "internal.h"

const char *skpi_version_string(void)
{
    return SKPI_VERSION_STRING;
}

uint32_t skpi_version_number(void)
{
    return (uint32_t)SKPI_VERSION_NUMBER;
}

size_t skpi_taxonomy_capacity(int dim)
{
    switch (dim) {
    case SKPI_PLATFORM:
        return SKPI_MAX_PLATFORMS;
    case SKPI_GROUP:
        return SKPI_MAX_GROUPS;
    case SKPI_CATEGORY:
        return SKPI_MAX_CATEGORIES;
    case SKPI_KIND:
        return SKPI_MAX_KINDS;
    default:
        return 0;
    }
}

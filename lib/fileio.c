/*
 * fileio.c -- the file and error helpers that snapshots, journals and zone
 * files share: whole-file reads, full writes, and filling an skpi_error.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

skpi_status skpi__error_set(skpi_error *err, skpi_status st, int64_t offset,
                            const char *field, const char *text)
{
    if (err != NULL) {
        memset(err, 0, sizeof *err);
        err->status = (int)st;
        err->offset = offset;
        snprintf(err->field, sizeof err->field, "%s", field);
        snprintf(err->text, sizeof err->text, "%s", text);
    }
    return st;
}

skpi_status skpi__error_io(skpi_error *err, const char *what, const char *path)
{
    char text[160];
    snprintf(text, sizeof text, "%s %s: %s", what, path, strerror(errno));
    return skpi__error_set(err, SKPI_EIO, -1, "file", text);
}

bool skpi__write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

skpi_status skpi__read_file(const char *path, size_t max, unsigned char **out,
                            size_t *len)
{
    /* O_NONBLOCK so that a FIFO in the way cannot hang the caller; it
     * changes nothing for the regular file that is then required. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return SKPI_EIO;
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size < 0) {
        if (errno == 0 || S_ISREG(sb.st_mode) == 0)
            errno = EINVAL; /* "not a regular file" */
        close(fd);
        return SKPI_EIO;
    }
    if ((uint64_t)sb.st_size > max) {
        close(fd);
        return SKPI_ELIMIT;
    }
    size_t size = (size_t)sb.st_size, got = 0;
    unsigned char *buf = malloc(size > 0 ? size : 1);
    if (buf == NULL) {
        close(fd);
        return SKPI_ENOMEM;
    }
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    int saved = errno;
    close(fd);
    if (got != size) {
        free(buf);
        errno = got < size && saved == 0 ? EIO : saved;
        return SKPI_EIO;
    }
    *out = buf;
    *len = size;
    return SKPI_OK;
}

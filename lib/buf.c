/*
 * buf.c -- a growable byte buffer for the writers.
 *
 * Writers append without checking every call: the first failed allocation
 * sets `failed`, later appends do nothing, and skpi__buf_finish() reports
 * SKPI_ENOMEM once.  This keeps the writers readable and still never hands
 * out a truncated document.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void skpi__buf_init(skpi__buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = false;
}

void skpi__buf_free(skpi__buf *b)
{
    free(b->data);
    skpi__buf_init(b);
}

/* Make room for n more bytes plus a NUL. */
static bool buf_reserve(skpi__buf *b, size_t n)
{
    if (b->failed)
        return false;
    if (n > SIZE_MAX / 2 - b->len) {
        b->failed = true;
        return false;
    }
    size_t need = b->len + n + 1;
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (p == NULL) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void skpi__buf_put(skpi__buf *b, const char *s, size_t n)
{
    /* n == 0 may come with s == NULL (an empty field), which memcpy must
     * not see; the buffer still gets its terminating NUL. */
    if (n == 0) {
        (void)buf_reserve(b, 0);
        if (!b->failed)
            b->data[b->len] = '\0';
        return;
    }
    if (!buf_reserve(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void skpi__buf_puts(skpi__buf *b, const char *s)
{
    skpi__buf_put(b, s, strlen(s));
}

void skpi__buf_putc(skpi__buf *b, char c)
{
    skpi__buf_put(b, &c, 1);
}

void skpi__buf_varint(skpi__buf *b, uint64_t v)
{
    char tmp[10];
    size_t n = 0;
    do {
        unsigned char c = v & 0x7F;
        v >>= 7;
        tmp[n++] = (char)(c | (v ? 0x80 : 0));
    } while (v);
    skpi__buf_put(b, tmp, n);
}

void skpi__buf_printf(skpi__buf *b, const char *fmt, ...)
{
    char small[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        skpi__buf_put(b, small, (size_t)n);
        return;
    }
    if (!buf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/*
 * printf's %g writes the decimal point of the C locale, which a host
 * program may have set to ',' or to a multi-byte character (U+066B in
 * ps_AF.UTF-8).  JSON needs '.', so the run of bytes that are not part of a
 * number in the C locale -- there is at most one, the decimal point -- is
 * replaced by a single '.'.
 */
static void fix_decimal_point(char *s)
{
    char *w = s;
    bool in_point = false;
    for (const char *r = s; *r; r++) {
        char c = *r;
        bool numeric = (c >= '0' && c <= '9') || c == '-' || c == '+' ||
                       c == 'e' || c == 'E';
        if (numeric)
            *w++ = c;
        else if (!in_point)
            *w++ = '.';
        in_point = !numeric;
    }
    *w = '\0';
}

void skpi__buf_double(skpi__buf *b, double v)
{
    if (isnan(v) || isinf(v)) {
        skpi__buf_puts(b, "null");
        return;
    }
    char tmp[40];
    /* The shortest of %.15g .. %.17g that reads back to the same double.
     * snprintf and strtod use the same locale, so the round trip is tested
     * on the locale's form and the decimal point fixed afterwards. */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    fix_decimal_point(tmp);
    skpi__buf_puts(b, tmp);
}

void skpi__buf_json_string(skpi__buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    skpi__buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        switch (c) {
        case '"':
            skpi__buf_puts(b, "\\\"");
            break;
        case '\\':
            skpi__buf_puts(b, "\\\\");
            break;
        case '\n':
            skpi__buf_puts(b, "\\n");
            break;
        case '\r':
            skpi__buf_puts(b, "\\r");
            break;
        case '\t':
            skpi__buf_puts(b, "\\t");
            break;
        default:
            if (c < 0x20) {
                char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                skpi__buf_put(b, esc, sizeof esc);
            } else {
                skpi__buf_putc(b, (char)c);
            }
        }
    }
    skpi__buf_putc(b, '"');
}

skpi_status skpi__buf_finish(skpi__buf *b, char **out, size_t *len)
{
    if (b->failed || !buf_reserve(b, 0)) {
        skpi__buf_free(b);
        return SKPI_ENOMEM;
    }
    *out = b->data;
    if (len != NULL)
        *len = b->len;
    skpi__buf_init(b);
    return SKPI_OK;
}

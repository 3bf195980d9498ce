/*
 * csv.c -- reading event logs in CSV into a tracker.
 *
 * doc/csv-events.md is the user's specification; this essay is about how
 * the reader is built.
 *
 * The reader is a byte-level state machine that can stop anywhere and go
 * on with the next chunk, so that a row may span any number of feeds and
 * the result never depends on where the input was cut.  Everything it
 * carries from one byte to the next lives in the reader: the state below,
 * the UTF-8 decoder's expectation, and the row buffer.
 *
 *      ,------------------- , or LF ends the field ------------------.
 *      v                                                              |
 *   FIELD --"--> QUOTED --"--> QUOTE --"" is a literal quote--> QUOTED
 *      |                          |
 *      `--other--> UNQUOTED       `--CR--> CR --LF--> (row ends)
 *                     `---CR----------------^
 *
 * A lexical error (a quote inside an unquoted field, a byte after a closing
 * quote, a CR without LF, a NUL byte, bad UTF-8, a row over CSV_ROW_MAX
 * bytes, more fields than the header) never stops the machine: it is noted
 * as the row's first error, and the machine goes on with a fixed recovery
 * (the stray byte is taken as field content) to find where the row ends.
 * So a bad row costs one rejected row, and later rows are read as if it
 * had been good.
 *
 * Field contents are copied into one row buffer, each followed by a NUL, so
 * that ids can go to the recording calls as C strings.  The buffer grows to
 * the longest row seen (at most CSV_ROW_MAX) and is reused: reading a row
 * allocates nothing.  UTF-8 is checked as it passes (Unicode's table of
 * well-formed byte sequences: no overlong forms, no surrogates, nothing
 * above U+10FFFF), so the column of a bad byte is known exactly.
 *
 * Most rows are plain: ASCII, no quotes, whole within the chunk at hand.
 * fast_row() reads such a row without the machine: it finds the commas and
 * the line end 16 bytes at a time (SSE2 where the compiler targets it, a
 * class table otherwise), copies the row with one memcpy and turns its
 * commas into the NULs.  At the first byte it does not expect -- a quote,
 * a non-ASCII byte, a lone CR, the end of the chunk -- it leaves the row
 * untouched to the machine, which then reads it from its first byte, so
 * both paths give the same result by construction (the test suite and the
 * fuzz target check it by feeding inputs a byte at a time).
 *
 * A complete row is then interpreted: the event name picks which columns
 * it needs and which must be empty, the time goes through the library's
 * ISO 8601 parser, slugs through a small direct-mapped cache per dimension
 * (a slug's id never changes, so a cached id is never stale), numbers
 * through one loop each.  Every check is made before the first recording
 * call and before any registration, so a rejected row changes nothing.
 *
 * Strict mode records into a private copy of the tracker
 * (skpi__tracker_clone()), made when the reader is created, and puts it in
 * place with skpi__tracker_swap() when the whole input was good.  Replies
 * in the input thus find the messages read before them, and a refused
 * input leaves the caller's tracker exactly as it was.  Lenient mode
 * records into the tracker through the public calls, so a journal
 * attached to it sees every row.
 */
#include <errno.h>
#include <stdarg.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ===================================================================== */
/* Limits and tables                                                     */
/* ===================================================================== */

#define CSV_ROW_MAX ((size_t)1 << 20) /* bytes of one row's fields (+ NULs) */
#define CSV_COLS_MAX 1024             /* fields of the header row */
#define CSV_REPEAT_MAX 10000000       /* count of a message or rating row */
#define CSV_CHUNK 65536               /* read size of skpi_csv_ingest_file() */
#define CSV_QUOTE_MAX 32              /* bytes of a value quoted in a message */

/* The known columns, in the order of the documented header. */
enum col {
    C_TIME,
    C_PLATFORM,
    C_EVENT,
    C_CATEGORY,
    C_COUNT,
    C_ACTOR,
    C_REF,
    C_VALUE,
    C_N
};

static const char *const col_names[C_N] = {
    "time", "platform", "event", "category", "count", "actor", "ref", "value"};

#define BIT(c) (1u << (c))

enum event {
    E_MESSAGE,
    E_REPLY,
    E_ENGAGEMENT,
    E_POST,
    E_FOLLOWERS,
    E_FOLLOWER,
    E_RATING,
    E_N
};

static const char *const event_names[E_N] = {
    "message", "reply",    "engagement", "post",
    "followers", "follower", "rating"};

/* The optional columns (besides time, platform, event) each event reads;
 * any other column must be empty.  A reply with a ref reads only ref. */
static const unsigned event_cols[E_N] = {
    BIT(C_CATEGORY) | BIT(C_COUNT) | BIT(C_ACTOR) | BIT(C_REF),
    BIT(C_CATEGORY) | BIT(C_REF) | BIT(C_VALUE),
    BIT(C_CATEGORY) | BIT(C_COUNT) | BIT(C_ACTOR),
    BIT(C_COUNT),
    BIT(C_VALUE),
    BIT(C_ACTOR),
    BIT(C_COUNT) | BIT(C_VALUE),
};

/* Lexer states (see the diagram above). */
enum lex_state { L_FIELD, L_UNQUOTED, L_QUOTED, L_QUOTE, L_CR };

/* Lexical errors: the first one of a row is kept. */
enum lex_error {
    X_NONE,
    X_QUOTE,       /* a quote inside an unquoted field */
    X_AFTER_QUOTE, /* a byte after a closing quote */
    X_CR,          /* a CR not followed by LF */
    X_NUL,         /* a NUL byte */
    X_UTF8,        /* not UTF-8 */
    X_LONG,        /* the row passes CSV_ROW_MAX */
    X_FIELDS,      /* more fields than the header (or CSV_COLS_MAX) */
    X_OPEN         /* a quoted field still open at the end of the input */
};

/*
 * Byte classes for the fast loops: 1 marks a byte that ends a run of
 * ordinary field content.  Outside quotes: , " CR LF NUL and every
 * non-ASCII byte; inside quotes: " LF NUL and non-ASCII (a CR is content
 * there, and LF only needs counting).
 */
#define ONES8 1, 1, 1, 1, 1, 1, 1, 1
#define ONES128 ONES8, ONES8, ONES8, ONES8, ONES8, ONES8, ONES8, ONES8, \
                ONES8, ONES8, ONES8, ONES8, ONES8, ONES8, ONES8, ONES8
static const unsigned char special_unquoted[256] = {
    [0] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1, [','] = 1, [0x80] = ONES128,
};
static const unsigned char special_quoted[256] = {
    [0] = 1, ['\n'] = 1, ['"'] = 1, [0x80] = ONES128,
};

/* ===================================================================== */
/* The reader                                                            */
/* ===================================================================== */

/* A direct-mapped cache of slug -> id for one taxonomy dimension. */
#define CACHE_SLOTS 64
typedef struct slug_cache {
    struct {
        uint8_t len; /* 0: empty slot */
        char s[SKPI_SLUG_MAX];
        uint32_t id;
    } e[CACHE_SLOTS];
} slug_cache;

enum { K_PLATFORM, K_CATEGORY, K_KIND, K_N };
static const int cache_dim[K_N] = {SKPI_PLATFORM, SKPI_CATEGORY, SKPI_KIND};

struct skpi_csv_reader {
    skpi_tracker *t;    /* the caller's tracker */
    skpi_tracker *copy; /* strict mode: the private copy, else NULL */
    skpi_tracker *dst;  /* where rows are recorded: copy or t */
    unsigned flags;
    bool strict;
    bool finished;
    skpi_status fatal;    /* an error that ended the input, or SKPI_OK */
    skpi_error fatal_err; /* its description */

    /* Position of the next byte. */
    uint64_t pos;        /* byte offset in the input */
    uint64_t line;       /* 1-based physical line */
    uint64_t line_start; /* offset of that line's first byte */
    unsigned char bom[3]; /* the first bytes, held until a BOM is ruled out */
    unsigned bom_n;
    bool bom_done;

    /* Lexer. */
    int state;
    unsigned u8_need;            /* continuation bytes still expected */
    unsigned char u8_lo, u8_hi;  /* range of the next one */
    unsigned char u8_lead;       /* the sequence's first byte */
    uint64_t u8_at, u8_line, u8_line_start;
    uint64_t quote_at, quote_line, quote_line_start; /* open quote */
    uint64_t cr_at;              /* CR seen outside quotes */

    /* The row being read. */
    uint64_t row_at, row_line;   /* offset and line of its first byte */
    char *buf;                   /* field contents, each NUL-terminated */
    size_t len, cap, field_start;
    uint32_t *fpos, *flen;       /* stored fields (at most nf_max) */
    size_t nf, nf_max, nf_total; /* stored, storable, seen */
    bool quoted;                 /* some field of the row was quoted */
    int x;                       /* first lexical error (enum lex_error) */
    uint64_t x_at, x_line, x_line_start;
    unsigned char x_byte;
    size_t x_field;              /* 0-based field the error lies in */

    /* Header. */
    bool header;
    size_t ncols;
    int col[C_N];          /* field index of each known column, or -1 */
    char *names;           /* the header's fields, NUL-terminated */
    uint32_t *name_pos;

    /* Counts. */
    uint64_t read, rejected;
    uint64_t applied, anomalies, registered; /* strict: published at the end */
    skpi_error first; /* strict mode: the first rejected row */

    slug_cache cache[K_N];
};

/* ===================================================================== */
/* Messages                                                              */
/* ===================================================================== */

/* Copy NUL-terminated src into dst[size], cutting at a UTF-8 boundary. */
static void copy_utf8(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size) {
        n = size - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Format a message into dst[size] (an skpi_error's text), UTF-8 safe. */
static void say(char *dst, size_t size, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void say(char *dst, size_t size, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        tmp[0] = '\0';
    copy_utf8(dst, size, tmp);
}

/*
 * Quote a value for a message: in double quotes, at most CSV_QUOTE_MAX
 * bytes cut at a UTF-8 boundary and marked "...", control characters shown
 * as "?".  The value is valid UTF-8 (rows that are not never get here).
 */
static const char *quote(char out[CSV_QUOTE_MAX + 8], const char *s, size_t n)
{
    bool cut = n > CSV_QUOTE_MAX;
    if (cut) {
        n = CSV_QUOTE_MAX;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    size_t k = 0;
    out[k++] = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        out[k++] = (c < 0x20 || c == 0x7F) ? '?' : (char)c;
    }
    if (cut) {
        memcpy(out + k, "...", 3);
        k += 3;
    }
    out[k++] = '"';
    out[k] = '\0';
    return out;
}

/* Fill an skpi_error. */
static void error_fill(skpi_error *e, skpi_status st, uint64_t offset,
                       uint64_t line, int64_t column, const char *field,
                       const char *text)
{
    memset(e, 0, sizeof *e);
    e->status = (int)st;
    e->offset = (int64_t)offset;
    e->line = (int64_t)line;
    e->column = column;
    copy_utf8(e->field, sizeof e->field, field);
    copy_utf8(e->text, sizeof e->text, text);
}

/* End the input with `st`: every later call returns it again. */
static skpi_status fail(skpi_csv_reader *r, skpi_csv_result *res,
                        skpi_status st, uint64_t offset, uint64_t line,
                        int64_t column, const char *field, const char *text)
{
    r->fatal = st;
    error_fill(&r->fatal_err, st, offset, line, column, field, text);
    if (res != NULL)
        res->error = r->fatal_err;
    return st;
}

static skpi_status fail_nomem(skpi_csv_reader *r, skpi_csv_result *res)
{
    return fail(r, res, SKPI_ENOMEM, r->row_at, r->row_line, 0, "",
                "out of memory while reading the event log");
}

/* Repeat the error that ended the input. */
static skpi_status refail(const skpi_csv_reader *r, skpi_csv_result *res)
{
    if (res != NULL)
        res->error = r->fatal_err;
    return r->fatal;
}

/* Count a rejected row and keep its description. */
static void reject(skpi_csv_reader *r, skpi_csv_result *res, skpi_status st,
                   int64_t column, const char *field, const char *text)
{
    skpi_error e;
    error_fill(&e, st, r->row_at, r->row_line, column, field, text);
    if (r->rejected++ == 0)
        r->first = e;
    if (res != NULL) {
        res->rows_rejected++;
        res->rows_bad++;
        if (res->rejects != NULL && res->n_rejects < res->max_rejects)
            res->rejects[res->n_rejects++] = e;
    }
}

/* The header's name of 0-based field i, or "" past the header. */
static const char *field_name(const skpi_csv_reader *r, size_t i)
{
    if (!r->header || i >= r->ncols)
        return "";
    return r->names + r->name_pos[i];
}

/* Describe the row's lexical error in text[size]; return its status. */
static skpi_status lex_message(const skpi_csv_reader *r, char *text,
                               size_t size)
{
    char where[96];
    uint64_t col = r->x_at - r->row_at + 1;
    if (r->x_line == r->row_line)
        say(where, sizeof where, "line %llu, byte %llu",
            (unsigned long long)r->row_line, (unsigned long long)col);
    else
        say(where, sizeof where,
            "line %llu, byte %llu (line %llu, column %llu)",
            (unsigned long long)r->row_line, (unsigned long long)col,
            (unsigned long long)r->x_line,
            (unsigned long long)(r->x_at - r->x_line_start + 1));
    unsigned char b = r->x_byte;
    switch (r->x) {
    case X_QUOTE:
        say(text, size, "%s: a quote inside an unquoted field (quote the "
            "whole field and double the quote)", where);
        return SKPI_ESYNTAX;
    case X_AFTER_QUOTE:
        if (b >= 0x20 && b < 0x7F)
            say(text, size, "%s: '%c' after the closing quote of a field",
                where, b);
        else
            say(text, size,
                "%s: byte 0x%02X after the closing quote of a field", where, b);
        return SKPI_ESYNTAX;
    case X_CR:
        say(text, size, "%s: a carriage return not followed by a line feed",
            where);
        return SKPI_ESYNTAX;
    case X_NUL:
        say(text, size, "%s: a NUL byte", where);
        return SKPI_ESYNTAX;
    case X_UTF8:
        say(text, size, "%s: invalid UTF-8 starting with byte 0x%02X", where,
            b);
        return SKPI_EUTF8;
    case X_LONG:
        say(text, size, "%s: the row is longer than %zu bytes", where,
            CSV_ROW_MAX);
        return SKPI_ESYNTAX;
    case X_FIELDS:
        if (r->header)
            say(text, size, "%s: the row has %zu fields, the header %zu", where,
                r->nf_total, r->ncols);
        else
            say(text, size, "%s: the header has more than %d fields", where,
                CSV_COLS_MAX);
        return SKPI_ESYNTAX;
    default: /* X_OPEN */
        say(text, size, "%s: a quoted field is not closed before the end of "
            "the input", where);
        return SKPI_ESYNTAX;
    }
}

/* ===================================================================== */
/* Lexer                                                                 */
/* ===================================================================== */

/* Note the row's first lexical error. */
static void lex_error(skpi_csv_reader *r, int kind, uint64_t at, uint64_t line,
                      uint64_t line_start, unsigned char byte)
{
    if (r->x != X_NONE)
        return;
    r->x = kind;
    r->x_at = at;
    r->x_line = line;
    r->x_line_start = line_start;
    r->x_byte = byte;
    r->x_field = r->nf_total;
}

/*
 * Make room for at least one more byte in the row buffer.  At CSV_ROW_MAX
 * the row is marked too long and writing starts over at the buffer's start:
 * the row will be rejected, so its contents no longer matter.
 */
static skpi_status grow(skpi_csv_reader *r, uint64_t at)
{
    if (r->len < r->cap)
        return SKPI_OK;
    if (r->cap >= CSV_ROW_MAX) {
        lex_error(r, X_LONG, at, r->line, r->line_start, 0);
        r->len = 0;
        r->field_start = 0;
        return SKPI_OK;
    }
    size_t cap = r->cap * 2 < CSV_ROW_MAX ? r->cap * 2 : CSV_ROW_MAX;
    char *b = realloc(r->buf, cap);
    if (b == NULL)
        return SKPI_ENOMEM;
    r->buf = b;
    r->cap = cap;
    return SKPI_OK;
}

static inline skpi_status put(skpi_csv_reader *r, unsigned char c, uint64_t at)
{
    if (r->len == r->cap) {
        skpi_status st = grow(r, at);
        if (st != SKPI_OK)
            return st;
    }
    r->buf[r->len++] = (char)c;
    return SKPI_OK;
}

/* Start checking a UTF-8 sequence whose first byte c >= 0x80 is at `at`. */
static void utf8_lead(skpi_csv_reader *r, unsigned char c, uint64_t at)
{
    unsigned need;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0)
            lo = 0xA0; /* no overlong forms */
        else if (c == 0xED)
            hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0)
            lo = 0x90; /* no overlong forms */
        else if (c == 0xF4)
            hi = 0x8F; /* nothing above U+10FFFF */
    } else {
        lex_error(r, X_UTF8, at, r->line, r->line_start, c);
        return;
    }
    r->u8_need = need;
    r->u8_lo = lo;
    r->u8_hi = hi;
    r->u8_lead = c;
    r->u8_at = at;
    r->u8_line = r->line;
    r->u8_line_start = r->line_start;
}

/* End the current field at `at` (the comma, line feed or end of input). */
static skpi_status end_field(skpi_csv_reader *r, uint64_t at, bool comma)
{
    skpi_status st = grow(r, at);
    if (st != SKPI_OK)
        return st;
    r->buf[r->len] = '\0';
    if (r->nf < r->nf_max) {
        r->fpos[r->nf] = (uint32_t)r->field_start;
        r->flen[r->nf] = (uint32_t)(r->len - r->field_start);
        r->nf++;
    }
    r->len++;
    r->field_start = r->len;
    r->nf_total++;
    /* The comma that opens one field too many. */
    if (comma && r->nf_total == r->nf_max)
        lex_error(r, X_FIELDS, at, r->line, r->line_start, ',');
    return SKPI_OK;
}

static skpi_status row_done(skpi_csv_reader *r, skpi_csv_result *res);

/* The row ends with the line feed at `at` (lf), or with the input. */
static skpi_status end_row(skpi_csv_reader *r, skpi_csv_result *res,
                           uint64_t at, bool lf)
{
    skpi_status st = end_field(r, at, false);
    if (st != SKPI_OK)
        return fail_nomem(r, res);
    st = row_done(r, res);
    if (lf) {
        r->line++;
        r->line_start = at + 1;
    }
    r->row_at = at + (lf ? 1 : 0);
    r->row_line = r->line;
    r->len = 0;
    r->field_start = 0;
    r->nf = 0;
    r->nf_total = 0;
    r->quoted = false;
    r->x = X_NONE;
    r->state = L_FIELD;
    return st;
}

/*
 * Finding the next special byte (special_unquoted) of a row, 16 bytes at a
 * time where SSE2 is available: one mask of the block's special bytes,
 * consumed bit by bit, so that every byte is looked at once.  Near the
 * end of the input, and without SSE2, one byte at a time.
 */
typedef struct scan {
    const unsigned char *next, *end; /* the next byte to look at */
    const unsigned char *block;      /* the block `mask` describes */
    uint32_t mask;                   /* its special bytes not yet returned */
} scan;

#if defined(__SSE2__)
static inline uint32_t specials16(const unsigned char *p)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i m = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(',')),
                     _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\r')),
                     _mm_cmpeq_epi8(v, _mm_set1_epi8('"'))));
    m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_setzero_si128()));
    /* The sign bits are the bytes >= 0x80. */
    return (uint32_t)_mm_movemask_epi8(_mm_or_si128(m, v));
}
#endif

/* The next special byte, or NULL at the end of the input. */
static inline const unsigned char *scan_next(scan *s)
{
#if defined(__SSE2__)
    while (s->mask == 0) {
        if (s->end - s->next < 16)
            goto bytes;
        s->block = s->next;
        s->mask = specials16(s->block);
        s->next += 16;
    }
    unsigned i = (unsigned)__builtin_ctz(s->mask);
    s->mask &= s->mask - 1;
    return s->block + i;
bytes:
#endif
    while (s->next < s->end && !special_unquoted[*s->next])
        s->next++;
    return s->next == s->end ? NULL : s->next++;
}

/*
 * The fast path for the common row: plain ASCII fields without quotes,
 * ending in LF or CRLF, all of it within [p, end), at the start of a row.
 * One scan finds the commas, one memcpy copies the row, and its commas
 * become the NULs.  Returns the byte after the row's LF, or NULL when the
 * row is not of that kind and the state machine must read it (the row is
 * then untouched).  *st receives what row_done() returned.
 */
static const unsigned char *fast_row(skpi_csv_reader *r, skpi_csv_result *res,
                                     const unsigned char *p,
                                     const unsigned char *end, uint64_t at,
                                     skpi_status *st)
{
    uint32_t *fpos = r->fpos, *flen = r->flen;
    const size_t maxf = r->nf_max;
    size_t nf = 0;
    const unsigned char *q, *fs = p;
    scan sc = {p, end, p, 0};
    for (;;) {
        q = scan_next(&sc);
        if (q == NULL)
            return NULL;
        if (*q != ',')
            break;
        if (nf + 1 >= maxf) /* a field too many: let the machine say so */
            return NULL;
        fpos[nf] = (uint32_t)(fs - p);
        flen[nf] = (uint32_t)(q - fs);
        nf++;
        fs = q + 1;
    }
    const unsigned char *lf = q;
    if (*q == '\r') {
        if (q + 1 == end || q[1] != '\n')
            return NULL;
        lf = q + 1;
    } else if (*q != '\n') {
        return NULL;
    }
    size_t n = (size_t)(q - p);
    if (n >= r->cap) /* the machine grows the buffer (or finds it too long) */
        return NULL;
    fpos[nf] = (uint32_t)(fs - p);
    flen[nf] = (uint32_t)(q - fs);
    nf++;
    memcpy(r->buf, p, n);
    for (size_t i = 0; i < nf; i++)
        r->buf[fpos[i] + flen[i]] = '\0';
    r->nf = r->nf_total = nf;
    r->len = n + 1;
    *st = row_done(r, res);
    r->len = 0;
    uint64_t next = at + (uint64_t)(lf - p) + 1;
    r->line++;
    r->line_start = next;
    r->row_at = next;
    r->row_line = r->line;
    r->nf = 0;
    r->nf_total = 0;
    return lf + 1;
}

/*
 * Run the machine over [p, end); r->pos is the offset of *p.  Returns
 * SKPI_OK, or an error that ends the input (r->fatal set), with r->pos
 * past the last byte used.
 */
static skpi_status lex(skpi_csv_reader *r, skpi_csv_result *res,
                       const unsigned char *p, const unsigned char *end)
{
    const unsigned char *const start = p;
    const uint64_t base = r->pos;
#define OFF(q) (base + (uint64_t)((q) - start))
    skpi_status st = SKPI_OK;

    while (p < end) {
        unsigned char c;
        if (r->u8_need > 0) {
            c = *p;
            if (c >= r->u8_lo && c <= r->u8_hi) {
                if ((st = put(r, c, OFF(p))) != SKPI_OK)
                    goto nomem;
                r->u8_need--;
                r->u8_lo = 0x80;
                r->u8_hi = 0xBF;
                p++;
                continue;
            }
            /* Cut short: the sequence is the error, c is read afresh. */
            lex_error(r, X_UTF8, r->u8_at, r->u8_line, r->u8_line_start,
                      r->u8_lead);
            r->u8_need = 0;
        }

        switch (r->state) {
        case L_FIELD:
            if (r->nf_total == 0 && r->len == 0) {
                const unsigned char *q = fast_row(r, res, p, end, OFF(p), &st);
                if (q != NULL) {
                    p = q;
                    if (st != SKPI_OK)
                        goto out;
                    continue;
                }
            }
            if (*p == '"') {
                r->state = L_QUOTED;
                r->quoted = true;
                r->quote_at = OFF(p);
                r->quote_line = r->line;
                r->quote_line_start = r->line_start;
                p++;
                continue;
            }
            r->state = L_UNQUOTED;
            /* fall through */
        case L_UNQUOTED: {
            size_t room = r->cap - r->len;
            const unsigned char *lim =
                (size_t)(end - p) < room ? end : p + room;
            const unsigned char *s = p;
            while (p < lim && !special_unquoted[*p])
                p++;
            memcpy(r->buf + r->len, s, (size_t)(p - s));
            r->len += (size_t)(p - s);
            if (p == end)
                goto out;
            if (p == lim && !special_unquoted[*p]) {
                if ((st = grow(r, OFF(p))) != SKPI_OK)
                    goto nomem;
                continue;
            }
            c = *p;
            switch (c) {
            case ',':
                if ((st = end_field(r, OFF(p), true)) != SKPI_OK)
                    goto nomem;
                r->state = L_FIELD;
                break;
            case '\n':
                if ((st = end_row(r, res, OFF(p), true)) != SKPI_OK) {
                    p++;
                    goto out;
                }
                break;
            case '\r':
                r->cr_at = OFF(p);
                r->state = L_CR;
                break;
            case '"':
                lex_error(r, X_QUOTE, OFF(p), r->line, r->line_start, c);
                if ((st = put(r, c, OFF(p))) != SKPI_OK)
                    goto nomem;
                break;
            case 0:
                lex_error(r, X_NUL, OFF(p), r->line, r->line_start, c);
                break;
            default: /* >= 0x80 */
                utf8_lead(r, c, OFF(p));
                if ((st = put(r, c, OFF(p))) != SKPI_OK)
                    goto nomem;
                break;
            }
            p++;
            continue;
        }
        case L_QUOTED: {
            size_t room = r->cap - r->len;
            const unsigned char *lim =
                (size_t)(end - p) < room ? end : p + room;
            const unsigned char *s = p;
            while (p < lim && !special_quoted[*p])
                p++;
            memcpy(r->buf + r->len, s, (size_t)(p - s));
            r->len += (size_t)(p - s);
            if (p == end)
                goto out;
            if (p == lim && !special_quoted[*p]) {
                if ((st = grow(r, OFF(p))) != SKPI_OK)
                    goto nomem;
                continue;
            }
            c = *p;
            switch (c) {
            case '"':
                r->state = L_QUOTE;
                break;
            case '\n':
                if ((st = put(r, c, OFF(p))) != SKPI_OK)
                    goto nomem;
                r->line++;
                r->line_start = OFF(p) + 1;
                break;
            case 0:
                lex_error(r, X_NUL, OFF(p), r->line, r->line_start, c);
                break;
            default: /* >= 0x80 */
                utf8_lead(r, c, OFF(p));
                if ((st = put(r, c, OFF(p))) != SKPI_OK)
                    goto nomem;
                break;
            }
            p++;
            continue;
        }
        case L_QUOTE:
            c = *p;
            if (c == '"') {
                if ((st = put(r, c, OFF(p))) != SKPI_OK)
                    goto nomem;
                r->state = L_QUOTED;
            } else if (c == ',') {
                if ((st = end_field(r, OFF(p), true)) != SKPI_OK)
                    goto nomem;
                r->state = L_FIELD;
            } else if (c == '\n') {
                if ((st = end_row(r, res, OFF(p), true)) != SKPI_OK) {
                    p++;
                    goto out;
                }
            } else if (c == '\r') {
                r->cr_at = OFF(p);
                r->state = L_CR;
            } else {
                /* Recover by reading on as unquoted content. */
                lex_error(r, X_AFTER_QUOTE, OFF(p), r->line, r->line_start, c);
                r->state = L_UNQUOTED;
                continue;
            }
            p++;
            continue;
        default: /* L_CR */
            if (*p == '\n') {
                if ((st = end_row(r, res, OFF(p), true)) != SKPI_OK) {
                    p++;
                    goto out;
                }
                p++;
                continue;
            }
            /* Recover by taking the CR as content. */
            lex_error(r, X_CR, r->cr_at, r->line, r->line_start, '\r');
            if ((st = put(r, '\r', r->cr_at)) != SKPI_OK)
                goto nomem;
            r->state = L_UNQUOTED;
            continue;
        }
    }
out:
    r->pos = OFF(p);
    return st;
nomem:
    r->pos = OFF(p);
    return fail_nomem(r, res);
#undef OFF
}

/* The end of the input ends the last row, if it has begun. */
static skpi_status lex_end(skpi_csv_reader *r, skpi_csv_result *res)
{
    if (r->pos == r->row_at && r->state == L_FIELD && r->nf_total == 0)
        return SKPI_OK;
    if (r->u8_need > 0) {
        lex_error(r, X_UTF8, r->u8_at, r->u8_line, r->u8_line_start,
                  r->u8_lead);
        r->u8_need = 0;
    }
    if (r->state == L_QUOTED)
        lex_error(r, X_OPEN, r->quote_at, r->quote_line, r->quote_line_start,
                  '"');
    /* A final CR (L_CR) is taken as the line break it began. */
    return end_row(r, res, r->pos, false);
}

/* ===================================================================== */
/* Header                                                                */
/* ===================================================================== */

static skpi_status header_done(skpi_csv_reader *r, skpi_csv_result *res)
{
    char text[160];
    if (r->x != X_NONE) {
        skpi_status st = lex_message(r, text, sizeof text);
        return fail(r, res, st, r->row_at, r->row_line,
                    (int64_t)(r->x_at - r->row_at + 1), "", text);
    }
    for (int k = 0; k < C_N; k++)
        r->col[k] = -1;
    for (size_t i = 0; i < r->nf; i++) {
        const char *name = r->buf + r->fpos[i];
        for (int k = 0; k < C_N; k++) {
            if (strcmp(name, col_names[k]) != 0)
                continue;
            if (r->col[k] >= 0) {
                say(text, sizeof text,
                    "line %llu: column \"%s\" is named twice "
                    "(fields %d and %zu)",
                    (unsigned long long)r->row_line, col_names[k],
                    r->col[k] + 1, i + 1);
                return fail(r, res, SKPI_ESYNTAX, r->row_at, r->row_line,
                            (int64_t)i + 1, col_names[k], text);
            }
            r->col[k] = (int)i;
        }
    }
    static const int required[] = {C_TIME, C_PLATFORM, C_EVENT};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        int k = required[i];
        if (r->col[k] < 0) {
            say(text, sizeof text, "line %llu: the header has no \"%s\" column",
                (unsigned long long)r->row_line, col_names[k]);
            return fail(r, res, SKPI_EFIELD, r->row_at, r->row_line, 0,
                        col_names[k], text);
        }
    }
    /* The names end with the last one's NUL. */
    size_t size = r->fpos[r->nf - 1] + r->flen[r->nf - 1] + 1;
    r->names = malloc(size);
    r->name_pos = malloc(r->nf * sizeof *r->name_pos);
    if (r->names == NULL || r->name_pos == NULL)
        return fail_nomem(r, res);
    memcpy(r->names, r->buf, size);
    memcpy(r->name_pos, r->fpos, r->nf * sizeof *r->name_pos);
    r->ncols = r->nf;
    r->nf_max = r->nf;
    r->header = true;
    return SKPI_OK;
}

/* ===================================================================== */
/* Fields                                                                */
/* ===================================================================== */

/* The row's value of column k ("" when absent or past the row's end). */
static inline const char *fld(const skpi_csv_reader *r, int k, size_t *n)
{
    int i = r->col[k];
    if (i < 0 || (size_t)i >= r->nf) {
        *n = 0;
        return "";
    }
    *n = r->flen[i];
    return r->buf + r->fpos[i];
}

/* Parse an optional "-" and decimal digits: SKPI_OK, SKPI_EFIELD (not a
 * whole number) or SKPI_EOVERFLOW (outside int64_t). */
static skpi_status parse_int(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    bool neg = n > 0 && s[0] == '-';
    if (neg)
        i = 1;
    if (i == n)
        return SKPI_EFIELD;
    for (size_t k = i; k < n; k++) {
        if ((unsigned)(s[k] - '0') > 9)
            return SKPI_EFIELD;
    }
    uint64_t v = 0;
    const uint64_t lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (lim - d) / 10)
            return SKPI_EOVERFLOW;
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return SKPI_OK;
}

static inline unsigned cache_hash(const char *s, size_t n)
{
    return ((unsigned)n * 131u + (unsigned char)s[0] * 31u +
            (unsigned char)s[n - 1] * 7u + (unsigned char)s[n >> 1]) &
           (CACHE_SLOTS - 1);
}

/* What resolving a slug found. */
enum { SLUG_FOUND, SLUG_NEW, SLUG_UNKNOWN, SLUG_INVALID };

/* Look up NUL-terminated s (n bytes) in dimension cache k; SLUG_NEW when
 * it is a valid slug the tracker lacks and SKPI_CSV_ALLOW_NEW is set. */
static int resolve(skpi_csv_reader *r, int k, const char *s, size_t n,
                   uint32_t *id)
{
    if (n == 0 || n > SKPI_SLUG_MAX)
        return (r->flags & SKPI_CSV_ALLOW_NEW) ? SLUG_INVALID : SLUG_UNKNOWN;
    slug_cache *c = &r->cache[k];
    unsigned h = cache_hash(s, n);
    if (c->e[h].len == n && memcmp(c->e[h].s, s, n) == 0) {
        *id = c->e[h].id;
        return SLUG_FOUND;
    }
    if (skpi_taxonomy_find(r->dst, cache_dim[k], s, id) == SKPI_OK) {
        c->e[h].len = (uint8_t)n;
        memcpy(c->e[h].s, s, n);
        c->e[h].id = *id;
        return SLUG_FOUND;
    }
    if (!(r->flags & SKPI_CSV_ALLOW_NEW))
        return SLUG_UNKNOWN;
    return skpi__slug_valid(s) ? SLUG_NEW : SLUG_INVALID;
}

/* Register slug s in dimension cache k (SLUG_NEW), in group inquiry
 * expecting an answer for a category.  A slug another thread registered
 * meanwhile is found instead. */
static skpi_status enroll(skpi_csv_reader *r, int k, const char *s, size_t n,
                          uint32_t *id)
{
    skpi_status st;
    if (k == K_CATEGORY)
        st = skpi_category_add(r->dst, s, NULL, SKPI_GROUP_INQUIRY, 1, id);
    else
        st = skpi_taxonomy_add(r->dst, cache_dim[k], s, NULL, id);
    if (st == SKPI_OK)
        r->registered++;
    else if (st == SKPI_EEXIST)
        st = skpi_taxonomy_find(r->dst, cache_dim[k], s, id);
    if (st == SKPI_OK) {
        slug_cache *c = &r->cache[k];
        unsigned h = cache_hash(s, n);
        c->e[h].len = (uint8_t)n;
        memcpy(c->e[h].s, s, n);
        c->e[h].id = *id;
    }
    return st;
}

/* ===================================================================== */
/* Rows                                                                  */
/* ===================================================================== */

/* One row, checked, ready to record. */
typedef struct row {
    int event;
    int64_t time;
    uint32_t platform, sub;
    int platform_is, sub_is; /* SLUG_FOUND or SLUG_NEW */
    int sub_k;               /* K_CATEGORY or K_KIND */
    const char *platform_s, *sub_s;
    size_t platform_n, sub_n;
    int64_t count, value;
    const char *actor, *ref; /* NULL when empty */
} row;

/* Reject the row for column k. */
static void bad(skpi_csv_reader *r, skpi_csv_result *res, skpi_status st,
                int k, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
static void bad(skpi_csv_reader *r, skpi_csv_result *res, skpi_status st,
                int k, const char *fmt, ...)
{
    char msg[400], text[160];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        msg[0] = '\0';
    say(text, sizeof text, "line %llu: %s", (unsigned long long)r->row_line,
        msg);
    reject(r, res, st, r->col[k] + 1, col_names[k], text);
}

/* Read a count column (default 1, at most `max`); false when rejected. */
static bool get_count(skpi_csv_reader *r, skpi_csv_result *res,
                      const char *what, int64_t max, int64_t *out)
{
    size_t n;
    const char *s = fld(r, C_COUNT, &n);
    char q[CSV_QUOTE_MAX + 8];
    if (n == 0) {
        *out = 1;
        return true;
    }
    int64_t v;
    skpi_status st = parse_int(s, n, &v);
    if (st == SKPI_EFIELD) {
        bad(r, res, st, C_COUNT, "the count %s is not a whole number",
            quote(q, s, n));
        return false;
    }
    if (st == SKPI_EOVERFLOW) {
        bad(r, res, st, C_COUNT, "the count %s is too large", quote(q, s, n));
        return false;
    }
    if (v <= 0) {
        bad(r, res, SKPI_ECOUNT, C_COUNT, "the count %s is not positive",
            quote(q, s, n));
        return false;
    }
    if (v > max) {
        bad(r, res, SKPI_ELIMIT, C_COUNT,
            "the count %s is above the limit of %lld for a %s row",
            quote(q, s, n), (long long)max, what);
        return false;
    }
    *out = v;
    return true;
}

/* Read the value column (required); false when rejected. */
static bool get_value(skpi_csv_reader *r, skpi_csv_result *res,
                      const char *who, int64_t *out)
{
    size_t n;
    const char *s = fld(r, C_VALUE, &n);
    char q[CSV_QUOTE_MAX + 8];
    if (n == 0) {
        bad(r, res, SKPI_EFIELD, C_VALUE, "%s needs a value", who);
        return false;
    }
    skpi_status st = parse_int(s, n, out);
    if (st == SKPI_EFIELD)
        bad(r, res, st, C_VALUE, "the value %s is not a whole number",
            quote(q, s, n));
    else if (st == SKPI_EOVERFLOW)
        bad(r, res, st, C_VALUE, "the value %s is too large", quote(q, s, n));
    return st == SKPI_OK;
}

/* Read an id column (actor or ref): NULL when empty; false when rejected. */
static bool get_id(skpi_csv_reader *r, skpi_csv_result *res, int k,
                   const char **out)
{
    size_t n;
    const char *s = fld(r, k, &n);
    char q[CSV_QUOTE_MAX + 8];
    if (n > SKPI_ID_MAX) {
        bad(r, res, SKPI_EID, k, "the %s %s is longer than %d bytes",
            col_names[k], quote(q, s, n), SKPI_ID_MAX);
        return false;
    }
    *out = n == 0 ? NULL : s;
    return true;
}

/* Resolve the slug of column k in dimension cache ck; false when
 * rejected. */
static bool get_slug(skpi_csv_reader *r, skpi_csv_result *res, int k, int ck,
                     const char *what, uint32_t *id, int *is, const char **sp,
                     size_t *np)
{
    size_t n;
    const char *s = fld(r, k, &n);
    char q[CSV_QUOTE_MAX + 8];
    if (n == 0) {
        bad(r, res, SKPI_EFIELD, k, "the %s is empty", what);
        return false;
    }
    int found = resolve(r, ck, s, n, id);
    if (found == SLUG_UNKNOWN) {
        bad(r, res, SKPI_EFIELD, k, "unknown %s %s", what, quote(q, s, n));
        return false;
    }
    if (found == SLUG_INVALID) {
        bad(r, res, SKPI_ESLUG, k,
            "the %s %s is not a slug (1 to 32 of a-z, 0-9, _)", what,
            quote(q, s, n));
        return false;
    }
    *is = found;
    *sp = s;
    *np = n;
    return true;
}

static int event_of(const char *s, size_t n)
{
    switch (n) {
    case 4:
        return memcmp(s, "post", 4) == 0 ? E_POST : -1;
    case 5:
        return memcmp(s, "reply", 5) == 0 ? E_REPLY : -1;
    case 6:
        return memcmp(s, "rating", 6) == 0 ? E_RATING : -1;
    case 7:
        return memcmp(s, "message", 7) == 0 ? E_MESSAGE : -1;
    case 8:
        return memcmp(s, "follower", 8) == 0 ? E_FOLLOWER : -1;
    case 9:
        return memcmp(s, "followers", 9) == 0 ? E_FOLLOWERS : -1;
    case 10:
        return memcmp(s, "engagement", 10) == 0 ? E_ENGAGEMENT : -1;
    default:
        return -1;
    }
}

/* Check every field of the row into *w; false when rejected. */
static bool check_row(skpi_csv_reader *r, skpi_csv_result *res, row *w)
{
    size_t n;
    const char *s;
    char q[CSV_QUOTE_MAX + 8];
    skpi_status st;

    s = fld(r, C_EVENT, &n);
    if (n == 0) {
        bad(r, res, SKPI_EFIELD, C_EVENT, "the event is empty");
        return false;
    }
    w->event = event_of(s, n);
    if (w->event < 0) {
        bad(r, res, SKPI_EFIELD, C_EVENT,
            "unknown event %s (message, reply, engagement, post, followers, "
            "follower or rating)",
            quote(q, s, n));
        return false;
    }
    const char *what = event_names[w->event];

    s = fld(r, C_TIME, &n);
    if (n == 0) {
        bad(r, res, SKPI_EFIELD, C_TIME, "the time is empty");
        return false;
    }
    st = skpi__time_parse_n(s, n, &w->time);
    if (st != SKPI_OK) {
        bad(r, res, SKPI_EPARSE, C_TIME,
            "the time %s is neither ISO 8601 with a zone nor Unix seconds",
            quote(q, s, n));
        return false;
    }
    if (!skpi__time_ok(w->time)) {
        bad(r, res, SKPI_ETIME, C_TIME,
            "the time %s is outside 1970-01-01 to 2200-01-01", quote(q, s, n));
        return false;
    }

    if (!get_slug(r, res, C_PLATFORM, K_PLATFORM, "platform", &w->platform,
                  &w->platform_is, &w->platform_s, &w->platform_n))
        return false;

    /* A reply with a ref reads only the ref. */
    size_t rn;
    (void)fld(r, C_REF, &rn);
    unsigned uses = event_cols[w->event];
    if (w->event == E_REPLY && rn > 0)
        uses = BIT(C_REF);
    for (int k = C_CATEGORY; k < C_N; k++) {
        if (uses & BIT(k))
            continue;
        s = fld(r, k, &n);
        if (n > 0) {
            bad(r, res, SKPI_EFIELD, k,
                "the %s column holds %s, which a %s%s does not use",
                col_names[k], quote(q, s, n), what,
                w->event == E_REPLY ? " with a ref" : " row");
            return false;
        }
    }

    w->actor = w->ref = NULL;
    w->count = 1;
    w->sub_is = SLUG_FOUND;
    switch (w->event) {
    case E_MESSAGE:
        w->sub_k = K_CATEGORY;
        if (!get_slug(r, res, C_CATEGORY, K_CATEGORY, "category", &w->sub,
                      &w->sub_is, &w->sub_s, &w->sub_n) ||
            !get_count(r, res, what, CSV_REPEAT_MAX, &w->count) ||
            !get_id(r, res, C_ACTOR, &w->actor) ||
            !get_id(r, res, C_REF, &w->ref))
            return false;
        if (w->ref != NULL && w->count != 1) {
            bad(r, res, SKPI_EFIELD, C_COUNT,
                "a message with a ref is one message, but the count is %lld",
                (long long)w->count);
            return false;
        }
        if (w->actor != NULL && w->ref == NULL) {
            bad(r, res, SKPI_EFIELD, C_ACTOR,
                "a message with an actor needs a ref (its message id)");
            return false;
        }
        return true;
    case E_REPLY:
        if (!get_id(r, res, C_REF, &w->ref))
            return false;
        if (w->ref != NULL)
            return true;
        (void)fld(r, C_CATEGORY, &n);
        if (n == 0) {
            bad(r, res, SKPI_EFIELD, C_CATEGORY,
                "a reply needs a ref (the message id), or a category and a "
                "value (the response time)");
            return false;
        }
        w->sub_k = K_CATEGORY;
        if (!get_slug(r, res, C_CATEGORY, K_CATEGORY, "category", &w->sub,
                      &w->sub_is, &w->sub_s, &w->sub_n) ||
            !get_value(r, res, "a reply without a ref", &w->value))
            return false;
        s = fld(r, C_VALUE, &n);
        if (w->value < 0) {
            bad(r, res, SKPI_ECOUNT, C_VALUE,
                "the response time %s is negative", quote(q, s, n));
            return false;
        }
        if (w->value > w->time - SKPI_TIME_MIN) {
            bad(r, res, SKPI_ETIME, C_VALUE,
                "the response time %s puts the message before 1970",
                quote(q, s, n));
            return false;
        }
        return true;
    case E_ENGAGEMENT:
        w->sub_k = K_KIND;
        return get_slug(r, res, C_CATEGORY, K_KIND, "engagement kind",
                        &w->sub, &w->sub_is, &w->sub_s, &w->sub_n) &&
               get_count(r, res, what, INT64_MAX, &w->count) &&
               get_id(r, res, C_ACTOR, &w->actor);
    case E_POST:
        return get_count(r, res, what, INT64_MAX, &w->count);
    case E_FOLLOWERS:
        if (!get_value(r, res, "a followers row", &w->value))
            return false;
        s = fld(r, C_VALUE, &n);
        if (w->value < 0) {
            bad(r, res, SKPI_ECOUNT, C_VALUE,
                "the follower tally %s is negative", quote(q, s, n));
            return false;
        }
        if (w->value > SKPI_FOLLOWERS_MAX) {
            bad(r, res, SKPI_EOVERFLOW, C_VALUE,
                "the follower tally %s is above %lld", quote(q, s, n),
                (long long)SKPI_FOLLOWERS_MAX);
            return false;
        }
        return true;
    case E_FOLLOWER:
        if (!get_id(r, res, C_ACTOR, &w->actor))
            return false;
        if (w->actor == NULL) {
            bad(r, res, SKPI_EFIELD, C_ACTOR,
                "a follower row needs an actor (the person's id)");
            return false;
        }
        return true;
    default: /* E_RATING */
        if (!get_value(r, res, "a rating row", &w->value))
            return false;
        if (w->value < r->dst->opt.rating_lo ||
            w->value > r->dst->opt.rating_hi) {
            s = fld(r, C_VALUE, &n);
            bad(r, res, SKPI_ERATING, C_VALUE,
                "the score %s is outside the scale %d to %d", quote(q, s, n),
                r->dst->opt.rating_lo, r->dst->opt.rating_hi);
            return false;
        }
        return get_count(r, res, what, CSV_REPEAT_MAX, &w->count);
    }
}

/* Make one recording call for the row (count times where it repeats). */
static skpi_status record(skpi_csv_reader *r, const row *w)
{
    skpi_tracker *t = r->dst;
    skpi_status st = SKPI_OK;
    switch (w->event) {
    case E_MESSAGE:
        if (w->ref != NULL)
            return skpi_record_message_id(t, w->platform, w->sub, w->time,
                                          w->ref, w->actor);
        for (int64_t i = 0; i < w->count && st == SKPI_OK; i++)
            st = skpi_record_message(t, w->platform, w->sub, w->time);
        return st;
    case E_REPLY:
        if (w->ref != NULL)
            return skpi_record_reply(t, w->platform, w->ref, w->time);
        return skpi_record_response(t, w->platform, w->sub,
                                    w->time - w->value, w->time);
    case E_ENGAGEMENT:
        if (w->actor != NULL)
            return skpi_record_engagement_by(t, w->platform, w->sub, w->time,
                                             w->count, w->actor);
        return skpi_record_engagement(t, w->platform, w->sub, w->time,
                                      w->count);
    case E_POST:
        return skpi_record_posts(t, w->platform, w->time, w->count);
    case E_FOLLOWERS:
        return skpi_record_followers(t, w->platform, w->time, w->value);
    case E_FOLLOWER:
        return skpi_record_follower(t, w->platform, w->time, w->actor);
    default: /* E_RATING */
        for (int64_t i = 0; i < w->count && st == SKPI_OK; i++)
            st = skpi_record_rating(t, w->platform, w->time, (int)w->value);
        return st;
    }
}

/* Register the row's new slugs (SKPI_CSV_ALLOW_NEW).  Returns SKPI_OK,
 * SKPI_ELIMIT (rejected) or an error that ends the input. */
static skpi_status enroll_row(skpi_csv_reader *r, skpi_csv_result *res, row *w)
{
    bool np = w->platform_is == SLUG_NEW, ns = w->sub_is == SLUG_NEW;
    /* Both fit, or neither is registered. */
    int full = -1;
    if (np && skpi_taxonomy_count(r->dst, SKPI_PLATFORM) >=
                  skpi_taxonomy_capacity(SKPI_PLATFORM))
        full = C_PLATFORM;
    else if (ns && skpi_taxonomy_count(r->dst, cache_dim[w->sub_k]) >=
                       skpi_taxonomy_capacity(cache_dim[w->sub_k]))
        full = C_CATEGORY;
    if (full >= 0) {
        char q[CSV_QUOTE_MAX + 8];
        bool p = full == C_PLATFORM;
        const char *what = p                    ? "platform"
                           : w->sub_k == K_KIND ? "engagement kind"
                                                : "category";
        bad(r, res, SKPI_ELIMIT, full,
            "the %s %s cannot be registered: the tracker has %zu already",
            what,
            p ? quote(q, w->platform_s, w->platform_n)
              : quote(q, w->sub_s, w->sub_n),
            p ? skpi_taxonomy_capacity(SKPI_PLATFORM)
              : skpi_taxonomy_capacity(cache_dim[w->sub_k]));
        return SKPI_ELIMIT;
    }
    skpi_status st = SKPI_OK;
    if (np)
        st = enroll(r, K_PLATFORM, w->platform_s, w->platform_n, &w->platform);
    if (st == SKPI_OK && ns)
        st = enroll(r, w->sub_k, w->sub_s, w->sub_n, &w->sub);
    if (st == SKPI_ELIMIT) { /* another thread filled it meanwhile */
        bad(r, res, st, np ? C_PLATFORM : C_CATEGORY,
            "a new slug cannot be registered: the taxonomy is full");
        return st;
    }
    return st;
}

static skpi_status data_row(skpi_csv_reader *r, skpi_csv_result *res)
{
    char text[160];
    r->read++;
    if (res != NULL)
        res->rows_read++;

    if (r->x != X_NONE) {
        skpi_status st = lex_message(r, text, sizeof text);
        reject(r, res, st, (int64_t)(r->x_at - r->row_at + 1),
               field_name(r, r->x_field), text);
        return SKPI_OK;
    }
    row w;
    if (!check_row(r, res, &w))
        return SKPI_OK;
    /* Strict mode after a rejected row: the input will be refused, so the
     * rest is only checked. */
    if (r->strict && r->rejected > 0)
        return SKPI_OK;

    skpi_status st = SKPI_OK;
    bool enrolled = true;
    if (w.platform_is == SLUG_NEW || w.sub_is == SLUG_NEW) {
        st = enroll_row(r, res, &w);
        enrolled = st == SKPI_OK;
    }
    if (!r->strict && res != NULL) {
        res->registered += r->registered;
        r->registered = 0;
    }
    if (st == SKPI_ELIMIT) /* rejected by enroll_row() */
        return SKPI_OK;
    if (enrolled)
        st = record(r, &w);

    bool applied = false, anomaly = false, fatal = false;
    switch (st) {
    case SKPI_OK:
        applied = true;
        break;
    case SKPI_EDUPLICATE:
    case SKPI_EUNMATCHED:
        applied = anomaly = true;
        break;
    case SKPI_EORDER:
        applied = anomaly = w.event == E_REPLY && w.ref != NULL;
        break;
    case SKPI_EIO: /* the journal: applied (if recorded), but not durable */
        applied = enrolled;
        fatal = true;
        break;
    case SKPI_ENOMEM:
    case SKPI_EJOURNAL:
        fatal = true;
        break;
    default:
        break;
    }
    if (applied) {
        r->applied++;
        if (anomaly)
            r->anomalies++;
        if (!r->strict && res != NULL) {
            res->rows_applied++;
            if (anomaly)
                res->anomalies++;
        }
    } else {
        /* Only what the tracker alone can see gets here: a counter or a
         * sketch that would overflow, or a failure that ends the input. */
        int k = w.event == E_ENGAGEMENT || w.event == E_POST ? C_COUNT
                                                              : C_EVENT;
        bad(r, res, st, k, "the tracker refused the %s: %s",
            event_names[w.event], skpi_strerror(st));
    }
    if (fatal) {
        say(text, sizeof text, "line %llu: recording the %s failed: %s",
            (unsigned long long)r->row_line, event_names[w.event],
            skpi_strerror(st));
        return fail(r, res, st, r->row_at, r->row_line, 0, "", text);
    }
    return SKPI_OK;
}

static skpi_status row_done(skpi_csv_reader *r, skpi_csv_result *res)
{
    /* A line with nothing on it is no row. */
    if (r->nf_total == 1 && r->flen[0] == 0 && !r->quoted && r->x == X_NONE)
        return SKPI_OK;
    if (!r->header)
        return header_done(r, res);
    return data_row(r, res);
}

/* ===================================================================== */
/* Public calls                                                          */
/* ===================================================================== */

/* The checks of skpi_csv_reader_new() on its tracker and flags. */
static skpi_status check_args(const skpi_tracker *t, unsigned flags)
{
    if (t == NULL)
        return SKPI_EINVAL;
    if (flags & ~(SKPI_CSV_LENIENT | SKPI_CSV_ALLOW_NEW))
        return SKPI_EOPTION;
    if (!(flags & SKPI_CSV_LENIENT) && skpi__journaled(t))
        return SKPI_EJOURNAL;
    return SKPI_OK;
}

skpi_status skpi_csv_reader_new(skpi_tracker *t, unsigned flags,
                                skpi_csv_reader **out)
{
    if (out == NULL)
        return SKPI_EINVAL;
    skpi_status st = check_args(t, flags);
    if (st != SKPI_OK)
        return st;
    bool strict = !(flags & SKPI_CSV_LENIENT);
    skpi_csv_reader *r = calloc(1, sizeof *r);
    if (r == NULL)
        return SKPI_ENOMEM;
    r->t = t;
    r->flags = flags;
    r->strict = strict;
    r->line = 1;
    r->row_line = 1;
    r->state = L_FIELD;
    r->nf_max = CSV_COLS_MAX;
    r->cap = 256;
    r->buf = malloc(r->cap);
    r->fpos = malloc(CSV_COLS_MAX * sizeof *r->fpos);
    r->flen = malloc(CSV_COLS_MAX * sizeof *r->flen);
    if (r->buf == NULL || r->fpos == NULL || r->flen == NULL)
        st = SKPI_ENOMEM;
    else if (strict)
        st = skpi__tracker_clone(t, &r->copy);
    if (st != SKPI_OK) {
        skpi_csv_reader_free(r);
        return st;
    }
    r->dst = strict ? r->copy : t;
    *out = r;
    return SKPI_OK;
}

skpi_status skpi_csv_reader_feed(skpi_csv_reader *r, const void *buf,
                                 size_t len, skpi_csv_result *res)
{
    if (r == NULL || (buf == NULL && len > 0) || r->finished)
        return SKPI_EINVAL;
    if (r->fatal != SKPI_OK)
        return refail(r, res);
    const unsigned char *p = buf, *end = p + len;
    uint64_t pos0 = r->pos;
    skpi_status st = SKPI_OK;

    /* Hold the first bytes until they are known to be a BOM or not. */
    static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
    while (!r->bom_done && p < end) {
        r->bom[r->bom_n] = *p++;
        if (r->bom[r->bom_n] != bom[r->bom_n]) {
            r->bom_done = true;
            unsigned char held[3];
            memcpy(held, r->bom, sizeof held);
            st = lex(r, res, held, held + r->bom_n + 1);
        } else if (++r->bom_n == 3) {
            r->bom_done = true;
            r->pos = r->row_at = r->line_start = 3;
        }
    }
    if (st == SKPI_OK && p < end)
        st = lex(r, res, p, end);
    if (res != NULL)
        res->bytes += r->pos - pos0;
    return st;
}

skpi_status skpi_csv_reader_finish(skpi_csv_reader *r, skpi_csv_result *res)
{
    if (r == NULL || r->finished)
        return SKPI_EINVAL;
    r->finished = true;
    if (r->fatal != SKPI_OK)
        return refail(r, res);
    uint64_t pos0 = r->pos;
    skpi_status st = SKPI_OK;
    if (!r->bom_done) {
        r->bom_done = true;
        unsigned char held[3];
        memcpy(held, r->bom, sizeof held);
        st = lex(r, res, held, held + r->bom_n);
    }
    if (st == SKPI_OK)
        st = lex_end(r, res);
    if (res != NULL)
        res->bytes += r->pos - pos0;
    if (st != SKPI_OK)
        return st;
    if (!r->header)
        return fail(r, res, SKPI_ESYNTAX, r->pos, r->line, 0, "",
                    "the input has no header row (time,platform,event,...)");
    if (!r->strict)
        return SKPI_OK;
    if (r->rejected > 0) {
        /* The input is refused: its good rows are not applied either. */
        if (res != NULL) {
            res->error = r->first;
            res->rows_rejected += r->read - r->rejected;
        }
        return (skpi_status)r->first.status;
    }
    skpi__tracker_swap(r->t, r->copy);
    skpi_tracker_free(r->copy);
    r->copy = NULL;
    if (res != NULL) {
        res->rows_applied += r->applied;
        res->anomalies += r->anomalies;
        res->registered += r->registered;
    }
    return SKPI_OK;
}

void skpi_csv_reader_free(skpi_csv_reader *r)
{
    if (r == NULL)
        return;
    skpi_tracker_free(r->copy);
    free(r->buf);
    free(r->fpos);
    free(r->flen);
    free(r->names);
    free(r->name_pos);
    free(r);
}

/* res->error for a reader that could not be made. */
static skpi_status new_failed(skpi_csv_result *res, skpi_status st,
                              unsigned flags)
{
    char text[160];
    switch (st) {
    case SKPI_EOPTION:
        say(text, sizeof text, "unknown CSV flag bits 0x%X",
            flags & ~(SKPI_CSV_LENIENT | SKPI_CSV_ALLOW_NEW));
        break;
    case SKPI_EJOURNAL:
        say(text, sizeof text, "strict mode cannot read into a journalled "
            "tracker: use SKPI_CSV_LENIENT");
        break;
    case SKPI_ENOMEM:
        say(text, sizeof text, "out of memory while copying the tracker");
        break;
    default:
        say(text, sizeof text, "%s", skpi_strerror(st));
        break;
    }
    if (res != NULL)
        error_fill(&res->error, st, 0, 0, 0, "", text);
    return st;
}

skpi_status skpi_csv_ingest_buffer(skpi_tracker *t, const void *buf,
                                   size_t len, unsigned flags,
                                   skpi_csv_result *res)
{
    if (buf == NULL && len > 0)
        return new_failed(res, SKPI_EINVAL, flags);
    skpi_csv_reader *r = NULL;
    skpi_status st = skpi_csv_reader_new(t, flags, &r);
    if (st != SKPI_OK)
        return new_failed(res, st, flags);
    st = skpi_csv_reader_feed(r, buf, len, res);
    if (st == SKPI_OK)
        st = skpi_csv_reader_finish(r, res);
    skpi_csv_reader_free(r);
    return st;
}

/* Read f to its end into a reader; `name` names it in errors. */
static skpi_status ingest_stream(skpi_tracker *t, FILE *f, unsigned flags,
                                 skpi_csv_result *res, const char *name)
{
    skpi_csv_reader *r = NULL;
    skpi_status st = skpi_csv_reader_new(t, flags, &r);
    if (st != SKPI_OK)
        return new_failed(res, st, flags);
    unsigned char *chunk = malloc(CSV_CHUNK);
    if (chunk == NULL) {
        skpi_csv_reader_free(r);
        return new_failed(res, SKPI_ENOMEM, flags);
    }
    for (;;) {
        size_t n = fread(chunk, 1, CSV_CHUNK, f);
        if (n > 0 && st == SKPI_OK)
            st = skpi_csv_reader_feed(r, chunk, n, res);
        if (n < CSV_CHUNK) {
            if (ferror(f) && st == SKPI_OK) {
                char text[160];
                say(text, sizeof text, "cannot read %s: %s", name,
                    strerror(errno));
                if (res != NULL)
                    error_fill(&res->error, SKPI_EIO, r->pos, r->line, 0,
                               "file", text);
                st = SKPI_EIO;
            }
            break;
        }
    }
    if (st == SKPI_OK)
        st = skpi_csv_reader_finish(r, res);
    free(chunk);
    skpi_csv_reader_free(r);
    return st;
}

skpi_status skpi_csv_ingest_file(skpi_tracker *t, FILE *f, unsigned flags,
                                 skpi_csv_result *res)
{
    if (f == NULL)
        return new_failed(res, SKPI_EINVAL, flags);
    return ingest_stream(t, f, flags, res, "the input");
}

skpi_status skpi_csv_ingest_path(skpi_tracker *t, const char *path,
                                 unsigned flags, skpi_csv_result *res)
{
    if (path == NULL)
        return new_failed(res, SKPI_EINVAL, flags);
    /* Check the arguments before touching the file system. */
    skpi_status st = check_args(t, flags);
    if (st != SKPI_OK)
        return new_failed(res, st, flags);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        char text[160];
        say(text, sizeof text, "cannot open %s: %s", path, strerror(errno));
        if (res != NULL)
            error_fill(&res->error, SKPI_EIO, 0, 0, 0, "file", text);
        return SKPI_EIO;
    }
    st = ingest_stream(t, f, flags, res, path);
    fclose(f);
    return st;
}

/*
 * check_csv.c -- CSV event-log ingestion (doc/csv-events.md): RFC 4180
 * reading at every chunk boundary, each bad input with its exact status,
 * line, column and field, strict and lenient modes, registration of new
 * slugs, anomalies, every event's report figures, and the file readers.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

#define H "time,platform,event,category,count,actor,ref,value\n"
#define T0 "2024-03-01T09:00:00+04:00"

/* ===================================================================== */
/* Helpers                                                               */
/* ===================================================================== */

#define MAX_REJECTS 64

/* One ingestion: its status, result and rejects. */
typedef struct run {
    skpi_status st;
    skpi_csv_result res;
    skpi_error rej[MAX_REJECTS];
} run;

static void run_init(run *u)
{
    memset(u, 0, sizeof *u);
    u->res.rejects = u->rej;
    u->res.max_rejects = MAX_REJECTS;
}

/* Ingest len bytes at once. */
static void ingest(skpi_tracker *t, const char *in, size_t len, unsigned flags,
                   run *u)
{
    run_init(u);
    u->st = skpi_csv_ingest_buffer(t, in, len, flags, &u->res);
}

/* A string literal, NUL bytes included. */
#define INGEST(t, lit, flags, u) ingest((t), (lit), sizeof(lit) - 1, (flags), (u))

/*
 * Feed the first `cut` bytes, then the rest in pieces of `step` bytes (0:
 * all at once), then finish.  Every feed must return SKPI_OK unless
 * `header_error` (then the first error is kept).
 */
static void ingest_split(skpi_tracker *t, const char *in, size_t len,
                         unsigned flags, size_t cut, size_t step, run *u)
{
    run_init(u);
    skpi_csv_reader *r = NULL;
    ck_assert_status(skpi_csv_reader_new(t, flags, &r), SKPI_OK);
    skpi_status st = skpi_csv_reader_feed(r, in, cut, &u->res);
    size_t i = cut;
    while (st == SKPI_OK && i < len) {
        size_t n = step == 0 || len - i < step ? len - i : step;
        st = skpi_csv_reader_feed(r, in + i, n, &u->res);
        i += n;
    }
    if (st == SKPI_OK)
        st = skpi_csv_reader_finish(r, &u->res);
    u->st = st;
    skpi_csv_reader_free(r);
}

static void ck_error_eq(const skpi_error *a, const skpi_error *b)
{
    ck_assert_int_eq(a->status, b->status);
    ck_assert_int_eq(a->line, b->line);
    ck_assert_int_eq(a->column, b->column);
    ck_assert_int_eq(a->offset, b->offset);
    ck_assert_str_eq(a->field, b->field);
    ck_assert_str_eq(a->text, b->text);
}

static void ck_run_eq(const run *a, const run *b)
{
    ck_assert_status(a->st, b->st);
    ck_assert_uint_eq(a->res.rows_read, b->res.rows_read);
    ck_assert_uint_eq(a->res.rows_applied, b->res.rows_applied);
    ck_assert_uint_eq(a->res.rows_rejected, b->res.rows_rejected);
    ck_assert_uint_eq(a->res.anomalies, b->res.anomalies);
    ck_assert_uint_eq(a->res.registered, b->res.registered);
    ck_assert_uint_eq(a->res.bytes, b->res.bytes);
    ck_assert_uint_eq(a->res.n_rejects, b->res.n_rejects);
    for (size_t i = 0; i < a->res.n_rejects; i++)
        ck_error_eq(&a->rej[i], &b->rej[i]);
    if (a->st != SKPI_OK)
        ck_error_eq(&a->res.error, &b->res.error);
}

/* Assert an error's status, line, column, offset and field. */
static void ck_err(const skpi_error *e, skpi_status st, int64_t line,
                   int64_t column, int64_t offset, const char *field)
{
    ck_assert_msg(e->status == (int)st, "status %s, expected %s (%s)",
                  skpi_status_name((skpi_status)e->status),
                  skpi_status_name(st), e->text);
    ck_assert_int_eq(e->line, line);
    ck_assert_int_eq(e->column, column);
    ck_assert_int_eq(e->offset, offset);
    ck_assert_str_eq(e->field, field);
}

/* The tracker's snapshot, compared whole. */
typedef struct bytes {
    char *data;
    size_t len;
} bytes;

static bytes snap(const skpi_tracker *t)
{
    bytes b = {NULL, 0};
    ck_assert_status(skpi_tracker_to_bytes(t, &b.data, &b.len), SKPI_OK);
    return b;
}

static void ck_same_bytes(bytes a, bytes b)
{
    ck_assert_uint_eq(a.len, b.len);
    ck_assert(memcmp(a.data, b.data, a.len) == 0);
}

static void bytes_free(bytes b)
{
    skpi_free(b.data);
}

static skpi_tracker *utc(void)
{
    return tracker_in("Z", SKPI_BUCKET_DAY);
}

/* The report of one named period. */
static skpi_report *report(const skpi_tracker *t, const char *period)
{
    int64_t from, to;
    ck_assert_status(skpi_period_parse(t, period, &from, &to), SKPI_OK);
    skpi_report *r = NULL;
    ck_assert_status(skpi_report_new(t, from, to, NULL, 0, &r), SKPI_OK);
    return r;
}

static int64_t messages(const skpi_tracker *t, const char *period,
                        uint32_t platform, uint32_t category)
{
    skpi_report *r = report(t, period);
    int64_t n = -1;
    ck_assert_status(skpi_report_messages(r, platform, category, &n), SKPI_OK);
    skpi_report_free(r);
    return n;
}

/* A whole file into a new buffer (free()). */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *buf = malloc(1 << 16);
    ck_assert_ptr_nonnull(buf);
    *len = fread(buf, 1, 1 << 16, f);
    ck_assert(feof(f));
    fclose(f);
    return buf;
}

/* Offset of the first byte of 1-based line n of buf. */
static int64_t line_offset(const char *buf, size_t len, int64_t n)
{
    int64_t line = 1;
    for (size_t i = 0; i < len && line < n; i++) {
        if (buf[i] == '\n' && ++line == n)
            return (int64_t)i + 1;
    }
    return 0;
}

/* ===================================================================== */
/* RFC 4180                                                              */
/* ===================================================================== */

START_TEST(test_quoted_fields)
{
    skpi_tracker *t = utc();
    run u;
    INGEST(t, H "1709280000,twitter,message,thanks,,,\"a,b\",\n"
              "1709280000,twitter,message,thanks,,,\"x\"\"y\",\n"
              "1709280000,twitter,message,thanks,,,\"p\nq\",\n"
              "1709280000,twitter,message,thanks,,,\"c\r\nd\",\n"
              "1709280000,twitter,message,thanks,,,\"\"\"\",\n"
              "1709280000,\"twitter\",\"message\",\"thanks\",\"\",\"\",\"e\",\"\"\n"
              "x,twitter,post\n",
           SKPI_CSV_LENIENT, &u);
    ck_assert_status(u.st, SKPI_OK);
    ck_assert_uint_eq(u.res.rows_read, 7);
    ck_assert_uint_eq(u.res.rows_applied, 6);
    /* The bad row starts on line 10: lines 5 and 6 held quoted breaks. */
    ck_assert_uint_eq(u.res.n_rejects, 1);
    ck_err(&u.rej[0], SKPI_EPARSE, 10, 1, 320, "time");
    /* Each id was read exactly: a reply to the decoded id matches it. */
    const char *ids[] = {"a,b", "x\"y", "p\nq", "c\r\nd", "\"", "e"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        ck_assert_status(skpi_record_reply_slug(t, "twitter", ids[i], 1709280001),
                         SKPI_OK);
    skpi_report *r = report(t, "2024-03-01");
    int64_t expected, answered;
    ck_assert_status(skpi_report_responses(r, SKPI_ALL, SKPI_CATEGORY_THANKS,
                                           &expected, &answered, NULL),
                     SKPI_OK);
    ck_assert_int_eq(answered, 6);
    skpi_report_free(r);
    skpi_tracker_free(t);
}
END_TEST

START_TEST(test_line_ends)
{
    static const char lf[] = H "1709280000,twitter,post,,2,,,\n"
                               "1709280000,facebook,post,,3,,,\n";
    static const char crlf[] = "time,platform,event,category,count,actor,ref,value\r\n"
                               "1709280000,twitter,post,,2,,,\r\n"
                               "1709280000,facebook,post,,3,,,\r\n";
    static const char mixed[] = "time,platform,event,category,count,actor,ref,value\r\n"
                                "1709280000,twitter,post,,2,,,\n"
                                "1709280000,facebook,post,,3,,,\r\n";
    static const char bare[] = H "1709280000,twitter,post,,2,,,\n"
                                 "1709280000,facebook,post,,3,,,";
    static const char final_cr[] = H "1709280000,twitter,post,,2,,,\n"
                                     "1709280000,facebook,post,,3,,,\r";
    static const char quoted_end[] = H "1709280000,twitter,post,,2,,,\n"
                                       "1709280000,facebook,post,,\"3\",,,\"\"";
    const char *inputs[] = {lf, crlf, mixed, bare, final_cr, quoted_end};
    const size_t lens[] = {sizeof lf - 1, sizeof crlf - 1, sizeof mixed - 1,
                           sizeof bare - 1, sizeof final_cr - 1,
                           sizeof quoted_end - 1};
    skpi_tracker *ref = utc();
    run u;
    ingest(ref, lf, sizeof lf - 1, 0, &u);
    ck_assert_status(u.st, SKPI_OK);
    bytes want = snap(ref);
    skpi_report *r = report(ref, "2024-03-01");
    int64_t posts;
    ck_assert_status(skpi_report_posts(r, SKPI_ALL, &posts, NULL), SKPI_OK);
    ck_assert_int_eq(posts, 5);
    skpi_report_free(r);
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        skpi_tracker *t = utc();
        ingest(t, inputs[i], lens[i], 0, &u);
        ck_assert_status(u.st, SKPI_OK);
        ck_assert_uint_eq(u.res.rows_read, 2);
        ck_assert_uint_eq(u.res.rows_applied, 2);
        ck_assert_uint_eq(u.res.bytes, lens[i]);
        bytes got = snap(t);
        ck_same_bytes(got, want);
        bytes_free(got);
        skpi_tracker_free(t);
    }
    bytes_free(want);
    skpi_tracker_free(ref);
}
END_TEST

START_TEST(test_bom)
{
    skpi_tracker *t = utc();
    run u;
    /* A BOM before the header is skipped; offsets still count it. */
    INGEST(t, "\xEF\xBB\xBF" H "1709280000,twitter,post\nx,twitter,post\n",
           SKPI_CSV_LENIENT, &u);
    ck_assert_status(u.st, SKPI_OK);
    ck_assert_uint_eq(u.res.rows_applied, 1);
    ck_assert_uint_eq(u.res.n_rejects, 1);
    ck_err(&u.rej[0], SKPI_EPARSE, 3, 1, 3 + 51 + 24, "time");
    ck_assert_uint_eq(u.res.bytes, 3 + 51 + 24 + 15);
    /* Anywhere else it is U+FEFF: a header naming "\uFEFFtime" has no
     * time column. */
    INGEST(t, "\xEF\xBB\xBF\xEF\xBB\xBF" H, 0, &u);
    ck_assert_status(u.st, SKPI_EFIELD);
    ck_err(&u.res.error, SKPI_EFIELD, 1, 0, 3, "time");
    /* A BOM cut short is bad UTF-8. */
    INGEST(t, "\xEF\xBB", 0, &u);
    ck_assert_status(u.st, SKPI_EUTF8);
    ck_err(&u.res.error, SKPI_EUTF8, 1, 1, 0, "");
    INGEST(t, "\xEF\xBBtime,platform,event\n", 0, &u);
    ck_assert_status(u.st, SKPI_EUTF8);
    ck_err(&u.res.error, SKPI_EUTF8, 1, 1, 0, "");
    ck_assert_int_eq(messages(t, "2024-03-01", SKPI_ALL, SKPI_ALL), 0);
    skpi_tracker_free(t);
}
END_TEST

START_TEST(test_short_rows_and_empty_fields)
{
    skpi_tracker *t = utc();
    run u;
    /* Missing trailing fields are empty; so are empty optional ones. */
    INGEST(t, H "1709280000,twitter,post\n"
              "1709280000,twitter,message,thanks\n"
              "1709280000,twitter,message,thanks,,,,\n"
              "1709280000,facebook,rating,,,,,4\n",
           0, &u);
    ck_assert_status(u.st, SKPI_OK);
    ck_assert_uint_eq(u.res.rows_applied, 4);
    skpi_report *r = report(t, "2024-03-01");
    int64_t n;
    ck_assert_status(skpi_report_posts(r, SKPI_PLATFORM_TWITTER, &n, NULL), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_status(skpi_report_messages(r, SKPI_ALL, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 2);
    ck_assert_status(skpi_report_rating_count(r, SKPI_PLATFORM_FACEBOOK, 4, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    skpi_report_free(r);
    /* Columns in any order, unknown ones ignored (even twice). */
    INGEST(t, "note,event,x,count,platform,note,time\n"
              "hello,post,,7,instagram,,1709280000\n",
           0, &u);
    ck_assert_status(u.st, SKPI_OK);
    r = report(t, "2024-03-01");
    ck_assert_status(skpi_report_posts(r, SKPI_PLATFORM_INSTAGRAM, &n, NULL), SKPI_OK);
    ck_assert_int_eq(n, 7);
    skpi_report_free(r);
    skpi_tracker_free(t);
}
END_TEST

START_TEST(test_empty_lines)
{
    skpi_tracker *t = utc();
    run u;
    /* Empty lines (LF or CRLF) are skipped before and after the header and
     * are no rows, but they count as lines; "" and " " are rows. */
    INGEST(t, "\n\r\n" H "\n1709280000,twitter,post\r\n\r\n\n"
              "x,twitter,post\n\"\"\n \n\n",
           SKPI_CSV_LENIENT, &u);
    ck_assert_status(u.st, SKPI_OK);
    ck_assert_uint_eq(u.res.rows_read, 4);
    ck_assert_uint_eq(u.res.rows_applied, 1);
    ck_assert_uint_eq(u.res.rows_rejected, 3);
    ck_err(&u.rej[0], SKPI_EPARSE, 8, 1, 3 + 51 + 1 + 25 + 3, "time");
    /* Rows of one field: their event is empty (checked before the time). */
    ck_err(&u.rej[1], SKPI_EFIELD, 9, 3, 3 + 51 + 1 + 25 + 3 + 15, "event");
    ck_err(&u.rej[2], SKPI_EFIELD, 10, 3, 3 + 51 + 1 + 25 + 3 + 15 + 3, "event");
    ck_assert_str_eq(u.rej[1].text, "line 9: the event is empty");
    ck_assert_str_eq(u.rej[2].text, "line 10: the event is empty");
    skpi_tracker_free(t);
}
END_TEST

/*
 * Every kind of token, so that splitting it at each byte cuts each of
 * them: a BOM, CRLF and LF, quoted fields with commas, doubled quotes and
 * line breaks (CRLF too), two-, three- and four-byte UTF-8 in ignored and
 * used fields, an empty line, bad rows of each lexical kind, and a last
 * row without a line break.
 */
static const char every_token[] =
    "\xEF\xBB\xBF" "time,platform,event,category,count,actor,ref,value,note\r\n"
    "2024-03-01T09:00:00+04:00,twitter,message,general_inquiry,,\"\xD8\xB3\xD8\xA7\xD8\xB1\xD8\xA9\",m1,,\"\xE2\x82\xAC 5, \"\"ok\"\"\"\r\n"
    "2024-03-01T09:10:00+04:00,twitter,reply,,,,m1,,\"two\r\nlines\"\n"
    "\n"
    "1709280000,facebook,engagement,like,12,\"p\xF0\x9F\x98\x80\",,,\n"
    "1709280000,facebook,po\"st,,,,,,\n"
    "1709280000,facebook,post,,\"2\"x,,,,\n"
    "1709280000,facebook,post,,2,,,,,\n"
    "1709280000,face\rbook,post,,2,,,,\n"
    "1709280000,facebook,post,,2,,,,\xC3\x28\n"
    "1709280000,facebook,post,,2,,,,\xE2\x82\n"
    "1709280000,instagram,followers,,,,,635000,\"a\x00\"\n"
    "2024-03-01 12:00:00.5Z,instagram,rating,,3,,,4,\xF4\x8F\xBF\xBF\n"
    "2024-03-01T13:00:00Z,instagram,unknown,,,,,,\n"
    "1709280000,instagram,follower,,,\"q,r\",,,last";

START_TEST(test_split_everywhere)
{
    const size_t len = sizeof every_token - 1;
    const unsigned modes[] = {SKPI_CSV_LENIENT, 0};
    for (size_t m = 0; m < 2; m++) {
        skpi_tracker *t = utc();
        run whole;
        ingest(t, every_token, len, modes[m], &whole);
        bytes want = snap(t);
        skpi_tracker_free(t);
        ck_assert_uint_eq(whole.res.rows_read, 13);
        ck_assert_uint_eq(whole.res.rows_bad, 8);
        /* Strict mode refuses the input: every row is rejected. */
        ck_assert_uint_eq(whole.res.rows_rejected, modes[m] == 0 ? 13 : 8);
        ck_assert_uint_eq(whole.res.rows_read,
                          whole.res.rows_applied + whole.res.rows_rejected);
        ck_assert_uint_eq(whole.res.bytes, len);
        if (modes[m] == 0) {
            ck_assert_status(whole.st, SKPI_ESYNTAX);
            ck_assert_uint_eq(whole.res.rows_applied, 0);
        } else {
            ck_assert_status(whole.st, SKPI_OK);
            ck_assert_uint_eq(whole.res.rows_applied, 5);
        }
        ck_err(&whole.rej[0], SKPI_ESYNTAX, 7, 23, 262, "event");
        ck_err(&whole.rej[1], SKPI_ESYNTAX, 8, 30, 294, "count");
        ck_err(&whole.rej[2], SKPI_ESYNTAX, 9, 32, 329, "");
        ck_err(&whole.rej[3], SKPI_ESYNTAX, 10, 16, 362, "platform");
        ck_err(&whole.rej[4], SKPI_EUTF8, 11, 32, 395, "note");
        ck_err(&whole.rej[5], SKPI_EUTF8, 12, 32, 429, "note");
        ck_err(&whole.rej[6], SKPI_ESYNTAX, 13, 45, 463, "note");
        ck_err(&whole.rej[7], SKPI_EFIELD, 15, 3, 562, "event");
        /* Two pieces, cut at every byte. */
        for (size_t cut = 0; cut <= len; cut++) {
            t = utc();
            run u;
            ingest_split(t, every_token, len, modes[m], cut, 0, &u);
            ck_run_eq(&u, &whole);
            bytes got = snap(t);
            ck_same_bytes(got, want);
            bytes_free(got);
            skpi_tracker_free(t);
        }
        /* One, two and three bytes at a time. */
        for (size_t step = 1; step <= 3; step++) {
            t = utc();
            run u;
            ingest_split(t, every_token, len, modes[m], 0, step, &u);
            ck_run_eq(&u, &whole);
            bytes got = snap(t);
            ck_same_bytes(got, want);
            bytes_free(got);
            skpi_tracker_free(t);
        }
        bytes_free(want);
    }
}
END_TEST

/* ===================================================================== */
/* Bad input                                                             */
/* ===================================================================== */

START_TEST(test_header_errors)
{
    static const struct {
        const char *in;
        size_t len;
        skpi_status st;
        int64_t line, column, offset;
        const char *field;
        const char *text;
    } cases[] = {
#define C(s) s, sizeof(s) - 1
        {C("time,platform\n"), SKPI_EFIELD, 1, 0, 0, "event",
         "line 1: the header has no \"event\" column"},
        {C("platform,event,value\n"), SKPI_EFIELD, 1, 0, 0, "time", NULL},
        {C("time,event\r\n"), SKPI_EFIELD, 1, 0, 0, "platform", NULL},
        {C("Time,platform,event\n"), SKPI_EFIELD, 1, 0, 0, "time", NULL},
        {C("time,platform,event,time\n"), SKPI_ESYNTAX, 1, 4, 0, "time",
         "line 1: column \"time\" is named twice (fields 1 and 4)"},
        {C("\n\ntime,platform,event,count,count\n"), SKPI_ESYNTAX, 3, 5, 2,
         "count", NULL},
        {C("time,plat\"form,event\n"), SKPI_ESYNTAX, 1, 10, 0, "",
         "line 1, byte 10: a quote inside an unquoted field (quote the whole "
         "field and double the quote)"},
        {C("time,platform,event,\xFF\n"), SKPI_EUTF8, 1, 21, 0, "",
         "line 1, byte 21: invalid UTF-8 starting with byte 0xFF"},
        {C("time,\"platform"), SKPI_ESYNTAX, 1, 6, 0, "",
         "line 1, byte 6: a quoted field is not closed before the end of the "
         "input"},
        {C("time,platform,event\0\n"), SKPI_ESYNTAX, 1, 20, 0, "", NULL},
        {C(""), SKPI_ESYNTAX, 1, 0, 0, "",
         "the input has no header row (time,platform,event,...)"},
        {C("\n\r\n\n"), SKPI_ESYNTAX, 4, 0, 4, "", NULL},
        {C("\xEF\xBB\xBF"), SKPI_ESYNTAX, 1, 0, 3, "", NULL},
#undef C
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        skpi_tracker *t = utc();
        bytes before = snap(t);
        run u;
        ingest(t, cases[i].in, cases[i].len, SKPI_CSV_LENIENT, &u);
        ck_assert_msg(u.st == cases[i].st, "case %zu: %s", i,
                      skpi_status_name(u.st));
        ck_err(&u.res.error, cases[i].st, cases[i].line, cases[i].column,
               cases[i].offset, cases[i].field);
        if (cases[i].text != NULL)
            ck_assert_str_eq(u.res.error.text, cases[i].text);
        ck_assert_uint_eq(u.res.rows_read, 0);
        ck_assert_uint_eq(u.res.n_rejects, 0);
        bytes after = snap(t);
        ck_same_bytes(before, after);
        bytes_free(before);
        bytes_free(after);
        skpi_tracker_free(t);
    }

    /* A header of 1,024 fields is accepted, one more is not. */
    char *wide = malloc(1025 * 3 + 32);
    ck_assert_ptr_nonnull(wide);
    strcpy(wide, "time,platform,event");
    size_t n = strlen(wide);
    for (int i = 3; i < 1024; i++) {
        memcpy(wide + n, ",x", 2);
        n += 2;
    }
    wide[n] = '\n';
    skpi_tracker *t = utc();
    run u;
    ingest(t, wide, n + 1, 0, &u);
    ck_assert_status(u.st, SKPI_OK);
    memcpy(wide + n, ",x\n", 3);
    ingest(t, wide, n + 3, 0, &u);
    ck_assert_status(u.st, SKPI_ESYNTAX);
    ck_assert_uint_eq(n, 2061);
    ck_err(&u.res.error, SKPI_ESYNTAX, 1, 2062, 0, "");
    ck_assert_str_eq(u.res.error.text,
                     "line 1, byte 2062: the header has more than 1024 fields");
    free(wide);
    skpi_tracker_free(t);
}
END_TEST

START_TEST(test_error_ends_input)
{
    skpi_tracker *t = utc();
    skpi_csv_reader *r = NULL;
    run u;
    run_init(&u);
    ck_assert_status(skpi_csv_reader_new(t, SKPI_CSV_LENIENT, &r), SKPI_OK);
    ck_assert_status(skpi_csv_reader_feed(r, "time,platform\n1,", 16, &u.res),
                     SKPI_EFIELD);
    ck_assert_uint_eq(u.res.bytes, 14); /* up to the end of the header */
    memset(&u.res.error, 0, sizeof u.res.error);
    ck_assert_status(skpi_csv_reader_feed(r, "twitter,post\n", 13, &u.res),
                     SKPI_EFIELD);
    ck_err(&u.res.error, SKPI_EFIELD, 1, 0, 0, "event");
    ck_assert_uint_eq(u.res.bytes, 14);
    memset(&u.res.error, 0, sizeof u.res.error);
    ck_assert_status(skpi_csv_reader_finish(r, &u.res), SKPI_EFIELD);
    ck_err(&u.res.error, SKPI_EFIELD, 1, 0, 0, "event");
    ck_assert_status(skpi_csv_reader_finish(r, &u.res), SKPI_EINVAL);
    ck_assert_status(skpi_csv_reader_feed(r, "x", 1, &u.res), SKPI_EINVAL);
    skpi_csv_reader_free(r);

    /* A good reader refuses input after finishing too. */
    ck_assert_status(skpi_csv_reader_new(t, 0, &r), SKPI_OK);
    ck_assert_status(skpi_csv_reader_feed(r, H, sizeof H - 1, NULL), SKPI_OK);
    ck_assert_status(skpi_csv_reader_finish(r, NULL), SKPI_OK);
    ck_assert_status(skpi_csv_reader_feed(r, "x", 1, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_csv_reader_finish(r, NULL), SKPI_EINVAL);
    skpi_csv_reader_free(r);
    skpi_tracker_free(t);
}
END_TEST

/* One data row after H in lenient mode: its single reject. */
static skpi_error one_reject(const char *row, size_t len)
{
    char *in = malloc(sizeof H + len);
    ck_assert_ptr_nonnull(in);
    memcpy(in, H, sizeof H - 1);
    memcpy(in + sizeof H - 1, row, len);
    skpi_tracker *t = utc();
    run u;
    ingest(t, in, sizeof H - 1 + len, SKPI_CSV_LENIENT, &u);
    ck_assert_status(u.st, SKPI_OK);
    ck_assert_uint_eq(u.res.rows_read, 1);
    ck_assert_uint_eq(u.res.rows_applied, 0);
    ck_assert_uint_eq(u.res.rows_rejected, 1);
    ck_assert_uint_eq(u.res.n_rejects, 1);
    /* Nothing was recorded. */
    ck_assert_status(skpi_tracker_extent(t, &(int64_t){0}, &(int64_t){0}),
                     SKPI_ENODATA);
    skpi_tracker_free(t);
    free(in);
    return u.rej[0];
}

/* One data row after H in lenient mode is applied. */
static void one_applied(const char *row)
{
    char in[1024];
    snprintf(in, sizeof in, "%s%s", H, row);
    skpi_tracker *t = utc();
    run u;
    ingest(t, in, strlen(in), SKPI_CSV_LENIENT, &u);
    ck_assert_msg(u.st == SKPI_OK && u.res.rows_applied == 1,
                  "row not applied: %s: %s", row,
                  u.res.n_rejects ? u.rej[0].text : "");
    skpi_tracker_free(t);
}

#define ONE(lit) one_reject((lit), sizeof(lit) - 1)

#define LEX(row, st, col, field)                                            \
    do {                                                                    \
        skpi_error e_ = one_reject(row, sizeof(row) - 1);                   \
        ck_err(&e_, st, 2, col, 51, field);                                 \
    } while (0)

START_TEST(test_lexical_errors)
{
    LEX("1709280000,twitter,po\0st\n", SKPI_ESYNTAX, 22, "event");
    LEX("1709280000,twit\rter,post\n", SKPI_ESYNTAX, 16, "platform");
    LEX("1709280000,twitter,post\r\r\n", SKPI_ESYNTAX, 24, "event");
    LEX("1709280000,twitter,\"post\"\rx\n", SKPI_ESYNTAX, 26, "event");
    LEX("1709280000,twitter,post,,,,,,\n", SKPI_ESYNTAX, 29, "");
    LEX("1709280000,twitter,post,,,,,,,,\n", SKPI_ESYNTAX, 29, "");
    LEX("1709280000,twitter,post,,,\"a\"\"b\"c,,\n", SKPI_ESYNTAX, 33, "actor");
    LEX("1709280000,twitter,post,,,\"a\" ,,\n", SKPI_ESYNTAX, 30, "actor");
    LEX("1709280000,twitter,post,,,a\"b,,\n", SKPI_ESYNTAX, 28, "actor");
    LEX("1709280000,twitter,post,,,\"open,,\n", SKPI_ESYNTAX, 27, "actor");
    /* UTF-8: overlong, surrogate, above U+10FFFF, bad lead and stray
     * continuation bytes, sequences cut short by a delimiter, a line
     * break or the end of the input. */
    LEX("1709280000,twitter,post,,,\xC0\x80,,\n", SKPI_EUTF8, 27, "actor");
    LEX("1709280000,twitter,post,,,\xC1\xBF,,\n", SKPI_EUTF8, 27, "actor");
    LEX("1709280000,twitter,post,,,\xE0\x80\x80,,\n", SKPI_EUTF8, 27, "actor");
    LEX("1709280000,twitter,post,,,\xF0\x80\x80\x80,,\n", SKPI_EUTF8, 27, "actor");
    LEX("1709280000,twitter,post,,,\xED\xA0\x80,,\n", SKPI_EUTF8, 27, "actor");
    LEX("1709280000,twitter,post,,,\xF4\x90\x80\x80,,\n", SKPI_EUTF8, 27, "actor");
    LEX("1709280000,twitter,post,,,\xF5\x80\x80\x80,,\n", SKPI_EUTF8, 27, "actor");
    LEX("1709280000,twitter,post,,,\xFF,,\n", SKPI_EUTF8, 27, "actor");
    LEX("1709280000,twitter,post,,,a\x80,,\n", SKPI_EUTF8, 28, "actor");
    LEX("1709280000,twitter,post,,,\xE2\x82,,\n", SKPI_EUTF8, 27, "actor");
    LEX("1709280000,twitter,post,,,,,\xE2\x82\n", SKPI_EUTF8, 29, "value");
    LEX("1709280000,twitter,post,,,\"\xE2\x82\",,\n", SKPI_EUTF8, 28, "actor");
    LEX("1709280000,twitter,post,,,,,\xE2\x82", SKPI_EUTF8, 29, "value");
    LEX("1709280000,twitter,post,,,,,\xF0\x9F\x98", SKPI_EUTF8, 29, "value");
    LEX("1709280000,twitter,post,,,\"\xC3\xA9\xC3\",,\n", SKPI_EUTF8, 30, "actor");

    /* Valid UTF-8 of every length is content. */
    one_applied("1709280000,twitter,follower,,,\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF\xED\x9F\xBF\xEE\x80\x80,,\n");

    /* Lexical errors are found before field errors, and the first one of a
     * row is reported. */
    LEX("x,bad\"platform,po\"st\n", SKPI_ESYNTAX, 6, "platform");

    /* The byte of a row spanning lines: in the text, its own line. */
    skpi_error e = ONE("1709280000,twitter,post,,,\"a\nb\"\rc,,\n");
    ck_err(&e, SKPI_ESYNTAX, 2, 32, 51, "actor");
    ck_assert_str_eq(e.text, "line 2, byte 32 (line 3, column 3): a carriage "
                             "return not followed by a line feed");
}
END_TEST

START_TEST(test_long_row)
{
    /* A row holds at most 1 MiB of field bytes (one per separator): the
     * byte past it is reported, and the next row is read normally. */
    const size_t big = ((size_t)1 << 20) + 100;
    char *in = malloc(sizeof H + 64 + big);
    ck_assert_ptr_nonnull(in);
    size_t n = 0;
    memcpy(in, H, sizeof H - 1);
    n += sizeof H - 1;
    memcpy(in + n, "1709280000,twitter,post,,,", 26);
    n += 26;
    memset(in + n, 'x', big);
    n += big;
    memcpy(in + n, ",,\n1709280000,twitter,post\n", 27);
    n += 27;
    for (int m = 0; m < 2; m++) {
        skpi_tracker *t = utc();
        run u;
        if (m == 0)
            ingest(t, in, n, SKPI_CSV_LENIENT, &u);
        else
            ingest_split(t, in, n, SKPI_CSV_LENIENT, 0, 4096, &u);
        ck_assert_status(u.st, SKPI_OK);
        ck_assert_uint_eq(u.res.rows_read, 2);
        ck_assert_uint_eq(u.res.rows_applied, 1);
        ck_err(&u.rej[0], SKPI_ESYNTAX, 2, (1 << 20) + 1, 51, "actor");
        ck_assert_str_eq(u.rej[0].text,
                         "line 2, byte 1048577: the row is longer than "
                         "1048576 bytes");
        skpi_tracker_free(t);
    }
    /* Exactly at the limit is fine: 26 bytes of fields and commas, the
     * actor and its NUL, the empty ref and its NUL. */
    size_t fit = ((size_t)1 << 20) - 26 - 2;
    n = sizeof H - 1 + 26;
    memset(in + n, 'x', fit);
    n += fit;
    memcpy(in + n, ",\n", 2);
    n += 2;
    skpi_tracker *t = utc();
    run u;
    ingest(t, in, n, SKPI_CSV_LENIENT, &u);
    ck_assert_uint_eq(u.res.rows_rejected, 1);
    ck_assert_str_eq(u.rej[0].field, "actor");
    /* Past the lexer: a post has no actor. */
    ck_assert_int_eq(u.rej[0].status, SKPI_EFIELD);
    skpi_tracker_free(t);
    /* One byte more: the final NUL does not fit. */
    n = sizeof H - 1 + 26;
    memset(in + n, 'x', fit + 1);
    n += fit + 1;
    memcpy(in + n, ",\n", 2);
    n += 2;
    t = utc();
    ingest(t, in, n, SKPI_CSV_LENIENT, &u);
    ck_assert_uint_eq(u.res.rows_rejected, 1);
    ck_err(&u.rej[0], SKPI_ESYNTAX, 2, (1 << 20) + 1, 51, "ref");
    skpi_tracker_free(t);
    free(in);
}
END_TEST

START_TEST(test_errors_file)
{
    /* The table of doc/csv-events.md. */
    static const struct {
        int64_t line;
        skpi_status st;
        int64_t column;
        const char *field;
        const char *text;
    } want[] = {
        {3, SKPI_EFIELD, 3, "event", "line 3: unknown event \"Message\" (message, reply, engagement, post, followers, follower or rating)"},
        {4, SKPI_EPARSE, 1, "time", "line 4: the time \"2024-03-01T09:00:00\" is neither ISO 8601 with a zone nor Unix seconds"},
        {5, SKPI_ETIME, 1, "time", "line 5: the time \"2300-01-01T00:00:00Z\" is outside 1970-01-01 to 2200-01-01"},
        {6, SKPI_EFIELD, 2, "platform", "line 6: unknown platform \"tiktok\""},
        {7, SKPI_EFIELD, 4, "category", "line 7: the category column holds \"like\", which a post row does not use"},
        {8, SKPI_EFIELD, 4, "category", "line 8: unknown category \"complaints\""},
        {9, SKPI_ECOUNT, 5, "count", "line 9: the count \"0\" is not positive"},
        {10, SKPI_EFIELD, 5, "count", "line 10: the count \"1.5\" is not a whole number"},
        {11, SKPI_ELIMIT, 5, "count", "line 11: the count \"20000000\" is above the limit of 10000000 for a message row"},
        {12, SKPI_EFIELD, 6, "actor", "line 12: a message with an actor needs a ref (its message id)"},
        {13, SKPI_EFIELD, 4, "category", "line 13: a reply needs a ref (the message id), or a category and a value (the response time)"},
        {14, SKPI_ECOUNT, 8, "value", "line 14: the response time \"-5\" is negative"},
        {15, SKPI_EFIELD, 8, "value", "line 15: a followers row needs a value"},
        {16, SKPI_ECOUNT, 8, "value", "line 16: the follower tally \"-1\" is negative"},
        {17, SKPI_EFIELD, 6, "actor", "line 17: a follower row needs an actor (the person's id)"},
        {18, SKPI_ERATING, 8, "value", "line 18: the score \"6\" is outside the scale 1 to 5"},
        {19, SKPI_ESYNTAX, 44, "", "line 19, byte 44: the row has 9 fields, the header 8"},
        {20, SKPI_ESYNTAX, 45, "actor", "line 20, byte 45: 'b' after the closing quote of a field"},
        {21, SKPI_ESYNTAX, 37, "event", "line 21, byte 37: a quote inside an unquoted field (quote the whole field and double the quote)"},
        {24, SKPI_EFIELD, 1, "time", "line 24: the time is empty"},
        {25, SKPI_EFIELD, 2, "platform", "line 25: the platform is empty"},
        {26, SKPI_EFIELD, 3, "event", "line 26: the event is empty"},
    };
    const size_t n_want = sizeof want / sizeof want[0];
    char path[1024];
    snprintf(path, sizeof path, "%s/data/events-errors.csv", TEST_SRCDIR);
    size_t len;
    char *buf = slurp(path, &len);
    skpi_tracker *t = tracker_in("+04:00", SKPI_BUCKET_DAY);
    run u;
    run_init(&u);
    u.st = skpi_csv_ingest_path(t, path, SKPI_CSV_LENIENT, &u.res);
    ck_assert_status(u.st, SKPI_OK);
    ck_assert_uint_eq(u.res.rows_read, 25);
    ck_assert_uint_eq(u.res.rows_applied, 3);
    ck_assert_uint_eq(u.res.rows_rejected, n_want);
    ck_assert_uint_eq(u.res.anomalies, 1);
    ck_assert_uint_eq(u.res.bytes, len);
    ck_assert_uint_eq(u.res.n_rejects, n_want);
    for (size_t i = 0; i < n_want; i++) {
        ck_err(&u.rej[i], want[i].st, want[i].line, want[i].column,
               line_offset(buf, len, want[i].line), want[i].field);
        ck_assert_str_eq(u.rej[i].text, want[i].text);
    }
    /* Lines 2, 22 and 23: a message, its reply, an unmatched reply. */
    skpi_report *r = report(t, "2024-03-01");
    int64_t n;
    ck_assert_status(skpi_report_responses(r, SKPI_ALL, SKPI_ALL, NULL, &n, NULL), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_status(skpi_report_anomalies(r, SKPI_ALL, SKPI_ANOMALY_UNMATCHED_REPLIES, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    skpi_report_free(r);

    /* Strict mode: the first of them, nothing applied. */
    skpi_tracker_free(t);
    t = tracker_in("+04:00", SKPI_BUCKET_DAY);
    bytes before = snap(t);
    run_init(&u);
    u.res.max_rejects = 2;
    u.st = skpi_csv_ingest_path(t, path, 0, &u.res);
    ck_assert_status(u.st, SKPI_EFIELD);
    ck_error_eq(&u.res.error, &u.rej[0]);
    ck_assert_str_eq(u.res.error.text, want[0].text);
    ck_assert_uint_eq(u.res.rows_read, 25);
    ck_assert_uint_eq(u.res.rows_applied, 0);
    ck_assert_uint_eq(u.res.rows_bad, n_want);
    ck_assert_uint_eq(u.res.rows_rejected, 25);
    ck_assert_uint_eq(u.res.anomalies, 0);
    ck_assert_uint_eq(u.res.n_rejects, 2);
    ck_assert_str_eq(u.rej[1].text, want[1].text);
    bytes after = snap(t);
    ck_same_bytes(before, after);
    bytes_free(before);
    bytes_free(after);
    skpi_tracker_free(t);
    free(buf);
}
END_TEST

/* One row's reject: status, column and field. */
#define BAD(row, st, col, field)                                            \
    do {                                                                    \
        skpi_error e_ = one_reject(row, strlen(row));                       \
        ck_err(&e_, st, 2, col, 51, field);                                 \
    } while (0)

START_TEST(test_field_errors)
{
    /* Times. */
    one_applied("1709280000,twitter,post\n");
    one_applied("2024-03-01T09:00:00.999+04:00,twitter,post\n");
    one_applied("2024-03-01 09:00Z,twitter,post\n");
    one_applied("2024-03-01T09:00:00-0330,twitter,post\n");
    one_applied("2024-03-01T09:00:00+14,twitter,post\n");
    one_applied("0,twitter,post\n");
    one_applied("7258118399,twitter,post\n");
    BAD("7258118400,twitter,post\n", SKPI_ETIME, 1, "time");
    BAD("99999999999999999999999,twitter,post\n", SKPI_ETIME, 1, "time");
    BAD("1969-12-31T23:59:59Z,twitter,post\n", SKPI_ETIME, 1, "time");
    BAD("-1,twitter,post\n", SKPI_EPARSE, 1, "time");
    BAD("2024-03-01,twitter,post\n", SKPI_EPARSE, 1, "time");
    BAD("2024-03-01T09:00:60Z,twitter,post\n", SKPI_EPARSE, 1, "time");
    BAD("2024-02-30T09:00:00Z,twitter,post\n", SKPI_EPARSE, 1, "time");
    BAD("2024-03-01T09:00:00z,twitter,post\n", SKPI_EPARSE, 1, "time");
    BAD("2024-03-01T09:00:00+15:00,twitter,post\n", SKPI_EPARSE, 1, "time");
    BAD(" 1709280000,twitter,post\n", SKPI_EPARSE, 1, "time");

    /* Events are lower case exactly. */
    BAD("1709280000,twitter,POST\n", SKPI_EFIELD, 3, "event");
    BAD("1709280000,twitter,posts\n", SKPI_EFIELD, 3, "event");
    BAD("1709280000,twitter,\n", SKPI_EFIELD, 3, "event");

    /* Platforms, categories, kinds. */
    BAD("1709280000,Twitter,post\n", SKPI_EFIELD, 2, "platform");
    BAD("1709280000,,post\n", SKPI_EFIELD, 2, "platform");
    BAD("1709280000,twitter,message\n", SKPI_EFIELD, 4, "category");
    BAD("1709280000,twitter,message,like\n", SKPI_EFIELD, 4, "category");
    BAD("1709280000,twitter,engagement,thanks\n", SKPI_EFIELD, 4, "category");
    BAD("1709280000,twitter,engagement\n", SKPI_EFIELD, 4, "category");

    /* Counts. */
    one_applied("1709280000,twitter,message,thanks,1000\n");
    one_applied("1709280000,twitter,engagement,like,9223372036854775807\n");
    one_applied("1709280000,twitter,post,,007\n");
    BAD("1709280000,twitter,post,,0\n", SKPI_ECOUNT, 5, "count");
    BAD("1709280000,twitter,post,,-3\n", SKPI_ECOUNT, 5, "count");
    BAD("1709280000,twitter,post,,+3\n", SKPI_EFIELD, 5, "count");
    BAD("1709280000,twitter,post,, 3\n", SKPI_EFIELD, 5, "count");
    BAD("1709280000,twitter,post,,3 \n", SKPI_EFIELD, 5, "count");
    BAD("1709280000,twitter,post,,1e3\n", SKPI_EFIELD, 5, "count");
    BAD("1709280000,twitter,post,,-\n", SKPI_EFIELD, 5, "count");
    BAD("1709280000,twitter,post,,9223372036854775808\n", SKPI_EOVERFLOW, 5, "count");
    BAD("1709280000,twitter,post,,-9223372036854775809\n", SKPI_EOVERFLOW, 5, "count");
    BAD("1709280000,twitter,post,,-9223372036854775808\n", SKPI_ECOUNT, 5, "count");
    BAD("1709280000,twitter,message,thanks,10000001\n", SKPI_ELIMIT, 5, "count");
    BAD("1709280000,twitter,rating,,10000001,,,5\n", SKPI_ELIMIT, 5, "count");
    BAD("1709280000,twitter,rating,,0,,,5\n", SKPI_ECOUNT, 5, "count");

    /* Messages with ids. */
    one_applied("1709280000,twitter,message,thanks,1,alice,m1\n");
    BAD("1709280000,twitter,message,thanks,2,,m1\n", SKPI_EFIELD, 5, "count");
    BAD("1709280000,twitter,message,thanks,,alice,\n", SKPI_EFIELD, 6, "actor");
    BAD("1709280000,twitter,message,thanks,,,,5\n", SKPI_EFIELD, 8, "value");

    /* Replies. */
    one_applied("1709280000,twitter,reply,thanks,,,,0\n");
    one_applied("1709280000,twitter,reply,thanks,,,,1709280000\n");
    BAD("1709280000,twitter,reply,thanks,,,,1709280001\n", SKPI_ETIME, 8, "value");
    BAD("1709280000,twitter,reply,thanks,,,,-1\n", SKPI_ECOUNT, 8, "value");
    BAD("1709280000,twitter,reply,thanks,,,,\n", SKPI_EFIELD, 8, "value");
    BAD("1709280000,twitter,reply,thanks,,,,1.5\n", SKPI_EFIELD, 8, "value");
    BAD("1709280000,twitter,reply,,,,,60\n", SKPI_EFIELD, 4, "category");
    BAD("1709280000,twitter,reply,thanks,,,m1,\n", SKPI_EFIELD, 4, "category");
    BAD("1709280000,twitter,reply,,,,m1,60\n", SKPI_EFIELD, 8, "value");
    BAD("1709280000,twitter,reply,,1,,m1,\n", SKPI_EFIELD, 5, "count");
    BAD("1709280000,twitter,reply,,,bob,m1,\n", SKPI_EFIELD, 6, "actor");

    /* The other events. */
    BAD("1709280000,twitter,post,,,bob\n", SKPI_EFIELD, 6, "actor");
    BAD("1709280000,twitter,post,,,,m1\n", SKPI_EFIELD, 7, "ref");
    BAD("1709280000,twitter,engagement,like,,,m1\n", SKPI_EFIELD, 7, "ref");
    BAD("1709280000,twitter,engagement,like,,,,3\n", SKPI_EFIELD, 8, "value");
    BAD("1709280000,twitter,followers,,1,,,5\n", SKPI_EFIELD, 5, "count");
    one_applied("1709280000,twitter,followers,,,,,0\n");
    one_applied("1709280000,twitter,followers,,,,,70368744177663\n");
    BAD("1709280000,twitter,followers,,,,,70368744177664\n", SKPI_EOVERFLOW, 8, "value");
    BAD("1709280000,twitter,followers,,,,,99999999999999999999\n", SKPI_EOVERFLOW, 8, "value");
    BAD("1709280000,twitter,follower,,,,,\n", SKPI_EFIELD, 6, "actor");
    BAD("1709280000,twitter,follower,,2,bob,,\n", SKPI_EFIELD, 5, "count");
    BAD("1709280000,twitter,rating\n", SKPI_EFIELD, 8, "value");
    BAD("1709280000,twitter,rating,,,,,0\n", SKPI_ERATING, 8, "value");
    BAD("1709280000,twitter,rating,,,,,99999999999\n", SKPI_ERATING, 8, "value");
    BAD("1709280000,twitter,rating,,,bob,,3\n", SKPI_EFIELD, 6, "actor");

    /* Ids of 256 bytes pass, 257 do not. */
    char row[700];
    char id[258];
    memset(id, 'i', 257);
    id[257] = '\0';
    snprintf(row, sizeof row, "1709280000,twitter,message,thanks,,,%s\n", id);
    BAD(row, SKPI_EID, 7, "ref");
    snprintf(row, sizeof row, "1709280000,twitter,message,thanks,,%s,m1\n", id);
    BAD(row, SKPI_EID, 6, "actor");
    snprintf(row, sizeof row, "1709280000,twitter,follower,,,%s\n", id);
    BAD(row, SKPI_EID, 6, "actor");
    id[256] = '\0';
    snprintf(row, sizeof row, "1709280000,twitter,message,thanks,,%s,%s\n", id, id);
    one_applied(row);
}
END_TEST

START_TEST(test_missing_column)
{
    /* A column the header lacks is empty in every row: column 0. */
    skpi_tracker *t = utc();
    run u;
    INGEST(t, "event,platform,time\nfollowers,twitter,1709280000\n"
              "message,twitter,1709280000\npost,twitter,1709280000\n",
           SKPI_CSV_LENIENT, &u);
    ck_assert_status(u.st, SKPI_OK);
    ck_assert_uint_eq(u.res.rows_applied, 1);
    ck_err(&u.rej[0], SKPI_EFIELD, 2, 0, 20, "value");
    ck_err(&u.rej[1], SKPI_EFIELD, 3, 0, 49, "category");
    ck_assert_str_eq(u.rej[0].text, "line 2: a followers row needs a value");
    skpi_tracker_free(t);
}
END_TEST

START_TEST(test_check_order)
{
    /* The bytes, event, time, platform, unused columns, own fields. */
    BAD("x,nowhere,bogus,,,,,\n", SKPI_EFIELD, 3, "event");
    BAD("x,nowhere,post,like,0\n", SKPI_EPARSE, 1, "time");
    BAD("1709280000,nowhere,post,like,0\n", SKPI_EFIELD, 2, "platform");
    BAD("1709280000,twitter,post,like,0,,,9\n", SKPI_EFIELD, 4, "category");
    BAD("1709280000,twitter,post,,0,,,9\n", SKPI_EFIELD, 8, "value");
    BAD("1709280000,twitter,rating,,0,,,9\n", SKPI_ERATING, 8, "value");
    BAD("1709280000,twitter,message,nope,0,a,,\n", SKPI_EFIELD, 4, "category");
    BAD("1709280000,twitter,message,thanks,0,a,,\n", SKPI_ECOUNT, 5, "count");
}
END_TEST

START_TEST(test_message_text)
{
    skpi_error e;
    /* A long value is cut at 32 bytes, at a character boundary. */
    e = ONE("1709280000,abcdefghijklmnopqrstuvwxyz0123456789,post\n");
    ck_assert_str_eq(e.text, "line 2: unknown platform "
                             "\"abcdefghijklmnopqrstuvwxyz012345...\"");
    e = ONE("1709280000,abcdefghijklmnopqrstuvwxyz01234\xC3\xA9xyz,post\n");
    ck_assert_str_eq(e.text, "line 2: unknown platform "
                             "\"abcdefghijklmnopqrstuvwxyz01234...\"");
    /* Control characters show as "?". */
    e = ONE("1709280000,\"tw\nit\tter\",post\n");
    ck_assert_str_eq(e.text, "line 2: unknown platform \"tw?it?ter\"");
    e = ONE("1709280000,twitter,engagement,save\n");
    ck_assert_str_eq(e.text, "line 2: unknown engagement kind \"save\"");
    e = ONE("1709280000,twitter,post,,,,,\xC0\n");
    ck_assert_str_eq(e.text, "line 2, byte 29: invalid UTF-8 starting with "
                             "byte 0xC0");
    e = ONE("1709280000,twitter,post,,,\"x\"\x01,,\n");
    ck_assert_str_eq(e.text, "line 2, byte 30: byte 0x01 after the closing "
                             "quote of a field");
    e = ONE("1709280000,twitter,post,,,\"abc");
    ck_err(&e, SKPI_ESYNTAX, 2, 27, 51, "actor");
    ck_assert_str_eq(e.text, "line 2, byte 27: a quoted field is not closed "
                             "before the end of the input");
}
END_TEST

/* ===================================================================== */
/* Modes                                                                 */
/* ===================================================================== */

START_TEST(test_strict_all_or_nothing)
{
    static const char in[] = H "1709280000,twitter,message,thanks,,,m1,\n"
                               "1709280000,tiktok,post\n"
                               "1709280000,twitter,reply,,,,m1,\n"
                               "1709280000,twitter,post,,0\n"
                               "1709280000,facebook,post,,,,,,\n"
                               "1709280000,newplace,post\n";
    skpi_tracker *t = utc();
    ck_assert_status(skpi_record_message(t, 0, 0, 1709280000), SKPI_OK);
    bytes before = snap(t);
    run u;
    run_init(&u);
    u.res.max_rejects = 2;
    u.st = skpi_csv_ingest_buffer(t, in, sizeof in - 1, SKPI_CSV_ALLOW_NEW,
                                  &u.res);
    ck_assert_status(u.st, SKPI_ECOUNT);
    ck_err(&u.res.error, SKPI_ECOUNT, 5, 5, 146, "count");
    ck_error_eq(&u.res.error, &u.rej[0]);
    ck_assert_uint_eq(u.res.rows_read, 6);
    ck_assert_uint_eq(u.res.rows_applied, 0);
    ck_assert_uint_eq(u.res.rows_bad, 2);
    ck_assert_uint_eq(u.res.rows_rejected, 6);
    ck_assert_uint_eq(u.res.n_rejects, 2);
    ck_err(&u.rej[1], SKPI_ESYNTAX, 6, 30, 173, "");
    ck_assert_uint_eq(u.res.anomalies, 0);
    ck_assert_uint_eq(u.res.registered, 0);
    /* Nothing changed: not the message, nor the taxonomy. */
    bytes after = snap(t);
    ck_same_bytes(before, after);
    bytes_free(after);
    ck_assert_uint_eq(skpi_taxonomy_count(t, SKPI_PLATFORM), 3);

    /* max_rejects 0 and no array: counted all the same. */
    run_init(&u);
    u.res.rejects = NULL;
    u.res.max_rejects = 0;
    u.st = skpi_csv_ingest_buffer(t, in, sizeof in - 1, 0, &u.res);
    ck_assert_status(u.st, SKPI_EFIELD); /* tiktok, unknown */
    ck_assert_uint_eq(u.res.rows_bad, 4);
    ck_assert_uint_eq(u.res.rows_rejected, 6);
    ck_assert_uint_eq(u.res.n_rejects, 0);
    ck_err(&u.res.error, SKPI_EFIELD, 3, 2, 91, "platform");
    after = snap(t);
    ck_same_bytes(before, after);
    bytes_free(after);
    bytes_free(before);
    skpi_tracker_free(t);
}
END_TEST

START_TEST(test_strict_equals_lenient)
{
    static const char in[] = H "1709280000,twitter,message,thanks,,,m1,\n"
                               "1709280060,twitter,reply,,,,m1,\n"
                               "1709280120,twitter,reply,,,,m9,\n"
                               "1709280000,tiktok,engagement,save,5,p1\n"
                               "1709280000,twitter,message,thanks,,,m1,\n";
    skpi_tracker *a = utc(), *b = utc();
    run u;
    INGEST(a, in, SKPI_CSV_LENIENT | SKPI_CSV_ALLOW_NEW, &u);
    ck_assert_status(u.st, SKPI_OK);
    ck_assert_uint_eq(u.res.rows_applied, 5);
    ck_assert_uint_eq(u.res.anomalies, 2);
    ck_assert_uint_eq(u.res.registered, 2);

    /* Strict: nothing is published before the end. */
    skpi_csv_reader *r = NULL;
    run_init(&u);
    ck_assert_status(skpi_csv_reader_new(b, SKPI_CSV_ALLOW_NEW, &r), SKPI_OK);
    ck_assert_status(skpi_csv_reader_feed(r, in, sizeof in - 1, &u.res), SKPI_OK);
    ck_assert_uint_eq(u.res.rows_read, 5);
    ck_assert_uint_eq(u.res.rows_applied, 0);
    ck_assert_uint_eq(u.res.anomalies, 0);
    ck_assert_uint_eq(u.res.registered, 0);
    ck_assert_uint_eq(skpi_taxonomy_count(b, SKPI_PLATFORM), 3);
    ck_assert_int_eq(messages(b, "2024-03-01", SKPI_ALL, SKPI_ALL), 0);
    ck_assert_status(skpi_csv_reader_finish(r, &u.res), SKPI_OK);
    skpi_csv_reader_free(r);
    ck_assert_uint_eq(u.res.rows_applied, 5);
    ck_assert_uint_eq(u.res.rows_rejected, 0);
    ck_assert_uint_eq(u.res.anomalies, 2);
    ck_assert_uint_eq(u.res.registered, 2);
    ck_assert_uint_eq(u.res.bytes, sizeof in - 1);

    bytes x = snap(a), y = snap(b);
    ck_same_bytes(x, y);
    bytes_free(x);
    bytes_free(y);
    /* The reply in the same input found its message. */
    skpi_report *rep = report(b, "2024-03-01");
    int64_t n;
    ck_assert_status(skpi_report_responses(rep, SKPI_ALL, SKPI_CATEGORY_THANKS,
                                           NULL, &n, NULL),
                     SKPI_OK);
    ck_assert_int_eq(n, 1);
    skpi_report_free(rep);
    skpi_tracker_free(a);
    skpi_tracker_free(b);
}
END_TEST

START_TEST(test_lenient_counts)
{
    skpi_tracker *t = utc();
    run u;
    INGEST(t, H "1709280000,twitter,post\n"
              "1709280000,twitter,pots\n"
              "1709280000,twitter,post,,2\n"
              "1709280000,twitter,post,,x\n"
              "1709280000,twitter,post,,3",
           SKPI_CSV_LENIENT, &u);
    ck_assert_status(u.st, SKPI_OK);
    ck_assert_uint_eq(u.res.rows_read, 5);
    ck_assert_uint_eq(u.res.rows_applied, 3);
    ck_assert_uint_eq(u.res.rows_rejected, 2);
    ck_assert_uint_eq(u.res.rows_read, u.res.rows_applied + u.res.rows_rejected);
    skpi_report *r = report(t, "2024-03-01");
    int64_t n;
    ck_assert_status(skpi_report_posts(r, SKPI_ALL, &n, NULL), SKPI_OK);
    ck_assert_int_eq(n, 6);
    skpi_report_free(r);

    /* Counts add up over the calls of one reader, and over readers that
     * share one result. */
    skpi_csv_reader *rd = NULL;
    ck_assert_status(skpi_csv_reader_new(t, SKPI_CSV_LENIENT, &rd), SKPI_OK);
    ck_assert_status(skpi_csv_reader_feed(rd, H "1709280000,twitter,post\n",
                                          sizeof H - 1 + 24, &u.res),
                     SKPI_OK);
    ck_assert_uint_eq(u.res.rows_read, 6);
    ck_assert_uint_eq(u.res.rows_applied, 4);
    ck_assert_status(skpi_csv_reader_feed(rd, "x,twitter,post\n", 15, &u.res),
                     SKPI_OK);
    ck_assert_uint_eq(u.res.rows_rejected, 3);
    ck_err(&u.rej[2], SKPI_EPARSE, 3, 1, 75, "time");
    ck_assert_status(skpi_csv_reader_finish(rd, &u.res), SKPI_OK);
    skpi_csv_reader_free(rd);
    skpi_tracker_free(t);
}
END_TEST

START_TEST(test_journal)
{
    char dir[] = "/tmp/check_csv.XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/state.skpi", dir);
    skpi_tracker *t = NULL;
    skpi_journal *j = NULL;
    ck_assert_status(skpi_journal_open(path, NULL, SKPI_FSYNC_NONE, 0, &t, &j, NULL),
                     SKPI_OK);
    static const char in[] = H "1709280000,twitter,message,thanks,,,m1,\n"
                               "1709280060,twitter,reply,,,,m1,\n"
                               "1709280000,tiktok,post,,4\n"
                               "1709280000,twitter,bad\n";
    /* Strict mode cannot exchange a journalled tracker's contents. */
    skpi_csv_reader *r = NULL;
    ck_assert_status(skpi_csv_reader_new(t, 0, &r), SKPI_EJOURNAL);
    ck_assert_ptr_null(r);
    run u;
    INGEST(t, in, SKPI_CSV_ALLOW_NEW, &u);
    ck_assert_status(u.st, SKPI_EJOURNAL);
    ck_assert_int_eq(u.res.error.status, SKPI_EJOURNAL);
    ck_assert_str_eq(u.res.error.text, "strict mode cannot read into a "
                                       "journalled tracker: use SKPI_CSV_LENIENT");
    /* Lenient mode is journalled, registrations too. */
    INGEST(t, in, SKPI_CSV_LENIENT | SKPI_CSV_ALLOW_NEW, &u);
    ck_assert_status(u.st, SKPI_OK);
    ck_assert_uint_eq(u.res.rows_applied, 3);
    ck_assert_uint_eq(u.res.registered, 1);
    ck_assert_uint_gt(skpi_journal_seq(j), 0);
    ck_assert_status(skpi_journal_close(j), SKPI_OK);
    skpi_tracker_free(t);

    ck_assert_status(skpi_journal_open(path, NULL, SKPI_FSYNC_NONE, 0, &t, &j, NULL),
                     SKPI_OK);
    uint32_t id;
    ck_assert_status(skpi_taxonomy_find(t, SKPI_PLATFORM, "tiktok", &id), SKPI_OK);
    skpi_report *rep = report(t, "2024-03-01");
    int64_t n;
    ck_assert_status(skpi_report_posts(rep, id, &n, NULL), SKPI_OK);
    ck_assert_int_eq(n, 4);
    ck_assert_status(skpi_report_responses(rep, SKPI_ALL, SKPI_CATEGORY_THANKS,
                                           NULL, &n, NULL),
                     SKPI_OK);
    ck_assert_int_eq(n, 1);
    skpi_report_free(rep);
    ck_assert_status(skpi_journal_close(j), SKPI_OK);
    skpi_tracker_free(t);
    char f[300];
    snprintf(f, sizeof f, "%s/state.skpi.journal", dir);
    unlink(f);
    unlink(path);
    rmdir(dir);
}
END_TEST

START_TEST(test_allow_new)
{
    skpi_tracker *t = utc();
    run u;
    INGEST(t, H "1709280000,tiktok,message,lost_property,,,,\n"
              "1709280000,tiktok,engagement,save,2\n"
              "1709280000,tiktok,post\n"
              "1709280000,Tik Tok,post\n"
              "1709280000,tiktok,message,Lost,,,,\n"
              "1709280000,whatsapp,engagement,view,0\n"
              "1709280000,abcdefghijklmnopqrstuvwxyz0123456,post\n",
           SKPI_CSV_LENIENT | SKPI_CSV_ALLOW_NEW, &u);
    ck_assert_status(u.st, SKPI_OK);
    ck_assert_uint_eq(u.res.rows_applied, 3);
    ck_assert_uint_eq(u.res.registered, 3);
    ck_err(&u.rej[0], SKPI_ESLUG, 5, 2, 154, "platform");
    ck_assert_str_eq(u.rej[0].text, "line 5: the platform \"Tik Tok\" is not a "
                                    "slug (1 to 32 of a-z, 0-9, _)");
    ck_assert_int_eq(u.rej[1].status, SKPI_ESLUG);
    ck_assert_str_eq(u.rej[1].field, "category");
    /* A rejected row registers nothing: whatsapp and view stay unknown. */
    ck_assert_int_eq(u.rej[2].status, SKPI_ECOUNT);
    ck_assert_int_eq(u.rej[3].status, SKPI_ESLUG); /* 33 bytes */
    uint32_t id, group;
    int expects;
    ck_assert_status(skpi_taxonomy_find(t, SKPI_PLATFORM, "whatsapp", &id), SKPI_ENOTFOUND);
    ck_assert_status(skpi_taxonomy_find(t, SKPI_KIND, "view", &id), SKPI_ENOTFOUND);
    ck_assert_status(skpi_taxonomy_find(t, SKPI_CATEGORY, "lost_property", &id), SKPI_OK);
    ck_assert_status(skpi_category_info(t, id, &group, &expects), SKPI_OK);
    ck_assert_uint_eq(group, SKPI_GROUP_INQUIRY);
    ck_assert_int_eq(expects, 1);
    ck_assert_str_eq(skpi_taxonomy_label(t, SKPI_CATEGORY, id), "lost_property");
    ck_assert_status(skpi_taxonomy_find(t, SKPI_KIND, "save", &id), SKPI_OK);
    ck_assert_status(skpi_taxonomy_find(t, SKPI_PLATFORM, "tiktok", &id), SKPI_OK);
    skpi_report *r = report(t, "2024-03-01");
    int64_t n;
    ck_assert_status(skpi_report_messages(r, id, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_status(skpi_report_posts(r, id, &n, NULL), SKPI_OK);
    ck_assert_int_eq(n, 1);
    skpi_report_free(r);

    /* Without the flag the same slugs are unknown, with EFIELD. */
    skpi_tracker *fresh = utc();
    INGEST(fresh, H "1709280000,tiktok,post\n1709280000,Tik Tok,post\n",
           SKPI_CSV_LENIENT, &u);
    ck_assert_int_eq(u.rej[0].status, SKPI_EFIELD);
    ck_assert_int_eq(u.rej[1].status, SKPI_EFIELD);
    ck_assert_uint_eq(u.res.registered, 0);
    skpi_tracker_free(fresh);

    /* A full taxonomy refuses with ELIMIT. */
    char slug[16];
    for (int i = 4; i < SKPI_MAX_PLATFORMS; i++) {
        snprintf(slug, sizeof slug, "p%d", i);
        ck_assert_status(skpi_taxonomy_add(t, SKPI_PLATFORM, slug, NULL, NULL), SKPI_OK);
    }
    INGEST(t, H "1709280000,p5,post\n1709280000,another,post\n", SKPI_CSV_LENIENT | SKPI_CSV_ALLOW_NEW, &u);
    ck_assert_uint_eq(u.res.rows_applied, 1);
    ck_err(&u.rej[0], SKPI_ELIMIT, 3, 2, 70, "platform");
    ck_assert_str_eq(u.rej[0].text, "line 3: the platform \"another\" cannot be "
                                    "registered: the tracker has 32 already");
    skpi_tracker_free(t);
}
END_TEST

START_TEST(test_anomalies)
{
    skpi_tracker *t = utc();
    run u;
    INGEST(t, H "1709280000,twitter,message,general_inquiry,,,m1,\n"
              "1709280000,twitter,message,general_inquiry,,,m1,\n"
              "1709280060,twitter,reply,,,,m2,\n"
              "1709279000,twitter,reply,,,,m1,\n"
              "1709280060,twitter,reply,,,,m1,\n"
              "1709280120,twitter,reply,,,,m1,\n",
           0, &u);
    ck_assert_status(u.st, SKPI_OK);
    ck_assert_uint_eq(u.res.rows_applied, 6);
    /* Duplicate, unmatched, early: refused but counted.  A later reply is
     * an ordinary row. */
    ck_assert_uint_eq(u.res.anomalies, 3);
    skpi_report *r = report(t, "2024-03-01");
    int64_t n;
    ck_assert_status(skpi_report_anomalies(r, SKPI_ALL, SKPI_ANOMALY_DUPLICATE_MESSAGES, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_status(skpi_report_anomalies(r, SKPI_ALL, SKPI_ANOMALY_UNMATCHED_REPLIES, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_status(skpi_report_anomalies(r, SKPI_ALL, SKPI_ANOMALY_EARLY_REPLIES, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_status(skpi_report_anomalies(r, SKPI_ALL, SKPI_ANOMALY_LATER_REPLIES, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_status(skpi_report_messages(r, SKPI_ALL, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    skpi_report_free(r);
    skpi_tracker_free(t);
}
END_TEST

START_TEST(test_arguments)
{
    skpi_tracker *t = utc();
    skpi_csv_reader *r = NULL;
    run u;
    ck_assert_status(skpi_csv_reader_new(NULL, 0, &r), SKPI_EINVAL);
    ck_assert_status(skpi_csv_reader_new(t, 0, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_csv_reader_new(t, 4, &r), SKPI_EOPTION);
    ck_assert_ptr_null(r);
    ingest(t, H, sizeof H - 1, 4, &u);
    ck_assert_status(u.st, SKPI_EOPTION);
    ck_assert_int_eq(u.res.error.status, SKPI_EOPTION);
    ck_assert_str_eq(u.res.error.text, "unknown CSV flag bits 0x4");
    ingest(NULL, H, sizeof H - 1, 0, &u);
    ck_assert_status(u.st, SKPI_EINVAL);
    ingest(t, NULL, 5, 0, &u);
    ck_assert_status(u.st, SKPI_EINVAL);
    ingest(t, NULL, 0, 0, &u); /* an empty input */
    ck_assert_status(u.st, SKPI_ESYNTAX);
    ck_assert_status(skpi_csv_ingest_buffer(t, H, sizeof H - 1, 0, NULL), SKPI_OK);
    ck_assert_status(skpi_csv_ingest_file(t, NULL, 0, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_csv_ingest_path(t, NULL, 0, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_csv_ingest_path(NULL, "/nonexistent", 0, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_csv_ingest_path(t, "/nonexistent", 8, NULL), SKPI_EOPTION);

    ck_assert_status(skpi_csv_reader_new(t, SKPI_CSV_LENIENT, &r), SKPI_OK);
    ck_assert_status(skpi_csv_reader_feed(r, NULL, 1, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_csv_reader_feed(r, NULL, 0, NULL), SKPI_OK);
    ck_assert_status(skpi_csv_reader_feed(NULL, "x", 1, NULL), SKPI_EINVAL);
    ck_assert_status(skpi_csv_reader_finish(NULL, NULL), SKPI_EINVAL);
    /* An unfinished reader is freed with its input dropped. */
    ck_assert_status(skpi_csv_reader_feed(r, H "1709280000,twitter,post\n",
                                          sizeof H - 1 + 24, NULL),
                     SKPI_OK);
    skpi_csv_reader_free(r);
    skpi_csv_reader_free(NULL);
    ck_assert_status(skpi_csv_reader_new(t, 0, &r), SKPI_OK);
    ck_assert_status(skpi_csv_reader_feed(r, H "1709280000,twitter,post\n",
                                          sizeof H - 1 + 24, NULL),
                     SKPI_OK);
    skpi_csv_reader_free(r); /* strict, unfinished: nothing applied */
    skpi_report *rep = report(t, "2024-03-01");
    int64_t n;
    ck_assert_status(skpi_report_posts(rep, SKPI_ALL, &n, NULL), SKPI_OK);
    ck_assert_int_eq(n, 1);
    skpi_report_free(rep);
    skpi_tracker_free(t);
}
END_TEST

/* ===================================================================== */
/* Events                                                                */
/* ===================================================================== */

START_TEST(test_example_file)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/data/events-example.csv", TEST_SRCDIR);
    skpi_tracker *t = tracker_in("+04:00", SKPI_BUCKET_DAY);
    run u;
    run_init(&u);
    u.st = skpi_csv_ingest_path(t, path, 0, &u.res);
    ck_assert_msg(u.st == SKPI_OK, "%s", u.res.error.text);
    ck_assert_uint_eq(u.res.rows_read, 27);
    ck_assert_uint_eq(u.res.rows_applied, 27);
    ck_assert_uint_eq(u.res.rows_rejected, 0);
    ck_assert_uint_eq(u.res.anomalies, 2);
    ck_assert_uint_eq(u.res.registered, 0);

    enum { TW = SKPI_PLATFORM_TWITTER, FB = SKPI_PLATFORM_FACEBOOK,
           IG = SKPI_PLATFORM_INSTAGRAM };
    skpi_report *r = report(t, "2024-03-01");
    int64_t n, m, lo, hi;
    double d;
    ck_assert_status(skpi_report_messages(r, SKPI_ALL, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 9);
    ck_assert_status(skpi_report_messages(r, TW, SKPI_CATEGORY_GENERAL_INQUIRY, &n), SKPI_OK);
    ck_assert_int_eq(n, 2);
    ck_assert_status(skpi_report_messages(r, TW, SKPI_CATEGORY_HELP_REQUEST, &n), SKPI_OK);
    ck_assert_int_eq(n, 2);
    ck_assert_status(skpi_report_messages(r, FB, SKPI_CATEGORY_SERVICE_COMPLAINT, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_status(skpi_report_messages(r, IG, SKPI_CATEGORY_THANKS, &n), SKPI_OK);
    ck_assert_int_eq(n, 3);
    ck_assert_status(skpi_report_messages(r, IG, SKPI_CATEGORY_CRIMINAL_INQUIRY, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_status(skpi_report_inquiries_and_remarks(r, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 6);

    ck_assert_status(skpi_report_responses(r, SKPI_ALL, SKPI_ALL, &n, &m, NULL), SKPI_OK);
    ck_assert_int_eq(n, 6);
    ck_assert_int_eq(m, 5);
    ck_assert_status(skpi_report_response_time(r, SKPI_ALL, SKPI_ALL, 0, &n, &d, &lo, &hi), SKPI_OK);
    ck_assert_int_eq(n, 5);
    ck_assert_double_eq(d, 4230.0);
    ck_assert_int_eq(lo, 300);
    ck_assert_int_eq(hi, 16200);
    ck_assert_status(skpi_report_sla(r, 0, SKPI_ALL, SKPI_ALL, &n, &m, NULL, NULL), SKPI_OK);
    ck_assert_int_eq(n, 3600);
    ck_assert_int_eq(m, 4);
    ck_assert_status(skpi_report_sla(r, 1, SKPI_ALL, SKPI_ALL, &n, &m, NULL, NULL), SKPI_OK);
    ck_assert_int_eq(n, 86400);
    ck_assert_int_eq(m, 5);
    ck_assert_status(skpi_report_backlog(r, SKPI_ALL, SKPI_ALL, &n, NULL), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_status(skpi_report_anomalies(r, SKPI_ALL, SKPI_ANOMALY_UNMATCHED_REPLIES, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_status(skpi_report_anomalies(r, SKPI_ALL, SKPI_ANOMALY_LATER_REPLIES, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_status(skpi_report_anomalies(r, SKPI_ALL, SKPI_ANOMALY_DUPLICATE_MESSAGES, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);

    ck_assert_status(skpi_report_posts(r, TW, &n, &d), SKPI_OK);
    ck_assert_int_eq(n, 3);
    ck_assert_double_eq_tol(d, 121.0 / 3.0, 1e-12);
    ck_assert_status(skpi_report_engagement(r, SKPI_ALL, SKPI_ALL, &n), SKPI_OK);
    ck_assert_int_eq(n, 125);
    ck_assert_status(skpi_report_engagement(r, TW, SKPI_KIND_LIKE, &n), SKPI_OK);
    ck_assert_int_eq(n, 120);
    ck_assert_status(skpi_report_engagement(r, TW, SKPI_KIND_SHARE, &n), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_status(skpi_report_engagement(r, IG, SKPI_KIND_COMMENT, &n), SKPI_OK);
    ck_assert_int_eq(n, 4);

    ck_assert_status(skpi_report_csat(r, SKPI_ALL, &n, &m, NULL, &d), SKPI_OK);
    ck_assert_int_eq(n, 3);
    ck_assert_int_eq(m, 1);
    ck_assert_double_eq(d, 3.0);
    ck_assert_status(skpi_report_rating_count(r, FB, 2, &n), SKPI_OK);
    ck_assert_int_eq(n, 2);

    ck_assert_status(skpi_report_followers(r, TW, &n, NULL, NULL, NULL), SKPI_OK);
    ck_assert_int_eq(n, 1700000);
    ck_assert_status(skpi_report_followers_total(r, &n, NULL, NULL, NULL), SKPI_OK);
    ck_assert_int_eq(n, 3235000);

    ck_assert_status(skpi_report_people(r, SKPI_PEOPLE_AUTHORS, SKPI_ALL, &n, NULL), SKPI_OK);
    ck_assert_int_eq(n, 2);
    ck_assert_status(skpi_report_people(r, SKPI_PEOPLE_ENGAGERS, SKPI_ALL, &n, NULL), SKPI_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_status(skpi_report_people(r, SKPI_PEOPLE_FOLLOWERS, SKPI_ALL, &n, NULL), SKPI_OK);
    ck_assert_int_eq(n, 2);
    ck_assert_status(skpi_report_people(r, SKPI_PEOPLE_FOLLOWERS, FB, &n, NULL), SKPI_OK);
    ck_assert_int_eq(n, 2);
    skpi_report_free(r);
    skpi_tracker_free(t);
}
END_TEST

START_TEST(test_each_event)
{
    /* Each event against the recording call it stands for. */
    skpi_tracker *a = utc(), *b = utc();
    run u;
    INGEST(a, H "1709280000,twitter,message,help_request,3\n"
              "1709280100,facebook,message,thanks,,bob,f1\n"
              "1709280200,facebook,reply,,,,f1\n"
              "1709280300,twitter,reply,help_request,,,,250\n"
              "1709280400,instagram,engagement,share,6\n"
              "1709280500,instagram,engagement,like,2,carol\n"
              "1709280600,facebook,post,,4\n"
              "1709280700,twitter,followers,,,,,1234\n"
              "1709280800,twitter,follower,,,dave\n"
              "1709280900,facebook,rating,,3,,,4\n",
           0, &u);
    ck_assert_status(u.st, SKPI_OK);
    ck_assert_uint_eq(u.res.rows_applied, 10);
    for (int i = 0; i < 3; i++)
        ck_assert_status(skpi_record_message(b, 0, 1, 1709280000), SKPI_OK);
    ck_assert_status(skpi_record_message_id(b, 1, 6, 1709280100, "f1", "bob"), SKPI_OK);
    ck_assert_status(skpi_record_reply(b, 1, "f1", 1709280200), SKPI_OK);
    ck_assert_status(skpi_record_response(b, 0, 1, 1709280300 - 250, 1709280300), SKPI_OK);
    ck_assert_status(skpi_record_engagement(b, 2, 1, 1709280400, 6), SKPI_OK);
    ck_assert_status(skpi_record_engagement_by(b, 2, 0, 1709280500, 2, "carol"), SKPI_OK);
    ck_assert_status(skpi_record_posts(b, 1, 1709280600, 4), SKPI_OK);
    ck_assert_status(skpi_record_followers(b, 0, 1709280700, 1234), SKPI_OK);
    ck_assert_status(skpi_record_follower(b, 0, 1709280800, "dave"), SKPI_OK);
    for (int i = 0; i < 3; i++)
        ck_assert_status(skpi_record_rating(b, 1, 1709280900, 4), SKPI_OK);
    bytes x = snap(a), y = snap(b);
    ck_same_bytes(x, y);
    bytes_free(x);
    bytes_free(y);
    skpi_tracker_free(a);
    skpi_tracker_free(b);
}
END_TEST

/* ===================================================================== */
/* Files                                                                 */
/* ===================================================================== */

START_TEST(test_files)
{
    /* A file larger than a 64 KiB chunk, rows cut across chunks. */
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    fputs("time,platform,event,category,count,actor,ref,value,note\n", f);
    for (int i = 0; i < 4000; i++)
        fprintf(f, "%d,%s,engagement,like,%d,\"person %d\",,,\"note, %d\"\r\n",
                1709280000 + i, i % 2 ? "twitter" : "facebook", i % 7 + 1,
                i % 100, i);
    fputs("x,twitter,post\n", f);
    long size = ftell(f);
    ck_assert_int_gt(size, 3 * 65536);
    rewind(f);
    char *buf = malloc((size_t)size);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)size, f), (size_t)size);
    rewind(f);

    skpi_tracker *a = utc(), *b = utc();
    run u, w;
    run_init(&u);
    u.st = skpi_csv_ingest_file(a, f, SKPI_CSV_LENIENT, &u.res);
    ck_assert(feof(f)); /* read to its end, left open */
    ingest(b, buf, (size_t)size, SKPI_CSV_LENIENT, &w);
    ck_run_eq(&u, &w);
    ck_assert_uint_eq(u.res.rows_read, 4001);
    ck_assert_uint_eq(u.res.rows_applied, 4000);
    ck_assert_uint_eq(u.res.bytes, (uint64_t)size);
    ck_err(&u.rej[0], SKPI_EPARSE, 4002, 1, size - 15, "time");
    bytes x = snap(a), y = snap(b);
    ck_same_bytes(x, y);
    bytes_free(x);
    bytes_free(y);
    fclose(f);
    free(buf);
    skpi_tracker_free(a);
    skpi_tracker_free(b);

    /* A path reads as its bytes do. */
    char path[1024];
    snprintf(path, sizeof path, "%s/data/events-example.csv", TEST_SRCDIR);
    size_t len;
    buf = slurp(path, &len);
    a = tracker_in("+04:00", SKPI_BUCKET_HOUR);
    b = tracker_in("+04:00", SKPI_BUCKET_HOUR);
    run_init(&u);
    u.st = skpi_csv_ingest_path(a, path, 0, &u.res);
    ingest(b, buf, len, 0, &w);
    ck_run_eq(&u, &w);
    ck_assert_uint_eq(u.res.bytes, len);
    x = snap(a);
    y = snap(b);
    ck_same_bytes(x, y);
    bytes_free(x);
    bytes_free(y);
    free(buf);
    skpi_tracker_free(b);

    /* Files that cannot be read. */
    run_init(&u);
    u.st = skpi_csv_ingest_path(a, "/nonexistent/events.csv", 0, &u.res);
    ck_assert_status(u.st, SKPI_EIO);
    ck_assert_int_eq(u.res.error.status, SKPI_EIO);
    ck_assert_str_eq(u.res.error.field, "file");
    char want[256];
    snprintf(want, sizeof want, "cannot open /nonexistent/events.csv: %s",
             strerror(ENOENT));
    ck_assert_str_eq(u.res.error.text, want);
    run_init(&u);
    u.st = skpi_csv_ingest_path(a, TEST_SRCDIR, SKPI_CSV_LENIENT, &u.res);
    ck_assert_status(u.st, SKPI_EIO);
    snprintf(want, sizeof want, "cannot read %s: %s", TEST_SRCDIR,
             strerror(EISDIR));
    ck_assert_str_eq(u.res.error.text, want);
    skpi_tracker_free(a);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("csv");

    TCase *rfc = tcase_create("rfc4180");
    tcase_add_test(rfc, test_quoted_fields);
    tcase_add_test(rfc, test_line_ends);
    tcase_add_test(rfc, test_bom);
    tcase_add_test(rfc, test_short_rows_and_empty_fields);
    tcase_add_test(rfc, test_empty_lines);
    tcase_add_test(rfc, test_split_everywhere);
    tcase_set_timeout(rfc, 600);
    suite_add_tcase(s, rfc);

    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_header_errors);
    tcase_add_test(errors, test_error_ends_input);
    tcase_add_test(errors, test_lexical_errors);
    tcase_add_test(errors, test_long_row);
    tcase_add_test(errors, test_errors_file);
    tcase_add_test(errors, test_field_errors);
    tcase_add_test(errors, test_missing_column);
    tcase_add_test(errors, test_check_order);
    tcase_add_test(errors, test_message_text);
    tcase_set_timeout(errors, 300);
    suite_add_tcase(s, errors);

    TCase *modes = tcase_create("modes");
    tcase_add_test(modes, test_strict_all_or_nothing);
    tcase_add_test(modes, test_strict_equals_lenient);
    tcase_add_test(modes, test_lenient_counts);
    tcase_add_test(modes, test_journal);
    tcase_add_test(modes, test_allow_new);
    tcase_add_test(modes, test_anomalies);
    tcase_add_test(modes, test_arguments);
    suite_add_tcase(s, modes);

    TCase *events = tcase_create("events");
    tcase_add_test(events, test_example_file);
    tcase_add_test(events, test_each_event);
    tcase_add_test(events, test_files);
    suite_add_tcase(s, events);
    return s;
}

SKPI_CHECK_MAIN(suite)

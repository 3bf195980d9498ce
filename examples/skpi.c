/*
 * skpi.c -- the command-line tool of libsocialkpi.
 *
 *   skpi ingest [OPTIONS] -o STATE FILE...   CSV event logs into a state file
 *   skpi report [OPTIONS] STATE              the report of a period
 *   skpi merge -o OUT STATE...               several state files into one
 *   skpi sample [-o FILE] [--follower-ids]   the demo half year as an event log
 *   skpi demo [--format FORMAT] [-o OUT]     the report of the demo half year
 *   skpi serve [OPTIONS] STATE...            state files over HTTP to Prometheus
 *   skpi help [COMMAND] | --version | --help
 *
 * Subcommands live in one table (`commands` below): each has a name, a
 * synopsis, a one-line summary, a help text and a function that receives
 * the arguments after its name.  Options are parsed with getopt_long().
 * A state file is a snapshot (doc/snapshot-format.md), written atomically.
 *
 * Exit status: 0 success, 1 a data, file or library error (a message on
 * stderr names the file, and the line for CSV input), 2 bad usage (a
 * message and the usage on stderr).  doc/skpi.1 is the manual.
 *
 * The tool uses only the public API in <socialkpi.h>: the text report
 * (textreport.c) reads every figure through the report getters, and the
 * other formats are the library's own writers.
 */
#define _GNU_SOURCE /* getopt_long, open_memstream, mkstemp */

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <socialkpi.h>

#include "demo.h"
#include "serve.h" /* cmd_serve(), in serve.c or serve-none.c */
#include "textreport.h"

#define PROG "skpi"

enum { EXIT_DATA = 1, EXIT_USAGE = 2 };

/* ===================================================================== */
/* Messages                                                              */
/* ===================================================================== */

/* Report a library error: what failed, the library's sentence and the
 * status name, so a user can both read it and search for it. */
static int fail_status(const char *what, skpi_status st)
{
    fprintf(stderr, "%s: %s: %s (%s)\n", PROG, what, skpi_strerror(st),
            skpi_status_name(st));
    return EXIT_DATA;
}

/* Finish writing stdout; a full disk or a closed pipe is an error too. */
static int finish_output(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "%s: cannot write the output: %s\n", PROG, strerror(errno));
        return EXIT_DATA;
    }
    return EXIT_SUCCESS;
}

/* Report an error with the library's skpi_error: the file, where in it,
 * and what. */
static int fail_error(const char *file, const skpi_error *e)
{
    fprintf(stderr, "%s: %s", PROG, file);
    if (e->line > 0)
        fprintf(stderr, ":%lld", (long long)e->line);
    if (e->column > 0)
        fprintf(stderr, ":%lld", (long long)e->column);
    else if (e->line <= 0 && e->offset >= 0)
        fprintf(stderr, ": at byte %lld", (long long)e->offset);
    fprintf(stderr, ": %s (%s)\n",
            e->text[0] != '\0' ? e->text : skpi_strerror((skpi_status)e->status),
            skpi_status_name((skpi_status)e->status));
    return EXIT_DATA;
}

/* ===================================================================== */
/* Output files                                                          */
/* ===================================================================== */

/*
 * Write `len` bytes to `path` atomically: into a temporary file beside it,
 * renamed over it once complete, so that a reader never sees half a
 * report and a failure leaves the old file.  NULL or "-" means stdout.
 */
static int write_output(const char *path, const char *data, size_t len)
{
    if (path == NULL || strcmp(path, "-") == 0) {
        fwrite(data, 1, len, stdout);
        return finish_output();
    }
    size_t n = strlen(path);
    char *tmp = malloc(n + sizeof ".XXXXXX");
    if (tmp == NULL)
        return fail_status("cannot write the output", SKPI_ENOMEM);
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".XXXXXX", sizeof ".XXXXXX");
    int fd = mkstemp(tmp);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
    int ok = f != NULL && fwrite(data, 1, len, f) == len;
    if (f != NULL)
        ok = fclose(f) == 0 && ok;
    else if (fd >= 0)
        close(fd);
    if (ok) {
        (void)chmod(tmp, 0644);
        ok = rename(tmp, path) == 0;
    }
    if (!ok) {
        fprintf(stderr, "%s: %s: cannot write: %s\n", PROG, path, strerror(errno));
        if (fd >= 0)
            unlink(tmp);
    }
    free(tmp);
    return ok ? EXIT_SUCCESS : EXIT_DATA;
}

/* ===================================================================== */
/* Reports                                                               */
/* ===================================================================== */

typedef enum {
    FORMAT_TEXT,
    FORMAT_JSON,
    FORMAT_CSV,
    FORMAT_OPENMETRICS,
    FORMAT_PROMETHEUS,
    FORMAT_HTML
} output_format;

static const char *const format_names[] = {"text",        "json",       "csv",
                                           "openmetrics", "prometheus", "html"};
#define N_FORMATS (sizeof format_names / sizeof format_names[0])
#define FORMAT_LIST "text, json, csv, openmetrics, prometheus or html"

/* What to report: the range, its name, the platforms. */
typedef struct report_request {
    int64_t from, to;
    const char *name; /* the period as the user named it */
    const uint32_t *platforms;
    size_t n_platforms;
    output_format format;
    const char *output; /* path, or NULL for stdout */
} report_request;

/* Render the report in the requested format and write it. */
static int emit_report(const skpi_tracker *t, const char *title, const report_request *q)
{
    char *buf = NULL;
    size_t len = 0;
    skpi_status st = SKPI_OK;
    const char *what = "cannot make the report";

    switch (q->format) {
    case FORMAT_TEXT: {
        const char *failed = "?";
        FILE *mem = open_memstream(&buf, &len);
        if (mem == NULL)
            return fail_status(what, SKPI_ENOMEM);
        st = text_report(mem, t, title, q->name, q->from, q->to, q->platforms,
                         q->n_platforms, &failed);
        if (fclose(mem) != 0 && st == SKPI_OK)
            st = SKPI_ENOMEM;
        if (st != SKPI_OK) {
            char call[96];
            /* Name the call without its arguments. */
            snprintf(call, sizeof call, "%.*s", (int)strcspn(failed, "("), failed);
            free(buf);
            return fail_status(call, st);
        }
        int rc = write_output(q->output, buf, len);
        free(buf); /* open_memstream's buffer is libc's */
        return rc;
    }
    case FORMAT_JSON:
        st = skpi_report_json(t, q->from, q->to, q->platforms, q->n_platforms,
                              SKPI_JSON_PRETTY, &buf, &len);
        break;
    case FORMAT_CSV:
        st = skpi_report_csv(t, q->from, q->to, q->platforms, q->n_platforms, 0, &buf,
                             &len);
        break;
    case FORMAT_OPENMETRICS:
    case FORMAT_PROMETHEUS:
        st = skpi_report_openmetrics(t, q->from, q->to, q->platforms, q->n_platforms,
                                     q->format == FORMAT_PROMETHEUS
                                         ? SKPI_OPENMETRICS_PROMETHEUS
                                         : 0,
                                     &buf, &len);
        break;
    case FORMAT_HTML:
        st = skpi_report_html(t, q->from, q->to, q->platforms, q->n_platforms, 0, &buf,
                              &len);
        break;
    }
    if (st != SKPI_OK)
        return fail_status(what, st);
    int rc = write_output(q->output, buf, len);
    skpi_free(buf);
    return rc;
}

/* ===================================================================== */
/* Subcommands: the table and the usage                                  */
/* ===================================================================== */

typedef struct command {
    const char *name;
    const char *synopsis; /* the arguments after the name */
    const char *summary;  /* one line for `skpi --help` */
    const char *help;     /* `skpi NAME --help` after the usage line */
    int (*run)(int argc, char **argv); /* argv[0] is the command's name */
} command;

static int cmd_ingest(int argc, char **argv);
static int cmd_report(int argc, char **argv);
static int cmd_merge(int argc, char **argv);
static int cmd_sample(int argc, char **argv);
static int cmd_demo(int argc, char **argv);
static int cmd_help(int argc, char **argv);

static const command commands[] = {
    {"ingest",
     "[--tz ZONE] [--bucket day|hour] [--hours 'DAYS HH:MM-HH:MM']... "
     "[--holiday DATE]... [--strict|--lenient] [--allow-new] [--quiet] -o STATE FILE...",
     "add CSV event logs to a state file (creating it)",
     "Read the CSV event logs FILE... (\"-\" is standard input; the columns are\n"
     "time,platform,event,category,count,actor,ref,value, see doc/csv-events.md)\n"
     "into the state file STATE, created if it does not exist, and save it\n"
     "atomically.  Bad rows are reported on stderr as FILE:LINE:COLUMN.\n"
     "\n"
     "Options:\n"
     "  -o, --output STATE    the state file to create or add to (required)\n"
     "      --strict          refuse the whole run if any row is bad: STATE is\n"
     "                        left as it was (the default)\n"
     "      --lenient         skip bad rows, apply the others\n"
     "      --allow-new       register unknown platforms, categories and\n"
     "                        engagement kinds instead of refusing them\n"
     "  -q, --quiet           no progress bar and no summary\n"
     "\n"
     "Options that shape a new STATE (checked against an existing one):\n"
     "      --tz ZONE         its time zone: +04:00, Z, or an IANA name such as\n"
     "                        Asia/Dubai (default Z)\n"
     "      --bucket day|hour its bucket resolution (default day)\n"
     "      --hours SPEC      business hours, e.g. 'sun-thu 07:30-14:30' or\n"
     "                        'sat 09:00-12:00' (repeatable)\n"
     "      --holiday DATE    a day without business hours, YYYY-MM-DD\n"
     "                        (repeatable)\n"
     "  -h, --help            show this help\n",
     cmd_ingest},
    {"report",
     "[--period P | --from T --to T] [--platform SLUG]... [--format FORMAT] "
     "[-o OUT] STATE",
     "print the report of a period from a state file",
     "Print the report of a period from the state file STATE: messages,\n"
     "responses and first-response times, satisfaction, engagement,\n"
     "followers and people, and the change against the previous period and\n"
     "a year earlier.\n"
     "\n"
     "Options:\n"
     "  -p, --period P        2024, 2024-H1, 2024-Q2, 2024-03, 2024-W09,\n"
     "                        2024-03-01, or FROM/TO; in STATE's zone (default:\n"
     "                        every day that holds data)\n"
     "      --from T, --to T  the range [T, T) instead: dates (local midnight)\n"
     "                        or ISO 8601 times with a zone\n"
     "      --platform SLUG   only this platform (repeatable)\n"
     "  -f, --format FORMAT   " FORMAT_LIST " (default text)\n"
     "  -o, --output OUT      write to OUT (atomically) instead of stdout\n"
     "  -h, --help            show this help\n",
     cmd_report},
    {"merge", "-o OUT STATE...", "merge state files into one",
     "Merge the state files STATE... (made with the same zone, buckets and\n"
     "options) into OUT: counts add, sketches merge, taxonomies unite by\n"
     "slug.  OUT may be one of the inputs; it is written atomically.\n"
     "\n"
     "Options:\n"
     "  -o, --output OUT      the merged state file (required)\n"
     "  -h, --help            show this help\n",
     cmd_merge},
    {"sample", "[-o FILE] [--follower-ids]",
     "write the demo half year as a CSV event log",
     "Write the demo data set (see 'skpi demo') as a CSV event log, one row\n"
     "an event, times in UTC+04:00.  Ingested into a state made with the\n"
     "desk's zone and office hours, it reproduces the figures of 'skpi demo':\n"
     "\n"
     "  skpi sample --follower-ids | skpi ingest --tz +04:00 \\\n"
     "      --hours 'sun-thu 07:30-14:30' " "$(skpi sample --holidays) -o s.skpi -\n"
     "  skpi report --period 2024-H1 s.skpi\n"
     "\n"
     "Options:\n"
     "  -o, --output FILE     write to FILE (atomically) instead of stdout\n"
     "      --follower-ids    add the follower lists (3,235,000 rows), for the\n"
     "                        unique audience across platforms\n"
     "      --holidays        print the --holiday options of the demo desk\n"
     "                        instead of the log\n"
     "  -h, --help            show this help\n",
     cmd_sample},
    {"demo", "[--format FORMAT] [-o OUT]",
     "report on the built-in demo data: the founding half year",
     "Build the demo data set, the half year 2024-H1 of a social-media desk\n"
     "at UTC+04:00 whose totals are the founding report's (11,685 inquiries\n"
     "and remarks, 2,710 thanks, 95 % answered, 91 % satisfied, 4,829,520\n"
     "engagements, 1.7 M / 900 K / 635 K followers, 2.5 M people by follower\n"
     "id), with message ids, replies, office hours (Sunday to Thursday\n"
     "07:30-14:30, and holidays) and commenters, and print its report.\n"
     "\n"
     "Options:\n"
     "  -f, --format FORMAT   " FORMAT_LIST " (default text)\n"
     "  -o, --output OUT      write to OUT (atomically) instead of stdout\n"
     "  -h, --help            show this help\n",
     cmd_demo},
    {"serve", SERVE_SYNOPSIS, SERVE_SUMMARY, SERVE_HELP, cmd_serve},
    {"help", "[COMMAND]", "show the help of skpi or of one command",
     "Show the commands of skpi, or the help of COMMAND.\n", cmd_help},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: %s COMMAND [OPTIONS]\n"
            "       %s --version | --help\n"
            "\n"
            "Commands:\n",
            PROG, PROG);
    for (size_t i = 0; i < N_COMMANDS; i++) {
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    }
    fprintf(out, "\nRun '%s COMMAND --help' for the options of one command.\n", PROG);
}

static void command_usage(FILE *out, const command *cmd, int full)
{
    fprintf(out, "Usage: %s %s %s\n", PROG, cmd->name, cmd->synopsis);
    if (full)
        fprintf(out, "\n%s", cmd->help);
}

/* A usage error: say what is wrong, then how to call the command. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int bad_usage(const command *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", PROG);
    if (cmd != NULL)
        fprintf(stderr, "%s: ", cmd->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (cmd != NULL)
        command_usage(stderr, cmd, 0);
    else
        usage(stderr);
    return EXIT_USAGE;
}

/* Show a command's help on stdout. */
static int show_help(const command *cmd)
{
    command_usage(stdout, cmd, 1);
    return finish_output();
}

/*
 * getopt_long() over a command's arguments (argv[0] is its name), with the
 * errors as usage errors: returns the option, or -1 at the end, or -2
 * after a usage error (*rc set).
 */
static int next_option(const command *cmd, int argc, char **argv, const char *shorts,
                       const struct option *longs, int *rc)
{
    int c = getopt_long(argc, argv, shorts, longs, NULL);
    if (c == '?') {
        const char *arg = argv[optind - 1];
        if (optopt != 0 && strncmp(arg, "--", 2) != 0)
            *rc = bad_usage(cmd, "unknown option '-%c'", optopt);
        else
            *rc = bad_usage(cmd, "unknown option '%s'", arg);
        return -2;
    }
    if (c == ':') {
        *rc = bad_usage(cmd, "option '%s' needs a value", argv[optind - 1]);
        return -2;
    }
    return c;
}

static int parse_format(const command *cmd, const char *value, output_format *f,
                        int *rc)
{
    for (size_t i = 0; i < N_FORMATS; i++) {
        if (strcmp(value, format_names[i]) == 0) {
            *f = (output_format)i;
            return 0;
        }
    }
    *rc = bad_usage(cmd, "unknown format '%s' (expected " FORMAT_LIST ")", value);
    return -1;
}

/* ===================================================================== */
/* State files                                                           */
/* ===================================================================== */

static int load_state(const char *path, skpi_tracker **t)
{
    skpi_error e;
    memset(&e, 0, sizeof e);
    skpi_status st = skpi_tracker_load(path, t, &e);
    if (st != SKPI_OK) {
        e.status = st;
        return fail_error(path, &e);
    }
    return EXIT_SUCCESS;
}

static int save_state(const skpi_tracker *t, const char *path)
{
    skpi_error e;
    memset(&e, 0, sizeof e);
    skpi_status st = skpi_tracker_save(t, path, &e);
    if (st != SKPI_OK) {
        e.status = st;
        e.offset = -1;
        return fail_error(path, &e);
    }
    return EXIT_SUCCESS;
}

/* ===================================================================== */
/* ingest                                                                */
/* ===================================================================== */

/* "sun-thu 07:30-14:30" -> the days (bit d for skpi_weekday d) and times. */
static int parse_hours(const char *spec, unsigned *days, char open[6], char close[6])
{
    static const char names[7][4] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    static const int weekday[7] = {SKPI_MONDAY, SKPI_TUESDAY, SKPI_WEDNESDAY,
                                   SKPI_THURSDAY, SKPI_FRIDAY, SKPI_SATURDAY,
                                   SKPI_SUNDAY};
    char d1[4], d2[4] = "";
    int n1 = -1, n2 = -1, end = 0;
    if (sscanf(spec, "%3[a-z]-%3[a-z] %5[0-9:]-%5[0-9:]%n", d1, d2, open, close, &end) != 4 ||
        spec[end] != '\0') {
        end = 0;
        if (sscanf(spec, "%3[a-z] %5[0-9:]-%5[0-9:]%n", d1, open, close, &end) != 3 ||
            spec[end] != '\0')
            return -1;
        strcpy(d2, d1);
    }
    for (int i = 0; i < 7; i++) {
        if (strcmp(d1, names[i]) == 0)
            n1 = i;
        if (strcmp(d2, names[i]) == 0)
            n2 = i;
    }
    if (n1 < 0 || n2 < 0)
        return -1;
    *days = 0;
    for (int i = n1;; i = (i + 1) % 7) { /* "fri-sun", "sun-thu" wrap */
        *days |= 1u << weekday[i];
        if (i == n2)
            break;
    }
    return 0;
}

/* The options that shape a new state file. */
typedef struct shape {
    const char *tz, *bucket;
    const char *hours[16];
    size_t n_hours;
    const char *holidays[64];
    size_t n_holidays;
} shape;

static int shape_given(const shape *s)
{
    return s->tz != NULL || s->bucket != NULL || s->n_hours > 0 || s->n_holidays > 0;
}

/* Build a tracker with the shape's options (the defaults for the rest). */
static int shape_tracker(const command *cmd, const shape *s, skpi_tracker **t)
{
    skpi_options *o = NULL;
    skpi_status st = skpi_options_new(&o);
    int rc = EXIT_SUCCESS;
    if (st != SKPI_OK)
        return fail_status("cannot create the tracker options", st);
    if (s->tz != NULL && (st = skpi_options_set_zone(o, s->tz)) != SKPI_OK) {
        fprintf(stderr, "%s: %s: --tz %s: %s (%s)\n", PROG, cmd->name, s->tz,
                skpi_strerror(st), skpi_status_name(st));
        rc = EXIT_USAGE;
    }
    if (rc == EXIT_SUCCESS && s->bucket != NULL)
        skpi_options_set_bucket(o, strcmp(s->bucket, "hour") == 0 ? SKPI_BUCKET_HOUR
                                                                   : SKPI_BUCKET_DAY);
    for (size_t i = 0; rc == EXIT_SUCCESS && i < s->n_hours; i++) {
        unsigned days;
        char open[6], close[6];
        if (parse_hours(s->hours[i], &days, open, close) != 0) {
            rc = bad_usage(cmd, "--hours '%s': expected DAYS HH:MM-HH:MM, e.g. "
                                "'sun-thu 07:30-14:30'",
                           s->hours[i]);
            break;
        }
        for (int d = 0; d < 7 && rc == EXIT_SUCCESS; d++) {
            if (!(days & (1u << d)))
                continue;
            st = skpi_options_add_business_hours(o, d, open, close);
            if (st != SKPI_OK) {
                fprintf(stderr, "%s: %s: --hours '%s': %s (%s)\n", PROG, cmd->name,
                        s->hours[i], skpi_strerror(st), skpi_status_name(st));
                rc = EXIT_USAGE;
            }
        }
    }
    for (size_t i = 0; rc == EXIT_SUCCESS && i < s->n_holidays; i++) {
        st = skpi_options_add_holiday(o, s->holidays[i]);
        if (st != SKPI_OK) {
            fprintf(stderr, "%s: %s: --holiday %s: %s (%s)\n", PROG, cmd->name,
                    s->holidays[i], skpi_strerror(st), skpi_status_name(st));
            rc = EXIT_USAGE;
        }
    }
    if (rc == EXIT_SUCCESS && (st = skpi_tracker_new(o, t)) != SKPI_OK)
        rc = fail_status("cannot create the tracker", st);
    skpi_options_free(o);
    return rc;
}

/* Progress on a terminal: bytes, rows, rows/s, rejected. */
typedef struct progress {
    int on;
    double start, last;
} progress;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void progress_show(progress *p, const char *file, const skpi_csv_result *r,
                          int final)
{
    double t = now_seconds();
    if (!p->on || (!final && t - p->last < 0.2))
        return;
    p->last = t;
    double secs = t - p->start > 1e-9 ? t - p->start : 1e-9;
    fprintf(stderr, "\r%s: %.1f MB, %llu rows (%.2f M rows/s), %llu rejected\033[K%s",
            file, (double)r->bytes / 1e6, (unsigned long long)r->rows_read,
            (double)r->rows_read / secs / 1e6, (unsigned long long)r->rows_rejected,
            final ? "\n" : "");
}

#define MAX_SHOWN_REJECTS 10

/* Read one file into t; 0 when it was applied, else an exit status. */
static int ingest_file(skpi_tracker *t, const char *file, unsigned flags, int quiet,
                       skpi_csv_result *total)
{
    skpi_error rejects[MAX_SHOWN_REJECTS];
    skpi_csv_result res;
    skpi_csv_reader *reader = NULL;
    const char *name = strcmp(file, "-") == 0 ? "<stdin>" : file;
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
    progress pg = {!quiet && isatty(STDERR_FILENO), 0, 0};
    static char chunk[1 << 20];
    skpi_status st;

    if (f == NULL) {
        fprintf(stderr, "%s: %s: cannot open: %s\n", PROG, file, strerror(errno));
        return EXIT_DATA;
    }
    memset(&res, 0, sizeof res);
    res.rejects = rejects;
    res.max_rejects = MAX_SHOWN_REJECTS;
    pg.start = pg.last = now_seconds();
    st = skpi_csv_reader_new(t, flags, &reader);
    while (st == SKPI_OK) {
        size_t n = fread(chunk, 1, sizeof chunk, f);
        if (n > 0)
            st = skpi_csv_reader_feed(reader, chunk, n, &res);
        progress_show(&pg, name, &res, 0);
        if (n < sizeof chunk) {
            if (ferror(f)) {
                fprintf(stderr, "%s: %s: cannot read: %s\n", PROG, name, strerror(errno));
                skpi_csv_reader_free(reader);
                if (f != stdin)
                    fclose(f);
                return EXIT_DATA;
            }
            break;
        }
    }
    if (f != stdin)
        fclose(f);
    if (st == SKPI_OK)
        st = skpi_csv_reader_finish(reader, &res);
    skpi_csv_reader_free(reader);
    progress_show(&pg, name, &res, 1);

    for (size_t i = 0; i < res.n_rejects; i++)
        fail_error(name, &rejects[i]);
    if (res.rows_rejected > res.n_rejects)
        fprintf(stderr, "%s: %s: %llu more rows rejected\n", PROG, name,
                (unsigned long long)(res.rows_rejected - res.n_rejects));
    total->rows_read += res.rows_read;
    total->rows_applied += res.rows_applied;
    total->rows_rejected += res.rows_rejected;
    total->rows_bad += res.rows_bad;
    total->anomalies += res.anomalies;
    total->registered += res.registered;
    total->bytes += res.bytes;
    if (st != SKPI_OK) {
        /* A row error was listed above; anything else is said here. */
        if (res.n_rejects == 0 || res.error.line != rejects[0].line)
            fail_error(name, &res.error);
        return EXIT_DATA;
    }
    return EXIT_SUCCESS;
}

static int cmd_ingest(int argc, char **argv)
{
    const command *cmd = find_command("ingest");
    enum { O_TZ = 256, O_BUCKET, O_HOURS, O_HOLIDAY, O_STRICT, O_LENIENT, O_NEW };
    static const struct option longs[] = {
        {"output", required_argument, NULL, 'o'},
        {"tz", required_argument, NULL, O_TZ},
        {"bucket", required_argument, NULL, O_BUCKET},
        {"hours", required_argument, NULL, O_HOURS},
        {"holiday", required_argument, NULL, O_HOLIDAY},
        {"strict", no_argument, NULL, O_STRICT},
        {"lenient", no_argument, NULL, O_LENIENT},
        {"allow-new", no_argument, NULL, O_NEW},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    shape sh;
    const char *state = NULL;
    unsigned flags = 0;
    int quiet = 0, rc = EXIT_SUCCESS, c;
    skpi_tracker *t = NULL;
    struct stat sb;

    memset(&sh, 0, sizeof sh);
    while ((c = next_option(cmd, argc, argv, ":o:qh", longs, &rc)) != -1) {
        switch (c) {
        case -2:
            return rc;
        case 'o':
            state = optarg;
            break;
        case O_TZ:
            sh.tz = optarg;
            break;
        case O_BUCKET:
            if (strcmp(optarg, "day") != 0 && strcmp(optarg, "hour") != 0)
                return bad_usage(cmd, "unknown bucket '%s' (expected day or hour)",
                                 optarg);
            sh.bucket = optarg;
            break;
        case O_HOURS:
            if (sh.n_hours == sizeof sh.hours / sizeof sh.hours[0])
                return bad_usage(cmd, "too many --hours options");
            sh.hours[sh.n_hours++] = optarg;
            break;
        case O_HOLIDAY:
            if (sh.n_holidays == sizeof sh.holidays / sizeof sh.holidays[0])
                return bad_usage(cmd, "too many --holiday options");
            sh.holidays[sh.n_holidays++] = optarg;
            break;
        case O_STRICT:
            flags &= ~SKPI_CSV_LENIENT;
            break;
        case O_LENIENT:
            flags |= SKPI_CSV_LENIENT;
            break;
        case O_NEW:
            flags |= SKPI_CSV_ALLOW_NEW;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            return show_help(cmd);
        default:
            return bad_usage(cmd, "unexpected option");
        }
    }
    if (state == NULL)
        return bad_usage(cmd, "no state file given (-o STATE)");
    if (optind >= argc)
        return bad_usage(cmd, "no input file given (use - for standard input)");

    if (stat(state, &sb) == 0) {
        if ((rc = load_state(state, &t)) != EXIT_SUCCESS)
            return rc;
        if (shape_given(&sh)) {
            /* The options must be those STATE was made with: merging an
             * empty tracker made with them checks exactly that. */
            skpi_tracker *probe = NULL;
            rc = shape_tracker(cmd, &sh, &probe);
            if (rc == EXIT_SUCCESS) {
                skpi_status st = skpi_tracker_merge(t, probe);
                if (st == SKPI_EINCOMPAT) {
                    fprintf(stderr,
                            "%s: %s: was made with other options (zone %s, %s "
                            "buckets, business hours); leave out --tz, --bucket, "
                            "--hours and --holiday to use its own\n",
                            PROG, state, skpi_tracker_zone(t),
                            skpi_tracker_bucket(t) == SKPI_BUCKET_HOUR ? "hour" : "day");
                    rc = EXIT_DATA;
                } else if (st != SKPI_OK) {
                    rc = fail_status(state, st);
                }
            }
            skpi_tracker_free(probe);
        }
    } else if (errno != ENOENT) {
        fprintf(stderr, "%s: %s: %s\n", PROG, state, strerror(errno));
        return EXIT_DATA;
    } else {
        rc = shape_tracker(cmd, &sh, &t);
    }

    skpi_csv_result total;
    memset(&total, 0, sizeof total);
    for (int i = optind; rc == EXIT_SUCCESS && i < argc; i++) {
        rc = ingest_file(t, argv[i], flags, quiet, &total);
    }
    if (rc == EXIT_SUCCESS)
        rc = save_state(t, state);
    if (!quiet) {
        fprintf(stderr,
                "%s: %llu rows read, %llu applied (%llu refused but counted), %llu "
                "rejected",
                PROG, (unsigned long long)total.rows_read,
                (unsigned long long)total.rows_applied,
                (unsigned long long)total.anomalies,
                (unsigned long long)total.rows_rejected);
        if (total.rows_bad != total.rows_rejected)
            fprintf(stderr, " (%llu bad)", (unsigned long long)total.rows_bad);
        if (total.registered > 0)
            fputs("; ", stderr);
        if (total.registered > 0)
            fprintf(stderr, "%llu new taxonomy entries",
                    (unsigned long long)total.registered);
        fprintf(stderr, rc == EXIT_SUCCESS ? "; saved %s\n" : "; %s left unchanged\n",
                state);
    }
    skpi_tracker_free(t);
    return rc;
}

/* ===================================================================== */
/* report                                                                */
/* ===================================================================== */

static int cmd_report(int argc, char **argv)
{
    const command *cmd = find_command("report");
    static const struct option longs[] = {
        {"period", required_argument, NULL, 'p'},
        {"from", required_argument, NULL, 'F'},
        {"to", required_argument, NULL, 'T'},
        {"platform", required_argument, NULL, 'P'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *period = NULL, *from = NULL, *to = NULL;
    const char *slugs[SKPI_MAX_PLATFORMS];
    uint32_t ids[SKPI_MAX_PLATFORMS];
    size_t n_slugs = 0;
    report_request q;
    char name[2 * SKPI_TIME_BUFSIZE + 2];
    skpi_tracker *t = NULL;
    skpi_status st;
    int rc = EXIT_SUCCESS, c;

    memset(&q, 0, sizeof q);
    q.format = FORMAT_TEXT;
    while ((c = next_option(cmd, argc, argv, ":p:f:o:h", longs, &rc)) != -1) {
        switch (c) {
        case -2:
            return rc;
        case 'p':
            period = optarg;
            break;
        case 'F':
            from = optarg;
            break;
        case 'T':
            to = optarg;
            break;
        case 'P':
            if (n_slugs == SKPI_MAX_PLATFORMS)
                return bad_usage(cmd, "too many --platform options");
            slugs[n_slugs++] = optarg;
            break;
        case 'f':
            if (parse_format(cmd, optarg, &q.format, &rc) != 0)
                return rc;
            break;
        case 'o':
            q.output = optarg;
            break;
        case 'h':
            return show_help(cmd);
        default:
            return bad_usage(cmd, "unexpected option");
        }
    }
    if (optind >= argc)
        return bad_usage(cmd, "no state file given");
    if (optind + 1 < argc)
        return bad_usage(cmd, "unexpected argument '%s'", argv[optind + 1]);
    if (period != NULL && (from != NULL || to != NULL))
        return bad_usage(cmd, "--period and --from/--to exclude each other");
    if ((from == NULL) != (to == NULL))
        return bad_usage(cmd, "--from and --to go together");

    const char *state = argv[optind];
    if ((rc = load_state(state, &t)) != EXIT_SUCCESS)
        return rc;
    for (size_t i = 0; i < n_slugs && rc == EXIT_SUCCESS; i++) {
        st = skpi_taxonomy_find(t, SKPI_PLATFORM, slugs[i], &ids[i]);
        if (st != SKPI_OK)
            rc = bad_usage(cmd, "unknown platform '%s' (%s knows %zu platforms; see "
                                "'skpi report --format json')",
                           slugs[i], state, skpi_taxonomy_count(t, SKPI_PLATFORM));
    }
    q.platforms = n_slugs > 0 ? ids : NULL;
    q.n_platforms = n_slugs;

    if (rc == EXIT_SUCCESS) {
        if (period == NULL && from != NULL) {
            snprintf(name, sizeof name, "%s/%s", from, to);
            period = name;
        }
        if (period != NULL) {
            st = skpi_period_parse(t, period, &q.from, &q.to);
            if (st != SKPI_OK)
                rc = bad_usage(cmd, "period '%s': %s (%s)", period, skpi_strerror(st),
                               skpi_status_name(st));
            q.name = period;
        } else {
            /* Every day that holds data, named by its first and last day. */
            char a[SKPI_TIME_BUFSIZE], b[SKPI_TIME_BUFSIZE];
            st = skpi_tracker_extent(t, &q.from, &q.to);
            if (st == SKPI_ENODATA) {
                fprintf(stderr, "%s: %s: holds no events; nothing to report\n", PROG,
                        state);
                rc = EXIT_DATA;
            } else if (st != SKPI_OK) {
                rc = fail_status("skpi_tracker_extent", st);
            } else if (skpi_time_format(t, q.from, a, sizeof a) == SKPI_OK &&
                       skpi_time_format(t, q.to, b, sizeof b) == SKPI_OK) {
                snprintf(name, sizeof name, "%.10s/%.10s", a, b);
                q.name = name;
            } else {
                q.name = "all data";
            }
        }
    }
    if (rc == EXIT_SUCCESS)
        rc = emit_report(t, "Social media desk report", &q);
    skpi_tracker_free(t);
    return rc;
}

/* ===================================================================== */
/* merge                                                                 */
/* ===================================================================== */

static int cmd_merge(int argc, char **argv)
{
    const command *cmd = find_command("merge");
    static const struct option longs[] = {{"output", required_argument, NULL, 'o'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    const char *out = NULL;
    skpi_tracker *t = NULL;
    int rc = EXIT_SUCCESS, c;

    while ((c = next_option(cmd, argc, argv, ":o:h", longs, &rc)) != -1) {
        switch (c) {
        case -2:
            return rc;
        case 'o':
            out = optarg;
            break;
        case 'h':
            return show_help(cmd);
        default:
            return bad_usage(cmd, "unexpected option");
        }
    }
    if (out == NULL)
        return bad_usage(cmd, "no output file given (-o OUT)");
    if (optind >= argc)
        return bad_usage(cmd, "no state file given");
    if ((rc = load_state(argv[optind], &t)) != EXIT_SUCCESS)
        return rc;
    for (int i = optind + 1; i < argc && rc == EXIT_SUCCESS; i++) {
        skpi_tracker *next = NULL;
        if ((rc = load_state(argv[i], &next)) != EXIT_SUCCESS)
            break;
        skpi_status st = skpi_tracker_merge(t, next);
        if (st != SKPI_OK) {
            fprintf(stderr, "%s: %s: cannot merge into %s: %s (%s)\n", PROG, argv[i],
                    argv[optind], skpi_strerror(st), skpi_status_name(st));
            rc = EXIT_DATA;
        }
        skpi_tracker_free(next);
    }
    if (rc == EXIT_SUCCESS)
        rc = save_state(t, out);
    skpi_tracker_free(t);
    return rc;
}

/* ===================================================================== */
/* sample and demo                                                       */
/* ===================================================================== */

/* The demo desk's tracker: UTC+04:00, its office hours and holidays. */
static int demo_tracker(skpi_tracker **t)
{
    skpi_options *opts = NULL;
    skpi_status st;
    if ((st = skpi_options_new(&opts)) != SKPI_OK)
        return fail_status("cannot create the tracker options", st);
    st = demo_options(opts);
    if (st == SKPI_OK)
        st = skpi_tracker_new(opts, t);
    skpi_options_free(opts);
    if (st != SKPI_OK)
        return fail_status("cannot create the demo tracker", st);
    return EXIT_SUCCESS;
}

static int cmd_sample(int argc, char **argv)
{
    const command *cmd = find_command("sample");
    enum { O_FOLLOWERS = 256, O_HOLIDAYS };
    static const struct option longs[] = {
        {"output", required_argument, NULL, 'o'},
        {"follower-ids", no_argument, NULL, O_FOLLOWERS},
        {"holidays", no_argument, NULL, O_HOLIDAYS},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *out = NULL;
    unsigned flags = DEMO_ENGAGER_IDS;
    int holidays = 0, rc = EXIT_SUCCESS, c;
    skpi_tracker *t = NULL;

    while ((c = next_option(cmd, argc, argv, ":o:h", longs, &rc)) != -1) {
        switch (c) {
        case -2:
            return rc;
        case 'o':
            out = optarg;
            break;
        case O_FOLLOWERS:
            flags |= DEMO_FOLLOWER_IDS;
            break;
        case O_HOLIDAYS:
            holidays = 1;
            break;
        case 'h':
            return show_help(cmd);
        default:
            return bad_usage(cmd, "unexpected option");
        }
    }
    if (optind < argc)
        return bad_usage(cmd, "unexpected argument '%s'", argv[optind]);
    if (holidays) {
        for (size_t i = 0; demo_holiday(i) != NULL; i++)
            printf("%s--holiday %s", i > 0 ? " " : "", demo_holiday(i));
        printf("\n");
        return finish_output();
    }
    if ((rc = demo_tracker(&t)) != EXIT_SUCCESS)
        return rc;

    char *buf = NULL;
    size_t len = 0;
    FILE *f = out != NULL && strcmp(out, "-") != 0 ? open_memstream(&buf, &len) : stdout;
    skpi_status st = f == NULL ? SKPI_ENOMEM : demo_write_csv(t, f, flags);
    if (f != NULL && f != stdout && fclose(f) != 0 && st == SKPI_OK)
        st = SKPI_ENOMEM;
    if (st != SKPI_OK)
        rc = fail_status("cannot write the sample", st);
    else if (f == stdout)
        rc = finish_output();
    else
        rc = write_output(out, buf, len);
    free(buf);
    skpi_tracker_free(t);
    return rc;
}

static int cmd_demo(int argc, char **argv)
{
    const command *cmd = find_command("demo");
    static const struct option longs[] = {{"format", required_argument, NULL, 'f'},
                                          {"output", required_argument, NULL, 'o'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    report_request q;
    skpi_tracker *t = NULL;
    skpi_status st;
    int rc = EXIT_SUCCESS, c;

    memset(&q, 0, sizeof q);
    q.format = FORMAT_TEXT;
    while ((c = next_option(cmd, argc, argv, ":f:o:h", longs, &rc)) != -1) {
        switch (c) {
        case -2:
            return rc;
        case 'f':
            if (parse_format(cmd, optarg, &q.format, &rc) != 0)
                return rc;
            break;
        case 'o':
            q.output = optarg;
            break;
        case 'h':
            return show_help(cmd);
        default:
            return bad_usage(cmd, "unexpected option");
        }
    }
    if (optind < argc)
        return bad_usage(cmd, "unexpected argument '%s'", argv[optind]);

    /* The desk's tracker: local time UTC+04:00, its office hours and
     * holidays (demo_options()), day buckets, the default rating scale and
     * SLA targets. */
    if ((rc = demo_tracker(&t)) != EXIT_SUCCESS)
        return rc;
    q.name = demo_period();
    if ((st = demo_build(t, DEMO_FOLLOWER_IDS | DEMO_ENGAGER_IDS)) != SKPI_OK)
        rc = fail_status("cannot build the demo data", st);
    else if ((st = skpi_period_parse(t, q.name, &q.from, &q.to)) != SKPI_OK)
        rc = fail_status("cannot read the period", st);
    else
        rc = emit_report(t, "Social media desk report (demo data)", &q);
    skpi_tracker_free(t);
    return rc;
}

static int cmd_help(int argc, char **argv)
{
    const command *cmd = find_command("help");
    if (argc > 2)
        return bad_usage(cmd, "unexpected argument '%s'", argv[2]);
    if (argc == 2) {
        const command *target = find_command(argv[1]);
        if (target == NULL)
            return bad_usage(cmd, "unknown command '%s'", argv[1]);
        command_usage(stdout, target, 1);
    } else {
        usage(stdout);
    }
    return finish_output();
}

/* ===================================================================== */
/* main                                                                  */
/* ===================================================================== */

int main(int argc, char **argv)
{
    const command *cmd;

    if (argc < 2)
        return bad_usage(NULL, "%s", "no command given");
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        printf("%s %s\n", PROG, skpi_version_string());
        return finish_output();
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return finish_output();
    }
    if (argv[1][0] == '-')
        return bad_usage(NULL, "unknown option '%s'", argv[1]);
    cmd = find_command(argv[1]);
    if (cmd == NULL)
        return bad_usage(NULL, "unknown command '%s'", argv[1]);
    opterr = 0; /* next_option() words the errors */
    return cmd->run(argc - 1, argv + 1);
}

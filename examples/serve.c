/*
 * serve.c -- `skpi serve`: state files served to Prometheus over HTTP.
 *
 *   skpi serve [--listen 127.0.0.1:9464] [--reload SECONDS] [--log] STATE...
 *
 * The idea.  A desk that runs one tracker per machine (or per process)
 * saves its state files, and Prometheus does the aggregation across them:
 * each `skpi serve` exports its own shard, and `sum()` in PromQL adds the
 * counters (doc/scaling.md).  Everything is counted over all the data,
 * from the first bucket holding an event to the last, so the counters
 * only grow as the state files grow, as Prometheus counters must.
 *
 * The exposition is rendered once per generation, not per scrape.  A
 * generation is what the state files held when they were last loaded: the
 * files, loaded and merged into one tracker, are rendered in both formats
 * (OpenMetrics 1.0 and the Prometheus text 0.0.4) into two libmicrohttpd
 * response objects, and the tracker is freed.  A scrape then only picks one
 * of the two responses and queues it: no report is made and the text is
 * not copied (the one allocation is the request's small record), and
 * every scrape of a generation gets the same bytes.  Rendering the demo
 * desk's half year takes about 10 ms a format, serving it a few
 * microseconds (doc/scaling.md).
 *
 * Threads.  libmicrohttpd runs its own thread (one poll() loop for every
 * connection, MHD_USE_POLL_INTERNAL_THREAD); the reload thread wakes up
 * every --reload seconds, compares each file's device, inode, size and
 * modification time with what it saw last, and on a change builds a new
 * generation off to the side; the main thread waits in sigwait() for
 * SIGTERM or SIGINT.  The current generation's two responses are guarded by
 * a read-write lock: a request holds it for reading only while it queues a
 * response, and the reload thread holds it for writing only to swap the two
 * pointers.  libmicrohttpd counts the references to a response (one per
 * queued use, one for us), so after the swap the reload thread drops our
 * reference to the old ones and a connection still sending an old response
 * keeps it alive until it is done.  A reload that fails (a damaged or
 * missing file, trackers that do not merge) leaves the generation served
 * as it was, and is reported on stderr once: the files' signatures are
 * recorded before every attempt, so the same failure is tried again only
 * when a file changes again.  A file being replaced while it is read is
 * caught at the next check, its signature having changed since.
 *
 * Limits.  Read-only: GET and HEAD only (405 otherwise, with Allow), two
 * paths (404 otherwise), no request body (413).  At most MAX_CONNECTIONS
 * connections at a time; a connection idle for CONNECTION_TIMEOUT seconds
 * is closed; the request line and headers must fit in CONNECTION_MEMORY
 * bytes (libmicrohttpd answers 414 or 431 beyond).  It listens on
 * 127.0.0.1 unless told otherwise.  The listening socket is opened here,
 * not by libmicrohttpd, so that a failure to bind is reported with its
 * reason, and so that port 0 (any free port) can be used and the port
 * obtained be printed.
 */
#define _GNU_SOURCE /* getopt_long, SOCK_CLOEXEC */

#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include <socialkpi.h>

#include "serve.h"

#define PROG "skpi: serve"

enum { EXIT_DATA = 1, EXIT_USAGE = 2 };

#define DEFAULT_LISTEN "127.0.0.1:9464"
#define DEFAULT_RELOAD 10u
#define MAX_RELOAD 86400u
#define MAX_CONNECTIONS 64u
#define CONNECTION_TIMEOUT 30u             /* seconds without traffic */
#define CONNECTION_MEMORY ((size_t)16384)  /* request line and headers */
#define LISTEN_BACKLOG 64

/* The name of 413 before libmicrohttpd 0.9.74. */
#ifndef MHD_HTTP_CONTENT_TOO_LARGE
#define MHD_HTTP_CONTENT_TOO_LARGE 413
#endif

/* ===================================================================== */
/* The server                                                            */
/* ===================================================================== */

/* What a state file looked like when it was last (re)loaded. */
typedef struct file_sig {
    int err; /* stat()'s errno, 0 if it succeeded */
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
} file_sig;

typedef struct server {
    char *const *paths;
    size_t n_paths;
    unsigned reload; /* seconds between checks, 0 for never */
    int log;         /* --log */
    file_sig *seen;  /* per path, at the last load attempt (reload thread) */

    /* The current generation: both formats, and their lengths for --log.
     * Guarded by `lock`; we own one reference to each response. */
    pthread_rwlock_t lock;
    struct MHD_Response *om, *text;
    size_t om_len, text_len;

    /* Fixed responses, created once and never swapped. */
    struct MHD_Response *health, *not_found, *not_allowed, *too_large;

    /* The reload thread sleeps on stop_cv until its next check or the
     * stop. */
    pthread_mutex_t stop_mu;
    pthread_cond_t stop_cv;
    int stopping;
} server;

/* Bodies of the fixed responses and of an empty state (see render()). */
static char body_ok[] = "ok\n";
static char body_not_found[] = "not found: the paths are /metrics and /healthz\n";
static char body_not_allowed[] = "method not allowed: this server is read-only\n";
static char body_too_large[] = "request bodies are not accepted\n";
static char body_empty_om[] = "# EOF\n";
static char body_empty_text[] = "";

#define TEXT_PLAIN "text/plain; charset=utf-8"

/* ===================================================================== */
/* Messages                                                              */
/* ===================================================================== */

/* A usage error: what is wrong, then how to call the command. */
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static int bad_usage(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", PROG);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nUsage: skpi serve %s\n", SERVE_SYNOPSIS);
    return EXIT_USAGE;
}

/* A library error on a state file, worded as skpi.c words it:
 * "PATH: at byte N: text (SKPI_E...)". */
static void describe_error(char *msg, size_t size, const char *path,
                           const skpi_error *e)
{
    char where[48] = "";
    if (e->line > 0)
        snprintf(where, sizeof where, ":%lld", (long long)e->line);
    else if (e->offset >= 0)
        snprintf(where, sizeof where, ": at byte %lld", (long long)e->offset);
    snprintf(msg, size, "%s%s: %s (%s)", path, where,
             e->text[0] != '\0' ? e->text : skpi_strerror((skpi_status)e->status),
             skpi_status_name((skpi_status)e->status));
}

/* ===================================================================== */
/* Generations: load, merge, render                                      */
/* ===================================================================== */

static void stat_file(const char *path, file_sig *sig)
{
    struct stat sb;
    memset(sig, 0, sizeof *sig);
    if (stat(path, &sb) != 0) {
        sig->err = errno;
        return;
    }
    sig->dev = sb.st_dev;
    sig->ino = sb.st_ino;
    sig->size = sb.st_size;
    sig->mtime = sb.st_mtim;
}

static int same_sig(const file_sig *a, const file_sig *b)
{
    return a->err == b->err && a->dev == b->dev && a->ino == b->ino &&
           a->size == b->size && a->mtime.tv_sec == b->mtime.tv_sec &&
           a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/*
 * Load the state files and merge them, in the order given, into one new
 * tracker (*out, freed by the caller).  Every file is stat()ed into sigs[]
 * first, before any is read, so that after a failure sigs[] still
 * describes every file.  On failure returns -1 with the reason in msg.
 */
static int load_all(const server *s, file_sig *sigs, skpi_tracker **out, char *msg,
                    size_t size)
{
    skpi_tracker *all = NULL;
    for (size_t i = 0; i < s->n_paths; i++)
        stat_file(s->paths[i], &sigs[i]);
    for (size_t i = 0; i < s->n_paths; i++) {
        skpi_tracker *t = NULL;
        skpi_error e;
        memset(&e, 0, sizeof e);
        skpi_status st = skpi_tracker_load(s->paths[i], &t, &e);
        if (st != SKPI_OK) {
            e.status = st;
            describe_error(msg, size, s->paths[i], &e);
            skpi_tracker_free(all);
            return -1;
        }
        if (all == NULL) {
            all = t;
            continue;
        }
        st = skpi_tracker_merge(all, t);
        skpi_tracker_free(t);
        if (st != SKPI_OK) {
            snprintf(msg, size, "%s: cannot merge into %s: %s (%s)", s->paths[i],
                     s->paths[0], skpi_strerror(st), skpi_status_name(st));
            skpi_tracker_free(all);
            return -1;
        }
    }
    *out = all;
    return 0;
}

/* Give `r` its Content-Type (and Vary, for an exposition, which depends on
 * the Accept header); NULL if that fails, `r` then released. */
static struct MHD_Response *with_headers(struct MHD_Response *r, const char *content_type,
                                         int exposition)
{
    if (r == NULL)
        return NULL;
    if (MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, content_type) !=
            MHD_YES ||
        (exposition &&
         MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept") != MHD_YES)) {
        MHD_destroy_response(r);
        return NULL;
    }
    return r;
}

/* An exposition rendered by the library: skpi_free() releases it when
 * libmicrohttpd drops the response (or at once if there is none). */
static struct MHD_Response *exposition_response(char *body, size_t len,
                                                const char *content_type)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer_with_free_callback(len, body, skpi_free);
    if (r == NULL)
        skpi_free(body);
    return with_headers(r, content_type, 1);
}

/* A response for a static body. */
static struct MHD_Response *static_response(char *body, const char *content_type,
                                            int exposition)
{
    return with_headers(
        MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_PERSISTENT),
        content_type, exposition);
}

/* A generation: the two expositions of one tracker. */
typedef struct generation {
    struct MHD_Response *om, *text;
    size_t om_len, text_len;
} generation;

/*
 * Render `t` over the extent of its data in both formats.  A tracker that
 * holds no event has no range to report: it gets the empty exposition,
 * "# EOF" alone in OpenMetrics and an empty 0.0.4 body, so that Prometheus
 * scrapes it successfully and finds no series.  Returns -1 with msg set on
 * failure.
 */
static int render(const skpi_tracker *t, generation *g, char *msg, size_t size)
{
    int64_t from = 0, to = 0;
    skpi_status st = skpi_tracker_extent(t, &from, &to);
    memset(g, 0, sizeof *g);
    if (st == SKPI_ENODATA) {
        g->om = static_response(body_empty_om, SKPI_OPENMETRICS_CONTENT_TYPE, 1);
        g->text = static_response(body_empty_text, SKPI_PROMETHEUS_CONTENT_TYPE, 1);
        g->om_len = strlen(body_empty_om);
        st = g->om != NULL && g->text != NULL ? SKPI_OK : SKPI_ENOMEM;
    } else if (st == SKPI_OK) {
        char *om = NULL, *text = NULL;
        st = skpi_report_openmetrics(t, from, to, NULL, 0, 0, &om, &g->om_len);
        if (st == SKPI_OK) {
            g->om = exposition_response(om, g->om_len, SKPI_OPENMETRICS_CONTENT_TYPE);
            st = skpi_report_openmetrics(t, from, to, NULL, 0,
                                         SKPI_OPENMETRICS_PROMETHEUS, &text,
                                         &g->text_len);
        }
        if (st == SKPI_OK) {
            g->text = exposition_response(text, g->text_len, SKPI_PROMETHEUS_CONTENT_TYPE);
            if (g->om == NULL || g->text == NULL)
                st = SKPI_ENOMEM;
        }
    }
    if (st != SKPI_OK) {
        if (g->om != NULL)
            MHD_destroy_response(g->om);
        if (g->text != NULL)
            MHD_destroy_response(g->text);
        snprintf(msg, size, "cannot render the exposition: %s (%s)", skpi_strerror(st),
                 skpi_status_name(st));
        return -1;
    }
    return 0;
}

/* Load, merge and render the state files into a new generation. */
static int build_generation(const server *s, file_sig *sigs, generation *g, char *msg,
                            size_t size)
{
    skpi_tracker *t = NULL;
    if (load_all(s, sigs, &t, msg, size) != 0)
        return -1;
    int rc = render(t, g, msg, size);
    skpi_tracker_free(t);
    return rc;
}

/* Serve `g` from now on; the responses it replaces are released once the
 * last connection sending them is done. */
static void swap_generation(server *s, const generation *g)
{
    struct MHD_Response *old_om, *old_text;
    pthread_rwlock_wrlock(&s->lock);
    old_om = s->om;
    old_text = s->text;
    s->om = g->om;
    s->text = g->text;
    s->om_len = g->om_len;
    s->text_len = g->text_len;
    pthread_rwlock_unlock(&s->lock);
    if (old_om != NULL)
        MHD_destroy_response(old_om);
    if (old_text != NULL)
        MHD_destroy_response(old_text);
}

/* ===================================================================== */
/* The reload thread                                                     */
/* ===================================================================== */

/* Check the files once; reload them if any changed since the last attempt. */
static void reload_check(server *s, file_sig *now)
{
    size_t i;
    for (i = 0; i < s->n_paths; i++)
        stat_file(s->paths[i], &now[i]);
    for (i = 0; i < s->n_paths; i++)
        if (!same_sig(&now[i], &s->seen[i]))
            break;
    if (i == s->n_paths)
        return;

    generation g;
    char msg[512];
    if (build_generation(s, s->seen, &g, msg, sizeof msg) != 0) {
        fprintf(stderr, "%s: reload failed, still serving the previous state: %s\n",
                PROG, msg);
        return;
    }
    swap_generation(s, &g);
    fprintf(stderr, "%s: reloaded %zu state file%s\n", PROG, s->n_paths,
            s->n_paths == 1 ? "" : "s");
}

static void *reload_main(void *arg)
{
    server *s = arg;
    file_sig *now = calloc(s->n_paths, sizeof *now);
    if (now == NULL) {
        fprintf(stderr, "%s: out of memory: state files will not be reloaded\n", PROG);
        return NULL;
    }
    pthread_mutex_lock(&s->stop_mu);
    while (!s->stopping) {
        struct timespec deadline;
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += (time_t)s->reload;
        int rc = 0;
        while (!s->stopping && rc != ETIMEDOUT)
            rc = pthread_cond_timedwait(&s->stop_cv, &s->stop_mu, &deadline);
        if (s->stopping)
            break;
        pthread_mutex_unlock(&s->stop_mu);
        reload_check(s, now);
        pthread_mutex_lock(&s->stop_mu);
    }
    pthread_mutex_unlock(&s->stop_mu);
    free(now);
    return NULL;
}

/* ===================================================================== */
/* Content negotiation                                                   */
/* ===================================================================== */

/*
 * Which format an Accept header asks for.  Each media range of the header
 * is matched against the two formats; a format takes the quality (q, 0 to
 * 1, kept in thousandths) of the most specific range that matches it,
 * and the highest of those when several are equally specific:
 *
 *   3  the type with a version we write: application/openmetrics-text;
 *      version=1.0.0 (or 0.0.1, the draft Prometheus also lists), and
 *      text/plain; version=0.0.4
 *   2  the type without a version
 *   1  text/(asterisk), for the 0.0.4 text only
 *   0  (asterisk)/(asterisk), for the 0.0.4 text only
 *
 * OpenMetrics is served when a range names application/openmetrics-text
 * with a quality above 0 and at least the 0.0.4 text's; the 0.0.4 text in
 * every other case, including no Accept header, (asterisk)/(asterisk)
 * alone (curl's default) and headers that accept neither (no 406: a scraper that can
 * read anything reads the 0.0.4 text).  A range with a malformed
 * quality or syntax is ignored; parameters other than q and version are.
 */
typedef struct quality {
    int spec; /* -1: no range matched */
    int q;    /* thousandths */
} quality;

static int is_tchar(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Read a token (lowercased, '/' allowed when `slash`) into buf; returns
 * its length, or -1 if it is empty or does not fit. */
static int read_token(const char **p, char *buf, size_t size, int slash)
{
    size_t n = 0;
    int fits = 1;
    while (is_tchar((unsigned char)**p) || (slash && **p == '/')) {
        if (n + 1 < size)
            buf[n++] = (char)lower((unsigned char)**p);
        else
            fits = 0;
        (*p)++;
    }
    buf[n] = '\0';
    return n > 0 && fits ? (int)n : -1;
}

/* Read a parameter value: a token or a quoted string (quotes removed). */
static int read_value(const char **p, char *buf, size_t size)
{
    size_t n = 0;
    int fits = 1;
    if (**p != '"') {
        while (is_tchar((unsigned char)**p)) {
            if (n + 1 < size)
                buf[n++] = **p;
            else
                fits = 0;
            (*p)++;
        }
        buf[n] = '\0';
        return n > 0 && fits ? 0 : -1;
    }
    (*p)++;
    while (**p != '"') {
        if (**p == '\0')
            return -1;
        if (**p == '\\' && (*p)[1] != '\0')
            (*p)++;
        if (n + 1 < size)
            buf[n++] = **p;
        else
            fits = 0;
        (*p)++;
    }
    (*p)++;
    buf[n] = '\0';
    return fits ? 0 : -1;
}

/* "0", "0.5", "0.125", "1", "1.000" -> thousandths; -1 if malformed. */
static int parse_q(const char *v)
{
    if ((v[0] != '0' && v[0] != '1') || (v[1] != '\0' && v[1] != '.'))
        return -1;
    int q = (v[0] - '0') * 1000, scale = 100;
    if (v[1] == '.') {
        const char *d = v + 2;
        for (; *d != '\0'; d++) {
            if (*d < '0' || *d > '9' || scale == 0)
                return -1;
            q += (*d - '0') * scale;
            scale /= 10;
        }
    }
    return q <= 1000 ? q : -1;
}

static void skip_ows(const char **p)
{
    while (**p == ' ' || **p == '\t')
        (*p)++;
}

/* Skip to the next element: past the next comma outside quotes. */
static void skip_element(const char **p)
{
    int quoted = 0;
    for (; **p != '\0'; (*p)++) {
        if (quoted && **p == '\\' && (*p)[1] != '\0')
            (*p)++;
        else if (**p == '"')
            quoted = !quoted;
        else if (!quoted && **p == ',')
            return;
    }
}

static void consider(quality *best, int spec, int q)
{
    if (spec > best->spec || (spec == best->spec && q > best->q)) {
        best->spec = spec;
        best->q = q;
    }
}

static int wants_openmetrics(const char *accept)
{
    quality om = {-1, 0}, text = {-1, 0};
    const char *p = accept;
    if (p == NULL)
        return 0;
    while (*p != '\0') {
        char type[64], name[32], value[32], version[32] = "";
        int ok = 1, q = 1000, versioned = 0;
        skip_ows(&p);
        if (*p == ',') { /* empty elements are allowed */
            p++;
            continue;
        }
        if (read_token(&p, type, sizeof type, 1) < 0)
            ok = 0;
        for (skip_ows(&p); ok && *p == ';'; skip_ows(&p)) {
            p++;
            skip_ows(&p);
            if (read_token(&p, name, sizeof name, 0) < 0 || *p != '=') {
                ok = 0;
                break;
            }
            p++;
            if (read_value(&p, value, sizeof value) != 0) {
                ok = 0;
            } else if (strcmp(name, "q") == 0) {
                if ((q = parse_q(value)) < 0)
                    ok = 0;
            } else if (strcmp(name, "version") == 0) {
                versioned = 1;
                memcpy(version, value, sizeof version);
            }
        }
        if (*p != ',' && *p != '\0')
            ok = 0;
        skip_element(&p);
        if (!ok)
            continue;
        if (strcmp(type, "application/openmetrics-text") == 0) {
            if (!versioned)
                consider(&om, 2, q);
            else if (strcmp(version, "1.0.0") == 0 || strcmp(version, "0.0.1") == 0)
                consider(&om, 3, q);
        } else if (strcmp(type, "text/plain") == 0) {
            if (!versioned)
                consider(&text, 2, q);
            else if (strcmp(version, "0.0.4") == 0)
                consider(&text, 3, q);
        } else if (strcmp(type, "text/*") == 0) {
            consider(&text, 1, q);
        } else if (strcmp(type, "*/*") == 0) {
            consider(&text, 0, q);
        }
    }
    return om.spec >= 0 && om.q > 0 && om.q >= (text.spec >= 0 ? text.q : 0);
}

/* ===================================================================== */
/* Requests                                                              */
/* ===================================================================== */

/* One request, from its first call to its completion; the rest is what
 * --log writes about it. */
typedef struct request {
    struct timespec start; /* monotonic */
    struct timespec wall;  /* realtime, for the line */
    char client[64];
    char method[16];
    char path[128];
    unsigned status; /* 0 until a response is queued */
    size_t bytes;    /* of the body sent */
} request;

/* Copy `src` for a log line: bytes other than printable ASCII are written
 * as %XX (so that a path cannot forge lines), and it is cut with "..." if
 * it is too long. */
static void log_copy(char *dst, size_t size, const char *src)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    for (; *src != '\0'; src++) {
        unsigned char c = (unsigned char)*src;
        size_t need = c > 0x20 && c < 0x7f && c != '%' ? 1 : 3;
        if (n + need + 4 > size) {
            memcpy(dst + n, "...", 4);
            return;
        }
        if (need == 1) {
            dst[n++] = (char)c;
        } else {
            dst[n++] = '%';
            dst[n++] = hex[c >> 4];
            dst[n++] = hex[c & 15];
        }
    }
    dst[n] = '\0';
}

static void client_address(struct MHD_Connection *c, char *buf, size_t size)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(buf, size, "-");
    if (info == NULL || info->client_addr == NULL)
        return;
    socklen_t len = info->client_addr->sa_family == AF_INET6
                        ? (socklen_t)sizeof(struct sockaddr_in6)
                        : (socklen_t)sizeof(struct sockaddr_in);
    if (getnameinfo(info->client_addr, len, buf, (socklen_t)size, NULL, 0,
                    NI_NUMERICHOST) != 0)
        snprintf(buf, size, "-");
}

/* Whether the request announces a body (none is accepted). */
static int has_body(struct MHD_Connection *c)
{
    const char *len = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                  MHD_HTTP_HEADER_CONTENT_LENGTH);
    const char *te = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_TRANSFER_ENCODING);
    return te != NULL || (len != NULL && strspn(len, "0") != strlen(len));
}

static enum MHD_Result answer(struct MHD_Connection *c, request *rq, unsigned status,
                              struct MHD_Response *r, size_t len, int head)
{
    if (rq != NULL) {
        rq->status = status;
        rq->bytes = head ? 0 : len;
    }
    return MHD_queue_response(c, status, r);
}

/* Answer a request: by path, then method, then body, as the essay says. */
static enum MHD_Result respond(server *s, struct MHD_Connection *c, request *rq,
                               const char *url, const char *method, int body)
{
    int metrics = strcmp(url, "/metrics") == 0;
    int health = strcmp(url, "/healthz") == 0;
    int head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
    int get = head || strcmp(method, MHD_HTTP_METHOD_GET) == 0;

    if (!metrics && !health)
        return answer(c, rq, MHD_HTTP_NOT_FOUND, s->not_found, strlen(body_not_found),
                      head);
    if (!get)
        return answer(c, rq, MHD_HTTP_METHOD_NOT_ALLOWED, s->not_allowed,
                      strlen(body_not_allowed), 0);
    if (body)
        return answer(c, rq, MHD_HTTP_CONTENT_TOO_LARGE, s->too_large,
                      strlen(body_too_large), head);
    if (health)
        return answer(c, rq, MHD_HTTP_OK, s->health, strlen(body_ok), head);

    int om = wants_openmetrics(
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT));
    pthread_rwlock_rdlock(&s->lock);
    enum MHD_Result ret = answer(c, rq, MHD_HTTP_OK, om ? s->om : s->text,
                                 om ? s->om_len : s->text_len, head);
    pthread_rwlock_unlock(&s->lock);
    return ret;
}

/*
 * libmicrohttpd's access handler.  It is called first when the request's
 * headers are in, then again once the whole request is (and once per
 * piece of a body in between).  A request without a body is answered on
 * the second call, which keeps the connection open for the next request
 * (Prometheus reuses it from scrape to scrape).  A request that announces
 * a body is answered at once, on the first call, with an error: the body
 * is then never read, and libmicrohttpd closes the connection after the
 * answer.
 */
static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version,
                              const char *upload_data, size_t *upload_data_size,
                              void **req_cls)
{
    server *s = cls;
    request *rq = *req_cls;
    (void)version;
    (void)upload_data;

    if (rq == NULL) {
        if ((rq = calloc(1, sizeof *rq)) == NULL)
            return MHD_NO;
        *req_cls = rq;
        if (s->log) {
            clock_gettime(CLOCK_MONOTONIC, &rq->start);
            clock_gettime(CLOCK_REALTIME, &rq->wall);
            client_address(c, rq->client, sizeof rq->client);
            log_copy(rq->method, sizeof rq->method, method);
            log_copy(rq->path, sizeof rq->path, url);
        }
        if (has_body(c))
            return respond(s, c, rq, url, method, 1);
        return MHD_YES;
    }
    if (*upload_data_size != 0 || rq->status != 0) { /* not expected: dropped */
        *upload_data_size = 0;
        return MHD_YES;
    }
    return respond(s, c, rq, url, method, 0);
}

/* The end of a request: its --log line. */
static void completed(void *cls, struct MHD_Connection *c, void **req_cls,
                      enum MHD_RequestTerminationCode toe)
{
    server *s = cls;
    request *rq = *req_cls;
    (void)c;
    if (rq == NULL)
        return;
    *req_cls = NULL;
    if (!s->log) {
        free(rq);
        return;
    }
    struct timespec end;
    struct tm tm;
    char when[32];
    clock_gettime(CLOCK_MONOTONIC, &end);
    double ms = (double)(end.tv_sec - rq->start.tv_sec) * 1e3 +
                (double)(end.tv_nsec - rq->start.tv_nsec) / 1e6;
    gmtime_r(&rq->wall.tv_sec, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    fprintf(stderr, "%s.%03ldZ %s %s %s %u %zu %.3fms%s\n", when,
            rq->wall.tv_nsec / 1000000, rq->client, rq->method, rq->path, rq->status,
            rq->bytes, ms, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
    free(rq);
}

/* ===================================================================== */
/* Listening                                                             */
/* ===================================================================== */

/*
 * "HOST:PORT" or "[IPV6]:PORT" -> an address to bind.  HOST may be a
 * name (its first address is used).  Returns 0, or -1 after a usage
 * message.
 */
static int parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *len)
{
    char host[256];
    const char *port;
    size_t n;
    if (spec[0] == '[') {
        const char *end = strchr(spec, ']');
        if (end == NULL || end[1] != ':')
            return bad_usage("--listen '%s': expected [IPV6]:PORT", spec), -1;
        n = (size_t)(end - spec - 1);
        port = end + 2;
        spec++;
    } else {
        const char *colon = strrchr(spec, ':');
        if (colon == NULL || strchr(spec, ':') != colon)
            return bad_usage("--listen '%s': expected HOST:PORT or [IPV6]:PORT", spec),
                   -1;
        n = (size_t)(colon - spec);
        port = colon + 1;
    }
    if (n == 0 || n >= sizeof host)
        return bad_usage("--listen: no host, or a host too long, in '%s'", spec), -1;
    memcpy(host, spec, n);
    host[n] = '\0';
    char *end;
    errno = 0;
    long p = strtol(port, &end, 10);
    if (port[0] < '0' || port[0] > '9' || *end != '\0' || errno != 0 || p > 65535)
        return bad_usage("--listen: port '%s': expected 0 to 65535", port), -1;

    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0)
        return bad_usage("--listen: host '%s': %s", host, gai_strerror(rc)), -1;
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *len = (socklen_t)res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

/* "127.0.0.1:9464" or "[::1]:9464" for an address. */
static void format_address(const struct sockaddr *sa, socklen_t len, char *buf,
                           size_t size)
{
    char host[NI_MAXHOST], port[NI_MAXSERV];
    if (getnameinfo(sa, len, host, sizeof host, port, sizeof port,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        snprintf(buf, size, "?");
        return;
    }
    snprintf(buf, size, sa->sa_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, port);
}

/* A listening socket on `ss` (its address, port filled in, back in ss), or
 * -1 with errno set. */
static int open_listener(struct sockaddr_storage *ss, socklen_t *len)
{
    int one = 1;
    int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    /* SO_REUSEADDR lets a restarted server bind while the last one's
     * connections linger in TIME_WAIT; it does not let two servers listen
     * on one port. */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        (ss->ss_family == AF_INET6 &&
         setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0) ||
        bind(fd, (const struct sockaddr *)ss, *len) != 0 ||
        listen(fd, LISTEN_BACKLOG) != 0 ||
        getsockname(fd, (struct sockaddr *)ss, len) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* ===================================================================== */
/* The command                                                           */
/* ===================================================================== */

static int parse_reload(const char *v, unsigned *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (v[0] < '0' || v[0] > '9' || *end != '\0' || errno != 0 || n > (long)MAX_RELOAD)
        return bad_usage("--reload '%s': expected whole seconds, 0 to %u", v, MAX_RELOAD);
    *out = (unsigned)n;
    return 0;
}

static void free_server(server *s)
{
    struct MHD_Response *all[] = {s->om,        s->text,        s->health,
                                  s->not_found, s->not_allowed, s->too_large};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i] != NULL)
            MHD_destroy_response(all[i]);
    free(s->seen);
    pthread_rwlock_destroy(&s->lock);
    pthread_mutex_destroy(&s->stop_mu);
    pthread_cond_destroy(&s->stop_cv);
}

/* Set up the server's locks and fixed responses; -1 if out of memory. */
static int init_server(server *s)
{
    pthread_condattr_t ca;
    if (pthread_rwlock_init(&s->lock, NULL) != 0)
        return -1;
    if (pthread_mutex_init(&s->stop_mu, NULL) != 0) {
        pthread_rwlock_destroy(&s->lock);
        return -1;
    }
    if (pthread_condattr_init(&ca) != 0 ||
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
        pthread_cond_init(&s->stop_cv, &ca) != 0) {
        pthread_mutex_destroy(&s->stop_mu);
        pthread_rwlock_destroy(&s->lock);
        return -1;
    }
    pthread_condattr_destroy(&ca);
    s->seen = calloc(s->n_paths, sizeof *s->seen);
    s->health = static_response(body_ok, TEXT_PLAIN, 0);
    s->not_found = static_response(body_not_found, TEXT_PLAIN, 0);
    s->not_allowed = static_response(body_not_allowed, TEXT_PLAIN, 0);
    s->too_large = static_response(body_too_large, TEXT_PLAIN, 0);
    if (s->not_allowed != NULL &&
        MHD_add_response_header(s->not_allowed, MHD_HTTP_HEADER_ALLOW, "GET, HEAD") !=
            MHD_YES) {
        MHD_destroy_response(s->not_allowed);
        s->not_allowed = NULL;
    }
    if (s->seen == NULL || s->health == NULL || s->not_found == NULL ||
        s->not_allowed == NULL || s->too_large == NULL) {
        free_server(s);
        return -1;
    }
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    static const struct option longs[] = {{"listen", required_argument, NULL, 'l'},
                                          {"reload", required_argument, NULL, 'r'},
                                          {"log", no_argument, NULL, 'L'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    const char *listen_at = DEFAULT_LISTEN;
    server s;
    int c;

    memset(&s, 0, sizeof s);
    s.reload = DEFAULT_RELOAD;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":l:r:h", longs, NULL)) != -1) {
        switch (c) {
        case 'l':
            listen_at = optarg;
            break;
        case 'r':
            if (parse_reload(optarg, &s.reload) != 0)
                return EXIT_USAGE;
            break;
        case 'L':
            s.log = 1;
            break;
        case 'h':
            printf("Usage: skpi serve %s\n\n%s", SERVE_SYNOPSIS, SERVE_HELP);
            return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_SUCCESS : EXIT_DATA;
        case ':':
            return bad_usage("option '%s' needs a value", argv[optind - 1]);
        default:
            if (optopt != 0 && strncmp(argv[optind - 1], "--", 2) != 0)
                return bad_usage("unknown option '-%c'", optopt);
            return bad_usage("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return bad_usage("no state file given");
    s.paths = argv + optind;
    s.n_paths = (size_t)(argc - optind);

    struct sockaddr_storage addr;
    socklen_t addr_len = 0;
    memset(&addr, 0, sizeof addr);
    if (parse_listen(listen_at, &addr, &addr_len) != 0)
        return EXIT_USAGE;

    /* SIGTERM and SIGINT are taken by sigwait() below: block them before
     * any thread starts, so that every thread inherits the mask. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (init_server(&s) != 0) {
        fprintf(stderr, "%s: out of memory\n", PROG);
        return EXIT_DATA;
    }

    generation g;
    char msg[512];
    if (build_generation(&s, s.seen, &g, msg, sizeof msg) != 0) {
        fprintf(stderr, "%s: %s\n", PROG, msg);
        free_server(&s);
        return EXIT_DATA;
    }
    swap_generation(&s, &g);

    char where[NI_MAXHOST + NI_MAXSERV + 4];
    int fd = open_listener(&addr, &addr_len);
    if (fd < 0) {
        fprintf(stderr, "%s: cannot listen on %s: %s\n", PROG, listen_at,
                strerror(errno));
        free_server(&s);
        return EXIT_DATA;
    }
    format_address((const struct sockaddr *)&addr, addr_len, where, sizeof where);

    unsigned flags = MHD_USE_POLL_INTERNAL_THREAD;
    if (addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, handle, &s, MHD_OPTION_LISTEN_SOCKET, fd,
        MHD_OPTION_CONNECTION_LIMIT, MAX_CONNECTIONS, MHD_OPTION_CONNECTION_TIMEOUT,
        CONNECTION_TIMEOUT, MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONNECTION_MEMORY,
        MHD_OPTION_NOTIFY_COMPLETED, completed, &s, MHD_OPTION_END);
    if (d == NULL) {
        fprintf(stderr, "%s: cannot start the HTTP server on %s\n", PROG, where);
        close(fd);
        free_server(&s);
        return EXIT_DATA;
    }

    pthread_t reloader;
    int reloading = 0;
    if (s.reload > 0) {
        reloading = pthread_create(&reloader, NULL, reload_main, &s) == 0;
        if (!reloading)
            fprintf(stderr, "%s: cannot start the reload thread: state files will not "
                            "be reloaded\n",
                    PROG);
    }
    fprintf(stderr, "%s: listening on http://%s/metrics (%zu state file%s; ", PROG,
            where, s.n_paths, s.n_paths == 1 ? "" : "s");
    if (reloading)
        fprintf(stderr, "checked every %u s)\n", s.reload);
    else
        fprintf(stderr, "not reloaded)\n");

    int sig = 0;
    while (sigwait(&stop_signals, &sig) != 0)
        ;
    fprintf(stderr, "%s: %s: stopping\n", PROG, sig == SIGTERM ? "SIGTERM" : "SIGINT");

    if (reloading) {
        pthread_mutex_lock(&s.stop_mu);
        s.stopping = 1;
        pthread_cond_broadcast(&s.stop_cv);
        pthread_mutex_unlock(&s.stop_mu);
        pthread_join(reloader, NULL);
    }
    MHD_stop_daemon(d); /* closes the connections and the listening socket */
    free_server(&s);
    return EXIT_SUCCESS;
}

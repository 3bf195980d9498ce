/*
 * serve.h -- `skpi serve`: state files served to Prometheus over HTTP.
 *
 * serve.c holds the command; it is built only when configure finds
 * libmicrohttpd.  Without it, serve-none.c gives a cmd_serve() that says
 * so and exits 1, so that the command keeps its row (and its help) in
 * skpi.c's table either way.  The texts are here because both the table
 * and serve.c's usage errors need them.
 */
#ifndef SKPI_EXAMPLES_SERVE_H
#define SKPI_EXAMPLES_SERVE_H

#define SERVE_SYNOPSIS "[--listen HOST:PORT] [--reload SECONDS] [--log] STATE..."

#define SERVE_SUMMARY "serve state files over HTTP to Prometheus"

#define SERVE_HELP                                                                  \
    "Serve the state files STATE... over HTTP, merged into one tracker, as\n"      \
    "the OpenMetrics or Prometheus text of all their data (the range\n"            \
    "of every day that holds an event), for a Prometheus server to scrape:\n"      \
    "\n"                                                                           \
    "  GET /metrics   OpenMetrics 1.0 if the Accept header asks for\n"             \
    "                 application/openmetrics-text (as Prometheus does),\n"        \
    "                 else the Prometheus text format 0.0.4\n"                     \
    "  GET /healthz   \"ok\"\n"                                                   \
    "\n"                                                                           \
    "Only GET and HEAD are served (405 otherwise), other paths are 404, and a\n"   \
    "request with a body is refused (413).  The files are checked every\n"         \
    "SECONDS and served anew when one changes; a file that fails to load is\n"     \
    "reported once on stderr and the previous state is served meanwhile.\n"        \
    "SIGTERM or SIGINT stops the server (exit status 0).\n"                        \
    "\n"                                                                           \
    "Options:\n"                                                                   \
    "  -l, --listen HOST:PORT  the address to listen on (default\n"                \
    "                          127.0.0.1:9464; [::1]:9464 for IPv6, port 0 for\n"  \
    "                          any free port): anything but loopback exposes\n"    \
    "                          the metrics to the network, unauthenticated\n"      \
    "  -r, --reload SECONDS    how often to look for changed files (default\n"     \
    "                          10; 0: never)\n"                                    \
    "      --log               one line on stderr per request: time, client,\n"    \
    "                          method, path, status, bytes, duration\n"            \
    "  -h, --help              show this help\n"

/*
 * `skpi serve`: argv[0] is "serve".  Returns the exit status: 0 after a
 * stop by SIGTERM or SIGINT, 1 if a state file cannot be loaded or the
 * address cannot be listened on (or the tool was built without
 * libmicrohttpd), 2 for bad usage.
 */
int cmd_serve(int argc, char **argv);

#endif /* SKPI_EXAMPLES_SERVE_H */

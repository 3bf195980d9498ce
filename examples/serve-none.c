/*
 * serve-none.c -- `skpi serve` in a tool built without libmicrohttpd.
 *
 * configure builds serve.c only when it finds libmicrohttpd; otherwise
 * this file stands in, so that the command is still listed and says why
 * it cannot run instead of being an unknown command.
 */
#include <stdio.h>

#include "serve.h"

int cmd_serve(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("skpi: serve: this skpi was built without libmicrohttpd; install it "
          "(Debian: libmicrohttpd-dev) and run configure again\n",
          stderr);
    return 1;
}

#!/bin/sh
# test-pkgconfig.sh -- a program builds against the build tree through
# socialkpi-uninstalled.pc, and runs: examples/hello.c, compiled the way a
# user's Makefile would, with only what pkg-config says.
set -eu
top_builddir=${top_builddir:-..}
top_srcdir=${top_srcdir:-..}
builddir=$(cd "$top_builddir" && pwd)
cc=${CC:-cc}
exe=${TMPDIR:-/tmp}/skpi-hello.$$
trap 'rm -f "$exe"' EXIT
flags=$(PKG_CONFIG_PATH="$builddir" pkg-config --cflags --libs socialkpi-uninstalled)
# shellcheck disable=SC2086
$cc -std=c11 ${CFLAGS:-} ${LDFLAGS:-} -o "$exe" "$top_srcdir/examples/hello.c" $flags
LD_LIBRARY_PATH="$builddir/lib/.libs" "$exe" > "$exe.out"
cat "$exe.out"
grep -qx "messages: 3" "$exe.out"
grep -qx "response rate: 1 / 2 = 0.50" "$exe.out"
grep -qx "CSAT: 1 / 2 = 0.50" "$exe.out"
rm -f "$exe.out"
echo "PASS: hello built with pkg-config socialkpi-uninstalled and ran"

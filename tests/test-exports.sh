#!/bin/sh
# test-exports.sh -- the shared library exports exactly the public API.
#
# The expected list is every function the header marks SKPI_API; the actual
# list is every defined dynamic symbol of the built library.  Any difference
# (a leaked internal, or a declared function that is not exported) fails.
set -eu
header="${top_srcdir:-..}/include/socialkpi.h"
lib="${top_builddir:-..}/lib/.libs/libsocialkpi.so"
if [ ! -f "$lib" ]; then
    echo "SKIP: no shared library at $lib"
    exit 77
fi
tmp=${TMPDIR:-/tmp}/skpi-exports.$$
trap 'rm -f "$tmp".want "$tmp".got' EXIT
# Every declaration starts "SKPI_API <type> skpi_name(" on one line.
grep '^SKPI_API ' "$header" | grep -o 'skpi_[a-z0-9_]*(' | tr -d '(' |
    sort -u > "$tmp.want"
nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^_' | sort -u > "$tmp.got"
if ! diff -u "$tmp.want" "$tmp.got"; then
    echo "FAIL: exported symbols differ from the SKPI_API declarations (- header, + library)"
    exit 1
fi
echo "PASS: $(wc -l < "$tmp.got") exported symbols, all declared SKPI_API"

#!/bin/sh
# run-tests.sh -- run the socialkpi Python tests (unittest) against the
# library of this build tree; `make check` runs it (see Makefile.am).
#
# Environment (set by Makefile.am; defaults fit a run from the top of an
# in-tree build): SKPI_PYTHON the interpreter (":" or missing: skip),
# SOCIALKPI_LIBRARY the built libsocialkpi.so.0, SKPI_SRCDIR this
# directory, SKPI_TOP_BUILDDIR the top of the build tree (for examples/skpi).
# Exit status: 0 pass, 1 fail, 77 skip (no python3 or no shared library).
set -u
here=$(cd "$(dirname "$0")" && pwd)
srcdir=${SKPI_SRCDIR:-$here}
top_builddir=${SKPI_TOP_BUILDDIR:-$(cd "$here/.." && pwd)}
py=${SKPI_PYTHON:-python3}

if [ "$py" = ":" ] || ! command -v "$py" >/dev/null 2>&1; then
    echo "SKIP: no Python 3.9 or later (configure found none; install python3)"
    exit 77
fi
SOCIALKPI_LIBRARY=${SOCIALKPI_LIBRARY:-$top_builddir/lib/.libs/libsocialkpi.so.0}
if [ ! -f "$SOCIALKPI_LIBRARY" ]; then
    echo "SKIP: no shared library at $SOCIALKPI_LIBRARY (configured --disable-shared?)"
    exit 77
fi
export SOCIALKPI_LIBRARY SKPI_TOP_BUILDDIR="$top_builddir"
PYTHONPATH=$srcdir${PYTHONPATH:+:$PYTHONPATH}
# Keep __pycache__ out of the source tree (read-only under distcheck).
PYTHONDONTWRITEBYTECODE=1
export PYTHONPATH PYTHONDONTWRITEBYTECODE

out=${TMPDIR:-/tmp}/skpi-pytest.$$
trap 'rm -f "$out"' EXIT
echo "python: $("$py" -c 'import sys; print(sys.executable, sys.version.split()[0])')"
echo "library: $SOCIALKPI_LIBRARY"
"$py" -m unittest discover -v -s "$srcdir/tests" -t "$srcdir/tests" >"$out" 2>&1
rc=$?
cat "$out"
# unittest's summary: "Ran N tests in Ts" and "OK (skipped=K)" or "FAILED (...)".
summary=$(grep -E '^(Ran [0-9]+ tests? in|OK|FAILED)' "$out" | tr '\n' ' ')
if [ $rc -eq 0 ]; then
    echo "PASS: python unittest: $summary"
else
    echo "FAIL: python unittest: $summary"
    rc=1
fi
exit $rc

#!/bin/sh
# build-aux/setup.sh -- make a fresh Debian 12 machine ready and configure.
#
# Installs with apt-get only what is missing (the compiler, autotools,
# pkg-config, Check, libmicrohttpd for `skpi serve`, and the tools the tests
# drive: Prometheus and promtool, the Python Prometheus client, Chromium,
# curl), generates the build system if needed, and runs
# ./configure with any arguments given.  Safe to run again: it then only
# re-configures.  README.md's two commands start with it.
set -eu
cd "$(dirname "$0")/.."

need=""
have() { command -v "$1" >/dev/null 2>&1; }
have cc || need="$need gcc"
have make || need="$need make"
have autoreconf || need="$need autoconf"
have automake || need="$need automake"
have libtoolize || need="$need libtool"
have pkg-config || need="$need pkgconf"
have nm || need="$need binutils"
# The Python package's tests (skipped without it) and its offline pip test.
have python3 || need="$need python3"
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import setuptools, wheel' 2>/dev/null ||
    need="$need python3-setuptools python3-wheel"
if ! have pkg-config || ! pkg-config --exists check 2>/dev/null; then
    need="$need check"
fi
# The report writers' tests: promtool and the Python OpenMetrics parser check
# the exposition, headless Chromium renders the HTML report (with fonts that
# cover Arabic labels).
have promtool || need="$need prometheus"
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import prometheus_client' 2>/dev/null ||
    need="$need python3-prometheus-client"
have chromium || need="$need chromium"
# `skpi serve` (built only with libmicrohttpd) and tests/test-prometheus.sh,
# which drives it with curl and a real Prometheus (the prometheus package
# above).
pkg-config --exists libmicrohttpd 2>/dev/null || need="$need libmicrohttpd-dev"
have curl || need="$need curl"
[ -d /usr/share/fonts/truetype/noto ] || need="$need fonts-noto-core"
[ -d /usr/share/fonts/truetype/dejavu ] || need="$need fonts-dejavu-core"
# IANA zones are read from the system's compiled tzdata (tests use them).
[ -f /usr/share/zoneinfo/Europe/London ] || need="$need tzdata"
if [ -n "$need" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "setup.sh: missing packages:$need" >&2
        echo "setup.sh: run as root, or: sudo apt-get install -y$need" >&2
        exit 1
    fi
    echo "setup.sh: installing$need"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi

if [ ! -x configure ] || [ configure.ac -nt configure ]; then
    autoreconf -fi
fi
./configure --quiet "$@"

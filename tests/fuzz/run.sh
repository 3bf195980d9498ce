#!/bin/sh
# tests/fuzz/run.sh -- build the libFuzzer targets and run each for a while.
#
# Usage: sh tests/fuzz/run.sh [-t SECONDS] [-b BUILDDIR] [-o OUTDIR] [TARGET...]
#        sh tests/fuzz/run.sh --seed      (rewrite the seed snapshots)
#        sh tests/fuzz/run.sh --list      (print the target names)
#
#   -t SECONDS  time per target (-max_total_time; default $FUZZ_TIME or 30)
#   -b BUILDDIR a configured build tree whose include/socialkpi_version.h to
#               use (default: the source tree, else one is generated from
#               configure.ac's version)
#   -o OUTDIR   where objects, binaries, the working corpus, logs and crash
#               artifacts go (default $FUZZ_OUT or _build-fuzz)
#   TARGET      fuzz_snapshot, fuzz_merge, fuzz_period, fuzz_tzif, fuzz_csv,
#               fuzz_journal (default: all of them)
#
# Each target is built with clang -fsanitize=fuzzer,address,undefined from
# the library's sources (lib/*.c compiled in, so that internal functions
# such as skpi__tzif_parse can be fuzzed), started on its committed seed
# corpus tests/fuzz/corpus/TARGET (new inputs go to OUTDIR/corpus/TARGET,
# never into the source tree), and stopped after the time given.  Any
# crash, leak, undefined behaviour, timeout (25 s for one input) or
# out-of-memory (2 GB) fails it; the input is kept as
# OUTDIR/artifacts/TARGET-*.  One line per target:
#   PASS: fuzz_snapshot: 123456 runs in 30 s (4115/s), cov 2345, ft 6789, corpus 345
# and the exit status is 0 only if every target passed.  clang and
# libclang-rt-14-dev (libFuzzer) are installed with apt-get when missing.
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
fuzz="$src/tests/fuzz"
targets_all="fuzz_snapshot fuzz_merge fuzz_period fuzz_tzif fuzz_csv fuzz_journal"
time_each=${FUZZ_TIME:-30}
out=${FUZZ_OUT:-_build-fuzz}
build=""
seed=0

while [ $# -gt 0 ]; do
    case $1 in
        -t) time_each=$2; shift 2 ;;
        -b) build=$2; shift 2 ;;
        -o) out=$2; shift 2 ;;
        --seed) seed=1; shift ;;
        --list) echo "$targets_all"; exit 0 ;;
        -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
        -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
targets=${*:-$targets_all}
mkdir -p "$out" || exit 2
out=$(cd "$out" && pwd)

# ===== The compiler =====

CLANG=""
find_clang() {
    for c in clang clang-14; do
        if command -v "$c" >/dev/null 2>&1; then CLANG=$c; return 0; fi
    done
    return 1
}

# libFuzzer comes with libclang-rt-14-dev: check that a trivial target links.
libfuzzer_ok() {
    printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
        > "$out/probe.c"
    "$CLANG" -fsanitize=fuzzer,address,undefined "$out/probe.c" -o "$out/probe" \
        >/dev/null 2>&1
}

if ! find_clang || ! libfuzzer_ok; then
    if [ "$(id -u)" != 0 ]; then
        echo "run.sh: clang with libFuzzer is missing; as root: apt-get install -y clang libclang-rt-14-dev" >&2
        exit 2
    fi
    echo "run.sh: installing clang libclang-rt-14-dev"
    apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-14-dev >/dev/null
    if ! find_clang || ! libfuzzer_ok; then
        echo "run.sh: clang with libFuzzer still does not work" >&2
        exit 2
    fi
fi
rm -f "$out/probe" "$out/probe.c"

# The IANA zones of fuzz_period and the seeds come from tzdata.
[ -f /usr/share/zoneinfo/Europe/London ] || {
    [ "$(id -u)" = 0 ] && apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tzdata >/dev/null
}

# ===== socialkpi_version.h =====

inc="$out/include"
mkdir -p "$inc"
if [ -n "$build" ] && [ -f "$build/include/socialkpi_version.h" ]; then
    cp "$build/include/socialkpi_version.h" "$inc/"
elif [ -f "$src/include/socialkpi_version.h" ]; then
    cp "$src/include/socialkpi_version.h" "$inc/"
else
    # Not configured: the version from AC_INIT, as configure would.
    v=$(sed -n 's/^AC_INIT(\[[^]]*\], *\[\([0-9.]*\)\].*/\1/p' "$src/configure.ac")
    [ -n "$v" ] || { echo "run.sh: no version in configure.ac" >&2; exit 2; }
    sed -e "s/@PACKAGE_VERSION@/$v/" \
        -e "s/@SKPI_VERSION_MAJOR@/$(echo "$v" | cut -d. -f1)/" \
        -e "s/@SKPI_VERSION_MINOR@/$(echo "$v" | cut -d. -f2)/" \
        -e "s/@SKPI_VERSION_PATCH@/$(echo "$v" | cut -d. -f3)/" \
        "$src/include/socialkpi_version.h.in" > "$inc/socialkpi_version.h"
fi

WARN="-std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wundef"
CPPFLAGS="-I$inc -I$src/include -I$src/lib -I$fuzz"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"

# ===== Seeds =====

if [ "$seed" = 1 ]; then
    mkdir -p "$out/gen" "$fuzz/corpus/fuzz_snapshot" "$fuzz/corpus/fuzz_merge"
    # shellcheck disable=SC2086
    "$CLANG" $WARN -O1 -g $CPPFLAGS $SAN "$fuzz/gen_corpus.c" "$src"/lib/*.c \
        -o "$out/gen/gen_corpus" -lm -lpthread &&
        "$out/gen/gen_corpus" "$fuzz/corpus"
    exit $?
fi

# ===== Build =====

obj="$out/obj"
bin="$out/bin"
logs="$out/logs"
mkdir -p "$obj" "$bin" "$logs" "$out/artifacts"
echo "run.sh: building the library with $CLANG -fsanitize=fuzzer-no-link,address,undefined"
rm -f "$obj"/*.o
jobs=$(nproc 2>/dev/null || echo 2)
n=0
for c in "$src"/lib/*.c; do
    o="$obj/$(basename "$c" .c).o"
    # shellcheck disable=SC2086
    "$CLANG" $WARN -O1 -g -fno-omit-frame-pointer $CPPFLAGS \
        -fsanitize=fuzzer-no-link $SAN -c "$c" -o "$o" 2>>"$logs/build.log" &
    n=$((n + 1))
    if [ "$n" -ge "$jobs" ]; then wait; n=0; fi
done
wait
for c in "$src"/lib/*.c; do
    [ -f "$obj/$(basename "$c" .c).o" ] || {
        echo "run.sh: cannot compile $c:"; cat "$logs/build.log"; exit 1
    }
done

# ===== Run =====

failed=0
for t in $targets; do
    if [ ! -f "$fuzz/$t.c" ]; then
        echo "FAIL: $t: no such target"
        failed=1
        continue
    fi
    # shellcheck disable=SC2086
    if ! "$CLANG" $WARN -Werror -O1 -g -fno-omit-frame-pointer $CPPFLAGS \
            -fsanitize=fuzzer $SAN "$fuzz/$t.c" "$obj"/*.o -o "$bin/$t" \
            -lm -lpthread >"$logs/$t.build.log" 2>&1; then
        echo "FAIL: $t: does not build"
        cat "$logs/$t.build.log"
        failed=1
        continue
    fi
    work="$out/corpus/$t"
    mkdir -p "$work"
    seeds="$fuzz/corpus/$t"
    extra=""
    # The golden snapshots are seeds too.
    [ "$t" = fuzz_snapshot ] && extra="$src/tests/data"
    dict=""
    [ -f "$fuzz/$t.dict" ] && dict="-dict=$fuzz/$t.dict"
    log="$logs/$t.log"
    # shellcheck disable=SC2086
    (cd "$out" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$bin/$t" -max_total_time="$time_each" -print_final_stats=1 \
        -timeout=25 -rss_limit_mb=2048 -artifact_prefix="$out/artifacts/$t-" \
        $dict "$work" "$seeds" $extra) >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
    corp=$(grep -o 'corp: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
    stats="${runs:-?} runs in $time_each s (${rate:-?}/s), cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}"
    if [ "$rc" = 0 ]; then
        echo "PASS: $t: $stats"
    else
        echo "FAIL: $t: exit $rc after $stats; log $log"
        grep -E 'ERROR|SUMMARY|fuzz_[a-z]*:|Test unit written' "$log" | head -n 20
        failed=1
    fi
done
exit $failed

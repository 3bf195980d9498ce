#!/bin/sh
# callgrind.sh -- instructions per event of the benchmark's recording loops,
# counted by valgrind's callgrind.  Unlike wall-clock times these do not
# depend on what else the machine is doing, so they compare two builds.
#
# From the top of the build tree:  sh tests/bench/callgrind.sh [EVENTS]
# BENCH names another build of the program (e.g. a copy of an older one,
# run with LD_LIBRARY_PATH pointing at its library).
set -eu
n=${1:-200000}
bench=${BENCH:-tests/bench/skpi-bench}
[ -x "$bench" ] || { echo "callgrind.sh: no $bench: run make bench first" >&2; exit 1; }
case $bench in
*/tests/bench/skpi-bench|tests/bench/skpi-bench) run="./libtool --mode=execute valgrind" ;;
*) run="valgrind" ;;
esac
out=${TMPDIR:-/tmp}/skpi-callgrind.$$
for pair in "message:record message, 1 thread" \
            "engagement:record engagement" \
            "response:record response" \
            "rating:record rating" \
            "follower:record follower id"; do
    fn=loop_${pair%%:*}
    row=${pair#*:}
    # A warm-up run and one timed run: the loop runs 2 * n events.
    $run --tool=callgrind --callgrind-out-file="$out" --toggle-collect="$fn" \
        "$bench" --only "$row" --events "$n" --reps 1 >/dev/null 2>&1
    ir=$(callgrind_annotate "$out" 2>/dev/null |
        awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }')
    rm -f "$out"
    awk -v row="$row" -v ir="$ir" -v n="$n" \
        'BEGIN { printf "%-32s %7.1f instructions/event\n", row, ir / (2 * n) }'
done

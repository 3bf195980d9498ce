#!/bin/sh
# test-quick.sh -- the benchmark works: `skpi-bench --quick` (tiny sizes)
# exits 0 and prints its table with every row.  Timings are not judged:
# they belong to `make bench` (doc/performance.md).
set -eu
bench=${top_builddir:-..}/tests/bench/skpi-bench
out=$("$bench" --quick 2>/dev/null) || { echo "skpi-bench --quick failed"; exit 1; }
printf '%s\n' "$out"
status=0
for op in "record message, 1 thread" "record message, zone Europe/London" \
          "record engagement" "record response with its sketch" \
          "record rating" "record follower id" \
          "record message, 2 threads" "2-thread scaling" \
          "half-year report: query" "half-year report: JSON" \
          "OpenMetrics text, half year" "memory, 7-year daily tracker" \
          "7-year report: query" "7-year report: JSON" \
          "merge of two 7-year trackers" "snapshot to bytes" \
          "snapshot from bytes" "snapshot save to file" \
          "snapshot load from file" "CSV ingestion" \
          "OpenMetrics text, one day of 22 platforms"; do
    if ! printf '%s\n' "$out" | grep -q "^| $op"; then
        echo "FAIL: no row \"$op\""
        status=1
    fi
done
# The Python rows, or the note that says why they are skipped.
if ! printf '%s\n' "$out" | grep -q -e "^| Python: per-event call" \
        -e "^Note: the Python rows are skipped"; then
    echo "FAIL: no Python row and no note"
    status=1
fi
# Every row has a result: a figure or "pending", never an empty cell.
if printf '%s\n' "$out" | grep '^| [a-zA-Z2]' | grep -q '|  *|'; then
    echo "FAIL: a row without a result"
    status=1
fi
exit $status

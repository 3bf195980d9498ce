#!/bin/sh
# test-skpi.sh -- the skpi tool end to end: exit codes, version, the demo in
# every format with the figures of the founding report, and the round trip
# sample -> ingest -> report that must reproduce the demo exactly, merge,
# strict and lenient ingestion of bad logs, and usage errors.
set -u
skpi="${top_builddir:-..}/examples/skpi"
fails=0
check() { # description, then a command that must succeed
    desc=$1; shift
    if "$@"; then echo "ok: $desc"; else echo "FAIL: $desc"; fails=$((fails + 1)); fi
}
out=${TMPDIR:-/tmp}/skpi-test.$$
trap 'rm -f "$out".*' EXIT

"$skpi" --version > "$out.version"; rc=$?
check "--version exits 0" [ "$rc" = 0 ]
check "--version names the library version" grep -qx "skpi $(sed -n 's/^Version: //p' "${top_builddir:-..}/socialkpi.pc")" "$out.version"

"$skpi" > /dev/null 2>&1; rc=$?
check "no command is bad usage (2)" [ "$rc" = 2 ]
"$skpi" frobnicate > /dev/null 2> "$out.err"; rc=$?
check "unknown command is bad usage (2)" [ "$rc" = 2 ]
check "unknown command is named on stderr" grep -q "frobnicate" "$out.err"
"$skpi" demo --format xml > /dev/null 2>&1; rc=$?
check "unknown format is bad usage (2)" [ "$rc" = 2 ]
"$skpi" demo --help > "$out.help" 2>&1; rc=$?
check "demo --help exits 0" [ "$rc" = 0 ]
check "demo --help shows usage" grep -q "Usage: skpi demo" "$out.help"

"$skpi" demo > "$out.text"; rc=$?
check "demo exits 0" [ "$rc" = 0 ]
for figure in "11,685" "2,710" "11,101" "2,184" "4,829,520" "1,700,000" "900,000" "635,000" "3,235,000"; do
    check "text report shows $figure" grep -q "$figure" "$out.text"
done

"$skpi" demo --format json > "$out.json"; rc=$?
check "demo --format json exits 0" [ "$rc" = 0 ]
for pair in '"inquiries_and_remarks": 11685' '"thanks": 2710' '"answered": 11101' \
            '"expected": 11685' '"satisfied": 2184' '"ratings": 2400' '"total": 4829520' \
            '"twitter": 1700000' '"facebook": 900000' '"instagram": 635000' '"sum": 3235000'; do
    check "json holds $pair" grep -q "$pair" "$out.json"
done
if command -v python3 > /dev/null 2>&1; then
    check "json parses" python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['responses']['rate'] == 11101/11685; assert d['satisfaction']['rate'] == 0.91" "$out.json"
fi
"$skpi" demo > /dev/full 2>/dev/null; rc=$?
check "a failed write exits 1" [ "$rc" = 1 ]

# --- every format of the demo ----------------------------------------------
for f in csv openmetrics prometheus html; do
    "$skpi" demo --format $f -o "$out.demo.$f"; rc=$?
    check "demo --format $f exits 0" [ "$rc" = 0 ]
    check "demo --format $f writes something" [ -s "$out.demo.$f" ]
done
check "openmetrics ends in # EOF" sh -c 'tail -n 1 "$1" | grep -qx "# EOF"' _ "$out.demo.openmetrics"
check "html holds 11,685" grep -q "11,685" "$out.demo.html"

# --- sample -> ingest -> report reproduces the demo ------------------------
holidays=$("$skpi" sample --holidays)
"$skpi" sample --follower-ids > "$out.csv"; rc=$?
check "sample exits 0" [ "$rc" = 0 ]
check "sample has the CSV header" sh -c 'head -n 1 "$1" | grep -qx "time,platform,event,category,count,actor,ref,value"' _ "$out.csv"
# shellcheck disable=SC2086
"$skpi" ingest --quiet --tz +04:00 --hours 'sun-thu 07:30-14:30' $holidays -o "$out.skpi" - < "$out.csv"; rc=$?
check "ingest of the sample exits 0" [ "$rc" = 0 ]
"$skpi" report --period 2024-H1 --format json "$out.skpi" > "$out.ingested.json"; rc=$?
check "report --format json exits 0" [ "$rc" = 0 ]
check "sample | ingest | report gives the demo's JSON, byte for byte" cmp -s "$out.json" "$out.ingested.json"
"$skpi" report --period 2024-H1 "$out.skpi" | sed 1,2d > "$out.ingested.text"
sed 1,2d "$out.text" > "$out.demo.text"
check "and the demo's text report (below the title)" cmp -s "$out.demo.text" "$out.ingested.text"
for f in csv openmetrics prometheus html; do
    "$skpi" report --period 2024-H1 --format $f -o "$out.r.$f" "$out.skpi"; rc=$?
    check "report --format $f equals demo --format $f" cmp -s "$out.demo.$f" "$out.r.$f"
done
# The last event of the log is a reply on 1 July, to a June message.
"$skpi" report "$out.skpi" | grep -q "^Period  2024-01-01/2024-07-02: 2024-01-01 to 2024-07-01, 183 days$"; rc=$?
check "report without a period covers every day with data" [ "$rc" = 0 ]
"$skpi" report --from 2024-03-01 --to 2024-04-01 --format json "$out.skpi" > "$out.range.json"
"$skpi" report --period 2024-03 --format json "$out.skpi" > "$out.month.json"
check "--from/--to equals the named month" cmp -s "$out.range.json" "$out.month.json"
"$skpi" report --period 2024-H1 --platform twitter "$out.skpi" > "$out.tw"; rc=$?
check "report --platform exits 0" [ "$rc" = 0 ]
check "report --platform names the filter" grep -q "^Only    twitter$" "$out.tw"
check "report --platform shows twitter's inquiries" grep -q "Inquiries and remarks *5,843 *5,843" "$out.tw"

# --- merge: two halves of the log equal the whole ---------------------------
"$skpi" sample > "$out.small.csv"
{ head -n 1 "$out.small.csv"; grep ',twitter,' "$out.small.csv"; } > "$out.a.csv"
{ head -n 1 "$out.small.csv"; grep -v ',twitter,' "$out.small.csv" | sed 1d; } > "$out.b.csv"
for x in a b small; do
    # shellcheck disable=SC2086
    "$skpi" ingest -q --tz +04:00 --hours 'sun-thu 07:30-14:30' $holidays -o "$out.$x.skpi" "$out.$x.csv"
done
"$skpi" merge -o "$out.m.skpi" "$out.a.skpi" "$out.b.skpi"; rc=$?
check "merge exits 0" [ "$rc" = 0 ]
"$skpi" report --period 2024-H1 --format json "$out.m.skpi" > "$out.m.json"
"$skpi" report --period 2024-H1 --format json "$out.small.skpi" > "$out.small.json"
check "merged halves report as the whole" cmp -s "$out.m.json" "$out.small.json"
"$skpi" ingest -q --tz Z -o "$out.z.skpi" "$out.a.csv"
"$skpi" merge -o "$out.bad.skpi" "$out.a.skpi" "$out.z.skpi" 2> "$out.err"; rc=$?
check "merging another zone exits 1" [ "$rc" = 1 ]
check "and names the incompatibility" grep -q "SKPI_EINCOMPAT" "$out.err"
check "and writes nothing" [ ! -e "$out.bad.skpi" ]

# --- bad logs: strict leaves STATE alone, lenient skips ---------------------
cp "$out.a.skpi" "$out.keep.skpi"
printf 'time,platform,event,category\n2024-01-02T10:00:00Z,twitter,message,help_request\n2024-01-02T11:00:00Z,myspace,message,help_request\nyesterday,twitter,message,help_request\n' > "$out.bad.csv"
"$skpi" ingest -q -o "$out.a.skpi" "$out.bad.csv" 2> "$out.err"; rc=$?
check "strict ingest of a bad log exits 1" [ "$rc" = 1 ]
check "the error names file and line 3" grep -q "bad.csv:3:" "$out.err"
check "the error names line 4 too" grep -q "bad.csv:4:" "$out.err"
check "strict ingest leaves STATE unchanged" cmp -s "$out.a.skpi" "$out.keep.skpi"
"$skpi" ingest -o "$out.a.skpi" --lenient "$out.bad.csv" 2> "$out.err"; rc=$?
check "lenient ingest exits 0" [ "$rc" = 0 ]
check "lenient ingest counts what it did" grep -q "3 rows read, 1 applied (0 refused but counted), 2 rejected" "$out.err"
check "lenient ingest changed STATE" sh -c '! cmp -s "$1" "$2"' _ "$out.a.skpi" "$out.keep.skpi"
"$skpi" ingest -q --tz +05:00 -o "$out.a.skpi" "$out.a.csv" 2> "$out.err"; rc=$?
check "ingest with another --tz than STATE's exits 1" [ "$rc" = 1 ]
printf 'time,platform,event\n' > "$out.empty.csv"
"$skpi" ingest -q -o "$out.empty.skpi" "$out.empty.csv"; rc=$?
check "a header-only log makes an empty state" [ "$rc" = 0 ]
"$skpi" report "$out.empty.skpi" > /dev/null 2> "$out.err"; rc=$?
check "reporting an empty state exits 1" [ "$rc" = 1 ]
printf 'not a snapshot' > "$out.junk.skpi"
"$skpi" report "$out.junk.skpi" > /dev/null 2> "$out.err"; rc=$?
check "a damaged state exits 1" [ "$rc" = 1 ]
check "and names the status" grep -q "SKPI_E" "$out.err"

# --- usage errors -----------------------------------------------------------
for args in "ingest $out.a.csv" "ingest -o $out.x.skpi" "report" "report --period 2024-13 $out.skpi" \
            "report --platform myspace $out.skpi" "report --from 2024-01-01 $out.skpi" \
            "merge $out.a.skpi" "sample extra" "ingest --bucket week -o $out.x.skpi -"; do
    # shellcheck disable=SC2086
    "$skpi" $args > /dev/null 2>&1 < /dev/null; rc=$?
    check "skpi $args is bad usage (2)" [ "$rc" = 2 ]
done
for c in ingest report merge sample demo; do
    "$skpi" $c --help > "$out.help"; rc=$?
    check "$c --help exits 0 with its usage" sh -c '[ "$1" = 0 ] && grep -q "^Usage: skpi $2 " "$3"' _ "$rc" "$c" "$out.help"
done

[ "$fails" = 0 ] || { echo "$fails check(s) failed"; exit 1; }

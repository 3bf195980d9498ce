#!/bin/sh
# test-skpi.sh -- the skpi tool end to end: exit codes, version, the demo in
# both formats, and the figures of the founding report in its output.
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

[ "$fails" = 0 ] || { echo "$fails check(s) failed"; exit 1; }

#!/bin/sh
# test-html.sh -- the HTML report in a real browser.  check_html --print
# writes the page of the founding half year; headless Chromium loads it
# (--dump-dom), and its DOM must hold the report's figures, with the
# page's Content-Security-Policy having blocked nothing; then Chromium
# takes a screenshot and prints the page to PDF on A4.  Skipped (77) when
# no Chromium is installed.  Set SKPI_HTML_KEEP=DIR to keep the page, the
# DOM, the screenshot and the PDF in DIR.
set -u
check_html="${top_builddir:-..}/tests/check_html"

chrome=${CHROMIUM:-}
if [ -z "$chrome" ]; then
    for c in chromium chromium-browser google-chrome; do
        if command -v "$c" > /dev/null 2>&1; then chrome=$c; break; fi
    done
fi
if [ -z "$chrome" ]; then
    echo "skip: no chromium"
    exit 77
fi

fails=0
check() { # description, then a command that must succeed
    desc=$1; shift
    if "$@"; then echo "ok: $desc"; else echo "FAIL: $desc"; fails=$((fails + 1)); fi
}

out=${TMPDIR:-/tmp}/skpi-html.$$
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
mkdir "$out" || exit 1
trap 'rm -rf "$out"' EXIT

# Chromium runs as root here (it then needs --no-sandbox), talks to D-Bus
# and the GPU and says so on stderr: its output goes to a log, shown only
# when something fails.  Each run gets a fresh profile.
run_chrome() {
    if command -v timeout > /dev/null 2>&1; then t="timeout 120"; else t=""; fi
    $t "$chrome" --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
        --no-first-run --user-data-dir="$out/profile" \
        --enable-logging=stderr --v=0 "$@" 2>> "$out/chromium.log"
}

"$check_html" --print "$out/report.html"; rc=$?
check "check_html --print exits 0" [ "$rc" = 0 ]
[ "$rc" = 0 ] || exit 1
url="file://$out/report.html"

run_chrome --dump-dom "$url" > "$out/dom.html"; rc=$?
check "chromium --dump-dom exits 0" [ "$rc" = 0 ]
check "the DOM is not empty" [ -s "$out/dom.html" ]
# Tiles and tables: the founding report's figures, as text in the DOM.
for figure in "11,685" "11,101" "95.0" "91.0" "2,184" "4,829,520" "2,710" \
              "1,700,000" "900,000" "635,000" "3,420,000"; do
    check "the DOM shows $figure" grep -q "$figure" "$out/dom.html"
done
check "the Arabic label is isolated" grep -q "<bdi>واتساب</bdi>" "$out/dom.html"
check "the page is left to right" grep -q '<html lang="en" dir="ltr">' "$out/dom.html"
svgs=$(grep -o "<svg " "$out/dom.html" | wc -l)
check "five charts (found $svgs)" [ "$svgs" = 5 ]
tables=$(grep -o "<table>" "$out/dom.html" | wc -l)
check "a table for each chart (found $tables)" [ "$tables" -ge 5 ]
check "no script in the DOM" sh -c '! grep -qi "<script" "$1"' sh "$out/dom.html"
check "no URL in the page" sh -c '! grep -qiE "https?://" "$1"' sh "$out/report.html"
check "the page's policy blocked nothing" \
    sh -c '! grep -q "Content Security Policy" "$1"' sh "$out/chromium.log"

run_chrome --screenshot="$out/report.png" --window-size=1200,3000 "$url" > /dev/null; rc=$?
check "chromium --screenshot exits 0" [ "$rc" = 0 ]
check "the screenshot is not empty" [ -s "$out/report.png" ]
magic=$(head -c 8 "$out/report.png" 2> /dev/null | od -An -tx1 | tr -d ' \n')
check "the screenshot is a PNG" [ "$magic" = "89504e470d0a1a0a" ]

run_chrome --no-pdf-header-footer --print-to-pdf="$out/report.pdf" "$url" > /dev/null; rc=$?
check "chromium --print-to-pdf exits 0" [ "$rc" = 0 ]
check "the PDF is a PDF" sh -c 'head -c 5 "$1" | grep -q "%PDF-"' sh "$out/report.pdf"
# A4 is 595.28 x 841.89 points; Chromium rounds it to its own units.
check "the PDF is printed on A4" grep -aq "MediaBox \[0 0 59[45][.0-9]* 84[12]" "$out/report.pdf"

if [ -n "${SKPI_HTML_KEEP:-}" ]; then
    mkdir -p "$SKPI_HTML_KEEP" &&
        cp "$out/report.html" "$out/dom.html" "$out/report.png" "$out/report.pdf" \
            "$SKPI_HTML_KEEP"/
fi
if [ "$fails" != 0 ]; then
    echo "--- chromium's log:"
    cat "$out/chromium.log"
    echo "$fails check(s) failed"
    exit 1
fi

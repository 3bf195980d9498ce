#!/bin/sh
# test-openmetrics.sh -- the OpenMetrics, Prometheus and CSV writers checked
# by outside tools, on the report of a rich tracker (check_writers --print):
#  - promtool check metrics (Prometheus' linter) passes the 0.0.4 text
#    cleanly: exit 0 and no output;
#  - promtool tsdb create-blocks-from openmetrics (Prometheus' own
#    OpenMetrics parser) ingests the OpenMetrics text, every series, once a
#    timestamp is appended to each sample (backfilling needs one; the
#    writer writes none): promtool check metrics reads only the 0.0.4 text;
#  - the Python client's OpenMetrics parser reads the OpenMetrics text and
#    its text-format parser the 0.0.4 text, and both give the same samples;
#  - our own rules, which neither tool checks: families sorted, series
#    unique and sorted, histogram buckets increasing and cumulative with
#    +Inf equal to _count, integers where counts are, no timestamps;
#  - the CSV parses (Python's csv module) and writes back byte for byte the
#    same with CRLF line ends, one row per day x platform x category.
# Skips (77) when promtool or the Python client is missing; setup.sh
# installs both, so CI runs it.
set -u
writers="${top_builddir:-..}/tests/check_writers"
python=/usr/bin/python3
if ! command -v promtool > /dev/null 2>&1; then
    echo "SKIP: promtool not installed (Debian package prometheus)"; exit 77
fi
if ! "$python" -c 'import prometheus_client.openmetrics.parser' > /dev/null 2>&1; then
    echo "SKIP: $python lacks prometheus_client (Debian package python3-prometheus-client)"; exit 77
fi

fails=0
check() { # description, then a command that must succeed
    desc=$1; shift
    if "$@"; then echo "ok: $desc"; else echo "FAIL: $desc"; fails=$((fails + 1)); fi
}
written() { [ "$1" = 0 ] && [ -s "$2" ]; } # exit status 0 and a non-empty file
tmp=${TMPDIR:-/tmp}/skpi-om-test.$$
mkdir "$tmp" || exit 1
trap 'rm -rf "$tmp"' EXIT

"$writers" --print openmetrics > "$tmp/om.txt"; rc=$?
check "OpenMetrics text is written" written "$rc" "$tmp/om.txt"
"$writers" --print prometheus > "$tmp/prom.txt"; rc=$?
check "Prometheus text is written" written "$rc" "$tmp/prom.txt"
"$writers" --print csv > "$tmp/report.csv"; rc=$?
check "CSV is written" written "$rc" "$tmp/report.csv"

# promtool lints the 0.0.4 format: nothing to say, exit 0.
promtool check metrics < "$tmp/prom.txt" > "$tmp/lint.out" 2>&1; rc=$?
cat "$tmp/lint.out"
check "promtool check metrics: exit 0" [ "$rc" = 0 ]
check "promtool check metrics: no lint output" [ ! -s "$tmp/lint.out" ]

# Prometheus' OpenMetrics parser, through backfilling: one timestamp (the
# range's end) appended to every sample line, nothing else changed.
awk '/^#/ { print; next } { print $0 " 1711926000" }' "$tmp/om.txt" > "$tmp/om-ts.txt"
promtool tsdb create-blocks-from openmetrics "$tmp/om-ts.txt" "$tmp/blocks" > "$tmp/tsdb.out" 2>&1; rc=$?
cat "$tmp/tsdb.out"
check "promtool parses the OpenMetrics text" [ "$rc" = 0 ]
samples=$(grep -vc '^#' "$tmp/om.txt")
# The block's row: ULID, min and max time, duration, samples, chunks,
# series, size.
series=$(awk 'NF == 8 && length($1) == 26 { print $7 }' "$tmp/tsdb.out")
check "promtool ingests every sample as its own series ($samples)" [ "$series" = "$samples" ]

"$python" - "$tmp/om.txt" "$tmp/prom.txt" <<'EOF'
# The Python client's parsers, and our own rules.
import math, re, sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_om
from prometheus_client.parser import text_string_to_metric_families as parse_prom

om_text = open(sys.argv[1], encoding="utf-8").read()
prom_text = open(sys.argv[2], encoding="utf-8").read()
errors = []

def samples(families):
    out = []
    for f in families:
        for s in f.samples:
            labels = dict(s.labels)
            if "le" in labels:  # "3600.0" in OpenMetrics, "3600" in 0.0.4
                labels["le"] = repr(float(labels["le"]))
            out.append((s.name, tuple(sorted(labels.items())), s.value))
    return sorted(out)

try:
    om = samples(parse_om(om_text))
except Exception as e:
    errors.append("OpenMetrics parser: %s" % e)
    om = []
try:
    prom = samples(parse_prom(prom_text))
except Exception as e:
    errors.append("text-format parser: %s" % e)
    prom = []
if om != prom:
    errors.append("the two formats give different samples (%d and %d)" % (len(om), len(prom)))

SAMPLE = re.compile(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)')
INTEGER = re.compile(r'-?[0-9]+$')

def check_text(text, fmt):
    """Our rules on one exposition; fmt is 'om' or 'prom'."""
    def err(msg):
        errors.append("%s: %s" % (fmt, msg))
    if not text.endswith("\n"):
        err("does not end in a line feed")
    lines = text.split("\n")[:-1]
    if fmt == "om":
        if lines[-1:] != ["# EOF"]:
            err("does not end in # EOF")
        lines = lines[:-1]
    families = []  # [name, type, unit, [samples]]
    help_seen = None
    for line in lines:
        if line.startswith("# HELP "):
            help_seen = line.split(" ")[2]
        elif line.startswith("# TYPE "):
            _, _, name, typ = line.split(" ")
            if help_seen != name:
                err("TYPE %s without its HELP before it" % name)
            families.append([name, typ, None, []])
        elif line.startswith("# UNIT "):
            _, _, name, unit = line.split(" ")
            if fmt != "om":
                err("UNIT line in the 0.0.4 format")
            if name != families[-1][0] or not name.endswith("_" + unit) or families[-1][3]:
                err("misplaced or mismatched %s" % line)
            families[-1][2] = unit
        elif line.startswith("#"):
            err("unexpected comment %r" % line)
        else:
            m = SAMPLE.match(line)
            if m is None:
                err("not a sample line without timestamp: %r" % line)
                continue
            name, labels, value = m.group(1), m.group(2) or "", m.group(3)
            pairs = []
            body = labels[1:-1]
            while body:
                lm = LABEL.match(body)
                if lm is None:
                    err("bad labels in %r" % line)
                    break
                pairs.append((lm.group(1), lm.group(2)))
                body = body[lm.end():]
            if not families:
                err("sample before any TYPE: %r" % line)
                continue
            families[-1][3].append((name, pairs, value, line))
    names = [f[0] for f in families]
    if names != sorted(names) or len(set(names)) != len(names):
        err("families are not in byte order, or repeat")
    seen = set()
    for fname, typ, unit, rows in families:
        if not rows:
            err("family %s has no sample" % fname)
        if fmt == "om":
            base = fname
            allowed = {"counter": ["_total"], "gauge": [""], "info": ["_info"],
                       "histogram": ["_bucket", "_count", "_sum"]}[typ]
        else:
            base = fname
            allowed = {"counter": [""], "gauge": [""],
                       "histogram": ["_bucket", "_count", "_sum"]}[typ]
            if typ == "counter" and not fname.endswith("_total"):
                err("0.0.4 counter %s does not end in _total" % fname)
        prev_key = None
        groups = []  # histogram: [key, [(le, value)], count, sum]
        for name, pairs, value, line in rows:
            suffix = name[len(base):] if name.startswith(base) else None
            if suffix not in allowed:
                err("sample %s does not belong to family %s" % (name, fname))
                continue
            ident = (name, tuple(sorted(pairs)))
            if ident in seen:
                err("duplicate series %r" % line)
            seen.add(ident)
            key = tuple(v for k, v in pairs if k != "le")
            if typ in ("counter", "info") or suffix in ("_bucket", "_count"):
                if not INTEGER.match(value):
                    err("count not written as an integer: %r" % line)
            if typ == "histogram":
                if prev_key is None or key != prev_key:
                    if prev_key is not None and key < prev_key:
                        err("series out of order at %r" % line)
                    groups.append([key, [], None, None, suffix])
                g = groups[-1]
                if suffix == "_bucket":
                    le = dict(pairs)["le"]
                    if le != "+Inf" and not re.match(r"[0-9]+%s$" % (r"\.0" if fmt == "om" else ""), le):
                        err("le %r not in the %s form" % (le, fmt))
                    if g[2] is not None or g[3] is not None:
                        err("bucket after _count or _sum: %r" % line)
                    g[1].append((float(le), int(value)))
                elif suffix == "_count":
                    g[2] = int(value)
                else:
                    if g[2] is None:
                        err("_sum before _count: %r" % line)
                    g[3] = value
            else:
                if prev_key is not None and key <= prev_key:
                    err("series out of order or repeated at %r" % line)
            prev_key = key
        for key, buckets, count, total, _ in groups:
            les = [b[0] for b in buckets]
            counts = [b[1] for b in buckets]
            if not buckets or les[-1] != math.inf:
                err("histogram %s %r has no +Inf bucket" % (fname, key))
                continue
            if les != sorted(set(les)):
                err("histogram %s %r: le not increasing" % (fname, key))
            if counts != sorted(counts):
                err("histogram %s %r: buckets not cumulative %r" % (fname, key, counts))
            if count != counts[-1]:
                err("histogram %s %r: _count %r != +Inf %r" % (fname, key, count, counts[-1]))
            if total is None:
                err("histogram %s %r has no _sum" % (fname, key))
    return len(seen)

n_om = check_text(om_text, "om")
n_prom = check_text(prom_text, "prom")
if n_om != len(om) or n_prom != len(prom):
    errors.append("the parsers and our reading count different samples")
for e in errors[:40]:
    print("error:", e)
print("%d samples in each format" % n_om)
sys.exit(1 if errors else 0)
EOF
check "parsers agree and our rules hold" [ "$?" = 0 ]

"$python" - "$tmp/report.csv" <<'EOF'
# RFC 4180 with CRLF: parse, write back, compare bytes; count rows.
import csv, io, sys
data = open(sys.argv[1], "rb").read()
text = data.decode("utf-8")
rows = list(csv.reader(io.StringIO(text, newline="")))
out = io.StringIO(newline="")
csv.writer(out, lineterminator="\r\n").writerows(rows)
ok = out.getvalue() == text
widths = {len(r) for r in rows}
# March 2024 (31 local days) x 5 platforms x 8 categories, and the header.
ok = ok and len(widths) == 1 and len(rows) == 1 + 31 * 5 * 8
ok = ok and rows[0][:3] == ["bucket_start", "bucket_end", "platform"]
ok = ok and any("\n" in f for r in rows for f in r)  # a quoted label did come through
print("%d rows of %s fields" % (len(rows), sorted(widths)))
sys.exit(0 if ok else 1)
EOF
check "CSV parses and round-trips byte for byte" [ "$?" = 0 ]

[ "$fails" = 0 ] || { echo "$fails check(s) failed"; exit 1; }

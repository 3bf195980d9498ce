#!/bin/sh
# test-prometheus.sh -- `skpi serve` end to end, then a real Prometheus
# scraping two of them (issue 8).
#
# The founding half year (`skpi sample`) is split into two shards by
# platform: twitter's rows in a.csv, facebook's and instagram's in b.csv
# (a reply names its message's platform, so replies stay with their
# messages), each ingested into a state file; all.skpi is their merge, and
# its reports (`skpi report`, every day of the data) are the reference.
#
#  1. serve: the exposition served is byte for byte the report's, in the
#     format the Accept header asks for, with the exact Content-Type;
#     HEAD, /healthz, 404, 405 (with Allow), 413 for a body, 431 for
#     headers over the memory limit; --log lines; SIGTERM exits 0.
#  2. reload: a state file replaced on disk is served anew; a damaged one
#     is reported once and the previous state served meanwhile; an empty
#     state serves "# EOF" alone (OpenMetrics) and an empty 0.0.4 body.
#  3. usage and start-up errors: exit 2 and exit 1.
#  4. Prometheus (skipped without the prometheus binary, Debian package
#     prometheus): two `skpi serve`, one per shard, scraped every second by
#     a Prometheus with a temporary config and data directory; through its
#     HTTP API, sum(socialkpi_messages_total) and the per-platform and
#     per-category sums equal the merged report, as do the expected and
#     answered messages, engagements, followers and the SLA buckets; and
#     histogram_quantile(0.9, ...) over the summed buckets is exactly
#     Prometheus' interpolation in the bucket holding the 0.9 rank,
#     computed from the merged report's SLA counts, while the merged p90
#     (from the quantile sketch) lies in that same bucket interval.
#
# Every server listens on 127.0.0.1 port 0 (any free port, printed by
# serve), so parallel runs cannot collide; Prometheus gets the first port
# of a range it can bind, and is checked to be ours (its flags name our
# data directory).  Every process started is stopped by its PID (SIGTERM,
# then SIGKILL after 10 s) in the EXIT trap, and every wait is bounded, so
# the test ends in well under 90 s.  Skips (77) without serve (built
# without libmicrohttpd), curl or python3; with them but without
# prometheus, parts 1 to 3 run and a success is reported as a skip.
set -u
skpi="${top_builddir:-..}/examples/skpi"
python=/usr/bin/python3
if ! "$skpi" serve --help > /dev/null 2>&1; then
    echo "SKIP: skpi was built without libmicrohttpd (no serve command)"; exit 77
fi
if ! command -v curl > /dev/null 2>&1; then
    echo "SKIP: curl not installed"; exit 77
fi
if [ ! -x "$python" ]; then
    echo "SKIP: $python not installed"; exit 77
fi

fails=0
check() { # description, then a command that must succeed
    desc=$1; shift
    if "$@"; then echo "ok: $desc"; else echo "FAIL: $desc"; fails=$((fails + 1)); fi
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/skpi-prom.XXXXXX") || exit 1
started="" # PIDs started and not yet stopped

running() { # PID: alive and not a zombie
    [ -r "/proc/$1/stat" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat" 2> /dev/null)" != Z ]
}
stop() { # PID [SIGNAL]: stop it, bounded; its exit status in $stopped_rc
    kill "-${2:-TERM}" "$1" 2> /dev/null
    n=0
    while running "$1" && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
    running "$1" && kill -KILL "$1" 2> /dev/null
    wait "$1"; stopped_rc=$?
    started=$(echo " $started " | sed "s/ $1 / /")
}
cleanup() {
    for p in $started; do stop "$p"; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

serve() { # NAME, then serve's arguments: start it; sets $pid and $port
    name=$1; shift
    "$skpi" serve --listen 127.0.0.1:0 "$@" 2> "$tmp/$name.err" &
    pid=$!; started="$started $pid"; port=""; n=0
    while [ $n -lt 100 ]; do
        port=$(sed -n 's,^skpi: serve: listening on http://127\.0\.0\.1:\([0-9]*\)/metrics .*,\1,p' "$tmp/$name.err")
        [ -n "$port" ] && return 0
        running "$pid" || break
        sleep 0.1; n=$((n + 1))
    done
    cat "$tmp/$name.err"
    return 1
}
fetch() { # URL, then curl options: status in $code, body in $tmp/body, headers in $tmp/head
    url=$1; shift
    code=$(curl -s --max-time 5 -o "$tmp/body" -D "$tmp/head" -w '%{http_code}' "$@" "$url")
}
header() { # NAME: its value in the last response, without the CR
    sed -n "s/^$1: //Ip" "$tmp/head" | tr -d '\r'
}
wait_for() { # SECONDS, then a command: run it every 0.2 s until it succeeds
    limit=$(($1 * 5)); shift; n=0
    while [ $n -lt $limit ]; do "$@" && return 0; sleep 0.2; n=$((n + 1)); done
    return 1
}
om_type='application/openmetrics-text; version=1.0.0; charset=utf-8'
prom_type='text/plain; version=0.0.4; charset=utf-8'
# What Prometheus 2.x sends.
prom_accept='application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'

# --- the shards and the reference -------------------------------------------
"$skpi" sample > "$tmp/s.csv"
awk -F, 'NR == 1 || $2 == "twitter"' "$tmp/s.csv" > "$tmp/a.csv"
awk -F, 'NR == 1 || $2 != "twitter"' "$tmp/s.csv" > "$tmp/b.csv"
rows=$(($(wc -l < "$tmp/a.csv") + $(wc -l < "$tmp/b.csv") - 1))
check "the two shards hold every row of the sample" [ "$rows" = "$(wc -l < "$tmp/s.csv")" ]
"$skpi" ingest -q --tz +04:00 -o "$tmp/a.skpi" "$tmp/a.csv"; rc=$?
check "ingest shard a exits 0" [ "$rc" = 0 ]
"$skpi" ingest -q --tz +04:00 -o "$tmp/b.skpi" "$tmp/b.csv"; rc=$?
check "ingest shard b exits 0" [ "$rc" = 0 ]
"$skpi" merge -o "$tmp/all.skpi" "$tmp/a.skpi" "$tmp/b.skpi"; rc=$?
check "merge exits 0" [ "$rc" = 0 ]
for s in a b all; do
    "$skpi" report --format openmetrics "$tmp/$s.skpi" > "$tmp/$s.om"
    "$skpi" report --format prometheus "$tmp/$s.skpi" > "$tmp/$s.prom"
done
"$skpi" report --format json "$tmp/all.skpi" > "$tmp/all.json"
check "the merged report counts the founding half year's 14,395 messages" \
    grep -q '"total": 14395' "$tmp/all.json"
printf 'time,platform,event,category,count,actor,ref,value\n' > "$tmp/empty.csv"
"$skpi" ingest -q -o "$tmp/empty.skpi" "$tmp/empty.csv"

# --- 1. serve: both shards, merged ------------------------------------------
serve both --log "$tmp/a.skpi" "$tmp/b.skpi"; served=$?
check "serve a.skpi b.skpi starts and prints its port" [ "$served" = 0 ]
m_pid=$pid; m=http://127.0.0.1:$port

fetch "$m/metrics" -H "Accept: $prom_accept"
check "Prometheus' Accept: 200" [ "$code" = 200 ]
check "Prometheus' Accept: Content-Type is OpenMetrics 1.0" [ "$(header Content-Type)" = "$om_type" ]
check "Prometheus' Accept: the merged report's OpenMetrics text" cmp -s "$tmp/body" "$tmp/all.om"
check "Vary: Accept" [ "$(header Vary)" = Accept ]
fetch "$m/metrics" -H "Accept: text/plain"
check "Accept text/plain: Content-Type is 0.0.4" [ "$(header Content-Type)" = "$prom_type" ]
check "Accept text/plain: the merged report's 0.0.4 text" cmp -s "$tmp/body" "$tmp/all.prom"
fetch "$m/metrics" -H "Accept:"
check "no Accept: 0.0.4" [ "$code $(header Content-Type)" = "200 $prom_type" ]
check "no Accept: the merged report's 0.0.4 text" cmp -s "$tmp/body" "$tmp/all.prom"
for a in '*/*' 'application/json' 'application/openmetrics-text;q=0' \
         'application/openmetrics-text;q=0.3, text/plain;q=0.5' \
         'application/openmetrics-text;version=2.0.0' \
         'application/openmetrics-text;q=1.5'; do
    fetch "$m/metrics" -H "Accept: $a"
    check "Accept $a: 0.0.4" [ "$(header Content-Type)" = "$prom_type" ]
done
for a in 'application/openmetrics-text' \
         'text/plain;q=0.5, application/openmetrics-text; version=1.0.0; q=0.5' \
         'application/openmetrics-text;version="1.0.0"' \
         'APPLICATION/OpenMetrics-Text ; Q=0.9 , text/plain;q=0.8'; do
    fetch "$m/metrics" -H "Accept: $a"
    check "Accept $a: OpenMetrics" [ "$(header Content-Type)" = "$om_type" ]
done
code=$(curl -s --max-time 5 -I -o /dev/null -D "$tmp/head" -w '%{http_code} %{size_download}' "$m/metrics")
check "HEAD /metrics: 200, no body" [ "$code" = "200 0" ]
check "HEAD /metrics: the GET's Content-Length" [ "$(header Content-Length)" = "$(wc -c < "$tmp/all.prom")" ]
fetch "$m/healthz"
check "/healthz: 200 ok" [ "$code $(cat "$tmp/body")" = "200 ok" ]
check "/healthz: text/plain" [ "$(header Content-Type)" = "text/plain; charset=utf-8" ]
for path in / /nope /metrics/ /healthz/x; do
    fetch "$m$path"
    check "GET $path: 404" [ "$code" = 404 ]
done
for method in POST PUT DELETE PATCH OPTIONS; do
    fetch "$m/metrics" -X $method
    check "$method /metrics: 405" [ "$code" = 405 ]
    check "$method /metrics: Allow: GET, HEAD" [ "$(header Allow)" = "GET, HEAD" ]
done
fetch "$m/metrics" -X GET --data-binary 'a body'
check "GET with a body: 413" [ "$code" = 413 ]
big=$(head -c 20000 /dev/zero | tr '\0' x)
fetch "$m/metrics" -H "X-Big: $big"
check "20 kB of headers: 431 (over the connection memory limit)" [ "$code" = 431 ]
fetch "$m/healthz"
check "still serving after the refusals" [ "$code" = 200 ]
check "--log: Prometheus' scrape, with its status and bytes" \
    grep -q " 127\.0\.0\.1 GET /metrics 200 $(wc -c < "$tmp/all.om") [0-9.]*ms\$" "$tmp/both.err"
check "--log: the 404" grep -q " GET /nope 404 " "$tmp/both.err"
check "--log: the 405" grep -q " DELETE /metrics 405 " "$tmp/both.err"

# --- 3. usage and start-up errors (while the server above holds its port) ---
"$skpi" serve > /dev/null 2>&1; rc=$?
check "serve without a state file: exit 2" [ "$rc" = 2 ]
"$skpi" serve --reload soon "$tmp/a.skpi" > /dev/null 2>&1; rc=$?
check "serve --reload soon: exit 2" [ "$rc" = 2 ]
"$skpi" serve --listen 9464 "$tmp/a.skpi" > /dev/null 2>&1; rc=$?
check "serve --listen without a host: exit 2" [ "$rc" = 2 ]
"$skpi" serve --listen 127.0.0.1:65536 "$tmp/a.skpi" > /dev/null 2>&1; rc=$?
check "serve --listen with port 65536: exit 2" [ "$rc" = 2 ]
"$skpi" serve --listen 127.0.0.1:0 "$tmp/missing.skpi" 2> "$tmp/err"; rc=$?
check "serve of a missing file: exit 1" [ "$rc" = 1 ]
check "serve of a missing file: names it" grep -q "missing.skpi" "$tmp/err"
"$skpi" serve --listen "127.0.0.1:$port" "$tmp/a.skpi" 2> "$tmp/err"; rc=$?
check "serve on a port in use: exit 1" [ "$rc" = 1 ]
check "serve on a port in use: says so" grep -q "cannot listen on 127.0.0.1:$port: Address already in use" "$tmp/err"

stop "$m_pid"
check "SIGTERM: exit status 0" [ "$stopped_rc" = 0 ]
check "SIGTERM: said so" grep -q "^skpi: serve: SIGTERM: stopping\$" "$tmp/both.err"

# --- 2. reload ---------------------------------------------------------------
cp "$tmp/a.skpi" "$tmp/w.skpi"
serve reload --reload 1 "$tmp/w.skpi"; served=$?
check "serve --reload 1 starts" [ "$served" = 0 ]
r_pid=$pid; r=http://127.0.0.1:$port
serves() { # FILE: the 0.0.4 text served is FILE
    fetch "$r/metrics" && cmp -s "$tmp/body" "$1"
}
check "serves shard a" serves "$tmp/a.prom"
cp "$tmp/b.skpi" "$tmp/w.tmp" && mv "$tmp/w.tmp" "$tmp/w.skpi"
check "serves shard b once it replaces the file" wait_for 15 serves "$tmp/b.prom"
check "logged the reload" grep -q "^skpi: serve: reloaded 1 state file\$" "$tmp/reload.err"
head -c 1000 "$tmp/a.skpi" > "$tmp/w.tmp" && mv "$tmp/w.tmp" "$tmp/w.skpi"
check "a damaged file is reported" wait_for 15 grep -q "reload failed" "$tmp/reload.err"
sleep 3 # three more checks of the same damaged file
check "... once" [ "$(grep -c "reload failed" "$tmp/reload.err")" = 1 ]
check "... naming the file and the error" \
    grep -q "^skpi: serve: reload failed, still serving the previous state: $tmp/w.skpi: at byte [0-9]*: .*(SKPI_ETRUNC)\$" "$tmp/reload.err"
check "... and shard b is still served" serves "$tmp/b.prom"
cp "$tmp/empty.skpi" "$tmp/w.tmp" && mv "$tmp/w.tmp" "$tmp/w.skpi"
: > "$tmp/nothing"
check "an empty state: an empty 0.0.4 body" wait_for 15 serves "$tmp/nothing"
fetch "$r/metrics" -H "Accept: application/openmetrics-text"
check "an empty state: # EOF alone in OpenMetrics" [ "$code $(cat "$tmp/body")" = "200 # EOF" ]
stop "$r_pid" INT
check "SIGINT: exit status 0" [ "$stopped_rc" = 0 ]

# --- 4. Prometheus scraping two shards ---------------------------------------
if ! command -v prometheus > /dev/null 2>&1; then
    echo "prometheus not installed (Debian package prometheus): its part is skipped"
    [ "$fails" = 0 ] || exit 1
    echo "SKIP: prometheus not installed"; exit 77
fi
serve a --log "$tmp/a.skpi"; a_ok=$?; a_pid=$pid; a_port=$port
serve b "$tmp/b.skpi"; b_ok=$?; b_pid=$pid; b_port=$port
check "two serve, one per shard" [ "$a_ok$b_ok" = 00 ]
cat > "$tmp/prometheus.yml" << EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: skpi
    static_configs:
      - targets: ['127.0.0.1:$a_port', '127.0.0.1:$b_port']
EOF

ours() { # Prometheus answers on $p and is the one with our data directory
    curl -s --max-time 2 "http://127.0.0.1:$p/api/v1/status/flags" 2> /dev/null |
        grep -qF "\"storage.tsdb.path\":\"$tmp/tsdb\""
}
prom_up() { ours || ! running "$p_pid"; }
p=$((30000 + $$ % 20000)); last=$((p + 20)); p_pid=""
while [ $p -lt $last ]; do
    if curl -s --max-time 1 -o /dev/null "http://127.0.0.1:$p/"; [ $? = 7 ]; then # refused: free
        prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/tsdb" \
            --web.listen-address="127.0.0.1:$p" --log.level=warn > "$tmp/prometheus.log" 2>&1 &
        p_pid=$!; started="$started $p_pid"
        wait_for 30 prom_up
        ours && break
        stop "$p_pid"; p_pid=""
        grep -q "address already in use" "$tmp/prometheus.log" || break
    fi
    p=$((p + 1))
done
check "Prometheus runs on 127.0.0.1:$p" [ -n "$p_pid" ]
[ -n "$p_pid" ] || { cat "$tmp/prometheus.log"; exit 1; }
prom=http://127.0.0.1:$p

query() { # PROMQL: the first sample's value
    curl -s --max-time 5 -G --data-urlencode "query=$1" "$prom/api/v1/query" |
        "$python" -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")'
}
scraped() {
    [ "$(query 'count(up{job="skpi"} == 1)')" = 2 ] &&
        [ "$(query 'count(count by (instance) (socialkpi_messages_total))')" = 2 ]
}
check "Prometheus scrapes both shards within 60 s" wait_for 60 scraped
check "it scraped OpenMetrics (le=\"3600.0\"; 0.0.4 would give \"3600\")" \
    [ "$(query 'count(socialkpi_first_response_seconds_bucket{le="3600.0"})')" = 6 ]
check "shard a's log shows Prometheus' scrapes of its OpenMetrics text" \
    grep -q " 127\.0\.0\.1 GET /metrics 200 $(wc -c < "$tmp/a.om") " "$tmp/a.err"

"$python" - "$prom" "$tmp/all.json" << 'EOF'
# PromQL over the two shards against the merged report.
import json, math, sys, urllib.parse, urllib.request

base, report = sys.argv[1], json.load(open(sys.argv[2], encoding="utf-8"))
fails = 0

def query(q):
    url = base + "/api/v1/query?" + urllib.parse.urlencode({"query": q})
    with urllib.request.urlopen(url, timeout=5) as r:
        d = json.load(r)
    assert d["status"] == "success", d
    return d["data"]["result"]

def one(q):
    res = query(q)
    return float(res[0]["value"][1]) if len(res) == 1 else None

def by(q, label):
    return {s["metric"][label]: float(s["value"][1]) for s in query(q)}

def check(desc, ok, got=None, want=None):
    global fails
    if ok:
        print("ok:", desc)
    else:
        print("FAIL:", desc, "got", got, "want", want)
        fails += 1

def equal(desc, q, want, label=None):
    got = by(q, label) if label else one(q)
    if label:
        want = {k: float(v) for k, v in want.items()}
    else:
        want = float(want)
    check(desc + ": " + q, got == want, got, want)

msgs, resp = report["messages"], report["responses"]
equal("all messages", "sum(socialkpi_messages_total)", msgs["total"])
equal("per platform", "sum by (platform) (socialkpi_messages_total)",
      msgs["by_platform"], "platform")
equal("per category", "sum by (category) (socialkpi_messages_total)",
      msgs["by_category"], "category")
equal("inquiries and remarks",
      'sum(socialkpi_messages_total{group!="appreciation"})',
      msgs["inquiries_and_remarks"])
equal("expected per platform",
      "sum by (platform) (socialkpi_expected_messages_total)",
      {p: v["expected"] for p, v in resp["by_platform"].items()}, "platform")
equal("answered per platform",
      "sum by (platform) (socialkpi_first_response_seconds_count)",
      {p: v["answered"] for p, v in resp["by_platform"].items()}, "platform")
equal("engagements", "sum(socialkpi_engagements_total)", report["engagement"]["total"])
equal("engagements per platform", "sum by (platform) (socialkpi_engagements_total)",
      report["engagement"]["by_platform"], "platform")
equal("followers per platform (each in one shard)",
      "sum by (platform) (socialkpi_followers)",
      report["followers"]["by_platform"], "platform")

# The SLA buckets, summed over the shards, are the merged SLA counts.
sla = resp["sla"]
bounds = [float(s["seconds"]) for s in sla]
n = resp["first_response_seconds"]["n"]
for s in sla:
    equal("answered within %d s" % s["seconds"],
          'sum(socialkpi_first_response_seconds_bucket{le="%r"})' % float(s["seconds"]),
          s["within"])
equal("answered", "sum(socialkpi_first_response_seconds_count)", n)

# histogram_quantile: the 0.9 rank falls in one bucket of the merged
# counts; Prometheus interpolates linearly inside it (from 0 in the first
# bucket), or gives the largest finite bound if the rank is in +Inf.
cum = [s["within"] for s in sla] + [n]
rank = 0.9 * n
i = next(k for k, c in enumerate(cum) if c >= rank)
if i == len(bounds):
    lo, hi, want = bounds[-1], math.inf, bounds[-1]
else:
    lo = bounds[i - 1] if i > 0 else 0.0
    below = cum[i - 1] if i > 0 else 0
    hi = bounds[i]
    want = lo + (hi - lo) * (rank - below) / (cum[i] - below)
q = "histogram_quantile(0.9, sum by (le) (socialkpi_first_response_seconds_bucket))"
got = one(q)
check("%s = %.6f, the interpolation in (%g, %g]" % (q, want, lo, hi),
      got is not None and abs(got - want) <= 1e-9 * want, got, want)
p90 = resp["first_response_seconds"]["p90"]
check("the merged p90 (%.1f s) lies in that bucket, (%g, %g]" % (p90, lo, hi),
      lo < p90 <= hi, p90, (lo, hi))
sys.exit(1 if fails else 0)
EOF
rc=$?
check "PromQL over the shards agrees with the merged report" [ "$rc" = 0 ]

stop "$p_pid"
stop "$a_pid"
check "shard a's serve: SIGTERM, exit status 0" [ "$stopped_rc" = 0 ]
stop "$b_pid"
check "shard b's serve: SIGTERM, exit status 0" [ "$stopped_rc" = 0 ]

echo "$fails failed"
[ "$fails" = 0 ]

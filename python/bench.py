#!/usr/bin/env python3
"""bench.py -- how fast the socialkpi Python package records and reports.

Run from the top of a built tree:

    SOCIALKPI_LIBRARY=lib/.libs/libsocialkpi.so.0 PYTHONPATH=python python3 python/bench.py

Prints one line per operation: the best of --repeat runs, in ns per event
and events per second.  A benchmark, not a test: nothing here fails.  On a
shared or loaded machine figures vary from run to run by a factor of two
or more; compare lines of one run, and raise --repeat for steadier bests.
--csv runs only the CSV ingestion lines.  --table prints, for
tests/bench/skpi-bench (which runs it for `make bench`), one tab-separated
line per row of its table: name, seconds per event, the baseline's seconds
per event, the baseline's name; the baselines are what a Python program
would otherwise write (a dict of counters behind a lock, a
collections.Counter over the columns), timed in the same run.

record_many() with columns, or with runs of rows of one kind, makes one
skpi_record_batch() call per 65,536 events; mixed rows whose kinds
alternate (the founding half year: each message followed by its reply)
still cost about one ctypes call per event.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from array import array
from typing import Callable

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tests"))

import socialkpi  # noqa: E402

T0 = 1704067200


def measure(label: str, n: int, repeat: int, fn: Callable[[], object]) -> None:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    per = best / n
    if per >= 1e-3:
        print("%-58s %10.3f ms" % (label, per * 1e3))
    else:
        print("%-58s %8.0f ns/event %7.2f M events/s" % (label, per * 1e9, 1 / per / 1e6))


def best_of(repeat: int, fn: Callable[[], object], clock: Callable[[], float]) -> float:
    """The least time of `repeat` runs of fn, after one untimed run."""
    fn()
    best = float("inf")
    for _ in range(repeat):
        start = clock()
        fn()
        best = min(best, clock() - start)
    return best


class NaiveCounter:
    """The counter a Python program would otherwise write: a dict keyed by
    (platform, category) behind a lock, as metrics clients do."""

    def __init__(self) -> None:
        import threading
        self.lock = threading.Lock()
        self.counts: dict = {}

    def message(self, platform: int, category: int, when: int) -> None:
        key = (platform, category)
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + 1


def table(n: int, repeat: int, clock: Callable[[], float]) -> None:
    """The rows of skpi-bench's table, tab-separated (see the docstring)."""
    import collections
    t = socialkpi.Tracker()
    message = t.message
    naive = NaiveCounter()
    inc = naive.message
    plat = array("I", (i % 3 for i in range(n)))
    cat = array("I", (i % 7 for i in range(n)))
    when = array("q", (T0 + i for i in range(n)))
    plat_l, cat_l, when_l = list(plat), list(cat), list(when)

    def single() -> None:
        for i in range(n):
            message(plat_l[i], cat_l[i], when_l[i])

    def single_naive() -> None:
        for i in range(n):
            inc(plat_l[i], cat_l[i], when_l[i])

    def many() -> None:
        t.record_many(event="message", platform=plat, category=cat, time=when)

    def many_lists() -> None:
        t.record_many(event="message", platform=plat_l, category=cat_l, time=when_l)

    def counter() -> None:
        collections.Counter(zip(plat_l, cat_l))

    base = best_of(repeat, single_naive, clock) / n
    print("per-event call t.message(p, c, t)\t%.6g\t%.6g\tdict + lock"
          % (best_of(repeat, single, clock) / n, base))
    base = best_of(repeat, counter, clock) / n
    print("record_many, array columns\t%.6g\t%.6g\tcollections.Counter"
          % (best_of(repeat, many, clock) / n, base))
    print("record_many, list columns\t%.6g\t%.6g\tcollections.Counter"
          % (best_of(repeat, many_lists, clock) / n, base))
    try:
        import prometheus_client
    except ImportError:
        return
    reg = prometheus_client.CollectorRegistry()
    c = prometheus_client.Counter("messages", "m", ["platform", "category"], registry=reg)

    def prom() -> None:
        for i in range(n):
            c.labels(plat_l[i], cat_l[i]).inc()

    print("per-event call t.message(p, c, t)\t%.6g\t%.6g\tprometheus_client"
          % (best_of(repeat, single, clock) / n, best_of(repeat, prom, clock) / n))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=1_000_000, help="events per run")
    ap.add_argument("--repeat", type=int, default=3, help="runs; the best counts")
    ap.add_argument("--csv", action="store_true", help="only ingest_csv()")
    ap.add_argument("--table", action="store_true",
                    help="tab-separated rows for tests/bench/skpi-bench")
    ap.add_argument("--cpu-time", action="store_true",
                    help="with --table: time by process CPU time, not wall time")
    args = ap.parse_args()
    n, repeat = args.n, args.repeat
    if args.table:
        table(n, repeat, time.process_time if args.cpu_time else time.perf_counter)
        return 0
    print("python %s, library %s (%s)" % (sys.version.split()[0], socialkpi.__version__,
                                          socialkpi.library_path))
    if args.csv:
        bench_csv(n, repeat)
        return 0

    t = socialkpi.Tracker(tz="+04:00")
    message, engagement = t.message, t.engagement

    def single_int() -> None:
        for _ in range(n):
            message(0, 0, T0)

    def single_slug() -> None:
        for _ in range(n):
            message("twitter", "help_request", T0)

    def single_engagement() -> None:
        for _ in range(n):
            engagement(0, 0, T0, 3)

    rec = socialkpi._ffi.fast.skpi_record_message
    h = t._h

    def bare_ctypes() -> None:
        for _ in range(n):
            rec(h, 0, 0, T0)

    rows = [(i % 3, i % 7, T0 + i) for i in range(n)]
    mixed = [("message", i % 3, i % 7, T0 + i) for i in range(n)]
    plat = array("I", (i % 3 for i in range(n)))
    cat = array("I", (i % 7 for i in range(n)))
    when = array("q", (T0 + i for i in range(n)))
    counts = array("q", (1 + i % 9 for i in range(n)))
    plat_l, cat_l, when_l, counts_l = list(plat), list(cat), list(when), list(counts)
    slugs = ["twitter", "facebook", "instagram"]
    plat_s = [slugs[p] for p in plat_l]
    ids = ["m%d" % i for i in range(n)]
    people = ["p%d" % (i % 50000) for i in range(n)]

    measure("bare ctypes call skpi_record_message (floor)", n, repeat, bare_ctypes)
    measure("t.message(0, 0, t)", n, repeat, single_int)
    measure("t.message('twitter', 'help_request', t)", n, repeat, single_slug)
    measure("t.engagement(0, 0, t, 3)", n, repeat, single_engagement)
    print("record_many, one skpi_record_batch() call per 65,536 events:")
    measure("  message, array columns (no copy)", n, repeat,
            lambda: t.record_many(event="message", platform=plat, category=cat, time=when))
    measure("  message, list columns of ints", n, repeat,
            lambda: t.record_many(event="message", platform=plat_l, category=cat_l,
                                  time=when_l))
    measure("  message, list columns, platform slugs", n, repeat,
            lambda: t.record_many(event="message", platform=plat_s, category=cat_l,
                                  time=when_l))
    measure("  message, scalar platform and category, array times", n, repeat,
            lambda: t.record_many(event="message", platform="twitter", category=0,
                                  time=when))
    measure("  engagement, array columns", n, repeat,
            lambda: t.record_many(event="engagement", platform=plat, kind=0, time=when,
                                  count=counts))
    measure("  engagement, list columns", n, repeat,
            lambda: t.record_many(event="engagement", platform=plat_l, kind=0, time=when_l,
                                  count=counts_l))
    measure("  follower, array columns, str ids", n, repeat,
            lambda: t.record_many(event="follower", platform=plat, time=when, person=people))

    def message_ids() -> None:
        # a fresh tracker each run: the ids would be duplicates in the next
        socialkpi.Tracker().record_many(event="message_id", platform=plat, category=cat,
                                        time=when, message_id=ids)

    measure("  message_id, array columns, str ids (fresh tracker)", n, repeat, message_ids)
    measure("  rows of one kind: record_many(rows, event='message')", n, repeat,
            lambda: t.record_many(rows, event="message"))
    measure("  mixed rows, one long run: [('message', p, c, t), ...]", n, repeat,
            lambda: t.record_many(mixed))

    bench_csv(n, repeat)

    import founding
    units, _ = founding.build()
    events = founding.events(units)
    half = socialkpi.Tracker(tz=founding.TZ)
    half.record_many(events)
    measure("founding half year: record_many (%d events)" % len(events), len(events), repeat,
            lambda: socialkpi.Tracker(tz=founding.TZ).record_many(events))
    measure("founding half year: report('2024-H1') dict", 1, max(repeat, 10),
            lambda: half.report(founding.PERIOD))
    measure("founding half year: report_json(change=False)", 1, max(repeat, 10),
            lambda: half.report_json(founding.PERIOD, change=False))
    measure("founding half year: to_bytes + from_bytes", 1, max(repeat, 10),
            lambda: socialkpi.Tracker.from_bytes(half.to_bytes()))
    return 0


def csv_log(n: int) -> bytes:
    """An event log of `n` rows of about 57 bytes: messages, engagements
    and ratings with ISO 8601 times and offsets (doc/csv-events.md's
    benchmark rows)."""
    rows = [b"time,platform,event,category,count,actor,ref,value\n"]
    platforms = (b"twitter", b"facebook", b"instagram")
    for i in range(n):
        t = T0 + i * 7
        when = b"2024-%02d-%02dT%02d:%02d:%02d+04:00" % (
            1 + i * 12 // n, 1 + t // 86400 % 28, t // 3600 % 24, t // 60 % 60, t % 60)
        p = platforms[i % 3]
        k = i % 10
        if k < 6:
            rows.append(b"%s,%s,message,help_request,,,,\n" % (when, p))
        elif k < 9:
            rows.append(b"%s,%s,engagement,like,%d,,,\n" % (when, p, 1 + i % 9))
        else:
            rows.append(b"%s,%s,rating,,,,,%d\n" % (when, p, 1 + i % 5))
    return b"".join(rows)


def bench_csv(n: int, repeat: int) -> None:
    """ingest_csv() of an n-row log from each kind of source."""
    import io
    import tempfile
    data = csv_log(n)
    print("ingest_csv, %d rows of %.0f bytes, a fresh tracker each run:"
          % (n, len(data) / n))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "events.csv")
        with open(path, "wb") as f:
            f.write(data)

        def run(source: Callable[[], object], strict: bool = True) -> None:
            with socialkpi.Tracker(tz="+04:00") as t:
                r = t.ingest_csv(source(), strict=strict)
                assert r.rows_applied == n, r

        def from_file() -> None:
            with open(path, "rb") as f:
                run(lambda: f)

        measure("  bytes (skpi_csv_ingest_buffer)", n, repeat, lambda: run(lambda: data))
        measure("  bytes, lenient", n, repeat, lambda: run(lambda: data, strict=False))
        measure("  path (skpi_csv_ingest_path)", n, repeat, lambda: run(lambda: path))
        measure("  open(path, 'rb') (reader, 256 KiB chunks)", n, repeat, from_file)
        measure("  io.BytesIO (reader, 256 KiB chunks)", n, repeat,
                lambda: run(lambda: io.BytesIO(data)))


if __name__ == "__main__":
    sys.exit(main())

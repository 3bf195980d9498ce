#!/usr/bin/env python3
"""mapreduce_csv.py -- read a CSV event log with several processes.

Map-reduce over one event log (doc/csv-events.md) with
multiprocessing.Pool: the parent splits the log into N shards, each worker
reads its shard into a fresh Tracker with the same options and sends it
back (a Tracker pickles as its snapshot), and the parent merges them.
The merged tracker equals one that read the whole log: same report, same
snapshot bytes.

    python3 mapreduce_csv.py --tz +04:00 --shards 4 events.csv
    skpi sample | python3 mapreduce_csv.py --tz +04:00 --check -

How rows are split.  Merging is exact because counts add and sketches
merge, but a few things live in one tracker and must not be cut apart:

- a message with an id (`ref`) and every reply naming it: a reply in
  another shard than its message would be unmatched there.  Rows with a
  `ref` go to shard ``crc32(platform, ref) % N``, so a message, its
  replies and its duplicates always meet, in their file order.
- follower tallies (`followers` rows) of one platform: the merge keeps the
  latest reading, which is what one reader keeps, unless two readings
  share an instant.  They go to shard ``crc32(platform) % N``, in order.
- every other row (messages without an id, replies with a response time,
  engagements, posts, followers seen, ratings) stands alone: rows are dealt
  round-robin, which keeps the shards even.

crc32, not hash(): Python's str hash changes from process to process.

Rows are copied byte for byte (found by a small lexer that follows the
library's: quoted fields, line breaks inside quotes), so the library
judges each row in its shard as it would in the whole log; each shard
keeps the line on which each of its rows started in the original log, so
that rejected rows are reported at their original lines.  Strict mode
(the default) is all or nothing over the whole log: if any shard has a bad
row, nothing is merged and the first bad row (in file order) is raised.
The log is split in memory; a log larger than memory would be split
while streaming, or come as several files (one a day, say) to begin with.

Each tracker keeps at most `open_limit` unanswered message ids (one
million by default); a log with more than that waiting at once would be
cut differently in shards than in one tracker.

The taxonomy must be known in advance (the default one, or registered in
`make_tracker`): with allow_new, shards register unknown slugs in
different orders, the merged ids differ from a single read's, and only the
reports (which use slugs) are equal, not the snapshot bytes.
"""

from __future__ import annotations

import argparse
import bisect
import multiprocessing
import re
import sys
import zlib
from array import array
from typing import Any, Dict, Iterator, List, NamedTuple, Optional, Sequence, Tuple

from socialkpi import CSVReject, IngestResult, SocialKPIError, Tracker


class Shard(NamedTuple):
    """One shard of a log: its CSV bytes (the header row, then its rows),
    and where its rows come from.  For the k-th row, ``lines[k]`` and
    ``offsets[k]`` give where it starts in the shard, ``orig_lines[k]`` and
    ``orig_offsets[k]`` where it starts in the original log;
    ``header_line`` places the header there, ``header_offset`` is how far
    it lies after where it is in the shard."""
    data: bytes
    header_line: int
    header_offset: int
    lines: "array[int]"
    offsets: "array[int]"
    orig_lines: "array[int]"
    orig_offsets: "array[int]"


# The library's lexer (lib/csv.c) in brief: a quote opens a quoted field
# only at the start of a field; inside, "" is a quote and " closes it; a
# line feed outside quotes ends the row.  Anything else is field content
# (a stray quote is an error the library reports, and reads on as content).
_FIELD, _UNQUOTED, _QUOTED, _QUOTE = range(4)


def _scan(line: bytes, state: int) -> Tuple[List[bytes], int]:
    """Lex one physical line (without its line break) from `state`: return
    the fields it ends or continues, as raw values, and the state at its
    end (_QUOTED: the row goes on over the next line)."""
    fields: List[bytes] = []
    cur = bytearray()
    for c in line:
        if c == 0x22:  # "
            if state == _FIELD:
                state = _QUOTED
                continue
            if state == _QUOTED:
                state = _QUOTE
                continue
            if state == _QUOTE:  # "" inside quotes: one quote
                state = _QUOTED
        elif c == 0x2C and state != _QUOTED:  # , ends the field
            fields.append(bytes(cur))
            cur.clear()
            state = _FIELD
            continue
        elif state in (_FIELD, _QUOTE):
            state = _UNQUOTED
        cur.append(c)
    fields.append(bytes(cur))
    return fields, state


def _rows(data: bytes, offset: int) -> Iterator[Tuple[int, int, bytes, List[bytes], int]]:
    """The rows of a CSV text that starts at byte `offset` of the input:
    (first line, byte offset, raw bytes without the final line break,
    fields, lines spanned); empty lines are skipped."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # the input ends with a line break
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        if line == b"" or line == b"\r":
            offset += len(line) + 1
            i += 1
            continue
        if b'"' not in line:  # the common row: split at the commas
            yield i + 1, offset, line, line.rstrip(b"\r").split(b","), 1
            offset += len(line) + 1
            i += 1
            continue
        first = i
        fields, state = _scan(line.rstrip(b"\r"), _FIELD)
        while state == _QUOTED and i + 1 < n:  # a line break inside quotes
            i += 1
            more, state = _scan(lines[i].rstrip(b"\r"), _QUOTED)
            fields[-1] += b"\n" + more[0]
            fields.extend(more[1:])
        i += 1
        raw = b"\n".join(lines[first:i])
        yield first + 1, offset, raw, fields, i - first
        offset += len(raw) + 1


def split(data: bytes, n: int) -> List[Shard]:
    """Split the CSV event log `data` into `n` shards, each starting with
    the header row, as the module's docstring describes.  Rows are copied
    byte for byte, so the library judges each as it would in the whole
    log."""
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    rows = _rows(data[len(bom):], len(bom))
    try:
        header_line, header_offset, header_raw, header, _ = next(rows)
    except StopIteration:  # no header row: let the library say so
        return [Shard(data, 1, 0, *(array("q") for _ in range(4)))] * n
    col = {name: header.index(name) for name in (b"platform", b"event", b"ref")
           if name in header}
    # (Without a platform or event column, the library refuses the header.)
    p_col, e_col, r_col = col.get(b"platform"), col.get(b"event"), col.get(b"ref")
    outs: List[List[bytes]] = [[bom + header_raw] for _ in range(n)]
    where = [[array("q") for _ in range(4)] for _ in range(n)]
    next_line = [2] * n                        # where a shard's next row starts
    next_offset = [len(bom) + len(header_raw) + 1] * n
    i = 0
    for line, offset, raw, fields, spans in rows:
        ref = fields[r_col] if r_col is not None and r_col < len(fields) else b""
        platform = fields[p_col] if p_col is not None and p_col < len(fields) else b""
        if ref:
            k = zlib.crc32(platform + b"\0" + ref) % n
        elif e_col is not None and e_col < len(fields) and fields[e_col] == b"followers":
            k = zlib.crc32(platform) % n
        else:
            k = i % n
            i += 1
        outs[k].append(raw)
        for column, value in zip(where[k], (next_line[k], next_offset[k], line, offset)):
            column.append(value)
        next_line[k] += spans
        next_offset[k] += len(raw) + 1
    return [Shard(b"\n".join(out) + b"\n", header_line, header_offset - len(bom), *where[k])
            for k, out in enumerate(outs)]


def place(shard: Shard, r: CSVReject) -> CSVReject:
    """A reject of `shard` as it would be in the original log: its line,
    its offset and the line numbers in its message."""
    if r.line <= 0:
        return r
    if r.line == 1:  # the header
        dline, doffset = shard.header_line - 1, shard.header_offset
    else:
        k = bisect.bisect_right(shard.lines, r.line) - 1
        if k < 0:  # not in a row (a shard without a header row)
            return r
        dline = shard.orig_lines[k] - shard.lines[k]
        doffset = shard.orig_offsets[k] - shard.offsets[k]
    message = re.sub(r"\bline (\d+)", lambda m: "line %d" % (int(m.group(1)) + dline),
                     r.message)
    return r._replace(line=r.line + dline, message=message,
                      offset=r.offset + doffset if r.offset >= 0 else r.offset)


def make_tracker(options: Dict[str, Any]) -> Tracker:
    """A fresh tracker with `options` (the arguments of Tracker()): every
    shard and the parent make theirs here, so that they merge."""
    return Tracker(**options)


def read_shard(job: Tuple[bytes, Dict[str, Any], bool, int]
               ) -> Tuple[Optional[Tracker], Any]:
    """Worker: read one shard into a fresh tracker.  Returns (tracker,
    IngestResult), or (None, the error) when the shard was refused (the
    error carries its IngestResult as ``.result``)."""
    data, options, strict, max_rejects = job
    t = make_tracker(options)
    try:
        result = t.ingest_csv(data, strict=strict, max_rejects=max_rejects)
    except SocialKPIError as e:
        t.close()
        return None, e
    return t, result  # the Tracker travels back pickled: a snapshot


def _total(results: Sequence[IngestResult], rejects: Sequence[CSVReject],
           refused: bool) -> IngestResult:
    """The IngestResult of the whole log from its shards' (`bytes` counts
    the shards' bytes, which repeat the header row)."""
    def total(field: str) -> int:
        return sum(getattr(r, field) for r in results)

    rows_read, applied, rejected, bad, anomalies, registered, nbytes = (
        total(f) for f in IngestResult._fields[:7])
    if refused:  # strict mode: no row of any shard is applied
        applied, rejected, anomalies, registered = 0, rows_read, 0, 0
    return IngestResult(rows_read, applied, rejected, bad, anomalies, registered, nbytes,
                        tuple(rejects))


def mapreduce(data: bytes, options: Dict[str, Any], shards: int = 2,
              processes: Optional[int] = None, strict: bool = True,
              max_rejects: int = 100, pool: Optional[Any] = None
              ) -> Tuple[Tracker, IngestResult]:
    """Read the event log `data` (bytes) in `shards` shards over `processes`
    worker processes (or the given multiprocessing `pool`) into trackers
    made with `options`; return the merged tracker and the IngestResult of
    the whole log, its rejects placed in the original log.

    Strict mode raises the error of the first bad row of the log, as
    Tracker.ingest_csv() would (with ``.result``), and merges nothing."""
    parts = split(data, shards)
    jobs = [(part.data, options, strict, max_rejects) for part in parts]
    if pool is None:
        with multiprocessing.Pool(processes or min(shards, multiprocessing.cpu_count())) as p:
            done = p.map(read_shard, jobs)
    else:
        done = pool.map(read_shard, jobs)
    results = [t_r[1] if t_r[0] is not None else t_r[1].result for t_r in done]
    rejects = sorted((place(part, r) for part, res in zip(parts, results)
                      for r in res.rejects), key=lambda r: r.line)[:max_rejects]
    errors = [(part, e) for part, (t, e) in zip(parts, done) if t is None]
    if errors:
        for t, _ in done:
            if t is not None:
                t.close()
        total = _total(results, rejects, refused=True)
        if not rejects:  # the header (the same in every shard), or no input
            part, e = errors[0]
            err = place(part, CSVReject(e.line or 0, e.column or 0,
                                        -1 if e.offset is None else e.offset,
                                        e.field or "", e.status, e.name, e.message)
                        ).exception()
            err.result = total
            raise err
        err = rejects[0].exception()
        more = total.rows_bad - 1
        err.message += (" (and %d more bad row%s; nothing was applied)"
                        % (more, "" if more == 1 else "s") if more
                        else " (nothing was applied)")
        err.args = (err.message,)
        err.result = total
        raise err
    trackers = [t for t, _ in done if t is not None]
    merged = make_tracker(options).merge(*trackers)
    for t in trackers:
        t.close()
    return merged, _total(results, rejects, refused=False)


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    """The command line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("log", help="the CSV event log ('-' for standard input)")
    ap.add_argument("--tz", default="Z", help="the trackers' zone (default Z)")
    ap.add_argument("--bucket", default="day", choices=("day", "hour"))
    ap.add_argument("--shards", type=int, default=2, help="shards (default 2)")
    ap.add_argument("--processes", type=int, help="worker processes (default: "
                    "as many as shards, at most the CPUs)")
    ap.add_argument("--lenient", action="store_true", help="skip bad rows")
    ap.add_argument("--period", help="the report's period (default: all data)")
    ap.add_argument("--check", action="store_true", help="also read the log in one "
                    "tracker and check that the merged one is equal")
    return ap.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Read a log in shards, print a summary, and with --check compare."""
    args = parse_args(argv)
    options = {"tz": args.tz, "bucket": args.bucket}
    if args.log == "-":
        data = sys.stdin.buffer.read()
    else:
        with open(args.log, "rb") as f:
            data = f.read()
    try:
        merged, result = mapreduce(data, options, args.shards, args.processes,
                                   strict=not args.lenient)
    except SocialKPIError as e:
        print("mapreduce_csv: %s: %s" % (args.log, e), file=sys.stderr)
        return 1
    for r in result.rejects:
        print("%s:%d:%d: %s [%s]" % (args.log, r.line, r.column, r.message, r.name),
              file=sys.stderr)
    print("%d rows read, %d applied (%d anomalies), %d rejected, in %d shards"
          % (result.rows_read, result.rows_applied, result.anomalies, result.rows_rejected,
             args.shards))
    report = merged.report(args.period)
    print("%s to %s: %d messages, %d inquiries and remarks, %d answered"
          % (report["period"]["from"], report["period"]["to"],
             report["messages"]["total"], report["messages"]["inquiries_and_remarks"],
             report["responses"]["answered"]))
    if args.check:
        with make_tracker(options) as whole:
            whole.ingest_csv(data, strict=not args.lenient)
            same = whole.to_bytes() == merged.to_bytes()
        print("equal to one tracker reading the whole log: %s" % ("yes" if same else "NO"))
        if not same:
            return 1
    merged.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

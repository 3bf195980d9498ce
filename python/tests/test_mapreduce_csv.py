"""python/examples/mapreduce_csv.py: a CSV event log read in shards by
worker processes and merged equals one tracker that read it whole --
the founding sample of `skpi sample`, and a synthetic log with every
awkward row (quotes, line breaks in fields, CRLF, a BOM, duplicates,
unmatched replies, bad rows)."""

from __future__ import annotations

import multiprocessing
import random
import sys
import unittest
from typing import Any, Dict, List

import socialkpi
from socialkpi import Tracker

from support import PYDIR, skpi

sys.path.insert(0, str(PYDIR / "examples"))
import mapreduce_csv  # noqa: E402

HEAD = b"time,platform,event,category,count,actor,ref,value"
T0 = 1709280000                       # 2024-03-01T08:00:00Z


def q(text: str) -> str:
    """A CSV field, quoted when it must be."""
    if any(c in text for c in ',"\r\n'):
        return '"%s"' % text.replace('"', '""')
    return text


def synthetic(n: int, bad: bool, seed: int = 7) -> bytes:
    """An event log of about `n` rows exercising what sharding must keep
    together; with `bad`, some rows are bad."""
    rnd = random.Random(seed)
    platforms = ["twitter", "facebook", "instagram"]
    cats = ["general_inquiry", "help_request", "service_complaint", "thanks"]
    sent: Dict[str, List[str]] = {p: [] for p in platforms}
    out = ["\ufeff" + HEAD.decode(), ""]                  # a BOM, an empty line
    for i in range(n):
        t = T0 + i * 53
        when = (str(t) if i % 3 == 0 else
                "2024-03-%02dT%02d:%02d:%02d+04:00" % (1 + (t + 14400 - 1709251200) // 86400,
                                                      (t + 14400) // 3600 % 24,
                                                      t // 60 % 60, t % 60))
        p = rnd.choice(platforms)
        k = rnd.random()
        if k < 0.3:
            ref = rnd.choice(["m%d" % i, 'id, "%d"' % i, "line\nbreak %d" % i])
            if sent[p] and rnd.random() < 0.05:
                ref = rnd.choice(sent[p])                  # a duplicate
            sent[p].append(ref)
            row = [when, p, "message", rnd.choice(cats), "", "u%d" % rnd.randrange(50), ref, ""]
        elif k < 0.55 and sent[p]:
            ref = rnd.choice(sent[p]) if rnd.random() < 0.95 else "nobody%d" % i
            row = [when, p, "reply", "", "", "", ref, ""]
        elif k < 0.65:
            row = [when, p, "reply", rnd.choice(cats[:3]), "", "", "", str(rnd.randrange(9000))]
        elif k < 0.75:
            row = [when, p, "engagement", rnd.choice(["like", "share"]),
                   str(rnd.randrange(1, 9)), rnd.choice(["", "fan%d" % rnd.randrange(30)]), "", ""]
        elif k < 0.8:
            row = [when, p, "followers", "", "", "", "", str(1000 + i)]
        elif k < 0.85:
            row = [when, p, "follower", "", "", "f%d" % rnd.randrange(100), "", ""]
        elif k < 0.95:
            row = [when, p, "rating", "", rnd.choice(["", "2"]), "", "", str(rnd.randrange(1, 6))]
        else:
            row = [when, p, "message", rnd.choice(cats), str(rnd.randrange(1, 4)), "", "", ""]
        line = ",".join(q(f) for f in row)
        if bad and rnd.random() < 0.02:
            line = rnd.choice([line.replace("message", "Message"), line + ",extra",
                               line.replace(p, "tiktok"), line.replace(",", ',"a"b', 1),
                               line + "\xc0", line.replace("2024", "2300")])
        out.append(line)
    # CRLF in the first half, LF in the second, with empty lines
    half = len(out) // 2
    text = "\r\n".join(out[:half]) + "\r\n\r\n" + "\n\r\n".join(out[half:])
    return text.encode("utf-8").replace("\xc0".encode("utf-8"), b"\xc0")  # bad UTF-8


class MapReduceCSVTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls) -> None:
        cls.pool = multiprocessing.Pool(2)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.pool.close()
        cls.pool.join()

    def whole(self, data: bytes, options: Dict[str, Any], strict: bool) -> Any:
        """One tracker reading the whole log: (tracker, result or error)."""
        t = Tracker(**options)
        try:
            return t, t.ingest_csv(data, strict=strict)
        except socialkpi.SocialKPIError as e:
            return t, e

    def test_founding_sample(self) -> None:
        data = skpi("sample")
        hours = {day: ("07:30", "14:30") for day in ("sun", "mon", "tue", "wed", "thu")}
        holidays = skpi("sample", "--holidays").decode().split()[1::2]
        options = {"tz": "+04:00", "business_hours": hours, "holidays": holidays}
        merged, result = mapreduce_csv.mapreduce(data, options, shards=3, pool=self.pool)
        whole, want = self.whole(data, options, True)
        with merged, whole:
            self.assertEqual(result[:6], want[:6])
            self.assertEqual(result.rows_read, 600110)
            self.assertEqual(merged.to_bytes(), whole.to_bytes())
            r = merged.report("2024-H1")
            self.assertEqual(r, whole.report("2024-H1"))
            self.assertEqual(r["messages"]["inquiries_and_remarks"], 11685)

    def test_synthetic_log(self) -> None:
        data = synthetic(3000, bad=False)
        self.assertIn(b'"line\nbreak', data)
        self.assertIn(b'""', data)
        for shards in (1, 2, 5):
            merged, result = mapreduce_csv.mapreduce(data, {"tz": "+04:00"}, shards=shards,
                                                     pool=self.pool)
            whole, want = self.whole(data, {"tz": "+04:00"}, True)
            with merged, whole, self.subTest(shards=shards):
                self.assertEqual(result[:6], want[:6])
                self.assertGreater(want.anomalies, 10)
                self.assertEqual(merged.to_bytes(), whole.to_bytes())

    def test_bad_rows_lenient(self) -> None:
        data = synthetic(3000, bad=True)
        merged, result = mapreduce_csv.mapreduce(data, {}, shards=3, strict=False,
                                                 pool=self.pool, max_rejects=1000)
        whole, want = self.whole(data, {}, False)
        with merged, whole:
            self.assertGreater(want.rows_bad, 20)
            self.assertEqual(result[:6], want[:6])
            # Every reject where the whole log has it: line, offset, text.
            self.assertEqual(result.rejects, want.rejects)
            self.assertEqual(merged.to_bytes(), whole.to_bytes())

    def test_bad_rows_strict(self) -> None:
        data = synthetic(3000, bad=True)
        whole, want = self.whole(data, {}, True)
        with whole:
            self.assertIsInstance(want, socialkpi.SocialKPIError)
            with self.assertRaises(type(want)) as cm:
                mapreduce_csv.mapreduce(data, {}, shards=4, pool=self.pool)
            e = cm.exception
            self.assertEqual((e.line, e.column, e.offset, e.field, e.message),
                             (want.line, want.column, want.offset, want.field, want.message))
            self.assertEqual(e.result[:6], want.result[:6])
            self.assertEqual(e.result.rejects, want.result.rejects)
        # Header errors: the same in every shard, raised once, as for the
        # whole log.
        for data in (b"\n\ntime,platform\n1,twitter\n", b"\n\n",
                     b"\r\ntime,platform,event,time\n"):
            t, want = self.whole(data, {}, True)
            t.close()
            with self.assertRaises(type(want)) as cm2:
                mapreduce_csv.mapreduce(data, {}, shards=2, pool=self.pool)
            e = cm2.exception
            self.assertEqual((e.line, e.column, e.offset, e.field, e.message),
                             (want.line, want.column, want.offset, want.field, want.message))
            self.assertEqual(e.result.rows_read, 0)

    def test_split(self) -> None:
        data = synthetic(500, bad=False)
        shards = mapreduce_csv.split(data, 4)
        self.assertEqual(len(shards), 4)
        rows = [row for row in mapreduce_csv._rows(data[3:], 3)][1:]
        self.assertEqual(sum(len(s.lines) for s in shards), len(rows))
        where: Dict[bytes, int] = {}
        for k, shard in enumerate(shards):
            self.assertTrue(shard.data.startswith(b"\xef\xbb\xbf" + HEAD + b"\r\n"))
            for _, _, _, fields, _ in list(mapreduce_csv._rows(shard.data[3:], 3))[1:]:
                if fields[6]:   # a message id: every row naming it in one shard
                    key = fields[1] + b"\0" + fields[6]
                    self.assertEqual(where.setdefault(key, k), k)
        self.assertEqual([s.data for s in mapreduce_csv.split(b"\n\n", 2)], [b"\n\n"] * 2)

    def test_command_line(self) -> None:
        import io
        import contextlib
        import tempfile
        with tempfile.NamedTemporaryFile(suffix=".csv") as f:
            f.write(synthetic(300, bad=False))
            f.flush()
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                rc = mapreduce_csv.main(["--tz", "+04:00", "--shards", "3", "--processes",
                                         "2", "--check", f.name])
        self.assertEqual(rc, 0)
        self.assertIn("equal to one tracker reading the whole log: yes", out.getvalue())


if __name__ == "__main__":
    unittest.main()

"""Tracker.ingest_csv(): every kind of source, strict and lenient modes,
the errors of the CSV statuses with their positions, journals, and the
layout of struct skpi_csv_result."""

from __future__ import annotations

import array
import ctypes
import gzip
import io
import mmap
import os
import pathlib
import pickle
import shutil
import subprocess
import sys
import unittest
from typing import Any, Callable, Tuple
from unittest import mock

import socialkpi
from socialkpi import CSVReject, IngestResult, Tracker, _ffi, ingest

from support import HEADER, TOP_SRCDIR, TempDirTest, child_env

DATA = TOP_SRCDIR / "tests" / "data"
EXAMPLE = DATA / "events-example.csv"
ERRORS = DATA / "events-errors.csv"
HEAD = b"time,platform,event,category,count,actor,ref,value\n"   # 51 bytes

# doc/csv-events.md, "Errors": events-errors.csv read in lenient mode.
ERROR_TABLE = [
    (3, "SKPI_EFIELD", 3, "event"), (4, "SKPI_EPARSE", 1, "time"),
    (5, "SKPI_ETIME", 1, "time"), (6, "SKPI_EFIELD", 2, "platform"),
    (7, "SKPI_EFIELD", 4, "category"), (8, "SKPI_EFIELD", 4, "category"),
    (9, "SKPI_ECOUNT", 5, "count"), (10, "SKPI_EFIELD", 5, "count"),
    (11, "SKPI_ELIMIT", 5, "count"), (12, "SKPI_EFIELD", 6, "actor"),
    (13, "SKPI_EFIELD", 4, "category"), (14, "SKPI_ECOUNT", 8, "value"),
    (15, "SKPI_EFIELD", 8, "value"), (16, "SKPI_ECOUNT", 8, "value"),
    (17, "SKPI_EFIELD", 6, "actor"), (18, "SKPI_ERATING", 8, "value"),
    (19, "SKPI_ESYNTAX", 44, ""), (20, "SKPI_ESYNTAX", 45, "actor"),
    (21, "SKPI_ESYNTAX", 37, "event"), (24, "SKPI_EFIELD", 1, "time"),
    (25, "SKPI_EFIELD", 2, "platform"), (26, "SKPI_EFIELD", 3, "event"),
]


def need_data() -> None:
    """Skip unless the source tree's tests/data is there."""
    if not EXAMPLE.exists() or not ERRORS.exists():
        raise unittest.SkipTest("needs tests/data/events-*.csv")


def desk() -> Tracker:
    """The tracker doc/csv-events.md reads its example into."""
    return Tracker(tz="+04:00")


class ReadOnly:
    """A file object with read() only (no readinto, no read1)."""

    def __init__(self, data: bytes, step: int = 1000) -> None:
        self.f = io.BytesIO(data)
        self.step = step
        self.calls = 0

    def read(self, n: int = -1) -> bytes:
        self.calls += 1
        return self.f.read(min(n, self.step))


class SourcesTest(TempDirTest):
    """The example file through every kind of source gives one state."""

    @classmethod
    def setUpClass(cls) -> None:
        need_data()
        cls.data = EXAMPLE.read_bytes()
        with desk() as t:
            cls.result = t.ingest_csv(cls.data)
            cls.state = t.to_bytes()

    def check(self, source: Any, **kw: Any) -> IngestResult:
        """Ingest `source` into a fresh desk; assert the example's state."""
        with desk() as t:
            r = t.ingest_csv(source, **kw)
            self.assertEqual(t.to_bytes(), self.state)
        self.assertEqual(r, self.result)
        return r

    def test_example_figures(self) -> None:
        r = self.result
        self.assertIsInstance(r, IngestResult)
        self.assertEqual(r, IngestResult(rows_read=27, rows_applied=27, rows_rejected=0,
                                         rows_bad=0, anomalies=2, registered=0,
                                         bytes=len(self.data), rejects=()))
        with Tracker.from_bytes(self.state) as t:
            rep = t.report("2024-03-01", change=False)
        m, resp = rep["messages"], rep["responses"]
        self.assertEqual((m["total"], m["inquiries_and_remarks"]), (9, 6))
        self.assertEqual((resp["expected"], resp["answered"]), (6, 5))
        fr = resp["first_response_seconds"]
        self.assertEqual((fr["mean"], fr["min"], fr["max"]), (4230, 300, 16200))
        self.assertEqual([s["within"] for s in resp["sla"]], [4, 5])
        self.assertEqual(resp["backlog"]["count"], 1)
        self.assertEqual((resp["unmatched_replies"], resp["later_replies"],
                          resp["duplicate_messages"]), (1, 1, 1))
        self.assertEqual(rep["engagement"]["by_kind"], {"like": 120, "share": 1,
                                                        "comment": 4})
        self.assertEqual(rep["engagement"]["posts"], 3)
        s = rep["satisfaction"]
        self.assertEqual((s["ratings"], s["satisfied"], s["mean"]), (3, 1, 3))
        self.assertEqual(rep["followers"]["sum"], 3235000)

    def test_paths(self) -> None:
        self.check(str(EXAMPLE))
        self.check(EXAMPLE)                       # pathlib.Path
        self.check(os.fsencode(EXAMPLE).decode("utf-8", "surrogateescape"))

    def test_bytes_like(self) -> None:
        self.check(self.data)
        self.check(bytearray(self.data))
        self.check(memoryview(self.data))         # read-only: copied
        self.check(memoryview(bytearray(self.data)))
        self.check(memoryview(b"xx" + self.data)[2:])
        self.check(array.array("b", self.data))
        self.check(array.array("H", self.data + b"\n" * (len(self.data) % 2)))
        with open(EXAMPLE, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
            self.check(m)
        with self.assertRaises(BufferError):
            with desk() as t:
                t.ingest_csv(memoryview(self.data * 2)[::2])
        # A read-only buffer that is not bytes goes through a reader, copied
        # a chunk at a time.
        with mock.patch.object(ingest, "CHUNK", 100):
            self.check(memoryview(b"x" + self.data)[1:])
            with open(EXAMPLE, "rb") as f, \
                    mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
                m.read(10)      # the position does not matter: the whole map
                self.check(m)
            with open(self.path("copy.csv"), "wb") as f:
                f.write(self.data)
            with open(self.path("copy.csv"), "r+b") as f, mmap.mmap(f.fileno(), 0) as m:
                self.check(m)   # writable: read in place
        for empty in (b"", bytearray(), memoryview(b""), io.BytesIO()):
            with desk() as t, self.assertRaisesRegex(socialkpi.CSVSyntaxError,
                                                     "no header row"):
                t.ingest_csv(empty)

    def test_file_objects(self) -> None:
        with open(EXAMPLE, "rb") as f:
            self.check(f)
        with open(EXAMPLE, "rb", buffering=0) as f:   # FileIO: readinto only
            self.check(f)
        self.check(io.BytesIO(self.data))
        self.check(ReadOnly(self.data))
        gz = self.path("events.csv.gz")
        with gzip.open(gz, "wb") as f:
            f.write(self.data)
        with gzip.open(gz, "rb") as f:
            self.check(f)

    def test_chunks_of_every_size(self) -> None:
        # A row, a quoted field, a CRLF and a UTF-8 character may span
        # chunks: the reader gives what one buffer gives.
        for size in (1, 2, 3, 7, 64, 1000):
            with mock.patch.object(ingest, "CHUNK", size):
                self.check(io.BytesIO(self.data))
                src = ReadOnly(self.data, size)
                self.check(src)
                self.assertGreaterEqual(src.calls, len(self.data) // size)
        with mock.patch.object(ingest, "CHUNK", 5), open(EXAMPLE, "rb") as f:
            self.check(f)

    def test_chunked_errors_equal_buffer_errors(self) -> None:
        bad = ERRORS.read_bytes()
        with desk() as t:
            whole = t.ingest_csv(bad, strict=False)
            state = t.to_bytes()
        for size in (1, 13, 4096):
            with mock.patch.object(ingest, "CHUNK", size), desk() as t:
                self.assertEqual(t.ingest_csv(io.BytesIO(bad), strict=False), whole)
                self.assertEqual(t.to_bytes(), state)

    def test_stdin(self) -> None:
        code = ("import sys, socialkpi\n"
                "t = socialkpi.Tracker(tz='+04:00')\n"
                "r = t.ingest_csv(sys.stdin.buffer)\n"
                "sys.stdout.buffer.write(t.to_bytes())\n"
                "sys.stderr.write('%d %d' % (r.rows_read, r.bytes))\n")
        with open(EXAMPLE, "rb") as f:
            out = subprocess.run([sys.executable, "-c", code], stdin=f, env=child_env(),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 timeout=120)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout, self.state)
        self.assertEqual(out.stderr.decode(), "27 %d" % len(self.data))

    def test_wrong_sources(self) -> None:
        with desk() as t:
            with open(EXAMPLE, encoding="utf-8") as f:
                with self.assertRaisesRegex(TypeError, "binary file"):
                    t.ingest_csv(f)
            with self.assertRaisesRegex(TypeError, "a str is a path"):
                t.ingest_csv(self.data.decode("utf-8"))
            with self.assertRaisesRegex(TypeError, "binary file"):
                t.ingest_csv(io.StringIO("time,platform,event\n"))
            for bad in (42, None, ["time,platform,event"]):
                with self.assertRaises(TypeError):
                    t.ingest_csv(bad)
            with self.assertRaises(socialkpi.IOFailureError) as cm:
                t.ingest_csv(self.path("no-such.csv"))
            self.assertIsInstance(cm.exception, OSError)
            self.assertIn("cannot open %s: No such file" % self.path("no-such.csv"),
                          str(cm.exception))
            self.assertEqual(cm.exception.result.rows_read, 0)
            with self.assertRaises(ValueError):
                t.ingest_csv("bad\0path")
            for bad in (-1, 1.5, True):
                with self.assertRaises((TypeError, ValueError)):
                    t.ingest_csv(self.data, max_rejects=bad)
            self.assertIsNone(t.extent())
        with self.assertRaisesRegex(ValueError, "closed"):
            t.ingest_csv(self.data)

    def test_a_read_error_propagates(self) -> None:
        class Broken(io.RawIOBase):
            """The header, a good row, then an I/O error."""

            def __init__(self) -> None:
                super().__init__()
                self.chunks = [HEAD, b"1709280000,twitter,post,,,,,\n"]

            def readable(self) -> bool:
                return True

            def readinto(self, b: Any) -> int:
                if not self.chunks:
                    raise OSError(5, "Input/output error")
                chunk = self.chunks.pop(0)
                b[:len(chunk)] = chunk
                return len(chunk)

        with desk() as t:
            before = t.to_bytes()
            with self.assertRaisesRegex(OSError, "Input/output error"):
                t.ingest_csv(Broken())
            self.assertEqual(t.to_bytes(), before)   # strict: nothing applied
            with self.assertRaisesRegex(OSError, "Input/output error"):
                t.ingest_csv(Broken(), strict=False)
            self.assertEqual(t.report(change=False)["engagement"]["posts"], 1)


class StrictTest(unittest.TestCase):
    """Strict mode: all or nothing, the first bad row raised with where it is."""

    def setUp(self) -> None:
        need_data()

    def test_refused_input_leaves_the_tracker_alone(self) -> None:
        with desk() as t:
            t.ingest_csv(EXAMPLE)
            before = t.to_bytes()
            for source in (ERRORS, ERRORS.read_bytes(), io.BytesIO(ERRORS.read_bytes())):
                with self.assertRaises(socialkpi.FieldError) as cm:
                    t.ingest_csv(source)
                e = cm.exception
                self.assertEqual(t.to_bytes(), before)
                self.assertIsInstance(e, ValueError)
                self.assertEqual((e.status, e.name), (socialkpi.FieldError.status,
                                                      "SKPI_EFIELD"))
                self.assertEqual((e.line, e.column, e.offset, e.field), (3, 3, 115, "event"))
                self.assertEqual(e.message, 'line 3: unknown event "Message" (message, '
                                 'reply, engagement, post, followers, follower or rating) '
                                 '(and 21 more bad rows; nothing was applied)')
                r = e.result
                self.assertEqual(r[:7], (25, 0, 25, 22, 0, 0, len(ERRORS.read_bytes())))
                self.assertEqual([(x.line, x.name, x.column, x.field) for x in r.rejects],
                                 ERROR_TABLE)

    def test_one_bad_row(self) -> None:
        with Tracker() as t:
            with self.assertRaises(socialkpi.RatingError) as cm:
                t.ingest_csv(HEAD + b"1709280000,twitter,post,,,,,\n"
                             b"1709280000,twitter,rating,,,,,9\n")
            self.assertEqual(str(cm.exception),
                             'line 3: the score "9" is outside the scale 1 to 5 (nothing '
                             'was applied) (at offset 80, line 3, column 8, field value) '
                             '[SKPI_ERATING]')
            self.assertEqual(cm.exception.result.rows_bad, 1)
            self.assertIsNone(t.extent())

    def test_every_row_error_raises_its_class(self) -> None:
        # Each bad row of events-errors.csv alone after the header: strict
        # mode raises the class of its status, at line 2, same column.
        lines = ERRORS.read_bytes().split(b"\n")
        for line, name, column, field in ERROR_TABLE:
            data = lines[0] + b"\n" + lines[line - 1] + b"\n"
            with desk() as t, self.subTest(line=line):
                with self.assertRaises(socialkpi.by_name[name]) as cm:
                    t.ingest_csv(data)
                e = cm.exception
                self.assertEqual((e.line, e.column, e.offset, e.field or ""),
                                 (2, column, len(lines[0]) + 1, field))
                self.assertEqual(e.result.rejects[0].exception().__class__, type(e))
                self.assertIsNone(t.extent())

    def test_new_statuses_with_line_and_column(self) -> None:
        cases = [
            # the byte errors of doc/csv-events.md, found in the row's bytes
            (b"1709280000,twitter,post,,,,,\xc0\n", socialkpi.EncodingError, 2, 29,
             "value", "line 2, byte 29: invalid UTF-8 starting with byte 0xC0"),
            (b"1709280000,twitter,post,,,\"a\nb\"\rc,,\n", socialkpi.CSVSyntaxError, 2, 32,
             "actor", "line 2, byte 32 (line 3, column 3): a carriage return not "
             "followed by a line feed"),
            (b"1709280000,twitter,post,,,\"abc", socialkpi.CSVSyntaxError, 2, 27, "actor",
             "line 2, byte 27: a quoted field is not closed before the end of the input"),
            (b"1709280000,twitter,post,,,,,,\n", socialkpi.CSVSyntaxError, 2, 29, "",
             "line 2, byte 29: the row has 9 fields, the header 8"),
            (b"1709280000,twitter,po\"st,,,,,\n", socialkpi.CSVSyntaxError, 2, 22, "event",
             "line 2, byte 22: a quote inside an unquoted field (quote the whole field "
             "and double the quote)"),
            (b"1709280000,twitter,post,x,,,,\n", socialkpi.FieldError, 2, 4, "category",
             "line 2: the category column holds \"x\", which a post row does not use"),
            (b"1709280000,twitter,engagement,save\n", socialkpi.FieldError, 2, 4,
             "category", "line 2: unknown engagement kind \"save\""),
        ]
        for row, cls, line, column, field, text in cases:
            for strict in (True, False):
                with Tracker() as t, self.subTest(row=row, strict=strict):
                    if strict:
                        with self.assertRaises(cls) as cm:
                            t.ingest_csv(b"\n" + HEAD + row)   # an empty line first
                        e = cm.exception
                        got: Tuple[Any, ...] = (type(e), e.line, e.column, e.offset,
                                                e.field or "", e.message)
                        text2 = text.replace("line 3", "line 4").replace("line 2", "line 3")
                        self.assertEqual(got, (cls, line + 1, column, 52, field,
                                               text2 + " (nothing was applied)"))
                    else:
                        r = t.ingest_csv(HEAD + row, strict=False)
                        self.assertEqual(r.rejects, (CSVReject(line, column, 51, field,
                                                               cls.status, cls.name, text),))
                        self.assertEqual(r[:4], (1, 0, 1, 1))

    def test_errors_pickle_with_their_result(self) -> None:
        with desk() as t, self.assertRaises(socialkpi.FieldError) as cm:
            t.ingest_csv(ERRORS)
        e = pickle.loads(pickle.dumps(cm.exception))
        self.assertIs(type(e), socialkpi.FieldError)
        self.assertEqual((e.line, e.column, e.offset, e.field), (3, 3, 115, "event"))
        self.assertEqual(e.result, cm.exception.result)


class LenientTest(unittest.TestCase):

    def setUp(self) -> None:
        need_data()

    def test_errors_file(self) -> None:
        with desk() as t:
            r = t.ingest_csv(ERRORS, strict=False)
            rep = t.report("2024-03-01", change=False)
        self.assertEqual(r[:7], (25, 3, 22, 22, 1, 0, len(ERRORS.read_bytes())))
        self.assertEqual([(x.line, x.name, x.column, x.field) for x in r.rejects],
                         ERROR_TABLE)
        self.assertEqual(r.rejects[0], CSVReject(
            3, 3, 115, "event", socialkpi.FieldError.status, "SKPI_EFIELD",
            'line 3: unknown event "Message" (message, reply, engagement, post, '
            'followers, follower or rating)'))
        self.assertEqual(r.rejects[5].message, 'line 8: unknown category "complaints"')
        self.assertEqual(rep["messages"]["total"], 1)
        self.assertEqual(rep["responses"]["answered"], 1)
        self.assertEqual(rep["responses"]["unmatched_replies"], 1)

    def test_max_rejects(self) -> None:
        for n in (0, 1, 5, 22, 1000):
            with desk() as t:
                r = t.ingest_csv(ERRORS, strict=False, max_rejects=n)
            self.assertEqual(len(r.rejects), min(n, 22))
            self.assertEqual((r.rows_bad, r.rows_rejected), (22, 22))
            self.assertEqual([x.line for x in r.rejects], [x[0] for x in ERROR_TABLE][:n])
        with desk() as t, self.assertRaises(socialkpi.FieldError) as cm:
            t.ingest_csv(ERRORS, max_rejects=0)
        self.assertEqual((cm.exception.line, cm.exception.result.rejects), (3, ()))

    def test_results_add_up(self) -> None:
        with desk() as t:
            a = t.ingest_csv(EXAMPLE, strict=False)
            b = t.ingest_csv(EXAMPLE, strict=False)
        self.assertEqual(a.anomalies, 2)
        # Read again: every message with an id is a duplicate, every
        # reply by id a later reply (applied, not an anomaly) or unmatched.
        self.assertEqual((b.rows_applied, b.anomalies), (27, 6))

    def test_allow_new(self) -> None:
        data = HEAD + (b"1709280000,tiktok,message,complaint_about_ads,,,,\n"
                       b"1709280000,tiktok,engagement,duet,3,,,\n"
                       b"1709280000,Tik Tok,post,,,,,\n")
        with Tracker() as t:
            with self.assertRaises(socialkpi.FieldError) as cm:
                t.ingest_csv(data, allow_new=False)
            self.assertEqual(cm.exception.message.split(" (")[0],
                             'line 2: unknown platform "tiktok"')
            with self.assertRaises(socialkpi.SlugError) as cm2:
                t.ingest_csv(data, allow_new=True)
            self.assertEqual((cm2.exception.line, cm2.exception.field), (4, "platform"))
            self.assertNotIn("tiktok", t.slugs("platform"))
            r = t.ingest_csv(data, allow_new=True, strict=False)
            self.assertEqual((r.rows_applied, r.registered, r.rows_bad), (2, 3, 1))
            self.assertIn("tiktok", t.slugs("platform"))
            self.assertEqual(t.category_info("complaint_about_ads"),
                             (t.find("group", "inquiry"), True))
            self.assertEqual(t.label("kind", "duet"), "duet")
            t.message("tiktok", "complaint_about_ads", 1709280000)   # the cache sees them
            rep = t.report("2024-03-01", change=False)
        self.assertEqual(rep["messages"]["by_platform"]["tiktok"], 2)
        self.assertEqual(rep["engagement"]["by_kind"]["duet"], 3)


class HeaderTest(unittest.TestCase):
    """Header errors raise in both modes, with .result, leaving the tracker."""

    CASES = [
        (b"time,platform\n", socialkpi.FieldError, 1, None, 0, "event",
         'line 1: the header has no "event" column'),
        (b"time,platform,event,time\n", socialkpi.CSVSyntaxError, 1, 4, 0, "time",
         'line 1: column "time" is named twice (fields 1 and 4)'),
        (b"\n\ntime,platform,event,count,count\n", socialkpi.CSVSyntaxError, 3, 5, 2,
         "count", None),
        (b"time,platform,event,\xff\n", socialkpi.EncodingError, 1, 21, 0, None,
         "line 1, byte 21: invalid UTF-8 starting with byte 0xFF"),
        (b"time,plat\"form,event\n", socialkpi.CSVSyntaxError, 1, 10, 0, None, None),
        (b"", socialkpi.CSVSyntaxError, 1, None, 0, None,
         "the input has no header row (time,platform,event,...)"),
        (b"\xef\xbb\xbf", socialkpi.CSVSyntaxError, 1, None, 3, None, None),
    ]

    def test_header_errors(self) -> None:
        for data, cls, line, column, offset, field, text in self.CASES:
            for strict in (True, False):
                for wrap in (bytes, io.BytesIO):
                    with Tracker() as t, self.subTest(data=data, strict=strict, wrap=wrap):
                        t.message("twitter", "thanks", 1709280000)
                        before = t.to_bytes()
                        with self.assertRaises(cls) as cm:
                            t.ingest_csv(wrap(data), strict=strict)
                        e = cm.exception
                        self.assertEqual((e.line, e.column, e.offset, e.field),
                                         (line, column, offset, field))
                        if text is not None:
                            self.assertEqual(e.message, text)
                        self.assertEqual(e.result.rows_read, 0)
                        self.assertEqual(e.result.rejects, ())
                        self.assertEqual(t.to_bytes(), before)

    def test_rows_after_a_header_error_are_not_read(self) -> None:
        with Tracker() as t, self.assertRaises(socialkpi.FieldError) as cm:
            t.ingest_csv(b"time,event\n1709280000,post\n", strict=False)
        self.assertEqual((cm.exception.field, cm.exception.result.rows_read), ("platform", 0))


class JournalTest(TempDirTest):

    def setUp(self) -> None:
        super().setUp()
        need_data()

    def test_strict_refuses_a_journalled_tracker(self) -> None:
        path = self.path("desk.skpi")
        with Tracker.open_journal(path, tz="+04:00") as t:
            t.message("twitter", "thanks", 1709280000)
            before = t.to_bytes()
            for source in (EXAMPLE, EXAMPLE.read_bytes(), io.BytesIO(EXAMPLE.read_bytes())):
                with self.assertRaises(socialkpi.JournalError) as cm:
                    t.ingest_csv(source)
                self.assertEqual(cm.exception.message, "strict mode cannot read into a "
                                 "journalled tracker: use strict=False")
                self.assertEqual(cm.exception.result.rows_read, 0)
                self.assertEqual(t.to_bytes(), before)
            seq = t.journal_seq
            r = t.ingest_csv(EXAMPLE, strict=False)
            self.assertEqual((r.rows_applied, r.anomalies), (27, 2))
            self.assertGreater(t.journal_seq, seq)
            state = t.to_bytes()
        with Tracker.open_journal(path) as again:   # replayed from the journal
            self.assertEqual(again.to_bytes(), state)
            self.assertEqual(again.report("2024-03-01")["messages"]["total"], 10)


class LayoutTest(TempDirTest):
    """CsvResult and SkpiError mirror the C structs exactly."""

    def test_offsets_match_the_header(self) -> None:
        cc = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")
        if cc is None or not HEADER.exists():
            self.skipTest("needs a C compiler and include/socialkpi.h")
        fields = {"skpi_csv_result": _ffi.CsvResult, "skpi_error": _ffi.SkpiError}
        lines = ['#include <stdio.h>', '#include <stddef.h>', '#include "socialkpi.h"',
                 "int main(void) {"]
        for struct, cls in fields.items():
            lines.append('printf("%%s %%zu\\n", "%s", sizeof(%s));' % (struct, struct))
            for name, _ in cls._fields_:
                lines.append('printf("%%s %%zu %%zu\\n", "%s.%s", offsetof(%s, %s), '
                             'sizeof(((%s *)0)->%s));' % (struct, name, struct, name,
                                                         struct, name))
        lines += ["return 0;", "}"]
        src, exe = self.path("layout.c"), self.path("layout")
        pathlib.Path(src).write_text("\n".join(lines) + "\n")
        built = subprocess.run([cc, "-I", str(HEADER.parent), "-o", exe, src],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if built.returncode != 0:
            self.skipTest("cannot compile: %s" % built.stdout.decode()[:200])
        out = subprocess.run([exe], stdout=subprocess.PIPE, check=True).stdout.decode()
        want = []
        for struct, cls in fields.items():
            want.append("%s %d" % (struct, ctypes.sizeof(cls)))
            for name, _ in cls._fields_:
                f = getattr(cls, name)
                want.append("%s.%s %d %d" % (struct, name, f.offset, f.size))
        self.assertEqual(out.splitlines(), want)


if __name__ == "__main__":
    unittest.main()

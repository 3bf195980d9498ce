"""Every status code maps to its exception class, and each one is raised
where the library reports it."""

from __future__ import annotations

import ctypes
import os
import pickle
import struct
import sys
import unittest
from array import array

import socialkpi
from socialkpi import _ffi, errors

from support import MARCH_10, TempDirTest, crc32c, run_python

# status name -> (class, built-in base it also has, or None)
EXPECTED = {
    "SKPI_EINVAL": (socialkpi.InvalidArgumentError, ValueError),
    "SKPI_ENOMEM": (socialkpi.OutOfMemoryError, MemoryError),
    "SKPI_ENOTFOUND": (socialkpi.NotFoundError, LookupError),
    "SKPI_EEXIST": (socialkpi.ExistsError, ValueError),
    "SKPI_ESLUG": (socialkpi.SlugError, ValueError),
    "SKPI_ELABEL": (socialkpi.LabelError, ValueError),
    "SKPI_ELIMIT": (socialkpi.LimitError, None),
    "SKPI_ETIME": (socialkpi.TimeRangeError, ValueError),
    "SKPI_ECOUNT": (socialkpi.CountError, ValueError),
    "SKPI_ERATING": (socialkpi.RatingError, ValueError),
    "SKPI_EOVERFLOW": (socialkpi.CounterOverflowError, OverflowError),
    "SKPI_EORDER": (socialkpi.OrderError, ValueError),
    "SKPI_EPARSE": (socialkpi.ParseError, ValueError),
    "SKPI_ERANGE": (socialkpi.RangeError, ValueError),
    "SKPI_EALIGN": (socialkpi.AlignmentError, ValueError),
    "SKPI_EZONE": (socialkpi.ZoneError, ValueError),
    "SKPI_EOPTION": (socialkpi.OptionError, ValueError),
    "SKPI_ENODATA": (socialkpi.NoDataError, LookupError),
    "SKPI_EBUFSIZE": (socialkpi.BufferSizeError, None),
    "SKPI_EID": (socialkpi.IdError, ValueError),
    "SKPI_EDUPLICATE": (socialkpi.DuplicateError, socialkpi.AnomalyError),
    "SKPI_EUNMATCHED": (socialkpi.UnmatchedError, socialkpi.AnomalyError),
    "SKPI_EFORMAT": (socialkpi.FormatError, socialkpi.DataError),
    "SKPI_EVERSION": (socialkpi.VersionError, socialkpi.DataError),
    "SKPI_ECRC": (socialkpi.ChecksumError, socialkpi.DataError),
    "SKPI_ETRUNC": (socialkpi.TruncatedError, socialkpi.DataError),
    "SKPI_ECORRUPT": (socialkpi.CorruptError, socialkpi.DataError),
    "SKPI_EIO": (socialkpi.IOFailureError, OSError),
    "SKPI_EINCOMPAT": (socialkpi.IncompatibleError, ValueError),
    "SKPI_EJOURNAL": (socialkpi.JournalError, None),
    "SKPI_ESYNTAX": (socialkpi.CSVSyntaxError, ValueError),
    "SKPI_EUTF8": (socialkpi.EncodingError, ValueError),
    "SKPI_EFIELD": (socialkpi.FieldError, ValueError),
}


class MappingTest(unittest.TestCase):
    """The table of classes, built from skpi_status_name()."""

    def test_every_status_has_its_class(self) -> None:
        codes = []
        code = 1
        while socialkpi.status_name(code) != "SKPI_UNKNOWN":
            codes.append(code)
            code += 1
        self.assertEqual(len(codes), len(EXPECTED))
        seen = set()
        for code in codes:
            name = socialkpi.status_name(code)
            cls = errors.by_status[code]
            self.assertIs(errors.by_name[name], cls)
            self.assertIs(cls, EXPECTED[name][0], name)
            self.assertEqual(cls.status, code)
            self.assertEqual(cls.name, name)
            self.assertTrue(issubclass(cls, socialkpi.SocialKPIError))
            if EXPECTED[name][1] is not None:
                self.assertTrue(issubclass(cls, EXPECTED[name][1]), name)
            self.assertNotIn(cls, seen)
            seen.add(cls)
            err = errors.error_for(code, "skpi_x")
            self.assertIs(type(err), cls)
            self.assertEqual((err.status, err.name), (code, name))
            self.assertEqual(err.message, "skpi_x: " + socialkpi.strerror(code))
            self.assertIn("[%s]" % name, str(err))
            self.assertTrue(cls.__doc__)

    def test_ok_and_unknown_codes(self) -> None:
        self.assertEqual(socialkpi.status_name(0), "SKPI_OK")
        self.assertEqual(socialkpi.strerror(0), "success")
        err = errors.error_for(999)
        self.assertIs(type(err), socialkpi.SocialKPIError)
        self.assertEqual((err.status, err.name), (999, "SKPI_UNKNOWN"))
        self.assertEqual(err.message, "unknown status")

    def test_errcheck_raises_for_table_functions(self) -> None:
        with self.assertRaises(socialkpi.InvalidArgumentError) as cm:
            _ffi.lib.skpi_options_new(None)
        self.assertEqual(cm.exception.call, "skpi_options_new")
        self.assertEqual(_ffi.raw.skpi_options_new(None), 1)

    def test_errors_pickle_with_their_attributes(self) -> None:
        err = errors.error_for(25, "skpi_tracker_from_bytes")
        err.offset, err.field, err.index = 97, "section", 3
        back = pickle.loads(pickle.dumps(err))
        self.assertIs(type(back), socialkpi.ChecksumError)
        self.assertEqual((back.status, back.name, back.offset, back.field, back.index),
                         (25, "SKPI_ECRC", 97, "section", 3))
        self.assertEqual(str(back), str(err))

    def test_constructed_by_hand(self) -> None:
        err = socialkpi.ParseError("bad period")
        self.assertEqual((err.status, err.name, err.message), (13, "SKPI_EPARSE", "bad period"))
        self.assertEqual(str(err), "bad period [SKPI_EPARSE]")
        self.assertEqual(socialkpi.NotFoundError().message, "no such id or slug")


class RaisedTest(TempDirTest):
    """Each reachable status, triggered through the package."""

    def check(self, name: str, fn, *args, **kwargs) -> socialkpi.SocialKPIError:
        cls = EXPECTED[name][0]
        with self.assertRaises(cls) as cm:
            fn(*args, **kwargs)
        err = cm.exception
        self.assertEqual(err.name, name)
        self.assertEqual(err.status, cls.status)
        self.assertTrue(err.message)
        return err

    def setUp(self) -> None:
        super().setUp()
        self.t = socialkpi.Tracker()

    def tearDown(self) -> None:
        self.t.close()
        super().tearDown()

    def test_einval(self) -> None:
        # a category through skpi_taxonomy_add(), as the header says
        out = ctypes.c_uint32()
        self.check("SKPI_EINVAL", _ffi.lib.skpi_taxonomy_add, self.t._h, 2, b"x", None,
                   ctypes.byref(out))
        self.t.message(0, 0, MARCH_10)
        self.t.response(0, 0, MARCH_10, MARCH_10 + 60)
        with self.t.new_report("2024-03-10") as r:
            self.check("SKPI_EINVAL", r.response_quantile, 1.5)
        self.check("SKPI_EINVAL", socialkpi.parse_time, "2024-03-10T00:00:00\0Z")

    def test_enomem(self) -> None:
        # In a child: cap the address space just above what is mapped, then
        # serialize a tracker whose snapshot needs more than that.
        code = """if True:
            import resource, socialkpi
            t = socialkpi.Tracker()
            n = 200000
            t.record_many(event="message_id", platform=0, category=0,
                          time=list(range(1000, 1000 + n)),
                          message_id=["m%d" % i for i in range(n)])
            pages = int(open("/proc/self/statm").read().split()[0])
            size = pages * resource.getpagesize()
            resource.setrlimit(resource.RLIMIT_AS, (size + (1 << 20), resource.RLIM_INFINITY))
            try:
                t.to_bytes()
            except socialkpi.OutOfMemoryError as e:
                print("raised", e.status, e.name)
            except MemoryError:
                print("python")
        """
        if not os.path.exists("/proc/self/statm"):
            self.skipTest("needs /proc/self/statm")
        out = run_python(code)
        if out.stdout.strip() == "python":
            self.skipTest("Python ran out of memory before the library did")
        self.assertEqual(out.stdout.strip(), "raised 2 SKPI_ENOMEM", out.stderr)

    def test_enotfound(self) -> None:
        self.check("SKPI_ENOTFOUND", self.t.find, "platform", "tiktok")
        self.check("SKPI_ENOTFOUND", self.t.message, "tiktok", 0, MARCH_10)
        self.check("SKPI_ENOTFOUND", self.t.message, 0, 99, MARCH_10)
        self.check("SKPI_ENOTFOUND", self.t.message, 2 ** 32, 0, MARCH_10)
        self.check("SKPI_ENOTFOUND", self.t.category_info, 7)
        self.check("SKPI_ENOTFOUND", self.t.add_category, "x", group="nogroup")
        # from C: an unknown id in a column batch
        err = self.check("SKPI_ENOTFOUND", self.t.record_many, event="message",
                         platform=array("I", [0, 9]), category=0, time=MARCH_10)
        self.assertEqual(err.index, 1)
        self.assertEqual(err.call, "skpi_record_message")

    def test_eexist(self) -> None:
        self.check("SKPI_EEXIST", self.t.add_platform, "twitter")

    def test_eslug(self) -> None:
        self.check("SKPI_ESLUG", self.t.add_platform, "Bad Slug")
        self.check("SKPI_ESLUG", self.t.add_kind, "x" * 33)

    def test_elabel(self) -> None:
        self.check("SKPI_ELABEL", self.t.add_platform, "long", "\u00e9" * 200)

    def test_elimit(self) -> None:
        self.check("SKPI_ELIMIT", socialkpi.Tracker, sla=range(1, 10))
        for i in range(socialkpi.taxonomy_capacity("group") - 3):
            self.t.add_group("g%d" % i)
        self.check("SKPI_ELIMIT", self.t.add_group, "one_too_many")

    def test_etime(self) -> None:
        self.check("SKPI_ETIME", socialkpi.parse_time, "1960-01-01T00:00:00Z")
        self.check("SKPI_ETIME", self.t.message, 0, 0, -1)
        self.check("SKPI_ETIME", self.t.message, 0, 0, 2 ** 64)
        err = self.check("SKPI_ETIME", self.t.record_many, event="message", platform=0,
                         category=0, time=array("q", [MARCH_10, -5]))
        self.assertEqual(err.index, 1)

    def test_ecount(self) -> None:
        self.check("SKPI_ECOUNT", self.t.engagement, 0, 0, MARCH_10, 0)
        self.check("SKPI_ECOUNT", self.t.followers, 0, MARCH_10, -1)
        err = self.check("SKPI_ECOUNT", self.t.record_many, event="posts", platform=0,
                         time=MARCH_10, count=array("q", [1, 0]))
        self.assertEqual(err.call, "skpi_record_posts")

    def test_erating(self) -> None:
        self.check("SKPI_ERATING", self.t.rating, 0, MARCH_10, 6)
        self.check("SKPI_ERATING", self.t.rating, 0, MARCH_10, 2 ** 40)

    def test_eoverflow(self) -> None:
        big = 2 ** 63 - 1
        self.t.engagement(0, 0, MARCH_10, big)
        self.check("SKPI_EOVERFLOW", self.t.engagement, 0, 0, MARCH_10, 1)
        self.check("SKPI_EOVERFLOW", self.t.posts, 0, MARCH_10, 2 ** 63)
        self.check("SKPI_EOVERFLOW", self.t.followers, 0, MARCH_10, socialkpi.FOLLOWERS_MAX + 1)

    def test_eorder(self) -> None:
        self.check("SKPI_EORDER", self.t.response, 0, 0, MARCH_10, MARCH_10 - 1)
        self.t.message_id(0, 0, MARCH_10, "m1")
        self.check("SKPI_EORDER", self.t.reply, 0, "m1", MARCH_10 - 1)

    def test_eparse(self) -> None:
        self.check("SKPI_EPARSE", socialkpi.parse_time, "yesterday")
        self.check("SKPI_EPARSE", self.t.period, "2023-02-29")
        self.check("SKPI_EPARSE", self.t.message, 0, 0, "2024-03-10")
        self.check("SKPI_EPARSE", socialkpi.Tracker, business_hours={"sun": ("7h", "14h")})

    def test_erange(self) -> None:
        self.check("SKPI_ERANGE", self.t.period, "2024-03-02/2024-03-01")
        self.check("SKPI_ERANGE", self.t.report, start=MARCH_10 + 86400, end=MARCH_10)

    def test_ealign(self) -> None:
        self.check("SKPI_EALIGN", self.t.report, start=MARCH_10 + 1, end=MARCH_10 + 86400)

    def test_ezone(self) -> None:
        self.check("SKPI_EZONE", socialkpi.Tracker, tz="Mars/Olympus_Mons")
        self.check("SKPI_EZONE", socialkpi.Tracker, tz="+15:00")

    def test_eoption(self) -> None:
        self.check("SKPI_EOPTION", socialkpi.Tracker, quantile_accuracy=1.0)
        self.check("SKPI_EOPTION", socialkpi.Tracker, bucket=7)
        self.check("SKPI_EOPTION", socialkpi.Tracker, bucket="week")
        self.check("SKPI_EOPTION", socialkpi.Tracker, rating_scale=(5, 1, 3))
        self.check("SKPI_EOPTION", socialkpi.Tracker, people_precision=30)
        self.check("SKPI_EOPTION", socialkpi.Tracker, open_limit=0)
        self.check("SKPI_EOPTION", socialkpi.Tracker, sla=(60, 30))
        self.check("SKPI_EOPTION", socialkpi.Tracker, business_hours=[(9, "08:00", "12:00")])
        self.check("SKPI_EOPTION", socialkpi.Tracker, holidays=["1900-01-01"])
        with self.t.new_report("2024-03-10") as r:
            self.check("SKPI_EOPTION", r.anomalies, 99)
            self.check("SKPI_EOPTION", r.people, "pets")
        self.check("SKPI_EOPTION", socialkpi.Tracker.open_journal, self.path("j"), fsync="weekly")

    def test_enodata(self) -> None:
        with self.t.new_report("2024-03-10") as r:
            self.check("SKPI_ENODATA", r.response_time)
            self.check("SKPI_ENODATA", r.followers, "twitter")
            self.check("SKPI_ENODATA", r.people, "authors")

    def test_ebufsize(self) -> None:
        buf = ctypes.create_string_buffer(4)
        self.check("SKPI_EBUFSIZE", _ffi.lib.skpi_time_format, self.t._h, MARCH_10, buf, 4)

    def test_eid(self) -> None:
        self.check("SKPI_EID", self.t.message_id, 0, 0, MARCH_10, "")
        self.check("SKPI_EID", self.t.message_id, 0, 0, MARCH_10, "x" * 257)
        self.check("SKPI_EID", self.t.follower, 0, MARCH_10, "a\0b")

    def test_eduplicate(self) -> None:
        self.t.message_id(0, 0, MARCH_10, "m1")
        self.check("SKPI_EDUPLICATE", self.t.message_id, 0, 0, MARCH_10, "m1")

    def test_eunmatched(self) -> None:
        self.check("SKPI_EUNMATCHED", self.t.reply, 0, "never-seen", MARCH_10)

    def snapshot(self) -> bytes:
        self.t.message(0, 0, MARCH_10)
        return self.t.to_bytes()

    def test_eformat(self) -> None:
        err = self.check("SKPI_EFORMAT", socialkpi.Tracker.from_bytes, b"NOTASNAP" + bytes(40))
        self.assertEqual(err.offset, 0)
        self.assertEqual(err.field, "magic")

    def test_eversion(self) -> None:
        data = bytearray(self.snapshot())
        struct.pack_into("<H", data, 8, 99)
        struct.pack_into("<I", data, 28, crc32c(bytes(data[:28])))
        err = self.check("SKPI_EVERSION", socialkpi.Tracker.from_bytes, bytes(data))
        self.assertIsNotNone(err.offset)

    def test_ecrc(self) -> None:
        data = bytearray(self.snapshot())
        data[40] ^= 1
        err = self.check("SKPI_ECRC", socialkpi.Tracker.from_bytes, data)
        self.assertGreater(err.offset, 0)

    def test_etrunc(self) -> None:
        data = self.snapshot()
        self.check("SKPI_ETRUNC", socialkpi.Tracker.from_bytes, data[:-5])
        self.check("SKPI_ETRUNC", socialkpi.Tracker.from_bytes, data[:10])

    def test_ecorrupt(self) -> None:
        path = self.path("state.skpi")
        with socialkpi.Tracker.open_journal(path, fsync="none") as t:
            for i in range(3):
                t.message(0, 0, MARCH_10 + i)
        with open(path + ".journal", "r+b") as f:
            f.seek(30)
            byte = f.read(1)
            f.seek(30)
            f.write(bytes([byte[0] ^ 0xFF]))
        err = self.check("SKPI_ECORRUPT", socialkpi.Tracker.open_journal, path)
        self.assertEqual(err.offset, 24)
        self.assertEqual(err.field, "journal")

    def test_eio(self) -> None:
        err = self.check("SKPI_EIO", socialkpi.Tracker.load, self.path("missing.skpi"))
        self.assertIn("missing.skpi", err.message)
        self.check("SKPI_EIO", self.t.save, self.path("no/such/dir/x.skpi"))

    def test_eincompat(self) -> None:
        with socialkpi.Tracker(tz="+04:00") as other:
            self.check("SKPI_EINCOMPAT", self.t.merge, other)

    @unittest.skipUnless(sys.platform.startswith("linux"), "needs RLIMIT_FSIZE and SIGXFSZ")
    def test_eio_then_ejournal(self) -> None:
        # In a child: a file size limit makes the next journal append fail
        # (SKPI_EIO); every change after that is refused (SKPI_EJOURNAL).
        code = """if True:
            import os, resource, signal, socialkpi
            path = %r
            t = socialkpi.Tracker.open_journal(path, fsync="none")
            t.message(0, 0, 1000)
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            size = os.path.getsize(path + ".journal")
            resource.setrlimit(resource.RLIMIT_FSIZE, (size + 10, resource.RLIM_INFINITY))
            for expected in (socialkpi.IOFailureError, socialkpi.JournalError):
                try:
                    t.message(0, 0, 1000)
                except expected as e:
                    print(e.status, e.name)
        """ % self.path("j.skpi")
        out = run_python(code)
        self.assertEqual(out.stdout.split("\n")[:2], ["28 SKPI_EIO", "30 SKPI_EJOURNAL"],
                         out.stderr)


if __name__ == "__main__":
    unittest.main()

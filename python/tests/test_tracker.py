"""Tracker: options, taxonomy, recording, times and lifetime."""

from __future__ import annotations

import ctypes
import datetime as dt
import gc
import threading
import unittest
import weakref

import socialkpi
from socialkpi import Tracker

from support import HOUR, MARCH_10, run_python

UTC = dt.timezone.utc
PLUS4 = dt.timezone(dt.timedelta(hours=4))


def day_report(t: Tracker, day: str = "2024-03-10") -> dict:
    return t.report(day, change=False)


class OptionsTest(unittest.TestCase):

    def test_defaults_are_the_library_defaults(self) -> None:
        with Tracker() as t:
            self.assertEqual(t.tz, "Z")
            self.assertEqual(t.bucket, "day")
            self.assertEqual(t.rating_scale, (1, 5, 4))
            self.assertEqual(t.sla, (3600, 86400))
            self.assertFalse(t.has_business_hours)
            # Tracker() equals skpi_tracker_new(NULL): same snapshot bytes
            h = ctypes.c_void_p()
            socialkpi._ffi.lib.skpi_tracker_new(None, ctypes.byref(h))
            try:
                c = Tracker._wrap(h.value)
                self.assertEqual(c.to_bytes(), t.to_bytes())
            finally:
                c.close()

    def test_options_read_back(self) -> None:
        with Tracker(tz="+0530", bucket="hour", rating_scale=(0, 10, 9), sla=[60, 600, 6000],
                     quantile_accuracy=0.001, people_precision=10, open_limit=5000,
                     business_hours={"sun": ("07:30", "14:30")}, holidays=["2024-01-01"]) as t:
            self.assertEqual(t.tz, "+05:30")
            self.assertEqual(t.bucket, "hour")
            self.assertEqual(t.rating_scale, (0, 10, 9))
            self.assertEqual(t.sla, (60, 600, 6000))
            self.assertTrue(t.has_business_hours)
        with Tracker(bucket=1, sla=()) as t:
            self.assertEqual(t.bucket, "hour")
            self.assertEqual(t.sla, ())

    def test_iana_zone(self) -> None:
        try:
            t = Tracker(tz="Europe/London")
        except socialkpi.ZoneError:
            self.skipTest("no tzdata")
        with t:
            self.assertEqual(t.tz, "Europe/London")
            self.assertEqual(t.format_time(1719792000), "2024-07-01T01:00:00+01:00")

    def test_business_hours_forms(self) -> None:
        forms = [
            {"sun": ("07:30", "14:30"), "Monday": [("08:00", "10:00"), ("11:00", "12:00")]},
            [("sun", "07:30", "14:30"), (0, "08:00", "10:00"), ("mon", "11:00", "12:00")],
            [(6, dt.time(7, 30), dt.time(14, 30)), (0, "08:00", "10:00"),
             (0, "11:00:00", "12:00")],
        ]
        snaps = []
        for form in forms:
            with Tracker(business_hours=form, holidays=["2024-01-01", dt.date(2024, 6, 16)]) as t:
                self.assertTrue(t.has_business_hours)
                snaps.append(t.to_bytes())
        self.assertEqual(snaps[0], snaps[1])
        self.assertEqual(snaps[0], snaps[2])

    def test_bad_options(self) -> None:
        with self.assertRaises(socialkpi.OptionError):
            Tracker(business_hours={"someday": ("07:30", "14:30")})
        with self.assertRaises(socialkpi.OptionError):
            Tracker(business_hours={"sun": ("14:30", "07:30")})
        with self.assertRaises(TypeError):
            Tracker(holidays=[dt.datetime(2024, 1, 1)])
        with self.assertRaises(TypeError):
            Tracker(people_precision="14")
        with self.assertRaises(TypeError):
            Tracker(tz=4)
        with self.assertRaises(socialkpi.InvalidArgumentError):
            Tracker(tz="Z\0")
        with self.assertRaises(socialkpi.OptionError):
            Tracker(open_limit=-1)
        with self.assertRaises(socialkpi.LimitError):
            Tracker(holidays=[dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(600)])


class TaxonomyTest(unittest.TestCase):

    def setUp(self) -> None:
        self.t = Tracker()

    def tearDown(self) -> None:
        self.t.close()

    def test_builtins(self) -> None:
        t = self.t
        self.assertEqual(t.slugs("platform"), ["twitter", "facebook", "instagram"])
        self.assertEqual(t.slugs("groups"), ["inquiry", "complaint", "appreciation"])
        self.assertEqual(t.slugs(2)[-1], "thanks")
        self.assertEqual(t.slugs("kind"), ["like", "share", "comment"])
        self.assertEqual(t.labels("platform")[0], "X / Twitter")
        self.assertEqual(t.taxonomy("kind")[1], socialkpi.TaxonomyEntry(1, "share", "Shares"))
        self.assertEqual(t.taxonomy_count("category"), 7)
        self.assertEqual(t.find("category", "thanks"), 6)
        self.assertEqual(t.slug("category", 6), "thanks")
        self.assertEqual(t.label("platform", "twitter"), "X / Twitter")
        self.assertEqual(t.category_info("thanks"), socialkpi.CategoryInfo(2, False))
        self.assertEqual(t.category_info(4), (1, True))
        self.assertEqual(socialkpi.taxonomy_capacity("platform"), 32)
        self.assertEqual(socialkpi.taxonomy_capacity("categories"), 64)
        with self.assertRaises(ValueError):
            t.slugs("colour")
        with self.assertRaises(ValueError):
            socialkpi.taxonomy_capacity(4)

    def test_add(self) -> None:
        t = self.t
        self.assertEqual(t.add_platform("tiktok", "TikTok"), 3)
        self.assertEqual(t.add_platform("whatsapp"), 4)
        self.assertEqual(t.label("platform", "whatsapp"), "whatsapp")
        self.assertEqual(t.add_group("praise", "\u0634\u0643\u0631"), 3)
        self.assertEqual(t.label("group", 3), "\u0634\u0643\u0631")
        self.assertEqual(t.add_kind("view"), 3)
        cid = t.add_category("lost_item", "Lost item", group="complaint")
        self.assertEqual(t.category_info(cid), (1, True))
        fyi = t.add_category("fyi", group="praise", expects_answer=False)
        self.assertEqual(t.category_info("fyi"), (3, False))
        t.message("tiktok", "lost_item", MARCH_10)
        t.message(3, fyi, MARCH_10)
        t.engagement("whatsapp", "view", MARCH_10, 7)
        r = day_report(t)
        self.assertEqual(r["messages"]["by_platform"]["tiktok"], 2)
        self.assertEqual(r["messages"]["by_group"]["praise"], 1)
        self.assertEqual(r["responses"]["expected"], 1)
        self.assertEqual(r["engagement"]["by_kind"]["view"], 7)
        self.assertEqual(r["filter"]["platforms"][-2:], ["tiktok", "whatsapp"])

    def test_ids_are_checked_not_wrapped(self) -> None:
        # ctypes would turn 2**32 into 0 (twitter) and -1 into SKPI_ALL.
        for bad in (2 ** 32, -1, 3, 2 ** 64):
            with self.assertRaises(socialkpi.NotFoundError):
                self.t.message(bad, 0, MARCH_10)
        with self.assertRaises(TypeError):
            self.t.message(1.0, 0, MARCH_10)
        with self.assertRaises(TypeError):
            self.t.message(True, 0, MARCH_10)
        with self.assertRaises(TypeError):
            self.t.message([0], 0, MARCH_10)
        self.assertEqual(day_report(self.t)["messages"]["total"], 0)


class RecordingTest(unittest.TestCase):

    def setUp(self) -> None:
        self.t = Tracker()

    def tearDown(self) -> None:
        self.t.close()

    def test_every_recording_method(self) -> None:
        t = self.t
        t0 = MARCH_10 + 10 * HOUR
        t.message(0, 0, t0)
        t.message("twitter", "general_inquiry", t0)
        t.response("twitter", 0, t0, t0 + 600)
        t.message("facebook", "help_request", t0, message_id="fb-1", author="alice")
        t.message_id("facebook", "help_request", t0, "fb-2", author=b"bob")
        t.message_id(1, 1, t0, b"fb-3")
        t.reply("facebook", "fb-1", t0 + 120)
        t.reply(1, b"fb-2", t0 + 240)
        t.rating("twitter", t0, 5)
        t.rating("twitter", t0, 2)
        t.engagement("twitter", "like", t0, 10)
        t.engagement("twitter", "comment", t0, person="carol")
        t.engagement(0, 2, t0, 2, "dave")
        t.posts("twitter", t0, 2)
        t.post(0, t0)
        t.followers("twitter", t0, 100)
        t.follower("instagram", t0, "erin")
        t.follower(2, t0, "frank")
        r = day_report(t)
        self.assertEqual(r["messages"]["total"], 5)
        self.assertEqual(r["responses"]["expected"], 5)
        self.assertEqual(r["responses"]["answered"], 3)
        self.assertEqual(r["responses"]["first_response_seconds"]["max"], 600)
        self.assertEqual(r["responses"]["first_response_seconds"]["min"], 120)
        self.assertEqual(r["satisfaction"]["ratings"], 2)
        self.assertEqual(r["satisfaction"]["satisfied"], 1)
        self.assertEqual(r["engagement"]["by_kind"], {"like": 10, "share": 0, "comment": 3})
        self.assertEqual(r["engagement"]["posts"], 3)
        self.assertEqual(r["followers"]["by_platform"]["twitter"], 100)
        self.assertEqual(r["people"]["unique_authors"], 2)
        self.assertEqual(r["people"]["unique_engagers"], 2)
        self.assertEqual(r["people"]["unique_followers"], 2)
        self.assertEqual(r["responses"]["backlog"]["count"], 2)

    def test_anomalies_raise_and_count(self) -> None:
        t = self.t
        t.message_id(0, 0, MARCH_10, "m")
        with self.assertRaises(socialkpi.DuplicateError):
            t.message(0, 0, MARCH_10, message_id="m")
        with self.assertRaises(socialkpi.UnmatchedError):
            t.reply(0, "nope", MARCH_10)
        with self.assertRaises(socialkpi.OrderError):
            t.reply(0, "m", MARCH_10 - 1)
        t.reply(0, "m", MARCH_10 + 5)
        t.reply(0, "m", MARCH_10 + 6)
        resp = t.report("2024-03")["responses"]  # the early reply is on 03-09
        self.assertEqual((resp["duplicate_messages"], resp["unmatched_replies"],
                          resp["early_replies"], resp["later_replies"]), (1, 1, 1, 1))
        with self.assertRaises(TypeError):
            t.message(0, 0, MARCH_10, author="x")

    def test_time_forms(self) -> None:
        t = self.t
        t0 = MARCH_10 + 12 * HOUR
        forms = [
            t0,
            float(t0) + 0.75,
            dt.datetime(2024, 3, 10, 12, 0, tzinfo=UTC),
            dt.datetime(2024, 3, 10, 16, 0, 0, 999999, tzinfo=PLUS4),
            "2024-03-10T12:00:00Z",
            "2024-03-10 16:00:00.5+04:00",
            str(t0),
        ]
        for i, when in enumerate(forms):
            t.message_id(0, 0, when, "m%d" % i)
            t.reply(0, "m%d" % i, t0 + 60)
        fr = day_report(t)["responses"]["first_response_seconds"]
        self.assertEqual((fr["n"], fr["min"], fr["max"]), (len(forms), 60, 60))

    def test_bad_times(self) -> None:
        t = self.t
        with self.assertRaisesRegex(ValueError, "naive"):
            t.message(0, 0, dt.datetime(2024, 3, 10, 12, 0))
        with self.assertRaises(TypeError):
            t.message(0, 0, dt.date(2024, 3, 10))
        with self.assertRaises(TypeError):
            t.message(0, 0, True)
        with self.assertRaises(TypeError):
            t.message(0, 0, None)
        with self.assertRaises(socialkpi.TimeRangeError):
            t.message(0, 0, float("nan"))
        with self.assertRaises(socialkpi.TimeRangeError):
            t.message(0, 0, socialkpi.TIME_MAX)
        with self.assertRaises(socialkpi.TimeRangeError):
            t.message(0, 0, dt.datetime(1969, 12, 31, 23, 59, tzinfo=UTC))
        with self.assertRaises(socialkpi.ParseError):
            t.message(0, 0, "2024-03-10T12:00:00")  # no zone
        t.message(0, 0, socialkpi.TIME_MIN)
        t.message(0, 0, socialkpi.TIME_MAX - 1)

    def test_ids(self) -> None:
        t = self.t
        t.message_id(0, 0, MARCH_10, "\u0645\u0631\u062d\u0628\u0627")  # UTF-8, 10 bytes
        t.reply(0, "\u0645\u0631\u062d\u0628\u0627".encode("utf-8"), MARCH_10 + 1)
        t.message_id(0, 0, MARCH_10, 12345)      # an int id is its decimal text
        t.reply(0, "12345", MARCH_10 + 1)
        t.message_id(0, 0, MARCH_10, "x" * 256)  # the longest id
        with self.assertRaises(socialkpi.IdError):
            t.message_id(0, 0, MARCH_10, "a\0b")
        with self.assertRaises(TypeError):
            t.follower(0, MARCH_10, 1.5)
        self.assertEqual(day_report(t)["responses"]["answered"], 2)

    def test_counts_and_scores(self) -> None:
        t = self.t
        with self.assertRaises(TypeError):
            t.engagement(0, 0, MARCH_10, 1.0)
        with self.assertRaises(TypeError):
            t.rating(0, MARCH_10, "5")
        with self.assertRaises(socialkpi.CountError):
            t.posts(0, MARCH_10, -3)
        t.followers(0, MARCH_10, 0)
        t.followers(0, MARCH_10 + 1, socialkpi.FOLLOWERS_MAX)
        self.assertEqual(day_report(t)["followers"]["sum"], socialkpi.FOLLOWERS_MAX)

    def test_threads_record_into_one_tracker(self) -> None:
        t = self.t

        def work(platform: int) -> None:
            for i in range(2000):
                t.message(platform, i % 7, MARCH_10 + i)

        threads = [threading.Thread(target=work, args=(p % 3,)) for p in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        self.assertEqual(day_report(t)["messages"]["total"], 8000)


class TimeAndPeriodTest(unittest.TestCase):

    def setUp(self) -> None:
        self.t = Tracker(tz="+04:00")

    def tearDown(self) -> None:
        self.t.close()

    def test_parse_time(self) -> None:
        self.assertEqual(socialkpi.parse_time("2024-03-05T10:12:00+04:00"), 1709619120)
        self.assertEqual(socialkpi.parse_time("1704067200"), 1704067200)
        with self.assertRaises(TypeError):
            socialkpi.parse_time(1704067200)

    def test_periods(self) -> None:
        t = self.t
        h1 = t.period("2024-H1")
        self.assertEqual(h1, (1704052800, 1719777600))
        self.assertEqual(t.previous_period(*h1), t.period("2023-H2"))
        self.assertEqual(t.year_earlier(*h1), t.period("2023-H1"))
        self.assertEqual(t.previous_period("2024-04-01", "2024-07-01"), t.period("2024-Q1"))
        self.assertEqual(t.year_earlier(dt.datetime(2024, 1, 1, tzinfo=PLUS4), h1[1]),
                         t.period("2023-H1"))
        self.assertEqual(t.period("2024-03-01/2024-03-08"),
                         (t.period("2024-03-01")[0], t.period("2024-03-08")[0]))
        with self.assertRaises(socialkpi.ParseError):
            t.period(" 2024")
        with self.assertRaises(socialkpi.RangeError):
            t.previous_period(h1[1], h1[0])

    def test_format_time(self) -> None:
        t = self.t
        self.assertEqual(t.format_time(1704052800), "2024-01-01T00:00:00+04:00")
        self.assertEqual(t.format_time("2024-01-01T00:00:00Z"), "2024-01-01T04:00:00+04:00")
        self.assertEqual(t.format_time(dt.datetime(2024, 1, 1, tzinfo=UTC)),
                         "2024-01-01T04:00:00+04:00")
        with Tracker() as u:
            self.assertEqual(u.format_time(0), "1970-01-01T00:00:00Z")
            with self.assertRaises(socialkpi.TimeRangeError):
                u.format_time(-86400 * 2)


class LifetimeTest(unittest.TestCase):

    def test_close_and_context_manager(self) -> None:
        with Tracker() as t:
            self.assertFalse(t.closed)
            self.assertIn("tz='Z'", repr(t))
        self.assertTrue(t.closed)
        self.assertEqual(repr(t), "<socialkpi.Tracker closed>")
        t.close()  # idempotent
        for call in (lambda: t.message(0, 0, MARCH_10), lambda: t.message("twitter", 0, 1),
                     lambda: t.tz, lambda: t.report("2024"), lambda: t.to_bytes(),
                     lambda: t.record_many([]), lambda: t.slugs("platform")):
            with self.assertRaisesRegex(ValueError, "closed"):
                call()

    def test_garbage_collected(self) -> None:
        t = Tracker()
        t.message("twitter", "thanks", MARCH_10)
        ref = weakref.ref(t)
        del t
        gc.collect()
        self.assertIsNone(ref())

    def test_del_at_interpreter_shutdown(self) -> None:
        # Trackers alive in module globals, in a cycle and in a journal are
        # freed at exit without a traceback.
        code = """if True:
            import socialkpi, tempfile, os
            t = socialkpi.Tracker(tz="+04:00")
            t.message("twitter", "thanks", 1710028800)
            r = t.new_report("2024-03")
            class Holder: pass
            h = Holder(); h.self = h; h.t = socialkpi.Tracker()
            d = tempfile.mkdtemp()
            j = socialkpi.Tracker.open_journal(os.path.join(d, "s.skpi"), fsync="none")
            j.message(0, 0, 1710028800)
            print("ok")
        """
        out = run_python(code)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.strip(), "ok")
        self.assertEqual(out.stderr, "")


if __name__ == "__main__":
    unittest.main()

"""Reports: the dict and JSON forms, ranges, filters, and every getter of
Report."""

from __future__ import annotations

import datetime as dt
import json
import math
import unittest

import socialkpi
from socialkpi import Tracker

from support import MARCH_10

# doc/report-json.md, "A small program, compact form": the exact bytes.
DOC_EXAMPLE = (
    '{"period":{"from":"2024-03-10T00:00:00Z","to":"2024-03-11T00:00:00Z","tz":"Z",'
    '"from_unix":1710028800,"to_unix":1710115200,"bucket":"day"},"filter":{"platforms":'
    '["twitter","facebook","instagram"]},"messages":{"total":2,"inquiries_and_remarks":2,'
    '"by_group":{"inquiry":2,"complaint":0,"appreciation":0},"by_category":{'
    '"general_inquiry":2,"help_request":0,"traffic_inquiry":0,"criminal_inquiry":0,'
    '"service_complaint":0,"general_complaint":0,"thanks":0},"by_platform":{"twitter":2,'
    '"facebook":0,"instagram":0}},"responses":{"expected":2,"answered":1,"rate":0.5,"sla":'
    '[{"seconds":3600,"within":1,"expected":2,"rate":0.5},{"seconds":86400,"within":1,'
    '"expected":2,"rate":0.5}],"by_platform":{"twitter":{"expected":2,"answered":1,'
    '"rate":0.5},"facebook":{"expected":0,"answered":0,"rate":null},"instagram":{'
    '"expected":0,"answered":0,"rate":null}},"first_response_seconds":{"n":1,"mean":600,'
    '"p50":600,"p90":600,"p95":600,"p99":600,"min":600,"max":600},'
    '"business_first_response_seconds":null,"backlog":{"count":1,"oldest_age_seconds":'
    '86400},"unmatched_replies":0,"early_replies":0,"later_replies":0,'
    '"duplicate_messages":0,"forgotten_messages":0},"satisfaction":{"ratings":1,'
    '"satisfied":1,"rate":1,"mean":5,"threshold":4,"scale":[1,5],"distribution":{"1":0,'
    '"2":0,"3":0,"4":0,"5":1}},"engagement":{"total":10,"by_kind":{"like":10,"share":0,'
    '"comment":0},"by_platform":{"twitter":10,"facebook":0,"instagram":0},"posts":2,'
    '"per_post":5,"followers":100,"per_follower":0.1},"followers":{"by_platform":{'
    '"twitter":100,"facebook":null,"instagram":null},"change_by_platform":{"twitter":{'
    '"start":100,"end":100,"change":0,"growth":0},"facebook":null,"instagram":null},'
    '"sum":100,"unique":null,"unique_error":null,"unique_bounds":[100,100]},"people":{'
    '"unique_authors":null,"unique_authors_error":null,"unique_engagers":null,'
    '"unique_engagers_error":null,"unique_followers":null,"unique_followers_error":null,'
    '"by_platform":{"twitter":{"authors":null,"engagers":null,"followers":null},'
    '"facebook":{"authors":null,"engagers":null,"followers":null},"instagram":{'
    '"authors":null,"engagers":null,"followers":null}}}}')


def doc_tracker() -> Tracker:
    """The tracker of doc/report-json.md's small program."""
    t = Tracker()
    ten = socialkpi.parse_time("2024-03-10T10:00:00Z")
    t.message(0, 0, ten)
    t.message(0, 0, ten)
    t.response(0, 0, ten, ten + 600)
    t.rating(0, ten, 5)
    t.engagement(0, 0, ten, 10)
    t.posts(0, ten, 2)
    t.followers(0, ten, 100)
    return t


class JsonTest(unittest.TestCase):

    def setUp(self) -> None:
        self.t = doc_tracker()

    def tearDown(self) -> None:
        self.t.close()

    def test_doc_example_bytes(self) -> None:
        self.assertEqual(self.t.report_json("2024-03-10", change=False), DOC_EXAMPLE)

    def test_report_is_the_json(self) -> None:
        for kw in ({}, {"change": False}, {"platforms": "twitter"}):
            self.assertEqual(self.t.report("2024-03-10", **kw),
                             json.loads(self.t.report_json("2024-03-10", **kw)))
        r = self.t.report("2024-03-10")
        self.assertIsNone(r["responses"]["by_platform"]["facebook"]["rate"])
        self.assertEqual(r["change"]["previous"]["kpis"]["messages.total"]["delta"], 2)

    def test_pretty(self) -> None:
        pretty = self.t.report_json("2024-03-10", pretty=True)
        self.assertTrue(pretty.endswith("}\n"))
        self.assertIn('\n  "period": {\n', pretty)
        self.assertEqual(json.loads(pretty), self.t.report("2024-03-10"))

    def test_ranges(self) -> None:
        t = self.t
        want = t.report_json("2024-03-10")
        a, b = t.period("2024-03-10")
        self.assertEqual(t.report_json(start=a, end=b), want)
        self.assertEqual(t.report_json((a, b)), want)
        self.assertEqual(t.report_json(dt.date(2024, 3, 10)), want)
        self.assertEqual(t.report_json(start="2024-03-10", end="2024-03-11"), want)
        self.assertEqual(t.report_json(start="2024-03-10T00:00:00Z",
                                       end=dt.datetime(2024, 3, 11, tzinfo=dt.timezone.utc)),
                         want)
        self.assertEqual(t.report_json(start=dt.date(2024, 3, 10), end="2024-03-11"), want)
        # No range: every bucket that holds data (extent()).
        self.assertEqual(t.report_json(), t.report_json(t.extent()))
        with self.assertRaises(TypeError):
            t.report("2024", start=a)
        with self.assertRaises(TypeError):
            t.report(start=a)
        with self.assertRaises(TypeError):
            t.report(42)
        with self.assertRaisesRegex(ValueError, "naive"):
            t.report(start=dt.datetime(2024, 3, 10), end=b)

    def test_platform_filter(self) -> None:
        t = self.t
        t.message("facebook", "thanks", MARCH_10)
        for platforms in ("facebook", 1, ["facebook"], (1,)):
            r = t.report("2024-03-10", platforms=platforms, change=False)
            self.assertEqual(r["filter"]["platforms"], ["facebook"])
            self.assertEqual(r["messages"]["total"], 1)
        r = t.report("2024-03-10", platforms=["twitter", 1], change=False)
        self.assertEqual(r["messages"]["total"], 3)
        with self.assertRaises(ValueError):
            t.report("2024-03-10", platforms=[])
        with self.assertRaises(socialkpi.NotFoundError):
            t.report("2024-03-10", platforms=["myspace"])


class ReportObjectTest(unittest.TestCase):
    """Every getter of Report, against the JSON of the same range."""

    def setUp(self) -> None:
        t = self.t = Tracker(tz="+04:00", business_hours={"sun": ("07:30", "14:30")})
        t0 = socialkpi.parse_time("2024-03-10T09:00:00+04:00")  # a Sunday
        t.followers("twitter", t0 - 86400 * 3, 90)
        for i in range(10):
            t.message_id(0, i % 7, t0 + i, "m%d" % i, "a%d" % (i % 3))
            if i % 2 == 0:
                t.reply(0, "m%d" % i, t0 + i + 60 * (i + 1))
        t.message(1, 4, t0)
        t.response(1, 4, t0, t0 + 7200)
        t.rating(0, t0, 5)
        t.rating(1, t0, 3)
        t.engagement(0, 0, t0, 10)
        t.engagement(0, "comment", t0, 2, "p1")
        t.posts(0, t0, 4)
        t.followers("twitter", t0, 100)
        t.follower("twitter", t0, "p1")
        t.follower("facebook", t0, "p1")
        try:
            t.reply(0, "ghost", t0)
        except socialkpi.UnmatchedError:
            pass
        self.r = t.new_report("2024-03-10")
        self.j = t.report("2024-03-10", change=False)

    def tearDown(self) -> None:
        self.r.close()
        self.t.close()

    def test_getters(self) -> None:
        r, j = self.r, self.j
        self.assertEqual(r.range(), (j["period"]["from_unix"], j["period"]["to_unix"]))
        self.assertIn("Report [", repr(r))
        self.assertEqual(r.taxonomy_count("platform"), 3)
        self.assertEqual(r.slugs("kind"), ["like", "share", "comment"])
        self.assertEqual(r.messages(), j["messages"]["total"])
        self.assertEqual(r.messages("twitter"), j["messages"]["by_platform"]["twitter"])
        self.assertEqual(r.messages(category="thanks"), j["messages"]["by_category"]["thanks"])
        self.assertEqual(r.group_messages(group="complaint"), j["messages"]["by_group"]["complaint"])
        self.assertEqual(r.inquiries_and_remarks(), j["messages"]["inquiries_and_remarks"])
        resp = r.responses()
        self.assertEqual((resp.expected, resp.answered, resp.rate),
                         (j["responses"]["expected"], j["responses"]["answered"],
                          j["responses"]["rate"]))
        fb = r.responses("facebook")
        self.assertEqual(fb, (1, 1, 1.0))
        self.assertTrue(math.isnan(r.responses("instagram").rate))
        for i, sla in enumerate(j["responses"]["sla"]):
            self.assertEqual(tuple(r.sla(i)), (sla["seconds"], sla["within"], sla["expected"],
                                               sla["rate"]))
        with self.assertRaises(socialkpi.NotFoundError):
            r.sla(2)
        dist = j["satisfaction"]["distribution"]
        self.assertEqual([r.rating_count(s) for s in range(1, 6)],
                         [dist[str(s)] for s in range(1, 6)])
        with self.assertRaises(socialkpi.RatingError):
            r.rating_count(0)
        c = r.csat()
        self.assertEqual(c, (2, 1, 0.5, 4.0))
        self.assertEqual(r.csat("twitter").rate, 1.0)
        self.assertEqual(r.engagement(), j["engagement"]["total"])
        self.assertEqual(r.engagement(kind="comment"), 2)
        self.assertEqual(r.posts(), (4, 3.0))
        self.assertEqual(r.followers("twitter"), (100, 90, 10, 10 / 90))
        self.assertEqual(r.followers_total(), (100, 100, 100, 1))
        self.assertEqual(r.engagement_rate(), (12, 100, 0.12))
        fr = j["responses"]["first_response_seconds"]
        rt = r.response_time()
        self.assertEqual((rt.n, rt.mean, rt.min, rt.max),
                         (fr["n"], fr["mean"], fr["min"], fr["max"]))
        self.assertEqual(r.response_quantile(0.5), fr["p50"])
        self.assertEqual(r.response_quantile(1), fr["max"])
        brt = r.response_time(business=True)
        self.assertEqual(brt.n, j["responses"]["business_first_response_seconds"]["n"])
        self.assertEqual(r.response_quantile(0.99, business=True),
                         j["responses"]["business_first_response_seconds"]["p99"])
        self.assertEqual(r.response_time("facebook", "service_complaint").mean, 7200)
        self.assertEqual(tuple(r.backlog()), (j["responses"]["backlog"]["count"],
                                              j["responses"]["backlog"]["oldest_age_seconds"]))
        for name in socialkpi.ANOMALIES:
            self.assertEqual(r.anomalies(name), j["responses"][name])
        self.assertEqual(r.anomalies(0), 1)
        self.assertEqual(r.people("authors").estimate, j["people"]["unique_authors"])
        self.assertEqual(r.people("followers"),
                         (j["people"]["unique_followers"], j["people"]["unique_followers_error"]))
        self.assertEqual(r.people(1, "twitter").estimate, 1)

    def test_ids_and_lifetime(self) -> None:
        r = self.r
        with self.assertRaises(socialkpi.NotFoundError):
            r.messages("tiktok")
        with self.assertRaises(socialkpi.NotFoundError):
            r.messages(7)
        with self.assertRaises(socialkpi.NotFoundError):
            r.messages(-1)
        with self.assertRaises(TypeError):
            r.messages(1.5)
        with self.assertRaises(TypeError):
            r.followers(None)  # type: ignore[arg-type]
        # the taxonomy as it stood when the report was made
        self.t.add_platform("tiktok")
        with self.assertRaises(socialkpi.NotFoundError):
            r.messages("tiktok")
        with self.assertRaises(socialkpi.NotFoundError):
            r.messages(3)
        # a report outlives its tracker
        total = r.messages()
        self.t.close()
        self.assertEqual(r.messages(), total)
        with r:
            pass
        self.assertTrue(r.closed)
        with self.assertRaisesRegex(ValueError, "closed"):
            r.messages()
        self.assertEqual(repr(r), "<socialkpi.Report closed>")

    def test_platform_filter(self) -> None:
        with self.t.new_report("2024-03-10", platforms=["facebook"]) as r:
            self.assertEqual(r.messages(), 1)
            self.assertEqual(r.messages("twitter"), 0)
            with self.assertRaises(socialkpi.NoDataError):
                r.followers("twitter")


if __name__ == "__main__":
    unittest.main()

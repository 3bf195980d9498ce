"""The founding half year through Python: the founding report's figures,
exactly, and the same figures as `skpi demo`."""

from __future__ import annotations

import json
import os
import subprocess
import unittest

import founding
import socialkpi
from socialkpi import Tracker

from support import TOP_BUILDDIR, TempDirTest, skpi


def demo_json() -> dict:
    """`examples/skpi demo --format json` of this build tree, or skip."""
    skpi = TOP_BUILDDIR / "examples" / "skpi"
    if not os.access(str(skpi), os.X_OK):
        raise unittest.SkipTest("no examples/skpi in %s" % TOP_BUILDDIR)
    env = dict(os.environ)
    lib = os.path.dirname(os.environ.get("SOCIALKPI_LIBRARY", ""))
    if lib:
        env["LD_LIBRARY_PATH"] = lib + (":" + env["LD_LIBRARY_PATH"]
                                        if env.get("LD_LIBRARY_PATH") else "")
    out = subprocess.run([str(skpi), "demo", "--format", "json"], stdout=subprocess.PIPE,
                         env=env, check=True, timeout=120)
    return json.loads(out.stdout.decode("utf-8"))


class FoundingTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls) -> None:
        cls.units, cls.truth = founding.build()
        cls.events = founding.events(cls.units)
        cls.t = Tracker(tz=founding.TZ)
        cls.n = cls.t.record_many(cls.events)
        cls.r = cls.t.report(founding.PERIOD)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.t.close()

    def test_all_events_recorded(self) -> None:
        self.assertEqual(self.n, len(self.events))
        self.assertEqual(self.r["period"]["from_unix"], founding.START)
        self.assertEqual(self.r["period"]["to_unix"], founding.END)
        self.assertEqual(self.r["period"]["from"], "2024-01-01T00:00:00+04:00")

    def test_messages(self) -> None:
        m = self.r["messages"]
        self.assertEqual(m["total"], 14395)
        self.assertEqual(m["inquiries_and_remarks"], 11685)
        self.assertEqual(m["by_category"], {
            "general_inquiry": 4210, "help_request": 2655, "traffic_inquiry": 1870,
            "criminal_inquiry": 1120, "service_complaint": 1030, "general_complaint": 800,
            "thanks": 2710})
        self.assertEqual(m["by_group"], {"inquiry": 9855, "complaint": 1830,
                                         "appreciation": 2710})
        self.assertEqual(m["by_platform"], {"twitter": 7198, "facebook": 4318,
                                            "instagram": 2879})

    def test_responses(self) -> None:
        resp = self.r["responses"]
        self.assertEqual((resp["expected"], resp["answered"]), (11685, 11101))
        self.assertEqual(resp["rate"], 11101 / 11685)
        self.assertEqual(round(resp["rate"] * 100), 95)
        self.assertEqual(resp["by_platform"]["twitter"], {"expected": 5843, "answered": 5550,
                                                          "rate": 5550 / 5843})
        delays = sorted(self.truth["delays"])
        fr = resp["first_response_seconds"]
        self.assertEqual(fr["n"], len(delays))
        self.assertEqual(fr["mean"], sum(delays) / len(delays))
        self.assertEqual((fr["min"], fr["max"]), (delays[0], delays[-1]))
        for key, q in (("p50", 0.5), ("p90", 0.9), ("p95", 0.95), ("p99", 0.99)):
            exact = delays[int(q * (len(delays) - 1))]
            self.assertLessEqual(abs(fr[key] - exact), 0.01 * exact, key)
        for sla in resp["sla"]:
            within = sum(1 for d in delays if d <= sla["seconds"])
            self.assertEqual((sla["within"], sla["expected"]), (within, 11685))
        self.assertEqual(resp["backlog"]["count"], self.truth["backlog"])
        for key in socialkpi.ANOMALIES:
            self.assertEqual(resp[key], 0)

    def test_satisfaction(self) -> None:
        s = self.r["satisfaction"]
        self.assertEqual((s["ratings"], s["satisfied"], s["rate"], s["mean"]),
                         (2400, 2184, 0.91, 4.48))
        self.assertEqual(s["distribution"], {"1": 72, "2": 48, "3": 96, "4": 624, "5": 1560})

    def test_engagement_and_followers(self) -> None:
        e = self.r["engagement"]
        self.assertEqual(e["total"], 4829520)
        self.assertEqual(e["by_kind"], {"like": 3380664, "share": 869314, "comment": 579542})
        self.assertEqual(e["by_platform"], {"twitter": 2656236, "facebook": 1448856,
                                            "instagram": 724428})
        self.assertEqual(e["posts"], 1440)
        f = self.r["followers"]
        self.assertEqual(f["by_platform"], {"twitter": 1700000, "facebook": 900000,
                                            "instagram": 635000})
        self.assertEqual(f["sum"], 3235000)
        self.assertEqual(f["unique_bounds"], [1700000, 3235000])
        self.assertEqual(f["change_by_platform"]["twitter"],
                         {"start": 1552000, "end": 1700000, "change": 148000,
                          "growth": 148000 / 1552000})

    def test_report_object_agrees(self) -> None:
        with self.t.new_report(founding.PERIOD) as rep:
            self.assertEqual(rep.inquiries_and_remarks(), 11685)
            self.assertEqual(rep.responses()[:2], (11685, 11101))
            self.assertEqual(rep.csat()[:3], (2400, 2184, 0.91))
            self.assertEqual(rep.engagement(), 4829520)
            self.assertEqual(rep.followers_total().sum, 3235000)
            self.assertEqual(rep.response_quantile(0.5),
                             self.r["responses"]["first_response_seconds"]["p50"])

    def test_change_against_2023(self) -> None:
        prev = self.r["change"]["previous"]
        self.assertEqual(prev["period"]["from"], "2023-07-01T00:00:00+04:00")
        self.assertEqual(prev["kpis"]["messages.inquiries_and_remarks"]["delta"], 11685)
        self.assertIsNone(prev["kpis"]["responses.rate"]["previous"])

    def test_same_figures_as_skpi_demo(self) -> None:
        demo = demo_json()
        for section in ("period", "filter", "messages", "satisfaction", "engagement"):
            self.assertEqual(self.r[section], demo[section], section)
        for key in ("expected", "answered", "rate", "by_platform"):
            self.assertEqual(self.r["responses"][key], demo["responses"][key], key)
        for key in ("by_platform", "change_by_platform", "sum", "unique_bounds"):
            self.assertEqual(self.r["followers"][key], demo["followers"][key], key)


class FoundingCSVTest(TempDirTest):
    """The founding half year as a CSV event log (`skpi sample`), read by
    Tracker.ingest_csv() into a tracker with the demo desk's options: the
    report is the demo's, and the state is the one `skpi ingest` saves."""

    def test_skpi_sample_through_ingest_csv(self) -> None:
        data = skpi("sample")
        holidays = skpi("sample", "--holidays").decode().split()[1::2]
        self.assertEqual(len(holidays), 10)
        hours = {day: ("07:30", "14:30") for day in ("sun", "mon", "tue", "wed", "thu")}
        with Tracker(tz=founding.TZ, business_hours=hours, holidays=holidays) as t:
            res = t.ingest_csv(data)
            self.assertEqual(res, socialkpi.IngestResult(
                rows_read=600110, rows_applied=600110, rows_rejected=0, rows_bad=0,
                anomalies=19, registered=0, bytes=len(data), rejects=()))
            r = t.report(founding.PERIOD)
            self.assertEqual(t.extent(), (founding.START, founding.END + 86400))
            state = self.path("sample.skpi")
            skpi("ingest", "--quiet", "--tz", founding.TZ, "--hours", "sun-thu 07:30-14:30",
                 *skpi("sample", "--holidays").decode().split(), "-o", state, "-",
                 stdin=data)
            with Tracker.load(state) as tool:
                self.assertEqual(tool.to_bytes(), t.to_bytes())
        self.assertEqual(r["messages"]["inquiries_and_remarks"], 11685)
        self.assertEqual(r["messages"]["total"], 14395)
        self.assertEqual((r["responses"]["expected"], r["responses"]["answered"]),
                         (11685, 11101))
        self.assertEqual((r["satisfaction"]["ratings"], r["satisfaction"]["rate"]),
                         (2400, 0.91))
        self.assertEqual(r["engagement"]["total"], 4829520)
        self.assertEqual(r["followers"]["sum"], 3235000)
        # Every figure is the demo's, but the distinct followers: the sample
        # leaves the follower lists out (skpi sample --follower-ids).
        demo = demo_json()
        for rep in (r, demo):
            for key in ("unique", "unique_error"):
                rep["followers"].pop(key)
                rep["people"].pop("unique_followers" + key[6:])
            for p in rep["people"]["by_platform"].values():
                p.pop("followers")
        self.assertEqual(r, demo)


class FollowerListTest(unittest.TestCase):
    """The demo's follower lists (3,235,000 follows by 2,500,000 people),
    recorded through record_many: the distinct-follower estimates equal
    the demo's to the unit."""

    def test_distinct_followers(self) -> None:
        with Tracker(tz=founding.TZ) as t:
            at = founding.END - 1800
            for platform in range(3):
                ids = founding.follower_ids(platform)
                n = t.record_many(event="follower", platform=platform, time=at, person=ids)
                self.assertEqual(n, len(ids))
            r = t.report(founding.PERIOD, change=False)
        self.assertEqual(r["followers"]["unique"], 2487479)
        self.assertEqual(r["followers"]["unique_error"], 0.008125)
        self.assertLess(abs(r["followers"]["unique"] - 2500000),
                        3 * 0.008125 * 2500000)
        self.assertEqual({p: v["followers"] for p, v in r["people"]["by_platform"].items()},
                         {"twitter": 1722036, "facebook": 893421, "instagram": 625362})
        try:
            demo = demo_json()
        except unittest.SkipTest:
            return
        self.assertEqual(r["followers"]["unique"], demo["followers"]["unique"])
        self.assertEqual(r["people"]["unique_followers"], demo["people"]["unique_followers"])


if __name__ == "__main__":
    unittest.main()

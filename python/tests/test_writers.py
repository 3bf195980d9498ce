"""The report writers (to_csv, openmetrics, to_html) and extent(): the
same bytes as the C tool and the C calls, every range form, the flags,
the errors, and the content-type constants."""

from __future__ import annotations

import ctypes
import re
import unittest
from ctypes import byref, c_size_t, c_void_p

import socialkpi
from socialkpi import Tracker, _ffi

from support import HEADER, MARCH_10, TempDirTest, skpi

DAY = 86400


def desk() -> Tracker:
    """A small desk over two days and two platforms, with every kind of
    figure (including a label that needs escaping)."""
    t = Tracker(tz="+04:00", sla=(600, 3600))
    t.add_platform("mastodon", 'Mastodon "social"\\')
    t0 = MARCH_10 - 4 * 3600               # 2024-03-10T00:00:00+04:00
    for i, (p, c) in enumerate([("twitter", "general_inquiry"), ("facebook", "thanks"),
                                ("mastodon", "help_request"), ("twitter", "service_complaint")]):
        t.message(p, c, t0 + 3600 * i, message_id="m%d" % i, author="u%d" % (i % 2))
        if c != "thanks":
            t.reply(p, "m%d" % i, t0 + 3600 * i + 300 * (i + 1) ** 2)
    t.message("twitter", "general_inquiry", t0 + DAY + 60, message_id="waiting")
    t.engagement("twitter", "like", t0 + 100, count=40, person="fan")
    t.engagement("mastodon", "share", t0 + DAY, count=3)
    t.posts("facebook", t0 + 200, 2)
    t.followers("twitter", t0, 1000)
    t.followers("twitter", t0 + DAY + 10, 1010)
    t.follower("facebook", t0 + 5, "fan")
    t.rating("twitter", t0 + 900, 5)
    t.rating("mastodon", t0 + DAY + 900, 2)
    return t


def c_writer(t: Tracker, name: str, a: int, b: int, flags: int = 0) -> str:
    """Call writer `name` through raw ctypes, every platform."""
    out, n = c_void_p(), c_size_t()
    getattr(_ffi.lib, name)(t._h, a, b, None, 0, flags, byref(out), byref(n))
    return _ffi.take_buffer(out, n.value).decode("utf-8")


def macro(name: str) -> str:
    """A string macro of include/socialkpi.h."""
    text = HEADER.read_text(encoding="utf-8")
    m = re.search(r"#define %s\s+(?:\\\s*)?((?:\"[^\"]*\"\s*)+)" % name, text)
    assert m, name
    return "".join(re.findall(r"\"([^\"]*)\"", m.group(1)))


class WritersTest(TempDirTest):

    def setUp(self) -> None:
        super().setUp()
        self.t = desk()
        self.state = self.path("desk.skpi")
        self.t.save(self.state)

    def tearDown(self) -> None:
        self.t.close()
        super().tearDown()

    def tool(self, *args: str) -> str:
        """`skpi report ARGS STATE` as text."""
        return skpi("report", *args, self.state).decode("utf-8")

    def test_same_bytes_as_the_tool(self) -> None:
        t = self.t
        for fmt, make in (("csv", t.to_csv), ("openmetrics", t.openmetrics),
                          ("html", t.to_html)):
            with self.subTest(fmt=fmt):
                self.assertEqual(make("2024-03"), self.tool("--period", "2024-03",
                                                            "--format", fmt))
                self.assertEqual(make(), self.tool("--format", fmt))   # extent()
                self.assertEqual(make(platforms=["twitter", "mastodon"]),
                                 self.tool("--format", fmt, "--platform", "twitter",
                                           "--platform", "mastodon"))
                self.assertEqual(make(start="2024-03-11", end="2024-03-12"),
                                 self.tool("--format", fmt, "--from", "2024-03-11",
                                           "--to", "2024-03-12"))
        self.assertEqual(t.openmetrics("2024-Q1", prometheus=True),
                         self.tool("--period", "2024-Q1", "--format", "prometheus"))

    def test_same_text_as_the_c_calls(self) -> None:
        t = self.t
        a, b = t.period("2024-03")
        self.assertEqual(t.to_csv("2024-03"), c_writer(t, "skpi_report_csv", a, b))
        self.assertEqual(t.to_html("2024-03"), c_writer(t, "skpi_report_html", a, b))
        self.assertEqual(t.to_html("2024-03", change=False),
                         c_writer(t, "skpi_report_html", a, b, 1))
        self.assertNotEqual(t.to_html("2024-03", change=False), t.to_html("2024-03"))
        for prometheus in (False, True):
            text = t.openmetrics("2024-03", prometheus=prometheus)
            self.assertEqual(text, c_writer(t, "skpi_report_openmetrics", a, b,
                                            int(prometheus)))
            # skpi_report_openmetrics_into() writes the same into a buffer.
            need = c_size_t()
            st = _ffi.raw.skpi_report_openmetrics_into(t._h, a, b, None, 0, int(prometheus),
                                                       None, 0, byref(need))
            self.assertEqual(st, socialkpi.BufferSizeError.status)
            self.assertEqual(need.value, len(text.encode("utf-8")) + 1)
            buf = ctypes.create_string_buffer(need.value)
            n = c_size_t()
            _ffi.lib.skpi_report_openmetrics_into(t._h, a, b, None, 0, int(prometheus),
                                                  buf, need.value, byref(n))
            self.assertEqual(buf.value.decode("utf-8"), text)

    def test_openmetrics_and_prometheus(self) -> None:
        om = self.t.openmetrics("2024-03")
        prom = self.t.openmetrics("2024-03", prometheus=True)
        self.assertTrue(om.endswith("# EOF\n"))
        self.assertNotIn("# EOF", prom)
        self.assertIn("# TYPE socialkpi_posts counter\n", om)
        self.assertIn("# TYPE socialkpi_posts_total counter\n", prom)
        self.assertIn('socialkpi_posts_total{platform="facebook"} 2\n', om)
        self.assertIn('socialkpi_posts_total{platform="facebook"} 2\n', prom)
        self.assertIn('socialkpi_platform_info{platform="mastodon",'
                      'label="Mastodon \\"social\\"\\\\"} 1\n', om)
        samples = lambda text: sorted(  # noqa: E731 - the sample lines, le aside
            re.sub(r'le="[^"]*"', "le", line) for line in text.splitlines()
            if line and not line.startswith("#"))
        self.assertEqual(samples(om), samples(prom))
        only_fb = self.t.openmetrics("2024-03", platforms="facebook")
        self.assertNotIn('platform="twitter"', only_fb)
        self.assertIn('platform="facebook"', only_fb)

    def test_csv_and_html_shape(self) -> None:
        text = self.t.to_csv("2024-03")
        lines = text.split("\r\n")
        self.assertEqual(lines[-1], "")
        self.assertTrue(lines[0].startswith("bucket_start,bucket_end,platform,"))
        self.assertTrue(all("\n" not in line for line in lines))
        html = self.t.to_html("2024-03")
        self.assertTrue(html.startswith("<!DOCTYPE html>"), html[:40])
        self.assertNotIn("<script", html)
        self.assertIn("Mastodon &quot;social&quot;\\", html)

    def test_ranges_are_reports(self) -> None:
        t = self.t
        a, b = t.period("2024-03-10")
        for make in (t.to_csv, t.openmetrics, t.to_html, t.report_json):
            want = make("2024-03-10")
            self.assertEqual(make((a, b)), want)
            self.assertEqual(make(start=a, end=b), want)
            self.assertEqual(make(start="2024-03-10", end="2024-03-11"), want)
            with self.assertRaises(TypeError):
                make("2024-03-10", start=a)
            with self.assertRaises(TypeError):
                make(start=a)
            with self.assertRaises(socialkpi.AlignmentError):
                make(start=a + 3600, end=b)
            with self.assertRaises(socialkpi.RangeError):
                make(start=b, end=a)
            with self.assertRaises(socialkpi.NotFoundError):
                make("2024-03", platforms=["myspace"])
            with self.assertRaises(ValueError):
                make("2024-03", platforms=[])

    def test_extent(self) -> None:
        t = self.t
        a, b = t.period("2024-03-10")
        self.assertEqual(t.extent(), (a, b + DAY))
        for make in (t.to_csv, t.openmetrics, t.to_html, t.report_json):
            self.assertEqual(make(), make(start=a, end=b + DAY))
        self.assertEqual(t.report(), t.report((a, b + DAY)))
        self.assertEqual(t.new_report().range(), (a, b + DAY))
        with Tracker(tz="+04:00", bucket="hour") as h:
            h.message("twitter", "thanks", "2024-03-10T10:20:00+04:00")
            self.assertEqual(h.extent(), (h.period("2024-03-10")[0] + 10 * 3600,
                                          h.period("2024-03-10")[0] + 11 * 3600))

    def test_empty_tracker(self) -> None:
        with Tracker() as t:
            self.assertIsNone(t.extent())
            for make in (t.to_csv, t.openmetrics, t.to_html, t.report, t.report_json,
                         t.new_report):
                with self.assertRaisesRegex(socialkpi.NoDataError, "holds no events"):
                    make()
            # An explicit range gives the empty report.
            self.assertEqual(t.report("2024-03")["messages"]["total"], 0)
            self.assertTrue(t.openmetrics("2024-03").endswith("# EOF\n"))
            self.assertTrue(t.to_csv("2024-03").startswith("bucket_start,"))
        with self.assertRaisesRegex(ValueError, "closed"):
            t.extent()
        with self.assertRaisesRegex(ValueError, "closed"):
            t.openmetrics("2024-03")

    def test_content_types(self) -> None:
        self.assertEqual(socialkpi.OPENMETRICS_CONTENT_TYPE,
                         "application/openmetrics-text; version=1.0.0; charset=utf-8")
        self.assertEqual(socialkpi.PROMETHEUS_CONTENT_TYPE,
                         "text/plain; version=0.0.4; charset=utf-8")
        if HEADER.exists():
            self.assertEqual(socialkpi.OPENMETRICS_CONTENT_TYPE,
                             macro("SKPI_OPENMETRICS_CONTENT_TYPE"))
            self.assertEqual(socialkpi.PROMETHEUS_CONTENT_TYPE,
                             macro("SKPI_PROMETHEUS_CONTENT_TYPE"))


if __name__ == "__main__":
    unittest.main()

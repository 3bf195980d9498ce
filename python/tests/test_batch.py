"""record_many(): rows, mixed rows and columns record what one call per
event records, and report errors with the failing event's index."""

from __future__ import annotations

import datetime as dt
import unittest
from array import array

import socialkpi
from socialkpi import Tracker

from support import MARCH_10

T0 = MARCH_10 + 3600


def one_by_one() -> Tracker:
    """Every kind of event, recorded one call at a time."""
    t = Tracker()
    t.message(0, 0, T0)
    t.message("facebook", "thanks", T0 + 1)
    t.message_id(0, 1, T0 + 2, "m1", "alice")
    t.message_id(2, 2, T0 + 3, "m2")
    t.reply(0, "m1", T0 + 100)
    t.response(1, 4, T0, T0 + 50)
    t.engagement(0, "like", T0, 5)
    t.engagement(1, "comment", T0, 2, "bob")
    t.posts(0, T0, 3)
    t.followers(0, T0, 1000)
    t.follower(1, T0, "carol")
    t.rating(0, T0, 4)
    return t


MIXED = [
    ("message", 0, 0, T0),
    ("message", "facebook", "thanks", T0 + 1),
    ("message_id", 0, 1, T0 + 2, "m1", "alice"),
    ("message_id", 2, 2, T0 + 3, "m2", None),
    ("reply", 0, "m1", T0 + 100),
    ("response", 1, 4, T0, T0 + 50),
    ("engagement", 0, "like", T0, 5),
    ("engagement_by", 1, "comment", T0, 2, "bob"),
    ("post", 0, T0, 3),
    ("followers", 0, T0, 1000),
    ("follower", 1, T0, "carol"),
    ("rating", 0, T0, 4),
]


class BatchTest(unittest.TestCase):

    def setUp(self) -> None:
        self.want = one_by_one().to_bytes()

    def test_mixed_rows(self) -> None:
        with Tracker() as t:
            self.assertEqual(t.record_many(MIXED), len(MIXED))
            self.assertEqual(t.to_bytes(), self.want)
        with Tracker() as t:  # an iterator works as well as a list
            self.assertEqual(t.record_many(iter(MIXED)), len(MIXED))
            self.assertEqual(t.to_bytes(), self.want)

    def test_rows_by_kind(self) -> None:
        with Tracker() as t:
            by_kind = {}
            for row in MIXED:
                by_kind.setdefault(row[0], []).append(row[1:])
            n = 0
            for kind in ("message", "message_id", "reply", "response", "engagement",
                         "engagement_by", "post", "followers", "follower", "rating"):
                n += t.record_many(by_kind[kind], event=kind)
            self.assertEqual(n, len(MIXED))
            self.assertEqual(t.to_bytes(), self.want)

    def test_columns_every_event(self) -> None:
        with Tracker() as t:
            t.record_many(event="message", platform=[0, "facebook"], category=[0, 6],
                          time=[T0, T0 + 1])
            t.record_many(event="message_id", platform=[0, 2], category=array("I", [1, 2]),
                          time=array("q", [T0 + 2, T0 + 3]), message_id=["m1", b"m2"],
                          author=["alice", None])
            t.record_many(event="reply", platform=0, message_id="m1", time=[T0 + 100])
            t.record_many(event="response", platform=[1], category="service_complaint",
                          received=T0, replied=[T0 + 50])
            t.record_many(event="engagement", platform=[0], kind="like", time=T0, count=5)
            t.record_many(event="engagement_by", platform=1, kind=["comment"], time=T0,
                          count=2, person="bob")
            t.record_many(event="posts", platform=[0], time=T0, count=array("q", [3]))
            t.record_many(event="followers", platform=[0], time=[T0], tally=[1000])
            t.record_many(event="follower", platform=1, time=T0, person=["carol"])
            t.record_many(event="rating", platform=[0], time=T0, score=array("i", [4]))
            self.assertEqual(t.to_bytes(), self.want)

    def test_column_forms_agree(self) -> None:
        n = 1000
        plats = [i % 3 for i in range(n)]
        cats = [i % 7 for i in range(n)]
        times = [T0 + 37 * i for i in range(n)]
        with Tracker() as a, Tracker() as b, Tracker() as c, Tracker() as d:
            for p, k, w in zip(plats, cats, times):
                a.message(p, k, w)
            b.record_many(event="message", platform=array("I", plats), category=array("I", cats),
                          time=array("q", times))
            c.record_many(zip(plats, cats, times), event="message")
            slugs = a.slugs("platform")
            d.record_many(event="message", platform=[slugs[p] for p in plats], category=cats,
                          time=[dt.datetime.fromtimestamp(w, dt.timezone.utc) for w in times])
            self.assertEqual(a.to_bytes(), b.to_bytes())
            self.assertEqual(a.to_bytes(), c.to_bytes())
            self.assertEqual(a.to_bytes(), d.to_bytes())

    def test_slow_path_values(self) -> None:
        # ISO strings, datetimes, shorter rows (defaults) and numpy-like ints
        class Index:
            def __init__(self, v: int) -> None:
                self.v = v

            def __index__(self) -> int:
                return self.v

        with Tracker() as t:
            n = t.record_many([
                ("message", "twitter", "help_request", "2024-03-10T01:00:00Z"),
                ("message", 0, 1, dt.datetime(2024, 3, 10, 1, tzinfo=dt.timezone.utc)),
                ("engagement", 0, "like", T0),            # count 1
                ("engagement", 0, "like", T0, 2, "zoe"),  # with a person
                ("posts", 0, T0),
                ("message_id", 0, 0, T0, "q1"),           # no author
                ("followers", 0, T0, Index(7)),
            ])
            self.assertEqual(n, 7)
            r = t.report("2024-03-10", change=False)
            self.assertEqual(r["messages"]["by_category"]["help_request"], 2)
            self.assertEqual(r["engagement"]["total"], 3)
            self.assertEqual(r["engagement"]["posts"], 1)
            self.assertEqual(r["people"]["unique_engagers"], 1)
            self.assertEqual(r["followers"]["sum"], 7)

    def test_errors_carry_the_index(self) -> None:
        with Tracker() as t:
            rows = [(0, 0, T0)] * 3 + [(0, 0, -1)] + [(0, 0, T0)]
            with self.assertRaises(socialkpi.TimeRangeError) as cm:
                t.record_many(rows, event="message")
            self.assertEqual(cm.exception.index, 3)
            self.assertEqual(t.report("2024-03-10")["messages"]["total"], 3)
            with self.assertRaises(socialkpi.NotFoundError) as cm:
                t.record_many([("message", 0, 0, T0), ("message", "myspace", 0, T0)])
            self.assertEqual(cm.exception.index, 1)
            with self.assertRaises(socialkpi.RatingError) as cm:
                t.record_many(event="rating", platform=0, time=T0, score=[1, 2, 9])
            self.assertEqual(cm.exception.index, 2)
            self.assertEqual(cm.exception.call, "skpi_record_rating")
            with self.assertRaises(socialkpi.NotFoundError) as cm:
                t.record_many(event="message", platform=["twitter", "myspace"], category=0,
                              time=T0)
            self.assertEqual(cm.exception.index, 1)
            with self.assertRaises(socialkpi.TimeRangeError) as cm:
                t.record_many(event="message", platform=0, category=0,
                              time=[T0, "1960-01-01T00:00:00Z"])
            self.assertEqual(cm.exception.index, 1)
            with self.assertRaises(socialkpi.TimeRangeError) as cm:
                t.record_many(event="message", platform=0, category=0, time=[T0, 2 ** 70])
            self.assertEqual(cm.exception.index, 1)
            with self.assertRaisesRegex(ValueError, "event 1"):
                t.record_many([("message", 0, 0, T0),
                               ("message", 0, 0, dt.datetime(2024, 3, 10))])
            with self.assertRaisesRegex(TypeError, "event 0"):
                t.record_many([("message", 0, 0, T0, "extra", "args", "too")])
            with self.assertRaises(socialkpi.IdError) as cm:
                t.record_many(event="follower", platform=0, time=T0, person=["a", "b\0"])
            self.assertEqual(cm.exception.index, 1)

    def test_anomalies_do_not_stop_a_batch(self) -> None:
        rows = [
            ("message_id", 0, 0, T0, "m1", None),
            ("message_id", 0, 0, T0, "m1", None),   # duplicate
            ("reply", 0, "ghost", T0),              # unmatched
            ("reply", 0, "m1", T0 - 10),            # early
            ("reply", 0, "m1", T0 + 10),
        ]
        with Tracker() as t:
            self.assertEqual(t.record_many(rows), 5)
            resp = t.report("2024-03", change=False)["responses"]
            self.assertEqual((resp["answered"], resp["duplicate_messages"],
                              resp["unmatched_replies"], resp["early_replies"]), (1, 1, 1, 1))
        with Tracker() as t:
            with self.assertRaises(socialkpi.DuplicateError) as cm:
                t.record_many(rows, strict=True)
            self.assertEqual(cm.exception.index, 1)
        with Tracker() as t:
            t.record_many(event="message_id", platform=0, category=0, time=T0,
                          message_id=["a", "a"])
            with self.assertRaises(socialkpi.UnmatchedError) as cm:
                t.record_many(event="reply", platform=0, message_id=["a", "b"], time=T0 + 1,
                              strict=True)
            self.assertEqual(cm.exception.index, 1)
            # the slow path (an ISO time) counts anomalies the same way
            self.assertEqual(t.record_many([(0, "zz", "2024-03-10T02:00:00Z")], event="reply"), 1)
            self.assertEqual(t.report("2024-03")["responses"]["unmatched_replies"], 2)

    def test_bad_calls(self) -> None:
        with Tracker() as t:
            with self.assertRaises(TypeError):
                t.record_many()
            with self.assertRaises(TypeError):
                t.record_many(platform=[0])
            with self.assertRaises(ValueError):
                t.record_many([], event="tweet")
            with self.assertRaises(ValueError):
                t.record_many([("tweet", 0)])
            with self.assertRaises(TypeError):
                t.record_many([42])
            with self.assertRaises(TypeError):
                t.record_many([(0, 0, T0)], event="message", platform=[0])
            with self.assertRaises(TypeError):
                t.record_many(event="message", platform=[0], category=0)      # no time
            with self.assertRaises(TypeError):
                t.record_many(event="message", platform=[0], category=0, time=T0, colour=1)
            with self.assertRaises(TypeError):
                t.record_many(event="message", platform=0, category=0, time=T0)  # all scalars
            with self.assertRaises(ValueError):
                t.record_many(event="message", platform=[0, 1], category=[0], time=T0)
            self.assertEqual(t.record_many([]), 0)
            self.assertEqual(t.record_many([], event="rating"), 0)
            self.assertEqual(t.record_many(event="message", platform=[], category=0, time=T0), 0)
            self.assertEqual(t.record_many(event="message", platform=(p for p in [0, 1]),
                                           category=0, time=T0), 2)


if __name__ == "__main__":
    unittest.main()

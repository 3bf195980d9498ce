"""record_many(): rows, mixed rows and columns record what one call per
event records, and report errors with the failing event's index."""

from __future__ import annotations

import collections
import datetime as dt
import unittest
from array import array
from typing import Any, Callable, Dict, List, Sequence

import socialkpi
from socialkpi import Tracker, _batch

from support import MARCH_10, TempDirTest

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


# ---------------------------------------------------------------------------
# The skpi_record_batch() path: columns (and runs of rows) in one C call
# ---------------------------------------------------------------------------

N = 300
U32 = _batch.U32


def columns(kind: str, n: int = N) -> Dict[str, List[Any]]:
    """n valid events of `kind` as list columns, varied enough to touch
    several platforms, categories, kinds and days."""
    plats = [i % 3 for i in range(n)]
    times = [T0 + 977 * i for i in range(n)]
    cols: Dict[str, List[Any]] = {"platform": plats, "time": times}
    if kind in ("message", "message_id", "response"):
        cols["category"] = [i % 7 for i in range(n)]
    if kind in ("engagement", "engagement_by"):
        cols["kind"] = [i % 3 for i in range(n)]
    if kind in ("engagement", "engagement_by", "posts"):
        cols["count"] = [1 + i % 5 for i in range(n)]
    if kind == "response":
        cols["received"] = cols.pop("time")
        cols["replied"] = [w + 60 * (i % 50) for i, w in enumerate(cols["received"])]
    if kind == "followers":
        cols["tally"] = [1000 + 7 * i for i in range(n)]
    if kind == "rating":
        cols["score"] = [1 + i % 5 for i in range(n)]
    if kind == "message_id":
        cols["message_id"] = ["m%d" % i for i in range(n)]
        cols["author"] = [None if i % 4 == 0 else "u%d" % (i % 17) for i in range(n)]
    if kind == "reply":
        cols["message_id"] = ["m%d" % i for i in range(n)]
        cols["time"] = [w + 30 + i for i, w in enumerate(times)]
        cols["platform"] = [i % 3 for i in range(n)]
    if kind in ("engagement_by", "follower"):
        cols["person"] = ["p%d" % (i % 41) for i in range(n)]
    return cols


#: The one-event method of each kind, with its parameters in row order.
def record_one(t: Tracker, kind: str, row: Sequence[Any]) -> None:
    if kind == "engagement_by":
        t.engagement(*row)
    else:
        getattr(t, kind)(*row)


def one_by_one_rows(kind: str, cols: Dict[str, List[Any]]) -> List[tuple]:
    """The columns as rows in the kind's parameter order."""
    return list(zip(*[cols[name] for name in _batch.PARAMS[kind]]))


def as_arrays(kind: str, cols: Dict[str, List[Any]]) -> Dict[str, Any]:
    """The numeric columns as array buffers of the C types (no copies)."""
    out: Dict[str, Any] = {}
    for name, values in cols.items():
        if name in ("platform", "category", "kind"):
            out[name] = array(U32, values)
        elif name in ("message_id", "author", "person"):
            out[name] = values
        else:
            out[name] = array("q", values)
    return out


def reference(kind: str, cols: Dict[str, List[Any]], prepare: Callable[[Tracker], None]) -> bytes:
    """A tracker's bytes after one method call per event."""
    with Tracker() as t:
        prepare(t)
        for row in one_by_one_rows(kind, cols):
            try:
                record_one(t, kind, row)
            except socialkpi.AnomalyError:
                pass
        return t.to_bytes()


def messages_for_replies(t: Tracker) -> None:
    """The messages that columns("reply") answers."""
    c = columns("message_id")
    t.record_many(event="message_id", **c)


def nothing(t: Tracker) -> None:
    pass


class SmallChunks:
    """Run a block with skpi_record_batch() chunks of `size` events."""

    def __init__(self, size: int) -> None:
        self.size = size

    def __enter__(self) -> None:
        self.saved = _batch.CHUNK, _batch.SHORT_RUN
        _batch.CHUNK = self.size
        _batch.SHORT_RUN = min(_batch.SHORT_RUN, self.size)

    def __exit__(self, *exc: Any) -> None:
        _batch.CHUNK, _batch.SHORT_RUN = self.saved


class BatchPathTest(unittest.TestCase):

    KINDS = ("message", "message_id", "reply", "response", "engagement", "engagement_by",
             "posts", "followers", "follower", "rating")

    def prepare(self, kind: str) -> Callable[[Tracker], None]:
        return messages_for_replies if kind == "reply" else nothing

    def check_kind(self, kind: str, convert: Callable[[str, Dict[str, List[Any]]], Any],
                   chunk: int = 0) -> None:
        cols = columns(kind)
        want = reference(kind, cols, self.prepare(kind))
        with Tracker() as t:
            self.prepare(kind)(t)
            before = t.to_bytes()
            if chunk:
                with SmallChunks(chunk):
                    n = t.record_many(event=kind, **convert(kind, cols))
            else:
                n = t.record_many(event=kind, **convert(kind, cols))
            self.assertEqual(n, N)
            self.assertNotEqual(t.to_bytes(), before)
            self.assertEqual(t.to_bytes(), want, kind)

    def test_every_kind_lists(self) -> None:
        for kind in self.KINDS:
            self.check_kind(kind, lambda k, c: c)

    def test_every_kind_arrays(self) -> None:
        for kind in self.KINDS:
            self.check_kind(kind, as_arrays)

    def test_every_kind_tuples_and_small_chunks(self) -> None:
        for kind in self.KINDS:
            self.check_kind(kind, lambda k, c: {name: tuple(v) for name, v in c.items()},
                            chunk=7)
            self.check_kind(kind, as_arrays, chunk=64)

    def test_every_kind_rows(self) -> None:
        for kind in self.KINDS:
            cols = columns(kind)
            want = reference(kind, cols, self.prepare(kind))
            rows = one_by_one_rows(kind, cols)
            for chunk in (0, 50):
                with Tracker() as t:
                    self.prepare(kind)(t)
                    if chunk:
                        with SmallChunks(chunk):
                            self.assertEqual(t.record_many(iter(rows), event=kind), N)
                    else:
                        self.assertEqual(t.record_many(rows, event=kind), N)
                    self.assertEqual(t.to_bytes(), want, kind)

    def test_mixed_rows_in_order(self) -> None:
        # Long runs of one kind go through the batch call; a reply run after
        # its messages must see them, and interleaved short runs keep order.
        msgs = columns("message_id")
        replies = columns("reply")
        rows: List[tuple] = [("message_id",) + r for r in one_by_one_rows("message_id", msgs)]
        rows += [("reply",) + r for r in one_by_one_rows("reply", replies)]
        rows += [("message", 0, 0, T0 + i) for i in range(100)]
        for i in range(50):  # interleaved pairs: short runs
            rows.append(("message_id", 1, 0, T0 + i, "x%d" % i, None))
            rows.append(("reply", 1, "x%d" % i, T0 + i + 5))
        rows += [("post", 2, T0, 1)] * 40 + [("posts", 2, T0, 2)] * 40
        with Tracker() as want:
            for row in rows:
                kind = "posts" if row[0] == "post" else row[0]
                record_one(want, kind, row[1:])
            with Tracker() as t:
                self.assertEqual(t.record_many(rows), len(rows))
                self.assertEqual(t.to_bytes(), want.to_bytes())
            with Tracker() as t, SmallChunks(30):
                self.assertEqual(t.record_many(iter(rows)), len(rows))
                self.assertEqual(t.to_bytes(), want.to_bytes())
            r = want.report("2024-03", change=False)["responses"]
            # every message is answered; thanks (category 6) expect no answer
            self.assertEqual(r["answered"], sum(1 for i in range(N) if i % 7 != 6) + 50)

    def test_uneven_rows_fall_back(self) -> None:
        # Rows of different lengths (defaults, a person) in one long run.
        rows = [(0, 0, T0 + i, 2) if i % 3 else (0, 0, T0 + i) for i in range(100)]
        rows += [(1, "like", T0, 4, "zoe")] * 30
        with Tracker() as t, Tracker() as want:
            for row in rows:
                want.engagement(*row)
            self.assertEqual(t.record_many(rows, event="engagement"), len(rows))
            self.assertEqual(t.to_bytes(), want.to_bytes())
            self.assertEqual(t.report("2024-03")["people"]["unique_engagers"], 1)

    def test_slug_columns(self) -> None:
        n = 500
        slugs = ["twitter", "facebook", "instagram"]
        with Tracker() as a, Tracker() as b:
            for i in range(n):
                a.engagement(i % 3, i % 2, T0 + i, 2)
            calls = []
            orig = socialkpi._ffi.raw.skpi_taxonomy_find

            def spy(*args: Any) -> int:
                calls.append(args[2])
                return orig(*args)

            socialkpi._ffi.raw.skpi_taxonomy_find = spy
            try:
                b.record_many(event="engagement", platform=[slugs[i % 3] for i in range(n)],
                              kind=["like" if i % 2 == 0 else 1 for i in range(n)],
                              time=array("q", [T0 + i for i in range(n)]), count=2)
            finally:
                socialkpi._ffi.raw.skpi_taxonomy_find = orig
            self.assertEqual(a.to_bytes(), b.to_bytes())
            # one lookup per distinct slug
            self.assertEqual(sorted(calls), sorted([b"facebook", b"instagram", b"like",
                                                    b"twitter"]))

    def test_scalar_columns(self) -> None:
        with Tracker() as a, Tracker() as b:
            for i in range(100):
                a.message_id("facebook", "thanks", T0, "id%d" % i, "same")
                a.follower(2, T0 + 5, "p%d" % i)
            b.record_many(event="message_id", platform="facebook", category="thanks",
                          time=T0, message_id=["id%d" % i for i in range(100)], author="same")
            b.record_many(event="follower", platform=array(U32, [2] * 100), time=T0 + 5,
                          person=["p%d" % i for i in range(100)])
            self.assertEqual(a.to_bytes(), b.to_bytes())

    def test_id_forms(self) -> None:
        ids: List[Any] = ["\u0645\u0631\u062d\u0628\u0627", b"raw\xff", 12345, "plain",
                          "x" * 256]
        with Tracker() as a, Tracker() as b:
            for i, m in enumerate(ids):
                a.message_id(0, 0, T0, m, None if i % 2 else m)
            b.record_many(event="message_id", platform=0, category=0, time=T0,
                          message_id=ids, author=[None if i % 2 else m for i, m in enumerate(ids)])
            self.assertEqual(a.to_bytes(), b.to_bytes())
            a.follower(0, T0, "\u00e9t\u00e9")
            b.record_many(event="follower", platform=[0], time=T0, person=["\u00e9t\u00e9"])
            self.assertEqual(a.to_bytes(), b.to_bytes())

    def test_buffers(self) -> None:
        n = 50
        plats = array(U32, [i % 3 for i in range(n)])
        times = array("q", [T0 + i for i in range(n)])
        with Tracker() as a, Tracker() as b:
            for i in range(n):
                a.rating(i % 3, T0 + i, 1 + i % 5)
            # scores as C int (converted), times read-only (copied),
            # platforms as a memoryview (no copy)
            ro = memoryview(times.tobytes()).cast("q")
            b.record_many(event="rating", platform=memoryview(plats), time=ro,
                          score=array("i", [1 + i % 5 for i in range(n)]))
            self.assertEqual(a.to_bytes(), b.to_bytes())
            # other integer typecodes are converted
            for i in range(n):
                a.message(i % 3, 0, T0 + i)
            b.record_many(event="message", platform=array("q", plats), category=array("B", [0] * n),
                          time=array("l", times))
            self.assertEqual(a.to_bytes(), b.to_bytes())
        # the caller's arrays are released after the call
        plats.append(0)
        times.append(T0)
        self.assertEqual(len(plats), n + 1)
        # ... also when it raised, while the traceback is alive
        plats[3] = 99
        with Tracker() as t:
            try:
                t.record_many(event="message", platform=plats, category=0,
                              time=array("q", [T0]) * (n + 1))
            except socialkpi.NotFoundError as e:
                self.assertEqual(e.index, 3)
                self.assertIsNotNone(e.__traceback__)
                plats.append(0)  # BufferError if still exported
        self.assertEqual(len(plats), n + 2)

    def test_rating_wider_than_int(self) -> None:
        # An int64 score is refused (RatingError), never truncated into
        # the scale: 2**32 + 4 would be 4 as a C int.
        with Tracker() as t:
            with self.assertRaises(socialkpi.RatingError) as cm:
                t.record_many(event="rating", platform=0, time=T0,
                              score=array("q", [4, 4, 2 ** 32 + 4]))
            self.assertEqual(cm.exception.index, 2)
            with self.assertRaises(socialkpi.RatingError) as cm:
                t.record_many(event="rating", platform=0, time=T0, score=[5, -2 ** 31 - 1])
            self.assertEqual(cm.exception.index, 1)
            self.assertEqual(t.report("2024-03-10")["satisfaction"]["ratings"], 3)

    def test_errors_from_the_library(self) -> None:
        cases = [
            # (error, index, kind, columns)
            (socialkpi.NotFoundError, 2, "message",
             dict(platform=array(U32, [0, 1, 9, 0]), category=0, time=T0)),
            (socialkpi.NotFoundError, 1, "message",
             dict(platform=0, category=array(U32, [6, 7]), time=T0)),
            (socialkpi.TimeRangeError, 3, "posts",
             dict(platform=0, time=array("q", [T0, T0, T0, socialkpi.TIME_MAX]))),
            (socialkpi.CountError, 1, "engagement",
             dict(platform=0, kind=0, time=T0, count=array("q", [3, -3]))),
            (socialkpi.CountError, 0, "followers", dict(platform=0, time=[T0], tally=[-1])),
            (socialkpi.CounterOverflowError, 1, "followers",
             dict(platform=0, time=T0, tally=array("q", [5, socialkpi.FOLLOWERS_MAX + 1]))),
            (socialkpi.RatingError, 1, "rating", dict(platform=0, time=T0, score=[3, 0])),
            (socialkpi.OrderError, 1, "response",
             dict(platform=0, category=0, received=T0, replied=[T0, T0 - 1])),
            (socialkpi.IdError, 1, "follower",
             dict(platform=0, time=T0, person=["ok", "x" * 257])),
            (socialkpi.IdError, 2, "engagement_by",
             dict(platform=0, kind=0, time=T0, count=1, person=["a", "b", ""])),
            (socialkpi.IdError, 1, "reply", dict(platform=0, time=T0, message_id=["a", ""])),
        ]
        for error, index, kind, cols in cases:
            with self.subTest(kind=kind, error=error.__name__), Tracker() as t:
                before = t.to_bytes()
                with self.assertRaises(error) as cm:
                    t.record_many(event=kind, **cols)
                self.assertEqual(cm.exception.index, index)
                self.assertEqual(cm.exception.call, _batch.KINDS[kind][0])
                self.assertIn("event %d" % index, str(cm.exception))
                if index == 0:
                    self.assertEqual(t.to_bytes(), before)
                else:
                    self.assertNotEqual(t.to_bytes(), before)

    def test_conversion_errors_keep_earlier_events(self) -> None:
        # A value Python cannot convert stops the batch at its event, after
        # recording the events before it (as one call per event would).
        with Tracker() as t:
            with self.assertRaises(socialkpi.NotFoundError) as cm:
                t.record_many(event="message", platform=[0, "twitter", "myspace", 0],
                              category=0, time=T0)
            self.assertEqual(cm.exception.index, 2)
            self.assertEqual(t.report("2024-03-10")["messages"]["total"], 2)
            with self.assertRaises(TypeError) as cm2:
                t.record_many(event="posts", platform=0, time=T0, count=[1, 2, 3.5])
            self.assertIn("event 2", str(cm2.exception))
            self.assertEqual(t.report("2024-03-10")["engagement"]["posts"], 3)
            # two bad values: the earlier event wins, whatever its column
            with self.assertRaises(socialkpi.TimeRangeError) as cm:
                t.record_many(event="message", platform=[0, 0, "myspace"], category=0,
                              time=[T0, -1, T0])
            self.assertEqual(cm.exception.index, 1)
            self.assertEqual(t.report("2024-03-10")["messages"]["total"], 3)

    def test_authors(self) -> None:
        with Tracker() as t:
            with self.assertRaises(socialkpi.IdError) as cm:
                t.record_many(event="message_id", platform=0, category=0, time=T0,
                              message_id=["a", "b", "c"], author=[None, "bob", ""])
            self.assertEqual(cm.exception.index, 2)
            self.assertEqual(t.report("2024-03-10")["messages"]["total"], 2)
            with self.assertRaises(socialkpi.IdError) as cm:
                t.record_many(event="message_id", platform=0, category=0, time=T0,
                              message_id=["d", "e"], author=[b"", None])
            self.assertEqual(cm.exception.index, 0)
            with self.assertRaises(socialkpi.IdError) as cm:
                t.record_many(event="message_id", platform=0, category=0, time=T0,
                              message_id=["f", "g"], author="")
            self.assertEqual(cm.exception.index, 0)
            with self.assertRaises(socialkpi.IdError) as cm:
                t.record_many(event="message_id", platform=0, category=0, time=T0,
                              message_id=["h", "i\0j"], author=None)
            self.assertEqual(cm.exception.index, 1)
            self.assertEqual(t.report("2024-03-10")["messages"]["total"], 3)
            self.assertEqual(t.report("2024-03-10")["people"]["unique_authors"], 1)

    def test_time_forms_in_columns(self) -> None:
        iso = "2024-03-10T05:00:00+04:00"
        when = dt.datetime(2024, 3, 10, 2, tzinfo=dt.timezone.utc)
        with Tracker() as a, Tracker() as b:
            for w in (T0, iso, when, float(T0) + 0.9):
                a.message(0, 0, w)
            b.record_many(event="message", platform=0, category=0,
                          time=[T0, iso, when, float(T0) + 0.9])
            self.assertEqual(a.to_bytes(), b.to_bytes())

    def test_anomalies_and_strict(self) -> None:
        ids = ["m%d" % (i % 80) for i in range(100)]  # 20 duplicates
        with Tracker() as t:
            self.assertEqual(t.record_many(event="message_id", platform=0, category=0,
                                           time=T0, message_id=ids), 100)
            # 70 answers, 10 unmatched (there is no m80), 10 early, 5 later
            n = t.record_many(event="reply", platform=0,
                              time=array("q", [T0 + 9] * 80 + [T0 - 9] * 10 + [T0 + 99] * 5),
                              message_id=["m%d" % i for i in range(70)]
                              + ["m%d" % i for i in range(80, 90)]
                              + ["m%d" % i for i in range(70, 80)]
                              + ["m%d" % i for i in range(5)])
            self.assertEqual(n, 95)
            r = t.report("2024-03", change=False)["responses"]
            self.assertEqual((r["answered"], r["duplicate_messages"], r["unmatched_replies"],
                              r["later_replies"], r["early_replies"]), (70, 20, 10, 5, 10))
        with Tracker() as t:
            with self.assertRaises(socialkpi.DuplicateError) as cm:
                t.record_many(event="message_id", platform=0, category=0, time=T0,
                              message_id=ids, strict=True)
            self.assertEqual(cm.exception.index, 80)
            self.assertEqual(cm.exception.call, "skpi_record_message_id")
            r = t.report("2024-03", change=False)
            self.assertEqual(r["messages"]["total"], 80)
            self.assertEqual(r["responses"]["duplicate_messages"], 1)
            with self.assertRaises(socialkpi.OrderError) as cm:
                t.record_many(event="reply", platform=0, time=[T0 + 1, T0 - 1],
                              message_id=["m1", "m2"], strict=True)
            self.assertEqual(cm.exception.index, 1)
            with self.assertRaises(socialkpi.UnmatchedError) as cm:
                t.record_many([("reply", 0, "m3", T0 + 1)] * 30 + [("reply", 0, "zz", T0)],
                              strict=True)
            self.assertEqual(cm.exception.index, 30)

    def test_chunk_boundaries(self) -> None:
        # An error after the first chunk: the first chunk (and the events
        # of the second before the error) stay recorded; the index is global.
        n = _batch.CHUNK + 1000
        bad = _batch.CHUNK + 5
        plats = array(U32, [0] * n)
        plats[bad] = 42
        times = array("q", [T0 + i % 86400 for i in range(n)])
        with Tracker() as t:
            with self.assertRaises(socialkpi.NotFoundError) as cm:
                t.record_many(event="message", platform=plats, category=0, time=times)
            self.assertEqual(cm.exception.index, bad)
            total = t.report(start=MARCH_10, end=MARCH_10 + 2 * 86400)["messages"]["total"]
            self.assertEqual(total, bad)
        with Tracker() as t:  # a conversion error in the second chunk of a list
            slugs: List[Any] = ["twitter"] * n
            slugs[bad + 1] = "myspace"
            with self.assertRaises(socialkpi.NotFoundError) as cm:
                t.record_many(event="message", platform=slugs, category=0, time=times)
            self.assertEqual(cm.exception.index, bad + 1)
            total = t.report(start=MARCH_10, end=MARCH_10 + 2 * 86400)["messages"]["total"]
            self.assertEqual(total, bad + 1)

    def test_small_chunk_boundaries(self) -> None:
        # Errors on either side of each boundary of 10-event chunks, for
        # arrays, lists, non-sliceable sequences, iterators of rows and
        # mixed rows.
        for bad in (0, 9, 10, 11, 29, 30):
            forms: Dict[str, Callable[[Tracker], Any]] = {
                "array": lambda t: t.record_many(
                    event="posts", platform=0, time=T0,
                    count=array("q", [0 if i == bad else 1 for i in range(40)])),
                "list": lambda t: t.record_many(
                    event="posts", platform=0, time=T0,
                    count=[0 if i == bad else 1 for i in range(40)]),
                "deque": lambda t: t.record_many(
                    event="posts", platform=0, time=T0,
                    count=collections.deque(1.5 if i == bad else 1 for i in range(40))),
                "rows": lambda t: t.record_many(
                    iter([(0, T0, 0 if i == bad else 1) for i in range(40)]), event="posts"),
                "mixed": lambda t: t.record_many(
                    [("posts", 0, T0, 0 if i == bad else 1) for i in range(40)]),
            }
            for form, run in forms.items():
                with self.subTest(bad=bad, form=form), Tracker() as t, SmallChunks(10):
                    with self.assertRaises((socialkpi.CountError, TypeError)) as cm:
                        run(t)
                    if isinstance(cm.exception, socialkpi.SocialKPIError):
                        self.assertEqual(cm.exception.index, bad)
                    else:
                        self.assertIn("event %d" % bad, str(cm.exception))
                    self.assertEqual(t.report("2024-03-10")["engagement"]["posts"], bad)

    def test_one_call_per_chunk(self) -> None:
        calls: List[int] = []
        orig = socialkpi._ffi.raw.skpi_record_batch

        def spy(h: int, batch: Any, *rest: Any) -> int:
            calls.append(batch._obj.n)
            return orig(h, batch, *rest)

        cols = columns("message")
        rows = one_by_one_rows("message", cols)
        socialkpi._ffi.raw.skpi_record_batch = spy
        try:
            with Tracker() as t:
                t.record_many(event="message", **as_arrays("message", cols))
                self.assertEqual(calls, [N])
                del calls[:]
                with SmallChunks(128):
                    t.record_many(event="message", **cols)
                    self.assertEqual(calls, [128, 128, N - 256])
                    del calls[:]
                    t.record_many(rows, event="message")
                    self.assertEqual(calls, [128, 128, N - 256])
                del calls[:]
                # mixed rows: long runs in one call, short ones call by call
                t.record_many([("message",) + r for r in rows[:100]]
                              + [("posts", 0, T0, 1), ("message", 0, 0, T0)] * 3)
                self.assertEqual(calls, [100])
        finally:
            socialkpi._ffi.raw.skpi_record_batch = orig

    def test_empty_and_closed(self) -> None:
        with Tracker() as t:
            self.assertEqual(t.record_many(event="reply", platform=array(U32), time=array("q"),
                                           message_id=[]), 0)
            # a bad scalar with no events is never used
            self.assertEqual(t.record_many(event="message", platform="myspace", category=0,
                                           time=[]), 0)
        with self.assertRaises(ValueError):
            t.record_many(event="message", platform=[0], category=0, time=T0)


class JournalBatchTest(TempDirTest):

    def test_journalled_batch(self) -> None:
        cols = columns("message_id")
        with Tracker.open_journal(self.path("a"), fsync="none") as a, \
                Tracker.open_journal(self.path("b"), fsync="none") as b:
            a.record_many(event="message_id", **as_arrays("message_id", cols))
            for row in one_by_one_rows("message_id", cols):
                b.message_id(*row)
            self.assertEqual(a.journal_seq, N)
            self.assertEqual(a.to_bytes(), b.to_bytes())
            want = a.to_bytes()
        with Tracker.open_journal(self.path("a"), fsync="none") as a:
            self.assertEqual(a.to_bytes(), want)


if __name__ == "__main__":
    unittest.main()

"""Snapshots, merge, pickling and the journal."""

from __future__ import annotations

import copy
import os
import pathlib
import pickle
import unittest

import socialkpi
from socialkpi import Tracker

from support import MARCH_10, TempDirTest


def sample(tz: str = "+04:00") -> Tracker:
    t = Tracker(tz=tz, business_hours={"sun": ("07:30", "14:30")}, holidays=["2024-03-11"])
    t.add_platform("tiktok", "TikTok")
    t.add_category("lost_item", "\u0645\u0641\u0642\u0648\u062f\u0627\u062a", "complaint")
    for i in range(50):
        t.message_id(i % 4, i % 8, MARCH_10 + 600 * i, "m%d" % i, "a%d" % (i % 5))
        if i % 3:
            t.reply(i % 4, "m%d" % i, MARCH_10 + 600 * i + 30 * i)
    t.engagement("tiktok", "like", MARCH_10, 99, "p1")
    t.followers(0, MARCH_10, 1234)
    t.follower(1, MARCH_10, "p1")
    t.rating(0, MARCH_10, 3)
    return t


class SnapshotTest(TempDirTest):

    def test_bytes_round_trip(self) -> None:
        with sample() as t:
            data = t.to_bytes()
            self.assertEqual(data[:8], b"SKPISNAP")
            for form in (data, bytearray(data), memoryview(data)):
                with Tracker.from_bytes(form) as u:
                    self.assertEqual(u.to_bytes(), data)
                    self.assertEqual(u.tz, "+04:00")
                    self.assertTrue(u.has_business_hours)
                    self.assertEqual(u.slugs("platform")[-1], "tiktok")
                    self.assertEqual(u.report("2024-03"), t.report("2024-03"))
            # the copy is independent
            with Tracker.from_bytes(data) as u:
                u.message(0, 0, MARCH_10)
                self.assertEqual(t.to_bytes(), data)
                self.assertNotEqual(u.to_bytes(), data)

    def test_save_and_load(self) -> None:
        with sample() as t:
            for path in (self.path("a.skpi"), pathlib.Path(self.path("b.skpi")),
                         os.fsencode(self.path("c.skpi")), self.path("\u00e9t\u00e9.skpi")):
                t.save(path)
                with Tracker.load(path) as u:
                    self.assertEqual(u.to_bytes(), t.to_bytes())
            with open(self.path("a.skpi"), "rb") as f:
                self.assertEqual(f.read(), t.to_bytes())
            with self.assertRaises(ValueError):
                t.save(self.path("bad\0name"))

    def test_merge(self) -> None:
        a, b, whole = Tracker(), Tracker(), Tracker()
        with a, b, whole:
            for i in range(300):
                shard = a if i % 2 else b
                for t in (shard, whole):
                    t.message(i % 3, i % 7, MARCH_10 + i)
                    t.response(i % 3, i % 7, MARCH_10 + i, MARCH_10 + 2 * i)
                    t.follower(i % 3, MARCH_10, "p%d" % (i % 40))
            self.assertIs(a.merge(b), a)
            self.assertEqual(a.to_bytes(), whole.to_bytes())

    def test_merge_several_and_taxonomies(self) -> None:
        with Tracker() as a, Tracker() as b, Tracker() as c:
            b.add_platform("tiktok")
            c.add_platform("mastodon")
            c.add_platform("tiktok")
            b.message("tiktok", 0, MARCH_10)
            c.message("tiktok", 0, MARCH_10)
            c.message("mastodon", 0, MARCH_10)
            a.merge(b, c)
            self.assertEqual(a.slugs("platform")[3:], ["tiktok", "mastodon"])
            self.assertEqual(a.report("2024-03-10")["messages"]["by_platform"],
                             {"twitter": 0, "facebook": 0, "instagram": 0, "tiktok": 2,
                              "mastodon": 1})
            with self.assertRaises(ValueError):
                a.merge(a)
            with self.assertRaises(TypeError):
                a.merge("b")  # type: ignore[arg-type]
            with Tracker(bucket="hour") as h:
                with self.assertRaises(socialkpi.IncompatibleError):
                    a.merge(h)

    def test_pickle(self) -> None:
        with sample() as t:
            data = t.to_bytes()
            for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
                with pickle.loads(pickle.dumps(t, protocol)) as u:
                    self.assertIsInstance(u, Tracker)
                    self.assertEqual(u.to_bytes(), data)
            with copy.deepcopy(t) as u:
                self.assertEqual(u.to_bytes(), data)
            with copy.copy(t) as u:
                self.assertEqual(u.to_bytes(), data)
                u.message(0, 0, MARCH_10)
                self.assertEqual(t.to_bytes(), data)
            nested = pickle.loads(pickle.dumps({"shard": t, "n": 1}))
            with nested["shard"] as u:
                self.assertEqual(u.to_bytes(), data)
        with self.assertRaisesRegex(ValueError, "closed"):
            pickle.dumps(t)


class JournalTest(TempDirTest):

    def test_open_record_reopen(self) -> None:
        path = self.path("state.skpi")
        with Tracker.open_journal(path, tz="+04:00") as t:
            self.assertEqual(t.journal_path, path)
            self.assertIsNone(t.journal_recovery)
            self.assertEqual(t.journal_seq, 0)
            self.assertIn("journal=", repr(t))
            t.add_platform("tiktok")
            t.message("tiktok", 0, MARCH_10)
            t.record_many([("message", 0, 0, MARCH_10), ("rating", 0, MARCH_10, 5)])
            t.record_many(event="message", platform=[0, 1], category=0, time=MARCH_10)
            self.assertEqual(t.journal_seq, 6)
            t.sync()
            want = t.to_bytes()
        self.assertTrue(os.path.exists(path + ".journal"))
        self.assertTrue(os.path.exists(path))  # the snapshot the first open wrote
        # the options come from that snapshot: other ones given now are ignored
        with Tracker.open_journal(pathlib.Path(path), fsync="everysec", tz="+05:00") as t:
            self.assertEqual(t.to_bytes(), want)
            self.assertEqual(t.report("2024-03-10")["messages"]["total"], 4)
            t.checkpoint()
            self.assertTrue(os.path.exists(path))
            t.message(0, 0, MARCH_10)
            want = t.to_bytes()
        with Tracker.open_journal(path, fsync="none") as t:  # options from the snapshot
            self.assertEqual(t.tz, "+04:00")
            self.assertEqual(t.to_bytes(), want)
        with Tracker.load(path) as t:  # the snapshot alone lacks the last message
            self.assertEqual(t.report("2024-03-10")["messages"]["total"], 4)

    def test_close_journal_keeps_the_tracker(self) -> None:
        path = self.path("s.skpi")
        t = Tracker.open_journal(path, fsync=2)
        t.message(0, 0, MARCH_10)
        t.close_journal()
        self.assertIsNone(t.journal_seq)
        t.message(0, 0, MARCH_10)  # not journalled
        self.assertEqual(t.report("2024-03-10")["messages"]["total"], 2)
        with self.assertRaisesRegex(ValueError, "no journal"):
            t.checkpoint()
        with self.assertRaisesRegex(ValueError, "no journal"):
            t.sync()
        t.close()
        with Tracker.open_journal(path) as u:
            self.assertEqual(u.report("2024-03-10")["messages"]["total"], 1)

    def test_torn_tail_and_repair(self) -> None:
        path = self.path("s.skpi")
        with Tracker.open_journal(path, fsync="none") as t:
            for i in range(4):
                t.message(0, 0, MARCH_10 + i)
        jpath = path + ".journal"
        size = os.path.getsize(jpath)
        with open(jpath, "r+b") as f:
            f.truncate(size - 3)
        with Tracker.open_journal(path) as t:
            self.assertIsNotNone(t.journal_recovery)
            self.assertLess(t.journal_recovery.offset, size)
            self.assertIn("torn", t.journal_recovery.text)
            self.assertEqual(t.report("2024-03-10")["messages"]["total"], 3)
        # damage followed by good records: refused, or cut with repair=True
        with open(jpath, "r+b") as f:
            f.seek(30)
            b = f.read(1)
            f.seek(30)
            f.write(bytes([b[0] ^ 0x55]))
        with self.assertRaises(socialkpi.CorruptError) as cm:
            Tracker.open_journal(path)
        self.assertEqual(cm.exception.offset, 24)
        with Tracker.open_journal(path, repair=True) as t:
            self.assertEqual(t.journal_recovery.offset, 24)
            self.assertEqual(t.report("2024-03-10")["messages"]["total"], 0)

    def test_journal_errors(self) -> None:
        with self.assertRaises(socialkpi.OptionError):
            Tracker.open_journal(self.path("x"), fsync="sometimes")
        with self.assertRaises(socialkpi.OptionError):
            Tracker.open_journal(self.path("x"), fsync=9)
        with self.assertRaises(socialkpi.IOFailureError):
            Tracker.open_journal(self.path("no/dir/x"))
        with self.assertRaises(socialkpi.ZoneError):
            Tracker.open_journal(self.path("x"), tz="Nowhere/Land")
        with open(self.path("junk"), "wb") as f:
            f.write(b"not a snapshot at all, not at all")
        with self.assertRaises(socialkpi.FormatError):
            Tracker.open_journal(self.path("junk"))


if __name__ == "__main__":
    unittest.main()

"""Map-reduce with multiprocessing: two worker processes each record half
of the founding half year into their own tracker and send it back
pickled; the merged tracker equals one that saw every event."""

from __future__ import annotations

import multiprocessing
import unittest
from typing import List

import founding
from socialkpi import Tracker


def record_shard(shard: int) -> Tracker:
    """Worker: record every other unit (a message travels with its reply)."""
    units, _ = founding.build()
    t = Tracker(tz=founding.TZ)
    t.record_many(founding.events(units[shard::2]))
    return t  # pickled (a snapshot) on its way back


class MapReduceTest(unittest.TestCase):

    def test_two_workers_merge_to_the_whole(self) -> None:
        with multiprocessing.Pool(2) as pool:
            shards: List[Tracker] = pool.map(record_shard, [0, 1])
        parts = [s.report(founding.PERIOD, change=False)["messages"]["total"] for s in shards]
        self.assertEqual(sum(parts), 14395)
        self.assertTrue(all(0 < p < 14395 for p in parts))
        units, _ = founding.build()
        with Tracker(tz=founding.TZ) as whole:
            whole.record_many(founding.events(units))
            merged = shards[0].merge(shards[1])
            self.assertEqual(merged.to_bytes(), whole.to_bytes())
            r = merged.report(founding.PERIOD)
            self.assertEqual(r, whole.report(founding.PERIOD))
            self.assertEqual(r["messages"]["inquiries_and_remarks"], 11685)
            self.assertEqual(r["responses"]["answered"], 11101)
        for shard in shards:
            shard.close()

    def test_pickled_trackers_through_a_queue(self) -> None:
        ctx = multiprocessing.get_context()
        with ctx.Pool(1) as pool:
            back = pool.apply(_identity, (Tracker(tz="+04:00"),))
        with back:
            self.assertEqual(back.tz, "+04:00")


def _identity(t: Tracker) -> Tracker:
    t.message("twitter", "thanks", 1710028800)
    return t


if __name__ == "__main__":
    unittest.main()

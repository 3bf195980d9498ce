"""A compact, deterministic founding half year for the Python tests.

``examples/skpi demo`` (examples/demo.c) rebuilds the founding report from
raw events.  This module builds events that give the same headline figures
-- every figure the founding report states -- with a simpler generator:
messages by category (4,210 / 2,655 / 1,870 / 1,120 / 1,030 / 800 and
2,710 thanks), split over platforms 50/30/20 by largest remainder as the
demo does (so 7,198 / 4,318 / 2,879), 11,101 of the 11,685 inquiries and
remarks answered (the demo's unanswered per category), 2,400 ratings of
which 2,184 satisfied (the demo's distribution), 4,829,520 engagements
(55/30/15 over platforms, 70/18/12 over kinds, as the demo splits them),
1,440 posts, and follower tallies climbing to 1,700,000 / 900,000 /
635,000 from the demo's January readings.  The follower lists are the
demo's exactly (same person ranges, same id function), so the distinct
follower estimates equal the demo's to the unit.

Times and delays are this module's own (a splitmix64 stream with a fixed
seed), so the response-time figures are checked against the truth computed
here, not against the demo's.
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Tuple

TZ = "+04:00"
PERIOD = "2024-H1"
START = 1704052800            # 2024-01-01T00:00:00+04:00
END = 1719777600              # 2024-07-01T00:00:00+04:00
DAYS = 182
DAY = 86400

# category id, messages, unanswered, median first-response minutes
CATEGORIES = [
    (0, 4210, 200, 40),   # general_inquiry
    (1, 2655, 95, 30),    # help_request
    (2, 1870, 90, 35),    # traffic_inquiry
    (3, 1120, 85, 25),    # criminal_inquiry
    (4, 1030, 54, 60),    # service_complaint
    (5, 800, 60, 55),     # general_complaint
    (6, 2710, 0, 0),      # thanks: expects no answer
]
THANKS = 6

# platform id, message-id prefix, message share, engagement share,
# followers on 2024-01-01, on 2024-06-30, follower list [lo, hi), posts
PLATFORMS = [
    (0, "tw", 50, 55, 1552000, 1700000, 0, 1700000, 720),
    (1, "fb", 30, 30, 861500, 900000, 1600000, 2500000, 432),
    (2, "ig", 20, 15, 571000, 635000, 1000000, 1635000, 288),
]
ENGAGEMENTS = 4829520
KIND_SHARES = [70, 18, 12]           # like, share, comment
RATINGS = [72, 48, 96, 624, 1560]    # scores 1..5


class SplitMix64:
    """splitmix64 (the demo's generator), seeded."""

    def __init__(self, seed: int) -> None:
        self.state = seed & 0xFFFFFFFFFFFFFFFF

    def next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        return z ^ (z >> 31)

    def range(self, lo: int, hi: int) -> int:
        """Uniform in [lo, hi]."""
        return lo + self.next() % (hi - lo + 1)

    def unit(self) -> float:
        """Uniform in [0, 1)."""
        return (self.next() >> 11) * (1.0 / (1 << 53))


def apportion(total: int, weights: List[int]) -> List[int]:
    """Largest-remainder split of `total` by integer `weights` (ties to the
    lower index), as examples/demo.c does."""
    wsum = sum(weights)
    parts = [total * w // wsum for w in weights]
    rem = [total * w % wsum for w in weights]
    done = set()
    for _ in range(total - sum(parts)):
        best = max((i for i in range(len(weights)) if i not in done),
                   key=lambda i: (rem[i], -i))
        done.add(best)
        parts[best] += 1
    return parts


def person_id(person: int) -> str:
    """The demo's person id: "u" and ten digits of an affine map."""
    return "u%010d" % ((person * 2718281 + 3141592653) % 10000000000)


def follower_ids(platform: int) -> List[str]:
    """The demo's follower list of `platform` on 2024-06-30."""
    lo, hi = PLATFORMS[platform][6], PLATFORMS[platform][7]
    return [person_id(p) for p in range(lo, hi)]


def build(seed: int = 0x2024A1D0C0FFEE11) -> Tuple[List[List[Tuple[Any, ...]]], Dict[str, Any]]:
    """Return (units, truth).

    `units` is a list of event lists for Tracker.record_many() (mixed
    rows): a message with its reply (if answered) form one unit, so that a
    split of the units keeps replies with their messages; every other event
    is a unit of its own.  `truth` holds what the report must say.
    """
    g = SplitMix64(seed)
    units: List[List[Tuple[Any, ...]]] = []
    delays: List[int] = []
    backlog = 0
    numbers = [0, 0, 0]
    for cat, n_messages, unanswered, median in CATEGORIES:
        by_platform = apportion(n_messages, [p[2] for p in PLATFORMS])
        unanswered_by_platform = apportion(unanswered, by_platform) if unanswered else [0, 0, 0]
        for (pl, prefix, *_), n, k in zip(PLATFORMS, by_platform, unanswered_by_platform):
            left_k, left_n = k, n
            for j in range(n):
                day = j * DAYS // n
                received = START + day * DAY + g.range(0, DAY - 1)
                mid = "%s-%06d" % (prefix, numbers[pl])
                numbers[pl] += 1
                author = person_id(g.range(0, 11000 - 1))
                unit: List[Tuple[Any, ...]] = [("message_id", pl, cat, received, mid, author)]
                skip = g.range(0, left_n - 1) < left_k   # selection sampling: exactly k
                if skip:
                    left_k -= 1
                left_n -= 1
                if cat != THANKS:
                    if skip:
                        backlog += 1
                    else:
                        u1 = 1.0 - g.unit()
                        u2 = g.unit()
                        normal = math.sqrt(-2.0 * math.log(u1)) * math.cos(2 * math.pi * u2)
                        delay = int(min(max(median * 60.0 * math.exp(1.25 * normal), 20.0),
                                        7 * 86400.0))
                        delays.append(delay)
                        unit.append(("reply", pl, mid, received + delay))
                        if received + delay >= END:
                            backlog += 1
                units.append(unit)
    # ratings, spread over the period and the platforms (50/30/20)
    for score, count in enumerate(RATINGS, start=1):
        for (pl, *_), n in zip(PLATFORMS, apportion(count, [50, 30, 20])):
            for j in range(n):
                when = START + (j * DAYS // n) * DAY + g.range(0, DAY - 1)
                units.append([("rating", pl, when, score)])
    # engagement, posts and follower tallies, day by day
    by_platform = apportion(ENGAGEMENTS, [p[3] for p in PLATFORMS])
    for (pl, _, _, _, f_start, f_end, _, _, posts), total in zip(PLATFORMS, by_platform):
        for kind, kind_total in enumerate(apportion(total, KIND_SHARES)):
            weights = [g.range(50, 150) for _ in range(DAYS)]
            for day, n in enumerate(apportion(kind_total, weights)):
                if n:
                    units.append([("engagement", pl, kind, START + day * DAY + 43200, n)])
        for day, n in enumerate(apportion(posts, [g.range(1, 3) for _ in range(DAYS)])):
            if n:
                units.append([("posts", pl, START + day * DAY + 36000, n)])
        for day in range(DAYS):
            tally = f_start + (f_end - f_start) * day // (DAYS - 1)
            units.append([("followers", pl, START + (day + 1) * DAY - 1800, tally)])
    truth = {
        "delays": delays,
        "backlog": backlog,
    }
    return units, truth


def events(units: List[List[Tuple[Any, ...]]]) -> List[Tuple[Any, ...]]:
    """Flatten units into one event list."""
    return [event for unit in units for event in unit]

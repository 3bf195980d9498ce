"""Report: the typed getters of ``skpi_report`` (see Tracker.new_report()).

Most users want :meth:`Tracker.report`, a dict equal to the JSON report.  A
:class:`Report` gives the same figures one by one, for any platform,
category, group or kind, as the C getters do: every ``platform``,
``category``, ``group`` and ``kind`` argument takes an id, a slug, or None
for all of them (``SKPI_ALL``).  Rates without a denominator are NaN.
Figures that can be missing (followers without a reading, response times
without an answer, people without ids) raise :class:`NoDataError`, as the
C getters return ``SKPI_ENODATA``.

A report is immutable and may be read from several threads at once; it
stays valid after its tracker is closed.
"""

from __future__ import annotations

from ctypes import byref, c_double, c_int64, c_size_t
from typing import Dict, List, NamedTuple, Optional, Tuple, Union

from . import _ffi
from .errors import NotFoundError, OptionError, RatingError

__all__ = ["Report", "Responses", "Sla", "Csat", "Posts", "Followers",
           "FollowersTotal", "EngagementRate", "ResponseTime", "Backlog",
           "People", "ANOMALIES", "PEOPLE", "ALL", "DIMS", "dim_index"]

#: SKPI_ALL: in place of an id, every entry (None does the same).
ALL = 0xFFFFFFFF

#: Taxonomy dimensions (skpi_dim), by name.
DIMS: Dict[str, int] = {"platform": 0, "group": 1, "category": 2, "kind": 3}

#: skpi_anomaly values, by the name the JSON report uses.
ANOMALIES: Dict[str, int] = {
    "unmatched_replies": 0,
    "early_replies": 1,
    "later_replies": 2,
    "duplicate_messages": 3,
    "forgotten_messages": 4,
}

#: skpi_people values.
PEOPLE: Dict[str, int] = {"authors": 0, "engagers": 1, "followers": 2}

Id = Union[int, str, None]


_DIM_ALIASES: Dict[str, int] = dict(DIMS, platforms=0, groups=1, categories=2, kinds=3)


def dim_index(dim: Union[int, str]) -> int:
    """Return the skpi_dim of "platform", "group", "category" or "kind"
    (or their plurals, or the int 0..3 itself)."""
    if isinstance(dim, str):
        if dim in _DIM_ALIASES:
            return _DIM_ALIASES[dim]
        raise ValueError("unknown taxonomy dimension %r (platform, group, category, kind)"
                         % dim)
    if isinstance(dim, int) and not isinstance(dim, bool) and 0 <= dim <= 3:
        return dim
    raise ValueError("unknown taxonomy dimension %r" % (dim,))


class Responses(NamedTuple):
    """Response rate: ``answered`` / ``expected``."""
    expected: int
    answered: int
    rate: float


class Sla(NamedTuple):
    """SLA attainment: answered ``within`` ``seconds``, of ``expected``."""
    seconds: int
    within: int
    expected: int
    rate: float


class Csat(NamedTuple):
    """Satisfaction: ``satisfied`` / ``ratings`` and the mean score."""
    ratings: int
    satisfied: int
    rate: float
    mean: float


class Posts(NamedTuple):
    """Posts published and engagements per post."""
    posts: int
    per_post: float


class Followers(NamedTuple):
    """Follower readings of one platform over the range."""
    end: int
    start: int
    change: int
    growth: float


class FollowersTotal(NamedTuple):
    """Followers across platforms: sum of end readings and bounds on people."""
    sum: int
    unique_lo: int
    unique_hi: int
    platforms_with_data: int


class EngagementRate(NamedTuple):
    """Engagements per follower."""
    engagements: int
    followers: int
    rate: float


class ResponseTime(NamedTuple):
    """First-response time in seconds: count, exact mean, min and max."""
    n: int
    mean: float
    min: int
    max: int


class Backlog(NamedTuple):
    """Messages waiting at the end of the range, and the oldest one's age."""
    count: int
    oldest_age: int


class People(NamedTuple):
    """Distinct people: the estimate and its relative standard error."""
    estimate: int
    rel_error: float


class Report:
    """The KPIs of one range, computed once (``skpi_report_new()``).

    Create with :meth:`Tracker.new_report`; free with :meth:`close` or a
    ``with`` block (the garbage collector frees it too).
    """

    _free = _ffi.lib.skpi_report_free

    def __init__(self, handle: int, slugs: List[List[str]]) -> None:
        """Wrap an ``skpi_report *`` (internal: use Tracker.new_report())."""
        self._r: Optional[int] = handle
        self._slugs = slugs
        self._ids: List[Dict[str, int]] = [
            {s: i for i, s in enumerate(names)} for names in slugs]

    # -- lifetime ---------------------------------------------------------

    def close(self) -> None:
        """Free the report (idempotent)."""
        r, self._r = self._r, None
        if r is not None:
            self._free(r)

    @property
    def closed(self) -> bool:
        """Whether close() ran."""
        return self._r is None

    def __enter__(self) -> "Report":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass

    def __repr__(self) -> str:
        if self._r is None:
            return "<socialkpi.Report closed>"
        start, end = self.range()
        return "<socialkpi.Report [%d, %d)>" % (start, end)

    # -- helpers ----------------------------------------------------------

    def _h(self) -> int:
        """The report's handle; ValueError once closed."""
        if self._r is None:
            raise ValueError("operation on a closed Report")
        return self._r

    def _id(self, dim: int, value: Id) -> int:
        """The C id of a taxonomy argument: None is SKPI_ALL, a slug is looked up
        in the taxonomy the report knows, an int is range-checked."""
        if value is None:
            return ALL
        if isinstance(value, str):
            try:
                return self._ids[dim][value]
            except KeyError:
                raise NotFoundError("the report knows no %s %r"
                                    % (list(DIMS)[dim], value)) from None
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("a %s must be an id, a slug or None, not %s"
                            % (list(DIMS)[dim], type(value).__name__))
        if not 0 <= value <= ALL:
            raise NotFoundError("no %s with id %d" % (list(DIMS)[dim], value))
        return value

    # -- getters ----------------------------------------------------------

    def slugs(self, dim: Union[int, str]) -> List[str]:
        """The slugs of the entries of `dim` the report knows, in id order."""
        return list(self._slugs[dim_index(dim)])

    def taxonomy_count(self, dim: Union[int, str]) -> int:
        """How many entries of `dim` the report knows (skpi_report_taxonomy_count)."""
        return int(_ffi.lib.skpi_report_taxonomy_count(self._h(), dim_index(dim)))

    def range(self) -> Tuple[int, int]:
        """The report's range [start, end) in Unix seconds."""
        a, b = c_int64(), c_int64()
        _ffi.lib.skpi_report_range(self._h(), byref(a), byref(b))
        return a.value, b.value

    def messages(self, platform: Id = None, category: Id = None) -> int:
        """Messages received on `platform` in `category`."""
        out = c_int64()
        _ffi.lib.skpi_report_messages(self._h(), self._id(0, platform),
                                      self._id(2, category), byref(out))
        return out.value

    def group_messages(self, platform: Id = None, group: Id = None) -> int:
        """Messages received on `platform` in the categories of `group`."""
        out = c_int64()
        _ffi.lib.skpi_report_group_messages(self._h(), self._id(0, platform),
                                            self._id(1, group), byref(out))
        return out.value

    def inquiries_and_remarks(self, platform: Id = None) -> int:
        """Messages of every group but appreciation."""
        out = c_int64()
        _ffi.lib.skpi_report_inquiries_and_remarks(self._h(), self._id(0, platform),
                                                   byref(out))
        return out.value

    def responses(self, platform: Id = None, category: Id = None) -> Responses:
        """Response rate: answered / expected (rate NaN when expected is 0)."""
        e, a, r = c_int64(), c_int64(), c_double()
        _ffi.lib.skpi_report_responses(self._h(), self._id(0, platform),
                                       self._id(2, category), byref(e), byref(a), byref(r))
        return Responses(e.value, a.value, r.value)

    def sla(self, index: int, platform: Id = None, category: Id = None) -> Sla:
        """SLA attainment for target number `index` (Tracker.sla order)."""
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError("an SLA index must be an int")
        if not 0 <= index < 2 ** 32:
            raise NotFoundError("no SLA target number %d" % index)
        s, w, e, r = c_int64(), c_int64(), c_int64(), c_double()
        _ffi.lib.skpi_report_sla(self._h(), index, self._id(0, platform),
                                 self._id(2, category), byref(s), byref(w), byref(e),
                                 byref(r))
        return Sla(s.value, w.value, e.value, r.value)

    def rating_count(self, score: int, platform: Id = None) -> int:
        """Number of ratings equal to `score` (RatingError outside the scale)."""
        if isinstance(score, bool) or not isinstance(score, int):
            raise TypeError("a score must be an int")
        if not -2 ** 31 <= score < 2 ** 31:
            raise RatingError("rating %d lies outside the tracker's scale" % score)
        out = c_int64()
        _ffi.lib.skpi_report_rating_count(self._h(), self._id(0, platform), score,
                                          byref(out))
        return out.value

    def csat(self, platform: Id = None) -> Csat:
        """CSAT: satisfied / ratings, and the mean score (NaN without ratings)."""
        n, s, r, m = c_int64(), c_int64(), c_double(), c_double()
        _ffi.lib.skpi_report_csat(self._h(), self._id(0, platform), byref(n), byref(s),
                                  byref(r), byref(m))
        return Csat(n.value, s.value, r.value, m.value)

    def engagement(self, platform: Id = None, kind: Id = None) -> int:
        """Engagements of `kind` on `platform`."""
        out = c_int64()
        _ffi.lib.skpi_report_engagement(self._h(), self._id(0, platform),
                                        self._id(3, kind), byref(out))
        return out.value

    def posts(self, platform: Id = None) -> Posts:
        """Posts published, and engagements per post (NaN without posts)."""
        p, pp = c_int64(), c_double()
        _ffi.lib.skpi_report_posts(self._h(), self._id(0, platform), byref(p), byref(pp))
        return Posts(p.value, pp.value)

    def followers(self, platform: Union[int, str]) -> Followers:
        """Follower readings of one platform (NoDataError without a reading)."""
        if platform is None:
            raise TypeError("followers() needs one platform; see followers_total()")
        e, s, c, g = c_int64(), c_int64(), c_int64(), c_double()
        _ffi.lib.skpi_report_followers(self._h(), self._id(0, platform), byref(e),
                                       byref(s), byref(c), byref(g))
        return Followers(e.value, s.value, c.value, g.value)

    def followers_total(self) -> FollowersTotal:
        """Followers across the report's platforms."""
        s, lo, hi, n = c_int64(), c_int64(), c_int64(), c_size_t()
        _ffi.lib.skpi_report_followers_total(self._h(), byref(s), byref(lo), byref(hi),
                                             byref(n))
        return FollowersTotal(s.value, lo.value, hi.value, n.value)

    def engagement_rate(self, platform: Id = None) -> EngagementRate:
        """Engagements per follower (NaN without followers)."""
        e, f, r = c_int64(), c_int64(), c_double()
        _ffi.lib.skpi_report_engagement_rate(self._h(), self._id(0, platform), byref(e),
                                             byref(f), byref(r))
        return EngagementRate(e.value, f.value, r.value)

    def response_time(self, platform: Id = None, category: Id = None,
                      business: bool = False) -> ResponseTime:
        """First-response time (NoDataError without an answered message)."""
        n, mean, lo, hi = c_int64(), c_double(), c_int64(), c_int64()
        _ffi.lib.skpi_report_response_time(self._h(), self._id(0, platform),
                                           self._id(2, category), 1 if business else 0,
                                           byref(n), byref(mean), byref(lo), byref(hi))
        return ResponseTime(n.value, mean.value, lo.value, hi.value)

    def response_quantile(self, q: float, platform: Id = None, category: Id = None,
                          business: bool = False) -> float:
        """The q-quantile of the first-response time, in seconds
        (InvalidArgumentError for q outside [0, 1]; NoDataError)."""
        out = c_double()
        _ffi.lib.skpi_report_response_quantile(self._h(), self._id(0, platform),
                                               self._id(2, category),
                                               1 if business else 0, float(q), byref(out))
        return out.value

    def backlog(self, platform: Id = None, category: Id = None) -> Backlog:
        """Messages still waiting at the end of the range, and the oldest one's age."""
        c, a = c_int64(), c_int64()
        _ffi.lib.skpi_report_backlog(self._h(), self._id(0, platform),
                                     self._id(2, category), byref(c), byref(a))
        return Backlog(c.value, a.value)

    def anomalies(self, kind: Union[str, int], platform: Id = None) -> int:
        """Count of one kind of anomaly: "unmatched_replies", "early_replies",
        "later_replies", "duplicate_messages", "forgotten_messages" (or the
        skpi_anomaly int; OptionError for an unknown one)."""
        code = _enum(kind, ANOMALIES, "anomaly")
        out = c_int64()
        _ffi.lib.skpi_report_anomalies(self._h(), self._id(0, platform), code, byref(out))
        return out.value

    def people(self, who: Union[str, int], platform: Id = None) -> People:
        """Distinct "authors", "engagers" or "followers" (NoDataError without ids)."""
        code = _enum(who, PEOPLE, "people kind")
        e, r = c_int64(), c_double()
        _ffi.lib.skpi_report_people(self._h(), code, self._id(0, platform), byref(e),
                                    byref(r))
        return People(e.value, r.value)


def _enum(value: Union[str, int], table: Dict[str, int], what: str) -> int:
    """An enum value given by name (from `table`) or as an int."""
    if isinstance(value, str):
        if value in table:
            return table[value]
        raise OptionError("unknown %s %r (%s)" % (what, value, ", ".join(table)))
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("%s must be a str or an int" % what)
    if not -2 ** 31 <= value < 2 ** 31:
        raise OptionError("unknown %s %d" % (what, value))
    return value


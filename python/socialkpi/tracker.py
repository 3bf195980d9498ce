"""Tracker: the Python face of ``skpi_tracker`` (see include/socialkpi.h).

A tracker aggregates a customer-service desk's events -- messages,
replies, engagements, posts, follower readings, ratings -- into local days
or hours of one time zone, and reports exact KPIs over any range of whole
buckets.  Every method mirrors a C function; the C header documents each
figure, status and edge case.

Arguments, everywhere:

- taxonomy entries (``platform``, ``category``, ``group``, ``kind``) are
  ids (int) or slugs (str); slugs are looked up once and cached;
- times are int Unix seconds, aware ``datetime`` objects, or ISO 8601
  strings with a zone (``"2024-03-05T10:12:00+04:00"``); naive datetimes
  are refused (ValueError), because their instant is ambiguous;
- message, author and person ids are str (encoded as UTF-8) or bytes.

Errors raise :class:`socialkpi.SocialKPIError` subclasses carrying the C
status.  Recording and reporting are thread-safe, as in C; ``close()``,
``merge()`` into this tracker and ``close_journal()`` must not run while
other threads use the tracker.
"""

from __future__ import annotations

import datetime as _dt
import json
import operator
import os
from ctypes import (byref, c_int, c_int64, c_size_t, c_uint32, c_void_p,
                    create_string_buffer)
from itertools import chain, groupby, islice
from operator import itemgetter
from typing import (Any, Callable, Dict, Iterable, Iterator, List, Mapping,
                    NamedTuple, Optional, Sequence, Tuple, Union)

from . import _batch, _ffi
from ._convert import (INT64_MAX, TIME_MAX, TimeLike, encode_id, encode_path,
                       encode_text, parse_time, to_count, to_instant, to_score,
                       to_tally, to_time)
from .errors import (NoDataError, NotFoundError, OptionError, SocialKPIError,
                     error_for)
from .ingest import CSV_ALLOW_NEW, CSV_LENIENT, CSVSource, IngestResult, ingest
from .report import Report, dim_index

__all__ = ["Tracker", "TaxonomyEntry", "CategoryInfo", "JournalRecovery",
           "PathLike", "Id", "BUCKETS", "FSYNC", "WEEKDAYS",
           "OPENMETRICS_CONTENT_TYPE", "PROMETHEUS_CONTENT_TYPE"]

PathLike = Union[str, bytes, "os.PathLike[Any]"]
#: A taxonomy entry given by id or slug.
Id = Union[int, str]

#: Bucket widths (skpi_bucket).
BUCKETS: Dict[str, int] = {"day": 0, "hour": 1}
#: Journal fsync policies (skpi_fsync).
FSYNC: Dict[str, int] = {"always": 0, "everysec": 1, "none": 2}
#: Weekday names (skpi_weekday: Monday is 0).
WEEKDAYS: Dict[str, int] = {}
for _i, _name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday",
                            "saturday", "sunday")):
    WEEKDAYS[_name] = WEEKDAYS[_name[:3]] = _i

_JSON_PRETTY = 1
_JSON_NO_CHANGE = 2
_OPENMETRICS_PROMETHEUS = 1
_HTML_NO_CHANGE = 1

#: The HTTP Content-Type of Tracker.openmetrics() text (SKPI_OPENMETRICS_CONTENT_TYPE).
OPENMETRICS_CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8"
#: The HTTP Content-Type of Tracker.openmetrics(prometheus=True) text
#: (SKPI_PROMETHEUS_CONTENT_TYPE).
PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_JOURNAL_REPAIR = 1
_TMAX = TIME_MAX
_DIM_NAMES = ("platform", "group", "category", "kind")


class TaxonomyEntry(NamedTuple):
    """One entry of a taxonomy dimension."""
    id: int
    slug: str
    label: str


class CategoryInfo(NamedTuple):
    """A category's group id and whether it expects an answer."""
    group: int
    expects_answer: bool


class JournalRecovery(NamedTuple):
    """What opening a journal repaired: a torn tail (or, with repair=True,
    damage) cut off at byte ``offset``, explained by ``text``."""
    offset: int
    text: str


class _IdCache(dict):  # type: ignore[type-arg]
    """Slug or id -> id of one taxonomy dimension, filled on first use.

    Entries are never removed from a taxonomy and ids never change, so a
    hit stays valid for the tracker's lifetime.  A miss asks the library
    (``skpi_taxonomy_find()`` for a slug, ``skpi_taxonomy_count()`` for an
    id) and raises NotFoundError for an unknown entry.  Looking an int up
    here also guarantees that it fits ``uint32_t``.
    """

    __slots__ = ("h", "dim")

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.h: Optional[int] = None
        self.dim = dim

    def __missing__(self, key: Any) -> int:
        h = self.h
        if h is None:
            raise ValueError("operation on a closed Tracker")
        what = _DIM_NAMES[self.dim]
        if isinstance(key, str):
            out = c_uint32()
            status = _ffi.raw.skpi_taxonomy_find(h, self.dim, encode_text(key, what),
                                                 byref(out))
            if status:
                raise error_for(status, "skpi_taxonomy_find", "unknown %s %r" % (what, key))
            self[key] = out.value
            return out.value
        if isinstance(key, bool):
            raise TypeError("a %s must be an id (int) or a slug (str), not bool" % what)
        try:
            i = operator.index(key)
        except TypeError:
            raise TypeError("a %s must be an id (int) or a slug (str), not %s"
                            % (what, type(key).__name__)) from None
        n = _ffi.lib.skpi_taxonomy_count(h, self.dim)
        if not 0 <= i < n:
            raise NotFoundError("no %s with id %d (the tracker has %d)" % (what, i, n))
        self[key] = i
        return i


def _weekday(day: Union[int, str]) -> int:
    """A weekday given by name ("sun", "Sunday") or int (Monday is 0)."""
    if isinstance(day, str):
        key = day.strip().lower()
        if key in WEEKDAYS:
            return WEEKDAYS[key]
        raise OptionError("unknown weekday %r (mon .. sun)" % day)
    if isinstance(day, bool) or not isinstance(day, int):
        raise TypeError("a weekday must be a name or an int 0..6 (Monday is 0)")
    if not 0 <= day <= 6:
        raise OptionError("weekday %d outside 0..6 (Monday is 0)" % day)
    return day


def _hours(business_hours: Any) -> List[Tuple[int, str, str]]:
    """Normalise business hours to (weekday, from, to) triples."""
    out: List[Tuple[int, str, str]] = []
    if isinstance(business_hours, Mapping):
        for day, spans in business_hours.items():
            if (isinstance(spans, (tuple, list)) and len(spans) == 2
                    and all(isinstance(s, str) for s in spans)):
                spans = [spans]
            for span in spans:
                start, end = span
                out.append((_weekday(day), start, end))
    else:
        for item in business_hours:
            day, start, end = item
            out.append((_weekday(day), start, end))
    return out


def _clock(value: Any) -> bytes:
    """A business-hours clock time ("07:30" or datetime.time) as bytes."""
    if isinstance(value, _dt.time):
        value = value.strftime("%H:%M:%S")
    return encode_text(value, "clock time")


def _int_option(value: Any, what: str, lo: int, hi: int) -> int:
    """Check an integer option: an int (not bool) in [lo, hi], else OptionError."""
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = operator.index(value)
        except TypeError:
            raise TypeError("%s must be an int, not %s" % (what, type(value).__name__)) from None
    if not lo <= value <= hi:
        raise OptionError("%s %d is out of range" % (what, value))
    return value


def _options(tz: str = "Z", bucket: Union[str, int] = "day",
             rating_scale: Sequence[int] = (1, 5, 4), sla: Sequence[int] = (3600, 86400),
             quantile_accuracy: float = 0.01, people_precision: int = 14,
             open_limit: int = 1_000_000, business_hours: Any = None,
             holidays: Iterable[Union[str, _dt.date]] = ()) -> int:
    """Build an ``skpi_options`` handle (the caller frees it); the
    arguments and defaults are Tracker()'s."""
    raw = _ffi.raw
    h = c_void_p()
    _ffi.lib.skpi_options_new(byref(h))
    o = h.value
    try:
        def check(status: int, call: str, message: str) -> None:
            """Raise the error of an option setter, naming the option."""
            if status:
                raise error_for(status, call, "%s: %s" % (message, _ffi.lib.skpi_strerror(
                    status).decode("utf-8", "replace")))

        check(raw.skpi_options_set_zone(o, encode_text(tz, "time zone")),
              "skpi_options_set_zone", "time zone %r" % (tz,))
        if isinstance(bucket, str):
            if bucket not in BUCKETS:
                raise OptionError("unknown bucket %r (day or hour)" % bucket)
            code = BUCKETS[bucket]
        else:
            code = _int_option(bucket, "bucket", -2 ** 31, 2 ** 31 - 1)
        check(raw.skpi_options_set_bucket(o, code), "skpi_options_set_bucket",
              "bucket %r" % (bucket,))
        lo, hi, sat = (_int_option(v, "rating scale value", -2 ** 31, 2 ** 31 - 1)
                       for v in rating_scale)
        check(raw.skpi_options_set_rating_scale(o, lo, hi, sat),
              "skpi_options_set_rating_scale", "rating scale %r" % (tuple(rating_scale),))
        targets = [_int_option(s, "SLA target", -2 ** 63, INT64_MAX) for s in sla]
        arr = (c_int64 * max(1, len(targets)))(*targets)
        check(raw.skpi_options_set_sla(o, arr, len(targets)), "skpi_options_set_sla",
              "SLA targets %r" % (tuple(sla),))
        check(raw.skpi_options_set_quantile_accuracy(o, float(quantile_accuracy)),
              "skpi_options_set_quantile_accuracy",
              "quantile accuracy %r" % (quantile_accuracy,))
        check(raw.skpi_options_set_people_precision(
            o, _int_option(people_precision, "people precision", -2 ** 31, 2 ** 31 - 1)),
            "skpi_options_set_people_precision", "people precision %r" % (people_precision,))
        check(raw.skpi_options_set_open_limit(
            o, _int_option(open_limit, "open limit", 0, 2 ** 64 - 1)),
            "skpi_options_set_open_limit", "open limit %r" % (open_limit,))
        if business_hours:
            for day, start, end in _hours(business_hours):
                check(raw.skpi_options_add_business_hours(o, day, _clock(start), _clock(end)),
                      "skpi_options_add_business_hours",
                      "business hours %s %s-%s" % (day, start, end))
        for day in holidays:
            if isinstance(day, _dt.datetime):
                raise TypeError("a holiday is a date, not a datetime: %r" % (day,))
            text = day.isoformat() if isinstance(day, _dt.date) else day
            check(raw.skpi_options_add_holiday(o, encode_text(text, "holiday")),
                  "skpi_options_add_holiday", "holiday %r" % (text,))
    except BaseException:
        _ffi.lib.skpi_options_free(o)
        raise
    return o


class Tracker:
    """A tracker: counts, sketches and the taxonomy of one desk.

    ``Tracker()`` gives the library's defaults: zone ``"Z"`` (UTC), day
    buckets, ratings 1..5 with 4 and up satisfied, SLA targets of one hour
    and one day.  Options (``skpi_options_*``):

    tz
        ``"Z"``/``"UTC"``, a fixed offset (``"+04:00"``, ``"-0330"``) or an
        IANA name (``"Europe/London"``, read once from the system's tzdata).
    bucket
        ``"day"`` or ``"hour"``.
    rating_scale
        ``(lo, hi, satisfied)``.
    sla
        SLA targets in seconds, strictly increasing (at most 8; may be empty).
    quantile_accuracy
        relative accuracy of the response-time quantiles (0.0001 .. 0.05).
    people_precision
        HyperLogLog precision of the distinct-people counts (4 .. 18).
    open_limit
        message ids kept for reply matching.
    business_hours
        opening hours for business-time response figures: a mapping
        ``{"sun": ("07:30", "14:30"), "mon": [("08:00", "12:00"), ...]}``
        or an iterable of ``(weekday, from, to)``; weekdays are names
        (``"mon"``, ``"monday"``) or ints (Monday is 0).
    holidays
        local dates (``"2024-04-10"`` or ``datetime.date``) on which the
        desk is closed.

    Invalid options raise ZoneError, OptionError, ParseError or LimitError.
    """

    # Bound once, so that __del__ works at interpreter shutdown even after
    # this module's globals are gone.
    _tracker_free = _ffi.lib.skpi_tracker_free
    _journal_close = _ffi.raw.skpi_journal_close

    _h: Optional[int]
    _j: Optional[int]

    def __init__(self, tz: str = "Z", bucket: Union[str, int] = "day",
                 rating_scale: Sequence[int] = (1, 5, 4),
                 sla: Sequence[int] = (3600, 86400),
                 quantile_accuracy: float = 0.01, people_precision: int = 14,
                 open_limit: int = 1_000_000, business_hours: Any = None,
                 holidays: Iterable[Union[str, _dt.date]] = ()) -> None:
        self._h = self._j = None
        o = _options(tz, bucket, rating_scale, sla, quantile_accuracy, people_precision,
                     open_limit, business_hours, holidays)
        try:
            h = c_void_p()
            _ffi.lib.skpi_tracker_new(o, byref(h))
        finally:
            _ffi.lib.skpi_options_free(o)
        self._setup(h.value, None)

    # -- construction and lifetime ------------------------------------------

    def _setup(self, handle: Optional[int], journal: Optional[int]) -> None:
        """Adopt an ``skpi_tracker *`` (and an ``skpi_journal *``)."""
        self._h = handle
        self._j = journal
        self.journal_path: Optional[str] = None
        self.journal_recovery: Optional[JournalRecovery] = None
        self._caches = [_IdCache(d) for d in range(4)]
        for cache in self._caches:
            cache.h = handle
        self._P, self._G, self._C, self._K = self._caches
        self._bind_recorders()

    def _bind_recorders(self) -> None:
        # Without a journal a recording call is ~15 ns of C: keep the GIL
        # (PyDLL).  With one it may fsync: release the GIL (CDLL).
        """Bind the recording functions for the journal state."""
        ns = _ffi.raw if self._j is not None else _ffi.fast
        self._rec: Dict[str, Any] = {
            kind: getattr(ns, call) for kind, (call, _) in _batch.KINDS.items()}
        self._rec_message = self._rec["message"]
        self._rec_message_id = self._rec["message_id"]
        self._rec_reply = self._rec["reply"]
        self._rec_response = self._rec["response"]
        self._rec_engagement = self._rec["engagement"]
        self._rec_engagement_by = self._rec["engagement_by"]
        self._rec_posts = self._rec["posts"]
        self._rec_followers = self._rec["followers"]
        self._rec_follower = self._rec["follower"]
        self._rec_rating = self._rec["rating"]

    @classmethod
    def _wrap(cls, handle: int, journal: Optional[int] = None) -> "Tracker":
        """A Tracker owning `handle` (and `journal`), without new options."""
        obj = cls.__new__(cls)
        obj._setup(handle, journal)
        return obj

    def _handle(self) -> int:
        """The tracker's handle; ValueError once closed."""
        h = self._h
        if h is None:
            raise ValueError("operation on a closed Tracker")
        return h

    def close(self) -> None:
        """Close the journal (if any) and free the tracker.  Idempotent.

        Raises IOFailureError if the journal's final flush failed (the
        tracker is freed all the same).  Must not run while other threads
        use the tracker.
        """
        j, self._j = self._j, None
        h, self._h = self._h, None
        for cache in getattr(self, "_caches", ()):
            cache.h = None
        status = 0
        if j is not None:
            status = self._journal_close(j)
        if h is not None:
            self._tracker_free(h)
        if status:
            raise error_for(status, "skpi_journal_close")

    @property
    def closed(self) -> bool:
        """Whether close() ran."""
        return self._h is None

    def __enter__(self) -> "Tracker":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_h", None) is None and getattr(self, "_j", None) is None:
            return
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        if self._h is None:
            return "<socialkpi.Tracker closed>"
        extra = " journal=%r" % self.journal_path if self._j is not None else ""
        return "<socialkpi.Tracker tz=%r bucket=%r%s>" % (self.tz, self.bucket, extra)

    def __reduce__(self) -> Tuple[Callable[[bytes], "Tracker"], Tuple[bytes]]:
        """Pickle as a snapshot (to_bytes); unpickling rebuilds it with
        from_bytes.  A journal does not travel: the copy is a plain tracker."""
        return (_from_snapshot, (self.to_bytes(),))

    def _fail(self, status: int, call: str, *event: Any) -> None:
        """Raise the error of a recording call."""
        if self._h is None:
            raise ValueError("operation on a closed Tracker")
        reason = _ffi.lib.skpi_strerror(status).decode("utf-8", "replace")
        raise error_for(status, call, "%s%r: %s" % (event[0], tuple(event[1:]), reason))

    # -- configuration --------------------------------------------------------

    @property
    def tz(self) -> str:
        """The zone: "Z", a canonical offset ("+04:00") or an IANA name."""
        return _ffi.lib.skpi_tracker_zone(self._handle()).decode("utf-8")

    @property
    def bucket(self) -> str:
        """The bucket width: "day" or "hour"."""
        code = _ffi.lib.skpi_tracker_bucket(self._handle())
        for name, value in BUCKETS.items():
            if value == code:
                return name
        return str(code)  # pragma: no cover - a bucket newer than this package

    @property
    def rating_scale(self) -> Tuple[int, int, int]:
        """(lo, hi, satisfied)."""
        lo, hi, sat = c_int(), c_int(), c_int()
        _ffi.lib.skpi_tracker_rating_scale(self._handle(), byref(lo), byref(hi), byref(sat))
        return lo.value, hi.value, sat.value

    @property
    def sla(self) -> Tuple[int, ...]:
        """The SLA targets in seconds, increasing."""
        h = self._handle()
        out = []
        seconds = c_int64()
        for i in range(_ffi.lib.skpi_tracker_sla_count(h)):
            _ffi.lib.skpi_tracker_sla(h, i, byref(seconds))
            out.append(seconds.value)
        return tuple(out)

    @property
    def has_business_hours(self) -> bool:
        """Whether business hours are set."""
        return bool(_ffi.lib.skpi_tracker_has_business_hours(self._handle()))

    # -- taxonomy -------------------------------------------------------------

    def _add(self, dim: int, slug: str, label: Optional[str]) -> int:
        """Register a platform, group or kind (skpi_taxonomy_add)."""
        out = c_uint32()
        what = _DIM_NAMES[dim]
        status = _ffi.raw.skpi_taxonomy_add(
            self._handle(), dim, encode_text(slug, "slug"),
            None if label is None else encode_text(label, "label"), byref(out))
        if status:
            raise error_for(status, "skpi_taxonomy_add", "cannot add %s %r: %s" % (
                what, slug, _ffi.lib.skpi_strerror(status).decode("utf-8", "replace")))
        return out.value

    def add_platform(self, slug: str, label: Optional[str] = None) -> int:
        """Register a platform; return its id (ExistsError, SlugError,
        LabelError, LimitError)."""
        return self._add(0, slug, label)

    def add_group(self, slug: str, label: Optional[str] = None) -> int:
        """Register a category group; return its id."""
        return self._add(1, slug, label)

    def add_kind(self, slug: str, label: Optional[str] = None) -> int:
        """Register an engagement kind; return its id."""
        return self._add(3, slug, label)

    def add_category(self, slug: str, label: Optional[str] = None,
                     group: Id = "inquiry", expects_answer: bool = True) -> int:
        """Register a message category in `group`; `expects_answer` says
        whether its messages count in the response rate.  Return its id."""
        out = c_uint32()
        status = _ffi.raw.skpi_category_add(
            self._handle(), encode_text(slug, "slug"),
            None if label is None else encode_text(label, "label"), self._G[group],
            1 if expects_answer else 0, byref(out))
        if status:
            raise error_for(status, "skpi_category_add", "cannot add category %r: %s" % (
                slug, _ffi.lib.skpi_strerror(status).decode("utf-8", "replace")))
        return out.value

    def find(self, dim: Union[str, int], slug: str) -> int:
        """The id of `slug` in `dim` ("platform", "group", "category",
        "kind"); NotFoundError if there is none."""
        d = dim_index(dim)
        out = c_uint32()
        status = _ffi.raw.skpi_taxonomy_find(self._handle(), d, encode_text(slug, "slug"),
                                             byref(out))
        if status:
            raise error_for(status, "skpi_taxonomy_find",
                            "unknown %s %r" % (_DIM_NAMES[d], slug))
        return out.value

    def taxonomy_count(self, dim: Union[str, int]) -> int:
        """How many entries `dim` holds."""
        return int(_ffi.lib.skpi_taxonomy_count(self._handle(), dim_index(dim)))

    def slug(self, dim: Union[str, int], id: int) -> str:
        """The slug of entry `id` of `dim` (NotFoundError if there is none)."""
        value = _ffi.lib.skpi_taxonomy_slug(self._handle(), dim_index(dim),
                                            self._caches[dim_index(dim)][id])
        return value.decode("utf-8")

    def label(self, dim: Union[str, int], id: Id) -> str:
        """The UTF-8 label of entry `id` (or slug) of `dim`."""
        d = dim_index(dim)
        value = _ffi.lib.skpi_taxonomy_label(self._handle(), d, self._caches[d][id])
        return value.decode("utf-8")

    def slugs(self, dim: Union[str, int]) -> List[str]:
        """The slugs of `dim`, in id order."""
        h, d = self._handle(), dim_index(dim)
        return [_ffi.lib.skpi_taxonomy_slug(h, d, i).decode("utf-8")
                for i in range(_ffi.lib.skpi_taxonomy_count(h, d))]

    def labels(self, dim: Union[str, int]) -> List[str]:
        """The labels of `dim`, in id order."""
        h, d = self._handle(), dim_index(dim)
        return [_ffi.lib.skpi_taxonomy_label(h, d, i).decode("utf-8")
                for i in range(_ffi.lib.skpi_taxonomy_count(h, d))]

    def taxonomy(self, dim: Union[str, int]) -> List[TaxonomyEntry]:
        """The entries of `dim`: (id, slug, label), in id order."""
        return [TaxonomyEntry(i, s, l)
                for i, (s, l) in enumerate(zip(self.slugs(dim), self.labels(dim)))]

    def category_info(self, category: Id) -> CategoryInfo:
        """A category's group id and whether it expects an answer."""
        group, expects = c_uint32(), c_int()
        _ffi.lib.skpi_category_info(self._handle(), self._C[category], byref(group),
                                    byref(expects))
        return CategoryInfo(group.value, bool(expects.value))

    # -- recording --------------------------------------------------------------
    #
    # The hot path of each call: cached ids (a dict lookup that also checks
    # the int), an inline range check of int times, one ctypes call with
    # argtypes declared once, and the status checked inline (no errcheck).

    def message(self, platform: Id, category: Id, time: TimeLike,
                message_id: Optional[Union[str, bytes]] = None,
                author: Optional[Union[str, bytes]] = None) -> None:
        """Record one message received on `platform` in `category` at `time`.

        With `message_id` (and optionally `author`) this is
        :meth:`message_id`: the message can be answered by :meth:`reply`.
        """
        if message_id is not None:
            return self.message_id(platform, category, time, message_id, author)
        if author is not None:
            raise TypeError("message(): an author needs a message_id")
        if type(time) is not int or not 0 <= time < _TMAX:
            time = to_time(time)
        status = self._rec_message(self._h, self._P[platform], self._C[category], time)
        if status:
            self._fail(status, "skpi_record_message", "message", platform, category, time)
        return None

    def message_id(self, platform: Id, category: Id, time: TimeLike,
                   message_id: Union[str, bytes],
                   author: Optional[Union[str, bytes]] = None) -> None:
        """Record a message with an id (1..256 bytes, unique per platform) so
        that a reply can name it, and optionally its author (counted among
        distinct authors).  DuplicateError if the id was recorded before
        (the duplicate is counted, the message is not)."""
        if type(time) is not int or not 0 <= time < _TMAX:
            time = to_time(time)
        mid = (message_id.encode("utf-8") if type(message_id) is str and "\0" not in message_id
               else encode_id(message_id))
        aid = (None if author is None else author.encode("utf-8")
               if type(author) is str and "\0" not in author else encode_id(author))
        status = self._rec_message_id(self._h, self._P[platform], self._C[category], time,
                                      mid, aid)
        if status:
            self._fail(status, "skpi_record_message_id", "message_id", platform, category,
                       time, message_id, author)

    def reply(self, platform: Id, message_id: Union[str, bytes], time: TimeLike) -> None:
        """Record a reply at `time` to the message `message_id`; the first
        reply is the message's response.  UnmatchedError (no such kept
        message) and OrderError (earlier than the message) are counted as
        anomalies, not applied."""
        if type(time) is not int or not 0 <= time < _TMAX:
            time = to_time(time)
        mid = (message_id.encode("utf-8") if type(message_id) is str and "\0" not in message_id
               else encode_id(message_id))
        status = self._rec_reply(self._h, self._P[platform], mid, time)
        if status:
            self._fail(status, "skpi_record_reply", "reply", platform, message_id, time)

    def response(self, platform: Id, category: Id, received: TimeLike,
                 replied: TimeLike) -> None:
        """Record the first reply, at `replied`, to a message received at
        `received` (matched by the caller; the message itself is recorded
        with :meth:`message`).  OrderError if replied < received."""
        if type(received) is not int or not 0 <= received < _TMAX:
            received = to_time(received)
        if type(replied) is not int or not 0 <= replied < _TMAX:
            replied = to_time(replied)
        status = self._rec_response(self._h, self._P[platform], self._C[category], received,
                                    replied)
        if status:
            self._fail(status, "skpi_record_response", "response", platform, category,
                       received, replied)

    def engagement(self, platform: Id, kind: Id, time: TimeLike, count: int = 1,
                   person: Optional[Union[str, bytes]] = None) -> None:
        """Record `count` engagements of `kind` ("like", "share", "comment",
        ...) with the desk's posts; with `person`, by that person (counted
        among distinct engagers)."""
        if type(time) is not int or not 0 <= time < _TMAX:
            time = to_time(time)
        if type(count) is not int or not 0 < count <= INT64_MAX:
            count = to_count(count)
        if person is None:
            status = self._rec_engagement(self._h, self._P[platform], self._K[kind], time,
                                          count)
            call = "skpi_record_engagement"
        else:
            pid = (person.encode("utf-8") if type(person) is str and "\0" not in person
                   else encode_id(person))
            status = self._rec_engagement_by(self._h, self._P[platform], self._K[kind], time,
                                             count, pid)
            call = "skpi_record_engagement_by"
        if status:
            self._fail(status, call, "engagement", platform, kind, time, count, person)

    def posts(self, platform: Id, time: TimeLike, count: int = 1) -> None:
        """Record `count` posts the desk published."""
        if type(time) is not int or not 0 <= time < _TMAX:
            time = to_time(time)
        if type(count) is not int or not 0 < count <= INT64_MAX:
            count = to_count(count)
        status = self._rec_posts(self._h, self._P[platform], time, count)
        if status:
            self._fail(status, "skpi_record_posts", "posts", platform, time, count)

    #: Alias of :meth:`posts`.
    post = posts

    def followers(self, platform: Id, time: TimeLike, tally: int) -> None:
        """Record a follower tally (a gauge) read at `time`."""
        if type(time) is not int or not 0 <= time < _TMAX:
            time = to_time(time)
        if type(tally) is not int or not 0 <= tally <= 0x3FFFFFFFFFFF:
            tally = to_tally(tally)
        status = self._rec_followers(self._h, self._P[platform], time, tally)
        if status:
            self._fail(status, "skpi_record_followers", "followers", platform, time, tally)

    def follower(self, platform: Id, time: TimeLike, person: Union[str, bytes]) -> None:
        """Record that `person` was seen following on `platform` at `time`
        (for the distinct audience across platforms)."""
        if type(time) is not int or not 0 <= time < _TMAX:
            time = to_time(time)
        pid = (person.encode("utf-8") if type(person) is str and "\0" not in person
               else encode_id(person))
        status = self._rec_follower(self._h, self._P[platform], time, pid)
        if status:
            self._fail(status, "skpi_record_follower", "follower", platform, time, person)

    def rating(self, platform: Id, time: TimeLike, score: int) -> None:
        """Record one satisfaction rating (RatingError outside the scale)."""
        if type(time) is not int or not 0 <= time < _TMAX:
            time = to_time(time)
        if type(score) is not int or not -2147483648 <= score <= 2147483647:
            score = to_score(score)
        status = self._rec_rating(self._h, self._P[platform], time, score)
        if status:
            self._fail(status, "skpi_record_rating", "rating", platform, time, score)

    def record_many(self, events: Optional[Iterable[Sequence[Any]]] = None,
                    event: Optional[str] = None, *, strict: bool = False,
                    **columns: Any) -> int:
        """Record a batch of events; return how many were processed.

        Three forms::

            t.record_many([("message", "twitter", "help_request", t0),
                           ("response", "twitter", "help_request", t0, t0 + 600),
                           ("engagement", 0, "like", t0, 25)])
            t.record_many(rows, event="message")  # rows of (platform, category, time)
            t.record_many(event="message", platform=plats, category=cats, time=times)

        Events and their parameters (the order of a row, the names of the
        columns)::

            message        platform, category, time
            message_id     platform, category, time, message_id, author
            reply          platform, message_id, time
            response       platform, category, received, replied
            engagement     platform, kind, time, count
            engagement_by  platform, kind, time, count, person
            posts          platform, time, count        ("post" works too)
            followers      platform, time, tally
            follower       platform, time, person
            rating         platform, time, score

        Rows may also be shorter or longer where the one-event method
        allows it (count 1, no author; an engagement row with a person).
        Columns are sequences, ``array`` buffers (or other writable
        buffers) of the C type -- uint32 ``"I"`` ids, int64 ``"q"`` times,
        counts, tallies and scores -- which pass without a copy, or a
        scalar repeated for every event; ``count`` defaults to 1 and
        ``author`` to None.  Taxonomy columns take ids and slugs alike
        (each distinct slug is looked up once).

        Events refused but counted (DuplicateError from message_id,
        UnmatchedError and OrderError from reply) do not stop the batch
        unless `strict` is true.  Any other error stops it and is raised
        with ``.index`` set to the failing event; the events before it stay
        recorded (the library has no transactions).  Events are recorded
        in order, so replies may follow their messages in one batch.

        Columns, and runs of rows of one kind, are recorded by
        ``skpi_record_batch()``: one C call per 65,536 events
        (python/README.md gives rates).
        """
        h = self._handle()
        if event is None:
            if columns:
                raise TypeError("record_many(): columns need event=...")
            if events is None:
                raise TypeError("record_many() needs events, or event= with columns")
            return self._record_mixed(events, strict)
        if event == "post":
            event = "posts"
        if event not in _batch.KINDS:
            raise ValueError("unknown event %r (%s)" % (event, ", ".join(_batch.KINDS)))
        if events is not None:
            if columns:
                raise TypeError("record_many(): give rows or columns, not both")
            return self._record_run(event, iter(events), strict, 0, 0)
        cols, n = _batch.make_columns(event, columns, self._id_caches())
        return _batch.record_columns(h, event, cols, n, strict)

    def _id_caches(self) -> Dict[str, Any]:
        """The id caches by column code (platform, category, kind)."""
        return {"P": self._P, "C": self._C, "K": self._K}

    def _record_run(self, kind: str, rows: Iterator[Sequence[Any]], strict: bool, skip: int,
                    start: int) -> int:
        """Record rows of one kind whose parameters start at item `skip`;
        `start` is the index of the first.  Chunks of uniform rows go
        through skpi_record_batch(); short runs and odd rows through the
        loop of calls.  Returns the index after the last row."""
        h = self._handle()
        i = start
        while True:
            part = list(islice(rows, _batch.CHUNK))
            if not part:
                return i
            cols = (_batch.columns_of_rows(kind, part, skip)
                    if len(part) >= _batch.SHORT_RUN else None)
            if cols is not None:
                columns, n = _batch.make_columns(kind, cols, self._id_caches())
                i += _batch.record_columns(h, kind, columns, n, strict, i)
                continue
            source = map(itemgetter(slice(skip, None)), part) if skip else part
            i = _batch.row_loop[kind](source, h, self._rec[kind], self._P, self._C, self._K,
                                      _batch.fail_factory(kind, strict),
                                      self._slow(kind, strict), i)

    def _slow(self, kind: str, strict: bool) -> Callable[[Any, int], int]:
        """Record one event through its method (precise errors, defaults)."""
        if kind == "engagement_by":
            method: Callable[..., None] = self.engagement
        else:
            method = getattr(self, kind)

        def slow(row: Any, index: int) -> int:
            """Record row `index` through the method; return 0 or raise."""
            try:
                method(*row)
            except SocialKPIError as e:
                if not strict and _batch.is_counted(kind, e):
                    return 0
                e.index = index
                raise
            except (TypeError, ValueError) as e:
                raise _batch._annotate(e, index) from e
            return 0

        return slow

    def _record_mixed(self, events: Iterable[Sequence[Any]], strict: bool) -> int:
        """record_many() of rows that start with their event kind: each run
        of one kind in turn (order matters: a reply follows its message).
        Short runs, the common case of interleaved kinds, go straight to
        the loop of calls."""
        h = self._handle()
        P, C, K = self._P, self._C, self._K
        rest = itemgetter(slice(1, None))
        helpers: Dict[Any, Any] = {}
        short = _batch.SHORT_RUN
        i = 0
        for kind, run in groupby(events, key=_kind_of):
            try:
                name, loop, f, fail, slow = helpers[kind]
            except (KeyError, TypeError):
                name = "posts" if kind == "post" else kind
                if not isinstance(name, str) or name not in _batch.KINDS:
                    raise ValueError("event %d: unknown event %r (%s)"
                                     % (i, kind, ", ".join(_batch.KINDS))) from None
                helpers[kind] = name, loop, f, fail, slow = (
                    name, _batch.row_loop[name], self._rec[name],
                    _batch.fail_factory(name, strict), self._slow(name, strict))
            head = list(islice(run, short))
            if len(head) < short:
                i = loop(map(rest, head), h, f, P, C, K, fail, slow, i)
            else:
                i = self._record_run(name, chain(head, run), strict, 1, i)
        return i

    # -- times and periods -------------------------------------------------------

    def format_time(self, time: TimeLike) -> str:
        """`time` as local ISO 8601 in the tracker's zone."""
        seconds = parse_time(time) if isinstance(time, str) else to_instant(time)
        buf = create_string_buffer(32)
        _ffi.lib.skpi_time_format(self._handle(), seconds, buf, len(buf))
        return buf.value.decode("ascii")

    def period(self, text: str) -> Tuple[int, int]:
        """Parse a period ("2024", "2024-H1", "2024-Q2", "2024-03",
        "2024-W09", "2024-03-01", "A/B") into [start, end) Unix seconds in
        the tracker's zone."""
        a, b = c_int64(), c_int64()
        status = _ffi.raw.skpi_period_parse(self._handle(), encode_text(text, "period"),
                                            byref(a), byref(b))
        if status:
            raise error_for(status, "skpi_period_parse", "period %r: %s" % (
                text, _ffi.lib.skpi_strerror(status).decode("utf-8", "replace")))
        return a.value, b.value

    def previous_period(self, start: TimeLike, end: TimeLike) -> Tuple[int, int]:
        """The period before [start, end) of equal length (skpi_period_previous)."""
        a, b = c_int64(), c_int64()
        _ffi.lib.skpi_period_previous(self._handle(), self._bound(start), self._bound(end),
                                      byref(a), byref(b))
        return a.value, b.value

    def year_earlier(self, start: TimeLike, end: TimeLike) -> Tuple[int, int]:
        """The same period a year earlier (skpi_period_year_earlier)."""
        a, b = c_int64(), c_int64()
        _ffi.lib.skpi_period_year_earlier(self._handle(), self._bound(start),
                                          self._bound(end), byref(a), byref(b))
        return a.value, b.value

    def _bound(self, value: Any) -> int:
        """A range end: like a time, but a date string ("2024-07-01") or a
        named period means its start (local midnight), and ends a little
        outside the recordable span are left for the library to judge."""
        if isinstance(value, str):
            try:
                return parse_time(value)
            except SocialKPIError:
                return self.period(value)[0]
        if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
            return self.period(value.isoformat())[0]
        return to_instant(value)

    def _range(self, period: Any, start: Any, end: Any) -> Tuple[int, int]:
        """A report's [start, end) from a period, from start and end, or,
        when none is given, the tracker's extent() (NoDataError if the
        tracker holds no events)."""
        if period is None and start is None and end is None:
            extent = self.extent()
            if extent is None:
                raise NoDataError("the tracker holds no events: give a period, or start "
                                  "and end, for an empty report")
            return extent
        if period is not None:
            if start is not None or end is not None:
                raise TypeError("give a period or start and end, not both")
            if isinstance(period, str):
                return self.period(period)
            if isinstance(period, _dt.date) and not isinstance(period, _dt.datetime):
                return self.period(period.isoformat())
            try:
                start, end = period
            except (TypeError, ValueError):
                raise TypeError("a period is a str such as '2024-H1' or a (start, end) "
                                "pair, not %r" % (period,)) from None
        if start is None or end is None:
            raise TypeError("a report needs a period, both start and end, or neither "
                            "(every bucket that holds data)")
        return self._bound(start), self._bound(end)

    def _platform_ids(self, platforms: Any) -> Tuple[Any, int]:
        """The platform filter of a report as a C array and its length."""
        if platforms is None:
            return None, 0
        if isinstance(platforms, (str, int)):
            platforms = [platforms]
        ids = [self._P[p] for p in platforms]
        if not ids:
            raise ValueError("platforms is empty: give None for every platform")
        return (c_uint32 * max(1, len(ids)))(*ids), len(ids)

    # -- reports ---------------------------------------------------------------
    #
    # Every report method takes its range the same way: `period` (a name
    # such as "2024-H1", a datetime.date, or a (start, end) pair), or
    # `start` and `end` (times, or dates meaning local midnight), or none
    # of them: then the range is extent(), every bucket that holds data (as
    # `skpi report` without --period), and an empty tracker raises
    # NoDataError.  `platforms` (ids or slugs; all by default) filters.

    def extent(self) -> Optional[Tuple[int, int]]:
        """The smallest range of whole buckets ``(start, end)``, in Unix
        seconds, that holds every event recorded and every waiting message
        (skpi_tracker_extent); None when the tracker holds nothing.  The
        report methods use it when given no range."""
        a, b = c_int64(), c_int64()
        status = _ffi.raw.skpi_tracker_extent(self._handle(), byref(a), byref(b))
        if status == NoDataError.status:
            return None
        if status:
            raise error_for(status, "skpi_tracker_extent")
        return a.value, b.value

    def report_json(self, period: Any = None, *, start: Optional[TimeLike] = None,
                    end: Optional[TimeLike] = None, platforms: Any = None,
                    pretty: bool = False, change: bool = True) -> str:
        """The JSON report (doc/report-json.md) of `period` (a name such as
        "2024-H1", or a (start, end) pair) or of [start, end), or, with no
        range, of extent(); for `platforms` (ids or slugs; all by default),
        as a str.  `pretty` indents it; `change=False` leaves out the
        comparison with earlier periods."""
        a, b = self._range(period, start, end)
        arr, n = self._platform_ids(platforms)
        flags = (_JSON_PRETTY if pretty else 0) | (0 if change else _JSON_NO_CHANGE)
        out, length = c_void_p(), c_size_t()
        _ffi.lib.skpi_report_json(self._handle(), a, b, arr, n, flags, byref(out),
                                  byref(length))
        return _ffi.take_buffer(out, length.value).decode("utf-8")

    def report(self, period: Any = None, *, start: Optional[TimeLike] = None,
               end: Optional[TimeLike] = None, platforms: Any = None,
               change: bool = True) -> Dict[str, Any]:
        """The report as a dict: ``json.loads(report_json(...))``, with the
        same arguments.  Rates without a denominator are None."""
        return json.loads(self.report_json(period, start=start, end=end,
                                           platforms=platforms, change=change))

    def new_report(self, period: Any = None, *, start: Optional[TimeLike] = None,
                   end: Optional[TimeLike] = None, platforms: Any = None) -> Report:
        """A :class:`Report` (skpi_report_new) of the range, for the typed getters."""
        a, b = self._range(period, start, end)
        arr, n = self._platform_ids(platforms)
        h = self._handle()
        out = c_void_p()
        _ffi.lib.skpi_report_new(h, a, b, arr, n, byref(out))
        slugs = []
        for d in range(4):
            count = _ffi.lib.skpi_report_taxonomy_count(out.value, d)
            slugs.append([_ffi.lib.skpi_taxonomy_slug(h, d, i).decode("utf-8")
                          for i in range(count)])
        return Report(out.value, slugs)

    def _write(self, call: Any, period: Any, start: Any, end: Any, platforms: Any,
               flags: int) -> str:
        """Run a report writer (skpi_report_csv, _openmetrics, _html) over
        the range and platforms; return its text."""
        a, b = self._range(period, start, end)
        arr, n = self._platform_ids(platforms)
        out, length = c_void_p(), c_size_t()
        call(self._handle(), a, b, arr, n, flags, byref(out), byref(length))
        return _ffi.take_buffer(out, length.value).decode("utf-8")

    def to_csv(self, period: Any = None, *, start: Optional[TimeLike] = None,
               end: Optional[TimeLike] = None, platforms: Any = None) -> str:
        """The report as CSV for spreadsheets (skpi_report_csv,
        doc/report-csv.md): RFC 4180 with CRLF line ends and a header row,
        one row per bucket x platform x category.  The range and platforms
        are report()'s (no range: extent()).  Write it with
        ``open(p, "w", newline="")`` to keep the CRLFs as they are."""
        return self._write(_ffi.lib.skpi_report_csv, period, start, end, platforms, 0)

    def openmetrics(self, period: Any = None, *, start: Optional[TimeLike] = None,
                    end: Optional[TimeLike] = None, platforms: Any = None,
                    prometheus: bool = False) -> str:
        """The report as OpenMetrics 1.0 text ending in ``# EOF``
        (skpi_report_openmetrics, doc/openmetrics.md), or, with
        `prometheus`, the Prometheus text format 0.0.4.  Serve it with
        :data:`OPENMETRICS_CONTENT_TYPE` or :data:`PROMETHEUS_CONTENT_TYPE`.
        The range and platforms are report()'s; with no range it is
        extent(), whose start moves only when earlier events arrive, so the
        counters of successive scrapes only grow, as Prometheus expects."""
        return self._write(_ffi.lib.skpi_report_openmetrics, period, start, end, platforms,
                           _OPENMETRICS_PROMETHEUS if prometheus else 0)

    def to_html(self, period: Any = None, *, start: Optional[TimeLike] = None,
                end: Optional[TimeLike] = None, platforms: Any = None,
                change: bool = True) -> str:
        """The report as one self-contained HTML page (skpi_report_html,
        doc/report-html.md): KPI tiles, charts and tables, no script.
        `change=False` leaves out the change against earlier periods
        (SKPI_HTML_NO_CHANGE).  The range and platforms are report()'s (no
        range: extent())."""
        return self._write(_ffi.lib.skpi_report_html, period, start, end, platforms,
                           0 if change else _HTML_NO_CHANGE)

    # -- CSV event logs ----------------------------------------------------------

    def ingest_csv(self, source: CSVSource, *, strict: bool = True,
                   allow_new: bool = False, max_rejects: int = 100) -> IngestResult:
        """Read a CSV event log (doc/csv-events.md) into this tracker.

        `source` is a path (str or os.PathLike; the library reads the
        file), bytes-like data (bytes, bytearray, memoryview, array, mmap),
        or a binary file object (``open(p, "rb")``, ``io.BytesIO``,
        ``sys.stdin.buffer``, ``gzip.open(p)``...), read in chunks through
        a streaming reader: memory does not grow with the input.  A str is
        always a path; give CSV text as bytes.

        `strict` (the default) applies the whole input or nothing: if a row
        is bad, the tracker is left exactly as it was and the first bad
        row's error is raised -- CSVSyntaxError, EncodingError, FieldError,
        ParseError, TimeRangeError, CountError, ... -- with ``.line``,
        ``.column``, ``.offset`` and ``.field`` set and ``.result`` the
        :class:`IngestResult` (every bad row among its rejects).  Strict
        mode refuses a journalled tracker (JournalError): use
        ``strict=False``, which records row by row through the journal.

        With ``strict=False`` the good rows are applied and the bad ones
        skipped and returned in ``rejects``.  In both modes an error in the
        header row (a missing or doubled column, bad UTF-8) or an input
        without one raises, with ``.result``; an I/O error of the source
        propagates (in lenient mode the rows read before stay applied).

        `allow_new` registers unknown platforms, categories (group
        "inquiry", expecting an answer) and engagement kinds instead of
        refusing their rows.  `max_rejects` bounds the rejects kept (the
        counts are always complete).

        Rows the tracker refuses but counts (duplicate message ids, replies
        to unknown ids or earlier than their message) are applied and
        counted in ``anomalies``.  A strict ingestion needs the tracker to
        itself: no other thread may record into it meanwhile (as for
        merge()); a lenient one may run alongside other threads.
        """
        h = self._handle()
        if isinstance(max_rejects, bool) or not isinstance(max_rejects, int):
            raise TypeError("max_rejects must be an int, not %s" % type(max_rejects).__name__)
        if max_rejects < 0:
            raise ValueError("max_rejects %d is negative" % max_rejects)
        flags = (0 if strict else CSV_LENIENT) | (CSV_ALLOW_NEW if allow_new else 0)
        return ingest(h, source, flags, max_rejects, bool(strict))

    # -- snapshots and merge ---------------------------------------------------

    def to_bytes(self) -> bytes:
        """The whole tracker as a snapshot (doc/snapshot-format.md): the same
        state always gives the same bytes."""
        out, length = c_void_p(), c_size_t()
        _ffi.lib.skpi_tracker_to_bytes(self._handle(), byref(out), byref(length))
        return _ffi.take_buffer(out, length.value)

    @classmethod
    def from_bytes(cls, data: Union[bytes, bytearray, memoryview]) -> "Tracker":
        """Rebuild a tracker from a snapshot's bytes.  Damage raises a
        DataError subclass (FormatError, VersionError, ChecksumError,
        TruncatedError, CorruptError) with ``.offset``."""
        if not isinstance(data, bytes):
            data = bytes(data)
        out = c_void_p()
        err = _ffi.SkpiError()
        status = _ffi.raw.skpi_tracker_from_bytes(data, len(data), byref(out), byref(err))
        if status:
            raise error_for(status, "skpi_tracker_from_bytes", err=err)
        return cls._wrap(out.value)

    def save(self, path: PathLike) -> None:
        """Save a snapshot to `path` atomically (IOFailureError on failure)."""
        err = _ffi.SkpiError()
        status = _ffi.raw.skpi_tracker_save(self._handle(), encode_path(path), byref(err))
        if status:
            raise error_for(status, "skpi_tracker_save", err=err)

    @classmethod
    def load(cls, path: PathLike) -> "Tracker":
        """Load a snapshot saved by save() (IOFailureError if it cannot be
        read; DataError subclasses for damage)."""
        out = c_void_p()
        err = _ffi.SkpiError()
        status = _ffi.raw.skpi_tracker_load(encode_path(path), byref(out), byref(err))
        if status:
            raise error_for(status, "skpi_tracker_load", err=err)
        return cls._wrap(out.value)

    def merge(self, *others: "Tracker") -> "Tracker":
        """Merge other trackers into this one (counts add, sketches merge,
        taxonomies unite by slug); return self.  IncompatibleError when
        zone, buckets, scale, SLA, sketches or business hours differ.  Not
        journalled: checkpoint() after merging into a journalled tracker."""
        h = self._handle()
        for other in others:
            if not isinstance(other, Tracker):
                raise TypeError("can only merge a Tracker, not %s" % type(other).__name__)
            if other is self:
                raise ValueError("cannot merge a tracker into itself")
            _ffi.lib.skpi_tracker_merge(h, other._handle())
        return self

    # -- journal ---------------------------------------------------------------

    @classmethod
    def open_journal(cls, path: PathLike, fsync: Union[str, int] = "always", *,
                     repair: bool = False, **options: Any) -> "Tracker":
        """Open the durable tracker stored at `path`: load the snapshot
        `path` if it exists (else create a tracker with `options`, the
        arguments of Tracker(), and save its snapshot there at once, so the
        options are kept: they are ignored once a snapshot exists), replay
        `path`.journal, and journal every later change there.

        `fsync` is "always", "everysec" or "none" (doc/durability.md).  A
        torn tail is cut and described in ``journal_recovery``; damage in
        the middle raises CorruptError (with ``.offset``) unless `repair`.
        """
        if isinstance(fsync, str):
            if fsync not in FSYNC:
                raise OptionError("unknown fsync policy %r (%s)" % (fsync, ", ".join(FSYNC)))
            code = FSYNC[fsync]
        else:
            code = _int_option(fsync, "fsync", -2 ** 31, 2 ** 31 - 1)
        o = _options(**options) if options else None
        t, j = c_void_p(), c_void_p()
        err = _ffi.SkpiError()
        try:
            status = _ffi.raw.skpi_journal_open(encode_path(path), o, code,
                                                _JOURNAL_REPAIR if repair else 0,
                                                byref(t), byref(j), byref(err))
        finally:
            if o is not None:
                _ffi.lib.skpi_options_free(o)
        if status:
            raise error_for(status, "skpi_journal_open", err=err)
        obj = cls._wrap(t.value, j.value)
        obj.journal_path = os.fsdecode(path)
        if err.text:
            obj.journal_recovery = JournalRecovery(int(err.offset),
                                                   err.text.decode("utf-8", "replace"))
        return obj

    def _journal(self) -> int:
        """The journal's handle; ValueError without one."""
        j = self._j
        if j is None:
            raise ValueError("this Tracker has no journal (see Tracker.open_journal)")
        return j

    @property
    def journal_seq(self) -> Optional[int]:
        """Sequence number of the last journal record (None without a journal)."""
        if self._j is None:
            return None
        return int(_ffi.lib.skpi_journal_seq(self._j))

    def checkpoint(self) -> None:
        """Write a new snapshot at the journal's path and start an empty journal."""
        err = _ffi.SkpiError()
        status = _ffi.raw.skpi_journal_checkpoint(self._journal(), byref(err))
        if status:
            raise error_for(status, "skpi_journal_checkpoint", err=err)

    def sync(self) -> None:
        """Flush the journal to stable storage now."""
        _ffi.lib.skpi_journal_sync(self._journal())

    def close_journal(self) -> None:
        """Flush and close the journal; the tracker stays open, unjournalled.
        Must not run while other threads record."""
        j = self._journal()
        self._j = None
        self._bind_recorders()
        status = self._journal_close(j)
        if status:
            raise error_for(status, "skpi_journal_close")


def _kind_of(event: Sequence[Any]) -> Any:
    """The event kind of a mixed row (its first item)."""
    try:
        return event[0]
    except (TypeError, IndexError, KeyError):
        raise TypeError("record_many(): an event is a tuple (event, ...), not %r"
                        % (event,)) from None


def _from_snapshot(data: bytes) -> Tracker:
    """Unpickle a Tracker (see Tracker.__reduce__)."""
    return Tracker.from_bytes(data)


_from_snapshot.__module__ = "socialkpi.tracker"

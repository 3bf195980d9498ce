"""Conversions from Python values to what the C calls take.

ctypes silently wraps integers that do not fit a C type (2**32 passed as a
``uint32_t`` becomes 0), so every integer is range-checked here or by an
id cache before it reaches the library.
"""

from __future__ import annotations

import ctypes
import datetime as _dt
import math
import operator
import os
from typing import Any, Union

from . import _ffi
from .errors import (CountError, CounterOverflowError, IdError,
                     InvalidArgumentError, RatingError, TimeRangeError,
                     error_for)

__all__ = ["TIME_MIN", "TIME_MAX", "INT64_MAX", "FOLLOWERS_MAX", "TimeLike",
           "to_time", "to_instant", "to_count", "to_tally", "to_score", "encode_id",
           "encode_text", "encode_path", "parse_time"]

TIME_MIN = 0                      # SKPI_TIME_MIN, 1970-01-01T00:00:00Z
TIME_MAX = 7258118400             # SKPI_TIME_MAX, 2200-01-01T00:00:00Z (exclusive)
INT64_MAX = (1 << 63) - 1
INT64_MIN = -(1 << 63)
INT_MAX = (1 << 31) - 1
FOLLOWERS_MAX = (1 << 46) - 1     # SKPI_FOLLOWERS_MAX

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)

#: What the recording and report calls accept as a time.
TimeLike = Union[int, float, str, _dt.datetime]


def parse_time(text: str) -> int:
    """Parse an ISO 8601 time with a zone ("2024-03-05T10:12:00+04:00") or
    Unix seconds ("1704067200") with ``skpi_time_parse()``; return Unix
    seconds.  Raises ParseError or TimeRangeError."""
    if not isinstance(text, str):
        raise TypeError("parse_time() takes a str, not %s" % type(text).__name__)
    out = ctypes.c_int64()
    status = _ffi.raw.skpi_time_parse(encode_text(text, "time"), ctypes.byref(out))
    if status:
        raise error_for(status, "skpi_time_parse",
                        "cannot use time %r: %s" % (text, _reason(status)))
    return out.value


def _reason(status: int) -> str:
    """The library's sentence for `status`."""
    return _ffi.lib.skpi_strerror(status).decode("utf-8", "replace")


def to_time(value: Any) -> int:
    """Convert a time to Unix seconds in [TIME_MIN, TIME_MAX).

    Accepts int seconds, float seconds (rounded down), aware
    ``datetime.datetime`` objects (fractions of a second are dropped toward
    the earlier second, as the C parser does) and ISO 8601 strings with a
    zone.  A naive datetime raises ValueError: its instant is ambiguous.
    TimeRangeError for a time outside [TIME_MIN, TIME_MAX).
    """
    if isinstance(value, str):
        return parse_time(value)
    seconds = to_instant(value)
    if not TIME_MIN <= seconds < TIME_MAX:
        raise TimeRangeError("time %r lies outside 1970-01-01T00:00:00Z.."
                             "2200-01-01T00:00:00Z" % (value,))
    return seconds


def to_instant(value: Any) -> int:
    """Convert an int, float or aware datetime to Unix seconds, checking
    only that the result fits int64 (report ranges may reach a little
    beyond the recordable span; the library checks them)."""
    if type(value) is int:
        seconds = value
    elif isinstance(value, _dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                "naive datetime %s has no time zone, so its instant is ambiguous; "
                "give it one, e.g. .replace(tzinfo=datetime.timezone.utc) or "
                ".astimezone()" % value.isoformat())
        delta = value - _EPOCH
        seconds = delta.days * 86400 + delta.seconds
    elif isinstance(value, bool):
        raise TypeError("a time must be int seconds, a datetime or a str, not bool")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise TimeRangeError("time %r is not a finite number" % value)
        seconds = math.floor(value)
    elif isinstance(value, _dt.date):
        raise TypeError("a date (%s) is not an instant; use a datetime with a zone, "
                        "or Tracker.period('%s') for the whole day" % (value, value))
    else:
        try:
            seconds = operator.index(value)
        except TypeError:
            raise TypeError("a time must be int seconds, an aware datetime or an ISO "
                            "8601 str, not %s" % type(value).__name__) from None
    if not INT64_MIN <= seconds <= INT64_MAX:
        raise TimeRangeError("time %r does not fit int64" % (value,))
    return seconds


def to_count(value: Any) -> int:
    """Check an event count: an int in 1..INT64_MAX (CountError for <= 0,
    CounterOverflowError beyond int64)."""
    value = _int(value, "a count")
    if value <= 0:
        raise CountError("count %d must be positive" % value)
    if value > INT64_MAX:
        raise CounterOverflowError("count %d does not fit int64" % value)
    return value


def to_tally(value: Any) -> int:
    """Check a follower tally: an int in 0..FOLLOWERS_MAX."""
    value = _int(value, "a follower tally")
    if value < 0:
        raise CountError("follower tally %d is negative" % value)
    if value > FOLLOWERS_MAX:
        raise CounterOverflowError("follower tally %d exceeds %d" % (value, FOLLOWERS_MAX))
    return value


def to_score(value: Any) -> int:
    """Check a rating score: an int that fits a C int (the tracker checks
    its scale)."""
    value = _int(value, "a rating")
    if not -INT_MAX - 1 <= value <= INT_MAX:
        raise RatingError("rating %d lies outside the tracker's scale" % value)
    return value


def _int(value: Any, what: str) -> int:
    """Accept an int (or an __index__ object, not bool) for `what`."""
    if type(value) is int:
        return value
    if isinstance(value, bool):
        raise TypeError("%s must be an int, not bool" % what)
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError("%s must be an int, not %s" % (what, type(value).__name__)) from None


def encode_id(value: Any) -> bytes:
    """Encode a message, author or person id as UTF-8 bytes.

    str is encoded, bytes pass as they are.  An id holding a NUL character
    raises IdError (C would see it cut short); the library refuses empty
    ids and ids over 256 bytes itself (also IdError).
    """
    if type(value) is str:
        data = value.encode("utf-8")
    elif isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        data = str(value).encode("ascii")
    else:
        raise TypeError("an id must be a str or bytes, not %s" % type(value).__name__)
    if b"\0" in data:
        raise IdError("id %r holds a NUL character" % (value,))
    return data


def encode_text(value: Any, what: str) -> bytes:
    """Encode a slug, label, zone, period or time text as UTF-8 bytes
    (InvalidArgumentError if it holds a NUL character)."""
    if isinstance(value, str):
        data = value.encode("utf-8")
    elif isinstance(value, bytes):
        data = value
    else:
        raise TypeError("%s must be a str, not %s" % (what, type(value).__name__))
    if b"\0" in data:
        raise InvalidArgumentError("%s %r holds a NUL character" % (what, value))
    return data


def encode_path(path: Union[str, bytes, "os.PathLike[Any]"]) -> bytes:
    """Encode a file system path (str, bytes or os.PathLike) for the C calls."""
    data = os.fsencode(path)
    if b"\0" in data:
        raise ValueError("embedded null byte in path %r" % (path,))
    return data

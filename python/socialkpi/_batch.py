"""Recording many events from Python: the machinery behind Tracker.record_many().

A ctypes call costs some half a microsecond and recording an event some
16 ns, so calling the library once per event spends nearly all its time
crossing into C.  ``skpi_record_batch()`` takes columns instead -- one C
array per parameter, ids as one byte string and an array of end offsets --
and records them all in one call.  This module builds those columns:

- ``array`` buffers (and other writable buffers) of the C type -- uint32
  ``"I"`` ids, int64 ``"q"`` times, counts and scores -- are passed as they
  are, without a copy;
- sequences are converted at C speed (``array(typecode, values)``, which
  also checks that every integer fits its C type); taxonomy slugs go
  through the tracker's id cache, so each distinct slug is looked up once;
  ids are joined into one ``bytes`` object;
- a value that the fast conversion refuses (an ISO time, a datetime, an
  unknown slug, an int out of range) sends its part of the column through
  the one-value converters of the recording methods, which either convert
  it or raise the error the method would raise;
- columns are processed in chunks of :data:`CHUNK` events, so that the
  converted copies stay small and an error's index is found without
  converting the rest.

When a chunk holds a value that cannot be converted, the events before it
are recorded and its error is raised with ``.index`` set, exactly as one
call per event would have done.  The library checks everything else (ids,
time range, counts, scores) and reports the failing event's index.

Rows (tuples of one event's parameters) are transposed into columns when a
chunk of them is uniform; otherwise, and for short runs of mixed rows, a
loop of one ctypes call per row does the work: one loop per event kind,
specialised from a small spec (the way ``collections.namedtuple`` builds
its methods), whose odd rows fall back to the tracker's one-event method.
"""

from __future__ import annotations

import datetime as _dt
import sys
from array import array
from ctypes import (Structure, addressof, byref, c_char, c_char_p, c_int, c_size_t,
                    c_uint64, c_void_p, sizeof)
from itertools import accumulate, islice
from operator import itemgetter
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from . import _convert, _ffi
from .errors import (AnomalyError, OrderError, SocialKPIError, by_name,
                     error_for)

__all__ = ["KINDS", "PARAMS", "CHUNK", "row_loop", "make_columns", "record_columns",
           "columns_of_rows", "U32"]

# uint32_t, int64_t and size_t array typecodes of this platform.
U32 = "I" if array("I").itemsize == 4 else "L"
I64 = "q"
SIZE = next(code for code in ("I", "L", "Q") if array(code).itemsize == sizeof(c_size_t))

#: Events per skpi_record_batch() call (and per converted chunk of a column).
CHUNK = 65536
#: Runs of mixed rows shorter than this go through the loop of calls: for
#: them, building columns costs more than it saves.
SHORT_RUN = 24

#: kind -> (C function, parameters as "name:code").  Codes: P platform,
#: C category, K engagement kind (taxonomy ids or slugs), T time, N count,
#: F follower tally, S rating score, I id (message or person), O optional id.
KINDS: Dict[str, Tuple[str, Tuple[str, ...]]] = {
    "message": ("skpi_record_message", ("platform:P", "category:C", "time:T")),
    "message_id": ("skpi_record_message_id",
                   ("platform:P", "category:C", "time:T", "message_id:I", "author:O")),
    "reply": ("skpi_record_reply", ("platform:P", "message_id:I", "time:T")),
    "response": ("skpi_record_response",
                 ("platform:P", "category:C", "received:T", "replied:T")),
    "engagement": ("skpi_record_engagement", ("platform:P", "kind:K", "time:T", "count:N")),
    "engagement_by": ("skpi_record_engagement_by",
                      ("platform:P", "kind:K", "time:T", "count:N", "person:I")),
    "posts": ("skpi_record_posts", ("platform:P", "time:T", "count:N")),
    "followers": ("skpi_record_followers", ("platform:P", "time:T", "tally:F")),
    "follower": ("skpi_record_follower", ("platform:P", "time:T", "person:I")),
    "rating": ("skpi_record_rating", ("platform:P", "time:T", "score:S")),
}

#: kind -> parameter names, in order.
PARAMS: Dict[str, Tuple[str, ...]] = {
    kind: tuple(p.split(":")[0] for p in params) for kind, (_, params) in KINDS.items()
}

#: Column defaults.
DEFAULTS: Dict[str, Any] = {"count": 1, "author": None}

# Statuses that refuse an event but count it (the C side has recorded the
# anomaly): they do not stop a batch unless strict=True.
_DUP = by_name["SKPI_EDUPLICATE"].status
_UNM = by_name["SKPI_EUNMATCHED"].status
_ORD = by_name["SKPI_EORDER"].status
ANOMALIES: Dict[str, frozenset] = {
    "message_id": frozenset([_DUP]),
    "reply": frozenset([_UNM, _ORD]),
}

# The inline fast-path check of each value code; `{x}` is the variable.
_FAST = {
    "P": "P[{x}]",
    "C": "C[{x}]",
    "K": "K[{x}]",
    "T": "({x} if type({x}) is int and 0 <= {x} < TMAX else T({x}))",
    "N": "({x} if type({x}) is int and 0 < {x} <= I64MAX else N({x}))",
    "F": "({x} if type({x}) is int and 0 <= {x} <= FMAX else F({x}))",
    "S": "({x} if type({x}) is int and -2147483648 <= {x} <= 2147483647 else S({x}))",
    "I": "({x}.encode() if type({x}) is str and '\\0' not in {x} else I({x}))",
    "O": "(None if {x} is None else {x}.encode() if type({x}) is str and '\\0' not in {x} "
         "else I({x}))",
}

_ROW_TEMPLATE = """\
def loop(rows, h, f, P, C, K, fail, slow, start):
    i = start
    for row in rows:
        try:
            {names}, = row
            st = f(h, {args})
        except Exception:
            st = slow(row, i)
        if st:
            fail(st, i, row)
        i += 1
    return i
"""

_GLOBALS = {
    "TMAX": _convert.TIME_MAX,
    "I64MAX": _convert.INT64_MAX,
    "FMAX": _convert.FOLLOWERS_MAX,
    "T": _convert.to_time,
    "N": _convert.to_count,
    "F": _convert.to_tally,
    "S": _convert.to_score,
    "I": _convert.encode_id,
    "type": type,
    "int": int,
    "str": str,
    "Exception": Exception,
}


def _compile(template: str, kind: str) -> Callable[..., int]:
    """Build the loop of one event kind from a template (see the module doc)."""
    _, params = KINDS[kind]
    names = []
    args = []
    for i, p in enumerate(params):
        name, code = p.split(":")
        var = "a%d" % i
        names.append(var)
        args.append(_FAST[code].format(x=var))
    source = template.format(names=", ".join(names), args=", ".join(args))
    namespace: Dict[str, Any] = {}
    exec(compile(source, "<socialkpi record_many %s>" % kind, "exec"),
         dict(_GLOBALS), namespace)
    return namespace["loop"]


#: kind -> loop over rows (tuples of the kind's parameters).
row_loop = {kind: _compile(_ROW_TEMPLATE, kind) for kind in KINDS}


def _annotate(e: BaseException, index: int) -> BaseException:
    """Attach the batch position `index` to an exception (or a copy of it)."""
    if isinstance(e, SocialKPIError):
        e.index = index
        return e
    try:
        return type(e)("event %d: %s" % (index, e))
    except Exception:  # pragma: no cover - exotic exception constructors
        return e

# ===========================================================================
# Columns and skpi_record_batch()
# ===========================================================================

#: kind -> skpi_event.
EVENTS: Dict[str, int] = {
    "message": 0, "response": 1, "engagement": 2, "posts": 3, "followers": 4,
    "rating": 5, "message_id": 6, "reply": 7, "engagement_by": 8, "follower": 9,
}

#: kind -> the skpi_batch field of each parameter, in parameter order.
SLOTS: Dict[str, Tuple[str, ...]] = {
    "message": ("platform", "sub", "time"),
    "message_id": ("platform", "sub", "time", "ids", "ids2"),
    "reply": ("platform", "ids", "time"),
    "response": ("platform", "sub", "time", "value"),
    "engagement": ("platform", "sub", "time", "value"),
    "engagement_by": ("platform", "sub", "time", "value", "ids"),
    "posts": ("platform", "time", "value"),
    "followers": ("platform", "time", "value"),
    "follower": ("platform", "time", "ids"),
    "rating": ("platform", "time", "value"),
}

_STRICT = 1  # SKPI_BATCH_STRICT
_EID = by_name["SKPI_EID"].status

# The order in which one event's parameters are converted, as the
# one-event methods do: times, then numbers, then ids, then the taxonomy;
# of two bad values of one event, the first in this order is reported.
_PRIORITY = {"T": 0, "N": 1, "F": 1, "S": 1, "I": 2, "O": 2, "P": 3, "C": 3, "K": 3}


class CBatch(Structure):
    """``struct skpi_batch`` (see socialkpi.h)."""

    _fields_ = [
        ("event", c_int),
        ("n", c_size_t),
        ("platform", c_void_p),
        ("sub", c_void_p),
        ("time", c_void_p),
        ("value", c_void_p),
        ("ids", c_char_p),
        ("id_ends", c_void_p),
        ("ids2", c_char_p),
        ("id2_ends", c_void_p),
    ]


# A converted part of a column: the C view of some events and, when a value
# could not be converted, its position in the part and its exception (the
# view then covers the events before it).
Part = Tuple[Any, Optional[int], Optional[BaseException]]


def _to_u32(part: Any, cache: Any) -> Part:
    """Taxonomy ids or slugs -> array of uint32 ids."""
    try:
        return array(U32, part), None, None
    except (TypeError, OverflowError):
        pass
    try:
        return array(U32, map(cache.__getitem__, part)), None, None
    except Exception:
        pass
    out = array(U32)
    for i, v in enumerate(part):
        try:
            out.append(cache[v])
        except Exception as e:
            return out, i, e
    return out, None, None  # pragma: no cover - a value that failed once


def _to_i64(part: Any, convert: Callable[[Any], int]) -> Part:
    """Ints -> array of int64 (the library checks ranges); anything else
    goes through `convert`, the recording methods' converter."""
    try:
        return array(I64, part), None, None
    except (TypeError, OverflowError):
        pass
    out = array(I64)
    for i, v in enumerate(part):
        try:
            out.append(convert(v))
        except Exception as e:
            return out, i, e
    return out, None, None


def _pack(encoded: List[bytes]) -> Tuple[bytes, array]:
    """Ids -> (concatenation, end offsets)."""
    return b"".join(encoded), array(SIZE, accumulate(map(len, encoded)))


def _empty_author(call: str, value: Any) -> SocialKPIError:
    """The error of an empty author id (None means no author)."""
    return error_for(_EID, call, "author %r: an author id is 1 to 256 bytes (None for no "
                     "author)" % (value,))


def _to_ids(part: Any, optional: bool, call: str) -> Part:
    """Ids (str, bytes; None where `optional`) -> (bytes, ends).  The
    library refuses empty and overlong ids; an empty optional id (an
    author) would mean "none" to it, so it is refused here."""
    src = part
    simple = True
    if optional:
        if "" in part or b"" in part:
            simple = False
        elif None in part:
            src = ["" if v is None else v for v in part]
    if simple:
        try:
            joined = "".join(src)
        except TypeError:
            joined = None
        if joined is not None and "\0" not in joined:
            if joined.isascii():
                return ((joined.encode("ascii"), array(SIZE, accumulate(map(len, src)))),
                        None, None)
            try:
                return _pack([v.encode("utf-8") for v in src]), None, None
            except UnicodeError:
                pass
    encoded: List[bytes] = []
    append = encoded.append
    for i, v in enumerate(part):
        if v is None and optional:
            append(b"")
            continue
        try:
            data = _convert.encode_id(v)
        except Exception as e:
            return _pack(encoded), i, e
        if optional and not data:
            return _pack(encoded), i, _empty_author(call, v)
        append(data)
    return _pack(encoded), None, None


def _is_scalar(value: Any) -> bool:
    """Whether a column value is one value to repeat rather than a sequence."""
    return value is None or isinstance(value, (str, bytes, int, float, _dt.datetime))


def _native(fmt: str) -> str:
    """A buffer's struct format without a native byte-order prefix ('' if
    it has a foreign one)."""
    if fmt[:1] in ("@", "="):
        return fmt[1:]
    if fmt[:1] == "<":
        return fmt[1:] if sys.byteorder == "little" else ""
    if fmt[:1] in (">", "!"):
        return fmt[1:] if sys.byteorder == "big" else ""
    return fmt


class Column:
    """One parameter of a column batch: converts events [s, s + m) into the
    C view of its skpi_batch field(s)."""

    __slots__ = ("code", "slot", "values", "convert", "view", "itemsize", "iterator",
                 "part", "start", "scalar", "one", "error", "cached")

    def __init__(self, code: str, slot: str, values: Any, n: int,
                 caches: Dict[str, Any], call: str) -> None:
        self.code, self.slot = code, slot
        self.values = values
        self.view: Any = None
        self.itemsize = 0
        self.iterator: Any = None
        self.part: Any = None
        self.start = 0
        self.scalar = False
        self.one: Any = None
        self.error: Optional[BaseException] = None
        self.cached: Any = None
        if code in "PCK":
            cache = caches[code]
            self.convert: Callable[[Any], Part] = lambda p: _to_u32(p, cache)
        elif code in "IO":
            optional = code == "O"
            self.convert = lambda p: _to_ids(p, optional, call)
        else:
            one = _ONE[code]
            self.convert = lambda p: _to_i64(p, one)
        if _is_scalar(values):
            self.scalar = True
            self._convert_scalar(values, caches, call)
        elif not self._take_buffer(values, n):
            if not isinstance(self.values, (list, tuple, range, array, memoryview)):
                self.iterator = iter(values)

    def _convert_scalar(self, value: Any, caches: Dict[str, Any], call: str) -> None:
        """Convert a value repeated for every event, once."""
        try:
            if self.code in "PCK":
                self.one = caches[self.code][value]
            elif self.code == "O" and value is None:
                self.one = b""
            elif self.code in "IO":
                self.one = _convert.encode_id(value)
                if not self.one and self.code == "O":
                    raise _empty_author(call, value)
            else:
                self.one = _ONE[self.code](value)
        except Exception as e:
            self.error = e

    def _take_buffer(self, values: Any, n: int) -> bool:
        """Take a writable buffer of the C type as it is, without a copy."""
        if isinstance(values, (list, tuple, range)):
            return False
        try:
            m = memoryview(values)
        except TypeError:
            return False
        fmt = _native(m.format)
        if self.code in "PCK":
            ok = m.itemsize == 4 and fmt in ("I", "L")
        elif self.code in "TNFS":
            ok = m.itemsize == 8 and fmt in ("q", "l", "n")
        else:
            ok = False
        if not ok or m.readonly or m.ndim != 1 or not m.c_contiguous or len(m) != n:
            if not isinstance(values, array):
                self.values = m  # sliceable, and iterates at C speed
            return False
        # A ctypes array over the buffer keeps it exported while the batch
        # runs, so that an array.array cannot be resized under the library
        # while the GIL is released.
        self.view = (c_char * (m.itemsize * n)).from_buffer(m)
        self.itemsize = m.itemsize
        return True

    def chunk(self, s: int, m: int) -> Part:
        """The C view of events [s, s + m)."""
        if self.view is not None:
            return addressof(self.view) + s * self.itemsize, None, None
        if self.scalar:
            if self.error is not None:
                return None, 0, self.error
            if self.cached is None or self.cached[0] < m:
                self.cached = (m, self._repeat(m))
            return self.cached[1], None, None
        if self.iterator is not None:
            part = list(islice(self.iterator, m))
        else:
            part = self.values[s:s + m]
        self.part, self.start = part, s
        return self.convert(part)

    def _repeat(self, m: int) -> Any:
        """The scalar's view for m events."""
        if self.code in "IO":
            size = len(self.one)
            ends = (array(SIZE, range(size, size * m + 1, size)) if size
                    else array(SIZE, [0]) * m)
            return self.one * m, ends
        return array(U32 if self.code in "PCK" else I64, [self.one]) * m

    def item(self, i: int) -> Any:
        """The caller's value of event i (within the last chunk), for messages."""
        if self.scalar:
            return self.values
        if self.iterator is not None:
            return self.part[i - self.start]
        return self.values[i]

    def release(self) -> None:
        """Drop the caller's buffer (its export) and the converted parts."""
        self.view = self.part = self.cached = None

    def assign(self, cb: CBatch, view: Any) -> None:
        """Point cb's field(s) at a view from chunk()."""
        slot = self.slot
        if slot == "ids" or slot == "ids2":
            data, ends = view
            setattr(cb, slot, data)
            setattr(cb, "id_ends" if slot == "ids" else "id2_ends", ends.buffer_info()[0])
        elif type(view) is int:
            setattr(cb, slot, view)
        else:
            setattr(cb, slot, view.buffer_info()[0])


_ONE: Dict[str, Callable[[Any], int]] = {
    "T": _convert.to_time, "N": _convert.to_count, "F": _convert.to_tally,
    "S": _convert.to_score,
}


def make_columns(kind: str, columns: Dict[str, Any],
                 caches: Dict[str, Any]) -> Tuple[List[Column], int]:
    """Check the columns of a column batch (names, lengths); return them as
    Column objects with the number of events."""
    call, params = KINDS[kind]
    names = PARAMS[kind]
    unknown = sorted(set(columns) - set(names))
    if unknown:
        raise TypeError("record_many(event=%r) takes the columns %s, not %s"
                        % (kind, ", ".join(names), ", ".join(unknown)))
    values = []
    for name in names:
        if name in columns:
            values.append(columns[name])
        elif name in DEFAULTS:
            values.append(DEFAULTS[name])
        else:
            raise TypeError("record_many(event=%r) needs the column %r" % (kind, name))
    n: Optional[int] = None
    for i, (name, v) in enumerate(zip(names, values)):
        if _is_scalar(v):
            continue
        if not hasattr(v, "__len__"):
            v = values[i] = list(v)
        if n is None:
            n = len(v)
        elif len(v) != n:
            raise ValueError("record_many: column %r has %d values, the others %d"
                             % (name, len(v), n))
    if n is None:
        raise TypeError("record_many: at least one column must be a sequence")
    return [Column(p.split(":")[1], slot, v, n, caches, call)
            for p, slot, v in zip(params, SLOTS[kind], values)], n


def _event_text(kind: str, cols: Sequence[Column], i: int) -> str:
    """Event i of a column batch as text, for an error message."""
    try:
        shown: Any = tuple(c.item(i) for c in cols)
    except Exception:  # pragma: no cover - a sequence that cannot be read twice
        shown = "(...)"
    return "%s %r" % (kind, shown)


def record_columns(h: int, kind: str, cols: List[Column], n: int, strict: bool,
                   base: int = 0) -> int:
    """Record n events given as columns (from make_columns()) with one
    skpi_record_batch() call per chunk; return n.  An error is raised with
    ``.index`` = base + the failing event's position; the events before it
    stay recorded."""
    record = _ffi.raw.skpi_record_batch
    call = KINDS[kind][0]
    cb = CBatch()
    cb.event = EVENTS[kind]
    flags = _STRICT if strict else 0
    done = c_size_t()
    anomalies = c_uint64()
    order = sorted(cols, key=lambda c: _PRIORITY[c.code])
    s = 0
    try:
        while s < n:
            m = min(CHUNK, n - s)
            limit, error = m, None
            views = []  # alive until the call returns
            for col in order:
                view, bad, e = col.chunk(s, m)
                if bad is not None and bad < limit:
                    limit, error = bad, e
                if limit:
                    col.assign(cb, view)
                views.append(view)
            if limit:
                cb.n = limit
                status = record(h, byref(cb), flags, byref(done), byref(anomalies))
                if status:
                    i = s + done.value
                    raise error_for(status, call, index=base + i,
                                    message="%s: %s" % (_event_text(kind, cols, i),
                                                        _convert._reason(status)))
            if error is not None:
                raise _annotate(error, base + s + limit)
            s += m
    finally:
        # Let the caller resize its arrays again, even while a raised
        # exception's traceback keeps this frame alive.
        for col in cols:
            col.release()
    return n


def _uniform(part: List[Any]) -> int:
    """The common length of the rows of `part`, or -1."""
    try:
        lengths = set(map(len, part))
    except TypeError:
        return -1
    return lengths.pop() if len(lengths) == 1 else -1


def columns_of_rows(kind: str, part: List[Any], skip: int) -> Optional[Dict[str, Any]]:
    """Rows of one kind (from item `skip` on) as columns, if they all have
    the same length and that length is one the kind accepts; else None."""
    names = PARAMS[kind]
    width = _uniform(part) - skip
    least = len(names)
    while least and names[least - 1] in DEFAULTS:
        least -= 1
    if not least <= width <= len(names):
        return None
    # One pass per column: faster than zip(*part), which juggles an
    # iterator per row.
    return {names[k]: list(map(itemgetter(k + skip), part)) for k in range(width)}


def anomalous(kind: str, status: int) -> bool:
    """Whether `status` from recording a `kind` event means "refused but
    counted" (no reason to stop a batch)."""
    return status in ANOMALIES.get(kind, ())


def is_counted(kind: str, e: BaseException) -> bool:
    """Whether exception `e` from a `kind` event means "refused but counted"."""
    if isinstance(e, AnomalyError):
        return True
    return kind == "reply" and isinstance(e, OrderError)


def fail_factory(kind: str, strict: bool) -> Callable[[int, int, Any], None]:
    """The function a loop calls with a non-zero status."""
    call = KINDS[kind][0]
    counted = ANOMALIES.get(kind, frozenset())

    def fail(status: int, index: int, row: Any) -> None:
        """Raise the error of event `index`, unless it was only counted."""
        if status in counted and not strict:
            return
        raise error_for(status, call, index=index,
                        message="%s %r: %s" % (kind, tuple(row),
                                               _convert._reason(status)))

    return fail

"""Recording many events from Python: the loops behind Tracker.record_many().

The C API records one event per call, so a batch is a Python loop over C
calls.  The loops are made as cheap as a loop of ctypes calls can be:

- one loop per event kind, specialised from a small spec (the way
  ``collections.namedtuple`` and ``dataclasses`` build their methods), so
  that each event costs one tuple unpack, one dict lookup per taxonomy id
  (slugs and ints alike, cached), an inline range check per integer, and
  one ctypes call with its argtypes declared once;
- the recording functions come from the GIL-keeping PyDLL view
  (``_ffi.fast``) unless a journal is attached;
- anything unusual in an event (an unknown slug, a datetime or ISO time, a
  bad value) leaves the fast expression through an exception and is redone
  by the tracker's one-event method, which raises the precise error.

Column input (``array`` buffers or sequences, one per parameter) is first
converted to ``array`` objects at C speed, which also checks that every
integer fits its C type; the loop then passes the values through unchanged
and the library checks the rest (ids, time range, counts).
"""

from __future__ import annotations

import datetime as _dt
from array import array
from itertools import repeat
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

from . import _convert
from .errors import (AnomalyError, OrderError, SocialKPIError, by_name,
                     error_for)

__all__ = ["KINDS", "PARAMS", "row_loop", "column_loop", "U32"]

# uint32_t and int64_t array typecodes of this platform.
U32 = "I" if array("I").itemsize == 4 else "L"
I64 = "q"
C_INT = "i"

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

_COLUMN_TEMPLATE = """\
def loop(columns, h, f, fail):
    i = 0
    for {names}, in zip(*columns):
        st = f(h, {names})
        if st:
            fail(st, i, ({names},))
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
    "zip": zip,
    "type": type,
    "int": int,
    "str": str,
    "Exception": Exception,
}


def _compile(template: str, kind: str, fast: bool) -> Callable[..., int]:
    """Build the loop of one event kind from a template (see the module doc)."""
    _, params = KINDS[kind]
    names = []
    args = []
    for i, p in enumerate(params):
        name, code = p.split(":")
        var = "a%d" % i
        names.append(var)
        args.append(_FAST[code].format(x=var) if fast else var)
    source = template.format(names=", ".join(names), args=", ".join(args))
    namespace: Dict[str, Any] = {}
    exec(compile(source, "<socialkpi record_many %s>" % kind, "exec"),
         dict(_GLOBALS), namespace)
    return namespace["loop"]


#: kind -> loop over rows (tuples of the kind's parameters).
row_loop = {kind: _compile(_ROW_TEMPLATE, kind, True) for kind in KINDS}
#: kind -> loop over converted columns.
column_loop = {kind: _compile(_COLUMN_TEMPLATE, kind, False) for kind in KINDS}


def _is_scalar(value: Any) -> bool:
    """Whether a column value is one value to repeat rather than a sequence."""
    return value is None or isinstance(value, (str, bytes, int, float, _dt.datetime))


def _annotate(e: BaseException, index: int) -> BaseException:
    """Attach the batch position `index` to an exception (or a copy of it)."""
    if isinstance(e, SocialKPIError):
        e.index = index
        return e
    try:
        return type(e)("event %d: %s" % (index, e))
    except Exception:  # pragma: no cover - exotic exception constructors
        return e


def _column(code: str, name: str, values: Any, n: int,
            caches: Dict[str, Any]) -> Iterable[Any]:
    """Convert one column to what the C call takes (every value checked
    against its C type), or broadcast a scalar."""
    if _is_scalar(values):
        if code in "PCK":
            one = caches[code][values]
        elif code == "T":
            one = _convert.to_time(values)
        elif code == "N":
            one = _convert.to_count(values)
        elif code == "F":
            one = _convert.to_tally(values)
        elif code == "S":
            one = _convert.to_score(values)
        elif code == "O" and values is None:
            one = None
        else:
            one = _convert.encode_id(values)
        return repeat(one, n)
    if code in "PCK":
        if isinstance(values, array) and values.typecode == U32:
            return values
        cache = caches[code]
        return _checked(U32, values, cache.__getitem__)
    if code == "T":
        if isinstance(values, array) and values.typecode == I64:
            return values
        return _checked(I64, values, _convert.to_time)
    if code in "NF":
        if isinstance(values, array) and values.typecode == I64:
            return values
        return _checked(I64, values, _convert.to_count if code == "N" else _convert.to_tally)
    if code == "S":
        if isinstance(values, array) and values.typecode == C_INT:
            return values
        return _checked(C_INT, values, _convert.to_score)
    if code == "O":
        return [None if v is None else _convert.encode_id(v) for v in values]
    out: List[bytes] = []
    append = out.append
    for i, v in enumerate(values):
        try:
            append(v.encode() if type(v) is str and "\0" not in v else _convert.encode_id(v))
        except Exception as e:
            raise _annotate(e, i) from None
    return out


def _checked(typecode: str, values: Any, convert: Callable[[Any], Any]) -> array:
    """array(typecode, values) (C speed, range-checked); if that fails, the
    same through `convert` value by value, so that the error names the
    value and its index."""
    try:
        if typecode == U32:
            return array(typecode, map(convert, values))
        return array(typecode, values)
    except (TypeError, OverflowError, ValueError, LookupError):
        pass
    out = array(typecode)
    for i, v in enumerate(values):
        try:
            out.append(convert(v))
        except Exception as e:
            raise _annotate(e, i) from None
    return out


def make_columns(kind: str, columns: Dict[str, Any],
                 caches: Dict[str, Any]) -> Tuple[List[Iterable[Any]], int]:
    """Check and convert the columns of a column batch; return them in
    parameter order with the number of events."""
    _, params = KINDS[kind]
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
    out = [_column(p.split(":")[1], name, v, n, caches)
           for p, name, v in zip(params, names, values)]
    return out, n


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

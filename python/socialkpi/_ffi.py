"""The C interface of libsocialkpi: one table of every exported function.

:data:`TABLE` lists every function that include/socialkpi.h marks
``SKPI_API`` (the tests check that none is missing) with its return type and
argument types.  From it three views are built:

``lib``
    every function; the ones returning ``skpi_status`` have an ``errcheck``
    that raises the matching :class:`socialkpi.SocialKPIError` subclass.
    Calls release the GIL.
``raw``
    the ``skpi_status`` functions again without ``errcheck``: they return
    the status as an int, for callers that look at it themselves (loaders
    that read ``skpi_error``, batch loops that count refused events).
    Calls release the GIL.
``fast``
    the recording functions without ``errcheck``, through a ``PyDLL`` handle
    that keeps the GIL: a recording call takes some 15 ns in C, less than
    releasing and retaking the GIL.  Used for trackers without a journal
    (a journal's fsync may block, so journalled trackers use ``raw``).

Conventions: handles (``skpi_tracker *`` and the other opaque types) are
``c_void_p`` and travel as Python ints; ``const char *`` arguments are
``c_char_p`` and take UTF-8 ``bytes`` (encoded explicitly by the callers);
``const char *`` results are borrowed (static or owned by a tracker) and are
copied into ``bytes`` by ctypes at once.  Buffers that the library hands
over through ``char **`` are received as ``c_void_p``, copied with
:func:`take_buffer` and released with ``skpi_free`` in a ``finally``.
"""

from __future__ import annotations

import ctypes
from ctypes import (POINTER, Structure, c_char, c_char_p, c_double, c_int,
                    c_int64, c_size_t, c_uint, c_uint32, c_uint64, c_void_p)
from typing import TYPE_CHECKING, Any, Callable, Dict, Optional, Sequence, Tuple

from . import _loader

__all__ = ["TABLE", "STATUS", "SkpiError", "CsvResult", "lib", "raw", "fast", "path",
           "take_buffer", "set_error_factory"]

_cdll, _pydll, path = _loader.load()

#: Marker for functions returning ``skpi_status`` (a C int checked by errcheck).
STATUS = object()


class SkpiError(Structure):
    """``struct skpi_error``: where loading failed (see socialkpi.h)."""

    _fields_ = [
        ("status", c_int),
        ("offset", c_int64),
        ("line", c_int64),
        ("column", c_int64),
        ("field", c_char * 32),
        ("text", c_char * 160),
    ]


class CsvResult(Structure):
    """``struct skpi_csv_result``: what a CSV ingestion did (see socialkpi.h).

    The fields are the header's, in its order and with its types; the
    caller points ``rejects`` at an array of ``max_rejects`` SkpiError (or
    leaves it NULL and 0), and the library fills the rest.
    """

    _fields_ = [
        ("rejects", POINTER(SkpiError)),
        ("max_rejects", c_size_t),
        ("n_rejects", c_size_t),
        ("rows_read", c_uint64),
        ("rows_applied", c_uint64),
        ("rows_rejected", c_uint64),
        ("rows_bad", c_uint64),
        ("anomalies", c_uint64),
        ("registered", c_uint64),
        ("bytes", c_uint64),
        ("error", SkpiError),
    ]


_H = c_void_p                 # any opaque handle: skpi_options, skpi_tracker, ...
_HP = POINTER(c_void_p)       # skpi_xxx **out
_I64P = POINTER(c_int64)
_U32P = POINTER(c_uint32)
_INTP = POINTER(c_int)
_DBLP = POINTER(c_double)
_SIZEP = POINTER(c_size_t)
_ERRP = POINTER(SkpiError)
_RESP = POINTER(CsvResult)
_S = STATUS

#: name -> (restype, argtypes).  Every SKPI_API function, in header order.
TABLE: Dict[str, Tuple[Any, Tuple[Any, ...]]] = {
    # status codes, memory, version, limits
    "skpi_strerror": (c_char_p, (c_int,)),
    "skpi_status_name": (c_char_p, (c_int,)),
    "skpi_free": (None, (c_void_p,)),
    "skpi_version_string": (c_char_p, ()),
    "skpi_version_number": (c_uint32, ()),
    "skpi_taxonomy_capacity": (c_size_t, (c_int,)),
    # options
    "skpi_options_new": (_S, (_HP,)),
    "skpi_options_free": (None, (_H,)),
    "skpi_options_set_zone": (_S, (_H, c_char_p)),
    "skpi_options_set_bucket": (_S, (_H, c_int)),
    "skpi_options_set_rating_scale": (_S, (_H, c_int, c_int, c_int)),
    "skpi_options_set_sla": (_S, (_H, _I64P, c_size_t)),
    "skpi_options_set_quantile_accuracy": (_S, (_H, c_double)),
    "skpi_options_set_people_precision": (_S, (_H, c_int)),
    "skpi_options_set_open_limit": (_S, (_H, c_size_t)),
    "skpi_options_add_business_hours": (_S, (_H, c_int, c_char_p, c_char_p)),
    "skpi_options_add_holiday": (_S, (_H, c_char_p)),
    # tracker
    "skpi_tracker_new": (_S, (_H, _HP)),
    "skpi_tracker_free": (None, (_H,)),
    "skpi_tracker_zone": (c_char_p, (_H,)),
    "skpi_tracker_bucket": (c_int, (_H,)),
    "skpi_tracker_rating_scale": (_S, (_H, _INTP, _INTP, _INTP)),
    "skpi_tracker_sla_count": (c_size_t, (_H,)),
    "skpi_tracker_sla": (_S, (_H, c_size_t, _I64P)),
    "skpi_tracker_has_business_hours": (c_int, (_H,)),
    # taxonomy
    "skpi_taxonomy_add": (_S, (_H, c_int, c_char_p, c_char_p, _U32P)),
    "skpi_category_add": (_S, (_H, c_char_p, c_char_p, c_uint32, c_int, _U32P)),
    "skpi_taxonomy_find": (_S, (_H, c_int, c_char_p, _U32P)),
    "skpi_taxonomy_count": (c_size_t, (_H, c_int)),
    "skpi_taxonomy_slug": (c_char_p, (_H, c_int, c_uint32)),
    "skpi_taxonomy_label": (c_char_p, (_H, c_int, c_uint32)),
    "skpi_category_info": (_S, (_H, c_uint32, _U32P, _INTP)),
    # recording, by id
    "skpi_record_message": (_S, (_H, c_uint32, c_uint32, c_int64)),
    "skpi_record_response": (_S, (_H, c_uint32, c_uint32, c_int64, c_int64)),
    "skpi_record_engagement": (_S, (_H, c_uint32, c_uint32, c_int64, c_int64)),
    "skpi_record_posts": (_S, (_H, c_uint32, c_int64, c_int64)),
    "skpi_record_followers": (_S, (_H, c_uint32, c_int64, c_int64)),
    "skpi_record_rating": (_S, (_H, c_uint32, c_int64, c_int)),
    # recording, by slug
    "skpi_record_message_slug": (_S, (_H, c_char_p, c_char_p, c_int64)),
    "skpi_record_response_slug": (_S, (_H, c_char_p, c_char_p, c_int64, c_int64)),
    "skpi_record_engagement_slug": (_S, (_H, c_char_p, c_char_p, c_int64, c_int64)),
    "skpi_record_posts_slug": (_S, (_H, c_char_p, c_int64, c_int64)),
    "skpi_record_followers_slug": (_S, (_H, c_char_p, c_int64, c_int64)),
    "skpi_record_rating_slug": (_S, (_H, c_char_p, c_int64, c_int)),
    # recording with message, author and person ids
    "skpi_record_message_id": (_S, (_H, c_uint32, c_uint32, c_int64, c_char_p, c_char_p)),
    "skpi_record_reply": (_S, (_H, c_uint32, c_char_p, c_int64)),
    "skpi_record_engagement_by": (_S, (_H, c_uint32, c_uint32, c_int64, c_int64, c_char_p)),
    "skpi_record_follower": (_S, (_H, c_uint32, c_int64, c_char_p)),
    "skpi_record_message_id_slug": (_S, (_H, c_char_p, c_char_p, c_int64, c_char_p, c_char_p)),
    "skpi_record_reply_slug": (_S, (_H, c_char_p, c_char_p, c_int64)),
    "skpi_record_engagement_by_slug": (_S, (_H, c_char_p, c_char_p, c_int64, c_int64, c_char_p)),
    "skpi_record_follower_slug": (_S, (_H, c_char_p, c_int64, c_char_p)),
    # batches (the skpi_batch struct travels as a pointer)
    "skpi_record_batch": (_S, (_H, c_void_p, c_uint, _SIZEP, POINTER(c_uint64))),
    # times and periods
    "skpi_time_parse": (_S, (c_char_p, _I64P)),
    "skpi_time_format": (_S, (_H, c_int64, c_char_p, c_size_t)),
    "skpi_period_parse": (_S, (_H, c_char_p, _I64P, _I64P)),
    "skpi_period_previous": (_S, (_H, c_int64, c_int64, _I64P, _I64P)),
    "skpi_period_year_earlier": (_S, (_H, c_int64, c_int64, _I64P, _I64P)),
    # reports
    "skpi_report_new": (_S, (_H, c_int64, c_int64, _U32P, c_size_t, _HP)),
    "skpi_report_free": (None, (_H,)),
    "skpi_report_taxonomy_count": (c_size_t, (_H, c_int)),
    "skpi_report_range": (_S, (_H, _I64P, _I64P)),
    "skpi_report_messages": (_S, (_H, c_uint32, c_uint32, _I64P)),
    "skpi_report_group_messages": (_S, (_H, c_uint32, c_uint32, _I64P)),
    "skpi_report_inquiries_and_remarks": (_S, (_H, c_uint32, _I64P)),
    "skpi_report_responses": (_S, (_H, c_uint32, c_uint32, _I64P, _I64P, _DBLP)),
    "skpi_report_sla": (_S, (_H, c_size_t, c_uint32, c_uint32, _I64P, _I64P, _I64P, _DBLP)),
    "skpi_report_rating_count": (_S, (_H, c_uint32, c_int, _I64P)),
    "skpi_report_csat": (_S, (_H, c_uint32, _I64P, _I64P, _DBLP, _DBLP)),
    "skpi_report_engagement": (_S, (_H, c_uint32, c_uint32, _I64P)),
    "skpi_report_posts": (_S, (_H, c_uint32, _I64P, _DBLP)),
    "skpi_report_followers": (_S, (_H, c_uint32, _I64P, _I64P, _I64P, _DBLP)),
    "skpi_report_followers_total": (_S, (_H, _I64P, _I64P, _I64P, _SIZEP)),
    "skpi_report_engagement_rate": (_S, (_H, c_uint32, _I64P, _I64P, _DBLP)),
    "skpi_report_response_time": (_S, (_H, c_uint32, c_uint32, c_int, _I64P, _DBLP, _I64P, _I64P)),
    "skpi_report_response_quantile": (_S, (_H, c_uint32, c_uint32, c_int, c_double, _DBLP)),
    "skpi_report_backlog": (_S, (_H, c_uint32, c_uint32, _I64P, _I64P)),
    "skpi_report_anomalies": (_S, (_H, c_uint32, c_int, _I64P)),
    "skpi_report_people": (_S, (_H, c_int, c_uint32, _I64P, _DBLP)),
    # snapshots and merge
    "skpi_tracker_to_bytes": (_S, (_H, _HP, _SIZEP)),
    "skpi_tracker_from_bytes": (_S, (c_void_p, c_size_t, _HP, _ERRP)),
    "skpi_tracker_save": (_S, (_H, c_char_p, _ERRP)),
    "skpi_tracker_load": (_S, (c_char_p, _HP, _ERRP)),
    "skpi_tracker_merge": (_S, (_H, _H)),
    # journal
    "skpi_journal_open": (_S, (c_char_p, _H, c_int, c_uint, _HP, _HP, _ERRP)),
    "skpi_journal_checkpoint": (_S, (_H, _ERRP)),
    "skpi_journal_sync": (_S, (_H,)),
    "skpi_journal_seq": (c_uint64, (_H,)),
    "skpi_journal_close": (_S, (_H,)),
    # JSON report
    "skpi_report_json": (_S, (_H, c_int64, c_int64, _U32P, c_size_t, c_uint, _HP, _SIZEP)),
    # report writers
    "skpi_report_csv": (_S, (_H, c_int64, c_int64, _U32P, c_size_t, c_uint, _HP, _SIZEP)),
    "skpi_report_openmetrics": (_S, (_H, c_int64, c_int64, _U32P, c_size_t, c_uint, _HP, _SIZEP)),
    "skpi_report_openmetrics_into": (_S, (_H, c_int64, c_int64, _U32P, c_size_t, c_uint,
                                          c_void_p, c_size_t, _SIZEP)),
    "skpi_report_html": (_S, (_H, c_int64, c_int64, _U32P, c_size_t, c_uint, _HP, _SIZEP)),
    "skpi_tracker_extent": (_S, (_H, _I64P, _I64P)),
    # CSV event logs (FILE * travels as c_void_p; socialkpi reads Python
    # files through a reader instead)
    "skpi_csv_reader_new": (_S, (_H, c_uint, _HP)),
    "skpi_csv_reader_feed": (_S, (_H, c_void_p, c_size_t, _RESP)),
    "skpi_csv_reader_finish": (_S, (_H, _RESP)),
    "skpi_csv_reader_free": (None, (_H,)),
    "skpi_csv_ingest_buffer": (_S, (_H, c_void_p, c_size_t, c_uint, _RESP)),
    "skpi_csv_ingest_file": (_S, (_H, c_void_p, c_uint, _RESP)),
    "skpi_csv_ingest_path": (_S, (_H, c_char_p, c_uint, _RESP)),
}

#: The recording functions: the only ones in ``fast``.
RECORDING = tuple(name for name in TABLE if name.startswith("skpi_record_"))


class _Namespace:
    """Attribute access to a set of ctypes functions."""

    def __init__(self, funcs: Dict[str, Any]) -> None:
        self.__dict__.update(funcs)

    def __iter__(self) -> Any:
        return iter(sorted(self.__dict__))

    if TYPE_CHECKING:  # the functions are set in __init__: tell type checkers
        def __getattr__(self, name: str) -> Any: ...


_error_factory: Optional[Callable[[int, str], BaseException]] = None


def set_error_factory(factory: Callable[[int, str], BaseException]) -> None:
    """Install the function that turns a status into an exception
    (socialkpi.errors does so when it is imported)."""
    global _error_factory
    _error_factory = factory


def _errcheck(result: int, func: Any, args: Sequence[Any]) -> int:
    """ctypes errcheck of every ``skpi_status`` function in ``lib``."""
    if result:
        if _error_factory is None:  # pragma: no cover - errors is imported first
            raise RuntimeError("%s failed with status %d" % (func.__name__, result))
        raise _error_factory(result, func.__name__)
    return result


def _declare(handle: ctypes.CDLL, name: str, checked: bool) -> Any:
    """Give one function of `handle` its table entry (and errcheck if `checked`)."""
    restype, argtypes = TABLE[name]
    try:
        func = handle[name]  # a new function object each time: views stay separate
    except AttributeError as e:
        raise ImportError("socialkpi: %s lacks %s (the library is older than this "
                          "package)" % (path, name)) from e
    func.argtypes = argtypes
    if restype is STATUS:
        func.restype = c_int
        if checked:
            func.errcheck = _errcheck
    else:
        func.restype = restype
    return func


lib = _Namespace({name: _declare(_cdll, name, True) for name in TABLE})
raw = _Namespace({name: _declare(_cdll, name, False)
                  for name, (restype, _) in TABLE.items() if restype is STATUS})
fast = _Namespace({name: _declare(_pydll, name, False) for name in RECORDING})


def take_buffer(ptr: c_void_p, length: int) -> bytes:
    """Copy ``length`` bytes of a library-owned buffer and release it with
    skpi_free (also when copying fails)."""
    try:
        if not ptr.value:
            return b""
        return ctypes.string_at(ptr.value, length)
    finally:
        lib.skpi_free(ptr)

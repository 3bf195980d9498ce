"""CSV event logs: :meth:`Tracker.ingest_csv` and what it returns.

doc/csv-events.md specifies the input (columns
``time,platform,event,category,count,actor,ref,value``, RFC 4180 quoting,
UTF-8) and every check; this module hands the bytes to the library's
reader and turns ``struct skpi_csv_result`` into an :class:`IngestResult`.

Sources, and how each is read:

- a path (``str`` or ``os.PathLike``): ``skpi_csv_ingest_path()``, the
  library opens and reads the file itself;
- ``bytes``, ``bytearray``, ``memoryview`` or any other object with the
  buffer protocol (``array``, ``mmap``, taken whole whatever its file
  position): ``skpi_csv_ingest_buffer()`` reads it in place; a read-only
  buffer that is not ``bytes`` (a slice of bytes, a read-only ``mmap``)
  is copied a chunk at a time into a reader instead, since ctypes takes
  no pointer into it;
- a binary file object (anything with ``readinto1``, ``readinto``,
  ``read1`` or ``read`` returning bytes: ``open(p, "rb")``, ``BytesIO``,
  ``sys.stdin.buffer``, ``gzip.open(p)``, a socket's ``makefile("rb")``):
  read in chunks of :data:`CHUNK` bytes and fed to an ``skpi_csv_reader``;
  a row may span chunks.  Text files (``str`` chunks) raise TypeError.

The library call runs without the GIL, so other Python threads go on
meanwhile (but see the threading note of :meth:`Tracker.ingest_csv`).
"""

from __future__ import annotations

import io
import os
from ctypes import POINTER, byref, c_char, c_void_p, cast
from typing import Any, Callable, NamedTuple, Optional, Tuple, Union

from . import _ffi
from ._convert import encode_path
from .errors import JournalError, SocialKPIError, error_for, status_name

__all__ = ["CSVReject", "IngestResult", "CHUNK", "CSV_LENIENT", "CSV_ALLOW_NEW",
           "CSVSource", "ingest"]

#: skpi_csv flags (SKPI_CSV_LENIENT, SKPI_CSV_ALLOW_NEW).
CSV_LENIENT = 1
CSV_ALLOW_NEW = 2

#: Bytes read from a file object per skpi_csv_reader_feed() call.
CHUNK = 1 << 18

#: What :meth:`Tracker.ingest_csv` reads: a path, bytes-like data, or a
#: binary file object.
CSVSource = Union[str, "os.PathLike[Any]", bytes, bytearray, memoryview, Any]


class CSVReject(NamedTuple):
    """One rejected row (an ``skpi_error``; doc/csv-events.md, "Errors").

    ``line`` is the 1-based physical line on which the row starts,
    ``column`` the 1-based field (an error in a value) or byte position in
    the row (an error in the bytes), 0 when it does not apply; ``offset``
    the byte offset of the row in the input; ``field`` the column name
    ("" if none); ``status`` the C status code and ``name`` its enumerator
    name (``"SKPI_EFIELD"``); ``message`` the library's sentence, which
    names the line and quotes the bad value.
    """

    line: int
    column: int
    offset: int
    field: str
    status: int
    name: str
    message: str

    def exception(self) -> SocialKPIError:
        """The :class:`SocialKPIError` subclass instance for this row
        (what a strict ingestion raises for its first rejected row)."""
        err = _ffi.SkpiError()
        err.status = self.status
        err.offset = self.offset
        err.line = self.line
        err.column = self.column
        err.field = self.field.encode("utf-8")[:31]
        err.text = self.message.encode("utf-8")[:159]
        exc = error_for(self.status, err=err)
        exc.message = self.message
        return exc


class IngestResult(NamedTuple):
    """What :meth:`Tracker.ingest_csv` did (``struct skpi_csv_result``).

    ``rows_read``
        data rows read (the header and empty lines are not rows);
    ``rows_applied``
        rows recorded (a refused strict input: 0);
    ``rows_rejected``
        rows not applied: the bad rows, or every row of a refused strict
        input, so that ``rows_read == rows_applied + rows_rejected``;
    ``rows_bad``
        rows that failed their checks (``<= rows_rejected``);
    ``anomalies``
        applied rows the tracker counted as anomalies (duplicate message
        ids, replies to unknown ids or earlier than their message);
    ``registered``
        taxonomy entries added because of ``allow_new=True``;
    ``bytes``
        input bytes consumed;
    ``rejects``
        the first ``max_rejects`` rejected rows, as :class:`CSVReject`.
    """

    rows_read: int
    rows_applied: int
    rows_rejected: int
    rows_bad: int
    anomalies: int
    registered: int
    bytes: int
    rejects: Tuple[CSVReject, ...]


_JOURNAL_TEXT = b"strict mode cannot read into a journalled tracker: use strict=False"


def _text(raw: bytes) -> str:
    """A NUL-terminated char array of skpi_error as str."""
    return raw.decode("utf-8", "replace")


def _reject(e: _ffi.SkpiError) -> CSVReject:
    """An skpi_error as a CSVReject."""
    return CSVReject(int(e.line), int(e.column), int(e.offset), _text(e.field),
                     int(e.status), status_name(e.status), _text(e.text))


def _result(res: _ffi.CsvResult) -> IngestResult:
    """The IngestResult of a filled skpi_csv_result."""
    n = min(int(res.n_rejects), int(res.max_rejects))
    rejects = tuple(_reject(res.rejects[i]) for i in range(n))
    return IngestResult(int(res.rows_read), int(res.rows_applied), int(res.rows_rejected),
                        int(res.rows_bad), int(res.anomalies), int(res.registered),
                        int(res.bytes), rejects)


def _failure(status: int, call: str, res: _ffi.CsvResult, strict: bool) -> SocialKPIError:
    """The exception of a failed ingestion, with ``.result`` attached."""
    result = _result(res)
    err = res.error
    if err.status != status or not err.text:
        err = None  # not filled in for this status: use the library's sentence
    exc = error_for(status, call, err=err)
    if strict and result.rows_bad and err is not None and call != "skpi_csv_reader_feed":
        # A refused strict input (a header error ends the input at a feed).
        more = result.rows_bad - 1
        exc.message += (" (and %d more bad row%s; nothing was applied)"
                        % (more, "" if more == 1 else "s") if more
                        else " (nothing was applied)")
        exc.args = (exc.message,)
    exc.result = result
    return exc


def _view(data: Any) -> memoryview:
    """A flat memoryview of the bytes of `data` (BufferError unless the
    buffer is contiguous)."""
    view = memoryview(data)
    if not view.contiguous:
        raise BufferError("a CSV buffer must be contiguous")
    if view.itemsize != 1 or view.ndim != 1 or view.format != "B":
        view = view.cast("B")
    return view


def _buffer(data: Any) -> Tuple[Any, int]:
    """What skpi_csv_*'s ``const void *`` takes for bytes-like `data`, and
    its length: bytes as they are, a writable buffer without a copy, a
    read-only one copied (readers of large read-only buffers go through
    _view_chunks instead)."""
    if isinstance(data, bytes):
        return data, len(data)
    view = _view(data)
    n = view.nbytes
    if n == 0:
        return None, 0
    if view.readonly:
        return view.tobytes(), n
    return (c_char * n).from_buffer(view), n


def _view_chunks(view: memoryview) -> Callable[[], Tuple[Any, int]]:
    """Chunks of a read-only buffer, copied CHUNK bytes at a time (ctypes
    takes no pointer into a read-only buffer)."""
    size = CHUNK
    pos = [0]

    def next_chunk() -> Tuple[Any, int]:
        at = pos[0]
        chunk = view[at:at + size].tobytes()
        pos[0] = at + len(chunk)
        return chunk, len(chunk)

    return next_chunk


def _reader_chunks(source: Any) -> Callable[[], Tuple[Any, int]]:
    """A function returning the next chunk of a binary file object as
    (pointer-like, length); length 0 at the end.  ``readinto1`` or
    ``readinto`` fill one reused buffer (``readinto1`` returns what one
    raw read gives, so rows are applied as a pipe delivers them);
    ``read1`` or ``read`` return new bytes."""
    for name in ("readinto1", "readinto"):
        if getattr(source, name, None) is not None:
            return _into(getattr(source, name))
    for name in ("read1", "read"):
        if getattr(source, name, None) is not None:
            return _reads(getattr(source, name))
    raise TypeError("ingest_csv() takes a path, bytes-like data or a binary file "
                    "object, not %s" % type(source).__name__)


_NONBLOCKING = ("the CSV source is non-blocking and has no data ready: give a "
                "blocking file object")
_TEXT = ("ingest_csv() needs a binary file object (open the file with 'rb', or use "
         "sys.stdin.buffer), not a text one")


def _into(readinto: Callable[[memoryview], Optional[int]]) -> Callable[[], Tuple[Any, int]]:
    """Chunks read by `readinto` into one buffer of CHUNK bytes."""
    size = CHUNK
    buf = bytearray(size)
    view = memoryview(buf)
    cbuf = (c_char * size).from_buffer(buf)

    def next_chunk() -> Tuple[Any, int]:
        n = readinto(view)
        if n is None:
            raise BlockingIOError(_NONBLOCKING)
        return cbuf, n

    return next_chunk


def _reads(read: Callable[[int], Any]) -> Callable[[], Tuple[Any, int]]:
    """Chunks returned by `read`, CHUNK bytes at most each."""
    size = CHUNK

    def next_chunk() -> Tuple[Any, int]:
        chunk = read(size)
        if chunk is None:
            raise BlockingIOError(_NONBLOCKING)
        if isinstance(chunk, str):
            raise TypeError(_TEXT)
        if not chunk:
            return None, 0
        return _buffer(chunk)

    return next_chunk


def ingest(h: int, source: CSVSource, flags: int, max_rejects: int,
           strict: bool) -> IngestResult:
    """Read the event log `source` into the tracker handle `h` with
    `flags` (CSV_*); keep the first `max_rejects` rejected rows.  Raise the
    error of a refused input with ``.result`` set; see Tracker.ingest_csv()."""
    res = _ffi.CsvResult()
    if max_rejects:
        array = (_ffi.SkpiError * max_rejects)()
        res.rejects = cast(array, POINTER(_ffi.SkpiError))
        res.max_rejects = max_rejects
    raw = _ffi.raw
    if isinstance(source, str) and "\n" in source:
        raise TypeError("ingest_csv(): a str is a path; give CSV text as bytes "
                        "(text.encode()) or through io.BytesIO")
    if isinstance(source, (str, os.PathLike)):
        call = "skpi_csv_ingest_path"
        status = raw.skpi_csv_ingest_path(h, encode_path(source), flags, byref(res))
        return _finish(status, call, res, strict)
    if isinstance(source, io.TextIOBase):
        raise TypeError(_TEXT)
    data: Any = None    # what skpi_csv_ingest_buffer() can read in place
    if isinstance(source, bytes):
        data = source
    elif _has_buffer(source):  # bytearray, memoryview, array, mmap (as a whole)
        view = _view(source)
        if not view.readonly:
            data = view
        elif isinstance(view.obj, bytes) and view.nbytes == len(view.obj):
            data = view.obj
        else:
            status, call = _read(h, _view_chunks(view), flags, res)
            return _finish(status, call, res, strict)
    if data is None:  # a file object
        status, call = _read(h, _reader_chunks(source), flags, res)
    else:
        ptr, n = _buffer(data)
        call = "skpi_csv_ingest_buffer"
        status = raw.skpi_csv_ingest_buffer(h, ptr, n, flags, byref(res))
    return _finish(status, call, res, strict)


def _finish(status: int, call: str, res: _ffi.CsvResult, strict: bool) -> IngestResult:
    """The IngestResult of an ingestion, or its error raised."""
    if status:
        if strict and status == JournalError.status:
            # Whichever call found it, say it in Python's terms.
            res.error.status = status
            res.error.offset = -1
            res.error.text = _JOURNAL_TEXT
        raise _failure(status, call, res, strict)
    return _result(res)


def _has_buffer(obj: Any) -> bool:
    """Whether `obj` has the buffer protocol."""
    try:
        memoryview(obj).release()
    except TypeError:
        return False
    return True


def _read(h: int, next_chunk: Callable[[], Tuple[Any, int]], flags: int,
          res: _ffi.CsvResult) -> Tuple[int, str]:
    """Feed a reader chunk by chunk and finish it; return (status, call)."""
    raw = _ffi.raw
    r = c_void_p()
    status = raw.skpi_csv_reader_new(h, flags, byref(r))
    if status:
        return status, "skpi_csv_reader_new"
    try:
        feed = raw.skpi_csv_reader_feed
        pres = byref(res)
        while True:
            ptr, n = next_chunk()
            if not n:
                break
            status = feed(r.value, ptr, n, pres)
            if status:
                return status, "skpi_csv_reader_feed"
        return raw.skpi_csv_reader_finish(r.value, pres), "skpi_csv_reader_finish"
    finally:
        _ffi.lib.skpi_csv_reader_free(r.value)


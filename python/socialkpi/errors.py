"""Exceptions: one class per ``skpi_status`` code of libsocialkpi.

Every error the library reports is raised as an instance of a subclass of
:class:`SocialKPIError`, which carries

``status``
    the C status code (an int, e.g. 13),
``name``
    its enumerator name (``"SKPI_EPARSE"``, from ``skpi_status_name()``),
``message``
    an English sentence (``skpi_strerror()``, or the more precise text of
    an ``skpi_error`` when the call filled one in),

and, for the calls that read snapshots, journals and CSV event logs (and
batches), where the problem lies: ``offset`` (byte offset in the input),
``line``, ``column``, ``field`` (the section or column), ``index`` (the
event of a batch).  They are None when they do not apply.  An error of
:meth:`Tracker.ingest_csv` also carries ``result``, the
:class:`IngestResult` of the refused input (None elsewhere).

The classes are declared here with their enumerator names; their status
codes are read from the loaded library (``skpi_status_name()`` for codes 1,
2, ... until ``"SKPI_UNKNOWN"``), and a library newer than this package
gets a generated class for each code it adds.  Many classes also derive
from the matching built-in exception (``ValueError``, ``LookupError``,
``OSError``, ``MemoryError``, ``OverflowError``), so generic handlers work.

Statuses that report an event refused but still counted
(``SKPI_EDUPLICATE``, ``SKPI_EUNMATCHED``) derive from
:class:`AnomalyError`; damaged snapshots and journals
(``SKPI_EFORMAT`` .. ``SKPI_ECORRUPT``) from :class:`DataError`.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Type

from . import _ffi

__all__ = [
    "SocialKPIError", "AnomalyError", "DataError",
    "InvalidArgumentError", "OutOfMemoryError", "NotFoundError", "ExistsError",
    "SlugError", "LabelError", "LimitError", "TimeRangeError", "CountError",
    "RatingError", "CounterOverflowError", "OrderError", "ParseError",
    "RangeError", "AlignmentError", "ZoneError", "OptionError", "NoDataError",
    "BufferSizeError", "IdError", "DuplicateError", "UnmatchedError",
    "FormatError", "VersionError", "ChecksumError", "TruncatedError",
    "CorruptError", "IOFailureError", "IncompatibleError", "JournalError",
    "CSVSyntaxError", "EncodingError", "FieldError",
    "by_status", "by_name", "strerror", "status_name", "error_for",
]


def strerror(status: int) -> str:
    """Return the library's sentence for ``status`` (``skpi_strerror``)."""
    return _ffi.lib.skpi_strerror(int(status)).decode("utf-8", "replace")


def status_name(status: int) -> str:
    """Return the enumerator name of ``status`` (``skpi_status_name``)."""
    return _ffi.lib.skpi_status_name(int(status)).decode("ascii", "replace")


class SocialKPIError(Exception):
    """Base class of every error reported by libsocialkpi.

    Attributes: ``status`` (int), ``name`` (``"SKPI_..."``), ``message``,
    ``call`` (the C function, when one failed), ``offset``, ``line``,
    ``column``, ``field`` (where an input is damaged), ``index`` (the
    failing event of a batch) and ``result`` (the IngestResult of a CSV
    input refused by Tracker.ingest_csv()); the last six are None when
    they do not apply.
    """

    #: The C status code of the class (None for this base class).
    status: Optional[int] = None
    #: The enumerator name of the class's status.
    name: str = "SKPI_UNKNOWN"
    #: What Tracker.ingest_csv() did before it raised (an IngestResult).
    result: Optional[Any] = None

    def __init__(self, message: Optional[str] = None, *,
                 status: Optional[int] = None, call: Optional[str] = None,
                 offset: Optional[int] = None, line: Optional[int] = None,
                 column: Optional[int] = None, field: Optional[str] = None,
                 index: Optional[int] = None) -> None:
        if status is not None:
            self.status = status
            self.name = status_name(status)
        if message is None:
            message = strerror(self.status) if self.status is not None else "libsocialkpi error"
        self.message = message
        self.call = call
        self.offset = offset
        self.line = line
        self.column = column
        self.field = field
        self.index = index
        super().__init__(message)

    def __str__(self) -> str:
        text = self.message
        where = []
        if self.index is not None:
            where.append("event %d" % self.index)
        if self.offset is not None:
            where.append("offset %d" % self.offset)
        if self.line is not None:
            where.append("line %d" % self.line)
        if self.column is not None:
            where.append("column %d" % self.column)
        if self.field:
            where.append("field %s" % self.field)
        if where:
            text += " (at %s)" % ", ".join(where)
        return "%s [%s]" % (text, self.name)

    def __reduce__(self) -> tuple:  # type: ignore[override]
        # Keep the attributes across pickling (multiprocessing re-raises).
        return (_rebuild, (type(self), self.message, self.__dict__.copy()))


def _rebuild(cls: Type[SocialKPIError], message: str, state: dict) -> SocialKPIError:
    """Unpickle an error: its class, message and attributes."""
    err = cls.__new__(cls)
    Exception.__init__(err, message)
    err.__dict__.update(state)
    return err


class AnomalyError(SocialKPIError):
    """An event was refused but counted: reports show it among the anomalies."""


class DataError(SocialKPIError):
    """A snapshot or journal is damaged, truncated or of another format."""


class InvalidArgumentError(SocialKPIError, ValueError):
    """A required pointer is NULL or an argument is malformed (SKPI_EINVAL)."""
    name = "SKPI_EINVAL"


class OutOfMemoryError(SocialKPIError, MemoryError):
    """Memory allocation failed (SKPI_ENOMEM)."""
    name = "SKPI_ENOMEM"


class NotFoundError(SocialKPIError, LookupError):
    """No such id or slug (SKPI_ENOTFOUND)."""
    name = "SKPI_ENOTFOUND"


class ExistsError(SocialKPIError, ValueError):
    """The slug is already registered (SKPI_EEXIST)."""
    name = "SKPI_EEXIST"


class SlugError(SocialKPIError, ValueError):
    """A slug is not [a-z0-9_]{1,32} (SKPI_ESLUG)."""
    name = "SKPI_ESLUG"


class LabelError(SocialKPIError, ValueError):
    """A label is not valid UTF-8 or is too long (SKPI_ELABEL)."""
    name = "SKPI_ELABEL"


class LimitError(SocialKPIError):
    """A fixed capacity (taxonomy size, SLA targets) is full (SKPI_ELIMIT)."""
    name = "SKPI_ELIMIT"


class TimeRangeError(SocialKPIError, ValueError):
    """A time lies outside 1970-01-01..2200-01-01 (SKPI_ETIME)."""
    name = "SKPI_ETIME"


class CountError(SocialKPIError, ValueError):
    """A count is zero or negative where that makes no sense (SKPI_ECOUNT)."""
    name = "SKPI_ECOUNT"


class RatingError(SocialKPIError, ValueError):
    """A rating lies outside the tracker's scale (SKPI_ERATING)."""
    name = "SKPI_ERATING"


class CounterOverflowError(SocialKPIError, OverflowError):
    """A counter or a sum would overflow int64_t (SKPI_EOVERFLOW)."""
    name = "SKPI_EOVERFLOW"


class OrderError(SocialKPIError, ValueError):
    """A reply is earlier than the message it answers (SKPI_EORDER).

    From :meth:`Tracker.reply` the reply is still counted (an anomaly);
    from :meth:`Tracker.response` nothing is recorded.
    """
    name = "SKPI_EORDER"


class ParseError(SocialKPIError, ValueError):
    """A time or period string cannot be parsed (SKPI_EPARSE)."""
    name = "SKPI_EPARSE"


class RangeError(SocialKPIError, ValueError):
    """A range is empty or reversed (SKPI_ERANGE)."""
    name = "SKPI_ERANGE"


class AlignmentError(SocialKPIError, ValueError):
    """A range boundary is not on a bucket boundary (SKPI_EALIGN)."""
    name = "SKPI_EALIGN"


class ZoneError(SocialKPIError, ValueError):
    """A time zone is not recognised (SKPI_EZONE)."""
    name = "SKPI_EZONE"


class OptionError(SocialKPIError, ValueError):
    """An option value is invalid (SKPI_EOPTION)."""
    name = "SKPI_EOPTION"


class NoDataError(SocialKPIError, LookupError):
    """The range holds no value for what was asked (SKPI_ENODATA)."""
    name = "SKPI_ENODATA"


class BufferSizeError(SocialKPIError):
    """The caller's buffer is too small (SKPI_EBUFSIZE)."""
    name = "SKPI_EBUFSIZE"


class IdError(SocialKPIError, ValueError):
    """An id is empty, too long or holds a NUL character (SKPI_EID)."""
    name = "SKPI_EID"


class DuplicateError(AnomalyError):
    """A message id was recorded before: counted, not applied (SKPI_EDUPLICATE)."""
    name = "SKPI_EDUPLICATE"


class UnmatchedError(AnomalyError):
    """A reply names an unknown message id: counted, not applied (SKPI_EUNMATCHED)."""
    name = "SKPI_EUNMATCHED"


class FormatError(DataError):
    """The input is not a snapshot (bad magic) (SKPI_EFORMAT)."""
    name = "SKPI_EFORMAT"


class VersionError(DataError):
    """The snapshot's format version is not supported (SKPI_EVERSION)."""
    name = "SKPI_EVERSION"


class ChecksumError(DataError):
    """A checksum does not match: the data is damaged (SKPI_ECRC)."""
    name = "SKPI_ECRC"


class TruncatedError(DataError):
    """The input ends before the data it announces (SKPI_ETRUNC)."""
    name = "SKPI_ETRUNC"


class CorruptError(DataError):
    """A field holds a value no valid input can have (SKPI_ECORRUPT)."""
    name = "SKPI_ECORRUPT"


class IOFailureError(SocialKPIError, OSError):
    """Reading or writing a file failed (SKPI_EIO)."""
    name = "SKPI_EIO"


class IncompatibleError(SocialKPIError, ValueError):
    """Trackers differ in zone, buckets, scale or sketches (SKPI_EINCOMPAT)."""
    name = "SKPI_EINCOMPAT"


class JournalError(SocialKPIError):
    """An earlier journal write failed: recording is stopped (SKPI_EJOURNAL)."""
    name = "SKPI_EJOURNAL"


class CSVSyntaxError(SocialKPIError, ValueError):
    """A text input is malformed: CSV quoting, field count or header
    (SKPI_ESYNTAX)."""
    name = "SKPI_ESYNTAX"


class EncodingError(SocialKPIError, ValueError):
    """A text input is not valid UTF-8 (SKPI_EUTF8)."""
    name = "SKPI_EUTF8"


class FieldError(SocialKPIError, ValueError):
    """A CSV field is missing, empty where required, or unknown
    (SKPI_EFIELD)."""
    name = "SKPI_EFIELD"


#: status code -> exception class, for every code the loaded library knows.
by_status: Dict[int, Type[SocialKPIError]] = {}
#: enumerator name -> exception class.
by_name: Dict[str, Type[SocialKPIError]] = {}


def _class_name(enum_name: str) -> str:
    """"SKPI_EFOO_BAR" -> "FooBarError" (for codes newer than this package)."""
    base = enum_name[len("SKPI_E"):] if enum_name.startswith("SKPI_E") else enum_name
    return "".join(part.capitalize() for part in base.split("_")) + "Error"


def _bind() -> None:
    """Give every class its status code, read from the library, and generate
    classes for codes newer than this package."""
    declared = {cls.name: cls for cls in list(globals().values())
                if isinstance(cls, type) and issubclass(cls, SocialKPIError)
                and "name" in cls.__dict__}
    code = 1
    while True:
        enum_name = status_name(code)
        if enum_name == "SKPI_UNKNOWN":
            break
        cls = declared.get(enum_name)
        if cls is None:
            cls = type(_class_name(enum_name), (SocialKPIError,), {
                "__doc__": "%s (%s)." % (strerror(code), enum_name),
                "__module__": __name__,
                "name": enum_name,
            })
            globals()[cls.__name__] = cls
        cls.status = code
        by_status[code] = cls
        by_name[enum_name] = cls
        code += 1


def error_for(status: int, call: Optional[str] = None,
              message: Optional[str] = None,
              err: Optional[_ffi.SkpiError] = None,
              index: Optional[int] = None) -> SocialKPIError:
    """Build the exception for a non-zero ``status``.

    ``call`` names the C function that failed; ``message`` replaces the
    library's sentence; ``err`` (an ``skpi_error`` the call filled in)
    supplies the position and a precise text; ``index`` is a batch position.
    """
    cls = by_status.get(status, SocialKPIError)
    kw: dict = {"status": status, "call": call, "index": index}
    if err is not None:
        text = err.text.decode("utf-8", "replace")
        if text and message is None:
            message = text
        if err.offset >= 0:
            kw["offset"] = int(err.offset)
        if err.line > 0:
            kw["line"] = int(err.line)
        if err.column > 0:
            kw["column"] = int(err.column)
        field = err.field.decode("utf-8", "replace")
        if field:
            kw["field"] = field
    if message is None:
        message = strerror(status)
        if call:
            message = "%s: %s" % (call, message)
    return cls(message, **kw)


_bind()
_ffi.set_error_factory(lambda status, call: error_for(status, call))

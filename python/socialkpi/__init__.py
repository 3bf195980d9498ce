"""socialkpi: exact customer-service KPIs for social-media desks.

A ctypes wrapper of libsocialkpi (standard library only).  The central
object is :class:`Tracker`::

    import socialkpi

    with socialkpi.Tracker(tz="+04:00") as t:
        t.message("twitter", "traffic_inquiry", "2024-03-05T10:12:00+04:00")
        t.response("twitter", "traffic_inquiry", "2024-03-05T10:12:00+04:00",
                   "2024-03-05T10:37:00+04:00")
        kpis = t.report("2024-03")          # a dict, equal to the JSON report
        print(kpis["responses"]["rate"])    # 1.0

CSV event logs are read with :meth:`Tracker.ingest_csv` (a path, bytes or a
binary file object; returns an :class:`IngestResult`), and reports are
written as CSV, OpenMetrics/Prometheus text or HTML by
:meth:`Tracker.to_csv`, :meth:`Tracker.openmetrics` and
:meth:`Tracker.to_html`.

Errors raise :class:`SocialKPIError` subclasses (see :mod:`socialkpi.errors`)
carrying the C status.  Trackers pickle (as snapshots), so they travel
through multiprocessing, Dask or Spark and merge back with
:meth:`Tracker.merge`.

The library is found as :mod:`socialkpi._loader` describes (the
``SOCIALKPI_LIBRARY`` environment variable first); :data:`library_path`
tells which file was loaded.
"""

from __future__ import annotations

from typing import Tuple, Union

from . import _ffi
from ._convert import FOLLOWERS_MAX, TIME_MAX, TIME_MIN, parse_time
from .errors import *  # noqa: F401,F403 - the exception classes
from .errors import SocialKPIError, by_name, by_status
from .errors import __all__ as _errors_all
from .ingest import CSVReject, IngestResult
from .report import (ALL, ANOMALIES, DIMS, PEOPLE, Backlog, Csat,
                     EngagementRate, Followers, FollowersTotal, People, Posts,
                     Report, Responses, ResponseTime, Sla, dim_index)
from .tracker import (BUCKETS, FSYNC, OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE,
                      WEEKDAYS, CategoryInfo, JournalRecovery, TaxonomyEntry, Tracker)

#: The library version, "MAJOR.MINOR.PATCH" (skpi_version_string()); the
#: package has the version of the library it wraps.
__version__: str = _ffi.lib.skpi_version_string().decode("ascii")

#: The library version as MAJOR*10000 + MINOR*100 + PATCH (skpi_version_number()).
version_number: int = int(_ffi.lib.skpi_version_number())

#: (major, minor, patch) of the loaded library.
version_info: Tuple[int, int, int] = (version_number // 10000,
                                      version_number // 100 % 100,
                                      version_number % 100)

#: The path (or soname) of the loaded library.
library_path: str = _ffi.path

#: Longest message, author or person id, in bytes (SKPI_ID_MAX).
ID_MAX = 256
#: Longest slug and label, in bytes (SKPI_SLUG_MAX, SKPI_LABEL_MAX).
SLUG_MAX = 32
LABEL_MAX = 256


def taxonomy_capacity(dim: Union[str, int]) -> int:
    """The capacity of a taxonomy dimension ("platform": 32, "group": 16,
    "category": 64, "kind": 32), from skpi_taxonomy_capacity()."""
    return int(_ffi.lib.skpi_taxonomy_capacity(dim_index(dim)))


def strerror(status: int) -> str:
    """The library's sentence for a status code (skpi_strerror())."""
    return _ffi.lib.skpi_strerror(int(status)).decode("utf-8", "replace")


def status_name(status: int) -> str:
    """The enumerator name of a status code (skpi_status_name())."""
    return _ffi.lib.skpi_status_name(int(status)).decode("ascii", "replace")


__all__ = [
    "Tracker", "Report", "SocialKPIError", "parse_time", "taxonomy_capacity",
    "strerror", "status_name", "by_status", "by_name", "library_path",
    "version_number", "version_info", "__version__", "TIME_MIN", "TIME_MAX",
    "FOLLOWERS_MAX", "ID_MAX", "SLUG_MAX", "LABEL_MAX", "ALL", "DIMS",
    "ANOMALIES", "PEOPLE", "BUCKETS", "FSYNC", "WEEKDAYS", "TaxonomyEntry",
    "CategoryInfo", "JournalRecovery", "Responses", "Sla", "Csat", "Posts",
    "Followers", "FollowersTotal", "EngagementRate", "ResponseTime",
    "Backlog", "People", "IngestResult", "CSVReject", "OPENMETRICS_CONTENT_TYPE",
    "PROMETHEUS_CONTENT_TYPE",
] + [name for name in _errors_all
     if name not in ("by_status", "by_name", "strerror", "status_name", "error_for")]

"""Find and load the shared library libsocialkpi.

The library is looked for in this order, and the first that loads wins:

1. the path in the environment variable ``SOCIALKPI_LIBRARY``; when it is
   set (and not empty) it is the only candidate, so that an explicit choice
   never falls back silently to another copy of the library;
2. the build tree, relative to this package: ``../../lib/.libs/`` seen from
   ``python/socialkpi/`` (running from a built source tree);
3. the library directory recorded by ``make install`` (``_paths.py``, only
   present in a package installed by ``make install``);
4. ``ctypes.util.find_library("socialkpi")`` (the linker's search, e.g. the
   ldconfig cache);
5. the soname ``libsocialkpi.so.0`` handed to the dynamic loader as is
   (``LD_LIBRARY_PATH`` and the system directories).

When none loads, one :class:`ImportError` lists every candidate with the
reason it failed.  After loading, the library's major version must be the
one this package was written for (:data:`MAJOR`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from typing import List, Optional, Tuple

__all__ = ["MAJOR", "SONAME", "ENV_VAR", "candidates", "load"]

#: The library major version this package speaks (skpi_version_number() // 10000).
MAJOR = 0

#: The environment variable that names the library file to load.
ENV_VAR = "SOCIALKPI_LIBRARY"

if sys.platform == "darwin":  # pragma: no cover - Linux is what the project builds on
    SONAME = "libsocialkpi.0.dylib"
else:
    SONAME = "libsocialkpi.so.0"


def _installed_libdir() -> Optional[str]:
    """Return the libdir that ``make install`` recorded, or None."""
    try:
        from ._paths import LIBDIR  # type: ignore[import-not-found]
    except ImportError:
        return None
    return str(LIBDIR) if LIBDIR else None


def candidates() -> List[Tuple[str, str]]:
    """Return the (origin, path-or-name) pairs tried, in order."""
    env = os.environ.get(ENV_VAR, "")
    if env:
        return [(ENV_VAR, env)]
    found: List[Tuple[str, str]] = []
    here = os.path.dirname(os.path.abspath(__file__))
    found.append(("build tree", os.path.normpath(
        os.path.join(here, os.pardir, os.pardir, "lib", ".libs", SONAME))))
    libdir = _installed_libdir()
    if libdir:
        found.append(("make install libdir", os.path.join(libdir, SONAME)))
    name = ctypes.util.find_library("socialkpi")
    if name:
        found.append(("ctypes.util.find_library", name))
    found.append(("soname", SONAME))
    return found


def load() -> Tuple[ctypes.CDLL, ctypes.PyDLL, str]:
    """Load the library; return a CDLL and a PyDLL view of it and its path.

    The CDLL releases the GIL around each call (used for everything that
    may take time); the PyDLL keeps it (used for the short recording calls,
    where releasing and taking back the GIL costs more than the call).

    Raises ImportError, listing every candidate tried and why it failed,
    when no candidate loads or the library's major version differs.
    """
    tried: List[str] = []
    for origin, path in candidates():
        if os.sep in path and not os.path.exists(path):
            tried.append("  %s: %s (no such file)" % (origin, path))
            continue
        try:
            cdll = ctypes.CDLL(path)
        except OSError as e:
            tried.append("  %s: %s (%s)" % (origin, path, e))
            continue
        try:
            number = cdll.skpi_version_number
            text = cdll.skpi_version_string
        except AttributeError as e:
            tried.append("  %s: %s (not libsocialkpi: %s)" % (origin, path, e))
            continue
        number.argtypes = []
        number.restype = ctypes.c_uint32
        text.argtypes = []
        text.restype = ctypes.c_char_p
        version = int(number())
        if version // 10000 != MAJOR:
            tried.append("  %s: %s (version %s, major %d; this package needs major %d)"
                         % (origin, path, text().decode("ascii", "replace"),
                            version // 10000, MAJOR))
            continue
        return cdll, ctypes.PyDLL(path), path
    raise ImportError(
        "socialkpi: cannot load libsocialkpi (major version %d); tried:\n%s\n"
        "Build it (make), install it (make install; ldconfig), or set %s to "
        "the path of %s." % (MAJOR, "\n".join(tried), ENV_VAR, SONAME))

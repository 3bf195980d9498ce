"""Helpers shared by the socialkpi tests."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import tempfile
import unittest
from typing import Dict, Optional

#: python/ (the package's source directory) and the top of the source tree.
PYDIR = pathlib.Path(__file__).resolve().parents[1]
TOP_SRCDIR = PYDIR.parent
HEADER = TOP_SRCDIR / "include" / "socialkpi.h"
#: The top of the build tree (differs from the source tree under distcheck).
TOP_BUILDDIR = pathlib.Path(os.environ.get("SKPI_TOP_BUILDDIR") or TOP_SRCDIR)

MARCH_10 = 1710028800         # 2024-03-10T00:00:00Z
HOUR = 3600
DAY = 86400


def crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli), as the snapshot format uses it."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def child_env(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """The environment for a child Python that imports this package."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(PYDIR) + (os.pathsep + env["PYTHONPATH"]
                                      if env.get("PYTHONPATH") else "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if extra:
        env.update(extra)
    return env


def run_python(code: str, env: Optional[Dict[str, str]] = None,
               cwd: Optional[str] = None) -> subprocess.CompletedProcess:
    """Run `code` in a child of this interpreter; capture its output.

    The child runs outside the source tree unless `cwd` says otherwise:
    ``python -c`` puts its working directory first on sys.path, which
    would import python/socialkpi whatever PYTHONPATH says."""
    return subprocess.run([sys.executable, "-c", code], env=env or child_env(),
                          cwd=cwd or tempfile.gettempdir(),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=300)


def skpi(*args: str, stdin: Optional[bytes] = None) -> bytes:
    """Run ``examples/skpi ARGS...`` of this build tree against the library
    under test; return its standard output.  Skip the test without the
    tool; fail it if the tool fails."""
    tool = TOP_BUILDDIR / "examples" / "skpi"
    if not os.access(str(tool), os.X_OK):
        raise unittest.SkipTest("no examples/skpi in %s" % TOP_BUILDDIR)
    env = dict(os.environ)
    lib = os.path.dirname(os.environ.get("SOCIALKPI_LIBRARY", ""))
    if lib:
        env["LD_LIBRARY_PATH"] = lib + (":" + env["LD_LIBRARY_PATH"]
                                        if env.get("LD_LIBRARY_PATH") else "")
    out = subprocess.run([str(tool)] + list(args), input=stdin, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    if out.returncode != 0:
        raise AssertionError("skpi %s: exit %d: %s" % (" ".join(args), out.returncode,
                                                       out.stderr.decode("utf-8", "replace")))
    return out.stdout


class TempDirTest(unittest.TestCase):
    """A test case with a fresh temporary directory in self.dir."""

    def setUp(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="skpi-py-")
        self.dir = self._tmp.name

    def tearDown(self) -> None:
        self._tmp.cleanup()

    def path(self, name: str) -> str:
        return os.path.join(self.dir, name)

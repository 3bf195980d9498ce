"""`pip install --no-build-isolation ./python` works offline, and the
installed package finds the library through the dynamic loader."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import unittest

from support import PYDIR, TempDirTest, child_env, run_python


def pip_ready() -> str:
    """Why pip cannot build here, or "" if it can."""
    if subprocess.run([sys.executable, "-m", "pip", "--version"], stdout=subprocess.DEVNULL,
                      stderr=subprocess.DEVNULL).returncode != 0:
        return "no pip for %s" % sys.executable
    if importlib.util.find_spec("setuptools") is None:
        return "no setuptools for %s" % sys.executable
    import setuptools
    major = int(setuptools.__version__.split(".")[0])
    if major < 61:
        return "setuptools %s is older than 61" % setuptools.__version__
    if major < 70 and importlib.util.find_spec("wheel") is None:
        return "setuptools %s needs the wheel package" % setuptools.__version__
    return ""


class PipInstallTest(TempDirTest):

    def test_pip_install_offline(self) -> None:
        why = pip_ready()
        if why:
            self.skipTest(why)
        lib = os.environ.get("SOCIALKPI_LIBRARY")
        if not lib:
            self.skipTest("SOCIALKPI_LIBRARY is not set")
        # Build from a copy: pip builds in place, and the source tree may be
        # read-only (make distcheck).
        src = os.path.join(self.dir, "src")
        shutil.copytree(str(PYDIR), src, ignore=shutil.ignore_patterns(
            "tests", "__pycache__", "build", "*.egg-info", "Makefile*"))
        target = os.path.join(self.dir, "site")
        env = child_env({"PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
                         "PIP_NO_CACHE_DIR": "1"})
        env.pop("PYTHONPATH")
        out = subprocess.run([sys.executable, "-m", "pip", "install", "--no-build-isolation",
                              "--no-deps", "--no-index", "--target", target, src],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             universal_newlines=True, env=env, timeout=300)
        self.assertEqual(out.returncode, 0, out.stdout)
        pkg = os.path.join(target, "socialkpi")
        for name in ("__init__.py", "_ffi.py", "_loader.py", "errors.py", "tracker.py",
                     "ingest.py", "report.py", "_batch.py", "_convert.py", "py.typed"):
            self.assertTrue(os.path.exists(os.path.join(pkg, name)), name)
        code = ("import socialkpi; t = socialkpi.Tracker(); t.message('twitter', 'thanks', 0); "
                "print(socialkpi.library_path, t.report('1970-01-01')['messages']['total'])")
        env = child_env({"SOCIALKPI_LIBRARY": "", "PYTHONPATH": target,
                         "LD_LIBRARY_PATH": os.path.dirname(lib)})
        out2 = run_python(code, env=env, cwd=self.dir)
        self.assertEqual(out2.returncode, 0, out2.stderr)
        path, total = out2.stdout.split()
        self.assertFalse(os.path.isabs(path) and path.startswith(str(PYDIR.parent)), path)
        self.assertEqual(total, "1")


if __name__ == "__main__":
    unittest.main()

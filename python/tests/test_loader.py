"""Loading the library, the version check, and the function table."""

from __future__ import annotations

import ctypes.util
import os
import re
import shutil
import unittest
from unittest import mock

import socialkpi
from socialkpi import _ffi, _loader

from support import HEADER, PYDIR, TempDirTest, child_env, run_python


def header_functions() -> dict:
    """name -> number of parameters, for every SKPI_API function."""
    text = HEADER.read_text(encoding="utf-8")
    out = {}
    for m in re.finditer(r"^SKPI_API [^;]*?\b(skpi_[a-z0-9_]+)\((.*?)\);", text, re.M | re.S):
        params = m.group(2).strip()
        out[m.group(1)] = 0 if params == "void" else params.count(",") + 1
    return out


class TableTest(unittest.TestCase):

    @unittest.skipUnless(HEADER.exists(), "needs include/socialkpi.h")
    def test_table_has_every_exported_function(self) -> None:
        declared = header_functions()
        self.assertGreater(len(declared), 80)
        self.assertEqual(sorted(_ffi.TABLE), sorted(declared))
        for name, (restype, argtypes) in _ffi.TABLE.items():
            self.assertEqual(len(argtypes), declared[name], name)

    @unittest.skipUnless(HEADER.exists(), "needs include/socialkpi.h")
    def test_status_functions_are_checked(self) -> None:
        text = HEADER.read_text(encoding="utf-8")
        status_funcs = set(re.findall(r"^SKPI_API skpi_status (skpi_[a-z0-9_]+)\(", text, re.M))
        checked = {n for n, (r, _) in _ffi.TABLE.items() if r is _ffi.STATUS}
        self.assertEqual(checked, status_funcs)
        for name in checked:
            self.assertIs(getattr(_ffi.lib, name).errcheck, _ffi._errcheck)
            self.assertEqual(getattr(_ffi.raw, name).restype, ctypes.c_int)
        self.assertEqual(sorted(_ffi.fast), sorted(n for n in checked if n.startswith("skpi_record_")))

    def test_every_function_is_callable(self) -> None:
        for name in _ffi.TABLE:
            self.assertTrue(callable(getattr(_ffi.lib, name)))

    def test_slug_variants(self) -> None:
        # The *_slug calls are in the table (Tracker resolves slugs itself,
        # with a cache); they record what the id calls record.
        with socialkpi.Tracker() as a, socialkpi.Tracker() as b:
            h = b._h
            t0 = 1710028800
            a.message(0, 1, t0)
            a.response(0, 1, t0, t0 + 5)
            a.engagement(0, 1, t0, 3)
            a.posts(0, t0, 2)
            a.followers(0, t0, 10)
            a.rating(0, t0, 4)
            a.message_id(0, 1, t0, "m", "u")
            a.reply(0, "m", t0 + 9)
            a.engagement(0, 1, t0, 1, "p")
            a.follower(0, t0, "p")
            lib = _ffi.lib
            lib.skpi_record_message_slug(h, b"twitter", b"help_request", t0)
            lib.skpi_record_response_slug(h, b"twitter", b"help_request", t0, t0 + 5)
            lib.skpi_record_engagement_slug(h, b"twitter", b"share", t0, 3)
            lib.skpi_record_posts_slug(h, b"twitter", t0, 2)
            lib.skpi_record_followers_slug(h, b"twitter", t0, 10)
            lib.skpi_record_rating_slug(h, b"twitter", t0, 4)
            lib.skpi_record_message_id_slug(h, b"twitter", b"help_request", t0, b"m", b"u")
            lib.skpi_record_reply_slug(h, b"twitter", b"m", t0 + 9)
            lib.skpi_record_engagement_by_slug(h, b"twitter", b"share", t0, 1, b"p")
            lib.skpi_record_follower_slug(h, b"twitter", t0, b"p")
            self.assertEqual(a.to_bytes(), b.to_bytes())
            with self.assertRaises(socialkpi.NotFoundError):
                lib.skpi_record_message_slug(h, b"myspace", b"help_request", t0)


class VersionTest(unittest.TestCase):

    def test_version(self) -> None:
        self.assertEqual(socialkpi.__version__,
                         _ffi.lib.skpi_version_string().decode("ascii"))
        self.assertRegex(socialkpi.__version__, r"^\d+\.\d+\.\d+$")
        self.assertEqual(socialkpi.version_info[0], _loader.MAJOR)
        self.assertEqual("%d.%d.%d" % socialkpi.version_info, socialkpi.__version__)

    def test_pyproject_has_the_library_version(self) -> None:
        text = (PYDIR / "pyproject.toml").read_text(encoding="utf-8")
        m = re.search(r'^version = "([^"]+)"', text, re.M)
        self.assertIsNotNone(m)
        self.assertEqual(m.group(1), socialkpi.__version__,
                         "bump python/pyproject.toml with AC_INIT in configure.ac")

    def test_library_path(self) -> None:
        env = os.environ.get("SOCIALKPI_LIBRARY")
        if env:
            self.assertEqual(socialkpi.library_path, env)
        self.assertTrue(socialkpi.library_path)


class LoaderTest(TempDirTest):

    def test_candidates_in_order(self) -> None:
        with mock.patch.dict(os.environ, {"SOCIALKPI_LIBRARY": ""}):
            found = _loader.candidates()
        origins = [origin for origin, _ in found]
        self.assertEqual(origins[0], "build tree")
        self.assertEqual(found[0][1], os.path.normpath(
            os.path.join(str(PYDIR), "..", "lib", ".libs", _loader.SONAME)))
        self.assertEqual(found[-1], ("soname", _loader.SONAME))
        if ctypes.util.find_library("socialkpi"):
            self.assertIn("ctypes.util.find_library", origins)
        with mock.patch.dict(os.environ, {"SOCIALKPI_LIBRARY": "/x/lib.so"}):
            self.assertEqual(_loader.candidates(), [("SOCIALKPI_LIBRARY", "/x/lib.so")])

    def test_import_error_lists_what_was_tried(self) -> None:
        missing = os.path.join(self.dir, "nowhere", "libsocialkpi.so.0")
        out = run_python("import socialkpi", env=child_env({"SOCIALKPI_LIBRARY": missing}))
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("ImportError", out.stderr)
        self.assertIn(missing, out.stderr)
        self.assertIn("no such file", out.stderr)
        self.assertIn("SOCIALKPI_LIBRARY", out.stderr)
        # not a library at all
        junk = os.path.join(self.dir, "junk.so")
        with open(junk, "w") as f:
            f.write("junk")
        out = run_python("import socialkpi", env=child_env({"SOCIALKPI_LIBRARY": junk}))
        self.assertIn(junk, out.stderr)
        # a library that is not libsocialkpi
        libc = ctypes.util.find_library("c")
        if libc:
            out = run_python("import socialkpi", env=child_env({"SOCIALKPI_LIBRARY": libc}))
            self.assertIn("not libsocialkpi", out.stderr)

    def test_every_candidate_listed(self) -> None:
        # Copy the package where no build tree is beside it and hide the
        # library from the loader: the error names every candidate.
        pkg = os.path.join(self.dir, "site")
        shutil.copytree(str(PYDIR / "socialkpi"), os.path.join(pkg, "socialkpi"))
        env = child_env({"SOCIALKPI_LIBRARY": "", "LD_LIBRARY_PATH": "", "PYTHONPATH": pkg})
        out = run_python("import socialkpi; print(socialkpi.library_path)", env=env)
        if out.returncode == 0:
            self.skipTest("the loader finds libsocialkpi on this system: %s"
                          % out.stdout.strip())
        self.assertIn("build tree: %s" % os.path.join(self.dir, "lib", ".libs",
                                                      _loader.SONAME), out.stderr)
        self.assertIn("soname: %s" % _loader.SONAME, out.stderr)

    def test_soname_through_the_loader_path(self) -> None:
        # The same copy finds the library by its soname once the dynamic
        # loader can see it (as an installed library would be found).
        lib = os.environ.get("SOCIALKPI_LIBRARY")
        if not lib:
            self.skipTest("SOCIALKPI_LIBRARY is not set")
        pkg = os.path.join(self.dir, "site")
        shutil.copytree(str(PYDIR / "socialkpi"), os.path.join(pkg, "socialkpi"))
        env = child_env({"SOCIALKPI_LIBRARY": "", "PYTHONPATH": pkg,
                         "LD_LIBRARY_PATH": os.path.dirname(lib)})
        out = run_python("import socialkpi; print(socialkpi.library_path)", env=env)
        self.assertEqual(out.returncode, 0, out.stderr)
        path = out.stdout.strip()
        # the soname as such, or what find_library made of it
        self.assertTrue(path == _loader.SONAME or
                        os.path.realpath(path) == os.path.realpath(lib), path)

    def test_install_libdir_candidate(self) -> None:
        lib = os.environ.get("SOCIALKPI_LIBRARY")
        if not lib:
            self.skipTest("SOCIALKPI_LIBRARY is not set")
        pkg = os.path.join(self.dir, "site")
        shutil.copytree(str(PYDIR / "socialkpi"), os.path.join(pkg, "socialkpi"))
        with open(os.path.join(pkg, "socialkpi", "_paths.py"), "w") as f:
            f.write("LIBDIR = %r\n" % os.path.dirname(lib))
        env = child_env({"SOCIALKPI_LIBRARY": "", "PYTHONPATH": pkg, "LD_LIBRARY_PATH": ""})
        out = run_python("import socialkpi; print(socialkpi.library_path)", env=env)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.strip(), os.path.join(os.path.dirname(lib), _loader.SONAME))

    def test_major_version_is_checked(self) -> None:
        with mock.patch.object(_loader, "MAJOR", _loader.MAJOR + 1):
            with self.assertRaises(ImportError) as cm:
                _loader.load()
        self.assertIn("this package needs major %d" % (_loader.MAJOR + 1), str(cm.exception))


if __name__ == "__main__":
    unittest.main()

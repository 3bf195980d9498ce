"""python/README.md's example is code that runs."""

from __future__ import annotations

import re
import unittest

from support import PYDIR, run_python


def python_blocks() -> list:
    text = (PYDIR / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


class ReadmeTest(unittest.TestCase):

    def test_examples_run_and_print_what_they_say(self) -> None:
        blocks = python_blocks()
        self.assertEqual(len(blocks), 2)
        # The first is the short example the README opens with.
        self.assertLessEqual(len(blocks[0].strip().splitlines()), 20)
        for code in blocks:
            with self.subTest(code=code.splitlines()[0]):
                out = run_python(code)
                self.assertEqual(out.returncode, 0, out.stderr)
                # every print() line documents its output in a trailing comment
                expected = [line.split("#", 1)[1].strip() for line in code.splitlines()
                            if line.lstrip().startswith("print(") and "#" in line]
                self.assertGreaterEqual(len(expected), 3)
                self.assertEqual(out.stdout.splitlines(), expected)


if __name__ == "__main__":
    unittest.main()

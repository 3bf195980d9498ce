"""python/README.md's example is code that runs."""

from __future__ import annotations

import re
import unittest

from support import PYDIR, run_python


def python_blocks() -> list:
    text = (PYDIR / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


class ReadmeTest(unittest.TestCase):

    def test_example_runs_and_prints_what_it_says(self) -> None:
        blocks = python_blocks()
        self.assertEqual(len(blocks), 1)
        code = blocks[0]
        self.assertLessEqual(len(code.strip().splitlines()), 20)
        out = run_python(code)
        self.assertEqual(out.returncode, 0, out.stderr)
        # every print() line documents its output in a trailing comment
        expected = [line.split("#", 1)[1].strip() for line in code.splitlines()
                    if line.startswith("print(") and "#" in line]
        self.assertEqual(out.stdout.splitlines(), expected)


if __name__ == "__main__":
    unittest.main()

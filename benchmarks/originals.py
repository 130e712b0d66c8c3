"""The correct documents the benchmark studies start from (``mutations.py``, ``paraphrases.py``).

* the catalog's own write-ups (``symconv solve ID --format md``), each checked against its set;
* the practice solutions ``shared/practice/*.md``, with the lines their answer key
  (``*.KEY.md``) marks RIGHT.

    >>> [o.name for o in practice_originals()]
    ['nndl-ch5-practice.md', 'nyu-cnn-practice.md']
    >>> (fd,) = catalog_originals(["fd-a"])
    >>> fd.against.id, min(fd.lines), fd.text.startswith("# fd-a")
    ('fd', 1, True)
"""

from __future__ import annotations

import re
import sys
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.shared_files import PRACTICE  # noqa: E402


@dataclass(frozen=True)
class Original:
    """A correct document and the lines of it that a study may change (1-based)."""

    name: str
    text: str
    against: Any
    lines: frozenset[int]


def catalog_originals(exercises: Collection[str] | None = None) -> list[Original]:
    """The catalog's write-ups (every line is right), or those of the ``exercises`` named."""
    from derivations import catalog
    from symconv.problems.writeup import RenderOptions, exercise_markdown

    originals = []
    for problem_set in catalog():
        for exercise in problem_set.exercises:
            if exercises is not None and exercise.id not in exercises:
                continue
            parts = list(exercise.parts)
            reports = {part.id: part.solution.derivation.check() for part in parts}
            text = exercise_markdown(problem_set, exercise, parts, reports, RenderOptions())
            count = text.count("\n") + 1
            originals.append(
                Original(exercise.id, text, problem_set, frozenset(range(1, count + 1)))
            )
    return originals


_KEY_ROW = re.compile(r"^\|\s*(\d+)(?:\s*[–-]\s*(\d+))?\s*\|.*\|\s*(RIGHT|WRONG)\s*\|")
_KEY_SET = re.compile(r"check against problem set ([\w-]+)")


def practice_originals() -> list[Original]:
    """The practice solutions, each with the lines its key marks RIGHT."""
    originals = []
    for key in sorted(PRACTICE.glob("*.KEY.md")):
        solution = key.with_name(key.name.replace(".KEY.md", ".md"))
        key_text = key.read_text(encoding="utf-8")
        found = _KEY_SET.search(key_text)
        if found is None or not solution.exists():
            continue
        right: set[int] = set()
        for row in key_text.splitlines():
            match = _KEY_ROW.match(row)
            if match and match.group(3) == "RIGHT":
                first = int(match.group(1))
                last = int(match.group(2) or first)
                right.update(range(first, last + 1))
        text = solution.read_text(encoding="utf-8")
        originals.append(Original(solution.name, text, found.group(1), frozenset(right)))
    return originals

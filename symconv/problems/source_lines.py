"""Where a key of a problem-set file is written: its line, for an error message.

``tomllib`` gives a line for a syntax error only; a key that is valid TOML but wrong for a problem
set (``questoin``, ``kernal`` in ``args``, a ``$`` reference to no data) is placed here by reading
the file's table headers. Each ``[[exercise]]``, ``[[exercise.part]]``,
``[[exercise.part.accepted]]`` … header opens a section whose *path* counts the arrays of tables
the way the parsed document does — ``("exercise", 1, "part", 0)`` is the first part of the second
exercise — and a key is the first line of that section (or of a sub-table of it, such as
``[exercise.part.args]``) where ``key =`` is written, also inside an inline table
``args = { kernal = 3 }``. A file written without headers (inline arrays) gets no line: the
message then names the exercise, part and key only.

    >>> text = '''id = "s"
    ... [[exercise]]
    ... id = "e1"
    ... [[exercise.part]]
    ... id = "e1a"
    ... questoin = "?"
    ... [[exercise.part]]
    ... id = "e1b"
    ... args = { i = "$n", kernal = 3 }
    ... '''
    >>> lines = SourceLines(text)
    >>> lines.line_of(("exercise", 0, "part", 0), "questoin")
    6
    >>> lines.line_of(("exercise", 0, "part", 1), "kernal")
    9
    >>> lines.line_of(("exercise", 0, "part", 1), token='"$n"')
    9
    >>> lines.line_of(("exercise", 0), "id"), lines.line_of((), "id")
    (3, 1)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from symconv.core.patterns import lazy_compile

#: ``[[a.b]]`` (an array of tables) or ``[a.b]`` (a table), at the start of a line.
HEADER = lazy_compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(#.*)?$")

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Section:
    """The lines of one table: from its header (``start``, 1-based; 0 for the top of the file)
    to the line before the next header (``end``)."""

    path: Path
    start: int
    end: int


def _parts(dotted: str) -> list[str]:
    return [part.strip().strip('"') for part in dotted.split(".")]


class SourceLines:
    """The sections of a TOML text and the line of a key in one of them (module docstring)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.sections: list[Section] = []
        counts: dict[str, int] = {}
        start, path = 0, ()
        current: Path = path
        for number, line in enumerate(self.lines, start=1):
            match = HEADER.match(line)
            if match is None:
                continue
            self.sections.append(Section(current, start, number - 1))
            names = _parts(match.group(2))
            dotted = ".".join(names)
            if match.group(1) == "[[":
                counts[dotted] = counts.get(dotted, 0) + 1
                for key in [k for k in counts if k.startswith(dotted + ".")]:
                    del counts[key]  # a new element starts its sub-arrays again
            current = self._path(names, counts, array=match.group(1) == "[[")
            start = number
        self.sections.append(Section(current, start, len(self.lines)))

    @staticmethod
    def _path(names: list[str], counts: dict[str, int], array: bool) -> Path:
        path: list[str | int] = []
        for depth, name in enumerate(names):
            path.append(name)
            dotted = ".".join(names[: depth + 1])
            last = depth == len(names) - 1
            if dotted in counts and (not last or array):
                path.append(counts[dotted] - 1)
        return tuple(path)

    def _candidates(self, table: Path) -> list[Section]:
        exact = [section for section in self.sections if section.path == table]
        if table == ():
            return exact
        inner = [
            section
            for section in self.sections
            if section.path[: len(table)] == table and section.path != table
        ]
        return exact + inner

    def line_of(self, table: Path, key: str | None = None, token: str | None = None) -> int | None:
        """The line of ``key =`` (or of the text ``token``) in the table at ``table``; without
        either, the table's header line. ``None`` when the file does not show it."""
        sections = self._candidates(table)
        if not sections:
            return None
        if key is None and token is None:
            return sections[0].start or None
        if key is not None:
            pattern = re.compile(r"(?:^|[\s{,])[\"']?" + re.escape(key) + r"[\"']?\s*=(?!=)")
        else:
            pattern = re.compile(re.escape(token or ""))
        for section in sections:
            for number in range(max(section.start, 1), section.end + 1):
                line = self.lines[number - 1]
                if line.lstrip().startswith("#"):
                    continue
                if pattern.search(line):
                    return number
        return sections[0].start or None

"""``symconv.check``: check a hand-written solution from Python.

    >>> from symconv.check.api import check
    >>> report = check("## 2\\n### (e)\\n$Z[0, 3] = 0$\\n", against="nyu-cnn")
    >>> [(j.claim.line, j.claim.part, j.verdict, j.witness) for j in report.judgements
    ...  if j.claim.kind == "answer"]
    [(3, 'nyu-cnn-2e', 'wrong', 'Z[0, 3] = 3')]
    >>> report.has_wrong, report.summary()["unanswered"]
    (True, 18)

The argument is a path (``str`` or :class:`~pathlib.Path`) of a ``.md``, ``.txt``, ``.tex`` or
``.ipynb`` file, or the text of a Markdown solution (a string holding a newline or ``$`` is text).

The check runs in this process: each claim under its time limit (an alarm that never raises
where it would corrupt state, :mod:`symconv.check.limits`), the file under its cooperative
budget. Unlike ``symconv check``, nothing is killed at the budget: a check stuck inside one call
the alarm cannot interrupt (native code) holds the caller until it returns.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from symconv.check.limits import (
    DEFAULT_CLAIM_SECONDS,
    DEFAULT_FILE_SECONDS,
    DEFAULT_MAX_BYTES,
    Limits,
)

if TYPE_CHECKING:
    from symconv.check.model import Report
    from symconv.problems.model import ProblemSet

__all__ = ["check"]


def check(
    path_or_text: str | Path,
    against: str | ProblemSet | None = None,
    *,
    kind: str | None = None,
    time_limit: float = DEFAULT_CLAIM_SECONDS,
    file_time_limit: float = DEFAULT_FILE_SECONDS,
    max_bytes: int = DEFAULT_MAX_BYTES,
    name: str | None = None,
    **unknown: Any,
) -> Report:
    """Check a solution and return its :class:`~symconv.check.model.Report`.

    * ``against``: a problem-set id (``"nyu-cnn"``), a TOML problem-set file, or a
      :class:`~symconv.problems.model.ProblemSet` — maps headings to parts and compares the answers;
    * ``kind``: ``"md"``, ``"tex"`` or ``"ipynb"`` for text (default: from the file name, else
      Markdown);
    * ``time_limit`` (s per claim), ``file_time_limit`` (s per file), ``max_bytes`` (size cap).

    Raises :class:`~symconv.errors.ParseError` for an input that cannot be read (missing, over
    the size cap, binary, not UTF-8) and for unknown options.
    """
    from symconv.errors import ParseError

    if unknown:
        raise ParseError(
            f"check(): unknown option(s) {', '.join(sorted(unknown))}; expected kind, time_limit, "
            "file_time_limit, max_bytes, name"
        )
    limits = Limits(time_limit, file_time_limit, max_bytes)
    from symconv.check.runner import check_path, check_text

    if isinstance(path_or_text, Path) or _looks_like_path(path_or_text):
        if kind is not None:
            from symconv.check.documents import Document
            from symconv.check.limits import read_text
            from symconv.check.runner import check_document

            text = read_text(Path(path_or_text), max_bytes)
            document = Document.from_text(text, name or str(path_or_text), kind)
            return check_document(document, against=against, limits=limits)
        return check_path(path_or_text, against=against, limits=limits)
    return check_text(
        path_or_text, kind=kind or "md", name=name or "<text>", against=against, limits=limits
    )


def _looks_like_path(value: str) -> bool:
    if "\n" in value or "$" in value or len(value) > 4096:
        return False
    from symconv.check.documents import SUPPORTED_SUFFIXES

    path = Path(value)
    return path.exists() or path.suffix.lower() in SUPPORTED_SUFFIXES

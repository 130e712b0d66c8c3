"""What keeps a short command fast stays correct (issue 19's latency target).

* :class:`~symconv.core.patterns.LazyPattern` answers every matching method exactly as the
  ``re.Pattern`` it stands for, and compiles only when first used;
* :mod:`symconv.core.numpy_values` tells NumPy values apart without importing NumPy;
* a ``symconv check`` of a one-line file loads no NumPy and leaves most phrase patterns
  uncompiled — structural facts, measured in a fresh interpreter; the time itself is measured by
  ``benchmarks/cli_latency.py``, never asserted here.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from symconv.core.patterns import LazyPattern, lazy_compile

ROOT = Path(__file__).resolve().parents[2]

CASES = [
    (r"(\d+)\s*[x×]\s*(\d+)", 0, "a 28x28 input and a 3 × 3 kernel"),
    (r"\bstride\s+(?P<s>\d)", re.IGNORECASE, "Stride 2, then STRIDE 3"),
    (r"^#+\s*(.*)$", re.MULTILINE, "# One\ntext\n## Two"),
    (r"\\frac\{([^}]*)\}", 0, r"\frac{a}{b} + \frac{c}{d}"),
    (r"", 0, "ab"),
]


@pytest.mark.parametrize(("source", "flags", "text"), CASES)
def test_a_lazy_pattern_answers_as_the_compiled_one(source: str, flags: int, text: str) -> None:
    lazy, compiled = lazy_compile(source, flags), re.compile(source, flags)
    assert not lazy.compiled_yet
    assert lazy.pattern == compiled.pattern

    def spans(match: re.Match[str] | None) -> tuple[object, ...] | None:
        return None if match is None else (match.span(), match.groups())

    for pos, endpos in [(0, len(text)), (2, len(text)), (1, 4)]:
        assert spans(lazy.search(text, pos, endpos)) == spans(compiled.search(text, pos, endpos))
        assert spans(lazy.match(text, pos, endpos)) == spans(compiled.match(text, pos, endpos))
        assert spans(lazy.fullmatch(text, pos, endpos)) == spans(
            compiled.fullmatch(text, pos, endpos)
        )
        assert lazy.findall(text, pos, endpos) == compiled.findall(text, pos, endpos)
        assert [spans(m) for m in lazy.finditer(text, pos, endpos)] == [
            spans(m) for m in compiled.finditer(text, pos, endpos)
        ]
    assert lazy.split(text) == compiled.split(text)
    assert lazy.split(text, 1) == compiled.split(text, 1)
    assert lazy.sub("<>", text) == compiled.sub("<>", text)
    assert lazy.subn(lambda m: m.group().upper(), text, 1) == compiled.subn(
        lambda m: m.group().upper(), text, 1
    )
    assert (lazy.groups, dict(lazy.groupindex)) == (compiled.groups, dict(compiled.groupindex))
    assert lazy.compiled is lazy.compiled  # compiled once, then kept
    assert lazy.compiled_yet


def test_a_lazy_pattern_with_a_syntax_error_fails_at_first_use() -> None:
    broken = lazy_compile(r"(unclosed")
    with pytest.raises(re.error, match="missing \\)"):
        broken.search("text")


def test_lazy_patterns_compare_by_source_and_flags() -> None:
    assert lazy_compile("a+", re.I) == LazyPattern("a+", re.I)
    assert lazy_compile("a+", re.I) != lazy_compile("a+")
    assert len({lazy_compile("a+"), lazy_compile("a+")}) == 1


def _fresh(program: str, *arguments: str) -> dict[str, object]:
    """Run ``program`` in a fresh interpreter (nothing of this test session imported) and read
    the JSON it prints last."""
    finished = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(program), *arguments],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    return dict(json.loads(finished.stdout.strip().splitlines()[-1]))


def test_numpy_values_are_told_apart_without_importing_numpy() -> None:
    seen = _fresh(
        """
        import json, sys
        from symconv.core.numpy_values import is_ndarray, is_numpy_scalar
        before = [is_ndarray([1, 2]), is_numpy_scalar(3), "numpy" in sys.modules]
        import numpy
        after = [is_ndarray(numpy.zeros(2)), is_numpy_scalar(numpy.float64(1)), is_ndarray(3)]
        print(json.dumps({"before": before, "after": after}))
        """
    )
    assert seen == {"before": [False, False, False], "after": [True, True, False]}


def test_a_one_line_check_loads_no_numpy_and_few_phrase_patterns(tmp_path: Path) -> None:
    solution = tmp_path / "one-line.md"
    solution.write_text("The output size is $o = 48 - 3 + 1 = 46$.\n", encoding="utf-8")
    seen = _fresh(
        """
        import json, sys
        from symconv.cli import build_parser, configure_process
        configure_process()
        from symconv.check.limits import Limits
        from symconv.commands.check import _checked
        from symconv.core.patterns import LazyPattern
        arguments = build_parser().parse_args(["check", sys.argv[1]])
        limits = Limits(arguments.time_limit, arguments.file_time_limit, arguments.max_bytes)
        outcome = _checked(arguments, limits, None)
        lazy = [
            value
            for name, module in list(sys.modules.items())
            if name.startswith("symconv.")
            for value in vars(module).values()
            if isinstance(value, LazyPattern)
        ]
        print(json.dumps({
            "numpy": "numpy" in sys.modules,
            "patterns": len(lazy),
            "compiled": sum(pattern.compiled_yet for pattern in lazy),
        }))
        """,
        str(solution),
    )
    assert seen["numpy"] is False
    patterns, compiled = seen["patterns"], seen["compiled"]
    assert isinstance(patterns, int) and isinstance(compiled, int)
    assert patterns > 100, "the checker's module-level patterns were not found"
    assert compiled < patterns / 2, f"{compiled} of {patterns} phrase patterns compiled"

"""The checker's LaTeX front end: cold start, a 100-line solution, SymPy's parse_latex beside it.

Run from the repository root: ``python benchmarks/bench_check_parser.py``. Prints

1. import times (``python -X importtime``, fresh interpreters): ``sympy`` alone, ``symconv``
   (the package ``__init__``), and ``symconv.check.parser`` (which imports no parser yet);
2. the cost of the first ``parse_math`` call in a fresh interpreter: the LALR tables built from
   the grammar, read from the on-disk cache (``SYMCONV_CACHE_DIR``), or loaded from the tables
   shipped beside the grammar (the default), and the whole cold start of reading a one-line file;
3. the time to split and parse a 100-line solution (the two shared practice solutions, cut to
   100 lines), after the first call;
4. SymPy's own ``parse_latex`` (lark backend; ANTLR too if ``antlr4`` is installed) on the same
   math segments: how many it reads, how many of a set of field notations it reads *with the
   right meaning*, and its time beside ours.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRACTICE = ROOT.parent / "shared" / "practice"  # shared/ beside the repository


def fresh(code: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        check=True,
    )
    return result.stdout.strip()


def import_seconds(module: str) -> float:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    pattern = re.compile(r"\|\s*(\d+)\s*\|\s*" + re.escape(module) + r"\s*$", re.M)
    totals = [int(match.group(1)) for match in pattern.finditer(result.stderr)]
    return max(totals) / 1e6


def median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def cold_start(cache_dir: str, shipped: bool = True) -> tuple[float, float]:
    """``(imports, first parse)`` in a fresh interpreter; ``shipped=False`` ignores the LALR
    tables shipped beside the grammar (symconv.core.parser_tables), so the parser is built (or read
    from the cache in ``cache_dir``)."""
    ignore = (
        ""
        if shipped
        else "from symconv.core.parser_tables import ParserSpec\n"
        "ParserSpec._shipped_payload = lambda self, grammar: None\n"
    )
    code = (
        "import time; t0 = time.perf_counter()\n"
        "from symconv.check.markdown import split_document\n"
        "from symconv.check.parser import parse_math\n" + ignore + "t1 = time.perf_counter()\n"
        "line = 'Answer: $3 \\\\times 3 \\\\times 10 \\\\times 20 + 20 = 1820$'\n"
        "for s in split_document(line):\n"
        "    parse_math(s.text) if s.kind == 'math' else None\n"
        "t2 = time.perf_counter(); print(t1 - t0, t2 - t1)"
    )
    imports, first = fresh(code, {"SYMCONV_CACHE_DIR": cache_dir}).split()
    return float(imports), float(first)


def hundred_lines() -> str:
    lines = []
    for name in ("nndl-ch5-practice.md", "nyu-cnn-practice.md"):
        lines += (PRACTICE / name).read_text("utf-8").splitlines()
    return "\n".join(lines[:100]) + "\n"


# Field notations with the meaning a reader must get (SymPy objects built by hand).
def notation_cases() -> list[tuple[str, object]]:
    import sympy as sp

    x, y, z, i, j, k, K, J, U = sp.symbols("x y z i j k K J U")
    X, W = sp.IndexedBase("X"), sp.IndexedBase("W")
    return [
        ("5.89824e9", sp.Integer(5898240000)),
        (r"5.89824 \times 10^{9}", sp.Integer(5898240000)),
        (r"e^{-z}", sp.exp(-z)),
        (r"\frac{\partial J}{\partial U}", sp.Derivative(J, U)),
        (r"X[i, j+k]", X[i, j + k]),
        (r"\sum_{k=0}^{K-1} W[k] X[j+k]", sp.Sum(W[k] * X[j + k], (k, 0, K - 1))),
        (r"3 \times 3 \times 10 \times 20 + 20", sp.Integer(1820)),
        (r"x_{11}", sp.Symbol("x_{11}")),
        (r"\max(0, z)", sp.Max(0, z)),
        (r"\lfloor x / 2 \rfloor", sp.floor(x / 2)),
        (r"U + x", U + x),
        (r"\frac{1}{2} x y", x * y / 2),
    ]


def main() -> None:
    from symconv.check.markdown import math_segments, split_document
    from symconv.check.parser import parse_math
    from symconv.errors import ParseError

    print("== import (fresh interpreter, python -X importtime) ==")
    sympy_s = median([import_seconds("sympy") for _ in range(3)])
    symconv_s = median([import_seconds("symconv") for _ in range(3)])
    parser_s = median([import_seconds("symconv.check.parser") for _ in range(3)])
    print(f"  sympy                  {sympy_s:6.3f} s")
    print(
        f"  symconv (__init__)     {symconv_s:6.3f} s   ratio to sympy {symconv_s / sympy_s:4.2f}"
    )
    print(f"  symconv.check.parser   {parser_s:6.3f} s   (adds {parser_s - symconv_s:+.3f} s)")

    print("== cold start of a one-line file (fresh interpreter) ==")
    with tempfile.TemporaryDirectory() as cache:
        built = [cold_start("", shipped=False) for _ in range(3)]
        cold_start(cache, shipped=False)  # writes the cache
        cached = [cold_start(cache, shipped=False) for _ in range(3)]
        shipped = [cold_start("") for _ in range(3)]
    for label, runs in (("built", built), ("cached", cached), ("shipped", shipped)):
        imports = median([r[0] for r in runs])
        first = median([r[1] for r in runs])
        total = imports + first
        print(f"  {label:9} imports {imports:6.3f} s + first parse {first:6.3f} s = {total:6.3f} s")
    for label, runs in (("cached", cached), ("shipped tables", shipped)):
        ratio = median([r[1] for r in built]) / median([r[1] for r in runs])
        print(f"  first-parse ratio built / {label}: {ratio:4.2f}")

    text = hundred_lines()
    segments = math_segments(split_document(text))
    parse_math("a = b")  # the first call builds the parser
    runs = []
    read_by_us = 0
    for _ in range(5):
        started = time.perf_counter()
        read_by_us = 0
        for segment in math_segments(split_document(text)):
            try:
                parse_math(segment.text)
                read_by_us += 1
            except ParseError:
                pass
        runs.append(time.perf_counter() - started)
    ours = median(runs)
    print("== a 100-line solution (split + parse every math segment, after the first call) ==")
    print(
        f"  {len(segments)} math segments in {ours:6.3f} s "
        f"({1000 * ours / len(segments):.2f} ms each)"
    )

    print("== SymPy parse_latex beside it (same segments; field notations) ==")
    from sympy.parsing.latex import parse_latex

    cases = notation_cases()
    ours_right = 0
    for latex_text, meaning in cases:
        try:
            value = parse_math(latex_text).single().sides[0].expr
        except ParseError:
            continue
        ours_right += value == meaning
    print(
        f"  symconv     read {read_by_us}/{len(segments)} segments; "
        f"right meaning {ours_right}/{len(cases)}"
    )
    for backend in ("lark", "antlr"):
        try:
            parse_latex("x", backend=backend)
        except ImportError as error:
            print(f"  parse_latex[{backend}] not available: {str(error)[:70]}")
            continue
        read = 0
        started = time.perf_counter()
        for segment in segments:
            try:
                parse_latex(segment.text, backend=backend)
                read += 1
            except Exception:  # a peer's failure of any kind: not read
                pass
        theirs = time.perf_counter() - started
        right = 0
        for latex_text, meaning in cases:
            try:
                right += parse_latex(latex_text, backend=backend) == meaning
            except Exception:  # a peer's failure of any kind: not right
                continue
        print(
            f"  parse_latex[{backend}] read {read}/{len(segments)} segments in {theirs:6.3f} s "
            f"(time ratio to ours {theirs / ours:4.2f}); right meaning {right}/{len(cases)}"
        )


if __name__ == "__main__":
    main()

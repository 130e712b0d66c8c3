"""``symconv check`` end to end: a 100-line solution, the command's cold start, a 1,000-file batch.

Run from the repository root: ``python benchmarks/bench_check.py [--files N]``. Prints

1. the time to check a 100-line solution (the two shared practice solutions, with their problem
   sets, cut to 100 lines) after import, first call and warm, beside the time to only parse its
   math (the floor the judges add to);
2. the cold start of ``symconv check`` on a one-line file (fresh interpreters, median of 5),
   beside ``python -c "import sympy"`` — the ratio is what symconv adds to SymPy's import;
3. batch throughput on 1,000 generated solutions (varied: right, wrong, unreadable) with one and
   with two worker processes, and the ratio (two cores here).

Targets (issue 7): 100-line solution < 1 s after import; cold start < 1.0 s.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRACTICE = Path(os.environ.get("SYMCONV_SHARED", ROOT.parent / "shared")) / "practice"
sys.path.insert(0, str(ROOT))


def median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def hundred_lines() -> tuple[str, str]:
    """A 100-line solution answering nyu-cnn: the practice solution, padded with more parts."""
    text = (PRACTICE / "nyu-cnn-practice.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    extra = [
        "",
        "## 3",
        "",
        "### (c)",
        "",
        "Each output entry costs $3 \\times 3 \\times 10 = 90$ multiplications, so "
        "$46 \\times 62 \\times 20 \\times 90 = 5133600$.",
    ]
    while len(lines) < 100:
        lines.extend(extra)
    return "\n".join(lines[:100]) + "\n", "nyu-cnn"


def bench_hundred_lines() -> None:
    from symconv.check.api import check
    from symconv.check.markdown import split_document
    from symconv.check.parser import parse_math

    text, against = hundred_lines()
    started = time.perf_counter()
    report = check(text, against=against)
    first = time.perf_counter() - started
    warm = []
    for _ in range(3):
        started = time.perf_counter()
        check(text, against=against)
        warm.append(time.perf_counter() - started)
    parse = []
    for _ in range(3):
        started = time.perf_counter()
        for segment in split_document(text):
            if segment.kind == "math":
                with suppress(Exception):  # unreadable math costs its attempt, as in the check
                    parse_math(segment.text)
        parse.append(time.perf_counter() - started)
    summary = report.summary()
    print("1. a 100-line solution (nyu-cnn practice, padded), checked against nyu-cnn")
    print(f"   claims: {len(report.judgements)}  {summary}")
    print(f"   first call after import   {first:7.3f} s   (target < 1 s)")
    print(f"   warm (median of 3)        {median(warm):7.3f} s")
    print(f"   parsing its math alone    {median(parse):7.3f} s   ratio check/parse "
          f"{median(warm) / median(parse):.1f}×")  # fmt: skip


def bench_cold_start(tmp: Path) -> None:
    one = tmp / "one.md"
    one.write_text("$3 \\times 3 \\times 10 \\times 20 + 20 = 1820$\n", encoding="utf-8")

    def timed(arguments: list[str]) -> float:
        started = time.perf_counter()
        subprocess.run(arguments, cwd=ROOT, capture_output=True, check=False)
        return time.perf_counter() - started

    runs = 5
    sympy = median([timed([sys.executable, "-c", "import sympy"]) for _ in range(runs)])
    command = [sys.executable, "-m", "symconv.cli", "check", str(one)]
    check = median([timed(command) for _ in range(runs)])
    against = median([timed([*command, "--against", "nyu-cnn"]) for _ in range(runs)])
    print("2. cold start of `symconv check` on a one-line file (fresh interpreters, median of 5)")
    print(f"   python -c 'import sympy'          {sympy:6.3f} s")
    print(f"   symconv check one.md              {check:6.3f} s   (target < 1.0 s; "
          f"{check / sympy:.2f}× SymPy's import)")  # fmt: skip
    print(f"   symconv check one.md --against    {against:6.3f} s")


def generate(folder: Path, count: int, seed: int = 7) -> None:
    """``count`` varied solutions: right and wrong answers, shapes, formulas, unreadable files."""
    rng = random.Random(seed)
    for index in range(count):
        kind = rng.random()
        channels = rng.choice([10, 20])
        bias = rng.choice([0, 20])
        if kind < 0.02:
            (folder / f"s{index:04d}.md").write_bytes(b"\x89PNG\0\0")
            continue
        body = (
            "## 3\n\n### (a)\n\n"
            f"$Z$ has shape $46 \\times 62 \\times {channels}$.\n\n### (d)\n\n"
            f"$3 \\times 3 \\times 10 \\times 20 + {bias} = {1800 + bias}$\n\n"
            "## 5\n\n### (a)\n\n$\\mathbf{y} = [1, 3, 0, 1]$\n\n### (c)\n\n"
            f"Shape $(B, \\lfloor N/s \\rfloor{' + 1' if rng.random() < 0.5 else ''}, C)$.\n"
        )
        (folder / f"s{index:04d}.md").write_text(body, encoding="utf-8")


def bench_batch(tmp: Path, count: int) -> None:
    from symconv.check.batch import check_files, files_in

    folder = tmp / "batch"
    folder.mkdir()
    generate(folder, count)
    paths = files_in(folder)
    one = check_files(paths, against="nyu-cnn", workers=1, progress=False)
    two = check_files(paths, against="nyu-cnn", workers=2, progress=False)
    print(f"3. batch of {len(paths)} generated solutions against nyu-cnn "
          f"({len(paths) - two.readable} unreadable)")  # fmt: skip
    print(f"   1 process    {one.seconds:7.2f} s   {one.throughput:7.1f} files/s")
    print(f"   2 processes  {two.seconds:7.2f} s   {two.throughput:7.1f} files/s   "
          f"speed-up {one.seconds / two.seconds:.2f}×")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000, help="batch size (1000)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        bench_cold_start(tmp)
        bench_hundred_lines()
        bench_batch(tmp, args.files)


if __name__ == "__main__":
    main()

"""Cold latency of the command line against ``python -c "import sympy"`` (issue 19's target: ≤ 2×).

Run from the repository root: ``python benchmarks/cli_latency.py [--rounds N]``. Measures, each in
a fresh interpreter with an empty ``XDG_CACHE_HOME`` (no cached LALR tables):

* ``python -c "import sympy"``, the floor every command pays;
* ``symconv solve nyu-cnn-4`` (the README's first command: dZ, dW, db, dX derived and checked);
* ``symconv check`` on a one-line solution.

Bytecode is compiled first (``compileall`` of ``symconv`` and ``derivations``), as after any
install: SymPy's own bytecode is there, and ``PYTHONDONTWRITEBYTECODE`` in the environment would
otherwise make every run compile the project's modules from source, which no installed copy does.

The three commands run interleaved, round after round, so drifts of a shared machine fall on
all of them alike; the script prints the median wall-clock time of each and the two ratios to
the SymPy import (the target), and beside them the median CPU time (the command's and its forked
workers'), which other processes on a loaded machine disturb less. A command that fails stops the
script: its time would not be a measurement.
It then breaks one run of each command down, phase by phase, in a fresh process set up as the
command sets up its own (``symconv.cli.configure_process``), calling the functions the command
itself calls (``commands/solve.py``'s set selection, ``commands/check.py``'s per-file check); for
``solve``, every check of every derivation is timed by its name. It asserts nothing: it measures.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONE_LINE = "The output size is $o = 48 - 3 + 1 = 46$.\n"

#: Phase timing shared by both breakdowns (run in a fresh interpreter).
PHASES = r"""
import dataclasses, json, sys, time
from collections import defaultdict
spent = defaultdict(float)
mark = time.perf_counter()

def phase(name):
    global mark
    now = time.perf_counter()
    spent[name] += now - mark
    mark = now
"""

#: ``solve nyu-cnn-4`` as ``commands/solve.py`` runs it, with every check timed by its name.
SOLVE_BREAKDOWN = (
    PHASES
    + r"""
from symconv.cli import configure_process
configure_process()  # what symconv.cli.main sets for a whole process
mark = time.perf_counter()
import sympy
phase("import sympy")
from symconv.cli import build_parser
args = build_parser().parse_args(["solve", "nyu-cnn-4"])
phase("import symconv and its sub-commands")
from symconv.commands.solve import _sets
sets = _sets(args)
phase("build the problem set the id names")
from symconv.problems.model import select
from symconv.problems.writeup import RenderOptions, exercise_markdown
selection = select(sets, "nyu-cnn-4")
jobs = [(selection.problem_set, exercise, parts) for exercise, parts in selection.exercises]
phase("select the exercise")
import symconv.grad.differentiate
import symconv.grad.verify
phase("import the differentiator")
from symconv.grad.grammar import parse_index_formula
parse_index_formula("y[i] = x[i]")
phase("load the index-formula parser and read a first formula")
derivations = {part.id: part.solution.derivation for _, _, parts in jobs for part in parts}
phase("derive the parts")

def timed(check):
    def run(generator):
        begin = time.perf_counter()
        result = check(generator)
        spent["  check: " + result.name] += time.perf_counter() - begin
        return result
    return run

reports = {
    key: dataclasses.replace(d, checks=tuple(map(timed, d.checks))).check()
    for key, d in derivations.items()
}
phase("Derivation.check() of every part")
for problem_set, exercise, parts in jobs:
    exercise_markdown(problem_set, exercise, parts, reports, RenderOptions())
phase("render Markdown")
print(json.dumps(spent))
"""
)

#: ``check FILE`` as ``commands/check.py`` runs it (the per-file check its worker runs).
CHECK_BREAKDOWN = (
    PHASES
    + r"""
from symconv.cli import configure_process
configure_process()  # what symconv.cli.main sets for a whole process
mark = time.perf_counter()
import sympy
phase("import sympy")
from symconv.cli import build_parser
args = build_parser().parse_args(["check", sys.argv[1]])
phase("import symconv and its sub-commands")
from symconv.check.limits import Limits
from symconv.commands.check import _checked
import symconv.check.runner, symconv.check.render
phase("import the checker")
from symconv.check.grammar import parse_tree
parse_tree("1")
phase("build the LaTeX parser")
limits = Limits(args.time_limit, args.file_time_limit, args.max_bytes)
outcome = _checked(args, limits, None)  # no answer key: a document checked alone
phase("read, judge and render the file")
print(json.dumps(spent))
"""
)


def compile_bytecode() -> None:
    """Bytecode of the project, as an install leaves it (see the module docstring)."""
    for folder in ("symconv", "derivations"):
        compileall.compile_dir(ROOT / folder, quiet=1)


def _run(argv: list[str], cache: Path) -> tuple[float, float]:
    """``(wall seconds, CPU seconds)`` of one command, its forked workers included."""
    environment = {**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(ROOT)}
    environment.pop("SYMCONV_CACHE_DIR", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    begin = time.perf_counter()
    finished = subprocess.run(
        argv, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    wall = time.perf_counter() - begin
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if finished.returncode != 0:
        raise SystemExit(
            f"{' '.join(argv)} exited {finished.returncode}: not a measurement\n"
            + finished.stderr.decode("utf-8", errors="replace")
        )
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(rounds: int, solution: Path) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Wall and CPU times of each command, interleaved (the order rotates every round)."""
    commands = {
        "python -c 'import sympy'": [sys.executable, "-c", "import sympy"],
        "symconv solve nyu-cnn-4": [sys.executable, "-m", "symconv", "solve", "nyu-cnn-4"],
        "symconv check one-line.md": [sys.executable, "-m", "symconv", "check", str(solution)],
    }
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    names = list(commands)
    for round_number in range(rounds):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            with tempfile.TemporaryDirectory(prefix="symconv-cold-") as cache:
                wall, cpu = _run(commands[name], Path(cache))
            walls[name].append(wall)
            cpus[name].append(cpu)
    return walls, cpus


def breakdown(code: str, *arguments: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="symconv-cold-") as cache:
        environment = {**os.environ, "XDG_CACHE_HOME": cache, "PYTHONPATH": str(ROOT)}
        environment.pop("SYMCONV_CACHE_DIR", None)
        result = subprocess.run(
            [sys.executable, "-c", code, *arguments],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        )
    return dict(json.loads(result.stdout))


def _print_breakdown(title: str, parts: dict[str, float]) -> None:
    whole = sum(seconds for name, seconds in parts.items() if not name.startswith(" "))
    print(f"{title}, phase by phase in a fresh process ({whole:.2f} s in all):")
    for name, seconds in parts.items():
        print(f"  {name:58s} {seconds:6.2f} s  {seconds / whole:6.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (7)")
    args = parser.parse_args()
    compile_bytecode()
    with tempfile.TemporaryDirectory() as folder:
        solution = Path(folder) / "one-line.md"
        solution.write_text(ONE_LINE, encoding="utf-8")
        times, cpu_times = measure(args.rounds, solution)
        check_parts = breakdown(CHECK_BREAKDOWN, str(solution))
    medians = {name: statistics.median(values) for name, values in times.items()}
    cpu_medians = {name: statistics.median(values) for name, values in cpu_times.items()}
    floor = medians["python -c 'import sympy'"]
    cpu_floor = cpu_medians["python -c 'import sympy'"]
    print(f"cold start, median of {args.rounds} interleaved runs (fresh XDG_CACHE_HOME each):")
    for name, median in medians.items():
        spread = f"{min(times[name]):.2f}–{max(times[name]):.2f}"
        print(
            f"  {name:28s} {median:6.2f} s  (range {spread} s)  {median / floor:5.2f}× sympy;"
            f"  CPU {cpu_medians[name]:5.2f} s  {cpu_medians[name] / cpu_floor:5.2f}×"
        )
    print("ratios of the wall-clock medians to `python -c 'import sympy'` (issue 19: ≤ 2×):")
    for name in list(medians)[1:]:
        print(f"  {name:28s} {medians[name] / floor:.2f}×")
    _print_breakdown("one `solve nyu-cnn-4`", breakdown(SOLVE_BREAKDOWN))
    _print_breakdown("one `check one-line.md` (the worker's part)", check_parts)


if __name__ == "__main__":
    main()

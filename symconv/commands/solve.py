"""symconv solve: complete, verified write-ups of catalog exercises, one document per request.

    symconv solve ID [ID ...] [--format md|tex|json] [--out DIR] [--no-answers]
    symconv solve --all --out DIR      # SET.md, SET.tex and SET.json per set
    symconv solve --list               # every id with its title
    symconv solve --problems FILE [ID ...] [--variant ID]   # ID: a student's numbers
    symconv solve --engines [--format json]   # the engines a problem set may name

A problem set written as data is documented in docs/problem-sets.md; a file with errors is
refused before anything is solved, with every error (file, line, exercise, part, key). Data
drawn per student ({ choose = [...] }, { range = [a, b] }) takes the student's values under
--variant ID (a stable hash of the set and ID), its first values without it; the write-up says
which.

The ids asked for (a set, exercises, parts) make one document: one Markdown page, one LaTeX
document that pdflatex compiles, or one JSON object (docs/solve-report.md). With --out DIR the
document is written to DIR/NAME.FORMAT, NAME being the one id asked for or the set's id; ids from
several sets make one document per set. --no-answers gives the problem sheet in every format.

Every part is checked (numeric twin vs its independent computation, identities) before it is
printed; a part whose check fails is still written, with the failure in its report, and the
command exits 1.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, Literal

FORMATS: tuple[Literal["md", "tex", "json"], ...] = ("md", "tex", "json")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "solve",
        help="write verified solutions of catalog exercises (Markdown, LaTeX, JSON)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("ids", nargs="*", metavar="ID", help="set, exercise or part ids")
    parser.add_argument(
        "--format", choices=FORMATS, help="output format (md; with --all: md, tex and json)"
    )
    parser.add_argument("--out", type=Path, help="write the documents into this folder")
    parser.add_argument("--all", action="store_true", help="every set, one file each (needs --out)")
    parser.add_argument("--list", action="store_true", help="list every id with its title")
    parser.add_argument("--problems", type=Path, help="a problem set written as a data file")
    parser.add_argument("--no-answers", action="store_true", help="the problem sheet only")
    parser.add_argument(
        "--variant",
        metavar="ID",
        help="a student's numbers for data drawn per student (the id: the student's file stem)",
    )
    parser.add_argument(
        "--engines",
        action="store_true",
        help="list the engines a problem set may name, with their arguments (--format json)",
    )
    parser.add_argument(
        "--notation",
        choices=("bracket", "subscript"),
        help="index notation (default: the source's)",
    )
    parser.add_argument(
        "--number-format",
        choices=("grouped", "scientific", "plain"),
        default="grouped",
        help="how large integers are printed (grouped: 5{,}898{,}240{,}000)",
    )
    parser.add_argument(
        "--max-matrix",
        type=int,
        metavar="N",
        help="elide matrices with more than N rows or columns (first N−2, dots, last)",
    )
    parser.set_defaults(run=run)


def _sets(args: argparse.Namespace) -> tuple[Any, ...]:
    if args.problems is not None:
        from symconv.problems.problemset import load_problem_set

        return _variants((load_problem_set(args.problems),), args.variant)
    from derivations import PROVIDERS, catalog, problem_set

    # Only the sets the ids name are built (an id is a set id or starts with one and a dash):
    # importing every provider costs a second at the command line.
    wanted = {
        next((s for s in PROVIDERS if i == s or i.startswith(f"{s}-")), None)
        for i in (args.ids or [])
    }
    if args.ids and not args.all and not args.list and None not in wanted:
        return _variants(
            tuple(problem_set(set_id) for set_id in PROVIDERS if set_id in wanted), args.variant
        )
    return _variants(catalog(), args.variant)


def _variants(sets: tuple[Any, ...], student: str | None) -> tuple[Any, ...]:
    """Each set with ``student``'s numbers (``--variant``); a set whose data is fixed is itself,
    and stderr says so when no set draws anything."""
    if student is None:
        return sets
    from symconv.problems.variants import check_student_id

    check_student_id(student, "--variant")
    if not any(problem_set.has_variants for problem_set in sets):
        names = ", ".join(problem_set.id for problem_set in sets)
        print(
            f"symconv solve: note: {names} draws no data per student: --variant {student} "
            "gives the same numbers as every other student",
            file=sys.stderr,
        )
    return tuple(problem_set.for_student(student) for problem_set in sets)


def run(args: argparse.Namespace) -> int:
    from symconv.errors import ConventionError

    if args.engines:
        from symconv.problems.listing import engines_json, engines_text

        print(engines_json() if args.format == "json" else engines_text(), end="")
        return 0
    sets = _sets(args)
    if args.list:
        for problem_set in sets:
            print(f"{problem_set.id}  {problem_set.title}")
            for exercise in problem_set.exercises:
                print(f"  {exercise.id}  {exercise.title}")
                for part in exercise.parts:
                    if part.id != exercise.id:
                        first_line = next(iter(part.question.splitlines()), "")
                        print(f"    {part.id}  {first_line[:70]}")
        return 0
    if args.all:
        if args.out is None:
            raise ConventionError("solve --all writes one file per set and format: give --out DIR")
        ids = [s.id for s in sets]
    elif args.ids:
        ids = args.ids
    elif args.problems is not None:
        ids = [s.id for s in sets]
    else:
        raise ConventionError("solve: give an id (see `symconv solve --list`), --all or --list")
    return _solve(sets, ids, args)


def _solve(sets: tuple[Any, ...], ids: list[str], args: argparse.Namespace) -> int:
    from dataclasses import replace

    from symconv.errors import ConventionError
    from symconv.problems.handout import RenderOptions, gather
    from symconv.problems.model import select
    from symconv.problems.writeup import Format, document

    if args.max_matrix is not None and args.max_matrix < 3:
        raise ConventionError(f"--max-matrix {args.max_matrix}: keep at least 3 rows/columns")
    options = RenderOptions(
        notation=args.notation,
        number_format=args.number_format,
        no_answers=args.no_answers,
        max_matrix_size=args.max_matrix,
    )
    handouts = gather([(identifier, select(sets, identifier)) for identifier in ids], options)
    if args.out is None and len(handouts) > 1:
        named = ", ".join(h.problem_set.id for h in handouts)
        raise ConventionError(
            f"solve {' '.join(ids)}: the ids name {len(handouts)} sets ({named}) and one document "
            "holds one set; ask for one set at a time, or give --out DIR for one file per set"
        )
    formats: tuple[Format, ...] = (
        (args.format,) if args.format else (FORMATS if args.all else ("md",))
    )
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
    failed = False
    started = time.perf_counter()
    parts = sum(len(h.parts) for h in handouts)
    with _progress(parts, enabled=args.out is not None) as advance:
        for handout in handouts:
            reports = {}
            if not args.no_answers:
                for part in handout.parts:
                    reports[part.id] = part.solution.derivation.check()
                    advance(part.id)
            failed |= any(not report.passed for report in reports.values())
            handout = replace(handout, reports=reports)
            for fmt in formats:
                text = document(handout, fmt)
                if args.out is None:
                    sys.stdout.write(text)
                else:
                    (args.out / f"{handout.name}.{fmt}").write_text(text, encoding="utf-8")
    if args.out is not None:
        elapsed = time.perf_counter() - started
        print(
            f"wrote {len(handouts)} document(s) × {len(formats)} format(s) to {args.out} "
            f"in {elapsed:.2f} s",
            file=sys.stderr,
        )
    return 1 if failed else 0


class _progress:
    """A rich progress bar on a terminal; nothing when stderr is piped."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.total = total
        self._bar: Any = None

    def __enter__(self) -> Any:
        if not self.enabled:
            return lambda name: None
        from rich.progress import Progress

        self._bar = Progress(transient=True)
        self._bar.__enter__()
        task = self._bar.add_task("solving", total=self.total)

        def advance(name: str) -> None:
            self._bar.update(task, advance=1, description=f"solved {name}")

        return advance

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)

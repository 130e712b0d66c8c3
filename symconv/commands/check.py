"""symconv check: say, line by line, what is right in a hand-written solution.

    symconv check FILE [--against SET|FILE] [--format text|json|md] [--no-reveal] [--csv FILE]
    symconv check DIR --against SET --csv FILE [--totals FILE] [--feedback-dir DIR]  # a grade book
    symconv check FILE --against SET --format gradescope|prairielearn   # an autograder's results
    symconv check DIR --against FILE --variants     # each file against its student's numbers
    symconv check FILE --against FILE --variant ID  # one file against student ID's numbers
    options: --time-limit S (per claim, default 2), --file-time-limit S (default 60),
             --max-bytes N (default 1000000), --jobs N (batch processes, default: all cores),
             --quiet (no progress or totals on stderr)

Inputs: Markdown with $…$/$$…$$ math (.md, .txt), LaTeX (.tex), notebooks (.ipynb: Markdown
cells; lines are those of the .ipynb file). --format md prints the document annotated with a
verdict after each claim; --no-reveal leaves expected answers and witnesses out.

A grade book (docs/check-report.md): --csv writes one row per student (the file's stem) and part
with its verdict (correct, incorrect, unverified, blank; error for a file that cannot be read),
points, max_points (the part's points in the set, default 1), the expected answer and the
diagnosis; --totals one row per student with the total; --feedback-dir one annotated Markdown
file per submission. In a folder every file counts: a PDF or an empty file is an error row.
--format gradescope prints Gradescope's autograder results.json, --format prairielearn
PrairieLearn's (docs/gradescope.md).

A set with data drawn per student ({ choose = [...] }, docs/problem-sets.md): --variants checks
each file against the variant of its student (the file's stem), --variant ID one file against
student ID's; the verdicts, the grade book's expected answers, the feedback files and the LMS
outputs are then the variant's. Without them the set's default variant (its first values) is
used, and stderr says so.

Each file is checked in a worker process, killed if it overruns the file's time budget (a
little more than --file-time-limit): the file is then reported as stopped ("time budget of 60 s
for the file spent: the check was stopped"), and a batch goes on with the other files.

Exit codes: 0 nothing wrong; 1 a wrong claim; 2 bad usage, no input could be read, or the one
file could not be read or was stopped at its time budget (the LMS formats still print their
results object, saying why).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from symconv.check.batch import FileResult
    from symconv.check.gradebook import AnswerKey, StudentGrade
    from symconv.errors import SymconvError

LMS = ("gradescope", "prairielearn")
FORMATS = ("text", "json", "md", *LMS)
EXIT_OK, EXIT_WRONG, EXIT_USAGE = 0, 1, 2


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check",
        help="check a hand-written solution line by line (right, wrong, unverified)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", type=Path, metavar="FILE|DIR", help="a solution or a folder")
    parser.add_argument(
        "--against", metavar="SET|FILE", help="a problem set id (nyu-cnn) or a TOML set file"
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="output (text)")
    parser.add_argument(
        "--csv", type=Path, metavar="FILE", help="the grade book: one row per student and part"
    )
    parser.add_argument(
        "--totals", type=Path, metavar="FILE", help="one row per student with the total points"
    )
    parser.add_argument(
        "--feedback-dir",
        type=Path,
        metavar="DIR",
        help="write each student's annotated feedback there (STEM.md)",
    )
    parser.add_argument(
        "--variants",
        action="store_true",
        help="check each file against its student's variant of the set (the file's stem)",
    )
    parser.add_argument(
        "--variant", metavar="ID", help="check against student ID's variant of the set"
    )
    parser.add_argument(
        "--no-reveal", action="store_true", help="leave expected answers and witnesses out"
    )
    parser.add_argument(
        "--time-limit", type=float, default=2.0, metavar="S", help="seconds per claim (2)"
    )
    parser.add_argument(
        "--file-time-limit", type=float, default=60.0, metavar="S", help="seconds per file (60)"
    )
    parser.add_argument(
        "--max-bytes", type=int, default=1_000_000, metavar="N", help="size cap per file (1 MB)"
    )
    parser.add_argument("--jobs", type=int, metavar="N", help="batch processes (all cores)")
    parser.add_argument(
        "--quiet", action="store_true", help="no progress and no batch totals on stderr"
    )
    parser.add_argument(
        "--color", choices=("auto", "always", "never"), default="auto", help="colour (auto)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from symconv.check.limits import Limits
    from symconv.errors import ParseError

    limits = Limits(args.time_limit, args.file_time_limit, args.max_bytes)
    _refuse_bad_usage(args)
    key = None
    if args.against is not None:
        from symconv.check.against import load_problem_set
        from symconv.check.gradebook import answer_key

        # a bad --against is bad usage: refuse before any work; the key is built here, before
        # workers are forked, so that they start with the set's solutions built
        problem_set = load_problem_set(args.against, _variant(args))
        _note_variants(args, problem_set)
        if _grading(args) or args.input.is_dir():  # (a batch's text gives each file's points)
            key = answer_key(problem_set, args.against)
            if args.variants and args.input.is_dir():  # (each file's key is its student's)
                key = replace(key, variant="")
    if args.input.is_dir():
        return _batch(args, limits, key)
    if not args.input.exists():
        raise ParseError(f"{args.input}: no such file or folder")
    return _single(args, limits, key)


def _variant(args: argparse.Namespace) -> str | None:
    """The student whose numbers one file is checked with: ``--variant ID``, or the file's stem
    under ``--variants``; ``None`` for a folder (each file's own) or the default variant."""
    if args.variant is not None:
        return str(args.variant)
    if args.variants and not args.input.is_dir():
        from symconv.check.gradebook import student_of

        return student_of(str(args.input))
    return None


def _note_variants(args: argparse.Namespace, problem_set: Any) -> None:
    """Say on stderr when the numbers checked are not what the command line suggests: a set
    with data drawn per student checked without a variant, or variants of a set that has none."""
    if args.quiet:
        return
    asked = args.variants or args.variant is not None
    if problem_set.has_variants and not asked:
        print(
            f"symconv check: note: {args.against} draws data per student; checking against "
            f"its {problem_set.variant_text} — give --variants (each file's stem) or "
            "--variant ID for a student's numbers",
            file=sys.stderr,
        )
    elif asked and not problem_set.has_variants:
        print(
            f"symconv check: note: {args.against} draws no data per student: every student "
            "is checked against the same numbers",
            file=sys.stderr,
        )


def _refuse_bad_usage(args: argparse.Namespace) -> None:
    from symconv.errors import ParseError

    if (args.variants or args.variant is not None) and args.against is None:
        flag = "--variants" if args.variants else "--variant"
        raise ParseError(f"{flag} draws a student's numbers of a set: give --against SET")
    if args.variants and args.variant is not None:
        raise ParseError(
            "give --variants (each file's stem names its student) or --variant ID, not both"
        )
    if args.variant is not None:
        from symconv.problems.variants import check_student_id

        check_student_id(args.variant, "--variant")
        if args.input.is_dir():
            raise ParseError(
                f"--variant {args.variant} checks one file; for a folder give --variants (each "
                "file is checked against the variant of its stem)"
            )

    if args.format in LMS:
        if args.against is None:
            raise ParseError(f"--format {args.format} grades against a set: give --against SET")
        if args.input.is_dir():
            raise ParseError(
                f"--format {args.format} grades one submission: give its file (a folder is "
                "graded with --csv and --totals)"
            )
    if args.totals is not None and args.against is None:
        raise ParseError("--totals adds up points: give the set with --against SET")
    if args.feedback_dir is not None:
        if args.feedback_dir.exists() and not args.feedback_dir.is_dir():
            raise ParseError(f"--feedback-dir {args.feedback_dir}: is a file, expected a folder")
        if args.input.is_dir() and _inside(args.feedback_dir, args.input):
            raise ParseError(
                f"--feedback-dir {args.feedback_dir} is inside the submissions folder "
                f"{args.input}: its files would be read as submissions next time; put it outside"
            )


def _inside(path: Path, folder: Path) -> bool:
    resolved, outer = path.resolve(), folder.resolve()
    return resolved == outer or outer in resolved.parents


def _grading(args: argparse.Namespace) -> bool:
    """Whether grades are asked for (a grade book, totals, feedback files or an LMS format)."""
    return bool(args.csv or args.totals or args.feedback_dir or args.format in LMS)


# ----------------------------------------------------------------------------------------------
# One file
# ----------------------------------------------------------------------------------------------
def _single(args: argparse.Namespace, limits: Any, key: AnswerKey | None) -> int:
    from symconv.check.batch import Stopped, fork_available, overrun_message, run_in_workers
    from symconv.errors import SymconvError, TimeLimitError

    if fork_available():

        def job(name: str) -> tuple[Any, tuple[Any, ...]]:
            return _checked, (args, limits, key)  # (the worker is forked: nothing is pickled)

        [(_, outcome)] = run_in_workers([str(args.input)], job, 1, limits.worker_seconds)
    else:  # no hard bound: the cooperative budget only (symconv.check.batch)
        outcome = _checked(args, limits, key)
    if isinstance(outcome, Stopped):
        reason = overrun_message(limits) if outcome.overrun else outcome.reason
        _write_failed(args, key, reason)
        error = TimeLimitError if outcome.overrun else SymconvError
        raise error(f"{args.input}: {reason}")
    if outcome.error is not None:
        _write_failed(args, key, str(outcome.error))
        raise outcome.error
    sys.stdout.write(outcome.output)
    if outcome.grade is not None:
        _write_grades(args, key, [outcome.grade], [outcome.feedback])
    if outcome.grade is not None and outcome.grade.error is not None and args.format in LMS:
        raise SymconvError(outcome.grade.error)  # the results object says so; exit 2
    return EXIT_WRONG if outcome.has_wrong else EXIT_OK


def _write_failed(args: argparse.Namespace, key: AnswerKey | None, reason: str) -> None:
    """A file that could not be checked: its error row, total and feedback, and an LMS results
    object that says why (an autograder must still write its results)."""
    if not _grading(args):
        return
    from symconv.check.feedback import error_feedback
    from symconv.check.gradebook import error_grade

    grade = error_grade(str(args.input), reason, key)
    feedback = error_feedback(grade, key) if args.feedback_dir is not None else None
    if args.format in LMS and key is not None:
        sys.stdout.write(_lms_output(args.format, grade, key, {}, not args.no_reveal))
    _write_grades(args, key, [grade], [feedback])


@dataclass(frozen=True)
class _Checked:
    """One file's check as the worker hands it over: what to print, or the error to raise."""

    output: str = ""
    has_wrong: bool = False
    error: SymconvError | None = None
    grade: StudentGrade | None = None
    feedback: str | None = None


def _checked(args: argparse.Namespace, limits: Any, key: AnswerKey | None) -> _Checked:
    """Read, check and render one file (in the worker)."""
    from symconv.check.batch import EMPTY, unreadable_reason
    from symconv.check.documents import Document
    from symconv.check.gradebook import error_grade, grade_report
    from symconv.check.render import render_json, render_markdown, render_text
    from symconv.check.runner import check_document
    from symconv.errors import ParseError, SymconvError

    reason = unreadable_reason(args.input) if _grading(args) else None
    if reason is not None:  # (a grade book or an LMS says why in words a student reads)
        return _Checked(error=ParseError(reason))
    try:
        document = Document.from_path(args.input, limits.max_bytes)
        report = check_document(
            document, against=args.against, limits=limits, variant=_variant(args)
        )
    except SymconvError as error:
        return _Checked(error=error)
    reveal = not args.no_reveal
    grade = feedback = None
    if _grading(args):
        empty = not document.text.strip()
        grade = (
            error_grade(str(args.input), f"{args.input}: {EMPTY}", key)
            if empty
            else grade_report(report, key, reveal)
        )
        if args.feedback_dir is not None:
            from symconv.check.feedback import error_feedback, feedback_document

            feedback = (
                error_feedback(grade, key)
                if empty
                else feedback_document(report, document, grade, key, reveal)
            )
    if args.format in LMS and grade is not None and key is not None:
        by_part = _part_feedback(report, document, reveal)
        output = _lms_output(args.format, grade, key, by_part, reveal)
    elif args.format == "json":
        output = render_json(report, reveal) + "\n"
    elif args.format == "md":
        output = render_markdown(
            report, document.text, reveal=reveal, kind=document.kind, cells=document.cells
        )
    else:
        output = render_text(
            report, document.text, reveal=reveal, color=_color(args), cells=document.cells
        )
    return _Checked(output, report.has_wrong, grade=grade, feedback=feedback)


def _part_feedback(report: Any, document: Any, reveal: bool) -> dict[str, str]:
    """Each part's feedback on its statements, for an LMS test's output."""
    from symconv.check.feedback import part_feedback
    from symconv.check.render import redacted

    shown = report if reveal else redacted(report)
    by_part: dict[str, list[Any]] = {}
    for judgement in shown.judgements:
        if judgement.claim.part is not None:
            by_part.setdefault(judgement.claim.part, []).append(judgement)
    return {part: part_feedback(found, document.text) for part, found in by_part.items()}


def _lms_output(
    format_: str, grade: StudentGrade, key: AnswerKey, feedback: dict[str, str], reveal: bool
) -> str:
    import json

    from symconv.check.lms import gradescope_results, prairielearn_results

    results = gradescope_results if format_ == "gradescope" else prairielearn_results
    return json.dumps(results(grade, key, feedback, reveal), ensure_ascii=False, indent=2) + "\n"


def _color(args: argparse.Namespace) -> bool:
    if args.color == "always":
        return True
    if args.color == "never":
        return False
    return sys.stdout.isatty()


# ----------------------------------------------------------------------------------------------
# A folder
# ----------------------------------------------------------------------------------------------
def _batch(args: argparse.Namespace, limits: Any, key: AnswerKey | None) -> int:
    import json

    from symconv.check.batch import check_files, submissions_in
    from symconv.errors import ParseError

    if args.format == "md":
        raise ParseError(
            "--format md annotates one file; for a folder use --feedback-dir DIR (one annotated "
            "file per submission), text, json or --csv"
        )
    outputs = [p for p in (args.csv, args.totals, args.feedback_dir) if p is not None]
    if args.against is not None and Path(args.against).is_file():
        outputs.append(Path(args.against))
    paths = submissions_in(args.input, skip=outputs)
    if not paths:
        raise ParseError(f"{args.input}: no file in this folder (hidden files aside)")
    output = "json" if args.format == "json" else "text"
    result = check_files(
        paths,
        against=args.against,
        limits=limits,
        reveal=not args.no_reveal,
        output=output,
        workers=args.jobs,
        progress=False if args.quiet else None,
        key=key,
        feedback=args.feedback_dir is not None,
        variants=args.variants,
    )
    if _grading(args):
        _write_grades(
            args,
            key,
            [r.grade for r in result.results if r.grade is not None],
            [r.feedback for r in result.results if r.grade is not None],
        )
    if output == "json":
        reports = [r.report if r.report is not None else _error_json(r) for r in result.results]
        print(json.dumps(reports, ensure_ascii=False, indent=2))
    else:
        for item in result.results:
            print(f"{item.file}: {_one_line(item, key)}")
    if not args.quiet:
        unreadable = len(result.results) - result.readable - result.overruns
        stopped = f", {result.overruns} stopped at their time budget" if result.overruns else ""
        print(
            f"checked {len(result.results)} files ({unreadable} unreadable{stopped}) in "
            f"{result.seconds:.2f} s: {result.throughput:.1f} files/s",
            file=sys.stderr,
        )
    if result.readable == 0:
        return EXIT_USAGE
    return EXIT_WRONG if any(r.has_wrong for r in result.results) else EXIT_OK


def _one_line(item: FileResult, key: AnswerKey | None) -> str:
    """A file's line in the batch's text output: its tallies, and its points with a set."""
    if item.error:
        return f"error: {item.error}"
    if key is None or item.grade is None:
        return item.text or ""
    from symconv.check.feedback import total_line

    return f"{item.text} — {total_line(item.grade)}"


def _write_grades(
    args: argparse.Namespace,
    key: AnswerKey | None,
    grades: list[StudentGrade],
    feedback: list[str | None],
) -> None:
    """The grade book (--csv), the totals (--totals) and the feedback files (--feedback-dir)."""
    from symconv.check.gradebook import write_gradebook, write_totals

    if args.csv is not None:
        write_gradebook(args.csv, grades)
    if args.totals is not None and key is not None:
        write_totals(args.totals, grades, key)
    if args.feedback_dir is not None:
        root = args.input if args.input.is_dir() else None
        _write_feedback(args.feedback_dir, grades, feedback, root)


def _write_feedback(
    folder: Path, grades: list[StudentGrade], feedback: list[str | None], root: Path | None
) -> None:
    """One file per submission, named by its stem (``alice.md``). Two submissions with one stem
    (``alice.md`` and ``alice.tex``, or ``late/frank.md`` and ``frank.md``) are each named by
    their path in the folder (``alice.md.md``, ``alice.tex.md``; ``late-frank.md.md``), and
    said so on stderr."""
    from collections import Counter

    folder.mkdir(parents=True, exist_ok=True)
    stems = Counter(grade.student for grade in grades)
    for grade, text in zip(grades, feedback, strict=True):
        if text is None:
            continue
        name = grade.student
        if stems[name] > 1:
            path = Path(grade.file)
            relative = path.relative_to(root) if root is not None else Path(path.name)
            name = "-".join(relative.parts)
            print(
                f"symconv check: {grade.file}: another submission has the stem "
                f"{grade.student!r}; its feedback is {folder / (name + '.md')}",
                file=sys.stderr,
            )
        (folder / f"{name}.md").write_text(text, encoding="utf-8")


def _error_json(result: Any) -> dict[str, Any]:
    if result.overrun:
        return {"file": result.file, "error": result.error, "overrun": True}
    return {"file": result.file, "error": result.error}

"""symconv check: say, line by line, what is right in a hand-written solution.

    symconv check FILE [--against SET|FILE] [--format text|json|md] [--no-reveal] [--csv FILE]
    symconv check DIR --csv FILE [--against SET|FILE]       # a batch, on every core
    options: --time-limit S (per claim, default 2), --file-time-limit S (default 60),
             --max-bytes N (default 1000000), --jobs N (batch processes, default: all cores)

Inputs: Markdown with $…$/$$…$$ math (.md, .txt), LaTeX (.tex), notebooks (.ipynb: Markdown
cells; lines are those of the .ipynb file). --format md prints the document annotated with a
verdict after each claim; --no-reveal leaves expected answers and witnesses out.

Exit codes: 0 nothing wrong; 1 a wrong claim; 2 bad usage, or no input could be read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

FORMATS = ("text", "json", "md")
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
    parser.add_argument("--csv", type=Path, metavar="FILE", help="one row per file and part")
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
        "--color", choices=("auto", "always", "never"), default="auto", help="colour (auto)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from symconv.check.limits import Limits
    from symconv.errors import ParseError

    limits = Limits(args.time_limit, args.file_time_limit, args.max_bytes)
    if args.against is not None:
        from symconv.check.against import load_problem_set

        load_problem_set(args.against)  # a bad --against is bad usage: refuse before any work
    if args.input.is_dir():
        return _batch(args, limits)
    if not args.input.exists():
        raise ParseError(f"{args.input}: no such file or folder")
    return _single(args, limits)


def _single(args: argparse.Namespace, limits: Any) -> int:
    from symconv.check.documents import Document
    from symconv.check.render import csv_rows, error_row, render_json, render_markdown, render_text
    from symconv.check.runner import check_document
    from symconv.errors import ParseError

    try:
        document = Document.from_path(args.input, limits.max_bytes)
    except ParseError as error:
        if args.csv is not None:
            from symconv.check.batch import write_csv

            write_csv(args.csv, [error_row(str(args.input), str(error))])
        raise
    report = check_document(document, against=args.against, limits=limits)
    reveal = not args.no_reveal
    if args.format == "json":
        print(render_json(report, reveal))
    elif args.format == "md":
        sys.stdout.write(
            render_markdown(
                report, document.text, reveal=reveal, kind=document.kind, cells=document.cells
            )
        )
    else:
        text = render_text(
            report, document.text, reveal=reveal, color=_color(args), cells=document.cells
        )
        sys.stdout.write(text)
    if args.csv is not None:
        from symconv.check.batch import write_csv

        write_csv(args.csv, csv_rows(report, reveal))
    return EXIT_WRONG if report.has_wrong else EXIT_OK


def _color(args: argparse.Namespace) -> bool:
    if args.color == "always":
        return True
    if args.color == "never":
        return False
    return sys.stdout.isatty()


def _batch(args: argparse.Namespace, limits: Any) -> int:
    import json

    from symconv.check.batch import check_files, files_in, write_csv
    from symconv.errors import ParseError

    if args.format == "md":
        raise ParseError("--format md annotates one file; for a folder use text, json or --csv")
    paths = files_in(args.input)
    if not paths:
        raise ParseError(
            f"{args.input}: no .md, .markdown, .txt, .tex or .ipynb file in this folder"
        )
    output = "json" if args.format == "json" else "text"
    result = check_files(
        paths,
        against=args.against,
        limits=limits,
        reveal=not args.no_reveal,
        output=output,
        workers=args.jobs,
    )
    if args.csv is not None:
        write_csv(args.csv, result.rows())
    if output == "json":
        reports = [r.report if r.report is not None else _error_json(r) for r in result.results]
        print(json.dumps(reports, ensure_ascii=False, indent=2))
    else:
        for item in result.results:
            status = f"error: {item.error}" if item.error else item.text
            print(f"{item.file}: {status}")
    errors = len(result.results) - result.readable
    print(
        f"checked {len(result.results)} files ({errors} unreadable) in {result.seconds:.2f} s: "
        f"{result.throughput:.1f} files/s",
        file=sys.stderr,
    )
    if result.readable == 0:
        return EXIT_USAGE
    return EXIT_WRONG if any(r.has_wrong for r in result.results) else EXIT_OK


def _error_json(result: Any) -> dict[str, Any]:
    return {"file": result.file, "error": result.error}

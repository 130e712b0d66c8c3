"""The corpus table (issue 18's steering benchmark): ``symconv check`` on real outside writing.

Reads ``shared/corpus/KEYS.md`` (:mod:`tests.corpus_keys`), checks each document it keys with the
library API (:func:`symconv.check.api.check` on the path, so a ``.tex`` file is read as LaTeX and
a ``.md`` file as Markdown; no ``--against``: the documents have no catalog entry), and scores
every key row on the judgements whose lines ``claim.line``..``claim.end_line`` meet the row's
lines. The rule, stated precisely in :mod:`tests.corpus_keys`:

* a WRONG row is *caught* when some overlapping judgement is ``wrong`` (column *1:1*: the stricter
  count where one ``wrong`` judgement catches at most one WRONG row);
* a RIGHT row is *flagged* when some overlapping judgement is ``wrong``; *confirmed* when one is
  ``right`` and none ``wrong``; *unverified* when all are ``unverified``; *not extracted* when
  none overlaps. A RIGHT row sharing a line with a WRONG or DEBATABLE row is *shared* and not
  counted (a judgement on that line cannot be told apart by line);
* DEBATABLE rows: how many are flagged (acceptable either way); PROSE rows: how many are called
  ``right`` (false confirmations).

One judgement counts for every row it overlaps, and a row sees every judgement it overlaps.

    python benchmarks/corpus.py [--details FILE | --verbose]

Prints one row per document and a total row, the issue's three targets (≥ 90 % of WRONG rows
caught, no RIGHT row flagged, ≥ 60 % of RIGHT rows confirmed), and the time to check each
document (target: under 2 s each), after one warm-up check so that imports are not counted.
``--details FILE`` (``--verbose``: to stdout) lists each flagged RIGHT row, missed WRONG row and
PROSE row called right with the document's lines and the judgements found on them: what to
steer by. Progress goes to stderr; the exit status is 0 (a measurement, not a test).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.corpus_keys import (  # noqa: E402
    FileKey,
    Judged,
    RowScore,
    caught_one_to_one,
    read_keys,
    score_file,
)
from tests.shared_files import SHARED  # noqa: E402

CORPUS = SHARED / "corpus"

WRONG_CAUGHT_TARGET = 0.90
RIGHT_CONFIRMED_TARGET = 0.60
SECONDS_TARGET = 2.0


@dataclass(frozen=True)
class FileResult:
    """One document checked and scored."""

    key: FileKey
    seconds: float
    judgements: tuple[Judged, ...]
    scores: tuple[RowScore, ...]
    caught_one_to_one: int
    error: str | None = None

    def tally(self) -> dict[str, int]:
        return tally(self.scores, self.caught_one_to_one)


def tally(scores: Sequence[RowScore], one_to_one: int) -> dict[str, int]:
    """The table's columns for a set of scored rows."""

    def count(verdict: str, outcome: str | None = None, shared: bool | None = None) -> int:
        return sum(
            1
            for s in scores
            if s.row.verdict == verdict
            and (outcome is None or s.outcome == outcome)
            and (shared is None or s.shared == shared)
        )

    return {
        "RIGHT": count("RIGHT"),
        "shared": count("RIGHT", shared=True),
        "confirmed": count("RIGHT", "confirmed", shared=False),
        "flagged": count("RIGHT", "flagged", shared=False),
        "unverified": count("RIGHT", "unverified", shared=False),
        "not extracted": count("RIGHT", "not extracted", shared=False),
        "WRONG": count("WRONG"),
        "caught": count("WRONG", "caught"),
        "1:1": one_to_one,
        "DEBATABLE": count("DEBATABLE"),
        "D flagged": count("DEBATABLE", "flagged"),
        "PROSE": count("PROSE"),
        "P right": count("PROSE", "called right"),
    }


COLUMNS = (
    ("RIGHT", "RIGHT"),
    ("shared", "shared"),
    ("confirmed", "conf"),
    ("flagged", "flag"),
    ("unverified", "unver"),
    ("not extracted", "n/e"),
    ("WRONG", "WRONG"),
    ("caught", "caught"),
    ("1:1", "1:1"),
    ("DEBATABLE", "DEB"),
    ("D flagged", "D flag"),
    ("PROSE", "PROSE"),
    ("P right", "P right"),
)


def check_file(key: FileKey, corpus: Path) -> FileResult:
    from symconv.check.api import check
    from symconv.errors import SymconvError

    path = corpus / key.file
    start = time.perf_counter()
    error = None
    judgements: tuple[Judged, ...] = ()
    try:
        report = check(path)
        judgements = tuple(report.judgements)
        error = report.error
    except SymconvError as exc:  # an unreadable document is a result, not a crash
        error = f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - start
    scores = score_file(key, judgements)
    return FileResult(
        key, seconds, judgements, scores, caught_one_to_one(key.rows, judgements), error
    )


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "n/a"


def print_table(results: Sequence[FileResult], out: TextIO) -> None:
    name_width = max(len(r.key.file) for r in results)
    head = [f"{'file':<{name_width}}"] + [f"{title:>7}" for _, title in COLUMNS] + ["   time"]
    out.write(" ".join(head) + "\n")
    out.write("-" * len(" ".join(head)) + "\n")
    for result in results:
        counts = result.tally()
        cells = [f"{result.key.file:<{name_width}}"]
        cells += [f"{counts[column]:>7}" for column, _ in COLUMNS]
        cells.append(f"{result.seconds:>6.2f}s")
        out.write(" ".join(cells) + ("  ERROR " + result.error if result.error else "") + "\n")
    every = [s for r in results for s in r.scores]
    totals = tally(every, sum(r.caught_one_to_one for r in results))
    out.write("-" * len(" ".join(head)) + "\n")
    cells = [f"{'total':<{name_width}}"] + [f"{totals[column]:>7}" for column, _ in COLUMNS]
    cells.append(f"{sum(r.seconds for r in results):>6.2f}s")
    out.write(" ".join(cells) + "\n\n")

    scored = totals["RIGHT"] - totals["shared"]
    caught, wrong = totals["caught"], totals["WRONG"]
    confirmed, flagged = totals["confirmed"], totals["flagged"]
    out.write(
        f"RIGHT rows: {totals['RIGHT']} ({totals['shared']} shared with a WRONG/DEBATABLE row, "
        f"not scored; {scored} scored): confirmed {confirmed} ({percent(confirmed, scored)}), "
        f"flagged {flagged}, unverified {totals['unverified']} "
        f"({percent(totals['unverified'], scored)}), not extracted {totals['not extracted']} "
        f"({percent(totals['not extracted'], scored)})\n"
    )
    out.write(
        f"WRONG rows: {wrong}: caught {caught} ({percent(caught, wrong)}); "
        f"one judgement per row: {totals['1:1']} ({percent(totals['1:1'], wrong)})\n"
    )
    out.write(
        f"DEBATABLE rows: {totals['DEBATABLE']}: flagged {totals['D flagged']}; "
        f"PROSE rows: {totals['PROSE']}: called right {totals['P right']}\n\n"
    )
    targets = (
        (
            f"≥ 90 % of WRONG rows caught ({percent(caught, wrong)})",
            caught >= WRONG_CAUGHT_TARGET * wrong,
        ),
        (f"0 RIGHT rows flagged ({flagged})", flagged == 0),
        (
            f"≥ 60 % of RIGHT rows confirmed ({percent(confirmed, scored)})",
            confirmed >= RIGHT_CONFIRMED_TARGET * scored,
        ),
    )
    out.write("Targets (issue 18):\n")
    for text, met in targets:
        out.write(f"  {text}: {'met' if met else 'NOT met'}\n")
    slowest = max(results, key=lambda r: r.seconds)
    out.write(
        f"  one document under {SECONDS_TARGET:g} s (slowest: {slowest.key.file}, "
        f"{slowest.seconds:.2f} s): {'met' if slowest.seconds < SECONDS_TARGET else 'NOT met'}\n"
    )


def document_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []


def print_details(results: Sequence[FileResult], corpus: Path, out: TextIO) -> None:
    """Each flagged RIGHT row, missed WRONG row and PROSE row called right, then each RIGHT row left
    unverified or not extracted, with its lines and the judgements on them."""
    sections = (
        ("Flagged RIGHT rows", "RIGHT", "flagged"),
        ("Missed WRONG rows", "WRONG", "missed"),
        ("PROSE rows called right", "PROSE", "called right"),
        ("Shared RIGHT rows (not scored)", "RIGHT", None),
        ("Unverified RIGHT rows", "RIGHT", "unverified"),
        ("RIGHT rows not extracted", "RIGHT", "not extracted"),
    )
    for title, verdict, outcome in sections:
        chosen = [
            s
            for result in results
            for s in result.scores
            if s.row.verdict == verdict
            and (s.shared if outcome is None else s.outcome == outcome and not s.shared)
        ]
        out.write(f"## {title}: {len(chosen)}\n\n")
        for score in chosen:
            row = score.row
            out.write(f"### {row.file} {row.label} ({score.outcome})\n")
            out.write(f"key: {row.claim} — {row.why}\n")
            text = document_lines(corpus / row.file)
            for number in sorted(row.lines)[:6]:
                if number <= len(text):
                    out.write(f"  {number:>4}| {shorten(text[number - 1], 150)}\n")
            if len(row.lines) > 6:
                out.write(f"      … {len(row.lines) - 6} more lines\n")
            if not score.judgements:
                out.write("  judgements: none on these lines\n")
            for j in score.judgements:
                span = (
                    f"{j.claim.line}"
                    if j.claim.end_line <= j.claim.line
                    else f"{j.claim.line}–{j.claim.end_line}"
                )
                kind = getattr(j.claim, "kind", "?")
                out.write(f"  - {j.verdict} {span} [{kind}]: {shorten(j.message, 220)}\n")
            out.write("\n")
    print_reasons(results, out)


def print_reasons(results: Sequence[FileResult], out: TextIO) -> None:
    """Why RIGHT and WRONG rows stay unjudged: the judgements on unverified rows, counted by the
    message's first clause (the reason up to the first colon after "not verified")."""
    reasons: Counter[str] = Counter()
    for result in results:
        for score in result.scores:
            if score.row.verdict not in ("RIGHT", "WRONG") or score.outcome not in (
                "unverified",
                "missed",
            ):
                continue
            for j in score.judgements:
                if j.verdict == "unverified":
                    reasons[reason(j.message)] += 1
    out.write(f"## Reasons on unverified RIGHT and missed WRONG rows: {sum(reasons.values())}\n\n")
    for text, n in reasons.most_common():
        out.write(f"{n:>5}  {text}\n")


QUOTED = re.compile(r"'[^']{9,}'|\"[^\"]{9,}\"")  # formulas; short tokens are kept


def reason(message: str) -> str:
    """The general part of an unverified message (names and quoted formulas cut off).

    >>> reason("not verified: could not read the formula: unexpected '+' at column 155 of 'f'")
    "could not read the formula: unexpected '+'"
    >>> reason("not verified: f is not defined (its derivative with respect to x is unknown)")
    '… is not defined …'
    """
    text = message.removeprefix("not verified: ")
    text = re.sub(r" at column \d+ of .*", "", text, flags=re.S)
    text = re.sub(QUOTED, "…", text)
    text = re.sub(r"\(.*", "…", text, flags=re.S)
    text = re.sub(r"^[\w\\{}^, ]+ (is|are) not (defined|given)", r"… \1 not \2", text)
    text = re.sub(r"\bin .*", "…", text, flags=re.S)
    return shorten(text, 110)


def shorten(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", type=Path, help="write the steering list to this file")
    parser.add_argument("--verbose", action="store_true", help="print the steering list")
    parser.add_argument(
        "--corpus", type=Path, default=CORPUS, help=f"the corpus folder (default {CORPUS})"
    )
    args = parser.parse_args(argv)
    keys_path = args.corpus / "KEYS.md"
    if not keys_path.is_file():
        print(f"no corpus keys at {keys_path} (set SYMCONV_SHARED)", file=sys.stderr)
        return 0
    keys = read_keys(keys_path)

    from symconv.check.api import check

    start = time.perf_counter()
    check("# warm-up\n\n$1 + 1 = 2$\n")  # imports and first-call caches, not counted below
    print(f"warm-up (imports, first call): {time.perf_counter() - start:.2f} s", file=sys.stderr)
    results = []
    for key in keys.files:
        print(f"checking {key.file} …", file=sys.stderr, flush=True)
        result = check_file(key, args.corpus)
        print(f"  {result.seconds:.2f} s, {len(result.judgements)} judgements", file=sys.stderr)
        results.append(result)

    print_table(results, sys.stdout)
    if args.verbose:
        sys.stdout.write("\n")
        print_details(results, args.corpus, sys.stdout)
    if args.details is not None:
        with args.details.open("w", encoding="utf-8") as handle:
            print_details(results, args.corpus, handle)
        print(f"details written to {args.details}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Mutation study of ``symconv check``: how many single-token mutations of correct lines it flags.

Originals:

* the catalog's own correct write-ups (``symconv solve ID --format md``), checked against their set;
* the lines of ``shared/practice/*.md`` that the answer key (``*.KEY.md``) marks RIGHT.

Each mutation kind (change a digit, swap two indices, flip a sign, drop a summation with its limits,
shift an index by one, swap ``w``/``x``, transpose a matrix — not a vector, whose entries listed
across or down are the same list) is applied separately, one token per mutant,
inside math only. A mutant is *flagged* when the checker calls a claim ``wrong`` that it did not
call wrong on the original (the originals' own claims are right, so the mutation caused it): on the
mutated line itself (column *at line*), or on a later line that uses it — the next link of a chain
(``a = b`` then ``= c`` with ``b`` mutated) or a claim computed from a mutated definition. A mutant
is *equivalent* when the engine reads the mutated math segment to the same value as the original
(``parse_math``, every side compared exactly with ``==``), or to an index formula that its
comparator finds, like the original, equal to the formula the problem's derivation derives for
that tensor (``grad.compare``: exact evaluation on random tensors of the problem's shapes, 16
trials where the checker draws 3, out-of-range reads zero as DESIGN.md's conventions say — the
summed indices of ``Σ_{i,j} Z[j, i]`` swapped, or a sum limit ``J_1 + 1`` that only adds zeros);
equivalents are excluded from the rate. A transposed list of points (the offsets ``o``, one per
column) that the engine reads as the derivation's points written one per row is equivalent too
(counted after the checker has run; the line under the table says how many).
*same tbl* (a subset of *missed*) counts mutants of a definition (``T :=``, ``o :=``) that the
checker judged right because it is the derivation's table in another arrangement — transposed,
rows reordered or rescaled (the writer's notation); the last column is the rate without them.
*unread* (a subset of *missed*) counts mutants the parser refuses. False alarms are ``wrong``
claims on the unmutated originals (on RIGHT lines for the practice files; anywhere for the
catalog write-ups).

    python benchmarks/mutations.py --limit 40 --seed 8

Seeded and reproducible; progress goes to stderr, the table to stdout.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.originals import Original, catalog_originals, practice_originals  # noqa: E402

KINDS = ("digit", "swap-indices", "flip-sign", "drop-sum", "shift-index", "swap-w-x", "transpose")


@dataclass(frozen=True)
class Region:
    """A math segment: its content's character span in the document and its lines."""

    start: int
    end: int
    lines: frozenset[int]


@dataclass(frozen=True)
class Mutant:
    original: Original
    region: Region
    text: str
    math_before: str
    math_after: str


# -- math regions ------------------------------------------------------------------------------
def math_regions(original: Original) -> list[Region]:
    """The checker's own math segments (inline math, display math, rows of ``aligned``)."""
    from symconv.check.documents import Document

    regions = []
    for segment in Document.from_text(original.text, original.name, "md").segments:
        if segment.kind != "math":
            continue
        lines = frozenset(range(segment.line, segment.end_line + 1))
        if lines & original.lines:
            regions.append(Region(segment.offset, segment.offset + len(segment.text), lines))
    return regions


# -- mutation operators: each yields mutated versions of one math segment -----------------------
def _replace(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


def _command_spans(math: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\\[A-Za-z]+", math)]


def _outside_commands(math: str, position: int) -> bool:
    return not any(a <= position < b for a, b in _command_spans(math))


def mutate_digit(math: str, rng: random.Random) -> Iterator[str]:
    for match in re.finditer(r"\d", math):
        if not _outside_commands(math, match.start()):
            continue
        digit = match.group()
        new = rng.choice([d for d in "0123456789" if d != digit])
        yield _replace(math, match.start(), match.end(), new)


_INDEX_LIST = re.compile(r"(?<=[A-Za-z}\]])\[([^\[\]]+)\]|_\{([^{}]+)\}")


def _index_items(math: str) -> Iterator[tuple[int, list[tuple[int, int]]]]:
    """Index lists ``X[a, b]`` / ``w_{a,b}`` / ``w_{12}``: (list start, item spans)."""
    for match in _INDEX_LIST.finditer(math):
        group = 1 if match.group(1) is not None else 2
        body = match.group(group)
        base = match.start(group)
        if "," in body:
            spans, position = [], 0
            for piece in body.split(","):
                stripped = piece.strip()
                if stripped:
                    offset = piece.index(stripped)
                    spans.append(
                        (base + position + offset, base + position + offset + len(stripped))
                    )
                position += len(piece) + 1
        elif re.fullmatch(r"[0-9a-z]{2,3}", body):
            spans = [(base + k, base + k + 1) for k in range(len(body))]
        else:
            spans = [(base, base + len(body))] if body.strip() else []
        yield match.start(), spans


def mutate_swap_indices(math: str, rng: random.Random) -> Iterator[str]:
    for _, spans in _index_items(math):
        pairs = [
            (a, b)
            for i, a in enumerate(spans)
            for b in spans[i + 1 :]
            if math[a[0] : a[1]] != math[b[0] : b[1]]
        ]
        if not pairs:
            continue
        (a0, a1), (b0, b1) = rng.choice(pairs)
        first, second = math[a0:a1], math[b0:b1]
        yield math[:a0] + second + math[a1:b0] + first + math[b1:]


def mutate_flip_sign(math: str, rng: random.Random) -> Iterator[str]:
    for match in re.finditer(r"(?<![\\^_{])[+-]|−", math):
        new = "-" if match.group() == "+" else "+"
        yield _replace(math, match.start(), match.end(), new)


def _group_end(math: str, start: int) -> int:
    """The end of the brace group opening at ``start`` (``len(math)`` if it never closes)."""
    depth = 0
    for position in range(start, len(math)):
        if math[position] == "{":
            depth += 1
        elif math[position] == "}":
            depth -= 1
            if depth == 0:
                return position + 1
    return len(math)


def _script_end(math: str, position: int) -> int:
    """After ``\\sum``: past its ``\\limits``, ``_{…}`` (nested braces, as in ``\\substack``)
    and ``^{…}``, and the spaces after them."""
    while True:
        rest = math[position:]
        stripped = len(rest) - len(rest.lstrip())
        position += stripped
        if math.startswith("\\limits", position):
            position += len("\\limits")
        elif math[position : position + 1] in ("_", "^"):
            position += 1
            if math[position : position + 1] == "{":
                position = _group_end(math, position)
            else:
                position += 1
        else:
            return position


def mutate_drop_sum(math: str, rng: random.Random) -> Iterator[str]:
    for match in re.finditer(r"\\sum(?![A-Za-z])", math):
        yield _replace(math, match.start(), _script_end(math, match.end()), "")


def mutate_shift_index(math: str, rng: random.Random) -> Iterator[str]:
    for _, spans in _index_items(math):
        if not spans:
            continue
        a, b = rng.choice(spans)
        item = math[a:b]
        if item.isdigit():
            yield _replace(math, a, b, str(int(item) + 1))
        else:
            yield _replace(math, a, b, f"{item} + 1")


def mutate_swap_w_x(math: str, rng: random.Random) -> Iterator[str]:
    swap = {"w": "x", "x": "w", "W": "X", "X": "W"}
    for match in re.finditer(r"(?<![\\A-Za-z])([wxWX])(?=_|\[)", math):
        yield _replace(math, match.start(1), match.end(1), swap[match.group(1)])


_MATRIX = re.compile(r"\\begin\{([bpvBV]?matrix)\}(.*?)\\end\{\1\}", re.DOTALL)


def mutate_transpose(math: str, rng: random.Random) -> Iterator[str]:
    for match in _MATRIX.finditer(math):
        rows = [
            [cell.strip() for cell in row.split("&")]
            for row in re.split(r"\\\\", match.group(2))
            if row.strip()
        ]
        width = len(rows[0]) if rows else 0
        if not rows or any(len(row) != width for row in rows):
            continue
        if len(rows) == 1 or width == 1:
            continue  # a vector: its entries, listed across or down, are the same weights
        columns = [[row[j] for row in rows] for j in range(width)]
        body = r" \\ ".join(" & ".join(column) for column in columns)
        new = f"\\begin{{{match.group(1)}}} {body} \\end{{{match.group(1)}}}"
        yield _replace(math, match.start(), match.end(), new)


OPERATORS: dict[str, Callable[[str, random.Random], Iterator[str]]] = {
    "digit": mutate_digit,
    "swap-indices": mutate_swap_indices,
    "flip-sign": mutate_flip_sign,
    "drop-sum": mutate_drop_sum,
    "shift-index": mutate_shift_index,
    "swap-w-x": mutate_swap_w_x,
    "transpose": mutate_transpose,
}


def mutants_of(kind: str, originals: list[Original], rng: random.Random) -> list[Mutant]:
    found = []
    for original in originals:
        for region in math_regions(original):
            math = original.text[region.start : region.end]
            for new in OPERATORS[kind](math, rng):
                if new == math:
                    continue
                text = original.text[: region.start] + new + original.text[region.end :]
                found.append(Mutant(original, region, text, math, new))
    return found


# -- the engine's equivalence test --------------------------------------------------------------
def _values(math: str) -> list[Any] | None:
    """The exact values the parser reads from a math segment (``None``: it cannot read it)."""
    from symconv.check.parser import parse_math
    from symconv.errors import SymconvError

    values: list[Any] = []
    try:
        statements = parse_math(math).statements
    except SymconvError:
        return None
    for statement in statements:
        readings: tuple[Any, ...] = getattr(statement, "readings", None) or (statement,)
        for reading in readings:
            sides = tuple(side.expr if side is not None else None for side in reading.sides)
            values.append((reading.relations, sides))
    return values


def definition_only(math: str) -> bool:
    """True when every statement the engine reads from the segment is a definition (``:=``)."""
    values = _values(math)
    return bool(values) and all(set(relations) == {":="} for relations, _ in values or ())


def equivalent(mutant: Mutant) -> str | bool | None:
    """``"values"`` when the engine reads both segments to the same values, ``"tensor"`` when to
    index formulas that its comparator finds to be the same tensor, False when neither; None if
    it cannot read the mutant."""
    after = _values(mutant.math_after)
    if after is None:
        return None
    before = _values(mutant.math_before)
    if before is None or len(before) != len(after):
        return False
    if before == after:
        return "values"
    head = _chain_head(mutant) if before and before[0][1] and before[0][1][0] is None else None
    same = all(
        old == new or _same_tensor(old, new, head, mutant.original)
        for old, new in zip(before, after, strict=True)
    )
    return "tensor" if same else False


def _chain_head(mutant: Mutant) -> Any:
    """The left side of the aligned chain a row ``&= …`` continues: the nearest row before it
    that has one."""
    earlier = [r for r in math_regions(mutant.original) if r.end <= mutant.region.start]
    for region in reversed(earlier):
        values = _values(mutant.original.text[region.start : region.end])
        if values and values[0][1] and values[0][1][0] is not None:
            return values[0][1][0]
    return None


def _same_tensor(before: Any, after: Any, head: Any, original: Original) -> bool:
    """Both statements ``T[i, …] = formula`` (or a row ``&= formula`` of the chain of ``head``)
    with the same left side, and the engine's comparator finds both formulas equal to the
    formula the problem's derivation derives for ``T`` (exact evaluation on random tensors of
    the problem's shapes, out-of-range reads zero as the conventions say; 16 trials, where the
    checker draws 3; entry derivatives ``∂Z[…]/∂b[m]`` read from the part's forward formula, as
    the checker reads them): ``Σ_{i,j} Z[j, i]`` is ``Σ_{i,j} Z[i, j]``, and a sum whose limit
    runs past the end of the tensor it reads (``j_1 ≤ J_1 + 1`` over ``∂J/∂Z[i, j_1, …]``) adds
    zeros."""
    import sympy as sp

    from symconv.check.answer_formulas import open_sums
    from symconv.check.entry_derivatives import rewrite_entry_derivatives
    from symconv.grad.compare import compare_index_formulas

    (relations, old), (new_relations, new) = before, after
    if relations != new_relations or set(relations) != {"="} or len(old) != len(new):
        return False
    lhs = old[0] if old[0] is not None else head
    if not isinstance(lhs, sp.Indexed) or old[0] != new[0]:
        return False
    derivation = _derived_for(original, str(lhs.base.label))
    if derivation is None:
        return False  # without the problem's shapes, out of range is not decided
    for was, now in zip(old[1:], new[1:], strict=True):  # each link of a chain a = b = c
        if was == now:
            continue
        for formula in (was, now):
            try:
                formula = rewrite_entry_derivatives(formula, derivation.details.get("forward"))
                comparison = compare_index_formulas(
                    (lhs, open_sums(formula)), derivation, seed=1, trials=16, time_budget=20
                )
            except Exception:  # a formula the comparator cannot read: not shown equal
                return False
            if comparison.equal is not True:
                return False
    return True


def _derived_for(original: Original, tensor: str) -> Any:
    """The derivation of the problem's part whose derived formula has ``tensor`` on its left
    (``∂J/∂W``); None if no part, or several, derive it."""
    from symconv.check.against import load_problem_set

    problem_set = (
        load_problem_set(original.against)
        if isinstance(original.against, str)
        else original.against
    )
    found = []
    for exercise in problem_set.exercises:
        for part in exercise.parts:
            derivation = part.solution.derivation
            details = getattr(derivation, "details", None)
            backward = details.get("backward") if isinstance(details, dict) else None
            if backward is not None and str(backward.output.label) == tensor:
                found.append(derivation)
    return found[0] if len(found) == 1 else None


# -- running the checker ------------------------------------------------------------------------
@dataclass(frozen=True)
class Wrong:
    """A ``wrong`` verdict: its lines and what it says (to tell it from the original's)."""

    lines: frozenset[int]
    key: tuple[str, str]


#: What the named-matrix judge says of a definition that arranges the derivation's table
#: another way (symconv/check/judges/named.py): the same table in the writer's notation.
SAME_TABLE = (", transposed", "its rows in another order or scale", "its columns in another order")
#: What it says of the derivation's list of points (the offsets o, one per column) written one
#: point per row: the same points, so the transposed mutant is equivalent.
SAME_POINTS = ", its points listed as rows"


def wrong_claims(text: str, original: Original) -> tuple[list[Wrong], list[Wrong], list[Wrong]]:
    """The ``wrong`` claims of ``text``, the definitions the engine shows to be the
    derivation's table in another arrangement (transposed, rows reordered or rescaled), and
    those it shows to be the derivation's list of points written across."""
    from symconv.check.api import check

    report = check(text, against=original.against, name=original.name)

    def entry(j: Any) -> Wrong:
        return Wrong(
            frozenset(range(j.claim.line, j.claim.end_line + 1)), (j.claim.text, j.message)
        )

    wrong = [entry(j) for j in report.judgements if j.verdict == "wrong"]
    same_table = [
        entry(j)
        for j in report.judgements
        if j.verdict == "right" and any(note in j.message for note in SAME_TABLE)
    ]
    same_points = [
        entry(j) for j in report.judgements if j.verdict == "right" and SAME_POINTS in j.message
    ]
    return wrong, same_table, same_points


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="at most N mutants per kind")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--kinds", nargs="*", default=list(KINDS), choices=KINDS)
    parser.add_argument("--show-missed", action="store_true", help="print each missed mutant")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    originals = practice_originals() + catalog_originals()
    print(f"{len(originals)} originals", file=sys.stderr)

    false_alarms = 0
    known: dict[str, set[tuple[str, str]]] = {}
    for original in originals:
        found, _, _ = wrong_claims(original.text, original)
        known[original.name] = {wrong.key for wrong in found}
        alarms = {line for wrong in found for line in wrong.lines} & original.lines
        if alarms:
            print(f"false alarm: {original.name} lines {sorted(alarms)}", file=sys.stderr)
        false_alarms += len(alarms)

    rows = []
    missed_examples: list[str] = []
    missed_definitions = 0
    points_equivalent = tensors_equivalent = 0
    for kind in args.kinds:
        rng = random.Random(f"{args.seed}:{kind}")
        mutants = mutants_of(kind, originals, rng)
        rng.shuffle(mutants)
        if args.limit is not None:
            mutants = mutants[: args.limit]
        flagged = at_line = equivalents = missed = unread = notation = 0
        for number, mutant in enumerate(mutants, 1):
            print(f"\r{kind}: {number}/{len(mutants)}", end="", file=sys.stderr, flush=True)
            same = equivalent(mutant)
            if same:
                equivalents += 1
                tensors_equivalent += same == "tensor"
                continue
            found, same_table, same_points = wrong_claims(mutant.text, mutant.original)
            new = [wrong for wrong in found if wrong.key not in known[mutant.original.name]]
            if new:
                flagged += 1
                at_line += any(wrong.lines & mutant.region.lines for wrong in new)
                continue
            if any(right.lines & mutant.region.lines for right in same_points):
                equivalents += 1  # the engine reads the same points, listed across
                points_equivalent += 1
                continue
            missed += 1
            notation += any(right.lines & mutant.region.lines for right in same_table)
            unread += same is None
            missed_definitions += definition_only(mutant.math_before)
            missed_examples.append(
                f"{kind:13} {mutant.original.name}: {mutant.math_before.strip()[:70]!r}"
                f" -> {mutant.math_after.strip()[:70]!r}" + (" [unread]" if same is None else "")
            )
        print(file=sys.stderr)
        rows.append((kind, len(mutants), flagged, at_line, equivalents, missed, unread, notation))

    print(
        f"{'kind':13} {'mutants':>8} {'flagged':>8} {'at line':>8} {'equiv':>6} {'missed':>7} "
        f"{'unread':>7} {'same tbl':>8} {'detect %':>9} {'excl tbl %':>10}"
    )
    sums = [sum(int(row[k]) for row in rows) for k in range(1, 8)]
    table: list[tuple[Any, ...]] = [*rows, ("all", *sums)]
    for kind, total, flagged, at_line, equivalents, missed, unread, notation in table:
        meaningful = total - equivalents
        rate = f"{100 * flagged / meaningful:.1f}" if meaningful else "-"
        other = meaningful - notation
        rate_other = f"{100 * flagged / other:.1f}" if other else "-"
        print(
            f"{kind:13} {total:8} {flagged:8} {at_line:8} {equivalents:6} {missed:7} "
            f"{unread:7} {notation:8} {rate:>9} {rate_other:>10}"
        )
    print(
        f"of the missed: {unread} unread by the parser, {missed_definitions} on definition-only"
        " segments (:=)"
    )
    print(
        f"of the equivalent: {tensors_equivalent} index formulas the comparator finds equal to"
        f" the derivation's, {points_equivalent} lists of points the engine reads as the"
        " derivation's offsets written one point per row; the others read to the same values"
    )
    print(f"false alarms on the {len(originals)} unmutated originals: {false_alarms}")
    print(f"seed {args.seed}, limit {args.limit}, {time.perf_counter() - started:.0f} s")
    if args.show_missed:
        print("\nmissed:")
        for line in missed_examples:
            print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Substitution steps: ``C K_1 K_2 M + M = D \\cdot 1 \\cdot 1 \\cdot P + P``.

The left side is a general formula in the course's names, the right side the same formula with
the problem's values put in (a 1×1 convolution from D to P channels: ``C = D``, ``K_1 = K_2 = 1``,
``M = P``). As an identity in all the names it is false; it is right *for this problem*. The
problem context (``--against``) knows the values its answers substitute
(:attr:`~symconv.check.context.DocumentContext.substitutions`); a step whose left-only names they
cover is judged with them, all at once (``M`` may become ``P`` while ``O_1`` becomes ``M``).
Without them, a step that replaces sizes (upper-case names) by other names or numbers is a
substitution the document does not explain: *unverified*, never *wrong*.

    >>> import sympy as sp
    >>> from symconv.check.context import NO_PROBLEM, DocumentContext, ProblemContext
    >>> from symconv.check.model import Claim
    >>> C, K, M, D, P = sp.symbols("C K_1 M D P")
    >>> from symconv.check.judges.algebra import compare_identity
    >>> context, problem = DocumentContext(), ProblemContext(substitutions=({C: D, K: 1, M: P},))
    >>> claim = Claim(1, 1, "", "algebra", sides=(C * K * M + M, D * P + P))
    >>> judge_substitution(
    ...     claim, C * K * M + M, D * P + P, context, problem, compare_identity
    ... ).message
    "with the problem's values C = D, K_1 = 1, M = P, the two sides agree for every D, P"
    >>> judge_substitution(
    ...     claim, C * K * M + M, D * P + 2 * P, context, problem, compare_identity
    ... ).witness
    'D = 3, P = 3: 15 ≠ 12'
    >>> judge_substitution(claim, C * K * M, D * P, context, NO_PROBLEM, compare_identity).verdict
    'unverified'
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from typing import Any

import sympy as sp

from symconv.check.context import DocumentContext, ProblemContext
from symconv.check.equality import Comparison
from symconv.check.judges.typos import related_names
from symconv.check.judges.verdicts import right, unverified, wrong
from symconv.check.model import Claim, Judgement
from symconv.check.shown import format_value
from symconv.check.symbols import in_written_names, is_size_name, name_key, written_key
from symconv.core.safe import as_sympy

__all__ = ["judge_substitution"]


def _keys(expr: Any) -> dict[str, Any]:
    return {
        key: atom
        for atom in getattr(expr, "free_symbols", set())
        if isinstance(atom, sp.Symbol) and (key := written_key(atom)) is not None
    }


def judge_substitution(
    claim: Claim,
    lhs: Any,
    rhs: Any,
    context: DocumentContext,
    problem: ProblemContext,
    compare: Callable[[Any, Any, random.Random], Comparison],
) -> Judgement | None:
    """The verdict on ``lhs = rhs`` read as a substitution step (None: it is not one);
    ``compare`` decides an identity (the algebra judge's comparison, with the claim's
    conditions)."""
    left, written = _keys(lhs), _keys(rhs)
    left_only = set(left) - set(written)
    if not left_only:
        return None
    for values in problem.substitutions:
        by_key = {name_key(str(name)): value for name, value in values.items()}
        # a left-only name is one the values replace, or one they are written in (``t`` of
        # ``k = 2t + 1`` that the document put in itself, the right side simplifying it away)
        their_names = {
            key
            for value in by_key.values()
            for key in _keys(as_sympy(value) if isinstance(value, int) else value)
        }
        if not left_only & set(by_key) or not left_only <= set(by_key) | their_names:
            continue
        replacements = {
            atom: in_written_names(as_sympy(by_key[key]), rhs)
            for key, atom in left.items()
            if key in by_key
        }
        substituted = lhs.xreplace(replacements)
        rng = context.rng_for(claim.line, claim.text)
        comparison = compare(substituted, rhs, rng)
        stated = ", ".join(
            f"{atom} = {format_value(value)}"
            for atom, value in sorted(replacements.items(), key=lambda item: str(item[0]))
        )
        if comparison.equal is None:
            continue
        if comparison.equal:
            names = ", ".join(sorted(written))
            scope = f" for every {names}" if names else ""
            return right(claim, f"with the problem's values {stated}, the two sides agree{scope}")
        return wrong(
            claim,
            f"with the problem's values {stated}, the left side is {format_value(substituted)}",
            expected=substituted,
            witness=comparison.witness(),
        )
    typo = _unknown_sibling(left_only, problem)
    if typo is not None:
        return typo_judgement(claim, *typo)
    if all(is_size_name(key) for key in left_only):
        names = ", ".join(sorted(left_only))
        return unverified(
            claim,
            f"a substitution step: {names} on the left do not appear on the right, and the"
            " document does not give their values",
        )
    gone = [left[key] for key in sorted(left_only)]
    new_names = [written[key] for key in sorted(set(written) - set(left))]
    return _undefined_substitution(claim, lhs, rhs, gone, new_names)


def _undefined_substitution(
    claim: Claim, lhs: Any, rhs: Any, gone: list[sp.Symbol], new_names: list[sp.Symbol]
) -> Judgement | None:
    """A step that puts the problem's names and numbers in for names no formula of the document
    gave values: ``n_1 n_2 n_3 b = B · C · N · 4`` (a shape's sizes renamed one for one, and
    ``b`` = 4 "bytes per entry", said in words). When some renaming of the left's names by the
    right's, with at most one name left over given a nonzero number the right side shows, makes
    the sides equal, the step is *unverified* (never *wrong*: the document's words may give
    those values). None when no such reading holds: a name that would have to be 0 is a dropped
    term, and the other judges decide."""
    if not gone or len(gone) > 5 or len(new_names) > len(gone):
        return None
    if not isinstance(lhs, sp.Expr) or not isinstance(rhs, sp.Expr):
        return None
    shown = set(rhs.atoms(sp.Number))
    for renamed in itertools.permutations(gone, len(new_names)):
        renaming = dict(zip(renamed, new_names, strict=True))
        if any(related_names(str(old), str(new)) for old, new in renaming.items()):
            continue  # j_1 → j, Δt → Δ: a slip of the pen, which the typo diagnosis names
        left_over = [name for name in gone if name not in renaming]
        candidate = lhs.xreplace(renaming)
        stated = [f"{old} = {new}" for old, new in renaming.items()]
        if not left_over:
            if sp.expand(candidate - rhs) != 0:
                continue
        elif len(left_over) == 1:
            (name,) = left_over
            try:
                values = sp.solve(sp.Eq(candidate, rhs), name, dict=False)
            except (NotImplementedError, ValueError, TypeError):
                continue
            put_in = [v for v in values if v.is_number and v != 0 and (v in shown or -v in shown)]
            if not put_in:
                continue
            stated.append(f"{name} = {format_value(put_in[0])}")
        else:
            continue
        return unverified(
            claim,
            f"a substitution step ({', '.join(stated)}): no formula of the document gives these "
            "values",
        )
    return None


def _stem(key: str) -> str:
    return key.partition("_")[0]


def _unknown_sibling(
    left_only: set[str], problem: ProblemContext
) -> tuple[list[str], list[str]] | None:
    """``K_3`` in a formula over the problem's sizes ``K_1, K_2``: the names on the left that no
    substitution of the problem knows but whose stem it does (a subscript mistyped), and those
    siblings; None when some other name is unknown too (the writer's own notation)."""
    for values in problem.substitutions:
        known = {name_key(str(name)) for name in values}
        unknown = sorted(left_only - known)
        if not unknown or not all(is_size_name(key) and "_" in key for key in unknown):
            continue
        siblings = sorted(k for k in known if any(_stem(k) == _stem(u) for u in unknown))
        if all(any(_stem(k) == _stem(u) for k in known) for u in unknown):
            return unknown, siblings
    return None


def typo_judgement(claim: Claim, unknown: list[str], siblings: list[str]) -> Judgement:
    names, verb = ", ".join(unknown), ("is not a size" if len(unknown) == 1 else "are not sizes")
    return wrong(
        claim,
        f"{names} {verb} of this problem (it has {', '.join(siblings)})",
        diagnosis=f"a mistyped subscript: {' or '.join(siblings)} meant?",
    )

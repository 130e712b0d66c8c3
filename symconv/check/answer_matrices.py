"""Matrix answers: kernels (a member of a family — its declared parameter solved for exactly —,
a scalar multiple only with the scale stated, the negated kernel where the set accepts it),
convolution matrices (witness: the row of ``(C' − C) x`` that differs) and conditions (the one-hot
gradient of a maximum, compared at every ordering of distinct entries).

A family's parameters are the ones its derivation declares (``Variant.parameters``, from the
stencil's ``free_parameters``); a symbol the candidate lacks is never taken for one, so a conv
matrix with an input entry ``x_{12}`` where the kernel entry ``w_{12}`` belongs is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import permutations
from typing import TYPE_CHECKING, Any

import sympy as sp

from symconv.check.candidates import Candidate
from symconv.check.equality import (
    decide_equal,
    family_member,
    is_number,
    scale_between,
    scaled_family_member,
)
from symconv.check.symbols import entry_indices, in_written_names

if TYPE_CHECKING:
    pass
from symconv.check.answer_task import (
    Outcome,
    PartTask,
    Variant,
    also_judged,
    latex_of,
    shown_candidate,
)
from symconv.core.patterns import lazy_compile

_SCALE_WORDS = lazy_compile(r"scal|times|multiple|×|\\times|h\^2|h²|\\nabla|∇|negat|minus|−∇", re.I)


# ----------------------------------------------------------------------------------------------
# Matrices
# ----------------------------------------------------------------------------------------------
def judge_matrix(task: PartTask) -> list[Outcome]:
    expected: sp.MatrixBase = task.answer
    if all(e == 0 for e in expected):
        zeros = [c for c in task.candidates if c.form == "number" and c.value == 0]
        if zeros:
            candidate = zeros[-1]
            return [
                Outcome(
                    (candidate,),
                    "right",
                    f"0 is the answer to {task.part.id} (every entry is 0)",
                    expected=expected,
                )
            ]
    pool = [c for c in task.candidates if c.form == "matrix" and isinstance(c.value, sp.MatrixBase)]
    same_shape = [c for c in pool if c.value.shape == expected.shape]
    two_dimensional = expected.rows > 1 and expected.cols > 1
    if not same_shape:
        return [_shape_outcome(task, pool[-1])] if pool and two_dimensional else []
    for candidate in reversed(same_shape):
        if _matrix_variant(task, candidate)[0] is not None:
            break
    else:
        candidate = same_shape[-1]
    # Every other matrix the document gives the answer's name (a derivation's row ``w = …``
    # before its **Answer:** line), or states as an answer (alone on an **Answer:** line, or in a
    # list of accepted answers), is judged too: a wrong row is wrong on its own line.
    named = [
        other
        for other in (pool if two_dimensional else same_shape)
        if other is not candidate
        and any(also_judged(other, pool, name) for name in (task.answer_name, *task.answer_aliases))
    ]
    outcomes = [
        _matrix_outcome(task, c) if c.value.shape == expected.shape else _shape_outcome(task, c)
        for c in [candidate, *named]
    ]
    return sorted(outcomes, key=lambda outcome: outcome.first_line)


def _shape_outcome(task: PartTask, candidate: Candidate) -> Outcome:
    expected = task.answer
    rows, cols = candidate.value.shape
    return Outcome(
        (candidate,),
        "wrong",
        f"a {rows}×{cols} matrix where {task.part.id} asks for {expected.rows}×{expected.cols}",
        expected=expected,
    )


def _matrix_variant(
    task: PartTask, candidate: Candidate
) -> tuple[Variant | None, dict[Any, Any] | None]:
    for variant in [v for v in task.variants() if v.right] + [
        v for v in task.variants() if not v.right
    ]:
        if not isinstance(variant.value, sp.MatrixBase):
            continue
        family = in_written_names(sp.ImmutableMatrix(variant.value), candidate.value)
        # The parameters are those the derivation declares (in the writer's spelling), never
        # the symbols the candidate happens to lack.
        declared = tuple(in_written_names(sp.Tuple(*variant.parameters), candidate.value))
        if any(p in family.free_symbols for p in declared):
            member = family_member(candidate.value, family, declared)
            if member is not None:
                return variant, member
        elif decide_equal(candidate.value, family).equal:
            return variant, {}
    return None, None


def _matrix_outcome(task: PartTask, candidate: Candidate) -> Outcome:
    shown = shown_candidate(candidate)
    variant, member = _matrix_variant(task, candidate)
    expected = task.answer
    if variant is not None:
        where = ""
        if member:
            where = " (the member " + ", ".join(f"{k} = {v}" for k, v in member.items()) + ")"
        if variant.right:
            label = variant.label if variant.label != "answer" else None
            message = f"{shown} is the answer to {task.part.id}{where}"
            if label:
                message = (
                    f"{shown} is right for {task.part.id} under the convention: {label}{where}"
                )
            if "scale stated" in variant.label and not _scale_stated(task, candidate, None):
                return Outcome(
                    (candidate,),
                    "wrong",
                    f"{shown} is a scaled kernel for {task.part.id}, right only with the scale "
                    "stated",
                    expected=expected,
                    diagnosis="scale not stated: " + variant.label,
                )
            return Outcome(
                (candidate,), "right", message, expected=expected, convention=variant.note,
                variant=variant.label,
            )  # fmt: skip
        return Outcome(
            (candidate,),
            "wrong",
            f"{shown} is not the answer to {task.part.id}: a known misreading",
            expected=expected,
            diagnosis=variant.label,
        )
    scaled = _scaled_member(task, candidate)
    if scaled is not None:
        factor, variant, member = scaled
        of = "a member of the answer" if member else "the answer"
        where = ""
        if member:
            where = " (the member " + ", ".join(f"{k} = {v}" for k, v in member.items()) + ")"
        if _scale_stated(task, candidate, factor):
            return Outcome(
                (candidate,),
                "right",
                f"{shown} is {factor} × {of} to {task.part.id}{where}, with the scale stated",
                expected=expected,
                convention=f"scaled by {factor} (stated)",
            )
        return Outcome(
            (candidate,),
            "wrong",
            f"{shown} is a multiple of {of} to {task.part.id}, with no scale stated",
            expected=expected,
            diagnosis=f"scaled by {factor} without saying so",
            witness=f"every entry is {factor} × {of}{where} ({factor} ≠ 1)",
        )
    line, witness = _matrix_witness(task, candidate)
    return Outcome(
        (candidate,),
        "wrong",
        f"{shown} is not the answer to {task.part.id}",
        expected=expected,
        witness=witness,
        line=line,
    )


def _scaled_member(
    task: PartTask, candidate: Candidate
) -> tuple[Any, Variant, dict[Any, Any]] | None:
    """The factor ``c`` with the candidate ``c`` times a right variant (a member of it, for a
    family: its declared parameters solved for), the variant, and the member's parameters."""
    for variant in task.variants():
        if not variant.right or not isinstance(variant.value, sp.MatrixBase):
            continue
        family = sp.ImmutableMatrix(variant.value)
        declared = [p for p in variant.parameters if p in family.free_symbols]
        if family.free_symbols - set(declared) - candidate.value.free_symbols:
            continue
        if declared:
            found = scaled_family_member(candidate.value, family, declared)
            if found is not None and found[0] not in (0, 1):
                return found[0], variant, found[1]
            continue
        factor = scale_between(candidate.value, family)
        if factor is not None and factor not in (0, 1):
            return factor, variant, {}
    return None


def _scale_stated(task: PartTask, candidate: Candidate, factor: Any) -> bool:
    """The words near the matrix say it is scaled (``3h^2 \\nabla^2``, "scaled by 3"), with the
    factor written outside the matrix itself."""
    text = re.sub(r"\\begin\{([bpvBV]?matrix)\}.*?\\end\{\1\}", " ", task.region_text, flags=re.S)
    if not _SCALE_WORDS.search(text):
        return False
    if factor is None:
        return bool(re.search(r"\d", text))
    shown = {str(factor), str(abs(factor)), latex_of(factor), latex_of(abs(factor))}
    if factor == -1:
        return bool(re.search(r"negat|minus|−\s*∇|-\s*\\nabla|−\s*\\nabla", text, re.I))
    return any(re.search(rf"(?<![\d.]){re.escape(s)}(?![\d.])", text) for s in shown)


def _matrix_witness(task: PartTask, candidate: Candidate) -> tuple[int | None, str | None]:
    """The first row that differs, with a concrete difference: for a convolution matrix the row
    of ``(C' − C) x`` (x the input's entries); for a stencil ``f ≡ 1`` when the weights' sums
    differ; otherwise the first differing entry."""
    written = candidate.value
    expected = sp.ImmutableMatrix(task.answer)
    written = sp.ImmutableMatrix(written).xreplace(
        {s: t for s in written.free_symbols for t in expected.free_symbols if s.name == t.name}
    )
    difference = written - expected
    rows = [r for r in range(difference.rows) if any(e != 0 for e in difference.row(r))]
    if not rows:
        return None, None
    row = rows[0]
    line = candidate.row_lines[row] if row < len(candidate.row_lines) else candidate.line
    details = task.solution.derivation.details
    geometry = details.get("geometry")
    if geometry is not None:
        from symconv.core.tensors import entries

        base = 1 if task.solution.derivation.notation == "subscript" else 0
        inputs = entries("x", tuple(geometry.input_shape), base=base)
        vector = sp.Matrix(
            list(sp.flatten(inputs.tolist() if hasattr(inputs, "tolist") else inputs))
        )
        if vector.rows == difference.cols:
            value = sp.factor((difference.row(row) * vector)[0])
            return line, f"row {row + 1} of (C_written − C) x is {value}, not 0"
    if "stencil" in details:
        total_written, total_expected = sum(written), sum(expected)
        if sp.simplify(total_written - total_expected) != 0:
            where, total_written = _at_a_parameter_value(total_written, total_expected, details)
            return line, (
                f"{where}on f ≡ 1 the kernel gives {total_written} (the sum of its weights), "
                f"the operator gives {total_expected}"
            )
    declared = tuple(task.solution.derivation.details.get("parameters", ()))
    family = _family_witness(written, expected, declared)
    if family is not None:
        row, text = family
        return (candidate.row_lines[row] if row < len(candidate.row_lines) else line), text
    col = next(c for c in range(difference.cols) if difference[row, c] != 0)
    return (
        line,
        f"entry ({row + 1}, {col + 1}) is {written[row, col]}, expected {expected[row, col]}",
    )


def _at_a_parameter_value(
    written: Any, expected: Any, details: Mapping[str, Any]
) -> tuple[str, Any]:
    """A written family's sum at a value of its declared parameter where it differs from the
    expected one (``4c`` against 0: at c = 1, 4), with the words that say where; the sum as it
    is when it holds no parameter."""
    parameters = [p for p in details.get("parameters", ()) if p in written.free_symbols]
    if len(parameters) != 1:
        return "", written
    (parameter,) = parameters
    for value in (1, 2, -1, 3):
        at = written.subs(parameter, value)
        if sp.simplify(at - expected) != 0:
            return f"at {parameter} = {value}, ", at
    return "", written


def _family_witness(
    written: sp.MatrixBase, family: sp.MatrixBase, parameters: Sequence[Any]
) -> tuple[int, str] | None:
    """Why no member of a one-parameter family is the written matrix: an entry that is the same
    in every member and differs, or two entries that need different values of the parameter
    (None: the family has no declared parameter, or more than one)."""
    unknowns = [p for p in parameters if p in family.free_symbols]
    if len(unknowns) != 1:
        return None
    (parameter,) = unknowns
    needs: list[tuple[int, int, Any]] = []
    for row in range(family.rows):
        for col in range(family.cols):
            equation = sp.expand(family[row, col] - written[row, col])
            if equation == 0:
                continue
            if parameter not in equation.free_symbols:
                return row, (
                    f"entry ({row + 1}, {col + 1}) is {written[row, col]}, "
                    f"{family[row, col]} in every member"
                )
            values = sp.solve(equation, parameter)
            if len(values) != 1:
                return None
            for other_row, other_col, other in needs:
                if sp.simplify(other - values[0]) != 0:
                    return row, (
                        f"entry ({other_row + 1}, {other_col + 1}) needs {parameter} = {other}, "
                        f"entry ({row + 1}, {col + 1}) needs {parameter} = {values[0]}: "
                        f"no {parameter} gives both"
                    )
            needs.append((row, col, values[0]))
    return None


# ----------------------------------------------------------------------------------------------
# Conditions: the one-hot gradient of a maximum
# ----------------------------------------------------------------------------------------------
def judge_conditions(task: PartTask) -> list[Outcome]:
    pool = [c for c in task.candidates if c.form == "piecewise"]
    if not pool:
        return []
    candidate = pool[-1]
    expected = list(task.answer)
    symbols = sorted(
        {s for e in expected for s in e.free_symbols},
        key=lambda s: (entry_indices(s.name) or ("", (0,)))[1],
    )
    if len(symbols) != len(expected):
        return []
    decided = _compare_conditions(candidate, expected, symbols)
    shown = shown_candidate(candidate)
    if decided is None:
        return [
            Outcome(
                (candidate,),
                "unverified",
                f"could not evaluate {shown} for {task.part.id}",
                expected=task.answer,
            )
        ]
    if decided == "":
        return [
            Outcome(
                (candidate,),
                "right",
                f"{shown} is the answer to {task.part.id} (checked at every ordering of "
                f"{len(symbols)} distinct entries; at a tie it is a subgradient)",
                expected=task.answer,
            )
        ]
    return [
        Outcome(
            (candidate,),
            "wrong",
            f"{shown} is not the answer to {task.part.id}",
            expected=task.answer,
            witness=decided,
        )
    ]


def _compare_conditions(
    candidate: Candidate, expected: Sequence[Any], symbols: Sequence[sp.Symbol]
) -> str | None:
    """'' when the written piecewise value equals the expected conditions at every ordering of
    distinct entries, a witness when not, None when it cannot be evaluated."""
    value, (left, right), other = candidate.value
    lhs = candidate.lhs
    index = lhs.indices[0] if isinstance(lhs, sp.Indexed) and len(lhs.indices) == 1 else None
    if index is None:
        return None
    bases = [entry_indices(s.name) for s in symbols]
    if any(b is None for b in bases):
        return None
    positions = [b[1][0] for b in bases if b is not None]
    vector = {b[0] for b in bases if b is not None}
    for side in (left, right):
        read = _argmax_vector(side)
        if read is not None and {read} != vector:
            # i = argmax_j w_j where the maximum is of x: another vector's index
            entries = ", ".join(sorted(vector))
            return f"the index of the maximum of {read}, but the entries are those of {entries}"
    for ordering in permutations(range(1, len(symbols) + 1)):
        point = dict(zip(symbols, map(sp.Integer, ordering), strict=True))
        values = {p: point[s] for p, s in zip(positions, symbols, strict=True)}
        for position, condition in zip(positions, expected, strict=True):
            want = _indicator(condition.xreplace(point))
            if want is None:
                return None
            holds = _evaluate_test(left, right, index, position, values)
            if holds is None:
                return None
            got = value if holds else other
            if got != want:
                entries = ", ".join(f"{s} = {v}" for s, v in point.items())
                return f"at {entries}: the entry {position} is {got} by the text, {want} expected"
    return ""


def _argmax_vector(expr: Any) -> str | None:
    """The name of the vector ``argmax_j w_j`` takes the index of (None: not an argmax of
    entries of one vector)."""
    from symconv.check.nodes import ArgMaxOver, ArgMinOver

    if not isinstance(expr, ArgMaxOver | ArgMinOver):
        return None
    body = expr.args[0]
    if isinstance(body, sp.Indexed):
        return str(body.base.label)
    if isinstance(body, sp.Symbol) and (found := entry_indices(body.name)) is not None:
        return str(found[0])
    return None


def _indicator(value: Any) -> Any:
    """1 or 0 for a condition or bracket evaluated at a point; None if it did not evaluate."""
    if value in (sp.true, sp.false):
        return sp.Integer(1 if value == sp.true else 0)
    if is_number(value):
        return value
    return None


def _evaluate_test(
    left: Any, right: Any, index: Any, position: int, values: dict[int, Any]
) -> bool | None:
    from symconv.check.nodes import ArgMaxOver, ArgMinOver

    def value_of(expr: Any) -> Any:
        if expr == index:
            return sp.Integer(position)
        if isinstance(expr, ArgMaxOver | ArgMinOver):
            pick = max if isinstance(expr, ArgMaxOver) else min
            return sp.Integer(pick(values, key=lambda p: values[p]))
        if is_number(expr):
            return expr
        return None

    a, b = value_of(left), value_of(right)
    if a is None or b is None:
        return None
    return bool(a == b)

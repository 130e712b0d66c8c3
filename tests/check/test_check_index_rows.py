"""Index-formula rows of a derivation compared with the problem's formula: sum limits written
with the problem's symbolic sizes (``\\sum_{m=0}^{M-1}``), every row of a chain whose left side is
the asked gradient entry, Kronecker deltas and Iverson brackets.

The right formulas are the catalog's own answers to nyu-cnn-4 (``symconv solve nyu-cnn-4``)
rewritten with explicit limits; each mutation is one token of them changed.
"""

from __future__ import annotations

import pytest
import sympy as sp

from symconv.check.documents import Document
from symconv.check.limits import Limits
from symconv.check.model import Judgement, Report
from symconv.check.runner import check_document


def problem_context(doc: str, against: str = "nyu-cnn", seconds: float = 20.0) -> Report:
    """The problem context's report, with time enough per part that a loaded machine does not
    change the verdicts (the time sharing has its own test)."""
    document = Document.from_text(doc, "solution.md", "md")
    limits = Limits(claim_seconds=seconds)
    return check_document(document, against=against, limits=limits, judge_claims=lambda *a: [])


def answers(report: Report) -> list[Judgement]:
    return [j for j in report.judgements if j.claim.kind == "answer"]


def verdicts(report: Report) -> list[tuple[int, str | None, str]]:
    return [(j.claim.line, j.claim.part, j.verdict) for j in answers(report)]


DZ = r"\frac{\partial J}{\partial Z[i, j_{1}, j_{2}, m]}"
SUMS_IJJ = r"\sum_{i=0}^{I-1} \sum_{j_1=0}^{J_1-1} \sum_{j_2=0}^{J_2-1}"
ANSWERS = {
    "4(a)": r"\frac{\partial J}{\partial Z[i, j_{1}, j_{2}, m]} = \left(1 - U[i, j_{1}, j_{2}, m]"
    r"\right) \frac{\partial J}{\partial U[i, j_{1}, j_{2}, m]} U[i, j_{1}, j_{2}, m]",
    "4(b)": r"\frac{\partial J}{\partial W[k_{1}, k_{2}, n, m]} = " + SUMS_IJJ + " " + DZ
    + r" X[i, j_{1} + k_{1}, j_{2} + k_{2}, n]",
    "4(c)": r"\frac{\partial J}{\partial X[i, j_{1}, j_{2}, n]} = \sum_{m=0}^{M-1} "
    r"\sum_{k_1=0}^{K_1-1} \sum_{k_2=0}^{K_2-1} \frac{\partial J}{\partial Z[i, j_{1} - k_{1}, "
    r"j_{2} - k_{2}, m]} W[k_{1}, k_{2}, n, m]",
    "4(d)": r"\frac{\partial J}{\partial b[m]} = " + SUMS_IJJ + " " + DZ,
}  # fmt: skip


def one_part(heading: str, formula: str) -> str:
    return f"## {heading}\n\n${formula}$\n"


def test_answers_with_symbolic_sum_limits_are_right() -> None:
    doc = "\n".join(one_part(h, f) for h, f in ANSWERS.items())
    report = problem_context(doc)
    assert verdicts(report) == [
        (3, "nyu-cnn-4a", "right"),
        (7, "nyu-cnn-4b", "right"),
        (11, "nyu-cnn-4c", "right"),
        (15, "nyu-cnn-4d", "right"),
    ]


MUTATIONS = [
    ("4(c)", "j_{1} - k_{1}, j_{2} - k_{2}", "j_{1} - k_{2}, j_{2} - k_{1}"),  # k_1, k_2 swapped
    ("4(c)", "j_{1} - k_{1}", "j_{1} - k_{1} + 1"),  # an index shifted by one
    ("4(c)", "k_1=0}^{K_1-1}", "k_1=0}^{K_1-2}"),  # a limit one short
    ("4(c)", "m=0}^{M-1}", "m=1}^{M-1}"),  # a lower limit one late
    ("4(d)", "i=0}^{I-1}", "i=0}^{I-2}"),
]


@pytest.mark.parametrize(("heading", "old", "new"), MUTATIONS)
def test_a_mutated_answer_is_wrong_with_a_witness(heading: str, old: str, new: str) -> None:
    assert old in ANSWERS[heading]
    report = problem_context(one_part(heading, ANSWERS[heading].replace(old, new, 1)))
    (judgement,) = answers(report)
    assert judgement.verdict == "wrong", judgement.message
    assert judgement.witness is not None and "at sizes" in judgement.witness


def test_a_size_the_problem_does_not_know_is_unverified_with_its_name() -> None:
    written = ANSWERS["4(c)"].replace("K_1-1}", "Q-1}")
    (judgement,) = answers(problem_context(one_part("4(c)", written)))
    assert judgement.verdict == "unverified"
    assert "Q" in judgement.message and "not a size" in judgement.message


# ----------------------------------------------------------------------------------------------
# Every row of a derivation chain
# ----------------------------------------------------------------------------------------------
HEAD_4C = r"\frac{\partial J}{\partial X[i, j_{1}, j_{2}, n]}"
RHS_4C = ANSWERS["4(c)"].split("= ", 1)[1]


def chain_doc(*rows: str, heading: str = "4(c)", head: str = HEAD_4C) -> str:
    lines = [f"{head} &= {rows[0]}", *(f"&= {row}" for row in rows[1:])]
    body = " \\\\\n".join(lines)
    return f"## {heading}\n\n$$\n\\begin{{aligned}}\n{body}\n\\end{{aligned}}\n$$\n"


def test_every_row_of_a_chain_is_judged_and_a_wrong_middle_row_on_its_line() -> None:
    shifted = RHS_4C.replace("j_{2} - k_{2}", "j_{2} - k_{2} + 1", 1)
    doc = chain_doc(RHS_4C, shifted, RHS_4C)
    report = problem_context(doc)
    assert verdicts(report) == [
        (5, "nyu-cnn-4c", "right"),
        (6, "nyu-cnn-4c", "wrong"),
        (7, "nyu-cnn-4c", "right"),
    ]
    wrong = answers(report)[1]
    assert wrong.witness is not None and "continuing line 5" in wrong.message


def test_a_row_with_a_tensor_in_another_axis_order_than_the_chain_before_it_is_wrong() -> None:
    swapped = RHS_4C.replace("W[k_{1}, k_{2}, n, m]", "W[k_{2}, k_{1}, n, m]")
    assert verdicts(problem_context(chain_doc(RHS_4C, swapped))) == [
        (5, "nyu-cnn-4c", "right"),
        (6, "nyu-cnn-4c", "wrong"),
    ]
    # alone, the same order is a layout convention (W stored as (K_2, K_1, N, M))
    (alone,) = answers(problem_context(chain_doc(swapped)))
    assert alone.verdict == "right" and alone.claim.facts.convention


def test_an_unread_row_ends_the_chain() -> None:
    doc = chain_doc(RHS_4C, r"\frac{", RHS_4C)
    assert [line for line, _, _ in verdicts(problem_context(doc))] == [5]


def test_rows_of_a_chain_for_another_entry_are_not_compared_with_this_part() -> None:
    doc = chain_doc(RHS_4C, RHS_4C, head=r"\frac{\partial J}{\partial Y[i, j_{1}, j_{2}, n]}")
    assert verdicts(problem_context(doc)) == []


# ----------------------------------------------------------------------------------------------
# Kronecker deltas and Iverson brackets with symbolic sizes (SymPy built directly: the parser's
# brackets are another module's work)
# ----------------------------------------------------------------------------------------------
def derivation_of(part_id: str) -> object:
    from symconv.check.against import load_problem_set, part_for

    part = part_for(load_problem_set("nyu-cnn"), part_id)
    assert part is not None
    return part.solution.derivation


def plain(names: str) -> tuple[sp.Symbol, ...]:
    """Symbols as the checker's parser makes them: no assumptions."""
    return tuple(sp.symbols(names))


i, j1, j2, n, m, mp, k1, k2 = plain("i j_1 j_2 n m m' k_1 k_2")
I_, J1, J2, M, K1, K2, Q = plain("I J_1 J_2 M K_1 K_2 Q")
DJ_DZ, W, DJ_DX, DJ_DB = (sp.IndexedBase(name) for name in ("∂J/∂Z", "W", "∂J/∂X", "∂J/∂b"))


def row_4c(condition: sp.Basic) -> tuple[sp.Indexed, sp.Expr]:
    body = DJ_DZ[i, j1 - k1, j2 - k2, m] * W[k1, k2, n, m] * condition
    return DJ_DX[i, j1, j2, n], sp.Sum(body, (m, 0, M - 1), (k1, 0, K1 - 1), (k2, 0, K2 - 1))


@pytest.mark.parametrize(
    ("condition", "equal"),
    [
        (sp.And(sp.Le(0, j1 - k1), sp.Le(j1 - k1, J1 - 1), sp.Le(0, j2 - k2),
                sp.Le(j2 - k2, J2 - 1)), True),  # the catalog's bracket
        (sp.Le(0, j1 - k1), True),  # out-of-range reads are zero anyway
        (sp.Le(j1 - k1, J1 - 2), False),  # a size one short
        (sp.Le(1, j1 - k1), False),
    ],
)  # fmt: skip
def test_iverson_brackets_with_symbolic_sizes_evaluate(condition: sp.Basic, equal: bool) -> None:
    from symconv.grad.compare import compare_index_formulas
    from symconv.grad.conditions import Iverson

    result = compare_index_formulas(row_4c(Iverson(condition)), derivation_of("nyu-cnn-4c"), seed=3)
    assert result.equal is equal, result.message
    assert (result.witness is not None) is (not equal)


def test_a_bracket_with_a_size_the_problem_does_not_know_is_undecided_with_its_name() -> None:
    from symconv.grad.compare import compare_index_formulas
    from symconv.grad.conditions import Iverson

    written = row_4c(Iverson(sp.Le(j1 - k1, Q - 1)))
    result = compare_index_formulas(written, derivation_of("nyu-cnn-4c"), seed=3)
    assert result.equal is None
    assert result.message.startswith("size Q of the candidate is not a size of the reference")


@pytest.mark.parametrize(("other", "equal"), [(mp, True), (mp + 1, False)])
def test_kronecker_deltas_fix_a_summed_index(other: sp.Expr, equal: bool) -> None:
    from symconv.grad.compare import compare_index_formulas

    body = sp.KroneckerDelta(m, other) * DJ_DZ[i, j1, j2, mp]
    limits = ((i, 0, I_ - 1), (j1, 0, J1 - 1), (j2, 0, J2 - 1), (mp, 0, M - 1))
    written = (DJ_DB[m], sp.Sum(body, *limits))
    result = compare_index_formulas(written, derivation_of("nyu-cnn-4d"), seed=5)
    assert result.equal is equal, result.message


# ----------------------------------------------------------------------------------------------
# The catalog's own write-up: every row of each chain judged, none wrong
# ----------------------------------------------------------------------------------------------
def test_the_rows_of_the_nyu_cnn_4_writeup_are_judged_right_or_unverified_with_a_reason() -> None:
    from derivations import catalog
    from symconv.check.api import check
    from symconv.problems.writeup import RenderOptions, exercise_markdown

    problem_set = next(s for s in catalog() if any(e.id == "nyu-cnn-4" for e in s.exercises))
    exercise = next(e for e in problem_set.exercises if e.id == "nyu-cnn-4")
    parts = list(exercise.parts)
    reports = {part.id: part.solution.derivation.check() for part in parts}
    text = exercise_markdown(problem_set, exercise, parts, reports, RenderOptions())
    report = check(text, against=problem_set, name="nyu-cnn-4", time_limit=20.0)
    rows = [j for j in answers(report) if "continuing line" in j.message]
    assert {j.claim.part for j in rows} == {f"nyu-cnn-4{p}" for p in "abcd"}
    assert [j for j in answers(report) if j.verdict == "wrong"] == []
    # every row after the chain rule is right: 4b, 4c, 4d through the forward formula's
    # coefficients; 4a's through σ' = σ(1 − σ) = U(1 − U), with σ(Z[e]) read as U[e]
    assert [j.verdict for j in rows] == ["right"] * 12
    heads = {j.claim.part: j.verdict for j in answers(report) if j.claim.line in (19, 42, 65, 88)}
    assert heads == {f"nyu-cnn-4{p}": "right" for p in "abcd"}
    assert [j for j in answers(report) if j.verdict == "unverified"] == []


def test_a_row_of_the_sigmoid_layer_with_indices_swapped_on_one_tensor_is_wrong() -> None:
    from derivations import catalog
    from symconv.check.api import check
    from symconv.problems.writeup import RenderOptions, exercise_markdown

    problem_set = next(s for s in catalog() if any(e.id == "nyu-cnn-4" for e in s.exercises))
    exercise = next(e for e in problem_set.exercises if e.id == "nyu-cnn-4")
    parts = [exercise.parts[0]]
    reports = {part.id: part.solution.derivation.check() for part in parts}
    text = exercise_markdown(problem_set, exercise, parts, reports, RenderOptions())
    original = r"&= \left(1 - \sigma\left(Z[i, j_{1}, j_{2}, m]\right)\right)"
    assert original in text
    swapped = text.replace(original, original.replace("j_{1}, j_{2}", "j_{2}, j_{1}"))
    report = check(swapped, against=problem_set, name="nyu-cnn-4", time_limit=20.0)
    [row] = [j for j in answers(report) if "\\sigma\\left(Z[i, j_{2}, j_{1}, m]" in j.claim.text]
    assert row.verdict == "wrong"
    assert "an index reads an axis of another size" in row.message
    assert row.witness is not None and "J_1" in row.witness and "J_2" in row.witness


def test_a_long_chain_never_costs_the_answer_its_verdict() -> None:
    rows = [RHS_4C] * 24
    doc = chain_doc(*rows) + "\n**Answer:** $" + ANSWERS["4(c)"] + "$\n"
    judgements = answers(problem_context(doc, seconds=3.0))
    assert (judgements[-1].claim.line, judgements[-1].verdict) == (32, "right")
    # rows the budget did not reach are unverified for lack of time (on a fast machine all 24
    # may be judged: the promise is about the answer, not about running out)
    late = [j for j in judgements[:-1] if j.verdict == "unverified"]
    assert all("time" in j.message for j in late)
    assert all(j.verdict in ("right", "unverified") for j in judgements)

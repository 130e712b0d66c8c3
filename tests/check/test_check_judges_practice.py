"""The context-free and document-context layers on real solutions: the practice files' lines that
need no problem set, and four hand-written solutions of our own with their keys.

Each file is read, its claims extracted and judged in order (as the runner does, without
``--against``); the answer key's rule is then applied (:mod:`tests.check_keys`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import sympy as sp

from symconv.check.claims import extract_claims
from symconv.check.context import DocumentContext, ProblemContext
from symconv.check.judges import judge_all, judge_conv_matrix_claim
from symconv.check.markdown import document_kind, split_document
from symconv.conv.matrix import conv_matrix
from tests.check_keys import key_failures, read_key

PRACTICE = Path("/work/shared/practice")
DATA = Path(__file__).parent.parent / "data" / "check"


def check(path: Path, given: dict | None = None):
    text = path.read_text(encoding="utf-8")
    seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")
    context = DocumentContext(seed=seed)
    problem = ProblemContext(given=given or {})
    claims = extract_claims(
        split_document(text, document_kind(path)), context=context, problem=problem
    )
    return judge_all(claims, context, problem_at=lambda claim: problem)


def on_line(judgements, line):
    return [j for j in judgements if j.claim.line <= line <= j.claim.end_line]


needs_practice = pytest.mark.skipif(
    not PRACTICE.is_dir(), reason="the shared practice files are not on this machine"
)


@pytest.fixture(scope="module")
def nndl():
    return check(PRACTICE / "nndl-ch5-practice.md")


@pytest.fixture(scope="module")
def nyu():
    return check(PRACTICE / "nyu-cnn-practice.md")


# Lines of the nndl key that the context-free layer must already get (the brief's acceptance).
NNDL_CONTEXT_FREE = [8, 14, 16, 20, 22, 26, 28, 30, 32, 36, 51, 53, 57, 59, 61, 63, 65, 67]
NYU_CONTEXT_FREE = [11, 15, 25, 51, 55]


@needs_practice
def test_nndl_context_free_lines_reproduce_the_key(nndl):
    rows = read_key(PRACTICE / "nndl-ch5-practice.KEY.md")
    assert key_failures(nndl, rows, lines=NNDL_CONTEXT_FREE) == []
    chosen = [r for r in rows if r.start in NNDL_CONTEXT_FREE and r.verdict == "RIGHT"]
    for row in chosen:  # every one of these is confirmed, not just 80 %
        here = [j for j in nndl if row.overlaps(j.claim.line, j.claim.end_line)]
        assert any(j.verdict == "right" for j in here), (
            row,
            [(j.verdict, j.message) for j in here],
        )


@needs_practice
def test_nndl_line_9_taylor_expansion_is_right(nndl):
    assert [j.verdict for j in on_line(nndl, 9)] == ["right"]


@needs_practice
def test_nndl_kernel_line_22_names_line_20_with_witness(nndl):
    (j,) = on_line(nndl, 22)
    assert j.verdict == "wrong"
    assert "line 20" in j.message and "sum to 4" in j.message
    assert j.witness == "f ≡ 1: 4 ≠ 0"
    assert j.expected_latex == r"\begin{bmatrix}0 & 1 & 0\\1 & -4 & 1\\0 & 1 & 0\end{bmatrix}"


@needs_practice
def test_nndl_conv_matrix_row_4_swapped(nndl):
    (j,) = [j for j in nndl if j.claim.line == 36]
    assert (j.claim.line, j.claim.end_line, j.verdict) == (36, 41, "wrong")
    assert "line 40" in j.message
    assert j.diagnosis == "row 4: w_{12} and w_{11} are swapped (columns 5 and 6)"
    assert j.witness.startswith("row 4 of (C − C')x = (w_{11} - w_{12})·(x_{22} - x_{23})")


@needs_practice
def test_conv_matrix_judge_for_the_problem_layer(nndl):
    (claim,) = [j.claim for j in nndl if j.claim.line == 36]
    written, _ = claim.matrices[-1]
    expected = sp.Matrix(conv_matrix((3, 3), (2, 2)))
    result = judge_conv_matrix_claim(written, expected, claim)
    judgement = result.judgement(claim)
    assert judgement.verdict == "wrong"
    assert "line 40" in judgement.message
    assert judgement.witness.startswith("row 4 of (C − C')x = (w_{11} - w_{12})·(x_{22} - x_{23})")
    assert judge_conv_matrix_claim(expected, expected).equal


@needs_practice
def test_nndl_padding_line_53_under_line_51(nndl):
    (j,) = on_line(nndl, 53)
    assert j.verdict == "wrong" and "line 51" in j.message
    assert j.witness == "K = 3, D = 2: 3 ≠ 2"
    assert j.expected_latex == r"\frac{D \left(K - 1\right)}{2}"


@needs_practice
def test_nndl_sigmoid_line_57_witness_order(nndl):
    (j,) = on_line(nndl, 57)
    assert j.verdict == "wrong"
    assert j.witness == "z = 0: 0.75 ≠ 0.25"  # the written side first, then the true value
    assert "sign" in j.diagnosis


@needs_practice
def test_nndl_forward_difference_order_line_65(nndl):
    approximation, order = on_line(nndl, 65)
    assert approximation.verdict == "right"
    assert order.verdict == "wrong"
    assert "O(h), not O(h^2)" in order.message and "h·f''(x)/2" in order.message


@needs_practice
def test_nyu_context_free_lines_reproduce_the_key(nyu):
    rows = read_key(PRACTICE / "nyu-cnn-practice.KEY.md")
    assert key_failures(nyu, rows, lines=NYU_CONTEXT_FREE) == []
    (j,) = on_line(nyu, 55)
    assert j.verdict == "wrong" and j.expected_latex == "1820" and "not 1830" in j.message


@needs_practice
def test_nyu_no_wrong_claim_on_a_right_row_without_the_problem(nyu):
    rows = read_key(PRACTICE / "nyu-cnn-practice.KEY.md")
    right_rows = [r for r in rows if r.verdict.startswith("RIGHT")]
    wrong = [j for j in nyu if j.verdict == "wrong"]
    assert not [
        (r, j.claim.text)
        for r in right_rows
        for j in wrong
        if r.overlaps(j.claim.line, j.claim.end_line)
    ]


@needs_practice
def test_nyu_entries_judged_against_the_problems_values():
    from derivations import catalog

    nyu_set = next(s for s in catalog() if s.id == "nyu-cnn")
    given = next(e for e in nyu_set.exercises if e.id == "nyu-cnn-2").context
    judgements = check(PRACTICE / "nyu-cnn-practice.md", given=given)
    verdicts = {line: [j.verdict for j in on_line(judgements, line)] for line in (25, 29, 33, 37)}
    assert verdicts == {
        25: ["right", "right", "right"],  # Z is 5 × 4, and both subtractions
        29: ["right"],
        33: ["right"],
        37: ["wrong"],
    }
    (j,) = on_line(judgements, 37)
    assert j.message == "Z[0, 3] = 3, not 0"


@pytest.mark.parametrize(
    "name",
    [
        "cnn-shapes-aligned.md",
        "fd-stencils-zh.md",
        "activations-plain.md",
        "convmatrix.tex",
        "fd-high-order.md",
    ],
)
def test_own_solutions_reproduce_their_keys(name):
    path = DATA / name
    key = path.with_name(path.name.rsplit(".", 1)[0] + ".KEY.md")
    judgements = check(path)
    assert key_failures(judgements, read_key(key)) == []


def test_one_line_three_claims_with_their_own_verdicts():
    judgements = on_line(check(DATA / "activations-plain.md"), 6)
    assert [j.verdict for j in judgements] == ["right", "right", "wrong"]
    assert judgements[2].message == "the derivative is 1, not 0"


def test_reruns_give_identical_reports():
    path = DATA / "activations-plain.md"
    first = [(j.claim.line, j.verdict, j.message, j.witness) for j in check(path)]
    assert first == [(j.claim.line, j.verdict, j.message, j.witness) for j in check(path)]

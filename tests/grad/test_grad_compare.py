"""The index-formula comparator: what it must catch (with a witness) and what it must accept.

The reference answers are the differentiator's for nyu-cnn problem 4 (``derive_backward``); the
candidates are what a student writes, including the misreadings DESIGN.md lists: a dropped sum
over the batch index, ``j`` for ``j_1``, ``j_1 + k_1`` for ``j_1 − k_1`` in dX, a missing bias sum.
"""

from __future__ import annotations

from functools import cache

import pytest
import sympy as sp

from symconv.conv.forms import conv_index_form
from symconv.core.derivation import Derivation
from symconv.grad.compare import (
    Comparison,
    compare_index_formulas,
    layout_permutation,
    lint_free_indices,
)
from symconv.grad.differentiate import derive_backward
from symconv.grad.formula import IndexFormula, index_symbol, open_sum
from symconv.grad.notation import gradient_base

# "valid pixels only": the output sizes are tied to the input and kernel sizes.
NYU = (
    "Z[i,j1,j2,m] = sum_{k1,k2,n} W[k1,k2,n,m] X[i,j1+k1,j2+k2,n] + b[m]; "
    "X: (B, I1, I2, C); J1 = I1 - K1 + 1; J2 = I2 - K2 + 1"
)


@cache
def nyu(wrt: str) -> Derivation:
    return derive_backward(NYU, wrt=wrt)


def compare(candidate: str, wrt: str, seed: int = 11, **options) -> Comparison:
    return compare_index_formulas(candidate, nyu(wrt), seed=seed, **options)


CAUGHT = [
    (
        "dropped sum over the batch index",
        "W",
        "dJ/dW[k1,k2,n,m] = sum_{j1,j2} dJ/dZ[i,j1,j2,m] X[i,j1+k1,j2+k2,n]",
        ["i"],
    ),
    (
        "j for j1",
        "W",
        "dJ/dW[k1,k2,n,m] = sum_{i,j1,j2} dJ/dZ[i,j1,j2,m] X[i,j+k1,j2+k2,n]",
        ["j"],
    ),
    (
        "j1+k1 for j1-k1 in dX",
        "X",
        "dJ/dX[i,j1,j2,n] = sum_{k1,k2,m} dJ/dZ[i,j1+k1,j2+k2,m] W[k1,k2,n,m]",
        [],
    ),
    ("missing bias sum", "b", "dJ/db[m] = dJ/dZ[i,j1,j2,m]", ["i", "j_1", "j_2"]),
    ("bias sum missing the batch", "b", "dJ/db[m] = sum_{j1,j2} dJ/dZ[i,j1,j2,m]", ["i"]),
    (
        "kernel not flipped back (W[k] for the rotated tap)",
        "X",
        "dJ/dX[i,j1,j2,n] = sum_{k1,k2,m} dJ/dZ[i,j1-k1,j2-k2,m] W[k2,k1,n,m]",
        [],
    ),
]


@pytest.mark.parametrize(
    ("wrt", "candidate", "missing"),
    [case[1:] for case in CAUGHT],
    ids=[case[0] for case in CAUGHT],
)
def test_wrong_formulas_are_caught_with_a_witness(wrt, candidate, missing):
    result = compare(candidate, wrt)
    assert result.equal is False, result.message
    assert result.witness is not None
    assert result.witness.candidate != result.witness.reference
    assert [issue.name for issue in result.issues] == missing
    assert all(issue.kind == "missing_sum" for issue in result.issues)
    assert result.witness.unbound == {name: 0 for name in missing}
    description = result.witness.describe()
    assert "by the candidate" in description and "by the reference" in description


def test_witness_is_reproducible_and_checks_out_by_hand():
    first = compare(CAUGHT[2][2], "X", seed=5)
    second = compare(CAUGHT[2][2], "X", seed=5)
    assert first == second
    witness = first.witness
    assert witness is not None
    # Recompute both values at the witness from its own tensors.
    reference = nyu("X").details["backward"]
    values = reference.evaluate(dict(witness.tensors), witness.sizes)
    assert values[witness.index] == witness.reference


def test_probable_typo_names_the_likely_intent():
    result = compare(CAUGHT[1][2], "W")
    assert result.issues[0].likely == ("j_1", "j_2")
    assert "probably j_1 or j_2" in result.issues[0].message


ACCEPTED = [
    (
        "the engine's own form",
        "W",
        "dJ/dW[k1,k2,n,m] = sum_{i,j1,j2} dJ/dZ[i,j1,j2,m] X[i,j1+k1,j2+k2,n]",
    ),
    ("renamed dummies", "W", "dJ/dW[k1,k2,n,m] = sum_{b,u,v} dJ/dZ[b,u,v,m] X[b,u+k1,v+k2,n]"),
    (
        "sums in another order",
        "W",
        "dJ/dW[k1,k2,n,m] = sum_{j2,i,j1} X[i,j1+k1,j2+k2,n] dJ/dZ[i,j1,j2,m]",
    ),
    (
        "inferred sum indices",
        "W",
        "dJ/dW[k1,k2,n,m] = sum(dJ/dZ[i,j1,j2,m] * X[i,j1+k1,j2+k2,n])",
    ),
    (
        "dX relying on out-of-range zeros",
        "X",
        "dJ/dX[i,j1,j2,n] = sum_{k1,k2,m} dJ/dZ[i,j1-k1,j2-k2,m] W[k1,k2,n,m]",
    ),
    (
        "dX as sum over output positions",
        "X",
        "dJ/dX[i,p,q,n] = sum_{j1,j2,m} dJ/dZ[i,j1,j2,m] W[p-j1,q-j2,n,m]",
    ),
    (
        "db with explicit limits",
        "b",
        "dJ/db[m] = sum_{i=0}^{B-1} sum_{j1=0}^{I1-K1} sum_{j2=0}^{I2-K2} dJ/dZ[i,j1,j2,m]",
    ),
]


@pytest.mark.parametrize(
    ("wrt", "candidate"), [case[1:] for case in ACCEPTED], ids=[case[0] for case in ACCEPTED]
)
def test_correct_formulas_are_accepted(wrt, candidate):
    result = compare(candidate, wrt, time_budget=20)
    assert result.equal is True, result.message
    assert result.issues == () and result.witness is None and result.trials == 3


def test_layouts_map_nyu_weights_to_out_in_kh_kw():
    """The engine's NCHW/OIHW gradient against the NYU NHWC/HWIO hand formula."""
    reference = derive_backward(conv_index_form(2), wrt="W")
    candidate = "dJ/dW[k1,k2,n,m] = sum_{i,j1,j2} dJ/dZ[i,j1,j2,m] X[i,j1+k1,j2+k2,n]"
    layouts = {"W": "OIHW->HWIO", "X": "NCHW->NHWC", "Z": "NCHW->NHWC"}
    mapped = compare_index_formulas(candidate, reference, seed=2, layouts=layouts, time_budget=20)
    assert mapped.equal is True, mapped.message
    wrong = "dJ/dW[k1,k2,n,m] = sum_{i,j1,j2} dJ/dZ[i,j1,j2,m] X[i,j1+k2,j2+k1,n]"
    caught = compare_index_formulas(wrong, reference, seed=2, layouts=layouts, time_budget=20)
    assert caught.equal is False and caught.witness is not None
    unmapped = compare_index_formulas(candidate, reference, seed=2, time_budget=20)
    assert unmapped.equal is not True


def test_layout_permutations():
    assert layout_permutation("OIHW->HWIO") == (2, 3, 1, 0)
    assert layout_permutation((0, 2, 3, 1)) == (0, 2, 3, 1)
    with pytest.raises(ValueError, match="same distinct axes"):
        layout_permutation("OIHW->HWIX")
    with pytest.raises(ValueError, match="not a permutation"):
        layout_permutation((0, 0, 1))


def test_sympy_candidate_with_sums_without_limits():
    """What a checker builds from LaTeX: an Eq whose sums carry no limits (open_sum)."""
    i, j1, j2, m = (index_symbol(n) for n in ("i", "j_1", "j_2", "m"))
    dZ, db = gradient_base("J", "Z"), gradient_base("J", "b")
    candidate = sp.Eq(db[m], open_sum(dZ[i, j1, j2, m], i, j1, j2))
    assert compare_index_formulas(candidate, nyu("b"), seed=3).equal is True
    dropped = sp.Eq(db[m], open_sum(dZ[i, j1, j2, m], j1, j2))
    result = compare_index_formulas(dropped, nyu("b"), seed=3)
    assert result.equal is False and result.issues[0].name == "i"


def test_definitions_give_the_layer_output_for_u_one_minus_u():
    """nyu-cnn 4(a): ∂J/∂Z = ∂J/∂U · U(1 − U), with U = σ(Z) computed from Z."""
    reference = derive_backward("U[i,j1,j2,m] = sigmoid(Z[i,j1,j2,m])", wrt="Z")
    right = "dJ/dZ[i,j1,j2,m] = dJ/dU[i,j1,j2,m] U[i,j1,j2,m] (1 - U[i,j1,j2,m])"
    assert compare_index_formulas(right, reference, seed=4).equal is True
    forgot = "dJ/dZ[i,j1,j2,m] = dJ/dU[i,j1,j2,m] U[i,j1,j2,m]"
    result = compare_index_formulas(forgot, reference, seed=4)
    assert result.equal is False and result.witness is not None


def test_undecidable_inputs_are_not_silent_passes():
    budget = compare(ACCEPTED[0][2], "W", time_budget=0.0)
    assert budget.equal is None and "time budget" in budget.message
    unknown = compare("dJ/dW[k1,k2,n,m] = sum_{i,j1,j2} dJ/dZ[i,j1,j2,m] Y[i,j1,j2,n]", "W")
    assert unknown.equal is None and unknown.issues[0].kind == "unknown_tensor"
    other_side = compare("dJ/dX[k1,k2,n,m] = sum_{i,j1,j2} dJ/dZ[i,j1,j2,m]", "W")
    assert other_side.equal is None and other_side.issues[0].kind == "left_side"
    unknown_size = compare("dJ/db[m] = sum_{i=0}^{Q-1} sum_{j1,j2} dJ/dZ[i,j1,j2,m]", "b")
    assert unknown_size.equal is None and unknown_size.issues[0].kind == "unknown_size"
    unreadable = compare("dJ/dW[k1,k2,n,m] = sum_{i,j1,j2} dJ/dZ[i,j1,j2,m", "W")
    assert unreadable.equal is None and unreadable.issues[0].kind == "unreadable"
    assert "column" in unreadable.message


def test_lint_reports_every_unsummed_index_by_name():
    formula = IndexFormula.parse("dJ/db[m] = dJ/dZ[i,j1,j2,m]")
    assert [issue.name for issue in lint_free_indices(formula)] == ["i", "j_1", "j_2"]
    clean = IndexFormula.parse("Z[i,m,j] = b[m] + sum(W[m,n,k] * X[i,n,s*j+k]); s = 2")
    assert lint_free_indices(clean) == ()
    with_stride = IndexFormula.parse("Z[i,m,j] = b[m] + sum(W[m,n,k] * X[i,n,s*j+k])")
    assert lint_free_indices(with_stride, known=["s"]) == ()
    assert [issue.name for issue in lint_free_indices(with_stride)] == ["s"]


def test_a_witness_shows_a_valid_geometry_in_the_tensors_own_shapes():
    # the input of a forward window reaches O + K − 1 entries; the message names no size symbol
    # the inference made up (n^x_0), only the tensors' shapes
    from symconv.grad.compare import compare_index_formulas

    for seed in range(6):
        result = compare_index_formulas(
            "y[i] = sum(w[k] * x[i + k + 1])", "y[i] = sum(w[k] * x[i + k])", seed=seed
        )
        assert result.equal is False and result.witness is not None
        witness = result.witness
        assert "n^" not in witness.describe()
        kernel, signal = len(witness.tensors["w"]), len(witness.tensors["x"])
        assert signal >= kernel

"""Derivative claims, scalar and vector, against SymPy's own derivative and a numeric reference
(central differences in floats, tests/reference_check.py)."""

from __future__ import annotations

import math

import pytest

from tests import reference_check as ref
from tests.check_keys import judge_document

POINTS = [-1.3, -0.2, 0.4, 1.7]


def gauss(z):
    return math.exp(-z * z)


def z2sin(z):
    return z * z * math.sin(z)


# (claim, the function differentiated, the claimed derivative), both as Python functions
SCALAR = [
    (
        r"\sigma'(z) = \sigma(z)(1 - \sigma(z))",
        ref.sigmoid,
        lambda z: ref.sigmoid(z) * (1 - ref.sigmoid(z)),
    ),
    (
        r"\sigma'(z) = \sigma(z)(1 + \sigma(z))",
        ref.sigmoid,
        lambda z: ref.sigmoid(z) * (1 + ref.sigmoid(z)),
    ),
    (r"\tanh'(z) = 1 - \tanh^2(z)", math.tanh, lambda z: 1 - math.tanh(z) ** 2),
    (r"\tanh'(z) = 1 + \tanh^2(z)", math.tanh, lambda z: 1 + math.tanh(z) ** 2),
    (r"\frac{d}{dz}\log(1 + e^{z}) = \sigma(z)", lambda z: math.log(1 + math.exp(z)), ref.sigmoid),
    (
        r"\frac{d}{dz} e^{-z^2} = -2 z e^{-z^2}",
        lambda z: math.exp(-z * z),
        lambda z: -2 * z * math.exp(-z * z),
    ),
    (
        r"\frac{d}{dz} e^{-z^2} = -z e^{-z^2}",
        lambda z: math.exp(-z * z),
        lambda z: -z * math.exp(-z * z),
    ),
    (
        r"\frac{d}{dz} (z^2 \sin z) = 2z \sin z + z^2 \cos z",
        lambda z: z * z * math.sin(z),
        lambda z: 2 * z * math.sin(z) + z * z * math.cos(z),
    ),
]


@pytest.mark.parametrize("latex,function,claimed", SCALAR)
def test_scalar_derivatives_agree_with_central_differences(latex, function, claimed):
    (judgement,) = judge_document(f"${latex}$\n")
    truth = ref.agree(lambda z: ref.derivative(function, z), claimed, POINTS, 1e-6)
    assert judgement.verdict == ("right" if truth else "wrong"), judgement.message


def test_sigmoid_witness_and_expected_form():
    (judgement,) = judge_document("$\\sigma'(z) = \\sigma(z)(1 + \\sigma(z))$\n")
    assert judgement.witness == "z = 0: 0.75 ≠ 0.25"
    assert "\\sigma" in judgement.expected_latex
    assert judgement.diagnosis == "probable sign error: 1 + σ(z) where 1 - σ(z) was meant"


def test_derivative_at_a_point():
    doc = "$\\sigma'(0) = 0.25$ and $\\tanh'(0) = 0$.\n"
    right, wrong = judge_document(doc)
    assert right.verdict == "right"
    assert (wrong.verdict, wrong.message) == ("wrong", "the derivative is 1, not 0")


def test_conditions_restrict_the_points():
    doc = (
        "$\\mathrm{ReLU}'(z) = 1$ for $z > 0$ and $\\mathrm{ReLU}'(z) = 0$ for $z < 0$.\n\n"
        "$\\mathrm{ReLU}'(z) = 1$.\n"
    )
    assert [j.verdict for j in judge_document(doc)] == ["right", "right", "wrong"]
    witness = judge_document(doc)[2].witness
    assert witness == "z = -1: 1 ≠ 0"  # never at the kink z = 0


def test_derivatives_of_names_the_document_defined():
    doc = (
        "For the squared error $E = \\frac{1}{2}(y - t)^2$: "
        "$\\frac{\\partial E}{\\partial y} = y - t$.\n\n"
        "Let $f(x) = x^2 e^{x}$. Then $f'(x) = (2x + x^2) e^{x}$ and $f'(x) = 2x e^{x}$.\n"
    )
    judged = [(j.claim.kind, j.verdict) for j in judge_document(doc)]
    assert judged == [
        ("definition", "right"),  # E is the squared error it is said to be (named_costs)
        ("derivative", "right"),
        ("derivative", "right"),
        ("derivative", "wrong"),
    ]


def test_undefined_functions_are_unverified():
    (judgement,) = judge_document("$g'(x) = 2x$\n")
    assert judgement.verdict == "unverified"


def softmax_claim_truth(claimed):
    """Does ∂y_i/∂z_j = claimed(y, i, j) hold at a few points? (numeric Jacobian)"""
    for z in ([0.3, -1.2, 0.5], [2.0, 0.1, -0.7]):
        y = ref.softmax(z)
        jacobian = ref.softmax_jacobian(z)
        for i in range(3):
            for j in range(3):
                if abs(jacobian[i][j] - claimed(y, i, j)) > 1e-6:
                    return False
    return True


JACOBIANS = [
    (r"y_i(\delta_{ij} - y_j)", lambda y, i, j: y[i] * ((i == j) - y[j])),
    (r"y_i(\delta_{ij} + y_j)", lambda y, i, j: y[i] * ((i == j) + y[j])),
    (r"y_j(\delta_{ij} - y_i)", lambda y, i, j: y[j] * ((i == j) - y[i])),
    (r"\delta_{ij} - y_i y_j", lambda y, i, j: (i == j) - y[i] * y[j]),
]


@pytest.mark.parametrize("rhs,claimed", JACOBIANS)
def test_softmax_jacobians_agree_with_a_numeric_jacobian(rhs, claimed):
    doc = f"For $y = \\mathrm{{softmax}}(z)$: $\\frac{{\\partial y_i}}{{\\partial z_j}} = {rhs}$.\n"
    (judgement,) = judge_document(doc)
    truth = softmax_claim_truth(claimed)
    assert judgement.verdict == ("right" if truth else "wrong"), judgement.message


def test_cross_entropy_gradient_needs_the_sum_of_t():
    with_sum = (
        "For $L = -\\sum_i t_i \\log y_i$ with $y = \\mathrm{softmax}(z)$ and $\\sum_i t_i = 1$: "
        "$\\frac{\\partial L}{\\partial z} = y - t$.\n"
    )
    without = (
        "For $L = -\\sum_i t_i \\log y_i$ with $y = \\mathrm{softmax}(z)$: "
        "$\\frac{\\partial L}{\\partial z} = y - t$.\n"
    )
    assert [j.verdict for j in judge_document(with_sum)] == ["right"]
    (judgement,) = judge_document(without)
    # true exactly when Σ t = 1 (one-hot labels, as cross-entropy's targets conventionally
    # are): unsaid, it is no proof either way — unverified, with what to write
    assert judgement.verdict == "unverified"
    assert "entries of t sum to 1" in judgement.message
    wrong_sign = without.replace("= y - t", "= t - y")
    (flipped,) = judge_document(wrong_sign)
    assert flipped.verdict == "wrong"  # false whatever t sums to


def test_gradient_written_with_part_and_an_index():
    doc = (
        "With $L = -\\sum_k t_k \\log y_k$, $y = \\mathrm{softmax}(z)$ and $\\sum_k t_k = 1$:\n"
        "$\\frac{\\part L}{\\part z_j} = y_j - t_j$ and "
        "$\\frac{\\part L}{\\part z_j} = y_j + t_j$.\n"
    )
    right, wrong = judge_document(doc)
    assert (right.verdict, wrong.verdict) == ("right", "wrong")
    assert wrong.diagnosis.startswith("probable sign error")


def test_index_formulas_of_a_network_are_left_to_the_problem():
    doc = (
        "$\\frac{\\partial J}{\\partial W[k]} = "
        "\\sum_i \\frac{\\partial J}{\\partial Z[i]} X[i+k]$\n"
    )
    (judgement,) = judge_document(doc)
    assert judgement.verdict == "unverified" and "index formula" in judgement.message


def test_softmax_cross_entropy_gradient_needs_the_targets_to_sum_to_one():
    # ∂L/∂z_k = p_k − y_k holds exactly when Σ_k y_k = 1 (one-hot labels): unsaid, it is
    # unverified with that reason; said, right; the sign flipped, wrong
    from symconv.check.api import check

    head = r"Let $p = \mathrm{softmax}(z)$ and $L = -\sum_k y_k \log p_k$"
    claim = r"Then $\frac{\partial L}{\partial z_k} = p_k - y_k$."
    unsaid = check(f"{head}. {claim}\n").judgements
    assert [j.verdict for j in unsaid] == ["unverified"]
    assert "sum to 1" in unsaid[0].message
    said = check(f"{head} with $\\sum_k y_k = 1$. {claim}\n").judgements
    assert [j.verdict for j in said] == ["right"]
    flipped = claim.replace("p_k - y_k", "y_k - p_k")
    assert [j.verdict for j in check(f"{head} with $\\sum_k y_k = 1$. {flipped}\n").judgements] == [
        "wrong"
    ]


def test_a_derivative_that_reads_zero_because_a_definition_was_not_used_is_no_witness():
    # p_k defined entry by entry with an unbounded Σ_j: as read, L does not involve z
    from symconv.check.api import check

    text = (
        r"Let $p_k = \frac{e^{z_k}}{\sum_j e^{z_j}}$ and $L = -\sum_k y_k \log p_k$. "
        r"Then $\frac{\partial L}{\partial z_k} = p_k - y_k$." + "\n"
    )
    assert [j.verdict for j in check(text).judgements] == ["unverified"]


def test_a_derivative_whose_orders_disagree_is_wrong_and_a_group_is_not_taken_for_one():
    # ∂^5 f/∂x^3 ∂y: no reading makes it right; ∂^2 E/∂(w^{(l)})^2 may carry an order the
    # reading missed, so it is only unread
    from symconv.check.api import check

    (contradiction,) = check(
        "$g = \\frac{\\partial^{5} f}{\\partial x^{3} \\partial y}$"
    ).judgements
    assert (contradiction.verdict, contradiction.diagnosis) == (
        "wrong",
        "the notation contradicts itself",
    )
    grouped = check("$\\frac{\\partial^2 E}{\\partial (w^{(l)})^2} = 1$").judgements
    assert [j.verdict for j in grouped] == ["unverified"]


def test_the_derivative_of_a_function_the_document_never_defines_is_not_confirmed_as_zero():
    from symconv.check.api import check

    undefined = check("$\\frac{\\partial^2 f}{\\partial x_i \\partial x_j} = 0$").judgements
    assert [j.verdict for j in undefined] == ["unverified"]
    assert [
        j.verdict for j in check("$\\frac{\\partial x_i}{\\partial x_j} = \\delta_{ij}$").judgements
    ] == ["right"]


def test_a_sum_over_a_stated_range_is_read_at_length_three():
    # Σ_{n=1}^{N} and Σ_{i=0}^{m-1} run over whole vectors: read as the unstated Σ_n is, with
    # N (or m) set to the length and the indices from the range's base.
    doc = (
        "For $L = \\frac{1}{N}\\sum_{n=1}^{N} (y_n - \\hat y_n)^2$ we get "
        "$\\frac{\\partial L}{\\partial \\hat y_n} = \\frac{2}{N}(\\hat y_n - y_n)$.\n\n"
        "For $J = \\frac{1}{m}\\sum_{i=0}^{m-1} (h_i - g_i)^2$: "
        "$\\frac{\\partial J}{\\partial h_i} = 2(h_i - g_i)$.\n\n"
        "For $E = \\sum_{i=2}^{N} (t_i - o_i)^2$: "
        "$\\frac{\\partial E}{\\partial o_i} = 2(o_i - t_i)$.\n"
    )
    mse, forgotten_mean, from_two = judge_document(doc)
    assert mse.verdict == "right" and "read at length 3" in mse.message
    assert forgotten_mean.verdict == "wrong"
    assert forgotten_mean.witness is not None and forgotten_mean.witness.startswith("m = 3")
    assert from_two.verdict == "unverified"  # not the whole vector: no reading at a length


def test_a_vector_defined_entry_by_entry_is_written_out_in_the_vector_reading():
    # p_k = e^{z_k} / Σ_j e^{z_j} (an entry's formula, not "p = softmax(z)") with the
    # cross-entropy L = -Σ_k y_k log p_k: the classic p_k - y_k, which needs Σ_k y_k = 1.
    softmax = (
        "Let $p_k = \\frac{e^{z_k}}{\\sum_{j=1}^{K} e^{z_j}}$ and "
        "$L = -\\sum_{k=1}^{K} y_k \\log p_k${given}.\n\n"
        "$$\\frac{\\partial L}{\\partial z_k} = p_k - y_k$$\n\n"
        "$$\\frac{\\partial L}{\\partial z_k} = y_k - p_k$$\n\n"
        "$$\\frac{\\partial p_i}{\\partial z_j} = p_i(\\delta_{ij} - p_j)$$\n"
    )
    stated = judge_document(softmax.replace("{given}", " with $\\sum_{k=1}^{K} y_k = 1$"))
    verdicts = [(j.claim.line, j.verdict) for j in stated if j.claim.line > 1]
    assert verdicts == [(3, "right"), (5, "wrong"), (7, "right")]
    unstated = judge_document(softmax.replace("{given}", ""))
    first = next(j for j in unstated if j.claim.line == 3)
    assert first.verdict == "unverified" and "sum to 1" in first.message


def test_a_derivative_of_a_function_at_a_defined_name_is_taken_at_its_value():
    # σ'(z) with z = wx + b: SymPy refuses a derivative by wx + b; the line went unjudged
    doc = (
        "Let $z = wx + b$, $a = \\sigma(z)$ and $L = \\frac{1}{2}(a - y)^2$.\n\n"
        "$$\\frac{\\partial L}{\\partial w} = (a - y)\\sigma'(z)x$$\n\n"
        "$$\\frac{\\partial L}{\\partial w} = (a - y)\\sigma'(z)$$\n\n"
        "$$\\frac{\\partial a}{\\partial b} = \\sigma'(z)$$\n"
    )
    assert [j.verdict for j in judge_document(doc)] == ["right", "wrong", "right"]


def test_a_vector_only_the_right_side_names_and_the_document_never_defines_is_no_witness():
    # d/dz_i(−Σ_k t_k log softmax_k(z)) = p_i − t_i: p is the softmax the author has in mind,
    # never defined; a value chosen for it proves nothing (it was called wrong). Defined, the
    # same claim is judged: right, and wrong with the sign flipped.
    from symconv.check.api import check

    lhs = (
        r"\frac{\partial}{\partial z_i}\left(-\sum_k t_k \log \frac{e^{z_k}}{\sum_j e^{z_j}}\right)"
    )
    undefined = check(f"$${lhs} = p_i - t_i$$\n").judgements
    assert [j.verdict for j in undefined] == ["unverified"]
    assert "p appears only on the right side" in undefined[0].message
    head = r"Let $p_k = \frac{e^{z_k}}{\sum_j e^{z_j}}$ and $\sum_k t_k = 1$." + "\n\n"
    written = r"\frac{\partial}{\partial z_i}\left(-\sum_k t_k \log p_k\right)"
    defined = check(f"{head}$${written} = p_i - t_i$$\n\n$${written} = t_i - p_i$$\n").judgements
    assert [j.verdict for j in defined] == ["right", "wrong"]


def test_a_derivative_at_a_kink_is_a_convention_not_a_value():
    # ReLU'(0) = 0 "by convention" was wrong ("the derivative is 0.5": SymPy's step at 0);
    # away from the kink the derivative is judged as before
    from symconv.check.api import check

    doc = (
        "$\\operatorname{ReLU}'(0) = 0$, $\\operatorname{ReLU}'(0) \\approx 0.5$, "
        "$\\operatorname{ReLU}'(3) = 1$, $\\operatorname{ReLU}'(-1) = 1$.\n"
    )
    judged = check(doc).judgements
    assert [j.verdict for j in judged] == ["unverified", "unverified", "right", "wrong"]
    assert "kink" in judged[0].message


def test_a_gradient_with_a_transpose_read_as_numbers_is_no_proof_for_vectors():
    # x δ^T and δ x^T agree as numbers; as vectors they are the two layouts of ∂L/∂W
    doc = (
        "Let $\\bm{z} = W\\bm{x} + \\bm{b}$, $\\bm{a} = \\sigma(\\bm{z})$ and "
        "$L = \\frac12\\|\\bm{a} - \\bm{y}\\|^2$, with "
        "$\\bm{\\delta} = (\\bm{a} - \\bm{y}) \\odot \\sigma'(\\bm{z})$.\n\n"
        "$$\\frac{\\partial L}{\\partial W} = \\bm{x}\\, \\bm{\\delta}^\\top$$\n\n"
        "$$\\frac{\\partial L}{\\partial W} = \\bm{\\delta}$$\n"
    )
    transposed, forgotten = [j for j in judge_document(doc) if j.claim.line > 1]
    assert transposed.verdict == "unverified" and "layout" in transposed.message
    assert forgotten.verdict != "right"

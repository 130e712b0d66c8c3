"""The derivative of a cost a document defines, by an entry of the layer it reads entry by entry
(:mod:`symconv.check.judges.cost_gradients`): right, a typical mistake, and what stays undecided,
in documents written for these tests. Where a claim is decided, its verdict is checked against
central differences with a concrete activation (tanh) standing for the undefined one."""

from __future__ import annotations

import math

import pytest

from tests import reference_check as ref
from tests.check_keys import judge_document

POINTS = [(-1.3, 0.4), (-0.2, -0.7), (0.4, 1.1), (1.7, 0.25)]


def _on_line(text: str, line: int) -> list:
    return [j for j in judge_document(text) if j.claim.line <= line <= j.claim.end_line]


def _verdicts(text: str, line: int) -> set[str]:
    return {j.verdict for j in _on_line(text, line)}


# One output o = g(u) of the last layer's pre-activation u, the cost E = ½(t − o)². Each claim
# with the derivative it claims, as a function of (u, t) with g = tanh.
SQUARED = (
    "The output is $o = g(u)$, and the cost is\n\n"
    "$$E = \\frac{1}{2}(t - o)^2$$\n\n"
    "$$\\frac{\\partial E}{\\partial u_k} = {claim}$$\n"
)
SQUARED_CLAIMS = [
    ("(o - t) g'(u_k)", lambda u, t: (math.tanh(u) - t) * (1 - math.tanh(u) ** 2)),
    ("(t - o) g'(u_k)", lambda u, t: (t - math.tanh(u)) * (1 - math.tanh(u) ** 2)),  # sign
    ("o - t", lambda u, t: math.tanh(u) - t),  # the activation's slope left out
    ("(o - t) g(u_k)", lambda u, t: (math.tanh(u) - t) * math.tanh(u)),  # g for g'
    ("-(t - o) g'(u_k)", lambda u, t: -(t - math.tanh(u)) * (1 - math.tanh(u) ** 2)),
]


@pytest.mark.parametrize("claim,claimed", SQUARED_CLAIMS)
def test_squared_error_through_an_undefined_activation_agrees_with_differences(claim, claimed):
    text = SQUARED.replace("{claim}", claim)
    (judgement,) = _on_line(text, 5)
    truth = all(
        ref.agree(
            lambda u, t=t: ref.derivative(lambda v: 0.5 * (t - math.tanh(v)) ** 2, u),
            lambda u, t=t: claimed(u, t),
            [u],
        )
        for u, t in POINTS
    )
    assert judgement.verdict == ("right" if truth else "wrong"), judgement.message
    if not truth:
        # the witness gives values of g and g' at the entry, and both sides there
        assert "g'(u[k])" in judgement.witness and "≠" in judgement.witness


def test_a_right_derivative_says_what_it_read_and_that_g_stays_unknown():
    (judgement,) = _on_line(SQUARED.replace("{claim}", "(o - t) g'(u_k)"), 5)
    assert "E = " in judgement.message and "o = g(u) (line 1)" in judgement.message
    assert "read at the entry k" in judgement.message
    assert "for any g (not defined" in judgement.message


def test_a_sign_error_is_diagnosed():
    (judgement,) = _on_line(SQUARED.replace("{claim}", "(t - o) g'(u_k)"), 5)
    assert judgement.verdict == "wrong"
    assert judgement.diagnosis is not None and "sign" in judgement.diagnosis


# The cross-entropy of a logistic output: ∂L/∂z_j = a_j − y_j.
CROSS_ENTROPY = (
    "With the output $a = \\sigma(z)$ and the loss\n\n"
    "$$L = -(y \\log a + (1 - y) \\log(1 - a))$$\n\n"
    "$$\\frac{\\partial L}{\\partial z_j} = {claim}$$\n"
)


@pytest.mark.parametrize(
    "claim,verdict",
    [("a_j - y_j", "right"), ("y_j - a_j", "wrong"), ("(a_j - y_j) a_j (1 - a_j)", "wrong")],
)
def test_cross_entropy_of_a_logistic_output(claim, verdict):
    (judgement,) = _on_line(CROSS_ENTROPY.replace("{claim}", claim), 5)
    assert judgement.verdict == verdict, judgement.message
    for z, y in POINTS:
        a = ref.sigmoid(z)

        def loss(v, y=y):
            return -(y * math.log(ref.sigmoid(v)) + (1 - y) * math.log(1 - ref.sigmoid(v)))

        claimed = {"a_j - y_j": a - y, "y_j - a_j": y - a}.get(claim, (a - y) * a * (1 - a))
        agrees = abs(ref.derivative(loss, z) - claimed) < 1e-6
        assert agrees == (verdict == "right")


# A write-up in the scthe style with other names: the hypothesis h_{V,c}(U), a layer pattern
# o^{(n)} = φ(s^{(n)}) read at the last layer N, and the error term named δ.
HYPOTHESIS = """\
* $$h_{V,c}(U)$$ - the prediction. We set $$h_{V,c}(U) = o^{(N)}$$
* $$o^{(n)} = \\varphi(s^{(n)})$$

The cost is

$$C(V,c;T,U) = \\frac{1}{2}(T - h_{V,c}(U))^2$$

$$\\delta^{(N)}_k = \\frac{\\partial}{\\partial s^{(N)}_k} C(V,c;T,U)
= (h_{V,c}(U) - T) \\varphi'(s^{(N)}_k)$$

so that

$$\\delta^{(N)}_k = {claim}$$
"""


@pytest.mark.parametrize(
    "claim,verdict",
    [
        ("(h_{V,c}(U) - T)\\varphi'(s^{(N)}_k)", "right"),
        ("(o^{(N)}_k - T) \\varphi'(s^{(N)}_k)", "right"),
        ("(T - h_{V,c}(U))\\varphi'(s^{(N)}_k)", "wrong"),
        ("h_{V,c}(U) - T", "wrong"),
    ],
)
def test_a_cost_through_the_hypothesis_and_a_layer_pattern(claim, verdict):
    text = HYPOTHESIS.replace("{claim}", claim)
    assert "right" in _verdicts(text, 9)  # the chain on lines 8-9, its last link decided
    (judgement,) = _on_line(text, 13)
    assert judgement.verdict == verdict, judgement.message
    assert "at layer N" in judgement.message


def test_wrong_only_within_the_claims_own_section():
    """The cost of another section may belong to another exercise: a difference with it is
    reported, never called wrong."""
    text = (
        "## 1\n\n$$E = \\frac{1}{2}(t - o)^2$$\n\n$o = g(u)$\n\n"
        "## 2\n\n$$\\frac{\\partial E}{\\partial u_k} = (t - o) g'(u_k)$$\n\n"
        "## 3\n\n$$\\frac{\\partial E}{\\partial u_k} = (o - t) g'(u_k)$$\n"
    )
    (other,) = _on_line(text, 9)
    assert other.verdict == "unverified" and "another section" in other.message
    (same,) = _on_line(text, 13)
    assert same.verdict == "right"


@pytest.mark.parametrize(
    "text,line",
    [
        # q is never said to depend on u
        (
            "$$F = \\frac{1}{2}(t - q)^2$$\n\n"
            "$$\\frac{\\partial F}{\\partial u_k} = (q - t) g'(u_k)$$\n",
            3,
        ),
        # w u inside g: a dot product (one output) or entry by entry? not read at the entry
        (
            "$o = g(w u)$\n\n$$E = \\frac{1}{2}(t - o)^2$$\n\n"
            "$$\\frac{\\partial E}{\\partial u_k} = (o - t) g'(w_k u_k) w_k$$\n",
            5,
        ),
        # the right side names p, which nothing defines
        (
            "$o = g(u)$\n\n$$E = \\frac{1}{2}(t - o)^2$$\n\n"
            "$$\\frac{\\partial E}{\\partial u_k} = (p - t) g'(u_k)$$\n",
            5,
        ),
    ],
)
def test_undecided_derivatives_stay_unverified(text, line):
    judgements = _on_line(text, line)
    assert judgements and {j.verdict for j in judgements} == {"unverified"}


def test_a_softmax_output_is_not_read_entry_by_entry():
    """∂y_k/∂z_j ≠ 0 for k ≠ j: the one-term product is wrong, never confirmed."""
    text = (
        "$y = \\mathrm{softmax}(z)$\n\n$$L = \\frac{1}{2}(t - y)^2$$\n\n"
        "$$\\frac{\\partial L}{\\partial z_j} = (y_j - t_j) y_j (1 - y_j)$$\n"
    )
    assert "right" not in _verdicts(text, 5)


# A batch: J(W, b) the mean of the per-sample costs.
BATCH = """\
$$J(W,b;Y,X) = \\frac{1}{2}(Y - h_{W,b}(X))^2$$

{definition}

$$\\frac{\\partial}{\\partial W_{ji}} J(W,b) = {claim}$$
"""
MEAN = "$$J(W,b) = \\frac{1}{m}\\sum_{k=1}^{m} J(W,b;Y^{(k)},X^{(k)})$$"
PER_SAMPLE = "\\sum_{k=1}^m \\frac{\\partial}{\\partial W_{ji}} J(W,b; Y^{(k)}, X^{(k)})"


@pytest.mark.parametrize(
    "definition,claim,verdict,words",
    [
        (MEAN, f"\\frac{{1}}{{m}} {PER_SAMPLE}", "right", "sum of the derivatives"),
        (MEAN, PER_SAMPLE, "wrong", "1/m"),
        ("The batch cost averages the samples.", f"\\frac{{1}}{{m}} {PER_SAMPLE}", "unverified",
         "right if it is the mean of the per-sample costs"),
    ],
)  # fmt: skip
def test_the_gradient_of_a_batch_cost(definition, claim, verdict, words):
    text = BATCH.replace("{definition}", definition).replace("{claim}", claim)
    (judgement,) = _on_line(text, 5)
    assert judgement.verdict == verdict
    assert words in judgement.message


@pytest.mark.parametrize(
    "latex,printed",
    [
        ("h_{W,b}(X)", "h_{W,b}(X)"),
        ("f_\\theta(x)", "f_{\\theta}(x)"),
        ("p_{\\phi}(z)", "p_{\\phi}(z)"),
        ("y_N(1 - y_N)", "(1 - y[N])*y[N]"),
        ("a_{i,j}(x + 1)", "(x + 1)*a[i, j]"),
        ("x_{i,N}(a + b)", "(a + b)*x[i, N]"),
    ],
)
def test_a_function_named_with_its_parameters_is_applied(latex, printed):
    from symconv.check.parser import parse_math

    (statement,) = parse_math(latex).statements
    assert str(statement.sides[0].expr) == printed


# The cost written as a sum over the output's entries, or as a norm: the sum keeps its term at
# the entry differentiated by (the other terms do not read it).
SUMMED = (
    "The cost is $C = {cost}$ with $a_p = \\tanh(s_p)$.\n\n"
    "$$\\frac{\\partial C}{\\partial s_p} = {claim}$$\n"
)


@pytest.mark.parametrize("cost", ["\\frac{1}{2}\\sum_q (r_q - a_q)^2", "\\frac{1}{2}\\|r - a\\|^2"])
@pytest.mark.parametrize(
    "claim,truth",
    [
        ("(a_p - r_p)(1 - a_p^2)", lambda s, r: (math.tanh(s) - r) * (1 - math.tanh(s) ** 2)),
        ("(a_p - r_p)", lambda s, r: math.tanh(s) - r),
        ("(r_p - a_p)(1 - a_p^2)", lambda s, r: (r - math.tanh(s)) * (1 - math.tanh(s) ** 2)),
    ],
)
def test_a_cost_summed_over_the_entries(cost, claim, truth):
    text = SUMMED.replace("{cost}", cost).replace("{claim}", claim)
    (judgement,) = _on_line(text, 3)
    agrees = all(
        abs(ref.derivative(lambda v, r=r: 0.5 * (r - math.tanh(v)) ** 2, s) - truth(s, r)) < 1e-6
        for s, r in POINTS
    )
    assert judgement.verdict == ("right" if agrees else "wrong"), judgement.message


def test_a_sum_that_reads_other_entries_is_not_cut_to_one_term():
    """Σ_q (r_q − a_q)(r_{q+1} − a_{q+1}): each term reads two entries, ∂/∂s_p has two terms."""
    text = (
        "The cost is $C = \\sum_q (r_q - a_q)(r_{q+1} - a_{q+1})$ with $a_p = \\tanh(s_p)$.\n\n"
        "$$\\frac{\\partial C}{\\partial s_p} = -(r_{p+1} - a_{p+1})(1 - a_p^2)$$\n"
    )
    assert "right" not in _verdicts(text, 3)


# One example, scalars: the loss defined as a function of (a, y) and named alone in the claims.
SCALAR = (
    "The loss is the cross-entropy:\n\n"
    "$$\\ell(a, y) = -(y \\log a + (1 - y)\\log(1 - a))$$\n\n"
    "where $a = \\sigma(z)$.\n\n"
    "$$\\frac{{\\partial \\ell}}{{\\partial {by}}} = {claim}$$\n"
)


@pytest.mark.parametrize(
    "by,claim,verdict",
    [
        ("z", "a - y", "right"),
        ("z", "y - a", "wrong"),
        ("a", "\\frac{a - y}{a(1 - a)}", "right"),
        ("a", "\\frac{a - y}{a}", "wrong"),
    ],
)
def test_a_loss_named_without_its_arguments(by, claim, verdict):
    text = (
        SCALAR.replace("{by}", by).replace("{claim}", claim).replace("{{", "{").replace("}}", "}")
    )
    (judgement,) = _on_line(text, 7)
    assert judgement.verdict == verdict, judgement.message

    def loss(a: float, y: float) -> float:
        return -(y * math.log(a) + (1 - y) * math.log(1 - a))

    for z, t in POINTS:
        y = min(max(t, 0.0), 1.0)
        a = ref.sigmoid(z)
        if by == "z":
            derivative = ref.derivative(lambda v, y=y: loss(ref.sigmoid(v), y), z)
            written = a - y if claim == "a - y" else y - a
        else:
            derivative = ref.derivative(lambda v, y=y: loss(v, y), a)
            written = (a - y) / (a * (1 - a)) if "1 - a" in claim else (a - y) / a
        assert (abs(derivative - written) < 1e-5) == (verdict == "right")


def test_an_entry_computed_from_another_tensor_is_never_a_free_variable():
    """a_p = tanh(s_p) written for entries: a sum of products of neighbours is not read at the
    entry, and the reading of vectors at length 3 must not take a for a free vector (it would
    call this true line wrong: ∂C/∂s_p has the two terms that read a_p)."""
    text = (
        "The cost is $C = \\sum_q (r_q - a_q)(r_{q+1} - a_{q+1})$ with $a_p = \\tanh(s_p)$.\n\n"
        "$$\\frac{\\partial C}{\\partial s_p} = -(1 - a_p^2)(r_{p+1} - a_{p+1} + r_{p-1}"
        " - a_{p-1})$$\n"
    )
    assert "wrong" not in _verdicts(text, 3)


def test_an_activation_of_another_section_never_makes_a_line_wrong():
    text = (
        "## 1\n\nThe output is $o_k = g(u_k)$.\n\n"
        "## 2\n\n$$E = \\frac{1}{2}(t - o)^2$$\n\n"
        "$$\\frac{\\partial E}{\\partial u_k} = (t - o) g'(u_k)$$\n\n"
        "$$\\frac{\\partial E}{\\partial u_k} = (o - t) g'(u_k)$$\n"
    )
    (other,) = _on_line(text, 9)
    assert other.verdict == "unverified" and "another section" in other.message
    (same,) = _on_line(text, 11)
    assert same.verdict == "right"


@pytest.mark.parametrize(
    "claim,verdict", [("(o - t) g'(u_k)", "right"), ("(t - o) g'(u_k)", "wrong")]
)
def test_the_layers_gradient_is_not_compared_with_a_cost_written_out(claim, verdict):
    """o_k = g(u_k) is a layer the gradient judge derives, with ∂E/∂o_k an unknown upstream
    gradient: a right side that writes ∂E/∂o out through the cost (o − t) is not compared with
    it at random values (it called this true line wrong); the cost's definition decides."""
    text = (
        "The output is $o_k = g(u_k)$ and the cost is\n\n$$E = \\frac{1}{2}(t - o)^2$$\n\n"
        f"$$\\frac{{\\partial E}}{{\\partial u_k}} = {claim}$$\n"
    )
    (judgement,) = _on_line(text, 5)
    assert judgement.verdict == verdict, judgement.message

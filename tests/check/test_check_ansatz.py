"""Equations in a stencil ansatz's unknowns, decided with the weights the ansatz determines, and
a series written over several rows judged at the row that is wrong.

The weights are checked independently of Fornberg's algorithm: the moment conditions
Σ_m m^k w_m = k!·[k = p] are solved here with SymPy's linear solver.
"""

from __future__ import annotations

import sympy as sp

from symconv.check.judges.ansatz import read_ansatz
from tests.check_keys import judge_document, verdicts

ANSATZ = (
    "Let the three-point stencil be, as an ansatz:\n\n"
    "$$\\partial_y^2 g_j = c_{-1} g_{j-1} + c_0 g_j + c_1 g_{j+1}$$\n\n"
)


def test_the_ansatz_weights_solve_the_moment_conditions():
    g, c, j, y = sp.IndexedBase("g"), sp.IndexedBase("c"), sp.Symbol("j"), sp.Symbol("y")
    unknowns = [c[-1], c[0], c[1], c[2]]
    rhs = sum((u * g[j + m] for u, m in zip(unknowns, (-1, 0, 1, 2), strict=True)), sp.Integer(0))
    ansatz = read_ansatz(sp.Derivative(g[j], y, 2), rhs)
    assert ansatz is not None and ansatz.derivative == 2
    w = sp.symbols("w0:4")
    conditions = [
        sum(m**k * wm for m, wm in zip((-1, 0, 1, 2), w, strict=True)) - (2 if k == 2 else 0)
        for k in range(4)
    ]
    solution = sp.solve(conditions, w)
    assert [ansatz.weights[u] for u in unknowns] == [solution[x] for x in w]


def test_equations_in_the_unknowns_are_decided():
    doc = ANSATZ + (
        "$$0 = c_{-1} + c_0 + c_1$$\n\n"  # the 0th moment: right whatever the step
        "$$0 = c_{-1} - c_1$$\n\n"  # the 1st moment: right
        "$$2 = c_{-1} + c_1$$\n\n"  # the 2nd moment per unit step: right (no step written)
        "$$0 = -c_{-1} + c_0 + c_1$$\n\n"  # a sign slip: wrong for every step
    )
    assert [v for _, _, v in verdicts(doc)] == ["right", "right", "right", "wrong"]
    last = judge_document(doc)[-1]
    assert "the left side is 0, the right side -2" in last.message
    assert "c_{-1} = 1, c_{0} = -2, c_{1} = 1" in last.message


def test_an_equation_true_only_for_another_step_is_unverified():
    doc = ANSATZ + "$$1 = c_{-1} + c_1$$\n"
    (judgement,) = judge_document(doc)
    assert judgement.verdict == "unverified"
    assert "only with a step" in judgement.message


def test_a_weight_written_twice_is_no_ansatz():
    doc = "Assume $\\partial_y g_j = c_0 g_j + c_1 g_{j+1} + c_1 g_{j+1}$.\n\n$$0 = c_0 + c_1$$\n"
    assert all(v != "wrong" for _, _, v in verdicts(doc))


def test_a_series_over_rows_is_wrong_at_its_wrong_row():
    doc = (
        "$$\n\\begin{aligned}\n"
        "u(s+k) + u(s-k)\n"
        "&= 2u(s) \\\\\n"
        "&+ 0 \\cdot k u'(s) \\\\\n"
        "&+ \\frac{k^2}{2}u''(s) \\\\\n"
        "&+ 0 \\cdot k^3 u'''(s)\n"
        "\\end{aligned}\n$$\n"
    )
    (judgement,) = judge_document(doc)
    assert judgement.verdict == "wrong"
    # u(s+k) + u(s-k) = 2u + k² u'' + …: the k^2 row (line 6) is the wrong one
    assert (judgement.claim.line, judgement.claim.end_line) == (6, 6)
    assert "terms in k^2 differ" in judgement.message


def test_the_moment_system_in_matrix_form_is_decided_entry_by_entry():
    doc = ANSATZ + (
        "$$\\begin{bmatrix} 0 \\\\ 0 \\\\ 2 \\end{bmatrix} = "
        "\\begin{bmatrix} 1 & 1 & 1 \\\\ -1 & 0 & 1 \\\\ 1 & 0 & 1 \\end{bmatrix}"
        "\\begin{bmatrix} c_{-1} \\\\ c_0 \\\\ c_1 \\end{bmatrix}$$\n\n"
        "$$\\begin{bmatrix} 0 \\\\ 0 \\\\ 2 \\end{bmatrix} = "
        "\\begin{bmatrix} 1 & 1 & 1 \\\\ -1 & 0 & 1 \\\\ -1 & 0 & 1 \\end{bmatrix}"
        "\\begin{bmatrix} c_{-1} \\\\ c_0 \\\\ c_1 \\end{bmatrix}$$\n"
    )
    first, second = judge_document(doc)
    assert (first.verdict, second.verdict) == ("right", "wrong")
    assert "entry 3, 1: the left side is 2, the right side 0" in second.message


def test_the_inverse_of_a_named_matrix():
    doc = (
        "$$M = \\begin{bmatrix} 1 & 1 \\\\ 0 & 2 \\end{bmatrix}$$\n\n"
        "$$M^{-1} = \\begin{bmatrix} 1 & -1/2 \\\\ 0 & 1/2 \\end{bmatrix}$$\n\n"
        "$$M^{-1} = \\begin{bmatrix} 1 & -1 \\\\ 0 & 1/2 \\end{bmatrix}$$\n\n"
        "$$S = \\begin{bmatrix} 1 & 1 \\\\ 1 & 1 \\end{bmatrix}$$\n\n"
        "$$S^{-1} = \\begin{bmatrix} 1 & 0 \\\\ 0 & 1 \\end{bmatrix}$$\n"
    )
    by_line = {j.claim.line: j.verdict for j in judge_document(doc)}
    assert (by_line[3], by_line[5]) == ("right", "wrong")
    assert by_line[9] != "right"  # S is singular: no inverse to compare with


def test_a_taylor_series_with_its_order_over_rows_is_wrong_at_its_wrong_row():
    doc = (
        "$$\n\\begin{aligned}\n"
        "u(s+k) &= u(s) \\\\\n"
        "&+ k u'(s) \\\\\n"
        "&- \\frac{k^2}{2}u''(s) \\\\\n"
        "&+ O(k^3)\n"
        "\\end{aligned}\n$$\n"
    )
    (judgement,) = judge_document(doc)
    assert judgement.verdict == "wrong"
    assert (judgement.claim.line, judgement.claim.end_line) == (5, 5)

"""Stencil rendering (formula, Taylor-table derivation, JSON), its checks, and the CLI."""

from __future__ import annotations

import json

import pytest
import sympy as sp

from symconv.cli import main
from symconv.core.derivation import Derivation
from symconv.stencils.check import exactness_check, observed_order
from symconv.stencils.nd import box
from symconv.stencils.weights import stencil

h = sp.Symbol("h")

FORMULAS = [
    # fd-a as fd-stencils.md writes it: f'' = (f(x−h) − 2f(x) + f(x+h))/h² − (h²/12)f⁽⁴⁾ + O(h⁴)
    (
        stencil(2),
        r"f''(x) = \frac{f(x - h) - 2 f(x) + f(x + h)}{h^{2}} - \frac{h^{2}}{12} f^{(4)}(x)"
        r" + \mathcal{O}(h^{4})",
    ),
    (
        stencil(1, 4, scheme="forward"),
        r"f'(x) = \frac{-25 f(x) + 48 f(x + h) - 36 f(x + 2 h) + 16 f(x + 3 h) - 3 f(x + 4 h)}"
        r"{12 h} + \frac{h^{4}}{5} f^{(5)}(x) + \mathcal{O}(h^{5})",
    ),
    (
        stencil(1, scheme="forward"),
        r"f'(x) = \frac{-f(x) + f(x + h)}{h} - \frac{h}{2} f''(x) + \mathcal{O}(h^{2})",
    ),
    (
        stencil(2, dims=2),
        r"\nabla^{2} f(x, y) = \frac{f(x - h, y) + f(x, y - h) - 4 f(x, y) + f(x, y + h)"
        r" + f(x + h, y)}{h^{2}} - \frac{h^{2}}{12} \left(\frac{\partial^{4} f}{\partial x^{4}}"
        r" + \frac{\partial^{4} f}{\partial y^{4}}\right) + \mathcal{O}(h^{4})",
    ),
    (
        stencil(2, offsets=[-sp.Symbol("h_m"), 0, sp.Symbol("h_p")]),
        r"f''(x) = \frac{2}{h_{m} \left(h_{m} + h_{p}\right)} f(x - h_{m}) - \frac{2}{h_{m} h_{p}}"
        r" f(x) + \frac{2}{h_{p} \left(h_{m} + h_{p}\right)} f(x + h_{p})"
        r" + \frac{h_{m} - h_{p}}{3} f'''(x) + \mathcal{O}(h_{m}^{2} + h_{p}^{2})",
    ),
]


@pytest.mark.parametrize(("result", "expected"), FORMULAS)
def test_formula_latex(result, expected: str) -> None:
    assert result.formula_latex() == expected


def test_derivation_is_the_taylor_table() -> None:
    s = stencil(2)
    derivation = s.derivation()
    assert isinstance(derivation, Derivation)
    assert derivation.answer == sp.ImmutableMatrix([[1, -2, 1]])
    assert derivation.details["stencil"] is s
    table = next(step for step in derivation.steps if step.lhs == sp.Symbol("T"))
    # T[k, j] = o_j^k / k!, rows k = 0..3 (n + p − 1), columns the offsets −1, 0, 1.
    expected = sp.ImmutableMatrix(
        [[sp.Rational(o) ** k / sp.factorial(k) for o in (-1, 0, 1)] for k in range(4)]
    )
    assert table.rhs == expected
    # The moment conditions hold: T w = e₂.
    assert table.rhs * sp.Matrix([1, -2, 1]) == sp.Matrix([0, 0, 1, 0])
    report = derivation.check()
    assert report.passed, report.summary()
    assert [r.name for r in report.results] == [
        "kernel correlation vs direct sum",
        "polynomial exactness",
        "observed order",
    ]
    assert r"\frac{h^{2}}{12} f^{(4)}(x)" in derivation.latex()


def test_family_derivation_has_named_members() -> None:
    derivation = stencil(2, offsets=box(1, 2)).derivation()
    members = derivation.details["members"]
    assert {"5-point", "isotropic", "Oono-Puri", "sparsest", "tensor-product"} <= set(members)
    assert derivation.answer.free_symbols == {sp.Symbol("w_{1,1}")}
    assert derivation.check().passed


def test_symbolic_spacings_derivation_checks_exactness() -> None:
    hm, hp = sp.symbols("h_m h_p")
    report = stencil(2, offsets=[-hm, 0, hp]).check()
    assert report.passed and [r.name for r in report.results] == ["polynomial exactness"]


def test_exactness_check_detects_a_wrong_claim() -> None:
    # The same weights claimed at a higher accuracy: the check must fail.
    import dataclasses

    import numpy as np

    s = stencil(2)
    wrong = dataclasses.replace(s, accuracy=3)
    result = exactness_check(wrong)(np.random.default_rng(0))
    assert not result.passed and "degree 4" in result.detail


def test_observed_order_uses_mpmath_below_the_round_off_floor() -> None:
    # fd-stencils.md: the 9-point d⁴ stencil meets round-off near h ≈ 0.07 in float64.
    order, how = observed_order(stencil(4, 6))
    assert abs(order - 6) < 0.1
    assert "mpmath" in how
    order, how = observed_order(stencil(2))
    assert abs(order - 2) < 0.1 and "float64" in how


def test_json_contract() -> None:
    data = stencil(2).to_json()
    for key in (
        "schema_version",
        "derivative",
        "offsets",
        "weights_srepr",
        "scale_srepr",
        "accuracy",
        "error_srepr",
        "free_parameters",
        "layout",
        "latex",
    ):
        assert key in data
    assert data["derivative"] == 2
    assert data["offsets"] == [-1, 0, 1]
    assert [sp.sympify(w) for w in data["weights_srepr"]] == [1, -2, 1]
    assert data["scale_srepr"] == sp.srepr(h**-2)
    assert data["error_srepr"] == sp.srepr(stencil(2).error)
    assert data["accuracy"] == 2
    assert data["free_parameters"] == []


def test_json_nested_for_nd_with_free_parameters() -> None:
    data = stencil((1, 1), offsets=box(1, 2)).to_json()
    assert data["free_parameters"] == ["w_{1,1}"]
    assert len(data["weights_srepr"]) == 3 and len(data["weights_srepr"][0]) == 3
    assert data["layout"]["arrangement"] == "kernel"
    assert data["layout"]["axes"] == ["x", "y"]
    assert data["members"]["symmetric"]["values"] == {"w_{1,1}": "Rational(1, 4)"}


def run_cli(capsys, *argv: str) -> tuple[int, str]:
    code = main(["stencil", *argv])
    return code, capsys.readouterr().out


def test_cli_json(capsys) -> None:
    code, out = run_cli(capsys, "--derivative", "4", "--accuracy", "6", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["accuracy"] == 6
    assert data["error_srepr"] == sp.srepr(
        sp.Rational(41, 7560)
        * h**6
        * sp.Derivative(sp.Function("f")(sp.Symbol("x")), (sp.Symbol("x"), 10))
    )


def test_cli_markdown_and_tex(capsys) -> None:
    code, out = run_cli(capsys, "--derivative", "2", "--dims", "2", "--box", "1")
    assert code == 0
    assert "isotropic" in out and "Oono-Puri" in out and "✓" in out
    code, out = run_cli(capsys, "--derivative", "2", "--offsets=-h_m,0,h_p", "--format", "tex")
    assert code == 0 and r"f(x - h_{m})" in out
    code, out = run_cli(
        capsys, "--partial", "1", "1", "--box", "1", "--member", "symmetric", "--format", "json"
    )
    assert json.loads(out)["free_parameters"] == []


def test_cli_offsets_and_layout(capsys) -> None:
    code, out = run_cli(capsys, "--derivative", "1", "--offsets", "-1/2", "1/2", "--format", "json")
    assert code == 0 and json.loads(out)["offsets"] == ["-1/2", "1/2"]
    code, out = run_cli(
        capsys,
        "--partial",
        "1",
        "1",
        "--layout",
        "cartesian",
        "--op",
        "convolution",
        "--format",
        "json",
    )
    assert json.loads(out)["kernel"]["layout"]["axes"] == ["-y", "x"]
    code, out = run_cli(
        capsys,
        "--derivative",
        "2",
        "--dims",
        "2",
        "--offsets=0,0;1,0;-1,0;0,1;0,-1",
        "--format",
        "json",
    )
    assert code == 0 and json.loads(out)["accuracy"] == 2


@pytest.mark.parametrize(
    "argv",
    [
        ["--accuracy", "2"],
        ["--derivative", "2", "--accuracy", "3"],
        ["--derivative", "2", "--offsets", "a/b"],
        ["--derivative", "2", "--box", "1", "--offsets", "0"],
        ["--derivative", "2", "--box", "1", "--dims", "2", "--member", "nonsense"],
        ["--derivative", "1", "--dims", "2"],
    ],
)
def test_cli_bad_usage_exits_2(capsys, argv: list[str]) -> None:
    code = main(["stencil", *argv])
    assert code == 2
    assert "error" in capsys.readouterr().err

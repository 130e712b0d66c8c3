"""Every error the engine raises on user input is a ``SymconvError`` (issue 19).

An AST scan of the engine (``symconv/`` without the checker, whose own errors are verdicts) finds
no ``raise ValueError/TypeError/IndexError/KeyError`` but the one listed (with its reason);
and the two raises of this branch's modules that input reached now carry the engine's types.
"""

from __future__ import annotations

import ast
from fractions import Fraction
from pathlib import Path

import pytest
import sympy as sp

from symconv.core.derivation import Step
from symconv.errors import ConventionError, SymconvError, UnsupportedError
from symconv.stencils.check import apply_by_loop, observed_order
from symconv.stencils.weights import stencil

ENGINE = Path(__file__).resolve().parent.parent / "symconv"
BUILT_INS = {"ValueError", "TypeError", "IndexError", "KeyError", "RuntimeError", "Exception"}

#: ``path:function`` of the built-in raises left, each with why. ``grad/notation.py:_parts``
#: guards a gradient label the engine builds itself, but ``derive_backward(f, "W", upstream="")``
#: builds ``∂/∂W`` and reaches it (symconv/grad/ is another engineer's: reported to them; the
#: command line refuses such an ``--upstream`` before it gets there). Remove it here once fixed.
KNOWN_BUILT_IN_RAISES = {"grad/notation.py:_parts"}


def _built_in_raises() -> set[str]:
    found = set()
    for path in ENGINE.rglob("*.py"):
        relative = path.relative_to(ENGINE).as_posix()
        if relative.startswith("check/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                    name = getattr(node.exc.func, "id", None)
                    if name in BUILT_INS:
                        found.add(f"{relative}:{function.name}")
    return found


def test_the_engine_raises_no_built_in_error_on_input():
    assert _built_in_raises() == KNOWN_BUILT_IN_RAISES


def test_a_step_with_an_unknown_relation_is_a_convention_error():
    with pytest.raises(ConventionError, match="relation '<'") as caught:
        Step(sp.Symbol("o"), 1, relation="<")  # type: ignore[arg-type]
    assert isinstance(caught.value, ValueError)  # callers catching ValueError keep working


def test_numeric_checks_of_a_symbolic_stencil_say_what_is_unsupported():
    h_m, h_p = sp.symbols("h_m h_p", positive=True)
    symbolic = stencil(2, offsets=[-h_m, 0, h_p])
    with pytest.raises(UnsupportedError, match="rational offsets; this one has"):
        observed_order(symbolic)
    with pytest.raises(SymconvError):
        apply_by_loop(symbolic, [0.0] * 5, 0.1)  # type: ignore[arg-type]
    assert observed_order(stencil(2, offsets=[Fraction(-1), 0, 1]))[0] > 1


def test_the_pooled_shape_checks_its_count_with_a_concrete_stride():
    # the check substituted random values for the stride 3 itself (an integer): it failed a
    # right answer; the general formula is checked by counting, the answer as its instance
    from symconv.problems.engines import pool_along_axis_shape

    assert pool_along_axis_shape(["B", "N", "C"], axis=1, stride=3).check().passed
    assert pool_along_axis_shape([2, 10, 3], axis=1, stride=3).check().passed

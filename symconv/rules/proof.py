"""The proof obligations every rule of the table meets, at its cases (small concrete sizes).

1. **exact** — instantiate the stored backward and compare it, entry by entry and with no
   tolerance, with ``sympy.diff`` of the explicit forward pass: ``J = Σ_f g_f Z[f]`` over entry
   symbols, with a symbolic upstream gradient ``g``. The explicit forward is a function the
   caller gives (the tests use naive loops that share no code with symconv) or, by default, the
   forward formula carried out entry by entry. A piecewise rule (max, ReLU) is compared at a
   random rational point with no ties and no zero (where ``sympy.diff`` of ``Max`` is defined).
2. **numeric** — the exported NumPy backward (:mod:`symconv.export`) in a random direction
   against central differences of the forward (:func:`symconv.conv.numeric.check_gradient`: a
   failure prints both numbers, the point and the seed).
3. **engine** — the stored readable form equals what
   :func:`~symconv.grad.differentiate.derive_backward` produces, evaluated exactly on random
   rational tensors.

    >>> from symconv.rules import get_rule
    >>> rule = get_rule("tanh")
    >>> exact_obligation(rule, "Z", rule.cases[0]).passed
    True
    >>> numeric_obligation(rule, "Z", rule.cases[0], seed=3).passed
    True
    >>> engine_agreement(rule, "Z", rule.cases[0], seed=3).passed
    True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from itertools import product
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp

from symconv.core.derivation import CheckResult
from symconv.core.gradcheck import GradientCheck, check_gradient
from symconv.core.safe import as_sympy
from symconv.core.tensors import entries
from symconv.grad.formula import IndexFormula, tensor_name
from symconv.grad.notation import gradient_label

if TYPE_CHECKING:
    from symconv.rules.table import Rule

#: ``explicit_forward(tensors, values) -> output``: tensors by name (NumPy arrays of SymPy
#: objects or floats), values the case's sizes and parameters by name.
ExplicitForward = Callable[[Mapping[str, Any], Mapping[str, int]], Any]


# ----------------------------------------------------------------------------------------------
# Drawing tensors
# ----------------------------------------------------------------------------------------------
def input_shapes(rule: Rule, case: Mapping[str, int]) -> dict[str, tuple[int, ...]]:
    """The concrete shape of every tensor the forward reads."""
    forward = rule.forward_formula
    return {name: forward.shape(name, case) for name in forward.tensors}


def output_shape(rule: Rule, case: Mapping[str, int]) -> tuple[int, ...]:
    forward = rule.forward_formula
    return forward.output_shape(forward.value_map(case))


def symbolic_tensors(rule: Rule, case: Mapping[str, int]) -> dict[str, np.ndarray]:
    """Object arrays of entry symbols (``X_{012}``, 0-based) for every input."""
    return {
        name: _object_array(entries(_stem(name), shape, base=0) if shape else sp.Symbol(name))
        for name, shape in input_shapes(rule, case).items()
    }


def rational_tensors(
    rule: Rule, case: Mapping[str, int], rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Object arrays of random exact rationals, drawn from each input's domain: distinct and
    nonzero (``real``), positive, or rows summing to 1 (``probability``)."""
    return {
        name: _rational_array(shape, rule.domains.get(name, "real"), rng)
        for name, shape in input_shapes(rule, case).items()
    }


def float_tensors(
    rule: Rule, case: Mapping[str, int], rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Random float64 arrays from each input's domain."""
    tensors = {}
    for name, shape in input_shapes(rule, case).items():
        domain = rule.domains.get(name, "real")
        values = rng.standard_normal(shape)
        if domain == "positive":
            values = np.abs(values) + 0.5
        elif domain == "probability":
            values = np.exp(values)
            values = values / values.sum(axis=-1, keepdims=True)
        tensors[name] = values
    return tensors


def _rational_array(shape: tuple[int, ...], domain: str, rng: np.random.Generator) -> np.ndarray:
    size = int(np.prod(shape, dtype=np.int64))
    if domain in ("positive", "probability"):
        numerators = rng.integers(1, 10, size=size)
    else:
        pool = np.array([v for v in range(-4 * size - 4, 4 * size + 5) if v != 0])
        numerators = rng.choice(pool, size=size, replace=False)
    flat = [sp.Rational(int(n), 3) for n in numerators]
    array = np.empty(size, dtype=object)
    array[:] = flat
    array = array.reshape(shape)
    if domain == "probability" and shape:
        totals = np.sum(array, axis=-1, keepdims=True)
        array = array / totals
    return array


def _object_array(tensor: Any) -> np.ndarray:
    if isinstance(tensor, sp.Basic) and not isinstance(tensor, sp.NDimArray | sp.MatrixBase):
        scalar: np.ndarray = np.empty((), dtype=object)
        scalar[()] = tensor
        return scalar
    shape = tensor.shape
    flat = list(sp.flatten(tensor.tolist())) if shape else [tensor]
    array = np.empty(len(flat), dtype=object)
    array[:] = flat
    return array.reshape(shape)


def _stem(name: str) -> str:
    return name.replace("∂", "d").replace("/", "")


# ----------------------------------------------------------------------------------------------
# Evaluation and exact comparison
# ----------------------------------------------------------------------------------------------
def evaluate_backward(
    formula: IndexFormula,
    definitions: tuple[IndexFormula, ...],
    tensors: Mapping[str, Any],
    case: Mapping[str, int],
) -> np.ndarray:
    """A backward formula on concrete tensors (exact), computing its definitions first."""
    available = dict(tensors)
    for definition in definitions:
        value = definition.evaluate(available, case)
        available[tensor_name(definition.output)] = _object_array(value)
    result = formula.evaluate(available, case)
    return _object_array(result)


def forward_values(
    rule: Rule,
    tensors: Mapping[str, Any],
    case: Mapping[str, int],
    explicit_forward: ExplicitForward | None,
) -> np.ndarray:
    if explicit_forward is None:
        explicit_forward = rule.explicit
    if explicit_forward is not None:
        return np.asarray(explicit_forward(tensors, case), dtype=object)
    return _object_array(rule.forward_formula.evaluate(tensors, case))


def exactly_equal(left: Any, right: Any) -> bool:
    """``left == right`` as exact expressions: after expansion, or after rewriting σ and tanh
    with ``exp`` and simplifying (never a numerical tolerance)."""
    difference = sp.expand(as_sympy(left) - as_sympy(right))
    if difference == 0:
        return True
    return bool(sp.simplify(sp.together(difference.rewrite(sp.exp))) == 0)


def exact_obligation(
    rule: Rule,
    wrt: str,
    case: Mapping[str, int],
    *,
    explicit_forward: ExplicitForward | None = None,
    seed: int = 0,
) -> CheckResult:
    """Obligation 1 (module docstring): the stored backward == element-wise ``sympy.diff`` of
    the explicit forward, exactly, at the sizes of ``case``."""
    name = f"{rule.name}: exact ∂J/∂{wrt} vs sympy.diff of the explicit forward"
    rng = np.random.default_rng(seed)
    symbols = symbolic_tensors(rule, case)
    z = forward_values(rule, symbols, case, explicit_forward)
    expected_shape = output_shape(rule, case)
    if z.shape != expected_shape:
        return CheckResult(
            name, False, f"the explicit forward has shape {z.shape}; the rule's {expected_shape}"
        )
    g = _object_array(entries("g", z.shape, base=0) if z.shape else sp.Symbol("g"))
    loss = sum((g[i] * z[i] for i in np.ndindex(*z.shape)), sp.Integer(0))
    target = symbols[wrt]
    at_point = not rule.smooth or rule.check_at_points
    point: dict[sp.Symbol, Any] = {}
    tensors: dict[str, Any] = dict(symbols)
    if at_point:
        numbers = rational_tensors(rule, case, rng)
        for tensor_key, array in symbols.items():
            for index in np.ndindex(*array.shape):
                point[array[index]] = numbers[tensor_key][index]
        tensors = dict(numbers)
    upstream = gradient_label("J", rule.output)
    got = evaluate_backward(
        rule.backward_formula(wrt), rule.definition_formulas, {**tensors, upstream: g}, case
    )
    if got.shape != target.shape:
        return CheckResult(name, False, f"∂J/∂{wrt} has shape {got.shape}; {wrt} {target.shape}")
    for index in np.ndindex(*target.shape):
        expected = sp.diff(loss, target[index])
        if at_point:
            expected = expected.xreplace(point)
        if not exactly_equal(got[index], expected):
            where = "at a random rational point, " if at_point else ""
            return CheckResult(
                name,
                False,
                f"sizes {dict(case)}, {where}entry {index}: the rule gives {got[index]}, "
                f"sympy.diff gives {expected} (seed {seed})",
            )
    how = "at a random rational point" if at_point else "with symbolic entries"
    return CheckResult(name, True, f"equal entry by entry at sizes {dict(case)}, {how}")


def numeric_obligation(
    rule: Rule,
    wrt: str,
    case: Mapping[str, int],
    *,
    forward: ExplicitForward | None = None,
    seed: int = 0,
    rtol: float = 1e-6,
) -> GradientCheck:
    """Obligation 2: the exported NumPy backward vs central differences of the forward (the
    given ``forward`` — a naive reference — or the exported forward), in a random direction."""
    rng = np.random.default_rng(seed)
    exported = rule.export(case)
    tensors = float_tensors(rule, case, rng)
    g = rng.standard_normal(output_shape(rule, case))

    def run_forward(arrays: Mapping[str, np.ndarray]) -> np.ndarray:
        if forward is not None:
            return np.asarray(forward(arrays, case), dtype=float)
        return exported.forward(**arrays)

    def loss(point: np.ndarray) -> float:
        return float(np.sum(g * run_forward({**tensors, wrt: point})))

    gradient = exported.backward(g, **tensors)[wrt]
    return check_gradient(
        loss,
        tensors[wrt],
        gradient,
        seed=seed,
        rtol=rtol,
        name=f"{rule.name}: ∂J/∂{wrt} vs central differences (sizes {dict(case)})",
    )


def engine_agreement(
    rule: Rule, wrt: str, case: Mapping[str, int], *, seed: int = 0
) -> CheckResult:
    """Obligation 3: the stored readable form == ``derive_backward``'s output, exactly, on
    random rational tensors at the sizes of ``case``."""
    name = f"{rule.name}: stored ∂J/∂{wrt} == derive_backward's"
    rng = np.random.default_rng(seed)
    engine = rule.engine_derivation(wrt)
    parts = engine.details["parts"]
    tensors = rational_tensors(rule, case, rng)
    upstream = gradient_label("J", rule.output)
    g_shape = output_shape(rule, case)
    tensors[upstream] = _rational_array(g_shape, "real", rng)
    stored = evaluate_backward(rule.backward_formula(wrt), rule.definition_formulas, tensors, case)
    derived = evaluate_backward(parts.backward, tuple(parts.definitions), tensors, case)
    for index in product(*map(range, stored.shape)):
        if not exactly_equal(stored[index], derived[index]):
            return CheckResult(
                name,
                False,
                f"sizes {dict(case)}, entry {index}: stored {stored[index]}, derive_backward "
                f"{derived[index]} (seed {seed})",
            )
    return CheckResult(name, True, f"equal at every entry, sizes {dict(case)} (seed {seed})")


def derivation_checks(rule: Rule, wrt: str) -> tuple[Callable[[np.random.Generator], Any], ...]:
    """The three obligations at the rule's first case, as a derivation's checks."""
    case = rule.cases[0]

    def seed_of(rng: np.random.Generator) -> int:
        return int(rng.integers(2**31))

    def exact(rng: np.random.Generator) -> CheckResult:
        return exact_obligation(rule, wrt, case, seed=seed_of(rng))

    def numeric(rng: np.random.Generator) -> CheckResult:
        return numeric_obligation(rule, wrt, case, seed=seed_of(rng))

    def engine(rng: np.random.Generator) -> CheckResult:
        return engine_agreement(rule, wrt, case, seed=seed_of(rng))

    return (exact, numeric, engine)


__all__ = [
    "ExplicitForward",
    "derivation_checks",
    "engine_agreement",
    "exact_obligation",
    "exactly_equal",
    "float_tensors",
    "input_shapes",
    "numeric_obligation",
    "output_shape",
    "rational_tensors",
    "symbolic_tensors",
]

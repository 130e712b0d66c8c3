"""Checks of a derived backward pass at small concrete sizes: exactly and numerically.

* **exact**: carry the forward formula out over entry symbols (``X_{012}``), form
  ``J = Σ_f g_f Z[f]`` with a symbolic upstream gradient ``g``, differentiate element-wise with
  ``sympy.diff``, and compare with the closed form instantiated on the same symbols — with ``==``
  after expansion, no tolerance;
* **numeric**: random float tensors; the closed form contracted with a random direction ``v``
  against the central difference ``(J(A + h v) − J(A − h v)) / 2h``, where ``J`` evaluates the
  forward pass from a *second, independent reading of the formula's text*
  (:mod:`symconv.grad.second_reading`) whenever the formula was read from text — so a misreading
  of the text by the grammar cannot confirm itself.

Both are attached to every ``derive_backward`` result as its ``checks``.

    >>> import numpy as np
    >>> from symconv.grad.differentiate import derive_backward
    >>> d = derive_backward("y[i] = sum(X[i,j] * A[j,k] * X[i,k])", wrt="X")
    >>> report = d.check(np.random.default_rng(0))
    >>> report.passed, [r.name for r in report.results]
    (True, ['exact vs sympy.diff of the explicit forward', 'numeric vs central differences'])
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp

from symconv.core.derivation import CheckResult
from symconv.core.gradcheck import check_gradient
from symconv.core.tensors import entry_name
from symconv.errors import DerivationError, SymconvError
from symconv.grad.entry_polynomials import EntryPolynomial, is_entry_polynomial
from symconv.grad.evaluator import to_sympy
from symconv.grad.formula import IndexFormula, tensor_name

if TYPE_CHECKING:
    from symconv.grad.differentiate import BackwardParts

Values = Mapping[sp.Symbol, Any]


def explicit_gradient(
    forward: IndexFormula, wrt: str, values: Values, upstream: sp.IndexedBase
) -> tuple[dict[str, Any], sp.NDimArray]:
    """``(tensors, ∂J/∂A)`` where ``tensors`` holds entry-symbol tensors of every input and of the
    upstream gradient (NumPy object arrays of ``X_{012}``...), and ``∂J/∂A`` is ``sympy.diff`` of
    ``Σ_f g_f Z[f]`` entry by entry."""
    tensors, flat, shape = _explicit_gradient_entries(forward, wrt, values, upstream)
    return tensors, sp.ImmutableDenseNDimArray(flat, shape)


def _explicit_gradient_entries(
    forward: IndexFormula, wrt: str, values: Values, upstream: sp.IndexedBase
) -> tuple[dict[str, Any], list[sp.Expr], tuple[int, ...]]:
    """:func:`explicit_gradient` with ``∂J/∂A`` as its entries in row-major order and its shape
    (the tensors are read entry by entry, never through SymPy arrays)."""
    tensors = {name: _entry_symbols(name, forward.shape(name, values)) for name in forward.tensors}
    raw, z_shape = forward.evaluate_entries(tensors, values)
    z = [to_sympy(value) for value in raw]
    upstream_label = str(upstream.label)
    g = _upstream_symbols(upstream_label, z_shape)
    target = tensors[wrt]
    target_entries = list(np.ravel(target)) if isinstance(target, np.ndarray) else [target]
    # ∂/∂a of J = Σ_f g_f Z[f] term by term (differentiation is linear): each output entry is
    # differentiated by the entries it holds only — the same sympy.diff, without differentiating
    # the whole sum by every entry (most of its terms do not hold that entry).
    entries_of_target = set(target_entries)
    gradient: dict[Any, sp.Expr] = {}
    for entry, upstream_entry in zip(z, g.ravel(), strict=True):
        for symbol in entry.free_symbols & entries_of_target:
            gradient[symbol] = gradient.get(symbol, sp.Integer(0)) + upstream_entry * (
                entry_derivative(entry, symbol)
            )
    flat = [gradient.get(symbol, sp.Integer(0)) for symbol in target_entries]
    tensors[upstream_label] = g
    return tensors, flat, np.shape(target)


def _entry_symbols(name: str, shape: tuple[int, ...]) -> Any:
    """The entry symbols of a tensor, named as :meth:`IndexFormula.entry_tensors` names them
    (``X_{012}``, 0-based), in a NumPy object array; a tensor without axes is its name."""
    if not shape:
        return sp.Symbol(name)
    stem = name.replace("∂", "d")
    symbols = [sp.Symbol(entry_name(stem, index, shape, base=0)) for index in np.ndindex(*shape)]
    return _object_array(symbols, shape)


def _upstream_symbols(label: str, shape: tuple[int, ...]) -> np.ndarray:
    """The entry symbols of the upstream gradient (``dJ/dZ_{01}``), as :func:`entries` names
    them, in a NumPy object array of ``shape``."""
    stem = label.replace("∂", "d")
    symbols = [sp.Symbol(entry_name(stem, index, shape, base=0)) for index in np.ndindex(*shape)]
    return _object_array(symbols, shape)


def entry_derivative(entry: sp.Expr, symbol: sp.Symbol) -> sp.Expr:
    """``sympy.diff(entry, symbol)``, computed once per shape of entry: the symbols of ``entry``
    are renamed, in the order they are met, to canonical symbols with the same assumptions, the
    renamed entry is differentiated (:func:`_canonical_derivative`, memoized) and the names are
    put back. Renaming variables bijectively commutes with differentiation, so the result is
    ``sympy.diff``'s; the entries of an elementwise layer (``σ(Z_{000})``, ``σ(Z_{001})``...)
    share one differentiation.

    >>> z, w = sp.symbols("Z_0 Z_1")
    >>> entry_derivative(sp.exp(2 * z) * w, z), entry_derivative(sp.exp(2 * w) * z, w)
    (2*Z_1*exp(2*Z_0), 2*Z_0*exp(2*Z_1))
    """
    symbols = list(
        dict.fromkeys(node for node in sp.preorder_traversal(entry) if isinstance(node, sp.Symbol))
    )
    canonical = {
        original: sp.Symbol(f"{_CANONICAL}{position}", **original.assumptions0)
        for position, original in enumerate(symbols)
    }
    if symbol not in canonical or any(s.name.startswith(_CANONICAL) for s in symbols):
        return sp.diff(entry, symbol)
    derivative = _canonical_derivative(entry.xreplace(canonical), canonical[symbol])
    return derivative.xreplace({new: original for original, new in canonical.items()})


#: The stem of the canonical names :func:`entry_derivative` renames to (no name of an entry).
_CANONICAL = "_entry_symbol_"


@lru_cache(maxsize=512)
def _canonical_derivative(entry: sp.Expr, symbol: sp.Symbol) -> sp.Expr:
    return sp.diff(entry, symbol)


def polynomial_gradients(
    parts: BackwardParts, values: Values
) -> tuple[dict[tuple[int, ...], EntryPolynomial], dict[tuple[int, ...], EntryPolynomial]]:
    """``(closed form, explicit)``: ``∂J/∂A`` entry by entry, both exact polynomials in the entries
    of the inputs and of the upstream gradient, for a forward pass that is a polynomial in its
    inputs (:func:`~symconv.grad.entry_polynomials.is_entry_polynomial`).

    The explicit side carries the forward formula out over entry variables, forms
    ``J = Σ_f g_f Z[f]`` and differentiates it by every entry of ``A`` (the coefficients of each
    entry in ``J``, read off its monomials); the closed side evaluates the derived backward
    formula on the same variables. Neither uses the other's arithmetic, and ``==`` of canonical
    polynomials is exact.

    >>> from symconv.grad.differentiate import derive_backward
    >>> d = derive_backward("y[i] = sum(w[k] * x[i + k])", wrt="x")
    >>> parts = d.details["parts"]
    >>> values = {"I": 2, "K": 2, "n^x_0": 3}
    >>> got, expected = polynomial_gradients(parts, parts.forward.value_map(values))
    >>> expected[(1,)], got == expected
    (EntryPolynomial(dJ/dy_{0}*w_{1} + dJ/dy_{1}*w_{0}), True)
    """
    forward = parts.forward
    mapping = forward.value_map(values)
    tensors = {name: _variables(name, forward.shape(name, mapping)) for name in forward.tensors}
    upstream_label = str(parts.upstream.label)
    loss, z_shape = _explicit_loss(forward, mapping, upstream_label)
    g = _variables(upstream_label, z_shape)
    names = _entry_names(parts.wrt, tensors[parts.wrt].shape)
    derivatives = loss.gradient(names.values())
    expected = {index: derivatives[name] for index, name in names.items()}

    available: dict[str, Any] = {**tensors, upstream_label: g}
    for definition in parts.definitions:
        entries_, shape = definition.evaluate_entries(available, mapping)
        available[tensor_name(definition.output)] = _object_array(entries_, shape)
    got_entries, got_shape = parts.backward.evaluate_entries(available, mapping)
    got = _object_array(got_entries, got_shape)
    return {index: EntryPolynomial.total([got[index]]) for index in expected}, expected


def _explicit_loss(
    forward: IndexFormula, mapping: Values, upstream_label: str
) -> tuple[EntryPolynomial, tuple[int, ...]]:
    """``(J, shape of Z)``: ``J = Σ_f g_f Z[f]`` with the forward carried out over entry
    variables at the sizes ``mapping`` — the explicit side of :func:`polynomial_gradients`.

    A pure function of the forward formula, the sizes and the upstream name, kept for the
    latest few of them: the gradients of one layer with respect to each of its inputs, checked
    at the same random sizes, carry the same forward out once.
    """
    key = (
        forward.lhs,
        forward.rhs,
        forward.ranges,
        tuple(sorted(forward.shapes.items())),
        tuple(sorted(mapping.items(), key=str)),
        upstream_label,
    )
    known = _EXPLICIT_LOSSES.pop(key, None)
    if known is None:
        tensors = {name: _variables(name, forward.shape(name, mapping)) for name in forward.tensors}
        z_entries, z_shape = forward.evaluate_entries(tensors, mapping)
        g = _variables(upstream_label, z_shape)
        loss = EntryPolynomial.total(
            gradient * entry for gradient, entry in zip(g.ravel(), z_entries, strict=True)
        )
        known = (loss, z_shape)
    _EXPLICIT_LOSSES[key] = known  # the most recent last
    while len(_EXPLICIT_LOSSES) > _EXPLICIT_LOSSES_KEPT:
        del _EXPLICIT_LOSSES[next(iter(_EXPLICIT_LOSSES))]
    return known


#: :func:`_explicit_loss`'s latest results (an immutable polynomial and a shape each).
_EXPLICIT_LOSSES: dict[Any, tuple[EntryPolynomial, tuple[int, ...]]] = {}
_EXPLICIT_LOSSES_KEPT = 8


def _entry_names(label: str, shape: tuple[int, ...]) -> dict[tuple[int, ...], str]:
    """The name of every entry, as :func:`symconv.core.tensors.entries` names them (``X_{012}``,
    0-based); a tensor without axes is its name."""
    stem = label.replace("∂", "d")
    if not shape:
        return {(): stem}
    return {index: entry_name(stem, index, shape, base=0) for index in np.ndindex(*shape)}


def _variables(label: str, shape: tuple[int, ...]) -> np.ndarray:
    """An object array of the entry variables of a tensor."""
    names = _entry_names(label, shape)
    return _object_array([EntryPolynomial.variable(name) for name in names.values()], shape)


def _object_array(values: list[Any], shape: tuple[int, ...]) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array.reshape(shape)


def closed_form_gradient(
    parts: BackwardParts, tensors: Mapping[str, Any], values: Values
) -> sp.NDimArray:
    """The derived ``∂J/∂A`` evaluated on concrete tensors (the forward output is computed where
    the closed form is written with it)."""
    flat, shape = _closed_form_entries(parts, tensors, values)
    return sp.ImmutableDenseNDimArray(flat, shape)


def _closed_form_entries(
    parts: BackwardParts, tensors: Mapping[str, Any], values: Values
) -> tuple[list[Any], tuple[int, ...]]:
    """:func:`closed_form_gradient` as its entries in row-major order and its shape (the forward
    output it reads kept as a NumPy object array, not a SymPy array read back entry by entry)."""
    available = dict(tensors)
    for definition in parts.definitions:
        raw, shape = definition.evaluate_entries(available, values)
        available[tensor_name(definition.output)] = _object_array(
            [to_sympy(value) for value in raw], shape
        )
    raw, shape = parts.backward.evaluate_entries(available, values)
    return [to_sympy(value) for value in raw], shape


def exact_gradient_check(
    parts: BackwardParts, trials: int = 2, high: int = 3
) -> Callable[[np.random.Generator], CheckResult]:
    """A check: exact equality with ``sympy.diff`` of the explicit forward at random small sizes."""
    name = "exact vs sympy.diff of the explicit forward"

    def check(rng: np.random.Generator) -> CheckResult:
        try:
            return _exact_trials(rng)
        except DerivationError as error:
            # E.g. an Iverson bracket comparing entry symbols: an honest "not decided".
            return CheckResult(name, False, f"not decided: {error}")

    polynomial = all(
        is_entry_polynomial(formula.rhs)
        for formula in (parts.forward, parts.backward, *parts.definitions)
    )

    def _exact_trials(rng: np.random.Generator) -> CheckResult:
        sizes_seen = []
        for _ in range(trials):
            values = parts.forward.random_sizes(rng, 1, high)
            sizes_seen.append(_show(values))
            if polynomial:
                got_entries, expected_entries = polynomial_gradients(parts, values)
                pairs: Iterator[tuple[tuple[int, ...], Any, Any]] = (
                    (index, got_entries[index], expected_entries[index])
                    for index in expected_entries
                    if got_entries[index] != expected_entries[index]
                )
            else:
                tensors, expected, shape = _explicit_gradient_entries(
                    parts.forward, parts.wrt, values, parts.upstream
                )
                got, _ = _closed_form_entries(parts, tensors, values)
                pairs = (
                    (index, got_entry, expected_entry)
                    for index, got_entry, expected_entry in zip(
                        np.ndindex(*shape), got, expected, strict=True
                    )
                    if not is_zero(got_entry - expected_entry)
                )
            for index, got_entry, expected_entry in pairs:
                return CheckResult(
                    name,
                    False,
                    f"sizes {_show(values)}, entry {index}: closed form {got_entry}, "
                    f"sympy.diff {expected_entry}",
                )
        how = " (polynomials in the entries)" if polynomial else ""
        return CheckResult(
            name, True, f"equal entry by entry{how} at sizes {'; '.join(sizes_seen)}"
        )

    return check


def numeric_gradient_check(
    parts: BackwardParts, high: int = 3, rtol: float = 1e-6, atol: float = 1e-10
) -> Callable[[np.random.Generator], CheckResult]:
    """A check: the closed form in a random direction vs a central difference of
    ``J = Σ_f g_f Z[f]`` (:func:`symconv.core.gradcheck.check_gradient`), at random float tensors of
    standard-normal entries — uniform in [0.5, 1.5] where the forward takes a logarithm or a
    fractional power — (``atol`` covers gradients that are exactly zero). ``J`` evaluates the
    forward read independently from the text when the formula was read from text alone
    (:func:`independent_forward`)."""
    name = "numeric vs central differences"

    def check(rng: np.random.Generator) -> CheckResult:
        values = parts.forward.random_sizes(rng, 1, high)
        forward = parts.forward
        draw = _positive if _needs_positive_entries(forward.rhs) else _standard_normal
        tensors: dict[str, Any] = {
            tensor: draw(rng, forward.shape(tensor, values)) for tensor in forward.tensors
        }
        upstream_label = str(parts.upstream.label)
        bound = {**forward.sizes_from(tensors), **values}
        upstream = rng.standard_normal(forward.output_shape(bound))

        read = "the forward evaluated from the derivation's reading"
        if forward.from_text:
            try:
                evaluate = independent_forward(forward, values)
            except SymconvError as error:
                return CheckResult(name, False, f"the second reading of the text failed: {error}")
            read = "the forward read a second, independent way from the text"
        else:

            def evaluate(arrays: Mapping[str, Any]) -> np.ndarray:
                raw, shape = forward.evaluate_entries(arrays, values)
                return _floats([to_sympy(value) for value in raw], shape)

        def loss(point: np.ndarray) -> float:
            z = evaluate({**tensors, parts.wrt: point})
            return float(np.sum(upstream * z))

        gradient = _floats(
            *_closed_form_entries(parts, {**tensors, upstream_label: upstream}, values)
        )
        try:
            result = check_gradient(
                loss,
                tensors[parts.wrt],
                gradient,
                seed=int(rng.integers(2**31)),
                rtol=rtol,
                atol=atol,
            )
        except SymconvError as error:
            return CheckResult(name, False, f"sizes {_show(values)}, {read}: {error}")
        return CheckResult(name, result.passed, f"sizes {_show(values)}, {read}: {result.detail}")

    return check


def independent_forward(
    forward: IndexFormula, values: Values
) -> Callable[[Mapping[str, Any]], np.ndarray]:
    """The forward pass of ``forward.text`` read by :mod:`symconv.grad.second_reading` (not
    from the parsed formula), at the sizes ``values``: a function of the input arrays. The
    output's index ranges and the range of a summed index that no limit or bare axis decides are
    the parsed formula's, the only things the two readings share besides the function registry.
    """
    from symconv.grad.second_reading import read_forward_text

    reading = read_forward_text(forward.text)
    by_name = {str(symbol): value for symbol, value in values.items()}
    ranges = [(_integer(lo, values), _integer(hi, values)) for _, lo, hi in forward.ranges]
    index_ranges: dict[str, tuple[int, int]] = {}
    for node in sp.preorder_traversal(forward.rhs):
        if isinstance(node, sp.Sum):
            for index, lower, upper in node.limits:
                low, high = lower.xreplace(values), upper.xreplace(values)
                if low.is_Integer and high.is_Integer:
                    index_ranges.setdefault(index.name, (int(low), int(high)))

    def evaluate(arrays: Mapping[str, Any]) -> np.ndarray:
        return reading.evaluate(arrays, ranges, by_name, index_ranges)

    return evaluate


def _integer(value: sp.Expr, values: Values) -> int:
    bound = value.xreplace(dict(values))
    if not bound.is_Integer:
        raise DerivationError(f"the range end {value} is {bound} at {_show(values)}")
    return int(bound)


def _needs_positive_entries(expr: sp.Expr) -> bool:
    """A forward with a logarithm or a fractional power is real for positive entries only."""
    return expr.has(sp.log) or any(
        isinstance(node, sp.Pow) and not node.exp.is_integer for node in sp.preorder_traversal(expr)
    )


def _standard_normal(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.standard_normal(shape)


def _positive(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.uniform(0.5, 1.5, shape)


def is_zero(expr: Any) -> bool:
    """Exact zero test: expansion (polynomials), then cancellation as a rational function of its
    atoms (``exp(z)`` of softmax), then ``simplify`` — each only when the one before fails."""
    expanded = sp.expand(expr)
    if expanded == 0:
        return True
    if sp.cancel(sp.together(expanded)) == 0:
        return True
    return bool(sp.simplify(expr) == 0)


def _floats(entries: list[Any], shape: tuple[int, ...]) -> np.ndarray:
    """Exact or SymPy entries (row-major) as a float array of ``shape``."""
    return np.array([float(sp.N(entry)) for entry in entries], dtype=float).reshape(shape)


def _show(values: Values) -> str:
    return ", ".join(f"{symbol}={value}" for symbol, value in values.items()) or "as given"

"""``IndexFormula``: one equation in index form, with the ranges of its indices and the sizes of its
tensors, all symbolic.

``Z[i, m, j] = b[m] + Σ_{n,k} W[m, n, k] X[i, n, j + k]`` is held as

* ``lhs``: the entry on the left, ``Z[i, m, j]`` (distinct free indices);
* ``rhs``: a SymPy expression whose sums carry their limits, ``Sum(..., (n, 0, N − 1), ...)``;
* ``ranges``: the range of each free index, inclusive, ``(i, 0, I − 1)``;
* ``shapes``: the axis sizes of every tensor, ``{"X": (I, N, n^X_2), "W": (M, N, K), ...}``.

Out-of-range reads are zero (zero padding), so a formula is meaningful for every value of its size
symbols. It is built from the string form (:meth:`IndexFormula.parse`), from a SymPy equation
(:meth:`IndexFormula.from_equation`, sizes inferred) or from the foundation's convolution index form
(:func:`as_index_formula`).

    >>> f = IndexFormula.parse("Z[i,m,j] = b[m] + sum(W[m,n,k] * X[i,n,j+k])")
    >>> print(f.latex())
    Z[i, m, j] = b[m] + \\sum_{\\substack{0 \\leq n \\leq N - 1\\\\0 \\leq k \\leq K - 1}}
    W[m, n, k] X[i, n, j + k]
    >>> f.ranges
    ((i, 0, I - 1), (m, 0, M - 1), (j, 0, N_j - 1))
    >>> f.shapes["X"], f.shapes["W"]
    ((I, N, n^X_2), (M, N, K))
    >>> f.evaluate({"X": [[[1, 2, 3]]], "W": [[[1, -1]]], "b": [10]}, {"N_j": 2})
    [[[9, 9]]]
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import product
from typing import TYPE_CHECKING, Any, Literal

import sympy as sp

from symconv.core.indexing import evaluate
from symconv.core.latex import Notation, latex
from symconv.core.safe import as_sympy
from symconv.core.tensors import entries
from symconv.errors import ShapeError

if TYPE_CHECKING:
    import numpy as np

#: ``(index, lower, upper)``, inclusive, as in SymPy's ``Sum`` limits.
Range = tuple[sp.Symbol, sp.Expr, sp.Expr]

#: Sizes and parameters bound to numbers, by symbol or by name.
Values = Mapping[Any, Any]


def index_symbol(name: str) -> sp.Symbol:
    """An index, as the foundation makes them: ``Symbol(name, integer=True)``."""
    return sp.Symbol(name, integer=True)


def size_symbol(name: str) -> sp.Symbol:
    """A size, as the foundation makes them: ``Symbol(name, integer=True, positive=True)``."""
    return sp.Symbol(name, integer=True, positive=True)


def range_placeholder(index: sp.Symbol) -> sp.Symbol:
    """The size of an index whose range is still to be inferred (``Sum(f, (k, 0, ⟨k⟩ − 1))``)."""
    return size_symbol(f"⟨{index.name}⟩")


def is_range_placeholder(symbol: sp.Basic) -> bool:
    return (
        isinstance(symbol, sp.Symbol) and symbol.name.startswith("⟨") and symbol.name.endswith("⟩")
    )


def open_sum(body: Any, *indices: sp.Symbol) -> sp.Sum:
    """``Σ_{indices} body`` with each range inferred later from the tensor axes the index reads.

    The form a checker builds from ``\\sum_{k_1,k_2}`` written without limits.
    """
    return sp.Sum(body, *((k, 0, range_placeholder(k) - 1) for k in indices))


def tensor_reads(expr: sp.Basic) -> Iterator[sp.Indexed]:
    """Every ``Indexed`` in ``expr`` (the reads of tensor entries), in tree order."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Indexed):
            yield node


def summation_indices(expr: sp.Basic) -> set[Any]:
    """The variables of every ``Sum`` in ``expr`` (bound: not free indices).

    >>> k, j = sp.symbols("k j")
    >>> summation_indices(sp.Sum(sp.IndexedBase("W")[k, j], (k, 0, 2)) + j)
    {k}
    """
    return {
        limit[0]
        for node in sp.preorder_traversal(expr)
        if isinstance(node, sp.Sum)
        for limit in node.limits
    }


def tensor_name(base: sp.IndexedBase | sp.Indexed | str) -> str:
    if isinstance(base, sp.Indexed):
        base = base.base
    return str(base.label) if isinstance(base, sp.IndexedBase) else str(base)


@dataclass(frozen=True)
class IndexFormula:
    """An index equation with symbolic index ranges and tensor sizes (see the module docstring)."""

    lhs: sp.Indexed
    rhs: sp.Expr
    ranges: tuple[Range, ...]
    shapes: Mapping[str, tuple[sp.Expr, ...]]
    text: str = field(default="", compare=False)
    #: The formula was read from ``text`` alone (the string form, no bindings given beside it):
    #: its numeric self-check can read the text a second, independent way.
    from_text: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.ranges) != len(self.lhs.indices) or any(
            r[0] != index for r, index in zip(self.ranges, self.lhs.indices, strict=False)
        ):
            raise ShapeError(
                f"{self.lhs}: ranges {self.ranges} must list the left side's indices in order"
            )

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def parse(
        cls,
        text: str,
        *,
        shapes: Mapping[str, Sequence[Any]] | None = None,
        ranges: Mapping[str, Any] | None = None,
        bind: Mapping[str, Any] | None = None,
    ) -> IndexFormula:
        """Read the string form (see :mod:`symconv.grad.grammar`); declarations may also be given
        here: ``shapes={"X": ("N", "C", "I")}``, ``ranges={"j": "O"}`` (0 ≤ j < O),
        ``bind={"s": 2, "O": "I - K + 1"}``."""
        from symconv.grad.grammar import parse_index_formula

        return parse_index_formula(text, shapes=shapes, ranges=ranges, bind=bind)

    @classmethod
    def from_equation(
        cls,
        equation: sp.Eq | tuple[sp.Indexed, sp.Expr],
        *,
        shapes: Mapping[str, Sequence[Any]] | None = None,
        ranges: Mapping[Any, Any] | None = None,
        bind: Mapping[Any, Any] | None = None,
    ) -> IndexFormula:
        """An ``Eq(Z[i, ...], expr)`` (or a ``(lhs, rhs)`` pair); sizes it does not state are
        inferred as for the string form."""
        from symconv.grad.inference import infer_formula

        if isinstance(equation, sp.Eq):
            lhs, rhs = equation.lhs, equation.rhs
        else:
            lhs, rhs = equation
        return infer_formula(lhs, as_sympy(rhs), shapes=shapes, ranges=ranges, bind=bind)

    # -- what it holds ---------------------------------------------------------------------
    @property
    def output(self) -> sp.IndexedBase:
        return self.lhs.base

    @property
    def indices(self) -> tuple[sp.Symbol, ...]:
        return tuple(self.lhs.indices)

    @property
    def tensors(self) -> dict[str, sp.IndexedBase]:
        """The tensors read on the right side, by name, in order of first reading."""
        return dict(self._tensors)

    # (The formula is immutable: what is read off its expressions is computed once.)
    @cached_property
    def _tensors(self) -> dict[str, sp.IndexedBase]:
        found: dict[str, sp.IndexedBase] = {}
        for read in tensor_reads(self.rhs):
            found.setdefault(tensor_name(read), read.base)
        return found

    def tensor(self, name: str | sp.IndexedBase) -> sp.IndexedBase:
        key = tensor_name(name)
        tensors = self.tensors
        if key not in tensors:
            raise ShapeError(
                f"{self.lhs} = {self.rhs} reads no tensor {key} (it reads {list(tensors)})"
            )
        return tensors[key]

    @cached_property
    def size_symbols(self) -> tuple[sp.Symbol, ...]:
        """The free symbols of the sizes and ranges (what must be bound to instantiate)."""
        found: set[sp.Symbol] = set()
        for sizes in self.shapes.values():
            for size in sizes:
                found |= size.free_symbols
        for _, lower, upper in self.ranges:
            found |= lower.free_symbols | upper.free_symbols
        bound = _bound_symbols(self.rhs)
        for limit in _sum_limits(self.rhs):
            found |= (limit[1].free_symbols | limit[2].free_symbols) - bound
        return tuple(sorted(found - set(self.indices), key=str))

    @cached_property
    def parameters(self) -> tuple[sp.Symbol, ...]:
        """Symbols of the right side that are neither indices nor sizes (stride ``s``, ...)."""
        bound = _bound_symbols(self.rhs) | set(self.indices) | set(self.size_symbols)
        labels = {read.base.label for read in tensor_reads(self.rhs)}
        symbols = {s for s in self.rhs.free_symbols if isinstance(s, sp.Symbol)}
        return tuple(sorted(symbols - bound - labels, key=str))

    def equation(self) -> sp.Eq:
        return sp.Eq(self.lhs, self.rhs, evaluate=False)

    def latex(self, notation: Notation = "bracket") -> str:
        return f"{latex(self.lhs, notation=notation)} = {latex(self.rhs, notation=notation)}"

    def __str__(self) -> str:
        return self.text or f"{self.lhs} = {self.rhs}"

    def _repr_latex_(self) -> str:
        """The formula typeset in a notebook.

        >>> print(IndexFormula.parse("y[i] = sum(w[k] * x[i + k])")._repr_latex_())
        $$y[i] = \\sum_{k=0}^{K - 1} w[k] x[i + k]$$
        """
        return f"$${self.latex()}$$"

    # -- binding sizes -----------------------------------------------------------------------
    def value_map(self, values: Values) -> dict[sp.Symbol, sp.Expr]:
        """``values`` keyed by this formula's own symbols (names are looked up)."""
        by_name = {s.name: s for s in (*self.size_symbols, *self.parameters)}
        result: dict[sp.Symbol, sp.Expr] = {}
        for key, value in values.items():
            symbol = key if isinstance(key, sp.Symbol) else by_name.get(str(key))
            if symbol is None:
                continue
            result[symbol] = as_sympy(value)
        return result

    def substitute(self, values: Values) -> IndexFormula:
        """The formula with some sizes or parameters bound (``{"s": 2}``, ``{K: 3}``)."""
        mapping = self.value_map(values)
        return IndexFormula(
            lhs=self.lhs,
            rhs=self.rhs.xreplace(mapping),
            ranges=tuple(
                (i, lo.xreplace(mapping), hi.xreplace(mapping)) for i, lo, hi in self.ranges
            ),
            shapes={k: tuple(s.xreplace(mapping) for s in v) for k, v in self.shapes.items()},
            text=self.text,
            from_text=self.from_text and not mapping,
        )

    def shape(self, name: str | sp.IndexedBase, values: Values) -> tuple[int, ...]:
        """The concrete shape of a tensor once its sizes are bound."""
        key = tensor_name(name)
        if key not in self.shapes:
            raise ShapeError(f"no shape known for tensor {key} (known: {list(self.shapes)})")
        mapping = self.value_map(values)
        return tuple(
            _as_size(size.xreplace(mapping), f"axis {a} of {key}")
            for a, size in enumerate(self.shapes[key])
        )

    def index_points(self, values: Values) -> list[tuple[int, ...]]:
        """Every value of the free indices, in row-major order."""
        mapping = self.value_map(values)
        spans = []
        for index, lower, upper in self.ranges:
            low = _as_int(lower.xreplace(mapping), f"lower end of {index}")
            high = _as_int(upper.xreplace(mapping), f"upper end of {index}")
            spans.append(range(low, high + 1))
        return list(product(*spans))

    def output_shape(self, values: Values) -> tuple[int, ...]:
        mapping = self.value_map(values)
        return tuple(
            _as_int(hi.xreplace(mapping), str(i)) - _as_int(lo.xreplace(mapping), str(i)) + 1
            for i, lo, hi in self.ranges
        )

    # -- instantiation ---------------------------------------------------------------------
    def evaluate(
        self,
        tensors: Mapping[Any, Any],
        values: Values | None = None,
        *,
        engine: Literal["compiled", "sympy"] = "compiled",
    ) -> sp.NDimArray:
        """The right side at every free-index value, on concrete tensors (exact; out-of-range
        reads zero). ``values`` binds sizes the tensors' shapes do not decide. ``engine`` is the
        compiled evaluator (:mod:`symconv.grad.evaluator`) or the foundation's
        :func:`symconv.core.indexing.evaluate` — the same semantics, the first much faster."""
        bound = {**self.sizes_from(tensors), **self.value_map(values or {})}
        rhs = self.rhs.xreplace(bound)
        points = self.index_points(bound)
        if engine == "sympy":
            flat = [
                evaluate(rhs, tensors, dict(zip(self.indices, point, strict=True)))
                for point in points
            ]
        else:
            from symconv.grad.evaluator import to_sympy

            flat = [to_sympy(value) for value in self._evaluate_raw(tensors, rhs, points)]
        return sp.ImmutableDenseNDimArray(flat, self.output_shape(bound))

    def evaluate_entries(
        self, tensors: Mapping[Any, Any], values: Values | None = None
    ) -> tuple[list[Any], tuple[int, ...]]:
        """``(entries in row-major order, output shape)``: the compiled evaluation of
        :meth:`evaluate` with each entry as its arithmetic left it (a Python number, or an
        :class:`~symconv.grad.entry_polynomials.EntryPolynomial` on polynomial entries), not
        made a SymPy array.

        >>> f = IndexFormula.parse("y[i] = sum(w[k] * x[i + k]) / 2")
        >>> f.evaluate_entries({"x": [1, 2, 4], "w": [1, 1]}, {"I": 2})
        ([Fraction(3, 2), Fraction(3, 1)], (2,))
        """
        bound = {**self.sizes_from(tensors), **self.value_map(values or {})}
        rhs = self.rhs.xreplace(bound)
        points = self.index_points(bound)
        return self._evaluate_raw(tensors, rhs, points), self.output_shape(bound)

    def _evaluate_raw(
        self, tensors: Mapping[Any, Any], rhs: sp.Expr, points: list[tuple[int, ...]]
    ) -> list[Any]:
        from symconv.grad.evaluator import compile_raw, lookups

        run = compile_raw(rhs)
        arrays = lookups(tensors)
        return [run(arrays, dict(zip(self.indices, point, strict=True))) for point in points]

    def sizes_from(self, tensors: Mapping[Any, Any]) -> dict[sp.Symbol, sp.Expr]:
        """Bind every size that is a plain symbol to the axis length of a given tensor, and check
        the shapes the other sizes then fix."""
        shapes = {
            tensor_name(key): _shape_of(tensor)
            for key, tensor in tensors.items()
            if tensor_name(key) in self.shapes
        }
        bound: dict[sp.Symbol, sp.Expr] = {}
        for name, shape in shapes.items():
            sizes = self.shapes[name]
            if len(shape) != len(sizes):
                raise ShapeError(f"tensor {name} has shape {shape}; expected axes {sizes}")
            for size, length in zip(sizes, shape, strict=True):
                if not isinstance(size, sp.Symbol):
                    continue
                if size in bound and bound[size] != length:
                    raise ShapeError(
                        f"size {size} is {bound[size]} from one tensor and {length} from {name}"
                    )
                bound[size] = sp.Integer(length)
        for name, shape in shapes.items():
            expected = tuple(size.xreplace(bound) for size in self.shapes[name])
            if all(e.is_number for e in expected) and expected != shape:
                raise ShapeError(f"tensor {name} has shape {shape}; the formula needs {expected}")
        return bound

    def entry_tensors(self, values: Values, names: Sequence[str] | None = None) -> dict[str, Any]:
        """Tensors of named entry symbols (``W_{012}``, 0-based) for the given sizes."""
        chosen = names if names is not None else list(self.tensors)
        result = {}
        for name in chosen:
            shape = self.shape(name, values)
            result[name] = entries(_entry_stem(name), shape, base=0) if shape else sp.Symbol(name)
        return result

    def random_sizes(
        self, rng: np.random.Generator, low: int = 1, high: int = 3, attempts: int = 200
    ) -> dict[sp.Symbol, sp.Integer]:
        """Small random values of every size symbol and parameter such that every shape and
        range is a positive integer (deterministic for a seeded ``rng``)."""
        free = [*self.size_symbols, *self.parameters]
        for _ in range(attempts):
            values = {s: sp.Integer(int(rng.integers(low, high + 1))) for s in free}
            if self._sizes_valid(values):
                return values
        raise ShapeError(
            f"could not draw sizes {list(map(str, free))} in [{low}, {high}] making every shape of "
            f"{self} a positive integer ({attempts} attempts)"
        )

    def _sizes_valid(self, values: Mapping[sp.Symbol, sp.Expr]) -> bool:
        for sizes in self.shapes.values():
            for size in sizes:
                value = size.xreplace(values)
                if not (value.is_integer and value.is_positive):
                    return False
        for _, lower, upper in self.ranges:
            low, high = lower.xreplace(values), upper.xreplace(values)
            if not (low.is_integer and high.is_integer and high >= low):
                return False
        return True


def _shape_of(tensor: Any) -> tuple[int, ...]:
    if hasattr(tensor, "shape"):
        return tuple(int(length) for length in tensor.shape)
    import numpy as np  # nested lists only (core/numpy_values.py)

    shape = np.shape(tensor)
    return tuple(int(length) for length in shape)


def _entry_stem(name: str) -> str:
    return name.replace("∂", "d")


def _as_int(value: sp.Expr, where: str) -> int:
    if not (value.is_number and value.is_integer):
        raise ShapeError(f"{where} is {value}: bind its sizes to numbers first")
    return int(value)


def _as_size(value: sp.Expr, where: str) -> int:
    size = _as_int(value, where)
    if size < 1:
        raise ShapeError(f"{where} has size {size} < 1")
    return size


def _sum_limits(expr: sp.Basic) -> Iterator[tuple[Any, ...]]:
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Sum):
            yield from node.limits


def _bound_symbols(expr: sp.Basic) -> set[sp.Symbol]:
    return {limit[0] for limit in _sum_limits(expr)}


def as_index_formula(forward: Any, **declarations: Any) -> IndexFormula:
    """Accept an :class:`IndexFormula`, the string form, a SymPy ``Eq`` or ``(lhs, rhs)`` pair, or
    the foundation's :class:`~symconv.conv.forms.ConvIndexForm`.

    >>> from symconv.conv.forms import conv_index_form
    >>> f = as_index_formula(conv_index_form(1, batch=False, stride=2))
    >>> f.shapes["W"], f.ranges[1]
    ((M, C, K), (j, 0, floor(I/2 - K/2)))
    """
    if isinstance(forward, IndexFormula):
        return forward.substitute(declarations.get("bind") or {}) if declarations else forward
    if isinstance(forward, str):
        return IndexFormula.parse(forward, **declarations)
    if isinstance(forward, sp.Eq | tuple):
        return IndexFormula.from_equation(forward, **declarations)
    from symconv.conv.forms import ConvIndexForm

    if isinstance(forward, ConvIndexForm):
        return _from_conv_form(forward)
    raise ShapeError(
        f"cannot read {forward!r} as an index formula: give an IndexFormula, the string form, "
        "an Eq(Indexed, expression) or a ConvIndexForm"
    )


def _from_conv_form(form: Any) -> IndexFormula:
    """The foundation's convolution index form, with the shapes its spec defines."""
    from symconv.conv.forms import data_axes, weight_axes

    spec, sizes = form.spec, form.sizes
    spatial_in = [sizes[f"I{a}"] for a in range(spec.dims)]
    groups = spec.groups
    shapes: dict[str, tuple[sp.Expr, ...]] = {
        str(form.X.label): tuple(data_axes(spec, sizes["N"], sizes["C"], spatial_in)),
        str(form.W.label): tuple(
            weight_axes(spec, sizes["M"], sizes["C"] / groups, list(spec.kernel_size))
        ),
        str(form.Z.label): tuple(size for _, size in form.free_ranges),
    }
    if form.b is not None:
        shapes[str(form.b.label)] = (sizes["M"],)
    ranges = tuple((index, sp.Integer(0), size - 1) for index, size in form.free_ranges)
    return IndexFormula(
        lhs=form.output, rhs=form.expression, ranges=ranges, shapes=shapes, text=form.latex()
    )

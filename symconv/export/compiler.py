"""Compile an index formula into vectorised NumPy: a list of instructions that both *run* and
*print* as Python source.

Every sub-expression becomes an array whose axes are named by one letter per index
(:mod:`symconv.export.runtime`). The rules, one per kind of node:

* an index ``k`` with range ``lo … hi`` is ``np.arange(lo, hi + 1)`` on its own axis;
* a tensor read ``X[i, n, s j + d k − p]`` computes each position from the index arrays and
  gathers with broadcasting, reading 0 outside the tensor (zero padding): for a shifted position
  this *is* the sliding-window (im2col) copy ``X[i, n, j, k]``; a read whose positions are the
  bare indices of the tensor's axes is the tensor itself, with its axes named;
* a sum of a product, ``Σ_{n,k} W[m, n, k] X[i, n, j + k]``, is one ``np.einsum`` over the named
  axes (``'mnk,injk->imj'``) — the contraction the index notation denotes; any other sum is
  ``np.sum`` over the summed axes;
* sums, products, powers, functions (``exp``, ``log``, ``tanh``, ``σ``, ``relu``, ``Heaviside``,
  ``erf``, ``max``…, and every other function of the registry through its forward written out:
  ``gelu``, ``silu``, ``elu``…), Kronecker deltas, Iverson brackets, range and divisibility
  conditions act element by element on the arrays lined up on the union of their axes.

So a convolution's forward and backward passes run as gathers plus one contraction each, and a
pointwise layer as array arithmetic; nothing loops over entries in Python. The same
instructions print as a standalone function (:meth:`Program.source`) that needs only NumPy.

    >>> from symconv.grad.formula import IndexFormula
    >>> import numpy as np
    >>> valid = IndexFormula.parse("Z[j] = sum_k W[k] X[j + k]; X: (I); 0 <= j < I - K + 1")
    >>> program = compile_formula(valid)
    >>> program({"X": np.array([1.0, 2.0, 3.0, 4.0]), "W": np.array([1.0, -1.0])})
    array([-1., -1., -1.])
    >>> print(program.source("correlate"))
    def correlate(W, X):
        K = W.shape[0]
        I = X.shape[0]
        j = np.arange(0, I - K + 1)
        k = np.arange(0, K)
        t0 = _read(X, ((_align(j, 'a', 'ab') + _align(k, 'b', 'ab')),))
        t1 = np.einsum('b,ab->a', W, t0, optimize=True)
        return np.broadcast_to(t1, (I - K + 1,)).astype(_dtype(W, X), copy=True)

Sizes a tensor's shape does not decide (an output length written with its own symbol) and
parameters such as a stride ``s`` are passed as ``values``:

    >>> open_ended = IndexFormula.parse("Z[j] = sum_k W[k] X[j + k]")
    >>> compile_formula(open_ended)({"X": np.ones(4), "W": np.ones(2)}, {"N_j": 2})
    array([2., 2.])
"""

from __future__ import annotations

import keyword
import re
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp
from sympy.printing.pycode import PythonCodePrinter

from symconv.core.safe import as_sympy
from symconv.errors import ShapeError, UnsupportedError
from symconv.export.runtime import _align, _dtype, _erf, _floor_div, _iverson, _read, _sigmoid
from symconv.grad.conditions import InRange, Iverson
from symconv.grad.formula import IndexFormula, tensor_name
from symconv.grad.functions import RegisteredFunction, relu, sigmoid

#: Letters naming array axes (``np.einsum`` accepts these 52).
AXIS_LETTERS = string.ascii_lowercase + string.ascii_uppercase

Env = dict[str, Any]


def python_name(name: str, taken: set[str] | None = None) -> str:
    """A Python identifier for a tensor, size or index name: ``∂J/∂Z`` → ``dJ_dZ``, ``k'`` →
    ``k_``.

    >>> python_name("∂J/∂Z"), python_name("k'"), python_name("lambda")
    ('dJ_dZ', 'k_', 'lambda_')
    """
    text = name.replace("∂", "d").replace("/", "_").replace("'", "_")
    text = re.sub(r"[^0-9A-Za-z_]", "_", text)
    if not text or text[0].isdigit():
        text = "t_" + text
    if keyword.iskeyword(text) or text in {"np", "math"}:
        text += "_"
    if taken is not None:
        base, count = text, 1
        while text in taken:
            text = f"{base}_{count}"
            count += 1
        taken.add(text)
    return text


# ----------------------------------------------------------------------------------------------
# Printing integer size expressions
# ----------------------------------------------------------------------------------------------
class _SizePrinter(PythonCodePrinter):
    """Python source of a size expression; ``⌊a/b⌋`` with integer ``a, b`` as ``(a) // (b)``."""

    def __init__(self, names: Mapping[sp.Symbol, str]) -> None:
        super().__init__({"fully_qualified_modules": True})
        self._names = names

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        return self._names.get(expr, python_name(expr.name))

    def _print_floor(self, expr: sp.floor) -> str:
        numerator, denominator = sp.fraction(sp.together(expr.args[0]))
        return f"({self._print(numerator)}) // ({self._print(denominator)})"

    def _print_ceiling(self, expr: sp.ceiling) -> str:
        numerator, denominator = sp.fraction(sp.together(expr.args[0]))
        return f"-((-({self._print(numerator)})) // ({self._print(denominator)}))"


def _size_value(expr: sp.Expr, bound: Mapping[sp.Symbol, int], where: str) -> int:
    value = as_sympy(expr).xreplace({k: sp.Integer(v) for k, v in bound.items()})
    if not (value.is_number and value.is_integer):
        raise ShapeError(f"{where} = {expr} is {value}: bind its sizes and parameters to integers")
    return int(value)


# ----------------------------------------------------------------------------------------------
# Values and instructions
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Val:
    """A compiled sub-expression: its source ``text``, the letters naming its axes, and how to
    compute it from the environment."""

    text: str
    labels: str
    run: Callable[[Env], Any]
    constant: bool = False


@dataclass(frozen=True)
class Instruction:
    """``target = text``, with ``run`` computing the same value from the environment."""

    target: str
    text: str
    run: Callable[[Env], Any]


@dataclass(frozen=True)
class Program:
    """An index formula compiled to NumPy (see the module docstring).

    Call it with ``tensors`` (by the formula's tensor names) and ``values`` (sizes and parameters
    the shapes do not decide, by name); it returns the left side for every value of its indices.
    """

    formula: IndexFormula
    arguments: tuple[tuple[str, str], ...]  # (tensor name in the formula, Python name)
    parameters: tuple[sp.Symbol, ...]  # symbols only ``values`` can bind (stride s, ...)
    shapes: tuple[tuple[sp.Symbol, str, int], ...]  # placeholder ← axis of an argument
    computed: tuple[tuple[sp.Symbol, sp.Expr], ...]  # sizes from the shapes, in order
    checks: tuple[tuple[str, int, sp.Expr], ...]  # argument axis that must equal an expression
    instructions: tuple[Instruction, ...]
    result: _Val
    output_shape: tuple[sp.Expr, ...]
    names: Mapping[sp.Symbol, str] = field(default_factory=dict)

    @property
    def tensor_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.arguments)

    def bind_sizes(
        self, tensors: Mapping[str, Any], values: Mapping[Any, Any] | None = None
    ) -> dict[sp.Symbol, Any]:
        """Every size and parameter as a number: parameters from ``values``, sizes from the
        arguments' shapes; raises :class:`ShapeError` (with the numbers) where shapes disagree."""
        given = {str(k): v for k, v in (values or {}).items()}
        by_python = {python: name for name, python in self.arguments}
        bound: dict[sp.Symbol, Any] = {}
        for symbol in self.parameters:
            if symbol.name not in given:
                raise ShapeError(
                    f"{self.formula}: {symbol.name} is not decided by the tensors' shapes; "
                    f"pass values={{'{symbol.name}': ...}}"
                )
            value = given[symbol.name]
            bound[symbol] = int(value) if symbol.is_integer else float(value)
        for placeholder, argument, axis in self.shapes:
            shape = np.shape(tensors[by_python[argument]])
            if len(shape) <= axis:
                raise ShapeError(
                    f"{by_python[argument]} has shape {shape}; {self.formula} reads "
                    f"{axis + 1} or more axes"
                )
            bound[placeholder] = int(shape[axis])
        for symbol, expr in self.computed:
            if symbol.name in given:
                bound[symbol] = int(given[symbol.name])
            else:
                bound[symbol] = _size_value(expr, bound, symbol.name)
        for argument, axis, expr in self.checks:
            name = by_python[argument]
            shape = np.shape(tensors[name])
            want = _size_value(expr, bound, f"axis {axis} of {name}")
            if shape[axis] != want:
                known = ", ".join(f"{k} = {v}" for k, v in bound.items() if ".shape[" not in k.name)
                raise ShapeError(
                    f"{name} has shape {tuple(shape)}: axis {axis} is {shape[axis]}, but "
                    f"{self.formula.lhs} = ... needs {expr} = {want} ({known})"
                )
        return bound

    def __call__(
        self, tensors: Mapping[str, Any], values: Mapping[Any, Any] | None = None
    ) -> np.ndarray:
        missing = [name for name, _ in self.arguments if name not in tensors]
        if missing:
            raise ShapeError(f"{self.formula.lhs}: missing tensors {missing}")
        bound = self.bind_sizes(tensors, values)
        env: Env = {python: np.asarray(tensors[name]) for name, python in self.arguments}
        for symbol, value in bound.items():
            env[self.names[symbol]] = value
        for instruction in self.instructions:
            env[instruction.target] = instruction.run(env)
        return np.asarray(self.result.run(env))

    def source(self, function_name: str) -> str:
        """The program as a standalone Python function (uses ``np`` and the runtime helpers)."""
        printer = _SizePrinter(self.names)
        arguments = ", ".join(python for _, python in self.arguments)
        if self.parameters:
            arguments += ", *, " + ", ".join(self.names[s] for s in self.parameters)
        lines = [f"def {function_name}({arguments}):"]
        for symbol, expr in self.computed:
            lines.append(f"    {self.names[symbol]} = {printer.doprint(expr)}")
        lines += [f"    {i.target} = {i.text}" for i in self.instructions]
        lines.append(f"    return {self.result.text}")
        return "\n".join(lines)


# ----------------------------------------------------------------------------------------------
# The compiler
# ----------------------------------------------------------------------------------------------
class _Compiler:
    def __init__(
        self,
        formula: IndexFormula,
        parameters: Sequence[sp.Symbol] | None,
        arguments: Sequence[str] | None,
    ) -> None:
        self.formula = formula
        self._argument_order = list(arguments) if arguments is not None else None
        self.instructions: list[Instruction] = []
        self.taken: set[str] = {"np", "math"}
        self.letters = iter(AXIS_LETTERS)
        self.counter = 0
        self.names: dict[sp.Symbol, str] = {}
        self.arguments: dict[str, str] = {}
        self.size_printer = _SizePrinter(self.names)
        self._parameters = parameters
        self.shapes: list[tuple[sp.Symbol, str, int]] = []
        self.computed: list[tuple[sp.Symbol, sp.Expr]] = []
        self.checks: list[tuple[str, int, sp.Expr]] = []

    # -- names -------------------------------------------------------------------------------
    def fresh(self, stem: str = "t") -> str:
        while True:
            name = f"{stem}{self.counter}"
            self.counter += 1
            if name not in self.taken:
                self.taken.add(name)
                return name

    def letter(self, index: sp.Symbol) -> str:
        try:
            return next(self.letters)
        except StopIteration:
            raise UnsupportedError(
                f"{self.formula}: more than {len(AXIS_LETTERS)} index axes; cannot export"
            ) from None

    def argument(self, name: str) -> str:
        if name not in self.arguments:
            self.arguments[name] = python_name(name, self.taken)
        return self.arguments[name]

    def emit(self, text: str, run: Callable[[Env], Any], labels: str) -> _Val:
        target = self.fresh()
        self.instructions.append(Instruction(target, text, run))
        return _Val(target, labels, lambda env: env[target])

    # -- sizes ---------------------------------------------------------------------------------
    def bind_sizes(self) -> None:
        """Decide how each size is known: read from a tensor's axis (a bare size symbol), solved
        from one (``N_j + K − 1`` once K is known), or a parameter the caller passes."""
        formula = self.formula
        symbols = [*formula.size_symbols, *formula.parameters]
        for symbol in symbols:
            self.names[symbol] = python_name(symbol.name, self.taken)
        forced = set(self._parameters or ())
        axes: list[tuple[sp.Symbol, str, int, sp.Expr]] = []
        order = self._argument_order if self._argument_order is not None else list(formula.tensors)
        unknown_tensors = [n for n in formula.tensors if n not in order]
        if unknown_tensors:
            raise ShapeError(
                f"{formula}: reads {unknown_tensors}, which are not among the arguments {order}"
            )
        for name in order:
            python = self.argument(name)
            for axis, size in enumerate(formula.shapes.get(name, ())):
                placeholder = sp.Symbol(f"{python}.shape[{axis}]", integer=True, positive=True)
                self.names[placeholder] = f"{python}.shape[{axis}]"
                self.shapes.append((placeholder, python, axis))
                axes.append((placeholder, python, axis, as_sympy(size)))
        known: set[sp.Symbol] = set(forced)
        pending = list(axes)
        progress = True
        while progress:
            progress = False
            for item in list(pending):
                placeholder, python, axis, size = item
                unknown = [s for s in size.free_symbols if s not in known]
                if not unknown:
                    self.checks.append((python, axis, size))
                    pending.remove(item)
                    progress = True
                elif len(unknown) == 1 and _linear_in(size, unknown[0]):
                    symbol = unknown[0]
                    solution = sp.solve(sp.Eq(size, placeholder), symbol)
                    if len(solution) == 1:
                        self.computed.append((symbol, solution[0]))
                        known.add(symbol)
                        pending.remove(item)
                        progress = True
        self.parameter_symbols = [s for s in symbols if s not in known or s in forced]

    # -- compiling -------------------------------------------------------------------------------
    def index_value(self, symbol: sp.Symbol, letter: str, lower: sp.Expr, upper: sp.Expr) -> _Val:
        low_text, stop_text = self.size_text(lower), self.size_text(upper + 1)
        name = python_name(symbol.name, self.taken)

        def run(env: Env) -> Any:
            return np.arange(self.size_run(lower, env), self.size_run(upper, env) + 1)

        self.instructions.append(Instruction(name, f"np.arange({low_text}, {stop_text})", run))
        return _Val(name, letter, lambda env: env[name])

    def size_text(self, expr: sp.Expr) -> str:
        return str(self.size_printer.doprint(as_sympy(expr)))

    def size_run(self, expr: sp.Expr, env: Env) -> int:
        mapping = {s: sp.Integer(env[self.names[s]]) for s in as_sympy(expr).free_symbols}
        return int(as_sympy(expr).xreplace(mapping))

    def compile(self, expr: sp.Basic, scope: dict[sp.Symbol, _Val]) -> _Val:
        if isinstance(expr, sp.Indexed):
            return self.read(expr, scope)
        if isinstance(expr, sp.Symbol):
            if expr in scope:
                return scope[expr]
            if expr in self.names:
                name = self.names[expr]
                return _Val(name, "", lambda env: env[name], constant=True)
            raise UnsupportedError(
                f"{self.formula}: the symbol {expr} is neither an index nor a size"
            )
        if expr is sp.true or expr is sp.false:
            truth = bool(expr)
            return _Val(repr(truth), "", lambda env: truth, constant=True)
        if isinstance(expr, sp.Integer):
            integer = int(expr)
            return _Val(repr(integer), "", lambda env: integer, constant=True)
        if isinstance(expr, sp.Rational):
            ratio = int(expr.p) / int(expr.q)
            return _Val(f"({int(expr.p)}/{int(expr.q)})", "", lambda env: ratio, constant=True)
        if expr.is_number and expr.is_real:
            number = float(expr)
            return _Val(repr(number), "", lambda env: number, constant=True)
        if isinstance(expr, sp.Sum):
            return self.sum(expr, scope)
        if isinstance(expr, sp.Derivative | sp.Subs):
            raise UnsupportedError(f"{self.formula}: cannot export an unevaluated {expr}")
        return self.elementwise(expr, scope)

    def read(self, expr: sp.Indexed, scope: dict[sp.Symbol, _Val]) -> _Val:
        name = tensor_name(expr)
        tensor = self.argument(name)
        positions = list(expr.indices)
        shape = self.formula.shapes.get(name)
        bare = (
            all(isinstance(p, sp.Symbol) and p in scope for p in positions)
            and len({scope[p].labels for p in positions}) == len(positions)
            and shape is not None
            and all(
                sp.simplify(self.range_size(p) - size) == 0
                for p, size in zip(positions, shape, strict=True)
            )
        )
        if bare:
            labels = "".join(scope[p].labels for p in positions)
            return _Val(tensor, labels, lambda env: env[tensor])
        values = [self.compile(p, scope) for p in positions]
        labels = _union(v.labels for v in values)
        aligned = [_aligned(v, labels) for v in values]
        text = f"_read({tensor}, ({', '.join(v.text for v in aligned)},))"

        def run(env: Env) -> Any:
            return _read(env[tensor], tuple(v.run(env) for v in aligned))

        return self.emit(text, run, labels)

    def range_size(self, index: sp.Symbol) -> sp.Expr:
        lower, upper = self.ranges[index]
        return upper - lower + 1

    def sum(self, expr: sp.Sum, scope: dict[sp.Symbol, _Val]) -> _Val:
        inner = dict(scope)
        summed: list[str] = []
        counts: list[tuple[str, sp.Expr, sp.Expr]] = []
        masks: list[sp.Expr] = []
        for symbol, lower, upper in expr.limits:
            letter = self.letter(symbol)
            dependent = (lower.free_symbols | upper.free_symbols) & set(scope)
            if dependent:
                # bounds that depend on other indices: the widest range, masked
                low_val = self.compile(lower, scope)
                high_val = self.compile(upper, scope)
                name = python_name(symbol.name, self.taken)
                text = f"np.arange(np.min({low_val.text}), np.max({high_val.text}) + 1)"

                def run(env: Env, low: _Val = low_val, high: _Val = high_val) -> Any:
                    return np.arange(np.min(low.run(env)), np.max(high.run(env)) + 1)

                self.instructions.append(Instruction(name, text, run))
                inner[symbol] = _Val(name, letter, _lookup(name))
                masks.append(Iverson(InRange(symbol, lower, upper)))
            else:
                self.ranges[symbol] = (lower, upper)
                inner[symbol] = self.index_value(symbol, letter, lower, upper)
            summed.append(letter)
            counts.append((letter, lower, upper))
        body = expr.function
        factors = list(sp.Mul.make_args(body)) + masks
        values = [self.compile(factor, inner) for factor in factors]
        present = _union(v.labels for v in values)
        output = "".join(c for c in present if c not in summed)
        missing = [(c, lo, hi) for c, lo, hi in counts if c not in present]
        arrays = [v for v in values if v.labels]
        scalars = [v for v in values if not v.labels]
        if arrays:
            subscripts = ",".join(v.labels for v in arrays) + "->" + output
            text = f"np.einsum({subscripts!r}, {', '.join(v.text for v in arrays)}, optimize=True)"

            def contract(env: Env) -> Any:
                operands = [np.asarray(v.run(env)) for v in arrays]
                if any(o.dtype == bool for o in operands):
                    operands = [o.astype(np.int64) if o.dtype == bool else o for o in operands]
                return np.einsum(subscripts, *operands, optimize=True)

            result = self.emit(text, contract, output)
        else:
            result = _Val("1", "", lambda env: 1, constant=True)
        extra = [*scalars]
        for _, lower, upper in missing:
            extra.append(
                _Val(
                    f"({self.size_text(upper)} - ({self.size_text(lower)}) + 1)",
                    "",
                    self._count(lower, upper),
                    constant=True,
                )
            )
        if extra:
            return _combine([result, *extra], " * ", lambda a, b: a * b)
        return result

    def _count(self, lower: sp.Expr, upper: sp.Expr) -> Callable[[Env], Any]:
        return lambda env: self.size_run(upper, env) - self.size_run(lower, env) + 1

    def elementwise(self, expr: sp.Basic, scope: dict[sp.Symbol, _Val]) -> _Val:
        if isinstance(expr, sp.floor | sp.ceiling):
            numerator, denominator = sp.fraction(sp.together(expr.args[0]))
            if denominator != 1:
                top, bottom = self.compile(numerator, scope), self.compile(denominator, scope)
                floored = _apply("_floor_div", _floor_div, [top, bottom])
                if isinstance(expr, sp.floor):
                    return floored
                negated = self.compile(-numerator, scope)
                return _negate(_apply("_floor_div", _floor_div, [negated, bottom]))
            argument = self.compile(expr.args[0], scope)
            if isinstance(expr, sp.floor):
                return _apply("np.floor", np.floor, [argument])
            return _apply("np.ceil", np.ceil, [argument])
        if isinstance(expr, Iverson):
            return _apply("_iverson", _iverson, [self.compile(expr.args[0], scope)])
        if isinstance(expr, InRange):
            parts = []
            if expr.lower is not sp.S.NegativeInfinity:
                parts.append(sp.Le(expr.lower, expr.expr, evaluate=False))
            if expr.upper is not sp.S.Infinity:
                parts.append(sp.Le(expr.expr, expr.upper, evaluate=False))
            values = [self.compile(part, scope) for part in parts]
            return _reduce("np.logical_and", np.logical_and, values)
        if isinstance(expr, sp.Piecewise):
            return self.piecewise(expr, scope)
        if isinstance(expr, sp.Heaviside):
            argument = self.compile(expr.args[0], scope)
            at_zero = float(expr.args[1]) if len(expr.args) > 1 else 0.5
            return _apply("np.heaviside", np.heaviside, [argument, _constant(at_zero)])
        args = [self.compile(arg, scope) for arg in expr.args]
        if isinstance(expr, sp.Add):
            return _combine(args, " + ", lambda a, b: a + b)
        if isinstance(expr, sp.Mul):
            return _combine(args, " * ", lambda a, b: a * b)
        if isinstance(expr, sp.Pow):
            base, exponent = args
            exp_value = expr.args[1]
            if exp_value.is_Integer and exp_value >= 0:
                return _binary(base, exponent, "({} ** {})", lambda a, b: a**b)
            return _binary(
                base,
                exponent,
                "np.power(np.asarray({}, dtype=float), {})",
                lambda a, b: np.power(np.asarray(a, dtype=float), b),
            )
        if isinstance(expr, sp.KroneckerDelta):
            equal = _binary(args[0], args[1], "({} == {})", np.equal)
            return _apply("_iverson", _iverson, [equal])
        if isinstance(expr, sp.core.relational.Relational):
            template, comparison = RELATIONS[expr.rel_op]
            return _binary(args[0], args[1], template, comparison)
        if isinstance(expr, sp.And):
            return _reduce("np.logical_and", np.logical_and, args)
        if isinstance(expr, sp.Or):
            return _reduce("np.logical_or", np.logical_or, args)
        if isinstance(expr, sp.Not):
            return _apply("np.logical_not", np.logical_not, args)
        if isinstance(expr, sp.Max):
            return _reduce("np.maximum", np.maximum, args)
        if isinstance(expr, sp.Min):
            return _reduce("np.minimum", np.minimum, args)
        if isinstance(expr, sp.Mod):
            return _apply("np.mod", np.mod, args)
        if isinstance(expr, sigmoid):
            return _apply("_sigmoid", _sigmoid, args)
        if isinstance(expr, relu):
            return _apply("np.maximum", np.maximum, [args[0], _constant(0)])
        if isinstance(expr, RegisteredFunction):
            # gelu, silu, elu...: the registry's forward written out (x Φ(x), cases, erf).
            return self.compile(expr.explicit(), scope)
        for kind, name, function in UNARY:
            if isinstance(expr, kind):
                return _apply(name, function, args)
        raise UnsupportedError(
            f"{self.formula}: cannot export {type(expr).__name__} ({expr}) to NumPy"
        )

    def piecewise(self, expr: sp.Piecewise, scope: dict[sp.Symbol, _Val]) -> _Val:
        values = [self.compile(value, scope) for value, _ in expr.args]
        conditions = [self.compile(condition, scope) for _, condition in expr.args]
        labels = _union(v.labels for v in (*values, *conditions))
        values = [_aligned(v, labels) for v in values]
        conditions = [_aligned(c, labels) for c in conditions]
        text = (
            f"np.select([{', '.join(c.text for c in conditions)}], "
            f"[{', '.join(v.text for v in values)}], 0)"
        )

        def run(env: Env) -> Any:
            shape = np.broadcast_shapes(*(np.shape(v.run(env)) for v in (*values, *conditions)))
            return np.select(
                [np.broadcast_to(c.run(env), shape) for c in conditions],
                [np.broadcast_to(v.run(env), shape) for v in values],
                0,
            )

        return _Val(text, labels, run)

    # -- the whole formula ---------------------------------------------------------------------
    def program(self) -> Program:
        formula = self.formula
        self.ranges: dict[sp.Symbol, tuple[sp.Expr, sp.Expr]] = {}
        self.bind_sizes()
        scope: dict[sp.Symbol, _Val] = {}
        letters = ""
        for index, lower, upper in formula.ranges:
            letter = self.letter(index)
            letters += letter
            self.ranges[index] = (lower, upper)
            scope[index] = self.index_value(index, letter, lower, upper)
        value = self.compile(formula.rhs, scope)
        shape = tuple(upper - lower + 1 for _, lower, upper in formula.ranges)
        shape_text = "(" + "".join(f"{self.size_text(s)}, " for s in shape).rstrip(" ") + ")"
        if shape_text == "(,)":
            shape_text = "()"
        dtype_arguments = ", ".join(self.arguments.values())
        aligned = _aligned(value, letters) if value.labels else value
        text = (
            f"np.broadcast_to({aligned.text}, {shape_text})"
            f".astype(_dtype({dtype_arguments}), copy=True)"
            if value.labels
            else f"np.full({shape_text}, {value.text}, dtype=_dtype({dtype_arguments}))"
        )
        arguments = list(self.arguments.values())

        def result(env: Env) -> Any:
            dims = tuple(self.size_run(s, env) for s in shape)
            dtype = _dtype(*(env[a] for a in arguments))
            computed = aligned.run(env)
            if value.labels:
                return np.broadcast_to(computed, dims).astype(dtype, copy=True)
            return np.full(dims, computed, dtype=dtype)

        ordered = list(self.arguments.items())
        return Program(
            formula=formula,
            arguments=tuple(ordered),
            parameters=tuple(self.parameter_symbols),
            shapes=tuple(self.shapes),
            computed=tuple(self.computed),
            checks=tuple(self.checks),
            instructions=_used(self.instructions, text),
            result=_Val(text, letters, result),
            output_shape=shape,
            names=dict(self.names),
        )


#: Comparisons: source template and NumPy function.
RELATIONS: dict[str, tuple[str, Callable[[Any, Any], Any]]] = {
    "==": ("({} == {})", np.equal),
    "!=": ("({} != {})", np.not_equal),
    "<": ("({} < {})", np.less),
    "<=": ("({} <= {})", np.less_equal),
    ">": ("({} > {})", np.greater),
    ">=": ("({} >= {})", np.greater_equal),
}

#: Element-wise functions of one argument: SymPy class, source name, NumPy function.
UNARY: tuple[tuple[type, str, Callable[[Any], Any]], ...] = (
    (sp.exp, "np.exp", np.exp),
    (sp.log, "np.log", np.log),
    (sp.tanh, "np.tanh", np.tanh),
    (sp.sin, "np.sin", np.sin),
    (sp.cos, "np.cos", np.cos),
    (sp.Abs, "np.abs", np.abs),
    (sp.sign, "np.sign", np.sign),
    (sp.erf, "_erf", _erf),
)


def _lookup(name: str) -> Callable[[Env], Any]:
    return lambda env: env[name]


def _used(instructions: Sequence[Instruction], result: str) -> tuple[Instruction, ...]:
    """The instructions the result depends on (unused index ranges dropped)."""
    kept: list[Instruction] = []
    needed = result
    for instruction in reversed(instructions):
        if re.search(rf"\b{re.escape(instruction.target)}\b", needed):
            kept.append(instruction)
            needed += " " + instruction.text
    return tuple(reversed(kept))


def _linear_in(expr: sp.Expr, symbol: sp.Symbol) -> bool:
    if expr.has(sp.floor, sp.ceiling, sp.Mod):
        return False
    return bool(expr.is_polynomial(symbol)) and sp.degree(expr, symbol) == 1


def _union(label_sets: Any) -> str:
    letters = ""
    for labels in label_sets:
        for letter in labels:
            if letter not in letters:
                letters += letter
    return letters


def _aligned(value: _Val, labels: str) -> _Val:
    if value.labels == labels or not value.labels:
        return value
    source = value.labels
    return _Val(
        f"_align({value.text}, {source!r}, {labels!r})",
        labels,
        lambda env: _align(value.run(env), source, labels),
        value.constant,
    )


def _constant(number: float) -> _Val:
    return _Val(repr(number), "", lambda env: number, constant=True)


def _apply(name: str, function: Callable[..., Any], args: Sequence[_Val]) -> _Val:
    labels = _union(a.labels for a in args)
    aligned = [_aligned(a, labels) for a in args]
    return _Val(
        f"{name}({', '.join(a.text for a in aligned)})",
        labels,
        lambda env: function(*(a.run(env) for a in aligned)),
        all(a.constant for a in args),
    )


def _negate(value: _Val) -> _Val:
    return _Val(f"(-{value.text})", value.labels, lambda env: -value.run(env), value.constant)


def _binary(left: _Val, right: _Val, template: str, function: Callable[[Any, Any], Any]) -> _Val:
    labels = _union((left.labels, right.labels))
    a, b = _aligned(left, labels), _aligned(right, labels)
    return _Val(
        template.format(a.text, b.text),
        labels,
        lambda env: function(a.run(env), b.run(env)),
        left.constant and right.constant,
    )


def _combine(args: Sequence[_Val], operator: str, function: Callable[[Any, Any], Any]) -> _Val:
    labels = _union(a.labels for a in args)
    aligned = [_aligned(a, labels) for a in args]

    def run(env: Env) -> Any:
        total = aligned[0].run(env)
        for a in aligned[1:]:
            total = function(total, a.run(env))
        return total

    return _Val(
        "(" + operator.join(a.text for a in aligned) + ")",
        labels,
        run,
        all(a.constant for a in args),
    )


def _reduce(name: str, function: Callable[[Any, Any], Any], args: Sequence[_Val]) -> _Val:
    if len(args) == 1:
        return args[0]
    result = args[0]
    for arg in args[1:]:
        result = _apply(name, function, [result, arg])
    return result


def compile_formula(
    formula: IndexFormula,
    *,
    arguments: Sequence[str] | None = None,
    parameters: Sequence[sp.Symbol] | None = None,
) -> Program:
    """Compile ``formula`` into a :class:`Program` (see the module docstring).

    ``arguments`` are the tensor names the function takes, in order (default: the tensors the
    formula reads, in order of first reading); a tensor passed but not read still lends its shape
    to the sizes (a backward pass takes the forward's inputs). ``parameters`` are symbols always
    taken from ``values`` even where a shape would decide them.
    """
    return _Compiler(formula, parameters, arguments).program()


__all__ = ["Instruction", "Program", "compile_formula", "python_name"]

"""The one registry of elementwise functions an index formula may apply.

Every function name the string form reads (``gelu(X[i])``) is looked up here, by the grammar, by
the independent reading of the text (:mod:`symconv.grad.second_reading`) and by export. One entry
holds one rule: its forward (SymPy), its derivative with respect to each argument written out,
its LaTeX name and its source; the derivation of the derivative is the comment above the entry,
and ``tests/grad/test_grad_registry.py`` proves each derivative equal to ``sympy.diff`` of the
forward, exactly and numerically. The SymPy function applied in formulas differentiates through the
entry (``fdiff``), so the differentiator and the proof read the same table.

``max`` and ``min`` (reductions of several arguments) and ``floor``/``ceil`` (index arithmetic)
are read by the grammar too but are not elementwise functions of this registry
(:data:`STRUCTURAL_FUNCTIONS`).

    >>> import sympy as sp
    >>> from symconv.core.latex import latex
    >>> x = sp.Symbol("x")
    >>> sp.diff(sigmoid(x), x)
    (1 - sigmoid(x))*sigmoid(x)
    >>> sigmoid(0), relu(-3), relu(sp.Rational(5, 2))
    (1/2, 0, 5/2)
    >>> sp.diff(relu(x), x)
    Heaviside(x, 0)
    >>> print(latex(sigmoid(x)), latex(relu(x)))
    \\sigma\\left(x\\right) \\operatorname{relu}\\left(x\\right)
    >>> float(sp.lambdify(x, sigmoid(x), "numpy")(0.0))
    0.5
    >>> sp.diff(function_entry("gelu").apply(x), x)
    sqrt(2)*x*exp(-x**2/2)/(2*sqrt(pi)) + erf(sqrt(2)*x/2)/2 + 1/2
    >>> function_entry("leaky_relu").apply(x)
    leaky_relu(x, 1/100)
    >>> print(latex(function_entry("elu").apply(x)))
    \\operatorname{ELU}_{1}\\left(x\\right)

A user registers a function with its derivative; the derivative is checked against
``sympy.diff`` of the forward at random points before the name is accepted:

    >>> entry = register_function("cube", lambda u: u**3, lambda u: 3*u**2, latex=r"\\kappa")
    >>> entry.apply(x), sp.diff(entry.apply(x), x)
    (cube(x), 3*x**2)
    >>> register_function("twice", lambda u: 2*u, lambda u: 3)
    Traceback (most recent call last):
    ...
    symconv.errors.FunctionRegistrationError: twice: the derivative 3 is not d/dx of the forward \
2*x: at x = 0.8 they are 3 and 2 (difference 1)
    >>> unregister_function("cube")
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import sympy as sp

from symconv.core.safe import as_sympy
from symconv.errors import ArgumentCountError, FunctionRegistrationError, UnknownFunctionError


# ----------------------------------------------------------------------------------------------
# The two functions SymPy lacks that the field writes by name (kept as classes of their own so
# that σ' reads σ(1 − σ) and relu prints as relu)
# ----------------------------------------------------------------------------------------------
class sigmoid(sp.Function):
    """The logistic function ``σ(x) = 1/(1 + e^{-x})``; its derivative is the registry's."""

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_zero:
            return sp.Rational(1, 2)
        if isinstance(x, sp.Float):
            return 1 / (1 + sp.exp(-x))
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        return function_entry("sigmoid").derivative(0, *self.args)

    def _eval_rewrite_as_exp(self, x: sp.Expr, **kwargs: Any) -> sp.Expr:
        return 1 / (1 + sp.exp(-x))

    def _portable(self) -> sp.Expr:
        """Plain SymPy (``symconv.core.portable``): ``1/(1 + exp(-x))``."""
        return 1 / (1 + sp.exp(-self.args[0]))

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return (1 / (1 + sp.exp(-self.args[0])))._eval_evalf(prec)

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _eval_is_positive(self) -> bool | None:
        return True if self.args[0].is_real else None

    def _latex(self, printer: Any, exp: Any = None) -> str:
        text = rf"\sigma\left({printer._print(self.args[0])}\right)"
        return text if exp is None else rf"{text}^{{{exp}}}"

    def _numpycode(self, printer: Any) -> str:
        return str(printer._print(self.rewrite(sp.exp)))

    _pythoncode = _numpycode


class relu(sp.Function):
    """The rectifier ``max(0, x)``; its derivative at 0 is taken as 0 (libraries' subgradient)."""

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_number and x.is_real:
            return x if x > 0 else sp.Integer(0)
        if x.is_nonnegative:
            return x
        if x.is_nonpositive:
            return sp.Integer(0)
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        return function_entry("relu").derivative(0, *self.args)

    def _eval_rewrite_as_Max(self, x: sp.Expr, **kwargs: Any) -> sp.Expr:
        return sp.Max(0, x)

    def _portable(self) -> sp.Expr:
        """Plain SymPy (``symconv.core.portable``): ``Max(0, x)``."""
        return sp.Max(0, self.args[0])

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _eval_is_nonnegative(self) -> bool | None:
        return True if self.args[0].is_real else None

    def _latex(self, printer: Any, exp: Any = None) -> str:
        text = rf"\operatorname{{relu}}\left({printer._print(self.args[0])}\right)"
        return text if exp is None else rf"{text}^{{{exp}}}"

    def _numpycode(self, printer: Any) -> str:
        return f"{printer._module_format('numpy.maximum')}(0, {printer._print(self.args[0])})"


class RegisteredFunction(sp.Function):
    """An elementwise function of the registry that SymPy lacks (gelu, silu, elu...): value,
    derivative and LaTeX come from its entry (``registry_name``). One subclass per entry, named
    as the formula writes it."""

    registry_name: ClassVar[str] = ""

    @classmethod
    def eval(cls, *args: sp.Expr) -> sp.Expr | None:
        if any(isinstance(a, sp.Float) for a in args) and all(a.is_number for a in args):
            return function_entry(cls.registry_name).explicit(*args)
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if not 1 <= argindex <= len(self.args):
            raise sp.ArgumentIndexError(self, argindex)
        return function_entry(self.registry_name).derivative(argindex - 1, *self.args)

    def explicit(self) -> sp.Expr:
        """The entry's forward written out (``x Φ(x)`` for gelu)."""
        return function_entry(self.registry_name).explicit(*self.args)

    def _portable(self) -> sp.Expr:
        """Plain SymPy (``symconv.core.portable``): :meth:`explicit`."""
        return self.explicit()

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return sp.N(self.explicit(), prec_to_digits(prec))

    def _eval_is_real(self) -> bool | None:
        return True if all(a.is_real for a in self.args) else None

    def _latex(self, printer: Any, exp: Any = None) -> str:
        entry = function_entry(self.registry_name)
        name = entry.latex
        if len(self.args) > 1:
            name += "_{" + ", ".join(printer._print(a) for a in self.args[1:]) + "}"
        text = rf"{name}\left({printer._print(self.args[0])}\right)"
        return text if exp is None else rf"{text}^{{{exp}}}"


def prec_to_digits(prec: int) -> int:
    """Binary precision (SymPy's ``_eval_evalf``) as decimal digits."""
    return max(15, int(prec * math.log10(2)) + 1)


# ----------------------------------------------------------------------------------------------
# The registry
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ElementwiseFunction:
    """One elementwise function: ``name(x, *parameters)``.

    ``forward`` and each of ``derivatives`` (one per argument: x, then each parameter) are
    ``sympy.Lambda`` of the same arguments; ``defaults`` fill parameters a formula leaves out
    (``leaky_relu(x)`` is ``leaky_relu(x, 1/100)``); ``kinks`` are the points where the derivative
    is a convention, not a limit (relu at 0), left out of the proof's points; ``domain`` is where
    the proof draws its points (``log``: positive).
    """

    name: str
    function: Any
    forward: sp.Lambda
    derivatives: tuple[sp.Lambda, ...]
    latex: str
    source: str
    parameters: tuple[str, ...] = ()
    defaults: tuple[sp.Expr, ...] = ()
    kinks: tuple[sp.Expr, ...] = ()
    domain: tuple[float, float] = (-3.0, 3.0)
    builtin: bool = field(default=True, compare=False)

    @property
    def arity(self) -> tuple[int, int]:
        """The fewest and most arguments a formula may write."""
        most = 1 + len(self.parameters)
        return most - len(self.defaults), most

    def arguments(self, args: tuple[Any, ...]) -> tuple[sp.Expr, ...]:
        """``args`` with the defaults of the parameters left out filled in."""
        fewest, most = self.arity
        if not fewest <= len(args) <= most:
            wanted = f"{fewest}" if fewest == most else f"{fewest} to {most}"
            raise ArgumentCountError(f"{self.name}(...) takes {wanted} arguments, got {len(args)}")
        missing = most - len(args)
        filled = tuple(as_sympy(a) for a in args)
        return filled + (self.defaults[len(self.defaults) - missing :] if missing else ())

    def apply(self, *args: Any) -> sp.Expr:
        """The function applied, as it appears in a formula: ``gelu(X[i])``."""
        return self.function(*self.arguments(args))

    def explicit(self, *args: Any) -> sp.Expr:
        """The forward written out at ``args``."""
        return _applied(self.forward, self.arguments(args))

    def derivative(self, argument: int, *args: Any) -> sp.Expr:
        """The derivative with respect to argument ``argument`` (0: x), at ``args``."""
        return _applied(self.derivatives[argument], self.arguments(args))

    def numeric(self, *values: float) -> float:
        """The forward at floats (the independent reading of a formula evaluates with this).

        >>> round(function_entry("gelu").numeric(1.0), 6)
        0.841345
        """
        return float(sp.N(self.explicit(*(sp.Float(v) for v in values))))


def _applied(function: sp.Lambda, args: tuple[sp.Expr, ...]) -> sp.Expr:
    """``function(*args)`` for a ``Lambda`` of plain variables and as many ``args`` (checked by
    :meth:`ElementwiseFunction.arguments`): its body with the variables replaced, what
    ``Lambda.__call__`` returns, without its signature matching (a third of a numeric
    evaluation).

    >>> x = sp.Symbol("x")
    >>> _applied(sp.Lambda(x, x**2 + 1), (sp.Integer(3),))
    10
    """
    return function.expr.xreplace(dict(zip(function.variables, args, strict=True)))


_X, _A = sp.Symbol("x", real=True), sp.Symbol("alpha", real=True)
_H = sp.Heaviside


def _unary(expr: sp.Expr) -> sp.Lambda:
    return sp.Lambda(_X, expr)


def _binary(expr: sp.Expr) -> sp.Lambda:
    return sp.Lambda((_X, _A), expr)


#: The built-in rules, by name, in the registry's order: each builds its entry on the first
#: lookup of its name (:func:`function_entry`), so that a command pays for the SymPy forms
#: (Lambda, Piecewise, erf) of the functions its formulas apply only.
_BUILTIN_RULES: dict[str, Callable[[], ElementwiseFunction]] = {}


def _rule(name: str) -> Callable[[Callable[[], ElementwiseFunction]], Callable[[], Any]]:
    def register(build: Callable[[], ElementwiseFunction]) -> Callable[[], Any]:
        _BUILTIN_RULES[name] = build
        return build

    return register


# σ(x) = 1/(1 + e^{−x}); σ'(x) = e^{−x}/(1 + e^{−x})² = σ(x)(1 − σ(x))
# (Goodfellow, Bengio & Courville 2016, eq. 3.30–3.31; nndl §4.1.1).
@_rule("sigmoid")
def _sigmoid_rule() -> ElementwiseFunction:
    return ElementwiseFunction(
        "sigmoid",
        sigmoid,
        _unary(1 / (1 + sp.exp(-_X))),
        (_unary(sigmoid(_X) * (1 - sigmoid(_X))),),
        r"\sigma",
        "Goodfellow, Bengio & Courville (2016), eq. 3.30-3.31; nndl §4.1.1",
    )


# tanh'(x) = 1 − tanh²(x) (Goodfellow et al. 2016, §6.3.2).
@_rule("tanh")
def _tanh_rule() -> ElementwiseFunction:
    return ElementwiseFunction(
        "tanh",
        sp.tanh,
        _unary(sp.tanh(_X)),
        (_unary(1 - sp.tanh(_X) ** 2),),
        r"\tanh",
        "Goodfellow, Bengio & Courville (2016), §6.3.2",
    )


# relu(x) = max(0, x); relu'(x) = H(x) with H(0) := 0, the subgradient PyTorch uses at the
# kink (threshold_backward; Nair & Hinton 2010; Goodfellow et al. 2016, §6.3.1).
@_rule("relu")
def _relu_rule() -> ElementwiseFunction:
    return ElementwiseFunction(
        "relu",
        relu,
        _unary(sp.Max(0, _X)),
        (_unary(_H(_X, 0)),),
        r"\operatorname{relu}",
        "Nair & Hinton (2010); Goodfellow, Bengio & Courville (2016), §6.3.1",
        kinks=(sp.Integer(0),),
    )


# leaky_relu(x; α) = x for x > 0, α x otherwise (Maas, Hannun & Ng 2013; PyTorch's default
# slope α = 0.01). ∂/∂x = α + (1 − α) H(x) with H(0) = 0, so the slope at 0 is α (PyTorch's
# leaky_relu_backward: x > 0 ? grad : grad·α); ∂/∂α = x for x ≤ 0, 0 otherwise = min(0, x).
@_rule("leaky_relu")
def _leaky_relu_rule() -> ElementwiseFunction:
    return ElementwiseFunction(
        "leaky_relu",
        None,
        _binary(sp.Piecewise((_X, _X > 0), (_A * _X, True))),
        (_binary(_A + (1 - _A) * _H(_X, 0)), _binary(sp.Min(0, _X))),
        r"\operatorname{LeakyReLU}",
        "Maas, Hannun & Ng (2013); PyTorch leaky_relu (negative_slope=0.01)",
        parameters=("alpha",),
        defaults=(sp.Rational(1, 100),),
        kinks=(sp.Integer(0),),
    )


# elu(x; α) = x for x > 0, α (eˣ − 1) otherwise (Clevert, Unterthiner & Hochreiter 2016,
# eq. 15; PyTorch's default α = 1). ∂/∂x = 1 for x > 0, α eˣ otherwise (α at 0, as PyTorch's
# elu_backward); ∂/∂α = 0 for x > 0, eˣ − 1 otherwise. Written with H(x) (H(0) = 0) rather
# than as cases, so that the Kronecker deltas of the chain rule stay outside them.
@_rule("elu")
def _elu_rule() -> ElementwiseFunction:
    return ElementwiseFunction(
        "elu",
        None,
        _binary(sp.Piecewise((_X, _X > 0), (_A * (sp.exp(_X) - 1), True))),
        (
            _binary(_H(_X, 0) + _A * sp.exp(_X) * (1 - _H(_X, 0))),
            _binary((sp.exp(_X) - 1) * (1 - _H(_X, 0))),
        ),
        r"\operatorname{ELU}",
        "Clevert, Unterthiner & Hochreiter (2016), eq. 15; PyTorch elu (alpha=1)",
        parameters=("alpha",),
        defaults=(sp.Integer(1),),
        kinks=(sp.Integer(0),),
    )


# gelu(x) = x Φ(x), Φ(x) = (1 + erf(x/√2))/2 (Hendrycks & Gimpel 2016, §2);
# gelu'(x) = Φ(x) + x φ(x), φ(x) = e^{−x²/2}/√(2π) (product rule; Φ' = φ). PyTorch's
# gelu(approximate='none').
@_rule("gelu")
def _gelu_rule() -> ElementwiseFunction:
    phi = (1 + sp.erf(_X / sp.sqrt(2))) / 2  # Φ, the standard normal distribution function
    density = sp.exp(-(_X**2) / 2) / sp.sqrt(2 * sp.pi)  # φ, its density
    return ElementwiseFunction(
        "gelu",
        None,
        _unary(_X * phi),
        (_unary(phi + _X * density),),
        r"\operatorname{GELU}",
        "Hendrycks & Gimpel (2016), §2; PyTorch gelu(approximate='none')",
    )


# gelu_tanh(x) = x/2 (1 + tanh u), u = √(2/π)(x + 0.044715 x³) (Hendrycks & Gimpel 2016,
# §2, the tanh approximation; PyTorch gelu(approximate='tanh')). With t = tanh u:
# d/dx = (1 + t)/2 + x/2 (1 − t²) u', u' = √(2/π)(1 + 3 · 0.044715 x²).
@_rule("gelu_tanh")
def _gelu_tanh_rule() -> ElementwiseFunction:
    c = sp.Rational(44715, 1000000)
    u = sp.sqrt(2 / sp.pi) * (_X + c * _X**3)
    return ElementwiseFunction(
        "gelu_tanh",
        None,
        _unary(_X / 2 * (1 + sp.tanh(u))),
        (
            _unary(
                (1 + sp.tanh(u)) / 2
                + _X / 2 * (1 - sp.tanh(u) ** 2) * sp.sqrt(2 / sp.pi) * (1 + 3 * c * _X**2)
            ),
        ),
        r"\operatorname{GELU}_{\tanh}",
        "Hendrycks & Gimpel (2016), §2 (tanh approximation); PyTorch gelu(approximate='tanh')",
    )


# silu(x) = x σ(x) (Elfwing, Uchibe & Doya 2018; "swish" with β = 1, Ramachandran, Zoph &
# Le 2017); silu'(x) = σ(x) + x σ(x)(1 − σ(x)) = σ(x)(1 + x(1 − σ(x))).
@_rule("silu")
def _silu_rule() -> ElementwiseFunction:
    return ElementwiseFunction(
        "silu",
        None,
        _unary(_X * sigmoid(_X)),
        (_unary(sigmoid(_X) * (1 + _X * (1 - sigmoid(_X)))),),
        r"\operatorname{SiLU}",
        "Elfwing, Uchibe & Doya (2018); Ramachandran, Zoph & Le (2017); PyTorch silu",
    )


# softplus(x) = log(1 + eˣ) (Dugas et al. 2001; Goodfellow et al. 2016, eq. 3.31);
# softplus'(x) = eˣ/(1 + eˣ) = σ(x).
@_rule("softplus")
def _softplus_rule() -> ElementwiseFunction:
    return ElementwiseFunction(
        "softplus",
        None,
        _unary(sp.log(1 + sp.exp(_X))),
        (_unary(sigmoid(_X)),),
        r"\operatorname{softplus}",
        "Dugas et al. (2001); Goodfellow, Bengio & Courville (2016), eq. 3.31",
    )


# exp' = exp; log' = 1/x (x > 0); sqrt' = 1/(2 √x) (x > 0); |x|' = sign(x), 0 at the kink
# (PyTorch's abs_backward: grad · sign(x)).
@_rule("exp")
def _exp_rule() -> ElementwiseFunction:
    return ElementwiseFunction(
        "exp", sp.exp, _unary(sp.exp(_X)), (_unary(sp.exp(_X)),), r"\exp", "calculus"
    )


@_rule("log")
def _log_rule() -> ElementwiseFunction:
    return ElementwiseFunction(
        "log",
        sp.log,
        _unary(sp.log(_X)),
        (_unary(1 / _X),),
        r"\log",
        "calculus",
        domain=(0.1, 3.0),
    )


@_rule("sqrt")
def _sqrt_rule() -> ElementwiseFunction:
    return ElementwiseFunction(
        "sqrt",
        sp.sqrt,
        _unary(sp.sqrt(_X)),
        (_unary(1 / (2 * sp.sqrt(_X))),),
        r"\sqrt",
        "calculus",
        domain=(0.1, 3.0),
    )


@_rule("abs")
def _abs_rule() -> ElementwiseFunction:
    return ElementwiseFunction(
        "abs",
        sp.Abs,
        _unary(sp.Abs(_X)),
        (_unary(sp.sign(_X)),),
        r"\left|\cdot\right|",
        "calculus; PyTorch abs_backward (sign, 0 at 0)",
        kinks=(sp.Integer(0),),
    )


#: Other spellings of registry names: ``σ(x)`` is ``sigmoid(x)``; ``swish(x)`` (with β = 1,
#: Ramachandran, Zoph & Le 2017) is ``silu(x)``.
ALIASES: dict[str, str] = {"σ": "sigmoid", "swish": "silu"}

#: Functions the grammar reads that are not elementwise functions of one value: reductions of
#: several arguments and the integer functions of index arithmetic, with their arity (None: two
#: or more).
STRUCTURAL_FUNCTIONS: dict[str, tuple[Any, int | None]] = {
    "max": (sp.Max, None),
    "min": (sp.Min, None),
    "floor": (sp.floor, 1),
    "ceil": (sp.ceiling, 1),
}

#: Names a function may not take: the grammar's own words.
RESERVED_FUNCTION_NAMES = frozenset({"sum", "where", "Σ"})


def _registered_class(name: str, arity: int) -> Any:
    return type(name, (RegisteredFunction,), {"registry_name": name, "nargs": arity})


def _with_class(entry: ElementwiseFunction) -> ElementwiseFunction:
    if entry.function is not None:
        return entry
    cls = _registered_class(entry.name, 1 + len(entry.parameters))
    return ElementwiseFunction(
        entry.name,
        cls,
        entry.forward,
        entry.derivatives,
        entry.latex,
        entry.source,
        entry.parameters,
        entry.defaults,
        entry.kinks,
        entry.domain,
        entry.builtin,
    )


#: The entries built so far (built-in ones on their first lookup) and the user's, by name.
_REGISTRY: dict[str, ElementwiseFunction] = {}


def _builtin_entry(name: str) -> ElementwiseFunction:
    """The built-in entry ``name``, its rule built on the first lookup."""
    entry = _REGISTRY.get(name)
    if entry is None:
        entry = _REGISTRY[name] = _with_class(_BUILTIN_RULES[name]())
    return entry


def _lookup(name: str) -> ElementwiseFunction | None:
    """The entry named ``name`` (no alias): built-in or the user's; None if none."""
    return _builtin_entry(name) if name in _BUILTIN_RULES else _REGISTRY.get(name)


def _all_entries() -> dict[str, ElementwiseFunction]:
    """Every entry, built-in ones first in the rules' order, then the user's."""
    builtin = {name: _builtin_entry(name) for name in _BUILTIN_RULES}
    user = {name: entry for name, entry in _REGISTRY.items() if name not in _BUILTIN_RULES}
    return {**builtin, **user}


def known_function_names() -> tuple[str, ...]:
    """Every name a formula may call, sorted: the registry, its aliases, max/min/floor/ceil.

    >>> known_function_names()[:6]
    ('abs', 'ceil', 'elu', 'exp', 'floor', 'gelu')
    """
    return tuple(sorted({*_BUILTIN_RULES, *_REGISTRY, *ALIASES, *STRUCTURAL_FUNCTIONS}))


def function_entry(name: str) -> ElementwiseFunction:
    """The registry's entry for ``name`` (or an alias); :class:`UnknownFunctionError` if none.

    >>> entry = function_entry("σ")
    >>> entry.name, entry.latex, entry.derivatives[0]
    ('sigmoid', '\\\\sigma', Lambda(x, (1 - sigmoid(x))*sigmoid(x)))
    """
    entry = _lookup(ALIASES.get(name, name))
    if entry is None:
        raise UnknownFunctionError(name, known_function_names())
    return entry


def is_builtin_function(name: str) -> bool:
    """Whether ``name`` (or the name it aliases) is a built-in function of the registry — one no
    registration can add, replace or remove.

    >>> is_builtin_function("swish"), is_builtin_function("cube")
    (True, False)
    """
    return ALIASES.get(name, name) in _BUILTIN_RULES


def registered_functions() -> Mapping[str, ElementwiseFunction]:
    """The registry, by name (a copy).

    >>> sorted(registered_functions())[:4]
    ['abs', 'elu', 'exp', 'gelu']
    """
    return _all_entries()


def entry_of(expr: sp.Basic) -> ElementwiseFunction | None:
    """The registry entry whose SymPy function ``expr`` applies, if any.

    >>> entry_of(sp.tanh(sp.Symbol("z"))).name, entry_of(sp.Symbol("z"))
    ('tanh', None)
    """
    for entry in _all_entries().values():
        if isinstance(entry.function, type) and isinstance(expr, entry.function):
            return entry
    return None


def apply_function(name: str, args: tuple[Any, ...]) -> sp.Expr:
    """``name(*args)`` as the grammar reads it: a registry function or max/min/floor/ceil.

    Raises :class:`UnknownFunctionError` for an unknown name and ``TypeError`` for a wrong number
    of arguments (the grammar adds the caret).

    >>> z = sp.Symbol("z")
    >>> apply_function("elu", (z,)), apply_function("max", (z, 0))
    (elu(z, 1), Max(0, z))
    """
    if name in STRUCTURAL_FUNCTIONS:
        function, arity = STRUCTURAL_FUNCTIONS[name]
        if (arity is None and len(args) < 2) or (arity is not None and len(args) != arity):
            wanted = "two or more arguments" if arity is None else f"{arity} argument"
            raise ArgumentCountError(f"{name}(...) takes {wanted}, got {len(args)}")
        return function(*args)
    entry = function_entry(name)
    fewest, most = entry.arity
    if not fewest <= len(args) <= most:
        wanted = f"{fewest} argument" if fewest == most else f"{fewest} to {most} arguments"
        raise ArgumentCountError(f"{name}(...) takes {wanted}, got {len(args)}")
    return entry.apply(*args)


# ----------------------------------------------------------------------------------------------
# Registering a function
# ----------------------------------------------------------------------------------------------
def register_function(
    name: str,
    forward: Callable[[sp.Expr], sp.Expr],
    derivative: Callable[[sp.Expr], sp.Expr],
    *,
    latex: str | None = None,
    source: str = "registered by the user",
    domain: tuple[float, float] = (-3.0, 3.0),
    points: int = 6,
    seed: int = 0,
) -> ElementwiseFunction:
    """Register the elementwise function ``name(x)`` with its ``forward`` and ``derivative``
    (callables from a SymPy expression to a SymPy expression). The derivative must equal
    ``sympy.diff`` of the forward at ``points`` random points of ``domain`` (to 12 digits) or a
    :class:`FunctionRegistrationError` says where they differ. A registered name replaces an
    earlier registration of the same name; a built-in name is refused.
    """
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
        raise FunctionRegistrationError(
            f"{name!r}: a function name is a letter, then letters, digits or _"
        )
    reserved = name in RESERVED_FUNCTION_NAMES or name.startswith("sum_")
    if reserved or name in STRUCTURAL_FUNCTIONS or name in ALIASES:
        raise FunctionRegistrationError(f"{name}: the name is the grammar's own")
    if name in _BUILTIN_RULES:
        raise FunctionRegistrationError(f"{name}: a built-in function of the registry")
    x = _X
    try:
        forward_expr = as_sympy(forward(x))
        derivative_expr = as_sympy(derivative(x))
    except (TypeError, ValueError, ArithmeticError, sp.SympifyError) as error:
        raise FunctionRegistrationError(
            f"{name}: cannot apply forward or derivative: {error}"
        ) from error
    if forward_expr.free_symbols - {x} or derivative_expr.free_symbols - {x}:
        raise FunctionRegistrationError(
            f"{name}: forward {forward_expr} and derivative {derivative_expr} may depend on "
            "their argument only"
        )
    _prove_derivative(name, forward_expr, derivative_expr, domain, points, seed)
    entry = _with_class(
        ElementwiseFunction(
            name,
            None,
            _unary(forward_expr),
            (_unary(derivative_expr),),
            latex if latex is not None else rf"\operatorname{{{name}}}",
            source,
            domain=domain,
            builtin=False,
        )
    )
    _REGISTRY[name] = entry
    return entry


def unregister_function(name: str) -> None:
    """Remove a function the user registered (built-in functions stay).

    >>> unregister_function("gelu")
    Traceback (most recent call last):
    ...
    symconv.errors.FunctionRegistrationError: gelu: not a function the user registered
    """
    if name in _BUILTIN_RULES or name not in _REGISTRY:
        raise FunctionRegistrationError(f"{name}: not a function the user registered")
    del _REGISTRY[name]


def _prove_derivative(
    name: str,
    forward: sp.Expr,
    derivative: sp.Expr,
    domain: tuple[float, float],
    points: int,
    seed: int,
) -> None:
    x = _X
    expected = sp.diff(forward, x)
    rng = np.random.default_rng(seed)
    for value in rng.uniform(domain[0], domain[1], points):
        point = sp.Rational(round(float(value), 1)).limit_denominator(10)
        got, want = sp.N(derivative.subs(x, point), 30), sp.N(expected.subs(x, point), 30)
        if not (got.is_real and want.is_real):
            raise FunctionRegistrationError(
                f"{name}: at x = {float(point)} the derivative is {got} and d/dx of the forward "
                f"{want}: not both real numbers (choose the domain)"
            )
        difference = abs(float(got) - float(want))
        if difference > 1e-12 * max(1.0, abs(float(want))):
            raise FunctionRegistrationError(
                f"{name}: the derivative {derivative} is not d/dx of the forward {forward}: at "
                f"x = {float(point)} they are {sp.nsimplify(got)} and {sp.nsimplify(want)} "
                f"(difference {sp.nsimplify(got - want)})"
            )


def _builtin_functions() -> tuple[ElementwiseFunction, ...]:
    """Every built-in entry, in the registry's order."""
    return tuple(_builtin_entry(name) for name in _BUILTIN_RULES)


def _function_table() -> dict[str, Any]:
    """Name → SymPy function, for the callers that only apply (compatibility): the built-ins."""
    builtin = {entry.name: entry.function for entry in _builtin_functions()}
    return {
        **builtin,
        **{alias: builtin[target] for alias, target in ALIASES.items()},
        **{name: function for name, (function, _) in STRUCTURAL_FUNCTIONS.items()},
    }


#: ``BUILTIN_FUNCTIONS`` (every built-in entry, in order) and ``FUNCTIONS`` (name → SymPy
#: function) are built when first read: reading them builds every rule.
_LAZY_CONSTANTS: dict[str, Callable[[], Any]] = {
    "BUILTIN_FUNCTIONS": _builtin_functions,
    "FUNCTIONS": _function_table,
}

if TYPE_CHECKING:
    BUILTIN_FUNCTIONS: tuple[ElementwiseFunction, ...]
    FUNCTIONS: dict[str, Any]


def __getattr__(name: str) -> Any:
    if name in _LAZY_CONSTANTS:
        value = _LAZY_CONSTANTS[name]()
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

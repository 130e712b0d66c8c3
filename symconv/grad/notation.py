"""Notation of derivatives in index form: the upstream gradient ``∂J/∂Z[i, m, j]`` and ``∂Z/∂W``.

The gradient of a scalar ``J`` with respect to the entries of a tensor ``Z`` is itself a tensor of
``Z``'s shape. It is an ``IndexedBase`` whose label is the symbol ``∂J/∂Z`` — so that
:func:`symconv.core.indexing.evaluate` looks it up by that name — and whose entries print as the
fraction the field writes, in either index notation:

    >>> import sympy as sp
    >>> from symconv.core.latex import latex
    >>> i, m, j = sp.symbols("i m j", integer=True)
    >>> dZ = gradient_base("J", "Z")
    >>> dZ
    ∂J/∂Z
    >>> print(latex(dZ[i, m, j]))
    \\frac{\\partial J}{\\partial Z[i, m, j]}
    >>> print(latex(dZ[i, m, j], notation="subscript"))
    \\frac{\\partial J}{\\partial Z_{i,m,j}}
    >>> dZ.of, dZ.wrt
    (J, Z)

A Jacobian entry ``∂Z[i, m, j]/∂W[a, b, c]`` appears in the chain-rule step of a derivation; it is
:class:`Partial`, which never evaluates:

    >>> W, Z = sp.IndexedBase("W"), sp.IndexedBase("Z")
    >>> a = sp.Symbol("a", integer=True)
    >>> print(latex(Partial(Z[i, m, j], W[a])))
    \\frac{\\partial Z[i, m, j]}{\\partial W[a]}
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from symconv.core.safe import as_sympy

#: The character that opens a partial derivative in a gradient's label, ``∂J/∂Z``.
PARTIAL = "∂"


def gradient_label(of: str, wrt: str) -> str:
    """The label of the gradient of ``of`` with respect to tensor ``wrt``: ``∂J/∂Z``."""
    return f"{PARTIAL}{of}/{PARTIAL}{wrt}"


def split_gradient_label(label: str) -> tuple[str, str] | None:
    """``("J", "Z")`` for ``"∂J/∂Z"``; ``None`` if ``label`` is not a gradient's label.

    >>> split_gradient_label("∂J/∂W"), split_gradient_label("W")
    (('J', 'W'), None)
    """
    if not label.startswith(PARTIAL) or f"/{PARTIAL}" not in label:
        return None
    of, wrt = label[1:].split(f"/{PARTIAL}", 1)
    if not of or not wrt:
        return None
    return of, wrt


class GradientIndexed(sp.Indexed):
    """An entry ``∂J/∂Z[i, j]`` of a gradient tensor (see the module docstring)."""

    def _latex(self, printer: Any) -> str:
        base: GradientBase = self.base
        entry = sp.Indexed(sp.IndexedBase(base.wrt), *self.indices)
        return rf"\frac{{\partial {printer._print(base.of)}}}{{\partial {printer._print(entry)}}}"

    def _portable(self) -> sp.Indexed:
        """Plain SymPy (``symconv.core.portable``): an entry of ``IndexedBase('∂J/∂Z')``."""
        return sp.Indexed(sp.IndexedBase(self.base.label), *self.indices)


class GradientBase(sp.IndexedBase):
    """The tensor ``∂J/∂Z`` (label ``∂J/∂Z``); indexing it gives :class:`GradientIndexed`."""

    def __getitem__(self, indices: Any, **kw_args: Any) -> GradientIndexed:
        if not isinstance(indices, tuple):
            indices = (indices,)
        return GradientIndexed(self, *indices, **kw_args)

    @property
    def _parts(self) -> tuple[str, str]:
        parts = split_gradient_label(str(self.label))
        if parts is None:  # pragma: no cover - guarded by gradient_base
            raise ValueError(f"{self.label} is not a gradient label ∂J/∂Z")
        return parts

    @property
    def of(self) -> sp.Symbol:
        """The differentiated scalar, ``J``."""
        return sp.Symbol(self._parts[0])

    @property
    def wrt(self) -> sp.Symbol:
        """The name of the tensor differentiated against, ``Z``."""
        return sp.Symbol(self._parts[1])

    def _latex(self, printer: Any) -> str:
        return (
            rf"\frac{{\partial {printer._print(self.of)}}}{{\partial {printer._print(self.wrt)}}}"
        )

    def _portable(self) -> sp.IndexedBase:
        """Plain SymPy (``symconv.core.portable``): ``IndexedBase('∂J/∂Z')``."""
        return sp.IndexedBase(self.label)


def gradient_base(of: str | sp.Symbol, wrt: str | sp.Symbol | sp.IndexedBase) -> GradientBase:
    """The gradient tensor ``∂of/∂wrt`` (see the module docstring)."""
    wrt_name = str(wrt.label) if isinstance(wrt, sp.IndexedBase) else str(wrt)
    return GradientBase(gradient_label(str(of), wrt_name))


def as_gradient_base(base: sp.IndexedBase) -> sp.IndexedBase:
    """``base`` as a :class:`GradientBase` when its label reads ``∂J/∂Z``, else unchanged."""
    if isinstance(base, GradientBase):
        return base
    parts = split_gradient_label(str(base.label))
    return gradient_base(*parts) if parts else base


class Partial(sp.Expr):
    """The unevaluated Jacobian entry ``∂Z[f]/∂W[a]`` (of two tensor entries)."""

    is_commutative = True

    def __new__(cls, of: sp.Expr, wrt: sp.Expr) -> Partial:
        return super().__new__(cls, as_sympy(of), as_sympy(wrt))

    @property
    def of(self) -> sp.Expr:
        return self.args[0]

    @property
    def wrt(self) -> sp.Expr:
        return self.args[1]

    def _latex(self, printer: Any) -> str:
        of, wrt = printer._print(self.of), printer._print(self.wrt)
        return rf"\frac{{\partial {of}}}{{\partial {wrt}}}"

    def _sympystr(self, printer: Any) -> str:
        return f"{PARTIAL}{printer._print(self.of)}/{PARTIAL}{printer._print(self.wrt)}"

    def _portable(self) -> sp.Derivative:
        """Plain SymPy (``symconv.core.portable``): the unevaluated ``Derivative``."""
        return sp.Derivative(self.of, self.wrt)

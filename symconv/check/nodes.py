"""SymPy nodes for notation that has no SymPy meaning of its own, so that the checker can judge it.

Each node keeps what was written and never evaluates (a convolution is not a product, the operator
``d`` is not a factor), prints as the field writes it, and carries the free symbols of its
arguments. The checker decides how to judge each one (or leaves it *unverified*).

    >>> import sympy as sp
    >>> W, X = sp.symbols("W X")
    >>> print(sp.latex(Convolution(W, X, "wide")))
    W \\tilde{\\otimes} X
    >>> t = sp.Symbol("t"); x = sp.Function("x")
    >>> op = OperatorD(x(t), 2)
    >>> op, print(sp.latex(op))
    d^{2} x{\\left(t \\right)}
    (OperatorD(x(t), 2), None)
    >>> pattern = ListPattern([0, Dots(), 1, Dots(), 0], column=True)
    >>> pattern.is_one_hot
    True
    >>> j, p = sp.symbols("j p")
    >>> m = MaxOver(X * j, (j, 0, p - 1))
    >>> sorted(m.free_symbols, key=str)
    [X, p]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import sympy as sp
from sympy.core.symbol import Str

from symconv.core.notation import ArgMaxOver, ArgMinOver, MaxOver, MinOver
from symconv.core.safe import as_sympy

#: The first value of a sum written with its number of terms only, ``\\sum^{N}_{k}`` (``N``
#: terms: ``k = 0 … N − 1`` in a document that counts from 0, ``1 … N`` in one that counts from
#: 1). The parser cannot know which; a judge that knows the document's index base puts it in,
#: and any other sees a symbol it cannot bind (never a guessed 0).
INDEX_BASE = sp.Symbol("⟨index base⟩", integer=True)


class Dots(sp.AtomicExpr):
    """``\\dots`` (also ``\\ldots``, ``\\cdots``, ``…``): elided entries or terms."""

    is_commutative = True

    def __new__(cls) -> Dots:
        return super().__new__(cls)

    def _sympystr(self, printer: Any) -> str:
        return "..."

    def _latex(self, printer: Any) -> str:
        return r"\dots"

    def _hashable_content(self) -> tuple[Any, ...]:
        return ()


class ListPattern(sp.Expr):
    """A list written with ``\\dots`` (``[0, \\dots, 1, \\dots, 0]^T``): a pattern, not a value.

    ``column`` is true for a transposed (column) list; rows of a matrix with elisions are nested
    ``Tuple`` elements.
    """

    def __new__(cls, elements: Iterable[Any], column: bool = False) -> ListPattern:
        items = sp.Tuple(*elements)
        return super().__new__(cls, items, sp.true if column else sp.false)

    @property
    def elements(self) -> tuple[Any, ...]:
        return tuple(self.args[0])

    @property
    def column(self) -> bool:
        return bool(self.args[1])

    @property
    def is_one_hot(self) -> bool:
        """True for ``[0, \\dots, 1, \\dots, 0]``: zeros and elisions around a single 1."""
        values = [e for e in self.elements if not isinstance(e, Dots)]
        return values.count(sp.Integer(1)) == 1 and all(v in (0, 1) for v in values)

    def transposed(self) -> ListPattern:
        return ListPattern(self.elements, column=not self.column)

    def _latex(self, printer: Any) -> str:
        inner = ", ".join(printer._print(e) for e in self.elements)
        return f"[{inner}]" + ("^{T}" if self.column else "")


class _Named(sp.Function):
    """A non-evaluating function node printed by its ``_latex`` method."""

    @classmethod
    def eval(cls, *args: Any) -> None:
        return None


class Convolution(_Named):
    """``W ⊗ X`` (``kind`` ``"otimes"``: the book's convolution, i.e. cross-correlation),
    ``W \\tilde{\\otimes} X`` (``"wide"``), ``W * X`` read as a convolution (``"star"``) or
    ``\\circledast`` (``"circledast"``)."""

    nargs = 3
    SYMBOLS: ClassVar[dict[str, str]] = {
        "otimes": r"\otimes",
        "wide": r"\tilde{\otimes}",
        "star": "*",
        "circledast": r"\circledast",
    }

    def __new__(cls, a: Any, b: Any, kind: str | Str = "otimes", **options: Any) -> Any:
        return super().__new__(cls, a, b, kind if isinstance(kind, Str) else Str(str(kind)))

    @property
    def kind(self) -> str:
        return str(self.args[2].name)

    def _latex(self, printer: Any) -> str:
        a, b = (printer.parenthesize(arg, 40) for arg in self.args[:2])
        return f"{a} {self.SYMBOLS.get(self.kind, self.kind)} {b}"


class Hadamard(_Named):
    """``A ⊙ B``: the element-wise product."""

    nargs = 2

    def _latex(self, printer: Any) -> str:
        a, b = (printer.parenthesize(arg, 40) for arg in self.args)
        return rf"{a} \odot {b}"


class MatrixTimes(_Named):
    """``C x``: a matrix applied to something that is not a matrix literal (kept unevaluated)."""

    nargs = 2

    def _latex(self, printer: Any) -> str:
        a, b = (printer.parenthesize(arg, 40) for arg in self.args)
        return f"{a} {b}"


class Transposed(_Named):
    """``x^T`` of a name (a matrix literal is transposed at once)."""

    nargs = 1

    def _latex(self, printer: Any) -> str:
        return f"{printer.parenthesize(self.args[0], 1000)}^{{T}}"


class OperatorD(_Named):
    """The operator ``d``: ``d^2 x(t)`` is ``OperatorD(x(t), 2)``, ``d_x^2 f(x, y)`` is
    ``OperatorD(f(x, y), 2, x)``; a difference or differential, never a product."""

    def __new__(cls, operand: Any, order: Any = 1, *wrt: Any, **options: Any) -> Any:
        return super().__new__(cls, operand, as_sympy(order), *wrt)

    @property
    def operand(self) -> Any:
        return self.args[0]

    @property
    def order(self) -> Any:
        return self.args[1]

    @property
    def wrt(self) -> tuple[Any, ...]:
        return tuple(self.args[2:])

    def _latex(self, printer: Any) -> str:
        sub = "_{" + ",".join(printer._print(w) for w in self.wrt) + "}" if self.wrt else ""
        sup = f"^{{{printer._print(self.order)}}}" if self.order != 1 else ""
        return f"d{sub}{sup} {printer._print(self.operand)}"


class Nabla(_Named):
    """``\\nabla^2 f`` is ``Nabla(f, 2)``; ``\\nabla_W J`` is ``Nabla(J, 1, W)``."""

    def __new__(cls, operand: Any, power: Any = 1, *wrt: Any, **options: Any) -> Any:
        return super().__new__(cls, operand, as_sympy(power), *wrt)

    @property
    def operand(self) -> Any:
        return self.args[0]

    @property
    def power(self) -> Any:
        return self.args[1]

    def _latex(self, printer: Any) -> str:
        sub = (
            "_{" + ",".join(printer._print(w) for w in self.args[2:]) + "}" if self.args[2:] else ""
        )
        sup = f"^{{{printer._print(self.power)}}}" if self.power != 1 else ""
        return rf"\nabla{sub}{sup} {printer._print(self.operand)}"


class BigO(_Named):
    """``O(h^2)``: an order term, kept apart from SymPy's ``Order`` (which assumes a limit
    point); the checker decides the point (h → 0 for a step, N → ∞ for a cost)."""

    nargs = 1

    def _latex(self, printer: Any) -> str:
        return rf"O\left({printer._print(self.args[0])}\right)"


class Norm(_Named):
    """``\\|x\\|`` (``p`` = None) or ``\\|x\\|_p``."""

    def _latex(self, printer: Any) -> str:
        sub = f"_{{{printer._print(self.args[1])}}}" if len(self.args) > 1 else ""
        return rf"\left\|{printer._print(self.args[0])}\right\|{sub}"


class Partial(_Named):
    """A partial derivative between tensor entries, ``∂y_i/∂z_j`` → ``Partial(y[i], z[j])``,
    never evaluated (a Jacobian entry of a chain-rule product). Its free symbols are those of
    both entries (SymPy's ``Derivative`` would bind the indices of the denominator)."""

    def _latex(self, printer: Any) -> str:
        of, *wrt = self.args
        den = " ".join(rf"\partial {printer._print(w)}" for w in wrt)
        order = f"^{{{len(wrt)}}}" if len(wrt) > 1 else ""
        return rf"\frac{{\partial{order} {printer._print(of)}}}{{{den}}}"


class Entry(_Named):
    """``(W \\tilde{\\otimes} X)_{ij}``: the entry (i, j) of a tensor-valued expression, such as a
    convolution's result; ``Entry(Convolution(W, X, "wide"), i, j)``, never evaluated.

    >>> i, j = sp.symbols("i j")
    >>> print(sp.latex(Entry(Convolution(sp.Symbol("W"), sp.Symbol("X"), "star"), i, j)))
    \\left(W * X\\right)_{i,j}
    """

    @property
    def of(self) -> Any:
        return self.args[0]

    @property
    def indices(self) -> tuple[Any, ...]:
        return tuple(self.args[1:])

    def _latex(self, printer: Any) -> str:
        indices = ",".join(printer._print(index) for index in self.indices)
        return rf"\left({printer._print(self.of)}\right)_{{{indices}}}"


class TensorSpace(_Named):
    """``\\mathbb{R}^{m \\times n}``: the field and the shape (a ``Tuple``)."""

    nargs = 2

    def _latex(self, printer: Any) -> str:
        shape = r" \times ".join(printer._print(s) for s in self.args[1])
        return f"{printer._print(self.args[0])}^{{{shape}}}"


#: Every node class defined here (for dispatch in later layers).
NODE_CLASSES: tuple[type, ...] = (
    Dots, ListPattern, Convolution, Hadamard, MatrixTimes, Transposed, OperatorD, Nabla, BigO,
    Norm, Partial, TensorSpace, MaxOver, MinOver, ArgMaxOver, ArgMinOver, Entry,
)  # fmt: skip


def contains_pattern(expr: Any) -> bool:
    """True if ``expr`` contains an elision (``\\dots``) or a list pattern: not a checkable value.

    >>> x = sp.Symbol("x")
    >>> contains_pattern(x + Dots()), contains_pattern(x + 1)
    (True, False)
    """
    if isinstance(expr, sp.MatrixBase):
        return any(contains_pattern(entry) for entry in expr)
    if not isinstance(expr, sp.Basic):
        return False
    return expr.has(Dots) or expr.has(ListPattern)

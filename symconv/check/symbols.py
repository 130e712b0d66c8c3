"""What the names in a hand-written solution mean: the symbol table, and entry-name helpers.

A name followed by parentheses, ``x(t+1)``, is an application if ``x`` is a function and a
product if it is a quantity; ``W * X`` is a product of scalars or a convolution of tensors. The
parser cannot know which from the text alone, so the caller declares names (from the problem and
from earlier lines of the document) in a :class:`SymbolTable`; what stays undecided is reported
as ambiguous, never guessed.

Names are compared by :func:`name_key`, which ignores braces, spaces and backslashes, so ``k_1``,
``k_{1}`` and ``\\sigma``/``sigma``/``σ`` are each one name:

    >>> table = SymbolTable.declare(functions="x", tensors="W X Z", scalars="h k_{1}")
    >>> table.kind_of("x"), table.kind_of("W"), table.kind_of("k_1"), table.kind_of("y")
    ('function', 'tensor', 'scalar', None)
    >>> SymbolTable().kind_of("sigma"), SymbolTable(conventional=False).kind_of("sigma")
    ('function', None)

Entry names: ``x_{11}`` (the nndl book's entry of row 1, column 1) is read as the symbol named
``x_{11}`` — the name :func:`symconv.core.tensors.entries` gives it — and can be mapped to the
bracket form ``x[0, 0]`` and back:

    >>> import sympy as sp
    >>> entry_indices("x_{11}"), entry_indices("x_{1,10}"), entry_indices("k_1")
    (('x', (1, 1)), ('x', (1, 10)), ('k', (1,)))
    >>> entry_to_indexed(sp.Symbol("w_{12}"), base=1)
    w[0, 1]
    >>> indexed_to_entry(sp.IndexedBase("w")[0, 1], shape=(2, 2), base=1)
    w_{12}
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import sympy as sp

from symconv.core.patterns import lazy_compile

Kind = Literal["function", "tensor", "scalar", "operator"]

#: Names read as functions unless the table declares them otherwise (the field's habit:
#: ``f(x+1, y)``, ``g(x)``, ``\\sigma(z)`` the logistic function, ``\\phi(x)``, ``O(h^2)``).
CONVENTIONAL_FUNCTIONS = frozenset({"f", "g", "sigma", "phi", "O"})

_GREEK_NAMES = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho "
    "sigma tau upsilon phi chi psi omega Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota "
    "Kappa Lambda Mu Nu Xi Omicron Pi Rho Sigma Tau Upsilon Phi Chi Psi Omega "
    "epsilon vartheta phi varrho varpi"
)
_GREEK_UNICODE = dict(
    zip("αβγδεζηθικλμνξοπρστυφχψωΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩϵϑϕϱϖ", _GREEK_NAMES.split(), strict=True)
)


def greek_name(char: str) -> str:
    """``"sigma"`` for ``"σ"`` (a Greek letter written in Unicode)."""
    return _GREEK_UNICODE[char]


def name_key(name: str) -> str:
    """The key under which a name is compared: no braces, spaces or backslashes; Greek spelled.

    >>> name_key("k_{1}"), name_key(r"\\sigma"), name_key("σ"), name_key("x_{1, 10}")
    ('k_1', 'sigma', 'sigma', 'x_1,10')
    """
    spelled = "".join(_GREEK_UNICODE.get(char, char) for char in name)
    return re.sub(r"[{}\s\\]", "", spelled)


def _names(value: str | Iterable[str]) -> frozenset[str]:
    items = re.split(r"[\s,]+", value.strip()) if isinstance(value, str) else list(value)
    return frozenset(name_key(item) for item in items if item)


@dataclass(frozen=True)
class SymbolTable:
    """Declared names, by kind, and how to build the objects the parser returns.

    * ``functions``: ``x(t+1)`` is an application of ``x``.
    * ``tensors``: ``W[k]`` is indexing (always) and ``W * X`` may be a convolution.
    * ``scalars``: ``h(x+1)`` is a product; ``h_m`` is a name, never an indexing of ``h``.
    * ``operators``: names read as operators when they precede an operand (``d`` in ``d x(t)``).
    * ``objects``: SymPy objects to use for names (a ``Symbol`` with assumptions, an
      ``IndexedBase`` with a shape, or a function class such as the engine's ``sigmoid``).
    * ``star``: what ``*`` between two tensors means, ``"product"`` or ``"convolution"``
      (``None``: ambiguous, reported).
    * ``entry_calls``: ``(name, count)`` pairs — the document differentiates by ``W(i', j',
      k_in, k)``, so ``W`` applied to ``count`` indices (``W(i - i', j - j', k_in, k)``) is an
      entry of the tensor ``W``, whatever an earlier line suggested.
    * ``index_words``: multi-letter index names (``ch`` of ``W_{f,ch,r,c}``), read whole in
      subscripts and in a big operator's subscript (``\\sum_{ch=1}^{C}``), never c·h.
    * ``conventional``: read :data:`CONVENTIONAL_FUNCTIONS` as functions unless declared.
    * ``gradient_base``: builds the tensor ``∂J/∂W`` from ``("J", "W")``
      (default: an ``IndexedBase`` labelled ``∂J/∂W``, as :mod:`symconv.grad` labels it).
    """

    functions: frozenset[str] = frozenset()
    tensors: frozenset[str] = frozenset()
    scalars: frozenset[str] = frozenset()
    operators: frozenset[str] = frozenset()
    objects: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
    star: Literal["product", "convolution"] | None = None
    conventional: bool = True
    gradient_base: Callable[[str, str], Any] | None = field(default=None, compare=False)
    entry_calls: frozenset[tuple[str, int]] = frozenset()
    #: Multi-letter index names of the document (``ch`` in ``W_{f,ch,r,c}``, see
    #: :func:`symconv.check.read_names.index_words`): read whole in a subscript.
    index_words: frozenset[str] = frozenset()

    @classmethod
    def declare(
        cls,
        *,
        functions: str | Iterable[str] = "",
        tensors: str | Iterable[str] = "",
        scalars: str | Iterable[str] = "",
        operators: str | Iterable[str] = "",
        objects: Mapping[str, Any] | None = None,
        star: Literal["product", "convolution"] | None = None,
        conventional: bool = True,
        gradient_base: Callable[[str, str], Any] | None = None,
    ) -> SymbolTable:
        """A table from names separated by spaces or commas (or iterables of names)."""
        return cls(
            functions=_names(functions),
            tensors=_names(tensors),
            scalars=_names(scalars),
            operators=_names(operators),
            objects={name_key(k): v for k, v in (objects or {}).items()},
            star=star,
            conventional=conventional,
            gradient_base=gradient_base,
        )

    def merged(self, other: SymbolTable) -> SymbolTable:
        """This table with ``other``'s declarations added (``other`` wins on conflicts)."""

        def without(names: frozenset[str], *taken: frozenset[str]) -> frozenset[str]:
            return names.difference(*taken)

        return replace(
            self,
            functions=without(self.functions, other.tensors, other.scalars) | other.functions,
            tensors=without(self.tensors, other.functions, other.scalars) | other.tensors,
            scalars=without(self.scalars, other.functions, other.tensors) | other.scalars,
            operators=self.operators | other.operators,
            objects={**self.objects, **other.objects},
            star=other.star or self.star,
            gradient_base=other.gradient_base or self.gradient_base,
            entry_calls=self.entry_calls | other.entry_calls,
            index_words=self.index_words | other.index_words,
        )

    def is_entry_call(self, name: str, count: int) -> bool:
        """``name`` applied to ``count`` indices is an entry (see ``entry_calls``).

        >>> table = SymbolTable(entry_calls=frozenset({("W", 4)}))
        >>> table.is_entry_call("W", 4), table.is_entry_call("W", 2)
        (True, False)
        """
        return (name_key(name), count) in self.entry_calls

    def kind_of(self, name: str) -> Kind | None:
        """The declared kind of ``name`` (conventional functions included), or None."""
        key = name_key(name)
        if key in self.functions:
            return "function"
        if key in self.tensors:
            return "tensor"
        if key in self.scalars:
            return "scalar"
        if key in self.operators:
            return "operator"
        known = self.objects.get(key)
        if known is not None:
            if isinstance(known, sp.IndexedBase):
                return "tensor"
            if isinstance(known, (sp.FunctionClass, sp.Lambda)) or not isinstance(known, sp.Basic):
                return "function"
            return "scalar"
        if self.conventional and key in CONVENTIONAL_FUNCTIONS:
            return "function"
        return None

    def object_for(self, name: str) -> Any:
        """The declared SymPy object for ``name``, or None."""
        return self.objects.get(name_key(name))


# ----------------------------------------------------------------------------------------------
# Entry names: x_{11} (subscript, the book's 1-based entries) and x[0, 0] (bracket, 0-based)
# ----------------------------------------------------------------------------------------------
_ENTRY = lazy_compile(r"^(?P<base>.+?)_(?:\{(?P<braced>[\d,\s]+)\}|(?P<bare>\d))$")


def entry_indices(name: str) -> tuple[str, tuple[int, ...]] | None:
    """``("x", (1, 1))`` for ``x_{11}``: the base and the integer indices of an entry name.

    Without a comma each digit is one index (``x_{11}``); with commas the parts are
    (``x_{1,10}``), as :func:`symconv.core.tensors.entry_name` writes them. None if not an entry
    name.
    """
    match = _ENTRY.match(name)
    if match is None:
        return None
    digits = match.group("braced") or match.group("bare")
    if "," in digits:
        parts = [part.strip() for part in digits.split(",")]
        if not all(part.isdigit() for part in parts):
            return None
        return match.group("base"), tuple(int(part) for part in parts)
    digits = digits.strip()
    return match.group("base"), tuple(int(d) for d in digits)


def entry_to_indexed(symbol: sp.Symbol, base: int = 1) -> sp.Indexed | None:
    """The bracket form (0-based) of an entry symbol written with index base ``base``."""
    parsed = entry_indices(symbol.name)
    if parsed is None:
        return None
    name, indices = parsed
    return sp.IndexedBase(name)[tuple(index - base for index in indices)]


def indexed_to_entry(entry: sp.Indexed, shape: Iterable[int], base: int = 1) -> sp.Symbol:
    """The entry symbol (as :func:`symconv.core.tensors.entries` names it) of a 0-based
    ``X[i, j]``."""
    from symconv.core.tensors import entry_name

    indices = [int(index) for index in entry.indices]
    return sp.Symbol(entry_name(str(entry.base.label), indices, tuple(shape), base))


def entries_as_indexed(expr: Any, base: int = 1, names: Iterable[str] | None = None) -> Any:
    """``expr`` with every entry symbol (``x_{11}``) replaced by its bracket form (``x[0, 0]``).

    ``names`` limits the replacement to these bases (e.g. ``{"w", "x"}``, so that ``k_1`` stays).

    >>> w11, w12, x = sp.symbols("w_{11} w_{12} x")
    >>> entries_as_indexed(w11 * x + w12, names={"w"})
    x*w[0, 0] + w[0, 1]
    """
    wanted = None if names is None else set(names)
    mapping = {}
    for symbol in getattr(expr, "free_symbols", ()):
        if not isinstance(symbol, sp.Symbol):
            continue
        parsed = entry_indices(symbol.name)
        if parsed is None or (wanted is not None and parsed[0] not in wanted):
            continue
        indexed = entry_to_indexed(symbol, base)
        if indexed is not None:
            mapping[symbol] = indexed
    return expr.xreplace(mapping) if mapping else expr


def written_key(atom: Any) -> str | None:
    """The name of a symbol or an entry as a writer spells it: ``h_m`` for the symbol ``h_m`` and
    for the entry ``h[m]``; ``delta_11`` for ``\\delta_{11}`` and ``delta_{11}``."""
    if isinstance(atom, sp.Symbol):
        return name_key(atom.name)
    if isinstance(atom, sp.Indexed):
        return name_key(f"{atom.base.label}_" + ",".join(str(i) for i in atom.indices))
    return None


def in_written_names(reference: Any, written: Any) -> Any:
    """``reference`` with its symbols replaced by the written objects of the same name.

    The engine names the step to the left ``h_m`` (a symbol); a writer's ``h_{m}`` reads as the
    entry ``h[m]``: the same quantity, compared as one.

    >>> h = sp.IndexedBase("h")
    >>> in_written_names(sp.Symbol("h_m") + sp.Symbol("w"), h[sp.Symbol("m")] + sp.Symbol("w"))
    w + h[m]
    """
    if not isinstance(reference, sp.Basic) or not isinstance(written, sp.Basic):
        return reference
    by_key: dict[str, Any] = {}
    for atom in written.atoms(sp.Symbol, sp.Indexed):
        key = written_key(atom)
        if key is not None:
            by_key.setdefault(_letters_sorted(key), atom)
    renames = {}
    for atom in reference.atoms(sp.Symbol, sp.Indexed):
        mine = by_key.get(_letters_sorted(written_key(atom) or ""))
        if mine is not None and mine != atom and not isinstance(atom, sp.Indexed):
            renames[atom] = mine
    return reference.xreplace(renames) if renames else reference


def _letters_sorted(key: str) -> str:
    """``key`` with each word of its subscript spelled by its sorted letters: the writer's
    ``N_{mult,1}`` reads as the entry ``N[l·m·t·u, 1]`` (a product of letters, which SymPy
    orders), the engine's name is the symbol ``N_mult,1``; both become ``N_lmtu,1``.

    >>> _letters_sorted("N_l*m*t*u,1"), _letters_sorted("N_mult,1"), _letters_sorted("h_m")
    ('N_lmtu,1', 'N_lmtu,1', 'h_m')
    """
    stem, underscore, subscript = key.partition("_")
    if not underscore:
        return key
    parts = []
    for part in subscript.split(","):
        letters = part.split("*") if "*" in part else list(part)
        if len(letters) > 1 and all(re.fullmatch(r"[A-Za-z]", letter) for letter in letters):
            part = "".join(sorted(letters))
        parts.append(part)
    return f"{stem}_{','.join(parts)}"


def is_size_name(name: str) -> bool:
    """An upper-case Latin letter, possibly subscripted (``K``, ``C_{in}``, ``H_1``): a size.

    >>> is_size_name("K_1"), is_size_name("C_{in}"), is_size_name("k"), is_size_name("Kx")
    (True, True, False, False)
    """
    return name[:1].isupper() and name[:1].isascii() and (len(name) == 1 or name[1] == "_")


_TYPEFACE = lazy_compile(
    r"\\(?:mathbf|boldsymbol|bm|vec|mathrm|operatorname|text|textrm|mathit)\s*\{([^{}]*)\}"
)


def object_name_key(value: Any) -> str:
    """The key of the name of a whole object (a matrix, an answer): typefaces ignored.

    >>> object_name_key(sp.Symbol(r"\\mathbf{K}")), object_name_key(sp.Symbol("K"))
    ('K', 'K')
    >>> object_name_key(sp.Symbol(r"\\delta x")) == object_name_key(sp.Symbol(r"\\delta_x"))
    False
    """
    text = value.name if isinstance(value, sp.Symbol) else str(value).replace("*", "")
    return name_key(_TYPEFACE.sub(r"\1", text))

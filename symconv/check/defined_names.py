"""The document's definitions by name, a layer tag read as a pattern.

A write-up defines a name once for every layer — ``y^{(l)} = f_a(x^{(l)})`` — and uses it at a
layer of its own, ``y^{(L)}``; it writes a layer tag with or without parentheses (``a^L``,
``a^{(L)}``); it defines one function twice with different arguments (``J(W, b; Y, X)`` per
sample, ``J(W, b)`` for a batch). These helpers find the definition a name refers to and move its
layer letter where it is used.

    >>> at_layer("y^{(l)}", "y^{(L)}"), retagged_name("x^{(l+1)}", ("l", "L", -1))
    (('l', 'L', 0), 'x^{(L)}')
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from symconv.check.context import Definition, DocumentContext
from symconv.check.document_gradients import canonical_name, layer_tag, tag_text
from symconv.check.symbols import name_key
from symconv.core.patterns import lazy_compile

__all__ = [
    "at_layer",
    "canonical_expr",
    "is_cost_name",
    "latest_definition",
    "layer_text",
    "name_key_of",
    "retagged",
    "retagged_name",
    "stem_and_rest",
]

_LAYER_SUPERSCRIPT = lazy_compile(r"\^\{\(([^()]*)\)\}")


def latest_definition(
    context: DocumentContext, name: str, order: int, scope: int, arity: int | None = None
) -> Definition | None:
    """The latest definition of ``name`` before ``order`` in section ``scope`` (or the
    preamble), else in any earlier section; with ``arity``, only a function of that many
    arguments (a name defined twice, ``J(W, b; Y, X)`` and ``J(W, b)``, is two functions). A
    layer tag is compared however it is written (``a^L`` is ``a^{(L)}``).

    >>> context = DocumentContext()
    >>> W, b, Y = sp.symbols("W b Y")
    >>> context.define("J", sp.Lambda((W, b, Y), Y**2), line=1, scope=1, order=1)
    >>> context.define("J", sp.Lambda((W, b), W), line=2, scope=1, order=2)
    >>> latest_definition(context, "J", 5, 2, arity=3).line
    1
    """
    key = name_key_of(name)

    def fits(definition: Definition) -> bool:
        if definition.order >= order or name_key_of(str(definition.symbol)) != key:
            return False
        value = definition.value
        return arity is None or (isinstance(value, sp.Lambda) and len(value.variables) == arity)

    candidates = [d for d in context.definitions if fits(d)]
    own = [d for d in candidates if d.scope in (scope, 0)]
    if own:
        return own[-1]
    return candidates[-1] if candidates else None


def name_key_of(name: str) -> str:
    """A name compared whatever way its layer tag is written: ``a^L``, ``a^{(L)}`` (as written,
    with its braces: ``h_{W,b}`` is not ``h_{W,c}``).

    >>> name_key_of("a^L") == name_key_of("a^{(L)}")
    True
    >>> name_key_of("h_{W,b}") == name_key_of("h_{W,c}")
    False
    """
    return name_key(canonical_name(name) if "^" in name else name)


def canonical_expr(expr: Any) -> Any:
    """``expr`` with each name and tensor spelled :func:`canonical_name`'s way (``y^l`` is
    ``y^{(l)}``)."""
    if not isinstance(expr, sp.Basic):
        return expr
    mapping: dict[Any, Any] = {}
    for base in expr.atoms(sp.IndexedBase):
        label = canonical_name(str(base.label))
        if label != str(base.label):
            mapping[base] = sp.IndexedBase(label)
    for symbol in expr.free_symbols:
        if isinstance(symbol, sp.Symbol):
            name = canonical_name(symbol.name)
            if name != symbol.name:
                mapping[symbol] = sp.Symbol(name)
    return expr.xreplace(mapping) if mapping else expr


def stem_and_rest(name: str) -> tuple[str, str] | None:
    """``("y", "_{j}")`` for ``y^{(l)}_{j}``: the name around its layer superscript."""
    match = _LAYER_SUPERSCRIPT.search(name)
    if match is None:
        return None
    return name[: match.start()], name[match.end() :]


def at_layer(pattern: str, name: str) -> tuple[str, str, int] | None:
    """How ``pattern`` (``y^{(l+1)}``, a layer letter) becomes ``name`` (``y^{(L)}``): the
    letter, the target letter ("" for a layer number) and the offset to add, or None."""
    pattern, name = canonical_name(pattern), canonical_name(name)
    theirs, mine = layer_tag(pattern), layer_tag(name)
    if theirs is None or mine is None or not theirs[0] or not theirs[0].islower():
        return None
    if stem_and_rest(pattern) is None or stem_and_rest(pattern) != stem_and_rest(name):
        return None
    return theirs[0], mine[0], mine[1] - theirs[1]


def retagged_name(name: str, moved: tuple[str, str, int]) -> str:
    """``name`` with its layer letter moved as :func:`at_layer` says (other tags kept)."""
    letter, target, offset = moved
    if not letter:
        return name
    canonical = canonical_name(name)
    tag = layer_tag(canonical)
    parts = stem_and_rest(canonical)
    if tag is None or tag[0] != letter or parts is None:
        return name
    stem, rest = parts
    return f"{stem}^{{({tag_text((target, offset + tag[1]))})}}{rest}"


def retagged(expr: sp.Expr, moved: tuple[str, str, int]) -> Any:
    """``expr`` with every name's layer letter moved as :func:`at_layer` says."""
    mapping: dict[Any, Any] = {}
    for symbol in expr.free_symbols:
        if isinstance(symbol, sp.Symbol):
            renamed = retagged_name(symbol.name, moved)
            if renamed != symbol.name:
                mapping[symbol] = sp.Symbol(renamed)
    for base in expr.atoms(sp.IndexedBase):
        renamed = retagged_name(str(base.label), moved)
        if renamed != str(base.label):
            mapping[base] = sp.IndexedBase(renamed)
    return expr.xreplace(mapping) if mapping else expr


def layer_text(name: str) -> str:
    """``L`` for ``y^{(L)}``: the layer a name is tagged with."""
    tag = layer_tag(canonical_name(name))
    return tag_text(tag) if tag is not None else name


#: The names a cost goes by (a stem, then any subscript or superscript): ``J``, ``L_i``, ``E``,
#: ``\\mathcal{L}``, ``\\ell``, ``MSE``, ``loss``.
_COST_NAME = lazy_compile(
    r"^(?:J|L|E|C|ell|mathcal[LJEC]|mathscr[LJ]|MSE|CE|BCE|loss|cost|Loss|Cost)(?:[_^].*)?$"
)


def is_cost_name(name: str) -> bool:
    """True if ``name`` is one a cost goes by (``J``, ``L``, ``\\mathcal{L}``, ``E_n``).

    >>> is_cost_name("J"), is_cost_name("\\\\mathcal{L}"), is_cost_name("E_{n}"), is_cost_name("z")
    (True, True, True, False)
    """
    return _COST_NAME.match(name_key(name)) is not None

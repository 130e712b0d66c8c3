"""Shape and cost facts stated in words, checked with the engine's shape arithmetic.

The sentence names the fact (:mod:`.phrases`); the formula's letters are read by their usual
roles (K a kernel size, D a dilation, S a stride, P a padding, N an input size, L a number of
layers) and the formula is compared, at positive-integer sizes, with the engine's:

* effective (dilated) kernel size: ``D(K − 1) + 1``
(:func:`symconv.sizes.shapes.dilated_kernel_extent`);
* padding that keeps the size (stride 1): ``2P = D(K − 1)``, i.e. ``P = (K_eff − 1)/2`` — with
  the document's own effective size if it stated one earlier (so the padding is judged under the
  writer's convention, and an error there is carried forward, not counted twice);
* output size: ``⌊(N + 2P − D(K − 1) − 1)/S⌋ + 1`` (:func:`symconv.sizes.shapes.conv_output_size`);
* receptive field of L stacked K-wide layers of stride 1: ``1 + L(K − 1)``
  (:func:`symconv.sizes.shapes.receptive_field`);
* each input of a k₁×k₂ average pool receives ``1/(k₁k₂)`` of the output's gradient.

A shape stated for a name (``$Z$ is $5 \\times 4$``) is compared with the problem's value of
that name (``given``) or the document's definition. A witness is a point in the sizes, typical
sizes first (K = 3, D = 2).

    >>> import sympy as sp
    >>> from symconv.check.context import NO_PROBLEM, DocumentContext
    >>> from symconv.check.model import Claim, LinkFacts, Origin
    >>> K, D, P = sp.symbols("K D P")
    >>> claim = Claim(53, 53, "", "definition", sides=(P, (K - 1) * (1 + D) / 2),
    ...               facts=LinkFacts("P", "", fact="padding"), origin=Origin(id=2, scope=1))
    >>> j = judge_fact(claim, DocumentContext(), NO_PROBLEM)
    >>> j.verdict, j.witness
    ('wrong', 'K = 3, D = 2: 3 ≠ 2')
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Mapping, Sequence
from typing import Any

import sympy as sp

from symconv.check.context import DocumentContext, ProblemContext, claim_id, claim_scope
from symconv.check.equality import Comparison, compare_at_points, evaluate
from symconv.check.judges.resolve import resolve
from symconv.check.judges.verdicts import right, unverified, wrong
from symconv.check.model import Claim, FactFacts, Judgement, ShapeFacts
from symconv.check.shown import format_value, show
from symconv.check.symbols import name_key
from symconv.core.safe import as_sympy

__all__ = ["ROLE_NAMES", "judge_fact", "judge_membership", "judge_shape", "roles_of"]

#: Letters by role (compared by name_key), per role the sizes tried first for a witness.
ROLE_NAMES: dict[str, frozenset[str]] = {
    "kernel": frozenset({"K", "k", "F", "K_h", "K_w", "k_h", "k_w", "K_1", "k_1"}),
    "dilation": frozenset({"D", "d", "r", "l"}),
    "stride": frozenset({"S", "s"}),
    "padding": frozenset({"P", "p"}),
    "input": frozenset({"N", "n", "W", "H", "I", "i", "W_in", "H_in", "N_in", "n_in", "L_in"}),
    "layers": frozenset({"L", "l", "n"}),
    "effective": frozenset({"K_eff", "k_eff", "K'", "k'", "hatK", "tildeK"}),
}
_TYPICAL: dict[str, tuple[int, ...]] = {
    "kernel": (3, 5, 2, 4, 1),
    "dilation": (2, 3, 1),
    "stride": (2, 1, 3),
    "padding": (1, 0, 2),
    "input": (7, 5, 8, 6, 32),
    "layers": (2, 3, 1),
    "effective": (3, 5, 7),
}
#: Which roles each fact's formula may use (in the order a witness names them).
_FACT_ROLES: dict[str, tuple[str, ...]] = {
    "effective kernel size": ("kernel", "dilation"),
    "padding": ("kernel", "dilation", "effective"),
    "output size": ("input", "kernel", "padding", "stride", "dilation"),
    "transposed output size": ("input", "kernel", "padding", "stride", "dilation"),
    "receptive field": ("layers", "kernel"),
}


def roles_of(symbols: Sequence[sp.Symbol], allowed: Sequence[str]) -> dict[str, sp.Symbol] | None:
    """Each symbol's role among ``allowed`` (None if a symbol has no role or two share one)."""
    found: dict[str, sp.Symbol] = {}
    for symbol in symbols:
        key = name_key(symbol.name).replace("{", "").replace("}", "")
        matches = [role for role in allowed if key in ROLE_NAMES[role] and role not in found]
        if not matches:
            return None
        found[matches[0]] = symbol
    return found


def _symbols(expr: Any) -> list[sp.Symbol]:
    return sorted(
        (s for s in getattr(expr, "free_symbols", set()) if isinstance(s, sp.Symbol)),
        key=lambda s: s.name,
    )


def _role_points(roles: Mapping[str, sp.Symbol], order: Sequence[str]) -> list[dict[Any, Any]]:
    ordered = [role for role in order if role in roles]
    grids = [_TYPICAL[role] for role in ordered]
    points = []
    for values in itertools.islice(itertools.product(*grids), 60):
        points.append({roles[role]: sp.Integer(v) for role, v in zip(ordered, values, strict=True)})
    return points


def _draw(roles: Mapping[str, sp.Symbol]) -> Any:
    def draw(rng: random.Random) -> Mapping[Any, Any]:
        return {symbol: sp.Integer(rng.randint(1, 12)) for symbol in roles.values()}

    return draw


def _compare(
    written: Any,
    expected: Any,
    roles: Mapping[str, sp.Symbol],
    order: Sequence[str],
    rng: random.Random,
    where: Any = None,
) -> Comparison:
    return compare_at_points(
        expected, written, list(roles.values()), rng,
        simple=_role_points(roles, order), draw=_draw(roles), where=where,
    )  # fmt: skip


def _integral(expr: Any) -> Any:
    """A filter: the points where ``expr`` is an integer."""

    def where(point: Mapping[Any, Any]) -> bool | None:
        value = evaluate(expr, point)
        return None if value is None else bool(getattr(value, "is_Integer", False))

    return where


# ----------------------------------------------------------------------------------------------
# Facts
# ----------------------------------------------------------------------------------------------
def judge_fact(claim: Claim, context: DocumentContext, problem: ProblemContext) -> Judgement | None:
    """Judge a shape/cost fact the sentence names (None if it names none judged here)."""
    from symconv.check.judges.conv_words import judge_conv_words

    worded = judge_conv_words(claim)  # a fact of convolution arithmetic read from words
    if worded is not None:
        return worded
    fact = claim.fact
    if fact is None or not claim.sides:
        return None
    written = claim.sides[-1]
    if fact == "average pooling gradient":
        return _average_pool(claim, written)
    if fact not in _FACT_ROLES:
        return None
    if isinstance(written, sp.Basic) and written.is_number:
        return _numeric_fact(claim, context, fact, written)
    symbols = _symbols(written)
    roles = roles_of(symbols, _FACT_ROLES[fact])
    if roles is None:
        names = ", ".join(s.name for s in symbols)
        return unverified(claim, f"the letters {names} of this {fact} formula have no known role")
    expected, basis = _expected(fact, roles, claim, context)
    if expected is None:
        return unverified(claim, basis)
    rng = context.rng_for(claim.line, claim.text)
    comparison = _compare(written, expected, roles, _FACT_ROLES[fact], rng)
    warnings = _carried(basis, context, claim)
    floorless = not written.has(sp.floor, sp.ceiling)
    if comparison.equal is False and fact == "output size" and floorless:
        # (W − F + 2P)/S + 1, the textbook form without a floor, assumes S divides W − F + 2P:
        # it is right where it is an integer.
        exact = _compare(written, expected, roles, _FACT_ROLES[fact], rng, where=_integral(written))
        if exact.equal:
            return right(
                claim,
                f"the {fact} is {show(expected)}; yours agrees wherever the division is exact",
                warnings=(*warnings, f"without a floor it is not a size at {comparison.witness()}"),
            )
    if comparison.equal is None:
        return unverified(claim, comparison.reason)
    if comparison.equal:
        return right(claim, f"the {fact} is {show(expected)}{basis}", warnings=warnings)
    return wrong(
        claim,
        f"the {fact} is {show(expected)}{basis}; yours differs at {comparison.witness()}",
        expected=expected,
        witness=comparison.witness(),
        warnings=warnings,
    )


def _carried(basis: str, context: DocumentContext, claim: Claim) -> tuple[str, ...]:
    """The warning for a fact judged under an earlier line of the writer that was wrong."""
    match = re.search(r"from your line (\d+)", basis)
    if match is None:
        return ()
    line = int(match.group(1))
    for earlier in context.claims_before(order=claim_id(claim), scope=claim_scope(claim)):
        if earlier.line == line and context.verdict_of(claim_id(earlier)) == "wrong":
            return (f"consistent with your line {line} (error carried forward)",)
    return ()


def _expected(
    fact: str, roles: Mapping[str, sp.Symbol], claim: Claim, context: DocumentContext
) -> tuple[Any, str]:
    """The engine's formula for ``fact`` in the writer's letters, and what it rests on."""
    from symconv.sizes.shapes import conv_output_size, dilated_kernel_extent, same_padding

    k = roles.get("kernel")
    d = roles.get("dilation", sp.Integer(1))
    if fact == "effective kernel size":
        if k is None:
            return None, "an effective kernel size without a kernel size"
        return sp.expand(_engine(dilated_kernel_extent, k, d)), ""
    if fact == "padding":
        effective = roles.get("effective")
        if effective is not None:
            return (effective - 1) / 2, " (P = (K_eff − 1)/2 keeps the size at stride 1)"
        if k is None:
            return None, "a padding formula without a kernel size"
        stated = _stated_effective(claim, context, k, d)
        if stated is not None:
            # o = i + 2P − (K_eff − 1) at stride 1 (Dumoulin & Visin, relationship 15): the
            # size is kept when 2P = K_eff − 1, with the writer's own K_eff.
            value, line = stated
            return (
                sp.factor((value - 1) / 2),
                f" (2P = K_eff − 1 keeps the size at stride 1, with K_eff = {show(value)} "
                f"from your line {line})",
            )
        return sp.factor(_engine(same_padding, k, d)), " (2P = D(K − 1) keeps the size at stride 1)"
    if fact == "output size":
        n = roles.get("input")
        if n is None or k is None:
            return None, "an output size formula needs an input and a kernel size"
        s, p = roles.get("stride", sp.Integer(1)), roles.get("padding", sp.Integer(0))
        return _engine(conv_output_size, n, k, s, p, d), ""
    if fact == "transposed output size":
        from symconv.sizes.shapes import transposed_output_size

        n = roles.get("input")
        if n is None or k is None:
            return None, "a transposed convolution's output size needs an input and a kernel size"
        s, p = roles.get("stride", sp.Integer(1)), roles.get("padding", sp.Integer(0))
        # o' = s(i' − 1) − 2p + d(k − 1) + 1 (Dumoulin & Visin 2016, relationship 14; PyTorch's
        # ConvTranspose without output_padding)
        return _engine(transposed_output_size, n, k, s, p, d), " (a transposed convolution)"
    if fact == "receptive field":
        layers = roles.get("layers")
        if layers is None or k is None:
            return None, "a receptive field formula needs a number of layers and a kernel size"
        # r_L = r_{L-1} + (K − 1) at stride 1 (each layer widens the field by K − 1), r_0 = 1;
        # the engine's receptive_field takes a list of layers, so a symbolic count is summed here.
        return 1 + layers * (k - 1), " (stride 1)"
    return None, f"no formula for the {fact}"


def _engine(function: Any, *sizes: Any) -> Any:
    """The engine's closed form in the writer's letters: the engine takes integer sizes, so each
    letter goes in as an integer symbol of its name and comes back as the writer's symbol."""
    surrogates: dict[Any, Any] = {}
    arguments = []
    for size in sizes:
        if isinstance(size, sp.Symbol):
            surrogate = sp.Symbol(size.name, integer=True, positive=True)
            surrogates[surrogate] = size
            arguments.append(surrogate)
        else:
            arguments.append(size)
    return as_sympy(function(*arguments).answer).xreplace(surrogates)


def _stated_effective(
    claim: Claim, context: DocumentContext, k: sp.Symbol, d: Any
) -> tuple[Any, int] | None:
    """The effective kernel size the document stated earlier in this section (in K, D)."""
    earlier = context.claims_before(order=claim_id(claim), scope=claim_scope(claim))
    for previous in reversed(earlier):
        if previous.fact == "effective kernel size" and previous.sides:
            value = previous.sides[-1]
            if set(_symbols(value)) <= {k, d}:
                return value, previous.line
    return None


def _numeric_fact(
    claim: Claim, context: DocumentContext, fact: str, written: Any
) -> Judgement | None:
    """A number stated for a fact whose sizes the document defined (K = 3, D = 2 earlier)."""
    defined: dict[str, Any] = {}
    for definition in context.definitions_before(order=claim_id(claim), scope=claim_scope(claim)):
        symbol = sp.Symbol(definition.name)
        role = roles_of([symbol], _FACT_ROLES[fact])
        if role and isinstance(definition.value, sp.Integer):
            defined.update({r: (s, definition.value) for r, s in role.items()})
    if "kernel" not in defined:
        return None
    roles = {r: s for r, (s, _) in defined.items()}
    expected, basis = _expected(fact, roles, claim, context)
    if expected is None:
        return None
    value = as_sympy(expected).xreplace({s: v for s, v in defined.values()})
    if not value.is_number:
        return None
    sizes = ", ".join(f"{s} = {v}" for s, v in defined.values())
    if value == written:
        return right(claim, f"the {fact} for {sizes} is {format_value(value)}{basis}")
    return wrong(
        claim,
        f"the {fact} for {sizes} is {format_value(value)}, not {format_value(written)}{basis}",
        expected=value,
    )


def _average_pool(claim: Claim, written: Any) -> Judgement | None:
    sizes = None
    stated = claim.facts.sentence_values if isinstance(claim.facts, FactFacts) else ()
    for _, value, factors in stated:
        if factors is not None and all(isinstance(f, sp.Integer) and f > 0 for f in factors):
            sizes = tuple(int(f) for f in factors)
            break
        if isinstance(value, sp.Integer) and value > 1 and value != written:
            sizes = (int(value), int(value))
    if sizes is None or not (isinstance(written, sp.Basic) and written.is_number):
        return None
    # y = (1/|window|) Σ_{window} x, so ∂y/∂x = 1/|window| for each input in the window.
    share = sp.Rational(1, int(sp.prod(sizes)))
    window = "×".join(map(str, sizes))
    if written == share:
        return right(
            claim,
            f"a {window} average pool passes 1/{sp.prod(sizes)} of the gradient to each input",
        )
    return wrong(
        claim,
        f"a {window} average pool passes {format_value(share)} of the gradient to each input, "
        f"not {format_value(written)}",
        expected=share,
    )


# ----------------------------------------------------------------------------------------------
# Shapes and memberships
# ----------------------------------------------------------------------------------------------
def judge_shape(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> Judgement | None:
    """A shape stated for names the problem or the document gives values to."""
    if not isinstance(claim.facts, ShapeFacts) or not claim.facts.subjects:
        return None
    shape, subjects = claim.facts.shape, claim.facts.subjects
    written = tuple(as_sympy(s) for s in shape)
    for name in subjects:
        value = problem.given_value(name)
        if value is None:
            value = context.value_of(
                sp.Symbol(name), order=claim_id(claim), scope=claim_scope(claim)
            )
        actual = getattr(value, "shape", None)
        if actual is None:
            return None
        actual = tuple(sp.Integer(a) for a in actual)
        if actual != written:
            return wrong(
                claim,
                f"{name} has shape {' × '.join(map(str, actual))}, not "
                f"{' × '.join(map(str, written))}",
                expected=sp.Tuple(*actual),
            )
    names = " and ".join(subjects)
    return right(claim, f"{names}: shape {' × '.join(map(str, written))}")


def judge_membership(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> Judgement | None:
    """``k_1 ∈ \\{0, 1\\}``: a range stated for an index; judged only when it is a number."""
    if claim.relation not in ("∈", "∉") or len(claim.sides) != 2:
        return None
    element, _ = resolve(claim.sides[0], claim, context, problem)
    collection = claim.sides[1]
    if not (isinstance(element, sp.Basic) and element.is_number):
        return None
    if not isinstance(collection, sp.Set):
        return None
    inside = bool(collection.contains(element))
    holds = inside if claim.relation == "∈" else not inside
    text = f"{format_value(element)} {claim.relation} {show(collection)}"
    return right(claim, f"{text} holds") if holds else wrong(claim, f"{text} does not hold")

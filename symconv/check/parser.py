"""Read LaTeX math as this field writes it, into SymPy: the checker's front end.

General LaTeX parsers misread homework notation (``5.89824e9`` as e·9, ``U`` lower-cased, a bracket
index dropped), so symconv owns its grammar (``latex_grammar.lark``, LALR) and its meaning
(:mod:`symconv.check.builder`). User text is never evaluated as code.

    >>> result = parse_math(r"3 \\times 3 \\times 10 \\times 20 + 10 = 1810")
    >>> chain = result.single()
    >>> chain.relations, chain.sides[0].expr, chain.sides[1].expr
    (('=',), 1810, 1810)

Each link of a chain is one claim; a continuation row of an ``aligned`` block has no left side:

    >>> [(link.lhs.text if link.lhs else None, link.relation, link.rhs.text)
    ...  for link in parse_math(r"&= f(t) + h \\approx f(t)").single().links()]
    [(None, '=', 'f(t) + h'), ('f(t) + h', '≈', 'f(t)')]

Numbers are exact, indexing is ``Indexed``, derivatives of a loss are gradient entries:

    >>> parse_expression(r"5.89824 \\times 10^{9}"), parse_expression("5{,}898{,}240{,}000")
    (5898240000, 5898240000)
    >>> parse_expression(r"\\sum_{k=0}^{K-1} W[k] X[j+k]")
    Sum(W[k]*X[j + k], (k, 0, K - 1))
    >>> parse_expression(r"\\frac{\\partial J}{\\partial W[k_1,k_2,n,m]}")
    ∂J/∂W[k_1, k_2, n, m]
    >>> parse_expression(r"e^{-z}"), parse_expression(r"\\sigma'(z)")
    (exp(-z), Derivative(sigma(z), z))

``x(t+1)`` is an application only if ``x`` is known to be a function; otherwise both readings
are returned, with a message:

    >>> statement = parse_math("y = x(t+1)").statements[0]
    >>> type(statement).__name__, [r.sides[1].expr for r in statement.readings]
    ('Ambiguous', [x(t + 1), x*(t + 1)])
    >>> parse_expression("x(t+1)", symbols=SymbolTable.declare(functions="x"))
    x(t + 1)

A shape is read on request: ``46 \\times 62 \\times 10`` is 28520 as a product, (46, 62, 10) as
a shape:

    >>> parse_shape(r"46 \\times 62 \\times 10"), parse_shape("(B, N, C)")
    ((46, 62, 10), (B, N, C))
    >>> parse_shape(r"[5\\times4]")
    (5, 4)

Bad input raises :class:`ParseError` (with the column and what was expected), never another
exception; input that is too long or nested too deep is refused before parsing:

    >>> parse_math(r"\\frac{1}{2")
    Traceback (most recent call last):
    ...
    symconv.errors.ParseError: '\\\\frac{1}{2' ends too early (column 11); expected '}'
    >>> parse_math("a = (b + c")
    Traceback (most recent call last):
    ...
    symconv.errors.ParseError: 'a = (b + c' ends too early (column 11); expected one of ')', ']'
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from symconv.check.limits import time_limit
from symconv.check.parsed import Ambiguous, Chain, MathParse, Side, Statement
from symconv.check.refusals import SYMPY_REFUSALS, raised_by_sympy
from symconv.check.symbols import SymbolTable
from symconv.errors import ParseError, ReadTimeLimitError, SymconvError, TimeLimitError

__all__ = [
    "Ambiguous",
    "Chain",
    "MathParse",
    "ParseError",
    "Side",
    "SymbolTable",
    "parse_expression",
    "parse_math",
    "parse_shape",
]

#: Passes over a segment: a later pass reads earlier statements with what later ones showed
#: (``x(t+h) = x(t) + h x'(t)``: the prime shows that x is a function).
_MAX_PASSES = 3


def parse_math(
    text: str, *, symbols: SymbolTable | None = None, seconds: float | None = None
) -> MathParse:
    """Parse one math segment (the inside of ``$...$``, ``$$...$$``, a row of ``aligned``).

    ``symbols`` declares what names are (functions, tensors, scalars, operators); names that the
    segment itself shows to be functions or tensors are used for the whole segment, and
    reported in the result (``.functions``, ``.tensors``) for the caller to carry forward.
    ``seconds`` bounds the reading: SymPy evaluates as it builds (the ceiling of ``exp(10^{30})``
    asks for its integer part, 10^30 digits), so a segment that takes longer is a
    :class:`ParseError` and its claims are *unverified*, while the rest of the file is read.
    """
    table = symbols if symbols is not None else SymbolTable()
    try:
        if seconds is None:
            return _parse(text, table)
        with time_limit(seconds, "reading the formula"):
            return _parse(text, table)
    except TimeLimitError:
        if seconds is None:
            raise  # an outer limit (the claim's): not this reading's
        raise ReadTimeLimitError(
            f"reading {_shortened(text)!r} took longer than its limit of {seconds:g} s"
            " (SymPy evaluates as it reads: a number too large to compute with?)"
        ) from None
    except SymconvError:
        raise
    except RecursionError:
        raise ParseError(f"{text[:60]!r}...: nested too deep to read") from None
    except SYMPY_REFUSALS as error:  # SymPy refusing odd input is still bad input; a bug is not
        if not raised_by_sympy(error):
            raise
        raise ParseError(f"could not read {text!r}: {type(error).__name__}: {error}") from None


def _meanings(parsed: MathParse) -> list[Any]:
    """What each statement of a reading says: its relations and the value of each side."""
    found: list[Any] = []
    for statement in parsed.statements:
        chains = statement.readings if isinstance(statement, Ambiguous) else (statement,)
        for chain in chains:
            found.append((chain.relations, [s.expr if s else None for s in chain.sides]))
    return found


def _shortened(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _parse(text: str, table: SymbolTable) -> MathParse:
    from symconv.check.builder import Builder
    from symconv.check.grammar import (
        differential_outside_a_derivative,
        normalise_primes,
        parse_tree,
        struck_readings,
    )
    from symconv.check.magnitudes import as_powers

    if differential_outside_a_derivative(text):
        # an upright d is the differential: d(x^2) = 2x dx is not a product with a number d
        raise ParseError("a relation between differentials (an upright d): not checked")

    struck = struck_readings(text)
    if struck is not None:
        # a struck-out term (\cancel{…}) is read both ways, kept and left out: the formula is
        # read only when the two agree (a valid cancellation), never by guessing which is meant
        kept, removed = (_parse(reading, table) for reading in struck)
        if _meanings(kept) != _meanings(removed):
            raise ParseError(
                "a struck-out term (\\cancel): with it and without it the formula says "
                "different things, so which is meant is not clear"
            )
        return kept

    # same length: columns stay those of the text as written
    from symconv.check.read_names import index_words

    text = as_powers(normalise_primes(text))
    tree = parse_tree(text)
    # ch of W_{f,ch,r,c}: one index name in this formula too (the document's are in the table)
    words = index_words([text]) - table.index_words
    if words:
        table = table.merged(SymbolTable(index_words=words))
    entries = _statement_trees(tree.children[0])
    evidence: set[str] = set()
    for _ in range(_MAX_PASSES):
        builder = Builder(text, table, evidence=evidence)
        built = []
        for chain_tree, lead, row_lead in entries:
            before = set(builder.ambiguities)
            chain = replace(builder.chain(chain_tree, row_lead), lead=lead)
            built.append((chain, set(builder.ambiguities) - before))
        if not (builder.found - evidence) & builder.missing:
            break
        evidence = evidence | builder.found
    statements: list[Statement] = []
    for (chain_tree, lead, row_lead), (chain, keys) in zip(entries, built, strict=True):
        if not keys:
            statements.append(chain)
            continue
        other = Builder(text, table, choices=dict.fromkeys(keys, 1), evidence=evidence)
        alternative = replace(other.chain(chain_tree, row_lead), lead=lead)
        message = "; ".join(builder.ambiguities[key] for key in sorted(keys))
        statements.append(
            Ambiguous((chain, alternative), message, chain.text, chain.start, chain.end, lead)
        )
    found = builder.found
    return MathParse(
        text=text,
        statements=tuple(statements),
        functions=frozenset(e.split(":", 1)[1] for e in found if e.startswith("function:")),
        tensors=frozenset(e.split(":", 1)[1] for e in found if e.startswith("tensor:")),
        operators=frozenset(e.split(":", 1)[1] for e in found if e.startswith("operator:")),
        matrices=tuple(builder.matrices),
    )


def _statement_trees(content: Any) -> list[tuple[Any, str | None, str | None]]:
    """The chains of a segment, each with the separator text written before it, and the part
    of it written on the chain's own row (after the last ``\\\\``): a row's label is what
    starts its row (``a = 1 \\\\ \\text{value} &= 6`` names its second row, as the row alone
    would), while the lead keeps the reason before the break (``&& \\text{by the chain
    rule} \\\\ &= c``)."""
    entries: list[tuple[Any, str | None, str | None]] = []
    separators: list[str] = []
    on_row: list[str] = []
    for child in content.children:
        if hasattr(child, "data"):
            lead = " ".join(separators).strip() or None
            entries.append((child, lead, " ".join(on_row).strip() or None))
            separators = []
            on_row = []
        else:
            separators.append(str(child))
            on_row = [] if child.type == "NEW_ROW" else [*on_row, str(child)]
    return entries


def parse_expression(text: str, *, symbols: SymbolTable | None = None) -> Any:
    """The meaning of a single expression (no relation); :class:`ParseError` otherwise,
    including when it is ambiguous (the message says how to decide)."""
    chain = parse_math(text, symbols=symbols).single()
    if len(chain.sides) != 1 or chain.sides[0] is None:
        raise ParseError(f"{text!r} is a relation, not an expression")
    return chain.sides[0].expr


def parse_shape(text: str, *, symbols: SymbolTable | None = None) -> tuple[Any, ...]:
    """``text`` read as a shape: a tuple ``(B, N, C)`` or sizes joined by ``\\times``."""
    side = _only_side(text, symbols)
    shape = side.as_shape()
    if shape is None:
        raise ParseError(f"{text!r} is not a shape: expected (a, b, c) or a \\times b \\times c")
    return shape


def _only_side(text: str, symbols: SymbolTable | None) -> Side:
    chain = parse_math(text, symbols=symbols).single()
    if len(chain.sides) != 1 or chain.sides[0] is None:
        raise ParseError(f"{text!r} is a relation, not an expression")
    return chain.sides[0]

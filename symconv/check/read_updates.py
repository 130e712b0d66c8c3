"""Update rules: a parameter assigned from itself, read as claims of their own.

Training writes the same statement many ways: ``w \\leftarrow w - \\eta \\frac{\\partial
L}{\\partial w}``, ``\\theta := \\theta - \\alpha \\nabla_\\theta J(\\theta)``, ``W^l_{ji} =
W^l_{ji} - \\eta \\frac{\\partial}{\\partial W_{ji}} J(W, b)`` (an assignment written with
``=``: as an equation it would say the gradient is 0), ``p_{n+1} = p_n - \\eta \\nabla
F(p_n)`` (an iteration: the next iterate from the current one), ``w \\mathrel{-}= \\eta
\\nabla_w L``. :func:`update_statements` finds them in a document's math: the statement's one
assignment (``\\leftarrow``, ``\\gets``, ``←``, ``:=``, ``\\coloneqq``, ``-=``, ``+=``, or
``=`` between a name and an expression that starts from it), the right side split into the
value it starts from and the rest, and the rest, when it is one derivative times a coefficient,
into the step and the derivative (:class:`~symconv.check.model.UpdateFacts`). Only a statement
whose right side differentiates something is read (``h \\leftarrow h \\cdot g`` is not an
update of this kind); ``∇F(p)`` is the gradient of ``F`` at ``p`` (``F`` applied), whatever the
symbol table says of ``F`` elsewhere.

The words of the section before the statement and of its paragraph say which way the update
goes: *minimise*, *gradient descent*, *梯度下降* (``"descent"``), *maximise*, *gradient ascent*
(``"ascent"``); words for both, or neither, say nothing. :func:`add_update_claims` makes each
statement a claim of kind ``update`` in place of what the reading made of the same math (an
unparsed ``\\leftarrow``, an index formula, a definition that was not a claim); it is judged by
:mod:`symconv.check.judges.updates`.

    >>> from symconv.check.markdown import split_document
    >>> doc = "We minimise $L$ by gradient descent:\\n\\n$$w \\\\leftarrow w - \\\\eta " \\
    ...       "\\\\frac{\\\\partial L}{\\\\partial w}$$\\n"
    >>> (found,) = update_statements(split_document(doc))
    >>> facts = found.facts
    >>> found.line, facts.operator, facts.target, facts.step, facts.objective, facts.direction
    (3, '←', w, -eta, 'L', 'descent')
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symconv.check import nodes
from symconv.check.claim_places import ClaimPlacer, origin_before
from symconv.check.context import DocumentContext
from symconv.check.lines import heading_level
from symconv.check.markdown import Segment
from symconv.check.model import Claim, ClaimKind, Origin, UpdateFacts
from symconv.check.parser import parse_expression
from symconv.check.symbols import SymbolTable, name_key
from symconv.core.patterns import TextPattern, lazy_compile
from symconv.errors import ParseError

__all__ = [
    "UpdateStatement",
    "add_update_claims",
    "same_parameter",
    "update_statements",
]


@dataclass(frozen=True)
class UpdateStatement:
    """An update rule found in math segment ``segment``: its lines, its text and its reading."""

    segment: int
    line: int
    end_line: int
    text: str
    facts: UpdateFacts


# ----------------------------------------------------------------------------------------------
# Finding the assignment
# ----------------------------------------------------------------------------------------------
#: Assignment operators, longest first; each with the name it is reported by.
_ASSIGNMENTS: tuple[tuple[str, str], ...] = (
    (r"\longleftarrow", "←"),
    (r"\leftarrow", "←"),
    (r"\gets", "←"),
    ("\u27f5", "←"),
    ("\u2190", "←"),
    (r"\coloneqq", ":="),
    (":=", ":="),
    (r"\mathrel{-}=", "-="),
    (r"\mathrel{+}=", "+="),
    ("-=", "-="),
    ("+=", "+="),
    ("=", "="),
)
#: What separates statements written side by side in one display.
_SEPARATOR = lazy_compile(r"\\\\|(?<!\\);|\\q?quad\b|\\text\s*\{[^{}]*\}")
#: Characters after ``=`` or before it that make it another relation (``\le``: a command).
_NOT_ASSIGNMENT = lazy_compile(r"[<>!=]$")


def _top_level_spans(text: str, pattern: TextPattern) -> list[tuple[int, int]]:
    """Where ``pattern`` matches ``text`` outside braces, brackets and parentheses."""
    depth = [0] * (len(text) + 1)
    level = 0
    for position, char in enumerate(text):
        depth[position] = level
        if char in "{[(":
            level += 1
        elif char in "}])":
            level = max(0, level - 1)
    depth[len(text)] = level
    return [m.span() for m in pattern.finditer(text) if depth[m.start()] == 0]


def _pieces(text: str) -> list[tuple[int, str]]:
    """The statements of a display, each with its offset: split at ``\\\\``, ``;``, ``\\quad``,
    words in ``\\text{…}``, and at a top-level ``,`` that a second assignment follows."""
    cuts = _top_level_spans(text, _SEPARATOR)
    pieces: list[tuple[int, str]] = []
    start = 0
    for begin, end in [*cuts, (len(text), len(text))]:
        piece = text[start:begin]
        pieces.extend(_comma_pieces(piece, start))
        start = end
    return [(offset, piece) for offset, piece in pieces if piece.strip()]


def _comma_pieces(text: str, offset: int) -> list[tuple[int, str]]:
    """``w \\leftarrow …, b \\leftarrow …``: a comma at the top level before another assignment
    ends a statement (a comma inside ``J(W, b)`` never does)."""
    commas = [span[0] for span in _top_level_spans(text, re.compile(","))]
    pieces: list[tuple[int, str]] = []
    start = 0
    for comma in commas:
        if _assignment(text[start:comma]) is not None and _assignment(text[comma + 1 :]):
            pieces.append((offset + start, text[start:comma]))
            start = comma + 1
    pieces.append((offset + start, text[start:]))
    return pieces


def _assignment(text: str) -> tuple[str, str, str] | None:
    """``(left, operator, right)`` if ``text`` holds exactly one relation and it assigns."""
    found: list[tuple[int, int, str]] = []
    taken = [False] * len(text)
    for written, name in _ASSIGNMENTS:
        after = r"(?![A-Za-z])" if written[-1].isalpha() else ""
        pattern = re.compile(re.escape(written) + after)
        for start, end in _top_level_spans(text, pattern):
            if any(taken[start:end]):
                continue
            if name == "=" and _NOT_ASSIGNMENT.search(text[:start]):
                continue
            found.append((start, end, name))
            for position in range(start, end):
                taken[position] = True
    if len(found) != 1 or re.search(r"\\(?:approx|neq?|le|ge|leq|geq|equiv|sim)\b|[<>≈≠≤≥]", text):
        return None
    start, end, name = found[0]
    left, right = text[:start].strip(" &"), text[end:].strip(" &,.")
    if not left or not right:
        return None
    return left, name, right


# ----------------------------------------------------------------------------------------------
# Reading the two sides
# ----------------------------------------------------------------------------------------------
_DERIVATIVES = (sp.Derivative, nodes.Partial, nodes.Nabla)
#: A name applied to parentheses: ``F(p_n)``, ``J(W, b; Y, X)``, ``\mathcal{L}(w)``.
_APPLIED = lazy_compile(
    r"(?<![A-Za-z\\])(\\mathcal\s*\{\s*[A-Za-z]\s*\}|\\(?:"
    r"alpha|beta|gamma|delta|epsilon|zeta|eta|theta|iota|kappa|lambda|mu|nu|xi|pi|rho|sigma|tau"
    r"|phi|chi|psi|omega|Gamma|Delta|Theta|Lambda|Xi|Pi|Sigma|Phi|Psi|Omega|ell)|[A-Za-z])"
    r"\s*(?:_\s*(?:\{[^{}]*\}|[A-Za-z0-9]))?\s*\("
)


def _parse(text: str, functions: frozenset[str]) -> Any:
    table = SymbolTable.declare(functions=functions) if functions else None
    return parse_expression(text, symbols=table)


def _applied_names(text: str) -> frozenset[str]:
    """The names applied to parentheses in ``text`` (in an update rule: functions of the
    parameters, ``∇F(p_n)``, ``\\frac{\\partial}{\\partial w} E(w)``)."""
    names = set()
    for match in _APPLIED.finditer(text):
        name = re.sub(r"\\mathcal\s*\{\s*([A-Za-z])\s*\}", r"\\mathcal{\1}", match.group(1))
        names.add(name)
    return frozenset(names)


def _sides(left: str, right: str) -> tuple[Any, Any] | None:
    """Both sides parsed; a right side ambiguous as written is read again with the names it
    applies to parentheses as functions (what they are on the right of an update)."""
    try:
        return _parse(left, frozenset()), _parse(right, frozenset())
    except ParseError:
        pass
    functions = _applied_names(right)
    if not functions:
        return None
    try:
        return _parse(left, functions), _parse(right, functions)
    except ParseError:
        return None


def parameter_key(expr: Any) -> tuple[str, tuple[Any, ...]] | None:
    """What names a parameter, for comparison: its name with a layer superscript written any
    way (``W^{(l)}``, ``W^{[l]}``, ``W^l`` — also ``W^k_{rs}``, which the parser reads as a
    power of ``W_{rs}``) and its indices.

    >>> W = sp.IndexedBase("W^{(l)}")
    >>> parameter_key(W[sp.Symbol("j"), sp.Symbol("i")])
    ('W^l', (j, i))
    >>> parameter_key(sp.Symbol("W^{[l]}")) == parameter_key(sp.Symbol("W^{l}"))
    True
    """
    if isinstance(expr, sp.Pow) and isinstance(expr.exp, sp.Symbol):
        inner = parameter_key(expr.base)
        if inner is None or "^" in inner[0]:
            return None
        return f"{inner[0]}^{name_key(expr.exp.name)}", inner[1]
    if isinstance(expr, sp.Indexed):
        return _layer_free(str(expr.base.label)), tuple(expr.indices)
    if isinstance(expr, sp.Symbol):
        return _layer_free(expr.name), ()
    return None


def _layer_free(name: str) -> str:
    """``W^{(l)}`` → ``W^l``: brackets around a superscript are notation, not a power."""
    key = name_key(name)
    return re.sub(r"\^[(\[]([^()\[\]]*)[)\]]", r"^\1", key)


def same_parameter(one: Any, other: Any) -> bool:
    """True if two expressions name the same parameter (:func:`parameter_key`).

    >>> same_parameter(sp.Symbol("W^{(l)}"), sp.Symbol("W^{l}"))
    True
    >>> same_parameter(sp.Symbol("w"), sp.Symbol("b"))
    False
    """
    key = parameter_key(one)
    return key is not None and key == parameter_key(other)


def _iterate_of(target: Any, term: Any) -> bool:
    """True if ``target`` is the next iterate of ``term``: ``p_{n+1}`` of ``p_n``,
    ``w^{(t+1)}`` of ``w^{(t)}``."""
    if isinstance(target, sp.Indexed) and isinstance(term, sp.Indexed):
        if _layer_free(str(target.base.label)) != _layer_free(str(term.base.label)):
            return False
        if len(target.indices) != len(term.indices) or not target.indices:
            return False
        if target.indices[:-1] != term.indices[:-1]:
            return False
        return sp.simplify(target.indices[-1] - term.indices[-1]) == 1
    if isinstance(target, sp.Symbol) and isinstance(term, sp.Symbol):
        after, before = _superscript(target.name), _superscript(term.name)
        if after is None or before is None or after[0] != before[0]:
            return False
        return after[1].replace(" ", "") in (f"{before[1]}+1", f"1+{before[1]}")
    return False


def _superscript(name: str) -> tuple[str, str] | None:
    """``w^{(t+1)}`` → ``("w", "t+1")``."""
    match = re.fullmatch(r"(.+?)\^[{]?[(\[]?([^(){}\[\]]+)[)\]]?[}]?", name_key(name))
    return (match.group(1), match.group(2)) if match else None


def _terms(expr: Any) -> tuple[Any, ...]:
    return tuple(expr.args) if isinstance(expr, sp.Add) else (expr,)


def _current(target: Any, right: Any, operator: str) -> tuple[Any, Any] | None:
    """The value the update starts from and the rest of the right side, or None."""
    if operator == "-=":
        return target, -right
    if operator in ("+=", "Δ="):
        return target, right
    for term in _terms(right):
        if same_parameter(term, target) or _iterate_of(target, term):
            return term, right - term
    return None


#: The label of an entry of a gradient tensor, ``∂J/∂W`` (``\\frac{\\partial J}{\\partial
#: W_{ij}}`` is read as the entry ``(i, j)`` of the tensor ∂J/∂W).
_GRADIENT_LABEL = lazy_compile(r"∂(.+)/∂(.+)")


def _gradient_entries(expr: Any) -> set[Any]:
    return {
        atom
        for atom in expr.atoms(sp.Indexed)
        if _GRADIENT_LABEL.fullmatch(str(atom.base.label)) is not None
    }


def _derivative_term(rest: Any) -> tuple[Any, Any] | None:
    """``rest = step · D`` with one derivative ``D``: ``(step, D)``, else None."""
    if not isinstance(rest, sp.Expr):
        return None
    found = [atom for atom in rest.atoms(*_DERIVATIVES) if not _inside_derivative(atom, rest)]
    found += sorted(_gradient_entries(rest), key=str)
    if len(found) != 1:
        return None
    derivative = found[0]
    # the derivative as an opaque symbol (SymPy would evaluate ∂C/∂θ of a bare symbol C to 0)
    term = sp.Dummy("derivative")
    linear = sp.expand(rest.xreplace({derivative: term}))
    step = sp.expand(linear.coeff(term, 1))
    if step == 0 or step.has(term) or sp.expand(linear - step * term) != 0:
        return None
    if step.has(*_DERIVATIVES) or _gradient_entries(step):
        return None
    return sp.factor(step), derivative


def _inside_derivative(atom: Any, expr: Any) -> bool:
    """True if ``atom`` only appears inside another derivative of ``expr``."""
    return any(other is not atom and other.has(atom) for other in expr.atoms(*_DERIVATIVES))


def _objective(derivative: Any) -> tuple[str | None, Any, Any]:
    """``(name of what is differentiated, with respect to, at)`` of a derivative."""
    if isinstance(derivative, sp.Indexed):  # an entry of the gradient tensor ∂J/∂W
        label = _GRADIENT_LABEL.fullmatch(str(derivative.base.label))
        if label is None:
            return None, None, None
        return label.group(1), sp.IndexedBase(label.group(2))[derivative.indices], None
    if isinstance(derivative, sp.Derivative):
        of, variables = derivative.expr, tuple(v for v, _ in derivative.variable_count)
    elif isinstance(derivative, nodes.Partial):
        of, variables = derivative.args[0], tuple(derivative.args[1:])
    else:  # Nabla(operand, power, *wrt)
        of, variables = derivative.args[0], tuple(derivative.args[2:])
        if derivative.args[1] != 1:
            return None, None, None
    variable = variables[0] if len(variables) == 1 else None
    point = None
    if isinstance(of, AppliedUndef):
        name = str(of.func.__name__)
        point = of.args[0] if len(of.args) == 1 else None
    elif isinstance(of, sp.Indexed):
        name = str(of.base.label)  # J(W, b; Y, X) read as J indexed by its arguments
    elif isinstance(of, sp.Symbol):
        name = of.name
    else:
        return None, variable, None
    return name, variable, point


_FONT_OR_SPACE = lazy_compile(r"\\(?:vec|mathbf|boldsymbol|bm|mathrm|mathit|left|right)\b|[{}\s(]")


def _first_letter(text: str) -> str:
    """The letter (or Greek command) a side starts with, fonts and braces aside."""
    match = re.match(r"\\[A-Za-z]+|[^\W\d_]", _FONT_OR_SPACE.sub("", text))
    return match.group(0) if match else ""


def _letters(text: str) -> set[str]:
    """Every letter and command the text writes (the parameter must be among them)."""
    return set(re.findall(r"\\[A-Za-z]+|[^\W\d_]", _FONT_OR_SPACE.sub("", text)))


#: The change of a parameter: ``\\Delta w_{ij}``, ``Δθ``.
_CHANGE = lazy_compile(r"^\s*(?:\\Delta|\u0394)\s*(?!_)(\S.*)$")


def read_update(left: str, operator: str, right: str) -> UpdateFacts | None:
    """The reading of ``left operator right`` as an update rule, or None if it is not one (no
    derivative on the right, a left side that is not a parameter, a right side that does not
    start from it).

    >>> facts = read_update("p_{n+1}", "=", r"p_n - \\eta \\nabla F(p_n)")
    >>> facts.current, facts.step, facts.objective, facts.point
    (p[n], -eta, 'F', p[n])
    >>> read_update("h", "←", r"h \\cdot g") is None
    True
    >>> read_update(r"\\Delta w_{ij}", "=", r"-\\eta \\frac{\\partial E}{\\partial w_{ij}}").step
    -eta
    """
    change = _CHANGE.match(left)
    if operator == "=" and change is not None:
        # Δw = −η ∂E/∂w: the change of w, the update w ← w + Δw
        left, operator, right = change.group(1), "Δ=", right
    if operator == "=" and _first_letter(left) != _first_letter(right):
        return None  # an assignment with "=" starts from the parameter: w = w - …
    if operator not in ("-=", "+=", "Δ=") and _first_letter(left) not in _letters(right):
        return None  # the right side never writes the parameter: no update (and no parse)
    sides = _sides(left, right)
    if sides is None:
        return None
    target, value = sides
    if parameter_key(target) is None or not isinstance(value, sp.Basic):
        return None
    if not value.has(*_DERIVATIVES) and not _gradient_entries(value):
        return None
    split = _current(target, value, operator)
    if split is None:
        return None
    current, rest = split
    facts = UpdateFacts(target, current, operator, rest=rest)
    term = _derivative_term(rest)
    if term is None:
        return facts
    step, derivative = term
    objective, variable, point = _objective(derivative)
    return replace(facts, step=step, derivative=derivative, objective=objective,
                   variable=variable, point=point, rest=None)  # fmt: skip


# ----------------------------------------------------------------------------------------------
# Which way: the words around
# ----------------------------------------------------------------------------------------------
#: The method named: it says which way every update of its section goes.
_METHOD = lazy_compile(
    r"(?P<descent>(?:stochastic\s+|mini-?batch\s+)?gradient[\s-]+descent|梯度下降)"
    r"|(?P<ascent>gradient[\s-]+ascent|梯度上升)",
    re.IGNORECASE,
)
#: An objective minimised or maximised: it says which way only for that objective.
_GOAL = lazy_compile(
    r"(?P<descent>\bminimi[sz]\w*|最小化|减小)|(?P<ascent>\bmaximi[sz]\w*|最大化)", re.IGNORECASE
)
#: Words that name the objective of training, whatever its letter.
_LOSS_WORDS = lazy_compile(
    r"\b(?:loss|cost|error|objective)\b|损失|代价|误差|目标函数", re.IGNORECASE
)
_SENTENCE = lazy_compile(r"(?<=[.!?\u3002\uff01\uff1f])\s+|\n\s*\n")


def direction_of(words: str, objective: str | None = None) -> str | None:
    """``"descent"`` or ``"ascent"`` if the words say only that of this update: the method
    they name (*gradient descent*, *梯度下降*), or the way they take ``objective`` — a sentence
    that minimises or maximises it by its letter, or by a word for the loss; else None (a
    likelihood maximised elsewhere says nothing of a loss minimised here).

    >>> direction_of("We use gradient descent."), direction_of("Our goal is to minimize $J$", "J")
    ('descent', 'descent')
    >>> direction_of("We maximise the likelihood.", "L") is None
    True
    >>> direction_of("We maximise the log-likelihood $\\\\ell$.", "\\\\ell")
    'ascent'
    """
    said: set[str] = set()
    for match in _METHOD.finditer(words):
        said.add("descent" if match.group("descent") else "ascent")
    for sentence in _SENTENCE.split(words):
        goal = _GOAL.search(sentence)
        if goal is None or not _names_objective(sentence, objective):
            continue
        said.add("descent" if goal.group("descent") else "ascent")
    return said.pop() if len(said) == 1 else None


def _names_objective(sentence: str, objective: str | None) -> bool:
    """True if the sentence names the objective: its letter in math, or a word for the loss."""
    if _LOSS_WORDS.search(sentence):
        return True
    if not objective:
        return False
    name = re.sub(r"\\(?:mathcal|mathrm|mathbf)\s*\{?\s*([A-Za-z])\s*\}?", r"\1", objective)
    name = name.lstrip("\\")
    if len(name) == 1:
        pattern = rf"(?<![A-Za-z\\]){re.escape(name)}(?![A-Za-z])"
    else:  # a command: \ell, \mathcal{J} spelled out
        pattern = rf"\\{re.escape(name)}(?![A-Za-z])|(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])"
    return re.search(pattern, sentence) is not None


def _section_words(segments: Sequence[Segment], index: int) -> str:
    """The prose of the section holding segment ``index`` (with its inline math), up to the end
    of its paragraph."""
    start = index
    while start > 0:
        before = segments[start - 1]
        if before.cell != segments[index].cell:
            break
        if before.kind == "text" and heading_level(before.text) is not None:
            break
        start -= 1
    end = index + 1
    last_line = segments[index].end_line
    while end < len(segments):
        after = segments[end]
        if after.cell != segments[index].cell or after.line > last_line + 1:
            break
        if after.kind == "text" and heading_level(after.text) is not None:
            break
        last_line = after.end_line
        end += 1
    return " ".join(
        s.text if s.kind == "text" else f"${s.text}$"
        for s in segments[start:end]
        if s.kind == "text" or (s.kind == "math" and not s.display)
    )


# ----------------------------------------------------------------------------------------------
# The document's update rules, as claims
# ----------------------------------------------------------------------------------------------
def update_statements(segments: Sequence[Segment]) -> list[UpdateStatement]:
    """Every update rule written in the math of a document, in order."""
    found: list[UpdateStatement] = []
    for index, segment in enumerate(segments):
        if segment.kind != "math" or not _may_update(segment.text):
            continue
        words: str | None = None
        for offset, piece in _pieces(segment.text):
            assignment = _assignment(piece)
            if assignment is None:
                continue
            facts = read_update(*assignment)
            if facts is None:
                continue
            if words is None:
                words = _section_words(segments, index)
            facts = replace(facts, direction=direction_of(words, facts.objective))
            lead = len(piece) - len(piece.lstrip())
            line = segment.line_of(offset + lead)
            end_line = segment.line_of(offset + len(piece.rstrip()) - 1)
            text = re.sub(r"\s+", " ", piece.strip(" &,;."))
            found.append(UpdateStatement(index, line, end_line, text, facts))
    return found


_DIFFERENTIATES = lazy_compile(
    r"\\partial|\\nabla|∂|∇|\\frac\s*\{\s*d|\{\s*d\s*\\over|\\mathrm\s*\{\s*d"
)


def _may_update(text: str) -> bool:
    """A cheap test before reading: a derivative and a relation that may assign."""
    return _DIFFERENTIATES.search(text) is not None and any(
        written in text for written, _ in _ASSIGNMENTS
    )


def add_update_claims(
    segments: Sequence[Segment],
    claims: Sequence[Claim],
    statement_claims: Mapping[tuple[int, int], Sequence[Claim]],
    context: DocumentContext,
) -> tuple[tuple[Claim, ...], dict[tuple[int, int], tuple[Claim, ...]]]:
    """The claims with each update rule as a claim of kind ``update``, in place of the claims
    the reading made of its statement (recorded in ``context``)."""
    statements = update_statements(segments)
    if not statements:
        return tuple(claims), {key: tuple(found) for key, found in statement_claims.items()}
    placer = ClaimPlacer(claims, statement_claims)
    for statement in statements:
        covered = _covered(statement, segments, claims, placer.by_statement)

        def make(origin: Origin, statement: UpdateStatement = statement) -> Claim:
            # no sides: an update defines nothing a later line could carry an error from
            return Claim(statement.line, statement.end_line, statement.text, ClaimKind.UPDATE,
                         None, (), statement.facts.operator, statement.facts, origin)  # fmt: skip

        cell = segments[statement.segment].cell
        claim = placer.add(make, covered, origin_before(claims, cell, statement.line))
        context.add_claim(claim)
    return placer.result()


def _covered(
    statement: UpdateStatement,
    segments: Sequence[Segment],
    claims: Sequence[Claim],
    by_statement: Mapping[tuple[int, int], Sequence[Claim]],
) -> list[Claim]:
    """The claims the reading made of the statement's lines in its segment."""
    segment = segments[statement.segment]
    within = {
        claim.id
        for key, found in by_statement.items()
        if key[0] == statement.segment
        for claim in found
    }
    covered = []
    for claim in claims:
        if claim.origin.cell != segment.cell:
            continue
        if claim.line > statement.end_line or claim.end_line < statement.line:
            continue
        unread = claim.kind in (ClaimKind.UNPARSED, ClaimKind.AMBIGUOUS) and (
            claim.text in segment.text.strip() or segment.text.strip() in claim.text
        )
        if claim.id in within or unread:
            covered.append(claim)
    return covered

"""What a sentence says about a finite-difference stencil: its kind, the derivative, the order of
accuracy and the number of points — the words people write around stencils.

    A centred difference for the *first* derivative accurate to $O(h^n)$ needs a stencil of
    size $2n+1$.  ·  The second derivative needs one more point than the first.  ·  This
    requires a stencil of size 7.  ·  For the second derivative with the same accuracy we would
    need a stencil greater than the one we use by 1.

:func:`read_stencil_words` reads one sentence — its words and the meanings of its inline math —
into :class:`StencilWords`: tables and regular expressions, no judging
(:mod:`symconv.check.judges.stencil_sizes` decides; :mod:`symconv.check.document_stencils`
walks the document and fills what a sentence leaves to the one before it).

* **kind**: *centred/centered/center/central* → ``central``; *forward(s)*, *backward(s)*,
  *one-sided* (``forward/backward`` both: ``one-sided``); both a central and a one-sided word:
  no kind (the sentence compares them).
* **derivative**: *first … tenth*, *2nd*, *$p$th* before *derivative* (also *first order
  derivative*, *derivative of order 2*), or a derivative in the math (``\\partial_x^3 f``,
  ``f''``); the derivative after *as*/*than* is the one compared with.
* **accuracy**: ``O(h^n)`` (``O(dx^4)`` is ``(dx)^4``), *second-order* (not before
  *derivative*), *accurate to order $n$*, *order of accuracy 4*; *the same accuracy*.
* **points**: *a stencil of size N*, *stencil size N*, *an N-point stencil*, *N (grid) points*
  (N a number, a number word or a formula); or a count relative to another stencil: *the same
  (stencil) size as …*, *one more point*, *two extra points*, *greater than the one we use by 1*,
  *increase our stencil size by 2*.
* **mood**: a question, an intent (*we want*, *wish*), a premise (*consider*, *assume*,
  *suppose*, *let*), a bound (*at least*, *at most*), a negation or a possibility (*can be done
  with*) is not a claim of a count.

    >>> import sympy as sp
    >>> n = sp.Symbol("n")
    >>> words = read_stencil_words([
    ...     Piece("A centred approximation of the first derivative to "),
    ...     Piece("O(h^n)", value=BigO(sp.Symbol("h") ** n)),
    ...     Piece(" needs a stencil of size "), Piece("2n+1", value=2 * n + 1), Piece("."),
    ... ])
    >>> words.scheme, words.derivatives, words.accuracy, words.points, words.mood
    ('central', (1,), n, 2*n + 1, 'claim')
    >>> words = read_stencil_words([Piece("The second derivative needs one more point than the "
    ...                                   "first derivative (forward differences).")])
    >>> words.scheme, words.derivatives, words.more, words.reference
    ('forward', (2,), 1, 1)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from symconv.check.nodes import BigO
from symconv.core.patterns import lazy_compile

__all__ = [
    "CURRENT",
    "MULTI_DIMENSIONAL",
    "OTHER_SCHEME",
    "ColumnRecipe",
    "Piece",
    "StencilWords",
    "accuracy_of",
    "factor_in",
    "other_method",
    "read_column_recipe",
    "read_stencil_words",
    "scheme_in",
]

#: The reference of a count relative to the stencil in use (*the one we use*, *our stencil*).
CURRENT = "current"


@dataclass(frozen=True)
class Piece:
    """A piece of a sentence: words, or inline math with its meaning (``value``; None when it
    is not one expression, ``p = 2``) and the line it stands on."""

    text: str
    value: Any = None
    math: bool = False
    line: int = 0

    def __post_init__(self) -> None:
        if self.value is not None:
            object.__setattr__(self, "math", True)


@dataclass(frozen=True)
class StencilWords:
    """What one sentence says about a stencil (None: not said).

    ``derivatives``: the orders of the derivatives it is about (``(3, 4)`` for *∂³f and ∂⁴f*);
    ``accuracy``: ``n`` of ``O(hⁿ)``, a number or a formula; ``points``: the number of points it
    claims; ``more`` and ``reference``: a count claimed relative to the stencil of the derivative
    ``reference`` (an order) or to the stencil in use (:data:`CURRENT`) — ``more`` points more
    (0: the same size); ``mood``: ``claim``, or why the count is not claimed (``question``,
    ``intent``, ``premise``, ``reported``, ``bound``, ``negated``, ``possible``);
    ``refers_back``: the sentence points at the one before (*this*, *these derivatives*);
    ``conflict``: it names two kinds or two counts; ``other``: why the counts of plain
    stencils do not apply."""

    scheme: str | None = None
    derivatives: tuple[Any, ...] = ()
    accuracy: Any = None
    same_accuracy: bool = False
    points: Any = None
    more: Any = None
    reference: Any = None
    mood: str = "claim"
    refers_back: bool = False
    conflict: str | None = None
    #: Why the counts do not apply (a stencil in two dimensions, a compact or time-stepping
    #: scheme, a non-uniform grid), or None.
    other: str | None = None
    #: The sentence names a stencil or a finite difference (not only "points").
    mentions_stencil: bool = False

    @property
    def states_size(self) -> bool:
        """True if the sentence states a count (absolute or relative)."""
        return self.points is not None or self.more is not None

    @property
    def is_about_stencils(self) -> bool:
        return bool(
            self.states_size or self.scheme or self.derivatives or self.accuracy is not None
        )


# ----------------------------------------------------------------------------------------------
# Vocabulary
# ----------------------------------------------------------------------------------------------
_ORDINALS = {
    "zeroth": 0,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
_CARDINALS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "single": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
}
_MATH = r"⟨\d+⟩"
_ORD = rf"(?:{'|'.join(_ORDINALS)}|\d+(?:st|nd|rd|th)|{_MATH}\s*-?\s*th)"
_NUM = rf"(?:\d+|{'|'.join(k for k in _CARDINALS if len(k) > 2)}|{_MATH})"
_DERIVATIVE_WORD = r"(?:partial\s+)?derivatives?"
#: "first derivative", "first order derivative", "2nd-order partial derivative".
_DERIVATIVE = lazy_compile(rf"(?P<ord>{_ORD})[\s-]+(?:order[\s-]+)?{_DERIVATIVE_WORD}")
#: "derivative of order 2", "derivative of the second order".
_DERIVATIVE_OF = lazy_compile(
    rf"derivatives?\s+of\s+(?:the\s+)?(?:order\s+(?P<num>{_NUM})|(?P<ord>{_ORD})[\s-]+order)"
)
#: "second-order accurate", "4th order scheme": an ordinal order not of a derivative.
_ORDER = lazy_compile(rf"(?P<ord>{_ORD})[\s-]+order\b(?![\s-]+(?:partial[\s-]+)?derivative)")
_ACCURATE_TO = lazy_compile(
    rf"(?:accurate|accuracy|error)\s+(?:is\s+)?(?:up\s+)?(?:to|of)\s+(?:the\s+)?order\s+"
    rf"(?P<num>{_NUM})|order\s+of\s+accuracy\s+(?:is\s+|of\s+|=\s*)?(?P<num2>{_NUM})"
)
_SAME_ACCURACY = lazy_compile(
    r"(?:the\s+)?same\s+(?:order\s+of\s+)?(?:accuracy|order(?![\s-]+derivative)|precision)"
)
_CENTRAL = lazy_compile(r"\bcent(?:er(?:ed)?|re(?:d)?|ral)\b")
_FORWARD = lazy_compile(r"\bforwards?\b")
_BACKWARD = lazy_compile(r"\bbackwards?\b")
_ONE_SIDED = lazy_compile(r"\bone[\s-]sided\b")
#: A kind word names a difference only before its noun, a few words on ("forward finite
#: difference approximation", "forward/backwards finite differences"; not "forward pass").
_KIND_NOUN = lazy_compile(
    r"\b(?:cent(?:er(?:ed)?|re(?:d)?|ral)|forwards?|backwards?|one[\s-]sided)\b(?:[\s/,-]+[\w-]+){0,4}?"
    r"[\s-]+(?:differenc\w*|stencils?|schemes?|approximations?|formulas?|formulae|quotients?|fds?)"
    r"\b"
)

_POINTS = lazy_compile(
    rf"stencil\s+(?:of\s+|with\s+)?size\s+(?:of\s+|is\s+|=\s*)?(?P<a>{_NUM})"
    rf"|stencil\s+(?:of|with)\s+(?P<b>{_NUM})\s+(?:grid\s+|sample\s+)?points"
    rf"|(?P<c>{_NUM})[\s-]+point\s+(?:stencil|central|centred|centered|forward|backward|"
    rf"one[\s-]sided|finite|formula|scheme|approximation|difference)"
    rf"|(?P<d>{_NUM})\s+(?:grid\s+|sample\s+|stencil\s+|mesh\s+)?points\b"
)
_REFERENCE = (
    r"(?:(?P<current>(?:the|this)\s+(?:one|stencil)\s+(?:that\s+)?we(?:\s+are)?\s+(?:use|using|"
    r"used|have)|ours|our\s+(?:current\s+)?(?:stencil|one)|the\s+current\s+(?:one|stencil)|"
    r"the\s+stencil\s+(?:above|in\s+use))|(?:that\s+(?:of|for)\s+|the\s+one\s+(?:of|for)\s+|"
    rf"for\s+)?(?:the\s+)?(?P<ord>{_ORD})(?:[\s-]+order)?(?:[\s-]+{_DERIVATIVE_WORD})?)"
)
_SAME_SIZE = lazy_compile(
    r"same\s+(?:stencil\s+)?(?:size|number\s+of\s+(?:grid\s+)?points|stencil|width)"
    rf"(?:\s+as\s+{_REFERENCE})?"
)
_SIZE_SAME_AS = lazy_compile(
    r"(?:size|width|number\s+of\s+(?:grid\s+)?points)\s+(?:is|are|stays|remains)\s+(?:exactly\s+)?"
    rf"(?:the\s+)?same\s+as\s+{_REFERENCE}"
    rf"|as\s+many\s+(?:grid\s+)?points\s+as\s+{_REFERENCE.replace('?P<', '?P<as_')}"
)
_MORE_POINTS = lazy_compile(
    rf"(?P<num>{_NUM}|an?)\s+(?P<dir>more|extra|additional|fewer|less)\s+(?:grid\s+)?points?"
    rf"(?:\s+than\s+{_REFERENCE})?"
)
_BIGGER_BY = lazy_compile(
    rf"(?P<dir>greater|larger|bigger|wider|more|smaller|less)\s+than\s+{_REFERENCE}\s+by\s+"
    rf"(?P<num>{_NUM})"
)
_INCREASE_BY = lazy_compile(
    r"(?P<dir>increas|enlarg|grow|extend|widen|reduc|decreas|shrink)\w*\s+(?:our|the|this|that)"
    rf"\s+stencil(?:\s+size)?\s+by\s+(?P<num>{_NUM})"
)
_QUESTION = lazy_compile(r"\?\s*$")
_INTENT = lazy_compile(r"\b(?:want|wants|wish|wishes|would\s+like|seek|aim|goal|try|trying)\b")
_PREMISE = lazy_compile(
    r"\b(?:consider|assume|assuming|suppose|supposing|let|let's|given|take|taking|imagine)\b"
)
_BOUND = lazy_compile(
    r"\bat\s+(?:least|most)\b|\b(?:no|not)\s+(?:more|fewer|less)\s+than\b|\b(?:minimum|maximum|"
    r"minimal|maximal|up\s+to\s+\S+\s+points)\b"
)
_NEGATION = lazy_compile(
    r"\bnot\b|n't\b|\bnever\b|\bcannot\b|\bno\s+(?:stencil|points?)\b|\b(?:wrongly|incorrectly|"
    r"mistakenly|erroneously)\b|\bmisconception|\bcommon\s+(?:mistake|error)"
)
#: Someone else's claim, reported (*a student might claim that …*): not the writer's.
_REPORTED = lazy_compile(
    r"\b(?:might|may|could|would|often|sometimes|some)\s+(?:\w+\s+)?(?:claim|say|think|believe|"
    r"argue|expect|guess|assume)s?\b|\b(?:students?|people|readers?)\s+(?:\w+\s+)?(?:claim|say|"
    r"think|believe)s?\b"
)
_POSSIBLE = lazy_compile(r"\b(?:can|could|may|might)\b(?:\s+\w+){0,4}\s*$")
_REFERS_BACK = lazy_compile(
    r"^\s*(?:this|that|it|these|those|such|which)\b|\b(?:these|those|this|that)\s+(?:two\s+)?"
    r"(?:derivatives?|approximations?|formulas?|stencils?)\b"
)
_MULTI_DIMENSIONAL = lazy_compile(
    r"\b(?:[23]|two|three|multi)[\s-]*(?:d\b|dim(?:ension(?:al|s)?)?\b)|\blaplacian\b|\bmixed\s+"
    r"(?:partial\s+)?derivatives?\b|\bcross[\s-]+derivatives?\b|\bbiharmonic\b|\d\s*[×x]\s*\d\b"
    r"|\\nabla|∇|\bpoisson\b|\blaplace\b"
    # "the second derivatives": one order, several variables
    rf"|(?<!\band\s)(?<!,\s)\b{_ORD}[\s-]+(?:order[\s-]+)?(?:partial[\s-]+)?derivatives\b"
)
_OTHER_SCHEME = lazy_compile(
    r"\bcompact\b|\bpad[ée]\b|\bimplicit\b|\bstaggered\b|\bupwind|\bbiased\b|\bnon[\s-]?uniform"
    r"|\bunequal(?:ly)?\b|\birregular\b|\beuler\b|\brunge\b|\bkutta\b|\badams\b|\bmulti[\s-]?step"
    r"|\bbdf\d*\b|\bleap[\s-]?frog\b|\bcrank\b|\bnicolson\b|\brichardson\b|\bextrapolat|\bspectral"
    r"|\bhermite\b|\bweno\b|\beno\b|\bchebyshev\b|\bfinite[\s-]+(?:element|volume)"
)
_STENCIL_WORD = lazy_compile(
    r"\bstencils?\b|\bfinite[\s-]+differences?\b|\bdifference\s+(?:quotients?|formulas?|"
    r"approximations?|schemes?)\b|\b(?:central|centred|centered|forward|backward|one[\s-]sided)"
    r"\s+differences?\b"
)
#: Why the counts of plain 1-D stencils do not apply, by the words that say so.
MULTI_DIMENSIONAL = "a stencil in more than one dimension (the counts here are for one)"
OTHER_SCHEME = (
    "a compact, staggered, upwind-biased, non-uniform, extrapolated or time-stepping scheme (the "
    "counts here are those of explicit stencils on a uniform grid)"
)


def other_method(text: str) -> str | None:
    """Why words speak of something the counts of plain 1-D stencils do not cover, or None.

    >>> other_method("the 2D Laplacian"), other_method("a compact scheme") == OTHER_SCHEME
    ('a stencil in more than one dimension (the counts here are for one)', True)
    >>> other_method("the centred difference") is None
    True
    """
    text = _normal(text)
    if _MULTI_DIMENSIONAL.search(text):
        return MULTI_DIMENSIONAL
    if _OTHER_SCHEME.search(text):
        return OTHER_SCHEME
    return None


_EMPHASIS = lazy_compile(r"\\(?:textit|emph|textbf|textsl|underline|text)\s*\{([^{}]*)\}")


# ----------------------------------------------------------------------------------------------
# Reading
# ----------------------------------------------------------------------------------------------
def _normal(text: str) -> str:
    """Words lower-cased, emphasis and TeX spacing removed."""
    text = _EMPHASIS.sub(r"\1", text)
    text = text.replace("~", " ").replace("\\,", " ").replace("\\ ", " ")
    text = re.sub(r"(?<![A-Za-z])[*_]+|[*_]+(?![A-Za-z])", " ", text)
    text = text.replace("\u2011", "-").replace("\u2013", "-").replace("\u2014", " ")
    return re.sub(r"\s+", " ", text.lower())


def _marked(pieces: Sequence[Piece]) -> tuple[str, dict[int, Piece]]:
    """The sentence's words with each math piece as ``⟨k⟩``."""
    parts, maths = [], {}
    for k, piece in enumerate(pieces):
        if piece.math:
            maths[k] = piece
            parts.append(f" ⟨{k}⟩ ")
        else:
            parts.append(_normal(piece.text))
    return re.sub(r"\s+", " ", "".join(parts)).strip(), maths


def scheme_in(text: str) -> tuple[str | None, str | None]:
    """``(scheme, conflict)`` of words (``"forward/backward"`` is ``one-sided``).

    >>> scheme_in("forward/backwards finite differences"), scheme_in("centred or forward schemes")
    (('one-sided', None), (None, 'both a centred and a one-sided difference'))
    >>> scheme_in("the forward pass"), scheme_in("a center finite difference approximation")
    ((None, None), ('central', None))
    >>> scheme_in("Forward, backwards, and centered finite differences")[0] is None
    True
    """
    text = " ".join(match.group(0) for match in _KIND_NOUN.finditer(_normal(text)))
    central = _CENTRAL.search(text) is not None
    forward = _FORWARD.search(text) is not None
    backward = _BACKWARD.search(text) is not None
    one_sided = _ONE_SIDED.search(text) is not None or (forward and backward)
    if central and (forward or backward or one_sided):
        return None, "both a centred and a one-sided difference"
    if central:
        return "central", None
    if one_sided:
        return "one-sided", None
    if forward:
        return "forward", None
    if backward:
        return "backward", None
    return None, None


def accuracy_of(order: Any) -> Any:
    """``n`` of ``O(hⁿ)`` (``O(d x⁴)`` is ``O((dx)⁴)``), or None if ``order`` is no such term.

    >>> h, d, x, n = sp.symbols("h d x n")
    >>> accuracy_of(BigO(h**n)), accuracy_of(BigO(d * x**4)), accuracy_of(BigO(h)), accuracy_of(h)
    (n, 4, 1, None)
    """
    if not isinstance(order, BigO):
        return None
    powers = sp.Mul.make_args(order.args[0])
    exponents = []
    for factor in powers:
        base, exponent = factor.as_base_exp()
        if not isinstance(base, sp.Symbol):
            return None
        exponents.append((base, exponent))
    named = [(base, e) for base, e in exponents if base.name != "d"]
    if len(named) != 1:
        return None
    base, exponent = named[0]
    differential = [e for b, e in exponents if b.name == "d"]
    if differential and differential != [1]:
        return None
    return exponent


def _derivative_in_math(value: Any) -> int | None:
    """The order of a derivative written in math (``∂_x³f``, ``f''``, ``f^{(4)}``)."""
    if isinstance(value, sp.Derivative):
        return sum(int(count) for _, count in value.variable_count)
    if isinstance(value, sp.Symbol):
        primes = re.fullmatch(r"[A-Za-z](?:_\{?\w+\}?)?('+)", value.name)
        if primes:
            return len(primes.group(1))
        bracketed = re.fullmatch(r"[A-Za-z]\^\{\((\d+)\)\}", value.name)
        if bracketed:
            return int(bracketed.group(1))
    return None


class _Reader:
    def __init__(self, pieces: Sequence[Piece]):
        self.text, self.maths = _marked(pieces)
        self.conflicts: list[str] = []

    def number(self, token: str | None) -> Any:
        """A count or an order written as digits, a word or math (None if unreadable)."""
        if token is None:
            return None
        token = token.strip()
        if token.isdigit():
            return sp.Integer(int(token))
        if token in _CARDINALS:
            return sp.Integer(_CARDINALS[token])
        math = re.fullmatch(r"⟨(\d+)⟩", token)
        if math:
            value = self.maths[int(math.group(1))].value
            if isinstance(value, BigO):
                return accuracy_of(value)
            return value if isinstance(value, sp.Expr) and not value.has(BigO) else None
        return None

    def is_order_term(self, token: str) -> bool:
        math = re.fullmatch(r"⟨(\d+)⟩", token.strip())
        return math is not None and isinstance(self.maths[int(math.group(1))].value, BigO)

    def ordinal(self, token: str) -> Any:
        token = token.strip()
        if token in _ORDINALS:
            return sp.Integer(_ORDINALS[token])
        digits = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", token)
        if digits:
            return sp.Integer(int(digits.group(1)))
        math = re.match(r"⟨(\d+)⟩", token)
        if math:
            value = self.maths[int(math.group(1))].value
            return value if isinstance(value, (sp.Symbol, sp.Integer)) else None
        return None

    # -- the parts -------------------------------------------------------------------------------
    def relation(self) -> tuple[Any, Any, tuple[int, int] | None]:
        """``(more, reference, span)`` of a relative count, or ``(None, None, None)``."""
        for pattern in (_SIZE_SAME_AS, _SAME_SIZE, _MORE_POINTS, _BIGGER_BY, _INCREASE_BY):
            match = pattern.search(self.text)
            if match is None:
                continue
            groups = match.groupdict()
            more: Any = sp.Integer(0)
            if "num" in groups:
                token = groups["num"]
                more = sp.Integer(1) if token in ("a", "an") else self.number(token)
                if more is None:
                    return None, None, None
                if groups.get("dir") and groups["dir"].startswith(
                    ("fewer", "less", "smaller", "reduc", "decreas", "shrink")
                ):
                    more = -more
            reference: Any = CURRENT
            ordinal = groups.get("ord") or groups.get("as_ord")
            if ordinal:
                reference = self.ordinal(ordinal)
            return more, reference, match.span()
        return None, None, None

    def derivatives(self, skip: tuple[int, int] | None) -> tuple[Any, ...]:
        found: list[Any] = []
        for pattern in (_DERIVATIVE, _DERIVATIVE_OF):
            for match in pattern.finditer(self.text):
                if skip is not None and skip[0] <= match.start() < skip[1]:
                    continue  # the derivative compared with
                token = match.groupdict().get("num") or match.group("ord")
                if self.is_order_term(token):
                    continue  # "of order O(h^p)": the accuracy, not the derivative's order
                order = self.number(token) if match.groupdict().get("num") else None
                order = order if order is not None else self.ordinal(token)
                if order is not None and order not in found:
                    found.append(order)
        for k, piece in self.maths.items():
            order = _derivative_in_math(piece.value)
            if order is not None and sp.Integer(order) not in found:
                position = self.text.find(f"⟨{k}⟩")
                if skip is None or not skip[0] <= position < skip[1]:
                    found.append(sp.Integer(order))
        return tuple(found)

    def accuracy(self) -> Any:
        found: list[Any] = []
        for piece in self.maths.values():
            order = accuracy_of(piece.value)
            if order is not None:
                found.append(order)
        for match in _ORDER.finditer(self.text):
            order = self.ordinal(match.group("ord"))
            if order is not None:
                found.append(order)
        for match in _ACCURATE_TO.finditer(self.text):
            order = self.number(match.group("num") or match.group("num2"))
            if order is not None:
                found.append(order)
        distinct = list(dict.fromkeys(found))
        if len(distinct) > 1:
            self.conflicts.append("two orders of accuracy")
            return None
        return distinct[0] if distinct else None

    def points(self) -> tuple[Any, tuple[int, int] | None]:
        found: list[Any] = []
        span = None
        for match in _POINTS.finditer(self.text):
            token = next(group for group in match.groups() if group is not None)
            value = self.number(token)
            if value is not None:
                found.append(value)
                span = span or match.span()
        distinct = list(dict.fromkeys(found))
        if len(distinct) > 1:
            self.conflicts.append("two counts of points")
            return None, None
        return (distinct[0], span) if distinct else (None, None)

    def mixed_derivative(self) -> str | None:
        """A derivative in the math by two variables (``∂²u/∂x∂y``): more than one dimension."""
        for piece in self.maths.values():
            value = piece.value
            if isinstance(value, sp.Derivative) and len(set(value.variables)) > 1:
                return MULTI_DIMENSIONAL
        return None

    def mood(self, span: tuple[int, int] | None) -> str:
        text = self.text
        if _QUESTION.search(text):
            return "question"
        if _NEGATION.search(text):
            return "negated"
        if _BOUND.search(text):
            return "bound"
        if _REPORTED.search(text):
            return "reported"
        if _INTENT.search(text):
            return "intent"
        if _PREMISE.search(text):
            return "premise"
        if span is not None:
            clause = re.split(r"[,;:]", text[: span[0]])[-1]
            if _POSSIBLE.search(clause):
                return "possible"
        return "claim"


def read_stencil_words(pieces: Sequence[Piece]) -> StencilWords | None:
    """What the sentence made of ``pieces`` says about a stencil, or None if nothing."""
    reader = _Reader(pieces)
    text = reader.text
    scheme, conflict = scheme_in(" ".join(p.text for p in pieces if not p.math))
    more, reference, relation_span = reader.relation()
    points, points_span = reader.points()
    if relation_span is not None and points_span is not None:
        # "a stencil size that is greater than …": the relation holds the count
        if relation_span[0] <= points_span[0] <= relation_span[1] or points is None:
            points = None
        else:
            reader.conflicts.append("a count and a relative count")
    accuracy = reader.accuracy()
    words = StencilWords(
        scheme=scheme,
        derivatives=reader.derivatives(relation_span),
        accuracy=accuracy,
        same_accuracy=_SAME_ACCURACY.search(text) is not None,
        points=points,
        more=more,
        reference=reference,
        mood=reader.mood(relation_span or points_span),
        refers_back=_REFERS_BACK.search(text) is not None,
        conflict=conflict or (reader.conflicts[0] if reader.conflicts else None),
        other=other_method(" ".join(p.text for p in pieces)) or reader.mixed_derivative(),
        mentions_stencil=_STENCIL_WORD.search(text) is not None,
    )
    return words if words.is_about_stencils else None


# ----------------------------------------------------------------------------------------------
# The weights read off an inverse: "the (p+1)-th column of M^{-1} times (f_{i-1}, f_i, f_{i+1})"
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ColumnRecipe:
    """How a sentence says to read a derivative's weights off an inverse matrix: the ``axis``
    (``column`` or ``row``) and its 1-based ``index`` as written (``p + 1``), the name of the
    matrix inverted, the samples the weights multiply (a tuple ``(f_{i-2}, …, f_{i+2})``), and the
    factor that restores the units (``p!/Δx^p``) when the sentence writes one."""

    axis: str
    index: Any
    inverted: str
    samples: tuple[Any, ...]
    factor: Any = None


_AXIS_BEFORE = lazy_compile(
    rf"(?P<index>{_MATH}|{_ORD})(?:\s*-?\s*(?:th|st|nd|rd))?\s+(?P<axis>column|row)s?\s+of\s+"
    rf"(?:the\s+)?(?:matrix\s+)?(?P<matrix>{_MATH})"
)
_AXIS_AFTER = lazy_compile(
    rf"(?P<axis>column|row)\s+(?P<index>{_MATH})\s+of\s+(?:the\s+)?(?:matrix\s+)?(?P<matrix>{_MATH})"
)


def factor_in(pieces: Sequence[Piece]) -> Any:
    """A unit-restoring factor written in math (``p!/Δx^p``, ``1/h^p``: a factorial, or a step
    to a letter's power), or None."""
    for piece in pieces:
        value = piece.value
        if not isinstance(value, sp.Expr) or value.has(BigO, sp.Indexed, sp.Derivative):
            continue
        powers = [p for p in value.atoms(sp.Pow) if not p.exp.is_number]
        if value.has(sp.factorial) or powers:
            return value
    return None


def read_column_recipe(pieces: Sequence[Piece]) -> ColumnRecipe | None:
    """The recipe a sentence states (see :class:`ColumnRecipe`), or None.

    >>> M, p, f, i = sp.Symbol("M"), sp.Symbol("p"), sp.IndexedBase("f"), sp.Symbol("i")
    >>> recipe = read_column_recipe([
    ...     Piece("multiply the "), Piece("p+1", value=p + 1), Piece(" column of the "),
    ...     Piece("M^{-1}", value=M**-1), Piece(" matrix by the vector "),
    ...     Piece("(f_i, f_{i+1})", value=sp.Tuple(f[i], f[i + 1])), Piece(".")])
    >>> recipe.axis, recipe.index, recipe.inverted, recipe.samples
    ('column', p + 1, 'M', (f[i], f[i + 1]))
    """
    reader = _Reader(pieces)
    match = _AXIS_BEFORE.search(reader.text) or _AXIS_AFTER.search(reader.text)
    if match is None:
        return None
    inverse = re.fullmatch(r"⟨(\d+)⟩", match.group("matrix"))
    value = reader.maths[int(inverse.group(1))].value if inverse else None
    if not (isinstance(value, sp.Pow) and value.exp == -1 and isinstance(value.base, sp.Symbol)):
        return None
    token = match.group("index")
    index = reader.number(token) if token.startswith("⟨") else reader.ordinal(token)
    samples = [
        piece.value
        for piece in pieces
        if isinstance(piece.value, sp.Tuple) and all(isinstance(e, sp.Indexed) for e in piece.value)
    ]
    if index is None or len(samples) != 1:
        return None
    return ColumnRecipe(
        axis=match.group("axis"),
        index=index,
        inverted=value.base.name,
        samples=tuple(samples[0]),
        factor=factor_in(pieces),
    )

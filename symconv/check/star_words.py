"""What a document says its ``*`` means, in words: *Here $*$ denotes cross-correlation*.

``X * W`` between two tensors is a product or a convolution, and a convolution is a
cross-correlation (what deep-learning libraries compute) or a true convolution (the kernel
flipped); the formula alone does not say which, so the reader reports it as ambiguous. Writers
say it in a sentence before the formula, in a few forms:

* *Here $*$ denotes cross-correlation (what libraries call convolution)*; *`*` is correlation,
  not a mathematical convolution*; *其中 $*$ 表示互相关* — a cross-correlation;
* *where $*$ is the true (mathematical) convolution*; *$*$ is convolution, not
  cross-correlation* — a true convolution;
* *where $*$ is the (valid) convolution*; *$*$ denotes 2D convolution* — a convolution, the
  word not saying which (deep-learning writers call a cross-correlation so): ``*`` is no product,
  and both readings stay open.

A sentence that negates the operation (*$*$ is not a convolution*), or names a full or padded
one, declares nothing here. :func:`declared_ops` reads one sentence;
:func:`declarations` the declarations of a document's segments, each with its section.

    >>> sorted(declared_ops("Here $*$ denotes cross-correlation (as libraries compute it)."))
    ['correlation']
    >>> sorted(declared_ops("where $*$ is the (valid) convolution"))
    ['convolution', 'correlation']
    >>> sorted(declared_ops("`*` is correlation, not a mathematical convolution"))
    ['correlation']
    >>> sorted(declared_ops("Here $*$ is the true (mathematical) convolution, the kernel flipped."))
    ['convolution']
    >>> declared_ops("$*$ is not a convolution here") is None, declared_ops("x * y is 6") is None
    (True, True)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from symconv.core.patterns import lazy_compile

__all__ = ["Declaration", "declarations", "declared_by_segment", "declared_ops", "star_before"]

CORRELATION = frozenset({"correlation"})
CONVOLUTION = frozenset({"convolution"})
EITHER = frozenset({"correlation", "convolution"})

#: The operator named in prose: ``$*$``, ``$\\ast$``, `` `*` ``, ``\\(*\\)``, the asterisk.
_STAR = r"(?:\$\s*(?:\*|\\ast|∗)\s*\$|`\s*\*\s*`|\\\(\s*(?:\*|\\ast)\s*\\\)|\bthe\s+asterisk\b|∗)"
#: The verbs that declare a notation (*denotes*, *is*, *stands for*, *表示*).
_VERB = (
    r"(?:,\s*)?(?:here\s+|throughout\s+|below\s+)?(?:denotes?|is|means|stands\s+for|represents|"
    r"indicates|refers\s+to|will\s+denote|is\s+used\s+(?:for|to\s+denote)|"
    r"表示|代表|指|为|是)"
)
#: Words between the verb and the operation's name (*the valid 2D*, *a discrete*).
_QUALIFIERS = (
    r"(?:(?:the|a|an|valid|2-?d|two-dimensional|discrete|usual|standard|"
    r"true|mathematical|proper|flipped|strict|\([\w\s-]{1,30}\))\s*)*"
)
_DECLARED = lazy_compile(
    _STAR + r"\s*" + _VERB + r"\s*(?P<not>not\s+)?" + _QUALIFIERS
    + r"(?P<what>cross-?\s?correlation|correlation|convolution|互相关|卷积)",
    re.IGNORECASE,
)  # fmt: skip
#: A qualifier that makes "convolution" the true one (the kernel flipped).
_TRUE = lazy_compile(r"\b(?:true|mathematical|proper|strict|flipped)\b", re.IGNORECASE)
#: A convolution that is not a valid one: the readings of ``*`` are valid ones only.
_NOT_VALID = lazy_compile(r"\bfull\b|\bsame\b|\bpad|\btranspos", re.IGNORECASE)
_NOT_CORRELATION = lazy_compile(
    r"\bnot\s+(?:a\s+|the\s+)?(?:cross-?\s?)?correlation|而非互相关|不是互相关", re.IGNORECASE
)
_CORRELATION_AFTER = lazy_compile(r"cross-?\s?correlation|\bcorrelation\b|互相关", re.IGNORECASE)


def declared_ops(sentence: str) -> frozenset[str] | None:
    """The readings of ``*`` a sentence declares (``{"correlation"}``, ``{"convolution"}``, or
    both: a convolution, which one unsaid), None if it declares none."""
    found = _DECLARED.search(sentence)
    if found is None or found.group("not"):
        return None
    rest = sentence[found.end() :]
    if _NOT_VALID.search(sentence[found.start() :]):
        return None
    what = found.group("what").lower()
    if "correlation" in what or what == "互相关":
        return CORRELATION
    if _TRUE.search(sentence[found.start() : found.start("what")]):
        return CONVOLUTION
    if _NOT_CORRELATION.search(rest):
        return CONVOLUTION
    if _CORRELATION_AFTER.search(rest):
        return CORRELATION  # "convolution (actually a cross-correlation, as in PyTorch)"
    return EITHER


@dataclass(frozen=True)
class Declaration:
    """A sentence declaring ``*``: the segment it ends in, its section, the readings."""

    index: int
    scope: int
    ops: frozenset[str]


_HEADING = lazy_compile(r"^\s{0,3}#{1,6}\s|\\(?:sub)*section\*?\s*\{")


def declarations(segments: Sequence[Any]) -> list[Declaration]:
    """The declarations of ``*`` in a document's prose (inline math written back as ``$…$``),
    one per sentence that makes one."""
    found: list[Declaration] = []
    scope = 0
    sentence: list[str] = []
    declared = False  # the current sentence has declared already
    for index, segment in enumerate(segments):
        if segment.kind == "text" and _HEADING.match(segment.text):
            scope += 1
        if segment.kind not in ("math", "text") or (segment.kind == "math" and segment.display):
            sentence, declared = [], False
            continue
        piece = f"${segment.text}$" if segment.kind == "math" else segment.text
        for number, part in enumerate(re.split(r"(?<=[.!?。])\s+|\n\s*\n", piece)):
            if number:
                sentence, declared = [], False
            sentence.append(part)
            ops = None if declared else declared_ops("".join(sentence))
            if ops is not None:
                found.append(Declaration(index, scope, ops))
                declared = True
    return found


def star_before(found: Sequence[Declaration], index: int, scope: int) -> frozenset[str] | None:
    """The readings of ``*`` the declarations before segment ``index`` in its section give (the
    last one), None if none does."""
    mine = [d for d in found if d.scope == scope and d.index < index]
    return mine[-1].ops if mine else None


def declared_by_segment(segments: Sequence[Any]) -> dict[int, frozenset[str]]:
    """For each math segment after a declaration of ``*`` in its section, the readings it
    declares."""
    found = declarations(segments)
    if not found:
        return {}
    result: dict[int, frozenset[str]] = {}
    scope = 0
    for index, segment in enumerate(segments):
        if segment.kind == "text" and _HEADING.match(segment.text):
            scope += 1
        if segment.kind == "math":
            ops = star_before(found, index, scope)
            if ops is not None:
                result[index] = ops
    return result

"""Statements about arrays in a document's math: code that defines an array, a gradient
written as code, a shape written after code, a name and its numbers, a name in a real space.

* **definitions by code** — ``w_t = w.reshape(-1, C^l).T``, ``z_t^l = a^{l-1}_t w_t``, with
  ``, dim=(…)`` (or a tuple of numbers) after them, or ``= [⋯]^T`` (the matrix the code equals:
  its shape counted, transposed by a ``^T``); code alone (``np.sum(g, axis=0)``), for *the
  result has shape …* after it;
* **gradients as code** — ``\\frac{\\partial C}{\\partial w^l_t} = np.tensordot(…)``;
* **shapes** — ``\\delta^l_t,dim=(B,H^lW^l,C^l)``, ``\\delta(16, 8, 127, 127)``, ``X \\in
  \\mathbb{R}^{N \\times C \\times H \\times W}`` (with the role its words give it);
* a chain of arrows, ``δ(16,3,127,127) → δ_t (16,16129,8) → …``, read step by step.

Code is told from notation by what it writes (a method, ``np.``, a transpose, two arrays side
by side — :func:`code_like`); a display that is neither is not read.

    >>> from symconv.check.markdown import split_document
    >>> (segment,) = split_document("$$w_t = w.reshape(-1, C^l).T, dim=(K, C^l)$$")
    >>> [(s.form.value, s.subject.text, s.stated) for _, s in math_statements(0, segment)]
    [('defined', 'w_t', (K, C^{l}))]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import sympy as sp

from symconv.check.array_code import (
    ArrayCall,
    ArrayIndex,
    ArrayName,
    ArrayNode,
    ArrayProduct,
    normalised,
    read_array_code,
    split_top_level,
)
from symconv.check.array_prose import array_of, clause_before, role_of
from symconv.check.array_shapes import read_shape
from symconv.check.array_statements import ArrayForm, ArrayStatement
from symconv.check.lines import SourceLine
from symconv.check.markdown import Segment
from symconv.check.size_premises import UNREAD_LAYERS, plain_words
from symconv.core.patterns import lazy_compile
from symconv.errors import ParseError

__all__ = ["code_like", "in_space", "math_statements", "may_be_code"]


#: A matrix written with an environment, and a transpose after it.
_MATRIX = lazy_compile(
    r"\[?\s*\\begin\{(?:b|p|v|B|V)?matrix\}(?P<body>.*?)\\end\{(?:b|p|v|B|V)?matrix\}\s*\]?"
    r"(?P<transposed>\s*\^\s*(?:\{\s*)?(?:T|\\top|\\intercal)(?:\s*\})?)?\s*$",
    re.DOTALL,
)


def _matrix_shape(text: str) -> tuple[Any, ...] | None:
    """The shape of a matrix written out (rows by ``\\\\``, columns by ``&``), transposed if a
    ``^T`` follows it."""
    match = _MATRIX.fullmatch(text.strip())
    if match is None:
        return None
    rows = [row for row in re.split(r"\\\\", match.group("body")) if row.strip()]
    widths = {row.count("&") + 1 for row in rows}
    if len(widths) != 1:
        return None
    shape = (sp.Integer(len(rows)), sp.Integer(widths.pop()))
    return shape[::-1] if match.group("transposed") else shape


_DIM = lazy_compile(r"^\s*(?:dim|shape|size|dims|dimension)\s*=\s*(.+)$", re.IGNORECASE)


#: An arrow between the steps of a chain: ``δ(16,3,127,127) → δ_t (16,16129,8) → …``.
_ARROW = lazy_compile(r"\u2192|\u27f6|\\to\b|\\rightarrow\b|\\longrightarrow\b|->")
#: A name and its numbers: ``\\delta(16, 8, 127, 127)``, ``a (16,3,128,128)``.
_NAMED_NUMBERS = lazy_compile(
    r"^\s*(?P<name>.+?)\s*(?P<shape>\(\s*\d+(?:\s*,\s*\d+)+\s*,?\s*\))\s*$"
)


def math_statements(index: int, segment: Segment) -> list[tuple[int, ArrayStatement]]:
    """The statements of one math segment, each with its offset in the segment (the steps of a
    chain of arrows each on its own)."""
    text = normalised(segment.text)
    found: list[tuple[int, ArrayStatement]] = []
    start = 0
    steps: list[tuple[int, str]] = []
    for arrow in _ARROW.finditer(text):
        steps.append((start, text[start : arrow.start()]))
        start = arrow.end()
    steps.append((start, text[start:]))
    for step_start, step in steps:
        found.extend(
            (step_start + offset, statement)
            for offset, statement in _step_statements(step, index, segment)
        )
    return found


def _step_statements(text: str, index: int, segment: Segment) -> list[tuple[int, ArrayStatement]]:
    """The statements of one step: its parts at top-level commas, a shape written after a part
    (``, dim=(…)``, or a tuple of numbers alone) taken as that part's."""
    found: list[tuple[int, ArrayStatement]] = []
    offset = 0
    pending: list[tuple[int, str]] = []
    for part in split_top_level(text):
        pending.append((offset, part))
        offset += len(part) + 1
    merged: list[tuple[int, str, tuple[Any, ...] | None]] = []
    for start, part in pending:
        dim = _DIM.match(part)
        alone = re.fullmatch(r"\s*\(\s*\d+(?:\s*,\s*\d+)+\s*\)\s*", part)
        if (dim is not None or alone is not None) and merged and merged[-1][2] is None:
            shape = read_shape(dim.group(1) if dim is not None else part)
            if shape is not None:
                merged[-1] = (merged[-1][0], merged[-1][1], shape)
                continue
        merged.append((start, part, None))
    for start, part, stated in merged:
        statement = _math_part(part, stated, index, segment)
        if statement is not None:
            found.append((start, statement))
    return found


def _math_part(
    text: str, stated: tuple[Any, ...] | None, index: int, segment: Segment
) -> ArrayStatement | None:
    base = ArrayStatement(ArrayForm.STATED, segment.line, segment.end_line, text.strip(),
                          stated=stated, cell=segment.cell, segments=(index,))  # fmt: skip
    gradient = _gradient(text)
    if gradient is not None:
        objective, variable, code = gradient
        return replace(base, form=ArrayForm.GRADIENT, subject=variable, code=code,
                       objective=objective)  # fmt: skip
    sides = _top_level_equals(text)
    named = _NAMED_NUMBERS.match(text) if len(sides) == 1 and stated is None else None
    if named is not None:  # δ(16, 8, 127, 127): a name and its shape
        subject = array_of(named.group("name"))
        shape = read_shape(named.group("shape"))
        if isinstance(subject, ArrayName) and shape is not None:
            return replace(base, subject=subject, stated=shape)
    if len(sides) == 1:
        try:
            node = read_array_code(sides[0])
        except ParseError:
            return None
        if stated is not None:
            return replace(base, subject=node)
        if code_like(node, sides[0]):  # code alone: what "the result" after it is about
            return replace(base, form=ArrayForm.DEFINED, code=node)
        return None
    displayed = _matrix_shape(sides[-1])
    if len(sides) > 3 or (len(sides) == 3 and displayed is None):
        return None
    try:
        subject = read_array_code(sides[0])
    except ParseError:
        return None
    if not isinstance(subject, (ArrayName, ArrayIndex)):
        return None
    if len(sides) == 2 and displayed is not None:  # a_t[0] = [⋯]: the matrix it is
        return replace(base, subject=subject, stated=displayed, displayed=displayed)
    try:
        code = read_array_code(sides[1])
    except ParseError:
        return None
    if not code_like(code, sides[1]):
        return None
    return replace(base, form=ArrayForm.DEFINED, subject=subject, code=code,
                   displayed=displayed if len(sides) == 3 else None)  # fmt: skip


def code_like(code: ArrayNode, text: str) -> bool:
    """Code, not algebra: a NumPy call or method, a transpose, or a product of two arrays
    written side by side (``a_t w_t``) — a bare name or a sum of names is not."""
    if isinstance(code, ArrayName):
        return False
    if isinstance(code, ArrayCall):
        return True  # np.f(…), or a function the document names (trans(a), im2col(x))
    if re.search(r"\.\s*[A-Za-z]|np\.|numpy\.|@|\^\s*\{?\s*(?:T|\\top)\b|\\odot", text):
        return True
    return isinstance(code, ArrayProduct) and code.operator == "matmul"


def _top_level_equals(text: str) -> list[str]:
    """``text`` split at ``=`` outside brackets (``axis=(0,1)`` inside a call stays)."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for position, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if (
            char == "="
            and depth == 0
            and text[position - 1 : position] not in ("<", ">", "!", "=")
            and text[position + 1 : position + 2] != "="
        ):
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts]


def _braced(text: str, start: int) -> tuple[str, int] | None:
    """The content of the brace group at ``start`` and the position after it."""
    if start >= len(text) or text[start] != "{":
        return None
    depth = 0
    for position in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[position], 0)
        if depth == 0:
            return text[start + 1 : position], position + 1
    return None


def _gradient(text: str) -> tuple[str, ArrayNode, ArrayNode] | None:
    """``\\frac{\\partial C}{\\partial X} = code`` (or ``{\\partial C \\over \\partial X}``):
    the objective, the variable and the code."""
    stripped = text.strip()
    numerator = denominator = None
    rest = ""
    frac = re.match(r"\\frac\s*", stripped)
    if frac is not None:
        top = _braced(stripped, frac.end())
        bottom = _braced(stripped, top[1]) if top is not None else None
        if top is None or bottom is None:
            return None
        numerator, denominator, rest = top[0], bottom[0], stripped[bottom[1] :]
    else:
        over = re.match(r"\{\s*\\partial\s*(.+?)\s*\\over\s*\\partial\s*(.+)\}\s*=", stripped)
        if over is None:
            return None
        numerator, denominator = "\\partial " + over.group(1), "\\partial " + over.group(2)
        rest = stripped[over.end() - 1 :]
    top_name = re.fullmatch(r"\s*\\partial\s*(.+?)\s*", numerator)
    bottom_name = re.fullmatch(r"\s*\\partial\s*(.+?)\s*", denominator)
    equals = re.match(r"\s*=\s*(.+)$", rest, re.DOTALL)
    if top_name is None or bottom_name is None or equals is None:
        return None
    try:
        variable = read_array_code(bottom_name.group(1))
        code = read_array_code(equals.group(1))
    except ParseError:
        return None
    if not isinstance(variable, ArrayName) or not code_like(code, equals.group(1)):
        return None
    return top_name.group(1).strip(), variable, code


#: ``X \\in \\mathbb{R}^{N \\times C \\times H \\times W}``: a name and its shape.
_IN_SPACE = lazy_compile(
    r"^\s*(?P<name>[^=,]+?)\s*(?:\\in|\u2208)\s*"
    r"(?:\\mathbb\s*\{\s*R\s*\}|\\mathbf\s*\{\s*R\s*\}|\\R\b|\u211d)\s*\^\s*\{(?P<dims>.+)\}\s*$"
)


def in_space(index: int, segment: Segment, lines: Sequence[SourceLine]) -> ArrayStatement | None:
    """``$X \\in \\mathbb{R}^{N \\times C \\times H \\times W}$``: a shape stated for ``X``,
    its role from the words before it on its line."""
    match = _IN_SPACE.match(normalised(segment.text))
    if match is None:
        return None
    dims = re.split(r"\\times|\u00d7|,", match.group("dims"))
    shape = read_shape("(" + ", ".join(dims) + ")")
    name = array_of(match.group("name"))
    if shape is None or not isinstance(name, ArrayName):
        return None
    words = ""
    for line in lines:
        for piece in line.pieces:
            if piece.segment == index:
                words = clause_before(line.text[: piece.start])
    role = None if UNREAD_LAYERS.search(plain_words(words)) else role_of(words)
    return ArrayStatement(ArrayForm.STATED, segment.line, segment.end_line, segment.text.strip(),
                          subject=name, stated=shape, role=role, words=plain_words(words),
                          cell=segment.cell, segments=(index,))  # fmt: skip


_CODE_HINT = lazy_compile(
    r"\.\s*[A-Za-z]|np\.|\\partial|dim\s*=|shape\s*=|@|\^\s*\{?\s*(?:T|\\top)\b|\\begin\{\w*matrix\}"
    r"|[A-Za-z](?:_\{?\w+\}?)?(?:\^\{?[\w\-+()]+\}?)?\s*[A-Za-z\\]",
)


def may_be_code(text: str) -> bool:
    if "dim" in text or re.search(r"np\.|numpy\.|\.\s*(?:reshape|transpose|sum|T\b)", text):
        return True
    if _NAMED_NUMBERS.match(text) or _ARROW.search(text):
        return True
    return "=" in text and _CODE_HINT.search(text) is not None

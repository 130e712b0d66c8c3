"""Statements about arrays, read from a document's math and prose, as claims.

A derivation that implements a layer with NumPy states shapes and writes code in its math:

* **shapes stated for a name** — ``输入特征图 $a$ 维度为 $(1,3,4,4)$``, ``卷积核 $w$ 为
  $(8, 3, 3, 3)$``, ``$W$ has shape $(3, 4)$``, a glossary line ``$z^l$ 卷积输出结果 维度为
  $(B,C^l,H^l,W^l)$``: the name in math right before the words (*维度为*, *的维度为*, *为*,
  *has shape*, *of shape*, *dim*), or the name a glossary line starts with; the words before the
  name (or the glossary line's) say its role in the layer — *输入特征图*/*input*, *卷积核*/
  *kernel*/*filter*/*weights*, *偏置*/*bias*, *输出*/*output*;
* **shapes stated for code** — ``$\\delta^l_t,dim=(B,H^lW^l,C^l)$``, ``(w^l_t)^T,dim=(…)``;
  and *结果的维度为 (…)* / *the result has shape (…)* after a display: the shape of its code;
* **definitions by code** — ``w_t = w.reshape(-1, C^l).T``, ``z_t^l = a^{l-1}_t w_t``, with
  ``, dim=(…)`` after them or ``= [⋯]^T`` (the matrix the code equals, its shape counted);
* **gradients as code** — ``\\frac{\\partial C}{\\partial w^l_t} = np.tensordot(…)``;
* **im2col**: *卷积核转为 $(3*2*2,2)$ 的矩阵*, *the input is unrolled into a $(1, 9, 12)$
  matrix*, in a paragraph that turns the convolution into a matrix product (*矩阵乘法*, *matrix
  multiplication*, *im2col*, *GEMM*).

:func:`array_scope` gives them in document order (:class:`~symconv.check.array_statements.
ArrayScope`) with the stride and padding the sentence of their layer states
(:func:`symconv.check.size_premises.read_premise`); :func:`add_array_claims` makes a claim of kind
``shape`` of each one that says something to check, in place of what the reading made of the
same math or words (an unparsed formula, a fact or an answer nothing could check) — never of a
size claim (:mod:`symconv.check.read_sizes`), which keeps its own. They are judged by
:mod:`symconv.check.judges.arrays`.

    >>> from symconv.check.markdown import split_document
    >>> doc = ("Suppose the input $a$ has shape $(1,3,4,4)$ and the kernel $w$ has shape "
    ...        "$(2, 3, 2, 2)$.\\n\\n$$w_t = w.reshape(2, -1).T$$\\n")
    >>> for s in array_scope(split_document(doc)).statements:
    ...     print(s.line, s.form.value, s.role and s.role.value, s.stated)
    1 stated input (1, 3, 4, 4)
    1 stated kernel (2, 3, 2, 2)
    3 defined None None
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
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
from symconv.check.array_env import environment, layer_marks
from symconv.check.array_shapes import size_expression
from symconv.check.array_statements import (
    ArrayFacts,
    ArrayForm,
    ArrayScope,
    ArrayStatement,
    Role,
)
from symconv.check.context import DocumentContext
from symconv.check.lines import SourceLine, source_lines
from symconv.check.markdown import Segment
from symconv.check.model import Claim, ClaimKind, Origin
from symconv.check.networks import SizeFacts, SizeFormulaFacts
from symconv.check.size_premises import UNREAD_LAYERS, plain_words, read_premise
from symconv.errors import ParseError

__all__ = ["add_array_claims", "array_scope", "matmul_context", "read_shape"]


# ----------------------------------------------------------------------------------------------
# Shapes as written
# ----------------------------------------------------------------------------------------------
def read_shape(text: str) -> tuple[Any, ...] | None:
    """A shape written as a tuple of sizes: ``(16, 3, 128, 128)``, ``(C^l,)``, ``(3*2*2,2)``,
    ``(8)`` (one size), ``(B, H^l\\cdot W^l, C^l)``; None if ``text`` is not one.

    >>> read_shape("(3*2*2,2)"), read_shape("(C^l,)"), read_shape("(8)"), read_shape("(a + b)")
    ((12, 2), (C^{l},), (8,), None)
    """
    text = normalised(text).strip().strip("$").strip()
    if not (text.startswith("(") and text.endswith(")")):
        return None
    inner = text[1:-1]
    if re.search(r"(?<![\^_{])[(\[]", inner.replace("{(", "{").replace("{[", "{")):
        return None  # a tuple inside: not one shape
    pieces = [piece for piece in split_top_level(inner) if piece.strip()]
    if not pieces:
        return None
    sizes = []
    for piece in pieces:
        try:
            size = size_expression(piece)
        except ParseError:
            return None
        if isinstance(size, sp.Add) or not (size.is_number or size.free_symbols):
            return None  # a sum is a point's coordinate more often than a size
        if size.is_number and not (size.is_Integer and size > 0):
            return None
        sizes.append(size)
    return tuple(sizes)


#: A matrix written with an environment, and a transpose after it.
_MATRIX = re.compile(
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


# ----------------------------------------------------------------------------------------------
# Math: definitions, gradients, shapes written for code
# ----------------------------------------------------------------------------------------------
_DIM = re.compile(r"^\s*(?:dim|shape|size|dims|dimension)\s*=\s*(.+)$", re.IGNORECASE)


#: An arrow between the steps of a chain: ``δ(16,3,127,127) → δ_t (16,16129,8) → …``.
_ARROW = re.compile(r"\u2192|\u27f6|\\to\b|\\rightarrow\b|\\longrightarrow\b|->")
#: A name and its numbers: ``\\delta(16, 8, 127, 127)``, ``a (16,3,128,128)``.
_NAMED_NUMBERS = re.compile(r"^\s*(?P<name>.+?)\s*(?P<shape>\(\s*\d+(?:\s*,\s*\d+)+\s*,?\s*\))\s*$")


def _math_statements(index: int, segment: Segment) -> list[tuple[int, ArrayStatement]]:
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
        subject = _array_of(named.group("name"))
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
        if _code_like(node, sides[0]):  # code alone: what "the result" after it is about
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
    if not _code_like(code, sides[1]):
        return None
    return replace(base, form=ArrayForm.DEFINED, subject=subject, code=code,
                   displayed=displayed if len(sides) == 3 else None)  # fmt: skip


def _code_like(code: ArrayNode, text: str) -> bool:
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
    if not isinstance(variable, ArrayName) or not _code_like(code, equals.group(1)):
        return None
    return top_name.group(1).strip(), variable, code


# ----------------------------------------------------------------------------------------------
# Prose: shapes stated for names, results, im2col
# ----------------------------------------------------------------------------------------------
_CUE = re.compile(
    r"^\s*(?:的)?\s*(?:(?:维度|形状|大小|尺寸|shape|dimensions?|size)\s*)?"
    r"(?:为|是|[:\uff1a=]|(?:is|are)\s+(?:of\s+)?(?:shape|size|dimensions?)"
    r"|ha(?:s|ve)\s+(?:the\s+)?(?:shape|size|dimensions?)"
    r"|of\s+shape|with\s+shape|dim\s*=?|shape)\s*$",
    re.IGNORECASE,
)
_ROLE_WORDS: tuple[tuple[Role, re.Pattern[str]], ...] = tuple(
    (role, re.compile(pattern, re.IGNORECASE))
    for role, pattern in (
        (Role.KERNEL, r"卷积核|过滤器|滤波器|权重|权值|\bkernels?\b|\bfilters?\b|\bweights?\b"),
        (Role.BIAS, r"偏置|\bbias(?:es)?\b"),
        (Role.OUTPUT, r"输出|\boutput\b"),
        (Role.INPUT, r"输入|\binput\b"),
    )
)
#: A layer whose shapes run otherwise (transposed, grouped, depthwise): its words give no roles.
_OTHER_LAYER = UNREAD_LAYERS
_CLAUSE_END = re.compile("[\uff0c,\uff1b;\u3002.!?\uff01\uff1f\n]")


def _role(words: str) -> Role | None:
    """The role the last role word of ``words`` names."""
    best: tuple[int, Role] | None = None
    for role, pattern in _ROLE_WORDS:
        for match in pattern.finditer(words):
            if best is None or match.start() >= best[0]:
                best = (match.start(), role)
    return best[1] if best is not None else None


def _clause_before(text: str) -> str:
    ends = list(_CLAUSE_END.finditer(text))
    return text[ends[-1].end() :] if ends else text


def _name_of(piece_text: str) -> ArrayName | None:
    node = _array_of(piece_text)
    return node if isinstance(node, ArrayName) else None


def _array_of(piece_text: str) -> ArrayNode | None:
    """The array a math piece writes (a name or code), or None."""
    try:
        return read_array_code(piece_text.strip("$"))
    except ParseError:
        return None


_CONVERSION = re.compile(
    r"(?P<subject>卷积核|过滤器|权重|输入特征图|输入图像|输入数据|输入|\bkernels?\b|\bfilters?\b"
    r"|\bweights?\b|\binputs?(?:\s+(?:feature\s+map|image|volume))?\b|\bimages?\b)"
    "[^\uff0c,\uff1b;\u3002.]{0,12}?"
    r"(?:转为|转化为|转换为|转成|变为|变成|展开为|展开成|展成|重排为|reshaped\s+(?:in)?to|unrolled\s+(?:in)?to"
    r"|flattened\s+(?:in)?to|rearranged\s+(?:in)?to|becomes?|turned\s+into|converted\s+(?:in)?to)"
    r"\s*(?:an?\s+|the\s+)?$",
    re.IGNORECASE,
)
_MATRIX_AFTER = re.compile(r"^\s*(?:的)?\s*(?:矩阵|matrix|array|张量|tensor)", re.IGNORECASE)
_MATMUL_CONTEXT = re.compile(
    r"矩阵乘|矩阵相乘|matrix\s+(?:multiplication|product)|\bim2col\b|\bGEMM\b|\bmatmul\b",
    re.IGNORECASE,
)


def matmul_context(words: str) -> bool:
    """True if the words turn a convolution into a matrix product (im2col).

    >>> matmul_context("将卷积运算转化为矩阵乘法运算"), matmul_context("we add the bias")
    (True, False)
    """
    return _MATMUL_CONTEXT.search(words) is not None


#: The words of a shape stated for "the result" (of the display before it).
_RESULT_WORDS = "the result"
_RESULT = re.compile(
    r"(?:结果|the\s+result|its\s+result)\s*(?:的)?\s*(?:维度|形状|大小|shape|size|dimensions?)?"
    r"\s*(?:为|是|[:\uff1a=]|is|has(?:\s+shape)?|of\s+shape)\s*$",
    re.IGNORECASE,
)


def _prose_statements(
    lines: Sequence[SourceLine], context_words: Mapping[int, str]
) -> list[tuple[int, int, ArrayStatement]]:
    """``(line, offset, statement)`` of the shapes prose states (module docstring)."""
    found: list[tuple[int, int, ArrayStatement]] = []
    for line in lines:
        if line.heading is not None:
            continue
        pieces = line.pieces
        lead = _glossary_name(line)
        premise = read_premise(plain_words(line.text))
        stride = premise.layer.stride if premise is not None and premise.layer else None
        padding = premise.layer.padding if premise is not None and premise.layer else None
        for k, piece in enumerate(pieces):
            if piece.kind == "text":
                found.extend(_plain_statements(line, piece, stride, padding))
                continue
            if piece.kind != "math":
                continue
            shape = read_shape(piece.text)
            if shape is None:
                continue
            between = pieces[k - 1].text if k >= 1 and pieces[k - 1].kind == "text" else ""
            before_text = line.text[: piece.start]
            after_text = line.text[piece.start + len(piece.text) :]
            base = ArrayStatement(ArrayForm.STATED, line.line, line.line, piece.text.strip("$"),
                                  stated=shape, cell=line.cell, segments=(piece.segment,),
                                  stride=stride, padding=padding)  # fmt: skip
            named = pieces[k - 2] if k >= 2 and pieces[k - 2].kind == "math" else None
            name = _array_of(named.text) if named is not None else None
            if named is not None and name is not None and _CUE.match(plain_words(between)):
                clause = _clause_before(line.text[: named.start])
                role = None if _OTHER_LAYER.search(plain_words(line.text)) else _role(clause)
                if role is None and lead is not None and lead == name:
                    role = _role(line.text)
                written = line.text[named.start : piece.start + len(piece.text)]
                statement = replace(base, text=written.replace("$", ""), subject=name,
                                    role=role, words=plain_words(clause))  # fmt: skip
                found.append((line.line, piece.start, statement))
                continue
            clause = _clause_before(plain_words(before_text))
            conversion = _CONVERSION.search(clause)
            if (
                conversion is not None
                and _MATRIX_AFTER.match(plain_words(after_text))
                and matmul_context(context_words.get(line.line, ""))
            ):
                statement = replace(base, form=ArrayForm.CONVERTED, words=clause,
                                    role=_role(conversion.group("subject")))  # fmt: skip
                found.append((line.line, piece.start, statement))
                continue
            if _RESULT.search(clause):
                found.append((line.line, piece.start, replace(base, words=_RESULT_WORDS)))
                continue
            if lead is not None and re.search(r"维度|形状|shape|dim", plain_words(between), re.I):
                # a glossary line: its name, its words, then the shape
                role = None if _OTHER_LAYER.search(plain_words(line.text)) else _role(line.text)
                statement = replace(base, text=line.text.replace("$", "").strip(),
                                    subject=lead, role=role,
                                    words=plain_words(line.text))  # fmt: skip
                found.append((line.line, piece.start, statement))
    return found


#: A name and its shape in plain words: ``x has shape (2, 3, 4, 4)``, ``w的维度为(8, 3, 3, 3)``.
_PLAIN_SHAPE = re.compile(
    r"(?<![A-Za-z0-9_\\])(?P<name>[A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?)(?![A-Za-z0-9])\s*"
    r"(?:(?:has|have|is\s+of|of|with)\s+(?:the\s+)?shape|(?:的)?(?:维度|形状)\s*(?:为|是)?)"
    r"\s*[:\uff1a=]?\s*(?P<shape>[(\uff08][^()\uff08\uff09]*[)\uff09])"
    r"|(?<![A-Za-z0-9_\\])(?P<bare>[A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?)\s*"
    r"(?P<numbers>[(\uff08]\s*\d+(?:\s*[,\uff0c]\s*\d+)+\s*[)\uff09])",
    re.IGNORECASE,
)


def _plain_statements(
    line: SourceLine, piece: Any, stride: tuple[int, ...] | None, padding: Any
) -> list[tuple[int, int, ArrayStatement]]:
    """Shapes written in plain text, with no math: ``the kernel w has shape (8, 3, 3, 3)``."""
    found = []
    for match in _PLAIN_SHAPE.finditer(piece.text):
        written = match.group("shape") or match.group("numbers")
        written = written.replace("\uff08", "(").replace("\uff09", ")").replace("\uff0c", ",")
        shape = read_shape(written)
        name = _name_of(match.group("name") or match.group("bare"))
        if shape is None or name is None:
            continue
        offset = piece.start + match.start()
        clause = _clause_before(line.text[:offset])
        role = None if _OTHER_LAYER.search(plain_words(line.text)) else _role(clause)
        span = (piece.segment, match.start(), match.end())
        statement = ArrayStatement(ArrayForm.STATED, line.line, line.line, match.group(0),
                                   subject=name, stated=shape, role=role,
                                   words=plain_words(clause), cell=line.cell, spans=(span,),
                                   stride=stride, padding=padding)  # fmt: skip
        found.append((line.line, offset, statement))
    return found


def _glossary_lead(line: SourceLine) -> str | None:
    """The math a glossary line starts with (``$z^l$ 卷积输出结果…``, ``- $W$: weights``),
    when words follow it; None for any other line."""
    pieces = [piece for piece in line.pieces if piece.text.strip()]
    if len(pieces) < 2:
        return None
    first = pieces[0]
    if first.kind == "text":
        if re.fullmatch(r"\s*(?:[-*+]|\d+[.)])\s*", first.text) and len(pieces) > 2:
            first = pieces[1]
        else:
            return None
    return first.text if first.kind == "math" else None


def _glossary_name(line: SourceLine) -> ArrayName | None:
    """The name a glossary line starts with, or None."""
    lead = _glossary_lead(line)
    return _name_of(lead) if lead is not None else None


# ----------------------------------------------------------------------------------------------
# The scope
# ----------------------------------------------------------------------------------------------
def _context_words(lines: Sequence[SourceLine]) -> dict[int, str]:
    """For each line, the prose of its section up to the end of its paragraph (the im2col cue
    may be a sentence before the shape, or the line itself)."""
    words: dict[int, str] = {}
    section: list[str] = []
    for line in lines:
        if line.heading is not None:
            section = []
            continue
        section.append(line.text)
        words[line.line] = " ".join(section)
    return words


def _words_at(context: Mapping[int, str], line: int) -> str:
    """The section's prose up to ``line`` (the paragraph of the latest prose line before it)."""
    before = [number for number in context if number <= line]
    return context[max(before)] if before else ""


def array_scope(segments: Sequence[Segment]) -> ArrayScope:
    """The document's array statements in order, with their layer groups (module docstring)."""
    lines = source_lines(segments)
    context = _context_words(lines)
    keyed: list[tuple[int, int, int, ArrayStatement]] = []
    for index, segment in enumerate(segments):
        if segment.kind != "math":
            continue
        space = _in_space(index, segment, lines)
        if space is not None:
            keyed.append((segment.cell or 0, segment.line, segment.column, space))
            continue
        if not _may_be_code(segment.text):
            continue
        words = _words_at(context, segment.line)
        for offset, statement in _math_statements(index, segment):
            statement = replace(statement, words=words)
            keyed.append((segment.cell or 0, segment.line, segment.column + offset, statement))
    for line_number, offset, statement in _prose_statements(lines, context):
        keyed.append((statement.cell or 0, line_number, offset, statement))
    keyed.sort(key=lambda item: item[:3])
    statements = _with_results(_grouped([item[3] for item in keyed], lines))
    return ArrayScope(tuple(statements))


#: ``X \\in \\mathbb{R}^{N \\times C \\times H \\times W}``: a name and its shape.
_IN_SPACE = re.compile(
    r"^\s*(?P<name>[^=,]+?)\s*(?:\\in|\u2208)\s*"
    r"(?:\\mathbb\s*\{\s*R\s*\}|\\mathbf\s*\{\s*R\s*\}|\\R\b|\u211d)\s*\^\s*\{(?P<dims>.+)\}\s*$"
)


def _in_space(index: int, segment: Segment, lines: Sequence[SourceLine]) -> ArrayStatement | None:
    """``$X \\in \\mathbb{R}^{N \\times C \\times H \\times W}$``: a shape stated for ``X``,
    its role from the words before it on its line."""
    match = _IN_SPACE.match(normalised(segment.text))
    if match is None:
        return None
    dims = re.split(r"\\times|\u00d7|,", match.group("dims"))
    shape = read_shape("(" + ", ".join(dims) + ")")
    name = _array_of(match.group("name"))
    if shape is None or not isinstance(name, ArrayName):
        return None
    words = ""
    for line in lines:
        for piece in line.pieces:
            if piece.segment == index:
                words = _clause_before(line.text[: piece.start])
    role = None if _OTHER_LAYER.search(plain_words(words)) else _role(words)
    return ArrayStatement(ArrayForm.STATED, segment.line, segment.end_line, segment.text.strip(),
                          subject=name, stated=shape, role=role, words=plain_words(words),
                          cell=segment.cell, segments=(index,))  # fmt: skip


_CODE_HINT = re.compile(
    r"\.\s*[A-Za-z]|np\.|\\partial|dim\s*=|shape\s*=|@|\^\s*\{?\s*(?:T|\\top)\b|\\begin\{\w*matrix\}"
    r"|[A-Za-z](?:_\{?\w+\}?)?(?:\^\{?[\w\-+()]+\}?)?\s*[A-Za-z\\]",
)


def _may_be_code(text: str) -> bool:
    if "dim" in text or re.search(r"np\.|numpy\.|\.\s*(?:reshape|transpose|sum|T\b)", text):
        return True
    if _NAMED_NUMBERS.match(text) or _ARROW.search(text):
        return True
    return "=" in text and _CODE_HINT.search(text) is not None


def _grouped(statements: list[ArrayStatement], lines: Sequence[SourceLine]) -> list[ArrayStatement]:
    """Number the statements that describe one layer together: shapes with roles stated in one
    paragraph, or in one run of glossary lines."""
    paragraph: dict[int, int] = {}
    glossary_run: dict[int, int] = {}
    number = run = 0
    previous: SourceLine | None = None
    in_run = False
    for line in lines:
        if previous is None or line.line != previous.line + 1 or line.heading is not None:
            number += 1
        paragraph[line.line] = number
        if _glossary_lead(line) is not None:
            if not in_run:
                run += 1
            in_run = True
            glossary_run[line.line] = run
        elif line.text.strip():
            in_run = False
        previous = line
    result = []
    for statement in statements:
        if statement.role is None or statement.form is not ArrayForm.STATED:
            result.append(statement)
            continue
        if statement.line in glossary_run:
            group = 1_000_000 + glossary_run[statement.line]
        else:
            group = paragraph.get(statement.line, 0)
        result.append(replace(statement, group=group))
    return result


def _with_results(statements: list[ArrayStatement]) -> list[ArrayStatement]:
    """*结果的维度为 (…)*: the shape of the code of the display just before it."""
    result: list[ArrayStatement] = []
    for statement in statements:
        if statement.words == _RESULT_WORDS and statement.subject is None:
            earlier = [
                s
                for s in result
                if s.code is not None
                and 0 <= statement.line - s.end_line <= 4
                and s.cell == statement.cell
            ]
            if not earlier:
                continue
            text = f"the result of line {earlier[-1].line}: {statement.text}"
            statement = replace(statement, subject=earlier[-1].code, text=text)
        result.append(statement)
    return result


# ----------------------------------------------------------------------------------------------
# Claims
# ----------------------------------------------------------------------------------------------
def _claimable(scope: ArrayScope, position: int) -> bool:
    """A statement that says something to check: a shape stated for code (or for a name code
    defined), a definition with a shape to meet, a gradient, an im2col matrix, a layer's
    shapes stated together."""
    statement = scope.statements[position]
    subject = statement.subject
    marks = layer_marks(statement.text)
    if statement.form is ArrayForm.CONVERTED:
        return True
    if statement.form is ArrayForm.GRADIENT:
        # a gradient of an array whose shape the document gives (else: an index formula's
        # business, judged as a derivative)
        env = environment(scope, position)
        return isinstance(subject, ArrayName) and env.binding(subject.key, marks) is not None
    if statement.form is ArrayForm.DEFINED:
        if subject is None:
            return False
        if statement.stated is not None or statement.displayed is not None:
            return True
        if _rearranges_an_error(statement):
            return True  # the error of what an earlier line rearranged, rearranged back
        env = environment(scope, position)
        found = env.binding(subject.key, marks) if isinstance(subject, ArrayName) else None
        if found is None or not found.stated or found.marks != marks:
            return False
        evaluated = env.evaluate(statement.code, marks) if statement.code is not None else None
        return evaluated is not None and (
            evaluated.shape is not None or evaluated.error is not None
        )
    if not isinstance(subject, ArrayName):
        return subject is not None
    env = environment(scope, position)
    found = env.binding(subject.key, marks)
    if found is not None and not found.stated:
        return True  # the shape of what code defined
    if statement.role is None or statement.group is None:
        return False
    members = [s for s in scope.statements if s.group == statement.group and s.role]
    roles = {s.role for s in members}
    kernels = [s.stated for s in members if s.role is Role.KERNEL]
    # a 2-d convolution's layer: a kernel of four axes and the input it takes
    return Role.INPUT in roles and any(k is not None and len(k) == 4 for k in kernels)


def _rearranges_an_error(statement: ArrayStatement) -> bool:
    from symconv.check.array_values import is_error, rearranged

    if statement.code is None or isinstance(statement.code, ArrayName):
        return False
    moved = rearranged(statement.code)
    return moved is not None and is_error(moved.key)


def add_array_claims(
    segments: Sequence[Segment],
    claims: Sequence[Claim],
    statement_claims: Mapping[tuple[int, int], Sequence[Claim]],
    context: DocumentContext,
    *,
    with_problem: bool = False,
) -> tuple[tuple[Claim, ...], dict[tuple[int, int], tuple[Claim, ...]]]:
    """The claims with each array statement that says something to check as a claim of kind
    ``shape`` (module docstring), recorded in ``context``. A statement takes the place of the
    reading's claims of the same math that nothing could judge (an unparsed formula; without a
    problem set — ``with_problem`` False — also a fact, an answer, an algebra claim), and a
    definition that is no claim of its own still takes an unparsed formula's place (its shape
    is a better message than "could not read")."""
    by_statement = {key: tuple(found) for key, found in statement_claims.items()}
    scope = array_scope(segments)
    if not scope.statements:
        return tuple(claims), by_statement
    replaced: dict[int, Claim] = {}
    placed: list[Claim] = []
    used: set[int] = set()
    next_id = max((claim.id for claim in claims), default=0) + 1
    kinds = _UNREAD if with_problem else _UNREAD | _UNCHECKED
    for position, statement in enumerate(scope.statements):
        covered = _covered(statement, segments, claims, by_statement, kinds)
        unread = any(claim.kind in _UNREAD for claim in covered)
        rereads = unread and statement.form is ArrayForm.DEFINED and statement.subject is not None
        if not _claimable(scope, position) and not rereads:
            continue
        if any(isinstance(claim.facts, (SizeFacts, SizeFormulaFacts)) for claim in covered):
            continue  # the size statement's claim judges these words
        if statement.form in (ArrayForm.DEFINED, ArrayForm.STATED) and _judged_elsewhere(
            statement, claims, by_statement
        ):
            continue  # a matrix, an index formula: another judge decides the same math
        fresh = [claim for claim in covered if claim.id not in used]
        if fresh:
            origin = fresh[0].origin
        else:
            origin = replace(_origin(statement, claims), id=next_id)
            next_id += 1
        used.add(origin.id)
        facts = ArrayFacts(position, scope)
        sides = (sp.Tuple(*statement.stated),) if statement.stated is not None else ()
        claim = Claim(statement.line, statement.end_line, statement.text, ClaimKind.SHAPE, None,
                      sides, "=", facts, origin)  # fmt: skip
        for old in covered:
            replaced.setdefault(old.id, claim)
        if not fresh:
            placed.append(claim)
        context.add_claim(claim)
    merged: list[Claim] = []
    emitted: set[int] = set()
    for claim in claims:
        while placed and (placed[0].origin.cell or 0, placed[0].line) < (
            claim.origin.cell or 0,
            claim.line,
        ):
            merged.append(placed.pop(0))
        if claim.id not in replaced:
            merged.append(claim)
            continue
        new = replaced[claim.id]
        if id(new) not in emitted:
            emitted.add(id(new))
            merged.append(new)
    merged.extend(placed)
    by_statement = {
        key: tuple(replaced.get(claim.id, claim) for claim in found)
        for key, found in by_statement.items()
    }
    return tuple(merged), by_statement


#: Claims of the reading a statement takes the place of: formulas nothing could read, and —
#: without a problem set, whose answers they may be — what nothing else judges in the
#: document alone.
_UNREAD = frozenset({ClaimKind.UNPARSED, ClaimKind.AMBIGUOUS})
_UNCHECKED = frozenset(
    {ClaimKind.FACT, ClaimKind.ANSWER, ClaimKind.SHAPE, ClaimKind.ALGEBRA, ClaimKind.DEFINITION}
)


#: Code, not notation: a method call, ``np.``, ``.T``.
_CODE_TEXT = re.compile(r"\.\s*[A-Za-z_]\w*\s*\(|\bnp\.|\.T\b")
#: What the reading makes of code it takes for notation (``w_t = w.T``: an index formula).
_MISREAD_CODE = frozenset({ClaimKind.INDEX_FORMULA, ClaimKind.ALGEBRA, ClaimKind.MATRIX})


def _judged_elsewhere(
    statement: ArrayStatement,
    claims: Sequence[Claim],
    by_statement: Mapping[tuple[int, int], Sequence[Claim]],
) -> bool:
    """True if the reading made a claim of the statement's math that another judge decides
    (not one nothing could read or check)."""
    indices = set(statement.segments)
    code = _CODE_TEXT.search(statement.text) is not None
    for key, found in by_statement.items():
        if key[0] not in indices:
            continue
        for claim in found:
            if claim.kind in _UNREAD or claim.kind in _UNCHECKED:
                continue
            if code and claim.kind in _MISREAD_CODE:
                continue  # NumPy code read as index notation or algebra: a misreading
            if statement.line <= claim.line <= statement.end_line:
                return True
    return False


def _covered(
    statement: ArrayStatement,
    segments: Sequence[Segment],
    claims: Sequence[Claim],
    by_statement: Mapping[tuple[int, int], Sequence[Claim]],
    kinds: frozenset[ClaimKind],
) -> list[Claim]:
    """The claims the reading made of the statement's segments, on its lines."""
    indices = set(statement.segments)
    within = {
        claim.id for key, found in by_statement.items() if key[0] in indices for claim in found
    }
    for index, start, end in statement.spans:  # words in plain text: the claims read from them
        within |= {
            claim.id
            for key, found in by_statement.items()
            if key[0] == index and key[1] < 0
            for claim in found
            if _overlaps(claim, start, end)
        }
    texts = [segments[i].text.strip() for i in indices]
    covered = []
    for claim in claims:
        if claim.origin.cell != statement.cell:
            continue
        if claim.line > statement.end_line or claim.end_line < statement.line:
            continue
        if isinstance(claim.facts, (SizeFacts, SizeFormulaFacts)):
            if any(text and text in claim.text for text in texts):
                covered.append(claim)
            continue
        if claim.kind not in kinds and not (
            claim.kind in _MISREAD_CODE and _CODE_TEXT.search(statement.text)
        ):
            continue
        written = any(text and (text in claim.text or claim.text in text) for text in texts)
        if claim.id in within or written:
            covered.append(claim)
    return covered


def _overlaps(claim: Claim, start: int, end: int) -> bool:
    """True if a claim read from prose covers characters ``start:end`` of its segment."""
    span = getattr(claim.facts, "span", None)
    return span is not None and span[0] < end and start < span[1]


def _origin(statement: ArrayStatement, claims: Sequence[Claim]) -> Origin:
    before = [c for c in claims if c.origin.cell == statement.cell and c.line <= statement.line]
    if before:
        near = before[-1].origin
        return Origin(scope=near.scope, heading=near.heading, cell=statement.cell)
    return Origin(cell=statement.cell)

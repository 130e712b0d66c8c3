"""Shapes a document states in prose: a name and its shape, a glossary line, the result of a
display, the matrices of im2col; and the role the words give an array in its layer.

* **a name and its shape** — ``输入特征图 $a$ 维度为 $(1,3,4,4)$``, ``卷积核 $w$ 为 $(8, 3, 3,
  3)$``, ``$W$ has shape $(3, 4)$``, in plain text ``x has shape (2, 3, 8, 8)``, ``w的维度为(8,
  3, 3, 3)``, ``a (16,3,128,128)``: the name (in math, or a letter) right before the words
  (*维度为*, *的维度为*, *为*, *has shape*, *of shape*, *dim*) or right before its numbers;
* **a glossary line** — ``$z^l$ 卷积输出结果 … 维度为 $(B,C^l,H^l,W^l)$``: the name it starts
  with;
* **the result** — *结果的维度为 (…)*, *the result has shape (…)*: the code of the display
  just before (:mod:`symconv.check.read_arrays` ties it);
* **im2col** — *卷积核转为 $(3*2*2,2)$ 的矩阵*, *the input is unrolled into a $(1, 9, 12)$
  matrix*, in a section that turns the convolution into a matrix product (*矩阵乘法*, *matrix
  multiplication*, *im2col*, *GEMM*).

The words before a name (or a glossary line's words) give its **role** in the layer —
*输入特征图*/*input*, *卷积核*/*kernel*/*filter*/*weights*, *偏置*/*bias*, *输出*/*output* —
except in a sentence about a layer whose shapes run otherwise (transposed, grouped, depthwise).

    >>> from symconv.check.lines import source_lines
    >>> from symconv.check.markdown import split_document
    >>> doc = "The input x has shape (2, 3, 8, 8) and the bias b has shape (4,).\\n"
    >>> [(s.subject.text, s.role.value, s.stated) for _, _, s in
    ...  prose_statements(source_lines(split_document(doc)), {})]
    [('x', 'input', (2, 3, 8, 8)), ('b', 'bias', (4,))]
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from symconv.check.array_code import ArrayName, ArrayNode, read_array_code
from symconv.check.array_shapes import read_shape
from symconv.check.array_statements import ArrayForm, ArrayStatement, Role
from symconv.check.lines import Piece, SourceLine
from symconv.check.size_premises import UNREAD_LAYERS, plain_words, read_premise
from symconv.core.patterns import TextPattern, lazy_compile
from symconv.errors import ParseError

__all__ = [
    "RESULT_WORDS",
    "array_of",
    "clause_before",
    "glossary_lead",
    "matmul_context",
    "prose_statements",
    "role_of",
    "unrolls_windows",
]


_CUE = lazy_compile(
    r"^\s*(?:的)?\s*(?:(?:维度|形状|大小|尺寸|shape|dimensions?|size)\s*)?"
    r"(?:为|是|[:\uff1a=]|(?:is|are)\s+(?:of\s+)?(?:shape|size|dimensions?)"
    r"|ha(?:s|ve)\s+(?:the\s+)?(?:shape|size|dimensions?)"
    r"|of\s+shape|with\s+shape|dim\s*=?|shape)\s*$",
    re.IGNORECASE,
)
_ROLE_WORDS: tuple[tuple[Role, TextPattern], ...] = tuple(
    (role, lazy_compile(pattern, re.IGNORECASE))
    for role, pattern in (
        (Role.KERNEL, r"卷积核|过滤器|滤波器|权重|权值|\bkernels?\b|\bfilters?\b|\bweights?\b"),
        (Role.BIAS, r"偏置|\bbias(?:es)?\b"),
        (Role.OUTPUT, r"输出|\boutput\b"),
        (Role.INPUT, r"输入|\binput\b"),
    )
)
_CLAUSE_END = lazy_compile("[\uff0c,\uff1b;\u3002.!?\uff01\uff1f\n]")


def role_of(words: str) -> Role | None:
    """The role the last role word of ``words`` names."""
    best: tuple[int, Role] | None = None
    for role, pattern in _ROLE_WORDS:
        for match in pattern.finditer(words):
            if best is None or match.start() >= best[0]:
                best = (match.start(), role)
    return best[1] if best is not None else None


def clause_before(text: str) -> str:
    ends = list(_CLAUSE_END.finditer(text))
    return text[ends[-1].end() :] if ends else text


def _name_of(piece_text: str) -> ArrayName | None:
    node = array_of(piece_text)
    return node if isinstance(node, ArrayName) else None


def array_of(piece_text: str) -> ArrayNode | None:
    """The array a math piece writes (a name or code), or None."""
    try:
        return read_array_code(piece_text.strip("$"))
    except ParseError:
        return None


_CONVERSION = lazy_compile(
    r"(?P<subject>卷积核|过滤器|权重|输入特征图|输入图像|输入数据|输入|\bkernels?\b|\bfilters?\b"
    r"|\bweights?\b|\binputs?(?:\s+(?:feature\s+map|image|volume))?\b|\bimages?\b)"
    "[^\uff0c,\uff1b;\u3002.]{0,12}?"
    r"(?:转为|转化为|转换为|转成|变为|变成|展开为|展开成|展成|重排为|reshaped\s+(?:in)?to|unrolled\s+(?:in)?to"
    r"|flattened\s+(?:in)?to|rearranged\s+(?:in)?to|becomes?|turned\s+into|converted\s+(?:in)?to)"
    r"\s*(?:an?\s+|the\s+)?$",
    re.IGNORECASE,
)
_MATRIX_AFTER = lazy_compile(r"^\s*(?:的)?\s*(?:矩阵|matrix|array|张量|tensor)", re.IGNORECASE)
_MATMUL_CONTEXT = lazy_compile(
    r"矩阵乘|矩阵相乘|matrix\s+(?:multiplication|product)|\bim2col\b|\bGEMM\b|\bmatmul\b",
    re.IGNORECASE,
)


def matmul_context(words: str) -> bool:
    """True if the words turn a convolution into a matrix product (im2col).

    >>> matmul_context("将卷积运算转化为矩阵乘法运算"), matmul_context("we add the bias")
    (True, False)
    """
    return _MATMUL_CONTEXT.search(words) is not None


#: Words that describe im2col: each window (a kernel's position, a patch) unrolled into a row
#: or a column.
_UNROLLING = lazy_compile(
    r"(?:卷积核|窗口|感受野)[^\u3002.]{0,12}?(?:展成|展开成?|拉成|排成)[^\u3002.]{0,4}?(?:一行|一列|行|列)"
    r"|(?:each|every)\s+(?:window|patch|receptive\s+field|kernel\s+position)[^.]{0,60}?"
    r"(?:row|column)"
    r"|(?:patch(?:es)?|windows?)\s+(?:as|into|become|becomes|are)\s+(?:the\s+)?(?:rows|columns)",
    re.IGNORECASE,
)


def unrolls_windows(words: str) -> bool:
    """True if the words describe each window unrolled into a row or a column (im2col).

    >>> unrolls_windows("将每一个卷积核停留处的对应数值展成一行"), unrolls_windows("transpose it")
    (True, False)
    """
    return _UNROLLING.search(words) is not None


#: The words of a shape stated for "the result" (of the display before it).
RESULT_WORDS = "the result"
_RESULT = lazy_compile(
    r"(?:结果|the\s+result|its\s+result)\s*(?:的)?\s*(?:维度|形状|大小|shape|size|dimensions?)?"
    r"\s*(?:为|是|[:\uff1a=]|is|has(?:\s+shape)?|of\s+shape)\s*$",
    re.IGNORECASE,
)


def prose_statements(
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
            name = array_of(named.text) if named is not None else None
            if named is not None and name is not None and _CUE.match(plain_words(between)):
                clause = clause_before(line.text[: named.start])
                role = None if UNREAD_LAYERS.search(plain_words(line.text)) else role_of(clause)
                if role is None and lead is not None and lead == name:
                    role = role_of(line.text)
                written = line.text[named.start : piece.start + len(piece.text)]
                statement = replace(base, text=written.replace("$", ""), subject=name,
                                    role=role, words=plain_words(clause))  # fmt: skip
                found.append((line.line, piece.start, statement))
                continue
            clause = clause_before(plain_words(before_text))
            conversion = _CONVERSION.search(clause)
            if (
                conversion is not None
                and _MATRIX_AFTER.match(plain_words(after_text))
                and matmul_context(context_words.get(line.line, ""))
            ):
                statement = replace(base, form=ArrayForm.CONVERTED, words=clause,
                                    role=role_of(conversion.group("subject")))  # fmt: skip
                found.append((line.line, piece.start, statement))
                continue
            if _RESULT.search(clause):
                found.append((line.line, piece.start, replace(base, words=RESULT_WORDS)))
                continue
            if lead is not None and re.search(r"维度|形状|shape|dim", plain_words(between), re.I):
                # a glossary line: its name, its words, then the shape
                role = None if UNREAD_LAYERS.search(plain_words(line.text)) else role_of(line.text)
                statement = replace(base, text=line.text.replace("$", "").strip(),
                                    subject=lead, role=role,
                                    words=plain_words(line.text))  # fmt: skip
                found.append((line.line, piece.start, statement))
    return found


#: A name and its shape in plain words: ``x has shape (2, 3, 4, 4)``, ``w的维度为(8, 3, 3, 3)``.
_PLAIN_SHAPE = lazy_compile(
    r"(?<![A-Za-z0-9_\\])(?P<name>[A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?)(?![A-Za-z0-9])\s*"
    r"(?:(?:has|have|is\s+of|of|with)\s+(?:the\s+)?shape|(?:的)?(?:维度|形状)\s*(?:为|是)?)"
    r"\s*[:\uff1a=]?\s*(?P<shape>[(\uff08][^()\uff08\uff09]*[)\uff09])"
    r"|(?<![A-Za-z0-9_\\])(?P<bare>[A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?)\s*"
    r"(?P<numbers>[(\uff08]\s*\d+(?:\s*[,\uff0c]\s*\d+)+\s*[)\uff09])",
    re.IGNORECASE,
)


def _plain_statements(
    line: SourceLine, piece: Piece, stride: tuple[int, ...] | None, padding: Any
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
        clause = clause_before(line.text[:offset])
        role = None if UNREAD_LAYERS.search(plain_words(line.text)) else role_of(clause)
        span = (piece.segment, match.start(), match.end())
        statement = ArrayStatement(ArrayForm.STATED, line.line, line.line, match.group(0),
                                   subject=name, stated=shape, role=role,
                                   words=plain_words(clause), cell=line.cell, spans=(span,),
                                   stride=stride, padding=padding)  # fmt: skip
        found.append((line.line, offset, statement))
    return found


def glossary_lead(line: SourceLine) -> str | None:
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
    lead = glossary_lead(line)
    return _name_of(lead) if lead is not None else None

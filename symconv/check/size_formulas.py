"""Size formulas whose letters the document names: a glossary, then the formula.

``W: input width``, ``F: filter size``, ``S: stride``, ``P: padding``, ``O: output width`` and then
``O = (W + 2P − F) / S + 1``; ``$f^{(l)}$ - spatial size of the kernel`` and then ``w^{(l+1)}_{img}
= w^{(l)}_{img} − f^{(l)} + 1``; ``s * r + (k - s) where s is the stride of the higher layer, r the
receptive field size of the current layer and k the kernel size of the higher layer``; a formula in
words, ``output size = (input size + 2 * padding - kernel size) / stride + 1``. Each letter takes
the role its description gives (:func:`role_in_words`), or its own name gives
(:func:`symbol_role`: ``n_H^{[l−1]}`` is the input height, ``p`` the padding); a size letter with a
layer index (``w^{(l)}``, ``w^{(l+1)}``) is the input of the layer when it has the lower index and
the output when it has the higher. A formula is read only when every letter has a role, and its
left side (or the words before it) says what it computes: an output size, or the receptive field
on a layer's input from the one on its output. :mod:`symconv.check.judges.layers` compares it
with the engine's.

    >>> from symconv.check.lines import source_lines
    >>> from symconv.check.markdown import split_document
    >>> doc = ("W: input width  \\nF: kernel size  \\nS: stride  \\nP: padding  \\n"
    ...        "O: output width  \\nO = (W + 2P - F) / S + 1  \\n")
    >>> [(s.line, str(s.facts.written), s.facts.quantity) for s in
    ...  formula_statements(source_lines(split_document(doc)))]
    [(6, '1 + (i - k + 2*p)/s', 'output size')]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import sympy as sp

from symconv.check.lines import SourceLine
from symconv.check.networks import SizeFormulaFacts, SizeStatement
from symconv.check.size_premises import UNREAD_LAYERS
from symconv.core.patterns import TextPattern, lazy_compile
from symconv.errors import ParseError

__all__ = ["formula_statements", "role_in_words", "symbol_role"]

#: Roles, each with the letter it is written with in the canonical formula.
ROLE_LETTERS = {
    "input": "i",
    "output": "o",
    "kernel": "k",
    "stride": "s",
    "padding": "p",
    "dilation": "d",
    "field": "r",
    "size": "n",  # a layer's size: input or output by its layer index
}

_ROLE_WORDS: tuple[tuple[str, TextPattern], ...] = tuple(
    (role, lazy_compile(pattern, re.IGNORECASE))
    for role, pattern in (
        ("field", r"receptive\s+field|感受野"),
        ("padding", r"padding|\bpad\b|填充"),
        ("stride", r"stride|步长"),
        ("dilation", r"dilation|膨胀"),
        (
            "kernel",
            r"(?:kernel|filter|window|pool(?:ing)?)\s*(?:size|width|height|extent)|size\s+of\s+the\s+"
            r"(?:kernel|filter)|spatial\s+size\s+of\s+the\s+(?:kernel|filter)|卷积核(?:大小|尺寸)"
            r"|(?:number\s+of\s+)?(?:rows|columns|width|height)\s+of\s+(?:the\s+|a\s+|each\s+)?"
            r"(?:kernel|filter|window)",
        ),
        ("output", r"output\s*(?:size|width|height|length|dimension)?|输出(?:大小|尺寸|宽度)?"),
        ("input", r"input\s*(?:size|width|height|length|dimension)?|输入(?:大小|尺寸|宽度)?"),
        (
            "size",
            r"(?:size|width|height|dimensions?)\s+of\s+(?:the\s+)?(?:first\s+(?:2|two)\s+dimensions\s+of\s+"
            r"(?:the\s+)?)?(?:layer|feature\s+map|image|map)",
        ),
    )
)  # fmt: skip


def role_in_words(description: str) -> str | None:
    """The role a description gives a letter (``"input width"`` → ``input``).

    >>> role_in_words("padding size on the border"), role_in_words("spatial size of the kernel")
    ('padding', 'kernel')
    >>> role_in_words("size of first 2 dimensions of the layer"), role_in_words("a number")
    ('size', None)
    """
    for role, pattern in _ROLE_WORDS:
        if pattern.search(description):
            return role
    return None


#: A name as written in math or plain text: a letter (or a command) with sub- and superscripts.
_NAME = lazy_compile(r"\\?[A-Za-z]+(?:\s*(?:_\s*\{[^{}]*\}|_\s*\w|\^\s*\{[^{}]*\}|\^\s*\w))*")
_LAYER_INDEX = lazy_compile(r"^\(?\[?\s*([a-zA-Z])\s*(?:([+\-−–])\s*(\d+))?\s*\]?\)?$")


@dataclass(frozen=True)
class _Name:
    """A name split into its base (letter and subscripts) and its layer index, if any."""

    base: str
    layer: int | None  # offset from the layer letter: l → 0, l+1 → 1, l−1 → −1


def _split_name(text: str) -> _Name:
    superscripts = re.findall(r"\^\s*(\{[^{}]*\}|\w)", text)
    base = re.sub(r"\^\s*(?:\{[^{}]*\}|\w)", "", text)
    base = re.sub(r"[{}\s]", "", base)
    layer = None
    for script in superscripts:
        inner = script.strip("{}").strip()
        match = _LAYER_INDEX.match(inner)
        if match is not None and match.group(1) in "lLkt":
            sign = -1 if match.group(2) in ("-", "−", "–") else 1
            layer = sign * int(match.group(3)) if match.group(3) else 0
    return _Name(base, layer)


def symbol_role(text: str) -> str | None:
    """The role a name gives itself in this field's notation: ``n_H^{[l−1]}`` an input size,
    ``n_H^{[l]}`` an output size, ``p``/``P`` the padding, ``f``/``k`` the kernel, ``s`` the stride.

    >>> symbol_role("n_H^{[l−1]}"), symbol_role("n_W^{[l]}"), symbol_role("f"), symbol_role("x")
    ('input', 'output', 'kernel', None)
    """
    from symconv.check.size_bindings import role_of

    found = role_of(text)
    if found is None:
        return None
    quantity = found[0].value
    return {
        "input size": "input",
        "output size": "output",
        "kernel size": "kernel",
        "stride": "stride",
        "padding": "padding",
    }.get(quantity)


# ----------------------------------------------------------------------------------------------
# Glossaries
# ----------------------------------------------------------------------------------------------
_ENTRY = lazy_compile(
    r"^\s*(?:[-*+]\s+)?((?:\$+[^$]+\$+|[A-Za-z]\w{0,3})(?:\s*(?:,|and|&)\s*(?:\$+[^$]+\$+|[A-Za-z]\w{0,3}))*)"
    r"\s*(?:[:\uff1a]|\s[-\u2013\u2014]\s|\s+(?:is|are|denotes?|stands\s+for)\s)\s*(.+)$"
)
_WHERE = lazy_compile(r"\bwhere\b(.+)$", re.IGNORECASE)
#: ``Let $h$ be the input height, $f_r$ the number of rows of the filter and $s$ the stride.``:
#: a glossary in one sentence, for the rest of the document.
_LET = lazy_compile(r"\blet\b(.+?)(?:\.(?:\s|$)|$)", re.IGNORECASE)
_WHERE_ITEM = lazy_compile(
    r"(?:^|,|\band\b)\s*\$?([A-Za-z](?:_\{?\w+\}?)?)\$?\s+(?:is\s+|are\s+|be\s+|denotes\s+)?(?:the\s+)?([^,]+?)(?=,|\band\b|$)",
    re.IGNORECASE,
)


def _entries(text: str) -> list[tuple[str, str]]:
    """``(name, description)`` of a glossary line: ``W: input width``, ``$f^{(l)}$ - spatial
    size of the kernel``, ``$w$ and $h$ - size of …`` (each name the same description)."""
    match = _ENTRY.match(text)
    if match is None:
        return []
    names = re.split(r"\s*(?:,|\band\b|&)\s*", match.group(1))
    description = match.group(2)
    return [(name.strip("$ "), description) for name in names if name.strip("$ ")]


def _where_entries(text: str, clause: TextPattern = _WHERE) -> list[tuple[str, str]]:
    """``where s is the stride of the higher layer, r the receptive field size …`` (or, with
    ``clause`` :data:`_LET`, ``Let $h$ be the input height, $s$ the stride``)."""
    match = clause.search(text)
    if match is None:
        return []
    return [(m.group(1), m.group(2)) for m in _WHERE_ITEM.finditer(match.group(1))]


# ----------------------------------------------------------------------------------------------
# Formulas
# ----------------------------------------------------------------------------------------------
#: Phrases of a formula in words, replaced by their role's letter (longest first).
_PHRASES: tuple[tuple[TextPattern, str], ...] = tuple(
    (lazy_compile(pattern, re.IGNORECASE), letter)
    for pattern, letter in (
        (r"output\s+(?:size|width|height|length)", "o"),
        (r"input\s+(?:size|width|height|length)", "i"),
        (r"(?:kernel|filter)\s+(?:size|width|height)", "k"),
        (r"(?:padding|pad)(?:\s+size)?", "p"),
        (r"stride(?:\s+size)?", "s"),
        (r"dilation(?:\s+rate)?", "d"),
    )
)
#: A formula in words, once its phrases are letters: each letter is its role.
_LETTER_ROLES = {letter: role for role, letter in ROLE_LETTERS.items() if role != "size"}
_PLAIN_FORMULA = lazy_compile(
    r"(?<![\w$\\])([A-Za-z]\w{0,3})\s*=\s*([A-Za-z\d\s+\-−*/×·()^]+?)\s*(?=$|[,;.]\s|\s{2,}|\s*\Z)"
)
_BARE_FORMULA = lazy_compile(r"(?:is|are|:)\s*([A-Za-z\d\s+\-−*/×·()]+?[A-Za-z)][\s)]*)\s+where\b")
_OPERATORS = lazy_compile(r"[+\-−*/×·]")
#: Words that make the name right after them an output size: ``The output height is $h' = …$``.
_OUTPUT_SAID = lazy_compile(
    r"\boutput\s+(?:size|width|height|length|dimension)s?\s*(?:is|will\s+be|becomes|:)?\s*$",
    re.IGNORECASE,
)


def formula_statements(lines: Sequence[SourceLine]) -> list[SizeStatement]:
    """The size formulas of the document whose letters all have a role (module docstring)."""
    glossary: dict[str, str] = {}
    found: list[SizeStatement] = []
    for paragraph in _paragraphs(lines):
        text = " ".join(line.text for line in paragraph)
        if UNREAD_LAYERS.search(text):
            continue  # a transposed convolution's output size is another formula
        local = dict(glossary)
        local.update(
            {_split_name(n).base: r for n, d in _where_entries(text) if (r := role_in_words(d))}
        )
        for line in paragraph:
            for name, description in [*_entries(line.text), *_where_entries(line.text, _LET)]:
                role = role_in_words(description)
                if role is not None:
                    glossary[_split_name(name).base] = role
                    local[_split_name(name).base] = role
            found.extend(_line_formulas(line, local, text))
    return found


def _paragraphs(lines: Sequence[SourceLine]) -> list[list[SourceLine]]:
    paragraphs: list[list[SourceLine]] = []
    for line in lines:
        if (
            paragraphs
            and paragraphs[-1][-1].cell == line.cell
            and paragraphs[-1][-1].line + 1 == line.line
            and line.heading is None
        ):
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
    return paragraphs


def _line_formulas(
    line: SourceLine, glossary: dict[str, str], paragraph: str
) -> list[SizeStatement]:
    found = []
    candidates: list[tuple[str, str | None, tuple[int, ...]]] = []
    said = ""  # the words before the piece: "The output height is $h_{new} = …$"
    for piece in line.pieces:
        if piece.kind == "math" and "=" in piece.text:
            latex = piece.text.strip("$")
            sides = re.split(r"(?<![<>!])=(?!=)", latex)
            if len(sides) == 2:
                candidates.append((sides[1], sides[0], (piece.segment,)))
                if _OUTPUT_SAID.search(said):
                    glossary = {**glossary, _split_name(sides[0].strip()).base: "output"}
        said = said + piece.text if piece.kind == "text" else ""
    text = "".join(p.text if p.kind == "text" else " " * len(p.text) for p in line.pieces)
    for match in _PLAIN_FORMULA.finditer(text):
        if _OPERATORS.search(match.group(2)) and re.search(r"[A-Za-z]", match.group(2)):
            candidates.append((match.group(2), match.group(1), ()))
    worded = _in_letters(text)
    if worded is not None:
        statement = _formula(line, worded[0], worded[1], _LETTER_ROLES, paragraph, ())
        if statement is not None:
            found.append(replace(statement, text=text.strip()))
    bare = _BARE_FORMULA.search(text)
    if bare is not None and _OPERATORS.search(bare.group(1)):
        candidates.append((bare.group(1), None, ()))
    for right_side, left_side, segments in candidates:
        statement = _formula(line, right_side, left_side, glossary, paragraph, segments)
        if statement is not None:
            found.append(statement)
    return found


def _in_letters(text: str) -> tuple[str, str] | None:
    """A formula in words with each role phrase as its letter (``output size = (input size + 2 *
    padding - kernel size) / stride + 1`` → ``(i + 2 * p - k) / s + 1``, left ``o``)."""
    if text.count("=") != 1:
        return None
    left, right = text.split("=")
    for pattern, letter in _PHRASES:
        left = pattern.sub(f" {letter} ", left)
        right = pattern.sub(f" {letter} ", right)
    left = left.strip()
    if not re.fullmatch(r"[a-z]", left) or not re.fullmatch(r"[\sa-z\d+\-*/()]+", right.strip()):
        return None
    if not _OPERATORS.search(right):
        return None
    return right.strip(), left


def _formula(
    line: SourceLine,
    right_side: str,
    left_side: str | None,
    glossary: dict[str, str],
    paragraph: str,
    segments: tuple[int, ...],
) -> SizeStatement | None:
    matches = [m for m in _NAME.finditer(right_side) if not m.group(0).startswith("\\")]
    names = [m.group(0) for m in matches]
    if not names:
        return None
    roles: dict[str, str] = {}
    layers: dict[str, int | None] = {}
    for name in names:
        split = _split_name(name)
        role = _role(name, split, glossary)
        if role is None:
            return None
        roles[name] = role
        layers[name] = split.layer
    if left_side is not None:
        left = _split_name(left_side.strip())
        left_role = _role(left_side.strip(), left, glossary)
        if left_role == "size" and left.layer is not None:
            left_role = "output"
    else:
        left = None
        # a bare formula after words naming the receptive field (one layer down)
        named = "field" in roles.values() and re.search(r"receptive\s+field", paragraph, re.I)
        left_role = "field_in" if named else None
    if left_role not in ("output", "field_in"):
        return None
    resolved: dict[str, str] = {}
    for name, role in roles.items():
        layer = layers[name]
        if role == "size":
            if left is None or left.layer is None or layer is None:
                return None
            role = "input" if layer < left.layer else "output"
        resolved[name] = role
    canonical, position = "", 0
    for match in matches:  # each name by its span: "f" inside "\\dfrac" is no name
        canonical += (
            right_side[position : match.start()] + f" {ROLE_LETTERS[resolved[match.group(0)]]} "
        )
        position = match.end()
    canonical += right_side[position:]
    roles = resolved
    if sum(1 for name in roles if roles[name] == "kernel") > 1:
        return None  # kernels of several layers: a stack, not one layer
    from symconv.check.parser import parse_expression

    canonical = re.sub(r"\\(?:times|cdot)", "*", canonical).replace("−", "-").replace("×", "*")
    try:
        written = parse_expression(canonical)
    except ParseError:
        return None
    if not isinstance(written, sp.Expr):
        return None
    quantity = "output size" if left_role == "output" else "receptive field"
    shown: dict[str, str] = {}
    for name, role in roles.items():
        shown.setdefault(ROLE_LETTERS[role], name.strip())
    if left_side is not None:
        shown.setdefault("o", left_side.strip())
    facts = SizeFormulaFacts(quantity, written, tuple(shown.items()))
    text = f"{left_side.strip()} = {right_side.strip()}" if left_side else right_side.strip()
    return SizeStatement(line.line, line.line, text, facts, line.cell, segments)


def _role(name: str, split: _Name, glossary: dict[str, str]) -> str | None:
    if split.base in glossary:
        return glossary[split.base]
    return symbol_role(name)

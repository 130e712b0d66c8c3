"""Values bound to the letters of a size formula, or to a tensor's name.

* A size formula with its letters bound: ``n_H^{[l]} = (n_H^{[l−1]} + 2p − f)/s + 1`` with
  ``n_H^{[l−1]} = 127, p = 0, f = 5, s = 2``: each binding states the question's value of the
  quantity its letter's role names (:func:`role_of`: the input height, the padding, the kernel,
  the stride), and *we get 62* the output.
* A size named by its letter and computed: ``n_H = \\dfrac{121 − 5 + 4}{1} + 1`` after *the
  output volume has*.
* A named tensor: ``δ(16, 8, 127, 127)`` after words naming the output (its error, its gradient:
  the same shape) states the output's shape, and the same name with a shape again later in the
  section states it again.
"""

from __future__ import annotations

import re

import sympy as sp

from symconv.check.lines import SourceLine
from symconv.check.networks import PlacedNetwork, Quantity, SizeFacts, SizeStatement
from symconv.check.size_labels import Token
from symconv.check.size_values import read_count
from symconv.core.patterns import TextPattern, lazy_compile

__all__ = ["bound_formulas", "named_size", "named_tensors", "role_of"]


_BEFORE_LAYER = lazy_compile(
    r"\^\s*\{?\s*[\[(]\s*[lL]\s*[-−–]\s*1\s*[\])]\s*\}?|_\s*\{?\s*(?:in|input)\s*\}?(?![a-z])"
)
_AFTER_LAYER = lazy_compile(
    r"\^\s*\{?\s*[\[(]\s*[lL]\s*[\])]\s*\}?|_\s*\{?\s*(?:out|output)\s*\}?(?![a-z])"
)
_ROLE_LETTERS: tuple[tuple[TextPattern, Quantity, int | None], ...] = tuple(
    (lazy_compile(pattern), quantity, axis)
    for pattern, quantity, axis in (
        (r"n_?H|H", Quantity.OUTPUT_SIZE, 0),
        (r"n_?W|W", Quantity.OUTPUT_SIZE, 1),
        (r"n_?[Cc]|C", Quantity.OUTPUT_CHANNELS, None),
        (r"[nNoOiI]", Quantity.OUTPUT_SIZE, None),
        (r"[pP]|pad", Quantity.PADDING, None),
        (r"[fFkK]", Quantity.KERNEL, None),
        (r"[sS]", Quantity.STRIDE, None),
    )
)  # fmt: skip
_INPUT_OF = {
    Quantity.OUTPUT_SIZE: Quantity.INPUT_SIZE,
    Quantity.OUTPUT_CHANNELS: Quantity.INPUT_CHANNELS,
}


def role_of(name: str, side: str | None = None) -> tuple[Quantity, int | None] | None:
    """The quantity a letter of a size formula stands for, by the role its name gives it:
    ``n_H^{[l−1]}`` the input height, ``n_H^{[l]}`` the output height, ``p`` the padding,
    ``f`` the kernel, ``s`` the stride. A size whose name does not say input or output takes
    ``side`` (``"input"``, ``"output"``), else it has no role.

    >>> roles = (role_of("n_H^{[l−1]}"), role_of("p"), role_of("n_H", "output"))
    >>> [(quantity.value, axis) for quantity, axis in roles]
    [('input size', 0), ('padding', None), ('output size', 0)]
    >>> role_of("n_H") is None, role_of("x") is None
    (True, True)
    """
    text = re.sub(r"\\(?:mathrm|text|mathit)\s*", "", name.strip())
    if _BEFORE_LAYER.search(text):
        side = "input"
    elif _AFTER_LAYER.search(text):
        side = "output"
    base = _AFTER_LAYER.sub("", _BEFORE_LAYER.sub("", text))
    base = re.sub(r"[{}\s]", "", base)
    for pattern, quantity, axis in _ROLE_LETTERS:
        if not pattern.fullmatch(base):
            continue
        if quantity in _INPUT_OF:
            if side is None and base in ("o", "O"):
                side = "output"
            if side is None:
                return None
            return (_INPUT_OF[quantity] if side == "input" else quantity), axis
        return quantity, axis
    return None


_BINDING = lazy_compile(r"^\s*(?:and\s+|以及|和)?(.+?)\s*=\s*([\d,.{}\s]+?)\s*$", re.IGNORECASE)
_RESULT_CUE = lazy_compile(
    r"(?:we\s+get|gives?|get|gets|is|are|equals?|=|得到?|为|是)\s*\$?\s*(\d+)\b", re.IGNORECASE
)


def bound_formulas(line: SourceLine, placed: PlacedNetwork) -> list[SizeStatement]:
    """A size formula with its letters bound (``n_H^{[l]} = … with n_H^{[l−1]} = 127, p = 0``):
    each binding states the question's value of its letter, *we get 62* the output."""
    formula: tuple[Quantity, int | None] | None = None
    found: list[SizeStatement] = []
    last_end = 0
    for piece in line.pieces:
        if piece.kind != "math":
            continue
        latex = piece.text.strip("$")
        if formula is None:
            match = re.fullmatch(r"\s*([^=]+?)\s*=\s*(.+)", latex)
            role = role_of(match.group(1)) if match else None
            if match is None or role is None or role[0] is not Quantity.OUTPUT_SIZE:
                continue
            if not re.search(r"[A-Za-z]", re.sub(r"\\[A-Za-z]+", "", match.group(2))):
                continue
            formula = role
            last_end = piece.start + len(piece.text)
            continue
        for binding in _top_level(latex, ","):
            match = _BINDING.match(binding)
            if match is None:
                continue
            role = role_of(match.group(1))
            value = read_count(match.group(2))
            if role is None or value is None:
                continue
            statement = _bound(line, placed, role, value, f"{match.group(1).strip()} = {value}",
                               piece.segment)  # fmt: skip
            if statement is not None:
                found.append(statement)
        last_end = piece.start + len(piece.text)
    if formula is None or not found:
        return []
    result = _RESULT_CUE.search(line.text[last_end:])
    if result is not None:
        statement = _bound(line, placed, formula, sp.Integer(int(result.group(1))),
                           result.group(1), None)  # fmt: skip
        if statement is not None:
            found.append(statement)
    return found


def _top_level(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` outside braces and brackets."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        depth += 1 if char in "{[(" else -1 if char in "}])" else 0
        if char == separator and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _bound(
    line: SourceLine,
    placed: PlacedNetwork,
    role: tuple[Quantity, int | None],
    value: sp.Integer,
    text: str,
    segment: int | None,
) -> SizeStatement | None:
    quantity, axis = role
    network = placed.network
    if len(network.layers) != 1:
        return None
    facts = SizeFacts(quantity, value, network, 0, 1, axis=axis, about=network.source)
    segments = (segment,) if segment is not None else ()
    return SizeStatement(line.line, line.line, text, facts, line.cell, segments)


def named_size(
    line: SourceLine, placed: PlacedNetwork, token: Token, before: str
) -> SizeStatement | None:
    """``n_H = \\dfrac{121 − 5 + 4}{1} + 1`` after *the output volume has*: a size named by its
    letter, computed."""
    match = re.fullmatch(r"\s*\$?\s*([^=$]+?)\s*=\s*([^=$]+?)\s*\$?\s*", token.text)
    if match is None:
        return None
    side = "output" if re.search(r"output|输出", before, re.IGNORECASE) else None
    side = "input" if side is None and re.search(r"input|输入", before, re.IGNORECASE) else side
    role = role_of(match.group(1), side)
    if role is None or role[0] not in (Quantity.OUTPUT_SIZE, Quantity.INPUT_SIZE):
        return None
    from symconv.check.parser import parse_expression
    from symconv.errors import ParseError

    try:
        value = parse_expression(match.group(2))
    except ParseError:
        return None
    if not isinstance(value, sp.Integer):
        return None
    return _bound(line, placed, role, value, token.text.strip("$ "), token.segments[0])


_NAMED_TUPLE = lazy_compile(
    r"(\\?[A-Za-z\u0370-\u03ff]+(?:_\{?[\w\\]+\}?)?(?:\^\{?(?:\\prime|[\u2032'])+\}?|[\u2032'])*)"
    r"\s*(\(\s*\d+(?:\s*,\s*\d+)+\s*\))"
)
#: The tensor words before a name say whose shape it has (the last said wins).
_SIDE = lazy_compile(r"\b(?:output|input)\b|输出|输入", re.IGNORECASE)
_GREEK = {"\\delta": "δ", "\\Delta": "Δ", "\\sigma": "σ", "\\epsilon": "ε", "\\theta": "θ"}


def _tensor_name(name: str) -> str:
    """``\\delta`` and ``δ`` are one name; spaces and braces do not count."""
    for command, letter in _GREEK.items():
        name = name.replace(command, letter)
    return re.sub(r"[{}\s]", "", name).replace("\\prime", "\u2032").replace("'", "\u2032")


def named_tensors(
    line: SourceLine,
    placed: PlacedNetwork,
    token: Token,
    before: str,
    names: dict[str, tuple[Quantity, int]],
) -> list[SizeStatement]:
    """``δ(16, 8, 127, 127)`` after words naming the output (its error, its gradient: the same
    shape), and the same name with a shape again later in the section; the message says where
    the name was tied to the output (``the data on line 153 (δ: named with its output on line
    156)``)."""
    found = []
    for position, match in enumerate(_NAMED_TUPLE.finditer(token.text)):
        name = _tensor_name(match.group(1))
        side = _SIDE.findall(before)[-1].lower() if position == 0 and _SIDE.search(before) else ""
        if side:
            output = side.startswith(("output", "输出"))
            quantity = Quantity.OUTPUT_SHAPE if output else Quantity.INPUT_SHAPE
            names[name] = (quantity, line.line)
        if name not in names or len(placed.network.layers) != 1:
            continue
        quantity, named_on = names[name]
        sizes = tuple(sp.Integer(int(n)) for n in re.findall(r"\d+", match.group(2)))
        whose = "output" if quantity is Quantity.OUTPUT_SHAPE else "input"
        about = placed.network.source
        if named_on != line.line:
            about += f" ({name}: named with its {whose} on line {named_on})"
        facts = SizeFacts(quantity, sizes, placed.network, 0, 1, about=about)
        text = f"{match.group(1).strip()}{match.group(2)}"
        found.append(SizeStatement(line.line, line.line, text, facts, line.cell, token.segments))
    return found

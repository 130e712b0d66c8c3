"""Display math that fits a printed page: LaTeX math read into a small tree, its width estimated,
long formulas broken at their top-level operators, wide matrices elided.

pdflatex does not break a display: a formula wider than the line runs into the margin
(``Overfull \\hbox``). The write-up is printed by Python, so the layout is decided here, the way a
typesetter breaks a long equation by hand (*The TeXbook*, ch. 19, "Breaking long displayed
formulas"; amsmath's ``align`` rows):

* break *before* a binary operator or relation of the formula's outermost level, and indent the
  continuation (``&\\quad {}+ …``); a product breaks before a factor, with ``\\times``;
* a ``\\left( … \\right)`` too wide for one line is opened into ``\\Bigl( … \\Bigr)`` — sized by
  hand, so the two may sit on different lines — and broken inside;
* a fraction whose numerator is too wide, ``\\frac{a + b + …}{c}``, becomes
  ``\\frac{1}{c}\\Bigl(a + b + …\\Bigr)``, the same value;
* a matrix too wide keeps its first and last columns with ``\\cdots`` between them; a note says
  which columns are left out (the Markdown and JSON write-ups hold every entry).

Widths are estimated in points for an 11 pt Computer Modern display (glyph widths of cmmi/cmr at
10.95 pt, TeX's math spacing: thin 3mu, medium 4mu, thick 5mu). The estimate errs on the wide side;
the document still guards every line with a box that is scaled down only if TeX measures it
wider than its space (``\\symconvfit`` in :mod:`symconv.problems.render_tex`).

    >>> rows = break_formula(r"a + b + c + d", first=40, rest=40)
    >>> [row.latex for row in rows]
    ['a + b', '{}+ c + d']
    >>> round(width(r"\\frac{\\partial J}{\\partial Z[i, j]}"))
    39
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from symconv.core.patterns import lazy_compile

# -- the tree -------------------------------------------------------------------------------------
GlyphKind = Literal["ord", "bin", "rel", "punct", "open", "close", "op", "space"]


@dataclass(frozen=True)
class Glyph:
    """One symbol, command or space, with its TeX atom class."""

    text: str
    kind: GlyphKind = "ord"


@dataclass(frozen=True)
class Group:
    """``{…}``."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class Command:
    """A command with braced arguments: ``\\frac{a}{b}``, ``\\text{…}``, ``\\mathcal{O}``."""

    name: str
    arguments: tuple[tuple[Node, ...], ...]
    raw: tuple[str, ...] = ()  # arguments kept as written (``\\text``)


@dataclass(frozen=True)
class Scripted:
    """A base with a subscript and/or a superscript."""

    base: Node
    sub: tuple[Node, ...] | None = None
    sup: tuple[Node, ...] | None = None


@dataclass(frozen=True)
class Fenced:
    """Delimiters around a sequence: ``\\left( … \\right)`` (``size="left"``) or a plain pair
    ``( … )``, ``[ … ]`` (``size=""``)."""

    opening: str
    children: tuple[Node, ...]
    closing: str
    size: str = "left"


@dataclass(frozen=True)
class Environment:
    """``\\begin{name}…\\end{name}``: rows of cells (a matrix, ``aligned``, ``cases``)."""

    name: str
    rows: tuple[tuple[tuple[Node, ...], ...], ...]


Node = Glyph | Group | Command | Scripted | Fenced | Environment

MATRICES = {"matrix", "bmatrix", "pmatrix", "vmatrix", "Bmatrix", "Vmatrix", "smallmatrix"}
_FRACTIONS = {"frac", "dfrac", "tfrac", "binom", "cfrac"}
_ONE_ARGUMENT = {
    "mathcal", "mathbf", "mathrm", "mathit", "mathsf", "mathbb", "boldsymbol", "hat", "bar",
    "tilde", "vec", "dot", "ddot", "overline", "underline", "widehat", "widetilde", "sqrt",
    "substack", "operatorname", "mathop", "mathrel", "mathbin", "mathord", "mbox",
    "text", "textrm", "textit", "textbf", "texttt", "textsf", "pmod",
}  # fmt: skip
_TEXT_ARGUMENT = {"text", "textrm", "textit", "textbf", "texttt", "textsf", "mbox", "operatorname"}
_BINARY = {
    "+", "-", "*", r"\cdot", r"\times", r"\wedge", r"\vee", r"\pm", r"\mp", r"\otimes",
    r"\oplus", r"\odot", r"\circ", r"\setminus", r"\cup", r"\cap", r"\bmod", r"\star", r"\ast",
}  # fmt: skip
_RELATIONS = {
    "=", "<", ">", r"\leq", r"\geq", r"\le", r"\ge", r"\neq", r"\ne", r"\approx", r"\in",
    r"\notin", r"\equiv", r"\to", r"\rightarrow", r"\leftarrow", r"\mapsto", r"\sim",
    r"\simeq", r"\subset", r"\subseteq", r"\Rightarrow", r"\Leftrightarrow", r"\iff",
    r"\propto", r"\coloneqq", ":",
}  # fmt: skip
_LARGE_OPERATORS = {r"\sum", r"\prod", r"\int", r"\oint", r"\bigcup", r"\bigcap", r"\coprod"}
_NAMED_OPERATORS = {
    r"\max", r"\min", r"\sup", r"\inf", r"\lim", r"\log", r"\ln", r"\exp", r"\sin", r"\cos",
    r"\tan", r"\tanh", r"\det", r"\arg", r"\deg", r"\dim", r"\ker", r"\gcd",
}  # fmt: skip
_OPENING = {"(", "[", r"\{", r"\lfloor", r"\lceil", r"\langle", "|", r"\|", r"\lvert", "."}
_CLOSING = {")", "]", r"\}", r"\rfloor", r"\rceil", r"\rangle", "|", r"\|", r"\rvert", "."}

_TOKEN = lazy_compile(r"\\[A-Za-z]+\*?|\\.|[{}^_&]|\s+|.", re.DOTALL)


# -- reading --------------------------------------------------------------------------------------
def parse(latex: str) -> tuple[Node, ...]:
    """LaTeX math as a sequence of nodes (unknown commands are glyphs; nothing is rejected).

    >>> [type(n).__name__ for n in parse(r"\\sum_{k} \\frac{a}{b} \\left(x + 1\\right) f(x)")]
    ['Scripted', 'Command', 'Fenced', 'Glyph', 'Fenced']
    """
    tokens = list(_TOKEN.findall(latex))
    nodes, _ = _sequence(tokens, 0, stop=())
    return tuple(_pair_brackets(nodes))


def _sequence(tokens: list[str], index: int, stop: tuple[str, ...]) -> tuple[list[Node], int]:
    nodes: list[Node] = []
    while index < len(tokens):
        token = tokens[index]
        if token in stop:
            return nodes, index
        if token.isspace():
            index += 1
            continue
        if token in ("^", "_"):
            argument, index = _argument(tokens, index + 1)
            base = nodes.pop() if nodes else Glyph("")
            nodes.append(_attach(base, token, argument))
            continue
        node, index = _node(tokens, index)
        nodes.append(node)
    return nodes, index


def _attach(base: Node, marker: str, argument: tuple[Node, ...]) -> Scripted:
    if isinstance(base, Scripted) and marker == "_" and base.sub is None:
        return replace(base, sub=argument)
    if isinstance(base, Scripted) and marker == "^" and base.sup is None:
        return replace(base, sup=argument)
    if marker == "_":
        return Scripted(base, sub=argument)
    return Scripted(base, sup=argument)


def _argument(tokens: list[str], index: int) -> tuple[tuple[Node, ...], int]:
    """One argument: a braced group's content, or one token."""
    while index < len(tokens) and tokens[index].isspace():
        index += 1
    if index >= len(tokens):
        return (), index
    if tokens[index] == "{":
        children, index = _sequence(tokens, index + 1, stop=("}",))
        return tuple(_pair_brackets(children)), index + 1
    node, index = _node(tokens, index)
    return (node,), index


def _raw_argument(tokens: list[str], index: int) -> tuple[str, int]:
    """A braced argument as written (the text of ``\\text{…}``)."""
    while index < len(tokens) and tokens[index].isspace():
        index += 1
    if index >= len(tokens) or tokens[index] != "{":
        return (tokens[index] if index < len(tokens) else ""), index + 1
    depth, text = 0, ""
    while index < len(tokens):
        token = tokens[index]
        depth += (token == "{") - (token == "}")
        index += 1
        if depth == 0:
            break
        text += token
    return text[1:], index


def _node(tokens: list[str], index: int) -> tuple[Node, int]:
    token = tokens[index]
    if token == "{":
        children, index = _sequence(tokens, index + 1, stop=("}",))
        return Group(tuple(_pair_brackets(children))), index + 1
    if token == r"\left":
        opening, index = _delimiter(tokens, index + 1)
        children, index = _sequence(tokens, index, stop=(r"\right",))
        closing, index = _delimiter(tokens, index + 1)
        return Fenced(opening, tuple(_pair_brackets(children)), closing), index
    if token == r"\begin":
        name, index = _raw_argument(tokens, index + 1)
        return _environment(tokens, index, name)
    name = token[1:]
    if token.startswith("\\") and name in _FRACTIONS:
        numerator, index = _argument(tokens, index + 1)
        denominator, index = _argument(tokens, index)
        return Command(name, (numerator, denominator)), index
    if token.startswith("\\") and name in _TEXT_ARGUMENT:
        text, index = _raw_argument(tokens, index + 1)
        return Command(name, (), raw=(text,)), index
    if token.startswith("\\") and name in _ONE_ARGUMENT:
        argument, index = _argument(tokens, index + 1)
        return Command(name, (argument,)), index
    return Glyph(token, _kind(token)), index + 1


def _delimiter(tokens: list[str], index: int) -> tuple[str, int]:
    while index < len(tokens) and tokens[index].isspace():
        index += 1
    return (tokens[index] if index < len(tokens) else "."), index + 1


def _environment(tokens: list[str], index: int, name: str) -> tuple[Environment, int]:
    rows: list[tuple[tuple[Node, ...], ...]] = []
    cells: list[tuple[Node, ...]] = []
    while index < len(tokens):
        children, index = _sequence(tokens, index, stop=("&", r"\\", r"\end"))
        cells.append(tuple(_pair_brackets(children)))
        token = tokens[index] if index < len(tokens) else r"\end"
        if token == "&":
            index += 1
            continue
        rows.append(tuple(cells))
        cells = []
        if token == r"\\":
            index += 1
            continue
        _, index = _raw_argument(tokens, index + 1)
        break
    return Environment(name, tuple(rows)), index


def _kind(token: str) -> GlyphKind:
    if token in _BINARY:
        return "bin"
    if token in _RELATIONS:
        return "rel"
    if token in (",", ";"):
        return "punct"
    if token in _LARGE_OPERATORS or token in _NAMED_OPERATORS:
        return "op"
    if token in ("(", "[", r"\lfloor", r"\lceil", r"\langle"):
        return "open"
    if token in (")", "]", r"\rfloor", r"\rceil", r"\rangle"):
        return "close"
    if token in (r"\,", r"\;", r"\:", r"\!", r"\ ", r"\quad", r"\qquad", "~"):
        return "space"
    return "ord"


def _pair_brackets(nodes: Sequence[Node]) -> list[Node]:
    """Plain ``( … )``, ``[ … ]`` and ``\\lfloor … \\rfloor`` matched into :class:`Fenced`
    (``size=""``): a formula never breaks inside them."""
    pairs = {"(": ")", "[": "]", r"\lfloor": r"\rfloor", r"\lceil": r"\rceil"}
    out: list[Node] = []
    stack: list[tuple[str, int]] = []
    for node in nodes:
        out.append(node)
        if not isinstance(node, Glyph):
            continue
        if node.text in pairs:
            stack.append((node.text, len(out) - 1))
        elif stack and node.text == pairs[stack[-1][0]]:
            opening, start = stack.pop()
            inner = tuple(out[start + 1 : -1])
            del out[start:]
            out.append(Fenced(opening, inner, node.text, size=""))
    return out


# -- printing -------------------------------------------------------------------------------------
def to_latex(nodes: Sequence[Node]) -> str:
    """The nodes as LaTeX again (spacing normalised).

    >>> print(to_latex(parse(r"\\left(a+b\\right)^{2} \\frac{1}{h} X[i, j]")))
    \\left(a + b\\right)^{2} \\frac{1}{h} X[i, j]
    """
    out = ""
    for node in nodes:
        text = _latex(node)
        if not text:
            continue
        tight = (isinstance(node, Glyph) and node.kind in ("punct", "close")) or (
            isinstance(node, Fenced) and not node.size
        )
        if (out and out[-1] in "([{") or text.startswith("'"):
            tight = True
        if re.search(r"\\[A-Za-z]+$", out) and text[0].isalpha():
            tight = False
        out += ("" if tight or not out else " ") + text
    return out


def _latex(node: Node) -> str:
    if isinstance(node, Glyph):
        return node.text
    if isinstance(node, Group):
        return "{" + to_latex(node.children) + "}"
    if isinstance(node, Command):
        if node.raw:
            return f"\\{node.name}" + "".join("{" + text + "}" for text in node.raw)
        return f"\\{node.name}" + "".join("{" + to_latex(a) + "}" for a in node.arguments)
    if isinstance(node, Scripted):
        text = _latex(node.base)
        if node.sub is not None:
            text += "_{" + to_latex(node.sub) + "}"
        if node.sup is not None:
            text += "^{" + to_latex(node.sup) + "}"
        return text
    if isinstance(node, Fenced):
        inner = to_latex(node.children)
        if node.size:
            return rf"\left{node.opening}{inner}\right{node.closing}"
        return f"{node.opening}{inner}{node.closing}"
    rows = [" & ".join(to_latex(cell) for cell in row) for row in node.rows]
    return rf"\begin{{{node.name}}}" + r"\\".join(rows) + rf"\end{{{node.name}}}"


# -- widths ---------------------------------------------------------------------------------------
#: Widths in points at 11 pt (cmmi10/cmr10 × 1.095): narrow, wide and other letters, digits.
_NARROW = set("ijltfrsI") | {"'", "!", "."}
_WIDE = set("mwMWQOCGDHNUKX")
_COMMAND_WIDTHS = {
    r"\partial": 6.3, r"\infty": 11.0, r"\dots": 14.6, r"\ldots": 14.6, r"\cdots": 14.6,
    r"\vdots": 4.0, r"\ddots": 14.6, r"\nabla": 9.1, r"\lfloor": 5.0, r"\rfloor": 5.0,
    r"\lceil": 5.0, r"\rceil": 5.0, r"\langle": 4.3, r"\rangle": 4.3, r"\{": 5.5, r"\}": 5.5,
    r"\|": 5.5, r"\sum": 16.0, r"\prod": 14.0, r"\int": 10.0, r"\quad": 11.0, r"\qquad": 22.0,
    r"\,": 1.8, r"\;": 3.1, r"\:": 2.4, r"\!": -1.8, r"\ ": 3.7, "~": 3.7, r"\checkmark": 8.0,
    r"\mathcal": 0.0, r"\prime": 3.0,
}  # fmt: skip
_SCALES = (1.0, 0.7, 0.5)


def width(latex: str | Sequence[Node], level: int = 0) -> float:
    """The estimated width in points of display math at 11 pt (``level`` 1: in a script).

    >>> round(width("a + b"))
    26
    """
    nodes = parse(latex) if isinstance(latex, str) else latex
    return _width_of(nodes, level, display=level == 0)


def _width_of(nodes: Sequence[Node], level: int, display: bool) -> float:
    scale = _SCALES[min(level, 2)]
    total = 0.0
    previous: Node | None = None
    for node in nodes:
        total += _node_width(node, level, display)
        total += _spacing(previous, node) * scale * (level == 0)
        previous = node
    return total


def _spacing(previous: Node | None, node: Node) -> float:
    """TeX's space between atoms: medium around a binary operator, thick around a relation,
    thin after punctuation and around an operator name."""
    kinds = [n.kind if isinstance(n, Glyph) else "ord" for n in (previous, node) if n is not None]
    if "rel" in kinds and previous is not None:
        return 3.05
    if "bin" in kinds and previous is not None:
        return 2.45
    if kinds and kinds[0] == "punct" and previous is not None:
        return 1.85
    if "op" in kinds and previous is not None:
        return 1.85
    return 0.0


def _glyph_width(text: str) -> float:
    if text in _COMMAND_WIDTHS:
        return _COMMAND_WIDTHS[text]
    if text in _BINARY:
        return 3.1 if text == r"\cdot" else 8.6
    if text in _RELATIONS:
        return 8.6 if text != ":" else 3.1
    if text in _NAMED_OPERATORS:
        return 5.6 * (len(text) - 1)
    if text.startswith("\\"):
        return 6.6  # a Greek letter or another symbol
    if text in "()[]":
        return 4.3
    if text in ",;|/":
        return 3.1 if text != "/" else 5.5
    if text.isdigit():
        return 5.5 * len(text)
    if text in _NARROW:
        return 4.0
    if text in _WIDE:
        return 10.0
    if text.isupper():
        return 8.4
    return 6.0


def _node_width(node: Node, level: int, display: bool) -> float:
    scale = _SCALES[min(level, 2)]
    if isinstance(node, Glyph):
        return _glyph_width(node.text) * scale * (1.0 if node.text != r"\sum" or display else 0.7)
    if isinstance(node, Group):
        return _width_of(node.children, level, display)
    if isinstance(node, Command):
        if node.name in _FRACTIONS:
            inner_level = level if display else level + 1
            parts = [_width_of(a, inner_level, False) for a in node.arguments]
            return max(parts, default=0.0) + 2.4 * scale
        if node.raw:
            letters = sum(5.3 if not c.isspace() else 3.7 for c in node.raw[0])
            return letters * scale + (6.0 * scale if node.name == "operatorname" else 0.0)
        if node.name == "substack":
            lines = _split_rows(node.arguments[0])
            return max((_width_of(line, level, False) for line in lines), default=0.0)
        if node.name == "sqrt":
            return _width_of(node.arguments[0], level, display) + 9.0 * scale
        return sum(_width_of(a, level, display) for a in node.arguments) + (
            2.0 * scale if node.name == "mathcal" else 0.0
        )
    if isinstance(node, Scripted):
        base = _node_width(node.base, level, display)
        scripts = [s for s in (node.sub, node.sup) if s is not None]
        script_width = max((_width_of(s, level + 1, False) for s in scripts), default=0.0)
        if _has_limits(node.base) and display:
            return max(base, script_width)
        return base + script_width + 0.5
    if isinstance(node, Fenced):
        inner = _width_of(node.children, level, display)
        delimiters = 2 * 4.3 * scale
        if node.size and _is_tall(node.children):
            delimiters = 2 * 6.0 * scale
        return inner + delimiters
    return _environment_width(node, level)


def _environment_width(node: Environment, level: int) -> float:
    scale = _SCALES[min(level, 2)]
    columns = max((len(row) for row in node.rows), default=0)
    widths = [0.0] * columns
    for row in node.rows:
        for column, cell in enumerate(row):
            widths[column] = max(widths[column], _width_of(cell, level, False))
    separation = 10.0 if node.name in MATRICES else 20.0
    delimiters = 14.0 if node.name in MATRICES - {"matrix", "smallmatrix"} else 0.0
    return (sum(widths) + separation * max(columns - 1, 0) + delimiters) * scale


def _split_rows(nodes: Sequence[Node]) -> list[list[Node]]:
    rows: list[list[Node]] = [[]]
    for node in nodes:
        if isinstance(node, Glyph) and node.text == r"\\":
            rows.append([])
        else:
            rows[-1].append(node)
    return rows


def _has_limits(node: Node) -> bool:
    return isinstance(node, Glyph) and node.text in _LARGE_OPERATORS | {r"\max", r"\min", r"\lim"}


def is_tall(latex: str) -> bool:
    """Whether a formula holds a fraction, a large operator with limits or a matrix (set in a
    display, not in the line of text).

    >>> is_tall(r"x_{1} + 2"), is_tall(r"\\frac{1}{2}")
    (False, True)
    """
    return _is_tall(parse(latex))


def _is_tall(nodes: Sequence[Node]) -> bool:
    """Whether a sequence holds a fraction, a large operator with limits or a matrix."""
    return any(_tall(node) for node in nodes)


def _tall(node: Node) -> bool:
    if isinstance(node, Command):
        return node.name in _FRACTIONS or any(_is_tall(a) for a in node.arguments)
    if isinstance(node, Scripted):
        return _has_limits(node.base) or _tall(node.base)
    if isinstance(node, Fenced | Group):
        return _is_tall(node.children)
    return isinstance(node, Environment)


# -- breaking -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    """One line of a broken formula: its LaTeX, and whether it continues the line above."""

    latex: str
    continued: bool = False


@dataclass(frozen=True)
class Layout:
    """A formula laid out: its rows, and notes about what was left out (elided matrices)."""

    rows: tuple[Row, ...]
    notes: tuple[str, ...] = ()


def break_formula(latex: str, first: float, rest: float) -> tuple[Row, ...]:
    """``latex`` in rows of at most ``first`` points (the first) and ``rest`` (the others).

    >>> [r.latex for r in break_formula(r"\\frac{a + b + c}{h} + d", first=45, rest=45)]
    ['\\\\frac{1}{h} \\\\bigl(a + b', '{}+ c\\\\bigr) + d']
    """
    return layout_formula(latex, first, rest).rows


def layout_formula(latex: str, first: float, rest: float) -> Layout:
    """:func:`break_formula` with the notes of what was elided to make it fit."""
    nodes = list(parse(latex))
    notes: list[str] = []
    if _width_of(nodes, 0, True) <= first and not _too_tall(nodes):
        return Layout((Row(latex),))
    nodes = _elide_matrices(nodes, rest, notes)
    if _width_of(nodes, 0, True) <= first:
        return Layout((Row(to_latex(nodes)),), tuple(notes))
    for _ in range(8):  # open the widest group until every piece fits (nesting is shallow)
        opened = _open_widest(nodes, rest)
        if opened is None:
            break
        nodes = opened
    lines = _fill(nodes, first, rest)
    rows = tuple(
        Row(("{}" if index and _starts_with_operator(line) else "") + to_latex(line), index > 0)
        for index, line in enumerate(lines)
    )
    return Layout(rows, tuple(notes))


def _starts_with_operator(line: Sequence[Node]) -> bool:
    return bool(line) and isinstance(line[0], Glyph) and line[0].kind in ("bin", "rel")


def _open_widest(nodes: list[Node], budget: float) -> list[Node] | None:
    """The sequence with its widest over-budget group opened (see the module docstring), or
    ``None`` when nothing more can be opened."""
    candidates = [
        (index, node)
        for index, node in enumerate(nodes)
        if _node_width(node, 0, True) > budget * 0.9 and _can_open(node)
    ]
    if not candidates:
        return None
    index, node = max(candidates, key=lambda item: _node_width(item[1], 0, True))
    return nodes[:index] + _opened(node) + nodes[index + 1 :]


def _can_open(node: Node) -> bool:
    if isinstance(node, Fenced):
        return node.size == "left" or (len(node.children) > 1 and _has_break(node.children))
    if isinstance(node, Command) and node.name in ("frac", "dfrac"):
        numerator = node.arguments[0]
        return len(node.arguments) == 2 and _has_break(numerator)
    if isinstance(node, Scripted):
        return node.sub is None and node.sup is None and _can_open(node.base)
    return False


def _has_break(nodes: Sequence[Node]) -> bool:
    return any(isinstance(n, Glyph) and n.kind in ("bin", "rel") for n in nodes[1:])


def _big(nodes: Sequence[Node]) -> str:
    """The hand size of opened delimiters: ``\\Bigl`` around fractions, ``\\biggl`` around
    sums with limits, ``\\bigl`` otherwise."""
    if any(isinstance(n, Scripted) and _has_limits(n.base) for n in nodes):
        return "bigg"
    return "Big" if _is_tall(nodes) else "big"


def _opened(node: Node) -> list[Node]:
    if isinstance(node, Fenced):
        size = _big(node.children)
        opening = Glyph(rf"\{size}l{node.opening}" if node.opening != "." else "", "open")
        closing = Glyph(rf"\{size}r{node.closing}" if node.closing != "." else "", "close")
        return [opening, *node.children, closing]
    if isinstance(node, Command):
        numerator, denominator = node.arguments
        one = Command(node.name, ((Glyph("1"),), denominator))
        return [one, *_opened(Fenced("(", numerator, ")"))]
    assert isinstance(node, Scripted)
    return _opened(node.base)


def _fill(nodes: Sequence[Node], first: float, rest: float) -> list[list[Node]]:
    """Lines no wider than their budget: when the next piece does not fit, the line breaks at
    its weakest-binding point (:func:`_pieces`) among those that leave it at least half full;
    a product broken between factors continues with ``\\times``."""
    pieces = list(_pieces(nodes))
    lines: list[list[Node]] = []
    line: list[tuple[list[Node], int]] = []  # the current line's pieces and their priorities
    for piece, priority in pieces:
        budget = first if not lines else rest
        widths = [_width_of(p, 0, True) for p, _ in line]
        if line and sum(widths) + _width_of(piece, 0, True) > budget:
            cut = _best_cut(line, widths, budget, priority)
            lines.append([node for p, _ in line[:cut] for node in p])
            line = line[cut:]
            if line:
                line[0] = (_continued(line[0][0]), line[0][1])
            else:
                piece = _continued(piece)
        line.append((piece, priority))
    lines.append([node for p, _ in line for node in p])
    return [line for line in lines if line]


def _best_cut(
    line: list[tuple[list[Node], int]], widths: list[float], budget: float, next_priority: int
) -> int:
    """Where to end a full line: the weakest-binding break that leaves it half full (the latest
    of equals), or before the next piece."""
    candidates = [(next_priority, -len(line))]
    filled = 0.0
    for index in range(1, len(line)):
        filled += widths[index - 1]
        if filled >= budget / 2:
            candidates.append((line[index][1], -index))
    return -min(candidates)[1]


def _continued(piece: list[Node]) -> list[Node]:
    """A piece that starts a continuation line: a product's next factor gets ``\\times``."""
    if _starts_with_operator(piece):
        return piece
    return [Glyph(r"\times", "bin"), *piece]


def _pieces(nodes: Sequence[Node]) -> Iterator[tuple[list[Node], int]]:
    """The formula cut where it may break, each piece with the priority of the break before it
    (lower breaks first): before each operator of its outer level, and between two factors
    (never after a large operator, an opening or before a closing); ten more per opened
    delimiter the break sits in."""
    piece: list[Node] = []
    priority = 0
    depth = 0
    for index, node in enumerate(nodes):
        if piece and _breaks_before(nodes, index):
            yield piece, priority
            piece = []
            priority = 10 * depth + _break_class(node)
        piece.append(node)
        if isinstance(node, Glyph) and _SIZED.match(node.text):
            depth += {"open": 1, "close": -1}.get(node.kind, 0)
    if piece:
        yield piece, priority


_SIZED = lazy_compile(r"\\[bB]igg?[lr]")


def _break_class(node: Node) -> int:
    """How weakly the operator a line would start with binds: logic 0, relations 1, sums 2,
    products 3, a factor (juxtaposition) 4."""
    if isinstance(node, Glyph) and node.kind in ("bin", "rel"):
        if node.text in (r"\wedge", r"\vee"):
            return 0
        if node.kind == "rel":
            return 1
        return 2 if node.text in ("+", "-") else 3
    return 4


def _breaks_before(nodes: Sequence[Node], index: int) -> bool:
    node, previous = nodes[index], nodes[index - 1]
    if isinstance(node, Glyph) and node.kind in ("bin", "rel"):
        return True
    if isinstance(previous, Glyph) and previous.kind in ("bin", "rel", "open", "op", "punct"):
        return False
    if isinstance(previous, Scripted) and _has_limits(previous.base):
        return False
    if isinstance(node, Glyph):
        return node.kind in ("ord", "op") and _ends_group(previous)
    if isinstance(node, Fenced):  # f(x), X[i], \sigma\left(z\right): an application
        return _ends_group(previous) and not isinstance(previous, Scripted)
    return _factor(previous)


def _ends_group(node: Node) -> bool:
    """Whether ``node`` is a whole factor that a product may break after (not a letter, which
    may be a function's name)."""
    if isinstance(node, Glyph):
        return node.kind == "close"
    return True


def _factor(node: Node) -> bool:
    """Whether ``node`` ends a factor (a product may break after it)."""
    if isinstance(node, Glyph):
        return node.kind in ("ord", "close") and node.text not in ("", ".")
    return True


# -- matrices -------------------------------------------------------------------------------------
#: A matrix with more rows shows its first rows, ``\\vdots`` and its last row.
MAX_ROWS = 12


def _too_tall(nodes: Sequence[Node]) -> bool:
    return any(_matrix(node) is not None and len(_matrix(node).rows) > MAX_ROWS for node in nodes)  # type: ignore[union-attr]


def _matrix(node: Node) -> Environment | None:
    base = node.base if isinstance(node, Scripted) else node
    if isinstance(base, Environment) and base.name in MATRICES:
        return base
    return None


def _elide_matrices(nodes: list[Node], budget: float, notes: list[str]) -> list[Node]:
    """Every matrix taller than :data:`MAX_ROWS` or wider than ``budget`` shown elided, with a
    note of what is left out."""
    out: list[Node] = []
    for node in nodes:
        matrix = _matrix(node)
        if matrix is not None:
            elided = _elided(matrix, budget * (0.9 if isinstance(node, Scripted) else 1.0))
            if elided != matrix:
                notes.append(_elision_note(matrix, elided))
                node = replace(node, base=elided) if isinstance(node, Scripted) else elided
        out.append(node)
    return out


def _elided(matrix: Environment, budget: float) -> Environment:
    rows = len(matrix.rows)
    columns = max(len(row) for row in matrix.rows)
    kept_rows = [*range(MAX_ROWS - 2), None, rows - 1] if rows > MAX_ROWS else list(range(rows))
    kept_columns: list[int | None] = list(range(columns))
    for kept in range(columns, 2, -1):
        kept_columns = (
            list(range(columns)) if kept == columns else [*range(kept - 2), None, columns - 1]
        )
        candidate = _select(matrix, kept_rows, kept_columns)
        if _environment_width(candidate, 0) <= budget:
            return candidate
    return _select(matrix, kept_rows, kept_columns)


def _select(
    matrix: Environment, rows: Sequence[int | None], columns: Sequence[int | None]
) -> Environment:
    """The matrix with only these rows and columns (``None``: the dots of a gap)."""

    def cell(row: int | None, column: int | None) -> tuple[Node, ...]:
        if row is None:
            return (Glyph(r"\ddots" if column is None else r"\vdots"),)
        if column is None:
            return (Glyph(r"\cdots"),)
        cells = matrix.rows[row]
        return cells[column] if column < len(cells) else ()

    return Environment(matrix.name, tuple(tuple(cell(r, c) for c in columns) for r in rows))


def _elision_note(matrix: Environment, elided: Environment) -> str:
    """What an elided matrix leaves out, in words."""
    rows, columns = len(matrix.rows), max(len(row) for row in matrix.rows)
    shown_rows, shown_columns = len(elided.rows), max(len(row) for row in elided.rows)
    gaps = []
    if shown_rows < rows:
        gaps.append(f"rows {shown_rows - 1} to {rows - 1}")
    if shown_columns < columns:
        gaps.append(f"columns {shown_columns - 1} to {columns - 1}")
    return (
        f"The {rows}×{columns} matrix is shown without {' and '.join(gaps)} (dots); "
        "the Markdown and JSON write-ups hold every entry."
    )

"""Array code as people write it in math: NumPy calls, methods, transposes and products.

A derivation that implements a layer writes its arrays the way NumPy spells them, inside
``$…$``: ``w_t = w.reshape(-1, C^l).T``, ``z^l = z_t^l.transpose([0, 2, 1]).reshape(B, C^l,
H^l, W^l) + b.reshape(1, -1, 1, 1)``, ``np.tensordot(\\delta^l_t, (w^l_t)^T, [(2),(0)])``,
``np.sum(\\delta^l_t, axis=(0,1))``, ``a^{l-1}_t w_t`` (two matrices side by side: their
product), ``A @ B``. :func:`read_array_code` turns such text into a small typed tree
(:data:`ArrayNode`), which :mod:`symconv.check.array_shapes` evaluates — to shapes, with the
document's size names, or to values, with NumPy.

The reading:

* a **name** is a letter, a Greek letter (``\\delta``, ``δ``, the mathematical italic ``𝛿``), a
  word (``trans``), or a bold or accented one (``\\mathbf{W}``), with subscripts and
  superscripts in any order (``a^{l-1}_t`` and ``a_t^{l-1}`` are one name,
  :func:`array_key`); a superscript ``T`` (``^T``, ``^{\\top}``, ``^\\intercal``) is a transpose;
* ``x.f(…)`` is a method call, ``x.T`` an attribute, ``np.f(…)`` (also ``numpy.``) a NumPy
  function, ``f(…)`` any other function (whose meaning the document must give);
* ``x[0]``, ``x[:, 1]``, ``x[None]`` index; ``x y`` and ``x @ y`` multiply as matrices,
  ``x + y`` and ``x - y`` add with broadcasting; ``*`` (a convolution in much of the field) is
  kept as written, not read as a product;
* an argument keeps its text (a size, ``H^l\\cdot W^l``, is read by the evaluator), its value when
  it is a literal (``-1``, ``[0, 2, 1]``, ``[(2),(0)]`` — ``(2)`` is the number 2, as in Python —,
  ``axis=(0,1)``, ``True``), and its tree when it is an array.

    >>> node = read_array_code("np.tensordot(\\\\delta^l_t,(w^l_t)^T, [(2),(0)])")
    >>> node.function, [a.literal for a in node.args][2], describe(node.args[1].node)
    ('tensordot', (2, 0), 'w_t^l^T')
    >>> describe(read_array_code("a^{l-1}_tw_t")), describe(read_array_code("a_t[0]"), keys=True)
    ('a_t^{l-1} w_t', 'a_t[0]')
    >>> describe(read_array_code("z_t^l.transpose([0, 2, 1]).reshape(B, C^l, H^l,W^l)+b"))
    'z_t^l.transpose([0, 2, 1]).reshape(B, C^l, H^l, W^l) + b'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from symconv.check.symbols import name_key
from symconv.core.patterns import lazy_compile
from symconv.errors import ParseError

__all__ = [
    "Arg",
    "ArrayCall",
    "ArrayIndex",
    "ArrayName",
    "ArrayNode",
    "ArrayProduct",
    "ArrayScalar",
    "ArraySum",
    "ArrayTranspose",
    "Method",
    "array_key",
    "describe",
    "normalised",
    "read_array_code",
    "read_literal",
    "readable",
]


# ----------------------------------------------------------------------------------------------
# The tree
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ArrayName:
    """A named array: ``key`` compares names (:func:`array_key`), ``text`` is as written."""

    key: str
    text: str


@dataclass(frozen=True)
class ArrayScalar:
    """A number in array code (``2 * x``, ``x / 4``): a scalar, broadcast."""

    value: int | float


@dataclass(frozen=True)
class Arg:
    """An argument: its text, its literal value (None if it is none) and its tree when it reads
    as an array (None otherwise); ``keyword`` for ``axis=(0, 1)``."""

    text: str
    literal: Any = None
    node: ArrayNode | None = None
    keyword: str | None = None


@dataclass(frozen=True)
class Method:
    """``target.name(args)``, or the attribute ``target.name`` (``called`` False: ``x.T``)."""

    target: ArrayNode
    name: str
    args: tuple[Arg, ...] = ()
    called: bool = True


@dataclass(frozen=True)
class ArrayCall:
    """``np.function(args)`` (``numpy`` True) or another function ``f(args)``."""

    function: str
    args: tuple[Arg, ...]
    numpy: bool


@dataclass(frozen=True)
class ArrayTranspose:
    """``x^T``, ``(x)^{\\top}``: the transpose of math (of a matrix)."""

    target: ArrayNode


@dataclass(frozen=True)
class ArrayProduct:
    """``left right`` (side by side), ``left @ right``, or ``left * right`` as written."""

    left: ArrayNode
    right: ArrayNode
    #: "matmul" (side by side or @), "odot" (element-wise), "*" (as written) or "/"
    operator: str


@dataclass(frozen=True)
class ArraySum:
    """``left + right`` or ``left - right`` (with broadcasting)."""

    left: ArrayNode
    right: ArrayNode
    operator: str


@dataclass(frozen=True)
class ArrayIndex:
    """``target[items]``: each item an int, a slice (``":"``) or ``None`` (a new axis)."""

    target: ArrayNode
    items: tuple[Any, ...]


ArrayNode = (
    ArrayName
    | ArrayScalar
    | Method
    | ArrayCall
    | ArrayTranspose
    | ArrayProduct
    | ArraySum
    | ArrayIndex
)


# ----------------------------------------------------------------------------------------------
# Names
# ----------------------------------------------------------------------------------------------
_SPACING = lazy_compile(
    r"\\(?:left|right|big|Big|bigg|Bigg)(?![A-Za-z])|(?<!\\)\\[,;:! ]|\\q?quad\b|~"
)
_GREEK = frozenset(
    {"alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
     "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau",
     "upsilon", "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda",
     "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega", "ell", "nabla"}
)  # fmt: skip
_FONTS = ("mathbf", "boldsymbol", "bm", "mathit", "mathrm", "vec", "mathcal", "hat", "tilde",
          "bar", "overline")  # fmt: skip
_TRANSPOSE = lazy_compile(r"\^\s*(\{\s*([^{}]*(?:\{[^{}]*\})?)\s*\}|\\[A-Za-z]+|[A-Za-z])")
_TRANSPOSE_MARKS = ("T", "\\top", "\\intercal", "\\mathsf{T}", "\\mathrm{T}", "\\mathit{T}")


def normalised(text: str) -> str:
    """Mathematical alphanumerics as plain letters (the italic delta and t of Unicode's
    mathematical block, ``\\U0001d6ff_\\U0001d461``, → ``δ_t``), spacing commands and
    ``\\left``/``\\right`` removed, a trailing ``\\\\`` dropped."""
    text = unicodedata.normalize("NFKC", text)
    text = _SPACING.sub(" ", text)
    text = re.sub(r"\\\\\s*$", "", text.strip())
    return text.replace("\u2032", "'").replace("\u2212", "-")


def readable(key: str) -> str:
    """A name key as a person reads it: ``delta_t^l`` → ``δ_t^l``.

    >>> readable("delta_t^l-1"), readable("Delta_w"), readable("w_t")
    ('δ_t^l-1', 'Δ_w', 'w_t')
    """

    def letter(match: re.Match[str]) -> str:
        name = match.group(0)
        case = "CAPITAL" if name[0].isupper() else "SMALL"
        try:
            return unicodedata.lookup(f"GREEK {case} LETTER {name.upper()}")
        except KeyError:
            return name

    return re.sub(
        r"(?<![A-Za-z])(?:" + "|".join(sorted(_GREEK - {"ell", "nabla"})) + r")(?![A-Za-z])",
        letter,
        key,
    )


def array_key(base: str, sub: str = "", sup: str = "", primes: int = 0) -> str:
    """The key that compares array names: subscripts and superscripts in a fixed order, the
    brackets of a layer superscript dropped, fonts and Greek spelled one way.

    >>> array_key("a", "t", "{l-1}") == array_key("a", "{t}", "(l-1)")
    True
    >>> array_key("\\\\delta", "t", "l"), array_key("δ", "t", "l")
    ('delta_t^l', 'delta_t^l')
    """

    def part(text: str) -> str:
        key = name_key(text.strip())
        key = re.sub(r"^[{(\[]+|[})\]]+$", "", key)
        return key.replace("\\prime", "'")

    base_key = re.sub(r"\\(?:" + "|".join(_FONTS[:6]) + r")\s*\{?([^{}]*)\}?", r"\1", base)
    key = part(base_key) + "'" * primes
    if sub:
        key += "_" + part(sub)
    if sup:
        key += "^" + part(sup)
    return key


# ----------------------------------------------------------------------------------------------
# The reader
# ----------------------------------------------------------------------------------------------
class _Reader:
    """A recursive-descent reader over the normalised text (see the module docstring)."""

    def __init__(self, text: str):
        self.text = text
        self.position = 0

    # -- helpers -------------------------------------------------------------------------------
    def error(self, message: str) -> ParseError:
        return ParseError(f"{message} at column {self.position + 1} of {self.text!r}")

    def skip(self) -> None:
        while self.position < len(self.text) and self.text[self.position].isspace():
            self.position += 1

    def peek(self, token: str) -> bool:
        self.skip()
        return self.text.startswith(token, self.position)

    def take(self, token: str) -> bool:
        if self.peek(token):
            self.position += len(token)
            return True
        return False

    def at_end(self) -> bool:
        self.skip()
        return self.position >= len(self.text)

    def group(self, opening: str, closing: str) -> str:
        """The text up to the matching ``closing`` (the opening already taken)."""
        depth, start = 1, self.position
        while self.position < len(self.text):
            char = self.text[self.position]
            if char in "([{":
                depth += 1
            elif char in ")]}":
                depth -= 1
                if depth == 0:
                    inner = self.text[start : self.position]
                    self.position += 1
                    if char != closing:
                        raise self.error(f"{opening} closed by {char}")
                    return inner
            self.position += 1
        raise self.error(f"an unclosed {opening}")

    # -- grammar -------------------------------------------------------------------------------
    def expression(self) -> ArrayNode:
        node = self.product()
        while True:
            if self.peek("+") or (self.peek("-") and not self.peek("->")):
                operator = self.text[self.position]
                self.position += 1
                node = ArraySum(node, self.product(), operator)
            else:
                return node

    def product(self) -> ArrayNode:
        node = self.postfix()
        while True:
            if self.take("@"):
                node = ArrayProduct(node, self.postfix(), "matmul")
            elif self.take("\\odot") or self.take("\u2299"):
                node = ArrayProduct(node, self.postfix(), "odot")
            elif self.take("*") or self.take("\\cdot") or self.take("\\times"):
                node = ArrayProduct(node, self.postfix(), "*")
            elif self.take("/"):
                node = ArrayProduct(node, self.postfix(), "/")
            elif self.starts_operand():
                node = ArrayProduct(node, self.postfix(), "matmul")
            else:
                return node

    def starts_operand(self) -> bool:
        self.skip()
        if self.position >= len(self.text):
            return False
        char = self.text[self.position]
        if char == "(":
            return True
        if char == "\\":
            command = re.match(r"\\([A-Za-z]+)", self.text[self.position :])
            return command is not None and (
                command.group(1) in _GREEK or command.group(1) in _FONTS
            )
        return char.isalpha()

    def postfix(self) -> ArrayNode:
        node = self.atom()
        while True:
            if self.peek("^"):
                mark = self.transpose_mark()
                if mark is None:
                    raise self.error("a power of an array")
                node = ArrayTranspose(node)
            elif self.peek(".") and re.match(r"\.\s*[A-Za-z]", self.text[self.position :]):
                self.take(".")
                name = self.identifier()
                if self.take("("):
                    node = Method(node, name, self.arguments(self.group("(", ")")))
                else:
                    node = Method(node, name, called=False)
            elif self.take("["):
                node = ArrayIndex(node, _index_items(self.group("[", "]")))
            else:
                return node

    def transpose_mark(self) -> str | None:
        """``^T``, ``^{T}``, ``^{\\top}``: the mark, consumed; anything else: None."""
        match = _TRANSPOSE.match(self.text, self.position)
        if match is None:
            return None
        mark = (match.group(2) if match.group(2) is not None else match.group(1)).strip()
        if mark not in _TRANSPOSE_MARKS:
            return None
        self.position = match.end()
        return mark

    def identifier(self) -> str:
        self.skip()
        match = re.match(r"[A-Za-z][A-Za-z0-9_]*", self.text[self.position :])
        if match is None:
            raise self.error("a name was expected")
        self.position += match.end()
        return match.group(0)

    def atom(self) -> ArrayNode:
        self.skip()
        number = re.match(r"\d+(?:\.\d+)?(?![\w.])", self.text[self.position :])
        if number is not None:
            self.position += number.end()
            text = number.group(0)
            return ArrayScalar(float(text) if "." in text else int(text))
        if self.take("("):
            inner = self.group("(", ")")
            return _Reader.whole(inner)
        name = self.name()
        if name is None:
            raise self.error("an array was expected")
        base_text, node = name
        if base_text in ("np", "numpy") and self.take("."):
            function = self.identifier()
            if not self.take("("):
                raise self.error(f"np.{function} without its arguments")
            return ArrayCall(function, self.arguments(self.group("(", ")")), True)
        if self.peek("(") and isinstance(node, ArrayName) and _word(base_text):
            self.take("(")
            return ArrayCall(base_text, self.arguments(self.group("(", ")")), False)
        return node

    def name(self) -> tuple[str, ArrayNode] | None:
        """A name with its scripts; a superscript ``T`` after it is a transpose."""
        self.skip()
        rest = self.text[self.position :]
        match = re.match(
            r"\\(" + "|".join(_FONTS) + r")\s*\{\s*(\\?[A-Za-z\u0370-\u03ff]+)\s*\}"
            r"|\\(" + "|".join(sorted(_GREEK)) + r")(?![A-Za-z])"
            r"|([\u0370-\u03ff])"
            r"|([A-Za-z][A-Za-z0-9]*)",
            rest,
        )
        if match is None:
            return None
        self.position += match.end()
        base = f"\\{match.group(1)}{{{match.group(2)}}}" if match.group(1) else match.group(0)
        sub = sup = ""
        primes = 0
        transposed = False
        while True:
            self.skip()
            if self.take("'"):
                primes += 1
                continue
            if self.peek("_"):
                self.take("_")
                sub = self.script()
                continue
            if self.peek("^"):
                if self.transpose_mark() is not None:
                    transposed = True
                    break
                self.take("^")
                script = self.script()
                if script.strip() in ("\\prime", "'", "\\prime\\prime"):
                    primes += script.count("prime") or 1
                else:
                    sup = script
                continue
            break
        key, shown = array_key(base, sub, sup, primes), _written(base, sub, sup, primes)
        node: ArrayNode = ArrayName(key, shown)
        if transposed:
            node = ArrayTranspose(node)
        return base, node

    def script(self) -> str:
        self.skip()
        if self.take("{"):
            return self.group("{", "}")
        match = re.match(r"\\[A-Za-z]+|.", self.text[self.position :])
        if match is None:
            raise self.error("a script was expected")
        self.position += match.end()
        return match.group(0)

    def arguments(self, text: str) -> tuple[Arg, ...]:
        found = []
        for piece in split_top_level(text):
            if not piece.strip():
                continue
            keyword = re.match(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)\s*(.*)$", piece, re.S)
            name = None
            if keyword is not None:
                name, piece = keyword.group(1), keyword.group(2)
            literal = read_literal(piece)
            node = None
            if literal is None:
                try:
                    node = _Reader.whole(piece)
                except ParseError:
                    node = None
            found.append(Arg(piece.strip(), literal, node, name))
        return tuple(found)

    @staticmethod
    def whole(text: str) -> ArrayNode:
        reader = _Reader(text)
        node = reader.expression()
        if not reader.at_end():
            raise reader.error("unexpected text")
        return node


def _word(text: str) -> bool:
    """A function's name: a word of two letters or more (``trans``, ``im2col``)."""
    return len(text) > 1 and text.isalnum()


def _written(base: str, sub: str, sup: str, primes: int) -> str:
    text = base + "'" * primes
    if sub:
        text += f"_{{{sub}}}" if len(sub) > 1 else f"_{sub}"
    if sup:
        text += f"^{{{sup}}}" if len(sup) > 1 else f"^{sup}"
    return text


def split_top_level(text: str, separator: str = ",") -> list[str]:
    """``text`` split at ``separator`` outside brackets and braces."""
    parts: list[str] = []
    depth = 0
    quote = ""
    current: list[str] = []
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"" and "".join(current).strip()[-1:] in ("", "(", "[", ","):
            quote = char  # a string (einsum's subscripts), not a prime after a name
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char == separator and depth == 0 and not quote:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _index_items(text: str) -> tuple[Any, ...]:
    items: list[Any] = []
    for piece in split_top_level(text):
        piece = piece.strip()
        if piece == "None":
            items.append(None)
        elif ":" in piece:
            items.append(":")
        elif re.fullmatch(r"-?\d+", piece):
            items.append(int(piece))
        elif piece == "...":
            items.append("...")
        else:
            raise ParseError(f"an index {piece!r} that is not a number, a slice or None")
    return tuple(items)


def read_literal(text: str) -> Any:
    """A Python literal of ints, tuples and lists (as tuples), booleans and None; ``(2)`` is 2,
    as in Python. None when ``text`` is not one.

    >>> read_literal("[(2),(0)]"), read_literal("(0,1)"), read_literal("-1"), read_literal("B")
    ((2, 0), (0, 1), -1, None)
    """
    text = text.strip()
    if re.fullmatch(r"[-+]?\d+", text):
        return int(text)
    if text in ("True", "False"):
        return text == "True"
    if text == "None":
        return None
    if text[:1] in "([" and text[-1:] in ")]":
        inner = text[1:-1]
        pieces = split_top_level(inner)
        trailing = len(pieces) > 1 and not pieces[-1].strip()
        pieces = [p for p in pieces if p.strip()]
        values = [read_literal(p) for p in pieces]
        if any(v is None for v in values):
            return None
        if text[0] == "(" and len(values) == 1 and not trailing:
            return values[0]
        return tuple(values)
    return None


def read_array_code(text: str) -> ArrayNode:
    """The tree of an array expression (module docstring); :class:`ParseError` if it is not
    one."""
    return _Reader.whole(normalised(text))


def describe(node: ArrayNode, *, keys: bool = False) -> str:
    """The code of a tree, written back (names as written; ``keys``: names by their keys and
    arguments without spaces — the form that compares two expressions)."""

    def arguments(args: tuple[Arg, ...]) -> str:
        texts = []
        for arg in args:
            text = describe(arg.node, keys=keys) if arg.node is not None else arg.text
            if keys:
                text = re.sub(r"\s+", "", text)
            texts.append(f"{arg.keyword}={text}" if arg.keyword else text)
        return ", ".join(texts)

    if isinstance(node, ArrayName):
        return node.key if keys else node.text
    if isinstance(node, ArrayScalar):
        return str(node.value)
    if isinstance(node, Method):
        target = describe(node.target, keys=keys)
        if not node.called:
            return f"{target}.{node.name}"
        return f"{target}.{node.name}({arguments(node.args)})"
    if isinstance(node, ArrayCall):
        return f"{'np.' if node.numpy else ''}{node.function}({arguments(node.args)})"
    if isinstance(node, ArrayTranspose):
        inner = describe(node.target, keys=keys)
        return f"{inner}^T" if isinstance(node.target, ArrayName) else f"({inner})^T"
    if isinstance(node, ArrayProduct):
        operator = {"matmul": " ", "odot": " \\odot ", "*": " * ", "/": " / "}[node.operator]
        left, right = describe(node.left, keys=keys), describe(node.right, keys=keys)
        return f"{left}{operator}{right}"
    if isinstance(node, ArraySum):
        right = describe(node.right, keys=keys)
        return f"{describe(node.left, keys=keys)} {node.operator} {right}"
    items = ", ".join("None" if item is None else str(item) for item in node.items)
    return f"{describe(node.target, keys=keys)}[{items}]"

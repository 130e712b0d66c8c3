"""A size as written in a cell, a code span, a label's value or inline math.

``(5,5)``, ``5x5``, ``$5 \\times 5$``, ``2*2`` and ``` `224*224*3` ``` are sizes (one per axis);
``"same"`` is a padding mode; ``(28+2*0-7)/3+1=8`` and ``8^2*4=256`` are computations whose
value is their last side; ``7,600`` is a number. Everything is read with the checker's own parser
(:mod:`symconv.check.parser`), never evaluated as code.

    >>> read_sizes("(5,5)"), read_sizes("`2*2`"), read_sizes("$62 \\\\times 62 \\\\times 32$")
    ((5, 5), (2, 2), (62, 62, 32))
    >>> read_sizes("28x28"), read_sizes('"same"'), read_sizes("(28+2*0-7)/3+1=8")
    ((28, 28), 'same', (8,))
    >>> read_count("8^2*4=256"), read_count("7,600"), read_count("`208/16=13`")
    (256, 7600, 13)
    >>> read_count("(14-2+1)*(14-2+1)=13*13"), read_count("about 5") is None
    (169, True)
"""

from __future__ import annotations

import re
from typing import Any

import sympy as sp

from symconv.check.networks import PADDING_MODES
from symconv.core.patterns import lazy_compile
from symconv.errors import ParseError

__all__ = ["last_side", "read_count", "read_sizes", "unwrapped"]

#: Bold, code, quotes (also curly and full-width ones), dollars; and a final stop or comma.
_WRAPPERS = lazy_compile(
    "^[\\s*_`\"'\u201c\u201d\u2018\u2019$]+|[\\s*_`\"'\u201c\u201d\u2018\u2019$.,;\u3002\uff0c\uff1b]+$"
)
_TIMES = lazy_compile(r"(?<=\d)\s*[xX×*]\s*(?=\d)")
_NUMBER_TEXT = lazy_compile(r"^[-\d\s.,+*/×·÷^()\[\]xX=]+$")
_SIZES_TEXT = lazy_compile(r"^[(\[]?\s*\d+(?:\s*[,×*xX]\s*\d+)*\s*,?\s*[)\]]?$")


#: A shape as frameworks print it: Keras's ``(None, 26, 26, 32)`` (``None``: the batch, any
#: size), torchsummary's ``[-1, 16, 32, 32]``, PyTorch's ``torch.Size([1, 16, 32, 32])``. The
#: batch a placeholder stands for is no size: the shape is read without it.
_PRINTED_SHAPE = lazy_compile(
    r"^(?:torch\.Size\(\s*)?[(\[]\s*(?:(?:None|-1|\?)\s*,\s*)?(\d+(?:\s*,\s*\d+)*)\s*,?\s*[)\]]\)?$"
)


def printed_shape(text: str) -> tuple[int, ...] | None:
    """The sizes of a shape a framework prints, without a batch placeholder; None otherwise.

    >>> printed_shape("(None, 26, 26, 32)"), printed_shape("torch.Size([1, 16, 32, 32])")
    ((26, 26, 32), (1, 16, 32, 32))
    >>> printed_shape("[-1, 64, 112, 112]"), printed_shape("(None, 1600)"), printed_shape("(3, a)")
    ((64, 112, 112), (1600,), None)
    """
    match = _PRINTED_SHAPE.match(text.strip())
    if match is None:
        return None
    if text.strip().startswith("torch.Size") and not text.strip().endswith("])"):
        return None
    return tuple(int(n) for n in re.findall(r"\d+", match.group(1)))


def unwrapped(text: str) -> str:
    """``text`` without the marks around it: bold, code, quotes, dollars, a final full stop."""
    previous = None
    while previous != text:
        previous = text
        text = _WRAPPERS.sub("", text)
    return text.strip()


def last_side(text: str) -> str:
    """The last side of a computation (``(28+2*0-7)/3+1=8`` → ``8``), or the text."""
    parts = re.split(r"(?<![<>!=])=(?!=)", text)
    return parts[-1].strip()


#: A value labelled with a name (``s=4``, ``p = 2``): the name is never the tail of a number
#: (``28x28 = 784``) nor a command (``\\times 3 = 9``).
_LABELLED = lazy_compile(r"(?<![\w\\])[A-Za-z][\w']*\s*=(?!=)")


def labels_another_value(text: str) -> bool:
    """True if ``text`` holds a value labelled with a name after something else (``11, s=4``,
    ``3x3, p=1``): a cell of one column that also states another quantity, whose last side is
    never the column's value.

    >>> labels_another_value("11, s=4"), labels_another_value("O = (32-5)/1+1 = 28")
    (True, False)
    >>> labels_another_value("28x28 = 784"), labels_another_value("3 \\times 3 = 9")
    (False, False)
    """
    label = _LABELLED.search(text)
    return label is not None and bool(text[: label.start()].strip(" *_`$"))


def read_sizes(text: str) -> tuple[int, ...] | str | None:
    """Sizes (one per axis), a padding mode (``same``/``valid``/``full``), or None.

    A computation gives its last side; a bare number is one size. A cell that labels another
    value after its own (``11, s=4``) is not read (its last side is the stride's).
    """
    inner = unwrapped(text)
    if inner.lower() in PADDING_MODES:
        return inner.lower()
    if labels_another_value(inner):
        return None
    inner = unwrapped(last_side(inner))
    printed = printed_shape(inner)
    if printed is not None and re.search(r"None|-1|\?|torch", inner):
        return printed if all(n > 0 for n in printed) else None
    latex = re.sub(r"\\(?:times|cdot)", "×", inner)
    latex = re.sub(r"[{}]|\\[,;!]", "", latex)
    if _SIZES_TEXT.match(latex):
        numbers = tuple(int(n) for n in re.findall(r"\d+", latex))
        return numbers if numbers and all(n > 0 for n in numbers) else None
    value = read_count(inner)
    return (int(value),) if value is not None and value > 0 else None


def read_count(text: str) -> sp.Integer | None:
    """A whole number as written, or computed (``8^2*4=256`` → 256; the last side wins), or None.

    Digits grouped with commas (``7,600``) are one number.
    """
    if labels_another_value(unwrapped(text)):
        return None  # "32, s=2": the last side is another quantity's
    inner = unwrapped(last_side(unwrapped(text)))
    inner = re.sub(r"\\(?:times|cdot)", "*", inner)
    inner = re.sub(r"\\,|\{,\}", ",", inner)
    inner = re.sub(r"[{}]", "", inner)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", inner):
        inner = inner.replace(",", "")
    if not inner or not _NUMBER_TEXT.match(inner) or "," in inner:
        return None
    inner = _TIMES.sub("*", inner)
    from symconv.check.parser import parse_expression

    try:
        value: Any = parse_expression(inner)
    except ParseError:
        return None
    if isinstance(value, sp.Integer):
        return value
    if isinstance(value, sp.Rational) and value.is_integer:
        return sp.Integer(value)
    return None

r"""Magnitude suffixes after a number: ``0.4\text{K}``, ``462\,\text{M}``, ``$… ≈ 3.2$ billion``.

Counts in deep learning are written with a magnitude: 7B parameters, 462M FLOPs, 0.4K MACs. The
LaTeX reader takes a ``\text{…}`` group for words between statements, so ``… \approx 462\text{M}``
compared the count with 462 and called a true line wrong. Here, before the formula is read:

* a magnitude after a number — ``K``/``k``/thousand (10^3), ``M``/million (10^6), ``G``/billion
  (10^9), ``T``/trillion (10^12), alone or before a count (``MFLOPs``, ``G MACs``, ``M params``) —
  becomes the power of ten it stands for (the SI prefixes; "billion" is the short scale, 10^9);
* a size in bytes with a prefix (``KB``, ``MB``, ``GiB`` …) or a bare ``B`` (bytes, or billions?)
  is not converted: decimal or binary prefixes, and how many bytes a value takes, are the
  writer's conventions, so the formula is not read (:class:`ParseError`: *unverified*);
* any other word (``\text{ pixels}``, ``\text{ FLOPs}``) stays a word, as before.

The text keeps its length (columns are those of the formula as written): the magnitude group is
replaced by ``*10^{k}`` and spaces.

>>> as_powers(r"2 \times 3 \times 64 \approx 0.4\text{K}")
'2 \\times 3 \\times 64 \\approx 0.4*10^{3} '
>>> as_powers(r"= 462\,\text{MFLOPs}")
'= 462*10^{6}        '
>>> as_powers(r"3 \times 4 = 12 \text{ pixels}")
'3 \\times 4 = 12 \\text{ pixels}'
>>> try:
...     as_powers(r"224 \cdot 224 \cdot 4 \approx 0.2 \text{ MB}")
... except ParseError as error:
...     print(error)
0.2 MB: a size in bytes with a prefix (decimal or binary?) is not converted
"""

from __future__ import annotations

import re

from symconv.core.patterns import lazy_compile
from symconv.errors import ParseError

__all__ = ["as_powers", "magnitude_word", "prose_suffix"]

#: Magnitudes, each with the power of ten it stands for (SI prefixes; the short-scale names).
_POWERS = {
    "k": 3, "K": 3, "thousand": 3,
    "M": 6, "million": 6, "mil": 6, "Mio": 6,
    "G": 9, "billion": 9, "bn": 9,
    "T": 12, "trillion": 12,
}  # fmt: skip
#: What a magnitude may count (``MFLOPs``, ``G MACs``, ``M params``): the count stays a number.
_COUNTED = (
    r"(?:FLOPs?|FLOPS|flops|MACs?|MACS|macs|ops|OPs|params?|parameters?|weights?|"
    r"multiplications?|mults?|adds?|additions?|operations?)"
)
#: A byte size with a prefix, or a bare B: not converted (the module docstring).
_BYTES = re.compile(
    r"^(?:[kKMGT]i?B|B|[kKMGT]i?[bB]ytes?|(?:kilo|mega|giga|tera|kibi|mebi|gibi|tebi)bytes?|[KMGT]b)$"
)
_WORD = re.compile(rf"^(?P<magnitude>[kKMGT]|thousand|million|mil|Mio|billion|bn|trillion)"
                   rf"(?:\s*{_COUNTED})?$")  # fmt: skip
#: A number, then a ``\text{…}`` group (after optional spacing): the group is its unit.
_AFTER_NUMBER = lazy_compile(
    r"(?P<number>\d(?:[\d.,]*\d)?)(?P<space>(?:\s|\\[,;:! ]|~)*)"
    r"\\(?:text|textrm|mathrm|mbox|operatorname)\s*\{\s*(?P<word>[^{}]*?)\s*\}"
)


def magnitude_word(word: str) -> int | None:
    """The power of ten ``word`` stands for after a number (None: no magnitude); a byte size
    raises :class:`ParseError`.

    >>> [magnitude_word(word) for word in ("M", "GFLOPs", "billion", "B params", "px")]
    [6, 9, 9, 9, None]
    """
    word = word.strip()
    if _BYTES.match(word):
        raise ParseError(
            f"{word}: a size in bytes with a prefix (decimal or binary?) is not converted"
        )
    match = _WORD.match(word) or re.match(rf"^(?P<magnitude>[kKMGT]){_COUNTED}$", word)
    if match is not None:
        return _POWERS[match.group("magnitude")]
    if re.match(rf"^B\s*{_COUNTED}$", word):  # 7B params: billions (a bare B is not read)
        return 9
    return None


#: Prose right after a formula that ends on a number: ``$… \approx 0.4$K FLOPs``, ``$…$
#: million``. A letter magnitude counts only attached to the formula or before a counted word;
#: a spelled magnitude or a byte size may follow a space.
_PROSE_MAGNITUDE = lazy_compile(
    rf"^(?:(?P<attached>[kKMGTB](?:{_COUNTED})?)(?![A-Za-z])"
    rf"|\s?(?P<spaced>(?:[kKMGTB]\s*{_COUNTED}|thousand|million|billion|trillion|[kKMGT]i?B))"
    r"(?![A-Za-z]))"
)


def prose_suffix(formula: str, prose: str) -> str:
    r"""The magnitude the prose right after ``formula`` gives its last number, as a ``\text``
    group to append to the formula ('' if none).

    >>> prose_suffix(r"2 \times 3 \approx 0.4", "K FLOPs in all.")
    '\\text{K}'
    >>> prose_suffix("= 3.2", " billion parameters")
    '\\text{billion}'
    >>> prose_suffix("o = 46", " K is the kernel size")
    ''
    """
    if not re.search(r"\d\s*$", formula):
        return ""
    match = _PROSE_MAGNITUDE.match(prose)
    if match is None:
        return ""
    return f"\\text{{{match.group('attached') or match.group('spaced')}}}"


def as_powers(text: str) -> str:
    """``text`` with each magnitude after a number as its power of ten (the module docstring)."""

    def replaced(match: re.Match[str]) -> str:
        try:
            power = magnitude_word(match.group("word"))
        except ParseError as error:
            raise ParseError(f"{match.group('number')} {error}") from None
        if power is None:
            return match.group()
        written = f"{match.group('number')}*10^{{{power}}}"
        width = len(match.group())
        if len(written) > width:  # cannot keep the columns: not read
            raise ParseError(f"{match.group()}: a magnitude written too tightly to read")
        return written + " " * (width - len(written))

    return _AFTER_NUMBER.sub(replaced, text)

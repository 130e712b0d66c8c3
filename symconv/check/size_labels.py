"""What the words around a value say it is: a label's quantity, and the values of a line.

A value is a claim only after words that say what it is: a label and an answer cue
(*参数个数为\uff1a*, *the output volume is*, *Filter个数\uff1a*), or a count before its noun
(*7,600 parameters*). The
label says the quantity (output shape, parameters, parameters of one filter, number of filters,
kernel size, input shape or channels, stride, padding, receptive field; English and Chinese) and,
if it says it, the layer (*第一层*, *the first layer*); a label about *each filter* is about the
convolution; a negated one (*而不是*, *rather than*) states nothing. :func:`tokens` finds the
values of a line: its math, its code spans, bold values and bare numbers and shapes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

from symconv.check.lines import SourceLine
from symconv.check.networks import Quantity
from symconv.check.size_premises import counts_biases, plain_words
from symconv.check.size_values import last_side, read_count, read_sizes, unwrapped
from symconv.core.patterns import TextPattern, lazy_compile

__all__ = [
    "ANSWER_CUE",
    "Label",
    "Token",
    "clause",
    "clause_around",
    "counted_label",
    "counts_biases",
    "label_of",
    "layer_ordinal",
    "tokens",
    "written_value",
]


@dataclass(frozen=True)
class Label:
    """What a label says a value is: its quantity, the layer (0-based) if it names one, the
    spatial axis if it names one, and whether it is about one filter's parameters."""

    quantity: Quantity
    layer: int | None = None
    axis: int | None = None
    per_filter: bool = False
    filters_named: bool = False
    #: The layer the words name by the name the document gave it (``CONV2``, ``Layer_3``).
    named: int | None = None
    #: The ordinal counts convolutions only (*the second conv layer*, *第二个卷积层*).
    among_convolutions: bool = False
    #: Parameters counted as weights alone (*432 weights*): see :attr:`SizeFacts.weights`.
    weights: bool = False


# ----------------------------------------------------------------------------------------------
# Labels
# ----------------------------------------------------------------------------------------------
_NEGATION = lazy_compile(
    r"\bnot\b|n't\b|instead\s+of|rather\s+than|而不是|不是|并非|不等于|≠|\\neq", re.IGNORECASE
)
_PER_FILTER = lazy_compile(
    r"(?:each|per|every|a\s+single|one)\s+(?:filter|kernel)|(?:每个|每一个|单个|一个)\s*(?:filter|kernel|卷积核|滤波器)",
    re.IGNORECASE,
)
#: A count for one output position (*every output value needs 363 multiplications*, *per
#: output pixel*, *每个输出*), not the layer's.
_PER_OUTPUT = lazy_compile(
    r"(?:each|per|every|a\s+single|one)\s+(?:output|position|pixel|location|neuron|unit|value)"
    r"|(?:每个|每一个|单个|一个)\s*(?:输出|位置|像素)",
    re.IGNORECASE,
)
_ALL_FILTERS = lazy_compile(
    r"(?:all|所有|全部)\s*(?:the\s+)?(?:filters?|kernels?|卷积核|滤波器)", re.IGNORECASE
)
_LABELS: tuple[tuple[Quantity, TextPattern], ...] = tuple(
    (quantity, lazy_compile(pattern, re.IGNORECASE))
    for quantity, pattern in (
        (Quantity.RECEPTIVE_FIELD, r"receptive\s+field|感受野"),
        (
            Quantity.MULTIPLICATIONS,
            r"\bmultiplications\b|\bMACs?\b|multiply[\s-]+(?:accumulates?|adds?)\b|乘法(?:运算)?(?:次数|数量)?",
        ),
        (Quantity.PARAMETERS, r"\bparam(?:eter)?s\b|\bparam\s*#|参数"),
        (
            Quantity.FILTERS,
            r"(?:number|num|no\.?|#)\s*(?:of\s+)?(?:filters|kernels)"
            r"|(?:filter|kernel|卷积核|滤波器)s?\s*(?:[\uff08(][^)\uff09]{0,8}[)\uff09])?\s*(?:个数|数量|数目|count|number|num\b)",
        ),
        (Quantity.KERNEL, r"(?:kernel|filter|卷积核|滤波器)[\s_]*(?:size|大小|尺寸)"),
        (Quantity.OUTPUT_CHANNELS, r"output\s+(?:channels?|depth)|输出通道(?:数)?"),
        (
            Quantity.OUTPUT_SHAPE,
            r"(?:output|输出)[^,\uff0c。;\uff1b]{0,12}?(?:shape|size|volume|dimensions?|形状|大小|尺寸|维度|特征图|map)",
        ),
        (
            Quantity.INPUT_SHAPE,
            r"(?:input|image|原始图像|输入|图像|图片)[^,\uff0c。;\uff1b]{0,8}?(?:shape|size|dimensions?|形状|大小|尺寸|维度)|input_shape",
        ),
        (
            Quantity.OUTPUT_SHAPE,
            r"\boutput(?:\s+of\s+(?:the\s+)?[\w-]+(?:\s+layer)?)?\s*(?:is|are|will\s+be|becomes|=|:)?\s*$"
            r"|输出(?:为|是)?\s*$",
        ),
        (
            Quantity.INPUT_CHANNELS,
            r"\bin[_\s-]?chan\w*|input\s+(?:depth|channels?)|输入通道(?:数)?|输入深度",
        ),
        (Quantity.STRIDE, r"\bstrides?\b|步长"),
        (Quantity.PADDING, r"\bpadding\b|填充"),
    )
)  # fmt: skip
ANSWER_CUE = lazy_compile(
    r"(?:[:\uff1a=]|\bis|\bare|\bbe|\bequals?|\bgives?|\bgets?|\bhas|\bhave|\bbecomes?|\bof|为|是|应该是|应为|等于|得)"
    r"\s*[(\uff08]?\s*$",
    re.IGNORECASE,
)
_LAYER_INDEX = lazy_compile(
    r"(?:the\s+)?(first|second|third|fourth|1st|2nd|3rd|4th)\s+(conv(?:olutional)?\s+)?layer"
    r"|(?:the\s+)?(first|second|third|fourth|1st|2nd|3rd|4th)\s+(convolution)(?!al)"
    r"|\blayer\s*(\d+)\b|第\s*([一二三四1-4])\s*(?:个)?(卷积)?层",
    re.IGNORECASE,
)
_ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3,
             "4th": 3, "一": 0, "二": 1, "三": 2, "四": 3}  # fmt: skip
_WEIGHTS = lazy_compile(r"\bweights?\b|权重|权值", re.IGNORECASE)


def label_of(words: str) -> Label | None:
    """What the words before a value say it is (None: no label, or a negated one).

    >>> label = label_of("所以每个Filter对应的参数个数为\uff1a")
    >>> label.quantity.value, label.per_filter
    ('parameters per filter', True)
    >>> label_of("Filter\uff08卷积核\uff09个数为").quantity.value
    'filters'
    >>> label_of("第一层整个参数个数为\uff1a").layer
    0
    >>> label_of("而不是") is None, label_of("the answer is") is None
    (True, True)
    """
    if _NEGATION.search(words):
        return None
    layer = None
    convolutions = False
    if (match := _LAYER_INDEX.search(words)) is not None:
        word = next(g for g in match.groups() if g)
        layer = int(word) - 1 if word.isdigit() else _ORDINALS.get(word.lower())
        convolutions = any(match.group(i) for i in (2, 4, 7))
    for quantity, pattern in _LABELS:
        if pattern.search(words):
            if quantity is Quantity.PARAMETERS and _PER_FILTER.search(words):
                return Label(Quantity.FILTER_PARAMETERS, layer, per_filter=True, filters_named=True,
                             among_convolutions=convolutions)  # fmt: skip
            named = _ALL_FILTERS.search(words) is not None or quantity in (
                Quantity.FILTERS,
                Quantity.KERNEL,
            )
            return Label(quantity, layer, filters_named=named, among_convolutions=convolutions)
    if _WEIGHTS.search(words) and _PER_FILTER.search(words):
        return Label(Quantity.FILTER_PARAMETERS, layer, per_filter=True, filters_named=True,
                     among_convolutions=convolutions)  # fmt: skip
    if _WEIGHTS.search(words):
        # *the number of weights of the first layer is*: its parameters without the biases
        return Label(Quantity.PARAMETERS, layer, among_convolutions=convolutions, weights=True)
    return None


def layer_ordinal(words: str) -> tuple[int, bool] | None:
    """The layer an ordinal in ``words`` names (0-based), and whether it counts convolutions
    only: *the first layer* (0, False), *the second conv layer* (1, True), *第二层* (1, False)."""
    match = _LAYER_INDEX.search(words)
    if match is None:
        return None
    word = next(g for g in match.groups() if g)
    index = int(word) - 1 if word.isdigit() else _ORDINALS.get(word.lower())
    if index is None:
        return None
    return index, any(match.group(i) for i in (2, 4, 7))


# ----------------------------------------------------------------------------------------------
# Values in a line
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Token:
    """A value written in a line: its text, where it is in the line, and the math segments or
    the text spans (segment, start, end) it was read from."""

    text: str
    start: int
    end: int
    segments: tuple[int, ...] = ()
    spans: tuple[tuple[int, int, int], ...] = ()


_CODE_SPAN = lazy_compile(r"`([^`]+)`")
_BOLD = lazy_compile(r"\*\*([^*]*\d[^*]*)\*\*")
_BARE = lazy_compile(
    r"(?<![\w.$\\])\d[\d,]*(?:\s*(?:\\?[×xX*]|\s+by\s+)\s*\d+)*(?![\w.]\d|\w)|[(\uff08]\d+(?:\s*[,\uff0c]\s*\d+)+\s*[)\uff09]"
    # a shape as a framework prints it: (None, 26, 26, 32), torch.Size([1, 16, 32, 32])
    r"|\(\s*None\s*,\s*\d+(?:\s*,\s*\d+)*\s*\)|torch\.Size\(\[\s*\d+(?:\s*,\s*\d+)*\s*\]\)"
)


def tokens(line: SourceLine) -> list[Token]:
    tokens: list[Token] = []
    for piece in line.pieces:
        if piece.kind == "math":
            tokens.append(
                Token(piece.text, piece.start, piece.start + len(piece.text), (piece.segment,))
            )
            continue
        taken: list[tuple[int, int]] = []
        for pattern in (_CODE_SPAN, _BOLD, _BARE):
            for match in pattern.finditer(piece.text):
                a, b = match.span()
                if any(x < b and a < y for x, y in taken):
                    continue
                taken.append((a, b))
                inner = match.group(1) if pattern is not _BARE else match.group(0)
                if not re.search(r"\d", inner):
                    continue
                start = piece.start + a
                span = (piece.segment, a, b)
                tokens.append(Token(inner, start, piece.start + b, spans=(span,)))
    return sorted(tokens, key=lambda token: token.start)


def clause(text: str) -> str:
    """The words of ``text`` after its last clause break."""
    parts = re.split(r"[,\uff0c。;\uff1b!?\uff01\uff1f]|\.\s", text)
    return parts[-1] if parts else text


def clause_around(text: str, start: int, end: int) -> str:
    """The clause of ``text`` that holds ``text[start:end]``: from the clause break before it
    to the one after it (a parenthesis after the count is in it: *4608 parameters (not counting
    the biases)*; *…, and without the bias it would be …* is another clause)."""
    after = re.split(r"[,\uff0c。;\uff1b!?\uff01\uff1f]|\.(?:\s|$)", text[end:], maxsplit=1)[0]
    return plain_words(clause(text[:start]) + text[start:end] + after)


def counted_label(noun: str, rest: str) -> Label | None:
    """The label a count's noun gives (``7,600 parameters``, ``100 filters``, ``75 weights …
    per filter``); ``rest`` is the clause around it (*each filter has …*)."""
    word = noun.strip().lower()
    per_filter = _PER_FILTER.search(rest) is not None
    if re.match(r"(?:trainable\s+|learnable\s+|total\s+)?(?:parameters|params)|个?参数", word):
        quantity = Quantity.FILTER_PARAMETERS if per_filter else Quantity.PARAMETERS
        # the layer the clause names by its ordinal (*the first layer has 448 parameters*)
        ordinal = layer_ordinal(rest)
        layer, convolutions = ordinal if ordinal is not None else (None, False)
        return Label(quantity, layer, per_filter=per_filter, filters_named=per_filter,
                     among_convolutions=convolutions)  # fmt: skip
    if re.match(r"(?:trainable\s+|learnable\s+|total\s+)?weights?", word):
        if per_filter:
            return Label(Quantity.FILTER_PARAMETERS, per_filter=True, filters_named=True)
        ordinal = layer_ordinal(rest)
        layer, convolutions = ordinal if ordinal is not None else (None, False)
        return Label(Quantity.PARAMETERS, layer, among_convolutions=convolutions, weights=True)
    if re.match(r"multiplications|macs\b|multiply[\s-]+(?:accumulates?|adds?)|次乘法", word):
        if _PER_OUTPUT.search(rest):
            return None  # *every output value needs 363 multiplications*: one position's
        ordinal = layer_ordinal(rest)
        layer, convolutions = ordinal if ordinal is not None else (None, False)
        return Label(Quantity.MULTIPLICATIONS, layer, among_convolutions=convolutions)
    if re.match(r"(?:filters|kernels)|个?(?:卷积核|滤波器)", word):
        return Label(Quantity.FILTERS, filters_named=True)
    return None


#: Sizes written as a shape (``62 × 62 × 32``, ``(28, 28)``), which no count is.
_SHAPE_TEXT = lazy_compile(r"^\(?\s*\d+\s*(?:[×xX,]\s*\d+\s*)+\)?$")


def written_value(quantity: Quantity, text: str) -> object:
    """The value as the quantity reads it: sizes for a shape, kernel, stride or padding, a
    count otherwise (None if the text is not one)."""
    if quantity in (
        Quantity.OUTPUT_SHAPE,
        Quantity.INPUT_SHAPE,
        Quantity.KERNEL,
        Quantity.STRIDE,
        Quantity.PADDING,
        Quantity.RECEPTIVE_FIELD,
        Quantity.OUTPUT_SIZE,
    ):
        inner = _without_name(unwrapped(text))
        sizes = read_sizes(plain_words(inner).strip())
        if isinstance(sizes, tuple):
            values = tuple(sp.Integer(s) for s in sizes)
            return values if len(values) > 1 else values[0]
        return None
    inner = plain_words(unwrapped(text)).strip()
    result = last_side(inner)
    if _SHAPE_TEXT.search(result) and not re.fullmatch(r"\d{1,3}(?:,\d{3})+", result):
        return None  # a shape is no count: 62 × 62 × 32 is not 123008 parameters
    return read_count(inner)


def _without_name(text: str) -> str:
    """``\\delta(16, 8, 127, 127)`` → ``(16, 8, 127, 127)``: a tensor's name before its shape."""
    match = re.fullmatch(r"\s*\\?[A-Za-z\u0370-\u03ff]+(?:_\{?\w+\}?)?\s*(\(.*\))\s*", text)
    return match.group(1) if match else text

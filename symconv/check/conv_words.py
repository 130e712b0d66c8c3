"""Facts of convolution arithmetic stated in words, read as claims of the document.

A solution explains the arithmetic of a convolution in sentences as often as in formulas. This
module reads the kinds of sentence people write (:mod:`symconv.check.conv_facts` holds what each
states; :mod:`symconv.check.judges.conv_words` derives each truth with the engine):

* the zeros the backward pass puts **around** the gradient (*the gradient matrix … with a padding
  of 2*; *zero-pad the derivative w.r.t. Z by adding f_h − 1 rows on top and bottom*; *a 'full'
  convolution pads k − 1 zeros*) — :class:`~symconv.check.conv_facts.BackwardPadding`;
* the zeros it puts **between** the gradient's entries for a stride above one (*one row/column of
  zeros has been added between the elements*), or a dilation between a kernel's taps —
  :class:`~symconv.check.conv_facts.Stretch`;
* what a padding adds to a size (*if the padding is 1 you add 2 to the height*) —
  :class:`~symconv.check.conv_facts.PaddingGrowth`;
* the output size under "same" padding (*INPUT_SIZE/STRIDE_SIZE*) —
  :class:`~symconv.check.conv_facts.SameSize`, with the 'same' layers of the network in force;
* how an output size that is no integer is rounded (*floored*) —
  :class:`~symconv.check.conv_facts.Rounding`;
* names of one quantity (*out_channel = filter num / output depth*) —
  :class:`~symconv.check.conv_facts.ChannelNames`;
* the size of what the backward convolution the section describes gives (*the Y derivative map
  has size (n_h + f_h − 1) × (n_w + f_w − 1), where n_h, n_w are the height and width of the Z
  map*) — :class:`~symconv.check.conv_facts.BackwardSize`;
* the gradient a strided backward pass upsamples (*upsample the Z derivatives*; *∂L/∂W must be
  upsampled*), by the role the document gives its name — :class:`~symconv.check.conv_facts.
  Upsampled`;
* a dilated kernel's extent (*a 3 × 3 kernel with dilation 2 covers 5 × 5*) and a stack's
  receptive field (*three stacked 3 × 3 convolutions see 7 × 7*) —
  :class:`~symconv.check.conv_facts.DilatedExtent`, :class:`~symconv.check.conv_facts.
  StackField`;
* a convolution's sizes said in one sentence the size readers
  (:mod:`symconv.check.read_sizes`) leave (*convolve the 3 × 3 Z derivative over the 5 × 5
  input to create the 3 × 3 filter derivative*), and a transposed convolution mapping a
  convolution's output size back — :class:`~symconv.check.conv_facts.ConvSizes`,
  :class:`~symconv.check.conv_facts.TransposedSizes`.

The sizes a sentence does not give are those in force (:class:`~symconv.check.conv_sentences.
InForce`): the kernel, stride, padding and dilation the document fixed before it in its section.
A sentence whose words are not one of these forms states nothing here.

    >>> from symconv.check.markdown import split_document
    >>> doc = ("Take a $3 \\\\times 3$ kernel and stride 1. In the backward pass the gradient is "
    ...        "zero-padded with 2 zeros on each side.\\n")
    >>> [(s.line, type(s.facts.statement).__name__, s.facts.statement.amounts)
    ...  for s in word_statements(split_document(doc))]
    [(1, 'BackwardPadding', ((None, 2),))]
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import sympy as sp

from symconv.check.context import DocumentContext
from symconv.check.conv_facts import (
    BackwardPadding,
    BackwardSize,
    ChannelNames,
    ConvSizes,
    ConvWordFacts,
    DilatedExtent,
    PaddingGrowth,
    Pinned,
    Rounding,
    SameLayer,
    SameSize,
    StackField,
    StackParameters,
    Stretch,
    TransposedSizes,
    Upsampled,
)
from symconv.check.conv_sentences import (
    AMOUNT,
    BACKWARD,
    CONDITION,
    SHAPE,
    STRIDE,
    InForce,
    Sentence,
    amount,
    kernel_in,
    math_name,
    math_value,
    section_map,
    sentences,
    shape_of,
    sizes_of,
)
from symconv.check.markdown import Segment
from symconv.check.model import Claim, ClaimKind, Origin
from symconv.check.shown import show
from symconv.core.patterns import lazy_compile

__all__ = ["WordStatement", "add_word_claims", "word_statements"]


@dataclass(frozen=True)
class WordStatement:
    """A fact read from a sentence: its lines, its words, the facts, and the math segment whose
    claim it takes the place of (the shape a sentence states, read first as a bare shape)."""

    line: int
    end_line: int
    text: str
    facts: ConvWordFacts
    cell: int | None = None
    replaces: int | None = None


def _statement(sentence: Sentence, fact: Any, replaces: int | None = None) -> WordStatement:
    text = sentence.spoken()
    if len(text) > 240:
        text = text[:237] + "…"
    return WordStatement(
        sentence.line, sentence.end_line, text, ConvWordFacts(fact), sentence.cell, replaces
    )


# ----------------------------------------------------------------------------------------------
# Zeros around the gradient
# ----------------------------------------------------------------------------------------------
_PAD_CUE = lazy_compile(r"\bpad\w*|\bzero[-\s]?pad\w*", re.IGNORECASE)
_FULL = lazy_compile(
    r"[\"']full[\"']|\bfull\s+(?:convolution|correlation|cross-correlation|mode)", re.IGNORECASE
)
_NOUN = (
    r"(rows?\s*(?:/|and|or)\s*columns?|columns?\s*(?:/|and|or)\s*rows?|rows?|columns?"
    r"|zeros?|pixels?|cells?|entries)"
)
_PADDING_OF = lazy_compile(rf"\bpadding\s+(?:of|is|=|:)\s*({AMOUNT})(?!\w)", re.IGNORECASE)
_COUNTED = lazy_compile(
    rf"(?<![\w⟩])({AMOUNT})\s+(?:extra\s+|more\s+)?(?:zero\s+)?{_NOUN}\b(?:\s+of\s+zeros?)?",
    re.IGNORECASE,
)
#: *Pad the gradient by 2*: at most a few words between the verb and its count, none a verb
#: of another operation (*the padded map correlated with w* pads nothing by w).
_PADDED_BY = lazy_compile(
    r"\bpad\w*\b(?:\s+(?!correlat|convol|multipl|flip|rotat)[\w⟨⟩()'.-]+){0,8}?\s+(?:with|by)\s+"
    rf"({AMOUNT})(?!\w)(?!\s*{_NOUN})",
    re.IGNORECASE,
)
_BETWEEN_AFTER = lazy_compile(r"^(?:\s+[\w/'-]+){0,6}?\s+(?:in\s+)?between\b", re.IGNORECASE)
#: Words between the gradient and its padding that make the padding another convolution's.
_OTHER_PADDING = lazy_compile(r"\bconv\w*|\blayer\b|\bforward\b|\bkernel|\bfilter", re.IGNORECASE)
_PADS_INPUT = lazy_compile(r"\b(?:input|image|feature\s+map|activation)s?\b", re.IGNORECASE)
_TOTAL = lazy_compile(r"\bin\s+total\b|\baltogether\b|\bin\s+all\b|\bcombined\b", re.IGNORECASE)
_MAP_NAMED = lazy_compile(
    r"\b(?:derivatives?|gradients?)\s+(?:w\.?\s*r\.?\s*t\.?|with\s+respect\s+to|of)\s+(?:the\s+)?"
    r"(⟨\d+⟩)|(⟨\d+⟩)\s*(?:derivative|gradient)",
    re.IGNORECASE,
)


def _backward_padding(sentence: Sentence, force: InForce) -> list[WordStatement]:
    text = sentence.text
    if _PAD_CUE.search(text) is None or re.search(r"\bforward\b", text, re.IGNORECASE):
        return []
    backward = BACKWARD.search(text)
    full = _FULL.search(text)
    if backward is None and full is None:
        return []
    if _BETWEEN_AFTER.search(text) and not _COUNTED.search(text) and not _PADDING_OF.search(text):
        return []
    found: list[tuple[int, int | None, Any]] = []  # (start, axis, amount)
    spans: list[tuple[int, int]] = []
    for match in _PADDING_OF.finditer(text):
        cue = backward or full
        assert cue is not None
        if cue.start() < match.start() and _OTHER_PADDING.search(text[cue.end() : match.start()]):
            continue  # "the gradient of a convolution with a padding of 1": the forward padding
        found.append((match.start(), None, amount(sentence, match.group(1))))
        spans.append(match.span(1))
    pad = _PAD_CUE.search(text)
    assert pad is not None
    for match in _COUNTED.finditer(text, pad.start()):
        if any(a <= match.start(1) < b for a, b in spans):
            continue
        object_words = text[pad.start() : match.start()]
        if full is None and _PADS_INPUT.search(object_words) and not BACKWARD.search(object_words):
            continue  # "pad the input with 2 zeros": the forward padding
        if _BETWEEN_AFTER.match(text[match.end() :]):
            continue  # zeros *between* the entries: a stretch, not a padding
        noun = match.group(2).lower()
        axis = (
            None
            if ("row" in noun and "column" in noun)
            else 0
            if "row" in noun
            else 1
            if "column" in noun
            else None
        )
        found.append((match.start(), axis, amount(sentence, match.group(1))))
        spans.append(match.span(1))
    for match in _PADDED_BY.finditer(text):
        if any(a <= match.start(1) < b for a, b in spans):
            continue
        between = text[match.start() : match.start(1)]
        if full is None and _PADS_INPUT.search(between) and not BACKWARD.search(between):
            continue
        value = amount(sentence, match.group(1))
        if isinstance(value, sp.Symbol):
            continue  # "padded … with w": a name, not a count
        found.append((match.start(1), None, value))
    amounts = tuple((axis, value) for _, axis, value in sorted(found, key=lambda f: f[0]))
    if not amounts or any(value is None for _, value in amounts):
        return []
    conv = force.at(sentence)
    if full is not None and backward is None:
        conv = replace(conv, padding=Pinned(sp.Integer(0), "a 'full' convolution pads its input"))
    named = _MAP_NAMED.search(text)
    map_name = None
    if named is not None:
        math = sentence.math_of(named.group(1) or named.group(2))
        map_name = math_name(math) if math is not None else None
    fact = BackwardPadding(amounts, conv, _TOTAL.search(text) is not None, map_name)
    return [_statement(sentence, fact)]


# ----------------------------------------------------------------------------------------------
# Zeros between the entries
# ----------------------------------------------------------------------------------------------
_STRETCH = lazy_compile(
    rf"(?:(?<![\w⟩])({AMOUNT}|a|an)\s+)?(?:extra\s+)?"
    r"(?:rows?\s*(?:/|and|or)\s*columns?\s+of\s+zeros?|(?:rows?|columns?)\s+of\s+zeros?|zeros?|holes?"
    r"|empty\s+(?:rows?|columns?|slots?|spaces?))\b"
    r"(?:\s+[\w/'-]+){0,8}?\s+(?:in\s+)?between\s+(?P<object>[^,.;:]{0,80})",
    re.IGNORECASE,
)
#: Zeros put where the strided convolution left no output: *insert zeros in the empty slots*.
_SLOTS = lazy_compile(
    r"\b(?:insert|put|place|add)\w*\s+zeros?\s+(?:in|into|at)\s+(?:the\s+)?(?:empty|remaining"
    r"|missing|vacant|other)\s+(?:slots?|positions?|entries|places?|gaps?|locations?|cells?)"
    r"|\bfill\w*\s+(?:in\s+)?(?:the\s+)?(?:empty|remaining|missing|vacant|other)\s+(?:slots?"
    r"|positions?|entries|places?|gaps?|locations?|cells?)\s+with\s+zeros?",
    re.IGNORECASE,
)
_KERNEL_OBJECT = lazy_compile(r"\b(?:kernel|filter|weight|tap)s?\b", re.IGNORECASE)
_STRETCH_CONTEXT = lazy_compile(
    r"\btranspos\w*|\bdeconv\w*|\bfractionally|\bupsampl\w*|\bbackward|\bback-?prop\w*"
    r"|\bgradients?\b|\bderivatives?\b|\bstrides?\b",
    re.IGNORECASE,
)
_DILATION_CONTEXT = lazy_compile(r"\bdilat\w*|\batrous\b|à\s+trous", re.IGNORECASE)
_DILATION_IN = lazy_compile(
    r"\bdilation(?:\s+(?:rate|factor))?\s*(?:is|was|of|=|:)?\s*(?:a\s+)?(⟨\d+⟩|\d+|one|two|three)(?!\w)",
    re.IGNORECASE,
)


def _stretch(sentence: Sentence, force: InForce, around: str) -> list[WordStatement]:
    match = _STRETCH.search(sentence.text)
    if match is None:
        if _SLOTS.search(sentence.text) is None:
            return []
        written, of_kernel = None, False
    else:
        written = match.group(1)
        of_kernel = _KERNEL_OBJECT.search(match.group("object")) is not None
    count = amount(sentence, written) if written else None
    if written and count is None:
        return []
    conv = force.at(sentence, own=False)  # its own sizes are read below
    if of_kernel:
        if not _DILATION_CONTEXT.search(around):
            return []
        own = _DILATION_IN.search(sentence.text)
        if own is not None:
            value = amount(sentence, own.group(1))
            if value is None:
                return []
            conv = replace(conv, dilation=Pinned(value, f"dilation {value} (line {sentence.line})"))
        elif conv.dilation is None:
            return []
        return [_statement(sentence, Stretch(count, conv, of_kernel=True))]
    if not _STRETCH_CONTEXT.search(around):
        return []
    own = STRIDE.search(sentence.text)
    value = amount(sentence, own.group(1)) if own is not None else None
    if own is not None and value is None:
        return []
    if value is not None and value != 1:
        conv = replace(conv, stride=Pinned(value, f"stride {show(value)} (line {sentence.line})"))
    elif value is None:
        # a stride of 1 said beside zeros between the entries is the stride of the convolution
        # that runs over them (a *fractionally strided* convolution), not the forward one
        least = force.condition(sentence)
        if least is not None:
            conv = replace(conv, stride=None, least_stride=least)
    return [_statement(sentence, Stretch(count, conv))]


# ----------------------------------------------------------------------------------------------
# The gradient a strided convolution's backward pass stretches
# ----------------------------------------------------------------------------------------------
_UPSAMPLE = lazy_compile(
    r"\bupsampl\w*|\bdilat\w*\b[^.;]*\b(?:by|with)\s+(?:the\s+)?stride", re.IGNORECASE
)
_DERIVATIVE_OF = lazy_compile(
    r"(⟨\d+⟩)\s*(?:derivatives?|gradients?)\b|\b(?:derivatives?|gradients?)\s+(?:w\.?\s*r\.?\s*t\.?"
    r"|with\s+respect\s+to|of)\s+(?:the\s+)?(⟨\d+⟩)",
    re.IGNORECASE,
)


def _upsampled(sentence: Sentence, force: InForce) -> list[WordStatement]:
    text = sentence.text
    if _UPSAMPLE.search(text) is None:
        return []
    names = set()
    for match in _DERIVATIVE_OF.finditer(text):
        math = sentence.math_of(match.group(1) or match.group(2))
        name = math_name(math) if math is not None else None
        if name is not None:
            names.add(name)
    for math in sentence.maths:
        if "\\partial" in math and re.match(r"\s*\\frac", math):
            name = math_name(math)
            if name is not None:
                names.add(name)
    if len(names) != 1:
        return []
    (name,) = names
    conv = force.at(sentence)
    own = STRIDE.search(text)
    value = amount(sentence, own.group(1)) if own is not None else None
    if value is not None:
        conv = replace(conv, stride=Pinned(value, f"stride {show(value)} (line {sentence.line})"))
    else:
        least = force.condition(sentence)
        if least is not None:
            conv = replace(conv, stride=None, least_stride=least)
    role = force.role_of(name, sentence)
    fact = Upsampled(
        name, None if role is None else role.value, conv, "" if role is None else role.where
    )
    return [_statement(sentence, fact)]


# ----------------------------------------------------------------------------------------------
# A dilated kernel's extent, a stack's receptive field
# ----------------------------------------------------------------------------------------------
_COUNT = r"(two|three|four|five|six|seven|eight|\d+|⟨\d+⟩)"
_STACK = lazy_compile(
    rf"(?:(?<![\w⟩]){_COUNT}\s+(?:stacked\s+|consecutive\s+|successive\s+|sequential\s+)?"
    rf"|\ba\s+stack\s+of\s+{_COUNT}\s+|\bstacking\s+{_COUNT}\s+)"
    rf"({SHAPE})\s+(?:conv\w*\s+|convolutional\s+)?(?:layers?|convolutions?|filters?|kernels?|convs?)\b"
    # Chinese: 两层 3×3 卷积, 三个 3×3 的卷积层
    rf"|(?<![第\d])([两二三四五六七八九十]|\d+|⟨\d+⟩)\s*[层个]\s*(?:的\s*)?({SHAPE})\s*(?:的\s*)?卷积",
    re.IGNORECASE,
)
_CHINESE_COUNTS = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
                   "九": 9, "十": 10}  # fmt: skip
_FIELD = lazy_compile(
    rf"\breceptive\s+field\s+(?:size\s+)?(?:(?:of|is|=|:|equal\s+to|becomes)\s*)?(?:an?\s+|the\s+)?"
    rf"({SHAPE})(?!\s*(?:conv\w*|layers?|filters?|kernels?|stacked))"
    rf"|\b(?:same|identical)\s+(?:effective\s+)?receptive\s+field\s+as\s+(?:an?\s+|one\s+|a\s+single\s+)?"
    rf"({SHAPE})"
    rf"|\breceptive\s+field\s+(?:as\s+large\s+as|equivalent\s+to|of)\s+(?:an?\s+|one\s+|a\s+single\s+)"
    rf"({SHAPE})"
    rf"|感受野\s*(?:大小|尺寸)?\s*(?:是|为|等于|[=:\uff1a])\s*({SHAPE})",
    re.IGNORECASE,
)
#: The field said before its stack: *the receptive field of L stacked 3×3 convolutions is 2L+1*.
_FIELD_OF = lazy_compile(r"\breceptive\s+field\s+(?:size\s+)?of\s+(?:the\s+)?$", re.IGNORECASE)
_IS_AFTER = lazy_compile(
    rf"^\s*(?:\([^()]{{0,30}}\)\s*)?(?:,?\s*(?:with|at)\s+(?:a\s+)?stride\s+(?:of\s+)?(?:\d+|⟨\d+⟩)\s*,?\s*)?"
    rf"(?:is|=|equals|becomes|:)\s+(?:an?\s+|only\s+)?({SHAPE})(?!\w)",
    re.IGNORECASE,
)
#: Another count of the same kernel after the field: *…, and three have 7×7*; *三层是 7×7*.
_ANOTHER_COUNT = lazy_compile(
    rf"^\s*[,;\uff0c\uff1b]?\s*(?:and\s+|while\s+|whereas\s+)?{_COUNT}\s+(?:have|has|give|gives"
    rf"|see|sees|reach|reaches)\s+(?:an?\s+)?({SHAPE})(?!\s*(?:conv\w*|layers?|filters?|kernels?))"
    rf"|^\s*[,;\uff0c\uff1b]\s*([两二三四五六七八九十]|\d+)\s*[层个](?:的感受野)?\s*(?:是|为)\s*({SHAPE})",
    re.IGNORECASE,
)
_STRIDE_ZH = lazy_compile(r"步长\s*(?:为|是|=)?\s*(⟨\d+⟩|\d+)")
_DILATED = lazy_compile(r"\bdilat\w*|\batrous\b", re.IGNORECASE)
_DILATION_VALUE = lazy_compile(
    r"\bdilation(?:\s+(?:rate|factor))?\s*(?:is|of|=|:)?\s*(?:a\s+)?(⟨\d+⟩|\d+|one|two|three|four)(?!\w)"
    r"|\b(\d+)-dilated\b|\bdilated\s+by\s+(?:a\s+factor\s+of\s+)?(⟨\d+⟩|\d+|two|three|four)(?!\w)",
    re.IGNORECASE,
)
_EXTENT = lazy_compile(
    r"(?:\bcovers?|\bspans?|\bsees?|\bbecomes?|\b(?:has|have|with|gives?)\s+(?:an?\s+)?(?:effective|receptive)"
    r"\s+(?:kernel\s+|filter\s+)?(?:size|field|extent|area|width)(?:\s+of)?|\b(?:effective|receptive)\s+"
    r"(?:kernel\s+|filter\s+)?(?:size|field|extent|width)\s+(?:of|is|becomes|=|:)|\bacts?\s+like"
    r"|\bbehaves?\s+like|\bequivalent\s+to|\bthe\s+same\s+(?:area|region|extent)\s+as)"
    rf"\s+(?:an?\s+|the\s+|a\s+single\s+)?({SHAPE})(?!\w)",
    re.IGNORECASE,
)


def _count(written: str, sentence: Sentence | None = None) -> Any:
    """A number of layers as written: an integer ≥ 1, or (a math placeholder of ``sentence``) a
    letter such as ``L`` (None otherwise)."""
    written = written.strip()
    if written in _CHINESE_COUNTS:
        return _CHINESE_COUNTS[written]
    if sentence is not None and written.startswith("⟨"):
        value = amount(sentence, written)
        if isinstance(value, sp.Symbol):
            return value
        return int(value) if isinstance(value, sp.Integer) and value >= 1 else None
    value = amount(Sentence("", (), 0, 0, None, (), (), 0, 0), written)
    return int(value) if isinstance(value, sp.Integer) and value >= 1 else None


#: A count of weights after a stack: *with $27C^2$ parameters*; and a single layer's beside it
#: (*against $49C^2$ for a single 7×7 layer*).
_WEIGHT_COUNTS = (
    lazy_compile(r"(?P<count>⟨\d+⟩)\s+(?:parameters|params|weights)\b", re.IGNORECASE),
    lazy_compile(r"参数(?:量|个数|数量|数)?\s*(?:为|是|[=:\uff1a])\s*(?P<count>⟨\d+⟩)"),
)
_SINGLE_COUNTS = (
    lazy_compile(
        rf"(?P<count>⟨\d+⟩)\s+(?:(?:parameters|params|weights)\s+)?(?:for|of|in)\s+"
        rf"(?:a\s+single|one|a)\s+(?P<shape>{SHAPE})\s+(?:conv\w*\s+)?"
        r"(?:layers?|convolutions?|convs?|filters?|kernels?)\b",
        re.IGNORECASE,
    ),
    lazy_compile(
        rf"(?:一个|一层|单个|单层)\s*(?P<shape>{SHAPE})\s*(?:的\s*)?卷积(?:层|核)?\s*(?:的\s*)?"
        r"参数(?:量|个数|数量|数)?\s*(?:为|是|[=:\uff1a])\s*(?P<count>⟨\d+⟩)"
    ),
)
#: Words that make a count one layer's (*9C² weights each*).
_EACH = lazy_compile(
    r"\beach\b|\bper\s+(?:layer|conv\w*)|\bapiece\b|每层|每个|每一层", re.IGNORECASE
)
_CHANNEL_LETTERS = frozenset({"C", "c"})


def _stack_parameters(
    sentence: Sentence, stack: re.Match[str], layers: Any, kernel: tuple[Any, ...]
) -> list[WordStatement]:
    """The weights a sentence gives its stack (and a single layer it compares with), each a
    statement of its own, when written in one letter of channels (C)."""
    if not isinstance(layers, int):
        return []
    text = sentence.text
    found: list[tuple[int, WordStatement]] = []
    used: set[str] = set()  # the counts a single layer's words claim
    patterns = [(p, True) for p in _SINGLE_COUNTS] + [(p, False) for p in _WEIGHT_COUNTS]
    for pattern, single in patterns:
        for match in pattern.finditer(text, stack.end()):
            written = match.group("count")
            if written in used:
                continue
            used.add(written)
            math = sentence.math_of(written)
            value = math_value(math) if math is not None else None
            letters: set[Any] = getattr(value, "free_symbols", set())
            if value is None or len(letters) != 1:
                continue
            (letter,) = letters
            if letter.name not in _CHANNEL_LETTERS or not _channels_alike(sentence, letter):
                continue
            if not single and _EACH.search(text):
                continue  # *… have 9C² weights each*: one layer's, or the stack's? not read
            shape = match.group("shape") if single else None
            count, sizes = (1, sizes_of(sentence, shape or "")) if single else (layers, kernel)
            if sizes is None or not all(isinstance(k, sp.Integer) for k in sizes):
                continue
            said = sentence.spoken(text[match.start() : match.end()])
            statement = _statement(
                sentence,
                StackParameters(count, sizes, letter, value),
                _math_segment(sentence, written),
            )
            found.append((match.start(), replace(statement, text=said)))
    return [statement for _, statement in sorted(found, key=lambda pair: pair[0])]


def _channels_alike(sentence: Sentence, letter: sp.Symbol) -> bool:
    """True if every math of the sentence in ``letter`` is the letter itself or of degree 2 in it
    (a count of layers with ``letter`` channels in and out, biases or not); *from C to 2C
    channels* says otherwise."""
    for math in sentence.maths:
        value = math_value(math)
        if value is None or letter not in getattr(value, "free_symbols", set()):
            continue
        if value == letter:
            continue  # "C channels"
        if not value.is_polynomial(letter) or sp.degree(value, letter) != 2:
            return False  # 2C: another number of channels
    return True


def _field_value(sentence: Sentence, written: str, layers: Any) -> tuple[Any, ...] | None:
    """The field as written: sizes per axis, or (a count in letters) a formula in them."""
    if isinstance(layers, sp.Symbol):
        math = sentence.math_of(written)
        value = math_value(math) if math is not None else None
        if value is None or getattr(value, "free_symbols", set()) - {layers}:
            return None
        return (value,)
    return sizes_of(sentence, written)


def _stack_field(sentence: Sentence, force: InForce) -> list[WordStatement]:
    """*Two stacked 3 × 3 convolutions have a 5 × 5 receptive field, and three have 7 × 7*; *the
    receptive field of L stacked 3 × 3 convolutions is 2L + 1*; *两层 3×3 卷积的感受野是 5×5*:
    a field per count of the stack's kernel."""
    text = sentence.text
    stack = _STACK.search(text)
    if stack is None or _DILATED.search(text):
        return []
    count_text = next(g for g in (stack.group(i) for i in (1, 2, 3, 5)) if g)
    layers = _count(count_text, sentence)
    kernel = sizes_of(sentence, stack.group(4) or stack.group(6))
    field = _FIELD.search(text, stack.end())
    field_text = None if field is None else next(g for g in field.groups() if g)
    end = field.end() if field is not None else stack.end()
    if field is None and _FIELD_OF.search(text[: stack.start()]):
        after = _IS_AFTER.match(text[stack.end() :])
        if after is not None:
            field_text, end = after.group(1), stack.end() + after.end()
    if layers is None or kernel is None:
        return []
    if not all(isinstance(k, sp.Integer) for k in kernel):
        return []  # a kernel in letters (L stacked K × K layers): a formula's reader judges it
    if field_text is None:
        return _stack_parameters(sentence, stack, layers, kernel)  # its weights alone
    stated = _field_value(sentence, field_text, layers)
    if stated is None:
        return []
    own = STRIDE.search(text) or _STRIDE_ZH.search(text)
    stride = None
    if own is not None:
        value = amount(sentence, own.group(1))
        if value is None:
            return []
        stride = Pinned(value, f"stride {show(value)} (line {sentence.line})")
    else:
        stride = force.at(sentence).stride
    found = [
        _statement(
            sentence,
            StackField(layers, kernel, stated, stride),
            _math_segment(sentence, field_text),
        )
    ]
    counts = _stack_parameters(sentence, stack, layers, kernel)
    if counts:  # the field and the counts, each its own statement
        found = [replace(found[0], text=sentence.spoken(text[stack.start() : end]))]
    found.extend(counts)
    more = _ANOTHER_COUNT.match(text[end:])
    if more is not None and not isinstance(layers, sp.Symbol):
        others = _count(more.group(1) or more.group(3))
        written = more.group(2) or more.group(4)
        sizes = sizes_of(sentence, written)
        if others is not None and sizes is not None:
            said = sentence.spoken(
                text[end + more.start() : end + more.end()].strip(" ,;\uff0c\uff1b")
            )
            statement = _statement(
                sentence,
                StackField(others, kernel, sizes, stride),
                _math_segment(sentence, written),
            )
            found.append(replace(statement, text=said))
    return found


def _dilated_extent(sentence: Sentence, force: InForce) -> list[WordStatement]:
    text = sentence.text
    if _DILATED.search(text) is None or _STACK.search(text):
        return []
    dilation = _DILATION_VALUE.search(text)
    extent = _EXTENT.search(text)
    if dilation is None or extent is None:
        return []
    value = amount(sentence, next(g for g in dilation.groups() if g))
    stated = sizes_of(sentence, extent.group(1))
    if not isinstance(value, sp.Integer) or stated is None:
        return []
    kernel = kernel_in(sentence, text[: extent.start()])
    pinned: tuple[Pinned, ...]
    if kernel is not None:
        words = " × ".join(show(k) for k in kernel)
        pinned = tuple(Pinned(k, f"the {words} kernel (line {sentence.line})") for k in kernel)
    else:
        pinned = force.at(sentence).kernel
    if not pinned or not all(isinstance(p.value, sp.Integer) for p in pinned):
        return []
    dilated = Pinned(value, f"dilation {value} (line {sentence.line})")
    replaces = _math_segment(sentence, extent.group(1))
    return [_statement(sentence, DilatedExtent(pinned, dilated, stated), replaces)]


def _math_segment(sentence: Sentence, written: str) -> int | None:
    """The segment of a math a sentence writes as ``⟨n⟩`` (None: not math)."""
    match = re.fullmatch(r"⟨(\d+)⟩", written.strip())
    return sentence.segments[int(match.group(1))] if match is not None else None


# ----------------------------------------------------------------------------------------------
# The sizes of a convolution said in one sentence, and of its transpose
# ----------------------------------------------------------------------------------------------
_SHAPE_2D = lazy_compile(r"⟨\d+⟩|\b\d+\s*(?:x|×|\*)\s*\d+\b")
_SLIDE = lazy_compile(r"\b(?:convolv\w*|correlat\w*)\b", re.IGNORECASE)
_MAKES = lazy_compile(
    r"(?:\bto\s+)?\b(?:create|creates|produce|produces|get|gets|obtain|give|gives|yield|yields"
    r"|results?\s+in|compute|computes)\s+(?:the\s+|a\s+|an\s+)?$",
    re.IGNORECASE,
)
_KERNEL_AFTER_SHAPE = lazy_compile(r"^\s+(?:\w+\s+)?(?:filters?|kernels?|weights?)\b", re.I)
_OVER = lazy_compile(r"\b(?:over|across|on)\s+(?:the\s+|a\s+|an\s+)?$", re.IGNORECASE)
_NO_PADDING_WORDS = lazy_compile(
    r"\b(?:no|without(?:\s+any)?)\s+(?:zero[-\s]?)?padding\b|\bunpadded\b", re.IGNORECASE
)
_NOT_VALID = lazy_compile(r"\bpad\w*|[\"']same[\"']|\bsame\s+padding|\bfull\b|\btranspos", re.I)


def _shapes(sentence: Sentence) -> list[tuple[int, int, tuple[Any, ...]]]:
    """The 2-D shapes a sentence writes, with where each is."""
    found = []
    for match in _SHAPE_2D.finditer(sentence.text):
        sizes = sizes_of(sentence, match.group(0))
        if sizes is not None and len(sizes) == 2 and all(isinstance(v, sp.Integer) for v in sizes):
            found.append((match.start(), match.end(), sizes))
    return found


def _conv_sizes(sentence: Sentence, force: InForce) -> list[WordStatement]:
    text = sentence.text
    verb = _SLIDE.search(text)
    unpadded = _NO_PADDING_WORDS.sub(" ", text)
    if verb is None or _NOT_VALID.search(unpadded) or CONDITION.search(text):
        return []
    shapes = _shapes(sentence)
    if len(shapes) != 3:
        return []
    results = [i for i, (start, _, _) in enumerate(shapes) if _MAKES.search(text[:start])]
    if len(results) != 1:
        return []
    others = [i for i in range(3) if i not in results]
    kernels = [i for i in others if _KERNEL_AFTER_SHAPE.match(text[shapes[i][1] :])]
    if len(kernels) != 1:
        # "convolve A over B": the one that slides is the kernel
        first, second = others
        slides = shapes[first][0] > verb.start() and _OVER.search(text[: shapes[second][0]])
        if not slides:
            return []
        kernels = [first]
    (kernel,) = kernels
    (data,) = [i for i in others if i != kernel]
    conv = force.at(sentence)
    own = STRIDE.search(text)
    stride = conv.stride
    if own is not None:
        value = amount(sentence, own.group(1))
        stride = (
            None if value is None else Pinned(value, f"stride {show(value)} (line {sentence.line})")
        )
    padding = conv.padding
    if unpadded != text:
        padding = Pinned(sp.Integer(0), f"no padding (line {sentence.line})")
    fact = ConvSizes(shapes[data][2], shapes[kernel][2], shapes[results[0]][2], stride, padding)
    return [_statement(sentence, fact)]


_TRANSPOSED = lazy_compile(
    r"\b(?:transposed\s+conv\w*|deconv\w*|fractionally[-\s]strided\s+conv\w*)", re.IGNORECASE
)
_MAPS_GIVEN = lazy_compile(
    r"\b(?:produces?|gives?|outputs?|returns?|yields?|recovers?)\s+(?:an?\s+|the\s+)?(⟨\d+⟩|\d+\s*(?:x|×|\*)\s*\d+)"
    r"[^,.;]*?\b(?:given|from|for|out\s+of)\s+(?:an?\s+|the\s+)?(⟨\d+⟩|\d+\s*(?:x|×|\*)\s*\d+)",
    re.IGNORECASE,
)


def _transposed_sizes(sentence: Sentence, force: InForce) -> list[WordStatement]:
    text = sentence.text
    transposed = _TRANSPOSED.search(text)
    if transposed is None:
        return []
    pairs = list(_MAPS_GIVEN.finditer(text))
    forward = [m for m in pairs if m.start() < transposed.start()]
    after = [m for m in pairs if m.start() > transposed.start()]
    if len(forward) != 1 or len(after) != 1:
        return []

    def pair(match: re.Match[str]) -> tuple[tuple[Any, ...], tuple[Any, ...]] | None:
        output, given = sizes_of(sentence, match.group(1)), sizes_of(sentence, match.group(2))
        return None if output is None or given is None else (given, output)

    ahead, behind = pair(forward[0]), pair(after[0])
    if ahead is None or behind is None:
        return []
    return [_statement(sentence, TransposedSizes(ahead, behind, force.at(sentence)))]


# ----------------------------------------------------------------------------------------------
# What a padding adds
# ----------------------------------------------------------------------------------------------
_PAD_VALUE = lazy_compile(
    rf"\b(?:padding|pad)\s*(?:size\s*)?(?:is|of|=|:)?\s*(?:of\s+)?[\"']?({AMOUNT}|[pP])(?!\w)",
    re.IGNORECASE,
)
_TARGET = (
    r"(height|width|size|dimensions?|sides?|side|spatial\s+size|input|image|length|border|edges?)"
)
_GROWTH_VERB = lazy_compile(r"\b(?:add(?:s|ing|ed)?|increas\w*|grows?|enlarges?)\b", re.I)
_GROWTH = lazy_compile(
    rf"({AMOUNT}|2\s*[pP]|2\s*⟨\d+⟩)\s+(?:more\s+)?(?:(?:rows?|columns?|pixels?|units?|zeros?)\s+)?"
    rf"(?:to|on)\s+(?:the\s+|each\s+|every\s+|both\s+|all\s+)?{_TARGET}\b",
    re.IGNORECASE,
)
_GROWTH_BY = lazy_compile(
    rf"\b(?:increases?|grows?|enlarges?)\s+(?:the\s+)?(?:\w+\s+){{0,3}}?by\s+({AMOUNT}|2\s*[pP])(?!\w)",
    re.IGNORECASE,
)
_DOUBLED = lazy_compile(
    r"(?<![\w.])2\s*(?:\\times|\\cdot|\*|×|·)?\s*(?:p|P|padding)(?![\w])", re.IGNORECASE
)


def doubled_padding(segments: Sequence[Segment]) -> str | None:
    """Where the document's own formula pads a size by ``2p`` (its padding counts one side), or
    None: ``O = (W + 2P − F)/S + 1`` on line 9 → ``"line 9"``."""
    for segment in segments:
        if segment.kind != "code" and _DOUBLED.search(segment.text):
            return f"line {segment.line}"
    return None


def _growth_value(sentence: Sentence, written: str) -> Any:
    compact = re.sub(r"\s+", "", written)
    if re.fullmatch(r"2[pP]", compact):
        return 2 * sp.Symbol(compact[1])
    twice = re.fullmatch(r"2(⟨\d+⟩)", compact)
    if twice is not None:
        inner = amount(sentence, twice.group(1))
        return None if inner is None else 2 * inner
    return amount(sentence, written)


def _padding_growth(sentence: Sentence, doubled: str | None) -> list[WordStatement]:
    text = sentence.text
    verb = _GROWTH_VERB.search(text)
    if verb is None or BACKWARD.search(text) or _FULL.search(text):
        return []
    values = {m.group(1) for m in _PAD_VALUE.finditer(text[: verb.start()])}
    if len(values) != 1:
        return []
    (written,) = values
    padding = sp.Symbol(written) if written in ("p", "P") else amount(sentence, written)
    if padding is None:
        return []
    growth: list[Any] = []
    per_side = False
    for match in _GROWTH.finditer(text, verb.start()):
        value = _growth_value(sentence, match.group(1))
        if value is None:
            return []
        target = match.group(2).lower()
        before = text[max(0, match.start(2) - 8) : match.start(2)].lower()
        side = target.startswith(("side", "border", "edge")) or "each" in before
        if growth and side != per_side:
            return []
        per_side = side
        growth.append(value)
    for match in _GROWTH_BY.finditer(text, verb.start()):
        value = _growth_value(sentence, match.group(1))
        if value is None:
            return []
        growth.append(value)
    if not growth:
        return []
    return [_statement(sentence, PaddingGrowth(padding, tuple(growth), per_side, doubled))]


# ----------------------------------------------------------------------------------------------
# "same" padding
# ----------------------------------------------------------------------------------------------
_SAME = lazy_compile(
    r"[\"'“”]same[\"'“”]|\bsame\s+(?:padding|convolutions?)|\bpadding\s*(?:=|is|being|of)\s*"
    r"[\"']?same\b|\bSAME\b",
)
_QUOTIENT = lazy_compile(
    r"\binput(?:[_\s]*(?:size|width|height|dim\w*|length))?\s*(?:/|÷|divided\s+by|over)\s*"
    r"(?:the\s+)?stride(?:[_\s]*(?:size|length))?\b",
    re.IGNORECASE,
)
_CEILING = lazy_compile(r"\bceil\w*|\bround\w*\s+(?:it\s+)?up\b|⌈|\\lceil", re.IGNORECASE)
_FLOOR = lazy_compile(r"\bfloor\w*|\bround\w*\s+(?:it\s+)?down\b|\btruncat\w*|⌊|\\lfloor", re.I)
_INPUT_LETTERS = frozenset({"n", "N", "W", "H", "i", "I", "n_{in}", "W_{in}", "H_{in}"})
_STRIDE_LETTERS = frozenset({"s", "S"})


def _quotient_in_math(sentence: Sentence) -> str | None:
    """The rounding of a quotient input/stride written in the sentence's math (``n/s``,
    ``\\lceil n/s \\rceil``), or None."""
    for math in sentence.maths:
        value = math_value(math)
        if value is None:
            continue
        rounding = "exact"
        if isinstance(value, sp.ceiling | sp.floor):
            rounding = "ceiling" if isinstance(value, sp.ceiling) else "floor"
            value = value.args[0]
        numerator, denominator = sp.fraction(sp.together(value))
        if (
            isinstance(numerator, sp.Symbol)
            and isinstance(denominator, sp.Symbol)
            and numerator.name in _INPUT_LETTERS
            and denominator.name in _STRIDE_LETTERS
        ):
            return rounding
    return None


@dataclass(frozen=True)
class PlacedSizes:
    """A network the document's size readers found, with the sections of the line it is on."""

    sections: tuple[int, ...]
    network: Any
    input: Any


def _same_size(sentence: Sentence, networks: Sequence[PlacedSizes]) -> list[WordStatement]:
    text = sentence.text
    if _SAME.search(text) is None:
        return []
    rounding = None
    if _QUOTIENT.search(text):
        rounding = (
            "ceiling" if _CEILING.search(text) else "floor" if _FLOOR.search(text) else "exact"
        )
    else:
        rounding = _quotient_in_math(sentence)
    if rounding is None:
        return []
    layers, source = _same_layers(sentence, networks)
    return [_statement(sentence, SameSize(rounding, layers, source))]


def _same_layers(
    sentence: Sentence, networks: Sequence[PlacedSizes]
) -> tuple[tuple[SameLayer, ...], str]:
    """The 'same' layers of the one network in force (its sizes computed by the engine's rule
    from its input), or none."""
    from symconv.check.network_sizes import SizeUnknownError, forward

    mine = [
        placed
        for placed in networks
        if placed.sections == sentence.sections[: len(placed.sections)]
        and any(layer.padding == "same" for layer in placed.network.layers)
    ]
    kinds = {placed.network.layers for placed in mine}
    if len(kinds) != 1:
        return (), ""
    inputs = [p.input for p in mine if p.input is not None]
    if not inputs:
        return (), ""
    network = mine[0].network
    volume = inputs[0]
    layers: list[SameLayer] = []
    for index, layer in enumerate(network.layers):
        try:
            after, _ = forward(layer, volume)
        except SizeUnknownError:
            return (), ""
        if layer.padding == "same":
            name = layer.name or f"layer {index + 1}"
            pairs = dict.fromkeys(
                zip(
                    volume.spatial,
                    layer.stride or (1,) * len(volume.spatial),
                    after.spatial,
                    strict=False,
                )
            )
            layers.extend(SameLayer(name, size, stride, out) for size, stride, out in pairs)
        volume = after
    source = network.source or "the network in force"
    return tuple(layers), source


# ----------------------------------------------------------------------------------------------
# Rounding
# ----------------------------------------------------------------------------------------------
_ROUNDED_SUBJECT = lazy_compile(
    r"\boutput\s+(?:width|height|size|dimension|length|shape|volume)s?\b"
    r"|\b(?:calculated?|computed|resulting)\s+(?:value|size|width|number)\b",
    re.IGNORECASE,
)
_NONINTEGER = lazy_compile(
    r"\bnot\s+(?:an?\s+)?(?:integer|whole)|\bnon-?integers?\b|\bfraction\w*|\bdecimal", re.I
)
_NEAREST = lazy_compile(r"\bround\w*\s+(?:it\s+)?(?:to\s+the\s+nearest|off)\b", re.IGNORECASE)


def _rounding(sentence: Sentence) -> list[WordStatement]:
    text = sentence.text
    if not (_ROUNDED_SUBJECT.search(text) and _NONINTEGER.search(text)):
        return []
    if _SAME.search(text) or re.search(r"ceil_mode", text):
        return []
    directions = [
        name
        for name, pattern in (("floor", _FLOOR), ("ceiling", _CEILING), ("nearest", _NEAREST))
        if pattern.search(text)
    ]
    if len(directions) != 1:
        return []
    pooling = re.search(r"\bpool", text, re.IGNORECASE) is not None
    return [_statement(sentence, Rounding(directions[0], pooling))]


# ----------------------------------------------------------------------------------------------
# Names of one quantity
# ----------------------------------------------------------------------------------------------
_VAGUE = frozenset(
    {"layer", "layers", "dimension", "dimensions", "dim", "depth", "channel", "channels",
     "feature map", "feature maps", "maps", "map", "size"}
)  # fmt: skip
#: Quantities whose names are compared (an input and an output size are equal under "same"
#: padding: not names of one quantity, nor of two).
_JUDGED_FIELDS = frozenset(
    {"filters", "output channels", "input channels", "kernel size", "stride", "padding", "dilation"}
)
#: Layers whose output channels are their input channels (pooling, depthwise, grouped).
_CHANNELS_KEPT = lazy_compile(r"\bpool|\bdepth-?wise|\bgroups?\b|\bgrouped\b", re.IGNORECASE)
_SAME_AS = lazy_compile(
    r"^(?:the\s+)?(?P<a>[A-Za-z_][\w\s]{1,40}?)\s+(?:is\s+(?:always\s+)?(?:equal\s+to|the\s+same\s+as)"
    r"|equals|always\s+equals)\s+(?:the\s+)?(?P<b>[A-Za-z_][\w\s]{1,40}?)\s*\.?$",
    re.IGNORECASE,
)


def _field_of(words: str) -> str | None:
    from symconv.check.size_words import column_field

    text = re.sub(r"^(?:the|a|an)\s+", "", words.strip().lower())
    field = column_field(text)
    if field is None and text.startswith("number of "):
        field = column_field(text[len("number of ") :])
    return None if field is None else field.value


def _channel_names(sentence: Sentence, around: str) -> list[WordStatement]:
    text = sentence.text.strip()
    if sentence.maths or re.search(r"\d", text) or _CHANNELS_KEPT.search(around):
        return []
    if text.count("=") >= 1 and not re.search(r"[<>]", text):
        parts = [part.strip() for part in text.rstrip(".").split("=")]
        groups = [re.split(r"\s*/\s*|\s+or\s+", part) for part in parts]
    else:
        same = _SAME_AS.match(text)
        if same is None:
            return []
        groups = [[same.group("a")], [same.group("b")]]
    terms: list[tuple[str, str]] = []
    ignored: list[str] = []
    for group in groups:
        for piece in group:
            words = piece.strip()
            if not words:
                return []
            field = _field_of(words)
            if field is None:
                if words.lower() not in _VAGUE:
                    return []
                ignored.append(words)
                continue
            if field not in _JUDGED_FIELDS:
                return []
            terms.append((words, field))
    distinct_words = {re.sub(r"[\s_]+", " ", w.lower()) for w, _ in terms}
    if len(terms) < 2 or len(distinct_words) < 2:
        return []
    return [_statement(sentence, ChannelNames(tuple(terms), tuple(ignored)))]


# ----------------------------------------------------------------------------------------------
# The size of the backward convolution's result
# ----------------------------------------------------------------------------------------------
_SIZE_WORD = lazy_compile(r"\b(?:size|shape|dimensions?)\b", re.IGNORECASE)
_WHERE = lazy_compile(
    r"\bwhere\s+(⟨\d+⟩)(?:\s*(?:,|and)\s*(⟨\d+⟩))?\s+(?:is|are)\s+(?:the\s+)?"
    r"(height|width|size|number\s+of\s+rows)(?:\s+and\s+(?:the\s+)?(height|width|number\s+of\s+columns))?"
    r"\s+of\s+the\s+(⟨\d+⟩|\w+)",
    re.IGNORECASE,
)


def _backward_size(
    sentence: Sentence, force: InForce, procedures: Sequence[tuple[Sentence, BackwardPadding]]
) -> list[WordStatement]:
    text = sentence.text
    if BACKWARD.search(text) is None or _SIZE_WORD.search(text) is None:
        return []
    where = _WHERE.search(text)
    if where is None:
        return []
    shaped = [
        (index, shape)
        for index, math in enumerate(sentence.maths)
        if f"⟨{index}⟩" in text[: where.start()] and (shape := shape_of(math)) is not None
    ]
    if len(shaped) != 1:
        return []
    index, sizes = shaped[0]
    letters = [where.group(1), where.group(2)]
    axes_words = [where.group(3).lower(), (where.group(4) or "").lower()]
    described = sentence.math_of(where.group(5))
    map_name = math_name(described) if described is not None else where.group(5)
    mine = [
        (before, fact)
        for before, fact in procedures
        if before.order < sentence.order and sentence.within(before) and fact.map_name
    ]
    if not mine or mine[-1][1].map_name != map_name:
        return []
    before, procedure = mine[-1]
    map_sizes: list[Any] = [None, None]
    for letter, word in zip(letters, axes_words, strict=True):
        if letter is None:
            continue
        value = amount(sentence, letter)
        axis = 1 if "width" in word or "columns" in word else 0
        map_sizes[axis] = value
    if any(value is None for value in map_sizes) or len(sizes) != 2:
        return []
    padding = []
    for axis in (0, 1):
        on_axis = [v for a, v in procedure.amounts if a in (axis, None)]
        if len(on_axis) != 1:
            return []
        padding.append(on_axis[0])
    conv = force.at(sentence)
    conv = replace(conv, kernel=procedure.conv.kernel)
    fact = BackwardSize(tuple(sizes), tuple(map_sizes), tuple(padding), conv, f"line {before.line}")
    return [_statement(sentence, fact, replaces=sentence.segments[index])]


# ----------------------------------------------------------------------------------------------
# The document's statements, and claims of them
# ----------------------------------------------------------------------------------------------
def word_statements(
    segments: Sequence[Segment],
    networks: Sequence[tuple[int | None, int, Any, Any]] = (),
    sized: frozenset[tuple[int | None, int]] = frozenset(),
) -> list[WordStatement]:
    """Every fact of convolution arithmetic the document's sentences state, in order.
    ``networks``: ``(cell, line, network, input or None)`` of the networks its size readers found
    (for the 'same' layers a sentence speaks of); ``sized``: the (cell, line) of the sizes they
    read (a sentence there that states a convolution's sizes is theirs)."""
    found_sentences = sentences(segments)
    if not found_sentences:
        return []
    force = InForce(found_sentences)
    sections = section_map(segments)
    placed = [
        PlacedSizes(sections.get((cell, line), ()), network, given)
        for cell, line, network, given in networks
    ]
    doubled = doubled_padding(segments)
    paragraphs: dict[int, list[Sentence]] = {}
    for sentence in found_sentences:
        paragraphs.setdefault(sentence.paragraph, []).append(sentence)
    procedures: list[tuple[Sentence, BackwardPadding]] = []
    found: list[WordStatement] = []
    opener: Sentence | None = None  # the sentence a list's items continue
    for sentence in found_sentences:
        if not sentence.list_item:
            opener = sentence
        around = " ".join(
            [
                *sentence.headings,
                *(s.text for s in paragraphs[sentence.paragraph]),
                *([opener.text] if sentence.list_item and opener is not None else []),
            ]
        )
        padded = _backward_padding(sentence, force)
        for statement in padded:
            fact = statement.facts.statement
            if isinstance(fact, BackwardPadding):
                procedures.append((sentence, fact))
        found.extend(padded)
        found.extend(_stretch(sentence, force, around))
        found.extend(_upsampled(sentence, force))
        found.extend(_stack_field(sentence, force))
        found.extend(_dilated_extent(sentence, force))
        found.extend(_transposed_sizes(sentence, force))
        lines = range(sentence.line, sentence.end_line + 1)
        if not any((sentence.cell, line) in sized for line in lines):
            found.extend(_conv_sizes(sentence, force))
        found.extend(_padding_growth(sentence, doubled))
        found.extend(_same_size(sentence, placed))
        found.extend(_rounding(sentence))
        found.extend(_channel_names(sentence, around))
        found.extend(_backward_size(sentence, force, procedures))
    return found


def add_word_claims(
    segments: Sequence[Segment],
    claims: Sequence[Claim],
    statement_claims: Mapping[tuple[int, int], Sequence[Claim]],
    context: DocumentContext,
) -> tuple[tuple[Claim, ...], dict[tuple[int, int], tuple[Claim, ...]]]:
    """The reading's claims with a ``fact`` claim for each statement of :func:`word_statements`
    (one that restates a shape the reading holds as a claim takes its place and its id); the
    new claims are recorded in ``context``."""
    from symconv.check.networks import SizeFacts

    by_statement = {key: tuple(found) for key, found in statement_claims.items()}
    networks = []
    for claim in claims:
        facts = claim.facts
        if isinstance(facts, SizeFacts):
            given = facts.network.input or (facts.given if facts.start == 0 else None)
            networks.append((claim.origin.cell, claim.line, facts.network, given))
    sized = frozenset(
        (claim.origin.cell, claim.line) for claim in claims if isinstance(claim.facts, SizeFacts)
    )
    statements = word_statements(segments, networks, sized)
    if not statements:
        return tuple(claims), by_statement
    replaced: dict[int, Claim] = {}
    added: list[Claim] = []
    next_id = max((claim.id for claim in claims), default=0) + 1
    for statement in statements:
        original = _replaceable(statement, by_statement, replaced)
        if original is not None:
            claim = _claim(statement, original.origin)
            replaced[original.id] = claim
            for key, found in by_statement.items():
                if any(c.id == original.id for c in found):
                    by_statement[key] = tuple(claim if c.id == original.id else c for c in found)
        else:
            claim = _claim(statement, _origin(statement, claims, next_id))
            next_id += 1
            added.append(claim)
        context.add_claim(claim)
    merged = [replaced.get(claim.id, claim) for claim in claims]
    merged.extend(added)
    return tuple(merged), by_statement


_REPLACEABLE = frozenset({ClaimKind.SHAPE, ClaimKind.ANSWER, ClaimKind.FACT, ClaimKind.ALGEBRA})


def _replaceable(
    statement: WordStatement,
    by_statement: Mapping[tuple[int, int], Sequence[Claim]],
    replaced: Mapping[int, Claim],
) -> Claim | None:
    if statement.replaces is None:
        return None
    covered = [
        claim
        for key, found in by_statement.items()
        if key[0] == statement.replaces
        for claim in found
    ]
    if len(covered) != 1 or covered[0].kind not in _REPLACEABLE or covered[0].id in replaced:
        return None
    return covered[0]


def _claim(statement: WordStatement, origin: Origin) -> Claim:
    return Claim(
        statement.line,
        statement.end_line,
        statement.text,
        ClaimKind.FACT,
        None,
        (),
        "=",
        statement.facts,
        origin,
    )


def _origin(statement: WordStatement, claims: Sequence[Claim], identifier: int) -> Origin:
    """An origin for a new claim: the section of the claim written just before it."""
    before = [c for c in claims if c.origin.cell == statement.cell and c.line <= statement.line]
    if before:
        near = before[-1].origin
        return Origin(id=identifier, scope=near.scope, heading=near.heading, cell=statement.cell)
    return Origin(id=identifier, cell=statement.cell)

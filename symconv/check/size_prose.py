"""Sizes stated in prose about the network a document describes: labelled values, ticked quiz
options, a formula's bindings, a named tensor's shape.

A value is a claim only after words that say what it is (a label and an answer cue —
*参数个数为\uff1a`208`*, *the output volume is*, *Filter个数\uff1a32* —, a count before its noun —
*you get 7,600 parameters* —, a ticked option of a question that asks for it, a binding of a
size formula's letter): a number alone in prose is never one.

* **Labels** name the quantity (output shape, parameters, parameters per filter, number of
  filters, kernel size, input shape, stride, padding, receptive field; English and Chinese) and,
  if they say it, the layer (*第一层*, *the first layer*); a label about *each filter* is about
  the convolution, a negated one (*而不是*, *rather than*) states nothing.
* **Options**: in a question whose words ask for a quantity (:mod:`symconv.check.size_premises`),
  the ticked option (``- [x] 62 × 62 × 32``) and an ``Answer:`` line state it.
* **Formula bindings**: ``n_H^{[l]} = (n_H^{[l−1]} + 2p − f)/s + 1`` with ``n_H^{[l−1]} = 127,
  p = 0, f = 5, s = 2`` binds each letter to the quantity its role names (the input height, the
  padding, the kernel, the stride); each binding states the question's value, and *we get 62*
  the output.
* **Named tensors**: a tensor named after output words (*输出特征图的反向传播误差δ(16, 8, 127,
  127)*: the error of the output has the output's shape) states the output shape; the same name
  with another shape later in the section states it again.
* **A shape before its noun** in a sentence that states a layer: *the 3 x 3 filter … on the 5 x 5
  input … to produce the 3 x 3 output map*.

Each statement is bound to the network in force at its line (:func:`prose_statements`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import sympy as sp

from symconv.check.lines import SourceLine
from symconv.check.networks import (
    LayerKind,
    Network,
    PlacedNetwork,
    Quantity,
    SizeFacts,
    SizeStatement,
    Volume,
)
from symconv.check.size_premises import UNREAD_LAYERS, mentions_data, plain_words, read_premise
from symconv.check.size_values import read_count, read_sizes, unwrapped
from symconv.check.size_words import layer_kind

__all__ = ["Label", "label_of", "prose_statements"]


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


# ----------------------------------------------------------------------------------------------
# Labels
# ----------------------------------------------------------------------------------------------
_NEGATION = re.compile(
    r"\bnot\b|n't\b|instead\s+of|rather\s+than|而不是|不是|并非|不等于|≠|\\neq", re.IGNORECASE
)
_PER_FILTER = re.compile(
    r"(?:each|per|every|a\s+single|one)\s+(?:filter|kernel)|(?:每个|每一个|单个|一个)\s*(?:filter|kernel|卷积核|滤波器)",
    re.IGNORECASE,
)
_ALL_FILTERS = re.compile(
    r"(?:all|所有|全部)\s*(?:the\s+)?(?:filters?|kernels?|卷积核|滤波器)", re.IGNORECASE
)
_LABELS: tuple[tuple[Quantity, re.Pattern[str]], ...] = tuple(
    (quantity, re.compile(pattern, re.IGNORECASE))
    for quantity, pattern in (
        (Quantity.RECEPTIVE_FIELD, r"receptive\s+field|感受野"),
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
_CUE = re.compile(
    r"(?:[:\uff1a=]|\bis|\bare|\bbe|\bequals?|\bgives?|\bgets?|\bhas|\bhave|\bbecomes?|\bof|为|是|应该是|应为|等于|得)"
    r"\s*[(\uff08]?\s*$",
    re.IGNORECASE,
)
_LAYER_INDEX = re.compile(
    r"(?:the\s+)?(first|second|third|fourth|1st|2nd|3rd|4th)\s+(?:conv(?:olutional)?\s+)?layer"
    r"|\blayer\s*(\d+)\b|第\s*([一二三四1-4])\s*(?:个)?(?:卷积)?层",
    re.IGNORECASE,
)
_ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3,
             "4th": 3, "一": 0, "二": 1, "三": 2, "四": 3}  # fmt: skip
_WEIGHTS = re.compile(r"\bweights?\b|权重|权值", re.IGNORECASE)


def label_of(words: str) -> Label | None:
    """What the words before a value say it is (None: no label, or a negated one).

    >>> label_of("所以每个Filter对应的参数个数为\uff1a")
    Label(quantity=<Quantity.FILTER_PARAMETERS: 'parameters per filter'>, layer=None, axis=None, \
per_filter=True, filters_named=True)
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
    if (match := _LAYER_INDEX.search(words)) is not None:
        word = next(g for g in match.groups() if g)
        layer = int(word) - 1 if word.isdigit() else _ORDINALS.get(word.lower())
    for quantity, pattern in _LABELS:
        if pattern.search(words):
            if quantity is Quantity.PARAMETERS and _PER_FILTER.search(words):
                return Label(Quantity.FILTER_PARAMETERS, layer, per_filter=True, filters_named=True)
            named = _ALL_FILTERS.search(words) is not None or quantity in (
                Quantity.FILTERS,
                Quantity.KERNEL,
            )
            return Label(quantity, layer, filters_named=named)
    if _WEIGHTS.search(words) and _PER_FILTER.search(words):
        return Label(Quantity.FILTER_PARAMETERS, layer, per_filter=True, filters_named=True)
    return None


# ----------------------------------------------------------------------------------------------
# Values in a line
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Token:
    """A value written in a line: its text, where it is in the line, and the math segments or
    the text spans (segment, start, end) it was read from."""

    text: str
    start: int
    end: int
    segments: tuple[int, ...] = ()
    spans: tuple[tuple[int, int, int], ...] = ()


_CODE_SPAN = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*([^*]*\d[^*]*)\*\*")
_BARE = re.compile(
    r"(?<![\w.$\\])\d[\d,]*(?:\s*(?:[×xX*]|\s+by\s+)\s*\d+)*(?![\w.]\d|\w)|[(\uff08]\d+(?:\s*[,\uff0c]\s*\d+)+\s*[)\uff09]"
)


def _tokens(line: SourceLine) -> list[_Token]:
    tokens: list[_Token] = []
    for piece in line.pieces:
        if piece.kind == "math":
            tokens.append(
                _Token(piece.text, piece.start, piece.start + len(piece.text), (piece.segment,))
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
                tokens.append(_Token(inner, start, piece.start + b, spans=(span,)))
    return sorted(tokens, key=lambda token: token.start)


def _clause(text: str) -> str:
    """The words of ``text`` after its last clause break."""
    parts = re.split(r"[,\uff0c。;\uff1b!?\uff01\uff1f]|\.\s", text)
    return parts[-1] if parts else text


# ----------------------------------------------------------------------------------------------
# Statements
# ----------------------------------------------------------------------------------------------
_OPTION = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s*\[[xX✓✔]\]\s*(.+)$")
_ANSWER = re.compile(
    r"^\s*(?:[-*+]\s*)?\**\s*(?:answer|ans|答案)\s*\**\s*[:\uff1a]\s*\**\s*(.+)$", re.I
)
_COUNT_AFTER = re.compile(
    r"^\s*(?:trainable\s+|learnable\s+|total\s+)?(parameters|params|weights|filters|kernels)\b"
    r"|^\s*个?(参数|卷积核|滤波器)",
    re.IGNORECASE,
)
_COUNT_CUE = re.compile(
    r"(?:\b(?:get|gets|got|have|has|had|are|is|total|of|gives?|needs?|with|uses?)|得到|共有?|有|为|[:\uff1a=])\s*$",
    re.IGNORECASE,
)
_CONDITION = re.compile(
    r"\b(?:if|when|whenever|suppose|supposing|assume|assuming|using|had|with)\b|假如|如果|若|假设",
    re.IGNORECASE,
)
#: Words that say a line is about another network than the one in force.
_ELSEWHERE = re.compile(
    r"\b(?:another|other|vgg\w*|resnet\w*|alexnet|lenet\w*|googlenet|inception|compar\w*"
    r"|for\s+(?:example|instance)|e\.g\.|such\s+as|instead)\b|例如|比如|另一|其他|相比"
    r"|" + UNREAD_LAYERS.pattern,
    re.IGNORECASE,
)
#: A value, then the words that say what it is: ``(24,24) is the maximum receptive field``.
_COPULA = re.compile(
    r"^\s*(?:is|are|was|will\s+be)\s+(?:the\s+)?(?:maximum|max|largest|total|full)?\s*"
    r"([A-Za-z][\w\s]{0,40})",
    re.IGNORECASE,
)
#: What leads to a layer's output in the line that states the layer: ``→ 28 × 28 × 6``.
_ARROW = re.compile(
    r"(?:→|->|=>|⟶|\bgives?|\bproduces?|\boutputs?|\byields?|\bresults?\s+in|得到|输出为?)"
    r"\s*(?:an?|the)?\s*$",
    re.IGNORECASE,
)
_APPLIED_TO = re.compile(r"\b(?:to|on|over|from)\s+(?:the|a|an|this)\s*$", re.IGNORECASE)
_OUTPUT_AFTER = re.compile(
    r"^\s*(?:output|resulting)\s*(?:map|volume|feature\s*map|image|matrix|activation)?s?\b|^\s*(?:的)?输出",
    re.IGNORECASE,
)


def prose_statements(
    lines: Sequence[SourceLine],
    placed: Sequence[PlacedNetwork],
) -> tuple[list[SizeStatement], list[PlacedNetwork]]:
    """The sizes stated in prose, each bound to the network in force at its line; and the
    premises read (networks stated in words), for the caller's record."""
    premises: list[PlacedNetwork] = []
    found: list[SizeStatement] = []
    networks = sorted(placed, key=lambda p: ((p.cell or 0), p.line))
    scopes = _scopes(lines)
    paragraphs = _paragraphs(lines)
    sections = _sections(lines)
    names: dict[str, Quantity] = {}  # a tensor named as the output (δ): its shape is stated
    listed: PlacedNetwork | None = None  # a network whose layers a list states line by line
    pending: Volume | None = None  # an input stated alone, for the layers listed after it
    carried = ""  # the words of a sentence the line before left open (hard-wrapped prose)
    previous: SourceLine | None = None
    for line in lines:
        if listed is not None and paragraphs.get(_key(listed)) != paragraphs.get(_key(line)):
            listed = None
        if (
            previous is None
            or paragraphs.get(_key(previous)) != paragraphs.get(_key(line))
            or line.heading is not None
            or _LIST_ITEM.match(line.text)
        ):
            carried = ""
        sentence = f"{carried} {line.text}" if carried else line.text
        carried = _open_sentence(sentence)
        previous = line
        words = plain_words(sentence)
        in_list = (listed is not None or pending is not None) and _LIST_ITEM.match(line.text)
        cued = _states_data(sentence) or in_list
        premise = read_premise(words) if cued else None
        if line.heading is not None:
            pending = None
        if premise is not None and premise.layer is None:
            # an input alone is no network (and no data of one): the input of the layers the
            # next lines of its section list
            pending = premise.input if premise.input is not None else pending
            premise = None
        here = None
        layer = premise.layer if premise is not None else None
        if premise is not None and layer is not None:
            listing = premise.input is None and listed is None and pending is not None
            if listing:
                premise = replace(premise, input=pending)
                pending = None
            if premise.input is None and listed is not None and premise.asked is None:
                # the next layer of a list: it takes what the one above puts out
                before = listed.network
                network = Network((*before.layers, layer), before.input, before.source)
                here = replace(listed, line=line.line, network=network)
            else:
                asked = premise.asked is not None
                source = f"the {'question' if asked else 'data'} on line {line.line}"
                if listing:
                    source = f"the layers listed from line {line.line}"
                network = Network((layer,), premise.input, source)
                reach = "section" if premise.asked is not None else "paragraph"
                if reach == "paragraph" and _SUPPOSED.search(line.text):
                    reach = "example"
                here = PlacedNetwork(line.line, line.cell, network, premise.asked, reach)
            listed = here if here.network.input is not None and here.asked is None else None
            premises.append(here)
            networks = sorted([*networks, here], key=lambda p: ((p.cell or 0), p.line))
        if line.heading is not None:
            names = {}
        found.extend(_dataset_statements(line))
        current = _in_force(networks, line, scopes)
        if current is None:
            continue
        if current.reach == "paragraph" and paragraphs.get(_key(current)) != paragraphs.get(
            _key(line)
        ):
            continue
        if current.reach == "example" and sections.get(_key(current)) != sections.get(_key(line)):
            continue  # data an example supposes holds in its own section
        if here is None and current.reach != "section" and mentions_data(line.text):
            continue  # a line that changes a datum ("with stride 2 we get …"): another layer
        found.extend(_line_statements(line, current, here is not None, names))
    return found, premises


_SENTENCE_END = re.compile(r"[.!?\u3002\uff01\uff1f](?=\s|$)")


def _open_sentence(text: str) -> str:
    """The words after the last sentence end of ``text`` (what the next line continues)."""
    ends = list(_SENTENCE_END.finditer(text))
    return text[ends[-1].end() :].strip() if ends else text


#: A list item (or a table-less line of a layer list): ``- C3: 16 filters of 5 × 5 → …``.
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


_SUPPOSED = re.compile(
    r"\b(?:suppose|assume|assuming|given|consider|let|imagine)\b|假设|设|给定|已知", re.IGNORECASE
)


_DATA_CUE = re.compile(
    r"\b(?:suppose|assume|assuming|given|consider|let|you\s+have|we\s+have|there\s+is|imagine"
    r"|input|convolv\w*|appl(?:y|ies|ied))\b|假设|设|给定|已知|若|如果|有一张|输入",
    re.IGNORECASE,
)


def _states_data(text: str) -> bool:
    return _DATA_CUE.search(text) is not None


def _heading_words(text: str) -> str:
    """A heading's words: ``## 4. You have`` → ``4. You have``, ``\\section{Problem 2}`` →
    ``Problem 2``."""
    tex = re.match(r"\s*\\\w+\*?\s*\{(.*)\}?\s*$", text)
    if tex is not None:
        return tex.group(1)
    return re.sub(r"^\s*#+\s*", "", text)


_NEW_PROBLEM = re.compile(
    r"^\s*\**\s*(?:(?:problem|question|exercise|task|q|part|hw|homework|quiz)\s*[\d(]"
    r"|\d+\s*[.)](?!\d)|\(?[a-z]\)\s|第\s*[一二三四五六七八九十百\d]+\s*[题问部])",
    re.IGNORECASE,
)


def _scopes(lines: Sequence[SourceLine]) -> dict[tuple[int | None, int], int]:
    """A problem number per line: a heading that starts a new problem (``## Problem 2``,
    ``### 4.``) or a heading above the level of the one before starts a new one."""
    scope = 0
    level: int | None = None
    scopes: dict[tuple[int | None, int], int] = {}
    for line in lines:
        depth = line.heading
        if depth is not None:
            if _NEW_PROBLEM.match(_heading_words(line.text)) or (
                level is not None and depth < level
            ):
                scope += 1
            level = depth
        scopes[(line.cell, line.line)] = scope
    return scopes


def _sections(lines: Sequence[SourceLine]) -> dict[tuple[int | None, int], int]:
    """A section number per line: every heading starts one."""
    number = 0
    found: dict[tuple[int | None, int], int] = {}
    for line in lines:
        if line.heading is not None:
            number += 1
        found[(line.cell, line.line)] = number
    return found


def _key(item: SourceLine | PlacedNetwork) -> tuple[int | None, int]:
    return item.cell, item.line


def _paragraphs(lines: Sequence[SourceLine]) -> dict[tuple[int | None, int], int]:
    """A paragraph number per line: a blank line or a heading starts a new one."""
    number = 0
    found: dict[tuple[int | None, int], int] = {}
    previous: SourceLine | None = None
    for line in lines:
        if (
            previous is None
            or previous.cell != line.cell
            or line.line != previous.line + 1
            or line.heading is not None
        ):
            number += 1
        found[_key(line)] = number
        previous = line
    return found


def _in_force(
    networks: Sequence[PlacedNetwork], line: SourceLine, scopes: dict[tuple[int | None, int], int]
) -> PlacedNetwork | None:
    scope = scopes.get((line.cell, line.line))
    current = None
    for placed in networks:
        if (placed.cell or 0, placed.line) > (line.cell or 0, line.line):
            break
        current = placed
    if current is None or scopes.get((current.cell, current.line), scope) != scope:
        return None
    return current


def _line_statements(
    line: SourceLine, placed: PlacedNetwork, premise_line: bool, names: dict[str, Quantity]
) -> list[SizeStatement]:
    text = line.text
    found: list[SizeStatement] = _formula_statements(line, placed)
    if found:
        return found
    option = _OPTION.match(text) or _ANSWER.match(text)
    if option is not None:
        if placed.asked is not None:
            statement = _option(line, placed, placed.asked, option.group(1), option.start(1))
            if statement is not None:
                found.append(statement)
        return found
    if _ELSEWHERE.search(text):
        return found  # about another network, an example or a layer this module does not read
    tokens = _tokens(line)
    previous_end = 0
    for token in tokens:
        between = plain_words(text[previous_end : token.start])
        before = _clause(between).rstrip("`*_ ")
        after = text[token.end : token.end + 40].lstrip("`*_")
        previous_end = token.end
        if _CONDITION.search(before):
            continue  # "when using a padding of 2": a supposition, not a claim
        if token.segments:
            named = _named_size(line, placed, token, before)
            if named is not None:
                found.append(named)
                continue
            tensors = _named_tensors(line, placed, token, between, names)
            if tensors:
                found.extend(tensors)
                continue
        label = label_of(before) if _CUE.search(before) else None
        counted = _COUNT_AFTER.match(after)
        if label is None and counted is not None and _COUNT_CUE.search(before):
            label = _counted(counted.group(0), before + " " + after[counted.end() :])
        applied_to = _APPLIED_TO.search(before) is not None  # "… to the 64x64x16 output"
        if (
            label is None
            and premise_line
            and not applied_to
            and (_OUTPUT_AFTER.match(after) or _ARROW.search(before))
        ):
            label = Label(Quantity.OUTPUT_SHAPE)
        copula = _COPULA.match(after)
        if label is None and copula is not None:
            label = label_of(copula.group(1))  # "(24,24) is the maximum receptive field size"
        if label is None:
            continue
        if (premise_line or placed.reach != "section") and label.quantity not in _RESULTS:
            continue  # the data of the sentence itself, or of another tensor said in passing
        statement = _labelled(line, placed, label, token, before)
        if statement is not None:
            found.append(statement)
    return found


#: Quantities a value in the sentence that states the data is a result of (not the data).
_RESULTS = frozenset(
    {
        Quantity.OUTPUT_SHAPE,
        Quantity.OUTPUT_SIZE,
        Quantity.PARAMETERS,
        Quantity.FILTER_PARAMETERS,
        Quantity.RECEPTIVE_FIELD,
    }
)


def _counted(noun: str, rest: str) -> Label | None:
    """The label a count's noun gives (``7,600 parameters``, ``100 filters``, ``75 weights …
    per filter``); ``rest`` is the clause around it (*each filter has …*)."""
    word = noun.strip().lower()
    per_filter = _PER_FILTER.search(rest) is not None
    if re.match(r"(?:trainable\s+|learnable\s+|total\s+)?(?:parameters|params)|个?参数", word):
        quantity = Quantity.FILTER_PARAMETERS if per_filter else Quantity.PARAMETERS
        return Label(quantity, per_filter=per_filter, filters_named=per_filter)
    if re.match(r"(?:trainable\s+|learnable\s+|total\s+)?weights?", word):
        return (
            Label(Quantity.FILTER_PARAMETERS, per_filter=True, filters_named=True)
            if per_filter
            else None
        )
    if re.match(r"(?:filters|kernels)|个?(?:卷积核|滤波器)", word):
        return Label(Quantity.FILTERS, filters_named=True)
    return None


def _layer_for(network: Network, label: Label, placed_line: bool = False) -> int | None:
    """The layer (0-based) a label is about: the one it names, else the only layer it can be."""
    layers = network.layers
    if label.layer is not None:
        return label.layer if label.layer < len(layers) else None
    if label.named is not None:
        return label.named
    if label.quantity in (Quantity.INPUT_SHAPE, Quantity.INPUT_CHANNELS):
        return 0 if layers else None
    if label.quantity is Quantity.RECEPTIVE_FIELD:
        return len(layers) - 1 if layers else None  # one output unit, seen on the input
    if label.filters_named or label.quantity in (Quantity.STRIDE, Quantity.PADDING):
        kinds = (LayerKind.CONV,) if label.filters_named else (LayerKind.CONV, LayerKind.POOL)
        matching = [i for i, layer in enumerate(layers) if layer.kind in kinds]
        return matching[0] if len(matching) == 1 else None
    if label.quantity is Quantity.PARAMETERS:
        weighted = [
            i for i, layer in enumerate(layers) if layer.kind in (LayerKind.CONV, LayerKind.DENSE)
        ]
        return weighted[0] if len(weighted) == 1 else None
    if label.quantity in (Quantity.OUTPUT_SHAPE, Quantity.OUTPUT_SIZE) and placed_line:
        return len(layers) - 1 if layers else None  # the layer the line itself states
    return len(layers) - 1 if len(layers) == 1 else None


#: Words that name a kind of layer (compared with the kind of the layer a label is bound to).
_KIND_WORDS = re.compile(
    r"(?:max|average|avg)?[\s-]*pool(?:ing)?|conv(?:olution(?:al)?)?|fully[\s-]connected|dense"
    r"|池化|卷积|全连接",
    re.IGNORECASE,
)
#: A framework's layer class (the name code gives every layer of its kind).
_CLASS_NAME = re.compile(
    r"(?:Conv(?:olution)?|MaxPool(?:ing)?|AvgPool|AveragePooling|ZeroPadding|ZeroPad|ConstantPad)"
    r"[123][dD]|Dense|Linear|Flatten"
)


def _named_layer(network: Network, words: str) -> int | None:
    """The layer the words before a value name by the name the document gave it (a table row's
    ``CONV2``), if exactly one layer has that name; a framework's class name is no name."""
    names = [layer.name for layer in network.layers]
    found = None
    for index, name in enumerate(names):
        if not name or names.count(name) > 1 or _CLASS_NAME.fullmatch(name):
            continue  # Conv2d, Linear: classes, not names
        if re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", words, re.IGNORECASE):
            if found is not None:
                return None
            found = index
    return found


def _written(quantity: Quantity, text: str) -> object:
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
    return read_count(plain_words(unwrapped(text)).strip())


def _without_name(text: str) -> str:
    """``\\delta(16, 8, 127, 127)`` → ``(16, 8, 127, 127)``: a tensor's name before its shape."""
    match = re.fullmatch(r"\s*\\?[A-Za-z\u0370-\u03ff]+(?:_\{?\w+\}?)?\s*(\(.*\))\s*", text)
    return match.group(1) if match else text


def _labelled(
    line: SourceLine, placed: PlacedNetwork, label: Label, token: _Token, words: str = ""
) -> SizeStatement | None:
    network = placed.network
    named = _named_layer(network, words)
    if named is not None:
        label = replace(label, named=named)
    index = _layer_for(network, label, placed.line == line.line and placed.cell == line.cell)
    if index is None:
        return None
    said = _KIND_WORDS.search(words)
    if said is not None and layer_kind(said.group(0)) not in (None, network.layers[index].kind):
        return None  # "the pooling layer has …" said while the layer in force is a convolution
    written = _written(label.quantity, token.text)
    if written is None:
        return None
    about = f"{network.source}"
    facts = SizeFacts(label.quantity, written, network, 0, index + 1, about=about)
    return SizeStatement(line.line, line.line, unwrapped(token.text), facts, line.cell,
                         token.segments, token.spans)  # fmt: skip


def _option(
    line: SourceLine, placed: PlacedNetwork, asked: Quantity, text: str, start: int
) -> SizeStatement | None:
    if not placed.network.layers:
        return None
    written = _written(asked, text)
    if written is None:
        return None
    pieces = [p for p in line.pieces if p.kind == "math" and p.start >= start]
    segments = tuple(p.segment for p in pieces)
    facts = SizeFacts(asked, written, placed.network, 0, 1, about=placed.network.source)
    return SizeStatement(line.line, line.line, unwrapped(text), facts, line.cell, segments)


# ----------------------------------------------------------------------------------------------
# Letters of size formulas, by role
# ----------------------------------------------------------------------------------------------
_BEFORE_LAYER = re.compile(
    r"\^\s*\{?\s*[\[(]\s*[lL]\s*[-−–]\s*1\s*[\])]\s*\}?|_\s*\{?\s*(?:in|input)\s*\}?(?![a-z])"
)
_AFTER_LAYER = re.compile(
    r"\^\s*\{?\s*[\[(]\s*[lL]\s*[\])]\s*\}?|_\s*\{?\s*(?:out|output)\s*\}?(?![a-z])"
)
_ROLE_LETTERS: tuple[tuple[re.Pattern[str], Quantity, int | None], ...] = tuple(
    (re.compile(pattern), quantity, axis)
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


_BINDING = re.compile(r"^\s*(?:and\s+|以及|和)?(.+?)\s*=\s*([\d,.{}\s]+?)\s*$", re.IGNORECASE)
_RESULT_CUE = re.compile(
    r"(?:we\s+get|gives?|get|gets|is|are|equals?|=|得到?|为|是)\s*\$?\s*(\d+)\b", re.IGNORECASE
)


def _formula_statements(line: SourceLine, placed: PlacedNetwork) -> list[SizeStatement]:
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


def _named_size(
    line: SourceLine, placed: PlacedNetwork, token: _Token, before: str
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


_NAMED_TUPLE = re.compile(
    r"(\\?[A-Za-z\u0370-\u03ff]+(?:_\{?[\w\\]+\}?)?(?:\^\{?(?:\\prime|[\u2032'])+\}?|[\u2032'])*)"
    r"\s*(\(\s*\d+(?:\s*,\s*\d+)+\s*\))"
)
#: The tensor words before a name say whose shape it has (the last said wins).
_SIDE = re.compile(r"\b(?:output|input)\b|输出|输入", re.IGNORECASE)
_GREEK = {"\\delta": "δ", "\\Delta": "Δ", "\\sigma": "σ", "\\epsilon": "ε", "\\theta": "θ"}


def _tensor_name(name: str) -> str:
    """``\\delta`` and ``δ`` are one name; spaces and braces do not count."""
    for command, letter in _GREEK.items():
        name = name.replace(command, letter)
    return re.sub(r"[{}\s]", "", name).replace("\\prime", "\u2032").replace("'", "\u2032")


def _named_tensors(
    line: SourceLine,
    placed: PlacedNetwork,
    token: _Token,
    before: str,
    names: dict[str, Quantity],
) -> list[SizeStatement]:
    """``δ(16, 8, 127, 127)`` after words naming the output (its error, its gradient: the same
    shape), and the same name with a shape again later in the section."""
    found = []
    for position, match in enumerate(_NAMED_TUPLE.finditer(token.text)):
        name = _tensor_name(match.group(1))
        side = _SIDE.findall(before)[-1].lower() if position == 0 and _SIDE.search(before) else ""
        if side:
            output = side.startswith(("output", "输出"))
            names[name] = Quantity.OUTPUT_SHAPE if output else Quantity.INPUT_SHAPE
        quantity = names.get(name)
        if quantity is None or len(placed.network.layers) != 1:
            continue
        sizes = tuple(sp.Integer(int(n)) for n in re.findall(r"\d+", match.group(2)))
        facts = SizeFacts(quantity, sizes, placed.network, 0, 1, about=placed.network.source)
        text = f"{match.group(1).strip()}{match.group(2)}"
        found.append(SizeStatement(line.line, line.line, text, facts, line.cell, token.segments))
    return found


# ----------------------------------------------------------------------------------------------
# What a line says of a data set's images
# ----------------------------------------------------------------------------------------------
_DEFINED_TERM = re.compile(r"^\s*(?:[-*+]\s+)?([^=:\uff1a]{1,40}?)\s*[=:\uff1a]")
_DATASET_CUE = re.compile(r"(?:default|is|are|has|have|of|[:\uff1a=]|为|是)\s*$", re.IGNORECASE)
_IMAGE_QUANTITIES = (Quantity.INPUT_CHANNELS, Quantity.INPUT_SHAPE)


def _dataset_statements(line: SourceLine) -> list[SizeStatement]:
    """``input depth = …, MNIST default 1``; ``in_channels for CIFAR-10 is 3``: a size of the
    images of a data set the line names, stated after its name."""
    from symconv.check.size_words import dataset_input

    named = dataset_input(line.text)
    if named is None:
        return []
    name, volume = named
    mention = re.search(re.escape(name), line.text, re.IGNORECASE)
    start = mention.end() if mention is not None else 0
    network = Network((), volume, f"{name} images ({volume.text()})")
    term = _DEFINED_TERM.match(plain_words(line.text))
    defined = label_of(term.group(1)) if term is not None else None
    found = []
    previous_end = 0
    for token in _tokens(line):
        before = _clause(plain_words(line.text[previous_end : token.start])).rstrip("`*_ ")
        previous_end = token.end
        if token.start < start or not _DATASET_CUE.search(before):
            continue
        label = label_of(before) or defined
        if label is None or label.quantity not in _IMAGE_QUANTITIES:
            continue
        written = _written(label.quantity, token.text)
        quantity = label.quantity
        if quantity is Quantity.INPUT_SHAPE and not isinstance(written, tuple):
            quantity = Quantity.INPUT_SIZE
        if written is None:
            continue
        facts = SizeFacts(quantity, written, network, 0, 0, about=network.source)
        text = unwrapped(token.text)
        statement = SizeStatement(line.line, line.line, text, facts, line.cell, token.segments,
                                  token.spans)  # fmt: skip
        found.append(statement)
        break
    return found

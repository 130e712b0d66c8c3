"""Sizes stated in prose about the network a document describes: labelled values, ticked quiz
options, a formula's bindings, a named tensor's shape, a list of layers.

A value is a claim only after words that say what it is (a label and an answer cue —
*参数个数为\uff1a`208`*, *the output volume is*, *Filter个数\uff1a32* —, a count before its noun —
*you get 7,600 parameters* —, a ticked option of a question that asks for it, a binding of a
size formula's letter): a number alone in prose is never one.

* **Labels** (:mod:`symconv.check.size_labels`) name the quantity and, if they say it, the layer
  (*第一层*, *the first layer*, a table row's *CONV2*).
* **Options**: in a question whose words ask for a quantity (:mod:`symconv.check.size_premises`),
  the ticked option (``- [x] 62 × 62 × 32``) and an ``Answer:`` line state it.
* **Formula bindings and named tensors** (:mod:`symconv.check.size_bindings`): ``n_H^{[l−1]} =
  127, p = 0`` after a size formula, ``δ(16, 8, 127, 127)`` after words naming the output.
* **A list of layers** after an input stated alone, each item with its output (*- C3: 16
  filters of 5 × 5 → 10 × 10 × 16*): each takes what the one above puts out.
* **A shape before its noun** in a sentence that states a layer: *the 3 x 3 filter … on the 5 x 5
  input … to produce the 3 x 3 output map*.

Each statement is bound to the network in force at its line (:func:`prose_statements`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

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
from symconv.check.size_bindings import bound_formulas, named_size, named_tensors
from symconv.check.size_labels import (
    ANSWER_CUE,
    Label,
    Token,
    clause,
    clause_around,
    counted_label,
    counts_biases,
    label_of,
    tokens,
    written_value,
)
from symconv.check.size_premises import UNREAD_LAYERS, mentions_data, plain_words, read_premise
from symconv.check.size_values import unwrapped
from symconv.check.size_words import layer_kind
from symconv.core.patterns import lazy_compile

__all__ = ["inputs_before", "prose_statements"]


# ----------------------------------------------------------------------------------------------
# Statements
# ----------------------------------------------------------------------------------------------
_OPTION = lazy_compile(r"^\s*(?:[-*+]|\d+[.)])\s*\[[xX✓✔]\]\s*(.+)$")
_ANSWER = lazy_compile(
    r"^\s*(?:[-*+]\s*)?\**\s*(?:answer|ans|答案)\s*\**\s*[:\uff1a]\s*\**\s*(.+)$", re.I
)
_COUNT_AFTER = lazy_compile(
    r"^\s*(?:trainable\s+|learnable\s+|total\s+)?(parameters|params|weights|filters|kernels"
    r"|multiplications|MACs|multiply[\s-]+(?:accumulates?|adds?))\b"
    r"|^\s*个?(参数|卷积核|滤波器)",
    re.IGNORECASE,
)
_COUNT_CUE = lazy_compile(
    r"(?:\b(?:get|gets|got|have|has|had|are|is|total|of|gives?|needs?|with|uses?)|得到|共有?|有|为|[:\uff1a=])\s*$",
    re.IGNORECASE,
)
_CONDITION = lazy_compile(
    r"\b(?:if|when|whenever|suppose|supposing|assume|assuming|using|had|with)\b|假如|如果|若|假设",
    re.IGNORECASE,
)
#: Words that say a line is about another network than the one in force.
_ELSEWHERE = lazy_compile(
    r"\b(?:another|other|vgg\w*|resnet\w*|alexnet|lenet\w*|googlenet|inception|compar\w*"
    r"|for\s+(?:example|instance)|e\.g\.|such\s+as|instead|resiz\w*|rescal\w*|crop\w*)\b"
    r"|例如|比如|另一|其他|相比|缩放|裁剪"
    r"|" + UNREAD_LAYERS.pattern,
    re.IGNORECASE,
)
#: A value, then the words that say what it is: ``(24,24) is the maximum receptive field``.
_COPULA = lazy_compile(
    r"^\s*(?:is|are|was|will\s+be)\s+(?:the\s+)?(?:maximum|max|largest|total|full)?\s*"
    r"([A-Za-z][\w\s]{0,40})",
    re.IGNORECASE,
)
#: What leads to a layer's output in the line that states the layer: ``→ 28 × 28 × 6``.
_ARROW = lazy_compile(
    r"(?:→|->|=>|⟶|\bgives?|\bproduces?|\boutputs?|\byields?|\bresults?\s+in|得到|输出为?)"
    r"\s*(?:an?|the)?\s*(?:output\s+(?:(?:volume|shape|size)\s+)?of\s*)?$",
    re.IGNORECASE,
)
#: Words that name another layer than the one stated (*then subsampling*, *the second
#: convolution*, *the fully connected layer*): the results after them may be of that layer.
_OTHER_LAYER = lazy_compile(
    r"pool(?:ing|s|ed)?\b|sub-?sampl\w*|fully[\s-]+connected|\bdense\b|\blinear\s+layer"
    r"|\b(?:second|third|fourth|another)\s+(?:\w+\s+)?(?:conv\w*|layer)"
    r"|池化|下采样|降采样|全连接|第\s*[二三四五六七八九十\d]+\s*(?:个|层)",
    re.IGNORECASE,
)
_APPLIED_TO = lazy_compile(r"\b(?:to|on|over|from)\s+(?:the|a|an|this)\s*$", re.IGNORECASE)
_OUTPUT_AFTER = lazy_compile(
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
    # a tensor named as the output (δ), and the line naming it: its shape is stated
    names: dict[str, tuple[Quantity, int]] = {}
    listed: PlacedNetwork | None = None  # a network whose layers a list states line by line
    pending: Volume | None = None  # an input stated alone, for the layers listed after it
    carried = ""  # the words of a sentence the line before left open (hard-wrapped prose)
    # networks stated for their section that a line changing a datum ended (what follows may be
    # about the other layer it describes)
    stopped: set[tuple[int | None, int]] = set()
    # networks a later layer was chained onto where what the layers before put out was not said
    tentative: set[int] = set()
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
        carried = _open_sentence(sentence)[-_LONGEST_SENTENCE:]
        previous = line
        words = plain_words(sentence)
        in_list = (listed is not None or pending is not None) and _LIST_ITEM.match(line.text)
        # data stated for the section (the layer before): a later sentence that states a layer
        # alone (*Next, 2 × 2 max pooling with stride 2 …*) takes what it puts out
        before_here = _in_force(networks, line, scopes)
        chainable = (
            before_here is not None
            and before_here.reach == "example"
            and before_here.network.input is not None
            and _key(before_here) not in stopped
            and sections.get(_key(before_here)) == sections.get(_key(line))
            and line.heading is None
            and not _ELSEWHERE.search(sentence)
        )
        cued = _states_data(sentence) or in_list or chainable
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
            elif premise.input is None and premise.asked is None and chainable and before_here:
                # the next layer of the data its section states: it takes what they put out
                before = before_here.network
                source = f"{before.source} and the layer on line {line.line}"
                network = Network((*before.layers, layer), before.input, source)
                here = replace(before_here, line=line.line, cell=line.cell, network=network)
                if not any(
                    isinstance(s.facts, SizeFacts)
                    and s.facts.network == before
                    and s.facts.quantity in (Quantity.OUTPUT_SHAPE, Quantity.OUTPUT_SIZE)
                    for s in found
                ):
                    # what the layers before put out was not said: a layer the words leave
                    # out may sit between (a value that differs is not proven wrong)
                    tentative.add(id(network))
            else:
                asked = premise.asked is not None
                source = f"the {'question' if asked else 'data'} on line {line.line}"
                if listing:
                    source = f"the layers listed from line {line.line}"
                network = Network((layer,), premise.input, source)
                reach = "section" if premise.asked is not None else "paragraph"
                asked_before = before_here is not None and before_here.asked is not None
                if reach == "paragraph" and (
                    _SUPPOSED.search(line.text)
                    or (
                        premise.input is not None
                        and not _ELSEWHERE.search(sentence)
                        and not asked_before
                    )
                ):
                    # data supposed, or stated whole (an input and its layer: *The input is
                    # 32×32×3 and we use 6 filters of 5×5*): its section's results are of it —
                    # unless said as an example in passing (*for example, a 7×7 input …*) or
                    # beside a question's data, whose results the section states
                    reach = "example"
                here = PlacedNetwork(line.line, line.cell, network, premise.asked, reach,
                                     premise.biases)  # fmt: skip
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
        if _key(current) in stopped:
            continue
        if here is None and current.reach == "example" and _OTHER_LAYER.search(line.text):
            stopped.add(_key(current))  # another layer said in passing: what follows may be its
        if here is None and current.reach != "section" and mentions_data(line.text):
            if current.reach == "example":
                stopped.add(_key(current))  # the results after it may be of that other layer
            continue  # a line that changes a datum ("with stride 2 we get …"): another layer
        stated = _line_statements(line, current, here is not None, names)
        if id(current.network) in tentative:
            stated = [
                replace(s, facts=replace(s.facts, adjacent=True))
                if isinstance(s.facts, SizeFacts)
                else s
                for s in stated
            ]
        found.extend(stated)
    return found, premises


def inputs_before(
    lines: Sequence[SourceLine], tables: Sequence[tuple[int | None, int, int]]
) -> dict[tuple[int | None, int], Volume]:
    """For each table (its cell, first and last line), the input the prose of its section states
    alone before it and after the table above — *Input: 32×32×1 grayscale image.*, *The network
    takes 227 × 227 × 3 images.* — keyed by the table's cell and line. A sentence that states a
    layer as well (*a 32 × 32 input goes through 6 filters*) is a network of its own, and the
    input before it is no longer the table's; an input stated twice differently is none."""
    found: dict[tuple[int | None, int], Volume] = {}
    spans = sorted(tables, key=lambda t: (t[0] or 0, t[1]))
    inside = {(cell, line) for cell, first, last in spans for line in range(first, last + 1)}
    given: set[Volume] = set()
    order = sorted(lines, key=lambda source: (source.cell or 0, source.line))
    cursor = 0
    for cell, first, last in spans:
        given = set() if cursor == 0 or order[cursor - 1].cell != cell else given
        while cursor < len(order) and (order[cursor].cell or 0, order[cursor].line) < (
            cell or 0,
            first,
        ):
            source = order[cursor]
            cursor += 1
            if source.heading is not None or source.cell != cell:
                given = set()
                continue
            if (source.cell, source.line) in inside or not _states_data(source.text):
                continue
            for sentence in _SENTENCE_END.split(source.text):
                premise = read_premise(plain_words(sentence))
                if premise is None:
                    continue
                if premise.layer is not None:
                    given = set()
                elif premise.input is not None:
                    given.add(premise.input)
        if len(given) == 1:
            found[(cell, first)] = next(iter(given))
        given = set()
        while cursor < len(order) and (order[cursor].cell or 0, order[cursor].line) <= (
            cell or 0,
            last,
        ):
            cursor += 1
    return found


#: The most of an open sentence carried to the next line (a premise is never longer).
_LONGEST_SENTENCE = 400
_SENTENCE_END = lazy_compile(r"[.!?\u3002\uff01\uff1f](?=\s|$)")


def _open_sentence(text: str) -> str:
    """The words after the last sentence end of ``text`` (what the next line continues)."""
    ends = list(_SENTENCE_END.finditer(text))
    return text[ends[-1].end() :].strip() if ends else text


#: A list item (or a table-less line of a layer list): ``- C3: 16 filters of 5 × 5 → …``.
_LIST_ITEM = lazy_compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


_SUPPOSED = lazy_compile(
    r"\b(?:suppose|assume|assuming|given|consider|let|imagine)\b|假设|设|给定|已知", re.IGNORECASE
)


_DATA_CUE = lazy_compile(
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


_NEW_PROBLEM = lazy_compile(
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
    line: SourceLine,
    placed: PlacedNetwork,
    premise_line: bool,
    names: dict[str, tuple[Quantity, int]],
) -> list[SizeStatement]:
    text = line.text
    found: list[SizeStatement] = bound_formulas(line, placed)
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
    previous_end = 0
    for token in tokens(line):
        between = plain_words(text[previous_end : token.start])
        before = clause(between).rstrip("`*_ ")
        after = text[token.end : token.end + 40].lstrip("`*_")
        previous_end = token.end
        if _CONDITION.search(before):
            continue  # "when using a padding of 2": a supposition, not a claim
        if token.segments:
            named = named_size(line, placed, token, before)
            if named is not None:
                found.append(named)
                continue
            tensors = named_tensors(line, placed, token, between, names)
            if tensors:
                found.extend(tensors)
                continue
        label = label_of(before) if ANSWER_CUE.search(before) else None
        counted = _COUNT_AFTER.match(after)
        if label is None and counted is not None and _COUNT_CUE.search(before):
            label = counted_label(counted.group(0), before + " " + after[counted.end() :])
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
        around = clause_around(text, token.start, token.end)
        statement = _labelled(line, placed, label, token, before, around)
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
        Quantity.MULTIPLICATIONS,
    }
)


def _layer_for(network: Network, label: Label, placed_line: bool = False) -> int | None:
    """The layer (0-based) a label is about: the one it names, else the only layer it can be."""
    layers = network.layers
    if label.layer is not None:
        # An ordinal counts layers as its words do: *the second conv layer* the convolutions;
        # *the second layer* is read only where counting every layer and counting the layers
        # with weights (as many authors do: pooling is no layer) name the same one.
        weighted = [i for i, layer in enumerate(layers)
                    if layer.kind in (LayerKind.CONV, LayerKind.DENSE)]  # fmt: skip
        convolutions = [i for i, layer in enumerate(layers) if layer.kind is LayerKind.CONV]
        if label.among_convolutions:
            return convolutions[label.layer] if label.layer < len(convolutions) else None
        if label.layer >= len(layers):
            return None
        if label.layer < len(weighted) and weighted[label.layer] != label.layer:
            return None
        return label.layer
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
    if label.quantity in (Quantity.PARAMETERS, Quantity.MULTIPLICATIONS):
        weighted = [
            i for i, layer in enumerate(layers) if layer.kind in (LayerKind.CONV, LayerKind.DENSE)
        ]
        return weighted[0] if len(weighted) == 1 else None
    if label.quantity in (Quantity.OUTPUT_SHAPE, Quantity.OUTPUT_SIZE) and placed_line:
        return len(layers) - 1 if layers else None  # the layer the line itself states
    return len(layers) - 1 if len(layers) == 1 else None


#: Words that name a kind of layer (compared with the kind of the layer a label is bound to).
_KIND_WORDS = lazy_compile(
    r"(?:max|average|avg)?[\s-]*pool(?:ing)?|conv(?:olution(?:al)?)?|fully[\s-]connected|dense"
    r"|池化|卷积|全连接",
    re.IGNORECASE,
)
#: A framework's layer class (the name code gives every layer of its kind).
_CLASS_NAME = lazy_compile(
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


def _labelled(
    line: SourceLine,
    placed: PlacedNetwork,
    label: Label,
    token: Token,
    words: str = "",
    around: str = "",
) -> SizeStatement | None:
    network = placed.network
    named = _named_layer(network, words)
    if named is not None:
        label = replace(label, named=named)
    index = _layer_for(network, label, placed.line == line.line and placed.cell == line.cell)
    said = _KIND_WORDS.search(words)
    if index is None and said is not None and label.layer is None:
        # *the dense layer has …*: the one layer of the kind the words name, if it is one
        kind = layer_kind(said.group(0))
        of_kind = [i for i, layer in enumerate(network.layers) if layer.kind is kind]
        index = of_kind[0] if kind is not None and len(of_kind) == 1 else None
    if index is None:
        return None
    if said is not None and layer_kind(said.group(0)) not in (None, network.layers[index].kind):
        return None  # "the pooling layer has …" said while the layer in force is a convolution
    written = written_value(label.quantity, token.text)
    if written is None:
        return None
    about = f"{network.source}"
    facts = SizeFacts(label.quantity, written, network, 0, index + 1, about=about,
                      biases=counts_biases(around), weights=label.weights)  # fmt: skip
    return SizeStatement(line.line, line.line, unwrapped(token.text), facts, line.cell,
                         token.segments, token.spans)  # fmt: skip


def _option(
    line: SourceLine, placed: PlacedNetwork, asked: Quantity, text: str, start: int
) -> SizeStatement | None:
    if not placed.network.layers:
        return None
    written = written_value(asked, text)
    if written is None:
        return None
    pieces = [p for p in line.pieces if p.kind == "math" and p.start >= start]
    segments = tuple(p.segment for p in pieces)
    facts = SizeFacts(asked, written, placed.network, 0, 1, about=placed.network.source,
                      biases=placed.biases)  # fmt: skip
    return SizeStatement(line.line, line.line, unwrapped(text), facts, line.cell, segments)


# ----------------------------------------------------------------------------------------------
# What a line says of a data set's images
# ----------------------------------------------------------------------------------------------
_DEFINED_TERM = lazy_compile(r"^\s*(?:[-*+]\s+)?([^=:\uff1a]{1,40}?)\s*[=:\uff1a]")
_DATASET_CUE = lazy_compile(r"(?:default|is|are|has|have|of|[:\uff1a=]|为|是)\s*$", re.IGNORECASE)
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
    for token in tokens(line):
        before = clause(plain_words(line.text[previous_end : token.start])).rstrip("`*_ ")
        previous_end = token.end
        if token.start < start or not _DATASET_CUE.search(before):
            continue
        label = label_of(before) or defined
        if label is None or label.quantity not in _IMAGE_QUANTITIES:
            continue
        written = written_value(label.quantity, token.text)
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

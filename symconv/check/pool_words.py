"""What a sentence says about a pooling layer: its kind, its window, its stride, its padding.

Tutorials state a pooling layer in words next to the numbers they pool — *2×2 max pooling with
stride 2*, *pool size 2×2, stride 2*, *a window of 3 with stride 1*, *kernel 2, stride 2*,
``pool_size=(2, 2)``, *non-overlapping*, *采用 2×2 的最大池化, 步长为 2*.
:func:`read_pool_words` reads one sentence (its inline math written in with its LaTeX) into
:class:`PoolWords`; the judge of :mod:`symconv.check.judges.pooled_data` takes every value
the sentences of a section state as a candidate, and leaves a parameter no sentence states
open.

A size is a window only when window words stand next to it (*pool size*, *window*, *kernel*
in a sentence about pooling, or *2×2 max pooling*): the *4×4 input* of the same sentence is not
a window. A sentence about a convolution (*conv*, *卷积*) states nothing here: its stride is the
convolution's.

    >>> read_pool_words("Take a $4 \\\\times 4$ map and apply 2×2 max pooling with stride 2.")
    PoolWords(kinds=frozenset({'max'}), windows=frozenset({(2,)}), strides=frozenset({2}), \
padding=False, unread=False, ceil=False, per_axis=False)
    >>> read_pool_words("Average pooling gives $M$.").kinds
    frozenset({'avg'})
    >>> read_pool_words("采用 $2\\\\times 2$ 的最大池化\uff0c步长为 2\uff0c得到").windows
    frozenset({(2,)})
    >>> read_pool_words("A window of 3 with stride 1:").windows
    frozenset({(3,)})
    >>> w = read_pool_words("Max pooling: we use $K = 2$, $S = 2$.")
    >>> w.windows, w.strides
    (frozenset({(2,)}), frozenset({2}))
    >>> read_pool_words("pool size $p = 2$, stride $s = 1$").strides
    frozenset({1})
    >>> read_pool_words("max pooling over $k = 1, \\\\ldots, K$").windows
    frozenset()
    >>> read_pool_words("Max pooling with ceil_mode=True").ceil
    True
    >>> read_pool_words("a 3x3 conv with stride 1, then max pooling").unread
    True
    >>> read_pool_words("Global average pooling of a 7×7 map with stride 7")
    PoolWords(kinds=frozenset({'avg'}), windows=frozenset(), strides=frozenset(), \
padding=False, unread=False, ceil=False, per_axis=False)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from symconv.core.patterns import lazy_compile

__all__ = [
    "POOL_WORDS",
    "PoolWords",
    "gradient_kinds_in",
    "kinds_in",
    "plain_words",
    "pool_call_name",
    "pool_call_parameters",
    "read_pool_words",
]

#: A text about pooling (the pass of :mod:`symconv.check.document_pooling` reads nothing else).
POOL_WORDS = lazy_compile(r"pool|池化", re.IGNORECASE)

#: The kinds of pooling named: ``max pooling``, ``max-pool``, ``maxpool``, ``MaxPool2d``,
#: ``最大池化``; ``average``/``avg``/``mean pooling``, ``AvgPool``, ``平均池化``.
_KINDS = {
    "max": lazy_compile(r"max(?:imum)?[\s_-]*pool|最大池化|最大值池化", re.IGNORECASE),
    "avg": lazy_compile(r"(?:average|avg|mean)[\s_-]*pool|平均池化|均值池化", re.IGNORECASE),
}
#: Other poolings (global, sum, min, L2, stochastic, fractional, adaptive, ROI): a sentence
#: naming one is about a layer the judge does not compute.
_OTHER_KINDS = lazy_compile(
    r"\b(?:global|sum|min(?:imum)?|l2|lp|stochastic|fractional|adaptive|roi|spatial pyramid|"
    r"mixed|attention)[\s_-]*(?:average[\s_-]*|max[\s_-]*|avg[\s_-]*)?pool|全局",
    re.IGNORECASE,
)
#: A sentence about a convolution: its window and stride are the convolution's.
_CONVOLUTION = lazy_compile(r"\bconv|卷积|\bfilter", re.IGNORECASE)
_NUMBER = r"(\d+)"
_SIZE = r"(\d+)(?:\s*[×x*]\s*(\d+))?"
#: ``2×2 max pooling``, ``2x2 window``, ``a 2 × 2 pooling``, ``2×2 的最大池化``: a size before
#: pooling or window words.
_SIZE_BEFORE = lazy_compile(
    _SIZE + r"\s*(?:-|的)?\s*(?:(?:max(?:imum)?|average|avg|mean|non-overlapping)[\s_-]*)?"
    r"(?:pool|window|patch|region|block|最大池化|平均池化|池化|窗口)",
    re.IGNORECASE,
)
#: ``pool size 2×2``, ``pool_size=(2, 2)``, ``window of 3``, ``window size is 2``,
#: ``kernel 2`` / ``kernel_size=2`` (in a sentence about pooling), ``窗口大小为 2×2``.
_SIZE_AFTER = lazy_compile(
    r"(?:pool(?:ing)?[\s_-]*(?:size|window)|window(?:[\s_-]*size)?|kernel(?:[\s_-]*size)?|"
    r"池化窗口(?:大小)?|窗口(?:大小)?|池化核(?:大小)?|核大小)"
    r"\s*(?:of|is|=|:|\uff1a|为|是)?\s*(?:a\s+)?(?:[A-Za-z](?:_\w+)?\s*=\s*)?"
    r"\(?\s*(\d+)\s*(?:[×x*,]\s*(\d+))?\s*\)?",
    re.IGNORECASE,
)
#: The window as a symbol given its value, in a sentence about pooling: ``$K = 2$``,
#: ``$k = 3$``, ``$F = 2$`` (not ``k = 1, …, K``, a range of an index).
_SYMBOL_WINDOW = lazy_compile(
    r"(?<![\w\\])[KkFf]\s*=\s*(\d+)(?:\s*×\s*(\d+))?(?!\d|\.\d|\s*,\s*(?:\\[lc]?dots|…|\.\.))"
)
#: The stride as a symbol given its value, in a sentence about pooling: ``$S = 2$``, ``$s = 1$``.
_SYMBOL_STRIDE = lazy_compile(
    r"(?<![\w\\])[Ss]\s*=\s*(\d+)(?!\d|\.\d|\s*×|\s*,\s*(?:\\[lc]?dots|…|\.\.))"
)
#: ``stride 2``, ``stride of 2``, ``strides=(2, 2)``, ``stride = 2``, ``步长为 2``, ``步幅 2``.
_STRIDE = lazy_compile(
    r"(?:strides?|步长|步幅)\s*(?:of|is|=|:|\uff1a|为|是)?\s*(?:[A-Za-z](?:_\w+)?\s*=\s*)?"
    r"\(?\s*(\d+)\s*(?:,\s*(\d+))?\s*\)?",
    re.IGNORECASE,
)
_WINDOW = lazy_compile(r"window|窗口", re.IGNORECASE)
#: ``non-overlapping`` windows: the stride is the window.
_NON_OVERLAPPING = lazy_compile(r"non[\s-]?overlapping|不重叠", re.IGNORECASE)
#: Padding, ``'same'``, *same padding*: the judge computes whole windows without padding only
#: (*the same input* is no padding).
_PADDING = lazy_compile(
    r"\bpad|['\"]same['\"]|\bsame[\s-]+(?:padding|convolution|pooling)|填充|补零", re.IGNORECASE
)
#: …unless the words say there is none: ``no padding``, ``padding 0``, ``padding='valid'``.
_NO_PADDING = lazy_compile(
    r"\bno\s+padding|\bwithout\s+padding|\bpadding\s*(?:of|=|is|:)?\s*(?:0\b|['\"]?valid)|"
    r"\bvalid\s+padding|\bzero\s+padding\s+of\s+0\b|无填充|不填充",
    re.IGNORECASE,
)
#: Ceil mode (a last partial window kept): the same map when the windows cover the data.
_CEIL = lazy_compile(r"\bceil(?!_mode\s*=\s*False)|向上取整", re.IGNORECASE)


@dataclass(frozen=True)
class PoolWords:
    """What one sentence states: the kinds it names, the windows (``(k,)`` one number — a
    square window or a 1-D one —, ``(k1, k2)``), the strides, whether it speaks of padding or
    ceil mode, and whether it says something about windows or strides the judge cannot take
    (``unread``: a sentence about a convolution, with sizes in it)."""

    kinds: frozenset[str] = frozenset()
    windows: frozenset[tuple[int, ...]] = frozenset()
    strides: frozenset[int] = frozenset()
    padding: bool = False
    unread: bool = False
    ceil: bool = False
    #: A stride per axis (``strides=(2, 1)``): the engine's pooling takes one for both axes.
    per_axis: bool = False


def plain_words(text: str) -> str:
    """A sentence with its inline LaTeX made plain: ``$2 \\times 2$`` → ``2 × 2``.

    >>> plain_words("pool size $2 \\\\times 2$, stride $s = 2$")
    'pool size 2 × 2, stride s = 2'
    """
    text = re.sub(r"\\times|\\cdot|\\ast", "×", text)
    text = re.sub(r"\\(?:text|mathrm|operatorname|textrm|mbox)\s*\{([^{}]*)\}", r"\1", text)
    text = text.replace("$", "").replace("\\_", "_").replace("\\,", " ").replace("~", " ")
    text = re.sub(r"[{}]", "", text)
    return re.sub(r"[ \t]+", " ", text)


def kinds_in(text: str) -> frozenset[str]:
    """The kinds of pooling a text names (``max``, ``avg``).

    >>> sorted(kinds_in("max pooling, then average pooling"))
    ['avg', 'max']
    """
    return frozenset(kind for kind, pattern in _KINDS.items() if pattern.search(text))


#: How a sentence about the backward pass names the kind without naming the layer: the
#: gradient goes *to the max*, *to the maximum*, *argmax*; it is *spread evenly*, *divided
#: equally*, each entry gets *a quarter*, *1/4*, *平均分配*.
_ROUTING = {
    "max": lazy_compile(
        r"\b(?:to|at|through|only)\s+(?:the\s+)?(?:max|maximum|largest|winning)\b|\bargmax|"
        r"最大值(?:处|位置)",
        re.IGNORECASE,
    ),
    "avg": lazy_compile(
        r"\b(?:spread|distributed?|divided|split|shared)\s+(?:out\s+)?(?:evenly|equally|"
        r"uniformly)|\ba quarter\b|平均分配|均分",
        re.IGNORECASE,
    ),
}


def gradient_kinds_in(text: str) -> frozenset[str]:
    """The kinds a sentence about the backward pass names, by the layer or by where the
    gradient goes.

    >>> sorted(gradient_kinds_in("the gradient flows only to the max: if"))
    ['max']
    >>> sorted(gradient_kinds_in("each input receives a quarter"))
    ['avg']
    """
    routed = {kind for kind, pattern in _ROUTING.items() if pattern.search(text)}
    return kinds_in(text) | frozenset(routed)


def _sizes(match: re.Match[str]) -> tuple[int, ...]:
    first, second = int(match.group(1)), match.group(2)
    return (first,) if second is None or int(second) == first else (first, int(second))


def read_pool_words(sentence: str, *, pooling_section: bool = False) -> PoolWords:
    """The pooling parameters one sentence states (see :class:`PoolWords`); a *kernel* is a
    window in a sentence about pooling, or in a section about pooling only (``pooling_section``:
    the section names a pooling and no convolution).

    >>> read_pool_words("kernel 2, stride 2").windows, read_pool_words(
    ...     "kernel 2, stride 2", pooling_section=True).windows
    (frozenset(), frozenset({(2,)}))
    """
    text = plain_words(sentence)
    kinds = kinds_in(text)
    about_pooling = POOL_WORDS.search(text) is not None or pooling_section
    padding = _PADDING.search(text) is not None and _NO_PADDING.search(text) is None
    ceil = _CEIL.search(text) is not None
    # a sentence about a convolution (and not a pooling): its sizes are not the pooling's
    convolution = _CONVOLUTION.search(text) is not None
    windows = {_sizes(m) for m in _SIZE_BEFORE.finditer(text)}
    for match in _SIZE_AFTER.finditer(text):
        if match.group(0).lower().startswith("kernel") and not about_pooling:
            continue  # a kernel outside a sentence about pooling: a convolution's
        windows.add(_sizes(match))
    if about_pooling:  # We use $K = 2$, $S = 2$: symbols of a sentence about pooling
        windows.update(_sizes(m) for m in _SYMBOL_WINDOW.finditer(text))
    strides: set[int] = set()
    # a stride in a sentence about no pooling and no window (in a section about a convolution
    # too): whose stride it is is not said
    for match in _STRIDE.finditer(text if about_pooling or _WINDOW.search(text) else ""):
        if match.group(2) is not None and match.group(2) != match.group(1):
            # strides=(2, 1): a stride per axis, which the engine's pooling does not take
            return PoolWords(
                frozenset(kinds), unread=True, padding=padding, ceil=ceil, per_axis=True
            )
        strides.add(int(match.group(1)))
    if about_pooling:
        strides.update(int(m.group(1)) for m in _SYMBOL_STRIDE.finditer(text))
    if _NON_OVERLAPPING.search(text):
        strides.update(w[0] for w in windows if len(w) == 1)
    named_pooling = POOL_WORDS.search(text) is not None
    if _OTHER_KINDS.search(text) or (convolution and not named_pooling):
        # about another layer (a global pooling, a convolution): nothing said of this one
        return PoolWords(frozenset(kinds) if not convolution else frozenset())
    if convolution and (windows or strides):
        # a convolution and a pooling in one sentence: whose sizes they are is not read
        return PoolWords(frozenset(kinds), padding=padding, unread=True, ceil=ceil)
    return PoolWords(frozenset(kinds), frozenset(windows), frozenset(strides), padding, ceil=ceil)


def pool_call_name(text: str) -> str:
    """The function name of a pooling operator written with its parameters as a subscript
    (the grammar's ``POOL_CALL``): the name without its command, then ``_{…}`` with the
    subscript, ``\\times`` and spaces made plain.

    >>> pool_call_name(r"\\mathrm{MaxPool}_{2\\times 2, s=2}"), pool_call_name(r"\\max_{2\\times2}")
    ('MaxPool_{2x2,s=2}', 'max_{2x2}')
    >>> pool_call_name(r"\\text{max\\_pool}_2"), pool_call_name(r"\\text{Max Pool}_{3}")
    ('max_pool_{2}', 'MaxPool_{3}')
    """
    name, _, subscript = text.rpartition("_")
    while name.endswith("\\"):  # \text{max\_pool}_2: the escaped underscore is the name's
        name, _, rest = name[:-1].rpartition("_")
        subscript = rest + "_" + subscript
    base = re.sub(r"^\\(?:[A-Za-z]+\*?)\s*\{|\}\s*$", "", name.strip()).lstrip("\\")
    base = re.sub(r"\s+", "", base.replace("\\_", "_"))
    subscript = re.sub(r"\\times|×|\*", "x", subscript.strip().strip("{}"))
    subscript = re.sub(r"\s+", "", subscript)
    return f"{base}_{{{subscript}}}"


#: The subscript of a pooling operator: a window ``2x2`` / ``2,2`` / ``2``, a stride ``s=2``.
_CALL_NAME = lazy_compile(r"(?P<base>.*?)_\{(?P<subscript>[^{}]*)\}")
_CALL_WINDOW = lazy_compile(r"(\d+)(?:[x,](\d+))?")
_CALL_STRIDE = lazy_compile(r"(?:s|stride)=(\d+)", re.IGNORECASE)


def pool_call_parameters(name: str) -> tuple[str, tuple[int, ...] | None, int | None] | None:
    """The name of the operator, the window and the stride its subscript states, for a name
    :func:`pool_call_name` gave; None for a name without a subscript of parameters.

    ``_{2,2}`` is a 2×2 window (or a window of 2 with stride 2: the same window, and the stride
    the shape fixes); ``_{2,3}`` (a 2×3 window, or a window of 2 with stride 3) states nothing.

    >>> pool_call_parameters("MaxPool_{2x2,s=2}"), pool_call_parameters("pool_{2,2}")
    (('MaxPool', (2,), 2), ('pool', (2,), None))
    >>> pool_call_parameters("pool_{2,3}"), pool_call_parameters("MaxPool")
    (('pool', None, None), None)
    """
    match = _CALL_NAME.fullmatch(name)
    if match is None:
        return None
    window: tuple[int, ...] | None = None
    stride: int | None = None
    for part in match.group("subscript").split(","):
        found = _CALL_STRIDE.fullmatch(part)
        if found is not None:
            stride = int(found.group(1))
    parts = [p for p in match.group("subscript").split(",") if not _CALL_STRIDE.fullmatch(p)]
    sizes = _CALL_WINDOW.fullmatch(",".join(parts))
    if sizes is not None:
        first, second = sizes.group(1), sizes.group(2)
        comma = "," in ",".join(parts)
        if second is None or first == second:
            window = (int(first),)
        elif not comma:
            window = (int(first), int(second))
    return match.group("base"), window, stride

"""A layer described in words: the data of a question or an example, and what it asks.

"You have an input volume that is 127 × 127 × 16, and convolve it with 32 filters of 5 × 5,
using a stride of 2 and no padding. What is the output volume?" states an input, a layer and the
quantity asked; so do "Suppose your input is a 300 by 300 color (RGB) image … 100 filters that are
each 5x5. How many parameters …?" and "假设输入特征图a维度为(16, 3, 128, 128)\uff0c卷积核w为(8, 3,
3, 3)\uff0c步长为(1,1)\uff0c不进行填充". :func:`read_premise` reads such a sentence into a
:class:`Premise` with a few patterns per datum (English and Chinese): a size is read only where
its role is named (*input … is*, *N filters of*, *stride of*, *padding*), never guessed from
position; what the words do not say stays None.

    >>> premise = read_premise("You have an input volume that is 127 × 127 × 16, and convolve it "
    ...                        "with 32 filters of 5 × 5, using a stride of 2 and no padding. "
    ...                        "What is the output volume?")
    >>> premise.input.text(), premise.layer.describe(), premise.asked.value
    ('127 × 127 × 16', 'convolution 5×5, 32 filters, stride 2, no padding', 'output shape')
    >>> premise = read_premise("假设输入特征图a维度为(16, 3, 128, 128)\uff0c"
    ...                        "卷积核w为(8, 3, 3, 3)\uff0c步长为(1,1)\uff0c不进行填充")
    >>> premise.input.text(), premise.layer.describe()
    ('16 × 3 × 128 × 128', 'convolution 3×3, 8 filters, stride 1, no padding')
    >>> read_premise("Suppose your input is a 300 by 300 color (RGB) image.").input.text()
    '300 × 300 × 3'
    >>> read_premise("We trained it for 3 epochs.") is None
    True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from symconv.check.networks import Layer, LayerKind, Quantity, Volume
from symconv.core.patterns import TextPattern, lazy_compile

__all__ = ["UNREAD_LAYERS", "Premise", "mentions_data", "plain_words", "read_premise"]


@dataclass(frozen=True)
class Premise:
    """What a sentence states: the input, one layer, the quantity it asks for (None when it
    asks nothing this module knows)."""

    input: Volume | None
    layer: Layer | None
    asked: Quantity | None = None
    #: Whether a question counts the layer's biases (*including the bias parameters*):
    #: :func:`counts_biases`.
    biases: bool | None = None


_TIMES = r"(?:×|\*|[xX](?=\s*\d)|\s+by\s+)"
_SHAPE = rf"(\d+)\s*{_TIMES}\s*(\d+)(?:\s*{_TIMES}\s*(\d+))?(?:\s*{_TIMES}\s*(\d+))?"
_TUPLE = r"[(\uff08]\s*(\d+(?:\s*[,\uff0c]\s*\d+)*)\s*[,\uff0c]?\s*[)\uff09]"
_SIZE = rf"(?:{_SHAPE}|{_TUPLE}|(\d+))"


def plain_words(text: str) -> str:
    """Inline math and markup as plain words: ``$127 \\times 127$`` → ``127 × 127``."""
    text = re.sub(r"\\([*_])", r"\1", text)  # Markdown's escapes: 28\*28\*1, in\_channels
    text = re.sub(r"\\(?:times|cdot)", " × ", text)
    text = re.sub(r"\\(?:left|right|displaystyle|,|;|!|quad)", " ", text)
    text = re.sub(r"\\(?:text|mathrm|textrm|mathbf)\s*\{([^{}]*)\}", r"\1", text)
    text = re.sub(r"\\([A-Za-z]+)", r"\1", text)
    text = re.sub(r"[$`{}]|\*\*|__", " ", text)
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'")
    return re.sub(r"[ \t]+", " ", text)


def _sizes(match: re.Match[str], first: int) -> tuple[int, ...]:
    """The sizes a :data:`_SIZE` group set matched (a shape, a tuple or one number); ``first``
    is the 0-based position of the set's first group among the match's groups."""
    groups = match.groups()
    shape = [g for g in groups[first : first + 4] if g]
    if shape:
        return tuple(int(g) for g in shape)
    tuple_text = groups[first + 4] if first + 4 < len(groups) else None
    if tuple_text:
        return tuple(int(n) for n in re.findall(r"\d+", tuple_text))
    single = groups[first + 5] if first + 5 < len(groups) else None
    return (int(single),) if single else ()


def _size_start(match: re.Match[str]) -> int:
    """Where the first group that matched starts (the size, after the words naming it)."""
    starts = [match.start(i) for i in range(1, len(match.groups()) + 1) if match.group(i)]
    return min(starts) if starts else match.end()


_INPUT_WORD = (
    r"(?<!output\s)(?<!resulting\s)(?<!输出)"
    r"(?:input(?:\s+(?:volume|image|feature\s+map|map|tensor|activation))?|image|picture"
    r"|(?<!output )volume|输入(?:特征图|图像|图片|数据)?|图片|图像)"
)
#: Words right after a size that make it a layer's, not the input's (``3x3 kernel``).
_NAMES_A_LAYER_PART = lazy_compile(
    r"\s*(?:-\s*)?(?:conv\w*\s+)?(?:filters?|kernels?|windows?|pool\w*|conv\w*|卷积核|滤波器|池化"
    # "with 2×2 max pooling", "a 3x3 average-pool"
    r"|(?:max|min|average|avg|mean|sum|global)[\s-]*pool\w*)",
    re.IGNORECASE,
)
_INPUT_AFTER = lazy_compile(
    _INPUT_WORD + r"[^.?;。\uff1f\uff1b]{0,40}?(?<![\d.])" + _SIZE, re.IGNORECASE
)  # "input volume that is 127 × 127 × 16"
_INPUT_BEFORE = lazy_compile(
    rf"(?<![\d.]){_SHAPE}\s*(?:(?:\w+\s+){{0,2}}|[\u4e00-\u9fff]{{0,4}}?)(?:input|image|picture|输入|图像|图片)",
    re.IGNORECASE,
)  # "the 5 x 5 input map"
_APPLIED_TO = lazy_compile(
    rf"\b(?:to|on|over)\s+(?:the|a|an|this)\s+{_SHAPE}\s+(?:output|volume|map|feature\s+map|tensor"
    r"|activations?|image|input)",
    re.IGNORECASE,
)  # "we apply 2x2 max pooling with stride 2 to the 64x64x16 output"
_GRAY = lazy_compile(r"gr[ae]y[\s-]?scale|\bgr[ae]y\b|black[\s-]and[\s-]white|灰度", re.IGNORECASE)
_COLOUR = lazy_compile(r"\bRGB\b|\bcolou?r(?:ed)?\b|彩色", re.IGNORECASE)

_FILTERS = lazy_compile(
    r"(?<![\d.])(?<![x×*]\s)(?<![x×*])(?<!by\s)(\d+)\s+(?:filters?|kernels?|feature\s+detectors?)\b"
    rf"(?:(?:\s+(?:of|with|that\s+are(?:\s+each)?|each|each\s+of|sized|of\s+(?:size|shape)))?\s*(?:size\s*)?{_SHAPE})?"
    r"|(?<![\d.])(\d+)\s*个\s*(?:卷积核|滤波器|过滤器)",
    re.IGNORECASE,
)
#: The number of filters as a labelled datum: ``number of filters is 6``, ``卷积核个数为 6``,
#: ``卷积核数量 = 16``.
_FILTER_COUNT = lazy_compile(
    r"\bnumber\s+of\s+(?:filters|kernels)\s*(?:is|=|:|of)?\s*(\d+)(?![\d.])"
    r"|(?:卷积核|滤波器|过滤器)(?:的)?(?:个数|数量|数目)\s*(?:为|是|[:\uff1a=])?\s*(\d+)(?![\d.])",
    re.IGNORECASE,
)
_COUNTED_KERNELS = lazy_compile(
    rf"(?<![\d.])(\d+)\s*个\s*{_SHAPE}\s*(?:的)?\s*(?:卷积核|滤波器|过滤器)", re.IGNORECASE
)  # "10 个 5×5 的卷积核"
_SIZED_FILTERS = lazy_compile(
    rf"(?:(?<![\d.])(\d+)\s+)?{_SHAPE}\s+(?:conv(?:olution(?:al)?)?\s+)?(?:filters?|kernels?)\b",
    re.IGNORECASE,
)  # "32 5×5 filters", "the 3 x 3 filter"
_SIZED_POOL = lazy_compile(
    rf"(?<![\d.]){_SHAPE}\s*(?:(?:max|average|avg|mean)[\s-]*pool(?:ing)?|(?:的)?(?:pool(?:ing)?\s+)?"
    r"(?:window|窗口)|(?:的)?(?:最大|平均|均值)池化)",
    re.IGNORECASE,
)  # "2 × 2 max pooling", "a 2 × 2 window", "2×2 最大池化"
_KERNEL = lazy_compile(
    rf"(?:filter|kernel|window|pool(?:ing)?)\s*(?:size|width)?\s*(?:of|=|is|:)\s*{_SIZE}"
    rf"|(?:filter|kernel|window|pool(?:ing)?)\s*(?:size|width)\s*{_SIZE}"
    rf"|(?:卷积核|核)(?:大小|尺寸)\s*(?:为|是|[:\uff1a=])?\s*{_SIZE}",
    re.IGNORECASE,
)
_KERNEL_TENSOR = lazy_compile(
    rf"(?:卷积核|kernel|filters?|weights?)\s*[a-zA-Z]?\s*(?:的)?(?:维度|形状|shape)?\s*(?:为|是|is|of\s+shape|[:\uff1a=])\s*{_TUPLE}",
    re.IGNORECASE,
)  # a 4-d kernel tensor: "卷积核w为(8, 3, 3, 3)"
_STRIDE = lazy_compile(
    rf"strides?\s*(?:size\s*)?(?:of|=|is|:)?\s*{_SIZE}|步长\s*(?:为|是|[:\uff1a=])?\s*{_SIZE}",
    re.IGNORECASE,
)
_VALID = lazy_compile(
    r"\bno\s+(?:zero[\s-]?)?padding|without\s+(?:any\s+)?(?:zero[\s-]?)?padding"
    r"|[\"']?valid[\"']?\s+(?:convolution|padding)|padding\s*(?:=|of|is|:)?\s*[\"']valid"
    r"|不(?:进行|做|使用|加)?(?:零)?填充|无填充",
    re.IGNORECASE,
)
_SAME = lazy_compile(
    r"[\"']?same[\"']?\s+(?:convolution|padding)|padding\s*(?:=|of|is|:)?\s*[\"']?same\b",
    re.IGNORECASE,
)
_PADDING = lazy_compile(
    r"\bpad(?:ding)?\s*(?:=|of|is|:|by)?\s*[\"']?\s*(\d+)|填充\s*(?:为|是|[:\uff1a=])?\s*(\d+)",
    re.IGNORECASE,
)
_DILATION = lazy_compile(
    r"dilation(?:\s+rate)?\s*(?:of|=|is|:)?\s*(\d+)|膨胀率\s*(?:为)?\s*(\d+)", re.IGNORECASE
)
_POOLING = lazy_compile(r"(?:max|average|avg|mean)[\s-]*pool(?:ing)?|池化", re.IGNORECASE)
_DENSE = lazy_compile(
    r"(?<![\d.])(\d+)\s+(?:hidden\s+)?(?:neurons|units|nodes)\b.{0,80}?(?:fully[\s-]+connected|dense)"
    r"|(?:fully[\s-]+connected|dense)\s+layer\s+(?:with|of)\s+(\d+)\s+(?:neurons|units|nodes)"
    r"|全连接层?[^。\uff0c]{0,10}?(\d+)\s*个?神经元",
    re.IGNORECASE,
)
_PAD_ONLY = lazy_compile(r"\bpad\s+(?:it|the\s+(?:input|volume|image))|zero[\s-]pad", re.IGNORECASE)
_NO_BIAS = lazy_compile(
    r"(?:excluding|without|no|ignor(?:e|ing)|not\s+counting)\s+(?:the\s+)?bias|不(?:含|包括|计)偏置",
    re.IGNORECASE,
)

_ASKED: tuple[tuple[Quantity, TextPattern], ...] = tuple(
    (quantity, lazy_compile(pattern, re.IGNORECASE))
    for quantity, pattern in (
        (Quantity.RECEPTIVE_FIELD, r"receptive\s+field|感受野"),
        (
            Quantity.MULTIPLICATIONS,
            r"how\s+many\s+(?:\w+\s+){0,3}?(?:multiplications|multiply[\s-]+(?:accumulates?|adds?)"
            r"|MACs)\b|乘法(?:运算)?(?:次数|数量)?(?:是|为)?多少|多少(?:次)?乘法",
        ),
        (
            Quantity.PARAMETERS,
            r"how\s+many\s+(?:\w+\s+){0,3}?(?:parameters|params|weights)"
            r"|参数(?:个数|量|数量)?是?多少|多少(?:个)?参数",
        ),
        (
            Quantity.OUTPUT_SHAPE,
            r"(?:output|resulting)\s+(?:volume|size|shape|dimensions?)"
            r"|dimensions?\s+of\s+the\s+(?:resulting|output)|输出(?:的)?(?:大小|尺寸|形状|维度)",
        ),
        (
            Quantity.PADDING,
            r"what\s+is\s+the\s+padding|how\s+much\s+padding"
            r"|padding\s+(?:is\s+)?(?:needed|required)|填充(?:多少|是多少)",
        ),
    )
)  # fmt: skip
#: A question: a sentence that ends with a question mark or holds a question word.
_QUESTION_WORD = lazy_compile(r"\b(?:what|how|find|compute|calculate)\b|求|计算", re.IGNORECASE)
_SENTENCES = lazy_compile(r"(?<=[.?!\u3002\uff1f\uff01])\s*")


#: Layers whose sizes run the other way, or that this module does not compute: a sentence about
#: them states no premise (its "output" is not a convolution's).
UNREAD_LAYERS = lazy_compile(
    r"transposed[\s-]+conv\w*|conv\w*[\s-]*transpose\w*|de-?conv\w*|fractionally[\s-]strided"
    r"|up-?sampl\w*|unpool\w*|depthwise|separable\s+conv\w*|group(?:ed|s)\s*(?:conv\w*|=)"
    r"|转置卷积|反卷积|上采样|分组卷积|深度可分离",
    re.IGNORECASE,
)


#: Words that say a count leaves the biases out, or counts them in (English and Chinese).
_WITHOUT_BIASES = lazy_compile(
    r"(?:excluding|excludes?|without|\bno|ignor(?:e|es|ing)|not\s+(?:counting|including)|minus)"
    r"\s+(?:the\s+)?bias(?:es|\s+terms?)?|\bweights\s+only|only\s+(?:the\s+)?weights"
    r"|不(?:含|包括|包含|计|算|考虑)偏置|没有偏置|无偏置",
    re.IGNORECASE,
)
_WITH_BIASES = lazy_compile(
    r"(?:including|includes?|incl\.?|counting)\s+(?:the\s+|all\s+|its\s+)?bias(?:es|\s+terms?)?"
    r"|(?:含|包括|包含|加上)偏置|\bweights\s+(?:and|&|\+)\s+bias(?:es)?|权重(?:和|与)偏置",
    re.IGNORECASE,
)


def counts_biases(words: str) -> bool | None:
    """Whether ``words`` (the clause around a count:
    :func:`~symconv.check.size_labels.clause_around`) count a layer's biases: True (*including
    the biases*, *weights and biases*), False (*not counting the biases*, *不算偏置*), or None
    when they do not say — *and 16 biases* beside another count, *with bias* of the layer, say
    nothing of this one.

    >>> counts_biases("4608 parameters (not counting the biases)"), counts_biases(
    ...     "448 parameters including biases"), counts_biases("432 weights and 16 biases")
    (False, True, None)
    """
    if _WITHOUT_BIASES.search(words):
        return False
    if _WITH_BIASES.search(words):
        return True
    return None


def read_premise(text: str) -> Premise | None:
    """The input, layer and asked quantity ``text`` states, or None if it states no size (or
    is about a layer this module does not read: transposed, dilated, grouped).

    >>> read_premise("A transposed convolution with 3 × 3 kernels and a stride of 2") is None
    True
    """
    words = plain_words(text)
    if UNREAD_LAYERS.search(words):
        return None
    volume = _input(words)
    try:
        layer = _layer(words)
    except _Conflict:
        return None
    if volume is not None:
        volume = _with_channel_words(volume, words)
    if volume is not None and volume.batch is not None:
        volume, layer = _tensor_layout(volume, layer)
    if volume is None and layer is None:
        return None
    return Premise(volume, layer, _asked(words), counts_biases(words))


def _input(words: str) -> Volume | None:
    sizes: tuple[int, ...] = ()
    for match in _INPUT_AFTER.finditer(words):
        named = _INPUT_BEFORE.search(words, max(0, match.start() - 40), match.start() + 16)
        if named is not None and named.start() < match.start() < named.end():
            # "A 4 × 4 input with 2×2 pooling": the size right before the input word is its own
            sizes = tuple(int(g) for g in named.groups() if g)
            break
        between = words[match.start() : _size_start(match)]
        # "a 5x5 input and a 3x3 kernel": the size after the input word belongs to the kernel
        # the next word names, not to the input
        after = words[match.end() : match.end() + 16]
        # "on a 7×7 input gives 3×3": a size after a word of result is the output's
        if not re.search(
            r"filters?|kernels?|卷积核|stride|步长|pad|\bgiv(?:es?|ing)\b|\byield|\bproduc"
            r"|\bresult|\boutput|\breturn|\bbecom|→|->|=>|得到|输出|变为|变成",
            between,
            re.IGNORECASE,
        ) and not _NAMES_A_LAYER_PART.match(after):
            sizes = _sizes(match, 0)
            break
    if not sizes:
        before = _INPUT_BEFORE.search(words) or _APPLIED_TO.search(words)
        if before is not None:
            sizes = tuple(int(g) for g in before.groups() if g)
    if len(sizes) == 2:
        return Volume(sizes)
    if len(sizes) == 3:
        return three_axes(sizes)
    if len(sizes) == 4:  # (N, C, H, W) or (N, H, W, C): settled with the kernel (below)
        return Volume(sizes[2:], sizes[1], batch=sizes[0], channels_first=True)
    return None


def three_axes(sizes: tuple[int, ...]) -> Volume | None:
    """A volume written with three sizes, its channels where its square map shows them: ``32 ×
    32 × 3`` (height, width, channels: NumPy, TensorFlow) or ``3 × 32 × 32`` (channels first:
    PyTorch); a non-square map with its smallest size first or last, ``480 × 640 × 3``, ``3 × 480
    × 640``. Any other (``64 × 48 × 128``: 128 channels, or 64?) is not known: None.

    >>> three_axes((32, 32, 3)), three_axes((3, 32, 32)).text(), three_axes((64, 48, 128))
    (Volume(spatial=(32, 32), channels=3, batch=None, channels_first=False), '3 × 32 × 32', None)
    """
    a, b, c = sizes
    if a == b or (a != c and b != c and c < min(a, b)):
        return Volume((a, b), c)
    if b == c or a < min(b, c):
        return Volume((b, c), a, channels_first=True)
    return None


def _with_channel_words(volume: Volume, words: str) -> Volume:
    if volume.channels is not None:
        return volume
    if _GRAY.search(words):
        return Volume(volume.spatial, 1, volume.batch, volume.channels_first)
    if _COLOUR.search(words):
        return Volume(volume.spatial, 3, volume.batch, volume.channels_first)
    return volume


def _layer(words: str) -> Layer | None:
    """The one layer the words describe (a convolution, a pooling, a padding or a fully
    connected layer), or None."""
    count: int | None = None
    kernel: tuple[int, ...] | None = None
    if (match := _FILTERS.search(words)) is not None:
        count = int(match.group(1) or match.group(6))
        shape = [g for g in match.groups()[1:5] if g]
        kernel = tuple(int(g) for g in shape) if shape else None
    if kernel is None and (match := _COUNTED_KERNELS.search(words)) is not None:
        count = int(match.group(1))
        kernel = tuple(int(g) for g in match.groups()[1:5] if g)
    if kernel is None and (match := _SIZED_FILTERS.search(words)) is not None:
        kernel = tuple(int(g) for g in match.groups()[1:5] if g)
        count = count if count is not None else (int(match.group(1)) if match.group(1) else None)
    if count is None and (match := _FILTER_COUNT.search(words)) is not None:
        count = int(match.group(1) or match.group(2))
    tensor = _KERNEL_TENSOR.search(words)
    if kernel is None and tensor is not None:
        sizes = tuple(int(n) for n in re.findall(r"\d+", tensor.group(1)))
        if len(sizes) == 4:
            # (M, C, kh, kw) or (kh, kw, C, M): told apart by the input's layout (below)
            kernel, count = sizes, None
    if kernel is None and (match := _SIZED_POOL.search(words)) is not None:
        kernel = tuple(int(g) for g in match.groups() if g)
    if kernel is None and (match := _KERNEL.search(words)) is not None:
        sizes = _sizes(match, 0) or _sizes(match, 6) or _sizes(match, 12)
        kernel = sizes if len(sizes) > 1 else sizes * 2 if sizes else None
    stride = _axis_values(_STRIDE, words)
    padding: tuple[int, ...] | str | None = None
    # every padding the words state: two different ones ("with padding 1 … with no padding")
    # make the line about two layers
    stated: set[int | str] = {int(m.group(1) or m.group(2)) for m in _PADDING.finditer(words)}
    if _SAME.search(words):
        stated.add("same")
    if _VALID.search(words):
        stated.add(0)
    if len(stated) > 1:
        raise _Conflict(sorted(stated, key=str))
    if stated:
        (only,) = stated
        padding = only if isinstance(only, str) else (only,)
    dilation = None
    if (match := _DILATION.search(words)) is not None:
        dilation = (int(match.group(1) or match.group(2)),)
    dense = _DENSE.search(words)
    if dense is not None and kernel is None:
        units = int(next(g for g in dense.groups() if g))
        return Layer(LayerKind.DENSE, out_channels=units, bias=_NO_BIAS.search(words) is None)
    pooling = _POOLING.search(words) is not None
    if kernel is None and pooling:
        return None
    if kernel is None:
        if _PAD_ONLY.search(words) and isinstance(padding, tuple):
            return Layer(LayerKind.PAD, padding=padding)
        return None
    kind = LayerKind.POOL if pooling and count is None else LayerKind.CONV
    dims = 2 if len(kernel) == 4 else len(kernel)
    return Layer(
        kind,
        kernel=kernel,
        stride=_spread(stride, dims),
        padding=_spread(padding, dims) if isinstance(padding, tuple) else padding,
        dilation=_spread(dilation, dims),
        out_channels=count if kind is LayerKind.CONV else None,
        bias=_NO_BIAS.search(words) is None,
    )


def _axis_values(pattern: TextPattern, words: str) -> tuple[int, ...] | None:
    """The sizes ``pattern`` finds; a second, different value makes the sentence about two
    layers (*with stride 1 … with stride 2*): :class:`_Conflict`."""
    found: list[tuple[int, ...]] = []
    for match in pattern.finditer(words):
        for first in (0, 6):
            sizes = _sizes(match, first)
            if sizes:
                found.append(sizes)
                break
    if len(set(found)) > 1:
        raise _Conflict(found)
    return found[0] if found else None


class _Conflict(Exception):
    """Two values of one datum in one line: the line states two layers, not one."""


def _spread(values: tuple[int, ...] | None, dims: int) -> tuple[int, ...] | None:
    if values is None:
        return None
    if len(values) == dims:
        return values
    return (values[0],) * dims if len(values) == 1 else None


def _tensor_layout(volume: Volume, layer: Layer | None) -> tuple[Volume | None, Layer | None]:
    """A 4-d input read with the layer's 4-d kernel tensor: ``(N, C, H, W)`` with ``(M, C, kh,
    kw)`` (PyTorch) or ``(N, H, W, C)`` with ``(kh, kw, C, M)`` (TensorFlow), told apart by
    where the input's channels appear in the kernel. Without such a kernel, or when neither
    layout fits, the input's layout is not known: nothing is read."""
    kernel = layer.kernel if layer is not None else None
    if layer is None or kernel is None or len(kernel) != 4 or volume.channels is None:
        return None, None
    n, a, (b, c) = volume.batch, volume.channels, volume.spatial
    m, k_in, kh, kw = kernel
    nchw = a == k_in
    nhwc = c == kernel[2]
    if nchw == nhwc:
        return None, None
    if nchw:
        volume, sizes, filters = Volume((b, c), a, n, channels_first=True), (kh, kw), m
    else:
        volume, sizes, filters = Volume((a, b), c, n), kernel[:2], kernel[3]
    stride = _spread(layer.stride, 2)
    padding = _spread(layer.padding, 2) if isinstance(layer.padding, tuple) else layer.padding
    layer = Layer(LayerKind.CONV, kernel=sizes, stride=stride, padding=padding,
                  dilation=layer.dilation, out_channels=filters, bias=layer.bias)  # fmt: skip
    return volume, layer


def _asked(words: str) -> Quantity | None:
    """The one quantity the question asks for (None when it asks none this module knows, or
    several: an answer is then not known to be any one of them)."""
    questions = [
        sentence
        for sentence in _SENTENCES.split(words)
        if sentence.rstrip().endswith(("?", "\uff1f")) or _QUESTION_WORD.search(sentence)
    ]
    asked = {
        quantity
        for question in questions
        for quantity, pattern in _ASKED
        if pattern.search(question)
    }
    return asked.pop() if len(asked) == 1 else None


#: A datum of a layer written with its value (*stride 2*, *pad 1*, *3x3 filter*).
_DATUM = lazy_compile(
    r"(?:strides?|padding|\bpad|filters?|kernels?|pool(?:ing)?|步长|填充|卷积核)\s*(?:size\s*)?"
    r"(?:of|=|is|:|为)?\s*[\d(]|\d+\s*(?:×|x|\*|by)\s*\d+\s*(?:filters?|kernels?|pool)",
    re.IGNORECASE,
)


def mentions_data(text: str) -> bool:
    """True if ``text`` writes a layer's datum with its value (its results may be about that
    layer, whether or not the line states the whole layer).

    >>> mentions_data("With stride 2 we would get a 3x3 output."), mentions_data("It is 5x5.")
    (True, False)
    """
    return _DATUM.search(plain_words(text)) is not None

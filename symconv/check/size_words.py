"""The words of layer sizes: what a table column, a label or a layer's name says it holds.

Tables, not logic (English and Chinese, case-insensitive): a column headed *filter width*
holds kernel sizes, *output width* output sizes, *in_feature* a fully connected layer's inputs;
a row named ``CONV2`` or typed ``MaxPool2D`` is a layer of that kind; *MNIST* images are
28 × 28 × 1. The readers of :mod:`symconv.check.read_sizes` use them; nothing here judges.

    >>> column_field("kernel/pool size"), column_field("filter num"), column_field("感受野")
    (<Field.KERNEL: 'kernel size'>, <Field.FILTERS: 'filters'>, \
<Field.RECEPTIVE_FIELD: 'receptive field'>)
    >>> layer_kind("MaxPool2D"), layer_kind("CONV3"), layer_kind("FC1"), layer_kind("Layer_1")
    (<LayerKind.POOL: 'pooling'>, <LayerKind.CONV: 'convolution'>, \
<LayerKind.DENSE: 'fully connected'>, None)
    >>> dataset_input("classify the MNIST digits")
    ('MNIST', Volume(spatial=(28, 28), channels=1, batch=None, channels_first=False))
"""

from __future__ import annotations

import re
from enum import StrEnum

from symconv.check.networks import LayerKind, Volume
from symconv.core.patterns import TextPattern, lazy_compile

__all__ = [
    "Field",
    "column_field",
    "dataset_input",
    "is_input_name",
    "is_output_name",
    "layer_kind",
]


class Field(StrEnum):
    """What a column (or a label) holds: a layer's data, or a size computed from them."""

    KIND = "type"
    KERNEL = "kernel size"
    STRIDE = "stride"
    PADDING = "padding"
    DILATION = "dilation"
    FILTERS = "filters"
    UNITS = "units"
    INPUT_SIZE = "input size"
    INPUT_CHANNELS = "input channels"
    INPUT_FEATURES = "input features"
    OUTPUT_SIZE = "output size"
    OUTPUT_SHAPE = "output shape"
    OUTPUT_CHANNELS = "output channels"
    PARAMETERS = "parameters"
    RECEPTIVE_FIELD = "receptive field"


#: Column headers, most specific first (a header is matched whole, after lower-casing).
_COLUMNS: tuple[tuple[Field, TextPattern], ...] = tuple(
    (field, lazy_compile(pattern, re.IGNORECASE))
    for field, pattern in (
        (Field.RECEPTIVE_FIELD, r"(?:receptive\s*field|rf)(?:\s*size)?|感受野(?:大小)?"),
        (
            Field.PARAMETERS,
            r"(?:#|no\.?|number\s+of)?\s*(?:param(?:eter)?s?)\s*#?|参数(?:量|个数|数量)?",
        ),
        (
            Field.INPUT_FEATURES,
            r"in[_\s-]?features?|input\s+features?|输入特征(?:数)?",
        ),
        (
            Field.UNITS,
            r"out[_\s-]?features?|output\s+features?|units|(?:output\s+)?neurons?|输出特征(?:数)?|神经元(?:个数|数)?",
        ),
        (
            Field.INPUT_CHANNELS,
            r"in[_\s-]?channels?|input\s+(?:depth|channels?)|输入通道(?:数)?|输入深度",
        ),
        (
            Field.FILTERS,
            r"(?:#\s*|number\s+of\s+|num\s+)(?:filters?|kernels?)"
            r"|(?:filters?|kernels?)\s*(?:num(?:ber)?|count|#)|filters|kernels"
            r"|out[_\s-]?channels?|(?:filter|卷积核|滤波器)\s*(?:个数|数量|数)",
        ),
        (
            Field.OUTPUT_CHANNELS,
            r"output\s+(?:depth|channels?)|输出通道(?:数)?|输出深度",
        ),
        (
            Field.INPUT_SIZE,
            r"input(?:\s+(?:size|width|height|dim(?:ension)?s?))?|输入(?:大小|尺寸|宽度)?",
        ),
        (
            Field.OUTPUT_SIZE,
            r"output\s+(?:size|width|height|dim(?:ension)?s?)|输出(?:大小|尺寸|宽度)",
        ),
        (Field.OUTPUT_SHAPE, r"output(?:\s+(?:shape|volume))?|输出(?:形状)?"),
        (
            Field.KERNEL,
            r"(?:kernel|filter|pool(?:ing)?|window)(?:\s*/\s*(?:kernel|filter|pool(?:ing)?|window))?"
            r"\s+(?:size|width|shape)|kernel(?:_size)?|pool_size|卷积核(?:大小|尺寸)|核大小|池化(?:窗口)?大小",
        ),
        (Field.STRIDE, r"strides?(?:\s+size)?|步长|步幅"),
        (Field.PADDING, r"padding|pad|填充"),
        (Field.DILATION, r"dilation(?:\s+rate)?|膨胀率|空洞率"),
        (Field.KIND, r"type|layer\s+type|kind|类型"),
    )
)


def column_field(header: str) -> Field | None:
    """The field a column header names, or None."""
    text = re.sub(r"\s+", " ", header.strip().strip("*_`:\uff1a").lower())
    for field, pattern in _COLUMNS:
        if pattern.fullmatch(text):
            return field
    return None


_KINDS: tuple[tuple[LayerKind, TextPattern], ...] = tuple(
    (kind, lazy_compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        (
            LayerKind.POOL,
            r"(?:max|avg|average|mean|global)?[\s_-]?pool(?:ing)?[\s_-]?(?:[123]d)?\d*|池化(?:层)?\d*",
        ),
        (
            LayerKind.CONV,
            r"conv(?:olution(?:al)?)?[\s_-]?(?:[123]d)?(?:[\s_-]?layer)?\d*|卷积(?:层)?\d*",
        ),
        (
            LayerKind.DENSE,
            r"fc\d*|dense\d*|linear\d*|fully[\s-]connected(?:\s+layer)?\d*|全连接(?:层)?\d*",
        ),
        (LayerKind.FLATTEN, r"flatten|展平"),
        (LayerKind.PAD, r"(?:zero[\s_-]?)?padding[\s_-]?(?:[123]d)?"),
    )
)


def layer_kind(word: str) -> LayerKind | None:
    """The kind of layer a name or a type says (``Conv2D``, ``CONV2``, ``MaxPool2D``, ``FC1``)."""
    text = word.strip().strip("*_`\"'")
    for kind, pattern in _KINDS:
        if pattern.fullmatch(text):
            return kind
    return None


_OUTPUT_NAME = lazy_compile(r"output|out|输出(?:层)?", re.IGNORECASE)
_INPUT_NAME = lazy_compile(r"input|in|image|输入(?:层)?|图像|图片", re.IGNORECASE)


def is_output_name(word: str) -> bool:
    """A row named ``Output``: the network's output."""
    return _OUTPUT_NAME.fullmatch(word.strip().strip("*_`")) is not None


def is_input_name(word: str) -> bool:
    """A row named ``Input``: the network's input."""
    return _INPUT_NAME.fullmatch(word.strip().strip("*_`")) is not None


#: Data sets by name, with the size of one image (height, width, channels).
_DATASETS: tuple[tuple[str, TextPattern, Volume], ...] = (
    ("MNIST", lazy_compile(r"(?<![A-Za-z])(?:fashion[\s_-]?)?mnist(?![A-Za-z])", re.IGNORECASE),
     Volume((28, 28), 1)),
    ("CIFAR", lazy_compile(r"(?<![A-Za-z])cifar[\s_-]?(?:10|100)(?!\d)", re.IGNORECASE),
     Volume((32, 32), 3)),
)  # fmt: skip


def dataset_input(text: str) -> tuple[str, Volume] | None:
    """The data set ``text`` names (MNIST, CIFAR-10) and the size of its images, or None."""
    for name, pattern, volume in _DATASETS:
        if pattern.search(text):
            return name, volume
    return None

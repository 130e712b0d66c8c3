"""Layers written as code: Keras and PyTorch layer calls in code blocks and code spans.

``Conv2D(16, (2, 2), input_shape=(224, 224, 3))``, ``nn.Conv2d(1, 4, kernel_size=7, stride=3)``,
``MaxPool2d(2)``, ``Flatten()``, ``Linear(in_features=784, out_features=120)``: a block's calls,
in order, are a network (activations, dropout and normalisation change no size and are passed
over; any other call to a capitalised name may change the sizes, so the layers after it start a
network of their own). The code is read with :mod:`ast` — parsed, never run — and only literal
arguments count (a size held in a variable is not stated).

The frameworks' argument orders and defaults (Keras: ``Conv2D(filters, kernel_size, strides=1,
padding='valid', dilation_rate=1)``, pooling ``strides=None`` = the window, ``input_shape``
channels last; PyTorch: ``Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0,
dilation=1)``, ``MaxPool2d(kernel_size, stride=None, padding=0)``, ``Linear(in_features,
out_features)``) are those of their documentation.

What code states that can be checked: the channels a PyTorch layer says it takes
(``in_channels=6``, ``in_features=784``) against what the layers before it put out — the code
lists every layer, so a mismatch is an error when it runs.

    >>> code = '''layers = [Conv2d(in_channels=1, out_channels=6, kernel_size=5, padding=2),
    ...           MaxPool2d(kernel_size=2), ReLU(), Flatten(),
    ...           Linear(in_features=1176, out_features=10)]'''
    >>> [block] = code_networks(code, first_line=10)
    >>> for layer in block.layers:
    ...     print(layer.line, layer.describe())
    10 convolution 5×5, 6 filters, stride 1, padding 2
    11 pooling 2×2, stride 2, no padding
    11 flatten
    12 fully connected, 10 units
    >>> block.framework, block.layers[-1].in_channels
    ('torch', 1176)
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import sympy as sp

from symconv.check.networks import (
    Layer,
    LayerKind,
    Network,
    Quantity,
    SizeFacts,
    SizeStatement,
    Volume,
)
from symconv.core.patterns import lazy_compile

__all__ = ["CodeNetwork", "code_networks", "code_statements", "summary_statements"]


@dataclass(frozen=True)
class CodeNetwork:
    """The layers of one run of calls, the input the code states (``input_shape``), the
    framework whose conventions read them (``keras`` or ``torch``) and whether the run starts
    the code (``first``: the code's input, a data set it is said to take, reaches it)."""

    layers: tuple[Layer, ...]
    input: Volume | None
    framework: str
    line: int
    end_line: int
    first: bool = True


#: Calls that change no size (activations, dropout, normalisation).
_NEUTRAL = lazy_compile(
    r"(?:ReLU\d*|LeakyReLU|PReLU|ELU|SELU|GELU|SiLU|Mish|Sigmoid|Tanh|Softmax\d*d?|LogSoftmax"
    r"|Activation|Dropout\d*d?|SpatialDropout\dD|AlphaDropout|BatchNorm\d*d?|BatchNormalization"
    r"|LayerNorm(?:alization)?|GroupNorm|InstanceNorm\dd|LocalResponseNorm|Identity|Hardtanh"
    r"|ReLU6|Softplus|Threshold)"
)
#: Calls that hold layers (their arguments are read in order).
_CONTAINER = lazy_compile(r"Sequential|ModuleList|ModuleDict|Model|Functional")
_KERAS_CONV = lazy_compile(r"Conv(?:olution)?([123])D")
_TORCH_CONV = lazy_compile(r"Conv([123])d")
_KERAS_POOL = lazy_compile(r"(?:Max|Average|Avg)Pool(?:ing)?([123])D")
_TORCH_POOL = lazy_compile(r"(?:Max|Avg)Pool([123])d")
_KERAS_PAD = lazy_compile(r"ZeroPadding([123])D")
_TORCH_PAD = lazy_compile(r"(?:Zero|Constant)Pad([123])d")


def code_networks(code: str, first_line: int = 1) -> list[CodeNetwork]:
    """The networks the layer calls of ``code`` make (module docstring); ``first_line`` is the
    document's line of the code's first line. Layers a module class keeps as attributes
    (``self.conv1 = nn.Conv2d(…)``) run in the order its ``forward`` calls them
    (:func:`_module_calls`), each named by its attribute."""
    module = _module_calls(code)
    attributes: dict[ast.Call, str] = {}
    if module is None:
        calls = list(_layer_calls(code))
    else:
        calls = [(name, call) for name, call, _ in module]
        attributes = {call: attribute for _, call, attribute in module if attribute}
    networks: list[CodeNetwork] = []
    run: list[tuple[Layer, str]] = []
    given: Volume | None = None
    broken = False
    for name, call in calls:
        line = first_line + call.lineno - 1
        if _NEUTRAL.fullmatch(name) or _CONTAINER.fullmatch(name):
            continue
        if name == "Input" and not run:  # Keras: Input(shape=(28, 28, 1))
            shape = _arguments(call, ("shape",)).get("shape")
            given = (
                _keras_input({"input_shape": shape}, len(shape) - 1)
                if isinstance(shape, tuple)
                else None
            )
            continue
        read = None if name == _BREAK else _layer(name, call, line)
        if read is not None and call in attributes:
            read = (replace(read[0], name=attributes[call]), read[1], read[2])
        if read is None:
            if run:
                networks.append(_network(run, given, first=not networks and not broken))
            run, given, broken = [], None, True
            continue
        layer, framework, stated = read
        if stated is not None and not run:
            given = stated
        run.append((layer, framework))
    if run:
        networks.append(_network(run, given, first=not networks and not broken))
    return networks


#: A step of ``forward`` that may change the sizes in a way not read here (a call to a function
#: of sizes: ``F.max_pool2d(x, 2)``, ``torch.cat``): the layers after it start a network of their
#: own.
_BREAK = "<break>"
#: Functions of ``forward`` that change no size (activations, dropout, normalisation).
_NEUTRAL_FUNCTIONS = lazy_compile(
    r"relu6?|leaky_relu|elu|selu|gelu|silu|mish|sigmoid|tanh|softmax|log_softmax|dropout\d?d?"
    r"|batch_norm|layer_norm|hardtanh|softplus|contiguous"
)
#: Pooling functions of ``forward`` (``F.max_pool2d(x, 2)``), read as the layer of that class.
_FUNCTIONAL_POOL = lazy_compile(r"(max|avg)_pool([123])d")
_POOL_CLASSES = {"max": "MaxPool", "avg": "AvgPool"}
#: Functions of ``forward`` that flatten all but the batch axis.
_FLATTENS = lazy_compile(r"flatten|view|reshape")


def _module_calls(code: str) -> list[tuple[str, ast.Call, str]] | None:
    """A module class's layers in the order its ``forward`` (Keras: ``call``) applies them —
    ``(class name, call, attribute)``, a layer used twice appearing twice, a flatten as
    ``Flatten`` — or None when the code keeps no layers as attributes. ``__init__`` only
    declares the layers: its order is not the network's. A ``forward`` whose steps are not one
    straight line of calls (a branch, a loop, a layer called on another than the one before) is
    not read: its layers are then none of one network (an empty list)."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return None
    for cls in (node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)):
        methods = {f.name: f for f in cls.body if isinstance(f, ast.FunctionDef)}
        init = methods.get("__init__")
        if init is None:
            continue
        declared: dict[str, tuple[str, ast.Call]] = {}
        for node in ast.walk(init):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                for target in node.targets:
                    if (
                        isinstance(target, ast.Attribute)
                        and isinstance(target.value, ast.Name)
                        and target.value.id == "self"
                    ):
                        name = _call_name(node.value.func)
                        if name and name[0].isupper():
                            declared[target.attr] = (name, node.value)
        if not declared:
            continue
        forward = methods.get("forward") or methods.get("call")
        steps = _forward_steps(forward, declared) if forward is not None else None
        return steps if steps is not None else []
    return None


def _forward_steps(
    forward: ast.FunctionDef, declared: dict[str, tuple[str, ast.Call]]
) -> list[tuple[str, ast.Call, str]] | None:
    """The layers ``forward`` applies, in order, when its body is one line of steps on one
    tensor (``x = self.pool(F.relu(self.conv1(x)))``, ``out = self.fc(out)``, ``return …``):
    each step reads only the tensor the step before made. None for anything else — a branch,
    a loop, a residual sum, two tensors (``torch.cat([a, b])``)."""
    arguments = [a.arg for a in forward.args.args if a.arg != "self"]
    if not arguments:
        return None
    current = arguments[0]
    found: list[tuple[str, ast.Call, str]] = []
    for statement in forward.body:
        if isinstance(statement, ast.Return) and statement.value is None:
            continue
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # a docstring
        if isinstance(statement, ast.Assign):
            targets = statement.targets
            if len(targets) != 1 or not isinstance(targets[0], ast.Name):
                return None
        elif not isinstance(statement, ast.Return):
            return None  # a branch, a loop, a sum in place: not one line of calls
        value = statement.value
        if value is None:
            continue
        tensors = {
            node.id
            for node in ast.walk(value)
            if isinstance(node, ast.Name) and node.id not in _MODULE_NAMES
        }
        if tensors != {current}:
            return None  # a step on another tensor than the one before, or on two
        if any(_joins(node, current) for node in ast.walk(value)):
            return None  # a sum of branches (self.conv(x) + self.shortcut(x)), a list of them
        for call in _evaluation_order(value):
            step = _forward_step(call, declared)
            if step is None:
                return None
            found.extend(step)
        if isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Name):
            current = statement.targets[0].id
    return found


def _joins(node: ast.AST, tensor: str) -> bool:
    """True if ``node`` combines values of which one holds the tensor or a layer's output (an
    arithmetic operation, a list, a tuple, a subscript): not one line of layers."""
    if not isinstance(node, (ast.BinOp, ast.List, ast.Tuple, ast.Subscript, ast.IfExp,
                             ast.Compare, ast.BoolOp)):  # fmt: skip
        return False
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name) and inner.id == tensor:
            return True
        if (
            isinstance(inner, ast.Call)
            and isinstance(inner.func, ast.Attribute)
            and isinstance(inner.func.value, ast.Name)
            and inner.func.value.id == "self"
        ):
            return True
    return False


#: Names of modules a forward calls functions of (``F.relu``, ``torch.flatten``): no tensor.
_MODULE_NAMES = frozenset({"self", "F", "torch", "nn", "tf", "keras", "functional"})


def _forward_step(
    call: ast.Call, declared: dict[str, tuple[str, ast.Call]]
) -> list[tuple[str, ast.Call, str]] | None:
    """The layers one call of ``forward`` applies: a layer attribute (a ``Sequential`` one, its
    layers in order), a flatten, nothing for an activation; a call of anything else as a
    break (sizes not read). None for a container whose layers are not written in it."""
    func = call.func
    attribute = (
        func.attr
        if isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id == "self"
        else None
    )
    if attribute is not None and attribute in declared:
        name, layer = declared[attribute]
        if name == "Sequential":
            inner = [argument for argument in layer.args if isinstance(argument, ast.Call)]
            if len(inner) != len(layer.args) or layer.keywords:
                return None
            return [(_call_name(argument.func), argument, "") for argument in inner]
        if _CONTAINER.fullmatch(name):
            return None
        return [(name, layer, attribute)]
    name = _call_name(func)
    if _NEUTRAL_FUNCTIONS.fullmatch(name) or name in ("size", "dim"):
        return []
    pooled = _FUNCTIONAL_POOL.fullmatch(name)
    if pooled is not None and call.args:
        # F.max_pool2d(x, 2): the layer MaxPool2d(2) applied to x
        layer = ast.Call(func=ast.Name(id=_POOL_CLASSES[pooled.group(1)] + pooled.group(2) + "d"),
                         args=call.args[1:], keywords=call.keywords)  # fmt: skip
        ast.copy_location(layer, call)
        return [(_call_name(layer.func), layer, "")]
    if _FLATTENS.fullmatch(name):
        return [("Flatten", call, "")]
    return [(_BREAK, call, "")]


def _evaluation_order(node: ast.expr) -> list[ast.Call]:
    """The calls of an expression in the order Python evaluates them (arguments first)."""
    found: list[ast.Call] = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.expr):
            found.extend(_evaluation_order(child))
    if isinstance(node, ast.Call):
        found.append(node)
    return found


def _network(run: list[tuple[Layer, str]], given: Volume | None, *, first: bool) -> CodeNetwork:
    frameworks = {framework for _, framework in run}
    framework = (
        "torch" if frameworks == {"torch"} else "keras" if "keras" in frameworks else "torch"
    )
    layers = tuple(layer for layer, _ in run)
    return CodeNetwork(layers, given, framework, layers[0].line, layers[-1].line, first)


def _layer_calls(code: str) -> Iterator[tuple[str, ast.Call]]:
    """``(name, call)`` of each call to a capitalised name, in source order; a block that does
    not parse is read line by line."""
    try:
        trees = [(ast.parse(code), 0)]
    except (SyntaxError, ValueError):
        trees = []
        for number, text in enumerate(code.splitlines()):
            try:
                trees.append((ast.parse(text.strip().rstrip(",")), number))
            except (SyntaxError, ValueError):
                continue
    found = []
    for tree, offset in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _call_name(node.func)
            if name and name[0].isupper():
                node.lineno += offset
                found.append((node.lineno, node.col_offset, name, node))
    for _, _, name, node in sorted(found, key=lambda item: (item[0], item[1])):
        yield name, node


def _call_name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _literal(node: ast.expr | None) -> Any:
    if node is None:
        return None
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        product = _integer_arithmetic(node)
        return _Unknown if product is None else product


#: Operators of a size written as arithmetic on literals (``32 * 6 * 6``, ``16*5*5``).
_INTEGER_OPERATORS: dict[type, Any] = {
    ast.Mult: lambda a, b: a * b,
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.FloorDiv: lambda a, b: a // b if b else None,
}


def _integer_arithmetic(node: ast.expr, depth: int = 0) -> int | None:
    """The value of integer literals joined by ``*``, ``+``, ``-``, ``//`` (a size written as
    its product, ``nn.Linear(32 * 6 * 6, 10)``), computed from the tree — never run; None for
    anything else (a name, a call, a float)."""
    if depth > 20:
        return None
    if isinstance(node, ast.Constant):
        value = node.value
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(node, ast.BinOp) and type(node.op) in _INTEGER_OPERATORS:
        left = _integer_arithmetic(node.left, depth + 1)
        right = _integer_arithmetic(node.right, depth + 1)
        if left is None or right is None:
            return None
        result = _INTEGER_OPERATORS[type(node.op)](left, right)
        return result if isinstance(result, int) and abs(result) < 10**12 else None
    return None


class _UnknownValue:
    """An argument the code does not state as a literal."""


_Unknown = _UnknownValue()


def _arguments(call: ast.Call, order: tuple[str, ...]) -> dict[str, Any]:
    """The call's literal arguments by name (positional ones named by ``order``)."""
    found: dict[str, Any] = {}
    for position, argument in enumerate(call.args):
        if position < len(order):
            found[order[position]] = _literal(argument)
    for keyword in call.keywords:
        if keyword.arg is not None:
            found[keyword.arg] = _literal(keyword.value)
    return found


def _sizes(value: Any, dims: int) -> tuple[int, ...] | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return (value,) * dims
    if isinstance(value, (tuple, list)) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        return tuple(value) if len(value) == dims else None
    return None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _padding(value: Any, dims: int) -> tuple[int, ...] | str | None:
    if isinstance(value, str) and value.lower() in ("same", "valid", "full"):
        return value.lower()
    return _sizes(value, dims)


def _layer(name: str, call: ast.Call, line: int) -> tuple[Layer, str, Volume | None] | None:
    """The layer a call makes, its framework and the input it states; None for a call that is
    not a layer this module knows."""
    if match := _KERAS_CONV.fullmatch(name):
        dims = int(match.group(1))
        a = _arguments(call, ("filters", "kernel_size", "strides", "padding"))
        layer = Layer(
            LayerKind.CONV,
            kernel=_sizes(a.get("kernel_size"), dims),
            stride=_sizes(a.get("strides", 1), dims),
            padding=_padding(a.get("padding", "valid"), dims),
            dilation=_sizes(a.get("dilation_rate", 1), dims),
            out_channels=_count(a.get("filters")),
            bias=a.get("use_bias", True) is not False,
            name=name,
            line=line,
        )
        return layer, "keras", _keras_input(a, dims)
    if match := _TORCH_CONV.fullmatch(name):
        dims = int(match.group(1))
        a = _arguments(call, ("in_channels", "out_channels", "kernel_size", "stride", "padding",
                              "dilation", "groups", "bias"))  # fmt: skip
        if a.get("groups", 1) != 1:
            return None
        layer = Layer(
            LayerKind.CONV,
            kernel=_sizes(a.get("kernel_size"), dims),
            stride=_sizes(a.get("stride", 1), dims),
            padding=_padding(a.get("padding", 0), dims),
            dilation=_sizes(a.get("dilation", 1), dims),
            out_channels=_count(a.get("out_channels")),
            in_channels=_count(a.get("in_channels")),
            bias=a.get("bias", True) is not False,
            name=name,
            line=line,
        )
        return layer, "torch", None
    if match := _KERAS_POOL.fullmatch(name):
        dims = int(match.group(1))
        a = _arguments(call, ("pool_size", "strides", "padding"))
        kernel = _sizes(a.get("pool_size", 2), dims)
        strides = a.get("strides")
        stride = kernel if strides is None else _sizes(strides, dims)
        padding = _padding(a.get("padding", "valid"), dims)
        layer = Layer(LayerKind.POOL, kernel=kernel, stride=stride, padding=padding, name=name,
                      line=line)  # fmt: skip
        return layer, "keras", _keras_input(a, dims)
    if match := _TORCH_POOL.fullmatch(name):
        dims = int(match.group(1))
        a = _arguments(call, ("kernel_size", "stride", "padding", "dilation"))
        if a.get("ceil_mode", False) is not False:
            return None
        kernel = _sizes(a.get("kernel_size"), dims)
        strides = a.get("stride")
        stride = kernel if strides is None else _sizes(strides, dims)
        padding = _padding(a.get("padding", 0), dims)
        dilation = _sizes(a.get("dilation", 1), dims)
        layer = Layer(LayerKind.POOL, kernel=kernel, stride=stride, padding=padding,
                      dilation=dilation, name=name, line=line)  # fmt: skip
        return layer, "torch", None
    if match := (_KERAS_PAD.fullmatch(name) or _TORCH_PAD.fullmatch(name)):
        dims = int(match.group(1))
        a = _arguments(call, ("padding",))
        padding = _sizes(a.get("padding", 1), dims)
        framework = "keras" if name.startswith("ZeroPadding") else "torch"
        return Layer(LayerKind.PAD, padding=padding, name=name, line=line), framework, None
    if name == "Flatten":
        return Layer(LayerKind.FLATTEN, name=name, line=line), "any", None
    if name == "Dense":
        a = _arguments(call, ("units",))
        layer = Layer(LayerKind.DENSE, out_channels=_count(a.get("units")),
                      bias=a.get("use_bias", True) is not False, name=name, line=line,
                      last_axis=True)  # fmt: skip
        return layer, "keras", _keras_input(a, 0)
    if name == "Linear":
        a = _arguments(call, ("in_features", "out_features", "bias"))
        layer = Layer(LayerKind.DENSE, out_channels=_count(a.get("out_features")),
                      in_channels=_count(a.get("in_features")),
                      bias=a.get("bias", True) is not False, name=name, line=line,
                      last_axis=True)  # fmt: skip
        return layer, "torch", None
    return None


def _keras_input(arguments: dict[str, Any], dims: int) -> Volume | None:
    """``input_shape=(224, 224, 3)`` (channels last, Keras's default), ``input_dim=784``."""
    shape = arguments.get("input_shape")
    if isinstance(shape, (tuple, list)) and all(isinstance(v, int) for v in shape):
        sizes = tuple(shape)
        if dims and len(sizes) == dims + 1:
            return Volume(sizes[:-1], sizes[-1])
        if not dims and len(sizes) == 1:
            return Volume((), sizes[0])
    dim = arguments.get("input_dim")
    if isinstance(dim, int) and not isinstance(dim, bool):
        return Volume((), dim)
    return None


def code_statements(
    code: CodeNetwork, dataset: tuple[str, Volume] | None = None, cell: int | None = None
) -> tuple[Network, list[SizeStatement]]:
    """The network of ``code`` (its input stated in the code, else the images of ``dataset``:
    the data set its section names) and the channels its layers say they take, each a
    statement."""
    source = (
        f"the code on line {code.line}"
        if code.line == code.end_line
        else f"the code on lines {code.line}–{code.end_line}"
    )
    volume = code.input
    if volume is None and dataset is not None and code.first:
        name, images = dataset
        volume = replace(images, channels_first=code.framework == "torch")
        source += f", on {name} images ({volume.text()})"
    network = Network(code.layers, volume, source)
    found = []
    for index, layer in enumerate(code.layers):
        if layer.in_channels is None or (index == 0 and volume is None):
            continue
        if layer.kind is LayerKind.CONV:
            quantity, text = Quantity.INPUT_CHANNELS, f"in_channels={layer.in_channels}"
        elif layer.kind is LayerKind.DENSE:
            quantity, text = Quantity.INPUT_FEATURES, f"in_features={layer.in_channels}"
        else:
            continue
        facts = SizeFacts(quantity, sp.Integer(layer.in_channels), network, 0, index + 1,
                          about=f"{layer.name} on line {layer.line}")  # fmt: skip
        found.append(SizeStatement(layer.line, layer.line, f"{layer.name}({text})", facts, cell))
    return network, found


# ----------------------------------------------------------------------------------------------
# A Keras model.summary() printed after the code
# ----------------------------------------------------------------------------------------------
_SUMMARY_HEADER = lazy_compile(r"Layer\s*\(type\).*Output\s+Shape.*Param\s*#", re.IGNORECASE)
#: A row: ``conv2d_1 (Conv2D)   (None, 26, 26, 32)   320`` — the type may be cut short by the
#: column (``(MaxPooling2``), Keras 3 draws the columns with ``│``.
_SUMMARY_ROW = lazy_compile(
    r"^\s*([\w.\-]+)\s+\((\w+)\)?\s+\(None,\s*(\d+(?:\s*,\s*\d+)*)\s*,?\)\s+(\d[\d,]*)\s*$"
)
_SUMMARY_TOTAL = lazy_compile(r"^\s*Total\s+params:\s*(\d[\d,]*)(?:\s|\(|$)")
#: Layer types a summary lists that the code's network leaves out (they change no size).
_SUMMARY_NEUTRAL = (
    "InputLayer", "Dropout", "SpatialDropout2D", "Activation", "BatchNormalization", "ReLU",
    "LeakyReLU", "PReLU", "ELU", "Softmax", "LayerNormalization", "GaussianNoise",
)  # fmt: skip


def summary_statements(
    rows: list[str], first_line: int, network: Network, cell: int | None = None
) -> list[SizeStatement]:
    """The output shape and ``Param #`` of each row of a Keras ``model.summary()`` printed from
    the code of ``network``, each a statement about the layer it lists. A row is the code's next
    layer only when its type is that layer's class (or the start of it, cut by the column); a
    row of a layer the network leaves out (dropout, normalisation) is passed over; any other
    row, or layers left unmatched, make the summary another model's: nothing is read. Keras
    counts the biases among the parameters."""
    if not any(_SUMMARY_HEADER.search(row) for row in rows):
        return []
    layers = network.layers
    found: list[tuple[int, int, str, tuple[int, ...], int]] = []
    next_layer = 0
    passed_over = 0  # parameters of rows the network leaves out
    for number, row in enumerate(rows):
        match = _SUMMARY_ROW.match(row.replace("│", " ").replace("|", " "))
        if match is None:
            continue
        name, kind, shape, params = match.groups()
        if next_layer < len(layers) and layers[next_layer].name.startswith(kind):
            sizes = tuple(int(n) for n in re.findall(r"\d+", shape))
            found.append(
                (first_line + number, next_layer, name, sizes, int(params.replace(",", "")))
            )
            next_layer += 1
        elif any(neutral.startswith(kind) for neutral in _SUMMARY_NEUTRAL):
            passed_over += int(params.replace(",", ""))  # BatchNormalization has parameters
            continue
        else:
            return []
    if next_layer != len(layers):
        return []
    statements = []
    for number, row in enumerate(rows):
        total = _SUMMARY_TOTAL.match(row.replace("│", " "))
        if total is not None and found and not passed_over:
            written = sp.Integer(int(total.group(1).replace(",", "")))
            facts = SizeFacts(Quantity.TOTAL_PARAMETERS, written, network, 0, len(layers),
                              about="the model", biases=True)  # fmt: skip
            text = f"Total params: {total.group(1)}"
            statements.append(SizeStatement(first_line + number, first_line + number, text,
                                            facts, cell))  # fmt: skip
    for line, index, name, sizes, params in found:
        about = f"{name} ({layers[index].name}, line {layers[index].line})"
        shape = SizeFacts(Quantity.OUTPUT_SHAPE, tuple(sp.Integer(n) for n in sizes), network, 0,
                          index + 1, about=about)  # fmt: skip
        count = SizeFacts(Quantity.PARAMETERS, sp.Integer(params), network, 0, index + 1,
                          about=about, biases=True)  # fmt: skip
        shown = ", ".join(str(n) for n in sizes)
        statements.append(SizeStatement(line, line, f"{name} (None, {shown})", shape, cell))
        statements.append(SizeStatement(line, line, f"{name} Param # {params}", count, cell))
    return statements

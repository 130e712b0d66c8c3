"""Rules of the table: linear layers — convolution/correlation (every ConvSpec option),
depthwise and separable convolution, transposed convolution, dense — and ``conv_gradients``.

A convolution rule is built from a :class:`~symconv.conv.geometry.ConvSpec` by :func:`conv_rule`:
its forward is the foundation's index form, its backward the closed forms of
:mod:`symconv.rules.conv_backward` (derivation there), each proven equal to what the
differentiator produces. The registered rules are the named configurations of the table; any
other spec gets its rule on demand (:func:`conv_rule`, :func:`conv_gradients`).

    >>> d = conv_gradients(2, layout="NHWC", weight_layout="HWIO")["W"]
    >>> print(d.answer_latex())
    \\frac{\\partial J}{\\partial W[k_{1}, k_{2}, n, m]} = \\sum_{\\substack{0 \\leq i \\leq N -
    1\\\\0 \\leq j_{1} \\leq I_{1} - K_{1}\\\\0 \\leq j_{2} \\leq I_{2} - K_{2}}} \\frac{\\partial
    J}{\\partial Z[i, j_{1}, j_{2}, m]} X[i, j_{1} + k_{1}, j_{2} + k_{2}, n]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Unpack

import numpy as np
import sympy as sp

from symconv.conv.forms import ConvIndexForm, conv_index_form, explicit_forward, index_form_of
from symconv.conv.geometry import ConvOptions, ConvSpec, IntLike, conv_options
from symconv.core.derivation import Derivation
from symconv.core.latex import Notation
from symconv.core.safe import as_sympy
from symconv.grad.formula import IndexFormula, as_index_formula
from symconv.rules.conv_backward import conv_backward_formulas
from symconv.rules.forms import formula, gradient, indices, rename, sizes, tensors
from symconv.rules.table import Rule, register
from symconv.rules.transpose_identity import forward_backward_transpose_derivation

#: nndl's names for a single-channel 2-d layer, ``y_{ij} = Σ_{u,v} w_{uv} x_{i+u, j+v}``.
SUBSCRIPT_TENSORS = {"X": "x", "W": "w", "Z": "y"}
SUBSCRIPT_INDICES = {"j_1": "i", "j_2": "j", "k_1": "u", "k_2": "v", "j": "i", "k": "u"}


# ----------------------------------------------------------------------------------------------
# A rule for any spec
# ----------------------------------------------------------------------------------------------
def concrete_spec(spec: ConvSpec, case: Mapping[str, Any]) -> ConvSpec:
    """``spec`` with its symbolic parameters (stride ``s``, kernel ``K_1``…) bound by ``case``."""
    mapping = {
        symbol: sp.Integer(case[symbol.name])
        for symbol in _spec_symbols(spec)
        if symbol.name in case
    }

    def bind(value: sp.Expr) -> Any:
        return int(as_sympy(value).xreplace(mapping))

    return ConvSpec.make(
        [bind(k) for k in spec.kernel_size],
        dims=spec.dims,
        stride=[bind(s) for s in spec.stride],
        padding=[(bind(a), bind(b)) for a, b in spec.padding],
        dilation=[bind(d) for d in spec.dilation],
        groups=bind(spec.groups),
        op=spec.op,
        layout=spec.layout,
        weight_layout=spec.weight_layout,
        batch=spec.batch,
        channels=spec.channels,
    )


def _spec_symbols(spec: ConvSpec) -> set[sp.Symbol]:
    values = [*spec.kernel_size, *spec.stride, *spec.dilation, spec.groups]
    values += [v for pair in spec.padding for v in pair]
    return set().union(*(as_sympy(v).free_symbols for v in values))


def default_cases(form: ConvIndexForm) -> tuple[dict[str, int], ...]:
    """Two small size assignments at which the rule's obligations are checked: symbolic stride,
    padding and dilation take (2, 1, 2) and (1, 0, 1), symbolic groups 2."""
    spec = form.spec
    cases = []
    for variant, (stride, padding, dilation) in enumerate(((2, 1, 2), (1, 0, 1))):
        chosen = {"s": stride, "p": padding, "d": dilation, "G": 2}
        case: dict[str, int] = {}
        for symbol in _spec_symbols(spec):
            if symbol.name in chosen:
                case[symbol.name] = chosen[symbol.name]

        def bound(value: sp.Expr, case: dict[str, int] = case) -> int:
            expr = as_sympy(value)
            return int(expr.xreplace({s: sp.Integer(case[s.name]) for s in expr.free_symbols}))

        group_count = bound(spec.groups)
        for axis in range(spec.dims):
            kernel = spec.kernel_size[axis]
            k_value = int(kernel) if kernel.is_number else (2 if axis < 2 else 1)
            if not kernel.is_number:
                case[str(kernel)] = k_value
            extent = bound(spec.dilation[axis]) * (k_value - 1) + 1
            grow = variant if axis == 0 else 0
            size = extent + (2 if spec.dims < 3 else 1) - axis % 2 + grow
            case[str(form.sizes[f"I{axis}"])] = size
        if spec.batch:
            case["N"] = 2 if spec.dims == 1 or (variant == 1 and spec.dims == 2) else 1
        if spec.channels:
            case["C"] = 2 * group_count if group_count > 1 else (2 if spec.dims < 3 else 1)
            case["M"] = group_count if group_count > 1 else (2 if spec.dims == 1 else 1)
        cases.append(case)
    return tuple(cases)


def conv_rule(
    spec: ConvSpec | None = None,
    *,
    dims: int = 2,
    kernel_size: IntLike | Sequence[IntLike] | None = None,
    batch: bool = True,
    channels: bool = True,
    bias: bool | None = None,
    name: str | None = None,
    title: str | None = None,
    cases: Sequence[Mapping[str, Any]] | None = None,
    tensor_names: Mapping[str, str] | None = None,
    index_names: Mapping[str, str] | None = None,
    **options: Unpack[ConvOptions],
) -> Rule:
    """The rule of a convolution layer (not registered): from ``spec`` or from the options of
    :func:`symconv.conv.forms.conv_index_form` (the layer's
    :class:`~symconv.conv.geometry.ConvOptions`). ``tensor_names``/``index_names`` write it in a
    source's names (nndl's ``y, w, x`` and ``i, j, u, v``)."""
    layer_options = conv_options(options, "conv_rule")
    if spec is None:
        form = conv_index_form(
            dims,
            kernel_size=kernel_size,
            batch=batch,
            channels=channels,
            bias=bias,
            **layer_options,
        )
    else:
        form = index_form_of(spec, bias=spec.channels if bias is None else bias)
    forward = as_index_formula(form)
    backward = conv_backward_formulas(form)
    tensors_map = dict(tensor_names or {})
    indices_map = dict(index_names or {})
    if tensors_map or indices_map:
        forward = rename(forward, tensors_map, indices_map)
        backward = {
            tensors_map.get(k, k): rename(v, tensors_map, indices_map) for k, v in backward.items()
        }
    layer = form.spec
    description = " ".join(layer.describe()[:2])
    return Rule(
        name=name or f"conv{layer.dims}d",
        family="conv",
        title=title or f"{layer.dims}-d {layer.op} layer",
        latex_name=r"\star" if layer.op == "correlation" else r"\ast",
        forward=forward,
        backward=backward,
        cases=tuple(dict(c) for c in cases) if cases is not None else default_cases(form),
        explicit=_explicit(layer, {v: k for k, v in tensors_map.items()}),
        conventions=(*layer.describe(), f"∂J/∂X with explicit range conditions ({description})"),
        source="Goodfellow, Bengio & Courville (2016), eqs. 9.11–9.14; Dumoulin & Visin (2016), "
        "§4; the NYU notes on backpropagation in index form",
    )


def _explicit(spec: ConvSpec, roles: Mapping[str, str]) -> Any:
    """The foundation's explicit forward (entry by entry over SymPy tensors) of ``spec``."""

    def forward(tensors: Mapping[str, Any], case: Mapping[str, Any]) -> np.ndarray:
        named = {roles.get(name, name): value for name, value in tensors.items()}
        layer = concrete_spec(spec, case)
        to_array = sp.ImmutableDenseNDimArray
        x = to_array(np.asarray(named["X"]).tolist(), np.shape(named["X"]))
        w = to_array(np.asarray(named["W"]).tolist(), np.shape(named["W"]))
        bias = named.get("b")
        b = to_array(np.asarray(bias).tolist(), np.shape(bias)) if bias is not None else None
        result = explicit_forward(layer, x, w, b)
        array = np.empty(len(result), dtype=object)
        array[:] = list(sp.flatten(result))
        return array.reshape(result.shape)

    return forward


def conv_gradients(
    dims: int = 2,
    *,
    kernel_size: IntLike | Sequence[IntLike] | None = None,
    batch: bool = True,
    channels: bool = True,
    bias: bool | None = None,
    spec: ConvSpec | None = None,
    notation: Notation = "bracket",
    **options: Unpack[ConvOptions],
) -> dict[str, Derivation]:
    """The gradients of a convolution layer with respect to its input, weights and bias, as
    derivations keyed ``"X"``, ``"W"``, ``"b"``.

    Options (:class:`~symconv.conv.geometry.ConvOptions`) as
    :func:`symconv.conv.forms.conv_index_form` (or a ``spec``); every size may be a
    symbol. ``notation="bracket"`` writes ``∂J/∂W[k_1, k_2, n, m]`` (the NYU course; pass
    ``layout="NHWC", weight_layout="HWIO"`` for its ``W[k1,k2,n,m]``), ``"subscript"`` writes
    entries as subscripts — and, for a layer without batch and channel axes, in nndl's names
    ``y_{ij} = Σ_{u,v} w_{uv} x_{i+u, j+v}`` (0-based). Each derivation shows the chain rule, the
    Kronecker deltas and the re-indexing (:func:`~symconv.grad.differentiate.derive_backward`),
    then the stored closed form; ``.check()`` runs the proof obligations.

    >>> grads = conv_gradients(2, batch=False, channels=False, notation="subscript")
    >>> print(grads["W"].answer_latex())
    \\frac{\\partial J}{\\partial w_{u,v}} = \\sum_{\\substack{0 \\leq i \\leq I_{1} - K_{1}\\\\0
    \\leq j \\leq I_{2} - K_{2}}} \\frac{\\partial J}{\\partial y_{i,j}} x_{i + u,j + v}
    """
    nndl = notation == "subscript" and not batch and not channels and spec is None
    rule = conv_rule(
        spec,
        dims=dims,
        kernel_size=kernel_size,
        batch=batch,
        channels=channels,
        bias=bias,
        tensor_names=SUBSCRIPT_TENSORS if nndl else None,
        index_names=SUBSCRIPT_INDICES if nndl and dims <= 2 else None,
        **conv_options(options, "conv_gradients"),
    )
    roles = {v: k for k, v in (SUBSCRIPT_TENSORS if nndl else {}).items()}
    return {roles.get(w, w): rule.gradient(w, notation=notation) for w in rule.arguments}


# ----------------------------------------------------------------------------------------------
# The registered convolution rules
# ----------------------------------------------------------------------------------------------
STRIDE = sp.Symbol("s", integer=True, positive=True)
PADDING = sp.Symbol("p", integer=True, nonnegative=True)
DILATION = sp.Symbol("d", integer=True, positive=True)
GROUPS = sp.Symbol("G", integer=True, positive=True)

# Z[i, m, j] = b[m] + Σ_{n,k} W[m, n, k] X[i, n, j + k]  (1-d, stride 1): ∂J/∂X is the full
# convolution of δ with W, ∂J/∂W the valid correlation of X with δ (derivation in conv_backward).
CONV1D = register(conv_rule(dims=1, name="conv1d", title="1-d convolution layer (correlation)"))
CONV2D = register(conv_rule(dims=2, name="conv2d", title="2-d convolution layer (correlation)"))
CONV3D = register(conv_rule(dims=3, name="conv3d", title="3-d convolution layer (correlation)"))

# Stride s, zero padding p and dilation d, all symbolic: the input gradient gathers the output
# j = (u + p − d k)/s where s divides u + p − d k and 0 ≤ j < O (see conv_backward).
CONV2D_GENERAL = register(
    conv_rule(
        dims=2,
        stride=STRIDE,
        padding=PADDING,
        dilation=DILATION,
        name="conv2d_strided",
        title="2-d convolution with stride s, padding p, dilation d",
    )
)
CONV1D_GENERAL = register(
    conv_rule(
        dims=1,
        stride=STRIDE,
        padding=PADDING,
        dilation=DILATION,
        name="conv1d_strided",
        title="1-d convolution with stride s, padding p, dilation d",
        cases=(
            {"N": 2, "C": 1, "M": 2, "I": 7, "K": 2, "s": 2, "p": 1, "d": 2},
            {"N": 1, "C": 2, "M": 1, "I": 6, "K": 3, "s": 3, "p": 0, "d": 1},
            {"N": 1, "C": 1, "M": 1, "I": 5, "K": 2, "s": 1, "p": 2, "d": 3},
        ),
    )
)

# Groups: output channel m reads the C/G input channels of its group g(m) = ⌊m G/M⌋; input
# channel c feeds the M/G output channels of its group ⌊c G/C⌋ (derivation in conv_backward).
CONV1D_GROUPED = register(
    conv_rule(
        dims=1,
        groups=GROUPS,
        name="conv1d_grouped",
        title="1-d grouped convolution (G groups)",
        cases=(
            {"N": 1, "C": 4, "M": 2, "I": 4, "K": 2, "G": 2},
            {"N": 2, "C": 2, "M": 4, "I": 3, "K": 2, "G": 2},
            {"N": 1, "C": 3, "M": 3, "I": 3, "K": 2, "G": 3},
        ),
    )
)

# True convolution (kernel flipped: X read at s j + K − 1 − k): the weight gradient is flipped
# back, the input gradient is the full *correlation* of δ with W.
CONVOLUTION2D = register(
    conv_rule(
        dims=2,
        op="convolution",
        stride=2,
        name="convolution2d",
        title="2-d true convolution (flipped kernel), stride 2",
    )
)

# The NYU course's layout: Z[i, j1, j2, m] = Σ W[k1, k2, n, m] X[i, j1+k1, j2+k2, n] + b[m].
CONV2D_NHWC = register(
    conv_rule(
        dims=2,
        layout="NHWC",
        weight_layout="HWIO",
        name="conv2d_nhwc",
        title="2-d convolution, NHWC data and HWIO weights (NYU)",
    )
)

# One channel, no batch (nndl §5.1): y_{ij} = Σ_{u,v} w_{uv} x_{i+u, j+v}.
CORRELATE2D = register(
    conv_rule(
        dims=2,
        batch=False,
        channels=False,
        name="correlate2d",
        title="2-d correlation of one channel",
    )
)


# Depthwise convolution (Howard et al. 2017, MobileNets eq. 3): each channel its own kernel,
#   Z[i, c, j] = b[c] + Σ_k W[c, k] X[i, c, j + k],
#   ∂J/∂X[i, c, j] = Σ_k ∂J/∂Z[i, c, j − k] W[c, k],
#   ∂J/∂W[c, k] = Σ_{i,j} ∂J/∂Z[i, c, j] X[i, c, j + k].
DEPTHWISE_SHAPES = "X: (N, C, I1, I2); 0 <= j1 < I1 - K1 + 1; 0 <= j2 < I2 - K2 + 1"
DEPTHWISE = register(
    Rule(
        name="depthwise_conv2d",
        family="conv",
        title="Depthwise 2-d convolution",
        latex_name=r"\star_{\mathrm{dw}}",
        forward="Z[i,c,j1,j2] = b[c] + sum_{k1,k2} W[c,k1,k2] X[i,c,j1+k1,j2+k2]; "
        + DEPTHWISE_SHAPES,
        backward={
            "X": "dJ/dX[i,c,j1,j2] = sum_{k1,k2} dJ/dZ[i,c,j1-k1,j2-k2] W[c,k1,k2]",
            "W": "dJ/dW[c,k1,k2] = sum_{i,j1,j2} dJ/dZ[i,c,j1,j2] X[i,c,j1+k1,j2+k2]",
            "b": "dJ/db[c] = sum_{i,j1,j2} dJ/dZ[i,c,j1,j2]",
        },
        cases=(
            {"N": 1, "C": 2, "I_1": 3, "I_2": 3, "K_1": 2, "K_2": 2},
            {"N": 2, "C": 1, "I_1": 3, "I_2": 2, "K_1": 2, "K_2": 1},
        ),
        conventions=("entries outside a tensor read as zero (so j − k out of range drops)",),
        source="Howard et al. (2017), 'MobileNets', eq. 3; PyTorch Conv2d(groups=C)",
    )
)

# Depthwise-separable convolution (Chollet 2017; Howard et al. 2017, eq. 4): a depthwise kernel
# D[c, k] followed by a pointwise 1×1 mixing P[m, c],
#   Z[i, m, j] = b[m] + Σ_{c,k} P[m, c] D[c, k] X[i, c, j + k];
#   ∂J/∂X[i, c, j] = Σ_{m,k} ∂J/∂Z[i, m, j − k] P[m, c] D[c, k],
#   ∂J/∂D[c, k] = Σ_{i,m,j} ∂J/∂Z[i, m, j] P[m, c] X[i, c, j + k],
#   ∂J/∂P[m, c] = Σ_{i,j,k} ∂J/∂Z[i, m, j] D[c, k] X[i, c, j + k].
SEPARABLE = register(
    Rule(
        name="separable_conv2d",
        family="conv",
        title="Depthwise-separable 2-d convolution",
        latex_name=r"\star_{\mathrm{sep}}",
        forward="Z[i,m,j1,j2] = b[m] + sum_{c,k1,k2} P[m,c] D[c,k1,k2] X[i,c,j1+k1,j2+k2]; "
        + DEPTHWISE_SHAPES,
        backward={
            "X": "dJ/dX[i,c,j1,j2] = sum_{m,k1,k2} dJ/dZ[i,m,j1-k1,j2-k2] P[m,c] D[c,k1,k2]",
            "D": "dJ/dD[c,k1,k2] = sum_{i,m,j1,j2} dJ/dZ[i,m,j1,j2] P[m,c] X[i,c,j1+k1,j2+k2]",
            "P": "dJ/dP[m,c] = sum_{i,j1,j2,k1,k2} dJ/dZ[i,m,j1,j2] D[c,k1,k2] X[i,c,j1+k1,j2+k2]",
            "b": "dJ/db[m] = sum_{i,j1,j2} dJ/dZ[i,m,j1,j2]",
        },
        cases=(
            {"N": 1, "C": 2, "M": 2, "I_1": 3, "I_2": 3, "K_1": 2, "K_2": 2},
            {"N": 2, "C": 1, "M": 2, "I_1": 2, "I_2": 3, "K_1": 1, "K_2": 2},
        ),
        conventions=("entries outside a tensor read as zero",),
        source="Chollet (2017), 'Xception'; Howard et al. (2017), 'MobileNets', eq. 4",
    )
)


# Transposed convolution (Dumoulin & Visin 2016, §4, relationship 14; PyTorch ConvTranspose1d
# with weights W[m, n, k] of shape (in, out, K)): the scatter
#   Y[i, n, u] = Σ_{m, j, k} X[i, m, j] W[m, n, k] δ(s j + d k − p, u),
#   O' = s(I − 1) − 2p + d(K − 1) + 1.
# The delta over u eliminates in the chain rule: the backward is the forward convolution,
#   ∂J/∂X[i, m, j] = Σ_{n,k} ∂J/∂Y[i, n, s j + d k − p] W[m, n, k]    (a strided correlation),
#   ∂J/∂W[m, n, k] = Σ_{i,j} X[i, m, j] ∂J/∂Y[i, n, s j + d k − p]
# — "the transposed convolution is the gradient of the convolution, and vice versa".
i, m, n, j, k, u = indices("i m n j k u")
N, M, C, L, K = sizes("N M C I K")  # L: the input length, written I
X, W, Y = tensors("X W Y")
TRANSPOSED_OUT = STRIDE * (L - 1) - 2 * PADDING + DILATION * (K - 1) + 1
TRANSPOSED_SHAPES = {"X": (N, M, L), "W": (M, C, K), "Y": (N, C, TRANSPOSED_OUT)}


def transposed_forward() -> IndexFormula:
    scatter = sp.KroneckerDelta(STRIDE * j + DILATION * k - PADDING, u)
    body = X[i, m, j] * W[m, n, k] * scatter
    total = sp.Sum(body, (m, 0, M - 1), (j, 0, L - 1), (k, 0, K - 1))
    return formula(Y[i, n, u], total, TRANSPOSED_SHAPES)


def transposed_backward(wrt: str) -> IndexFormula:
    dY = gradient("Y")
    position = STRIDE * j + DILATION * k - PADDING
    shapes = {**TRANSPOSED_SHAPES, "∂J/∂Y": TRANSPOSED_SHAPES["Y"]}
    if wrt == "X":
        total = sp.Sum(dY[i, n, position] * W[m, n, k], (n, 0, C - 1), (k, 0, K - 1))
        return formula(gradient("X")[i, m, j], total, {**shapes, "∂J/∂X": (N, M, L)})
    total = sp.Sum(X[i, m, j] * dY[i, n, position], (i, 0, N - 1), (j, 0, L - 1))
    return formula(gradient("W")[m, n, k], total, {**shapes, "∂J/∂W": (M, C, K)})


CONV_TRANSPOSE1D = register(
    Rule(
        name="conv_transpose1d",
        family="conv",
        title="1-d transposed convolution with stride s, padding p, dilation d",
        latex_name=r"\star^{\top}",
        forward=transposed_forward,
        backward={"X": lambda: transposed_backward("X"), "W": lambda: transposed_backward("W")},
        cases=(
            {"N": 1, "M": 2, "C": 1, "I": 3, "K": 3, "s": 2, "p": 1, "d": 1},
            {"N": 2, "M": 1, "C": 2, "I": 2, "K": 2, "s": 1, "p": 0, "d": 2},
        ),
        conventions=(
            "weights W[m, n, k] of shape (in, out, K), as PyTorch's ConvTranspose",
            "no output padding: O' = s(I − 1) − 2p + d(K − 1) + 1",
        ),
        source="Dumoulin & Visin (2016), §4, relationship 14; PyTorch ConvTranspose1d",
    )
)

# Dense (fully connected) layer Y = X Wᵀ + b (Goodfellow et al. 2016, §6.5.4; nndl §4.4):
#   Y[i, o] = b[o] + Σ_k W[o, k] X[i, k];
#   ∂J/∂X[i, k] = Σ_o ∂J/∂Y[i, o] W[o, k]   (δ W),
#   ∂J/∂W[o, k] = Σ_i ∂J/∂Y[i, o] X[i, k]   (δᵀ X),
#   ∂J/∂b[o] = Σ_i ∂J/∂Y[i, o].
DENSE = register(
    Rule(
        name="dense",
        family="conv",
        title="Dense (fully connected) layer",
        latex_name=r"\operatorname{linear}",
        forward="Y[i,o] = b[o] + sum_k W[o,k] X[i,k]; X: (N, D); W: (O, D)",
        backward={
            "X": "dJ/dX[i,k] = sum_o dJ/dY[i,o] W[o,k]",
            "W": "dJ/dW[o,k] = sum_i dJ/dY[i,o] X[i,k]",
            "b": "dJ/db[o] = sum_i dJ/dY[i,o]",
        },
        cases=({"N": 2, "D": 3, "O": 2}, {"N": 1, "D": 2, "O": 3}),
        conventions=("weights W[o, k] of shape (out, in), as PyTorch's Linear",),
        source="Goodfellow, Bengio & Courville (2016), §6.5.4; nndl §4.4",
    )
)


__all__ = [
    "concrete_spec",
    "conv_gradients",
    "conv_rule",
    "default_cases",
    "forward_backward_transpose_derivation",
]

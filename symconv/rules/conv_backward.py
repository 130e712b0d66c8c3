"""The backward passes of a convolution layer in closed index form, for every option of
:class:`~symconv.conv.geometry.ConvSpec` — stride, padding, dilation, groups, true convolution,
layouts,
batch and channel axes, 1-, 2- and 3-d.

The forward (:func:`symconv.conv.forms.index_form_of`; correlation, channels-first for reading):

    Z[i, m, j] = b[m] + Σ_{n, k} W[m, n, k] X[i, g(m) C/G + n, s j + d k̃ − p],
    g(m) = ⌊m G/M⌋,  k̃ = k (correlation) or K − 1 − k (convolution),  0 ≤ j < O.

The chain rule ``∂J/∂A[a] = Σ_{i, m, j} ∂J/∂Z[i, m, j] ∂Z[i, m, j]/∂A[a]`` gives (Goodfellow et al.
2016, eqs. 9.11–9.14, there with stride and no padding; the NYU notes, problem 4):

* ``∂J/∂b[m] = Σ_{i, j} ∂J/∂Z[i, m, j]``;
* ``∂J/∂W[m, n, k] = Σ_{i, j} ∂J/∂Z[i, m, j] X[i, g(m) C/G + n, s j + d k̃ − p]`` — the valid
  correlation of X with δ = ∂J/∂Z (read at stride d, dilation s);
* ``∂J/∂X[i, c, u]``: the delta ``δ(s j + d k̃ − p, u)`` fixes ``j = (u + p − d k̃)/s``, which must
  be an integer in ``[0, O)``; for G groups, c is input channel ``n = c − g C/G`` of group
  ``g = ⌊c G/C⌋``, whose output channels are ``m = g M/G + m'``:

      ∂J/∂X[i, c, u] = Σ_{m' < M/G} Σ_k [s | u + p − d k̃] [0 ≤ (u + p − d k̃)/s ≤ O − 1]
                        ∂J/∂Z[i, g M/G + m', (u + p − d k̃)/s] W[g M/G + m', c − g C/G, k].

That last form carries the *explicit range conditions*. Equivalently (Dumoulin & Visin 2016, §4,
relationships 13–14; JAX's "convolution transpose rules") it is the **full correlation of the
dilated output gradient with the rotated kernel**: put ``s − 1`` zeros between the entries of δ,
``δ̃[t] = [s | t] δ[t/s]``, and rotate the effective kernel, ``W_rot[r] = W[k]`` with
``k̃ = K − 1 − r``; substituting ``r`` gives

      ∂J/∂X[i, c, u] = Σ_{m', r} δ̃[i, m, u + d r − (d(K − 1) − p)] W_rot[m, n, r],

a stride-1 correlation of δ̃ padded by ``d(K − 1) − p`` zeros (out-of-range reads are zero: the
"full" padding, cropped by the forward padding p), with dilation d.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from symconv.conv.forms import ConvIndexForm, data_axes, weight_axes
from symconv.conv.geometry import ConvSpec
from symconv.grad.conditions import InRange, Iverson, divides
from symconv.grad.formula import IndexFormula, as_index_formula, index_symbol
from symconv.rules.forms import gradient

#: A sum's limit ``(index, lower, upper)``, inclusive.
Limit = tuple[sp.Symbol, sp.Expr, sp.Expr]


def _spatial(spec: ConvSpec, stem: str) -> list[sp.Symbol]:
    if spec.dims == 1:
        return [index_symbol(stem)]
    return [index_symbol(f"{stem}_{axis + 1}") for axis in range(spec.dims)]


def _output_sizes(form: ConvIndexForm) -> list[sp.Expr]:
    spec = form.spec
    return [spec.output_size(a, form.sizes[f"I{a}"]) for a in range(spec.dims)]


def _shapes(form: ConvIndexForm) -> dict[str, tuple[sp.Expr, ...]]:
    shapes = dict(as_index_formula(form).shapes)
    shapes["∂J/∂Z"] = shapes["Z"]
    for name in ("X", "W", "b"):
        if name in shapes:
            shapes[f"∂J/∂{name}"] = shapes[name]
    return shapes


def _range_formula(
    lhs: sp.Indexed, rhs: sp.Expr, sizes: Sequence[sp.Expr], form: ConvIndexForm
) -> IndexFormula:
    return IndexFormula(
        lhs=lhs,
        rhs=rhs,
        ranges=tuple(
            (index, sp.Integer(0), size - 1) for index, size in zip(lhs.indices, sizes, strict=True)
        ),
        shapes=_shapes(form),
    )


def _output_limits(form: ConvIndexForm) -> list[tuple[sp.Symbol, sp.Expr, sp.Expr]]:
    """The sum over every entry of Z except the output channel: batch and positions."""
    spec = form.spec
    limits = []
    if spec.batch:
        limits.append((index_symbol("i"), sp.Integer(0), form.sizes["N"] - 1))
    for index, size in zip(_spatial(spec, "j"), _output_sizes(form), strict=True):
        limits.append((index, sp.Integer(0), size - 1))
    return limits


def bias_gradient(form: ConvIndexForm) -> IndexFormula:
    """``∂J/∂b[m] = Σ_{i, j} ∂J/∂Z[i, m, j]``."""
    spec = form.spec
    m = index_symbol("m")
    i = index_symbol("i")
    z_entry = gradient("Z")[tuple(data_axes(spec, i, m, _spatial(spec, "j")))]
    return _range_formula(
        gradient("b")[m], sp.Sum(z_entry, *_output_limits(form)), [form.sizes["M"]], form
    )


def weight_gradient(form: ConvIndexForm) -> IndexFormula:
    """``∂J/∂W[m, n, k] = Σ_{i, j} ∂J/∂Z[i, m, j] X[i, g(m) C/G + n, s j + d k̃ − p]``: the
    forward's read of X, weighted by the output gradient, summed over batch and positions."""
    spec = form.spec
    i, m, n = index_symbol("i"), index_symbol("m"), index_symbol("n")
    outputs, taps = _spatial(spec, "j"), _spatial(spec, "k")
    x_read = next(
        r
        for r in sp.preorder_traversal(form.expression)
        if isinstance(r, sp.Indexed) and r.base == form.X
    )
    z_entry = gradient("Z")[tuple(data_axes(spec, i, m, outputs))]
    lhs = gradient("W")[tuple(weight_axes(spec, m, n, taps))]
    w_shape = as_index_formula(form).shapes["W"]
    return _range_formula(lhs, sp.Sum(z_entry * x_read, *_output_limits(form)), w_shape, form)


def _group_members(
    form: ConvIndexForm, channel: sp.Symbol
) -> tuple[sp.Expr, sp.Expr, list[tuple[sp.Symbol, sp.Expr, sp.Expr]]]:
    """``(m, n, limits)``: the output channels reading input channel ``channel`` and its index
    inside its group. One group: every m, n = channel."""
    spec = form.spec
    M, C, G = form.sizes["M"], form.sizes["C"], spec.groups
    if G == 1:
        m = index_symbol("m")
        return m, channel, [(m, sp.Integer(0), M - 1)]
    member = index_symbol("m'")
    group = sp.floor(channel * G / C)
    return group * M / G + member, channel - group * C / G, [(member, sp.Integer(0), M / G - 1)]


def input_gradient(form: ConvIndexForm) -> IndexFormula:
    """``∂J/∂X`` with explicit range and divisibility conditions (module docstring)."""
    spec = form.spec
    i = index_symbol("i")
    channel = index_symbol("n") if spec.groups == 1 else index_symbol("c")
    positions, taps = _spatial(spec, "j"), _spatial(spec, "k")
    sources, conditions = [], []
    for axis, (u, tap, size) in enumerate(zip(positions, taps, _output_sizes(form), strict=True)):
        offset = u - spec.input_position(axis, 0, tap)  # u + p − d k̃
        stride = spec.stride[axis]
        source = sp.floor(offset / stride)
        sources.append(source)
        conditions += [divides(stride, offset), InRange(source, 0, size - 1)]
    body = Iverson(sp.And(*conditions))
    tap_limits: list[tuple[sp.Symbol, sp.Expr, sp.Expr]] = []
    if spec.channels:
        m, n, channel_limits = _group_members(form, channel)
        body *= gradient("Z")[tuple(data_axes(spec, i, m, sources))]
        body *= form.W[tuple(weight_axes(spec, m, n, taps))]
    else:
        channel_limits = []
        body *= gradient("Z")[tuple(data_axes(spec, i, None, sources))]
        body *= form.W[tuple(taps)]
    tap_limits = [(k, sp.Integer(0), K - 1) for k, K in zip(taps, spec.kernel_size, strict=True)]
    lhs = gradient("X")[tuple(data_axes(spec, i, channel, positions))]
    x_shape = as_index_formula(form).shapes["X"]
    return _range_formula(lhs, sp.Sum(body, *channel_limits, *tap_limits), x_shape, form)


def input_gradient_full_correlation(
    form: ConvIndexForm,
) -> tuple[IndexFormula, tuple[IndexFormula, ...]]:
    """``∂J/∂X`` as the full correlation of the dilated output gradient ``D̃`` with the rotated
    kernel ``W_rot`` (module docstring): the formula, and the definitions of ``D̃`` and
    ``W_rot`` (computed from ``∂J/∂Z`` and ``W``)."""
    spec = form.spec
    i, m_free, n_free = index_symbol("i"), index_symbol("m"), index_symbol("n")
    channel = index_symbol("n") if spec.groups == 1 else index_symbol("c")
    positions = _spatial(spec, "j")
    rotated_taps = _spatial(spec, "r")
    dilated = sp.IndexedBase("Dtilde")
    rotated = sp.IndexedBase("Wrot")
    shapes = _shapes(form)
    outputs = _output_sizes(form)

    # D̃[i, m, t] = [s | t] ∂J/∂Z[i, m, t/s],  0 ≤ t ≤ s (O − 1)
    spread = _spatial(spec, "t")
    divisible = Iverson(sp.And(*(divides(s, t) for s, t in zip(spec.stride, spread, strict=True))))
    sources = [sp.floor(t / s) for t, s in zip(spread, spec.stride, strict=True)]
    dilated_sizes = [s * (o - 1) + 1 for s, o in zip(spec.stride, outputs, strict=True)]
    batch_size, out_channels = form.sizes["N"], form.sizes["M"]
    dilated_shape = tuple(data_axes(spec, batch_size, out_channels, dilated_sizes))
    free = data_axes(spec, i, m_free, spread)
    dilated_formula = IndexFormula(
        lhs=dilated[tuple(free)],
        rhs=divisible * gradient("Z")[tuple(data_axes(spec, i, m_free, sources))],
        ranges=tuple(
            (x, sp.Integer(0), size - 1) for x, size in zip(free, dilated_shape, strict=True)
        ),
        shapes={**shapes, "Dtilde": dilated_shape},
    )

    # W_rot[m, n, r] = W[m, n, k] with k̃(k) = K − 1 − r: the rotated effective kernel
    kernel = spec.kernel_size
    original_taps = [
        (K - 1 - r) if spec.op == "correlation" else r
        for r, K in zip(rotated_taps, kernel, strict=True)
    ]
    w_shape = shapes["W"]
    if spec.channels:
        rot_lhs = rotated[tuple(weight_axes(spec, m_free, n_free, rotated_taps))]
        rot_rhs = form.W[tuple(weight_axes(spec, m_free, n_free, original_taps))]
    else:
        rot_lhs, rot_rhs = rotated[tuple(rotated_taps)], form.W[tuple(original_taps)]
    rotated_formula = IndexFormula(
        lhs=rot_lhs,
        rhs=rot_rhs,
        ranges=tuple(
            (x, sp.Integer(0), size - 1) for x, size in zip(rot_lhs.indices, w_shape, strict=True)
        ),
        shapes={**shapes, "Wrot": w_shape},
    )

    # ∂J/∂X[i, c, u] = Σ_{m', r} D̃[i, m, u + d r − (d(K − 1) − p)] W_rot[m, n, r]
    reads = [
        u + d * r - (d * (K - 1) - pair[0])
        for u, r, d, K, pair in zip(
            positions, rotated_taps, spec.dilation, kernel, spec.padding, strict=True
        )
    ]
    if spec.channels:
        m, n, channel_limits = _group_members(form, channel)
        body = (
            dilated[tuple(data_axes(spec, i, m, reads))]
            * rotated[tuple(weight_axes(spec, m, n, rotated_taps))]
        )
    else:
        channel_limits = []
        body = dilated[tuple(data_axes(spec, i, None, reads))] * rotated[tuple(rotated_taps)]
    tap_limits = [(r, sp.Integer(0), K - 1) for r, K in zip(rotated_taps, kernel, strict=True)]
    lhs = gradient("X")[tuple(data_axes(spec, i, channel, positions))]
    result = IndexFormula(
        lhs=lhs,
        rhs=sp.Sum(body, *channel_limits, *tap_limits),
        ranges=tuple(
            (x, sp.Integer(0), size - 1) for x, size in zip(lhs.indices, shapes["X"], strict=True)
        ),
        shapes={**shapes, "Dtilde": dilated_shape, "Wrot": w_shape},
    )
    return result, (dilated_formula, rotated_formula)


def _ranges(indices: Sequence[sp.Expr], shape: Sequence[sp.Expr]) -> tuple[Limit, ...]:
    return tuple((x, sp.Integer(0), size - 1) for x, size in zip(indices, shape, strict=True))


def conv_backward_formulas(form: ConvIndexForm) -> dict[str, IndexFormula]:
    """The stored backward of every argument: ``X`` (explicit range conditions), ``W`` and, with
    a bias, ``b``."""
    formulas = {"X": input_gradient(form), "W": weight_gradient(form)}
    if form.b is not None:
        formulas["b"] = bias_gradient(form)
    return formulas


# ----------------------------------------------------------------------------------------------
# Input rows no window reaches
# ----------------------------------------------------------------------------------------------
def reached_input_positions(
    size: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> tuple[int, ...]:
    """Input positions ``u = s j + d k − p`` some window reads (``0 ≤ j < O``, ``0 ≤ k < K``).

    >>> reached_input_positions(7, 2, stride=3)
    (0, 1, 3, 4)
    """
    count = (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1
    reached = {
        stride * j + dilation * k - padding for j in range(max(count, 0)) for k in range(kernel)
    }
    return tuple(sorted(u for u in reached if 0 <= u < size))


def unreached_input_positions(
    size: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> tuple[int, ...]:
    """Input positions no window reads: their gradient is zero whatever ∂J/∂Z is.

    They are the last ``max(0, a − p)`` positions, ``a = (i + 2p − d(k − 1) − 1) mod s`` (the
    windows stop short of the end), and, when ``s > d(k − 1) + 1``, the ``s − d(k − 1) − 1``
    positions skipped between consecutive windows — plus, with a dilation that shares a factor
    with the stride, positions that fall between the dilated taps of every window
    (:func:`skipped_between_windows`).

    >>> unreached_input_positions(7, 2, stride=3)
    (2, 5, 6)
    """
    reached = set(reached_input_positions(size, kernel, stride, padding, dilation))
    return tuple(u for u in range(size) if u not in reached)


def trailing_unreached_count(
    size: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> int:
    """``max(0, a − p)`` with ``a = (i + 2p − d(k − 1) − 1) mod s``: how many of the last input
    positions lie beyond the last window.

    >>> trailing_unreached_count(7, 2, stride=3)
    2
    """
    a = (size + 2 * padding - dilation * (kernel - 1) - 1) % stride
    return max(0, a - padding)


def skipped_between_windows(
    size: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> tuple[int, ...]:
    """Positions before the last window's end that no window reads: the gaps between windows
    when ``s > d(k − 1) + 1``, and the holes a dilation leaves that no other window fills.

    >>> skipped_between_windows(7, 2, stride=3)
    (2,)
    """
    count = (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1
    last = stride * (count - 1) + dilation * (kernel - 1) - padding
    unreached = unreached_input_positions(size, kernel, stride, padding, dilation)
    return tuple(u for u in unreached if u <= last)


__all__ = [
    "bias_gradient",
    "conv_backward_formulas",
    "input_gradient",
    "input_gradient_full_correlation",
    "reached_input_positions",
    "skipped_between_windows",
    "trailing_unreached_count",
    "unreached_input_positions",
    "weight_gradient",
]

"""A forward formula the document writes that is exactly a layer the engine knows.

A derivation starts by writing its layer in its own notation::

    x^{(l+1)}_{i,j,n} = \\sum^{f^l}_a \\sum^{f^l}_b \\sum^{n^l}_k
                        W^{(l)}_{abnk} y^{(l)}_{(i+a),(j+b),k} + b_n     (a convolution layer)
    x_j = \\sum_{i=1}^{s_l} W_{ji} y_i + b_j                    (a dense layer)

Such a line is a definition: an author may define any layer, so a formula that is no known layer
is never wrong. When it *is* one — exactly equal, as an index formula, to the engine's layer of
that kind in the document's own index layout — the line is confirmed, with what it is.

The layer is read off the formula's structure (:func:`layer_of`): the output's free indices, a
bias read at the output channel, and one product of two reads summed over the other indices. The
read whose axes are windows ``σ·j + δ·k + c`` (an output index and a summation index) is the
input; the other, read at bare indices, the weights. Each window gives the axis's stride σ,
dilation |δ|, operation (``+``: cross-correlation, as CNN libraries compute it; ``−``: a true
convolution) and padding; with no window the layer is dense. The engine's layer of that kind
(:func:`symconv.conv.forms.index_form_of`; the dense rule of :mod:`symconv.rules.conv`) is then
compared with the document's formula by the engine's comparator
(:func:`symconv.grad.compare.compare_index_formulas`) with each tensor's axes permuted into the
document's order. The structure only proposes; the comparison decides, and anything else leaves
the line a definition.

Indices are counted as the document counts them (:func:`~symconv.check.document_gradients.
index_bases`): a formula that writes only counts (``\\sum^{f^l}_a``) and declares no range is a
known layer only if it is one counting from 0 and from 1.

    >>> from symconv.check.api import check
    >>> doc = "$$z_{t,c} = \\\\sum_{m=0}^{K-1} \\\\sum_{d=0}^{D-1} v_{m,d,c} u_{t+m,d} + g_c$$\\n"
    >>> print(check(doc).judgements[0].message)  # doctest: +ELLIPSIS
    the forward pass of a 1-d convolution layer (cross-correlation as CNN libraries compute it, \
stride 1, no padding), input u[m + t, d], weights v[m, d, c], bias g[c]: equal ...
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import sympy as sp

from symconv.check.context import DocumentContext
from symconv.check.document_gradients import (
    Forward,
    definitions_before,
    engine_reading,
    forward_written_by,
    index_bases,
)
from symconv.check.judges.verdicts import right
from symconv.check.model import Claim, ClaimKind, Judgement
from symconv.errors import SymconvError

__all__ = ["KnownLayer", "judge_known_layer", "layer_of"]

#: Seconds for one comparison with the engine's layer.
_COMPARISON_SECONDS = 1.5


@dataclass(frozen=True)
class _Window:
    """An input axis read at ``stride·j + step·k + offset``: output index ``j``, tap ``k``."""

    output: sp.Symbol
    tap: sp.Symbol
    stride: sp.Expr
    step: sp.Expr
    offset: sp.Expr


@dataclass(frozen=True)
class KnownLayer:
    """A document's formula read as a layer: the engine's reference in the engine's names, the
    document's formula renamed to them (``candidate``), each tensor's axes permuted from the
    engine's order to the document's (``layouts``) and what the layer is (``description``)."""

    kind: str
    reference: Any
    candidate: tuple[sp.Indexed, sp.Expr]
    layouts: Mapping[str, tuple[int, ...]]
    #: The tensors in their roles: ``(("input", y), ("weights", W), ("bias", b))``.
    roles: tuple[tuple[str, sp.IndexedBase], ...] = ()

    def description(self, written: Mapping[Any, sp.Indexed] | None = None) -> str:
        """``a dense (fully connected) layer, input y[i], weights W[j, i], bias b[j]``, each
        tensor shown as ``written`` reads it (the document's own indices)."""
        shown = []
        for role, base in self.roles:
            read = (written or {}).get(base)
            shown.append(f"{role} {read if read is not None else base}")
        return ", ".join([self.kind, *shown])


def judge_known_layer(claim: Claim, context: DocumentContext) -> Judgement | None:
    """Right when the claim's forward formula is exactly a layer the engine knows; None for any
    other claim (a formula that is no known layer stays the definition it is)."""
    if claim.kind != ClaimKind.INDEX_FORMULA or claim.relation not in ("=", ":="):
        return None
    forward = forward_written_by(context, claim)
    if forward is None or forward.clash:
        return None
    # the ranges declared for this formula, also just after it ("where a ∈ [0, F)")
    everything = definitions_before(context, sys.maxsize).ranges
    ranges = tuple(r for r in everything if r.formula == forward.line)
    found: list[KnownLayer] = []
    for base in index_bases(forward, ranges):
        layer = _layer_at(forward, base)
        if layer is None:
            return None
        from symconv.grad.compare import compare_index_formulas

        seed = context.rng_for(claim.line, claim.text).randrange(2**31)
        comparison = compare_index_formulas(
            layer.candidate, layer.reference, seed=seed, layouts=layer.layouts, trials=3,
            max_size=3, time_budget=_COMPARISON_SECONDS,
        )  # fmt: skip
        if comparison.equal is not True:
            return None
        found.append(layer)
    if not found or len({layer.kind for layer in found}) != 1:
        return None
    counted = "" if len(found) == 1 else " (counting indices from 0 and from 1)"
    written = {read.base: read for read in (forward.lhs, *forward.rhs.atoms(sp.Indexed))}
    return right(
        claim, f"the forward pass of {found[0].description(written)}{counted}: equal to the "
        "engine's layer at every entry in 3 trials of random sizes",
    )  # fmt: skip


def _layer_at(forward: Forward, base: int) -> KnownLayer | None:
    from symconv.check.answer_formulas import open_sums

    try:  # a sum written without limits runs over the axis it reads (the kernel's taps)
        formula = engine_reading(forward.lhs, open_sums(forward.rhs), base)
    except SymconvError:
        return None
    return layer_of(formula.lhs, formula.rhs)


# ----------------------------------------------------------------------------------------------
# The layer a formula's structure proposes
# ----------------------------------------------------------------------------------------------
def layer_of(lhs: sp.Indexed, rhs: Any) -> KnownLayer | None:
    """The known layer ``lhs = rhs`` (indices counted from 0) has the structure of, with the
    engine's reference for it; None when it has none (see the module docstring)."""
    scalar = _scalar_bias(rhs)
    if scalar is not None:
        # a single-channel layer's bias, one number for every output: the layer plus it
        plain = layer_of(lhs, rhs - scalar)
        if plain is None or any(role == "bias" for role, _ in plain.roles):
            return None
        if "Z" not in plain.layouts or plain.layouts["Z"] != tuple(range(len(lhs.indices))):
            return None  # only a layer without channels takes a scalar bias
        named = sp.Symbol("b")
        reference = plain.reference
        from symconv.grad.formula import IndexFormula

        reference = IndexFormula(
            lhs=reference.lhs,
            rhs=reference.rhs + named,
            ranges=reference.ranges,
            shapes=reference.shapes,
        )
        candidate = (plain.candidate[0], plain.candidate[1] + named)
        roles = (*plain.roles, ("bias", scalar))
        return replace(plain, reference=reference, candidate=candidate, roles=roles)
    parts = _parts(rhs)
    if parts is None:
        return None
    bias, product, counts = parts
    summed = list(counts)
    free = list(lhs.indices)
    if not all(isinstance(i, sp.Symbol) for i in free) or len(set(free)) != len(free):
        return None
    first, second = product
    windows = [_windows(read, free, summed) for read in (first, second)]
    if windows[0] is None or windows[1] is None:
        return None
    if windows[0] and windows[1]:
        return None
    if windows[0] or windows[1]:
        data, weights = (first, second) if windows[0] else (second, first)
        spatial = windows[0] or windows[1]
        assert spatial is not None
        return _convolution(lhs, data, weights, bias, counts, spatial)
    return _dense(lhs, first, second, bias, summed)


def _scalar_bias(rhs: Any) -> sp.Symbol | None:
    """``b`` of ``Σ … u·v + b``: a name added alone (no entry, no size in a sum)."""
    if not isinstance(rhs, sp.Add):
        return None
    names = [t for t in rhs.args if isinstance(t, sp.Symbol)]
    if len(names) != 1 or len(rhs.args) != 2:
        return None
    limits = {
        s for node in sp.preorder_traversal(rhs) if isinstance(node, sp.Sum)
        for limit in node.limits for bound in limit[1:] for s in bound.free_symbols
    }  # fmt: skip
    return None if names[0] in limits else names[0]


def _parts(
    rhs: Any,
) -> tuple[sp.Indexed | None, tuple[sp.Indexed, sp.Indexed], dict[Any, sp.Expr]] | None:
    """``b[o] + Σ … u·v``: the bias read (or None), the two reads of the product and the summed
    indices, each with its count (summed from 0 to a size)."""
    if not isinstance(rhs, sp.Expr):
        return None
    bias = None
    product = None
    for term in sp.Add.make_args(rhs):
        if isinstance(term, sp.Indexed) and bias is None:
            bias = term
            continue
        if product is not None:
            return None
        product = term
    if product is None:
        return None
    summed: dict[Any, sp.Expr] = {}
    body = product
    while isinstance(body, sp.Sum):
        for index, low, high in body.limits:
            if low != 0 or not isinstance(high, sp.Expr) or high.has(sp.Indexed) or index in summed:
                return None
            summed[index] = sp.expand(high + 1)
        body = body.function
    factors = sp.Mul.make_args(body)
    if len(factors) != 2 or not all(isinstance(f, sp.Indexed) for f in factors):
        return None
    if bias is not None and (len(bias.indices) != 1 or not isinstance(bias.indices[0], sp.Symbol)):
        return None
    return bias, (factors[0], factors[1]), summed


def _windows(read: sp.Indexed, free: Sequence[Any], summed: Sequence[Any]) -> list[_Window] | None:
    """The window axes of a read (an output index and a summation index), [] when every axis is
    a bare index, None when an axis is neither."""
    found = []
    for position in read.indices:
        if position in free or position in summed:
            continue
        expression = sp.expand(position)
        outputs = [i for i in free if expression.has(i)]
        taps = [k for k in summed if expression.has(k)]
        if len(outputs) != 1 or len(taps) != 1:
            return None
        output, tap = outputs[0], taps[0]
        stride, step = expression.coeff(output), expression.coeff(tap)
        offset = sp.expand(expression - stride * output - step * tap)
        if any(e.has(*free, *summed) for e in (stride, step, offset)):
            return None
        if not (_positive(stride) and (_positive(step) or _positive(-step))):
            return None
        if not (offset.is_Integer or not offset.is_number):
            return None
        found.append(_Window(output, tap, stride, step, offset))
    return found


def _positive(value: sp.Expr) -> bool:
    """A positive integer, or a size (a symbol: strides and dilations are positive)."""
    if value.is_number:
        return bool(value.is_Integer and value > 0)
    return isinstance(value, sp.Symbol)


def _roles_of_reads(
    free: Sequence[Any],
    summed: Sequence[Any],
    data: sp.Indexed,
    weights: sp.Indexed,
    bias: sp.Indexed | None,
    taps: Sequence[Any],
) -> tuple[Any, Any, Any] | None:
    """``(batch, out, in)`` indices (each or None): the output channel is the free index the
    weights read (the bias's index too), the input channel the summed index both read bare, a
    batch a free index the data reads bare and the weights do not."""
    weight_indices = list(weights.indices)
    data_bare = [i for i in data.indices if i in free or i in summed]
    outs = [i for i in weight_indices if i in free]
    ins = [i for i in weight_indices if i in summed and i not in taps]
    batches = [i for i in data_bare if i in free and i not in weight_indices]
    if len(outs) > 1 or len(ins) > 1 or len(batches) > 1:
        return None
    out = outs[0] if outs else None
    inp = ins[0] if ins else None
    if inp is not None and inp not in data_bare:
        return None
    if bias is not None and (out is None or bias.indices[0] != out):
        return None
    if set(weight_indices) != {i for i in (out, inp, *taps) if i is not None}:
        return None
    if len(weight_indices) != len(set(weight_indices)):
        return None
    if set(summed) != {i for i in (inp, *taps) if i is not None}:
        return None
    return (batches[0] if batches else None), out, inp


def _permutation(written: Sequence[Any], engine: Sequence[Any]) -> tuple[int, ...] | None:
    """Axis r of the document's tensor is axis ``perm[r]`` of the engine's (both lists of
    roles); None when they are not the same roles."""
    if sorted(map(str, written)) != sorted(map(str, engine)) or len(written) != len(engine):
        return None
    try:
        return tuple(list(engine).index(role) for role in written)
    except ValueError:
        return None


def _convolution(
    lhs: sp.Indexed,
    data: sp.Indexed,
    weights: sp.Indexed,
    bias: sp.Indexed | None,
    counts: Mapping[Any, sp.Expr],
    windows: Sequence[_Window],
) -> KnownLayer | None:
    from symconv.conv.forms import index_form_of
    from symconv.conv.geometry import ConvSpec
    from symconv.grad.formula import as_index_formula

    free = list(lhs.indices)
    summed = list(counts)
    dims = len(windows)
    taps = [w.tap for w in windows]
    outputs = [w.output for w in windows]
    if dims > 3 or len(set(taps)) != dims or len(set(outputs)) != dims:
        return None
    roles = _roles_of_reads(free, summed, data, weights, bias, taps)
    if roles is None:
        return None
    batch, out, inp = roles
    if (out is None) != (inp is None) or (bias is not None and out is None):
        return None
    if set(free) != {i for i in (batch, out, *outputs) if i is not None}:
        return None
    ops: set[Literal["correlation", "convolution"]] = {
        "correlation" if _positive(w.step) else "convolution" for w in windows
    }
    if len(ops) != 1:
        return None
    op = ops.pop()
    kernel = [sp.Symbol(f"K_{t + 1}", integer=True, positive=True) for t in range(dims)]
    padding = []
    for window, size in zip(windows, kernel, strict=True):
        step = abs(window.step) if window.step.is_number else window.step
        # correlation: s·j + d·k − p; convolution: s·j + d·(K − 1 − k) − p
        before = -window.offset if op == "correlation" else step * (size - 1) - window.offset
        if before.is_number and before < 0:
            return None
        padding.append((before, before))
    try:
        spec = ConvSpec.make(
            kernel,
            dims=dims,
            batch=batch is not None,
            channels=out is not None,
            stride=[w.stride for w in windows],
            dilation=[abs(w.step) if w.step.is_number else w.step for w in windows],
            padding=padding,
            op=op,
        )
        form = index_form_of(spec, bias=bias is not None)
        reference = as_index_formula(form)
    except SymconvError:
        return None
    # roles of the engine's axes (NCHW, OIHW) and of the document's
    spatial = [("spatial", t) for t in range(dims)]
    tap_roles = [("tap", t) for t in range(dims)]
    engine_z = [r for r in (("batch",) if batch is not None else None,
                            ("out",) if out is not None else None) if r] + spatial  # fmt: skip
    engine_x = [r for r in (("batch",) if batch is not None else None,
                            ("in",) if inp is not None else None) if r] + spatial  # fmt: skip
    engine_w = [r for r in (("out",) if out is not None else None,
                            ("in",) if inp is not None else None) if r] + tap_roles  # fmt: skip
    by_index: dict[Any, tuple[Any, ...]] = {}
    for t, window in enumerate(windows):
        by_index[window.output] = ("spatial", t)
        by_index[window.tap] = ("tap", t)
    for index, role in ((batch, ("batch",)), (out, ("out",)), (inp, ("in",))):
        if index is not None:
            by_index[index] = role
    written_z = [by_index.get(i) for i in lhs.indices]
    written_w = [by_index.get(i) for i in weights.indices]
    written_x = []
    spatial_axes = iter(range(dims))
    for position in data.indices:
        if position in by_index:
            written_x.append(by_index[position])
        else:
            written_x.append(("spatial", next(spatial_axes)))
    layouts = {
        "Z": _permutation(written_z, engine_z),
        "X": _permutation(written_x, engine_x),
        "W": _permutation(written_w, engine_w),
    }
    if any(p is None for p in layouts.values()):
        return None
    names = {lhs.base: "Z", data.base: "X", weights.base: "W"}
    if bias is not None:
        names[bias.base] = "b"
    candidate = _renamed(lhs, bias, weights, data, summed, names)
    if candidate is None:
        return None
    kind = "convolution layer" if dims == 2 else f"{dims}-d convolution layer"
    if op == "correlation":
        operation = "cross-correlation as CNN libraries compute it"
    else:
        operation = "a true convolution: the kernel flipped"
    # the padding in the document's sizes: K_t is the count of the sum over tap t
    written = {size: counts[w.tap] for size, w in zip(kernel, windows, strict=True)}
    geometry = _geometry(windows, [(sp.expand(p.xreplace(written)), a) for p, a in padding])
    return KnownLayer(
        f"a {kind} ({operation}, {geometry})",
        reference,
        candidate,
        {name: perm for name, perm in layouts.items() if perm is not None},
        _roles(data, weights, bias),
    )


def _roles(
    data: sp.Indexed, weights: sp.Indexed, bias: sp.Indexed | None
) -> tuple[tuple[str, sp.IndexedBase], ...]:
    found = [("input", data.base), ("weights", weights.base)]
    return tuple(found + ([("bias", bias.base)] if bias is not None else []))


def _geometry(windows: Sequence[_Window], padding: Sequence[tuple[Any, Any]]) -> str:
    strides = {str(w.stride) for w in windows}
    steps = {str(abs(w.step)) if w.step.is_number else str(w.step) for w in windows}
    pads = {str(p[0]) for p in padding}
    words = [f"stride {', '.join(sorted(strides))}"]
    if steps != {"1"}:
        words.append(f"dilation {', '.join(sorted(steps))}")
    words.append("no padding" if pads == {"0"} else f"padding {', '.join(sorted(pads))}")
    return ", ".join(words)


def _renamed(
    lhs: sp.Indexed,
    bias: sp.Indexed | None,
    weights: sp.Indexed,
    data: sp.Indexed,
    summed: Sequence[Any],
    names: Mapping[Any, str],
) -> tuple[sp.Indexed, sp.Expr] | None:
    """The document's formula with the engine's tensor names, its sums opened (their ranges
    read from the tensors: a sum over a kernel's taps runs over the kernel's axis)."""
    from symconv.grad.formula import open_sum

    if len(set(names.values())) != len(names):
        return None  # one tensor in two roles

    def entry(read: sp.Indexed) -> sp.Indexed:
        return sp.IndexedBase(names[read.base])[read.indices]

    body = open_sum(entry(weights) * entry(data), *summed)
    rhs = body + entry(bias) if bias is not None else body
    return entry(lhs), rhs


def _dense(
    lhs: sp.Indexed,
    first: sp.Indexed,
    second: sp.Indexed,
    bias: sp.Indexed | None,
    summed: Sequence[Any],
) -> KnownLayer | None:
    """``Y[(i,) o] = b[o] + Σ_k W[o, k] X[(i,) k]``: the engine's dense rule, with or without
    its batch axis, the weights' axes in either order."""
    from symconv.rules.table import get_rule

    free = list(lhs.indices)
    if len(summed) != 1:
        return None
    candidates = [(first, second), (second, first)]
    for weights, data in candidates:
        roles = _roles_of_reads(free, summed, data, weights, bias, ())
        if roles is None:
            continue
        batch, out, inp = roles
        if out is None or inp is None or set(free) != {i for i in (batch, out) if i is not None}:
            continue
        if bias is None and any(i in free for i in data.indices):
            continue  # no bias to tell the weights from the data
        rule = get_rule("dense").forward_formula
        reference = rule if batch is not None else _without_batch(rule)
        engine_y = (["batch"] if batch is not None else []) + ["out"]
        engine_x = (["batch"] if batch is not None else []) + ["in"]
        by_index = {out: "out", inp: "in"}
        if batch is not None:
            by_index[batch] = "batch"
        layouts = {
            "Y": _permutation([by_index.get(i) for i in lhs.indices], engine_y),
            "X": _permutation([by_index.get(i) for i in data.indices], engine_x),
            "W": _permutation([by_index.get(i) for i in weights.indices], ["out", "in"]),
        }
        if any(p is None for p in layouts.values()):
            continue
        names = {lhs.base: "Y", data.base: "X", weights.base: "W"}
        if bias is not None:
            names[bias.base] = "b"
        candidate = _renamed(lhs, bias, weights, data, summed, names)
        if candidate is None:
            continue
        return KnownLayer(
            "a dense (fully connected) layer",
            reference,
            candidate,
            {name: perm for name, perm in layouts.items() if perm is not None},
            _roles(data, weights, bias),
        )
    return None


def _without_batch(formula: Any) -> Any:
    """The dense rule ``Y[i, o] = b[o] + Σ_k W[o, k] X[i, k]`` for one sample: ``Y[o] = b[o] +
    Σ_k W[o, k] X[k]`` (the batch axis, the first of Y and X, dropped)."""
    from symconv.grad.formula import IndexFormula

    batch = formula.lhs.indices[0]

    def dropped(read: sp.Indexed) -> sp.Indexed:
        kept = tuple(i for i in read.indices if i != batch)
        return read.base[kept]

    lhs = dropped(formula.lhs)
    rhs = formula.rhs.replace(lambda n: isinstance(n, sp.Indexed), dropped)
    shapes = {
        name: (sizes[1:] if name in ("X", "Y") else sizes) for name, sizes in formula.shapes.items()
    }
    ranges = tuple(r for r in formula.ranges if r[0] != batch)
    return IndexFormula(lhs=lhs, rhs=rhs, ranges=ranges, shapes=shapes)

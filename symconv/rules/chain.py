"""The chain API: compose layers of the rule table into a network (:func:`compose`) and get
every gradient in index form, as a :class:`~symconv.core.derivation.Derivation` whose steps are the
chain rule written out, layer by layer — and the same network as NumPy forward and backward
passes.

Each layer is a rule (:mod:`symconv.rules`) whose tensors are given network names: the data
flows ``X → Z1 → U2 → …`` and each layer's parameters are numbered (``W1``, ``b1``, ``W5``…).
Sizes are unified along the chain — the next layer's input sizes *are* the previous layer's
output sizes — and a layer's own sizes that clash with an earlier layer's get its number
(``K^{(3)}_{1}``). Backpropagation is then the chain rule applied layer by layer (Goodfellow et
al. 2016, §6.5.6, algorithm 6.4): the gradient with respect to a parameter of layer n is the
layer's rule, fed the gradient of its output, which is the next layer's rule, fed the gradient
of *its* output, … down to the loss, ``∂J/∂L[i] = 1/N`` (batch mean) or ``1`` (sum).

    >>> net = small_cnn()
    >>> [layer.label for layer in net.layers]
    ['conv', 'sigmoid', 'avg_pool', 'flatten', 'dense', 'softmax_cross_entropy']
    >>> d = net.gradient("W1")
    >>> [str(step.lhs) for step in d.steps]  # doctest: +NORMALIZE_WHITESPACE
    ['∂J/∂W1[m, n, k_1, k_2]', '∂J/∂Z1[i, c, h, w]', '∂J/∂U2[i, c, u_1, u_2]',
     '∂J/∂Y3[i, c, h, w]', '∂J/∂F4[i, k]', '∂J/∂Y5[i, c]', '∂J/∂L[i]']
    >>> d.check().passed
    True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
import sympy as sp

from symconv.core.derivation import CheckResult, Derivation, Step
from symconv.core.latex import Notation, latex
from symconv.core.safe import as_sympy
from symconv.errors import ConventionError, ShapeError
from symconv.export import ExportedLayer
from symconv.grad.formula import IndexFormula, tensor_name
from symconv.grad.notation import gradient_base
from symconv.rules.forms import rename
from symconv.rules.table import Rule, substitute

Reduction = Literal["mean", "sum"]

#: Names a rule may give its data input, in the order they are looked for.
DATA_ROLES = ("X", "Z", "Y", "F", "A")


def data_input(rule: Rule) -> str:
    """The tensor of ``rule`` that carries the data (the previous layer's output)."""
    inputs = rule.forward_formula.tensors
    for role in DATA_ROLES:
        if role in inputs and role in rule.arguments:
            return role
    raise ConventionError(f"rule {rule.name}: no data input among {list(inputs)}")


@dataclass(frozen=True)
class ChainLayer:
    """One layer of a :class:`Network`: a rule, the network name of each of its tensors
    (inputs, output and definitions), the values of its parameters and a label."""

    rule: Rule
    names: Mapping[str, str]
    values: Mapping[str, Any] = field(default_factory=dict)
    label: str = ""

    @property
    def output(self) -> str:
        return self.names[self.rule.output]

    @property
    def data(self) -> str:
        return self.names[data_input(self.rule)]

    @cached_property
    def exported(self) -> ExportedLayer:
        """The rule's generated NumPy passes (in the rule's own names)."""
        return self.rule.export(self.values)


class Network:
    """Layers applied in order, ending with a per-sample loss ``L[i]`` (see the module
    docstring). ``reduction`` is how ``J`` is made from ``L``: the batch mean or the sum."""

    def __init__(
        self,
        layers: Sequence[ChainLayer],
        *,
        reduction: Reduction = "mean",
        example: Mapping[str, int] | None = None,
    ) -> None:
        if not layers:
            raise ShapeError("a network needs at least one layer")
        if reduction not in ("mean", "sum"):
            raise ConventionError(f"reduction={reduction!r}: expected 'mean' or 'sum'")
        self.layers = tuple(layers)
        self.reduction = reduction
        self.example = dict(example or {})
        self._bind()

    # -- sizes and names -----------------------------------------------------------------------
    def _bind(self) -> None:
        """Unify sizes along the chain and rename clashing ones (module docstring)."""
        shapes: dict[str, tuple[sp.Expr, ...]] = {}
        used: dict[str, sp.Symbol] = {}
        self.bound: list[dict[str, IndexFormula]] = []
        self.size_maps: list[dict[sp.Symbol, sp.Expr]] = []
        for position, layer in enumerate(self.layers, start=1):
            rule = layer.rule
            forward = rule.forward_formula
            mapping: dict[sp.Symbol, sp.Expr] = {}
            for role in forward.tensors:
                network_name = layer.names[role]
                if network_name not in shapes:
                    continue
                if len(forward.shapes[role]) != len(shapes[network_name]):
                    raise ShapeError(
                        f"layer {position} ({layer.label}): {network_name} has "
                        f"{len(shapes[network_name])} axes {shapes[network_name]}, but "
                        f"{rule.name} reads {role} with {len(forward.shapes[role])} axes "
                        f"{forward.shapes[role]}"
                    )
                for axis, (mine, theirs) in enumerate(
                    zip(forward.shapes[role], shapes[network_name], strict=True)
                ):
                    mine = as_sympy(mine).xreplace(mapping)
                    if isinstance(mine, sp.Symbol) and mine.is_positive:
                        mapping[mine] = theirs
                    elif sp.simplify(mine - theirs) != 0:
                        raise ShapeError(
                            f"layer {position} ({layer.label}): axis {axis} of {network_name} is "
                            f"{theirs} from the layer before, but {rule.name} needs {mine}"
                        )
            values = {
                s: as_sympy(layer.values[s.name]) for s in _free(rule) if s.name in layer.values
            }
            for symbol in sorted(_free(rule), key=str):
                if symbol in mapping or symbol in values:
                    continue
                if symbol.name in used:
                    renamed = sp.Symbol(f"{symbol.name}^({position})", **symbol.assumptions0)
                    mapping[symbol] = renamed
                else:
                    used[symbol.name] = symbol
            for symbol in mapping.values():
                for inner in as_sympy(symbol).free_symbols:
                    used.setdefault(inner.name, inner)
            full = {**mapping, **values}
            tensor_map = dict(layer.names)
            formulas = {"forward": self._rename(forward, tensor_map, full)}
            for wrt in rule.arguments:
                formulas[wrt] = self._rename(rule.backward_formula(wrt), tensor_map, full)
            self.bound.append(formulas)
            self.size_maps.append(full)
            out = formulas["forward"]
            shapes[layer.output] = tuple(hi - lo + 1 for _, lo, hi in out.ranges)
            for role in forward.tensors:
                shapes.setdefault(
                    layer.names[role],
                    tuple(as_sympy(v).xreplace(full) for v in forward.shapes[role]),
                )
        self.shapes = shapes

    @staticmethod
    def _rename(
        formula: IndexFormula, names: Mapping[str, str], sizes: Mapping[sp.Symbol, sp.Expr]
    ) -> IndexFormula:
        return substitute(rename(formula, names), sizes)

    @property
    def loss(self) -> str:
        return self.layers[-1].output

    @property
    def tensors(self) -> tuple[str, ...]:
        """The network's inputs: data, parameters and targets (everything no layer computes)."""
        computed = {layer.output for layer in self.layers}
        found: list[str] = []
        for layer in self.layers:
            for role in layer.rule.forward_formula.tensors:
                name = layer.names[role]
                if name not in computed and name not in found:
                    found.append(name)
        return tuple(found)

    @property
    def differentiable(self) -> tuple[str, ...]:
        """Inputs with a gradient (every input some layer differentiates)."""
        result = []
        for layer in self.layers:
            for role in layer.rule.arguments:
                name = layer.names[role]
                if name in self.tensors and name not in result:
                    result.append(name)
        return tuple(result)

    def _layer_of(self, name: str) -> int:
        for position, layer in enumerate(self.layers):
            if any(layer.names[r] == name for r in layer.rule.arguments):
                return position
        raise ConventionError(f"no layer differentiates {name!r}; the network has {self.tensors}")

    # -- derivations ---------------------------------------------------------------------------
    def gradient(self, name: str, *, notation: Notation = "bracket") -> Derivation:
        """``∂J/∂name`` as the chain rule written out: the rule of the layer that reads ``name``,
        then, for each later layer, the gradient of its input from the gradient of its output,
        down to ``∂J/∂L``."""
        start = self._layer_of(name)
        steps: list[Step] = []
        layer = self.layers[start]
        role = next(r for r in layer.rule.arguments if layer.names[r] == name)
        formula = self.bound[start][role]
        steps.append(
            Step(
                formula.lhs,
                formula.rhs,
                "=",
                f"layer {start + 1} ({layer.label}): {layer.rule.title}, backward for {role}",
            )
        )
        for position in range(start + 1, len(self.layers)):
            later = self.layers[position]
            data = data_input(later.rule)
            formula = self.bound[position][data]
            steps.append(
                Step(
                    formula.lhs,
                    formula.rhs,
                    "=",
                    f"chain rule through layer {position + 1} ({later.label}): {later.rule.title}",
                )
            )
        loss = gradient_base("J", self.loss)
        i = sp.Symbol("i", integer=True)
        batch = self.shapes[self.loss][0]
        seed = sp.Integer(1) / batch if self.reduction == "mean" else sp.Integer(1)
        how = "J = (1/N) sum_i L[i]" if self.reduction == "mean" else "J = sum_i L[i]"
        steps.append(Step(loss[i], seed, "=", how))
        first = steps[0]
        conventions = [
            "each line is one layer's backward rule; the gradient on its right side is the "
            "left side of the next line",
            f"{how}: the batch {'mean' if self.reduction == 'mean' else 'sum'} of the "
            "per-sample loss",
        ]
        for layer_ in self.layers[start:]:
            conventions += [c for c in layer_.rule.conventions if c not in conventions]
        return Derivation(
            title=f"∂J/∂{name} through the network (chain rule, layer by layer)",
            steps=tuple(steps),
            answer=first.rhs,
            answer_lhs=first.lhs,
            conventions=tuple(conventions),
            checks=(self._gradient_check(name),),
            notation=notation,
            details={"network": self, "layer": start},
        )

    def gradients(self, *, notation: Notation = "bracket") -> dict[str, Derivation]:
        """:meth:`gradient` for every differentiable input (data and parameters)."""
        return {name: self.gradient(name, notation=notation) for name in self.differentiable}

    def latex(self, notation: Notation = "bracket") -> str:
        """The forward pass, one layer per line."""
        rows = []
        for position, (layer, formulas) in enumerate(zip(self.layers, self.bound, strict=True)):
            forward = formulas["forward"]
            lhs = latex(forward.lhs, notation=notation)
            rhs = latex(forward.rhs, notation=notation)
            label = layer.label.replace("_", r"\_")
            rows.append(f"{lhs} &= {rhs} && \\text{{{position + 1}: {label}}}")
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    # -- numbers -------------------------------------------------------------------------------
    def forward(self, arrays: Mapping[str, Any]) -> dict[str, np.ndarray]:
        """Every tensor of the network, inputs and computed, from the inputs ``arrays``."""
        values = {name: np.asarray(value) for name, value in arrays.items()}
        missing = [name for name in self.tensors if name not in values]
        if missing:
            raise ShapeError(f"missing inputs {missing} (the network takes {list(self.tensors)})")
        for layer in self.layers:
            roles = layer.rule.forward_formula.tensors
            named = {role: values[layer.names[role]] for role in roles}
            values[layer.output] = layer.exported.forward(**named)
        return values

    def objective(self, arrays: Mapping[str, Any]) -> float:
        """``J``: the mean (or sum) of the per-sample loss."""
        losses = self.forward(arrays)[self.loss]
        return float(np.mean(losses) if self.reduction == "mean" else np.sum(losses))

    def backward(self, arrays: Mapping[str, Any]) -> dict[str, np.ndarray]:
        """``∂J/∂t`` for every tensor t of the network (backpropagation with the rules' generated
        backward passes)."""
        values = self.forward(arrays)
        losses = values[self.loss]
        scale = 1.0 / losses.shape[0] if self.reduction == "mean" else 1.0
        grads: dict[str, np.ndarray] = {self.loss: np.full(losses.shape, scale)}
        for layer in reversed(self.layers):
            if layer.output not in grads:
                continue
            roles = layer.rule.forward_formula.tensors
            named = {role: values[layer.names[role]] for role in roles}
            result = layer.exported.backward(grads[layer.output], **named)
            for role, gradient in result.items():
                target = layer.names[role]
                grads[target] = grads[target] + gradient if target in grads else gradient
        return grads

    def example_arrays(self, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """Random inputs at the sizes of ``example`` (targets are probability rows)."""
        arrays: dict[str, np.ndarray] = {}
        for name in self.tensors:
            shape = self._concrete_shape(name)
            if self._is_target(name):
                values = rng.random(shape) + 0.1
                arrays[name] = values / values.sum(axis=-1, keepdims=True)
            else:
                arrays[name] = rng.standard_normal(shape)
        return arrays

    def _is_target(self, name: str) -> bool:
        return any(
            layer.names.get("T") == name and "T" not in layer.rule.arguments
            for layer in self.layers
        )

    def _concrete_shape(self, name: str) -> tuple[int, ...]:
        shape = []
        for size in self.shapes[name]:
            expr = as_sympy(size)
            known = {
                s: sp.Integer(self.example[s.name])
                for s in expr.free_symbols
                if s.name in self.example
            }
            value = expr.xreplace(known)
            if not value.is_Integer:
                raise ShapeError(
                    f"{name}: size {size} needs values for {sorted(map(str, value.free_symbols))} "
                    "in the network's example sizes"
                )
            shape.append(int(value))
        return tuple(shape)

    def _gradient_check(self, name: str) -> Any:
        def check(rng: np.random.Generator) -> CheckResult:
            from symconv.core.gradcheck import check_gradient

            if not self.example:
                return CheckResult(
                    f"∂J/∂{name} vs central differences", True, "no example sizes: not run"
                )
            arrays = self.example_arrays(rng)
            gradient = self.backward(arrays)[name]

            def objective(point: np.ndarray) -> float:
                return self.objective({**arrays, name: point})

            result = check_gradient(
                objective, arrays[name], gradient, seed=int(rng.integers(2**31))
            )
            return CheckResult(
                f"∂J/∂{name} through the network vs central differences",
                result.passed,
                result.detail,
            )

        return check


def _free(rule: Rule) -> set[sp.Symbol]:
    """Sizes and parameters of every formula of ``rule``."""
    found: set[sp.Symbol] = set()
    formulas = [rule.forward_formula, *rule.definition_formulas]
    formulas += [rule.backward_formula(w) for w in rule.arguments]
    for formula in formulas:
        found |= set(formula.size_symbols) | set(formula.parameters)
    return found


def compose(
    *layers: Rule | tuple[Rule, Mapping[str, Any]],
    reduction: Reduction = "mean",
    example: Mapping[str, int] | None = None,
    labels: Sequence[str] | None = None,
) -> Network:
    """A :class:`Network` from rules in order, each optionally with the values of its
    parameters (``(rule, {"s": 2})``). Names: the first layer's data input keeps its name
    (``X``), a target keeps ``T``, the last output is ``L``; layer n's output is its rule's
    output name with n appended (``Z1``), its parameters too (``W1``, ``b1``), and its
    definitions likewise."""
    built: list[ChainLayer] = []
    previous: str | None = None
    for position, item in enumerate(layers, start=1):
        rule, values = item if isinstance(item, tuple) else (item, {})
        data = data_input(rule)
        names: dict[str, str] = {}
        for role in rule.forward_formula.tensors:
            if role == data:
                names[role] = previous if previous is not None else role
            elif role == "T" and role not in rule.arguments:
                names[role] = "T"
            else:
                names[role] = f"{role}{position}"
        last = position == len(layers)
        names[rule.output] = "L" if last else f"{rule.output}{position}"
        for definition in rule.definition_formulas:
            defined = tensor_name(definition.output)
            names.setdefault(defined, f"{defined}{position}")
        label = labels[position - 1] if labels else rule.name
        built.append(ChainLayer(rule=rule, names=names, values=dict(values), label=label))
        previous = names[rule.output]
    return Network(built, reduction=reduction, example=example)


def small_cnn(
    *,
    kernel: int = 2,
    pool: int = 2,
    classes: int = 3,
    example: Mapping[str, int] | None = None,
) -> Network:
    """The network of the issue: conv → sigmoid → average pool → flatten → dense →
    softmax + cross-entropy, NCHW, with a ``kernel × kernel`` convolution, a ``pool × pool``
    average pooling of stride ``pool`` and ``classes`` outputs. Sizes stay symbolic in the
    derivations; ``example`` (default: a 2-sample batch of 1-channel 5×5 images, 2 filters)
    fixes them for the numeric checks."""
    from symconv.rules import get_rule
    from symconv.rules.activations import pointwise_rule
    from symconv.rules.conv import conv_rule

    conv = conv_rule(dims=2, kernel_size=(kernel, kernel), name="conv", title="Convolution")
    sizes = {"N": 2, "C": 1, "M": 2, "I_1": 5, "I_2": 5}
    return compose(
        conv,
        pointwise_rule("sigmoid", 4),
        (get_rule("avg_pool2d"), {"K_1": pool, "K_2": pool, "s": pool}),
        get_rule("flatten"),
        (get_rule("dense"), {"O": classes}),
        get_rule("softmax_cross_entropy"),
        example=example if example is not None else sizes,
        labels=["conv", "sigmoid", "avg_pool", "flatten", "dense", "softmax_cross_entropy"],
    )


__all__ = ["ChainLayer", "Network", "compose", "data_input", "small_cnn"]

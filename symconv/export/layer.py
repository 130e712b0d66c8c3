"""A derived layer exported as code: NumPy ``forward``/``backward`` functions, a module's source,
and (where PyTorch is installed) a ``torch.autograd.Function`` whose backward is the derived
formula.

Any layer with an index-form forward and index-form backward passes can be exported: a rule of
the table (:mod:`symconv.rules`), the result of :func:`symconv.grad.differentiate.derive_backward`
(or a dict from ``derive_gradients``), or a forward formula alone (every tensor it reads is then
differentiated). Each formula is compiled by :mod:`symconv.export.compiler`: contractions and
convolutions become gathers (sliding windows) and one ``np.einsum``, pointwise layers array
arithmetic.

    >>> import numpy as np
    >>> layer = export_layer("Y[i,o] = b[o] + sum_k W[o,k] X[i,k]")
    >>> layer.inputs, layer.differentiable
    (('b', 'W', 'X'), ('b', 'W', 'X'))
    >>> x, w, b = np.array([[1.0, 2.0]]), np.array([[1.0, 0.0], [0.0, -1.0]]), np.zeros(2)
    >>> layer.forward(b=b, W=w, X=x)
    array([[ 1., -2.]])
    >>> grads = layer.backward(np.array([[1.0, 1.0]]), b=b, W=w, X=x)
    >>> grads["X"], grads["W"]
    (array([[ 1., -1.]]), array([[1., 2.],
           [1., 2.]]))
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import sympy as sp

from symconv.core.safe import as_sympy
from symconv.errors import ShapeError, UnsupportedError
from symconv.export import runtime
from symconv.export.compiler import Program, compile_formula, python_name
from symconv.grad.formula import IndexFormula, tensor_name
from symconv.grad.notation import gradient_base, gradient_label, split_gradient_label


@runtime_checkable
class DerivedLayer(Protocol):
    """What export needs of a layer: its forward formula, one backward formula per argument, and
    the tensors the backward formulas read that the forward computes (``U`` in ``U(1 − U)``)."""

    @property
    def forward_formula(self) -> IndexFormula: ...

    def backward_formulas(self) -> Mapping[str, IndexFormula]: ...

    @property
    def definition_formulas(self) -> tuple[IndexFormula, ...]: ...


@dataclass(frozen=True)
class ExportedLayer:
    """A layer's generated NumPy passes (see the module docstring).

    ``inputs`` are the forward's tensors in argument order, ``differentiable`` the tensors with a
    backward pass; ``values`` binds the parameters (stride ``s``, ``ε``...) the shapes do not
    decide.
    """

    name: str
    forward_formula: IndexFormula
    inputs: tuple[str, ...]
    upstream: str
    forward_program: Program
    backward_programs: Mapping[str, Program]
    definitions: tuple[tuple[str, Program], ...] = ()
    values: Mapping[str, int | float] = field(default_factory=dict)

    def __repr__(self) -> str:
        """One line: the layer, its forward and its backward passes (not the generated code).

        >>> from symconv.export import export_layer
        >>> export_layer("y[i] = sum(w[k] * x[i + k])")
        ExportedLayer(y[i] = sum(w[k] * x[i + k]); backward for w, x; upstream ∂J/∂y)
        """
        backward = ", ".join(self.differentiable) or "none"
        return (
            f"ExportedLayer({self.forward_formula}; backward for {backward}; "
            f"upstream {self.upstream})"
        )

    @property
    def output(self) -> str:
        return tensor_name(self.forward_formula.output)

    @property
    def differentiable(self) -> tuple[str, ...]:
        return tuple(self.backward_programs)

    # -- running -----------------------------------------------------------------------------
    def _tensors(self, arrays: Sequence[Any], named: Mapping[str, Any]) -> dict[str, Any]:
        if len(arrays) > len(self.inputs):
            raise ShapeError(
                f"{self.name}: {len(arrays)} arrays given; the layer takes {list(self.inputs)}"
            )
        tensors = dict(zip(self.inputs, arrays, strict=False))
        tensors.update(named)
        missing = [name for name in self.inputs if name not in tensors]
        if missing:
            raise ShapeError(
                f"{self.name}: missing {missing} (the layer takes {list(self.inputs)})"
            )
        return {name: np.asarray(value) for name, value in tensors.items()}

    def forward(self, *arrays: Any, **named: Any) -> np.ndarray:
        """The forward pass on NumPy arrays (positional in ``inputs`` order, or by name)."""
        return self.forward_program(self._tensors(arrays, named), self.values)

    def backward(self, grad_output: Any, *arrays: Any, **named: Any) -> dict[str, np.ndarray]:
        """``{name: ∂J/∂name}`` for every differentiable input, given ``grad_output = ∂J/∂out``."""
        tensors = self._tensors(arrays, named)
        for name, program in self.definitions:
            tensors[name] = program(tensors, self.values)
        tensors[self.upstream] = np.asarray(grad_output)
        return {
            name: program(tensors, self.values) for name, program in self.backward_programs.items()
        }

    # -- source ------------------------------------------------------------------------------
    def argument_names(self) -> dict[str, str]:
        """The Python name of each tensor in the exported module (``∂J/∂Z`` → ``dJ_dZ``)."""
        names: dict[str, str] = {}
        taken: set[str] = {"np", "forward", "backward"}
        for tensor in (*self.inputs, *(n for n, _ in self.definitions), self.upstream):
            names[tensor] = python_name(tensor, taken)
        return names

    @property
    def upstream_argument(self) -> str:
        """The exported ``backward``'s argument for the upstream gradient."""
        return self.argument_names()[self.upstream]

    def source(self) -> str:
        """A standalone Python module (NumPy only) with ``forward`` and ``backward``."""
        names = self.argument_names()
        header = [
            f'"""NumPy passes of the layer {self.name}, generated by symconv.export.',
            "",
            f"Forward:  {_plain(self.forward_formula)}",
        ]
        for wrt, program in self.backward_programs.items():
            header.append(f"Backward ({wrt}): {_plain(program.formula)}")
        for name, program in self.definitions:
            header.append(f"where {name} is computed as {_plain(program.formula)}")
        header += [
            "",
            "Entries outside a tensor read as zero; indices are 0-based.",
            '"""',
            "",
            "from typing import Any",
            "",
            "import numpy as np",
            "",
            f"VALUES = {dict(self.values)!r}",
            "",
        ]
        parts = ["\n".join(header)]
        parts += [inspect.getsource(helper) for helper in runtime.HELPERS]
        functions: list[tuple[str, Program]] = [("_forward", self.forward_program)]
        functions += [(f"_definition_{names[n]}", p) for n, p in self.definitions]
        functions += [(f"_backward_{names[w]}", p) for w, p in self.backward_programs.items()]
        for function_name, program in functions:
            parts.append(program.source(function_name))
        inputs = ", ".join(names[n] for n in self.inputs)
        parts.append(
            f"def forward({inputs}):\n"
            f'    """{self.output} from {", ".join(self.inputs)}."""\n'
            f"    return {_call('_forward', self.forward_program, names)}"
        )
        lines = [
            f"def backward({inputs}, {names[self.upstream]}):",
            f'    """{{name: gradient}} given {names[self.upstream]} = {self.upstream}."""',
        ]
        for name, program in self.definitions:
            lines.append(
                f"    {names[name]} = {_call(f'_definition_{names[name]}', program, names)}"
            )
        lines.append("    return {")
        for wrt, program in self.backward_programs.items():
            lines.append(f"        {wrt!r}: {_call(f'_backward_{names[wrt]}', program, names)},")
        lines.append("    }")
        parts.append("\n".join(lines))
        return "\n\n\n".join(part.rstrip() for part in parts) + "\n"

    def write_module(self, path: str | Path) -> Path:
        """Write :meth:`source` to ``path`` (a ``.py`` file to import or copy)."""
        target = Path(path)
        target.write_text(self.source(), encoding="utf-8")
        return target

    # -- PyTorch -----------------------------------------------------------------------------
    def torch_function(self) -> Any:
        """A ``torch.autograd.Function`` subclass: forward and backward run the generated NumPy
        passes (the backward is the derived formula, not autograd's). Call ``.apply(*tensors)``
        with tensors in ``inputs`` order. Raises :class:`UnsupportedError` without PyTorch."""
        from symconv.export.torch_function import make_function

        return make_function(self)


def _with_loss(formula: IndexFormula, upstream: str) -> IndexFormula:
    """A backward formula written for another loss (a rule's ``∂J/∂...``) with the loss
    ``upstream``: ``∂J/∂Z`` → ``∂L/∂Z`` in its reads, its left side and its shapes."""
    renaming: dict[str, str] = {}
    for name in (tensor_name(formula.output), *formula.tensors, *formula.shapes):
        parts = split_gradient_label(name)
        if parts and parts[0] != upstream:
            renaming[name] = gradient_label(upstream, parts[1])
    if not renaming:
        return formula

    def base(label: str) -> sp.IndexedBase:
        return gradient_base(upstream, split_gradient_label(label)[1])  # type: ignore[index]

    bases = {
        node: base(str(node.label))
        for node in (*formula.rhs.atoms(sp.IndexedBase), formula.lhs.base)
        if str(node.label) in renaming
    }
    lhs = formula.lhs.xreplace(bases)
    return IndexFormula(
        lhs=lhs,
        rhs=formula.rhs.xreplace(bases),
        ranges=formula.ranges,
        shapes={renaming.get(name, name): sizes for name, sizes in formula.shapes.items()},
        text=formula.text,
    )


def _number(value: Any) -> int | float:
    """An integer where the value is one (sizes, strides), else a float (a slope, ε)."""
    number = as_sympy(value)
    if not number.is_number:
        raise ShapeError(f"value {value!r} is not a number")
    return int(number) if number.is_integer else float(number)


def _plain(formula: IndexFormula) -> str:
    return f"{formula.lhs} = {formula.rhs}"


def _call(function: str, program: Program, names: Mapping[str, str]) -> str:
    arguments = [names[tensor] for tensor, _ in program.arguments]
    arguments += [f"{program.names[s]}=VALUES[{s.name!r}]" for s in program.parameters]
    return f"{function}({', '.join(arguments)})"


# ----------------------------------------------------------------------------------------------
# Building an exported layer
# ----------------------------------------------------------------------------------------------
def _parts(
    layer: Any, wrt: Sequence[str] | None, upstream: str = "J"
) -> tuple[str, IndexFormula, dict[str, IndexFormula], tuple[IndexFormula, ...]]:
    """``(name, forward, {wrt: backward}, definitions)`` of anything export accepts."""
    if isinstance(layer, DerivedLayer) and not isinstance(layer, IndexFormula):
        backward = dict(layer.backward_formulas())
        name = str(getattr(layer, "name", tensor_name(layer.forward_formula.output)))
        return name, layer.forward_formula, backward, tuple(layer.definition_formulas)
    details = getattr(layer, "details", None)
    if isinstance(details, Mapping) and "parts" in details:
        parts = details["parts"]
        return (
            tensor_name(parts.forward.output),
            parts.forward,
            {parts.wrt: parts.backward},
            tuple(parts.definitions),
        )
    if (
        isinstance(layer, Mapping)
        and layer
        and all(isinstance(getattr(v, "details", None), Mapping) for v in layer.values())
    ):
        forward: IndexFormula | None = None
        backward = {}
        definitions: list[IndexFormula] = []
        for derivation in layer.values():
            parts = derivation.details["parts"]
            forward = parts.forward
            backward[parts.wrt] = parts.backward
            definitions += [d for d in parts.definitions if d not in definitions]
        assert forward is not None
        return tensor_name(forward.output), forward, backward, tuple(definitions)
    from symconv.grad.differentiate import derive_gradients
    from symconv.grad.front_end import read_forward

    formula = read_forward(layer, upstream=upstream)
    derived = derive_gradients(formula, wrt, upstream=upstream)
    return _parts(derived, None)


def export_layer(
    layer: Any,
    *,
    values: Mapping[str, Any] | None = None,
    wrt: Sequence[str] | None = None,
    name: str | None = None,
    upstream: str = "J",
) -> ExportedLayer:
    """Export ``layer`` (a rule, a ``derive_backward`` result or dict of them, or a forward
    formula) as NumPy functions (see the module docstring).

    ``values`` binds parameters the tensors' shapes do not decide (``{"s": 2, "p": 1}``);
    ``wrt`` restricts the backward passes to those tensors.
    """
    layer_name, forward, backward, definitions = _parts(layer, wrt, upstream)
    backward = {w: _with_loss(formula, upstream) for w, formula in backward.items()}
    if wrt is not None:
        unknown = [w for w in wrt if w not in backward]
        if unknown:
            raise UnsupportedError(
                f"{layer_name}: no backward pass for {unknown} (it has {list(backward)})"
            )
        backward = {w: backward[w] for w in wrt}
    inputs = tuple(forward.tensors)
    output = tensor_name(forward.output)
    gradient = gradient_label(upstream, output)
    defined = tuple(tensor_name(d.output) for d in definitions)
    forward_program = compile_formula(forward, arguments=inputs)
    definition_programs = tuple(
        (tensor_name(d.output), compile_formula(d, arguments=inputs)) for d in definitions
    )
    backward_arguments = (*inputs, *defined, gradient)
    backward_programs = {
        target: compile_formula(formula, arguments=backward_arguments)
        for target, formula in backward.items()
    }
    bound = {str(k): _number(v) for k, v in (values or {}).items()}
    return ExportedLayer(
        name=name or layer_name,
        forward_formula=forward,
        inputs=inputs,
        upstream=gradient,
        forward_program=forward_program,
        backward_programs=backward_programs,
        definitions=definition_programs,
        values=bound,
    )


__all__ = ["DerivedLayer", "ExportedLayer", "export_layer"]

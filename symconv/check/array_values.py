"""Array code checked entry by entry: a gradient written as NumPy against the document's own
forward code, computed with NumPy on integer arrays.

A derivation that implements a layer writes its forward pass as code (``z_t^l = a^{l-1}_t
w_t``, ``z^l = z_t^l.transpose([0, 2, 1]).reshape(B, C^l, H^l, W^l) + b.reshape(1, -1, 1, 1)``)
and then its gradients as code (``\\frac{\\partial C}{\\partial w^l_t} = np.tensordot(a^{l-1}_t,
\\delta^l_t, [(0,1),(0,1)])``, with ``\\delta^l_t = \\delta^l.transpose([0, 2, 3, 1])
.reshape(B, H^l\\cdot W^l, C^l)``). :func:`check_gradient` decides such a claim:

1. **the forward**: from the variable ``X``, the document's definitions that use it, then those
   that use what they define, to the last one — the layer's output ``O`` (``a_t → z_t → z``);
2. **the error**: the claim's code, with the definitions it uses that lead to an error name
   (``δ``, ``Δ``: ``δ_t → δ^l``) computed from them, rests on one error array that nothing
   defines, ``δ^l``; it is ``∂C/∂O`` — the error named after the output's layer (``δ^l`` for
   ``z^l``, the field's notation: Nielsen, *Neural Networks and Deep Learning*, eq. (29),
   ``δ^l_j ≡ ∂C/∂z^l_j``), of ``O``'s shape;
3. **the reference**: the forward is affine in ``X`` (checked: ``F(x + y) − F(0) = (F(x) −
   F(0)) + (F(y) − F(0))`` on random integer arrays), so ``∂C/∂X_i = ⟨δ, F(e_i) − F(0)⟩``
   exactly, for each entry ``i``;
4. **the comparison**: the claim's code computed by NumPy (:func:`symconv.check.array_shapes.
   value_of`) on the same integer arrays, at sizes given to the document's size names (small,
   distinct), equal to the reference at every entry.

Every other array (``w_t``, ``b``) is random data of the shape the document gives it — stated
shapes first, then what its code gives; a name whose code gives a shape the document uses
otherwise (``w_t = w.reshape(-1, C^l).T`` used as ``(C^{l-1}h^lw^l, C^l)``) takes the shape its
uses need. Anything this rests on that the document does not fix — no forward, two errors, a
forward that is not affine, code NumPy does not compute — leaves the claim undecided (None,
with the reason).
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from symconv.check.array_code import (
    Arg,
    ArrayCall,
    ArrayIndex,
    ArrayName,
    ArrayNode,
    ArrayProduct,
    ArrayScalar,
    ArraySum,
    ArrayTranspose,
    Method,
    split_top_level,
)
from symconv.check.array_env import ArrayEnvironment, environment, layer_marks
from symconv.check.array_shapes import (
    ArrayShapeError,
    Shape,
    literal_argument,
    same_size,
    size_expression,
)
from symconv.check.array_statements import ArrayForm, ArrayScope, ArrayStatement
from symconv.core.safe import as_sympy

__all__ = [
    "GradientCheck",
    "InverseCheck",
    "check_gradient",
    "check_inverse",
    "is_error",
    "names_in",
    "rearranged",
]

#: The most entries of the variable the reference is computed for (one forward pass each).
_MOST_ENTRIES = 4096
#: Error names (the field's δ).
_ERROR_BASES = ("delta", "Delta")


@dataclass(frozen=True)
class GradientCheck:
    """The outcome: ``equal`` (True, False) with the words for the message — the forward's
    lines, the error taken as ``∂C/∂O``, the sizes, the entry that differs — or ``equal`` None
    with the reason it was not decided."""

    equal: bool | None
    reason: str = ""
    forward: tuple[int, ...] = ()
    error: str = ""
    output: str = ""
    sizes: str = ""
    witness: str = ""


#: NumPy functions by the positions of their array arguments (the others are sizes, axes).
_ARRAY_ARGUMENTS = {"tensordot": slice(0, 2), "dot": slice(0, 2), "matmul": slice(0, 2),
                    "einsum": slice(1, None)}  # fmt: skip


def names_in(node: ArrayNode | None) -> list[str]:
    """The keys of the arrays a tree uses, in order (not the sizes of a reshape).

    >>> from symconv.check.array_code import read_array_code
    >>> names_in(read_array_code("np.tensordot(a_t, (w_t)^T, [(2),(0)]) + b.reshape(1, C)"))
    ['a_t', 'w_t', 'b']
    """
    if node is None:
        return []
    if isinstance(node, ArrayName):
        return [node.key]
    if isinstance(node, ArrayScalar):
        return []
    if isinstance(node, (ArrayTranspose, ArrayIndex)):
        return names_in(node.target)
    if isinstance(node, (ArrayProduct, ArraySum)):
        return names_in(node.left) + names_in(node.right)
    if isinstance(node, Method):
        return names_in(node.target)  # a method's arguments are sizes and axes
    positional: list[Arg] = [arg for arg in node.args if arg.keyword is None]
    if node.numpy:
        positional = positional[_ARRAY_ARGUMENTS.get(node.function, slice(0, 1))]
    found: list[str] = []
    for arg in positional:
        found += names_in(arg.node)
    return found


class _Undecided(Exception):
    """What the check rests on is not fixed by the document (the message says what)."""


@dataclass(frozen=True)
class _Step:
    """A definition as the check computes it: the key it binds and its code, with the keys of
    the names its code writes resolved."""

    key: str
    code: ArrayNode
    line: int
    names: Mapping[str, str]


def _step(key: str, statement: ArrayStatement, names: Mapping[str, str]) -> _Step:
    if statement.code is None:
        raise _Undecided(f"line {statement.line} defines {key} with no code")
    return _Step(key, statement.code, statement.line, names)


def check_gradient(scope: ArrayScope, position: int, seed: int = 0) -> GradientCheck:
    """The check of the gradient claim at ``position`` (module docstring)."""
    statement = scope.statements[position]
    variable, code = statement.subject, statement.code
    if not isinstance(variable, ArrayName) or code is None:
        return GradientCheck(None, "the claim does not name its variable")
    env = environment(scope, position)
    marks = layer_marks(statement.text)
    try:
        return _check(scope, position, env, marks, variable, code, seed)
    except _Undecided as reason:
        return GradientCheck(None, str(reason))


#: A definition: its statement, and the key each name its code writes resolves to.
_Definition = tuple[ArrayStatement, dict[str, str]]


def _definitions(
    scope: ArrayScope, position: int, env: ArrayEnvironment, marks: Sequence[str]
) -> dict[str, _Definition]:
    """The definitions before ``position``, latest last: key → (statement, resolved names)."""
    found: dict[str, _Definition] = {}
    for statement in scope.statements[:position]:
        if statement.form is not ArrayForm.DEFINED or statement.code is None:
            continue
        if not isinstance(statement.subject, ArrayName):
            continue
        own = (*marks, *layer_marks(statement.text))
        key = env.resolve(statement.subject.key, own) or statement.subject.key
        names = {name: env.resolve(name, own) or name for name in names_in(statement.code)}
        found[key] = (statement, names)
    return found


def _check(
    scope: ArrayScope,
    position: int,
    env: ArrayEnvironment,
    marks: Sequence[str],
    variable: ArrayName,
    code: ArrayNode,
    seed: int,
) -> GradientCheck:
    definitions = _definitions(scope, position, env, marks)
    start = env.resolve(variable.key, marks) or variable.key
    variable_binding = env.names.get(start)
    # 1. the forward: definitions that use the variable, then what they define, in order
    forward: list[_Step] = []
    current, line = start, variable_binding.line if variable_binding else 0
    visited = {start}
    while True:
        users = [
            (key, statement, names)
            for key, (statement, names) in definitions.items()
            if current in names.values() and statement.line >= line and key not in visited
        ]
        if not users:
            break
        if len({key for key, _, _ in users}) > 1:
            raise _Undecided(f"{current} is used by several definitions: the forward is not one")
        key, statement, names = users[0]
        forward.append(_step(key, statement, names))
        visited.add(key)
        current, line = key, statement.line
    if not forward:
        raise _Undecided(f"no definition before it computes anything from {variable.text}")
    output = forward[-1].key
    # 2. the error: the claim's names, computed from definitions that lead to an error name
    claim_names = {name: env.resolve(name, marks) or name for name in names_in(code)}
    error_steps: list[_Step] = []
    errors: list[str] = []
    pending = list(dict.fromkeys(claim_names.values()))
    seen: set[str] = set()
    while pending:
        key = pending.pop(0)
        if key in seen or key == start:
            continue
        seen.add(key)
        if is_error(key):
            if key in definitions:
                statement, names = definitions[key]
                error_steps.append(_step(key, statement, names))
                pending.extend(names.values())
            else:
                errors.append(key)
            continue
        if key in definitions and _leads_to_error(key, definitions):
            statement, names = definitions[key]
            error_steps.append(_step(key, statement, names))
            pending.extend(names.values())
    if len(errors) != 1:
        raise _Undecided(
            "the claim rests on no error array δ" if not errors else
            f"the claim rests on several error arrays: {', '.join(errors)}"
        )  # fmt: skip
    error = errors[0]
    output_binding = env.names.get(output)
    if output_binding is None or output_binding.shape is None:
        raise _Undecided(f"the shape of {output} is not known")
    if _mark_of(error) != _mark_of(output):
        raise _Undecided(f"{error} is not named after {output}'s layer")
    # 3. every other array: data of the shapes the document gives; one with no shape that a
    #    definition computes is computed (from data of its own arrays' shapes)
    computed = {step.key for step in (*forward, *error_steps)}
    support: list[_Step] = []
    pending_keys = [
        key
        for step in (*forward, *error_steps)
        for key in step.names.values()
        if key not in computed and key not in (start, error)
    ]
    pending_keys += [key for key in claim_names.values() if key not in computed | {start, error}]
    others: list[str] = []
    while pending_keys:
        key = pending_keys.pop(0)
        if key in others or key in computed or key in (start, error):
            continue
        if not _candidates(env, key) and key in definitions:
            statement, names = definitions[key]
            support.append(_step(key, statement, names))
            computed.add(key)
            pending_keys.extend(names.values())
            continue
        others.append(key)
    candidates = {key: _candidates(env, key) for key in [start, *others]}
    for key, found in candidates.items():
        if not found:
            raise _Undecided(f"the shape of {key} is not known")
    support.sort(key=lambda step: step.line)
    for choice in itertools.islice(itertools.product(*candidates.values()), 16):
        shapes = dict(zip(candidates, choice, strict=True))
        shapes[error] = output_binding.shape
        outcome = _compare(shapes, start, error, output, [*support, *forward], error_steps,
                           code, claim_names, seed, len(support))  # fmt: skip
        if outcome is not None:
            return outcome
    raise _Undecided("its code and the forward cannot be computed with the shapes given")


def is_error(key: str) -> bool:
    """True for an error's name: ``δ``, ``Δ`` with any scripts (``delta_t^l``)."""
    return key.split("_")[0].split("^")[0].split("'")[0] in _ERROR_BASES


def _leads_to_error(key: str, definitions: Mapping[str, _Definition]) -> bool:
    seen: set[str] = set()
    pending = [key]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        if is_error(current):
            return True
        if current in definitions:
            pending.extend(definitions[current][1].values())
    return False


def _mark_of(key: str) -> str:
    return key.split("^", 1)[1] if "^" in key else ""


def _candidates(env: ArrayEnvironment, key: str) -> list[Shape]:
    """Shapes to try for an array: the one a stated expression implies, then its binding."""
    found: list[Shape] = list(env.declared_shapes(key))
    binding = env.names.get(key)
    if binding is not None and binding.shape is not None and binding.shape not in found:
        (found.insert(0, binding.shape) if binding.stated else found.append(binding.shape))
    return found


def _sizes(shapes: Mapping[str, Shape]) -> dict[Any, int]:
    """Small distinct values for the size names (the total kept small)."""
    symbols = sorted(
        {s for shape in shapes.values() for size in shape for s in as_sympy(size).free_symbols},
        key=str,
    )
    for values in (range(2, 2 + len(symbols)), itertools.cycle((2, 3))):
        sizes = dict(zip(symbols, values, strict=False))
        if all(_count(shape, sizes) <= _MOST_ENTRIES for shape in shapes.values()):
            return sizes
    return dict.fromkeys(symbols, 2)


def _count(shape: Shape, sizes: Mapping[Any, int]) -> int:
    return math.prod(_concrete(shape, sizes))


def _concrete(shape: Shape, sizes: Mapping[Any, int]) -> tuple[int, ...]:
    known = {symbol: sp.Integer(value) for symbol, value in sizes.items()}
    result = []
    for size in shape:
        value = as_sympy(size).xreplace(known)
        if not value.is_Integer or value <= 0:
            raise _Undecided(f"the size {size} has no value here")
        result.append(int(value))
    return tuple(result)


def _aliased(arrays: Mapping[str, np.ndarray], names: Mapping[str, str]) -> dict[str, np.ndarray]:
    """The arrays under the keys a code writes (``b`` for ``b^l``)."""
    found = dict(arrays)
    for written, key in names.items():
        if key in arrays:
            found[written] = arrays[key]
    return found


def _compare(
    shapes: Mapping[str, Shape],
    start: str,
    error: str,
    output: str,
    forward: Sequence[_Step],
    error_steps: Sequence[_Step],
    code: ArrayNode,
    claim_names: Mapping[str, str],
    seed: int,
    supporting: int = 0,
) -> GradientCheck | None:
    sizes = _sizes(shapes)
    generator = np.random.default_rng(seed)
    data = {
        key: generator.integers(-4, 5, size=_concrete(shape, sizes), dtype=np.int64)
        for key, shape in shapes.items()
        if key != start
    }
    variable_shape = _concrete(shapes[start], sizes)
    if math.prod(variable_shape) > _MOST_ENTRIES:
        raise _Undecided("the variable is too large to check entry by entry")

    def run(x: np.ndarray) -> np.ndarray:
        arrays = {**data, start: x}
        for step in forward:
            arrays[step.key] = value_of(step.code, _aliased(arrays, step.names), sizes)
        return arrays[output]

    try:
        zero = run(np.zeros(variable_shape, dtype=np.int64))
        if zero.shape != tuple(data[error].shape):
            return None
        arrays = dict(data)
        for step in forward[:supporting]:  # what the claim may use of the supporting arrays
            arrays[step.key] = value_of(step.code, _aliased(arrays, step.names), sizes)
        for step in error_steps:
            arrays[step.key] = value_of(step.code, _aliased(arrays, step.names), sizes)
        claimed = value_of(code, _aliased(arrays, claim_names), sizes)
        rng = random.Random(seed)
        x = np.array([rng.randint(-3, 3) for _ in range(math.prod(variable_shape))])
        y = np.array([rng.randint(-3, 3) for _ in range(math.prod(variable_shape))])
        x, y = x.reshape(variable_shape), y.reshape(variable_shape)
        if not np.array_equal(run(x + y) - zero, (run(x) - zero) + (run(y) - zero)):
            raise _Undecided("the forward is not affine in the variable")
        reference = np.zeros(variable_shape, dtype=np.int64)
        basis = np.zeros(variable_shape, dtype=np.int64)
        for index in np.ndindex(*variable_shape):
            basis[index] = 1
            reference[index] = int(np.sum(data[error] * (run(basis) - zero)))
            basis[index] = 0
    except ArrayShapeError:
        return None
    lines = tuple(step.line for step in forward[supporting:])
    shown_sizes = ", ".join(f"{symbol} = {value}" for symbol, value in sizes.items())
    if claimed.shape != reference.shape:
        return GradientCheck(False, forward=lines, error=error, output=output, sizes=shown_sizes,
                             witness=f"shape {claimed.shape}, not {reference.shape}")  # fmt: skip
    if np.array_equal(claimed, reference):
        return GradientCheck(True, forward=lines, error=error, output=output, sizes=shown_sizes)
    index = next(i for i in np.ndindex(*reference.shape) if claimed[i] != reference[i])
    witness = f"entry {index}: {int(claimed[index])} ≠ {int(reference[index])}"
    return GradientCheck(False, forward=lines, error=error, output=output, sizes=shown_sizes,
                         witness=witness)  # fmt: skip


# ----------------------------------------------------------------------------------------------
# A rearrangement and its inverse
# ----------------------------------------------------------------------------------------------
#: Methods that move entries without changing them.
_REARRANGING = frozenset({"transpose", "reshape", "T", "swapaxes", "flatten", "ravel"})


def rearranged(node: ArrayNode) -> ArrayName | None:
    """The one array ``node`` only rearranges (transposes, reshapes), or None.

    >>> from symconv.check.array_code import read_array_code
    >>> rearranged(read_array_code("d.transpose([0, 2, 3, 1]).reshape(B, H W, C)"))
    ArrayName(key='d', text='d')
    >>> rearranged(read_array_code("d.sum(axis=0)")) is None
    True
    """
    if isinstance(node, ArrayName):
        return node
    if isinstance(node, ArrayTranspose):
        return rearranged(node.target)
    if isinstance(node, Method) and node.name in _REARRANGING:
        return rearranged(node.target)
    return None


def _rearrangement_of(node: ArrayNode) -> tuple[ArrayNode, ArrayName] | None:
    """``R(B)`` or ``R(B) + term``: the rearranging part and ``B``."""
    if isinstance(node, ArraySum) and node.operator == "+":
        for part in (node.left, node.right):
            name = rearranged(part)
            if name is not None and not isinstance(part, ArrayName):
                return part, name
        return None
    name = rearranged(node)
    return (node, name) if name is not None and not isinstance(node, ArrayName) else None


@dataclass(frozen=True)
class InverseCheck:
    """``equal`` True when the definition undoes the earlier rearrangement on ``line`` (of
    ``source`` into ``target``), False (with the entry) when it does not, None (with the
    reason) when no such earlier rearrangement pairs with it."""

    equal: bool | None
    reason: str = ""
    line: int = 0
    source: str = ""
    target: str = ""
    sizes: str = ""
    witness: str = ""


def _suffix(key: str) -> str:
    """``delta_t^l`` → ``_t^l``: what a name writes after its letter."""
    for position, char in enumerate(key):
        if char in "_^'":
            return key[position:]
    return ""


def check_inverse(scope: ArrayScope, position: int) -> InverseCheck:
    """``δ_t = δ.transpose([0, 2, 3, 1]).reshape(B, H·W, C)`` after ``z = z_t.transpose([0,
    2, 1]).reshape(B, C, H, W) + b…``: the error of ``z`` rearranged back as ``z_t`` is the error
    of ``z_t`` (the chain rule through a rearrangement, which only moves entries) exactly when
    the one rearrangement undoes the other. Checked on ``arange`` at small distinct sizes."""
    statement = scope.statements[position]
    subject, code = statement.subject, statement.code
    if not isinstance(subject, ArrayName) or code is None:
        return InverseCheck(None, "not a definition")
    error = rearranged(code)
    if error is None or isinstance(code, ArrayName) or not is_error(error.key):
        return InverseCheck(None, "not a rearrangement of an error")
    env = environment(scope, position)
    marks = layer_marks(statement.text)
    shape = env.evaluate(code, marks).shape
    for earlier in reversed(scope.statements[:position]):
        if earlier.form is not ArrayForm.DEFINED or earlier.code is None:
            continue
        if not isinstance(earlier.subject, ArrayName):
            continue
        found = _rearrangement_of(earlier.code)
        if found is None:
            continue
        forward, source = found
        if _suffix(error.key) != _suffix(earlier.subject.key):
            continue
        if _suffix(subject.key) != _suffix(env.resolve(source.key, marks) or source.key):
            continue
        if shape is None:
            return InverseCheck(None, f"the shape of {subject.text} is not known")
        return _undoes(forward, source, code, error, shape, earlier.line, subject)
    return InverseCheck(None, "no earlier rearrangement it undoes")


def _undoes(
    forward: ArrayNode,
    source: ArrayName,
    backward: ArrayNode,
    error: ArrayName,
    shape: Shape,
    line: int,
    subject: ArrayName,
) -> InverseCheck:
    sizes = _sizes({"x": shape})
    try:
        concrete = _concrete(shape, sizes)
        original = np.arange(math.prod(concrete), dtype=np.int64).reshape(concrete)
        moved = value_of(forward, {source.key: original}, sizes)
        back = value_of(backward, {error.key: moved}, sizes)
    except (ArrayShapeError, _Undecided) as reason:
        return InverseCheck(None, str(reason))
    shown = ", ".join(f"{symbol} = {value}" for symbol, value in sizes.items())
    if back.shape == original.shape and np.array_equal(back, original):
        return InverseCheck(True, line=line, source=source.text, target=subject.text, sizes=shown)
    if back.shape != original.shape:
        witness = f"shape {back.shape}, not {original.shape}"
    else:
        index = next(i for i in np.ndindex(*original.shape) if back[i] != original[i])
        held = tuple(int(i) for i in np.unravel_index(int(back[index]), concrete))
        witness = f"entry {tuple(int(i) for i in index)} holds the entry {held}"
    return InverseCheck(False, line=line, source=source.text, target=subject.text, sizes=shown,
                        witness=witness)  # fmt: skip


# ----------------------------------------------------------------------------------------------
# The output of an im2col product, laid out again
# ----------------------------------------------------------------------------------------------
def im2col_layout(
    scope: ArrayScope,
    position: int,
    output: Shape,
    layout: str,
    data: ArrayStatement,
) -> tuple[bool, str, str] | None:
    """Whether the definition at ``position`` (``O = R(M) [+ bias]``, ``M = P W`` with ``P``
    the im2col matrix of the layer's input ``data``: rows the window positions) gives
    ``O[b, c, h, w] = M[b, h·W + w, c] (+ bias[c])`` (``layout`` NCHW; NHWC: ``O[b, h, w,
    c]``): ``(equal, M's name, sizes or the entry that differs)``; None when the definition is
    not of that form."""
    statement = scope.statements[position]
    code = statement.code
    if code is None:
        return None
    env = environment(scope, position)
    marks = layer_marks(statement.text)
    found = _rearrangement_of(code)
    if found is None:
        return None
    moved, product = found
    product_key = env.resolve(product.key, marks) or product.key
    if layout == "NCHW":
        batch, channels, height, width = output
    else:
        batch, height, width, channels = output
    positions = (batch, sp.Mul(height, width))
    if not _is_im2col_product(scope, position, env, product_key, data, positions):
        return None
    shape = (batch, sp.Mul(height, width), channels)
    sizes = _sizes({"output": output, "product": shape})
    bias = [name for name in names_in(code) if (env.resolve(name, marks) or name) != product_key]
    try:
        concrete = _concrete(output, sizes)
        b, c, h, w = (
            concrete if layout == "NCHW" else (concrete[0], concrete[3], concrete[1], concrete[2])
        )
        rows = np.arange(b * h * w * c, dtype=np.int64).reshape(b, h * w, c)
        arrays: dict[str, np.ndarray] = {product.key: rows}
        biases = np.arange(1, c + 1, dtype=np.int64) * 10**6
        for name in bias:
            arrays[name] = biases
        computed = value_of(code if bias else moved, arrays, sizes)
    except (ArrayShapeError, _Undecided):
        return None
    expected = np.zeros((b, c, h, w), dtype=np.int64)
    for i, j, k, m in np.ndindex(b, c, h, w):
        expected[i, j, k, m] = rows[i, k * w + m, j] + (biases[j] if bias else 0)
    if layout != "NCHW":
        expected = expected.transpose(0, 2, 3, 1)
    shown = ", ".join(f"{symbol} = {value}" for symbol, value in sizes.items())
    if computed.shape == expected.shape and np.array_equal(computed, expected):
        return True, product.text, shown
    if computed.shape != expected.shape:
        return False, product.text, f"shape {computed.shape}, not {expected.shape} (at {shown})"
    index = next(i for i in np.ndindex(*expected.shape) if computed[i] != expected[i])
    where = tuple(int(i) for i in index)
    return (
        False,
        product.text,
        f"entry {where} is {int(computed[index])}, not {int(expected[index])} (at {shown})",
    )


def _is_im2col_product(
    scope: ArrayScope,
    position: int,
    env: ArrayEnvironment,
    key: str,
    data: ArrayStatement,
    positions: tuple[Any, Any],
) -> bool:
    """True if ``key`` is defined before ``position`` as ``P W`` with ``P`` the im2col matrix of
    the layer's input ``data`` written with one row per window position (``P = trans(a), dim=(B,
    H·W, …)``)."""
    definition = None
    for statement in scope.statements[:position]:
        if statement.form is ArrayForm.DEFINED and isinstance(statement.subject, ArrayName):
            marks = layer_marks(statement.text)
            if (env.resolve(statement.subject.key, marks) or statement.subject.key) == key:
                definition = statement
    if definition is None or not isinstance(definition.code, ArrayProduct):
        return False
    if definition.code.operator != "matmul" or not isinstance(definition.code.left, ArrayName):
        return False
    left = definition.code.left
    marks = layer_marks(definition.text)
    left_key = env.resolve(left.key, marks) or left.key
    for statement in scope.statements[:position]:
        if statement.form is not ArrayForm.DEFINED or not isinstance(statement.subject, ArrayName):
            continue
        if (env.resolve(statement.subject.key, layer_marks(statement.text)) or "") != left_key:
            continue
        call = statement.code
        if not isinstance(call, ArrayCall) or call.numpy or len(call.args) != 1:
            continue
        argument = call.args[0].node
        if not isinstance(argument, ArrayName) or not isinstance(data.subject, ArrayName):
            continue
        stated = statement.stated
        if argument.key == data.subject.key and stated is not None and len(stated) == 3:
            return _rows_are_positions(stated, data, positions)
    return False


def _rows_are_positions(stated: Shape, data: ArrayStatement, positions: tuple[Any, Any]) -> bool:
    """The im2col matrix is (batch, window positions, window entries): its axis 1 the output's
    height times width, its axis 2 a multiple of the input's channels."""
    assert data.stated is not None
    batch, count = positions
    if same_size(stated[0], batch) is not True or same_size(stated[1], count) is not True:
        return False
    channels = data.stated[1]
    return bool(as_sympy(stated[2]).has(channels))


# ----------------------------------------------------------------------------------------------
# Values, with NumPy itself
# ----------------------------------------------------------------------------------------------
def value_of(
    node: ArrayNode,
    arrays: Mapping[str, np.ndarray],
    sizes: Mapping[Any, int],
) -> np.ndarray:
    """The value of ``node`` computed by NumPy: ``arrays`` by name key, ``sizes`` the value of
    each size name (a SymPy symbol). Raises :class:`ArrayShapeError` for what NumPy refuses
    and for code it does not compute (a function the document names)."""
    try:
        return np.asarray(_Values(arrays, sizes).of(node))
    except (ValueError, IndexError) as error:  # NumPy refusing the operation (shapes)
        raise ArrayShapeError(f"NumPy refuses it: {error}") from error


class _Values:
    def __init__(self, arrays: Mapping[str, np.ndarray], sizes: Mapping[Any, int]):
        self.arrays = arrays
        self.sizes = sizes

    def size(self, text: str) -> int:
        known = {size: sp.Integer(value) for size, value in self.sizes.items()}
        value = as_sympy(size_expression(text)).xreplace(known)
        if not value.is_Integer:
            raise ArrayShapeError(f"the size {text} is not known here")
        return int(value)

    def of(self, node: ArrayNode) -> Any:
        if isinstance(node, ArrayName):
            if node.key not in self.arrays:
                raise ArrayShapeError(f"{node.text} has no value here")
            return self.arrays[node.key]
        if isinstance(node, ArrayScalar):
            return node.value
        if isinstance(node, ArrayTranspose):
            inner = self.of(node.target)
            if inner.ndim != 2:
                raise ArrayShapeError("the transpose of math of an array that is not a matrix")
            return inner.T
        if isinstance(node, ArraySum):
            left, right = self.of(node.left), self.of(node.right)
            return left + right if node.operator == "+" else left - right
        if isinstance(node, ArrayProduct):
            left, right = self.of(node.left), self.of(node.right)
            if node.operator == "matmul":
                return np.matmul(left, right)
            scaled = isinstance(node.left, ArrayScalar) or isinstance(node.right, ArrayScalar)
            if node.operator == "odot" or (scaled and node.operator == "*"):
                return left * right
            if scaled and node.operator == "/":
                return left / right
            raise ArrayShapeError("'*' between arrays: a product or a convolution")
        if isinstance(node, ArrayIndex):
            items = tuple(slice(None) if i == ":" else i for i in node.items)
            return self.of(node.target)[items]
        if isinstance(node, Method):
            return self.method(node)
        return self.call(node)

    def literal(self, args: Sequence[Arg], index: int, keyword: str, default: Any = None) -> Any:
        value = literal_argument(args, index, keyword, default)
        return list(value) if isinstance(value, tuple) and keyword != "axis" else value

    def method(self, node: Method) -> Any:
        value = self.of(node.target)
        if not node.called:
            if node.name == "T":
                return value.T
            raise ArrayShapeError(f".{node.name} is not computed")
        return self.apply(node.name, value, node.args)

    def apply(self, name: str, value: Any, args: Sequence[Arg]) -> Any:
        positional = [arg for arg in args if arg.keyword is None]
        if name == "reshape":
            if len(positional) == 1 and isinstance(positional[0].literal, tuple):
                texts = [str(v) for v in positional[0].literal]
            elif len(positional) == 1 and positional[0].text.startswith(("(", "[")):
                texts = [t for t in split_top_level(positional[0].text.strip()[1:-1]) if t.strip()]
            else:
                texts = [arg.text for arg in positional]
            return np.reshape(value, [self.size(text) for text in texts])
        if name == "transpose":
            axes = literal_argument(args, 0, "axes") if positional or args else None
            if len(positional) > 1:
                axes = tuple(arg.literal for arg in positional)
            return np.transpose(value, axes)
        if name in ("sum", "mean", "max", "min", "prod"):
            axis = literal_argument(args, 0, "axis")
            keepdims = bool(literal_argument(args, 2, "keepdims", False))
            function = getattr(np, name)
            return function(value, axis=axis, keepdims=keepdims)
        if name in ("flatten", "ravel"):
            return np.ravel(value)
        if name == "swapaxes":
            return np.swapaxes(
                value, literal_argument(args, 0, "axis1"), literal_argument(args, 1, "axis2")
            )
        if name == "expand_dims":
            return np.expand_dims(value, literal_argument(args, 0, "axis"))
        if name == "squeeze":
            return np.squeeze(value, literal_argument(args, 0, "axis"))
        if name in ("flip", "copy", "exp", "abs"):
            return getattr(np, name)(value)
        raise ArrayShapeError(f"{name} is not computed")

    def call(self, node: ArrayCall) -> Any:
        if not node.numpy:
            raise ArrayShapeError(f"{node.function}(…) is the document's own function")
        arrays = [self.of(arg.node) for arg in node.args if arg.node is not None]
        if node.function == "tensordot":
            axes = literal_argument(node.args, 2, "axes", 2)
            if isinstance(axes, tuple):
                axes = tuple(list(a) if isinstance(a, tuple) else [a] for a in axes)
            return np.tensordot(arrays[0], arrays[1], axes=axes)
        if node.function in ("dot", "matmul"):
            return getattr(np, node.function)(arrays[0], arrays[1])
        if node.function == "einsum":
            subscripts = node.args[0].text.strip().strip("'\"")
            return np.einsum(subscripts, *arrays)
        if not node.args or node.args[0].node is None:
            raise ArrayShapeError(f"np.{node.function} of no array")
        return self.apply(node.function, self.of(node.args[0].node), node.args[1:])

"""Shapes of arrays a document states, defines with code, differentiates and rearranges.

A claim of kind ``shape`` read by :mod:`symconv.check.read_arrays` is judged with the shapes the
document has given its arrays before it (:mod:`symconv.check.array_env`) and NumPy's rules
(:mod:`symconv.check.array_shapes`):

* **a shape stated for code or for a name defined by code** (``\\delta^l_t, dim=(B, H^lW^l,
  C^l)`` after ``\\delta^l_t = \\delta^l.transpose(…).reshape(B, H^l\\cdot W^l, C^l)``; *the
  result has shape …*): right when the code's shape is exactly the one stated;
* **a definition** with the matrix it equals (``w_t = w.reshape(-1,2).T = [⋯]^T``) or the shape
  the document states for its name: its code's shape against it;
* **a gradient** ``∂C/∂X = code``: a gradient has the shape of its variable;
* **a layer's shapes** stated together (input, kernel, bias, output): the kernel's input channels
  are the input's (which also tells ``(N, C, H, W)`` with ``(M, C, k_h, k_w)`` from ``(N, H, W,
  C)`` with ``(k_h, k_w, C, M)``), one bias per filter, the output keeps the batch and has one
  channel per filter (and, with numbers, the size the convolution gives);
* **im2col**: the kernel as a matrix is ``(C·k_h·k_w, M)`` (or its transpose), the input
  ``(B, H_out·W_out, C·k_h·k_w)`` (or ``(B, C·k_h·k_w, H_out·W_out)``, as ``torch.nn.Unfold``
  writes it; without the batch when it is 1).

A shape is *wrong* only when it is provably not the one its code or its layer gives: the numbers
differ, or the number of axes does — and only when every shape that proof uses is one the
document states (a shape the checker derived from the document's code rests on a line that may
itself be the mistake: then the disagreement is reported, *unverified*). Two different size
names are not known to differ (the document may relate them): *unverified*, with the sizes that
would have to be equal.

    >>> from symconv.check.api import check
    >>> doc = ("The kernel $w$ has shape $(8, 3, 3, 3)$.\\n\\n"
    ...        "$$w_t = w.reshape(8, -1).T$$\\n\\n"
    ...        "Then $w_t, dim=(27, 8)$, and $w.reshape(8, -1)$ has shape $(8, 28)$.\\n")
    >>> for j in check(doc).judgements[1:]:
    ...     print(j.claim.line, j.verdict, j.message, sep="\\n  ")
    3
      unverified
      not verified: w.reshape(8, -1).T has shape (27, 8); nothing states the shape of w_t to
      compare it with
    5
      right
      w_t = w.reshape(8, -1).T has shape (27, 8) (w_t (27, 8) (from the code on line 3)), as
      stated here
    5
      wrong
      w.reshape(8, -1) has shape (8, 27) (w (8, 3, 3, 3) (stated on line 1)), not (8, 28)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import sympy as sp

from symconv.check.array_code import ArrayCall, ArrayName, ArrayNode, describe
from symconv.check.array_env import ArrayEnvironment, Evaluated, environment, layer_marks
from symconv.check.array_layers import (
    Positions,
    Reading,
    input_matrices,
    kernel_matrices,
    positions_of,
    readings,
)
from symconv.check.array_shapes import Shape, same_size
from symconv.check.array_statements import ArrayFacts, ArrayForm, ArrayStatement, Role
from symconv.check.context import DocumentContext, ProblemContext
from symconv.check.judges.verdicts import right, unverified, wrong
from symconv.check.model import Claim, Judgement
from symconv.core.safe import as_sympy

__all__ = ["judge_array", "shown_shape"]


def shown_shape(shape: Sequence[Any]) -> str:
    """``(B, H^l·W^l, C^l)``: a shape as a message shows it.

    >>> shown_shape((sp.Symbol("B"), sp.Integer(3))), shown_shape((sp.Symbol("C^{l}"),))
    ('(B, 3)', '(C^{l},)')
    """
    from symconv.check.shown import show

    items = [show(size).replace("·", "·") for size in shape]
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def judge_array(
    claim: Claim, context: DocumentContext | None, problem: ProblemContext | None
) -> Judgement | None:
    """The verdict on a claim about arrays (module docstring); None for any other claim."""
    facts = claim.facts
    if not isinstance(facts, ArrayFacts):
        return None
    statement = facts.statement
    env = environment(facts.scope, facts.position)
    if statement.form is ArrayForm.GRADIENT:
        return _gradient(claim, statement, env, facts)
    if statement.form is ArrayForm.CONVERTED:
        return _converted(claim, statement, facts)
    if statement.form is ArrayForm.DEFINED:
        return _defined(claim, statement, env, facts)
    return _stated(claim, statement, env, facts)


# ----------------------------------------------------------------------------------------------
# Comparing shapes
# ----------------------------------------------------------------------------------------------
def _sources(found: Evaluated) -> str:
    """``w (line 11), w_t (line 44)``: the shapes a derivation used."""
    parts = []
    for key, binding in found.used:
        how = "from the code" if not binding.stated else binding.how or "stated"
        if binding.shape is None:
            parts.append(f"{key} of a shape not known (line {binding.line})")
            continue
        parts.append(f"{key} {shown_shape(binding.shape)} ({how} on line {binding.line})")
    return "; ".join(parts)


def _unknown(found: Evaluated, what: str) -> str:
    """What has no known shape: the names nothing gave a shape, else the code itself (and the
    function the document does not define, if it calls one)."""
    if found.missing:
        return ", ".join(dict.fromkeys(found.missing))
    called = re.match(r"([A-Za-z]\w+)\(", what)
    if called is not None and called.group(1) != "np":
        return f"{what} ({called.group(1)} is a function the document does not define)"
    return what


def _compare(
    claim: Claim,
    stated: Shape,
    found: Evaluated,
    what: str,
    stated_what: str,
    section: int,
    target_section: int | None = None,
) -> Judgement:
    """``stated`` against the shape ``found``: right, wrong (numbers or axes, from shapes the
    document states in the claim's ``section`` only — the shape compared with too) or
    unverified, with the sizes."""
    provable = found.provable(section) and target_section in (None, section)
    if found.error is not None:
        return unverified(claim, f"{what} cannot be computed: {found.error}")
    shape = found.shape
    if shape is None:
        return unverified(claim, f"the shape of {_unknown(found, what)} is not known here")
    sources = _sources(found)
    derived = f"{what} has shape {shown_shape(shape)}" + (f" ({sources})" if sources else "")
    if len(shape) != len(stated):
        if provable:
            return wrong(
                claim,
                f"{derived}: {len(shape)} axes, not the {len(stated)} of {shown_shape(stated)}",
                expected=sp.Tuple(*shape),
                witness=f"{shown_shape(shape)} has {len(shape)} axes, {shown_shape(stated)} "
                f"{len(stated)}",
            )
        return unverified(claim, f"{derived}, not {shown_shape(stated)} as {stated_what}: the "
                                 "shapes disagree")  # fmt: skip
    verdicts = [same_size(a, b) for a, b in zip(shape, stated, strict=True)]
    if all(v is True for v in verdicts):
        return right(claim, f"{derived}, as {stated_what}")
    differing = [i for i, v in enumerate(verdicts) if v is False]
    if differing and provable:
        axis = differing[0]
        return wrong(
            claim,
            f"{derived}, not {shown_shape(stated)}",
            expected=sp.Tuple(*shape),
            witness=f"axis {axis + 1}: {shape[axis]} ≠ {stated[axis]}",
        )
    open_axes = [i for i, v in enumerate(verdicts) if v is not True]
    equalities = ", ".join(f"{shape[i]} = {stated[i]}" for i in open_axes)
    return unverified(
        claim,
        f"{derived}; {stated_what} {shown_shape(stated)}: they agree only if {equalities}",
    )


# ----------------------------------------------------------------------------------------------
# The forms
# ----------------------------------------------------------------------------------------------
def _stated(
    claim: Claim, statement: ArrayStatement, env: ArrayEnvironment, facts: ArrayFacts
) -> Judgement:
    subject = statement.subject
    stated = statement.stated
    if subject is None or stated is None:
        return unverified(claim, "a shape with nothing it is the shape of")
    marks = layer_marks(statement.text)
    if isinstance(subject, ArrayName):
        binding = env.binding(subject.key, marks)
        if binding is None or binding.stated:
            return _layer(claim, statement, facts)
        found = Evaluated(binding.shape, ((subject.key, binding),))
        what = f"{describe(subject)} = {_right_side(binding.how)}"
        return _compare(claim, stated, found, what, "stated here", statement.section)
    found = env.evaluate(subject, marks)
    return _compare(claim, stated, found, describe(subject), "stated here", statement.section)


def _right_side(text: str) -> str:
    """The code of a definition's text (``w_t = w.T`` → ``w.T``)."""
    return text.split("=", 1)[1].strip() if "=" in text else text


def _defined(
    claim: Claim, statement: ArrayStatement, env: ArrayEnvironment, facts: ArrayFacts
) -> Judgement:
    subject, code = statement.subject, statement.code
    assert subject is not None and code is not None
    marks = layer_marks(statement.text)
    found = env.evaluate(code, marks)
    what = describe(code)
    if statement.displayed is not None:
        judgement = _compare(
            claim, statement.displayed, found, what, "the matrix written", statement.section
        )
        if judgement.verdict == "right":
            return unverified(claim, f"{judgement.message}; its entries are not checked")
        return judgement
    if statement.stated is not None:
        if found.shape is None and found.error is None:
            im2col = _im2col_of_code(claim, statement, facts, code)
            if im2col is not None:
                return im2col
        return _compare(claim, statement.stated, found, what, "stated here", statement.section)
    binding = env.binding(subject.key, marks) if isinstance(subject, ArrayName) else None
    if (
        binding is not None
        and binding.stated
        and binding.shape is not None
        and (binding.marks == marks)
    ):
        said = f"line {binding.line} states for {describe(subject)}"
        judgement = _compare(
            claim, binding.shape, found, what, said, statement.section, binding.section
        )
        if judgement.verdict == "right":
            layout = _im2col_output(claim, statement, facts, code)
            if layout is not None:
                return layout
            return unverified(claim, f"{judgement.message}; the order of its entries is not "
                                     "checked")  # fmt: skip
        return judgement
    if found.error is not None:
        return unverified(claim, f"{what} cannot be computed: {found.error}")
    inverse = _inverse(claim, facts, subject)
    if inverse is not None:
        return inverse
    if found.shape is None:
        return unverified(claim, f"the shape of {_unknown(found, what)} is not known here")
    return unverified(
        claim,
        f"{what} has shape {shown_shape(found.shape)}; nothing states the shape of "
        f"{describe(subject)} to compare it with",
    )


def _inverse(claim: Claim, facts: ArrayFacts, subject: ArrayNode) -> Judgement | None:
    """The error of a rearranged array, rearranged back
    (:func:`symconv.check.array_values.check_inverse`)."""
    from symconv.check.array_values import check_inverse

    found = check_inverse(facts.scope, facts.position)
    if found.equal is None:
        return None
    undone = f"line {found.line}'s rearrangement of {found.source}"
    if found.equal:
        return right(
            claim,
            f"{describe(subject)} undoes {undone}: it is laid out as {found.source}, the error "
            f"of {found.source} (checked entry by entry at {found.sizes})",
        )
    return unverified(
        claim,
        f"{describe(subject)} does not undo {undone} ({found.witness}, at {found.sizes}): it is "
        f"not laid out as {found.source}",
    )


def _gradient(
    claim: Claim, statement: ArrayStatement, env: ArrayEnvironment, facts: ArrayFacts
) -> Judgement:
    """A gradient has its variable's shape; its values are those of the document's forward
    (:func:`symconv.check.array_values.check_gradient`)."""
    from symconv.check.array_values import check_gradient

    variable, code = statement.subject, statement.code
    assert variable is not None and code is not None
    marks = layer_marks(statement.text)
    name = describe(variable)
    binding = env.binding(variable.key, marks) if isinstance(variable, ArrayName) else None
    if binding is None or binding.shape is None:
        return unverified(claim, f"the shape of {name} is not known here")
    found = env.evaluate(code, marks)
    judgement = _compare(
        claim, binding.shape, found, describe(code),
        f"the gradient with respect to {name} has its shape (line {binding.line})",
        statement.section, binding.section,
    )  # fmt: skip
    if judgement.verdict == "wrong" and binding.stated:
        return judgement
    values = check_gradient(facts.scope, facts.position)
    objective = statement.objective or "C"
    if values.equal is not None:
        from symconv.check.array_code import readable

        lines = ", ".join(map(str, values.forward))
        forward = f"the forward on line{'s' if len(values.forward) > 1 else ''} {lines}"
        error, output = readable(values.error), readable(values.output)
        taken = f"{error} taken as ∂{objective}/∂{output}"
        if values.equal:
            return right(
                claim,
                f"∂{objective}/∂{name} = {describe(code)} is the gradient of {forward} ({taken}): "
                f"equal at every entry on integer arrays, at {values.sizes}",
            )
        return unverified(
            claim,
            f"not the gradient of {forward} with {taken}: {values.witness} (at {values.sizes}); "
            "the document may mean another error",
        )
    reason = f" ({values.reason})" if values.reason else ""
    if judgement.verdict == "right":
        return unverified(claim, f"{judgement.message}; its values are not checked{reason}")
    if judgement.verdict == "wrong":
        return unverified(claim, judgement.message)
    return judgement


# ----------------------------------------------------------------------------------------------
# A layer's shapes
# ----------------------------------------------------------------------------------------------
def _members(statement: ArrayStatement, facts: ArrayFacts) -> dict[Role, ArrayStatement]:
    members: dict[Role, ArrayStatement] = {}
    for other in facts.scope.statements:
        if other.group is None or other.group != statement.group or other.role is None:
            continue
        if other.form is ArrayForm.STATED and other.stated is not None:
            members.setdefault(other.role, other)
    return members


def _all(verdicts: Sequence[bool | None]) -> bool | None:
    """True if every reading says True, False if every one says False, else None."""
    if verdicts and all(v is True for v in verdicts):
        return True
    if verdicts and all(v is False for v in verdicts):
        return False
    return None


def _layer(claim: Claim, statement: ArrayStatement, facts: ArrayFacts) -> Judgement:
    """A shape stated with the layer's other shapes (module docstring): right under every
    reading of the layouts that fits the input and the kernel, wrong under none."""
    members = _members(statement, facts)
    kernel, data = members.get(Role.KERNEL), members.get(Role.INPUT)
    if kernel is None or statement.role is None or kernel.stated is None:
        return unverified(claim, "a shape the document states here (nothing to compare it with)")
    if data is None or data.stated is None:
        return unverified(claim, "the layer's input is not stated with it: the kernel's "
                                 "layout is not known")  # fmt: skip
    fitting = readings(kernel.stated, data.stated)
    if not fitting:
        return unverified(
            claim,
            f"the kernel {shown_shape(kernel.stated)} takes the channels of the input "
            f"{shown_shape(data.stated)} in no layout ((M, C, k, k) or (k, k, C, M), with "
            "(N, C, H, W) or (N, H, W, C))",
        )
    first = fitting[0]
    channels = first.channels(data.stated)
    layouts = first.words() if len(fitting) == 1 else "in every layout that fits"
    role = statement.role
    if role is Role.INPUT:
        return right(
            claim,
            f"the layer's shapes agree: {layouts}, the input's {channels} channels are the "
            f"kernel's input channels (line {kernel.line})",
        )
    if role is Role.KERNEL:
        counts = list(dict.fromkeys(str(r.filters(kernel.stated)) for r in fitting))
        filters = counts[0] if len(counts) == 1 else " or ".join(counts)
        read = "" if len(counts) == 1 else ", as its layout is read"
        return right(
            claim,
            f"the layer's shapes agree: {layouts}, the kernel takes the {channels} channels "
            f"of the input (line {data.line}) and has {filters} filters{read}",
        )
    stated = statement.stated or ()
    if role is Role.BIAS:
        return _bias(claim, stated, fitting, kernel)
    return _output(claim, stated, data.stated, kernel.stated, fitting)


def _bias(
    claim: Claim, stated: Shape, fitting: Sequence[Reading], kernel: ArrayStatement
) -> Judgement:
    assert kernel.stated is not None
    kernel_shape = shown_shape(kernel.stated)
    counts = [r.filters(kernel.stated) for r in fitting]
    verdict = _all([len(stated) == 1 and same_size(stated[0], m) for m in counts])
    filters = counts[0]
    if verdict is True:
        return right(claim, f"one bias per filter: the kernel {kernel_shape} (line "
                            f"{kernel.line}) has {filters} filters")  # fmt: skip
    if (
        verdict is False
        and len(stated) == 1
        and all(same_size(stated[0], m) is False for m in counts)
    ):
        shown = " or ".join(str(m) for m in dict.fromkeys(counts))
        return wrong(
            claim,
            f"one bias per filter: the kernel {kernel_shape} (line {kernel.line}) has {shown} "
            f"filters (in every layout that fits the input), not {stated[0]}",
            expected=sp.Tuple(filters),
            witness=f"{stated[0]} ≠ {shown}",
        )
    shown = " or ".join(str(m) for m in dict.fromkeys(counts))
    return unverified(
        claim,
        f"one bias per filter: the kernel {kernel_shape} has {shown} filters, as its layout is "
        f"read; {shown_shape(stated)} agrees only if its size is that",
    )


def _output(
    claim: Claim, stated: Shape, data: Shape, kernel: Shape, fitting: Sequence[Reading]
) -> Judgement:
    if len(stated) != 4:
        return unverified(claim, f"an output of {len(stated)} axes from an input of 4")
    outcomes = [_output_in(stated, data, kernel, reading) for reading in fitting]
    verdicts = [outcome[0] for outcome in outcomes]
    if all(v is True for v in verdicts):
        return right(claim, outcomes[0][1])
    wrongs = [outcome for outcome in outcomes if outcome[0] is False]
    if len(wrongs) == len(outcomes):
        return wrong(claim, wrongs[0][1], witness=wrongs[0][2])
    reasons = [outcome[1] for outcome in outcomes if outcome[0] is not True]
    return unverified(claim, reasons[0])


def _output_in(
    stated: Shape, data: Shape, kernel: Shape, reading: Reading
) -> tuple[bool | None, str, str]:
    """The output under one reading: (verdict, message, witness)."""
    channel_axis = 1 if reading.data == "NCHW" else 3
    filters = reading.filters(kernel)
    checks = [(0, data[0], "the input's batch"), (channel_axis, filters, "one channel per filter")]
    for axis, expected, why in checks:
        verdict = same_size(stated[axis], expected)
        if verdict is False:
            message = f"the output's axis {axis + 1} is {expected} ({why}), not {stated[axis]}"
            return False, message, f"{stated[axis]} ≠ {expected}"
        if verdict is None:
            return None, f"the output's axis {axis + 1} is {stated[axis]}; {why} is {expected}", ""
    spatial = reading.spatial(stated)
    if all(as_sympy(size).is_number for size in spatial):
        return None, ("the output's batch and channels agree with the layer; its height and "
                      "width are judged with the layer's size formulas"), ""  # fmt: skip
    if any(size in reading.spatial(data) for size in spatial):
        return None, "the output's height and width are the input's names", ""
    named = ", ".join(str(size) for size in spatial)
    return (
        True,
        (
            f"the layer's shapes agree: the output keeps the input's batch {data[0]} and has one "
            f"channel per filter ({filters}); {named} name its height and width"
        ),
        "",
    )


# ----------------------------------------------------------------------------------------------
# im2col
# ----------------------------------------------------------------------------------------------
def _latest(facts: ArrayFacts, role: Role) -> ArrayStatement | None:
    found = None
    for other in facts.scope.statements[: facts.position]:
        if other.role is role and other.form is ArrayForm.STATED and other.stated is not None:
            found = other
    return found


def _im2col_candidates(
    role: Role, facts: ArrayFacts, statement: ArrayStatement
) -> list[tuple[list[Shape], str]] | None:
    """For each reading of the layer's layouts, the im2col shapes of its kernel or input and
    the working (:mod:`symconv.check.array_layers`); None when the layer is not known."""
    kernel, data = _latest(facts, Role.KERNEL), _latest(facts, Role.INPUT)
    if kernel is None or data is None or kernel.stated is None or data.stated is None:
        return None
    layouts = readings(kernel.stated, data.stated)
    if not layouts or isinstance(data.padding, str):
        return None
    if role is Role.KERNEL:
        return [kernel_matrices(kernel.stated, reading) for reading in layouts]
    output = _latest(facts, Role.OUTPUT)
    same_layer = output is not None and output.stated is not None and output.group == data.group
    found = []
    for reading in layouts:
        if same_layer and output is not None and output.stated is not None:
            height, width = reading.spatial(output.stated)
            positions = Positions(
                height, width, f"the output's {height}×{width}, line {output.line}"
            )
        else:
            stride = data.stride or statement.stride or (1, 1)
            padding = data.padding if isinstance(data.padding, tuple) else (0, 0)
            computed = positions_of(data.stated, kernel.stated, reading, stride, padding)
            if computed is None:
                return None
            positions = computed
        found.append(input_matrices(data.stated, kernel.stated, reading, positions))
    return found


def _im2col_verdict(
    claim: Claim, stated: Shape, role: Role, facts: ArrayFacts, statement: ArrayStatement
) -> Judgement:
    """Right when the shape is an im2col arrangement under every reading of the layouts."""
    found = _im2col_candidates(role, facts, statement)
    noun = "kernel" if role is Role.KERNEL else "input"
    if found is None:
        return unverified(claim, f"the layer's {noun} and kernel are not both stated before")

    def matches(candidate: Shape) -> bool:
        return len(candidate) == len(stated) and all(
            same_size(a, b) is True for a, b in zip(candidate, stated, strict=True)
        )

    if all(any(matches(c) for c in candidates) for candidates, _ in found):
        return right(claim, f"the im2col matrix of the {noun}: {found[0][1]}")
    candidates, working = found[0]
    return unverified(
        claim,
        f"as an im2col matrix the {noun} is {shown_shape(candidates[0])} or its transpose "
        f"({working}); {shown_shape(stated)} may be another arrangement",
    )


def _converted(claim: Claim, statement: ArrayStatement, facts: ArrayFacts) -> Judgement:
    if statement.role not in (Role.KERNEL, Role.INPUT) or statement.stated is None:
        return unverified(claim, "a matrix of an array that is not the layer's input or kernel")
    return _im2col_verdict(claim, statement.stated, statement.role, facts, statement)


#: The names libraries give the unrolling of windows into rows (Caffe's ``im2col``, PyTorch's
#: ``unfold``): what they compute needs no description.
_IM2COL_NAMES = frozenset({"im2col", "img2col", "im2row", "unfold"})


def _im2col_of_code(
    claim: Claim, statement: ArrayStatement, facts: ArrayFacts, code: ArrayNode
) -> Judgement | None:
    """``a_t = trans(a), dim=(…)``: a function of the layer's input, in a section that turns
    the convolution into a matrix product; a function of another name than im2col's must be
    described as unrolling each window into a row (*将每一个卷积核停留处的对应数值展成一行*,
    *each patch becomes a row*)."""
    from symconv.check.array_prose import matmul_context, unrolls_windows

    if not isinstance(code, ArrayCall) or code.numpy or len(code.args) != 1:
        return None
    argument = code.args[0].node
    data = _latest(facts, Role.INPUT)
    if not isinstance(argument, ArrayName) or data is None or data.subject is None:
        return None
    if not isinstance(data.subject, ArrayName) or data.subject.key != argument.key:
        return None
    if not matmul_context(statement.words):
        return None
    if code.function.lower() not in _IM2COL_NAMES and not unrolls_windows(statement.words):
        return None
    assert statement.stated is not None
    return _im2col_verdict(claim, statement.stated, Role.INPUT, facts, statement)


def _im2col_output(
    claim: Claim, statement: ArrayStatement, facts: ArrayFacts, code: ArrayNode
) -> Judgement | None:
    """``z = z_t.transpose([0, 2, 1]).reshape(B, C, H, W) + b.reshape(1, -1, 1, 1)`` where
    ``z_t = a_t w_t`` and ``a_t`` is the im2col matrix of the layer's input: ``z_t``'s rows are
    the window positions in row order (im2col's order: Chellapilla et al. 2006, the
    ``im2col`` of Caffe), its columns the filters — so ``z[b, c, h, w]`` must be ``z_t[b, h·W
    + w, c] + b[c]`` (NCHW; ``z[b, h, w, c]`` for NHWC)."""
    from symconv.check.array_values import im2col_layout

    subject = statement.subject
    output = _latest(facts, Role.OUTPUT)
    if not isinstance(subject, ArrayName) or output is None or output.stated is None:
        return None
    if not isinstance(output.subject, ArrayName) or output.subject.key != subject.key:
        return None
    members = _members(output, facts)
    kernel, data = members.get(Role.KERNEL), members.get(Role.INPUT)
    if kernel is None or data is None or kernel.stated is None or data.stated is None:
        return None
    layouts = {reading.data for reading in readings(kernel.stated, data.stated)}
    if len(layouts) != 1 or len(output.stated) != 4:
        return None
    layout = layouts.pop()
    found = im2col_layout(facts.scope, facts.position, output.stated, layout, data)
    if found is None:
        return None
    equal, product, detail = found
    order = "(B, C, H, W)" if layout == "NCHW" else "(B, H, W, C)"
    if equal:
        return right(
            claim,
            f"{describe(subject)} puts the rows of {product} (the window positions, in row order) "
            f"and its columns (one per filter) back as {order}, the bias along the channels "
            f"(checked entry by entry at {detail})",
        )
    return unverified(
        claim,
        f"{describe(subject)} does not put the rows of {product} (the window positions, in row "
        f"order) back as {order}: {detail}",
    )

"""What a document says of its arrays, as typed data: shapes stated, arrays defined by code,
gradients written as code, and the layer the arrays belong to.

:mod:`symconv.check.read_arrays` reads a document into an :class:`ArrayScope` — its
:class:`ArrayStatement` s in document order — and each statement that claims something is a
claim (kind ``shape``) whose facts (:class:`ArrayFacts`) hold the statement and the scope;
:mod:`symconv.check.judges.arrays` judges it. Only data here (no reading, no arithmetic).

The kinds of statement (:class:`ArrayForm`):

* ``stated``: a shape written for a name or an expression — ``$a$ 维度为 $(1,3,4,4)$``,
  ``$\\delta^l_t, dim=(B,H^lW^l,C^l)$``, *the result has shape (…)*;
* ``defined``: an array defined by code, ``w_t = w.reshape(-1, C^l).T`` (with the shape written
  after it, if any: ``a_t = trans(a), dim=(…)``; with the matrix it equals, if written:
  ``w_t = w.reshape(-1,2).T = [⋯]^T``);
* ``gradient``: ``\\frac{\\partial C}{\\partial a_t} = np.tensordot(\\delta_t, (w_t)^T,
  [(2),(0)])``;
* ``converted``: a layer's input or kernel turned into the matrix of a matrix product (im2col),
  with the shape written — *卷积核转为 (3*2*2,2) 的矩阵*, *the input becomes a (1, 9, 12)
  matrix*.

A statement's ``role`` is what the words around it call the array — the layer's ``input``,
``output``, ``kernel`` or ``bias`` — and ``group`` numbers the statements that describe one
layer together (one sentence of data, one glossary).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from symconv.check.array_code import ArrayNode

__all__ = ["ArrayFacts", "ArrayForm", "ArrayScope", "ArrayStatement", "Role"]


class ArrayForm(StrEnum):
    """What an :class:`ArrayStatement` says (module docstring)."""

    STATED = "stated"
    DEFINED = "defined"
    GRADIENT = "gradient"
    CONVERTED = "converted"


class Role(StrEnum):
    """What the words call an array, in the layer it belongs to."""

    INPUT = "input"
    OUTPUT = "output"
    KERNEL = "kernel"
    BIAS = "bias"


@dataclass(frozen=True)
class ArrayStatement:
    """One statement about arrays, where it is written and what it says.

    ``subject`` is the array the statement is about (a name, or an expression whose shape is
    stated; for ``defined``, the name defined; for ``gradient``, the variable); ``code`` the
    code on the right of a definition or a gradient; ``stated`` the shape written (sizes, exact);
    ``displayed`` the shape of a matrix the definition says the code equals (with ``^T``
    applied); ``objective`` the name differentiated; ``role`` and ``group`` as in the module
    docstring; ``words`` the words of its sentence (for the im2col cue and the messages).
    ``segments`` and ``spans`` say what it was read from, so that the claim the reading made
    of the same math is this statement's."""

    form: ArrayForm
    line: int
    end_line: int
    text: str
    subject: ArrayNode | None = None
    code: ArrayNode | None = None
    stated: tuple[Any, ...] | None = None
    displayed: tuple[Any, ...] | None = None
    objective: str | None = None
    role: Role | None = None
    group: int | None = None
    words: str = ""
    cell: int | None = None
    segments: tuple[int, ...] = ()
    spans: tuple[tuple[int, int, int], ...] = ()
    #: Stride and padding of the layer of this statement's sentence or section (None: unsaid).
    stride: tuple[int, ...] | None = None
    padding: tuple[int, ...] | str | None = None
    #: The section (between headings) it is written in.
    section: int = 0


@dataclass(frozen=True)
class ArrayScope:
    """The document's array statements in order (one scope for the whole document: a later
    shape statement of a name takes the place of an earlier one from then on)."""

    statements: tuple[ArrayStatement, ...]


@dataclass(frozen=True)
class ArrayFacts:
    """A claim's facts: the statement (``position`` in its scope) and the scope."""

    position: int
    scope: ArrayScope = ArrayScope(())

    @property
    def statement(self) -> ArrayStatement:
        return self.scope.statements[self.position]

"""The shapes a document has given its arrays at a point: bindings, names and their provenance.

Walking an :class:`~symconv.check.array_statements.ArrayScope` up to a statement, each
statement binds what it says — a stated shape binds its name (or its expression) to that shape,
a definition binds its name to the shape of its code — and a later binding of a name takes the
place of an earlier one. :class:`ArrayEnvironment` answers what a name's shape is there and
*where it comes from*: a shape the document **states** (in words, ``dim=``, a matrix it
writes), or one the checker **derived** from the document's code. A mistake in shapes is proved
only from stated shapes (:mod:`symconv.check.judges.arrays`): a derived one rests on a line that
may itself be the mistake.

Names: ``a^{l-1}_t`` and ``a_t^{l-1}`` are one name (:func:`~symconv.check.array_code.
array_key`); a derivation for layer ``l`` often drops the superscript of the layer's own arrays
(``w_t = w.reshape(-1, C^l).T`` for ``w^l``): a name without a superscript, in a statement that
writes the layer's superscripts, is the one array of its name with such a superscript, and a
name with a superscript that nothing bound is its plain name's array.

    >>> import sympy as sp
    >>> from symconv.check.array_statements import ArrayForm, ArrayScope, ArrayStatement
    >>> from symconv.check.array_code import read_array_code
    >>> B, C = sp.symbols("B C^{l}")
    >>> stated = ArrayStatement(ArrayForm.STATED, 1, 1, "", subject=read_array_code("w^l"),
    ...                         stated=(C, B))
    >>> defined = ArrayStatement(ArrayForm.DEFINED, 2, 2, "w_t = w.reshape(C^l, -1).T",
    ...                          subject=read_array_code("w_t"), code=read_array_code("w.T"))
    >>> env = environment(ArrayScope((stated, defined)), 2)
    >>> binding = env.binding("w_t^l", ("l",))
    >>> binding.shape, binding.stated, binding.line
    ((B, C^{l}), False, 2)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from symconv.check.array_code import ArrayIndex, ArrayName, ArrayNode, describe
from symconv.check.array_shapes import ArrayShapeError, Shape, shape_of
from symconv.check.array_statements import ArrayForm, ArrayScope, ArrayStatement
from symconv.core.patterns import lazy_compile
from symconv.errors import ParseError

__all__ = ["ArrayEnvironment", "Binding", "Evaluated", "environment", "layer_marks"]


@dataclass(frozen=True)
class Binding:
    """A name's shape from ``line`` on: ``stated`` by the document, or derived from its code
    (``how`` says which code, for messages)."""

    shape: Shape | None
    line: int
    stated: bool
    how: str = ""
    #: The layer superscripts its statement writes (a name of layer ``l`` is bound there).
    marks: tuple[str, ...] = ()
    #: The section of the statement that bound it.
    section: int = 0


@dataclass(frozen=True)
class Evaluated:
    """The shape of some code here, the bindings it used, and the error NumPy's rules raise on
    it (with the sizes), if any."""

    shape: Shape | None
    used: tuple[tuple[str, Binding], ...] = ()
    error: str | None = None
    #: The names it needed whose shape nothing gave.
    missing: tuple[str, ...] = ()

    @property
    def from_stated(self) -> bool:
        """True if every shape it used is one the document states."""
        return all(binding.stated for _, binding in self.used)

    def provable(self, section: int) -> bool:
        """True if every shape it used is one the document states in ``section`` (a shape stated
        in another section may be another example's array of the same name)."""
        return self.from_stated and all(binding.section == section for _, binding in self.used)


@dataclass
class ArrayEnvironment:
    """Bindings by name key and by expression (:func:`~symconv.check.array_code.describe`)."""

    names: dict[str, Binding] = field(default_factory=dict)
    expressions: dict[str, Binding] = field(default_factory=dict)

    # -- names ---------------------------------------------------------------------------------
    def resolve(self, key: str, marks: Iterable[str] = ()) -> str | None:
        """The key ``key`` is bound under (module docstring: a layer's superscript may be
        dropped), or None."""
        marks = tuple(marks)
        plain = _plain(key)
        if plain == key and marks:
            layered = [k for k in self.names if _plain(k) == key and k != key and _mark(k) in marks]
            if len(layered) == 1:
                return layered[0]
        if key in self.names:
            return key
        if plain != key and plain in self.names and _mark(key) in self.names[plain].marks:
            return plain  # w^l_t for the w_t a statement about layer l defined
        return None

    def binding(self, key: str, marks: Iterable[str] = ()) -> Binding | None:
        """The binding of ``key`` (:meth:`resolve`)."""
        found = self.resolve(key, marks)
        return self.names[found] if found is not None else None

    def declared_shapes(self, key: str) -> list[Shape]:
        """Shapes of ``key`` that the expressions stated for it imply: ``(w_t)^T, dim=(M, K)``
        says ``w_t`` is ``(K, M)``."""
        from symconv.check.array_code import read_array_code

        found = []
        for text, binding in self.expressions.items():
            if binding.shape is None or not text.endswith("^T") or len(binding.shape) != 2:
                continue
            inner = text[:-2].strip("()")
            try:
                node = read_array_code(inner)
            except ParseError:
                continue
            if isinstance(node, ArrayName) and _plain(node.key) == _plain(key):
                found.append((binding.shape[1], binding.shape[0]))
        return found

    def evaluate(self, node: ArrayNode, marks: Iterable[str] = ()) -> Evaluated:
        """The shape of ``node`` with these bindings, and which it used."""
        marks = tuple(marks)
        used: dict[str, Binding] = {}
        missing: list[str] = []

        def lookup(key: str) -> Shape | None:
            found = self.binding(key, marks)
            if found is None:
                missing.append(key)
                return None
            used[key] = found
            return found.shape

        def declared(text: str) -> Shape | None:
            found = self.expressions.get(_alias_free(text))
            if found is None:
                return None
            used[text] = found
            return found.shape

        try:
            shape = shape_of(node, lookup, declared)
        except ArrayShapeError as error:
            return Evaluated(None, tuple(used.items()), str(error), tuple(missing))
        return Evaluated(shape, tuple(used.items()), missing=tuple(missing))

    # -- building ------------------------------------------------------------------------------
    def bind(self, subject: ArrayNode, binding: Binding) -> None:
        if isinstance(subject, ArrayName):
            self.names[subject.key] = binding
        else:
            self.expressions[_alias_free(describe(subject, keys=True))] = binding

    def add(self, statement: ArrayStatement) -> None:
        """What ``statement`` binds (module docstring)."""
        subject = statement.subject
        if subject is None or statement.form in (ArrayForm.GRADIENT, ArrayForm.CONVERTED):
            return
        marks = layer_marks(statement.text)
        line, section = statement.line, statement.section
        if statement.stated is not None:  # stated, or a definition with its shape after it
            how = "written" if statement.displayed is not None else "stated"
            self.bind(subject, Binding(statement.stated, line, True, how, marks, section))
            return
        if statement.displayed is not None:
            binding = Binding(statement.displayed, line, True, "written", marks, section)
            self.bind(subject, binding)
            return
        if statement.code is not None and not isinstance(subject, ArrayIndex):
            found = self.evaluate(statement.code, marks)
            binding = Binding(found.shape, line, False, statement.text, marks, section)
            self.bind(subject, binding)


def environment(scope: ArrayScope, position: int) -> ArrayEnvironment:
    """The bindings made by the statements before ``position``."""
    env = ArrayEnvironment()
    for statement in scope.statements[:position]:
        env.add(statement)
    return env


def _alias_free(key: str) -> str:
    """An expression's key with the layer superscripts of its names dropped (``w_t^l^T`` and
    ``w_t^T`` are one expression)."""
    return re.sub(r"\^(?!T\b)[^_^.\s,()\[\]]+", "", key)


def _plain(key: str) -> str:
    """The key without its superscript: ``w_t^l`` → ``w_t``."""
    return key.split("^", 1)[0]


def _mark(key: str) -> str:
    return key.split("^", 1)[1] if "^" in key else ""


_LAYER_MARK = lazy_compile(r"\^\s*\{?\s*[(\[]?\s*([A-Za-z](?:\s*[-+]\s*\d+)?)\s*[)\]]?\s*\}?")


def layer_marks(text: str) -> tuple[str, ...]:
    """The layer superscripts a statement writes (``C^l``, ``a^{l-1}``): ``("l", "l-1")``.

    >>> layer_marks("w_t = w.reshape(-1, C^l).T"), layer_marks("x^{(l-1)} W^T")
    (('l',), ('l-1',))
    """
    found: list[str] = []
    for match in _LAYER_MARK.finditer(text):
        mark = re.sub(r"\s+", "", match.group(1))
        if mark in ("T",):
            continue
        if mark not in found:
            found.append(mark)
    return tuple(found)

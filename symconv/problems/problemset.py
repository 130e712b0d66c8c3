"""Problem sets written as data files (TOML): a lecturer's set, without writing Python.

The format is a documented contract (``docs/problem-sets.md``; the keys are
:mod:`symconv.problems.schema`, the engines ``symconv solve --engines``). A file names the set,
its exercises and their data, and for each part the engine derivation that answers it
(:mod:`symconv.problems.engines`), with accepted alternatives and known misconceptions::

    id = "my-set"
    title = "Convolution practice"
    source = "Course notes, week 10"
    conventions = ["0-based indices"]

    [[exercise]]
    id = "my-set-1"
    title = "Output size"
    statement = "A 5×5 input and a 3×3 kernel."
    data = { i = 5, k = 3 }

    [[exercise.part]]
    id = "my-set-1a"
    question = "The size of the valid output."
    engine = "conv_output_size"
    args = { i = "$i", k = "$k" }            # "$name" reads the exercise's data
    points = 2

    [[exercise.part.misconceptions]]           # computed by an engine, or a literal `answer`
    engine = "conv_output_size"
    args = { i = "$i", k = "$k", p = 1 }
    diagnosis = "padding assumed"

Loading validates the whole file first (:mod:`symconv.problems.validation`) and raises one
:class:`~symconv.errors.ProblemSetError` listing every problem, each with the file, the line, the
exercise, the part and the key; only a valid file is built. Solutions are built lazily; an engine
that fails when a part is solved (a kernel larger than its input) raises its own error, its
message prefixed with the file, the line, the exercise and the part.

An exercise's ``context`` table names values a checker may evaluate claims against (its data and
tensors derived from it: ``context = { X = "$X", Z = { engine = "correlate", args = {...} } }``).
Accepted answers: ``answer = <literal>`` (an integer, a list → tuple, a list of lists → matrix),
``engine``/``args`` (its answer), or ``permute = [...]`` (the part's own tuple answer reordered,
e.g. another layout). Engines may also offer their own alternatives (every location of a maximum).
An accepted family names its free parameters, ``parameters = ["c"]`` (strings in ``answer`` are
symbols): only those are solved for when an answer is compared with it. Without ``quantities``,
the set's quantities are inferred from its data (:func:`inferred_quantities`).
Nothing in the file is evaluated: strings are symbol names, references or index formulas read by
symconv's own grammar.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import sympy as sp

from symconv.core.derivation import Derivation
from symconv.core.patterns import lazy_compile
from symconv.errors import ParseError, ProblemSetError, SymconvError
from symconv.problems.arguments import size_names
from symconv.problems.engines import find_engine, run_engine
from symconv.problems.model import Accepted, Exercise, Misconception, Part, ProblemSet, Solution
from symconv.problems.source_lines import Path as TablePath
from symconv.problems.source_lines import SourceLines
from symconv.problems.validation import Problem, resolve, validate
from symconv.problems.variants import draw, fill, first_values, variables_of

#: ``tomllib``'s place of a syntax error: ``(at line 3, column 7)``.
TOML_PLACE = lazy_compile(r"\(at line (\d+), column (\d+)\)")


def exact_value(value: Any, where: str) -> Any:
    """Data → an exact SymPy value: int → Integer, list → Tuple, list of lists → Matrix."""
    if isinstance(value, bool):
        raise ParseError(f"{where}: {value!r} is not a number")
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, list):
        if value and all(isinstance(row, list) for row in value):
            return sp.ImmutableMatrix([[exact_value(v, where) for v in row] for row in value])
        return sp.Tuple(*(exact_value(v, where) for v in value))
    if isinstance(value, str):
        return sp.Symbol(value, integer=True, positive=True)
    raise ParseError(f"{where}: {value!r} is not an exact value (floats are not exact)")


@dataclass(frozen=True)
class _Where:
    """A place in the file, for the messages of errors raised after loading."""

    path: str
    source: SourceLines | None
    table: TablePath
    exercise: str
    part: str | None = None

    def text(self, key: str | None = None) -> str:
        line = self.source.line_of(self.table, key) if self.source is not None else None
        place = f"{self.path}:{line}" if line else self.path
        inside = f"exercise {self.exercise}" + (f", part {self.part}" if self.part else "")
        return f"{place}: {inside}"

    def inner(self, table: TablePath) -> _Where:
        return _Where(self.path, self.source, table, self.exercise, self.part)


def _run(engine: str, arguments: Mapping[str, Any], where: _Where, what: str) -> Derivation:
    """Run an engine; an error names the file, line, exercise and part (its type is kept)."""
    try:
        return run_engine(engine, arguments)
    except SymconvError as error:
        error.args = (f"{where.text('engine')}: {what}engine {engine}: {error}", *error.args[1:])
        raise


def _build_part(
    table: Mapping[str, Any], data: Mapping[str, Any], where: _Where, notation: str
) -> Part:
    engine = str(table["engine"])
    arguments = resolve(table.get("args", {}), data)

    def build() -> Solution:
        derivation = _run(engine, arguments, where, "")
        if notation and derivation.notation != notation:
            derivation = replace(derivation, notation=notation)  # type: ignore[arg-type]
        accepted = [
            Accepted(answer, convention)
            for answer, convention in derivation.details.get("alternatives", ())
        ]
        for index, entry in enumerate(table.get("accepted", [])):
            inner = where.inner((*where.table, "accepted", index))
            value = _alternative(entry, derivation.answer, data, inner, f"accepted[{index + 1}]: ")
            accepted.append(
                Accepted(
                    value, fill(str(entry["convention"]), data), _parameters(entry, value, inner)
                )
            )
        misconceptions = []
        for index, entry in enumerate(table.get("misconceptions", [])):
            inner = where.inner((*where.table, "misconceptions", index))
            what = f"misconceptions[{index + 1}]: "
            value = _alternative(entry, derivation.answer, data, inner, what)
            misconceptions.append(Misconception(value, fill(str(entry["diagnosis"]), data)))
        return Solution(derivation, tuple(accepted), tuple(misconceptions))

    question = fill(str(table.get("question", "")), data)
    return Part(str(table["id"]), question, build, table.get("points", 1))


def _parameters(entry: Mapping[str, Any], value: Any, where: _Where) -> tuple[sp.Symbol, ...]:
    """An accepted family's declared free parameters (``parameters = ["c"]``): names of its
    answer's symbols; a checker solves for these and only these."""
    names = [str(name) for name in entry.get("parameters", [])]
    symbols = {s.name: s for s in getattr(value, "free_symbols", ())}
    missing = [name for name in names if name not in symbols]
    if missing:
        raise ParseError(
            f"{where.text('parameters')}: parameters {missing} are not symbols of the accepted "
            f"answer {value}"
        )
    return tuple(symbols[name] for name in names)


def _alternative(
    entry: Mapping[str, Any], answer: Any, data: Mapping[str, Any], where: _Where, what: str
) -> Any:
    if "answer" in entry:
        return exact_value(resolve(entry["answer"], data), f"{where.text('answer')}: {what}")
    if "permute" in entry:
        order = [int(i) for i in entry["permute"]]
        if not isinstance(answer, sp.Tuple) or sorted(order) != list(range(len(answer))):
            raise ParseError(
                f"{where.text('permute')}: {what}permute={order} does not reorder the answer "
                f"{answer}"
            )
        return sp.Tuple(*(answer[i] for i in order))
    return _run(str(entry["engine"]), resolve(entry.get("args", {}), data), where, what).answer


def _context_builder(
    table: Mapping[str, Any], data: Mapping[str, Any], where: _Where
) -> Callable[[], dict[str, Any]]:
    """The exercise's named values: each ``context`` entry is a literal or an engine's answer."""

    def build() -> dict[str, Any]:
        context: dict[str, Any] = {}
        for name, entry in table.items():
            if isinstance(entry, dict) and "engine" in entry:
                arguments = resolve(entry.get("args", {}), data)
                context[name] = _run(
                    str(entry["engine"]), arguments, where, f"context.{name}: "
                ).answer
            else:
                context[name] = exact_value(resolve(entry, data), f"{where.text()}: context.{name}")
        return context

    return build


def inferred_quantities(document: Mapping[str, Any]) -> tuple[str, ...]:
    """The quantities of a set without ``quantities``: every data name with an integer value,
    and every size name (``"N"``) an engine reads as a size, in the order they appear.

    >>> inferred_quantities({"exercise": [{"data": {"i": 7, "X": [[1]], "shape": ["B", "N"]},
    ...     "part": [{"engine": "pool_along_axis_shape",
    ...               "args": {"shape": "$shape", "axis": 1, "stride": "s"}}]}]})
    ('i', 'B', 'N', 's')
    """
    found: dict[str, None] = {}
    for exercise in document.get("exercise", []):
        data = first_values(exercise.get("data", {}))  # (a value drawn per student: its first)
        for name, value in data.items():
            if isinstance(value, int) and not isinstance(value, bool):
                found.setdefault(name)
        calls = []
        for part in exercise.get("part", []):
            calls.append(part)
            calls += [*part.get("accepted", []), *part.get("misconceptions", [])]
        calls += [e for e in exercise.get("context", {}).values() if isinstance(e, dict)]
        for call in calls:
            engine = find_engine(str(call.get("engine", "")))
            if engine is None:
                continue
            for key, value in resolve(call.get("args", {}), data).items():
                parameter = engine.parameter(key)
                if parameter is not None:
                    for name in sorted(size_names(parameter.kind, value)):
                        found.setdefault(name)
    return tuple(found)


def load_problem_set(path: Path | str) -> ProblemSet:
    """Read and validate a problem set from a TOML file (see the module docstring)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise ParseError(f"{path}: no such problem-set file") from error
    except IsADirectoryError as error:
        raise ParseError(f"{path}: a folder, not a problem-set file") from error
    except UnicodeDecodeError as error:
        raise ParseError(f"{path}: not UTF-8 text, so not a TOML problem set ({error})") from error
    return problem_set_from_text(text, str(path))


def problem_set_from_text(text: str, where: str) -> ProblemSet:
    """A problem set from the text of a TOML file (``where`` names it in messages)."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = TOML_PLACE.search(str(error))
        line = int(match.group(1)) if match else None
        problem = Problem(f"not valid TOML: {error}", "", line=line)
        raise ProblemSetError(where, [problem.text(where)], [problem]) from error
    return problem_set_from_data(document, where, text=text)


def problem_set_from_data(
    document: Mapping[str, Any], where: str, *, text: str | None = None
) -> ProblemSet:
    """A problem set from a parsed TOML document, validated (``text``, the file, gives lines).

    An exercise with variable data (:mod:`symconv.problems.variants`) is built at its default
    variant, its solutions derived at once (a combination an engine refuses is never taken);
    :meth:`~symconv.problems.model.ProblemSet.for_student` gives a student's variant.
    """
    problems = validate(document, text)
    if problems:
        raise ProblemSetError(where, [problem.text(where) for problem in problems], problems)
    source = SourceLines(text) if text is not None else None
    return _SetBuilder(document, where, source).problem_set(None)


@dataclass
class _SetBuilder:
    """Builds a valid document's set for a student (``None``: the default variant). Exercises
    without variable data are built once and shared by every variant (their solutions too)."""

    document: Mapping[str, Any]
    path: str
    source: SourceLines | None
    _fixed: dict[int, Exercise] = field(default_factory=dict)

    def problem_set(self, student: str | None) -> ProblemSet:
        document = self.document
        exercises = [
            self._exercise(index, table, student)
            for index, table in enumerate(document["exercise"])
        ]
        quantities = document.get("quantities")
        return ProblemSet(
            id=str(document["id"]),
            title=str(document.get("title", "")),
            source=str(document.get("source", "")),
            exercises=exercises,
            conventions=tuple(document.get("conventions", ())),
            quantities=(
                tuple(str(name) for name in quantities)
                if quantities is not None
                else inferred_quantities(document)
            ),
            student=student,
            redraw=self.problem_set if self._variable else None,
        )

    @property
    def _variable(self) -> bool:
        return any(variables_of(table.get("data", {})) for table in self.document["exercise"])

    def _exercise(self, index: int, table: Mapping[str, Any], student: str | None) -> Exercise:
        data = table.get("data", {})
        variables = variables_of(data)
        if not variables:
            if index not in self._fixed:
                self._fixed[index] = self._build(index, table, data)
            return self._fixed[index]
        here = _Where(self.path, self.source, ("exercise", index), str(table["id"]))

        def solved(values: dict[str, Any]) -> Exercise:
            exercise = self._build(index, table, {**data, **values})
            for part in exercise.parts:
                part.solution  # noqa: B018 (derived now: an engine that refuses refuses here)
            exercise.context  # noqa: B018
            return exercise

        drawn, exercise = draw(
            str(self.document["id"]),
            str(table["id"]),
            variables,
            student,
            solved,
            self.path,
            here.text("data"),
        )
        exercise.variant = drawn
        return exercise

    def _build(self, index: int, table: Mapping[str, Any], data: Mapping[str, Any]) -> Exercise:
        document = self.document
        exercise_id = str(table["id"])
        notation = str(document.get("notation", "bracket"))
        here = _Where(self.path, self.source, ("exercise", index), exercise_id)
        parts = [
            _build_part(
                part,
                data,
                _Where(
                    self.path,
                    self.source,
                    ("exercise", index, "part", number),
                    exercise_id,
                    part["id"],
                ),
                notation,
            )
            for number, part in enumerate(table["part"])
        ]
        return Exercise(
            id=exercise_id,
            title=fill(str(table.get("title", "")), data),
            statement=fill(str(table.get("statement", "")), data),
            parts=parts,
            source=str(document.get("source", "")),
            conventions=(*document.get("conventions", ()), *table.get("conventions", ())),
            build_context=_context_builder(table.get("context", {}), data, here),
        )

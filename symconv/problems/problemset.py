"""Problem sets written as data files (TOML): a lecturer's set, without writing Python.

A file names the set, its exercises and their data, and for each part the engine derivation that
answers it (:mod:`symconv.problems.engines`), with accepted alternatives and known misconceptions::

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

    [[exercise.part.misconceptions]]           # computed by an engine, or a literal `answer`
    engine = "conv_output_size"
    args = { i = "$i", k = "$k", p = 1 }
    diagnosis = "padding assumed"

An exercise's ``context`` table names values a checker may evaluate claims against (its data and
tensors derived from it: ``context = { X = "$X", Z = { engine = "correlate", args = {...} } }``).

Accepted answers: ``answer = <literal>`` (an integer, a list → tuple, a list of lists → matrix),
``engine``/``args`` (its answer), or ``permute = [...]`` (the part's own tuple answer reordered,
e.g. another layout). Engines may also offer their own alternatives (every location of a maximum).
An accepted family names its free parameters, ``parameters = ["c"]`` (strings in ``answer`` are
symbols): only those are solved for when an answer is compared with it.
Nothing in the file is evaluated: strings are symbol names, references or index formulas read by
symconv's own grammar.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from math import inf
from pathlib import Path
from typing import Any

import sympy as sp

from symconv.errors import ParseError
from symconv.problems.model import Accepted, Exercise, Misconception, Part, ProblemSet, Solution


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


def _resolve(value: Any, data: Mapping[str, Any], where: str) -> Any:
    """Replace ``"$name"`` references by the exercise's data (recursively)."""
    if isinstance(value, str) and value.startswith("$"):
        key = value[1:]
        if key not in data:
            raise ParseError(f"{where}: {value!r} names no data (known: {', '.join(data)})")
        return data[key]
    if isinstance(value, list):
        return [_resolve(v, data, where) for v in value]
    if isinstance(value, dict):
        return {k: _resolve(v, data, where) for k, v in value.items()}
    return value


def _require(table: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in table:
        raise ParseError(f"{where}: missing key {key!r}")
    return table[key]


def _build_part(
    table: Mapping[str, Any], data: Mapping[str, Any], where: str, notation: str
) -> Part:
    from symconv.problems.engines import run_engine

    part_id = str(_require(table, "id", where))
    where = f"{where}, part {part_id}"
    engine = str(_require(table, "engine", where))
    arguments = _resolve(table.get("args", {}), data, where)

    def build() -> Solution:
        derivation = run_engine(engine, arguments)
        if notation and derivation.notation != notation:
            from dataclasses import replace

            derivation = replace(derivation, notation=notation)  # type: ignore[arg-type]
        accepted = [
            Accepted(answer, convention)
            for answer, convention in derivation.details.get("alternatives", ())
        ]
        for entry in table.get("accepted", []):
            convention = str(_require(entry, "convention", where + ", accepted"))
            value = _alternative(entry, derivation.answer, data, where)
            accepted.append(Accepted(value, convention, _parameters(entry, value, where)))
        misconceptions = [
            Misconception(
                _alternative(entry, derivation.answer, data, where),
                str(_require(entry, "diagnosis", where + ", misconceptions")),
            )
            for entry in table.get("misconceptions", [])
        ]
        return Solution(derivation, tuple(accepted), tuple(misconceptions))

    return Part(part_id, str(table.get("question", "")), build, points=_points(table, where))


def _points(table: Mapping[str, Any], where: str) -> float:
    """A part's ``points`` (1 when absent): a non-negative number.

    >>> _points({"points": 2.5}, "set.toml, part p-1"), _points({}, "set.toml, part p-1")
    (2.5, 1)
    >>> _points({"points": "two"}, "set.toml, part p-1")
    Traceback (most recent call last):
    ...
    symconv.errors.ParseError: set.toml, part p-1: points = 'two' is not a number of points \
(a number ≥ 0, e.g. 2 or 0.5)
    """
    value = table.get("points", 1)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < inf:
        raise ParseError(
            f"{where}: points = {value!r} is not a number of points (a number ≥ 0, e.g. 2 or 0.5)"
        )
    return value


def _parameters(entry: Mapping[str, Any], value: Any, where: str) -> tuple[sp.Symbol, ...]:
    """An accepted family's declared free parameters (``parameters = ["c"]``): names of its
    answer's symbols; a checker solves for these and only these."""
    names = [str(name) for name in entry.get("parameters", [])]
    symbols = {s.name: s for s in getattr(value, "free_symbols", ())}
    missing = [name for name in names if name not in symbols]
    if missing:
        raise ParseError(f"{where}: parameters {missing} are not symbols of the accepted answer")
    return tuple(symbols[name] for name in names)


def _alternative(entry: Mapping[str, Any], answer: Any, data: Mapping[str, Any], where: str) -> Any:
    from symconv.problems.engines import run_engine

    if "answer" in entry:
        return exact_value(_resolve(entry["answer"], data, where), where)
    if "permute" in entry:
        order = [int(i) for i in entry["permute"]]
        if not isinstance(answer, sp.Tuple) or sorted(order) != list(range(len(answer))):
            raise ParseError(f"{where}: permute={order} does not reorder the answer {answer}")
        return sp.Tuple(*(answer[i] for i in order))
    if "engine" in entry:
        return run_engine(str(entry["engine"]), _resolve(entry.get("args", {}), data, where)).answer
    raise ParseError(f"{where}: an alternative needs `answer`, `permute` or `engine`")


def _context_builder(
    table: Mapping[str, Any], data: Mapping[str, Any], where: str
) -> Callable[[], dict[str, Any]]:
    """The exercise's named values: each ``context`` entry is a literal or an engine's answer."""

    def build() -> dict[str, Any]:
        from symconv.problems.engines import run_engine

        context: dict[str, Any] = {}
        for name, entry in table.items():
            if isinstance(entry, dict) and "engine" in entry:
                arguments = _resolve(entry.get("args", {}), data, f"{where}, context {name}")
                context[name] = run_engine(str(entry["engine"]), arguments).answer
            else:
                context[name] = exact_value(
                    _resolve(entry, data, where), f"{where}, context {name}"
                )
        return context

    return build


def load_problem_set(path: Path | str) -> ProblemSet:
    """Read a problem set from a TOML file (see the module docstring)."""
    path = Path(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ParseError(f"{path}: no such problem-set file") from error
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ParseError(f"{path}: not a valid TOML problem set ({error})") from error
    return problem_set_from_data(document, str(path))


def problem_set_from_data(document: Mapping[str, Any], where: str) -> ProblemSet:
    notation = str(document.get("notation", "bracket"))
    exercises = []
    for table in _require(document, "exercise", where):
        exercise_id = str(_require(table, "id", where))
        data = table.get("data", {})
        location = f"{where}, exercise {exercise_id}"
        parts = [
            _build_part(p, data, location, notation) for p in _require(table, "part", location)
        ]
        exercises.append(
            Exercise(
                id=exercise_id,
                title=str(table.get("title", "")),
                statement=str(table.get("statement", "")),
                parts=parts,
                source=str(document.get("source", "")),
                conventions=tuple(document.get("conventions", ())),
                build_context=_context_builder(table.get("context", {}), data, location),
            )
        )
    return ProblemSet(
        id=str(_require(document, "id", where)),
        title=str(document.get("title", "")),
        source=str(document.get("source", "")),
        exercises=exercises,
        conventions=tuple(document.get("conventions", ())),
        quantities=tuple(str(name) for name in document.get("quantities", ())),
    )

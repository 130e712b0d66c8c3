"""Validation of a problem-set file at load time: every problem, each placed in the file.

The parsed TOML is walked once against the schema (:mod:`symconv.problems.schema`) and the
engine registry (:mod:`symconv.problems.engines`). Each :class:`Problem` names the key, the
exercise and part it belongs to, the line (:mod:`symconv.problems.source_lines`) and, for a
near miss, the closest right word (difflib): an unknown key (``questoin``), a missing required
key, a value of the wrong type, an unknown engine, an argument the engine does not take
(``kernal``) or a value it refuses (a size name where it needs a number), a ``"$name"``
reference to no data, a duplicated id. All of them are collected, so a lecturer fixes a file in
one pass.

Variable data (:mod:`symconv.problems.variants`: ``{ choose = [...] }``, ``{ range = [a, b],
step = s }``) is checked as a form (its keys, an empty choice, a step ≤ 0, bounds that are not
integers), and every engine argument that reads it is checked with each value a student may
draw (each entry of a choice, both ends of a range): a value an engine refuses is named with
the data key it came from. A ``{{name}}`` placeholder in a text must name data, and a variable
must be shown by some text of its exercise (``{{i}}``), or a student's sheet would not say it.

    >>> document = {"id": "s", "exercise": [{"id": "e1", "data": {"size": 5},
    ...     "part": [{"id": "e1a", "questoin": "?", "engine": "conv_output_size",
    ...               "args": {"i": "$sise", "kernal": 3}}]}]}
    >>> for problem in validate(document):
    ...     print(problem.text("set.toml"))
    set.toml: exercise e1, part e1a: unknown key 'questoin' (did you mean 'question'?)
    set.toml: exercise e1, part e1a: args.i: "$sise" names no data (did you mean "$size"?); \
data: size
    set.toml: exercise e1, part e1a: args.kernal: engine conv_output_size takes no argument \
'kernal' (did you mean 'kernel'?); arguments: i (or input), k (or kernel), s (or stride), \
p (or padding), d (or dilation), padding_after
    set.toml: exercise e1, part e1a: args.k: engine conv_output_size: missing required argument
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from symconv.problems.arguments import closest
from symconv.problems.engines import find_engine, unknown_engine
from symconv.problems.schema import (
    ACCEPTED,
    ANSWER_SOURCES,
    CONTEXT_ENGINE,
    EXERCISE,
    MISCONCEPTION,
    PART,
    SET,
    Level,
    data_value_issue,
    level_of_key,
    plain_data_issue,
)
from symconv.problems.source_lines import Path, SourceLines
from symconv.problems.variants import (
    Variable,
    form_issue,
    placeholders,
    value_text,
    variable_of,
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a problem-set file (see the module docstring).

    ``key`` is the dotted key as written (``questoin``, ``args.kernal``, ``data.i``), ``message``
    names it and what is wrong; ``suggestion`` is the closest right word, when there is one.
    """

    message: str
    key: str
    exercise: str | None = None
    part: str | None = None
    line: int | None = None
    suggestion: str | None = None

    def text(self, path: str) -> str:
        """``path:line: exercise E, part P: message``."""
        place = f"{path}:{self.line}" if self.line else path
        where = [
            f"exercise {self.exercise}" if self.exercise else "",
            f"part {self.part}" if self.part else "",
        ]
        within = ", ".join(item for item in where if item)
        return f"{place}: {within + ': ' if within else ''}{self.message}"


@dataclass(frozen=True)
class _Place:
    """Where a table is: its path in the file, its exercise and part, and its key prefix."""

    table: Path = ()
    exercise: str | None = None
    part: str | None = None
    prefix: str = ""

    def inner(self, table: Path, prefix: str, **ids: str | None) -> _Place:
        return _Place(
            table,
            ids.get("exercise", self.exercise),
            ids.get("part", self.part),
            self.prefix + prefix,
        )


def references(value: Any) -> Iterator[str]:
    """Every ``"$name"`` string in a value (lists and tables walked), the ``$`` dropped.

    >>> list(references({"x": "$X", "y": ["$n", 3, "plain"]}))
    ['X', 'n']
    """
    if isinstance(value, str) and value.startswith("$"):
        yield value[1:]
    elif isinstance(value, list):
        for item in value:
            yield from references(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from references(item)


def resolve(value: Any, data: Mapping[str, Any]) -> Any:
    """Replace ``"$name"`` references by the exercise's data (recursively; names known)."""
    if isinstance(value, str) and value.startswith("$"):
        return data[value[1:]]
    if isinstance(value, list):
        return [resolve(item, data) for item in value]
    if isinstance(value, dict):
        return {key: resolve(item, data) for key, item in value.items()}
    return value


@dataclass
class _Validator:
    document: Mapping[str, Any]
    source: SourceLines | None
    problems: list[Problem] = field(default_factory=list)
    #: Data names of the current exercise whose value is reported already: what reads them is
    #: not checked again against an engine.
    unusable: set[str] = field(default_factory=set)
    #: The current exercise's variable data (valid forms only), by name.
    variables: dict[str, Variable] = field(default_factory=dict)

    # -- reporting ---------------------------------------------------------------------------
    def report(
        self,
        place: _Place,
        key: str,
        message: str,
        *,
        at_key: str | None = None,
        token: str | None = None,
        suggestion: str | None = None,
    ) -> None:
        line = None
        if self.source is not None:
            line = self.source.line_of(place.table, at_key, token)
        self.problems.append(
            Problem(message, place.prefix + key, place.exercise, place.part, line, suggestion)
        )

    # -- a level's keys ----------------------------------------------------------------------
    def keys(self, level: Level, table: Mapping[str, Any], place: _Place) -> bool:
        """Unknown, missing and mistyped keys of one table; ``False`` if it cannot be read on."""
        usable = True
        for key, value in table.items():
            spec = level.key(key)
            if spec is None:
                self.unknown_key(level, key, place)
                continue
            problem = spec.check(value)
            if problem is not None:
                self.report(place, key, f"{place.prefix}{key}: {problem}", at_key=key)
                usable = usable and not spec.required
        for spec in level.keys:
            if spec.required and spec.name not in table:
                self.report(
                    place,
                    spec.name,
                    f"missing required key {place.prefix + spec.name!r}: {spec.description}",
                )
                usable = False
        return usable

    def unknown_key(self, level: Level, key: str, place: _Place) -> None:
        suggestion = closest(key, level.names)
        if suggestion is not None:
            detail = f" (did you mean {suggestion!r}?)"
        else:
            other = level_of_key(key, level)
            detail = (
                f": {key!r} is a key of the {other.name} level ({other.header})"
                if other is not None
                else f"; the {level.name} keys are {', '.join(level.names)}"
            )
        self.report(
            place,
            key,
            f"unknown key {place.prefix + key!r}{detail}",
            at_key=key,
            suggestion=suggestion,
        )

    # -- references and engine calls ---------------------------------------------------------
    def bad_references(self, value: Any, data: Mapping[str, Any], place: _Place, key: str) -> bool:
        """Report every ``"$name"`` in ``value`` naming no data; ``True`` if there was one."""
        bad = False
        for name in references(value):
            if name in self.unusable:
                bad = True
                continue
            if name in data:
                continue
            bad = True
            suggestion = closest(name, data)
            hint = f' (did you mean "${suggestion}"?)' if suggestion else ""
            known = f"; data: {', '.join(data)}" if data else "; the exercise has no data"
            self.report(
                place,
                key,
                f'{place.prefix}{key}: "${name}" names no data{hint}{known}',
                token=f'"${name}"',
                suggestion=f"${suggestion}" if suggestion else None,
            )
        return bad

    def engine_call(self, table: Mapping[str, Any], data: Mapping[str, Any], place: _Place) -> None:
        """``engine`` and ``args`` of a part, an accepted answer, a misconception or a context
        entry: the engine exists, every reference names data, every argument fits."""
        name = table.get("engine")
        arguments = table.get("args", {})
        if not isinstance(name, str) or not isinstance(arguments, dict):
            return  # already reported as a wrong type
        engine = find_engine(name)
        if engine is None:
            suggestion = closest(name, _engine_names())
            self.report(
                place, "engine", unknown_engine(name), at_key="engine", suggestion=suggestion
            )
        unresolved = {
            key
            for key, value in arguments.items()
            if self.bad_references(value, data, place, f"args.{key}")
        }
        if engine is None:
            return
        skipped = {target.name for key in unresolved if (target := engine.parameter(key))}
        reported: set[tuple[str, str]] = set()
        for sample, varied in self.samples(arguments, data):
            resolved = {
                key: resolve(value, sample)
                for key, value in arguments.items()
                if key not in unresolved
            }
            for key, issue in engine.issues(resolved):
                target = engine.parameter(key)
                if key in unresolved or (target is not None and target.name in skipped):
                    continue  # its reference is reported already
                if (key, issue.message) in reported:
                    continue  # (said for another value of the variable data)
                reported.add((key, issue.message))
                if target is None:
                    message = f"args.{key}: engine {engine.name} takes {issue.message}"
                    suggestion = closest(key, engine.argument_names)
                else:
                    drawn = self.drawn_note(arguments.get(key), sample, varied)
                    message = f"args.{key}: engine {engine.name}: {issue.message}{drawn}"
                    suggestion = None
                located = issue.key or (
                    key if key in arguments else "args" if arguments else "engine"
                )
                self.report(
                    place,
                    f"args.{key}",
                    place.prefix + message,
                    at_key=located,
                    suggestion=suggestion,
                )

    def samples(
        self, arguments: Mapping[str, Any], data: Mapping[str, Any]
    ) -> Iterator[tuple[dict[str, Any], str | None]]:
        """The data an engine call is checked with, and the variable it varies: every variable at
        its first value (``None``), then each other value a student may draw (each entry of a
        choice, the last value of a range) of each variable the call reads."""
        first = {
            name: self.variables[name].at(0) if name in self.variables else value
            for name, value in data.items()
        }
        yield first, None
        for name in dict.fromkeys(references(arguments)):
            variable = self.variables.get(name)
            if variable is not None:
                for value in variable.samples()[1:]:
                    yield {**first, name: value}, name

    def drawn_note(self, value: Any, sample: Mapping[str, Any], varied: str | None) -> str:
        """`` (with data.k = 9, drawn per student)``: the variable values an argument's issue
        was found with (those it reads, else the one varied); empty when none is involved."""
        names = [name for name in references(value) if name in self.variables]
        if not names and varied is not None:
            names = [varied]
        if not names:
            return ""
        values = ", ".join(f"data.{name} = {value_text(sample[name])}" for name in names)
        return f" (with {values}, drawn per student)"

    # -- the levels --------------------------------------------------------------------------
    def run(self) -> list[Problem]:
        top = _Place()
        usable = self.keys(SET, self.document, top)
        if not usable and not isinstance(self.document.get("exercise"), list):
            return self.problems
        exercises = [e for e in self.document.get("exercise", []) if isinstance(e, dict)]
        exercise_ids = self.ids(exercises, "exercise", top)
        part_ids: dict[str, str] = {}
        for index, exercise in enumerate(exercises):
            place = top.inner(("exercise", index), "", exercise=_id(exercise, index + 1))
            self.exercise(exercise, place, exercise_ids, part_ids)
        return self.problems

    def ids(self, tables: list[dict[str, Any]], what: str, place: _Place) -> dict[str, int]:
        seen: dict[str, int] = {}
        for index, table in enumerate(tables):
            identifier = table.get("id")
            if not isinstance(identifier, str):
                continue
            if identifier in seen:
                self.report(
                    place.inner((what, index), "", exercise=identifier),
                    "id",
                    f"duplicate {what} id {identifier!r} (also {what} {seen[identifier] + 1})",
                    at_key="id",
                )
            seen.setdefault(identifier, index)
        return seen

    def exercise(
        self,
        exercise: dict[str, Any],
        place: _Place,
        exercise_ids: Mapping[str, int],
        part_ids: dict[str, str],
    ) -> None:
        self.keys(EXERCISE, exercise, place)
        data = exercise.get("data", {})
        data = data if isinstance(data, dict) else {}
        self.unusable, self.variables = set(), {}
        for name, value in data.items():
            if isinstance(value, dict):
                self.data_form(name, value, place)
                continue
            problem = data_value_issue(value)
            if problem is not None:
                self.unusable.add(name)
                self.report(place, f"data.{name}", f"data.{name}: {problem}", at_key=name)
        self.texts(exercise, data, place)
        context = exercise.get("context", {})
        for name, entry in context.items() if isinstance(context, dict) else ():
            self.context_entry(name, entry, data, place)
        parts = exercise.get("part", [])
        for index, part in enumerate(parts if isinstance(parts, list) else []):
            if not isinstance(part, dict):
                continue
            identifier = _id(part, index + 1)
            part_place = place.inner((*place.table, "part", index), "", part=identifier)
            self.part(part, data, part_place)
            raw = part.get("id")
            if isinstance(raw, str):
                owner = place.exercise or ""
                if raw in part_ids:
                    self.report(
                        part_place,
                        "id",
                        f"duplicate part id {raw!r} (also in exercise {part_ids[raw]})",
                        at_key="id",
                    )
                elif raw in exercise_ids and raw != owner:
                    self.report(
                        part_place,
                        "id",
                        f"part id {raw!r} is the id of exercise {raw}: an id "
                        "names one exercise or part",
                        at_key="id",
                    )
                part_ids.setdefault(raw, owner)

    def data_form(self, name: str, value: dict[str, Any], place: _Place) -> None:
        """A table as a data value: a valid choice or range is a variable of the exercise."""
        issue = form_issue(value, plain_data_issue)
        if issue is None:
            variable = variable_of(value)
            if variable is not None:
                self.variables[name] = variable
            return
        self.unusable.add(name)
        inner = f".{issue.key}" if issue.key is not None and issue.key in value else ""
        self.report(
            place,
            f"data.{name}{inner}",
            f"data.{name}: {issue.message}",
            at_key=name,
            suggestion=issue.suggestion,
        )

    def texts(self, exercise: Mapping[str, Any], data: Mapping[str, Any], place: _Place) -> None:
        """``{{name}}`` placeholders name data; every variable is shown by a text (a student's
        sheet must say the student's numbers)."""
        shown: set[str] = set()
        for table, where, key in _texts(exercise, place):
            text = table.get(key)
            if not isinstance(text, str):
                continue
            for name in placeholders(text):
                if key in _SHEET_TEXTS:
                    shown.add(name)
                if name in data:
                    continue
                suggestion = closest(name, data)
                hint = f" (did you mean {_braced(suggestion)}?)" if suggestion else ""
                known = f"; data: {', '.join(data)}" if data else "; the exercise has no data"
                self.report(
                    where,
                    key,
                    f"{where.prefix}{key}: {_braced(name)} names no data{hint}{known}",
                    at_key=key,
                    suggestion=_braced(suggestion) if suggestion else None,
                )
        for name, variable in self.variables.items():
            if name not in shown:
                self.report(
                    place,
                    f"data.{name}",
                    f"data.{name} = {variable.text()} is drawn per student, but no title, "
                    f"statement or question of the exercise shows it: write {_braced(name)} where "
                    "its value belongs (a student's sheet must say the student's numbers)",
                    at_key=name,
                )

    def context_entry(self, name: str, entry: Any, data: Mapping[str, Any], place: _Place) -> None:
        if isinstance(entry, dict):
            inner = place.inner(place.table, f"context.{name}.")
            if self.keys(CONTEXT_ENGINE, entry, inner):
                self.engine_call(entry, data, inner)
            return
        if self.bad_references(entry, data, place, f"context.{name}"):
            return
        problem = data_value_issue(resolve(entry, data))
        if problem is not None:
            self.report(place, f"context.{name}", f"context.{name}: {problem}", at_key=name)

    def part(self, part: dict[str, Any], data: Mapping[str, Any], place: _Place) -> None:
        self.keys(PART, part, place)
        if "engine" in part:
            self.engine_call(part, data, place)
        for key, level in (("accepted", ACCEPTED), ("misconceptions", MISCONCEPTION)):
            entries = part.get(key, [])
            for index, entry in enumerate(entries if isinstance(entries, list) else []):
                if isinstance(entry, dict):
                    inner = place.inner((*place.table, key, index), f"{key}[{index + 1}].")
                    self.alternative(entry, level, data, inner)

    def alternative(
        self, entry: dict[str, Any], level: Level, data: Mapping[str, Any], place: _Place
    ) -> None:
        """An accepted answer or a misconception: exactly one source of its value."""
        self.keys(level, entry, place)
        sources = [key for key in ANSWER_SOURCES if key in entry]
        if len(sources) != 1:
            given = f"{' and '.join(sources)} given" if sources else "none given"
            self.report(
                place,
                sources[1] if len(sources) > 1 else "answer",
                f"{place.prefix.rstrip('.')}: give exactly one of answer, permute or engine "
                f"({given})",
                at_key=sources[1] if len(sources) > 1 else None,
            )
        if "args" in entry and "engine" not in entry:
            self.report(place, "args", f"{place.prefix}args: only with `engine`", at_key="args")
        if "parameters" in entry and "answer" not in entry:
            self.report(
                place,
                "parameters",
                f"{place.prefix}parameters: only with a literal `answer` (a family)",
                at_key="parameters",
            )
        if "engine" in entry and len(sources) == 1:
            self.engine_call(entry, data, place)
        if "answer" in entry and not self.bad_references(entry["answer"], data, place, "answer"):
            problem = data_value_issue(resolve(entry["answer"], data))
            if problem is not None:
                self.report(place, "answer", f"{place.prefix}answer: {problem}", at_key="answer")


#: The texts of an exercise that may hold ``{{name}}``: (level key, and the keys of its
#: parts' and their alternatives').
_EXERCISE_TEXTS, _PART_TEXTS = ("title", "statement"), ("question",)
_ALTERNATIVE_TEXTS = {"accepted": "convention", "misconceptions": "diagnosis"}
#: The texts a student's sheet shows (a diagnosis is only shown to a student who erred).
_SHEET_TEXTS = (*_EXERCISE_TEXTS, *_PART_TEXTS)


def _braced(name: str) -> str:
    """``{{name}}``, a placeholder as written."""
    return "{{" + name + "}}"


def _texts(
    exercise: Mapping[str, Any], place: _Place
) -> Iterator[tuple[Mapping[str, Any], _Place, str]]:
    """Every text of an exercise that may hold placeholders: (its table, its place, its key)."""
    for key in _EXERCISE_TEXTS:
        yield exercise, place, key
    parts = exercise.get("part", [])
    for index, part in enumerate(parts if isinstance(parts, list) else []):
        if not isinstance(part, dict):
            continue
        part_place = place.inner((*place.table, "part", index), "", part=_id(part, index + 1))
        for key in _PART_TEXTS:
            yield part, part_place, key
        for group, key in _ALTERNATIVE_TEXTS.items():
            entries = part.get(group, [])
            for number, entry in enumerate(entries if isinstance(entries, list) else []):
                if isinstance(entry, dict):
                    inner = part_place.inner(
                        (*part_place.table, group, number), f"{group}[{number + 1}]."
                    )
                    yield entry, inner, key


def _id(table: Mapping[str, Any], position: int) -> str:
    """The table's id, or ``#n`` (its position) when it has none."""
    identifier = table.get("id")
    return identifier if isinstance(identifier, str) and identifier else f"#{position}"


def _engine_names() -> list[str]:
    from symconv.problems.engines import ENGINE_ALIASES, ENGINES

    return [*ENGINES, *ENGINE_ALIASES]


def validate(document: Mapping[str, Any], text: str | None = None) -> list[Problem]:
    """Every problem of a parsed problem-set document (``text``: the file, for lines)."""
    source = SourceLines(text) if text is not None else None
    return _Validator(document, source).run()

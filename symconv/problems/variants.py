"""A variant per student: data values drawn from a choice or a range by a stable hash.

An exercise's ``data`` value may be *variable*: ``i = { choose = [32, 48, 64] }`` (one of the
listed values) or ``k = { range = [3, 7], step = 2 }`` (3, 5 or 7: both ends included, ``step``
1 by default). Each student gets one value of each, drawn from the student's id (``--variant
alice``, or a submission's stem under ``check --variants``); the answers, accepted answers and
misconceptions are then derived from the drawn numbers by the engines, as for fixed data.
``{{name}}`` in a title, statement, question, convention or diagnosis is replaced by the value.

**The draw** (:func:`draw_position`, :func:`combination`). An exercise's variable names, in the
order of its ``data``, span ``total`` combinations (the product of their counts). Draw ``n``
(0, 1, 2, …) of student ``S`` for exercise ``E`` of set ``T`` is the position::

    int.from_bytes(sha256(f"{T}\\n{E}\\n{S}\\n{n}".encode("utf-8")).digest(), "big") % total

read in mixed radix, the first variable fastest: its value is the entry ``position % count₁``,
the second's ``(position // count₁) % count₂``, and so on. Draw 0 is taken unless a part's
engine (or an accepted answer's, a misconception's, a context entry's) refuses the numbers with
a typed error (a kernel larger than its input): then draw 1, 2, … up to :data:`HASH_DRAWS`; if
every one is refused, the combinations are scanned in order from the position of draw
:data:`HASH_DRAWS` (wrapping round), at most :data:`SCAN_LIMIT` of them. The same id gives the
same numbers on every run and machine (no Python ``hash``, no random state).

**Without a student** (``solve --problems FILE`` with no ``--variant``) each variable takes its
first value (position 0); when that combination is refused, the next positions in the same order.

    >>> variables = (("i", Choice((32, 48, 64))), ("k", IntegerRange(3, 7, 2)))
    >>> combination(variables, 0), combination(variables, 4)
    ((('i', 32), ('k', 3)), (('i', 48), ('k', 5)))
    >>> position = draw_position("lab", "lab-1", "alice", 0, total=9)
    >>> position, combination(variables, position)
    (4, (('i', 48), ('k', 5)))
    >>> print(fill("A {{i}}×{{i}} input, kernel $k = {{ k }}$.", {"i": 48, "k": 5}))
    A 48×48 input, kernel $k = 5$.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from symconv.core.patterns import lazy_compile
from symconv.errors import ParseError, ProblemSetError, SymconvError
from symconv.problems.arguments import closest

#: Draws by hash before the combinations are scanned in order (see the module docstring).
HASH_DRAWS = 32
#: Combinations scanned in order after the hash draws, at most.
SCAN_LIMIT = 256

#: ``{{name}}`` in a text: replaced by the data value ``name``.
PLACEHOLDER = lazy_compile(r"\{\{\s*([A-Za-z][A-Za-z0-9_']*)\s*\}\}")

#: The keys of each form (the first names the form).
FORM_KEYS: dict[str, tuple[str, ...]] = {"choose": ("choose",), "range": ("range", "step")}


# ----------------------------------------------------------------------------------------------
# The forms
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Choice:
    """``{ choose = [32, 48, 64] }``: one of the listed values (each a plain data value).

    >>> Choice((32, 48, 64)).count, Choice((32, 48, 64)).at(2), Choice((32, 48)).text()
    (3, 64, '{ choose = [32, 48] }')
    """

    values: tuple[Any, ...]

    @property
    def count(self) -> int:
        return len(self.values)

    def at(self, index: int) -> Any:
        return self.values[index]

    def samples(self) -> tuple[Any, ...]:
        """The values a load-time check tries: all of them."""
        return self.values

    def text(self) -> str:
        return f"{{ choose = {value_text(list(self.values))} }}"


@dataclass(frozen=True)
class IntegerRange:
    """``{ range = [3, 7], step = 2 }``: the integers from the first bound to the last, both
    included, ``step`` apart (1 by default).

    >>> r = IntegerRange(3, 7, 2)
    >>> r.count, [r.at(n) for n in range(r.count)], r.text(), IntegerRange(1, 4).text()
    (3, [3, 5, 7], '{ range = [3, 7], step = 2 }', '{ range = [1, 4] }')
    """

    start: int
    stop: int
    step: int = 1

    @property
    def count(self) -> int:
        return (self.stop - self.start) // self.step + 1

    def at(self, index: int) -> int:
        return self.start + index * self.step

    def samples(self) -> tuple[int, ...]:
        """The values a load-time check tries: the two ends (an engine's kind bounds integers
        from below or above, so the ends are the extremes)."""
        return (self.start,) if self.stop == self.start else (self.start, self.stop)

    def text(self) -> str:
        step = f", step = {self.step}" if self.step != 1 else ""
        return f"{{ range = [{self.start}, {self.stop}]{step} }}"


Variable = Choice | IntegerRange


def value_text(value: Any) -> str:
    """A data value as a statement shows it: ``48``, ``"N"`` as ``N``, lists as TOML writes them.

    >>> value_text([[1, 0], [2, 3]]), value_text("N"), value_text(True)
    ('[[1, 0], [2, 3]]', 'N', 'true')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(value_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {value_text(v)}" for k, v in value.items()) + " }"
    return str(value)


# ----------------------------------------------------------------------------------------------
# Validation of a form
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FormIssue:
    """What is wrong with a table written as a data value: the ``message``, the key inside the
    table it is about (``step``), and the closest right word for a misspelt key."""

    message: str
    key: str | None = None
    suggestion: str | None = None


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _not_integer(value: Any) -> str:
    if isinstance(value, float):
        return f"{value!r} is a float"
    if isinstance(value, str):
        return f"the string {value!r} is not an integer"
    return f"{value_text(value)} is not an integer"


def form_issue(
    table: Mapping[str, Any], item_issue: Callable[[Any], str | None]
) -> FormIssue | None:
    """What is wrong with a table written as a data value (``None`` when it is a valid choice or
    range); ``item_issue`` checks one plain data value (a choice's entries).

    >>> plain = lambda value: "a float" if isinstance(value, float) else None
    >>> print(form_issue({"choose": []}, plain).message)
    choose = []: an empty choice; list at least one value
    >>> issue = form_issue({"range": [3, 7], "stepp": 2}, plain)
    >>> print(issue.message); issue.suggestion
    unknown key 'stepp' in a range (did you mean 'step'?); a range is { range = [first, last], \
step = s }
    'step'
    >>> print(form_issue({"range": [3, 8], "step": 2}, plain).message)
    range = [3, 8] with step 2 never reaches 8 (both ends are included): end at 7 or 9
    >>> form_issue({"choose": [32, 48]}, plain) is None
    True
    """
    forms = [key for key in table if key in FORM_KEYS]
    if len(forms) > 1:
        return FormIssue("give one of choose or range, not both", forms[1])
    if not forms:
        return _unknown_form(table)
    form = forms[0]
    for key in table:
        if key not in FORM_KEYS[form]:
            return _stray_key(form, key)
    if form == "choose":
        return _choice_issue(table["choose"], item_issue)
    return _range_issue(table["range"], table.get("step", 1), "step" in table)


def _unknown_form(table: Mapping[str, Any]) -> FormIssue:
    known = [key for keys in FORM_KEYS.values() for key in keys]
    first = next(iter(table), None)
    suggestion = closest(first, known) if first is not None else None
    shown = ", ".join(f"{key} = ..." for key in table) or "empty"
    hint = f" (did you mean {suggestion!r}?)" if suggestion else ""
    return FormIssue(
        f"a table value {{{shown}}} is not a data form symconv knows{hint}: a value drawn per "
        "student is { choose = [...] } or { range = [first, last], step = s }; other data "
        "values are integers, strings, booleans and lists of them (tables inside a list)",
        first,
        suggestion,
    )


def _stray_key(form: str, key: str) -> FormIssue:
    if form == "choose" and key == "step":
        return FormIssue("step is a key of a range, not of a choice", key)
    what = "a choice" if form == "choose" else "a range"
    shape = (
        "a choice is { choose = [...] }"
        if form == "choose"
        else "a range is { range = [first, last], step = s }"
    )
    suggestion = closest(key, FORM_KEYS[form])
    hint = f" (did you mean {suggestion!r}?)" if suggestion else ""
    return FormIssue(f"unknown key {key!r} in {what}{hint}; {shape}", key, suggestion)


def _choice_issue(values: Any, item_issue: Callable[[Any], str | None]) -> FormIssue | None:
    if not isinstance(values, list):
        return FormIssue(f"choose = {value_text(values)}: expected a list of values", "choose")
    if not values:
        return FormIssue("choose = []: an empty choice; list at least one value", "choose")
    for position, value in enumerate(values, start=1):
        if isinstance(value, dict):
            return FormIssue(
                f"choose entry {position} is a table: each entry is a plain data value", "choose"
            )
        problem = item_issue(value)
        if problem is not None:
            return FormIssue(f"choose entry {position}: {problem}", "choose")
    for position, value in enumerate(values):
        if any(_same(value, earlier) for earlier in values[:position]):
            return FormIssue(
                f"choose lists {value_text(value)} twice: list each value once (the draw is "
                "uniform over the list)",
                "choose",
            )
    return None


def _same(a: Any, b: Any) -> bool:
    """Equal data values (``1`` and ``true`` differ, as TOML's types do)."""
    return type(a) is type(b) and a == b


def _range_issue(bounds: Any, step: Any, step_given: bool) -> FormIssue | None:
    if not isinstance(bounds, list) or len(bounds) != 2:
        return FormIssue(
            f"range = {value_text(bounds)}: expected [first, last], two integers", "range"
        )
    for bound in bounds:
        if not _is_integer(bound):
            return FormIssue(
                f"range = {value_text(bounds)}: {_not_integer(bound)}; the bounds are integers",
                "range",
            )
    if not _is_integer(step):
        return FormIssue(
            f"step = {value_text(step)}: {_not_integer(step)}; the step is an integer ≥ 1", "step"
        )
    if step <= 0:
        return FormIssue(f"step = {step}: the step is an integer ≥ 1", "step")
    first, last = bounds
    if first > last:
        return FormIssue(
            f"range = [{first}, {last}]: the first bound is larger than the last (write "
            f"[{last}, {first}])",
            "range",
        )
    if (last - first) % step:
        below = first + (last - first) // step * step
        return FormIssue(
            f"range = [{first}, {last}] with step {step} never reaches {last} (both ends are "
            f"included): end at {below} or {below + step}",
            "step" if step_given else "range",
        )
    return None


def variable_of(value: Any) -> Variable | None:
    """The form a *valid* data value is (``None`` for a plain value).

    >>> variable_of({"range": [3, 7], "step": 2}), variable_of(5)
    (IntegerRange(start=3, stop=7, step=2), None)
    """
    if not isinstance(value, dict):
        return None
    if "choose" in value:
        return Choice(tuple(value["choose"]))
    first, last = value["range"]
    return IntegerRange(int(first), int(last), int(value.get("step", 1)))


def variables_of(data: Mapping[str, Any]) -> tuple[tuple[str, Variable], ...]:
    """The variable data of an exercise, in the order written."""
    return tuple(
        (name, variable) for name, value in data.items() if (variable := variable_of(value))
    )


def first_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """The data with each variable at its first value (what a set-wide reading, such as the
    inferred quantities, takes).

    >>> first_values({"i": {"choose": [32, 48]}, "k": 3})
    {'i': 32, 'k': 3}
    """
    return {
        name: (variable.at(0) if (variable := variable_of(value)) else value)
        for name, value in data.items()
    }


# ----------------------------------------------------------------------------------------------
# Texts
# ----------------------------------------------------------------------------------------------
def placeholders(text: str) -> list[str]:
    """The data names ``{{name}}`` placeholders in ``text`` ask for, in order, each once.

    >>> placeholders("{{i}} by {{ i }}, kernel {{k}}")
    ['i', 'k']
    """
    return list(dict.fromkeys(match.group(1) for match in PLACEHOLDER.finditer(text)))


def fill(text: str, data: Mapping[str, Any]) -> str:
    """``text`` with each ``{{name}}`` replaced by the data value (names checked at load time)."""
    return PLACEHOLDER.sub(lambda match: value_text(data[match.group(1)]), text)


# ----------------------------------------------------------------------------------------------
# The draw
# ----------------------------------------------------------------------------------------------
def check_student_id(student: str, flag: str) -> None:
    """Refuse an id that cannot name a student (empty, or holding a line break, which would make
    the hashed text ambiguous).

    >>> check_student_id("alice", "--variant")
    >>> check_student_id(" ", "--variant")
    Traceback (most recent call last):
    ...
    symconv.errors.ParseError: --variant ' ': a student's id is not empty (the file's stem: alice)
    """
    if not student.strip():
        raise ParseError(
            f"{flag} {student!r}: a student's id is not empty (the file's stem: alice)"
        )
    if "\n" in student or "\r" in student:
        raise ParseError(f"{flag} {student!r}: a student's id is one line")


def draw_position(set_id: str, exercise_id: str, student: str, attempt: int, total: int) -> int:
    """The position of draw ``attempt`` of ``student`` among ``total`` combinations (module
    docstring): SHA-256 of the four lines, a big-endian integer, modulo ``total``."""
    message = f"{set_id}\n{exercise_id}\n{student}\n{attempt}".encode()
    return int.from_bytes(hashlib.sha256(message).digest(), "big") % total


def combination(
    variables: Sequence[tuple[str, Variable]], position: int
) -> tuple[tuple[str, Any], ...]:
    """The values at ``position``, read in mixed radix with the first variable fastest."""
    values = []
    for name, variable in variables:
        position, index = divmod(position, variable.count)
        values.append((name, variable.at(index)))
    return tuple(values)


def combination_count(variables: Sequence[tuple[str, Variable]]) -> int:
    total = 1
    for _, variable in variables:
        total *= variable.count
    return total


def values_text(values: Sequence[tuple[str, Any]]) -> str:
    """``i = 48, k = 5``."""
    return ", ".join(f"{name} = {value_text(value)}" for name, value in values)


@dataclass(frozen=True)
class Draw:
    """The values one exercise was given: for ``student`` (``None``: the default, first values),
    the combination at ``position``, after ``refused`` combinations an engine refused.

    >>> draw = Draw("alice", (("i", 48), ("k", 5)), 4, 0)
    >>> print(draw.note())
    Variant alice: i = 48, k = 5.
    >>> print(Draw(None, (("i", 32),), 0, 0).note())
    Default variant (the first values; `symconv solve --variant ID` gives a student's): i = 32.
    """

    student: str | None
    values: tuple[tuple[str, Any], ...]
    position: int
    refused: int

    def note(self) -> str:
        """The line a write-up shows under the exercise's heading."""
        if self.student is None:
            which = "the first values" if self.refused == 0 else "the first accepted values"
            return (
                f"Default variant ({which}; `symconv solve --variant ID` gives a student's): "
                f"{values_text(self.values)}."
            )
        return f"Variant {self.student}: {values_text(self.values)}."

    def to_json(self) -> dict[str, Any]:
        return {
            "student": self.student,
            "data": dict(self.values),
            "position": self.position,
            "refused": self.refused,
        }


def _positions(set_id: str, exercise_id: str, student: str | None, total: int) -> Iterator[int]:
    """The positions tried, in order (module docstring)."""
    if student is None:
        start, limit = 0, HASH_DRAWS + SCAN_LIMIT
    else:
        for attempt in range(HASH_DRAWS):
            yield draw_position(set_id, exercise_id, student, attempt, total)
        start, limit = draw_position(set_id, exercise_id, student, HASH_DRAWS, total), SCAN_LIMIT
    for offset in range(min(total, limit)):
        yield (start + offset) % total


Built = TypeVar("Built")


def draw(
    set_id: str,
    exercise_id: str,
    variables: Sequence[tuple[str, Variable]],
    student: str | None,
    build: Callable[[dict[str, Any]], Built],
    path: str,
    where: str,
) -> tuple[Draw, Built]:
    """The first combination (in the order of :func:`_positions`) that ``build`` accepts, and
    what it built; ``build`` refuses a combination by raising a :class:`SymconvError` (an
    engine's typed error). When no combination tried is accepted, a
    :class:`~symconv.errors.ProblemSetError` of the file ``path``, its message starting with
    ``where`` (``set.toml:12: exercise lab-1``).
    """
    total = combination_count(variables)
    refusals: dict[int, str] = {}
    for position in _positions(set_id, exercise_id, student, total):
        if position in refusals:
            continue
        values = combination(variables, position)
        try:
            built = build(dict(values))
        except SymconvError as error:
            refusals[position] = str(error)
            continue
        return Draw(student, values, position, len(refusals)), built
    raise _no_draw(variables, student, total, refusals, path, where)


def _no_draw(
    variables: Sequence[tuple[str, Variable]],
    student: str | None,
    total: int,
    refusals: Mapping[int, str],
    path: str,
    where: str,
) -> ProblemSetError:
    ranges = "; ".join(f"data.{name} = {variable.text()}" for name, variable in variables)
    first, reason = next(iter(refusals.items()))
    example = f"e.g. {values_text(combination(variables, first))}: {reason}"
    if len(refusals) == total:
        message = (
            f"{where}: no combination of the variable data is accepted by the exercise's "
            f"engines (all {total} refused; {ranges}); {example}"
        )
    else:
        whose = f"for student {student!r}" if student is not None else "in order"
        message = (
            f"{where}: none of the {len(refusals)} combinations drawn {whose} (of {total}) is "
            f"accepted by the exercise's engines ({ranges}): narrow the variable data to the "
            f"values that work; {example}"
        )
    return ProblemSetError(path, [message])

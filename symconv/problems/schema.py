"""The keys of a problem-set file, level by level: the contract ``docs/problem-sets.md`` states.

A set (the top of the file) holds exercises (``[[exercise]]``), an exercise holds parts
(``[[exercise.part]]``), a part holds accepted answers (``[[exercise.part.accepted]]``) and
misconceptions (``[[exercise.part.misconceptions]]``); an exercise's ``context`` names values a
checker may evaluate claims against, each a literal, a ``"$name"`` reference or an engine table.
Each :class:`Key` says its type, whether it is required, its default and what it means; the
validator (:mod:`symconv.problems.validation`) checks a file against these tables, and a test
checks that the documentation lists every key.

Data values (an exercise's ``data``) are integers, strings, booleans and lists of them. A *table*
value is a data form: :data:`DATA_TABLE_FORMS` maps the key that names a form to its check. The
forms are the values drawn per student (:mod:`symconv.problems.variants`): ``{ choose = [...] }``
and ``{ range = [first, last], step = s }``; any other table is refused with a message that says
so.

    >>> PART.key("points").default
    '1'
    >>> [key.name for key in PART.keys if key.required]
    ['id', 'engine']
    >>> print(data_value_issue(2.5))
    2.5 is a float: data is exact (an integer, a rational "p/q" as a string, or a name)
    >>> data_value_issue({"choose": [32, 48]}) is None
    True
    >>> print(data_value_issue({"choose": [32, 2.5]}))
    choose entry 2: 2.5 is a float: data is exact (an integer, a rational "p/q" as a string, or \
a name)
    >>> print(data_value_issue({"pick": [32, 48]}))
    a table value {pick = ...} is not a data form symconv knows: a value drawn per student is \
{ choose = [...] } or { range = [first, last], step = s }; other data values are integers, \
strings, booleans and lists of them (tables inside a list)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from symconv.problems.arguments import IDENTIFIER
from symconv.problems.variants import form_issue

#: A check of one TOML value: the problem in words, or ``None``.
ValueCheck = Callable[[Any], str | None]


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the string {value!r}"
    return f"{type(value).__name__} {value!r}"


def is_string(value: Any) -> str | None:
    return None if isinstance(value, str) else f"expected a string, got {_kind(value)}"


def is_nonempty_string(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"expected a string, got {_kind(value)}"
    return None if value.strip() else "an empty string"


def is_string_list(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return f"expected a list of strings, got {_kind(value)}"
    return None


def is_name_list(value: Any) -> str | None:
    problem = is_string_list(value)
    if problem is not None:
        return problem
    bad = [item for item in value if not IDENTIFIER.match(item)]
    return f"{bad[0]!r} is not a name (a letter, then letters, digits or _)" if bad else None


def is_table(value: Any) -> str | None:
    return None if isinstance(value, dict) else f"expected a table, got {_kind(value)}"


def is_table_list(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        return f"expected an array of tables ([[...]] sections), got {_kind(value)}"
    return None


def is_points(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"expected a number of points, got {_kind(value)}"
    return None if value >= 0 else f"{value} points: points are ≥ 0"


def is_notation(value: Any) -> str | None:
    if value in ("bracket", "subscript"):
        return None
    return f"{_kind(value)} is not a notation: 'bracket' (X[i, j]) or 'subscript' (x_{{ij}})"


def is_permutation(value: Any) -> str | None:
    if not isinstance(value, list) or not all(
        isinstance(item, int) and not isinstance(item, bool) for item in value
    ):
        return f"expected a list of 0-based positions such as [0, 3, 1, 2], got {_kind(value)}"
    if sorted(value) != list(range(len(value))):
        return f"{value} is not a reordering of 0 … {len(value) - 1}"
    return None


def anything(value: Any) -> str | None:
    return None


def _form_check(table: Any) -> str | None:
    issue = form_issue(table, plain_data_issue)
    return issue.message if issue is not None else None


#: Table-valued data forms (see the module docstring): the key naming the form → the check of
#: the table (the problem in words, or ``None``).
DATA_TABLE_FORMS: dict[str, ValueCheck] = {"choose": _form_check, "range": _form_check}


def data_value_issue(value: Any) -> str | None:
    """What is wrong with a value of an exercise's ``data`` (``None`` if nothing).

    A table *as the value* is a data form (:data:`DATA_TABLE_FORMS`); tables *inside a list*
    are plain data (the layers of a stack, the axes of a tensor).
    """
    if isinstance(value, dict):
        forms = [key for key in value if key in DATA_TABLE_FORMS]
        check = DATA_TABLE_FORMS[forms[0]] if len(forms) == 1 else _form_check
        return check(value)
    return plain_data_issue(value)


def plain_data_issue(value: Any) -> str | None:
    """What is wrong with a plain data value (no form): floats, dates; lists and tables walked."""
    if isinstance(value, float):
        return (
            f'{value!r} is a float: data is exact (an integer, a rational "p/q" as a string, or '
            "a name)"
        )
    if isinstance(value, list):
        for position, item in enumerate(value):
            problem = plain_data_issue(item)
            if problem is not None:
                return f"entry {position}: {problem}"
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            problem = plain_data_issue(item)
            if problem is not None:
                return f"{key}: {problem}"
        return None
    if isinstance(value, bool | int | str):
        return None
    return f"{_kind(value)} is not a data value"  # dates and times: TOML has them


@dataclass(frozen=True)
class Key:
    """One key of a level: its TOML type (as the documentation writes it), whether it is
    required, its default (as the documentation writes it), its meaning and its value check."""

    name: str
    type: str
    required: bool
    default: str
    description: str
    check: ValueCheck = anything


@dataclass(frozen=True)
class Level:
    """The keys of one level of the file, and where it is written (``header``)."""

    name: str
    header: str
    keys: tuple[Key, ...]

    def key(self, name: str) -> Key | None:
        return next((key for key in self.keys if key.name == name), None)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(key.name for key in self.keys)


SET = Level(
    "set",
    "the top of the file",
    (
        Key(
            "id",
            "string",
            True,
            "",
            "the set's id; `solve ID` and `check --against` use it",
            is_nonempty_string,
        ),
        Key("title", "string", False, '""', "the set's title (the handout's heading)", is_string),
        Key("source", "string", False, '""', "where the problems come from (cite it)", is_string),
        Key(
            "notation",
            "string",
            False,
            '"bracket"',
            "index notation of the write-ups: `bracket` (X[i, j]) or `subscript` (x_{ij})",
            is_notation,
        ),
        Key(
            "conventions",
            "array of strings",
            False,
            "[]",
            "conventions every exercise states (0-based indices, no kernel flip, ...)",
            is_string_list,
        ),
        Key(
            "quantities",
            "array of names",
            False,
            "inferred from data",
            "names the formulas use as scalar quantities, never as functions (`d` in "
            "`d (k - 1)` is a product); without the key: every data name with an integer value "
            'and every size name (`"N"`) an engine reads as a size',
            is_name_list,
        ),
        Key(
            "exercise", "array of tables", True, "", "the exercises, `[[exercise]]`", is_table_list
        ),
    ),
)

EXERCISE = Level(
    "exercise",
    "[[exercise]]",
    (
        Key("id", "string", True, "", "the exercise's id (unique in the set)", is_nonempty_string),
        Key("title", "string", False, '""', "the exercise's title", is_string),
        Key(
            "statement",
            "string",
            False,
            '""',
            "the statement every part shares; may hold `$…$` math and `{{name}}` (a data value)",
            is_string,
        ),
        Key(
            "conventions",
            "array of strings",
            False,
            "[]",
            "conventions of this exercise, after the set's",
            is_string_list,
        ),
        Key(
            "data",
            "table",
            False,
            "{}",
            'named values the parts read as `"$name"`: integers, strings (a size name, a '
            "formula), booleans, lists and lists of lists; or drawn per student, "
            "`{ choose = [...] }` or `{ range = [a, b], step = s }`",
            is_table,
        ),
        Key(
            "context",
            "table",
            False,
            "{}",
            'names a checker may evaluate claims against: each a literal, a `"$name"` '
            "reference or `{ engine = ..., args = {...} }` (its answer)",
            is_table,
        ),
        Key("part", "array of tables", True, "", "the parts, `[[exercise.part]]`", is_table_list),
    ),
)

PART = Level(
    "part",
    "[[exercise.part]]",
    (
        Key("id", "string", True, "", "the part's id (unique in the set)", is_nonempty_string),
        Key(
            "question",
            "string",
            False,
            '""',
            "the question; may hold `$…$` math and `{{name}}`",
            is_string,
        ),
        Key(
            "engine",
            "string",
            True,
            "",
            "the engine whose derivation answers the part (`symconv solve --engines`)",
            is_nonempty_string,
        ),
        Key(
            "args",
            "table",
            False,
            "{}",
            "the engine's arguments: values, or `\"$name\"` references to the exercise's data",
            is_table,
        ),
        Key(
            "points",
            "number",
            False,
            "1",
            "what the part is worth in the grade book (≥ 0)",
            is_points,
        ),
        Key(
            "accepted",
            "array of tables",
            False,
            "[]",
            "other right answers, `[[exercise.part.accepted]]`",
            is_table_list,
        ),
        Key(
            "misconceptions",
            "array of tables",
            False,
            "[]",
            "wrong answers a known misreading gives, `[[exercise.part.misconceptions]]`",
            is_table_list,
        ),
    ),
)

ACCEPTED = Level(
    "accepted",
    "[[exercise.part.accepted]]",
    (
        Key(
            "convention",
            "string",
            True,
            "",
            "the convention under which the answer is right",
            is_nonempty_string,
        ),
        Key(
            "answer",
            "value",
            False,
            "",
            "a literal answer: an integer, a list (a tuple), a list of lists (a matrix); "
            'strings are symbols; `"$name"` reads data',
        ),
        Key(
            "permute",
            "array of integers",
            False,
            "",
            "the part's own tuple answer reordered (0-based positions): another layout",
            is_permutation,
        ),
        Key(
            "engine",
            "string",
            False,
            "",
            "an engine whose answer is the accepted answer",
            is_nonempty_string,
        ),
        Key("args", "table", False, "{}", "the engine's arguments (with `engine`)", is_table),
        Key(
            "parameters",
            "array of names",
            False,
            "[]",
            "the free parameters of a family `answer` (a checker solves for these only)",
            is_name_list,
        ),
    ),
)

MISCONCEPTION = Level(
    "misconception",
    "[[exercise.part.misconceptions]]",
    (
        Key(
            "diagnosis",
            "string",
            True,
            "",
            "what the misreading is, told to the student",
            is_nonempty_string,
        ),
        Key("answer", "value", False, "", "the wrong answer as a literal (as in `accepted`)"),
        Key(
            "permute", "array of integers", False, "", "the part's answer reordered", is_permutation
        ),
        Key(
            "engine",
            "string",
            False,
            "",
            "an engine whose answer is the wrong answer",
            is_nonempty_string,
        ),
        Key("args", "table", False, "{}", "the engine's arguments (with `engine`)", is_table),
    ),
)

CONTEXT_ENGINE = Level(
    "context entry",
    "context = { NAME = { engine = ..., args = {...} } }",
    (
        Key(
            "engine",
            "string",
            True,
            "",
            "the engine whose answer the name holds",
            is_nonempty_string,
        ),
        Key("args", "table", False, "{}", "the engine's arguments", is_table),
    ),
)

#: Every level, in the order of the documentation.
LEVELS: tuple[Level, ...] = (SET, EXERCISE, PART, ACCEPTED, MISCONCEPTION, CONTEXT_ENGINE)

#: The keys an accepted answer or a misconception takes its value from (exactly one of them).
ANSWER_SOURCES = ("answer", "permute", "engine")


def level_of_key(name: str, besides: Level) -> Level | None:
    """Another level that has the key ``name`` (for "`engine` is a part key" hints)."""
    return next((level for level in LEVELS if level is not besides and level.key(name)), None)

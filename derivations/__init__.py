"""The catalog: every problem set ``symconv solve`` knows, resolved by id.

Each provider module has ``problem_set() -> ProblemSet`` and builds its parts' solutions with the
engine, lazily. A lecturer's own set is a data file (``symconv solve --problems FILE``), read by
:mod:`symconv.problems.problemset`.
"""

from __future__ import annotations

import importlib
from functools import cache

from symconv.errors import ConventionError
from symconv.problems.model import Part, ProblemSet, select

#: Set id → its provider module, in the order ``symconv solve --list`` shows them.
PROVIDERS: dict[str, str] = {
    "nndl-5": "derivations.nndl5",
    "nyu-cnn": "derivations.nyu_cnn",
    "conv-arith": "derivations.conv_arith",
    "fd": "derivations.fd",
}


@cache
def problem_set(set_id: str) -> ProblemSet:
    """One built-in set, importing only its own provider.

    >>> problem_set("fd").title
    'Finite-difference stencils as convolution kernels'
    >>> problem_set("nope")
    Traceback (most recent call last):
    ...
    symconv.errors.ConventionError: no such problem set 'nope' (known: nndl-5, nyu-cnn, \
conv-arith, fd)
    """
    if set_id not in PROVIDERS:
        known = ", ".join(PROVIDERS)
        raise ConventionError(f"no such problem set {set_id!r} (known: {known})")
    return importlib.import_module(PROVIDERS[set_id]).problem_set()


def catalog() -> tuple[ProblemSet, ...]:
    """Every built-in problem set (their solutions are still built lazily)."""
    return tuple(problem_set(set_id) for set_id in PROVIDERS)


def solve(identifier: str, *, problems: str | None = None) -> list[Part]:
    """The parts a set, exercise or part id names, with their solutions derived.

    ``problems`` is a problem-set data file (TOML) to use instead of the built-in catalog.

    >>> [part.id for part in solve("nyu-cnn-3")]
    ['nyu-cnn-3a', 'nyu-cnn-3b', 'nyu-cnn-3c', 'nyu-cnn-3d']
    >>> solve("nyu-cnn-3d")[0].solution.derivation.answer
    1820
    """
    if problems is not None:
        from symconv.problems.problemset import load_problem_set

        sets: tuple[ProblemSet, ...] = (load_problem_set(problems),)
    else:
        sets = catalog()
    selection = select(sets, identifier)
    parts = [part for _exercise, chosen in selection.exercises for part in chosen]
    for part in parts:
        _ = part.solution  # derive now: errors surface here, not later
    return parts

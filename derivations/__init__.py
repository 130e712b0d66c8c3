"""The catalog: every problem set ``symconv solve`` knows, resolved by id.

Each provider module has ``problem_set() -> ProblemSet`` and builds its parts' solutions with the
engine, lazily. A lecturer's own set is a data file (``symconv solve --problems FILE``), read by
:mod:`symconv.problemset`.
"""

from __future__ import annotations

import importlib
from functools import cache

from symconv.problems import ProblemSet

#: Provider modules, in the order ``symconv solve --list`` shows them.
PROVIDERS: tuple[str, ...] = (
    "derivations.nndl5",
    "derivations.nyu_cnn",
    "derivations.conv_arith",
    "derivations.fd",
)


@cache
def catalog() -> tuple[ProblemSet, ...]:
    """Every built-in problem set (their solutions are still built lazily)."""
    return tuple(importlib.import_module(name).problem_set() for name in PROVIDERS)

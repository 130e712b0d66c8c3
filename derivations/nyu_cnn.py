"""Problem set ``nyu-cnn``, read from its data file ``nyu_cnn.toml`` (the example of a set
written as data: a lecturer can write one like it without Python)."""

from __future__ import annotations

from importlib.resources import files

from symconv.problems.model import ProblemSet
from symconv.problems.problemset import problem_set_from_data


def problem_set() -> ProblemSet:
    import tomllib

    resource = files("derivations").joinpath("nyu_cnn.toml")
    return problem_set_from_data(
        tomllib.loads(resource.read_text(encoding="utf-8")), "nyu_cnn.toml"
    )

"""The problem-context layer: judges that compare a claim with what the problem set derives.

Each reads the :class:`~symconv.check.context.ProblemContext` of the claim's region (the
matrices, values, formulas and index steps the exercise's derivation names, the substitutions
it makes) and says nothing (None) when the problem names nothing the claim is about; the
dispatcher of :mod:`symconv.check.judges` tries them, per kind, after the document's own lints
and before the document judges. The judges themselves live with their concept:

* :mod:`.named` — a matrix the derivation names (``T``, ``o``, ``C``, ``Z``);
* :mod:`.named_values` — a number, a formula or an operator row the derivation names;
* :mod:`.index_steps` — ``T[i, …] = formula`` where the derivation defines ``T`` by index;
* :mod:`.systems` — the linear system the derivation solves (``T w = b``).

    >>> print(*sorted(PROBLEM_JUDGES))
    algebra answer definition index-formula matrix
    >>> [judge.__name__ for judge in PROBLEM_JUDGES[ClaimKind.MATRIX]]
    ['judge_named_matrix', 'judge_system']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from symconv.check.judges import index_steps, named, named_values, systems
from symconv.check.model import ClaimKind

if TYPE_CHECKING:
    from symconv.check.judges import Judge

__all__ = ["PROBLEM_JUDGES"]

#: The problem-context judges of each claim kind, in the order they are tried.
PROBLEM_JUDGES: Mapping[ClaimKind, tuple[Judge, ...]] = {
    ClaimKind.ALGEBRA: (named_values.judge_named_operator,),
    ClaimKind.INDEX_FORMULA: (index_steps.judge_index_step,),
    ClaimKind.MATRIX: (named.judge_named_matrix, systems.judge_system),
    ClaimKind.DEFINITION: (named.judge_named_matrix, named_values.judge_named_value),
    ClaimKind.ANSWER: (named.judge_named_matrix, named_values.judge_named_value),
}

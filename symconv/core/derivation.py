"""``Derivation``: the one result type of symconv.

A derivation is an ordered list of :class:`Step` s (``lhs``, relation ``=``/``≈``/``:=``, ``rhs``, a
short reason), the final answer as a SymPy object, the conventions it assumed, and its numeric twin.
Steps hold SymPy objects; they are rendered only at the edge (``.latex()``, ``.markdown()``,
``.to_json()``). ``.check()`` runs the numeric twin against its independent computation, plus any
further checks (identities, exactness) attached to the derivation.

    >>> import sympy as sp
    >>> o, i, k = sp.symbols("o i k", integer=True)
    >>> d = Derivation(
    ...     title="Output size",
    ...     steps=(
    ...         Step(o, i - k + 1, reason="valid correlation"),
    ...         Step(None, i - k + 1, values={i: 5, k: 3}),
    ...         Step(None, sp.Integer(3)),
    ...     ),
    ...     answer=sp.Integer(3),
    ...     answer_lhs=o,
    ...     conventions=("cross-correlation",),
    ... )
    >>> print(d.latex())
    \\begin{aligned}
    o &= i - k + 1 && \\text{valid correlation} \\\\
    &= 5 - 3 + 1 \\\\
    &= 3
    \\end{aligned}
    >>> d.to_json()["answer_srepr"]
    'Integer(3)'
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

import sympy as sp

from symconv.core.latex import Notation, latex, text_latex
from symconv.core.numpy_values import is_ndarray
from symconv.core.portable import portable_srepr
from symconv.core.safe import as_sympy
from symconv.errors import ConventionError

if TYPE_CHECKING:
    import numpy as np

Relation = Literal["=", "≈", ":=", "∈"]

#: LaTeX of each relation a step may assert.
RELATION_LATEX: dict[str, str] = {"=": "=", "≈": r"\approx", ":=": ":=", "∈": r"\in"}

#: Version of the JSON written by ``to_json`` (DESIGN.md's contract).
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Step:
    """One line of a derivation: ``lhs relation rhs``, with the reason it holds.

    ``lhs=None`` continues the chain of the step before (``&= ...`` in an ``aligned`` block).
    ``values`` shows ``rhs`` with those numbers substituted (worked arithmetic, handcalcs style);
    the step's *value* is then ``rhs`` with the substitution made. ``shown=False`` makes it a
    supporting step (a stencil's Taylor table): kept in ``steps`` for programs and the checker,
    left out of the rendered derivation (LaTeX, Markdown, JSON).
    """

    lhs: Any
    rhs: Any
    relation: Relation = "="
    reason: str = ""
    values: Mapping[Any, Any] | None = None
    shown: bool = True

    def __post_init__(self) -> None:
        if self.relation not in RELATION_LATEX:
            raise ConventionError(
                f"relation {self.relation!r}: expected one of {list(RELATION_LATEX)}"
            )

    @property
    def value(self) -> Any:
        """The right-hand side with any shown substitution carried out."""
        if self.values:
            return as_sympy(self.rhs).xreplace({k: as_sympy(v) for k, v in self.values.items()})
        return self.rhs

    def lhs_latex(self, **settings: Any) -> str:
        return "" if self.lhs is None else render(self.lhs, **settings)

    def rhs_latex(self, **settings: Any) -> str:
        return render(self.rhs, values=self.values, **settings)


def render(obj: Any, **settings: Any) -> str:
    """LaTeX of a step's side: SymPy objects through the printer, strings verbatim.

    The LaTeX of the last few SymPy objects rendered is remembered by their identity and the
    settings (a derivation's answer is also its last step, its left side also its first one);
    SymPy objects are immutable, and each is kept alive while remembered, so its identity is
    never another object's.
    """
    if isinstance(obj, str):
        return obj
    if not isinstance(obj, sp.Basic):
        return latex(obj, **settings)
    # (``values=None`` is latex()'s default: the same rendering as no ``values``)
    key = (id(obj), tuple(sorted((k, v) for k, v in settings.items() if k != "values" or v)))
    try:
        known = _RENDERED.pop(key, None)
    except TypeError:  # a setting that is not hashable (the values a step substitutes)
        return latex(obj, **settings)
    text = latex(obj, **settings) if known is None else known[1]
    _RENDERED[key] = (obj, text)  # the most recent last
    if len(_RENDERED) > _RENDERED_KEPT:
        del _RENDERED[next(iter(_RENDERED))]
    return text


#: :func:`render`'s memory: (identity, settings) → (the object, its LaTeX), the oldest first.
_RENDERED: dict[tuple[int, tuple[tuple[str, Any], ...]], tuple[sp.Basic, str]] = {}
_RENDERED_KEPT = 64


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: its name, whether it passed, and what was compared."""

    name: str
    passed: bool
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "detail": self.detail}


@dataclass(frozen=True)
class CheckReport:
    """All checks run on one derivation."""

    results: tuple[CheckResult, ...]

    @property
    def passed(self) -> bool:
        return all(result.passed for result in self.results)

    def summary(self) -> str:
        """One line: ``checked: numeric twin vs reference (3 points) ✓; ...``."""
        if not self.results:
            return "checked: nothing (no checks attached)"
        marks = [f"{r.name} {'✓' if r.passed else '✗'}" for r in self.results]
        return "checked: " + "; ".join(marks)

    def to_json(self) -> list[dict[str, Any]]:
        return [result.to_json() for result in self.results]


#: A check attached to a derivation: draws what it needs from the generator and reports.
Check = Callable[["np.random.Generator"], CheckResult]


@dataclass(frozen=True)
class NumericTwin:
    """A vectorised NumPy version of a result and the independent computation it must match.

    ``sample(rng)`` draws keyword arguments; ``function(**kwargs)`` and ``reference(**kwargs)``
    must agree to ``rtol``/``atol``.
    """

    name: str
    function: Callable[..., Any]
    reference: Callable[..., Any]
    sample: Callable[[np.random.Generator], dict[str, Any]]
    rtol: float = 1e-9
    atol: float = 1e-12

    def check(self, rng: np.random.Generator, trials: int = 3) -> CheckResult:
        import numpy as np  # loaded when a twin runs (core/numpy_values.py)

        worst = 0.0
        for trial in range(trials):
            arguments = self.sample(rng)
            got = np.asarray(self.function(**arguments), dtype=float)
            expected = np.asarray(self.reference(**arguments), dtype=float)
            if got.shape != expected.shape:
                return CheckResult(
                    self.name,
                    False,
                    f"trial {trial}: shape {got.shape} from the twin, {expected.shape} expected",
                )
            if not np.allclose(got, expected, rtol=self.rtol, atol=self.atol):
                where = np.unravel_index(np.argmax(np.abs(got - expected)), got.shape)
                return CheckResult(
                    self.name,
                    False,
                    f"trial {trial}: at {tuple(int(i) for i in where)} the twin gives "
                    f"{got[where]!r}, the reference {expected[where]!r}",
                )
            scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
            worst = max(worst, float(np.max(np.abs(got - expected), initial=0.0)) / scale)
        return CheckResult(
            self.name, True, f"{trials} random points, max relative difference {worst:.1e}"
        )


@dataclass(frozen=True, repr=False)
class Derivation:
    """A derived result: steps, answer, conventions, numeric twin, checks (see module docstring).

    ``answer`` is the bare value (a number, a ``Tuple``, an ``ImmutableMatrix``, an index
    expression); ``answer_lhs`` optionally names it for display (``o``, ``∂J/∂W[k1,k2,n,m]``).
    ``notation`` is the index notation of the source the derivation answers.

    ``print(derivation)`` and its ``repr`` are one short line (title, answer, number of steps),
    however large the steps are; ``.latex()``, ``.markdown()`` and ``.to_json()`` give the rest.

    >>> import sympy as sp
    >>> d = Derivation("Output size", (Step(sp.Symbol("o"), sp.Integer(46)),), sp.Integer(46),
    ...                answer_lhs=sp.Symbol("o"))
    >>> print(d)
    Output size: o = 46 (1 step)
    >>> d
    <Derivation 'Output size': o = 46, 1 step>
    >>> big = Derivation("C", (), sp.ImmutableMatrix(40, 50, range(2000)))
    >>> big
    <Derivation 'C': 40×50 ImmutableDenseMatrix, 0 steps>
    """

    title: str
    steps: tuple[Step, ...]
    answer: Any
    answer_lhs: Any = None
    conventions: tuple[str, ...] = ()
    numeric: NumericTwin | None = None
    checks: tuple[Check, ...] = ()
    question: str = ""
    notation: Notation = "bracket"
    details: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    # -- short forms (print, repr) -----------------------------------------------------------
    def _summary(self) -> str:
        answer = _short(self.answer)
        if self.answer_lhs is not None:
            answer = f"{_short(self.answer_lhs)} = {answer}"
        return answer

    def _steps_text(self) -> str:
        return f"{len(self.steps)} step{'s' * (len(self.steps) != 1)}"

    def __str__(self) -> str:
        return f"{self.title}: {self._summary()} ({self._steps_text()})"

    def __repr__(self) -> str:
        return f"<Derivation {self.title!r}: {self._summary()}, {self._steps_text()}>"

    @property
    def shown_steps(self) -> tuple[Step, ...]:
        """The steps a rendering shows (every step but the supporting ones, ``shown=False``)."""
        return tuple(step for step in self.steps if step.shown)

    def with_all_steps_shown(self) -> Derivation:
        """The same derivation with its supporting steps rendered too (a stencil's Taylor table).

        >>> import sympy as sp
        >>> d = Derivation("t", (Step(sp.Symbol("T"), 1, shown=False), Step(sp.Symbol("w"), 2)), 2)
        >>> len(d.shown_steps), len(d.with_all_steps_shown().shown_steps)
        (1, 2)
        """
        return replace(self, steps=tuple(replace(step, shown=True) for step in self.steps))

    # -- checking ----------------------------------------------------------------------
    def check(self, rng: np.random.Generator | int | None = None, trials: int = 3) -> CheckReport:
        """Run the numeric twin against its reference and every attached check.

        The default generator is seeded with 0, so a report is reproducible.
        """
        import numpy as np  # loaded when a check runs (core/numpy_values.py)

        generator = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng or 0)
        results: list[CheckResult] = []
        if self.numeric is not None:
            results.append(self.numeric.check(generator, trials))
        results.extend(check(generator) for check in self.checks)
        return CheckReport(tuple(results))

    # -- rendering ---------------------------------------------------------------------
    def _settings(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        return {"notation": self.notation, **settings}

    def answer_latex(self, **settings: Any) -> str:
        answer = render(self.answer, **self._settings(settings))
        if self.answer_lhs is None:
            return answer
        return f"{render(self.answer_lhs, **self._settings(settings))} = {answer}"

    def latex(self, **settings: Any) -> str:
        """The steps as one ``aligned`` block (no surrounding ``$$``)."""
        options = self._settings(settings)
        rows = []
        for step in self.shown_steps:
            lhs = step.lhs_latex(**options)
            row = (f"{lhs} &" if lhs else "&") + f"{RELATION_LATEX[step.relation]} "
            row += step.rhs_latex(**options)
            if step.reason:
                row += f" && {text_latex(step.reason)}"
            rows.append(row)
        if not rows:
            return self.answer_latex(**options)
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def markdown(self, report: CheckReport | None = None, **settings: Any) -> str:
        """A Markdown section that renders on GitHub and in Jupyter (MathJax)."""
        lines = [f"**{self.title}**", ""]
        if self.question:
            lines += [self.question, ""]
        if self.conventions:
            lines += ["Conventions: " + "; ".join(self.conventions) + ".", ""]
        for note in self.notes:
            lines += [note, ""]
        if self.shown_steps:
            lines += ["$$", self.latex(**settings), "$$", ""]
        lines += [f"**Answer:** ${self.answer_latex(**settings)}$", ""]
        if report is not None:
            lines += [f"*{report.summary()}*", ""]
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        return "$$" + self.latex() + "$$"

    def to_json(self, report: CheckReport | None = None, **settings: Any) -> dict[str, Any]:
        """The derivation as DESIGN.md's JSON (``steps``, ``answer_latex``, ``answer_srepr``...)."""
        options = self._settings(settings)
        return {
            "schema_version": SCHEMA_VERSION,
            "title": self.title,
            "question": self.question,
            "conventions": list(self.conventions),
            "steps": [
                {
                    "lhs": step.lhs_latex(**options),
                    "relation": step.relation,
                    "rhs": step.rhs_latex(**options),
                    "reason": step.reason,
                }
                for step in self.shown_steps
            ],
            "answer_latex": self.answer_latex(**options),
            # plain SymPy reads it back without symconv (symconv.core.portable)
            "answer_srepr": portable_srepr(self.answer),
            "checks": report.to_json() if report is not None else [],
        }

    def to_json_text(self, report: CheckReport | None = None, **settings: Any) -> str:
        return json.dumps(self.to_json(report, **settings), indent=2, ensure_ascii=False)


#: The longest answer the short forms of a derivation show in full.
SHORT_ANSWER_CHARACTERS = 60


def _short(value: Any) -> str:
    """A value in at most :data:`SHORT_ANSWER_CHARACTERS` characters: a matrix or array by its
    shape and type, a long expression cut with ``…``."""
    text = str(value)
    if isinstance(value, sp.MatrixBase | sp.NDimArray) or is_ndarray(value):
        if len(text) <= SHORT_ANSWER_CHARACTERS:
            return text
        return f"{'×'.join(map(str, value.shape))} {type(value).__name__}"
    if len(text) > SHORT_ANSWER_CHARACTERS:
        return text[: SHORT_ANSWER_CHARACTERS - 1] + "…"
    return text


def combine(
    title: str,
    parts: Sequence[Derivation],
    answer: Any,
    *,
    answer_lhs: Any = None,
    notes: tuple[str, ...] = (),
    notation: Notation | None = None,
    details: Mapping[str, Any] | None = None,
) -> Derivation:
    """One derivation from several: their steps in order, all their checks, their conventions.

    Each part's numeric twin becomes one of the combined checks.
    """
    checks: list[Check] = []
    for part in parts:
        if part.numeric is not None:
            checks.append(part.numeric.check)
        checks.extend(part.checks)
    conventions = tuple(dict.fromkeys(c for part in parts for c in part.conventions))
    return Derivation(
        title=title,
        steps=tuple(step for part in parts for step in part.steps),
        answer=answer,
        answer_lhs=answer_lhs,
        conventions=conventions,
        checks=tuple(checks),
        notation=notation or (parts[0].notation if parts else "bracket"),
        details=dict(details or {}),
        notes=notes,
    )


def chain(lhs: Any, *rhs: Any, reason: str = "", relation: Relation = "=") -> tuple[Step, ...]:
    """Steps for ``lhs = rhs[0] = rhs[1] = ...`` (the reason goes on the first link).

    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> [(s.lhs, s.rhs) for s in chain(x, 2 + 3, 5)]
    [(x, 5), (None, 5)]
    """
    return tuple(
        Step(lhs if index == 0 else None, value, relation, reason if index == 0 else "")
        for index, value in enumerate(rhs)
    )


__all__: Sequence[str] = (
    "Check",
    "CheckReport",
    "CheckResult",
    "Derivation",
    "NumericTwin",
    "Step",
    "chain",
    "combine",
)

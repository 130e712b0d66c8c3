"""Update rules: the gradient-descent step, and the two mistakes people make in it.

The step of gradient descent on an objective ``L`` is ``w ← w − η ∂L/∂w`` (Cauchy 1847;
Goodfellow, Bengio & Courville, *Deep Learning*, eq. 4.5: ``x' = x − ε∇_x f(x)``): the parameter
minus a positive step size times the derivative of the objective *with respect to that same
parameter*, evaluated at its current value; as an iteration, ``p_{n+1} = p_n − η∇F(p_n)``.
A claim of kind ``update`` (:mod:`symconv.check.read_updates`) is

* **right** when it is exactly that form: the derivative is with respect to the parameter the
  rule assigns (a layer superscript written ``W^{(l)}`` on one side and ``W^l`` on the other
  is one name), the coefficient is a step (a positive number, or names: a learning rate is
  positive), and the sign subtracts — unless the words say the objective is maximised, where
  ``w + η ∂L/∂w`` (gradient ascent) is the right step;
* **wrong** when the sign goes the other way from what the words say (``+`` while the text
  minimises: it climbs the gradient), or when the derivative is with respect to another
  parameter (``w ← w − η ∂L/∂b``) — each with a witness on ``L = w²/2``;
* **unverified** otherwise, with the reason: another form (momentum, weight decay, a sum of
  derivatives), a derivative whose variable the notation leaves open (``∇L``), the same name
  with other indices, a ``+`` step the words do not explain.

    >>> import sympy as sp
    >>> from symconv.check.model import Claim, UpdateFacts
    >>> w, b, eta, L = sp.symbols("w b eta L")
    >>> def update(step, variable, direction=None):
    ...     facts = UpdateFacts(w, w, "←", step=step, derivative=sp.Derivative(L, variable),
    ...                         objective="L", variable=variable, direction=direction)
    ...     return judge_update(Claim(1, 1, "", "update", facts=facts), None, None)
    >>> print(update(-eta, w).message)
    the gradient-descent step: w minus the step η times the derivative of L with respect to w
    >>> j = update(eta, w, "descent")
    >>> print(j.verdict, j.witness, sep=": ")
    wrong: L = w²/2 from w = 1 with η = 1/2: the step gives w = 3/2, and L grows from 1/2 to 9/8
    >>> print(update(-eta, b).witness)
    L = w²/2 at w = 1: ∂L/∂b = 0, so w does not move, while ∂L/∂w = 1
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from symconv.check.context import DocumentContext, ProblemContext
from symconv.check.judges.verdicts import right, unverified, wrong
from symconv.check.model import Claim, Judgement, UpdateFacts
from symconv.check.read_updates import parameter_key, same_parameter
from symconv.check.shown import display_name, show
from symconv.core.patterns import lazy_compile

__all__ = ["judge_update", "written"]

#: A font or accent around a name: ``\\mathcal{L}``, ``\\vec{w}``.
_FONT = lazy_compile(r"\\(?:mathcal|mathbf|boldsymbol|bm|vec|mathrm|mathit)\s*\{([^{}]*)\}")


def written(expr: Any) -> str:
    """A parameter as a person writes it: ``W^{l}_{ji}``, ``p_n``, ``η``, ``L`` for
    ``\\mathcal{L}``.

    >>> W, j, i = sp.IndexedBase("W^{(l)}"), sp.Symbol("j"), sp.Symbol("i")
    >>> written(W[j, i]), written(sp.Symbol("eta")), written(sp.Symbol(r"\\mathcal{L}"))
    ('W^{(l)}_{ji}', 'η', 'L')
    """
    if isinstance(expr, sp.Indexed):
        indices = [written(index) for index in expr.indices]
        joined = "".join(indices) if all(len(i) == 1 for i in indices) else ",".join(indices)
        sub = joined if len(joined) == 1 else "{" + joined + "}"
        return f"{written(expr.base.label)}_{sub}"
    if isinstance(expr, (sp.Symbol, str)):
        name = expr.name if isinstance(expr, sp.Symbol) else expr
        return display_name(_FONT.sub(r"\1", name))
    return show(expr)


def judge_update(
    claim: Claim, context: DocumentContext | None, problem: ProblemContext | None
) -> Judgement | None:
    """The verdict on an update rule (module docstring); None for any other claim."""
    facts = claim.facts
    if not isinstance(facts, UpdateFacts):
        return None
    name = written(facts.current)
    if facts.derivative is None:
        return unverified(
            claim,
            f"an update of {name} that is not a step times one derivative (momentum, weight "
            "decay and other optimisers are not checked)",
        )
    objective = facts.objective
    if objective is None:
        return unverified(claim, "the derivative does not name the function it differentiates")
    variable = _variable(facts)
    if variable is None:
        return unverified(
            claim,
            f"∇{written(objective)} does not say with respect to what, or at which point: write "
            f"∇_{name} {written(objective)} or ∇{written(objective)}({name})",
        )
    sign = _sign(facts.step)
    if sign is None:
        return unverified(
            claim,
            f"the coefficient {written(facts.step)} is not a step size (a positive number or "
            "a learning rate's name)",
        )
    if not _same(variable, facts):
        if facts.variable is None:  # ∇F(v): the gradient at another point (a look-ahead?)
            return unverified(claim, f"the gradient is taken at {written(variable)}, not at "
                                     f"the current value {name}")  # fmt: skip
        return _other_variable(claim, facts, variable, objective)
    if facts.variable is None and not _at_current(facts):
        return unverified(
            claim,
            f"the gradient is taken at {written(facts.point)}, not at the current value {name}",
        )
    step = written(sp.Abs(facts.step) if facts.step.is_number else sign * facts.step)
    said = facts.direction
    derivative = f"the derivative of {written(objective)} with respect to {written(variable)}"
    if facts.variable is None:
        derivative = f"the gradient of {written(objective)} at {written(variable)}"
    if sign < 0 and said != "ascent":
        return right(claim, f"the gradient-descent step: {name} minus the step {step} times "
                            f"{derivative}")  # fmt: skip
    if sign > 0 and said == "ascent":
        maximised = written(objective)
        return right(claim, f"the gradient-ascent step: {name} plus the step {step} times "
                            f"{derivative}, as the text maximises {maximised}")  # fmt: skip
    if sign > 0 and said is None:
        return unverified(
            claim,
            f"{name} plus a step times {derivative} climbs the gradient (gradient ascent); "
            "nothing here says whether the text minimises or maximises",
        )
    return _wrong_way(claim, facts, sign, name, objective)


def _variable(facts: UpdateFacts) -> Any:
    """What the derivative is with respect to: written (``∂L/∂w``, ``∇_w L``), else the point
    of ``∇F(p)`` (the gradient of ``F`` is with respect to its argument)."""
    if facts.variable is not None:
        return facts.variable
    return facts.point


def _same(variable: Any, facts: UpdateFacts) -> bool:
    """True if the derivative is with respect to the parameter the rule updates: its name
    (any layer superscript), or the iterate's base (``∇_p F(p_n)`` for ``p_{n+1}``)."""
    if same_parameter(variable, facts.current) or same_parameter(variable, facts.target):
        return True
    if isinstance(facts.current, sp.Indexed) and isinstance(variable, sp.Symbol):
        return parameter_key(facts.current.base.label) == parameter_key(variable)
    return False


def _at_current(facts: UpdateFacts) -> bool:
    return same_parameter(facts.point, facts.current) or facts.point == facts.current


def _base_letter(expr: Any) -> str | None:
    """The letter a parameter's name starts from (``W`` of ``W^{(l)}_{ji}``), or None."""
    key = parameter_key(expr)
    if key is None:
        return None
    name = key[0]
    for mark in ("^", "_"):
        name = name.split(mark)[0]
    return name or None


def _other_variable(claim: Claim, facts: UpdateFacts, variable: Any, objective: str) -> Judgement:
    """A derivative with respect to something else: wrong when it is another parameter (another
    letter), unverified when only the indices or the superscripts differ."""
    name, other = written(facts.current), written(variable)
    letter, updated = _base_letter(variable), _base_letter(facts.current)
    if letter is None or updated is None or letter.lower() == updated.lower():
        return unverified(
            claim,
            f"the derivative is with respect to {other}, and {name} is updated: the same "
            "parameter only if the two names mean one entry",
        )
    return wrong(
        claim,
        f"the step for {name} uses the derivative with respect to {other}: gradient descent on "
        f"{name} moves it by the derivative of {written(objective)} with respect to {name} itself",
        expected_latex=_expected(facts, objective, -1),
        witness=f"L = {updated}²/2 at {updated} = 1: ∂L/∂{letter} = 0, so {updated} does not "
        f"move, while ∂L/∂{updated} = 1",
    )


def _sign(step: Any) -> int | None:
    """+1 or −1 for a step size written with that sign: a number, a step's name (a learning
    rate is positive), divided by counts (``η/m``); None for anything else (a difference of
    names, a factor that may be an array: ``η x ∂L/∂z`` is a chain rule, not a step).

    >>> eta, m, x = sp.symbols("eta m x")
    >>> _sign(-eta / m), _sign(sp.Rational(-1, 100)), _sign(-eta * x)
    (-1, -1, None)
    """
    if step.is_number:
        return 1 if step > 0 else -1 if step < 0 else None
    coefficient, rest = step.as_coeff_Mul()
    if rest.is_number or coefficient == 0:
        return None
    factors = sp.Mul.make_args(rest)
    if all(_step_factor(factor) for factor in factors):
        return 1 if coefficient > 0 else -1
    return None


#: The names a step size goes by: Greek letters (η, α, ε, λ, γ, μ, ρ, ν, τ, …), ``t`` (the step
#: of convex optimisation texts), ``lr``.
_STEP_NAMES = lazy_compile(
    r"\\?(?:alpha|beta|gamma|delta|epsilon|varepsilon|eta|lambda|mu|nu|rho|tau|kappa|sigma|"
    r"theta|omega)|[\u0370-\u03ff]|t|s|s_\w+|step\w*|lr|lr_\w+"
)


def _step_factor(factor: Any) -> bool:
    """A step's name, a positive number, or a count it is divided by (``1/m``)."""
    if isinstance(factor, sp.Symbol):
        return _STEP_NAMES.fullmatch(factor.name) is not None
    if isinstance(factor, sp.Pow):
        return isinstance(factor.base, sp.Symbol) and factor.exp.is_number and factor.exp < 0
    return bool(factor.is_number and factor > 0)


def _wrong_way(claim: Claim, facts: UpdateFacts, sign: int, name: str, objective: str) -> Judgement:
    """A step against the words: ``+`` while the text minimises, ``−`` while it maximises."""
    variable = _base_letter(_variable(facts)) or written(_variable(facts))
    if sign > 0:
        return wrong(
            claim,
            f"a gradient-descent step subtracts the gradient: {name} plus the step moves up "
            f"the gradient of {written(objective)} (gradient ascent), while the text minimises it",
            expected_latex=_expected(facts, objective, -1),
            witness=f"L = {variable}²/2 from {variable} = 1 with η = 1/2: the step gives "
            f"{variable} = 3/2, and L grows from 1/2 to 9/8",
        )
    return wrong(
        claim,
        f"the text maximises {written(objective)}, and {name} minus the step moves down its "
        "gradient "
        "(gradient descent)",
        expected_latex=_expected(facts, objective, +1),
        witness=f"L = −{variable}²/2 from {variable} = 1 with η = 1/2: the step gives "
        f"{variable} = 3/2, and L falls from −1/2 to −9/8",
    )


def _latex_name(expr: Any) -> str:
    """A parameter's LaTeX: ``W^{(l)}_{ji}``."""
    if isinstance(expr, sp.Indexed):
        indices = [_latex_name(index) for index in expr.indices]
        joined = "".join(indices) if all(len(i) == 1 for i in indices) else ",".join(indices)
        return f"{expr.base.label}_{{{joined}}}"
    if isinstance(expr, sp.Symbol):
        return expr.name if "\\" in expr.name or len(expr.name) == 1 else sp.latex(expr)
    return sp.latex(expr)


def _expected(facts: UpdateFacts, objective: str, sign: int) -> str:
    """The step as it should read: ``w - \\eta \\frac{\\partial L}{\\partial w}``."""
    current = _latex_name(facts.current)
    step = facts.step if facts.step is not None else sp.Symbol("eta")
    size = sp.latex(sp.Abs(step) if step.is_number else (step if _sign(step) == 1 else -step))
    operator = "-" if sign < 0 else "+"
    derivative = f"\\frac{{\\partial {objective}}}{{\\partial {current}}}"
    if facts.operator == "Δ=":
        return f"\\Delta {current} = {operator if sign < 0 else ''}{size} {derivative}"
    return f"{_latex_name(facts.target)} = {current} {operator} {size} {derivative}"

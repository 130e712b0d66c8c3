"""Context-free and document-context judges of claims, and the dispatcher :func:`judge`.

Each judge takes a claim and the :class:`~symconv.check.context.DocumentContext` and returns a
:class:`~symconv.check.model.Judgement`, or None when the claim is not of its kind; the
dispatcher tries the judges that fit the claim's kind in turn, and a claim no judge could decide
is ``unverified`` with the reason. Judges by concept:

* :mod:`.arithmetic` — numbers (exact), ``≈`` to the digits written;
* :mod:`.algebra` — identities, at exact random points (and a name its block restates);
* :mod:`.missing_sum` — an index free on the right that the left lacks: a dropped ``\\sum``;
* :mod:`.index_identity` — a link between index expressions, on random tensors;
* :mod:`.chain_rule` — a product through one intermediate (``dz/dx = dz/dy · dy/dx``);
* :mod:`.sample_identity` — an entry equated to a weighted sum of samples (``… = f_i``);
* :mod:`.gradients` — a derived gradient against the document's own forward formula;
* :mod:`.calculus` — derivative claims (``σ'(z)``, ``tanh'``, softmax Jacobians, ``∂L/∂z``);
  first :mod:`.cost_gradients` — the derivative of a cost the document defines through its
  output, by an entry (``δ^{(L)}_j = (h_{W,b}(X) − Y) f_a'(x^{(L)}_j)``), and a batch's mean;
* :mod:`.named_costs` — a cost's definition the sentence names ("(one-half) squared error",
  "cross-entropy");
* :mod:`.approximation` — Taylor expansions and ``≈`` to the claimed order, ``O(·)`` orders;
* :mod:`.kernels` — a kernel written after its stencil;
* :mod:`.matrices` — matrix equalities, ``C x`` forms and conv matrices;
* :mod:`.named` — a matrix the problem's derivation names (``T``, ``o``, ``C``, ``Z``);
* :mod:`.systems` — the linear system it solves (``T w = b``), with the document's own ``T``;
* :mod:`.words` — shapes and shape/cost facts stated in words;
* :mod:`.layers` — sizes stated about the document's own network (tables, code, questions);
* :mod:`.arrays` — shapes of arrays stated, defined by NumPy code, differentiated, im2col;
* :mod:`.updates` — update rules: the gradient-descent step ``w ← w − η ∂L/∂w``;
* :mod:`.pooled_data` — pooling on the document's own numbers (``MaxPool(X) = [[…]]``, *average
  pooling gives*, the gradient through it), called by the document pass
  :mod:`symconv.check.document_pooling` (the data, the window and the stride are read in the
  order of the document), as :mod:`.unpooling` is by :mod:`symconv.check.document_maps`.

After a judge has spoken, :func:`judge` adds the document's view: a right claim that builds on
an earlier wrong one gets the warning ``"consistent with your line N (error carried forward)"``
(see :mod:`symconv.check.context` for this decision). :func:`judge_all` judges claims in order and
records each verdict in the context.

    >>> from symconv.check.markdown import split_document
    >>> from symconv.check.claims import extract_claims
    >>> from symconv.check.context import DocumentContext
    >>> doc = "$P = 3 - 1 = 3$\\n\\n$2 P + 1 = 7$\\n"
    >>> context = DocumentContext()
    >>> claims = extract_claims(split_document(doc), context=context)
    >>> for j in judge_all(claims, context):
    ...     print(j.claim.line, j.verdict, j.message, j.warnings)
    1 wrong 3 - 1 = 2, not 3 ()
    3 right 2 P + 1 = 7 ('consistent with your line 1 (error carried forward)',)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from functools import cache
from typing import Any

import sympy as sp
from sympy.polys.polyerrors import BasePolynomialError

from symconv.check.context import NO_PROBLEM, DocumentContext, ProblemContext, claim_id
from symconv.check.judges.verdicts import add_warnings, unverified, wrong
from symconv.check.model import Claim, ClaimKind, Judgement, UnreadFacts
from symconv.check.refusals import raised_by_sympy
from symconv.core.patterns import lazy_compile
from symconv.errors import SymconvError

__all__ = [
    "DocumentJudge",
    "Judge",
    "document_only",
    "judge",
    "judge_all",
    "judge_conv_matrix_claim",
    "judge_table",
]

#: A judge: the claim, what the document said before it, what the problem says about its region;
#: None when the claim is not of its kind.
Judge = Callable[[Claim, DocumentContext, ProblemContext], "Judgement | None"]
#: A judge that reads the document only (the problem's data would not change its verdict).
DocumentJudge = Callable[[Claim, DocumentContext], "Judgement | None"]


def document_only(judge_one: DocumentJudge) -> Judge:
    """A document judge in the table of :data:`Judge` s (the problem context is not its input)."""

    def judge_in_document(
        claim: Claim, context: DocumentContext, problem: ProblemContext
    ) -> Judgement | None:
        return judge_one(claim, context)

    judge_in_document.__name__ = getattr(judge_one, "__name__", "judge")
    return judge_in_document


@cache
def judge_table() -> Mapping[ClaimKind, tuple[Judge, ...]]:
    """The judges of each kind, in the order they are tried: first what the document says about
    itself whatever the problem (the missing-sum lint, a restated name), then the problem-context
    layer (:data:`symconv.check.judges.problem.PROBLEM_JUDGES`), then the document judges."""
    from symconv.check.judges import (
        algebra,
        ansatz,
        approximation,
        arithmetic,
        arrays,
        calculus,
        chain_rule,
        connections,
        gradients,
        index_identity,
        kernels,
        known_layers,
        layers,
        matrices,
        missing_sum,
        named_costs,
        restated,
        sample_identity,
        updates,
        words,
    )
    from symconv.check.judges.problem import PROBLEM_JUDGES

    lint = document_only(missing_sum.judge_missing_sum)  # an index free on the right only
    kernel = document_only(kernels.judge_kernel)
    gradient = document_only(gradients.judge_document_gradient)  # the document's own forward
    chain = document_only(chain_rule.judge_chain_rule)  # a product through one intermediate
    size = layers.judge_size  # a size stated about the document's own network
    first: dict[ClaimKind, tuple[Judge, ...]] = {
        ClaimKind.ARITHMETIC: (lint,),
        ClaimKind.ALGEBRA: (lint,),
        ClaimKind.APPROXIMATION: (lint,),
        ClaimKind.INDEX_FORMULA: (lint,),
        ClaimKind.DEFINITION: (
            document_only(gradients.judge_declared_range),  # i ∈ [0, n): a declared range
            lint,
            algebra.judge_restated,
        ),
        ClaimKind.ANSWER: (size, lint),
        ClaimKind.SHAPE: (size, arrays.judge_array),
        ClaimKind.FACT: (size, document_only(connections.judge_connection)),
    }
    in_document: dict[ClaimKind, tuple[Judge, ...]] = {
        ClaimKind.ARITHMETIC: (arithmetic.judge_arithmetic, algebra.judge_algebra),
        ClaimKind.ALGEBRA: (
            approximation.judge_operator_line,  # D_+ f(x) = …: an operator's definition, or use
            ansatz.judge_ansatz_equation,
            index_identity.judge_index_identity,
            arithmetic.judge_arithmetic,
            algebra.judge_algebra,
        ),
        ClaimKind.APPROXIMATION: (approximation.judge_approximation, arithmetic.judge_arithmetic),
        ClaimKind.ORDER: (approximation.judge_order,),
        ClaimKind.DERIVATIVE: (chain, gradient, calculus.judge_derivative),
        ClaimKind.INDEX_FORMULA: (
            chain,
            gradient,
            document_only(restated.judge_restated_formula),  # a formula written again
            document_only(known_layers.judge_known_layer),  # a forward formula that is a layer
            calculus.judge_derivative,
            arithmetic.judge_arithmetic,
            sample_identity.judge_sample_identity,
        ),
        ClaimKind.MATRIX: (kernel, ansatz.judge_ansatz_equation, matrices.judge_matrix),
        ClaimKind.DEFINITION: (
            approximation.judge_ansatz_answer,  # a = -3/(2h) after "find a, b, c with …"
            restated.judge_restated_definition,
            named_costs.judge_named_cost,  # "the cost is (one-half) squared error: J = …"
            words.judge_fact,
            kernel,
            algebra.judge_known_definition,
            arithmetic.judge_arithmetic,
        ),
        ClaimKind.ANSWER: (
            approximation.judge_ansatz_answer,  # "answer: a = -3/(2h), …" after "find a, b, c"
            restated.judge_restated_definition,
            kernel,
            matrices.judge_matrix,
            arithmetic.judge_arithmetic,
            words.judge_membership,
        ),
        ClaimKind.SHAPE: (words.judge_shape,),
        ClaimKind.FACT: (words.judge_fact,),
        ClaimKind.UPDATE: (updates.judge_update,),
    }
    kinds = dict.fromkeys([*first, *PROBLEM_JUDGES, *in_document])
    return {
        kind: first.get(kind, ()) + PROBLEM_JUDGES.get(kind, ()) + in_document.get(kind, ())
        for kind in kinds
    }


def _judges(kind: ClaimKind) -> tuple[Judge, ...]:
    return judge_table().get(kind, ())


_FALLBACK = {
    "answer": "an answer: nothing in the document to check it against (the problem context, "
    "--against, compares it with the problem's answer)",
    "definition": "a definition: nothing in the document to check it against",
    "index-formula": "an index formula: it is compared with the problem's formula when the "
    "problem is known (--against)",
    "shape": "a shape: it needs the problem's sizes (--against)",
    "fact": "a fact stated in words that the engine cannot match to its shape arithmetic",
    "order": "an order term with no approximation to refer to",
    "derivative": "a derivative of names the document does not define",
    "approximation": "an approximation whose sides are not both values or expansions the "
    "checker computes",
}
#: An index formula for a gradient that no forward formula before it computes.
_GRADIENT_FALLBACK = (
    "an index formula for a gradient: no formula before the line computes the tensors it "
    "differentiates (the problem context, --against, compares it with the problem's formula)"
)


def _gradient_on_the_left(claim: Claim) -> bool:
    """The claim's left side is a derivative (``∂L/∂Y(i, j, k)``, ``∂Z[…]/∂Y[…]``)."""
    from symconv.check import nodes
    from symconv.grad.notation import split_gradient_label

    left = claim.sides[0] if claim.sides else None
    if isinstance(left, nodes.Partial):
        return True
    return isinstance(left, sp.Indexed) and split_gradient_label(str(left.base.label)) is not None


#: The same, in a part of the set the document is checked against: the problem context judged
#: the part's answers, and this claim is none of them.
_FALLBACK_IN_A_PART = {
    "answer": "a value the part {part} does not ask for: nothing to check it against",
    "index-formula": "an index formula the derivation of {part} does not define: nothing to "
    "compare it with",
    "shape": "a shape the part {part} does not ask for: nothing to compare it with",
}


#: What SymPy raises when it refuses an input (not bugs of a judge): ZeroDivisionError and other
#: ArithmeticErrors (``1/0``), TypeError (the truth value of a relational), ValueError and
#: NotImplementedError (what it cannot solve, simplify or evaluate), its polynomial errors
#: (``PolynomialError``: not a built-in exception) and RecursionError (a deep tree).
#: AttributeError, KeyError and IndexError are a judge's bugs: they propagate and fail a test.
_SYMPY_REFUSALS = (
    ArithmeticError,
    TypeError,
    ValueError,
    NotImplementedError,
    BasePolynomialError,
    RecursionError,
)


#: A reader's error that quotes the formula it read (``… at column 19 of '\\frac{…}'``):
#: the report shows the line above the verdict, and the repeated LaTeX only garbles the reason.
_QUOTED_FORMULA = lazy_compile(
    r"\s*(?:\b(?:of|in)\b\s*)?(?:'(?:[^'\\]|\\.){30,}'|\"(?:[^\"\\]|\\.){30,}\")"
)


def without_quoted_formula(reason: str) -> str:
    """A reader's reason without the formula it quotes (30 characters or more).

    >>> without_quoted_formula("no oint at column 5 of '3 + oint f(x) dx = 2 + g(y) + h(z)'; end")
    'no oint at column 5; end'
    >>> without_quoted_formula("unknown command \\\\foo in 'x'")
    "unknown command \\\\foo in 'x'"
    """
    return _QUOTED_FORMULA.sub("", reason)


def judge(
    claim: Claim, context: DocumentContext | None = None, problem: ProblemContext = NO_PROBLEM
) -> Judgement:
    """The verdict on one claim, with what earlier lines of the document said (``context``) and
    what the problem says about its region (``problem``)."""
    context = context if context is not None else DocumentContext()
    reason = claim.facts.reason if isinstance(claim.facts, UnreadFacts) else ""
    if claim.kind == ClaimKind.AMBIGUOUS:
        # a question ("Is $2 + 2 = 5$?") or an equation the line solves is not ambiguous: the
        # reason says what it is
        asked = reason.startswith(("a question", "an equation this line solves"))
        return unverified(claim, reason if asked else f"ambiguous: {reason}")
    if claim.kind == ClaimKind.UNPARSED:
        if isinstance(claim.facts, UnreadFacts) and claim.facts.contradiction:
            # ∂^5 f / ∂x^3 ∂y: no reading makes it right
            return wrong(claim, reason, diagnosis="the notation contradicts itself")
        return unverified(claim, f"could not read the formula: {without_quoted_formula(reason)}")
    judgement: Judgement | None = None
    for judge_one in _judges(claim.kind):
        try:
            judgement = judge_one(claim, context, problem)
        except SymconvError as error:
            judgement = unverified(claim, str(error))
        except _SYMPY_REFUSALS as error:
            # SymPy refusing odd input: an honest "could not judge", never a crash or a pass;
            # the same exception raised by a judge's own code is a bug, and fails.
            if not raised_by_sympy(error):
                raise
            judgement = unverified(
                claim, f"could not be evaluated ({type(error).__name__}: {error})"
            )
        if judgement is not None:
            break
    if judgement is None:
        reason = _FALLBACK.get(
            claim.kind, f"no judge here reads a claim of this kind ({claim.kind.value!s})"
        )
        if claim.kind == ClaimKind.INDEX_FORMULA and _gradient_on_the_left(claim):
            reason = _GRADIENT_FALLBACK
        if problem.part is not None and claim.kind in _FALLBACK_IN_A_PART:
            reason = _FALLBACK_IN_A_PART[claim.kind].format(part=problem.part)
        judgement = unverified(claim, reason)
    judgement = _time_levels_kept(judgement, context)
    return _in_document(judgement, context, problem)


def _time_levels_kept(judgement: Judgement, context: DocumentContext) -> Judgement:
    """A verdict on a line with grid samples ``u_j^n`` of a scheme is kept only where the
    samples were read as values of ``u`` (an approximation that applies ``u`` at grid
    points, :func:`~symconv.check.judges.grid_points.space_time_samples_as_functions`): the
    reader takes the superscript for a power, and ``u_2^0 = 0`` is no claim that a power is
    1 — *unverified* instead (:func:`~symconv.check.judges.grid_points.time_level_names`)."""
    from sympy.core.function import AppliedUndef

    from symconv.check.judges.grid_points import time_level_names, time_level_samples

    if judgement.verdict not in ("right", "wrong"):
        return judgement
    claim = judgement.claim
    sides = [side for side in claim.sides if isinstance(side, sp.Basic)]
    if "^" not in claim.text or "_" not in claim.text:
        return judgement
    exprs = [side for c in context.claims.values() for side in c.sides]
    exprs += [e for a in context.assumptions for e in (a.lhs, a.rhs)]
    relations = [(a.lhs, a.rhs) for a in context.assumptions]
    relations += [
        (c.sides[0], c.sides[1])
        for c in context.claims.values()
        if c.kind == "index-formula" and len(c.sides) == 2 and c.relation == "="
    ]
    names = time_level_names(exprs, relations)
    written = time_level_samples(claim.text, names)
    if not written:
        return judgement
    applied = {str(a.func.__name__) for side in sides for a in side.atoms(AppliedUndef)}
    if claim.kind == "approximation" and {re.split("[_^]", w)[0] for w in written} <= applied:
        return judgement  # the samples were read as values of the function the claim applies
    return unverified(
        claim,
        f"{written[0]} is the value at a time level (a grid sample), not a power; "
        "this line is not checked as a scheme's step",
    )


def judge_all(
    claims: Iterable[Claim],
    context: DocumentContext | None = None,
    *,
    run: Callable[[Callable[[], Judgement], Claim], Judgement] | None = None,
    problem_at: Callable[[Claim], ProblemContext] | None = None,
) -> list[Judgement]:
    """Judge claims in order, recording each verdict in ``context`` for the later ones.

    ``run(thunk, claim)`` wraps each check (the runner's time limit); it returns the thunk's
    judgement or an ``unverified`` one ("timed out"). ``problem_at(claim)`` is the problem
    context of the claim's region (none by default).
    """
    context = context if context is not None else DocumentContext()
    judgements = []
    for claim in claims:
        if claim_id(claim) not in context.claims:
            context.add_claim(claim)

        problem = problem_at(claim) if problem_at is not None else NO_PROBLEM

        def thunk(claim: Claim = claim, problem: ProblemContext = problem) -> Judgement:
            return judge(claim, context, problem)

        judgement = run(thunk, claim) if run is not None else thunk()
        context.observe(judgement)
        judgements.append(judgement)
    return judgements


def judge_conv_matrix_claim(matrix: Any, expected: Any, claim: Claim | None = None) -> Any:
    """Compare a written conv matrix with the expected one (see
    :func:`symconv.check.judges.matrices.compare_conv_matrix`)."""
    from symconv.check.judges.matrices import judge_conv_matrix_claim as compare

    return compare(matrix, expected, claim)


# ----------------------------------------------------------------------------------------------
# The document's view: error carried forward
# ----------------------------------------------------------------------------------------------
def _in_document(
    judgement: Judgement, context: DocumentContext, problem: ProblemContext
) -> Judgement:
    if judgement.verdict != "right":
        return judgement
    claim = judgement.claim
    lines = sorted(set(_carried_lines(claim, context, problem)))
    for line in lines:
        judgement = add_warnings(
            judgement, f"consistent with your line {line} (error carried forward)"
        )
    return replace(judgement, carried_from=tuple(lines)) if lines else judgement


def _carried_lines(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> Iterable[int]:
    from symconv.check.judges.resolve import resolve

    # 1. definitions made by a wrong claim (P = 3 on line 1, used on line 3)
    for side in claim.sides:
        _, used = resolve(side, claim, context, problem, matrices=True)
        for definition in context.wrong_definitions(used):
            wrong_claim = context.claims.get(definition.claim or -1)
            if wrong_claim is not None:
                yield wrong_claim.line
    # 2. the previous link of the same chain was wrong (a = 3·3 = 10 = 10 + 2 = 12)
    link = claim.link
    previous = link.previous if link is not None else None
    while previous is not None:
        if context.verdict_of(previous) == "wrong":
            yield context.claims[previous].line
            break
        before = context.claims[previous].link if previous in context.claims else None
        previous = before.previous if before is not None else None
    # 3. a number written wrong earlier and used again (1830 on line 55, then 1830 · 2 = 3660)
    numbers = _numbers_in(link.lhs_text if link is not None else "")
    if numbers:
        for identifier, earlier in context.judgements.items():
            if earlier.verdict != "wrong" or identifier >= claim_id(claim):
                continue
            if earlier.claim.kind not in ("arithmetic", "algebra"):
                continue
            written = earlier.claim.sides[-1] if earlier.claim.sides else None
            # Only distinctive numbers (three digits or more) are taken as the earlier result.
            if isinstance(written, sp.Integer) and abs(written) >= 100 and written in numbers:
                yield earlier.claim.line


_NUMBER = lazy_compile(r"(?<![\w.])\d[\d,{}]*(?:\.\d+)?")


def _numbers_in(text: str) -> set[Any]:
    from symconv.check.vocabulary import number_value

    found = set()
    for match in _NUMBER.finditer(text):
        try:
            found.add(number_value(match.group(0)))
        except SymconvError:
            continue
    return found

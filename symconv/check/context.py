"""The document context: what earlier lines of a solution defined, assumed and got wrong.

A hand-written solution builds on itself: ``with $h = 1$``, ``x = [1, 2, 3]``,
``For $y = \\mathrm{softmax}(z)$ and $\\sum_i t_i = 1$: ...``, a stencil written two lines above
the kernel that should repeat it. :func:`~symconv.check.claims.extract_claims` records these in a
:class:`DocumentContext`; the judges read them (each claim sees only what was written *before* it,
in its own section), and :meth:`DocumentContext.observe` records each verdict so that a later
claim can say that it builds on an earlier wrong one.

**Error carried forward** (a decision, tested in ``tests/check/test_check_context.py``): a claim
computed correctly from an earlier *wrong* value is ``right`` — its own computation is right, and
the error is reported once, on the line where it was made — with the warning
``"consistent with your line N (error carried forward)"``. The problem-context layer reads the
same fact from :meth:`DocumentContext.carried_from` to mark a final answer that is wrong only
because of an earlier line.

    >>> import sympy as sp
    >>> context = DocumentContext()
    >>> h = sp.Symbol("h")
    >>> context.define(h, sp.Integer(1), line=3, scope=1, order=4, assumed=True)
    >>> context.value_of(h, order=5, scope=1), context.value_of(h, order=2, scope=1)
    (1, None)
    >>> context.value_of(h, order=5, scope=2) is None      # another section
    True

Random evaluations are seeded from the document's seed and the claim's line and text, so reruns
are identical:

    >>> a = DocumentContext(seed=7).rng_for(3, "x = 1").random()
    >>> a == DocumentContext(seed=7).rng_for(3, "x = 1").random()
    True
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sympy as sp

from symconv.check.symbols import SymbolTable, name_key

if TYPE_CHECKING:
    from symconv.check.model import Claim, Judgement

__all__ = [
    "NO_PROBLEM",
    "Assumption",
    "Definition",
    "Dependency",
    "DocumentContext",
    "ProblemContext",
    "claim_id",
    "claim_scope",
]


@dataclass(frozen=True)
class Definition:
    """``name = value`` written on ``line`` in section ``scope``; ``order`` is its position among
    the document's statements (a claim's id is its order), so that ``with $h = 1$, $x'' ≈ ...$``
    sees ``h`` on the same line.

    ``assumed`` marks a definition made as an assumption (``with $h = 1$``): recorded, not a
    claim. ``claim`` is the id of the claim whose verdict decides whether the value is right
    (None for assumptions).
    """

    name: str
    symbol: Any
    value: Any
    line: int
    scope: int
    order: int
    assumed: bool = False
    claim: int | None = None


@dataclass(frozen=True)
class Assumption:
    """A relation assumed on ``line`` (``\\sum_i t_i = 1``): a constraint for later claims."""

    lhs: Any
    rhs: Any
    line: int
    scope: int
    order: int


@dataclass(frozen=True)
class Dependency:
    """``of`` is a function of ``on`` alone, as the document says in words on ``line`` ("*z* is
    a function of *y*"): names, compared by :func:`~symconv.check.symbols.name_key`.

    ``entrywise``: each entry of ``of`` is a function of the entry of ``on`` at the same indices
    ("*x* is *z* passed through the activation function"), both written with ``rank`` indices
    (0: alone); ``how`` says it in the document's words, for messages."""

    of: str
    on: str
    line: int
    scope: int
    order: int
    entrywise: bool = False
    rank: int = 0
    how: str = ""


def claim_id(claim: Claim) -> int:
    """The id :func:`~symconv.check.claims.extract_claims` gave a claim: its order among the
    document's statements (-1 if none)."""
    return claim.origin.id


def claim_scope(claim: Claim) -> int:
    return claim.origin.scope


def _visible(scope: int, wanted: int) -> bool:
    return scope in (wanted, 0)


@dataclass(frozen=True)
class ProblemContext:
    """What the problem set says about the exercise a claim answers: read, never written.

    * ``given``: values the problem defines (its data and derived tensors, ``Z``), by name key:
      ``Z[0, 3] = 0`` is judged against them (bracket indices are 0-based);
    * ``substitutions``: the problem's values for the names of the general formulas its answers
      use (``C = D, K_1 = 1`` in a 1×1 convolution), each a mapping from the formula's symbols:
      a step ``C K_1 K_2 M + M = D \\cdot 1 \\cdot 1 \\cdot P + P`` is judged with them;
    * ``named``: the matrices the problem's derivation names (``T``, ``o``, ``C``, ``Z``), by
      name key (:class:`~symconv.check.judges.named.NamedMatrix`): a row ``T := …`` is compared
      with them;
    * ``named_names``: the keys of what the derivations of all answered exercises name (a row
      defining one is a claim, not only a definition), ``formula_names`` those they give a
      formula (``N_mult = C K_1 K_2 M O_1 O_2``: the head of a chain stating one is a claim);
    * ``quantities``: the names the problem set declares as scalar quantities;
    * ``part``: the part (or exercise) the region answers, None outside the set's parts;
    * ``defined_from``: each tensor the exercise's forward formulas define, with the tensors it
      is computed from.

    The runner builds one per region of the document (each exercise's data is visible in its
    own regions only: ``Z`` of nyu-cnn 2 is not ``Z`` of 3) and passes it to the judges beside
    the :class:`DocumentContext`.

        >>> problem = ProblemContext(given={"Z": 1})
        >>> problem.given_value("Z"), NO_PROBLEM.given_value("Z")
        (1, None)
    """

    given: Mapping[str, Any] = field(default_factory=dict)
    substitutions: tuple[Mapping[Any, Any], ...] = ()
    named: Mapping[str, Any] = field(default_factory=dict)
    named_names: frozenset[str] = frozenset()
    formula_names: frozenset[str] = frozenset()
    quantities: tuple[str, ...] = ()
    #: The region's part (or exercise) when the document is checked against a set: the problem
    #: context then compares the part's answers, and a claim it leaves is not one it was asked.
    part: str | None = None
    #: ``(output, inputs)`` of the forward formulas the exercise's derivations start from
    #: (``U`` from ``Z`` in ``U = σ(Z)``): such tensors are not independent of each other.
    defined_from: tuple[tuple[str, frozenset[str]], ...] = ()

    def __post_init__(self) -> None:
        keyed = {name_key(name): value for name, value in self.given.items()}
        object.__setattr__(self, "given", keyed)

    def given_value(self, name: str) -> Any:
        return self.given.get(name_key(name))


#: No problem set: nothing given, nothing named.
NO_PROBLEM = ProblemContext()


@dataclass
class DocumentContext:
    """Definitions, assumptions and claims of one document, and the verdicts so far.

    * ``symbols``: the names the problem declares (functions, tensors);
    * ``seed``: the document's seed (a hash of its content, set by the runner);
    * ``rounding``: how the document says it rounds a quotient to an integer, if it says.

    What the problem set says (its data, named matrices, substitutions) is not here: it is the
    :class:`ProblemContext` of the claim's region, passed to the judges beside this one.

    Each lookup takes the ``order`` of the statement asking and its ``scope`` (section): it sees
    what came before it in its own section, or in the preamble (scope 0).
    """

    symbols: SymbolTable = field(default_factory=SymbolTable)
    seed: int = 0
    #: How the document says it rounds a quotient to an integer (``"floor"``, ``"ceiling"``;
    #: :func:`~symconv.check.vocabulary.stated_rounding`), or None.
    rounding: str | None = None
    definitions: list[Definition] = field(default_factory=list)
    assumptions: list[Assumption] = field(default_factory=list)
    dependencies: list[Dependency] = field(default_factory=list)
    claims: dict[int, Claim] = field(default_factory=dict)
    judgements: dict[int, Judgement] = field(default_factory=dict)

    # -- recording (extraction) ----------------------------------------------------------------
    def define(
        self,
        symbol: Any,
        value: Any,
        *,
        line: int,
        scope: int,
        order: int | None = None,
        assumed: bool = False,
        claim: int | None = None,
    ) -> None:
        """Record ``symbol = value`` (``symbol`` a Symbol, or a name)."""
        name = name_key(symbol.name if isinstance(symbol, sp.Symbol) else str(symbol))
        position = order if order is not None else len(self.definitions) + len(self.claims)
        self.definitions.append(
            Definition(name, symbol, value, line, scope, position, assumed, claim)
        )

    def assume(self, lhs: Any, rhs: Any, *, line: int, scope: int, order: int) -> None:
        """Record an assumed relation ``lhs = rhs`` that is not a definition of a name."""
        self.assumptions.append(Assumption(lhs, rhs, line, scope, order))

    def depend(
        self,
        of: str,
        on: str,
        *,
        line: int,
        scope: int,
        order: int,
        entrywise: bool = False,
        rank: int = 0,
        how: str = "",
    ) -> None:
        """Record that ``of`` is a function of ``on`` alone (said in words); ``entrywise``: of
        each entry at the same indices (see :class:`Dependency`)."""
        self.dependencies.append(
            Dependency(name_key(of), name_key(on), line, scope, order, entrywise, rank, how)
        )

    def entrywise_dependencies(self, *, order: int) -> list[Dependency]:
        """The entry-by-entry dependencies said before ``order``, in any section (a dictionary
        of names at the top serves the whole derivation), in document order.

        >>> context = DocumentContext()
        >>> context.depend("x", "z", line=3, scope=1, order=2, entrywise=True, rank=1)
        >>> [d.of for d in context.entrywise_dependencies(order=5)]
        ['x']
        """
        return [d for d in self.dependencies if d.entrywise and d.order < order]

    def add_claim(self, claim: Claim) -> None:
        self.claims[claim_id(claim)] = claim

    # -- lookups (judging) ---------------------------------------------------------------------
    def definition_of(
        self, symbol: Any, *, order: int, scope: int, arity: int | None = None
    ) -> Definition | None:
        """The latest definition of ``symbol`` made before ``order`` in section ``scope`` (or
        in the preamble); with ``arity``, the latest of a function of that many arguments (a
        name defined twice, ``J(W, b; Y, X)`` per sample and ``J(W, b)`` for a batch, is two
        functions).

        >>> context = DocumentContext()
        >>> W, b, Y = sp.symbols("W b Y")
        >>> context.define("J", sp.Lambda((W, b, Y), Y**2), line=1, scope=0, order=1)
        >>> context.define("J", sp.Lambda((W, b), W), line=2, scope=0, order=2)
        >>> [context.definition_of("J", order=3, scope=0, arity=n).line for n in (None, 3, 2)]
        [2, 1, 2]
        """
        name = name_key(symbol.name if isinstance(symbol, sp.Symbol) else str(symbol))
        found = None
        for definition in self.definitions:
            visible = _visible(definition.scope, scope)
            if definition.name == name and definition.order < order and visible:
                value = definition.value
                if arity is None or (
                    isinstance(value, sp.Lambda) and len(value.variables) == arity
                ):
                    found = definition
        return found

    def value_of(self, symbol: Any, *, order: int, scope: int) -> Any:
        definition = self.definition_of(symbol, order=order, scope=scope)
        return None if definition is None else definition.value

    def definitions_before(self, *, order: int, scope: int) -> list[Definition]:
        """The definitions in force before ``order`` (the latest of each name)."""
        latest: dict[str, Definition] = {}
        for definition in self.definitions:
            if definition.order < order and _visible(definition.scope, scope):
                latest[definition.name] = definition
        return list(latest.values())

    def dependency_of(self, of: Any, on: Any, *, order: int, scope: int) -> Dependency | None:
        """The statement in words, before ``order``, that ``of`` is a function of ``on`` alone.

        >>> context = DocumentContext()
        >>> context.depend("z", "y", line=2, scope=0, order=1)
        >>> context.dependency_of(sp.Symbol("z"), sp.Symbol("y"), order=3, scope=1).line
        2
        >>> print(context.dependency_of(sp.Symbol("y"), sp.Symbol("z"), order=3, scope=1))
        None
        """
        wanted = tuple(name_key(s.name if isinstance(s, sp.Symbol) else str(s)) for s in (of, on))
        found = None
        for dependency in self.dependencies:
            said_before = dependency.order < order and _visible(dependency.scope, scope)
            if (dependency.of, dependency.on) == wanted and said_before:
                found = dependency
        return found

    def assumptions_before(self, *, order: int, scope: int) -> list[Assumption]:
        return [a for a in self.assumptions if a.order < order and _visible(a.scope, scope)]

    def claims_before(
        self, *, order: int, scope: int, kind: str | None = None, within_lines: int | None = None
    ) -> list[Claim]:
        """Earlier claims of the same section (latest last), optionally of one kind and at most
        ``within_lines`` lines above the claim of ``order``."""
        here = self.claims.get(order)
        line = here.line if here is not None else None
        found = []
        for identifier in sorted(self.claims):
            claim = self.claims[identifier]
            if identifier >= order or claim_scope(claim) != scope:
                continue
            if kind is not None and claim.kind != kind:
                continue
            if within_lines is not None and line is not None:
                same_cell = here is None or here.origin.cell == claim.origin.cell
                if line - claim.line > within_lines or not same_cell:
                    continue
            found.append(claim)
        return found

    # -- verdicts ------------------------------------------------------------------------------
    def observe(self, judgement: Judgement) -> None:
        """Record a verdict, so that later claims can say they build on a wrong one."""
        identifier = claim_id(judgement.claim)
        self.judgements[identifier] = judgement
        self.claims.setdefault(identifier, judgement.claim)

    def verdict_of(self, identifier: int | None) -> str | None:
        if identifier is None or identifier not in self.judgements:
            return None
        return self.judgements[identifier].verdict

    def judgement_of(self, identifier: int | None) -> Judgement | None:
        return None if identifier is None else self.judgements.get(identifier)

    def wrong_definitions(self, used: Iterable[Definition]) -> list[Definition]:
        """Those of ``used`` whose defining claim was judged wrong."""
        return [d for d in used if self.verdict_of(d.claim) == "wrong"]

    @staticmethod
    def carried_from(judgement: Judgement) -> list[int]:
        """Lines of earlier wrong claims that ``judgement``'s claim builds on (error carried
        forward), as the dispatcher recorded them (:attr:`Judgement.carried_from`)."""
        return list(judgement.carried_from)

    # -- randomness ----------------------------------------------------------------------------
    def rng_for(self, line: int, text: str) -> random.Random:
        """A generator seeded from the document's seed, the line and the claim's text."""
        digest = hashlib.sha256(f"{self.seed}\x00{line}\x00{text}".encode()).digest()
        return random.Random(int.from_bytes(digest[:8], "big"))

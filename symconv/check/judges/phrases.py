"""The words around the math: which shape/cost fact a sentence states, and its cue words.

Tables and small regular expressions, no judging: :mod:`symconv.check.claims` uses them to say
what a claim is about (``"The effective kernel size is $K + (K-1)(D-1)$"`` states the fact
``effective kernel size``), :mod:`symconv.check.judges.words` to judge it.

    >>> fact_in_words("The effective kernel size is")
    'effective kernel size'
    >>> fact_in_words("So the padding is"), fact_in_words("感受野为")
    ('padding', 'receptive field')
    >>> is_assumption("For ⟨m⟩ with "), is_assumption("so with ⟨m⟩, "), is_assumption("设 ")
    (True, False, True)
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from symconv.core.patterns import TextPattern, lazy_compile

__all__ = [
    "COSTS",
    "FACTS",
    "MATH_MARK",
    "answer_cue",
    "cost_in_words",
    "dependencies_in_words",
    "fact_in_words",
    "fact_of_sentence",
    "is_assumption",
    "is_condition",
    "is_premise",
    "order_cue",
    "premise_cue",
    "shape_cue",
]

#: How a math segment appears in the words of a sentence.
MATH_MARK = "⟨m⟩"

#: Fact name → pattern (English and Chinese), most specific first.
FACTS: tuple[tuple[str, TextPattern], ...] = tuple(
    (name, lazy_compile(pattern, re.IGNORECASE))
    for name, pattern in (
        (
            "effective kernel size",
            r"effective\s+(?:kernel|filter)?\s*(?:size|width|extent)|dilated\s+(?:kernel|filter)"
            r"\s*(?:size|width|extent)|extent\s+of\s+the\s+dilated|有效(?:卷积核)?(?:大小|尺寸)"
            r"|膨胀后的?(?:卷积核)?(?:大小|尺寸)",
        ),
        ("receptive field", r"receptive\s+field|感受野"),
        ("average pooling gradient", r"(?:average|mean|avg)[\s-]*pool|平均池化|平均汇聚"),
        ("padding", r"\bpadding\b|\bpad\b|\bzero[\s-]pad|填充"),
        (
            "output size",
            r"output\s+(?:size|width|height|length|dimension|resolution)|输出(?:的)?(?:大小|尺寸|长度|宽度)",
        ),
        ("parameters", r"\bparameters\b|\bparams\b|参数"),
        ("multiplications", r"multiplications|\bmultiplies\b|\bMACs?\b|乘法"),
        ("additions", r"\badditions\b|加法"),
    )
)

_ASSUMPTION_CUE = lazy_compile(
    r"(?:\b(?:for|with|where|whereby|let|assume|assuming|given|suppose|supposing|set|setting"
    r"|take|taking|define|defining|denote|denoting|put|putting|using)\b"
    # "Write $f_i = f(x_i)$", "we write …" opening the clause: notation, as "denote" is
    r"|^\s*(?:we\s+)?write\b"
    r"|设|令|其中|取|假设|已知|给定|对于)",
    re.IGNORECASE,
)
_CONDITION_CUE = lazy_compile(
    r"(?:\b(?:if|when|whenever|unless|iff|otherwise|else|only\s+if|at)\b|若|如果|当|否则|在)",
    re.IGNORECASE,
)
#: Words that turn a clause into a statement (after them, math is claimed, not assumed).
_CLAIM_VERB = lazy_compile(
    r"(?:\b(?:is|are|was|were|gives?|equals?|becomes?|has|have|get|gets|obtain|yields?|so|then"
    r"|hence|thus|therefore|we|receives?|need|needs|must)\b|为|是|得|所以|因此|则|即)",
    re.IGNORECASE,
)
_ANSWER_CUE = lazy_compile(
    r"(?:\b(?:is|are|was|equals?|gives?|receives?|becomes?|get|obtain|answer|result"
    r"|total|=)|[:=]|为|是|得|等于)\s*$",
    re.IGNORECASE,
)
_SHAPE_CUE = lazy_compile(
    r"(?:\bshapes?\b|\bdimensions?\b|\bsize\b|\bof\s+size\b|形状|尺寸|维度|大小)", re.IGNORECASE
)
_ORDER_CUE = lazy_compile(
    r"(?:\berror\b|\baccura|\btruncation\b|\border\b|\bresidual\b|误差|精度|阶)", re.IGNORECASE
)


def _clause(words: str) -> str:
    """The words after the last clause break (``,`` ``:`` ``;`` ``.``) of ``words``."""
    parts = re.split("[,:;.\uff0c\uff1a\uff1b\u3002]", words)  # also full-width , : ; .
    return parts[-1] if parts else words


#: A transposed convolution named (its sizes run the other way: ``o = s(i − 1) + k − 2p``).
_TRANSPOSED = lazy_compile(
    r"transposed[\s-]+conv\w*|conv\w*[\s-]*transpose\w*|\bde-?conv\w*|fractionally[\s-]+strided"
    r"|转置卷积|反卷积",
    re.IGNORECASE,
)


def fact_of_sentence(fact: str | None, sentence: str) -> str | None:
    """The fact a clause names, read with its whole sentence: the output size of a transposed
    convolution (*For a transposed convolution, the output size is …*) is its own fact; its
    padding or receptive field is none judged here (a forward convolution's would be wrong).

    >>> fact_of_sentence("output size", "For a transposed convolution, the output size is ⟨m⟩")
    'transposed output size'
    >>> fact_of_sentence("padding", "The deconvolution pads ⟨m⟩") is None
    True
    """
    if fact in ("output size", "padding", "receptive field") and _TRANSPOSED.search(sentence):
        return "transposed output size" if fact == "output size" else None
    return fact


def fact_in_words(words: str) -> str | None:
    """The shape/cost fact named in ``words`` (the first that matches, most specific first)."""
    for name, pattern in FACTS:
        if pattern.search(words):
            return name
    return None


def is_assumption(words_before: str, words_after: str = "") -> bool:
    """True if math after ``words_before`` is assumed, not claimed: the clause it closes has a
    cue (``for``, ``with``, ``let``, ``where``, ``设``…) and no verb after the cue.

    A list ``with $A$, $B$ and $C$:`` is one clause: a clause of math and connectors only,
    inside a list that goes on with ``and`` (before this math or right after it), belongs to
    the clause before it; ``so with $h = 1$, $x'' ≈ …$`` is not a list.

    >>> is_assumption("With ⟨m⟩, ", " and ⟨m⟩:"), is_assumption("With ⟨m⟩, ⟨m⟩ and ")
    (True, True)
    """
    clauses = re.split("[,:;.\uff0c\uff1a\uff1b\u3002]", words_before)
    listed = _AND.search(clauses[-1]) is not None or _AND.match(words_after) is not None
    for position in range(len(clauses) - 1, -1, -1):
        clause = clauses[position]
        cues = list(_ASSUMPTION_CUE.finditer(clause))
        if cues:
            return _CLAIM_VERB.search(clause[cues[-1].end() :]) is None
        only_math = _CONNECTORS.fullmatch(clause.replace(MATH_MARK, " ")) is not None
        if not only_math or words_before[-1:] in ":;.":
            return False
        if not (listed or _glossary_before(clauses[:position])):
            return False
    return False


#: The cue of a glossary: *where* ``a = …``, ``b = …`` (其中): every math of the comma list
#: after it says what a name of the formula before it is, ``and`` or not.
_GLOSSARY_CUE = lazy_compile(
    r"(?:\b(?:where|whereby)\b|其中)\s*" + re.escape(MATH_MARK) + r"\s*$", re.IGNORECASE
)


def _glossary_before(clauses: Sequence[str]) -> bool:
    """Whether the clauses before a math-only one are math-only back to one that ends on a
    glossary cue followed by its first math (``where ⟨m⟩``)."""
    for clause in reversed(clauses):
        if _CONNECTORS.fullmatch(clause.replace(MATH_MARK, " ")) is not None:
            continue
        return _GLOSSARY_CUE.search(clause) is not None and MATH_MARK in clause
    return False


def is_premise(words_before: str, words_after: str = "") -> bool:
    """True if math after ``words_before`` is a premise, an ansatz that defines unknowns
    (``assume:``, ``suppose``, ``let``, ``consider``, ``we seek``, ``define``, ``where``): never
    a claim, whatever its left side. The cue may close its clause with a colon (``and
    assume:``, then a display).

    >>> is_premise("and assume:"), is_premise("We seek ⟨m⟩ with "), is_premise("Let ")
    (True, True, True)
    >>> is_premise("Let us check that "), is_premise("so we get "), is_premise("For stride 2:")
    (False, False, False)
    """
    clauses = re.split("[,:;.\uff0c\uff1a\uff1b\u3002]", words_before)
    last = clauses[-1]
    if (
        not last.replace(MATH_MARK, " ").strip()
        and len(clauses) > 1
        and words_before.rstrip().endswith((":", "\uff1a"))
    ):
        last = clauses[-2]
    cues = list(_PREMISE_CUE.finditer(last))
    if not cues:
        return False
    rest = last[cues[-1].end() :]
    return _CLAIM_VERB.search(rest) is None and _CHECK_VERB.search(rest) is None


def premise_cue(sentence: str) -> bool:
    """True if a sentence so far opens a new example's data (``suppose``, ``assume``, ``let``,
    ``given``, ``假设``, ``设``): the values it states are premises, whatever its verbs.

    >>> premise_cue("Suppose the input ⟨m⟩ has shape "), premise_cue("假设输入特征图⟨m⟩维度为")
    (True, True)
    >>> premise_cue("So the output ⟨m⟩ has shape "), premise_cue("Let's see: ⟨m⟩ has shape ")
    (False, False)
    """
    return _DATA_CUE.search(sentence) is not None


_DATA_CUE = lazy_compile(
    r"(?:\b(?:assume|assuming|suppose|supposing|let(?!'s|\s+us\b)|given|consider)\b"
    r"|假设|设|令|已知|给定)",
    re.IGNORECASE,
)
_PREMISE_CUE = lazy_compile(
    r"(?:\b(?:assume|assuming|suppose|supposing|let|consider|considering|define|defining"
    r"|we\s+seek|seek|where|ansatz)\b|设|令|假设)",
    re.IGNORECASE,
)
#: Words that announce a claim to be checked, not a premise (``let us show that``).
_CHECK_VERB = lazy_compile(
    r"\b(?:show|prove|verify|check|see|note|recall|compute|calculate|derive)\b|验证|证明|计算",
    re.IGNORECASE,
)

_AND = lazy_compile(r"\s*(?:and|以及|和|及)\b|\s*(?:和|及|以及)", re.IGNORECASE)
_CONNECTORS = lazy_compile(r"[\s,]*(?:(?:and|or|和|及|以及)[\s,]*)*", re.IGNORECASE)


def is_condition(words_before: str) -> bool:
    """True if math after ``words_before`` is a condition (``if $i = j$``): never a claim."""
    clause = _clause(words_before)
    cues = list(_CONDITION_CUE.finditer(clause))
    if not cues:
        return False
    return _CLAIM_VERB.search(clause[cues[-1].end() :]) is None


def answer_cue(words_before: str) -> bool:
    """True if ``words_before`` ends with words that introduce a value (``is``, ``:``, ``为``)."""
    return _ANSWER_CUE.search(words_before.replace(MATH_MARK, " ")) is not None


def shape_cue(words: str) -> bool:
    return _SHAPE_CUE.search(words) is not None


def order_cue(words: str) -> bool:
    return _ORDER_CUE.search(words) is not None


#: A name as prose writes it: a letter (with a subscript), bare or in Markdown emphasis.
_NAME_IN_WORDS = r"(?:\*{1,2}|_)?([A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?)(?:\*{1,2}|_)?"
_DEPENDS = lazy_compile(
    rf"(?<![\w*])\s*{_NAME_IN_WORDS}\s+is\s+(?:an?\s+)?(?:(?:differentiable|smooth)\s+)?"
    rf"function\s+of\s+(?:only\s+)?{_NAME_IN_WORDS}(?!\w)"
    r"(?!\s*(?:,|and\b|or\b|&|\+)|\s*\w)",
    re.IGNORECASE,
)


def dependencies_in_words(words: str) -> list[tuple[str, str]]:
    """``("z", "y")`` for each "*z* is (a) function of *y*" in ``words``: z depends on y alone.
    A function of several names (``of y and t``) is none.

    >>> dependencies_in_words("(requirement: *z* is function of *y*) and we know f")
    [('z', 'y')]
    >>> dependencies_in_words("where u is a differentiable function of x.")
    [('u', 'x')]
    >>> dependencies_in_words("z is a function of y and t"), dependencies_in_words("z is one")
    ([], [])
    """
    return [(m.group(1), m.group(2)) for m in _DEPENDS.finditer(words)]


#: Cost name → pattern, most specific first: the cost a sentence says a formula is.
COSTS: tuple[tuple[str, TextPattern], ...] = tuple(
    (name, lazy_compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("mean squared error", r"\bmean[\s-]+squared?[\s-]+(?:error|loss)|\bMSE\b|均方误差"),
        (
            "squared error",
            r"\bsquared?[\s-]+(?:error|loss|difference)|\bsum\s+of\s+(?:the\s+)?squared?"
            r"\s+(?:errors|differences)|\bquadratic\s+(?:cost|loss)|\bL2\s+loss|平方误差",
        ),
        (
            "cross-entropy",
            r"\bcross[\s-]?entropy|\blog[\s-]?loss|\bnegative\s+log[\s-]?likelihood|交叉熵",
        ),
    )
)
_HALF = lazy_compile(r"\b(?:one[\s-])?half\b|½|一半", re.IGNORECASE)


def cost_in_words(words: str) -> tuple[str, bool] | None:
    """``(cost, half)``: the standard cost ``words`` name (``"squared error"``, ``"mean squared
    error"``, ``"cross-entropy"``) and whether they say one half of it; None if they name none.

    >>> cost_in_words("We define cost function as (one-half) squared error:")
    ('squared error', True)
    >>> cost_in_words("the loss is the binary cross-entropy"), cost_in_words("the MSE is")
    (('cross-entropy', False), ('mean squared error', False))
    >>> print(cost_in_words("the error term of node j"))
    None
    >>> print(cost_in_words("unlike the squared error, the cross-entropy"))
    None
    """
    named = [name for name, pattern in COSTS if pattern.search(words)]
    if "mean squared error" in named and "squared error" in named:
        named.remove("squared error")  # the mean squared error says squared error too
    if len(named) != 1:
        return None  # none, or two costs compared ("unlike the squared error, …"): which one?
    return named[0], _HALF.search(words) is not None

"""The second reading of a text about pooling: statements of pooling on its own numbers.

The first reading takes ``MaxPool(X) = [[6, 4], [7, 9]]`` for the definition of a function and
*average pooling gives* ``[[3.75, …]]`` for a fact it cannot match; this pass reads them with
the order of the document, and :mod:`symconv.check.judges.pooled_data` decides them:

* **a pooling function of the data** — ``\\text{MaxPool}(X)``, ``\\mathrm{maxpool}(X)``,
  ``\\operatorname{avgpool}(X)``, ``\\mathrm{maxpool}([1, 3, 2, 5], 2)`` (a 1-D signal, its
  window as the second argument, its stride as the third) — equated to a matrix; the argument a
  matrix written there or a name the document defined as one (``X = \\begin{bmatrix}…``);
* **a matrix the words before it call the result of pooling** — *average pooling gives $M$*,
  *the output of 2×2 max pooling with stride 2 is $M$*, *after max pooling: $$M$$*, *最大池化…
  得到 $M$* — of the matrix the sentence names, else of the matrix defined just before in the
  same section (never one called a kernel or filter);
* **the gradient** ``∂L/∂X = M`` of a defined matrix ``X`` after an upstream ``∂L/∂Y = U``
  written in the same section, where ``Y`` was written as the pooling of ``X``, or in a section
  that names a pooling and no other layer (a convolution, a dense layer, an activation).

The kind is the function's name, else the sentence's words, else (for a gradient) the last
sentence of the section naming one kind. The window and the stride are those the sentences of
the section state (:mod:`symconv.check.pool_words`); padding or ceil mode mentioned in a
sentence about the pooling makes the statement *unverified*.

Each judgement takes the place of what the first reading could not decide on the same
statement (its *unverified* claims); a right or wrong first verdict stays.

    >>> from symconv.check.runner import check_text
    >>> doc = ("2×2 max pooling, stride 2:\\n\\n"
    ...        "$$X = \\\\begin{bmatrix} 1 & 3 \\\\\\\\ 5 & 6 \\\\end{bmatrix}, \\\\quad "
    ...        "\\\\text{MaxPool}(X) = \\\\begin{bmatrix} 5 \\\\end{bmatrix}$$\\n")
    >>> [(j.claim.line, j.verdict, j.witness) for j in check_text(doc).judgements
    ...  if j.verdict != "unverified"]
    [(3, 'wrong', 'row 1, column 1: written 5, max pooling gives 6')]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symconv.check.judges.verdicts import Run, guarded, unverified
from symconv.check.lines import heading_level
from symconv.check.model import Claim, ClaimKind, Judgement, Origin
from symconv.check.parsed import MathParse
from symconv.check.pool_words import (
    PoolWords,
    gradient_kinds_in,
    kinds_in,
    plain_words,
    pool_call_parameters,
    read_pool_words,
)
from symconv.core.patterns import lazy_compile

__all__ = ["judge_document_pooling"]


#: The names of a pooling function, lower-cased without ``_``, ``-`` or spaces: ``MaxPool``,
#: ``max_pool2d``, ``maxpooling``, ``AvgPool``, ``avg_pool``, ``averagepool``, ``meanpool``.
_FUNCTION = lazy_compile(r"(max|avg|average|mean)pool(?:ing)?(?:[12]d)?")
#: A sentence end: . ! ? \u3002\uff01\uff1f before a space or the end (not the point of 3.75).
_SENTENCE_END = lazy_compile(r"[.!?](?=\s|$)|[\u3002\uff01\uff1f]")
#: The words right before a matrix that make it the result of what the sentence names:
#: *gives*, *is*, *we get*, *yields*, *→*, *得到*, *为* (a ``:`` only after *after*, *output*,
#: *result*: *Max pooling with a 2×2 window:* introduces the input).
_RESULT_TAIL = lazy_compile(
    r"(?:\bis|\bare|\bgives?|\byields?|\bproduces?|\breturns?|\bbecomes?|\bresults?\s+in|"
    r"\bget|\bobtain|=|→|⇒|\\to|\\rightarrow|\\Rightarrow|得到|结果为|结果是|输出为|输出是|为|是)"
    r"\s*[:\uff1a,\uff0c]?\s*(?:\\quad)?\s*$",
    re.IGNORECASE,
)
_RESULT_COLON = lazy_compile(r"[:\uff1a]\s*$")
_RESULT_WORDS = lazy_compile(r"\bafter\b|\boutput|\bresult|输出|结果|之后|后", re.IGNORECASE)
#: Words that make the matrix after them the input (*the input to max pooling is*).
_INPUT_WORDS = lazy_compile(r"\binputs?\b|输入", re.IGNORECASE)
#: Words that make the matrix after them something else than the pooled map: *the kernel of
#: average pooling is*, *the gradient of max pooling is*, *the mask*, *the indices*.
_NOT_THE_MAP = lazy_compile(
    r"\bkernel|\bfilter|\bweights?\b|\bgradient|\bderivative|\bbackward|\bdelta|\berror|"
    r"\bmask|\bind(?:ex|ices)\b|\bargmax|\bpositions?\b|\blocations?\b|\bswitch|\bshape|"
    r"\bsize|\bdimension|梯度|反向|掩码|索引|位置|尺寸|形状",
    re.IGNORECASE,
)
#: A name alone in inline math (``$P$``, `` $F$ ``): a matrix the sentence names.
_INLINE_NAME = lazy_compile(r"\$\s*([A-Za-z])\s*\$")
#: Pooling again: the map pooled is the last result, or the data; the words do not say.
_AGAIN = lazy_compile(r"\bagain\b|\bsecond\b|\bfurther\b|再次|再", re.IGNORECASE)
#: Layers other than pooling: a gradient in their section may be theirs.
_OTHER_LAYERS = lazy_compile(
    r"\bdense\b|fully[\s-]connected|\blinear\b|\brelu\b|\bsigmoid|\btanh\b|softmax|"
    r"activation|batch[\s-]?norm|dropout|\bunpool|全连接|激活|归一化",
    re.IGNORECASE,
)
#: Words that make a matrix a kernel (never the data pooled).
_KERNEL_WORDS = lazy_compile(r"\bkernel|\bfilter|\bweights?\b|卷积核|滤波器", re.IGNORECASE)
#: A section about a convolution (a gradient there may be the convolution's).
_CONVOLUTION = lazy_compile(r"\bconv|卷积|\bkernel|\bfilter", re.IGNORECASE)


@dataclass
class _Section:
    """The sentences of a section, read: what each states, in order."""

    words: list[tuple[int, PoolWords, str]] = field(default_factory=list)  # (order, words, text)
    text: str = ""


@dataclass
class _Place:
    """A math segment's place: its section, its order, the words before it in its sentence."""

    section: int
    order: int
    cue: str


@dataclass(frozen=True)
class _Matrix:
    value: sp.MatrixBase
    order: int
    section: int
    name: str
    kernel: bool
    #: The matrix a pooling statement gave (a pooled map itself).
    result: bool = False


def _is_heading(segment: Any) -> bool:
    return segment.kind == "text" and heading_level(segment.text.strip()) is not None


def _places(segments: Sequence[Any]) -> tuple[dict[int, _Place], list[_Section]]:
    """Each math segment's place, and the sections with their sentences."""
    places: dict[int, _Place] = {}
    sections = [_Section()]
    sentence = ""  # the open sentence: words since the last sentence end
    last_end = 0
    for index, segment in enumerate(segments):
        if _is_heading(segment):
            _close(sections[-1], sentence, index)
            sections.append(_Section())
            sentence, last_end = "", segment.end_line
            continue
        if segment.line > last_end + 1 and not (segment.kind == "math" and segment.display):
            # a new paragraph ends the sentence; a display goes on with the words before it
            _close(sections[-1], sentence, index)
            sentence = ""
        last_end = segment.end_line
        if segment.kind == "math":
            places[index] = _Place(len(sections) - 1, index, sentence)
            sentence += f" ${segment.text}$ "
            continue
        pieces = _SENTENCE_END.split(segment.text)
        for piece in pieces[:-1]:
            _close(sections[-1], sentence + piece, index)
            sentence = ""
        sentence += pieces[-1]
    _close(sections[-1], sentence, len(segments))
    return places, sections


def _close(section: _Section, sentence: str, order: int) -> None:
    if sentence.strip():
        section.text += " " + sentence
        section.words.append((order, read_pool_words(sentence), sentence))


def _matrix(expr: Any) -> sp.MatrixBase | None:
    return expr if isinstance(expr, sp.MatrixBase) and expr.rows and expr.cols else None


def _numeric(matrix: sp.MatrixBase) -> bool:
    return all(entry.is_Rational for entry in matrix)


@dataclass
class _State:
    """What the document defined so far: matrices by name, upstream gradients, pooled names."""

    matrices: dict[str, _Matrix] = field(default_factory=dict)
    last: dict[int, _Matrix] = field(default_factory=dict)  # by section: the last matrix defined
    #: by section: the gradients written, ``(L, Y, [[…]])`` for ``∂L/∂Y = [[…]]``, in order
    upstreams: dict[int, list[tuple[str, str, sp.MatrixBase]]] = field(default_factory=dict)
    pooled: dict[str, tuple[str, str]] = field(default_factory=dict)  # Y → (kind, data name)
    #: the document's math, for the numbering of entry names (x_{11} or x_{00})
    math: str = ""


@dataclass(frozen=True)
class _Task:
    """One statement to judge: forward (``upstream`` None) or backward."""

    data: sp.MatrixBase
    written: sp.MatrixBase
    kind: str | None
    section: int
    upstream: sp.MatrixBase | None = None
    window: tuple[int, ...] | None = None
    stride: int | None = None
    one_dimensional: bool = False
    #: Read from the words before a bare matrix: judged only when some setting fits.
    from_words: bool = False
    #: ``∂L/∂x_{11} = a/4``: the one entry of the gradient written (0-based row, column);
    #: ``written`` is then that entry alone, as a 1×1 matrix.
    entry: tuple[int, int] | None = None
    #: The section where the data was defined (its words count where the text refers back).
    data_section: int | None = None


def judge_document_pooling(
    segments: Sequence[Any], reading: Any, judgements: Sequence[Judgement], run: Run
) -> list[Judgement]:
    """``judgements`` with the judgements of the pooling statements added, each statement's
    undecided first-reading judgements replaced."""
    places, sections = _places(segments)
    verdicts = {j.claim.origin.id: j.verdict for j in judgements if j.claim.origin.id >= 0}
    state = _State(math=" ".join(s.text for s in segments if s.kind == "math"))
    found: list[Judgement] = []
    replaced: set[int] = set()
    for index in sorted(reading.parses):
        parsed = reading.parses[index]
        place = places.get(index)
        if not isinstance(parsed, MathParse) or place is None:
            continue
        segment = segments[index]
        for position, statement in enumerate(parsed.statements):
            sides = [s.expr for s in getattr(statement, "sides", ()) if s is not None]
            task = _task(sides, place, state, sections)
            _record(sides, place, state, index, result=task is not None and task.upstream is None)
            if task is None:
                continue
            prepared = _prepare(task, place, sections)
            if prepared is None:
                continue
            claims = reading.statement_claims.get((index, position), ())
            if any(verdicts.get(c.origin.id, "unverified") != "unverified" for c in claims):
                continue
            claim = (
                claims[-1]
                if claims
                else Claim(
                    segment.line,
                    segment.end_line,
                    statement.text.strip(),
                    ClaimKind.MATRIX,
                    origin=Origin(scope=place.section),
                )
            )
            found.append(guarded(run, partial(_judge, task, claim, prepared), claim))
            replaced.update(c.origin.id for c in claims)
    if not found:
        return list(judgements)
    kept = [
        j
        for j in judgements
        if not (j.verdict == "unverified" and j.claim.origin.id in replaced and j.claim.id >= 0)
    ]
    return kept + found


def _record(
    sides: Sequence[Any], place: _Place, state: _State, index: int, *, result: bool
) -> None:
    """The definitions a statement makes: ``X = [[…]]``, ``∂L/∂Y = [[…]]``, ``Y = MaxPool(X)``;
    and the matrix just before the next one, for a sentence that pools it without naming it: the
    last matrix defined that is not a pooled map (a pooled map names no new data), or an
    unnamed matrix no pooling statement gave (the output of a convolution written bare), which
    is taken by no guess."""
    if not sides:
        return
    first = sides[0]
    matrix = next((m for m in map(_matrix, sides[1:]) if m is not None), None)
    if len(sides) == 1 and _matrix(first) is not None and _numeric(first) and not result:
        state.last[place.section] = _Matrix(first, index, place.section, "", True)
        return
    if isinstance(first, sp.Symbol) and matrix is not None and _numeric(matrix):
        kernel = bool(_KERNEL_WORDS.search(place.cue)) or str(first) in ("K", "W", "w", "k")
        defined = _Matrix(matrix, index, place.section, str(first), kernel, result)
        state.matrices[str(first)] = defined
        if not result:
            state.last[place.section] = defined
    elif isinstance(first, sp.Derivative) and matrix is not None:
        of, (by, *_rest) = first.expr, first.variables
        if isinstance(of, sp.Symbol) and isinstance(by, sp.Symbol):
            state.upstreams.setdefault(place.section, []).append((str(of), str(by), matrix))
    if isinstance(first, sp.Symbol):
        for side in sides[1:]:
            named = _pooling_call(side)
            if (
                named is not None
                and named.kind is not None
                and named.arguments
                and isinstance(named.arguments[0], sp.Symbol)
            ):
                state.pooled[str(first)] = (named.kind, str(named.arguments[0]))


@dataclass(frozen=True)
class _Call:
    """A pooling function applied: its kind (None for a bare ``pool``: the words say which),
    its arguments, and the window and stride its subscript states."""

    kind: str | None
    arguments: tuple[Any, ...]
    window: tuple[int, ...] | None = None
    stride: int | None = None


#: The bare names of a pooling whose kind the words give (``\text{pool}_{2,2}(X)``), and of a
#: maximum or mean written with a window as its subscript (``\max_{2\times2}(X)``).
_BARE_KINDS = {"pool": None, "pooling": None, "max": "max", "avg": "avg", "mean": "avg"}


def _pooling_call(expr: Any) -> _Call | None:
    """``MaxPool(X)`` → ``_Call("max", (X,))``, ``MaxPool_{2x2,s=2}(X)`` with window (2,) and
    stride 2 (the grammar's ``POOL_CALL``); None for any other expression."""
    if not isinstance(expr, AppliedUndef):
        return None
    name, window, stride = str(expr.func), None, None
    parameters = pool_call_parameters(name)
    if parameters is not None:
        name, window, stride = parameters
    name = re.sub(r"[\s_\-\\{}]|mathrm|text|operatorname", "", name).lower()
    match = _FUNCTION.fullmatch(name)
    kind: str | None
    if match is not None:
        kind = "max" if match.group(1) == "max" else "avg"
    elif parameters is not None and name in _BARE_KINDS:
        kind = _BARE_KINDS[name]
    else:
        return None
    return _Call(kind, tuple(expr.args), window, stride)


def _task(
    sides: Sequence[Any], place: _Place, state: _State, sections: Sequence[_Section]
) -> _Task | None:
    if not sides:
        return None
    written = _matrix(sides[-1])
    first = sides[0]
    if written is None:
        if isinstance(first, sp.Derivative) and len(sides) == 2:
            return _entry_task(first, sides[1], place, state, sections)
        return None
    if isinstance(first, sp.Derivative) and len(sides) == 2:
        return _gradient_task(first, written, place, state, sections)
    if not _numeric(written):
        return None  # P = [[p_{11}, …]]: names of the entries, not values to check
    for side in sides[:-1]:  # MaxPool(X) = [[…]], Y = MaxPool(X) = [[…]]
        call = _pooling_call(side)
        if call is not None:
            return _call_task(call, written, place, state, sections)
    if len(sides) == 1 or (len(sides) == 2 and isinstance(first, sp.Symbol)):
        name = str(first) if len(sides) == 2 else None
        if name is None or name not in state.pooled:
            return _cue_task(written, place, state, name)
    if len(sides) == 2 and isinstance(first, sp.Symbol) and str(first) in state.pooled:
        kind, name = state.pooled[str(first)]  # Y = MaxPool(X) before, then Y = [[…]]
        data = state.matrices.get(name)
        if data is not None and data.name != str(first):
            return _Task(data.value, written, kind, place.section, data_section=data.section)
    return None


def _call_task(
    call: _Call,
    written: sp.MatrixBase,
    place: _Place,
    state: _State,
    sections: Sequence[_Section],
) -> _Task | None:
    arguments = call.arguments
    if not arguments or len(arguments) > 3:
        return None
    argument, extra = arguments[0], arguments[1:]
    data = _matrix(argument)
    data_section = None
    if data is None and isinstance(argument, sp.Symbol) and str(argument) in state.matrices:
        data = state.matrices[str(argument)].value
        data_section = state.matrices[str(argument)].section
    if data is None or not _numeric(data):
        return None
    if not all(isinstance(e, sp.Integer) and e > 0 for e in extra):
        return None
    window = (int(extra[0]),) if extra else call.window
    stride = int(extra[1]) if len(extra) > 1 else call.stride
    one_dimensional = data.rows == 1 and written.rows == 1
    kind = call.kind
    if kind is None:  # \text{pool}_{2,2}(X): the kind the sentence names, else the section
        kinds = kinds_in(_words_only(place.cue)) or kinds_in(
            _words_only(sections[place.section].text)
        )
        kind = next(iter(kinds)) if len(kinds) == 1 else None
    return _Task(
        data, written, kind, place.section, None, window, stride, one_dimensional,
        data_section=data_section,
    )  # fmt: skip


def _words_only(text: str) -> str:
    """The words of a text without its math (``$\\text{MaxPool}(Y)$`` names no kind of a
    ``\\text{pool}_{2,2}(X)`` beside it)."""
    return plain_words(re.sub(r"\$[^$]*\$", " ", text))


def _gradient_task(
    derivative: sp.Derivative,
    written: sp.MatrixBase,
    place: _Place,
    state: _State,
    sections: Sequence[_Section],
) -> _Task | None:
    of, by = derivative.expr, derivative.variables[0]
    if len(derivative.variables) != 1 or not isinstance(by, sp.Symbol):
        return None
    data = state.matrices.get(str(by))
    if data is None:
        return None
    found = _upstream_and_kind(str(of), str(by), data, place, state, sections)
    if found is None:
        return None
    return _Task(data.value, written, found[1], place.section, found[0], data_section=data.section)


def _upstream_and_kind(
    of: str,
    by: str,
    data: _Matrix,
    place: _Place,
    state: _State,
    sections: Sequence[_Section],
) -> tuple[sp.MatrixBase, str | None] | None:
    """The upstream gradient of a gradient of ``of`` by ``by`` (of the data), and the kind of
    pooling it goes back through; None where the section is not about pooling the data."""
    # the last gradient of the same loss by another name before it, in the section
    upstream = next(
        (u for u in reversed(state.upstreams.get(place.section, [])) if u[0] == of and u[1] != by),
        None,
    )
    if upstream is None:
        return None
    # the kind: the statement's own sentence, else Y = MaxPool(X) written before, else the
    # one kind the section names (both named, and nothing more said: the kind is open)
    own = gradient_kinds_in(plain_words(place.cue))
    pooled = state.pooled.get(upstream[1])
    section = sections[place.section]
    named = kinds_in(plain_words(section.text))
    outside = pooled is None or pooled[1] != data.name
    if outside and (
        _CONVOLUTION.search(section.text) or _OTHER_LAYERS.search(section.text) or not named
    ):
        return None  # the gradient of another layer, or of a layer the section never names
    kinds = own or (frozenset({pooled[0]}) if pooled is not None else named)
    kind = next(iter(kinds)) if len(kinds) == 1 else None
    return upstream[2], kind


#: The name of one entry of a matrix: ``x_{11}``, ``x_{1,2}``, ``X_{23}`` (a digit a row, a
#: digit a column, or two numbers with a comma).
_ENTRY_NAME = lazy_compile(
    r"(?P<name>[A-Za-z])_(?:\{(?P<row>\d+),\s*(?P<column>\d+)\}|\{?(?P<r>\d)(?P<c>\d)\}?)"
)


def _entry_numbering(letter: str, math: str, shape: tuple[int, int]) -> int | None:
    """Where the document's names of the entries of a matrix start: 1 (``x_{11}`` the top-left
    entry, as matrices are written), 0 where it writes an index 0 (``x_{00}``); None where it
    writes both an index 0 and the last one counted from 1 (``x_{00}`` and ``x_{44}`` of a
    4×4 matrix: which is meant is not said)."""
    indices: set[int] = set()
    for found in _ENTRY_NAME.finditer(math):
        if found.group("name").lower() == letter.lower():
            parts = [found.group(g) for g in ("row", "column", "r", "c")]
            indices.update(int(p) for p in parts if p is not None)
    if 0 not in indices:
        return 1
    return None if any(i >= min(shape) for i in indices) else 0


def _entry_task(
    derivative: sp.Derivative,
    written: Any,
    place: _Place,
    state: _State,
    sections: Sequence[_Section],
) -> _Task | None:
    """``∂L/∂x_{11} = a/4`` after ``X = [[…]]`` and ``∂L/∂Y = [[a, b], [c, d]]``: one entry of
    the gradient pooling sends back to the data, named as the document numbers its entries."""
    of, by = derivative.expr, derivative.variables[0]
    if len(derivative.variables) != 1 or not isinstance(by, sp.Symbol):
        return None
    if isinstance(written, sp.MatrixBase) or not isinstance(written, sp.Expr):
        return None
    found = _ENTRY_NAME.fullmatch(str(by))
    if found is None:
        return None
    letter = found.group("name")
    # the matrix of that letter, in either case (x_{11} of X), if only one is defined
    named = [m for n, m in state.matrices.items() if n.lower() == letter.lower() and len(n) == 1]
    if len(named) != 1:
        return None
    data = named[0]
    row = found.group("row") or found.group("r")
    column = found.group("column") or found.group("c")
    if found.group("r") is not None and max(data.value.shape) > 9:
        return None  # x_{12} of a 12×12 matrix: row 1, column 2, or entry 12

    start = _entry_numbering(letter, state.math, data.value.shape)
    if start is None:
        return None
    r, c = int(row) - start, int(column) - start
    if not (0 <= r < data.value.rows and 0 <= c < data.value.cols):
        return None
    kind_upstream = _upstream_and_kind(str(of), data.name, data, place, state, sections)
    if kind_upstream is None:
        return None
    upstream, kind = kind_upstream
    one = sp.Matrix([[written]])
    return _Task(
        data.value, one, kind, place.section, upstream, entry=(r, c), data_section=data.section
    )


def _named_in(cue: str, state: _State) -> _Matrix | None:
    """The matrix an inline ``$P$`` of the cue names (the last one), if the document defined it."""
    for name in reversed(_INLINE_NAME.findall(cue)):
        if name in state.matrices:
            return state.matrices[name]
    return None


def _cue_task(
    written: sp.MatrixBase, place: _Place, state: _State, name: str | None
) -> _Task | None:
    """A matrix the words before it call the result of one kind of pooling: of the matrix
    the sentence names, else of the last one defined in the section, else, where the words
    refer back (*the same input*, *同样的输入*), of the last one defined before the section."""
    cue = plain_words(place.cue)
    kinds = kinds_in(cue)
    own_words = _REFERS_BACK.sub(" ", cue)  # "the same input": not words naming the input
    if len(kinds) != 1 or _INPUT_WORDS.search(own_words) or _NOT_THE_MAP.search(cue):
        return None
    if not _RESULT_TAIL.search(cue) and not (
        _RESULT_COLON.search(cue) and _RESULT_WORDS.search(cue)
    ):
        return None
    data = state.last.get(place.section)
    if data is None and _REFERS_BACK.search(cue):
        earlier = [n for n in state.last if n < place.section]
        data = state.last[max(earlier)] if earlier else None
    named = _named_in(place.cue, state)
    if named is not None:
        data = named  # max pooling of $P$ gives …
    elif _AGAIN.search(cue):
        return None  # pooled again: of which map is not said
    if data is None or (named is None and data.kernel) or data.name == name:
        return None
    return _Task(
        data.value, written, next(iter(kinds)), place.section, from_words=True,
        data_section=data.section,
    )  # fmt: skip


#: Words that refer back to the data of an earlier section: *the same input*, *the same X*,
#: *as above*, *from the previous example*, *同样的输入*, *上面的矩阵*, *上例*.
_REFERS_BACK = lazy_compile(
    r"\bsame\s+(?:input|data|matrix|feature\s+map|map|example|image|array|signal|[A-Z]\b)"
    r"(?:\s+(?:matrix|map|as\s+(?:above|before)))?|\bas\s+(?:above|before)\b|"
    r"\b(?:from|in|of)\s+the\s+previous\s+(?:section|example)|\babove\s+(?:input|matrix|example)|"
    r"(?:同样|相同|同一)的?(?:输入|矩阵|数据|特征图|例子)|(?:上面|上述|前面)的?(?:输入|矩阵|数据|例子)|上例",
    re.IGNORECASE,
)


_Prepared = tuple[tuple[Any, ...], str] | str


def _stated(section: _Section) -> list[PoolWords]:
    """What each sentence of a section states (a *kernel* is a window where the section names
    no convolution)."""
    pooling_section = not _CONVOLUTION.search(section.text)
    return [read_pool_words(text, pooling_section=pooling_section) for _, _, text in section.words]


def _prepare(task: _Task, place: _Place, sections: Sequence[_Section]) -> _Prepared | None:
    """The settings the section's words allow and what they leave open, or the reason the
    statement cannot be judged; None for a matrix read from the words that no setting fits
    (the words were not about it). Where the data was defined under an earlier heading and the
    words refer back to it (*the same input*, *同样的输入*), that section's words count too."""
    from symconv.check.judges.pooled_data import candidate_settings

    cue = place.cue
    section = sections[task.section]
    pooling_section = not _CONVOLUTION.search(section.text)
    stated = _stated(section)
    before = " ".join(text for order, _, text in section.words if order <= place.order)
    if (
        task.data_section is not None
        and task.data_section < task.section
        and _REFERS_BACK.search(plain_words(before + " " + cue))
    ):
        stated = _stated(sections[task.data_section]) + stated
    if task.kind is None:
        if kinds_in(plain_words(section.text)):
            return "the text names both max and average pooling here: which one is meant is open"
        return "the text does not say which pooling (max or average) this is"
    if any(w.padding for w in stated):
        return "the text speaks of padding, which this check does not take"
    # what the statement's own sentence states, then its function's arguments, come first
    own = read_pool_words(cue, pooling_section=pooling_section)
    own_windows = {task.window} if task.window else set() if own.unread else set(own.windows)
    own_strides = {task.stride} if task.stride else set() if own.unread else set(own.strides)
    if own.per_axis or (
        not task.one_dimensional and not own_strides and any(w.per_axis for w in stated)
    ):
        # strides=(2, 1): the stride the words give is not one for both axes
        return "the text states a stride per axis, and this check takes one stride for both axes"

    def fits(words: PoolWords) -> bool:
        """A sentence of the section about the same pooling: it states no window (stride)
        other than the statement's own; *a window of 3 with stride 1* says nothing of the
        example with a window of 2 beside it."""
        return (not own_windows or not words.windows or bool(own_windows & words.windows)) and (
            not own_strides or not words.strides or bool(own_strides & words.strides)
        )

    unread = any(w.unread for w in stated)
    about = [] if unread else [w for w in stated if fits(w)]
    windows = own_windows or {w for s in about for w in s.windows}
    strides = own_strides or {s for w in about for s in w.strides}
    open_parts = [p for p, v in (("the window", windows), ("the stride", strides)) if not v]
    open_words = f"the text does not state {' or '.join(open_parts)}" if open_parts else ""
    pooled_shape = task.upstream.shape if task.upstream is not None else task.written.shape
    settings = candidate_settings(
        task.data.shape, pooled_shape, windows, strides, one_dimensional=task.one_dimensional
    )
    if not settings and task.from_words:
        return None
    if (
        not strides
        and not task.one_dimensional
        and settings
        and all(s.window[0] != s.window[1] for s in settings)
    ):
        # 4×4 to 2×3 with nothing stated: a 3×2 window with stride 1, or a 2×2 window with
        # strides (2, 1), which this check does not compute; the rows and columns pooled apart
        return "the text does not state the stride, and a stride per axis would also fit"
    if any(w.ceil for w in stated) and not all(s.whole(task.data.shape) for s in settings):
        return "the text speaks of ceil mode, and the windows do not cover the data exactly"
    if task.upstream is not None and task.entry is None and task.written.shape != task.data.shape:
        return "the gradient written is not of the shape of the data"
    return settings, open_words


def _judge(task: _Task, claim: Claim, prepared: _Prepared) -> Judgement:
    from symconv.check.judges.pooled_data import (
        judge_pool_gradient,
        judge_pool_gradient_entry,
        judge_pooled,
    )

    if isinstance(prepared, str) or task.kind is None:
        return unverified(claim, prepared if isinstance(prepared, str) else "the kind is open")
    settings, open_words = prepared
    if task.upstream is None:
        return judge_pooled(
            claim, task.data, task.written, task.kind, settings, open_words,
            one_dimensional=task.one_dimensional,
        )  # fmt: skip
    if task.entry is not None:
        return judge_pool_gradient_entry(
            claim, task.data, task.upstream, task.entry, task.written[0, 0], task.kind, settings,
            open_words,
        )  # fmt: skip
    return judge_pool_gradient(
        claim, task.data, task.upstream, task.written, task.kind, settings, open_words,
        one_dimensional=task.one_dimensional,
    )  # fmt: skip

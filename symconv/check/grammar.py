"""The LALR(1) parser of LaTeX math: grammar loading, the post-lexer, and input limits.

The grammar (``latex_grammar.lark``, shipped as package data) is compiled once per process, on
first use, so that importing :mod:`symconv.check` costs nothing. LALR parsing is linear in the
input and iterative (no recursion), and every repetition in the grammar is flat, so the tree is
only as deep as the brackets are nested; :func:`check_limits` bounds both the length and the
nesting *before* parsing, so that the recursive tree builder can never overflow the stack.

    >>> tree = parse_tree("a = b")
    >>> tree.data == "start"
    True
    >>> check_limits("(" * 500 + "x" + ")" * 500)
    Traceback (most recent call last):
    ...
    symconv.errors.ParseError: brackets nested 61 deep at column 61 (the limit is 60)
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Iterator
from typing import Any

from symconv.core.parser_tables import ParserSpec
from symconv.core.patterns import lazy_compile
from symconv.errors import ParseError

#: Longest math text (characters) accepted by one call (a 70 × 70 matrix of small integers).
MAX_MATH_CHARS = 50_000
#: Deepest nesting of brackets, braces and environments accepted; real formulas stay below 10.
MAX_NESTING = 60

#: ``\\sum``/``\\prod`` nest without brackets (their body may be another sum), so each counts
#: until the end of the text; ``\\frac`` and ``\\sqrt`` nest only through their braces, which
#: count already (counting them too refused a 9 × 9 matrix of fractions: 61 ``\\frac``).
_OPENERS = ("(", "[", "{", "\\{", "\\left", "\\begin", "\\sum", "\\prod")
_CLOSERS = (")", "]", "}", "\\}", "\\right", "\\end")

#: Tokens after which a ``|`` closes an absolute value (an operand has just ended).
_OPERAND_END = frozenset(
    {
        "NUMBER", "GNUMBER", "CNUMBER", "WORD", "BIGWORD_FUNC", "GREEK", "GREEK_U", "CONST",
        "TOP", "PRIME_CMD", "RPAR", "RSQB", "RSET", "RBRACE", "RFLOOR", "RCEIL", "ABS_CLOSE",
        "NORM_CLOSE", "PRIME", "SUP_CHAR", "BANG", "PERCENT", "DOTS", "SCRIPT_CHAR", "END_MATRIX",
        "END_CASES", "OPERATORNAME", "TEXT_CALL", "POOL_CALL",
    }
)  # fmt: skip


def check_limits(text: str) -> None:
    """Raise :class:`ParseError` if ``text`` is too long or nested too deep to parse safely.

    Nesting counts brackets, braces, ``\\left``, environments and the commands that take
    arguments; it is measured by a linear scan, before any parser or recursion is involved.
    """
    if len(text) > MAX_MATH_CHARS:
        raise ParseError(
            f"math text of {len(text)} characters (the limit is {MAX_MATH_CHARS}): {text[:40]!r}..."
        )
    depth = 0
    position = 0
    length = len(text)
    while position < length:
        char = text[position]
        if char == "\\":
            end = position + 1
            while end < length and text[end].isalpha():
                end += 1
            command = text[position:end] if end > position + 1 else text[position : position + 2]
            if command in _OPENERS:
                depth += 1
            elif command in _CLOSERS:
                depth -= 1
            position = max(end, position + 2)
        else:
            if char in "([{":
                depth += 1
            elif char in ")]}":
                depth -= 1
            position += 1
        if depth > MAX_NESTING:
            raise ParseError(
                f"brackets nested {depth} deep at column {position} (the limit is {MAX_NESTING})"
            )


class _PairBars:
    """Post-lexer: pairs ``|``/``\\|`` into opening and closing tokens, and reads ``&``/``\\\\``.

    A bar opens an absolute value unless one is open and an operand has just ended. Inside a
    matrix or cases environment ``&`` separates columns and ``\\\\`` rows; outside, ``&`` is an
    alignment mark (dropped) and ``\\\\`` separates statements (the rows of ``aligned``).
    """

    always_accept = ("BAR", "DBAR", "AMP", "NEW_ROW")

    def process(self, stream: Iterator[Any]) -> Iterator[Any]:
        from lark import Token

        previous: str | None = None
        open_bars = {"BAR": 0, "DBAR": 0}
        environments = 0
        for token in stream:
            kind = token.type
            if kind in open_bars:
                closes = open_bars[kind] > 0 and previous in _OPERAND_END
                stem = "ABS" if kind == "BAR" else "NORM"
                open_bars[kind] += -1 if closes else 1
                token = Token.new_borrow_pos(
                    f"{stem}_{'CLOSE' if closes else 'OPEN'}", token, token
                )
            elif kind in ("BEGIN_MATRIX", "BEGIN_CASES"):
                environments += 1
            elif kind in ("END_MATRIX", "END_CASES"):
                environments -= 1
            elif kind == "AMP":
                if environments == 0:
                    continue
                token = Token.new_borrow_pos("COL_SEP", token, token)
            elif kind == "NEW_ROW" and environments > 0:
                token = Token.new_borrow_pos("ROW_SEP", token, token)
            previous = token.type
            yield token


#: The grammar and its options. Its LALR tables ship beside it (``latex_grammar.lark.tables``,
#: :mod:`symconv.core.parser_tables`); when they do not match, the parser is built, cached on disk.
PARSER = ParserSpec(
    "symconv.check",
    "latex_grammar.lark",
    {"lexer": "contextual", "propagate_positions": True, "maybe_placeholders": False},
    postlex=_PairBars,
    cache=lambda grammar: _cache_file(grammar),
)


@functools.lru_cache(maxsize=1)
def _parser() -> Any:
    """The compiled parser (loaded once per process from the shipped tables, or built)."""
    return PARSER.load()


def _cache_file(grammar: str) -> str | None:
    """Where to keep the compiled parser: ``$SYMCONV_CACHE_DIR`` or ``~/.cache/symconv``.

    Building the LALR tables takes ~0.1 s, loading them ~0.04 s (measured by
    ``benchmarks/check_parser.py``). The cache is a pickle, so it is only used from a directory
    that belongs to the current user and that nobody else can write; ``SYMCONV_CACHE_DIR=""``
    turns it off. lark checks a hash of the grammar and its options before using the file.
    """
    configured = os.environ.get("SYMCONV_CACHE_DIR")
    if configured == "":
        return None
    base = configured or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "symconv",
    )
    try:
        os.makedirs(base, mode=0o700, exist_ok=True)
        status = os.stat(base)
    except OSError:
        return None
    owner_only = status.st_mode & (stat.S_IWGRP | stat.S_IWOTH) == 0
    if hasattr(os, "getuid") and (status.st_uid != os.getuid() or not owner_only):
        return None
    digest = hashlib.sha256(grammar.encode("utf-8")).hexdigest()[:16]
    return os.path.join(base, f"latex_grammar-{digest}.lark-cache")


#: ``&& \\text{...}`` after a row: an annotation column (the reason for the step), up to the end
#: of the row (``\\\\``), of its environment (``\\end``) or of the text.
_ANNOTATION = lazy_compile(r"&&\s*\\text\w*\s*\{.*?(?=\\\\|\\end(?![A-Za-z])|$)", re.DOTALL)


_TEXT_GROUP = lazy_compile(r"\\text\w*\s*\{[^{}]*\}")

#: What starts a row before its first symbol: the alignment mark and spacing commands.
_ROW_LEAD = lazy_compile(
    r"\s*(?P<mark>&)?\s*(?:\\(?:quad|qquad|[;:,!> ])(?![A-Za-z])\s*|\\hspace\*?\s*\{[^{}]*\}\s*"
    r"|\{\}\s*)*"  # ``{}\times``: an empty group that makes the operator binary
)
#: A binary operator: a row that starts (or ends) with one continues an expression.
_OPERATOR = lazy_compile(r"[+\-−±∓*/]|\\(?:cdot|times|pm|mp|div)(?![A-Za-z])")
_OPEN_END = lazy_compile(r"(?:[+\-−±∓*/]|\\(?:cdot|times|pm|mp|div))\s*$")
#: A row that ends on an equals sign (``J =\\\\``).
_RELATION_END = lazy_compile(r"(?<![\\<>!:])=\s*$")
#: A relation (``=``, ``\\leq``, ...); :func:`states_relation` looks outside brace groups.
_RELATION = lazy_compile(
    r"(?<!\\)(?:=|<|>|\\(?:approx|simeq|equiv|leq?|geq?|neq|ne|sim|in)(?![A-Za-z])|[≈≤≥≠∈])"
)
#: A row's reason column (``&& \\text{…}`` to the end of the row).
_REASON = lazy_compile(r"&&\s*\\text\w*\s*\{.*$", re.DOTALL)
#: Environments whose ``\\\\`` separates their own rows (a matrix's, the cases of a function);
#: ``aligned`` and its kin are not among them: their rows are the statements joined here.
_ENVIRONMENT = lazy_compile(
    r"\\(begin|end)\s*\{\s*(?:[pbBvV]?matrix|smallmatrix|array|cases|dcases|substack)\*?\s*\}"
)


def states_relation(row: str) -> bool:
    """True if a relation stands in ``row`` outside every brace group (``\\sum_{i=0} x_i``
    states none).

    >>> states_relation("-a &= 1"), states_relation(r"+ \\sum_{i=0}^{N} x_i")
    (True, False)
    """
    depth = 0
    outside = []
    for position, char in enumerate(row):
        escaped = position > 0 and row[position - 1] == "\\"
        if char == "{" and not escaped:
            depth += 1
        elif char == "}" and not escaped:
            depth -= 1
        elif depth == 0:
            outside.append(char)
    return _RELATION.search("".join(outside)) is not None


def continuation_lead(previous: str, row: str) -> int | None:
    """If ``row`` continues the expression of the row ``previous`` (amsmath's way of breaking a
    long line), the length of what stands before its first symbol (the alignment mark and the
    spacing); None if it starts a statement of its own.

    A row continues when its first symbol is a binary operator after an
    alignment mark (``&+ b``, ``&\\quad - c``), or with no mark and no relation of its own
    (``+ b``; ``-a &= 1`` is a statement); any row continues one that ends on an operator
    (``a + \\\\ b``); and a row that starts with a relation continues a row that states none
    (``&\\; a \\\\ &+ b \\\\ &= c`` is the statement ``a + b = c``).

    >>> continuation_lead("&= a", r"&\\quad + b"), continuation_lead("&= a", "&= b")
    (7, None)
    >>> continuation_lead("x &= 1", "-a &= 1"), continuation_lead("&= a +", " b")
    (None, 1)
    >>> continuation_lead(r"&\\; a + b", "&= c"), continuation_lead("x &= a + b", "&= c")
    (1, None)
    >>> continuation_lead("J =", "= W"), continuation_lead("J =", " W")
    (1, 1)
    >>> continuation_lead("&= a", r"&\\quad {}\\times b")
    9
    """
    lead = _ROW_LEAD.match(row)
    assert lead is not None  # every part of the pattern may be empty
    if _OPERATOR.match(row, lead.end()) and (lead.group("mark") or not states_relation(row)):
        return lead.end()
    before = _REASON.sub("", previous)
    if _OPEN_END.search(before):
        return lead.end()
    ending = _RELATION_END.search(before)
    if ending is not None:
        # ``a =\\ = b``, ``a = \\ b``: a row that ends on its relation goes on in the next; a
        # repeated relation opening that row is the same one, written again
        again = _RELATION.match(row, lead.end())
        if again is not None and again.group() == ending.group().strip():
            return again.end()
        if again is None:
            return lead.end()
    if (
        _RELATION.match(row, lead.end())
        and re.search(r"[A-Za-z0-9]", before)
        and not states_relation(before)
    ):
        return lead.end()
    return None


#: ``[a, b[``: a bracket with a comma and no other bracket inside, closed by ``[`` at the end of
#: a statement (before the end, a separator, a row break or a closing bracket).
_ISO_RIGHT_OPEN = lazy_compile(
    r"(\[[^\[\]]*,[^\[\]]*?(?:\\right\s*)?)\[(?=\s*(?:$|[,;.)}]|\\\\|\\quad|\\text))"
)
#: ``]a, b]`` after ``\in`` (``∈``): a bracket opened by ``]``.
_ISO_LEFT_OPEN = lazy_compile(r"((?:\\in(?![A-Za-z])|∈)\s*(?:\\left\s*)?)\]([^\[\]]*,[^\[\]]*\])")


def iso_intervals(text: str) -> str:
    """Half-open intervals written with reversed brackets (ISO 80000-2: ``[a, b[``, ``]a, b]``)
    as ``[a, b)`` and ``(a, b]``, character for character (columns stay those written).

    >>> iso_intervals(r"i \\in [0, n[, \\quad k \\in ]0, K]")
    'i \\\\in [0, n), \\\\quad k \\\\in (0, K]'
    >>> iso_intervals("x = [a, b[k]]")
    'x = [a, b[k]]'
    """
    text = _ISO_RIGHT_OPEN.sub(lambda m: m.group(1) + ")", text)
    return _ISO_LEFT_OPEN.sub(lambda m: m.group(1) + "(" + m.group(2), text)


def join_continued_rows(text: str) -> str:
    """``text`` with each row break that only breaks one expression (see
    :func:`continuation_lead`) read as spaces: the ``\\\\``, the reason column of the row
    before it and the alignment mark and spacing after it (the same length, so that columns
    stay). Breaks inside braces and inside a matrix or ``cases`` (their rows, ``\\substack``
    conditions) are left.

    >>> print(join_continued_rows(r"S = W_1 \\\\ &\\quad + W_2 \\\\ &= 3"))
    S = W_1           + W_2 \\\\ &= 3
    """
    breaks = []
    depth = 0
    position = 0
    while position < len(text):
        char = text[position]
        if char == "\\":
            if text.startswith("\\\\", position) and depth == 0:
                found = re.compile(r"\\\\(?:\s*\[[^\]\n]*\])?").match(text, position)
                assert found is not None
                breaks.append((position, found.end()))
                position = found.end()
                continue
            environment = _ENVIRONMENT.match(text, position)
            if environment:
                depth += 1 if environment.group(1) == "begin" else -1
            position += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        position += 1
    if not breaks:
        return text
    joined = text
    starts = [0] + [end for _, end in breaks]
    ends = [start for start, _ in breaks] + [len(text)]
    statement_start = 0  # where the row that the rows so far continue starts
    for index, (break_start, break_end) in enumerate(breaks):
        previous = joined[statement_start : ends[index]]
        row = text[starts[index + 1] : ends[index + 1]]
        lead = continuation_lead(previous, row)
        if lead is None:
            statement_start = starts[index + 1]
            continue
        reason = _REASON.search(text, starts[index], ends[index])
        blank_start = reason.start() if reason else break_start
        joined = (
            joined[:blank_start]
            + _blank(text[blank_start : break_end + lead])
            + joined[break_end + lead :]
        )
    return joined


def _blank(text: str) -> str:
    """``text`` with every character but a newline turned into a space."""
    return re.sub(r"[^\n]", " ", text)


def blank_annotations(text: str, *, only_symbols_between_words: bool = False) -> str:
    """``text`` with each ``&& \\text{...}`` annotation up to the end of its row blanked out
    (spaces, so that columns stay those of ``text``).

    An annotation may mix words and symbols that are not math (``\\text{0 } \\leq \\text{ k\\_1 }``,
    ``\\text{free: w\\_\\{1,1\\}}``). With ``only_symbols_between_words``, only annotations
    whose every operand is inside ``\\text`` (symbols between words: never a formula) are blanked.

    >>> row = r"a &= b && \\text{u' = U+1} - \\text{u} \\\\ &= c"
    >>> blanked = blank_annotations(row)
    >>> len(blanked) == len(row), blanked.split()
    (True, ['a', '&=', 'b', '\\\\\\\\', '&=', 'c'])
    >>> blank_annotations(r"a && \\text{since } x \\geq 0", only_symbols_between_words=True)
    'a && \\\\text{since } x \\\\geq 0'
    """

    def blank(match: re.Match[str]) -> str:
        annotation = match.group()
        if only_symbols_between_words and not _symbols_between_words(annotation):
            return annotation
        return re.sub(r"[^\n]", " ", annotation)

    return _ANNOTATION.sub(blank, text)


def _symbols_between_words(annotation: str) -> bool:
    """True if, outside its ``\\text{...}`` groups, ``annotation`` holds symbols but no operand
    (no letter or digit outside a command): ``\\text{0 } \\leq \\text{ k\\_1 }``."""
    between = _TEXT_GROUP.sub(" ", annotation[2:])
    if not between.strip():  # words only: read as before (a separator before the next row)
        return False
    return re.search(r"[A-Za-z0-9]", re.sub(r"\\[A-Za-z]+", " ", between)) is None


#: A prime written as a superscript (``i^{'}``, ``f^{\\prime}``, ``x^\\prime``), or on a
#: braced subscripted name (``{f_a}'``).
_PRIME_SUP = lazy_compile(
    r"\^\s*\{\s*(?:['\u2032]\s*|\\prime(?![A-Za-z])\s*)+\}|\^\s*\\prime(?![A-Za-z])"
    r"|\^\s*['\u2032]+"
)
#: ``\\boxed{…}`` and ``\\sfrac``: a frame and a slanted fraction, nothing else.
#: A box around a formula that only frames or scales it: ``\\boxed{``, ``\\resizebox{W}{H}{``,
#: ``\\scalebox{S}[V]{``, and the ``\\symconvfit{ROOM}{`` of symconv's own LaTeX handouts.
_BOXED = lazy_compile(
    r"\\(?:boxed|symconvfit\s*\{[^{}]*\}|resizebox\s*\{[^{}]*\}\s*\{[^{}]*\}"
    r"|scalebox\s*\{[^{}]*\}(?:\s*\[[^\]]*\])?"
    r"|(?:color|textcolor|colorbox)\s*(?:\[[^\]]*\])?\s*\{[^{}]*\}"
    r"|fcolorbox\s*(?:\[[^\]]*\])?\s*\{[^{}]*\}\s*\{[^{}]*\})\s*\{"
)
#: ``\\phantom{…}`` (``\\hphantom``, ``\\vphantom``): room left empty, to align a row; nothing
#: of it is set (``\\phantom{z} &= …`` continues the chain above).
_PHANTOM = lazy_compile(r"\\[hv]?phantom\s*\{")
#: ``\\color{red}`` as a switch (``{\\color{red} x_{11}}``): it colours what follows, no more.
_COLOUR_SWITCH = lazy_compile(r"\\color\s*(?:\[[^\]]*\])?\s*\{[^{}]*\}")
_SFRAC = lazy_compile(r"\\sfrac(?![A-Za-z])")
_BRACED_PRIME = lazy_compile(
    r"\{\s*([A-Za-z])\s*_\s*(\{[A-Za-z0-9]+\}|[A-Za-z0-9])\s*\}(?='|\u2032)"
)


def normalise_primes(text: str) -> str:
    """``text`` with each prime written as a superscript made a plain prime, padded with
    spaces so that columns stay those of ``text``.

    >>> normalise_primes("W(i^{'}, j^{\\\\prime}) + {f_a}'(x)")
    "W(i'   , j'        ) +   f_a'(x)"
    >>> normalise_primes("\\\\mathbf{a_{14}}")
    '\\\\mathbf{a}_{14}'
    >>> normalise_primes("\\U0001d6ff_\\U0001d461^\\u2032 = \\\\boxed{w_\\U0001d461^\\U0001d447}")
    "δ_t'  =        w_t^T "
    """

    def prime(match: re.Match[str]) -> str:
        written = match.group()
        count = written.count("'") + written.count("\u2032") + written.count("\\prime")
        return "'" * count + " " * (len(written) - count)

    def braced(match: re.Match[str]) -> str:
        plain = f"{match.group(1)}_{match.group(2)}"
        return " " * (len(match.group()) - len(plain)) + plain

    text = "".join(_plain_letter(char) for char in text)
    text = _BOLD_ENTRY.sub(r"\1{\2}\3", text)  # \mathbf{a_{14}}: the entry a_{14}, in bold
    text = _BRACED_OPERATOR.sub(lambda m: " " + m.group(1) + " ", text)
    text = evaluation_bars(_over_as_frac(text))
    text = _SFRAC.sub(" \\\\frac", unboxed(text))
    text = cases_columns(indicators_as_brackets(text))
    text = align_columns(transposes(without_brace_labels(text)))
    text = _PARENTHESISED_WORDS.sub(lambda m: " " + m.group(1) + " ", text)
    return _BRACED_PRIME.sub(braced, _PRIME_SUP.sub(prime, text))


#: Words in parentheses beside a formula, ``\quad (\text{with biases})``: a note, read as the
#: words alone (the parentheses held nothing of the formula). Not after a name or a bracket,
#: where the words would be an argument (``f(\text{input})``).
_PARENTHESISED_WORDS = lazy_compile(
    r"(?:(?<=\\quad)|(?<=\\qquad)|(?<![A-Za-z0-9}\)\]]))"
    r"\((\s*\\text(?:rm|it|bf|normal)?\s*\{(?:[^{}]|\{[^{}]*\})*\}\s*)\)"
)
#: ``\underbrace{…}_{label}`` and ``\overbrace{…}^{label}``: the brace's label names or
#: explains the part it spans (``_{\text{upstream}}``, ``^{= x_{i+j-1}}``), it is not part of
#: the formula.
_LABELLED_BRACE = lazy_compile(r"\\(?:underbrace|overbrace)\s*\{")


def without_brace_labels(text: str) -> str:
    """``text`` with each ``\\underbrace{A}_{label}`` (``\\overbrace{A}^{label}``) read as the
    group ``{A}``: the command and the label blanked (same length). A brace whose groups do not
    close is left as written.

    >>> without_brace_labels(r"\\underbrace{2 \\cdot 3}_{\\text{w}} + \\overbrace{1}^{b_{1}} = 7")
    '           {2 \\\\cdot 3}            +           {1}         = 7'
    """
    position = 0
    while (found := _LABELLED_BRACE.search(text, position)) is not None:
        close = _group_end(text, found.end() - 1)
        script = "_" if text.startswith("\\under", found.start()) else "^"
        label = re.compile(r"\s*" + re.escape(script) + r"\s*").match(text, close or 0)
        if close is None or label is None:
            position = found.end()
            continue
        if text.startswith("{", label.end()):
            end = _group_end(text, label.end())
            if end is None:
                position = found.end()
                continue
        else:  # a one-character label: _x
            end = label.end() + 1
        text = (  # the braces stay: they group what the brace spans, {2 + 2} \cdot 3
            text[: found.start()]
            + " " * (found.end() - found.start() - 1)
            + text[found.end() - 1 : close]
            + " " * (end - close)
            + text[end:]
        )
        position = found.start()
    return text


def _group_end(text: str, start: int) -> int | None:
    """The position after the ``}`` that closes the ``{`` at ``start``."""
    depth = 0
    for position in range(start, len(text)):
        char = text[position]
        if char == "{" and text[position - 1 : position] != "\\":
            depth += 1
        elif char == "}" and text[position - 1 : position] != "\\":
            depth -= 1
            if depth == 0:
                return position + 1
    return None


def align_columns(text: str) -> str:
    r"""``text`` with the marks between the equation columns of an ``align`` row read as
    statement separators (``;``, same length): ``a &= 1 + 2 & b &= 3 + 4`` holds two
    statements, each column pair ``lhs &= rhs``. Only when every column pair is one: each
    pair's second piece starts with a relation and the piece after a separating mark starts
    with no operator (``x &= 1 &+ 2`` in ``alignat`` goes on with the sum, and is left as is).

    >>> align_columns("a &= 1 + 2 & b &= 3 + 4")
    'a &= 1 + 2 ; b &= 3 + 4'
    >>> align_columns("x &= 1 &+ 2"), align_columns("a &= b && c")
    ('x &= 1 &+ 2', 'a &= b && c')
    """
    if text.count("&") < 3:
        return text
    marks = []
    depth = 0
    for position, char in enumerate(text):
        if char in "{" and text[position - 1 : position] != "\\":
            depth += 1
        elif char in "}" and text[position - 1 : position] != "\\":
            depth -= 1
        elif char == "&" and depth == 0 and text[position - 1 : position] != "\\":
            marks.append(position)
    if "\\begin" in text or len(marks) < 3 or len(marks) % 2 == 0:
        return text
    pieces = [text[a + 1 : b] for a, b in zip([-1, *marks], [*marks, len(text)], strict=True)]
    for k in range(1, len(pieces), 2):  # the piece after each alignment mark: a relation
        if _RELATION.match(pieces[k].lstrip()) is None:
            return text
    for k in range(2, len(pieces), 2):  # the piece after each separating mark: a new side
        start = pieces[k].lstrip()
        if not start or _OPERATOR.match(start) or _RELATION.match(start):
            return text
    for k in range(1, len(marks), 2):
        text = text[: marks[k]] + ";" + text[marks[k] + 1 :]
    return text


#: An upright d: ``\mathrm{d}``, ``\mathrm d``, ``{\rm d}``, ``\text{d}``, ``\operatorname{d}``;
#: and a d set off by a thin space before one letter, ``2x\,dx``: the differential's spelling.
_UPRIGHT_D = lazy_compile(
    r"\\(?:mathrm|text|textrm|operatorname|rm)\s*(?:\{\s*d\s*\}|d(?![A-Za-z]))|\{\s*\\rm\s+d\s*\}"
    r"|\\,\s*d\s*[A-Za-z](?![A-Za-z])"
)
_FRACTION = lazy_compile(r"\\[dt]?frac\s*\{")


def differential_outside_a_derivative(text: str) -> bool:
    r"""Whether ``text`` writes an upright d (the differential, never a variable d) outside a
    fraction and outside an integral: ``\mathrm{d}(x^2) = 2x\,\mathrm{d}x`` relates
    differentials; ``\frac{\mathrm{d}y}{\mathrm{d}x}`` is a derivative.

    >>> differential_outside_a_derivative(r"\mathrm{d}(x^2) = 2x\,\mathrm{d}x")
    True
    >>> differential_outside_a_derivative(r"\frac{\mathrm{d}}{\mathrm{d}x} x^2 = 2x")
    False
    """
    if _UPRIGHT_D.search(text) is None or "\\int" in text or "∫" in text:
        return False
    outside, position = [], 0
    while (found := _FRACTION.search(text, position)) is not None:
        numerator = _group_end(text, found.end() - 1)
        denominator = None
        if numerator is not None and text[numerator:].lstrip().startswith("{"):
            start = numerator + len(text[numerator:]) - len(text[numerator:].lstrip())
            denominator = _group_end(text, start)
        if denominator is None:
            return False
        outside.append(text[position : found.start()])
        position = denominator
    outside.append(text[position:])
    return any(_UPRIGHT_D.search(piece) for piece in outside)


#: A struck-out term: ``\cancel{…}``, ``\bcancel{…}``, ``\xcancel{…}``, ``\cancelto{value}{…}``.
_CANCEL = lazy_compile(r"\\(?:[bx]?cancel|cancelto\s*\{(?P<to>[^{}]*)\})\s*\{")
#: What stands before and after a struck-out summand (``a + \cancel{b} - c``, ``= \cancel{b}``).
_SUMMAND_BEFORE = "+-=&({["
_SUMMAND_AFTER = "+-=&)}]"


def struck_readings(text: str) -> tuple[str, str] | None:
    r"""The two readings of a formula with struck-out terms, or None when it has none: each
    term kept (the strike only shows the step: ``\frac{\cancel{2} x}{\cancel{2}}``), and each
    term left out — a summand as 0, a factor or a whole group as 1, ``\cancelto{v}{…}`` as
    ``v``. Both have the text's length (columns stay). A formula reads the same either way
    when its strikes are a valid cancellation; the caller decides what else it means.

    >>> kept, removed = struck_readings(r"\frac{\cancel{2} x}{\cancel{2}} + \cancel{a} - b")
    >>> kept
    '\\frac{       {2} x}{       {2}} +        {a} - b'
    >>> removed
    '\\frac{{1}        x}{{1}       } + {0}        - b'
    """
    if _CANCEL.search(text) is None:
        return None
    kept, removed, position = text, text, 0
    while (found := _CANCEL.search(kept, position)) is not None:
        end = _group_end(kept, found.end() - 1)
        if end is None:
            return None
        before = kept[: found.start()].rstrip()[-1:]
        after = kept[end:].lstrip()[:1]
        whole_group = before in "({[" and before != "" and after in ")}]" and after != ""
        summand = (before == "" or before in _SUMMAND_BEFORE) and (
            after == "" or after in _SUMMAND_AFTER or kept.startswith("\\\\", end)
        )
        value = found.group("to") or ("1" if whole_group or not summand else "0")
        value = "{" + value.strip() + "}"
        width = end - found.start()
        if len(value) > width:
            return None
        kept = (
            kept[: found.start()]
            + " " * (found.end() - found.start() - 1)
            + kept[found.end() - 1 :]
        )
        removed = removed[: found.start()] + value + " " * (width - len(value)) + removed[end:]
        position = end
    return kept, removed


#: A transpose written with a font: ``^{\mathsf T}``, ``^{\mathsf{T}}``, ``^\mathsf{T}``,
#: ``^{\rm T}``, ``^{\mathrm{T}}``, ``^{\intercal}``: the same as ``^\top``.
_FONT_TRANSPOSE = lazy_compile(
    r"\^\s*(?:\{\s*\\(?:mathsf|mathrm|rm|sf)\s*(?:\{\s*T\s*\}|T)\s*\}"
    r"|\\(?:mathsf|mathrm)\s*\{\s*T\s*\})"
)


#: Spacing inside a transpose's superscript, ``^{\!\top}``, ``^{\,T}``: kerning only.
_SPACED_TRANSPOSE = lazy_compile(
    r"(?<=\^)(\s*\{\s*)((?:\\[,!;: ]\s*)+)(?=(?:\\(?:top|intercal|transpose|mathsf|mathrm|rm|sf)"
    r"(?![A-Za-z])|T\s*\}))"
)


def transposes(text: str) -> str:
    """``text`` with each transpose written with a font (:data:`_FONT_TRANSPOSE`) as ``^\\top``,
    padded with spaces (same length).

    >>> transposes(r"W^{\\!\\top} x")
    'W^{  \\\\top} x'
    >>> transposes(r"(1, 1, 1)^{\\mathsf T} + W^{\\mathrm{T}} g")
    '(1, 1, 1)^\\\\top        + W^\\\\top         g'
    """
    text = _SPACED_TRANSPOSE.sub(lambda m: m.group(1) + " " * len(m.group(2)), text)
    return _FONT_TRANSPOSE.sub(lambda m: "^\\top" + " " * (len(m.group()) - 5), text)


_CASES = lazy_compile(r"\\begin\s*\{cases\*?\}(?P<body>.*?)\\end\s*\{cases\*?\}", re.DOTALL)
#: What starts a case's condition in a row written without ``&``: a comma (then spacing), or
#: the words ``if``/``for``/``when``/``otherwise`` set as text after a space.
_CONDITION_START = lazy_compile(
    r",(?=(?:\s|\\[,;:! ]|\\q?quad(?![A-Za-z])|~)*\S)"
    r"|\s(?=\\(?:text|textrm|mbox)\s*\{\s*(?:if|for|when|where|otherwise|else)\b)"
)
#: A condition: a relation, or the words of a catch-all case.
_CONDITION = lazy_compile(
    r"[<>=≤≥≠∈]|\\(?:le|ge|leq|geq|neq|ne|lt|gt|in|notin)(?![A-Za-z])|otherwise|else|if\b"
)


def cases_columns(text: str) -> str:
    """``text`` with each row of a ``cases`` written without ``&`` given its column: the comma
    (or the space before ``\\text{if …}``) that separates value and condition becomes ``&``
    (same length). ``1, \\quad x > 0`` and ``1 \\text{ if } x > 0`` are the value 1 where
    x > 0, as ``1 & x > 0`` is; a row whose rest holds no condition (``f(a, b)``) is left alone.

    >>> cases_columns(r"\\begin{cases} 1, \\quad x > 0 \\\\ 0, \\quad x \\le 0 \\end{cases}")
    '\\\\begin{cases} 1& \\\\quad x > 0 \\\\\\\\ 0& \\\\quad x \\\\le 0 \\\\end{cases}'
    >>> kept = r"\\begin{cases} f(a, b) \\end{cases}"
    >>> cases_columns(kept) == kept
    True
    """

    def rows(match: re.Match[str]) -> str:
        body = match.group("body")
        start = match.start("body") - match.start()
        written = list(match.group())
        position = 0
        for row in re.split(r"(\\\\)", body):
            if row != "\\\\" and "&" not in row:
                cut = _top_level_condition_start(row)
                if cut is not None:
                    written[start + position + cut] = "&"
            position += len(row)
        return "".join(written)

    return _CASES.sub(rows, text)


def _top_level_condition_start(row: str) -> int | None:
    """Where the condition of a row without ``&`` starts (the separator's index), or None."""
    depth = 0
    for index, char in enumerate(row):
        if char in "{([":
            depth += 1
        elif char in "})]":
            depth -= 1
        elif (
            depth == 0
            and _CONDITION_START.match(row, index) is not None
            and _CONDITION.search(row, index + 1) is not None
        ):
            return index
    return None


#: ``\\mathbf{a_{14}}``: a whole subscripted entry set in bold (a pooling window's maximum, as
#: writers mark it) reads as ``\\mathbf{a}_{14}``, the same entry (same length).
_BOLD_ENTRY = lazy_compile(
    r"(\\(?:mathbf|boldsymbol|bm|pmb)\s*)\{([A-Za-z])(_(?:\{[^{}]*\}|[A-Za-z0-9]))\}"
)
#: ``a_{i,j{+}1}``: an operator braced to space it as a binary one.
_BRACED_OPERATOR = lazy_compile(r"\{([+\-])\}")
_OVER = lazy_compile(r"\\over(?![A-Za-z])")


#: An indicator function: ``\\mathbb{1}``, ``\\mathbf{1}``, ``\\mathds{1}``, ``\\mathbb{I}``,
#: then its condition in ``[…]``, ``(…)``, ``\\{…\\}`` or a subscript ``_{…}``.
_INDICATOR = lazy_compile(
    r"\\(?:mathbb|mathbf|mathds|mathbbm|bm)\s*(?:\{\s*(?:1|I)\s*\}|1)\s*(?P<open>\[|\(|\\\{|_\s*\{)"
)
_CLOSING = {"[": "]", "(": ")", "\\{": "\\}", "_{": "}"}


def indicators_as_brackets(text: str) -> str:
    """``text`` with each indicator function written as the Iverson bracket it is (same length):
    ``\\mathbb{1}[z_i > 0]``, ``\\mathbf{1}(z > 0)``, ``\\mathbb{1}_{\\{z > 0\\}}`` are
    ``[z_i > 0]`` (Knuth, *Two notes on notation*, 1992: the bracket is 1 where the condition
    holds, else 0).

    >>> indicators_as_brackets(r"a \\mathbb{1}[z_i > 0] + \\mathbf{1}(x \\ge 2)")
    'a            [z_i > 0] +          [x \\\\ge 2]'
    >>> indicators_as_brackets(r"\\mathbb{1}_{z > 0} = \\mathbb{I}\\{y < 1\\}")
    '          [z > 0] =           [y < 1] '
    """
    position = 0
    while (found := _INDICATOR.search(text, position)) is not None:
        opening = re.sub(r"\s+", "", found.group("open"))
        closing = _CLOSING[opening]
        depth, index = 0, found.end()
        end = None
        while index < len(text):
            escaped = closing in ("]", ")", "}") and text[index - 1] == "\\"
            if text.startswith(closing, index) and depth == 0 and not escaped:
                end = index
                break
            if text[index] in "{[(" and text[index - 1] != "\\":
                depth += 1
            elif text[index] in "}])" and text[index - 1] != "\\":
                depth -= 1
            index += 1
        if end is None:
            position = found.end()
            continue
        head = found.end() - found.start()
        body = text[found.end() : end]
        if not _RELATION.search(body):
            position = found.end()  # \\mathbf{1}(n): the vector of ones, not an indicator
            continue
        if opening == "_{" and body.strip().startswith("\\{") and body.rstrip().endswith("\\}"):
            inner = body.strip()
            lead = len(body) - len(body.lstrip())
            body = " " * (lead + 2) + inner[2:-2] + "  " + " " * (len(body) - lead - len(inner))
        text = (
            text[: found.start()]
            + " " * (head - 1)
            + "["
            + body
            + "]"
            + " " * (len(closing) - 1)
            + text[end + len(closing) :]
        )
        position = end
    return text


#: A braced group with up to two levels of nested braces.
_BRACED = r"\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\}"
#: The evaluation bar after a derivative (``\left.\frac{df}{dx}\right|_{x_0}``,
#: ``\frac{d^2 f}{dx^2}\Big|_{x=x_0}``, ``f'(x)\big|_{x = x_0}``): the derivative taken at
#: the point below the bar. The derivative is a ``\frac`` of differentials or a primed function
#: of one variable; the point is ``x_0``, ``x = x_0`` or a tuple ``(x_j, t_n)``.
_EVALUATION_BAR = lazy_compile(
    r"(?:\\left\s*\.\s*)?"
    r"(?:(?P<frac>\\[dt]?frac\s*(?P<num>" + _BRACED + r")\s*(?P<den>" + _BRACED + r"))"
    r"|(?P<primed>[A-Za-z](?:\s*'+|\s*\^\s*\{\s*\(\d\)\s*\}))\s*\(\s*(?P<argument>[A-Za-z])\s*\))"
    r"\s*(?:\\right|\\[bB]igg?[lrm]?|\\Bigg[lrm]?)?\s*(?:\||\\vert|\\rvert)"
    r"\s*_\s*(?P<at>" + _BRACED + r")"
)
#: The differential of a variable in a derivative's denominator: ``dx``, ``d x^2``,
#: ``\partial t``, ``\mathrm{d}x^{2}``.
_DIFFERENTIAL_OF = lazy_compile(
    r"(?:\\partial|\\mathrm\s*\{\s*d\s*\}|\\,?d|(?<![A-Za-z])d)\s*([A-Za-z])(?![A-Za-z])"
)


def evaluation_bars(text: str) -> str:
    r"""``text`` with each derivative written before an evaluation bar read as the derivative
    at the bar's point (:data:`_EVALUATION_BAR`): ``\left.\frac{df}{dx}\right|_{x_0}`` as
    ``\frac{df}{dx}(x_0)``, padded with spaces so that the text keeps its length. A bar whose
    variable is not the derivative's one variable is left as written (not read).

    >>> evaluation_bars(r"\left.\frac{df}{dx}\right|_{x_0} + 1")
    '\\frac{df}{dx}(x_0)                 + 1'
    >>> evaluation_bars(r"\frac{d^2 f}{dx^2}\Big|_{x=x_0}").rstrip()
    '\\frac{d^2 f}{dx^2}(x_0)'
    >>> evaluation_bars(r"f'(x)\big|_{x = a}").rstrip()
    "f'(a)"
    >>> evaluation_bars(r"\frac{df}{dx}\Big|_{t=0}")
    '\\frac{df}{dx}\\Big|_{t=0}'
    """

    def evaluated(match: re.Match[str]) -> str:
        at = match.group("at")[1:-1].strip()
        if match.group("frac") is not None:
            variables = set(_DIFFERENTIAL_OF.findall(match.group("den")[1:-1]))
            head = match.group("frac")
        else:
            variables = {match.group("argument")}
            head = match.group("primed")
        if "=" in at:
            variable, _, point = at.partition("=")
            if variable.strip() not in variables or "=" in point:
                return match.group()
            point = point.strip()
        else:
            point = at
        if point.startswith("(") and point.endswith(")") and "\\partial" in head:
            point = point[1:-1]  # ∂u/∂t at (x_j, t_n): the point of all u's arguments
        elif "," in point or "(" in point or len(variables) != 1:
            return match.group()
        if not point.strip():
            return match.group()
        read = f"{head}({point})"
        if len(read) > len(match.group()):
            return match.group()
        return read + " " * (len(match.group()) - len(read))

    if "|" not in text and "vert" not in text:
        return text
    return _EVALUATION_BAR.sub(evaluated, text)


def _over_as_frac(text: str) -> str:
    """``{A \\over B}`` (plain TeX) as ``\\frac{A}{B}``, the braces around it holding
    nothing else; with a space on each side of ``\\over`` the text keeps its length.

    >>> _over_as_frac(r"{dz \\over dx} = {\\partial \\over \\partial W} J")
    '\\\\frac{dz}{dx} = \\\\frac{\\\\partial}{\\\\partial W} J'
    """
    while (found := _OVER.search(text)) is not None:
        depth, start = 0, found.start() - 1
        while start >= 0:
            if text[start] == "}" and text[start - 1 : start] != "\\":
                depth += 1
            elif text[start] == "{" and text[start - 1 : start] != "\\":
                if depth == 0:
                    break
                depth -= 1
            start -= 1
        depth, end = 0, found.end()
        while end < len(text):
            if text[end] == "{" and text[end - 1] != "\\":
                depth += 1
            elif text[end] == "}" and text[end - 1] != "\\":
                if depth == 0:
                    break
                depth -= 1
            end += 1
        if start < 0 or end >= len(text):
            return text
        # the spaces around \\over make room for \\frac: the text keeps its length
        before = found.start() - (found.start() - 1 > start and text[found.start() - 1] == " ")
        after = found.end() + (found.end() < end and text[found.end()] == " ")
        text = (
            text[:start] + "\\frac{" + text[start + 1 : before] + "}{"
            + text[after:end] + "}" + text[end + 1 :]
        )  # fmt: skip
    return text


def _plain_letter(char: str) -> str:
    """A letter of Unicode's mathematical alphanumeric block (italic t, w, δ, bold W: U+1D400
    to U+1D7FF) as the letter it is styled from (t, w, δ, W): one character for one."""
    if "\U0001d400" <= char <= "\U0001d7ff":
        plain = unicodedata.normalize("NFKC", char)
        if len(plain) == 1:
            return plain
    return char


def unboxed(text: str) -> str:
    """``text`` with each box's opening (``\\boxed{``, ``\\resizebox{W}{H}{`` …) and its closing
    brace blanked (same length).

    >>> unboxed(r"o = \\resizebox{\\linewidth}{!}{5 - 3 + 1} + \\boxed{3}")
    'o =                           5 - 3 + 1  +        3 '
    >>> unboxed(r"\\symconvfit{\\dimexpr\\linewidth-2em\\relax}{240 \\cdot 10}")
    '                                          240 \\\\cdot 10 '

    A phantom is empty room: ``\\phantom{z} &= 1`` is ``&= 1`` (the same columns).

    >>> unboxed(r"\\phantom{\\bm{z}} &= 1")
    '                  &= 1'

    Colour is a box too: ``\\color{red}{x}``, ``\\textcolor{red}{x}`` and the switch
    ``{\\color{red} x}`` are ``x``, as ``\\colorbox{yellow}{x}`` is.

    >>> unboxed(r"\\frac{1}{\\color{red}{\\partial x}} + \\textcolor{blue}{w} + {\\color{green} 1}")
    '\\\\frac{1}{            \\\\partial x } +                 w  + {              1}'
    """
    while (found := _BOXED.search(text)) is not None:
        depth, position = 1, found.end()
        while position < len(text) and depth:
            if text[position] == "{" and text[position - 1] != "\\":
                depth += 1
            elif text[position] == "}" and text[position - 1] != "\\":
                depth -= 1
            position += 1
        if depth:
            return text
        text = (
            text[: found.start()]
            + " " * (found.end() - found.start())
            + text[found.end() : position - 1]
            + " "
            + text[position:]
        )
    text = _COLOUR_SWITCH.sub(lambda switch: " " * len(switch.group()), text)
    position = 0
    while (phantom := _PHANTOM.search(text, position)) is not None:
        end = _group_end(text, phantom.end() - 1)
        if end is None:
            return text
        text = text[: phantom.start()] + " " * (end - phantom.start()) + text[end:]
        position = end
    return text


def parse_tree(text: str) -> Any:
    """The lark parse tree of ``text``; :class:`ParseError` (with the column) on bad input.

    An ``&& \\text{...}`` annotation that sets symbols between words is left out, and so is any
    annotation of a row that cannot be read with it."""
    from lark.exceptions import UnexpectedInput

    check_limits(text)
    text = iso_intervals(join_continued_rows(text))
    try:
        return _parser().parse(blank_annotations(text, only_symbols_between_words=True))
    except UnexpectedInput as error:
        annotated = blank_annotations(text)
        if annotated != text:
            try:
                return _parser().parse(annotated)
            except UnexpectedInput:
                pass
        raise _parse_error(text, error) from None


def _parse_error(text: str, error: Any) -> ParseError:
    """The :class:`ParseError` for lark's ``error`` on ``text``: where, and what was expected."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    if isinstance(error, UnexpectedToken):
        expected = _describe_expected(error.expected)
        token = error.token
        if token.type == "$END":
            return ParseError(
                f"{text!r} ends too early (column {len(text) + 1}); expected {expected}"
            )
        return ParseError(
            f"unexpected {str(token)!r} at column {error.column} of {text!r}; expected {expected}"
        )
    if isinstance(error, UnexpectedCharacters):
        position = error.pos_in_stream or 0
        char = text[position] if position < len(text) else ""
        return ParseError(
            f"unexpected character {char!r} at column {error.column} of {text!r}; expected "
            f"{_describe_expected(error.allowed or set())}"
        )
    if isinstance(error, UnexpectedEOF):
        return ParseError(
            f"unexpected end of {text!r}; expected {_describe_expected(error.expected)}"
        )
    return ParseError(f"could not read {text!r}: {error}")  # pragma: no cover - exhaustive


_DESCRIPTIONS = {
    "RPAR": "')'", "RSQB": "']'", "RBRACE": "'}'", "RSET": "a closing set brace", "LBRACE": "'{'",
    "ABS_CLOSE": "'|'", "NORM_CLOSE": "a closing norm bar", "RFLOOR": "'⌋'",
    "RCEIL": "'⌉'", "END_MATRIX": "the end of the matrix", "END_CASES": "the end of the cases",
    "REL": "a relation", "ADD": "'+' or '-'", "MULOP": "an operator", "SCRIPT_CHAR": "a character",
    "NUMBER": "a number", "WORD": "a name", "$END": "the end", "AMP": "an alignment mark",
    "BAR": "'|'", "DBAR": "a norm bar", "NEW_ROW": "a row break", "LPAR": "'('", "LSQB": "'['",
    "COMMA": "','",
}  # fmt: skip


def _describe_expected(expected: Any) -> str:
    """What the parser expected, in the writer's terms: the grammar's internal tokens (an
    environment's name, an anonymous literal) mean nothing to a student and are left out."""
    names = sorted({_DESCRIPTIONS[name] for name in expected if name in _DESCRIPTIONS})
    if not names:
        return "something else" if expected else "nothing more"
    if len(names) > 6:
        shown = ", ".join(names[:6])
        return f"one of {shown}, ..."
    return "one of " + ", ".join(names) if len(names) > 1 else names[0]

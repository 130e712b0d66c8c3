"""A document's own shorthand: ``\\newcommand``, ``\\def``, ``\\DeclareMathOperator``, ``\\let``.

Authors of LaTeX notes and homework define shorthand in the preamble (``\\newcommand{\\R}{\\mathbb
R}``, ``\\newcommand{\\pd}[2]{\\frac{\\partial #1}{\\partial #2}}``, ``\\def\\x{\\mathbf{x}}``,
``\\DeclareMathOperator{\\relu}{ReLU}``, ``\\let\\eps\\varepsilon``) and write the formulas with it.
A formula is read as TeX would set it: each use of a macro the document defines is replaced by
the macro's text, with its arguments put in place of ``#1`` … ``#9``. This is text substitution
only, bounded in count and size (a definition that grows without end leaves the formula as
written, so it is reported unread); nothing is loaded or run.

    >>> macros = definitions(
    ...     "\\\\newcommand{\\\\pd}[2]{\\\\frac{\\\\partial #1}{\\\\partial #2}}\\n"
    ...     "\\\\def\\\\x{\\\\mathbf{x}}\\\\DeclareMathOperator{\\\\relu}{ReLU}"
    ...     "\\\\let\\\\eps\\\\varepsilon")
    >>> expand("\\\\pd{L}{\\\\x} + \\\\relu(\\\\eps x)", macros)
    '\\\\frac{\\\\partial L}{\\\\partial \\\\mathbf{x}} + \\\\operatorname{ReLU}(\\\\varepsilon x)'

A macro's use is read with TeX's rules for arguments: a braced group, a command or one character
(``\\pd\\sigma x``); an optional first argument ``[…]`` when the definition gives a default. A
command that ends a piece of text and a letter that starts the next one are kept apart
(``\\partial#1`` with ``x`` is ``\\partial x``). Definitions apply from where they are written on;
a TeX comment's text defines nothing. A use spread over several lines keeps its line breaks (at
the end of its replacement), so that the lines of the rows after it stay the file's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from symconv.core.patterns import lazy_compile

#: Most macro uses replaced in one formula, and the largest growth allowed (a definition that
#: calls itself, or doubles at each level, stops here and the formula stays as written).
MAX_EXPANSIONS = 500
MAX_GROWTH = 4_000
#: Most macro uses replaced in one document (a file of formulas that each use up their bound
#: would otherwise cost seconds): past it, formulas are read as written.
MAX_DOCUMENT_EXPANSIONS = 20_000


@dataclass
class Budget:
    """Macro uses left to replace in a document."""

    remaining: int = MAX_DOCUMENT_EXPANSIONS


#: The starts of the definitions read (the rest of each is read by :func:`_definition_at`).
_DEFINITION = lazy_compile(
    r"\\(?P<command>newcommand|renewcommand|providecommand|DeclareMathOperator|def|gdef|let)"
    r"(?![A-Za-z])(?P<star>\*?)"
)
_NAME = lazy_compile(r"\s*(?:\{\s*(\\[A-Za-z]+)\s*\}|(\\[A-Za-z]+))")
_COUNT = lazy_compile(r"\s*\[\s*([1-9])\s*\]")
_PARAMETERS = lazy_compile(r"((?:#[1-9])*)\s*(?=\{)")
_CONTROL_WORD = lazy_compile(r"\\[A-Za-z]+")
#: A TeX comment: ``%`` to the end of the line, unless escaped (``\\%``).
_COMMENT = lazy_compile(r"(?<!\\)%[^\n]*")


@dataclass(frozen=True)
class Macro:
    """A definition: where it is written, its name (with the backslash), its number of
    arguments, the default of an optional first argument, and its text."""

    position: int
    name: str
    arguments: int
    default: str | None
    body: str


def definitions(text: str, comments: bool = True) -> list[Macro]:
    """The macros a document defines, in the order they are written (TeX comments left out
    when ``comments``: in Markdown a ``%`` is a percent sign)."""
    if comments:
        text = _COMMENT.sub(lambda comment: " " * len(comment.group()), text)
    found = []
    for match in _DEFINITION.finditer(text):
        macro = _definition_at(text, match)
        if macro is not None:
            found.append(macro)
    return found


def usable(macros: list[Macro]) -> list[Macro]:
    r"""The definitions whose text expands within the bounds (arguments read as ``x``): one that
    calls itself or grows without end is left out once here, rather than tried again in every
    formula that uses it (its uses then read as unknown commands).

    >>> [m.name for m in usable(definitions("\\def\\a{\\a\\a}\\def\\b{\\mathbf{b}}\\def\\c{\\a}"))]
    ['\\b']
    """
    table = {m.name: m for m in macros}
    kept = []
    for macro in macros:
        body = re.sub(r"#[1-9]", "x", macro.body)
        uses = {word for word in _CONTROL_WORD.findall(body) if word in table}
        if not uses or expand(body, table) != body:
            kept.append(macro)
    return kept


def _definition_at(text: str, match: re.Match[str]) -> Macro | None:
    command, position = match.group("command"), match.end()
    name_match = _NAME.match(text, position)
    if name_match is None:
        return None
    name = name_match.group(1) or name_match.group(2)
    position = name_match.end()
    if command == "let":  # \let\eps\varepsilon, \let\eps=\varepsilon
        target = re.compile(r"\s*=?\s*(\\[A-Za-z]+|\\.)").match(text, position)
        return None if target is None else Macro(match.start(), name, 0, None, target.group(1))
    arguments, default = 0, None
    if command in ("def", "gdef"):
        parameters = _PARAMETERS.match(text, position)
        if parameters is None:  # delimited parameters (\def\a#1.{…}) are not read
            return None
        written = parameters.group(1)
        if written != "".join(f"#{k}" for k in range(1, len(written) // 2 + 1)):
            return None
        arguments, position = len(written) // 2, parameters.end()
    elif command != "DeclareMathOperator":
        count = _COUNT.match(text, position)
        if count is not None:
            arguments, position = int(count.group(1)), count.end()
            optional = re.compile(r"\s*\[").match(text, position)
            if optional is not None:
                close = _closing(text, optional.end() - 1, "[", "]")
                if close is None:
                    return None
                default, position = text[optional.end() : close], close + 1
    body = _group(text, position)
    if body is None:
        return None
    content = body[0]
    if command == "DeclareMathOperator":
        content = f"\\operatorname{match.group('star')}{{{content}}}"
    return Macro(match.start(), name, arguments, default, content.replace("\n", " "))


def _group(text: str, position: int) -> tuple[str, int] | None:
    """The content of the braced group at ``position`` (after spaces) and the end of it."""
    while position < len(text) and text[position].isspace():
        position += 1
    if position >= len(text) or text[position] != "{":
        return None
    close = _closing(text, position, "{", "}")
    return None if close is None else (text[position + 1 : close], close + 1)


def _closing(text: str, start: int, opening: str, closing: str) -> int | None:
    """The position of the bracket that closes the one at ``start`` (escaped ones skipped)."""
    depth, position = 0, start
    while position < len(text):
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return position
        position += 1
    return None


def in_force(macros: list[Macro], position: int) -> dict[str, Macro]:
    """The definitions written before ``position``, the latest of each name."""
    return {macro.name: macro for macro in macros if macro.position < position}


def expand(text: str, macros: list[Macro] | dict[str, Macro], budget: Budget | None = None) -> str:
    """``text`` with each use of a macro replaced by its text (see the module docstring); the
    text as written when the expansion does not end within the bounds.

    >>> expand("\\\\R^n", definitions("\\\\def\\\\R{\\\\mathbb{R}}"))
    '\\\\mathbb{R}^n'
    >>> expand("\\\\a", definitions("\\\\def\\\\a{\\\\a\\\\a}")) == "\\\\a"
    True
    >>> expand("\\\\renewcommand{\\\\s}{2} \\\\s", definitions("\\\\renewcommand{\\\\s}{1.5}"))
    '\\\\renewcommand{\\\\s}{2} 1.5'
    """
    table = macros if isinstance(macros, dict) else {m.name: m for m in macros}
    if not table:
        return text
    original, limit = text, len(text) + MAX_GROWTH
    expansions, position = 0, 0
    while (found := _CONTROL_WORD.search(text, position)) is not None:
        if _DEFINITION.fullmatch(found.group()):  # \renewcommand{\arraystretch}: a name, not a use
            name = _NAME.match(text, found.end())
            position = found.end() if name is None else name.end()
            continue
        macro = table.get(found.group())
        use = None if macro is None else _use(text, found.end(), macro)
        if use is None:  # not a macro, or a use whose arguments are not there: as written
            position = found.end()
            continue
        expansions += 1
        if budget is not None:
            budget.remaining -= 1
            if budget.remaining < 0:
                return original
        replacement, end = use
        replacement = _spliced(replacement, "\n" * text.count("\n", found.start(), end))
        text = _spliced(_spliced(text[: found.start()], replacement), text[end:])
        if expansions > MAX_EXPANSIONS or len(text) > limit:
            return original
        position = found.start()
    return text


def _use(text: str, position: int, macro: Macro) -> tuple[str, int] | None:
    """The replacement of a use of ``macro`` whose name ends at ``position``, and its end."""
    arguments: list[str] = []
    count = macro.arguments
    if macro.default is not None:
        optional = re.compile(r"[ \t]*\[").match(text, position)
        if optional is not None:
            close = _closing(text, optional.end() - 1, "[", "]")
            if close is None:
                return None
            arguments.append(text[optional.end() : close])
            position = close + 1
        else:
            arguments.append(macro.default)
        count -= 1
    for _ in range(count):
        argument = _argument(text, position)
        if argument is None:
            return None
        arguments.append(argument[0])
        position = argument[1]
    body = macro.body
    if not arguments:
        return body, position
    pieces = re.split(r"(##|#[1-9])", body)
    result = ""
    for piece in pieces:
        if piece == "##":
            piece = "#"
        elif re.fullmatch(r"#[1-9]", piece):
            index = int(piece[1]) - 1
            piece = arguments[index] if index < len(arguments) else piece
        result = _spliced(result, piece)
    return result, position


def _argument(text: str, position: int) -> tuple[str, int] | None:
    """An undelimited argument at ``position``: a braced group's content, a command or one
    character (spaces before it skipped)."""
    while position < len(text) and text[position].isspace():
        position += 1
    if position >= len(text) or text[position] in "}#&":
        return None
    if text[position] == "{":
        return _group(text, position)
    word = _CONTROL_WORD.match(text, position)
    if word is not None:
        return word.group(), word.end()
    if text[position] == "\\":
        return text[position : position + 2], position + 2
    return text[position], position + 1


def _spliced(left: str, right: str) -> str:
    """``left + right``, with a space between a command that ends ``left`` and a letter that
    starts ``right`` (which would otherwise join the command's name)."""
    if right[:1].isalpha() and right[:1].isascii() and re.search(r"\\[A-Za-z]+$", left):
        return left + " " + right
    return left + right

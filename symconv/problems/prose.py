"""A lecturer's prose (statements, questions, conventions, reasons) as LaTeX and as Markdown.

A statement mixes words, ``$…$`` math and formulas typed in Unicode::

    Z[i,j] = Σ_{k1,k2} W[k1,k2] X[i+k1, j+k2] (no kernel reversal), with X (6×5) below.

It is read once into :class:`Text` and :class:`Math` segments (:func:`segments`):

* ``$…$`` (and ``$$…$$``) is math as written; its Unicode symbols become LaTeX commands;
* outside it, a *formula run* — words joined by relations and operators, or holding a symbol of
  the field (``Σ``, ``×``, ``≤``, ``∂``, a Greek letter) or a sub-/superscript — is math too
  (for LaTeX); for Markdown, where Unicode prints as it is, the text stays as
  typed (a formula typed in Unicode stays one formula: :func:`prose_markdown`);
* the rest is text, whose specials (``& % _ # $ { } ~ ^ \\``) LaTeX needs escaped.

In math, a word in a sub- or superscript is set upright (``N_{\\text{mult}}``); a single letter or
an index list (``x_{ij}``) stays italic.

    >>> print(prose_tex("Z[i,j] = Σ_{k1,k2} W[k1,k2] X[i+k1, j+k2] (no reversal)"))
    $Z[i,j] = \\sum_{k1,k2}\\,\\allowbreak W[k1,k2]\\,\\allowbreak X[i+k1, j+k2]$ (no reversal)
    >>> print(prose_tex("X (6×5), 50% & #1"))
    $X$ ($6 \\times 5$), 50\\% \\& \\#1
    >>> print(prose_tex("the $N_{mult}$ products of x_1"))
    the $N_{\\text{mult}}$ products of $x_{1}$
    >>> print(prose_markdown("Z = Σ_{k1,k2} W, with $N_{mult}$ = 3×3"))
    Z = Σ_{k1,k2} W, with $N_{\\text{mult}}$ = 3×3
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from symconv.core.patterns import lazy_compile

#: Unicode symbols of the field and their LaTeX math.
SYMBOLS: dict[str, str] = {
    "−": "-", "≤": r"\leq", "≥": r"\geq", "≠": r"\neq", "≈": r"\approx", "×": r"\times",
    "·": r"\cdot", "⌊": r"\lfloor", "⌋": r"\rfloor", "⌈": r"\lceil", "⌉": r"\rceil",
    "…": r"\dots", "→": r"\to", "←": r"\leftarrow", "↦": r"\mapsto", "∂": r"\partial",
    "∇": r"\nabla", "∑": r"\sum", "∏": r"\prod", "∫": r"\int", "⊗": r"\otimes", "⊙": r"\odot",
    "∘": r"\circ", "∈": r"\in", "∉": r"\notin", "⊂": r"\subset", "∞": r"\infty", "√": r"\surd",
    "±": r"\pm", "∧": r"\wedge", "\u2228": r"\vee", "¬": r"\neg", "⇒": r"\Rightarrow",
    "⇔": r"\Leftrightarrow", "∀": r"\forall", "∃": r"\exists", "≡": r"\equiv", "∝": r"\propto",
    "⟨": r"\langle", "⟩": r"\rangle", "‖": r"\|", "°": r"^{\circ}", "\u2032": "'",
    "\u2033": "''",
    "²": "^{2}", "³": "^{3}", "⁴": "^{4}", "ᵀ": "^{T}", "⁻¹": "^{-1}", "̃": "",
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\varepsilon",
    "ϵ": r"\epsilon", "ζ": r"\zeta", "η": r"\eta", "θ": r"\theta", "\u03b9": r"\iota",
    "κ": r"\kappa", "λ": r"\lambda", "μ": r"\mu", "ν": r"\nu", "ξ": r"\xi", "π": r"\pi",
    "ρ": r"\rho", "σ": r"\sigma", "τ": r"\tau", "\u03c5": r"\upsilon", "φ": r"\phi", "ϕ": r"\phi",
    "χ": r"\chi", "ψ": r"\psi", "ω": r"\omega", "Γ": r"\Gamma", "Δ": r"\Delta",
    "Θ": r"\Theta", "Λ": r"\Lambda", "Ξ": r"\Xi", "Π": r"\Pi", "Σ": r"\Sigma",
    "\u03a5": r"\Upsilon", "Φ": r"\Phi", "Ψ": r"\Psi", "Ω": r"\Omega", "✓": r"\checkmark",
    "✗": r"\times",
}  # fmt: skip
#: Subscript digits and letters typed in Unicode (``x₁``).
SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉ᵢⱼₖₘₙₚₛₜ", "0123456789ijkmnpst", strict=True))
#: Punctuation that is the same in text and in LaTeX.
_TEXT_PUNCTUATION = {"–": "--", "—": "---", "\u201c": "``", "\u201d": "''", "\u2018": "`"}
_TEXT_PUNCTUATION |= {"\u2019": "'", "\u00a0": "~", "…": r"\ldots{}"}
#: ASCII characters LaTeX text mode needs escaped.
TEX_SPECIAL: dict[str, str] = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
}  # fmt: skip
#: Names that are functions or operators in math (set upright).
OPERATOR_NAMES = {
    "max": r"\max", "min": r"\min", "exp": r"\exp", "log": r"\log", "ln": r"\ln",
    "sin": r"\sin", "cos": r"\cos", "tan": r"\tan", "tanh": r"\tanh", "det": r"\det",
    "sup": r"\sup", "inf": r"\inf", "lim": r"\lim", "mod": r"\bmod", "sum": r"\sum",
    "prod": r"\prod", "argmax": r"\operatorname{argmax}", "argmin": r"\operatorname{argmin}",
    "floor": r"\operatorname{floor}", "ceil": r"\operatorname{ceil}",
    "relu": r"\operatorname{relu}", "rot180": r"\operatorname{rot180}",
}  # fmt: skip
GREEK_NAMES = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi",
    "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Phi", "Psi", "Omega",
}  # fmt: skip
#: Two-letter sub-/superscripts that are words, not index pairs (``N_{in}``).
SHORT_WORDS = {"in", "ok", "up"}

_CJK = lazy_compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")
#: Characters that make a word a formula on their own.
_STRONG = set(SYMBOLS) - {"…", "\u2032", "\u2033", "̃"} | set(SUBSCRIPTS) | set("=<>")
_LATIN_ACCENTED = lazy_compile(r"[\u00c0-\u00ff\u0100-\u017f]")


@dataclass(frozen=True)
class Text:
    """Words, printed as text."""

    text: str


@dataclass(frozen=True)
class Math:
    """A formula, already LaTeX math (without the ``$``)."""

    latex: str


@dataclass(frozen=True)
class Code:
    """A file name, path or code identifier (``prob_cnn.tex``), printed in typewriter type."""

    text: str


Segment = Text | Math | Code


# -- reading ------------------------------------------------------------------------------------
def segments(text: str) -> tuple[Segment, ...]:
    """The prose as text and math segments (see the module docstring).

    >>> segments("cost $C K^2$ for 3×3")
    (Text(text='cost '), Math(latex='C K^{2}'), Text(text=' for '), Math(latex='3 \\\\times 3'))
    """
    out: list[Segment] = []
    for piece, is_math in _dollar_split(text):
        if is_math:
            out.append(Math(math_latex(piece)))
        else:
            out.extend(_formula_runs(piece))
    return _merged(out)


def _dollar_split(text: str) -> list[tuple[str, bool]]:
    """``$…$``/``$$…$$`` spans (math) and the text between them; an unpaired ``$`` is text."""
    pieces: list[tuple[str, bool]] = []
    position = 0
    pattern = re.compile(r"(?<!\\)(\$\$?)(.+?)(?<!\\)\1", re.DOTALL)
    for match in pattern.finditer(text):
        if match.start() > position:
            pieces.append((text[position : match.start()], False))
        pieces.append((match.group(2), True))
        position = match.end()
    if position < len(text):
        pieces.append((text[position:], False))
    return [(piece.replace(r"\$", "$"), False) if not m else (piece, m) for piece, m in pieces]


def _words(text: str) -> list[str]:
    """Split at spaces, keeping each run of spaces as an item; a bracket attached to what comes
    before it (``X[i+k1, j+k2]``, ``max(0, z)``) holds its spaces."""
    words: list[str] = []
    current = ""
    depth = 0
    for char in text:
        if char.isspace() and depth == 0:
            if current:
                words.append(current)
                current = ""
            if words and words[-1].isspace():
                words[-1] += char
            else:
                words.append(char)
            continue
        if char in "([{" and (depth or (current and current[-1] not in "([{")):
            depth += 1
        elif char in ")]}" and depth:
            depth -= 1
        current += char
    if current:
        words.append(current)
    return words


_PAIRS = {"(": ")", "[": "]", "{": "}"}


def _peel(word: str) -> tuple[str, str, str]:
    """``(leading punctuation, core, trailing punctuation)``: a bracket stays with the core only
    when it is balanced there (``x[j],`` → ``x[j]`` + ``,``; ``(6×5)`` → ``(`` + ``6×5`` +
    ``)``; ``f(x).`` → ``f(x)`` + ``.``)."""
    start, end = 0, len(word)
    while True:
        core = word[start:end]
        if not core:  # all punctuation (``…``, ``--``): nothing left to peel
            return word, "", ""
        quoted = word[:1] in "\"'"
        if core[:1] in _PAIRS and core.endswith(_PAIRS[core[0]]) and _matched(core):
            start, end = start + 1, end - 1
        elif (
            core[-1:] in ".,;:!?"
            or (core[-1:] in "'\"" and (quoted or not core[:-1]))
            or (core[-1:] in ")]}" and not _balanced_in(core))
        ):
            end -= 1
        elif core[:1] in "\"'" or (core[:1] in "([{" and not _balanced_in(core)):
            start += 1
        else:
            return word[:start], core, word[end:]


def _balanced_in(core: str) -> bool:
    return all(core.count(o) == core.count(c) for o, c in _PAIRS.items())


def _matched(core: str) -> bool:
    """Whether the first character's bracket closes at the last character."""
    depth = 0
    for index, char in enumerate(core):
        depth += (char == core[0]) - (char == _PAIRS[core[0]])
        if depth == 0:
            return index == len(core) - 1
    return False


_NUMBER = lazy_compile(r"-?\d+(\.\d+)?")
_OPERAND = lazy_compile(r"\d*[A-Za-z]\d*'*|\d*[A-Za-z]\w*'*[\[(].*[\])]|\|[^|]+\|")
_OPERATOR = {"+", "-", "*", "/", "=", "<", ">", "|", "^", "…", ".."}
#: A file name, a path or a code identifier (``prob_cnn.tex``, ``output_padding``): text.
_CODE = lazy_compile(r"[\w./-]*[A-Za-z]{3,}[\w-]*[_./][\w./-]*[A-Za-z]{3,}[\w./-]*")
Kind = Literal["strong", "operand", "number", "short", "code", "word"]


def _kind(core: str) -> Kind:
    """How a word takes part in a formula: ``strong`` makes one (a symbol, a relation, a
    script), ``operand`` joins one (``X``, ``k1``, ``W[k1,k2]``, ``alpha``), ``number`` and
    ``short`` (``a``, ``Cx``) join one next to an operator, ``code`` and ``word`` are prose."""
    if not core:
        return "word"
    if _CODE.fullmatch(core) and not any(char in _STRONG for char in core):
        return "code"
    if any(char in _STRONG for char in core) or core in _OPERATOR:
        return "strong"
    if re.search(r"[\w')\]}][_^][\w{(|]|\w[+*/=<>]\w", core):
        return "strong"
    if _NUMBER.fullmatch(core):
        return "number"
    if core in ("a", "A", "I") or re.fullmatch(r"[A-Za-z]{2}", core):
        return "short"
    if core in GREEK_NAMES or _OPERAND.fullmatch(core):
        return "operand"
    return "word"


def _is_operator(core: str) -> bool:
    """A word that is only an operator or a relation (``=``, ``≤``, ``+``)."""
    return core in _OPERATOR or (len(core) == 1 and core in _STRONG and core in SYMBOLS)


def _formula_runs(text: str) -> list[Segment]:
    words = _words(text)
    out: list[Segment] = []
    run: list[str] = []  # a formula's words and the spaces between them
    strong = False

    def close() -> None:
        nonlocal strong
        spaces: list[str] = []
        while run and run[-1].isspace():
            spaces.insert(0, run.pop())
        cores = [w for w in run if not w.isspace()]
        if cores and (strong or (len(cores) == 1 and _kind(cores[0]) == "operand")):
            out.append(Math(math_latex("".join(run), typed=True)))
        elif cores:
            out.append(Text("".join(run)))
        run.clear()
        strong = False
        out.extend(Text(space) for space in spaces)

    for position, word in enumerate(words):
        if word.isspace():
            if run:
                run.append(word)
            else:
                out.append(Text(word))
            continue
        leading, core, trailing = _peel(word)
        kind = _kind(core)
        after_operator = bool(run) and _is_operator(run[-2] if run[-1].isspace() else run[-1])
        if kind == "operand" and _is_initial(core, trailing, words, position):
            kind = "word"
        if kind == "code":
            close()
            out += [Text(leading), Code(core), Text(trailing)]
            continue
        joins = kind in ("strong", "operand") or (
            kind in ("number", "short")
            and (after_operator or _operator_follows(words, position, kind))
        )
        if kind == "number" and run:
            joins = True
        if not joins:
            close()
            out.append(Text(word))
            continue
        if leading:
            close()
            out.append(Text(leading))
        run.append(core)
        strong |= kind == "strong"
        if trailing:
            close()
            out.append(Text(trailing))
    close()
    return out


def _is_initial(core: str, trailing: str, words: list[str], position: int) -> bool:
    """An author's initial (``S. Rangan``), not a variable."""
    following = [w for w in words[position + 1 : position + 3] if not w.isspace()]
    return (
        len(core) == 1
        and core.isupper()
        and trailing == "."
        and bool(following)
        and following[0][:1].isupper()
    )


def _operator_follows(words: list[str], position: int, kind: Kind) -> bool:
    """Whether the word after this one makes a formula of it: ``2 × 2``, ``a = 1``."""
    following = [w for w in words[position + 1 : position + 3] if not w.isspace()]
    if not following:
        return False
    core = _peel(following[0])[1]
    return _is_operator(core) if kind == "short" else _kind(core) == "strong"


def _merged(parts: list[Segment]) -> tuple[Segment, ...]:
    merged: list[Segment] = []
    for part in parts:
        if isinstance(part, Text) and not part.text:
            continue
        if merged and isinstance(part, Text) and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text + part.text)
        else:
            merged.append(part)
    return tuple(merged)


# -- math ---------------------------------------------------------------------------------------
#: Commands whose braced argument is text, kept as written.
_TEXT_COMMANDS = {"text", "mathrm", "operatorname", "textrm", "mbox", "mathit", "textit"}
_TOKEN = lazy_compile(
    r"(?P<command>\\(?:[A-Za-z]+|.))|(?P<script>[_^])|(?P<name>[A-Za-z][A-Za-z0-9]*)"
    r"|(?P<space>\s+)|(?P<other>.)",
    re.DOTALL,
)


def math_latex(formula: str, typed: bool = False) -> str:
    """A formula typed in Unicode and ASCII, as LaTeX math: symbols → commands, scripts braced,
    words in scripts upright, operator names upright, Greek names as letters.

    >>> print(math_latex("∂J/∂U[i,j1] ≤ N_mult·k²"))
    \\partial J/\\partial U[i,j1] \\leq N_{\\text{mult}} \\cdot k^{2}
    >>> print(math_latex("T[alpha, j] = o_j^alpha / alpha! with max(0, x_{ij})"))
    T[\\alpha, j] = o_{j}^{\\alpha} / \\alpha! \\text{ with } \\max(0, x_{ij})
    """
    return _balanced(_math_tokens(_symbols(_CJK.sub("", formula)), typed))


#: Symbols set between operands, spaced from them in the LaTeX text (``6 \\times 5``).
_OPERATOR_COMMANDS = {SYMBOLS[c] for c in "≤≥≠≈×·→←↦∈∉⊂⊗⊙∘±∧\u2228⇒⇔≡∝"}


def _symbols(formula: str) -> str:
    """Unicode symbols as commands (spaced from letters), Unicode subscripts as ``_{…}``."""
    out = ""
    index = 0
    formula = formula.replace("⁻¹", "^{-1}")
    formula = re.sub(r"(?<=\w)\*(?=\w)", " ", formula)  # 2*k: a product, not a convolution
    while index < len(formula):
        char = formula[index]
        if char in SUBSCRIPTS:
            run = ""
            while index < len(formula) and formula[index] in SUBSCRIPTS:
                run += SUBSCRIPTS[formula[index]]
                index += 1
            out += f"_{{{run}}}"
            continue
        if char in SYMBOLS:
            command = SYMBOLS[char]
            if char == "Σ" and re.match(r"Σ(_|\^|\s+[A-Za-z\\(])", formula[index:]):
                command = r"\sum"  # Σ_k x_k, Σ w[k] x[k]: the summation sign
            following = formula[index + 1 : index + 2]
            if command in _OPERATOR_COMMANDS and out and (out[-1].isalnum() or out[-1] in ")]}"):
                command = " " + command
            if (
                command.startswith(("\\", " \\"))
                and command[-1].isalpha()
                and following.isascii()
                and following.isalnum()
            ):
                command += " "
            out += command
        elif char in "%#&":
            out += "\\" + char
        elif char == "~":
            out += r"\sim "
        elif ord(char) < 128 or _LATIN_ACCENTED.match(char):
            out += char
        index += 1
    return out


def _math_tokens(formula: str, typed: bool = False) -> str:
    """The formula's names, scripts and commands as LaTeX; in a formula typed as text
    (``typed``), a space between two factors is a thin space where the line may break
    (``W[k] X[i]`` → ``W[k]\\,\\allowbreak X[i]``)."""
    out: list[str] = []
    tokens = list(_TOKEN.finditer(formula))
    index = 0
    while index < len(tokens):
        token = tokens[index]
        kind, value = token.lastgroup, token.group(0)
        if kind == "command" and value[1:] in _TEXT_COMMANDS:
            argument, index = _argument(tokens, index + 1)
            out.append(value + argument)
            continue
        if kind == "script":
            argument, index = _argument(tokens, index + 1)
            out.append(value + _script(argument))
            continue
        if kind == "space" and typed and _between_factors(out, tokens, index):
            out.append(r"\,\allowbreak ")  # a line of text may break between factors
            index += 1
            continue
        if kind == "name":
            before = tokens[index - 1].group(0) if index else ""
            after = tokens[index + 1].group(0) if index + 1 < len(tokens) else ""
            if value in ("sum", "prod") and after not in ("_", "^"):
                out.append(rf"\text{{{value}}}")  # the word; sum_j is the operator
            else:
                out.append(_identifier(value, before.isspace(), after.isspace()))
        else:
            out.append(value)
        index += 1
    return "".join(out)


def _between_factors(out: list[str], tokens: list[re.Match[str]], index: int) -> bool:
    """Whether a space separates two factors: after a name, number, bracket or script, before
    a name, number or symbol that is not an operator."""
    done = "".join(out).rstrip()
    following = tokens[index + 1].group(0) if index + 1 < len(tokens) else ""
    if not done or not following or re.search(r"\\[A-Za-z]+$", done):
        return False  # after a command, a space only ends its name (\\partial J)
    if not (done[-1].isalnum() or done[-1] in ")]}'"):
        return False
    if following.startswith("\\"):
        return following not in _OPERATOR_COMMANDS and following not in (r"\dots", r"\ldots")
    return following[0].isalnum()


def _argument(tokens: list[re.Match[str]], index: int) -> tuple[str, int]:
    """The argument starting at ``tokens[index]``: a braced group (as written), or one name or
    digit run; and the index after it."""
    if index >= len(tokens):
        return "", index
    if tokens[index].group(0) == "|":  # h^|alpha|: the bars and what they hold
        end = next((k for k in range(index + 1, len(tokens)) if tokens[k].group(0) == "|"), None)
        if end is not None:
            return "{" + "".join(t.group(0) for t in tokens[index : end + 1]) + "}", end + 1
    if tokens[index].group(0) != "{":
        return tokens[index].group(0), index + 1
    depth, text = 0, ""
    while index < len(tokens):
        value = tokens[index].group(0)
        depth += (value == "{") - (value == "}")
        text += value
        index += 1
        if depth == 0:
            break
    return text, index


def _script(argument: str) -> str:
    """A sub-/superscript, braced: a word upright, a Greek name as its letter."""
    inner = argument[1:-1] if argument.startswith("{") and argument.endswith("}") else argument
    if re.fullmatch(r"[A-Za-z]+", inner):
        if inner in GREEK_NAMES:
            return f"{{\\{inner}}}"
        if is_word(inner):
            return f"{{\\text{{{inner}}}}}"
        return f"{{{inner}}}"
    return "{" + _math_tokens(inner) + "}"


def is_word(letters: str) -> bool:
    """Whether a sub-/superscript of letters is a word (``mult``, ``in``), not indices (``ij``).

    >>> [is_word(s) for s in ("mult", "params", "in", "ij", "uv", "alpha")]
    [True, True, True, False, False, False]
    """
    if letters in GREEK_NAMES:
        return False
    return len(letters) >= 3 or letters in SHORT_WORDS


def _identifier(name: str, space_before: bool, space_after: bool) -> str:
    """A name in a formula: an operator upright (``\\max``), a Greek name as its letter, a word
    of three or more letters as text (keeping the spaces around it); ``k1``, ``ij`` stay."""
    if name in OPERATOR_NAMES:
        return OPERATOR_NAMES[name]
    if name in GREEK_NAMES:
        return "\\" + name
    if re.fullmatch(r"[A-Za-z]{3,}", name):
        return rf"\text{{{' ' * space_before}{name}{' ' * space_after}}}"
    return name


def subscript_words(latex: str) -> str:
    """LaTeX math with each word in a sub- or superscript set upright (``N_{\\text{mult}}``).

    >>> print(subscript_words(r"N_{mult} = C K_{1} x_{ij} + 2^{in}"))
    N_{\\text{mult}} = C K_{1} x_{ij} + 2^{\\text{in}}
    """
    return re.sub(
        r"([_^])\{([A-Za-z]+)\}",
        lambda m: f"{m.group(1)}{{\\text{{{m.group(2)}}}}}" if is_word(m.group(2)) else m.group(0),
        latex,
    )


def _balanced(latex: str) -> str:
    """Unpaired braces escaped (a formula typed as text may hold one)."""
    depth = 0
    for char in re.sub(r"\\.", "", latex):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            break
    if depth == 0:
        return latex
    return re.sub(r"(?<!\\)([{}])", r"\\\1", latex)


# -- printing -----------------------------------------------------------------------------------
def tex_text(text: str) -> str:
    """Plain text for pdflatex: specials escaped, symbols as math, CJK left out (no font in
    pdflatex), with the brackets that held only it.

    >>> print(tex_text("3×3 kernel, 50% of x_1 (宽卷积) — café"))
    3\\ensuremath{\\times}3 kernel, 50\\% of x\\_1 --- café
    """
    out = []
    text = re.sub(r"\s*[(\uff08]\s*[)\uff09]", "", _CJK.sub("", text))
    for char in text:
        if char in TEX_SPECIAL:
            out.append(TEX_SPECIAL[char])
        elif char in _TEXT_PUNCTUATION:
            out.append(_TEXT_PUNCTUATION[char])
        elif char in SYMBOLS:
            out.append(rf"\ensuremath{{{SYMBOLS[char]}}}")
        elif char in SUBSCRIPTS:
            out.append(rf"\ensuremath{{_{{{SUBSCRIPTS[char]}}}}}")
        elif ord(char) < 128 or _LATIN_ACCENTED.match(char):
            out.append(char)
        else:
            out.append("?")
    return "".join(out)


def prose_tex(text: str) -> str:
    """Prose as LaTeX text with its formulas as math (see the module docstring).

    >>> print(prose_tex("see unit10_cnn/prob.tex"))
    see \\texttt{unit10\\_\\allowbreak{}cnn/\\allowbreak{}prob.tex}
    """
    out = []
    for part in segments(text.strip()):
        if isinstance(part, Math):
            out.append(f"${part.latex}$")
        elif isinstance(part, Code):
            escaped = re.sub(r"(\\_|/)", r"\1\\allowbreak{}", tex_text(part.text))
            out.append(rf"\texttt{{{escaped}}}")
        else:
            out.append(tex_text(part.text))
    return "".join(out)


def prose_markdown(text: str) -> str:
    """Prose as Markdown: ``$…$`` kept (words in its scripts upright), the rest as typed —
    Unicode renders in Markdown, and a formula typed in Unicode (``Σ_{k1} Σ_{k2} W[k1,k2]``)
    stays one formula for a reader and for ``symconv check`` (cut into ``$\\sum_{k1}$``
    islands it read as sums of nothing).

    >>> print(prose_markdown("Z = Σ_{k1} Σ_{k2} W[k1,k2] and $N_{params}$ parameters"))
    Z = Σ_{k1} Σ_{k2} W[k1,k2] and $N_{\\text{params}}$ parameters
    """
    return "".join(
        f"${math_latex(piece)}$" if is_math else piece
        for piece, is_math in _dollar_split(text.strip())
    )

"""LaTeX as plain math for a terminal: what a student reads in ``symconv check``'s text report.

Messages, expected values and witnesses are written in LaTeX (the annotated Markdown and the JSON
keep it, for renderers that typeset it); a terminal shows them through :func:`plain_math`, which
drops sizing and spacing commands (``\\left(``, ``\\,``, ``{,}``), writes operators and Greek
letters as the Unicode symbols they stand for, fractions as ``a/b`` and matrices as nested
brackets. It is a printer, never a reader: nothing here decides a verdict.

    >>> print(plain_math(r"\\left\\lfloor{\\frac{6 + 2 \\cdot 0 - 1}{1}}\\right\\rfloor + 1"))
    ⌊(6 + 2 · 0 − 1)/1⌋ + 1
    >>> print(plain_math(r"5{,}898{,}240 \\times 10^{3}"))
    5,898,240 × 10^3
    >>> print(plain_math(r"\\frac{\\partial J}{\\partial W[k_{1}]} = \\sum_{i=0}^{I} \\delta_{i}"))
    ∂J/∂W[k_1] = Σ_{i=0}^I δ_i
    >>> print(plain_math(r"\\begin{bmatrix} w_{11} & 0 \\\\ 0 & w_{2} \\end{bmatrix}"))
    [[w_11, 0], [0, w_2]]
    >>> print(plain_math(r"\\sigma'(z) = \\sigma(z)\\left(1 - \\sigma(z)\\right)"))
    σ'(z) = σ(z)(1 − σ(z))
    >>> print(plain_math(r"\\left(- d k\\right) + e^{-z}"))
    (− d k) + e^{−z}
"""

from __future__ import annotations

import re
import unicodedata

from symconv.core.patterns import lazy_compile

__all__ = ["plain_math"]


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: Commands printed as one Unicode symbol (operators, relations, Greek letters, delimiters).
_SYMBOLS: dict[str, str] = {
    "cdot": "·", "times": "×", "div": "÷", "pm": "±", "mp": "∓", "ast": "∗", "star": "⋆",
    "circ": "∘", "odot": "⊙", "otimes": "⊗", "oplus": "⊕",
    "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈",
    "sim": "\N{TILDE OPERATOR}", "equiv": "≡", "propto": "∝", "coloneqq": ":=", "to": "→",
    "rightarrow": "→",
    "leftarrow": "←", "mapsto": "↦", "Rightarrow": "⇒", "implies": "⇒", "iff": "⇔",
    "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆", "cup": "\N{UNION}", "cap": "∩",
    "wedge": "∧", "land": "∧", "vee": "\N{LOGICAL OR}", "lor": "\N{LOGICAL OR}", "neg": "¬",
    "lnot": "¬", "bmod": "mod",
    "forall": "∀", "exists": "∃", "infty": "∞", "partial": "∂", "part": "∂", "nabla": "∇",
    "sum": "Σ", "prod": "Π", "int": "∫", "sqrt": "√",
    "ldots": "…", "dots": "…", "cdots": "⋯", "vdots": "⋮", "ddots": "⋱",
    "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "langle": "⟨", "rangle": "⟩",
    "mid": "|", "vert": "|", "lvert": "|", "rvert": "|", "Vert": "‖", "|": "‖",
    "{": "{", "}": "}", "%": "%", "&": "&", "#": "#", "_": "_", "$": "$",
    "prime": "\N{PRIME}", "top": "ᵀ", "intercal": "ᵀ", "ell": "ℓ",
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "kappa": "κ",
    "iota": "\N{GREEK SMALL LETTER IOTA}",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ",
    "tau": "τ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "upsilon": "\N{GREEK SMALL LETTER UPSILON}",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
    "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}  # fmt: skip

#: Commands that only size or space: dropped (``\\left(`` keeps its parenthesis).
_DROPPED = _names(
    "left right bigl bigr Bigl Bigr biggl biggr big Big bigg Bigg displaystyle textstyle limits "
    "nolimits nonumber notag"
)
#: Spacing commands: one space.
_SPACES = frozenset({",", ";", ":", "!", " ", "quad", "qquad", "enspace", "thinspace"})
#: Commands whose one argument is printed as it stands (fonts, words, accents).
_CONTENT = _names(
    "text textrm textit textbf mathrm mathit mathbf mathsf mathtt mathcal mathbb boldsymbol bm "
    "operatorname underline mbox substack"
)
#: Accents, as the combining mark that sets them on a letter: ``\\hat{y}`` is ``ŷ`` (a report
#: that prints ``∂L/∂y = y − y`` for ``∂L/∂ŷ = ŷ − y`` hides what the line says). Over more than
#: one character the accent is left out, as before.
_ACCENTS = {
    "hat": "\u0302", "widehat": "\u0302", "tilde": "\u0303", "widetilde": "\u0303",
    "bar": "\u0304", "overline": "\u0304", "dot": "\u0307", "ddot": "\u0308", "vec": "\u20d7",
}  # fmt: skip
_MATRIX_ENVIRONMENTS = frozenset(
    {"matrix", "bmatrix", "pmatrix", "Bmatrix", "vmatrix", "Vmatrix", "smallmatrix", "array"}
)
_COMMAND = lazy_compile(r"\\([A-Za-z]+|.)")
#: Commands that stick to what follows (``\\partial J`` is ``∂J``).
_PREFIXES = frozenset({"partial", "part", "nabla"})
#: Binary operators and relations: printed with a space on each side.
_SPACED = _names(
    "cdot times div pm mp ast star circ odot otimes oplus leq le geq ge neq ne approx sim equiv "
    "propto coloneqq to rightarrow leftarrow mapsto Rightarrow implies iff in notin subset "
    "subseteq cup cap mid wedge land vee lor bmod"
)


def plain_math(latex: str) -> str:
    """``latex`` as plain Unicode math (module docstring); text without LaTeX is unchanged.

    >>> plain_math("1830 is not the answer to nyu-cnn-3d")
    '1830 is not the answer to nyu-cnn-3d'
    >>> plain_math(r"\\frac{\\partial L}{\\partial \\hat{y}_n} = \\frac{2}{N}(\\hat y_n - y_n)")
    '∂L/∂ŷ_n = 2/N(ŷ_n − y_n)'
    """
    if "\\" not in latex and "{" not in latex and "^" not in latex and "_" not in latex:
        return latex
    printed = _Printer(latex).group(until=None)
    printed = printed.replace(" - ", " − ")
    printed = re.sub(r"(?<=[\s(\[={^_])-(?=[\w(\s])", "−", printed)
    printed = re.sub(r"(?<=[(\[{]) +| +(?=[)\]}])", "", printed)
    # NFC: a letter and its accent as one character where Unicode has one (ŷ, x̄ stays two)
    return unicodedata.normalize("NFC", re.sub(r"[ \t]{2,}", " ", printed).strip())


class _Printer:
    """A left-to-right pass over the LaTeX source with a position; each method prints one
    construct and leaves the position after it."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.at = 0

    def group(self, until: str | None) -> str:
        """Print up to the closing ``until`` (``}``), or to the end (``until`` None)."""
        out: list[str] = []
        while self.at < len(self.source):
            char = self.source[self.at]
            if until is not None and char == until:
                self.at += 1
                break
            out.append(self.piece())
        return "".join(out)

    def argument(self) -> str:
        """One argument: a braced group, or a single command or character."""
        while self.at < len(self.source) and self.source[self.at] == " ":
            self.at += 1
        if self.at >= len(self.source):
            return ""
        if self.source[self.at] == "{":
            self.at += 1
            return self.group(until="}")
        return self.piece()

    def piece(self) -> str:
        char = self.source[self.at]
        if char == "\\":
            return self.command()
        if char == "{":
            self.at += 1
            inner = self.group(until="}")
            return "," if inner == "," else inner
        if char in "_^":
            self.at += 1
            script = self.argument().strip()
            plain_token = len(script) == 1 or re.fullmatch("[\\w\N{PRIME}']+", script) is not None
            return f"{char}{script}" if plain_token else f"{char}{{{script}}}"
        if char == "&":
            self.at += 1
            return " "
        if char == "~":
            self.at += 1
            return " "
        self.at += 1
        return char

    def command(self) -> str:
        match = _COMMAND.match(self.source, self.at)
        if match is None:  # a lone backslash at the end
            self.at += 1
            return ""
        name = match.group(1)
        self.at = match.end()
        if name in _PREFIXES or name in _DROPPED:  # ∂J, \left (: no space after them
            while self.at < len(self.source) and self.source[self.at] == " ":
                self.at += 1
        if name == "\\":
            return "; "
        if name in _DROPPED:
            if self.source.startswith(".", self.at):
                self.at += 1  # \left. prints nothing
            return ""
        if name in _SPACES:
            return " "
        if name in ("frac", "dfrac", "tfrac"):
            return _fraction(self.argument(), self.argument())
        if name == "sqrt":
            return f"√{_wrapped(self.argument())}"
        if name in _CONTENT:
            return self.argument()
        if name in _ACCENTS:
            accented = self.argument()
            return accented + _ACCENTS[name] if len(accented) == 1 else accented
        if name == "begin":
            return self.environment(self.argument())
        if name == "end":
            self.argument()
            return ""
        if name in _SYMBOLS:
            return f" {_SYMBOLS[name]} " if name in _SPACED else _SYMBOLS[name]
        return name  # an operator name the printer does not know (\max, \log, \exp): its word

    def environment(self, name: str) -> str:
        """A matrix as nested brackets; any other environment as its rows, ``;``-separated."""
        if name == "array":
            self.argument()  # the column specification
        body_start = self.at
        end = self.source.find(f"\\end{{{name}}}", body_start)
        end = len(self.source) if end < 0 else end
        body = self.source[body_start:end]
        self.at = min(len(self.source), end + len(f"\\end{{{name}}}"))
        rows = [row for row in re.split(r"\\\\", body) if row.strip()]
        if name in _MATRIX_ENVIRONMENTS:
            printed = [[plain_math(cell).strip() for cell in row.split("&")] for row in rows]
            return "[" + ", ".join("[" + ", ".join(row) + "]" for row in printed) + "]"
        return "; ".join(plain_math(row.replace("&", " ")) for row in rows)


def _fraction(numerator: str, denominator: str) -> str:
    return f"{_wrapped(numerator)}/{_wrapped(denominator)}"


def _wrapped(text: str) -> str:
    """``text`` alone when it is one token (``6``, ``∂J``, ``x_1``), else in parentheses."""
    text = text.strip()
    if re.fullmatch(
        "[∂]?(?:[\\w.\N{PRIME}'][\u0300-\u036f\u20d7]?)+(_\\{?[\\w,]+\\}?)?(\\[[^\\[\\]]*\\])?",
        text,
    ):
        return text
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        return text
    return f"({text})"

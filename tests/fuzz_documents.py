"""Random solutions for fuzzing ``symconv check``: Markdown/LaTeX built from the grammar's own
pieces (symconv/check/latex_grammar.lark, symconv/check/vocabulary.py), mangled by random edits,
or random bytes decoded as UTF-8.

One generator, driven by a :class:`random.Random`, serves the property test
(tests/check/test_check_fuzz.py, where hypothesis supplies the seeded ``Random``) and the long run
(tools/fuzz_checker.py). It imports nothing from symconv, so the fuzzer's idea of the grammar is
independent of the checker's.

    >>> import random
    >>> a, b = random_document(random.Random(7)), random_document(random.Random(7))
    >>> a == b, isinstance(a, str)
    (True, True)
"""

from __future__ import annotations

import random

# Terminals of the grammar, spelled as a student would write them.
RELATIONS = ["=", "=", "=", "\\approx", ":=", "\\le", "\\ge", "<", ">", "\\neq", "\\in", "\\to",
             "\\equiv", "\\propto", "\\sim", "≈", "≠", "≤"]  # fmt: skip
MULOPS = ["\\cdot", "\\times", "*", "/", "\\ast", "\\odot", "\\otimes", "\\div", "\\bmod", "×"]
ADDOPS = ["+", "-", "+", "\\pm", "−"]
NAMES = ["x", "w", "y", "z", "b", "k", "i", "j", "n", "m", "H", "W", "C", "K", "X", "Y", "Z",
         "L", "N", "S", "P", "D", "O", "o", "s", "p", "d", "a", "f", "g"]  # fmt: skip
WORD_SUBSCRIPTS = ["in", "out", "max", "eff", "pad", "ker", "conv", "pool"]
GREEK = ["\\alpha", "\\beta", "\\sigma", "\\delta", "\\lambda", "\\mu", "\\theta", "\\eta",
         "\\Delta", "\\Sigma", "\\pi", "\\epsilon", "\\infty"]  # fmt: skip
FUNCTIONS = ["\\exp", "\\log", "\\ln", "\\sin", "\\cos", "\\tanh", "\\max", "\\min",
             "\\operatorname{ReLU}", "\\operatorname{relu}", "\\operatorname{Ceil}", "\\sigma",
             "\\text{floor}", "\\mathrm{conv}", "\\operatorname{rot180}"]  # fmt: skip
BIGOPS = ["\\sum", "\\prod", "\\max", "\\min", "\\sum\\limits", "\\int"]
FONTS = ["\\mathbf", "\\mathrm", "\\boldsymbol", "\\mathcal", "\\hat", "\\tilde", "\\bar",
         "\\vec", "\\mathbb"]  # fmt: skip
MATRICES = ["bmatrix", "pmatrix", "matrix", "vmatrix", "array"]
ENVIRONMENTS = ["aligned", "align*", "align", "equation", "gather", "split", "cases"]
SEPARATORS = [", ", "; ", ". ", "\\quad ", "\\qquad ", "\\text{ so } ", "\\implies ",
              "\\Rightarrow ", "\\text{ for } ", " \\\\ "]  # fmt: skip
ODDITIES = ["\\left(", "\\right)", "\\left[", "\\right]", "\\{", "\\}", "|", "\\|", "&", "\\\\",
            "{", "}", "(", ")", "[", "]", "^", "_", "'", "!", "\\lfloor", "\\rfloor", "\\lceil",
            "\\rceil", "\\partial", "\\nabla", "\\dots", "\\cdots", "\\ldots", "\\top", "\\prime",
            "\\frac", "\\sqrt", "\\binom", "\\begin{bmatrix}", "\\end{bmatrix}", "$", "$$",
            "\\def", "\\input", "\\write18", "\\newcommand", "\\unknowncmd", "%", "#", "~",
            "\\,", "\\!", "\\;", "\\ ", "\\mathbf", "\\end{aligned}", "\\begin{cases}", "\x00",
            "\ufeff", "\u200b", "\U0001d465", "\U0001f642", "\r", "\t"]  # fmt: skip
PROSE = [
    "The output size is",
    "so",
    "Hence",
    "**Answer:**",
    "We get",
    "where",
    "Check:",
    "Part (b):",
    "- ",
    "1. ",
    "> ",
    "Using the chain rule,",
    "Since stride is 2,",
    "`code`",
    "```python\nprint(1)\n```",
    "<br>",
    "[link](http://x)",
    "| a | b |\n|---|---|",
]
HEADINGS = ["## 1", "## 2", "### (a)", "### (b)", "### (e)", "# Problem 3", "## Exercise 2.1",
            "### Part c"]  # fmt: skip


def number(rng: random.Random) -> str:
    """A number literal: integer, decimal, grouped, scientific, huge or negative-exponent."""
    kind = rng.randrange(9)
    if kind == 0:
        return str(rng.randrange(10))
    if kind == 1:
        return str(rng.randrange(1000))
    if kind == 2:
        return f"{rng.randrange(100)}.{rng.randrange(1000)}"
    if kind == 3:
        return "{,}".join(str(rng.randrange(100, 1000)) for _ in range(rng.randrange(2, 5)))
    if kind == 4:
        sign = rng.choice(["", "-"])
        return f"{rng.randrange(1, 10)}.{rng.randrange(100)}e{sign}{rng.randrange(40)}"
    if kind == 5:
        return f"{rng.randrange(1, 10)} \\times 10^{{{rng.randrange(-12, 30)}}}"
    if kind == 6:
        return rng.choice(["0", "1", "2", "1e400", "10^{10^{10}}", "2^{64}", "9999999999999999"])
    if kind == 7:
        return str(rng.randrange(10**30))
    return f"{rng.randrange(1, 64)}"


def identifier(rng: random.Random) -> str:
    """A name, possibly indexed: ``x_{12}``, ``w[i, j]``, ``C_{in}``, ``\\alpha``, ``Z^{(2)}``."""
    base = rng.choice(NAMES) if rng.random() < 0.8 else rng.choice(GREEK)
    kind = rng.randrange(8)
    if kind == 0:
        return base
    if kind == 1:
        return f"{base}_{{{rng.randrange(1, 5)}{rng.randrange(1, 5)}}}"
    if kind == 2:
        return f"{base}_{rng.randrange(10)}"
    if kind == 3:
        return f"{base}_{{{rng.choice(WORD_SUBSCRIPTS)}}}"
    if kind == 4:
        indices = ", ".join(rng.choice(["i", "j", "k", "m", "n", "0", "1", "2", "i+m", "2i-1"])
                            for _ in range(rng.randrange(1, 4)))  # fmt: skip
        return f"{base}[{indices}]"
    if kind == 5:
        return f"{base}_{{{rng.choice('ijkmn')},{rng.choice('ijkmn')}}}"
    if kind == 6:
        return f"{base}^{{({rng.randrange(1, 4)})}}"
    return f"{rng.choice(FONTS)}{{{base}}}"


def expression(rng: random.Random, depth: int = 0) -> str:
    """An expression built from the grammar's productions, nested at most a few levels."""
    if depth > 3 or rng.random() < 0.3:
        return number(rng) if rng.random() < 0.5 else identifier(rng)
    sub = lambda: expression(rng, depth + 1)  # noqa: E731
    kind = rng.randrange(16)
    if kind == 0:
        return f"\\frac{{{sub()}}}{{{sub()}}}"
    if kind == 1:
        index = rng.choice("ijkmn")
        return (f"{rng.choice(BIGOPS)}_{{{index}={rng.randrange(3)}}}^{{{sub()}}} "
                f"{sub()}")  # fmt: skip
    if kind == 2:
        return f"\\left( {sub()} \\right)" if rng.random() < 0.5 else f"({sub()})"
    if kind == 3:
        return f"[{sub()}]" if rng.random() < 0.5 else f"\\left\\lfloor {sub()} \\right\\rfloor"
    if kind == 4:
        return f"{sub()} {rng.choice(ADDOPS)} {sub()}"
    if kind == 5:
        return f"{sub()} {rng.choice(MULOPS)} {sub()}"
    if kind == 6:
        return f"{sub()}^{{{sub()}}}"
    if kind == 7:
        return f"{rng.choice(FUNCTIONS)}({sub()})"
    if kind == 8:
        return f"\\sqrt{{{sub()}}}"
    if kind == 9:
        return f"|{sub()}|" if rng.random() < 0.5 else f"\\|{sub()}\\|"
    if kind == 10:
        env = rng.choice(MATRICES)
        rows, cols = rng.randrange(1, 4), rng.randrange(1, 4)
        spec = "{" + "c" * cols + "}" if env == "array" else ""
        body = " \\\\ ".join(" & ".join(expression(rng, depth + 2) for _ in range(cols))
                             for _ in range(rows))  # fmt: skip
        return f"\\begin{{{env}}}{spec} {body} \\end{{{env}}}"
    if kind == 11:
        return f"\\frac{{\\partial {identifier(rng)}}}{{\\partial {identifier(rng)}}}"
    if kind == 12:
        return f"\\lceil {sub()} \\rceil"
    if kind == 13:
        return f"{sub()} {sub()}"
    if kind == 14:
        return f"\\binom{{{sub()}}}{{{sub()}}}"
    cases = f"{sub()} & \\text{{if }} {sub()} > 0 \\\\ 0 & \\text{{otherwise}}"
    return f"\\begin{{cases}} {cases} \\end{{cases}}"


def chain(rng: random.Random) -> str:
    """A relation chain ``a = b ≈ c`` (or a bare expression)."""
    parts = [expression(rng)]
    for _ in range(rng.randrange(0, 4)):
        parts += [rng.choice(RELATIONS), expression(rng)]
    return " ".join(parts)


def aligned_row(rng: random.Random) -> str:
    """A row of an ``aligned`` environment: ``&= rhs`` or ``lhs &= rhs``."""
    return f"&{chain(rng)}" if rng.random() < 0.5 else chain(rng).replace("=", "&=", 1)


def math_block(rng: random.Random) -> str:
    """Inline ``$..$``, display ``$$..$$``, ``\\[..\\]`` or an environment of aligned rows."""
    kind = rng.randrange(6)
    if kind == 0:
        return f"${chain(rng)}$"
    if kind == 1:
        return f"$$\n{chain(rng)}\n$$"
    if kind == 2:
        return f"\\[ {chain(rng)} \\]"
    if kind == 3:
        rows = " \\\\\n".join(aligned_row(rng) for _ in range(rng.randrange(1, 5)))
        env = rng.choice(ENVIRONMENTS)
        return f"$$\n\\begin{{{env}}}\n{rows}\n\\end{{{env}}}\n$$"
    if kind == 4:
        return f"${chain(rng)}{rng.choice(SEPARATORS)}{chain(rng)}$"
    return f"\\( {chain(rng)} \\)"


def line(rng: random.Random) -> str:
    """One line of a solution: prose, a heading, math, or prose around math."""
    kind = rng.randrange(6)
    if kind == 0:
        return rng.choice(HEADINGS)
    if kind == 1:
        return rng.choice(PROSE)
    if kind == 2:
        return f"{rng.choice(PROSE)} {math_block(rng)} {rng.choice(PROSE)}"
    return math_block(rng)


def mutate(rng: random.Random, text: str) -> str:
    """Random edits: delete, duplicate or insert a grammar oddity at random places."""
    for _ in range(rng.randrange(1, 6)):
        if not text:
            return rng.choice(ODDITIES)
        at = rng.randrange(len(text))
        kind = rng.randrange(4)
        if kind == 0:
            text = text[:at] + text[at + rng.randrange(1, 8) :]
        elif kind == 1:
            text = text[:at] + rng.choice(ODDITIES) + text[at:]
        elif kind == 2:
            end = min(len(text), at + rng.randrange(1, 20))
            text = text[:end] + text[at:end] + text[end:]
        else:
            text = text[:at] + chr(rng.randrange(32, 0x2FFF)) + text[at:]
    return text


def random_bytes_text(rng: random.Random) -> str:
    """Random bytes (biased to ASCII math characters) decoded as UTF-8 with replacement."""
    alphabet = b"$\\{}[]()^_&=+-*/|0123456789xwyzijk \n\t.,;:'!%#~<>"
    size = rng.randrange(0, 200)
    if rng.random() < 0.5:
        data = bytes(rng.choice(alphabet) for _ in range(size))
    else:
        data = bytes(rng.randrange(256) for _ in range(size))
    return data.decode("utf-8", errors=rng.choice(["replace", "ignore", "surrogateescape"]))


def random_document(rng: random.Random) -> str:
    """A random solution: grammatical lines, possibly mutated, or random bytes."""
    kind = rng.randrange(10)
    if kind == 0:
        return random_bytes_text(rng)
    text = "\n".join(line(rng) for _ in range(rng.randrange(1, 8))) + "\n"
    if kind <= 3:
        text = mutate(rng, text)
    return text

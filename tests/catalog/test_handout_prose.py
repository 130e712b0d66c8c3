"""A lecturer's prose in the handout: ``$…$`` kept as math, formulas typed in Unicode set as
math in LaTeX, LaTeX's specials escaped in text, words in scripts upright (issue 20, item 2)."""

from __future__ import annotations

import pytest

from symconv.problems.prose import prose_markdown, prose_tex

TEX_CASES = [
    # (what the lecturer typed, what the LaTeX handout prints)
    ("cost $C K^2$ per pixel", r"cost $C K^{2}$ per pixel"),
    ("Σ_{k1,k2} W[k1,k2]", r"$\sum_{k1,k2}\,\allowbreak W[k1,k2]$"),
    ("sum over k", "sum over $k$"),
    ("the covariance Σ", r"the covariance $\Sigma$"),
    ("a 3×3 kernel", r"a $3 \times 3$ kernel"),
    ("for 0 ≤ k ≤ K − 1.", r"for $0 \leq k \leq K - 1$."),
    ("N_mult products", r"$N_{\text{mult}}$ products"),
    ("the weights w_{ij}", r"the weights $w_{ij}$"),
    ("50% & #3 of x_1", r"50\% \& \#3 of $x_{1}$"),
    ("see prob_cnn.tex", r"see \texttt{prob\_\allowbreak{}cnn.tex}"),
    ("S. Rangan and a cost", "S. Rangan and a cost"),
    ("u' = U+1−u", r"$u' = U+1-u$"),
    ("∂J/∂U[i,j1] is given", r"$\partial J/\partial U[i,j1]$ is given"),
    ("a price of $5", r"a price of \$5"),
    ("braces {like this}", r"braces \{like this\}"),
    ("wide (宽卷积) convolution", "wide convolution"),
]


@pytest.mark.parametrize(("typed", "printed"), TEX_CASES, ids=[c[0] for c in TEX_CASES])
def test_prose_in_latex(typed: str, printed: str) -> None:
    assert prose_tex(typed) == printed.strip()


MARKDOWN_CASES = [
    ("cost $C K^2$ per pixel", r"cost $C K^{2}$ per pixel"),
    ("the $N_{mult}$ products", r"the $N_{\text{mult}}$ products"),
    # a formula typed in Unicode stays whole (cut into $\sum_{k1,k2}$ it read as a sum of nothing)
    ("Z = Σ_{k1,k2} W[k1,k2]", "Z = Σ_{k1,k2} W[k1,k2]"),
    ("a 3×3 kernel, 0 ≤ k", "a 3×3 kernel, 0 ≤ k"),  # Unicode prints as it is in Markdown
]


@pytest.mark.parametrize(("typed", "printed"), MARKDOWN_CASES, ids=[c[0] for c in MARKDOWN_CASES])
def test_prose_in_markdown(typed: str, printed: str) -> None:
    assert prose_markdown(typed) == printed


def test_a_word_of_punctuation_alone_ends() -> None:
    # "..." and "--" peel to nothing: the peeling loop must stop (it once looped for ever)
    import signal

    def stuck(signum: int, frame: object) -> None:
        raise TimeoutError("prose_tex did not finish on a word of punctuation")

    previous = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(10)
    try:
        assert "..." in prose_tex("Draw $i$ ... then -- or ?!")
        assert "..." in prose_markdown("one ... two")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)

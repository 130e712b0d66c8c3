"""Issue 18, "the checker reads what people actually write": where the math is in real documents.

Every example here is synthetic: it is written in the general form real writers use (Markdown as
Jekyll and note exporters escape it, displays broken with ``\\\\`` outside any environment,
plain-text arithmetic in prose, code spans and tables), never copied from the development corpus.
"""

from __future__ import annotations

from symconv.check.markdown import math_segments, split_document
from symconv.check.runner import check_text


def maths(text: str, kind: str = "md") -> list[tuple[str, int, int]]:
    return [(s.text, s.line, s.end_line) for s in math_segments(split_document(text, kind))]


def verdicts(text: str) -> list[tuple[int, str]]:
    report = check_text(text)
    return sorted((j.claim.line, j.verdict) for j in report.judgements)


# -- layouts -----------------------------------------------------------------------------------


def test_a_display_broken_with_row_breaks_outside_an_environment_is_read_row_by_row() -> None:
    doc = "# 1\n\n$$ (a + b)^2 = a^2 + 2ab + b^2 \\\\\n(a - b)^2 = a^2 - 2ab + b^2 $$\n"
    assert maths(doc) == [
        ("(a + b)^2 = a^2 + 2ab + b^2", 3, 3),
        ("(a - b)^2 = a^2 - 2ab + b^2", 4, 4),
    ]
    assert verdicts(doc) == [(3, "right"), (4, "right")]


def test_a_row_broken_after_its_relation_joins_the_next_row() -> None:
    # "a =\\ = b =\\ = c": each row repeats the relation the row before ends on.
    doc = "$$\\frac{6x}{3} =\\\\\n= 2x =\\\\\n= x + x + 1$$\n"
    (chain,) = math_segments(split_document(doc))
    assert (chain.line, chain.end_line) == (1, 3)
    assert "\\\\" not in chain.text and chain.text.count("=") == 2
    assert verdicts(doc) == [(1, "right"), (2, "wrong")]


def test_an_aligned_row_that_ends_on_its_relation_is_one_statement_with_the_next() -> None:
    doc = "$$\\begin{aligned} (2+3)^2 &= \\\\ &= 25 \\\\ &= 26 \\end{aligned}$$\n"
    texts = [s.text.strip() for s in math_segments(split_document(doc))]
    assert texts[0].startswith("(2+3)^2") and texts[0].endswith("&= 25")
    report = check_text(doc)
    assert sorted(j.verdict for j in report.judgements) == ["right", "wrong"]


# -- Markdown-escaped LaTeX ----------------------------------------------------------------------


def test_kramdown_escaped_delimiters_are_math() -> None:
    doc = "Here \\\\(k \\times k\\\\) is the size, and\n\n\\\\[ 3 \\times 4 = 12 \\\\]\n"
    assert maths(doc) == [("k \\times k", 1, 1), ("3 \\times 4 = 12", 3, 3)]
    segments = math_segments(split_document(doc))
    assert [s.display for s in segments] == [False, True]


def test_an_escaped_inline_delimiter_does_not_cross_a_paragraph() -> None:
    doc = "a \\\\( b\n\nc \\\\) d\n"
    assert maths(doc) == []


def test_escaped_underscores_and_stars_inside_math_are_read_unescaped() -> None:
    doc = "$x\\_1 = 2 \\* 3$ and $y\\_2 = 7$\n"
    (first, second) = math_segments(split_document(doc))
    assert first.text == "x _1 = 2  * 3" and len(first.text) == len("x\\_1 = 2 \\* 3")
    assert second.text == "y _2 = 7"


def test_math_whose_every_backslash_is_doubled_is_read_halved() -> None:
    doc = "so \\\\(3 \\\\times 4 = 12\\\\) and \\\\(2 \\\\times 4 = 9\\\\)\n"
    assert verdicts(doc) == [(1, "right"), (1, "wrong")]

"""Splitting solutions into text and math with exact 1-based lines (Markdown, TeX, notebooks)."""

from __future__ import annotations

import json
import time

import pytest

from symconv.check.markdown import Segment, document_kind, math_segments, split_document
from symconv.check.parsed import Chain
from symconv.check.parser import parse_math
from symconv.errors import ParseError
from tests.shared_files import PRACTICE


def maths(text: str, kind: str = "md") -> list[tuple[str, int, int]]:
    return [(s.text, s.line, s.end_line) for s in math_segments(split_document(text, kind))]


def test_inline_and_display_math_with_lines() -> None:
    doc = "Time: $3 \\times 3 = 9$.\n\n$$\nx = 1\n$$\nand $a$, $b$\n"
    assert maths(doc) == [("3 \\times 3 = 9", 1, 1), ("x = 1", 4, 4), ("a", 6, 6), ("b", 6, 6)]


def test_display_math_over_several_lines_keeps_its_line_range() -> None:
    doc = "intro\n$$ z = \\begin{bmatrix}\n1 & 2 \\\\\n3 & 4\n\\end{bmatrix} $$\n"
    (segment,) = math_segments(split_document(doc))
    assert (segment.line, segment.end_line, segment.display, segment.delimiter) == (
        2,
        5,
        True,
        "$$",
    )
    assert segment.text.startswith("z = ") and segment.environment is None
    matrix = parse_math(segment.text).matrices[0]
    assert [segment.line_of(start) for start, _ in matrix.row_spans] == [3, 4]


def test_aligned_rows_are_separate_segments_on_their_own_lines() -> None:
    doc = (
        "Expand:\n"
        "$$\\begin{aligned}\n"
        "x(t+h) &= x(t) + h x'(t) \\\\\n"
        "x(t-h) &= x(t) - h x'(t)\n"
        "\\end{aligned}$$\n"
    )
    rows = math_segments(split_document(doc))
    assert [(r.text, r.line, r.end_line, r.environment, r.row) for r in rows] == [
        ("x(t+h) &= x(t) + h x'(t)", 3, 3, "aligned", 0),
        ("x(t-h) &= x(t) - h x'(t)", 4, 4, "aligned", 1),
    ]
    assert rows[0].block == rows[1].block is not None


@pytest.mark.parametrize("env", ["align", "align*", "gather*", "eqnarray"])
def test_bare_alignment_environments_are_split_into_rows(env: str) -> None:
    doc = f"\\begin{{{env}}}\na &= b \\label{{eq:1}} \\\\[2pt]\n  &= c \\nonumber\n\\end{{{env}}}\n"
    rows = math_segments(split_document(doc))
    assert [(r.line, r.environment) for r in rows] == [(2, env), (3, env)]
    first, second = (parse_math(r.text).single() for r in rows)
    assert first.relations == ("=",) and second.is_continuation


def test_aligned_inside_equation_and_brackets_and_rows_with_nested_matrices() -> None:
    doc = (
        "\\[\\begin{aligned}[t]\n"
        "C &= \\begin{bmatrix} 1 & 0 \\\\ 0 & 1 \\end{bmatrix} \\\\\n"
        "  &= I\n"
        "\\end{aligned}\\]\n"
    )
    rows = math_segments(split_document(doc))
    assert [r.line for r in rows] == [2, 3]
    assert rows[0].text.endswith("\\end{bmatrix}")


def test_each_text_segment_is_on_one_line() -> None:
    doc = "# 5-4\nfirst line\nsecond $x$ line\n"
    texts = [(s.text, s.line) for s in split_document(doc) if s.kind == "text"]
    assert texts == [("# 5-4", 1), ("first line", 2), ("second ", 3), (" line", 3)]


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ("costs $5 and $10 today", []),
        ("a \\$ sign and $x$", ["x"]),
        ("`$x$` in code and $y$", ["y"]),
        ("```\n$x$\n```\n$y$", ["y"]),
        ("~~~python\na = '$'\n~~~\n", []),
        ("open $x\n\nclosed later$", []),
        ("$ x$ is not math", []),
        ("$x $ is not math", []),
        ("inline over\n$a +\nb$ lines", ["a +\nb"]),
        ("\\(x + 1\\) and \\[y\\]", ["x + 1", "y"]),
        ("$$unclosed", []),
    ],
)
def test_markdown_dollar_rules(doc: str, expected: list[str]) -> None:
    assert [s.text for s in math_segments(split_document(doc))] == expected


def test_code_blocks_are_code_segments() -> None:
    segments = split_document("text\n```\n$x$ = 1\n```\nafter\n")
    assert [(s.kind, s.line, s.end_line) for s in segments] == [
        ("text", 1, 1),
        ("code", 2, 4),
        ("text", 5, 5),
    ]


def test_tex_documents_math_environments_and_comments() -> None:
    doc = (
        "\\section{5-4}\n"
        "Time is $ 3 \\times 3 = 9 $ % not $math$ here\n"
        "\\begin{equation}\n  y = x^2\n\\end{equation}\n"
        "\\begin{align*}\n a &= 1 \\\\\n b &= 2\n\\end{align*}\n"
    )
    assert maths(doc, "tex") == [
        ("3 \\times 3 = 9", 2, 2),
        ("y = x^2", 4, 4),
        ("a &= 1", 7, 7),
        ("b &= 2", 8, 8),
    ]


def test_notebook_markdown_cells_with_cell_relative_lines() -> None:
    notebook = {
        "cells": [
            {"cell_type": "markdown", "source": ["# 5-4\n", "time: $2 \\times 3 = 6$\n"]},
            {"cell_type": "code", "source": ["x = '$a$'\n"]},
            {
                "cell_type": "markdown",
                "source": "$$\\begin{aligned}\na &= b \\\\\n&= c\n\\end{aligned}$$",
            },
        ],
        "nbformat": 4,
    }
    segments = math_segments(split_document(json.dumps(notebook), "ipynb"))
    assert [(s.text, s.cell, s.line) for s in segments] == [
        ("2 \\times 3 = 6", 1, 2),
        ("a &= b", 3, 2),
        ("&= c", 3, 3),
    ]
    assert segments[1].block == segments[2].block


@pytest.mark.parametrize("bad", ["not json", "[1, 2]", '{"cells": 3}'])
def test_a_broken_notebook_is_a_parse_error(bad: str) -> None:
    with pytest.raises(ParseError, match="not a notebook"):
        split_document(bad, "ipynb")


def test_document_kinds() -> None:
    assert [document_kind(name) for name in ("a.md", "b.txt", "c.tex", "d.ipynb")] == [
        "md",
        "md",
        "tex",
        "ipynb",
    ]
    with pytest.raises(ParseError, match="unsupported file type"):
        document_kind("e.docx")
    with pytest.raises(ParseError, match="unknown document kind"):
        split_document("x", "docx")


def test_offsets_and_columns_point_into_the_source() -> None:
    doc = "ab\ncd $x + 1$ e\n"
    (segment,) = math_segments(split_document(doc))
    assert doc[segment.offset : segment.offset + len(segment.text)] == "x + 1"
    assert (segment.line, segment.column) == (2, 5)


def test_splitting_is_linear_even_with_many_lone_dollars() -> None:
    started = time.perf_counter()
    segments = split_document("$a " * 100_000)
    assert math_segments(segments) == []
    assert time.perf_counter() - started < 2.0


# ----------------------------------------------------------------------------------------------
# The shared practice solutions: every line the answer keys name has its math on that line,
# and every math segment of both files parses (none is left unread by the front end)
# ----------------------------------------------------------------------------------------------
KEY_LINES = {
    "nndl-ch5-practice.md": [
        8,
        9,
        14,
        16,
        20,
        22,
        26,
        28,
        30,
        32,
        40,
        45,
        51,
        53,
        57,
        59,
        61,
        63,
        65,
        67,
    ],
    "nyu-cnn-practice.md": [11, 15, 21, 25, 29, 33, 37, 43, 51, 55, 62, 68, 72, 78, 85, 89, 93, 95],
}


@pytest.mark.parametrize("name", sorted(KEY_LINES))
def test_practice_math_lies_on_the_key_lines(name: str) -> None:
    segments = math_segments(split_document((PRACTICE / name).read_text("utf-8")))
    covered = {line for s in segments for line in range(s.line, s.end_line + 1)}
    assert set(KEY_LINES[name]) <= covered


@pytest.mark.parametrize("name", sorted(KEY_LINES))
def test_every_practice_formula_parses(name: str) -> None:
    segments = math_segments(split_document((PRACTICE / name).read_text("utf-8")))
    unread = []
    for segment in segments:
        try:
            parse_math(segment.text)
        except ParseError as error:
            unread.append((segment.line, segment.text, str(error)))
    # "\arg\max" alone (nndl line 47) is prose about the operator, not a formula
    assert [line for line, _, _ in unread] == ([47] if name.startswith("nndl") else [])


def test_practice_rows_keep_the_nndl_taylor_rows_apart() -> None:
    text = (PRACTICE / "nndl-ch5-practice.md").read_text("utf-8")
    rows = [s for s in math_segments(split_document(text)) if s.environment == "aligned"]
    assert [(r.line, r.end_line) for r in rows] == [(8, 8), (9, 9)]
    assert all(isinstance(parse_math(r.text).statements[0], Chain) for r in rows)


def test_segment_line_of_clamps_to_the_segment() -> None:
    segment = Segment("math", "a\nb", 4, 5, 1, 0)
    assert (segment.line_of(0), segment.line_of(2), segment.line_of(99)) == (4, 5, 5)


# -- paraphrases the reading must follow (benchmarks/paraphrases.py) ---------------------------
def test_continuation_rows_join_the_expression_they_continue() -> None:
    doc = (
        "$$\\begin{align*}\n&\\; 2 \\times 3 \\\\\n&+ 4 \\\\\n&\\quad - 1 \\\\\n&= 9 \\\\\n"
        "-a &= 1\n\\end{align*}$$\n"
    )
    rows = math_segments(split_document(doc))
    assert [(r.line, r.end_line, r.row) for r in rows] == [(2, 5, 0), (6, 6, 1)]
    assert parse_math(rows[0].text).single().sides[0].expr == 9
    assert parse_math(rows[0].text).single().relations == ("=",)
    # the offsets and lines are still the file's
    assert rows[0].text.split() == ["&\\;", "2", "\\times", "3", "+", "4", "-", "1", "=", "9"]
    assert doc[rows[1].offset : rows[1].offset + len(rows[1].text)] == "-a &= 1"


def test_a_continuation_row_after_a_reason_column_joins_its_row() -> None:
    doc = (
        "$$\\begin{aligned}\nS &= W_1 && \\text{sum} \\\\\n&\\quad + W_2 \\\\\n&= 3\n"
        "\\end{aligned}$$"
    )
    rows = math_segments(split_document(doc))
    assert [(r.line, r.end_line) for r in rows] == [(2, 3), (4, 4)]
    (chain,) = parse_math(rows[0].text).statements
    assert isinstance(chain, Chain)
    assert [" ".join(s.text.split()) for s in chain.sides if s] == ["S", "W_1 + W_2"]


def test_a_sum_typed_as_continuation_rows_is_judged_as_one_expression() -> None:
    from symconv.check.api import check

    doc = (
        "space: $$\\begin{align*}\n&\\; 256 \\times 64 \\\\\n&+ 3 \\times 3 \\times 64 \\times 256"
        " \\\\\n&= 163840\n\\end{align*}$$\n"
    )
    verdicts = [(j.claim.line, j.verdict) for j in check(doc).judgements]
    assert verdicts == [(2, "right")]


def test_a_display_that_starts_with_a_relation_continues_the_display_before() -> None:
    doc = "$$a = b + 1$$\n\n$$= c$$\n\n$$d = 2$$ text $$= e$$\n"
    rows = math_segments(split_document(doc))
    assert [r.block for r in rows] == [0, 0, 1, 2]


def test_a_math_fence_is_display_math() -> None:
    segments = split_document("text\n```math\na = 1 + 1\n```\n```python\nx = 1\n```\n")
    assert [(s.kind, s.text, s.line, s.display) for s in segments] == [
        ("text", "text", 1, False),
        ("math", "a = 1 + 1", 3, True),
        ("code", "```python\nx = 1\n```", 5, False),
    ]


def test_blockquote_markers_are_not_part_of_the_math() -> None:
    doc = "> Hence\n> $$\\begin{aligned}\n> a &= b \\\\\n> &= c\n> \\end{aligned}$$\n"
    segments = split_document(doc)
    assert [(s.kind, s.text.strip(), s.line) for s in segments] == [
        ("text", "Hence", 1),
        ("math", "a &= b", 3),
        ("math", "&= c", 4),
    ]
    # a list inside the quote is a list: "Also accepted:" then "> - $x = 4$"
    from symconv.check.candidates import stated_answer_lines

    quoted = split_document("> Also accepted:\n> - $x = 4$\n")
    assert stated_answer_lines(quoted) == {2}


def test_tex_shorthand_the_document_defines_is_read_as_tex_sets_it() -> None:
    # \newcommand with arguments, \def, \DeclareMathOperator, \let: each use is the macro's
    # text; a definition in a comment defines nothing; a use before its definition stays
    doc = (
        "$\\pd{y}{x} = 1$\n"
        "\\newcommand{\\pd}[2]{\\frac{\\partial #1}{\\partial #2}}\n"
        "\\def\\x{\\mathbf{x}} \\DeclareMathOperator{\\relu}{ReLU} \\let\\eps\\varepsilon\n"
        "% \\newcommand{\\R}{\\mathbb{R}}\n"
        "\\begin{align}\n\\pd{L}{\\x} &= \\relu(\\eps x) \\\\\n\\pd\\sigma z &= \\R\n\\end{align}\n"
    )
    assert maths(doc, "tex") == [
        ("\\pd{y}{x} = 1", 1, 1),
        (
            "\\frac{\\partial L}{\\partial \\mathbf{x}} &= \\operatorname{ReLU}(\\varepsilon x)",
            6,
            6,
        ),
        ("\\frac{\\partial \\sigma}{\\partial z} &= \\R", 7, 7),
    ]


def test_a_macro_that_never_ends_leaves_the_formula_as_written() -> None:
    doc = "\\def\\a{\\a\\a}\\newcommand{\\b}{\\b x}\n$\\a = 1$ and $\\b = 2$\n"
    assert maths(doc, "tex") == [("\\a = 1", 2, 2), ("\\b = 2", 2, 2)]


def test_intertext_between_rows_is_prose_and_a_row_break() -> None:
    # amsmath's \intertext{…} (and \shortintertext) needs no \\ before the next row: it was read
    # as part of the row after it
    doc = (
        "\\begin{align*}\na &= 1 \\\\[2pt]\n\\intertext{so that, with $b = 2$,}\n"
        "c &= 3\n\\shortintertext{and}\nd &= 4\n\\end{align*}\n"
    )
    assert maths(doc, "tex") == [("a &= 1", 2, 2), ("c &= 3", 4, 4), ("d &= 4", 6, 6)]


def test_tex_titles_are_text_as_headings_are() -> None:
    # a sectioning command's or caption's argument, a theorem's [title], a problem
    # environment's {title}: they name what follows, their math is never a claim
    doc = (
        "\\section{Why $1 + 1 = 3$ fails}\n\\subsection*{Is $2 \\times 2 = 5$}\n"
        "\\begin{theorem}[$3 + 3 = 7$]\nText $4 + 4 = 8$.\n\\end{theorem}\n"
        "\\begin{problem}{2: Pooling ($2 \\times 2 = 5$)}\n$5 + 5 = 10$\n\\end{problem}\n"
        "\\caption[short]{Output $3 \\times 3 = 10$}\n"
        "\\begin{enumerate}[(a)]\n\\item $6 + 6 = 12$\n\\end{enumerate}\n"
    )
    assert maths(doc, "tex") == [("4 + 4 = 8", 4, 4), ("5 + 5 = 10", 7, 7), ("6 + 6 = 12", 11, 11)]
    texts = [s.text for s in split_document(doc, "tex") if s.kind == "text"]
    assert "\\section{Why $1 + 1 = 3$ fails}" in texts  # still the heading the parts map reads


def test_multline_rows_are_one_formula() -> None:
    # amsmath's multline breaks one equation too long for a line: "+ 9 + 16 = 30" on the
    # second row is not a statement of its own (it was read as one, and called wrong)
    doc = "\\begin{multline*}\n\\sum_{i=1}^{4} i^2 = 1 + 4 \\\\\n + 9 + 16 = 30\n\\end{multline*}\n"
    (row,) = math_segments(split_document(doc, "tex"))
    (chain,) = parse_math(row.text).statements
    assert isinstance(chain, Chain) and [s.expr for s in chain.sides if s][1:] == [30, 30]
    assert (row.line, row.end_line) == (2, 3)


def test_a_starred_row_break_ends_the_row() -> None:
    doc = "\\begin{align*}\nP &= 3 \\cdot 4 \\\\*\n  &= 12\n\\end{align*}\n"
    assert maths(doc, "tex") == [("P &= 3 \\cdot 4", 2, 2), ("&= 12", 3, 3)]


def test_tex_comments_inside_a_display_are_no_part_of_it() -> None:
    # "% = 6 (old value)", a commented-out row with its \\, a comment after \\: blanked; \% stays
    doc = (
        "\\begin{align}\na &= 2 + 3 % = 6 (old value)\n\\\\ % c &= 7 + 7 \\\\\n"
        "c &= 50\\% \\cdot 4 % percent\n\\end{align}\n"
    )
    assert [(text.rstrip(), line) for text, line, _ in maths(doc, "tex")] == [
        ("a &= 2 + 3", 2),
        ("c &= 50\\% \\cdot 4", 4),
    ]

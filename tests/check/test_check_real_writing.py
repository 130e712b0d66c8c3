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
    assert texts[0].startswith("(2+3)^2") and texts[0].endswith("25")
    assert texts[0].count("=") == 1  # the relation the row ends on, repeated on the next, once
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


# -- plain-text arithmetic -----------------------------------------------------------------------


def test_plain_text_arithmetic_in_prose_is_judged() -> None:
    doc = "The layer has 3*3*8 = 72 weights and 2 × 2 × 5 + 5 = 26 parameters.\n"
    segments = math_segments(split_document(doc))
    assert [(s.text, s.delimiter) for s in segments] == [
        ("3*3*8 = 72", "plain"),
        ("2 × 2 × 5 + 5 = 26", "plain"),
    ]
    report = check_text(doc)
    assert [j.verdict for j in report.judgements] == ["right", "wrong"]
    assert "25" in report.judgements[1].message


def test_an_x_between_numbers_is_a_times_sign() -> None:
    doc = "The map is 12x12 = 144 cells and 3 x 5 = 16 pixels.\n"
    assert [(s.text, s.column) for s in math_segments(split_document(doc))] == [
        ("12×12 = 144", 12),
        ("3 × 5 = 16", 34),
    ]
    assert verdicts(doc) == [(1, "right"), (1, "wrong")]


def test_arithmetic_in_a_code_span_is_an_answer() -> None:
    doc = "So each filter has `60/5=12` weights, and `4*4*4 = 64`.\n"
    assert verdicts(doc) == [(1, "right"), (1, "right")]


def test_arithmetic_in_table_cells_is_judged_on_the_row_line() -> None:
    doc = "| layer | size |\n|---|---|\n| A | (10-4)/2+1=4 |\n| B | 5^2*2=50 |\n| C | 6*6=35 |\n"
    assert verdicts(doc) == [(3, "right"), (4, "right"), (5, "wrong")]


def test_what_is_not_plain_arithmetic_is_left_as_text() -> None:
    doc = (
        "## 2 + 2 = 4 in a heading\n"
        "Code `x == 3+4`, bounds a<=2+3, names W1 = 2+2 and f(1) = 1+1, a count 7,600 = 76*100,\n"
        "a shape 28x28x3, a lone 5 = 5, and -3 + 5 = 2.\n"
    )
    assert math_segments(split_document(doc)) == []


def test_markdown_escaped_products_in_prose_are_read_whole() -> None:
    # Editors escape ``*`` in prose (``3\\*3``) so it is not emphasis: the product is the whole
    # left side, never its tail (``5 + 32 = 12832`` was called wrong).
    doc = "Its count is 32\\*16\\*5\\*5 + 32 = 12832.\n\nWithout bias: 3\\*3\\*64\\*128 = 73856.\n"
    assert [s.text for s in math_segments(split_document(doc))] == [
        "32 *16 *5 *5 + 32 = 12832",
        "3 *3 *64 *128 = 73856",
    ]
    assert verdicts(doc) == [(1, "right"), (3, "wrong")]


def test_a_computation_after_a_name_and_an_operator_is_not_read_from_its_tail() -> None:
    # ``x*3 + 2 = 14`` with x = 4 is true; its tail ``3 + 2 = 14`` is not what the line states.
    doc = "Let x = 4: x*3 + 2 = 14, and n - 3 + 1 = 8, and k ^ 2 + 1 = 10.\n\n- 3 + 4 = 7\n"
    assert [s.text for s in math_segments(split_document(doc))] == ["3 + 4 = 7"]
    assert verdicts(doc) == [(3, "right")]


def test_a_quotient_written_as_its_floor_is_unverified_never_wrong() -> None:
    # Output sizes floor: (11 - 4)/2 + 1 = 4.5 is written 4; neither right nor a proven error.
    doc = "Output width: (11-4)/2+1=4, and (11-4)/2+1=3 is off.\n"
    report = check_text(doc)
    assert [j.verdict for j in report.judgements] == ["unverified", "wrong"]
    assert "floor" in report.judgements[0].message


def test_mathematical_alphanumeric_letters_read_as_plain_letters() -> None:
    # Pasted from a converter: italic w, t and delta (U+1D400–U+1D7FF), one character each.
    w, t, delta = "\U0001d464", "\U0001d461", "\U0001d6ff"
    doc = f"${w}_{t} = 2 \\times 3$ and ${delta} + 1 = 2 + {delta} - 1$\n"
    (first, second) = math_segments(split_document(doc))
    assert first.text == "w_t = 2 \\times 3" and second.text == "δ + 1 = 2 + δ - 1"
    assert (1, "right") in verdicts(doc)


def test_a_plain_text_block_is_read_for_computations_a_program_is_not() -> None:
    doc = (
        "# 1\n\n```\nweights: 4*4*3 = 48\nbias:    2 + 2 = 5\n```\n\n```python\nn = 3*3 = 10\n```\n"
    )
    assert verdicts(doc) == [(4, "right"), (5, "wrong")]
    assert [s.kind for s in split_document(doc)][1:] == ["code", "math", "code", "math", "code",
                                                          "code"]  # fmt: skip


def test_links_and_urls_are_never_claims() -> None:
    doc = (
        "See [the 2 + 2 = 5 joke](https://example.org/?q=2+2=5), or\n"
        "<https://example.org/a?n=1+1=3> and https://example.org/b?k=3*3=10 for more.\n"
    )
    assert math_segments(split_document(doc)) == []


def test_a_quotient_written_as_its_floor_is_right_where_the_document_says_it_floors() -> None:
    doc = (
        "Sizes are rounded down to an integer.\n\n"
        "| conv | (11-4)/2+1=4 |\n| pool | (9-2)/2+1=5 |\n| conv | (11-4)/2+1=3 |\n"
    )
    report = check_text(doc)
    assert [(j.claim.line, j.verdict) for j in report.judgements] == [
        (3, "right"),
        (4, "unverified"),  # 4.5 written 5: the ceiling, which this document does not use
        (5, "wrong"),
    ]
    assert "rounds sizes down" in report.judgements[0].message


def test_an_array_that_aligns_a_chain_is_read_row_by_row_a_matrix_array_is_not() -> None:
    doc = (
        "$$\\begin{array}{rcl} 6 \\times 7 &=& 42 \\\\ &=& 43 \\end{array}$$\n\n"
        "$$A = \\left[\\begin{array}{cc} 1 & 2 \\\\ 3 & 4 \\end{array}\\right]$$\n"
    )
    rows = math_segments(split_document(doc))
    assert [(s.line, s.environment, s.row) for s in rows[:2]] == [(1, "array", 0), (1, "array", 1)]
    assert rows[2].environment is None and "\\\\" in rows[2].text
    report = check_text(doc)
    assert [j.verdict for j in report.judgements if j.claim.line == 1] == ["right", "wrong"]


def test_an_approximation_chain_over_rows_continues_row_to_row() -> None:
    doc = "$$ \\frac{1}{3} \\approx 0.333 \\\\\n\\approx 0.33 \\\\\n\\approx 0.4 $$\n"
    assert verdicts(doc) == [(1, "right"), (2, "right"), (3, "wrong")]


def test_matrices_written_as_nested_lists_in_prose_are_computed() -> None:
    doc = (
        "Adding gives [[1, 2], [3, 4]] + [[1, 0], [0, 1]] = [[2, 2], [3, 5]], and\n"
        "scaling gives 2 * [[1, -2], [0, 3]] = [[2, -4], [0, 5]]. Alone, [[1, -2]] = [[1, -2]].\n"
    )
    assert verdicts(doc) == [(1, "right"), (2, "wrong")]


def test_dollar_math_whose_every_backslash_an_exporter_doubled_is_read_halved() -> None:
    doc = (
        "So $\\\\frac{6}{3} = 2$ and $\\\\{1, 2\\\\} = \\\\{2, 1\\\\}$.\n\n"
        "$$ 1 + 1 = 2 \\\\\n2 + 2 = 4 $$\n"
    )
    first, second, *rows = math_segments(split_document(doc))
    assert first.text == " \\frac{6}{3} = 2" and second.text.startswith(" \\{1, 2 \\}")
    assert [(s.text, s.line) for s in rows] == [("1 + 1 = 2", 3), ("2 + 2 = 4", 4)]
    assert (1, "right") in verdicts(doc)


def test_math_in_a_heading_or_a_link_label_is_never_a_claim() -> None:
    doc = (
        "## Why $1 + 1 = 3$ fails\n\n"
        'See [$2 + 2 = 5$](https://example.org "t") and ![$3+3=7$](fig.png), but $4+4=9$.\n'
    )
    segments = split_document(doc)
    assert segments[0].kind == "text" and segments[0].text == "## Why $1 + 1 = 3$ fails"
    assert [s.text for s in math_segments(segments)] == ["4+4=9"]
    assert verdicts(doc) == [(3, "wrong")]


def test_a_long_run_of_operators_is_read_in_linear_time() -> None:
    import time

    doc = "1+" * 20000 + "1 = 3 and " + "2 = " * 20000 + "\n"
    started = time.perf_counter()
    split_document(doc)
    assert time.perf_counter() - started < 2.0


# -- code spans ----------------------------------------------------------------------------------


def test_no_code_span_hides_the_rest_of_the_file() -> None:
    # A code span late in a file used to make the scanner jump twice its offset ahead.
    filler = "Some words of prose before the code.\n" * 20
    doc = filler + "Run `x = $y` then $1 + 1 = 2$.\n\n" + "A ``code with ` inside`` and $2+2=4$.\n"
    assert [(s.text, s.line) for s in math_segments(split_document(doc))] == [
        ("1 + 1 = 2", 21),
        ("2+2=4", 23),
    ]


def test_an_unmatched_backtick_is_text_and_a_span_ends_with_its_paragraph() -> None:
    doc = "Unclosed `tick and $3+3=6$ here.\n\nA `span\n\nnever closed` and $1+1=2$.\n"
    assert [s.text for s in math_segments(split_document(doc))] == ["3+3=6", "1+1=2"]


def test_code_spans_are_read_in_linear_time() -> None:
    import time

    started = time.perf_counter()
    split_document("`a` `` ` " * 30000 + "\n")
    assert time.perf_counter() - started < 2.0


# -- bars and colours --------------------------------------------------------------------------


def test_bars_around_a_matrix_are_a_determinant_only_where_the_line_computes_one() -> None:
    # Many notebooks write every matrix with vmatrix: as determinants, the convolution line below
    # would be "wrong" with a witness, on a true statement.
    conv = (
        "Here `*` is the layer's cross-correlation.\n\n"
        "$$\\begin{vmatrix} x_{11} & x_{12} & x_{13} \\\\ x_{21} & x_{22} & x_{23} \\\\ "
        "x_{31} & x_{32} & x_{33} \\end{vmatrix} * "
        "\\begin{vmatrix} w_{11} & w_{12} \\\\ w_{21} & w_{22} \\end{vmatrix} + b = "
        "\\begin{vmatrix} y_{11} & y_{12} \\\\ y_{21} & y_{22} \\end{vmatrix}$$\n\n"
        "$$Y = \\begin{vmatrix} 1 & 2 \\\\ 3 & 4 \\end{vmatrix}$$\n"
    )
    assert verdicts(conv) == [(3, "unverified"), (5, "unverified")]
    report = check_text(conv)
    assert "the bars may just write the matrix" in report.judgements[0].message
    determinants = (
        "$$\\begin{vmatrix} 1 & 2 \\\\ 3 & 4 \\end{vmatrix} = 1 \\cdot 4 - 2 \\cdot 3 = -2$$\n\n"
        "$$\\begin{vmatrix} 1 & 2 \\\\ 3 & 4 \\end{vmatrix} = 2$$\n\n"
        "$$\\begin{vmatrix} a & b \\\\ c & d \\end{vmatrix} = ad - bc$$\n"
    )
    assert verdicts(determinants) == [(1, "right"), (1, "right"), (3, "wrong"), (5, "right")]


def test_coloured_math_is_read_through_its_colour() -> None:
    doc = (
        "$$\\frac{\\color{red}{6x}}{3} = \\textcolor{blue}{2x}$$\n\n"
        "$${\\color{green} 3 \\cdot 4} = \\color{red}{13}$$\n\n"
        "$$\\colorbox{yellow}{2 + 2} = \\fcolorbox{red}{white}{4}$$\n"
    )
    assert verdicts(doc) == [(1, "right"), (3, "wrong"), (5, "right")]


def test_the_fields_functions_of_a_number_are_evaluated_in_arithmetic() -> None:
    doc = "$\\sigma(2) \\approx 0.88$, $\\sigma(2) \\approx 0.12$, $\\tanh(1) \\approx 0.76$\n"
    report = check_text(doc)
    assert [j.verdict for j in report.judgements] == ["right", "wrong", "right"]
    assert "σ read as the logistic function" in report.judgements[0].message


def test_a_percentage_is_a_hundredth() -> None:
    doc = "The accuracy is $\\frac{46}{50} = 92\\%$, not $\\frac{46}{50} = 90\\%$.\n"
    assert [j.verdict for j in check_text(doc).judgements] == ["right", "wrong"]


def test_a_case_written_without_its_column_is_read_at_its_comma() -> None:
    # "1, \quad x > 0" and "1 \text{ if } x > 0": the value, then the condition
    doc = (
        "$$\\frac{d}{dx}\\mathrm{ReLU}(x) = \\begin{cases} 1, \\quad x > 0 \\\\ "
        "0, \\quad x \\le 0 \\end{cases}$$\n\n"
        "$$\\frac{d}{dx}\\mathrm{ReLU}(x) = \\begin{cases} 1 \\text{ if } x > 0 \\\\ "
        "0 \\text{ otherwise} \\end{cases}$$\n\n"
        "$$\\frac{d}{dx}\\mathrm{ReLU}(x) = \\begin{cases} 0, \\quad x > 0 \\\\ "
        "1, \\quad x \\le 0 \\end{cases}$$\n"
    )
    assert [j.verdict for j in check_text(doc).judgements] == ["right", "right", "wrong"]


# -- blog Markdown with HTML -------------------------------------------------------------------


def test_a_posts_front_matter_is_never_read_as_claims() -> None:
    doc = (
        '---\ntitle: "Why $(32 - 5)/1 + 1 = 30$"\nsummary: 32 - 5 + 1 = 30\n---\n\n'
        "So $(32 - 5)/1 + 1 = 28$.\n"
    )
    assert verdicts(doc) == [(6, "right")]
    toml = '+++\ntitle = "2 + 2 = 5"\n+++\n\n2 + 2 = 4 here.\n'
    assert verdicts(toml) == [(5, "right")]
    # a horizontal rule between paragraphs is no front matter: the text after it is read
    assert verdicts("2 + 2 = 5\n\n---\n\n3 + 3 = 6\n") == [(1, "wrong"), (5, "right")]


def test_html_attributes_comments_and_pre_blocks_are_never_claims() -> None:
    doc = (
        '<img src="conv.png" alt="output size = (32 - 5)/1 + 1 = 30" width="400">\n\n'
        "<!-- draft: $2 + 2 = 5$ -->\n\n"
        "<pre>\n>>> (32 - 5) // 2 + 1 = 13\n</pre>\n\n"
        'With padding 2: <span class="math">\\((32 - 5 + 4)/1 + 1 = 32\\)</span>.<br>\n'
        "Wrong: <sup>1</sup> $(32 - 5)/1 + 1 = 27$.\n"
    )
    assert verdicts(doc) == [(9, "right"), (10, "wrong")]


def test_mathjax_script_elements_hold_math() -> None:
    doc = 'Stride 3: <script type="math/tex">(32 - 5)/3 + 1 = 10</script>.\n\n'
    doc += '<script type="math/tex; mode=display">(32 - 4)/2 + 1 = 16</script>\n'
    doc += "<script>var x = 2 + 2 = 5;</script>\n"
    assert maths(doc) == [("(32 - 5)/3 + 1 = 10", 1, 1), ("(32 - 4)/2 + 1 = 16", 3, 3)]
    assert verdicts(doc) == [(1, "right"), (3, "wrong")]


def test_html_entities_in_math_are_their_characters() -> None:
    doc = "For $x &gt; 0$, ReLU gives $\\max(0, x) = x$.\n\nAnd $3 &lt; 2 + 2 = 4$.\n"
    (first, _, second) = maths(doc)
    assert first[0].split() == ["x", ">", "0"] and "&" not in second[0]
    assert verdicts(doc) == [(1, "right"), (3, "right"), (3, "right")]


def test_githubs_dollar_backtick_inline_math_is_math() -> None:
    doc = "So $`\\lfloor (7 + 2 - 3)/2 \\rfloor + 1 = 4`$ and $`(5 - 3)/1 + 1 = 4`$.\n"
    assert [m[0] for m in maths(doc)] == [
        "\\lfloor (7 + 2 - 3)/2 \\rfloor + 1 = 4",
        "(5 - 3)/1 + 1 = 4",
    ]
    assert verdicts(doc) == [(1, "right"), (1, "wrong")]
    # a dollar before a code span that never closes with `$ is read as before
    assert maths("costs $5 and `x = 1`\n") == []

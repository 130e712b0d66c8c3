"""Pooling on explicit data, as tutorials write it: a pooled map of the document's own matrix,
and the gradient pooling sends back (:mod:`symconv.check.document_pooling`,
:mod:`symconv.check.judges.pooled_data`).

The expected values are written here by hand (4×4 data, 2×2 windows, stride 2), not computed.
"""

from __future__ import annotations

import pytest

from symconv.check.runner import check_text

X = (
    r"X = \begin{bmatrix} 1 & 3 & 2 & 4 \\ 5 & 6 & 1 & 2 \\ 7 & 2 & 9 & 1 \\ "
    r"3 & 4 & 5 & 6 \end{bmatrix}"
)


def matrix(rows: str) -> str:
    """``"6 4; 7 9"`` → ``\\begin{bmatrix} 6 & 4 \\\\ 7 & 9 \\end{bmatrix}``."""
    body = r" \\ ".join(" & ".join(row.split()) for row in rows.split(";"))
    return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"


def _statements(doc: str):  # type: ignore[no-untyped-def]
    """The judgements, without those of the data and the upstream the document defines."""
    return [
        j
        for j in check_text(doc).judgements
        if not j.claim.text.startswith("X =") and r"\partial Y}" not in j.claim.text
    ]


def verdicts(doc: str) -> dict[int, list[tuple[str, str | None]]]:
    found: dict[int, list[tuple[str, str | None]]] = {}
    for j in _statements(doc):
        found.setdefault(j.claim.line, []).append((j.verdict, j.witness))
    return found


def verdict_on(doc: str, line: int) -> str:
    (verdict, _), *rest = verdicts(doc)[line]
    assert not rest, verdicts(doc)[line]
    return verdict


def judgement_on(doc: str, line: int):  # type: ignore[no-untyped-def]
    (judgement,) = [j for j in _statements(doc) if j.claim.line == line]
    return judgement


STATED = "Input $4 \\times 4$, pool size $2 \\times 2$, stride 2.\n\n"


# -- the forward map ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("function", "written", "expected"),
    [
        (r"\text{MaxPool}", "6 4; 7 9", "right"),
        (r"\mathrm{maxpool}", "6 4; 7 9", "right"),
        (r"\operatorname{avgpool}", "3.75 2.25; 4 5.25", "right"),
        (r"\text{MaxPool}", "6 4; 7 6", "wrong"),  # a wrong maximum
        (r"\text{MaxPool}", "6 7; 4 9", "wrong"),  # the map transposed
        (r"\text{MaxPool}", "3.75 2.25; 4 5.25", "wrong"),  # average instead of max
        (r"\operatorname{avgpool}", "6 4; 7 9", "wrong"),  # max instead of average
    ],
)
def test_a_pooling_function_of_the_defined_matrix(function: str, written: str, expected: str):
    doc = STATED + f"$${X}, \\quad {function}(X) = {matrix(written)}$$\n"
    assert verdict_on(doc, 3) == expected


def test_the_witness_names_the_position_and_both_values():
    doc = STATED + f"$${X}$$\n\n$$\\text{{MaxPool}}(X) = {matrix('6 4; 7 6')}$$\n"
    judgement = judgement_on(doc, 5)
    assert judgement.verdict == "wrong"
    assert judgement.witness == "row 2, column 2: written 6, max pooling gives 9"


def test_the_typical_mistakes_are_named():
    doc = STATED + f"$${X}$$\n\n$$\\text{{MaxPool}}(X) = {matrix('3.75 2.25; 4 5.25')}$$\n"
    assert "average pooling" in (judgement_on(doc, 5).diagnosis or "")
    doc = STATED + f"$${X}$$\n\n$$\\text{{MaxPool}}(X) = {matrix('6 7; 4 9')}$$\n"
    assert "transposed" in (judgement_on(doc, 5).diagnosis or "")


@pytest.mark.parametrize(
    ("words", "written", "expected"),
    [
        ("Average pooling gives", "3.75 2.25; 4 5.25", "right"),
        ("Average pooling gives", "3.75 2.25; 4 5.5", "wrong"),
        ("The output of 2×2 max pooling with stride 2 is", "6 4; 7 9", "right"),
        ("The output of 2×2 max pooling with stride 2 is", "6 4; 9 7", "wrong"),
        ("After max pooling:", "6 4; 7 9", "right"),
        ("最大池化的结果为", "6 4; 7 9", "right"),
        ("平均池化得到", "3.75 2.25; 4 6", "wrong"),
    ],
)
def test_a_matrix_the_words_call_the_result_of_pooling(words: str, written: str, expected: str):
    doc = STATED + f"$${X}$$\n\n{words} ${matrix(written)}$.\n"
    assert verdict_on(doc, 5) == expected


def test_words_that_introduce_the_input_are_not_a_result():
    words = "Max pooling with a 2×2 window, on the input"
    doc = STATED + f"$${X}$$\n\n{words} ${matrix('6 4; 7 1')}$.\n"
    assert all(v != "wrong" for v, _ in verdicts(doc).get(5, []))


def test_a_one_dimensional_signal_with_its_window_as_an_argument():
    doc = "Max pooling, stride 2: $\\mathrm{maxpool}([1, 3, 2, 5], 2) = [3, 5]$.\n"
    assert verdict_on(doc, 1) == "right"
    doc = "Max pooling, stride 2: $\\mathrm{maxpool}([1, 3, 2, 5], 2) = [3, 2]$.\n"
    assert verdict_on(doc, 1) == "wrong"


# -- what the words leave open -----------------------------------------------------------------
def test_an_unstated_window_and_stride_that_disagree_is_unverified():
    # 2×2 stride 2 and 3×3 stride 1 both take 4×4 to 2×2, and give different maps
    doc = f"## Max pooling\n\n$${X}$$\n\n$$\\text{{MaxPool}}(X) = {matrix('6 4; 7 9')}$$\n"
    judgement = judgement_on(doc, 5)
    assert judgement.verdict == "unverified"
    assert "does not state the window or the stride" in judgement.message


def test_an_unstated_stride_the_shape_fixes():
    # 2×2 windows: only stride 2 gives a 2×2 map of a 4×4 input
    doc = f"2×2 max pooling:\n\n$${X}$$\n\n$$\\text{{MaxPool}}(X) = {matrix('6 4; 7 9')}$$\n"
    assert verdict_on(doc, 5) == "right"


def test_wrong_under_every_setting_the_text_allows():
    doc = f"## Max pooling\n\n$${X}$$\n\n$$\\text{{MaxPool}}(X) = {matrix('1 1; 1 1')}$$\n"
    assert verdict_on(doc, 5) == "wrong"


def test_padding_mentioned_is_unverified():
    doc = (
        "Max pooling, 2×2 windows, stride 2, padding 1.\n\n"
        f"$${X}$$\n\n$$\\text{{MaxPool}}(X) = {matrix('6 4; 7 9')}$$\n"
    )
    assert verdict_on(doc, 5) == "unverified"
    doc = doc.replace("padding 1", "no padding")
    assert verdict_on(doc, 5) == "right"


def test_another_layer_named_in_the_section_adds_nothing():
    doc = (
        STATED + f"$${X}, \\quad \\text{{MaxPool}}(X) = {matrix('6 4; 7 9')}$$\n\n"
        "Global average pooling of a $7 \\times 7 \\times 512$ volume gives 512 numbers.\n"
    )
    assert verdict_on(doc, 3) == "right"


# -- the backward pass -------------------------------------------------------------------------
ZEROS = "0 0 0 0; 0 0 0 0; 0 0 0 0; 0 0 0 0"
ROUTED = "0 0 0 b; 0 a 0 0; c 0 d 0; 0 0 0 0"  # a, b, c, d at the maxima 6, 4, 7, 9
UPSTREAM = r"\frac{\partial L}{\partial Y} = \begin{bmatrix} a & b \\ c & d \end{bmatrix}"


def gradient_doc(words: str, written: str, data: str = X) -> str:
    return (
        f"{words} (pool size 2×2, stride 2).\n\n$${data}$$\n\n"
        f"If ${UPSTREAM}$ then\n$$\\frac{{\\partial L}}{{\\partial X}} = {matrix(written)}$$\n"
    )


def test_the_gradient_routed_to_each_maximum():
    routed = "0 0 0 b; 0 a 0 0; c 0 d 0; 0 0 0 0"
    assert verdict_on(gradient_doc("Max pooling", routed), 6) == "right"
    misrouted = "0 0 b 0; 0 a 0 0; c 0 d 0; 0 0 0 0"
    judgement = judgement_on(gradient_doc("Max pooling", misrouted), 6)
    assert judgement.verdict == "wrong"
    assert judgement.witness is not None and judgement.witness.startswith("row 1, column 3")


def test_the_gradient_spread_over_each_window():
    spread = "a/4 a/4 b/4 b/4; a/4 a/4 b/4 b/4; c/4 c/4 d/4 d/4; c/4 c/4 d/4 d/4"
    assert verdict_on(gradient_doc("Average pooling", spread), 6) == "right"
    assert verdict_on(gradient_doc("Average pooling", spread.replace("/4", "/2")), 6) == "wrong"
    # the max-pooling gradient written for average pooling
    routed = "0 0 0 b; 0 a 0 0; c 0 d 0; 0 0 0 0"
    assert verdict_on(gradient_doc("Average pooling", routed), 6) == "wrong"


def test_the_kind_of_the_gradient_from_its_own_sentence():
    doc = (
        STATED + f"$${X}$$\n\nAverage pooling gives ${matrix('3.75 2.25; 4 5.25')}$.\n\n"
        f"The gradient flows only to the max: if ${UPSTREAM}$ then\n"
        f"$$\\frac{{\\partial L}}{{\\partial X}} = {matrix(ROUTED)}$$\n"
    )
    assert verdict_on(doc, 8) == "right"


def test_a_tie_makes_the_max_gradient_unverified_and_not_the_forward():
    tied = "X = " + matrix("1 1 0 2; 0 1 3 1; 4 2 1 1; 1 0 1 1")  # 1 twice in the first window
    doc = gradient_doc("Max pooling", "a 0 0 0; 0 0 b 0; c 0 d 0; 0 0 0 0", tied)
    judgement = judgement_on(doc, 6)
    assert judgement.verdict == "unverified"
    assert "has its maximum 1 twice" in judgement.message
    forward = STATED + f"$${tied}, \\quad \\text{{MaxPool}}(X) = {matrix('1 3; 4 1')}$$\n"
    assert verdict_on(forward, 3) == "right"


def test_the_gradient_of_a_convolution_is_not_read_as_pooling():
    doc = (
        "A convolution with a 2×2 kernel, then max pooling.\n\n"
        f"$${X}$$\n\nIf ${UPSTREAM}$ then\n"
        f"$$\\frac{{\\partial L}}{{\\partial X}} = {matrix(ROUTED)}$$\n"
    )
    assert all(v != "right" and v != "wrong" for v, _ in verdicts(doc).get(6, []))


def test_an_escaped_underscore_in_a_text_function_name():
    # Markdown writes \text{max\_pool}(X): one function name, not words and then (X)
    doc = STATED + f"$${X}$$\n\n$$\\text{{max\\_pool}}(X) = {matrix('6 4; 7 9')}$$\n"
    assert verdict_on(doc, 5) == "right"
    doc = STATED + f"$${X}$$\n\n$$\\text{{avg\\_pool}}(X) = {matrix('6 4; 7 9')}$$\n"
    assert verdict_on(doc, 5) == "wrong"


def test_entries_written_as_names_are_not_values():
    doc = STATED + f"$${X}$$\n\nMax pooling gives $P = {matrix('p_{11} p_{12}; p_{21} p_{22}')}$.\n"
    assert all(v != "wrong" for v, _ in verdicts(doc).get(5, []))


@pytest.mark.parametrize(
    "words",
    [
        "The kernel of average pooling is",
        "The gradient of max pooling is",
        "The mask of max pooling is",
    ],
)
def test_a_matrix_the_words_call_something_else(words: str):
    doc = STATED + f"$${X}$$\n\n{words} ${matrix('1 0; 0 0')}$.\n"
    assert all(v != "wrong" for v, _ in verdicts(doc).get(5, []))


def test_the_data_of_a_sentence_that_names_none_is_the_last_matrix_defined():
    # a pooled map defines no new data: "average pooling gives" pools X, not P
    doc = (
        "Pool size $2 \\times 2$, stride 1.\n\n"
        f"$${X}$$\n\nMax pooling gives $P = {matrix('6 6 4; 7 9 9; 7 9 9')}$.\n\n"
        f"Average pooling gives ${matrix('3.75 3 2.25; 5 4.5 3.25; 4 5 5.25')}$.\n\n"
        f"Max pooling of $P$ gives ${matrix('9 9; 9 9')}$.\n\n"
        f"Pooling again with max pooling gives ${matrix('1 1; 1 1')}$.\n"
    )
    assert verdict_on(doc, 5) == "right"
    assert verdict_on(doc, 7) == "right"
    assert verdict_on(doc, 9) == "right"  # the map the sentence names
    assert all(v != "wrong" for v, _ in verdicts(doc).get(11, []))  # of X or of P: not said


def test_a_matrix_written_bare_in_between_is_not_skipped_over():
    # the output of a convolution written without a name: the pooling is of it, not of X
    doc = (
        STATED + f"$${X}$$\n\nThe convolution gives ${matrix('1 2; 3 4')}$.\n\n"
        f"Max pooling gives ${matrix('6 4; 7 1')}$.\n"
    )
    assert all(v != "wrong" for v, _ in verdicts(doc).get(7, []))


def test_a_stride_said_of_no_pooling_in_a_section_about_a_convolution_is_not_the_pooling_s():
    # "stride 2" in a section with a convolution: 3×3 pooling with stride 1 is still possible
    doc = (
        "We convolve and then pool. Stride 2 is used.\n\n"
        f"$${X}$$\n\n$$\\text{{MaxPool}}(X) = {matrix('9 9; 9 9')}$$\n"
    )
    assert verdict_on(doc, 5) == "unverified"


@pytest.mark.parametrize(
    ("written", "expected"),
    [("3.33, 0.33", "right"), ("3.3, 0.3", "right"), ("3.34, 0.33", "wrong"), ("3, 0", "wrong")],
)
def test_an_average_written_to_a_few_decimals(written: str, expected: str):
    # windows of 3, stride 3: the averages are 10/3 and 1/3
    call = r"\mathrm{avgpool}([1, 2, 7, 0, 0, 1], 3)"
    doc = f"Average pooling, stride 3: ${call} = [{written}]$.\n"
    assert verdict_on(doc, 1) == expected


def test_a_gradient_in_a_section_about_another_layer_is_not_read_as_pooling():
    doc = (
        "Max pooling, then a ReLU (pool size 2×2, stride 2).\n\n"
        f"$${X}$$\n\nIf ${UPSTREAM}$ then\n"
        f"$$\\frac{{\\partial L}}{{\\partial X}} = {matrix(ZEROS)}$$\n"
    )
    assert all(v not in ("right", "wrong") for v, _ in verdicts(doc).get(6, []))


# -- the window and the stride as symbols, subscripts, and each example's own words --------------
@pytest.mark.parametrize(
    "words",
    [
        "Max pooling: we use $K = 2$, $S = 2$.",
        "We use max pooling with $k = 2$ and $s = 2$.",
        "Max pooling with pool size $p = 2$, stride $s = 2$.",
    ],
)
def test_the_window_and_the_stride_given_as_symbols(words: str):
    # without them, 2×2 stride 2 and 3×3 stride 1 both give a 2×2 map of X: unverified
    right = f"{words}\n\n$${X}$$\n\n$$\\text{{MaxPool}}(X) = {matrix('6 4; 7 9')}$$\n"
    assert verdict_on(right, 5) == "right"
    wrong = f"{words}\n\n$${X}$$\n\n$$\\text{{MaxPool}}(X) = {matrix('9 9; 9 9')}$$\n"
    assert verdict_on(wrong, 5) == "wrong"  # the 3×3 stride-1 map, for K = 2


def test_an_index_range_is_not_a_window():
    doc = f"Max pooling over $k = 1, \\ldots, K$.\n\n$${X}$$\n\n"
    doc += f"$$\\text{{MaxPool}}(X) = {matrix('9 9; 9 9')}$$\n"
    assert verdict_on(doc, 5) == "unverified"


@pytest.mark.parametrize(
    ("function", "written", "expected"),
    [
        (r"\mathrm{MaxPool}_{2\times 2}", "6 4; 7 9", "right"),
        (r"\mathrm{MaxPool}_{2\times 2}", "9 9; 9 9", "wrong"),  # the subscript fixes 2×2
        (r"\max_{2\times2}", "6 4; 7 9", "right"),
        (r"\operatorname{AvgPool}_{2\times 2, s=2}", "3.75 2.25; 4 5.5", "wrong"),
        (r"\mathrm{MaxPool}_{3\times 3, s=1}", "9 9; 9 9", "right"),
    ],
)
def test_a_function_name_with_words_or_a_subscript_of_parameters(
    function: str, written: str, expected: str
):
    # no words state the window: the name's subscript does
    doc = f"## Pooling\n\n$${X}$$\n\n$${function}(X) = {matrix(written)}$$\n"
    assert verdict_on(doc, 5) == expected


@pytest.mark.parametrize(
    ("function", "written", "expected"),
    [
        (r"\text{Max Pool}", "6 4; 7 9", "right"),
        (r"\text{Average Pooling}", "3.75 2.25; 4 5.25", "right"),
        (r"\text{Max Pool}", "3.75 2.25; 4 5.25", "wrong"),
    ],
)
def test_a_function_name_of_two_words(function: str, written: str, expected: str):
    doc = STATED + f"$${X}$$\n\n$${function}(X) = {matrix(written)}$$\n"
    assert verdict_on(doc, 5) == expected


def test_a_bare_pool_takes_its_kind_from_the_words():
    doc = f"Max pooling:\n\n$${X}$$\n\n$$\\text{{pool}}_{{2,2}}(X) = {matrix('6 4; 7 9')}$$\n"
    assert verdict_on(doc, 5) == "right"
    doc = f"## Pooling\n\n$${X}$$\n\n$$\\text{{pool}}_{{2,2}}(X) = {matrix('6 4; 7 9')}$$\n"
    judgement = judgement_on(doc, 5)
    assert judgement.verdict == "unverified"
    assert "which pooling" in judgement.message


def test_a_maximum_over_an_index_is_not_a_pooling():
    doc = f"$${X}$$\n\n$$\\max_{{i}}(X) = {matrix('6 4; 7 9')}$$\n"
    assert all(v != "right" and v != "wrong" for v, _ in verdicts(doc).get(3, []))


def test_each_example_s_own_window_fixes_its_parameters():
    # "a window of 3 with stride 1" is the second example's: the first has a window of 2
    doc = (
        "Max pooling with a window of 2: $\\mathrm{maxpool}([1, 3, 2, 5], 2) = [3, 5]$.\n\n"
        "A window of 3 with stride 1: $\\mathrm{maxpool}([1, 3, 2, 5], 3) = [3, 5]$.\n\n"
        "Max pooling with a window of 2: $\\mathrm{maxpool}([1, 3, 2, 5, 4, 0], 2) = [3, 5, 5]$.\n"
    )
    assert verdict_on(doc, 1) == "right"
    assert verdict_on(doc, 3) == "right"
    assert verdict_on(doc, 5) == "wrong"


def test_a_stride_per_axis_is_unverified_with_the_reason():
    # 2×2 windows with strides (2, 1) give [[6, 6, 4], [7, 9, 9]]; one stride cannot
    doc = (
        f"Max pooling with pool_size=(2, 2), strides=(2, 1) gives\n\n$${X}$$\n\n"
        f"$$\\text{{MaxPool}}(X) = {matrix('6 6 4; 7 9 9')}$$\n"
    )
    judgement = judgement_on(doc, 5)
    assert judgement.verdict == "unverified"
    assert "stride per axis" in judgement.message
    # nothing stated: a 3×2 window with stride 1, or 2×2 with strides (2, 1)
    doc = f"## Max pooling\n\n$${X}$$\n\n$$\\text{{MaxPool}}(X) = {matrix('6 6 4; 7 9 9')}$$\n"
    assert verdict_on(doc, 5) == "unverified"


# -- one entry of the gradient ------------------------------------------------------------------
def entry_doc(words: str, entries: str) -> str:
    return (
        f"{words} (pool size 2×2, stride 2).\n\n$${X}$$\n\n"
        f"The upstream gradient is ${UPSTREAM}$.\n\n{entries}\n"
    )


def entry(name: str, value: str) -> str:
    return f"$\\frac{{\\partial L}}{{\\partial {name}}} = {value}$"


@pytest.mark.parametrize(
    ("words", "name", "value", "expected"),
    [
        ("Average pooling", "x_{11}", r"\frac{a}{4}", "right"),
        ("Average pooling", "x_{34}", r"\frac{d}{4}", "right"),
        ("Average pooling", "x_{12}", r"\frac{a}{2}", "wrong"),
        ("Max pooling", "x_{22}", "a", "right"),  # 6, the maximum of the first window
        ("Max pooling", "x_{11}", "0", "right"),
        ("Max pooling", "x_{1,4}", "b", "right"),
        ("Max pooling", "x_{14}", "a", "wrong"),  # the second window's entry
        ("Max pooling", "x_{44}", "d", "wrong"),  # 9 is the maximum of the last window
    ],
)
def test_one_entry_of_the_gradient(words: str, name: str, value: str, expected: str):
    assert verdict_on(entry_doc(words, entry(name, value)), 7) == expected


def test_an_entry_named_from_zero_where_the_document_counts_from_zero():
    # x_{00} written: the entries are numbered from 0, x_{11} is the 6 of the first window
    doc = entry_doc("Max pooling", entry("x_{00}", "0") + ", " + entry("x_{11}", "a"))
    assert [v for v, _ in verdicts(doc)[7]] == ["right", "right"]


def test_an_entry_with_a_name_not_of_the_upstream_is_unverified():
    judgement = judgement_on(entry_doc("Max pooling", entry("x_{22}", r"\delta")), 7)
    assert judgement.verdict == "unverified"


# -- the data of an earlier section, where the text refers back to it ---------------------------
@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("同样的输入\uff0c平均池化得到", "right"),
        ("With the same input, average pooling gives", "right"),
        ("平均池化得到", "unverified"),  # nothing says which data: not the earlier section's
    ],
)
def test_the_same_input_under_a_later_heading(words: str, expected: str):
    doc = (
        f"## 3.1 最大池化\n\n采用 $2\\times 2$ 的最大池化\uff0c步长为 2\u3002\n\n$${X}$$\n\n"
        f"## 3.2 平均池化\n\n{words}\n\n$$A = {matrix('3.75 2.25; 4 5.25')}$$\n"
    )
    assert verdict_on(doc, 11) == expected
    if expected == "right":
        assert verdict_on(doc.replace("5.25", "5.5"), 11) == "wrong"


def test_the_same_x_as_above_takes_the_window_of_its_section():
    doc = (
        f"## Max pooling\n\nPool size 2×2, stride 2.\n\n$${X}$$\n\n## Average pooling\n\n"
        f"With the same $X$ as above, $\\text{{AvgPool}}(X) = {matrix('3.75 2.25; 4 5.25')}$.\n"
    )
    assert verdict_on(doc, 9) == "right"
    # without the words that refer back, the window of the other section is not this one's
    doc = doc.replace("With the same $X$ as above, ", "Here ")
    assert verdict_on(doc, 9) == "unverified"

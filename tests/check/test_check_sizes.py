"""Issue 18, sizes as people write them: layer tables, code, quiz questions, labelled values.

Every document here is synthetic, written in the general forms real writers use (a table per
network, a Keras or PyTorch layer list, a quiz question with its ticked option, a list of
labelled values), never copied from the development corpus. Each test asserts the verdicts the
checker gives, and the soundness rules: a wrong verdict carries its working; a value that rests
on a guess (a layer a table may leave out, a shape in another order) is unverified.
"""

from __future__ import annotations

from symconv.check.runner import check_text


def verdicts(text: str) -> list[tuple[int, str, str]]:
    """(line, verdict, kind) of every judgement, in line order."""
    report = check_text(text)
    return sorted((j.claim.line, j.verdict, str(j.claim.kind)) for j in report.judgements)


def judged(text: str, line: int) -> list[str]:
    return [j.verdict for j in check_text(text).judgements if j.claim.line == line]


def messages(text: str, line: int) -> list[str]:
    return [
        f"{j.message} | {j.witness}" for j in check_text(text).judgements if j.claim.line == line
    ]


# -- layer tables ------------------------------------------------------------------------------

LAYER_TABLE = """\
| layer | input width | input depth | filter num | filter width | stride | padding | output width |
|-------|-------------|-------------|------------|--------------|--------|---------|--------------|
| CONV1 | 32 | 3 | 8 | 5 | 1 | 0 | (32+2*0-5)/1+1=28 |
| CONV2 | 28 | 8 | 16 | 3 | 2 | 1 | {second} |
|       | in_feature | out_feature | | | | | |
| FC1   | {features} | 10 | | | | | |
"""


def test_a_layer_tables_output_column_is_checked_against_its_own_row() -> None:
    doc = LAYER_TABLE.format(second="(28+2*1-3)/2+1=14", features="14^2*16=3136")
    assert judged(doc, 3) == ["right"]
    # the input width 28 and depth 8 (what CONV1 puts out), the output width 14
    assert judged(doc, 4) == ["right", "right", "right"]
    assert judged(doc, 6) == ["right"]  # in_feature: 14·14·16 after the flatten


def test_a_wrong_output_width_is_wrong_with_the_working_in_the_rows_numbers() -> None:
    doc = LAYER_TABLE.format(second="(28+2*1-3)/2+1=15", features="14^2*16=3136")
    assert "wrong" in judged(doc, 4)
    (shown,) = [m for m in messages(doc, 4) if "output size" in m]
    assert "is 14, not 15" in shown and "⌊(28 + 2·1 − 3)/2⌋ + 1 = 14" in shown


def test_a_computation_that_is_also_a_size_gets_one_verdict() -> None:
    # "(32+2*0-5)/1+1=28" is both arithmetic and the output width: one claim, one verdict.
    doc = LAYER_TABLE.format(second="(28+2*1-3)/2+1=14", features="14^2*16=3136")
    report = check_text(doc)
    assert len([j for j in report.judgements if j.claim.line == 3]) == 1


def test_an_input_that_differs_from_the_row_above_is_not_proven_wrong() -> None:
    # A table may leave a layer out (a pooling layer between CONV1 and CONV2): the row above
    # gives 28, the row says 27 — unverified with the reason, never wrong.
    doc = LAYER_TABLE.format(second="(27+2*1-3)/2+1=14", features="14^2*16=3136").replace(
        "| CONV2 | 28 |", "| CONV2 | 27 |"
    )
    found = check_text(doc).judgements
    inputs = [j for j in found if j.claim.line == 4 and "layer before" in j.message]
    assert [j.verdict for j in inputs] == ["unverified"]
    assert "wrong" not in [j.verdict for j in found]


def test_in_features_that_do_not_follow_the_flatten_are_not_proven_wrong() -> None:
    # 14*16 = 224 is right arithmetic; as the in_feature after a 14 × 14 × 16 output it is not
    # proven (a layer the table leaves out could sit between): right arithmetic, with the size's
    # reason as a warning, never wrong.
    doc = LAYER_TABLE.format(second="(28+2*1-3)/2+1=14", features="14*16=224")
    (judgement,) = [j for j in check_text(doc).judgements if j.claim.line == 6]
    assert judgement.verdict == "right"
    assert any("layer before gives 3136" in w for w in judgement.warnings)


# -- receptive fields --------------------------------------------------------------------------

LAYERS = """\
|    | type | kernel size | stride |
|----|------|-------------|--------|
| L1 | conv | 3 | 1 |
| L2 | pool | 2 | 2 |
| L3 | conv | 3 | 1 |

"""


def test_a_receptive_field_table_read_back_from_the_output() -> None:
    # one output unit: 1 → through L3 (k=3, s=1): 3 → L2 (k=2, s=2): 6 → L1 (k=3, s=1): 8
    doc = (
        LAYERS
        + "| | receptive field |\n|--|--|\n| Output | 1 | \n| L3 | 3 |\n| L2 | 7 |\n| L1 | 8 |\n"
    )
    assert [judged(doc, line) for line in (9, 10, 11, 12)] == [
        ["right"],
        ["right"],
        ["wrong"],
        ["right"],
    ]
    (shown,) = messages(doc, 11)
    assert "is 6, not 7" in shown and "2·3 + (2 − 2) = 6" in shown


def test_a_receptive_field_table_read_forward_from_the_input() -> None:
    # one unit after L1 sees 3 inputs, after L2 4, after L3 4 + 2·2 = 8
    doc = (
        LAYERS
        + "| | receptive field |\n|--|--|\n| Input | 1 |\n| L1 | 3 |\n| L2 | 4 |\n| L3 | 9 |\n"
    )
    assert [judged(doc, line) for line in (9, 10, 11, 12)] == [
        ["right"],
        ["right"],
        ["right"],
        ["wrong"],
    ]


def test_a_receptive_field_column_of_a_layer_table_is_cumulative() -> None:
    doc = (
        "| | kernel | stride | RF |\n|--|--|--|--|\n"
        "| conv1 | 3 | 1 | 3 |\n| conv2 | 3 | 2 | 5 |\n| conv3 | 3 | 1 | 9 |\n"
    )
    assert [judged(doc, line) for line in (3, 4, 5)] == [["right"], ["right"], ["right"]]


def test_a_sizes_table_uses_the_layers_of_the_table_named_by_its_rows() -> None:
    doc = LAYERS.replace("| 2 | 2 |", "| 2 | 2 |") + (
        "| | input size | output size |\n|--|--|--|\n"
        "| L1 | (30,30) | (28,28) |\n| L2 | (28,28) | (13,13) |\n"
    )
    assert judged(doc, 9) == ["right"]
    assert sorted(judged(doc, 10)) == ["right", "wrong"]  # 28 in, ⌊(28 − 2)/2⌋ + 1 = 14 out


# -- layers in code ----------------------------------------------------------------------------

TORCH = """\
We train on CIFAR-10 with this network:

```python
net = nn.Sequential(
    nn.Conv2d(3, 8, kernel_size=3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d({channels}, 16, 3),
    nn.Flatten(),
    nn.Linear({features}, 10),
)
```
"""


def test_pytorch_layers_state_the_channels_they_take_and_the_code_checks_them() -> None:
    # 3 × 32 × 32 → 8 × 32 × 32 → 8 × 16 × 16 → 16 × 14 × 14 → 3136
    doc = TORCH.format(channels=8, features=3136)
    assert judged(doc, 8) == ["right"]
    assert judged(doc, 10) == ["right"]
    (shown,) = messages(doc, 10)
    assert "16 × 14 × 14 → 3136" in shown


def test_in_features_that_do_not_match_the_flatten_of_the_code_are_wrong() -> None:
    doc = TORCH.format(channels=8, features=16 * 16 * 16)
    assert judged(doc, 10) == ["wrong"]
    (shown,) = messages(doc, 10)
    assert "is 3136, not 4096" in shown


def test_in_channels_that_do_not_match_the_filters_before_are_wrong() -> None:
    doc = TORCH.format(channels=3, features=3136)
    assert judged(doc, 8) == ["wrong"]


def test_a_call_the_checker_does_not_know_breaks_the_network() -> None:
    # MyBlock may change any size: nothing after it is checked against what came before.
    doc = TORCH.format(channels=8, features=4096).replace("nn.ReLU()", "MyBlock(8)")
    assert "wrong" not in [verdict for _, verdict, _ in verdicts(doc)]


def test_without_a_stated_input_only_the_channels_are_checked() -> None:
    doc = TORCH.format(channels=8, features=4096).replace("CIFAR-10", "our images")
    assert judged(doc, 8) == ["right"]
    assert judged(doc, 10) == ["unverified"]


# -- questions and their ticked options ----------------------------------------------------------

QUIZ = """\
## Quiz

### 1. Your input is a 64 by 64 RGB image and you apply a convolutional layer with \
10 filters of 3x3, a stride of 1 and no padding. What is the output volume?

- [ ] 64 × 64 × 10
- [x] {first}

### 2. Suppose your input volume is $32 \\times 32 \\times 8$ and you use 4 filters that \
are each 5x5. How many parameters does this layer have (including the bias parameters)?

- [ ] 800
- [x] **{second}**

> you have $5 \\times 5 \\times 8 = 200$ weights and 1 bias per filter, so you get \
{third} parameters.

### 3. Which of these layers has no parameters?

- [x] 62 × 62 × 10
"""


def test_a_ticked_option_answers_the_quantity_its_question_asks() -> None:
    doc = QUIZ.format(first="62 × 62 × 10", second="804", third="804")
    assert judged(doc, 6) == ["right"]
    assert judged(doc, 11) == ["right"]
    assert sorted(judged(doc, 13)) == ["right", "right"]  # 200 weights per filter; 804 in all


def test_a_wrong_ticked_option_is_wrong_with_the_layers_working() -> None:
    doc = QUIZ.format(first="63 × 63 × 10", second="800", third="804")
    assert judged(doc, 6) == ["wrong"]
    (shown,) = messages(doc, 6)
    assert "62 × 62 × 10, not 63 × 63 × 10" in shown and "⌊(64 + 2·0 − 3)/1⌋ + 1 = 62" in shown
    assert judged(doc, 11) == ["wrong"]


def test_a_question_without_data_does_not_borrow_the_previous_questions_layer() -> None:
    doc = QUIZ.format(first="62 × 62 × 10", second="804", third="804")
    assert judged(doc, 17) == []


def test_a_shape_written_in_another_order_than_the_input_is_not_proven_wrong() -> None:
    doc = QUIZ.format(first="10 × 62 × 62", second="804", third="804")
    assert judged(doc, 6) == ["unverified"]


FORMULA = """\
### 1. You have an input volume that is $40 \\times 40 \\times 3$ and apply max pooling \
with a filter size of 2 and a stride of 2. What is the output volume?

- [x] $20 \\times 20 \\times 3$

> Using $n_H^{[l]} = \\frac{n_H^{[l-1]} + 2p - f}{s} + 1$ with \
$n_H^{[l-1]} = {height}, p = 0, f = 2$ and $s = 2$ we get 20.
"""


def test_a_formulas_bindings_state_the_questions_values() -> None:
    right_doc = FORMULA.replace("{height}", "40")
    assert judged(right_doc, 5) == ["right"] * 6  # the formula, 4 bindings and "we get 20"
    wrong_doc = FORMULA.replace("{height}", "20")
    verdicts_here = judged(wrong_doc, 5)
    assert verdicts_here.count("wrong") == 1  # n_H^{[l-1]} is the input height, 40
    (shown,) = [m for m in messages(wrong_doc, 5) if "not 20" in m]
    assert "input height" in shown and "is 40" in shown


# -- labelled values -----------------------------------------------------------------------------

KERAS = """\
# Counting parameters

```python
model = Sequential()
model.add(Conv2D(8, (3, 3), input_shape=(32, 32, 4)))
model.add(MaxPooling2D(pool_size=(2, 2)))
```

- number of filters: {filters}
- input shape: `32*32*4`
- each filter has {per_filter} parameters
- the layer has {total} parameters in total, not 100
"""


def test_labelled_values_are_checked_against_the_code() -> None:
    doc = KERAS.format(filters=8, per_filter="`3*3*4+1=37`", total=296)
    assert [judged(doc, line) for line in (9, 10, 11, 12)] == [["right"]] * 4


def test_each_filters_parameters_are_right_with_or_without_the_bias() -> None:
    doc = KERAS.format(filters=8, per_filter="`3*3*4=36`", total=296)
    assert judged(doc, 11) == ["right"]


def test_labelled_values_that_contradict_the_code_are_wrong() -> None:
    doc = KERAS.format(filters=16, per_filter="`3*3=9`", total="`37*16=592`")
    assert judged(doc, 9) == ["wrong"]
    assert judged(doc, 11) == ["wrong"]
    assert judged(doc, 11) == ["wrong"]
    (shown,) = messages(doc, 9)
    assert "number of filters" in shown and "is 8, not 16" in shown


def test_a_negated_or_supposed_value_is_no_claim() -> None:
    doc = KERAS.format(filters=8, per_filter="`3*3*4+1=37`", total=296) + (
        "\nIf the padding were 1, the output would change; the stride is not 2.\n"
    )
    assert judged(doc, 14) == []


# -- data a sentence supposes, and a named tensor --------------------------------------------------

SUPPOSED = """\
## Backward pass

Suppose the input $x$ has shape $(8, 3, 32, 32)$ and the kernel $w$ is $(16, 3, 5, 5)$, \
stride 1, no padding.

The gradient of the output, $dY(8, 16, {side}, {side})$, arrives from the next layer.

$$dY(8, 16, {side}, {side}) \\to dY_t(8, 784, 16)$$

Later we pad the gradient with a padding of 4 and use a stride of 2 elsewhere.
"""


def test_a_tensor_named_after_the_output_has_the_outputs_shape() -> None:
    assert judged(SUPPOSED.format(side=28), 5) == ["right"]
    assert judged(SUPPOSED.format(side=28), 7) == ["right"]
    assert judged(SUPPOSED.format(side=29), 5) == ["wrong"]
    assert "wrong" in judged(SUPPOSED.format(side=29), 7)


def test_data_said_later_of_another_tensor_is_not_the_examples_data() -> None:
    # "a padding of 4", "a stride of 2": said of the gradient, not of the supposed layer (the
    # gradient's padding is a fact of its own, read by symconv.check.conv_words: not a size here)
    from symconv.check.conv_facts import ConvWordFacts

    report = check_text(SUPPOSED.format(side=28))
    sizes = [
        j.verdict
        for j in report.judgements
        if j.claim.line == 9 and not isinstance(j.claim.facts, ConvWordFacts)
    ]
    assert sizes == []


# -- size formulas whose letters the document names ----------------------------------------------

GLOSSARY = """\
## Notation

N: input width
K: kernel size
S: stride
P: padding on each side
M: output width

{formula}
"""


def test_a_formula_in_the_glossarys_letters_is_the_output_size() -> None:
    (judgement,) = check_text(GLOSSARY.format(formula="M = (N + 2P - K) / S + 1")).judgements
    assert judgement.verdict == "right"
    assert "N as the input size" in judgement.message and judgement.warnings  # no floor


def test_a_formula_that_drops_the_two_of_the_padding_is_wrong_at_a_point() -> None:
    (judgement,) = check_text(GLOSSARY.format(formula="M = (N + P - K) / S + 1")).judgements
    assert judgement.verdict == "wrong"
    assert judgement.witness is not None and "P = 1" in judgement.witness


def test_a_formula_in_words_is_read_with_each_phrase_as_its_letter() -> None:
    doc = "Output width = (input width - kernel size + 2 * padding) / stride + 1\n"
    (judgement,) = check_text(doc).judgements
    assert judgement.verdict == "right"
    doc = "Output width = (input width - kernel size) / stride\n"
    (judgement,) = check_text(doc).judgements
    assert judgement.verdict == "wrong"


def test_layer_indices_say_which_size_is_the_input() -> None:
    doc = (
        "* $a^{(l)}$ - width of the feature map\n* $q^{(l)}$ - size of the kernel\n\n"
        "$$a^{(l+1)} = a^{(l)} - q^{(l)} + 1$$\n\n$$a^{(l+1)} = a^{(l)} - q^{(l)}$$\n"
    )
    assert [j.verdict for j in check_text(doc).judgements if j.claim.kind == "fact"] == [
        "right",
        "wrong",
    ]


def test_the_receptive_field_recursion_in_words() -> None:
    doc = (
        "The receptive field on the earlier layer is s * r + (k - s) where s is the stride of "
        "the earlier layer, r the receptive field size of the current layer and k the kernel "
        "size of the earlier layer.\n"
    )
    assert [j.verdict for j in check_text(doc).judgements] == ["right"]
    wrong_doc = doc.replace("s * r + (k - s)", "r + (k - s)")
    assert [j.verdict for j in check_text(wrong_doc).judgements] == ["wrong"]


def test_a_let_sentence_names_the_letters_and_the_words_name_the_output() -> None:
    # "Let … be …, … the …": a glossary in one sentence; "The output height is $h_{new} = …$"
    # names the left side, a subscripted name that would otherwise read as a tensor's entry.
    doc = (
        "Let $h$ be the input height, $f_r$ the number of rows of the filter and $s$ the "
        "stride.\n\nThe output height is $h_{{new}} = {formula}$.\n"
    )
    right = check_text(doc.format(formula="\\lfloor \\frac{h - f_r}{s} \\rfloor + 1"))
    assert [(j.claim.line, j.verdict) for j in right.judgements] == [(3, "right")]
    assert "f_r as the kernel size" in right.judgements[0].message
    wrong = check_text(doc.format(formula="\\lfloor \\frac{h - f_r}{s} \\rfloor"))
    assert [(j.claim.line, j.verdict) for j in wrong.judgements] == [(3, "wrong")]
    padded = (
        "Let $p$ be the padding, $n$ the input width, $k$ the kernel size and $s$ the stride. "
        "The output width is $w_{o} = \\frac{n + 2p - k}{s} + 1$.\n"
    )
    assert [j.verdict for j in check_text(padded).judgements] == ["right"]  # one judgement
    unsaid = "The result is $h_{new} = \\lfloor \\frac{h - f_r}{s} \\rfloor$.\n"
    assert "right" not in [j.verdict for j in check_text(unsaid).judgements]


def test_letters_without_a_named_role_make_no_formula_claim() -> None:
    assert check_text("Then M = (N + 2P - K) / S + 1 follows.\n").judgements == ()


def test_a_transposed_convolution_is_not_read_as_a_convolution() -> None:
    # o' = s(i' − 1) + k − 2p: the forward formula would call a right size wrong
    doc = (
        "Suppose a transposed convolution with 3 × 3 kernels and a stride of 2 takes an input "
        "volume of $4 \\times 4 \\times 8$. The output volume is $9 \\times 9$.\n\n"
        "o: output size  \ni: input size  \nk: kernel size  \ns: stride  \n"
        "o = s(i - 1) + k  \nfor the transposed convolution.\n"
    )
    assert "wrong" not in [j.verdict for j in check_text(doc).judgements]


def test_a_count_said_of_another_network_is_not_this_networks() -> None:
    doc = KERAS.format(filters=8, per_filter="`3*3*4+1=37`", total=296) + (
        "\nFor comparison, the first layer of VGG16 has 1792 parameters.\n"
    )
    assert "wrong" not in judged(doc, 14)
    assert not [m for m in messages(doc, 14) if "the code on" in m]


def test_a_size_stated_of_a_data_sets_images() -> None:
    doc = (
        "- in_channels = colour planes of the image, CIFAR-10 default 3\n"
        "- input depth: the image's channels, CIFAR-10 default 32\n"
        "- batch: 64 images of CIFAR-10\n"
    )
    assert [judged(doc, line) for line in (1, 2, 3)] == [["right"], ["wrong"], []]


def test_a_value_before_the_words_that_say_what_it_is() -> None:
    # one output unit through L1, L2, L3 (k = 3, 2, 3; s = 1, 2, 1) sees 8 inputs
    doc = (
        LAYERS
        + "So 8 is the receptive field of the whole stack, and 9 is the full receptive field.\n"
    )
    assert judged(doc, 7) == ["right", "wrong"]


LIST = """\
## Sizes layer by layer

The input is a $32 \\times 32 \\times 3$ image.

- conv1: 8 filters of $3 \\times 3$, stride 1, no padding → $30 \\times 30 \\times 8$
- pool1: $2 \\times 2$ max pooling, stride 2 → ${pooled} \\times {pooled} \\times 8$
- conv2: 16 filters of $3 \\times 3$ → $13 \\times 13 \\times 16$
"""


def test_a_list_of_layers_each_with_its_output() -> None:
    # 32 → 30 (3×3) → 15 (2×2 pool, stride 2) → 13 (3×3)
    def decided(text: str, line: int) -> list[str]:  # "8 filters" is the layer's data
        return [verdict for verdict in judged(text, line) if verdict != "unverified"]

    doc = LIST.format(pooled=15)
    assert [decided(doc, line) for line in (5, 6, 7)] == [["right"]] * 3
    wrong_doc = LIST.format(pooled=14)
    assert decided(wrong_doc, 6) == ["wrong"]
    assert decided(wrong_doc, 7) == ["right"]  # each output from the true sizes before it


def test_a_layer_named_like_its_table_row() -> None:
    doc = LAYER_TABLE.format(second="(28+2*1-3)/2+1=14", features="14^2*16=3136") + (
        "\nSo the output of CONV2 is 14 x 14 x 16, and the output of CONV1 is 27 x 27 x 8.\n"
    )
    assert judged(doc, 8) == ["right", "wrong"]


def test_a_line_that_changes_a_datum_states_another_layer() -> None:
    # "with stride 2 …": the 3x3 output is not the stride-1 layer's output
    doc = (
        "For example, if the input volume is 7x7 and the filter is 3x3 with stride 1 and pad 0, "
        "we get a 5x5 output. With stride 2 we would get a 3x3 output.\n"
    )
    assert "wrong" not in [j.verdict for j in check_text(doc).judgements]
    doc = "The input volume is 7x7 and the filter is 3x3 with stride 1 and pad 0: a 5x5 output.\n"
    assert [j.verdict for j in check_text(doc).judgements] == ["right"]


def test_what_a_layer_is_applied_to_is_its_input_not_its_output() -> None:
    doc = (
        "## 2\n\nWe apply 2x2 max pooling with stride 2 to the 64x64x16 output, which gives "
        "a 32x32x16 volume.\n"
    )
    found = [(j.claim.text, j.verdict) for j in check_text(doc).judgements]
    assert found == [("32x32x16", "right")]


TEX = r"""\section{Question 1}
Suppose the input is a $28 \times 28 \times 1$ image and the first layer applies 20 filters of
size $5 \times 5$ with stride 1 and no padding. The output volume is $24 \times 24 \times 20$.

\section{Question 2}
The pooling layer has 0 parameters, and the fully connected layer has 10 units.
"""


def test_a_tex_section_ends_what_an_example_supposes() -> None:
    report = check_text(TEX, kind="tex")
    assert [(j.claim.line, j.verdict) for j in report.judgements if j.verdict != "unverified"] == [
        (3, "right")
    ]


def test_a_label_that_names_another_kind_of_layer_is_not_about_this_one() -> None:
    doc = (
        "Suppose the input is $28 \\times 28 \\times 1$ and we use 20 filters of size "
        "$5 \\times 5$. The pooling layer has 0 parameters; the convolution has 520 parameters.\n"
    )
    found = [j.verdict for j in check_text(doc).judgements if j.verdict != "unverified"]
    assert found == ["right"]


def test_chinese_counted_kernels_and_results() -> None:
    doc = (
        "输入图像大小为 $32 \\times 32 \\times 3$\uff0c使用 10 个 $5 \\times 5$ 的卷积核\uff0c"
        "步长为 1\uff0c填充为 2\uff0c则输出尺寸为 $32 \\times 32 \\times 10$\uff0c"
        "参数量为 $(5 \\times 5 \\times 3 + 1) \\times 10 = 750$。\n"
    )
    found = sorted(j.verdict for j in check_text(doc).judgements if j.verdict != "unverified")
    assert found == ["right", "wrong"]


def test_a_question_that_asks_two_things_has_no_one_answer() -> None:
    doc = (
        "### 1. Your input is 32 × 32 × 3 and you use 8 filters of 3 × 3 with no padding. "
        "What is the output volume, and how many parameters does the layer have?\n\n"
        "Answer: 30 × 30 × 8\n"
    )
    assert "wrong" not in [j.verdict for j in check_text(doc).judgements]


def test_a_shape_is_never_read_as_a_count() -> None:
    doc = KERAS.format(filters=8, per_filter="`3*3*4+1=37`", total="30 × 30 × 8")
    assert "wrong" not in judged(doc, 12)


def test_long_unbroken_prose_is_read_in_linear_time() -> None:
    # no sentence end for thousands of lines, a question mark nowhere: each line is read once,
    # never the whole open sentence again (a quadratic scan took minutes on such input)
    import time

    from symconv.check.markdown import split_document
    from symconv.check.read_sizes import size_statements

    doc = "".join(f"W{i}: input width and the filters of size\n" for i in range(1500))
    started = time.perf_counter()
    size_statements(split_document(doc))
    assert time.perf_counter() - started < 20


def test_a_size_before_a_kernel_word_is_the_kernels_not_the_inputs() -> None:
    # "a 5x5 input and a 3x3 kernel": the input is 5 × 5 (its size stands before the word)
    text = "With a 5x5 input and a 3x3 kernel the output is 3x3.\n"
    assert judged(text, 1) == ["right"]
    assert judged("With a 5x5 input and a 3x3 kernel the output is 4x4.\n", 1) == ["wrong"]


def test_a_line_with_two_paddings_states_two_layers_and_is_not_judged_as_one() -> None:
    # "with padding 1 it would be 5x5, and with stride 2 and no padding 2x2": three cases
    text = (
        "With a 5x5 input and a 3x3 kernel the output is 3x3. With padding 1 it would be 5x5,"
        " and with stride 2 and no padding 2x2.\n"
    )
    assert "wrong" not in judged(text, 1)


CHANNELS_FIRST = """\
# Q1

An input of {input} goes through 16 filters of 3x3 with stride 1 and padding 1. \
What is the output volume?

Answer: {answer}
"""


def test_an_input_written_channels_first_is_read_with_its_channels_first() -> None:
    # ``3x32x32`` (PyTorch's C × H × W): the square map shows where the channels are.
    doc = CHANNELS_FIRST.format(input="3x32x32", answer="16x32x32")
    assert judged(doc, 5) == ["right"]
    assert judged(CHANNELS_FIRST.format(input="3x32x32", answer="16x30x30"), 5) == ["wrong"]
    # the same answer after a channels-last input is in another order: not proven wrong
    assert judged(CHANNELS_FIRST.format(input="32x32x3", answer="16x32x32"), 5) == ["unverified"]


def test_an_input_whose_channel_axis_is_not_shown_states_no_input() -> None:
    # 64 × 48 × 128: 128 channels of 64 × 48, or 64 channels of 48 × 128? Neither is read.
    doc = CHANNELS_FIRST.format(input="64x48x128", answer="64x48x16")
    assert judged(doc, 5) != ["wrong"] and judged(doc, 5) != ["right"]


LENET_TABLE = """\
# Sizes

{prose}

| Layer | Type | Kernel | Stride | Filters | Output size | Parameters |
|---|---|---|---|---|---|---|
{input_row}| C1 | conv | 5×5 | 1 | 6 | 28×28×6 | 156 |
| S2 | max pool | 2×2 | 2 | - | 14×14×6 | 0 |
| C3 | conv | 5×5 | 1 | 16 | {c3} | 2416 |
| F4 | fc | - | - | 120 | 120 | {f4} |
| Output | fc | - | - | 10 | 10 | {out} |
"""


def lenet(prose: str = "", input_row: str = "", c3: str = "10×10×16", f4: str = "192120",
          out: str = "1210") -> str:  # fmt: skip
    return LENET_TABLE.format(prose=prose, input_row=input_row, c3=c3, f4=f4, out=out)


def test_a_layer_table_takes_its_input_from_the_prose_of_its_section() -> None:
    doc = lenet(prose="Input: 32×32×1 grayscale image.")
    # the whole volume in an "output size" column is the output's shape; a pooling has no
    # parameters; a fully connected row after a map takes it flattened (10·10·16 = 1600)
    assert judged(doc, 7) == ["right", "right"]
    assert judged(doc, 8) == ["right", "right"]
    assert judged(doc, 10) == ["right", "right"]
    # an Output row typed fc is the last layer: 120·10 + 10 = 1210
    assert judged(doc, 11) == ["right", "right"]
    wrong_doc = lenet(prose="Input: 32×32×1 grayscale image.", c3="12×12×16", out="1100")
    assert judged(wrong_doc, 9) == ["wrong", "right"]
    assert judged(wrong_doc, 11) == ["right", "wrong"]


def test_a_parameter_column_counts_biases_as_its_other_rows_do() -> None:
    prose = "Input: 32×32×1 grayscale image."
    # C1 156, C3 2416, F4 192120 all count their biases: so does the Output row (1210, not 1200)
    slip = lenet(prose=prose, out="1200")
    assert judged(slip, 11) == ["right", "wrong"]
    assert "as the column's other rows are" in " ".join(messages(slip, 11))
    # a column whose rows disagree fixes no convention: 1200 (weights alone) stays open
    mixed = lenet(prose=prose, out="1200").replace("| 2416 |", "| 2400 |")
    assert judged(mixed, 11) == ["right", "unverified"]
    # a column that counts weights alone throughout: 1200 is right under it, 1210 is not
    bare = lenet(prose=prose, out="1200", f4="192000").replace("| 2416 |", "| 2400 |")
    bare = bare.replace("| 156 |", "| 150 |")
    assert judged(bare, 11) == ["right", "right"]
    assert judged(bare.replace("| 1200 |", "| 1210 |"), 11) == ["right", "wrong"]


def test_a_layer_table_takes_its_input_from_its_input_row() -> None:
    doc = lenet(input_row="| Input | - | - | - | - | 32×32×1 | 0 |\n")
    assert judged(doc, 8) == ["right", "right"]
    assert judged(lenet(input_row="| Input | - | - | - | - | 32×32×1 | 0 |\n", c3="10×10"), 10) == [
        "right",
        "right",
    ]


def test_a_layer_table_without_a_stated_input_is_not_judged_from_a_guess() -> None:
    # no input; two different inputs before the table; an input followed by another network
    for prose in (
        "",
        "The input is 32×32×1. Or the input is 28×28×1.",
        "The input is 32×32×1.\n\nWe apply 6 filters of 3×3 to a 30×30×1 input.",
    ):
        assert judged(lenet(prose=prose), 7 + prose.count("\n")) == ["unverified", "unverified"]


def test_an_output_size_column_holding_a_whole_shape_is_not_proven_a_size() -> None:
    # a one-width column's value written with channels, where the layer's output is not known
    # as a shape (a judge given 28 × 28 × 6 for a size of 28): never wrong
    doc = LAYER_TABLE.format(second="14×14×16", features="14^2*16=3136")
    assert "wrong" not in judged(doc, 4)


COUNT_LABELLED = """\
# 第1题

假设输入图像为 32×32×3\uff0c卷积核大小为 5×5\uff0c卷积核个数为 6\uff0c步长为 1\uff0c\
不填充。输出尺寸是多少\uff1f

答案\uff1a{first}

# Q2

The input volume is 64x64x3, the number of filters is 10, the filter size is 3, stride 1, \
no padding. What is the output volume?

Answer: {second}
"""


def test_the_number_of_filters_as_a_labelled_datum() -> None:
    doc = COUNT_LABELLED.format(first="28×28×6", second="62x62x10")
    assert judged(doc, 5) == ["right"] and judged(doc, 11) == ["right"]
    doc = COUNT_LABELLED.format(first="28×28×3", second="62x62x3")
    assert judged(doc, 5) == ["wrong"] and judged(doc, 11) == ["wrong"]


KERAS_COUNTS = """\
# Model

```python
model = Sequential([
    Conv2D(16, (3, 3), input_shape=(32, 32, 3)),
    MaxPooling2D((2, 2)),
    Conv2D(32, (3, 3)),
    Flatten(),
    Dense(10),
])
```

{line}
"""


def counted(line: str) -> list[str]:
    return judged(KERAS_COUNTS.format(line=line), 13)


def test_a_layers_parameters_with_and_without_its_biases() -> None:
    # "parameters" alone: with the biases is right, without them is left open (not wrong)
    assert counted("The first layer has 448 parameters.") == ["right"]
    assert counted("The first layer has 432 parameters.") == ["unverified"]
    assert counted("The first layer has 440 parameters.") == ["wrong"]
    # "weights": the reverse
    assert counted("The first layer has 432 weights.") == ["right"]
    assert counted("The first layer has 448 weights.") == ["unverified"]
    assert counted("The first layer has 432 weights and 16 biases.") == ["right"]
    # the words fix the convention: then one count is right and the other wrong
    assert counted("The first layer has 432 parameters (not counting the biases).") == ["right"]
    assert counted("The first layer has 448 parameters (not counting the biases).") == ["wrong"]
    assert counted("The first layer has 432 parameters including the biases.") == ["wrong"]
    assert counted("第一层参数量为 432\uff08不含偏置\uff09。") == ["right"]
    # a bias said of another clause says nothing of this count
    assert counted("The first layer has 448 parameters; without the biases it has fewer.") == [
        "right"
    ]


def test_an_ordinal_layer_is_read_only_where_every_count_of_layers_agrees() -> None:
    # conv, pool, conv: "the second layer" is the pooling, or the second convolution
    assert counted("The number of parameters of the second layer is 4640.") == []
    assert counted("第二层参数量为 4640。") == []
    assert counted("The output of the second layer is 13 × 13 × 32.") == []
    assert counted("The second conv layer has 4640 parameters.") == ["right"]
    assert counted("The output size of the second convolution is 13 × 13 × 32.") == ["right"]
    assert counted("The output size of the second convolution is 15 × 15 × 32.") == ["wrong"]
    assert counted("The first layer has 448 parameters.") == ["right"]


def test_the_one_layer_of_a_kind_the_words_name() -> None:
    assert counted("The dense layer has 54090 parameters.") == ["right"]
    assert counted("The dense layer has 54000 parameters.") == ["wrong"]
    # two convolutions: "the conv layer" names neither
    assert counted("The conv layer has 448 parameters.") in ([], ["unverified"])


def test_a_size_after_a_word_of_result_is_the_output_not_the_input() -> None:
    # "on a 7 × 7 input gives 3 × 3": the input is 7 × 7 (its size before the word), 3 × 3 the
    # result (it was read as the input, and the true result called wrong)
    right_doc = (
        "A $2 \\times 2$ max pooling with stride 2 on a $7 \\times 7$ input gives $3 \\times 3$.\n"
    )
    assert judged(right_doc, 1) == ["right"]
    wrong_doc = (
        "A $2 \\times 2$ max pooling with stride 2 on a $7 \\times 7$ input gives $4 \\times 4$.\n"
    )
    assert judged(wrong_doc, 1) == ["wrong"]


PRINTED = """\
# Keras model

```python
model = Sequential()
model.add(Conv2D(8, 3, strides=2, padding='same', input_shape=(15, 15, 1)))
model.add(Conv2D(8, 3, padding='valid'))
```

The output shape of the first layer is {first}.

The output shape of the second layer is {second}.
"""


def test_a_shape_as_a_framework_prints_it_is_read_without_its_batch_placeholder() -> None:
    doc = PRINTED.format(first="(None, 8, 8, 8)", second="(None, 6, 6, 8)")
    assert judged(doc, 9) == ["right"] and judged(doc, 11) == ["right"]
    doc = PRINTED.format(first="(None, 7, 7, 8)", second="`torch.Size([1, 7, 7, 8])`")
    assert judged(doc, 9) == ["wrong"]
    # torch.Size([1, 7, 7, 8]): a batch of 1 the document never states: not judged as a shape
    assert judged(doc, 11) == ["unverified"]


MULTIPLICATIONS = """\
# Q1

An input of 32x32x3 goes through 16 filters of 3x3 with stride 1 and padding 1. \
How many {asked} does the layer need?

Answer: {answer}
"""


def test_a_layers_multiplications_are_one_per_weight_per_output_position() -> None:
    # 32·32 positions × 16 filters × 3·3·3 taps (a MAC each)
    doc = MULTIPLICATIONS.format(asked="multiplications", answer="442368")
    assert judged(doc, 5) == ["right"]
    assert judged(MULTIPLICATIONS.format(asked="MACs", answer="442368"), 5) == ["right"]
    assert judged(MULTIPLICATIONS.format(asked="multiplications", answer="27648"), 5) == ["wrong"]
    # FLOPs: 2·MACs or MACs, by convention: never judged as multiplications
    assert "wrong" not in judged(MULTIPLICATIONS.format(asked="FLOPs", answer="884736"), 5)
    assert "wrong" not in judged(MULTIPLICATIONS.format(asked="FLOPs", answer="442368"), 5)


# -- data stated for a section ------------------------------------------------------------------

SETUP = """\
## Problem 1

{data}

The output is {out}.

{between}Next, 2×2 max pooling with stride 2 gives an output of {pooled}.

The number of MACs is ${macs}$.
"""


def setup(**given: str) -> str:
    values = {"data": "The input is 32×32×3 and we use 6 filters of 5×5, stride 1, no padding.",
              "out": "28×28×6", "between": "", "pooled": "14×14×6", "macs": "352800"}  # fmt: skip
    return SETUP.format(**{**values, **given})


def test_data_stated_without_a_question_holds_for_the_results_of_its_section() -> None:
    doc = setup()
    assert judged(doc, 5) == ["right"]  # the output, a paragraph after the data
    assert judged(doc, 7) == ["right"]  # the pooling takes what the convolution puts out
    assert judged(doc, 9) == ["right"]  # 28·28·6·5·5·3 multiplications (the one convolution)
    wrong = setup(out="26×26×6", pooled="13×13×6", macs="442368")
    assert judged(wrong, 5) == ["wrong"] and judged(wrong, 7) == ["wrong"]
    assert judged(wrong, 9) == ["wrong"]
    chinese = setup(
        data="输入图像为 $32\\times32\\times3$\uff0c卷积核大小为 $5\\times5$\uff0c"
        "步长为 1\uff0c不填充\uff0c卷积核个数为 6。",
        out="$28\\times28\\times6$",
    )
    assert judged(chinese, 5) == ["right"]
    pooling = (
        "## 1\n\n输入为 32×32×3 的图像\uff0c使用 6 个 5×5 的卷积核\uff0c步长为 1\uff0c"
        "不填充。\n\n池化层\uff1a2×2 最大池化\uff0c步长 2\uff0c输出 14×14×6。\n"
    )
    assert judged(pooling, 5) == ["right"]


def test_data_stated_for_a_section_ends_where_another_layer_is_said() -> None:
    # a line that changes a datum, or names another layer without its data: what follows may
    # be about that layer
    changed = setup(between="With stride 2 instead we would get 14×14×6.\n\n")
    assert judged(changed, 9) == [] and judged(changed, 11) == ["unverified"]
    other = setup(between="Then a second convolution is applied.\n\n")
    assert judged(other, 9) == [] and judged(other, 11) == ["unverified"]
    # a heading starts another section
    assert judged(setup(between="## Problem 2\n\n"), 9) == []


def test_a_count_for_one_output_position_is_not_the_layers() -> None:
    doc = setup(
        macs="28 \\cdot 28 \\cdot 6 \\cdot 75 = 352800",
        between="Every output value needs $5 \\cdot 5 \\cdot 3 = 75$ multiplications.\n\n",
    )
    assert judged(doc, 7) == ["right"]  # 75 is right arithmetic, and no layer's count
    assert judged(doc, 11) == ["right"]


# -- a module class: its layers run in the order forward calls them ------------------------------

MODULE = """\
# A classifier for CIFAR-10

```python
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear({features}, 120)
        self.fc2 = nn.Linear(120, 10)
{forward}
```

conv1 has {conv1} parameters.
"""
FORWARD = """
    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        return self.fc2(F.relu(self.fc1(x)))
"""


def module(features: str = "16 * 5 * 5", conv1: str = "456", forward: str = FORWARD) -> str:
    return MODULE.format(features=features, conv1=conv1, forward=forward)


def test_a_module_classs_layers_run_in_the_order_its_forward_calls_them() -> None:
    # __init__ declares the pooling once; forward applies it after each convolution
    assert judged(module(), 10) == ["right"]  # 16·5·5 = 400 features reach fc1
    assert judged(module(), 11) == ["right"]
    assert judged(module(features="16 * 6 * 6"), 10) == ["wrong"]
    # a layer named by its attribute: conv1's parameters, from its own in_channels
    assert judged(module(), 21) == ["right"]
    assert judged(module(conv1="460"), 21) == ["wrong"]
    # a forward that branches is not one line of calls: nothing about the order is judged
    branching = FORWARD.replace("        x = torch.flatten", "        if self.training:\n"
                                "            x = x * 2\n        x = torch.flatten")  # fmt: skip
    assert judged(module(forward=branching), 10) == []
    # no forward: the declarations give no order
    assert judged(module(forward=""), 10) == []


def test_the_features_after_a_map_of_unstated_size_are_not_its_channels() -> None:
    code = (
        "```python\nself.conv1 = nn.Conv2d(3, 16, 3)\nself.conv2 = nn.Conv2d(16, 32, 3)\n"
        "self.fc = nn.Linear({features}, 10)\n```\n"
    )
    # the input is not stated: 32 channels reach fc, times sizes nobody states
    assert judged(code.format(features="32 * 6 * 6"), 4) == ["unverified"]
    assert judged(code.format(features="32"), 4) == ["unverified"]
    assert judged(code, 3) == ["right"]  # conv2 takes what conv1 puts out: 16 channels


# -- a Keras model.summary() printed after the code ----------------------------------------------

SUMMARY = """\
```python
model = Sequential()
model.add(Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Dropout(0.25))
model.add(Flatten())
model.add(Dense(10, activation='softmax'))
```

```
Layer (type)                 Output Shape              Param #
=================================================================
conv2d_1 (Conv2D)            (None, {conv}, 32)        320
max_pooling2d_1 (MaxPooling2 (None, 13, 13, 32)        0
dropout_1 (Dropout)          (None, 13, 13, 32)        0
flatten_1 (Flatten)          (None, 5408)              0
{dense}
=================================================================
Total params: {total}
```
"""


def summary(
    conv: str = "26, 26", dense: str = "dense_1 (Dense)  (None, 10)  54090", total: str = "54,410"
) -> str:
    return SUMMARY.format(conv=conv, dense=dense, total=total)


def test_a_keras_summary_states_the_shapes_and_parameters_of_the_codes_layers() -> None:
    assert judged(summary(), 13) == ["right", "right"]
    assert judged(summary(), 14) == ["right", "right"]  # the pooling, its type cut short
    assert judged(summary(), 17) == ["right", "right"]  # 5408·10 + 10
    assert judged(summary(conv="28, 28"), 13) == ["wrong", "right"]
    # Keras counts the biases: 54080 is not its Param #
    assert judged(summary(dense="dense_1 (Dense)  (None, 10)  54080"), 17) == ["right", "wrong"]
    # a row the code does not have: the summary of another model, nothing read
    other = summary(dense="dense_1 (Dense)  (None, 64)  346176\ndense_2 (Dense)  (None, 10)  650")
    assert judged(other, 13) == []
    # the total: 320 + 54090
    assert judged(summary(), 19) == ["right"]
    assert judged(summary(total="54,400"), 19) == ["wrong"]
    # a row the network leaves out that has parameters (batch normalisation): no total
    normalised = summary().replace(
        "dropout_1 (Dropout)          (None, 13, 13, 32)        0",
        "batch_normalization_1 (Batc  (None, 13, 13, 32)        128",
    )
    assert judged(normalised, 17) == ["right", "right"] and judged(normalised, 19) == []


def test_a_forward_that_is_not_one_line_of_layers_gives_no_order() -> None:
    sequential = module(forward=FORWARD).replace(
        "self.conv1 = nn.Conv2d(3, 6, 5)", "self.conv1 = nn.Sequential(nn.Conv2d(3, 6, 5))"
    )
    assert judged(sequential, 10) == ["right"]  # a Sequential attribute: its layers in order
    residual = FORWARD.replace(
        "x = self.pool(F.relu(self.conv2(x)))", "x = self.pool(F.relu(self.conv2(x)) + x)"
    )
    assert judged(module(forward=residual), 10) == []
    two = FORWARD.replace("x = torch.flatten(x, 1)", "y = torch.flatten(x, 1)")
    assert judged(module(forward=two), 10) == []  # fc1 then reads x, not y


def test_a_layer_chained_where_the_output_before_it_was_not_said_is_not_proven_wrong() -> None:
    # the output of the convolution is not stated: a layer the words leave out may sit
    # between it and the pooling (equal is right, different is not proven wrong)
    doc = "## 1\n\n{data}\n\nNext, 2×2 max pooling with stride 2 gives an output of {pooled}.\n"
    data = "The input is 32×32×3 and we use 6 filters of 5×5, stride 1, no padding."
    assert judged(doc.format(data=data, pooled="14×14×6"), 5) == ["right"]
    assert judged(doc.format(data=data, pooled="13×13×6"), 5) == ["unverified"]


WHOLE_INPUTS = """\
| Layer | Type | Input | Kernel | Stride | Filters | Output size | Parameters |
|---|---|---|---|---|---|---|---|
| C1 | conv | {first} | 5×5 | 1 | 6 | 28×28×6 | 156 |
| S2 | max pool | {second} | 2×2 | 2 | - | 14×14×6 | 0 |
| C3 | conv | 14×14×6 | 5×5 | 1 | 16 | 10×10×16 | 2416 |
"""


def test_an_input_column_holding_the_whole_volume_gives_its_channels() -> None:
    doc = WHOLE_INPUTS.format(first="32×32×1", second="28×28×6")
    # 32×32×1 is a 32 × 32 map of one channel, not a map of three sizes
    assert judged(doc, 3) == ["right", "right"]
    assert judged(doc, 4) == ["right", "right", "right"]
    assert judged(doc, 5) == ["right", "right", "right"]
    # the row above puts out 28×28×6: a different input is not proven wrong (a layer may sit
    # between), and a volume whose channel axis is not shown states no input
    assert judged(WHOLE_INPUTS.format(first="32×32×1", second="26×26×6"), 4)[0] == "unverified"
    assert judged(WHOLE_INPUTS.format(first="64×48×128", second="28×28×6"), 3) == [
        "unverified", "unverified"
    ]  # fmt: skip


def test_data_and_results_written_with_escaped_products() -> None:
    doc = (
        "### Exercise 3\n\nThe input is 28\\*28\\*1 and we use 32 filters of 3\\*3, stride 1, "
        "padding 1.\n\nThe output is {out}.\n"
    )
    assert judged(doc.format(out="28\\*28\\*32"), 5) == ["right"]
    # the whole product is the value: 28\*28\*16 is not the 28 it starts with
    assert judged(doc.format(out="28\\*28\\*16"), 5) == ["wrong"]


def test_data_said_as_an_example_in_passing_holds_for_its_paragraph_only() -> None:
    example = "For example, a 7×7 input with 3×3 filters gives a 5×5 output.\n\n"
    stated = setup(between="")
    doc = stated.replace("The output is 28×28×6.\n\n", f"{example}The output is 28×28×6.\n\n")
    assert judged(doc, 7) == []  # not judged against the example's 7×7 input
    question = (
        "## Q1\n\nYou have an input volume that is 32×32×3 and convolve it with 6 filters of "
        "5×5, stride 1, no padding. What is the output volume?\n\nThe input is 7×7×1 and we use "
        "1 filter of 3×3.\n\nThe output volume is 28×28×6.\n"
    )
    assert "wrong" not in judged(question, 7)


def test_a_pooling_function_in_forward_is_the_pooling_layer() -> None:
    forward = (
        "\n    def forward(self, x):\n        x = F.max_pool2d(F.relu(self.conv1(x)), 2)\n"
        "        x = F.max_pool2d(F.relu(self.conv2(x)), (2, 2))\n"
        "        x = x.view(-1, 16 * 5 * 5)\n        return self.fc2(F.relu(self.fc1(x)))\n"
    )
    assert judged(module(forward=forward), 10) == ["right"]
    assert judged(module(features="16 * 6 * 6", forward=forward), 10) == ["wrong"]


def test_the_size_right_before_the_input_word_is_the_inputs() -> None:
    # "A 4 × 4 input with 2×2 max pooling": 2×2 after "input with" is the window, not the input
    doc = (
        "A $4 \\times 4$ input with $2\\times 2$ max pooling, stride 2, "
        "gives a $2 \\times 2$ output.\n"
    )
    assert judged(doc, 1) == ["right"]
    assert judged(doc.replace("a $2 \\times 2$ output", "a $3 \\times 3$ output"), 1) == ["wrong"]
    # "an input with 3×3 average pooling": the size names the pooling window, no input stated
    doc = "An input with $3 \\times 3$ average pooling, stride 1, gives a $2 \\times 2$ output.\n"
    assert "wrong" not in judged(doc, 1)


def test_a_kernel_cell_that_labels_the_stride_is_never_read_as_the_stride() -> None:
    # "| conv1 | 227 | 11, s=4 | 55 × 55 |": the last side "4" is the stride's, not the kernel's
    doc = (
        "| layer | input | kernel | output |\n|---|---|---|---|\n"
        "| conv1 | 227 | 11, s=4 | 55 × 55 |\n| conv2 | 55 | 5, p=2 | 55 × 55 |\n"
    )
    assert "wrong" not in judged(doc, 3) and "wrong" not in judged(doc, 4)
    # a kernel column holding only its own value is still read
    plain = (
        doc.replace("11, s=4", "11")
        .replace("5, p=2", "5")
        .replace("| 55 × 55 |\n|", "| 217 × 217 |\n|", 1)
    )
    assert judged(plain, 3) == ["right"]

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

"""``symconv shapes``: text and JSON output, bad arguments, and the installed console script."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from symconv.cli import main

NYU = ["shapes", "conv", "--input", "48", "64", "10", "--kernel", "3", "3", "--filters", "20"]


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_conv_prints_shape_parameters_and_multiplications_as_plain_integers(capsys):
    code, out, err = run(capsys, NYU)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert "output shape: 46 62 20" in lines
    assert "parameters: 1820" in lines
    assert "multiplications: 5133600" in lines
    assert "weights: 1800" in lines and "biases: 20" in lines


def test_conv_text_carries_the_worked_latex_of_each_number(capsys):
    _, out, _ = run(capsys, NYU)
    assert "&= 10 \\cdot 3 \\cdot 3 \\cdot 20 + 20 \\\\" in out
    assert "o_{H} &= " in out and "o_{W} &= " in out
    assert "5{,}133{,}600" in out
    assert "parameters = weights + biases" in out


def test_number_format_reaches_the_latex(capsys):
    _, out, _ = run(capsys, [*NYU, "--number-format", "scientific"])
    assert "5.1336 \\times 10^{6}" in out
    assert "multiplications: 5133600" in out  # the plain line stays plain


def test_conv_json_is_a_stable_object(capsys):
    code, out, _ = run(capsys, [*NYU, "--format", "json"])
    assert code == 0
    document = json.loads(out)
    assert document["schema_version"] == 1
    assert document["operation"] == "conv"
    assert document["input"] == {"shape": [48, 64, 10], "axes": ["H", "W", "C"]}
    assert document["output_shape"] == [46, 62, 20]
    assert document["parameters"] == 1820
    assert document["multiplications"] == 5133600
    assert document["additions"] == 5133600
    derivations = document["derivations"]
    assert set(derivations) == {"output_shape", "parameters", "multiplications", "additions"}
    assert derivations["parameters"]["answer_srepr"] == "Integer(1820)"
    assert derivations["output_shape"]["answer_srepr"] == (
        "Tuple(Integer(46), Integer(62), Integer(20))"
    )
    assert all(check["passed"] for d in derivations.values() for check in d["checks"])


def test_conv_without_bias_groups_stride_padding(capsys):
    argv = ["shapes", "conv", "--input", "100", "100", "256", "--kernel", "3", "--filters"]
    _, out, _ = run(capsys, [*argv, "256", "--padding", "same", "--no-bias", "--format", "json"])
    document = json.loads(out)
    assert document["output_shape"] == [100, 100, 256]
    assert document["parameters"] == 589824  # nndl 5-4, weights only
    assert document["multiplications"] == 5898240000
    _, out, _ = run(capsys, [*argv, "8", "--groups", "4", "--stride", "2", "--padding", "1", "0"])
    assert "output shape: 50 49 8" in out.splitlines()
    assert "parameters: 4616" in out.splitlines()  # 3·3·(256/4)·8 + 8


def test_pool_with_ceil_mode(capsys):
    base = ["shapes", "pool", "--input", "5", "5", "3", "--kernel", "2"]
    _, out, _ = run(capsys, base)
    assert "output shape: 2 2 3" in out.splitlines()
    _, out, _ = run(capsys, [*base, "--ceil-mode"])
    assert "output shape: 3 3 3" in out.splitlines()
    argv = ["shapes", "pool", "--input", "2", "2", "1", "--kernel", "2", "--stride", "3"]
    _, out, _ = run(capsys, [*argv, "--padding", "1", "--ceil-mode", "--format", "json"])
    assert json.loads(out)["output_shape"] == [1, 1, 1]


def test_transpose_with_output_padding(capsys):
    argv = ["shapes", "transpose", "--input", "2", "2", "3", "--kernel", "3", "--filters", "4"]
    argv += ["--stride", "2", "--padding", "1"]
    _, out, _ = run(capsys, argv)
    assert "output shape: 3 3 4" in out.splitlines()
    _, out, _ = run(capsys, [*argv, "--output-padding", "1", "--format", "json"])
    document = json.loads(out)
    assert document["output_shape"] == [4, 4, 4]
    assert document["parameters"] == 3 * 3 * 3 * 4 + 4


def test_receptive_field(capsys):
    argv = ["shapes", "receptive-field", "--layer", "3", "2", "--layer", "3", "2"]
    _, out, _ = run(capsys, [*argv, "--layer", "3", "1", "2"])
    assert "receptive field: 23" in out.splitlines()
    assert "jump: 4" in out.splitlines()
    _, out, _ = run(capsys, [*argv, "--format", "json"])
    document = json.loads(out)
    assert document["receptive_field"] == 7 and document["layers"] == [[3, 2], [3, 2]]


@pytest.mark.parametrize(
    "argv,message",
    [
        (
            ["conv", "--input", "2", "2", "10", "--kernel", "3", "--filters", "20"],
            "axis H: o = ⌊(2 + 2·0 − 1·(3−1) − 1)/1⌋ + 1 = 0 < 1",
        ),
        (["conv", "--input", "48", "--kernel", "3", "--filters", "2"], "channels last"),
        (
            ["conv", "--input", "8", "8", "3", "--kernel", "3", "3", "3", "--filters", "2"],
            "--kernel 3 3 3: expected 1 or 2 values",
        ),
        (
            ["conv", "--input", "8", "8", "3", "--kernel", "3", "--filters", "2", "--stride", "0"],
            "stride s=0",
        ),
        (["conv", "--input", "8", "8", "3", "--kernel", "3", "--filters", "0"], "out_channels M=0"),
        (
            ["conv", "--input", "8", "8", "3", "--kernel", "3", "--filters", "4", "--groups", "2"],
            "groups G=2 does not divide in_channels C=3",
        ),
        (
            [
                "conv",
                "--input",
                "8",
                "8",
                "3",
                "--kernel",
                "3",
                "--filters",
                "4",
                "--padding",
                "same",
                "1",
            ],
            "stands alone",
        ),
        (["pool", "--input", "9", "9", "1", "--kernel", "3", "--padding", "2"], "2p = 4 > k = 3"),
        (["pool", "--input", "9", "9", "1", "--kernel", "3", "--padding", "same"], "integer"),
        (["receptive-field", "--layer", "3", "1", "1", "1"], "expected K S or K S D"),
    ],
)
def test_bad_values_exit_2_with_a_message(capsys, argv, message):
    code, out, err = run(capsys, ["shapes", *argv])
    assert code == 2
    assert out == ""
    assert message in err


@pytest.mark.parametrize(
    "argv",
    [
        ["conv", "--input", "48", "64", "10", "--kernel", "3"],  # --filters missing
        ["conv", "--input", "48", "x", "10", "--kernel", "3", "--filters", "2"],
        ["conv", "--input", "8", "8", "1", "--kernel", "3", "--filters", "2", "--padding", "half"],
        ["conv", "--input", "8", "8", "1", "--kernel", "3", "--filters", "2", "--format", "xml"],
        ["unknown"],
        [],
    ],
)
def test_bad_usage_exits_2(capsys, argv):
    with pytest.raises(SystemExit) as caught:
        main(["shapes", *argv])
    assert caught.value.code == 2
    assert "usage: symconv shapes" in capsys.readouterr().err


def test_console_script(tmp_path):
    script = shutil.which("symconv")
    command = [script] if script else [sys.executable, "-m", "symconv.cli"]
    result = subprocess.run(
        [*command, *NYU, "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["output_shape"] == [46, 62, 20]
    bad = subprocess.run(
        [*command, "shapes", "conv", "--input", "2", "2", "1", "--kernel", "3", "--filters", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert bad.returncode == 2 and "larger than the padded input" in bad.stderr

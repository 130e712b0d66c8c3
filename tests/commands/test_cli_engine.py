"""``symconv derive`` and ``symconv convmatrix``: the engine on the command line, its formats,
its errors; and help text free of reST markup for every sub-command."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest

from symconv.cli import EXIT_USAGE, build_parser, main
from symconv.commands import COMMANDS

CONV_1D = "Z[i,m,j] = b[m] + sum(W[m,n,k] * X[i,n,j+k])"


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- derive ------------------------------------------------------------------------------------
def test_derive_markdown_gives_the_closed_form_and_its_checks(capsys):
    code, out, err = run(capsys, ["derive", CONV_1D, "--wrt", "X"])
    assert code == 0 and err == ""
    assert out.startswith("**Backward pass of Z with respect to X**")
    answer = next(line for line in out.splitlines() if line.startswith("**Answer:**"))
    assert answer == (
        "**Answer:** $\\frac{\\partial J}{\\partial X[i, n, j]} = "
        "\\sum_{\\substack{0 \\leq m \\leq M - 1\\\\0 \\leq k \\leq K - 1}} "
        "\\frac{\\partial J}{\\partial Z[i, m, j - k]} W[m, n, k] "
        "\\left[0 \\leq j - k \\leq N_{j} - 1\\right]$"
    )
    assert "*checked: exact vs sympy.diff of the explicit forward ✓; " in out


def test_the_readme_derive_example(capsys):
    # README: symconv derive "y[i] = sum(w[k]*x[i+k])" --wrt x
    code, out, err = run(capsys, ["derive", "y[i] = sum(w[k]*x[i+k])", "--wrt", "x"])
    assert code == 0 and err == ""
    answer = next(line for line in out.splitlines() if line.startswith("**Answer:**"))
    assert answer == (
        "**Answer:** $\\frac{\\partial J}{\\partial x[i]} = \\sum_{k=0}^{K - 1} "
        "\\frac{\\partial J}{\\partial y[i - k]} w[k] \\left[0 \\leq i - k \\leq I - 1"
        "\\right]$"
    )
    assert out.rstrip().endswith(
        "*checked: exact vs sympy.diff of the explicit forward ✓; numeric vs central differences ✓*"
    )
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert 'symconv derive "y[i] = sum(w[k]*x[i+k])" --wrt x' in readme
    assert "symconv convmatrix --input 3 3 --kernel 2 2" in readme


def test_derive_json_carries_answer_steps_and_passed_checks(capsys):
    code, out, _ = run(
        capsys, ["derive", "U[i,j] = sigmoid(Z[i,j])", "--wrt", "Z", "--format", "json"]
    )
    assert code == 0
    document = json.loads(out)
    assert document["schema_version"] == 1
    assert document["answer_srepr"].startswith("Mul(")
    assert document["answer_latex"].startswith("\\frac{\\partial J}{\\partial Z[i, j]} = ")
    assert "U[i, j]" in document["answer_latex"]  # written with the layer's output
    assert [check["passed"] for check in document["checks"]] == [True, True]


def test_derive_tex_is_a_display_with_comments(capsys):
    code, out, _ = run(capsys, ["derive", CONV_1D, "--wrt", "b", "--format", "tex"])
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "% Backward pass of Z with respect to b"
    assert lines[1].startswith("% conventions: ∂J/∂Z is the given gradient")
    assert lines[2].startswith("% checked: ")
    assert lines[3] == "\\[" and lines[4] == "\\begin{aligned}"
    assert lines[-2:] == ["\\end{aligned}", "\\]"]


def test_derive_upstream_and_subscript_notation_reach_the_output(capsys):
    code, out, _ = run(
        capsys,
        ["derive", CONV_1D, "--wrt", "W", "--upstream", "L", "--notation", "subscript"],
    )
    assert code == 0
    assert "\\frac{\\partial L}{\\partial W_{m,n,k}}" in out
    assert "\\partial J" not in out


@pytest.mark.parametrize(
    ("formula", "wrt", "expected"),
    [
        ("Z[i = 1", "W", "FORMULA 'Z[i = 1': cannot read the index formula at column 5"),
        ("Z[i] = sum(W[k] * X[i+k])", "Q", "FORMULA 'Z[i] = sum(W[k] * X[i+k])' --wrt Q: "),
        ("Z[i] = sum(W[k] * X[i+k])", "Z", "reads no tensor Z (it reads ['W', 'X'])"),
    ],
)
def test_derive_errors_name_the_input_and_exit_2(capsys, formula, wrt, expected):
    code, out, err = run(capsys, ["derive", formula, "--wrt", wrt])
    assert code == EXIT_USAGE and out == ""
    assert err.startswith("symconv derive: error: ")
    assert expected in err
    assert "Traceback" not in err


@pytest.mark.parametrize("upstream", ["", "1x", "d J", "∂J"])
def test_derive_refuses_an_upstream_that_is_not_a_name(capsys, upstream):
    code, out, err = run(capsys, ["derive", CONV_1D, "--wrt", "W", "--upstream", upstream])
    assert code == EXIT_USAGE and out == ""
    assert err.startswith(f"symconv derive: error: --upstream {upstream!r}: expected the name")


# -- convmatrix --------------------------------------------------------------------------------
def test_convmatrix_nndl_5_5(capsys):
    code, out, err = run(capsys, ["convmatrix", "--input", "3", "3", "--kernel", "2", "2"])
    assert code == 0 and err == ""
    assert out.startswith("**The convolution matrix: vec(z) = C vec(x)**")
    row = "w_{11} & w_{12} & 0 & w_{21} & w_{22} & 0 & 0 & 0 & 0"
    assert f"**Answer:** $C = \\begin{{bmatrix}}{row}\\\\" in out
    assert "C is 4×9 (per sample; one row per output entry)" in out
    assert "✗" not in out


def test_convmatrix_json_stride_padding_base_and_op(capsys):
    argv = ["convmatrix", "--input", "3", "--kernel", "2", "--padding", "1", "--stride", "2"]
    code, out, _ = run(capsys, [*argv, "--base", "0", "--op", "convolution", "--format", "json"])
    assert code == 0
    document = json.loads(out)
    # padded x: 0 x0 x1 x2 0; the flipped kernel (w1, w0) at 0 and 2: w0·x0, w1·x1 + w0·x2
    assert document["answer_latex"] == (
        "C = \\begin{bmatrix}w_{0} & 0 & 0\\\\0 & w_{1} & w_{0}\\end{bmatrix}"
    )
    assert [check["passed"] for check in document["checks"]] == [True, True, True]
    assert (
        document["conventions"][0] == "true convolution (kernel flipped along every spatial axis)"
    )


def test_convmatrix_padding_word_and_elision(capsys):
    argv = ["convmatrix", "--input", "6", "6", "--kernel", "3", "--padding", "same"]
    code, out, _ = run(capsys, [*argv, "--max-matrix", "4", "--format", "tex"])
    assert code == 0
    assert "C is 36×36" in out
    assert "\\cdots" in out and "\\vdots" in out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["--input", "3", "3", "--kernel", "2", "2", "2"],
            "--kernel 2 2 2: expected 1 or 2 values",
        ),
        (["--input", "2", "--kernel", "3"], "kernel"),
        (["--input", "40", "40", "--kernel", "3"], "C would be 1444×1600 = 2310400 entries"),
        (["--input", "3", "--kernel", "2", "--padding", "same", "1"], "a word"),
        (["--input", "3", "--kernel", "2", "--max-matrix", "2"], "--max-matrix 2"),
    ],
)
def test_convmatrix_bad_sizes_are_usage_errors(capsys, argv, expected):
    code, out, err = run(capsys, ["convmatrix", *argv])
    assert code == EXIT_USAGE and out == ""
    assert err.startswith("symconv convmatrix: error: ") and expected in err, err


# -- help text ---------------------------------------------------------------------------------
REST_MARKUP = re.compile(r"``|:(func|class|meth|mod|data|attr):`")


def _every_help() -> dict[str, str]:
    parser = build_parser()
    helps = {"symconv": parser.format_help()}
    for name, sub in _sub_parsers(parser).items():
        helps[name] = sub.format_help()
        for inner, operation in _sub_parsers(sub).items():
            helps[f"{name} {inner}"] = operation.format_help()
    return helps


def _sub_parsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse keeps its sub-parsers in this private table only
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def test_every_sub_command_has_help():
    helps = _every_help()
    assert set(COMMANDS) <= set(helps)
    assert {"shapes conv", "shapes pool", "shapes transpose", "shapes receptive-field"} <= set(
        helps
    )


@pytest.mark.parametrize("name", ["symconv", *COMMANDS])
def test_help_has_no_rest_markup(name):
    helps = {key: text for key, text in _every_help().items() if key.split()[0] == name}
    for key, text in helps.items():
        assert not REST_MARKUP.search(text), f"{key} --help: {REST_MARKUP.search(text)}"

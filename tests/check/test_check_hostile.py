"""Hostile and bad input (issue 8's table): each gets a clear message naming the file, exit code 2
or an ``unverified`` claim — never a crash, a hang or a silent pass."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from symconv.cli import main


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


REFUSED = [
    ("binary.md", bytes(range(256)) * 8, "binary data"),
    ("latin1.md", "caf\xe9 $1+1=2$\n".encode("latin-1"), "not valid UTF-8"),
    ("big.md", "x" * 10_000_000, "over the size cap"),
    ("matrix.md", "$$\\begin{bmatrix}" + " \\\\ ".join(["1 & " * 999 + "1"] * 1000)
     + "\\end{bmatrix} = 0$$\n", "over the size cap"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "content", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_unreadable_inputs_exit_2_naming_the_file(tmp_path, capsys, name, content, message):
    path = _write(tmp_path, name, content)
    assert main(["check", str(path)]) == 2
    error = capsys.readouterr().err
    assert name in error and message in error


UNVERIFIED = [
    ("braces.md", "$" + "{" * 10_000 + "x" + "}" * 10_000 + " = 1$\n", "nested"),
    ("display.md", "$$" + "{" * 10_000 + "x" + "}" * 10_000 + " = 1$$\n", "nested"),
    ("unknown.md", "$x = \\unknowncmd{3}$\n", "unknown command"),
    ("broken.md", "$1 + = 2$\n", "could not read"),
]


@pytest.mark.parametrize(("name", "content", "message"), UNVERIFIED, ids=[u[0] for u in UNVERIFIED])
def test_unreadable_math_is_unverified_with_the_reason(tmp_path, capsys, name, content, message):
    path = _write(tmp_path, name, content)
    assert main(["check", str(path), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    verdicts = [(c["verdict"], c["message"]) for c in report["claims"]]
    assert verdicts and all(v == "unverified" for v, _ in verdicts)
    assert any(message in m for _, m in verdicts)


def test_tex_primitives_are_never_interpreted_and_say_so(tmp_path, capsys):
    path = _write(tmp_path, "defs.tex", "\\def\\x{1} \\input{/etc/passwd} \\write18{ls}\n$1+1=2$\n")
    assert main(["check", str(path), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert any("\\input" in w and "not interpreted" in w for w in report["warnings"])
    assert [c["verdict"] for c in report["claims"]] == ["right"]


@pytest.mark.parametrize(
    ("content", "verdict"),
    ids=["huge-sum-right", "huge-sum-wrong", "tower-of-powers"],
    argvalues=[
        ("$\\sum_{k=1}^{1000000000} k = 500000000500000000$\n", "right"),  # summed in closed form
        ("$\\sum_{k=1}^{1000000000} k = 5$\n", "wrong"),
        ("$10^{10^{10}} = 5$\n", "wrong"),  # decided without expanding the power
    ],
)
def test_huge_values_are_decided_without_expanding_them(tmp_path, capsys, content, verdict):
    path = _write(tmp_path, "huge.md", content)
    main(["check", str(path), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert [c["verdict"] for c in report["claims"]] == [verdict]


def test_an_empty_file_is_an_empty_report(tmp_path, capsys):
    path = _write(tmp_path, "empty.md", "")
    assert main(["check", str(path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["claims"] == []


def test_a_tower_inside_a_binomial_is_not_evaluated(tmp_path, capsys):
    # Found by tools/fuzz_checker.py (seed 0, input 6126): SymPy evalf'd 46^(10^(10^10)).
    text = "$\\binom{\\binom{n}{\\left( 46^{10^{10^{10}}} \\right)}}{2} = 1$\n"
    path = _write(tmp_path, "binom.md", text)
    main(["check", str(path), "--format", "json", "--time-limit", "1"])
    report = json.loads(capsys.readouterr().out)
    assert len(report["claims"]) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    ids=[
        "tower-in-cases-condition",
        "tower-compared-in-cases-condition",
        "root-of-tower",
        "binomial-under-ceiling",
        "function-of-tower-in-binomial",
        "quotient-by-tower",
        "sum-with-tower",
        "integer-part-of-exp",
    ],
    argvalues=[
        # each found by tools/fuzz_checker.py (seed 1): SymPy or mpmath expanded the number
        # (47 s of page faults; > 60 s; memory filled and the process killed)
        (
            "$y = \\begin{cases} 1 & \\text{if } \\left( 10^{10^{10}} \\right)^{2} - 7 > 0"
            " \\\\ 0 & \\text{otherwise} \\end{cases}$\n",
            "a tower of powers too large to compute with",
        ),  # input 377
        (
            "$y = \\begin{cases} 1 & \\text{if } 10^{10^{10}} > 7"
            " \\\\ 0 & \\text{otherwise} \\end{cases}$\n",
            "a number too large to decide",
        ),
        (
            "$\\sqrt{1.92e26^{9999999999999999^{10^{10^{10}}}}} > 7$\n",
            "a tower of powers too large to compute with",
        ),  # input 26127
        (
            "$y = \\lceil \\binom{10^{10^{10}}}{35.939} \\rceil + 1$\n",
            "\\binom of a number too large to compute with",
        ),  # input 862
        (
            "Using the chain rule, \\( a \\ne \\binom{\\lceil \\exp([10^{10^{10}}]) \\rceil}"
            "{\\lceil \\theta \\rceil} \\)\n",
            "exp(...) of a number too large to compute with",
        ),  # input 30172: mpmath's exp of the 10^10-digit number, 8.7 GB in C
        ("$y = \\frac{3}{10^{10^{10}}}$\n", "a quotient of a number too large to compute with"),
        ("$y = |10^{10^{10}} - 3|$\n", "a sum of a number too large to compute with"),
        # the ceiling asks for the integer part of exp(10^30), 10^30 digits: the reading runs
        # under the claim's time limit and the line is unverified, the rest of the file is read
        ("$y = \\lceil \\exp(10^{30}) \\rceil + 1$\n", "took longer than its limit of 2 s"),
    ],
)
def test_numbers_too_large_to_compute_are_refused_when_read(tmp_path, capsys, content, message):
    path = _write(tmp_path, "huge.md", content)
    started = time.perf_counter()
    main(["check", str(path), "--format", "json"])
    assert time.perf_counter() - started < 10
    [claim] = json.loads(capsys.readouterr().out)["claims"]
    assert claim["verdict"] == "unverified"
    assert message in claim["message"]


def test_macros_that_grow_without_end_are_bounded_per_formula_and_per_document():
    # \def\a{\a\a} never ends; \d doubles its argument, nested 15 deep in 2000 formulas: each
    # formula is read as written (unknown commands, unverified), and the file stays fast
    from symconv.check.markdown import split_document

    nested = "$" + "\\d{" * 15 + "x" + "}" * 15 + " = 1$\n"
    doc = "\\def\\a{\\a\\a}\\def\\d#1{#1#1}\n$\\a = 1$\n" + nested * 2000
    started = time.perf_counter()
    segments = [s for s in split_document(doc, "tex") if s.kind == "math"]
    assert time.perf_counter() - started < 2.0
    assert segments[0].text == "\\a = 1" and segments[-1].text == nested.strip()[1:-1]

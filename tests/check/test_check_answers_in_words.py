"""Answers stated in words, and the slip named behind a wrong value.

A number prose states as the answer ("**Answer:** 1830", "the answer is 1830.") is judged as one
written in math is — a wrong one was silently left out before; a number without that cue ("10
input channels") is never taken for the part's answer. A wrong value that the derivation's general
formula gives with one term left out is named as that slip (:mod:`symconv.check.slips`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from symconv.check.api import check

LAB = Path(__file__).resolve().parents[2] / "examples" / "sets" / "strided-lab.toml"


def _verdicts(text: str, against: str) -> list[tuple[str, str]]:
    report = check(text, against=against)
    return [(j.verdict, j.message) for j in report.judgements if j.claim.part is not None]


@pytest.mark.parametrize(
    ("line", "verdict"),
    [
        ("**Answer:** 1830", "wrong"),
        ("The answer is 1830.", "wrong"),
        ("The answer is 1820.", "right"),
        ("Answer: 1,820", "right"),
    ],
)
def test_a_number_stated_as_the_answer_in_words_is_judged(line, verdict):
    verdicts = _verdicts(f"## 3\n### (d)\n{line}\n", "nyu-cnn")
    assert [v for v, message in verdicts if "nyu-cnn-3d" in message] == [verdict]


def test_a_number_in_prose_without_an_answer_cue_is_not_the_answer():
    verdicts = _verdicts("## 3\n### (d)\nWith 10 input channels the answer is 1820.\n", "nyu-cnn")
    assert "wrong" not in [v for v, _ in verdicts]


@pytest.mark.parametrize(
    ("part", "value", "slip"),
    [
        ("lab-1a", "10", "the term − 1 of o = "),  # ⌊(29 + 2 − 4)/3⌋ + 1: the − 1 left out
        ("lab-1a", "8", "the term + 1 of o = "),  # ⌊26/3⌋: the final + 1 left out
        ("lab-1c", "1200", "the term + M of N_params = C K_1 K_2 M + M"),  # the bias dropped
    ],
)
def test_a_wrong_value_names_the_term_its_formula_left_out(part, value, slip):
    report = check(f"## lab-1\n### {part}\n**Answer:** ${value}$\n", against=str(LAB))
    [judgement] = report.judgements
    assert judgement.verdict == "wrong"
    assert judgement.diagnosis is not None and slip in judgement.diagnosis


def test_no_slip_is_named_when_two_omissions_give_the_value():
    # o = ⌊(48 + 2 − 2 − 1)/2⌋ + 1 = 24: 25 is the − 1 left out, and also the − d(k − 1)
    from symconv.check.slips import dropped_term
    from symconv.sizes.shapes import conv_output_size

    assert dropped_term(conv_output_size(48, 3, 2, 1), 25) is None
    assert dropped_term(conv_output_size(48, 3, 2, 1), 23) is None  # + 1 or 2p left out


def test_a_stated_location_is_judged_beside_a_list_of_right_ones(tmp_path):
    # nyu-cnn-2d's write-up: "**Answer:** (-6, (1, 0))" then "Also accepted: (-6, (2, 0)), …";
    # with the answer edited to (1, 1) (Z[1, 1] = 0), the stated answer was not judged at all
    from symconv.cli import main

    assert main(["solve", "nyu-cnn-2", "--out", str(tmp_path), "--format", "md"]) == 0
    text = (tmp_path / "nyu-cnn-2.md").read_text(encoding="utf-8")
    stated = r"**Answer:** $\left( -6, \  \left( 1, \  0\right)\right)$"
    assert stated in text
    edited = text.replace(stated, stated.replace(r"\  0\right)\right)", r"\  1\right)\right)"))
    report = check(edited, against="nyu-cnn")
    line = edited.splitlines().index(stated.replace(r"\  0\right)\right)", r"\  1\right)\right)"))
    assert [j.verdict for j in report.judgements if j.claim.line == line + 1] == ["wrong"]

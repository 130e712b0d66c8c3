"""Magnitudes after a number (``462\\text{M}``, ``$…≈ 0.4$K FLOPs``) and byte sizes: a count
written with its magnitude is judged as the number it stands for; a size in MB is not converted.

The documents are synthetic, in the general forms of cost write-ups.
"""

from __future__ import annotations

import pytest

from symconv.check.runner import check_text


def verdicts(text: str) -> list[str]:
    return [j.verdict for j in check_text(text).judgements]


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        # inside the formula, after the number
        (
            "$2 \\cdot 9 \\cdot 64 \\cdot 128 \\cdot 56 \\cdot 56 \\approx 462\\text{M}$",
            "right",
        ),
        (
            "$2 \\cdot 9 \\cdot 64 \\cdot 128 \\cdot 56 \\cdot 56 \\approx 46\\text{M}$",
            "wrong",
        ),
        ("$3 \\cdot 3 \\cdot 64 \\cdot 128 = 73.728\\,\\text{K params}$", "right"),
        ("$5 \\times 10^{9} = 5\\text{ billion}$", "right"),
        ("$5 \\times 10^{9} = 5\\text{GFLOPs}$", "right"),
        ("$5 \\times 10^{9} = 50\\text{GFLOPs}$", "wrong"),
        # in the prose right after it
        ("The layer costs $2 \\times 3 \\times 64 \\approx 0.4$K FLOPs.", "right"),
        ("VGG-16 has $138357544 \\approx 138$ million parameters.", "right"),
        ("VGG-16 has $138357544 \\approx 13.8$ million parameters.", "wrong"),
    ],
)
def test_a_magnitude_scales_the_number_it_follows(document: str, expected: str) -> None:
    assert verdicts(document + "\n") == [expected]


@pytest.mark.parametrize(
    "document",
    [
        "Memory: $224 \\times 224 \\times 64 \\times 4 \\approx 12.8\\text{ MB}$.",
        "Memory: $224 \\times 224 \\times 64 \\times 4 \\approx 12.25$ MiB.",
        "A model of $7 \\times 10^9 = 7\\text{B}$.",  # billions, or bytes?
    ],
)
def test_a_size_in_bytes_with_a_prefix_is_not_converted(document: str) -> None:
    (judgement,) = check_text(document + "\n").judgements
    assert judgement.verdict == "unverified"
    assert "a size in bytes with a prefix" in judgement.message


def test_a_letter_after_the_formula_is_a_magnitude_only_attached_or_before_a_count() -> None:
    # "$o = 46$ K is ..." is a sentence about K, not 46 thousand
    assert verdicts("The output size is $o = 48 - 3 + 1 = 46$ K is the kernel.\n") == [
        "unverified",
        "right",
    ]

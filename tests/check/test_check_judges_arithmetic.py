"""Arithmetic claims: exact numbers in every notation, rounding for ≈, orderings, typo digits.

Each claim's truth is computed independently with Python integers and fractions (the
reference), and the judge must agree.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp

from symconv.check.judges.arithmetic import digit_typo, written_precision
from tests.check_keys import judge_document

TIME = 100 * 100 * 3 * 3 * 256 * 256  # nndl 5-4 (1), computed by Python

# (LaTeX claim, is it true, computed independently)
CLAIMS = [
    (r"100 \times 100 \times 3 \times 3 \times 256 \times 256 = 5898240000", TIME == 5898240000),
    (r"100 \times 100 \times 3 \times 3 \times 256 \times 256 = 5{,}898{,}240{,}000", True),
    (r"100 \times 100 \times 3 \times 3 \times 256 \times 256 = 5.89824e9", True),
    (r"100 \times 100 \times 3 \times 3 \times 256 \times 256 = 5.89824 \times 10^{9}", True),
    (r"100 \times 100 \times 3 \times 3 \times 256 \times 256 = 5.89824 \times 10^{8}", False),
    (r"3 * 3 * 10 * 20 + 20 = 1830", 3 * 3 * 10 * 20 + 20 == 1830),
    (r"3 \cdot 3 \cdot 10 \cdot 20 + 20 = 1820", 3 * 3 * 10 * 20 + 20 == 1820),
    (r"\frac{9}{15} = 0.6", Fraction(9, 15) == Fraction(6, 10)),
    (r"\frac{1}{3} = 0.333", False),
    (r"\frac{1}{3} \approx 0.333", abs(Fraction(1, 3) - Fraction(333, 1000)) <= Fraction(1, 2000)),
    (r"\frac{2}{3} \approx 0.666", abs(Fraction(2, 3) - Fraction(666, 1000)) <= Fraction(1, 2000)),
    (r"5898240000 \approx 5.9 \times 10^{9}", True),
    (r"18874368 \approx 1.9 \times 10^{8}", False),
    (r"2^{10} > 1000", 2**10 > 1000),
    (r"2^{10} \le 1000", 2**10 <= 1000),
    (r"7 \neq 7", False),
    (r"\lfloor 27/2 \rfloor + 1 = 14", 27 // 2 + 1 == 14),
    (r"\lceil 27/2 \rceil = 13", -(-27 // 2) == 13),
]


@pytest.mark.parametrize("latex,truth", CLAIMS)
def test_the_judge_agrees_with_integer_arithmetic(latex, truth):
    (judgement,) = judge_document(f"${latex}$\n")
    assert judgement.claim.kind in ("arithmetic", "approximation")
    assert judgement.verdict == ("right" if truth else "wrong"), judgement.message


def test_a_wrong_result_names_the_right_one():
    (judgement,) = judge_document("$3 \\times 3 \\times 10 \\times 20 + 20 = 1830$\n")
    assert judgement.message == "3 \\times 3 \\times 10 \\times 20 + 20 = 1820, not 1830"
    assert judgement.expected_latex == "1820"


def test_rounding_message_names_the_exact_value():
    (judgement,) = judge_document("$18874368 \\approx 1.9 \\times 10^{8}$\n")
    assert judgement.message.startswith("the value is 18874368")


def test_digit_typos_are_diagnosed():
    (judgement,) = judge_document("$40 \\times 32 + 100 = 1308$\n")  # 1380
    assert judgement.diagnosis == "probable typo: digits swapped (1380 written as 1308)"
    assert digit_typo(sp.Integer(1380), sp.Integer(1390)) is None


def test_written_precision():
    assert written_precision("0.25") == sp.Rational(1, 100)
    assert written_precision(r"1.6 \times 10^{9}") == 10**8
    assert written_precision("1e3") == 1000
    assert written_precision("x + 1") is None


def test_large_numbers_stay_exact():
    big = 7**40
    (judgement,) = judge_document(f"$7^{{40}} = {big}$\n")
    assert judgement.verdict == "right"
    (judgement,) = judge_document(f"$7^{{40}} = {big + 1}$\n")
    assert judgement.verdict == "wrong"


def test_a_computation_of_numbers_after_an_assumption_cue_is_a_claim() -> None:
    # "With padding 1 the output would be $…$": numbers assume nothing; "with $K = 3$" does.
    from tests.check_keys import judge_document

    def found(doc: str) -> list[tuple[int, str]]:
        return [(j.claim.line, j.verdict) for j in judge_document(doc)]

    assert found("With padding 1 the output would be $(32 - 3 + 2)/1 + 1 = 31$.\n") == [
        (1, "wrong")
    ]
    assert found("With padding 1 the output would be $(32 - 3 + 2)/1 + 1 = 32$.\n") == [
        (1, "right")
    ]
    assert found("With $K = 3$ and $P = 1$, the size is kept.\n") == []

"""Shape and cost facts stated in words, against the engine (symconv.sizes.shapes) and against loops
that count windows (tests/reference_check.py)."""

from __future__ import annotations

import itertools

import pytest
import sympy as sp

from symconv.check.judges.words import roles_of
from symconv.sizes.shapes import dilated_kernel_extent, receptive_field
from tests import reference_check as ref
from tests.check_keys import judge_document

SIZES = list(itertools.product(range(5, 9), range(1, 4), range(0, 2), range(1, 3), range(1, 3)))


def reference_truth(formula):
    """Does ``formula(n, k, p, s, d)`` give the output size counted window by window?"""
    return all(
        formula(n, k, p, s, d) == ref.output_size(n, k, p, s, d)
        for n, k, p, s, d in SIZES
        if n + 2 * p >= d * (k - 1) + 1
    )


# (formula in words, the same formula in Python)
OUTPUT_SIZES = [
    (
        r"\lfloor (N + 2P - D(K-1) - 1)/S \rfloor + 1",
        lambda n, k, p, s, d: (n + 2 * p - d * (k - 1) - 1) // s + 1,
    ),
    (
        r"\lfloor (N + 2P - D(K-1))/S \rfloor + 1",
        lambda n, k, p, s, d: (n + 2 * p - d * (k - 1)) // s + 1,
    ),
    (
        r"\lfloor (N + 2P - D(K-1) - 1)/S + 1 \rfloor",
        lambda n, k, p, s, d: (n + 2 * p - d * (k - 1) - 1) // s + 1,
    ),
    (
        r"\lceil (N + 2P - D(K-1))/S \rceil",
        lambda n, k, p, s, d: -(-(n + 2 * p - d * (k - 1)) // s),
    ),
    (
        r"\lfloor (N + P - D(K-1) - 1)/S \rfloor + 1",
        lambda n, k, p, s, d: (n + p - d * (k - 1) - 1) // s + 1,
    ),
]


@pytest.mark.parametrize("formula,python", OUTPUT_SIZES)
def test_output_size_formulas_agree_with_counted_windows(formula, python):
    (judgement,) = judge_document(f"The output size is ${formula}$.\n")
    assert judgement.claim.kind == "fact"
    truth = reference_truth(python)
    assert judgement.verdict == ("right" if truth else "wrong"), judgement.message


def test_effective_kernel_size():
    doc = (
        "The effective kernel size is $K + (K-1)(D-1)$.\n\n"
        "The effective kernel size is $D K$.\n\n"
        "The dilated kernel size is $D(K-1) + 1$.\n"
    )
    judgements = judge_document(doc)
    assert [j.verdict for j in judgements] == ["right", "wrong", "right"]
    assert judgements[1].witness == "K = 3, D = 2: 6 ≠ 5"
    for k, d in itertools.product(range(1, 6), range(1, 4)):  # the engine agrees with the taps
        taps = [d * t for t in range(k)]
        assert dilated_kernel_extent(k, d).answer == taps[-1] - taps[0] + 1


def test_padding_that_keeps_the_size():
    doc = (
        "The padding is $P = \\frac{(K-1)D}{2}$.\n\n"
        "The padding is $P = \\frac{K}{2}$.\n\n"
        "The padding is $P = \\frac{(K-1)(1+D)}{2}$.\n"
    )
    judgements = judge_document(doc)
    assert [j.verdict for j in judgements] == ["right", "wrong", "wrong"]
    for k, d in itertools.product((1, 3, 5), (1, 2, 3)):
        assert ref.same_padding(k, d) == (k - 1) * d // 2


def test_padding_under_the_documents_own_effective_size_carries_its_error():
    doc = (
        "## 5-8\n\nThe effective kernel size is $D K$.\n\n"
        "So the padding is $P = \\frac{DK - 1}{2}$.\n"
    )
    effective, padding = judge_document(doc)
    assert effective.verdict == "wrong"
    assert padding.verdict == "right" and "from your line 3" in padding.message
    assert padding.warnings == ("consistent with your line 3 (error carried forward)",)


def test_receptive_field():
    doc = (
        "The receptive field of $L$ stacked layers (stride 1) is $1 + L \\cdot (K-1)$.\n\n"
        "The receptive field is $L \\cdot K$.\n"
    )
    assert [j.verdict for j in judge_document(doc)] == ["right", "wrong"]
    for layers, k in itertools.product(range(1, 5), range(1, 6)):
        assert receptive_field([[k, 1]] * layers).answer == ref.receptive_field(layers, k)
        assert 1 + layers * (k - 1) == ref.receptive_field(layers, k)


@pytest.mark.parametrize(
    "k1,k2,share", [(2, 2, "\\frac{1}{4}"), (2, 2, "\\frac{1}{2}"), (3, 3, "\\frac{1}{9}")]
)
def test_average_pooling_share_of_the_gradient(k1, k2, share):
    doc = (
        f"For ${k1} \\times {k2}$ average pooling, each input receives ${share}$ of the gradient.\n"
    )
    (judgement,) = judge_document(doc)
    claimed = sp.Rational(*(int(t) for t in share.strip("\\frac{}").split("}{")))
    truth = abs(ref.average_pool_share(k1, k2) - float(claimed)) < 1e-6
    assert judgement.verdict == ("right" if truth else "wrong")


def test_numbers_for_a_fact_use_the_documents_sizes():
    doc = "Let $K = 3$ and $D = 2$.\n\nThe effective kernel size is $5$.\n\nThe padding is $3$.\n"
    assert [j.verdict for j in judge_document(doc)] == ["right", "wrong"]


def test_letters_without_a_role_are_not_guessed():
    (judgement,) = judge_document("The effective kernel size is $a + b$.\n")
    assert judgement.verdict == "unverified" and "no known role" in judgement.message
    assert roles_of(sp.symbols("K D"), ("kernel", "dilation")) == {
        "kernel": sp.Symbol("K"),
        "dilation": sp.Symbol("D"),
    }


def test_shapes_against_given_values_and_memberships():
    given = {"Z": sp.zeros(5, 4), "k_1": 1}
    doc = (
        "$Z$ is $5 \\times 4$.\n\nShape of $Z$: $4 \\times 5$.\n\n"
        "$1 \\in \\{0, 1\\}$ and $2 \\in \\{0, 1\\}$\n"
    )
    assert [j.verdict for j in judge_document(doc, given=given)] == [
        "right",
        "wrong",
        "right",
        "wrong",
    ]


def test_a_transposed_convolutions_output_size_is_its_own_fact():
    # o' = S(N − 1) − 2P + D(K − 1) + 1 (Dumoulin & Visin 2016, relationship 14): true for a
    # transposed convolution, and never judged against the forward convolution's size
    doc = (
        "For a transposed convolution, the output size is $S \\cdot (N - 1) + K - 2P$.\n\n"
        "The output size of a transposed convolution is $S \\cdot (N - 1) + K - P$.\n\n"
        "For a transposed convolution, the output size is $S \\cdot (N - 1) + K - 2P + A$.\n\n"
        "The transposed convolution pads its input with $K - 1 - P$ zeros, so the padding is "
        "$K - 1 - P$.\n"
    )
    verdicts = [(j.claim.line, j.verdict) for j in judge_document(doc)]
    assert verdicts[:3] == [(1, "right"), (3, "wrong"), (5, "unverified")]
    assert all(verdict != "wrong" for line, verdict in verdicts if line == 7)
    for n, k, s, p in itertools.product(range(1, 5), range(1, 4), range(1, 3), range(0, 2)):
        # the engine's closed form against the stretched-and-padded input counted directly
        stretched = s * (n - 1) + 1
        if stretched + 2 * (k - 1 - p) >= k:
            assert stretched + 2 * (k - 1 - p) - k + 1 == s * (n - 1) + k - 2 * p

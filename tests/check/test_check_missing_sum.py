"""The missing-sum lint on any equation (``symconv.check.judges.missing_sum``): an index free on the
right that the left does not have is a dropped ``\\sum`` (symconv's notation writes every sum; no
Einstein convention), and a parameter in a subscript (stride, padding, the label of a step
``h_m``) or a name the document defines is never taken for such an index.

The wrong rows are mutants the mutation study (``benchmarks/mutations.py``, kind drop-sum) found
the checker passing before the lint: the catalog's own rows with their ``\\sum`` removed.
"""

from __future__ import annotations

import pytest

from symconv.check.api import check


def verdict_of(formula: str, before: str = "") -> tuple[str, str]:
    text = (f"${before}$\n\n" if before else "") + f"${formula}$\n"
    judgements = check(text).judgements
    if not judgements:  # a definition nothing judges: not a claim
        return "no claim", ""
    return judgements[-1].verdict, judgements[-1].message


@pytest.mark.parametrize(
    ("formula", "names"),
    [
        (r"L = -t_i \log y_i", "index i"),
        (r"D_h f(x) := \frac{1}{h^{2}} w_j f(x + o_j h)", "index j"),
        (r"D_h f(x, y) := \frac{1}{h^{2}} w_j f(\mathbf{x} + \mathbf{o}_j h)", "index j"),
        (r"(W * X)_{ij} = w_{u,v} x_{i - u + 1,j - v + 1}", "indices u, v"),
        (r"y_i = W_{ij} x_j", "index j"),
        (r"\frac{\partial J}{\partial x_{i,j}} = \frac{\partial J}{\partial z_{i-u,j-v}} w_{u,v}",
         "indices u, v"),
    ],
)  # fmt: skip
def test_an_index_free_on_the_right_only_is_a_missing_sum(formula: str, names: str) -> None:
    verdict, message = verdict_of(formula)
    assert verdict == "wrong", message
    assert message.startswith(f"{names} on the right ")
    assert message.endswith(f"a missing sum over {names.split(' ', 1)[1]}")


@pytest.mark.parametrize(
    "formula",
    [
        r"L = -\sum_i t_i \log y_i",
        r"y_i = \sum_j W_{ij} x_j",
        r"(W * X)_{ij} = \sum_{u=1}^{U} \sum_{v=1}^{V} w_{u,v} x_{i - u + 1,j - v + 1}",
        r"Y[i,k,n] = X[i, s k, n]",  # the stride multiplies an index
        r"z_i = \sum_k w_k x_{i + k - p}",  # the padding is read in one tensor only
        r"\tau = \frac{h_m - h_p}{3} f^{(3)}(x)",  # labels of steps, not indices
        r"y_{i} = \max_{j} x_{i + j}",  # bound by the maximum
        r"N_{mult} = N_{mult,1} + N_{mult,2}",  # a word, not an index
        r"\frac{\partial y_i}{\partial z_j} = y_i (\delta_{ij} - y_j)",
    ],
)
def test_summed_free_or_parameter_names_are_not_linted(formula: str) -> None:
    verdict, message = verdict_of(formula)
    assert not message.endswith(("a missing sum over i", "a missing sum over j")), message
    assert "neither summed nor on the left" not in message, (verdict, message)


def test_a_name_the_document_defines_is_a_value_not_an_index() -> None:
    verdict, message = verdict_of(r"L = -t_c \log y_c", before="c = 3")
    assert "neither summed" not in message, (verdict, message)


def test_an_assumption_that_drops_a_sum_is_linted_too() -> None:
    text = (
        r"For $L = -t_i \log y_i$ with $y = \mathrm{softmax}(z)$: "
        r"$\frac{\partial L}{\partial z} = y - t$."
    )
    first = check(text + "\n").judgements[0]
    assert (first.verdict, first.message) == (
        "wrong",
        "index i on the right is neither summed nor on the left: a missing sum over i",
    )


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        (
            r"C_{j_1,j_2,i_1,i_2} = \sum_{k_1=0}^{1} \sum_{k_2=0}^{1} \delta_{i_1, j_1 + k_1} "
            r"\delta_{i_2, j_2 + k_2} W_{k_1,k_3}",
            "index k_3 on the right is neither summed nor on the left: probably k_1 or k_2 "
            "mistyped as k_3",
        ),
        (
            r"y_{j_1} = \sum_{k_1=0}^{2} w_{k_2} x_{j_1 + k_1}",
            "index k_2 on the right is neither summed nor on the left: probably k_1 mistyped "
            "as k_2",
        ),
    ],
)
def test_a_sibling_of_the_summed_indices_read_once_is_a_mistyped_subscript(formula, message):
    # nndl-5-5 (mutation study): W_{k_1,k_3} where k_1, k_2 are summed; read in one tensor only,
    # so not tied across two, but k_3 is no parameter next to k_1 and k_2
    assert verdict_of(formula) == ("wrong", message)


def test_a_parameter_read_once_beside_indices_of_another_letter_is_not_an_index():
    # the stride s and the offset p_1 share no letter with the indices i, k_1
    assert verdict_of(r"y_i = \sum_{k_1=0}^{2} w_{k_1} x_{s i + k_1 + p_1}")[0] != "wrong"


def test_a_bias_spelled_like_a_summed_index_is_no_missing_sum() -> None:
    # Σ_b w_{a,b} x_{i+a,j+b} + b: the b the sum binds is an index, the b added after it the
    # bias — a name outside its sum is not an unsummed index
    formula = r"z_{i,j} = \sum_{a=0}^{k-1}\sum_{b=0}^{k-1} w_{a,b} x_{i+a,j+b} + b"
    assert verdict_of(formula)[0] != "wrong"
    # the same index free outside the sum in an entry is still one
    dropped = r"z_{i,j} = \sum_{a=0}^{k-1} w_{a,b} x_{i+a,j+b} + b"
    assert verdict_of(dropped) == (
        "wrong",
        "index b on the right is neither summed nor on the left: a missing sum over b",
    )

"""A forward formula the document writes that is exactly a layer the engine knows (a convolution
in any index layout, stride, dilation and padding; a dense layer) is confirmed with what it is;
any other formula stays the definition it is, never wrong. A formula (or an activation) written
again is confirmed as where it was first written. Each document here is written for the test."""

from __future__ import annotations

import pytest

from symconv.check.api import check


def judgements_on(document: str, line: int):
    return [j for j in check(document, time_limit=20).judgements if j.claim.line == line]


def verdict_on(document: str, line: int) -> str:
    (judgement,) = judgements_on(document, line)
    return judgement.verdict


SUMS = r"\sum_{c=0}^{C-1}\sum_{p=0}^{K-1}\sum_{q=0}^{K-1}"


@pytest.mark.parametrize(
    ("formula", "words"),
    [
        # channels first, weights (out, in, kh, kw)
        (rf"Z_{{m,i,j}} = b_m + {SUMS} W_{{m,c,p,q}} X_{{c,i+p,j+q}}", "stride 1, no padding"),
        # channels last, weights (kh, kw, in, out) written run together with a tag
        (
            r"h^{(l+1)}_{i,j,m} = \sum_{p=0}^{F-1} \sum_{q=0}^{F-1} \sum_{c=0}^{C-1}"
            r" V^{(l)}_{pqcm}"
            r" g^{(l)}_{(i+p),(j+q),c} + \beta_m",
            "stride 1, no padding",
        ),
        (rf"Z_{{m,i,j}} = b_m + {SUMS} W_{{m,c,p,q}} X_{{c,2i+p,2j+q}}", "stride 2"),
        (rf"Z_{{m,i,j}} = b_m + {SUMS} W_{{m,c,p,q}} X_{{c,i+2p,j+2q}}", "dilation 2"),
        (rf"Z_{{m,i,j}} = b_m + {SUMS} W_{{m,c,p,q}} X_{{c,i+p-1,j+q-1}}", "padding 1"),
        (rf"Z_{{m,i,j}} = b_m + {SUMS} W_{{m,c,p,q}} X_{{c,i-p,j-q}}", "true convolution"),
        (r"z_t = \sum_{k=0}^{K-1} w_k x_{t+k}", "1-d convolution layer"),
        # one channel, a scalar bias
        (r"O_{i,j} = \sum_{m=0}^{k-1} \sum_{n=0}^{k-1} X_{i+m,j+n} W_{m,n} + c", "bias c"),
        (r"Y_{n,o} = \sum_{k=1}^{D} W_{o,k} X_{n,k} + b_o", "dense"),
        (r"y_o = \sum_{k=1}^{D} A_{k,o} x_k + c_o", "dense"),
    ],
)
def test_a_known_layer_in_the_documents_own_layout_is_confirmed(formula: str, words: str):
    document = "The layer:\n\n$$" + formula + "$$\n"
    (judgement,) = judgements_on(document, 3)
    assert judgement.verdict == "right", judgement.message
    assert "the forward pass of a" in judgement.message
    assert words in judgement.message


def test_the_message_names_the_weights_as_the_document_indexes_them():
    document = (
        "$$x_{i,j,n} = \\sum^{F}_a \\sum^{F}_b \\sum^{C}_k W_{abnk} y_{(i+a),(j+b),k} + b_n$$\n"
    )
    document += "\nwith $a \\in [0, F)$, $b \\in [0, F)$, $k \\in [0, C)$.\n"
    message = check(document).judgements[0].message
    assert "cross-correlation as CNN libraries compute it" in message
    assert "weights W[a, b, n, k]" in message


@pytest.mark.parametrize(
    "formula",
    [
        # a typical slip: one tap index on both axes
        rf"Z_{{m,i,j}} = b_m + {SUMS} W_{{m,c,p,q}} X_{{c,i+p,j+p}}",
        # the input channel read as the output channel
        rf"Z_{{m,i,j}} = b_m + {SUMS} W_{{m,c,p,q}} X_{{m,i+p,j+q}}",
        # no layer at all: the input squared
        r"z_t = \sum_{k=0}^{K-1} w_k x_{t+k} x_{t+k}",
        # counted from 1 (its sums start at 1): x_{t+k} skips x_1, no standard layer
        r"z_t = \sum_{k=1}^{K} w_k x_{t+k}",
    ],
)
def test_a_formula_that_is_no_known_layer_stays_a_definition(formula: str):
    document = "The layer:\n\n$$" + formula + "$$\n"
    assert [j.verdict for j in judgements_on(document, 3)] == ["unverified"]


def test_counts_only_and_no_declared_range_must_hold_from_0_and_from_1():
    # from 1, y_{i+a} reads y from index 2: the same line is a layer only counting from 0
    document = "$$x_{i} = \\sum^{F}_a W_{a} y_{i+a}$$\n"
    assert verdict_on(document, 1) == "unverified"
    declared = document + "\nwhere $a \\in [0, F)$.\n"
    assert verdict_on(declared, 1) == "right"


# Restated formulas and activations
def test_a_formula_written_again_is_confirmed_as_where_it_was_first_written():
    document = "\n".join(
        [
            r"$$u_j = \sum_{i=1}^{n} A_{j,i} v_i^2$$",  # an author's own layer: no known one
            "",
            "Recall that",
            "",
            r"$$u_j = \sum_{k=1}^{n} A_{j,k} v_k^2$$",
            "",
            "and later, for another layer,",
            "",
            r"$$u_j = \sum_{k=1}^{n} A_{k,j} v_k^2$$",
            "",
        ]
    )
    assert verdict_on(document, 1) == "unverified"
    (again,) = judgements_on(document, 5)
    assert again.verdict == "right" and "as on line 1" in again.message
    assert verdict_on(document, 9) == "unverified"  # a new definition, not a wrong one


def test_an_activation_of_whole_tensors_holds_entry_by_entry_and_at_every_layer():
    document = "\n".join(
        [
            r"* $$a^{(l)} = \sigma(z^{(l)})$$ - the activation of layer l",
            "",
            r"$$a^{(l+1)}_j = \sigma(z^{(l+1)}_j)$$",
            "",
            r"$$a^{(l+1)}_{i,j} = \tanh(z^{(l+1)}_{i,j})$$",
            "",
        ]
    )
    (same,) = judgements_on(document, 3)
    assert same.verdict == "right" and "as defined on line 1" in same.message
    assert verdict_on(document, 5) != "right"


def test_sums_written_without_limits_run_over_the_kernel():
    # Σ_m without limits: over the taps W has; counted from 0 as the declared range says
    document = "$$O_{i,j} = \\sum_{m} \\sum_{n} X_{i+m,j+n} W_{m,n}$$\n"
    assert verdict_on(document, 1) == "unverified"  # from 1, X_{i+m} skips X_1
    declared = document + "\nwith $m, n$ such that $0 \\le m < k$ and $0 \\le n < k$.\n"
    assert verdict_on(declared, 1) == "right"

"""The transposed convolution's output size is derived through the equivalent direct convolution
(issue 19, item 5): its steps — the stretched input, the padding p', the stride-1 output count —
equal what loops over actual lists give, and the answer equals PyTorch's ConvTranspose."""

from __future__ import annotations

from itertools import product

import pytest
import sympy as sp

from symconv.errors import ShapeError
from symconv.sizes.shapes import transposed_output_size
from tests import reference_shapes as ref

#: (i', k, s, p, d, a): every output_padding PyTorch accepts (a < max(s, d)).
SWEEP = [
    (i, k, s, p, d, a)
    for i, k, s, p, d in product(range(1, 6), range(1, 5), range(1, 4), range(0, 4), range(1, 3))
    for a in range(max(s, d))
]


def _step_value(derivation, name: str) -> sp.Expr:
    """The last value of the chain of steps that starts with ``name =``."""
    value, inside = None, False
    for step in derivation.steps:
        if step.lhs is not None:
            inside = str(step.lhs) == name
        if inside:
            value = step.value
    assert value is not None, f"no step {name} = ... in {[str(s.lhs) for s in derivation.steps]}"
    return value


@pytest.mark.parametrize("i,k,s,p,d,a", SWEEP)
def test_steps_are_the_stretched_direct_convolution(i, k, s, p, d, a):
    inputs = [1.0] * i
    stretched = ref.stretched(inputs, s)
    padding = d * (k - 1) - p
    extended = ref.padded_or_cropped(stretched, padding, padding + a)
    expected = ref.stride_one_windows(extended, k, d)
    if expected < 1:
        with pytest.raises(ShapeError, match="crops more"):
            transposed_output_size(i, k, s, p, d, a)
        return
    derived = transposed_output_size(i, k, s, p, d, a)
    # ĩ and p' are shown by their general formulas (one meaning per name); their values here
    assert derived.details["stretched_input"] == len(stretched)
    assert derived.details["equivalent_padding"] == (padding, padding + a)
    assert _step_value(derived, "o'") == expected == derived.answer
    assert derived.answer == ref.transposed_length(i, k, s, p, d, a)
    assert derived.check().passed


def test_steps_stay_symbolic_and_collect_to_relationship_14():
    i, k, s, p = sp.symbols("i' k s p", integer=True, positive=True)
    derived = transposed_output_size(i, k, s, p)
    assert [str(step.lhs) for step in derived.steps if step.lhs is not None] == [
        r"\tilde{i}",
        "p'",
        "o'",
    ]
    assert sp.expand(derived.answer - (s * (i - 1) - 2 * p + (k - 1) + 1)) == 0
    assert derived.check().passed


def test_sizes_equal_pytorch_conv_transpose():
    torch = pytest.importorskip("torch")
    compared = 0
    for i, k, s, p, d, a in SWEEP:
        x, w = torch.zeros(1, 1, i), torch.zeros(1, 1, k)
        try:
            y = torch.nn.functional.conv_transpose1d(
                x, w, stride=s, padding=p, output_padding=a, dilation=d
            )
        except RuntimeError:
            with pytest.raises(ShapeError):
                transposed_output_size(i, k, s, p, d, a)
            continue
        assert transposed_output_size(i, k, s, p, d, a).answer == y.shape[-1], (i, k, s, p, d, a)
        compared += 1
    assert compared > 300

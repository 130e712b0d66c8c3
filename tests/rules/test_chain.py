"""The chain API: a network of table rules, its gradients as the chain rule written out, and
its NumPy backpropagation — against central differences and PyTorch autograd."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import sympy as sp

from symconv.errors import ShapeError
from symconv.grad.formula import tensor_name
from symconv.rules import conv_rule, get_rule
from symconv.rules.chain import compose, small_cnn

try:
    import torch
except ImportError:  # pragma: no cover - torch is optional
    torch = None


def test_small_cnn_layers_names_and_unified_sizes() -> None:
    net = small_cnn()
    assert net.tensors == ("b1", "W1", "X", "b5", "W5", "T")
    assert net.differentiable == ("X", "W1", "b1", "W5", "b5")
    assert net.shapes["U2"] == net.shapes["Z1"]
    I1, I2 = (sp.Symbol(n, integer=True, positive=True) for n in ("I_1", "I_2"))
    assert net.shapes["Z1"][2:] == (I1 - 1, I2 - 1)
    assert net.shapes["F4"][1] == net.shapes["W5"][1]  # dense reads what flatten writes


@pytest.mark.parametrize("name", ["X", "W1", "b1", "W5", "b5"])
def test_every_gradient_is_a_checked_chain(name: str) -> None:
    net = small_cnn()
    derivation = net.gradient(name)
    steps = derivation.steps
    assert tensor_name(steps[0].lhs).endswith(name)
    for before, after in itertools.pairwise(steps):
        read = {
            tensor_name(r) for r in sp.preorder_traversal(before.rhs) if isinstance(r, sp.Indexed)
        }
        assert tensor_name(after.lhs) in read, (before.lhs, after.lhs)  # each line feeds the last
    assert steps[-1].rhs == 1 / sp.Symbol("N", integer=True, positive=True)
    report = derivation.check(np.random.default_rng(1))
    assert report.passed, report.summary()


def test_chain_rule_text() -> None:
    derivation = small_cnn().gradient("W1", notation="bracket")
    reasons = [step.reason for step in derivation.steps]
    assert reasons[0] == "layer 1 (conv): Convolution, backward for W"
    assert reasons[2] == "chain rule through layer 3 (avg_pool): Average pooling"
    text = derivation.latex()
    assert r"\frac{\partial J}{\partial W_{1}[m, n, k_{1}, k_{2}]}" in text
    assert r"\frac{\partial J}{\partial L[i]} &= \frac{1}{N}" in text


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed (pip install torch)")
def test_backpropagation_matches_pytorch_autograd() -> None:
    net = small_cnn()
    arrays = net.example_arrays(np.random.default_rng(3))
    ours = net.backward(arrays)
    t = {k: torch.tensor(v, requires_grad=k != "T") for k, v in arrays.items()}
    z = torch.nn.functional.conv2d(t["X"], t["W1"], t["b1"])
    pooled = torch.nn.functional.avg_pool2d(torch.sigmoid(z), 2, stride=2)
    logits = torch.nn.functional.linear(pooled.flatten(1), t["W5"], t["b5"])
    loss = torch.nn.functional.cross_entropy(logits, t["T"])  # probability targets, batch mean
    assert np.isclose(loss.item(), net.objective(arrays))
    loss.backward()
    for name in net.differentiable:
        assert np.allclose(ours[name], t[name].grad.numpy()), name


def test_layer_local_sizes_are_renamed_and_sum_reduction() -> None:
    net = compose(
        conv_rule(dims=2, name="conv_a"),
        conv_rule(dims=2, name="conv_b"),
        get_rule("global_avg_pool"),
        get_rule("mse"),
        reduction="sum",
        example={
            "N": 2, "C": 1, "M": 2, "I_1": 5, "I_2": 4, "K_1": 2, "K_2": 2,
            "M^(2)": 1, "K_1^(2)": 2, "K_2^(2)": 1,
        },
    )  # fmt: skip
    w2 = net.shapes["W2"]
    assert [str(size) for size in w2] == ["M^(2)", "M", "K_1^(2)", "K_2^(2)"]
    assert net.gradient("W1").steps[-1].rhs == 1
    assert net.gradient("W2").check(np.random.default_rng(0)).passed
    assert "K^{(2)}_{1}" in net.latex()


def test_mismatched_layers_are_refused() -> None:
    with pytest.raises(ShapeError, match=r"Z1 has 4 axes .* reads X with 2 axes"):
        compose(conv_rule(dims=2), get_rule("dense"), get_rule("mse"))

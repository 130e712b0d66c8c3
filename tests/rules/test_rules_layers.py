"""Identities for the rules that are not convolutions: matrix and array forms of each backward,
cross-rule identities (upsampling's backward is a sum pooling, average pooling's a transposed
convolution, softmax + cross-entropy the composition of its two rules), the tie and kink
conventions, and PyTorch autograd where it is installed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import sympy as sp

from symconv.conv.transposed import conv_transpose
from symconv.rules import get_rule
from symconv.rules.activations import softmax_jacobian_derivation
from symconv.rules.proof import float_tensors, output_shape

try:
    import torch
except ImportError:  # pragma: no cover - torch is an optional dependency
    torch = None

needs_torch = pytest.mark.skipif(
    torch is None, reason="PyTorch is not installed (pip install torch)"
)


def run(name: str, case: dict[str, Any], seed: int = 0) -> tuple[dict, np.ndarray, dict]:
    """Random inputs at ``case``, a random upstream gradient, and the rule's generated backward."""
    rule = get_rule(name)
    rng = np.random.default_rng(seed)
    tensors = float_tensors(rule, case, rng)
    g = rng.standard_normal(output_shape(rule, case))
    return tensors, g, rule.export(case).backward(g, **tensors)


# ---------------------------------------------------------------------------------------------
# Pooling and sampling
# ---------------------------------------------------------------------------------------------
def test_average_pooling_backward_is_a_transposed_convolution() -> None:
    case = {"N": 1, "C": 2, "I_1": 5, "I_2": 4, "K_1": 2, "K_2": 2, "s": 2}
    _tensors, g, grads = run("avg_pool2d", case)
    kernel = np.full((2, 2), 0.25)
    for c in range(2):
        extra = ((5 - 2) % 2, (4 - 2) % 2)
        expected = conv_transpose(g[0, c], kernel, stride=2, output_padding=extra)
        assert np.allclose(grads["X"][0, c], expected)


def test_subsampling_backward_inserts_zeros() -> None:
    case = {"N": 1, "C": 1, "I_1": 5, "I_2": 4, "s": 2}
    _tensors, g, grads = run("subsample2d", case)
    spread = np.zeros((5, 4))
    spread[::2, ::2] = g[0, 0]
    assert np.array_equal(grads["X"][0, 0], spread)
    expected = conv_transpose(g[0, 0], np.ones((1, 1)), stride=2, output_padding=(0, 1))
    assert np.allclose(grads["X"][0, 0], expected)


def test_upsampling_backward_is_a_sum_pooling() -> None:
    case = {"N": 2, "C": 1, "H": 2, "W": 3, "s": 2}
    _tensors, g, grads = run("upsample_nearest", case)
    pooling = get_rule("avg_pool2d").export({"K_1": 2, "K_2": 2, "s": 2})
    assert np.allclose(grads["X"], 4 * pooling.forward(X=g))


def test_global_average_pooling_backward_broadcasts() -> None:
    _tensors, g, grads = run("global_avg_pool", {"N": 2, "C": 3, "H": 2, "W": 4})
    assert np.allclose(grads["X"], np.broadcast_to(g[:, :, None, None] / 8, (2, 3, 2, 4)))


def test_max_pooling_routes_the_gradient_to_the_first_maximum() -> None:
    layer = get_rule("max_pool2d").export({"s": 2, "K_1": 2, "K_2": 2})
    x = np.array([[[[1.0, 5.0, 2.0, 2.0], [5.0, 0.0, 2.0, 2.0]]]])  # ties in both windows
    grads = layer.backward(np.array([[[[10.0, 20.0]]]]), X=x)
    expected = np.array([[[[0.0, 10.0, 20.0, 0.0], [0.0, 0.0, 0.0, 0.0]]]])
    assert np.array_equal(grads["X"], expected)


@needs_torch
def test_max_pooling_tie_convention_matches_pytorch() -> None:
    layer = get_rule("max_pool2d").export({"s": 1, "K_1": 2, "K_2": 2})
    x = np.array([[[[3.0, 3.0, 1.0], [3.0, 0.0, 3.0], [2.0, 3.0, 3.0]]]])
    g = np.arange(1.0, 5.0).reshape(1, 1, 2, 2)
    ours = layer.backward(g, X=x)["X"]
    tx = torch.tensor(x, requires_grad=True)
    torch.nn.functional.max_pool2d(tx, 2, stride=1).backward(torch.tensor(g))
    assert np.array_equal(ours, tx.grad.numpy())


def test_vector_max_and_argmax_conventions() -> None:
    x = np.array([[1.0, 4.0, 4.0, 2.0], [0.0, -1.0, 0.5, 0.5]])
    grads = get_rule("max").export().backward(np.array([2.0, 3.0]), X=x)
    assert np.array_equal(grads["X"], [[0, 2, 0, 0], [0, 0, 3, 0]])
    argmax = get_rule("argmax").export()
    assert np.array_equal(argmax.forward(X=x), np.argmax(x, axis=1))
    assert np.array_equal(argmax.backward(np.ones(2), X=x)["X"], np.zeros_like(x))


# ---------------------------------------------------------------------------------------------
# Structural
# ---------------------------------------------------------------------------------------------
def test_flatten_backward_is_the_inverse_reshape_in_the_same_vec_order() -> None:
    case = {"N": 2, "C": 2, "H": 3, "W": 2}
    _, g, row = run("flatten", case)
    _, g2, column = run("flatten_column_major", case)
    assert np.array_equal(row["X"], g.reshape(2, 2, 3, 2))
    expected = np.stack([g2[i].reshape((2, 3, 2), order="F") for i in range(2)])
    assert np.array_equal(column["X"], expected)
    assert not np.array_equal(
        row["X"], np.stack([g[i].reshape((2, 3, 2), order="F") for i in range(2)])
    )


def test_reshape_concat_and_residual_backwards() -> None:
    _, g, grads = run("reshape", {"N": 2, "C": 2, "H": 1, "W": 3})
    assert np.array_equal(grads["F"], g.reshape(2, -1))
    _, g, grads = run("concat", {"N": 2, "C_1": 2, "C_2": 3, "H": 2})
    assert np.array_equal(grads["A"], g[:, :2]) and np.array_equal(grads["B"], g[:, 2:])
    _, g, grads = run("residual_add", {"N": 2, "C": 3})
    assert np.array_equal(grads["X"], g) and np.array_equal(grads["R"], g)


def test_dense_backward_matrix_forms() -> None:
    tensors, g, grads = run("dense", {"N": 3, "D": 4, "O": 2})
    assert np.allclose(grads["X"], g @ tensors["W"])
    assert np.allclose(grads["W"], g.T @ tensors["X"])
    assert np.allclose(grads["b"], g.sum(axis=0))


# ---------------------------------------------------------------------------------------------
# Activations and losses
# ---------------------------------------------------------------------------------------------
def test_softmax_vjp_is_the_jacobian_transposed_times_the_gradient() -> None:
    tensors, g, grads = run("softmax", {"N": 2, "C": 3})
    x = tensors["X"]
    derivation = softmax_jacobian_derivation(3)
    y_symbols = sorted(derivation.answer.free_symbols, key=str)
    for i in range(2):
        y = np.exp(x[i]) / np.exp(x[i]).sum()
        jacobian = np.array(
            derivation.answer.subs(dict(zip(y_symbols, y, strict=True))).tolist(), dtype=float
        )
        assert np.allclose(grads["X"][i], jacobian.T @ g[i])
        assert np.allclose(jacobian, np.diag(y) - np.outer(y, y))


def test_softmax_jacobian_derivation_is_checked_against_sympy_diff() -> None:
    d = softmax_jacobian_derivation(3)
    assert d.check().passed
    assert d.answer == sp.ImmutableMatrix(3, 3, lambda a, b: d.answer[a, b])
    assert "\\delta_{c e}" in d.latex()


def test_softmax_cross_entropy_is_the_composition_and_y_minus_t_for_one_hot_targets() -> None:
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 4))
    t = np.eye(4)[[0, 2, 3]]
    dl = rng.standard_normal(3)
    fused = get_rule("softmax_cross_entropy").export().backward(dl, X=x, T=t)["X"]
    y = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
    assert np.allclose(fused, dl[:, None] * (y - t))
    dy = get_rule("cross_entropy").export().backward(dl, Y=y, T=t)["Y"]
    composed = get_rule("softmax").export().backward(dy, X=x)["X"]
    assert np.allclose(fused, composed)


def test_mse_and_cross_entropy_closed_forms() -> None:
    tensors, g, grads = run("mse", {"N": 2, "C": 3})
    assert np.allclose(grads["Y"], 2 * g[:, None] * (tensors["Y"] - tensors["T"]) / 3)
    tensors, g, grads = run("cross_entropy", {"N": 2, "C": 3})
    assert np.allclose(grads["Y"], -g[:, None] * tensors["T"] / tensors["Y"])


def test_pointwise_derivatives_written_with_the_output() -> None:
    tensors, g, grads = run("sigmoid", {"N": 2, "D": 3})
    u = 1 / (1 + np.exp(-tensors["Z"]))
    assert np.allclose(grads["Z"], g * u * (1 - u))
    tensors, g, grads = run("tanh", {"N": 2, "D": 3})
    assert np.allclose(grads["Z"], g * (1 - np.tanh(tensors["Z"]) ** 2))


def test_kink_conventions() -> None:
    z = np.array([[-1.0, 0.0, 2.0]])
    relu = get_rule("relu").export().backward(np.ones((1, 3)), Z=z)["Z"]
    assert np.array_equal(relu, [[0.0, 0.0, 1.0]])  # relu'(0) = 0
    leaky = get_rule("leaky_relu").export({"a": 0.1}).backward(np.ones((1, 3)), Z=z)["Z"]
    assert np.allclose(leaky, [[0.1, 0.1, 1.0]])  # f'(0) = a


@needs_torch
def test_kink_conventions_match_pytorch() -> None:
    z = torch.tensor([[-1.0, 0.0, 2.0]], dtype=torch.float64, requires_grad=True)
    torch.relu(z).sum().backward()
    relu = get_rule("relu").export().backward(np.ones((1, 3)), Z=z.detach().numpy())["Z"]
    assert np.array_equal(relu, z.grad.numpy())
    z.grad = None
    torch.nn.functional.leaky_relu(z, 0.1).sum().backward()
    leaky = get_rule("leaky_relu").export({"a": 0.1})
    got = leaky.backward(np.ones((1, 3)), Z=z.detach().numpy())["Z"]
    assert np.allclose(got, z.grad.numpy())


# ---------------------------------------------------------------------------------------------
# Normalisations: against PyTorch autograd, and the statistics do matter
# ---------------------------------------------------------------------------------------------
NORMS = [
    ("batch_norm", {"N": 4, "C": 3, "epsilon": 1e-5}),
    ("layer_norm", {"N": 3, "C": 5, "epsilon": 1e-5}),
    ("group_norm", {"N": 2, "C": 4, "L": 3, "G": 2, "epsilon": 1e-5}),
]


def _torch_norm(name: str, x: Any, gamma: Any, beta: Any, case: dict[str, Any]) -> Any:
    functional = torch.nn.functional
    if name == "batch_norm":
        return functional.batch_norm(x, None, None, gamma, beta, training=True, eps=case["epsilon"])
    if name == "layer_norm":
        return functional.layer_norm(x, (case["C"],), gamma, beta, eps=case["epsilon"])
    return functional.group_norm(x, case["G"], gamma, beta, eps=case["epsilon"])


@needs_torch
@pytest.mark.parametrize(("name", "case"), NORMS, ids=[n for n, _ in NORMS])
def test_normalisations_match_pytorch_autograd_in_training_mode(name: str, case: dict) -> None:
    tensors, g, grads = run(name, case, seed=2)
    inputs = {k: torch.tensor(v, requires_grad=True) for k, v in tensors.items()}
    out = _torch_norm(name, inputs["X"], inputs["gamma"], inputs["beta"], case)
    assert np.allclose(out.detach().numpy(), get_rule(name).export(case).forward(**tensors))
    out.backward(torch.tensor(g))
    for wrt in ("X", "gamma", "beta"):
        assert np.allclose(grads[wrt], inputs[wrt].grad.numpy(), atol=1e-9), wrt


def test_batch_norm_statistics_must_be_differentiated() -> None:
    tensors, g, grads = run("batch_norm", {"N": 4, "C": 2, "epsilon": 1e-5}, seed=3)
    x = tensors["X"]
    sigma = np.sqrt(x.var(axis=0) + 1e-5)
    constant_statistics = g * tensors["gamma"] / sigma
    assert not np.allclose(grads["X"], constant_statistics)
    assert np.allclose(grads["X"].sum(axis=0), 0.0)  # the mean's gradient removes the average

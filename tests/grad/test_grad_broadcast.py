"""A broadcast pointwise layer (``y[i, j] = σ(b[j])``): its gradient keeps ``σ(b[j])``, since no one
entry of the output is that value; it was written ``y[w0_, j]`` with a pattern variable left in
(found by the front end's hypothesis property)."""

from __future__ import annotations

import numpy as np
import sympy as sp

from symconv.grad.differentiate import derive_backward


def test_a_broadcast_layers_gradient_is_not_written_with_its_output():
    derivation = derive_backward("y[i,j] = sigmoid(b[j])", wrt="b")
    assert not derivation.answer.has(sp.Wild)
    assert "y" not in {str(entry.base.label) for entry in derivation.answer.atoms(sp.Indexed)}
    assert derivation.check(np.random.default_rng(0)).passed


def test_a_pointwise_layer_is_still_written_with_its_output():
    derivation = derive_backward("U[i,j] = sigmoid(Z[i,j])", wrt="Z")
    assert "U" in {str(entry.base.label) for entry in derivation.answer.atoms(sp.Indexed)}

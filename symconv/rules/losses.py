"""Rules of the table: losses — mean squared error, cross-entropy, softmax + cross-entropy.

A loss is written per sample, ``L[i]``, so that it is an index formula like every other layer;
the scalar being minimised is ``J = Σ_i L[i]`` (then ``∂J/∂L[i] = 1``) or the batch mean
``J = (1/N) Σ_i L[i]`` (``∂J/∂L[i] = 1/N``, PyTorch's ``reduction="mean"``). The upstream
gradient ``∂J/∂L[i]`` stays in every backward so both readings are covered.
"""

from __future__ import annotations

from symconv.rules.table import Rule, register

LOSS_CASES = ({"N": 2, "C": 3}, {"N": 1, "C": 2})

# Mean squared error of sample i over its C outputs (Goodfellow et al. 2016, eq. 5.4 and §6.2.1.1):
#   L[i] = (1/C) Σ_c (Y[i, c] − T[i, c])²,
#   ∂L[i']/∂Y[i, c] = (2/C) (Y[i, c] − T[i, c]) δ_{ii'}, so
#   ∂J/∂Y[i, c] = (2/C) ∂J/∂L[i] (Y[i, c] − T[i, c]).
MSE = register(
    Rule(
        name="mse",
        family="losses",
        title="Mean squared error",
        latex_name=r"\operatorname{MSE}",
        forward="L[i] = sum_c (Y[i,c] - T[i,c])^2 / C; Y: (N, C)",
        backward={"Y": "dJ/dY[i,c] = 2 dJ/dL[i] (Y[i,c] - T[i,c]) / C"},
        cases=LOSS_CASES,
        conventions=("L[i] averages over the C outputs of sample i; J = Σ_i L[i] or its mean",),
        source="Goodfellow, Bengio & Courville (2016), eq. 5.4, §6.2.1.1",
    )
)

# Cross-entropy of predicted probabilities Y against targets T (Goodfellow et al. 2016,
# eq. 6.12; nndl §3.3): L[i] = −Σ_c T[i, c] log Y[i, c], ∂L[i]/∂Y[i, c] = −T[i, c]/Y[i, c]:
#   ∂J/∂Y[i, c] = −∂J/∂L[i] T[i, c] / Y[i, c].
CROSS_ENTROPY = register(
    Rule(
        name="cross_entropy",
        family="losses",
        title="Cross-entropy",
        latex_name=r"\operatorname{CE}",
        forward="L[i] = -sum_c T[i,c] log(Y[i,c]); Y: (N, C)",
        backward={"Y": "dJ/dY[i,c] = -dJ/dL[i] T[i,c] / Y[i,c]"},
        domains={"Y": "probability", "T": "probability"},
        cases=LOSS_CASES,
        conventions=("natural logarithm; Y holds probabilities (Y > 0)",),
        source="Goodfellow, Bengio & Courville (2016), eq. 6.12; nndl §3.3",
    )
)

# Softmax followed by cross-entropy, on the logits X (Goodfellow et al. 2016, §6.2.2.3;
# nndl §3.3): with log Y[i, c] = X[i, c] − log Σ_k e^{X[i, k]},
#   L[i] = −Σ_c T[i, c] (X[i, c] − log Σ_k e^{X[i, k]}),
#   ∂L[i]/∂X[i, e] = −T[i, e] + (Σ_c T[i, c]) e^{X[i, e]} / Σ_k e^{X[i, k]}
#                  = Y[i, e] Σ_c T[i, c] − T[i, e],
# where Y = softmax(X). For targets that sum to one (one-hot labels or probabilities),
# Σ_c T[i, c] = 1 and the gradient is the famous Y − T.
SOFTMAX_CROSS_ENTROPY = register(
    Rule(
        name="softmax_cross_entropy",
        family="losses",
        title="Softmax + cross-entropy",
        latex_name=r"\operatorname{CE}\circ\operatorname{softmax}",
        forward="L[i] = -sum_c T[i,c] (X[i,c] - log(sum_k exp(X[i,k]))); X: (N, C)",
        backward={"X": "dJ/dX[i,c] = dJ/dL[i] (Y[i,c] sum_k T[i,k] - T[i,c])"},
        definitions=("Y[i,c] = exp(X[i,c]) / sum_k exp(X[i,k])",),
        domains={"T": "probability"},
        cases=LOSS_CASES,
        conventions=(
            "Y = softmax(X); for targets with Σ_k T[i, k] = 1 (one-hot or probabilities) the "
            "gradient is ∂J/∂L[i] (Y[i, c] − T[i, c])",
        ),
        source="Goodfellow, Bengio & Courville (2016), §6.2.2.3; nndl §3.3",
    )
)

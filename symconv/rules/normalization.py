"""Rules of the table: normalisations in training mode — batch norm, layer norm, group norm —
with the statistics *differentiated* (they depend on the input; the backward of a normalisation
that treats them as constants is wrong in training).

All three standardise a set S of entries and then scale and shift per channel:

    μ = (1/m) Σ_{s∈S} X_s,   σ = √((1/m) Σ_{s∈S} (X_s − μ)² + ε),   X̂ = (X − μ)/σ,
    Y = γ X̂ + β,

with S the batch (batch norm, per channel), the features of one sample (layer norm), or one
group of channels of one sample with its positions (group norm); m = |S|. Differentiating
through μ and σ (∂μ/∂X_t = 1/m, ∂σ/∂X_t = X̂_t/m) gives, with ∂J/∂X̂ = γ ∂J/∂Y
(Ioffe & Szegedy 2015, §3; Ba, Kiros & Hinton 2016; Wu & He 2018):

    ∂J/∂X_t = (1/(m σ)) (m ∂J/∂X̂_t − Σ_{s∈S} ∂J/∂X̂_s − X̂_t Σ_{s∈S} ∂J/∂X̂_s X̂_s),
    ∂J/∂γ = Σ ∂J/∂Y X̂,   ∂J/∂β = Σ ∂J/∂Y   (over the entries sharing the channel).

The differentiator produces each of these from the forward formula (the statistics written out
as sums inside it); the table stores the compact form above, with X̂ and σ as definitions.
"""

from __future__ import annotations

import sympy as sp

from symconv.grad.formula import IndexFormula
from symconv.rules.forms import formula, gradient, indices, sizes, tensors
from symconv.rules.table import Rule, register

EPSILON_CASES = (
    {"N": 3, "C": 2, "epsilon": sp.Rational(1, 10)},
    {"N": 2, "C": 1, "epsilon": sp.Rational(1, 2)},
)

# Batch norm over the batch, per channel c (Ioffe & Szegedy 2015, algorithm 1 and §3):
#   μ[c] = (1/N) Σ_k X[k, c],  σ[c] = √((1/N) Σ_k (X[k, c] − μ[c])² + ε),
#   Y[i, c] = γ[c] X̂[i, c] + β[c],  X̂[i, c] = (X[i, c] − μ[c])/σ[c];
#   ∂J/∂X[i, c] = γ[c]/(N σ[c]) (N ∂J/∂Y[i, c] − Σ_k ∂J/∂Y[k, c]
#                                  − X̂[i, c] Σ_k ∂J/∂Y[k, c] X̂[k, c]),
#   ∂J/∂γ[c] = Σ_i ∂J/∂Y[i, c] X̂[i, c],  ∂J/∂β[c] = Σ_i ∂J/∂Y[i, c].
_BN_MEAN = "sum_l X[l,c]/N"
_BN_STD = f"sqrt(sum_k (X[k,c] - {_BN_MEAN})^2/N + epsilon)"
BATCH_NORM = register(
    Rule(
        name="batch_norm",
        family="normalization",
        title="Batch normalisation (training mode)",
        latex_name=r"\operatorname{BN}",
        forward=f"Y[i,c] = gamma[c] (X[i,c] - {_BN_MEAN}) / {_BN_STD} + beta[c]; X: (N, C)",
        backward={
            "X": "dJ/dX[i,c] = gamma[c] (N dJ/dY[i,c] - sum_k dJ/dY[k,c] "
            "- Xhat[i,c] sum_k dJ/dY[k,c] Xhat[k,c]) / (N sigma[c])",
            "gamma": "dJ/dgamma[c] = sum_i dJ/dY[i,c] Xhat[i,c]",
            "beta": "dJ/dbeta[c] = sum_i dJ/dY[i,c]",
        },
        definitions=(
            f"Xhat[i,c] = (X[i,c] - {_BN_MEAN}) / {_BN_STD}; X: (N, C)",
            f"sigma[c] = {_BN_STD}; X: (N, C)",
        ),
        cases=EPSILON_CASES,
        check_at_points=True,
        conventions=(
            "training mode: μ and σ² are the batch statistics (biased variance, 1/N), "
            "differentiated",
        ),
        source="Ioffe & Szegedy (2015), algorithm 1 and §3",
    )
)

# Layer norm over the C features of each sample i (Ba, Kiros & Hinton 2016, eq. 4):
#   μ[i] = (1/C) Σ_k X[i, k],  σ[i] = √((1/C) Σ_k (X[i, k] − μ[i])² + ε),
#   Y[i, c] = γ[c] X̂[i, c] + β[c];  with ∂J/∂X̂[i, c] = γ[c] ∂J/∂Y[i, c]:
#   ∂J/∂X[i, c] = (C γ[c] ∂J/∂Y[i, c] − Σ_k γ[k] ∂J/∂Y[i, k]
#                  − X̂[i, c] Σ_k γ[k] ∂J/∂Y[i, k] X̂[i, k]) / (C σ[i]),
#   ∂J/∂γ[c] = Σ_i ∂J/∂Y[i, c] X̂[i, c],  ∂J/∂β[c] = Σ_i ∂J/∂Y[i, c].
_LN_MEAN = "sum_l X[i,l]/C"
_LN_STD = f"sqrt(sum_k (X[i,k] - {_LN_MEAN})^2/C + epsilon)"
LAYER_NORM = register(
    Rule(
        name="layer_norm",
        family="normalization",
        title="Layer normalisation",
        latex_name=r"\operatorname{LN}",
        forward=f"Y[i,c] = gamma[c] (X[i,c] - {_LN_MEAN}) / {_LN_STD} + beta[c]; X: (N, C)",
        backward={
            "X": "dJ/dX[i,c] = (C gamma[c] dJ/dY[i,c] - sum_k gamma[k] dJ/dY[i,k] "
            "- Xhat[i,c] sum_k gamma[k] dJ/dY[i,k] Xhat[i,k]) / (C sigma[i])",
            "gamma": "dJ/dgamma[c] = sum_i dJ/dY[i,c] Xhat[i,c]",
            "beta": "dJ/dbeta[c] = sum_i dJ/dY[i,c]",
        },
        definitions=(
            f"Xhat[i,c] = (X[i,c] - {_LN_MEAN}) / {_LN_STD}; X: (N, C)",
            f"sigma[i] = {_LN_STD}; X: (N, C)",
        ),
        cases=(
            {"N": 2, "C": 3, "epsilon": sp.Rational(1, 10)},
            {"N": 1, "C": 2, "epsilon": sp.Rational(1, 2)},
        ),
        check_at_points=True,
        conventions=("statistics over the C features of each sample (biased variance, 1/C)",),
        source="Ba, Kiros & Hinton (2016), 'Layer normalization', eq. 4",
    )
)


# Group norm on (N, C, L) data with G groups of C/G channels (Wu & He 2018, eq. 1–3): the
# statistics of sample i and group g run over its channels g C/G + c' (c' < C/G) and positions l,
# m = (C/G) L entries; channel c is in group g(c) = ⌊c G / C⌋:
#   μ[i, g] = (1/m) Σ_{c', l} X[i, g C/G + c', l],  σ[i, g] = √((1/m) Σ_{c', l} (X − μ)² + ε),
#   Y[i, c, l] = γ[c] (X[i, c, l] − μ[i, g(c)]) / σ[i, g(c)] + β[c];  with X̂ and
#   ∂J/∂X̂ = γ ∂J/∂Y, the general formula over S = group g(c) of sample i:
#   ∂J/∂X[i, c, l] = (m γ[c] ∂J/∂Y[i, c, l] − Σ_{c', l'} γ[c''] ∂J/∂Y[i, c'', l']
#                     − X̂[i, c, l] Σ_{c', l'} γ[c''] ∂J/∂Y[i, c'', l'] X̂[i, c'', l'])
#                    / (m σ[i, g(c)]),
#   c'' = g(c) C/G + c';  ∂J/∂γ[c] = Σ_{i, l} ∂J/∂Y X̂,  ∂J/∂β[c] = Σ_{i, l} ∂J/∂Y.
i, c, pos, c2, pos2, g = indices("i c l c' l' g")
N, C, L, G = sizes("N C L G")
X, Y, Xhat, sigma, gamma, beta = tensors("X Y Xhat sigma gamma beta")
epsilon = sp.Symbol("epsilon", real=True)
GROUP_SIZE = C / G * L
GN_SHAPES = {"X": (N, C, L), "gamma": (C,), "beta": (C,), "Y": (N, C, L)}


def _group_of(channel: sp.Expr) -> sp.Expr:
    return sp.floor(channel * G / C)


def _in_group(channel: sp.Expr, member: sp.Expr) -> sp.Expr:
    """Channel ``member`` of the group of ``channel``."""
    return _group_of(channel) * C / G + member


def _group_sum(body_of: object, channel: sp.Expr) -> sp.Expr:
    assert callable(body_of)
    return sp.Sum(body_of(_in_group(channel, c2), pos2), (c2, 0, C / G - 1), (pos2, 0, L - 1))


def _group_mean(channel: sp.Expr) -> sp.Expr:
    return _group_sum(lambda ch, pos: X[i, ch, pos], channel) / GROUP_SIZE


def _group_std(channel: sp.Expr) -> sp.Expr:
    mean = _group_mean(channel)
    squares = _group_sum(lambda ch, pos: (X[i, ch, pos] - mean) ** 2, channel)
    return sp.sqrt(squares / GROUP_SIZE + epsilon)


def group_norm_forward() -> IndexFormula:
    normalised = (X[i, c, pos] - _group_mean(c)) / _group_std(c)
    return formula(Y[i, c, pos], gamma[c] * normalised + beta[c], GN_SHAPES)


def group_norm_normalised() -> IndexFormula:
    normalised = (X[i, c, pos] - _group_mean(c)) / _group_std(c)
    return formula(Xhat[i, c, pos], normalised, {**GN_SHAPES, "Xhat": (N, C, L)})


def group_norm_std() -> IndexFormula:
    # σ[i, g] of group g: the statistics of its first channel g C/G.
    first = g * C / G
    return formula(sigma[i, g], _group_std(first), {**GN_SHAPES, "sigma": (N, G)})


def group_norm_backward() -> IndexFormula:
    dY = gradient("Y")
    member = _in_group(c, c2)
    scaled = gamma[member] * dY[i, member, pos2]
    total = sp.Sum(scaled, (c2, 0, C / G - 1), (pos2, 0, L - 1))
    projected = sp.Sum(scaled * Xhat[i, member, pos2], (c2, 0, C / G - 1), (pos2, 0, L - 1))
    rhs = (GROUP_SIZE * gamma[c] * dY[i, c, pos] - total - Xhat[i, c, pos] * projected) / (
        GROUP_SIZE * sigma[i, _group_of(c)]
    )
    shapes = {**GN_SHAPES, "Xhat": (N, C, L), "sigma": (N, G), "∂J/∂Y": (N, C, L)}
    return formula(gradient("X")[i, c, pos], rhs, {**shapes, "∂J/∂X": (N, C, L)})


def group_norm_parameter_backward(which: str) -> IndexFormula:
    dY = gradient("Y")
    body = dY[i, c, pos] * Xhat[i, c, pos] if which == "gamma" else dY[i, c, pos]
    return formula(
        gradient(which)[c],
        sp.Sum(body, (i, 0, N - 1), (pos, 0, L - 1)),
        {**GN_SHAPES, "Xhat": (N, C, L), "∂J/∂Y": (N, C, L), f"∂J/∂{which}": (C,)},
    )


GROUP_NORM = register(
    Rule(
        name="group_norm",
        family="normalization",
        title="Group normalisation",
        latex_name=r"\operatorname{GN}",
        forward=group_norm_forward,
        backward={
            "X": group_norm_backward,
            "gamma": lambda: group_norm_parameter_backward("gamma"),
            "beta": lambda: group_norm_parameter_backward("beta"),
        },
        definitions=(group_norm_normalised, group_norm_std),
        cases=(
            {"N": 1, "C": 4, "L": 1, "G": 2, "epsilon": sp.Rational(1, 10)},
            {"N": 2, "C": 2, "L": 2, "G": 1, "epsilon": sp.Rational(1, 2)},
        ),
        check_at_points=True,
        conventions=(
            "G groups of C/G consecutive channels; statistics per sample and group over its "
            "channels and positions (biased variance)",
        ),
        source="Wu & He (2018), 'Group normalization', eq. 1–3",
    )
)

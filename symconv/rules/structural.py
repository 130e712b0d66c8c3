"""Rules of the table: structural layers — flatten and reshape (in either vec order),
concatenation, residual addition, nearest-neighbour upsampling.

These layers move entries without arithmetic, so each backward moves the gradient back: every
output entry reads exactly one input entry, ``Y[f] = X[π(f)]``, and the chain rule
``∂J/∂X[a] = Σ_f ∂J/∂Y[f] δ(π(f), a)`` keeps the output entries that read ``a`` (Goodfellow et al.
2016, §6.5.6: "the gradient of a copy is a sum"). One entry per output (flatten, reshape,
concatenation) gives a permutation back; many (upsampling) give a sum.
"""

from __future__ import annotations

import sympy as sp

from symconv.grad.formula import IndexFormula
from symconv.rules.forms import formula, gradient, indices, sizes, tensors
from symconv.rules.table import Rule, register

i, c, h, w, q = indices("i c h w q")
N, C, H, W = sizes("N C H W")
X, F = tensors("X F")

FLAT_CASES = ({"N": 1, "C": 2, "H": 2, "W": 3}, {"N": 2, "C": 1, "H": 3, "W": 2})


# Flatten in row-major (C) order, per sample (PyTorch Flatten, NumPy reshape; DESIGN.md's vec):
#   F[i, q] = X[i, ⌊q/(HW)⌋, ⌊q/W⌋ mod H, q mod W],   q = c H W + h W + w,
# a bijection between q ∈ [0, CHW) and (c, h, w). The chain rule keeps the one q with
# π(q) = (c, h, w):  ∂J/∂X[i, c, h, w] = ∂J/∂F[i, c H W + h W + w].
def flatten_forward() -> IndexFormula:
    source = X[i, sp.floor(q / (H * W)), sp.Mod(sp.floor(q / W), H), sp.Mod(q, W)]
    return formula(F[i, q], source, {"X": (N, C, H, W), "F": (N, C * H * W)})


def flatten_backward() -> IndexFormula:
    dX, dF = gradient("X"), gradient("F")
    return formula(
        dX[i, c, h, w],
        dF[i, c * H * W + h * W + w],
        {"X": (N, C, H, W), "∂J/∂X": (N, C, H, W), "∂J/∂F": (N, C * H * W)},
    )


FLATTEN = register(
    Rule(
        name="flatten",
        family="structural",
        title="Flatten (row-major vec)",
        latex_name=r"\operatorname{vec}",
        forward=flatten_forward,
        backward={"X": flatten_backward},
        cases=FLAT_CASES,
        conventions=("vec in row-major (C) order per sample: q = c·H·W + h·W + w",),
        source="PyTorch torch.flatten; Magnus & Neudecker (2019), §2.4 (vec)",
    )
)


# Flatten in column-major (Fortran, MATLAB; the vec of Magnus & Neudecker and of nndl's
# matrix calculus) order: the first axis runs fastest, q = c + C h + C H w:
#   F[i, q] = X[i, q mod C, ⌊q/C⌋ mod H, ⌊q/(CH)⌋],   ∂J/∂X[i, c, h, w] = ∂J/∂F[i, c + C h + C H w].
# The same gradient entries as row-major, at other positions: the backward of a flatten depends
# on the vec order, and must use the forward's.
def flatten_column_major_forward() -> IndexFormula:
    source = X[i, sp.Mod(q, C), sp.Mod(sp.floor(q / C), H), sp.floor(q / (C * H))]
    return formula(F[i, q], source, {"X": (N, C, H, W), "F": (N, C * H * W)})


def flatten_column_major_backward() -> IndexFormula:
    dX, dF = gradient("X"), gradient("F")
    return formula(
        dX[i, c, h, w],
        dF[i, c + C * h + C * H * w],
        {"X": (N, C, H, W), "∂J/∂X": (N, C, H, W), "∂J/∂F": (N, C * H * W)},
    )


FLATTEN_COLUMN_MAJOR = register(
    Rule(
        name="flatten_column_major",
        family="structural",
        title="Flatten (column-major vec)",
        latex_name=r"\operatorname{vec}_F",
        forward=flatten_column_major_forward,
        backward={"X": flatten_column_major_backward},
        cases=FLAT_CASES,
        conventions=("vec in column-major (Fortran) order per sample: q = c + C·h + C·H·w",),
        source="Magnus & Neudecker (2019), §2.4; nndl appendix B (matrix calculus)",
    )
)


# Reshape (unflatten) a row-major vector back to (C, H, W):
#   X[i, c, h, w] = F[i, c H W + h W + w],
#   ∂J/∂F[i, q] = ∂J/∂X[i, ⌊q/(HW)⌋, ⌊q/W⌋ mod H, q mod W]   (the inverse permutation).
def reshape_forward() -> IndexFormula:
    return formula(
        X[i, c, h, w], F[i, c * H * W + h * W + w], {"F": (N, C * H * W), "X": (N, C, H, W)}
    )


def reshape_backward() -> IndexFormula:
    dX, dF = gradient("X"), gradient("F")
    source = dX[i, sp.floor(q / (H * W)), sp.Mod(sp.floor(q / W), H), sp.Mod(q, W)]
    return formula(
        dF[i, q],
        source,
        {"F": (N, C * H * W), "∂J/∂F": (N, C * H * W), "∂J/∂X": (N, C, H, W)},
    )


RESHAPE = register(
    Rule(
        name="reshape",
        family="structural",
        title="Reshape (unflatten, row-major)",
        latex_name=r"\operatorname{vec}^{-1}",
        forward=reshape_forward,
        backward={"F": reshape_backward},
        cases=FLAT_CASES,
        conventions=("row-major (C) order: F[i, c·H·W + h·W + w] = X[i, c, h, w]",),
        source="PyTorch Tensor.reshape / nn.Unflatten",
    )
)


# Concatenation along the channels: Y[i, c] = A[i, c] + B[i, c − C_1], c < C_1 + C_2, where
# out-of-range reads are zero, so each Y entry copies exactly one of A, B. The chain rule:
#   ∂J/∂A[i, c] = ∂J/∂Y[i, c],   ∂J/∂B[i, c] = ∂J/∂Y[i, C_1 + c]   (the gradient is split).
C1, C2 = sizes("C_1 C_2")
A, B, Y = tensors("A B Y")
CONCAT_SHAPES = {"A": (N, C1, H), "B": (N, C2, H), "Y": (N, C1 + C2, H)}


def concat_forward() -> IndexFormula:
    return formula(Y[i, c, h], A[i, c, h] + B[i, c - C1, h], CONCAT_SHAPES)


def concat_backward(part: str) -> IndexFormula:
    dY = gradient("Y")
    shapes = {**CONCAT_SHAPES, "∂J/∂Y": CONCAT_SHAPES["Y"]}
    if part == "A":
        return formula(gradient("A")[i, c, h], dY[i, c, h], {**shapes, "∂J/∂A": (N, C1, H)})
    return formula(gradient("B")[i, c, h], dY[i, C1 + c, h], {**shapes, "∂J/∂B": (N, C2, H)})


CONCAT = register(
    Rule(
        name="concat",
        family="structural",
        title="Concatenation along the channel axis",
        latex_name=r"\operatorname{concat}",
        forward=concat_forward,
        backward={"A": lambda: concat_backward("A"), "B": lambda: concat_backward("B")},
        cases=({"N": 1, "C_1": 2, "C_2": 1, "H": 2}, {"N": 2, "C_1": 1, "C_2": 2, "H": 1}),
        conventions=("A's channels first, then B's",),
        source="PyTorch torch.cat; Goodfellow et al. (2016), §6.5.6",
    )
)

# Residual addition Y = X + R (He et al. 2016, eq. 1), R the residual branch's output:
#   ∂J/∂X[i, c] = ∂J/∂Y[i, c],   ∂J/∂R[i, c] = ∂J/∂Y[i, c]
# — the gradient reaches X unchanged through the skip connection (He et al. 2016, §3.1).
RESIDUAL = register(
    Rule(
        name="residual_add",
        family="structural",
        title="Residual addition",
        latex_name="+",
        forward="Y[i,c] = X[i,c] + R[i,c]; X: (N, C)",
        backward={"X": "dJ/dX[i,c] = dJ/dY[i,c]", "R": "dJ/dR[i,c] = dJ/dY[i,c]"},
        cases=({"N": 2, "C": 2}, {"N": 1, "C": 3}),
        source="He, Zhang, Ren & Sun (2016), eq. 1 and §3.1",
    )
)


# Nearest-neighbour upsampling by an integer factor s (PyTorch Upsample(mode="nearest")):
#   Y[i, c, h, w] = X[i, c, ⌊h/s⌋, ⌊w/s⌋],   h < sH, w < sW.
# Output (h, w) reads input (⌊h/s⌋, ⌊w/s⌋); the outputs reading (h, w) are s h + r_1, s w + r_2
# with 0 ≤ r_1, r_2 < s, so the gradient sums each s × s block (a sum pooling of ∂J/∂Y):
#   ∂J/∂X[i, c, h, w] = Σ_{r_1=0}^{s−1} Σ_{r_2=0}^{s−1} ∂J/∂Y[i, c, s h + r_1, s w + r_2].
UPSAMPLE = register(
    Rule(
        name="upsample_nearest",
        family="structural",
        title="Nearest-neighbour upsampling",
        latex_name=r"\operatorname{up}_s",
        forward="Y[i,c,h,w] = X[i,c,floor(h/s),floor(w/s)]; X: (N, C, H, W); Y: (N, C, s*H, s*W)",
        backward={
            "X": "dJ/dX[i,c,h,w] = sum_{r1=0}^{s-1} sum_{r2=0}^{s-1} dJ/dY[i,c,s*h+r1,s*w+r2]"
        },
        positive=("s",),
        cases=({"N": 1, "C": 1, "H": 2, "W": 2, "s": 2}, {"N": 2, "C": 1, "H": 1, "W": 2, "s": 3}),
        conventions=("integer scale factor s on both spatial axes",),
        source="PyTorch nn.Upsample(mode='nearest'); Odena, Dumoulin & Olah (2016)",
    )
)

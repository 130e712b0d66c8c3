"""Rules of the table: activations — sigmoid, tanh, ReLU, leaky ReLU, softmax.

Pointwise layers act on each entry: ``U[i, j] = f(Z[i, j])`` (``i`` the sample, ``j`` the
feature; any other shape reads the same). With ``∂U[i', j']/∂Z[i, j] = f'(Z[i, j]) δ_{ii'} δ_{jj'}``
the chain rule sum collapses to one term, ``∂J/∂Z[i, j] = ∂J/∂U[i, j] f'(Z[i, j])`` (Goodfellow et
al. 2016, §6.5.2), and the backward is written with the layer's output where ``f'`` is (σ, tanh).
Softmax couples the entries of a row: its Jacobian is not diagonal (see
:func:`softmax_jacobian_derivation`), and the rule stores its vector-Jacobian product.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from symconv.core.derivation import CheckResult, Derivation, Step
from symconv.core.latex import Notation
from symconv.errors import ConventionError
from symconv.grad.formula import IndexFormula, index_symbol, size_symbol
from symconv.grad.notation import Partial, gradient_base
from symconv.rules.table import FormulaSource, Rule, register

POINTWISE_CASES = ({"N": 2, "D": 3}, {"N": 1, "D": 4})

# σ(z) = 1/(1 + e^{−z}),  σ'(z) = e^{−z}/(1 + e^{−z})² = σ(z)(1 − σ(z))
# (Goodfellow et al. 2016, eq. 3.31 and §6.3.2; nndl §4.1.1). With U = σ(Z):
#   ∂J/∂Z[i, j] = Σ_{i', j'} ∂J/∂U[i', j'] σ'(Z[i, j]) δ_{ii'} δ_{jj'}
#               = ∂J/∂U[i, j] U[i, j] (1 − U[i, j])
SIGMOID = register(
    Rule(
        name="sigmoid",
        family="activations",
        title="Sigmoid",
        latex_name=r"\sigma",
        forward="U[i,j] = sigmoid(Z[i,j]); Z: (N, D)",
        backward={"Z": "dJ/dZ[i,j] = dJ/dU[i,j] U[i,j] (1 - U[i,j])"},
        definitions=("U[i,j] = sigmoid(Z[i,j])",),
        cases=POINTWISE_CASES,
        source="Goodfellow, Bengio & Courville (2016), eq. 3.31; nndl §4.1.1",
    )
)

# tanh'(z) = 1 − tanh²(z) (Goodfellow et al. 2016, §6.3.2; nndl §4.1.1). With U = tanh(Z):
#   ∂J/∂Z[i, j] = ∂J/∂U[i, j] (1 − U[i, j]²)
TANH = register(
    Rule(
        name="tanh",
        family="activations",
        title="Hyperbolic tangent",
        latex_name=r"\tanh",
        forward="U[i,j] = tanh(Z[i,j]); Z: (N, D)",
        backward={"Z": "dJ/dZ[i,j] = dJ/dU[i,j] (1 - U[i,j]^2)"},
        definitions=("U[i,j] = tanh(Z[i,j])",),
        cases=POINTWISE_CASES,
        source="Goodfellow, Bengio & Courville (2016), §6.3.2; nndl §4.1.1",
    )
)

# relu(z) = max(0, z), relu'(z) = H(z) = [z > 0] with H(0) := 0, the subgradient deep-learning
# libraries use at the kink (PyTorch threshold_backward; Goodfellow et al. 2016, §6.3.1):
#   ∂J/∂Z[i, j] = ∂J/∂U[i, j] [Z[i, j] > 0]
RELU = register(
    Rule(
        name="relu",
        family="activations",
        title="Rectified linear unit",
        latex_name=r"\operatorname{relu}",
        forward="U[i,j] = relu(Z[i,j]); Z: (N, D)",
        backward={"Z": lambda: _relu_backward()},
        cases=POINTWISE_CASES,
        smooth=False,
        conventions=("relu'(0) = 0: the subgradient PyTorch and TensorFlow use",),
        source="Goodfellow, Bengio & Courville (2016), §6.3.1; Nair & Hinton (2010)",
    )
)


def pointwise_rule(name: str, rank: int) -> Rule:
    """The activation ``name`` (sigmoid, tanh, relu, leaky_relu) on tensors of ``rank`` axes
    (not registered): the same rule, written with ``rank`` indices — the form a layer after a
    convolution needs (NCHW: rank 4).

    >>> print(pointwise_rule("sigmoid", 4).forward_formula.latex())
    U[i, c, h, w] = \\sigma\\left(Z[i, c, h, w]\\right)
    """
    base = {rule.name: rule for rule in (SIGMOID, TANH, RELU, LEAKY_RELU)}.get(name)
    if base is None:
        raise ConventionError(
            f"no pointwise rule {name!r}: expected sigmoid, tanh, relu, leaky_relu"
        )
    if rank == 2:
        return base
    names = ["i", "c", "h", "w", "t"][:rank] if rank <= 5 else [f"a{n}" for n in range(rank)]
    size_names = ["N", "C", "H", "W", "T"][:rank] if rank <= 5 else [f"S{n}" for n in range(rank)]
    indices_text = ",".join(names)
    shape_text = ", ".join(size_names)
    forward = {
        "sigmoid": f"U[{indices_text}] = sigmoid(Z[{indices_text}])",
        "tanh": f"U[{indices_text}] = tanh(Z[{indices_text}])",
        "relu": f"U[{indices_text}] = relu(Z[{indices_text}])",
        "leaky_relu": f"U[{indices_text}] = relu(Z[{indices_text}]) + "
        f"a*(Z[{indices_text}] - relu(Z[{indices_text}]))",
    }[name]
    upstream, here = f"dJ/dU[{indices_text}]", f"U[{indices_text}]"
    backward: FormulaSource
    definitions: tuple[FormulaSource, ...] = ()
    if name == "sigmoid":
        backward = f"dJ/dZ[{indices_text}] = {upstream} {here} (1 - {here})"
        definitions = (forward,)
    elif name == "tanh":
        backward = f"dJ/dZ[{indices_text}] = {upstream} (1 - {here}^2)"
        definitions = (forward,)
    else:
        backward = _heaviside_backward(names, size_names, name == "leaky_relu")
    case = {size: 2 for size in size_names}
    if name == "leaky_relu":
        case["a"] = sp.Rational(1, 10)
    return Rule(
        name=f"{name}_rank{rank}",
        family="activations",
        title=base.title,
        latex_name=base.latex_name,
        forward=f"{forward}; Z: ({shape_text})",
        backward={"Z": backward},
        definitions=definitions,
        cases=(case,),
        smooth=base.smooth,
        conventions=base.conventions,
        source=base.source,
    )


def _heaviside_backward(names: list[str], size_names: list[str], leaky: bool) -> IndexFormula:
    index = tuple(index_symbol(n) for n in names)
    shape = tuple(size_symbol(n) for n in size_names)
    Z = sp.IndexedBase("Z")
    dU, dZ = gradient_base("J", "U"), gradient_base("J", "Z")
    step = sp.Heaviside(Z[index], 0)
    if leaky:
        a = sp.Symbol("a", real=True)
        step = a + (1 - a) * step
    return IndexFormula(
        lhs=dZ[index],
        rhs=dU[index] * step,
        ranges=tuple((x, sp.Integer(0), n - 1) for x, n in zip(index, shape, strict=True)),
        shapes={"Z": shape, "∂J/∂U": shape, "∂J/∂Z": shape},
    )


def _relu_backward() -> IndexFormula:
    i, j = index_symbol("i"), index_symbol("j")
    N, D = size_symbol("N"), size_symbol("D")
    Z = sp.IndexedBase("Z")
    dU, dZ = gradient_base("J", "U"), gradient_base("J", "Z")
    return IndexFormula(
        lhs=dZ[i, j],
        rhs=dU[i, j] * sp.Heaviside(Z[i, j], 0),
        ranges=((i, sp.Integer(0), N - 1), (j, sp.Integer(0), D - 1)),
        shapes={"Z": (N, D), "∂J/∂U": (N, D), "∂J/∂Z": (N, D)},
    )


# Leaky ReLU with slope a on the negative side (Maas, Hannun & Ng 2013):
#   f(z) = relu(z) + a (z − relu(z)) = z for z > 0, a z for z ≤ 0,
#   f'(z) = H(z)(1 − a) + a = 1 for z > 0, a for z ≤ 0 — with H(0) = 0 the derivative at the
#   kink is a, PyTorch's choice (leaky_relu_backward: x > 0 ? grad : grad·a). So
#   ∂J/∂Z[i, j] = ∂J/∂U[i, j] (a + (1 − a) [Z[i, j] > 0]).
LEAKY_RELU = register(
    Rule(
        name="leaky_relu",
        family="activations",
        title="Leaky ReLU",
        latex_name=r"\operatorname{lrelu}_a",
        forward="U[i,j] = relu(Z[i,j]) + a*(Z[i,j] - relu(Z[i,j])); Z: (N, D)",
        backward={"Z": lambda: _leaky_relu_backward()},
        cases=({"N": 2, "D": 3, "a": sp.Rational(1, 10)}, {"N": 1, "D": 2, "a": sp.Rational(1, 5)}),
        smooth=False,
        conventions=("slope a for z ≤ 0, so f'(0) = a (PyTorch's leaky_relu_backward)",),
        source="Maas, Hannun & Ng (2013); PyTorch leaky_relu_backward",
    )
)


def _leaky_relu_backward() -> IndexFormula:
    i, j = index_symbol("i"), index_symbol("j")
    N, D = size_symbol("N"), size_symbol("D")
    a = sp.Symbol("a", real=True)
    Z = sp.IndexedBase("Z")
    dU, dZ = gradient_base("J", "U"), gradient_base("J", "Z")
    return IndexFormula(
        lhs=dZ[i, j],
        rhs=dU[i, j] * (a + (1 - a) * sp.Heaviside(Z[i, j], 0)),
        ranges=((i, sp.Integer(0), N - 1), (j, sp.Integer(0), D - 1)),
        shapes={"Z": (N, D), "∂J/∂U": (N, D), "∂J/∂Z": (N, D)},
    )


# Softmax over the classes c of each sample i: Y[i, c] = e^{X[i, c]} / Σ_k e^{X[i, k]}.
# Its Jacobian (Goodfellow et al. 2016, §6.2.2.3; Bishop 2006, eq. 4.106):
#   ∂Y[i, c]/∂X[i, e] = Y[i, c] (δ_{ce} − Y[i, e])     (and 0 across samples),
# so the vector-Jacobian product — what backpropagation needs — is
#   ∂J/∂X[i, e] = Σ_c ∂J/∂Y[i, c] Y[i, c] (δ_{ce} − Y[i, e])
#               = Y[i, e] (∂J/∂Y[i, e] − Σ_c ∂J/∂Y[i, c] Y[i, c]),
# one dot product per sample instead of a C×C matrix.
SOFTMAX = register(
    Rule(
        name="softmax",
        family="activations",
        title="Softmax",
        latex_name=r"\operatorname{softmax}",
        forward="Y[i,c] = exp(X[i,c]) / sum_k exp(X[i,k]); X: (N, C)",
        backward={"X": "dJ/dX[i,c] = Y[i,c] (dJ/dY[i,c] - sum_k dJ/dY[i,k] Y[i,k])"},
        definitions=("Y[i,c] = exp(X[i,c]) / sum_k exp(X[i,k])",),
        cases=({"N": 1, "C": 3}, {"N": 2, "C": 2}),
        source="Goodfellow, Bengio & Courville (2016), §6.2.2.3; Bishop (2006), eq. 4.106",
    )
)


def softmax_jacobian_derivation(classes: int = 3, *, notation: Notation = "bracket") -> Derivation:
    """The Jacobian of the softmax of one sample, ``∂y_c/∂x_e = y_c (δ_{ce} − y_e)``, i.e.
    ``diag(y) − y yᵀ``: the index form, then the explicit ``C × C`` matrix. Its check compares it
    exactly with ``sympy.diff`` of ``y = softmax(x)`` over entry symbols.

    >>> d = softmax_jacobian_derivation(2)
    >>> d.answer
    Matrix([
    [y_{0}*(1 - y_{0}),     -y_{0}*y_{1}],
    [    -y_{0}*y_{1}, y_{1}*(1 - y_{1})]])
    >>> d.check().passed
    True
    """
    c, e, k = index_symbol("c"), index_symbol("e"), index_symbol("k")
    X, Y = sp.IndexedBase("X"), sp.IndexedBase("Y")
    x = sp.symbols(f"x_{{0:{classes}}}", real=True)
    y = sp.symbols(f"y_{{0:{classes}}}", positive=True)
    closed = sp.ImmutableMatrix(
        classes, classes, lambda a, b: y[a] * (sp.KroneckerDelta(a, b) - y[b])
    )
    index_rhs = Y[c] * (sp.KroneckerDelta(c, e) - Y[e])
    jacobian_symbol = sp.Symbol(r"\frac{\partial y}{\partial x}")
    steps = (
        Step(
            Y[c],
            sp.exp(X[c]) / sp.Sum(sp.exp(X[k]), (k, 0, size_symbol("C") - 1)),
            ":=",
            "softmax of one sample",
        ),
        Step(
            Partial(Y[c], X[e]),
            index_rhs,
            "=",
            "quotient rule: the numerator depends on X[e] only when c = e",
        ),
        Step(jacobian_symbol, closed, "=", f"the {classes} × {classes} matrix diag(y) − y yᵀ"),
    )

    def against_sympy_diff(rng: np.random.Generator) -> CheckResult:
        total = sum(sp.exp(v) for v in x)
        softmax = [sp.exp(v) / total for v in x]
        explicit = sp.Matrix(classes, classes, lambda a, b: sp.diff(softmax[a], x[b]))
        claimed = closed.subs(dict(zip(y, softmax, strict=True)))
        same = all(
            sp.simplify(explicit[a, b] - claimed[a, b]) == 0
            for a in range(classes)
            for b in range(classes)
        )
        return CheckResult(
            "Jacobian == sympy.diff of the explicit softmax",
            same,
            f"{classes} classes, entry by entry",
        )

    return Derivation(
        title="Jacobian of the softmax",
        steps=steps,
        answer=closed,
        answer_lhs=jacobian_symbol,
        conventions=("y = softmax(x) of one sample; δ is the Kronecker delta",),
        checks=(against_sympy_diff,),
        notation=notation,
        details={"index_form": index_rhs},
    )

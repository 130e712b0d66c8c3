"""A notebook-style tour of symconv: run it with ``python examples/tour.py``.

In Jupyter every ``Derivation`` renders itself (``_repr_latex_``); here the same LaTeX is printed.
The output is a test golden (tests/test_examples.py), so the tour cannot drift from the engine.
"""

from symconv import conv_gradients, conv_matrix_derivation, conv_output_size, stencil

# 1. Shape arithmetic, worked (Dumoulin & Visin 2016, relationship 15).
size = conv_output_size(48, 3, s=1, p=0)
print(size._repr_latex_())
print("answer:", size.answer, "|", size.check().summary())

# 2. The convolution matrix of nndl exercise 5-5.
matrix = conv_matrix_derivation((3, 3), (2, 2), base=1, notation="subscript")
print(matrix.answer_latex())
print(matrix.check().summary())

# 3. A finite-difference stencil and its truncation error.
second = stencil(2, accuracy=2)
print(second.formula_latex())

# 4. The gradients of a 2-D convolution layer, in the NYU course's notation.
gradients = conv_gradients(2, layout="NHWC", weight_layout="HWIO")
for name in ("W", "b"):
    print(gradients[name].answer_latex())

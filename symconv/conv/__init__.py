"""Convolution: geometry (:class:`~symconv.conv.geometry.ConvSpec`), the index and explicit forms
(``forms``), the matrix C (``matrix``), transposed convolution, numeric twins, pooling.

Nothing is imported here; import the modules.
"""

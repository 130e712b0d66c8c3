"""Finite-difference stencils: the weights (``weights``), their checks, kernels, LaTeX, stencils
in n dimensions (``nd``), Taylor tables, Fornberg's recursion, moment systems, spacing fields.

Nothing is imported here; import the modules. (The folder is ``stencils``, not ``stencil``: a
sub-package named ``stencil`` would shadow the public function ``symconv.stencil`` once imported.)
"""

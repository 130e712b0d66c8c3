"""The engine's core: the one result type (:class:`~symconv.core.derivation.Derivation`), its LaTeX
printer, the sympify door (``safe``), tensors, indexing, gradient checks, the notation the
engines and the checker share (``notation``), and what keeps a short command fast: regular
expressions compiled on first use (``patterns``), NumPy type tests that do not import NumPy
(``numpy_values``).

Nothing is imported here; import the modules.
"""

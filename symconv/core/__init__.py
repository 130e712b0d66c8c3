"""The engine's core: the one result type (:class:`~symconv.core.derivation.Derivation`), its LaTeX
printer, the sympify door (``safe``), tensors, indexing, gradient checks, and the notation the
engines and the checker share (``notation``).

Nothing is imported here; import the modules.
"""

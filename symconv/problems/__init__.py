"""Problem sets: the model (``model``), the TOML reader (``problemset``), the engine registry
(``engines``), write-ups (``writeup``). Solving a catalog id is :func:`derivations.solve`.

Nothing is imported here; import the modules.
"""

"""Shape and cost arithmetic as worked derivations (``shapes``, ``costs``, ``worked``).

Nothing is imported here; import the modules.
"""

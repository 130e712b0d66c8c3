"""Sub-commands of the ``symconv`` command line; each module has ``register(subparsers)``.

``output`` is not a sub-command: it holds what they print results with (md, tex, json).
"""

#: Modules under ``symconv.commands``, in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = (
    "solve",
    "check",
    "shapes",
    "stencil",
    "derive",
    "convmatrix",
)

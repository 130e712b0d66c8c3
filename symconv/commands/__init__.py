"""Sub-commands of the ``symconv`` command line; each module has ``register(subparsers)``."""

#: Modules under ``symconv.commands``, in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = ("solve", "check", "shapes", "stencil")

"""The ``symconv`` command: one sub-command per job, each in ``symconv/commands/``.

Sub-command modules define their arguments in ``register`` and import the engine lazily inside
``run``, so ``symconv --help`` and a one-line ``check`` start fast.

Exit codes (DESIGN.md): 0 nothing wrong; 1 ``check`` found a wrong claim; 2 bad usage or unreadable
input, with a message naming the input and what was expected.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from symconv.commands import COMMANDS

EXIT_OK, EXIT_WRONG, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on bad usage already; keep its message on stderr."""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="symconv",
        description="Symbolic derivations for convolutional networks.",
    )
    parser.add_argument("--version", action="version", version="symconv 0.1.0")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"symconv.commands.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    from symconv.errors import SymconvError

    try:
        return int(args.run(args))
    except SymconvError as error:
        print(f"symconv {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The ``symconv`` command: one sub-command per job, each in ``symconv/commands/``.

Sub-command modules define their arguments in ``register`` and import the engine lazily inside
``run``, so ``symconv --help`` and a one-line ``check`` start fast.

Exit codes (DESIGN.md): 0 nothing wrong; 1 ``check`` found a wrong claim; 2 bad usage or unreadable
input, with a message naming the input and what was expected; 141 (128 + SIGPIPE, what a shell
reports for a program a closed pipe stopped) when the reader of the output went away
(``symconv solve --list | head -1``): the command stops quietly, without a traceback.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import signal
import sys
from collections.abc import Sequence

from symconv.commands import COMMANDS

EXIT_OK, EXIT_WRONG, EXIT_USAGE = 0, 1, 2

#: The status of a command whose output pipe was closed: 128 + SIGPIPE, as a shell reports a
#: program the signal stopped (``set -o pipefail`` sees it); not 1, which means "a wrong claim".
EXIT_BROKEN_PIPE = 128 + int(signal.SIGPIPE)


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
    """Run one sub-command and return its exit status (see the module docstring).

    A reader that closes the pipe early (``| head -1``, ``| true``) ends the command quietly, for
    every sub-command at once, as CPython's documentation of SIGPIPE recommends: catch
    ``BrokenPipeError``, point stdout at ``os.devnull`` so the interpreter's last flush cannot fail
    again, and exit with :data:`EXIT_BROKEN_PIPE`.
    """
    whole_process = argv is None  # the console script or ``python -m symconv``, not a caller
    if whole_process:
        configure_process()
    try:
        try:
            return _main(argv, whole_process)
        finally:
            # Flush here, inside the handler, not at interpreter exit where the error could only
            # be reported as "Exception ignored".
            sys.stdout.flush()
            if whole_process:
                _freeze_heap()
    except BrokenPipeError:
        _stdout_to_devnull()
        return EXIT_BROKEN_PIPE


def configure_process() -> None:
    """What :func:`main` sets for a whole process before anything heavy is imported: the garbage
    collector's pace (:func:`_collect_less_often`) and one BLAS thread (:func:`_one_blas_thread`).
    ``benchmarks/cli_latency.py`` calls it too, so that its phase-by-phase breakdown runs what the
    command runs."""
    _collect_less_often()
    _one_blas_thread()


#: Allocations between two collections of the youngest generation for a whole process (CPython's
#: default: 700).
YOUNG_COLLECTION_THRESHOLD = 50_000


def _collect_less_often() -> None:
    """Run the cyclic garbage collector every :data:`YOUNG_COLLECTION_THRESHOLD` allocations.

    Importing SymPy and deriving with it allocate objects by the hundred thousand, nearly all of
    them alive until the process exits; at CPython's default the collector runs every 700
    allocations and, each tenth time, walks the older objects again — 5 % of a ``symconv solve``.
    Cycles are still collected (a command's memory stays bounded), only less often; done for a
    whole process only, as :func:`_freeze_heap`.
    """
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, middle, oldest)


#: What OpenBLAS reads for its number of threads, in its order of precedence.
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")


def _one_blas_thread() -> None:
    """Let NumPy's OpenBLAS start one thread, unless the user chose a number
    (:data:`BLAS_THREAD_VARIABLES`) or NumPy is loaded already.

    OpenBLAS starts a pool of threads, one per core, each with its own buffers, when NumPy is
    imported: 60 ms of a cold ``symconv solve`` on two cores. A command multiplies small arrays
    only (a convolution matrix, a gradient check at sizes ≤ 3), where the pool gains nothing.
    """
    if "numpy" not in sys.modules and not any(v in os.environ for v in BLAS_THREAD_VARIABLES):
        os.environ["OPENBLAS_NUM_THREADS"] = "1"


def _freeze_heap() -> None:
    """Move every object alive now out of the cyclic garbage collector's reach (``gc.freeze``).

    A command is one short process: SymPy's and NumPy's modules, classes and caches, imported
    first, live until it exits, yet every full collection walks all of them again, and so does
    the collection the interpreter runs at exit — a tenth of a second of a one-second
    ``symconv solve``. Frozen objects are still freed by reference counting; a cycle that was
    already garbage when frozen is kept until exit. So this is done only for a whole process
    (``main()`` without ``argv``), after the imports and at the end, never for a caller that
    runs ``main([...])`` many times (the tests), and before ``check`` forks its workers — the
    use CPython's documentation of ``gc.freeze`` gives (no copy-on-write of the frozen heap).
    """
    gc.freeze()


def _stdout_to_devnull() -> None:
    """Send whatever stdout still holds to ``os.devnull`` (Python's docs, "Note on SIGPIPE")."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # stdout replaced by an object without a file
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (lives until exit)
    finally:
        os.close(devnull)


def _main(argv: Sequence[str] | None, whole_process: bool = False) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    if whole_process:
        _freeze_heap()
    from symconv.errors import SymconvError

    try:
        return int(args.run(args))
    except SymconvError as error:
        print(f"symconv {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

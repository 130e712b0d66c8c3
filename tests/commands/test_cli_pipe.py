"""Every sub-command survives a reader that closes the pipe early (``| head -1``, ``| true``).

Each case runs ``python -m symconv`` in a fresh process whose stdout is a real pipe; the test
closes its end before the command writes, as ``| true`` does, so the first write or the last
flush meets EPIPE. The command must stop quietly: no traceback and no "Exception ignored" on
stderr, and the status a shell reports for a program SIGPIPE stopped (141), never 1 (which
``check`` uses for "a wrong claim").
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from symconv.cli import EXIT_BROKEN_PIPE
from symconv.commands import COMMANDS

ROOT = Path(__file__).resolve().parents[2]

#: One invocation per sub-command that writes to stdout (``{file}``: a one-line solution).
INVOCATIONS: dict[str, list[str]] = {
    "solve": ["solve", "--list"],
    "check": ["check", "{file}"],
    "shapes": [
        *("shapes", "conv", "--input", "48", "64", "10"),
        "--kernel",
        "3",
        "3",
        "--filters",
        "20",
    ],
    "stencil": ["stencil", "--derivative", "2"],
    "derive": ["derive", "Z[i] = sum(W[k] * X[i+k])", "--wrt", "W"],
    "convmatrix": ["convmatrix", "--input", "3", "3", "--kernel", "2", "2"],
}


def test_every_sub_command_has_a_pipe_case():
    assert set(INVOCATIONS) == set(COMMANDS)


def _run_with_closed_pipe(argv: list[str], read_lines: int) -> subprocess.CompletedProcess[str]:
    """Run ``python -m symconv argv``, read ``read_lines`` lines of its output, then close the
    pipe (0 lines: closed at once, ``| true``; 1 line: ``| head -1``)."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "symconv", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=environment,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    for _ in range(read_lines):
        process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read()
    process.stderr.close()
    status = process.wait(timeout=120)
    return subprocess.CompletedProcess(argv, status, "", stderr)


@pytest.fixture(scope="module")
def solution(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pipe") / "one.md"
    path.write_text("The output size is $o = 48 - 3 + 1 = 46$.\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("command", sorted(INVOCATIONS))
def test_a_closed_pipe_ends_the_command_quietly(command: str, solution: Path):
    argv = [part.format(file=solution) for part in INVOCATIONS[command]]
    result = _run_with_closed_pipe(argv, read_lines=0)
    assert "Traceback" not in result.stderr, result.stderr
    assert "BrokenPipeError" not in result.stderr, result.stderr
    assert "Exception ignored" not in result.stderr, result.stderr
    assert result.returncode == EXIT_BROKEN_PIPE, (result.returncode, result.stderr)


def test_head_one_on_a_long_listing_is_quiet():
    """``symconv solve --list | head -1``: the listing is longer than one line."""
    result = _run_with_closed_pipe(["solve", "--list"], read_lines=1)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, EXIT_BROKEN_PIPE), result.stderr


def test_the_broken_pipe_status_is_128_plus_sigpipe():
    import signal

    assert EXIT_BROKEN_PIPE == 128 + signal.SIGPIPE == 141

"""Bounds on a check: a time limit per claim, a time budget per file, a size cap per input, and
the seeds that make randomised checks reproducible.

Every claim is judged under :func:`time_limit` (default 2 s): a check that runs longer raises
:class:`~symconv.errors.TimeLimitError` and the claim is *unverified* ("timed out"), never a hang.
The limit is a ``SIGALRM`` interval timer where that exists (the main thread of a POSIX process:
the command line and the batch's worker processes); elsewhere (a thread, Windows) the check runs
to its end and is refused afterwards if it overran. A :class:`Budget` spans one file (default
60 s): when it is spent, the claims left are *unverified* ("time budget").

    >>> with time_limit(1.0):
    ...     sum(range(10))
    45
    >>> seed = seed_for("x = 1\\n", 3)
    >>> seed == seed_for("x = 1\\n", 3), seed == seed_for("x = 2\\n", 3)
    (True, False)
"""

from __future__ import annotations

import hashlib
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from symconv.errors import ParseError, TimeLimitError

#: Defaults of ``symconv check``: seconds per claim, seconds per file, bytes per input.
DEFAULT_CLAIM_SECONDS = 2.0
DEFAULT_FILE_SECONDS = 60.0
DEFAULT_MAX_BYTES = 1_000_000

#: Seconds between repeats of an expired limit's alarm (see :func:`time_limit`).
ALARM_REPEAT_SECONDS = 0.05


@dataclass(frozen=True)
class Limits:
    """The bounds of one check (``--time-limit`` sets ``claim_seconds``)."""

    claim_seconds: float = DEFAULT_CLAIM_SECONDS
    file_seconds: float = DEFAULT_FILE_SECONDS
    max_bytes: int = DEFAULT_MAX_BYTES

    def __post_init__(self) -> None:
        for name in ("claim_seconds", "file_seconds"):
            value = getattr(self, name)
            if not value > 0:
                raise ParseError(f"{name.replace('_', ' ')} must be positive, got {value!r}")
        if self.max_bytes <= 0:
            raise ParseError(f"the size cap must be positive, got {self.max_bytes!r} bytes")


#: Tries to disarm the alarm when a limited body ends (an alarm ringing meanwhile interrupts one;
#: once the timer is off, at most one more can ring).
DISARM_ATTEMPTS = 8


def _alarm_available() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float, what: str = "the check") -> Iterator[None]:
    """Run the body under a limit of ``seconds``; :class:`TimeLimitError` when it is exceeded.

    Nested limits keep the outer one: the inner limit is the smaller of the two.
    """
    if seconds <= 0:
        raise TimeLimitError(f"{what}: no time left (limit {seconds:.3g} s)")
    started = time.perf_counter()
    if not _alarm_available():
        yield
        elapsed = time.perf_counter() - started
        if elapsed > seconds:
            raise TimeLimitError(f"{what} took {elapsed:.3g} s, over its limit of {seconds:.3g} s")
        return

    def expire(signum: int, frame: object) -> None:
        raise TimeLimitError(f"{what} exceeded its limit of {seconds:.3g} s")

    outer_remaining, outer_interval = signal.getitimer(signal.ITIMER_REAL)
    previous = signal.signal(signal.SIGALRM, expire)
    limit = seconds if not outer_remaining else min(seconds, outer_remaining)
    # The alarm repeats until the body ends: SymPy catches ``Exception`` in places (assumption
    # queries, evalf), and an alarm raised inside such a block is swallowed; a one-shot alarm
    # then never fires again (a fuzz input ran for 10 minutes under a 0.05 s limit).
    signal.setitimer(signal.ITIMER_REAL, limit, ALARM_REPEAT_SECONDS)
    try:
        yield
    finally:
        for _ in range(DISARM_ATTEMPTS):
            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
                break
            except TimeLimitError:
                # The alarm rang during this clean-up: disarm again, or it would keep ringing
                # after the check returned (a fuzz run's generator was interrupted so).
                continue
        if outer_remaining:
            left = outer_remaining - (time.perf_counter() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), outer_interval)
    # The alarm's exception can be swallowed (raised inside a garbage-collector callback, which
    # Python discards): a body that ran over its limit is still refused.
    elapsed = time.perf_counter() - started
    if elapsed > limit:
        raise TimeLimitError(f"{what} took {elapsed:.3g} s, over its limit of {limit:.3g} s")


class Budget:
    """The time left for one file."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started = time.perf_counter()

    def remaining(self) -> float:
        return self.seconds - (time.perf_counter() - self.started)

    @property
    def spent(self) -> bool:
        return self.remaining() <= 0


def seed_for(content: str | bytes, line: int) -> int:
    """A seed from the file's content and a line: reruns draw the same random numbers, and an
    edit elsewhere in the file changes them (so no draw is tuned to a file)."""
    data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    digest = hashlib.sha256(data + b"\0line:" + str(line).encode()).digest()
    return int.from_bytes(digest[:8], "big") % (2**63)


def read_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The text of an input file, refused with :class:`ParseError` (naming the file and what was
    expected) when it is missing, over the size cap, binary or not UTF-8."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ParseError(f"{path}: no such file") from None
    except OSError as error:
        raise ParseError(f"{path}: cannot be read ({error.strerror})") from None
    if path.is_dir():
        raise ParseError(f"{path}: is a folder, expected a file")
    if size > max_bytes:
        raise ParseError(
            f"{path}: {size:,} bytes is over the size cap of {max_bytes:,} bytes "
            "(a hand-written solution is far smaller)"
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ParseError(f"{path}: cannot be read ({error.strerror})") from None
    return decode_text(data, str(path))


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 text (a BOM is dropped); :class:`ParseError` for binary data or other encodings."""
    if b"\0" in data[:8192]:
        raise ParseError(f"{name}: binary data (a NUL byte), expected a UTF-8 text file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ParseError(
            f"{name}: not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "save the file as UTF-8"
        ) from None
    return text.removeprefix("\ufeff")

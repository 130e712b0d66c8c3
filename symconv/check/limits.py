"""Bounds on a check: a time limit per claim, a time budget per file, a size cap per input, and
the seeds that make randomised checks reproducible.

Every claim is judged under :func:`time_limit` (default 2 s): a check that runs longer raises
:class:`~symconv.errors.TimeLimitError` and the claim is *unverified* ("timed out"), never a hang.
The limit is a ``SIGALRM`` interval timer where that exists (the main thread of a POSIX process:
the command line's and the batch's worker processes, and in-process calls such as
``symconv.check.api.check``); elsewhere (a thread, Windows) the check runs to its end and is
refused afterwards if it overran. A :class:`Budget` spans one file (default 60 s): when it is
spent, the claims left are *unverified* ("time budget"). The budget is cooperative (it is read
between claims); the hard bound is the worker process of :mod:`symconv.check.batch`, killed when
it overruns :attr:`Limits.worker_seconds`.

**Where the alarm does not raise.** The alarm's handler runs between two bytecodes of whatever
Python code is executing, and an exception raised there is not always an interruption of the
check: raised inside a garbage-collector callback or a ``__del__``, Python discards it ("Exception
ignored in ...", a warning under pytest) and goes on; raised inside an ``__exit__``, it skips the
restore of what the ``with`` changed (SymPy's ``evaluate(False)``, mpmath's ``workprec``); raised
in SymPy's cache wrapper (``sympy/core/cache.py``), it interrupts the cache's own bookkeeping. So
the handler first asks :func:`unsafe_to_interrupt`: during a collection (a flag set by a
``gc.callbacks`` hook that runs before every other callback and cleared by one that runs after
them all, so it covers the finalizers a collection runs too), or when the interrupted frames hold
a ``__del__``, an ``__exit__``, a collector callback, or the interrupted frame is SymPy's cache
wrapper, it returns without raising, and the interval timer rings again
:data:`ALARM_REPEAT_SECONDS` later — the limit fires at the first safe moment after it expired.
(The timer repeats anyway: SymPy catches ``Exception`` in places and swallows a single alarm.)

What no frame test can see is a plain ``try/finally`` whose ``finally`` restores a process-wide
setting (``finally: mp.prec = saved``): when a limit has raised, mpmath's precision and SymPy's
``global_parameters`` are put back to what they were when the limit was armed. SymPy's cache
needs no clearing: ``lru_cache`` stores a result only when its function returned, so an
interrupted call leaves nothing half-made in it. (A batch's worker process goes on to its next
file after a claim timed out, with its caches: that is why an alarm must leave the process sound.
Only a worker that overran its file's budget is killed.)

    >>> with time_limit(1.0):
    ...     sum(range(10))
    45
    >>> seed = seed_for("x = 1\\n", 3)
    >>> seed == seed_for("x = 1\\n", 3), seed == seed_for("x = 2\\n", 3)
    (True, False)
"""

from __future__ import annotations

import gc
import hashlib
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import CodeType, FrameType

from symconv.errors import ParseError, TimeLimitError

#: Defaults of ``symconv check``: seconds per claim, seconds per file, bytes per input.
DEFAULT_CLAIM_SECONDS = 2.0
DEFAULT_FILE_SECONDS = 60.0
DEFAULT_MAX_BYTES = 1_000_000

#: A worker process is killed at its file's budget and this much more (see ``worker_seconds``).
WORKER_GRACE_SECONDS = 1.0
WORKER_GRACE_FRACTION = 0.05

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

    @property
    def worker_seconds(self) -> float:
        """How long a worker process may take on one file before it is killed: the file's budget,
        and time to finish the claim in hand and word the report (1 s and 5 % more).

        >>> Limits().worker_seconds
        64.0
        """
        return self.file_seconds * (1 + WORKER_GRACE_FRACTION) + WORKER_GRACE_SECONDS


#: Tries to disarm the alarm when a limited body ends (an alarm ringing meanwhile interrupts one;
#: once the timer is off, at most one more can ring).
DISARM_ATTEMPTS = 8


def _alarm_available() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float, what: str = "the check") -> Iterator[None]:
    """Run the body under a limit of ``seconds``; :class:`TimeLimitError` when it is exceeded.

    Nested limits keep the outer one: the inner limit is the smaller of the two. The alarm never
    raises where its exception would be lost or leave a half-done update (module docstring): it
    rings again :data:`ALARM_REPEAT_SECONDS` later.
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

    raised: list[str] = []  # the alarm's exceptions, for restoring the settings afterwards
    armed_in = sys._getframe(2)  # the caller's ``with`` (1 is contextlib's __enter__)

    def expire(signum: int, frame: FrameType | None) -> None:
        if unsafe_to_interrupt(frame, armed_in) is not None:
            return  # the repeating timer rings again in ALARM_REPEAT_SECONDS
        raised.append(what)
        raise TimeLimitError(f"{what} exceeded its limit of {seconds:.3g} s")

    install_collection_hooks()
    settings = _ProcessSettings.now()
    outer_remaining, outer_interval = signal.getitimer(signal.ITIMER_REAL)
    previous = signal.signal(signal.SIGALRM, expire)
    limit = seconds if not outer_remaining else min(seconds, outer_remaining)
    # The alarm repeats until the body ends: SymPy catches ``Exception`` in places (assumption
    # queries, evalf), and an alarm raised inside such a block is swallowed; a one-shot alarm
    # then never fires again (a fuzz input ran for 10 minutes under a 0.05 s limit). The repeat
    # is also how a ring that must not raise (during a collection) is put off.
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
        if raised:
            settings.restore()
        if outer_remaining:
            left = outer_remaining - (time.perf_counter() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), outer_interval)
    # An alarm put off to the end of the body (it rang only where raising is unsafe), or raised
    # and swallowed by the body: a body that ran over its limit is still refused.
    elapsed = time.perf_counter() - started
    if elapsed > limit:
        raise TimeLimitError(f"{what} took {elapsed:.3g} s, over its limit of {limit:.3g} s")


# ----------------------------------------------------------------------------------------------
# Where the alarm must not raise
# ----------------------------------------------------------------------------------------------
_collecting = False  # True from the first "start" callback of a collection to its last "stop"


def _collection_started(phase: str, info: dict[str, int]) -> None:
    global _collecting
    if phase == "start":
        _collecting = True


def _collection_stopped(phase: str, info: dict[str, int]) -> None:
    global _collecting
    if phase == "stop":
        _collecting = False


def install_collection_hooks() -> None:
    """Put the collector hooks first ("start") and last ("stop") among ``gc.callbacks``, so that
    the flag they set covers every other callback and the finalizers a collection runs.

    Called each time a limit is armed: a library may insert its own callback at the front later
    (Hypothesis does, to time collections).

    >>> install_collection_hooks()
    >>> gc.callbacks[0] is _collection_started, gc.callbacks[-1] is _collection_stopped
    (True, True)
    """
    callbacks = gc.callbacks
    if callbacks[:1] != [_collection_started]:
        if _collection_started in callbacks:
            callbacks.remove(_collection_started)
        callbacks.insert(0, _collection_started)
    if callbacks[-1:] != [_collection_stopped]:
        if _collection_stopped in callbacks:
            callbacks.remove(_collection_stopped)
        callbacks.append(_collection_stopped)


#: Methods whose interruption loses the exception (``__del__``: Python prints "Exception ignored")
#: or skips a restore (``__exit__``: SymPy's ``evaluate(False)``, mpmath's ``workprec``).
_UNINTERRUPTIBLE_METHODS = frozenset({"__del__", "__exit__", "__aexit__"})
#: SymPy's cache wrapper (``sympy/core/cache.py``): the cache's own bookkeeping.
_SYMPY_CACHE_FILE = ("sympy", "core", "cache.py")


def unsafe_to_interrupt(frame: FrameType | None, stop_at: FrameType | None = None) -> str | None:
    """Why an exception raised at ``frame`` (what a signal handler interrupted) would be lost or
    corrupt state, or ``None`` when it is safe to raise there.

    The frames are walked up to ``stop_at`` (the frame that armed the limit), not beyond.

    >>> unsafe_to_interrupt(sys._getframe()) is None
    True
    >>> seen = []
    >>> class Finalized:
    ...     def __del__(self):
    ...         seen.append(unsafe_to_interrupt(sys._getframe()))
    >>> finalized = Finalized()
    >>> del finalized
    >>> print(seen[0])
    inside __del__, whose exception Python discards
    """
    if _collecting:
        return "during a garbage collection, whose callbacks' exceptions Python discards"
    if frame is None:
        return None
    if Path(frame.f_code.co_filename).parts[-3:] == _SYMPY_CACHE_FILE:
        return "inside SymPy's cache wrapper"
    callbacks = {_code_of(callback) for callback in gc.callbacks}
    current: FrameType | None = frame
    while current is not None and current is not stop_at:
        code = current.f_code
        if code.co_name in _UNINTERRUPTIBLE_METHODS:
            return f"inside {code.co_name}, whose exception Python discards"
        if code in callbacks:
            return "inside a garbage-collector callback"
        current = current.f_back
    return None


def _code_of(function: object) -> CodeType | None:
    code = getattr(getattr(function, "__func__", function), "__code__", None)
    return code if isinstance(code, CodeType) else None


@dataclass(frozen=True)
class _ProcessSettings:
    """SymPy's and mpmath's process-wide settings, put back after an alarm raised: a ``finally``
    that restores one (``mp.prec = saved``) may be the very line the alarm interrupted."""

    sympy_parameters: tuple[tuple[str, object], ...]
    mpmath_precision: int | None

    @classmethod
    def now(cls) -> _ProcessSettings:
        parameters: tuple[tuple[str, object], ...] = ()
        module = sys.modules.get("sympy.core.parameters")
        if module is not None:
            parameters = tuple(vars(module.global_parameters).items())
        mpmath = sys.modules.get("mpmath")
        return cls(parameters, mpmath.mp.prec if mpmath is not None else None)

    def restore(self) -> None:
        module = sys.modules.get("sympy.core.parameters")
        if module is not None:
            for name, value in self.sympy_parameters:
                if getattr(module.global_parameters, name) != value:
                    setattr(module.global_parameters, name, value)  # (clears SymPy's cache)
        mpmath = sys.modules.get("mpmath")
        if mpmath is not None and self.mpmath_precision is not None:
            mpmath.mp.prec = self.mpmath_precision


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

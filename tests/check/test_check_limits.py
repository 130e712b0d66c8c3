"""Time limits that cannot corrupt state (issue 17): the per-claim alarm never raises where its
exception would be discarded (a garbage-collector callback, a ``__del__``) or where it would skip
a clean-up (``__exit__``, SymPy's cache wrapper); it rings again a moment later and the limit
still holds. Process-wide settings a limit may have left half-changed are put back.

The timings are generous (limits of 0.1-0.3 s, bodies of 5 s): the assertions are about what
happened (which exception, raised where), not about speed.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

import pytest

from symconv.check.limits import install_collection_hooks, time_limit, unsafe_to_interrupt
from symconv.errors import TimeLimitError


def spin(seconds: float) -> None:
    """Pure-Python work for ``seconds`` (the alarm's handler runs between its bytecodes)."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


@pytest.fixture
def unraisable(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The exceptions Python discards ("Exception ignored in ..."), as their messages."""
    seen: list[str] = []

    def hook(info: Any) -> None:
        seen.append(f"{type(info.exc_value).__name__}: {info.exc_value}")

    monkeypatch.setattr(sys, "unraisablehook", hook)
    yield seen


@pytest.fixture
def slow_collection_callback() -> Iterator[Callable[[], None]]:
    """A collector callback that takes 0.3 s at the start of a collection (Hypothesis times every
    collection with one), and how to register it at the front of ``gc.callbacks``."""
    finished: list[str] = []

    def slow(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            spin(0.3)
        finished.append(phase)

    def register() -> None:
        gc.callbacks.insert(0, slow)

    register.finished = finished  # type: ignore[attr-defined]
    yield register
    if slow in gc.callbacks:
        gc.callbacks.remove(slow)


@pytest.mark.parametrize("registered", ["before the limit", "while it runs"])
def test_an_alarm_ringing_during_a_collection_waits_for_its_end_and_still_fires(
    registered: str, unraisable: list[str], slow_collection_callback: Callable[[], None]
) -> None:
    # Before the fix: "Exception ignored in: <function ...slow>: TimeLimitError: the check
    # exceeded its limit of 0.1 s", the callback cut short, the limit lost.
    if registered == "before the limit":
        slow_collection_callback()
    reached_after_collection = []
    with pytest.raises(TimeLimitError, match=r"exceeded its limit of 0\.1 s"), time_limit(0.1):
        if registered == "while it runs":
            slow_collection_callback()  # in front of the limit's own hooks
        gc.collect()  # the alarm rings at 0.1 s, inside the callback's 0.3 s
        reached_after_collection.append(True)
        spin(5)
    assert unraisable == []
    assert slow_collection_callback.finished == ["start", "stop"]  # type: ignore[attr-defined]
    assert reached_after_collection == [True]  # raised after the collection, in the body


def test_an_alarm_ringing_inside_a_finalizer_waits_for_its_end(unraisable: list[str]) -> None:
    finished = []

    class SlowToFinalize:
        def __del__(self) -> None:
            spin(0.3)
            finished.append(True)

    with pytest.raises(TimeLimitError), time_limit(0.1):
        doomed = SlowToFinalize()
        del doomed  # __del__ runs now, and the alarm rings inside it
        spin(5)
    assert unraisable == []
    assert finished == [True]


def test_an_alarm_ringing_inside_a_clean_up_lets_it_finish() -> None:
    # A context manager's __exit__ restores what its __enter__ changed (SymPy's evaluate(False),
    # mpmath's workprec): interrupted, the change would outlive the check.
    state = {"evaluate": True}

    class Unevaluated:
        def __enter__(self) -> None:
            state["evaluate"] = False

        def __exit__(self, *exc: object) -> None:
            spin(0.3)  # the alarm rings here
            state["evaluate"] = True

    with pytest.raises(TimeLimitError), time_limit(0.1):
        with Unevaluated():
            spin(0.05)
        spin(5)
    assert state == {"evaluate": True}


def test_a_limit_armed_inside_a_clean_up_still_fires() -> None:
    # The frames are looked at up to the limit's own ``with``: a check run from an __exit__
    # (a test fixture's teardown, say) is limited like any other.
    class CheckOnExit:
        def __enter__(self) -> None:
            pass

        def __exit__(self, *exc: object) -> None:
            started = time.perf_counter()
            with pytest.raises(TimeLimitError, match="exceeded its limit"), time_limit(0.1):
                spin(5)
            assert time.perf_counter() - started < 4

    with CheckOnExit():
        pass


def test_the_collector_hooks_enclose_every_other_callback() -> None:
    def late(phase: str, info: dict[str, int]) -> None:
        pass

    gc.callbacks.insert(0, late)
    gc.callbacks.append(late)
    try:
        install_collection_hooks()
        names = [callback.__name__ for callback in gc.callbacks]
        assert names[0] == "_collection_started" and names[-1] == "_collection_stopped"
        assert names.count("_collection_started") == names.count("_collection_stopped") == 1
    finally:
        gc.callbacks.remove(late)
        gc.callbacks.remove(late)


def test_the_alarm_does_not_raise_inside_sympys_cache_wrapper() -> None:
    from sympy.core.cache import cacheit

    frames: list[FrameType] = []

    @cacheit
    def cached(n: int) -> int:
        frames.append(sys._getframe(1))  # the caller: the wrapper in sympy/core/cache.py
        return n

    cached(1)
    assert frames[0].f_code.co_filename.endswith("cache.py")
    assert unsafe_to_interrupt(frames[0]) == "inside SymPy's cache wrapper"
    assert unsafe_to_interrupt(sys._getframe()) is None


def test_settings_a_limit_interrupted_are_put_back() -> None:
    # An alarm landing on ``finally: mp.prec = saved`` skips the restore: every later check in
    # the process would compute at the raised precision (or unevaluated).
    import mpmath
    from sympy.core.parameters import global_parameters

    before = mpmath.mp.prec
    with pytest.raises(TimeLimitError), time_limit(0.1):
        mpmath.mp.prec = 3000
        global_parameters.evaluate = False
        spin(5)
    assert mpmath.mp.prec == before
    assert global_parameters.evaluate is True


def test_a_limit_that_did_not_fire_leaves_settings_alone() -> None:
    import mpmath

    before = mpmath.mp.prec
    try:
        with time_limit(5.0):
            mpmath.mp.prec = before + 10
        assert mpmath.mp.prec == before + 10
    finally:
        mpmath.mp.prec = before

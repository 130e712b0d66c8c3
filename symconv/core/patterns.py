r"""Regular expressions compiled the first time they are used.

The checker keeps some four hundred phrase patterns at module level, one table per kind of
sentence it reads. Compiling them all when the checker is imported cost a one-line
``symconv check`` about 60 ms, a fifth of ``import sympy``, although a short document uses a
few dozen of them: a reader whose words are absent never runs (issue 19's latency target). A
:class:`LazyPattern` holds the source and flags and compiles on the first search; after that it
is the compiled ``re.Pattern``. The compiled object is cached on the instance, so the cost is paid
once per process, as before.

Source: CPython's ``re`` module compiles with the pure-Python ``re._compiler``; its compile
cache (``re._MAXCACHE``) serves only ``re.compile`` calls, which is why the laziness lives here.

>>> words = lazy_compile(r"\bkernel\b", re.IGNORECASE)
>>> words.pattern
'\\bkernel\\b'
>>> words.compiled_yet
False
>>> words.search("The Kernel is 3x3").group()
'Kernel'
>>> words.compiled_yet
True
>>> [m.group() for m in lazy_compile(r"\d+").finditer("3x3, stride 2")]
['3', '3', '2']
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any

__all__ = ["LazyPattern", "TextPattern", "lazy_compile"]


class LazyPattern:
    """A ``re.Pattern[str]`` that compiles itself on first use (see the module docstring).

    It offers the matching methods of ``re.Pattern`` with their signatures, ``pattern`` and
    ``flags`` without compiling, and ``compiled`` for a caller that needs the real object (for
    example to hand it to a function of ``re``).
    """

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int | re.RegexFlag = 0) -> None:
        self.pattern = pattern
        self.flags = int(flags)
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern, compiled now if this is its first use."""
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    @property
    def compiled_yet(self) -> bool:
        """Whether a search has compiled the pattern (for tests and benchmarks)."""
        return self._compiled is not None

    @property
    def groups(self) -> int:
        return self.compiled.groups

    @property
    def groupindex(self) -> Mapping[str, int]:
        return self.compiled.groupindex

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.search(string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.match(string, pos, endpos)

    def fullmatch(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> re.Match[str] | None:
        return self.compiled.fullmatch(string, pos, endpos)

    def finditer(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(string, pos, endpos)

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        return self.compiled.findall(string, pos, endpos)

    def split(self, string: str, maxsplit: int = 0) -> list[str | Any]:
        return self.compiled.split(string, maxsplit)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        return self.compiled.sub(repl, string, count)

    def subn(
        self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0
    ) -> tuple[str, int]:
        return self.compiled.subn(repl, string, count)

    def __repr__(self) -> str:
        return f"lazy_compile({self.pattern!r}, {self.flags})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyPattern):
            return (self.pattern, self.flags) == (other.pattern, other.flags)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.pattern, self.flags))


#: What a function that only searches accepts: a compiled pattern or a lazy one.
TextPattern = re.Pattern[str] | LazyPattern


def lazy_compile(pattern: str, flags: int | re.RegexFlag = 0) -> LazyPattern:
    """``re.compile(pattern, flags)``, deferred to the first search (module-level tables).

    >>> lazy_compile("a+b", re.X)
    lazy_compile('a+b', 64)
    """
    return LazyPattern(pattern, flags)

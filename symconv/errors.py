"""The one family of errors symconv raises.

Every error derives from :class:`SymconvError` *and* from the matching built-in, so callers that
already catch ``ValueError`` (or ``NotImplementedError``) keep working::

    >>> from symconv.errors import ShapeError
    >>> try:
    ...     raise ShapeError("kernel larger than input")
    ... except ValueError as error:
    ...     print(type(error).__name__, "-", error)
    ShapeError - kernel larger than input
"""

from __future__ import annotations


class SymconvError(Exception):
    """Base class of every error raised by symconv."""


class ShapeError(SymconvError, ValueError):
    """Sizes that do not fit together (kernel larger than the padded input, stride 0, ...)."""


class ConventionError(SymconvError, ValueError):
    """An unknown or inconsistent convention (layout, mode, index base, vec order, ...)."""


class ParseError(SymconvError, ValueError):
    """Text that could not be read (an index formula, a LaTeX line, a problem-set file)."""


class ReadTimeLimitError(ParseError):
    """A formula whose reading did not finish within its time bound (read again, it would not)."""


class DerivationError(SymconvError, ArithmeticError):
    """The engine could not derive a result it was asked for."""


class UnsupportedError(SymconvError, NotImplementedError):
    """A feature symconv does not handle (yet); the message names the operation and argument."""


class VerificationError(SymconvError, AssertionError):
    """A result failed its own check (numeric twin vs reference, identity, exactness)."""


class TimeLimitError(SymconvError, TimeoutError):
    """A check did not finish within its time bound."""

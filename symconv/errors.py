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

from collections.abc import Sequence


class SymconvError(Exception):
    """Base class of every error raised by symconv."""


class ShapeError(SymconvError, ValueError):
    """Sizes that do not fit together (kernel larger than the padded input, stride 0, ...)."""


class ConventionError(SymconvError, ValueError):
    """An unknown or inconsistent convention (layout, mode, index base, vec order, ...)."""


class ParseError(SymconvError, ValueError):
    """Text that could not be read (an index formula, a LaTeX line, a problem-set file)."""


class NotationError(ParseError):
    """Text that reads, but says two things that cannot both hold: a derivative
    ``∂^5 f / ∂x^3 ∂y`` whose order (5) is not the total order of its variables (4). No reading
    makes it right, so the checker calls the line wrong and says why."""


class FormulaError(ParseError):
    """A formula text that is refused: the ``text``, the 1-based ``column`` of the offending piece
    (``None`` where no single place is to blame) and what was ``expected`` there. The message ends
    with the text and a caret under that column::

        >>> print(FormulaError("no", "y[i] = w[k]", 10))
        no
          y[i] = w[k]
                   ^
    """

    def __init__(
        self, message: str, text: str, column: int | None, expected: Sequence[str] = ()
    ) -> None:
        self.text = text
        self.column = column
        self.expected = tuple(expected)
        detail = ""
        if column is not None:
            detail = f"\n  {text}\n  {' ' * (column - 1)}^"
        super().__init__(message + detail)


class UnknownFunctionError(FormulaError):
    """A function name the registry of elementwise functions does not hold (``gelu`` misspelt,
    or a user function not registered): ``name`` and the ``known`` names."""

    def __init__(
        self, name: str, known: Sequence[str], text: str = "", column: int | None = None
    ) -> None:
        self.name = name
        self.known = tuple(known)
        message = (
            f"unknown function {name}(...): the known functions are {', '.join(self.known)}; "
            "register your own with symconv.grad.functions.register_function(name, forward, "
            f"derivative) (for a product, write {name}*(...))"
        )
        super().__init__(message, text, column, self.known)


class UnboundIndexError(FormulaError):
    """An ``index`` on the right side that is neither on the left nor summed."""

    def __init__(self, index: str, text: str, column: int | None = None) -> None:
        self.index = index
        message = (
            f"index {index} on the right is neither on the left nor summed: "
            f"did you mean sum(...) over {index}, or {index} on the left?"
        )
        super().__init__(message, text, column, ())


class RecurrenceError(FormulaError):
    """The output ``tensor`` read on the right side: a recurrence, which is not supported."""

    def __init__(self, tensor: str, text: str, column: int | None = None) -> None:
        self.tensor = tensor
        message = (
            f"the output {tensor} is read on the right side: recurrences (an output defined "
            f"by its own entries) are not supported; give the earlier values another name"
        )
        super().__init__(message, text, column, ())


class SecondReadingError(ParseError):
    """The second, independent reading of a formula text (the numeric self-check's) refused it."""


class FunctionRegistrationError(SymconvError, ValueError):
    """A function that cannot be registered (a name taken or not a name, a derivative that
    disagrees with ``sympy.diff`` of the forward)."""


class ArgumentCountError(SymconvError, TypeError):
    """A function of the registry called with the wrong number of arguments (``gelu(a, b)``)."""


class UnknownOptionError(SymconvError, TypeError):
    """A keyword argument that is not an option of the function it was given to (a misspelt
    ``strid=2``): a ``TypeError``, as Python raises for any unexpected keyword argument."""


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


class ProblemSetError(ParseError):
    """A problem-set file with errors: ``messages`` holds every one, each naming the file, the
    line where known, the exercise and part, and the key (``problems``: the same as objects).

        >>> print(ProblemSetError("set.toml", ["set.toml:4: unknown key 'questoin'"]))
        set.toml:4: unknown key 'questoin'
    """

    def __init__(self, path: str, messages: Sequence[str], problems: Sequence[object] = ()) -> None:
        self.path = path
        self.messages = tuple(messages)
        self.problems = tuple(problems)
        if len(self.messages) == 1:
            text = self.messages[0]
        else:
            text = f"{path}: {len(self.messages)} errors in the problem set\n" + "\n".join(
                f"  {message}" for message in self.messages
            )
        super().__init__(text)

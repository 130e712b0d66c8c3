"""An engine of a problem set, as typed metadata: its function, what it derives, its arguments.

A part of a problem set names an engine and its arguments (``engine = "conv_output_size"``,
``args = { i = 7, k = 3 }``). :class:`Engine` holds the callable with a one-line description; its
:class:`EngineParameter` list is *read from the function's signature* (``inspect.signature``): a
parameter is required when it has no default, and its annotation ``Annotated[..., KIND]`` names
the :class:`~symconv.problems.arguments.ArgKind` that checks and converts the TOML value (a
``Literal[...]`` annotation is a choice). So the listing of ``symconv solve --engines``, the
load-time validation of a file and the call itself read one source and cannot disagree.

    >>> from typing import Literal
    >>> from symconv.problems.arguments import Size
    >>> def area(width: Size, height: Size = 1, unit: Literal["m", "cm"] = "m") -> object:
    ...     return width * height
    >>> engine = Engine("area", area, "the area of a rectangle", argument_aliases={"w": "width"})
    >>> [(p.name, p.required, p.kind.name, p.default) for p in engine.parameters]
    [('width', True, 'size', None), ('height', False, 'size', 1), ('unit', False, 'choice', 'm')]
    >>> engine.call({"w": "N", "height": 2})
    2*N
    >>> [(key, issue.message) for key, issue in engine.issues({"widht": 3, "unit": "km"})]
    [('widht', "no argument 'widht' (did you mean 'width'?); arguments: width (or w), height, \
unit"), ('unit', "'km' is not one of 'm', 'cm' (did you mean 'm'?)"), ('width', 'missing \
required argument')]
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from symconv.errors import UnsupportedError
from symconv.problems.arguments import (
    BOOL,
    INTEGER,
    TEXT,
    ArgKind,
    Issue,
    choice,
    did_you_mean,
)


@dataclass(frozen=True)
class EngineParameter:
    """One argument of an engine: its name, kind, whether it is required and its default."""

    name: str
    kind: ArgKind
    required: bool
    default: Any = None
    aliases: tuple[str, ...] = ()

    @property
    def type_text(self) -> str:
        """The kind as the listing shows it (a choice lists its words)."""
        if self.kind.choices:
            return " | ".join(str(value) for value in self.kind.choices)
        return self.kind.name

    @property
    def default_text(self) -> str:
        """The default as a TOML value (empty when the argument is required or absent)."""
        if self.required or self.default is None:
            return ""
        return toml_text(self.default)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "aliases": list(self.aliases),
            "required": self.required,
            "default": None if self.required else json_value(self.default),
            "type": self.kind.name,
            "choices": [json_value(value) for value in self.kind.choices],
            "description": self.kind.description,
        }


def toml_text(value: Any) -> str:
    """A Python default written as TOML: ``true``, ``"same"``, ``[1, 1]``.

    >>> toml_text(True), toml_text("same"), toml_text((1, 2)), toml_text(3)
    ('true', '"same"', '[1, 2]', '3')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_text(item) for item in value) + "]"
    return str(value)


def json_value(value: Any) -> Any:
    """A default as plain JSON (tuples as lists, anything else exotic as text)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    return str(value)


def kind_of(annotation: Any, where: str) -> ArgKind:
    """The argument kind an annotation declares (``Annotated[T, KIND]``, a ``Literal``, or a
    plain ``bool``/``int``/``str``); ``X | None`` is the kind of ``X`` (absent = the default)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        kinds = [meta for meta in annotation.__metadata__ if isinstance(meta, ArgKind)]
        if kinds:
            return kinds[0]
    if origin in (typing.Union, types.UnionType):
        present = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(present) == 1:
            return kind_of(present[0], where)
    if origin is Literal:
        return choice(typing.get_args(annotation))
    plain = {bool: BOOL, int: INTEGER, str: TEXT}
    if annotation in plain:
        return plain[annotation]
    raise UnsupportedError(f"{where}: the annotation {annotation!r} names no argument kind")


@dataclass(frozen=True)
class Engine:
    """A named derivation a problem set can ask for (see the module docstring).

    ``aliases`` are other names of the engine (an old name kept valid); ``argument_aliases`` map
    another name of an argument to its parameter (``kernel`` → ``k``); ``one_of`` lists groups of
    arguments of which exactly one must be given (a kernel's window *or* its entries);
    ``constraints`` check what involves several arguments (``count = "space"`` needs ``space``),
    each returning ``(argument key, issue)`` or ``None``.
    """

    name: str
    function: Callable[..., Any] = field(repr=False)
    description: str
    aliases: tuple[str, ...] = ()
    argument_aliases: Mapping[str, str] = field(default_factory=dict)
    one_of: tuple[tuple[str, ...], ...] = ()
    constraints: tuple[Callable[[Mapping[str, Any]], tuple[str, Issue] | None], ...] = ()

    @cached_property
    def parameters(self) -> tuple[EngineParameter, ...]:
        signature = inspect.signature(self.function)
        hints = typing.get_type_hints(self.function, include_extras=True)
        parameters = []
        for name, parameter in signature.parameters.items():
            if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
                raise UnsupportedError(f"engine {self.name}: *{name} takes no named arguments")
            required = parameter.default is inspect.Parameter.empty
            parameters.append(
                EngineParameter(
                    name=name,
                    kind=kind_of(hints[name], f"engine {self.name}, argument {name}"),
                    required=required,
                    default=None if required else parameter.default,
                    aliases=tuple(
                        a for a, target in self.argument_aliases.items() if target == name
                    ),
                )
            )
        return tuple(parameters)

    @cached_property
    def _by_name(self) -> dict[str, EngineParameter]:
        named = {parameter.name: parameter for parameter in self.parameters}
        for alias, target in self.argument_aliases.items():
            named[alias] = named[target]
        return named

    @property
    def argument_names(self) -> tuple[str, ...]:
        """Every name an argument may be given under (names and aliases)."""
        return tuple(self._by_name)

    def parameter(self, key: str) -> EngineParameter | None:
        """The parameter an argument key names (its name or an alias)."""
        return self._by_name.get(key)

    def _argument_list(self) -> str:
        return ", ".join(
            parameter.name + (f" (or {', '.join(parameter.aliases)})" if parameter.aliases else "")
            for parameter in self.parameters
        )

    def issues(self, arguments: Mapping[str, Any]) -> list[tuple[str, Issue]]:
        """Everything wrong with ``arguments`` (TOML values, references already resolved), as
        ``(argument key, issue)``: unknown names, values the kinds refuse, an argument given
        twice (under its name and an alias), missing required ones, an ``one_of`` group broken."""
        found: list[tuple[str, Issue]] = []
        given: dict[str, str] = {}
        for key, value in arguments.items():
            parameter = self.parameter(key)
            if parameter is None:
                message = (
                    f"no argument {key!r}{did_you_mean(key, self._by_name)}; arguments: "
                    f"{self._argument_list()}"
                )
                found.append((key, Issue(message)))
                continue
            if parameter.name in given:
                message = f"{parameter.name!r} is given twice (as {given[parameter.name]!r} too)"
                found.append((key, Issue(message)))
                continue
            given[parameter.name] = key
            issue = parameter.kind.check(value)
            if issue is not None:
                found.append((key, issue))
        for parameter in self.parameters:
            if parameter.required and parameter.name not in given:
                found.append((parameter.name, Issue("missing required argument")))
        for group in self.one_of:
            present = [name for name in group if name in given]
            if len(present) != 1:
                words = "both" if len(group) == 2 else "more than one"
                found.append(
                    (
                        present[1] if len(present) > 1 else group[0],
                        Issue(
                            f"give exactly one of {', '.join(group)} "
                            f"({words + ' given' if present else 'none given'})"
                        ),
                    )
                )
        if not found:
            canonical = {self._by_name[key].name: value for key, value in arguments.items()}
            for constraint in self.constraints:
                broken = constraint(canonical)
                if broken is not None:
                    found.append(broken)
        return found

    def call(self, arguments: Mapping[str, Any]) -> Any:
        """Run the function on checked TOML ``arguments``: each converted by its kind."""
        converted = {}
        for key, value in arguments.items():
            parameter = self._by_name[key]
            converted[parameter.name] = parameter.kind.convert(value)
        return self.function(**converted)

    # -- the listing -----------------------------------------------------------------------
    def text(self) -> str:
        """The engine as ``solve --engines`` lists it: the description, then one line per
        argument (name, required/optional, type, default)."""
        names = self.name + (f" (also {', '.join(self.aliases)})" if self.aliases else "")
        lines = [f"{names}: {self.description}"]
        width = max((len(self._shown_name(p)) for p in self.parameters), default=0)
        for parameter in self.parameters:
            status = "required" if parameter.required else "optional"
            default = f"  default {parameter.default_text}" if parameter.default_text else ""
            lines.append(
                f"    {self._shown_name(parameter):<{width}}  {status:<8}  "
                f"{parameter.type_text}{default}"
            )
        for group in self.one_of:
            lines.append(f"    (exactly one of {', '.join(group)})")
        return "\n".join(lines)

    @staticmethod
    def _shown_name(parameter: EngineParameter) -> str:
        if not parameter.aliases:
            return parameter.name
        return f"{parameter.name} (or {', '.join(parameter.aliases)})"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "aliases": list(self.aliases),
            "description": self.description,
            "arguments": [parameter.to_json() for parameter in self.parameters],
            "one_of": [list(group) for group in self.one_of],
        }

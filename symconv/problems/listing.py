"""``symconv solve --engines``: every engine a problem set may name, generated from the registry.

Plain text (one block per engine: what it derives, then each argument with required/optional,
its type and its default; the types explained at the end) or JSON (``--format json``). Both are
read from :data:`symconv.problems.engines.ENGINE_LIST`, so they list exactly what a file may use.

    >>> text = engines_text()
    >>> print(text[text.index("same_padding:"):].split("\\n\\n")[0])
    same_padding: the padding that keeps the width at stride 1, p = d(k − 1)/2
        k (or kernel)    required  size
        d (or dilation)  optional  size  default 1
"""

from __future__ import annotations

import json
from typing import Any

from symconv.problems.engines import ENGINE_LIST
from symconv.problems.registry import Engine

#: The version of the ``--engines --format json`` object (fields are only ever added).
ENGINES_SCHEMA_VERSION = 1

HEADER = (
    "Engines a problem set may name (docs/problem-sets.md): in a part, "
    'engine = "NAME" and args = { ARGUMENT = value, ... };\n'
    'a value may be "$name", the exercise\'s data of that name.'
)


def _types(engines: tuple[Engine, ...]) -> dict[str, str]:
    kinds = {
        parameter.kind.name: parameter.kind.description
        for engine in engines
        for parameter in engine.parameters
        if not parameter.kind.choices
    }
    return dict(sorted(kinds.items()))


def engines_text() -> str:
    """The listing as plain text (see the module docstring)."""
    blocks = [HEADER, *(engine.text() for engine in ENGINE_LIST)]
    legend = ["Argument types:"]
    types = _types(ENGINE_LIST)
    width = max(len(name) for name in types)
    legend += [f"    {name:<{width}}  {description}" for name, description in types.items()]
    blocks.append("\n".join(legend))
    return "\n\n".join(blocks) + "\n"


def engines_json() -> str:
    """The listing as one JSON object: ``schema_version``, ``engines`` (each with ``name``,
    ``aliases``, ``description``, ``arguments`` and ``one_of``) and ``types``."""
    payload: dict[str, Any] = {
        "schema_version": ENGINES_SCHEMA_VERSION,
        "engines": [engine.to_json() for engine in ENGINE_LIST],
        "types": _types(ENGINE_LIST),
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"

"""LALR parsers whose tables ship with the package, as a compiled module does, instead of being
computed at every start.

lark turns a grammar into LALR(1) tables on construction: 0.05 s for the index-formula grammar,
0.17 s for the LaTeX one — most of what a one-line ``symconv check`` spends beyond importing
SymPy. The tables depend only on the grammar, the options and lark's version, so they are
computed once, when the grammar changes (``python tools/parser_tables.py``), and stored beside
the grammar as ``GRAMMAR.tables``: a header line naming what they were built from, then lark's
own serialisation of the parser (:meth:`lark.Lark.save`, the format of its ``cache=`` files).

At run time a :class:`ParserSpec` loads the tables when their header matches the grammar text,
the options and the installed lark exactly; otherwise (a grammar edited since, another lark) it
builds the parser from the grammar as before — never a stale parser. The file holds plain data
only (dicts, lists, strings, numbers): it is read by an unpickler that refuses every class and
function, so it cannot run code. ``tests/test_parser_tables.py`` fails when a shipped file no
longer matches its grammar.

    >>> spec = ParserSpec("symconv.grad", "index_formula.lark",
    ...                   {"start": ["start", "size_start"], "propagate_positions": True})
    >>> spec.tables_current()
    True
    >>> spec.load().parse("y[i] = x[i]", start="start").data
    'start'
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

#: The options lark takes again when a parser is loaded (not stored in the tables: objects).
_GIVEN_AT_LOAD = ("postlex",)


@dataclass(frozen=True)
class ParserSpec:
    """An LALR grammar of the package and the lark options it is built with.

    ``postlex`` makes the post-lexer (an object, so it is made at load, not stored); ``cache``
    gives a lark cache file to use when the shipped tables do not match (``None``: none).
    """

    package: str
    grammar_file: str
    options: Mapping[str, Any] = field(default_factory=dict)
    postlex: Callable[[], Any] | None = None
    cache: Callable[[str], str | None] | None = None

    # -- what the tables are built from --------------------------------------------------------
    def grammar(self) -> str:
        return resources.files(self.package).joinpath(self.grammar_file).read_text("utf-8")

    def tables_path(self) -> Any:
        return resources.files(self.package).joinpath(f"{self.grammar_file}.tables")

    def header(self, grammar: str | None = None) -> str:
        """One line naming the grammar (by its SHA-256), the options and lark's version."""
        import lark

        text = self.grammar() if grammar is None else grammar
        described = {
            "grammar": self.grammar_file,
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "options": {name: self.options[name] for name in sorted(self.options)},
            "postlex": _qualified_name(self.postlex),
            "lark": lark.__version__,
        }
        return json.dumps(described, sort_keys=True)

    # -- building, writing and loading ---------------------------------------------------------
    def build(self, grammar: str | None = None, use_cache: bool = True) -> Any:
        """The parser built from the grammar (lark computes the tables, or reads them from the
        spec's cache file with ``use_cache``)."""
        from lark import Lark

        text = self.grammar() if grammar is None else grammar
        cache = self.cache(text) if self.cache is not None and use_cache else None
        return Lark(
            text, parser="lalr", postlex=self._postlex(), cache=cache or False, **self.options
        )

    def write_tables(self, folder: Path | None = None) -> Path:
        """Build the parser and store its tables beside the grammar (or in ``folder``)."""
        grammar = self.grammar()
        parser = self.build(grammar, use_cache=False)
        payload = io.BytesIO()
        parser.save(payload, exclude_options=_GIVEN_AT_LOAD)
        target = (
            Path(str(self.tables_path()))
            if folder is None
            else folder / f"{self.grammar_file}.tables"
        )
        target.write_bytes(self.header(grammar).encode("utf-8") + b"\n" + payload.getvalue())
        return target

    def tables_current(self) -> bool:
        """Whether shipped tables exist and were built from this grammar, options and lark."""
        return self._shipped_payload(self.grammar()) is not None

    def load(self) -> Any:
        """The parser: from the shipped tables when they are current, else built."""
        grammar = self.grammar()
        payload = self._shipped_payload(grammar)
        if payload is None:
            return self.build(grammar)
        from lark import Lark

        stored = _PlainDataUnpickler(io.BytesIO(payload)).load()
        parser = Lark.__new__(Lark)
        # Lark's own route for its cache files: load the stored data, give the object options.
        return parser._load(stored, postlex=self._postlex())

    def _shipped_payload(self, grammar: str) -> bytes | None:
        path = self.tables_path()
        if not path.is_file():
            return None
        data = path.read_bytes()
        header, _, payload = data.partition(b"\n")
        if header.decode("utf-8", errors="replace") != self.header(grammar):
            return None
        return payload

    def _postlex(self) -> Any:
        return self.postlex() if self.postlex is not None else None


def _qualified_name(factory: Callable[[], Any] | None) -> str | None:
    if factory is None:
        return None
    return f"{factory.__module__}.{factory.__qualname__}"


class _PlainDataUnpickler(pickle.Unpickler):
    """Reads dicts, lists, tuples, strings and numbers; refuses every class and function."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(
            f"parser tables hold plain data only: refused the global {module}.{name}"
        )

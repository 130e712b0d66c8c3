"""Regenerate the shipped LALR tables of the package's grammars (run after editing a ``.lark``
file, or after upgrading lark): ``python tools/parser_tables.py``.

Each grammar's tables are written beside it as ``GRAMMAR.lark.tables``
(:mod:`symconv.core.parser_tables`); ``tests/test_parser_tables.py`` fails while one is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from symconv.check.grammar import PARSER as LATEX
from symconv.grad.grammar import PARSER as INDEX_FORMULA

SPECS = (INDEX_FORMULA, LATEX)


def main() -> None:
    for spec in SPECS:
        path = spec.write_tables()
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()

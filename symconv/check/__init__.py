"""``symconv check``: read a hand-written solution and judge it line by line.

The front end (this package's parsing layer):

* :func:`symconv.check.markdown.split_document` — text and math segments of a Markdown, TeX or
  notebook document, with exact 1-based lines (one segment per row of an ``aligned`` block);
* :func:`symconv.check.parser.parse_math` — one math segment as chains of sides and relations,
  each side an exact SymPy meaning (ambiguous notation comes back with both readings);
* :class:`symconv.check.symbols.SymbolTable` — what the names are (functions, tensors, scalars).

Nothing is imported here, so that ``import symconv.check`` stays free; import the modules.
"""

import sys as _sys
import types as _types
from typing import Any as _Any


class _CallablePackage(_types.ModuleType):
    """``symconv.check`` is both this package and the public function ``check``.

    Importing a submodule binds ``symconv.check`` to this package (Python sets the parent's
    attribute), which would hide the lazily exported function of the same name; calling the
    package instead runs :func:`symconv.check.api.check`, so ``symconv.check("hw.md")`` and
    ``from symconv import check`` both work however the package was reached.
    """

    def __call__(self, *args: _Any, **kwargs: _Any) -> _Any:
        from symconv.check.api import check

        return check(*args, **kwargs)


_sys.modules[__name__].__class__ = _CallablePackage

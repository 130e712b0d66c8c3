"""``symconv check``: read a hand-written solution and judge it line by line.

The front end (this package's parsing layer):

* :func:`symconv.check.markdown.split_document` — text and math segments of a Markdown, TeX or
  notebook document, with exact 1-based lines (one segment per row of an ``aligned`` block);
* :func:`symconv.check.parser.parse_math` — one math segment as chains of sides and relations,
  each side an exact SymPy meaning (ambiguous notation comes back with both readings);
* :class:`symconv.check.symbols.SymbolTable` — what the names are (functions, tensors, scalars).

Nothing is imported here, so that ``import symconv.check`` stays free; import the modules.
"""

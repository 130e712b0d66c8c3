"""What the sub-commands print a result with: Markdown, a LaTeX fragment, or JSON.

One place for the three formats, so ``derive``, ``convmatrix``, ``shapes`` and ``stencil`` write
them the same way: JSON indented and in UTF-8 (``∂J/∂W`` stays readable), LaTeX as display blocks
``\\[ … \\]`` that paste into any document, with the title, conventions and check summary as
``%`` comments; Markdown as :meth:`Derivation.markdown
<symconv.core.derivation.Derivation.markdown>`
writes it (GitHub and Jupyter render its ``$$`` blocks). Not a sub-command: ``COMMANDS`` does
not list it.

    >>> print(tex_display("a = b", "c = d"), end="")
    \\[
    a = b
    \\]
    \\[
    c = d
    \\]
"""

from __future__ import annotations

import json
import sys
from typing import Any

#: The formats a derivation is printed in (``--format``).
DERIVATION_FORMATS: tuple[str, ...] = ("md", "tex", "json")

EXIT_OK, EXIT_FAILED_CHECK = 0, 1


def print_json(document: Any) -> None:
    """One JSON document on stdout, indented, non-ASCII characters kept."""
    print(json.dumps(document, indent=2, ensure_ascii=False))


def tex_display(*blocks: str) -> str:
    """Each LaTeX block as a display ``\\[ … \\]``, one after another."""
    return "".join(f"\\[\n{block}\n\\]\n" for block in blocks)


def tex_comment(text: str) -> str:
    """``text`` as LaTeX comment lines (``% …``)."""
    return "".join(f"% {line}\n" for line in text.splitlines())


def derivation_tex(derivation: Any, report: Any = None, **settings: Any) -> str:
    """A derivation as a LaTeX fragment: its title, conventions and checks as comments, then its
    steps as one display."""
    header = derivation.title
    if derivation.conventions:
        header += "\nconventions: " + "; ".join(derivation.conventions)
    if report is not None:
        header += "\n" + report.summary()
    return tex_comment(header) + tex_display(derivation.latex(**settings))


def emit_derivation(derivation: Any, output_format: str, **settings: Any) -> int:
    """Check ``derivation``, print it in ``output_format`` (md, tex or json) with the check's
    report, and return the exit status: 0, or 1 when a check failed (the result is still
    printed, with the failure in its report, as ``solve`` does)."""
    report = derivation.check()
    if output_format == "json":
        print_json(derivation.to_json(report, **settings))
    elif output_format == "tex":
        sys.stdout.write(derivation_tex(derivation, report, **settings))
    else:
        sys.stdout.write(derivation.markdown(report, **settings))
    return EXIT_OK if report.passed else EXIT_FAILED_CHECK

"""No user text reaches eval/exec/sympify/parse_expr/parse_latex (DESIGN.md, STYLE point 8).

The test walks the source tree's syntax (ast): the only sympify call allowed is the one in
``symconv/core/safe.py``, with ``strict=True`` (which refuses strings); eval, exec, parse_expr and
parse_latex are never called; ``compile`` only on trusted, generated code is not used either.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import sympy as sp

from symconv.core.safe import as_sympy
from symconv.errors import ParseError

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(
    [*ROOT.joinpath("symconv").rglob("*.py"), *ROOT.joinpath("derivations").rglob("*.py")]
)
FORBIDDEN = {"eval", "exec", "parse_expr", "parse_latex", "sympify", "__import__", "compile"}


def _called_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _violations(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = _called_name(node)
        if name == "compile" and isinstance(node.func, ast.Attribute):
            continue  # re.compile / lark's compile, not the builtin
        if name not in FORBIDDEN:
            continue
        strict = any(
            k.arg == "strict" and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in node.keywords
        )
        if path.name == "safe.py" and name == "sympify" and strict:
            continue
        where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        found.append(f"{where}:{node.lineno}: {name}(...)")
    return found


def test_sources_were_found():
    assert len(SOURCES) > 50


def test_no_forbidden_call_in_the_source_tree():
    violations = [v for path in SOURCES for v in _violations(path)]
    assert not violations, "\n".join(violations)


def test_the_walker_catches_what_it_forbids(tmp_path: Path):
    sample = tmp_path / "sample.py"
    sample.write_text("import sympy as sp\nsp.sympify(text)\neval(text)\nre.compile('x')\n")
    assert [v.split(": ")[1] for v in _violations(sample)] == ["sympify(...)", "eval(...)"]


@pytest.mark.parametrize("text", ["x + 1", "__import__('os').system('true')", "2*3"])
def test_the_one_door_refuses_text(text):
    with pytest.raises(ParseError, match="never evaluated"):
        as_sympy(text)


def test_public_entry_points_refuse_text():
    from symconv import ConvSpec, conv_output_size

    with pytest.raises(ParseError):
        ConvSpec.make("3*x")
    with pytest.raises(ValueError):  # a ShapeError: expected an integer
        conv_output_size("__import__('os')", 3)
    assert as_sympy(sp.Integer(3)) == 3

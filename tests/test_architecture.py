"""The package's layering, read from the source with ``ast`` (nothing is imported).

* No engine module imports the checker (``symconv.check``), the command line (``symconv.commands``,
  ``symconv.cli``) or the catalog (``derivations``) — at the top or inside a function, absolutely or
  relatively (``importlib.import_module("…")`` with a literal name counts too).
* No import cycle crosses a folder: every strongly connected component of the module graph
  (top-level and function-level imports alike) lies inside one folder of ``symconv/``.
* At most six modules stay at the top of ``symconv/``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "symconv"

#: The front: the command line and the checker may use everything (so may ``symconv/__init__.py``,
#: whose re-exports are lazy).
FRONT = ("symconv.__main__", "symconv.cli", "symconv.check", "symconv.commands")
#: What an engine module must never import.
FORBIDDEN = ("symconv.check", "symconv.commands", "symconv.cli", "derivations")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node, skipping ``if TYPE_CHECKING:`` blocks (they are never executed)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                stack.extend(child.orelse)
                continue
            stack.append(child)


def imports(module: str) -> set[str]:
    """The modules ``module`` imports anywhere in its body (names resolved; packages included)."""
    path = MODULES[module]
    return imports_in(path.read_text(encoding="utf-8"), module, path.name == "__init__.py")


def imports_in(source: str, module: str, is_package: bool = False) -> set[str]:
    """What the source of ``module`` imports: every dotted prefix of every name it reaches."""
    tree = ast.parse(source)
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in _walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and (
                (isinstance(node.func, ast.Name) and node.func.id == "import_module")
                or (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
            )
        ):
            found.add(node.args[0].value)
    # ``import a.b.c`` runs a and a.b first; the keys that are real modules are what matter.
    closed: set[str] = set()
    for name in found:
        parts = name.split(".")
        closed.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return closed


def engine_modules() -> list[str]:
    return [name for name in MODULES if name != "symconv" and not _within(name, FRONT)]


def test_no_engine_module_imports_the_checker_the_cli_or_the_catalog():
    offenders = {
        module: sorted(name for name in imports(module) if _within(name, FORBIDDEN))
        for module in engine_modules()
    }
    assert {module: names for module, names in offenders.items() if names} == {}


def _folder(module: str) -> str:
    """``symconv.conv.forms`` → ``symconv.conv``; a top-level module is its own folder."""
    parts = module.split(".")
    if len(parts) <= 2 and MODULES[module].name != "__init__.py":
        return module
    return ".".join(parts[:2])


def _graph() -> dict[str, set[str]]:
    return {
        module: {
            name for name in imports(module) if name in MODULES and name not in {"symconv", module}
        }
        for module in MODULES
    }


def strongly_connected_components(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[set[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    components.append(component)
    return components


def test_strongly_connected_components_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert sorted(map(sorted, strongly_connected_components(graph))) == [["a", "b", "c"], ["d"]]


def test_no_import_cycle_crosses_a_folder():
    crossing = [
        sorted(component)
        for component in strongly_connected_components(_graph())
        if len({_folder(module) for module in component}) > 1
    ]
    assert crossing == []


def test_at_most_six_modules_stay_at_the_top():
    top = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(top) <= 6, top


def test_the_checks_see_imports():
    # Top-level and function-level imports, and the modules of a package the engines may not use.
    assert "symconv.core.notation" in imports("symconv.problems.engines")
    assert "symconv.core.notation" in imports("symconv.check.nodes")
    assert "derivations" in imports("symconv.commands.solve")
    assert "symconv.conv.pooling" in imports("symconv.problems.engines")  # inside a function
    engines = engine_modules()
    assert "symconv.core.derivation" in engines and "symconv.grad.evaluator" in engines
    assert not any(_within(name, FRONT) for name in engines)
    assert "symconv.check.nodes" not in engines


def test_imports_are_read_everywhere_and_resolved():
    source = """
from __future__ import annotations
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from symconv.commands import solve
def late():
    from ..check import nodes
    import importlib
    return importlib.import_module("derivations.fd")
class A:
    def method(self):
        from . import forms
"""
    found = imports_in(source, "symconv.conv.matrix")
    assert {"symconv.check", "symconv.check.nodes", "derivations.fd", "symconv.conv.forms"} <= found
    assert "symconv.commands" not in found  # a TYPE_CHECKING import is never executed
    assert "symconv.core.notation" in imports_in(
        "from .notation import MaxOver", "symconv.core", True
    )

"""The public names of DESIGN.md import from ``symconv`` and are what they claim to be."""

from __future__ import annotations

import importlib

import symconv

DESIGN_API = (
    "Derivation", "conv_output_size", "conv_matrix", "correlate", "convolve", "stencil",
    "conv_gradients", "derive_backward", "solve", "check",
)  # fmt: skip


def test_every_exported_name_resolves():
    for name in symconv.__all__:
        assert getattr(symconv, name) is not None, name


def test_design_api_is_callable_even_after_submodules_are_imported():
    # The folders (symconv.conv, symconv.stencils, …) become attributes of symconv once imported:
    # none may shadow a public name (hence ``stencils/``, not ``stencil/``).
    for module in (
        "symconv.stencils.weights", "symconv.check.parser", "symconv.check.api",
        "symconv.conv.forms", "symconv.core.derivation", "symconv.sizes.shapes",
        "symconv.problems.model", "symconv.rules.chain", "derivations",
    ):  # fmt: skip
        importlib.import_module(module)
    for name in DESIGN_API:
        assert callable(getattr(symconv, name)), name
    assert symconv.stencil(2).weights == (1, -2, 1)


def test_check_runs_through_the_package(tmp_path):
    solution = tmp_path / "hw.md"
    solution.write_text("$3 \\times 4 = 13$\n", encoding="utf-8")
    report = symconv.check(str(solution))
    assert report.summary()["wrong"] == 1


def test_the_static_imports_mirror_the_one_list_of_public_names():
    # symconv/__init__.py lists the public API once (_EXPORTS; __all__ is its keys); the
    # TYPE_CHECKING imports that tell static analysers the same names must name the same modules.
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(symconv))
    (block,) = [
        node
        for node in tree.body
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING"
    ]
    static = {
        alias.name: statement.module
        for statement in block.body
        if isinstance(statement, ast.ImportFrom)
        for alias in statement.names
    }
    assert symconv.__all__ == sorted(symconv._EXPORTS)
    # ``check`` is the package itself at run time, the function symconv.check.api.check statically.
    assert {**static, "check": "symconv.check"} == symconv._EXPORTS


def test_every_exported_name_comes_from_its_module():
    for name, module in symconv._EXPORTS.items():
        if name != "check":
            assert getattr(importlib.import_module(module), name) is getattr(symconv, name), name

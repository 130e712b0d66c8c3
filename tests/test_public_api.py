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
    for module in ("symconv.stencils", "symconv.check.parser", "symconv.check.api"):
        importlib.import_module(module)
    for name in DESIGN_API:
        assert callable(getattr(symconv, name)), name
    assert symconv.stencil(2).weights == (1, -2, 1)


def test_check_runs_through_the_package(tmp_path):
    solution = tmp_path / "hw.md"
    solution.write_text("$3 \\times 4 = 13$\n", encoding="utf-8")
    report = symconv.check(str(solution))
    assert report.summary()["wrong"] == 1

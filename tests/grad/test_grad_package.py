"""symconv.grad lists its public names once and loads them lazily: a part of the package is
imported without the rest (the checker reads ``symconv.grad.conditions`` alone)."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import symconv.grad


def test_all_lists_the_exports_and_each_resolves() -> None:
    assert sorted(symconv.grad.__all__) == sorted(symconv.grad._EXPORTS)
    for name, module in symconv.grad._EXPORTS.items():
        assert getattr(symconv.grad, name) is getattr(importlib.import_module(module), name)


def test_one_part_is_imported_without_the_differentiator() -> None:
    code = (
        "import sys, symconv.grad.conditions; "
        "print(sorted(m for m in sys.modules if m.startswith('symconv.grad.')))"
    )
    root = Path(symconv.grad.__file__).resolve().parents[2]
    loaded = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    assert "symconv.grad.conditions" in loaded
    for heavy in ("differentiate", "compare", "grammar", "second_reading"):
        assert f"symconv.grad.{heavy}'" not in loaded, loaded

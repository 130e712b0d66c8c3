"""README's layout table is the map of the house (issue 19): every folder of the repository and
every package of ``symconv/`` has a row, and every path the table names exists."""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _named() -> list[str]:
    """Every path written in backticks in the first column of the layout table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Layout", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    return [name for row in rows for name in re.findall(r"`([^`]+)`", row)]


def _ignored(name: str) -> bool:
    """Whether ``.gitignore`` keeps a top-level folder out of the repository (``*.egg-info/`` that
    ``pip install -e .`` writes, ``build/``, ``out/``): such a folder is not part of the house."""
    patterns = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    patterns = [
        line.strip().strip("/") for line in patterns if line.strip() and not line.startswith("#")
    ]
    return any(fnmatch.fnmatch(name, pattern) for pattern in patterns)


def test_every_folder_has_a_row():
    named = _named()
    folders = [d.name for d in ROOT.iterdir() if d.is_dir() and not d.name.startswith(".")]
    folders = [name for name in folders if not _ignored(name)]
    folders = [name for name in folders if name not in ("symconv", "shared", "__pycache__")]
    packages = [d.name for d in (ROOT / "symconv").iterdir() if (d / "__init__.py").exists()]
    missing = [f"{name}/" for name in folders if f"{name}/" not in named]
    missing += [
        f"symconv/{name}/"
        for name in packages
        if f"symconv/{name}/" not in named and f"{name}/" not in named
    ]
    assert not missing, f"README's layout table has no row for {missing}"


def test_every_path_it_names_exists():
    for name in _named():
        path = name.rstrip("/")
        if "/" in path:
            assert (ROOT / path).exists(), f"README's layout table names {name}: not found"
        else:
            found = [p for p in ROOT.rglob(path) if ".git" not in p.parts]
            assert found, f"README's layout table names {name}: not found"

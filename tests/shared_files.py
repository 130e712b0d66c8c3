"""Where the course material lives: ``shared/`` beside the repository (as CI lays it out), or
``$SYMCONV_SHARED``. Tests that read it skip with that reason when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(os.environ.get("SYMCONV_SHARED", Path(__file__).resolve().parents[2] / "shared"))
PRACTICE = SHARED / "practice"
PROBLEMS = SHARED / "problems"


def require_shared() -> None:
    """Skip the calling test when the shared course material is not beside the repository."""
    if not PRACTICE.is_dir():
        pytest.skip(f"the course material is not at {SHARED} (set SYMCONV_SHARED)")

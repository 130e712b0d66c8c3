"""The example tour prints exactly its golden output, and a Derivation renders in Jupyter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from symconv import conv_output_size

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_tour_output_is_the_golden():
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "tour.py")], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (EXAMPLES / "tour.out").read_text(encoding="utf-8")


def test_repr_latex_is_display_math():
    rendered = conv_output_size(5, 3)._repr_latex_()
    assert rendered.startswith("$$\\begin{aligned}") and rendered.endswith("\\end{aligned}$$")

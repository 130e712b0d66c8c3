"""Stencil write-ups (issue 19, item 5): the Taylor table and its moment system are shown only when
asked (``show_moments``, ``symconv stencil --show-moments``), yet stay in the derivation's steps;
a caption of an N-D kernel in a write-up is the kernel's own layout, read from its offsets."""

from __future__ import annotations

import json
import re
from fractions import Fraction

import pytest
import sympy as sp

from derivations.fd import derivation_of
from symconv.cli import main
from symconv.stencils.nd import box, cross
from symconv.stencils.weights import stencil

TABLE_ROW = "T &:="
SYSTEM_ROW = "T w &="


@pytest.mark.parametrize(
    "make",
    [
        lambda: stencil(2),
        lambda: stencil(4, 6),
        lambda: stencil(2, 4, dims=2, offsets=cross(2, 2)),
        lambda: stencil((1, 1), dims=2, offsets=box(1, 2)),
    ],
)
def test_the_table_is_a_supporting_step_shown_only_when_asked(make):
    s = make()
    short, full = s.derivation(), s.derivation(show_moments=True)
    assert [str(step.lhs) for step in short.steps if not step.shown] == ["T", "T w"]
    assert all(step.shown for step in full.steps)
    assert TABLE_ROW not in short.latex() and SYSTEM_ROW not in short.latex()
    assert TABLE_ROW in full.latex() and SYSTEM_ROW in full.latex()
    assert not any(step["lhs"] in ("T", "T w") for step in short.to_json()["steps"])
    # The weights are the same, and the short form still says which conditions they satisfy.
    assert short.answer == full.answer
    weights = next(step for step in short.steps if step.lhs == sp.Symbol("w"))
    assert "moment conditions" in weights.reason
    # The table the steps keep is the Taylor table: T[α, j] = o^α / α! times w gives b.
    table = next(step for step in short.steps if step.lhs == sp.Symbol("T")).rhs
    system = next(step for step in short.steps if str(step.lhs) == "T w").rhs
    assert table * sp.Matrix(list(s.weights)) == system
    assert TABLE_ROW in short.with_all_steps_shown().latex()


def test_the_21_by_9_table_of_the_radius_2_cross():
    full = stencil(2, 4, dims=2, offsets=cross(2, 2)).derivation(show_moments=True)
    table = next(step for step in full.steps if step.lhs == sp.Symbol("T")).rhs
    assert table.shape == (21, 9)


def _cli(capsys, argv):
    code = main(argv)
    return code, capsys.readouterr().out


def test_the_command_line_shows_the_moments_only_with_the_flag(capsys):
    argv = ["stencil", "--derivative", "2", "--dims", "2", "--box", "2", "--accuracy", "4"]
    code, short = _cli(capsys, argv)
    assert code == 0 and TABLE_ROW not in short and SYSTEM_ROW not in short
    code, full = _cli(capsys, [*argv, "--show-moments"])
    assert code == 0 and TABLE_ROW in full and SYSTEM_ROW in full
    assert len(short) < len(full)
    code, tex = _cli(capsys, [*argv, "--format", "tex"])
    assert code == 0 and TABLE_ROW not in tex
    code, text = _cli(capsys, [*argv, "--format", "json"])
    assert "moments" not in json.loads(text)
    code, text = _cli(capsys, [*argv, "--format", "json", "--show-moments"])
    moments = json.loads(text)["moments"]
    assert len(moments["rows"]) == 21 and moments["rows"][0] == [0, 0]
    assert moments["table_srepr"].startswith("ImmutableDenseMatrix([[Integer(1), Integer(1)")


CAPTION = re.compile(
    r"axis (\d) = (-?[a-z]) \(offset ([+-]?[0-9/]+|0) (?:first|at the top|at the left), "
    r"(increasing|decreasing)"
)


def test_the_caption_in_fd_e_is_its_kernels_own_layout():
    """The note of fd-e describes where the tensor-product kernel's offsets sit; placing each
    weight where the note says must rebuild the kernel (read from the note's text, not the
    layout object)."""
    derivation = derivation_of("fd-e")
    [note] = [n for n in derivation.notes if "as the kernel" in n]
    axes = [
        ("xyz".index(name.lstrip("-")), int(Fraction(first)), 1 if way == "increasing" else -1)
        for _axis, name, first, way in CAPTION.findall(note)
    ]
    assert len(axes) == 2, note
    member = stencil((1, 1), dims=2, offsets=box(1, 2)).member("tensor-product")
    kernel = sp.Matrix(derivation.answer)
    placed = sp.zeros(*kernel.shape)
    for offset, weight in zip(member.offsets, member.weights, strict=True):
        row, column = (
            (int(offset[coordinate]) - first) * direction for coordinate, first, direction in axes
        )
        placed[row, column] += weight
    assert placed == kernel

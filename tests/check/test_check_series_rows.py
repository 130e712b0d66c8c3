"""The rows of a series written over several rows: when one row is wrong, each other row whose
terms agree with the left side's expansion is confirmed on its own line, and a row that holds a
wrong term never is."""

from __future__ import annotations

from symconv.check.runner import check_text

SERIES = (
    "$$\n\\begin{aligned}\n"
    "u(s+k)\n"  # line 3
    "&= u(s) \\\\\n"  # line 4: right
    "&+ k u'(s) \\\\\n"  # line 5: right
    "&+ k^2 u''(s) \\\\\n"  # line 6: wrong (k^2/2 u'')
    "&+ \\frac{k^3}{6} u'''(s)\n"  # line 7: right
    "\\end{aligned}\n$$\n"
)


def _by_line(doc: str) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for j in check_text(doc).judgements:
        for line in range(j.claim.line, j.claim.end_line + 1):
            found.setdefault(line, []).append(j.verdict)
    return found


def test_the_rows_that_agree_are_confirmed_beside_the_wrong_row():
    found = _by_line(SERIES)
    assert found[6] == ["wrong"]
    assert found[4] == ["right"] and found[5] == ["right"] and found[7] == ["right"]


def test_a_row_with_a_wrong_term_beside_a_right_one_is_not_confirmed():
    doc = SERIES.replace("&+ k u'(s)", "&+ k u'(s) + k^3 u'''(s)")
    found = _by_line(doc)
    assert "right" not in found.get(5, []) and "right" not in found.get(7, [])
    assert found[4] == ["right"]


def test_a_series_right_as_a_whole_is_one_verdict():
    doc = SERIES.replace("k^2 u''(s)", "\\frac{k^2}{2} u''(s)")
    assert [j.verdict for j in check_text(doc).judgements] == ["right"]

"""Steps that put the problem's names and numbers in for names no formula of the document gave
values: unverified, never wrong; a step false for every value stays wrong."""

from __future__ import annotations

from tests.check_keys import verdicts


def test_names_renamed_and_a_number_said_in_words_are_not_wrong():
    doc = (
        "A feature map of shape $(B, C, N)$, 4 bytes per entry.\n\n"
        "$$\n\\begin{aligned}\n"
        "N_{entries} &= n_1 n_2 n_3 \\\\\n"
        "&= B \\cdot C \\cdot N \\\\\n"
        "N_{bytes} &= N_{entries} b \\\\\n"
        "&= B C N \\cdot 4\n"
        "\\end{aligned}\n$$\n"
    )
    assert "wrong" not in [v for _, _, v in verdicts(doc)]


def test_a_dropped_term_is_still_wrong():
    # y would have to be 0: not a value put in, a term left out
    assert [v for _, _, v in verdicts("$$x \\cdot (1 + y) = x$$\n")] == ["wrong"]
    # a number the right side does not show is no substitution either
    assert [v for _, _, v in verdicts("$$N b = 2 N + 1$$\n")] == ["wrong"]

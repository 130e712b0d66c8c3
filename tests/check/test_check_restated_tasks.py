"""What a document restates is not what it claims: the question copied above the answer, a
"show that" task, the conventions paragraph; and a numbered point under a part's own heading
stays in that part. Each with a version where the writer's own answer is still judged."""

from __future__ import annotations

from derivations import catalog
from symconv.check.api import check

NYU = next(s for s in catalog() if s.id == "nyu-cnn")
QUESTION = "A batch of 40 EEG recordings, each with 80 channels sampled at 240 Hz for 10 seconds."


def _verdicts(text: str, name: str = "answer.md") -> list[tuple[int, str, str]]:
    report = check(text, against=NYU, name=name)
    return [(j.claim.line, j.verdict, j.claim.part or "") for j in report.judgements]


def test_the_question_copied_above_the_answer_is_no_answer():
    verdicts = _verdicts(f"## nyu-cnn-1b\n\n{QUESTION}\n")
    assert [v for v in verdicts if v[1] == "wrong"] == []


def test_an_answer_in_prose_with_a_number_of_its_own_is_still_judged():
    # 2400 is not in the question: the line is the writer's answer, not the question restated
    right = _verdicts(f"## nyu-cnn-1b\n\n{QUESTION}\n\n40 recordings, 2400 samples, 80 channels.\n")
    assert (5, "right", "nyu-cnn-1b") in right
    wrong = _verdicts(
        f"## nyu-cnn-1b\n\n{QUESTION}\n\n40 recordings, 24000 samples, 80 channels.\n"
    )
    assert (5, "wrong", "nyu-cnn-1b") in wrong


def test_a_show_that_task_is_not_the_writers_claim():
    task = "Show that $2 + 2 = 5$ is false.\n\nIgnoring signs, prove that $3 \\cdot 3 = 6$.\n"
    assert _verdicts(task) == []
    claimed = "We show that $2 + 2 = 5$.\n"
    assert (1, "wrong", "") in _verdicts(claimed)


def test_a_numbered_point_under_a_parts_heading_stays_in_that_part():
    text = (
        "## nyu-cnn-5a\n\n(1) the windows: $y = (1, 3, 0, 1)$\n\n"
        "(2) so the answer is $y = (1, 3, 0, 1)$\n"
    )
    verdicts = _verdicts(text)
    assert {part for _, verdict, part in verdicts if verdict == "right"} == {"nyu-cnn-5a"}
    assert [v for v in verdicts if v[1] == "wrong"] == []


def test_the_conventions_paragraph_answers_nothing_in_latex():
    text = (
        "\\section*{nyu-cnn-3b}\n"
        "{\\small\\textit{Conventions:} for a layer from 7 to 9 channels $(C, M) = (7, 9)$.\\par}\n"
        "\\textbf{Answer:}\n\\[ \\resizebox{\\linewidth}{!}{(C, M) = (10, 20)} \\]\n"
    )
    verdicts = _verdicts(text, name="answer.tex")
    assert [v for v in verdicts if v[1] == "wrong"] == []
    assert (4, "right", "nyu-cnn-3b") in verdicts  # read through the box that scales it


def test_limits_stated_as_pairs_are_judged_whichever_way_a_pair_is_read():
    # nyu-cnn-2a asks the limits of the sums over k1 and k2: ((0, 1), (0, 1)) is right read as
    # ranges and as sets; (0, 6) is neither {0, 1} as a range nor as a set
    right = _verdicts("## nyu-cnn-2a\n\n**Answer:** $((0, 1), (0, 1))$\n")
    assert (3, "right", "nyu-cnn-2a") in right
    wrong = _verdicts("## nyu-cnn-2a\n\n**Answer:** $((0, 1), (0, 6))$\n")
    assert (3, "wrong", "nyu-cnn-2a") in wrong

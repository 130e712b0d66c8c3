"""Validation of a problem-set file at load time: each kind of error names the file, the line,
the exercise, the part, the key and (for a near miss) its suggestion; every error of a file is
reported at once; the command line exits 2 with them and never shows a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp

from symconv.cli import main
from symconv.errors import ProblemSetError, ShapeError
from symconv.problems.problemset import load_problem_set, problem_set_from_text
from symconv.problems.schema import DATA_TABLE_FORMS

HEADER = 'id = "lab"\ntitle = "Lab"\n'

#: One valid exercise; a test breaks one thing in it.
VALID = (
    HEADER
    + """
[[exercise]]
id = "lab-1"
data = { i = 29, k = 5, X = [[1, 2], [3, 4]] }

[[exercise.part]]
id = "lab-1a"
question = "The output length."
engine = "conv_output_size"
args = { i = "$i", k = "$k" }
"""
)


def problems_of(text: str, name: str = "set.toml") -> ProblemSetError:
    with pytest.raises(ProblemSetError) as caught:
        problem_set_from_text(text, name)
    return caught.value


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def the_problem(text: str):
    error = problems_of(text)
    assert len(error.problems) == 1, error.messages
    return error.problems[0], error.messages[0]


def test_the_valid_file_loads():
    problem_set = problem_set_from_text(VALID, "set.toml")
    assert [p.id for p in problem_set.parts()] == ["lab-1a"]
    assert next(problem_set.parts()).solution.derivation.answer == 25


# -- the must-show: a typo in a key names the key, its suggestion, the file and the part -------
def test_a_typo_in_a_part_key_names_the_key_its_suggestion_the_file_and_the_part():
    text = VALID.replace('question = "The output length."', 'questoin = "The output length."')
    problem, message = the_problem(text)
    assert message == (
        f"set.toml:{line_of(text, 'questoin')}: exercise lab-1, part lab-1a: unknown key "
        "'questoin' (did you mean 'question'?)"
    )
    assert (problem.key, problem.suggestion, problem.part) == ("questoin", "question", "lab-1a")


def test_a_typo_in_an_engine_argument_names_it_and_its_suggestion():
    text = VALID.replace('args = { i = "$i", k = "$k" }', 'args = { i = "$i", kernal = "$k" }')
    error = problems_of(text)
    first = error.messages[0]
    assert first.startswith(f"set.toml:{line_of(text, 'kernal')}: exercise lab-1, part lab-1a: ")
    assert "args.kernal" in first and "did you mean 'kernel'?" in first
    assert error.problems[0].suggestion == "kernel"
    # the argument it meant is then missing: said too, on the args line
    assert "args.k: engine conv_output_size: missing required argument" in error.messages[1]


@pytest.mark.parametrize(
    ("old", "new", "key", "suggestion"),
    [
        ('title = "Lab"', 'titel = "Lab"', "titel", "title"),  # the set
        ('id = "lab-1"\n', 'id = "lab-1"\nstatment = "A 1-D layer."\n', "statment", "statement"),
        ('engine = "conv_output_size"', 'engnie = "conv_output_size"', "engnie", "engine"),
    ],
)
def test_an_unknown_key_at_every_level(old, new, key, suggestion):
    text = VALID.replace(old, new)
    error = problems_of(text)
    problem = next(p for p in error.problems if p.key == key)
    assert problem.suggestion == suggestion and problem.line == line_of(text, key)
    assert f"unknown key '{key}' (did you mean '{suggestion}'?)" in problem.message


def test_unknown_keys_in_accepted_answers_misconceptions_and_layer_tables():
    text = (
        VALID
        + """
[[exercise.part.accepted]]
answer = 26
conventoin = "rounded up"

[[exercise.part.misconceptions]]
answer = 24
diagnosis = "off by one"
diagnosys = "twice"

[[exercise.part]]
id = "lab-1b"
engine = "stack_cost"
args = { input_size = [8, 8], in_channels = 3, count = "parameters", layers = [
    { kernal = 3, out_channels = 4 },
] }
"""
    )
    error = problems_of(text)
    keys = {problem.key: problem for problem in error.problems}
    assert keys["accepted[1].conventoin"].suggestion == "convention"
    assert keys["accepted[1].convention"].message.startswith(
        "missing required key 'accepted[1].convention'"
    )
    assert keys["misconceptions[1].diagnosys"].suggestion == "diagnosis"
    layer = keys["args.layers"]
    assert layer.part == "lab-1b" and layer.line == line_of(text, "kernal")
    assert "unknown key 'kernal' in a layer (did you mean 'kernel'?)" in layer.message


def test_a_key_of_another_level_says_where_it_belongs():
    text = VALID.replace('id = "lab-1"\n', 'id = "lab-1"\nengine = "conv_params"\n')
    _, message = the_problem(text)
    assert "'engine' is a key of the part level ([[exercise.part]])" in message


def test_missing_required_keys():
    text = HEADER + '\n[[exercise]]\ntitle = "no id"\n\n[[exercise.part]]\nquestion = "?"\n'
    error = problems_of(text)
    assert any(
        "exercise #1: missing required key 'id'" in m and m.startswith("set.toml:4:")
        for m in error.messages
    )
    assert any("part #1: missing required key 'engine'" in m for m in error.messages)
    bare = problems_of('title = "x"\n')
    assert [problem.key for problem in bare.problems] == ["id", "exercise"]
    assert str(bare).startswith("set.toml: 2 errors in the problem set\n")


@pytest.mark.parametrize(
    ("old", "new", "key", "words"),
    [
        ('question = "The output length."', "question = 3", "question", "expected a string"),
        ('question = "The output length."', 'points = "two"', "points", "expected a number"),
        ('question = "The output length."', "points = -1", "points", "points are ≥ 0"),
        ('title = "Lab"', 'notation = "brackets"', "notation", "is not a notation"),
        ('title = "Lab"', 'quantities = ["d(k)"]', "quantities", "is not a name"),
        ("data = { i = 29,", "data = { i = 2.9,", "data.i", "is a float"),
    ],
)
def test_a_value_of_the_wrong_type(old, new, key, words):
    text = VALID.replace(old, new)
    problem, message = the_problem(text)
    assert problem.key == key and words in message and problem.line == line_of(text, new[:6])


def test_an_argument_of_the_wrong_kind_names_the_engine_and_the_argument():
    text = VALID.replace('args = { i = "$i", k = "$k" }', 'args = { i = "$i", k = "five" }')
    text = text.replace('k = "five"', "k = 2.5")
    problem, message = the_problem(text)
    assert problem.key == "args.k" and "engine conv_output_size" in message
    assert "2.5 is a float" in message


def test_an_unknown_engine_gets_a_suggestion():
    text = VALID.replace('engine = "conv_output_size"', 'engine = "conv_output_sise"')
    problem, message = the_problem(text)
    assert problem.suggestion == "conv_output_size" and problem.key == "engine"
    assert message == (
        f"set.toml:{line_of(text, 'sise')}: exercise lab-1, part lab-1a: unknown engine "
        "'conv_output_sise' (did you mean 'conv_output_size'?); `symconv solve --engines` "
        "lists them"
    )


def test_an_argument_the_engine_does_not_take():
    text = VALID.replace('k = "$k" }', 'k = "$k", groups = 2 }')
    problem, message = the_problem(text)
    assert problem.key == "args.groups"
    assert "engine conv_output_size takes no argument 'groups'" in message
    assert "arguments: i (or input), k (or kernel)" in message


def test_a_bad_reference_names_the_data_and_its_suggestion():
    text = VALID.replace('k = "$k" }', 'k = "$kk" }')
    problem, message = the_problem(text)
    assert problem.key == "args.k" and problem.suggestion == "$k"
    assert '"$kk" names no data (did you mean "$k"?); data: i, k, X' in message
    assert problem.line == line_of(text, "$kk")
    # under an argument's other name, too, and its parameter is not then called missing
    aliased = VALID.replace('k = "$k" }', 'kernel = "$kk" }')
    problem, message = the_problem(aliased)
    assert problem.key == "args.kernel" and '"$kk" names no data' in message


def test_a_bad_reference_in_an_answer_and_in_the_context():
    text = (
        VALID.replace(
            "data = { i = 29, k = 5, X = [[1, 2], [3, 4]] }",
            'data = { i = 29, k = 5, X = [[1, 2], [3, 4]] }\ncontext = { Y = "$Xx" }',
        )
        + '\n[[exercise.part.accepted]]\nanswer = "$j"\nconvention = "?"\n'
    )
    keys = {p.key: p for p in problems_of(text).problems}
    assert keys["context.Y"].suggestion == "$X"
    assert keys["accepted[1].answer"].message.startswith('accepted[1].answer: "$j" names no data')


def test_a_size_name_where_numbers_are_needed_is_refused_naming_the_argument():
    text = (
        VALID
        + """
[[exercise.part]]
id = "lab-1b"
engine = "conv_matrix"
args = { input_size = ["N", 4], kernel = 2 }
"""
    )
    problem, message = the_problem(text)
    assert (problem.part, problem.key) == ("lab-1b", "args.input_size")
    assert "needs a number here, got the size name 'N'" in message
    assert message.startswith(f"set.toml:{line_of(text, 'conv_matrix') + 1}:")


def test_arguments_that_exclude_each_other():
    text = (
        VALID
        + """
[[exercise.part]]
id = "lab-1b"
engine = "conv_matrix"
args = { input_size = [4, 4], kernel = 2, weights = [[1, 2], [3, 4]] }

[[exercise.part]]
id = "lab-1c"
engine = "layer_cost"
args = { input_size = [8, 8], in_channels = 3, kernel = 3, out_channels = 4, count = "space" }
"""
    )
    messages = problems_of(text).messages
    assert any(
        "lab-1b" in m and "give exactly one of kernel, weights (both given)" in m for m in messages
    )
    assert any(
        "lab-1c" in m and 'count = "space" needs the space convention' in m for m in messages
    )


def test_an_alternative_needs_exactly_one_source():
    text = VALID + '\n[[exercise.part.misconceptions]]\ndiagnosis = "?"\n'
    _, message = the_problem(text)
    assert "give exactly one of answer, permute or engine (none given)" in message


def test_duplicate_ids():
    text = VALID + '\n[[exercise.part]]\nid = "lab-1a"\nengine = "same_padding"\nargs = { k = 3 }\n'
    problem, message = the_problem(text)
    assert "duplicate part id 'lab-1a'" in message
    assert problem.line == len(text.splitlines()) - 2


def test_a_table_data_value_is_a_known_form_or_refused():
    text = VALID.replace("data = { i = 29,", "data = { i = { pick = [29, 31] },")
    problem, message = the_problem(text)
    assert problem.key == "data.i.pick" and "is not a data form symconv knows" in message
    # the extension point holds the forms a value drawn per student is written in
    assert set(DATA_TABLE_FORMS) == {"choose", "range"}
    chosen = text.replace("pick", "choose").replace("The output length.", "Length {{i}}.")
    assert problem_set_from_text(chosen, "set.toml").exercises[0].variant is not None


def test_every_error_of_a_file_is_reported_at_once():
    text = VALID.replace("question", "questoin").replace('k = "$k"', 'kernal = "$k"') + (
        '\n[[exercise.part]]\nid = "lab-1b"\nengine = "nope"\npoints = "x"\n'
    )
    error = problems_of(text, "bad.toml")
    assert len(error.problems) == 5
    assert str(error).startswith("bad.toml: 5 errors in the problem set\n  bad.toml:")
    parts = [problem.part for problem in error.problems]
    assert parts.count("lab-1a") == 3 and parts.count("lab-1b") == 2


def test_a_syntax_error_gives_the_line_tomllib_reports():
    error = problems_of(HEADER + "[[exercise]\n")
    assert error.messages[0].startswith("set.toml:3: not valid TOML: ")


# -- the command line --------------------------------------------------------------------------
def test_solve_refuses_a_bad_file_with_status_2_and_every_message(tmp_path: Path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(VALID.replace("question", "questoin").replace("$k", "$kk"), encoding="utf-8")
    for extra in ([], ["--list"], ["--format", "json"]):
        assert main(["solve", "--problems", str(path), *extra]) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err and f"{path}:" in err
        assert "part lab-1a: unknown key 'questoin' (did you mean 'question'?)" in err
        assert '"$kk" names no data (did you mean "$k"?)' in err


def test_solve_list_shows_a_part_without_a_question(tmp_path: Path, capsys):
    path = tmp_path / "set.toml"
    path.write_text(VALID.replace('question = "The output length."\n', ""), encoding="utf-8")
    assert main(["solve", "--problems", str(path), "--list"]) == 0
    assert "    lab-1a  " in capsys.readouterr().out


def test_an_engine_error_at_solve_time_names_the_file_and_the_part(tmp_path: Path, capsys):
    path = tmp_path / "late.toml"
    text = VALID.replace("data = { i = 29,", "data = { i = 2,")
    path.write_text(text, encoding="utf-8")
    part = next(load_problem_set(path).parts())
    with pytest.raises(ShapeError) as caught:
        _ = part.solution
    assert str(caught.value).startswith(
        f"{path}:{line_of(text, 'engine')}: exercise lab-1, part lab-1a: engine "
        "conv_output_size: o = "
    )
    assert main(["solve", "--problems", str(path)]) == 2
    assert f"{path}:{line_of(text, 'engine')}: exercise lab-1, part lab-1a" in (
        capsys.readouterr().err
    )


# -- what a valid file gives ---------------------------------------------------------------------
def test_points_default_to_one_and_are_read():
    text = (
        VALID
        + '\n[[exercise.part]]\nid = "lab-1b"\nengine = "same_padding"\nargs = { k = 3 }\n'
        + "points = 2.5\n"
    )
    points = {part.id: part.points for part in problem_set_from_text(text, "s").parts()}
    assert points == {"lab-1a": 1, "lab-1b": 2.5}


def test_quantities_are_inferred_from_the_data_when_absent():
    text = (
        VALID
        + """
[[exercise.part]]
id = "lab-1b"
engine = "pool_along_axis_shape"
args = { shape = ["B", "N", "C"], axis = 1, stride = "s" }
"""
    )
    assert problem_set_from_text(text, "s").quantities == ("i", "k", "B", "C", "N", "s")
    declared = text.replace('title = "Lab"', 'title = "Lab"\nquantities = ["d"]')
    assert problem_set_from_text(declared, "s").quantities == ("d",)


def test_a_size_name_in_the_data_derives_symbolically():
    text = VALID.replace("data = { i = 29,", 'data = { i = "N",')
    answer = next(problem_set_from_text(text, "s").parts()).solution.derivation.answer
    n = sp.Symbol("N", integer=True, positive=True)
    assert answer == n - 4

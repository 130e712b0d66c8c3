"""``symconv solve``: one document per request in every format, a problem sheet that holds no
answer, LaTeX that pdflatex typesets with no line in the margin, and JSON whose answers plain
SymPy reads back (issue 20, items 2, 3 and 7)."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from derivations import catalog
from symconv.cli import main
from symconv.core.derivation import Derivation, Step
from symconv.core.portable import portable
from symconv.problems.handout import Handout, RenderOptions
from symconv.problems.model import Exercise, Part, ProblemSet, Solution
from symconv.problems.problemset import load_problem_set
from symconv.problems.writeup import ANSWER_FIELDS, document

ROOT = Path(__file__).resolve().parents[2]
TOML_SETS = sorted([*ROOT.glob("derivations/*.toml"), *ROOT.glob("examples/sets/*.toml")])
NYU = ROOT / "derivations" / "nyu_cnn.toml"
needs_pdflatex = pytest.mark.skipif(
    shutil.which("pdflatex") is None,
    reason="pdflatex is not installed (apt-get install texlive-latex-base "
    "texlive-latex-recommended); CI installs it",
)


def _solve(capsys: pytest.CaptureFixture[str], *arguments: str) -> str:
    assert main(["solve", *arguments]) == 0
    return capsys.readouterr().out


# -- one document per request ----------------------------------------------------------------
def test_a_toml_set_as_tex_is_one_document_with_every_exercise(capsys):
    text = _solve(capsys, "--problems", str(NYU), "--format", "tex")
    assert text.count(r"\documentclass") == 1 and text.count(r"\end{document}") == 1
    assert text.rstrip().endswith(r"\end{document}")
    problem_set = load_problem_set(NYU)
    sections = re.findall(r"\\section\*\{([^:\\}]+)", text)
    assert sections == [exercise.id for exercise in problem_set.exercises]
    assert r"NYU Tandon Introduction to Machine Learning" in text  # the set's title
    for part in problem_set.parts():
        assert rf"\subsection*{{{part.id}}}" in text


def test_a_toml_set_as_json_is_one_object_holding_the_set(capsys):
    document = json.loads(_solve(capsys, "--problems", str(NYU), "--format", "json"))
    problem_set = load_problem_set(NYU)
    assert (document["schema_version"], document["id"]) == (2, "nyu-cnn")
    assert document["title"] == problem_set.title and document["answers"] is True
    assert [e["id"] for e in document["exercises"]] == [e.id for e in problem_set.exercises]
    parts = [p for e in document["exercises"] for p in e["parts"]]
    assert [p["id"] for p in parts] == [p.id for p in problem_set.parts()]
    assert all(set(p) == {"id", "question", *ANSWER_FIELDS} for p in parts)


def test_a_catalog_set_as_markdown_is_one_page(capsys):
    text = _solve(capsys, "conv-arith")
    assert text.startswith("# Convolution arithmetic (Dumoulin & Visin)\n")
    assert len(re.findall(r"^## conv-arith-\d+:", text, flags=re.M)) == 15


def test_ids_of_one_set_make_one_document_in_the_sets_order(capsys):
    document = json.loads(_solve(capsys, "nyu-cnn-4b", "nyu-cnn-3d", "--format", "json"))
    assert [[p["id"] for p in e["parts"]] for e in document["exercises"]] == [
        ["nyu-cnn-3d"],
        ["nyu-cnn-4b"],
    ]


def test_ids_of_two_sets_on_stdout_are_a_usage_error(capsys):
    assert main(["solve", "nyu-cnn-3d", "fd-a", "--format", "json"]) == 2
    error = capsys.readouterr().err
    assert "2 sets (nyu-cnn, fd)" in error and "--out DIR" in error


def test_out_names_the_file_after_the_request(tmp_path: Path):
    assert main(["solve", "nyu-cnn-4", "--out", str(tmp_path), "--format", "tex"]) == 0
    assert main(["solve", "--problems", str(NYU), "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nyu-cnn-4.tex", "nyu-cnn.md"]


# -- the problem sheet -------------------------------------------------------------------------
def test_no_answers_json_holds_no_answer_and_no_step(capsys):
    text = _solve(capsys, "nyu-cnn", "--no-answers", "--format", "json")
    document = json.loads(text)
    assert document["answers"] is False
    parts = [p for e in document["exercises"] for p in e["parts"]]
    assert len(parts) == 19
    for part in parts:
        assert part["question"]
        assert all(part[name] in ("", []) for name in ANSWER_FIELDS), part["id"]
    assert "1820" not in text and "srepr" not in text.replace('"answer_srepr": ""', "")


def test_no_answers_markdown_and_tex_hold_questions_and_answer_spaces(capsys):
    markdown = _solve(capsys, "nyu-cnn-3", "--no-answers")
    assert "trainable parameters" in markdown
    assert "1820" not in markdown and "Answer" not in markdown and "$$" not in markdown
    tex = _solve(capsys, "nyu-cnn-3", "--no-answers", "--format", "tex")
    assert "trainable parameters" in tex and "1820" not in tex
    assert r"\textbf{Answer:}" not in tex and r"\begin{align*}" not in tex
    assert tex.count(r"\symconvspace{") == 4  # one per part


# -- statements: math and Unicode ------------------------------------------------------------
def test_statement_math_and_unicode_come_out_right_in_both_formats(capsys):
    tex = _solve(capsys, "nyu-cnn-2", "--format", "tex")
    statement = (
        r"$Z[i,j] = \sum_{k1,k2}\,\allowbreak W[k1,k2]\,\allowbreak X[i+k1, j+k2]$"
        " (no kernel reversal"
    )
    assert statement in tex
    assert r"($6 \times 5$)" in tex and r"\_\{k1" not in tex  # not Σ$\_\{k1,k2\}
    markdown = _solve(capsys, "nyu-cnn-2", "--format", "md")
    # Unicode kept as typed, the formula whole (a reader and symconv check read it as one)
    assert "Z[i,j] = Σ_{k1,k2} W[k1,k2]" in markdown


# -- print-ready LaTeX -------------------------------------------------------------------------
#: The smallest scale a formula may be set at to fit (a row scaled more is a layout bug).
SMALLEST_SCALE = 0.8


def _compile(folder: Path, document: Path) -> list[str]:
    """pdflatex on one document; its problems: errors, overfull lines, formulas scaled too far."""
    result = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", document.name],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=180,
    )
    log = (folder / document.with_suffix(".log").name).read_text(encoding="latin-1")
    lines = log.splitlines()
    problems = [
        f"{document.name}: {line} | {' '.join(lines[i + 1 : i + 3])[:200]}"
        for i, line in enumerate(lines)
        if line.startswith("!") or "Overfull \\hbox" in line
    ]
    for scaled, room in re.findall(
        r"symconv-fit: a formula of ([\d.]+)pt scaled to ([\d.]+)pt", log
    ):
        if float(room) / float(scaled) < SMALLEST_SCALE:
            problems.append(f"{document.name}: a formula of {scaled}pt squeezed into {room}pt")
    if result.returncode != 0 and not problems:
        problems.append(f"{document.name}: pdflatex exit {result.returncode}")
    return problems


@pytest.fixture(scope="module")
def handouts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every catalog set (``--all --out``) and every TOML set of the repository, as LaTeX, with
    answers and as problem sheets."""
    out = tmp_path_factory.mktemp("handouts")
    assert main(["solve", "--all", "--out", str(out), "--format", "tex"]) == 0
    for path in TOML_SETS:
        assert (
            main(
                ["solve", "--problems", str(path), "--out", str(out / path.stem), "--format", "tex"]
            )
            == 0
        )
    sheets = out / "sheets"
    assert main(["solve", "--all", "--out", str(sheets), "--format", "tex", "--no-answers"]) == 0
    return out


@needs_pdflatex
def test_every_handout_compiles_with_no_line_in_the_margin(handouts: Path):
    documents = sorted(handouts.rglob("*.tex"))
    assert len(documents) == len(catalog()) * 2 + len(TOML_SETS)
    problems = [p for document in documents for p in _compile(document.parent, document)]
    assert problems == []


def _wide_set() -> ProblemSet:
    """A lecturer's set at its widest: a 6×24 conv matrix, a 30-term sum, a long statement."""
    x = sp.symbols("x0:30")
    weights = sp.ImmutableMatrix(
        6, 24, lambda r, c: sp.Symbol(f"w_{{{r}{c % 3}}}") if c >= r else 0
    )
    long_sum = sp.Add(*(sp.Integer(n + 1) * sp.Function("f")(x[n]) for n in range(30)))
    derivation = Derivation(
        "wide",
        (
            Step(sp.Symbol("C"), weights, reason="the convolution matrix " * 12),
            Step(sp.Symbol("N_mult"), long_sum, reason="a long sum"),
        ),
        weights,
        answer_lhs=sp.Symbol("C"),
    )
    part = Part(
        "w-1a",
        "Explain $N_{mult}$ for a 3×3 kernel & 50% of x_1 # Σ_{k} w_k.",
        lambda: Solution(derivation),
    )
    statement = (
        "Z[i,j] = Σ_{k1,k2} W[k1,k2] X[i+k1, j+k2] (valid), see unit10_cnn/prob_cnn.tex; " * 3
    )
    return ProblemSet("w", "A wide set", "tests", [Exercise("w-1", "Wide", statement, [part])])


@needs_pdflatex
def test_a_wide_matrix_and_a_long_sum_are_elided_and_broken(tmp_path: Path):
    problem_set = _wide_set()
    handout = Handout(problem_set, ((problem_set.exercises[0], tuple(problem_set.parts())),))
    text = document(handout, "tex")
    assert r"\cdots" in text and "matrix is shown without columns 13 to 23" in text
    assert re.search(r"^&\\quad \\symconvfit\{[^}]*\}\{\{\}\+ ", text, flags=re.M)  # continued
    assert r"N_{\text{mult}}" in text and r"50\% of $x_{1}$ \#" in text
    (tmp_path / "wide.tex").write_text(text, encoding="utf-8")
    assert _compile(tmp_path, tmp_path / "wide.tex") == []
    sheet = document(
        Handout(handout.problem_set, handout.exercises, RenderOptions(no_answers=True)), "tex"
    )
    (tmp_path / "sheet.tex").write_text(sheet, encoding="utf-8")
    assert _compile(tmp_path, tmp_path / "sheet.tex") == []


# -- portable JSON -----------------------------------------------------------------------------
READ_BACK = """
import json, sys
import sympy
assert "symconv" not in sys.modules
texts = json.load(sys.stdin)
print(json.dumps([sympy.srepr(sympy.sympify(text)) for text in texts]))
assert not any(name.startswith("symconv") for name in sys.modules)
"""


def _every_answer() -> list[tuple[str, object, str]]:
    """Each catalog and TOML part's answer, accepted answers and misconceptions, with the
    ``answer_srepr`` its JSON gives."""
    sets = [*catalog(), *(load_problem_set(path) for path in TOML_SETS)]
    found = []
    for problem_set in sets:
        for part in problem_set.parts():
            written = part.to_json()
            solution = part.solution
            found.append((part.id, solution.derivation.answer, written["answer_srepr"]))
            pairs = zip(solution.accepted, written["accepted"], strict=True)
            found += [(part.id, a.answer, j["answer_srepr"]) for a, j in pairs]
            pairs = zip(solution.misconceptions, written["misconceptions"], strict=True)
            found += [(part.id, m.answer, j["answer_srepr"]) for m, j in pairs]
    return found


def test_every_answer_srepr_reads_back_in_plain_sympy():
    answers = _every_answer()
    texts = [text for _, _, text in answers]
    result = subprocess.run(
        [sys.executable, "-I", "-c", READ_BACK],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        timeout=300,
        cwd="/",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    read_back = json.loads(result.stdout)
    # what plain SymPy read is the answer (its plain-SymPy form: the Iverson bracket a Piecewise)
    differ = [
        part_id
        for (part_id, answer, _), text in zip(answers, read_back, strict=True)
        if sp.sympify(text) != portable(answer)
    ]
    assert differ == []
    assert any("Piecewise" in text for text in texts)  # nyu-cnn-4c's Iverson bracket


def _entries_as_symbols(expr: sp.Basic) -> sp.Basic:
    """Each tensor entry ``X[i, j]`` (of any Indexed class) as one symbol named after it."""
    return expr.replace(
        lambda e: isinstance(e, sp.Indexed),
        lambda e: sp.Symbol(f"{e.base.label}{list(e.indices)}"),
    )


def _summed_out(expr: sp.Basic) -> sp.Basic:
    """Every sum with numeric limits written out term by term, then evaluated: SymPy's own
    summation of a Piecewise with a floor in its condition can be wrong (it returned a nonzero
    sum for s-1c where every term is 0)."""

    def written_out(body: sp.Basic, *limits: sp.Tuple) -> sp.Basic:
        terms = [body]
        for variable, low, high in limits:
            terms = [
                term.xreplace({variable: sp.Integer(v)})
                for term in terms
                for v in range(int(low), int(high) + 1)
            ]
        return sp.Add(*terms)

    return expr.replace(
        lambda e: isinstance(e, sp.Sum), lambda e: written_out(e.function, *e.limits)
    ).doit()


def test_every_portable_answer_equals_its_answer_at_integer_points():
    # the rewrite (Iverson → Piecewise, InRange → And, ∂J/∂Z → IndexedBase) changes no value:
    # at random sizes and indices both sides are the same sum of tensor entries
    rng = random.Random(20)
    rewritten = 0
    for part_id, answer, _ in _every_answer():
        if not isinstance(answer, sp.Basic):
            continue
        plain = portable(answer)
        if plain == answer:
            continue
        rewritten += 1
        labels = {entry.base.label for entry in answer.atoms(sp.Indexed)}
        variables = [s for s in answer.free_symbols if isinstance(s, sp.Symbol) and s not in labels]
        for _trial in range(3):
            values = {s: sp.Integer(rng.randint(1, 3)) for s in variables}
            left = _entries_as_symbols(_summed_out(answer.xreplace(values)))
            right = _entries_as_symbols(_summed_out(plain.xreplace(values)))
            difference = sp.expand(left - right)
            assert difference == 0 or getattr(difference, "is_zero_matrix", False), (
                part_id,
                values,
                difference,
            )
    assert rewritten >= 5

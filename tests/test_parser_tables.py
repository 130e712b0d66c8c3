"""The LALR tables shipped beside each grammar are current, load to the parser the grammar builds,
and are never used when they do not match (symconv.core.parser_tables)."""

from __future__ import annotations

import io
import json
import pickle

import lark
import pytest

from symconv.check.grammar import PARSER as LATEX
from symconv.core.parser_tables import ParserSpec, _PlainDataUnpickler
from symconv.grad.grammar import PARSER as INDEX_FORMULA

SAMPLES = {
    INDEX_FORMULA.grammar_file: [
        ("start", "Z[i,m,j] = b[m] + sum(W[m,n,k] * X[i,n,j+k])"),
        ("start", "y[i] = sigmoid(x[i]) * dJ/dZ[i]"),
    ],
    LATEX.grammar_file: [
        ("start", r"o = \left\lfloor \frac{48 + 2 \cdot 1 - 3}{2} \right\rfloor + 1 = 24"),
        ("start", r"\sum_{k=0}^{K-1} w_k x_{i+k} = |a| + \|b\|"),
        ("start", r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}"),
    ],
}


@pytest.mark.parametrize("spec", [INDEX_FORMULA, LATEX], ids=lambda spec: spec.grammar_file)
def test_shipped_tables_are_current(spec: ParserSpec) -> None:
    path = spec.tables_path()
    assert path.is_file(), f"{path} is missing: run python tools/parser_tables.py"
    header = json.loads(path.read_bytes().partition(b"\n")[0])
    if header["lark"] != lark.__version__:
        pytest.skip(
            f"tables built with lark {header['lark']}, lark {lark.__version__} installed: the "
            "parser is built at start (run python tools/parser_tables.py)"
        )
    assert spec.tables_current(), (
        f"{spec.grammar_file} changed since its tables were built: run python "
        "tools/parser_tables.py"
    )


@pytest.mark.parametrize("spec", [INDEX_FORMULA, LATEX], ids=lambda spec: spec.grammar_file)
def test_loaded_parser_parses_as_the_built_one(spec: ParserSpec) -> None:
    if not spec.tables_current():
        pytest.skip("no current tables (see test_shipped_tables_are_current)")
    loaded, built = spec.load(), spec.build(use_cache=False)
    assert type(loaded.parser.parser.parser).__name__ == type(built.parser.parser.parser).__name__
    for start, text in SAMPLES[spec.grammar_file]:
        assert loaded.parse(text, start=start) == built.parse(text, start=start)
    with pytest.raises(lark.exceptions.UnexpectedInput):
        loaded.parse("= = )", start="start")


def test_tables_of_another_grammar_are_not_used() -> None:
    grammar = INDEX_FORMULA.grammar()
    assert INDEX_FORMULA._shipped_payload(grammar + "\n// edited\n") is None
    other_options = ParserSpec(INDEX_FORMULA.package, INDEX_FORMULA.grammar_file, {"start": "x"})
    assert not other_options.tables_current()


def test_tables_are_read_as_plain_data_only() -> None:
    hostile = pickle.dumps({"data": print}, protocol=pickle.HIGHEST_PROTOCOL)
    with pytest.raises(pickle.UnpicklingError, match=r"refused the global builtins\.print"):
        _PlainDataUnpickler(io.BytesIO(hostile)).load()
    plain = pickle.dumps({"a": [1, ("b", None, True)]}, protocol=pickle.HIGHEST_PROTOCOL)
    assert _PlainDataUnpickler(io.BytesIO(plain)).load() == {"a": [1, ("b", None, True)]}

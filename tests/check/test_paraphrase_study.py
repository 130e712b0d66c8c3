"""The paraphrase study (``benchmarks/paraphrases.py``) on a small slice, so that it cannot rot:
meaning-preserving rewrites of right lines never become wrong."""

from __future__ import annotations

from benchmarks.originals import catalog_originals, practice_originals
from benchmarks.paraphrases import KINDS, apply_edits, context_of, run_study

#: Layout, notation and prose kinds that reach the rows of nndl-5-4's chains and the practice
#: file's sums (continuation rows were the defect the study was written for).
SLICE = ("continuation-rows", "sum-rows", "rows-as-displays", "star-product", "blockquote")


def test_no_rewrite_of_the_slice_becomes_wrong() -> None:
    originals = catalog_originals(["nndl-5-4"]) + [
        o for o in practice_originals() if o.name.startswith("nndl")
    ]
    study = run_study(originals, SLICE, workers=1)
    outcomes = [outcome for kind in SLICE for outcome in study.outcomes[kind]]
    wrong = [(o.rewrite.original, sorted(o.rewrite.lines), o.message) for o in outcomes]
    assert [w for w, o in zip(wrong, outcomes, strict=True) if o.status == "wrong"] == []
    assert all(not found for found in study.elsewhere.values())
    assert len(outcomes) >= 30
    assert sum(o.status == "right" for o in outcomes) >= 0.8 * len(outcomes)


def test_each_rewrite_records_its_lines_before_and_after() -> None:
    (original,) = catalog_originals(["nndl-5-4"])
    context = context_of(original, frozenset())
    rewritten = apply_edits("continuation-rows", original, KINDS["continuation-rows"](context))
    assert rewritten is not None
    first = rewritten.rewrites[0]
    assert first.before == "N_{mult} &= N_{mult,1} + N_{mult,2}"
    assert first.after == "N_{mult} &= N_{mult,1} \\\\\n&\\quad + N_{mult,2}"
    assert len(first.new_lines) == 2 and first.lines == {min(first.new_lines)}
    rows = rewritten.text.splitlines()
    assert rows[min(first.new_lines) - 1] == "N_{mult} &= N_{mult,1} \\\\"
    assert rows[max(first.new_lines) - 1].startswith("&\\quad + N_{mult,2}")

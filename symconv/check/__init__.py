"""``symconv check``: read a hand-written solution and judge it line by line.

The front end (this package's parsing layer):

* :func:`symconv.check.markdown.split_document` — text and math segments of a Markdown, TeX or
  notebook document, with exact 1-based lines (one segment per row of an ``aligned`` block);
* :func:`symconv.check.parser.parse_math` — one math segment as chains of sides and relations,
  each side an exact SymPy meaning (ambiguous notation comes back with both readings);
* :class:`symconv.check.symbols.SymbolTable` — what the names are (functions, tensors, scalars);
* :func:`symconv.check.read_sizes.add_size_claims` — sizes stated about the document's own
  network (a layer table, layer calls in code, a question's words, a glossary's formula), judged
  by :mod:`symconv.check.judges.layers`;
* :func:`symconv.check.read_updates.add_update_claims` — update rules (``w ← w − η ∂L/∂w``),
  judged by :mod:`symconv.check.judges.updates`;
* :func:`symconv.check.read_arrays.add_array_claims` — shapes of arrays in code-like math
  (NumPy definitions and gradients, shapes stated, im2col), judged by
  :mod:`symconv.check.judges.arrays`.

Soundness contract
------------------

Every judgement is one of three verdicts, and each has an obligation. The tests that hold the
checker to each clause are in ``tests/check/test_check_contract.py`` (named below), claim kind by
claim kind: arithmetic, algebra, an answer's value, a shape, a matrix, a kernel family, an index
formula, a derivative or approximation — each with a right case, a wrong case and a guess.

1. **wrong needs a proof**: an exact inequality (``3 \\cdot 4 + 1 = 13, not 14``; ``1830 ≠ 1820``;
   ``entry 3: 3 ≠ 256``), or a witness valid for the reading the document makes (a point where
   the two sides differ, the row of ``(C' − C) x`` that is not 0, the exercise's data read the
   set's way). The proof goes to the judgement's ``witness`` (or, for a context-free claim, its
   message), never only "differs".
   — ``test_each_claim_kind_is_right_wrong_with_a_proof_or_unverified_with_a_reason`` (the
   ``* wrong`` rows), ``test_the_index_formula_cases_carry_their_proof_and_their_reason``.
2. **right needs exact equality** with the answer, or with a variant the set **declares**
   accepted (a convention, a ``permute``, a family with its declared parameters) — never a
   closeness, never an equality that holds only for a value the document does not fix.
   — the ``* right`` rows; ``test_the_one_based_reading_declared_accepted_is_right``,
   ``test_channels_first_declared_accepted_is_right``.
3. **Everything that rests on a guess is unverified**, with the reason in words a student
   understands: a function nothing defines, a factor nothing defines (``a·[1, −2, 1]``), a size
   the problem does not have, a value that never evaluates. Without a problem set, a matrix
   judged against the document's own forward map is wrong only under every reading the document
   leaves open (what its ``*`` means, its stride), and an entry whose position an elision makes
   uncertain, or an order of flattening the document never shows, is never judged.
   — the ``* guess`` rows; in ``tests/check/test_check_document_maps.py``
   ``test_a_row_right_only_under_another_reading_than_the_rest_of_its_matrix_is_not_confirmed``,
   ``test_a_row_whose_entries_stand_between_two_elisions_is_not_judged``,
   ``test_the_transpose_is_unverified_when_the_document_never_shows_how_it_flattens_x``.
4. **Checked against a problem set, the set fixes what its symbols mean**: its statement, its
   data and its declared conventions ("arrays are 0-indexed", "tensors are channels-last"). A
   document that re-reads them — a 1-based location in a 0-indexed set, channels first in a
   channels-last set — answers another question: *wrong* for this part, with the re-reading
   named as the diagnosis (:mod:`symconv.check.rereadings`, built from the declared conventions
   and the engine's answer shifted or permuted, never from one exercise). A reading the set
   declares accepted (TOML ``[[exercise.part.accepted]]``) stays right; a misreading the set
   declares keeps the set's own diagnosis; a location right under the set's own reading is
   right, whatever the writer meant.
   — ``test_a_one_based_location_in_a_zero_indexed_set_is_wrong_with_the_re_reading_named``,
   ``test_a_one_based_location_that_is_also_a_zero_based_one_is_right``,
   ``test_a_misreading_the_set_declares_keeps_its_diagnosis``,
   ``test_channels_first_in_a_channels_last_set_is_wrong_with_the_re_reading_named``,
   ``test_channels_first_where_the_catalog_set_does_not_accept_it_is_wrong`` (nyu-cnn-5c),
   ``test_the_re_reading_is_named_without_revealing_the_answer`` (``--no-reveal`` keeps the
   diagnosis), ``test_index_ranges_are_every_index_and_a_one_based_range_is_a_re_reading``, and
   the two "declared accepted" tests of clause 2.
5. **Answer families carry their free parameters explicitly**, declared by the derivation that
   makes them (a stencil's ``free_parameters``: ``details["parameters"]`` of its derivation,
   ``Accepted.parameters``, a set file's ``parameters = [...]``; fd-d2's corner weight ``w``).
   Only declared parameters are solved for (:func:`symconv.check.equality.family_member`); a
   symbol is never a parameter because the candidate lacks it, so a conv matrix with an input
   entry ``x_{12}`` where ``w_{12}`` belongs is wrong.
   — ``test_a_conv_matrix_with_an_input_entry_in_a_kernel_entrys_place_is_wrong``,
   ``test_a_family_answer_is_right_only_through_a_declared_parameter``,
   ``test_the_catalog_families_declare_their_parameters``,
   ``test_a_member_spelled_with_the_parameter_in_all_but_one_entry_is_no_member``,
   ``test_a_scaled_member_of_a_family_is_right_only_with_its_scale_stated``,
   ``test_a_member_named_as_the_derivation_names_its_family_is_no_false_alarm``,
   ``test_a_set_file_declares_its_family_parameters`` (TOML ``parameters = ["c"]``).

6. **One statement, one verdict.** A document is read once
   (:func:`symconv.check.claims.read_claims`) and the problem context judges the same claim
   objects (``Claim.about`` links an answer to the claim it was read from); two verdicts on one
   claim combine into one (wrong beats right beats unverified), so a mistake is counted once. No
   verdict is decided by comparing texts. A mistake carried into later statements (a chain's
   final value, the next rows of an ``aligned`` derivation, the formula restated on an
   **Answer:** line) leaves each of them wrong, and is counted once in its part's tally
   (:mod:`symconv.check.mistakes`: a link of the chain, or the same parsed sides).
   — ``tests/check/test_check_runner.py``, ``tests/check/test_check_cli.py`` (nyu-cnn-3d wrong
   once), ``tests/check/test_check_gradebook.py`` (one dropped sum is one wrong, two slips two).
7. **A bug is not a verdict.** A judge's :class:`~symconv.errors.SymconvError` and SymPy's own
   refusals (:mod:`symconv.check.refusals`: raised inside SymPy) make a claim *unverified* with
   the reason; any other exception is a bug in symconv and fails, in tests and at the command
   line (a batch reports the file as an error row and goes on).
   — ``tests/check/test_check_runner.py``, ``symconv/check/refusals.py``'s doctest.

What ``symconv solve`` writes, ``check --against`` reads back with no wrong claim and every part
confirmed — every catalog set and every TOML set in the repository
(``tests/check/test_check_round_trip.py``). Two studies in ``benchmarks/`` measure the contract on
rewritten text: ``paraphrases.py`` (meaning-preserving rewrites of right lines never become
*wrong*) and ``mutations.py`` (meaning-changing ones are caught); ``corpus.py`` scores the checker
on real writing by outside authors against its answer keys.

Nothing is imported here, so that ``import symconv.check`` stays free; import the modules.
"""

import sys as _sys
import types as _types
from typing import Any as _Any


class _CallablePackage(_types.ModuleType):
    """``symconv.check`` is both this package and the public function ``check``.

    Importing a submodule binds ``symconv.check`` to this package (Python sets the parent's
    attribute), which would hide the lazily exported function of the same name; calling the
    package instead runs :func:`symconv.check.api.check`, so ``symconv.check("hw.md")`` and
    ``from symconv import check`` both work however the package was reached.
    """

    def __call__(self, *args: _Any, **kwargs: _Any) -> _Any:
        from symconv.check.api import check

        return check(*args, **kwargs)


_sys.modules[__name__].__class__ = _CallablePackage

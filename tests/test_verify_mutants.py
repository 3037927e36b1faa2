"""Reward soundness: the Hypothesis mutant suite passes against the harness's checker and the
RL reward, and catches scorers that cannot discriminate (too lax) or reject right answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bfcl_adapter.categories import Category, Checker
from bfcl_adapter.checking import score_case
from bfcl_adapter.decoding import decode
from bfcl_adapter.types import Call, DecodeError
from synth.verify.mutants import OPERATORS, Case
from synth.verify.record import parse_line
from synth.verify.suite import PROFILES, case_of, run_suite
from tests.test_verify_checks import synth_samples


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> list[Case]:
    path = synth_samples(tmp_path_factory.mktemp("synth"), n=340, seed=3)
    views = [parse_line(line, i) for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)]
    return [c for c in (case_of(v) for v in views) if c is not None]


def test_suite_passes_against_the_checker(cases: list[Case]) -> None:
    result = run_suite(cases, "ci")
    assert result.ok, result.message()
    exercised = {k for k, r in result.kinds.items() if r.asserted}
    assert exercised >= {"drop_required", "change_type", "perturb_value", "rename_function", "add_call", "drop_call",
                         "add_unknown_param", "reorder_calls", "string_equivalent", "wrap"}  # fmt: skip
    assert {c.category.language.value for c in cases} == {"python", "java", "javascript"}


def test_suite_passes_against_the_rl_reward(cases: list[Case]) -> None:
    from harness.verify_cmd import reward_scorer

    result = run_suite(cases, "ci", {"rl_reward": reward_scorer()})
    assert result.ok, result.message()
    assert "rl_reward" in result.scorers


def _decoded(text: str, category: Category) -> list[Call] | None:
    try:
        return decode(text, category.language)
    except DecodeError:
        return None


def _names_only(category: Category, text: str, functions: list[dict[str, Any]], answer: Any) -> bool:
    """A reward that checks which functions are called, not with what."""
    if category.checker is Checker.IRRELEVANCE:
        return not _decoded(text, category)
    calls = _decoded(text, category)
    expected = sorted(next(iter(a)) for a in answer or [])
    return calls is not None and (category.checker is Checker.RELEVANCE or sorted(c.name for c in calls) == expected)


def _ordered(category: Category, text: str, functions: list[dict[str, Any]], answer: Any) -> bool:
    """The checker, but parallel calls must come in the answer's order."""
    if not score_case(category, text, functions, answer).valid:
        return False
    calls = _decoded(text, category) or []
    return category.checker is not Checker.PARALLEL or [c.name for c in calls] == [next(iter(a)) for a in answer]


def _exact_strings(category: Category, text: str, functions: list[dict[str, Any]], answer: Any) -> bool:
    """The checker, but strings must match exactly (no BFCL normalisation)."""
    if not score_case(category, text, functions, answer).valid:
        return False
    for call in _decoded(text, category) or []:
        params = next((next(iter(a.values())) for a in answer or [] if next(iter(a)) == call.name), {})
        for key, value in call.arguments.items():
            if isinstance(value, str) and not any(value == v for v in params.get(key, [])):
                return False
    return True


@pytest.mark.parametrize("scorer, kind", [(_names_only, "perturb_value"), (_ordered, "reorder_calls"),
                                          (_exact_strings, "string_equivalent")])  # fmt: skip
def test_unsound_scorers_are_caught(cases: list[Case], scorer: Any, kind: str) -> None:
    result = run_suite(cases, "ci", {"suspect": scorer})
    assert not result.ok
    assert result.kinds[kind].failures, {k: r.failures[:1] for k, r in result.kinds.items()}
    failure = result.kinds[kind].failures[0]
    assert failure["scorer"] == "suspect" and failure["id"] and failure["text"]
    assert "suspect" in result.message()


def test_failures_shrink_to_a_readable_mutant(cases: list[Case]) -> None:
    failure = run_suite(cases, "ci", {"suspect": _names_only}).kinds["perturb_value"].failures[0]
    assert failure["expected"] is False and failure["got"] is True and "->" in failure["detail"]


def test_profiles_are_registered_without_touching_the_global_ones() -> None:
    assert settings.get_profile(PROFILES["ci"]).max_examples < settings.get_profile(PROFILES["thorough"]).max_examples
    assert settings.get_profile(PROFILES["ci"]).database is None
    assert settings.get_profile("ci").max_examples == 200  # tests/conftest.py's own profile, unchanged


# --- the operators' verdicts on a hand-made case, under the global test profile ------------------

_DOCS = [{"name": "trip_plan", "description": "Plan a trip.", "parameters": {"type": "dict", "properties": {
    "city": {"type": "string", "description": "City"}, "days": {"type": "integer", "description": "Days"},
    "budget": {"type": "float", "description": "Budget"}, "pets": {"type": "boolean", "description": "Pets", "default": False}},
    "required": ["city", "days"]}}]  # fmt: skip
_CALLS = [Call("trip_plan", {"city": "New York", "days": 3, "budget": 1200.0}), Call("trip_plan", {"city": "Porto", "days": 5, "budget": 800.5})]
_ANSWER = [{"trip_plan": {"city": ["New York", "NYC"], "days": [3], "budget": [1200.0], "pets": ["", False]}},
           {"trip_plan": {"city": ["Porto"], "days": [5], "budget": [800.5], "pets": ["", False]}}]  # fmt: skip


@pytest.mark.parametrize("category", [Category.PARALLEL, Category.LIVE_RELEVANCE])
@given(data=st.data())
def test_every_operator_predicts_the_checker_on_a_known_case(category: Category, data: Any) -> None:
    from bfcl_adapter.fc import calls_to_python_call_list

    answer = _ANSWER if category is Category.PARALLEL else None
    case = Case("hand-made", category, _DOCS, answer, list(_CALLS), calls_to_python_call_list(_CALLS))
    kind = data.draw(st.sampled_from(sorted(OPERATORS)))
    mutant = OPERATORS[kind][0](case, data)
    if mutant is None:
        return
    assert score_case(category, mutant.text, _DOCS, answer).valid is mutant.expect, (kind, mutant)
    if mutant.expect_lenient is not None:
        assert score_case(category, mutant.text, _DOCS, answer, "lenient").valid is mutant.expect_lenient


def test_irrelevance_operators() -> None:
    case = Case("abstain", Category.IRRELEVANCE, _DOCS, None, [], "None of these functions can help.")
    result = run_suite([case], "ci")
    assert result.ok, result.message()
    assert result.kinds["add_call"].asserted and result.kinds["wrap"].asserted


def test_verify_json_records_the_suite(tmp_path: Path) -> None:
    from synth.verify import verify_dir

    path = synth_samples(tmp_path / "synth", n=40, seed=1)
    report = verify_dir(path.parent, tmp_path / "out", profile="ci")
    suite = json.loads((tmp_path / "out" / "verify.json").read_text())["mutant_suite"]
    assert suite["ok"] and suite["profile"] == "ci" and report.mutants == suite

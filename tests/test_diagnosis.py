"""Gap diagnosis: statistics, effective weights, error kinds, gaps.json, comparison, targets."""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bfcl_adapter.categories import Category
from bfcl_adapter.diagnosis import (
    ErrorKind,
    GapsError,
    RunDirError,
    TargetsError,
    compare,
    decode_subkind,
    diagnose,
    effective_weights,
    error_kind,
    gaps_document,
    mcnemar_exact,
    parse_targets,
    read_gaps,
    read_run,
    target_distances,
    validate_gaps,
    wilson_interval,
)
from bfcl_adapter.scoring import FULL_SIZES
from harness.errors import UsageError

ROOT = Path(__file__).resolve().parents[1]
RUNS = ROOT / "tests" / "fixtures" / "runs"
C, K = Category, ErrorKind


# --- Wilson ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "correct, n, low, high",
    [
        (5, 10, 0.2366, 0.7634),  # textbook values
        (0, 10, 0.0, 0.2775),
        (10, 10, 0.7225, 1.0),
        (1, 5, 0.0362, 0.6245),
        (81, 263, 0.2553, 0.3662),  # Newcombe (1998), example of the score interval
    ],
)
def test_wilson_interval_known_values(correct, n, low, high):
    lo, hi = wilson_interval(correct, n)
    assert (round(lo, 4), round(hi, 4)) == (low, high)


def test_wilson_interval_without_cases_is_uninformative():
    assert wilson_interval(0, 0) == (0.0, 1.0)
    with pytest.raises(ValueError):
        wilson_interval(6, 5)


@given(st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_interval_contains_the_estimate(case):
    correct, n = case
    lo, hi = wilson_interval(correct, n)
    assert 0.0 <= lo <= correct / n <= hi <= 1.0


# --- McNemar --------------------------------------------------------------------------------


def _binomial_two_sided(b: int, c: int) -> float:
    """Reference: doubled lower tail of Binomial(b + c, 1/2), summed in floats."""
    n = b + c
    tail = sum(math.comb(n, k) * 0.5**n for k in range(min(b, c) + 1))
    return min(1.0, 2 * tail)


@pytest.mark.parametrize(
    "fixed, broken, expected",
    [
        (0, 5, 0.0625),  # 2 / 2^5
        (1, 9, 22 / 1024),  # 2 (1 + 10) / 2^10
        (12, 2, 212 / 16384),  # 2 (1 + 14 + 91) / 2^14
        (3, 3, 1.0),
        (0, 0, 1.0),
        (0, 1, 1.0),
    ],
)
def test_mcnemar_exact_known_values(fixed, broken, expected):
    assert mcnemar_exact(fixed, broken) == pytest.approx(expected, rel=1e-12)
    assert mcnemar_exact(broken, fixed) == mcnemar_exact(fixed, broken)


@given(st.integers(0, 60), st.integers(0, 60))
def test_mcnemar_exact_matches_the_binomial_tail(fixed, broken):
    assert mcnemar_exact(fixed, broken) == pytest.approx(_binomial_two_sided(fixed, broken), rel=1e-9)


def test_mcnemar_exact_handles_large_counts():
    assert 0.0 <= mcnemar_exact(1500, 1400) <= 1.0
    assert mcnemar_exact(3000, 0) == 0.0  # underflows to 0, does not raise


# --- effective weights ----------------------------------------------------------------------


def test_effective_weights_sum_to_one_over_all_categories():
    weights = effective_weights()
    assert set(weights) == set(Category)
    assert sum(weights.values()) == pytest.approx(1.0, abs=1e-12)
    assert all(w >= 0 for w in weights.values())


def test_effective_weights_follow_the_overall_formula():
    w = effective_weights()
    live_total = sum(FULL_SIZES[c] for c in (C.LIVE_SIMPLE, C.LIVE_MULTIPLE, C.LIVE_PARALLEL,
                                               C.LIVE_PARALLEL_MULTIPLE))  # fmt: skip
    expected = {
        C.SIMPLE_PYTHON: 0.10 / 4 / 3, C.SIMPLE_JAVA: 0.10 / 4 / 3, C.SIMPLE_JAVASCRIPT: 0.10 / 4 / 3,
        C.MULTIPLE: 0.10 / 4, C.PARALLEL: 0.10 / 4, C.PARALLEL_MULTIPLE: 0.10 / 4,
        C.LIVE_SIMPLE: 0.10 * 258 / live_total, C.LIVE_MULTIPLE: 0.10 * 1053 / live_total,
        C.LIVE_PARALLEL: 0.10 * 16 / live_total, C.LIVE_PARALLEL_MULTIPLE: 0.10 * 24 / live_total,
        C.IRRELEVANCE: 0.05, C.LIVE_IRRELEVANCE: 0.05, C.LIVE_RELEVANCE: 0.0,
        C.MULTI_TURN_BASE: 0.075, C.MULTI_TURN_MISS_FUNC: 0.075, C.MULTI_TURN_MISS_PARAM: 0.075,
        C.MULTI_TURN_LONG_CONTEXT: 0.075, C.WEB_SEARCH_BASE: 0.10, C.WEB_SEARCH_NO_SNIPPET: 0.10,
        C.MEMORY_KV: 0.40 / 2 / 3, C.MEMORY_VECTOR: 0.40 / 2 / 3, C.MEMORY_REC_SUM: 0.40 / 2 / 3,
    }  # fmt: skip
    assert live_total == 1351
    for category, weight in expected.items():
        assert w[category] == pytest.approx(weight, abs=1e-12), category


# --- error kinds ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, tokens, limit, sub",
    [
        ("", None, None, "empty"),
        ("```\n```", None, None, "empty"),
        ("The factorial of 5 is 120.", None, None, "prose"),
        ("I can't help with that; no function fits.", 64, 64, "prose"),  # prose wins over the limit
        ("[f(a=1, b=", None, None, "truncated"),
        ("[f(a='unterminated)]", None, None, "truncated"),
        ("[f(a=1)] and then", 64, 64, "truncated"),  # hit max_new_tokens
        ("[f(a=1)] and then", 10, 64, "malformed"),
        ("f(a=1) g(b=2)", None, None, "malformed"),
        ("[f(a=1) g(", 64, 64, "malformed"),  # no continuation decodes: not cut short, just wrong
        ("[f(a=')')]", None, None, "malformed"),  # brackets inside strings do not count
    ],
)
def test_decode_subkind(raw, tokens, limit, sub):
    assert decode_subkind(raw, tokens, limit) == sub


@pytest.mark.parametrize(
    "error_type, raw, kind",
    [
        ("simple_function_checker:wrong_func_name", "", K.WRONG_FUNCTION_NAME),
        ("simple_function_checker:missing_required", "", K.MISSING_REQUIRED_PARAMETER),
        ("simple_function_checker:missing_optional", "", K.MISSING_REQUIRED_PARAMETER),
        ("simple_function_checker:unexpected_param", "", K.UNEXPECTED_PARAMETER),
        ("type_error:simple", "", K.WRONG_TYPE),
        ("type_error:nested", "", K.WRONG_TYPE),
        ("type_error:java", "", K.WRONG_TYPE),
        ("type_error:js", "", K.WRONG_TYPE),
        ("value_error:string", "", K.WRONG_STRING_VALUE),
        ("value_error:others", "", K.WRONG_NUMBER_VALUE),
        ("value_error:list/tuple", "", K.WRONG_LIST_VALUE),
        ("value_error:list_dict_count", "", K.WRONG_LIST_VALUE),
        ("list_dict_checker:unclear", "", K.WRONG_LIST_VALUE),
        ("value_error:dict_key", "", K.WRONG_DICT_VALUE),
        ("value_error:dict_value", "", K.WRONG_DICT_VALUE),
        ("dict_checker:unclear", "", K.WRONG_DICT_VALUE),
        ("simple_function_checker:wrong_count", "", K.WRONG_CALL_COUNT),
        ("multiple_function_checker:wrong_count", "", K.WRONG_CALL_COUNT),
        ("parallel_function_checker_no_order:wrong_count", "", K.WRONG_CALL_COUNT),
        ("parallel_function_checker_no_order:cannot_find_match", "", K.NO_MATCHING_PARALLEL_CALL),
        ("irrelevance_error:decoder_success", "[f()]", K.CALLED_WHEN_SHOULD_ABSTAIN),
        ("relevance_error:decoder_failed", "no", K.ABSTAINED_WHEN_SHOULD_CALL),
        ("ast_decoder:decoder_failed", "Sure, the answer is 4.", K.ABSTAINED_WHEN_SHOULD_CALL),
        ("ast_decoder:decoder_wrong_output_format", "", K.ABSTAINED_WHEN_SHOULD_CALL),
        ("ast_decoder:decoder_failed", "[f(a=1, b=", K.DECODE_TRUNCATED),
        ("ast_decoder:decoder_failed", "[f(a=1)] done", K.DECODE_MALFORMED),
        ("multi_turn:instance_state_mismatch", None, K.STATE_MISMATCH),
        ("multi_turn:execution_response_mismatch", None, K.RESPONSE_MISMATCH),
        ("multi_turn:empty_turn_model_response", None, K.ABSTAINED_WHEN_SHOULD_CALL),
        ("multi_turn:force_terminated", None, K.FORCE_TERMINATED),
        ("multi_turn:inference_error", None, K.OTHER),
        ("something:new", "", K.OTHER),
    ],
)
def test_error_kind_mapping(error_type, raw, kind):
    assert error_kind(error_type, raw) is kind


@pytest.mark.parametrize(
    "calls, kind", [((1, 3), K.TOO_FEW_CALLS), ((5, 2), K.TOO_MANY_CALLS), (None, K.WRONG_CALL_COUNT)]
)
def test_a_wrong_call_count_says_too_few_or_too_many_when_the_counts_are_known(calls, kind):
    assert error_kind("parallel_function_checker_no_order:wrong_count", "", calls=calls) is kind


def test_the_checker_records_both_counts_of_a_wrong_call_count_in_the_verdict_line():
    from bfcl_adapter.checking import score_case
    from bfcl_adapter.data import load_entries
    from bfcl_adapter.scorer import CaseVerdict

    entry = next(e for e in load_entries(C.PARALLEL) if len(e.possible_answer) == 2)
    name = next(iter(entry.possible_answer[0]))
    for count in (1, 3):
        output = "[" + ", ".join(f"{name}()" for _ in range(count)) + "]"
        verdict = score_case(C.PARALLEL, output, entry.functions, entry.possible_answer)
        assert verdict.error_type == "parallel_function_checker_no_order:wrong_count"
        assert verdict.calls == (count, 2)
        line = CaseVerdict(entry.id, C.PARALLEL, verdict).to_json()
        assert line["calls"] == {"given": count, "expected": 2}
    prose = score_case(C.PARALLEL, "no idea", entry.functions, entry.possible_answer)
    assert prose.calls is None and "calls" not in CaseVerdict(entry.id, C.PARALLEL, prose).to_json()


def test_a_run_with_recorded_counts_splits_its_wrong_call_counts(tmp_path):
    run = tmp_path / "round0"
    shutil.copytree(RUNS / "round0", run)
    lines = [json.loads(line) for line in (run / "verdicts.jsonl").read_text().splitlines()]
    for line in lines:
        if line["id"] == "parallel_0":
            line["calls"] = {"given": 1, "expected": 2}
        if line["id"] == "parallel_multiple_3":
            line["calls"] = {"given": "x"}  # unreadable counts: the kind stays unsplit
    (run / "verdicts.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    diagnosis = diagnose(read_run(run), entries={})
    assert K.TOO_FEW_CALLS in diagnosis.categories[C.PARALLEL].kinds
    assert K.WRONG_CALL_COUNT in diagnosis.categories[C.PARALLEL_MULTIPLE].kinds


def test_a_passing_case_has_no_kind():
    assert error_kind(None, "[f()]") is None


def test_every_error_type_the_checker_emits_has_a_readable_kind():
    source = (ROOT / "bfcl_adapter" / "checking.py").read_text()
    emitted = set(re.findall(r'"([a-z_]+:[a-z_/]+)"', source))
    assert len(emitted) > 15
    unmapped = {t for t in emitted if error_kind(t, "[f(a=1)] x") is K.OTHER}
    assert not unmapped


def test_every_kind_has_a_label():
    assert len({k.label for k in ErrorKind}) == len(ErrorKind)


# --- diagnosis of the fixture runs -----------------------------------------------------------


@pytest.fixture(scope="module")
def round0():
    return diagnose(read_run(RUNS / "round0"))


@pytest.fixture(scope="module")
def round1():
    return diagnose(read_run(RUNS / "round1"))


def test_diagnosis_counts_intervals_and_kinds(round0):
    sp = round0.categories[C.SIMPLE_PYTHON]
    assert (sp.correct, sp.n) == (2, 5)
    assert sp.interval == wilson_interval(2, 5)
    assert sp.error_types == {"ast_decoder:decoder_failed": 2, "value_error:others": 1}
    assert sp.kinds == {K.WRONG_NUMBER_VALUE: 1, K.DECODE_TRUNCATED: 1, K.ABSTAINED_WHEN_SHOULD_CALL: 1}
    assert sp.decode_subkinds == {"prose": 1, "truncated": 1}
    assert round0.cases == 65
    assert len(round0.categories) == 13


def test_gaps_are_ranked_by_expected_overall_gain(round0):
    gains = [g.diagnosis.expected_gain for g in round0.gaps]
    assert gains == sorted(gains, reverse=True)
    assert round0.gaps[0].category is C.LIVE_MULTIPLE  # 3/5 wrong at 7.8% of Overall
    assert [g.rank for g in round0.gaps] == list(range(1, len(round0.gaps) + 1))
    failing = {c for c, d in round0.categories.items() if d.failures}
    assert {g.category for g in round0.gaps} == failing


def test_gap_examples_show_question_expected_call_and_output(round0):
    gap = next(g for g in round0.gaps if g.category is C.MULTIPLE)
    assert 2 <= len(gap.examples) <= 3
    first = gap.examples[0]
    assert first.id == "multiple_1"
    assert first.kind is K.MISSING_REQUIRED_PARAMETER
    assert first.question.startswith("Calculate the area of a triangle")
    assert first.expected == "[math.triangle_area_heron(side1=3, side2=4, side3=5)]"
    assert first.output == "[math.triangle_area_heron(side1=3, side2=4)]"
    # one example per dominant kind first
    assert len({e.kind for e in gap.examples}) == len(gap.examples)


def test_examples_of_abstentions_name_the_decode_subkind(round0):
    gap = next(g for g in round0.gaps if g.category is C.SIMPLE_PYTHON)
    details = {e.id: e.detail for e in gap.examples}
    assert details["simple_python_1"] == "decode failure: prose"
    assert details["simple_python_2"] == "decode failure: truncated"


def test_long_examples_are_cut_around_the_first_difference():
    from bfcl_adapter.diagnosis.core import _aligned

    expected = "[f(" + "x" * 300 + ", a=1)]"
    output = "[f(" + "x" * 300 + ", a=2)]"
    e, o = _aligned(expected, output)
    assert e.startswith("…") and "a=1" in e and "a=2" in o
    assert len(e) <= 160 and len(o) <= 160


def test_diagnosis_without_bfcl_data_keeps_the_numbers(round0):
    bare = diagnose(read_run(RUNS / "round0"), entries={})
    assert bare.categories == round0.categories
    assert all(e.question == "" and e.expected == "" and e.output for g in bare.gaps for e in g.examples)


# --- gaps.json ------------------------------------------------------------------------------


def test_gaps_document_follows_the_schema(round0):
    doc = gaps_document(round0)
    validate_gaps(doc)
    assert doc["schema_version"] == 1
    assert doc["model"]["name"] == "toolcaller-0.5b"
    assert list(doc["categories"]) == [c.value for c in round0.categories]
    weights = {c: v["weight"] for c, v in doc["categories"].items()}
    assert sum(weights.values()) == pytest.approx(1.0)
    total_gain = sum(v["expected_gain"] for v in doc["categories"].values())
    for name, v in doc["categories"].items():
        assert v["weight"] == pytest.approx(v["expected_gain"] / total_gain)
        assert v["expected_gain"] == pytest.approx((1 - v["accuracy"]) * effective_weights()[C(name)])
        assert sum(v["error_types"].values()) == round(v["n"] * (1 - v["accuracy"]))
    assert doc["categories"]["live_relevance"]["weight"] == 0.0  # not part of Overall
    assert doc["categories"]["simple_python"]["emphasize"] == [
        "wrong_number_value", "decode_failure_truncated", "abstained_when_should_call",
    ]  # fmt: skip


def test_write_gaps_writes_a_valid_file(tmp_path):
    from harness.diagnosis import write_gaps

    run = shutil.copytree(RUNS / "round1", tmp_path / "round1")
    (run / "gaps.json").unlink()
    path = write_gaps(run)
    assert path == run / "gaps.json"
    document = read_gaps(path)
    assert document == json.loads((RUNS / "round1" / "gaps.json").read_text())  # fixture is current


def test_weights_are_uniform_over_failures_when_no_gain_is_possible():
    from bfcl_adapter.diagnosis import CaseRecord, RunData, RunInfo

    cases = (
        CaseRecord("live_relevance_0-0-0", C.LIVE_RELEVANCE, False, "relevance_error:decoder_failed", "no"),
        CaseRecord("irrelevance_0", C.IRRELEVANCE, True, None, "no"),
    )
    d = diagnose(RunData(RunInfo(Path("r")), cases), entries={})
    assert d.synthesis_weights == {C.IRRELEVANCE: 0.0, C.LIVE_RELEVANCE: 1.0}
    validate_gaps(gaps_document(d))


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d.update(schema_version=2), "schema_version"),
        (lambda d: d["categories"]["simple_python"].update(weight=0.9), "sum to"),
        (lambda d: d["categories"]["simple_python"].update(emphasize=["be better"]), "emphasize"),
        (lambda d: d["categories"].update(not_a_category=d["categories"]["simple_python"]), "categories"),
        (lambda d: d["categories"]["simple_python"].pop("n"), "'n' is a required property"),
    ],
)
def test_validate_gaps_rejects_broken_documents(round0, mutate, message):
    doc = json.loads(json.dumps(gaps_document(round0)))
    mutate(doc)
    with pytest.raises(GapsError, match=message):
        validate_gaps(doc)


# --- comparing runs -------------------------------------------------------------------------


def write_run(root: Path, verdicts: list[tuple[str, str, bool, str | None]], name: str) -> Path:
    """A minimal run directory: run.json and verdicts.jsonl (result files are optional)."""
    root.mkdir(parents=True)
    (root / "run.json").write_text(json.dumps({"schema_version": 1, "mode": "fc",
                                                "model": {"name": name, "path": name}}))  # fmt: skip
    rows = [{"id": i, "category": c, "valid": v, "error_type": e} for i, c, v, e in verdicts]
    (root / "verdicts.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return root


def test_compare_pairs_cases_and_tests_the_flips(tmp_path):
    bad = "value_error:string"
    a = write_run(tmp_path / "a", [(f"simple_python_{i}", "simple_python", i < 2, None if i < 2 else bad)
                                   for i in range(10)]
                  + [("irrelevance_0", "irrelevance", True, None),
                     ("irrelevance_1", "irrelevance", True, None),
                     ("multiple_0", "multiple", True, None)], "a")  # fmt: skip
    b = write_run(tmp_path / "b", [(f"simple_python_{i}", "simple_python", i != 1, None if i != 1 else bad)
                                   for i in range(10)]
                  + [("irrelevance_0", "irrelevance", False, "irrelevance_error:decoder_success"),
                     ("irrelevance_1", "irrelevance", True, None),
                     ("live_simple_0-0-0", "live_simple", True, None)], "b")  # fmt: skip
    c = compare(read_run(a), read_run(b))
    sp = c.categories[C.SIMPLE_PYTHON]
    assert (sp.n, sp.before_correct, sp.after_correct, sp.fixed, sp.broken) == (10, 2, 9, 8, 1)
    assert sp.delta == pytest.approx(0.7)
    assert sp.p_value == pytest.approx(2 * (1 + 9) / 2**9)
    irr = c.categories[C.IRRELEVANCE]
    assert (irr.fixed, irr.broken, irr.p_value) == (0, 1, 1.0)
    assert set(c.categories) == {C.SIMPLE_PYTHON, C.IRRELEVANCE}
    assert (c.unpaired_before, c.unpaired_after) == (1, 1)
    assert (c.n, c.fixed, c.broken) == (12, 8, 2)
    assert c.p_value == pytest.approx(mcnemar_exact(8, 2))
    first_two = [(f.id, f.after_valid) for f in c.flips][:2]
    assert first_two == [("simple_python_1", False), ("simple_python_2", True)]
    assert len(c.flips) == 10
    # aggregates are recomputed on the paired cases: Simple = mean of the three simple categories
    assert c.aggregates["Simple"].delta == pytest.approx(0.7 / 3)
    assert c.aggregates["Irrelevance"].delta == pytest.approx(-0.5 / 2)
    json.dumps(c.to_json())


def test_compare_fixture_rounds():
    c = compare(read_run(RUNS / "round0"), read_run(RUNS / "round1"))
    assert (c.n, c.fixed, c.broken) == (65, 18, 3)
    assert c.p_value < 0.01
    assert c.aggregates["Overall"].delta > 0


def test_harness_compare_reads_directories():
    from harness.diagnosis import compare as compare_dirs

    assert compare_dirs(RUNS / "round0", RUNS / "round1").fixed == 18


# --- reading run directories ------------------------------------------------------------------


def test_an_unscored_run_is_a_clear_error(tmp_path):
    (tmp_path / "run.json").write_text("{}")
    with pytest.raises(RunDirError, match="no verdicts.jsonl"):
        read_run(tmp_path)
    from harness.diagnosis import diagnose_run

    with pytest.raises(UsageError, match="not a directory"):
        diagnose_run(tmp_path / "missing")


def test_a_corrupt_verdict_line_names_the_file(tmp_path):
    (tmp_path / "verdicts.jsonl").write_text('{"id": "simple_python_0"\n{"id": 1}\n')
    with pytest.raises(RunDirError, match=r"verdicts.jsonl:1"):
        read_run(tmp_path)


# --- targets --------------------------------------------------------------------------------


REFCSV = ROOT.parent / "shared" / "reference" / "bfcl_v4_reference_scores.csv"


@pytest.mark.skipif(
    not REFCSV.exists(),
    reason="shared reference CSV not present",
)
def test_shipped_targets_match_the_reference_csv():
    import csv

    from harness.diagnosis import load_targets

    with REFCSV.open() as handle:
        rows = {r["model"]: r for r in csv.DictReader(handle)}
    names = {"hammer2.1-0.5b": "Hammer2.1-0.5b", "llama-3.2-1b": "Llama-3.2-1B"}
    for spec, model in names.items():
        t = load_targets(spec)
        assert t.model == model and t.date == "2026-04-12" and "leaderboard" in t.source
        row = rows[model]
        assert t.aggregates["Overall"] == pytest.approx(float(row["overall"]) / 100)
        assert t.aggregates["Non-Live"] == pytest.approx(float(row["non_live"]) / 100)
        assert t.aggregates["Live"] == pytest.approx(float(row["live"]) / 100)
        assert t.aggregates["Multi-Turn"] == pytest.approx(float(row["multi_turn"]) / 100)
        assert t.aggregates["Irrelevance"] == pytest.approx(float(row["irrelevance"]) / 100)
        assert t.aggregates["Web Search"] == pytest.approx(float(row["web_search"]) / 100)
        assert t.aggregates["Memory"] == pytest.approx(float(row["memory"]) / 100)


def test_target_distances(round1):
    t = parse_targets(
        'model = "m"\nsource = "s"\ndate = "2026-01-01"\n'
        "[aggregates]\nnon_live = 50\nweb_search = 10\n[categories]\nsimple_python = 100\nmemory_kv = 5\n"
    )
    rows = {r.name: r for r in target_distances(round1, t)}
    assert set(rows) == {"Non-Live", "Web Search", "simple_python"}  # memory_kv not scored
    assert rows["Non-Live"].distance == pytest.approx(round1.aggregates["Non-Live"].accuracy - 0.5)
    assert rows["Web Search"].ours == 0.0 and not rows["Web Search"].complete
    assert rows["simple_python"].distance == pytest.approx(0.6 - 1.0)


@pytest.mark.parametrize(
    "text, message",
    [
        ("model = ", "not valid TOML"),
        ('source = "s"\ndate = "d"\n[aggregates]\noverall = 1', "'model'"),
        ('model = "m"\nsource = "s"\ndate = "d"\n[aggregates]\nfoo = 1', "unknown aggregate"),
        ('model = "m"\nsource = "s"\ndate = "d"\n[aggregates]\noverall = 120', "between 0 and 100"),
        ('model = "m"\nsource = "s"\ndate = "d"\n[categories]\nsimple_cobol = 1', "unknown BFCL category"),
        ('model = "m"\nsource = "s"\ndate = "d"\n', "no \\[aggregates\\]"),
    ],
)
def test_bad_targets_are_clear_errors(text, message):
    with pytest.raises(TargetsError, match=message):
        parse_targets(text)


def test_unknown_target_name_is_a_usage_error():
    from harness.diagnosis import load_targets

    with pytest.raises(UsageError, match="shipped target"):
        load_targets("no-such-model")

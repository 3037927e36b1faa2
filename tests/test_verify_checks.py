"""synth.verify: each check rejects a deliberately broken sample of its kind, and accepts the
real generator's samples. Broken samples are real generator samples with one thing changed."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Callable

import pytest

from bfcl_adapter.categories import Category, Checker
from synth.sample import decode_row, encode_sample
from synth.verify.abstention import fit_score, missing_required
from synth.verify.gate import SampleChecks
from synth.verify.normalise import Statements, dates_in, numbers_in
from synth.verify.record import parse_line
from synth.verify.uniqueness import UniquenessIndex

# --- shared helpers (plain functions, imported by the other test_verify modules) ----------------


def synth_samples(out: Path, n: int = 170, seed: int = 5) -> Path:
    """A real ``synth.generate`` run (catalog tools, every category with a recipe)."""
    from synth.generate import SynthConfig, run
    from synth.recipes import SYNTHESIZABLE, uniform_targets
    from synth.specs import load_catalog

    run(SynthConfig(uniform_targets(SYNTHESIZABLE), n=n, seed=seed), load_catalog(), out)
    return out / "samples.jsonl"


def read_rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def edited(row: dict[str, Any], change: Callable[[dict[str, Any]], None], new_id: str | None = None) -> dict[str, Any]:
    """``row`` (file form) with ``change`` applied to its decoded form, re-encoded."""
    sample = decode_row(copy.deepcopy(row))
    change(sample)
    if new_id:
        sample["id"] = new_id
    return encode_sample(sample)


def codes(checks: SampleChecks, row: dict[str, Any]) -> set[str]:
    view = parse_line(json.dumps(row, ensure_ascii=False), 1)
    return {f.code for result in checks.run(view).values() for f in result or []}


def set_call(sample: dict[str, Any], step: int, index: int, name: str | None = None, **arguments: Any) -> None:
    """Change one gold call in both places that carry it (gold_calls and the trl message)."""
    call = sample["gold_calls"][step][index]
    if name:
        call["name"] = name
    call["arguments"].update(arguments)
    assistant = [m for m in sample["messages"] if m["role"] == "assistant"][step]
    function = assistant["tool_calls"][index]["function"]
    function["name"] = call["name"]
    function["arguments"] = dict(call["arguments"])


def drop_arg(sample: dict[str, Any], step: int, index: int, param: str) -> None:
    sample["gold_calls"][step][index]["arguments"].pop(param)
    assistant = [m for m in sample["messages"] if m["role"] == "assistant"][step]
    assistant["tool_calls"][index]["function"]["arguments"].pop(param)


# --- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    synth_samples(out)
    return out


@pytest.fixture(scope="module")
def rows(run_dir: Path) -> list[dict[str, Any]]:
    return read_rows(run_dir / "samples.jsonl")


@pytest.fixture(scope="module")
def checks(run_dir: Path) -> SampleChecks:
    return SampleChecks(run_dir)


@pytest.fixture(scope="module")
def clean(rows: list[dict[str, Any]], checks: SampleChecks) -> list[dict[str, Any]]:
    """Generator samples every check passes (the generator has known defects; see the report)."""
    return [r for r in rows if not codes(checks, r)]


def first(clean: list[dict[str, Any]], category: str, keep: Callable[[dict[str, Any]], bool] = lambda s: True) -> dict[str, Any]:
    for row in clean:
        if row["category"] == category and keep(decode_row(copy.deepcopy(row))):
            return row
    pytest.fail(f"no clean {category} sample fits the test")


def _tool(sample: dict[str, Any], name: str) -> dict[str, Any]:
    return next(t["function"] for t in sample["tools"] if t["function"]["name"] == name)


# --- the generator's samples pass -------------------------------------------------------------------


def test_most_generator_samples_pass_every_check(rows: list[dict[str, Any]], clean: list[dict[str, Any]]) -> None:
    assert len(clean) >= 0.9 * len(rows)
    assert {r["category"] for r in clean} == {r["category"] for r in rows}


# --- schema ---------------------------------------------------------------------------------------


def test_wrong_tool_name_is_rejected(clean: list[dict[str, Any]], checks: SampleChecks) -> None:
    row = edited(first(clean, "simple_python"), lambda s: set_call(s, 0, 0, name="no_such_tool"))
    assert "schema.unknown_tool" in codes(checks, row)


def _param_of_type(kinds: tuple[str, ...]) -> Callable[[dict[str, Any]], bool]:
    def keep(sample: dict[str, Any]) -> bool:
        call = sample["gold_calls"][0][0]
        props = _tool(sample, call["name"])["parameters"]["properties"]
        return any(props.get(p, {}).get("type") in kinds and "enum" not in props.get(p, {}) for p in call["arguments"])

    return keep


def test_schema_violations_are_rejected(clean: list[dict[str, Any]], checks: SampleChecks) -> None:
    base = first(clean, "simple_python", _param_of_type(("integer", "number")))
    sample = decode_row(copy.deepcopy(base))
    call = sample["gold_calls"][0][0]
    tool = _tool(sample, call["name"])
    props, required = tool["parameters"]["properties"], tool["parameters"]["required"]
    numeric = next(p for p in call["arguments"] if props[p].get("type") in ("integer", "number"))
    assert "schema.type" in codes(checks, edited(base, lambda s: set_call(s, 0, 0, **{numeric: "many"})))
    assert "schema.unknown_param" in codes(checks, edited(base, lambda s: set_call(s, 0, 0, bogus_flag=True)))
    if required:
        assert "schema.missing_required" in codes(checks, edited(base, lambda s: drop_arg(s, 0, 0, required[0])))


def test_enum_violation_is_rejected(clean: list[dict[str, Any]], checks: SampleChecks) -> None:
    def has_enum(sample: dict[str, Any]) -> bool:
        call = sample["gold_calls"][0][0]
        props = _tool(sample, call["name"])["parameters"]["properties"]
        return any("enum" in props.get(p, {}) for p in call["arguments"])

    base = first(clean, "simple_python", has_enum)
    call = decode_row(copy.deepcopy(base))["gold_calls"][0][0]
    param = next(p for p in call["arguments"] if "enum" in _tool(decode_row(copy.deepcopy(base)), call["name"])["parameters"]["properties"][p])
    assert "schema.enum" in codes(checks, edited(base, lambda s: set_call(s, 0, 0, **{param: "not_a_member"})))


# --- grounding ------------------------------------------------------------------------------------


def test_invented_string_value_is_rejected(clean: list[dict[str, Any]], checks: SampleChecks) -> None:
    base = first(clean, "simple_python", _param_of_type(("string",)))
    sample = decode_row(copy.deepcopy(base))
    call = sample["gold_calls"][0][0]
    props = _tool(sample, call["name"])["parameters"]["properties"]
    param = next(p for p in call["arguments"] if props[p].get("type") == "string" and "enum" not in props[p])
    found = codes(checks, edited(base, lambda s: set_call(s, 0, 0, **{param: "Zanzibar Quokka Festival"})))
    assert "grounding.invented_value" in found


def test_invented_number_is_rejected_but_number_words_are_grounded(clean: list[dict[str, Any]], checks: SampleChecks) -> None:
    base = first(clean, "simple_python", _param_of_type(("integer",)))
    sample = decode_row(copy.deepcopy(base))
    call = sample["gold_calls"][0][0]
    props = _tool(sample, call["name"])["parameters"]["properties"]
    param = next(p for p in call["arguments"] if props[p].get("type") == "integer")
    invented = edited(base, lambda s: set_call(s, 0, 0, **{param: 987_654_321}))
    assert "grounding.invented_value" in codes(checks, invented)

    def spoken(s: dict[str, Any]) -> None:  # the user now says the number in words
        set_call(s, 0, 0, **{param: 7})
        s["messages"][0]["content"] += f" Oh, and make the {param.replace('_', ' ')} seven."

    assert not {c for c in codes(checks, edited(base, spoken)) if c.startswith("grounding")}


def test_value_from_an_earlier_tool_result_is_grounded(clean: list[dict[str, Any]], checks: SampleChecks) -> None:
    # Multi-turn samples refer to ids the tools returned ("the event you just created").
    referring = [r for r in clean if r["category"].startswith("multi_turn") and "just got back" in json.dumps(r["messages"])
                 or "from the last step" in json.dumps(r["messages"])]  # fmt: skip
    assert referring, "the generator writes references to earlier results"
    assert not any(c.startswith("grounding") for r in referring for c in codes(checks, r))


# --- execution ------------------------------------------------------------------------------------

_IDS = ("account_id", "event_id", "order_id", "product_id", "path", "source", "payee_id", "from_account")


def test_tool_error_on_replay_is_rejected(clean: list[dict[str, Any]], checks: SampleChecks) -> None:
    for row in (r for r in clean if r["category"] == "multi_turn_base"):
        sample = decode_row(copy.deepcopy(row))
        for step, calls in enumerate(sample["gold_calls"]):
            for index, call in enumerate(calls):
                param = next((p for p in _IDS if p in call["arguments"]), None)
                if param is None:
                    continue
                broken = edited(row, lambda s: set_call(s, step, index, **{param: "NOPE-00000"}))
                if "execution.tool_error" in codes(checks, broken):
                    return
    pytest.fail("no multi-turn call could be broken into a tool error")


def test_tampered_recorded_result_is_rejected(clean: list[dict[str, Any]], checks: SampleChecks) -> None:
    def tamper(sample: dict[str, Any]) -> None:
        tool = next(m for m in sample["messages"] if m["role"] == "tool")
        tool["content"] = json.dumps({"tampered": True})

    row = edited(first(clean, "multi_turn_base"), tamper)
    assert "execution.result_mismatch" in codes(checks, row)


def test_starting_state_is_recorded_or_rebuilt_never_guessed(clean: list[dict[str, Any]], checks: SampleChecks) -> None:
    from synth.verify.execution import initial_state

    row = first(clean, "multi_turn_base")
    view = parse_line(json.dumps(row), 1)
    state, problem = initial_state(view, view.data["provenance"], checks.pool)
    assert problem is None and state

    def lose(sample: dict[str, Any]) -> None:
        for key in ("seed", "index", "attempt"):
            sample["provenance"].pop(key)

    lost = edited(row, lose)
    assert "execution.state_unknown" in codes(checks, lost)
    recorded = parse_line(json.dumps({**lost, "initial_state": json.dumps(state)}), 1)
    assert initial_state(recorded, recorded.data["provenance"], checks.pool) == (state, None)


def test_a_java_variable_replays_with_the_value_it_holds(clean: list[dict[str, Any]], checks: SampleChecks) -> None:
    """A Java/JS call may name a variable (``changes=userChanges``): the provenance keeps what it
    holds, so replay runs the tool on that value; without it the call cannot run."""
    row = first(clean, "simple_java", lambda s: bool(s["provenance"].get("variables")))
    sample = decode_row(copy.deepcopy(row))
    (name,) = list(sample["provenance"]["variables"])[:1]
    assert name in sample["gold_calls"][0][0]["arguments"].values() and name in sample["messages"][0]["content"]
    assert f"={name}" in sample["prompting"]["completion"]  # said bare, not as a string literal
    lost = edited(row, lambda s: s["provenance"].pop("variables"))
    assert "execution.tool_error" in codes(checks, lost)


# --- round trip -----------------------------------------------------------------------------------


def test_completion_that_does_not_decode_to_the_gold_is_rejected(clean: list[dict[str, Any]], checks: SampleChecks) -> None:
    base = first(clean, "simple_python")

    def other_call(sample: dict[str, Any]) -> None:
        sample["prompting"]["completion"] = "[" + sample["gold_calls"][0][0]["name"] + "()]"

    def prose(sample: dict[str, Any]) -> None:
        sample["prompting"]["completion"] = "Sure! Calling it: " + sample["prompting"]["completion"]

    assert "round_trip.decode_mismatch" in codes(checks, edited(base, other_call))
    assert "round_trip.decode_failed" in codes(checks, edited(base, prose))


def test_float_written_as_int_is_a_round_trip_failure(clean: list[dict[str, Any]], checks: SampleChecks) -> None:
    def has_float(sample: dict[str, Any]) -> bool:
        return any(type(v) is float for v in sample["gold_calls"][0][0]["arguments"].values())

    base = first(clean, "simple_python", has_float)

    def as_int(sample: dict[str, Any]) -> None:  # the label says 2.5, the trained text says 2
        call = sample["gold_calls"][0][0]
        param = next(p for p, v in call["arguments"].items() if type(v) is float)
        sample["prompting"]["completion"] = sample["prompting"]["completion"].replace(
            f"{param}={call['arguments'][param]!r}", f"{param}={int(call['arguments'][param])}")

    assert "round_trip.decode_mismatch" in codes(checks, edited(base, as_int))


def test_possible_answer_that_rejects_the_gold_is_rejected(clean: list[dict[str, Any]], checks: SampleChecks) -> None:
    base = first(clean, "simple_python", _param_of_type(("string",)))

    def wrong_answer(sample: dict[str, Any]) -> None:
        answer = next(iter(sample["possible_answer"][0].values()))
        param = next(p for p, v in answer.items() if v and isinstance(v[0], str) and v[0])
        answer[param] = ["something else entirely"]

    assert "round_trip.checker_rejects" in codes(checks, edited(base, wrong_answer))


# --- abstention -----------------------------------------------------------------------------------


def _as_abstention(sample: dict[str, Any]) -> None:
    """Relabel a call sample as irrelevance: same request and tools, the assistant refuses."""
    refusal = "None of the available functions fit this request."
    sample["category"] = "irrelevance"
    sample["messages"] = [sample["messages"][0], {"role": "assistant", "content": refusal}]
    sample["gold_calls"] = [[]]
    sample["possible_answer"] = None
    sample["prompting"]["completion"] = refusal


def test_irrelevance_sample_with_a_fitting_tool_is_rejected(clean: list[dict[str, Any]], checks: SampleChecks) -> None:
    def request_and_tool(row: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        sample = decode_row(copy.deepcopy(row))
        return sample["messages"][0]["content"], sample["tools"][0]["function"]

    # The check flags a tool that fits and whose required parameters the request all states.
    candidates = [r for r in clean if r["category"] == "simple_python" and not missing_required(*request_and_tool(r))]
    best = max(candidates, key=lambda r: fit_score(*request_and_tool(r)))
    assert "abstention.fitting_tool" in codes(checks, edited(best, _as_abstention))


def test_irrelevance_sample_with_a_call_is_rejected(clean: list[dict[str, Any]], checks: SampleChecks) -> None:
    base = first(clean, "irrelevance")

    def add_call(sample: dict[str, Any]) -> None:
        tool = sample["tools"][0]["function"]
        sample["gold_calls"] = [[{"name": tool["name"], "arguments": {}}]]

    assert "abstention.has_call" in codes(checks, edited(base, add_call))


def test_missing_required_information_justifies_abstention(clean: list[dict[str, Any]], checks: SampleChecks) -> None:
    missing = [r for r in clean if r["category"] == "live_irrelevance" and r["provenance"]["recipe"] == "irrelevance_missing_info"]
    assert missing, "the generator writes information-missing abstentions"
    assert all(not any(c.startswith("abstention") for c in codes(checks, r)) for r in missing)


# --- uniqueness -----------------------------------------------------------------------------------


def test_exact_and_near_duplicates_are_found(clean: list[dict[str, Any]]) -> None:
    base = first(clean, "simple_python")
    index = UniquenessIndex()
    view = parse_line(json.dumps(base), 1)
    found, state = index.check(view)
    assert found == []
    index.keep(view, state)
    copy_row = edited(base, lambda s: None, new_id="copy")
    found, _ = index.check(parse_line(json.dumps(copy_row), 2))
    assert [f.code for f in found] == ["uniqueness.exact_duplicate"] and found[0].evidence["duplicate_of"] == base["id"]

    def recase(sample: dict[str, Any]) -> None:  # different text form, same request: a near duplicate
        sample["messages"][0]["content"] = sample["messages"][0]["content"].upper() + " Thanks!"

    found, _ = index.check(parse_line(json.dumps(edited(base, recase, new_id="near")), 3))
    assert [f.code for f in found] == ["uniqueness.near_duplicate"]
    other = next(r for r in clean if r["category"] == "simple_python" and r["id"] != base["id"])
    assert index.check(parse_line(json.dumps(other), 4))[0] == []


def test_near_duplicates_need_the_same_tools_and_nearly_the_same_text(clean: list[dict[str, Any]]) -> None:
    def stated_integer(sample: dict[str, Any]) -> str | None:
        call = sample["gold_calls"][0][0]
        props = _tool(sample, call["name"])["parameters"]["properties"]
        text = sample["messages"][0]["content"]
        return next((p for p, v in call["arguments"].items() if props.get(p, {}).get("type") == "integer"
                     and f" {v}" in text), None)  # fmt: skip

    base = next(r for r in clean if r["category"] in ("simple_python", "live_simple")
                and stated_integer(decode_row(copy.deepcopy(r))))  # fmt: skip
    param = stated_integer(decode_row(copy.deepcopy(base)))
    old = decode_row(copy.deepcopy(base))["gold_calls"][0][0]["arguments"][param]

    def other_value(s: dict[str, Any]) -> None:  # the same sentence with one number changed: a template clone
        set_call(s, 0, 0, **{param: old + 1})
        s["messages"][0]["content"] = s["messages"][0]["content"].replace(f" {old}", f" {old + 1}")

    def other_request(s: dict[str, Any]) -> None:  # same tool, a request worded from scratch
        set_call(s, 0, 0, **{param: old + 1})
        s["messages"][0]["content"] = f"My team asked for a fresh run today; nothing like last week. Use {old + 1} for it."

    index = UniquenessIndex()
    view = parse_line(json.dumps(base), 1)
    index.keep(view, index.check(view)[1])
    found, _ = index.check(parse_line(json.dumps(edited(base, other_value, new_id="clone")), 2))
    assert [f.code for f in found] == ["uniqueness.near_duplicate"] and found[0].evidence["same_gold_calls"] is False
    assert index.check(parse_line(json.dumps(edited(base, other_request, new_id="fresh")), 3))[0] == []


# --- contamination --------------------------------------------------------------------------------


def test_bfcl_question_is_rejected_as_contamination(clean: list[dict[str, Any]], checks: SampleChecks) -> None:
    from bfcl_adapter.data import load_entries

    question = next(e.first_question for e in load_entries(Category.SIMPLE_PYTHON) if len(e.first_question.split()) >= 12)

    def contaminate(sample: dict[str, Any]) -> None:
        sample["messages"][0]["content"] = question

    assert "contamination.bfcl_overlap" in codes(checks, edited(first(clean, "simple_python"), contaminate))


# --- normalisation --------------------------------------------------------------------------------


@pytest.mark.parametrize("text, value", [
    ("book it for five people", 5), ("about twenty-five minutes", 25), ("a budget of 12,500 dollars", 12500),
    ("within 25,000 metres", 25), ("2 hours", 120), ("90 minutes", 1.5), ("two weeks", 14), ("750 grams", 0.75),
    ("a 15% tip", 0.15), ("-3.5 degrees", -3.5),
])  # fmt: skip
def test_numbers_in_text(text: str, value: float) -> None:
    assert any(abs(n - value) < 1e-9 for n in numbers_in(text)), numbers_in(text)


@pytest.mark.parametrize("text, iso", [
    ("on March 5, 2024", "2024-03-05"), ("the 5th of March 2024", "2024-03-05"), ("due 2024-03-05", "2024-03-05"),
    ("by 03/05/2024", "2024-03-05"), ("Sept 30, 2025", "2025-09-30"),
])  # fmt: skip
def test_dates_in_text(text: str, iso: str) -> None:
    from datetime import date

    assert date.fromisoformat(iso) in dates_in(text)


def test_relative_dates_need_an_anchor() -> None:
    from datetime import date

    said = Statements()
    said.add("Book it for next Friday please.")
    assert not said.has_date(date(2025, 6, 13))
    said.add("(Today is Monday, 2025-06-09.)")
    assert said.has_date(date(2025, 6, 13)) and not said.has_date(date(2025, 6, 20))


def test_words_ignore_case_and_separators() -> None:
    said = Statements()
    said.add("Set the route type to LONG HAUL, thanks.")
    assert said.has_words("long_haul") and not said.has_words("short_haul")


def test_checkers_agree_on_categories() -> None:
    # The abstention check applies exactly to BFCL's irrelevance categories.
    assert {c for c in Category if c.checker is Checker.IRRELEVANCE} == {Category.IRRELEVANCE, Category.LIVE_IRRELEVANCE}

"""Category recipes: every synthesizable BFCL category, judged by the same checker as evaluation.

For each category a batch of samples is role-played with the catalog tools; the gold answers
must validate against the tools' schemas, single-turn possible answers must make
``bfcl_adapter.checking.check_calls`` score the gold as valid (decoded back from the prompting
completion, as BFCL reads a model's output), and abstention samples must call nothing.
"""

from __future__ import annotations

import json
import random

import pytest

from bfcl_adapter.categories import Category, Checker, Language
from bfcl_adapter.checking import check_calls, score_case
from bfcl_adapter.decoding import decode
from bfcl_adapter.types import Call
from synth.agents import Assistant, ServerAgent, UserSimulator
from synth.generate import synthesize_one
from synth.recipes import (
    SYNTHESIZABLE, Knobs, ToolPool, allocate, knobs_for, read_gaps, uniform_targets,
)  # fmt: skip
from synth.roleplay import RolePlay
from synth.server import ToolServer

PER_CATEGORY = 12


@pytest.fixture(scope="module")
def pool() -> ToolPool:
    specs = pytest.importorskip("synth.specs")
    return ToolPool(specs.load_catalog())


@pytest.fixture(scope="module")
def batches(pool: ToolPool) -> dict[Category, list[dict]]:
    server = ToolServer(pool.tools, seed=7)
    roleplay = RolePlay(UserSimulator(), Assistant(), ServerAgent(server))
    out: dict[Category, list[dict]] = {}
    for category in SYNTHESIZABLE:
        rejected: dict[str, int] = {}
        samples = []
        for index in range(PER_CATEGORY):
            sample, _ = synthesize_one(index, category, knobs_for(category), pool, roleplay, 7, None, rejected)
            assert sample is not None, (category, rejected)
            samples.append(sample)
        out[category] = samples
    return out


def _first_step(sample: dict) -> list[dict]:
    return sample["gold_calls"][0]


@pytest.mark.parametrize("category", [c for c in SYNTHESIZABLE], ids=lambda c: c.value)
def test_gold_calls_fit_the_offered_tools(category, batches, pool):
    server = ToolServer(pool.tools)
    for sample in batches[category]:
        offered = {t["function"]["name"]: t["function"] for t in sample["tools"]}
        late = {n for names in sample["holdout_functions"].values() for n in names}
        for step in sample["gold_calls"]:
            for call in step:
                assert call["name"] in offered or call["name"] in late, (call, sorted(offered))
                if category.language is Language.PYTHON:
                    assert server.validate(call["name"], call["arguments"]) is None, call


@pytest.mark.parametrize("category", [c for c in SYNTHESIZABLE if c.is_ast or c.checker is Checker.RELEVANCE],
                         ids=lambda c: c.value)  # fmt: skip
def test_possible_answer_accepts_the_gold(category, batches):
    for sample in batches[category]:
        functions, answers = sample["functions"], sample["possible_answer"]
        assert answers, sample["id"]
        gold = [Call(c["name"], c["arguments"]) for c in _first_step(sample)]
        if category.language is Language.PYTHON and category.is_ast:
            verdict = check_calls(category, gold, functions, answers)
            assert verdict.valid, (sample["id"], verdict)
        completion = sample["prompting"]["completion"]
        if category.is_ast:  # what BFCL reads from the prompting answer, through the same checker
            verdict = score_case(category, completion, functions, answers)
            assert verdict.valid, (sample["id"], completion, verdict)
        decoded = decode(completion, category.language)
        assert [c.name for c in decoded] == [c.name for c in gold]


@pytest.mark.parametrize("category", [Category.IRRELEVANCE, Category.LIVE_IRRELEVANCE], ids=lambda c: c.value)
def test_abstention_samples_call_nothing(category, batches):
    for sample in batches[category]:
        assistant = [m for m in sample["messages"] if m["role"] == "assistant"]
        assert len(assistant) == 1 and not assistant[0].get("tool_calls") and assistant[0]["content"]
        assert sample["gold_calls"] == [[]] and sample["possible_answer"] is None
        assert score_case(category, sample["prompting"]["completion"], sample["functions"], None).valid


def test_live_irrelevance_includes_missing_information(pool):
    server = ToolServer(pool.tools)
    roleplay = RolePlay(UserSimulator(), Assistant(), ServerAgent(server))
    knobs = knobs_for(Category.LIVE_IRRELEVANCE, {"irrelevance_error:decoder_success": 9})
    recipes = set()
    for index in range(40):
        sample, _ = synthesize_one(index, Category.LIVE_IRRELEVANCE, knobs, pool, roleplay, 1, None, {})
        recipes.add(sample["provenance"]["recipe"])
        if sample["provenance"]["recipe"] == "irrelevance_missing_info":
            assert sample["messages"][1]["content"].split(":", 1)[1].strip().startswith("I need the")
    assert {"irrelevance", "irrelevance_missing_info"} <= recipes


@pytest.mark.parametrize("category", [Category.PARALLEL, Category.LIVE_PARALLEL], ids=lambda c: c.value)
def test_parallel_samples_call_one_tool_several_times(category, batches):
    for sample in batches[category]:
        step = _first_step(sample)
        assert len(step) >= 2 and len({c["name"] for c in step}) == 1


def test_multiple_offers_distractors(batches):
    # As many tools as BFCL's multiple entries offer (2-4); irrelevance offers one or two (BFCL: one).
    for sample in batches[Category.MULTIPLE]:
        assert 2 <= len(sample["tools"]) <= 4 and len(_first_step(sample)) == 1
    assert {len(s["tools"]) for s in batches[Category.IRRELEVANCE]} <= {1, 2}
    # parallel_multiple: BFCL's entries offer 2-4 functions; the called tools count among them.
    for category in (Category.PARALLEL_MULTIPLE, Category.LIVE_PARALLEL_MULTIPLE):
        assert {len(s["tools"]) for s in batches[category]} <= {2, 3, 4}


def test_java_and_javascript_values_are_source_strings(batches):
    for category in (Category.SIMPLE_JAVA, Category.SIMPLE_JAVASCRIPT):
        for sample in batches[category]:
            (call,) = _first_step(sample)
            assert all(isinstance(v, str) for v in call["arguments"].values()), call
            types = {p["type"] for f in sample["functions"] for p in f["parameters"]["properties"].values()}
            assert types <= {"String", "integer", "long", "float", "double", "boolean", "Boolean", "ArrayList", "Array", "array", "any"}
            # FC-mode tools: BFCL turns every Java/JS parameter into a string
            for tool in sample["tools"]:
                assert {p["type"] for p in tool["function"]["parameters"]["properties"].values()} == {"string"}


def test_multi_turn_samples_span_several_user_turns(batches):
    for category in (Category.MULTI_TURN_BASE, Category.MULTI_TURN_LONG_CONTEXT):
        for sample in batches[category]:
            users = [m for m in sample["messages"] if m["role"] == "user"]
            assert len(users) >= 3 and sample["possible_answer"] is None
            assert any(m.get("tool_calls") for m in sample["messages"])
    long_tools = sum(len(s["tools"]) for s in batches[Category.MULTI_TURN_LONG_CONTEXT])
    base_tools = sum(len(s["tools"]) for s in batches[Category.MULTI_TURN_BASE])
    assert long_tools > base_tools


def test_miss_param_asks_before_calling(batches):
    for sample in batches[Category.MULTI_TURN_MISS_PARAM]:
        messages = sample["messages"]
        asked = [i for i, m in enumerate(messages) if m["role"] == "assistant" and not m.get("tool_calls")
                 and (m["content"].rstrip().endswith("?") or "need the" in m["content"])]  # fmt: skip
        assert asked, [m["content"] for m in messages if m["role"] != "tool"]
        i = asked[0]
        assert messages[i + 1]["role"] == "user" and messages[i + 2].get("tool_calls")


def test_miss_func_announces_the_missing_tool_later(batches):
    for sample in batches[Category.MULTI_TURN_MISS_FUNC]:
        (names,) = sample["holdout_functions"].values()
        offered = {t["function"]["name"] for t in sample["tools"]}
        assert set(names).isdisjoint(offered)
        notice = next(i for i, m in enumerate(sample["messages"]) if "I have updated some more functions" in m["content"])
        assert sample["messages"][notice - 1]["role"] == "assistant" and not sample["messages"][notice - 1].get("tool_calls")
        later = [c["function"]["name"] for m in sample["messages"][notice:] for c in m.get("tool_calls", [])]
        assert set(names) & set(later)


def test_multi_turn_ids_come_from_earlier_results(batches):
    linked = 0
    for category in (Category.MULTI_TURN_BASE, Category.MULTI_TURN_MISS_FUNC):
        for sample in batches[category]:
            seen: set[str] = set()
            for message in sample["messages"]:
                for call in message.get("tool_calls", []):
                    linked += any(isinstance(v, str) and v in seen for v in call["function"]["arguments"].values())
                if message["role"] == "tool":
                    seen |= {v for v in _strings(json.loads(message["content"]) if message["content"][:1] in "[{" else {})}
    assert linked > 0


def _strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str) and "-" in value:
        yield value


# --- knobs and gaps.json --------------------------------------------------------------------------


def test_error_types_steer_the_knobs():
    base = knobs_for(Category.SIMPLE_PYTHON)
    diagnosed = knobs_for(Category.SIMPLE_PYTHON, {"simple_function_checker:missing_required": 5})
    assert (diagnosed.min_required, diagnosed.min_required_share) == (2, 1.0) and base.min_required_share < 1.0
    assert {"integer", "number", "boolean"} <= knobs_for(Category.SIMPLE_PYTHON, {"type_error:simple": 3}).prefer_types
    assert "array" in knobs_for(Category.SIMPLE_PYTHON, {}, ["wrong_list_value"]).prefer_types
    assert knobs_for(Category.MULTIPLE, {"simple_function_checker:wrong_func_name": 2}).distractors > base.distractors
    assert knobs_for(Category.PARALLEL, {"parallel_function_checker_no_order:wrong_count": 1}).parallel_calls[1] == 4
    irrelevance = knobs_for(Category.LIVE_IRRELEVANCE, {"irrelevance_error:decoder_success": 4})
    assert irrelevance.abstain_missing_share > base.abstain_missing_share
    assert knobs_for(Category.LIVE_SIMPLE).style_p["messy"] > base.style_p["messy"]
    assert knobs_for(Category.SIMPLE_PYTHON, {"no:such_error": 3, "value_error:string": "x"}) == base


def test_knobs_change_the_tools_that_are_picked(pool):
    rng = random.Random(0)
    rich = [pool.pick(rng, Knobs(min_required=3, min_required_share=1.0)) for _ in range(50)]
    assert all(pool.features(t)["required"] >= 3 for t in rich)
    mostly = [pool.features(pool.pick(rng, Knobs()))["required"] for _ in range(400)]
    anyhow = [pool.features(pool.pick(rng, Knobs(min_required=0)))["required"] for _ in range(400)]
    assert sum(r >= 2 for r in mostly) > sum(r >= 2 for r in anyhow)  # the default prefers 2+ required
    assert min(mostly) < 2  # but not only those
    typed = [pool.pick(rng, Knobs(prefer_types=frozenset({"boolean"}))) for _ in range(200)]
    assert sum("boolean" in pool.features(t)["types"] for t in typed) > 100


def test_read_gaps_is_defensive(tmp_path):
    path = tmp_path / "gaps.json"
    path.write_text(json.dumps({"schema_version": 2, "categories": {
        "simple_python": {"weight": 0.7, "error_types": {"type_error:simple": 3}},
        "irrelevance": {"weight": 0.3, "emphasize": ["called_when_should_abstain"], "error_types": "oops"},
        "web_search_base": {"weight": 0.5}, "not_a_category": {"weight": 1}, "multiple": "junk"}}))  # fmt: skip
    targets, notes = read_gaps(path)
    by_category = {t.category: t for t in targets}
    assert set(by_category) == {Category.SIMPLE_PYTHON, Category.IRRELEVANCE, Category.MULTIPLE}
    assert by_category[Category.MULTIPLE].weight == 0
    assert "integer" in by_category[Category.SIMPLE_PYTHON].knobs.prefer_types
    assert by_category[Category.IRRELEVANCE].knobs.off_topic_share == 0.2
    assert any("schema_version" in n for n in notes) and any("agentic" in n for n in notes)
    path.write_text("{")
    with pytest.raises(ValueError, match="cannot read"):
        read_gaps(path)


def test_allocation_follows_weights_and_sums_to_n():
    targets = uniform_targets([Category.SIMPLE_PYTHON, Category.MULTIPLE, Category.PARALLEL])
    weighted = [t.__class__(t.category, w, t.knobs) for t, w in zip(targets, (0.6, 0.3, 0.1))]
    counts = allocate(weighted, 101)
    assert sum(counts.values()) == 101
    assert counts[Category.SIMPLE_PYTHON] == 61 and counts[Category.MULTIPLE] == 30 and counts[Category.PARALLEL] == 10
    assert allocate(targets, 0) == {}


def test_near_miss_abstention_offers_the_requests_own_domain(pool):
    from synth.recipes import RecipeInput, recipe_irrelevance

    def plans(share: float) -> list:
        rng = random.Random(3)
        knobs = Knobs(near_miss_share=share, off_topic_share=0.0)
        return [recipe_irrelevance(RecipeInput(Category.IRRELEVANCE, pool, rng, knobs)) for _ in range(60)]

    near = [p for p in plans(1.0) if p.turns[0].intents]
    assert near
    same = 0
    for plan in near:
        wanted = plan.turns[0].intents[0].tool
        assert wanted.name not in {t.name for t in plan.tools}
        for tool in plan.tools:  # never another name for the same action: the parameters differ
            assert set(tool.parameters["properties"]) != set(wanted.parameters["properties"])
        same += all(t.domain == wanted.domain for t in plan.tools)
    assert same > len(near) // 2  # the rest: domains with no near miss fall back to other domains
    for plan in plans(0.0):  # off by default: tools of other domains only, as before
        if plan.turns[0].intents:
            assert all(t.domain != plan.turns[0].intents[0].tool.domain for t in plan.tools)


def test_loop_settings_reach_the_synthesized_samples(tmp_path):
    from harness.loop_phases import PhaseSettings, RealPhases

    gaps = {"categories": {"simple_python": {"accuracy": 0.0, "n": 5, "weight": 1.0, "error_types": {}}}}
    (tmp_path / "gaps.json").write_text(json.dumps(gaps))
    phases = RealPhases(PhaseSettings(formula_tools=40, near_miss_share=1.0), log=lambda _: None)
    out = phases.synthesize(tmp_path, tmp_path / "synth", 24, 3, {"irrelevance": 0.5})
    manifest = json.loads((out / "manifest.json").read_text())
    assert "formulas:40:3" in manifest["spec_sources"] and manifest["near_miss_share"] == 1.0
    samples = [json.loads(line) for line in (out / "samples.jsonl").read_text().splitlines()]
    abstain = [s for s in samples if s["category"] == "irrelevance"]
    assert abstain and all(json.loads(s["provenance"]["knobs"])["near_miss_share"] == 1.0 for s in abstain)


def test_multi_call_cap_leaves_single_calls_the_rest_of_the_round(tmp_path):
    from harness.loop_phases import PhaseSettings, RealPhases

    gaps = {"categories": {c: {"accuracy": 0.0, "n": 5, "weight": 0.25, "error_types": {}}
                           for c in ("simple_python", "multiple", "parallel", "parallel_multiple")}}  # fmt: skip
    (tmp_path / "gaps.json").write_text(json.dumps(gaps))

    def counts(share):
        phases = RealPhases(PhaseSettings(multi_call_share=share), log=lambda _: None)
        out = phases.synthesize(tmp_path, tmp_path / f"synth-{share}", 80, 3, {"irrelevance": 0.5})
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["multi_call_share"] == share
        return manifest["counts"]

    capped, free = counts(0.2), counts(None)
    assert capped["irrelevance"] == free["irrelevance"] == 40  # the abstention share is untouched
    assert capped["parallel"] + capped["parallel_multiple"] == 8  # 20% of the 40 call samples
    assert free["parallel"] + free["parallel_multiple"] == 20  # as the gaps say: half


def test_a_parallel_plan_never_holds_a_single_call():
    from synth.recipes import RecipeInput, recipe_parallel
    from synth.spec import ToolSpec

    fixed = ToolSpec("set_mode", "Set the device mode.", {"type": "object", "properties": {
        "mode": {"type": "string", "enum": ["eco"]}}, "required": ["mode"]})  # fmt: skip
    with pytest.raises(LookupError):  # every call would be the same one: no plan, not a one-call "parallel"
        recipe_parallel(RecipeInput(Category.PARALLEL, ToolPool([fixed]), random.Random(0), Knobs()))

"""Synthesis runs: determinism, the datasets round trip, MCP/in-process equivalence, and gates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bfcl_adapter.categories import Category
from synth.generate import SynthConfig, run
from synth.recipes import SYNTHESIZABLE, uniform_targets
from synth.sample import decode_batch, decode_row, load_samples, to_trl


@pytest.fixture(scope="module")
def tools():
    return pytest.importorskip("synth.specs").load_catalog()


def _run(tools, out: Path, n: int = 60, seed: int = 11, **kw) -> object:
    config = SynthConfig(uniform_targets(SYNTHESIZABLE), n=n, seed=seed, **kw)
    return run(config, tools, out)


@pytest.fixture(scope="module")
def first_run(tools, tmp_path_factory):
    out = tmp_path_factory.mktemp("run_a")
    return out, _run(tools, out)


def test_same_seed_gives_byte_identical_output(tools, first_run, tmp_path):
    out_a, _ = first_run
    _run(tools, tmp_path)
    for name in ("samples.jsonl", "stats.json"):
        assert (out_a / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_another_seed_gives_other_samples(tools, first_run, tmp_path):
    out_a, _ = first_run
    _run(tools, tmp_path, seed=12)
    assert (out_a / "samples.jsonl").read_bytes() != (tmp_path / "samples.jsonl").read_bytes()


def test_every_category_is_written_with_the_required_fields(first_run):
    out, result = first_run
    samples = load_samples(out / "samples.jsonl")
    assert len(samples) == result.written == 60
    assert {s["category"] for s in samples} == {c.value for c in SYNTHESIZABLE}
    for sample in samples:
        assert {"messages", "tools", "category", "gold_calls", "possible_answer", "functions", "prompting",
                "spec_sources", "provenance"} <= set(sample)  # fmt: skip
        assert sample["messages"][0]["role"] == "user" and sample["messages"][-1]["role"] == "assistant"
        assert len(sample["gold_calls"]) == sum(m["role"] == "assistant" for m in sample["messages"])
        for message in sample["messages"]:
            for call in message.get("tool_calls", []):
                assert call["type"] == "function" and isinstance(call["function"]["arguments"], dict)
            if message["role"] == "tool":
                assert message["name"] and isinstance(message["content"], str)
        assert sample["prompting"]["messages"][0]["role"] == "system"
        assert sample["provenance"]["seed"] == 11 and sample["spec_sources"] == ["catalog"]
        assert to_trl(sample).keys() == {"messages", "tools"}


def test_file_form_keeps_heterogeneous_fields_as_json_text(first_run):
    out, _ = first_run
    row = json.loads((out / "samples.jsonl").read_text().splitlines()[0])
    for key in ("tools", "functions", "possible_answer", "gold_calls"):
        assert isinstance(row[key], str)
    calls = [c for m in row["messages"] for c in m.get("tool_calls", [])]
    assert all(isinstance(c["function"]["arguments"], str) for c in calls)


def test_datasets_round_trip_is_exact(first_run):
    datasets = pytest.importorskip("datasets")
    out, _ = first_run
    path = str(out / "samples.jsonl")
    dataset = datasets.load_dataset("json", data_files=path, split="train")
    expected = load_samples(path)
    assert [decode_row(row) for row in dataset] == expected
    lazy = dataset.with_transform(decode_batch)  # decoded on access, for trl
    assert lazy[0]["messages"] == expected[0]["messages"] and lazy[0]["tools"] == expected[0]["tools"]


def test_stats_describe_the_run(first_run):
    out, result = first_run
    stats = json.loads((out / "stats.json").read_text())
    assert stats == result.stats
    assert stats["samples"] == 60 and stats["distinct_tools_called"] > 20
    assert 0 < stats["argument_values"]["normalized_entropy"] <= 1
    assert 0 < stats["phrasing"]["distinct_2"] <= 1
    assert sum(stats["calls_per_sample"].values()) == 60
    assert stats["first_answer_not_a_call"] >= 6  # the abstention categories at least


def test_via_mcp_gives_the_same_samples(tools, tmp_path):
    in_process, via_mcp = tmp_path / "a", tmp_path / "b"
    _run(tools, in_process, n=25, seed=5)
    _run(tools, via_mcp, n=25, seed=5, via_mcp=True)
    a, b = load_samples(in_process / "samples.jsonl"), load_samples(via_mcp / "samples.jsonl")
    for sample in a + b:
        sample["provenance"]["agents"].pop("server")
    assert a == b
    assert load_samples(via_mcp / "samples.jsonl")[0]["provenance"]["agents"]["server"] == "mcp"


def test_contamination_guard_gates_every_sample(tools, tmp_path, monkeypatch):
    import synth.contamination as contamination

    seen = []
    original = contamination.ContaminationGuard.check_sample

    def check(self, sample):
        seen.append(sample["id"])
        problems = original(self, sample)
        return problems + (["flagged by the test"] if len(seen) % 3 == 0 else [])

    monkeypatch.setattr(contamination.ContaminationGuard, "check_sample", check)
    result = _run(tools, tmp_path, n=30, seed=2)
    assert result.written == 30 and result.rejected["contamination"] >= 10
    written = [s["id"] for s in load_samples(tmp_path / "samples.jsonl")]
    assert len(seen) == len(written) + result.rejected["contamination"]


def test_weights_shape_the_mix(tools, tmp_path):
    from synth.recipes import Target, knobs_for

    targets = [Target(Category.IRRELEVANCE, 0.75, knobs_for(Category.IRRELEVANCE)),
               Target(Category.SIMPLE_PYTHON, 0.25, knobs_for(Category.SIMPLE_PYTHON))]  # fmt: skip
    result = run(SynthConfig(targets, n=40, seed=1), tools, tmp_path)
    assert result.counts == {"irrelevance": 30, "simple_python": 10}


def test_procedural_tools_work_too(tmp_path):
    specs = pytest.importorskip("synth.specs")
    tools = specs.generate_tools(40, seed=3)
    categories = [Category.SIMPLE_PYTHON, Category.MULTIPLE, Category.PARALLEL, Category.IRRELEVANCE]
    result = run(SynthConfig(uniform_targets(categories), n=20, seed=3), tools, tmp_path)
    assert result.written == 20
    assert all(s["spec_sources"][0].startswith("procedural") for s in load_samples(tmp_path / "samples.jsonl"))

"""`harness synth` end to end (the command module, driven the way harness.cli drives commands)."""

from __future__ import annotations

import argparse
import json
import sys

import pytest

from harness.errors import UsageError, user_errors
from harness.synth_cmd import add_parser, run
from synth.sample import load_samples


def synth(argv: list[str]) -> int:
    """What ``harness synth ...`` does once cli.py registers the command."""
    parser = argparse.ArgumentParser(prog="harness")
    add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["synth", *argv])
    try:
        return run(args)
    except user_errors() as exc:
        print(f"harness: error: {exc}", file=sys.stderr)
        return 2


@pytest.fixture(autouse=True)
def _needs_catalog():
    pytest.importorskip("synth.specs")


def test_end_to_end_with_50_samples(tmp_path, capsys):
    out = tmp_path / "synth"
    assert synth(["--n", "50", "--seed", "4", "--out", str(out), "--no-progress"]) == 0
    samples = load_samples(out / "samples.jsonl")
    manifest = json.loads((out / "manifest.json").read_text())
    stats = json.loads((out / "stats.json").read_text())
    assert len(samples) == manifest["written"] == stats["samples"] == 50
    assert sum(manifest["counts"].values()) == 50 and manifest["seed"] == 4
    assert manifest["spec_sources"] == ["catalog"] and manifest["timing"]["samples_per_second"] > 0
    assert set(manifest["counts"]) == {s["category"] for s in samples}
    err = capsys.readouterr().err
    assert "wrote 50 samples" in err and "distinct-2" in err


def test_gaps_json_steers_the_mix(tmp_path):
    gaps = tmp_path / "gaps.json"
    gaps.write_text(json.dumps({"schema_version": 1, "model": {}, "categories": {
        "live_irrelevance": {"accuracy": 0.2, "n": 10, "weight": 0.8, "expected_gain": 0.01,
                             "error_types": {"irrelevance_error:decoder_success": 8}, "emphasize": ["called_when_should_abstain"]},
        "simple_java": {"accuracy": 0.5, "n": 10, "weight": 0.2, "expected_gain": 0.004,
                        "error_types": {"type_error:java": 5}, "emphasize": ["wrong_type"]},
        "memory_kv": {"accuracy": 0.0, "n": 10, "weight": 0.0, "expected_gain": 0.0, "error_types": {}, "emphasize": []}}}))  # fmt: skip
    out = tmp_path / "out"
    assert synth(["--gaps", str(gaps), "--n", "20", "--out", str(out), "--no-progress"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"] == {"live_irrelevance": 16, "simple_java": 4}
    assert "integer" in manifest["targets"]["simple_java"]["knobs"]["prefer_types"]
    assert any("memory_kv" in note for note in manifest["notes"])


def test_categories_and_spec_sources(tmp_path):
    out = tmp_path / "out"
    assert synth(["--categories", "simple_python,parallel", "--specs", "procedural:30:2", "--specs", "catalog:math",
                  "--n", "10", "--out", str(out), "--no-progress"]) == 0  # fmt: skip
    samples = load_samples(out / "samples.jsonl")
    assert {s["category"] for s in samples} == {"simple_python", "parallel"}
    sources = {src.split(":")[0] for s in samples for src in s["spec_sources"]}
    assert sources <= {"procedural", "catalog"}


def test_data_mix_flags_reach_the_targets(tmp_path):
    out = tmp_path / "out"
    assert synth(["--categories", "simple_python,parallel,irrelevance", "--multi-call-share", "0.2",
                  "--near-miss-share", "0.5", "--n", "20", "--out", str(out), "--no-progress"]) == 0  # fmt: skip
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["parallel"] == 4  # 20% of 20, the other two sharing the rest
    assert manifest["targets"]["irrelevance"]["knobs"]["near_miss_share"] == 0.5


@pytest.mark.parametrize(("argv", "message"), [
    (["--n", "0", "--out", "x"], "--n must be positive"),
    (["--n", "5", "--out", "x", "--specs", "nonsense:1"], "unknown spec source"),
    (["--n", "5", "--out", "x", "--gaps", "missing.json"], "cannot read gaps.json"),
    (["--n", "5", "--out", "x", "--categories", "web_search_base"], "no category with a recipe"),
    (["--n", "5", "--out", "x", "--categories", "bogus"], "unknown BFCL category"),
    (["--n", "5", "--out", "x", "--backend", "mock", "--roles", "judge"], "unknown role"),
    (["--n", "5", "--out", "x", "--near-miss-share", "-0.1"], "--near-miss-share must be in [0, 1]"),
    (["--n", "5", "--out", "x", "--multi-call-share", "1.5"], "--multi-call-share must be in [0, 1]"),
])  # fmt: skip
def test_bad_input_is_one_clear_line(tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.chdir(tmp_path)
    assert synth(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("harness: error:") and message in err[0]


def test_a_mock_backend_can_play_every_role(tmp_path):
    """A scripted model: a JSON object for the server, a paraphrase for the user, a call list
    for the assistant; whatever it says, the written samples stay checker-valid."""
    out = tmp_path / "out"
    assert synth(["--categories", "simple_python", "--n", "5", "--out", str(out), "--backend", "mock",
                  "--no-progress"]) == 0  # fmt: skip
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["assistant"]["rejected_model_steps"] >= 5  # the mock's empty replies never pass
    assert all(s["provenance"]["agents"]["assistant"] == "llm+gold" for s in load_samples(out / "samples.jsonl"))


def test_usage_error_type_is_the_harness_one():
    assert UsageError in user_errors()

"""verify_dir / `harness verify`: records, the trainer's contract, rejections with evidence,
idempotence on its own output, and the command line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from synth.verify import OUTPUT_FILES, VerifyError, verify_dir
from tests.test_verify_checks import edited, read_rows, set_call, synth_samples

CONTRACT = {"id", "prompt", "completion", "category", "functions", "possible_answer"}


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    synth_samples(out, n=170, seed=9)
    return out


@pytest.fixture(scope="module")
def verified(run_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    out = tmp_path_factory.mktemp("verified")
    return out, verify_dir(run_dir, out, profile="ci")


def test_every_sample_is_accepted_or_rejected_with_evidence(run_dir: Path, verified: tuple[Path, Any]) -> None:
    out, report = verified
    inputs = read_rows(run_dir / "samples.jsonl")
    accepted = read_rows(out / "accepted.jsonl")
    rejected = read_rows(out / "rejected.jsonl")
    assert report.total == len(inputs) == len(accepted) + len(rejected)
    assert sorted(r["id"] for r in inputs) == sorted([r["id"] for r in accepted] + [r["id"] for r in rejected])
    for row in rejected:
        assert row["failures"] and all(f["code"].startswith(f["check"] + ".") and f["evidence"] for f in row["failures"])
        assert row["sample"]["id"] == row["id"]
    assert report.acceptance_rate >= 0.9 and report.ok


def test_accepted_lines_are_the_input_lines(run_dir: Path, verified: tuple[Path, Any]) -> None:
    out, _ = verified
    inputs = set((run_dir / "samples.jsonl").read_text(encoding="utf-8").splitlines())
    assert set((out / "accepted.jsonl").read_text(encoding="utf-8").splitlines()) <= inputs


def test_train_rows_have_exactly_the_contract_fields(verified: tuple[Path, Any]) -> None:
    out, report = verified
    rows = read_rows(out / "train.jsonl")
    accepted = {r["id"]: r for r in read_rows(out / "accepted.jsonl")}
    assert len(rows) == report.accepted
    for row in rows:
        assert set(row) == CONTRACT
        source = accepted[row["id"]]
        assert row["prompt"] == source["prompting"]["messages"]
        assert row["completion"] == [{"role": "assistant", "content": source["prompting"]["completion"]}]
        assert isinstance(row["functions"], str) and json.loads(row["functions"]) == json.loads(source["functions"])
        assert row["possible_answer"] is None or json.loads(row["possible_answer"]) == json.loads(source["possible_answer"])
        if row["category"] in ("irrelevance", "live_irrelevance"):
            assert row["possible_answer"] is None


def test_train_jsonl_loads_with_datasets_and_the_trainer(verified: tuple[Path, Any]) -> None:
    datasets = pytest.importorskip("datasets")
    out, report = verified
    dataset = datasets.load_dataset("json", data_files=str(out / "train.jsonl"), split="train")
    assert len(dataset) == report.accepted and set(dataset.column_names) == CONTRACT
    from rl.data import load_train_data

    assert len(load_train_data(out).rows) == report.accepted


def test_verify_json_summarises_checks_categories_reasons_and_mutants(verified: tuple[Path, Any]) -> None:
    out, report = verified
    summary = json.loads((out / "verify.json").read_text(encoding="utf-8"))
    assert summary["total"] == report.total and summary["accepted"] == report.accepted
    assert set(summary["checks"]) >= {"schema", "grounding", "execution", "round_trip", "abstention", "uniqueness",
                                      "contamination"}  # fmt: skip
    for row in summary["checks"].values():
        assert row["passed"] + row["failed"] == row["applied"]
    assert sum(c["total"] for c in summary["categories"].values()) == report.total
    assert summary["mutant_suite"]["ok"] and summary["mutant_suite"]["kinds"]
    for reason in summary["top_rejection_reasons"]:
        assert reason["samples"] >= 1 and reason["examples"]


def test_accepted_samples_pass_again(verified: tuple[Path, Any], tmp_path: Path) -> None:
    out, report = verified
    again = verify_dir(out / "accepted.jsonl", tmp_path, profile="ci")
    assert again.total == report.accepted and again.accepted == report.accepted, again.reasons


def test_broken_duplicate_and_malformed_lines_are_rejected(run_dir: Path, tmp_path: Path) -> None:
    rows = read_rows(run_dir / "samples.jsonl")
    good = [r for r in rows if r["category"] == "simple_python"][:3]
    broken = edited(good[1], lambda s: set_call(s, 0, 0, name="no_such_tool"), new_id="broken")
    duplicate = edited(good[0], lambda s: None, new_id="dup")
    lines = [json.dumps(r) for r in (good[0], duplicate, broken, good[2])] + ["{not json", json.dumps({"id": "x"})]
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "samples.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = verify_dir(folder, tmp_path / "out", profile="ci")
    rejected = {r["id"]: {f["code"] for f in r["failures"]} for r in read_rows(tmp_path / "out" / "rejected.jsonl")}
    assert "uniqueness.exact_duplicate" in rejected["dup"]
    assert "schema.unknown_tool" in rejected["broken"]
    assert rejected["line-5"] == {"record.malformed"} and rejected["x"] == {"record.malformed"}
    assert report.accepted == 2 and report.total == 6


def test_a_reward_that_cannot_discriminate_blocks_training(run_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "train.jsonl").write_text("stale\n")
    report = verify_dir(run_dir, tmp_path, profile="ci", scorers={"always_one": lambda *a: True})
    assert not report.ok and "cannot discriminate" in (report.blocked or "")
    assert not (tmp_path / "train.jsonl").exists()  # nothing to train on, not even an old file
    assert (tmp_path / "accepted.jsonl").exists() and json.loads((tmp_path / "verify.json").read_text())["blocked"]


def test_spec_sources_that_run_code_are_not_reloaded(run_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "samples.jsonl").write_text((run_dir / "samples.jsonl").read_text(encoding="utf-8").splitlines()[0] + "\n")
    marker = tmp_path / "ran"
    (folder / "manifest.json").write_text(json.dumps({"spec_sources": [f"mcp:touch {marker}", "py:os"]}))
    report = verify_dir(folder, tmp_path / "out", profile="ci")
    assert not marker.exists()
    assert any("not reloaded" in note for note in report.notes)


def test_bad_input_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(VerifyError, match="no such folder"):
        verify_dir(tmp_path / "missing", tmp_path / "out")
    with pytest.raises(VerifyError, match="has no samples.jsonl"):
        verify_dir(tmp_path, tmp_path / "out")
    with pytest.raises(VerifyError, match="unknown profile"):
        verify_dir(tmp_path, tmp_path / "out", profile="fast")


# --- the command ----------------------------------------------------------------------------------


def _command(argv: list[str]) -> argparse.Namespace:
    from harness.verify_cmd import add_parser

    parser = argparse.ArgumentParser(prog="harness")
    add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["verify", *argv])


def test_command_writes_the_records_and_prints_a_table(run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from harness.verify_cmd import run

    # The command moves Hypothesis' cache out of the working directory unless this is set; here it
    # is, so the test session's own Hypothesis settings stay as they are.
    monkeypatch.setenv("HYPOTHESIS_STORAGE_DIRECTORY", str(tmp_path / "hypothesis"))
    assert run(_command([str(run_dir), "--out", str(tmp_path), "--profile", "ci"])) == 0
    assert all((tmp_path / name).exists() for name in OUTPUT_FILES)
    err = capsys.readouterr().err
    assert "accepted" in err and "mutant suite" in err and "reward discriminates" in err
    suite = json.loads((tmp_path / "verify.json").read_text())["mutant_suite"]
    assert "rl_reward" in suite["scorers"]  # the command checks the GRPO reward itself, not only the checker


def test_command_bad_input_is_a_usage_error(tmp_path: Path) -> None:
    from harness.errors import UsageError
    from harness.verify_cmd import run

    with pytest.raises(UsageError, match="no such file or folder"):
        run(_command([str(tmp_path / "missing")]))
    with pytest.raises(UsageError, match="has no samples.jsonl"):
        run(_command([str(tmp_path)]))


def test_an_empty_samples_file_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "samples.jsonl").write_text("\n")
    with pytest.raises(VerifyError, match="holds no samples"):
        verify_dir(tmp_path, tmp_path / "out", profile="ci")

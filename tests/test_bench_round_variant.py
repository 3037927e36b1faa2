"""bench/round_variant: what it reads of a loop directory, and a clear error where that is missing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_a_round_that_is_not_there_is_one_error_line_and_nothing_written(tmp_path) -> None:
    out = tmp_path / "variant"
    run = subprocess.run([sys.executable, str(BENCH / "round_variant.py"), "--loop", str(tmp_path / "no-loop"),
                          "--round", "2", "--out", str(out), "--max-time", "1"],
                         capture_output=True, text=True)  # fmt: skip
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0 and "round_002/synth/manifest.json is missing" in run.stderr
    assert not out.exists()


@pytest.mark.parametrize(("flag", "message"), [
    ("--multi-call-share", "multi_call_share must be in [0, 1], not 1.5"),
    ("--abstention-share", "--abstention-share must be in [0, 1], not 1.5"),
])  # fmt: skip
def test_a_share_out_of_range_is_one_error_line(tmp_path, flag: str, message: str) -> None:
    loop = tmp_path / "loop"
    for name in ("round_002/synth/manifest.json", "round_002/train/closeloop.json", "round_002/eval/verdicts.jsonl"):
        (loop / name).parent.mkdir(parents=True, exist_ok=True)
        (loop / name).write_text("{}")
    (loop / "phase_settings.json").write_text("{}")
    (loop / "state.json").write_text("{}")
    out = tmp_path / "variant"
    run = subprocess.run([sys.executable, str(BENCH / "round_variant.py"), "--loop", str(loop), "--round", "2",
                          "--out", str(out), "--max-time", "1", flag, "1.5"],
                         capture_output=True, text=True)  # fmt: skip
    assert run.returncode == 2 and run.stderr.strip() == f"round_variant: error: {message}"
    assert not out.exists()


def test_probe_ids_and_scores_come_from_the_recorded_round(tmp_path, monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(BENCH))
    import round_variant

    from bfcl_adapter.categories import Category

    cases = (("simple_python_3", "simple_python"), ("parallel_9", "parallel"), ("simple_python_7", "simple_python"))
    (tmp_path / "verdicts.jsonl").write_text("\n".join(json.dumps({"id": i, "category": c}) for i, c in cases))
    ids = round_variant._probe_ids(tmp_path)
    assert ids == {"simple_python": ["simple_python_3", "simple_python_7"], "parallel": ["parallel_9"]}
    (tmp_path / "scores.json").write_text(json.dumps({"categories": {
        "simple_python": {"correct": 1, "total": 2, "accuracy": 0.5}, "multiple": {"accuracy": 1.0}}}))
    wanted = {Category(c): v for c, v in ids.items()}
    assert round_variant._scores(tmp_path / "scores.json", wanted) == {Category.SIMPLE_PYTHON: 0.5}


class _Stop(Exception):
    pass


@pytest.mark.parametrize(("start_scores", "cold"), [
    ({"simple_python": 0.0, "irrelevance": 1.0}, True),  # round 1 from the embedded model
    ({"simple_python": 0.4, "irrelevance": 0.8}, False),
])  # fmt: skip
def test_a_round_from_a_model_that_passes_no_call_trains_as_the_loop_did(tmp_path, monkeypatch,
                                                                       start_scores, cold) -> None:  # fmt: skip
    monkeypatch.syspath_prepend(str(BENCH))
    import round_variant

    import harness.loop_phases
    from bfcl_adapter.categories import Category
    from harness.loop import LoopConfig

    loop = tmp_path / "loop"
    files = {"round_001/synth/manifest.json": {"seed": 0, "n": 10},
             "round_001/train/closeloop.json": {"base_model": {"path": "default"}},
             "round_001/eval/verdicts.jsonl": {"id": "simple_python_1", "category": "simple_python"},
             "round_000/eval/scores.json": {"categories": {c: {"accuracy": a} for c, a in start_scores.items()}},
             "phase_settings.json": {},
             "state.json": {"config": LoopConfig([Category.SIMPLE_PYTHON, Category.IRRELEVANCE]).to_json()},
             }  # fmt: skip
    for name, content in files.items():
        (loop / name).parent.mkdir(parents=True, exist_ok=True)
        (loop / name).write_text(json.dumps(content))
    seen = {}

    class FakePhases:
        def __init__(self, settings) -> None:
            pass

        def synthesize(self, *args) -> None:
            pass

        def verify(self, *args) -> None:
            pass

        def train(self, *args, cold_start: bool = False) -> None:
            seen["cold_start"] = cold_start
            raise _Stop

    monkeypatch.setattr(harness.loop_phases, "RealPhases", FakePhases)
    monkeypatch.setattr(sys, "argv", ["round_variant", "--loop", str(loop), "--round", "1",
                                      "--out", str(tmp_path / "out"), "--max-time", "1"])  # fmt: skip
    with pytest.raises(_Stop):
        round_variant.main()
    assert seen == {"cold_start": cold}
    # Without the start model's probe scores: one error line before any work, not a traceback.
    (loop / "round_000/eval/scores.json").unlink()
    seen.clear()
    assert round_variant.main() == 2 and not seen

"""Reading a loop directory for its report: recorded paths, round rows, the Markdown page."""

import json
from pathlib import Path

from harness.loop_report import inside, is_loop_dir, round_row
from reports.loop_pages import LoopPages, loop_markdown


def test_recorded_paths_are_found_inside_a_moved_loop_dir(tmp_path):
    loop = tmp_path / "moved"
    assert inside(loop, "runs/headline/round_002/train") == loop / "round_002" / "train"
    assert inside(loop, "/old/place/final/best") == loop / "final" / "best"
    assert inside(loop, "/models/base") == Path("/models/base")  # outside the loop: as recorded


def test_round_row_reads_data_verification_and_training(tmp_path):
    loop = tmp_path / "loop"
    (loop / "round_001" / "synth").mkdir(parents=True)
    (loop / "round_001" / "verify").mkdir()
    (loop / "round_001" / "train").mkdir()
    (loop / "round_001" / "synth" / "manifest.json").write_text(json.dumps({"n": 800, "counts": {"simple_python": 800}}))
    (loop / "round_001" / "verify" / "verify.json").write_text(json.dumps({"accepted": 790, "total": 800}))
    (loop / "round_001" / "train" / "closeloop.json").write_text(json.dumps(
        {"method": "auto", "method_run": "sft+grpo", "stages": [{"name": "sft", "steps": 40}, {"name": "grpo", "steps": 3}],
         "notes": ["sft stopped by the time limit after 40 steps"]}))  # fmt: skip
    state_round = {"index": 1, "seconds": 1500.0, "phase_seconds": {"train": 1200.0, "eval": 250.0},
                   "paths": {"synth": "runs/x/round_001/synth", "verify": "runs/x/round_001/verify",
                             "checkpoint": "runs/x/round_001/train"},
                   "decision": {"accepted": True, "reason": "probe objective 0.1 -> 0.4"}}  # fmt: skip
    row = round_row(loop, state_round)
    assert row["samples"] == 800 and (row["accepted"], row["verified"]) == (790, 800)
    assert row["method"] == "sft+grpo" and row["steps"] == "sft 40 + grpo 3" and row["train_s"] == 1200.0
    assert not is_loop_dir(loop)

    page = loop_markdown(LoopPages(state={"config": {"categories": ["simple_python"], "budget_s": 7200},
                                          "base_model": "default", "best_model": "round_001/train",
                                          "status": "done", "elapsed_s": 1800}, rounds=[row]))  # fmt: skip
    assert "| 1 | 800 | 790/800 | sft+grpo | sft 40 + grpo 3 | 20.0 | 4.2 | 25.0 | accepted |" in page

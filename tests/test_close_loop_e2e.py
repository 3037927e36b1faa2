"""End to end: `harness close-loop` on the real embedded model with a tiny budget.

One short round over two categories (2 probe and 2 report cases each, 24 synthetic samples, one SFT
step): it must produce the loop directory the reports read, and the summary table. The training is
forced to one SFT step through a train.toml (the default ``auto`` method first probes the base model
with 128 sampled completions, minutes of CPU that this test does not need to prove anything).
"""

import json

import pytest

from harness.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]


def test_close_loop_runs_one_round_on_the_embedded_model(tmp_path, capsys):
    pytest.importorskip("trl")
    config = tmp_path / "train.toml"
    config.write_text('method = "sft"\nmax_steps = 1\n[sft.trl]\nper_device_train_batch_size = 2\n'
                      'gradient_accumulation_steps = 1\n')  # fmt: skip
    out = tmp_path / "loop"
    argv = ["close-loop", "--categories", "simple_python,irrelevance", "--rounds", "1",
            "--probe-per-category", "2", "--report-per-category", "2", "--samples-per-round", "24",
            "--max-new-tokens", "24", "--train-config", str(config), "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    state = json.loads((out / "state.json").read_text())
    assert state["status"] in ("done", "budget") and len(state["rounds"]) == 2
    round_one = state["rounds"][1]
    assert round_one["done"] == ["synth", "verify", "train", "eval", "decide"]
    assert (out / "round_001" / "train" / "closeloop.json").is_file()
    assert (out / "round_001" / "verify" / "train.jsonl").is_file()
    decision = json.loads((out / "round_001" / "decision.json").read_text())
    assert isinstance(decision["accepted"], bool) and decision["reason"]
    assert set(state["final"]) == {"base", "best"}
    split = json.loads((out / "split.json").read_text())
    report_ids = set(split["simple_python"]["report"]) | set(split["irrelevance"]["report"])
    final = [json.loads(line)["id"] for line in (out / "final" / "base" / "verdicts.jsonl").read_text().splitlines()]
    assert final and set(final) <= report_ids  # published numbers come from the report split only
    printed = capsys.readouterr().out
    assert "report split" in printed and "loop directory" in printed

    assert (out / "report.html").is_file() and (out / "report.md").is_file()
    markdown = (out / "report.md").read_text()
    assert "Report split: base → best" in markdown and "| 1 | 24 | " in markdown
    # What still fails on the report split (the base model answers in prose; one SFT step does not fix it).
    failing = markdown.split("still gets wrong (report split)")[1].split("###")[0]
    assert "| simple_python | 2/2 | " in failing

    # `harness report LOOP_DIR` renders the loop report again, wherever asked.
    html = tmp_path / "elsewhere.html"
    assert main(["report", str(out), "--html", str(html)]) == 0
    page = html.read_text()
    assert "close-loop report" in page and "<svg" in page and "round-curves" in page

"""End to end on the real embedded model, and the official checker reading our result files."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from harness.backends.mock import ScriptedBackend
from harness.cli import main
from harness.evaluate import EvalConfig, run_eval
from harness.rundir import open_run_dir
from bfcl_adapter import Category

ROOT = Path(__file__).resolve().parents[1]
ORACLE_BFCL = ROOT / ".venv-oracle" / "bin" / "bfcl"


@pytest.mark.slow
def test_eval_embedded_model_end_to_end(tmp_path, capsys):
    """The embedded SmolLM2-135M-Instruct, a handful of cases per category, offline."""
    out = tmp_path / "run"
    argv = ["eval", "default", "--categories", "simple_python,multiple,irrelevance,live_simple",
            "--limit", "2", "--max-new-tokens", "24", "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    meta = json.loads((out / "run.json").read_text())
    assert meta["model"]["path"].endswith(".gguf") and len(meta["model"]["weights_sha256"]) == 64
    assert meta["mode"] == "prompting" and meta["status"] == "complete"
    scores = json.loads((out / "scores.json").read_text())["categories"]
    assert set(scores) == {"simple_python", "multiple", "irrelevance", "live_simple"}
    assert (out / "gaps.json").exists()
    assert "simple_python" in capsys.readouterr().out


@pytest.mark.oracle
@pytest.mark.skipif(not ORACLE_BFCL.exists(), reason="no oracle virtualenv: run `make oracle-venv`")
def test_official_bfcl_evaluate_scores_our_result_files_identically(tmp_path):
    """Result files written by `harness eval` are read by the official `bfcl evaluate` with the same accuracies."""
    model = "Qwen/Qwen3-0.6B"  # a registered prompting model; its folder name is Qwen_Qwen3-0.6B
    backend = ScriptedBackend(script=lambda r: "[]" if r.id.endswith("1") else "[f(a=1)]", model_name=model)
    run = open_run_dir(tmp_path / "run", backend.identity.to_json(), resume=False)
    categories = [Category.SIMPLE_PYTHON, Category.IRRELEVANCE, Category.LIVE_RELEVANCE]
    outcome = run_eval(backend, run, EvalConfig(categories=categories))  # whole categories
    env = {**os.environ, "BFCL_PROJECT_ROOT": str(tmp_path / "run")}
    subprocess.run(
        [str(ORACLE_BFCL), "evaluate", "--model", model, "--test-category", ",".join(c.value for c in categories),
         "--result-dir", "result", "--score-dir", "official_score"],
        cwd=tmp_path / "run", env=env, check=True, capture_output=True,
    )  # fmt: skip
    for category in categories:
        path = next((tmp_path / "run" / "official_score").rglob(category.score_file_name))
        official = json.loads(path.read_text().splitlines()[0])["accuracy"]
        assert official == pytest.approx(outcome.scores[category].accuracy), category


@pytest.mark.slow
def test_giving_up_on_prose_keeps_every_verdict(tmp_path):
    """The embedded model answers in prose: cut early, its verdicts are those of the full texts."""
    from harness.backends.registry import create_backend

    backend = create_backend("transformers", "default")
    try:
        outcomes = {}
        for give_up in (True, False):
            config = EvalConfig(categories=[Category.SIMPLE_PYTHON, Category.IRRELEVANCE, Category.LIVE_SIMPLE],
                                limit=3, max_new_tokens=40, stop_when_not_call_list=give_up)  # fmt: skip
            run = open_run_dir(tmp_path / str(give_up), backend.identity.to_json(), False)
            outcomes[give_up] = run_eval(backend, run, config)
    finally:
        backend.close()
    verdicts = {k: [(v.id, v.verdict.valid, v.verdict.error_type) for v in o.verdicts] for k, o in outcomes.items()}
    assert verdicts[True] == verdicts[False]
    tokens = {k: sum(t.completion_tokens for t in o.timings.values()) for k, o in outcomes.items()}
    assert tokens[True] < tokens[False]

"""bench/train_default: the RL plugin's acceptance run on this machine, end to end.

`harness synth` -> `harness verify` -> `harness train default --method sft+grpo --max-time T` ->
`harness eval` of the base model and of the checkpoint on the same cases. Records the training wall
time (target: under 30 minutes), the steps of each stage and the eval scores (target: simple_python
above the base model's 0%) in bench/results/train_default.md (raw record: train_default.jsonl).

Run: `.venv/bin/python bench/train_default.py [--n 800] [--max-time 25m] [--limit 40] [--out runs/train_default]`.
The run folder keeps the data, the checkpoint and both eval runs; rerunning with the same --out resumes
whatever step was not finished.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from _common import append_result, machine  # bench/ is sys.path[0] when a script runs

ROOT = Path(__file__).resolve().parents[1]
HEADER = """# bench/train_default

`harness train default --data <verified synth output> --method sft+grpo` on this machine, then
`harness eval` of the base model and of the checkpoint on the same first N cases per category.
Targets (issue: RL plugin): training under 30 minutes; simple_python above the base model's 0%.
Command: `.venv/bin/python bench/train_default.py` (appends a row; the commands it ran are in
train_default.jsonl).

| date (UTC) | machine | samples (verified) | train wall min | SFT steps | GRPO steps | simple_python base -> trained | irrelevance base -> trained | cases/category |
|---|---|---|---:|---:|---:|---|---|---:|
"""
CATEGORIES = "simple_python,simple_java,simple_javascript,multiple,parallel,parallel_multiple,irrelevance"
HARNESS = [sys.executable, "-m", "harness"]


def run(argv: list[str], commands: list[str]) -> float:
    """Run one harness command (its output streams through); return its wall seconds."""
    commands.append("harness " + shlex.join(argv))
    print(f"$ {commands[-1]}", flush=True)
    began = time.perf_counter()
    done = subprocess.run([*HARNESS, *argv], cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {commands[-1]}")
    return time.perf_counter() - began


def scores(run_dir: Path) -> dict[str, float]:
    data = json.loads((run_dir / "scores.json").read_text())
    return {c: v["accuracy"] for c, v in data["categories"].items() if "accuracy" in v}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=800)
    parser.add_argument("--max-time", default="25m")
    parser.add_argument("--limit", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "runs" / "train_default")
    args = parser.parse_args()
    out: Path = args.out.resolve()
    commands: list[str] = []
    synth, verified, ckpt = out / "synth", out / "verified", out / "ckpt"
    if not (synth / "manifest.json").is_file():
        run(["synth", "--categories", CATEGORIES, "--n", str(args.n), "--seed", str(args.seed),
             "--out", str(synth), "--no-progress"], commands)  # fmt: skip
    if not (verified / "train.jsonl").is_file():
        run(["verify", str(synth), "--out", str(verified), "--profile", "ci"], commands)
    train_s = run(["train", "default", "--data", str(verified), "--out", str(ckpt), "--method", "sft+grpo",
                   "--max-time", args.max_time, "--seed", str(args.seed)], commands)  # fmt: skip
    evals = {}
    for name, model in (("base", "default"), ("trained", str(ckpt))):
        run_dir = out / f"eval_{name}"
        run(["eval", model, "--categories", "simple_python,irrelevance", "--limit", str(args.limit),
             "--out", str(run_dir), "--resume"], commands)  # fmt: skip
        evals[name] = scores(run_dir)
    verified_n = sum(1 for _ in (verified / "train.jsonl").open())
    meta = json.loads((ckpt / "closeloop.json").read_text())
    record = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": machine(),
              "commands": commands, "samples": args.n, "verified": verified_n, "train_seconds": round(train_s, 1),
              "closeloop_json": meta, "scores": evals}  # fmt: skip
    steps = {stage["name"]: stage.get("steps") for stage in meta.get("stages", [])}
    print(json.dumps({"train_seconds": record["train_seconds"], "scores": evals, "steps": steps}, indent=1))

    def pct(name: str, category: str) -> str:
        value = evals[name].get(category)
        return "-" if value is None else f"{100 * value:.1f}"

    row = (f"| {record['date']} | {machine()} | {args.n} ({verified_n}) | {train_s / 60:.1f} | "
           f"{steps.get('sft', '-')} | {steps.get('grpo', '-')} | {pct('base', 'simple_python')} -> "
           f"{pct('trained', 'simple_python')} | {pct('base', 'irrelevance')} -> {pct('trained', 'irrelevance')} | "
           f"{args.limit} |\n")  # fmt: skip
    append_result("train_default", row, HEADER, record)
    print(row, end="")
    ok = train_s < 30 * 60 and evals["trained"].get("simple_python", 0.0) > evals["base"].get("simple_python", 0.0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

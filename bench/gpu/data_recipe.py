"""Which synthetic-data recipe to give the CPU close-loop, measured on a lent GPU.

A CPU round of the 2-hour loop trains about 148 SFT steps of 4 rows (bench/results/close_loop.md);
each data recipe tried there costs a 105-minute run. Here each recipe's round-1 data (the loop's own
round 1: the base model's probe gaps, seed 1 (--seed), half abstention) is trained for exactly those steps with
the CPU's SFT settings, on a GPU, and scored on the loop's probe split (seed 0, probe fraction 0.2;
up to --eval-per-category cases of it: the entries the loop decides on; the report split is never
touched). Two steps, so the GPU spends its minutes on training and evaluation only:

    python bench/gpu/data_recipe.py prepare --work DIR            # here: base gaps, synth, verify
    python bench/gpu/data_recipe.py train --work DIR --out OUT    # on the GPU (bench/gpu/data_recipe.sh)
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bfcl_adapter import load_entries, parse_categories
from harness.loop import CloseLoop, LoopConfig, objective
from harness.loop_phases import PhaseSettings, RealPhases

# name: what changes against the loop's defaults (PhaseSettings fields)
RECIPES: dict[str, dict[str, float]] = {
    "default": {},
    "near-miss": {"near_miss_share": 0.5},
    "formulas": {"formula_tools": 400},
    "formulas+near-miss": {"formula_tools": 400, "near_miss_share": 0.5},
}
REPLAY = {"irrelevance": 0.5}  # round 1's shares: LoopConfig.abstention_share
TRAIN_TOML = """method = "sft"
[sft]
progress = false
[sft.trl]
per_device_train_batch_size = 4
gradient_accumulation_steps = 1
learning_rate = 1e-4
lr_scheduler_type = "constant_with_warmup"
num_train_epochs = 10.0
save_steps = 100000
"""  # the CPU defaults of configs/train.toml (2 x 2 rows there: the same 4 rows a step)


def probe_ids(work: Path, per_category: int) -> dict:
    categories = parse_categories("non_live")
    folder = work / f"split{per_category}"
    loop = CloseLoop(folder, RealPhases(PhaseSettings()), {c: [e.id for e in load_entries(c)] for c in categories})
    config = LoopConfig(categories=categories, probe_per_category=per_category)
    loop.start("default", config, resume=(folder / "state.json").exists())
    return loop.ids("probe")


def prepare(args: argparse.Namespace) -> None:
    phases = RealPhases(PhaseSettings(max_new_tokens=128))
    base = args.work / "base"
    if not (base / "gaps.json").exists():
        phases.evaluate("default", base, probe_ids(args.work, 15))  # the loop's round 0
    for name in args.recipes:
        recipe = RealPhases(PhaseSettings(**RECIPES[name]))
        data = args.work / name
        if not (data / "verify" / "manifest.json").exists():
            began = time.monotonic()
            recipe.synthesize(base, data / "synth", args.samples, args.seed, REPLAY)
            recipe.verify(data / "synth", data / "verify")
            print(f"{name}: data in {time.monotonic() - began:.0f} s", flush=True)


def train(args: argparse.Namespace) -> None:
    args.out.mkdir(parents=True, exist_ok=True)
    ids = probe_ids(args.work, args.eval_per_category)
    phases = RealPhases(PhaseSettings(max_new_tokens=128))
    for name in args.recipes:
        folder = args.work / name
        (folder / "train.toml").write_text(TRAIN_TOML)
        began = time.monotonic()
        try:
            trainer = RealPhases(PhaseSettings(train_config=str(folder / "train.toml"), train_max_steps=args.steps))
            trainer.train("default", folder / "verify", folder / "train", 1.0, args.seed)
            trained = time.monotonic() - began
            summary = phases.evaluate(str(folder / "train"), folder / "eval", ids)
        except Exception as exc:  # one broken recipe must not cost the others their device time
            row = {"recipe": name, "error": repr(exc)}
        else:
            samples = sum(1 for _ in (folder / "verify" / "train.jsonl").open())
            row = {"recipe": name, "work": args.work.name, "changes": RECIPES[name], "seed": args.seed,
                   "samples": samples, "steps": args.steps, "rows": 4 * args.steps,
                   "objective": round(objective(summary.accuracy), 4), "train_seconds": round(trained, 1),
                   "eval_seconds": round(time.monotonic() - began - trained, 1),
                   "cases": {c.value: len(v) for c, v in ids.items()},
                   "accuracy": {c.value: round(a, 4) for c, a in summary.accuracy.items()}}  # fmt: skip
        with (args.out / "data_recipe.jsonl").open("a") as f:  # at once: a run cut short keeps its rows
            f.write(json.dumps(row) + "\n")
        print(json.dumps(row), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["prepare", "train"])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("."))
    parser.add_argument("--recipes", type=lambda s: s.split(","), default=list(RECIPES))
    parser.add_argument("--samples", type=int, default=800)
    parser.add_argument("--seed", type=int, default=1, help="data and training seed (the loop's round 1: 1)")
    parser.add_argument("--steps", type=int, default=148, help="SFT steps of 4 rows (CPU round 1: 148)")
    parser.add_argument("--eval-per-category", type=int, default=30, help="probe-split cases per category")
    args = parser.parse_args()
    unknown = [r for r in args.recipes if r not in RECIPES]
    if unknown:
        parser.error(f"unknown recipes {unknown}; known: {list(RECIPES)}")
    (prepare if args.mode == "prepare" else train)(args)


if __name__ == "__main__":
    main()

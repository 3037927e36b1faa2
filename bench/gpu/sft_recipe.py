"""Which SFT batch size and learning rate to give the CPU close-loop, measured on a lent GPU.

The 2-core CPU trains on about 320 rows of a round's synthetic data in the time a 2-hour loop gives
one round (~150 tokens/s, ~1,200 tokens a row). This script spends exactly that many rows per setting
on a GPU, where each costs seconds, and scores every result on the loop's probe split (seed 0, the
ids the loop itself decides on; the report split is never touched). Run by bench/gpu/sft_recipe.sh.

    python bench/gpu/sft_recipe.py --out DIR [--rows 320] [--samples 800]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bfcl_adapter import load_entries, parse_categories
from harness.loop import CloseLoop, LoopConfig, objective
from harness.loop_phases import PhaseSettings, RealPhases

# name: (rows per step, learning rate, scheduler, rows seen as a multiple of --rows)
SETTINGS = {
    "b16-lr1e-4-cosine": (16, 1e-4, "cosine", 1),  # the CPU default before this measurement
    "b8-lr1e-4-cosine": (8, 1e-4, "cosine", 1),
    "b4-lr1e-4-cosine": (4, 1e-4, "cosine", 1),
    "b4-lr5e-5-cosine": (4, 5e-5, "cosine", 1),
    "b4-lr2e-4-cosine": (4, 2e-4, "cosine", 1),
    "b4-lr1e-4-constant": (4, 1e-4, "constant_with_warmup", 1),
    "b4-lr1e-4-cosine-2x": (4, 1e-4, "cosine", 2),  # what twice the CPU's training time would buy
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sft_recipe"))
    parser.add_argument("--rows", type=int, default=320)
    parser.add_argument("--samples", type=int, default=800)
    parser.add_argument("--only", default="", help="comma-separated setting names")
    parser.add_argument("--replay", default="", help="category=share,... forced into the data (e.g. irrelevance=0.5)")
    parser.add_argument("--tag", default="", help="suffix of the data and setting folders (one data recipe each)")
    parser.add_argument("--probe-per-category", type=int, default=15, help="the loop's default (smoke tests: fewer)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    def record(row: dict) -> None:  # appended at once: a run cut by its time limit keeps what it measured
        with (args.out / "sft_recipe.jsonl").open("a") as f:
            f.write(json.dumps(row) + "\n")
        print(json.dumps(row), flush=True)

    categories = parse_categories("non_live")
    phases = RealPhases(PhaseSettings())
    loop = CloseLoop(args.work / "loop", phases, {c: [e.id for e in load_entries(c)] for c in categories})
    config = LoopConfig(categories=categories, probe_per_category=args.probe_per_category)
    loop.start("default", config, resume=(args.work / "loop" / "state.json").exists())
    probe = loop.ids("probe")

    began = time.monotonic()
    base = phases.evaluate("default", args.work / "base", probe)
    seed = 1  # the seed the loop gives round 1
    replay = {k: float(v) for k, v in (item.split("=") for item in args.replay.split(",") if item)}
    data = args.work / f"verify{args.tag}"
    phases.synthesize(args.work / "base", args.work / f"synth{args.tag}", args.samples, seed, replay)
    phases.verify(args.work / f"synth{args.tag}", data)
    record({"setting": "base", "data": data.name, "replay": replay, "objective": objective(base.accuracy),
            "seconds": time.monotonic() - began, "accuracy": {c.value: a for c, a in base.accuracy.items()}})

    names = [n for n in SETTINGS if not args.only or n in args.only.split(",")]
    for name in names:
        batch, rate, schedule, times = SETTINGS[name]
        steps = args.rows * times // batch
        name_dir = args.work / f"{name}{args.tag}"
        name_dir.mkdir(parents=True, exist_ok=True)
        toml = name_dir / "train.toml"
        toml.write_text(
            f'method = "sft"\n[sft.trl]\nper_device_train_batch_size = {batch}\ngradient_accumulation_steps = 1\n'
            f'learning_rate = {rate}\nlr_scheduler_type = "{schedule}"\nnum_train_epochs = 10.0\n'
            f"save_steps = 100000\n"
        )
        began = time.monotonic()
        try:
            trainer = RealPhases(PhaseSettings(train_config=str(toml), train_max_steps=steps))
            trainer.train("default", data, name_dir / "train", 1.0, seed)
            trained = time.monotonic() - began
            summary = phases.evaluate(str(name_dir / "train"), name_dir / "eval", probe)
        except Exception as exc:  # one broken setting must not cost the others their device time
            record({"setting": name, "error": repr(exc)})
            continue
        record({"setting": name, "data": data.name, "replay": replay, "rows_per_step": batch,
                "learning_rate": rate, "scheduler": schedule, "steps": steps, "rows": steps * batch,
                "objective": objective(summary.accuracy), "train_seconds": round(trained, 1),
                "accuracy": {c.value: a for c, a in summary.accuracy.items()}})  # fmt: skip


if __name__ == "__main__":
    main()

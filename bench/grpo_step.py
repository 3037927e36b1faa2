"""bench/grpo_step: seconds per GRPO step (8 prompts x 4 completions) with trl's defaults vs ours.

Both runs train the same model on the same prompts, in one process, one after the other:

* ``trl-default``: ``GRPOConfig`` defaults (max_completion_length 512, gradient checkpointing on,
  bf16 as trl decides) and the stock ``GRPOTrainer``; only the step shape is set (num_generations 4,
  per-device batch 8, gradient accumulation 4) so that both steps see 8 prompts x 4 completions;
* ``ours``: ``rl.grpo``'s defaults and trainer (stop at the end of the call list, max_completion_length
  from the gold lengths, prompt prefill and prompt forward shared by each group, LM head on completion
  positions only, fp32 and no gradient checkpointing on CPU).

The gated reward is the same in both. Each run does ``--warmup`` untimed steps, then ``--steps`` timed
ones; a step is an optimizer step (generation + reward + loss + backward + update). Prompt selection
by probe is off in both (it is a one-off cost before training, reported separately by the trainer).

The untrained model rarely passes, so most groups would score alike, and ours skips the forward and
backward of micro-batches whose advantages are all 0 (exactly, see rl.grpo). To time the full work of
a step, both sides get by default one more reward, ``len(completion) / 1000``, which gives every group
some variance; ``--no-variance`` times the plain gated reward instead.

Run: ``.venv/bin/python bench/grpo_step.py [--model DIR|default] [--steps 2]``. Appends a row to
bench/results/grpo_step.md (and the raw record to grpo_step.jsonl).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from _common import append_result, hf_model_dir  # noqa: E402  (bench/ is sys.path[1] when run as a script)
os.environ.setdefault("HF_HUB_OFFLINE", "1")


class StepTimer:
    """Wall time of every optimizer step, and the completions' mean length per step."""

    def __init__(self) -> None:
        from transformers import TrainerCallback

        timer = self

        class Callback(TrainerCallback):
            def on_step_begin(self, args, state, control, **kw):
                timer._start = time.perf_counter()

            def on_step_end(self, args, state, control, **kw):
                timer.seconds.append(time.perf_counter() - timer._start)

            def on_log(self, args, state, control, logs=None, **kw):
                if logs and "completions/mean_length" in logs:
                    timer.lengths.append(float(logs["completions/mean_length"]))
                    timer.zero_std.append(float(logs.get("frac_reward_zero_std", float("nan"))))
                    timer.skipped.append(float(logs.get("closeloop/skipped_microbatches", 0.0)))

        self.seconds: list[float] = []
        self.lengths: list[float] = []
        self.zero_std: list[float] = []  # share of zero-variance groups per step
        self.skipped: list[float] = []  # share of micro-batches skipped (all advantages 0), ours only
        self._start = 0.0
        self.callback = Callback()


def length_reward(prompts, completions, **kwargs):
    """A tiny extra reward that gives every group variance (so no step can be skipped)."""
    from rl.rewards import completion_text

    return [len(completion_text(c)) / 1000 for c in completions]


def run(kind: str, model_dir: Path, rows: list[dict], steps: int, warmup: int, seed: int,
        variance: bool = True) -> dict:  # fmt: skip
    import datasets
    import torch
    from trl import GRPOConfig, GRPOTrainer

    from rl.common import load_model, load_tokenizer, set_threads
    from rl.data import grpo_records
    from rl.grpo import (
        GRPOSettings, auto_max_completion_length, compact_lm_head, grpo_config, make_trainer_class,
    )  # fmt: skip
    from rl.rewards import build_reward_funcs

    set_threads()
    torch.manual_seed(seed)
    tokenizer = load_tokenizer(model_dir)
    funcs, weights = build_reward_funcs()
    if variance:
        funcs, weights = funcs + [length_reward], weights + [1.0]
    shape = {"num_generations": 4, "per_device_train_batch_size": 8, "gradient_accumulation_steps": 4}
    total = warmup + steps
    out = Path(tempfile.mkdtemp(prefix=f"grpo-bench-{kind}-"))
    common = {"max_steps": total, "save_strategy": "no", "report_to": "none", "logging_steps": 1,
              "seed": seed, "reward_weights": weights, "disable_tqdm": True}  # fmt: skip
    if kind == "trl-default":
        # use_cpu only where there is no GPU: trl's default bf16 refuses to start on a CPU box without it.
        config = GRPOConfig(output_dir=str(out), **shape, **common, use_cpu=not torch.cuda.is_available())
        model = load_model(model_dir, bf16=False)
        trainer_class, extra = GRPOTrainer, {}
        context = None
    else:
        settings = GRPOSettings(select_prompts=False, progress=False, trl_args={**shape, **common})
        config = grpo_config(settings, out, max_completion_length=auto_max_completion_length(tokenizer, rows),
                             eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)  # fmt: skip
        model = load_model(model_dir, bf16=config.bf16)
        trainer_class = make_trainer_class()
        extra = {"stop_at_call_list": True, "shared_prefix": True}
        context = compact_lm_head()
    dataset = datasets.Dataset.from_list(grpo_records(rows[: total * 8]))
    timer = StepTimer()
    trainer = trainer_class(model=model, reward_funcs=funcs, args=config, train_dataset=dataset,
                            processing_class=tokenizer, callbacks=[timer.callback], **extra)  # fmt: skip
    if context is None:
        trainer.train()
    else:
        with context:
            trainer.train()
    timed = timer.seconds[warmup:]
    return {
        "seconds_per_step": statistics.fmean(timed),
        "steps": timer.seconds,
        "completion_mean_length": statistics.fmean(timer.lengths[warmup:]) if timer.lengths[warmup:] else None,
        "frac_reward_zero_std": timer.zero_std,
        "skipped_microbatches": timer.skipped,
        "max_completion_length": config.max_completion_length,
        "gradient_checkpointing": config.gradient_checkpointing,
        "bf16": config.bf16,
    }


def machine() -> str:
    text = f"{platform.node()} · {os.cpu_count()} CPUs · {platform.machine()}"
    try:
        import torch

        if torch.cuda.is_available():
            text += f" · {torch.cuda.get_device_name(0)}"
    except ImportError:
        pass
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="default", help="HF model dir, or 'default' (the embedded SmolLM2)")
    parser.add_argument("--data", help="verified data dir (train.jsonl); default: the rl test template rows")
    parser.add_argument("--steps", type=int, default=2, help="timed steps per run")
    parser.add_argument("--warmup", type=int, default=1, help="untimed steps first")
    parser.add_argument("--only", choices=("ours", "trl-default"), help="run one side only (no row written)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-variance", action="store_true", help="time the plain gated reward (see above)")
    parser.add_argument("--no-write", action="store_true", help="print, do not append to bench/results")
    args = parser.parse_args()

    model_dir = hf_model_dir(args.model)
    if args.data:
        from rl.data import load_train_data

        rows = load_train_data(args.data).scorable()
    else:
        from tests.rl_fixtures import make_rows

        rows = make_rows(8 * (args.steps + args.warmup), seed=args.seed)
    results = {}
    for kind in ("ours", "trl-default"):
        if args.only and kind != args.only:
            continue
        started = time.time()
        results[kind] = run(kind, model_dir, rows, args.steps, args.warmup, args.seed, not args.no_variance)
        print(f"{kind}: {results[kind]['seconds_per_step']:.1f} s/step  (steps {[round(s, 1) for s in results[kind]['steps']]}, "
              f"mean completion {results[kind]['completion_mean_length']} tokens, run {time.time() - started:.0f} s)",
              flush=True)  # fmt: skip
    if args.only or args.no_write:
        print(json.dumps(results, indent=1))
        return
    command = "python bench/grpo_step.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    record = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "command": command.strip(),
        "model": str(model_dir),
        "ours_seconds_per_step": round(results["ours"]["seconds_per_step"], 2),
        "trl_default_seconds_per_step": round(results["trl-default"]["seconds_per_step"], 2),
        "details": results,
    }
    d, o = results["trl-default"], results["ours"]
    table = append_result(
        "grpo_step",
        f"| {record['date']} | {record['machine']} | `{record['command']}` | {Path(record['model']).name} | "
        f"{d['seconds_per_step']:.1f} | {o['seconds_per_step']:.1f} | {d['seconds_per_step'] / o['seconds_per_step']:.1f}x | "
        f"{d['completion_mean_length'] or 0:.0f} / {o['completion_mean_length'] or 0:.0f} |\n",
        "# bench/grpo_step\n\n"
        "Seconds per GRPO optimizer step (8 prompts x 4 completions: generation, gated reward, loss, backward,\n"
        "update) with trl's default settings and with `rl.grpo`'s. Same model, same prompts, one process.\n"
        "Target: ours <= 20 s on the 2-core dev VM. Command: `.venv/bin/python bench/grpo_step.py`.\n\n"
        "| date (UTC) | machine | command | model | trl default s/step | ours s/step | speed-up | "
        "mean completion tokens (default / ours) |\n|---|---|---|---|---|---|---|---|\n",
        record,
    )  # fmt: skip
    print(f"appended to {table}")


if __name__ == "__main__":
    main()

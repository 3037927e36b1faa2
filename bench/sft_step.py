"""bench/sft_step: seconds per SFT step on this machine, with and without the shared prompt head.

On a CPU the loop's SFT runs to a deadline, so seconds per step decide how many steps a round gets.
Both runs train the embedded model (or ``--model``) on the same rows, in one process, one after the
other, with ``rl.sft``'s defaults (4 rows a step, one micro-batch) and the same seed, so they
see the same batches: ``plain`` is trl's forward, one row at a time through the whole prompt;
``shared`` runs the prompt head the micro-batch's rows share (BFCL's system prompt up to its list of
functions) once (``rl.sft.shared_prefix_width``). ``--batch 2x2`` times two 2-row micro-batches instead
(the same rows per step and the same gradient: the loss is normalized over the step's tokens).

The rows: ``--data DIR`` (a verified folder with train.jsonl, e.g. a loop round's ``verify``), or by
default ``harness synth --categories non_live --n 96 --specs catalog --specs procedural:200:1`` and
``harness verify --profile ci`` into a temporary folder. Each run does ``--warmup`` untimed steps,
then ``--steps`` timed ones.

Run: ``.venv/bin/python bench/sft_step.py [--steps 8] [--batch 4x1]``; appends a row to
bench/results/sft_step.md (raw record: sft_step.jsonl).
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from _common import append_result, commit, hf_model_dir, machine  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")
HEADER = """# bench/sft_step: seconds per SFT step, with and without the shared prompt head

`bench/sft_step.py`: the same rows, seed and trainer settings (rl.sft's CPU defaults), trl's forward
(`plain`) against the forward that runs the prompt head a micro-batch's rows share once (`shared`,
`rl.sft`'s default). Means over the timed steps; tokens are the rows' real tokens (no padding).

| date (UTC) | machine | commit | command | rows a step | tokens a step | plain s/step | shared s/step | speed-up |
|---|---|---|---|---|---:|---:|---:|---:|
"""


def build_data(folder: Path) -> Path:
    """Synthesize and verify a small non_live set the way the loop does; returns the verified folder."""
    harness = [sys.executable, "-m", "harness"]
    synth = ["synth", "--categories", "non_live", "--n", "96", "--seed", "1", "--specs", "catalog",
             "--specs", "procedural:200:1", "--out", str(folder / "synth"), "--no-progress"]  # fmt: skip
    subprocess.run([*harness, *synth], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    verify = ["verify", str(folder / "synth"), "--out", str(folder / "verify"), "--profile", "ci"]
    subprocess.run([*harness, *verify], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return folder / "verify"


def timed_run(model_dir: Path, data_dir: Path, shared: bool, batch: tuple[int, int], steps: int,
              warmup: int) -> tuple[list[float], float]:  # fmt: skip
    """Seconds of every step, and the mean real tokens a step."""
    from transformers import TrainerCallback

    from rl.data import load_train_data
    from rl.sft import SFTSettings, run_sft

    seconds: list[float] = []
    tokens: list[float] = []

    class Timer(TrainerCallback):
        def on_step_begin(self, args, state, control, **kw):
            self.began = time.perf_counter()

        def on_step_end(self, args, state, control, **kw):
            seconds.append(time.perf_counter() - self.began)

        def on_log(self, args, state, control, logs=None, **kw):
            if logs and "num_tokens" in logs:
                tokens.append(float(logs["num_tokens"]))

    rows, accumulation = batch
    settings = SFTSettings(shared_prefix=shared, progress=False, resume=False, trl_args={
        "per_device_train_batch_size": rows, "gradient_accumulation_steps": accumulation, "save_strategy": "no"})
    with tempfile.TemporaryDirectory() as out:
        run_sft(model_dir, load_train_data(data_dir), Path(out) / "sft", settings, max_steps=warmup + steps,
                callbacks=[Timer()])  # fmt: skip
    per_step = [b - a for a, b in zip([0.0, *tokens], tokens)][warmup:]
    return seconds[warmup:], statistics.fmean(per_step) if per_step else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="default", help="HF model dir, or 'default' (the embedded SmolLM2)")
    parser.add_argument("--data", help="verified folder with train.jsonl (default: synthesize and verify 96 rows)")
    parser.add_argument("--steps", type=int, default=8, help="timed steps per run")
    parser.add_argument("--warmup", type=int, default=1, help="untimed steps first")
    parser.add_argument("--batch", default="4x1", help="ROWSxACCUMULATION: micro-batch rows x micro-batches a step")
    parser.add_argument("--no-write", action="store_true", help="print, do not append to bench/results")
    args = parser.parse_args()
    try:
        batch = tuple(int(x) for x in args.batch.lower().split("x"))
        assert len(batch) == 2 and min(batch) > 0
    except (ValueError, AssertionError):
        parser.error(f"--batch must look like 2x2, not {args.batch!r}")
    if args.steps <= 0 or args.warmup < 0:
        parser.error("--steps must be positive and --warmup >= 0")
    if args.data and not (Path(args.data) / "train.jsonl").is_file():
        parser.error(f"{args.data}: no train.jsonl there")

    model_dir = hf_model_dir(args.model)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(args.data) if args.data else build_data(Path(tmp))
        results = {}
        for name, shared in (("plain", False), ("shared", True)):
            seconds, tokens = timed_run(model_dir, data_dir, shared, batch, args.steps, args.warmup)
            results[name] = statistics.fmean(seconds)
            print(f"{name:6}: {results[name]:.2f} s/step  (steps {[round(s, 1) for s in seconds]}, "
                  f"{tokens:.0f} tokens a step)", flush=True)  # fmt: skip
    speedup = results["plain"] / results["shared"]
    print(f"speed-up {speedup:.2f}x")
    if args.no_write:
        return
    command = "bench/sft_step.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    record = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": machine(), "commit": commit(),
              "command": command.strip(), "batch": args.batch, "tokens_per_step": tokens,
              "plain_seconds_per_step": results["plain"], "shared_seconds_per_step": results["shared"]}  # fmt: skip
    row = (f"| {record['date']} | {machine()} | {record['commit']} | `{command.strip()}` | {batch[0]} x {batch[1]} | {tokens:.0f} | "
           f"{results['plain']:.2f} | {results['shared']:.2f} | {speedup:.2f}x |\n")  # fmt: skip
    print("recorded:", append_result("sft_step", row, HEADER, record))


if __name__ == "__main__":
    main()

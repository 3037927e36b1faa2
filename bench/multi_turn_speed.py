"""bench/multi_turn_speed: `harness eval --categories multi_turn` on this machine, steps/s per category.

Runs the multi-turn categories (entries concurrently: each step of every live entry is one batch) and
appends one row per category to bench/results/multi_turn.md: entries, model steps (queries), prompt
tokens, seconds of generation, steps/s and the category's accuracy. The run folder is kept (default
runs/multi_turn_bench) and resumed if it exists, so a killed benchmark finishes where it stopped; the
timings recorded are those of the run.json, summed over the pieces of a resumed run.

Run: `.venv/bin/python bench/multi_turn_speed.py [--model default] [--limit 5] [--out DIR]`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "multi_turn.md"
HEADER = """# bench/multi_turn_speed

`harness eval MODEL --categories multi_turn --limit N` (entries run concurrently, one batch per step).
`steps` = model queries; `steps/s` = steps over the category's generation seconds (run.json timings);
accuracy from scores.json. Command: `.venv/bin/python bench/multi_turn_speed.py` (appends rows here).

| date (UTC) | machine | command | category | entries | steps | prompt tokens | seconds | steps/s | accuracy % |
|---|---|---|---|---:|---:|---:|---:|---:|---:|
"""


def machine() -> str:
    return f"{platform.node() or 'host'} · {os.cpu_count()} CPUs · {platform.machine()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="default")
    parser.add_argument("--limit", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "runs" / "multi_turn_bench")
    args = parser.parse_args()
    argv = ["eval", args.model, "--categories", "multi_turn", "--limit", str(args.limit),
            "--out", str(args.out), "--resume"]  # fmt: skip
    command = "harness " + shlex.join(argv[:-3])
    print(f"$ harness {shlex.join(argv)}", flush=True)
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "harness", *argv], cwd=ROOT)
    wall = time.perf_counter() - began
    if done.returncode != 0:
        return done.returncode
    meta = json.loads((args.out / "run.json").read_text())
    scores = json.loads((args.out / "scores.json").read_text())["categories"]
    date = datetime.now(timezone.utc).isoformat(timespec="seconds")
    rows = []
    for category, timing in meta["timings"].items():
        seconds = float(timing["seconds"])
        rate = timing["steps"] / seconds if seconds else 0.0
        accuracy = scores.get(category, {}).get("accuracy")
        shown = "-" if accuracy is None else f"{100 * accuracy:.1f}"
        rows.append(f"| {date} | {machine()} | `{command}` | {category} | {timing['cases']} | {timing['steps']} | "
                    f"{timing['prompt_tokens']} | {seconds:.0f} | {rate:.2f} | {shown} |\n")  # fmt: skip
    if not RESULTS.exists():
        RESULTS.write_text(HEADER, encoding="utf-8")
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.writelines(rows)
    print("".join(rows), end="")
    print(f"whole process: {wall:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

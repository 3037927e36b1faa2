"""bench/multi_turn_speed: `harness eval --categories multi_turn` on this machine, steps/s per category.

Runs the multi-turn categories (entries concurrently: each step of every live entry is one batch) and
appends one row per finished category to bench/results/multi_turn.md: entries, model steps (queries),
prompt tokens, seconds of generation, steps/s and the category's accuracy. Figures come from the BFCL
result files, which are written entry by entry: an entry's ``latency`` is the time of the batches it
took part in, and since every live entry is in every step's batch, the longest-running entry's latency
is the category's generation time. So a run that was killed, or stopped with --max-minutes, still
records the categories it finished, and rerunning resumes the rest (``--record-only`` just records).

Run: `.venv/bin/python bench/multi_turn_speed.py [--model default] [--limit 5] [--out DIR]`.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from datetime import datetime, timezone
from pathlib import Path

from _common import append_result, machine, result_rows, run_harness  # bench/ is sys.path[0] when a script runs

ROOT = Path(__file__).resolve().parents[1]
HEADER = """# bench/multi_turn_speed

`harness eval MODEL --categories multi_turn --limit N` (entries run concurrently, one batch per step).
`steps` = model queries; `seconds` = the category's generation time (the longest entry's latency, see
the script); accuracy from scores.json (`-` while the run is unfinished).
Command: `.venv/bin/python bench/multi_turn_speed.py` (appends rows here).

| date (UTC) | machine | command | category | entries | steps | prompt tokens | seconds | steps/s | accuracy % |
|---|---|---|---|---:|---:|---:|---:|---:|---:|
"""


def category_figures(run_dir: Path, category: str) -> dict | None:
    """Entries, steps, prompt tokens and generation seconds of one category from its result file."""
    rows = result_rows(run_dir, category, "multi_turn")
    if rows is None:
        return None

    def total(value: object) -> float:
        return sum(total(v) for v in value) if isinstance(value, list) else float(value or 0)

    return {"entries": len(rows), "steps": sum(int(r.get("steps", 0)) for r in rows),
            "prompt_tokens": int(sum(total(r.get("input_token_count")) for r in rows)),
            "seconds": max((total(r.get("latency")) for r in rows), default=0.0)}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="default")
    parser.add_argument("--limit", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "runs" / "multi_turn_bench")
    parser.add_argument("--max-minutes", type=float, help="stop the eval after this long (it resumes later)")
    parser.add_argument("--record-only", action="store_true", help="record the finished categories of --out")
    args = parser.parse_args()
    from bfcl_adapter import load_entries
    from bfcl_adapter.categories import parse_categories

    argv = ["eval", args.model, "--categories", "multi_turn", "--limit", str(args.limit),
            "--out", str(args.out), "--resume"]  # fmt: skip
    command = "harness " + shlex.join(argv[:-3])
    wall = 0.0
    if not args.record_only:
        wall = run_harness(argv, args.max_minutes)
    scores_file = args.out / "scores.json"
    scores = json.loads(scores_file.read_text())["categories"] if scores_file.is_file() else {}
    date = datetime.now(timezone.utc).isoformat(timespec="seconds")
    rows = []
    for category in parse_categories("multi_turn"):
        expected = min(args.limit, len(load_entries(category)))
        figures = category_figures(args.out, category.value)
        if figures is None or figures["entries"] < expected:
            print(f"{category.value}: not finished ({figures['entries'] if figures else 0}/{expected} entries)")
            continue
        rate = figures["steps"] / figures["seconds"] if figures["seconds"] else 0.0
        accuracy = scores.get(category.value, {}).get("accuracy")
        shown = "-" if accuracy is None else f"{100 * accuracy:.1f}"
        rows.append(f"| {date} | {machine()} | `{command}` | {category.value} | {figures['entries']} | "
                    f"{figures['steps']} | {figures['prompt_tokens']} | {figures['seconds']:.0f} | {rate:.3f} | {shown} |\n")  # fmt: skip
    append_result("multi_turn", "".join(rows), HEADER)
    print("".join(rows), end="")
    if wall:
        print(f"whole process: {wall:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

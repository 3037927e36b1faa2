"""bench/eval_sweep: the whole Non-Live + Live AST and irrelevance sweep of one model on this machine.

Runs `harness eval MODEL --categories single_turn` (every case of the 13 single-turn categories, 3,641
in bfcl-eval 2026.3.23) into a resumable run directory and appends to bench/results/eval_sweep.md one
row per category (cases, prompt and generated tokens, generation seconds, cases/s, accuracy) and a
total. Figures come from the BFCL result files, whose rows carry their share of their batch's
latency, so a run that was killed or stopped with --max-minutes keeps what it finished and rerunning
the same command resumes it; the rows are recorded once every category is complete.

Run: `.venv/bin/python bench/eval_sweep.py [--model default] [--out runs/eval_sweep] [--max-minutes M]`.
Extra arguments after `--` go to `harness eval` (e.g. `-- --full-text`).
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
HEADER = """# bench/eval_sweep

The whole single-turn sweep (Non-Live + Live: AST categories, irrelevance, relevance) of one model,
every case, with `harness eval` defaults. `seconds` = generation time from the result files (each row
holds its share of its batch's latency); `wall` = the whole process (model load, scoring, report) summed
over resumed sessions. Command: `.venv/bin/python bench/eval_sweep.py` (appends a block here).
"""


def rate(cases: int, seconds: float) -> str:
    return f"{cases / seconds:.2f}" if seconds > 0 else "-"


def category_figures(run_dir: Path, category: str) -> dict | None:
    rows = result_rows(run_dir, category)
    if rows is None:
        return None
    return {
        "cases": len(rows),
        "prompt_tokens": sum(int(r.get("input_token_count") or 0) for r in rows),
        "completion_tokens": sum(int(r.get("output_token_count") or 0) for r in rows),
        "seconds": sum(float(r.get("latency") or 0.0) for r in rows),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="default")
    parser.add_argument("--out", type=Path, default=ROOT / "runs" / "eval_sweep")
    parser.add_argument("--max-minutes", type=float, help="stop the eval after this long (it resumes later)")
    parser.add_argument("extra", nargs="*", help="after --: more `harness eval` arguments")
    args = parser.parse_args()
    from bfcl_adapter import load_entries
    from bfcl_adapter.categories import parse_categories

    argv = ["eval", args.model, "--categories", "single_turn", *args.extra, "--out", str(args.out)]
    if (args.out / "run.json").exists():
        argv.append("--resume")
    seconds = run_harness(argv, args.max_minutes)
    wall_file = args.out / "bench_wall_seconds"
    wall = (float(wall_file.read_text()) if wall_file.exists() else 0.0) + seconds
    wall_file.write_text(f"{wall:.1f}\n")

    missing = []
    figures = {}
    for category in parse_categories("single_turn"):
        found = category_figures(args.out, category.value)
        expected = len(load_entries(category))
        if found is None or found["cases"] < expected:
            missing.append(f"{category.value} {found['cases'] if found else 0}/{expected}")
        figures[category.value] = found
    if missing:
        print("not finished: " + ", ".join(missing))
        return 1
    scores = json.loads((args.out / "scores.json").read_text())
    meta = json.loads((args.out / "run.json").read_text())
    date = datetime.now(timezone.utc).isoformat(timespec="seconds")
    command = "harness " + shlex.join(argv[: -3 if argv[-1] == "--resume" else -2])
    give_up = meta.get("config", {}).get("stop_when_not_call_list")
    lines = [f"\n## {date} · {machine()}\n\n`{command}` · model {meta['model']['path'].rsplit('/', 1)[-1]} "
             f"({meta['model']['dtype']}, {meta['mode']} mode) · prose replies cut early: "
             f"{'yes' if give_up else 'no'}\n\n",
             "| category | cases | prompt tokens | generated tokens | seconds | cases/s | accuracy % |\n",
             "|---|---:|---:|---:|---:|---:|---:|\n"]  # fmt: skip
    total = {"cases": 0, "prompt_tokens": 0, "completion_tokens": 0, "seconds": 0.0}
    for name, found in figures.items():
        for key in total:
            total[key] += found[key]
        accuracy = scores["categories"].get(name, {}).get("accuracy")
        shown = "-" if accuracy is None else f"{100 * accuracy:.1f}"
        lines.append(f"| {name} | {found['cases']} | {found['prompt_tokens']} | {found['completion_tokens']} | "
                     f"{found['seconds']:.0f} | {rate(found['cases'], found['seconds'])} | {shown} |\n")  # fmt: skip
    lines.append(f"| **all** | {total['cases']} | {total['prompt_tokens']} | {total['completion_tokens']} | "
                 f"{total['seconds']:.0f} | {rate(total['cases'], total['seconds'])} | |\n")  # fmt: skip
    lines.append(f"\nWall clock of the process(es): {wall / 60:.1f} min.\n")
    append_result("eval_sweep", "".join(lines), HEADER)
    print("".join(lines), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
